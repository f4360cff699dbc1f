#!/usr/bin/env python3
"""Benchmark: tylesc-generated 2-D Jacobi vs hand-written C/OpenMP vs NumPy vs the
streaming roofline, measured side by side in one run (BRIEF.md section 6).

    python3 bench/run_bench.py              # build, compile bench/jacobi2d.tyl, measure, print
    python3 bench/run_bench.py --record     # ... and append the table to bench/RESULTS.md
    python3 bench/run_bench.py --generated-cmd=PATH   # benchmark a stand-in executable
    python3 bench/run_bench.py --quick      # small sizes, to check the harness itself

For every size (N, steps) and OpenMP thread count T it measures
  * copy bandwidth (bench/copybw.c, arrays of N*N doubles: the Jacobi's own footprint),
    roofline GStencil/s = copy GB/s / 16 B per point;
  * the generated program: OMP_NUM_THREADS=T mpirun ... -np 1 --bind-to none ./prog
    --N=N --steps=S --time, time from its "tyles: time X s" line (wall time if absent);
  * the reference bench/ref_jacobi2d.c, same arguments, same "tyles: time" definition
    (whole program body), and its time-loop-only figure;
  * NumPy running bench/jacobi2d.tyl itself (T=1 only; fewer steps at large N),
    timed with time.perf_counter around runpy.run_path, normalised per step;
and checks that generated and reference u.npy are bitwise equal (and NumPy's, where
NumPy ran the same number of steps).  GStencil/s = (N-2)^2 * steps / time / 1e9.
Compiled codes: best of --reps runs, generated and reference interleaved.
"""
import argparse
import datetime
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TYL = os.path.join(HERE, "jacobi2d.tyl")
RESULTS = os.path.join(HERE, "RESULTS.md")
DEFAULT_TYLESC = os.path.join(REPO, "bin", "tylesc")
DEFAULT_LAUNCHER = "mpirun --allow-run-as-root --oversubscribe -np 1 --bind-to none"
TIME_RE = re.compile(r"tyles: time\s+([0-9.eE+-]+)\s*s")
LOOP_RE = re.compile(r"ref: loop time\s+([0-9.eE+-]+)\s*s")
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


def machine_info():
    model = platform.processor() or "unknown"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        m = re.search(r"^Model name:\s*(.+)$", out, re.M)
        if m:
            model = m.group(1).strip()
    except OSError:
        pass
    info = {"model": model, "cores": os.cpu_count()}
    for key, cmd in (("gcc", ["gcc", "--version"]), ("mpirun", ["mpirun", "--version"])):
        try:
            info[key] = subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            info[key] = "?"
    try:
        import numpy
        info["numpy"] = numpy.__version__
    except ImportError:
        info["numpy"] = None
    info["python"] = platform.python_version()
    try:
        info["git"] = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                                     capture_output=True, text=True).stdout.strip() or "no commit"
    except OSError:
        info["git"] = "?"
    return info


def build_c(builddir, cc):
    """Build the reference and the bandwidth kernel; return their paths."""
    os.makedirs(builddir, exist_ok=True)
    common = ["-std=c11", "-O3", "-march=native", "-fopenmp", "-Wall", "-Wextra"]
    ref = os.path.join(builddir, "ref_jacobi2d")
    copy = os.path.join(builddir, "copybw")
    cmds = [
        [cc] + common + ["-ffp-contract=off", os.path.join(HERE, "ref_jacobi2d.c"), "-o", ref],
        [cc] + common + ["-fno-tree-loop-distribute-patterns", os.path.join(HERE, "copybw.c"),
                         "-o", copy],
    ]
    for c in cmds:
        log("build: " + sh(c))
        run(c)
    return ref, copy


