/* tyl_timetile.c: temporal blocking of a time loop (pass_sched_timetile chooses the loops).
 *
 * K steps of a loop body are recorded (tyl_sweep_run hands them to record_sweep through
 * tyl_sweep_recorder_, which tyl_tt_go sets): a sequence of stages n = 0 .. S-1, each one
 * sweep with the arrays its names held at that step (renamings such as u, un = un, u only
 * permute names, so recording the arrays resolves them), its run-time values and its scalars.
 * tyl_tt_run then runs the stages over tiles of rows along the outer axis (array dimension 0)
 * instead of one whole stage after another.
 *
 * The scheme: parallelogram tiling with a row lag. Stage n writes rows [wlo_n, whi_n) of its
 * targets (one fixed row f: [f, f + 1)). Each stage gets a lag L_n (L nondecreasing). For tile
 * boundaries r0 < r1 (consecutive multiples of the tile height H), tile t runs, for n = 0 .. S-1
 * in order, stage n over rows [r0 - L_n, r1 - L_n) clipped to [wlo_n, whi_n); tiles run in
 * increasing order. A read of buffer X by stage n at rows r + off (r the row written; off the
 * difference of the two operands' first rows, a constant) must see exactly the value that
 * whole-stage order gives it, which is the value written by the last stage m < n that writes X
 * there (or X's value before the group). Two conditions make that so:
 *   RAW: every earlier writer m < n of X has written the row already:
 *        L_n - L_m >= off   (stage m covered rows < r1 - L_m after tile t; n reads < r1 - L_n + off)
 *   WAR: no later writer p > n of X has overwritten it yet:
 *        L_p - L_n >= -off  (p covered rows < r0 - L_p before tile t; n reads >= r0 - L_n + off)
 * A kernel that computes temporaries per tile (emit_stages.c) reads an operand over rows
 * r + off .. r + off + reach (the temporary's grown tile; the descriptor's reach): RAW takes
 * the highest of them, WAR the lowest, and the deep boxes below the whole range.
 * Writes to one point by m < p land in order because L_p >= L_m puts p's write in the same or a
 * later tile, and in the same tile p runs after m. The points of one stage may run in any order:
 * the sweeps tiled are written in place (pass_copysem's M_DIRECT), whose reads of their own
 * targets are of the point being written only (a fused group's sweeps in order per point). Every
 * point is therefore computed by the same kernel expression from the same values: the results
 * are bitwise those of step-by-step order. The lags are the least solution of the two
 * conditions, found in one forward pass (each condition relates an earlier stage to a later).
 * With two buffers swapped each step and a stencil of radius R this gives L_n = n * R: the swap
 * needs no third buffer, since the WAR condition keeps the old time level until its last reader
 * in every tile is done. With three time levels rotated (um, u, up = u, up, um) it is the same.
 *
 * What the run time does not tile (it runs the stages in order, as tyl_sweep_run, which is
 * step-by-step order): a read of a buffer written in the group that is not a constant row
 * offset (a transposed or strided row axis, a row broadcast, a periodic read), targets of a
 * fused group on different rows, a periodic halo (its images would need an exchange per step).
 * Unless forced (--time-tile=K), arrays that fit in the cache are not tiled either: tiling only
 * saves memory traffic; nor are 3-D float32 arrays past the last-level cache (float64 on one
 * core where each array is), whose plain sweeps stream faster than tiles compute (the model:
 * tyl_ttplan.c tyl_tt_plain_planes_). On
 * several ranks the stages run over boxes grown into deep halos (below, "several ranks"),
 * tiled the same way or one after another.
 *
 * Threads: the same argument holds along the columns (the last array dimension; the middle
 * one of a 3-D array, axis_dim) with column lags M_n from the column offsets. With tiles of H
 * rows and W columns in skewed coordinates, tile (t, c) runs stage n over rows [r0 - L_n, r0 + H - L_n) and columns [c0 - M_n, c0 + W -
 * M_n); everything a tile reads was written in tiles (t' <= t, c' <= c) and everything it must
 * not see yet is written in tiles (t' >= t, c' >= c), so after tiles (t - 1, c) and (t, c - 1)
 * it can run, and the tiles of one wavefront t + c = w run in parallel (one barrier per
 * wavefront), or each thread takes a band of tile columns and waits for its left neighbour
 * (run_pipeline). In 2-D each thread takes a slab of rows instead, runs its row tiles as one
 * thread does, less a triangle at its lower boundary that it computes after one barrier
 * (run_slabs, shrinks); this needs no column offsets. Where neither applies (slabs too thin,
 * no constant column offsets) the threads share each stage's sub-box of a row tile by columns,
 * with a barrier between stages. One thread (and each thread in its slab) runs tiles of rows
 * and columns row by row in 2-D where the stages are light stencils (TT_COLS_MAXOP), else row
 * tiles of whole rows; in 3-D, where a row is a plane, tiles of planes and lines (plan).
 *
 * Depth: tyl_tt_go records 2K steps where that many are left (K not forced; on several ranks
 * where the deep halos were sized for 2K), and tyl_tt_run runs them as one group where that
 * pays, else as two groups of K (run_doubled; on several ranks after one exchange 2K deep, or
 * run_halves where the 2K group cannot run on deep halos or its edges would not pay).
 *
 * Environment: TYLES_TIME_TILE=off steps every loop one step at a time (to compare), =on tiles
 * the 3-D groups that the model would run as plain sweeps (tyl_tt_plain_planes_); the tile's
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
 * TYLES_TT_DOUBLE=0, 1 or split: see env_double.
 */
#define _DEFAULT_SOURCE /* clock_gettime(CLOCK_THREAD_CPUTIME_ID) */
#include <omp.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tyl_internal.h"
#include "tyl_mem.h"
#include "tyl_ttplan.h"

typedef struct tt_stage {
    const tyl_sweep *sw;    /* NULL: a copy (tyl_rotate): cdst outside [clo, clo + clen) from csrc */
    tyl_array *cdst, *csrc;
    int64_t clo[TYL_MAX_RANK], clen[TYL_MAX_RANK];
    tyl_array **arr;        /* the arrays at the step (a reference each) */
    tyl_array ***arrp;      /* their addresses, as tyl_sweep_run takes them */
    int na;
    int64_t *x;
    const void **sc;        /* into scv */
    unsigned char *scv;
    void *mem;              /* the block holding the five above (kept for the next group) */
    size_t memcap;
    /* tyl_tt_run */
    int empty;
    int64_t b[TYL_MAX_RANK], nb[TYL_MAX_RANK];
    struct tt_axis {        /* axis 0: array dimension 0 (rows); axis 1: the last (columns) */
        int ok;             /* the targets follow it as a range of step 1 or a fixed index */
        int fixed;          /* a fixed index (then the stage writes one row / column) */
        int k;              /* the box dimension that iterates it (range) */
        int64_t first;      /* index at box index 0 (fixed: the index) */
        int64_t wlo, whi;   /* indices written */
        int64_t lag;
        int64_t shrink;     /* axis 0, slabs (run_slabs): the rows of the stage a thread's
                               trapezoid leaves to the triangle at its lower boundary */
    } ax[2];
} tt_stage;

typedef struct tt_read {
    int n;                  /* stage */
    const void *buf;        /* the buffer (data pointer) */
    int64_t off[2], hi[2];  /* offsets against the indices the stage writes, per axis: from
                               off to hi (more than one where a stage's tile reads past the
                               box, emit_stages.c) */
} tt_read;

