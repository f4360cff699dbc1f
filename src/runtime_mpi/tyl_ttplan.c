/* tyl_ttplan.c: how large a time-tiled group's tiles may be (tyl_timetile.c runs them): the
 * cache budget of a tile and what its lags add, and the tiles of planes and lines of
 * a 3-D group (tyl_tt_plan_planes_).
 *
 * Requires: the group's lags and spans found (tyl_ttlags.c tyl_tt_plan_group_). Establishes: a plan whose
 * tiles' window fits the budget; the budget and the tiles depend only on the environment, the
 * machine's L2, the threads and the ranks on the node, never on the values computed, so every
 * plan computes bitwise what step-by-step order computes (tyl_ttlags.c explains why).
 */
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tyl_internal.h"
#include "tyl_mem.h"
#include "tyl_ttplan.h"

static size_t budget_of_group; /* a doubled group's (tyl_tt_deep_budget_), else 0 */
static int64_t hmax_of_group;  /* and the height of its tiles at most (K's), else 0 */

/* TYLES_TIME_TILE: 1 for off (0, 1: no time tiling in this run), 2 for on (tiles even where
 * tyl_tt_plain_planes_ would run plain sweeps), 0 unset (tyl_env.c checks its values). */
static int env_time_tile(void)
{
    static int v = -1;
    if (v < 0) {
        const char *e = getenv("TYLES_TIME_TILE");
        v = !e ? 0 : !strcmp(e, "off") || !strcmp(e, "0") || !strcmp(e, "1") ? 1 : !strcmp(e, "on") ? 2 : 0;
    }
    return v;
}

/* Time tiling off in this run (tyl_timetile.c; tyl_tt_pad_wide_). */
int tyl_tt_env_off_(void) { return env_time_tile() == 1; }

/* TYLES_TIME_TILE=on: tiles, never plain sweeps instead (tyl_tt_plain_question_). */
int tyl_tt_env_on_(void) { return env_time_tile() == 2; }

void tyl_tt_group_budget_(size_t b, int64_t hmax)
{
    budget_of_group = b;
    hmax_of_group = hmax;
}

size_t tyl_tt_budget_(void)
{
    static size_t b;
    if (!b) {
        b = (size_t)tyl_env_num_("TYLES_TT_CACHE", (int64_t)1 << 20);
    }
    return budget_of_group ? budget_of_group : b;
}

/* The budget of a group of 2K steps: a core's L2, at most two budgets. Its span is K planes
 * deeper, so it needs the room to keep tiles as large as K's. */
size_t tyl_tt_deep_budget_(void)
{
    size_t b = tyl_tt_budget_(), l2 = tyl_l2_bytes_();
    return l2 > b ? (l2 < 2 * b ? l2 : 2 * b) : b;
}

/* Where the deep budget leaves a group of 2K steps thin tiles (run_doubled's H_MIN), it may
 * take K's tiles K planes and lines deeper in two budgets, its window past the L2 (run_doubled
 * passes K's height to tyl_tt_group_budget_): the pass reads the arrays from memory half as
 * often over tiles whose stages touch what K's touch, and the lines the next tile shares with
 * the window come from the L3, which a pass of K steps reads the arrays from too. A machine whose
 * C library reports an L2 of 1 MiB, the budget, never took 2K steps in 3-D before. Jacobi 3-D
 * float32 256^3 (2 x 64 MiB, past the L3), 120 steps, loop wall time under chrt -f 1, medians of
 * 6 interleaved rounds on a 1 MiB L2 (bench/RESULTS.md 2026-12-06 h77): 2 threads, K = 8 in
 * 16 x 8 (before) 378 ms, 14 x 7 386; 2K = 16 in 12 x 6 349, 16 x 8 (K's tiles: this rule, a
 * 1.8 MB window) 349, 18 x 9 365, 20 x 10 370; one thread 665, 682; 649, 617, 647, 640. Where
 * the deep budget gives thick tiles the window stays in the L2: N = 128 (2 x 8 MiB, in the L3),
 * 2K in 18 x 9 (1 MB) ran 153 ms (400 steps, 2 threads) against 174 in K's 30 x 15 (1.6 MB).
 * float64 256^3 (planes twice the bytes) gets 8 x 4 at K and stays at K. */
