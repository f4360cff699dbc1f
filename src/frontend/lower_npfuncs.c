/* lower_npfuncs.c: NumPy functions that are built from the primitives of lower_numpy.c and
 * lower_ops.c: statistics (std, var), logic (logical_*, count_nonzero, isclose, allclose,
 * array_equal), rounding (np.round, Python's round), transposes, fills and copies and joins
 * (concatenate, stack, append); and Python's all()/any() (np.gradient, norm, trapezoid and
 * interp: lower_calculus.c). Each follows NumPy's own formula and order of operations, so
 * results match it to the bit where NumPy's reductions do (its pairwise sums along the last
 * axis excepted).
 * Requires: arguments lowered and matched against NumPy's parameter names (lw_builtin_call).
 * Establishes: every result is a value of the lowering (an array expression, a new array or a
 * scalar); what is not supported is a diagnostic that says so. */

#include "lower_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static value *weak_f(loc l, double x) { return lw_scalar(l, ir_const_f(l, T_F64, x), 1); }
static int given(value *v) { return v && v->kind != V_NONE; }

/* A compile-time int argument (ddof-like): 1 with it in *out, or 0 after a diagnostic. */
int lw_const_int_arg(value *v, const char *what, int64_t *out)
{
    if (v->kind == V_SCALAR && ir_type_is_int(v->type) && ir_expr_const_int(v->e, out))
        return 1;
    if (v->kind != V_ERR)
        diag_error(v->l, "%s must be an int known when compiling", what);
    return 0;
}

/* An array operand read as a view (a computed value is stored first). */
value *lw_as_view(lctx *c, value *x)
{
    if (x->e->kind != E_READ || lw_view_has_wrap(x->e->view))
        return lw_materialize(c, x);
    return x;
}

/* x restricted along its own dimension axis to [start, start + len): a view. start is an
 * offset from the view's start (sstart its sym), len the new extent (slen its sym). */
value *lw_along(loc l, value *x, int axis, ir_expr *start, const sym *sstart, ir_expr *len,
                const sym *slen)
{
    ir_view *v = ir_view_clone(x->e->view);
    value *r = lw_vnew(V_ARRAY, l);
    *r = *x;
    r->l = l;
    r->fresh = NULL;
    for (int d = 0; d < v->rank; d++) {
        ir_dim *m = &v->dim[d];
        if (m->kind != D_RANGE || m->box != axis)
            continue;
        m->lo = lw_iadd(l, m->lo, lw_imul(l, m->step, start));
        m->slo = m->slo && sstart && m->step_c == 1 ? sym_add(m->slo, sstart) : NULL;
        m->len = len;
        m->slen = slen;
    }
    r->len[axis] = len;
    r->sh[axis] = slen;
    r->e = ir_read(l, v);
    return r;
}

/* ---- std, var ------------------------------------------------------------------------------ */

/* v as type t (the values are computed in their own type first, as NumPy's out= casts). */
value *lw_cast_to(loc l, value *v, ir_type t)
{
    if (v->kind == V_ERR || v->type == t)
        return v;
    value *r = lw_vnew(v->kind, l);
    *r = *v;
    r->fresh = NULL;
    r->weak = 0;
    r->type = t;
    r->e = ir_cast(l, t, v->e);
    return r;
}

/* 1 when the argument of function f is an array; else reports it (an error value was reported
 * where it arose) and gives 0. */
int lw_is_array_arg(value *x, const char *f)
{
    if (x->kind == V_ARRAY)
        return 1;
    if (x->kind != V_ERR)
        diag_error(x->l, "%s() takes an array, not %s", f, lw_vkind_desc(x));
    return 0;
}

/* NumPy's _var: ints and bools are summed as float64; arrmean = sum(x, axis, keepdims=True) /
 * n; d = x - arrmean; var = sum(d * d, axis) / max(n - ddof, 0); std = sqrt(var). n is an
 * np.intp, so float32 sums are divided in float64 and stored back as float32 (out=). */