static struct {
    int K, forced;
    int base;               /* the compiled K; K = 2 base when tyl_tt_go doubled the group */
    int deep;               /* several ranks: stages over their grown boxes (deep_boxes) */
    tt_stage *st;
    int ns, cap, used;      /* stages recorded, slots allocated, slots with a block */
} tt;

static int64_t op_lo(const tyl_operand *op, int d, const int64_t *x)
{
    return op->x_lo >> d & 1 ? x[op->lo[d]] : op->lo[d];
}

static int64_t op_step(const tyl_operand *op, int d, const int64_t *x)
{
    return op->x_step >> d & 1 ? x[op->step[d]] : op->step[d];
}

static int env_off(void) { return tyl_tt_env_off_(); }

static int faults_armed(void)
{
    static int armed = -1;
    if (armed < 0)
        armed = getenv("TYLES_FAULT_KILL_RANK") || getenv("TYLES_FAULT_KILL_STEP");
    return armed;
}

/* Whether a group of D steps from step k stays clear of a checkpoint due inside it. */
static int ck_clear(int64_t k, int64_t D)
{
    int64_t every = tyl_ck_opts_.every;
    return every <= 0 || k / every == (k + D - 1) / every;
}

/* TYLES_TT_DOUBLE=0: never record 2K steps (to compare); =1: always, K forced or not and on
 * several ranks whatever the deep halos were sized for (where they are too narrow, run_halves),
 * and the doubled group takes its tiles whatever they are (2-D too); =split: always, and it
 * runs as two groups of K (tests/dist/timetile_sync.sh). -1: the default. */
static int env_double(void)
{
    static int v = -2;
    if (v == -2) {
        const char *e = getenv("TYLES_TT_DOUBLE");
        v = !e ? -1 : !strcmp(e, "0") ? 0 : !strcmp(e, "1") ? 1 : !strcmp(e, "split") ? 2 : -1;
    }
    return v;
}

static void record_sweep(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, const void *const *sc);
static void record_copy(tyl_array *dst, tyl_array *src, const int64_t *lo, const int64_t *len);
/* What tyl_sweep_run and tyl_rotate hand a group while it is recorded (tyl_sweep_recorder_). */
static const tyl_sweep_recorder recorder = {record_sweep, record_copy};

int tyl_tt_go(int K, int forced, int deep, int ck, int64_t k, int64_t nk)
{
    if (nk - k < K || K < 2 || env_off() || faults_armed())
        return 0;
    if (ck && !ck_clear(k, K))
        return 0; /* a checkpoint is due inside the group: its steps one at a time */
    /* A group may hold 2K steps: on one rank (no halo to size), and on several where the deep
     * halos were sized for 2K steps (pass_sched_timetile: an automatic K whose 2K R stays
     * within a sixteenth of the extents). tyl_tt_run takes them together where the tiles of
     * the deeper group stay large, else as two groups of K (on several ranks after one
     * exchange 2K steps deep, or two of K deep where 2K's edges would not pay). */
    int D = K;
    const int room = tyl_rt_nranks() == 1 || deep >= 2 * K || env_double() > 0;
    if ((!forced || env_double() > 0) && env_double() != 0 && room && nk - k >= 2 * (int64_t)K &&
        (!ck || ck_clear(k, 2 * (int64_t)K)))
        D = 2 * K;
    /* On one rank, K not forced, 4K where that many are left: a 2-D group of light stencils
     * takes them together (run_quad), any other as two groups of 2K, each as above. */
    if (D == 2 * K && !forced && env_double() == -1 && tyl_rt_nranks() == 1 && nk - k >= 4 * (int64_t)K &&
        (!ck || ck_clear(k, 4 * (int64_t)K)))
        D = 4 * K;
    tt.K = D;
    tt.base = K;
    tt.forced = forced;
    tt.ns = 0;
    tyl_sweep_recorder_ = &recorder;
    return D;
}

/* The next stage's slot, emptied but for its block. */
static tt_stage *new_slot(const char *where)
{
    if (tt.ns == tt.cap) {
        tt.cap = tt.cap ? 2 * tt.cap : 16;
        tt.st = realloc(tt.st, sizeof(tt_stage) * (size_t)tt.cap);
        if (!tt.st)
            tyl_rt_error(where, "out of memory");
    }
    if (tt.ns == tt.used) { /* a slot never used: its block grows from nothing */
        tt.st[tt.ns].mem = NULL;
        tt.st[tt.ns].memcap = 0;
        tt.used++;
    }
    tt_stage *g = &tt.st[tt.ns++];
    void *mem = g->mem;
    size_t memcap = g->memcap;
    memset(g, 0, sizeof *g);
    g->mem = mem;
    g->memcap = memcap;
    return g;
}

static void record_copy(tyl_array *dst, tyl_array *src, const int64_t *lo, const int64_t *len)
{
    tt_stage *g = new_slot("libtyles");
    g->cdst = dst;
    g->csrc = src;
    for (int d = 0; d < dst->rank; d++) {
        g->clo[d] = lo[d];
        g->clen[d] = len[d];
    }
}

static void record_sweep(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, const void *const *sc)
{
    const int na = sw->na, nx = sw->nxv, nsc = sw->nsc;
    const unsigned char *scsz = sw->scsz;
    if (sw->whole) /* pass_sched_writeback leaves time-tiled loops alone */
        tyl_rt_error(sw->where, "a kernel that writes back inside a time tile (a compiler bug)");
    tt_stage *g = new_slot(sw->where);
    void *mem = g->mem;
    size_t memcap = g->memcap;
    g->sw = sw;
    g->na = na;
    size_t scbytes = 0;
    for (int i = 0; i < nsc; i++)
        scbytes += (scsz[i] + 7u) & ~7u;
    /* one block per slot, kept from group to group: the arrays, their addresses, the values,
     * the scalars' addresses and the scalars (each part a multiple of 8 bytes) */
    size_t need = sizeof(tyl_array *) * (size_t)na + sizeof(tyl_array **) * (size_t)na +
                  sizeof(int64_t) * (size_t)nx + sizeof(void *) * (size_t)nsc + scbytes + 8;
    if (need > memcap) {
        free(mem);
        mem = malloc(need);
        memcap = need;
        if (!mem)
            tyl_rt_error(sw->where, "out of memory");
    }
    g->mem = mem;
    g->memcap = memcap;
    char *p = mem;
    g->arr = (tyl_array **)p;
    p += sizeof(tyl_array *) * (size_t)na;
    g->arrp = (tyl_array ***)p;
    p += sizeof(tyl_array **) * (size_t)na;
    g->x = (int64_t *)p;
    p += sizeof(int64_t) * (size_t)nx;
    g->sc = (const void **)p;
    p += sizeof(void *) * (size_t)nsc;
    g->scv = (unsigned char *)p;
    for (int i = 0; i < na; i++) {
        g->arr[i] = *arrs[i]; /* no reference taken: see tyl_tt_run */
        g->arrp[i] = &g->arr[i];
    }
    if (nx)
        memcpy(g->x, x, sizeof(int64_t) * (size_t)nx);
    size_t at = 0;
    for (int i = 0; i < nsc; i++) {
        memcpy(g->scv + at, sc[i], scsz[i]);
        g->sc[i] = g->scv + at;
        at += (scsz[i] + 7u) & ~7u;
    }
}

/* The indices along dimension d that a's local allocation holds within the array (owned block
 * and halo; all of a replicated array). */
