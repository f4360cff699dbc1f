/* tyl_timetile.c: temporal blocking of a time loop (pass_sched_timetile chooses the loops).
 *
 * K steps of a loop body are recorded (tyl_ttrecord.c); tyl_tt_run then runs the stages over
 * tiles of rows along the outer axis (array dimension 0; in 2-D and 3-D of rows and columns)
 * instead of one whole stage after another, bitwise as step-by-step order: the lags and the
 * tiles are tyl_ttlags.c's (which explains why the results are the same), their sizes
 * tyl_ttplan.c's, the threads' share of them tyl_ttsched.c's, and on several ranks the deep
 * halos and grown boxes tyl_ttdeep.c's. This file runs a recorded group: as one, or in halves.
 *
 * Depth: tyl_tt_go records 2K steps where that many are left (K not forced; on several ranks
 * where the deep halos were sized for 2K), and tyl_tt_run runs them as one group where that
 * pays, else as two groups of K (run_doubled; on several ranks after one exchange 2K deep, or
 * run_halves where the 2K group cannot run on deep halos or its edges would not pay).
 *
 * Environment: TYLES_TIME_TILE=off steps every loop one step at a time (to compare), =on tiles
 * the 3-D groups that could run as plain sweeps (which the run otherwise times both ways,
 * tyl_ttchoice.c; TYLES_TT_CHOICE=model takes tyl_tt_plain_planes_'s answer instead); the tile's
 * cache budget is TYLES_TT_CACHE bytes (default 1 MiB), a core's L2 TYLES_TT_L2 bytes where
 * set, else what the C library reports (tyl_ttplan.c), and its L1 TYLES_TT_L1 bytes (the width
 * of 2-D tiles); TYLES_TT_ROWS and TYLES_TT_COLS set the
 * tile height and (with threads, or 3-D) width outright; TYLES_TT_SYNC=slabs, pipeline or
 * wavefront chooses how threads share tiles (run_slabs, run_pipeline; by default pipeline for
 * 3-D, slabs for 2-D where each thread's slab is at least twice as tall as the rows it leaves
 * to the triangle, else wavefronts). A forced K cuts even a small grid into at least four tiles.
 * TYLES_TT_VERBOSE=1 prints each group's tiles; =2 also its wall and CPU time and, for bands
 * (run_pipeline), each thread's time busy, waiting for its neighbour and on a CPU: a thread
 * that lost its core shows as wall time beyond its CPU time and as its neighbour's wait.
 * TYLES_TT_VERBOSE=3 prints the group lines of every rank, each prefixed by "rank R".
 * TYLES_TT_DOUBLE=0, 1 or split: see tyl_tt_env_double_ (tyl_ttrecord.c).
 */
#include <omp.h>
#include <stdio.h>

#include "tyl_ttgroup.h"

/* The second half's h stages moved to the front, to run as a group of their own: a permutation
 * of the slots, so each keeps its block. */
static void second_half_first(int h)
{
    for (int n = 0; n < h; n++) {
        tt_stage t = tyl_ttg_.st[n];
        tyl_ttg_.st[n] = tyl_ttg_.st[n + h];
        tyl_ttg_.st[n + h] = t;
    }
}

/* A group of 2K steps (tyl_tt_go) on one rank: together where its tiles of planes are at least
 * H_MIN x W_MIN in the deeper budget (or K's tiles are, in two budgets: tyl_tt_spill_budget_),
 * or a 2-D group takes tiles of rows and columns (their window a column wide, K rows deeper,
 * stays within half the budget: Jacobi 2-D float64 4096^2 ran 2K in 43 x 512 1.15x as fast as
 * K in 52 x 512, and K in 52 x 512 as fast as K in whole rows: bench/RESULTS.md h93),
 * else as two groups of K, the second half's stages moved to the front. A pass of 2K steps
 * reads the arrays from memory half as often; the span of its tiles is K planes and lines
 * deeper, which thin tiles read again from the L3 at every tile.
 * Jacobi 3-D float32 256^3, 1 thread, CPU time a step (bench/ab_cputime.py, load 16-19,
 * bench/RESULTS.md 2026-12-05 h51): K = 8 in tiles of 14 x 7 (1 MiB) 5.84 ms; 16 in 12 x 6
 * (2 MB) 5.25; 16 in 8 x 4 (1.6 MB) 6.39. float64 (planes twice the bytes) gets 4 x 2 tiles
 * at 16 in 2 MiB, 8 x 4 at K, and stays at K. */
