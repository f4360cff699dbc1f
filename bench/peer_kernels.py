#!/usr/bin/env python3
"""The benchmark kernels written for the peers (Numba, Devito, pystencils, DaCe), each in
the idiom that peer's documentation teaches, run by bench/run_bench.py's `peers` suite
inside the peer's private virtual environment (bench/build/peers/PEER).

    python peer_kernels.py PEER KERNEL --size=N (hdiff: I,J,K) --steps=S
                           [--check-steps=C] [--dir=D]

1. set up the peer (JIT / code generation / C compilation) and run 3 steps to warm it
   up; this time is printed as "peer: setup X s" and is NOT part of the timed figure;
2. if C > 0: from the initial state, C steps, outputs saved in D as the .tyl saves them
   (u.npy, v.npy, out.npy) for the harness's comparison with NumPy;
3. for each repetition and each thread count T (--threads=1,2, interleaved), from the
   initial state, S steps timed with time.perf_counter: "peer: threads=T time X s".
   Threads are set in the process, the way each peer's users set them at run time:
   numba.set_num_threads (up to NUMBA_NUM_THREADS), Devito's Operator argument nthreads,
   omp_set_num_threads in libgomp for pystencils' and DaCe's OpenMP code.

The initial states are those of the bench/*.tyl programs (same expressions, NumPy), so
every output can be compared with the .tyl run under NumPy.  A peer that has no version
of a kernel exits with status 3 and one line saying why.
"""
import argparse
import os
import sys
import time

import numpy as np

NOT_WRITTEN = 3  # exit status: this peer has no version of this kernel


# ---- initial states (as in bench/*.tyl) ---------------------------------------------------

def init_jacobi2d(size, dtype):
    n = size[0]
    u = np.zeros((n, n), dtype=dtype)
    u[0, :] = 1.0
    return {"u": u, "un": u.copy()}


def init_jacobi3d(size, dtype=np.float64):
    n = size[0]
    u = np.zeros((n, n, n), dtype=dtype)
    u[0, :, :] = 1.0
    return {"u": u, "un": u.copy()}


def burgers_consts(n):
    nu, sigma = 0.01, .0009
    dx = 2 / (n - 1)
    dy = 2 / (n - 1)
    dt = sigma * dx * dy / nu
    return nu, dx, dy, dt


def init_burgers(size):
    n = size[0]
    _, dx, dy, _ = burgers_consts(n)
    u = np.ones((n, n))
    v = np.ones((n, n))
    u[int(.5 / dy):int(1 / dy + 1), int(.5 / dx):int(1 / dx + 1)] = 2
    v[int(.5 / dy):int(1 / dy + 1), int(.5 / dx):int(1 / dx + 1)] = 2
    return {"u": u, "v": v, "un": u.copy(), "vn": v.copy()}


def init_hdiff(size):
    ni, nj, nk = size
    inf = np.fromfunction(lambda i, j, k: (i * 0.37 + j * 0.11) * (k + 1.0) / (i + j + k + 3.0),
                          (ni + 4, nj + 4, nk))
    coeff = np.fromfunction(lambda i, j, k: 0.025 + 0.0001 * (i + 2 * j + 3 * k), (ni, nj, nk))
    return {"in": inf, "coeff": coeff, "out": np.zeros((ni, nj, nk))}


INIT = {
    "jacobi2d": lambda s: init_jacobi2d(s, np.float64),
    "jacobi2d_f32": lambda s: init_jacobi2d(s, np.float32),
    "jacobi3d": init_jacobi3d,
    "jacobi3d_f32": lambda s: init_jacobi3d(s, np.float32),
    "burgers": init_burgers,
    "hdiff": init_hdiff,
}
OUTPUTS = {"jacobi2d": ("u",), "jacobi2d_f32": ("u",), "jacobi3d": ("u",), "jacobi3d_f32": ("u",),
           "burgers": ("u", "v"), "hdiff": ("out",)}
FILES = {"u": "u.npy", "v": "v.npy", "out": "out.npy"}


class NotWritten(Exception):
    pass


