#!/usr/bin/env python3
"""The busiest worker's CPU time over a whole time-tiled loop, ranks against threads (issue 14
item 5), on a loaded machine.

bench/tt_groups.py and bench/tt_groups_ranks.py take the least group (or the median): the
work of a worker when nothing slows it. Work that grows during a run, or that falls on one
worker more than another, does not show there: Jacobi f32's subnormal front (bench/RESULTS.md,
2026-12-06 h64) makes the late groups of the rank holding it 1.6x its first ones. This sums
each worker's CPU time over every group of the run instead:

  rank  a rank of one thread: its CPU time over each group (TYLES_TT_VERBOSE=3 prints every
        rank's); the exchanges and collectives between groups are not in it;
  thread  a thread of a 3-D band pipeline or a 2-D slab: its CPU time less the CPU time it
        spent waiting (for its left neighbour, or at the group's barrier).

Per run: the sum over the groups for each worker; "max" the busiest worker's, "spread" the
busiest over the least busy. Printed per variant: the median of the runs' max [least, most]
in ms, the median spread, and the median --stats total, reductions and halo wait (wall: under
load they say little). Each variant runs as a fresh mpirun job in interleaved rounds.

    python3 bench/tt_workers.py --rounds 5 --steps 120 --args=--N=256 \\
        2r=./jacobi3d_f32:2:1 1r2t=./jacobi3d_f32:1:2 '2r_1x2x1=./jacobi3d_f32:2:1:--procs=1x2x1'

A variant is NAME=EXE:RANKS:THREADS[:VAR=VALUE or --OPTION ...] (VAR=VALUE goes to the
environment and through mpirun's -x; --OPTION to the program)."""
import argparse
import os
import re
import statistics
import subprocess
import tempfile

from bench_common import mpirun_variant


def parse(err):
    """{worker: CPU ms summed over the groups} from TYLES_TT_VERBOSE=3's lines.

    >>> parse("tyles: rank 1 group 50.0 ms cpu 40.0\\ntyles: rank 0 group 60.0 ms cpu 41.5\\n"
    ...       "tyles: rank 1 group 50.0 ms cpu 42.0\\n")
    {'rank 1': 82.0, 'rank 0': 41.5}
    >>> parse("tyles: rank 0 group 45.0 ms cpu 44.0; thread 0 busy 42.0 wait 0.0 cpu 41.9 ms; "
    ...       "thread 1 busy 40.8 wait 3.9 cpu 44.6 ms; cpu waiting (ms): 0.0 3.5\\n")
    {'thread 0': 41.9, 'thread 1': 41.1}
    """
    work = {}
    for line in err.splitlines():
        m = re.match(r"tyles: rank (\d+) group ([0-9.]+) ms cpu ([0-9.]+)(.*)", line)
        if not m:
            continue
        th = re.findall(r"thread (\d+) busy [0-9.]+ wait [0-9.]+ cpu ([0-9.]+) ms", m.group(4))
        spin = re.search(r"cpu waiting \(ms\):([0-9. ]+)", m.group(4))
        spin = [float(x) for x in spin.group(1).split()] if spin else [0.0] * len(th)
        if th:
            for (t, cpu), sp in zip(th, spin):
                k = "thread %s" % t if m.group(1) == "0" else "rank %s thread %s" % (m.group(1), t)
                work[k] = round(work.get(k, 0) + float(cpu) - sp, 6)
        else:
            k = "rank %s" % m.group(1)
            work[k] = round(work.get(k, 0) + float(m.group(3)), 6)
    return work


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("variants", nargs="+")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--steps", type=int, default=120)
    ap.add_argument("--args", default="", help="the programs' other arguments")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="tt_workers_")
    vs = [mpirun_variant(v, a.steps, a.args, "3") for v in a.variants]
    runs = {}
    print("load average before: %s" % open("/proc/loadavg").read().split()[0])
    for r in range(a.rounds):
        for name, argv, env in vs[r % len(vs):] + vs[:r % len(vs)]:
            p = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=work)
            if p.returncode:
                raise SystemExit("%s: status %d\n%s" % (" ".join(argv), p.returncode, p.stderr[-2000:]))
            w = parse(p.stderr)
            st = {k: float(m.group(1)) for k, pat in (("total", r"total\s+([0-9.]+) s"),
                                                      ("red", r"reductions\s+([0-9.]+) s mean"),
                                                      ("wait", r"halo wait\s+([0-9.]+) s mean"))
                  for m in [re.search(pat, p.stderr)] if m}
            runs.setdefault(name, []).append((w, st))
    print("load average after: %s" % open("/proc/loadavg").read().split()[0])
    print("busiest worker's CPU ms over the loop: median [least, most] of %d runs; busiest / least busy;"
          " --stats total, reductions, halo wait (s, medians)" % a.rounds)
    for name, _, _ in vs:
        mx = sorted(max(w.values()) for w, _ in runs[name] if w)
        if not mx:
            print("%-10s no groups" % name)
            continue
        spread = statistics.median(max(w.values()) / min(w.values()) for w, _ in runs[name] if w)
        st = {k: statistics.median(s[k] for _, s in runs[name] if k in s) for k in ("total", "red", "wait")}
        last = runs[name][-1][0]
        print("%-10s max %.1f [%.1f, %.1f]  busiest/least %.3f  total %.3f  reductions %.3f  halo wait %.3f"
              "   (last run: %s)" % (name, statistics.median(mx), mx[0], mx[-1], spread, st["total"], st["red"],
                                     st["wait"], ", ".join("%s %.1f" % kv for kv in sorted(last.items()))))


if __name__ == "__main__":
    main()