static value *stdvar(lctx *c, loc l, int isstd, const char *fname, value *x, value *axisv,
                     value *dtype, value *out, value *ddofv, value *keepv)
{
    /* a[m]: the same on the selected points (their sums compressed, as NumPy's of the 1-D a[m]) */
    if (x->kind == V_MASKED && lw_argwhere_refused(x))
        return &lw_ERRV;
    int sel = x->kind == V_MASKED && !x->n;
    if (!sel && !lw_is_array_arg(x, fname))
        return &lw_ERRV;
    if (sel && given(axisv)) {
        diag_error(axisv->l, "%s() of a boolean-mask selection takes no axis= (the selection is 1-D)", fname);
        return &lw_ERRV;
    }
    if (given(out)) {
        diag_error(out->l, "%s(): out= is not supported (assign the result instead)", fname);
        return &lw_ERRV;
    }
    /* dtype=: the type NumPy computes in anyway (float64 for ints and bools), or float64 for
     * float32 (the mean's sum converts the elements in NumPy's buffer: S_REDUCE cast; the
     * deviations are then float64, their sum a float64 temporary's) */
    ir_type own = sel ? x->self->type : x->type, want = own == T_F32 ? T_F32 : T_F64, dt = want;
    if (given(dtype) && !lw_dtype_of(dtype, &dt))
        return &lw_ERRV;
    if (dt != want && !(dt == T_F64 && own == T_F32)) {
        diag_error(dtype->l, "%s(): dtype=%s is not supported (only %s, the type NumPy computes in "
                             "without it%s)", fname, ir_type_name(dt), ir_type_name(want),
                   want == T_F32 ? ", or float64" : "");
        return &lw_ERRV;
    }
    int cast = given(dtype) && (own == T_F32 ? dt == T_F64 : !ir_type_is_float(own));
    int ok = 1;
    int keepdims = lw_const_flag(keepv, 0, "keepdims", &ok);
    if (!ok)
        return &lw_ERRV;
    value *ddof = given(ddofv) ? ddofv : lw_scalar(l, lw_I64(l, 0), 1);
    if (ddof->kind != V_SCALAR || ddof->type == T_BOOL) {
        diag_error(ddof->l, "%s(): ddof must be a number", fname);
        return &lw_ERRV;
    }
    int axis = -1;
    if (given(axisv) && !lw_axis_arg(axisv, x->rank, fname, &axis))
        return &lw_ERRV;
    if (axis < 0 && keepdims) {
        diag_error(keepv->l, "%s(): keepdims=True without axis= is not supported", fname);
        return &lw_ERRV;
    }
    ir_type ft = dt;
    value *cnt;
    if (sel) {
        x = lw_masked_result(x, lw_cast_to(l, x->self, ft));
        cnt = lw_reduce(c, l, "sum", x->mask);
        if (cnt->kind == V_ERR)
            return &lw_ERRV;
    } else {
        x = lw_cast_to(l, x, ft);
        ir_expr *n;
        if (axis >= 0)
            n = x->len[axis];
        else {
            n = x->len[0];
            for (int d = 1; d < x->rank; d++)
                n = ir_bin(l, OP_MUL, T_I64, n, x->len[d], 0);
        }
        cnt = lw_scalar(l, n, 0);
    }
    c->red_cast += cast;
    value *s = axis < 0 ? lw_reduce(c, l, "sum", x) : lw_reduce_axis(c, l, "sum", x, axis, 1);
    c->red_cast -= cast;
    if (s->kind == V_ERR)
        return &lw_ERRV;
    value *mean = lw_cast_to(l, lw_binop(c, l, OP_TRUEDIV, s, cnt), ft);
    value *dev = lw_binop(c, l, OP_SUB, x, mean);
    value *sq = lw_binop(c, l, OP_MUL, dev, dev);
    if (sq->kind == V_ERR)
        return &lw_ERRV;
    value *ret = axis < 0 ? lw_reduce(c, l, "sum", sq) : lw_reduce_axis(c, l, "sum", sq, axis, keepdims);
    if (ret->kind == V_ERR)
        return &lw_ERRV;
    value *rc = lw_binop(c, l, OP_SUB, cnt, ddof);
    if (rc->kind == V_ERR)
        return &lw_ERRV;
    ir_expr *zero = ir_type_is_float(rc->type) ? ir_const_f(l, rc->type, 0.0) : ir_const_i(l, rc->type, 0);
    value *rcount = lw_scalar(l, ir_bin(l, OP_NPMAX, rc->type, rc->e, zero, 0), 0);
    value *var = lw_cast_to(l, lw_binop(c, l, OP_TRUEDIV, ret, rcount), ft);
    if (var->kind == V_SCALAR)
        var->weak = 0;
    if (!isstd || var->kind == V_ERR)
        return var;
    value *r = lw_vnew(var->kind, l);
    *r = *var;
    r->l = l;
    r->fresh = NULL;
    r->e = lw_call1(l, FN_SQRT, var->type, var->e);
    return r;
}
static value *np_stdvar(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    return stdvar(c, l, f[3] == 's', f, v[0], v[1], v[2], v[3], v[4], v[5]);
}
static value *m_stdvar(lctx *c, loc l, const char *f, value **v, args *a)
{
    return stdvar(c, l, f[0] == 's', f, a->self, v[0], v[1], v[2], v[3], v[4]);
}

/* ---- fill, copyto ---------------------------------------------------------------------------- */

/* Writes into a view of an array the program holds (a.fill(v), np.copyto(dst, src)). */
static int writable(value *t, const char *what)
{
    if (t->kind == V_ERR)
        return 0;
    if (t->kind != V_ARRAY || t->e->kind != E_READ || lw_view_has_wrap(t->e->view)) {
        diag_error(t->l, "%s needs an array or a slice of one, not %s", what,
                   t->kind == V_ARRAY ? "a computed array" : lw_vkind_desc(t));
        return 0;
    }
    return 1;
}
static value *m_fill(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f;
    if (!writable(a->self, "fill()"))
        return &lw_ERRV;
    if (v[0]->kind != V_SCALAR) {
        if (v[0]->kind != V_ERR)
            diag_error(v[0]->l, "fill() takes a scalar, not %s", lw_vkind_desc(v[0]));
        return &lw_ERRV;
    }
    value *x = lw_scalar_for_store(c, v[0], a->self->type);
    if (x->kind == V_ERR)
        return x;
    lw_emit_sweep(c, l, a->self, x, 0);
    return lw_vnew(V_NONE, l);
}
static value *np_copyto(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)a;
    if (!writable(v[0], "np.copyto()") || v[1]->kind == V_ERR)
        return &lw_ERRV;
    if (given(v[2])) {
        diag_error(v[2]->l, "np.copyto(): casting= is not supported");
        return &lw_ERRV;
    }
    value *src = v[1];
    if ((src->kind == V_SCALAR || src->kind == V_ARRAY) && lw_kind_of(src->type) > lw_kind_of(v[0]->type)) {
        /* casting='same_kind': no floats into ints, no numbers into bools */
        ir_type st = src->kind == V_SCALAR && src->weak ? (ir_type_is_float(src->type) ? T_F64 : T_I64) : src->type;
        diag_error(src->l, "Cannot cast %s from dtype('%s') to dtype('%s') according to the rule "
                           "'same_kind'", src->kind == V_SCALAR ? "scalar" : "array data",
                   ir_type_name(st), ir_type_name(v[0]->type));
        return &lw_ERRV;
    }
    if (given(v[3])) { /* where=m: dst = where(m, src, dst) */
        value *w = lw_where3(c, l, v[3], v[1], v[0]);
        if (w->kind == V_ERR)
            return &lw_ERRV;
        lw_emit_sweep(c, l, v[0], w, 0);
    } else
        lw_emit_sweep(c, l, v[0], v[1], 0);
    return lw_vnew(V_NONE, l);
}

