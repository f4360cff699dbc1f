/* lower_reduce.c: NumPy's reductions: sum, mean, max, min, any, all and norm of a whole array
 * (also of a boolean selection a[m]), along an axis or a tuple of axes (keepdims=), with NumPy's
 * pairwise summation where it decides the rounding; and cumsum and diff, which walk one axis.
 * Requires: arguments lowered and matched (lower_numpy.c dispatches np.sum, a.sum(), ...).
 * Establishes: a reduction is an S_REDUCE into a new scalar or a new array, or a diagnostic. */

#include "lower_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static value *reduce(lctx *c, loc l, const char *kind, value *x);
static value *reduce_sel(lctx *c, loc l, const char *kind, value *x, int sel);
static value *reduce_axis(lctx *c, loc l, const char *kind, value *x, int axis, int keepdims);
static value *reduce_args(lctx *c, loc l, const char *kind, const char *fname, value **v);

/* sum, max, min, mean, norm of a whole array: an S_REDUCE into a new scalar. */

/* The element a reduction of kind max (mx), min (mn) or sum leaves unchanged, of type t; a float
 * sum's is fzero (+0.0, or -0.0 where x + -0.0 must stay x for x = -0.0). */
static ir_expr *neutral_fill(loc l, ir_type t, int mx, int mn, double fzero)
{
    if (!mx && !mn)
        return ir_type_is_float(t) ? ir_const_f(l, t, fzero) : ir_const_i(l, t, 0);
    if (ir_type_is_float(t))
        return ir_const_f(l, t, mx ? -INFINITY : INFINITY);
    if (t == T_BOOL)
        return ir_const_i(l, t, mx ? 0 : 1);
    return ir_const_i(l, t, t == T_I32 ? (mx ? INT32_MIN : INT32_MAX) : (mx ? INT64_MIN : INT64_MAX));
}

/* A reduction of a[m]: the unselected elements are the reduction's identity (0 for sums, -inf
 * or the type's least value for max, ...), and max/min of an empty selection is NumPy's error;
 * mean divides by the number selected (0/0 is nan, as NumPy's mean of an empty array). */
static value *reduce_masked(lctx *c, loc l, const char *kind, value *x)
{
    int mx = strcmp(kind, "max") == 0 || strcmp(kind, "amax") == 0;
    int mn = strcmp(kind, "min") == 0 || strcmp(kind, "amin") == 0;
    int mean = strcmp(kind, "mean") == 0;
    ir_type t = x->self->type;
    ir_expr *fill = neutral_fill(l, t, mx, mn, 0.0);
    value *w = lw_where3(c, l, x->mask, x->self, lw_scalar(l, fill, 0));
    if (w->kind == V_ERR)
        return &lw_ERRV;
    /* NumPy sums the compressed a[m], whose pairwise tree is not that of the whole array */
    value *r = reduce_sel(c, l, mean ? "sum" : kind, w, !(mx || mn) && ir_type_is_float(t));
    if (!(mx || mn || mean) || r->kind == V_ERR)
        return r;
    value *count = reduce(c, l, "sum", x->mask);
    if (count->kind == V_ERR)
        return &lw_ERRV;
    if (mean) {
        ir_type acc = t == T_F32 ? T_F32 : T_F64;
        return lw_scalar(l, ir_bin(l, OP_TRUEDIV, acc, ir_cast(l, acc, r->e), ir_cast(l, acc, count->e), 0), 0);
    }
    ir_expr **args = NEWN(ir_expr *, 3);
    args[0] = count->e;
    args[1] = r->e;
    args[2] = lw_I64(l, mx);
    return lw_scalar(l, ir_call(l, FN_NONEMPTY, r->type, 3, args), 0);
}
static value *reduce(lctx *c, loc l, const char *kind, value *x) { return reduce_sel(c, l, kind, x, 0); }

/* F[m].sum(axis=0) / mean / max / min, m a 1-D mask of F's rows (k-means centroids
 * points[labels == j].mean(axis=0)): NumPy reduces the (count, ...) selection along its first
 * axis, adding row after row into each column (not pairwise); here F's rows with the unselected
 * ones replaced by the reduction's neutral element (-0.0 for a float sum: x + -0.0 is x, even for
 * x = -0.0), reduced along axis 0 in order. No row: a sum is 0 (of NumPy's +0.0 identity), a mean
 * 0 / 0 (nan), a max or min NumPy's ValueError. */
static value *masked_rows_axis0(lctx *c, loc l, const char *kind, value *x)
{
    int mx = strcmp(kind, "max") == 0 || strcmp(kind, "amax") == 0;
    int mn = strcmp(kind, "min") == 0 || strcmp(kind, "amin") == 0;
    int mean = strcmp(kind, "mean") == 0;
    value *src = x->self;
    ir_type t = src->type;
    if (mean && !ir_type_is_float(t)) { /* NumPy's mean of integers adds them as float64 */
        value *f = lw_vnew(V_ARRAY, l);
        *f = *src;
        f->fresh = NULL;
        f->e = ir_cast(l, T_F64, src->e);
        f->type = t = T_F64;
        src = f;
    }
    ir_expr *fill = neutral_fill(l, t, mx, mn, -0.0);
    /* x->mask is the row mask repeated along the other axes (F's shape) */
    value *w = lw_where3(c, l, x->mask, src, lw_scalar(l, fill, 0));
    if (w->kind == V_ERR)
        return &lw_ERRV;
    value *r = reduce_axis(c, l, mean ? "sum" : kind, w, 0, 0);
    value *rows = x->mask; /* the rows selected: the mask's first column */
    while (r->kind != V_ERR && rows->kind == V_ARRAY && rows->rank > 1)
        rows = lw_fix_axis(c, l, rows, rows->rank - 1, lw_I64(l, 0));
    value *count = r->kind == V_ERR || rows->kind == V_ERR ? &lw_ERRV : reduce(c, l, "sum", rows);
    if (count->kind == V_ERR)
        return &lw_ERRV;
    ir_expr *none = ir_bin(l, OP_CEQ, T_BOOL, count->e, lw_I64(l, 0), 0);
    if (mx || mn) {
        lw_emit_raise(c, l, none, arena_printf(&util_arena, "ValueError: zero-size array to reduction operation "
                                               "%s which has no identity", mx ? "maximum" : "minimum"));
        return r;
    }
    value *o = lw_vnew(V_ARRAY, l);
    *o = *r;
    o->fresh = NULL;
    if (mean) {
        ir_type acc = t == T_F32 ? T_F32 : T_F64;
        o->e = ir_bin(l, OP_TRUEDIV, acc, ir_cast(l, acc, r->e), ir_cast(l, acc, count->e), 0);
        o->type = acc;
    } else if (ir_type_is_float(t))
        o->e = ir_select(l, t, none, ir_const_f(l, t, 0.0), r->e);
    else
        return r;
    return lw_copy_of(c, l, o);
}