static void alloc_range(const tyl_array *a, int d, int64_t *lo, int64_t *hi)
{
    *lo = a->layout ? a->lo[d] - a->hl[d] : 0;
    *hi = a->layout ? a->lo[d] + a->n[d] + a->hh[d] : a->shape[d];
    *lo = *lo < 0 ? 0 : *lo;
    *hi = *hi > a->shape[d] ? a->shape[d] : *hi;
}

/* Array dimension of axis a of an array of rank r. The column axis of a 3-D array is its middle
 * dimension: a tile then holds whole lines of the last one, contiguous in memory, so the
 * tiles of a plane cut no cache line and the hardware prefetcher still sees long runs. */
static int axis_dim(int a, int r) { return a ? (r >= 3 ? 1 : r - 1) : 0; }

/* Axis a of stage g: how its targets follow it (0 when they do not). */
static int stage_axis(tt_stage *g, int a)
{
    const tyl_sweep *sw = g->sw;
    const int64_t *x = g->x;
    struct tt_axis *A = &g->ax[a];
    if (!sw) { /* a copy: all of the owned block, conservatively */
        const tyl_array *t = g->cdst;
        if (a && t->rank < 2)
            return 0;
        int d = axis_dim(a, t->rank);
        A->k = -1;
        A->fixed = 0;
        A->wlo = t->lo[d];
        A->whi = t->lo[d] + t->n[d];
        if (tt.deep)
            alloc_range(t, d, &A->wlo, &A->whi);
        return A->ok = 1;
    }
    for (int j = 0; j < sw->nt; j++) {
        const tyl_operand *o = &sw->op[j];
        const tyl_array *t = g->arr[o->arr];
        int d = axis_dim(a, t->rank);
        if (a && t->rank < 2)
            return 0;
        int fixed = o->box[d] == TYL_FIXED;
        if (!fixed && (o->box[d] < 0 || op_step(o, d, x) != 1 || (o->wrap >> d & 1)))
            return 0;
        if (j == 0) {
            A->fixed = fixed;
            A->k = o->box[d];
            A->first = op_lo(o, d, x);
        } else if (fixed != A->fixed || o->box[d] != A->k || op_lo(o, d, x) != A->first)
            return 0; /* the targets of a fused group on other rows */
    }
    if (a && !A->fixed && !g->ax[0].fixed && g->ax[0].k >= 0 && A->k == g->ax[0].k)
        return 0; /* rows and columns on one box dimension */
    A->wlo = A->fixed ? A->first : A->first + g->b[A->k];
    A->whi = A->fixed ? A->first + 1 : A->wlo + g->nb[A->k];
    return A->ok = 1;
}

/* The points past the box, along box dimension k, at which the kernel of stage g also reads
 * operand i (a stage of a tiled kernel computed over its grown tile, emit_stages.c). */
static int64_t reach(const tt_stage *g, int i, int k)
{
    return g->sw && g->sw->reach && k >= 0 ? g->sw->reach[i][k] : 0;
}

/* The offsets of read operand i of stage g along axis a, from *off to *hi, or 0 when it has
 * none. */
static int read_offset(const tt_stage *g, int i, const tyl_array *arr, int a, int64_t *off, int64_t *hi)
{
    const tyl_operand *op = &g->sw->op[i];
    const struct tt_axis *A = &g->ax[a];
    int d = axis_dim(a, arr->rank);
    if (a && arr->rank < 2)
        return 0;
    if (A->fixed ? op->box[d] != TYL_FIXED
                 : op->box[d] != A->k || op_step(op, d, g->x) != 1 || (op->wrap >> d & 1))
        return 0;
    *off = op_lo(op, d, g->x) - A->first;
    *hi = *off + (A->fixed ? 0 : reach(g, i, A->k));
    return 1;
}

/* The local box of stage g; 0 when its halos are periodic (an exchange per step). */
static int stage_box(tt_stage *g)
{
    const tyl_sweep *sw = g->sw;
    if (!sw) {
        for (int d = 0; d < g->cdst->rank && !tt.deep; d++) /* deep: over the allocation */
            g->empty |= g->cdst->n[d] <= 0;
        return 1;
    }
    if (!tt.deep) /* else deep_boxes grew it */
        tyl_sweep_box_(sw, g->arrp, g->x, g->b, g->nb);
    for (int k = 0; k < sw->rank; k++)
        g->empty |= g->nb[k] <= 0;
    for (int i = 0; i < sw->nx; i++) {
        const tyl_array *a = g->arr[sw->x[i].arr];
        if (a->layout && a->layout->periodic)
            return 0;
    }
    return 1;
}

/* ---- several ranks: deep halos ------------------------------------------------------------
 *
 * On several ranks the group's reads of other ranks' points come from halos exchanged once,
 * before the group, at their full width (pass_sched_timetile widens the layouts of a tiled
 * loop's arrays to K times the halo a step needs), and each rank computes, besides its own
 * points, the points of its halo that later stages read: stage n's box grows by what the
 * stages after it read beyond theirs. Those points are computed by the same kernel
 * expression from the same values as on the rank that owns them (every input is either
 * exchanged before the group, unchanged since, or itself computed so), so the owned points
 * end bitwise as step by step. The boxes are found backwards: NEED(X) is the hull, in X's
 * global indices, of what the stages after the one at hand read of buffer X; a stage writing
 * X grows its box to cover NEED(X) (within the sweep's box, so the global edges clip it as
 * they clip the sweep) and adds what it reads over that box to the NEED of its operands.
 * Every index touched must lie in the local allocation; where one does not (a halo too
 * narrow, a read that is not a constant offset, a strided target), every rank runs the group
 * step by step with its usual exchanges (the decision is one collective minimum, so all ranks
 * agree). Points computed in the halo beyond what is needed may read stale halo data: nobody
 * reads them, and the group marks every array it writes as needing a new exchange. */

enum { NEED_MAX = 64 };
static struct tt_need {
    const void *buf;
    int64_t lo[TYL_MAX_RANK], hi[TYL_MAX_RANK];
} need[NEED_MAX];
static int nneed;

static struct tt_need *need_of(const tyl_array *a)
{
    for (int i = 0; i < nneed; i++)
        if (need[i].buf == a->data)
            return &need[i];
    if (nneed == NEED_MAX)
        return NULL;
    struct tt_need *q = &need[nneed++];
    q->buf = a->data;
    for (int d = 0; d < TYL_MAX_RANK; d++) {
        q->lo[d] = INT64_MAX;
        q->hi[d] = INT64_MIN;
    }
    return q;
}

static void need_add(struct tt_need *q, int r, const int64_t *lo, const int64_t *hi)
{
    for (int d = 0; d < r; d++) {
        q->lo[d] = lo[d] < q->lo[d] ? lo[d] : q->lo[d];
        q->hi[d] = hi[d] > q->hi[d] ? hi[d] : q->hi[d];
    }
}

/* Indices [lo, hi) operand op of stage g touches along each dimension of a over the box
 * [b, b + nb); 0 when they are not within a's allocation or not a simple range. */
static int touched(const tt_stage *g, int i, const tyl_array *a, int64_t *lo, int64_t *hi)
{
    const tyl_operand *op = &g->sw->op[i];
    for (int d = 0; d < a->rank; d++) {
        int k = op->box[d];
        int64_t f = op_lo(op, d, g->x), st, alo, ahi;
        if (op->wrap >> d & 1)
            return 0;
        if (k == TYL_FIXED) {
            lo[d] = f;
            hi[d] = f + 1;
        } else if (k >= 0 && (st = op_step(op, d, g->x)) > 0) {
            lo[d] = f + st * g->b[k];
            hi[d] = f + st * (g->b[k] + g->nb[k] - 1 + reach(g, i, k)) + 1;
        } else
            return 0;
        alloc_range(a, d, &alo, &ahi);
        if (lo[d] < alo || hi[d] > ahi)
            return 0;
    }
    return 1;
}

