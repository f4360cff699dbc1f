"""The inert object of the matplotlib stand-in (see tests/stubs/README.md)."""
import numpy as np


class Inert:
    """Every attribute, call and item is an Inert; stores and iteration do nothing."""

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return Inert()

    def __call__(self, *args, **kwargs):
        return Inert()

    def __getitem__(self, key):
        return Inert()

    def __setitem__(self, key, value):
        pass

    def __iter__(self):
        return iter(())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def subplots(nrows=1, ncols=1, squeeze=True, **kwargs):
    """(figure, axes) as matplotlib shapes them: one Axes, or an array of them."""
    axes = np.empty((nrows, ncols), dtype=object)
    for i in range(nrows):
        for j in range(ncols):
            axes[i, j] = Inert()
    if squeeze:
        axes = axes.squeeze()
        if axes.ndim == 0:
            axes = axes.item()
    return Inert(), axes


def module_getattr(name):
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(name)
    return subplots if name == "subplots" else Inert()
