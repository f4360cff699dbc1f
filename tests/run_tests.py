#!/usr/bin/env python3
"""End-to-end test runner for tylesc.

Every test program is checked against NumPy itself: the .tyl file is run
under python3 (the reference), compiled with tylesc, run under mpirun, and
the two runs must print the same stdout and write the same .npy files,
bitwise identical (or within a relative tolerance when the program says
`# tolerance: 1e-12` in its header).

Test kinds
  samples/*.tyl, tests/programs/*.tyl   reference vs compiled   (programs/NAME)
  tests/programs_later/*.tyl            same, only with --later (later/NAME)
  tests/errors/NAME.tyl                 compile must fail: exit 1, stderr == NAME.err
  tests/runtime_errors/NAME.tyl         compiled ./prog $(cat NAME.args) must
                                        exit with NAME.status (default 1) and
                                        stderr == NAME.err (NAME.env: NAME=VALUE
                                        lines added to its environment); with
                                        '# ranks: 3' also under mpirun -q -np 3
                                        (the message once, whichever ranks raise
                                        it), with '# rank-args: 12 | 12 | 12x'
                                        also one rank per '|', each its own args
  single_rank/<sample>                  (--expect-single-rank, default off: a check from before distribution existed) the
                                        compiled sample run with -np 2 must exit
                                        non-zero with a message on stderr

Header comments recognised in a program's leading comment block:
  # args: --N=17 --steps=3     run-time arguments of the compiled program; the
                               reference run substitutes them textually into
                               the module-level `NAME = literal` lines
  # argv: 48 0.25              positional arguments, given to both runs (sys.argv[1:])
  # tolerance: 1e-12           float arrays and floats in stdout compare with
                               this relative tolerance instead of bitwise
  # tolerance: 1e-12 of the largest
                               arrays compare within 1e-12 of the largest magnitude
                               of each NumPy array (an FFT's rounding: an element
                               that is 0 in exact arithmetic is a few 1e-16 of the
                               largest, not of itself); stdout as above
  # tylesc-flags: --time-tile=4
                               compiler options for this program, after
                               --tylesc-flags (programs and error tests)

Rank counts by process grid (--np-by-grid, what `make check-programs` uses): make check must
end within 15 minutes on 2 cores and the runs at 2-4 ranks were a third of its longest suite (MPI
start-up, in proportion to the number of programs), so every program runs at 1 rank and at one
count above it, chosen by the dimension G of the program's process grid (the compiler's
tyl_rt_set_grid(G) call in the generated C) and, among the counts that show something the others
do not, by the name's CRC-32 (a fixed choice: the same program at the same count every time; the
programs together cover each count):
  G = 0   nothing is distributed: every rank runs the same replicated code and rank 0 alone
          prints and writes, so 1 rank and one count above 1 (2, the cheapest) show all of it;
          the count above 1 runs for one program in two
  G = 1   3 for one program in two: an interior rank and uneven blocks; 2 for one in four, the
          only count with two ranks along the axis, where a rank's two neighbours are the same
          rank (periodic halos); 4 for one in four (the smallest blocks)
  G >= 2  4 for one program in two: a 2x2(x1...) grid, two ranks along each of two axes (each
          rank its own neighbour's neighbour, periodic halos to the same rank, corner halos); 3
          (3x1: an interior rank, uneven blocks, the other axes whole) and 2 (2x1, those cases
          along one axis) for one in four each
Until 2026-12-07 (h135) a distributed program ran at two or three counts above 1 (1-3, or 1, 3
and 4); `make check-full` (NP_ALL=1) still runs every program at every count of --np.
One rank runs as `./prog` does, without mpirun (an MPI singleton); the other counts under mpirun.
A grid the C does not show runs at every count of --np.

C optimisation (--fast-opt=-O0, what `make check-programs` uses): gcc -O3 -march=native was
three fifths of the suite's CPU. The samples and one program in eight (--full-opt-every, by the
name's CRC-32, independent of the rank counts' choice) are compiled with CFLAGS as they are (the
product's -O3 -march=native), the other programs at the given level: tylesc always compiles with
-ffp-contract=off, so the results must be the same bits at any level, and the generated C gets
the same -Wall -Wextra -Werror (the warnings only gcc's optimisers see are checked on the -O3
eighth and the samples; clang's front end sees every program in make check-warnings). One in
four until 2026-12-07 (h149): the -O3 programs were still three fifths of the compile CPU; the
eighth is a subset of the quarter (the CRC's bits 8-10 against 8-9). --fast-cc names the C
compiler of the compiles at --fast-opt's and --error-opt's level (make check-programs: gcc
reading tyles.h from a precompiled header, tests/pch_cc.sh); the -O3 ones keep the product's
command. `make check-full` (OPT_ALL=1) compiles every program with CFLAGS.

Run-time variants (--variant 'VAR=VALUE ...', repeatable): each compiled program runs once more
per variant with those variables set; with --variants-only, under the variants alone (its plain
runs being another suite's), so that a script checking run-time settings compiles each program
and runs its NumPy reference once for all of them (tests/dist/timetile_sync.sh: 24 against 37
CPU-s, 2026-12-06). A variant's k=PATTERN limits it to the programs whose names match (as -k):
make check-programs runs the time-tiled programs' thread-sharing variants beside their plain
runs, on the same build and NumPy reference, where check-dist compiled and ran them again.

CUDA programs compiled in batches (--compile-only --batch=N, what `make check-cuda` uses): nvcc
spends most of a small program's time on the CUDA headers, the same for every program. Each
program is still generated by its own tylesc run, which also tells the nvcc command it would run
(NVCC=printf); then up to N programs with the same command are compiled and linked as one
translation unit, each inside a namespace of its own (its static kernels and its main() apart
from the others'), with that command. A batch that fails is compiled again one program at a
time, so the failure is reported against its program with nvcc's messages. The samples are
built as without --batch (tylesc runs nvcc itself).

Input files: if a folder PROG.data/ sits next to PROG.tyl, its contents are
copied into the working folder of both runs.

Transcendental functions: the compiled code calls libm. Where NumPy dispatches its own
AVX-512 SIMD exp/log/sin/cos/tan (and an AVX2 tanh), which round some results differently, a
program that is not bitwise equal to plain NumPy is run once more under NumPy restricted to libm
(NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4 AVX512_ICL AVX512_SPR"); if that matches, the test passes
and its PASS line says which reference it matched.

Output: one line per test (`PASS name` or `FAIL name: reason`, details
indented below), then exactly `N passed, N failed`. Exit status 1 if any
test failed.
"""

import argparse
import ast
import atexit
import concurrent.futures
import fnmatch
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zlib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STUBS = os.path.join(ROOT, "tests", "stubs")  # plotting stand-ins for the reference runs (README there)

MAX_DETAIL_LINES = 40