def set_omp_threads(t):
    """OpenMP thread count for the code pystencils and DaCe compiled: their kernels are
    gcc -fopenmp shared objects loaded into this process, so they share its libgomp, and
    omp_set_num_threads here is what OMP_NUM_THREADS=t would be for a fresh process."""
    import ctypes
    global _GOMP
    if _GOMP is None:
        _GOMP = ctypes.CDLL("libgomp.so.1")
    _GOMP.omp_set_num_threads(ctypes.c_int(t))


_GOMP = None


# ---- Numba: @njit(parallel=True, cache=True) loops, prange over the outer axis ---------

def numba_peer(kernel, size):
    import numba
    from numba import njit, prange

    @njit(parallel=True, cache=True)
    def jacobi2d(u, un, steps):
        n0, n1 = u.shape
        for _ in range(steps):
            for i in prange(1, n0 - 1):
                for j in range(1, n1 - 1):
                    un[i, j] = 0.25 * (u[i + 1, j] + u[i - 1, j]
                                       + u[i, j + 1] + u[i, j - 1])
            u, un = un, u
        return u

    @njit(parallel=True, cache=True)
    def jacobi3d(u, un, steps):
        n0, n1, n2 = u.shape
        for _ in range(steps):
            for i in prange(1, n0 - 1):
                for j in range(1, n1 - 1):
                    for k in range(1, n2 - 1):
                        un[i, j, k] = (1.0 / 6.0) * (u[i + 1, j, k] + u[i - 1, j, k]
                                                     + u[i, j + 1, k] + u[i, j - 1, k]
                                                     + u[i, j, k + 1] + u[i, j, k - 1])
            u, un = un, u
        return u

    @njit(parallel=True, cache=True)
    def burgers(u, v, un, vn, steps, cx, cy, ex, ey):
        ny, nx = u.shape
        for _ in range(steps):
            un[:, :] = u
            vn[:, :] = v
            for i in prange(1, ny - 1):
                for j in range(1, nx - 1):
                    u[i, j] = (un[i, j] - cx * un[i, j] * (un[i, j] - un[i, j - 1])
                               - cy * vn[i, j] * (un[i, j] - un[i - 1, j])
                               + ex * (un[i, j + 1] - 2 * un[i, j] + un[i, j - 1])
                               + ey * (un[i + 1, j] - 2 * un[i, j] + un[i - 1, j]))
                    v[i, j] = (vn[i, j] - cx * un[i, j] * (vn[i, j] - vn[i, j - 1])
                               - cy * vn[i, j] * (vn[i, j] - vn[i - 1, j])
                               + ex * (vn[i, j + 1] - 2 * vn[i, j] + vn[i, j - 1])
                               + ey * (vn[i + 1, j] - 2 * vn[i, j] + vn[i - 1, j]))
            u[0, :] = 1
            u[-1, :] = 1
            u[:, 0] = 1
            u[:, -1] = 1
            v[0, :] = 1
            v[-1, :] = 1
            v[:, 0] = 1
            v[:, -1] = 1

    @njit(parallel=True, cache=True)
    def hdiff(inf, coeff, out, lap, flx, fly, steps):
        ni, nj, nk = out.shape
        for _ in range(steps):
            for i in prange(ni + 2):
                for j in range(nj + 2):
                    for k in range(nk):
                        lap[i, j, k] = 4.0 * inf[i + 1, j + 1, k] - (
                            inf[i + 2, j + 1, k] + inf[i, j + 1, k]
                            + inf[i + 1, j + 2, k] + inf[i + 1, j, k])
            for i in prange(ni + 1):
                for j in range(nj):
                    for k in range(nk):
                        d = lap[i + 1, j + 1, k] - lap[i, j + 1, k]
                        g = inf[i + 2, j + 2, k] - inf[i + 1, j + 2, k]
                        flx[i, j, k] = 0.0 if d * g > 0 else d
            for i in prange(ni):
                for j in range(nj + 1):
                    for k in range(nk):
                        d = lap[i + 1, j + 1, k] - lap[i + 1, j, k]
                        g = inf[i + 2, j + 2, k] - inf[i + 2, j + 1, k]
                        fly[i, j, k] = 0.0 if d * g > 0 else d
            for i in prange(ni):
                for j in range(nj):
                    for k in range(nk):
                        out[i, j, k] = inf[i + 2, j + 2, k] - coeff[i, j, k] * (
                            flx[i + 1, j, k] - flx[i, j, k] + fly[i, j + 1, k] - fly[i, j, k])
            for i in prange(ni):
                for j in range(nj):
                    for k in range(nk):
                        inf[i + 2, j + 2, k] = out[i, j, k]

    class Peer:
        def load(self, a):
            self.a = a

        def set_threads(self, t):
            numba.set_num_threads(t)  # at most NUMBA_NUM_THREADS, set by the harness

        def run(self, steps):
            a = self.a
            if kernel in ("jacobi2d", "jacobi2d_f32", "jacobi3d", "jacobi3d_f32"):
                f = jacobi3d if kernel.startswith("jacobi3d") else jacobi2d
                f(a["u"], a["un"], steps)
                if steps % 2:  # the function swaps its local names once per step
                    a["u"], a["un"] = a["un"], a["u"]
            elif kernel == "burgers":
                nu, dx, dy, dt = burgers_consts(a["u"].shape[0])
                burgers(a["u"], a["v"], a["un"], a["vn"], steps, dt / dx, dt / dy,
                        nu * dt / dx**2, nu * dt / dy**2)
            else:
                ni, nj, nk = a["out"].shape
                if "lap" not in a:
                    a["lap"] = np.empty((ni + 2, nj + 2, nk))
                    a["flx"] = np.empty((ni + 1, nj, nk))
                    a["fly"] = np.empty((ni, nj + 1, nk))
                hdiff(a["in"], a["coeff"], a["out"], a["lap"], a["flx"], a["fly"], steps)

        def outputs(self):
            return {k: self.a[k] for k in OUTPUTS[kernel]}

    return Peer()