size_t tyl_tt_spill_budget_(void)
{
    return 2 * tyl_tt_budget_();
}

/* Whether a group whose rows are planes runs its stages one after another, each a plain sweep,
 * rather than in tiles (tyl_ttlags.c tyl_tt_plain_sweeps_; never where K was forced, nor with
 * TYLES_TIME_TILE=on). The model: a time-tiled stage runs at about two thirds of its kernel's
 * in-cache rate (it reads its tile's planes and lines again from the L2 and the L3, and the
 * skewed tiles at the edges are partial), so tiling pays only where the plain sweep streams
 * the arrays from memory at less than that. Both rates scale with the element's bytes (a
 * point moves 2 elements of Jacobi; a 64-byte vector holds 16 float32 or 8 float64), so the
 * dtype decides only through what the kernels reach on this machine: Zen 4, 1 MiB L2 a core,
 * Jacobi 3-D (7 points), CPU time of the time loop, 1 thread, interleaved rounds, load 6-14
 * (bench/RESULTS.md 2026-12-06 h91):
 *   in-cache rate of the kernel, 16 planes x 8 lines of 254 (hand C): float32 4.7 GSt/s,
 *   float64 2.6; in tiles of 16 x 8, 16 steps (bench/probe_jacobi3d_tt.c): float32 3.3;
 *   float32 256^3: plain 3.75 GSt/s, tiled 2.9 (quiet peers run: 3.83 against 3.06 at 1
 *   thread, 5.84 against 5.46 at 2); 384^3: plain 1.18x tiled.
 * So float32 (elements of 4 bytes or fewer, widest): arrays past the last-level cache (bytes,
 * the group's arrays together, and its shortest line, line_bytes: the test by which the plain
 * kernels stream their stores, tyl_mem_stream; they prefetch planes and block rows past the
 * cache too). Arrays within it keep their tiles: float32 128^3 (16 MiB) ran 1.5x faster tiled,
 * where the plain sweep neither streams nor prefetches.
 *
 * float64 (wide_plain): plain sweeps only where one core streams the arrays, one thread and
 * one rank on the node, and only where every 3-D array of the group (least, the smallest's
 * allocated bytes) is 1.5 times the last-level cache by itself (tyl_mem_past_llc_: 48 MiB =
 * 50.3 MB on this machine, 32 MiB of L3; until h106 the cache test of the plain kernels,
 * tyl_mem_stream, which took the C library's 320 MiB at its cap of 48 MiB here; since, the
 * plain kernels stream and prefetch from a quarter of the L3, yet at 144^3 the tiles still
 * ran 1.13x faster than the plain sweep, 1 thread, and at 128^3 0.91x, load 7-8, h106). Its plain
 * sweep reached its roofline once its rows were padded to whole lines (tyl_dist.c padded_row,
 * h92), and then: Jacobi 3-D float64, bench/jacobi3d.tyl, loop time from --stats under
 * chrt -f 1, medians of 3-4 interleaved rounds, load 8-16 (bench/RESULTS.md 2026-12-06 h98,
 * `python3 bench/tt_loop_wall.py --fifo --rounds 4 --steps S --args=--N=N ./j3 tt:R:T
 * ttpad:R:T:TYLES_PAD_ROWS=1 plain:R:T:TYLES_TIME_TILE=off`), plain padded / tiled unpadded
 * time (under 1: plain faster):
 *   1 thread (CPU): 128^3 1.83, 144^3 2.20, 160^3 1.07, 176^3 1.12, 192^3 0.93, 256^3 0.90,
 *     320^3 0.88, 384^3 0.84 (the arrays 18.4, 25.9, 35.3, 46.6, 60.2, 141, 272,
 *     467 MB each, rows padded);
 *   2 threads (wall): 128^3 1.81, 160^3 1.13, 192^3 1.23, 256^3 1.20, 384^3 0.90;
 *   2 ranks of one thread (wall): 128^3 1.70, 160^3 2.13, 192^3 0.90, 256^3 1.00, 384^3 0.90.
 * One core's plain sweep is bound by what one core streams (1.5-1.75 GSt/s), the tiles by its
 * arithmetic (1.6-1.7); two cores' tiles compute twice as fast while their plain sweeps share
 * the memory (2.2-2.7 GSt/s), so with two sharers the tiles stay ahead up to 256^3 and the plain
 * sweep leads by 10% only from 384^3 (where the tiles are 4 planes x 2 lines); 2 ranks, whose
 * plain sweeps ran faster than 2 threads' (256^3: 302 ms against 359), led by 0-10% from
 * 192^3, within the noise (a second run: 1.12 and 1.06 plain / tiled at 192^3 and 256^3), so
 * they keep the tiles as threads do.
 * A group of float64 that runs plain sweeps has its rows padded (tyl_tt_pad_wide_, the same
 * test on each array), one that runs in tiles not: padded rows cost the tiles 7-11% with the
 * same tiles (192^3 and 320^3 at 1 thread, 192^3 at 2 threads and 2 ranks; 256^3 at 1 thread
 * in 8 x 4, TYLES_TT_ROWS=8 TYLES_TT_COLS=4, 1.11x the CPU time), so a planner that kept the
 * tiles of unpadded rows (256^3: 6 x 3 padded, 8 x 4 not) would not make padding pay.
 * The choice depends only on the arrays' sizes and dtypes, the machine's caches, the threads
 * and ranks on the node and the environment, and both orders compute bitwise what step-by-step
 * order computes. It was measured on one machine (a Zen 4): where it answers plain sweeps the
 * run times a group each way and keeps the faster (tyl_ttchoice.c), as on a Zen 3 the tiles were
 * faster in each of those cases (Jacobi 3-D 256^3 1.26-1.42x). */
