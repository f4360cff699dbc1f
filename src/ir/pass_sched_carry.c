/* pass_sched_carry.c: subexpressions of a rolled kernel's value carried from the point before,
 * and the write back stored from the loop that carries them.
 *
 * Requires: pass_sched_stages (roll), pass_sched_vec (stream), pass_sched_writeback (wb,
 * wb_store, wb_rows), the target (C only).
 * Establishes: sched->ncarry, carry_hi, carry_lo, carry_dim of a rolled kernel (sched->roll)
 * that streams no target and whose write back is not stored by its value loop (!wb_store):
 *
 * hdiff's value reads flx[1:] - flx[:-1] with flx inlined: the same limiter twice, once at the
 * point and once a row lower, so each flux is computed twice. Along a rolled kernel's dimension 0
 * (a thread walks its block's rows in order) and dimension 1 of a 3-D box (a tile's columns in
 * order), the lower one is the higher one of the point before: the kernel keeps it in a carry
 * buffer (a plane of the tile's columns along dimension 0, a row along dimension 1) and reads it
 * back, as bench/ref_hdiff.c keeps flx and fly. The first row of a thread's block and the first
 * column of a tile compute both (emit_stages.c: a second loop). A pair is a float subexpression
 * over two reads or more and the same expression with every read one box point lower along the
 * dimension (array reads: the same slot walked alike, `slo` one step further; stage reads:
 * offsets one further), checked structurally; integer arithmetic is never carried (a division
 * by zero would trap where it was not evaluated), nor a read of the value's own target. The
 * same operations on the same inputs give the same bits; the inputs do not change between the
 * two points (the write back, below, stores no point before its last read).
 * (bench/probe_hdiff_carried.c, bench/RESULTS.md 2026-12-07 h142: 0.87x the instructions.)
 *
 * sched->wb_carry, where the kernel writes back (wb, copied wb_rows behind the value loop) and
 * carries: the loop that reads the carried values also stores each point it computes into the
 * write back's array A, at once, from registers (bench/ref_hdiff.c writes in_field so), when the
 * old value of the point is read by no point after it. A point p of the shifted box that this
 * thread's tile owns (not left to a later tile, nor to the barrier: the lags and the rows ahead,
 * pass_sched_writeback) is read after its computation only by
 *   - stage rows computed later: they read rows after p's (pass_sched_writeback's stage rows
 *     behind, at most 0);
 *   - later points q of the carried loop, at q + d = p: needs every read offset d of A in the
 *     value with the carried lower subexpressions taken out to be lexicographically >= 0 along
 *     the outer dimensions, and 0 along the inner one where the outer offsets are 0 (a row's
 *     points run as SIMD lanes);
 *   - later points q of the loop that computes both (q's coordinate along a carried dimension c
 *     is the tile's or block's first, b_c), at q + d = p with d lexicographically < 0: needs
 *     d_c <= 0 along every carried dimension c, so that p_c <= b_c: p is itself a point of
 *     that loop, which does not store the write back.
 * hdiff: the carried loop reads in_field at (0, 0), (+1, 0) and (0, +1); the other loop at
 * (-1, 0) and (0, -1) too. A point that loop computes is copied back by the row copy behind the
 * value loop (wb_rows rows behind, as before), which now moves only those points and the
 * columns of the tile before. Every point of A is still written once, after its last read,
 * with the value the copy would have written: the bits of the two sweeps
 * (tests/programs/writeback_carried.tyl, and tests/ir/sched_writeback.tyl where it must not).
 * --dump=sched prints ", the carried loop stores it" after the write back's rows.
 * Breaks: nothing.
 */
#include "../util/sym.h"
#include "sched.h"

static int stage_index(ir_stmt *s, ir_var *v)
{
    for (int i = 0; i < s->stages.len; i++)
        if (VEC_AT(s->stages, i, ir_stage *)->slot == v)
            return i;
    return -1;
}

/* Is lo the expression hi read one box point lower along box dimension d (every read shifted,
 * nothing else different)? */
static int shifted(ir_stmt *s, const ir_expr *hi, const ir_expr *lo, int d);