/* Stage g's grown box (g->b, g->nb, g->empty) from the NEED of its targets. */
static int grow_box(tt_stage *g)
{
    const tyl_sweep *sw = g->sw;
    const int B = sw->rank;
    int64_t glo[TYL_MAX_RANK], ghi[TYL_MAX_RANK];
    for (int k = 0; k < B; k++) {
        glo[k] = INT64_MAX;
        ghi[k] = INT64_MIN;
    }
    g->empty = 0;
    for (int j = 0; j < sw->nt; j++) {
        const tyl_operand *o = &sw->op[j];
        const tyl_array *t = g->arr[o->arr];
        const struct tt_need *q = need_of(t);
        if (!q)
            return 0;
        for (int d = 0; d < t->rank; d++) {
            int k = o->box[d];
            int64_t f = op_lo(o, d, g->x), clo = 0, chi = t->shape[d];
            if (t->layout) { /* its own indices and what later stages read, in its allocation */
                int64_t alo, ahi;
                alloc_range(t, d, &alo, &ahi);
                clo = t->n[d] > 0 ? t->lo[d] : INT64_MAX;
                chi = t->n[d] > 0 ? t->lo[d] + t->n[d] : INT64_MIN;
                clo = q->lo[d] < clo ? q->lo[d] : clo;
                chi = q->hi[d] > chi ? q->hi[d] : chi;
                clo = clo < alo ? alo : clo;
                chi = chi > ahi ? ahi : chi;
            }
            if (o->wrap >> d & 1)
                return 0;
            if (k == TYL_FIXED) {
                if (f < clo || f >= chi)
                    g->empty = 1;
            } else if (k >= 0) {
                if (op_step(o, d, g->x) != 1)
                    return 0;
                glo[k] = clo - f < glo[k] ? clo - f : glo[k];
                ghi[k] = chi - f > ghi[k] ? chi - f : ghi[k];
            } else
                return 0;
        }
    }
    for (int k = 0; k < B; k++) {
        int64_t lo = glo[k] == INT64_MAX ? 0 : glo[k], hi = ghi[k] == INT64_MIN ? g->x[k] : ghi[k];
        lo = lo < 0 ? 0 : lo;
        hi = hi > g->x[k] ? g->x[k] : hi;
        g->b[k] = lo;
        g->nb[k] = hi - lo;
        g->empty |= hi <= lo;
    }
    return 1;
}

/* The grown boxes of all stages, backwards; 0 when this rank cannot run the group so. */
static int deep_boxes(void)
{
    nneed = 0;
    for (int n = tt.ns - 1; n >= 0; n--) {
        tt_stage *g = &tt.st[n];
        if (!g->sw) { /* a copy (over all of the allocation): its source where its target is needed */
            struct tt_need *qd = need_of(g->cdst), *qs = need_of(g->csrc);
            if (!qd || !qs || g->cdst->layout != g->csrc->layout)
                return 0;
            need_add(qs, g->cdst->rank, qd->lo, qd->hi);
            continue;
        }
        if (!grow_box(g))
            return 0;
        if (g->empty)
            continue;
        for (int i = 0; i < g->sw->nop; i++) {
            const tyl_operand *op = &g->sw->op[i];
            const tyl_array *a = g->arr[op->arr];
            int64_t lo[TYL_MAX_RANK], hi[TYL_MAX_RANK];
            if (!a->layout)
                continue;
            if (!touched(g, i, a, lo, hi))
                return 0;
            /* a target updated in place reads its old values over the grown box too */
            const int rd = i >= g->sw->nt || !(g->sw->wonly >> i & 1);
            struct tt_need *q = rd ? need_of(a) : NULL;
            if (rd && !q)
                return 0;
            if (q)
                need_add(q, a->rank, lo, hi);
        }
    }
    return 1;
}

/* The indices of a that the group writes before it reads any of them, into *w: where the first
 * stage touching a is a sweep that writes it without reading its old values (sw->wonly) over a
 * range of step 1 along every dimension (no
 * fixed index in any of its targets: grow_box could then leave the stage empty) and reads it
 * nowhere, the indices its target covers over the sweep's whole box. On each rank the stage's
 * grown box covers all of those that later stages read (grow_box: NEED(a) within the sweep's
 * box), so their halo need not travel; what lies outside (the global boundary that no sweep
 * writes) must. The same on every rank (stages and boxes are). 0 when there is no such box. */
static int written_first(const tyl_array *a, tyl_xskip *w)
{
    for (int n = 0; n < tt.ns; n++) {
        const tt_stage *g = &tt.st[n];
        if (!g->sw) {
            if (g->cdst->data == a->data || g->csrc->data == a->data)
                return 0;
            continue;
        }
        const tyl_operand *t = NULL;
        for (int i = 0; i < g->sw->nop; i++)
            if (g->arr[g->sw->op[i].arr]->data == a->data) {
                if (i >= g->sw->nt)
                    return 0; /* read by its first stage */
                t = t ? t : &g->sw->op[i];
            }
        if (!t)
            continue;
        /* an in-place update reads its target's old values through the target itself (no read
         * operand shows it): its halo must travel */
        if (!(g->sw->wonly >> (int)(t - g->sw->op) & 1))
            return 0;
        for (int j = 0; j < g->sw->nt; j++)
            for (int d = 0; d < g->arr[g->sw->op[j].arr]->rank; d++)
                if (g->sw->op[j].box[d] == TYL_FIXED)
                    return 0;
        unsigned ks = 0; /* box dimensions used: one array dimension each, or the target is
                            not the whole box product (a diagonal) */
        for (int d = 0; d < a->rank; d++) {
            int k = t->box[d];
            if (k < 0 || (ks >> k & 1) || (t->wrap >> d & 1) || op_step(t, d, g->x) != 1)
                return 0;
            ks |= 1u << k;
            w->lo[d] = op_lo(t, d, g->x);
            w->hi[d] = w->lo[d] + g->x[k];
        }
        return 1;
    }
    return 0;
}

/* The exchange before the group: every zone (corners too: grown boxes read them) of every
 * distributed array the group reads (through read operands, or in place through a target),
 * at the halo's full width, less the points the group
 * writes before it reads them (written_first; the second buffer of a swap sends only its
 * global boundary). The same list on every rank. */
static void deep_exchange(void)
{
    tyl_array *arrs[NEED_MAX];
    tyl_xskip skip[NEED_MAX];
    uint64_t masks[NEED_MAX * TYL_ZONE_WORDS] = {0};
    int na = 0, words = 1;
    for (int n = 0; n < tt.ns; n++) {
        const tt_stage *g = &tt.st[n];
        int nr = g->sw ? g->sw->nop : 1;
        /* the reads, and the targets the kernel reads in place (w = 0.9 * w + ...: through the
         * target's own pointer, no read operand shows it; left out, their halos held what the
         * rank's last group computed at the edge of its grown boxes, from stale values) */
        for (int i = 0; i < nr; i++) {
            if (g->sw && i < g->sw->nt && (g->sw->wonly >> i & 1))
                continue;
            tyl_array *a = g->sw ? g->arr[g->sw->op[i].arr] : g->csrc;
            int dup = !a->layout;
            for (int j = 0; j < na; j++)
                dup |= arrs[j] == a;
            if (dup)
                continue;
            if (na == NEED_MAX)
                tyl_rt_error("libtyles", "internal error: more than %d arrays in a time-tiled group", NEED_MAX);
            arrs[na++] = a;
            if (TYL_ZONE_WORDS_OF(a->rank) > words)
                words = TYL_ZONE_WORDS_OF(a->rank);
        }
    }
    for (int i = 0; i < na; i++) {
        int nz = 1, mid = 0;
        if (!written_first(arrs[i], &skip[i]))
            memset(&skip[i], 0, sizeof skip[i]); /* empty: everything travels */
        for (int d = 0; d < arrs[i]->rank; d++) {
            mid += nz; /* the zone inside the block in every dimension: digits 1 */
            nz *= 3;
        }
        for (int z = 0; z < nz; z++)
            if (z != mid)
                masks[(size_t)words * i + (size_t)(z / 64)] |= (uint64_t)1 << (z % 64);
    }
    if (na)
        tyl_halo_end(tyl_halo_begin_deep_(arrs, masks, words, na, skip));
}

