#!/usr/bin/env python3
"""Expected values for the libtyles unit tests, computed by CPython itself.

usage: gen_expected.py OUTDIR
Writes repr.txt, slice.txt, arith.txt, pow.txt. Floats are written as 16 hex digits of their bits
so that -0.0, nan and the last bit compare exactly.
"""
import math
import random
import struct
import sys


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def from_bits(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def hx(x):
    return "%016x" % bits(x)


def repr_values(rng):
    vals = [0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3, 5e-324, -5e-324,
            1.7976931348623157e308, 2.2250738585072014e-308, 2.225073858507201e-308,
            math.inf, -math.inf, math.nan, math.pi, math.e, 1e16, 1e15, 9999999999999998.0,
            1e-4, 1e-5, 0.0001, 0.00001, 123.456, 1e22, 1e23, 2.0 ** 53, 2.0 ** 53 + 2, 2.0 ** 63,
            0.3, 1.5e-05, -2.5e300, 1e300 * 10, 100.0, 1234567890123456.7, 12345678901234567.0]
    for k in range(-1074, 1024):
        vals.append(math.ldexp(1.0, k))
        vals.append(-math.ldexp(1.0, k))
        vals.append(math.ldexp(1.0, k) * 3 if k < 1022 else 1.0)
    for k in range(-325, 309):
        vals.append(float("1e%d" % k))
        vals.append(float("9.999999999999999e%d" % k))
        vals.append(float("5e%d" % k))
    for k in range(-324, 309):  # neighbours of powers of ten
        x = float("1e%d" % k)
        vals += [math.nextafter(x, 0.0), math.nextafter(x, math.inf)]
    for _ in range(10000):  # near powers of two: the rounding interval is asymmetric there
        e = rng.randint(1, 2046)
        m = rng.choice([0, 1, 2, (1 << 52) - 1, (1 << 52) - 2, rng.getrandbits(4)])
        vals.append(from_bits((e << 52) | m | (rng.getrandbits(1) << 63)))
    for _ in range(30000):
        b = rng.getrandbits(64)
        vals.append(from_bits(b))
    for _ in range(10000):
        vals.append(rng.uniform(-1, 1) * 10.0 ** rng.randint(-30, 30))
    for _ in range(5000):
        vals.append(round(rng.uniform(-1000, 1000), rng.randint(0, 8)))
    for _ in range(3000):  # subnormals
        vals.append(from_bits(rng.getrandbits(52)))
    for i in range(2000):
        vals.append(float(i))
        vals.append(i / 10)
        vals.append(i / 1000)
    return vals


def gen_repr(out, rng):
    with open(out, "w") as f:
        for v in repr_values(rng):
            f.write("%s %s\n" % (hx(v), repr(v)))


def py_slice(n, start, stop, step):
    s = slice(start, stop, step)
    a, b, c = s.indices(n)
    return a, len(range(a, b, c))


def gen_slice(out, rng):
    with open(out, "w") as f:
        cases = []
        for n in range(0, 12):
            for start in [None] + list(range(-14, 15)):
                for stop in [None, -13, -5, -1, 0, 1, 3, n - 1, n, n + 1, 13]:
                    for step in (-3, -2, -1, 1, 2, 3):
                        cases.append((n, start, stop, step))
        for _ in range(50000):
            n = rng.choice([0, 1, 2, rng.randint(0, 50), rng.randint(0, 10 ** 6)])
            big = rng.choice([10, 100, 10 ** 7, 10 ** 15])
            start = None if rng.random() < 0.2 else rng.randint(-big, big)
            stop = None if rng.random() < 0.2 else rng.randint(-big, big)
            step = 0
            while step == 0:
                step = rng.choice([1, -1, rng.randint(-10, 10), rng.randint(-10 ** 6, 10 ** 6)])
            cases.append((n, start, stop, step))
        for n, start, stop, step in cases:
            flags = (1 if start is not None else 0) | (2 if stop is not None else 0)
            lo, ln = py_slice(n, start, stop, step)
            f.write("%d %d %d %d %d %d %d\n" % (n, start or 0, stop or 0, step, flags, lo, ln))


SPECIAL = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0, 2.5, -2.5, 0.1, -0.1, 7.0,
           -7.0, 1e308, -1e308, 1e-308, -1e-308, 5e-324, -5e-324, 1e16, -1e16, 1e300, 1e-300,
           math.inf, -math.inf, math.nan, 0.3, 1 / 3, 10.0, -10.0, 1e20, -1e20, 2.0 ** 53,
           3.5, -3.5, 1e-5, 123456.789, -0.7, 4.0, 0.25, 1.0000001, 0.9999999, 1024.0, -1024.0,
           0.75, 0.5 ** 1074 * 7]

