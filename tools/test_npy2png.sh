#!/usr/bin/env bash
# Tests for tools/npy2png.c: builds it with AddressSanitizer + UBSan, renders
# arrays written by NumPy, and decodes every PNG independently in Python
# (signature, chunk CRCs, IHDR, zlib.decompress of the IDAT stream, filter
# bytes, pixel values).  Prints "N passed, N failed"; exit status 1 on failure.
#
#   tools/test_npy2png.sh            (CC=clang tools/test_npy2png.sh also works)
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CC="${CC:-gcc}"
work="$(mktemp -d "${TMPDIR:-/tmp}/npy2png-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT

bin="$work/npy2png"
if ! "$CC" -std=c11 -g -O1 -Wall -Wextra -Wpedantic -Werror -fno-omit-frame-pointer \
        -fsanitize=address,undefined -fno-sanitize-recover=undefined \
        -o "$bin" "$here/npy2png.c" -lm; then
    echo "build of npy2png.c failed"
    echo "0 passed, 1 failed"
    exit 1
fi
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=98"

python3 - "$bin" "$work" <<'PYEOF'
import os, struct, subprocess, sys, zlib
import numpy as np

BIN, WORK = sys.argv[1], sys.argv[2]
passed = failed = 0

def fail(name, msg):
    global failed
    failed += 1
    print(f"FAIL {name}: {msg}")

def ok(name):
    global passed
    passed += 1
    print(f"ok   {name}")

def run(args):
    p = subprocess.run([BIN] + args, capture_output=True, text=True)
    return p.returncode, p.stderr

def sanitizer_trouble(err):
    return any(s in err for s in ("AddressSanitizer", "LeakSanitizer", "runtime error:"))

