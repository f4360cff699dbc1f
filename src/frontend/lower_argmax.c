/* lower_argmax.c: np.argmax / np.argmin (functions and methods, whole array or axis=) and
 * np.unravel_index.
 *
 * The whole-array form is two reductions the back ends already distribute: the maximum m
 * (NaN-propagating, as np.max), then the least flat C-order index whose element equals m, or is
 * a NaN when m is one. That is NumPy's answer: the first occurrence on ties, the first NaN when
 * there is one, at any rank count (both reductions are exact). The flat index counts in the
 * array (or view) reduced, from the sweep's global indices.
 *
 * With axis=, the slices along the axis are compared in order, one sweep per slice, keeping the
 * best value and its index: a later slice wins only where it is strictly better, or a NaN where
 * the best is not yet one.
 *
 * np.unravel_index(i, shape) of a scalar index is a tuple of ints; an index outside the shape is
 * NumPy's ValueError, checked when the program runs. */

#include "lower_internal.h"

#include <math.h>
#include <string.h>

static int given(value *v) { return v && v->kind != V_NONE; }

static value *lit(loc l, const char *s)
{
    value *v = lw_vnew(V_STR, l);
    v->str = s;
    return v;
}

/* a is a NaN (x != x), or 0 for a type without NaN */
static ir_expr *isnan_of(loc l, ir_expr *a, ir_type t)
{
    return ir_type_is_float(t) ? ir_bin(l, OP_CNE, T_BOOL, a, a, 0) : NULL;
}

static value *arg_whole(lctx *c, loc l, const char *name, int mx, value *x)
{
    if (x->e->kind != E_READ)
        x = lw_materialize(c, x);
    ir_expr *size = x->len[0];
    for (int d = 1; d < x->rank; d++)
        size = ir_bin(l, OP_MUL, T_I64, size, x->len[d], 0);
    int64_t k;
    if (!ir_expr_const_int(size, &k) || k == 0)
        lw_emit_raise(c, l, ir_bin(l, OP_CEQ, T_BOOL, size, lw_I64(l, 0), 0),
                      arena_printf(&util_arena, "ValueError: attempt to get %s of an empty sequence", name));
    value *m = lw_reduce(c, l, mx ? "max" : "min", x);
    if (m->kind == V_ERR)
        return &lw_ERRV;
    ir_expr *flat = ir_index(l, T_I64, 0);
    for (int d = 1; d < x->rank; d++)
        flat = ir_bin(l, OP_ADD, T_I64, ir_bin(l, OP_MUL, T_I64, flat, x->len[d], 0), ir_index(l, T_I64, d), 0);
    ir_expr *hit = ir_bin(l, OP_CEQ, T_BOOL, x->e, m->e, 0);
    if (ir_type_is_float(x->type))
        hit = ir_bin(l, OP_LOR, T_BOOL, hit,
                     ir_bin(l, OP_LAND, T_BOOL, isnan_of(l, m->e, x->type), isnan_of(l, x->e, x->type), 0), 0);
    value *cand = lw_vnew(V_ARRAY, l);
    *cand = *x;
    cand->fresh = NULL;
    cand->type = T_I64;
    cand->e = ir_select(l, T_I64, hit, flat, lw_I64(l, INT64_MAX));
    return lw_reduce(c, l, "min", cand);
}

static value *arg_axis(lctx *c, loc l, const char *name, int mx, value *x, int axis, int keepdims)
{
    if (x->e->kind != E_READ || lw_view_has_wrap(x->e->view))
        x = lw_materialize(c, x);
    ir_expr *n = x->len[axis];
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    lw_extents_without(x, axis, len, sh);
    lw_emit_raise(c, l, ir_bin(l, OP_CEQ, T_BOOL, n, lw_I64(l, 0), 0),
                  arena_printf(&util_arena, "ValueError: attempt to get %s of an empty sequence", name));
    value *best = lw_new_array(c, l, x->type, x->rank - 1, len, sh, 0, NULL);
    lw_emit_sweep(c, l, best, lw_fix_axis(c, l, x, axis, lw_I64(l, 0)), 1);
    value *idx = lw_new_array(c, l, T_I64, x->rank - 1, len, sh, 2, lw_I64(l, 0));
    ir_var *k;
    ir_stmt *st = lw_loop_over(c, l, lw_I64(l, 1), n, "arg_it", &k);
    vec *saved = c->out;
    c->out = &st->body;
    value *xk = lw_fix_axis(c, l, x, axis, ir_varref(l, k));
    ir_expr *win = ir_bin(l, mx ? OP_CGT : OP_CLT, T_BOOL, xk->e, best->e, 0);
    if (ir_type_is_float(x->type))
        win = ir_bin(l, OP_LOR, T_BOOL, win,
                     ir_bin(l, OP_LAND, T_BOOL, isnan_of(l, xk->e, x->type),
                            ir_un(l, OP_LNOT, T_BOOL, isnan_of(l, best->e, x->type)), 0), 0);
    value *wv = lw_vnew(V_ARRAY, l);
    *wv = *xk;
    wv->fresh = NULL;
    wv->type = T_BOOL;
    wv->e = win;
    /* the index first: its test reads the best value before this slice replaces it */
    lw_emit_sweep(c, l, idx, lw_where3(c, l, wv, lw_scalar(l, ir_varref(l, k), 0), idx), 0);
    lw_emit_sweep(c, l, best, lw_where3(c, l, wv, xk, best), 0);
    c->out = saved;
    lw_emit(c, st);
    if (!keepdims)
        return idx;
    ir_expr *klen[IR_MAX_RANK];
    const sym *ksh[IR_MAX_RANK];
    for (int d = 0, q = 0; d < x->rank; d++) {
        klen[d] = d == axis ? lw_I64(l, 1) : len[q];
        ksh[d] = d == axis ? sym_const(1) : sh[q];
        q += d != axis;
    }
    value *r = lw_new_array(c, l, T_I64, x->rank, klen, ksh, 0, NULL);
    lw_emit_sweep(c, l, lw_fix_axis(c, l, r, axis, lw_I64(l, 0)), idx, 0);
    return r;
}