class TestFailure(Exception):
    """A test failed; args[0] is the one-line reason, args[1] optional detail."""

    def __init__(self, reason, detail=""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


# --------------------------------------------------------------------------
# helpers


def rel(path):
    return os.path.relpath(path, ROOT)


def clip_text(text, max_lines=MAX_DETAIL_LINES):
    lines = text.rstrip("\n").splitlines()
    if len(lines) > max_lines:
        keep = max_lines // 2
        lines = lines[:keep] + ["... (%d lines omitted) ..." % (len(lines) - 2 * keep)] + lines[-keep:]
    return "\n".join(lines)


PHASES = None  # --times: [(test, what, wall s, CPU s of the command's processes)]
_current = threading.local()  # the test a thread runs, for PHASES


def run_cmd(argv, cwd, timeout, env=None, executable=None, what="command"):
    try:
        if PHASES is None:
            return subprocess.run(argv, cwd=cwd, env=env, executable=executable,
                                  stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=timeout)
        t0 = time.monotonic()
        r, cpu = run_rusage(argv, cwd, timeout, env, executable)
        PHASES.append((getattr(_current, "name", "?"), re.sub(r" \((?!np=\d+\)).*", "", what),
                       time.monotonic() - t0, cpu))
        return r
    except subprocess.TimeoutExpired:
        raise TestFailure("%s timed out after %gs" % (what, timeout),
                          "command: " + " ".join(shlex.quote(a) for a in argv))
    except OSError as e:
        raise TestFailure("%s could not be started: %s" % (what, e),
                          "command: " + " ".join(shlex.quote(a) for a in argv))


def run_rusage(argv, cwd, timeout, env, executable):
    """subprocess.run's CompletedProcess (output captured) and the CPU seconds of the command
    and the descendants it waited for: wait4 on its process, exact whatever else the runner's
    threads run at the time (RUSAGE_CHILDREN would count every command ended meanwhile)."""
    p = subprocess.Popen(argv, cwd=cwd, env=env, executable=executable, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    bufs = [b"", b""]

    def drain(i, f):
        bufs[i] = f.read()
        f.close()
    readers = [threading.Thread(target=drain, args=(i, f)) for i, f in enumerate((p.stdout, p.stderr))]
    for t in readers:
        t.start()
    late = threading.Event()

    def kill():
        late.set()
        p.kill()
    timer = threading.Timer(timeout, kill)
    timer.start()
    _pid, status, ru = os.wait4(p.pid, 0)
    timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join()
    if late.is_set():
        raise subprocess.TimeoutExpired(argv, timeout)
    return subprocess.CompletedProcess(argv, p.returncode, bufs[0], bufs[1]), ru.ru_utime + ru.ru_stime


def phase_kind(what):
    """The column of the --times summary a command's `what` counts in."""
    if what == "tylesc":
        return "tylesc+cc"  # the C compiler's time is most of it: tylesc waits for it
    if what.startswith("python"):
        return "numpy"
    if what.startswith("compiled run"):
        if what == "compiled run":  # a run-time error test's, at 1 rank or under mpirun
            return "other"
        return "run np=1" if what == "compiled run (np=1)" else "runs np>1"
    return "other"


def times_summary(phases, top=30):
    """--times: the CPU seconds by kind of command, then the `top` tests by CPU, each split the
    same way: where a suite's CPU goes, so that cuts are chosen by measurement."""
    kinds = ["tylesc+cc", "numpy", "run np=1", "runs np>1", "other"]
    total = dict.fromkeys(kinds, 0.0)
    count = dict.fromkeys(kinds, 0)
    per = {}
    for test, what, _wall, cpu in phases:
        k = phase_kind(what)
        total[k] += cpu
        count[k] += 1
        per.setdefault(test, dict.fromkeys(kinds, 0.0))[k] += cpu
    lines = ["CPU seconds by command (--times): %.0f in all; %s" % (
        sum(total.values()), ", ".join("%s %.0f (%d)" % (k, total[k], count[k]) for k in kinds if count[k]))]
    worst = sorted(per.items(), key=lambda kv: -sum(kv[1].values()))[:top]
    lines.append("the %d tests of most CPU (s): total = %s" % (len(worst), " + ".join(kinds[:4])))
    for test, cpu in worst:
        lines.append("  %6.2f = %s  %s" % (sum(cpu.values()), " + ".join("%5.2f" % cpu[k] for k in kinds[:4]), test))
    return "\n".join(lines)


def decode(b):
    return b.decode("utf-8", errors="replace")


def read_header(path):
    """Return dict of header directives from the leading comment block."""
    directives = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            s = line.strip()
            if not s:
                continue
            if not s.startswith("#"):
                break
            m = re.match(r"#\s*(args|argv|tolerance|gpu-tolerance|tylesc-flags|ranks|rank-args)\s*:\s*(.*?)\s*$", s)
            if m:
                directives[m.group(1)] = m.group(2)
    return directives


def parse_args_directive(text):
    """'--N=17 --nu=0.5' -> [('N', '17'), ('nu', '0.5')]"""
    out = []
    for tok in shlex.split(text):
        m = re.fullmatch(r"--([A-Za-z_][A-Za-z0-9_]*)=(.*)", tok)
        if not m:
            raise TestFailure("bad '# args:' token %r (expected --NAME=VALUE)" % tok)
        out.append((m.group(1), m.group(2)))
    return out


GRID_CALL = re.compile(rb"tyl_rt_set_grid\((\d+)\)")


def counts_for_grid(name, grid, nps):
    """The rank counts of nps a program whose process grid has `grid` dimensions runs at
    (--np-by-grid; the reasons are in the module's docstring)."""
    if grid is None:
        return list(nps)
    crc = zlib.crc32(name.encode())
    if grid == 1:
        if not {2, 3, 4} <= set(nps):
            return list(nps)
        # 1 and one count above: 3 for one program in two, 2 and 4 for one in four each
        return [n for n in nps if n == 1 or n == (4, 2, 3, 3)[(crc >> 2) % 4]]
    if grid == 0:
        keep = [n for n in nps if n <= 1]
        more = [n for n in nps if n > 1]
        if keep and (crc >> 4) % 2:  # one in two: the replicated code is the same at any count
            return keep
        return keep + more[:1]
    if not {2, 3, 4} <= set(nps):
        return list(nps)
    # 1 and one count above: 4 (2x2) for one program in two, 3 (3x1) and 2 (2x1) for one in four each
    return [n for n in nps if n == 1 or n == (2, 3, 4, 4)[crc % 4]]


def program_sampled(name, every):
    """--sample-every: whether a test program is among the one in `every` kept (by the name's
    CRC-32, bits 12 up: independent of the rank counts' and --fast-opt's bits; with `every` a
    power of 2, the one in 4 is a subset of the one in 2)."""
    return (zlib.crc32(name.encode()) >> 12) % every == 0


# --fast-opt's share at CFLAGS' level: one program in 8 (one in 4 until 2026-12-07, h149)
FULL_OPT_EVERY = 8


def program_opt_level(name, fast_opt, every):
    """--fast-opt: the -O level a program's C is compiled at, None for CFLAGS' own (the
    product's -O3 -march=native). The samples and one program in `every` keep CFLAGS' level (a
    fixed choice by the name's CRC-32, bits 8 up: independent of the rank counts' bits); the
    rest are compiled at fast_opt (the reasons are in the module's docstring)."""
    if not fast_opt or name.startswith("samples/"):
        return None
    return None if (zlib.crc32(name.encode()) >> 8) % every == 0 else fast_opt


def program_grid(c_file):
    """G of the tyl_rt_set_grid(G) call in a generated C file, None if there is none."""
    try:
        with open(c_file, "rb") as f:
            m = GRID_CALL.search(f.read())
    except OSError:
        return None
    return int(m.group(1)) if m else None


def convert_like(original, text, name):
    """Convert the override text to the Python type of the original literal."""
    try:
        if isinstance(original, bool):
            if text in ("True", "true", "1"):
                return True
            if text in ("False", "false", "0"):
                return False
            raise ValueError(text)
        if isinstance(original, int):
            return int(text, 10)
        if isinstance(original, float):
            return float(text)
    except ValueError:
        raise TestFailure("'# args:' value %r does not fit parameter %s of type %s"
                          % (text, name, type(original).__name__))
    raise TestFailure("parameter %s has unsupported literal type %s"
                      % (name, type(original).__name__))


def substitute_params(source, overrides):
    """Textually override module-level `NAME = literal` (or `A, B = lit, lit`)
    lines at column 0. Returns the new source."""
    lines = source.splitlines(keepends=True)
    remaining = dict(overrides)
    for idx, line in enumerate(lines):
        if not remaining or not line or line[0] in " \t#":
            continue
        code, _, _comment = line.partition("#")
        if "=" not in code:
            continue
        try:
            tree = ast.parse(code.strip())
        except SyntaxError:
            continue
        if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assign):
            continue
        node = tree.body[0]
        if len(node.targets) != 1:
            continue
        target = node.targets[0]
        if isinstance(target, ast.Name):
            names, values = [target.id], [node.value]
        elif (isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
              and all(isinstance(e, ast.Name) for e in target.elts)
              and len(target.elts) == len(node.value.elts)):
            names = [e.id for e in target.elts]
            values = list(node.value.elts)
        else:
            continue
        if not any(n in remaining for n in names):
            continue
        try:
            literals = [ast.literal_eval(v) for v in values]
        except ValueError:
            continue  # not a literal: a derived scalar, not a parameter
        new_vals = []
        for n, lit in zip(names, literals):
            if n in remaining:
                lit = convert_like(lit, remaining.pop(n), n)
            new_vals.append(repr(lit))
        newline = "\n" if line.endswith("\n") else ""
        lines[idx] = "%s = %s%s" % (", ".join(names), ", ".join(new_vals), newline)
    if remaining:
        raise TestFailure("'# args:' names parameter(s) %s with no module-level "
                          "`NAME = literal` line" % ", ".join(sorted(remaining)))
    return "".join(lines)


def copy_inputs(tyl, dest):
    data = os.path.splitext(tyl)[0] + ".data"
    if os.path.isdir(data):
        for entry in os.listdir(data):
            src = os.path.join(data, entry)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(dest, entry))
            else:
                shutil.copy2(src, os.path.join(dest, entry))


