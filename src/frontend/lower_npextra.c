/* lower_npextra.c: small NumPy functions that stencil and particle programs use, each as
 * NumPy computes it:
 *   np.fmax(a, b) / np.fmin(a, b): C's fmax as NumPy's loops give it, `a == a && (a > b ||
 *       b != b) ? a : b` (fmin: <): the number where one side is NaN, the second operand on
 *       ties and where both are NaN (NumPy's SIMD and scalar loops differ there: -0.0 against
 *       0.0, and the sign of a NaN from two NaNs, are not specified);
 *   np.signbit(x): the sign bit (copysign(1, x) < 0: -0.0 and -nan too); x < 0 for integers;
 *   np.reciprocal(x) of floats: 1 / x in x's type;
 *   np.nancumsum(a, axis): np.cumsum of a with NaN replaced by 0, as _nanfunctions_impl.py;
 *   np.digitize(x, bins, right=False): np.searchsorted(bins, x, side='right') for increasing
 *       bins ('left' with right=True), len(bins) - the search of bins[::-1] for decreasing ones,
 *       NumPy's ValueError for bins neither (checked when running, as NumPy's
 *       check_array_monotonic decides: lower_search.c's digitize_mono);
 *   np.take(a, indices, axis): a[indices] along axis (a 1-D a without axis=), through the
 *       indexing of the program's own subscripts (negative indices, NumPy's IndexError); an
 *       index array along a later axis is taken from the view with that axis first, its axes
 *       then moved back to the axis's place;
 *   np.atleast_1d / np.atleast_2d / np.atleast_3d of one array: views with axes of extent 1
 *       added where NumPy adds them ((n,) -> (1, n) -> (1, n, 1); (m, n) -> (m, n, 1));
 *   np.isscalar(x): known when compiling (numbers and strings are scalars, arrays are not).
 *
 * Requires: arguments lowered and matched (lw_npfuncs_find finds this table).
 * Establishes: the values, or a located diagnostic. */

#include "lower_internal.h"

#include <string.h>

static int given(value *v) { return v && v->kind != V_NONE; }

static ir_expr *copysign_one(loc l, ir_type t, ir_expr *x)
{
    ir_expr **args = NEWN(ir_expr *, 2);
    args[0] = ir_const_f(l, t, 1.0);
    args[1] = x;
    return ir_call(l, FN_COPYSIGN, t, 2, args);
}

static int numeric(value *x, const char *f)
{
    if (x->kind == V_ARRAY || x->kind == V_SCALAR)
        return 1;
    if (x->kind != V_ERR)
        diag_error(x->l, "%s() takes an array or a number, not %s", f, lw_vkind_desc(x));
    return 0;
}

/* np.fmax, np.fmin (x1, x2) */
static value *np_fmaxmin(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = lw_seq_arg(c, v[0], f), *y = lw_seq_arg(c, v[1], f);
    if (!numeric(x, f) || !numeric(y, f))
        return &lw_ERRV;
    value *wins = lw_binop(c, l, strcmp(f, "np.fmax") == 0 ? OP_CGT : OP_CLT, x, y);
    value *cond = lw_binop(c, l, OP_BAND, lw_binop(c, l, OP_CEQ, x, x),
                           lw_binop(c, l, OP_BOR, wins, lw_binop(c, l, OP_CNE, y, y)));
    return lw_where3(c, l, cond, x, y);
}

/* np.signbit(x) */
static value *np_signbit(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = lw_seq_arg(c, v[0], f);
    if (!numeric(x, f))
        return &lw_ERRV;
    if (!ir_type_is_float(x->type) || x->kind == V_SCALAR) {
        if (x->kind == V_SCALAR && ir_type_is_float(x->type)) {
            ir_expr *cs = copysign_one(l, T_F64, ir_cast(l, T_F64, x->e));
            return lw_scalar(l, ir_bin(l, OP_CLT, T_BOOL, cs, ir_const_f(l, T_F64, 0.0), 0), 0);
        }
        return lw_binop(c, l, OP_CLT, x, lw_scalar(l, lw_I64(l, 0), 1));
    }
    value *r = lw_vnew(V_ARRAY, l);
    *r = *x;
    r->fresh = NULL;
    r->type = T_BOOL;
    r->e = ir_bin(l, OP_CLT, T_BOOL, copysign_one(l, x->type, x->e),
                  ir_const_f(l, x->type, 0.0), 0);
    return r;
}

/* np.reciprocal(x) of floats */
static value *np_reciprocal(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = lw_seq_arg(c, v[0], f);
    if (!numeric(x, f))
        return &lw_ERRV;
    if (!ir_type_is_float(x->type)) {
        diag_error(x->l, "%s() of integers is not supported (NumPy's integer reciprocal is 0 for |x| > 1); "
                         "write 1.0 / x", f);
        return &lw_ERRV;
    }
    return lw_binop(c, l, OP_TRUEDIV, lw_scalar(l, ir_const_f(l, x->type, 1.0), x->kind == V_SCALAR && x->weak), x);
}

