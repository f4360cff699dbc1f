#!/usr/bin/env python3
"""Benchmark: tylesc-generated code vs hand-written C/OpenMP vs NumPy, side by side in one run.

Every figure is a ratio measured in the same run on the same machine (BRIEF.md section 6).

Suites (--suite=jacobi,burgers,grayscott,peers, default all):
  jacobi     bench/jacobi2d.tyl    vs bench/ref_jacobi2d.c, copy-bandwidth roofline
  burgers    bench/burgers2d.tyl   vs bench/ref_burgers2d.c   (CFD Python step 8)
  grayscott  bench/gray_scott.tyl  vs bench/ref_gray_scott.c  (periodic, np.roll)
  timetile   bench/jacobi2d.tyl compiled with --time-tile=off, the automatic choice and
             --time-tile=16: temporal blocking vs step by step vs the copy roofline
  peers      Jacobi 2-D and 3-D f64/f32, Burgers, hdiff at 1 and 2 threads: Tyles (time-tiled
             as compiled, and step by step) vs the hand C, NumPy, Numba, Devito, pystencils,
             DaCe (installed from PyPI into bench/build/peers), copy roofline, vectorisation
             of Tyles' hot loops, and Tyles on 2 ranks x 1 thread vs 1 rank x 2 threads
             (bench/bench_peers.py); --suite=jacobi2d_f32, jacobi3d, jacobi3d_f32 or hdiff
             runs it for that kernel only
The burgers and grayscott suites report time per step, speed ratios, bitwise checks
(generated = reference = NumPy at the same number of steps) and the peak memory (max
RSS) of every run next to the bytes the program's own arrays need.

    python3 bench/run_bench.py              # build, compile the .tyl programs, measure, print
    python3 bench/run_bench.py --record     # ... and append the tables to bench/RESULTS.md
    python3 bench/run_bench.py --generated-cmd=PATH   # benchmark a stand-in (Jacobi)
    python3 bench/run_bench.py --generated-cmd=burgers=PATH   # ... for another suite
    python3 bench/run_bench.py --quick      # small sizes, to check the harness itself
    python3 bench/run_bench.py --suite=burgers,grayscott      # only some suites

The Jacobi suite: for every size (N, steps) and OpenMP thread count T it measures
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
import fcntl
import os
import platform
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from bench_common import (  # noqa: F401  (helpers shared with bench_peers.py; the
    # other bench scripts import them from here)
    HERE, LOOP_RE, NUMPY_DRIVER, NUMPY_RE, REPO, RSS_RE, RUN_TIMEOUT, TIME_RE,
    BenchError, fmt, log, measure_copy, numpy_env, omp_env, run, run_program, same_bits, sh)

TYL = os.path.join(HERE, "jacobi2d.tyl")
SUITES = ("jacobi", "burgers", "grayscott", "peers", "timetile")
PEER_KERNELS = ("jacobi2d", "jacobi2d_f32", "jacobi3d", "jacobi3d_f32", "burgers", "hdiff")
# suite names that run the peers suite on one kernel
PEER_SUITE_ALIASES = ("jacobi2d_f32", "jacobi3d", "jacobi3d_f32", "hdiff")
# The operator-heavy suites: generated vs reference vs NumPy, time per step, peak memory.
STENCIL_SUITES = {
    "burgers": {
        "title": "2-D viscous Burgers (CFD Python step 8): bench/burgers2d.tyl",
        "tyl": "burgers2d.tyl", "exe": "burgers2d", "ref": "ref_burgers2d",
        "outputs": ("u.npy", "v.npy"),
        "arrays": 4, "arrays_what": "u, v, un, vn",
        "sizes": "1024:200:20,2048:50:5", "quick": "256:100:100",
    },
    "grayscott": {
        "title": "Gray-Scott, periodic with np.roll (float64): bench/gray_scott.tyl",
        "tyl": "gray_scott.tyl", "exe": "gray_scott", "ref": "ref_gray_scott",
        "outputs": ("U.npy", "V.npy"),
        "arrays": 4, "arrays_what": "U, V and one next-step buffer each (uvv needs none)",
        "sizes": "1024:200:20,2048:50:5", "quick": "256:100:100",
    },
}
BASELINE_N = 8  # size of the runs that measure each code's memory baseline
RESULTS = os.path.join(HERE, "RESULTS.md")
DEFAULT_TYLESC = os.path.join(REPO, "bin", "tylesc")
DEFAULT_LAUNCHER = "mpirun --allow-run-as-root --oversubscribe -np 1 --bind-to none"


def machine_info():
    model = platform.processor() or "unknown"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        m = re.search(r"^Model name:\s*(.+)$", out, re.M)
        if m:
            model = m.group(1).strip()
        m = re.search(r"^L3 cache:\s*(.+)$", out, re.M)
        l3 = m.group(1).strip() if m else "?"
    except OSError:
        l3 = "?"
    info = {"model": model, "cores": os.cpu_count(), "l3": l3}
    # "AMD EPYC" names Zen 3 and Zen 4 alike: the family/model and the widest vector ISA tell
    # them apart (the hot loops' width and the tuned decisions differ between them)
    try:
        with open("/proc/cpuinfo") as f:
            cpu = f.read().split("\n\n")[0]
        fam = re.search(r"^cpu family\s*:\s*(\d+)", cpu, re.M)
        mod = re.search(r"^model\s*:\s*(\d+)", cpu, re.M)
        fl = re.search(r"^flags\s*:(.*)$", cpu, re.M)
        flags = set(fl.group(1).split()) if fl else set()
        isa = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "AVX" if "avx" in flags else "SSE"
        if fam and mod:
            info["model"] += " (family %s model %s, %s)" % (fam.group(1), mod.group(1), isa)
    except OSError:
        pass
    try:  # the huge pages tyl_mem_alloc asks for need "always" or "madvise"
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            m = re.search(r"\[(\w+)\]", f.read())
        info["thp"] = m.group(1) if m else "?"
    except OSError:
        info["thp"] = "?"
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


# hand-written references built from another source (name -> source, extra flags)
REF_BUILDS = {
    "ref_jacobi2d_f32": ("ref_jacobi2d.c", ["-DREF_F32"]),
    "ref_jacobi3d_f32": ("ref_jacobi3d.c", ["-DREF_F32"]),
    "ref_jacobi2d_tb_f32": ("ref_jacobi2d_tb.c", ["-DREF_F32"]),
}


def build_c(builddir, cc, refs=()):
    """Build the Jacobi reference, the bandwidth kernel and the references named in refs
    (e.g. "ref_burgers2d"); return (ref_jacobi2d, copybw, {name: path})."""
    os.makedirs(builddir, exist_ok=True)
    common = ["-std=c11", "-O3", "-march=native", "-fopenmp", "-Wall", "-Wextra"]
    ref = os.path.join(builddir, "ref_jacobi2d")
    copy = os.path.join(builddir, "copybw")
    cmds = [
        [cc] + common + ["-ffp-contract=off", os.path.join(HERE, "ref_jacobi2d.c"), "-o", ref],
        [cc] + common + ["-fno-tree-loop-distribute-patterns", os.path.join(HERE, "copybw.c"),
                         "-o", copy],
    ]
    others = {}
    for name in refs:
        others[name] = os.path.join(builddir, name)
        src, flags = REF_BUILDS.get(name, (name + ".c", []))
        cmds.append([cc] + common + ["-ffp-contract=off"] + flags + [os.path.join(HERE, src),
                                     "-o", others[name], "-lm"])
    for c in cmds:
        log("build: " + sh(c))
        run(c)
    return ref, copy, others


def hot_loops_note(exe, tyl):
    """The vectorisation of a compiled suite program's hot loops (bench/vecreport.py)."""
    import vecreport
    try:
        with open(exe + ".c") as f:
            c_src = f.read()
        with open(tyl) as f:
            tyl_src = f.read()
    except OSError as e:
        return "hot loops: not read (%s)" % e
    return ("generated hot loops (assembly, bench/vecreport.py): %s"
            % vecreport.vector_report(exe, c_src, tyl_src)["text"])