# What a run writes and the test compares: .npy arrays, .npz bundles of them (np.savez: member by
# member) and text (np.savetxt: as stdout is compared, numbers within the tolerance if any).
TEXT_OUTPUTS = (".txt", ".csv", ".dat", ".tsv")
OUTPUTS = (".npy", ".npz") + TEXT_OUTPUTS


def snapshot_npy(folder):
    """Outputs by path relative to folder, subfolders too (os.makedirs("out"); np.save(os.path.join("out", ...)))."""
    out = {}
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            if name.endswith(OUTPUTS) and os.path.isfile(path):
                with open(path, "rb") as f:
                    out[os.path.relpath(path, folder)] = f.read()
    return out


def written_npy(before, after):
    """.npy files created or changed by a run."""
    return sorted(n for n, b in after.items() if before.get(n) != b)


# --------------------------------------------------------------------------
# comparison


def fmt_index(idx):
    return "(" + ", ".join(str(int(i)) for i in idx) + ")" if len(idx) != 1 else "(%d,)" % int(idx[0])


STDOUT_TOKEN = re.compile(r"[^\s(),\[\]]+|[(),\[\]]")


def compare_stdout(ref, got, tol):
    if ref == got:
        return None
    ref_lines = ref.splitlines()
    got_lines = got.splitlines()
    if tol is not None and len(ref_lines) == len(got_lines):
        ok = True
        for a, b in zip(ref_lines, got_lines):
            # numbers inside tuples and lists, "(0.75, 0.56)", are compared as numbers too
            ta, tb = STDOUT_TOKEN.findall(a), STDOUT_TOKEN.findall(b)
            if len(ta) != len(tb):
                ok = False
                break
            for x, y in zip(ta, tb):
                if x == y:
                    continue
                try:
                    fx, fy = float(x), float(y)
                except ValueError:
                    ok = False
                    break
                if not np.isclose(fx, fy, rtol=tol, atol=0.0, equal_nan=True):
                    ok = False
                    break
            if not ok:
                break
        if ok and ref.endswith("\n") == got.endswith("\n"):
            return None
    for i in range(max(len(ref_lines), len(got_lines))):
        a = ref_lines[i] if i < len(ref_lines) else "<missing line>"
        b = got_lines[i] if i < len(got_lines) else "<missing line>"
        if a != b:
            return ("stdout differs at line %d" % (i + 1),
                    "  numpy:    %r\n  compiled: %r\n--- numpy stdout ---\n%s\n--- compiled stdout ---\n%s"
                    % (a, b, clip_text(ref), clip_text(got)))
    return ("stdout differs (trailing newline / whitespace)",
            "  numpy:    %r\n  compiled: %r" % (ref[-80:], got[-80:]))


def load_npy(path_or_bytes, name, who):
    import io
    try:
        return np.load(io.BytesIO(path_or_bytes), allow_pickle=False)
    except Exception as e:  # noqa: BLE001
        raise TestFailure("%s: %s output %s is not a valid .npy file: %s" % (name, who, name, e))


class ScaledTolerance(float):
    """A relative tolerance of the largest magnitude of each array ('# tolerance: T of the
    largest'); in stdout, an ordinary relative tolerance."""


def parse_tolerance(text):
    m = re.match(r"^(\S+)(\s+of the largest)?$", text)
    try:
        t = float(m.group(1)) if m else None
    except ValueError:
        t = None
    if t is None:
        raise TestFailure("bad '# tolerance:' header %r" % text)
    return ScaledTolerance(t) if m.group(2) else t


def compare_arrays(name, ref, got, tol):
    """Return None if equal, else (reason, detail)."""
    if ref.dtype != got.dtype:
        return ("%s: dtype %s (numpy) != %s (compiled)" % (name, ref.dtype, got.dtype), "")
    if ref.shape != got.shape:
        return ("%s: shape %s (numpy) != %s (compiled)" % (name, ref.shape, got.shape), "")
    a = np.ascontiguousarray(ref)
    b = np.ascontiguousarray(got)
    if tol is not None and a.dtype.kind in "fc":
        atol = 0.0
        if isinstance(tol, ScaledTolerance) and a.size:
            finite = np.abs(a[np.isfinite(a)])
            atol = tol * float(finite.max()) if finite.size else 0.0
        close = np.isclose(a, b, rtol=tol, atol=atol, equal_nan=True)
        # treat bit-identical values (e.g. same-signed infinities) as close
        close |= (a == b)
        diff = ~close
    else:
        if a.tobytes() == b.tobytes():
            return None
        itemsize = a.dtype.itemsize
        av = a.view(np.uint8).reshape(a.shape + (itemsize,))
        bv = b.view(np.uint8).reshape(b.shape + (itemsize,))
        diff = (av != bv).any(axis=-1)
    if not diff.any():
        return None
    ndiff = int(np.count_nonzero(diff))
    first = np.argwhere(diff)[0] if diff.ndim else ()
    idx = tuple(int(i) for i in first)
    x, y = a[idx], b[idx]
    detail = ""
    if a.dtype.kind == "f":
        detail = "  numpy: %r (bits %s)  compiled: %r (bits %s)" % (
            float(x), x.tobytes()[::-1].hex(), float(y), y.tobytes()[::-1].hex())
        if np.isfinite(x) and np.isfinite(y) and x != 0:
            detail += "  rel. diff %.3g" % abs((float(y) - float(x)) / float(x))
    else:
        detail = "  numpy: %r  compiled: %r" % (x, y)
    how = ("values differ (within %g of the largest)" % tol if isinstance(tol, ScaledTolerance)
           else "values differ (rtol %g)" % tol) if tol is not None and a.dtype.kind in "fc" else "not bitwise identical"
    return ("%s: %s at index %s: numpy %r, compiled %r (%d of %d elements differ)"
            % (name, how, fmt_index(idx) if idx else "()", x.item(), y.item(), ndiff, a.size), detail)


