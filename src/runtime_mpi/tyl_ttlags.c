/* tyl_ttlags.c: the plan of a recorded time-tiled group: how its stages' targets follow the rows
 * and columns, the lags that keep each read seeing step-by-step order, and the tiles
 * (tyl_ttplan.c sizes them within the cache budget).
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
 * several ranks the stages run over boxes grown into deep halos (tyl_ttdeep.c), tiled the
 * same way or one after another.
 *
 * Requires: the stages recorded (tyl_ttrecord.c); on several ranks, their grown boxes
 * (tyl_tt_deep_boxes_). Establishes: each stage's axes and lags, the slabs' shrinks, and a plan
 * (H = 0: run the stages in order).
 */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "tyl_ttgroup.h"

typedef struct tt_read {
    int n;                  /* stage */
    const void *buf;        /* the buffer (data pointer) */
    int64_t off[2], hi[2];  /* offsets against the indices the stage writes, per axis: from
                               off to hi (more than one where a stage's tile reads past the
                               box, emit_stages.c) */
} tt_read;

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
        if (tyl_ttg_.deep)
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
        for (int d = 0; d < g->cdst->rank && !tyl_ttg_.deep; d++) /* deep: over the allocation */
            g->empty |= g->cdst->n[d] <= 0;
        return 1;
    }
    if (!tyl_ttg_.deep) /* else tyl_tt_deep_boxes_ grew it */
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
    for (int n = 0; n < tyl_ttg_.ns; n++)
        if (!tyl_ttg_.st[n].empty && writes(&tyl_ttg_.st[n], buf))
            return 1;
    return 0;
}

/* The least lags along axis a over the reads rd[0..nr): L_n >= L_m + hi (RAW, m < n writes
 * what n reads), L_n >= L_m - off (WAR, m < n reads what n writes), L_n >= L_(n-1). Returns the
 * largest offset's size. */
