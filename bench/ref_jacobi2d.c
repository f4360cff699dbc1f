/*
 * Hand-written C11 + OpenMP reference for bench/jacobi2d.tyl.
 *
 *   gcc -std=c11 -O3 -march=native -fopenmp -ffp-contract=off \
 *       bench/ref_jacobi2d.c -o ref_jacobi2d
 *   OMP_NUM_THREADS=2 ./ref_jacobi2d --N=4096 --steps=100 --time
 *
 * With -DREF_F32 the same source is the reference for bench/jacobi2d_f32.tyl
 * (float32 grids; 0.25 a float32 as NumPy 2 makes a Python float scalar next to
 * a float32 array, so the results stay bitwise equal to NumPy's).
 *
 * Same computation and the same floating-point evaluation order as NumPy runs
 * the .tyl program, so u.npy is bitwise equal to NumPy's and to the generated
 * program's:
 *
 *   u = zeros((N, N)); u[0, :] = 1;  un = zeros((N, N)); un[0, :] = 1
 *   repeat steps times:
 *     un[i][j] = 0.25 * (((u[i+1][j] + u[i-1][j]) + u[i][j+1]) + u[i][j-1])
 *     swap(u, un)
 *   save u to u.npy
 *
 * Options (same spelling as a tylesc-generated program):
 *   --N=INT --steps=INT   problem size and number of sweeps
 *   --time                print "tyles: time X s" (whole program body: allocation,
 *                         initialisation, time loop, np.save; same definition as
 *                         generated code) and "ref: loop time X s" (time loop only)
 *                         on stderr
 *   --out=PATH            output file (default u.npy); --out= (empty) skips the save
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* madvise (ref_common.h) */
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref_common.h"

#ifdef REF_F32
typedef float real;
#define REF_QUARTER 0.25f
#define REF_DESCR "<f4"
#else
typedef double real;
#define REF_QUARTER 0.25
#define REF_DESCR "<f8"
#endif

static void sweep(long n, const real *restrict u, real *restrict un)
{
#pragma omp parallel for schedule(static)
    for (long i = 1; i < n - 1; i++) {
        const real *restrict up = u + (i - 1) * n;
        const real *restrict uc = u + i * n;
        const real *restrict ud = u + (i + 1) * n;
        real *restrict o = un + i * n;
        for (long j = 1; j < n - 1; j++)
            o[j] = REF_QUARTER * (((ud[j] + up[j]) + uc[j + 1]) + uc[j - 1]);
    }
}

static real *alloc_grid(long n)
{
    size_t bytes = (size_t)n * (size_t)n * sizeof(real);
    real *p = ref_alloc_bytes("ref_jacobi2d", bytes);
    /* first touch with the same static row partition as the sweep */
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) memset(p + i * n, 0, (size_t)n * sizeof(real));
    for (long j = 0; j < n; j++) p[j] = 1.0; /* u[0, :] = 1.0 */
    return p;
}

int main(int argc, char **argv)
{
    long n = 4096, steps = 100;
    int timing = 0;
    const char *out = "u.npy";
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--N=", 4) == 0)
            n = ref_parse_long("ref_jacobi2d", argv[i] + 4, "N");
        else if (strncmp(argv[i], "--steps=", 8) == 0)
            steps = ref_parse_long("ref_jacobi2d", argv[i] + 8, "steps");
        else if (strcmp(argv[i], "--time") == 0)
            timing = 1;
        else if (strncmp(argv[i], "--out=", 6) == 0)
            out = argv[i] + 6;
        else {
            fprintf(stderr, "usage: ref_jacobi2d [--N=4096] [--steps=100] [--time] [--out=u.npy]\n");
            return 2;
        }
    }
    if (n < 3 || steps < 0) {
        fprintf(stderr, "ref_jacobi2d: need N >= 3 and steps >= 0\n");
        return 2;
    }

    double t0 = omp_get_wtime();
    real *u = alloc_grid(n);
    real *un = alloc_grid(n);
    double t1 = omp_get_wtime();
    for (long s = 0; s < steps; s++) {
        sweep(n, u, un);
        real *tmp = u;
        u = un;
        un = tmp;
    }
    double t2 = omp_get_wtime();
    int rc = 0;
    const long dims[2] = { n, n };
    if (out[0]) rc = ref_save_npy_any("ref_jacobi2d", out, u, sizeof(real), REF_DESCR, 2, dims);
    double t3 = omp_get_wtime();
    if (timing) {
        fprintf(stderr, "tyles: time %.6f s\n", t3 - t0);
        fprintf(stderr, "ref: loop time %.6f s\n", t2 - t1);
    }
    free(u);
    free(un);
    return rc;
}
