/* lower_calculus.c: NumPy's numerics of sampled functions: np.gradient (uniform spacing or
 * coordinates, edge_order 1 or 2, along chosen axes), np.linalg.norm (vectors and matrices, ord
 * None, 1, 2, inf, -inf, 'fro'), np.trapezoid/np.trapz of a 1-D array and np.interp of small
 * tables known when compiling. Each follows NumPy's own formula and order of operations.
 * Requires: arguments lowered and matched against NumPy's parameter names (lw_npfuncs_find finds
 * this table). Establishes: every result is a value of the lowering; what is not supported is a
 * diagnostic that says so. */

#include "lower_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static value *weak_f(loc l, double x) { return lw_scalar(l, ir_const_f(l, T_F64, x), 1); }
static int given(value *v) { return v && v->kind != V_NONE; }

/* ---- gradient ------------------------------------------------------------------------------ */

/* One axis of np.gradient with uniform spacing dx, as NumPy computes it:
 * out[1:-1] = (f[2:] - f[:-2]) / (2. * dx); edge_order 1: out[0] = (f[1] - f[0]) / dx,
 * out[-1] = (f[-1] - f[-2]) / dx; edge_order 2: out[0] = a * f[0] + b * f[1] + c * f[2] with
 * a, b, c = -1.5 / dx, 2. / dx, -0.5 / dx, and out[-1] = a * f[-3] + b * f[-2] + c * f[-1] with
 * a, b, c = 0.5 / dx, -2. / dx, 1.5 / dx. */
static value *gradient_axis(lctx *c, loc l, value *f, int axis, value *dx, ir_type ot, int edge)
{
    value *out = lw_new_array(c, l, ot, f->rank, f->len, f->sh, 0, NULL);
    ir_expr *n = f->len[axis];
    const sym *sn = f->sh[axis];
    ir_expr *n2 = ir_bin(l, OP_SUB, T_I64, n, lw_I64(l, 2), 0);
    const sym *sn2 = sn ? sym_sub(sn, sym_const(2)) : NULL;
    ir_expr *one = lw_I64(l, 1);
    const sym *s1 = sym_const(1);
    ir_expr *nm1 = ir_bin(l, OP_SUB, T_I64, n, one, 0);
    const sym *snm1 = sn ? sym_sub(sn, s1) : NULL;
    ir_expr *nm3 = ir_bin(l, OP_SUB, T_I64, n, lw_I64(l, 3), 0);
    const sym *snm3 = sn ? sym_sub(sn, sym_const(3)) : NULL;
    /* f and out at one index along the axis */
#define AT(x, k, sk) lw_along(l, x, axis, k, sk, one, s1)
    value *twodx = lw_binop(c, l, OP_MUL, weak_f(l, 2.0), dx);
    value *mid = lw_binop(c, l, OP_TRUEDIV,
                          lw_binop(c, l, OP_SUB, lw_along(l, f, axis, lw_I64(l, 2), sym_const(2), n2, sn2),
                                   lw_along(l, f, axis, lw_I64(l, 0), sym_const(0), n2, sn2)),
                          twodx);
    if (mid->kind == V_ERR) /* once, not once per edge */
        return &lw_ERRV;
    lw_emit_sweep(c, l, lw_along(l, out, axis, one, s1, n2, sn2), mid, 0);
    value *lo, *hi;
    if (edge == 1) {
        lo = lw_binop(c, l, OP_TRUEDIV, lw_binop(c, l, OP_SUB, AT(f, one, s1), AT(f, lw_I64(l, 0), sym_const(0))), dx);
        hi = lw_binop(c, l, OP_TRUEDIV, lw_binop(c, l, OP_SUB, AT(f, nm1, snm1), AT(f, n2, sn2)), dx);
    } else {
        static const double k0[3] = {-1.5, 2.0, -0.5}, k1[3] = {0.5, -2.0, 1.5};
        ir_expr *i0[3] = {lw_I64(l, 0), one, lw_I64(l, 2)}, *i1[3] = {nm3, n2, nm1};
        const sym *q0[3] = {sym_const(0), s1, sym_const(2)}, *q1[3] = {snm3, sn2, snm1};
        lo = hi = NULL;
        for (int t = 0; t < 3; t++) {
            value *a0 = lw_binop(c, l, OP_MUL, lw_binop(c, l, OP_TRUEDIV, weak_f(l, k0[t]), dx), AT(f, i0[t], q0[t]));
            value *a1 = lw_binop(c, l, OP_MUL, lw_binop(c, l, OP_TRUEDIV, weak_f(l, k1[t]), dx), AT(f, i1[t], q1[t]));
            lo = lo ? lw_binop(c, l, OP_ADD, lo, a0) : a0;
            hi = hi ? lw_binop(c, l, OP_ADD, hi, a1) : a1;
        }
    }
    lw_emit_sweep(c, l, AT(out, lw_I64(l, 0), sym_const(0)), lo, 0);
    lw_emit_sweep(c, l, AT(out, nm1, snm1), hi, 0);
#undef AT
    return out;
}
/* One axis of np.gradient with the coordinates x along it (np.gradient(u, x)): the prelude's
 * gradient_coords along the first axis, f's axis moved there and back. As NumPy: integer
 * coordinates become float64, their differences d = np.diff(x) taken; when every d equals d[0]
 * (the spacing is uniform) the scalar d[0] is the spacing (NumPy's shortcut, a float64 number),
 * else each point's three weights from its two neighbouring spacings, and second-order edges
 * from the first and last two. */
