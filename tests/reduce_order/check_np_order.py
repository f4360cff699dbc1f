#!/usr/bin/env python3
"""NumPy 2's order of floating-point sums, established against np_order_model.c (see its head):
random data, contiguous arrays and views, float64 and float32, axis=None, expressions, mean.
Usage: check_np_order.py MODEL_BINARY   (exit 1 on any mismatch)"""
import struct
import subprocess
import sys

import numpy as np


def model(exe, a, cap=8192):
    base = a.base if a.base is not None else a
    while base.base is not None:
        base = base.base
    base = np.ascontiguousarray(base) if not base.flags.c_contiguous else base
    it = a.itemsize
    off = (a.__array_interface__['data'][0] - base.__array_interface__['data'][0]) // it
    head = struct.pack('<iii', it, a.ndim, cap)
    head += struct.pack('<%dq' % a.ndim, *a.shape) + struct.pack('<%dq' % a.ndim, *[s // it for s in a.strides])
    head += struct.pack('<q', base.size)
    out = subprocess.run([exe], input=head + base.tobytes() + struct.pack('<q', off), capture_output=True, check=True)
    return out.stdout.decode().strip()


def hexof(x):
    x = np.asarray(x)
    return ('%016x' if x.itemsize == 8 else '%08x') % int(x.view(np.uint64 if x.itemsize == 8 else np.uint32))


def main():
    exe = sys.argv[1]
    cap = 8192
    rng = np.random.default_rng(7)
    bad = 0
    cases = []
    for dt in (np.float64, np.float32):
        def r(*sh):
            return (rng.standard_normal(sh) * 10 ** rng.uniform(-3, 3, sh)).astype(dt)
        for n in (1, 5, 7, 8, 9, 15, 16, 17, 127, 128, 129, 255, 256, 1000, 8191, 8192, 8193, 16383, 16384,
                  16385, 30000, 65537, 10 ** 6):
            cases.append(('1-D %d' % n, r(n)))
        for sh in ((3, 5), (100, 100), (90, 91), (64, 8192), (1000, 1000), (3, 9000), (4097, 33)):
            a = r(*sh)
            cases.append(('2-D %s' % (sh,), a))
            cases.append(('2-D %s [1:-1,1:-1]' % (sh,), a[1:-1, 1:-1]))
            cases.append(('2-D %s [1:-1,:]' % (sh,), a[1:-1, :]))
            cases.append(('2-D %s [:, ::2]' % (sh,), a[:, ::2]))
            cases.append(('2-D %s [::2, :]' % (sh,), a[::2, :]))
        for sh in ((5, 6, 7), (40, 50, 60), (3, 100, 129), (2, 3, 9000)):
            a = r(*sh)
            cases.append(('3-D %s' % (sh,), a))
            cases.append(('3-D %s [1:-1,1:-1,1:-1]' % (sh,), a[1:-1, 1:-1, 1:-1]))
            cases.append(('3-D %s [:,1:-1,:]' % (sh,), a[:, 1:-1, :]))
            cases.append(('3-D %s [1:-1,:,:]' % (sh,), a[1:-1, :, :]))
            cases.append(('3-D %s [:, :, 2]' % (sh,), a[:, :, 2]))
            cases.append(('3-D %s [::2, :, 1:]' % (sh,), a[::2, :, 1:]))
        for sh in ((4, 8194), (3, 4, 683), (3, 4, 684), (6, 2, 4097), (10, 10, 10, 90), (300, 3000)):
            a = r(*sh)
            cases.append(('%s [..., 1:-1]' % (sh,), a[..., 1:-1]))
            cases.append(('%s [1:-1, ..., ::3]' % (sh,), a[1:-1, ..., ::3]))
    for name, a in cases:
        got = hexof(np.sum(a))
        want = model(exe, a, cap)
        ok = got == want
        # an expression: a C-contiguous temporary, summed as one flat row
        e = np.abs(a - 1)
        ok_e = hexof(np.sum(e)) == model(exe, e, cap)
        # np.mean is the sum divided by the count
        m = np.mean(a)
        ok_m = hexof(m) == hexof(a.dtype.type(np.sum(a) / a.dtype.type(a.size))) if a.dtype == np.float32 else \
            hexof(m) == hexof(np.sum(a) / a.size)
        if not (ok and ok_e and ok_m):
            bad += 1
            print('MISMATCH %s %s: view %s, expression %s, mean %s' % (a.dtype, name, ok, ok_e, ok_m))
    # -0.0: the accumulator starts at +0.0
    z = np.array([-0.0, -0.0])
    print('sum([-0.0, -0.0]) = %r' % np.sum(z))
    print('%d cases, %d mismatches' % (len(cases), bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