/* np.any / np.all of a whole array x: the true (any) or false (all) elements counted, so that
 * an empty array gives False and True as NumPy's do, where a max or min of bools (as they were)
 * is NumPy's error for no element. */
static value *any_all_whole(lctx *c, loc l, int any, value *x)
{
    value *b = lw_vnew(V_ARRAY, l);
    *b = *x;
    b->e = ir_cast(l, T_BOOL, x->e);
    if (!any)
        b->e = ir_un(l, OP_LNOT, T_BOOL, b->e);
    b->type = T_BOOL;
    b->fresh = NULL;
    value *r = reduce(c, l, "sum", b);
    if (r->kind == V_ERR)
        return r;
    r->e = ir_bin(l, any ? OP_CNE : OP_CEQ, T_BOOL, r->e, lw_I64(l, 0), 0);
    r->type = T_BOOL;
    return r;
}

/* sel: x is where(m, a, 0) of a float selection a[m], summed as NumPy sums a[m] (S_REDUCE). */
static value *reduce_sel(lctx *c, loc l, const char *kind, value *x, int sel)
{
    if (x->kind == V_ERR)
        return &lw_ERRV;
    if (x->kind == V_MASKED && lw_argwhere_refused(x))
        return &lw_ERRV;
    if (x->kind == V_MASKED && strcmp(kind, "norm") != 0)
        return reduce_masked(c, l, kind, x);
    if (x->kind != V_SCALAR && x->kind != V_ARRAY) {
        diag_error(x->l, "%s() of %s is not supported%s", kind, lw_vkind_desc(x), lw_opt_array_hint(x));
        return &lw_ERRV;
    }
    int sum = strcmp(kind, "sum") == 0, mean = strcmp(kind, "mean") == 0, norm = strcmp(kind, "norm") == 0;
    int mx = strcmp(kind, "max") == 0 || strcmp(kind, "amax") == 0;
    ir_type t = x->type, acc;
    if (sum) /* NumPy sums the unsigned integers in uint64, the others in int64 */
        acc = ir_type_is_float(t) ? t : ir_type_is_unsigned(t) ? T_U64 : T_I64;
    else if (mean || norm)
        acc = t == T_F32 ? T_F32 : T_F64;
    else
        acc = lw_narrow_int(t) ? T_I64 : t; /* exact in int64 (uint64 in itself), converted back below */
    ir_expr *v = ir_cast(l, acc, x->e);
    if (norm)
        v = ir_bin(l, OP_MUL, acc, v, v, 0);
    if (x->kind == V_SCALAR) {
        if (norm) {
            ir_expr **args = NEWN(ir_expr *, 1);
            args[0] = v;
            return lw_scalar(l, ir_call(l, FN_SQRT, acc, 1, args), 0);
        }
        return lw_scalar(l, v, 0);
    }
    ir_var *r = lw_temp_scalar(c, acc);
    ir_stmt *s = ir_stmt_new(S_REDUCE, l);
    s->var = r;
    s->op = (sum || mean || norm) ? OP_ADD : mx ? OP_NPMAX : OP_NPMIN;
    s->e = v;
    s->sel = sel && x->kind == V_ARRAY && v->kind == E_SELECT;
    s->cast = c->red_cast > 0 && s->op == OP_ADD && ir_type_is_float(acc);
    s->n = x->rank;
    s->shape = NEWN(ir_expr *, x->rank);
    for (int d = 0; d < x->rank; d++)
        s->shape[d] = x->len[d];
    lw_emit(c, s);
    ir_expr *res = ir_varref(l, r);
    if (mean) {
        ir_expr *n = x->len[0];
        for (int d = 1; d < x->rank; d++)
            n = ir_bin(l, OP_MUL, T_I64, n, x->len[d], 0);
        res = ir_bin(l, OP_TRUEDIV, acc, res, ir_cast(l, acc, n), 0);
    }
    if (norm) {
        ir_expr **args = NEWN(ir_expr *, 1);
        args[0] = res;
        res = ir_call(l, FN_SQRT, acc, 1, args);
    }
    if (!sum && !mean && !norm)
        res = ir_cast(l, t, res);
    return lw_scalar(l, res, 0);
}


/* r (rank n) read as rank n + 1 with an extent-1 dimension at axis (keepdims=True), computed
 * into a new array. */
static value *insert_axis(lctx *c, loc l, value *r, int axis)
{
    if (r->e->kind != E_READ || lw_view_has_wrap(r->e->view))
        r = lw_materialize(c, r);
    ir_view *v = ir_view_clone(r->e->view);
    value *k = lw_vnew(V_ARRAY, l);
    k->type = r->type;
    k->rank = r->rank + 1;
    for (int p = 0, q = 0; p < k->rank; p++) {
        if (p == axis) {
            k->sh[p] = sym_const(1);
            k->len[p] = lw_I64(l, 1);
            continue;
        }
        k->sh[p] = r->sh[q];
        k->len[p] = r->len[q++];
    }
    for (int d = 0; d < v->rank; d++)
        if (v->dim[d].kind == D_RANGE && v->dim[d].box >= axis)
            v->dim[d].box++;
    k->e = ir_read(l, v);
    return lw_materialize(c, k);
}


/* NumPy's pairwise sum (pairwise_sum in numpy/_core/src/umath/loops_utils.h.src) of x's slices
 * lo..lo+n along axis, as an expression in acc: one kernel reading every point of a row, which
 * pays for rows up to PW_MAX_TREE points; longer rows known when compiling up to PW_MAX_ROWS
 * are loops over the row (pw_rows: code that does not grow with the row, where a tree of 128
 * reads was one kernel of 128 operands that gcc -O3 took seconds to compile), longer ones a sum
 * per row (rows_exact). */
