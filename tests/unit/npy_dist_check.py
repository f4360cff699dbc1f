#!/usr/bin/env python3
"""usage: npy_dist_check.py DIR TAG [DIR TAG ...]
Compares the .npy files npy_dist wrote in each DIR (listed in DIR/manifest.txt) with np.save output
for the same arrays, byte for byte (one python3 for every run: NumPy's import is most of a check). Prints "ok NAME" / "FAIL NAME"; exit status 1 on any failure.
The values are check_npy.values(), which set_value() in npy_dist.c must match."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_npy import values  # noqa: E402

DTYPES = {"bool": np.bool_, "int32": np.int32, "int64": np.int64, "float32": np.float32,
          "float64": np.float64, "int8": np.int8, "uint8": np.uint8, "int16": np.int16,
          "uint16": np.uint16, "uint32": np.uint32, "uint64": np.uint64}


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        print("usage: npy_dist_check.py DIR TAG [DIR TAG ...]", file=sys.stderr)
        return 2
    return max(check(args[i], args[i + 1]) for i in range(0, len(args), 2))


def check(d, tag):
    bad = 0
    try:
        with open(os.path.join(d, "manifest.txt")) as f:
            entries = [line.split() for line in f if line.strip()]
    except OSError as e:
        print("FAIL npy_dist%s: %s" % (tag, e))
        return 1
    if not entries:
        print("FAIL npy_dist%s: empty manifest" % tag)
        return 1
    refdir = os.path.join(d, "ref")
    os.makedirs(refdir, exist_ok=True)
    for name, dt, *ext in entries:
        shape = tuple(int(x) for x in ext)
        ref = os.path.join(refdir, name + ".npy")
        np.save(ref, values(DTYPES[dt], shape))
        with open(ref, "rb") as f:
            want = f.read()
        try:
            with open(os.path.join(d, name + ".npy"), "rb") as f:
                got = f.read()
        except OSError as e:
            got = None
            print("  %s" % e)
        ok = got == want
        print(("ok %s%s" if ok else "FAIL %s%s") % (name, tag))
        bad += not ok
    leftovers = [x for x in os.listdir(d) if ".tmp." in x]
    if leftovers:
        print("FAIL npy_dist%s: temporary files left: %s" % (tag, " ".join(leftovers)))
        bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