def decode_png(path):
    """Independent decoder for what npy2png writes: returns (H, W, 3) uint8."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "bad signature"
    pos, chunks = 8, []
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        typ = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        assert len(body) == n, f"truncated chunk {typ!r}"
        assert zlib.crc32(typ + body) & 0xffffffff == crc, f"bad CRC in {typ!r}"
        chunks.append((typ, body))
        pos += 12 + n
    assert pos == len(data), "trailing bytes"
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND" and chunks[-1][1] == b""
    types = [t for t, _ in chunks]
    assert set(types) == {b"IHDR", b"IDAT", b"IEND"}, types
    idat_idx = [i for i, t in enumerate(types) if t == b"IDAT"]
    assert idat_idx == list(range(idat_idx[0], idat_idx[-1] + 1)), "IDAT chunks not consecutive"
    w, h, depth, ctype, comp, filt, inter = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, ctype, comp, filt, inter) == (8, 2, 0, 0, 0), "unexpected IHDR fields"
    z = b"".join(b for t, b in chunks if t == b"IDAT")
    assert (z[0] * 256 + z[1]) % 31 == 0 and z[0] & 0x0f == 8, "bad zlib header"
    raw = zlib.decompress(z)  # checks deflate framing and Adler-32
    d = zlib.decompressobj()
    d.decompress(z)
    assert d.eof and d.unused_data == b"", "junk after zlib stream"
    assert len(raw) == h * (1 + 3 * w), "wrong decompressed size"
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(h, 1 + 3 * w)
    assert np.all(rows[:, 0] == 0), "filter byte not 0"
    return rows[:, 1:].reshape(h, w, 3)

def npy(name, arr, **kw):
    p = os.path.join(WORK, name + ".npy")
    if "version" in kw:
        with open(p, "wb") as f:
            np.lib.format.write_array(f, arr, version=kw["version"])
    else:
        np.save(p, arr)
    return p

def gray_expected(plane, lo, hi, scale):
    t = (plane.astype(np.float64) - lo) / (hi - lo) if hi > lo else (plane > hi).astype(np.float64)
    t = np.clip(t, 0.0, 1.0)
    v = np.floor(t * 255.0 + 0.5).astype(np.uint8)
    v = np.repeat(np.repeat(v, scale, axis=0), scale, axis=1)
    return np.stack([v, v, v], axis=-1)

def case(name, arr, args=(), expect=None, shape=None, stderr_has=None, **kw):
    """Render arr; check PNG validity plus optional expected pixels / size / stderr."""
    src = npy(name, arr, **kw)
    out = os.path.join(WORK, name + ".png")
    rc, err = run([src, out] + list(args))
    if rc != 0 or sanitizer_trouble(err):
        return fail(name, f"rc={rc} stderr={err.strip()[:2000]}")
    try:
        img = decode_png(out)
    except Exception as e:  # noqa: BLE001
        return fail(name, f"PNG check: {e}")
    if shape is not None and img.shape[:2] != shape:
        return fail(name, f"size {img.shape[:2]} != {shape}")
    if img.shape[1] < 256 and shape is None:
        return fail(name, f"width {img.shape[1]} < 256")
    if expect is not None:
        exp = expect(img) if callable(expect) else expect
        if exp.shape != img.shape or not np.array_equal(exp, img):
            bad = np.argwhere(exp != img)[:3] if exp.shape == img.shape else "shape"
            return fail(name, f"pixels differ (first at {bad})")
    if stderr_has and stderr_has not in err:
        return fail(name, f"stderr lacks {stderr_has!r}: {err.strip()}")
    ok(name)

def error_case(name, path, want, args=(), rc_want=1):
    rc, err = run([path, os.path.join(WORK, name + ".png")] + list(args)) if path else run(list(args))
    if sanitizer_trouble(err):
        return fail(name, f"sanitizer: {err.strip()[:2000]}")
    if rc != rc_want:
        return fail(name, f"rc={rc}, expected {rc_want}; stderr={err.strip()}")
    if want not in err:
        return fail(name, f"stderr lacks {want!r}: {err.strip()}")
    ok(name)

rng = np.random.default_rng(1)

# --- values and colour mapping -------------------------------------------------
ramp = np.add.outer(np.arange(64.0), np.arange(100.0) * 0.5)  # 64 x 100
case("f8_gray_ramp", ramp, ["--cmap=gray"], shape=(192, 300),
     expect=gray_expected(ramp, ramp.min(), ramp.max(), 3))
a4 = rng.standard_normal((40, 300)).astype(np.float32)
case("f4_gray", a4, ["--cmap=gray"],
     expect=gray_expected(a4, float(a4.min()), float(a4.max()), 1))
i8 = rng.integers(-10**12, 10**12, size=(33, 270), dtype=np.int64)
case("i8_gray", i8, ["--cmap=gray"],
     expect=gray_expected(i8, float(i8.min()), float(i8.max()), 1))
i4 = rng.integers(-1000, 1000, size=(17, 129), dtype=np.int32)
case("i4_gray_upscale2", i4, ["--cmap=gray"], shape=(34, 258),
     expect=gray_expected(i4, float(i4.min()), float(i4.max()), 2))
b1 = rng.random((20, 260)) > 0.5
case("b1_gray", b1, ["--cmap=gray"], expect=gray_expected(b1, 0.0, 1.0, 1))
case("minmax_clip", ramp, ["--cmap=gray", "--min=10", "--max=40"],
     expect=gray_expected(ramp, 10.0, 40.0, 3))
case("only_min", ramp, ["--cmap=gray", "--min=-50"],
     expect=gray_expected(ramp, -50.0, ramp.max(), 3))
case("fortran_order", np.asfortranarray(ramp), ["--cmap=gray"],
     expect=gray_expected(ramp, ramp.min(), ramp.max(), 3))
case("npy_v2_header", ramp, ["--cmap=gray"], version=(2, 0),
     expect=gray_expected(ramp, ramp.min(), ramp.max(), 3))
cube = rng.random((5, 20, 300))
case("3d_middle_slice", cube, ["--cmap=gray"], stderr_has="middle slice [2, :, :]",
     expect=gray_expected(cube[2], cube[2].min(), cube[2].max(), 1))
cubef = np.asfortranarray(rng.random((4, 20, 300)))
case("3d_fortran_middle_slice", cubef, ["--cmap=gray"],
     expect=gray_expected(cubef[2], cubef[2].min(), cubef[2].max(), 1))

def endpoints(lo_rgb, hi_rgb):
    def f(img):
        exp = img.copy()
        exp[:, :150] = lo_rgb
        exp[:, 150:] = hi_rgb
        return exp
    return f

two = np.zeros((10, 300)); two[:, 150:] = 1.0
case("viridis_endpoints", two, ["--cmap=viridis"], expect=endpoints((68, 1, 84), (253, 231, 37)))
case("inferno_endpoints", two, expect=endpoints((0, 0, 4), (252, 255, 164)))
# matplotlib's inferno(0.5) is (188, 55, 84); the 17-point table may be off by a little
case("inferno_mid", np.full((4, 300), 0.5), ["--min=0", "--max=1"],
     expect=lambda img: img if np.abs(img.astype(int) - [188, 55, 84]).max() <= 2
     else np.broadcast_to(np.array([188, 55, 84], np.uint8), img.shape))
case("constant", np.full((8, 300), 3.25), ["--cmap=viridis"],
     expect=lambda img: np.broadcast_to(np.array([68, 1, 84], np.uint8), img.shape))
special = np.zeros((6, 300)); special[:, 100:] = 1.0
special[:, 200:250] = np.nan; special[:, 250:] = np.inf
def sp(img):
    exp = img.copy()
    exp[:, :100] = 0; exp[:, 100:200] = 255; exp[:, 200:250] = (255, 0, 255); exp[:, 250:] = 255
    return exp
case("nan_inf", special, ["--cmap=gray"], expect=sp)
case("all_nan", np.full((3, 3), np.nan), ["--cmap=gray"], shape=(258, 258),
     expect=lambda img: np.broadcast_to(np.array([255, 0, 255], np.uint8), img.shape))

# --- geometry, block and chunk boundaries ----------------------------------------
case("tiny_1x1", np.ones((1, 1)), shape=(256, 256))
case("tiny_3x5", rng.random((3, 5)), shape=(156, 260))
case("wide_1x4000", rng.random((1, 4000)), shape=(1, 4000))
big = rng.random((600, 700))  # 1.26 MB raw: many stored blocks, several IDAT chunks
case("big_600x700", big, ["--cmap=gray"], expect=gray_expected(big, big.min(), big.max(), 1))
case("max_size", big, ["--max-size=100"], shape=(85, 100))
exact = np.zeros((1, 21845))  # 1 + 3*21845 = 65536 raw bytes: just over one block
case("block_boundary", exact, shape=(1, 21845))
exact2 = np.zeros((1, 21844)) + np.arange(21844)  # 65533 bytes: one block
case("single_block", exact2, ["--cmap=gray"], expect=gray_expected(exact2, 0.0, 21843.0, 1))

# --- errors ---------------------------------------------------------------------------
error_case("err_bigendian", npy("be", np.zeros((4, 4), dtype=">f8")), "big-endian")
error_case("err_complex", npy("cplx", np.zeros((4, 4), dtype=np.complex128)), "unsupported dtype '<c16'")
error_case("err_u2", npy("u2", np.zeros((4, 4), dtype=np.uint16)), "unsupported dtype '<u2'")
error_case("err_structured", npy("rec", np.zeros((4,), dtype=[("a", "<f8"), ("b", "<i4")])),
           "structured")
error_case("err_1d", npy("oned", np.zeros(10)), "1 dimension")
error_case("err_0d", npy("zerod", np.float64(1.0)), "0 dimensions")
error_case("err_4d", npy("fourd", np.zeros((2, 2, 2, 2))), "4 dimensions")
error_case("err_empty", npy("empty", np.zeros((0, 5))), "empty")
p = npy("trunc", np.zeros((50, 50)))
open(p, "r+b").truncate(os.path.getsize(p) - 8)
error_case("err_truncated", p, "truncated")
p = os.path.join(WORK, "magic.npy"); open(p, "wb").write(b"not an npy file at all")
error_case("err_magic", p, "not a .npy file")
p = os.path.join(WORK, "v9.npy")
raw = open(npy("v9src", np.zeros((2, 2))), "rb").read()
open(p, "wb").write(raw[:6] + b"\x09\x00" + raw[8:])
error_case("err_version", p, "unsupported .npy format version 9.0")
error_case("err_missing", os.path.join(WORK, "nope.npy"), "cannot open")
error_case("err_cmap", npy("cm", np.zeros((2, 2))), "unknown colour map", ["--cmap=jet"])
error_case("err_minmax", npy("mm", np.zeros((2, 2))), "must be greater", ["--min=2", "--max=1"])
error_case("err_badnum", npy("bn", np.zeros((2, 2))), "expects a number", ["--min=abc"])
rc, err = run([npy("od", np.zeros((2, 2))), os.path.join(WORK, "no/such/dir.png")])
(ok if rc == 1 and "cannot create" in err and not sanitizer_trouble(err) else
 lambda n: fail(n, f"rc={rc} {err.strip()}"))("err_outdir")
error_case("usage", None, "usage:", [], rc_want=2)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PYEOF
