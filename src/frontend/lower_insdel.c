/* lower_insdel.c: np.delete and np.insert along an axis, as numpy/lib/_function_base_impl.py
 * computes them: a new array, the kept runs of arr copied in order (and, for insert, the new
 * values stored in their slot).
 *
 *   np.delete(arr, i, axis):      i an int (negative counts from the end; NumPy's IndexError
 *                                 outside [-n, n)), n - 1 items along axis;
 *   np.delete(arr, [i, j], axis): ints known when compiling, each removed once (duplicates
 *                                 too), the others kept in order;
 *   np.insert(arr, i, values, axis): i an int in [-n, n] (negative + n), values cast to arr's
 *                                 dtype as np.array(values, dtype=arr.dtype) does (a Python
 *                                 float into an integer dtype as int() converts it: NaN is
 *                                 NumPy's ValueError), padded with
 *                                 leading axes to arr's rank and its first axis moved to axis
 *                                 (NumPy's moveaxis), so a number fills one slot, a row is one
 *                                 row and, with axis=1, a 1-D array is one column; as many
 *                                 slots as values has along axis.
 * Without axis= NumPy works on arr.ravel() (axis 0 of it), and so does this file.
 * Boolean masks and slices as obj, and lists of indices for insert, are refused by name.
 *
 * Requires: arguments lowered and matched (lw_npfuncs_find finds this table).
 * Establishes: a new array, or a located diagnostic. */

#include "lower_internal.h"

#include <stdlib.h>
#include <string.h>

static int given(value *v) { return v && v->kind != V_NONE; }

static value *lit(loc l, const char *s)
{
    value *v = lw_vnew(V_STR, l);
    v->str = s;
    return v;
}

/* the axis argument; None: axis 0 of arr.ravel() where arr is not 1-D (*x replaced), as NumPy's
 * delete and insert do */
static int axis_arg(lctx *c, loc l, value **x, value *axisv, const char *f, int *axis)
{
    *axis = 0;
    if (given(axisv))
        return lw_axis_arg(axisv, (*x)->rank, f, axis);
    if ((*x)->rank != 1) {
        args ra = {0};
        ra.pos = x;
        ra.npos = 1;
        *x = lw_numpy_table_call(c, "np.ravel", l, &ra);
        return (*x)->kind == V_ARRAY;
    }
    return 1;
}

/* NumPy's IndexError when !(lo <= k < hi + n) (insert: hi 1), k known only when running */
static void check_index(lctx *c, loc l, ir_expr *k, ir_expr *n, int axis, int insert)
{
    ir_expr *up = insert ? ir_bin(l, OP_CGT, T_BOOL, k, n, 0) : ir_bin(l, OP_CGE, T_BOOL, k, n, 0);
    ir_expr *bad = ir_bin(l, OP_LOR, T_BOOL, ir_bin(l, OP_CLT, T_BOOL, k, ir_un(l, OP_NEG, T_I64, n), 0), up, 0);
    int64_t kb;
    if (ir_expr_const_int(bad, &kb) && !kb)
        return;
    value *rt = lw_vnew(V_FSTR, l);
    rt->n = 6;
    rt->items = NEWN(value *, 6);
    rt->items[0] = lit(l, "IndexError: index ");
    rt->items[1] = lw_scalar(l, k, 0);
    rt->items[2] = lit(l, " is out of bounds for axis ");
    rt->items[3] = lw_scalar(l, lw_I64(l, axis), 0);
    rt->items[4] = lit(l, " with size ");
    rt->items[5] = lw_scalar(l, n, 0);
    lw_emit_raise_str(c, l, bad, "", rt);
}

