/*
 * bench/probe_jacobi3d_layer.c: the plain 3-D Jacobi sweep of 256^3 by the way it walks the grid,
 * for the layer-condition question of issue 14 (h151; bench/RESULTS.md 2026-12-07 h151). AVX2
 * (the Zen 3 of this session); timing and traffic only: every row is computed over its whole
 * aligned length (the first and last elements read the neighbouring rows), so the values are not
 * NumPy's (the generated code's are).
 *
 *   gcc -O3 -march=native -fopenmp -fno-tree-loop-distribute-patterns \
 *       bench/probe_jacobi3d_layer.c -o probe          (-DF32: float32)
 *   ROUNDS=5 OMP_NUM_THREADS=1 ./probe N STEPS st0_jb0_pf0_pa0 st1_jb16_pf1_pa0 copy ...
 *   valgrind --tool=cachegrind --cache-sim=yes --LL=512K,8,64 ./probe 256 1 st0_jb0_pf0_pa0
 *       (NZ=16: 16 planes only; cg_annotate's line of `sweep` gives the misses of one sweep)
 *
 * A variant is stS_jbB_pfP_paA: S stores (0 plain, 1 non-temporal); B rows a block along j (0:
 * whole planes); P 1: each row prefetches the row of the next plane it will read first
 * (u[i+2][j], two planes ahead of the output plane i) into L1 (prefetcht0), 2: the same into L2
 * (prefetcht1, as tyl_prefetch_row), 3: the leading plane's next-but-one row u[i+1][j+2]; A the split among threads (0: planes, as
 * Tyles and the hand C; 1: each thread a share of the rows j of every plane, the threads walking
 * the planes side by side, one barrier a plane). "copy" is a[i] = b[i] over the same bytes.
 * LD=264: rows of 264 elements (Tyles pads 256 + 2 halo to whole lines), for st 2 and 3.
 * Printed: the least and the median wall seconds a step over ROUNDS interleaved rounds, GStencil/s
 * and bytes per point at the copy's bandwidth of the same round.
 */
#define _GNU_SOURCE
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#ifdef F32
typedef float real;
#define VL 8
#define VT __m256
#define LD _mm256_loadu_ps
#define ADD _mm256_add_ps
#define MUL _mm256_mul_ps
#define SET _mm256_set1_ps
#define ST _mm256_stream_ps
#define STU _mm256_storeu_ps
#else
typedef double real;
#define VL 4
#define VT __m256d
#define LD _mm256_loadu_pd
#define ADD _mm256_add_pd
#define MUL _mm256_mul_pd
#define SET _mm256_set1_pd
#define ST _mm256_stream_pd
#define STU _mm256_storeu_pd
#endif
static long n = 256, nz = 256, ld = 256; /* ld: a row's stride (LD=, else n) */