static int64_t lags(int a, const tt_read *rd, int nr)
{
    int64_t maxoff = 0, prev = 0;
    for (int n = 0; n < tyl_ttg_.ns; n++) {
        tt_stage *g = &tyl_ttg_.st[n];
        int64_t L = prev;
        for (int r = 0; r < nr; r++) {
            const tt_read *q = &rd[r];
            int64_t off = q->off[a], hi = q->hi[a]; /* RAW: the highest; WAR: the lowest */
            if (q->n == n) {
                for (int m = 0; m < n; m++)
                    if (!tyl_ttg_.st[m].empty && writes(&tyl_ttg_.st[m], q->buf) && tyl_ttg_.st[m].ax[a].lag + hi > L)
                        L = tyl_ttg_.st[m].ax[a].lag + hi;
                if (hi > maxoff || -off > maxoff)
                    maxoff = hi > -off ? hi : -off;
            } else if (q->n < n && !g->empty && writes(g, q->buf) && tyl_ttg_.st[q->n].ax[a].lag - off > L)
                L = tyl_ttg_.st[q->n].ax[a].lag - off;
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
    for (int n = 0; n < tyl_ttg_.ns; n++) {
        tt_stage *g = &tyl_ttg_.st[n];
        int64_t S = prev;
        for (int r = 0; r < nr; r++) {
            const tt_read *q = &rd[r];
            if (q->n == n) {
                for (int m = 0; m < n; m++) {
                    const tt_stage *w = &tyl_ttg_.st[m];
                    if (!w->empty && writes(w, q->buf) && w->ax[0].shrink + g->ax[0].lag - w->ax[0].lag - q->off[0] > S)
                        S = w->ax[0].shrink + g->ax[0].lag - w->ax[0].lag - q->off[0];
                }
            } else if (q->n < n && !g->empty && writes(g, q->buf)) {
                const tt_stage *u = &tyl_ttg_.st[q->n];
                if (u->ax[0].shrink + g->ax[0].lag - u->ax[0].lag + q->hi[0] > S)
                    S = u->ax[0].shrink + g->ax[0].lag - u->ax[0].lag + q->hi[0];
            }
        }
        g->ax[0].shrink = prev = S;
    }
    return prev;
}

/* Whether the group could run its stages one after another as plain sweeps (its rows are
 * planes, its arrays past the tiles' budgets, K not forced), and, in *model, whether the model of
 * tyl_ttplan.c tyl_tt_plain_planes_ says it should (3-D float32 arrays past the last-level
 * cache, float64 on one core where each array is). Plain sweeps run in order on one rank
 * (tyl_tt_plan_group_), step by step on several (tyl_timetile.c run_group: halos one step deep,
 * not the deep halos' grown boxes, which on 2 ranks took 1.45x the CPU time of step-by-step
 * order for Jacobi 3-D float32 256^3, in order, and 1.95x in tiles). */
int tyl_tt_plain_question_(int *model)
{
    size_t total = 0, widest = 0, least = SIZE_MAX; /* least: the smallest 3-D array's bytes */
    int64_t line = INT64_MAX; /* the shortest line (last axis) of a 3-D array, in bytes */
    const tyl_array *seen[64];
    int nseen = 0;
    *model = 0;
    if (tyl_ttg_.forced)
        return 0;
    for (int n = 0; n < tyl_ttg_.ns; n++)
        for (int i = 0; i < tyl_ttg_.st[n].na; i++) {
            const tyl_array *a = tyl_ttg_.st[n].arr[i];
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
    if (line == INT64_MAX || total <= 4 * tyl_tt_budget_() * (size_t)omp_get_max_threads() || tyl_tt_env_on_())
        return 0;
    *model = tyl_tt_plain_planes_(total, least, widest, line);
    return 1;
}

/* Whether the group runs as plain sweeps: where it could, the way tyl_ttchoice.c measured or is
 * measuring, else the model's. */
int tyl_tt_plain_sweeps_(void)
{
    int model;
    if (!tyl_tt_plain_question_(&model))
        return 0;
    return tyl_ttg_.way ? tyl_ttg_.way == 2 : model;
}

/* 2-D groups take tiles of rows and columns (tyl_tt_plan_cols_) where every stage's sweep has
 * at most TT_COLS_MAXOP operands: a light stencil, whose tiles of whole rows wait on the L2 and
 * memory. Jacobi 2-D (5 operands) ran 1.20x (float64 4096^2) and 1.06x (float32) as fast on one
 * thread, 1.12x and 1.10x on two; viscous Burgers 2048^2 (12 operands, its arithmetic the
 * bound) ran its kernel 0.85-0.88x as fast in tiles 256-512 columns wide as in whole rows, at K
 * and 2K alike (loop wall time under chrt -f 1, bench/RESULTS.md h93). */
enum { TT_COLS_MAXOP = 6 };

/* The lags and the tile sizes; H = 0 when the group runs in order instead. */
tt_plan tyl_tt_plan_group_(void)
{
    tt_plan P = {.threads = 1};
    int nr = 0, cap = 0, cols = 1;
    tt_read *rd = NULL;
    int ok = 1;
    for (int n = 0; n < tyl_ttg_.ns && ok; n++) {
        ok = stage_box(&tyl_ttg_.st[n]) && stage_axis(&tyl_ttg_.st[n], 0);
        cols &= stage_axis(&tyl_ttg_.st[n], 1);
    }
    for (int n = 0; n < tyl_ttg_.ns && ok; n++) {
        tt_stage *g = &tyl_ttg_.st[n];
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
    for (int n = 0; n < tyl_ttg_.ns; n++)
        for (int i = 0; i < tyl_ttg_.st[n].na; i++) {
            const tyl_array *a = tyl_ttg_.st[n].arr[i];
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
    if (!tyl_ttg_.forced && total <= 4 * tyl_tt_budget_() * (size_t)omp_get_max_threads())
        return P;
    if (tyl_tt_plain_sweeps_())
        return P;
    int64_t lo = INT64_MAX, hi = INT64_MIN, clo = INT64_MAX, chi = INT64_MIN, work = 0;
    for (int n = 0; n < tyl_ttg_.ns; n++) {
        const tt_stage *g = &tyl_ttg_.st[n];
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
    int64_t span = tyl_ttg_.st[tyl_ttg_.ns - 1].ax[0].lag + 2 * maxoff + 1;
    size_t tilebytes = rowbytes;
    if (planes && cols && chi > clo)
        return tyl_tt_plan_planes_(P, tyl_ttg_.forced, lo, hi, chi - clo, span, tyl_ttg_.st[tyl_ttg_.ns - 1].ax[1].lag + 2 * maxoffc + 1,
                           (double)linebytes + (double)flatbytes / (double)(chi - clo));
    const char *sync = getenv("TYLES_TT_SYNC");
    const int slabs = P.threads > 1 && (!sync || !strcmp(sync, "slabs")) &&
                      hi - lo >= 2 * (P.shrink + maxoff + 1) * P.threads;
    int maxop = 0; /* the most operands of a stage's sweep */
    for (int n = 0; n < tyl_ttg_.ns; n++)
        maxop = tyl_ttg_.st[n].sw && tyl_ttg_.st[n].sw->nop > maxop ? tyl_ttg_.st[n].sw->nop : maxop;
    if (cols && chi > clo && (P.threads == 1 || slabs) && maxop <= TT_COLS_MAXOP) {
        /* 2-D: tiles of rows and columns, on one thread or in each thread's slab */
        tt_plan C = tyl_tt_plan_cols_(P, tyl_ttg_.forced, lo, hi, chi - clo, span,
                                      tyl_ttg_.st[tyl_ttg_.ns - 1].ax[1].lag + 2 * maxoffc + 1,
                                      (double)(colbytes ? colbytes : 1));
        if (C.H) {
            C.slabs = P.threads > 1;
            return C;
        }
    }
    if (slabs && (tyl_ttg_.forced || (int64_t)(tyl_tt_budget_() / rowbytes) - span >= 4)) {
        /* a slab of whole rows a thread, its tiles as one thread's (run_slabs): one barrier a
         * group instead of one a wavefront, and no column offsets needed; rows too wide for a
         * tile of whole rows take the wavefronts' narrower tiles */
        P.slabs = 1;
    } else if (P.threads > 1 && cols && chi > clo) {
        /* wavefronts of tiles: about four tiles a thread across the columns */
        int64_t ncol = chi - clo, want = 4 * (int64_t)P.threads;
        P.W = (ncol + want - 1) / want;
        int64_t minw = tyl_ttg_.st[tyl_ttg_.ns - 1].ax[1].lag + 2 * maxoffc + 32;
        P.W = P.W < minw ? minw : P.W;
        if (P.W >= ncol)
            P.W = 0; /* one column of tiles: split each tile by columns instead */
        else
            tilebytes = (size_t)((double)rowbytes * (double)P.W / (double)ncol) + 1;
    }
    int64_t H = (int64_t)(tyl_tt_budget_() / tilebytes) - span;
    if (!tyl_ttg_.forced && H < 4) /* the lags span the budget: every tile would stream again */
        return (tt_plan){.threads = 1};
    if (tyl_ttg_.forced && hi > lo && H > (hi - lo) / 4)
        H = (hi - lo) / 4; /* a grid that fits the budget still gets several tiles (tests) */
    if (tyl_env_num_("TYLES_TT_ROWS", 0) > 0)
        H = tyl_env_num_("TYLES_TT_ROWS", 0);
    if (cols && tyl_env_num_("TYLES_TT_COLS", 0) > 0)
        P.W = tyl_env_num_("TYLES_TT_COLS", 0);
    P.H = H < 1 ? 1 : H;
    return P;
}
