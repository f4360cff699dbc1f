/*
 * Hand-written C11 + OpenMP reference for bench/hdiff.tyl (NPBench's horizontal
 * diffusion as a time loop), written the way an HPC programmer fuses it:
 *
 *   gcc -std=c11 -O3 -march=native -fopenmp -ffp-contract=off \
 *       bench/ref_hdiff.c -o ref_hdiff
 *   OMP_NUM_THREADS=2 ./ref_hdiff --I=256 --J=256 --K=160 --steps=10 --time
 *
 * One pass per step over the planes i of the output. The stages are never stored
 * at full size: per thread, a rolling pair of lap planes (lap[i+1] complete, lap[i+2]
 * filled row by row as the pass goes), one plane of flx (flx[i] read, flx[i+1]
 * stored in its place) and one row of fly; every point of out is computed from
 * them in the same loop that computes them, and written at once both into
 * out_field (a row at a time, non-temporal stores) and back into the interior of
 * in_field (no later point of this pass reads that element of in_field). The
 * planes i are shared among the threads in a static partition, first touched in
 * it; at a boundary between two threads' blocks the neighbour still reads two
 * planes of in_field on each side, so those four output planes go back into
 * in_field after a barrier. Memory traffic per point
 * and step: read in_field and coeff, write out_field and in_field (32 B).
 *
 * NumPy's evaluation order, so out.npy is bitwise equal to NumPy's (with
 * -ffp-contract=off):
 *   lap = 4.0 * in[c] - (((in[i+1] + in[i-1]) + in[j+1]) + in[j-1])
 *   flx = dlx * (in[i+1] - in[i]) > 0 ? 0 : dlx,  dlx = lap[i+1] - lap[i]  (fly in j)
 *   out = in[c] - coeff * (((flx[i] - flx[i-1]) + fly[j]) - fly[j-1])
 * and the initial states np.fromfunction computes (float64 index arrays).
 *
 * Options: --I= --J= --K= --steps= --time ("tyles: time", "ref: loop time" on
 * stderr) --no-save (else out.npy is written).
 */
#include "ref_common.h"
#if defined(__AVX__)
#include <immintrin.h>
#include <stdint.h>
#endif

#define PROG "ref_hdiff"

typedef struct {
    long ni, nj, nk; /* I, J, K */
    double *in;      /* (I + 4) x (J + 4) x K */
    double *coeff;   /* I x J x K */
    double *out;     /* I x J x K */
} hd_grid;

/* Static partition of [0, n) as OpenMP's schedule(static) makes it. */
static void hd_block(long n, int t, int nt, long *lo, long *hi)
{
    long q = n / nt, r = n % nt;
    *lo = t * q + (t < r ? t : r);
    *hi = *lo + q + (t < r);
}

/* out_field is only written in a step: its rows go around the caches (non-temporal
   stores, no read for ownership) when they are 32-byte aligned, which saves a fifth of
   the memory traffic (40 B per point with the read, 32 without). in_field is read in the
   same pass, so its write-back stays an ordinary store. */
static inline void hd_store_row(double *restrict dst, const double *restrict src, long nk)
{
#if defined(__AVX__)
    if (((uintptr_t)dst & 31) == 0 && nk % 4 == 0) {
        for (long k = 0; k < nk; k += 4) _mm256_stream_pd(dst + k, _mm256_loadu_pd(src + k));
        return;
    }
#endif
    memcpy(dst, src, (size_t)nk * sizeof(double));
}

/* One row (a, b) of lap = 4 * in[a+1][b+1] - neighbours, K points. */
static inline void hd_lap_row(const hd_grid *g, long a, long b, double *restrict dst)
{
    const long nk = g->nk, row = nk, plane = (g->nj + 4) * nk;
    const double *restrict c = g->in + (a + 1) * plane + (b + 1) * row;
#pragma omp simd
    for (long k = 0; k < nk; k++)
        dst[k] = 4.0 * c[k] - (((c[k + plane] + c[k - plane]) + c[k + row]) + c[k - row]);
}

/* The output planes [lo, hi) of one step; in_field is written back at once except
   for the planes in [defer_lo, defer_hi) ranges, which a neighbour still reads. */