static value *gradient_coords(lctx *c, loc l, value *f, int axis, value *x, ir_type ot, int edge)
{
    int perm[IR_MAX_RANK];
    perm[0] = axis;
    for (int d = 0, k = 1; d < f->rank; d++)
        if (d != axis)
            perm[k++] = d;
    value *fa = axis ? lw_transpose_perm(c, l, f, perm) : f;
    if (ir_type_is_int(x->type)) {
        value *xf = lw_vnew(V_ARRAY, l);
        *xf = *x;
        xf->fresh = NULL;
        xf->type = T_F64;
        xf->e = ir_cast(l, T_F64, x->e);
        x = xf;
    }
    value *dt = lw_vnew(V_DTYPE, l);
    dt->type = ot;
    value *args[] = {fa, x, lw_scalar(l, lw_I64(l, edge), 1), dt};
    args[2]->s = sym_const(edge);
    value *r = lw_call_prelude(c, l, "gradient_coords", 4, args);
    if (r->kind != V_ARRAY || !axis)
        return r;
    int inv[IR_MAX_RANK];
    for (int d = 0; d < f->rank; d++)
        inv[perm[d]] = d;
    return lw_materialize(c, lw_transpose_perm(c, l, r, inv));
}

static value *np_gradient(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)v;
    value *x = a->npos ? a->pos[0] : NULL;
    value *axisv = NULL;
    int64_t edge = 1;
    for (int k = 0; k < a->nkw; k++) {
        if (strcmp(a->kwname[k], "edge_order") == 0) {
            if (!lw_const_int_arg(a->kw[k], "edge_order", &edge))
                return &lw_ERRV;
            if (edge != 1 && edge != 2) {
                diag_error(a->kw[k]->l, edge > 2 ? "'edge_order' greater than 2 not supported"
                                                 : "np.gradient(): edge_order must be 1 or 2");
                return &lw_ERRV;
            }
        } else if (strcmp(a->kwname[k], "axis") == 0)
            axisv = a->kw[k];
        else {
            diag_error(a->kwast[k]->l, "np.gradient() got an unexpected keyword argument '%s'", a->kwname[k]);
            return &lw_ERRV;
        }
    }
    if (!x || x->kind != V_ARRAY) {
        if (!x)
            diag_error(l, "np.gradient() missing required argument 'f' (pos 1)");
        else if (x->kind != V_ERR)
            diag_error(x->l, "np.gradient() takes an array, not %s", lw_vkind_desc(x));
        return &lw_ERRV;
    }
    x = lw_no_phantoms(c, x); /* its axes found by their view dimensions */
    int axes[IR_MAX_RANK], naxes = x->rank;
    for (int d = 0; d < x->rank; d++)
        axes[d] = d;
    if (given(axisv)) {
        if (!lw_axis_arg(axisv, x->rank, "np.gradient", &axes[0]))
            return &lw_ERRV;
        naxes = 1;
    }
    int nsp = a->npos - 1;
    if (nsp != 0 && nsp != 1 && nsp != naxes) {
        diag_error(l, "invalid number of arguments");
        return &lw_ERRV;
    }
    for (int i = 1; i < a->npos; i++)
        if (a->pos[i]->kind != V_SCALAR) {
            if (a->pos[i]->kind == V_ERR)
                return &lw_ERRV;
            if (a->pos[i]->kind != V_ARRAY || a->pos[i]->type == T_BOOL || lw_is_complex(a->pos[i])) {
                diag_error(a->pos[i]->l, "np.gradient(): the spacing must be a number or a 1-D array of "
                                         "coordinates, not %s", lw_vkind_desc(a->pos[i]));
                return &lw_ERRV;
            }
            if (a->pos[i]->rank != 1) {
                diag_error(a->pos[i]->l, "distances must be either scalars or 1d");
                return &lw_ERRV;
            }
            if (naxes != 1 && nsp == 1) { /* NumPy spreads only a scalar spacing over the axes */
                diag_error(l, "invalid number of arguments");
                return &lw_ERRV;
            }
            /* known lengths that differ: NumPy's message now, not the prelude's reads past d's
               end found when compiling (the run-time check covers the lengths not known) */
            int64_t nx, nf;
            const sym *sf = x->sh[axes[nsp == 1 ? 0 : i - 1]];
            if (a->pos[i]->sh[0] && sym_is_const(a->pos[i]->sh[0], &nx) && sf && sym_is_const(sf, &nf) && nx != nf) {
                diag_error(a->pos[i]->l, "when 1d, distances must match the length of the corresponding dimension");
                return &lw_ERRV;
            }
        }
    ir_type ot = ir_type_is_float(x->type) ? x->type : T_F64;
    value *fx = x;
    if (ir_type_is_int(x->type)) { /* NumPy converts integer input to float64 first */
        fx = lw_vnew(V_ARRAY, l);
        *fx = *x;
        fx->fresh = NULL;
        fx->type = T_F64;
        fx->e = ir_cast(l, T_F64, x->e);
    }
    fx = lw_as_view(c, fx);
    /* at least edge_order + 1 points along every axis differentiated */
    for (int i = 0; i < naxes; i++) {
        int64_t k;
        const sym *s = x->sh[axes[i]];
        if (s && sym_is_const(s, &k) && k >= edge + 1)
            continue;
        if (s && sym_is_const(s, &k)) {
            diag_error(l, "Shape of array too small to calculate a numerical gradient, at least "
                          "(edge_order + 1) elements are required.");
            return &lw_ERRV;
        }
        lw_emit_raise(c, l, ir_bin(l, OP_CLT, T_BOOL, x->len[axes[i]], lw_I64(l, edge + 1), 0),
                      "ValueError: Shape of array too small to calculate a numerical gradient, at "
                      "least (edge_order + 1) elements are required.");
    }
    value *res[IR_MAX_RANK];
    for (int i = 0; i < naxes; i++) {
        value *dx = nsp == 0 ? weak_f(l, 1.0) : a->pos[nsp == 1 ? 1 : 1 + i];
        if (dx->kind == V_ARRAY)
            res[i] = gradient_coords(c, l, fx, axes[i], dx, ot, (int)edge);
        else
            res[i] = gradient_axis(c, l, fx, axes[i], dx, ot, (int)edge);
        if (res[i]->kind == V_ERR)
            return &lw_ERRV;
    }
    if (naxes == 1)
        return res[0];
    value *t = lw_vnew(V_TUPLE, l);
    t->n = naxes;
    t->items = NEWN(value *, naxes);
    for (int i = 0; i < naxes; i++)
        t->items[i] = res[i];
    return t;
}

