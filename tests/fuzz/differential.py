#!/usr/bin/env python3
"""Differential mutants (make fuzz-long): numbers of the repository's programs replaced, each
mutant run by Python/NumPy and compiled by tylesc and run at 1 rank; their stdout compared
(numbers to 1e-7 relative, or the program's '# tolerance:') and the .npy files they write
(shape, dtype, values alike), NumPy restricted to libm the second reference as in
tests/run_tests.py. A finding is a compiled run that fails, prints or saves something else
(silently wrong code), a mutant NumPy raises on that compiles and runs with exit status 0 (it
had to be refused, or stop with an error), a compiler exit status above 1, or a hang; written
to OUTDIR/diff_SEED_N.tyl.
Programs with inputs (NAME.data/) or '# args:' are left out.

    tests/fuzz/differential.py [--seed=S] [--count=N] [--tylesc=bin/tylesc] [--out=build/fuzz/mutants]
                               [--programs=GLOB[,GLOB...]] [--maxsize=BYTES] [--hostile=1]

--programs: the programs mutated, globs relative to the repository (default tests/programs/*.tyl);
--maxsize: larger programs are left out (default 3000).
--hostile=1: numbers replaced by edge values too (negative, 64, nan, inf, 1e300).
"""
import glob, math, os, random, re, shutil, subprocess, sys

import numpy as np

root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
opt = {'seed': '1', 'count': '200', 'tylesc': 'bin/tylesc', 'out': 'build/fuzz/mutants',
       'programs': 'tests/programs/*.tyl', 'maxsize': '3000', 'hostile': None}
for a in sys.argv[1:]:
    k, _, v = a.lstrip('-').partition('=')
    if k not in opt:
        sys.exit(__doc__)
    opt[k] = v
hostile = opt['hostile'] is not None
seed, count = int(opt['seed']), int(opt['count'])
tylesc, out = os.path.join(root, opt['tylesc']), os.path.join(root, opt['out'])
rnd = random.Random(seed)
files = [f for f in sorted(set(sum((glob.glob(os.path.join(root, g)) for g in opt['programs'].split(',')), [])))
         if not os.path.isdir(f[:-4] + '.data') and os.path.getsize(f) < int(opt['maxsize']) and
         '# args:' not in open(f).read()]
if not files:
    sys.exit('differential.py: no program matches ' + opt['programs'])
NUMS = ['0', '1', '2', '3', '4', '5', '7', '10', '0.5', '1.5', '-1']
if hostile: # values NumPy refuses or treats at an edge (empty ranges, shifts, percentiles)
    NUMS += ['-2', '0.0', '-0.5', '64', '65', '101', '100.5', '1e300', 'np.nan', 'np.inf']


def mutate(src):
    toks = list(re.finditer(r'(?<![\w.])\d+(\.\d*)?(?![\w.])', src))
    if not toks:
        return src
    t = rnd.choice(toks)
    return src[:t.start()] + rnd.choice(NUMS) + src[t.end():]


def npys(d):
    return {f: np.load(os.path.join(d, f), allow_pickle=False) for f in sorted(os.listdir(d)) if f.endswith('.npy')}


def same_arrays(a, b, tol):
    """The .npy files of the NumPy run (a) and the compiled run (b): the name of one that differs."""
    if sorted(a) != sorted(b):
        return ' '.join(sorted(set(a) ^ set(b)))
    for f in a:
        x, y = a[f], b[f]
        if x.shape != y.shape or x.dtype != y.dtype:
            return f
        if x.dtype.kind in 'fc':
            if not np.allclose(x, y, rtol=tol, atol=1e-9, equal_nan=True):
                return f
        elif not np.array_equal(x, y):
            return f
    return None


def tokens(s):
    return re.findall(r'[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf|\S', s)


def same(a, b, tol):
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
        if not (math.isclose(fx, fy, rel_tol=tol, abs_tol=1e-9) or (math.isnan(fx) and math.isnan(fy))):
            return False
    return True