/* ---- logic and comparisons ----------------------------------------------------------------- */

static value *as_bool(lctx *c, value *x)
{
    if (x->kind == V_ERR || x->type == T_BOOL || (x->kind != V_SCALAR && x->kind != V_ARRAY))
        return x;
    ir_expr *z = ir_type_is_float(x->type) ? ir_const_f(x->l, x->type, 0.0) : ir_const_i(x->l, x->type, 0);
    return lw_binop(c, x->l, OP_CNE, x, lw_scalar(x->l, z, 0));
}
static value *np_logical(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    const char *n = f + 11; /* past "np.logical_" */
    for (int i = 0; i < (n[0] == 'n' ? 1 : 2); i++)
        if (v[i]->kind != V_SCALAR && v[i]->kind != V_ARRAY) {
            if (v[i]->kind != V_ERR)
                diag_error(v[i]->l, "%s() of %s is not supported", f, lw_vkind_desc(v[i]));
            return &lw_ERRV;
        }
    if (n[0] == 'n')
        return lw_binop(c, l, OP_CEQ, as_bool(c, v[0]), lw_scalar(l, ir_const_i(l, T_BOOL, 0), 0));
    ir_op op = n[0] == 'a' ? OP_BAND : n[0] == 'o' ? OP_BOR : OP_BXOR;
    value *r = lw_binop(c, l, op, as_bool(c, v[0]), as_bool(c, v[1]));
    if (r->kind == V_SCALAR) /* NumPy gives np.bool_, not a Python bool */
        r->weak = 0;
    return r;
}
static value *count_nonzero(lctx *c, loc l, value *x, value *axisv, value *keepv)
{
    if (x->kind != V_ARRAY) {
        if (x->kind != V_ERR)
            diag_error(x->l, "np.count_nonzero() takes an array, not %s", lw_vkind_desc(x));
        return &lw_ERRV;
    }
    value *b = as_bool(c, x);
    value *bi = lw_vnew(V_ARRAY, l);
    *bi = *b;
    bi->fresh = NULL;
    bi->type = T_I64;
    bi->e = ir_cast(l, T_I64, b->e);
    int ok = 1;
    int keepdims = lw_const_flag(keepv, 0, "keepdims", &ok);
    if (!ok)
        return &lw_ERRV;
    if (!given(axisv)) {
        if (keepdims) {
            diag_error(keepv->l, "np.count_nonzero(): keepdims=True without axis= is not supported");
            return &lw_ERRV;
        }
        value *r = lw_reduce(c, l, "sum", bi);
        if (r->kind == V_SCALAR)
            r->weak = 1; /* NumPy returns a Python int here */
        return r;
    }
    int axis;
    if (!lw_axis_arg(axisv, x->rank, "np.count_nonzero", &axis))
        return &lw_ERRV;
    return lw_reduce_axis(c, l, "sum", bi, axis, keepdims);
}
static value *np_count_nonzero(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)a;
    return count_nonzero(c, l, v[0], v[1], v[2]);
}
/* np.heaviside(x1, x2): 0 where x1 < 0, x2 where x1 == 0, 1 where x1 > 0, nan for nan */
static value *np_heaviside(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)a;
    value *x = v[0], *h0 = v[1];
    value *t = lw_binop(c, l, OP_ADD, x, h0); /* the promoted type and shape */
    if (t->kind == V_ERR)
        return &lw_ERRV;
    ir_type rt = ir_type_is_float(t->type) ? t->type : T_F64;
    value *zero = lw_scalar(l, ir_const_f(l, rt, 0.0), 0), *one = lw_scalar(l, ir_const_f(l, rt, 1.0), 0);
    value *xf = lw_binop(c, l, OP_ADD, x, zero);
    value *inner = lw_where3(c, l, lw_binop(c, l, OP_CEQ, x, lw_scalar(l, ir_const_i(l, T_I64, 0), 1)),
                             lw_binop(c, l, OP_ADD, h0, zero), xf); /* xf keeps nan */
    value *pos = lw_where3(c, l, lw_binop(c, l, OP_CGT, x, lw_scalar(l, ir_const_i(l, T_I64, 0), 1)), one, inner);
    return lw_where3(c, l, lw_binop(c, l, OP_CLT, x, lw_scalar(l, ir_const_i(l, T_I64, 0), 1)), zero, pos);
}
/* NumPy 2's isclose: (|x - y| <= atol + rtol * |y|) & isfinite(y) | (x == y), in the inexact
 * type of y (and x); equal_nan adds isnan(x) & isnan(y). */
