"""Is a generated program's hot loop vectorised, and at what width?  Read from the
executable itself (objdump -d), so the answer is about the code that actually ran."""
import re
import subprocess

# One objdump -d line: "    6950:\tvaddpd %ymm1,%ymm0,%ymm0" (AT&T syntax, no raw bytes).
_INSN_RE = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
_FUNC_RE = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")
_JUMP_TARGET_RE = re.compile(r"^([0-9a-f]+)\s+<")
# Floating-point arithmetic, SSE or AVX: add/sub/mul/div/min/max/sqrt and the FMA forms,
# then p (packed) or s (scalar), then d (double) or s (single).
_FP_RE = re.compile(r"^v?(?:add|sub|mul|div|min|max|sqrt|f[n]?m(?:add|sub)\d*)([ps])([ds])$")
_C_FUNC_RE = re.compile(r"^[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\(", re.M)
_C_KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof"}
_WIDTH = {"xmm": 128, "ymm": 256, "zmm": 512}


def _c_functions(c_source):
    """Names of the functions defined or declared at file level in the generated C."""
    return {m.group(1) for m in _C_FUNC_RE.finditer(c_source)} - _C_KEYWORDS


def _c_statement(c_source, func):
    """The .tyl line a generated kernel computes, from the comment tylesc writes above it
    ("/* file.tyl:15: un[1:-1, 1:-1] = ... */"), or None."""
    m = re.search(r"/\* [^\n]*?([\w.-]+\.tyl):(\d+):[^\n]*\*/\s*\n[^\n]*\b%s\s*\("
                  % re.escape(func), c_source)
    return (m.group(1), int(m.group(2))) if m else None


def _loops(insns):
    """Innermost loops of one function: (first, last) instruction indices of the range from
    a jump's target up to a jump back to it, containing no other such range."""
    addr_index = {a: i for i, (a, _, _) in enumerate(insns)}
    spans = []
    for i, (addr, op, args) in enumerate(insns):
        if not op.startswith("j"):
            continue
        m = _JUMP_TARGET_RE.match(args)
        if m and int(m.group(1), 16) <= addr and int(m.group(1), 16) in addr_index:
            spans.append((addr_index[int(m.group(1), 16)], i))
    return [s for s in spans
            if not any(o != s and o[0] >= s[0] and o[1] <= s[1] for o in spans)]


def _main_loop(loops):
    """The loop that does a function's work: the innermost loop with the most FP
    arithmetic, counted in elements (a packed instruction for each of its lanes: a scalar
    loop gcc unrolled completely for a short row, a few elements, is not the work), or,
    among those within a factor 2 of it (gcc's vector loop, unrolled, holds fewer
    instructions per element, and its scalar alias-check fallback about as many), the
    widest.  Also says whether a scalar copy of it sits next to it."""
    top = max(c for c, _ in loops)
    cands = sorted((l for l in loops if 2 * l[0] >= top), key=lambda l: (l[1], l[0]),
                   reverse=True)
    return cands[0][1], cands[0][1] > 0 and any(w == 0 for _, w in cands)