static int wide_plain(size_t least)
{
    const int sharers = omp_get_max_threads() * (tyl_mem_local_ranks_ > 1 ? tyl_mem_local_ranks_ : 1);
    return env_time_tile() != 2 && sharers == 1 && tyl_mem_past_llc_((double)least, 1.5);
}

int tyl_tt_plain_planes_(size_t bytes, size_t least, size_t widest, int64_t line_bytes)
{
    if (env_time_tile() == 2 || bytes > (size_t)INT64_MAX)
        return 0;
    return widest <= 4 ? tyl_mem_stream_test_((int64_t)bytes, line_bytes, 1) : widest <= 8 && wide_plain(least);
}

/* Whether the rows of a 3-D array of elements wider than 4 bytes laid out for a time-tiled
 * loop are padded (tyl_dist.c padded_row): where time tiling is off, and where its group would
 * run plain sweeps by wide_plain (bytes: its allocation, padded; line_bytes: its owned line),
 * not where TYLES_TIME_TILE=on keeps the tiles. A group passes wide_plain only when each of its
 * 3-D arrays does, so every array of a group of plain sweeps has padded rows. */
int tyl_tt_pad_wide_(size_t bytes, int64_t line_bytes)
{
    (void)line_bytes;
    return env_time_tile() == 1 || wide_plain(bytes);
}