static value *isclose(lctx *c, loc l, const char *f, value **v)
{
    value *x = v[0], *y = v[1];
    for (int i = 0; i < 2; i++)
        if (v[i]->kind != V_SCALAR && v[i]->kind != V_ARRAY) {
            if (v[i]->kind != V_ERR)
                diag_error(v[i]->l, "%s() of %s is not supported", f, lw_vkind_desc(v[i]));
            return &lw_ERRV;
        }
    value *rtol = given(v[2]) ? v[2] : weak_f(l, 1e-05), *atol = given(v[3]) ? v[3] : weak_f(l, 1e-08);
    if (rtol->kind != V_SCALAR || atol->kind != V_SCALAR) {
        diag_error(l, "%s(): rtol and atol must be scalars", f);
        return &lw_ERRV;
    }
    int ok = 1;
    int equal_nan = lw_const_flag(v[4], 0, "equal_nan", &ok);
    if (!ok)
        return &lw_ERRV;
    /* y = asanyarray(y, dtype=result_type(y, 1.)) */
    value *yf = lw_binop(c, l, OP_MUL, y, weak_f(l, 1.0));
    value *ay = lw_unop(c, l, OP_ABS, yf);
    value *tol = lw_binop(c, l, OP_ADD, atol, lw_binop(c, l, OP_MUL, rtol, ay));
    value *le = lw_binop(c, l, OP_CLE, lw_unop(c, l, OP_ABS, lw_binop(c, l, OP_SUB, x, yf)), tol);
    value *fin = lw_binop(c, l, OP_CLT, ay, weak_f(l, INFINITY));
    value *r = lw_binop(c, l, OP_BOR, lw_binop(c, l, OP_BAND, le, fin), lw_binop(c, l, OP_CEQ, x, yf));
    if (equal_nan)
        r = lw_binop(c, l, OP_BOR, r, lw_binop(c, l, OP_BAND, lw_binop(c, l, OP_CNE, x, x),
                                               lw_binop(c, l, OP_CNE, yf, yf)));
    if (r->kind == V_SCALAR)
        r->weak = 0;
    return r;
}
static value *all_of(lctx *c, loc l, value *b)
{
    if (b->kind != V_ARRAY)
        return b;
    value *r = lw_reduce(c, l, "min", b);
    if (r->kind != V_ERR) {
        r->e = ir_cast(l, T_BOOL, r->e);
        r->type = T_BOOL;
        r->weak = 0;
    }
    return r;
}
static value *np_isclose(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *r = isclose(c, l, f, v);
    if (r->kind == V_ERR || f[3] == 'i')
        return r;
    /* np.allclose is bool(all(isclose(...))): a Python bool */
    r = all_of(c, l, r);
    if (r->kind == V_SCALAR)
        r->weak = 1;
    return r;
}
/* np.array_equal(a1, a2): shapes equal and every element equal (a Python bool). */
static value *np_array_equal(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = v[0], *y = v[1];
    if (x->kind != V_ARRAY || y->kind != V_ARRAY) {
        value *bad = x->kind != V_ARRAY ? x : y;
        if (bad->kind != V_ERR)
            diag_error(bad->l, "%s() takes arrays, not %s", f, lw_vkind_desc(bad));
        return &lw_ERRV;
    }
    if (given(v[2])) {
        diag_error(v[2]->l, "%s(): equal_nan= is not supported", f);
        return &lw_ERRV;
    }
    if (x->rank != y->rank)
        return lw_scalar(l, ir_const_i(l, T_BOOL, 0), 1);
    for (int d = 0; d < x->rank; d++)
        if (!sym_equal(x->sh[d], y->sh[d])) {
            int64_t k;
            const sym *dd = x->sh[d] && y->sh[d] ? sym_sub(x->sh[d], y->sh[d]) : NULL;
            if (dd && sym_is_const(dd, &k) && k != 0)
                return lw_scalar(l, ir_const_i(l, T_BOOL, 0), 1);
            diag_error(l, "%s() of arrays of shapes %s and %s, which may differ at run time, is not "
                          "supported", f, lw_shape_str(x->rank, x->sh), lw_shape_str(y->rank, y->sh));
            return &lw_ERRV;
        }
    value *r = all_of(c, l, lw_binop(c, l, OP_CEQ, x, y));
    if (r->kind == V_SCALAR)
        r->weak = 1;
    return r;
}

/* ---- rounding ------------------------------------------------------------------------------ */

/* np.round(a, decimals): NumPy's algorithm: rint(a * 10**d) / 10**d (for d < 0: rint(a /
 * 10**-d) * 10**-d) with the power of ten a double; integers are returned unchanged for d >= 0. */
static value *np_round_of(lctx *c, loc l, const char *f, value *x, value *dv)
{
    int64_t d = 0;
    if (x->kind == V_TUPLE && !x->keys && !x->cplx) /* np.round([a, b], 3): an array, as np.asarray */
        x = lw_seq_operand(c, x, arena_printf(&util_arena, "%s()", f));
    if (x->kind != V_ARRAY && x->kind != V_SCALAR) {
        if (x->kind != V_ERR)
            diag_error(x->l, "%s() of %s is not supported", f, lw_vkind_desc(x));
        return &lw_ERRV;
    }
    if (given(dv) && !lw_const_int_arg(dv, "decimals", &d))
        return &lw_ERRV;
    if (!ir_type_is_float(x->type)) {
        if (d >= 0)
            return x->kind == V_ARRAY ? lw_copy_of(c, l, x) : lw_scalar(l, x->e, 0);
        diag_error(dv->l, "%s() of integers with negative decimals is not supported", f);
        return &lw_ERRV;
    }
    if (d > 308 || d < -308) {
        diag_error(dv->l, "%s(): decimals=%lld is not supported", f, (long long)d);
        return &lw_ERRV;
    }
    int64_t k = d < 0 ? -d : d;
    double p = 1.0;
    if (k < 9) {
        static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
        p = p10[k];
    } else {
        p = 1e9;
        while (k-- > 9)
            p *= 10.0;
    }
    value *y = x;
    if (d != 0)
        y = lw_binop(c, l, d > 0 ? OP_MUL : OP_TRUEDIV, x, weak_f(l, p));
    if (y->kind == V_ERR)
        return y;
    value *r = lw_vnew(y->kind, l);
    *r = *y;
    r->l = l;
    r->fresh = NULL;
    r->e = lw_call1(l, FN_RINT, y->type, y->e);
    if (d != 0)
        r = lw_binop(c, l, d > 0 ? OP_TRUEDIV : OP_MUL, r, weak_f(l, p));
    if (r->kind == V_SCALAR) /* a NumPy scalar, even of a Python float */
        r->weak = 0;
    return r;
}
static value *np_round(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    if (given(v[2])) {
        diag_error(v[2]->l, "%s(): out= is not supported", f);
        return &lw_ERRV;
    }
    return np_round_of(c, l, f, v[0], v[1]);
}
static value *m_round(lctx *c, loc l, const char *f, value **v, args *a)
{
    if (given(v[1])) {
        diag_error(v[1]->l, "%s(): out= is not supported", f);
        return &lw_ERRV;
    }
    return np_round_of(c, l, f, a->self, v[0]);
}

