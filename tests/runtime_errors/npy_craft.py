"""Crafted .npy inputs for tests/runtime_errors/npy_inputs.sh (forged, malformed and unusual
headers), each checked against NumPy itself first.

usage: python3 npy_craft.py DIR
Writes DIR/NAME.npy and prints one line per file, fields separated by tabs:
    NAME  RUN-TIME  COMPILE-TIME
where RUN-TIME and COMPILE-TIME are what the messages say after the file's quoted name, or "OK"
when the file must load (its array is then in DIR/NAME.want.npy, little-endian, C order).
The program that loads them (tests/programs/load_input.tyl) expects a 2-D float64 array.
"""
import struct
import sys

import numpy as np

D = sys.argv[1]
MAGIC = b"\x93NUMPY"
A = np.arange(120.0).reshape(12, 10) * 1.25 - 7.0  # what the good files hold
GOOD = "{'descr': '<f8', 'fortran_order': False, 'shape': (12, 10), }"
BAD = "has a malformed .npy header: "
lines = []


def header(text, version=(1, 0), hlen=None):
    """Magic, version, length and the dict text padded as NumPy pads it (to 64 bytes, '\\n')."""
    raw = text.encode("utf8" if version >= (3, 0) else "latin1")
    lenfmt = "<H" if version == (1, 0) else "<I"
    pre = len(MAGIC) + 2 + struct.calcsize(lenfmt)
    pad = 64 - (pre + len(raw) + 1) % 64
    raw += b" " * (pad % 64) + b"\n"
    n = len(raw) if hlen is None else hlen
    return MAGIC + bytes(version) + struct.pack(lenfmt, n) + raw


def numpy_refuses(path):
    try:
        np.load(path, allow_pickle=False)
    except Exception:
        return True
    return False


def case(name, data, rt, ct=None, numpy_too=True):
    """A file that must be refused (numpy_too: NumPy refuses it as well)."""
    path = "%s/%s.npy" % (D, name)
    with open(path, "wb") as f:
        f.write(data)
    if numpy_too and not numpy_refuses(path):
        sys.exit("npy_craft.py: NumPy loads %s, but it is meant to be refused" % name)
    lines.append((name, rt, ct if ct is not None else rt))


def good(name, data):
    """A file that must load as A."""
    path = "%s/%s.npy" % (D, name)
    with open(path, "wb") as f:
        f.write(data)
    got = np.load(path)
    if got.shape != A.shape or not np.array_equal(got, A):
        sys.exit("npy_craft.py: NumPy does not load %s as the array meant" % name)
    np.save("%s/%s.want.npy" % (D, name), A)
    lines.append((name, "OK", "OK"))


le = A.astype("<f8").tobytes()
be = A.astype(">f8").tobytes()

# keys that hide a key in their value: found first by a text search
case("forged_shape",
     header("{'descr': '<f8', 'fortran_order': False, 'x': \"'shape': (3, 4)\", 'shape': (12, 10), }") + le,
     BAD + "unknown key 'x' (NumPy allows only 'descr', 'fortran_order' and 'shape')")
case("forged_descr",
     header("{'x': \"'descr': '<f8',\", 'descr': '>f8', 'fortran_order': False, 'shape': (12, 10), }") + be,
     BAD + "unknown key 'x' (NumPy allows only 'descr', 'fortran_order' and 'shape')")
case("forged_in_padding",  # a forged dict after the real one
     header(GOOD + " {'shape': (3, 4)}") + le,
     BAD + "it is not a Python dict literal (at byte %d of the header)" % (len(GOOD) + 1))
# Python keeps the last of two equal keys; NumPy then loads '>f8' data under the first descr
case("duplicate_key",
     header("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), 'shape': (12, 10), }") + le,
     BAD + "key 'shape' appears twice", numpy_too=False)
case("missing_key", header("{'descr': '<f8', 'shape': (12, 10), }") + le,
     BAD + "it has no key 'fortran_order'")
# values of the wrong type
case("shape_list", header("{'descr': '<f8', 'fortran_order': False, 'shape': [12, 10], }") + le,
     BAD + "'shape' is not a tuple of non-negative integers")
case("shape_float", header("{'descr': '<f8', 'fortran_order': False, 'shape': (12.0, 10), }") + le,
     BAD + "'shape' is not a tuple of non-negative integers")
case("shape_negative", header("{'descr': '<f8', 'fortran_order': False, 'shape': (-12, 10), }") + le,
     BAD + "'shape' is not a tuple of non-negative integers")
case("shape_huge",
     header("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 10), }") + le,
     BAD + "an extent in 'shape' does not fit in 64 bits")
case("fortran_int", header("{'descr': '<f8', 'fortran_order': 0, 'shape': (12, 10), }") + le,
     BAD + "'fortran_order' is not True or False")
case("descr_int", header("{'descr': 8, 'fortran_order': False, 'shape': (12, 10), }") + le,
     BAD + "'descr' is not a dtype string such as '<f8'")
case("not_a_dict", header("[('descr', '<f8')]") + le,
     BAD + "it is not a Python dict literal (at byte 0 of the header)")
unterminated = header("{'descr': '<f8', 'fortran_order': False, 'shape': (12, 10), ")
case("unterminated", unterminated + le,  # found at the end of the header
     BAD + "it is not a Python dict literal (at byte %d of the header)" % (len(unterminated) - 10))
nonascii = "{'descr': '<f8', 'fortran_order': False, 'shape': (12, 10), 'caf\u00e9': 1}"
case("non_ascii", header(nonascii, version=(3, 0)) + le,
     BAD + "byte %d of the header is 0xc3, not printable ASCII" % nonascii.encode().index(b"\xc3"))
# the header itself cut short or impossibly long
full = header(GOOD) + le
case("truncated_header", full[:40], "is truncated (in its header)")
case("truncated_length", full[:9], "is truncated (in its header)")
case("huge_header", MAGIC + bytes((2, 0)) + struct.pack("<I", 0xFFFFFFF0) + b"{" + le,
     "has a .npy header of 4294967280 bytes, more than NumPy reads (10000)")
case("version_4", header(GOOD, version=(4, 0))[:8] + header(GOOD, version=(2, 0))[8:] + le,
     "has .npy format version 4.0, which is not supported (NumPy reads 1.0, 2.0 and 3.0)")
# data the program cannot take
case("fortran_order", header("{'descr': '<f8', 'fortran_order': True, 'shape': (12, 10), }")
     + np.asfortranarray(A).tobytes(order="F"),
     "is stored in Fortran order; save it in C order (np.ascontiguousarray)", numpy_too=False)
case("dtype_f2", header("{'descr': '<f2', 'fortran_order': False, 'shape': (12, 10), }")
     + A.astype("<f2").tobytes(),
     "holds '<f2' data, but the program was compiled for float64 ('<f8')",
     "holds '<f2' data, a dtype that is not supported (float64, float32, int64, int32, int16, "
     "int8, uint64, uint32, uint16, uint8, bool)",
     numpy_too=False)
# files that must load: big-endian data (byte-swapped on loading), format versions 2.0 and 3.0,
# keys in another order, double quotes, no trailing comma
good("big_endian", header("{'descr': '>f8', 'fortran_order': False, 'shape': (12, 10), }") + be)
good("version_2", header(GOOD, version=(2, 0)) + le)
good("version_3", header(GOOD, version=(3, 0)) + le)
good("reordered", header('{"shape": (12, 10), "fortran_order": False, "descr": "<f8"}') + le)

for name, rt, ct in lines:
    print("%s\t%s\t%s" % (name, rt, ct))
