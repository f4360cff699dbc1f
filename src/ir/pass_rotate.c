/* pass_rotate.c: `un = u.copy()` followed by an update of u becomes a buffer hand-over.
 *
 * Requires: IR after pass_inline_temps (before pass_copysem, which recomputes sweep modes).
 * Establishes: an S_ALLOC copy X = Y.copy() at the top level of a block, immediately followed
 * (run-time checks aside) by a sweep S writing a step-1 view V of Y, becomes S_ROTATE:
 *     X takes Y's buffer, Y gets a new buffer (from the pool: usually X's previous one), and
 *     the elements of Y outside V are copied back from X;
 * and S reads X wherever it read Y (X holds exactly Y's values at that point). The copy of the
 * whole array becomes a copy of what S does not overwrite (the boundary ring of an interior
 * update), as a hand-written solver swaps pointers. Only when no other slot may hold Y's
 * buffer (its alias class is Y alone: a name bound to u with `w = u` must keep seeing u's
 * updates), and statements between the copy and S may read X but not touch Y or write X.
 * Before that, a sweep in a loop body that reads its own target at other offsets (an in-place
 * u[1:-1] += f(u[2:], u[:-2])) gets such a copy into a new slot put before it (inplace, below),
 * so it too becomes a rotation instead of a sweep through a scratch box.
 * Breaks: sweep modes (pass_copysem runs after).
 */
#include <string.h>

#include "../util/sym.h"
#include "ir.h"

/* The array an expression reads, or whose shape or element it takes; NULL for others. */
static ir_var *array_of(ir_expr *e)
{
    if (e->kind == E_READ)
        return e->view->arr;
    return e->kind == E_SHAPE || e->kind == E_ELEM ? e->var : NULL;
}

static void count_class(ir_expr *e, ir_var *y, vec *seen)
{
    if (!e)
        return;
    ir_var *v = array_of(e);
    if (v && v != y && v->is_array && v->alias_class == y->alias_class) {
        int found = 0;
        for (int i = 0; i < seen->len; i++)
            found |= seen->items[i] == v;
        if (!found)
            vec_push(seen, v);
    }
    for (int i = 0; i < e->nargs; i++)
        count_class(e->args[i], y, seen);
    count_class(e->a, y, seen);
    count_class(e->b, y, seen);
    count_class(e->cc, y, seen);
}

static void class_block(vec *body, ir_var *y, vec *seen)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        ir_var *vs[4] = {s->var, s->src_slot, s->target ? s->target->arr : NULL, NULL};
        for (int k = 0; s->kind == S_BIND && k < s->n; k++) {
            vs[0] = s->dst[k];
            vs[1] = s->srcs[k];
            for (int j = 0; j < 2; j++)
                if (vs[j] != y && vs[j]->alias_class == y->alias_class)
                    vec_push(seen, vs[j]);
        }
        for (int j = 0; j < 3; j++)
            if (vs[j] && vs[j] != y && vs[j]->is_array && vs[j]->alias_class == y->alias_class)
                vec_push(seen, vs[j]);
        count_class(s->e, y, seen);
        class_block(&s->body, y, seen);
        class_block(&s->orelse, y, seen);
    }
}

/* Number of other slots in Y's alias class anywhere in the program. */
static int class_size(vec *body, ir_var *y)
{
    vec seen = {0};
    class_block(body, y, &seen);
    return seen.len;
}

/* The mentions class_block finds, counted once for all slots (scanning the program for each copy
 * made the pass quadratic in the number of statements): in[c] the mentions of slots of alias
 * class c, own[v] those of slot v, so that some other slot of Y's class is mentioned iff
 * in[class of Y] > own[Y]. Each statement the pass changes is taken out before and put back
 * after. Slots made by the pass (id >= n) have classes of their own and are not counted. */
typedef struct counts {
    int n;
    int *in, *own;
} counts;