# X86_V3 too: NumPy 2.4 has an AVX2 float64 tanh that differs from libm's.
LIBM_ENV = {"NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR"}
LIBM_NOTE = "NPY_DISABLE_CPU_FEATURES=\"%s\"" % LIBM_ENV["NPY_DISABLE_CPU_FEATURES"]


def compare_runs(ref, results, tol):
    """Compare the compiled runs [(tag, stdout, files, written)] with one reference run
    (stdout, files, written); None if all agree, else (reason, detail) of the first difference."""
    ref_out, ref_files, ref_written = ref
    for tag, out, files, written in results:
        d = compare_stdout(ref_out, out, tol)
        if d:
            return (d[0] + tag, d[1])
        if set(ref_written) != set(written):
            missing = sorted(set(ref_written) - set(written))
            extra = sorted(set(written) - set(ref_written))
            msg = []
            if missing:
                msg.append("missing " + ", ".join(missing))
            if extra:
                msg.append("unexpected " + ", ".join(extra))
            return (".npy files differ: " + "; ".join(msg) + tag, "")
        for fname in ref_written:
            if fname.endswith(TEXT_OUTPUTS):
                d = compare_stdout(ref_files[fname].decode("latin1"), files[fname].decode("latin1"), tol)
                if d:
                    return ("%s: %s%s" % (fname, d[0].replace("stdout", "text"), tag), d[1])
                continue
            if fname.endswith(".npz"):
                d = compare_npz(fname, ref_files[fname], files[fname], tol)
                if d:
                    return (d[0] + tag, d[1])
                continue
            a = load_npy(ref_files[fname], fname, "numpy")
            b = load_npy(files[fname], fname, "compiled")
            d = compare_arrays(fname, a, b, tol)
            if d:
                return (d[0] + tag, d[1])
    return None


def compare_npz(fname, ref_bytes, got_bytes, tol):
    """np.savez files: the same member names, each array as compare_arrays."""
    import io
    bundles = []
    for who, data in (("numpy", ref_bytes), ("compiled", got_bytes)):
        try:
            z = np.load(io.BytesIO(data), allow_pickle=False)
            bundles.append({k: z[k] for k in z.files})
        except Exception as e:  # noqa: BLE001
            raise TestFailure("%s: %s output is not a valid .npz file: %s" % (fname, who, e))
    ref, got = bundles
    if sorted(ref) != sorted(got):
        return ("%s: members %s (numpy) != %s (compiled)" % (fname, sorted(ref), sorted(got)), "")
    for k in sorted(ref):
        d = compare_arrays("%s[%s]" % (fname, k), ref[k], got[k], tol)
        if d:
            return d
    return None


# --------------------------------------------------------------------------
# the NumPy reference runs