# ---- Devito: Grid, TimeFunction, Eq on the interior subdomain, Operator ------------------

def devito_peer(kernel, size):
    os.environ.setdefault("DEVITO_LANGUAGE", "openmp")
    os.environ.setdefault("DEVITO_LOGGING", "ERROR")
    from devito import Grid, TimeFunction, Eq, Operator, first_derivative, left

    if kernel == "hdiff":
        return devito_hdiff(size)
    n = size[0]
    if kernel in ("jacobi2d", "jacobi2d_f32"):
        grid = Grid(shape=(n, n), dtype=np.float32 if kernel == "jacobi2d_f32" else np.float64)
        t = grid.stepping_dim
        x, y = grid.dimensions
        u = TimeFunction(name="u", grid=grid, space_order=1)
        eqs = [Eq(u.forward, 0.25 * (u[t, x + 1, y] + u[t, x - 1, y]
                                     + u[t, x, y + 1] + u[t, x, y - 1]),
                  subdomain=grid.interior)]
        fields = {"u": u}
    elif kernel in ("jacobi3d", "jacobi3d_f32"):
        grid = Grid(shape=(n, n, n), dtype=np.float32 if kernel == "jacobi3d_f32" else np.float64)
        t = grid.stepping_dim
        x, y, z = grid.dimensions
        u = TimeFunction(name="u", grid=grid, space_order=1)
        eqs = [Eq(u.forward, (1.0 / 6.0) * (u[t, x + 1, y, z] + u[t, x - 1, y, z]
                                            + u[t, x, y + 1, z] + u[t, x, y - 1, z]
                                            + u[t, x, y, z + 1] + u[t, x, y, z - 1]),
                  subdomain=grid.interior)]
        fields = {"u": u}
    else:  # burgers: the Devito tutorial's form, upwind (left) first derivatives
        nu, _, _, dt = burgers_consts(n)
        grid = Grid(shape=(n, n), extent=(2., 2.), dtype=np.float64)
        y, x = grid.dimensions  # axis 0 is y, as in the NumPy program
        u = TimeFunction(name="u", grid=grid, space_order=2)
        v = TimeFunction(name="v", grid=grid, space_order=2)
        ux = first_derivative(u, dim=x, side=left, fd_order=1)
        uy = first_derivative(u, dim=y, side=left, fd_order=1)
        vx = first_derivative(v, dim=x, side=left, fd_order=1)
        vy = first_derivative(v, dim=y, side=left, fd_order=1)
        eqs = [Eq(u.forward, u - dt * u * ux - dt * v * uy + nu * dt * u.laplace,
                  subdomain=grid.interior),
               Eq(v.forward, v - dt * u * vx - dt * v * vy + nu * dt * v.laplace,
                  subdomain=grid.interior)]
        fields = {"u": u, "v": v}
    op = Operator(eqs)

    class Peer:
        def load(self, a):
            # both time buffers hold the edges, which the interior updates never write
            for name, f in fields.items():
                f.data[:] = a[name]
            self.steps = 0

        def set_threads(self, t):
            self.nthreads = t  # Devito's own run-time setting (an Operator argument)

        def run(self, steps):
            op.apply(time_m=0, time_M=steps - 1, nthreads=self.nthreads)
            self.steps = steps

        def outputs(self):
            return {k: np.array(fields[k].data[self.steps % 2]) for k in OUTPUTS[kernel]}

    return Peer()


