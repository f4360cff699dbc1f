"""The same Jacobi sweeps with CuPy (NumPy's API on the GPU), timed with CUDA events."""
import sys

import cupy as cp

dims, n, steps, dt = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
u = cp.zeros((n,) * dims, dtype=dt)
un = u.copy()


def step(u, un):
    if dims == 2:
        un[1:-1, 1:-1] = 0.25 * (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2])
    else:
        un[1:-1, 1:-1, 1:-1] = (1.0 / 6.0) * (u[2:, 1:-1, 1:-1] + u[:-2, 1:-1, 1:-1] + u[1:-1, 2:, 1:-1]
                                              + u[1:-1, :-2, 1:-1] + u[1:-1, 1:-1, 2:] + u[1:-1, 1:-1, :-2])


for _ in range(3):
    step(u, un)
    u, un = un, u
e0, e1 = cp.cuda.Event(), cp.cuda.Event()
e0.record()
for _ in range(steps):
    step(u, un)
    u, un = un, u
e1.record()
e1.synchronize()
print("%.6f" % (cp.cuda.get_elapsed_time(e0, e1) / 1e3 / steps))
