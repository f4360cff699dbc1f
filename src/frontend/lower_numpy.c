/* lower_numpy.c: NumPy functions over arrays: ufuncs, np.where, np.roll, np.load, axis helpers,
 * and the dispatch of np.* calls and array methods to them, to the reductions (lower_reduce.c)
 * and to the creators in lower_arrays.c. Requires: arguments lowered and matched
 * against NumPy's parameter names. Establishes: an unsupported NumPy name is a diagnostic that
 * lists what is supported. */

#include "lower_internal.h"

#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "input_decl.h"
#include "npy_input.h"

/* ---- ufuncs, reductions, np.roll, np.load --------------------------------------------------- */

static const struct { const char *name; ir_fn fn; } ufuncs[] = {
    {"sqrt", FN_SQRT}, {"exp", FN_EXP}, {"log", FN_LOG}, {"sin", FN_SIN}, {"cos", FN_COS},
    {"tan", FN_TAN}, {"tanh", FN_TANH}, {"floor", FN_FLOOR}, {"ceil", FN_CEIL}, {"sign", FN_SIGN},
    {"arcsin", FN_ASIN}, {"arccos", FN_ACOS}, {"arctan", FN_ATAN}, {"sinh", FN_SINH},
    {"cosh", FN_COSH}, {"arcsinh", FN_ASINH}, {"arccosh", FN_ACOSH}, {"arctanh", FN_ATANH},
    {"log10", FN_LOG10}, {"log2", FN_LOG2}, {"exp2", FN_EXP2}, {"expm1", FN_EXPM1},
    {"log1p", FN_LOG1P}, {"cbrt", FN_CBRT}, {"trunc", FN_TRUNC}, {"rint", FN_RINT},
};

/* NumPy's two-argument float ufuncs that are libm functions. */
static const struct { const char *name; ir_fn fn; } ufuncs2[] = {
    {"arctan2", FN_ATAN2}, {"hypot", FN_HYPOT}, {"copysign", FN_COPYSIGN}, {"fmod", FN_FMOD},
};

/* np.arctan2(y, x) and the other two-argument libm ufuncs: broadcast and promoted as an
 * addition would be (ints become float64), then the function of the two operands. */
static value *ufunc2(lctx *c, loc l, ir_fn fn, value *x, value *y)
{
    if (x->kind == V_ERR || y->kind == V_ERR)
        return &lw_ERRV;
    if (x->kind == V_MASKED || y->kind == V_MASKED) { /* np.arctan2(a[m], b[m]) */
        value *ops[2] = {x, y}, *sel;
        int k = lw_masked_operands(arena_printf(&util_arena, "np.%s", ir_fn_name(fn)), ops, 2, &sel);
        if (k < 0)
            return &lw_ERRV;
        return lw_masked_result(sel, ufunc2(c, l, fn, ops[0], ops[1]));
    }
    if (fn == FN_FMOD && !ir_type_is_float(x->type) && !ir_type_is_float(y->type)) {
        diag_error(l, "np.fmod() of integers is not supported (use %% for Python's modulo)");
        return &lw_ERRV;
    }
    if (x->kind == V_SCALAR && y->kind == V_SCALAR) {
        ir_type t = lw_promote_vals(x, y);
        t = ir_type_is_float(t) ? t : T_F64;
        ir_expr **args = NEWN(ir_expr *, 2);
        args[0] = ir_cast(l, t, x->e);
        args[1] = ir_cast(l, t, y->e);
        return lw_scalar(l, ir_call(l, fn, t, 2, args), 0);
    }
    value *r = lw_binop(c, l, OP_ADD, x, y);
    if (r->kind != V_ARRAY || r->e->kind != E_BIN)
        return r->kind == V_ERR ? r : (diag_error(l, "np.%s() of these operands is not supported",
                                                  ir_fn_name(fn)), &lw_ERRV);
    ir_type t = ir_type_is_float(r->type) ? r->type : T_F64;
    ir_expr **args = NEWN(ir_expr *, 2);
    args[0] = ir_cast(l, t, r->e->a);
    args[1] = ir_cast(l, t, r->e->b);
    r->type = t;
    r->e = ir_call(l, fn, t, 2, args);
    return r;
}
static value *ufunc1(lctx *c, loc l, ir_fn fn, value *x)
{
    if (x->kind == V_ERR)
        return x;
    if (x->kind == V_MASKED) { /* np.sqrt(a[m]): np.sqrt(a)[m] */
        value *sel;
        if (lw_masked_operands(arena_printf(&util_arena, "np.%s", ir_fn_name(fn)), &x, 1, &sel) < 0)
            return &lw_ERRV;
        return lw_masked_result(sel, ufunc1(c, l, fn, x));
    }
    if (x->kind != V_SCALAR && x->kind != V_ARRAY) {
        diag_error(x->l, "np.%s() of %s is not supported", ir_fn_name(fn), lw_vkind_desc(x));
        return &lw_ERRV;
    }
    ir_type t = x->type;
    if ((fn == FN_FLOOR || fn == FN_CEIL || fn == FN_TRUNC) && !ir_type_is_float(t))
        return x; /* NumPy 2 keeps integers as they are */
    ir_type rt = fn == FN_SIGN ? (t == T_BOOL ? T_I64 : t) : ir_type_is_float(t) ? t : T_F64;
    ir_expr **args = NEWN(ir_expr *, 1);
    args[0] = ir_cast(l, rt, x->e);
    ir_expr *e = ir_call(l, fn, rt, 1, args);
    if (x->kind == V_SCALAR)
        return lw_scalar(l, e, 0);
    value *r = lw_vnew(V_ARRAY, l);
    *r = *x;
    r->l = l;
    r->fresh = NULL;
    r->type = rt;
    r->e = e;
    return r;
}

/* np.where(c, a, b): three operands broadcast together. */
value *lw_where3(lctx *c, loc l, value *cond, value *a, value *b)
{
    cond = lw_seq_operand(c, cond, "np.where()"); /* np.where(m, a, [1.0, 2.0]): np.asarray of it */
    a = lw_seq_operand(c, a, "np.where()");
    b = lw_seq_operand(c, b, "np.where()");
    if (cond->kind == V_ERR || a->kind == V_ERR || b->kind == V_ERR)
        return &lw_ERRV;
    for (value **v = (value *[]){cond, a, b}, **e = v + 3; v < e; v++)
        if ((*v)->kind != V_SCALAR && (*v)->kind != V_ARRAY) {
            diag_error((*v)->l, "np.where() of %s is not supported", lw_vkind_desc(*v));
            return &lw_ERRV;
        }
    ir_type t = lw_promote_vals(a, b);
    ir_expr *ce = cond->type == T_BOOL ? cond->e
                  : ir_bin(l, OP_CNE, T_BOOL, cond->e,
                           ir_type_is_float(cond->type) ? ir_const_f(l, cond->type, 0.0) : ir_const_i(l, cond->type, 0), 0);
    if (cond->kind == V_SCALAR && a->kind == V_SCALAR && b->kind == V_SCALAR)
        return lw_scalar(l, ir_select(l, t, ce, ir_cast(l, t, a->e), ir_cast(l, t, b->e)), 0);
    value ab = {0}, r = {0};
    ab.kind = V_ARRAY;
    ab.l = a->l;
    int sa, sb, sab, sc;
    unsigned ma, mb, mab, mc;
    if (!lw_broadcast(c, l, a, b, &ab, &sa, &ma, &sb, &mb))
        return &lw_ERRV;
    if (ab.rank == 0) { /* a and b are scalars: the condition gives the shape */
        ab.kind = V_SCALAR;
    }
    value cv = *cond;
    cv.e = ce;
    if (!lw_broadcast(c, l, &cv, &ab, &r, &sc, &mc, &sab, &mab))
        return &lw_ERRV;
    ir_expr *ea = ir_cast(l, t, a->kind == V_ARRAY ? lw_remap(lw_remap(a->e, sa, ma), sab, mab) : a->e);
    ir_expr *eb = ir_cast(l, t, b->kind == V_ARRAY ? lw_remap(lw_remap(b->e, sb, mb), sab, mab) : b->e);
    ir_expr *ec = cond->kind == V_ARRAY ? lw_remap(ce, sc, mc) : ce;
    value *res = lw_vnew(V_ARRAY, l);
    res->type = t;
    res->rank = r.rank;
    for (int d = 0; d < r.rank; d++) {
        res->sh[d] = r.sh[d];
        res->len[d] = r.len[d];
    }
    res->e = ir_select(l, t, ec, ea, eb);
    return res;
}