def check_tylesc(tylesc):
    if not os.path.exists(tylesc):
        raise BenchError(
            "the compiler %s does not exist yet. Build it first (make), pass --tylesc=PATH, or "
            "benchmark a stand-in executable with --generated-cmd=PATH." % tylesc)
    if not os.access(tylesc, os.X_OK):
        raise BenchError("%s is not executable" % tylesc)


def compile_generated(tylesc, builddir, tyl=TYL, name="jacobi2d", keep_c=False, flags=()):
    check_tylesc(tylesc)
    os.makedirs(builddir, exist_ok=True)
    exe = os.path.join(builddir, name)
    if os.path.exists(exe):
        os.remove(exe)  # never benchmark a stale executable from an earlier run
    cmd = [tylesc, tyl, "-o", exe] + (["--keep-c"] if keep_c else []) + list(flags)
    log("compile: " + sh(cmd))
    try:
        run(cmd)
    except BenchError as e:
        raise BenchError("tylesc could not compile %s:\n%s" % (os.path.relpath(tyl, REPO), e))
    if not os.access(exe, os.X_OK):
        raise BenchError("tylesc exited 0 but produced no executable %s" % exe)
    return exe


def numpy_cmd(tyl, n, steps):
    return [sys.executable, "-c", NUMPY_DRIVER, tyl, "N=%d" % n, "steps=%d" % steps]


def run_numpy(n, steps, cwd):
    os.makedirs(cwd, exist_ok=True)
    _, _, err = run(numpy_cmd(TYL, n, steps), cwd=cwd, env=numpy_env())
    m = NUMPY_RE.search(err)
    if not m:
        raise BenchError("NumPy driver printed no time: %r" % err)
    return float(m.group(1))


def run_rss(cmd, cwd, env):
    """Run cmd like run(); also return a peak resident set size in KiB.  A "tyles-maxrss K"
    line on stderr (GNU time -f "tyles-maxrss %M" wrapped around the program, inside the
    launcher if any) is used when present; otherwise os.wait4's ru_maxrss of cmd, which
    on Linux also holds the pre-exec RSS of this Python process (a floor of ~30 MiB).
    Returns (wall s, stdout, stderr, KiB)."""
    os.makedirs(cwd, exist_ok=True)
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        t0 = time.perf_counter()
        try:
            p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=fo, stderr=fe)
        except OSError as e:
            raise BenchError("cannot run %s: %s" % (sh(cmd), e))
        timer = threading.Timer(RUN_TIMEOUT, p.kill)
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        out = fo.read().decode(errors="replace")
        err = fe.read().decode(errors="replace")
    if p.returncode != 0:
        what = "timed out after %d s" % RUN_TIMEOUT if wall >= RUN_TIMEOUT else \
            "command failed (exit %d)" % p.returncode
        raise BenchError("%s: %s\n--- stdout ---\n%s\n--- stderr ---\n%s"
                         % (what, sh(cmd), out[-4000:], err[-4000:]))
    m = RSS_RE.findall(err)
    kib = int(m[-1]) if m else ru.ru_maxrss  # Linux: ru_maxrss in KiB
    return wall, out, err, kib


