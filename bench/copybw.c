/*
 * STREAM-like copy bandwidth: a[i] = b[i] over f64 arrays, OpenMP, best of
 * several repetitions.  Bandwidth counts read + write bytes, i.e. 16 B per
 * element copied (the STREAM convention; write-allocate traffic is not
 * counted, exactly as it is not counted in the 16 B per point of an
 * out-of-place Jacobi sweep, which has the same one-read-stream +
 * one-write-stream pattern).  Streaming roofline for out-of-place 2-D Jacobi:
 *     GStencil/s <= copy GB/s / 16.
 *
 *   gcc -std=c11 -O3 -march=native -fopenmp -fno-tree-loop-distribute-patterns \
 *       bench/copybw.c -o copybw
 *   OMP_NUM_THREADS=2 ./copybw [ELEMENTS] [REPS]
 *
 * ELEMENTS (default 2^25 = 256 MiB per array) is the length of each array; pass
 * N*N to match an N x N Jacobi's footprint (two arrays of N*N doubles).  Small
 * sizes give the cache-resident variant: each timed repetition then copies
 * the arrays several times so that it lasts long enough to time; the threads
 * keep the same static partition, so no barrier is needed between copies.
 *
 * -fno-tree-loop-distribute-patterns keeps the loop a plain vectorised loop
 * (like compiled stencil code) instead of a call to memcpy, whose non-temporal
 * stores would measure a different, non-write-allocating kind of traffic.
 *
 * Output (one line, stdout):
 *   copy: elements=E bytes_per_array=B threads=T inner=K best_s=S GB/s=X
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* The arrays as Tyles allocates its own (tyl_mem_alloc): from 2 MiB up 2 MiB-aligned and advised
 * for transparent huge pages, else 64-byte aligned; TYLES_HUGEPAGES=0 turns the advice off. The
 * roofline is what a copy with the same pages reaches (4 KiB pages only until 2026-12-07). */
static void *copy_alloc(size_t bytes)
{
    const size_t huge = (size_t)2 << 20;
    const char *e = getenv("TYLES_HUGEPAGES");
    if (bytes < huge || (e && e[0] == '0' && !e[1]))
        return aligned_alloc(64, bytes);
    bytes = (bytes + huge - 1) & ~(huge - 1);
    void *p = aligned_alloc(huge, bytes);
    if (p)
        (void)madvise(p, bytes, MADV_HUGEPAGE); /* advice only */
    return p;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : (1L << 25);
    int reps = argc > 2 ? atoi(argv[2]) : 10;
    if (n < 1 || reps < 1) {
        fprintf(stderr, "usage: copybw [ELEMENTS>0] [REPS>0]\n");
        return 2;
    }
    /* inner copies per timed repetition: at least ~32M elements per sample */
    long inner = (1L << 25) / n;
    if (inner < 1) inner = 1;

    size_t bytes = ((size_t)n * sizeof(double) + 63) / 64 * 64;
    double *restrict a = copy_alloc(bytes);
    double *restrict b = copy_alloc(bytes);
    if (!a || !b) {
        fprintf(stderr, "copybw: cannot allocate 2 x %zu bytes\n", bytes);
        return 1;
    }
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) {
        a[i] = 0.0;
        b[i] = (double)(i % 1000);
    }

    double best = 1e30;
    int threads = 1;
    for (int r = 0; r < reps + 1; r++) { /* rep 0 warms up */
        double t0 = omp_get_wtime();
#pragma omp parallel
        {
#pragma omp single
            threads = omp_get_num_threads();
            for (long k = 0; k < inner; k++) {
#pragma omp for schedule(static) nowait
                for (long i = 0; i < n; i++) a[i] = b[i];
            }
        } /* implicit barrier */
        double t = omp_get_wtime() - t0;
        if (r > 0 && t < best) best = t;
        b[r % n] += 1.0; /* make every repetition's data differ */
    }

    /* validate: a[i] == b[i] except the entry touched after the last repetition */
    long bad = 0;
    for (long i = 0; i < n; i++)
        if (a[i] != b[i] && i != reps % n) bad++;
    if (bad) {
        fprintf(stderr, "copybw: validation failed (%ld mismatches)\n", bad);
        return 1;
    }
    double gbs = 16.0 * (double)n * (double)inner / best / 1e9;
    printf("copy: elements=%ld bytes_per_array=%zu threads=%d inner=%ld best_s=%.6f GB/s=%.3f\n", n,
           (size_t)n * sizeof(double), threads, inner, best, gbs);
    free(a);
    free(b);
    return 0;
}