static int read_shifted(ir_stmt *s, const ir_expr *hi, const ir_expr *lo, int d)
{
    ir_view *a = hi->view, *b = lo->view;
    int si = stage_index(s, a->arr);
    if (si >= 0 || stage_index(s, b->arr) >= 0) {
        if (si != stage_index(s, b->arr))
            return 0;
        ir_stage *st = VEC_AT(s->stages, si, ir_stage *);
        int ra = -1, rb = -1;
        for (int r = 0; r < st->nreads; r++) {
            if (st->reads[r] == a)
                ra = r;
            if (st->reads[r] == b)
                rb = r;
        }
        if (ra < 0 || rb < 0)
            return 0;
        for (int e = 0; e < IR_MAX_RANK && e < st->slot->rank; e++)
            if (st->off[ra][e] - st->off[rb][e] != (e == d))
                return 0;
        return 1;
    }
    if (a->arr->alias_class == s->target->arr->alias_class || a->arr != b->arr || a->rank != b->rank)
        return 0;
    for (int e = 0; e < a->rank; e++) {
        const ir_dim *x = &a->dim[e], *y = &b->dim[e];
        if (x->kind != y->kind)
            return 0;
        if (x->kind == D_FIXED) {
            if (!ir_expr_equal(x->lo, y->lo))
                return 0;
            continue;
        }
        if (x->box != y->box || !x->step_c || x->step_c != y->step_c || x->wrap || y->wrap || !x->slo || !y->slo)
            return 0;
        int64_t c;
        if (!sym_is_const(sym_sub(x->slo, y->slo), &c) || c != (x->box == d ? x->step_c : 0))
            return 0;
    }
    return 1;
}

static int shifted(ir_stmt *s, const ir_expr *hi, const ir_expr *lo, int d)
{
    if (!hi || !lo)
        return hi == lo;
    if (hi->kind != lo->kind || hi->type != lo->type)
        return 0;
    if (hi->kind == E_BIN && !ir_type_is_float(hi->type) && !ir_type_is_float(hi->a->type))
        return 0; /* integer arithmetic (a division by zero would trap where it was not evaluated) */
    switch (hi->kind) {
    case E_READ: return read_shifted(s, hi, lo, d);
    case E_INDEX: return 0;
    case E_BIN:
        return hi->op == lo->op && hi->py == lo->py && shifted(s, hi->a, lo->a, d) && shifted(s, hi->b, lo->b, d);
    case E_UN: return hi->op == lo->op && shifted(s, hi->a, lo->a, d);
    case E_CAST: return shifted(s, hi->a, lo->a, d);
    case E_SELECT: return shifted(s, hi->a, lo->a, d) && shifted(s, hi->b, lo->b, d) && shifted(s, hi->cc, lo->cc, d);
    case E_CALL:
        if (hi->fn != lo->fn || hi->nargs != lo->nargs)
            return 0;
        for (int i = 0; i < hi->nargs; i++)
            if (!shifted(s, hi->args[i], lo->args[i], d))
                return 0;
        return 1;
    default: return ir_expr_equal(hi, lo); /* scalars: the same at every point */
    }
}

/* Reads under e (worth carrying: a computation over two reads or more). */
static int reads_under(const ir_expr *e, void *ctx)
{
    if (e->kind == E_READ)
        ++*(int *)ctx;
    return 0;
}

static void subexprs(ir_expr *e, vec *out)
{
    if (!e || ir_expr_is_scalar(e))
        return;
    vec_push(out, e);
    subexprs(e->a, out);
    subexprs(e->b, out);
    subexprs(e->cc, out);
    for (int i = 0; i < e->nargs; i++)
        subexprs(e->args[i], out);
}

static int inside(const ir_expr *e, const ir_expr *root)
{
    if (!root)
        return 0;
    if (e == root)
        return 1;
    if (inside(e, root->a) || inside(e, root->b) || inside(e, root->cc))
        return 1;
    for (int i = 0; i < root->nargs; i++)
        if (inside(e, root->args[i]))
            return 1;
    return 0;
}

/* The pairs of the value that a rolled kernel of L outer dimensions carries, largest first. */
static void find_carries(ir_stmt *s, int L)
{
    ir_sched *h = s->sched;
    h->ncarry = 0;
    if (L < 1 || L > 2)
        return;
    vec all = {0};
    subexprs(s->staged, &all);
    for (int i = 0; i < all.len && h->ncarry < SCHED_MAX_CARRY; i++) {
        ir_expr *x = VEC_AT(all, i, ir_expr *);
        int nr = 0;
        ir_expr_any(x, reads_under, &nr);
        if (nr < 2 || !ir_type_is_float(x->type) || x->kind == E_READ)
            continue;
        int taken = 0;
        for (int c = 0; c < h->ncarry; c++)
            taken |= inside(x, h->carry_hi[c]) || inside(x, h->carry_lo[c]);
        if (taken)
            continue;
        for (int j = 0; j < all.len && h->ncarry < SCHED_MAX_CARRY; j++) {
            ir_expr *y = VEC_AT(all, j, ir_expr *);
            int d = 0;
            while (y != x && d < L && !shifted(s, x, y, d)) /* first: it rejects most pairs at once */
                d++;
            if (y == x || d == L || inside(y, x) || inside(x, y))
                continue;
            int t2 = 0;
            for (int c = 0; c < h->ncarry; c++)
                t2 |= inside(y, h->carry_hi[c]) || inside(y, h->carry_lo[c]) || inside(h->carry_hi[c], y) ||
                      inside(h->carry_lo[c], y);
            if (t2)
                continue;
            h->carry_hi[h->ncarry] = x;
            h->carry_lo[h->ncarry] = y;
            h->carry_dim[h->ncarry++] = d;
            break;
        }
    }
}