INTS = [0, 1, -1, 2, -2, 3, -3, 5, -5, 7, -7, 10, -10, 100, -100, 12345, -12345,
        2 ** 31, -(2 ** 31), 2 ** 62, -(2 ** 62), 2 ** 63 - 1, -(2 ** 63), 9, -9, 13, -13]


def gen_arith(out, rng):
    """floor division / modulo: 'F a b q m' (floats, Python // and %), 'I a b q m' (ints)."""
    with open(out, "w") as f:
        fl = SPECIAL + [rng.uniform(-100, 100) for _ in range(60)]
        for a in fl:
            for b in fl:
                if b == 0.0:
                    continue
                q, m = a // b, a % b
                assert (q, m) == divmod(a, b) or math.isnan(q) or math.isnan(m)
                f.write("F %s %s %s %s\n" % (hx(a), hx(b), hx(q), hx(m)))
        # NumPy elementwise // and % where Python raises: 'N a b q m' (float64), 'M a b q m' (int64)
        import warnings
        import numpy as np
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for a in fl:
                for b in (0.0, -0.0):
                    q = float(np.floor_divide(np.float64(a), np.float64(b)))
                    m = float(np.remainder(np.float64(a), np.float64(b)))
                    f.write("N %s %s %s %s\n" % (hx(a), hx(b), hx(q), hx(m)))
            for a in INTS:
                for b in (0, -1):
                    q = int(np.floor_divide(np.int64(a), np.int64(b)))
                    m = int(np.remainder(np.int64(a), np.int64(b)))
                    f.write("M %d %d %d %d\n" % (a, b, q, m))
        iv = INTS + [rng.randint(-1000, 1000) for _ in range(40)]
        for a in iv:
            for b in iv:
                if b == 0:
                    continue
                q, m = a // b, a % b
                if not (-(2 ** 63) <= q < 2 ** 63):
                    continue  # INT64_MIN // -1 overflows; not checked (documented)
                f.write("I %d %d %d %d\n" % (a, b, q, m))


def gen_pow(out, rng):
    """'P a b r' (r = bits of a ** b) or 'E a b KIND' for an error."""
    with open(out, "w") as f:
        fl = SPECIAL + [rng.uniform(-5, 5) for _ in range(20)] + [float(rng.randint(-40, 40))
                                                                 for _ in range(20)]
        fl += [1e-310, -1e-310, 0.5 ** 1060, 1e-10, 1e10, 700.0, -700.0, 1e5, -1e5, 2.0 ** 60,
               -(2.0 ** 60) - 1.0 * 0, 2.0 ** 60 + 2 ** 8]
        for a in fl:
            for b in fl:
                try:
                    r = a ** b
                except ZeroDivisionError:
                    f.write("E %s %s zero\n" % (hx(a), hx(b)))
                    continue
                except OverflowError:
                    # negative ** fraction goes through complex pow, which may overflow too
                    kind = "complex" if a < 0 and math.isfinite(b) and b != math.floor(b) \
                        else "overflow"
                    f.write("E %s %s %s\n" % (hx(a), hx(b), kind))
                    continue
                if isinstance(r, complex):
                    f.write("E %s %s complex\n" % (hx(a), hx(b)))
                    continue
                f.write("P %s %s %s\n" % (hx(a), hx(b), hx(r)))
        # int ** int, b >= 0, where the result fits in int64 (beyond it the run time stops with
        # an overflow error: tests/runtime_errors/int_overflow_pow)
        for a in INTS + list(range(-4, 5)):
            for b in [0, 1, 2, 3, 5, 7, 10, 31, 32, 62, 63, 64, 100]:
                r = a ** b
                if -(2 ** 63) <= r < 2 ** 63:
                    f.write("J %d %d %d\n" % (a, b, r))


def main():
    out = sys.argv[1]
    rng = random.Random(20240611)
    gen_repr(out + "/repr.txt", rng)
    gen_slice(out + "/slice.txt", rng)
    gen_arith(out + "/arith.txt", rng)
    gen_pow(out + "/pow.txt", rng)


if __name__ == "__main__":
    main()
