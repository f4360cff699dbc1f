#!/usr/bin/env python3
"""NumPy's random streams against libtyles' (tyl_random.c), bit for bit.
usage: check_random.py plan DIR   writes DIR/plan.txt, the draws test_random makes
       check_random.py check DIR  compares DIR/out_K.bin with NumPy's draws; prints
                                  "ok NAME" / "FAIL NAME"
Plan lines: "S gen seed" (gen 0: the global RandomState, < 0: RandomState objects), "A gen kind a b lo hi dtype n" (n draws into an array),
"D gen kind a b" (one float), "I gen lo hi" (one int), "Z" (the ziggurat tables of the
Generator's normals, compared entry by entry with the ones in NumPy's extension modules).
Kinds as in tyles.h."""
import glob
import os
import sys

import numpy as np

SAMPLE, SAMPLE_F32, GAUSS, UNIFORM, INT, GAUSS_F32 = range(6)
GAMMA, BINOMIAL = 11, 12
M = 1000000  # long normal streams: the ziggurat's wedges and tail come up often enough
DT = {"f8": 4, "f4": 3, "i8": 2, "i4": 1}  # tyl_dtype numbers
N = 4999  # odd: the legacy normal keeps a second value for the next call

def legacy(seed):
    """(name, plan lines, numpy results) of one seeded legacy sequence."""
    rs = np.random.RandomState(seed)
    ops = [
        ("random_sample", f"A 0 {SAMPLE} 0 0 0 0 f8 {N}", lambda: rs.random_sample(N)),
        ("randn", f"A 0 {GAUSS} 0 1 0 0 f8 {N}", lambda: rs.randn(N)),
        ("randn_cached", f"A 0 {GAUSS} 0 1 0 0 f8 3", lambda: rs.randn(3)),
        ("randint01", f"A 0 {INT} 0 0 0 2 i8 {N}", lambda: rs.randint(0, 2, N)),
        ("randint_range", f"A 0 {INT} 0 0 -5 1000 i8 {N}", lambda: rs.randint(-5, 1000, N)),
        ("randint_i4", f"A 0 {INT} 0 0 -7 77 i4 {N}", lambda: rs.randint(-7, 77, N, dtype=np.int32)),
        ("randint_2_32", f"A 0 {INT} 0 0 0 4294967296 i8 {N}", lambda: rs.randint(0, 2**32, N)),
        ("randint_big", f"A 0 {INT} 0 0 -3 1099511627776 i8 {N}", lambda: rs.randint(-3, 2**40, N)),
        ("randint_huge", f"A 0 {INT} 0 0 -4611686018427387904 4611686018427387904 i8 {N}",
         lambda: rs.randint(-2**62, 2**62, N)),
        ("uniform", f"A 0 {UNIFORM} -1.5 3.25 0 0 f8 {N}", lambda: rs.uniform(-1.5, 3.25, N)),
        ("normal", f"A 0 {GAUSS} 1.5 0.1 0 0 f8 {N}", lambda: rs.normal(1.5, 0.1, N)),
        ("rand_scalar", f"D 0 {SAMPLE} 0 0", lambda: np.float64(rs.rand())),
        ("randn_scalar", f"D 0 {GAUSS} 0 1", lambda: np.float64(rs.randn())),
        ("randint_scalar", "I 0 3 9", lambda: np.int64(rs.randint(3, 9))),
        ("uniform_f32_cast", f"A 0 {UNIFORM} 0 1 0 0 f4 100", lambda: rs.uniform(0, 1, 100).astype(np.float32)),
        ("gamma_small", f"A 0 {GAMMA} 0.5 2 0 0 f8 {N}", lambda: rs.gamma(0.5, 2.0, N)),
        ("binomial_inv", f"A 0 {BINOMIAL} 0.3 0 40 0 i8 {N}", lambda: rs.binomial(40, 0.3, N)),
        ("binomial_btpe", f"A 0 {BINOMIAL} 0.7 0 5000 0 i8 {N}", lambda: rs.binomial(5000, 0.7, N)),
    ]
    return [(f"legacy_{seed}_{n}", l, f) for n, l, f in ops], f"S 0 {seed}"