static int writes(const tt_stage *g, const void *buf)
{
    if (!g->sw)
        return g->cdst->data == buf;
    for (int j = 0; j < g->sw->nt; j++)
        if (g->arr[g->sw->op[j].arr]->data == buf)
            return 1;
    return 0;
}

static int written_in_group(const void *buf)
{
    for (int n = 0; n < tt.ns; n++)
        if (!tt.st[n].empty && writes(&tt.st[n], buf))
            return 1;
    return 0;
}

/* The least lags along axis a over the reads rd[0..nr): L_n >= L_m + hi (RAW, m < n writes
 * what n reads), L_n >= L_m - off (WAR, m < n reads what n writes), L_n >= L_(n-1). Returns the
 * largest offset's size. */
static int64_t lags(int a, const tt_read *rd, int nr)
{
    int64_t maxoff = 0, prev = 0;
    for (int n = 0; n < tt.ns; n++) {
        tt_stage *g = &tt.st[n];
        int64_t L = prev;
        for (int r = 0; r < nr; r++) {
            const tt_read *q = &rd[r];
            int64_t off = q->off[a], hi = q->hi[a]; /* RAW: the highest; WAR: the lowest */
            if (q->n == n) {
                for (int m = 0; m < n; m++)
                    if (!tt.st[m].empty && writes(&tt.st[m], q->buf) && tt.st[m].ax[a].lag + hi > L)
                        L = tt.st[m].ax[a].lag + hi;
                if (hi > maxoff || -off > maxoff)
                    maxoff = hi > -off ? hi : -off;
            } else if (q->n < n && !g->empty && writes(g, q->buf) && tt.st[q->n].ax[a].lag - off > L)
                L = tt.st[q->n].ax[a].lag - off;
        }
        g->ax[a].lag = prev = L;
    }
    return maxoff;
}

/* Slabs (run_slabs): each thread runs the row tiles of its own slab [A, B) of skewed rows
 * while the others run theirs, leaving at its lower boundary, of stage n, the S_n rows
 * [A - L_n, A - L_n + S_n) to a triangle computed after a barrier, stage by stage. With
 * reads at rows r + off .. r + hi:
 *   RAW in the trapezoid: its lowest row of stage n reads what the same thread wrote of each
 *        earlier writer m:  S_n - L_n + off >= S_m - L_m
 *   WAR of the triangle: a trapezoid's later writer p of X leaves alone the rows the
 *        triangle of stage n < p still reads of X:  S_p - L_p >= S_n - L_n + hi
 * What a thread's trapezoid reads and writes against its lower neighbour's slab, which ends
 * at A - L_n, and the triangle against that slab, follow from the lags' own RAW and WAR
 * conditions (above), since S >= 0. So the slabs need no wait between them: one barrier a
 * group, where wavefronts of tiles take one a wavefront (the hand time-blocked Jacobi,
 * bench/ref_jacobi2d_tb.c, does this). */
static int64_t shrinks(const tt_read *rd, int nr)
{
    int64_t prev = 0;
    for (int n = 0; n < tt.ns; n++) {
        tt_stage *g = &tt.st[n];
        int64_t S = prev;
        for (int r = 0; r < nr; r++) {
            const tt_read *q = &rd[r];
            if (q->n == n) {
                for (int m = 0; m < n; m++) {
                    const tt_stage *w = &tt.st[m];
                    if (!w->empty && writes(w, q->buf) && w->ax[0].shrink + g->ax[0].lag - w->ax[0].lag - q->off[0] > S)
                        S = w->ax[0].shrink + g->ax[0].lag - w->ax[0].lag - q->off[0];
                }
            } else if (q->n < n && !g->empty && writes(g, q->buf)) {
                const tt_stage *u = &tt.st[q->n];
                if (u->ax[0].shrink + g->ax[0].lag - u->ax[0].lag + q->hi[0] > S)
                    S = u->ax[0].shrink + g->ax[0].lag - u->ax[0].lag + q->hi[0];
            }
        }
        g->ax[0].shrink = prev = S;
    }
    return prev;
}

/* Whether the group runs its stages one after another as plain sweeps, by the model of
 * tyl_ttplan.c tyl_tt_plain_planes_ (3-D float32 arrays past the last-level cache, float64
 * on one core where each array is), unless K
 * was forced: in order on one rank (plan), step by step on several (run_group: halos one
 * step deep, not the deep halos' grown boxes, which on 2 ranks took 1.45x the CPU time of
 * step-by-step order for Jacobi 3-D float32 256^3, in order, and 1.95x in tiles). */
static int plain_sweeps(void)
{
    size_t total = 0, widest = 0, least = SIZE_MAX; /* least: the smallest 3-D array's bytes */
    int64_t line = INT64_MAX; /* the shortest line (last axis) of a 3-D array, in bytes */
    const tyl_array *seen[64];
    int nseen = 0;
    if (tt.forced)
        return 0;
    for (int n = 0; n < tt.ns; n++)
        for (int i = 0; i < tt.st[n].na; i++) {
            const tyl_array *a = tt.st[n].arr[i];
            int dup = nseen == 64;
            for (int j = 0; j < nseen && !dup; j++)
                dup = seen[j] == a;
            if (dup)
                continue;
            seen[nseen++] = a;
            const size_t el = tyl_dtype_size(a->dtype);
            total += (size_t)a->lsize * el;
            widest = el > widest ? el : widest;
            if (a->rank >= 3 && a->n[a->rank - 1] * (int64_t)el < line)
                line = a->n[a->rank - 1] * (int64_t)el;
            if (a->rank >= 3 && (size_t)a->lsize * el < least)
                least = (size_t)a->lsize * el;
        }
    return line < INT64_MAX && total > 4 * tyl_tt_budget_() * (size_t)omp_get_max_threads() &&
           tyl_tt_plain_planes_(total, least, widest, line);
}

/* 2-D groups take tiles of rows and columns (tyl_tt_plan_cols_) where every stage's sweep has
 * at most TT_COLS_MAXOP operands: a light stencil, whose tiles of whole rows wait on the L2 and
 * memory. Jacobi 2-D (5 operands) ran 1.20x (float64 4096^2) and 1.06x (float32) as fast on one
 * thread, 1.12x and 1.10x on two; viscous Burgers 2048^2 (12 operands, its arithmetic the
 * bound) ran its kernel 0.85-0.88x as fast in tiles 256-512 columns wide as in whole rows, at K
 * and 2K alike (loop wall time under chrt -f 1, bench/RESULTS.md h93). */