def reference_child(script, workdir, out_path, err_path, argv=(), cpu_path=None):
    """`python3 SCRIPT` in workdir, stdout and stderr to the two files, in a process forked from
    the fork server, which has imported NumPy once for all the reference runs (importing it was
    most of a small program's run). Exits with the status python3 would; with cpu_path (--times),
    writes there the CPU seconds it took (a forked process's count starts at zero)."""
    os.chdir(workdir)
    for fd, path in ((1, out_path), (2, err_path)):
        f = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(f, fd)
        os.close(f)
    sys.argv = [script] + list(argv)
    sys.path[0] = workdir
    sys.path.insert(1, STUBS)  # matplotlib's stand-in, ahead of an installed one
    status = 0
    try:
        import runpy
        runpy.run_path(script, run_name="__main__")
    except SystemExit as e:
        status = e.code if isinstance(e.code, int) else 0 if e.code is None else 1
        if not isinstance(e.code, int) and e.code is not None:
            print(e.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001 -- as python3 reports an uncaught exception
        import traceback
        traceback.print_exc()
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    if cpu_path:
        t = os.times()
        with open(cpu_path, "w") as f:
            f.write("%.3f" % (t.user + t.system + t.children_user + t.children_system))
    os._exit(status)


_forkserver = None


def forkserver():
    """The multiprocessing context whose server process imports NumPy (with OMP_NUM_THREADS=1,
    as every reference run has it) before it forks the runs."""
    global _forkserver
    if _forkserver is None:
        import multiprocessing
        os.environ["OMP_NUM_THREADS"] = "1"  # the server's environment, the runs' too
        os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
        _forkserver = multiprocessing.get_context("forkserver")
        _forkserver.set_forkserver_preload(["numpy"])
    return _forkserver


def stop_forkserver():
    """Ends the fork server and waits for it, so that its CPU time and its runs' count in the
    runner's (as /usr/bin/time or make's time shows them)."""
    if _forkserver is not None:
        import multiprocessing.forkserver
        stop = getattr(multiprocessing.forkserver._forkserver, "_stop", None)  # Python >= 3.8
        if stop:
            stop()


# --------------------------------------------------------------------------
# tests


class Runner:
    def __init__(self, opts):
        self.opts = opts
        self.tylesc = opts.tylesc if os.path.isabs(opts.tylesc) else os.path.join(ROOT, opts.tylesc)
        self.mpirun = [] if opts.mpirun == "none" else shlex.split(opts.mpirun)
        env = dict(os.environ)
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
        env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        env.setdefault("OMPI_MCA_rmaps_base_oversubscribe", "1")
        if opts.omp_threads:
            env["OMP_NUM_THREADS"] = str(opts.omp_threads)
        self.base_env = env
        self.py_env = dict(os.environ)
        self.py_env.setdefault("OMP_NUM_THREADS", "1")
        self.py_env["PYTHONDONTWRITEBYTECODE"] = "1"
        self.py_env["PYTHONPATH"] = os.pathsep.join([STUBS] + [p for p in [os.environ.get("PYTHONPATH")] if p])
        self.local = threading.local()

    @property
    def env(self):
        """The environment of this worker thread's commands: Open MPI's session folders (one a
        job, under ompi.HOST.UID of the base) in a base of the thread's own. Jobs sharing one
        base race: one job's clean-up removes the emptied ompi.HOST.UID while another creates its
        folder in it, and that MPI_Init fails ("A call to mkdir was unable to create the desired
        directory: /tmp/ompi.vm.0/pid.20571", seen at 1 rank among the test runs of several
        sessions). A value in the environment wins."""
        env = getattr(self.local, "env", None)
        if env is None:
            env = dict(self.base_env)
            if "OMPI_MCA_orte_tmpdir_base" not in env:
                base = tempfile.mkdtemp(prefix="tylo-")  # short: PMIx's socket paths live there
                atexit.register(shutil.rmtree, base, True)
                env["OMPI_MCA_orte_tmpdir_base"] = base
            self.local.env = env
        return env

    # -- common steps ------------------------------------------------------

    def tempdir(self, name):
        d = tempfile.mkdtemp(prefix="tyl-" + re.sub(r"[^A-Za-z0-9_.-]", "_", name) + "-")
        if not hasattr(self.local, "dirs"):
            self.local.dirs = []
        self.local.dirs.append(d)
        return d

    def cleanup(self, d, failed=False):
        if not self.opts.keep:
            shutil.rmtree(d, ignore_errors=True)

    def compile(self, tyl, out_exe, expect_success=True, extra=(), syntax_only=False, opt_level=None):
        """Run tylesc from the repo root with the path relative to the root. syntax_only: the C
        compiler only checks the generated C (-fsyntax-only: its warnings, no object file)."""
        if not os.path.exists(self.tylesc):
            raise TestFailure("compiler not found: %s (build it with make)" % rel(self.tylesc))
        own = read_header(tyl).get("tylesc-flags", "")
        argv = ([self.tylesc] + shlex.split(self.opts.tylesc_flags) + shlex.split(own) + list(extra)
                + [rel(tyl), "-o", out_exe])
        env = self.env
        if opt_level:  # the -O options of CFLAGS (tylesc's default -O3) replaced by opt_level
            flags = [f for f in shlex.split(env.get("CFLAGS", "-O3 -march=native")) if not f.startswith("-O")]
            env = dict(env, CFLAGS=" ".join(flags + [opt_level]))
            if self.opts.fast_cc:  # the compiles at CFLAGS' level keep the product's command
                env["TYLES_CC"] = self.opts.fast_cc
        if syntax_only:
            env = dict(env, TYLES_CC=env.get("TYLES_CC") or env.get("CC") or "mpicc")
            env["TYLES_CC"] += " -fsyntax-only"
        r = run_cmd(argv, ROOT, self.opts.timeout, env=env, what="tylesc")
        if expect_success:
            if r.returncode != 0:
                raise TestFailure("tylesc exited with status %d" % r.returncode,
                                  clip_text(decode(r.stderr) + decode(r.stdout)))
            if syntax_only:
                pass  # the C compiler wrote nothing: its exit status was the check
            elif out_exe.endswith(".c"):
                if not os.path.isfile(out_exe) or os.path.getsize(out_exe) == 0:
                    raise TestFailure("tylesc exited 0 but wrote no C file %s" % out_exe,
                                      clip_text(decode(r.stderr)))
            elif not os.path.isfile(out_exe) or not os.access(out_exe, os.X_OK):
                raise TestFailure("tylesc exited 0 but produced no executable %s" % out_exe,
                                  clip_text(decode(r.stderr)))
        return r

    def python_run(self, tyl, workdir, overrides, extra_env=None, argv=()):
        copy_inputs(tyl, workdir)
        with open(tyl, encoding="utf-8") as f:
            src = f.read()
        if overrides:
            src = substitute_params(src, overrides)
        script = os.path.join(workdir, os.path.basename(tyl))
        with open(script, "w", encoding="utf-8") as f:
            f.write(src)
        before = snapshot_npy(workdir)
        if extra_env:  # NumPy's CPU features are chosen when it is imported: a python3 of its own
            env = dict(self.py_env, **extra_env)
            r = run_cmd([sys.executable, os.path.basename(tyl)] + list(argv), workdir, self.opts.timeout,
                        env=env, what="python reference run")
            status, out, err = r.returncode, r.stdout, r.stderr
        else:
            status, out, err = self.forked_python(script, workdir, argv)
            if status == 255:
                # the fork server could not start the child or lost it (multiprocessing reports
                # 255: seen once in 650 runs on a loaded machine with nothing written, and once
                # in a clean-clone make check with the output written): a python3 of its own
                # runs it again (a program that exits 255 itself does so again there)
                r = run_cmd([sys.executable, script] + list(argv), workdir, self.opts.timeout, env=self.py_env,
                            what="python reference run")
                status, out, err = r.returncode, r.stdout, r.stderr
        if status != 0:
            raise TestFailure("python reference run exited with status %d" % status,
                              clip_text(decode(err)))
        os.unlink(script)
        after = snapshot_npy(workdir)
        return decode(out), after, written_npy(before, after)

    def forked_python(self, script, workdir, argv=()):
        """(exit status, stdout, stderr) of python3 SCRIPT run in workdir (reference_child)."""
        io = tempfile.mkdtemp(prefix="tyl-ref-")
        try:
            out, err = os.path.join(io, "out"), os.path.join(io, "err")
            for path in (out, err):  # there, whatever becomes of the child
                open(path, "wb").close()
            cpu = os.path.join(io, "cpu") if PHASES is not None else None
            t0 = time.monotonic()
            p = forkserver().Process(target=reference_child,
                                     args=(os.path.basename(script), workdir, out, err, tuple(argv), cpu))
            p.start()
            p.join(self.opts.timeout)
            if cpu and os.path.exists(cpu):
                with open(cpu) as f:
                    PHASES.append((getattr(_current, "name", "?"), "python reference run",
                                   time.monotonic() - t0, float(f.read())))
            if p.is_alive():
                p.kill()
                p.join()
                raise TestFailure("python reference run timed out after %gs" % self.opts.timeout)
            with open(out, "rb") as f, open(err, "rb") as g:
                return p.exitcode, f.read(), g.read()
        finally:
            shutil.rmtree(io, ignore_errors=True)

    def compiled_run(self, tyl, exe, workdir, nprocs, args, extra_env=None):
        copy_inputs(tyl, workdir)
        before = snapshot_npy(workdir)
        # One rank runs without mpirun (an MPI singleton, as `./prog` is run): mpirun -np 1 cost
        # 0.053 CPU-s a launch against 0.030 (2026-12-07), over ~560 runs of make check; mpirun
        # itself is in every run of two ranks and more.
        launch = self.mpirun + ["-np", str(nprocs)] if self.mpirun and nprocs > 1 else []
        argv = launch + [exe] + args
        env = dict(self.env, **extra_env) if extra_env else self.env
        r = run_cmd(argv, workdir, self.opts.timeout, env=env,
                    what="compiled run (np=%d)" % nprocs)
        if r.returncode != 0:
            raise TestFailure("compiled program exited with status %d (np=%d)" % (r.returncode, nprocs),
                              clip_text(decode(r.stderr) + "\n--- stdout ---\n" + decode(r.stdout)))
        after = snapshot_npy(workdir)
        return decode(r.stdout), after, written_npy(before, after)

    # -- test kinds --------------------------------------------------------

    def test_program(self, name, tyl):
        header = read_header(tyl)
        tol = None
        if "tolerance" in header:
            tol = parse_tolerance(header["tolerance"])
        if "gpu-tolerance" in header and "--target=cuda" in self.opts.tylesc_flags:
            # CUDA's pow and transcendental functions are not correctly rounded: programs that
            # use them declare the tolerance they need on the GPU
            try:
                tol = float(header["gpu-tolerance"])
            except ValueError:
                raise TestFailure("bad '# gpu-tolerance:' header %r" % header["gpu-tolerance"])
        overrides = parse_args_directive(header["args"]) if "args" in header else []
        argv = shlex.split(header.get("argv", ""))
        run_args = ["--%s=%s" % kv for kv in overrides] + argv

        tmp = self.tempdir(name)
        try:
            if self.opts.generate_only:
                self.compile(tyl, os.path.join(tmp, "prog.c"))
                return ""
            if self.opts.syntax_only:
                self.compile(tyl, os.path.join(tmp, "prog.o"), syntax_only=True)
                return ""
            if self.opts.compile_only:
                self.compile(tyl, os.path.join(tmp, "prog"))
                return ""
            refdir = os.path.join(tmp, "numpy")
            os.mkdir(refdir)
            ref = ref_out, ref_files, ref_written = self.python_run(tyl, refdir, overrides, argv=argv)
            if not ref_written and not ref_out.strip():
                raise TestFailure("test asserts nothing: the python run printed nothing and wrote no .npy file")

            exe = os.path.join(tmp, "prog")
            nps = self.opts.np
            opt = program_opt_level(name, self.opts.fast_opt, self.opts.full_opt_every)
            if self.opts.np_by_grid:
                self.compile(tyl, exe, extra=["--keep-c"], opt_level=opt)
                nps = counts_for_grid(name, program_grid(exe + ".c"), nps)
            else:
                self.compile(tyl, exe, opt_level=opt)

            runs = [] if self.opts.variants_only else [(n, None, {}) for n in nps]
            for only, pat, env, label in self.opts.variant:
                if pat is None or name_matches(name, pat):
                    runs += [(n, label, env) for n in self.opts.np if only is None or n == only]
            results = []
            for i, (nprocs, label, env) in enumerate(runs):
                rundir = os.path.join(tmp, "run%d" % i)
                os.mkdir(rundir)
                out, files, written = self.compiled_run(tyl, exe, rundir, nprocs, run_args, env)
                tag = "" if len(runs) == 1 else " [np=%d%s]" % (nprocs, ", " + label if label else "")
                results.append((tag, out, files, written))
            d = compare_runs(ref, results, tol)
            if d is None:
                return "np %s" % ",".join(map(str, nps)) if self.opts.verbose and nps != self.opts.np else ""
            # NumPy's own SIMD exp/log/sin/cos/... (AVX-512) round some results differently from
            # libm, which the compiled code calls; NumPy restricted to libm is the second reference.
            libdir = os.path.join(tmp, "numpy-libm")
            os.mkdir(libdir)
            libm_ref = self.python_run(tyl, libdir, overrides, LIBM_ENV, argv)
            if compare_runs(libm_ref, results, tol) is None:
                return "bitwise equal to NumPy restricted to libm (%s), not to NumPy's own SIMD" % LIBM_NOTE
            # Name a run that matches neither reference: the first run to differ from NumPy's SIMD
            # may well match libm, and its tag would point at the wrong rank count or variant.
            for r in results:
                d_simd, d_libm = compare_runs(ref, [r], tol), compare_runs(libm_ref, [r], tol)
                if d_simd and d_libm:
                    raise TestFailure(d_simd[0], d_simd[1] + "\n(also differs from NumPy restricted to libm, %s: %s)"
                                      % (LIBM_NOTE, d_libm[0]))
            raise TestFailure("the runs match different references: " + d[0],
                              d[1] + "\n(every run matches NumPy or NumPy restricted to libm, %s, but not "
                              "all the same one)" % LIBM_NOTE)
        finally:
            self.cleanup(tmp)

    def build_to_run(self, tyl, tmp):
        """tmp/prog compiled from tyl, and tmp/run holding its input files: (exe, rundir)."""
        exe = os.path.join(tmp, "prog")
        self.compile(tyl, exe, opt_level=self.opts.error_opt)
        rundir = os.path.join(tmp, "run")
        os.mkdir(rundir)
        copy_inputs(tyl, rundir)
        return exe, rundir

    # -- CUDA programs compiled in batches (--batch) ------------------------------------------

    def cuda_generate(self, name, tyl):
        """tylesc's CUDA for tyl and the nvcc command it would build it with: (tmp, cu, argv)."""
        tmp = self.tempdir(name)
        exe = os.path.join(tmp, "prog")
        env = dict(self.env, NVCC="printf %s\\0")  # the command's words, each ended by a NUL
        own = read_header(tyl).get("tylesc-flags", "")
        argv = ([self.tylesc] + shlex.split(self.opts.tylesc_flags) + shlex.split(own)
                + ["--keep-c", rel(tyl), "-o", exe])
        r = run_cmd(argv, ROOT, self.opts.timeout, env=env, what="tylesc")
        cu = exe + ".cu"
        if r.returncode != 0 or not os.path.isfile(cu):
            raise TestFailure("tylesc exited with status %d%s" % (
                r.returncode, "" if r.returncode else " and wrote no %s" % cu),
                clip_text(decode(r.stderr) + decode(r.stdout)))
        words = decode(r.stdout).split("\0")[:-1]
        if words.count(os.path.basename(cu)) + words.count(cu) != 1 or words[-2:] != ["-o", exe]:
            raise TestFailure("tylesc's nvcc command does not name %s once and end with -o %s" % (cu, exe),
                              decode(r.stdout))
        nvcc = shlex.split(os.environ.get("NVCC", "nvcc"))
        return tmp, cu, nvcc + words[:-2]

    def nvcc_batch(self, members):
        """Compile and link members [(name, tmp, cu, argv)], which share one command, as one
        translation unit (TestFailure with nvcc's output if that fails)."""
        work = self.tempdir("batch")
        src = os.path.join(work, "batch.cu")
        with open(members[0][2], encoding="utf-8") as f:
            head = next((l for l in f if l.startswith("#include ")), "")
        with open(src, "w", encoding="utf-8") as f:
            f.write("/* %d programs, each in a namespace of its own */\n%s" % (len(members), head))
            for i, (name, _tmp, cu, _argv) in enumerate(members):
                f.write("namespace tyl_prog%d { /* %s */\n#include \"%s\"\n}\n" % (i, name, cu))
            f.write("int main(void) { return 0; }\n")
        _name, _tmp, cu, argv = members[0]
        argv = [src if w in (cu, os.path.basename(cu)) else w for w in argv]
        try:
            r = run_cmd(argv + ["-o", os.path.join(work, "batch")], ROOT, self.opts.timeout * len(members),
                        env=self.env, what="nvcc (a batch of %d)" % len(members))
        finally:
            self.cleanup(work)
        if r.returncode != 0:
            raise TestFailure("the CUDA compiler failed on the batch (exit status %d) but on none of "
                              "its programs alone" % r.returncode,
                              clip_text(decode(r.stderr) + decode(r.stdout)))

    def nvcc_one(self, tmp, argv):
        r = run_cmd(argv + ["-o", os.path.join(tmp, "prog")], ROOT, self.opts.timeout, env=self.env, what="nvcc")
        if r.returncode != 0:
            raise TestFailure("the CUDA compiler failed (exit status %d)" % r.returncode,
                              clip_text(decode(r.stderr) + decode(r.stdout)))

    def test_single_rank(self, name, tyl):
        tmp = self.tempdir(name)
        try:
            exe, rundir = self.build_to_run(tyl, tmp)
            argv = self.mpirun + ["-np", "2", exe]
            r = run_cmd(argv, rundir, self.opts.timeout, env=self.env, what="compiled run (np=2)")
            if r.returncode == 0:
                raise TestFailure("compiled program run with -np 2 exited 0; expected a refusal "
                                  "(distribution is not built yet; pass --no-expect-single-rank once it is)")
            if not decode(r.stderr).strip():
                raise TestFailure("compiled program run with -np 2 exited %d but printed nothing on stderr"
                                  % r.returncode)
            return ""
        finally:
            self.cleanup(tmp)

    def check_expected_stderr(self, errfile, actual, status, expected_status):
        """Compare stderr with the .err file; handle --update-errors."""
        if status != expected_status:
            raise TestFailure("exit status %d, expected %d" % (status, expected_status),
                              "--- stderr ---\n" + clip_text(actual))
        if not os.path.exists(errfile):
            note = ""
            if self.opts.update_errors and actual.strip():
                with open(errfile, "w", encoding="utf-8") as f:
                    f.write(actual)
                note = " (wrote %s for review)" % rel(errfile)
            raise TestFailure("no expected stderr file %s%s" % (rel(errfile), note),
                              "--- actual stderr ---\n" + actual.rstrip("\n"))
        with open(errfile, encoding="utf-8") as f:
            expected = f.read()
        if expected != actual:
            note = ""
            if self.opts.update_errors and actual.strip():
                with open(errfile, "w", encoding="utf-8") as f:
                    f.write(actual)
                note = " (updated %s for review)" % rel(errfile)
            import difflib
            diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                                "expected", "actual"))
            raise TestFailure("stderr differs from %s%s" % (rel(errfile), note), clip_text(diff))

    def test_error(self, name, tyl):
        tmp = self.tempdir(name)
        try:
            exe = os.path.join(tmp, os.path.splitext(os.path.basename(tyl))[0])
            r = self.compile(tyl, exe, expect_success=False)
            actual = decode(r.stderr)
            if r.returncode == 0:
                raise TestFailure("tylesc accepted a program that must be rejected",
                                  clip_text(actual))
            self.check_expected_stderr(os.path.splitext(tyl)[0] + ".err", actual, r.returncode, 1)
            return ""
        finally:
            self.cleanup(tmp)

    def test_runtime_error(self, name, tyl):
        if self.opts.generate_only:
            tmp = self.tempdir(name)
            try:
                self.compile(tyl, os.path.join(tmp, "prog.c"))
            finally:
                self.cleanup(tmp)
            return ""
        base = os.path.splitext(tyl)[0]
        args = []
        if os.path.exists(base + ".args"):
            with open(base + ".args", encoding="utf-8") as f:
                args = shlex.split(f.readline())
        expected_status = 1
        if os.path.exists(base + ".status"):
            with open(base + ".status", encoding="utf-8") as f:
                try:
                    expected_status = int(f.readline().strip())
                except ValueError:
                    raise TestFailure("bad %s" % rel(base + ".status"))
        tmp = self.tempdir(name)
        try:
            exe, rundir = self.build_to_run(tyl, tmp)
            # run directly (MPI singleton) with argv[0] == "prog" so messages are stable
            env = self.env
            if os.path.exists(base + ".env"):  # NAME=VALUE lines for the run
                with open(base + ".env", encoding="utf-8") as f:
                    env = dict(env, **dict(l.strip().split("=", 1) for l in f if l.strip()))
            r = run_cmd(["prog"] + args, rundir, self.opts.timeout, env=env,
                        executable=exe, what="compiled run")
            self.check_expected_stderr(base + ".err", decode(r.stderr), r.returncode, expected_status)
            # several ranks (mpirun -q: without its banners): the message once, from one rank
            header = read_header(tyl)
            runs = []
            if "ranks" in header and self.mpirun:
                runs.append(["-np", header["ranks"], exe] + args)
            if "rank-args" in header and self.mpirun:
                mpmd = []
                for each in header["rank-args"].split("|"):
                    mpmd += ([":"] if mpmd else []) + ["-np", "1", exe] + shlex.split(each)
                runs.append(mpmd)
            for run in runs:
                r = run_cmd(self.mpirun + ["-q"] + run, rundir, self.opts.timeout, env=env,
                            what="compiled run (%s)" % " ".join(run))
                try:
                    self.check_expected_stderr(base + ".err", decode(r.stderr), r.returncode,
                                               expected_status)
                except TestFailure as e:
                    raise TestFailure("mpirun -q %s: %s" % (" ".join("prog" if a == exe else a for a in run),
                                                            e.reason), e.detail)
            return ""
        finally:
            self.cleanup(tmp)


