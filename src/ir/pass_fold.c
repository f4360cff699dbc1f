/* pass_fold.c: comparisons that the passes made of an extent with itself are constants.
 *
 * The lowering compares what it cannot decide at compile time: `rng.choice(n, p=p)` checks
 * n != p.shape[0] when p's extent is not a constant. A later pass may rewrite both sides into
 * one expression (pass_inline_temps replaces the extent of an inlined temporary by the extent it
 * was allocated with: p = x / x.sum() of an x of n items makes the check n != n). The C would
 * then hold a self-comparison, which gcc's -Wtautological-compare rejects under -Werror and
 * which says nothing to a reader. No single lowering can see this coming, so the folding is
 * done here, right after pass_inline_temps, before the passes that decide from the reads of
 * the sweeps (distribution, halos, fusion, the schedule) see the reads a folded select drops.
 *
 * Folded: a comparison (OP_CLT .. OP_CNE) of two structurally equal (ir_expr_equal) integer or
 * bool operands built only of constants, scalars and extents, optionally cast: evaluating them
 * has no effect (no overflow check, no element read, no call), so a == a, a <= a, a >= a are
 * true and a != a, a < a, a > a false. Then the short-circuit operators with a constant on
 * the side that decides without the other (false && x, true || x: x is not evaluated in
 * Python either) or that is neutral (true && x, x && true, false || x, x || false is x). A float
 * comparison is never folded (x != x is NumPy's NaN test). An S_RAISE whose condition became
 * false is removed; other statements keep their (now constant) conditions.
 *
 * Also folded: a select (`a if c else b`, np.where of a scalar c) whose condition is a constant
 * is the branch it takes; the other is not evaluated (a sweep no longer reads its arrays).
 *
 * Requires: pass_inline_temps has run (the only pass that substitutes one expression for
 * another in scalar code; ir_verify checks after every later pass that none made a new
 * self-comparison). Establishes: no folded-form comparison (above) in any statement's
 * expressions or views (p->folded), no select of a constant condition, no S_RAISE of a constant
 * false condition. Breaks: nothing.
 */
#include "ir.h"

/* Built only of constants, scalars and extents (casts of them): evaluating it does nothing. */
static int plain(const ir_expr *e)
{
    switch (e->kind) {
    case E_CONST:
    case E_VAR:
    case E_SHAPE: return 1;
    case E_CAST: return plain(e->a);
    default: return 0;
    }
}

static int is_cmp(ir_op op) { return op >= OP_CLT && op <= OP_CNE; }

/* Is e a comparison of an operand with itself that this pass folds? Its value in *v. */
int ir_fold_selfcmp(const ir_expr *e, int *v)
{
    if (e->kind != E_BIN || !is_cmp(e->op) || ir_type_is_float(e->a->type) || ir_type_is_float(e->b->type) ||
        !plain(e->a) || !plain(e->b) || !ir_expr_equal(e->a, e->b))
        return 0;
    *v = e->op == OP_CEQ || e->op == OP_CLE || e->op == OP_CGE;
    return 1;
}

static int const_bool(const ir_expr *e, int *v)
{
    int64_t k;
    if (e->type != T_BOOL || !ir_expr_const_int(e, &k))
        return 0;
    *v = k != 0;
    return 1;
}

static ir_expr *fold(ir_expr *e);

/* v with the expressions of its dimensions folded (a clone when any changed). */
static ir_view *fold_view(ir_view *v)
{
    if (!v)
        return v;
    ir_view *n = v;
    for (int d = 0; d < v->rank; d++) {
        ir_dim *m = &v->dim[d];
        ir_expr *lo = fold(m->lo), *len = fold(m->len), *step = fold(m->step), *wrap = fold(m->wrap);
        if (lo == m->lo && len == m->len && step == m->step && wrap == m->wrap)
            continue;
        if (n == v)
            n = ir_view_clone(v);
        n->dim[d].lo = lo;
        n->dim[d].len = len;
        n->dim[d].step = step;
        n->dim[d].wrap = wrap;
    }
    return n;
}

/* e with its foldable comparisons folded (copy on write: e itself when nothing changed). */
static ir_expr *fold(ir_expr *e)
{
    if (!e)
        return e;
    if (e->kind == E_READ) {
        ir_view *v = fold_view(e->view);
        return v == e->view ? e : ir_read(e->l, v);
    }
    ir_expr *a = fold(e->a), *b = fold(e->b), *cc = fold(e->cc);
    ir_expr **args = e->args;
    for (int i = 0; i < e->nargs; i++) {
        ir_expr *x = fold(e->args[i]);
        if (x != e->args[i])
            args = ir_args_cow(e, args, i, x);
    }
    e = ir_expr_rebuilt(e, a, b, cc, args);
    int v, w;
    if (ir_fold_selfcmp(e, &v))
        return ir_const_i(e->l, T_BOOL, v);
    if (e->kind == E_SELECT && const_bool(e->a, &v)) /* the branch not taken is not evaluated */
        return v ? e->b : e->cc;
    if (e->kind == E_BIN && (e->op == OP_LAND || e->op == OP_LOR)) {
        int absorb = e->op == OP_LOR; /* the value that decides: true for or, false for and */
        if (const_bool(e->a, &v))
            return v == absorb ? ir_const_i(e->l, T_BOOL, v) : e->b;
        if (const_bool(e->b, &w) && w != absorb)
            return e->a;
    }
    return e;
}

static void fold_block(vec *b)
{
    int out = 0;
    for (int i = 0; i < b->len; i++) {
        ir_stmt *s = VEC_AT(*b, i, ir_stmt *);
        s->e = fold(s->e);
        s->e2 = fold(s->e2);
        s->e3 = fold(s->e3);
        s->target = fold_view(s->target);
        s->eview = fold_view(s->eview);
        for (int k = 0; s->kind == S_PRINT && s->pviews && k < s->n; k++)
            s->pviews[k] = fold_view(s->pviews[k]);
        for (int k = 0; (s->kind == S_ALLOC || s->kind == S_REDUCE) && s->shape && k < (s->kind == S_ALLOC ? s->var->rank : s->n); k++)
            s->shape[k] = fold(s->shape[k]);
        if (s->kind == S_SETELEM || s->kind == S_CHECK)
            for (int k = 0; s->args && k < (s->kind == S_CHECK ? s->na + s->nb : s->n); k++)
                s->args[k] = fold(s->args[k]);
        if (s->kind == S_PRINT)
            for (int k = 0; k < s->n; k++)
                if (IR_PRINT_EXPR(s, k))
                    s->args[k] = fold(s->args[k]);
        fold_block(&s->body);
        fold_block(&s->orelse);
        int v;
        if (s->kind == S_RAISE && !s->init && const_bool(s->e, &v) && !v)
            continue; /* never raised */
        b->items[out++] = s;
    }
    b->len = out;
}

void pass_fold(ir_program *p)
{
    fold_block(&p->body);
    p->folded = 1;
}