enum { H_MIN = 12, W_MIN = 6 };

static int thick(tt_plan P)
{
    return P.H && ((P.planes && P.H >= H_MIN && P.W >= W_MIN) || P.cols);
}

static int run_doubled(void)
{
    const int ns = tyl_ttg_.ns, h = ns / 2, K = tyl_ttg_.K;
    tyl_tt_group_budget_(tyl_tt_deep_budget_(), 0);
    tt_plan P = tyl_tt_plan_group_();
    if (!thick(P) && tyl_tt_env_double_() == -1) { /* K's tiles, their window past the L2 (tyl_ttplan.c) */
        tyl_tt_group_budget_(0, 0);
        tyl_ttg_.K = tyl_ttg_.base;
        tyl_ttg_.ns = h;
        const tt_plan PK = tyl_tt_plan_group_();
        tyl_ttg_.ns = ns;
        tyl_ttg_.K = K;
        if (thick(PK)) {
            tyl_tt_group_budget_(tyl_tt_spill_budget_(), PK.H);
            P = tyl_tt_plan_group_();
        }
    }
    tyl_tt_group_budget_(0, 0);
    const int take = tyl_tt_env_double_() == 1 ? P.H != 0 : tyl_tt_env_double_() != 2 && thick(P);
    if (take) {
        tyl_tt_run_plan_(P);
        return 1;
    }
    tyl_ttg_.K = tyl_ttg_.base;
    tyl_ttg_.ns = h;
    P = tyl_tt_plan_group_();
    int tiled = P.H != 0;
    tyl_tt_run_plan_(P);
    second_half_first(h);
    P = tyl_tt_plan_group_();
    tiled |= P.H != 0;
    tyl_tt_run_plan_(P);
    tyl_ttg_.ns = ns;
    tyl_ttg_.K = K;
    return tiled;
}

/* A group of 4K steps (tyl_tt_go; on several ranks, on deep halos 4K steps deep): together
 * where it takes 2-D tiles of rows and columns (tyl_tt_plan_cols_: a window K rows and
 * columns deeper than 2K's, H still at least
 * H2_MIN), else as two groups of 2K, each as run_doubled decides (every 3-D group and every 2-D
 * group in whole rows: as before the groups of 4K). Jacobi 2-D float64 4096^2, a plain-C model
 * of these tiles (1 thread, chrt -f 1, load 13-16, bench/RESULTS.md h93): 2K = 16 in 43 x 512
 * 2.95-3.0 GSt/s, 4K = 32 in 27 x 512 3.2-3.3, 40 x 512 3.3. */
static int run_quad(void)
{
    const int ns = tyl_ttg_.ns, h = ns / 2, K = tyl_ttg_.K;
    tyl_tt_group_budget_(tyl_tt_deep_budget_(), 0);
    tt_plan P = tyl_tt_plan_group_();
    tyl_tt_group_budget_(0, 0);
    if (P.H && P.cols) {
        tyl_tt_run_plan_(P);
        return 1;
    }
    tyl_ttg_.K = 2 * tyl_ttg_.base;
    tyl_ttg_.ns = h;
    int tiled = run_doubled();
    second_half_first(h);
    tiled |= run_doubled();
    tyl_ttg_.ns = ns;
    tyl_ttg_.K = K;
    return tiled;
}

static void run_group(void);

/* A group of 2K (4K) steps on several ranks that cannot run on deep halos that deep (the halos
 * were sized for K: TYLES_TT_DOUBLE=1 with K forced) or whose edges would not pay: two groups
 * of K (2K), each deciding for itself (deep halos K steps deep, or step by step; a half of 2K
 * halves again), the second half's stages moved to the front as in run_doubled. */
