/*
 * Hand-written C11 + OpenMP reference for bench/jacobi3d.tyl (and, built with
 * -DREF_F32, for bench/jacobi3d_f32.tyl).
 *
 *   gcc -std=c11 -O3 -march=native -fopenmp -ffp-contract=off \
 *       bench/ref_jacobi3d.c -o ref_jacobi3d
 *   OMP_NUM_THREADS=2 ./ref_jacobi3d --N=256 --steps=20 --time
 *
 * The computation and NumPy's evaluation order, so u.npy is bitwise equal to
 * NumPy's and to the generated program's:
 *
 *   u = zeros((N, N, N)); u[0] = 1;  un = zeros((N, N, N)); un[0] = 1
 *   repeat steps times:
 *     un[i][j][k] = c * (((((u[i+1] + u[i-1]) + u[j+1]) + u[j-1]) + u[k+1]) + u[k-1])
 *     swap(u, un)
 *   save u to u.npy
 *
 * with c = 1.0 / 6.0 (in float32 for the f32 build: NumPy 2 makes a Python float
 * scalar next to a float32 array a float32). The planes i are shared among the
 * threads in a static partition, and first touched in that partition.
 *
 * Options: --N= --steps= --time ("tyles: time", "ref: loop time") --no-save.
 */
#include "ref_common.h"

#ifdef REF_F32
typedef float real;
#define REF_C ((float)(1.0 / 6.0))
#define REF_DESCR "<f4"
#define PROG "ref_jacobi3d_f32"
#else
typedef double real;
#define REF_C (1.0 / 6.0)
#define REF_DESCR "<f8"
#define PROG "ref_jacobi3d"
#endif

static void sweep(long n, const real *restrict u, real *restrict un)
{
    const long p = n * n;
#pragma omp parallel for schedule(static)
    for (long i = 1; i < n - 1; i++)
        for (long j = 1; j < n - 1; j++) {
            const real *restrict c = u + i * p + j * n;
            real *restrict o = un + i * p + j * n;
            for (long k = 1; k < n - 1; k++)
                o[k] = REF_C * (((((c[k + p] + c[k - p]) + c[k + n]) + c[k - n]) + c[k + 1])
                                + c[k - 1]);
        }
}

static real *alloc_grid(long n)
{
    const long p = n * n;
    size_t bytes = (size_t)p * (size_t)n * sizeof(real);
    real *a = ref_alloc_bytes(PROG, bytes);
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++)
        for (long q = 0; q < p; q++)
            a[i * p + q] = i == 0 ? (real)1 : (real)0; /* u[0, :, :] = 1.0 */
    return a;
}

int main(int argc, char **argv)
{
    ref_opts o = ref_parse_args(argc, argv, PROG, 256, 20, 3);
    const long n = o.n;
    double t0 = omp_get_wtime();
    real *u = alloc_grid(n);
    real *un = alloc_grid(n);
    double t1 = omp_get_wtime();
    for (long s = 0; s < o.steps; s++) {
        sweep(n, u, un);
        real *tmp = u;
        u = un;
        un = tmp;
    }
    double t2 = omp_get_wtime();
    int rc = 0;
    const long dims[3] = { n, n, n };
    if (o.save)
        rc = ref_save_npy_any(PROG, "u.npy", u, sizeof(real), REF_DESCR, 3, dims);
    double t3 = omp_get_wtime();
    if (o.timing) {
        fprintf(stderr, "tyles: time %.6f s\n", t3 - t0);
        fprintf(stderr, "ref: loop time %.6f s\n", t2 - t1);
    }
    free(u);
    free(un);
    return rc;
}
