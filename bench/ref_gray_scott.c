/*
 * Hand-written C11 + OpenMP reference for bench/gray_scott.tyl (periodic
 * Gray-Scott reaction-diffusion, float64).
 *
 *   gcc -std=c11 -O3 -march=native -fopenmp -ffp-contract=off \
 *       bench/ref_gray_scott.c -o ref_gray_scott
 *   OMP_NUM_THREADS=2 ./ref_gray_scott --N=1024 --steps=100 --time
 *
 * Four grids (U, V and the next-step buffers), one fused sweep computing both
 * new fields from the old ones with periodic indexing done by hand (the first
 * and last columns peeled so the inner loop is contiguous), uvv kept in a
 * register instead of a full-size temporary, and a pointer swap.  The
 * arithmetic is exactly the order in which NumPy evaluates the .tyl, so U.npy
 * and V.npy are bitwise equal to NumPy's:
 *
 *   np.roll(Z, 1, axis=0)[i, j] = Z[i-1, j] (mod N), np.roll(Z, -1, axis=0) = Z[i+1, j],
 *   np.roll(Z, 1, axis=1)[i, j] = Z[i, j-1],        np.roll(Z, -1, axis=1) = Z[i, j+1]
 *   lap(Z) = (((Z[i-1,j] + Z[i+1,j]) + Z[i,j-1]) + Z[i,j+1]) - 4 * Z[i,j]
 *   uvv    = (U * V) * V
 *   U'     = U + dt * (((Du * lap(U)) - uvv) + F * (1 - U))
 *   V'     = V + dt * (((Dv * lap(V)) + uvv) - (F + k) * V)     (F + k: a Python float)
 *
 * Initial state: U = 1, V = 0; the square [N/2-r, N/2+r)^2 with r = N // 8 set to
 * U = 0.5, V = 0.25; then U -= 0.05 * (((i*13 + j*7) % 11) / 11.0).
 *
 * Options: --N=INT (1024) --steps=INT (100) --time --no-save; see ref_common.h.
 */
#include "ref_common.h"

static const char *PROG = "ref_gray_scott";

typedef struct {
    double dt, Du, Dv, F, FK;
} params;

/* one point; s/c/n rows above/at/below (periodic), jm/jp the periodic columns */
#define GS_POINT(j, jm, jp)                                                                     \
    do {                                                                                        \
        const double uu = uc[j], vv = vc[j];                                                    \
        const double lu = (((us[j] + un[j]) + uc[jm]) + uc[jp]) - 4.0 * uu;                     \
        const double lv = (((vs[j] + vn[j]) + vc[jm]) + vc[jp]) - 4.0 * vv;                     \
        const double uvv = (uu * vv) * vv;                                                      \
        uo[j] = uu + p.dt * (((p.Du * lu) - uvv) + p.F * (1.0 - uu));                           \
        vo[j] = vv + p.dt * (((p.Dv * lv) + uvv) - p.FK * vv);                                  \
    } while (0)

static void step(long n, const double *restrict U, const double *restrict V,
                 double *restrict U2, double *restrict V2, params p)
{
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) {
        const long im = i == 0 ? n - 1 : i - 1, ip = i == n - 1 ? 0 : i + 1;
        const double *restrict us = U + im * n;
        const double *restrict uc = U + i * n;
        const double *restrict un = U + ip * n;
        const double *restrict vs = V + im * n;
        const double *restrict vc = V + i * n;
        const double *restrict vn = V + ip * n;
        double *restrict uo = U2 + i * n;
        double *restrict vo = V2 + i * n;
        GS_POINT(0, n - 1, n > 1 ? 1 : 0);
        /* no point reads what another writes; restrict alone does not survive OpenMP's outlining */
#pragma omp simd
        for (long j = 1; j < n - 1; j++) GS_POINT(j, j - 1, j + 1);
        if (n > 1) GS_POINT(n - 1, n - 2, 0);
    }
}

int main(int argc, char **argv)
{
    ref_opts o = ref_parse_args(argc, argv, PROG, 1024, 100, 1);
    const long n = o.n;

    double t0 = omp_get_wtime();
    params p = { .dt = 1.0, .Du = 0.16, .Dv = 0.08, .F = 0.060 };
    const double k = 0.062;
    p.FK = p.F + k;

    double *U = ref_alloc_grid(PROG, n, 1.0);
    double *V = ref_alloc_grid(PROG, n, 0.0);
    double *U2 = ref_alloc_grid(PROG, n, 0.0);
    double *V2 = ref_alloc_grid(PROG, n, 0.0);
    const long r = n / 8;
    for (long i = n / 2 - r; i < n / 2 + r; i++)
        for (long j = n / 2 - r; j < n / 2 + r; j++) {
            U[i * n + j] = 0.50;
            V[i * n + j] = 0.25;
        }
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++)
        for (long j = 0; j < n; j++) {
            /* np.fromfunction passes float64 indices: every value here is an exact integer */
            const double noise = (double)((i * 13 + j * 7) % 11) / 11.0;
            U[i * n + j] = U[i * n + j] - 0.05 * noise;
        }

    double t1 = omp_get_wtime();
    for (long s = 0; s < o.steps; s++) {
        step(n, U, V, U2, V2, p);
        double *t = U;
        U = U2;
        U2 = t;
        t = V;
        V = V2;
        V2 = t;
    }
    double t2 = omp_get_wtime();
    int rc = 0;
    if (o.save) {
        rc |= ref_save_npy(PROG, "U.npy", U, n);
        rc |= ref_save_npy(PROG, "V.npy", V, n);
    }
    double t3 = omp_get_wtime();
    if (o.timing) {
        fprintf(stderr, "tyles: time %.6f s\n", t3 - t0);
        fprintf(stderr, "ref: loop time %.6f s\n", t2 - t1);
    }
    free(U);
    free(V);
    free(U2);
    free(V2);
    return rc;
}
