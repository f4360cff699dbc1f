#!/usr/bin/env python3
"""Time-tiled groups, A/B on a loaded machine: each variant runs as a fresh process with
TYLES_TT_VERBOSE=2 (tyl_timetile.c prints one line per group of K steps: its wall and CPU
time and, for the 3-D bands of several threads, each thread's busy, neighbour-wait and CPU
time), in interleaved rounds; the figure of each field is its least over the groups and the
rounds. The least group wall time is that of a group no other process interrupted; a thread's
CPU time does not count the time it waited for a core.

    python3 bench/tt_groups.py --rounds 6 --steps 42 --args=--N=256 \\
        'base=./jacobi3d OMP_NUM_THREADS=2 TYLES_TT_ROWS=6 TYLES_TT_COLS=3' \\
        'new=./jacobi3d OMP_NUM_THREADS=2'

Fields (ms): wall, gcpu (the calling thread's CPU time over the group), and per thread T of
a band pipeline cpuT, waitT (spinning for the left neighbour's tile row)."""
import argparse
import subprocess

import ab_cputime


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("variants", nargs="+", metavar="NAME=EXE [VAR=VALUE ...]")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--steps", type=int, default=42)
    ap.add_argument("--args", default="", help="the programs' other arguments")
    a = ap.parse_args()
    vs = [(n, argv + ["--steps=%d" % a.steps], env)
          for n, argv, env in ab_cputime.variants(a.variants, a.args, TYLES_TT_VERBOSE="2")]
    res = {n: {} for n, _, _ in vs}
    for r in range(a.rounds):
        for name, argv, env in vs[r % len(vs):] + vs[:r % len(vs)]:
            err = subprocess.run(argv, env=env, capture_output=True, text=True).stderr
            d = res[name]
            for line in err.splitlines():
                if not line.startswith("tyles: group"):
                    continue
                w = line.replace(";", "").split()
                got = {"wall": float(w[2]), "gcpu": float(w[5])}
                i = 6
                while i < len(w) and w[i] == "thread":
                    got["cpu" + w[i + 1]] = float(w[i + 7])
                    got["wait" + w[i + 1]] = float(w[i + 5])
                    i += 9
                for k, v in got.items():
                    d[k] = min(d.get(k, float("inf")), v)
    for name, _, _ in vs:
        print("%-10s %s" % (name, " ".join("%s %.1f" % kv for kv in sorted(res[name].items()))))


if __name__ == "__main__":
    main()
