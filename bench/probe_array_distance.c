/*
 * bench/probe_array_distance.c: how the distance in virtual memory between the two arrays of a
 * Jacobi sweep changes its speed (issue 14, h116; bench/RESULTS.md h116). Timing only.
 *
 *   gcc -O3 -march=native -fopenmp bench/probe_array_distance.c -o probe_dist
 *   OMP_NUM_THREADS=T ./probe_dist MODE N STEPS DIST_MIB [K H W]
 *     MODE p3: plain 3-D 7-point sweeps of N^3 f64, the planes split among the threads;
 *          t3: time-tiled 3-D, K steps a pass over parallelogram tiles of H planes x W lines
 *              inside each thread's slab (the slabs' seams ignored: timing, not values);
 *          p2: plain 2-D 5-point sweeps of N^2 f64, the rows split among the threads.
 *     DIST_MIB: the second array starts this many MiB (fractions allowed) after the first, which
 *     is 2 MiB-aligned; both asked for huge pages (MADV_HUGEPAGE), first touched by the threads.
 * Prints wall and CPU seconds and the physical addresses of both arrays' first pages
 * (/proc/self/pagemap: root only, else 0). On AMD Zen 4 a distance of a multiple of 256 MiB
 * (2^28: equal linear-address bits 12-27, the L1's way-predictor hash) costs t3 1.45x, 2^28 +-
 * one plane too, whatever the physical addresses.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
typedef double real;
static long n, pl;
#define C ((real)(1.0 / 6.0))
static double now(clockid_t c) { struct timespec t; clock_gettime(c, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static uint64_t phys(void *v)
{
    int fd = open("/proc/self/pagemap", O_RDONLY);
    uint64_t e = 0;
    pread(fd, &e, 8, ((uintptr_t)v / 4096) * 8);
    close(fd);
    return (e & (1ULL << 63)) ? (e & ((1ULL << 55) - 1)) * 4096 : 0;
}
__attribute__((noinline)) static void stage(const real *restrict u, real *restrict o, long i0, long i1, long j0, long j1)
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
    const char *mode = argv[1];
    n = atol(argv[2]);
    int steps = atoi(argv[3]);
    size_t dist = (size_t)(atof(argv[4]) * (1 << 20));
    int K = argc > 5 ? atoi(argv[5]) : 8;
    long H = argc > 6 ? atol(argv[6]) : 16, W = argc > 7 ? atol(argv[7]) : 32;
    int d2 = mode[1] == '2';
    pl = d2 ? n : n * n;
    size_t elems = d2 ? n * n : n * n * n, bytes = elems * sizeof(real);
    size_t hp = 2 << 20, ab = (bytes + hp - 1) & ~(hp - 1);
    if (dist < ab) { fprintf(stderr, "dist < array\n"); return 2; }
    size_t res = dist + ab + hp;
    char *r = mmap(NULL, res, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    char *base = (char *)(((uintptr_t)r + hp - 1) & ~(hp - 1));
    real *a = (real *)base, *b = (real *)(base + dist);
    madvise(a, ab, MADV_HUGEPAGE);
    madvise(b, ab, MADV_HUGEPAGE);
    long outer = n;
#pragma omp parallel for schedule(static)
    for (long i = 0; i < outer; i++)
        for (long x = 0; x < pl; x++) {
            a[i * pl + x] = (real)((i * pl + x) % 7);
            b[i * pl + x] = (real)((i * pl + x) % 7);
        }
    double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    if (mode[0] == 'p' && d2) {
        for (int s = 0; s < steps; s++) {
            const real *u = s & 1 ? b : a; real *o = s & 1 ? a : b;
#pragma omp parallel for schedule(static)
            for (long i = 1; i < n - 1; i++) {
#pragma omp simd
                for (long k = 1; k < n - 1; k++)
                    o[i * n + k] = (real)0.25 * ((u[(i - 1) * n + k] + u[(i + 1) * n + k]) + (u[i * n + k - 1] + u[i * n + k + 1]));
            }
        }
    } else if (mode[0] == 'p') {
        for (int s = 0; s < steps; s++) {
#pragma omp parallel
            {
                int nt = omp_get_num_threads(), t = omp_get_thread_num();
                long lo = 1 + (n - 2) * t / nt, hi = 1 + (n - 2) * (t + 1) / nt;
                stage(s & 1 ? b : a, s & 1 ? a : b, lo, hi, 1, n - 1);
            }
        }
    } else {
        for (int s = 0; s < steps; s += K) {
#pragma omp parallel
            {
                int nt = omp_get_num_threads(), t = omp_get_thread_num();
                long slo = 1 + (n - 2) * t / nt, shi = 1 + (n - 2) * (t + 1) / nt;
                long hi = shi + K, ntl = (hi - slo + H - 1) / H, nc = (n - 1 + K - 1 + W - 1) / W;
                for (long tt = 0; tt < ntl; tt++)
                    for (long c = 0; c < nc; c++)
                        for (int q = 0; q < K; q++) {
                            long r0 = slo + tt * H - q, c0 = 1 + c * W - q;
                            long i0 = r0 < slo ? slo : r0, i1 = r0 + H > shi ? shi : r0 + H;
                            if (i1 > i0) stage(q & 1 ? b : a, q & 1 ? a : b, i0, i1, c0, c0 + W);
                        }
            }
        }
    }
    double w = now(CLOCK_MONOTONIC) - w0, c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    double cs = 0;
    for (size_t i = 0; i < elems; i += 97) cs += a[i];
    uint64_t pa = phys(a), pb = phys(b);
    printf("%s n=%ld dist=%.5fMiB thr=%d wall=%.3f cpu=%.3f pa=%#lx pb=%#lx pdist=%+.1fMiB cs=%g\n", mode, n, dist / 1048576.0,
           omp_get_max_threads(), w, c, (unsigned long)pa, (unsigned long)pb, ((double)pb - (double)pa) / 1048576.0, cs);
    return 0;
}
