#!/usr/bin/env python3
"""Compares libtyles' format() of ints, floats and bools (tyl_format.c, through format_driver)
with CPython's over random values and format specs: fill, align, sign, z, #, 0, width, grouping,
precision and every type, with inf, nan, -0.0, huge and tiny numbers and rounding ties.
usage: format_check.py DRIVER [N]   prints "ok format ..." or "FAIL format ..." lines."""
import math
import random
import struct
import subprocess
import sys

rng = random.Random(12)


def rand_spec(kind):
    s = ""
    if rng.random() < 0.3:
        fill = rng.choice(["", "*", "0", " ", "x", "\u2605", "_"])
        s += fill + rng.choice("<>=^")
    if rng.random() < 0.3:
        s += rng.choice("+- ")
    if rng.random() < 0.05:
        s += "z"
    if rng.random() < 0.2:
        s += "#"
    if rng.random() < 0.2:
        s += "0"
    if rng.random() < 0.5:
        s += str(rng.choice([1, 2, 5, 8, 10, 12, 20, 25, 40]))
    if rng.random() < 0.2:
        s += rng.choice(",_")
    if rng.random() < 0.5:
        s += "." + str(rng.choice([0, 0, 1, 2, 3, 4, 6, 8, 10, 12, 15, 16, 17, 20, 30, 60]))
    if rng.random() < 0.85:
        s += rng.choice("bcdoxXneEfFgG%" if kind != "f" else "eEfFgGn%%d")
    return s


def rand_float():
    r = rng.random()
    if r < 0.05:
        return rng.choice([math.inf, -math.inf, math.nan, -math.nan, 0.0, -0.0])
    if r < 0.15:  # arbitrary bit patterns
        return struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
    if r < 0.3:  # ties at some decimal place: k + 0.5, k/8, ...
        return rng.randint(-10**6, 10**6) / rng.choice([2, 4, 8, 16, 1024]) * 10.0 ** rng.randint(-3, 3)
    if r < 0.4:
        return float(rng.randint(-10**17, 10**17))
    if r < 0.5:
        return rng.choice([1e16, 1e15, 9.999999e15, 1e-4, 9.9999e-5, 0.0001, 1e-5, 123456.0,
                           0.5, 1.5, 2.5, 0.125, 0.375, 1e22, 1e23, 5e-324, 1.7976931348623157e308,
                           2e16 + 8, 0.1, 0.3, 2.675, 1.005])
    m = rng.uniform(-10, 10)
    return m * 10.0 ** rng.randint(-30, 30)


def rand_int():
    r = rng.random()
    if r < 0.1:
        return rng.choice([0, 1, -1, 2**63 - 1, -2**63, 65, 0x10FFFF, 0x110000, 233, 1114111, 55296])
    if r < 0.5:
        return rng.randint(-1000, 1000)
    return rng.randint(-2**63, 2**63 - 1) >> rng.randint(0, 62)


def expected(kind, spec, v):
    try:
        return format(v, spec)
    except ValueError:
        return "ERR"
    except OverflowError:
        return "OVERFLOW"


def main():
    driver = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    cases = []
    fixed = [("f", s, v) for s in ["", ".3f", "10.4e", ".1%", ",", "g", ".0f", ".0e", "#g", "#.3g",
                                   ".3", "#", "010", "=+12,.3f", "z.1f", ".17g", ".20e"]
             for v in [0.0, -0.0, 1.0, 0.5, 2.5, -1.5, 1e16, 1e-5, 123.456, math.inf, -math.nan,
                       -0.04, 1e300, 5e-324]]
    fixed += [("i", s, v) for s in ["", "5d", "03d", ",", "_", "_x", "#b", "#o", "#X", "c", "n",
                                    "+", " ", "=+8", "^9", "e", ".2f", ".1%", "g", "010,d"]
              for v in [0, 7, -7, 1234567, -2**63, 2**63 - 1, 65]]
    fixed += [("b", s, v) for s in ["", ">5", "d", "x", ".2f", "<6"] for v in [0, 1]]
    cases += fixed
    for _ in range(n):
        kind = rng.choice("fffi")
        cases.append((kind, rand_spec(kind), rand_float() if kind == "f" else rand_int()))
    lines = []
    for kind, spec, v in cases:
        val = v.hex() if kind == "f" else str(v)
        lines.append(f"{kind}\t{spec}\t{val}\n")
    out = subprocess.run([driver], input="".join(lines).encode(), stdout=subprocess.PIPE,
                         check=False).stdout.decode("utf-8", "surrogatepass").split("\n")
    bad = 0
    for i, (kind, spec, v) in enumerate(cases):
        want = expected(kind, spec, bool(v) if kind == "b" else v)
        got = out[i] if i < len(out) else "<missing>"
        if got != want:
            bad += 1
            if bad <= 20:
                print(f"  format({v!r}, {spec!r}): Python {want!r}, libtyles {got!r}")
    if bad:
        print(f"FAIL format: {bad} of {len(cases)} differ from CPython")
        return 1
    print(f"ok format: {len(cases)} values and specs as CPython formats them")
    return 0


sys.exit(main())