/* The tiles of a group whose rows are planes (256^2 float64 is half a MiB a plane: a plane of
 * every array in the budget leaves no room for the lags' span): H planes by W lines, with one
 * thread too. A tile row's planes come from memory once per pass of K steps, so the traffic
 * per step is about (H + span) / (H K) of step-by-step order's; the window of a tile, (H +
 * span) planes by (W + spanc) lines, must fit the budget for the next tile to the right to find
 * all but W of its lines in the cache. W is half of H: a deeper H saves traffic, a narrower W
 * adds stage calls. Jacobi 3-D 256^3 float64, K = 8, 1 MiB, 1 thread, CPU time a step
 * (bench/ab_cputime.py, 2026-12-05): tiles of 6 x 3 9.9 ms, 8 x 4 11.3, 12 x 6 11.1, 6 x 2
 * 14.4; step by step 22. ncol: the column extent; line: the bytes of one line of every array,
 * its allocated row along the last axis (padding and halos included). It was a plane's bytes
 * over the columns written, which counted a rank's halo columns as more bytes a line: 2 ranks
 * took smaller tiles than 2 threads (Jacobi 3-D float32 256^3 14 x 7 against 16 x 8), and the
 * interior's two columns fewer gave float64 256^3 6 x 3 where 8 x 4 fits 1 MiB. 8 x 4 (this
 * rule) against 6 x 3 there, loop wall time under chrt -f 1, 120 steps, medians of 6
 * interleaved rounds (bench/RESULTS.md 2026-12-06 h77): one thread 1429 ms against 1495, 2
 * threads 706 against 749, 2 ranks 740 against 750.
 *
 * With T threads the window may take 1.5 budgets. The span planes a tile row reads again were
 * last touched a whole tile row earlier (16 MiB of Jacobi 3-D float64 at 6 x 3), too far back
 * for a core's L2: they come from the L3 or memory, which the threads share, so with two
 * threads the traffic, not the arithmetic, bounds a group (the 2-thread figure stayed at
 * 2.0-2.6 GSt/s in every make bench while one thread went from 0.9 to 2.15). A deeper tile
 * re-reads less: 2 (H + span) / (H K) planes a step, 0.67 at 6 x 3 and 0.5 at 10 x 5 (the
 * window 1.5 MiB, within this machine's 2 MiB L2 a core). Measured only on the loaded machine
 * (TYLES_TT_VERBOSE=2, least CPU time of a group, interleaved runs, bench/RESULTS.md
 * 2026-12-05 h49), 2 threads: 10 x 5 47.6 + 47.4 ms a thread against 48.4 + 50.8 at 6 x 3,
 * 12 x 6 48.3 + 47.0 against 52.0 + 53.2: a few percent, within that machine's noise.
 * H grows past one thread's tile only while it is at most a sixteenth of the planes: a band
 * waits for its left neighbour's tile row, so the pipeline fills and drains in about one tile
 * row (1/nt of the group; float32 256^3 keeps its 14 x 7, where 22 x 11 measured the same CPU
 * time), and while every thread keeps a column of tiles (else W = 0 and the threads would
 * share each stage with a barrier between stages). A forced K keeps one thread's tiles (the
 * tests' small grids; tests/programs/timetile_jacobi3d_threads.tyl takes the deeper ones).
 *
 * Ranks of one thread on one node share its L3 and memory as threads do, so they take the
 * deeper tiles too (issue 14 item 5: two ranks of one thread ran Jacobi 3-D 256^3 float64 at
 * 0.84 of one rank of two threads, which had had the deeper tiles since h49). Measured on the
 * loaded machine (TYLES_TT_VERBOSE=2, CPU time of a group of 8 steps, rank 0, bench/RESULTS.md
 * 2026-12-05 h52): 2 ranks at 6 x 3 57.5-63.7 ms a group, at 10 x 3 (TYLES_TT_ROWS=10) 50.0-
 * 52.0, one rank of 2 threads at 10 x 5 49.8-53.0 ms a thread. A rank of one thread has no
 * pipeline to fill, so only threads keep H to a sixteenth of the planes.
 *
 * The window stays within a core's L2 (the reason for the 1.5 budgets): 1.5 deep budgets gave
 * ranks of one thread (no sixteenth limit) 28 x 14 tiles of Jacobi 3-D float32 256^3 (a 3 MB
 * window) where 2 threads took 18 x 9 (2 MB). CPU time a step a rank, least over 24 groups of
 * 16 steps (load 12-16, TYLES_TT_VERBOSE=2, bench/RESULTS.md 2026-12-06 h54): 28 x 14 3.22 ms,
 * 22 x 11 2.90, 18 x 9 2.85; one rank of 2 threads at 18 x 9 2.97 a thread.
 *
 * A group of 2K steps whose window passes the L2 takes at most the tiles of K
 * (tyl_tt_group_budget_'s hmax): see tyl_tt_spill_budget_. */
