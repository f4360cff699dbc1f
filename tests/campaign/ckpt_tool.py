#!/usr/bin/env python3
"""Damage or forge a Tyles checkpoint folder (docs/ELASTIC.md, "Checkpoints") for the campaign.

    ckpt_tool.py flip CKPT SEED        flip one random bit of a random file (buffer or MANIFEST)
    ckpt_tool.py truncate CKPT SEED    cut a random file at a random length
    ckpt_tool.py scalar CKPT NAME=V    set the saved scalar NAME (int64) to V and recompute the
                                       MANIFEST's end CRC (a run-time extent forged: x_lo_0=300)
    ckpt_tool.py forge CKPT KIND       rewrite shapes or types, then recompute every checksum
                                       (npy header CRC, record CRCs, the MANIFEST's end CRC), so
                                       only the runtime's own checks of what it restores stand
                                       between the forgery and the program's arrays

Forgeries (KIND): swap (the two dimensions of buf0 exchanged, same bytes), grow (first
dimension + 1, data padded), huge (first dimension 2^62: sizes overflow), zero (first
dimension 0, no data), rank (one dimension dropped, same bytes), dtype (float64 read as int64).
Prints one line saying what was done.  Python 3 only (no NumPy needed).
"""
import os
import random
import re
import sys

_TAB = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _TAB.append(_c)


def crc32c(data, crc=0):
    c = crc ^ 0xFFFFFFFF
    for b in data:
        c = _TAB[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def files(ck):
    return sorted(f for f in os.listdir(ck) if f.endswith(".npy") or f == "MANIFEST")


def flip(ck, seed):
    rng = random.Random(seed)
    f = rng.choice(files(ck))
    p = os.path.join(ck, f)
    b = bytearray(open(p, "rb").read())
    i = rng.randrange(len(b))
    bit = rng.randrange(8)
    b[i] ^= 1 << bit
    open(p, "wb").write(b)
    print("flipped bit %d of byte %d of %s" % (bit, i, f))


def truncate(ck, seed):
    rng = random.Random(seed)
    f = rng.choice(files(ck))
    p = os.path.join(ck, f)
    n = os.path.getsize(p)
    keep = rng.randrange(n)
    os.truncate(p, keep)
    print("cut %s from %d to %d bytes" % (f, n, keep))


def npy_header(dtype, shape):
    descr = {"float64": "<f8", "int64": "<i8", "float32": "<f4", "int32": "<i4", "bool": "|b1"}[dtype]
    shp = "(" + "".join("%d, " % d for d in shape)[:-2] + ("," if len(shape) == 1 else "") + ")"
    h = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shp)
    total = 10 + len(h) + 1
    h += " " * ((64 - total % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little") + h.encode("latin1")


def forge(ck, kind):
    mp = os.path.join(ck, "MANIFEST")
    lines = open(mp).read().split("\n")
    bi = next(i for i, l in enumerate(lines) if l.startswith("buffer buf0.npy "))
    w = lines[bi].split()
    # buffer FILE DTYPE RANK DIMS... header BYTES CRC record BYTES records N
    dtype, rank = w[2], int(w[3])
    dims = [int(x) for x in w[4:4 + rank]]
    rest = w[4 + rank:]
    hbytes = int(rest[1])
    rec = int(rest[4])
    p = os.path.join(ck, "buf0.npy")
    data = open(p, "rb").read()[hbytes:]
    item = 8 if dtype.endswith("64") else 4
    if kind == "swap":
        dims = dims[::-1]
    elif kind == "grow":
        dims[0] += 1
        data += b"\0" * (len(data) // (dims[0] - 1))
    elif kind == "huge":
        dims[0] = 1 << 62
    elif kind == "zero":
        dims[0] = 0
        data = b""
    elif kind == "rank":
        if len(dims) < 2:
            sys.exit("ckpt_tool: buf0 has rank %d, cannot drop a dimension" % len(dims))
        dims = [dims[0] * dims[1]] + dims[2:]
    elif kind == "dtype":
        dtype = "int64" if dtype == "float64" else "float64"
    else:
        sys.exit("ckpt_tool: unknown forgery %r" % kind)
    hdr = npy_header(dtype, dims)
    open(p, "wb").write(hdr + data)
    # records: the runtime cuts the data into records of `rec` bytes; keep that size
    nrec = max(1, -(-len(data) // rec)) if rec > 0 else 1
    crcs = [crc32c(data[r * rec:(r + 1) * rec]) for r in range(nrec)]
    lines[bi] = " ".join(["buffer", "buf0.npy", dtype, str(len(dims))] + [str(d) for d in dims] +
                         ["header", str(len(hdr)), "%08x" % crc32c(hdr), "record", str(rec),
                          "records", str(nrec)])
    # crc lines: "crc FILE FIRST c1 ... c8", up to 8 per line
    out, done = [], False
    for l in lines:
        if l.startswith("crc buf0.npy "):
            if not done:
                for f in range(0, nrec, 8):
                    out.append("crc buf0.npy %d %s" % (f, " ".join("%08x" % c for c in crcs[f:f + 8])))
                done = True
            continue
        if l.startswith("end "):
            break
        out.append(l)
    if kind == "dtype":
        out = [re.sub(r"^(array \S+) float64 buf0\.npy$", r"\1 int64 buf0.npy", l) for l in out]
    text = "\n".join(out) + "\n"
    text += "end %08x\n" % crc32c(text.encode())
    open(mp, "w").write(text)
    print("forged buf0.npy (%s): %s %s, checksums recomputed" % (kind, dtype, "x".join(map(str, dims))))


def scalar(ck, assign):
    name, val = assign.split("=", 1)
    val = int(val)
    mp = os.path.join(ck, "MANIFEST")
    out, found = [], False
    for l in open(mp).read().splitlines():
        p = l.split()
        if l.startswith("end "):
            break
        if len(p) == 5 and p[0] == "scalar" and p[1] == name and p[2] == "int64":
            l = "scalar %s int64 %016x %d" % (name, val & (2**64 - 1), val)
            found = True
        out.append(l)
    if not found:
        sys.exit("ckpt_tool: no int64 scalar %r in %s" % (name, mp))
    text = "\n".join(out) + "\n"
    text += "end %08x\n" % crc32c(text.encode())
    open(mp, "w").write(text)
    print("forged scalar %s = %d, end checksum recomputed" % (name, val))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    {"flip": lambda: flip(sys.argv[2], int(sys.argv[3])),
     "truncate": lambda: truncate(sys.argv[2], int(sys.argv[3])),
     "forge": lambda: forge(sys.argv[2], sys.argv[3]),
     "scalar": lambda: scalar(sys.argv[2], sys.argv[3])}[sys.argv[1]]()
