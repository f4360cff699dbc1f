"""The `peers` suite of bench/run_bench.py: Tyles side by side with NumPy, the hand-written
C, Numba, Devito, pystencils and DaCe on the same kernels, with the copy roofline of the
same run and the vectorisation of Tyles' hot loops.  See bench/README.md, section "Peers".

Peers are installed from PyPI, once, each into its own virtual environment under
bench/build/peers/NAME (made with --system-site-packages, so the installed NumPy is
reused, and pip is constrained to exactly that NumPy version: the system site-packages
are never written).  A peer that cannot be installed or imported is skipped with the
reason; to retry a failed install delete bench/build/peers/NAME.failed.
"""
import os
import re
import shutil
import subprocess
import sys

import bench_common as rb
import vecreport

PEER_ORDER = ("numba", "devito", "pystencils", "dace")
# Versions that install and run with NumPy 2.4 and this Python; the extra pins are the
# newest that the pinned peer still imports with:
#   devito 4.8.8: the newest whose requirements allow NumPy 2.4.6; it imports
#     sympy.core.core.ordering_of_classes (gone in sympy 1.13) and calls codepy's
#     pre-2025 toolchain API, and does not declare either bound;
#   dace 0.16: 1.0.x requires numpy < 2; 0.16 fails in its control-flow analysis
#     (KeyError in state_parent_tree) with networkx >= 3.5.
PEER_PINS = {
    "numba": ["numba==0.68.1"],
    "devito": ["devito==4.8.8", "sympy==1.12.1", "codepy==2023.1", "packaging"],
    "pystencils": ["pystencils==2.0"],
    "dace": ["dace==0.16", "networkx==3.4.2"],
}
NEEDS_CC = ("devito", "pystencils", "dace")  # they compile C/C++ at run time
PEER_TIME_RE = re.compile(r"peer: threads=(\d+) time\s+([0-9.eE+-]+)\s*s")
PEER_SETUP_RE = re.compile(r"peer: setup\s+([0-9.eE+-]+)\s*s")
PEER_NOT_WRITTEN = 3
PIP_TIMEOUT = 1200

# Kernels: the .tyl (run by NumPy and compiled by tylesc), how to pass a size, the
# interior points one step updates, the bytes one point must move at the least (the
# streaming bound), the bytes of the arrays (for the copy-bandwidth footprint).
KERNELS = {
    "jacobi2d": {
        "title": "Jacobi 2-D f64", "tyl": "jacobi2d.tyl", "exe": "jacobi2d",
        "ref": "ref_jacobi2d", "ref_tb": "ref_jacobi2d_tb", "nosave": "--out=",
        "outputs": ("u.npy",), "params": ("N",),
        "points": lambda s: (s[0] - 2) ** 2, "bytes": 16,
        "bytes_why": "read u, write un", "footprint": lambda s: 2 * s[0] ** 2 * 8,
        "sizes": "4096:200:10", "quick": "256:400:100",
    },
    "jacobi2d_f32": {
        "title": "Jacobi 2-D f32", "tyl": "jacobi2d_f32.tyl", "exe": "jacobi2d_f32",
        "ref": "ref_jacobi2d_f32", "ref_tb": "ref_jacobi2d_tb_f32", "nosave": "--out=",
        "outputs": ("u.npy",), "params": ("N",),
        "points": lambda s: (s[0] - 2) ** 2, "bytes": 8,
        "bytes_why": "read u, write un, 4 B each", "footprint": lambda s: 2 * s[0] ** 2 * 4,
        "sizes": "4096:200:10", "quick": "256:400:100",
    },
    "jacobi3d": {
        "title": "Jacobi 3-D f64", "tyl": "jacobi3d.tyl", "exe": "jacobi3d",
        "ref": "ref_jacobi3d", "nosave": "--no-save", "outputs": ("u.npy",), "params": ("N",),
        "points": lambda s: (s[0] - 2) ** 3, "bytes": 16,
        "bytes_why": "read u, write un", "footprint": lambda s: 2 * s[0] ** 3 * 8,
        "sizes": "256:120:4", "quick": "48:200:50",
    },
    "jacobi3d_f32": {
        "title": "Jacobi 3-D f32", "tyl": "jacobi3d_f32.tyl", "exe": "jacobi3d_f32",
        "ref": "ref_jacobi3d_f32", "nosave": "--no-save", "outputs": ("u.npy",),
        "params": ("N",),
        "points": lambda s: (s[0] - 2) ** 3, "bytes": 8,
        "bytes_why": "read u, write un, 4 B each", "footprint": lambda s: 2 * s[0] ** 3 * 4,
        "sizes": "256:120:4", "quick": "48:200:50",
    },
    "burgers": {
        "title": "2-D viscous Burgers f64", "tyl": "burgers2d.tyl", "exe": "burgers2d",
        "ref": "ref_burgers2d", "nosave": "--no-save", "outputs": ("u.npy", "v.npy"),
        "params": ("N",),
        "points": lambda s: (s[0] - 2) ** 2, "bytes": 32,
        "bytes_why": "read u, v, write u, v", "footprint": lambda s: 4 * s[0] ** 2 * 8,
        "sizes": "2048:150:5", "quick": "256:200:50",  # 50 steps: under a tenth of the body at 1 thread since h55
    },
    "hdiff": {
        "title": "hdiff f64", "tyl": "hdiff.tyl",
        "exe": "hdiff", "ref": "ref_hdiff", "nosave": "--no-save", "outputs": ("out.npy",),
        "params": ("I", "J", "K"),
        "points": lambda s: s[0] * s[1] * s[2], "bytes": 32,
        "bytes_why": "read in, coeff, write out, in",
        "footprint": lambda s: 3 * (s[0] + 4) * (s[1] + 4) * s[2] * 8,
        "sizes": "256x256x160:40:2", "quick": "48x48x16:100:20",
    },
}
KERNEL_ORDER = tuple(KERNELS)


