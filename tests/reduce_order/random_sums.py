#!/usr/bin/env python3
"""Random float sums, compiled by tylesc and run on process grids that split every axis (--procs),
compared bitwise with NumPy: random shapes (1-D to 3-D), views with offsets and steps, sums of
views and of expressions, np.mean, sums and means of selections a[m] (NumPy sums the selected
points compressed: a tree of their own), sums, means and std along the last axis of long rows
(each row one pairwise tree however long: programs --rows K of them, rows of 129 to 9000 points,
whole, offset and strided), float64 and float32, 1-4 ranks, 1 and 3 threads.

Usage: random_sums.py TYLESC [--programs K] [--rows K] [--seed S] [--keep]   (exit 1 on any difference)
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import concurrent.futures
import sys
import tempfile


def rand_slice(rng, n):
    lo = rng.choice([0, 0, 1, 2, rng.randrange(0, max(1, n // 2))])
    hi = rng.choice([n, n, n - 1, n - 3, n - rng.randrange(0, max(1, n // 2))])
    hi = max(hi, lo + 1)
    st = rng.choice([1, 1, 1, 2, 3])
    return "%d:%d%s" % (lo, hi, ":%d" % st if st > 1 else "")


def program(rng, k):
    rank = rng.choice([1, 2, 2, 3, 3])
    if rank == 1:
        shape = [rng.choice([rng.randrange(5, 400), rng.randrange(8000, 40000)])]
    elif rank == 2:
        shape = [rng.randrange(3, 90), rng.choice([rng.randrange(3, 140), rng.randrange(200, 9000)])]
    else:
        shape = [rng.randrange(3, 30), rng.randrange(3, 30), rng.randrange(3, 200)]
    f32 = rng.random() < 0.3
    lines = ["import numpy as np", "", "rng = np.random.default_rng(%d)" % (1000 + k),
             "z = rng.standard_normal(%s)" % (tuple(shape),),
             "a = z * z * z * z * z * 100.0 + z"]
    if f32:
        lines.append("a = a.astype(np.float32)")
    lines.append("m = rng.random(%s) > %.2f" % (tuple(shape), rng.choice([0.05, 0.4, 0.9, 0.995])))
    scale = " / 1e6" if f32 else ""  # float32 reprs above 1e7 are printed differently (not sums)
    for _ in range(6):
        sl = ", ".join(rand_slice(rng, n) for n in shape)
        kind = rng.choice(["view", "view", "expr", "mean", "full", "sel", "selmean", "selexpr", "selview"])
        if kind == "sel":
            lines.append("print(repr(a[m].sum()%s))" % scale)
        elif kind == "selmean":
            lines.append("print(repr(np.mean(a[m])))")
        elif kind == "selexpr":
            lines.append("print(repr(np.sum(a[a > 0.3] * 2.0 - 1.0)%s))" % scale)
        elif kind == "selview":
            lines.append("print(repr(a[%s][m[%s]].sum()%s))" % (sl, sl, scale))
        elif kind == "full":
            lines.append("print(repr(np.sum(a)%s))" % scale)
        elif kind == "view":
            lines.append("print(repr(np.sum(a[%s])%s))" % (sl, scale))
        elif kind == "mean":
            lines.append("print(repr(np.mean(a[%s])))" % sl)
        else:
            lines.append("print(repr(np.sum(np.abs(a[%s]) * 0.5 - a[%s])%s))" % (sl, sl, scale))
    return "\n".join(lines) + "\n", len(shape)


def outer_slice(rng, n):
    """A slice of n rows that keeps at least one (the programs print r[0])."""
    lo = min(n - 1, rng.choice([0, 0, 1, rng.randrange(0, n)]))
    hi = rng.choice([n, n, rng.randrange(lo + 1, n + 1)])
    st = rng.choice([1, 1, 2])
    return "%d:%d%s" % (lo, hi, ":%d" % st if st > 1 else "")


def rows_program(rng, k, j):
    """Reductions along the last axis of rows longer than NumPy's unrolled block (128); the j-th
    such program is 2-D for even j, 3-D for odd, its row length a parameter for j % 4 in (0, 3)."""
    if j % 2 == 0:
        shape = [rng.randrange(2, 12), rng.choice([rng.randrange(129, 3000), rng.randrange(8000, 9000)])]
    else:
        shape = [rng.randrange(2, 5), rng.randrange(2, 5), rng.randrange(129, 1500)]
    f32 = rng.random() < 0.3
    # the row length a parameter (known only when running: the compiled code tests it) or not
    ext = ", ".join(str(n) for n in shape[:-1]) + (", nl" if j % 4 in (0, 3) else ", %d" % shape[-1])
    lines = ["import numpy as np", "", "nl = %d" % shape[-1], "rng = np.random.default_rng(%d)" % (2000 + k),
             "z = rng.standard_normal((%s))" % ext,
             "a = z * z * z * z * z * 100.0 + z"]
    if f32:
        lines.append("a = a.astype(np.float32)")
    scale = " / 1e6" if f32 else ""
    first = "[0]" if len(shape) == 2 else "[0, 0]"
    for _ in range(5):
        sl = ", ".join(outer_slice(rng, n) for n in shape[:-1])
        n = shape[-1]
        sl += ", " + rng.choice(["1:", "%d:%d" % (rng.randrange(0, 40), n - rng.randrange(0, 40)),
                                 "::2", "%d::3" % rng.randrange(0, 3), ":"])
        kind = rng.choice(["sum", "sum", "mean", "keep", "std", "expr"])
        if kind == "sum":
            lines.append("r = np.sum(a[%s], axis=-1)%s" % (sl, scale))
        elif kind == "mean":
            lines.append("r = a[%s].mean(axis=%d)" % (sl, len(shape) - 1))
        elif kind == "keep":
            lines.append("r = (a[%s] - np.mean(a[%s], axis=-1, keepdims=True))[..., 0]" % (sl, sl))
        elif kind == "std":
            lines.append("r = np.std(a[%s], axis=-1)" % sl)
        else:
            lines.append("r = np.sum(np.abs(a[%s]) * 0.5 - a[%s], axis=-1)%s" % (sl, sl, scale))
        lines.append("print(repr(r%s), repr(r.max()), repr(r.min()))" % first)
    return "\n".join(lines) + "\n", len(shape)


def grids(rank, n):
    """--procs values for n ranks over a rank-D grid, splitting each axis in turn ("": nothing is
    distributed, no --procs)."""
    if rank == 0:
        return [""]
    if n == 1:
        return ["x".join(["1"] * rank)]
    out = []
    for d in range(rank):
        g = ["1"] * rank
        g[d] = str(n)
        out.append("x".join(g))
    if n == 4 and rank >= 2:
        g = ["1"] * rank
        g[-1] = g[-2] = "2"
        out.append("x".join(g))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tylesc")
    ap.add_argument("--programs", type=int, default=6)
    ap.add_argument("--rows", type=int, default=2)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("-j", "--jobs", type=int, default=3, help="programs checked at a time")
    o = ap.parse_args()
    rng = random.Random(o.seed)
    tmp = tempfile.mkdtemp(prefix="tyl_rsum_")
    bad = runs = 0
    mpirun = ["mpirun", "--allow-run-as-root", "--oversubscribe"]
    # the programs are drawn first (one random stream), then checked several at a time: most of
    # a check is mpirun's start-up, waiting rather than computing
    progs = [program(rng, k) if k < o.programs else rows_program(rng, k, k - o.programs)
             for k in range(o.programs + o.rows)]

    def check(k):
        """(runs, failures, report) of program k at every rank count and grid."""
        text, rank = progs[k]
        src = os.path.join(tmp, "rsum%d.tyl" % k)
        with open(src, "w") as f:
            f.write(text)
        want = subprocess.run([sys.executable, src], capture_output=True, text=True, check=True).stdout
        exe = os.path.join(tmp, "rsum%d" % k)
        c = subprocess.run([os.path.abspath(o.tylesc), "--keep-c", src, "-o", exe], capture_output=True, text=True)
        if c.returncode:
            return 0, 1, "FAIL rsum%d: tylesc: %s\n" % (k, c.stderr.strip())
        # the grid is the compiler's choice: an axis of a small extent taken only whole or at a
        # point (a[0:1, ::2]) is a component axis, kept whole, and the grid has one axis fewer
        with open(exe + ".c") as f:
            m = re.search(r"tyl_rt_set_grid\((\d+)\)", f.read())
        rank = min(rank, int(m.group(1))) if m else rank
        runs = bad = 0
        report = ""
        for n in (1, 2, 3, 4):
            for g in grids(rank, n):
                env = dict(os.environ, OMP_NUM_THREADS="3" if n == 1 else "1")
                cmd = mpirun + ["-np", str(n), exe] + (["--procs=" + g] if g else [])
                r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
                runs += 1
                if r.returncode or r.stdout != want:
                    bad += 1
                    report += "FAIL rsum%d np=%d --procs=%s\n--- numpy\n%s--- compiled\n%s%s\n%s\n" % (
                        k, n, g, want, r.stdout, r.stderr, text)
        return runs, bad, report

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=o.jobs) as pool:
            for r, b, report in pool.map(check, range(len(progs))):
                runs += r
                bad += b
                print(report, end="", flush=True)
    finally:
        if o.keep:
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("random sums: %d programs, %d runs, %d failures" % (o.programs + o.rows, runs, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