def gst(n, steps, seconds):
    return (n - 2) ** 2 * steps / seconds / 1e9


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


def bench_jacobi(args, threads, gen_exe, gen_label, ref_exe, copy_exe, launcher, rundir):
    """The Jacobi suite; returns (Markdown text, number of failed bitwise checks)."""
    rows, checks, failures = [], [], 0
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
            elif np_steps > 0 and t == threads[0]:
                # NumPy ran fewer steps: the generated program at that count against it
                cdir = os.path.join(rundir, "gen-check-%d" % n)
                run_program(launcher + [gen_exe, "--N=%d" % n, "--steps=%d" % np_steps], cdir,
                            t, args.omp_bind)
                eqn, whyn = same_bits(os.path.join(rundir, "numpy-%d" % n, "u.npy"),
                                      os.path.join(cdir, "u.npy"))
                checks.append("N=%d steps=%d threads=%d: NumPy vs generated u.npy: %s"
                              % (n, np_steps, t, whyn))
                failures += not eqn
                if not args.keep:
                    shutil.rmtree(cdir, ignore_errors=True)
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
    text = ("### 2-D Jacobi: bench/jacobi2d.tyl\n\n" + "\n".join(table) + "\n\n"
            + "\n".join("- " + s for s in notes + checks) + "\n")
    return text, failures


TIMETILE_VARIANTS = (("off", ["--time-tile=off"]), ("auto", []), ("K=16", ["--time-tile=16"]))