enum { PW_MAX_TREE = 32, PW_MAX_ROWS = 256 };
static ir_expr *pw_tree(lctx *c, loc l, value *x, int axis, ir_type acc, int64_t lo, int64_t n)
{
#define PW_ITEM(k) ir_cast(l, acc, lw_fix_axis(c, l, x, axis, lw_I64(l, (k)))->e)
    if (n < 8) {
        ir_expr *r = ir_const_f(l, acc, 0.0);
        for (int64_t i = 0; i < n; i++)
            r = ir_bin(l, OP_ADD, acc, r, PW_ITEM(lo + i), 0);
        return r;
    }
    if (n <= 128) {
        ir_expr *p[8];
        for (int j = 0; j < 8; j++)
            p[j] = PW_ITEM(lo + j);
        int64_t i;
        for (i = 8; i < n - n % 8; i += 8)
            for (int j = 0; j < 8; j++)
                p[j] = ir_bin(l, OP_ADD, acc, p[j], PW_ITEM(lo + i + j), 0);
        ir_expr *r = ir_bin(l, OP_ADD, acc,
                            ir_bin(l, OP_ADD, acc, ir_bin(l, OP_ADD, acc, p[0], p[1], 0),
                                   ir_bin(l, OP_ADD, acc, p[2], p[3], 0), 0),
                            ir_bin(l, OP_ADD, acc, ir_bin(l, OP_ADD, acc, p[4], p[5], 0),
                                   ir_bin(l, OP_ADD, acc, p[6], p[7], 0), 0), 0);
        for (; i < n; i++)
            r = ir_bin(l, OP_ADD, acc, r, PW_ITEM(lo + i), 0);
        return r;
    }
    int64_t n2 = n / 2;
    n2 -= n2 % 8;
    return ir_bin(l, OP_ADD, acc, pw_tree(c, l, x, axis, acc, lo, n2), pw_tree(c, l, x, axis, acc, lo + n2, n - n2), 0);
#undef PW_ITEM
}

/* The value dimension of x (a read) NumPy's reduction loops over innermost: the one with the
 * smallest stride, the view's range dimension on the array's last axis among them (not the last
 * of a transposed view). */
static int inner_axis(value *x)
{
    ir_view *v = x->e->view;
    for (int d = v->rank - 1; d >= 0; d--)
        if (v->dim[d].kind == D_RANGE)
            return v->dim[d].box;
    return -1;
}

static ir_expr *round8(loc l, ir_expr *n) /* n - n % 8 */
{
    return lw_imul(l, ir_bin(l, OP_FDIV, T_I64, n, lw_I64(l, 8), 1), lw_I64(l, 8));
}

/* NumPy sums a float array's rows along the LAST axis with pairwise_sum (docs/PASSES.md
 * "Reductions"); for 8 <= n <= 128 points that is eight accumulators over the slices j, j + 8, ...
 * up to the last multiple of 8, combined ((a0+a1)+(a2+a3))+((a4+a5)+(a6+a7)), then the remaining
 * slices in order: here eight arrays and one sweep per slice, of the slices lo..lo+n, for rows
 * whose length n is known only at run time or is longer than PW_MAX_TREE (pw_tree is the same
 * sum as one sweep), so every row is NumPy's to the bit; the rest is one sweep with the
 * combination where n is known. r holds 0.0. */
static void pairwise_rows(lctx *c, loc l, value *x, int axis, value *r, ir_expr *lo, ir_expr *n)
{
    value *a[8];
    for (int j = 0; j < 8; j++) {
        a[j] = lw_new_array(c, l, r->type, r->rank, r->len, r->sh, 0, NULL);
        lw_emit_sweep(c, l, a[j], lw_fix_axis(c, l, x, axis, lw_iadd(l, lo, lw_I64(l, j))), 1);
    }
    ir_var *k;
    ir_stmt *st = lw_loop_over(c, l, lw_I64(l, 8), round8(l, n), "axis_it", &k);
    st->e3 = lw_I64(l, 8);
    vec *saved = c->out;
    c->out = &st->body;
    for (int j = 0; j < 8; j++) {
        ir_expr *at = lw_iadd(l, lo, lw_iadd(l, ir_varref(l, k), lw_I64(l, j)));
        value *u = lw_binop(c, l, OP_ADD, a[j], lw_fix_axis(c, l, x, axis, at));
        if (u->kind != V_ERR)
            lw_emit_sweep(c, l, a[j], u, 0);
    }
    c->out = saved;
    lw_emit(c, st);
    value *h[4];
    for (int j = 0; j < 4; j++)
        h[j] = lw_binop(c, l, OP_ADD, a[2 * j], a[2 * j + 1]);
    value *sum = lw_binop(c, l, OP_ADD, lw_binop(c, l, OP_ADD, h[0], h[1]), lw_binop(c, l, OP_ADD, h[2], h[3]));
    value *u = lw_binop(c, l, OP_ADD, r, sum);
    int64_t nc;
    if (ir_expr_const_int(n, &nc)) { /* the rest (at most 7 slices) added in the same sweep */
        for (int64_t i = nc - nc % 8; i < nc && u->kind != V_ERR; i++)
            u = lw_binop(c, l, OP_ADD, u, lw_fix_axis(c, l, x, axis, lw_iadd(l, lo, lw_I64(l, i))));
        if (u->kind != V_ERR)
            lw_emit_sweep(c, l, r, u, 0);
        return;
    }
    if (u->kind != V_ERR)
        lw_emit_sweep(c, l, r, u, 0);
    st = lw_loop_over(c, l, round8(l, n), n, "axis_it", &k); /* the rest, in order */
    c->out = &st->body;
    u = lw_binop(c, l, OP_ADD, r, lw_fix_axis(c, l, x, axis, lw_iadd(l, lo, ir_varref(l, k))));
    if (u->kind != V_ERR)
        lw_emit_sweep(c, l, r, u, 0);
    c->out = saved;
    lw_emit(c, st);
}

/* r += NumPy's pairwise sum of the slices lo..lo+n along axis, n known when compiling and
 * PW_MAX_TREE < n: pairwise_rows to 128 points, above that NumPy's halves (the first n / 2
 * rounded down to a multiple of 8), each summed into a zero array of its own and added. r holds
 * 0.0; a half's 0.0 + sum differs from the sum only in the sign of a zero, which r's 0.0 + (h1 +
 * h2) gives as NumPy's 0.0 + (h1 + h2) does. */
static void pw_rows(lctx *c, loc l, value *x, int axis, value *r, int64_t lo, int64_t n)
{
    if (n <= 128) {
        pairwise_rows(c, l, x, axis, r, lw_I64(l, lo), lw_I64(l, n));
        return;
    }
    int64_t n2 = n / 2;
    n2 -= n2 % 8;
    value *h[2];
    for (int j = 0; j < 2; j++) {
        h[j] = lw_new_array(c, l, r->type, r->rank, r->len, r->sh, 2, ir_const_f(l, r->type, 0.0));
        pw_rows(c, l, x, axis, h[j], j ? lo + n2 : lo, j ? n - n2 : n2);
    }
    value *u = lw_binop(c, l, OP_ADD, r, lw_binop(c, l, OP_ADD, h[0], h[1]));
    if (u->kind != V_ERR)
        lw_emit_sweep(c, l, r, u, 0);
}