def compile_generated(tylesc, builddir):
    if not os.path.exists(tylesc):
        raise BenchError(
            "the compiler %s does not exist yet. Build it first (make), pass --tylesc=PATH, or "
            "benchmark a stand-in executable with --generated-cmd=PATH." % tylesc)
    if not os.access(tylesc, os.X_OK):
        raise BenchError("%s is not executable" % tylesc)
    os.makedirs(builddir, exist_ok=True)
    exe = os.path.join(builddir, "jacobi2d")
    cmd = [tylesc, TYL, "-o", exe]
    log("compile: " + sh(cmd))
    try:
        run(cmd)
    except BenchError as e:
        raise BenchError("tylesc could not compile bench/jacobi2d.tyl:\n%s" % e)
    if not os.access(exe, os.X_OK):
        raise BenchError("tylesc exited 0 but produced no executable %s" % exe)
    return exe


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


def run_numpy(n, steps, cwd):
    os.makedirs(cwd, exist_ok=True)
    env = omp_env(1, None)
    for k in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[k] = "1"
    cmd = [sys.executable, "-c", NUMPY_DRIVER, TYL, "N=%d" % n, "steps=%d" % steps]
    _, _, err = run(cmd, cwd=cwd, env=env)
    m = NUMPY_RE.search(err)
    if not m:
        raise BenchError("NumPy driver printed no time: %r" % err)
    return float(m.group(1))


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


def gst(n, steps, seconds):
    return (n - 2) ** 2 * steps / seconds / 1e9


def fmt(x, digits=3):
    if x is None:
        return "—"
    return ("%%.%dg" % digits) % x if abs(x) < 1000 else "%.0f" % x


