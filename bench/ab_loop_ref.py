#!/usr/bin/env python3
"""The time loop of compiled Tyles programs against their hand-written C, threads and ranks, from
inside each run, in interleaved rounds (issue 14: hdiff at 2 threads against bench/ref_hdiff.c).

bench/tt_loop_wall.py compares Tyles variants only; this puts the hand C beside them. A Tyles
program's loop is its --stats `loop 0` line (wall and CPU of all threads), a hand C's its
`ref: loop time` line (wall only), both divided by the steps: start-up, first touch and np.save
are in neither. Each variant runs as a fresh process under `chrt -f 1` (SCHED_FIFO, root only;
--no-fifo to leave it out), the order rotating from round to round; printed per round the ms a
step (wall/CPU), then per variant the median and least over the rounds and the median over the
rounds of the first variant's wall / this one's (above 1: faster than the first).

    python3 bench/ab_loop_ref.py --rounds 10 --steps 40 ref2=ref:bench/build/ref_hdiff:1:2 \\
        tyles2=tyles:./hdiff:1:2 tyles2r=tyles:./hdiff:2:1 ref1=ref:bench/build/ref_hdiff:1:1

A variant is NAME=KIND:EXE:RANKS:THREADS[:ARG ...], KIND `ref` (run directly, with --time
--no-save) or `tyles` (run directly at 1 rank, else under mpirun --bind-to none; with --stats);
an ARG VAR=VALUE goes to the environment (and through mpirun's -x), e.g.
`tyles2_4k=tyles:./hdiff:1:2:TYLES_HUGEPAGES=0`.
"""
import argparse
import os
import re
import statistics
import subprocess

MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-x", "OMP_NUM_THREADS"]


def once(kind, exe, ranks, threads, extra, steps, fifo):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    envs = [x.split("=", 1) for x in extra if "=" in x and not x.startswith("-")]
    env.update(envs)
    extra = [x for x in extra if x.startswith("-") or "=" not in x]
    cmd = ["chrt", "-f", "1"] if fifo else []
    if ranks > 1:
        cmd += MPIRUN + ["-np", str(ranks)] + [a for k, _ in envs for a in ("-x", k)]
    cmd += [os.path.abspath(exe), "--steps=%d" % steps]
    cmd += (["--stats"] if kind == "tyles" else ["--time", "--no-save"]) + extra
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    out = p.stdout + p.stderr
    if p.returncode:
        raise SystemExit("%s failed (%d):\n%s" % (" ".join(cmd), p.returncode, out[-2000:]))
    if kind == "tyles":
        m = re.search(r"loop 0\s+([\d.]+) s .*?cpu ([\d.]+) s", out)
        return float(m.group(1)) / steps, float(m.group(2)) / steps
    m = re.search(r"loop time ([\d.]+)", out)
    return float(m.group(1)) / steps, None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--no-fifo", action="store_true")
    ap.add_argument("variants", nargs="+")
    a = ap.parse_args()
    vs = []
    for v in a.variants:
        name, spec = v.split("=", 1)
        f = spec.split(":")
        if len(f) < 4 or f[0] not in ("ref", "tyles"):
            ap.error("bad variant %r (NAME=KIND:EXE:RANKS:THREADS[:ARG ...])" % v)
        vs.append((name, f[0], f[1], int(f[2]), int(f[3]), f[4:]))
    res = {v[0]: [] for v in vs}
    print("load before: " + open("/proc/loadavg").read().strip(), flush=True)
    for r in range(a.rounds):
        for v in vs[r % len(vs):] + vs[:r % len(vs)]:
            res[v[0]].append(once(v[1], v[2], v[3], v[4], v[5], a.steps, not a.no_fifo))
        print("round %d: " % (r + 1) + "  ".join(
            "%s %.2f/%s" % (v[0], 1e3 * res[v[0]][-1][0],
                            "-" if res[v[0]][-1][1] is None else "%.2f" % (1e3 * res[v[0]][-1][1])) for v in vs),
            flush=True)
    base = vs[0][0]
    for v in vs:
        w = [x[0] for x in res[v[0]]]
        ratio = statistics.median(res[base][i][0] / res[v[0]][i][0] for i in range(a.rounds))
        print("%-10s ms a step: median %.2f, least %.2f; %s / this per round, median %.3f"
              % (v[0], 1e3 * statistics.median(w), 1e3 * min(w), base, ratio))
    print("load after: " + open("/proc/loadavg").read().strip())


if __name__ == "__main__":
    main()
