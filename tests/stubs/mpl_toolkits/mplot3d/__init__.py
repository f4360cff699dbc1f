"""mpl_toolkits.mplot3d stand-in (tests/stubs/README.md)."""
from matplotlib._inert import Inert as Axes3D  # noqa: F401
