#!/usr/bin/env python3
"""Mutants of a checkpoint's MANIFEST, with its checksum recomputed, restarted from.

    tests/fuzz/manifest_mutate.py [--seed=S] [--count=N] [--np=P] [ROOT]

Compiles tests/elastic/stencil2d_odd.tyl, runs it with checkpoints every 10 steps, then takes
the newest checkpoint alone and, N times, replaces tokens of its MANIFEST by hostile values
(numbers at the edges of int64, negative, empty, very long, other dtypes, paths), deletes,
duplicates or cuts lines, recomputes the manifest's own CRC32C (so only the runtime's checks of
what the manifest says stand in the way) and runs `--restart` on P ranks. Each run must either
finish with the uninterrupted run's stdout and .npy files (the checkpoint used, or rejected and
the run started over) or stop with exit status 1 and an `error:` line that is not an internal
error. A crash (another status), a hang (over 20 s) or a different result is a finding, written
to build/fuzz/manifests/find_SEED_I.MANIFEST. Exit status 1 if there is one.

A forged loop count far past the real one ("step 30 of 9223372036854775807") is not a finding:
a for loop's trip count is the one computed when the loop was entered, which only the manifest
keeps, so such a run goes on until its time limit (its steps are skipped here).
"""
import os
import random
import shutil
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "campaign"))
from ckpt_tool import crc32c  # noqa: E402

VALUES = ["0", "-1", "1", "2", "7", "64", "65", "9223372036854775807", "-9223372036854775808",
          "18446744073709551616", "99999999999999999999999", "", "x", "nan", "inf", "1e308",
          "ffffffff", "00000000", "a" * 5000, "../../etc/passwd", "buf0.npy", "buf1.npy",
          "4611686018427387904", "%s%n", "int64", "float32", "bool", "none", "param", "scalar"]


def main():
    seed, count, np_, root = 1, 200, 1, ROOT
    for a in sys.argv[1:]:
        if a.startswith("--seed="):
            seed = int(a[7:])
        elif a.startswith("--count="):
            count = int(a[8:])
        elif a.startswith("--np="):
            np_ = int(a[5:])
        elif a.startswith("-"):
            sys.exit(__doc__)
        else:
            root = os.path.abspath(a)
    out = os.path.join(root, "build", "fuzz", "manifests")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    prog = os.path.join(out, "prog")
    env = dict(os.environ, OMP_NUM_THREADS="1", OMPI_ALLOW_RUN_AS_ROOT="1",
               OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")
    subprocess.run([os.path.join(root, "bin", "tylesc"), os.path.join(root, "tests", "elastic", "stencil2d_odd.tyl"),
                    "-o", prog], check=True, env=env)
    base = os.path.join(out, "base")
    os.makedirs(base)
    r = subprocess.run([prog, "--checkpoint-every=10", "--checkpoint-dir=ck"], cwd=base, env=env,
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        sys.exit("manifest_mutate.py: the uninterrupted run failed: " + r.stderr)
    want_out = r.stdout.split("\n", 1)[1]  # a resumed run does not print the line before the loop
    npys = sorted(f for f in os.listdir(base) if f.endswith(".npy"))
    want_npy = {f: open(os.path.join(base, f), "rb").read() for f in npys}
    src = os.path.join(base, "ck", sorted(d for d in os.listdir(os.path.join(base, "ck")) if d.startswith("ckpt-"))[-1])
    lines0 = [ln for ln in open(os.path.join(src, "MANIFEST")).read().split("\n") if ln and not ln.startswith("end ")]
    rnd = random.Random(seed)
    finds = ran = 0
    for i in range(count):
        L = [ln.split(" ") for ln in lines0]
        for _ in range(rnd.randint(1, 3)):
            op, li = rnd.random(), rnd.randrange(len(L))
            if op < 0.6:
                if not L[li]:
                    L[li] = [""]
                L[li][rnd.randrange(len(L[li]))] = rnd.choice(VALUES)
            elif op < 0.7 and len(L) > 1:
                del L[li]
            elif op < 0.8:
                L.insert(li, list(L[rnd.randrange(len(L))]))
            elif op < 0.9:
                del L[li][rnd.randrange(len(L[li])) if L[li] else 0:]
            else:
                L[li].append(rnd.choice(VALUES))
        text = "".join(" ".join(t) + "\n" for t in L)
        loop = [t for t in L if len(t) == 6 and t[0] == "loop" and t[4] == "of"]
        if loop and loop[0][5].lstrip("-").isdigit() and int(loop[0][5]) > 1000:
            continue  # a forged loop count: see the docstring
        text += "end %08x\n" % crc32c(text.encode())
        d = os.path.join(out, "case")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(os.path.join(d, "ck"))
        shutil.copytree(src, os.path.join(d, "ck", os.path.basename(src)))
        open(os.path.join(d, "ck", os.path.basename(src), "MANIFEST"), "w").write(text)
        cmd = [prog, "--restart=ck"]
        if np_ > 1:
            cmd = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-q", "-np", str(np_)] + cmd
        ran += 1
        why = None
        try:
            r = subprocess.run(cmd, cwd=d, env=env, capture_output=True, text=True, timeout=20, errors="replace")
        except subprocess.TimeoutExpired:
            why = "over 20 s"
        if why is None and r.returncode == 0:
            got = {f: open(os.path.join(d, f), "rb").read() for f in npys if os.path.exists(os.path.join(d, f))}
            started_over = "starting from the beginning" in r.stderr
            if got != want_npy or (r.stdout != want_out and not (started_over and r.stdout.endswith(want_out))):
                why = "exit 0 with a different result"
        elif why is None and not (r.returncode == 1 and "error:" in r.stderr and "internal error" not in r.stderr):
            why = "exit status %d" % r.returncode
        if why:
            finds += 1
            path = os.path.join(out, "find_%d_%d.MANIFEST" % (seed, i))
            open(path, "w").write(text)
            print("manifest_mutate.py: %s: %s" % (path, why))
            if why != "over 20 s":
                print("    " + r.stderr.strip().replace("\n", "\n    ")[-800:])
    print("manifest_mutate.py: seed %d, %d mutants restarted on %d rank(s): %d findings" % (seed, ran, np_, finds))
    sys.exit(1 if finds else 0)


if __name__ == "__main__":
    main()