/* a new array like x with extent len (sym slen) along axis */
static value *new_like(lctx *c, loc l, value *x, int axis, ir_expr *len, const sym *slen)
{
    ir_expr *lens[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    for (int d = 0; d < x->rank; d++) {
        lens[d] = d == axis ? len : x->len[d];
        sh[d] = d == axis ? slen : x->sh[d];
    }
    return lw_new_array(c, l, x->type, x->rank, lens, sh, 0, NULL);
}

/* r[at : at + len] = x[from : from + len] along axis */
static void copy_run(lctx *c, loc l, value *r, value *x, int axis, ir_expr *at, ir_expr *from, ir_expr *len)
{
    value *dst = lw_along(l, r, axis, at, NULL, len, NULL);
    value *src = lw_along(l, x, axis, from, NULL, len, NULL);
    for (int d = 0; d < x->rank; d++)
        if (d != axis) {
            dst->sh[d] = src->sh[d] = x->sh[d];
            dst->len[d] = src->len[d] = x->len[d];
        }
    lw_emit_sweep(c, l, dst, src, 0);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static value *obj_refused(value *obj, const char *f)
{
    if (obj->kind == V_ARRAY && obj->type == T_BOOL)
        diag_error(obj->l, "%s() with a boolean mask is not supported (its shape depends on the data; "
                           "a[~mask] selects the items kept)", f);
    else if (obj->kind != V_ERR)
        diag_error(obj->l, "%s(): the index must be an int or a list of ints known when compiling, not %s", f,
                   obj->kind == V_ARRAY ? "an array" : lw_vkind_desc(obj));
    return &lw_ERRV;
}

/* np.delete(arr, obj, axis=None) */
static value *np_delete(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = v[0];
    if (!lw_is_array_arg(x, f))
        return &lw_ERRV;
    int axis;
    if (!axis_arg(c, l, &x, v[2], f, &axis))
        return &lw_ERRV;
    x = lw_as_view(c, x);
    value *obj = v[1];
    ir_expr *n = x->len[axis];
    const sym *sn = x->sh[axis];
    if (obj->kind == V_SCALAR && ir_type_is_int(obj->type)) {
        ir_expr *k = ir_cast(l, T_I64, obj->e);
        if (k->kind != E_CONST && k->kind != E_VAR)
            k = lw_in_temp(c, l, k);
        check_index(c, l, k, n, axis, 0);
        ir_expr *kk = lw_in_temp(c, l, ir_select(l, T_I64, ir_bin(l, OP_CLT, T_BOOL, k, lw_I64(l, 0), 0),
                                                 lw_iadd(l, k, n), k));
        ir_expr *n1 = ir_bin(l, OP_SUB, T_I64, n, lw_I64(l, 1), 0);
        value *r = new_like(c, l, x, axis, n1, sn ? sym_sub(sn, sym_const(1)) : NULL);
        copy_run(c, l, r, x, axis, lw_I64(l, 0), lw_I64(l, 0), kk);
        copy_run(c, l, r, x, axis, kk, lw_iadd(l, kk, lw_I64(l, 1)), ir_bin(l, OP_SUB, T_I64, n1, kk, 0));
        return r;
    }
    if (obj->kind != V_TUPLE || obj->keys || obj->cplx)
        return obj_refused(obj, f);
    int64_t nc = -1, *ix = NEWN(int64_t, obj->n + 1);
    int known_n = sym_is_const(sn, &nc);
    for (int i = 0; i < obj->n; i++) {
        if (!lw_known_int(obj->items[i], &ix[i]) || obj->items[i]->type == T_BOOL) {
            diag_error(obj->items[i]->l, "%s(): the indices in a list must be ints known when compiling", f);
            return &lw_ERRV;
        }
        if (known_n && (ix[i] < -nc || ix[i] >= nc)) {
            diag_error(obj->items[i]->l, "%s(): index %lld is out of bounds for axis %d with size %lld", f,
                       (long long)ix[i], axis, (long long)nc);
            return &lw_ERRV;
        }
        if (ix[i] < 0 && known_n)
            ix[i] += nc;
    }
    /* sorted, each once: the non-negative ones first, then those counted from the end (an
     * extent known only when running: they follow the others, checked below) */
    qsort(ix, (size_t)obj->n, sizeof *ix, cmp_i64);
    int u = 0, neg = 0;
    for (int i = 0; i < obj->n; i++)
        if (!u || ix[i] != ix[u - 1])
            ix[u++] = ix[i];
    while (neg < u && ix[neg] < 0)
        neg++;
    ir_expr **pos = NEWN(ir_expr *, u + 1);
    for (int i = 0; i < u; i++) /* the negative ones, smallest first, after the others */
        pos[i] = i < u - neg ? lw_I64(l, ix[neg + i]) : lw_iadd(l, n, lw_I64(l, ix[i - (u - neg)]));
    if (u && !known_n) {
        if (neg < u) /* the largest non-negative one, and the least negative one */
            check_index(c, l, lw_I64(l, ix[u - 1]), n, axis, 0);
        if (neg)
            check_index(c, l, lw_I64(l, ix[0]), n, axis, 0);
        if (neg && neg < u)
            lw_emit_raise(c, l, ir_bin(l, OP_CGE, T_BOOL, ir_cast(l, T_I64, lw_I64(l, ix[u - 1])), pos[u - neg], 0),
                          arena_printf(&util_arena, "%s(): negative indices that reach the non-negative ones are not "
                                                    "supported with this extent (tylesc orders them when compiling)", f));
    }
    ir_expr *len = ir_bin(l, OP_SUB, T_I64, n, lw_I64(l, u), 0);
    value *r = new_like(c, l, x, axis, len, sn ? sym_sub(sn, sym_const(u)) : NULL);
    ir_expr *from = lw_I64(l, 0);
    for (int i = 0; i <= u; i++) { /* the run before index i (after the last: to the end) */
        ir_expr *run = ir_bin(l, OP_SUB, T_I64, i < u ? pos[i] : n, from, 0);
        int64_t k;
        if (!(ir_expr_const_int(run, &k) && k == 0))
            copy_run(c, l, r, x, axis, ir_bin(l, OP_SUB, T_I64, from, lw_I64(l, i), 0), from, run);
        if (i < u)
            from = lw_iadd(l, pos[i], lw_I64(l, 1));
    }
    return r;
}

/* values as np.array(values, dtype=arr.dtype) converts them into an integer dtype t: a Python
 * number (also in a list) through Python's int() (NaN and infinity are NumPy's errors) and
 * NumPy's range check; NumPy's own scalars and arrays are cast (NumPy's unsafe cast) */
static value *values_for_store(lctx *c, value *v, ir_type t)
{
    if (v->kind == V_SCALAR)
        return v->weak ? lw_scalar_for_store(c, v, t) : v;
    if (v->kind != V_TUPLE || v->keys || v->cplx)
        return v;
    value *r = lw_vnew(V_TUPLE, v->l);
    *r = *v;
    r->items = NEWN(value *, v->n + 1);
    for (int i = 0; i < v->n; i++)
        if ((r->items[i] = values_for_store(c, v->items[i], t))->kind == V_ERR)
            return &lw_ERRV;
    return r;
}

/* np.insert(arr, obj, values, axis=None) */
static value *np_insert(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = v[0];
    if (!lw_is_array_arg(x, f))
        return &lw_ERRV;
    int axis;
    if (!axis_arg(c, l, &x, v[3], f, &axis))
        return &lw_ERRV;
    value *obj = v[1];
    if (obj->kind != V_SCALAR || !ir_type_is_int(obj->type)) {
        if (obj->kind == V_TUPLE && !obj->keys)
            diag_error(obj->l, "%s() at a list of indices is not supported (one int index is)", f);
        else
            obj_refused(obj, f);
        return &lw_ERRV;
    }
    x = lw_as_view(c, x);
    value *val = ir_type_is_int(x->type) ? values_for_store(c, v[2], x->type) : v[2];
    val = lw_seq_arg(c, val, f);
    if (val->kind != V_SCALAR && val->kind != V_ARRAY) {
        if (val->kind != V_ERR)
            diag_error(val->l, "%s(): values must be a number or an array, not %s", f, lw_vkind_desc(val));
        return &lw_ERRV;
    }
    if (val->kind == V_ARRAY && val->rank > x->rank) {
        diag_error(val->l, "%s(): values of %d dimensions do not fit an array of %d", f, val->rank, x->rank);
        return &lw_ERRV;
    }
    /* np.array(values, ndmin=arr.ndim), then its first axis moved to axis */
    ir_expr *vlen[IR_MAX_RANK];
    const sym *vsh[IR_MAX_RANK];
    int pad = val->kind == V_ARRAY ? x->rank - val->rank : x->rank;
    for (int d = 0; d < x->rank; d++) {
        vlen[d] = d < pad ? lw_I64(l, 1) : val->len[d - pad];
        vsh[d] = d < pad ? sym_const(1) : val->sh[d - pad];
    }
    int perm[IR_MAX_RANK]; /* the moved shape's axis d is the padded one's perm[d] */
    for (int d = 0, q = 1; d < x->rank; d++)
        perm[d] = d == axis ? 0 : q++;
    ir_expr *slen[IR_MAX_RANK];
    const sym *ssh[IR_MAX_RANK];
    for (int d = 0; d < x->rank; d++) {
        slen[d] = vlen[perm[d]];
        ssh[d] = vsh[perm[d]];
    }
    value *src = val;
    if (val->kind == V_ARRAY) {
        for (int d = 0; d < pad; d++)
            src = lw_expand(c, l, src, 0);
        src = lw_transpose_perm(c, l, lw_as_view(c, src), perm);
    }
    ir_expr *numnew = slen[axis];
    /* the slot's other extents are arr's; values broadcast to them (checked as a store is) */
    ir_expr *n = x->len[axis];
    const sym *sn = x->sh[axis];
    ir_expr *k = ir_cast(l, T_I64, obj->e);
    if (k->kind != E_CONST && k->kind != E_VAR)
        k = lw_in_temp(c, l, k);
    check_index(c, l, k, n, axis, 1);
    ir_expr *kk = lw_in_temp(c, l, ir_select(l, T_I64, ir_bin(l, OP_CLT, T_BOOL, k, lw_I64(l, 0), 0), lw_iadd(l, k, n), k));
    value *r = new_like(c, l, x, axis, lw_iadd(l, n, numnew), sn && ssh[axis] ? sym_add(sn, ssh[axis]) : NULL);
    copy_run(c, l, r, x, axis, lw_I64(l, 0), lw_I64(l, 0), kk);
    value *slot = lw_along(l, r, axis, kk, NULL, numnew, ssh[axis]);
    for (int d = 0; d < x->rank; d++)
        if (d != axis) {
            slot->sh[d] = x->sh[d];
            slot->len[d] = x->len[d];
        }
    lw_emit_sweep(c, l, slot, src, 0);
    copy_run(c, l, r, x, axis, lw_iadd(l, kk, numnew), kk, ir_bin(l, OP_SUB, T_I64, n, kk, 0));
    return r;
}

static const lw_builtin np_table[] = {
    {"np.delete", {"arr", "obj", "axis"}, 2, np_delete},
    {"np.insert", {"arr", "obj", "values", "axis"}, 3, np_insert},
};

const lw_builtin *lw_insdel_find(const char *name, int method)
{
    return method ? NULL : lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, name);
}