# --------------------------------------------------------------------------
# discovery and main


def discover(opts):
    tests = []  # (name, kind, path)

    def tyls(folder):
        d = os.path.join(ROOT, folder)
        if not os.path.isdir(d):
            return []
        return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".tyl"))

    def stem(p):
        return os.path.splitext(os.path.basename(p))[0]

    samples = tyls("samples")
    for p in samples:
        tests.append(("samples/" + stem(p), "program", p))
    for p in tyls("tests/programs"):
        tests.append(("programs/" + stem(p), "program", p))
    if opts.later:
        for p in tyls("tests/programs_later"):
            tests.append(("later/" + stem(p), "program", p))
    for p in tyls("tests/errors"):
        tests.append(("errors/" + stem(p), "error", p))
    for p in tyls("tests/runtime_errors"):
        tests.append(("runtime_errors/" + stem(p), "runtime_error", p))
    if opts.flagged_programs_only:  # the others' whole pipeline ran in the fuzz target already
        tests = [t for t in tests if t[1] != "program" or "tylesc-flags" in read_header(t[2])]
    if opts.syntax_only:
        opts.compile_only = True
    if opts.compile_only:
        tests = [t for t in tests if t[1] == "program"]
    if opts.sample_every > 1:  # the samples and one program in N, fixed by the name (bits 12 up)
        tests = [t for t in tests if t[1] != "program" or t[0].startswith("samples/") or
                 program_sampled(t[0], opts.sample_every)]
    if opts.expect_single_rank and not opts.compile_only:
        pick = [p for p in samples if stem(p) == "heat2d"] or samples[:1]
        for p in pick:
            tests.append(("single_rank/" + stem(p), "single_rank", p))
    if opts.k:
        pats = opts.k
        def match(n):
            return any(name_matches(n, pat) for pat in pats)
        tests = [t for t in tests if match(t[0])]
    return tests


