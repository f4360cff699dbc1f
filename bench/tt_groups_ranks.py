#!/usr/bin/env python3
"""Time-tiled groups of ranks and threads, per step, on a loaded machine (issue 14 item 5).

Each variant runs under mpirun as a fresh job with TYLES_TT_VERBOSE=2, in interleaved rounds
(the order rotating). tyl_timetile.c prints, on rank 0, the steps of each group ("N steps in
tiles ...", twice for a group of 2K steps run as two halves) and one "group W ms cpu C" line
with, for the 3-D bands of several threads, each thread's CPU time. Per group and step:
  wall  the group's wall time (the exchange before it not included);
  cpu   the CPU time of the busiest worker (rank 0's thread, or the most of the threads'; with
        2-D slabs, thread 0's, which includes spinning at the group's barrier).
Printed: least over the groups and median, and each run's --stats total and mean halo wait.
The least CPU time a step a worker says what work a worker does; on a machine whose load
exceeds its cores the wall times say little.

    python3 bench/tt_groups_ranks.py --rounds 6 --steps 66 \\
        2r=bin/jacobi3d_f32:2:1 1r2t=bin/jacobi3d_f32:1:2 'rows18=bin/jacobi3d_f32:2:1:TYLES_TT_ROWS=18'

A variant is NAME=EXE:RANKS:THREADS[:VAR=VALUE...]."""
import argparse
import os
import re
import statistics
import subprocess
import tempfile

from bench_common import mpirun_variant


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("variants", nargs="+")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--steps", type=int, default=66)
    ap.add_argument("--args", default="", help="the programs' other arguments")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="tt_groups_ranks_")
    vs = [mpirun_variant(v, a.steps, a.args, "2") for v in a.variants]
    groups, totals = {}, {}
    for r in range(a.rounds):
        for name, argv, env in vs[r % len(vs):] + vs[:r % len(vs)]:
            err = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=work).stderr
            steps = 0
            for line in err.splitlines():
                m = re.match(r"tyles: (\d+) steps in", line)
                if m:
                    steps += int(m.group(1))
                m = re.match(r"tyles: group ([0-9.]+) ms cpu ([0-9.]+)(.*)", line)
                if m and steps:
                    th = [float(x) for x in re.findall(r"cpu ([0-9.]+) ms", m.group(3))]
                    cpu = max(th) if th else float(m.group(2))
                    groups.setdefault(name, []).append((float(m.group(1)) / steps, cpu / steps, steps))
                    steps = 0
            t = re.search(r"total\s+([0-9.]+) s", err)
            w = re.search(r"halo wait\s+([0-9.]+) s mean", err)
            totals.setdefault(name, []).append("%.2f/%.3f" % (float(t.group(1)) if t else -1,
                                                              float(w.group(1)) if w else 0))
    print("ms a step: least over the groups [median]; totals: --stats total / halo wait (s) per run")
    for name, _, _ in vs:
        g = groups.get(name, [])
        if not g:
            print("%-10s no groups" % name)
            continue
        ws, cs = sorted(x[0] for x in g), sorted(x[1] for x in g)
        print("%-10s %3d groups of %s steps  wall %.2f [%.2f]  cpu a worker %.3f [%.3f]  totals %s"
              % (name, len(g), sorted(set(x[2] for x in g)), ws[0], statistics.median(ws), cs[0],
                 statistics.median(cs), " ".join(totals[name])))


if __name__ == "__main__":
    main()