/* Rows longer than the unrolled forms: NumPy adds each whole row pairwise however long it is
 * (also for strided and offset rows, and past its 8192-element buffer: checked against NumPy
 * 2.4 for float64 and float32). Each row x[i, j, :] is a 1-D view, whose whole-array sum
 * (S_REDUCE) is one run: NumPy's tree over the row, which tyl_reduce.c walks however the row
 * is split over the ranks (a value per owned subtree, one gather per row), in O(points); a
 * loop over the other axes sets each sum into r (a fresh array of x's other extents), so the
 * code does not grow with the row. The S_REDUCE is marked `row`: pass_dist then keeps x
 * distributed although the row's index changes with the loop. Chosen over one row-wise
 * reduction for all rows (one gather, no per-row call), which needs an S_REDUCE that writes an
 * array: docs/PASSES.md "Reductions". */
static void rows_exact(lctx *c, loc l, value *x, int axis, value *r, ir_type acc)
{
    ir_var *slot = lw_whole_slot(r);
    ir_expr **idx = NEWN(ir_expr *, x->rank - 1);
    vec *saved = c->out;
    ir_var *k[IR_MAX_RANK];
    for (int d = 0, q = 0; d < x->rank; d++) { /* rows in C order */
        if (d == axis)
            continue;
        ir_stmt *st = lw_loop_over(c, l, lw_I64(l, 0), x->len[d], "row_it", &k[d]);
        lw_emit(c, st);
        c->out = &st->body;
        idx[q++] = ir_varref(l, k[d]);
    }
    value *row = x;
    for (int d = x->rank - 1; d >= 0; d--) /* the highest first: the others keep their numbers */
        if (d != axis)
            row = lw_fix_axis(c, l, row, d, ir_varref(l, k[d]));
    value *s = reduce(c, l, "sum", row);
    ir_stmt *last = c->out->len ? VEC_AT(*c->out, c->out->len - 1, ir_stmt *) : NULL;
    if (last && last->kind == S_REDUCE) /* the row's sum: its array may stay distributed */
        last->row = 1;
    if (s->kind != V_ERR) {
        ir_stmt *se = ir_stmt_new(S_SETELEM, l);
        se->var = slot;
        se->n = x->rank - 1;
        se->args = idx;
        se->e = ir_cast(l, acc, s->e);
        se->row = 1; /* every rank has the row's sum: the owner stores it, r may stay distributed */
        lw_emit(c, se);
    }
    c->out = saved;
}

/* r = op(r, slice k) for k in range(first, n): NumPy's order along every axis but the last. */
static void in_order(lctx *c, loc l, value *x, int axis, value *r, ir_expr *first, ir_expr *n, ir_op op,
                     int boolean)
{
    ir_var *k;
    ir_stmt *st = lw_loop_over(c, l, first, n, "axis_it", &k);
    vec *saved = c->out;
    c->out = &st->body;
    value *slice = lw_fix_axis(c, l, x, axis, ir_varref(l, k));
    if (boolean) {
        value *b = lw_vnew(V_ARRAY, l);
        *b = *slice;
        b->e = ir_cast(l, T_BOOL, slice->e);
        b->type = T_BOOL;
        slice = b;
    }
    value *upd = lw_binop(c, l, op, r, slice);
    if (upd->kind != V_ERR)
        lw_emit_sweep(c, l, r, upd, 0);
    c->out = saved;
    lw_emit(c, st);
}

/* np.sum/mean/max/min/any/all(a, axis=k, keepdims=): the slices along the axis are combined in
 * order, one sweep per slice (as NumPy does for all but the last axis; along the last axis
 * NumPy sums each whole row pairwise: rows of 8 to PW_MAX_TREE points known when compiling
 * follow it exactly in one sweep (pw_tree), longer ones to PW_MAX_ROWS and rows of 8 to 128
 * known at run time in eight accumulator arrays (pw_rows, pairwise_rows), shorter ones are this
 * loop, longer ones a sum per row (rows_exact));
 * max and min of an empty axis are NumPy's error. */