enum { TT_COLS_MAXOP = 6 };

/* The lags and the tile sizes; H = 0 when the group runs in order instead. */
static tt_plan plan(void)
{
    tt_plan P = {.threads = 1};
    int nr = 0, cap = 0, cols = 1;
    tt_read *rd = NULL;
    int ok = 1;
    for (int n = 0; n < tt.ns && ok; n++) {
        ok = stage_box(&tt.st[n]) && stage_axis(&tt.st[n], 0);
        cols &= stage_axis(&tt.st[n], 1);
    }
    for (int n = 0; n < tt.ns && ok; n++) {
        tt_stage *g = &tt.st[n];
        if (g->empty)
            continue;
        const tyl_sweep *sw = g->sw;
        if (!sw) { /* a copy reads its source at the points it writes */
            if (written_in_group(g->csrc->data)) {
                if (nr == cap) {
                    cap = cap ? 2 * cap : 32;
                    rd = realloc(rd, sizeof(tt_read) * (size_t)cap);
                    if (!rd)
                        tyl_rt_error("libtyles", "out of memory");
                }
                rd[nr++] = (tt_read){n, g->csrc->data, {0, 0}, {0, 0}};
            }
            continue;
        }
        for (int i = sw->nt; i < sw->nop && ok; i++) {
            const tyl_operand *op = &sw->op[i];
            const tyl_array *a = g->arr[op->arr];
            if (!written_in_group(a->data))
                continue; /* the same values all through the group */
            if (nr == cap) {
                cap = cap ? 2 * cap : 32;
                rd = realloc(rd, sizeof(tt_read) * (size_t)cap);
                if (!rd)
                    tyl_rt_error(sw->where, "out of memory");
            }
            tt_read *q = &rd[nr++];
            q->n = n;
            q->buf = a->data;
            ok = read_offset(g, i, a, 0, &q->off[0], &q->hi[0]);
            q->off[1] = q->hi[1] = 0;
            cols = cols && read_offset(g, i, a, 1, &q->off[1], &q->hi[1]);
        }
    }
    if (!ok) {
        free(rd);
        return P;
    }
    int64_t maxoff = lags(0, rd, nr), maxoffc = cols ? lags(1, rd, nr) : 0;
    P.shrink = shrinks(rd, nr);
    P.maxoff = maxoff;
    free(rd);
    /* the tile: its rows (and columns) of every array, and those the lags and offsets add,
     * within the budget; unless forced, only when the arrays do not fit in it several times */
    size_t rowbytes = 0, total = 0, linebytes = 0, flatbytes = 0, colbytes = 0;
    const tyl_array *seen[64];
    int nseen = 0, planes = 0; /* planes: a row is a plane (an array of rank 3 or more) */
    for (int n = 0; n < tt.ns; n++)
        for (int i = 0; i < tt.st[n].na; i++) {
            const tyl_array *a = tt.st[n].arr[i];
            int dup = 0;
            for (int j = 0; j < nseen; j++)
                dup |= seen[j] == a;
            if (dup || nseen == 64)
                continue;
            seen[nseen++] = a;
            size_t el = tyl_dtype_size(a->dtype);
            planes |= a->rank >= 3;
            rowbytes += a->rank > 1 ? (size_t)a->stride[0] * el : el;
            /* a line of a plane (axis_dim 1): its allocated row, halos and padding included */
            if (a->rank >= 3)
                linebytes += (size_t)a->stride[1] * el;
            else
                flatbytes += a->rank > 1 ? (size_t)a->stride[0] * el : el;
            colbytes += a->rank == 2 ? el : 0; /* a column of a 2-D group's arrays */
            total += (size_t)a->lsize * el;
        }
    /* with T threads the arrays stay in their T caches when they fit 4T budgets: tiling then
     * only adds a barrier per wavefront (Jacobi 2-D 512^2, 4.2 MB, 2 threads: 2.0 GSt/s tiled
     * against 5.1 stepped in the quiet bench, while 1 thread gained 1.7x from tiling) */
    if (!tt.forced && total <= 4 * tyl_tt_budget_() * (size_t)omp_get_max_threads())
        return P;
    if (plain_sweeps())
        return P;
    int64_t lo = INT64_MAX, hi = INT64_MIN, clo = INT64_MAX, chi = INT64_MIN, work = 0;
    for (int n = 0; n < tt.ns; n++) {
        const tt_stage *g = &tt.st[n];
        if (g->empty)
            continue;
        lo = g->ax[0].wlo < lo ? g->ax[0].wlo : lo;
        hi = g->ax[0].whi > hi ? g->ax[0].whi : hi;
        if (cols) {
            clo = g->ax[1].wlo < clo ? g->ax[1].wlo : clo;
            chi = g->ax[1].whi > chi ? g->ax[1].whi : chi;
        }
        int64_t pts = 1;
        for (int k = 0; g->sw && k < g->sw->rank; k++)
            pts *= g->nb[k];
        work += g->sw ? pts : 0;
    }
    /* threads: not for a group too small to be worth waking them */
    P.threads = work >= ((int64_t)1 << 17) ? omp_get_max_threads() : 1;
    int64_t span = tt.st[tt.ns - 1].ax[0].lag + 2 * maxoff + 1;
    size_t tilebytes = rowbytes;
    if (planes && cols && chi > clo)
        return tyl_tt_plan_planes_(P, tt.forced, lo, hi, chi - clo, span, tt.st[tt.ns - 1].ax[1].lag + 2 * maxoffc + 1,
                           (double)linebytes + (double)flatbytes / (double)(chi - clo));
    const char *sync = getenv("TYLES_TT_SYNC");
    const int slabs = P.threads > 1 && (!sync || !strcmp(sync, "slabs")) &&
                      hi - lo >= 2 * (P.shrink + maxoff + 1) * P.threads;
    int maxop = 0; /* the most operands of a stage's sweep */
    for (int n = 0; n < tt.ns; n++)
        maxop = tt.st[n].sw && tt.st[n].sw->nop > maxop ? tt.st[n].sw->nop : maxop;
    if (cols && chi > clo && (P.threads == 1 || slabs) && maxop <= TT_COLS_MAXOP) {
        /* 2-D: tiles of rows and columns, on one thread or in each thread's slab */
        tt_plan C = tyl_tt_plan_cols_(P, tt.forced, lo, hi, chi - clo, span,
                                      tt.st[tt.ns - 1].ax[1].lag + 2 * maxoffc + 1,
                                      (double)(colbytes ? colbytes : 1));
        if (C.H) {
            C.slabs = P.threads > 1;
            return C;
        }
    }
    if (slabs && (tt.forced || (int64_t)(tyl_tt_budget_() / rowbytes) - span >= 4)) {
        /* a slab of whole rows a thread, its tiles as one thread's (run_slabs): one barrier a
         * group instead of one a wavefront, and no column offsets needed; rows too wide for a
         * tile of whole rows take the wavefronts' narrower tiles */
        P.slabs = 1;
    } else if (P.threads > 1 && cols && chi > clo) {
        /* wavefronts of tiles: about four tiles a thread across the columns */
        int64_t ncol = chi - clo, want = 4 * (int64_t)P.threads;
        P.W = (ncol + want - 1) / want;
        int64_t minw = tt.st[tt.ns - 1].ax[1].lag + 2 * maxoffc + 32;
        P.W = P.W < minw ? minw : P.W;
        if (P.W >= ncol)
            P.W = 0; /* one column of tiles: split each tile by columns instead */
        else
            tilebytes = (size_t)((double)rowbytes * (double)P.W / (double)ncol) + 1;
    }
    int64_t H = (int64_t)(tyl_tt_budget_() / tilebytes) - span;
    if (!tt.forced && H < 4) /* the lags span the budget: every tile would stream again */
        return (tt_plan){.threads = 1};
    if (tt.forced && hi > lo && H > (hi - lo) / 4)
        H = (hi - lo) / 4; /* a grid that fits the budget still gets several tiles (tests) */
    if (tyl_env_num_("TYLES_TT_ROWS", 0) > 0)
        H = tyl_env_num_("TYLES_TT_ROWS", 0);
    if (cols && tyl_env_num_("TYLES_TT_COLS", 0) > 0)
        P.W = tyl_env_num_("TYLES_TT_COLS", 0);
    P.H = H < 1 ? 1 : H;
    return P;
}

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
        if (tt.deep)
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