/* np.roll(a, shift, axis): a periodic view (indices taken modulo the extent). */
static value *roll(lctx *c, loc l, value *a, value *shift, value *axis)
{
    if (a->kind != V_ARRAY) {
        if (a->kind != V_ERR)
            diag_error(a->l, "np.roll() of %s is not supported", lw_vkind_desc(a));
        return &lw_ERRV;
    }
    ir_expr *sh = lw_int_operand(shift, "the shift of np.roll()");
    if (!sh)
        return &lw_ERRV;
    int64_t ax = 0;
    if (axis && axis->kind != V_NONE) {
        if (!lw_known_int(axis, &ax)) {
            diag_error(axis->l, "the axis of np.roll() must be an integer constant");
            return &lw_ERRV;
        }
    } else if (a->rank != 1) {
        diag_error(l, "np.roll() without axis= flattens the array, which is not supported; give axis=");
        return &lw_ERRV;
    }
    if (ax < 0)
        ax += a->rank;
    if (ax < 0 || ax >= a->rank) {
        diag_error(axis->l, "axis %lld is out of bounds for array of dimension %d", (long long)ax, a->rank);
        return &lw_ERRV;
    }
    /* roll whole dimensions of an array: anything else is computed first */
    if (a->e->kind != E_READ || !lw_whole_slot(a))
        a = lw_materialize(c, a);
    ir_view *v = ir_view_clone(a->e->view);
    ir_dim *m = &v->dim[ax];
    m->wrap = m->len;
    int64_t k, n;
    /* a shift of a whole turn or more reads as its remainder (roll(f, 7) of 6 rows is roll(f, 1)):
     * the periodic view takes one turn at most, and read outside the array */
    if (ir_expr_const_int(sh, &k) && a->sh[ax] && sym_is_const(a->sh[ax], &n) && n > 0 && (k >= n || k <= -n))
        sh = lw_I64(l, k % n);
    if (ir_expr_const_int(sh, &k) && k == 0) /* a periodic view at offset 0 would alias a: a copy */
        return lw_copy_of(c, l, a);
    if (ir_expr_const_int(sh, &k) && k != INT64_MIN)
        m->lo = lw_I64(l, -k);
    else { /* -shift overflows for int64's minimum, -(shift + n) does not (the same modulo n);
            * the test is for that one value, which ir_range.c knows a table's shift is not */
        const ir_expr *sv = sh->kind == E_CAST ? sh->a : sh;
        if (sv->kind != E_VAR && sv->kind != E_CONST && sv->kind != E_ELEM) { /* computed once */
            ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
            as->var = lw_temp_scalar(c, T_I64);
            as->e = sh;
            lw_emit(c, as);
            sh = ir_varref(l, as->var);
        }
        m->lo = ir_select(l, T_I64, ir_bin(l, OP_CEQ, T_BOOL, sh, lw_I64(l, INT64_MIN), 0),
                          ir_un(l, OP_NEG, T_I64, ir_bin(l, OP_ADD, T_I64, sh, m->len, 1)),
                          ir_un(l, OP_NEG, T_I64, sh));
    }
    m->slo = NULL;
    value *r = lw_vnew(V_ARRAY, l);
    *r = *a;
    r->l = l;
    r->fresh = NULL;
    r->e = ir_read(l, v);
    return r;
}
int lw_view_has_wrap(ir_view *v)
{
    for (int d = 0; d < v->rank; d++)
        if (v->dim[d].kind == D_RANGE && v->dim[d].wrap)
            return 1;
    return 0;
}
static value *load(lctx *c, loc l, value *fname)
{
    if (fname->kind != V_STR) {
        diag_error(fname->l, "np.load() needs the file name as a string literal");
        return &lw_ERRV;
    }
    ir_type t = T_F64; /* set by npy_input_peek when it succeeds */
    int rank = 0;
    int64_t fshape[IR_MAX_RANK];
    const char *why = NULL;
    /* a declared input (input_decl.c) is not looked for: the program checks it when it runs,
     * and none of its extents is known, so none is taken as a broadcast 1 */
    int st;
    if (input_decl_find(fname->str, &t, &rank)) {
        st = 1;
        for (int d = 0; d < IR_MAX_RANK; d++)
            fshape[d] = -1;
    } else {
        st = npy_input_peek(fname->str, &t, &rank, fshape, &why);
    }
    if (st == 0) {
        diag_error(fname->l, "cannot see '%s' at compile time: the compiler reads its dtype and number "
                             "of dimensions from the file (looked in the working directory, next to "
                             "the program and in PROGRAM.data/), or declare it: '# tyles: input %s "
                             "DTYPE RANK' or tylesc --input %s=DTYPE,RANK", fname->str, fname->str,
                   fname->str);
        return &lw_ERRV;
    }
    if (st < 0) {
        diag_error(fname->l, "%s", why);
        return &lw_ERRV;
    }
    ir_var *tmp = lw_temp_slot(c, t, rank);
    ir_stmt *s = ir_stmt_new(S_LOAD, l);
    s->var = tmp;
    s->str = fname->str;
    lw_emit(c, s);
    /* The file's shape is known only at run time: one opaque atom per extent, so arrays
     * derived from it have extents that differ from it by constants (halo reasoning). An
     * extent of 1 in the file seen now is taken as the constant 1, as NumPy broadcasts it
     * (a (1, ny) depth against (nx, ny) fields); the run time checks that the file still has it. */
    const sym **sh = NEWN(const sym *, rank);
    for (int d = 0; d < rank; d++) {
        if (fshape[d] == 1) {
            sh[d] = sym_const(1);
            s->init |= 1 << d;
            continue;
        }
        char key[96], disp[96];
        snprintf(key, sizeof key, "np.load@%d:%d#%d", l.line, l.col, d);
        snprintf(disp, sizeof disp, "np.load(...).shape[%d]", d);
        sh[d] = sym_var(sym_atom(arena_strdup(&util_arena, key), arena_strdup(&util_arena, disp)));
    }
    value *v = lw_slot_value(l, tmp, sh);
    v->fresh = tmp;
    return v;
}

/* ---- reductions along an axis, cumsum, diff ------------------------------------------------- */

/* The extents of a with axis left out (what reducing along it leaves). */
void lw_extents_without(value *a, int axis, ir_expr **len, const sym **sh)
{
    for (int d = 0, q = 0; d < a->rank; d++)
        if (d != axis) {
            len[q] = a->len[d];
            sh[q++] = a->sh[d];
        }
}

/* a with its axis-th own dimension fixed at index k (a value of one dimension less). */
value *lw_fix_axis(lctx *c, loc l, value *a, int axis, ir_expr *k)
{
    if (a->e->kind != E_READ || lw_view_has_wrap(a->e->view))
        a = lw_materialize(c, a);
    ir_view *v = ir_view_clone(a->e->view);
    value *r = lw_vnew(V_ARRAY, l);
    r->type = a->type;
    /* the value's own dimension axis is the range dimension with that box (a transposed view
     * has them in another order than the array's) */
    v->vrank = 0;
    for (int d = 0; d < v->rank; d++) {
        ir_dim *m = &v->dim[d];
        if (m->kind != D_RANGE)
            continue;
        if (m->box == axis) {
            m->kind = D_FIXED;
            m->lo = lw_iadd(l, m->lo, lw_imul(l, m->step, k));
            m->slo = NULL;
            continue;
        }
        if (m->box > axis)
            m->box--;
        v->vrank++;
    }
    for (int d = 0, q = 0; d < a->rank; d++)
        if (d != axis) {
            r->sh[q] = a->sh[d];
            r->len[q++] = a->len[d];
        }
    r->rank = a->rank - 1;
    r->e = ir_read(l, v);
    return r;
}

