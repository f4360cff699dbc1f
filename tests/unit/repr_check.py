#!/usr/bin/env python3
"""Compares libtyles' text of float32 and float64 scalars (print(x), str(x), repr(x)'s inside,
f"{x}") with NumPy 2's over random bit patterns, powers of ten and two, the 1e-4 / 1e6 / 1e16
notation boundaries and their neighbours, denormals and the extremes.
usage: repr_check.py DRIVER [N]   prints "ok repr ..." or "FAIL repr ..." lines."""
import random
import subprocess
import sys

import numpy as np

rng = random.Random(21)
N = int(sys.argv[2]) if len(sys.argv) > 2 else 20000


def cases(t):
    finfo = np.finfo(t)
    ut = np.uint32 if t == np.float32 else np.uint64
    nbits = 32 if t == np.float32 else 64
    out = []
    specials = [0.0, 1.0, finfo.max, finfo.tiny, finfo.smallest_subnormal, 9999999.0, 34472204.0,
                1e16, 9999999999999998.0, 123456789012345.0, 999999.94, 16777216.0, 16777217.0]
    for k in range(-46 if t == np.float32 else -325, 40 if t == np.float32 else 309):
        specials.append(10.0 ** k)
    for k in range(-150 if t == np.float32 else -1075, 128 if t == np.float32 else 1024):
        specials.append(2.0 ** k)
    for s in specials:
        with np.errstate(over="ignore", under="ignore"):
            v = t(s)
        for w in (v, np.nextafter(v, t(0)), np.nextafter(v, t(np.inf))):
            out += [w, -w]
    for _ in range(N):
        r = rng.random()
        if r < 0.4:  # any bit pattern
            v = np.array([rng.getrandbits(nbits)], dtype=ut).view(t)[0]
        elif r < 0.7:  # magnitudes near the notation switches
            v = t(rng.uniform(1, 10) * 10.0 ** rng.choice([-5, -4, -3, 5, 6, 7, 8, 14, 15, 16, 17]))
        else:  # short decimals, as programs compute them
            v = t(round(rng.uniform(-1e4, 1e4), rng.randint(0, 6)) * 10.0 ** rng.randint(-8, 20))
        out.append(v)
    return [v for v in out if np.isfinite(v)] + [t(np.inf), t(-np.inf), t(np.nan)]


def main():
    failed = 0
    for t, code in ((np.float32, "f"), (np.float64, "d")):
        vals = cases(t)
        ut = np.uint32 if t == np.float32 else np.uint64
        inp = "".join("%s %x\n" % (code, int(np.array([v], dtype=t).view(ut)[0])) for v in vals)
        got = subprocess.run([sys.argv[1]], input=inp, capture_output=True, text=True,
                             check=True).stdout.split("\n")
        bad = []
        for v, g in zip(vals, got):
            want = str(v)
            assert repr(v) == "np.%s(%s)" % (t.__name__, want)
            if g != want:
                bad.append((float(v), g, want))
        name = "repr %s (%d values)" % (t.__name__, len(vals))
        if bad:
            failed += 1
            print("FAIL " + name)
            for v, g, w in bad[:10]:
                print("  %r: got %s, want %s" % (v, g, w))
            print("  %d wrong" % len(bad))
        else:
            print("ok " + name)
    return 1 if failed else 0


sys.exit(main())
