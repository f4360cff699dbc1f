#!/usr/bin/env python3
"""Line- and token-level mutants of the repository's programs through tylesc (make fuzz-long).

libFuzzer's byte mutations mostly stop in the scanner or the parser; these mutants stay valid-
looking Python (a line deleted, duplicated, swapped, re-indented or taken from another program; a
number, a name, an operator or a subscript replaced), so they reach the lowering and the passes.
A finding: an exit status other than 0 or 1, a signal, 'internal error', a sanitizer report, or
more than 20 s. Each is written to OUTDIR/find_SEED_N.tyl and listed on stdout.

    tests/fuzz/mutate.py [--seed=S] [--count=N] [--tylesc=bin/tylesc] [--out=build/fuzz/mutants]
                         [--programs=GLOB[,GLOB...]] [--near=REGEX] [--constructs=1] [--seconds=S] [-- TYLESC-OPTIONS...]

--programs: the programs mutated, globs relative to the repository (default: every program of
tests/programs, tests/lib and samples); lines spliced in still come from all of those.
--near=REGEX: mutate around a construct: the line a mutation changes (and, for token
replacements, the token) is one that matches REGEX, where a program has such lines (e.g.
--near='np\.append|\.at\(|isin|zip|enumerate|\bsum\(|\bmax\(|\.append\(').
--seconds=S: stop after S seconds (the summary says how many mutants ran).
--constructs=1: two more mutations (constructs.py): a statement of the newest constructs
inserted (np.split, searchsorted, insert/delete, tensordot, np.ix_, divmod, out=, None-or-array
names ...) reading the program's names, and the module's constants moved into a @dataclass.
"""
import glob, os, random, re, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import constructs

root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
opt = {'seed': '1', 'count': '2000', 'tylesc': 'bin/tylesc', 'out': 'build/fuzz/mutants', 'programs': '', 'near': '', 'constructs': '', 'seconds': ''}
argv = sys.argv[1:]
extra = argv[argv.index('--') + 1:] if '--' in argv else []
for a in argv[:argv.index('--')] if '--' in argv else argv:
    k, _, v = a.lstrip('-').partition('=')
    if k not in opt:
        sys.exit(__doc__)
    opt[k] = v
seed, count = int(opt['seed']), int(opt['count'])
tylesc = os.path.join(root, opt['tylesc'])
out = os.path.join(root, opt['out'])
rnd = random.Random(seed)
files = sorted(glob.glob(root + '/tests/programs/*.tyl') + glob.glob(root + '/tests/lib/*.tyl') +
               glob.glob(root + '/tests/lib/warnings/*.tyl') + glob.glob(root + '/samples/*.tyl'))
srcs = {f: open(f, encoding='utf-8').read() for f in files}
seeds = sorted(set(sum((glob.glob(os.path.join(root, g)) for g in opt['programs'].split(',')), []))) \
    if opt['programs'] else files
for f in seeds:
    srcs.setdefault(f, open(f, encoding='utf-8').read())
if not seeds:
    sys.exit('mutate.py: no program matches ' + opt['programs'])
NUMS = ['0', '-1', '1', '2', '9223372036854775807', '1e308', '0.0', '-0.0', '3', '100000000000',
        'True', 'None', "'s'", '()', '[]', 'np.nan']
OPS = ['+', '-', '*', '/', '//', '%', '**', '@', '<', '==', 'and', 'or', '&', '|', '^', '<<', '>>']
SUBS = ['[::-1]', '[1:-1, ::2]', '[None]', '[..., 0]', '[0, 0, 0, 0]', '[:, None]', '[::0]', '[-1]',
        '[2:1]', '[[0, 1]]', '[True]', '[[]]']


near = re.compile(opt['near']) if opt['near'] else None


def near_spans(src):
    """The [start, end) of each line of src that matches --near."""
    spans, at = [], 0
    for line in src.split('\n'):
        if near and near.search(line):
            spans.append((at, at + len(line)))
        at += len(line) + 1
    return spans


def replace(src, pattern, choices):
    toks = list(re.finditer(pattern, src))
    spans = near_spans(src)
    close = [t for t in toks if any(a <= t.start() < b for a, b in spans)]
    toks = close or toks
    if not toks:
        return src
    t = rnd.choice(toks)
    return src[:t.start()] + rnd.choice(choices) + src[t.end():]


def mutate(src):
    lines = src.split('\n')
    i, j, k = rnd.randrange(len(lines)), rnd.randrange(len(lines)), rnd.randrange(12 if opt['constructs'] else 9)
    hits = [n for n, line in enumerate(lines) if near and near.search(line)]
    if hits:
        i = rnd.choice(hits)
    if k == 0:
        del lines[i]
    elif k == 1:
        lines.insert(i, lines[j])
    elif k == 2:
        lines[i], lines[j] = lines[j], lines[i]
    elif k == 3:
        return replace(src, r'\b\d+(\.\d*)?(e-?\d+)?\b', NUMS)
    elif k == 4:
        return replace(src, r'\b[A-Za-z_][A-Za-z_0-9]*\b', re.findall(r'\b[A-Za-z_][A-Za-z_0-9]*\b', src))
    elif k == 5:
        return replace(src, r' (\+|-|\*|/|//|\*\*|<|>|==) ', [' %s ' % o for o in OPS])
    elif k == 6:
        return replace(src, r'\[[^\[\]\n]*\]', SUBS)
    elif k == 7:
        lines[i] = '    ' + lines[i] if rnd.random() < .5 else lines[i].lstrip()
    elif k in (9, 10):
        return constructs.insert_construct(src, rnd)
    elif k == 11:
        return constructs.dataclassify(src, rnd)
    else:
        lines.insert(i, rnd.choice(srcs[rnd.choice(files)].split('\n')))
    return '\n'.join(lines)


work = os.path.join(out, 'work%d' % seed)
os.makedirs(work, exist_ok=True)
output = 'm.cu' if '--target=cuda' in extra else 'm.c'
found = 0
t0 = time.monotonic()
for it in range(count):
    if opt['seconds'] and time.monotonic() - t0 > float(opt['seconds']):
        count = it
        break
    f = rnd.choice(seeds)
    src = srcs[f]
    for _ in range(rnd.randrange(1, 4)):
        src = mutate(src)
    open(os.path.join(work, 'm.tyl'), 'w', encoding='utf-8').write(src)
    try:
        r = subprocess.run([tylesc] + extra + ['m.tyl', '-o', output], cwd=work, capture_output=True,
                           timeout=20)
        err = r.stderr.decode('utf-8', 'replace')
        bad = r.returncode not in (0, 1) or any(s in err for s in ('internal error', 'Sanitizer', 'runtime error'))
        why = 'exit %d: %s' % (r.returncode, next((l for l in err.split('\n') if 'internal' in l or
                                                    'ERROR' in l or 'runtime error' in l), ''))
    except subprocess.TimeoutExpired:
        bad, why = True, 'over 20 s'
    if bad:
        found += 1
        q = os.path.join(out, 'find_%d_%d.tyl' % (seed, it))
        open(q, 'w', encoding='utf-8').write(src)
        print('%s (from %s): %s' % (os.path.relpath(q, root), os.path.basename(f), why), flush=True)
print('mutate.py: seed %d, %d mutants with tylesc %s: %d findings' % (seed, count, ' '.join(extra), found))
sys.exit(1 if found else 0)
