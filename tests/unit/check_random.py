#!/usr/bin/env python3
"""NumPy's random streams against libtyles' (tyl_random.c), bit for bit.
usage: check_random.py plan DIR   writes DIR/plan.txt, the draws test_random makes
       check_random.py check DIR  compares DIR/out_K.bin with NumPy's draws; prints
                                  "ok NAME" / "FAIL NAME"
Plan lines: "S gen seed" (gen 0: the global RandomState, < 0: RandomState objects), "A gen kind a b lo hi dtype n" (n draws into an array),
"D gen kind a b" (one float), "I gen lo hi" (one int). Kinds as in tyles.h."""
import os
import sys

import numpy as np

SAMPLE, SAMPLE_F32, GAUSS, UNIFORM, INT = range(5)
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

def cases():
    out = objects()
    for seed in [0, 1, 42, 12345, 2**32 - 1]:
        ops, s = legacy(seed)
        out.append((None, s, None))
        out += ops
    for k, seed in enumerate([0, 1, 42, 2**32 - 1, 2**32, 12345678901234, 2**63 - 1]):
        ops, s = generator(seed, k + 1)
        out.append((None, s, None))
        out += ops
    return out

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
        want = np.asarray(fn())
        path = os.path.join(d, f"out_{k}.bin")
        k += 1
        got = open(path, "rb").read() if os.path.exists(path) else b""
        if got == want.tobytes():
            print(f"ok random_{name}")
        else:
            failed += 1
            g = np.frombuffer(got, dtype=want.dtype) if len(got) % want.itemsize == 0 else got
            bad = next((i for i in range(min(len(g), want.size)) if g[i] != want.ravel()[i]), None)
            print(f"FAIL random_{name}: {len(got)} bytes, first difference at {bad}"
                  f" ({g[bad] if bad is not None else ''} != {want.ravel()[bad] if bad is not None else ''})")
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