static void count_var(counts *c, ir_var *v, int sign)
{
    if (!v || v->id >= c->n || v->alias_class >= c->n)
        return;
    c->own[v->id] += sign;
    c->in[v->alias_class] += sign;
}

static void count_expr(counts *c, ir_expr *e, int sign)
{
    if (!e)
        return;
    ir_var *v = array_of(e);
    if (v && v->is_array)
        count_var(c, v, sign);
    for (int i = 0; i < e->nargs; i++)
        count_expr(c, e->args[i], sign);
    count_expr(c, e->a, sign);
    count_expr(c, e->b, sign);
    count_expr(c, e->cc, sign);
}

/* class_block's mentions in s */
static void count_stmt(counts *c, ir_stmt *s, int sign)
{
    ir_var *vs[3] = {s->var, s->src_slot, s->target ? s->target->arr : NULL};
    for (int k = 0; s->kind == S_BIND && k < s->n; k++) {
        vs[0] = s->dst[k];
        vs[1] = s->srcs[k];
        count_var(c, vs[0], sign);
        count_var(c, vs[1], sign);
    }
    for (int j = 0; j < 3; j++)
        if (vs[j] && vs[j]->is_array)
            count_var(c, vs[j], sign);
    count_expr(c, s->e, sign);
    for (int i = 0; i < s->body.len; i++)
        count_stmt(c, VEC_AT(s->body, i, ir_stmt *), sign);
    for (int i = 0; i < s->orelse.len; i++)
        count_stmt(c, VEC_AT(s->orelse, i, ir_stmt *), sign);
}

static counts *counts_of(ir_program *p)
{
    counts *c = NEW(counts);
    c->n = p->nvars;
    c->in = NEWN(int, c->n + 1);
    c->own = NEWN(int, c->n + 1);
    for (int i = 0; i < p->body.len; i++)
        count_stmt(c, VEC_AT(p->body, i, ir_stmt *), 1);
    return c;
}

/* Is another slot of Y's alias class mentioned in the program (class_size(y) != 0)? */
static int class_shared(ir_program *p, counts *c, ir_var *y)
{
    if (y->id >= c->n || y->alias_class >= c->n)
        return class_size(&p->body, y) != 0;
#ifdef ROTATE_CHECK_COUNTS
    if ((class_size(&p->body, y) != 0) != (c->in[y->alias_class] > c->own[y->id]))
        INTERNAL("pass_rotate: counts of %s", y->name);
#endif
    return c->in[y->alias_class] > c->own[y->id];
}

/* Reads of Y in e (views and single elements) become reads of X. */
static void redirect(ir_expr *e, ir_var *y, ir_var *x)
{
    if (!e)
        return;
    if (e->kind == E_ELEM && e->var == y)
        e->var = x;
    if (e->kind == E_READ && e->view->arr == y) {
        ir_view *v = ir_view_clone(e->view);
        v->arr = x;
        e->view = v;
    }
    for (int i = 0; i < e->nargs; i++)
        redirect(e->args[i], y, x);
    redirect(e->a, y, x);
    redirect(e->b, y, x);
    redirect(e->cc, y, x);
}



/* Does s write slot v (or, with reads, read it too)? Nested statements count. */
static int stmt_mentions(ir_stmt *s, ir_var *v, int reads)
{
    if ((s->var == v && s->kind != S_REDUCE && s->kind != S_ASSIGN) || (s->target && s->target->arr == v))
        return 1;
    for (int k = 0; s->kind == S_BIND && k < s->n; k++)
        if (s->dst[k] == v || (reads && s->srcs[k] == v))
            return 1;
    if (reads) {
        if (s->src_slot == v || ir_expr_reads_slot(s->e, v) || ir_expr_reads_slot(s->e2, v) || ir_expr_reads_slot(s->e3, v))
            return 1;
        for (int k = 0; (s->kind == S_PRINT || s->kind == S_SETELEM) && k < s->n; k++)
            if ((s->kind != S_PRINT || IR_PRINT_EXPR(s, k)) && ir_expr_reads_slot(s->args[k], v))
                return 1;
        for (int k = 0; s->kind == S_PRINT && k < s->n; k++)
            if (ir_print_slot(s, k) == v)
                return 1;
        if (s->kind == S_SAVE && s->var == v)
            return 1;
    }
    for (int i = 0; i < s->body.len; i++)
        if (stmt_mentions(VEC_AT(s->body, i, ir_stmt *), v, reads))
            return 1;
    for (int i = 0; i < s->orelse.len; i++)
        if (stmt_mentions(VEC_AT(s->orelse, i, ir_stmt *), v, reads))
            return 1;
    return 0;
}

