/* tyl_timetile.c: temporal blocking of a time loop (pass_sched_timetile chooses the loops).
 *
 * K steps of a loop body are recorded (tyl_sweep_run calls tyl_tt_record_): a sequence of stages n = 0 .. S-1, each one
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
 * Writes to one point by m < p land in order because L_p >= L_m puts p's write in the same or a
 * later tile, and in the same tile p runs after m. One stage split into row ranges in increasing
 * order runs its points in the same order as the whole stage (the kernel's loops are row-major
 * with the rows outermost), so a sweep that reads its own target pointwise is unchanged. Every
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
 * Several ranks never get here (tyl_tt_go): deep halos are not built, the loop steps one step
 * at a time there. Unless forced (--time-tile=K), arrays that fit in the cache are not tiled
 * either: tiling only saves memory traffic.
 *
 * Threads: tiles run one after another (each depends on the one before); inside one parallel
 * region, the threads share each stage's sub-box of a tile along its last box dimension (the
 * columns), each calling the kernel on its slice (its own OpenMP loop then runs on one thread,
 * nested regions being off), with a barrier between stages. A thread keeps the same columns
 * from stage to stage, so its slice of the tile stays in its own cache.
 *
 * Environment: TYLES_TIME_TILE=off steps every loop one step at a time (to compare); the tile's
 * cache budget is TYLES_TT_CACHE bytes (default 1 MiB); TYLES_TT_ROWS sets the tile height
 * (rows) outright. A forced K cuts even a small grid into at least four tiles.
 */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "tyl_internal.h"

typedef struct tt_stage {
    const tyl_sweep *sw;
    tyl_array **arr;        /* the arrays at the step (a reference each) */
    tyl_array ***arrp;      /* their addresses, as tyl_sweep_run takes them */
    int na;
    int64_t *x;
    const void **sc;        /* into scv */
    unsigned char *scv;
    /* tyl_tt_run */
    int empty, fixed;
    int64_t b[TYL_MAX_RANK], nb[TYL_MAX_RANK];
    int64_t row0;           /* target row at box index 0 (fixed: the row) */
    int64_t wlo, whi;       /* rows written */
    int64_t lag;
} tt_stage;

typedef struct tt_read {
    int n;                  /* stage */
    const void *buf;        /* the buffer (data pointer) */
    int64_t off;            /* row offset against the rows the stage writes */
} tt_read;

static struct {
    int K, forced;
    tt_stage *st;
    int ns, cap;
} tt;

static int64_t op_lo(const tyl_operand *op, int d, const int64_t *x)
{
    return op->x_lo >> d & 1 ? x[op->lo[d]] : op->lo[d];
}

static int64_t op_step(const tyl_operand *op, int d, const int64_t *x)
{
    return op->x_step >> d & 1 ? x[op->step[d]] : op->step[d];
}

static int env_off(void)
{
    static int off = -1;
    if (off < 0) {
        const char *e = getenv("TYLES_TIME_TILE");
        off = e && (!strcmp(e, "off") || !strcmp(e, "0") || !strcmp(e, "1"));
    }
    return off;
}

static int faults_armed(void)
{
    static int armed = -1;
    if (armed < 0)
        armed = getenv("TYLES_FAULT_KILL_RANK") || getenv("TYLES_FAULT_KILL_STEP");
    return armed;
}

int tyl_tt_go(int K, int forced, int64_t k, int64_t nk)
{
    if (nk - k < K || K < 2 || env_off() || tyl_rt_nranks() > 1 || faults_armed())
        return 0;
    int64_t every = tyl_ck_opts_.every;
    if (every > 0 && k / every != (k + K - 1) / every)
        return 0; /* a checkpoint is due inside the group: its steps one at a time */
    tt.K = K;
    tt.forced = forced;
    tt.ns = 0;
    tyl_tt_recording_ = 1;
    return 1;
}

int tyl_tt_recording_;

