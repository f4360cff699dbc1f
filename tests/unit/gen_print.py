#!/usr/bin/env python3
"""Arrays and NumPy 2's str() and repr() of them, for test_print_array.c.

usage: gen_print.py OUTFILE
Each case: a line "NAME DTYPE RANK S0 S1 S2 S3 NDATA NSTR NREPR", then the array's bytes
(C order, little-endian), str(a) and repr(a) (UTF-8, no terminators).
"""
import sys

import numpy as np

CODES = {np.bool_: 0, np.int32: 1, np.int64: 2, np.float32: 3, np.float64: 4}


def cases():
    rng = np.random.default_rng(12)
    nan, inf = np.nan, np.inf
    f = {}
    # one value class per case: every notation and padding rule of FloatingFormat
    f["small"] = rng.standard_normal(7)
    f["ints_as_floats"] = np.array([1.0, 2.0, -3.0, 40.0, 0.0])
    f["one"] = np.array([1.0])
    f["neg_zero"] = np.array([-0.0, 0.0, 1.5])
    f["only_neg_zero"] = np.array([-0.0])
    f["zeros"] = np.zeros(4)
    f["tiny"] = rng.standard_normal(6) * 1e-7
    f["huge"] = rng.standard_normal(6) * 1e12
    f["mixed"] = np.array([1e-3, 2.5, 1e5, -7.25])
    f["sum_01_02"] = np.array([0.1 + 0.2, 0.1, 0.2])
    f["e16"] = np.array([1e16, 1.0, 2.0])
    f["e16_alone"] = np.array([1e16])
    f["thirds"] = np.array([1 / 3, 2 / 3, -1 / 3])
    f["tie_at_8"] = np.array([0.001953125, 0.5])
    f["round_up_9s"] = np.array([0.999999999, 1.5])
    f["many_digits"] = np.array([123.456789012, 0.000123456789, 9.87654321])
    f["edge_1e8"] = np.array([99999999.0, 1.0])
    f["edge_1e8_sci"] = np.array([1e8, 1.0])
    f["edge_1e-4"] = np.array([1e-4, 0.1])
    f["edge_below_1e-4"] = np.array([9.9999e-5, 0.1])
    f["ratio_1000"] = np.array([1.0, 1000.0])
    f["ratio_over_1000"] = np.array([1.0, 1000.5])
    f["sci_round"] = np.array([1.23456789012e-9, 9.999999999e10, 3e-5])
    f["exp3"] = np.array([1e100, 1e-300, 2.5])
    f["extremes"] = np.array([5e-324, 1.7976931348623157e308, -2.2250738585072014e-308])
    f["nan_inf"] = np.array([nan, inf, -inf, 1.5, -2.25])
    f["nan_only"] = np.array([nan, nan])
    f["inf_only"] = np.array([inf, nan])
    f["neginf_only"] = np.array([-inf, nan, inf])
    f["nan_sci"] = np.array([nan, 1e-9, -inf, 3e10])
    f["nan_ints"] = np.array([nan, 1.0, 2.0])
    f["negatives"] = -np.abs(rng.standard_normal(5)) * 10
    f["pow2"] = np.array([2.0 ** 53, 2.0 ** -20, 0.5])
    f["long_row"] = rng.standard_normal(40)
    f["long_row_sci"] = rng.standard_normal(30) * 1e-9
    f["long_ints_as_floats"] = np.arange(60.0)
    out = []
    for name, v in f.items():
        out.append(("f64_" + name, v.astype(np.float64)))
        out.append(("f32_" + name, v.astype(np.float32)))
    f32 = np.array([0.1, 1 / 3, 16777217.0, 3.4e38, 1e-45, 0.3], dtype=np.float32)
    out.append(("f32_shortest", f32))
    out.append(("f32_random", rng.standard_normal(9).astype(np.float32)))
    out.append(("f32_edge_1e-4", np.array([np.float32(1e-4), np.float32(0.05)], dtype=np.float32)))
    out.append(("f32_below_1e-4", np.array([np.nextafter(np.float32(1e-4), np.float32(0)), 0.05],
                                           dtype=np.float32)))
    out.append(("f32_ratio", np.array([np.float32(0.3), np.float32(300.0)], dtype=np.float32)))
    out.append(("f32_ratio_next", np.array([np.float32(0.3), np.nextafter(np.float32(300.0),
                                                                          np.float32(1e9))],
                                           dtype=np.float32)))
    # many small arrays whose magnitudes straddle the notation switches (1e-4, 1e6 for float32,
    # 1e8 and 1e16), as single elements and mixed: several thousand values in all
    mags = [-5, -4, -3, 0, 5, 6, 7, 8, 15, 16, 17]
    for i in range(600):
        n = int(rng.integers(1, 6))
        v = rng.uniform(1, 10, n) * 10.0 ** rng.choice(mags, n) * rng.choice([-1, 1], n)
        if i % 3 == 0:
            v = np.round(v, int(rng.integers(0, 4)))
        out.append(("f32_switch_%d" % i, v.astype(np.float32)))
        out.append(("f64_switch_%d" % i, v.astype(np.float64)))
    # integers: widths, negatives, extremes
    for dt, nm in ((np.int64, "i64"), (np.int32, "i32")):
        info = np.iinfo(dt)
        out.append((nm + "_small", np.array([1, -2, 3, 100], dtype=dt)))
        out.append((nm + "_extremes", np.array([info.min, info.max, 0, -1], dtype=dt)))
        out.append((nm + "_random", rng.integers(-10 ** 6, 10 ** 6, 37).astype(dt)))
        out.append((nm + "_2d", rng.integers(-50, 5000, (7, 9)).astype(dt)))
        out.append((nm + "_3d", rng.integers(-9, 9, (3, 4, 5)).astype(dt)))
        out.append((nm + "_4d", rng.integers(0, 100, (2, 3, 2, 4)).astype(dt)))
        out.append((nm + "_big", np.arange(2000, dtype=dt) * 3 - 1000))
        out.append((nm + "_big_2d", rng.integers(-10 ** 9, 10 ** 9, (50, 40)).astype(dt)))
        out.append((nm + "_long", rng.integers(0, 10 ** 8, 100).astype(dt)))
    out.append(("bool_1d", rng.random(10) < 0.5))
    out.append(("bool_all_true", np.ones(3, dtype=bool)))
    out.append(("bool_all_false", np.zeros(3, dtype=bool)))
    out.append(("bool_2d", rng.random((4, 5)) < 0.5))
    out.append(("bool_long", rng.random(40) < 0.5))
    out.append(("bool_big", rng.random((30, 40)) < 0.5))
    out.append(("bool_4d", rng.random((2, 2, 3, 2)) < 0.5))
    # shapes and summarisation
    for dt, nm in ((np.float64, "f64"), (np.float32, "f32")):
        out.append((nm + "_2d", rng.standard_normal((3, 4)).astype(dt)))
        out.append((nm + "_2d_wide", rng.standard_normal((3, 14)).astype(dt)))
        out.append((nm + "_3d", rng.standard_normal((2, 3, 4)).astype(dt)))
        out.append((nm + "_4d", rng.standard_normal((2, 2, 2, 3)).astype(dt)))
        out.append((nm + "_4d_sci", (rng.standard_normal((2, 3, 2, 2)) * 1e6).astype(dt)))
        out.append((nm + "_1001", rng.standard_normal(1001).astype(dt)))
        out.append((nm + "_1000", rng.standard_normal(1000).astype(dt)))
        out.append((nm + "_big_2d", rng.standard_normal((40, 30)).astype(dt)))
        out.append((nm + "_big_2d_short_rows", rng.standard_normal((500, 3)).astype(dt)))
        out.append((nm + "_big_3d", rng.standard_normal((11, 10, 10)).astype(dt)))
        out.append((nm + "_big_4d", rng.standard_normal((5, 6, 7, 8)).astype(dt)))
        out.append((nm + "_big_4d_mixed", (rng.standard_normal((3, 9, 2, 30)) *
                                          10.0 ** rng.integers(-6, 6, (3, 9, 2, 30))).astype(dt)))
        v = np.arange(3000, dtype=dt) / 7
        v[1] = np.nan
        v[-1] = -np.inf
        v[1500] = 1e30  # hidden by the summary: does not count
        out.append((nm + "_big_nan", v))
        out.append((nm + "_wrap_3d", rng.standard_normal((2, 2, 17)).astype(dt)))
        out.append((nm + "_empty", np.zeros(0, dtype=dt)))
        out.append((nm + "_empty_2d", np.zeros((0, 3), dtype=dt)))
    # repr's ", dtype=..." on the last line or on a line of its own
    for n in range(1, 24):
        out.append(("f32_len%d" % n, (np.arange(n) * 1.25 - 3).astype(np.float32)))
        out.append(("i32_len%d" % n, (np.arange(n) * 7919 - 20000).astype(np.int32)))
    out.append(("f64_neg_zero_sci", np.array([-0.0, 1e-9, 2.0])))
    out.append(("f64_nan_exp3", np.array([np.nan, 1e-300, 1.0, -np.inf])))
    out.append(("f64_col", rng.standard_normal((5, 1))))
    out.append(("f64_len1_4d", np.array([[[[2.5]]]])))
    return out


def main():
    with open(sys.argv[1], "wb") as fh, np.errstate(all="ignore"):
        for name, a in cases():
            a = np.ascontiguousarray(a)
            code = CODES[a.dtype.type]
            shape = list(a.shape) + [1] * (4 - a.ndim)
            data = a.astype(a.dtype.newbyteorder("<")).tobytes()
            s = str(a).encode()
            r = repr(a).encode()
            head = "%s %d %d %s %d %d %d\n" % (name, code, a.ndim, " ".join(map(str, shape)),
                                              len(data), len(s), len(r))
            fh.write(head.encode() + data + s + r)


if __name__ == "__main__":
    main()