def parse_sizes(text):
    sizes = []
    for part in text.split(","):
        f = part.strip().split(":")
        if len(f) not in (2, 3):
            raise argparse.ArgumentTypeError("size %r: expected N:steps[:numpy_steps]" % part)
        n, s = int(f[0]), int(f[1])
        ns = int(f[2]) if len(f) == 3 else s
        if n < 3 or s < 1 or ns < 0:
            raise argparse.ArgumentTypeError("size %r: need N >= 3, steps >= 1" % part)
        sizes.append((n, s, ns))
    return sizes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="sizes: N:steps[:numpy_steps], numpy_steps 0 skips NumPy")
    ap.add_argument("--tylesc", default=DEFAULT_TYLESC, help="compiler (default bin/tylesc)")
    ap.add_argument("--generated-cmd", metavar="EXE",
                    help="benchmark this executable as the 'generated' program instead of "
                         "compiling bench/jacobi2d.tyl (stand-in; labelled as such)")
    ap.add_argument("--launcher", default=DEFAULT_LAUNCHER,
                    help="how the generated program is started (default: %(default)s); "
                         "'' runs it directly")
    ap.add_argument("--sizes", type=parse_sizes, default=parse_sizes("4096:100:10,512:2000:2000"),
                    help="default 4096:100:10,512:2000:2000")
    ap.add_argument("--threads", default="1,2", help="OpenMP thread counts (default 1,2)")
    ap.add_argument("--reps", type=int, default=3, help="runs per compiled code, best kept")
    ap.add_argument("--omp-bind", default="", metavar="POLICY",
                    help="set OMP_PROC_BIND=POLICY and OMP_PLACES=cores for every code "
                         "(default: unset)")
    ap.add_argument("--quick", action="store_true",
                    help="sizes 1024:20:5,256:200:200 and 2 reps (harness check)")
    ap.add_argument("--keep", action="store_true", help="keep bench/build/run (outputs)")
    ap.add_argument("--record", action="store_true", help="append the results to bench/RESULTS.md")
    args = ap.parse_args()
    if args.quick:
        args.sizes = parse_sizes("1024:20:5,256:200:200")
        args.reps = 2
    threads = [int(t) for t in args.threads.split(",") if t.strip()]
    if not threads or min(threads) < 1 or args.reps < 1:
        ap.error("need thread counts >= 1 and --reps >= 1")

    builddir = os.path.join(HERE, "build")
    rundir = os.path.join(builddir, "run")
    t_start = time.perf_counter()
    try:
        import numpy  # noqa: F401  (needed for the bitwise checks)
    except ImportError:
        raise SystemExit("run_bench.py: error: numpy is required")

    try:
        if args.generated_cmd:
            gen_exe = os.path.abspath(args.generated_cmd)
            if not os.access(gen_exe, os.X_OK):
                raise BenchError("--generated-cmd %s is not an executable" % gen_exe)
            gen_label = "STAND-IN %s (not tylesc output)" % os.path.relpath(gen_exe, REPO)
        else:
            gen_exe = compile_generated(os.path.abspath(args.tylesc), builddir)
            gen_label = "%s bench/jacobi2d.tyl" % os.path.relpath(os.path.abspath(args.tylesc), REPO)
        ref_exe, copy_exe = build_c(builddir, os.environ.get("CC", "gcc"))
    except BenchError as e:
        print("run_bench.py: error: %s" % e, file=sys.stderr)
        return 2

    launcher = shlex.split(args.launcher)
    info = machine_info()
    load_before = os.getloadavg()
    if load_before[0] > 0.5:
        log("warning: load average %.2f before the run: other processes share the machine, "
            "figures will be noisy" % load_before[0])
    if os.path.isdir(rundir):
        shutil.rmtree(rundir)

    rows, checks, failures = [], [], 0
    try:
        for (n, steps, np_steps) in args.sizes:
            numpy_gst = None
            if np_steps > 0:
                d = os.path.join(rundir, "numpy-%d" % n)
                log("numpy: N=%d steps=%d" % (n, np_steps))
                numpy_gst = gst(n, np_steps, run_numpy(n, np_steps, d))
            for t in threads:
                prog_args = ["--N=%d" % n, "--steps=%d" % steps, "--time"]
                gdir = os.path.join(rundir, "gen-%d-%d" % (n, t))
                rdir = os.path.join(rundir, "ref-%d-%d" % (n, t))
                copies = [measure_copy(copy_exe, n * n, t, args.omp_bind)]
                gen_best = ref_best = ref_loop_best = None
                gen_flag = True
                for r in range(args.reps):
                    order = ("gen", "ref") if r % 2 == 0 else ("ref", "gen")
                    for which in order:
                        log("%s: N=%d steps=%d threads=%d rep %d/%d"
                            % (which, n, steps, t, r + 1, args.reps))
                        if which == "gen":
                            s, flag, _ = run_program(launcher + [gen_exe] + prog_args, gdir, t,
                                                     args.omp_bind)
                            gen_flag = gen_flag and flag
                            gen_best = s if gen_best is None else min(gen_best, s)
                        else:
                            s, _, loop = run_program([ref_exe] + prog_args, rdir, t, args.omp_bind)
                            ref_best = s if ref_best is None else min(ref_best, s)
                            if loop is not None:
                                ref_loop_best = loop if ref_loop_best is None else min(ref_loop_best, loop)
                copies.append(measure_copy(copy_exe, n * n, t, args.omp_bind))
                copy = max(copies)
                eq, why = same_bits(os.path.join(gdir, "u.npy"), os.path.join(rdir, "u.npy"))
                checks.append("N=%d steps=%d threads=%d: generated vs reference u.npy: %s"
                              % (n, steps, t, why))
                failures += not eq
                if np_steps == steps and t == threads[0]:
                    eqn, whyn = same_bits(os.path.join(rundir, "numpy-%d" % n, "u.npy"),
                                          os.path.join(rdir, "u.npy"))
                    checks.append("N=%d steps=%d: NumPy vs reference u.npy: %s" % (n, steps, whyn))
                    failures += not eqn
                roof = copy / 16.0
                g = gst(n, steps, gen_best)
                rf = gst(n, steps, ref_best)
                rows.append({
                    "n": n, "steps": steps, "np_steps": np_steps, "t": t, "copy": copy,
                    "roof": roof, "gen": g, "gen_flag": gen_flag, "ref": rf,
                    "ref_loop": gst(n, steps, ref_loop_best) if ref_loop_best else None,
                    "numpy": numpy_gst if t == 1 else None,
                    "gen_ref": g / rf,
                    "gen_np": g / numpy_gst if numpy_gst else None,
                    "gen_roof": g / roof,
                    "bitwise": "yes" if eq else "**NO**",
                })
                # large outputs are not needed any more
                if not args.keep:
                    for dd in (gdir, rdir):
                        shutil.rmtree(dd, ignore_errors=True)
            if not args.keep:
                shutil.rmtree(os.path.join(rundir, "numpy-%d" % n), ignore_errors=True)
    except BenchError as e:
        print("run_bench.py: error: %s" % e, file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(rundir, ignore_errors=True)

    elapsed = time.perf_counter() - t_start
    load_after = os.getloadavg()
    table = [
        "| N | steps | threads | copy GB/s | roofline GSt/s | generated GSt/s | reference GSt/s "
        "(loop only) | NumPy GSt/s | gen/ref | gen/NumPy(1T) | gen/roofline | bitwise gen=ref |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for r in rows:
        table.append("| %d | %d | %d | %s | %s | %s%s | %s (%s) | %s | %s | %s | %s | %s |" % (
            r["n"], r["steps"], r["t"], fmt(r["copy"]), fmt(r["roof"]), fmt(r["gen"]),
            "" if r["gen_flag"] else "†", fmt(r["ref"]), fmt(r["ref_loop"]),
            fmt(r["numpy"]) + ("" if r["numpy"] is None or r["np_steps"] == r["steps"]
                               else " (%d steps)" % r["np_steps"]),
            fmt(r["gen_ref"]), fmt(r["gen_np"]), fmt(r["gen_roof"]), r["bitwise"]))
    notes = [
        "generated: %s; launched as `OMP_NUM_THREADS=T %s ./prog --N=N --steps=S --time`"
        % (gen_label, args.launcher or "(directly)"),
        "GSt/s = (N-2)^2 * steps / time / 1e9; roofline = copy GB/s / 16 B per point; "
        "copy = best of bench/copybw on two arrays of N*N doubles, measured before and after.",
        "generated and reference: best of %d; time = whole program body (`tyles: time`), "
        "reference loop-only figure in parentheses. NumPy: one run of bench/jacobi2d.tyl, "
        "1 thread, whole runpy.run_path time, per step." % args.reps,
    ]
    if any(not r["gen_flag"] for r in rows):
        notes.append("† no `tyles: time` line: wall time of the launcher + program.")
    if args.omp_bind:
        notes.append("OMP_PROC_BIND=%s OMP_PLACES=cores for every code." % args.omp_bind)
    notes.append("load average before/after: %.2f / %.2f; run took %.0f s."
                 % (load_before[0], load_after[0], elapsed))

    out = "\n".join(table) + "\n\n" + "\n".join("- " + s for s in notes + checks) + "\n"
    print(out)
    if failures:
        print("run_bench.py: error: %d bitwise check(s) failed" % failures, file=sys.stderr)

    if args.record:
        cmd = "python3 " + " ".join(shlex.quote(a) for a in
                                    [os.path.relpath(os.path.abspath(sys.argv[0]), REPO)]
                                    + sys.argv[1:])
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        header = [
            "## %s — %s, %s cores%s" % (stamp, info["model"], info["cores"],
                                         " — STAND-IN, not tylesc output" if args.generated_cmd
                                         else ""),
            "",
            "- command: `%s` (from the repository root)" % cmd,
            "- %s; %s; Python %s, NumPy %s; git %s"
            % (info["gcc"], info["mpirun"], info["python"], info["numpy"], info["git"]),
            "",
            "",
        ]
        if not os.path.exists(RESULTS):
            with open(RESULTS, "w") as f:
                f.write("# Benchmark results\n\nAppended by `bench/run_bench.py --record`.\n\n")
        with open(RESULTS, "a") as f:
            f.write("\n".join(header) + out + "\n")
        log("recorded in %s" % os.path.relpath(RESULTS, REPO))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
