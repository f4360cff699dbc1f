"""matplotlib stand-in for the NumPy reference runs of the tests (tests/stubs/README.md)."""
from ._inert import module_getattr as __getattr__  # noqa: F401


def use(*args, **kwargs):
    pass
