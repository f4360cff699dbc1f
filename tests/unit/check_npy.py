#!/usr/bin/env python3
"""Compares the .npy files test_npy wrote in DIR with np.save output for the same arrays.
Prints "ok NAME" / "FAIL NAME" per file; exit status 1 on any failure."""
import os
import sys

import numpy as np

ARRAYS = [
    ("f8_1d", np.float64, (7,)), ("f8_2d", np.float64, (3, 4)), ("f8_3d", np.float64, (2, 3, 4)),
    ("f8_4d", np.float64, (2, 1, 3, 2)), ("f8_zero", np.float64, (0, 5)),
    ("f8_empty", np.float64, (0,)), ("f8_big", np.float64, (100000,)),
    ("f8_wide", np.float64, (123456789, 0)), ("f8_0d", np.float64, ()),
    ("f4_2d", np.float32, (3, 4)), ("i4_3d", np.int32, (2, 3, 4)), ("i8_1d", np.int64, (7,)),
    ("i8_4d", np.int64, (2, 1, 3, 2)), ("b1_2d", np.bool_, (3, 4)), ("b1_3d", np.bool_, (5, 5, 5)),
    ("i4_zero", np.int32, (0,)), ("i1_2d", np.int8, (3, 4)), ("u1_3d", np.uint8, (5, 5, 5)),
    ("i2_1d", np.int16, (7,)), ("u2_2d", np.uint16, (3, 4)), ("u4_3d", np.uint32, (2, 3, 4)),
    ("u8_1d", np.uint64, (7,)),
]
SMALL = {np.int8: 37, np.uint8: 37, np.int16: 9001, np.uint16: 9001, np.uint32: 1000000007,
         np.uint64: 1000000000007}


def values(dtype, shape):
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.int64)
    if dtype in SMALL:
        v = (i * SMALL[dtype] - (5 if dtype == np.uint64 else 50)).astype(dtype)
    elif dtype == np.bool_:
        v = i % 3 == 0
    elif dtype == np.int32:
        v = (i * 7 - 100).astype(np.int32)
    elif dtype == np.int64:
        v = i * 1000000000007 - 5
    elif dtype == np.float32:
        v = i.astype(np.float32) * np.float32(0.25) - np.float32(1.0)
    else:
        v = i / 3.0 - 2.0
    return v.reshape(shape)


def main():
    d = sys.argv[1]
    bad = 0
    for name, dtype, shape in ARRAYS:
        ref = os.path.join(d, name + ".ref.npy")
        np.save(ref, values(dtype, shape))
        with open(ref, "rb") as f:
            want = f.read()
        with open(os.path.join(d, name + ".npy"), "rb") as f:
            got = f.read()
        ok = got == want
        leftovers = [x for x in os.listdir(d) if ".tmp." in x]
        if leftovers:
            ok = False
        print(("ok npy_%s" if ok else "FAIL npy_%s") % name)
        bad += not ok
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