def parse_np(text):
    try:
        vals = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("expected a comma-separated list of rank counts, e.g. 1,2,4")
    if not vals or any(v < 1 for v in vals):
        raise argparse.ArgumentTypeError("rank counts must be >= 1")
    return vals


def name_matches(name, pat):
    """-k's test: a glob if the pattern has one of *?[, otherwise a part of the name."""
    return fnmatch.fnmatch(name, pat) if any(c in pat for c in "*?[") else pat in name


def parse_variant(spec):
    """'[np=K] [k=PATTERN] VAR=VALUE ...': the compiled programs run once more with these
    variables set (at rank count K only, if given; only the programs whose names match PATTERN
    as -k matches, if given: a suite's variant runs then share its compilations and NumPy
    references instead of making their own)."""
    only, pat, env = None, None, {}
    for word in spec.split():
        k, eq, v = word.partition("=")
        if not eq or not k:
            raise argparse.ArgumentTypeError("expected VAR=VALUE words, got %r" % word)
        if k == "np":
            only = parse_np(v)[0]
        elif k == "k":
            pat = v
        else:
            env[k] = v
    if not env:
        raise argparse.ArgumentTypeError("a variant sets at least one variable")
    return only, pat, env, " ".join("%s=%s" % kv for kv in env.items())


