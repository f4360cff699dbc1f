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
                           [--ranks=3] [--rank-sample=P] [--flags='--split-main=1 ...'] [--threads=T] [--constructs=1] [--seconds=S]

--programs: the programs mutated, globs relative to the repository (default tests/programs/*.tyl);
--maxsize: larger programs are left out (default 3000).
--hostile=1: numbers replaced by edge values too (negative, 64, nan, inf, 1e300).
--ranks=N: a sample of the mutants that match NumPy at 1 rank (a fraction P, --rank-sample,
  default 0.5) also run under mpirun --oversubscribe -np N, as tests/run_tests.py does; their
  stdout, exit status and .npy files compared with NumPy's (decomposition bugs: halos,
  reductions, gathers, prints). A mutant NumPy raises on must not exit 0 at N ranks either.
--constructs=1: each mutant also gets one of constructs.py's mutations (a statement of the
  newest constructs inserted, or the module's constants moved into a @dataclass) before its
  numbers are replaced.
--seconds=S: stop after S seconds (the summary says how many mutants ran).
--flags: more tylesc options (e.g. --split-main=1); the environment goes to the compiled runs
  (e.g. TYLES_BLOCK_ROWS=3 TYLES_PAD_ROWS=1). --threads: OMP_NUM_THREADS of the runs (default 1).
"""
import glob, math, os, random, re, shutil, subprocess, sys, time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import constructs

root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
opt = {'seed': '1', 'count': '200', 'tylesc': 'bin/tylesc', 'out': 'build/fuzz/mutants',
       'programs': 'tests/programs/*.tyl', 'maxsize': '3000', 'hostile': None, 'ranks': None,
       'rank-sample': '0.5', 'flags': '', 'threads': '1', 'constructs': None, 'seconds': None}
for a in sys.argv[1:]:
    k, _, v = a.lstrip('-').partition('=')
    if k not in opt:
        sys.exit(__doc__)
    opt[k] = v
hostile = opt['hostile'] is not None
seed, count = int(opt['seed']), int(opt['count'])
tylesc, out = os.path.join(root, opt['tylesc']), os.path.join(root, opt['out'])
ranks, rank_sample, flags = int(opt['ranks'] or 1), float(opt['rank-sample']), opt['flags'].split()
mpirun = ['mpirun', '--allow-run-as-root', '--oversubscribe', '-q', '-np', str(ranks)]
rnd = random.Random(seed)
rrnd = random.Random(-seed) # which mutants also run at N ranks (rnd's sequence as without --ranks)
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
env = dict(os.environ, OMP_NUM_THREADS=opt['threads'], PYTHONWARNINGS='ignore')
# the NumPy runs see tests/stubs (numba, matplotlib stand-ins) as tests/run_tests.py's do (seed
# 9603: numba_heat_loops' mutant raised ModuleNotFoundError without them)
py_env = dict(env, OMP_NUM_THREADS='1', PYTHONPATH=os.pathsep.join([os.path.join(root, 'tests', 'stubs')] +
                                              [p for p in [os.environ.get('PYTHONPATH')] if p]))
# the second reference, as tests/run_tests.py's: NumPy's own SIMD exp/log/sin/... round some
# results differently from libm, which the compiled code calls
libm_env = dict(py_env, NPY_DISABLE_CPU_FEATURES='X86_V3 X86_V4 AVX512_ICL AVX512_SPR')


def differs(py, r, tol, d=None):
    """Why the compiled run r (in d) differs from the NumPy run py (in pyw), or None."""
    if not same(py.stdout.decode(), r.stdout.decode(), tol):
        return 'compiled run differs from NumPy (exit %d)' % r.returncode
    bad = same_arrays(npys(pyw), npys(d or work), tol)
    return 'compiled run saves another %s' % bad if bad else None


def run_ranks(argv):
    """The compiled program run at `ranks` ranks in its own folder (work/rN)."""
    d = os.path.join(work, 'r%d' % ranks)
    os.makedirs(d)
    shutil.copy(os.path.join(work, 'm'), d)
    menv = dict(env, OMPI_ALLOW_RUN_AS_ROOT='1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM='1',
                OMPI_MCA_rmaps_base_oversubscribe='1')
    return subprocess.run(mpirun + ['./m'] + argv, cwd=d, capture_output=True, timeout=120, env=menv), d
found = ran = ran_n = 0
t0 = time.monotonic()
for it in range(count):
    if opt['seconds'] and time.monotonic() - t0 > float(opt['seconds']):
        count = it
        break
    src = open(rnd.choice(files)).read()
    if opt['constructs']:
        src = (constructs.dataclassify if rnd.random() < .3 else constructs.insert_construct)(src, rnd)
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
            py = subprocess.run([sys.executable, 'm.tyl'] + argv, cwd=pyw, capture_output=True, timeout=60, env=py_env)
        except subprocess.TimeoutExpired: # NumPy's own endless loop (a time step made negative)
            continue
        raised = py.returncode != 0
        if raised and (b'Traceback' not in py.stderr or b'RecursionError' in py.stderr):
            continue
        c = subprocess.run([tylesc] + flags + ['m.tyl', '-o', 'm'], cwd=work, capture_output=True, timeout=120)
        if c.returncode > 1:
            why = 'tylesc exit %d: %s' % (c.returncode, c.stderr.decode()[-200:])
        elif c.returncode == 0:
            r = subprocess.run(['./m'] + argv, cwd=work, capture_output=True, timeout=60, env=env)
            ran += 1
            multi = ranks > 1 and rrnd.random() < rank_sample
            if raised:
                if r.returncode == 0:
                    why = 'NumPy raised (%s), the compiled run exits 0' % py.stderr.decode().strip().split('\n')[-1][:120]
                elif multi:
                    rn, _ = run_ranks(argv)
                    ran_n += 1
                    if rn.returncode == 0:
                        why = 'NumPy raised (%s), the compiled run at %d ranks exits 0' % (
                            py.stderr.decode().strip().split('\n')[-1][:120], ranks)
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
                if not why and multi:
                    rn, d = run_ranks(argv)
                    ran_n += 1
                    if rn.returncode != 0:
                        why = 'compiled run at %d ranks fails (exit %d): %s' % (
                            ranks, rn.returncode, rn.stderr.decode()[-200:])
                    else:
                        why = differs(py, rn, tol, d)
                        if why:
                            py = subprocess.run([sys.executable, 'm.tyl'] + argv, cwd=pyw, capture_output=True,
                                                timeout=60, env=libm_env)
                            why = differs(py, rn, tol, d) and why
                        if why:
                            why = why.replace('compiled run', 'compiled run at %d ranks' % ranks)
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
print('differential.py: seed %d, %d mutants, %d compiled and run%s: %d findings' % (
    seed, count, ran, ', %d of them also at %d ranks' % (ran_n, ranks) if ranks > 1 else '', found))
sys.exit(1 if found else 0)