/* An axis= argument: a compile-time int in [-rank, rank), normalised. */
/* The int v holds when it is known when compiling: a constant, or a name whose static value is
 * known here (a function's parameter given 0 at the call: np.roll(a, k, axis=ax)). */
int lw_known_int(value *v, int64_t *k)
{
    if (!v || v->kind != V_SCALAR || !lw_is_int_scalar(v))
        return 0;
    return ir_expr_const_int(v->e, k) || (v->s && sym_is_const(v->s, k));
}

int lw_axis_arg(value *v, int rank, const char *fname, int *axis)
{
    int64_t k;
    if (v->kind == V_TUPLE) {
        diag_error(v->l, "%s() over a tuple of axes is not supported; reduce one axis at a time", fname);
        return 0;
    }
    if (!lw_known_int(v, &k)) {
        diag_error(v->l, "%s(): axis must be an int known when compiling", fname);
        return 0;
    }
    if (k < -rank || k >= rank) {
        diag_error(v->l, "axis %lld is out of bounds for array of dimension %d", (long long)k, rank);
        return 0;
    }
    *axis = (int)(k < 0 ? k + rank : k);
    return 1;
}

ir_stmt *lw_loop_over(lctx *c, loc l, ir_expr *lo, ir_expr *n, const char *name, ir_var **k)
{
    ir_stmt *st = ir_stmt_new(S_FOR, l);
    st->made = 1;
    st->e = lo;
    st->e2 = n;
    st->e3 = lw_I64(l, 1);
    if (n->kind != E_CONST && n->kind != E_VAR) {
        ir_var *tv = lw_temp_scalar(c, T_I64);
        ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
        as->var = tv;
        as->e = n;
        lw_emit(c, as);
        st->e2 = ir_varref(l, tv);
    }
    st->var = *k = ir_var_new(c->prog, lw_cname(c, name), name, T_I64, 0, 0);
    return st;
}

/* ---- the np.* functions: one lowering each, matched arguments in v (see lw_builtin) ------- */

value *lw_ufunc1(lctx *c, loc l, ir_fn fn, value *x) { return ufunc1(c, l, fn, x); }
value *lw_ufunc2(lctx *c, loc l, ir_fn fn, value *x, value *y) { return ufunc2(c, l, fn, x, y); }
static value *np_ufunc1(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    for (size_t i = 0; i < sizeof ufuncs / sizeof *ufuncs; i++)
        if (strcmp(f + 3, ufuncs[i].name) == 0) /* of a list: np.asarray of it (np.sqrt([1.0, 2.0])) */
            return ufunc1(c, l, ufuncs[i].fn, lw_seq_operand(c, v[0], arena_printf(&util_arena, "%s()", f)));
    return &lw_ERRV;
}
static value *np_ufunc2(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    for (size_t i = 0; i < sizeof ufuncs2 / sizeof *ufuncs2; i++)
        if (strcmp(f + 3, ufuncs2[i].name) == 0) {
            const char *w = arena_printf(&util_arena, "%s()", f);
            return ufunc2(c, l, ufuncs2[i].fn, lw_seq_operand(c, v[0], w), lw_seq_operand(c, v[1], w));
        }
    return &lw_ERRV;
}
static value *np_abs(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)a;
    value *r = lw_unop(c, l, OP_ABS, v[0]);
    if (r->kind == V_SCALAR)
        r->weak = 0;
    return r;
}
/* np.fabs: the absolute value as a float (an int array becomes float64) */
static value *np_fabs(lctx *c, loc l, const char *f, value **v, args *a)
{
    value *x = v[0];
    if ((x->kind == V_ARRAY || x->kind == V_SCALAR) && !ir_type_is_float(x->type))
        x = lw_binop(c, l, OP_MUL, x, lw_scalar(l, ir_const_f(l, T_F64, 1.0), 0));
    return np_abs(c, l, f, &x, a);
}
/* np.ptp(a): a.max() - a.min() */
static value *np_ptp(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)a;
    if (v[0]->kind != V_ARRAY) {
        if (v[0]->kind != V_ERR)
            diag_error(v[0]->l, "np.ptp() takes an array, not %s", lw_vkind_desc(v[0]));
        return &lw_ERRV;
    }
    return lw_binop(c, l, OP_SUB, lw_reduce(c, l, "max", v[0]), lw_reduce(c, l, "min", v[0]));
}
/* np.size(a), np.shape(a), np.ndim(a): the attributes */
static value *np_attrfn(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    if (v[0]->kind != V_ARRAY) {
        if (v[0]->kind != V_ERR)
            diag_error(v[0]->l, "%s() takes an array here, not %s", f, lw_vkind_desc(v[0]));
        return &lw_ERRV;
    }
    ast obj = {.kind = A_NAME, .l = l, .name = "<array>"}, at = {.kind = A_ATTR, .l = l, .a = &obj, .name = f + 3};
    return lw_attr_of(c, v[0], &at);
}
/* np.seterr(...) as a statement: how NumPy reports floating-point errors, which a compiled
 * program does not report (it computes inf and nan as NumPy does); nothing to do */
static value *np_seterr(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)c, (void)f, (void)a;
    for (int i = 0; i < 5; i++)
        if (v[i] && v[i]->kind != V_STR && v[i]->kind != V_NONE) {
            diag_error(v[i]->l, "np.seterr() takes strings ('ignore', 'warn', 'raise', ...)");
            return &lw_ERRV;
        }
    return lw_vnew(V_NONE, l);
}
/* np.finfo(dtype), np.iinfo(dtype): a dtype value marked so that .eps, .max, ... give the
 * constants (lower_expr.c, lw_finfo_attr) */