/* ---- norm, trapezoid ------------------------------------------------------------------------ */

static value *abs_of(lctx *c, loc l, value *x) { return lw_unop(c, l, OP_ABS, x); }

/* np.linalg.norm(x, ord=None, axis=None, keepdims=False) as NumPy computes it: ord None (and 2
 * of a vector, 'fro' of a matrix) is sqrt(sum(x * x)); of a vector ord 1 is sum(|x|), inf
 * max(|x|), -inf min(|x|); of a matrix ord 1 is the largest column sum of |x|, inf the largest
 * row sum. Integers are converted to float64 first. keepdims=True (with axis=) keeps the reduced
 * axis with extent 1, as the reductions' keepdims= does: m / norm(m, axis=1, keepdims=True). */
static value *np_norm(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = v[0];
    if (!lw_is_array_arg(x, f))
        return &lw_ERRV;
    int ok = 1;
    int keepdims = lw_const_flag(v[3], 0, "keepdims", &ok);
    if (!ok)
        return &lw_ERRV;
    if (keepdims && !given(v[2])) {
        diag_error(v[3]->l, "%s(): keepdims=True is supported with axis= (an int)", f);
        return &lw_ERRV;
    }
    if (!ir_type_is_float(x->type)) {
        value *fx = lw_vnew(V_ARRAY, l);
        *fx = *x;
        fx->fresh = NULL;
        fx->type = T_F64;
        fx->e = ir_cast(l, T_F64, x->e);
        x = fx;
    }
    /* ord: 0 None, 'f' fro, else the number */
    int kind = 0;
    double ord = 0;
    value *ov = v[1];
    if (given(ov)) {
        if (ov->kind == V_STR && (strcmp(ov->str, "fro") == 0 || strcmp(ov->str, "f") == 0))
            kind = 'f';
        else if (ov->kind == V_SCALAR && ov->e->kind == E_CONST && ov->type != T_BOOL) {
            kind = 'n';
            ord = ir_type_is_float(ov->type) ? ov->e->c.f : (double)ov->e->c.i;
        } else if (ov->kind == V_SCALAR && ov->e->kind == E_UN && ov->e->op == OP_NEG &&
                   ov->e->a->kind == E_CONST && ir_type_is_float(ov->type)) {
            kind = 'n';
            ord = -ov->e->a->c.f;
        } else {
            diag_error(ov->l, "%s(): ord must be None, 'fro', 1, 2, np.inf or -np.inf (known when "
                              "compiling)", f);
            return &lw_ERRV;
        }
    }
    int axis = -1;
    if (given(v[2])) {
        if (!lw_axis_arg(v[2], x->rank, f, &axis))
            return &lw_ERRV;
        if (kind == 'f') {
            diag_error(ov->l, "Invalid norm order 'fro' for vectors");
            return &lw_ERRV;
        }
    } else if (kind && x->rank > 2) {
        diag_error(l, "Improper number of dimensions to norm.");
        return &lw_ERRV;
    }
    int vec = axis >= 0 || x->rank == 1;
    if (vec && kind == 'f') {
        diag_error(ov->l, "Invalid norm order 'fro' for vectors");
        return &lw_ERRV;
    }
    if (!kind || kind == 'f' || (vec && ord == 2)) {
        if (axis < 0)
            return lw_reduce(c, l, "norm", x);
        value *s = lw_reduce_axis(c, l, "sum", lw_binop(c, l, OP_MUL, x, x), axis, keepdims);
        if (s->kind == V_ERR)
            return s;
        value *r = lw_vnew(s->kind, l);
        *r = *s;
        r->fresh = NULL;
        r->e = lw_call1(l, FN_SQRT, s->type, s->e);
        return r;
    }
    int inf = isinf(ord);
    if (!(ord == 1 || (inf && (vec || ord > 0)))) {
        diag_error(ov->l, vec ? "%s(): ord=%g of a vector is not supported (None, 1, 2, np.inf and "
                                "-np.inf are)"
                              : "%s(): ord=%g of a matrix is not supported (None, 'fro', 1 and np.inf are)",
                   f, ord);
        return &lw_ERRV;
    }
    value *ax = abs_of(c, l, x);
    if (vec) {
        const char *k = ord == 1 ? "sum" : ord > 0 ? "max" : "min";
        return axis < 0 ? lw_reduce(c, l, k, ax) : lw_reduce_axis(c, l, k, ax, axis, keepdims);
    }
    /* a matrix: the largest column sum (ord 1) or row sum (inf) */
    value *sums = lw_reduce_axis(c, l, "sum", ax, ord == 1 ? 0 : 1, 0);
    return sums->kind == V_ERR ? sums : lw_reduce(c, l, "max", sums);
}