def generator(seed, gen):
    g = np.random.default_rng(seed)
    ops = [
        ("random", f"A {gen} {SAMPLE} 0 0 0 0 f8 {N}", lambda: g.random(N)),
        ("integers01", f"A {gen} {INT} 0 0 0 2 i8 {N}", lambda: g.integers(0, 2, N)),
        ("integers_range", f"A {gen} {INT} 0 0 -3 1000000 i8 {N}", lambda: g.integers(-3, 10**6, N)),
        ("integers_i4", f"A {gen} {INT} 0 0 -7 77 i4 {N}", lambda: g.integers(-7, 77, N, dtype=np.int32)),
        ("integers_2_32", f"A {gen} {INT} 0 0 0 4294967296 i8 {N}", lambda: g.integers(0, 2**32, N)),
        ("integers_big", f"A {gen} {INT} 0 0 5 1099511627781 i8 {N}", lambda: g.integers(5, 2**40 + 5, N)),
        ("integers_huge", f"A {gen} {INT} 0 0 -4611686018427387904 4611686018427387904 i8 {N}",
         lambda: g.integers(-2**62, 2**62, N)),
        ("random_f32", f"A {gen} {SAMPLE_F32} 0 0 0 0 f4 {N}", lambda: g.random(N, dtype=np.float32)),
        ("random_after_f32", f"A {gen} {SAMPLE} 0 0 0 0 f8 5", lambda: g.random(5)),
        ("uniform", f"A {gen} {UNIFORM} -1.5 3.25 0 0 f8 {N}", lambda: g.uniform(-1.5, 3.25, N)),
        ("random_scalar", f"D {gen} {SAMPLE} 0 0", lambda: np.float64(g.random())),
        ("integers_scalar", f"I {gen} 3 9", lambda: np.int64(g.integers(3, 9))),
        ("standard_normal", f"A {gen} {GAUSS} -0 1 0 0 f8 {N}", lambda: g.standard_normal(N)),
        ("normal", f"A {gen} {GAUSS} 1.5 0.25 0 0 f8 {N}", lambda: g.normal(1.5, 0.25, N)),
        ("standard_normal_f32", f"A {gen} {GAUSS_F32} 0 0 0 0 f4 {N}",
         lambda: g.standard_normal(N, dtype=np.float32)),
        ("integers_after_f32", f"I {gen} 0 1000", lambda: np.int64(g.integers(0, 1000))),
        ("normal_scalar", f"D {gen} {GAUSS} -2 3", lambda: np.float64(g.normal(-2, 3))),
        ("standard_normal_f32_scalar", f"D {gen} {GAUSS_F32} 0 0",
         lambda: np.float64(g.standard_normal(dtype=np.float32))),
        ("random_after_normal", f"A {gen} {SAMPLE} 0 0 0 0 f8 5", lambda: g.random(5)),
        ("standard_exponential", f"A {gen} {GAMMA} 1 1 0 0 f8 {N}", lambda: g.standard_exponential(N)),
        ("gamma_small", f"A {gen} {GAMMA} 0.5 2 0 0 f8 {N}", lambda: g.gamma(0.5, 2.0, N)),
        ("binomial_inv", f"A {gen} {BINOMIAL} 0.3 0 40 0 i8 {N}", lambda: g.binomial(40, 0.3, N)),
        ("binomial_btpe", f"A {gen} {BINOMIAL} 0.7 0 5000 0 i8 {N}", lambda: g.binomial(5000, 0.7, N)),
    ]
    return [(f"gen_{seed}_{n}", l, f) for n, l, f in ops], f"S {gen} {seed}"

def objects():
    """RandomState objects (generators -1, -2) interleaved with the global stream (0)."""
    a, b, g = np.random.RandomState(7), np.random.RandomState(2**32 - 2), np.random.RandomState(5)
    out = [(None, "S -1 7", None), (None, "S -2 4294967294", None), (None, "S 0 5", None)]
    ops = [
        ("a_randn", f"A -1 {GAUSS} 0 1 0 0 f8 {N}", lambda: a.randn(N)),
        ("global_rand", f"A 0 {SAMPLE} 0 0 0 0 f8 {N}", lambda: g.rand(N)),
        ("b_randint", f"A -2 {INT} 0 0 0 6 i8 {N}", lambda: b.randint(0, 6, N)),
        ("a_randn_cached", f"D -1 {GAUSS} 0 1", lambda: np.float64(a.randn())),
        ("b_normal", f"A -2 {GAUSS} 2 3 0 0 f8 {N}", lambda: b.normal(2, 3, N)),
        ("global_randn", f"A 0 {GAUSS} 0 1 0 0 f8 {N}", lambda: g.randn(N)),
    ]
    return out + [(f"objects_{n}", l, f) for n, l, f in ops]

def normals():
    """Long normal streams (float64 and float32) from a few seeds."""
    out = []
    for k, seed in enumerate([3, 271828, 2**40 + 3]):
        gen = 20 + k
        g = np.random.default_rng(seed)
        out.append((None, f"S {gen} {seed}", None))
        out.append((f"exponentials_{seed}", f"A {gen} {GAMMA} 1 1 0 0 f8 {M}",
                    lambda g=g: g.standard_exponential(M)))
        out.append((f"normals_{seed}_f8", f"A {gen} {GAUSS} -0 1 0 0 f8 {M}",
                    lambda g=g: g.standard_normal(M)))
        out.append((f"normals_{seed}_f4", f"A {gen} {GAUSS_F32} 0 0 0 0 f4 {M}",
                    lambda g=g: g.standard_normal(M, dtype=np.float32)))
    return out