static value *np_finfo(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)c, (void)a;
    ir_type t;
    value *x = v[0];
    if (x->kind == V_ARRAY || x->kind == V_SCALAR)
        t = x->type;
    else if (!lw_dtype_of(x, &t))
        return &lw_ERRV;
    int fl = f[3] == 'f';
    if (fl != (ir_type_is_float(t) != 0) || (!fl && t != T_I64 && t != T_I32)) {
        diag_error(x->l, "%s() of %s is not supported (finfo: float64, float32; iinfo: int64, int32)", f,
                   ir_type_name(t));
        return &lw_ERRV;
    }
    value *r = lw_vnew(V_DTYPE, l);
    r->type = t;
    r->str = fl ? "finfo" : "iinfo";
    return r;
}
value *lw_finfo_attr(loc l, value *info, const char *n)
{
    static const struct {
        const char *name;
        double f64, f32;
    } fc[] = {{"eps", 2.220446049250313e-16, 1.1920928955078125e-07},
              {"epsneg", 1.1102230246251565e-16, 5.960464477539063e-08},
              {"tiny", 2.2250738585072014e-308, 1.1754943508222875e-38},
              {"smallest_normal", 2.2250738585072014e-308, 1.1754943508222875e-38},
              {"max", 1.7976931348623157e+308, 3.4028234663852886e+38},
              {"min", -1.7976931348623157e+308, -3.4028234663852886e+38},
              {"resolution", 1e-15, 1e-06}};
    if (strcmp(info->str, "finfo") == 0) {
        for (size_t i = 0; i < sizeof fc / sizeof *fc; i++)
            if (strcmp(fc[i].name, n) == 0)
                return lw_scalar(l, ir_const_f(l, info->type, info->type == T_F64 ? fc[i].f64 : fc[i].f32), 0);
    } else if (strcmp(n, "max") == 0 || strcmp(n, "min") == 0) {
        int64_t big = info->type == T_I64 ? INT64_MAX : INT32_MAX;
        value *r = lw_scalar(l, ir_const_i(l, T_I64, n[1] == 'a' ? big : -big - 1), 1);
        r->s = sym_const(n[1] == 'a' ? big : -big - 1);
        return r;
    }
    diag_error(l, "np.%s().%s is not supported (%s)", info->str, n,
               info->str[0] == 'f' ? "eps, epsneg, tiny, smallest_normal, max, min and resolution are"
                                   : "max and min are");
    return &lw_ERRV;
}
/* np.minimum, np.maximum, np.power */
static value *np_binop(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = lw_seq_operand(c, v[0], f), *y = lw_seq_operand(c, v[1], f); /* np.power([1, 2], 2) */
    f += 3;
    return lw_binop(c, l, f[0] == 'p' ? OP_POWER : f[1] == 'i' ? OP_NPMIN : OP_NPMAX, x, y);
}
/* np.add, np.subtract, ..., np.less, ...: the operators they are (a + b is np.add(a, b) in NumPy) */
static value *np_arith(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    static const struct {
        const char *name;
        ir_op op;
    } ops[] = {{"np.add", OP_ADD},           {"np.subtract", OP_SUB},     {"np.multiply", OP_MUL},
               {"np.divide", OP_TRUEDIV},    {"np.true_divide", OP_TRUEDIV},
               {"np.floor_divide", OP_FDIV}, {"np.mod", OP_MOD},          {"np.remainder", OP_MOD},
               {"np.less", OP_CLT},          {"np.less_equal", OP_CLE},   {"np.greater", OP_CGT},
               {"np.greater_equal", OP_CGE}, {"np.equal", OP_CEQ},        {"np.not_equal", OP_CNE}};
    /* np.negative and np.positive take one operand: v[1] is not theirs to read */
    int unary = strcmp(f, "np.negative") == 0 || strcmp(f, "np.positive") == 0;
    /* of two Python numbers, NumPy's: np.true_divide(1, 0.0) is inf, an np.float64 */
    value *w[2] = {v[0], unary ? NULL : v[1]}, *u[2] = {NULL, NULL};
    for (int k = 0; k < 2 - unary; k++) /* a list or tuple is np.asarray of it: np.add(x, [1.0, 2.0]) */
        u[k] = v[k] && v[k]->kind == V_TUPLE ? lw_seq_operand(c, v[k], f) : v[k];
    v = u;
    w[0] = v[0], w[1] = v[1];
    if (v[0] && v[0]->kind == V_SCALAR && v[0]->weak && (!v[1] || (v[1]->kind == V_SCALAR && v[1]->weak))) {
        w[0] = lw_scalar(v[0]->l, v[0]->e, 0);
        w[0]->type = v[0]->type;
        v = w;
    }
    if (strcmp(f, "np.negative") == 0)
        return lw_unop(c, l, OP_NEG, v[0]);
    if (strcmp(f, "np.positive") == 0)
        return lw_unop(c, l, OP_POS, v[0]);
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (strcmp(f, ops[i].name) == 0)
            return lw_binop(c, l, ops[i].op, v[0], v[1]);
    INTERNAL("np_arith: no operator for %s", f);
}
/* np.degrees, np.radians, np.rad2deg, np.deg2rad, np.square */
static value *np_scale(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    f += 3;
    value *x = v[0];
    if (f[0] == 's') /* np.square: x * x in x's type */
        return lw_binop(c, l, OP_MUL, x, x);
    /* NumPy multiplies by the constant 180/pi (or pi/180); ints become float64 */
    int to_deg = strcmp(f, "degrees") == 0 || strcmp(f, "rad2deg") == 0;
    double k = to_deg ? 180.0 / 3.141592653589793 : 3.141592653589793 / 180.0;
    return lw_binop(c, l, OP_MUL, x, lw_scalar(l, ir_const_f(l, T_F64, k), 1));
}
/* np.isnan, np.isinf, np.isfinite */
static value *np_isclass(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = v[0];
    if (f[5] == 'n') { /* NaN is the one value unequal to itself */
        if (x->kind == V_SCALAR && !ir_type_is_float(x->type))
            return lw_scalar(l, ir_const_i(l, T_BOOL, 0), 0);
        if (x->kind == V_ARRAY && !ir_type_is_float(x->type)) { /* as a float: C warns of ints */
            value *f64 = lw_vnew(V_ARRAY, l);
            *f64 = *x;
            f64->fresh = NULL;
            f64->e = ir_cast(l, T_F64, x->e);
            f64->type = T_F64;
            x = f64;
        }
        return lw_binop(c, l, OP_CNE, x, x);
    }
    value *inf = lw_scalar(l, ir_const_f(l, T_F64, INFINITY), 1);
    return lw_binop(c, l, f[5] == 'i' ? OP_CEQ : OP_CLT, lw_unop(c, l, OP_ABS, x), inf);
}
static value *np_where(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)v;
    if (a->npos == 1 && !a->nkw) /* np.where(cond): np.nonzero(cond) */
        return lw_nonzero(c, l, "np.where", a->pos[0]);
    if (a->npos != 3 || a->nkw) {
        diag_error(l, "np.where() takes a condition and two values, or a condition alone");
        return &lw_ERRV;
    }
    return lw_where3(c, l, a->pos[0], a->pos[1], a->pos[2]);
}
/* np.clip(x, lo, hi), x.clip(lo, hi): a bound that is None or not given is not applied
 * (np.clip(h, 0.0, None), the usual way to keep a depth non-negative) */
static value *clip(lctx *c, loc l, value *x, value *lov, value *hiv)
{
    int lo = lov && lov->kind != V_NONE, hi = hiv && hiv->kind != V_NONE;
    if (!lo && !hi) {
        diag_error(l, "clip() needs a lower or an upper bound (both are None)");
        return &lw_ERRV;
    }
    value *r = lo ? lw_binop(c, l, OP_NPMAX, x, lov) : x;
    return hi ? lw_binop(c, l, OP_NPMIN, r, hiv) : r;
}
static value *np_clip(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)a;
    return clip(c, l, v[0], v[1], v[2]);
}
static value *np_reduce(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)v;
    return lw_reduce_call(c, l, f + 3, a, NULL);
}
/* cumsum's dtype=: the items cast to it, then summed in it (NumPy's add.accumulate with that
 * dtype); narrower ints than int64 would be widened by the sum here, so they are refused. */