def main(argv=None):
    ap = argparse.ArgumentParser(description="tylesc end-to-end tests (NumPy is the reference)")
    ap.add_argument("--tylesc", default="bin/tylesc",
                    help="compiler to test (relative paths are relative to the repository root)")
    ap.add_argument("--np", type=parse_np, default=[1], metavar="K[,K...]",
                    help="MPI rank counts to run every compiled program at (default 1)")
    ap.add_argument("-k", action="append", metavar="PATTERN",
                    help="only tests whose name contains PATTERN (or matches it as a glob); repeatable")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                    help="tests run in parallel (default: number of CPUs)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folders")
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="seconds allowed for each step of a test (default 60)")
    ap.add_argument("--later", action="store_true",
                    help="also run tests/programs_later (features beyond the first milestone)")
    ap.add_argument("--expect-single-rank", action=argparse.BooleanOptionalAction, default=False,
                    help="check that a compiled sample refuses to run on 2 ranks (default on, "
                         "until distribution exists)")
    ap.add_argument("--update-errors", action="store_true",
                    help="write the actual stderr into missing or differing .err files for review")
    ap.add_argument("--tylesc-flags", default="",
                    help="extra options for tylesc, e.g. '--target=cuda --no-mpi'")
    ap.add_argument("--generate-only", action="store_true",
                    help="programs and run-time error tests: only generate their C (tylesc -o "
                         "prog.c), e.g. to run the compiler itself under a sanitizer")
    ap.add_argument("--compile-only", action="store_true",
                    help="only compile the programs and samples (e.g. CUDA on a machine without a GPU)")
    ap.add_argument("--error-opt", metavar="-On",
                    help="the C optimisation level of the run-time error tests' programs (their "
                         "messages do not depend on it; -O1 compiles in half the time of -O3)")
    ap.add_argument("--fast-opt", metavar="-On",
                    help="compile the test programs' C at this level, except the samples and one "
                         "program in --full-opt-every, which keep CFLAGS' (see the module's "
                         "docstring; the results must not depend on it: -ffp-contract=off)")
    ap.add_argument("--fast-cc", metavar="CMD",
                    help="TYLES_CC for the compiles at --fast-opt's and --error-opt's level "
                         "(make check-programs: tests/pch_cc.sh, tyles.h from gcc's precompiled "
                         "header); the others keep the product's command")
    ap.add_argument("--full-opt-every", type=int, default=FULL_OPT_EVERY, metavar="N",
                    help="with --fast-opt: one program in N (by the name's CRC-32) keeps CFLAGS' "
                         "-O level (default %(default)s)")
    ap.add_argument("--sample-every", type=int, default=1, metavar="N",
                    help="of the test programs, only one in N (by the name's CRC-32, bits 12 up: "
                         "independent of --np-by-grid's and --full-opt-every's choices) and the "
                         "samples (make check-cuda: 2; make check-full: every program)")
    ap.add_argument("--flagged-programs-only", action="store_true",
                    help="of the programs and samples, only those with a '# tylesc-flags:' header "
                         "(make check-asan: the fuzz target has run the whole pipeline on every "
                         ".tyl with the default options, in one process)")
    ap.add_argument("--syntax-only", action="store_true",
                    help="only check the programs' generated C with the C compiler's front end "
                         "(TYLES_CC with -fsyntax-only: its warnings, in a third of clang -O0's time)")
    ap.add_argument("--batch", type=int, default=0, metavar="N",
                    help="with --compile-only and --tylesc-flags=--target=cuda: compile up to N "
                         "programs in one nvcc run (see the module's docstring)")
    ap.add_argument("--mpirun", default="mpirun --allow-run-as-root --oversubscribe",
                    help="launcher command (default: %(default)s)")
    ap.add_argument("--omp-threads", type=int, default=2,
                    help="OMP_NUM_THREADS for compiled runs (0: inherit; default 2)")
    ap.add_argument("--np-by-grid", action="store_true",
                    help="run each program at the counts of --np that its process grid needs "
                         "(see the module's docstring)")
    ap.add_argument("--variant", type=parse_variant, action="append", default=[],
                    metavar="'[np=K] [k=PATTERN] VAR=VALUE ...'",
                    help="also run every compiled program with these environment variables "
                         "(at every --np count, or at K only; every program, or those matching "
                         "PATTERN as -k matches); repeatable")
    ap.add_argument("--variants-only", action="store_true",
                    help="run the compiled programs under the --variant settings only, not also "
                         "as they are (where another suite runs them as they are)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print details for passing tests too")
    ap.add_argument("--times", metavar="FILE",
                    help="write each command's wall and CPU seconds to FILE (test, what, wall, cpu; "
                         "the CPU of each command's processes, and of each NumPy reference run): "
                         "where the suite's minutes go")
    opts = ap.parse_args(argv)
    global PHASES
    if opts.times:
        PHASES = []
    if opts.full_opt_every < 1:
        ap.error("--full-opt-every needs a count of at least 1")
    if opts.variants_only and not opts.variant:
        ap.error("--variants-only needs at least one --variant")
    if opts.batch and not (opts.compile_only and "--target=cuda" in opts.tylesc_flags):
        ap.error("--batch compiles CUDA programs: it needs --compile-only and --tylesc-flags=--target=cuda")

    runner = Runner(opts)
    tests = discover(opts)
    if opts.keep:
        print("temporary folders are kept under %s" % tempfile.gettempdir(), flush=True)

    kinds = {
        "program": runner.test_program,
        "error": runner.test_error,
        "runtime_error": runner.test_runtime_error,
        "single_rank": runner.test_single_rank,
    }
    passed = failed = 0

    took = []  # (seconds, name): the slowest are listed at the end, to keep make check short

    def attempt(name, step):
        """[name, failure reason or None, detail, note] of running step()."""
        runner.local.dirs = []
        _current.name = name
        t0 = time.monotonic()
        try:
            note = step()
            result = [name, None, "", note or ""]
        except TestFailure as e:
            result = [name, e.reason, e.detail, ""]
        except Exception as e:  # noqa: BLE001  -- a runner bug must not hide a test
            import traceback
            result = [name, "test runner error: %s: %s" % (type(e).__name__, e), traceback.format_exc(), ""]
        if opts.keep and runner.local.dirs:
            result[2] = (result[2] + "\n" if result[2] else "") + "kept in " + " ".join(runner.local.dirs)
        took.append((time.monotonic() - t0, name))
        return result

    def one(test):
        name, kind, path = test
        return attempt(name, lambda: kinds[kind](name, path))

    def batched(pool):
        """--batch: the programs generated one by one, then compiled opts.batch at a time
        (Runner.nvcc_batch); the results of the programs, as one() gives them."""
        made = {}  # name: (tmp, cu, argv)
        # the samples as without --batch: tylesc runs nvcc and links each (its driver, end to end)
        direct = [pool.submit(one, t) for t in tests if t[0].startswith("samples/")]
        rest = [t for t in tests if not t[0].startswith("samples/")]

        def generate(test):
            name, _kind, path = test
            def step():
                made[name] = runner.cuda_generate(name, path)
            r = attempt(name, step)
            return None if r[1] is None else r
        for r in pool.map(generate, rest):
            if r:
                yield r
        groups = {}  # the nvcc command but for the program's file: its programs
        for name, _kind, _path in rest:
            if name in made:
                tmp, cu, argv = made[name]
                key = tuple("PROG" if w in (cu, os.path.basename(cu)) else w for w in argv)
                groups.setdefault(key, []).append((name, tmp, cu, argv))
        batches = [g[i:i + opts.batch] for g in groups.values() for i in range(0, len(g), opts.batch)]

        def compile_batch(members):
            res = attempt("nvcc batch of %d (%s ...)" % (len(members), members[0][0]),
                          lambda: runner.nvcc_batch(members))
            out = []
            for name, tmp, cu, argv in members:
                out.append([name, None, "", ""] if res[1] is None
                           else attempt(name, lambda: runner.nvcc_one(tmp, argv)))
                runner.cleanup(tmp)
            if res[1] is not None and all(r[1] is None for r in out):
                out.append(res)  # each compiles alone, together they do not: a failure too
            return out
        for fut in concurrent.futures.as_completed([pool.submit(compile_batch, b) for b in batches]):
            yield from fut.result()
        for fut in direct:
            yield fut.result()

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        if opts.batch:
            results = batched(pool)
        else:
            results = (f.result() for f in concurrent.futures.as_completed([pool.submit(one, t) for t in tests]))
        for name, reason, detail, note in results:
            if reason is None:
                passed += 1
                print("PASS %s%s" % (name, " (%s)" % note if note else ""), flush=True)
                if detail and (opts.verbose or opts.keep):
                    print("\n".join("    " + l for l in detail.splitlines()), flush=True)
            else:
                failed += 1
                print("FAIL %s: %s" % (name, reason), flush=True)
                if detail:
                    print("\n".join("    " + l for l in detail.splitlines()), flush=True)
    stop_forkserver()
    if opts.times:
        with open(opts.times, "w", encoding="utf-8") as f:
            f.writelines("%s\t%s\t%.3f\t%.3f\n" % p for p in PHASES)
        print(times_summary(PHASES), flush=True)
    slow = sorted(took, reverse=True)[:8]
    if len(took) > 20:
        print("slowest: " + ", ".join("%s %.0f s" % (n, t) for t, n in slow), flush=True)
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