static value *reduce_axis(lctx *c, loc l, const char *kind, value *x, int axis, int keepdims)
{
    int sum = strcmp(kind, "sum") == 0, mean = strcmp(kind, "mean") == 0;
    int mx = strcmp(kind, "max") == 0 || strcmp(kind, "amax") == 0;
    int any = strcmp(kind, "any") == 0, all = strcmp(kind, "all") == 0;
    int prod = strcmp(kind, "prod") == 0; /* in order along every axis: multiply has no tree */
    ir_type t = x->type, acc;
    if (sum || prod)
        acc = ir_type_is_float(t) ? t : ir_type_is_unsigned(t) ? T_U64 : T_I64;
    else if (mean)
        acc = t == T_F32 ? T_F32 : T_F64;
    else if (any || all)
        acc = T_BOOL;
    else
        acc = t;
    ir_op op = (sum || mean) ? OP_ADD : prod ? OP_MUL : any ? OP_BOR : all ? OP_BAND : mx ? OP_NPMAX : OP_NPMIN;
    ir_expr *n = x->len[axis];
    if (x->e->kind != E_READ || lw_view_has_wrap(x->e->view))
        x = lw_materialize(c, x);
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    lw_extents_without(x, axis, len, sh);
    value *r;
    ir_expr *first;
    if (x->rank == 1) { /* a 1-D array reduces to a scalar: the whole-array reduction */
        r = prod ? lw_prod_1d(c, l, x) : any || all ? any_all_whole(c, l, any, x) : reduce(c, l, kind, x);
        if (r->kind == V_ERR)
            return r;
        if (!keepdims)
            return r;
        ir_expr *one[1] = {lw_I64(l, 1)};
        const sym *sone[1] = {sym_const(1)};
        return lw_new_array(c, l, any || all ? T_BOOL : r->type, 1, one, sone, 2, r->e);
    }
    if (sum || mean || any || all || prod) {
        ir_expr *zero = acc == T_BOOL ? ir_const_i(l, T_BOOL, all) :
                        ir_type_is_float(acc) ? ir_const_f(l, acc, prod) : ir_const_i(l, acc, prod);
        r = lw_new_array(c, l, acc, x->rank - 1, len, sh, 2, zero);
        first = lw_I64(l, 0);
    } else {
        r = lw_new_array(c, l, acc, x->rank - 1, len, sh, 0, NULL);
        ir_expr **args = NEWN(ir_expr *, 3);
        args[0] = n;
        args[1] = lw_I64(l, 0);
        args[2] = lw_I64(l, axis);
        lw_emit_sweep(c, l, r, lw_fix_axis(c, l, x, axis, ir_call(l, FN_INDEX, T_I64, 3, args)), 1);
        first = lw_I64(l, 1);
    }
    int64_t nc;
    int known = ir_expr_const_int(n, &nc) || sym_is_const(x->sh[axis], &nc);
    int pairwise = (sum || mean) && ir_type_is_float(t) && acc == t && axis == inner_axis(x);
    if (pairwise && known && nc >= 8 && nc <= PW_MAX_TREE) {
        /* NumPy's whole tree (eight accumulators) as one sweep, added to r's 0 as NumPy does:
         * one kernel reading every point of a row, where pairwise_rows makes eight arrays and a
         * sweep per slice (19 kernels for rows of 9) */
        value *tv = lw_vnew(V_ARRAY, l);
        *tv = *r;
        tv->fresh = NULL;
        tv->e = pw_tree(c, l, x, axis, acc, 0, nc);
        value *u = lw_binop(c, l, OP_ADD, r, tv);
        if (u->kind != V_ERR)
            lw_emit_sweep(c, l, r, u, 0);
    } else if (!pairwise || (known && nc < 8))
        in_order(c, l, x, axis, r, first, n, op, any || all); /* below 8 points, also NumPy's */
    else if (known && nc > PW_MAX_ROWS)
        rows_exact(c, l, x, axis, r, acc);
    else if (known)
        pw_rows(c, l, x, axis, r, 0, nc);
    else { /* n known at run time only: in order below 8, eight accumulators to 128, trees above */
        ir_stmt *st = ir_stmt_new(S_IF, l), *big = ir_stmt_new(S_IF, l);
        st->e = ir_bin(l, OP_CLT, T_BOOL, n, lw_I64(l, 8), 0);
        big->e = ir_bin(l, OP_CLE, T_BOOL, n, lw_I64(l, 128), 0);
        vec *saved = c->out;
        c->out = &st->body;
        in_order(c, l, x, axis, r, first, n, op, 0);
        c->out = &st->orelse;
        lw_emit(c, big);
        c->out = &big->body;
        pairwise_rows(c, l, x, axis, r, lw_I64(l, 0), n);
        c->out = &big->orelse;
        rows_exact(c, l, x, axis, r, acc);
        c->out = saved;
        lw_emit(c, st);
    }
    if (mean) {
        value *cnt = lw_scalar(l, ir_cast(l, acc, n), 0);
        value *q = lw_binop(c, l, OP_TRUEDIV, r, cnt);
        if (q->kind == V_ERR)
            return &lw_ERRV;
        lw_emit_sweep(c, l, r, q, 0);
    }
    return keepdims ? insert_axis(c, l, r, axis) : r;
}

/* np.cumsum (op OP_ADD, fname NULL) and ufunc.accumulate (np.maximum.accumulate: fname names
 * it): a running op along one axis, a loop over the axis of sweeps of the other axes. */
static value *scan(lctx *c, loc l, value *x, value *axisv, ir_op op, const char *fname)
{
    int axis = 0;
    const char *fn = fname ? fname : "np.cumsum";
    if (x->kind != V_ARRAY) {
        diag_error(x->l, "%s() takes an array, not %s", fn, lw_vkind_desc(x));
        return &lw_ERRV;
    }
    if (!axisv || axisv->kind == V_NONE) {
        if (x->rank != 1) {
            diag_error(l, "%s() of a %d-D array without axis= (it flattens) is not supported",
                       fn, x->rank);
            return &lw_ERRV;
        }
    } else if (!lw_axis_arg(axisv, x->rank, fn, &axis))
        return &lw_ERRV;
    /* sums and products of integers in int64 (uint64 for unsigned), as np.sum; max and min keep it */
    ir_type acc = ir_type_is_float(x->type) || op == OP_NPMAX || op == OP_NPMIN ? x->type
                  : ir_type_is_unsigned(x->type) ? T_U64 : T_I64;
    value *r = lw_new_array(c, l, acc, x->rank, x->len, x->sh, 0, NULL);
    lw_emit_sweep(c, l, r, x, 1);
    ir_var *k;
    ir_stmt *st = lw_loop_over(c, l, lw_I64(l, 1), x->len[axis], "axis_it", &k);
    vec *saved = c->out;
    c->out = &st->body;
    ir_expr *km1 = ir_bin(l, OP_SUB, T_I64, ir_varref(l, k), lw_I64(l, 1), 0);
    if (x->rank == 1) { /* element by element: r[k] = r[k - 1] + r[k] */
        ir_var *slot = lw_whole_slot(r);
        ir_expr **ik = NEWN(ir_expr *, 1), **ikm1 = NEWN(ir_expr *, 1);
        ik[0] = ir_varref(l, k);
        ikm1[0] = km1;
        ir_stmt *se = ir_stmt_new(S_SETELEM, l);
        se->var = slot;
        se->n = 1;
        se->args = ik;
        se->e = lw_narrow_bin(l, acc == T_BOOL ? (op == OP_NPMAX ? OP_BOR : OP_BAND) : op, acc,
                              ir_elem(l, slot, ikm1), ir_elem(l, slot, ik), 0);
        lw_emit(c, se);
        c->out = saved;
        lw_emit(c, st);
        return r;
    }
    value *cur = lw_fix_axis(c, l, r, axis, ir_varref(l, k));
    value *upd = lw_binop(c, l, op, lw_fix_axis(c, l, r, axis, km1), cur);
    if (upd->kind != V_ERR)
        lw_emit_sweep(c, l, cur, upd, 0);
    c->out = saved;
    lw_emit(c, st);
    return r;
}

/* np.diff's prepend= or append= value v as the array NumPy joins to a along axis: a list
 * or tuple the array NumPy makes of it; a number broadcast to a's shape with extent 1 along
 * axis (a Python number the default dtype NumPy's asanyarray gives it, so float32 data with
 * prepend=0.0 gives float64 differences, as NumPy's); an array as it is (np.concatenate
 * checks its rank and extents with NumPy's messages). */
