#!/usr/bin/env python3
"""numpy.fft against tylesc's run-time FFT (tyl_fft.c) on bench/spectral_vorticity.tyl: the same
program under NumPy and compiled (1 rank, OMP_NUM_THREADS threads), in interleaved rounds, each
run printing its own time a step (the loop only: no start-up, no np.save). Prints each round,
the medians and NumPy's median / the compiled program's (above 1: the compiled one is faster),
and checks the compiled w.npy against NumPy's within 1e-12 of its largest magnitude.

    python3 bench/ab_spectral.py --rounds 5 --threads 1
"""
import argparse
import os
import re
import statistics
import subprocess
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def step_time(cmd, cwd, env):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return float(re.search(r"time per step ([0-9.eE+-]+)", p.stdout).group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    src = os.path.join(HERE, "spectral_vorticity.tyl")
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads))
    with tempfile.TemporaryDirectory() as d:
        exe = os.path.join(d, "vort")
        subprocess.run([os.path.join(ROOT, "bin", "tylesc"), src, "-o", exe], check=True)
        dn, dt = os.path.join(d, "numpy"), os.path.join(d, "tyles")
        os.mkdir(dn)
        os.mkdir(dt)
        tn, tt = [], []
        for r in range(a.rounds):
            order = [("numpy", ["python3", src], dn, tn), ("tyles", [exe], dt, tt)]
            for name, cmd, cwd, acc in (order if r % 2 == 0 else order[::-1]):
                acc.append(step_time(cmd, cwd, env))
            print("round %d: numpy %.4f s, tyles %.4f s a step" % (r, tn[-1], tt[-1]))
        ref, got = np.load(os.path.join(dn, "w.npy")), np.load(os.path.join(dt, "w.npy"))
        err = float(np.max(np.abs(ref - got)) / np.max(np.abs(ref)))
    mn, mt = statistics.median(tn), statistics.median(tt)
    print("median: numpy %.4f s, tyles %.4f s a step; numpy / tyles %.2f; w within %.1e of the largest"
          % (mn, mt, mn / mt, err))
    return 0 if err < 1e-12 else 1


if __name__ == "__main__":
    raise SystemExit(main())