/* Python's round(x) of a float: the nearest int, ties to even (rint in the default rounding
 * mode), with int()'s errors for inf and nan; round(x, n) of a Python float is correctly
 * rounded as Python does (printf's %.nf is exact, ties to even): when compiling for a constant,
 * by tyl_py_round when running. */
value *lw_bi_round(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)c, (void)f, (void)a;
    value *x = v[0];
    if (x->kind != V_SCALAR) {
        if (x->kind == V_ARRAY) /* NumPy's __round__ */
            return np_round_of(c, l, "round", x, v[1]);
        if (x->kind != V_ERR)
            diag_error(x->l, "round() of %s is not supported", lw_vkind_desc(x));
        return &lw_ERRV;
    }
    if (!given(v[1])) { /* an int, for NumPy's scalars too */
        if (!ir_type_is_float(x->type))
            return lw_scalar(l, ir_cast(l, T_I64, x->e), 1);
        return lw_scalar(l, lw_call1(l, FN_PYINT, T_I64, lw_call1(l, FN_RINT, T_F64, ir_cast(l, T_F64, x->e))), 1);
    }
    if (!x->weak) /* round(np.float64, n) is NumPy's round */
        return np_round_of(c, l, "round", x, v[1]);
    int64_t n;
    if (!lw_const_int_arg(v[1], "the number of digits of round()", &n))
        return &lw_ERRV;
    if (!ir_type_is_float(x->type)) {
        if (n >= 0)
            return x;
        diag_error(v[1]->l, "round() of an int with negative digits is not supported");
        return &lw_ERRV;
    }
    if (x->e->kind == E_CONST && n >= 0 && n <= 320) {
        double d = x->e->c.f;
        if (!isfinite(d))
            return x;
        char buf[400];
        snprintf(buf, sizeof buf, "%.*f", (int)n, d);
        return lw_scalar(l, ir_const_f(l, T_F64, strtod(buf, NULL)), 1);
    }
    if (n > 323) /* Python returns x */
        return x;
    if (n < -308) /* Python's 0.0 * x */
        return lw_scalar(l, ir_bin(l, OP_MUL, T_F64, ir_const_f(l, T_F64, 0.0), ir_cast(l, T_F64, x->e), 0), 1);
    if (n < 0) {
        diag_error(v[1]->l, "round(x, ndigits) of a float computed at run time with negative digits is "
                            "not supported; use np.round(x, ndigits), NumPy's binary rounding");
        return &lw_ERRV;
    }
    ir_expr **ra = NEWN(ir_expr *, 2);
    ra[0] = ir_cast(l, T_F64, x->e);
    ra[1] = lw_I64(l, n);
    return lw_scalar(l, ir_call(l, FN_PYROUND, T_F64, 2, ra), 1);
}

/* all(it) / any(it) of a sequence known when compiling or of a 1-D array. */
value *lw_bi_allany(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    int all = f[1] == 'l';
    value *x = v[0];
    if (x->kind == V_ARRAY) {
        if (x->rank != 1) {
            diag_error(x->l, "%s() of a %d-D array iterates over its rows, whose truth value is "
                             "ambiguous; use np.%s(a)", f, x->rank, f);
            return &lw_ERRV;
        }
        value *r = lw_reduce(c, l, all ? "min" : "max", as_bool(c, x));
        if (r->kind != V_ERR) {
            r->e = ir_cast(l, T_BOOL, r->e);
            r->type = T_BOOL;
            r->weak = 1;
        }
        return r;
    }
    if (x->kind != V_TUPLE) {
        if (x->kind != V_ERR)
            diag_error(x->l, "%s() is supported over arrays and sequences known when compiling "
                             "(a list, tuple, comprehension or generator expression), not %s",
                       f, lw_vkind_desc(x));
        return &lw_ERRV;
    }
    ir_expr *r = NULL;
    for (int i = 0; i < x->n; i++) {
        value *t = lw_truth(c, x->items[i], arena_printf(&util_arena, "%s()", f));
        if (t->kind == V_ERR)
            return &lw_ERRV;
        r = r ? ir_bin(l, all ? OP_LAND : OP_LOR, T_BOOL, r, t->e, 1) : t->e;
    }
    if (!r)
        r = ir_const_i(l, T_BOOL, all);
    return lw_scalar(l, r, 1);
}

/* ---- joins --------------------------------------------------------------------------------- */

/* The arrays of a sequence argument (a tuple or list of arrays), or 0 after a diagnostic. */
static int array_items(lctx *c, value *seq, const char *f, value ***items, int *n)
{
    if (seq->kind == V_ERR)
        return 0;
    if (seq->kind != V_TUPLE || seq->n == 0) {
        diag_error(seq->l, "%s() takes a non-empty list or tuple of arrays", f);
        return 0;
    }
    value **it = NEWN(value *, seq->n);
    for (int i = 0; i < seq->n; i++) {
        it[i] = seq->items[i];
        if (it[i]->kind == V_TUPLE) { /* a literal list: np.asarray of it */
            args la = {0};
            la.pos = &it[i];
            la.npos = 1;
            it[i] = lw_array_literal(c, it[i]->l, &la, 0);
            if (it[i]->kind == V_ERR)
                return 0;
        } else if (it[i]->kind == V_MASKED) { /* x[alive]: the selected items, a new array */
            value *k = lw_masked_compact(c, it[i]->l, it[i]);
            if (k && k->kind == V_ERR)
                return 0;
            it[i] = k ? k : it[i];
        }
    }
    for (int i = 0; i < seq->n; i++)
        if (it[i]->kind != V_ARRAY && it[i]->kind != V_SCALAR) {
            if (seq->items[i]->kind != V_ERR)
                diag_error(seq->items[i]->l, "%s() of %s is not supported", f, lw_vkind_desc(seq->items[i]));
            return 0;
        }
    *items = it;
    *n = seq->n;
    return 1;
}