static value *cumsum_dtype(lctx *c, loc l, value *x, value *dt)
{
    ir_type t;
    if (!dt || dt->kind == V_NONE || x->kind != V_ARRAY)
        return x;
    if (!lw_dtype_of(dt, &t))
        return &lw_ERRV;
    if (!ir_type_is_float(t) && t != T_I64 && t != T_U64) {
        diag_error(dt->l, "cumsum(): dtype=%s is not supported (float64, float32, int64 and uint64 are)",
                   ir_type_name(t));
        return &lw_ERRV;
    }
    (void)c;
    return lw_cast_to(l, x, t);
}
static value *np_cumsum(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)a;
    value *x = cumsum_dtype(c, l, v[0], v[2]);
    return x->kind == V_ERR ? x : lw_cumsum(c, l, x, v[1]);
}
static value *np_cumprod(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    return lw_accumulate(c, l, f, OP_MUL, v[0], v[1]);
}
static value *np_diff(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)a;
    return lw_diff(c, l, v[0], v[1], v[2], v[3], v[4]);
}
static value *np_roll(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)a;
    value *ax = v[2] && v[2]->kind != V_NONE ? v[2] : NULL;
    if (v[1]->kind != V_TUPLE && !(ax && ax->kind == V_TUPLE))
        return roll(c, l, v[0], v[1], v[2]);
    /* np.roll(f, (cx, cy), axis=(0, 1)): one roll per (shift, axis) pair, shifts and axes
     * broadcast against each other as NumPy does (the same axis twice adds its shifts) */
    if (!ax) {
        diag_error(v[1]->l, "np.roll() with several shifts needs axis= (without it the array is "
                            "flattened, which is not supported)");
        return &lw_ERRV;
    }
    int ns = v[1]->kind == V_TUPLE ? v[1]->n : 1, na = ax->kind == V_TUPLE ? ax->n : 1;
    if (!ns || !na) {
        diag_error(!ns ? v[1]->l : ax->l, "np.roll() with no %s is not supported", !ns ? "shifts" : "axes");
        return &lw_ERRV;
    }
    if (ns != na && ns != 1 && na != 1) {
        diag_error(l, "np.roll(): shift and axis must have the same length (%d and %d)", ns, na);
        return &lw_ERRV;
    }
    int n = ns > na ? ns : na;
    value *r = v[0];
    for (int i = 0; i < n && r->kind != V_ERR; i++)
        r = roll(c, l, r, v[1]->kind == V_TUPLE ? v[1]->items[ns == 1 ? 0 : i] : v[1],
                 ax->kind == V_TUPLE ? ax->items[na == 1 ? 0 : i] : ax);
    return r;
}
static value *np_load(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)a;
    return load(c, l, v[0]);
}
/* The creators of lower_arrays.c match their own arguments (the table lists the parameters). */
static value *np_arrays(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)v;
    const char *n = f + 3;
    if (strcmp(n, "linspace") == 0)
        return lw_linspace(c, l, a);
    if (strcmp(n, "arange") == 0)
        return lw_arange(c, l, a);
    if (strcmp(n, "meshgrid") == 0)
        return lw_meshgrid(c, l, a);
    if (strcmp(n, "pad") == 0)
        return lw_pad(c, l, a);
    if (strcmp(n, "indices") == 0)
        return lw_indices(c, l, a);
    return lw_array_literal(c, l, a, n[1] == 'r');
}
/* np.ndarray(shape, dtype=): uninitialised, as np.empty */
static value *np_ndarray(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)a;
    int rank;
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    ir_type t = T_F64;
    if (!lw_shape_arg(v[0], &rank, len, sh) || (v[1] && v[1]->kind != V_NONE && !lw_dtype_of(v[1], &t)))
        return &lw_ERRV;
    return lw_new_array(c, l, t, rank, len, sh, 0, NULL);
}
/* np.zeros, np.ones, np.empty, np.full */
static value *np_creator(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    const char *n = f + 3;
    int full = n[0] == 'f', ones = n[0] == 'o', zeros = n[0] == 'z';
    int rank;
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    if (!lw_shape_arg(v[0], &rank, len, sh))
        return &lw_ERRV;
    ir_type t = T_F64;
    value *dt = full ? v[2] : v[1];
    if (full && v[1]->kind != V_SCALAR) {
        diag_error(v[1]->l, "np.full() takes a scalar fill value");
        return &lw_ERRV;
    }
    if (full && v[1]->mixed && !(dt && dt->kind != V_NONE)) {
        diag_error(v[1]->l, "this value is an int or a float depending on the path taken, so "
                            "the dtype of the array would too; give dtype= or convert it with "
                            "float() or int()");
        return &lw_ERRV;
    }
    if (full && v[1]->kind == V_SCALAR)
        t = v[1]->weak ? (v[1]->type == T_BOOL ? T_BOOL : ir_type_is_float(v[1]->type) ? T_F64 : T_I64)
                       : v[1]->type;
    if (dt && dt->kind != V_NONE && !lw_dtype_of(dt, &t))
        return &lw_ERRV;
    ir_expr *fill = full ? v[1]->e : ones ? ir_const_f(l, T_F64, 1.0) : NULL;
    return lw_new_array(c, l, t, rank, len, sh, zeros ? 1 : fill ? 2 : 0, fill);
}
/* np.zeros_like, np.ones_like, np.empty_like, np.full_like */
static value *np_like(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    const char *n = f + 3;
    int full = n[0] == 'f', ones = n[0] == 'o', zeros = n[0] == 'z';
    value *src = lw_array_arg(c, v[0], f);
    if (!src)
        return &lw_ERRV;
    ir_type t = src->type;
    value *dt = full ? v[2] : v[1];
    if (dt && dt->kind != V_NONE && !lw_dtype_of(dt, &t))
        return &lw_ERRV;
    if (full && v[1]->kind != V_SCALAR) {
        diag_error(v[1]->l, "np.full_like() takes a scalar fill value");
        return &lw_ERRV;
    }
    ir_expr *fill = full ? v[1]->e : ones ? ir_const_f(l, T_F64, 1.0) : NULL;
    return lw_new_array(c, l, t, src->rank, src->len, src->sh, zeros ? 1 : fill ? 2 : 0, fill);
}
static value *np_copy(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *src = lw_array_arg(c, v[0], f);
    return src ? lw_copy_of(c, l, src) : &lw_ERRV;
}
static value *np_save(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    if (v[0]->kind != V_STR && v[0]->kind != V_FSTR) {
        diag_error(v[0]->l, "np.save() needs the file name as a string, not %s", lw_vkind_desc(v[0]));
        return &lw_ERRV;
    }
    int c16 = lw_is_complex(v[1]);
    value *arr = v[1];
    if (c16) { /* its parts side by side: the bytes of the complex128 array */
        value *re = arr->items[0], *im = arr->items[1];
        if (re->kind != V_ARRAY || im->kind != V_ARRAY) {
            diag_error(v[1]->l, "np.save() of a complex number is not supported (of a complex array it is)");
            return &lw_ERRV;
        }
        arr = lw_stack_last(c, l, re, im);
        if (arr->kind == V_ERR)
            return arr;
    }
    /* None or an array not tested: NumPy would save None as a 0-d object array, which a
     * compiled program cannot write; it stops there instead, saying so */
    arr = lw_opt_array_use(c, v[1]->l, arr, "np.save() of None (NumPy writes it as a 0-d object "
                                            "array, pickled) is not supported: test it first");
    arr = lw_array_arg(c, arr, f);
    if (!arr)
        return &lw_ERRV;
    ir_var *slot = lw_whole_slot(arr);
    if (!slot)
        slot = lw_whole_slot(lw_materialize(c, arr));
    ir_stmt *s = ir_stmt_new(S_SAVE, l);
    s->init = c16 ? 3 : 0;
    if (v[0]->kind == V_FSTR) { /* built at run time (lower_format.c); ".npy" added then */
        s->sbuf = lw_str_build(c, l, v[0]);
        s->var = slot;
        lw_emit(c, s);
        return lw_vnew(V_NONE, l);
    }
    size_t len = strlen(v[0]->str);
    s->str = (len >= 4 && strcmp(v[0]->str + len - 4, ".npy") == 0)
                 ? v[0]->str
                 : arena_printf(&util_arena, "%s.npy", v[0]->str);
    s->var = slot;
    lw_emit(c, s);
    return lw_vnew(V_NONE, l);
}

