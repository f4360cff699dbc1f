"""matplotlib.colors stand-in (tests/stubs/README.md)."""
from ._inert import module_getattr as __getattr__  # noqa: F401