/* ---- a ring rewritten before it is read -----------------------------------------------------
 *
 * The rotation copies Y's elements outside V (the ring around an interior update) from X. When
 * the statements after V's sweep, in the same block, write the whole ring again before anything
 * reads Y (Burgers' and most solvers' boundary conditions: u[0, :] = 1, u[-1, :] = 1, u[:, 0] =
 * 1, u[:, -1] = 1 after u[1:-1, 1:-1] = ...), that copy is dead: S_ROTATE's ring_rewritten
 * lets the run time skip it (tyl_rotate_rewritten). Along each dimension d, V leaves a ring of
 * constant widths (clo indices from the start, chi from the end), and the complement of V lies
 * in the union over d of the slabs {x_d in the ring}; a write covers a slab when it is whole
 * along every other dimension (0 to the extent, step 1) and its index or range along d is a
 * constant from the start or from the end. Clamping at run time (a grid smaller than its ring)
 * drops only indices that do not exist, on both sides, so the test holds at every size. Only
 * plain statements count in between (no loop, branch, break or renaming), and none may read or
 * write Y except the covering sweeps, which must not read Y either. */
enum { RING_MAX = 16 };

/* Is dimension m of a write the whole extent (0 to aext, step 1)? */
static int whole_dim(const ir_dim *m)
{
    int64_t c;
    return m->kind == D_RANGE && m->step_c == 1 && !m->wrap && m->slo && m->slen && m->aext &&
           sym_is_const(m->slo, &c) && c == 0 && sym_equal(m->slen, m->aext);
}

/* The indices along a dimension that dimension m of a write covers: bit k of *lo index k, of
 * *hi index aext - 1 - k. */
static void slab_bits(const ir_dim *m, unsigned *lo, unsigned *hi)
{
    int64_t a, n;
    if (!m->slo || !m->aext)
        return;
    if (m->kind == D_FIXED)
        n = 1;
    else if (!(m->kind == D_RANGE && m->step_c == 1 && !m->wrap && m->slen && sym_is_const(m->slen, &n)))
        return;
    if (sym_is_const(m->slo, &a)) {
        for (int64_t k = a; k < a + n; k++)
            if (k >= 0 && k < RING_MAX)
                *lo |= 1u << k;
    } else if (sym_is_const(sym_sub(m->aext, m->slo), &a)) {
        for (int64_t k = a - n; k < a; k++)
            if (k >= 0 && k < RING_MAX)
                *hi |= 1u << k;
    }
}

/* Do the statements after body[j], the sweep writing v (of Y), write all of Y outside v before
 * anything reads Y? */