/* np.nancumsum(a, axis=None) */
static value *np_nancumsum(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = lw_seq_arg(c, v[0], f);
    if (!lw_is_array_arg(x, f))
        return &lw_ERRV;
    if (ir_type_is_float(x->type))
        x = lw_materialize(c, lw_where3(c, l, lw_binop(c, l, OP_CEQ, x, x), x,
                                        lw_scalar(l, ir_const_f(l, x->type, 0.0), 0)));
    return lw_cumsum(c, l, x, given(v[1]) ? v[1] : NULL);
}

/* np.digitize(x, bins, right=False) */
static value *np_digitize(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = lw_seq_arg(c, v[0], f), *bins = lw_seq_arg(c, v[1], f);
    int ok = 1, right = lw_const_flag(v[2], 0, "right", &ok);
    if (!ok || !numeric(x, f))
        return &lw_ERRV;
    if (bins->kind != V_ARRAY || bins->rank != 1) {
        if (bins->kind != V_ERR)
            diag_error(bins->l, "%s(): bins must be 1-D (a list or an array)", f);
        return &lw_ERRV;
    }
    bins = lw_as_view(c, bins);
    ir_expr *n = bins->len[0];
    /* NumPy's _monotonicity (lower_search.c's digitize_mono): 1 increasing, -1 decreasing */
    int64_t nb;
    ir_expr *m = lw_I64(l, 1); /* no bins: increasing (its b[0] is not read) */
    if (!(sym_is_const(bins->sh[0], &nb) && nb == 0)) {
        value *b = bins->e->kind == E_READ ? bins : lw_materialize(c, bins);
        value *mono = lw_call_prelude(c, l, "digitize_mono", 1, &b);
        if (mono->kind == V_ERR)
            return &lw_ERRV;
        m = lw_in_temp(c, l, ir_cast(l, T_I64, mono->e));
        lw_emit_raise(c, l, ir_bin(l, OP_CEQ, T_BOOL, m, lw_I64(l, 0), 0),
                      "ValueError: bins must be monotonically increasing or decreasing");
    }
    ast *sub = ast_slice(l, NULL, NULL, ast_int(l, -1));
    vec items = {0};
    vec_push(&items, sub);
    value *rev = lw_index_array(c, bins, ast_subscript(l, NULL, items, 0), 0);
    value *side = lw_vnew(V_STR, l);
    side->str = right ? "left" : "right";
    value *sa[4] = {bins, x, side, NULL}, *sb[4] = {rev, x, side, NULL};
    const lw_builtin *ss = lw_search_find("np.searchsorted", 0);
    value *up = ss->fn(c, l, "np.digitize", sa, a);
    value *down = ss->fn(c, l, "np.digitize", sb, a);
    if (up->kind == V_ERR || down->kind == V_ERR)
        return &lw_ERRV;
    down = lw_binop(c, l, OP_SUB, lw_scalar(l, n, 0), down);
    return lw_where3(c, l, lw_scalar(l, ir_bin(l, OP_CEQ, T_BOOL, m, lw_I64(l, 1), 0), 0), up, down);
}

