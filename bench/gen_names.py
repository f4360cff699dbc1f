#!/usr/bin/env python3
"""gen_names.py: a program with N distinct array names, for timing the front end's name
lookups (not a test: it only prints a .tyl).

    python3 bench/gen_names.py 8000 > /tmp/names.tyl
    time bin/tylesc /tmp/names.tyl -o /tmp/names.c

Each name is assigned once from the one before it and printed at the end through a running
sum, so none is dead code."""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
print("import numpy as np")
print("a0 = np.zeros(4)")
for i in range(1, n):
    print(f"a{i} = np.full(4, {i}.0)")
print("s = 0.0")
for i in range(0, n, max(1, n // 100)):
    print(f"s += a{i}[1]")
print("print(s)")
