/* tyl_ttsched.c: how the threads share a time-tiled group's tiles (tyl_ttlags.c plans them).
 *
 * Threads: the same argument as the rows' (tyl_ttlags.c) holds along the columns (the last
 * array dimension; the middle one of a 3-D array, axis_dim) with column lags M_n from the
 * column offsets. With tiles of H rows and W columns in skewed coordinates, tile (t, c) runs
 * stage n over rows [r0 - L_n, r0 + H - L_n) and columns [c0 - M_n, c0 + W - M_n); everything a tile reads was written in tiles (t' <= t, c' <= c) and everything it must
 * not see yet is written in tiles (t' >= t, c' >= c), so after tiles (t - 1, c) and (t, c - 1)
 * it can run, and the tiles of one wavefront t + c = w run in parallel (one barrier per
 * wavefront), or each thread takes a band of tile columns and waits for its left neighbour
 * (run_pipeline). In 2-D each thread takes a slab of rows instead, runs its row tiles as one
 * thread does, less a triangle at its lower boundary that it computes after one barrier
 * (run_slabs, shrinks); this needs no column offsets. Where neither applies (slabs too thin,
 * no constant column offsets) the threads share each stage's sub-box of a row tile by columns,
 * with a barrier between stages. One thread (and each thread in its slab) runs tiles of rows
 * and columns row by row in 2-D where the stages are light stencils (TT_COLS_MAXOP), else row
 * tiles of whole rows; in 3-D, where a row is a plane, tiles of planes and lines (tyl_tt_plan_group_).
 *
 * Requires: a plan (tyl_tt_plan_group_) of the recorded stages. Establishes: every stage run
 * over every tile once, each tile after those it reads from (the lags' conditions), so the
 * results are bitwise those of step-by-step order.
 */
#define _DEFAULT_SOURCE /* clock_gettime(CLOCK_THREAD_CPUTIME_ID) */
#include <omp.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tyl_ttgroup.h"

/* Stage g over the rows of skewed window [r0, r0 + H) and (W > 0) the columns of
 * [c0, c0 + W), the columns split in T parts of which this is part me. */
static void run_copy(const tt_stage *g, int64_t r0, int64_t H, int64_t c0, int64_t W, int T, int me)
{
    const tyl_array *t = g->cdst;
    const int r = t->rank;
    int64_t wlo[TYL_MAX_RANK], whi[TYL_MAX_RANK];
    for (int d = 0; d < r; d++) {
        wlo[d] = t->lo[d];
        whi[d] = t->lo[d] + t->n[d];
        if (tyl_ttg_.deep)
            alloc_range(t, d, &wlo[d], &whi[d]);
    }
    for (int a = 0; a < (W > 0 ? 2 : 1); a++) {
        int d = axis_dim(a, r);
        int64_t s = a ? c0 : r0, len = a ? W : H, lag = g->ax[a].lag;
        wlo[d] = s - lag > wlo[d] ? s - lag : wlo[d];
        whi[d] = s + len - lag < whi[d] ? s + len - lag : whi[d];
        if (wlo[d] >= whi[d])
            return;
    }
    if (T > 1) {
        int64_t c = whi[r - 1] - wlo[r - 1], base = wlo[r - 1];
        wlo[r - 1] = base + c * me / T;
        whi[r - 1] = base + c * (me + 1) / T;
    }
    if (whi[r - 1] > wlo[r - 1])
        tyl_copy_outside_win_(g->cdst, g->csrc, g->clo, g->clen, wlo, whi);
}

