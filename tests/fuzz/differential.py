#!/usr/bin/env python3
"""Differential mutants (make fuzz-long): numbers of the repository's programs replaced, each
mutant run by Python/NumPy and, when NumPy runs it, compiled by tylesc and run at 1 rank; their
stdout compared (numbers to 1e-7 relative). A finding is a compiled run that fails or prints
something else (silently wrong code), a compiler exit status above 1, or a hang; written to
OUTDIR/diff_SEED_N.tyl. Programs with inputs (NAME.data/) or '# args:' are left out.

    tests/fuzz/differential.py [--seed=S] [--count=N] [--tylesc=bin/tylesc] [--out=build/fuzz/mutants]
"""
import glob, math, os, random, re, subprocess, sys

root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
opt = {'seed': '1', 'count': '200', 'tylesc': 'bin/tylesc', 'out': 'build/fuzz/mutants'}
for a in sys.argv[1:]:
    k, _, v = a.lstrip('-').partition('=')
    if k not in opt:
        sys.exit(__doc__)
    opt[k] = v
seed, count = int(opt['seed']), int(opt['count'])
tylesc, out = os.path.join(root, opt['tylesc']), os.path.join(root, opt['out'])
rnd = random.Random(seed)
files = [f for f in sorted(glob.glob(root + '/tests/programs/*.tyl'))
         if not os.path.isdir(f[:-4] + '.data') and os.path.getsize(f) < 3000 and '# args:' not in open(f).read()]
NUMS = ['0', '1', '2', '3', '4', '5', '7', '10', '0.5', '1.5', '-1']


def mutate(src):
    toks = list(re.finditer(r'(?<![\w.])\d+(\.\d*)?(?![\w.])', src))
    if not toks:
        return src
    t = rnd.choice(toks)
    return src[:t.start()] + rnd.choice(NUMS) + src[t.end():]


def tokens(s):
    return re.findall(r'[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf|\S', s)


def same(a, b):
    ta, tb = tokens(a), tokens(b)
    if len(ta) != len(tb):
        return False
    for x, y in zip(ta, tb):
        if x == y:
            continue
        try:
            fx, fy = float(x), float(y)
        except ValueError:
            return False
        if not (math.isclose(fx, fy, rel_tol=1e-7, abs_tol=1e-9) or (math.isnan(fx) and math.isnan(fy))):
            return False
    return True


work = os.path.join(out, 'dwork%d' % seed)
os.makedirs(work, exist_ok=True)
env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
found = ran = 0
for it in range(count):
    src = open(rnd.choice(files)).read()
    for _ in range(rnd.randrange(1, 3)):
        src = mutate(src)
    open(os.path.join(work, 'm.tyl'), 'w').write(src)
    why = None
    try:
        py = subprocess.run([sys.executable, 'm.tyl'], cwd=work, capture_output=True, timeout=60, env=env)
        if py.returncode != 0:
            continue
        c = subprocess.run([tylesc, 'm.tyl', '-o', 'm'], cwd=work, capture_output=True, timeout=120)
        if c.returncode > 1:
            why = 'tylesc exit %d: %s' % (c.returncode, c.stderr.decode()[-200:])
        elif c.returncode == 0:
            r = subprocess.run(['./m'], cwd=work, capture_output=True, timeout=60, env=env)
            ran += 1
            if r.returncode != 0 or not same(py.stdout.decode(), r.stdout.decode()):
                why = 'compiled run differs from NumPy (exit %d)' % r.returncode
    except subprocess.TimeoutExpired:
        why = 'timeout'
    if why:
        found += 1
        q = os.path.join(out, 'diff_%d_%d.tyl' % (seed, it))
        open(q, 'w').write(src)
        print('%s: %s' % (os.path.relpath(q, root), why), flush=True)
print('differential.py: seed %d, %d mutants, %d compiled and run: %d findings' % (seed, count, ran, found))
sys.exit(1 if found else 0)
