/* pass_sched_writeback.c: a copy back into the array a tiled kernel reads, done by that kernel.
 *
 * Requires: pass_sched_stages (tiled kernels), pass_sched_parts, pass_sched_dirty,
 * pass_sched_timetile (the loops run K steps per pass), the target (C only).
 * Establishes: for a tiled sweep T (stages per tile, M_DIRECT) followed at once in its block by
 * a sweep C that copies T's target into an array A that T reads at offsets,
 *
 *     out[...] = f(in[i + o, j + p, ...])     (T: stages per tile)
 *     in[2:-2, 2:-2, :] = out                 (C: A = in)
 *
 * T->sched->wb = C: T's kernel writes each point of C's view once no later tile of its pass (nor
 * another thread) still reads it, so the separate sweep over memory that C was disappears (hdiff
 * reads its output back and writes in_field from the caches). C->sched->wb_into = T's kernel:
 * C's own kernel does not run. Conditions (each needed for the lagged write to be legal):
 *   - T and C are M_DIRECT sweeps over boxes of equal extents whose targets share their part
 *     on every rank (ir_dist_aligned), C reads exactly T's target at the point (a copy of the
 *     same type) and nothing else, and C's target is not T's target's alias class;
 *   - every read of A's alias class in T's value (its stages inlined: what the tiles compute)
 *     is A itself, along every dimension a range of step 1 on the same box dimension as C's
 *     target, at a compile-time constant offset o[d] from C's view; A is never read as one
 *     element. Then along box dimension d a point of A is read only by points at -o[d]: its last
 *     reader lies wb_lag[d] = max(0, -min o[d]) points later, the first wb_ahead = max(0, max
 *     o[0]) points earlier along the outer dimension (what the neighbouring thread still reads);
 *   - the loop around it is not time-tiled (the run time cuts a time-tiled step's sweeps into
 *     row ranges, and a write back inside one range would change what the next range reads),
 *     and T runs its local box in one part: sched->split = 0 (the interior's write back would
 *     change what the edge strips read), the exchange ending before it.
 * The kernel (emit_stages.c) gives each thread one block of tile rows along the outer dimension;
 * after tile (q0, q1, ..) it writes the points of the tile shifted back by wb_lag (the first
 * tile of a dimension from 0, the last to the end), except the rows of its block that another
 * thread still reads (its first wb_ahead rows, which the previous block reads, and its last
 * wb_lag, which the next block reads), which it writes after a barrier. Every point of A
 * is written once, with the value C would have copied, after every read of the old value: the
 * bits are those of the two sweeps (tests/programs/writeback_*.tyl fail with the lag one short).
 * Otherwise T->sched->wb_rows = -(the lowest offset along the outer dimension at which T's value
 * proper, its stages aside, reads A), at least 0: the kernel copies row r of the shifted tile
 * inside the value loop, once value row r + wb_rows is done (no point of the tile reads it
 * after that: the stages were computed before the value), while the row is still in the caches
 * (hdiff: 1 row; 1.11-1.26x the CPU speed of the copy after the tile, bench/RESULTS.md h70).
 * Where T's value proper (its stages aside, computed before it a tile at a time) reads A only at
 * the point it computes, T->sched->wb_store: the value loop stores the tile's points that no later
 * tile reads into A itself, and the copy after the tile moves only the rest of the shifted tile
 * (the rows of earlier tiles the lags left); no point of A is then read after its store, since
 * the only read of it the value loop makes is at that point, before.
 * With rolled stages (sched->roll: stage k's row j computed just before value row j - spread_k[0],
 * one block of rows a thread) the stage rows computed after value row r read A too: wb_rows is
 * at least how far behind r they read (-(spread_k[0] + their lowest offset along the outer
 * dimension), hdiff's lap: 0), and wb_store needs them to read no row at or before r.
 * T's dirty marks gain C's target (target 1). --dump=sched prints
 * "writes back in_field per tile: lag 2 2 0, 2 rows ahead, copied 1 row behind the value loop"
 * (or ", stored by the value loop") and, on C, "copy done by kernel N".
 * Breaks: nothing.
 */
