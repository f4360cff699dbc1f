/*
 * Probe: where the time-tiled 2-D Jacobi (float64) spends its time, in plain C (issue 14, h93).
 * A pass of K steps over tiles of H rows by W columns in skewed coordinates, as
 * src/runtime_mpi/tyl_timetile.c runs a 2-D group on one thread (lags of one row and one
 * column a step; tile (t, c) runs step n over rows [r0 - n, r0 + H - n) and columns
 * [c0 - n, c0 + W - n)); W = 0: whole rows. The same update as bench/ref_jacobi2d.c.
 * Prints GStencil/s from the process's CPU time over the passes (allocation and first touch
 * outside it).
 *
 *   gcc -std=c11 -O3 -march=native -fopenmp -ffp-contract=off bench/probe_jacobi2d_tiles.c -o probe
 *   chrt -f 1 ./probe K H W STEPS        # e.g. 16 43 512 192; N=1024 ./probe ... for another N
 *
 * Add -mprefer-vector-width=256 to compare 256-bit with 512-bit vectors.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void rows(long r0, long r1, long c0, long c1, long s, const double *restrict u, double *restrict o)
{
    for (long i = r0; i < r1; i++) {
        const double *restrict up = u + (i - 1) * s, *restrict uc = u + i * s, *restrict ud = u + (i + 1) * s;
        double *restrict w = o + i * s;
#pragma omp simd
        for (long j = c0; j < c1; j++)
            w[j] = 0.25 * (((ud[j] + up[j]) + uc[j + 1]) + uc[j - 1]);
    }
}

static long mx(long a, long b) { return a > b ? a : b; }
static long mn(long a, long b) { return a < b ? a : b; }

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s K H W STEPS (W = 0: whole rows; N from the environment, default 4096)\n", argv[0]);
        return 2;
    }
    const long N = getenv("N") ? atol(getenv("N")) : 4096, K = atol(argv[1]), H = atol(argv[2]);
    long W = atol(argv[3]);
    const long steps = atol(argv[4]), S = N;
    if (N < 3 || K < 1 || H < 1 || W < 0 || steps < K) {
        fprintf(stderr, "need N >= 3, K >= 1, H >= 1, W >= 0, STEPS >= K\n");
        return 2;
    }
    double *b[2];
    for (int q = 0; q < 2; q++) {
        size_t bytes = ((size_t)N * (size_t)S * 8 + (1u << 21) - 1) >> 21 << 21;
        b[q] = aligned_alloc(1u << 21, bytes);
        if (!b[q])
            return 1;
        for (long i = 0; i < N * S; i++)
            b[q][i] = i / S == 0;
    }
    if (W == 0)
        W = N + K;
    long done = 0;
    const double t0 = cpu_now();
    for (; done + K <= steps; done += K) {
        for (long r0 = 1; r0 < N - 1 + K; r0 += H)
            for (long c0 = 1; c0 < N - 1 + K; c0 += W)
                for (long n = 0; n < K; n++) {
                    long a0 = mx(r0 - n, 1), a1 = mn(r0 + H - n, N - 1), e0 = mx(c0 - n, 1), e1 = mn(c0 + W - n, N - 1);
                    if (a0 < a1 && e0 < e1)
                        rows(a0, a1, e0, e1, S, b[n % 2], b[(n + 1) % 2]);
                }
        if (K % 2) {
            double *t = b[0];
            b[0] = b[1];
            b[1] = t;
        }
    }
    const double dt = cpu_now() - t0;
    printf("N=%ld K=%ld H=%ld W=%ld: %.3f GSt/s (%ld steps)\n", N, K, H, W == N + K ? 0 : W,
           (double)(N - 2) * (double)(N - 2) * (double)done / dt / 1e9, done);
    return b[0][5] > 1e9;
}