/* np.take(a, indices, axis=None): a[indices] along axis, lowered as the subscript is */
static value *np_take(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = lw_seq_arg(c, v[0], f);
    if (!lw_is_array_arg(x, f))
        return &lw_ERRV;
    for (int i = 3; i < 5; i++)
        if (given(v[i])) {
            diag_error(v[i]->l, "%s(): %s= is not supported", f, i == 3 ? "out" : "mode");
            return &lw_ERRV;
        }
    int axis = 0;
    if (given(v[2])) {
        if (!lw_axis_arg(v[2], x->rank, f, &axis))
            return &lw_ERRV;
    } else if (x->rank != 1) {
        diag_error(x->l, "%s() without axis= of a %d-D array takes from its ravel(); give axis= (or pass "
                         "a.ravel())", f, x->rank);
        return &lw_ERRV;
    }
    /* the indices are a name of a scope of their own, read by the subscript */
    scope *as = NEW(scope);
    as->parent = c->sc;
    binding *b = NEW(binding);
    b->name = "%take";
    b->kind = B_VALUE;
    b->val = lw_seq_arg(c, v[1], f); /* a list of indices as the int array NumPy makes of it */
    if (v[1]->kind == V_TUPLE && v[1]->n == 0 && b->val->kind == V_ARRAY && b->val->type != T_I64)
        b->val = lw_materialize(c, lw_cast_to(l, b->val, T_I64)); /* np.take(a, []): intp */
    vec_push(&as->binds, b);
    x = lw_as_view(c, x);
    /* an index array along a later axis: taken along the first axis of a transposed view, the
     * index's axes then moved to where the axis was (a[:, idx] is an index array after a ':') */
    int m = b->val->kind == V_ARRAY ? b->val->rank : 0, perm[IR_MAX_RANK];
    if (m && axis > 0) {
        if (x->rank - 1 + m > IR_MAX_RANK) {
            diag_error(v[1]->l, "%s(): the result would have %d dimensions (at most %d)", f, x->rank - 1 + m,
                       IR_MAX_RANK);
            return &lw_ERRV;
        }
        if (m == 1) { /* NumPy's message names the axis, not the transposed view's 0 */
            value *ix = b->val->e->kind == E_READ ? b->val : lw_materialize(c, b->val);
            value *ca[3] = {ix, lw_scalar(l, x->len[axis], 0), lw_scalar(l, lw_I64(l, axis), 0)};
            if (lw_call_prelude(c, l, "take_check", 3, ca)->kind == V_ERR)
                return &lw_ERRV;
            b->val = ix;
        }
        for (int d = 0; d < x->rank; d++)
            perm[d] = d == 0 ? axis : d <= axis ? d - 1 : d;
        x = lw_transpose_perm(c, l, x, perm);
    }
    vec items = {0};
    for (int d = 0; d < (m ? 0 : axis); d++)
        vec_push(&items, ast_slice(l, NULL, NULL, NULL));
    vec_push(&items, ast_name(v[1]->l, b->name));
    scope *saved = c->sc;
    c->sc = as;
    value *r = lw_index_array(c, x, ast_subscript(l, NULL, items, 0), 0);
    c->sc = saved;
    if (m && axis > 0 && r->kind == V_ARRAY) {
        for (int d = 0; d < r->rank; d++) /* result axis d reads the taken array's */
            perm[d] = d < axis ? m + d : d < axis + m ? d - axis : d;
        r = lw_transpose_perm(c, l, lw_as_view(c, r), perm);
    }
    return r;
}

/* np.atleast_1d / _2d / _3d of one array or number */
static value *np_atleast(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)v;
    if (a->npos != 1 || a->nkw) {
        diag_error(l, "%s() of one array is supported (call it once per array)", f);
        return &lw_ERRV;
    }
    value *x = lw_seq_arg(c, a->pos[0], f);
    if (!numeric(x, f))
        return &lw_ERRV;
    int want = f[11] - '0';
    if (x->kind == V_SCALAR) {
        ir_expr *one[1] = {lw_I64(l, 1)};
        const sym *sone[1] = {sym_const(1)};
        x = lw_new_array(c, l, x->weak ? (ir_type_is_float(x->type) ? T_F64 : x->type == T_BOOL ? T_BOOL : T_I64) : x->type,
                         1, one, sone, 2, x->e);
    }
    if (x->rank >= want)
        return x;
    /* NumPy: 1-D (n,) -> (1, n) and (1, n, 1); 2-D (m, n) -> (m, n, 1) */
    vec items = {0};
    if (x->rank == 1)
        vec_push(&items, ast_new(A_NONE, l));
    for (int d = 0; d < x->rank; d++)
        vec_push(&items, ast_slice(l, NULL, NULL, NULL));
    if (want == 3)
        vec_push(&items, ast_new(A_NONE, l));
    return lw_index_array(c, lw_as_view(c, x), ast_subscript(l, NULL, items, 0), 0);
}

/* np.isscalar(x) */
static value *np_isscalar(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)c, (void)f, (void)a;
    value *x = v[0];
    int yes = x->kind == V_SCALAR || x->kind == V_STR || x->kind == V_FSTR || (x->kind == V_TUPLE && x->cplx);
    return lw_scalar(l, ir_const_i(l, T_BOOL, yes), 1);
}

static const lw_builtin np_table[] = {
    {"np.fmax", {"x1", "x2"}, 2, np_fmaxmin},
    {"np.fmin", {"x1", "x2"}, 2, np_fmaxmin},
    {"np.signbit", {"x"}, 1, np_signbit},
    {"np.reciprocal", {"x"}, 1, np_reciprocal},
    {"np.nancumsum", {"a", "axis"}, 1, np_nancumsum},
    {"np.digitize", {"x", "bins", "right"}, 2, np_digitize},
    {"np.take", {"a", "indices", "axis", "out", "mode"}, 2, np_take},
    {"np.atleast_1d", {"*"}, 0, np_atleast},
    {"np.atleast_2d", {"*"}, 0, np_atleast},
    {"np.atleast_3d", {"*"}, 0, np_atleast},
    {"np.isscalar", {"element"}, 1, np_isscalar},
};

const lw_builtin *lw_npextra_find(const char *name, int method)
{
    return method ? NULL : lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, name);
}