work = os.path.join(out, 'dwork%d' % seed)
pyw = os.path.join(work, 'py')
env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
# the second reference, as tests/run_tests.py's: NumPy's own SIMD exp/log/sin/... round some
# results differently from libm, which the compiled code calls
libm_env = dict(env, NPY_DISABLE_CPU_FEATURES='X86_V3 X86_V4 AVX512_ICL AVX512_SPR')


def differs(py, r, tol):
    """Why the compiled run r differs from the NumPy run py (in pyw), or None."""
    if not same(py.stdout.decode(), r.stdout.decode(), tol):
        return 'compiled run differs from NumPy (exit %d)' % r.returncode
    bad = same_arrays(npys(pyw), npys(work), tol)
    return 'compiled run saves another %s' % bad if bad else None
found = ran = 0
for it in range(count):
    src = open(rnd.choice(files)).read()
    for _ in range(rnd.randrange(1, 3)):
        src = mutate(src)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(pyw)
    open(os.path.join(work, 'm.tyl'), 'w').write(src)
    open(os.path.join(pyw, 'm.tyl'), 'w').write(src)
    why = None
    # a program's '# argv:' arguments go to both runs (numbers in them mutated alike); without
    # them sys.argv[-1] was each run's own name, 'm.tyl' against './m' (seed 5702)
    am = re.search(r'^# argv:(.*)$', src, re.M)
    argv = am.group(1).split() if am else []
    try:
        try:
            py = subprocess.run([sys.executable, 'm.tyl'] + argv, cwd=pyw, capture_output=True, timeout=60, env=env)
        except subprocess.TimeoutExpired: # NumPy's own endless loop (a time step made negative)
            continue
        raised = py.returncode != 0
        if raised and (b'Traceback' not in py.stderr or b'RecursionError' in py.stderr):
            continue
        c = subprocess.run([tylesc, 'm.tyl', '-o', 'm'], cwd=work, capture_output=True, timeout=120)
        if c.returncode > 1:
            why = 'tylesc exit %d: %s' % (c.returncode, c.stderr.decode()[-200:])
        elif c.returncode == 0:
            r = subprocess.run(['./m'] + argv, cwd=work, capture_output=True, timeout=60, env=env)
            ran += 1
            if raised:
                if r.returncode == 0:
                    why = 'NumPy raised (%s), the compiled run exits 0' % py.stderr.decode().strip().split('\n')[-1][:120]
            elif r.returncode != 0:
                why = 'compiled run differs from NumPy (exit %d)' % r.returncode
            else:
                # a program's '# tolerance: X' (float32 sums, library calls) as run_tests.py's
                m = re.search(r'^# tolerance: *([0-9.]+(?:[eE][-+]?[0-9]+)?)\s*$', src, re.M)
                tol = max(1e-7, float(m.group(1))) if m else 1e-7
                why = differs(py, r, tol)
                if why:
                    py = subprocess.run([sys.executable, 'm.tyl'] + argv, cwd=pyw, capture_output=True, timeout=60,
                                        env=libm_env)
                    why = differs(py, r, tol) and why
    except subprocess.TimeoutExpired:
        why = 'timeout'
    except (ValueError, OSError) as e: # an .npy file the compiled run wrote that NumPy cannot read
        why = 'unreadable .npy: %s' % e
    if why and 'saves another' in why and re.search(r'np\.(empty|ndarray)', src):
        why += ' (or NumPy read np.empty memory the mutant no longer writes)'
    if why:
        found += 1
        q = os.path.join(out, 'diff_%d_%d.tyl' % (seed, it))
        open(q, 'w').write(src)
        print('%s: %s' % (os.path.relpath(q, root), why), flush=True)
print('differential.py: seed %d, %d mutants, %d compiled and run: %d findings' % (seed, count, ran, found))
sys.exit(1 if found else 0)