/* The np.* functions: name, NumPy's parameters (those tylesc supports), required count. */
#define U1(n) {"np." n, {"x"}, 1, np_ufunc1}
/* where= is matched here so that lw_reduce_call can refuse it with NumPy's reason */
#define RED(n) {"np." n, {"a", "axis", "dtype", "out", "keepdims", "where"}, 1, np_reduce}
#define REDC(n) {"np." n, {"a", "axis", "out", "keepdims", "where"}, 1, np_reduce} /* no dtype */
static const lw_builtin np_table[] = {
    U1("sqrt"), U1("exp"), U1("log"), U1("sin"), U1("cos"), U1("tan"), U1("tanh"), U1("floor"),
    U1("ceil"), U1("sign"), U1("arcsin"), U1("arccos"), U1("arctan"), U1("sinh"), U1("cosh"),
    U1("arcsinh"), U1("arccosh"), U1("arctanh"), U1("log10"), U1("log2"), U1("exp2"),
    U1("expm1"), U1("log1p"), U1("cbrt"), U1("trunc"), U1("rint"),
    {"np.abs", {"x"}, 1, np_abs}, {"np.absolute", {"x"}, 1, np_abs}, {"np.fabs", {"x"}, 1, np_fabs},
    {"np.ptp", {"a"}, 1, np_ptp}, {"np.size", {"a"}, 1, np_attrfn}, {"np.shape", {"a"}, 1, np_attrfn},
    {"np.ndim", {"a"}, 1, np_attrfn},
    {"np.seterr", {"all", "divide", "over", "under", "invalid"}, 0, np_seterr},
    {"np.finfo", {"dtype"}, 1, np_finfo}, {"np.iinfo", {"type"}, 1, np_finfo},
    {"np.minimum", {"x1", "x2"}, 2, np_binop}, {"np.maximum", {"x1", "x2"}, 2, np_binop},
    {"np.power", {"x1", "x2"}, 2, np_binop},
    {"np.add", {"x1", "x2"}, 2, np_arith}, {"np.subtract", {"x1", "x2"}, 2, np_arith},
    {"np.multiply", {"x1", "x2"}, 2, np_arith}, {"np.divide", {"x1", "x2"}, 2, np_arith},
    {"np.true_divide", {"x1", "x2"}, 2, np_arith}, {"np.floor_divide", {"x1", "x2"}, 2, np_arith},
    {"np.mod", {"x1", "x2"}, 2, np_arith}, {"np.remainder", {"x1", "x2"}, 2, np_arith},
    {"np.negative", {"x"}, 1, np_arith}, {"np.positive", {"x"}, 1, np_arith},
    {"np.less", {"x1", "x2"}, 2, np_arith}, {"np.less_equal", {"x1", "x2"}, 2, np_arith},
    {"np.greater", {"x1", "x2"}, 2, np_arith}, {"np.greater_equal", {"x1", "x2"}, 2, np_arith},
    {"np.equal", {"x1", "x2"}, 2, np_arith}, {"np.not_equal", {"x1", "x2"}, 2, np_arith},
    {"np.arctan2", {"x1", "x2"}, 2, np_ufunc2}, {"np.hypot", {"x1", "x2"}, 2, np_ufunc2},
    {"np.copysign", {"x1", "x2"}, 2, np_ufunc2}, {"np.fmod", {"x1", "x2"}, 2, np_ufunc2},
    {"np.degrees", {"x"}, 1, np_scale}, {"np.radians", {"x"}, 1, np_scale},
    {"np.rad2deg", {"x"}, 1, np_scale}, {"np.deg2rad", {"x"}, 1, np_scale},
    {"np.square", {"x"}, 1, np_scale},
    {"np.isnan", {"x"}, 1, np_isclass}, {"np.isinf", {"x"}, 1, np_isclass},
    {"np.isfinite", {"x"}, 1, np_isclass},
    {"np.where", {"*"}, 0, np_where},
    {"np.clip", {"a", "a_min", "a_max"}, 3, np_clip},
    RED("sum"), REDC("max"), REDC("min"), RED("mean"), REDC("amax"), REDC("amin"), REDC("any"),
    REDC("all"), RED("prod"),
    {"np.cumsum", {"a", "axis", "dtype"}, 1, np_cumsum}, {"np.cumprod", {"a", "axis"}, 1, np_cumprod},
    {"np.diff", {"a", "n", "axis", "prepend", "append"}, 1, np_diff},
    {"np.roll", {"a", "shift", "axis"}, 2, np_roll},
    {"np.load", {"file"}, 1, np_load},
    {"np.loadtxt", {"*"}, 0, lw_loadtxt}, {"np.genfromtxt", {"*"}, 0, lw_loadtxt},
    {"np.linspace", {"start", "stop", "num", "endpoint", "retstep", "dtype", "axis"}, 2, np_arrays},
    {"np.arange", {"*"}, 0, np_arrays}, /* arange(stop) or arange(start, stop[, step]) */
    {"np.meshgrid", {"*"}, 0, np_arrays},
    {"np.array", {"object", "dtype"}, 1, np_arrays}, {"np.asarray", {"object", "dtype"}, 1, np_arrays},
    {"np.pad", {"array", "pad_width", "mode", "constant_values"}, 2, np_arrays},
    {"np.indices", {"dimensions", "dtype", "sparse"}, 1, np_arrays},
    {"np.ndarray", {"shape", "dtype"}, 1, np_ndarray},
    {"np.zeros", {"shape", "dtype", "order"}, 1, np_creator},
    {"np.ones", {"shape", "dtype", "order"}, 1, np_creator},
    {"np.empty", {"shape", "dtype", "order"}, 1, np_creator},
    {"np.full", {"shape", "fill_value", "dtype", "order"}, 2, np_creator},
    {"np.zeros_like", {"a", "dtype", "order"}, 1, np_like},
    {"np.ones_like", {"a", "dtype", "order"}, 1, np_like},
    {"np.empty_like", {"a", "dtype", "order"}, 1, np_like},
    {"np.full_like", {"a", "fill_value", "dtype", "order"}, 2, np_like},
    {"np.copy", {"a"}, 1, np_copy},
    {"np.save", {"file", "arr"}, 2, np_save},
};
#undef U1
#undef RED
#undef REDC

/* ---- methods of arrays: the receiver is a->self ---------------------------------------------- */

static value *m_copy(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)v;
    return lw_copy_of(c, l, a->self);
}
static value *m_reduce(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)v;
    if (a->self->kind == V_MASKED && !a->self->argw && a->self->n != 1 && (a->npos || a->nkw)) {
        /* F[m].mean(axis=0) of a mask of F's rows: lower_reduce.c */
        diag_error(l, "%s() of a boolean-mask selection takes no arguments", f);
        return &lw_ERRV;
    }
    return lw_reduce_call(c, l, f, a, a->self);
}
static value *m_cumprod(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f;
    return lw_accumulate(c, l, "cumprod", OP_MUL, a->self, v[0]);
}
static value *m_cumsum(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f;
    value *x = cumsum_dtype(c, l, a->self, v[1]);
    return x->kind == V_ERR ? x : lw_cumsum(c, l, x, v[0]);
}
static value *m_astype(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f;
    ir_type t;
    value *self = a->self;
    if (!lw_dtype_of(v[0], &t))
        return &lw_ERRV;
    value *r = lw_vnew(V_ARRAY, l);
    *r = *self;
    r->l = l;
    r->fresh = NULL;
    r->type = t;
    r->e = ir_cast(l, t, self->e);
    return r->e == self->e ? lw_copy_of(c, l, self) : r;
}
static value *m_clip(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f;
    return clip(c, l, a->self, v[0], v[1]);
}
/* x.item(): the Python number a NumPy scalar holds (a float32 becomes a float) */
static value *m_item(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)c, (void)f, (void)v;
    value *x = a->self;
    if (a->npos || a->nkw || x->kind != V_SCALAR) {
        diag_error(l, "item() is supported on a number (u[i, j].item(), u.max().item()); index "
                      "the array instead");
        return &lw_ERRV;
    }
    ir_type t = x->type == T_BOOL ? T_BOOL : ir_type_is_float(x->type) ? T_F64 : T_I64;
    value *r = lw_scalar(l, x->type == t ? x->e : ir_cast(l, t, x->e), 1);
    r->s = t == T_I64 ? x->s : NULL;
    return r;
}
/* x.tolist(): Python numbers (x.item() of each element) in nested lists, for arrays whose
 * extents are known when compiling and small (printed: print(hist.tolist())); a NumPy scalar's
 * is its Python number */
