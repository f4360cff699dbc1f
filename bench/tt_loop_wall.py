#!/usr/bin/env python3
"""The wall time of a time loop, ranks against threads (issue 14 item 5), from inside the run.

The body at S steps minus the body at 2 (bench/ab_ranks_threads.py, the peers suite) carries the
noise of start-up, first touch (huge pages zeroed, sometimes compacted) and np.save: on this
machine the body at 2 steps of Jacobi 2-D f32 4096^2 took 0.06-0.29 s in runs a minute apart,
as much as a third of the loop. This takes the loop from inside the run instead:

  loop     --stats' `loop 0` line (src/runtime_mpi/tyl_looptime.c, since 2026-12-06): the wall time
           from the moment the last rank entered the loop to the moment the last rank left it,
           and its CPU time summed over the ranks (all threads): any program, tiled or not;
  groups   (time-tiled loops) the slowest rank's sum of its groups' wall times (TYLES_TT_VERBOSE=3);
  between  --stats' max over ranks of the reductions, halo wait and halo pack of the whole body:
           the exchanges and collectives between groups (an upper bound: it also holds those
           outside the loop, and a rank's wait overlaps the other's groups).

With --fifo each job runs under `chrt -f 1` (SCHED_FIFO, root only), ahead of the machine's other
work; the kernel still leaves others 5% (sched_rt_runtime_us). Variants run in interleaved rounds;
printed per round the loop (wall ms / CPU ms) and, for a tiled loop, groups+between; then per
variant the median [least, most] of the loop and the ratio to the first variant per round, and
the same for the CPU time.

    python3 bench/tt_loop_wall.py --fifo --rounds 4 --steps 120 --args=--N=256 ./jacobi3d_f32 \\
        1r2t:1:2 2r:2:1 2r_2x1x1:2:1:--procs=2x1x1

A variant is NAME:RANKS:THREADS[:--OPTION or VAR=VALUE ...]."""
import argparse
import os
import re
import statistics
import subprocess


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("exe")
    ap.add_argument("variants", nargs="+")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--steps", type=int, default=120)
    ap.add_argument("--args", default="", help="the program's other arguments")
    ap.add_argument("--fifo", action="store_true", help="run each job under chrt -f 1")
    a = ap.parse_args()
    exe = os.path.abspath(a.exe)
    vs = [tuple(v.split(":")) for v in a.variants]
    res = {v[0]: [] for v in vs}
    cpu = {v[0]: [] for v in vs}
    for r in range(a.rounds):
        row = {}
        for v in vs if r % 2 == 0 else vs[::-1]:
            name, np_, t = v[0], v[1], v[2]
            env = dict(os.environ, OMP_NUM_THREADS=t, TYLES_TT_VERBOSE="3")
            xs, opts = ["-x", "OMP_NUM_THREADS", "-x", "TYLES_TT_VERBOSE"], []
            for kv in v[3:]:
                if kv.startswith("--"):
                    opts.append(kv)
                else:
                    k, val = kv.split("=", 1)
                    env[k] = val
                    xs += ["-x", k]
            argv = (["chrt", "-f", "1"] if a.fifo else []) + [
                "mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none"] + xs + [
                "-np", np_, exe, "--steps=%d" % a.steps] + a.args.split() + opts + ["--stats"]
            p = subprocess.run(["timeout", "120"] + argv, env=env, capture_output=True, text=True)
            if p.returncode:
                raise SystemExit("%s: status %d\n%s" % (" ".join(argv), p.returncode, p.stderr[-2000:]))
            g = {}
            for m in re.finditer(r"tyles: rank (\d+) group ([0-9.]+) ms", p.stderr):
                g[m.group(1)] = g.get(m.group(1), 0) + float(m.group(2))
            between = 1e3 * sum(float(m.group(1)) for m in re.finditer(
                r"(?:reductions|halo wait|halo pack)\s+[0-9.]+ s mean,\s+([0-9.]+) s max", p.stderr))
            lw = re.search(r"^  loop 0 +([0-9.]+) s .*?; cpu ([0-9.]+) s", p.stderr, re.M)
            if not lw:
                raise SystemExit("%s: no `loop 0` line from --stats (a run time from before 2026-12-06?)"
                                 % " ".join(argv))
            row[name] = (1e3 * float(lw.group(1)), 1e3 * float(lw.group(2)), max(g.values()) if g else 0.0,
                         between)
            res[name].append(row[name][0])
            cpu[name].append(row[name][1])
        print("round %d: %s   load %s" % (r + 1, "  ".join(
            "%s %.0f/%.0f" % (k, x[0], x[1]) + (" (%.0f+%.0f)" % x[2:] if x[2] else "") for k, x in row.items()),
            open("/proc/loadavg").read().split()[0]), flush=True)
    base = vs[0][0]
    for what, d in (("loop wall", res), ("loop CPU", cpu)):
        for k, x in d.items():
            print("%-10s %s ms: median %.0f [%.0f, %.0f]; / %s per round: %s" % (
                k, what, statistics.median(x), min(x), max(x), base,
                " ".join("%.3f" % (p / q) for p, q in zip(x, d[base]))))


if __name__ == "__main__":
    main()
