"""Helpers shared by bench/run_bench.py and bench/bench_peers.py (the peers suite): running a
program with a time limit, its OpenMP environment, the copy roofline, the NumPy driver, the
bitwise checks.  Kept apart so that neither of the two imports the other's module to reach them.
"""
import os
import re
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RSS_RE = re.compile(r"^tyles-maxrss (\d+)\s*$", re.M)
TIME_RE = re.compile(r"tyles: time\s+([0-9.eE+-]+)\s*s")
LOOP_RE = re.compile(r"ref: loop time\s+([0-9.eE+-]+)\s*s")
# --stats' time loop lines (src/runtime_mpi/tyl_looptime.c): the loop's wall seconds, its CPU
# seconds summed over the ranks
TYLES_LOOP_RE = re.compile(r"^  loop (\d+) +([0-9.eE+-]+) s \(.*?; cpu ([0-9.eE+-]+) s", re.M)
NUMPY_RE = re.compile(r"numpy: time\s+([0-9.eE+-]+)\s*s")
COPY_RE = re.compile(r"GB/s=([0-9.eE+-]+)")
RUN_TIMEOUT = 600  # seconds per process: a hung program must not hang the harness

# Runs the .tyl under NumPy with parameters substituted (argv: tyl, NAME=VALUE...).
NUMPY_DRIVER = r"""
import re, runpy, sys, time
path, assigns = sys.argv[1], sys.argv[2:]
src = open(path).read()
for a in assigns:
    name, val = a.split("=", 1)
    src, n = re.subn(r"^%s\s*=\s*[^\n#]*" % re.escape(name), "%s = %s" % (name, val), src,
                     count=1, flags=re.M)
    if n != 1:
        sys.exit("numpy driver: no module-level parameter %r in %s" % (name, path))
with open("prog.py", "w") as f:
    f.write(src)
t0 = time.perf_counter()
runpy.run_path("prog.py", run_name="__main__")
t1 = time.perf_counter()
print("numpy: time %.6f s" % (t1 - t0), file=sys.stderr)
"""


class BenchError(Exception):
    pass


def mpirun_variant(spec, steps, args, verbose):
    """A variant NAME=EXE:RANKS:THREADS[:VAR=VALUE|--OPTION...] of bench/tt_groups_ranks.py and
    bench/tt_workers.py as (name, argv, env): a fresh mpirun job of EXE with --steps, args,
    the options and --stats, under TYLES_TT_VERBOSE=verbose and the variables given."""
    name, spec = spec.split("=", 1)
    parts = spec.split(":")
    exe, ranks, threads, sets = os.path.abspath(parts[0]), parts[1], parts[2], parts[3:]
    env = dict(os.environ, OMP_NUM_THREADS=threads, TYLES_TT_VERBOSE=verbose)
    xs = ["-x", "OMP_NUM_THREADS", "-x", "TYLES_TT_VERBOSE"]
    opts = []
    for kv in sets:
        if kv.startswith("--"):
            opts.append(kv)
            continue
        k, val = kv.split("=", 1)
        env[k] = val
        xs += ["-x", k]
    mpirun = ["mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none"]
    return name, mpirun + ["-np", ranks] + xs + [exe, "--steps=%d" % steps] + args.split() + opts + ["--stats"], env


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sh(cmd):
    return " ".join(shlex.quote(c) for c in cmd)


def run(cmd, cwd=None, env=None, check=True):
    """Run cmd; return (wall seconds, stdout, stderr)."""
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                           timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BenchError("timed out after %d s: %s" % (RUN_TIMEOUT, sh(cmd)))
    except FileNotFoundError as e:
        raise BenchError("cannot run %s: %s" % (sh(cmd), e))
    wall = time.perf_counter() - t0
    if check and p.returncode != 0:
        raise BenchError("command failed (exit %d): %s\n--- stdout ---\n%s\n--- stderr ---\n%s"
                         % (p.returncode, sh(cmd), p.stdout[-4000:], p.stderr[-4000:]))
    return wall, p.stdout, p.stderr


def omp_env(threads, bind):
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = str(threads)
    for k in ("OMP_PROC_BIND", "OMP_PLACES"):
        env.pop(k, None)
    if bind:
        env["OMP_PROC_BIND"] = bind
        env["OMP_PLACES"] = "cores"
    return env


def measure_copy(copybw, n_elems, threads, bind):
    _, out, _ = run([copybw, str(n_elems), "10"], env=omp_env(threads, bind))
    m = COPY_RE.search(out)
    if not m:
        raise BenchError("copybw printed no bandwidth: %r" % out)
    return float(m.group(1))


def run_program(cmd, cwd, threads, bind):
    """Returns (seconds, from_time_flag, loop_seconds_or_None)."""
    os.makedirs(cwd, exist_ok=True)
    wall, out, err = run(cmd, cwd=cwd, env=omp_env(threads, bind))
    text = out + "\n" + err
    m = TIME_RE.search(text)
    loop = LOOP_RE.search(text)
    loop_s = float(loop.group(1)) if loop else None
    if m:
        return float(m.group(1)), True, loop_s
    return wall, False, loop_s


def loop_stats(text):
    """(wall s, CPU s) of the time loops a Tyles program's --stats reports, summed over its loops
    (the benchmarks have one); None when it reports none (a program whose loops no checkpoint can
    resume, or a run time from before 2026-12-06).

    >>> loop_stats("  total 0.9 s\\n  loop 0        0.431000 s (the last rank in to the last rank "
    ...            "out); each rank's own 0.42-0.43 s; cpu 0.850000 s all ranks, 0.43 s the busiest\\n")
    (0.431, 0.85)
    >>> loop_stats("  loop 0        0.250000 s (the time loop's wall time); cpu 0.490000 s\\n")
    (0.25, 0.49)
    >>> loop_stats("tyles: time 1.0 s\\n") is None
    True
    """
    found = TYLES_LOOP_RE.findall(text)
    if not found:
        return None
    return (round(sum(float(w) for _, w, _ in found), 9), round(sum(float(c) for _, _, c in found), 9))


def numpy_env():
    env = omp_env(1, None)
    for k in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[k] = "1"
    return env


def same_bits(path_a, path_b):
    import numpy as np
    if not (os.path.exists(path_a) and os.path.exists(path_b)):
        missing = path_a if not os.path.exists(path_a) else path_b
        return False, "missing %s" % os.path.relpath(missing)
    a = np.load(path_a, mmap_mode="r")
    b = np.load(path_b, mmap_mode="r")
    if a.dtype != b.dtype or a.shape != b.shape:
        return False, "dtype/shape %s%s vs %s%s" % (a.dtype, a.shape, b.dtype, b.shape)
    av = np.ascontiguousarray(a).view(np.uint8)
    bv = np.ascontiguousarray(b).view(np.uint8)
    if np.array_equal(av, bv):
        return True, "bitwise equal"
    diff = np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))
    return False, "differ: %d elements, max |diff| %.3g" % (
        int(np.count_nonzero(np.asarray(a) != np.asarray(b))), float(np.nanmax(diff)))


def fmt(x, digits=3):
    if x is None:
        return "—"
    return ("%%.%dg" % digits) % x if abs(x) < 1000 else "%.0f" % x