static value *argreduce(lctx *c, loc l, const char *f, value *x, value *axisv, value *out, value *keepv)
{
    const char *name = strncmp(f, "np.", 3) == 0 ? f + 3 : f;
    int mx = strcmp(name, "argmax") == 0;
    if (given(out)) {
        diag_error(out->l, "%s(): out= is not supported; assign the result", f);
        return &lw_ERRV;
    }
    if (x->kind == V_SCALAR && !given(axisv))
        return lw_scalar(l, lw_I64(l, 0), 0);
    if (x->kind == V_TUPLE || x->kind == V_LIST) { /* np.argmax([...]): as np.asarray of it */
        args one = {.pos = &x, .npos = 1};
        x = lw_array_literal(c, x->l, &one, 0);
    }
    if (x->kind != V_ARRAY) {
        if (x->kind != V_ERR)
            diag_error(x->l, "%s() takes an array, not %s", f, lw_vkind_desc(x));
        return &lw_ERRV;
    }
    int ok = 1;
    int keepdims = lw_const_flag(keepv, 0, "keepdims", &ok);
    if (!ok)
        return &lw_ERRV;
    if (!given(axisv)) {
        if (keepdims) {
            diag_error(keepv->l, "%s(): keepdims=True without axis= is not supported", f);
            return &lw_ERRV;
        }
        return arg_whole(c, l, name, mx, x);
    }
    int axis;
    if (!lw_axis_arg(axisv, x->rank, f, &axis))
        return &lw_ERRV;
    if (x->rank == 1) {
        value *r = arg_whole(c, l, name, mx, x);
        if (!keepdims || r->kind == V_ERR)
            return r;
        ir_expr *one[1] = {lw_I64(l, 1)};
        const sym *sone[1] = {sym_const(1)};
        return lw_new_array(c, l, T_I64, 1, one, sone, 2, r->e);
    }
    return arg_axis(c, l, name, mx, x, axis, keepdims);
}
static value *np_arg(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    return argreduce(c, l, f, v[0], v[1], v[2], v[3]);
}

/* np.nanargmax / np.nanargmin as numpy/lib/_nanfunctions_impl.py writes them: NaN replaced by
 * -inf (+inf for nanargmin), NumPy's ValueError when a slice (the whole array without axis=) is
 * all NaN (not checked for an empty array: argmax's own error), then np.argmax of the copy. An
 * integer or boolean array holds no NaN: plain argmax. */