tt_plan tyl_tt_plan_planes_(tt_plan P, int forced, int64_t lo, int64_t hi, int64_t ncol, int64_t span, int64_t spanc, double line)
{
    int64_t h = 0, w = 1;
    const int sharers = P.threads * (tyl_mem_local_ranks_ > 1 ? tyl_mem_local_ranks_ : 1);
    double room = sharers > 1 && !forced ? 1.5 * (double)tyl_tt_budget_() : (double)tyl_tt_budget_();
    if (tyl_l2_bytes_() && room > (double)tyl_l2_bytes_() && room > (double)tyl_tt_budget_()) /* within a core's L2 */
        room = (double)tyl_l2_bytes_() > (double)tyl_tt_budget_() ? (double)tyl_l2_bytes_() : (double)tyl_tt_budget_();
    for (int64_t h2 = 2;; h2 += 2) {
        int64_t w2 = h2 / 2;
        double win = (double)(h2 + span) * (double)(w2 + spanc) * line;
        if (win > room || (hmax_of_group && h2 > hmax_of_group))
            break;
        if (win > (double)tyl_tt_budget_() && ((P.threads > 1 && h2 > (hi - lo) / 16) || w2 * P.threads >= ncol))
            break; /* threads: deeper than one thread's tile only while nt >= 16 and nc >= T */
        h = h2;
        w = w2;
    }
    if (!forced && h < 4)
        return (tt_plan){.threads = 1};
    if (forced) { /* a small grid still gets several tiles each way (tests) */
        int64_t hmax = (hi - lo) / 4 > 1 ? (hi - lo) / 4 : 1, wmax = ncol / 2 > 1 ? ncol / 2 : 1;
        h = h < 1 || h > hmax ? hmax : h;
        w = w > wmax ? wmax : w;
    }
    P.H = h;
    P.W = w < ncol ? w : 0;
    P.planes = 1;
    /* a band of a 3-D tile row keeps the lines it shares with the tile to its right in the
     * cache; in 2-D the wavefronts' tiles of about four a thread measured faster */
    P.pipeline = 1;
    if (tyl_env_num_("TYLES_TT_ROWS", 0) > 0)
        P.H = tyl_env_num_("TYLES_TT_ROWS", 0);
    if (tyl_env_num_("TYLES_TT_COLS", 0) > 0)
        P.W = tyl_env_num_("TYLES_TT_COLS", 0);
    return P;
}

/* The tiles of a 2-D group: H rows by W columns in skewed coordinates (tyl_ttlags.c), run row
 * of tiles by row of tiles, and (threads) within each thread's slab of rows (run_slabs). Tiles
 * of whole rows read each row of a stage three times from the L2: 4096 float64 (32 KiB) are all
 * of an L1, so a stage's three rows of u do not stay there from one row to the next. A tile W
 * columns wide keeps them: W is the columns whose bytes of every array (col a column) take a
 * quarter of the L1 (Jacobi 2-D float64 512, float32 1024). H is the rows whose window, (H +
 * span) rows by (W + spanc) columns, takes half the budget: the next tile to the right finds
 * all but W of its columns in the L2, and a deeper window than that measured slower (a plain-C
 * model, bench/RESULTS.md h93). The rows the next row of tiles shares with this one come from
 * the L3, once a pass. Where the columns are too few for two tiles, or H would be under H2_MIN
 * (a deep group of many stages), the caller keeps its tiles of whole rows. */
enum { H2_MIN = 8, W2_MIN = 64 };

tt_plan tyl_tt_plan_cols_(tt_plan P, int forced, int64_t lo, int64_t hi, int64_t ncol, int64_t span, int64_t spanc,
                          double col)
{
    int64_t W = (int64_t)((double)tyl_l1_bytes_() / 4 / col);
    W = W < W2_MIN ? W2_MIN : W - W % 8;
    int64_t H = (int64_t)((double)tyl_tt_budget_() / 2 / ((double)(W + spanc) * col)) - span;
    if (tyl_env_num_("TYLES_TT_COLS", 0) > 0)
        W = tyl_env_num_("TYLES_TT_COLS", 0);
    if (tyl_env_num_("TYLES_TT_ROWS", 0) > 0)
        H = tyl_env_num_("TYLES_TT_ROWS", 0);
    else if (forced && hi > lo && H > (hi - lo) / 4)
        H = (hi - lo) / 4; /* a small grid still gets several tiles (tests) */
    if (2 * W > ncol || H < H2_MIN)
        return (tt_plan){.threads = P.threads};
    P.H = H;
    P.W = W;
    P.cols = 1;
    return P;
}