static value *tolist(lctx *c, loc l, value *x)
{
    if (x->kind == V_SCALAR) {
        ir_type t = x->type == T_BOOL ? T_BOOL : ir_type_is_float(x->type) ? T_F64 : T_I64;
        value *r = lw_scalar(l, x->type == t ? x->e : ir_cast(l, t, x->e), 1);
        r->s = t == T_I64 ? x->s : NULL;
        return r;
    }
    int64_t k;
    value *u = lw_unpack_array(c, l, x, sym_is_const(x->sh[0], &k) ? (int)k : 0);
    if (!u || u->kind == V_ERR)
        return &lw_ERRV;
    for (int i = 0; i < u->n; i++) {
        u->items[i] = tolist(c, l, u->items[i]);
        if (u->items[i]->kind == V_ERR)
            return &lw_ERRV;
    }
    u->is_list = 1;
    return u;
}
/* x.tolist() of a 1-D array whose extent is known only when running (a grid parameter's, a
 * selection's): the run-time list [v.item() for v in x'] of a copy x' made here (tolist() reads
 * the array when it is called), lowered as that comprehension is (lower_calls.c). */
static value *tolist_runtime(lctx *c, loc l, value *x)
{
    static int serial;
    const char *an = arena_printf(&util_arena, "%%tolist%d", serial);
    const char *vn = arena_printf(&util_arena, "%%tolist%d_v", serial++);
    binding *b = lw_bind(c, an);
    b->kind = B_VALUE;
    b->val = lw_materialize(c, x);
    vec clauses = {0};
    vec_push(&clauses, ast_for(l, ast_name(l, vn), ast_name(l, an), (vec){0}, (vec){0}));
    ast *item = ast_call(l, ast_attr(l, ast_name(l, vn), "item"), NULL);
    return lw_expr(c, ast_comp(l, 1, item, clauses));
}
static value *m_tolist(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)v;
    value *x = a->self;
    int64_t size = 1, k;
    int known = x->kind == V_SCALAR;
    if (x->kind == V_ARRAY && x->rank >= 1) {
        known = 1;
        for (int d = 0; known && d < x->rank; d++)
            known = x->sh[d] && (sym_is_const(x->sh[d], &k) || sym_min_const(x->sh[d], &k)) && k >= 0 &&
                    k <= 256 && (size *= k) <= 256; /* no
                                                              * overflow: reshape(2, 2**63 - 1) */
    }
    if (a->npos || a->nkw) {
        diag_error(l, "tolist() takes no arguments");
        return &lw_ERRV;
    }
    if (!known && x->kind == V_ARRAY && x->rank == 1 && !lw_is_complex(x))
        return tolist_runtime(c, l, x);
    if (!known || lw_is_complex(x)) {
        diag_error(l, "tolist() is supported for a real number, a real 1-D array, and a real array "
                      "of at most 256 elements whose shape is known when compiling (print the array "
                      "itself, or index it, otherwise)");
        return &lw_ERRV;
    }
    /* an extent of at most k when compiling (a slice that a parameter's value may clip,
     * lower_index.c sym_slice: z[:3, :3] of a 2 x 2 z, found by h120's differential.py seed
     * 2205) is checked when running: tolist() is compiled for k */
    for (int d = 0; x->kind == V_ARRAY && d < x->rank; d++) {
        int64_t kl;
        if (x->len[d] && !ir_expr_const_int(x->len[d], &kl) && (sym_is_const(x->sh[d], &k) || sym_min_const(x->sh[d], &k)))
            lw_emit_raise(c, l, ir_bin(l, OP_CNE, T_BOOL, x->len[d], lw_I64(l, k), 0),
                          arena_printf(&util_arena, "tolist() is compiled for extent %lld of axis %d (the extent "
                                                    "when no slice is clipped), but it is another when running "
                                                    "(a slice past the end of a smaller array)",
                                       (long long)k, d));
    }
    if (x->kind == V_ARRAY) { /* the checked extents, as constants: a copy of that shape */
        int clipped = 0;
        value *y = lw_vnew(V_ARRAY, l);
        *y = *x;
        for (int d = 0; d < x->rank; d++)
            if (!sym_is_const(x->sh[d], &k) && sym_min_const(x->sh[d], &k)) {
                y->sh[d] = sym_const(k);
                clipped = 1;
            }
        if (clipped)
            x = lw_materialize(c, y);
    }
    return tolist(c, l, x);
}
#define MRED(n) {n, {"axis", "dtype", "out", "keepdims", "where"}, 0, m_reduce}
#define MREDC(n) {n, {"axis", "out", "keepdims", "where"}, 0, m_reduce}
static const lw_builtin method_table[] = {
    {"copy", {NULL}, 0, m_copy}, MRED("sum"), MREDC("max"), MREDC("min"), MRED("mean"), MREDC("any"),
    MREDC("all"), MRED("prod"), {"cumsum", {"axis", "dtype"}, 0, m_cumsum}, {"cumprod", {"axis"}, 0, m_cumprod}, {"astype", {"dtype"}, 1, m_astype},
    {"clip", {"min", "max"}, 0, m_clip}, {"item", {"*"}, 0, m_item}, {"tolist", {"*"}, 0, m_tolist},
};
#undef MRED
#undef MREDC

