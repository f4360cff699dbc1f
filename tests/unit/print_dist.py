#!/usr/bin/env python3
"""What print_dist G prints, from NumPy: usage: print_dist.py G"""
import sys

import numpy as np

G = int(sys.argv[1])
SMALL = [(10,), (5, 7), (3, 4, 5)]
BIG = [(2000,), (40, 30), (11, 10, 10)]


def make(dt, shape):
    i = np.arange(int(np.prod(shape)), dtype=np.int64)
    if dt == "bool":
        v = i % 3 == 0
    elif dt == "int32":
        v = (i * 7 - 100).astype(np.int32)
    elif dt == "int64":
        v = i * 1000000007 - 5
    elif dt == "float32":
        v = (i / 7.0).astype(np.float32)
    else:
        v = i / 3.0 - 2.0
    return v.reshape(shape)


for dt in ("bool", "int32", "int64", "float32", "float64"):
    for shape in (SMALL[G - 1], BIG[G - 1]):
        a = make(dt, shape)
        print(a)
        print("r =", repr(a))
print(repr(make("float64", (4, 6))))