/* concatenate(items, axis): a new array whose extent along axis is the sum of the items';
 * each item is stored into its slice of it. The others extents must agree (checked when
 * compiling where the shapes say so, else when running). */
static value *join(lctx *c, loc l, const char *f, value **items, int n, int axis)
{
    value *first = items[0];
    int rank = first->rank;
    if (rank == 0) {
        diag_error(first->l, "zero-dimensional arrays cannot be concatenated");
        return &lw_ERRV;
    }
    if (axis < 0)
        axis += rank;
    if (axis < 0 || axis >= rank) {
        diag_error(l, "axis %d is out of bounds for array of dimension %d", axis < 0 ? axis - rank : axis, rank);
        return &lw_ERRV;
    }
    ir_type t = first->type;
    ir_expr *total = NULL;
    const sym *stotal = sym_const(0);
    for (int i = 0; i < n; i++) {
        value *x = items[i];
        if (x->kind != V_ARRAY || x->rank != rank) {
            diag_error(x->l, "all the input arrays must have same number of dimensions, but the "
                             "array at index 0 has %d dimension(s) and the array at index %d has %d "
                             "dimension(s)", rank, i, x->kind == V_ARRAY ? x->rank : 0);
            return &lw_ERRV;
        }
        if (i)
            t = lw_promote2(t, x->type);
        for (int d = 0; d < rank; d++) {
            /* a provable difference, or an extent 1 that the store would broadcast */
            int64_t k = 1;
            const sym *dd = first->sh[d] && x->sh[d] ? sym_sub(first->sh[d], x->sh[d]) : NULL;
            int known = dd && sym_is_const(dd, &k);
            int differ = (known && k != 0) ||
                         (!known && (lw_is_one(x->sh[d]) || lw_is_one(first->sh[d])));
            if (d != axis && differ) {
                diag_error(x->l, "all the input array dimensions except for the concatenation axis "
                                 "must match exactly, but along dimension %d, the array at index 0 has "
                                 "size %s and the array at index %d has size %s",
                           d, sym_str(first->sh[d]), i, sym_str(x->sh[d]));
                return &lw_ERRV;
            }
        }
        total = total ? ir_bin(l, OP_ADD, T_I64, total, x->len[axis], 0) : x->len[axis];
        stotal = stotal && x->sh[axis] ? sym_add(stotal, x->sh[axis]) : NULL;
    }
    (void)f;
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    for (int d = 0; d < rank; d++) {
        len[d] = d == axis ? total : first->len[d];
        sh[d] = d == axis ? stotal : first->sh[d];
    }
    value *r = lw_new_array(c, l, t, rank, len, sh, 0, NULL);
    ir_expr *off = lw_I64(l, 0);
    const sym *soff = sym_const(0);
    for (int i = 0; i < n; i++) {
        value *x = items[i];
        value *dst = lw_along(l, r, axis, off, soff, x->len[axis], x->sh[axis]);
        for (int d = 0; d < rank; d++) /* the other extents are the first item's */
            if (d != axis) {
                dst->sh[d] = sh[d];
                dst->len[d] = len[d];
            }
        lw_emit_sweep(c, l, dst, x, 0);
        off = lw_iadd(l, off, x->len[axis]);
        soff = soff && x->sh[axis] ? sym_add(soff, x->sh[axis]) : NULL;
    }
    return r;
}
value *lw_concat(lctx *c, loc l, const char *f, value **items, int n, int axis)
{
    return join(c, l, f, items, n, axis);
}
/* x with an extent-1 dimension inserted at axis (a view, for np.stack). */
static value *expand(lctx *c, loc l, value *x, int axis)
{
    if (x->kind == V_SCALAR) {
        ir_expr *one[1] = {lw_I64(l, 1)};
        const sym *sone[1] = {sym_const(1)};
        return lw_new_array(c, l, x->weak ? (ir_type_is_float(x->type) ? T_F64 : x->type == T_BOOL ? T_BOOL : T_I64)
                                          : x->type, 1, one, sone, 2, x->e);
    }
    x = lw_materialize(c, x);
    ir_var *slot = lw_whole_slot(x);
    ir_view *v = ir_view_full(l, slot);
    /* read the whole slot through a view of rank + 1 own dimensions: the new one is broadcast */
    value *r = lw_vnew(V_ARRAY, l);
    r->type = x->type;
    r->rank = x->rank + 1;
    for (int p = 0, q = 0; p < r->rank; p++) {
        if (p == axis) {
            r->sh[p] = sym_const(1);
            r->len[p] = lw_I64(l, 1);
            continue;
        }
        r->sh[p] = x->sh[q];
        r->len[p] = x->len[q++];
    }
    for (int d = 0; d < v->rank; d++) {
        v->dim[d].slo = sym_const(0);
        v->dim[d].slen = v->dim[d].aext = x->sh[d];
        if (v->dim[d].box >= axis)
            v->dim[d].box++;
    }
    r->e = ir_read(l, v);
    return lw_materialize(c, r);
}
value *lw_expand(lctx *c, loc l, value *x, int axis) { return expand(c, l, x, axis); }
static value *np_join(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value **items;
    int n;
    const char *k = f + 3;
    if (v[0]->kind == V_ARRAY && k[0] == 's') {
        /* np.stack(feq), feq appended in a loop (passed as the array of its items), or of an
         * array (the sequence of its sub-arrays along axis 0): along axis 0, a copy */
        int64_t ax = 0;
        if (given(v[1]) && (!lw_const_int_arg(v[1], "axis", &ax) || ax != 0)) {
            if (v[1]->kind != V_ERR)
                diag_error(v[1]->l, "np.stack() of an array or of a list built at run time is "
                                    "supported along axis 0");
            return &lw_ERRV;
        }
        return lw_copy_of(c, l, v[0]);
    }
    if (v[0]->kind == V_ARRAY && strcmp(k, "column_stack") != 0) {
        /* np.vstack(rows), np.concatenate(blocks), np.hstack(pieces) of a list appended in a
         * loop or built by a comprehension over an array (passed as the array of its items), or
         * of an array: the sub-arrays along axis 0 joined. vstack: rows of a 2-D array are that
         * array, blocks of a 3-D one merge their first two axes, numbers make a column;
         * concatenate (axis 0) and hstack: the first two axes merge (hstack of numbers: a copy) */
        value *x = v[0];
        int64_t ax = 0;
        if (k[0] == 'c' && given(v[1]) && (!lw_const_int_arg(v[1], "axis", &ax) || ax != 0)) {
            if (v[1]->kind != V_ERR)
                diag_error(v[1]->l, "np.concatenate() of an array or of a list built at run time is "
                                    "supported along axis 0");
            return &lw_ERRV;
        }
        if (k[0] == 'c' && x->rank < 2) {
            diag_error(x->l, "zero-dimensional arrays cannot be concatenated");
            return &lw_ERRV;
        }
        if (k[0] == 'h' && x->rank > 2) {
            diag_error(x->l, "np.hstack() of a %d-D array or of a list of %d-D arrays built at run time "
                             "is not supported (only of 1-D arrays or of numbers)", x->rank, x->rank - 1);
            return &lw_ERRV;
        }
        if (x->rank == 1)
            return k[0] == 'v' ? lw_join_rows(c, l, f, x, 0) : lw_copy_of(c, l, x);
        if (k[0] == 'v' && x->rank == 2)
            return lw_copy_of(c, l, x);
        return lw_join_rows(c, l, f, x, 1);
    }
    if (!array_items(c, v[0], f, &items, &n))
        return &lw_ERRV;
    int64_t axis = k[0] == 'v' ? 0 : 0;
    if ((k[0] == 'c' && strcmp(k, "column_stack") != 0) || k[0] == 's') {
        if (given(v[1]) && !lw_const_int_arg(v[1], "axis", &axis))
            return &lw_ERRV;
    }
    value **it = NEWN(value *, n);
    for (int i = 0; i < n; i++)
        it[i] = items[i];
    if (k[0] == 's') { /* stack: each item gains the new axis, then they are concatenated */
        int rank = it[0]->kind == V_ARRAY ? it[0]->rank : 0;
        if (axis < 0)
            axis += rank + 1;
        if (axis < 0 || axis > rank) {
            diag_error(v[1]->l, "axis %lld is out of bounds for array of dimension %d",
                       (long long)(axis < 0 ? axis - rank - 1 : axis), rank + 1);
            return &lw_ERRV;
        }
        for (int i = 0; i < n; i++) {
            int ri = it[i]->kind == V_ARRAY ? it[i]->rank : 0;
            int same = ri == rank; /* provably different extents here; others checked when run */
            for (int d = 0; same && d < rank; d++)
                same = lw_sym_cmp(items[0]->sh[d], it[i]->sh[d]) != 0;
            if (!same) {
                diag_error(it[i]->l, "all input arrays must have the same shape");
                return &lw_ERRV;
            }
            it[i] = expand(c, l, it[i], (int)axis);
        }
    } else if (strcmp(k, "column_stack") == 0) { /* 1-D arrays and scalars as columns */
        for (int i = 0; i < n; i++) {
            if (it[i]->kind == V_SCALAR)
                it[i] = expand(c, l, it[i], 0);
            if (it[i]->rank == 1)
                it[i] = expand(c, l, it[i], 1);
        }
        axis = 1;
    } else if (k[0] == 'h' || k[0] == 'v') {
        for (int i = 0; i < n; i++) {
            if (it[i]->kind == V_SCALAR)
                it[i] = expand(c, l, it[i], 0);
            if (k[0] == 'v' && it[i]->rank == 1) /* atleast_2d: a row */
                it[i] = expand(c, l, it[i], 0);
        }
        axis = k[0] == 'h' && it[0]->rank == 1 ? 0 : k[0] == 'h' ? 1 : 0;
    } else {
        for (int i = 0; i < n; i++)
            if (it[i]->kind == V_SCALAR) {
                diag_error(it[i]->l, "zero-dimensional arrays cannot be concatenated");
                return &lw_ERRV;
            }
    }
    return join(c, l, f, it, n, (int)axis);
}
/* np.outer(a, b) of 1-D arrays: a[:, np.newaxis] * b[np.newaxis, :] (what NumPy computes) */
static value *np_outer(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)a;
    for (int i = 0; i < 2; i++)
        if (v[i]->kind != V_ARRAY || v[i]->rank != 1) {
            if (v[i]->kind == V_ARRAY)
                diag_error(v[i]->l, "np.outer() is supported for two 1-D arrays (it flattens others, "
                                    "which is not supported), not a %d-D array", v[i]->rank);
            else if (v[i]->kind != V_ERR)
                diag_error(v[i]->l, "np.outer() is supported for two 1-D arrays, not %s",
                           lw_vkind_desc(v[i]));
            return &lw_ERRV;
        }
    return lw_binop(c, l, OP_MUL, expand(c, l, v[0], 1), expand(c, l, v[1], 0));
}
/* np.append(arr, values) without axis: both flattened; supported for 1-D arrays and scalars.
 * Lists and tuples are the arrays NumPy makes of them (np.append(X, [row], axis=0)). */