/* Adds one run_plan's figures to thread me's (a group of 2K steps may run as two halves). */
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

static int verbose(void)
{
    static int v = -1;
    if (v < 0) {
        v = (int)tyl_env_num_("TYLES_TT_VERBOSE", 0);
    }
    return v;
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
        const int prof = verbose() > 1 && me < PROF_MAX;
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
                for (int n = 0; n < tt.ns; n++)
                    if (!tt.st[n].empty)
                        run_stage(&tt.st[n], lo + t * H, H, clo + c * W, W, 1, 0);
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
        const int prof = verbose() > 1 && me < PROF_MAX;
        double w0 = prof ? omp_get_wtime() : 0, c0p = prof ? cpu_now() : 0, s0 = 0, sc0 = 0, wait = 0, spun = 0;
        for (int64_t r0 = A; r0 < B; r0 += H) {
            const int64_t r1 = r0 + H < B ? r0 + H : B;
            for (int64_t c = 0, nc = W ? (chi - clo + W - 1) / W : 1; c < nc; c++) /* W = 0: whole rows */
                for (int n = 0; n < tt.ns; n++) {
                    const int64_t c0 = W ? clo + c * W : 0;
                    const tt_stage *g = &tt.st[n];
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
        for (int n = 0; me && n < tt.ns; n++)
            if (!tt.st[n].empty)
                run_rows(&tt.st[n], A - tt.st[n].ax[0].lag, A - tt.st[n].ax[0].lag + tt.st[n].ax[0].shrink);
        if (prof)
            prof_add(me, omp_get_wtime() - w0 - wait, wait, cpu_now() - c0p, spun);
    }
}

/* Every stage in order over its grown box (deep halos, where the rows cannot be tiled). */
static void run_deep_in_order(void)
{
    for (int n = 0; n < tt.ns; n++) {
        tt_stage *g = &tt.st[n];
        if (g->sw) {
            if (!g->empty)
                tyl_sweep_part_(g->sw, (tyl_array **const *)g->arrp, g->x, g->sc, g->b, g->nb);
            continue;
        }
        int64_t lo[TYL_MAX_RANK], hi[TYL_MAX_RANK];
        for (int d = 0; d < g->cdst->rank; d++)
            alloc_range(g->cdst, d, &lo[d], &hi[d]);
        tyl_copy_outside_win_(g->cdst, g->csrc, g->clo, g->clen, lo, hi);
    }
}

/* Deep halos pay (unless forced) when the points the grown boxes add to the group's sweeps
 * stay within a tenth of the points the rank owns (pass_sched_timetile's model: each step's
 * points computed twice cost about what the exchanges they save cost, on a small block far
 * more). Called after deep_boxes. */
static int deep_pays(void)
{
    if (tt.forced)
        return 1;
    double own = 0, grown = 0;
    for (int n = 0; n < tt.ns; n++) {
        tt_stage *g = &tt.st[n];
        if (!g->sw)
            continue;
        int64_t b[TYL_MAX_RANK], nb[TYL_MAX_RANK];
        tyl_sweep_box_(g->sw, g->arrp, g->x, b, nb);
        double o = 1, w = g->empty ? 0 : 1;
        for (int k = 0; k < g->sw->rank; k++) {
            o *= nb[k] > 0 ? (double)nb[k] : 0;
            w *= g->empty ? 0 : (double)g->nb[k];
        }
        own += o;
        grown += w;
    }
    return grown - own <= 0.1 * own;
}

/* The recorded stages run over the tiles of plan P (in order where P.H is 0). */
static void run_plan(tt_plan P)
{
    const char *sync = getenv("TYLES_TT_SYNC");
    if (sync && (!strcmp(sync, "pipeline") || !strcmp(sync, "wavefront")))
        P.pipeline = sync[0] == 'p';
    if (verbose() && tyl_rt_rank_ == 0) {
        if (P.H)
            fprintf(stderr, "tyles: %d steps in tiles of %lld rows x %lld columns, %d thread(s)%s\n", tt.K,
                    (long long)P.H, (long long)P.W, P.threads, P.slabs ? " in slabs" : "");
        else
            fprintf(stderr, "tyles: %d steps in order\n", tt.K);
    }
    if (!P.H) { /* whole stages: their kernels block rows as plain sweeps do (tyl_mem_block_rows) */
        tyl_tt_running_ = 0;
        if (tt.deep)
            run_deep_in_order();
        else
            for (int n = 0; n < tt.ns; n++)
                if (tt.st[n].sw)
                    tyl_sweep_run_full_(tt.st[n].sw, (tyl_array **const *)tt.st[n].arrp, tt.st[n].x, tt.st[n].sc);
                else
                    tyl_copy_outside(tt.st[n].cdst, tt.st[n].csrc, tt.st[n].clo, tt.st[n].clen);
        tyl_tt_running_ = 1;
    } else {
        int64_t lo = INT64_MAX, hi = INT64_MIN, clo = INT64_MAX, chi = INT64_MIN;
        for (int n = 0; n < tt.ns; n++) {
            const tt_stage *g = &tt.st[n];
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
                    for (int n = 0; n < tt.ns; n++)
                        if (!tt.st[n].empty)
                            run_stage(&tt.st[n], lo + t * H, H, clo + c * W, W, 1, 0);
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
                    for (int n = 0; n < tt.ns; n++)
                        if (!tt.st[n].empty)
                            run_stage(&tt.st[n], lo + t * H, H, clo + (wf - t) * W, W, 1, 0);
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
                for (int n = 0; n < tt.ns; n++)
                    if (!tt.st[n].empty)
                        run_stage(&tt.st[n], r0, H, 0, 0, 1, 0);
        } else {
            /* one column of tiles: the threads share each stage's sub-box of a tile by
             * columns, and wait for each other between stages (the next reads what it wrote) */
#pragma omp parallel num_threads(P.threads)
            {
                const int T = omp_get_num_threads(), me = omp_get_thread_num();
                for (int64_t r0 = lo; r0 < hi; r0 += H)
                    for (int n = 0; n < tt.ns; n++) {
                        if (tt.st[n].empty)
                            continue; /* the same on every thread */
                        run_stage(&tt.st[n], r0, H, 0, 0, T, me);
                        if (T > 1) {
#pragma omp barrier
                        }
                    }
            }
        }
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
    const int ns = tt.ns, h = ns / 2, K = tt.K;
    tyl_tt_group_budget_(tyl_tt_deep_budget_(), 0);
    tt_plan P = plan();
    if (!thick(P) && env_double() == -1) { /* K's tiles, their window past the L2 (tyl_ttplan.c) */
        tyl_tt_group_budget_(0, 0);
        tt.K = tt.base;
        tt.ns = h;
        const tt_plan PK = plan();
        tt.ns = ns;
        tt.K = K;
        if (thick(PK)) {
            tyl_tt_group_budget_(tyl_tt_spill_budget_(), PK.H);
            P = plan();
        }
    }
    tyl_tt_group_budget_(0, 0);
    const int take = env_double() == 1 ? P.H != 0 : env_double() != 2 && thick(P);
    if (take) {
        run_plan(P);
        return 1;
    }
    tt.K = tt.base;
    tt.ns = h;
    P = plan();
    int tiled = P.H != 0;
    run_plan(P);
    for (int n = 0; n < h; n++) { /* a permutation of the slots: each keeps its block */
        tt_stage t = tt.st[n];
        tt.st[n] = tt.st[n + h];
        tt.st[n + h] = t;
    }
    P = plan();
    tiled |= P.H != 0;
    run_plan(P);
    tt.ns = ns;
    tt.K = K;
    return tiled;
}

/* A group of 4K steps (tyl_tt_go, one rank): together where it takes 2-D tiles of rows and
 * columns (tyl_tt_plan_cols_: a window K rows and columns deeper than 2K's, H still at least
 * H2_MIN), else as two groups of 2K, each as run_doubled decides (every 3-D group and every 2-D
 * group in whole rows: as before the groups of 4K). Jacobi 2-D float64 4096^2, a plain-C model
 * of these tiles (1 thread, chrt -f 1, load 13-16, bench/RESULTS.md h93): 2K = 16 in 43 x 512
 * 2.95-3.0 GSt/s, 4K = 32 in 27 x 512 3.2-3.3, 40 x 512 3.3. */
static int run_quad(void)
{
    const int ns = tt.ns, h = ns / 2, K = tt.K;
    tyl_tt_group_budget_(tyl_tt_deep_budget_(), 0);
    tt_plan P = plan();
    tyl_tt_group_budget_(0, 0);
    if (P.H && P.cols) {
        run_plan(P);
        return 1;
    }
    tt.K = 2 * tt.base;
    tt.ns = h;
    int tiled = run_doubled();
    for (int n = 0; n < h; n++) { /* a permutation of the slots: each keeps its block */
        tt_stage t = tt.st[n];
        tt.st[n] = tt.st[n + h];
        tt.st[n + h] = t;
    }
    tiled |= run_doubled();
    tt.ns = ns;
    tt.K = K;
    return tiled;
}

static void run_group(void);

/* A group of 2K steps on several ranks that cannot run on deep halos 2K steps deep (the halos
 * were sized for K: TYLES_TT_DOUBLE=1 with K forced) or whose edges would not pay: two groups
 * of K, each deciding for itself (deep halos K steps deep, or step by step), the second half's
 * stages moved to the front as in run_doubled. */
static void run_halves(void)
{
    const int ns = tt.ns, h = ns / 2, K = tt.K;
    tt.K = tt.base;
    tt.ns = h;
    run_group();
    for (int n = 0; n < h; n++) { /* a permutation of the slots: each keeps its block */
        tt_stage t = tt.st[n];
        tt.st[n] = tt.st[n + h];
        tt.st[n + h] = t;
    }
    run_group();
    tt.ns = ns;
    tt.K = K;
}

/* The recorded stages tt.st[0 .. tt.ns) as one group of tt.K steps. */
static void run_group(void)
{
    tt.deep = 0;
    const int doubled = tt.K == 2 * tt.base && tt.ns % 2 == 0;
    if (tyl_rt_nranks() > 1) {
        for (int n = 0; n < tt.ns; n++)
            tt.st[n].empty = 0;
        int64_t ok = deep_boxes();
        ok = ok ? 1 + (deep_pays() && !plain_sweeps()) : 0; /* 2: deep; 1: legal but not worth it; 0: not legal */
        tyl_reduce_ranks(&ok, TYL_INT64, 2); /* all ranks deep, or all step by step */
        if (ok != 2 && doubled) {
            run_halves();
            return;
        }
        tyl_dist_stats_.n_tt_declined += ok == 1;
        ok = ok == 2;
        if (ok) {
            tt.deep = 1;
            deep_exchange();
            tyl_dist_stats_.n_tt_deep++;
            if (verbose() && tyl_rt_rank_ == 0)
                fprintf(stderr, "tyles: %d steps on deep halos (%d stages)\n", tt.K, tt.ns);
        }
    }
    const double g0 = verbose() > 1 ? omp_get_wtime() : 0, gc0 = verbose() > 1 ? cpu_now() : 0;
    for (int i = 0; i < PROF_MAX && verbose() > 1; i++)
        prof_busy[i] = -1;
    int tiled;
    if (tt.K == 4 * tt.base && tt.ns % 4 == 0 && tyl_rt_nranks() == 1)
        tiled = run_quad();
    else if (doubled && (tt.deep || tyl_rt_nranks() == 1))
        tiled = run_doubled();
    else {
        tt_plan P = tt.deep || tyl_rt_nranks() == 1 ? plan() : (tt_plan){.threads = 1};
        tiled = P.H != 0;
        run_plan(P);
    }
    if (verbose() > 1 && (tyl_rt_rank_ == 0 || verbose() > 2)) {
        char line[4096], who[32] = "";
        if (verbose() > 2)
            snprintf(who, sizeof who, "rank %d ", tyl_rt_rank_);
        /* one write a line: the ranks share the terminal */
        int len = snprintf(line, sizeof line, "tyles: %sgroup %.3f ms cpu %.3f", who, 1e3 * (omp_get_wtime() - g0),
                           1e3 * (cpu_now() - gc0));
        for (int i = 0; i < PROF_MAX && prof_busy[i] >= 0 && len < (int)sizeof line - 100; i++)
            len += snprintf(line + len, sizeof line - (size_t)len, "; thread %d busy %.3f wait %.3f cpu %.3f ms", i,
                            1e3 * prof_busy[i], 1e3 * prof_wait[i], 1e3 * prof_cpu[i]);
        if (prof_busy[0] >= 0 && len < (int)sizeof line - 100)
            len += snprintf(line + len, sizeof line - (size_t)len, "; cpu waiting (ms):");
        for (int i = 0; i < PROF_MAX && prof_busy[i] >= 0 && len < (int)sizeof line - 20; i++)
            len += snprintf(line + len, sizeof line - (size_t)len, " %.3f", 1e3 * prof_spin[i]);
        fprintf(stderr, "%s\n", line);
    }
    if (tiled || tt.deep) /* deep halos: the halos of what the group wrote hold grown points */
        for (int n = 0; n < tt.ns; n++) {
            if (!tt.st[n].sw)
                tyl_dirty(tt.st[n].cdst);
            for (int j = 0; tt.st[n].sw && j < tt.st[n].sw->nt; j++)
                if (tt.deep || tt.st[n].sw->dirty >> j & 1)
                    tyl_dirty(tt.st[n].arr[tt.st[n].sw->op[j].arr]);
        }
}

int tyl_tt_running_;

void tyl_tt_run(void)
{
    tyl_sweep_recorder_ = NULL;
    tyl_tt_running_ = 1; /* the kernels run on tiles: no row blocks (tyl_mem_block_rows) */
    run_group();
    tyl_tt_running_ = 0;
    /* The recorded arrays hold no reference of their own: within a group no buffer is freed
     * (renamings permute names, tyl_rotate gives Y the buffer X let go of, or releases one
     * that another name still holds), and a reference would keep tyl_rotate from handing X's
     * old buffer to Y. */
    tt.ns = 0;
}