static void run_stage(const tt_stage *g, int64_t r0, int64_t H, int64_t c0, int64_t W, int T, int me)
{
    if (!g->sw) {
        run_copy(g, r0, H, c0, W, T, me);
        return;
    }
    const int B = g->sw->rank;
    int64_t o[TYL_MAX_RANK], nn[TYL_MAX_RANK];
    for (int k = 0; k < B; k++) {
        o[k] = g->b[k];
        nn[k] = g->nb[k];
    }
    for (int a = 0; a < (W > 0 ? 2 : 1); a++) {
        const struct tt_axis *A = &g->ax[a];
        int64_t s = a ? c0 : r0, len = a ? W : H;
        int64_t lo = s - A->lag, e = s + len - A->lag;
        lo = lo > A->wlo ? lo : A->wlo;
        e = e < A->whi ? e : A->whi;
        if (lo >= e)
            return;
        if (!A->fixed) {
            o[A->k] = lo - A->first;
            nn[A->k] = e - lo;
        }
    }
    if (T > 1) {
        int64_t c = nn[B - 1], p0 = c * me / T, p1 = c * (me + 1) / T;
        o[B - 1] += p0;
        nn[B - 1] = p1 - p0;
    }
    if (nn[B - 1] > 0)
        tyl_sweep_part_(g->sw, (tyl_array **const *)g->arrp, g->x, g->sc, o, nn);
}

/* Tile (t, c) needs tiles (t - 1, c) and (t, c - 1) before it (the lags along each axis keep
 * the two conditions there) and nothing else. Each of T threads takes a band of columns of
 * tiles and runs it row by row; before row t it waits for the thread to its left to finish
 * row t. Threads wait only for a neighbour, never all for all: a wavefront with a barrier
 * each (nt + nc of them a pass) stalled every thread whenever one lost its core. */
typedef struct tt_progress {
    _Atomic int64_t rows; /* rows of tiles this thread has finished */
    char pad[64 - sizeof(int64_t)];
} tt_progress;

/* TYLES_TT_VERBOSE=2: each band thread's wall time busy and waiting for its left neighbour,
 * and its CPU time, in the last group (-1: not a band thread); and the CPU time it spent
 * waiting (spinning or yielding), which under load is less than the wall time it waited.
 * Slabs (run_slabs) report likewise, their wait the group's barrier. */
enum { PROF_MAX = 64 };
static double prof_wait[PROF_MAX], prof_busy[PROF_MAX], prof_cpu[PROF_MAX], prof_spin[PROF_MAX];