static value *np_append(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    for (int i = 0; i < 2; i++)
        if (v[i]->kind == V_TUPLE && !v[i]->keys) { /* a list or tuple: the array NumPy makes of it */
            args la = {0};
            la.pos = &v[i];
            la.npos = 1;
            v[i] = lw_array_literal(c, v[i]->l, &la, 0);
            if (v[i]->kind == V_ERR)
                return v[i];
        }
    if (given(v[2])) {
        value *seq = lw_vnew(V_TUPLE, l);
        seq->n = 2;
        seq->items = v;
        int64_t axis;
        if (!lw_const_int_arg(v[2], "axis", &axis))
            return &lw_ERRV;
        return join(c, l, f, v, 2, (int)axis);
    }
    value *it[2];
    for (int i = 0; i < 2; i++) {
        it[i] = v[i];
        if (it[i]->kind == V_SCALAR)
            it[i] = expand(c, l, it[i], 0);
        if (it[i]->kind != V_ARRAY || it[i]->rank != 1) {
            if (it[i]->kind != V_ERR)
                diag_error(v[i]->l, "%s() without axis= flattens its operands; it is supported for "
                                    "1-D arrays and scalars", f);
            return &lw_ERRV;
        }
    }
    return join(c, l, f, it, 2, 0);
}
/* np.stack((a, b), axis=-1) of two arrays of one shape: a complex array's parts side by side,
 * the bytes of a complex128 array (lower_complex.c's np.save). */