void tyl_tt_record_(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, const void *const *sc)
{
    const int na = sw->na, nx = sw->nxv, nsc = sw->nsc;
    const unsigned char *scsz = sw->scsz;
    if (tt.ns == tt.cap) {
        tt.cap = tt.cap ? 2 * tt.cap : 16;
        tt.st = realloc(tt.st, sizeof(tt_stage) * (size_t)tt.cap);
        if (!tt.st)
            tyl_rt_error(sw->where, "out of memory");
    }
    tt_stage *g = &tt.st[tt.ns++];
    memset(g, 0, sizeof *g);
    g->sw = sw;
    g->na = na;
    size_t scbytes = 0;
    for (int i = 0; i < nsc; i++)
        scbytes += (scsz[i] + 7u) & ~7u;
    g->arr = malloc(sizeof(tyl_array *) * (size_t)(na ? na : 1));
    g->arrp = malloc(sizeof(tyl_array **) * (size_t)(na ? na : 1));
    g->x = malloc(sizeof(int64_t) * (size_t)(nx ? nx : 1));
    g->sc = malloc(sizeof(void *) * (size_t)(nsc ? nsc : 1));
    g->scv = malloc(scbytes ? scbytes : 1);
    if (!g->arr || !g->arrp || !g->x || !g->sc || !g->scv)
        tyl_rt_error(sw->where, "out of memory");
    for (int i = 0; i < na; i++) {
        g->arr[i] = tyl_ref(*arrs[i]);
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

/* Rows written by stage g, or 0 when the stage cannot be tiled. */
static int stage_rows(tt_stage *g)
{
    const tyl_sweep *sw = g->sw;
    const int64_t *x = g->x;
    tyl_sweep_box_(sw, g->arrp, x, g->b, g->nb);
    for (int k = 0; k < sw->rank; k++)
        g->empty |= g->nb[k] <= 0;
    for (int i = 0; i < sw->nx; i++) {
        const tyl_array *a = g->arr[sw->x[i].arr];
        if (a->layout && a->layout->periodic)
            return 0;
    }
    const tyl_operand *o0 = &sw->op[0];
    if (o0->box[0] == 0 && op_step(o0, 0, x) == 1 && !(o0->wrap & 1))
        g->fixed = 0;
    else if (o0->box[0] == TYL_FIXED)
        g->fixed = 1;
    else
        return 0;
    g->row0 = op_lo(o0, 0, x);
    for (int j = 1; j < sw->nt; j++) {
        const tyl_operand *o = &sw->op[j];
        if (o->box[0] != o0->box[0] || op_lo(o, 0, x) != g->row0 || (!g->fixed && op_step(o, 0, x) != 1) ||
            (o->wrap & 1))
            return 0;
    }
    g->wlo = g->fixed ? g->row0 : g->row0 + g->b[0];
    g->whi = g->fixed ? g->row0 + 1 : g->wlo + g->nb[0];
    return 1;
}

static int writes(const tt_stage *g, const void *buf)
{
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

static size_t budget(void)
{
    static size_t b;
    if (!b) {
        const char *e = getenv("TYLES_TT_CACHE");
        long long v = e ? atoll(e) : 0;
        b = v > 0 ? (size_t)v : (size_t)1 << 20;
    }
    return b;
}

/* The lags and the tile height; 0 when the group runs in order instead. */
static int64_t plan(void)
{
    int nr = 0, cap = 0;
    tt_read *rd = NULL;
    int ok = 1;
    for (int n = 0; n < tt.ns && ok; n++)
        ok = stage_rows(&tt.st[n]);
    for (int n = 0; n < tt.ns && ok; n++) {
        tt_stage *g = &tt.st[n];
        if (g->empty)
            continue;
        const tyl_sweep *sw = g->sw;
        for (int i = sw->nt; i < sw->nop && ok; i++) {
            const tyl_operand *op = &sw->op[i];
            const tyl_array *a = g->arr[op->arr];
            if (!written_in_group(a->data))
                continue; /* the same values all through the group */
            if (g->fixed ? op->box[0] != TYL_FIXED
                         : op->box[0] != 0 || op_step(op, 0, g->x) != 1 || (op->wrap & 1)) {
                ok = 0;
                break;
            }
            if (nr == cap) {
                cap = cap ? 2 * cap : 32;
                rd = realloc(rd, sizeof(tt_read) * (size_t)cap);
                if (!rd)
                    tyl_rt_error(sw->where, "out of memory");
            }
            rd[nr++] = (tt_read){n, a->data, op_lo(op, 0, g->x) - g->row0};
        }
    }
    if (!ok) {
        free(rd);
        return 0;
    }
    /* the least lags: L_n >= L_m + off (RAW, m < n writes what n reads), L_n >= L_m - off (WAR,
     * m < n reads what n writes), L_n >= L_(n-1) */
    int64_t maxoff = 0, prev = 0;
    for (int n = 0; n < tt.ns; n++) {
        tt_stage *g = &tt.st[n];
        int64_t L = prev;
        for (int r = 0; r < nr; r++) {
            const tt_read *q = &rd[r];
            if (q->n == n) {
                for (int m = 0; m < n; m++)
                    if (!tt.st[m].empty && writes(&tt.st[m], q->buf) && tt.st[m].lag + q->off > L)
                        L = tt.st[m].lag + q->off;
                if (q->off > maxoff || -q->off > maxoff)
                    maxoff = q->off > 0 ? q->off : -q->off;
            } else if (q->n < n && !g->empty && writes(g, q->buf) && tt.st[q->n].lag - q->off > L)
                L = tt.st[q->n].lag - q->off;
        }
        g->lag = prev = L;
    }
    free(rd);
    /* the tile's height: its rows of every array, and those the lags and offsets add, in the
     * budget; unless forced, only when the arrays do not fit in it several times over */
    size_t rowbytes = 0, total = 0;
    const tyl_array *seen[64];
    int nseen = 0;
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
            rowbytes += a->rank > 1 ? (size_t)a->stride[0] * el : el;
            total += (size_t)a->lsize * el;
        }
    if (!tt.forced && total <= 4 * budget())
        return 0;
    int64_t span = prev + 2 * maxoff + 1;
    int64_t H = rowbytes ? (int64_t)(budget() / rowbytes) - span : 1;
    if (tt.forced) { /* a grid that fits the budget still gets several tiles (what tests see) */
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        for (int n = 0; n < tt.ns; n++)
            if (!tt.st[n].empty) {
                lo = tt.st[n].wlo < lo ? tt.st[n].wlo : lo;
                hi = tt.st[n].whi > hi ? tt.st[n].whi : hi;
            }
        if (hi > lo && H > (hi - lo) / 4)
            H = (hi - lo) / 4;
    }
    const char *rows = getenv("TYLES_TT_ROWS");
    if (rows && atoll(rows) > 0)
        H = atoll(rows);
    return H < 1 ? 1 : H;
}

void tyl_tt_run(void)
{
    tyl_tt_recording_ = 0;
    int64_t H = plan();
    if (!H) {
        for (int n = 0; n < tt.ns; n++)
            tyl_sweep_run(tt.st[n].sw, (tyl_array **const *)tt.st[n].arrp, tt.st[n].x, tt.st[n].sc);
    } else {
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        for (int n = 0; n < tt.ns; n++) {
            const tt_stage *g = &tt.st[n];
            if (g->empty)
                continue;
            if (g->wlo + g->lag < lo)
                lo = g->wlo + g->lag;
            if (g->whi + g->lag > hi)
                hi = g->whi + g->lag;
        }
        /* threads share each stage's sub-box along its last box dimension, and wait for each
         * other between stages (the next stage reads what this one wrote) */
        int64_t work = 0; /* points of the group: a small one is not worth waking threads */
        for (int n = 0; n < tt.ns; n++) {
            int64_t pts = !tt.st[n].empty;
            for (int k = 0; k < tt.st[n].sw->rank; k++)
                pts *= tt.st[n].nb[k];
            work += pts;
        }
        const int nth = work >= ((int64_t)1 << 17) ? omp_get_max_threads() : 1;
#pragma omp parallel num_threads(nth) if (nth > 1)
        {
            const int T = omp_get_num_threads(), me = omp_get_thread_num();
            for (int64_t r0 = lo; r0 < hi; r0 += H)
                for (int n = 0; n < tt.ns; n++) {
                    const tt_stage *g = &tt.st[n];
                    if (g->empty)
                        continue;
                    int64_t a = r0 - g->lag, e = r0 + H - g->lag;
                    a = a > g->wlo ? a : g->wlo;
                    e = e < g->whi ? e : g->whi;
                    if (a >= e)
                        continue; /* the same on every thread */
                    const int B = g->sw->rank;
                    int64_t o[TYL_MAX_RANK], nn[TYL_MAX_RANK];
                    for (int k = 0; k < B; k++) {
                        o[k] = g->b[k];
                        nn[k] = g->nb[k];
                    }
                    if (!g->fixed) {
                        o[0] = a - g->row0;
                        nn[0] = e - a;
                    }
                    int64_t c = nn[B - 1], c0 = c * me / T, c1 = c * (me + 1) / T;
                    o[B - 1] += c0;
                    nn[B - 1] = c1 - c0;
                    if (nn[B - 1] > 0)
                        tyl_sweep_part_(g->sw, (tyl_array **const *)g->arrp, g->x, g->sc, o, nn);
                    if (T > 1) {
#pragma omp barrier
                    }
                }
        }
        for (int n = 0; n < tt.ns; n++)
            for (int j = 0; j < tt.st[n].sw->nt; j++)
                if (tt.st[n].sw->dirty >> j & 1)
                    tyl_dirty(tt.st[n].arr[tt.st[n].sw->op[j].arr]);
    }
    for (int n = 0; n < tt.ns; n++) {
        tt_stage *g = &tt.st[n];
        for (int i = 0; i < g->na; i++)
            tyl_release(g->arr[i]);
        free(g->arr);
        free(g->arrp);
        free(g->x);
        free(g->sc);
        free(g->scv);
    }
    tt.ns = 0;
}