static int ring_rewritten(vec *body, int j, const ir_view *v)
{
    ir_var *y = v->arr;
    unsigned need_lo[IR_MAX_RANK], need_hi[IR_MAX_RANK], lo[IR_MAX_RANK] = {0}, hi[IR_MAX_RANK] = {0};
    for (int d = 0; d < v->rank; d++) {
        const ir_dim *m = &v->dim[d];
        int64_t clo, chi;
        if (m->kind != D_RANGE || m->step_c != 1 || m->wrap || !m->slo || !m->slen || !m->aext ||
            !sym_is_const(m->slo, &clo) || !sym_is_const(sym_sub(m->aext, sym_add(m->slo, m->slen)), &chi) ||
            clo < 0 || chi < 0 || clo >= RING_MAX || chi >= RING_MAX)
            return 0;
        need_lo[d] = (1u << clo) - 1;
        need_hi[d] = (1u << chi) - 1;
    }
    for (int k = j + 1; k < body->len; k++) {
        int done = 1;
        for (int d = 0; d < v->rank; d++)
            done &= (lo[d] & need_lo[d]) == need_lo[d] && (hi[d] & need_hi[d]) == need_hi[d];
        if (done)
            return 1;
        ir_stmt *n = VEC_AT(*body, k, ir_stmt *);
        if (!(n->kind == S_SWEEP || n->kind == S_ASSIGN || n->kind == S_CHECK || n->kind == S_SETELEM ||
              n->kind == S_ALLOC || n->kind == S_ROTATE || n->kind == S_REDUCE) ||
            n->body.len || n->orelse.len)
            return 0;
        if (n->kind == S_CHECK || !stmt_mentions(n, y, 1))
            continue;
        if (n->kind != S_SWEEP || n->target->arr != y || ir_expr_reads_slot(n->e, y) || n->target->rank != v->rank)
            return 0;
        int slab = -1, whole = 0;
        for (int d = 0; d < v->rank; d++)
            if (whole_dim(&n->target->dim[d]))
                whole++;
            else
                slab = d;
        if (whole == v->rank)
            return 1;
        if (whole == v->rank - 1)
            slab_bits(&n->target->dim[slab], &lo[slab], &hi[slab]);
    }
    int done = 1;
    for (int d = 0; d < v->rank; d++)
        done &= (lo[d] & need_lo[d]) == need_lo[d] && (hi[d] & need_hi[d]) == need_hi[d];
    return done;
}

static void block(ir_program *p, counts *cn, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        block(p, cn, &s->body);
        block(p, cn, &s->orelse);
        if (s->kind != S_ALLOC || s->init != 3)
            continue;
        ir_var *x = s->var, *y = s->src_slot;
        if (x == y)
            continue;
        /* statements before the update of Y may read X (it equals Y) but not touch Y */
        int j = i + 1;
        while (j < body->len) {
            ir_stmt *n = VEC_AT(*body, j, ir_stmt *);
            if (n->kind == S_CHECK || (!stmt_mentions(n, y, 1) && !stmt_mentions(n, x, 0))) {
                j++;
                continue;
            }
            break;
        }
        if (j >= body->len)
            continue;
        ir_stmt *w = VEC_AT(*body, j, ir_stmt *);
        if (w->kind != S_SWEEP || w->target->arr != y || w->fresh)
            continue;
        int ok = 1;
        for (int d = 0; d < w->target->rank && ok; d++)
            ok = w->target->dim[d].kind == D_FIXED || w->target->dim[d].step_c == 1;
        if (!ok || class_shared(p, cn, y))
            continue;
        /* the sweep's value sees X where it saw Y */
        count_stmt(cn, s, -1);
        count_stmt(cn, w, -1);
        redirect(w->e, y, x);
        s->kind = S_ROTATE;
        s->target = w->target;
        s->ring_rewritten = ring_rewritten(body, j, w->target);
        count_stmt(cn, s, 1);
        count_stmt(cn, w, 1);
    }
}