static void hd_block_step(const hd_grid *g, long lo, long hi, int keep_first, int keep_last,
                          double *lap0, double *lap1, double *flx, double *fyrow, double *orow)
{
    const long nj = g->nj, nk = g->nk, row = nk, plane = (nj + 4) * nk;
    double *lp1 = lap0, *lp2 = lap1;
    /* prologue: lap[lo] (in lp2 for now), lap[lo + 1] (lp1) and flx[lo] */
    for (long b = 0; b < nj + 2; b++) {
        hd_lap_row(g, lo, b, lp2 + b * nk);
        hd_lap_row(g, lo + 1, b, lp1 + b * nk);
    }
    for (long j = 0; j < nj; j++) {
        const double *restrict l0 = lp2 + (j + 1) * nk, *restrict l1 = lp1 + (j + 1) * nk;
        const double *restrict a = g->in + (lo + 2) * plane + (j + 2) * row;
        double *restrict f = flx + j * nk;
#pragma omp simd
        for (long k = 0; k < nk; k++) {
            double d = l1[k] - l0[k];
            f[k] = d * (a[k] - a[k - plane]) > 0 ? 0.0 : d;
        }
    }
    for (long i = lo; i < hi; i++) {
        /* lp1 = lap[i + 1] complete; lp2 receives lap[i + 2] (lap[i] is no longer needed) */
        const int write_in = !((keep_first && i < lo + 2) || (keep_last && i >= hi - 2));
        double *restrict inc = g->in + (i + 2) * plane + 2 * row; /* in[i + 2][2 + j] */
        const double *restrict cf = g->coeff + i * nj * nk;
        double *restrict o = g->out + i * nj * nk;
        hd_lap_row(g, i + 2, 0, lp2);
        {   /* fly[i][0] */
            const double *restrict l = lp1, *restrict c = inc;
#pragma omp simd
            for (long k = 0; k < nk; k++) {
                double d = l[k + nk] - l[k];
                fyrow[k] = d * (c[k] - c[k - row]) > 0 ? 0.0 : d;
            }
        }
        for (long j = 0; j < nj; j++) {
            hd_lap_row(g, i + 2, j + 1, lp2 + (j + 1) * nk);
            const double *restrict l2 = lp2 + (j + 1) * nk; /* lap[i+2][j+1] */
            const double *restrict l1 = lp1 + (j + 1) * nk; /* lap[i+1][j+1], [j+2] at +nk */
            double *restrict c = inc + j * row;             /* in[i+2][j+2] */
            double *restrict f = flx + j * nk;
            const double *restrict co = cf + j * nk;
            double *restrict vr = orow; /* this row of out, written out after the loop */
            if (write_in) {
#pragma omp simd
                for (long k = 0; k < nk; k++) {
                    double dx = l2[k] - l1[k];
                    double fxn = dx * (c[k + plane] - c[k]) > 0 ? 0.0 : dx;
                    double dy = l1[k + nk] - l1[k];
                    double fyn = dy * (c[k + row] - c[k]) > 0 ? 0.0 : dy;
                    double v = c[k] - co[k] * (((fxn - f[k]) + fyn) - fyrow[k]);
                    f[k] = fxn;
                    fyrow[k] = fyn;
                    vr[k] = v;
                    c[k] = v;
                }
            } else {
#pragma omp simd
                for (long k = 0; k < nk; k++) {
                    double dx = l2[k] - l1[k];
                    double fxn = dx * (c[k + plane] - c[k]) > 0 ? 0.0 : dx;
                    double dy = l1[k + nk] - l1[k];
                    double fyn = dy * (c[k + row] - c[k]) > 0 ? 0.0 : dy;
                    vr[k] = c[k] - co[k] * (((fxn - f[k]) + fyn) - fyrow[k]);
                    f[k] = fxn;
                    fyrow[k] = fyn;
                }
            }
            hd_store_row(o + j * nk, vr, nk);
        }
        hd_lap_row(g, i + 2, nj + 1, lp2 + (nj + 1) * nk);
        double *t = lp1;
        lp1 = lp2;
        lp2 = t;
    }
#if defined(__AVX__)
    _mm_sfence(); /* the streamed rows are visible before the barrier that follows */
#endif
}

static void hd_put_back(const hd_grid *g, long i)
{
    const long nj = g->nj, nk = g->nk, plane = (nj + 4) * nk;
    for (long j = 0; j < nj; j++)
        memcpy(g->in + (i + 2) * plane + (j + 2) * nk, g->out + (i * nj + j) * nk,
               (size_t)nk * sizeof(double));
}

static double *hd_alloc(long count)
{
    return ref_alloc_bytes(PROG, (size_t)count * sizeof(double));
}