/* np.trapezoid(y, x=None, dx=1.0, axis=-1) of a 1-D y: sum(d * (y[1:] + y[:-1]) / 2.0), d the
 * spacing dx or np.diff(x). */
static value *np_trapezoid(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *y = v[0], *x = v[1];
    if (f[3] == 't' && f[7] == 'z' && f[8] == '\0') {
        diag_error(l, "np.trapz was removed in NumPy 2.4; use np.trapezoid");
        return &lw_ERRV;
    }
    if (y->kind != V_ARRAY || y->rank != 1) {
        if (y->kind != V_ERR)
            diag_error(y->l, "%s() is supported for 1-D arrays", f);
        return &lw_ERRV;
    }
    if (given(v[3])) {
        int axis;
        if (!lw_axis_arg(v[3], 1, f, &axis))
            return &lw_ERRV;
    }
    y = lw_as_view(c, y);
    ir_expr *n1 = ir_bin(l, OP_MAX, T_I64, ir_bin(l, OP_SUB, T_I64, y->len[0], lw_I64(l, 1), 0), lw_I64(l, 0), 0);
    const sym *sn1 = y->sh[0] ? sym_sub(y->sh[0], sym_const(1)) : NULL;
    value *d;
    if (given(x)) {
        if (x->kind != V_ARRAY || x->rank != 1) {
            if (x->kind != V_ERR)
                diag_error(x->l, "%s(): x must be a 1-D array", f);
            return &lw_ERRV;
        }
        x = lw_as_view(c, x);
        d = lw_binop(c, l, OP_SUB, lw_along(l, x, 0, lw_I64(l, 1), sym_const(1), n1, sn1),
                     lw_along(l, x, 0, lw_I64(l, 0), sym_const(0), n1, sn1));
    } else
        d = given(v[2]) ? v[2] : weak_f(l, 1.0);
    value *avg = lw_binop(c, l, OP_ADD, lw_along(l, y, 0, lw_I64(l, 1), sym_const(1), n1, sn1),
                          lw_along(l, y, 0, lw_I64(l, 0), sym_const(0), n1, sn1));
    value *t = lw_binop(c, l, OP_TRUEDIV, lw_binop(c, l, OP_MUL, d, avg), weak_f(l, 2.0));
    return lw_reduce(c, l, "sum", t);
}