def numpy_tables():
    """NumPy's ziggurat tables (ki, wi, fi in double and float), found in its extension modules
    by their shape: 256 entries, k_1 = 0, f_0 = 1, k_0 and w_0 of the base strip near the values
    of the method. None when not found (another build): the streams still say it all."""
    import re
    d = os.path.join(os.path.dirname(np.__file__), "random")
    for so in sorted(glob.glob(os.path.join(d, "*.so")) + glob.glob(os.path.join(d, "*.pyd"))):
        b = open(so, "rb").read()
        found = {}
        for name, dt, size in [("k", "<u8", 8), ("w", "<f8", 8), ("f", "<f8", 8),
                               ("kf", "<u4", 4), ("wf", "<f4", 4), ("ff", "<f4", 4)]:
            for off in range(size):
                n = (len(b) - off) // size
                a = np.frombuffer(b, dtype=dt, count=n, offset=off)
                if name == "k":
                    hit = np.nonzero((a[:-256] >> 32 == 0xEF33D) & (a[1:-255] == 0))[0]
                elif name == "kf":
                    hit = np.nonzero((a[:-256] >> 8 == 0x7799) & (a[1:-255] == 0))[0]
                elif name in ("w", "wf"):
                    w0 = 8.6836e-16 if name == "w" else 4.6619e-07
                    with np.errstate(all="ignore"):
                        hit = np.nonzero((np.abs(a[:-256] / w0 - 1) < 1e-4) &
                                         (a[1:-255] > 0) & (a[1:-255] < a[:-256] / 10))[0]
                else:
                    with np.errstate(all="ignore"):
                        hit = np.nonzero((a[:-256] == 1.0) & (np.abs(a[1:-255] - 0.9771017) < 1e-6) &
                                         (np.abs(a[255:-1] - 0.0012602859) < 1e-6))[0]
                if len(hit):
                    found[name] = a[hit[0]:hit[0] + 256].copy()
                    break
        if len(found) == 6:
            return found
    return None

def cases():
    out = objects() + [("zig_tables", "Z", None)] + normals()
    for seed in [0, 1, 42, 12345, 2**32 - 1]:
        ops, s = legacy(seed)
        out.append((None, s, None))
        out += ops
    for k, seed in enumerate([0, 1, 42, 2**32 - 1, 2**32, 12345678901234, 2**63 - 1]):
        ops, s = generator(seed, k + 1)
        out.append((None, s, None))
        out += ops
    return out

def check_tables(name, got):
    """The tables test_random wrote (k, w, f as 256 uint64/double; kf, wf, ff as 256
    uint32/float) against NumPy's; 1 when they differ."""
    want = numpy_tables()
    if want is None:
        print(f"ok random_{name} (NumPy's tables not found in its modules; the streams compare)")
        return 0
    ours, off = {}, 0
    for name_, dt in [("k", "<u8"), ("w", "<f8"), ("f", "<f8"), ("kf", "<u4"), ("wf", "<f4"), ("ff", "<f4")]:
        n = 256 * np.dtype(dt).itemsize
        ours[name_] = np.frombuffer(got[off:off + n], dtype=dt) if len(got) >= off + n else None
        off += n
    bad = []
    for t, v in want.items():
        o = ours[t]
        if o is None or o.size != 256:
            bad.append(f"{t}: missing")
            continue
        diff = np.nonzero(o.view(v.dtype.str.replace("f", "u")) != v.view(v.dtype.str.replace("f", "u")))[0]
        if len(diff):
            bad.append(f"{t}: {len(diff)} levels differ, {[int(i) for i in diff[:8]]}")
    if bad:
        print(f"FAIL random_{name}: " + "; ".join(bad))
        return 1
    print(f"ok random_{name}")
    return 0

def main():
    mode, d = sys.argv[1], sys.argv[2]
    cs = cases()
    if mode == "plan":
        with open(os.path.join(d, "plan.txt"), "w") as f:
            for _, line, _ in cs:
                f.write(line + "\n")
        return 0
    failed = 0
    k = 0
    for name, line, fn in cs:
        if name is None:
            continue
        path = os.path.join(d, f"out_{k}.bin")
        k += 1
        got = open(path, "rb").read() if os.path.exists(path) else b""
        if fn is None:
            failed += check_tables(name, got)
            continue
        want = np.asarray(fn())
        if got == want.tobytes():
            print(f"ok random_{name}")
        else:
            failed += 1
            g = np.frombuffer(got, dtype=want.dtype) if len(got) % want.itemsize == 0 else got
            bad = next((i for i in range(min(len(g), want.size)) if g[i] != want.ravel()[i]), None)
            ndiff = int(np.sum(g != want.ravel())) if len(g) == want.size else -1
            print(f"FAIL random_{name}: {len(got)} bytes, first difference at {bad}"
                  f" ({g[bad] if bad is not None else ''} != {want.ravel()[bad] if bad is not None else ''}),"
                  f" {ndiff} of {want.size} differ")
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