/* The offsets of the value's reads of the write back's array A (sched_wb_offset), for the
 * legality of wb_carry: `ok` clears on a read that breaks it. */
typedef struct cctx {
    ir_stmt *s;
    const ir_view *t; /* the write back's target: a view of A */
    int L;            /* outer box dimensions */
    unsigned dims;    /* bit c: a carried dimension */
    int ok;
} cctx;

/* Is offset o (box dimensions 0 .. L) lexicographically below 0 along the outer dimensions
 * (-1), 0 there (0), or above (1)? */
static int outer_sign(const int64_t *o, int L)
{
    for (int d = 0; d < L; d++)
        if (o[d])
            return o[d] < 0 ? -1 : 1;
    return 0;
}

/* Every read of A under e; in_lo: e lies under a carried lower subexpression, which the loop
 * that stores reads from its buffer, not from A. */
static void check_reads(cctx *c, const ir_expr *e, int in_lo)
{
    if (!e)
        return;
    ir_sched *h = c->s->sched;
    for (int k = 0; k < h->ncarry; k++)
        if (e == h->carry_lo[k])
            in_lo = 1;
    if (e->kind == E_READ && e->view->arr->alias_class == c->t->arr->alias_class) {
        int64_t o[IR_MAX_RANK] = {0};
        if (!sched_wb_offset(e->view, c->t, o)) { /* pass_sched_writeback took only such reads */
            c->ok = 0;
            return;
        }
        int sg = outer_sign(o, c->L);
        /* the loop that stores: nothing behind the point, nothing beside it in its row */
        if (!in_lo && (sg < 0 || (sg == 0 && o[c->L] != 0)))
            c->ok = 0;
        /* the loop that computes both: behind the point, not past it along a carried dimension */
        for (int d = 0; sg < 0 && d < c->L; d++)
            if ((c->dims >> d & 1) && o[d] > 0)
                c->ok = 0;
        return;
    }
    check_reads(c, e->a, in_lo);
    check_reads(c, e->b, in_lo);
    check_reads(c, e->cc, in_lo);
    for (int i = 0; i < e->nargs; i++)
        check_reads(c, e->args[i], in_lo);
}

/* A stage's reads of A: after value row r, its rows still to come read A's rows from
 * r + 1 + spread0 + (the read's offset along dimension 0) on, which must be past r. */
typedef struct srows {
    const ir_view *t;
    int64_t spread0;
    int ok;
} srows;

static int stage_read_rows(const ir_expr *e, void *ctx)
{
    srows *g = ctx;
    int64_t o[IR_MAX_RANK] = {0};
    if (e->kind == E_READ && e->view->arr->alias_class == g->t->arr->alias_class &&
        (!sched_wb_offset(e->view, g->t, o) || g->spread0 + o[0] < 0))
        g->ok = 0;
    return 0;
}

/* May the carried loop of s store its write back (sched->wb_carry)? */
static int carry_stores(ir_stmt *s, int L)
{
    ir_sched *h = s->sched;
    if (!h->wb || h->wb_store || !h->ncarry)
        return 0;
    const ir_view *t = h->wb->target;
    /* stage rows computed after value row r read no row at or before r (a stage's row j comes
       just before value row j - spread[0]) */
    for (int k = 0; k < s->stages.len; k++) {
        ir_stage *st = VEC_AT(s->stages, k, ir_stage *);
        srows g = {.t = t, .spread0 = st->spread[0], .ok = 1};
        ir_expr_any(st->fc, stage_read_rows, &g);
        if (!g.ok)
            return 0;
    }
    cctx c = {.s = s, .t = t, .L = L, .ok = 1};
    for (int k = 0; k < h->ncarry; k++)
        c.dims |= 1u << h->carry_dim[k];
    check_reads(&c, s->staged, 0);
    return c.ok;
}

static void block(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        block(&s->body);
        block(&s->orelse);
        if (s->kind != S_SWEEP || !s->sched || !s->sched->roll || s->sched->stream || s->sched->wb_store)
            continue;
        int L = ir_sched_box_rank(s) - 1;
        find_carries(s, L);
        s->sched->wb_carry = carry_stores(s, L);
    }
}

void pass_sched_carry(ir_program *p)
{
    if (!p->sched->cuda)
        block(&p->body);
    p->sched->done |= SCHED_CARRY;
}