/* ---- interp ------------------------------------------------------------------------------- */

/* np.interp(x, xp, fp, left=, right=, period=). With xp and fp tables of at most INTERP_MAX
 * numbers known when compiling (their elements may be computed at run time): NumPy's arr_interp, unrolled into one select per
 * interval: left below xp[0], right above xp[-1], fp[j] at x == xp[j], else
 * slope * (x - xp[j]) + fp[j], retried from the right end when that is nan; nan stays nan. */
#define INTERP_MAX 64

/* A float64 array of the samples (a list or tuple: NumPy's array of it), or NULL (reported). */
static value *interp_samples(lctx *c, const char *f, value *p)
{
    if (p->kind == V_TUPLE && !p->cplx)
        p = lw_array_literal(c, p->l, &(args){.pos = &p, .npos = 1}, 0);
    if (p->kind == V_ERR)
        return NULL;
    if (p->kind != V_ARRAY || p->rank != 1) {
        diag_error(p->l, "%s(): the sample points and values must be 1-D, not %s", f,
                   p->kind == V_ARRAY ? arena_printf(&util_arena, "a %d-D array", p->rank) : lw_vkind_desc(p));
        return NULL;
    }
    return p->type == T_F64 ? p : lw_materialize(c, lw_cast_to(p->l, p, T_F64));
}