static value *diff_end(lctx *c, loc l, value *v, value *x, int axis)
{
    if (v->kind == V_TUPLE && !v->keys && !lw_is_complex(v)) {
        args la = {0};
        la.pos = &v;
        la.npos = 1;
        v = lw_array_literal(c, v->l, &la, 0);
    }
    if (v->kind == V_ARRAY || v->kind == V_ERR)
        return v;
    if (v->kind != V_SCALAR) {
        diag_error(v->l, "np.diff(): prepend= and append= are supported as numbers, lists or arrays, "
                         "not %s", lw_vkind_desc(v));
        return &lw_ERRV;
    }
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    for (int d = 0; d < x->rank; d++) {
        len[d] = d == axis ? lw_I64(l, 1) : x->len[d];
        sh[d] = d == axis ? sym_const(1) : x->sh[d];
    }
    ir_type t = !v->weak ? v->type : ir_type_is_float(v->type) ? T_F64 : v->type == T_BOOL ? T_BOOL : T_I64;
    return lw_new_array(c, l, t, x->rank, len, sh, 2, v->e);
}

/* np.diff(a, n=1, axis=-1, prepend, append): a[..., 1:] - a[..., :-1], n times, of a joined
 * along axis with prepend and append first (NumPy's order: with n=0, a itself, the ends not
 * looked at). */
static value *diff(lctx *c, loc l, value *x, value *nv, value *axisv, value *prepend, value *append)
{
    int axis = x->kind == V_ARRAY ? x->rank - 1 : 0;
    int64_t n = 1;
    if (x->kind != V_ARRAY) {
        diag_error(x->l, "np.diff() takes an array, not %s", lw_vkind_desc(x));
        return &lw_ERRV;
    }
    if (nv && !(nv->kind == V_SCALAR && ir_expr_const_int(ir_cast(l, T_I64, nv->e), &n) && n >= 0)) {
        diag_error(nv->l, "np.diff(): n must be a non-negative int known when compiling");
        return &lw_ERRV;
    }
    if (n > 256) { /* each difference is lowered: n = 10**11 did not come back */
        diag_error(nv->l, "np.diff() with n=%lld is not supported (at most 256)", (long long)n);
        return &lw_ERRV;
    }
    if (axisv && axisv->kind != V_NONE && !lw_axis_arg(axisv, x->rank, "np.diff", &axis))
        return &lw_ERRV;
    prepend = prepend && prepend->kind != V_NONE ? prepend : NULL;
    append = append && append->kind != V_NONE ? append : NULL;
    if (n > 0 && (prepend || append)) {
        value *items[3];
        int k = 0;
        if (prepend)
            items[k++] = diff_end(c, l, prepend, x, axis);
        items[k++] = x;
        if (append)
            items[k++] = diff_end(c, l, append, x, axis);
        for (int i = 0; i < k; i++)
            if (items[i]->kind == V_ERR)
                return &lw_ERRV;
        x = lw_concat(c, l, "np.diff", items, k, axis);
        if (x->kind == V_ERR)
            return x;
    }
    for (int64_t i = 0; i < n; i++) {
        if (x->e->kind != E_READ || lw_view_has_wrap(x->e->view))
            x = lw_materialize(c, x);
        x = lw_no_phantoms(c, x); /* a[:, None]: the axis has no view dimension to narrow */
        value *hi = lw_vnew(V_ARRAY, l), *lo = lw_vnew(V_ARRAY, l);
        *hi = *x;
        *lo = *x;
        ir_view *vh = ir_view_clone(x->e->view), *vl = ir_view_clone(x->e->view);
        for (int d = 0; d < vh->rank; d++) {
            if (vh->dim[d].kind != D_RANGE || vh->dim[d].box != axis)
                continue;
            ir_expr *m1 = ir_bin(l, OP_MAX, T_I64, ir_bin(l, OP_SUB, T_I64, x->len[axis], lw_I64(l, 1), 0),
                                 lw_I64(l, 0), 0);
            vh->dim[d].lo = lw_iadd(l, vh->dim[d].lo, vh->dim[d].step);
            vh->dim[d].len = vl->dim[d].len = m1;
            vh->dim[d].slo = vl->dim[d].slo = NULL;
            vh->dim[d].slen = vl->dim[d].slen = x->sh[axis] ? sym_sub(x->sh[axis], sym_const(1)) : NULL;
            hi->len[axis] = lo->len[axis] = m1;
            hi->sh[axis] = lo->sh[axis] = vh->dim[d].slen;
        }
        hi->e = ir_read(l, vh);
        lo->e = ir_read(l, vl);
        hi->fresh = lo->fresh = NULL;
        x = lw_binop(c, l, x->type == T_BOOL ? OP_BXOR : OP_SUB, hi, lo);
        if (x->kind == V_ERR)
            return &lw_ERRV;
    }
    return x;
}

/* np.sum(a, axis=(0, 2)) and its relatives: one axis at a time, the highest first (so the
 * others keep their numbers); a mean sums and divides once by the number of elements reduced,
 * as NumPy does. NumPy visits the elements in another order, so sums agree to rounding. */
static value *reduce_axes(lctx *c, loc l, const char *kind, const char *fname, value *x,
                          value *axes, int keepdims)
{
    int ax[IR_MAX_RANK], n = axes->n;
    unsigned seen = 0;
    if (n == 0 || n > x->rank) {
        diag_error(axes->l, "%s(): axis=%s is not supported", fname, n ? "a tuple longer than the rank" : "()");
        return &lw_ERRV;
    }
    for (int i = 0; i < n; i++) {
        if (!lw_axis_arg(axes->items[i], x->rank, fname, &ax[i]))
            return &lw_ERRV;
        if (seen & (1u << ax[i])) {
            diag_error(axes->items[i]->l, "duplicate value in 'axis'");
            return &lw_ERRV;
        }
        seen |= 1u << ax[i];
    }
    int mean = strcmp(kind, "mean") == 0;
    ir_expr *count = NULL;
    value *r = x;
    for (int a = x->rank - 1; a >= 0 && r->kind != V_ERR; a--)
        if (seen & (1u << a)) {
            count = count ? ir_bin(l, OP_MUL, T_I64, count, x->len[a], 0) : x->len[a];
            if (mean && !ir_type_is_float(r->type)) { /* NumPy's mean adds ints as float64 */
                value *f = lw_vnew(V_ARRAY, l);
                *f = *r;
                f->fresh = NULL;
                f->type = T_F64;
                f->e = ir_cast(l, T_F64, r->e);
                r = f;
            }
            r = reduce_axis(c, l, mean ? "sum" : kind, r, a, 0);
        }
    if (r->kind == V_ERR)
        return r;
    if (mean)
        r = lw_binop(c, l, OP_TRUEDIV, r, lw_scalar(l, count, 1));
    if (!keepdims || r->kind == V_ERR)
        return r;
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    if (r->kind == V_SCALAR) {
        for (int d = 0; d < x->rank; d++) {
            len[d] = lw_I64(l, 1);
            sh[d] = sym_const(1);
        }
        return lw_new_array(c, l, r->type, x->rank, len, sh, 2, r->e);
    }
    for (int a = 0; a < x->rank; a++)
        if (seen & (1u << a))
            r = insert_axis(c, l, r, a);
    return r;
}

