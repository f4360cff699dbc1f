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
    arithmetic, or, among those within a factor 2 of it (gcc's vector loop, unrolled,
    holds fewer instructions per element, and its scalar alias-check fallback about as
    many), the widest.  Also says whether a scalar copy of it sits next to it."""
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
    floating-point arithmetic instructions are counted, packed (...pd/...ps, width from the
    widest xmm/ymm/zmm register named) or scalar (...sd/...ss).  The kernel's main loop is
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
    funcs, cur = {}, None
    for line in dis.splitlines():
        m = _FUNC_RE.match(line)
        if m:
            name = m.group(1)
            cur = name if name.split(".")[0] in wanted else None
            if cur:
                funcs[cur] = []
            continue
        m = _INSN_RE.match(line)
        if cur and m:
            funcs[cur].append((int(m.group(1), 16), m.group(2), m.group(3)))
    per_kernel, dtype = {}, None  # .tyl line -> [(fp count, width)]
    for name, insns in funcs.items():
        stmt = _c_statement(c_source, name.split(".")[0])
        if not stmt or not (0 < stmt[1] <= len(tyl_lines)) \
                or not tyl_lines[stmt[1] - 1][:1].isspace():
            continue
        for first, last in _loops(insns):
            count, width = 0, 0
            for _, op, args in insns[first:last + 1]:
                m = _FP_RE.match(op)
                if not m:
                    continue
                count += 1
                dtype = dtype or m.group(2)
                if m.group(1) == "p":
                    width = max([width] + [_WIDTH[r] for r in re.findall(r"%([xyz]mm)\d+", args)])
            if count:
                per_kernel.setdefault(stmt[1], []).append((count, width))
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