def devito_hdiff(size):
    """hdiff as Devito users write a multi-stage stencil: one Grid on in_field's index
    space, in_field a TimeFunction (u.forward is the next step's field, so the write-back
    into the interior is the buffer swap; the 2-point edge is set in both buffers and never
    written), coeff, lap, flx and fly Functions on the same grid, one SubDomain per stage's
    iteration range, and the limiter as Devito's conditional update: flx = dlx, then
    flx = 0 under a ConditionalDimension whose condition is dlx * (in[i+1] - in[i]) > 0.
    flx[p] is the flux between points p and p+1 (as in pystencils_hdiff).

    Two things this Devito (4.8.8) needs that its tutorials do not say: a sympy Piecewise
    limiter does not get through the lowering (its passes rebuild every node with
    evaluate=False, which ExprCondPair does not take: TypeError in optimize_pows, and in
    reuse_if_untouched with opt='noop'); and an Eq that reads only Functions (flx = dlx)
    is placed outside the time loop unless given implicit_dims=(time,)."""
    os.environ.setdefault("DEVITO_LANGUAGE", "openmp")
    from devito import (Grid, Function, TimeFunction, Eq, Operator, SubDomain,
                        ConditionalDimension, Gt)

    class Box(SubDomain):
        """x in [lx, nx - rx), y in [ly, ny - ry), every z."""
        def __init__(self, name, xs, ys):
            self.name, self.xs, self.ys = name, xs, ys
            super().__init__()

        def define(self, dimensions):
            x, y, z = dimensions
            return {x: ("middle",) + self.xs, y: ("middle",) + self.ys, z: z}

    ni, nj, nk = size
    grid = Grid(shape=(ni + 4, nj + 4, nk), dtype=np.float64, subdomains=(
        Box("lapd", (1, 1), (1, 1)), Box("flxd", (1, 2), (2, 2)),
        Box("flyd", (2, 2), (1, 2)), Box("outd", (2, 2), (2, 2))))
    sd = grid.subdomains
    x, y, z = grid.dimensions
    t, time_ = grid.stepping_dim, grid.time_dim
    u = TimeFunction(name="u", grid=grid, space_order=2)
    coeff, lap, flx, fly = (Function(name=n, grid=grid, space_order=2)
                            for n in ("coeff", "lap", "flx", "fly"))

    def limited(f, dom, di, dj):
        # the limiter's condition in the subdomain's own dimensions
        X, Y, Z = sd[dom].dimensions
        d = lap[X + di, Y + dj, Z] - lap[X, Y, Z]
        cut = ConditionalDimension(name="c" + dom, parent=Z, condition=Gt(
            d * (u[t, X + di, Y + dj, Z] - u[t, X, Y, Z]), 0))
        return [Eq(f, lap[x + di, y + dj, z] - lap, implicit_dims=(time_,), subdomain=sd[dom]),
                Eq(f, 0.0, implicit_dims=(time_, cut), subdomain=sd[dom])]

    eqs = ([Eq(lap, 4.0 * u - (u[t, x + 1, y, z] + u[t, x - 1, y, z] + u[t, x, y + 1, z]
                               + u[t, x, y - 1, z]), subdomain=sd["lapd"])]
           + limited(flx, "flxd", 1, 0) + limited(fly, "flyd", 0, 1)
           + [Eq(u.forward, u - coeff * (flx - flx[x - 1, y, z] + fly - fly[x, y - 1, z]),
                 subdomain=sd["outd"])])
    op = Operator(eqs)

    class Peer:
        def load(self, a):
            u.data[0] = a["in"]
            u.data[1] = a["in"]
            coeff.data[2:-2, 2:-2, :] = a["coeff"]
            self.steps = 0

        def set_threads(self, t):
            self.nthreads = t

        def run(self, steps):
            op.apply(time_m=0, time_M=steps - 1, nthreads=self.nthreads)
            self.steps = steps

        def outputs(self):
            return {"out": np.array(u.data[self.steps % 2][2:-2, 2:-2, :])}

    return Peer()


