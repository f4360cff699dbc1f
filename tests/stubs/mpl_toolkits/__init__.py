"""mpl_toolkits stand-in (tests/stubs/README.md)."""
