#!/usr/bin/env python3
"""Where the CPU time of a step goes, by ranks x threads, from perf samples (issue 14, item 5).

On a loaded 2-core machine the wall time of a 2-rank or 2-thread run mostly measures when the
scheduler lets both halves run; spinning (OpenMP barriers, MPI polling) then burns CPU time
too. This script instead sorts cpu-clock samples of the whole job (perf record follows mpirun's
ranks) into categories: kernels (tyl_k*), run time and copies (tyl_*, memcpy: packing,
unpacking, box copies), MPI (its libraries, their locks: mostly polling), OpenMP waits (libgomp),
the OS, other. "work" = kernels + run time: what a core must do, whoever waits. Each
configuration runs at S steps and at 2 steps, as fresh jobs, in interleaved rounds; per step =
(the category's min over rounds at S - min at 2) / (S - 2), in CPU ms; wall is --stats total.

    python3 bench/prof_work.py --steps 18 --args=--N=256 --configs 1x2,2x1 ./jacobi3d
    python3 bench/prof_work.py --steps 12 --args='--I=256 --J=256 --K=160' ./hdiff_old ./hdiff_new

EXE is a program compiled by tylesc. Needs perf (software events are enough).
"""
import argparse
import collections
import os
import re
import shlex
import subprocess
import tempfile

HZ = 4000


def categories(path):
    out = subprocess.run(["perf", "report", "-q", "-n", "-i", path, "--sort", "dso,sym", "--stdio", "-t", "|"],
                         capture_output=True, text=True).stdout
    c = collections.Counter()
    for line in out.splitlines():
        f = [x.strip() for x in line.split("|")]
        if len(f) < 4 or not f[1].isdigit():
            continue
        n, dso, sym = int(f[1]), f[2], f[3]
        if re.search(r"\btyl_k\d+", sym):
            k = "kernels"
        elif "tyl_" in sym or "memmove" in sym or "memcpy" in sym:
            k = "runtime"
        elif "gomp" in dso:
            k = "omp_wait"
        elif re.search(r"mpi|pal|btl|coll|pml|vader|ucx|ucp|uct", dso) or "pthread_mutex" in sym:
            k = "mpi"
        elif "kernel" in dso:
            k = "os"
        else:
            k = "other"
        c[k] += n
    c["work"] = c["kernels"] + c["runtime"]
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("exes", nargs="+")
    ap.add_argument("--steps", type=int, default=18, help="S (the short run has 2)")
    ap.add_argument("--args", default="")
    ap.add_argument("--configs", default="1x1,1x2,2x1", help="RANKSxTHREADS,...")
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    S = a.steps
    work = tempfile.mkdtemp(prefix="prof_work_")
    cfgs = [tuple(int(x) for x in c.split("x")) for c in a.configs.split(",")]
    best = {}
    for r in range(a.reps):
        for exe in a.exes:
            for ranks, threads in cfgs:
                for steps in (S, 2):
                    data = os.path.join(work, "perf.data")
                    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
                    with open(os.path.join(work, "stats.txt"), "w") as err:
                        subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", str(HZ), "-o", data, "--",
                                        "mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none",
                                        "-np", str(ranks), "-x", "OMP_NUM_THREADS", os.path.abspath(exe)]
                                       + shlex.split(a.args) + ["--steps=%d" % steps, "--stats"],
                                       env=env, cwd=work, stdout=subprocess.DEVNULL, stderr=err, check=True)
                    c = categories(data)
                    m = re.search(r"total\s+([0-9.]+) s", open(os.path.join(work, "stats.txt")).read())
                    c["wall"] = float(m.group(1)) * HZ if m else 0
                    key = (exe, ranks, threads, steps)
                    old = best.get(key)
                    best[key] = c if old is None else collections.Counter(
                        {k: min(old.get(k, 0), c.get(k, 0)) for k in set(old) | set(c)})
    print("load average %s; S=%d, %d rounds; ms a step (wall: --stats total; the rest: CPU ms)"
          % (open("/proc/loadavg").read().split()[0], S, a.reps))
    cols = ("wall", "work", "kernels", "runtime", "mpi", "omp_wait", "os")
    for exe in a.exes:
        for ranks, threads in cfgs:
            x, y = best[(exe, ranks, threads, S)], best[(exe, ranks, threads, 2)]
            print("  %s %dr%dt: " % (exe, ranks, threads)
                  + ", ".join("%s %.2f" % (k, (x[k] - y[k]) / HZ / (S - 2) * 1e3) for k in cols))


if __name__ == "__main__":
    main()