# ---- pystencils: fields, Assignment, create_kernel(...).compile(), Python time loop -----

def pystencils_peer(kernel, size):
    import pystencils as ps

    if kernel == "hdiff":
        return pystencils_hdiff(size)
    cfg = ps.CreateKernelConfig(ghost_layers=1)
    cfg.cpu.openmp.enable = True
    if kernel in ("jacobi2d", "jacobi2d_f32"):
        dt = "float32" if kernel == "jacobi2d_f32" else "float64"
        src, dst = ps.fields("src, dst: %s[2D]" % dt, layout="c")
        asm = [ps.Assignment(dst[0, 0], 0.25 * (src[1, 0] + src[-1, 0] + src[0, 1] + src[0, -1]))]
        pairs = (("u", "un"),)
    elif kernel in ("jacobi3d", "jacobi3d_f32"):
        dt = "float32" if kernel == "jacobi3d_f32" else "float64"
        src, dst = ps.fields("src, dst: %s[3D]" % dt, layout="c")
        asm = [ps.Assignment(dst[0, 0, 0], (1.0 / 6.0) * (
            src[1, 0, 0] + src[-1, 0, 0] + src[0, 1, 0] + src[0, -1, 0]
            + src[0, 0, 1] + src[0, 0, -1]))]
        pairs = (("u", "un"),)
    else:
        nu, dx, dy, dt = burgers_consts(size[0])
        cx, cy, ex, ey = dt / dx, dt / dy, nu * dt / dx**2, nu * dt / dy**2
        u, v, un, vn = ps.fields("u, v, un, vn: float64[2D]", layout="c")
        # un, vn: this step's fields; u, v: the next step's (axis 0 is y, axis 1 is x)
        asm = [
            ps.Assignment(u[0, 0], un[0, 0] - cx * un[0, 0] * (un[0, 0] - un[0, -1])
                          - cy * vn[0, 0] * (un[0, 0] - un[-1, 0])
                          + ex * (un[0, 1] - 2 * un[0, 0] + un[0, -1])
                          + ey * (un[1, 0] - 2 * un[0, 0] + un[-1, 0])),
            ps.Assignment(v[0, 0], vn[0, 0] - cx * un[0, 0] * (vn[0, 0] - vn[0, -1])
                          - cy * vn[0, 0] * (vn[0, 0] - vn[-1, 0])
                          + ex * (vn[0, 1] - 2 * vn[0, 0] + vn[0, -1])
                          + ey * (vn[1, 0] - 2 * vn[0, 0] + vn[-1, 0])),
        ]
        pairs = (("u", "un"), ("v", "vn"))
    kern = ps.create_kernel(asm, cfg).compile()

    class Peer:
        def load(self, a):
            self.a = a

        def run(self, steps):
            a = self.a
            for _ in range(steps):
                if kernel == "burgers":
                    a["un"], a["u"] = a["u"], a["un"]
                    a["vn"], a["v"] = a["v"], a["vn"]
                    kern(u=a["u"], v=a["v"], un=a["un"], vn=a["vn"])
                else:
                    kern(src=a["u"], dst=a["un"])
                    a["u"], a["un"] = a["un"], a["u"]

        def outputs(self):
            return {k: self.a[k] for k in OUTPUTS[kernel]}

    return Peer()