#include <limits.h>

#include "../util/sym.h"
#include "sched.h"

/* Offsets of A's reads in T's value along each box dimension, gathered by ir_expr_any. */
typedef struct wctx {
    ir_view *t;    /* C's target: a view of A */
    int ok;
    int any;
    int64_t lo[IR_MAX_RANK], hi[IR_MAX_RANK];
} wctx;

int sched_wb_offset(const ir_view *v, const ir_view *t, int64_t *off)
{
    if (v->arr != t->arr || v->rank != t->rank)
        return 0;
    for (int d = 0; d < v->rank; d++) {
        const ir_dim *r = &v->dim[d], *w = &t->dim[d];
        if (r->kind != D_RANGE || w->kind != D_RANGE || r->box != w->box || r->box < 0 || r->step_c != 1 ||
            w->step_c != 1 || r->wrap || w->wrap || !r->slo || !w->slo ||
            !sym_is_const(sym_sub(r->slo, w->slo), &off[r->box]))
            return 0;
    }
    return 1;
}

static int scan(const ir_expr *e, void *ctx)
{
    wctx *c = ctx;
    ir_var *a = c->t->arr;
    if (e->kind == E_ELEM && e->var->alias_class == a->alias_class)
        c->ok = 0;
    if (e->kind != E_READ || e->view->arr->alias_class != a->alias_class)
        return 0;
    ir_view *v = e->view;
    int64_t off[IR_MAX_RANK];
    if (!sched_wb_offset(v, c->t, off)) {
        c->ok = 0;
        return 0;
    }
    for (int d = 0; d < v->rank; d++) {
        int b = v->dim[d].box;
        if (!c->any || off[b] < c->lo[b])
            c->lo[b] = off[b];
        if (!c->any || off[b] > c->hi[b])
            c->hi[b] = off[b];
    }
    c->any = 1;
    return 0;
}


/* May c, the statement after the tiled sweep t, be written back by t's kernel? */
static int writes_back(ir_stmt *t, ir_stmt *c, wctx *w)
{
    if (c->kind != S_SWEEP || c->mode != M_DIRECT || c->stages.len || c->sched->scratch != SCR_NONE)
        return 0;
    if (t->mode != M_DIRECT || t->sched->scratch != SCR_NONE || t->sched->alias_check)
        return 0;
    ir_expr *e = c->e;
    if (e->kind != E_READ || e->view->arr != t->target->arr || e->type != c->target->arr->type ||
        t->target->arr->type != c->target->arr->type)
        return 0;
    ir_expr te = {.kind = E_READ, .type = t->target->arr->type, .view = t->target};
    if (!ir_expr_equal(e, &te))
        return 0;
    if (c->target->arr->alias_class == t->target->arr->alias_class)
        return 0;
    if (!ir_same_box(t, c) || !ir_dist_aligned(t->target, c->target))
        return 0;
    /* the box dimensions of C's view in order, as T's */
    int b = 0;
    for (int d = 0; d < c->target->rank; d++)
        if (c->target->dim[d].kind == D_RANGE && c->target->dim[d].box != b++)
            return 0;
    *w = (wctx){.t = c->target, .ok = 1};
    ir_expr_any(t->e, scan, w);
    /* a stage is computed over its grown tile, [0, spread] past its lowest read: its own reads
       of A reach that much further than the points the value needs (tile corners) */
    for (int i = 0; i < t->stages.len && w->ok; i++) {
        ir_stage *st = VEC_AT(t->stages, i, ir_stage *);
        wctx g = {.t = c->target, .ok = 1};
        ir_expr_any(st->fc, scan, &g);
        if (!g.ok) {
            w->ok = 0;
            break;
        }
        for (int d = 0; g.any && d < t->target->vrank; d++) {
            if (!w->any || g.lo[d] < w->lo[d])
                w->lo[d] = g.lo[d];
            if (!w->any || g.hi[d] + st->spread[d] > w->hi[d])
                w->hi[d] = g.hi[d] + st->spread[d];
        }
        w->any |= g.any;
    }
    return w->ok && w->any;
}