/* np.sum(a, axis=None, dtype=None, out=None, keepdims=False) and its relatives, functions and
 * methods alike. */
/* np.prod(a) without axis: NumPy multiplies in C order from the first element (multiply has no
 * pairwise tree), so a tuple of numbers (np.prod(u.shape)) is unrolled and an array is a loop
 * over its elements (of its ravel when it has several dimensions: a copy, whole on every rank). */
value *lw_prod_1d(lctx *c, loc l, value *x)
{
    ir_type acc = ir_type_is_float(x->type) ? x->type : ir_type_is_unsigned(x->type) ? T_U64 : T_I64;
    value *args[2] = {x, lw_scalar(l, ir_type_is_float(acc) ? ir_const_f(l, acc, 1.0) : ir_const_i(l, acc, 1), 0)};
    return lw_call_prelude(c, l, "prod1", 2, args);
}
static value *prod_whole(lctx *c, loc l, const char *fname, value *x)
{
    if (x->kind == V_TUPLE) {
        value *r = NULL;
        for (int i = 0; i < x->n; i++) {
            value *it = x->items[i];
            if (it->kind != V_SCALAR) {
                if (it->kind != V_ERR)
                    diag_error(it->l, "%s() of a list holding %s is not supported", fname, lw_vkind_desc(it));
                return &lw_ERRV;
            }
            if (!r) { /* np.int64 or np.float64, as the array NumPy makes of the list */
                ir_type t = ir_type_is_float(it->type) ? T_F64 : T_I64;
                r = lw_scalar(l, ir_cast(l, t, it->e), 0);
            } else
                r = lw_binop(c, l, OP_MUL, r, it);
        }
        return r ? r : lw_scalar(l, ir_const_f(l, T_F64, 1.0), 0); /* np.prod(()) is 1.0 */
    }
    if (x->kind == V_SCALAR) {
        ir_type acc = ir_type_is_float(x->type) ? x->type : ir_type_is_unsigned(x->type) ? T_U64 : T_I64;
        return lw_scalar(l, ir_cast(l, acc, x->e), 0);
    }
    if (x->kind != V_ARRAY) {
        if (x->kind != V_ERR)
            diag_error(x->l, "%s() of %s is not supported%s", fname, lw_vkind_desc(x), lw_opt_array_hint(x));
        return &lw_ERRV;
    }
    if (x->rank != 1) { /* NumPy multiplies the elements in C order: those of the ravel */
        args ra = {0};
        ra.pos = &x;
        ra.npos = 1;
        x = lw_builtin_call(c, lw_reshape_find("np.ravel", 0), l, &ra);
        if (x->kind == V_ERR)
            return x;
    }
    return lw_prod_1d(c, l, x);
}

/* dtype= of a sum, mean or product: accepted where it names the type NumPy gives without it
 * (a float array's own, int64 for a sum of integers, float64 for a mean of them), which changes
 * nothing (1); float64 for a sum or mean of float32, integers or bools (2): the elements are
 * converted, and NumPy does that in its buffer of 8192 elements, cutting its pairwise tree
 * there (S_REDUCE cast, tyl_reduce.c). Another type would round the sum in a type other than
 * the elements' and is refused (0). */
static int same_dtype(const char *fname, const char *kind, value *x, value *dtype)
{
    ir_type t;
    if (!lw_dtype_of(dtype, &t)) {
        diag_error(dtype->l, "%s(): dtype= takes a NumPy type (np.float64) or None, not %s", fname,
                   lw_vkind_desc(dtype));
        return 0;
    }
    value *el = x->kind == V_MASKED ? x->self : x;
    ir_type own = el->kind == V_ARRAY || el->kind == V_SCALAR ? el->type : T_F64;
    ir_type want = strcmp(kind, "mean") == 0 ? (own == T_F32 ? T_F32 : T_F64)
                   : ir_type_is_float(own)   ? own
                   : ir_type_is_unsigned(own) ? T_U64
                                              : T_I64;
    if (t == want)
        return 1;
    int adds = strcmp(kind, "sum") == 0 || strcmp(kind, "mean") == 0;
    if (t == T_F64 && adds && (own == T_F32 || !ir_type_is_float(own)) &&
        (el->kind == V_ARRAY || el->kind == V_SCALAR))
        return 2;
    diag_error(dtype->l, "%s(): dtype=%s is not supported (only %s, the type NumPy gives "
                         "without it%s; convert with .astype() first)",
               fname, ir_type_name(t), ir_type_name(want), adds && want != T_F64 ? ", or float64" : "");
    return 0;
}

/* x (an array, a scalar or a selection of an array) with its elements converted to float64, as
 * NumPy converts them for dtype=np.float64. */
static value *as_f64(loc l, value *x)
{
    value *el = x->kind == V_MASKED ? x->self : x, *y = lw_vnew(el->kind, l);
    *y = *el;
    y->fresh = NULL;
    y->e = ir_cast(l, T_F64, el->e);
    y->type = T_F64;
    if (x->kind != V_MASKED)
        return y;
    value *m = lw_vnew(V_MASKED, l);
    *m = *x;
    m->self = y;
    return m;
}