def vector_report(exe, c_source, tyl_source):
    """Vectorisation of the hot loops of `exe`, a program tylesc built from the C
    `c_source` (kept with --keep-c) generated from `tyl_source`.

    How it decides: only functions the generated C defines are read from `objdump -d`
    (its kernels, with gcc's outlined OpenMP bodies such as tyl_k3._omp_fn.0; the run-time
    library is left out), and of those only the kernels whose .tyl statement (named in the
    comment tylesc writes above each) is indented, i.e. inside the time loop: those are
    the hot ones; initialisation is not.  In each, an innermost loop is a range of
    instructions from a backward jump's target to the jump, containing no other; its
    floating-point arithmetic instructions are read, packed (...pd/...ps, width from the
    widest xmm/ymm/zmm register named) or scalar (...sd/...ss), and those at its widest
    width counted.  The kernel's main loop is
    the one with the most (see _main_loop); the kernel is vectorised at that loop's width.
    (A scalar copy next to a vector loop, the remainder or an alias-check fallback, is
    not reported: the two cannot be told apart from the assembly alone.)
    Sweeps without arithmetic (copies) are not counted.  Returns a dict: width (bits of
    the narrowest hot kernel, 0 = scalar), dtype, kernels (.tyl line -> width) and text,
    the table cell."""
    try:
        dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", exe], capture_output=True,
                             text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        return {"width": None, "text": "? (objdump: %s)" % e}
    wanted = _c_functions(c_source)
    tyl_lines = tyl_source.splitlines()
    funcs, cur, owner = {}, None, None
    for line in dis.splitlines():
        m = _FUNC_RE.match(line)
        if m:
            name = m.group(1)
            if name.split(".")[0] in wanted:
                # clang inlines tyl_kN into tyl_runN, the caller the generated C defines
                owner = re.sub(r"^tyl_run(\d+)$", r"tyl_k\1", name.split(".")[0])
                cur = name
            elif name.startswith(".omp_outlined") and owner:
                # clang's outlined OpenMP body follows the function it was outlined from
                cur = owner + "." + name
            else:
                cur = owner = None
            if cur:
                funcs[cur] = []
            continue
        m = _INSN_RE.match(line)
        if cur and m:
            funcs[cur].append((int(m.group(1), 16), m.group(2), m.group(3)))
    per_kernel, dtype = {}, None  # .tyl line -> [(fp count, width)]
    for name, insns in funcs.items():
        stmt = _c_statement(c_source, re.sub(r"^tyl_run(\d+)$", r"tyl_k\1", name.split(".")[0]))
        if not stmt or not (0 < stmt[1] <= len(tyl_lines)) \
                or not tyl_lines[stmt[1] - 1][:1].isspace():
            continue
        for first, last in _loops(insns):
            widths = []
            for _, op, args in insns[first:last + 1]:
                m = _FP_RE.match(op)
                if not m:
                    continue
                dtype = dtype or m.group(2)
                widths.append(max([_WIDTH[r] for r in re.findall(r"%([xyz]mm)\d+", args)])
                              if m.group(1) == "p" else 0)
            if widths:
                # counted at the loop's widest width only: a remainder (gcc's epilogue, a few
                # narrower packed and scalar copies of the body, unrolled) then weighs no more
                # than the vector loop it finishes
                width = max(widths)
                lanes = max(1, width // (64 if dtype == "d" else 32))
                per_kernel.setdefault(stmt[1], []).append((widths.count(width) * lanes, width))
    if not per_kernel:
        return {"width": None, "text": "no arithmetic loop found in the time loop"}
    kernels = {line: _main_loop(loops) for line, loops in sorted(per_kernel.items())}
    bits = 64 if dtype == "d" else 32
    narrow = min(w for w, _ in kernels.values())

    def name(w):
        return "%s %d-bit (%d x f%d)" % ({128: "xmm", 256: "ymm", 512: "zmm"}[w], w, w // bits,
                                         bits) if w else "scalar"
    widths = sorted({w for w, _ in kernels.values()}, reverse=True)
    if len(widths) == 1:
        text = name(narrow) + (" in all %d sweeps" % len(kernels) if len(kernels) > 1 else "")
    else:
        text = "; ".join("%s: line %s" % (name(w), ",".join(str(l) for l, (kw, _) in
                                                          kernels.items() if kw == w))
                         for w in widths)
    return {"width": narrow, "dtype": "f%d" % bits,
            "kernels": {l: w for l, (w, _) in kernels.items()}, "text": text}


def _compile_report(tylesc, tyl, cc, cflags, workdir, all_kernels):
    """Compile one .tyl to an object with `cc` and report on it: (report dict, notes)."""
    import os
    base = os.path.join(workdir, "%s_%s" % (os.path.splitext(os.path.basename(tyl))[0], cc))
    subprocess.run([tylesc, tyl, "-o", base + ".c"], check=True)
    inc = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src", "runtime_mpi")
    flags = ["-std=c11", "-fopenmp", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math", "-fwrapv",
             "-DTYL_NO_MPI",
             "-I" + inc] + cflags
    info = []
    if os.path.basename(cc).startswith("gcc"):
        info = ["-fopt-info-vec-optimized"]
    r = subprocess.run([cc] + flags + info + ["-c", base + ".c", "-o", base + ".o"],
                       capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError("%s failed on %s:\n%s" % (cc, base + ".c", r.stderr))
    with open(base + ".c") as f:
        c_src = f.read()
    with open(tyl) as f:
        tyl_src = f.read()
    if all_kernels:  # every kernel counts as hot: indent each statement line the C names
        tyl_src = "\n".join(" " + l for l in tyl_src.splitlines())
    notes = []
    # gcc says so when a loop only vectorised behind a run-time alias test
    for line in r.stderr.splitlines():
        if "possible aliasing" in line or "versioning for alias" in line:
            notes.append(line.strip())
    return vector_report(base + ".o", c_src, tyl_src), notes


def main(argv=None):
    import argparse
    import os
    import sys
    import tempfile
    ap = argparse.ArgumentParser(description="Compile .tyl programs with tylesc and a C compiler and "
                                 "say, from the object's assembly, whether each kernel's hot loop is "
                                 "vectorised (exit status 1 if one is scalar or needs an alias test, "
                                 "with --require)")
    ap.add_argument("programs", nargs="+")
    ap.add_argument("--tylesc", default="bin/tylesc")
    ap.add_argument("--cc", default="gcc,clang", help="compilers, comma-separated (missing ones skipped)")
    ap.add_argument("--cflags", default="-O3 -march=x86-64-v3")
    ap.add_argument("--all-kernels", action="store_true",
                    help="every kernel with arithmetic, not only those inside a loop")
    ap.add_argument("--require", type=int, default=0, metavar="BITS",
                    help="fail unless every reported kernel is vectorised at least this wide")
    a = ap.parse_args(argv)
    import shutil
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for cc in a.cc.split(","):
            if not shutil.which(cc):
                print("%s: not found, skipped" % cc)
                continue
            for prog in a.programs:
                try:
                    rep, notes = _compile_report(a.tylesc, prog, cc, a.cflags.split(), tmp, a.all_kernels)
                except (RuntimeError, subprocess.CalledProcessError) as e:
                    print("FAIL %s [%s]: %s" % (prog, cc, e))
                    bad += 1
                    continue
                ok = rep.get("width") is not None and rep["width"] >= a.require and not notes
                if a.require and not ok:
                    bad += 1
                print("%s %s [%s]: %s" % ("PASS" if ok or not a.require else "FAIL", prog, cc, rep["text"]))
                for n in notes:
                    print("    run-time alias test: %s" % n)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