/* How many rows behind a point along the outer box dimension t's value proper (its stages are
 * computed before it, a tile at a time) reads c's target's array: minus its lowest offset there,
 * at least 0. */
static int value_rows(ir_stmt *t, ir_stmt *c)
{
    wctx g = {.t = c->target, .ok = 1};
    ir_expr_any(t->staged, scan, &g);
    UTIL_ASSERT(g.ok); /* writes_back scanned the same reads */
    return g.any && g.lo[0] < 0 ? (int)-g.lo[0] : 0;
}

/* Does t's value proper (its stages are computed before it, a tile at a time) read c's target's
 * array only at the point it computes? Then the value loop may store that point into it: no
 * later point of the tile reads it (the tile's stages were computed already), and later tiles
 * read only the points the lags leave to the copy after the tile. */
static int pointwise(ir_stmt *t, ir_stmt *c)
{
    wctx g = {.t = c->target, .ok = 1};
    ir_expr_any(t->staged, scan, &g);
    if (!g.ok)
        return 0;
    for (int d = 0; g.any && d < t->target->vrank; d++)
        if (g.lo[d] || g.hi[d])
            return 0;
    return 1;
}

/* Rolled stages (sched->roll): stage k's row j is computed just before value row j - spread_k[0],
 * so after value row r the stage rows still to come, j >= r + 1 + spread_k[0], read A's rows from
 * j + (their lowest offset along the outer dimension) on. How many rows behind a value row they
 * read, the most over the stages (INT_MIN: no stage reads A). */
static int stage_rows_behind(ir_stmt *t, ir_stmt *c)
{
    int rows = INT_MIN;
    for (int k = 0; k < t->stages.len; k++) {
        ir_stage *st = VEC_AT(t->stages, k, ir_stage *);
        wctx g = {.t = c->target, .ok = 1};
        ir_expr_any(st->fc, scan, &g);
        UTIL_ASSERT(g.ok); /* writes_back scanned the same reads */
        if (g.any && -(st->spread[0] + g.lo[0]) > rows)
            rows = (int)-(st->spread[0] + g.lo[0]);
    }
    return rows;
}

static void block(ir_program *p, vec *body, int tiled_loop)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_FOR || s->kind == S_WHILE) {
            block(p, &s->body, tiled_loop || (s->sched && s->sched->time_tile));
            continue;
        }
        if (s->kind == S_FUSED) /* its sweeps run in its loop nest, with no schedule of their own */
            continue;
        block(p, &s->body, tiled_loop);
        block(p, &s->orelse, tiled_loop);
        if (tiled_loop || s->kind != S_SWEEP || !s->sched->tiled || i + 1 >= body->len)
            continue;
        ir_stmt *c = VEC_AT(*body, i + 1, ir_stmt *);
        if (!c->sched)
            continue;
        wctx w;
        if (!writes_back(s, c, &w))
            continue;
        ir_sched *h = s->sched;
        h->wb = c;
        int B = s->target->vrank;
        for (int d = 0; d < B; d++)
            h->wb_lag[d] = w.lo[d] < 0 ? (int)-w.lo[d] : 0;
        h->wb_ahead = w.hi[0] > 0 ? (int)w.hi[0] : 0;
        int behind = h->roll ? stage_rows_behind(s, c) : INT_MIN;
        h->wb_store = pointwise(s, c) && behind <= 0;
        h->wb_rows = h->wb_store ? 0 : value_rows(s, c);
        if (behind > h->wb_rows)
            h->wb_rows = behind;
        h->split = 0;
        h->dirty |= (c->sched->dirty & 1u) << 1;
        c->sched->wb_into = h->kernel;
        c->sched->dirty = 0;
        i++;
    }
}

void pass_sched_writeback(ir_program *p)
{
    if (!p->sched->cuda)
        block(p, &p->body, 0);
    p->sched->done |= SCHED_WRITEBACK;
}