static value *reduce_call(lctx *c, loc l, const char *kind, args *a, value *self)
{
    /* NumPy's positional order: sum, mean and prod take dtype then out, the others out only */
    int adds = strcmp(kind, "sum") == 0 || strcmp(kind, "mean") == 0 || strcmp(kind, "prod") == 0;
    const char *pn_add[] = {"a", "axis", "dtype", "out", "keepdims"}, *pn_cmp[] = {"a", "axis", "out", "keepdims"};
    value *w[5];
    args sa = *a;
    if (self) { /* a.sum(axis, ...): the receiver is the first argument */
        sa.pos = NEWN(value *, a->npos + 1);
        sa.pos[0] = self;
        for (int i = 0; i < a->npos; i++)
            sa.pos[i + 1] = a->pos[i];
        sa.npos = a->npos + 1;
    }
    char fname[32];
    snprintf(fname, sizeof fname, "%s%s", self ? "" : "np.", kind);
    for (int k = 0; k < a->nkw; k++)
        if (strcmp(a->kwname[k], "where") == 0) {
            /* NumPy's masked reduce adds each run of consecutive selected elements as a pairwise
             * sum of its own (docs/PASSES.md "Reductions"), neither a[m]'s tree nor the whole
             * array's: not modelled, so refused rather than rounded otherwise */
            int add = strcmp(kind, "sum") == 0 || strcmp(kind, "mean") == 0;
            diag_error(a->kwast[k]->l, "%s(): where= is not supported%s", fname,
                       add ? " (NumPy sums each run of consecutive selected elements pairwise: "
                             "np.sum(a[m]) selects the same elements but rounds differently)" : "");
            return &lw_ERRV;
        }
    if (!lw_match_args(l, fname, &sa, adds ? 5 : 4, adds ? pn_add : pn_cmp, 1, w))
        return &lw_ERRV;
    value *v[3] = {w[0], w[1], w[adds ? 4 : 3]}, *dtype = adds ? w[2] : NULL, *out = w[adds ? 3 : 2];
    if (out && out->kind != V_NONE) {
        diag_error(out->l, "%s(): out= is not supported (assign the result instead)", fname);
        return &lw_ERRV;
    }
    int conv = dtype && dtype->kind != V_NONE ? same_dtype(fname, kind, w[0], dtype) : 1;
    if (!conv)
        return &lw_ERRV;
    if (conv == 2) { /* the sums below are cast in NumPy's buffer */
        v[0] = as_f64(l, w[0]);
        c->red_cast++;
        value *r = reduce_args(c, l, kind, fname, v);
        c->red_cast--;
        return r;
    }
    return reduce_args(c, l, kind, fname, v);
}

/* The reduction of reduce_call once its arguments are matched: v = {x, axis, keepdims}. */
static value *reduce_args(lctx *c, loc l, const char *kind, const char *fname, value **v)
{
    int ok = 1;
    int keepdims = lw_const_flag(v[2], 0, "keepdims", &ok);
    if (!ok)
        return &lw_ERRV;
    value *x = v[0];
    if (strcmp(kind, "prod") == 0 && (!v[1] || v[1]->kind == V_NONE) && !keepdims)
        return prod_whole(c, l, fname, x);
    if (!v[1] || v[1]->kind == V_NONE) {
        if (keepdims) {
            diag_error(v[2]->l, "%s(): keepdims=True without axis= is not supported", fname);
            return &lw_ERRV;
        }
        if (strcmp(kind, "any") == 0 || strcmp(kind, "all") == 0) {
            if (x->kind != V_ARRAY) {
                diag_error(x->l, "%s() takes an array, not %s", fname, lw_vkind_desc(x));
                return &lw_ERRV;
            }
            return any_all_whole(c, l, kind[1] == 'n', x);
        }
        return reduce(c, l, kind, x);
    }
    int64_t ax0;
    if (x->kind == V_MASKED && x->argw && !keepdims && v[1]->kind == V_SCALAR && !ir_type_is_float(v[1]->type) &&
        ir_expr_const_int(v[1]->e, &ax0) && (ax0 == 0 || ax0 == -2) && strcmp(kind, "prod") != 0 &&
        strcmp(kind, "any") != 0 && strcmp(kind, "all") != 0) {
        /* np.argwhere(m).min(axis=0) (a bounding box), .mean(axis=0) (a centroid): each column's
         * reduction, as NumPy reduces each column of the (count, rank) array */
        value *row = lw_vnew(V_TUPLE, l);
        row->n = x->argw;
        row->is_list = 1;
        row->items = NEWN(value *, row->n);
        for (int k = 0; k < row->n; k++)
            if ((row->items[k] = reduce(c, l, kind, lw_argwhere_column(l, x, k)))->kind == V_ERR)
                return &lw_ERRV;
        return lw_array_literal(c, l, &(args){.pos = &row, .npos = 1}, 0);
    }
    if (x->kind == V_MASKED && !x->argw && x->n == 1 && x->self->rank >= 2 && !keepdims && v[1]->kind == V_SCALAR &&
        !ir_type_is_float(v[1]->type) && ir_expr_const_int(v[1]->e, &ax0) && (ax0 == 0 || ax0 == -x->self->rank) &&
        strcmp(kind, "prod") != 0 && strcmp(kind, "any") != 0 && strcmp(kind, "all") != 0)
        return masked_rows_axis0(c, l, kind, x);
    if (x->kind != V_ARRAY) {
        diag_error(x->l, "%s() with axis= takes an array, not %s", fname, lw_vkind_desc(x));
        return &lw_ERRV;
    }
    if (v[1]->kind == V_TUPLE && strcmp(kind, "prod") == 0) { /* in order across the axes: not reduce_axes' */
        diag_error(v[1]->l, "%s(): a tuple of axes is not supported (one axis or None is)", fname);
        return &lw_ERRV;
    }
    if (v[1]->kind == V_TUPLE)
        return reduce_axes(c, l, kind, fname, x, v[1], keepdims);
    int axis;
    if (!lw_axis_arg(v[1], x->rank, fname, &axis))
        return &lw_ERRV;
    return reduce_axis(c, l, kind, x, axis, keepdims);
}

value *lw_reduce(lctx *c, loc l, const char *kind, value *x) { return reduce(c, l, kind, x); }
value *lw_reduce_axis(lctx *c, loc l, const char *kind, value *x, int axis, int keepdims)
{
    return reduce_axis(c, l, kind, x, axis, keepdims);
}
value *lw_reduce_call(lctx *c, loc l, const char *kind, args *a, value *self)
{
    return reduce_call(c, l, kind, a, self);
}
value *lw_cumsum(lctx *c, loc l, value *x, value *axisv) { return scan(c, l, x, axisv, OP_ADD, NULL); }
value *lw_accumulate(lctx *c, loc l, const char *fname, ir_op op, value *x, value *axisv)
{
    return scan(c, l, x, axisv, op, fname);
}
value *lw_diff(lctx *c, loc l, value *x, value *nv, value *axisv, value *prepend, value *append)
{
    return diff(c, l, x, nv, axisv, prepend, append);
}
