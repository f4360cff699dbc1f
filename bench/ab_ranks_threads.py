#!/usr/bin/env python3
"""2 ranks of 1 thread against 1 rank of 2 threads (issue 14, item 5), on a loaded machine.

Each benchmark program is compiled once (bin/tylesc, default flags); every variant runs it
under mpirun as a fresh job, at S steps and at 2 steps, in interleaved rounds (the order
rotating). Two figures per variant, both per step of the time loop:

  wall  (--stats "total" at S - the same at 2, in one round) / (S - 2): the program body's
        wall time, the max over ranks, so start-up, initialisation and np.save cancel;
  cpu   the same with the user + system time of the whole job (mpirun and every rank, from
        wait4): core-seconds a step. Waiting for a descheduled partner is not counted, but
        spinning (OpenMP barriers, MPI polling) is.
  loop  the time loop of the run at S steps alone, timed inside it (--stats' `loop 0` line, since
        2026-12-06: from the last rank in to the last rank out), / S: no start-up in it, and no
        second run whose start-up the difference would carry (printed when the program has it).

    python3 bench/ab_ranks_threads.py --reps 5 jacobi2d burgers2d
    python3 bench/ab_ranks_threads.py --reps 3 --args=--N=2048 --steps 22 jacobi2d
    python3 bench/ab_ranks_threads.py --base-tylesc /tmp/old/bin/tylesc --variants 2r1t hdiff

The variants are 1r1t (1 rank, 1 thread: the scaling reference), 1r2t and 2r1t; the ratio
printed is 2r1t / 1r2t (above 1: two ranks are slower), taken per round (the two runs of one round
side by side, so slow drifts of the load cancel) and its median over the rounds. "least-minus-least" is
the figure the peers suite took before 2026-12-06 (the least body at S minus the least at 2 steps, each
over the rounds), printed to compare the two estimators on the same runs. The load average before and after is
printed: on a machine shared with other work, only runs taken side by side compare.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# program: (steps S, extra arguments) sized so that a step is 10-100 ms on one core
DEFAULTS = {
    "jacobi2d": (66, "--N=4096"),
    "jacobi3d": (34, "--N=256"),
    "burgers2d": (202, "--N=1024"),
    "hdiff": (22, "--I=256 --J=256 --K=160"),
}


def job_cpu(argv, env, cwd):
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(cwd)
            fd = os.open(os.path.join(cwd, "stats.txt"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            nul = os.open(os.devnull, os.O_WRONLY)
            os.dup2(nul, 1)
            os.dup2(fd, 2)
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    text = open(os.path.join(cwd, "stats.txt")).read()
    if status:
        raise SystemExit("%s: status %d\n%s" % (" ".join(argv), status, text[-2000:]))
    m = re.search(r"total\s+([0-9.]+) s", text)
    if not m:
        raise SystemExit("%s: no --stats total\n%s" % (" ".join(argv), text[-2000:]))
    lw = re.search(r"^  loop 0 +([0-9.]+) s ", text, re.M)
    return float(m.group(1)), ru.ru_utime + ru.ru_stime, float(lw.group(1)) if lw else None


def median(v):
    v = sorted(v)
    return (v[(len(v) - 1) // 2] + v[len(v) // 2]) / 2 if v else float("nan")


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("programs", nargs="+", help="bench/NAME.tyl: " + ", ".join(DEFAULTS))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--steps", type=int, help="S (the short run has 2)")
    ap.add_argument("--args", help="the program's other arguments")
    ap.add_argument("--tylesc", default=os.path.join(ROOT, "bin", "tylesc"))
    ap.add_argument("--tylesc-flags", default="")
    ap.add_argument("--variants", default="1r1t,1r2t,2r1t")
    ap.add_argument("--base-tylesc", help="also run every variant compiled by this tylesc (NAME/base)")
    a = ap.parse_args()
    mpirun = ["mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none"]
    work = tempfile.mkdtemp(prefix="ab_rt_")
    print("load average before: %s" % loadavg())
    for prog in a.programs:
        S, args = DEFAULTS.get(prog, (22, ""))
        S = a.steps or S
        args = shlex.split(a.args if a.args is not None else args)
        exes = [("", a.tylesc)] + ([("/base", a.base_tylesc)] if a.base_tylesc else [])
        vs = []
        for suffix, tylesc in exes:
            exe = os.path.join(work, prog + suffix.replace("/", "_"))
            subprocess.check_call([tylesc, os.path.join(HERE, prog + ".tyl"), "-o", exe]
                                  + shlex.split(a.tylesc_flags))
            for v in a.variants.split(","):
                ranks, threads = int(v[0]), int(v[2])
                env = dict(os.environ, OMP_NUM_THREADS=str(threads))
                vs.append((v + suffix, mpirun + ["-np", str(ranks), "-x", "OMP_NUM_THREADS", exe] + args + ["--stats"],
                           env))
        runs = {}  # (variant, steps) -> [(wall, cpu)] by round
        for r in range(a.reps):
            for name, argv, env in vs[r % len(vs):] + vs[:r % len(vs)]:
                for steps in (S, 2):
                    runs.setdefault((name, steps), []).append(job_cpu(argv + ["--steps=%d" % steps], env, work))
        print("%s %s, S=%d, %d rounds (ms a step: wall of the body, cpu of the job; median of the rounds, "
              "[min, max])" % (prog, " ".join(args), S, a.reps))
        per = {}  # variant -> per-round (wall, cpu) a step
        for name, _, _ in vs:
            per[name] = [((x[0] - y[0]) / (S - 2) * 1e3, (x[1] - y[1]) / (S - 2) * 1e3)
                         for x, y in zip(runs[(name, S)], runs[(name, 2)])]
            w = sorted(p[0] for p in per[name])
            c = sorted(p[1] for p in per[name])
            # the estimator the peers suite used before 2026-12-06: least body at S minus least
            # body at 2 steps, each over the rounds (not a pair of runs side by side)
            best = (min(x[0] for x in runs[(name, S)]) - min(x[0] for x in runs[(name, 2)])) / (S - 2) * 1e3
            lp = sorted(x[2] / S * 1e3 for x in runs[(name, S)] if x[2] is not None)
            print("  %-10s wall %8.2f [%.2f, %.2f]   cpu %8.2f [%.2f, %.2f]   wall least-minus-least %.2f%s"
                  % (name, median(w), w[0], w[-1], median(c), c[0], c[-1], best,
                     "   loop %.2f [%.2f, %.2f]" % (median(lp), lp[0], lp[-1]) if lp else ""))
        for suffix, _ in exes:
            x, y = "2r1t" + suffix, "1r2t" + suffix
            if x in per and y in per:  # ratios of the runs of one round, side by side
                rw = sorted(p[0] / q[0] for p, q in zip(per[x], per[y]) if q[0] > 0)
                rc = sorted(p[1] / q[1] for p, q in zip(per[x], per[y]) if q[1] > 0)
                rl = sorted(p[2] / q[2] for p, q in zip(runs[(x, S)], runs[(y, S)]) if p[2] and q[2])
                print("  %s / %s, per round: wall %.3f [%.3f, %.3f], cpu %.3f [%.3f, %.3f]%s"
                      % (x, y, median(rw), rw[0], rw[-1], median(rc), rc[0], rc[-1],
                         ", loop %.3f [%.3f, %.3f]" % (median(rl), rl[0], rl[-1]) if rl else ""))
        sys.stdout.flush()
    print("load average after: %s" % loadavg())


if __name__ == "__main__":
    main()