value *lw_stack_last(lctx *c, loc l, value *a, value *b)
{
    value *seq = lw_vnew(V_TUPLE, l);
    seq->n = 2;
    seq->items = NEWN(value *, 3);
    seq->items[0] = a;
    seq->items[1] = b;
    value *v[2] = {seq, lw_scalar(l, lw_I64(l, -1), 1)};
    return np_join(c, l, "np.stack", v, NULL);
}
/* np.array([a, b, c]) of same-shape arrays: np.stack (called by lower_arrays.c). */
value *lw_stack_arrays(lctx *c, loc l, value *seq)
{
    value *v[2] = {seq, NULL};
    return np_join(c, l, "np.stack", v, NULL);
}

/* ---- dtypes ------------------------------------------------------------------------------- */

/* np.int8 and the other NumPy dtypes tylesc has no type for: one message naming those it has. */
int lw_unsupported_dtype(loc l, const char *name)
{
    static const char *dt[] = {"float16", "half", "longdouble", "complex128", "complex_",
                               "longlong", "ulonglong", "csingle", "cdouble", "clongdouble",
                               "float128", NULL};
    for (const char **p = dt; *p; p++)
        if (strcmp(*p, name) == 0) {
            diag_error(l, "the dtype np.%s is not supported (tylesc's dtypes are float64, float32, "
                          "int64, int32, int16, int8, uint64, uint32, uint16, uint8 and bool)", name);
            return 1;
        }
    return 0;
}

/* ---- tables -------------------------------------------------------------------------------- */

static const lw_builtin np_more[] = {
    {"np.std", {"a", "axis", "dtype", "out", "ddof", "keepdims"}, 1, np_stdvar},
    {"np.var", {"a", "axis", "dtype", "out", "ddof", "keepdims"}, 1, np_stdvar},
    {"np.copyto", {"dst", "src", "casting", "where"}, 2, np_copyto},
    {"np.logical_and", {"x1", "x2"}, 2, np_logical}, {"np.logical_or", {"x1", "x2"}, 2, np_logical},
    {"np.logical_xor", {"x1", "x2"}, 2, np_logical}, {"np.logical_not", {"x"}, 1, np_logical},
    {"np.count_nonzero", {"a", "axis", "keepdims"}, 1, np_count_nonzero},
    {"np.heaviside", {"x1", "x2"}, 2, np_heaviside},
    {"np.isclose", {"a", "b", "rtol", "atol", "equal_nan"}, 2, np_isclose},
    {"np.allclose", {"a", "b", "rtol", "atol", "equal_nan"}, 2, np_isclose},
    {"np.array_equal", {"a1", "a2", "equal_nan"}, 2, np_array_equal},
    {"np.round", {"a", "decimals", "out"}, 1, np_round},
    {"np.around", {"a", "decimals", "out"}, 1, np_round},
    {"np.concatenate", {"arrays", "axis"}, 1, np_join},
    {"np.stack", {"arrays", "axis"}, 1, np_join},
    {"np.outer", {"a", "b"}, 2, np_outer},
    {"np.hstack", {"tup"}, 1, np_join}, {"np.vstack", {"tup"}, 1, np_join},
    {"np.column_stack", {"tup"}, 1, np_join},
    {"np.append", {"arr", "values", "axis"}, 2, np_append},
};
static const lw_builtin method_more[] = {
    {"std", {"axis", "dtype", "out", "ddof", "keepdims"}, 0, m_stdvar},
    {"var", {"axis", "dtype", "out", "ddof", "keepdims"}, 0, m_stdvar},
    {"fill", {"value"}, 1, m_fill},
    {"round", {"decimals", "out"}, 0, m_round},
};
const lw_builtin *lw_npfuncs_find(const char *name, int method)
{
    const lw_builtin *b = method ? lw_builtin_find(method_more, sizeof method_more / sizeof *method_more, name)
                                 : lw_builtin_find(np_more, sizeof np_more / sizeof *np_more, name);
    if (!b)
        b = lw_calculus_find(name, method);
    if (!b)
        b = lw_argmax_find(name, method);
    if (!b)
        b = lw_split_find(name, method);
    if (!b)
        b = lw_search_find(name, method);
    if (!b)
        b = lw_insdel_find(name, method);
    if (!b)
        b = lw_npextra_find(name, method);
    if (!b)
        b = lw_reshape_find(name, method);
    if (!b)
        b = lw_ufunc_method_find(name, method);
    if (!b)
        b = lw_views_find(name, method);
    if (!b)
        b = lw_composed_find(name, method);
    if (!b)
        b = lw_polyfit_find(name, method);
    if (!b)
        b = lw_output_find(name, method);
    if (!b)
        b = lw_nonzero_find(name, method);
    return b ? b : lw_dot_find(name, method);
}