def pystencils_hdiff(size):
    """hdiff as pystencils users write a multi-stage stencil: every field on the index
    space of in_field (coeff and out padded by its 2-point halo), one kernel per stage
    over its own iteration slice, the limiter a sympy Piecewise.  flx[i] is the flux
    between points i and i+1, fly[j] between j and j+1."""
    import pystencils as ps
    import sympy as sp

    inf, lap, flx, fly, coeff, out = ps.fields("inf, lap, flx, fly, coeff, out: float64[3D]",
                                               layout="c")

    def kernel(asm, sl):
        cfg = ps.CreateKernelConfig(iteration_slice=sl)
        cfg.cpu.openmp.enable = True
        return ps.create_kernel(asm, cfg).compile()

    c = (0, 0, 0)
    dx = lap[1, 0, 0] - lap[0, 0, 0]
    dy = lap[0, 1, 0] - lap[0, 0, 0]
    stages = [
        kernel([ps.Assignment(lap[c], 4.0 * inf[c] - (inf[1, 0, 0] + inf[-1, 0, 0]
                                                      + inf[0, 1, 0] + inf[0, -1, 0]))],
               ps.make_slice[1:-1, 1:-1, :]),
        kernel([ps.Assignment(flx[c], sp.Piecewise((0.0, dx * (inf[1, 0, 0] - inf[c]) > 0),
                                                   (dx, True)))],
               ps.make_slice[1:-2, 2:-2, :]),
        kernel([ps.Assignment(fly[c], sp.Piecewise((0.0, dy * (inf[0, 1, 0] - inf[c]) > 0),
                                                   (dy, True)))],
               ps.make_slice[2:-2, 1:-2, :]),
        kernel([ps.Assignment(out[c], inf[c] - coeff[c] * (flx[c] - flx[-1, 0, 0]
                                                           + fly[c] - fly[0, -1, 0]))],
               ps.make_slice[2:-2, 2:-2, :]),
        kernel([ps.Assignment(inf[c], out[c])], ps.make_slice[2:-2, 2:-2, :]),
    ]

    class Peer:
        def load(self, a):
            self.a = a
            shape = a["in"].shape
            self.f = {"inf": a["in"], "lap": np.zeros(shape), "flx": np.zeros(shape),
                      "fly": np.zeros(shape), "coeff": np.zeros(shape), "out": np.zeros(shape)}
            self.f["coeff"][2:-2, 2:-2, :] = a["coeff"]

        def run(self, steps):
            for _ in range(steps):
                for k in stages:
                    k(**self.f)

        def outputs(self):
            return {"out": self.f["out"][2:-2, 2:-2, :]}

    return Peer()


# ---- DaCe: @dace.program on the NumPy code itself ---------------------------------------

