/*
 * Hand-written C11 + OpenMP reference for bench/jacobi2d.tyl with temporal blocking:
 * what an HPC programmer writes to go past the streaming roofline. K steps per pass
 * over the grid; bitwise equal to step-by-step order (every point of every step is
 * computed once, by the same expression from the same neighbours), so u.npy is
 * bitwise equal to NumPy's and to bench/ref_jacobi2d.c's.
 *
 *   gcc -std=c11 -O3 -march=native -fopenmp -ffp-contract=off \
 *       bench/ref_jacobi2d_tb.c -o ref_jacobi2d_tb
 *   OMP_NUM_THREADS=2 ./ref_jacobi2d_tb --N=4096 --steps=100 --time [--K=8] [--rows=R]
 *
 * Built with -DREF_F32 it is the reference of bench/jacobi2d_f32.tyl.
 *
 * Scheme (two buffers, as the step-by-step code; radius 1):
 *   - the interior rows are split into one slab per thread (static partition);
 *   - phase 1: each thread runs K steps on its slab as a trapezoid that shrinks by one
 *     row per step on every side that borders another slab, cut into parallelogram
 *     tiles of R rows leaning back by one row per step (tile b computes, at step s,
 *     rows [A + b*R - s, A + (b+1)*R - s) clipped to the trapezoid), done in order, so
 *     a tile's K steps run on R + K + 2 rows that stay in the cache;
 *   - phase 2 (after a barrier): the triangles left between two slabs, [B - s, B + s)
 *     at step s, step by step.
 *   With two buffers a value of step s must survive until every point reading it is
 *   done: a tile writes step s + 2 only on rows at least two below the lowest row the
 *   next tile (or the triangle) still reads at step s, which holds for a lean of one
 *   row per step.
 *
 * Options: --N= --steps= --time ("tyles: time", "ref: loop time") --out= (as
 * ref_jacobi2d.c; --out= skips the save) --K= (steps per pass, default 8)
 * --rows= (tile height; default: the tile and its K-row lean in both buffers fit in
 * 1 MiB).
 */
#include "ref_common.h"

#ifdef REF_F32
typedef float real;
#define REF_QUARTER 0.25f
#define REF_DESCR "<f4"
#define PROG "ref_jacobi2d_tb_f32"
#else
typedef double real;
#define REF_QUARTER 0.25
#define REF_DESCR "<f8"
#define PROG "ref_jacobi2d_tb"
#endif

#define TB_BUDGET (1L << 20) /* bytes of one tile's rows in both buffers */

static inline void tb_row(long n, const real *restrict u, real *restrict un, long i)
{
    const real *restrict up = u + (i - 1) * n;
    const real *restrict uc = u + i * n;
    const real *restrict ud = u + (i + 1) * n;
    real *restrict o = un + i * n;
#pragma omp simd
    for (long j = 1; j < n - 1; j++)
        o[j] = REF_QUARTER * (((ud[j] + up[j]) + uc[j + 1]) + uc[j - 1]);
}

static inline long tb_max(long a, long b) { return a > b ? a : b; }
static inline long tb_min(long a, long b) { return a < b ? a : b; }

/* k steps from buf[0] (step 0 of the pass) into buf[k % 2]. */
static void tb_pass(long n, real *buf[2], long k, long rows)
{
    const long lo = 1, hi = n - 1; /* interior rows */
#pragma omp parallel
    {
        const int nt = omp_get_num_threads(), t = omp_get_thread_num();
        /* slabs at least 2k rows high, so that the triangles between them stay apart */
        long nslab = tb_min(nt, tb_max(1, (hi - lo) / (2 * k)));
        long A = 0, B = 0;
        if (t < nslab) {
            long q = (hi - lo) / nslab, r = (hi - lo) % nslab;
            A = lo + t * q + tb_min(t, r);
            B = A + q + (t < r);
        }
        if (t < nslab) { /* phase 1: trapezoid of parallelogram tiles */
            for (long L = A; L - (k - 1) < B; L += rows)
                for (long s = 0; s < k; s++) {
                    long bot = t == 0 ? lo : A + s, top = t == nslab - 1 ? hi : B - s;
                    long r0 = tb_max(L - s, bot), r1 = tb_min(L + rows - s, top);
                    if (L == A) r0 = bot; /* the first tile starts at the trapezoid */
                    for (long i = r0; i < r1; i++) tb_row(n, buf[s % 2], buf[(s + 1) % 2], i);
                }
        }
#pragma omp barrier
        if (t < nslab - 1) { /* phase 2: the triangle at the top of this slab */
            for (long s = 0; s < k; s++)
                for (long i = B - s; i < B + s; i++) tb_row(n, buf[s % 2], buf[(s + 1) % 2], i);
        }
    }
}

static real *alloc_grid(long n)
{
    size_t bytes = (size_t)n * (size_t)n * sizeof(real);
    real *p = ref_alloc_bytes(PROG, bytes);
    /* first touch by the thread whose slab holds the row */
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) memset(p + i * n, 0, (size_t)n * sizeof(real));
    for (long j = 0; j < n; j++) p[j] = 1.0; /* u[0, :] = 1.0 */
    return p;
}

int main(int argc, char **argv)
{
    long n = 4096, steps = 100, kk = 8, rows = 0;
    int timing = 0;
    const char *out = "u.npy";
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--N=", 4) == 0)
            n = ref_parse_long(PROG, argv[i] + 4, "N");
        else if (strncmp(argv[i], "--steps=", 8) == 0)
            steps = ref_parse_long(PROG, argv[i] + 8, "steps");
        else if (strncmp(argv[i], "--K=", 4) == 0)
            kk = ref_parse_long(PROG, argv[i] + 4, "K");
        else if (strncmp(argv[i], "--rows=", 7) == 0)
            rows = ref_parse_long(PROG, argv[i] + 7, "rows");
        else if (strcmp(argv[i], "--time") == 0)
            timing = 1;
        else if (strncmp(argv[i], "--out=", 6) == 0)
            out = argv[i] + 6;
        else {
            fprintf(stderr, "usage: %s [--N=4096] [--steps=100] [--K=8] [--rows=R] [--time] "
                            "[--out=u.npy]\n", PROG);
            return 2;
        }
    }
    if (n < 3 || steps < 0 || kk < 1 || rows < 0) {
        fprintf(stderr, "%s: need N >= 3, steps >= 0, K >= 1, rows >= 0\n", PROG);
        return 2;
    }
    if (rows == 0) /* (rows + K + 2) rows of both buffers in the budget */
        rows = tb_max(4, TB_BUDGET / (2 * n * (long)sizeof(real)) - kk - 2);

    double t0 = omp_get_wtime();
    real *buf[2] = { alloc_grid(n), alloc_grid(n) };
    double t1 = omp_get_wtime();
    for (long done = 0; done < steps;) {
        long k = tb_min(kk, steps - done);
        tb_pass(n, buf, k, rows);
        if (k % 2) {
            real *tmp = buf[0];
            buf[0] = buf[1];
            buf[1] = tmp;
        }
        done += k;
    }
    double t2 = omp_get_wtime();
    int rc = 0;
    const long dims[2] = { n, n };
    if (out[0]) rc = ref_save_npy_any(PROG, out, buf[0], sizeof(real), REF_DESCR, 2, dims);
    double t3 = omp_get_wtime();
    if (timing) {
        fprintf(stderr, "tyles: time %.6f s\n", t3 - t0);
        fprintf(stderr, "ref: loop time %.6f s\n", t2 - t1);
    }
    free(buf[0]);
    free(buf[1]);
    return rc;
}
