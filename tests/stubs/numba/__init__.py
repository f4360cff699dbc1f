"""numba stand-in for the NumPy reference runs of the tests (tests/stubs/README.md): njit and jit
return the function unchanged, prange is range, so a program written for Numba runs as the plain
Python and NumPy it is, which is what tylesc compiles."""


def jit(*args, **kwargs):
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda f: f


njit = jit
prange = range