def bench_timetile(args, threads, exes, copy_exe, launcher, rundir, hand_tb=None):
    """Temporal blocking on the 2-D Jacobi: the same program compiled with --time-tile=off, the
    automatic choice and K=16, interleaved with the hand-written time-blocked C (hand_tb,
    bench/ref_jacobi2d_tb.c, K=8), against the copy roofline of the same run (a code
    that reads and writes every point from memory once per step cannot pass it; a time-tiled
    one can). Returns (Markdown text, number of failed bitwise checks)."""
    rows, checks, failures = [], [], 0
    names = [v for v, _ in TIMETILE_VARIANTS] + (["hand"] if hand_tb else [])

    def cmd(v):
        return [hand_tb] if v == "hand" else launcher + [exes[v]]

    def label(v):
        return "hand C time-blocked" if v == "hand" else v
    for (n, steps, np_steps) in args.sizes:
        if np_steps > 0:
            # every variant against NumPy at NumPy's number of steps, first thread count
            ndir = os.path.join(rundir, "tt-numpy-%d" % n)
            log("timetile numpy: N=%d steps=%d" % (n, np_steps))
            run_numpy(n, np_steps, ndir)
            for v in names:
                d = os.path.join(rundir, "tt-check-%s-%d" % (v.replace("=", ""), n))
                run_program(cmd(v) + ["--N=%d" % n, "--steps=%d" % np_steps], d,
                            threads[0], args.omp_bind)
                eq, why = same_bits(os.path.join(ndir, "u.npy"), os.path.join(d, "u.npy"))
                checks.append("N=%d steps=%d threads=%d: %s vs NumPy u.npy: %s"
                              % (n, np_steps, threads[0], label(v), why))
                failures += not eq
                if not args.keep:
                    shutil.rmtree(d, ignore_errors=True)
            if not args.keep:
                shutil.rmtree(ndir, ignore_errors=True)
        for t in threads:
            prog_args = ["--N=%d" % n, "--steps=%d" % steps, "--time"]
            copies = [measure_copy(copy_exe, n * n, t, args.omp_bind)]
            best = {}
            for r in range(args.reps):
                order = names if r % 2 == 0 else names[::-1]
                for v in order:
                    log("timetile %s: N=%d steps=%d threads=%d rep %d/%d"
                        % (v, n, steps, t, r + 1, args.reps))
                    d = os.path.join(rundir, "tt-%s-%d-%d" % (v.replace("=", ""), n, t))
                    sec, _, _ = run_program(cmd(v) + prog_args, d, t, args.omp_bind)
                    best[v] = sec if v not in best else min(best[v], sec)
            copies.append(measure_copy(copy_exe, n * n, t, args.omp_bind))
            roof = max(copies) / 16.0
            g = {v: gst(n, steps, best[v]) for v in names}
            for v in names[1:]:
                eq, why = same_bits(os.path.join(rundir, "tt-off-%d-%d" % (n, t), "u.npy"),
                                    os.path.join(rundir, "tt-%s-%d-%d" % (v.replace("=", ""), n, t),
                                                 "u.npy"))
                checks.append("N=%d steps=%d threads=%d: %s vs off u.npy: %s"
                              % (n, steps, t, label(v), why))
                failures += not eq
            rows.append((n, steps, t, max(copies), roof, g))
            if not args.keep:
                for v in names:
                    shutil.rmtree(os.path.join(rundir, "tt-%s-%d-%d" % (v.replace("=", ""), n, t)),
                                  ignore_errors=True)
    table = ["| N | steps | threads | copy GB/s | roofline GSt/s | off GSt/s | auto GSt/s | K=16 GSt/s "
             "| hand C time-blocked GSt/s | auto/off | K=16/off | auto/hand C time-blocked "
             "| off/roofline | auto/roofline | K=16/roofline | hand C time-blocked/roofline |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for (n, steps, t, copy, roof, g) in rows:
        h = g.get("hand")
        table.append("| %d | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s "
                     "| %s |" % (
            n, steps, t, fmt(copy), fmt(roof), fmt(g["off"]), fmt(g["auto"]), fmt(g["K=16"]),
            fmt(h), fmt(g["auto"] / g["off"]), fmt(g["K=16"] / g["off"]),
            fmt(g["auto"] / h if h else None), fmt(g["off"] / roof),
            fmt(g["auto"] / roof), fmt(g["K=16"] / roof), fmt(h / roof if h else None)))
    notes = ["one program, bench/jacobi2d.tyl, compiled three times: %s; best of %d, interleaved; "
             "time = whole program body (`tyles: time`: set-up and np.save included)"
             % (", ".join("%s: `tylesc %s`" % (v, " ".join(f) or "(default)")
                          for v, f in TIMETILE_VARIANTS), args.reps),
             "the automatic choice tiles (K=8) only when the arrays do not fit in 4 MiB "
             "(TYLES_TT_CACHE); roofline = copy GB/s / 16 B per point",
             "hand C time-blocked: bench/ref_jacobi2d_tb.c (what an expert writes: K = 8 steps "
             "per pass, a trapezoid of parallelogram row tiles per thread, then the triangles "
             "between the threads' slabs), run directly with the same arguments and the same "
             "`tyles: time` definition" + ("" if hand_tb else " — not built")]
    text = ("### Temporal blocking: bench/jacobi2d.tyl\n\n" + "\n".join(table) + "\n\n"
            + "\n".join("- " + x for x in notes + checks) + "\n")
    return text, failures


def mib(kib):
    return None if kib is None else kib / 1024.0


def bench_stencil(key, args, threads, gen_exe, gen_label, gen_error, ref_exe, launcher,
                  time_bin, rundir):
    """A burgers/grayscott suite: generated vs reference vs NumPy, time per step, peak RSS.
    gen_exe None (with gen_error) when tylesc could not compile the program: the
    reference and NumPy are still measured and checked against each other.
    Returns (Markdown text, number of failures)."""
    spec = STENCIL_SUITES[key]
    tyl = os.path.join(HERE, spec["tyl"])
    outputs = spec["outputs"]
    sizes = args.suite_sizes[key]
    rows, checks, failures = [], [], 0
    rss_note = None

    def wrap(cmd):
        # /usr/bin/time reports the peak RSS of exactly its child.  Without it, os.wait4's
        # ru_maxrss also holds the RSS the child inherited from this Python process up to
        # exec (Linux keeps the pre-exec high-water mark), a floor of some 30 MiB.
        return [time_bin, "-f", "tyles-maxrss %M"] + cmd if time_bin else cmd

    def gen_cmd(prog_args):
        # inside the launcher, so that mpirun's own RSS is not counted
        return launcher + wrap([gen_exe] + prog_args)

    def timed(cmd, cwd, t):
        _, out, err, kib = run_rss(cmd, cwd, omp_env(t, args.omp_bind))
        m = TIME_RE.search(out + "\n" + err)
        loop = LOOP_RE.search(out + "\n" + err)
        if not m:
            raise BenchError("no `tyles: time` line from %s" % sh(cmd))
        return float(m.group(1)), float(loop.group(1)) if loop else None, kib

    def check(what, dir_a, dir_b, label):
        nonlocal failures
        res = [(o,) + same_bits(os.path.join(dir_a, o), os.path.join(dir_b, o)) for o in outputs]
        ok = all(eq for _, eq, _ in res)
        why = "bitwise equal" if ok else "; ".join("%s %s" % (o, w) for o, eq, w in res if not eq)
        checks.append("%s: %s %s: %s" % (what, label, ", ".join(outputs), why))
        failures += not ok
        return ok

    # memory baselines: the same codes on a tiny grid (interpreter, libraries, MPI)
    base = {}
    bdir = os.path.join(rundir, key, "baseline")
    small = ["--N=%d" % BASELINE_N, "--steps=1"]
    log("%s: memory baselines (N=%d)" % (key, BASELINE_N))
    if gen_exe:
        base["gen"] = timed(gen_cmd(small + ["--time"]), bdir, 1)[2]
    base["ref"] = timed(wrap([ref_exe] + small + ["--time", "--no-save"]), bdir, 1)[2]
    base["numpy"] = run_rss(wrap(numpy_cmd(tyl, BASELINE_N, 1)), bdir, numpy_env())[3]

    for (n, steps, np_steps) in sizes:
        arrays_kib = spec["arrays"] * n * n * 8 / 1024.0
        np_ms = np_kib = None
        ndir = os.path.join(rundir, key, "numpy-%d" % n)
        if np_steps > 0:
            log("%s numpy: N=%d steps=%d" % (key, n, np_steps))
            _, _, err, np_kib = run_rss(wrap(numpy_cmd(tyl, n, np_steps)), ndir, numpy_env())
            m = NUMPY_RE.search(err)
            if not m:
                raise BenchError("NumPy driver printed no time: %r" % err)
            np_ms = float(m.group(1)) / np_steps * 1e3
            # bitwise: NumPy vs reference vs generated at NumPy's number of steps
            cdir_r = os.path.join(rundir, key, "check-ref-%d" % n)
            cdir_g = os.path.join(rundir, key, "check-gen-%d" % n)
            cargs = ["--N=%d" % n, "--steps=%d" % np_steps]
            log("%s check: N=%d steps=%d" % (key, n, np_steps))
            run_rss([ref_exe] + cargs, cdir_r, omp_env(threads[0], args.omp_bind))
            check("N=%d steps=%d threads=%d" % (n, np_steps, threads[0]), ndir, cdir_r,
                  "NumPy vs reference")
            if gen_exe:
                run_rss(gen_cmd(cargs), cdir_g, omp_env(threads[0], args.omp_bind))
                check("N=%d steps=%d threads=%d" % (n, np_steps, threads[0]), ndir, cdir_g,
                      "NumPy vs generated")
            if not args.keep:
                for dd in (ndir, cdir_r, cdir_g):
                    shutil.rmtree(dd, ignore_errors=True)
        for t in threads:
            prog_args = ["--N=%d" % n, "--steps=%d" % steps, "--time"]
            gdir = os.path.join(rundir, key, "gen-%d-%d" % (n, t))
            rdir = os.path.join(rundir, key, "ref-%d-%d" % (n, t))
            best = {"gen": None, "ref": None, "ref_loop": None}
            kib = {"gen": 0, "ref": 0}
            for r in range(args.reps):
                order = ("gen", "ref") if r % 2 == 0 else ("ref", "gen")
                for which in order:
                    if which == "gen" and not gen_exe:
                        continue
                    log("%s %s: N=%d steps=%d threads=%d rep %d/%d"
                        % (key, which, n, steps, t, r + 1, args.reps))
                    if which == "gen":
                        s, _, k = timed(gen_cmd(prog_args), gdir, t)
                    else:
                        s, loop, k = timed(wrap([ref_exe] + prog_args), rdir, t)
                        if loop is not None:
                            best["ref_loop"] = loop if best["ref_loop"] is None \
                                else min(best["ref_loop"], loop)
                    best[which] = s if best[which] is None else min(best[which], s)
                    kib[which] = max(kib[which], k)
            eq = None
            if gen_exe:
                eq = check("N=%d steps=%d threads=%d" % (n, steps, t), gdir, rdir,
                           "generated vs reference")
            if not args.keep:
                for dd in (gdir, rdir):
                    shutil.rmtree(dd, ignore_errors=True)
            g_ms = best["gen"] / steps * 1e3 if gen_exe else None
            r_ms = best["ref"] / steps * 1e3
            rows.append({
                "n": n, "steps": steps, "np_steps": np_steps, "t": t,
                "gen": g_ms, "ref": r_ms,
                "ref_loop": best["ref_loop"] / steps * 1e3 if best["ref_loop"] else None,
                "numpy": np_ms if t == 1 else None,
                "gen_ref": r_ms / g_ms if g_ms else None,
                "gen_np": np_ms / g_ms if (g_ms and np_ms) else None,
                "rss_gen": mib(kib["gen"]) if gen_exe else None, "rss_ref": mib(kib["ref"]),
                "rss_np": mib(np_kib) if t == 1 else None, "arrays": mib(arrays_kib),
                "excess": ((kib["gen"] - base["gen"]) / arrays_kib) if (gen_exe and time_bin) else None,
                "bitwise": "—" if eq is None else ("yes" if eq else "**NO**"),
            })

    table = [
        "| N | steps | threads | generated ms/step | reference ms/step (loop only) | NumPy ms/step "
        "| gen/ref | gen/NumPy(1T) | peak RSS MiB gen / ref / NumPy | arrays MiB "
        "| gen (RSS−base)/arrays | bitwise gen=ref |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for r in rows:
        table.append("| %d | %d | %d | %s | %s (%s) | %s | %s | %s | %s / %s / %s | %s | %s | %s |" % (
            r["n"], r["steps"], r["t"],
            fmt(r["gen"]) if gen_exe else "compile failed", fmt(r["ref"]), fmt(r["ref_loop"]),
            fmt(r["numpy"]) + ("" if r["numpy"] is None or r["np_steps"] == r["steps"]
                               else " (%d steps)" % r["np_steps"]),
            fmt(r["gen_ref"]), fmt(r["gen_np"]),
            fmt(r["rss_gen"]), fmt(r["rss_ref"]), fmt(r["rss_np"]), fmt(r["arrays"]),
            fmt(r["excess"]), r["bitwise"]))
    if not time_bin:
        rss_note = ("no /usr/bin/time (apt-get install time): peak RSS from os.wait4, which "
                    "also counts the harness's RSS inherited up to exec (a floor of about "
                    "%s MiB) and, behind a launcher, the launcher's own; gen "
                    "(RSS−base)/arrays is left out."
                    % fmt(mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))
    if gen_exe:
        how = "`OMP_NUM_THREADS=T %s%s./prog --N=N --steps=S --time`%s" % (
            args.launcher + " " if launcher else "",
            "/usr/bin/time -f %M " if time_bin else "",
            "" if launcher else " (MPI singleton)")
        notes = ["generated: %s; launched as %s" % (gen_label, how)]
    else:
        notes = ["generated: **tylesc could not compile %s** (error below); reference and NumPy "
                 "still measured." % os.path.relpath(tyl, REPO)]
    notes += [
        "ms/step = time / steps; generated and reference: best of %d, time = whole program body "
        "(`tyles: time`: allocation, initialisation, time loop, np.save), reference loop-only "
        "figure in parentheses. NumPy: one run of %s, 1 thread, whole runpy.run_path time, "
        "per step." % (args.reps, os.path.relpath(tyl, REPO)),
        "gen/ref and gen/NumPy(1T) are speed ratios (time of the other / time of generated): "
        "> 1 means the generated program is faster.",
        "peak RSS = max resident set size of the program (largest over the reps; "
        "`/usr/bin/time -f %%M` around the program itself, inside the launcher); arrays = %d x N*N float64 (%s), what the "
        "computation itself needs. Baselines (same codes, N=%d, 1 step): generated %s MiB, "
        "reference %s MiB, NumPy %s MiB (interpreter + numpy). gen (RSS−base)/arrays = "
        "(generated peak RSS − its baseline) / arrays: 1 means no memory beyond the four "
        "grids." % (spec["arrays"], spec["arrays_what"], BASELINE_N,
                    fmt(mib(base.get("gen"))), fmt(mib(base["ref"])), fmt(mib(base["numpy"]))),
    ]
    if rss_note:
        notes.append(rss_note)
    if gen_error:
        notes.append("tylesc error:\n\n```\n%s\n```" % gen_error.strip()[-3000:])
    text = ("### %s\n\n" % spec["title"] + "\n".join(table) + "\n\n"
            + "\n".join("- " + s for s in notes + checks) + "\n")
    return text, failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="sizes: N:steps[:numpy_steps], numpy_steps 0 skips NumPy")
    ap.add_argument("--suite", default=None,
                    help="comma-separated suites to run (default %s; with --quick the peers "
                         "suite only when named)" % ",".join(SUITES))
    ap.add_argument("--tylesc", default=DEFAULT_TYLESC, help="compiler (default bin/tylesc)")
    ap.add_argument("--generated-cmd", metavar="[SUITE=]EXE", action="append", default=[],
                    help="benchmark this executable as the 'generated' program instead of "
                         "compiling the suite's .tyl (stand-in; labelled as such); a bare EXE "
                         "is for the jacobi suite; repeatable, e.g. --generated-cmd=burgers=EXE")
    ap.add_argument("--launcher", default=DEFAULT_LAUNCHER,
                    help="how the generated program is started (default: %(default)s); "
                         "'' runs it directly")
    ap.add_argument("--sizes", type=parse_sizes, default=parse_sizes("4096:100:10,512:2000:2000"),
                    help="jacobi sizes, default 4096:100:10,512:2000:2000")
    for key, spec in STENCIL_SUITES.items():
        ap.add_argument("--%s-sizes" % key, type=parse_sizes, default=parse_sizes(spec["sizes"]),
                        help="%s sizes, default %s" % (key, spec["sizes"]))
    ap.add_argument("--peer-kernels", default=",".join(PEER_KERNELS),
                    help="kernels of the peers suite (default %(default)s)")
    ap.add_argument("--peers", default="numba,devito,pystencils,dace",
                    help="peers to install and run (default %(default)s; '' for none)")
    ap.add_argument("--peer-size", metavar="KERNEL=SIZE:steps:numpy_steps", action="append",
                    default=[], help="peers suite size of one kernel (repeatable); SIZE is N, "
                    "IxJxK for hdiff; defaults in bench/bench_peers.py (4096:200:10 for the "
                    "2-D Jacobis, 256:120:4 for the 3-D ones, 2048:150:5, 256x256x160:40:2)")
    ap.add_argument("--threads", default="1,2", help="OpenMP thread counts (default 1,2)")
    ap.add_argument("--reps", type=int, default=3, help="runs per compiled code, best kept")
    ap.add_argument("--peer-reps", type=int, default=2,
                    help="rounds of the peers suite, best kept (default 2: each round starts "
                         "every peer's process again, JIT and compilation included, and the "
                         "suite is most of make bench's time)")
    ap.add_argument("--rank-reps", type=int, default=5,
                    help="rounds of the peers suite's 2 ranks x 1 thread against 1 rank x 2 "
                         "threads, Tyles alone, after the peers' rounds (default 5: the "
                         "ratio is the median of the rounds)")
    ap.add_argument("--omp-bind", default="", metavar="POLICY",
                    help="set OMP_PROC_BIND=POLICY and OMP_PLACES=cores for every code "
                         "(default: unset)")
    ap.add_argument("--quick", action="store_true",
                    help="small sizes (jacobi 1024:20:5,256:200:200; burgers and grayscott "
                         "256:100:100; peers: see bench/bench_peers.py, one round) and 2 reps "
                         "(harness check); leaves out the peers suite unless --suite names it")
    ap.add_argument("--keep", action="store_true", help="keep bench/build/run (outputs)")
    ap.add_argument("--record", action="store_true", help="append the results to bench/RESULTS.md")
    args = ap.parse_args()
    args.suite_sizes = {key: getattr(args, "%s_sizes" % key) for key in STENCIL_SUITES}
    if args.quick:
        args.sizes = parse_sizes("1024:20:5,256:200:200")
        args.suite_sizes = {key: parse_sizes(spec["quick"]) for key, spec in STENCIL_SUITES.items()}
        args.reps = 2
    threads = [int(t) for t in args.threads.split(",") if t.strip()]
    if not threads or min(threads) < 1 or min(args.reps, args.peer_reps, args.rank_reps) < 1:
        ap.error("need thread counts >= 1 and --reps, --peer-reps, --rank-reps >= 1")
    if args.suite is None:
        # the peers' set-up (JIT, C compilation) alone takes minutes: --quick stays quick
        args.suite = ",".join(x for x in SUITES if not (args.quick and x == "peers"))
    suites = [s.strip() for s in args.suite.split(",") if s.strip()]
    if not suites or any(s not in SUITES + PEER_SUITE_ALIASES for s in suites):
        ap.error("--suite: choose from %s" % ",".join(SUITES + PEER_SUITE_ALIASES))
    peer_kernels = [k.strip() for k in args.peer_kernels.split(",") if k.strip()]
    if any(s in PEER_SUITE_ALIASES for s in suites) and "peers" not in suites:
        peer_kernels = [s for s in suites if s in PEER_SUITE_ALIASES]
        suites.append("peers")
    if "peers" in suites:
        import bench_peers
        if not peer_kernels or any(k not in bench_peers.KERNELS for k in peer_kernels):
            ap.error("--peer-kernels: choose from %s" % ",".join(bench_peers.KERNEL_ORDER))
        peer_kernels = [k for k in bench_peers.KERNEL_ORDER if k in peer_kernels]
        peer_names = [p.strip() for p in args.peers.split(",") if p.strip()]
        if any(p not in bench_peers.PEER_ORDER for p in peer_names):
            ap.error("--peers: choose from %s" % ",".join(bench_peers.PEER_ORDER))
        args.kernel_sizes = {}
        try:
            for k in peer_kernels:
                spec = bench_peers.KERNELS[k]
                args.kernel_sizes[k] = bench_peers.parse_kernel_sizes(
                    spec["quick"] if args.quick else spec["sizes"])
            for item in args.peer_size:
                k, sep, text = item.partition("=")
                if not sep or k not in bench_peers.KERNELS:
                    ap.error("--peer-size: expected KERNEL=SIZE:steps:numpy_steps")
                args.kernel_sizes[k] = bench_peers.parse_kernel_sizes(text)
        except ValueError as e:
            ap.error("--peer-size: %s" % e)
    suites = [s for s in suites if s in SUITES]
    suites = [s for s in SUITES if s in suites]  # fixed order
    stand_ins = {}
    for g in args.generated_cmd:
        key, sep, exe = g.partition("=")
        if sep and key in SUITES:
            stand_ins[key] = exe
        else:
            stand_ins["jacobi"] = g

    builddir = os.path.join(HERE, "build")
    rundir = os.path.join(builddir, "run")
    t_start = time.perf_counter()
    # one run at a time per checkout: the executables and bench/build/run are shared, and a
    # second run would delete the first one's outputs under it
    os.makedirs(builddir, exist_ok=True)
    lock = open(os.path.join(builddir, ".run_bench.lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise SystemExit("run_bench.py: error: another run_bench.py is running in this checkout "
                         "(bench/build is shared); wait for it to finish")
    try:
        import numpy  # noqa: F401  (needed for the bitwise checks)
    except ImportError:
        raise SystemExit("run_bench.py: error: numpy is required")

    tylesc = os.path.abspath(args.tylesc)
    tylesc_rel = os.path.relpath(tylesc, REPO)
    gens = {}  # suite -> (exe or None, label, compile error or None)
    try:
        for key in suites:
            if key in stand_ins:
                exe = os.path.abspath(stand_ins[key])
                if not os.access(exe, os.X_OK):
                    raise BenchError("--generated-cmd %s is not an executable" % exe)
                gens[key] = (exe, "STAND-IN %s (not tylesc output)" % os.path.relpath(exe, REPO),
                             None)
            elif key == "jacobi":
                gens[key] = (compile_generated(tylesc, builddir, keep_c=True),
                             "%s bench/jacobi2d.tyl" % tylesc_rel, None)
            elif key == "timetile":
                tt_exes = {v: compile_generated(tylesc, os.path.join(builddir, "timetile"), TYL,
                                                "jacobi2d_" + v.replace("=", ""), flags=f)
                           for v, f in TIMETILE_VARIANTS}
                gens[key] = (None, "", None)
            elif key == "peers":
                # every kernel compiled with its C kept, for the vectorisation report
                check_tylesc(tylesc)
                pgens = {}
                for k in peer_kernels:
                    spec = bench_peers.KERNELS[k]
                    tyl = os.path.join(HERE, spec["tyl"])
                    pdir = os.path.join(builddir, "peers-tyles")
                    try:
                        exe = compile_generated(tylesc, pdir, tyl, spec["exe"], keep_c=True)
                        with open(exe + ".c") as f:
                            c_src = f.read()
                        err = None
                    except BenchError as e:
                        log("run_bench.py: error: %s" % e)
                        exe, c_src, err = None, "", str(e)
                    with open(tyl) as f:
                        pgens[k] = (exe, "%s bench/%s" % (tylesc_rel, spec["tyl"]), err, c_src,
                                    f.read())
                gens[key] = (None, "", None)
            else:
                spec = STENCIL_SUITES[key]
                tyl = os.path.join(HERE, spec["tyl"])
                label = "%s bench/%s" % (tylesc_rel, spec["tyl"])
                check_tylesc(tylesc)
                try:
                    gens[key] = (compile_generated(tylesc, builddir, tyl, spec["exe"], keep_c=True),
                                 label, None)
                except BenchError as e:
                    log("run_bench.py: error: %s\n(the %s suite goes on with the reference and "
                        "NumPy only)" % (e, key))
                    gens[key] = (None, label, str(e))
        need_refs = {STENCIL_SUITES[k]["ref"] for k in suites if k in STENCIL_SUITES}
        if "timetile" in suites:
            need_refs.add("ref_jacobi2d_tb")
        if "peers" in suites:
            need_refs |= {bench_peers.KERNELS[k].get(f) for k in peer_kernels
                          for _, _, f in bench_peers.HAND_CODES} - {None, "ref_jacobi2d"}
        ref_exe, copy_exe, refs = build_c(builddir, os.environ.get("CC", "gcc"),
                                          sorted(need_refs))
        if "peers" in suites:
            peers = bench_peers.ensure_peers(os.path.join(builddir, "peers"), peer_names, log)
    except BenchError as e:
        print("run_bench.py: error: %s" % e, file=sys.stderr)
        return 2

    launcher = shlex.split(args.launcher)
    time_bin = shutil.which("time", path="/usr/bin:/bin")
    info = machine_info()
    load_before = os.getloadavg()
    if load_before[0] > 0.5:
        log("warning: load average %.2f before the run: other processes share the machine, "
            "figures will be noisy" % load_before[0])
    if os.path.isdir(rundir):
        shutil.rmtree(rundir)

    parts, failures, durations = [], 0, []
    try:
        for key in suites:
            t_suite = time.perf_counter()
            gen_exe, gen_label, gen_error = gens[key]
            if key == "jacobi":
                text, f = bench_jacobi(args, threads, gen_exe, gen_label, ref_exe, copy_exe,
                                       launcher, rundir)
            elif key == "timetile":
                text, f = bench_timetile(args, threads, tt_exes, copy_exe, launcher, rundir,
                                         refs.get("ref_jacobi2d_tb"))
            elif key == "peers":
                prefs = {k: (ref_exe if bench_peers.KERNELS[k]["ref"] == "ref_jacobi2d"
                             else refs.get(bench_peers.KERNELS[k]["ref"]))
                         for k in peer_kernels}
                ptb = {k: refs.get(bench_peers.KERNELS[k].get("ref_tb")) for k in peer_kernels}
                text, f = bench_peers.bench_peers(args, peer_kernels, threads, pgens, prefs,
                                                  copy_exe, launcher, rundir, peers, ptb)
            else:
                text, f = bench_stencil(key, args, threads, gen_exe, gen_label, gen_error,
                                        refs[STENCIL_SUITES[key]["ref"]], launcher, time_bin,
                                        rundir)
                f += gen_error is not None
            if key != "peers" and gen_exe and key not in stand_ins:
                text += "- %s\n" % hot_loops_note(gen_exe, TYL if key == "jacobi" else
                                                  os.path.join(HERE, STENCIL_SUITES[key]["tyl"]))
            parts.append(text)
            failures += f
            durations.append("%s %.0f s" % (key, time.perf_counter() - t_suite))
    except BenchError as e:
        print("run_bench.py: error: %s" % e, file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(rundir, ignore_errors=True)

    elapsed = time.perf_counter() - t_start
    load_after = os.getloadavg()
    tail = ["OMP_PROC_BIND=%s OMP_PLACES=cores for every code." % args.omp_bind] \
        if args.omp_bind else []
    tail.append("load average before/after: %.2f / %.2f; run took %.0f s (%s; the rest: "
                "compiling and building)." % (load_before[0], load_after[0], elapsed,
                                              ", ".join(durations)))
    out = "\n".join(parts) + "\n" + "\n".join("- " + s for s in tail) + "\n"
    print(out)
    if failures:
        print("run_bench.py: error: %d check(s) failed (bitwise or compilation)" % failures,
              file=sys.stderr)

    if args.record:
        cmd = "python3 " + " ".join(shlex.quote(a) for a in
                                    [os.path.relpath(os.path.abspath(sys.argv[0]), REPO)]
                                    + sys.argv[1:])
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        header = [
            "## %s — %s, %s cores%s%s" % (stamp, info["model"], info["cores"],
                                           " — STAND-IN, not tylesc output" if stand_ins else "",
                                           " — QUICK sizes" if args.quick else ""),
            "",
            "- command: `%s` (from the repository root)" % cmd,
            "- %s; %s; Python %s, NumPy %s; git %s"
            % (info["gcc"], info["mpirun"], info["python"], info["numpy"], info["git"]),
            "- L3 %s; transparent huge pages: %s; load average before the run %.2f"
            % (info["l3"], info["thp"], load_before[0]),
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