def parse_kernel_sizes(text):
    """SIZE:steps:numpy_steps[,...]; SIZE is N, or IxJxK for hdiff."""
    out = []
    for part in text.split(","):
        f = part.strip().split(":")
        if len(f) != 3:
            raise ValueError("size %r: expected SIZE:steps:numpy_steps" % part)
        size = tuple(int(x) for x in f[0].split("x"))
        steps, np_steps = int(f[1]), int(f[2])
        if min(size) < 3 or steps < 1 or np_steps < 1:
            raise ValueError("size %r: need sizes >= 3, steps >= 1, numpy_steps >= 1 (every "
                             "output is checked against NumPy)" % part)
        out.append((size, steps, np_steps))
    return out


# ---- installing the peers ---------------------------------------------------------------

def ensure_peers(peers_dir, names, log):
    """Install each peer once into peers_dir/NAME; return {name: (python or None, what)}:
    what is the version, or why the peer is skipped."""
    import numpy
    os.makedirs(peers_dir, exist_ok=True)
    cons = os.path.join(peers_dir, "constraints.txt")
    with open(cons, "w") as f:
        f.write("numpy==%s\n" % numpy.__version__)  # never another NumPy
    result = {}
    for name in names:
        venv = os.path.join(peers_dir, name)
        py = os.path.join(venv, "bin", "python")
        want = " ".join(PEER_PINS[name]) + " numpy==" + numpy.__version__
        stamp = os.path.join(venv, "tyles-installed.txt")
        failed = os.path.join(peers_dir, name + ".failed")
        if name in NEEDS_CC and not (shutil.which("gcc") and shutil.which("g++")):
            result[name] = (None, "needs gcc and g++ at run time (it compiles generated code)")
            continue
        if os.path.exists(failed):
            with open(failed) as f:
                head, _, why = f.read().partition("\n")
            if head == want:
                result[name] = (None, "install failed earlier (delete %s to retry): %s"
                                % (os.path.relpath(failed, rb.REPO), why.strip()))
                continue
        if not (os.path.exists(stamp) and open(stamp).read() == want):
            log("peers: installing %s into %s (once)" % (want, os.path.relpath(venv, rb.REPO)))
            shutil.rmtree(venv, ignore_errors=True)
            try:
                subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", venv],
                               check=True, capture_output=True, text=True)
                p = subprocess.run([py, "-m", "pip", "install", "--disable-pip-version-check",
                                    "-q", "-c", cons] + PEER_PINS[name],
                                   capture_output=True, text=True, timeout=PIP_TIMEOUT)
                ok, msg = p.returncode == 0, (p.stderr or p.stdout)
            except subprocess.TimeoutExpired:
                ok, msg = False, "pip timed out after %d s (no network?)" % PIP_TIMEOUT
            except (OSError, subprocess.CalledProcessError) as e:
                ok, msg = False, "cannot create the virtual environment: %s" % e
            if not ok:
                lines = [l.strip() for l in msg.splitlines() if l.strip()]
                errs = [l for l in lines if l.startswith("ERROR")] or lines[-1:]
                why = "pip install %s failed: %s" % (" ".join(PEER_PINS[name]),
                                                     errs[-1][:300] if errs else "?")
                with open(failed, "w") as f:
                    f.write(want + "\n" + why)
                result[name] = (None, why)
                continue
            with open(stamp, "w") as f:
                f.write(want)
        p = subprocess.run([py, os.path.join(rb.HERE, "peer_kernels.py"), "version"],
                           capture_output=True, text=True)
        line = next((l for l in p.stdout.splitlines() if l.split(" ")[0] == name), "")
        if not line or "unavailable" in line:
            result[name] = (None, "installed but cannot be imported: %s"
                            % (line.partition("unavailable: ")[2] or p.stderr.strip()[-200:]))
        else:
            result[name] = (py, line.split(" ", 1)[1])
    return result