/* np.interp with sample arrays of any length, or period=: NumPy's arr_interp point by point in
 * the prelude (interp_at: NaN kept, left and right outside, the bisection NumPy's search ends
 * with, fp[j] at a sample point, the slope from the right end where the left one gives NaN);
 * with period=, NumPy's normalisation first (x and xp modulo |period|, xp sorted, one sample
 * added at each end), left= and right= ignored as NumPy ignores them. x is a number or a 1-D
 * array; the result, a new array every rank holds whole. */
static value *interp_general(lctx *c, loc l, const char *f, value **v)
{
    value *x = v[0];
    if (x->kind == V_ARRAY && x->rank != 1) {
        diag_error(x->l, "%s() of a %d-D x is supported when the sample points and values are tables of at "
                         "most %d numbers known when compiling (x.ravel() for others)", f, x->rank, INTERP_MAX);
        return &lw_ERRV;
    }
    value *xp = interp_samples(c, f, v[1]), *fp = interp_samples(c, f, v[2]);
    if (!xp || !fp)
        return &lw_ERRV;
    for (int i = 3; i < 6; i++)
        if (given(v[i]) && v[i]->kind != V_SCALAR) {
            diag_error(v[i]->l, "%s(): %s must be a number", f, i == 3 ? "left" : i == 4 ? "right" : "period");
            return &lw_ERRV;
        }
    value *xf = x->kind == V_SCALAR ? lw_scalar(l, ir_cast(l, T_F64, x->e), 0)
                                    : x->type == T_F64 ? x : lw_materialize(c, lw_cast_to(l, x, T_F64));
    if (given(v[5])) {
        ir_expr *per = ir_cast(l, T_F64, v[5]->e);
        lw_emit_raise(c, l, ir_bin(l, OP_CEQ, T_BOOL, per, ir_const_f(l, T_F64, 0.0), 0),
                      "ValueError: period must be a non-zero value");
        value *args[] = {xf, xp, fp, lw_scalar(l, ir_un(l, OP_ABS, T_F64, per), 0)};
        return lw_call_prelude(c, l, x->kind == V_SCALAR ? "interp_ps" : "interp_p1", 4, args);
    }
    value *args[] = {xf, xp, fp,
                     given(v[3]) ? lw_scalar(l, ir_cast(l, T_F64, v[3]->e), 0) : lw_scalar(l, ir_const_f(l, T_F64, 0.0), 0),
                     given(v[4]) ? lw_scalar(l, ir_cast(l, T_F64, v[4]->e), 0) : lw_scalar(l, ir_const_f(l, T_F64, 0.0), 0),
                     lw_scalar(l, ir_const_i(l, T_BOOL, given(v[3])), 1),
                     lw_scalar(l, ir_const_i(l, T_BOOL, given(v[4])), 1)};
    return lw_call_prelude(c, l, x->kind == V_SCALAR ? "interp_s" : "interp1", 7, args);
}