static void run_halves(void)
{
    const int ns = tyl_ttg_.ns, h = ns / 2, K = tyl_ttg_.K;
    tyl_ttg_.K = K / 2;
    tyl_ttg_.ns = h;
    run_group();
    second_half_first(h);
    run_group();
    tyl_ttg_.ns = ns;
    tyl_ttg_.K = K;
}

/* The recorded stages tyl_ttg_.st[0 .. tyl_ttg_.ns) as one group of tyl_ttg_.K steps. */
static void run_group(void)
{
    tyl_ttg_.deep = 0;
    const int doubled = tyl_ttg_.K == 2 * tyl_ttg_.base && tyl_ttg_.ns % 2 == 0;
    const int quad = tyl_ttg_.K == 4 * tyl_ttg_.base && tyl_ttg_.ns % 4 == 0;
    if (tyl_rt_nranks() > 1) {
        for (int n = 0; n < tyl_ttg_.ns; n++)
            tyl_ttg_.st[n].empty = 0;
        int64_t ok = tyl_tt_deep_boxes_();
        ok = ok ? 1 + (tyl_tt_deep_pays_() && !tyl_tt_plain_sweeps_()) : 0; /* 2: deep; 1: legal but not worth it; 0: not legal */
        tyl_reduce_ranks(&ok, TYL_INT64, 2); /* all ranks deep, or all step by step */
        if (ok != 2 && (doubled || quad)) {
            run_halves();
            return;
        }
        tyl_dist_stats_.n_tt_declined += ok == 1;
        ok = ok == 2;
        if (ok) {
            tyl_ttg_.deep = 1;
            tyl_tt_deep_exchange_();
            tyl_dist_stats_.n_tt_deep++;
            if (tyl_tt_verbose_() && tyl_rt_rank_ == 0)
                fprintf(stderr, "tyles: %d steps on deep halos (%d stages)\n", tyl_ttg_.K, tyl_ttg_.ns);
        }
    }
    tyl_tt_prof_start_();
    int tiled;
    if (quad && (tyl_ttg_.deep || tyl_rt_nranks() == 1))
        tiled = run_quad();
    else if (doubled && (tyl_ttg_.deep || tyl_rt_nranks() == 1))
        tiled = run_doubled();
    else {
        tt_plan P = tyl_ttg_.deep || tyl_rt_nranks() == 1 ? tyl_tt_plan_group_() : (tt_plan){.threads = 1};
        tiled = P.H != 0;
        tyl_tt_run_plan_(P);
    }
    tyl_tt_prof_report_();
    if (tiled || tyl_ttg_.deep) /* deep halos: the halos of what the group wrote hold grown points */
        for (int n = 0; n < tyl_ttg_.ns; n++) {
            if (!tyl_ttg_.st[n].sw)
                tyl_dirty(tyl_ttg_.st[n].cdst);
            for (int j = 0; tyl_ttg_.st[n].sw && j < tyl_ttg_.st[n].sw->nt; j++)
                if (tyl_ttg_.deep || tyl_ttg_.st[n].sw->dirty >> j & 1)
                    tyl_dirty(tyl_ttg_.st[n].arr[tyl_ttg_.st[n].sw->op[j].arr]);
        }
}

void tyl_tt_run(void)
{
    tyl_sweep_recorder_ = NULL;
    tyl_tt_running_ = 1; /* the kernels run on tiles: no row blocks (tyl_mem_block_rows) */
    tyl_tt_choice_begin_();
    run_group();
    tyl_tt_choice_end_();
    tyl_tt_running_ = 0;
    /* The recorded arrays hold no reference of their own: within a group no buffer is freed
     * (renamings permute names, tyl_rotate gives Y the buffer X let go of, or releases one
     * that another name still holds), and a reference would keep tyl_rotate from handing X's
     * old buffer to Y. */
    tyl_ttg_.ns = 0;
}
