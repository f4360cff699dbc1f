/*
 * Hand-written C11 + OpenMP reference for bench/burgers2d.tyl (2-D viscous
 * Burgers, CFD Python step 8).
 *
 *   gcc -std=c11 -O3 -march=native -fopenmp -ffp-contract=off \
 *       bench/ref_burgers2d.c -o ref_burgers2d -lm
 *   OMP_NUM_THREADS=2 ./ref_burgers2d --N=1024 --steps=100 --time
 *
 * What an HPC programmer writes: four grids (u, v and the next-step buffers),
 * one fused sweep computing both new fields from the old ones, the Dirichlet
 * edges written in the same parallel region, and a pointer swap instead of
 * the copies `un = u.copy(); vn = v.copy()`.  The arithmetic is exactly the
 * order in which NumPy evaluates the .tyl expressions, so u.npy and v.npy are
 * bitwise equal to NumPy's:
 *
 *   scalars, as Python computes them first:
 *     dx = 2 / (N-1), dy = 2 / (N-1), dt = ((sigma * dx) * dy) / nu
 *     cx = dt / dx, cy = dt / dy, ax = (nu * dt) / dx**2, ay = (nu * dt) / dy**2
 *     (x**2 with pow(x, 2.0), which is what CPython's float ** calls)
 *   per interior point, with c = centre, w = [i][j-1], e = [i][j+1],
 *   s = [i-1][j], n = [i+1][j]:
 *     u' = (((uc - (cx * uc) * (uc - uw)) - (cy * vc) * (uc - us))
 *           + ax * ((ue - 2 * uc) + uw)) + ay * ((un - 2 * uc) + us)
 *     v' = (((vc - (cx * uc) * (vc - vw)) - (cy * vc) * (vc - vs))
 *           + ax * ((ve - 2 * vc) + vw)) + ay * ((vn - 2 * vc) + vs)
 *   edges of u' and v' = 1.
 *
 * Options: --N=INT (1024) --steps=INT (100) --time --no-save; see ref_common.h.
 */
#include "ref_common.h"

#include <math.h>

static const char *PROG = "ref_burgers2d";

static void step(long n, const double *restrict u, const double *restrict v,
                 double *restrict u2, double *restrict v2, double cx, double cy, double ax,
                 double ay)
{
#pragma omp parallel
    {
        /* Dirichlet edges: rows 0 and n-1 here, columns 0 and n-1 in the sweep */
#pragma omp for schedule(static) nowait
        for (long j = 0; j < n; j++) {
            u2[j] = 1.0;
            v2[j] = 1.0;
            u2[(n - 1) * n + j] = 1.0;
            v2[(n - 1) * n + j] = 1.0;
        }
#pragma omp for schedule(static)
        for (long i = 1; i < n - 1; i++) {
            const double *restrict us = u + (i - 1) * n;
            const double *restrict uc = u + i * n;
            const double *restrict un = u + (i + 1) * n;
            const double *restrict vs = v + (i - 1) * n;
            const double *restrict vc = v + i * n;
            const double *restrict vn = v + (i + 1) * n;
            double *restrict uo = u2 + i * n;
            double *restrict vo = v2 + i * n;
            uo[0] = 1.0;
            vo[0] = 1.0;
            /* restrict does not survive OpenMP's outlining: without this gcc and clang leave
             * the loop scalar (their alias tests on eight pointers give up) */
#pragma omp simd
            for (long j = 1; j < n - 1; j++) {
                const double uu = uc[j], vv = vc[j];
                uo[j] = (((uu - (cx * uu) * (uu - uc[j - 1])) - (cy * vv) * (uu - us[j]))
                         + ax * ((uc[j + 1] - 2.0 * uu) + uc[j - 1]))
                        + ay * ((un[j] - 2.0 * uu) + us[j]);
                vo[j] = (((vv - (cx * uu) * (vv - vc[j - 1])) - (cy * vv) * (vv - vs[j]))
                         + ax * ((vc[j + 1] - 2.0 * vv) + vc[j - 1]))
                        + ay * ((vn[j] - 2.0 * vv) + vs[j]);
            }
            uo[n - 1] = 1.0;
            vo[n - 1] = 1.0;
        }
    }
}

static long clip(long x, long n) { return x < 0 ? 0 : x > n ? n : x; }

int main(int argc, char **argv)
{
    ref_opts o = ref_parse_args(argc, argv, PROG, 1024, 100, 3);
    const long n = o.n;

    double t0 = omp_get_wtime();
    const double nu = 0.01, sigma = .0009;
    const double dx = 2.0 / (double)(n - 1), dy = 2.0 / (double)(n - 1);
    const double dt = sigma * dx * dy / nu;
    const double cx = dt / dx, cy = dt / dy;
    const double ax = nu * dt / pow(dx, 2.0), ay = nu * dt / pow(dy, 2.0);

    double *u = ref_alloc_grid(PROG, n, 1.0);
    double *v = ref_alloc_grid(PROG, n, 1.0);
    double *u2 = ref_alloc_grid(PROG, n, 1.0);
    double *v2 = ref_alloc_grid(PROG, n, 1.0);
    /* u[int(.5 / dy):int(1 / dy + 1), int(.5 / dx):int(1 / dx + 1)] = 2, same for v */
    long i0 = clip((long)(.5 / dy), n), i1 = clip((long)(1.0 / dy + 1.0), n);
    long j0 = clip((long)(.5 / dx), n), j1 = clip((long)(1.0 / dx + 1.0), n);
    for (long i = i0; i < i1; i++)
        for (long j = j0; j < j1; j++) {
            u[i * n + j] = 2.0;
            v[i * n + j] = 2.0;
        }

    double t1 = omp_get_wtime();
    for (long s = 0; s < o.steps; s++) {
        step(n, u, v, u2, v2, cx, cy, ax, ay);
        double *t = u;
        u = u2;
        u2 = t;
        t = v;
        v = v2;
        v2 = t;
    }
    double t2 = omp_get_wtime();
    int rc = 0;
    if (o.save) {
        rc |= ref_save_npy(PROG, "u.npy", u, n);
        rc |= ref_save_npy(PROG, "v.npy", v, n);
    }
    double t3 = omp_get_wtime();
    if (o.timing) {
        fprintf(stderr, "tyles: time %.6f s\n", t3 - t0);
        fprintf(stderr, "ref: loop time %.6f s\n", t2 - t1);
    }
    free(u);
    free(v);
    free(u2);
    free(v2);
    return rc;
}