value *lw_call_numpy(lctx *c, const char *f, ast *call, value *self)
{
    loc l = call->l;
    if (strcmp(f, "np.fromfunction") == 0) {
        /* The lambda is not lowered as an expression: its body is lowered with its
         * parameters bound to index arrays. */
        if (call->args.len < 2) {
            diag_error(l, "np.fromfunction() takes a lambda and a shape");
            return &lw_ERRV;
        }
        ast *lam = VEC_AT(call->args, 0, ast *);
        value *fnv = lw_expr(c, lam);
        value *shp = lw_expr(c, VEC_AT(call->args, 1, ast *));
        ir_type t = T_F64;
        for (int k = 0; k < call->kwargs.len; k++) {
            ast *kw = VEC_AT(call->kwargs, k, ast *);
            if (strcmp(kw->name, "dtype") == 0) {
                if (!lw_dtype_of(lw_expr(c, kw->a), &t))
                    return &lw_ERRV;
            } else {
                diag_error(kw->l, "np.fromfunction() got an unexpected keyword argument '%s'", kw->name);
                return &lw_ERRV;
            }
        }
        int rank;
        ir_expr *len[IR_MAX_RANK];
        const sym *sh[IR_MAX_RANK];
        if (fnv->kind == V_ERR || !lw_shape_arg(shp, &rank, len, sh))
            return &lw_ERRV;
        if (fnv->kind != V_LAMBDA && fnv->kind != V_FUNC) {
            diag_error(fnv->l, "np.fromfunction() needs a lambda or a function as its first argument");
            return &lw_ERRV;
        }
        ast *def = fnv->def;
        if (def->params.len != rank) {
            diag_error(fnv->l, "the function takes %d argument%s but the shape has %d dimension%s",
                       def->params.len, def->params.len == 1 ? "" : "s", rank, rank == 1 ? "" : "s");
            return &lw_ERRV;
        }
        scope *s = NEW(scope);
        s->parent = fnv->defscope;
        s->is_function = 1;
        s->prefix = lw_cname(c, "lambda");
        scope *caller = c->sc;
        c->sc = s;
        for (int d = 0; d < rank; d++) {
            ast *p = VEC_AT(def->params, d, ast *);
            value *iv = lw_vnew(V_ARRAY, p->l);
            iv->type = t;
            iv->rank = rank;
            for (int k = 0; k < rank; k++) {
                iv->sh[k] = sh[k];
                iv->len[k] = len[k];
            }
            iv->e = ir_index(p->l, t, d);
            binding *b = lw_bind(c, p->name);
            b->kind = B_VALUE;
            b->val = iv;
        }
        value *body;
        int nb = def->kind == A_DEF ? def->body.len : 0;
        ast *last = nb ? VEC_AT(def->body, nb - 1, ast *) : NULL;
        if (def->kind == A_LAMBDA)
            body = lw_expr(c, def->a);
        else if (last && last->kind == A_RETURN && last->a && !lw_returns_early(def) &&
                 !lw_has_yield(&def->body)) {
            /* a def whose statements end with its one return: its body run on the index arrays */
            vec assigned = {0};
            lw_assigned_names(&def->body, &assigned);
            for (int i = 0; i < assigned.len; i++)
                vec_push(&s->locals, assigned.items[i]);
            vec stmts = def->body;
            stmts.len--;
            lw_block(c, &stmts);
            body = lw_expr(c, last->a);
        } else {
            body = &lw_ERRV;
            diag_error(fnv->l, "np.fromfunction() of a def is supported when the def ends with its only "
                               "return; use a lambda");
        }
        c->sc = caller;
        if (body->kind == V_ERR)
            return &lw_ERRV;
        if (body->kind != V_ARRAY || body->rank != rank) {
            diag_error(def->l, "the %s of np.fromfunction() must compute an array from its index "
                               "arguments (it returned %s)", def->kind == A_LAMBDA ? "lambda" : "function",
                       lw_vkind_desc(body));
            return &lw_ERRV;
        }
        value *r = lw_new_array(c, l, body->type, rank, len, sh, 0, NULL);
        lw_emit_sweep(c, l, r, body, 1);
        return r;
    }
    if (!self && !call->kwargs.len && (call->args.len == 1 || call->args.len == 2)) {
        /* np.sum(u.ravel()), np.dot(r.ravel(), r.ravel()): u and r themselves (lw_unravelled) */
        static const char *whole[] = {"np.sum", "np.max", "np.min", "np.amax", "np.amin", "np.mean",
                                      "np.argmax", "np.argmin", "np.linalg.norm", NULL};
        static const char *pair[] = {"np.dot", "np.vdot", "np.inner", NULL};
        const char **names = call->args.len == 1 ? whole : pair;
        for (int i = 0; names[i]; i++)
            if (strcmp(f, names[i]) == 0) {
                if (call->args.len == 2)
                    return lw_dot_ast(c, l, f, VEC_AT(call->args, 0, ast *), VEC_AT(call->args, 1, ast *));
                ast *x = lw_unravelled(c, VEC_AT(call->args, 0, ast *));
                if (x) {
                    ast *n = NEW(ast);
                    *n = *call;
                    n->args = ast_vec1(x);
                    call = n;
                }
            }
    }
    args a = lw_args(c, call);
    if (lw_any_err(&a))
        return &lw_ERRV;
    a.self = self;
    const lw_builtin *fb = self ? NULL : lw_fft_find(f); /* complex data or not */
    if (fb)
        return lw_builtin_call(c, fb, l, &a);
    if (lw_complex_call(f, &a)) /* np.abs(z), z.conj(), np.zeros(n, dtype=complex) */
        return lw_complex_numpy(c, f, l, &a);
    if (self) {
        const lw_builtin *m = lw_builtin_find(method_table, sizeof method_table / sizeof *method_table, f);
        if (!m)
            m = lw_npfuncs_find(f, 1);
        if (m)
            return lw_builtin_call(c, m, l, &a);
        diag_error(l, "the array method '%s' is not supported", f);
        return &lw_ERRV;
    }
    const lw_builtin *b = lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, f);
    if (!b)
        b = lw_npfuncs_find(f, 0);
    if (b)
        return lw_builtin_call(c, b, l, &a);
    diag_error(l, "'%s' is not supported in a stencil program", f);
    diag_note((loc){0}, "%s", lw_supported_numpy_note());
    return &lw_ERRV;
}

/* np.f(...) or the method f (a->self) with its arguments already lowered: the tables' lowering
 * (lower_complex.c calls it once per part). */
value *lw_numpy_table_call(lctx *c, const char *f, loc l, args *a)
{
    const lw_builtin *b = a->self ? lw_builtin_find(method_table, sizeof method_table / sizeof *method_table, f)
                                  : lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, f);
    if (!b)
        b = lw_npfuncs_find(f, a->self != NULL);
    if (!b) {
        diag_error(l, "'%s' is not supported in a stencil program", f);
        return &lw_ERRV;
    }
    return lw_builtin_call(c, b, l, a);
}

int lw_numpy_known(const char *name)
{
    char f[64];
    snprintf(f, sizeof f, "np.%s", name);
    return lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, f) || lw_npfuncs_find(f, 0);
}
int lw_array_method_known(const char *name)
{
    return lw_builtin_find(method_table, sizeof method_table / sizeof *method_table, name) ||
           lw_npfuncs_find(name, 1);
}

static int by_name(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}
/* The note after "'np.f' is not supported": the names of the tables lw_call_numpy looks np.f up
 * in (walked as lw_call_numpy walks them, by the same look-ups given no name), so that a
 * function added to any table is listed; the special forms lowered before the tables, and the
 * dtypes and constants (attributes, not calls), by hand. */
const char *lw_supported_numpy_note(void)
{
    static const char *note;
    if (note)
        return note;
    vec names = {0};
    lw_builtin_listing = &names;
    lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, NULL);
    lw_npfuncs_find(NULL, 0);
    lw_fft_find(NULL);
    lw_builtin_listing = NULL;
    for (const char *const *p = lw_complex_fn_names; *p; p++)
        vec_push(&names, (void *)*p);
    /* lowered before the tables look: np.fromfunction (its lambda), the subscripted grids and
     * np.r_ (lower_expr.c), np.errstate (a with statement) */
    static const char *const special[] = {"np.fromfunction", "np.mgrid", "np.ogrid", "np.r_", "np.errstate"};
    for (size_t i = 0; i < sizeof special / sizeof *special; i++)
        vec_push(&names, (void *)special[i]);
    qsort(names.items, (size_t)names.len, sizeof *names.items, by_name);
    strbuf b = {0}, m = {0};
    sb_puts(&b, "supported from numpy:");
    const char *prev = NULL, *methods[8];
    int nm = 0;
    for (int i = 0; i < names.len; i++) {
        const char *n = names.items[i], *dot = strchr(n + 3, '.');
        if (strncmp(n, "np.", 3) != 0 || (prev && strcmp(n, prev) == 0) || strcmp(n, "np.complex128") == 0 ||
            strcmp(n, "np.complex64") == 0)
            continue; /* builtins (complex), duplicates, dtypes (below) */
        prev = n;
        if (dot && strncmp(n, "np.fft.", 7) != 0 && strncmp(n, "np.linalg.", 10) != 0) {
            int k = 0; /* np.add.reduce: a ufunc's method, named once below */
            while (k < nm && strcmp(methods[k], dot + 1) != 0)
                k++;
            if (k == nm && nm < (int)(sizeof methods / sizeof *methods))
                methods[nm++] = dot + 1;
            continue;
        }
        sb_printf(&b, "%s %s", b.len > sizeof "supported from numpy:" - 1 ? "," : "", n + 3);
    }
    for (int k = 0; k < nm; k++)
        sb_printf(&m, "%s%s", k ? (k == nm - 1 ? " and " : ", ") : "", methods[k]);
    if (nm)
        sb_printf(&b, "; the ufuncs' %s methods", m.s);
    sb_puts(&b, "; the dtypes float64, float32, int64, int32, bool_, complex128, complex64; pi, e, inf, nan and newaxis");
    sb_free(&m);
    note = b.s; /* kept for the process: a driver that frees util_arena between inputs (the fuzz
                 * target) must not find the cached note gone */
    return note;
}