static value *np_interp(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = v[0], *xp = v[1], *fp = v[2];
    if (x->kind == V_TUPLE && !x->keys && !x->cplx) /* np.interp([-1.0, 2.5], xp, fp): np.asarray of it */
        x = v[0] = lw_seq_operand(c, x, arena_printf(&util_arena, "%s()", f));
    if (x->kind != V_SCALAR && x->kind != V_ARRAY) {
        if (x->kind != V_ERR)
            diag_error(x->l, "%s() of %s is not supported", f, lw_vkind_desc(x));
        return &lw_ERRV;
    }
    int table = !given(v[5]); /* both samples a table of at most INTERP_MAX numbers: one sweep */
    for (int i = 1; i < 3; i++) {
        int64_t len;
        if (v[i]->kind == V_ERR)
            return &lw_ERRV;
        if (v[i]->kind == V_ARRAY)
            table &= v[i]->rank == 1 && sym_is_const(v[i]->sh[0], &len) && len <= INTERP_MAX;
        else if (v[i]->kind == V_TUPLE)
            table &= v[i]->n <= INTERP_MAX;
    }
    if (!table)
        return interp_general(c, l, f, v);
    for (int i = 1; i < 3; i++) {
        int64_t len;
        if (v[i]->kind == V_ARRAY && v[i]->rank == 1 && sym_is_const(v[i]->sh[0], &len) &&
            len <= INTERP_MAX) {
            /* a table of a length known when compiling (np.array([...]), np.linspace(a, b,
             * 5)): its elements read once, into scalars */
            value *arr = v[i];
            ir_var *slot = lw_whole_slot(arr);
            if (!slot)
                slot = lw_whole_slot(arr = lw_materialize(c, arr));
            value *t = lw_vnew(V_TUPLE, arr->l);
            t->n = (int)len;
            t->items = NEWN(value *, len + 1);
            for (int64_t k = 0; k < len; k++) {
                ir_expr **idx = NEWN(ir_expr *, 1);
                idx[0] = lw_I64(l, k);
                ir_var *tmp = lw_temp_scalar(c, arr->type);
                ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
                as->var = tmp;
                as->e = ir_elem(l, slot, idx);
                lw_emit(c, as);
                t->items[k] = lw_scalar(arr->l, ir_varref(l, tmp), 0);
            }
            v[i] = t;
        }
        if (v[i]->kind != V_TUPLE) {
            if (v[i]->kind != V_ERR)
                diag_error(v[i]->l, "%s(): the sample points and values must be lists, tuples or "
                                    "1-D arrays of a length known when compiling (at most %d; here "
                                    "%s)", f, INTERP_MAX, v[i]->kind == V_ARRAY ? "an array of another "
                                    "length" : lw_vkind_desc(v[i]));
            return &lw_ERRV;
        }
    }
    xp = v[1];
    fp = v[2];
    if (xp->n != fp->n) {
        diag_error(fp->l, "fp and xp are not of the same length.");
        return &lw_ERRV;
    }
    if (xp->n == 0) {
        diag_error(xp->l, "array of sample points is empty");
        return &lw_ERRV;
    }
    if (xp->n > INTERP_MAX) {
        diag_error(xp->l, "%s() with more than %d sample points is not supported", f, INTERP_MAX);
        return &lw_ERRV;
    }
    int K = xp->n;
    value *X[INTERP_MAX], *Y[INTERP_MAX];
    for (int i = 0; i < K; i++) {
        value *p = xp->items[i], *q = fp->items[i];
        if (p->kind != V_SCALAR || q->kind != V_SCALAR) {
            value *bad = p->kind != V_SCALAR ? p : q;
            if (bad->kind != V_ERR)
                diag_error(bad->l, "%s(): the sample points and values must be numbers", f);
            return &lw_ERRV;
        }
        X[i] = lw_scalar(l, ir_cast(l, T_F64, p->e), 0);
        Y[i] = lw_scalar(l, ir_cast(l, T_F64, q->e), 0);
    }
    for (int i = 3; i < 5; i++)
        if (given(v[i]) && v[i]->kind != V_SCALAR) {
            diag_error(v[i]->l, "%s(): left and right must be scalars", f);
            return &lw_ERRV;
        }
    value *lval = given(v[3]) ? lw_scalar(l, ir_cast(l, T_F64, v[3]->e), 0) : Y[0];
    value *rval = given(v[4]) ? lw_scalar(l, ir_cast(l, T_F64, v[4]->e), 0) : Y[K - 1];
    value *xf = lw_binop(c, l, OP_ADD, x, lw_scalar(l, ir_const_f(l, T_F64, 0.0), 0));
    if (x->kind == V_SCALAR)
        xf = lw_scalar(l, ir_cast(l, T_F64, x->e), 0);
    else if (x->type != T_F64) {
        xf = lw_vnew(V_ARRAY, l);
        *xf = *x;
        xf->fresh = NULL;
        xf->type = T_F64;
        xf->e = ir_cast(l, T_F64, x->e);
    } else
        xf = x;
    value *r;
    if (K == 1)
        r = lw_where3(c, l, lw_binop(c, l, OP_CLT, xf, X[0]), lval,
                      lw_where3(c, l, lw_binop(c, l, OP_CGT, xf, X[0]), rval, Y[0]));
    else {
        r = lw_where3(c, l, lw_binop(c, l, OP_CGT, xf, X[K - 1]), rval, Y[K - 1]);
        for (int j = K - 2; j >= 0; j--) {
            value *slope = lw_binop(c, l, OP_TRUEDIV, lw_binop(c, l, OP_SUB, Y[j + 1], Y[j]),
                                    lw_binop(c, l, OP_SUB, X[j + 1], X[j]));
            value *t = lw_binop(c, l, OP_ADD, lw_binop(c, l, OP_MUL, slope, lw_binop(c, l, OP_SUB, xf, X[j])), Y[j]);
            value *t2 = lw_binop(c, l, OP_ADD, lw_binop(c, l, OP_MUL, slope, lw_binop(c, l, OP_SUB, xf, X[j + 1])),
                                 Y[j + 1]);
            value *t3 = lw_where3(c, l, lw_binop(c, l, OP_BAND, lw_binop(c, l, OP_CNE, t2, t2),
                                                 lw_binop(c, l, OP_CEQ, Y[j], Y[j + 1])), Y[j], t2);
            value *seg = lw_where3(c, l, lw_binop(c, l, OP_CEQ, xf, X[j]), Y[j],
                                   lw_where3(c, l, lw_binop(c, l, OP_CNE, t, t), t3, t));
            r = lw_where3(c, l, lw_binop(c, l, OP_CLT, xf, X[j + 1]), seg, r);
        }
        r = lw_where3(c, l, lw_binop(c, l, OP_CLT, xf, X[0]), lval, r);
        r = lw_where3(c, l, lw_binop(c, l, OP_CNE, xf, xf), xf, r); /* (one point: fp[0]) */
    }
    if (r->kind == V_ARRAY)
        r = lw_materialize(c, r);
    return r;
}

static const lw_builtin calculus[] = {
    {"np.gradient", {"*"}, 0, np_gradient},
    {"np.linalg.norm", {"x", "ord", "axis", "keepdims"}, 1, np_norm},
    {"np.trapezoid", {"y", "x", "dx", "axis"}, 1, np_trapezoid},
    {"np.trapz", {"y", "x", "dx", "axis"}, LW_REFUSED, np_trapezoid},
    {"np.interp", {"x", "xp", "fp", "left", "right", "period"}, 3, np_interp},
};
const lw_builtin *lw_calculus_find(const char *name, int method)
{
    return method ? NULL : lw_builtin_find(calculus, sizeof calculus / sizeof *calculus, name);
}
