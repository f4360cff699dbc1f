#!/usr/bin/env python3
"""A/B of compiled programs by the instructions they execute, for a loaded machine.

CPU time still moves by tens of percent when 20-40 processes share two cores (every time slice
refills the caches); the number of instructions a run executes does not move at all. Each
variant runs under valgrind's cachegrind (no cache simulation) at S steps and at 2 steps, 1
thread; the figure is the time loop's instructions per step, (I at S - I at 2) / (S - 2), in
all and per function (the generated kernels are functions of their own: tyl_k3._omp_fn.0), so
start-up, initialisation and np.save cancel. An instruction count is not a time: it misses
cache misses, port pressure and latency, so use it beside bench/ab_cputime.py, for changes
that remove work (row set-up, recomputation), and say so. The counts are exact from one run.

    python3 bench/ab_instr.py --steps 12 --args='--I=48 --J=48 --K=160' \\
        base=/tmp/base_hdiff new=./hdiff ref=./ref_hdiff

Each variant is NAME=EXE [VAR=VALUE ...] as for ab_cputime.py; the first is the baseline.
"""
import argparse
import os
import re
import subprocess
import tempfile

import ab_cputime


def counts(argv, env, cwd, out):
    """Instructions of one run under cachegrind: (total, {function: count})."""
    cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=" + out] + argv
    r = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode:
        raise SystemExit("%s exited with status %d:\n%s" % (" ".join(argv), r.returncode, r.stderr[-2000:]))
    total, per, fn = 0, {}, None
    with open(out) as f:
        for line in f:
            if line.startswith("fn="):
                fn = line[3:].strip()
            elif line.startswith("summary:"):
                total = int(line.split()[1])
            elif fn and re.match(r"^\d+ \d+", line):
                per[fn] = per.get(fn, 0) + int(line.split()[1])
    return total, per


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("variants", nargs="+", metavar="NAME=EXE [VAR=VALUE ...]")
    ap.add_argument("--steps", type=int, default=12, help="S (the short run has 2)")
    ap.add_argument("--args", default="", help="the programs' other arguments")
    ap.add_argument("--cwd", default=".", help="where the programs run (they write their .npy there)")
    ap.add_argument("--points", type=float, default=0, help="points a step updates: also per point")
    ap.add_argument("--functions", type=int, default=4, help="functions listed per variant")
    a = ap.parse_args()
    if a.steps <= 2:
        ap.error("--steps must be above 2")
    vs = ab_cputime.variants(a.variants, a.args, OMP_NUM_THREADS="1")
    per_step = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, argv, env in vs:
            lo = counts(argv + ["--steps=2"], env, a.cwd, os.path.join(tmp, name + ".2"))
            hi = counts(argv + ["--steps=%d" % a.steps], env, a.cwd, os.path.join(tmp, name + ".S"))
            n = a.steps - 2
            per_step[name] = (hi[0] - lo[0]) / n
            fns = {f: (c - lo[1].get(f, 0)) / n for f, c in hi[1].items()}
            top = sorted(fns.items(), key=lambda kv: -kv[1])[:a.functions]
            print("%s: %.0f instructions a step%s" % (name, per_step[name],
                  ", %.2f a point" % (per_step[name] / a.points) if a.points else ""))
            for f, c in top:
                print("    %12.0f  %s" % (c, f))
    base = vs[0][0]
    for name, _, _ in vs[1:]:
        print("%s / %s instructions: %.4f" % (name, base, per_step[name] / per_step[base]))


if __name__ == "__main__":
    main()
