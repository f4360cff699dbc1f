#!/usr/bin/env python3
"""A/B of compiled programs by CPU time, for a loaded machine.

On a shared machine the wall time of a run moves by tens of percent with the other processes;
the CPU time (user + system) of a one-thread run moves far less, since time spent waiting for a
core is not counted. Each variant runs at S steps and at 2 steps, as a fresh process, in
interleaved rounds (the order rotating); the figure is the time loop's CPU time per step:
(min over rounds at S - min at 2) / (S - 2), so start-up, initialisation and np.save cancel;
also the median over the rounds of each round's (S - 2) difference, and the median of the
per-round ratios to the baseline (a drift of the machine's load within a round cancels).
1 thread only (with more, threads spinning at barriers count too). --wall takes the wall time
instead (elapsed from fork to exit, least over the rounds), for several threads (--threads=T);
use it only on a quiet machine, and say the load.

    python3 bench/ab_cputime.py --reps 5 --steps 42 --args=--N=2048 \\
        base=/tmp/base_burgers2d new=./burgers2d 'nostream=./burgers2d TYLES_STREAM=0'

Each variant is NAME=EXE [VAR=VALUE ...]; the first is the baseline of the ratios printed.
"""
import argparse
import os
import shlex
import statistics
import time


def cpu_time(argv, env, cwd, wall=False):
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(cwd)
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    if status:
        raise SystemExit("%s exited with status %d" % (" ".join(argv), status))
    return time.perf_counter() - t0 if wall else ru.ru_utime + ru.ru_stime


def variants(specs, args, **env_vars):
    """(name, argv, env) of each 'NAME=EXE [VAR=VALUE ...]': EXE with args, env the process's
    with env_vars and the spec's VAR=VALUE (bench/tt_groups.py uses it too)."""
    vs = []
    for spec in specs:
        words = shlex.split(spec)
        name, exe = words[0].split("=", 1)
        env = dict(os.environ, **env_vars)
        env.update(w.split("=", 1) for w in words[1:])
        vs.append((name, [os.path.abspath(exe)] + shlex.split(args), env))
    return vs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("variants", nargs="+", metavar="NAME=EXE [VAR=VALUE ...]")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--steps", type=int, default=42, help="S (the short run has 2)")
    ap.add_argument("--args", default="", help="the programs' other arguments")
    ap.add_argument("--cwd", default=".", help="where the programs run (they write their .npy there)")
    ap.add_argument("--wall", action="store_true", help="wall time instead of CPU time")
    ap.add_argument("--threads", type=int, default=1, help="OMP_NUM_THREADS (with --wall)")
    ap.add_argument("--points", type=float, default=0,
                    help="points a step updates: also print GStencil/s")
    a = ap.parse_args()
    if a.threads != 1 and not a.wall:
        ap.error("--threads needs --wall (spinning threads count in CPU time)")
    vs = variants(a.variants, a.args, OMP_NUM_THREADS=str(a.threads))
    best = {}
    rounds = []  # per round: name -> (S - 2)-step difference per step
    for r in range(a.reps):
        this = {}
        for name, argv, env in vs[r % len(vs):] + vs[:r % len(vs)]:
            t = {}
            for steps in (a.steps, 2):
                t[steps] = cpu_time(argv + ["--steps=%d" % steps], env, a.cwd, a.wall)
                best[(name, steps)] = min(best.get((name, steps), float("inf")), t[steps])
            this[name] = (t[a.steps] - t[2]) / (a.steps - 2)
        rounds.append(this)
    per = {n: (best[(n, a.steps)] - best[(n, 2)]) / (a.steps - 2) for n, _, _ in vs}
    base = vs[0][0]
    print("%s ms/step of the time loop, %d thread(s), min of %d rounds: "
          % ("wall" if a.wall else "CPU", a.threads, a.reps) +
          ", ".join("%s %.2f" % (n, 1e3 * per[n]) for n, _, _ in vs))
    if a.points:
        print("  GStencil/s: " + ", ".join("%s %.3f" % (n, a.points / per[n] / 1e9) for n, _, _ in vs))
    for n, _, _ in vs[1:]:
        print("  %s is %.2fx the speed of %s" % (n, per[base] / per[n], base))
    med = {n: statistics.median(r[n] for r in rounds) for n, _, _ in vs}
    print("  median of the rounds: " + ", ".join("%s %.2f" % (n, 1e3 * med[n]) for n, _, _ in vs))
    for n, _, _ in vs[1:]:
        q = sorted(r[base] / r[n] for r in rounds if r[n] > 0)
        if q:
            print("  %s / %s speed, per round: median %.2f [%.2f, %.2f]"
                  % (n, base, statistics.median(q), q[0], q[-1]))


if __name__ == "__main__":
    main()