/* ---- in-place updates in a time loop ------------------------------------------------------
 *
 * A sweep in a loop body that reads its own target Y at other offsets (u[1:-1] += nu * (u[2:] -
 * 2 * u[1:-1] + u[:-2])) would compute into a scratch box copied back after (pass_copysem's
 * M_BUFFERED): NumPy evaluates the whole right-hand side first. Such a sweep is the hand-over
 * above with the copy left implicit, so a copy X = Y.copy() is put before it, which block()
 * turns into the rotation: the sweep reads X (Y's values before the statement, all of them:
 * bitwise NumPy's order) and writes Y's new buffer in place, and only the elements outside its
 * view are copied. That moves two streams a step instead of four, and leaves the loop body
 * written in place, which pass_sched_timetile can tile (a buffered sweep keeps a loop step by
 * step: each tile would need the rows the previous tile overwrote). Only in the bodies of loops
 * whose statements are all of the kinds a time-tiled loop holds (sweeps, copies, renamings,
 * scalars, checks; element stores, which pass_elems makes one-point sweeps), where Y is alone
 * in its alias class (block() checks it again), and where the update covers all of Y but a
 * ring of constant width along every dimension (u[1:-1], u[1:]): the rotation copies what it
 * leaves, so a row or a ghost slab (u[0, :] = u[-2, :], periodic copies pass_dist reads as
 * such) keeps its scratch box. One X per Y and body. */

static int reads_other(const ir_expr *e, ir_view *t)
{
    if (!e)
        return 0;
    if (e->kind == E_READ && e->view->arr == t->arr) {
        ir_expr et = {.kind = E_READ, .type = t->arr->type, .view = t};
        return !ir_expr_equal(e, &et) && !ir_views_disjoint(e->view, t);
    }
    for (int i = 0; i < e->nargs; i++)
        if (reads_other(e->args[i], t))
            return 1;
    return reads_other(e->a, t) || reads_other(e->b, t) || reads_other(e->cc, t);
}

static int candidate_body(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (!(s->kind == S_SWEEP || s->kind == S_BIND || s->kind == S_ASSIGN || s->kind == S_CHECK ||
              s->kind == S_SETELEM || (s->kind == S_ALLOC && s->init == 3)))
            return 0;
    }
    return 1;
}

/* loop: body is a loop's own list */
static void inplace(ir_program *p, counts *cn, vec *body, int loop)
{
    vec xs = {0}, ys = {0}; /* the copies made in this body: X per Y */
    int cand = loop && candidate_body(body);
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        inplace(p, cn, &s->body, s->kind == S_FOR || s->kind == S_WHILE);
        inplace(p, cn, &s->orelse, 0);
        if (!cand || s->kind != S_SWEEP || s->fresh || !reads_other(s->e, s->target))
            continue;
        ir_var *y = s->target->arr, *x = NULL;
        int ok = 1;
        for (int d = 0; d < s->target->rank && ok; d++) { /* all but a ring of constant width */
            ir_dim *m = &s->target->dim[d];
            int64_t k;
            ok = m->kind == D_RANGE && m->step_c == 1 && m->slen && m->aext && sym_is_const(sym_sub(m->aext, m->slen), &k);
        }
        if (!ok || class_shared(p, cn, y))
            continue;
        for (int k = 0; k < ys.len; k++)
            if (VEC_AT(ys, k, ir_var *) == y)
                x = VEC_AT(xs, k, ir_var *);
        if (!x) {
            x = ir_var_new(p, arena_printf(&util_arena, "%s_prev%d", y->name, p->nvars), y->pyname, y->type, y->rank, 1);
            vec_push(&xs, x);
            vec_push(&ys, y);
        }
        ir_stmt *c = ir_stmt_new(S_ALLOC, s->l);
        c->var = x;
        c->shape = NEWN(ir_expr *, y->rank);
        for (int d = 0; d < y->rank; d++)
            c->shape[d] = ir_shape(s->l, y, d);
        c->init = 3;
        c->src_slot = y;
        vec_push(body, NULL);
        memmove(&body->items[i + 1], &body->items[i], sizeof body->items[0] * (size_t)(body->len - 1 - i));
        body->items[i] = c;
        count_stmt(cn, c, 1);
        i++;
    }
}

void pass_rotate(ir_program *p)
{
    ir_alias_classes(p);
    counts *cn = counts_of(p);
    inplace(p, cn, &p->body, 0);
    block(p, cn, &p->body);
}