int main(int argc, char **argv)
{
    long ni = 256, nj = 256, nk = 160, steps = 10;
    int timing = 0, save = 1;
    for (int a = 1; a < argc; a++) {
        if (strncmp(argv[a], "--I=", 4) == 0)
            ni = ref_parse_long(PROG, argv[a] + 4, "I");
        else if (strncmp(argv[a], "--J=", 4) == 0)
            nj = ref_parse_long(PROG, argv[a] + 4, "J");
        else if (strncmp(argv[a], "--K=", 4) == 0)
            nk = ref_parse_long(PROG, argv[a] + 4, "K");
        else if (strncmp(argv[a], "--steps=", 8) == 0)
            steps = ref_parse_long(PROG, argv[a] + 8, "steps");
        else if (strcmp(argv[a], "--time") == 0)
            timing = 1;
        else if (strcmp(argv[a], "--no-save") == 0)
            save = 0;
        else {
            fprintf(stderr, "usage: %s [--I=256] [--J=256] [--K=160] [--steps=10] [--time] "
                            "[--no-save]\n", PROG);
            return 2;
        }
    }
    if (ni < 1 || nj < 1 || nk < 1 || steps < 0) {
        fprintf(stderr, "%s: need I, J, K >= 1 and steps >= 0\n", PROG);
        return 2;
    }

    double t0 = omp_get_wtime();
    hd_grid g = { ni, nj, nk, hd_alloc((ni + 4) * (nj + 4) * nk), hd_alloc(ni * nj * nk),
                  hd_alloc(ni * nj * nk) };
    const int nt = omp_get_max_threads();
    double **scratch = calloc((size_t)nt, sizeof *scratch);
    if (!scratch) {
        fprintf(stderr, "%s: out of memory\n", PROG);
        return 1;
    }
#pragma omp parallel num_threads(nt)
    {
        /* first touch: each thread its own output planes and the in_field planes they
           centre on (thread 0 and the last take the two halo planes at either end) */
        const int t = omp_get_thread_num(), tn = omp_get_num_threads();
        long lo, hi;
        hd_block(ni, t, tn, &lo, &hi);
        long plo = t == 0 ? 0 : lo + 2, phi = t == tn - 1 ? ni + 4 : hi + 2;
        for (long p = plo; p < phi; p++)
            for (long q = 0; q < nj + 4; q++)
                for (long k = 0; k < nk; k++)
                    g.in[(p * (nj + 4) + q) * nk + k] =
                        ((double)p * 0.37 + (double)q * 0.11) * ((double)k + 1.0)
                        / ((((double)p + (double)q) + (double)k) + 3.0);
        for (long i = lo; i < hi; i++)
            for (long j = 0; j < nj; j++)
                for (long k = 0; k < nk; k++) {
                    g.coeff[(i * nj + j) * nk + k] =
                        0.025 + 0.0001 * (((double)i + 2.0 * (double)j) + 3.0 * (double)k);
                    g.out[(i * nj + j) * nk + k] = 0.0;
                }
        scratch[t] = hd_alloc((2 * (nj + 2) + nj + 2) * nk);
    }
    double t1 = omp_get_wtime();
#pragma omp parallel num_threads(nt)
    {
        const int t = omp_get_thread_num(), tn = omp_get_num_threads();
        long lo, hi;
        hd_block(ni, t, tn, &lo, &hi);
        double *lap0 = scratch[t], *lap1 = lap0 + (nj + 2) * nk, *flx = lap1 + (nj + 2) * nk;
        double *fyrow = flx + nj * nk, *orow = fyrow + nk;
        const int keep_first = t > 0, keep_last = t < tn - 1;
        for (long s = 0; s < steps; s++) {
            if (lo < hi)
                hd_block_step(&g, lo, hi, keep_first, keep_last, lap0, lap1, flx, fyrow, orow);
#pragma omp barrier
            for (long i = lo; i < hi; i++)
                if ((keep_first && i < lo + 2) || (keep_last && i >= hi - 2)) hd_put_back(&g, i);
#pragma omp barrier
        }
    }
    double t2 = omp_get_wtime();
    int rc = 0;
    const long dims[3] = { ni, nj, nk };
    if (save) rc = ref_save_npy_any(PROG, "out.npy", g.out, sizeof(double), "<f8", 3, dims);
    double t3 = omp_get_wtime();
    if (timing) {
        fprintf(stderr, "tyles: time %.6f s\n", t3 - t0);
        fprintf(stderr, "ref: loop time %.6f s\n", t2 - t1);
    }
    for (int t = 0; t < nt; t++) free(scratch[t]);
    free(scratch);
    free(g.in);
    free(g.coeff);
    free(g.out);
    return rc;
}
