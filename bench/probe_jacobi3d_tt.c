/*
 * bench/probe_jacobi3d_tt.c: what a time-tiled 3-D Jacobi can gain over plain sweeps on this
 * machine (issue 14, h91; bench/RESULTS.md 2026-12-06 h91; the model in
 * src/runtime_mpi/tyl_ttplan.c tyl_tt_plain_planes_). Timing only (CPU time of the process).
 *
 *   gcc -O3 -march=native -fopenmp bench/probe_jacobi3d_tt.c -o probe   (-DF32: float32)
 *   ./probe tiles K H W STEPS [N]   K steps a pass over parallelogram tiles of H planes x W
 *                                   lines (lags of one plane and one line a step, as
 *                                   tyl_timetile.c's); H = 0: plain sweeps, one a step
 *   ./probe cache P L REPS           the kernel over P planes x L lines of 254, again and again
 *                                   (its in-cache rate)
 * The kernel is the 7-point Jacobi of bench/jacobi3d*.tyl with `#pragma omp simd` and plain
 * stores: the in-tile code of Tyles, not its plain sweep's (row blocks, non-temporal stores).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#ifdef F32
typedef float real;
#else
typedef double real;
#endif
static long n = 256, pl = 256 * 256;
#define C ((real)(1.0 / 6.0))
static real *galloc(size_t bytes)
{
    void *p = NULL;
    bytes = (bytes + (2 << 20) - 1) & ~(size_t)((2 << 20) - 1);
    if (posix_memalign(&p, 2 << 20, bytes))
        exit(1);
    madvise(p, bytes, MADV_HUGEPAGE);
    memset(p, 0, bytes);
    return p;
}
static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}
/* planes [i0, i1) and lines [j0, j1) of the interior, columns 1 .. n - 2 */
__attribute__((noinline)) static void stage(const real *restrict u, real *restrict o, long i0, long i1, long j0,
                                            long j1)
{
    if (i0 < 1) i0 = 1;
    if (i1 > n - 1) i1 = n - 1;
    if (j0 < 1) j0 = 1;
    if (j1 > n - 1) j1 = n - 1;
    for (long i = i0; i < i1; i++)
        for (long j = j0; j < j1; j++) {
            const real *c = u + i * pl + j * n;
            real *w = o + i * pl + j * n;
#pragma omp simd
            for (long k = 1; k < n - 1; k++)
                w[k] = C * (((((c[k + pl] + c[k - pl]) + c[k + n]) + c[k - n]) + c[k + 1]) + c[k - 1]);
        }
}
int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "cache")) {
        long P = atol(argv[2]), L = atol(argv[3]), reps = atol(argv[4]);
        real *a = galloc(sizeof(real) * n * n * (P + 2)), *b = galloc(sizeof(real) * n * n * (P + 2));
        for (long i = 0; i < n * n * (P + 2); i++) {
            a[i] = (real)(i % 5);
            b[i] = (real)(i % 3);
        }
        double t0 = cpu();
        for (long r = 0; r < reps; r++) {
            stage(a, b, 1, 1 + P, 1, 1 + L);
            stage(b, a, 1, 1 + P, 1, 1 + L);
        }
        double t = cpu() - t0;
        printf("cache P=%ld L=%ld: %.3f GSt/s (%g)\n", P, L, 2.0 * reps * P * L * (n - 2) / t / 1e9, (double)a[pl + n + 5]);
        return 0;
    }
    if (argc < 6 || strcmp(argv[1], "tiles")) {
        fprintf(stderr, "usage: probe tiles K H W STEPS [N] | probe cache P L REPS\n");
        return 2;
    }
    int K = atoi(argv[2]), steps = atoi(argv[5]);
    long H = atol(argv[3]), W = atol(argv[4]);
    if (argc > 6)
        n = atol(argv[6]);
    pl = n * n;
    real *a = galloc(sizeof(real) * n * n * n), *b = galloc(sizeof(real) * n * n * n);
    for (long i = 0; i < n * n * n; i++)
        a[i] = b[i] = (real)(i % 7);
    double t0 = cpu();
    for (int s = 0; s < steps; s += K) {
        if (H == 0) {
            for (int q = 0; q < K; q++)
                stage(q & 1 ? b : a, q & 1 ? a : b, 1, n - 1, 1, n - 1);
            continue;
        }
        long lo = 1, hi = n - 1 + K, nt = (hi - lo + H - 1) / H, nc = (hi - lo + W - 1) / W;
        for (long t = 0; t < nt; t++)
            for (long c = 0; c < nc; c++)
                for (int q = 0; q < K; q++) {
                    long r0 = lo + t * H - q, c0 = lo + c * W - q;
                    stage(q & 1 ? b : a, q & 1 ? a : b, r0, r0 + H, c0, c0 + W);
                }
    }
    double t = cpu() - t0, cs = 0;
    for (long i = 0; i < n * n * n; i++)
        cs += a[i] * (i % 13);
    printf("tiles K=%d H=%ld W=%ld: %.3f s, %.3f GSt/s (checksum %g: the same for every H, W)\n", K, H, W, t,
           (double)(n - 2) * (n - 2) * (n - 2) * steps / t / 1e9, cs);
    return 0;
}