static value *np_nanarg(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    const char *plain = strcmp(f, "np.nanargmax") == 0 ? "np.argmax" : "np.argmin";
    value *x = v[0];
    if (x->kind == V_TUPLE || x->kind == V_LIST) {
        args one = {.pos = &x, .npos = 1};
        x = lw_array_literal(c, x->l, &one, 0);
    }
    if (x->kind != V_ARRAY || !ir_type_is_float(x->type))
        return argreduce(c, l, plain, x, v[1], v[2], v[3]);
    if (given(v[2]))
        return argreduce(c, l, f, x, v[1], v[2], v[3]); /* its out= message */
    int axis = -1;
    if (given(v[1]) && !lw_axis_arg(v[1], x->rank, f, &axis))
        return &lw_ERRV;
    value *notnan = lw_binop(c, l, OP_CEQ, x, x);
    /* sums, which never raise on an empty array as max and min do: the non-NaN items, or the
     * slices along the axis without one */
    value *bad = lw_reduce(c, l, "sum", notnan);
    if (axis >= 0 && x->rank > 1)
        bad = lw_reduce(c, l, "sum", lw_binop(c, l, OP_CEQ, lw_reduce_axis(c, l, "sum", notnan, axis, 0),
                                              lw_scalar(l, lw_I64(l, 0), 1)));
    if (bad->kind == V_ERR)
        return &lw_ERRV;
    ir_expr *all_nan = ir_bin(l, axis >= 0 && x->rank > 1 ? OP_CNE : OP_CEQ, T_BOOL, ir_cast(l, T_I64, bad->e),
                              lw_I64(l, 0), 0);
    ir_expr *size = x->len[0];
    for (int d = 1; d < x->rank; d++)
        size = ir_bin(l, OP_MUL, T_I64, size, x->len[d], 0);
    lw_emit_raise(c, l,
                  ir_bin(l, OP_LAND, T_BOOL, ir_bin(l, OP_CNE, T_BOOL, size, lw_I64(l, 0), 0),
                         all_nan, 0),
                  "ValueError: All-NaN slice encountered");
    double fill = strcmp(plain, "np.argmax") == 0 ? -INFINITY : INFINITY;
    value *r = lw_where3(c, l, notnan, x, lw_scalar(l, ir_const_f(l, x->type, fill), 0));
    return argreduce(c, l, plain, lw_materialize(c, r), v[1], v[2], v[3]);
}
static value *m_arg(lctx *c, loc l, const char *f, value **v, args *a)
{
    return argreduce(c, l, f, a->self, v[0], v[1], v[2]);
}

/* np.unravel_index(indices, shape, order='C') of one index */
static value *np_unravel(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)a;
    if (given(v[2]) && !(v[2]->kind == V_STR && strcmp(v[2]->str, "C") == 0)) {
        diag_error(v[2]->l, "np.unravel_index(): only order='C' is supported");
        return &lw_ERRV;
    }
    if (v[0]->kind == V_ARRAY || v[0]->kind == V_TUPLE) {
        diag_error(v[0]->l, "np.unravel_index() of an array or a list of indices is not supported; "
                            "give one index");
        return &lw_ERRV;
    }
    ir_expr *i = lw_int_operand(v[0], "the index of np.unravel_index()");
    int rank;
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    if (!i || !lw_shape_arg(v[1], &rank, len, sh))
        return &lw_ERRV;
    i = ir_cast(l, T_I64, i);
    if (i->kind != E_CONST && i->kind != E_VAR) /* evaluated once: the check and each digit */
        i = lw_in_temp(c, l, i);
    ir_expr *size = len[0];
    for (int d = 1; d < rank; d++)
        size = ir_bin(l, OP_MUL, T_I64, size, len[d], 0);
    ir_expr *bad = ir_bin(l, OP_LOR, T_BOOL, ir_bin(l, OP_CLT, T_BOOL, i, lw_I64(l, 0), 0),
                          ir_bin(l, OP_CGE, T_BOOL, i, size, 0), 0);
    int64_t kb;
    if (!ir_expr_const_int(bad, &kb) || kb) {
        value *rt = lw_vnew(V_FSTR, l);
        rt->n = 4;
        rt->items = NEWN(value *, 4);
        rt->items[0] = lit(l, "ValueError: index ");
        rt->items[1] = lw_scalar(l, i, 0);
        rt->items[2] = lit(l, " is out of bounds for array with size ");
        rt->items[3] = lw_scalar(l, size, 0);
        lw_emit_raise_str(c, l, bad, "", rt);
    }
    value *r = lw_vnew(V_TUPLE, l);
    r->n = rank;
    r->items = NEWN(value *, rank);
    ir_expr *rest = i;
    for (int d = rank - 1; d >= 0; d--) {
        r->items[d] = lw_scalar(l, d ? ir_bin(l, OP_MOD, T_I64, rest, len[d], 0) : rest, 0);
        if (d)
            rest = ir_bin(l, OP_FDIV, T_I64, rest, len[d], 0);
    }
    return r;
}

static const lw_builtin np_table[] = {
    {"np.argmax", {"a", "axis", "out", "keepdims"}, 1, np_arg},
    {"np.argmin", {"a", "axis", "out", "keepdims"}, 1, np_arg},
    {"np.nanargmax", {"a", "axis", "out", "keepdims"}, 1, np_nanarg},
    {"np.nanargmin", {"a", "axis", "out", "keepdims"}, 1, np_nanarg},
    {"np.unravel_index", {"indices", "shape", "order"}, 2, np_unravel},
};
static const lw_builtin method_table[] = {
    {"argmax", {"axis", "out", "keepdims"}, 0, m_arg},
    {"argmin", {"axis", "out", "keepdims"}, 0, m_arg},
};
const lw_builtin *lw_argmax_find(const char *name, int method)
{
    if (method)
        return lw_builtin_find(method_table, sizeof method_table / sizeof *method_table, name);
    return lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, name);
}