def dace_peer(kernel, size):
    import dace

    N0, N1, N2 = (dace.symbol(s) for s in ("N0", "N1", "N2"))
    progs = {}
    if kernel in ("jacobi2d", "jacobi2d_f32"):
        T = dace.float32 if kernel == "jacobi2d_f32" else dace.float64

        # a swap of names is not a DaCe construct: two half-steps per iteration, as
        # NPBench's jacobi_2d does, and one single step for an odd count
        @dace.program(auto_optimize=True)
        def jacobi2d_pairs(u: T[N0, N1], un: T[N0, N1], pairs: dace.int64):
            for _ in range(pairs):
                un[1:-1, 1:-1] = 0.25 * (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2])
                u[1:-1, 1:-1] = 0.25 * (un[2:, 1:-1] + un[:-2, 1:-1] + un[1:-1, 2:]
                                        + un[1:-1, :-2])

        @dace.program(auto_optimize=True)
        def jacobi2d_one(u: T[N0, N1], un: T[N0, N1]):
            un[1:-1, 1:-1] = 0.25 * (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2])

        progs = {"pairs": jacobi2d_pairs, "one": jacobi2d_one}
    elif kernel in ("jacobi3d", "jacobi3d_f32"):
        T = dace.float32 if kernel == "jacobi3d_f32" else dace.float64

        @dace.program(auto_optimize=True)
        def jacobi3d_pairs(u: T[N0, N1, N2], un: T[N0, N1, N2],
                           pairs: dace.int64):
            for _ in range(pairs):
                un[1:-1, 1:-1, 1:-1] = (1.0 / 6.0) * (
                    u[2:, 1:-1, 1:-1] + u[:-2, 1:-1, 1:-1] + u[1:-1, 2:, 1:-1]
                    + u[1:-1, :-2, 1:-1] + u[1:-1, 1:-1, 2:] + u[1:-1, 1:-1, :-2])
                u[1:-1, 1:-1, 1:-1] = (1.0 / 6.0) * (
                    un[2:, 1:-1, 1:-1] + un[:-2, 1:-1, 1:-1] + un[1:-1, 2:, 1:-1]
                    + un[1:-1, :-2, 1:-1] + un[1:-1, 1:-1, 2:] + un[1:-1, 1:-1, :-2])

        @dace.program(auto_optimize=True)
        def jacobi3d_one(u: T[N0, N1, N2], un: T[N0, N1, N2]):
            un[1:-1, 1:-1, 1:-1] = (1.0 / 6.0) * (
                u[2:, 1:-1, 1:-1] + u[:-2, 1:-1, 1:-1] + u[1:-1, 2:, 1:-1]
                + u[1:-1, :-2, 1:-1] + u[1:-1, 1:-1, 2:] + u[1:-1, 1:-1, :-2])

        progs = {"pairs": jacobi3d_pairs, "one": jacobi3d_one}
    elif kernel == "burgers":
        @dace.program(auto_optimize=True)
        def burgers(u: dace.float64[N0, N1], v: dace.float64[N0, N1], steps: dace.int64,
                    dt: dace.float64, dx: dace.float64, dy: dace.float64, nu: dace.float64):
            for n in range(steps):
                un = u.copy()
                vn = v.copy()
                u[1:-1, 1:-1] = (un[1:-1, 1:-1]
                                 - dt / dx * un[1:-1, 1:-1] * (un[1:-1, 1:-1] - un[1:-1, 0:-2])
                                 - dt / dy * vn[1:-1, 1:-1] * (un[1:-1, 1:-1] - un[0:-2, 1:-1])
                                 + nu * dt / dx**2 * (un[1:-1, 2:] - 2 * un[1:-1, 1:-1]
                                                      + un[1:-1, 0:-2])
                                 + nu * dt / dy**2 * (un[2:, 1:-1] - 2 * un[1:-1, 1:-1]
                                                      + un[0:-2, 1:-1]))
                v[1:-1, 1:-1] = (vn[1:-1, 1:-1]
                                 - dt / dx * un[1:-1, 1:-1] * (vn[1:-1, 1:-1] - vn[1:-1, 0:-2])
                                 - dt / dy * vn[1:-1, 1:-1] * (vn[1:-1, 1:-1] - vn[0:-2, 1:-1])
                                 + nu * dt / dx**2 * (vn[1:-1, 2:] - 2 * vn[1:-1, 1:-1]
                                                      + vn[1:-1, 0:-2])
                                 + nu * dt / dy**2 * (vn[2:, 1:-1] - 2 * vn[1:-1, 1:-1]
                                                      + vn[0:-2, 1:-1]))
                u[0, :] = 1
                u[-1, :] = 1
                u[:, 0] = 1
                u[:, -1] = 1
                v[0, :] = 1
                v[-1, :] = 1
                v[:, 0] = 1
                v[:, -1] = 1

        progs = {"all": burgers}
    else:
        I, J, K = N0, N1, N2

        @dace.program(auto_optimize=True)
        def hdiff(in_field: dace.float64[I + 4, J + 4, K], coeff: dace.float64[I, J, K],
                  out_field: dace.float64[I, J, K], steps: dace.int64):
            for t in range(steps):
                lap = 4.0 * in_field[1:I + 3, 1:J + 3, :] - (
                    in_field[2:I + 4, 1:J + 3, :] + in_field[0:I + 2, 1:J + 3, :]
                    + in_field[1:I + 3, 2:J + 4, :] + in_field[1:I + 3, 0:J + 2, :])
                dlx = lap[1:, 1:J + 1, :] - lap[:-1, 1:J + 1, :]
                flx = np.where(dlx * (in_field[2:I + 3, 2:J + 2, :]
                                      - in_field[1:I + 2, 2:J + 2, :]) > 0, 0, dlx)
                dly = lap[1:I + 1, 1:, :] - lap[1:I + 1, :-1, :]
                fly = np.where(dly * (in_field[2:I + 2, 2:J + 3, :]
                                      - in_field[2:I + 2, 1:J + 2, :]) > 0, 0, dly)
                out_field[:, :, :] = in_field[2:I + 2, 2:J + 2, :] - coeff * (
                    flx[1:, :, :] - flx[:-1, :, :] + fly[:, 1:, :] - fly[:, :-1, :])
                in_field[2:I + 2, 2:J + 2, :] = out_field

        progs = {"all": hdiff}
    class Peer:
        def load(self, a):
            self.a = a

        def call(self, name, **kw):
            # the first call parses, optimises and compiles; DaCe keeps the result for
            # this process and its build in DACE_default_build_folder for the next
            progs[name](**kw)

        def run(self, steps):
            a = self.a
            if "pairs" in progs:
                if steps // 2:
                    self.call("pairs", u=a["u"], un=a["un"], pairs=steps // 2)
                if steps % 2:
                    self.call("one", u=a["u"], un=a["un"])
                    a["u"], a["un"] = a["un"], a["u"]
            elif kernel == "burgers":
                nu, dx, dy, dt = burgers_consts(a["u"].shape[0])
                self.call("all", u=a["u"], v=a["v"], steps=steps, dt=dt, dx=dx, dy=dy, nu=nu)
            else:
                self.call("all", in_field=a["in"], coeff=a["coeff"], out_field=a["out"],
                          steps=steps)

        def outputs(self):
            return {k: self.a[k] for k in OUTPUTS[kernel]}

    return Peer()


PEERS = {"numba": numba_peer, "devito": devito_peer, "pystencils": pystencils_peer,
         "dace": dace_peer}
IMPORTS = {"numba": "numba", "devito": "devito", "pystencils": "pystencils", "dace": "dace"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("peer", choices=sorted(PEERS) + ["version"])
    ap.add_argument("kernel", nargs="?", choices=sorted(INIT))
    ap.add_argument("--size", default="64")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--check-steps", type=int, default=0)
    ap.add_argument("--dir", default=".")
    ap.add_argument("--threads", default="1", help="thread counts, e.g. 1,2")
    ap.add_argument("--reps", type=int, default=1, help="timed runs per thread count")
    args = ap.parse_args()
    if args.peer == "version":  # "version": print each importable peer's version
        for p, mod in IMPORTS.items():
            try:
                m = __import__(mod)
                print("%s %s" % (p, getattr(m, "__version__", "?")))
            except Exception as e:  # noqa: BLE001 (any import failure means: cannot run)
                print("%s unavailable: %s" % (p, str(e).splitlines()[0] if str(e) else type(e)))
        return 0
    size = tuple(int(s) for s in args.size.split(","))
    t0 = time.perf_counter()
    try:
        peer = PEERS[args.peer](args.kernel, size)
    except NotWritten as e:
        print("peer: not written: %s" % e)
        return NOT_WRITTEN
    threads = [int(t) for t in args.threads.split(",")]
    setter = getattr(peer, "set_threads", set_omp_threads)
    setter(threads[0])
    peer.load(INIT[args.kernel](size))
    peer.run(3)  # warm-up: JIT / code generation / compilation happen here, untimed
    print("peer: setup %.6f s" % (time.perf_counter() - t0), flush=True)
    if args.check_steps > 0:
        peer.load(INIT[args.kernel](size))
        peer.run(args.check_steps)
        os.makedirs(args.dir, exist_ok=True)
        for name, arr in peer.outputs().items():
            np.save(os.path.join(args.dir, FILES[name]), arr)
    for r in range(args.reps):
        # thread counts interleaved, their order alternating from one repetition to the next
        for t in (threads if r % 2 == 0 else threads[::-1]):
            setter(t)
            peer.load(INIT[args.kernel](size))
            t0 = time.perf_counter()
            peer.run(args.steps)
            t1 = time.perf_counter()
            print("peer: threads=%d time %.6f s" % (t, t1 - t0), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