static real *galloc(size_t bytes)
{
    void *p = NULL;
    bytes = (bytes + (2 << 20) - 1) & ~(size_t)((2 << 20) - 1);
    if (posix_memalign(&p, 2 << 20, bytes))
        abort();
    madvise(p, bytes, MADV_HUGEPAGE);
    memset(p, 0, bytes);
    return p;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

typedef struct { int st, jb, pf, pa; } variant;

static inline real one(const real *restrict c, long k, long p)
{
    return (real)(1.0 / 6.0) * (((((c[k + p] + c[k - p]) + c[k + ld]) + c[k - ld]) + c[k + 1]) + c[k - 1]);
}

/* One row j of output plane i: o = c * (six neighbours), whole vectors from k = 0 (st 0, 1), or
 * the interior k = 1 .. n-2 as the generated code stores it (st 2: non-temporal, the partial
 * lines at the ends element by element with movnti, as tyl_vnt_lanes; st 3: the same but the
 * ends by plain stores). */
static inline void row(const real *restrict c, real *restrict o, long p, int st, int pf)
{
    const VT s = SET((real)(1.0 / 6.0));
    if (st >= 2) {
        if (pf == 1)
            for (long k = 0; k < n; k += 64 / sizeof(real))
                _mm_prefetch((const char *)(c + 2 * p + k), _MM_HINT_T0);
        else if (pf == 2)
            for (long k = 0; k < n; k += 64 / sizeof(real))
                _mm_prefetch((const char *)(c + 2 * p + k), _MM_HINT_T1);
        long k = 1;
        for (; k < n - 1 && ((unsigned long)(o + k) & 31); k++) {
            real x = one(c, k, p);
            if (st == 2) {
#ifdef F32
                int b;
                __builtin_memcpy(&b, &x, 4);
                _mm_stream_si32((int *)(o + k), b);
#else
                long long b;
                __builtin_memcpy(&b, &x, 8);
                _mm_stream_si64((long long *)(o + k), b);
#endif
            } else
                o[k] = x;
        }
        for (; k + VL <= n - 1; k += VL)
            ST(o + k, MUL(s, ADD(ADD(ADD(ADD(ADD(LD(c + k + p), LD(c + k - p)), LD(c + k + ld)), LD(c + k - ld)),
                                     LD(c + k + 1)), LD(c + k - 1))));
        for (; k < n - 1; k++) {
            real x = one(c, k, p);
            if (st == 2) {
#ifdef F32
                int b;
                __builtin_memcpy(&b, &x, 4);
                _mm_stream_si32((int *)(o + k), b);
#else
                long long b;
                __builtin_memcpy(&b, &x, 8);
                _mm_stream_si64((long long *)(o + k), b);
#endif
            } else
                o[k] = x;
        }
        return;
    }
    if (pf == 1)
        for (long k = 0; k < n; k += 64 / sizeof(real))
            _mm_prefetch((const char *)(c + 2 * p + k), _MM_HINT_T0);
    else if (pf == 2)
        for (long k = 0; k < n; k += 64 / sizeof(real))
            _mm_prefetch((const char *)(c + 2 * p + k), _MM_HINT_T1);
    else if (pf == 3) /* one row ahead in the leading plane (the next row's first reads) */
        for (long k = 0; k < n; k += 64 / sizeof(real))
            _mm_prefetch((const char *)(c + p + ld * 2 + k), _MM_HINT_T0);
    for (long k = 0; k < n; k += VL) {
        VT v = MUL(s, ADD(ADD(ADD(ADD(ADD(LD(c + k + p), LD(c + k - p)), LD(c + k + ld)), LD(c + k - ld)),
                                  LD(c + k + 1)), LD(c + k - 1)));
        if (st)
            ST(o + k, v);
        else
            STU(o + k, v);
    }
}

/* The planes lo..hi-1 (interior: 1..nz-2), rows jlo..jhi-1, in blocks of jb rows. */
static void planes(const real *u, real *un, long lo, long hi, long jlo, long jhi, variant v)
{
    const long p = n * ld;
    const long b = v.jb > 0 ? v.jb : jhi - jlo;
    for (long j0 = jlo; j0 < jhi; j0 += b) {
        const long je = j0 + b < jhi ? j0 + b : jhi;
        for (long i = lo; i < hi; i++)
            for (long j = j0; j < je; j++)
                row(u + i * p + j * ld, un + i * p + j * ld, p, v.st, v.pf);
    }
}

__attribute__((noinline)) static void sweep(const real *u, real *un, variant v)
{
#pragma omp parallel
    {
        const int t = omp_get_thread_num(), T = omp_get_num_threads();
        if (v.pa == 0) {
            const long m = nz - 2, lo = 1 + m * t / T, hi = 1 + m * (t + 1) / T;
            planes(u, un, lo, hi, 1, n - 1, v);
        } else {
            const long m = n - 2, jlo = 1 + m * t / T, jhi = 1 + m * (t + 1) / T;
            for (long i = 1; i < nz - 1; i++) {
                planes(u, un, i, i + 1, jlo, jhi, v);
#pragma omp barrier
            }
        }
        if (v.st)
            _mm_sfence();
    }
}

__attribute__((noinline)) static void copy(const real *restrict b, real *restrict a, size_t m)
{
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < m; i++)
        a[i] = b[i];
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s N STEPS VARIANT...\n", argv[0]);
        return 2;
    }
    n = atol(argv[1]);
    nz = getenv("NZ") ? atol(getenv("NZ")) : n;
    ld = getenv("LD") ? atol(getenv("LD")) : n;
    const int steps = atoi(argv[2]), rounds = getenv("ROUNDS") ? atoi(getenv("ROUNDS")) : 1;
    const int nv = argc - 3;
    const size_t m = (size_t)ld * n * nz;
    real *u = galloc(m * sizeof(real)), *un = galloc(m * sizeof(real));
#pragma omp parallel for schedule(static)
    for (size_t q = 0; q < m; q++)
        u[q] = un[q] = (real)(q % 7);
    double best[64], all[64][64], cb[64];
    for (int a = 0; a < nv; a++)
        best[a] = 1e30;
    for (int r = 0; r < rounds && r < 64; r++)
        for (int a0 = 0; a0 < nv; a0++) {
            const int a = r % 2 ? nv - 1 - a0 : a0;
            double t0 = now();
            if (!strcmp(argv[3 + a], "copy")) {
                for (int s = 0; s < steps; s++)
                    copy(u, un, m);
            } else {
                variant v;
                if (sscanf(argv[3 + a], "st%d_jb%d_pf%d_pa%d", &v.st, &v.jb, &v.pf, &v.pa) != 4) {
                    fprintf(stderr, "bad variant %s\n", argv[3 + a]);
                    return 2;
                }
                for (int s = 0; s < steps; s++) {
                    sweep(u, un, v);
                    real *t = u;
                    u = un;
                    un = t;
                }
            }
            double dt = (now() - t0) / steps;
            all[a][r] = dt;
            if (dt < best[a])
                best[a] = dt;
        }
    for (int a = 0; a < nv; a++) {
        int k = rounds < 64 ? rounds : 64;
        for (int x = 0; x < k; x++)
            cb[x] = all[a][x];
        for (int x = 1; x < k; x++)
            for (int y = x; y > 0 && cb[y] < cb[y - 1]; y--) {
                double t = cb[y];
                cb[y] = cb[y - 1];
                cb[y - 1] = t;
            }
        const double pts = (double)(n - 2) * (n - 2) * (nz - 2);
        if (!strcmp(argv[3 + a], "copy"))
            printf("%-20s least %.4f s median %.4f s  copy %.2f GB/s (read + write)\n", argv[3 + a],
                   best[a], cb[k / 2], 2.0 * m * sizeof(real) / best[a] / 1e9);
        else
            printf("%-20s least %.4f s median %.4f s  %.3f GSt/s\n", argv[3 + a], best[a], cb[k / 2],
                   pts / best[a] / 1e9);
    }
    return 0;
}