/* Adds one tyl_tt_run_plan_'s figures to thread me's (a group of 2K steps may run as two halves). */
static void prof_add(int me, double busy, double wait, double cpu, double spin)
{
    const int first = prof_busy[me] < 0;
    prof_busy[me] = (first ? 0 : prof_busy[me]) + busy;
    prof_wait[me] = (first ? 0 : prof_wait[me]) + wait;
    prof_cpu[me] = (first ? 0 : prof_cpu[me]) + cpu;
    prof_spin[me] = (first ? 0 : prof_spin[me]) + spin;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int tyl_tt_verbose_(void)
{
    static int v = -1;
    if (v < 0) {
        v = (int)tyl_env_num_("TYLES_TT_VERBOSE", 0);
    }
    return v;
}

static double group_wall0, group_cpu0; /* TYLES_TT_VERBOSE=2: the group's start */

void tyl_tt_prof_start_(void)
{
    if (tyl_tt_verbose_() < 2)
        return;
    group_wall0 = omp_get_wtime();
    group_cpu0 = cpu_now();
    for (int i = 0; i < PROF_MAX; i++)
        prof_busy[i] = -1;
}

void tyl_tt_prof_report_(void)
{
    if (tyl_tt_verbose_() > 1 && (tyl_rt_rank_ == 0 || tyl_tt_verbose_() > 2)) {
        char line[4096], who[32] = "";
        if (tyl_tt_verbose_() > 2)
            snprintf(who, sizeof who, "rank %d ", tyl_rt_rank_);
        /* one write a line: the ranks share the terminal */
        int len = snprintf(line, sizeof line, "tyles: %sgroup %.3f ms cpu %.3f", who, 1e3 * (omp_get_wtime() - group_wall0),
                           1e3 * (cpu_now() - group_cpu0));
        for (int i = 0; i < PROF_MAX && prof_busy[i] >= 0 && len < (int)sizeof line - 100; i++)
            len += snprintf(line + len, sizeof line - (size_t)len, "; thread %d busy %.3f wait %.3f cpu %.3f ms", i,
                            1e3 * prof_busy[i], 1e3 * prof_wait[i], 1e3 * prof_cpu[i]);
        if (prof_busy[0] >= 0 && len < (int)sizeof line - 100)
            len += snprintf(line + len, sizeof line - (size_t)len, "; cpu waiting (ms):");
        for (int i = 0; i < PROF_MAX && prof_busy[i] >= 0 && len < (int)sizeof line - 20; i++)
            len += snprintf(line + len, sizeof line - (size_t)len, " %.3f", 1e3 * prof_spin[i]);
        fprintf(stderr, "%s\n", line);
    }
}

static void run_pipeline(int64_t nt, int64_t nc, int64_t lo, int64_t H, int64_t clo, int64_t W, int T)
{
    tt_progress *done = calloc((size_t)T, sizeof *done);
    if (!done)
        tyl_rt_error("libtyles", "out of memory");
#pragma omp parallel num_threads(T)
    {
        const int me = omp_get_thread_num(), nth = omp_get_num_threads();
        const int64_t c0 = nc * me / nth, c1 = nc * (me + 1) / nth;
        const int prof = tyl_tt_verbose_() > 1 && me < PROF_MAX;
        double w0 = prof ? omp_get_wtime() : 0, c0p = prof ? cpu_now() : 0, wait = 0, spun = 0;
        for (int64_t t = 0; t < nt; t++) {
            double s0 = prof ? omp_get_wtime() : 0, sc0 = prof ? cpu_now() : 0;
            if (me > 0)
                for (int spin = 0; atomic_load_explicit(&done[me - 1].rows, memory_order_acquire) <= t; spin++)
                    if (spin >= 100)
                        sched_yield();
            if (prof) {
                wait += omp_get_wtime() - s0;
                spun += cpu_now() - sc0;
            }
            for (int64_t c = c0; c < c1; c++)
                for (int n = 0; n < tyl_ttg_.ns; n++)
                    if (!tyl_ttg_.st[n].empty)
                        run_stage(&tyl_ttg_.st[n], lo + t * H, H, clo + c * W, W, 1, 0);
            /* a full fence: it also drains non-temporal stores, which release alone does not order */
            atomic_thread_fence(memory_order_seq_cst);
            atomic_store_explicit(&done[me].rows, t + 1, memory_order_release);
        }
        if (prof)
            prof_add(me, omp_get_wtime() - w0 - wait, wait, cpu_now() - c0p, spun);
    }
    free(done);
}

/* Stage g over rows [x0, x1) of what it writes (unskewed), on one thread. */
static void run_rows(const tt_stage *g, int64_t x0, int64_t x1)
{
    if (x1 > x0)
        run_stage(g, x0 + g->ax[0].lag, x1 - x0, 0, 0, 1, 0);
}

/* The skewed rows [lo, hi) in T slabs (shrinks explains why they need no wait between them):
 * thread me runs its slab [A, B) in row tiles of H, leaving the rows [A - L_n, A - L_n + S_n)
 * of each stage n, then after a barrier those rows stage by stage. With W > 0 each row tile
 * runs as tiles of W skewed columns [clo, chi), left to right, as on one thread: the column
 * lags keep the two conditions between them, and the slab's rows and triangle stay the same. */
static void run_slabs(int64_t lo, int64_t hi, int64_t H, int64_t clo, int64_t chi, int64_t W, int T)
{
#pragma omp parallel num_threads(T)
    {
        const int me = omp_get_thread_num(), nth = omp_get_num_threads();
        const int64_t A = lo + (hi - lo) * me / nth, B = lo + (hi - lo) * (me + 1) / nth;
        const int prof = tyl_tt_verbose_() > 1 && me < PROF_MAX;
        double w0 = prof ? omp_get_wtime() : 0, c0p = prof ? cpu_now() : 0, s0 = 0, sc0 = 0, wait = 0, spun = 0;
        for (int64_t r0 = A; r0 < B; r0 += H) {
            const int64_t r1 = r0 + H < B ? r0 + H : B;
            for (int64_t c = 0, nc = W ? (chi - clo + W - 1) / W : 1; c < nc; c++) /* W = 0: whole rows */
                for (int n = 0; n < tyl_ttg_.ns; n++) {
                    const int64_t c0 = W ? clo + c * W : 0;
                    const tt_stage *g = &tyl_ttg_.st[n];
                    if (g->empty)
                        continue;
                    /* the skewed rows [r0, r1), above the triangle: a tile of the slab's rows
                     * and (W) of the columns [c0, c0 + W), as one thread runs them */
                    const int64_t x0 = me && r0 < A + g->ax[0].shrink ? A + g->ax[0].shrink : r0;
                    if (r1 > x0)
                        run_stage(g, x0, r1 - x0, c0, W, 1, 0);
                }
        }
        if (prof) {
            s0 = omp_get_wtime();
            sc0 = cpu_now();
        }
        /* a full fence in the barrier's flush drains the non-temporal stores too */
#pragma omp barrier
        if (prof) {
            wait = omp_get_wtime() - s0;
            spun = cpu_now() - sc0;
        }
        for (int n = 0; me && n < tyl_ttg_.ns; n++)
            if (!tyl_ttg_.st[n].empty)
                run_rows(&tyl_ttg_.st[n], A - tyl_ttg_.st[n].ax[0].lag, A - tyl_ttg_.st[n].ax[0].lag + tyl_ttg_.st[n].ax[0].shrink);
        if (prof)
            prof_add(me, omp_get_wtime() - w0 - wait, wait, cpu_now() - c0p, spun);
    }
}

/* The recorded stages run over the tiles of plan P (in order where P.H is 0). */
void tyl_tt_run_plan_(tt_plan P)
{
    const char *sync = getenv("TYLES_TT_SYNC");
    if (sync && (!strcmp(sync, "pipeline") || !strcmp(sync, "wavefront")))
        P.pipeline = sync[0] == 'p';
    if (tyl_tt_verbose_() && tyl_rt_rank_ == 0) {
        if (P.H)
            fprintf(stderr, "tyles: %d steps in tiles of %lld rows x %lld columns, %d thread(s)%s\n", tyl_ttg_.K,
                    (long long)P.H, (long long)P.W, P.threads, P.slabs ? " in slabs" : "");
        else
            fprintf(stderr, "tyles: %d steps in order\n", tyl_ttg_.K);
    }
    if (!P.H) { /* whole stages: their kernels block rows as plain sweeps do (tyl_mem_block_rows) */
        tyl_tt_running_ = 0;
        if (tyl_ttg_.deep)
            tyl_tt_run_deep_in_order_();
        else
            for (int n = 0; n < tyl_ttg_.ns; n++)
                if (tyl_ttg_.st[n].sw)
                    tyl_sweep_run_full_(tyl_ttg_.st[n].sw, (tyl_array **const *)tyl_ttg_.st[n].arrp, tyl_ttg_.st[n].x, tyl_ttg_.st[n].sc);
                else
                    tyl_copy_outside(tyl_ttg_.st[n].cdst, tyl_ttg_.st[n].csrc, tyl_ttg_.st[n].clo, tyl_ttg_.st[n].clen);
        tyl_tt_running_ = 1;
    } else {
        int64_t lo = INT64_MAX, hi = INT64_MIN, clo = INT64_MAX, chi = INT64_MIN;
        for (int n = 0; n < tyl_ttg_.ns; n++) {
            const tt_stage *g = &tyl_ttg_.st[n];
            if (g->empty)
                continue;
            lo = g->ax[0].wlo + g->ax[0].lag < lo ? g->ax[0].wlo + g->ax[0].lag : lo;
            hi = g->ax[0].whi + g->ax[0].lag > hi ? g->ax[0].whi + g->ax[0].lag : hi;
            if (P.W) {
                clo = g->ax[1].wlo + g->ax[1].lag < clo ? g->ax[1].wlo + g->ax[1].lag : clo;
                chi = g->ax[1].whi + g->ax[1].lag > chi ? g->ax[1].whi + g->ax[1].lag : chi;
            }
        }
        const int64_t H = P.H, W = P.W;
        if (P.slabs)
            run_slabs(lo, hi, H, clo, chi, W, P.threads);
        else if (W && P.threads == 1) {
            /* row by row: tile (t, c) finds the lines it shares with (t, c - 1) in the cache */
            const int64_t nt = (hi - lo + H - 1) / H, nc = (chi - clo + W - 1) / W;
            for (int64_t t = 0; t < nt; t++)
                for (int64_t c = 0; c < nc; c++)
                    for (int n = 0; n < tyl_ttg_.ns; n++)
                        if (!tyl_ttg_.st[n].empty)
                            run_stage(&tyl_ttg_.st[n], lo + t * H, H, clo + c * W, W, 1, 0);
        } else if (W && !P.pipeline) {
            /* tiles (t, c) of H rows and W columns in skewed coordinates; tile (t, c) needs
             * (t - 1, c) and (t, c - 1) before it (the lags along each axis keep the two
             * conditions there), so the tiles of one wavefront t + c run in parallel */
            const int64_t nt = (hi - lo + H - 1) / H, nc = (chi - clo + W - 1) / W;
#pragma omp parallel num_threads(P.threads)
            for (int64_t wf = 0; wf < nt + nc - 1; wf++) {
                int64_t t0 = wf - nc + 1 > 0 ? wf - nc + 1 : 0, t1 = wf < nt - 1 ? wf : nt - 1;
#pragma omp for schedule(dynamic, 1)
                for (int64_t t = t0; t <= t1; t++)
                    for (int n = 0; n < tyl_ttg_.ns; n++)
                        if (!tyl_ttg_.st[n].empty)
                            run_stage(&tyl_ttg_.st[n], lo + t * H, H, clo + (wf - t) * W, W, 1, 0);
            }
        } else if (W) {
            const int64_t nt = (hi - lo + H - 1) / H, nc = (chi - clo + W - 1) / W;
            run_pipeline(nt, nc, lo, H, clo, W, P.threads < nc ? P.threads : (int)nc);
        } else if (P.threads == 1) {
            /* tiles of whole rows, on this thread: outside any parallel region, where the
             * kernels' own regions (if false) and tyl_box_copy's reuse the cached team; nested
             * in a region of one thread, each of those calls allocated and freed a team of its
             * own (Burgers 2048^2 calls 7 stages a tile of 5 rows a step) */
            for (int64_t r0 = lo; r0 < hi; r0 += H)
                for (int n = 0; n < tyl_ttg_.ns; n++)
                    if (!tyl_ttg_.st[n].empty)
                        run_stage(&tyl_ttg_.st[n], r0, H, 0, 0, 1, 0);
        } else {
            /* one column of tiles: the threads share each stage's sub-box of a tile by
             * columns, and wait for each other between stages (the next reads what it wrote) */
#pragma omp parallel num_threads(P.threads)
            {
                const int T = omp_get_num_threads(), me = omp_get_thread_num();
                for (int64_t r0 = lo; r0 < hi; r0 += H)
                    for (int n = 0; n < tyl_ttg_.ns; n++) {
                        if (tyl_ttg_.st[n].empty)
                            continue; /* the same on every thread */
                        run_stage(&tyl_ttg_.st[n], r0, H, 0, 0, T, me);
                        if (T > 1) {
#pragma omp barrier
                        }
                    }
            }
        }
    }
}