def peer_env(name, threads, peers_dir):
    env = dict(os.environ)
    tmax = str(max(threads))
    env.update({"OMP_NUM_THREADS": tmax, "NUMBA_NUM_THREADS": tmax,
                "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
    env.pop("OMP_PROC_BIND", None)
    env.pop("OMP_PLACES", None)
    if name == "numba":
        env["NUMBA_CACHE_DIR"] = os.path.join(peers_dir, "numba-cache")
    elif name == "devito":
        env.update({"DEVITO_LANGUAGE": "openmp", "DEVITO_LOGGING": "ERROR",
                    "DEVITO_ARCH": "gcc"})
    elif name == "dace":
        env["DACE_default_build_folder"] = os.path.join(peers_dir, "dace-cache")
    return env


# ---- the suite ----------------------------------------------------------------------------

def max_rel(path_ref, path_b):
    """'bitwise', or the max relative difference max|a-b| / max|a| (a = NumPy's)."""
    import numpy as np
    eq, why = rb.same_bits(path_ref, path_b)
    if eq or why.startswith("missing") or why.startswith("dtype"):
        return eq, why
    a = np.load(path_ref).astype(np.float64)
    b = np.load(path_b).astype(np.float64)
    scale = float(np.max(np.abs(a))) or 1.0
    return None, "max rel diff %.2g" % (float(np.max(np.abs(a - b))) / scale)


def size_args(spec, size, steps):
    return ["--%s=%d" % (p, v) for p, v in zip(spec["params"], size)] + ["--steps=%d" % steps]


def numpy_loop_time(tyl, spec, size, steps, cwd):
    """NumPy's time for `steps` steps: body time at `steps` minus body time at 0 steps;
    None when the difference is under a tenth of the body (noise)."""
    times = []
    for s in (steps, 0):
        d = cwd if s else cwd + "-0"
        os.makedirs(d, exist_ok=True)
        assigns = ["%s=%d" % (p, v) for p, v in zip(spec["params"], size)] + ["steps=%d" % s]
        _, _, err = rb.run([sys.executable, "-c", rb.NUMPY_DRIVER, tyl] + assigns, cwd=d,
                           env=rb.numpy_env())
        m = rb.NUMPY_RE.search(err)
        if not m:
            raise rb.BenchError("NumPy driver printed no time: %r" % err)
        times.append(float(m.group(1)))
        if not s:
            shutil.rmtree(d, ignore_errors=True)
    return times[0] - times[1] if times[0] - times[1] >= 0.1 * times[0] else None


def ranks_launcher(launcher, ranks):
    """The launcher with `-np 1` made `-np RANKS`; None when it has no `-np 1` (e.g. '' for a
    singleton run), so the harness cannot start several ranks."""
    out, found = list(launcher), False
    for i in range(len(out) - 1):
        if out[i] in ("-np", "-n") and out[i + 1] == "1":
            out[i + 1], found = str(ranks), True
    return out if found else None


def tyles_run(cmd, cwd, threads, bind, extra_env):
    """Run a Tyles program with OMP_NUM_THREADS=threads and extra_env; its `tyles: time` and
    what it printed."""
    os.makedirs(cwd, exist_ok=True)
    env = rb.omp_env(threads, bind)
    env.update(extra_env)
    _, out, err = rb.run(cmd, cwd=cwd, env=env)
    m = rb.TIME_RE.search(out + "\n" + err)
    if not m:
        raise rb.BenchError("no `tyles: time` line from %s" % rb.sh(cmd))
    return float(m.group(1)), out + "\n" + err


def tyles_body(cmd, cwd, threads, bind, extra_env):
    """Run a Tyles program with OMP_NUM_THREADS=threads and extra_env; its `tyles: time`."""
    return tyles_run(cmd, cwd, threads, bind, extra_env)[0]


def tyles_loop(cmd, steps, base_steps, cwd, threads, bind, extra_env):
    """The time loop of a Tyles program at `steps` steps: (loop wall s, loop CPU s or None,
    body s, inside). cmd(s) is the command line at s steps. inside: the loop's time came from the
    run itself (--stats' loop lines, src/runtime_mpi/tyl_looptime.c: from the last rank in to the
    last rank out; its start-up, first touch and np.save are not in it). A program that prints
    none (no loop a checkpoint can resume) is run again at base_steps, and the loop is the
    difference of the bodies scaled to `steps` steps, as before 2026-12-06."""
    body, text = tyles_run(cmd(steps) + ["--time", "--stats"], cwd, threads, bind, extra_env)
    ls = rb.loop_stats(text)
    if ls:
        return ls[0], ls[1], body, True
    zero = tyles_body(cmd(base_steps) + ["--time"], cwd, threads, bind, extra_env)
    return max(body - zero, 1e-9) * steps / (steps - base_steps), None, body, False


# How the Tyles programs run: (name, extra environment, ranks, threads or None for each T).
# "tyles" is the program as compiled by default (time tiling chosen automatically); the
# step-by-step runs of the same executable (TYLES_TIME_TILE=off) are taken only for programs
# with a time-tiled loop; "tyles-2r" is 2 MPI ranks of 1 thread, against 1 rank of 2 threads.
TYLES_OFF_ENV = {"TYLES_TIME_TILE": "off"}


# The hand-written C codes: (code, label in the checks, kernel spec key)
HAND_CODES = (("ref", "hand C", "ref"), ("ref-tb", "hand C time-blocked", "ref_tb"))


def bench_peers(args, kernels, threads, gens, refs, copy_exe, launcher, rundir, peers,
                refs_tb=None):
    """Returns (Markdown text, number of failed checks).  gens: kernel -> (exe or None,
    label, error, C source, .tyl source); refs: kernel -> hand-written C or None;
    refs_tb: kernel -> hand-written time-blocked C or None;
    peers: name -> (python or None, version or reason)."""
    hand = {"ref": refs, "ref-tb": refs_tb or {}}
    peers_dir = os.path.join(rb.HERE, "build", "peers")
    rows, checks, failures, vec_cells = [], [], 0, {}
    peer_notes = {}
    rank_rows = []  # the "2 ranks x 1 thread vs 1 rank x 2 threads" table
    setup_notes = []  # the peers' set-up times (excluded from the figures)
    rss_notes = []  # Tyles' peak memory
    launcher2 = ranks_launcher(launcher, 2) if 2 in threads else None
    for key in kernels:
        spec = KERNELS[key]
        tyl = os.path.join(rb.HERE, spec["tyl"])
        gen_exe, _, gen_error, c_src, tyl_src = gens[key]
        if gen_exe:
            vec_cells[key] = vecreport.vector_report(gen_exe, c_src, tyl_src)["text"]
        else:
            vec_cells[key] = "—"
            checks.append("%s: **tylesc could not compile bench/%s**: %s"
                          % (spec["title"], spec["tyl"], (gen_error or "").strip()[-400:]))
            failures += 1
        tiled = "tyl_tt_go(" in c_src  # the program has a loop that may be time-tiled
        variants = [("tyles", {}, 1)] + ([("tyles-off", TYLES_OFF_ENV, 1)] if tiled else [])
        for (size, steps, np_steps) in args.kernel_sizes[key]:
            sz = "x".join(str(v) for v in size)
            what = "%s %s" % (key, sz)
            kdir = os.path.join(rundir, "peers", "%s-%s" % (key, sz))
            ndir = os.path.join(kdir, "numpy")
            log = rb.log
            log("peers %s: NumPy, %d steps" % (what, np_steps))
            np_s = numpy_loop_time(tyl, spec, size, np_steps, ndir)

            def check(label, d):
                nonlocal failures
                res = [max_rel(os.path.join(ndir, o), os.path.join(d, o))
                       for o in spec["outputs"]]
                if all(eq for eq, _ in res):
                    verdict = "bitwise equal"
                else:
                    verdict = "; ".join("%s %s" % (o, w) for o, (eq, w) in
                                        zip(spec["outputs"], res) if not eq)
                # compiled Tyles code and the hand C must be bitwise; peers may round
                # differently (fast-math, reassociation): reported, not failed
                hard = label.startswith("Tyles") or label.startswith("hand C")
                if any(eq is False for eq, _ in res) or (hard and not all(eq for eq, _ in res)):
                    failures += 1
                    verdict = "**%s**" % verdict
                checks.append("%s, %d steps: %s vs NumPy: %s" % (what, np_steps, label, verdict))
                return all(eq for eq, _ in res)

            # correctness runs at NumPy's number of steps (first thread count)
            cargs = size_args(spec, size, np_steps)
            ok2 = None
            if gen_exe:
                d = os.path.join(kdir, "check-tyles")
                # peak memory of the program itself (GNU time inside the launcher)
                tb = shutil.which("time", path="/usr/bin:/bin")
                os.makedirs(d, exist_ok=True)
                _, out, err = rb.run(launcher + ([tb, "-f", "tyles-maxrss %M"] if tb else [])
                                     + [gen_exe] + cargs, cwd=d,
                                     env=rb.omp_env(threads[0], args.omp_bind))
                m = rb.RSS_RE.findall(err)
                if m:
                    rss_notes.append("%s %s: %.0f MiB (arrays %.0f MiB)" % (
                        spec["title"], sz, int(m[-1]) / 1024.0,
                        spec["footprint"](size) / 2.0 ** 20))
                check("Tyles", d)
                if tiled:
                    d = os.path.join(kdir, "check-tyles-off")
                    tyles_body(launcher + [gen_exe] + cargs + ["--time"], d, threads[0],
                               args.omp_bind, TYLES_OFF_ENV)
                    check("Tyles TYLES_TIME_TILE=off", d)
                if launcher2:
                    d = os.path.join(kdir, "check-tyles-2r")
                    tyles_body(launcher2 + [gen_exe] + cargs + ["--time"], d, 1, args.omp_bind,
                               {})
                    ok2 = check("Tyles 2 ranks x 1 thread", d)
            for code, label, _ in HAND_CODES:
                if hand[code].get(key):
                    d = os.path.join(kdir, "check-" + code)
                    rb.run_program([hand[code][key]] + cargs, d, threads[0], args.omp_bind)
                    check(label, d)
            copies = {t: [rb.measure_copy(copy_exe, max(spec["footprint"](size) // 16, 1024), t,
                                          args.omp_bind)] for t in threads}
            best = {}  # (code, t) -> seconds for `steps` steps
            differenced = set()  # Tyles runs whose loop is a difference of two bodies

            def keep(code, t, s):
                best[(code, t)] = s if (code, t) not in best else min(best[(code, t)], s)

            # Tyles' loop: from inside the run (--stats); for a program that does not report
            # it, body at S steps minus body at 1 or 2 steps (same parity, so the
            # same buffer is saved): not at 0 steps, where no sweep runs, the pages are not
            # touched and OpenMP's threads are never started, which makes the bodies differ
            # by more than the loop (measured: 0-step bodies slower at 2 threads than 1)
            base_steps = 2 - steps % 2
            if steps <= base_steps:
                raise rb.BenchError("peers %s: need more than %d steps" % (what, base_steps))
            codes = (["tyles"] if gen_exe else []) \
                + [c for c, _, _ in HAND_CODES if hand[c].get(key)] \
                + [p for p in PEER_ORDER if p in peers and peers[p][0]]
            rounds = 1 if args.quick else args.peer_reps
            first_peer_run = {p: True for p in PEER_ORDER}
            for r in range(rounds):
                order = codes[r % len(codes):] + codes[:r % len(codes)] if codes else []
                order = list(order)
                for code in order:
                    tl = threads if r % 2 == 0 else threads[::-1]
                    if code == "tyles":
                        runs = [(v, env, launcher, t) for t in tl for (v, env, _) in variants]
                        for (v, env, lch, t) in runs:
                            log("peers %s: %s T=%d round %d/%d" % (what, v, t, r + 1, rounds))
                            d = os.path.join(kdir, v)
                            loop, _, body, inside = tyles_loop(
                                lambda s_: lch + [gen_exe] + size_args(spec, size, s_),
                                steps, base_steps, d, t, args.omp_bind, env)
                            keep(v, t, loop)
                            keep(v + "-body", t, body)
                            if not inside:
                                differenced.add((v, t))
                    elif code in hand:
                        label = dict((c, l) for c, l, _ in HAND_CODES)[code]
                        for t in tl:
                            log("peers %s: %s T=%d round %d/%d" % (what, label, t, r + 1,
                                                                     rounds))
                            _, _, loop = rb.run_program(
                                [hand[code][key]] + size_args(spec, size, steps)
                                + ["--time", spec["nosave"]],
                                os.path.join(kdir, code), t, args.omp_bind)
                            if loop is not None:
                                keep(code, t, loop)
                    else:
                        py = peers[code][0]
                        log("peers %s: %s round %d/%d" % (what, code, r + 1, rounds))
                        d = os.path.join(kdir, code)
                        cmd = [py, os.path.join(rb.HERE, "peer_kernels.py"), code, key,
                               "--size=%s" % ",".join(str(v) for v in size),
                               "--steps=%d" % steps, "--threads=%s" % ",".join(
                                   str(t) for t in tl), "--dir=%s" % d]
                        if first_peer_run[code]:
                            cmd.append("--check-steps=%d" % np_steps)
                        os.makedirs(d, exist_ok=True)
                        try:
                            p = subprocess.run(cmd, cwd=d, env=peer_env(code, threads, peers_dir),
                                               capture_output=True, text=True,
                                               timeout=rb.RUN_TIMEOUT)
                        except subprocess.TimeoutExpired:
                            peer_notes.setdefault((key, code), "timed out after %d s"
                                                  % rb.RUN_TIMEOUT)
                            continue
                        if p.returncode == PEER_NOT_WRITTEN:
                            peer_notes[(key, code)] = p.stdout.strip().replace("peer: ", "")
                            codes.remove(code)  # nothing to time in later rounds
                            continue
                        if p.returncode != 0:
                            err = [l for l in (p.stderr or p.stdout).splitlines() if l.strip()]
                            peer_notes.setdefault((key, code), "failed: %s"
                                                  % (err[-1][-300:] if err else "exit %d"
                                                     % p.returncode))
                            continue
                        for t, s in PEER_TIME_RE.findall(p.stdout):
                            keep(code, int(t), float(s))
                        m = PEER_SETUP_RE.search(p.stdout)
                        if m:
                            keep(code + "-setup", 0, float(m.group(1)))
                        if first_peer_run[code]:
                            first_peer_run[code] = False
                            check(code, d)
                # the copy in each round too: its 1-thread figure moves by a third between
                # processes (16-22 GB/s within a minute at load 2, bench/RESULTS.md h70), so
                # the roofline is the best of as many processes as the codes get rounds
                if r < rounds - 1:
                    for t in threads:
                        copies[t].append(rb.measure_copy(copy_exe, max(spec["footprint"](size) // 16,
                                                                       1024), t, args.omp_bind))
            for t in threads:
                copies[t].append(rb.measure_copy(copy_exe, max(spec["footprint"](size) // 16,
                                                               1024), t, args.omp_bind))
            pts = spec["points"](size) * steps
            shaky = set()
            for v in [x for x, _, _ in variants]:
                for t in threads:
                    # a loop taken as the difference of two bodies that is under a tenth of
                    # the body is noise: marked
                    loop, body = best.get((v, t)), best.get((v + "-body", t))
                    if (v, t) in differenced and loop is not None and loop < 0.1 * body:
                        shaky.add((v, t))

            def rate(code, t):
                s = best.get((code, t))
                return pts / s / 1e9 if s else None

            for t in threads:
                roof = max(copies[t]) / spec["bytes"]
                g = rate("tyles", t) if ("tyles", t) not in shaky else None
                g_off = rate("tyles-off", t) if ("tyles-off", t) not in shaky else None
                peer_rates = {p: rate(p, t) for p in PEER_ORDER}
                bp = max((v, p) for p, v in peer_rates.items() if v) \
                    if any(peer_rates.values()) else None
                rows.append({
                    "kernel": spec["title"], "size": sz, "steps": steps, "t": t,
                    "roof": roof, "tyles": g, "ref": rate("ref", t),
                    "ref_tb": rate("ref-tb", t) if hand["ref-tb"].get(key) else None,
                    "off": g_off if tiled else "same", "shaky_off": ("tyles-off", t) in shaky,
                    "numpy": spec["points"](size) * np_steps / np_s / 1e9
                    if (t == 1 and np_s) else None, "shaky": ("tyles", t) in shaky,
                    "peers": peer_rates,
                    "best": (bp[1], bp[0] / g) if (bp and g) else None,
                    "g_roof": g / roof if g else None, "vec": vec_cells[key],
                })
            setups = ["%s %.1f" % (p, best[(p + "-setup", 0)]) for p in PEER_ORDER
                      if (p + "-setup", 0) in best]
            if setups:
                setup_notes.append("%s %s: %s" % (spec["title"], sz, ", ".join(setups)))
            if launcher2 and gen_exe:
                rank_reps = 1 if args.quick else args.rank_reps
                log("peers %s: 1 rank x 2 threads against 2 ranks x 1 thread, %d rounds"
                    % (what, rank_reps))
                pairs = rank_rounds(lambda s_: [gen_exe] + size_args(spec, size, s_),
                                    steps, base_steps, kdir, rank_reps, args.omp_bind,
                                    launcher, launcher2)
                row = ranks_row(pairs, pts)
                row.update({"kernel": spec["title"], "size": sz, "steps": steps, "bitwise": ok2,
                            "t1": rate("tyles", 1) if ("tyles", 1) not in shaky else None,
                            "t1_noise": ("tyles", 1) in shaky})
                rank_rows.append(row)
            if not args.keep:
                shutil.rmtree(kdir, ignore_errors=True)

    def cell(x):
        return rb.fmt(x) if x is not None else "—"

    def off_cell(r):
        if r["off"] == "same":
            return "(not tiled)"
        return "noise †" if r["shaky_off"] else cell(r["off"])

    def off_roof(r):
        return "—" if r["off"] in ("same", None) or r["shaky_off"] else rb.fmt(r["off"] / r["roof"])

    head = ("| kernel | size | steps | T | roofline GSt/s | Tyles | Tyles step by step | hand C "
            "| hand C time-blocked | NumPy (1T) | " + " | ".join(PEER_ORDER) + " | best peer / Tyles | Tyles / roofline "
            "| step by step / roofline | Tyles hot loops (assembly) |")
    table = [head, "|---|---|---:|---:|" + "---:|" * (9 + len(PEER_ORDER)) + "---|"]
    for r in rows:
        table.append("| %s | %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s "
                     "| %s |" % (
            r["kernel"], r["size"], r["steps"], r["t"], cell(r["roof"]),
            "noise †" if r["shaky"] else cell(r["tyles"]), off_cell(r),
            cell(r["ref"]), cell(r["ref_tb"]), cell(r["numpy"]),
            " | ".join(cell(r["peers"][p]) for p in PEER_ORDER),
            "%s (%s)" % (rb.fmt(r["best"][1]), r["best"][0]) if r["best"] else "—",
            cell(r["g_roof"]), off_roof(r), r["vec"]))
    notes = [
        "All figures GStencil/s (interior points updated per second, 1e9), T = threads "
        "(OMP_NUM_THREADS for Tyles and the hand C; in the peers' processes "
        "numba.set_num_threads, Devito's Operator argument nthreads, omp_set_num_threads "
        "for pystencils and DaCe). Best of %d round(s); in each round every code runs once "
        "(a fresh process), the order of the codes rotating and the thread counts alternating."
        % (1 if args.quick else args.peer_reps),
        "Tyles: the program as tylesc compiles it by default (temporal blocking chosen "
        "automatically: K = 8 steps per pass when the arrays do not fit in the cache); Tyles "
        "step by step: the same executable with TYLES_TIME_TILE=off, one sweep per step (the "
        "streaming roofline bounds it); (not tiled): the program has no time-tiled loop.",
        "Time loop only, for every code: Tyles = the time loop timed inside the run (`--stats`' "
        "`loop 0` line, src/runtime_mpi/tyl_looptime.c; allocation, initialisation, thread "
        "start-up and np.save are outside it; before 2026-12-06: `tyles: time` at S steps minus "
        "at 2 steps); hand C (bench/ref_*.c, step by step; hdiff's fuses its stages per plane) "
        "and hand C time-blocked (bench/ref_jacobi2d_tb.c: K = 8 steps per pass, "
        "parallelogram tiles of rows in a trapezoid per thread, then the triangles between "
        "the threads' slabs) = their own loop-only "
        "figure; NumPy = the .tyl under NumPy at numpy_steps minus at 0 steps, 1 thread; "
        "peers = perf_counter around their S steps, after a 3-step warm-up run in the same "
        "process: **JIT / code generation / compilation time is excluded**. noise †: the "
        "Tyles loop was under a tenth of the program body, so the difference is noise and "
        "no figure is given (use more steps; only for a program that does not report its loop, "
        "whose loop is then the difference of the bodies at S and 2 steps); a NumPy figure is "
        "left out (—) likewise.",
        "roofline = copy GB/s (bench/copybw, same run, arrays of the kernel's footprint, "
        "before, between rounds and after, best) / bytes per point: " + "; ".join(
            "%s %d B (%s)" % (KERNELS[k]["title"], KERNELS[k]["bytes"], KERNELS[k]["bytes_why"])
            for k in kernels) + ".",
        "best peer / Tyles > 1: that peer is faster than Tyles. Tyles hot loops: width of "
        "the packed floating-point arithmetic in the main loop of each sweep inside the time "
        "loop, read from the executable's assembly (bench/vecreport.py).",
        "peers: " + ("none selected (--peers=)" if not peers else "") + "; ".join("%s %s" % (p, peers[p][1] if peers[p][0] else
                                          "**skipped**: " + peers[p][1])
                              for p in PEER_ORDER if p in peers),
    ]
    for (key, code), why in sorted(peer_notes.items()):
        notes.append("%s, %s: %s" % (KERNELS[key]["title"], code, why))
    if rss_notes:
        notes.append("Tyles peak RSS (GNU time around the program in its check run, T=%d; "
                     "about 14 MiB of it is MPI and the run-time library) against the arrays "
                     "the kernel needs (the roofline's footprint: hdiff in, coeff and out, "
                     "Burgers u, v, un, vn, Jacobi u, un): %s"
                     % (threads[0], "; ".join(rss_notes)))
    if setup_notes:
        notes.append("peers' set-up in s (import, JIT / code generation / C compilation and the "
                     "3 warm-up steps, least over the rounds; not in the figures): "
                     + "; ".join(setup_notes))
    notes.append("checks against NumPy (Tyles and both hand C codes must be bitwise equal; a peer's "
                 "differences are reported, bold only when an output is missing or of the "
                 "wrong shape):")
    text = ("### Peers: Tyles vs hand C, NumPy, Numba, Devito, pystencils, DaCe\n\n"
            + "\n".join(table) + "\n\n" + "\n".join("- " + s for s in notes) + "\n"
            + "\n".join("  - " + s for s in checks) + "\n")
    text += "\n" + ranks_table(rank_rows, launcher, launcher2, threads)
    return text, failures


def rank_rounds(cmd, steps, base_steps, kdir, reps, bind, launcher, launcher2):
    """The issue's comparison (issue 14, item 5): per round, the time loop of 1 rank x 2 threads
    and of 2 ranks x 1 thread, run back to back (the order alternating), each from inside the
    run (tyles_loop). A list of {"one": (loop s, body s, loop CPU s or None), "two": ...}."""
    out = []
    for r in range(reps):
        order = (("one", launcher, 2), ("two", launcher2, 1))
        pair = {}
        for name, lch, t in order[::-1] if r % 2 else order:
            d = os.path.join(kdir, "ranks-" + name)
            loop, cpu, body, _ = tyles_loop(lambda s_: lch + cmd(s_), steps, base_steps, d, t,
                                            bind, {})
            pair[name] = (loop, body, cpu)
        out.append(pair)
    return out


def median(v):
    v = sorted(v)
    return (v[(len(v) - 1) // 2] + v[len(v) // 2]) / 2


def ranks_row(pairs, pts):
    """GStencil/s of each (median of the rounds) and the ratio of the two runs of one round,
    2 ranks over 2 threads in speed: median, least and most. A round whose loop was under a
    tenth of its body in either run is noise and left out (all of them: noise).
    (`python3 -m doctest bench/bench_peers.py` runs these.)

    Each run is (loop s, body s) or (loop s, body s, loop CPU s or None); "cpu" is the median
    over the rounds of the CPU time of the 2 ranks' loop over the 2 threads' (above 1: the ranks
    spend more core-seconds), None unless every counted round has both.

    >>> r = ranks_row([{"one": (1.0, 2.0), "two": (0.8, 1.8)},   # 2 ranks 1.25x
    ...                {"one": (3.0, 4.0), "two": (3.0, 4.1)},   # a slow round: 1.0x
    ...                {"one": (1.0, 2.0), "two": (2.0, 3.0)},   # 0.5x
    ...                {"one": (0.1, 2.0), "two": (1.0, 2.0)}],  # noise: not counted
    ...               1e9)
    >>> r["ratio"], r["range"], r["rounds"], r["of"], r["one"], r["two"], r["cpu"]
    (1.0, (0.5, 1.25), 3, 4, 1.0, 0.5, None)
    >>> ranks_row([{"one": (1.0, 1.2, 2.0), "two": (1.0, 1.3, 2.2)},
    ...            {"one": (1.0, 1.2, 2.0), "two": (1.1, 1.3, 2.4)}], 1e9)["cpu"]
    1.15
    """
    good = [p for p in pairs if all(p[k][0] >= 0.1 * p[k][1] and p[k][0] > 0 for k in p)]
    if not good:
        return {"one": None, "two": None, "ratio": None, "range": None, "rounds": 0,
                "of": len(pairs), "cpu": None}
    ratios = sorted(p["one"][0] / p["two"][0] for p in good)
    cpus = [p["two"][2] / p["one"][2] for p in good
            if len(p["one"]) > 2 and len(p["two"]) > 2 and p["one"][2] and p["two"][2]]
    return {"one": pts / median([p["one"][0] for p in good]) / 1e9,
            "two": pts / median([p["two"][0] for p in good]) / 1e9,
            "ratio": median(ratios), "range": (ratios[0], ratios[-1]), "rounds": len(good),
            "of": len(pairs), "cpu": round(median(cpus), 9) if len(cpus) == len(good) else None}


def ranks_table(rows, launcher, launcher2, threads):
    """The "2 ranks x 1 thread vs 1 rank x 2 threads" table (issue 14: within 10%)."""
    title = "### Tyles: 2 ranks x 1 thread vs 1 rank x 2 threads\n\n"
    if 2 not in threads:
        return title + "- not measured: --threads does not include 2.\n"
    if not launcher2:
        return title + ("- not measured: the launcher `%s` has no `-np 1` to make `-np 2`.\n"
                        % " ".join(launcher))
    table = ["| kernel | size | steps | 1 rank x 1 thread | 1 rank x 2 threads "
             "| 2 ranks x 1 thread | 2 ranks / 2 threads [least, most] | rounds | within 10% "
             "| loop CPU, 2 ranks / 2 threads | bitwise vs NumPy (2 ranks) |",
             "|---|---|---:|---:|---:|---:|---|---:|:---:|---:|:---:|"]
    for r in rows:
        within = "—" if r["ratio"] is None else ("yes" if abs(r["ratio"] - 1) <= 0.10 else "**no**")
        ratio = "noise †" if r["ratio"] is None else "%s [%s, %s]" % (
            rb.fmt(r["ratio"]), rb.fmt(r["range"][0]), rb.fmt(r["range"][1]))
        table.append("| %s | %s | %d | %s | %s | %s | %s | %d of %d | %s | %s | %s |" % (
            r["kernel"], r["size"], r["steps"], "noise †" if r["t1_noise"] else rb.fmt(r["t1"]),
            rb.fmt(r["one"]), rb.fmt(r["two"]), ratio, r["rounds"], r["of"], within,
            "—" if r.get("cpu") is None else rb.fmt(r["cpu"]),
            "—" if r["bitwise"] is None else ("yes" if r["bitwise"] else "**NO**")))
    notes = [
        "GStencil/s of the time loop, timed inside the run (`--stats`' `loop 0` line, "
        "src/runtime_mpi/tyl_looptime.c: from the moment the last rank entered the loop to the "
        "moment the last rank left it, so start-up, first touch and np.save are not in it; "
        "before 2026-12-06 the body at S steps minus the body at 2 steps, whose start-up varied "
        "by as much as the loop), "
        "the Tyles executable as compiled by default, in rounds of their own after the peers' "
        "rounds: in each round 1 rank x 2 threads (`OMP_NUM_THREADS=2 %s`) and 2 ranks x 1 "
        "thread (`OMP_NUM_THREADS=1 %s`, the block distribution and halo exchanges of the "
        "program) run back to back, the order alternating; each column is the median of the "
        "rounds, the ratio is taken within each round (the two runs side by side, so a drift "
        "of the machine's load cancels) and given as the median [least, most] of the rounds. "
        "Loop CPU: the CPU time of the loop summed over the ranks' processes (all threads; "
        "OpenMP's spinning at barriers and MPI's polling count), 2 ranks over 2 threads per "
        "round, the median (above 1: the ranks spend more core-seconds on the same loop). "
        "1 rank x 1 thread: from the table above."
        % (" ".join(launcher), " ".join(launcher2)),
        "2 ranks / 2 threads > 1: the two ranks are faster. Issue 14 asks for the two to be "
        "within 10% (by the median). noise †: (a program that does not report its loop, timed "
        "as the difference of two bodies) the loop was under a tenth of the program body "
        "(more steps); such rounds are not counted.",
    ]
    return title + "\n".join(table) + "\n\n" + "\n".join("- " + s for s in notes) + "\n"
