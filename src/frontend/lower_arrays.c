/* lower_arrays.c: creating arrays: dtype and shape arguments, new arrays and copies,
 * linspace, arange, meshgrid, np.array of literals, np.pad, np.indices and ogrid/mgrid.
 * Requires: shapes are ints known when compiling or run-time int scalars. Establishes: a new
 * array's slot is filled before it is read; a literal has at most MAX_LITERAL_ELEMS elements. */

#include "lower_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int lw_dtype_of(value *v, ir_type *t)
{
    if (v->kind == V_DTYPE) {
        *t = v->type;
        return 1;
    }
    if (v->kind == V_BUILTIN) {
        if (strcmp(v->str, "float") == 0) { *t = T_F64; return 1; }
        if (strcmp(v->str, "int") == 0) { *t = T_I64; return 1; }
        if (strcmp(v->str, "bool") == 0) { *t = T_BOOL; return 1; }
    }
    if (v->kind == V_STR) {
        static const struct { const char *n; ir_type t; } m[] = {
            {"float64", T_F64}, {"f8", T_F64}, {"d", T_F64}, {"float", T_F64},
            {"float32", T_F32}, {"f4", T_F32}, {"f", T_F32}, {"int64", T_I64}, {"i8", T_I64},
            {"int", T_I64}, {"int32", T_I32}, {"i4", T_I32}, {"bool", T_BOOL}, {"?", T_BOOL},
            {"int8", T_I8}, {"i1", T_I8}, {"b", T_I8}, {"uint8", T_U8}, {"u1", T_U8}, {"B", T_U8},
            {"int16", T_I16}, {"i2", T_I16}, {"h", T_I16}, {"uint16", T_U16}, {"u2", T_U16},
            {"H", T_U16}, {"uint32", T_U32}, {"u4", T_U32}, {"I", T_U32}, {"uint64", T_U64},
            {"u8", T_U64}, {"uint", T_U64},
        };
        for (size_t i = 0; i < sizeof m / sizeof *m; i++)
            if (strcmp(m[i].n, v->str) == 0) {
                *t = m[i].t;
                return 1;
            }
    }
    if (v->kind == V_STR)
        diag_error(v->l, "the dtype '%s' is not supported (tylesc's dtypes are float64, float32, "
                         "int64, int32, int16, int8, uint64, uint32, uint16, uint8 and bool)", v->str);
    else
        diag_error(v->l, "unsupported dtype (supported: np.float64, np.float32, np.int64, np.int32, "
                         "np.int16, np.int8, np.uint64, np.uint32, np.uint16, np.uint8, bool)");
    return 0;
}

/* Shape argument: an int or a tuple of ints. */
int lw_shape_arg(value *v, int *rank, ir_expr **len, const sym **sh)
{
    if (v->kind == V_SCALAR) {
        ir_expr *e = lw_int_operand(v, "a shape");
        if (!e)
            return 0;
        *rank = 1;
        len[0] = e;
        sh[0] = v->s;
        return 1;
    }
    if (v->kind != V_TUPLE) {
        if (v->kind != V_ERR)
            diag_error(v->l, "a shape must be an int or a tuple of ints, not %s", lw_vkind_desc(v));
        return 0;
    }
    if (v->n < 1 || v->n > IR_MAX_RANK) {
        diag_error(v->l, "arrays of %d dimensions are not supported (1 to %d)", v->n, IR_MAX_RANK);
        return 0;
    }
    *rank = v->n;
    for (int i = 0; i < v->n; i++) {
        ir_expr *e = lw_int_operand(v->items[i], "a shape entry");
        if (!e)
            return 0;
        int64_t k;
        if (sym_is_const(v->items[i]->s, &k) && k < 0) {
            diag_error(v->items[i]->l, "negative dimensions are not allowed");
            return 0;
        }
        len[i] = e;
        sh[i] = v->items[i]->s;
    }
    return 1;
}
value *lw_new_array(lctx *c, loc l, ir_type t, int rank, ir_expr **len, const sym **sh, int init,
                    ir_expr *fill)
{
    ir_var *tmp = lw_temp_slot(c, t, rank);
    ir_stmt *s = ir_stmt_new(S_ALLOC, l);
    s->var = tmp;
    s->shape = NEWN(ir_expr *, rank);
    for (int d = 0; d < rank; d++)
        s->shape[d] = len[d];
    s->init = init;
    s->e = fill ? ir_cast(l, t, fill) : NULL;
    lw_emit(c, s);
    value *v = lw_slot_value(l, tmp, sh);
    v->fresh = tmp;
    return v;
}
value *lw_array_arg(lctx *c, value *v, const char *fname)
{
    (void)c;
    if (v->kind == V_ARRAY)
        return v;
    if (v->kind != V_ERR)
        diag_error(v->l, "%s() expects an array here, not %s%s", fname, lw_vkind_desc(v), lw_opt_array_hint(v));
    return NULL;
}
value *lw_copy_of(lctx *c, loc l, value *src)
{
    ir_var *slot = lw_whole_slot(src);
    if (!slot) {
        value *m = lw_materialize(c, src);
        m->l = l;
        return m;
    }
    ir_var *tmp = lw_temp_slot(c, src->type, src->rank);
    ir_stmt *s = ir_stmt_new(S_ALLOC, l);
    s->var = tmp;
    s->shape = NEWN(ir_expr *, src->rank);
    for (int d = 0; d < src->rank; d++)
        s->shape[d] = ir_shape(l, slot, d);
    s->init = 3;
    s->src_slot = slot;
    lw_emit(c, s);
    value *v = lw_slot_value(l, tmp, src->sh);
    v->fresh = tmp;
    return v;
}
/* ---- grid constructors: np.linspace, np.arange ---------------------------------------------- */

/* A scalar argument that must be a compile-time bool (endpoint=, retstep=); dflt if absent. */
int lw_const_flag(value *v, int dflt, const char *what, int *ok)
{
    int64_t k;
    if (!v)
        return dflt;
    if (v->kind == V_SCALAR && ir_expr_const_int(ir_cast(v->l, T_I64, v->e), &k))
        return k != 0;
    diag_error(v->l, "%s must be True or False (a value known when compiling)", what);
    *ok = 0;
    return dflt;
}

/* fn(x) (ir_call keeps its argument array, so it lives in the arena). */
ir_expr *lw_call1(loc l, ir_fn fn, ir_type t, ir_expr *x)
{
    ir_expr **args = NEWN(ir_expr *, 1);
    args[0] = x;
    return ir_call(l, fn, t, 1, args);
}

/* A new 1-D array of n elements, element i computed by e from the sweep index (E_INDEX). */
static value *grid_1d(lctx *c, loc l, ir_type t, ir_expr *n, const sym *sn, ir_expr *e)
{
    ir_expr *len[1] = {n};
    const sym *sh[1] = {sn};
    value *r = lw_new_array(c, l, t, 1, len, sh, 0, NULL);
    /* the sweep right after the allocation, without a shape check (the same n, even where its
     * symbol is unknown), fresh == 2: a formula of i, recomputed where an unwritten grid is
     * read (pass_inline_temps) */
    ir_stmt *s = ir_stmt_new(S_SWEEP, l);
    s->target = r->e->view;
    s->e = ir_cast(l, t, e);
    s->fresh = 2;
    s->mode = M_DIRECT;
    lw_emit(c, s);
    return r;
}
static int real_scalar(value *v, const char *fname, const char *what)
{
    if (v->kind == V_SCALAR && v->type != T_BOOL)
        return 1;
    diag_error(v->l, "%s(): %s must be an int or float scalar (arrays are not supported), not %s",
               fname, what, lw_vkind_desc(v));
    return 0;
}

/* np.linspace with NumPy 2's own formula: step = (stop - start) / div, y[i] = i * step + start
 * (i / div * delta + start where the step underflows to zero), y[-1] = stop with endpoint. */
value *lw_linspace(lctx *c, loc l, args *a)
{
    const char *pn[] = {"start", "stop", "num", "endpoint", "retstep", "dtype", "axis"};
    value *v[7];
    if (!lw_match_args(l, "np.linspace", a, 7, pn, 2, v))
        return &lw_ERRV;
    if (!real_scalar(v[0], "np.linspace", "start") || !real_scalar(v[1], "np.linspace", "stop"))
        return &lw_ERRV;
    int ok = 1;
    int endpoint = lw_const_flag(v[3], 1, "endpoint", &ok);
    int retstep = lw_const_flag(v[4], 0, "retstep", &ok);
    ir_type t = T_F64;
    if (v[5] && v[5]->kind != V_NONE && !lw_dtype_of(v[5], &t))
        return &lw_ERRV;
    int64_t k;
    if (v[6] && !(v[6]->kind == V_SCALAR && ir_expr_const_int(v[6]->e, &k) && k == 0)) {
        diag_error(v[6]->l, "np.linspace(): only axis=0 is supported (start and stop are scalars)");
        ok = 0;
    }
    ir_expr *num = v[2] ? lw_int_operand(v[2], "np.linspace(): num") : lw_I64(l, 50);
    if (!num || !ok)
        return &lw_ERRV;
    if (ir_expr_const_int(num, &k) && k < 0) {
        diag_error(v[2]->l, "Number of samples, %lld, must be non-negative.", (long long)k);
        return &lw_ERRV;
    }
    const sym *snum = v[2] ? v[2]->s : sym_const(50);
    ir_expr *start = ir_cast(l, T_F64, v[0]->e), *stop = ir_cast(l, T_F64, v[1]->e);
    ir_expr *div = endpoint ? ir_bin(l, OP_SUB, T_I64, num, lw_I64(l, 1), 0) : num;
    ir_expr *fdiv = ir_cast(l, T_F64, div);
    ir_expr *delta = ir_bin(l, OP_SUB, T_F64, stop, start, 0);
    ir_expr *step = ir_bin(l, OP_TRUEDIV, T_F64, delta, fdiv, 0);
    ir_expr *has_div = ir_bin(l, OP_CGT, T_BOOL, div, lw_I64(l, 0), 0);
    ir_expr *i = ir_index(l, T_F64, 0);
    ir_expr *scaled = ir_select(
        l, T_F64, has_div,
        ir_select(l, T_F64, ir_bin(l, OP_CEQ, T_BOOL, step, ir_const_f(l, T_F64, 0.0), 0),
                  ir_bin(l, OP_MUL, T_F64, ir_bin(l, OP_TRUEDIV, T_F64, i, fdiv, 0), delta, 0),
                  ir_bin(l, OP_MUL, T_F64, i, step, 0)),
        ir_bin(l, OP_MUL, T_F64, i, delta, 0));
    ir_expr *y = ir_bin(l, OP_ADD, T_F64, scaled, start, 0);
    if (endpoint) {
        ir_expr *last = ir_bin(l, OP_LAND, T_BOOL,
                               ir_bin(l, OP_CEQ, T_BOOL, ir_index(l, T_I64, 0), div, 0),
                               ir_bin(l, OP_CGT, T_BOOL, num, lw_I64(l, 1), 0), 0);
        y = ir_select(l, T_F64, last, stop, y);
    }
    if (ir_type_is_int(t))
        y = lw_call1(l, FN_FLOOR, T_F64, y);
    value *r = grid_1d(c, l, t, num, snum, ir_cast(l, t, y));
    if (!retstep)
        return r;
    value *tup = lw_vnew(V_TUPLE, l);
    tup->n = 2;
    tup->items = NEWN(value *, 2);
    tup->items[0] = r;
    tup->items[1] = lw_scalar(l, ir_select(l, T_F64, has_div, step, ir_const_f(l, T_F64, NAN)), 0);
    return tup;
}

/* np.arange: the length is ceil((stop - start) / step) as NumPy computes it (in double, 1 when
 * that underflows to zero from a positive quotient); ints give int64 start + i * step, floats
 * NumPy's fill: y[0] = start, y[1] = start + step, y[i] = y[0] + i * (y[1] - y[0]). */
value *lw_arange(lctx *c, loc l, args *a)
{
    const char *pn[] = {"start", "stop", "step", "dtype"};
    value *v[4];
    if (!lw_match_args(l, "np.arange", a, 4, pn, 1, v))
        return &lw_ERRV;
    value *start = v[0], *stop = v[1], *step = v[2];
    if (!stop) { /* arange(stop) */
        stop = start;
        start = lw_scalar(l, lw_I64(l, 0), 1);
        start->s = sym_const(0);
    }
    if (!step) {
        step = lw_scalar(l, lw_I64(l, 1), 1);
        step->s = sym_const(1);
    }
    if (!real_scalar(start, "np.arange", "start") || !real_scalar(stop, "np.arange", "stop") ||
        !real_scalar(step, "np.arange", "step"))
        return &lw_ERRV;
    int isf = ir_type_is_float(start->type) || ir_type_is_float(stop->type) ||
              ir_type_is_float(step->type);
    ir_type t = isf ? T_F64 : T_I64;
    if (v[3] && v[3]->kind != V_NONE && !lw_dtype_of(v[3], &t))
        return &lw_ERRV;
    if (t == T_BOOL || (isf && ir_type_is_int(t))) {
        diag_error(v[3]->l, "np.arange(): dtype %s with these arguments is not supported",
                   t == T_BOOL ? "bool" : "int");
        return &lw_ERRV;
    }
    /* Python's (stop - start) / step: a zero step is Python's ZeroDivisionError. */
    value *q = lw_py_binop(c, l, OP_TRUEDIV, lw_py_binop(c, l, OP_SUB, stop, start), step);
    if (q->kind == V_ERR)
        return &lw_ERRV;
    ir_expr *qe = ir_cast(l, T_F64, q->e);
    ir_expr *zero = ir_const_f(l, T_F64, 0.0);
    ir_expr *nonzero = ir_bin(l, OP_CNE, T_BOOL, ir_cast(l, T_F64, stop->e), ir_cast(l, T_F64, start->e), 0);
    ir_expr *under = ir_bin(l, OP_LAND, T_BOOL, ir_bin(l, OP_CEQ, T_BOOL, qe, zero, 0), nonzero, 0);
    ir_expr *positive = ir_bin(l, OP_CGT, T_BOOL, ir_bin(l, OP_TRUEDIV, T_F64, ir_const_f(l, T_F64, 1.0), qe, 0),
                               zero, 0);
    ir_expr *ceil_len = lw_call1(l, FN_PYINT, T_I64, lw_call1(l, FN_CEIL, T_F64, qe));
    ir_expr *n = ir_select(l, T_I64, under, ir_cast(l, T_I64, positive), ceil_len);
    n = ir_bin(l, OP_MAX, T_I64, n, lw_I64(l, 0), 0);
    const sym *sn = NULL;
    int64_t k;
    if (ir_expr_const_int(n, &k))
        sn = sym_const(k);
    else if (!isf && lw_is_one(step->s) && start->s && stop->s)
        sn = sym_sub(stop->s, start->s); /* as long as stop >= start, which the run checks */
    ir_expr *y;
    ir_expr *i = ir_index(l, T_I64, 0);
    if (!isf && ir_type_is_int(t)) {
        y = ir_bin(l, OP_ADD, T_I64, ir_cast(l, T_I64, start->e),
                   ir_bin(l, OP_MUL, T_I64, i, ir_cast(l, T_I64, step->e), 0), 0);
    } else {
        value *next = lw_py_binop(c, l, OP_ADD, start, step);
        ir_expr *y0 = ir_cast(l, t, start->e), *y1 = ir_cast(l, t, next->e);
        ir_expr *delta = ir_bin(l, OP_SUB, t, y1, y0, 0);
        y = ir_select(l, t, ir_bin(l, OP_CEQ, T_BOOL, i, lw_I64(l, 0), 0), y0,
                      ir_select(l, t, ir_bin(l, OP_CEQ, T_BOOL, i, lw_I64(l, 1), 0), y1,
                                ir_bin(l, OP_ADD, t, y0, ir_bin(l, OP_MUL, t, ir_cast(l, t, i), delta, 0), 0)));
    }
    return grid_1d(c, l, t, n, sn, ir_cast(l, t, y));
}

/* The 1-D array a as a value of rank ndim that varies along axis (extent 1 elsewhere): a read
 * whose one range dimension iterates box dimension `axis`. */
static value *along_axis(lctx *c, loc l, value *a, int axis, int ndim)
{
    if (a->e->kind != E_READ || lw_view_has_wrap(a->e->view))
        a = lw_materialize(c, a);
    ir_view *v = ir_view_clone(a->e->view);
    value *r = lw_vnew(V_ARRAY, l);
    r->type = a->type;
    r->rank = ndim;
    for (int p = 0; p < ndim; p++) {
        r->sh[p] = sym_const(1);
        r->len[p] = lw_I64(l, 1);
    }
    r->sh[axis] = a->sh[0];
    r->len[axis] = a->len[0];
    for (int d = 0; d < v->rank; d++)
        if (v->dim[d].kind == D_RANGE)
            v->dim[d].box = axis;
    r->e = ir_read(l, v);
    return r;
}

/* np.meshgrid(x0, x1, ..., indexing='xy'|'ij', sparse=, copy=): output k varies along axis k
 * (axes 0 and 1 swapped for 'xy'); sparse outputs have extent 1 elsewhere, full ones are
 * broadcast into new arrays (NumPy's copy=True; copy=False views are copies here too). */
value *lw_meshgrid(lctx *c, loc l, args *a)
{
    int n = a->npos, ok = 1, sparse = 0, xy = 1;
    if (n < 1 || n > IR_MAX_RANK) {
        diag_error(l, "np.meshgrid() of %d arrays is not supported (1 to %d)", n, IR_MAX_RANK);
        return &lw_ERRV;
    }
    for (int k = 0; k < a->nkw; k++) {
        value *kv = a->kw[k];
        if (strcmp(a->kwname[k], "sparse") == 0)
            sparse = lw_const_flag(kv, 0, "sparse", &ok);
        else if (strcmp(a->kwname[k], "copy") == 0)
            (void)lw_const_flag(kv, 1, "copy", &ok);
        else if (strcmp(a->kwname[k], "indexing") == 0) {
            if (kv->kind == V_STR && (strcmp(kv->str, "xy") == 0 || strcmp(kv->str, "ij") == 0))
                xy = kv->str[0] == 'x';
            else {
                diag_error(kv->l, "Valid values for `indexing` are 'xy' and 'ij'.");
                ok = 0;
            }
        } else {
            diag_error(a->kwast[k]->l, "np.meshgrid() got an unexpected keyword argument '%s'",
                       a->kwname[k]);
            ok = 0;
        }
    }
    for (int k = 0; k < n; k++)
        if (a->pos[k]->kind != V_ARRAY || a->pos[k]->rank != 1) {
            diag_error(a->pos[k]->l, "np.meshgrid() takes 1-D arrays (this is %s)",
                       a->pos[k]->kind == V_ARRAY ? "an array of several dimensions"
                                                  : lw_vkind_desc(a->pos[k]));
            ok = 0;
        }
    if (!ok)
        return &lw_ERRV;
    int axis[IR_MAX_RANK];
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    for (int k = 0; k < n; k++) {
        axis[k] = (xy && n > 1 && k < 2) ? 1 - k : k;
        len[axis[k]] = a->pos[k]->len[0];
        sh[axis[k]] = a->pos[k]->sh[0];
    }
    value *tup = lw_vnew(V_TUPLE, l);
    tup->n = n;
    tup->items = NEWN(value *, n);
    for (int k = 0; k < n; k++) {
        value *g = along_axis(c, l, a->pos[k], axis[k], n);
        if (sparse)
            tup->items[k] = lw_materialize(c, g);
        else {
            value *r = lw_new_array(c, l, g->type, n, len, sh, 0, NULL);
            lw_emit_sweep(c, l, r, g, 1);
            tup->items[k] = r;
        }
    }
    return tup;
}

/* ---- np.array / np.asarray of literals, np.pad ------------------------------------------------ */
enum { MAX_LITERAL_ELEMS = 4096 };

/* The shape of a nested list/tuple of scalars; 0 (after a diagnostic) when it is ragged, too
 * deep or holds something other than scalars (what: who refuses it, "np.array() of"). */
static int literal_shape(value *v, int depth, int *rank, int64_t *ext, const char *what)
{
    if (v->kind == V_SCALAR) {
        if (*rank < 0)
            *rank = depth;
        if (*rank != depth) {
            diag_error(v->l, "setting an array element with a sequence. The requested array has an "
                             "inhomogeneous shape after %d dimension%s", depth, depth == 1 ? "" : "s");
            return 0;
        }
        return 1;
    }
    if (v->kind != V_TUPLE) {
        diag_error(v->l, "%s %s is not supported (nested lists or tuples of scalars are)", what,
                   lw_vkind_desc(v));
        return 0;
    }
    if (*rank >= 0 && depth >= *rank) { /* [1, [2]]: NumPy's message names the scalars' depth */
        diag_error(v->l, "setting an array element with a sequence. The requested array has an "
                         "inhomogeneous shape after %d dimension%s", *rank, *rank == 1 ? "" : "s");
        return 0;
    }
    if (depth >= IR_MAX_RANK) {
        diag_error(v->l, "arrays of more than %d dimensions are not supported", IR_MAX_RANK);
        return 0;
    }
    if (*rank >= 0 && depth < *rank && ext[depth] != v->n) {
        diag_error(v->l, "setting an array element with a sequence. The requested array has an "
                         "inhomogeneous shape after %d dimension%s", depth, depth == 1 ? "" : "s");
        return 0;
    }
    ext[depth] = v->n;
    if (v->n == 0 && *rank < 0)
        *rank = depth + 1;
    for (int i = 0; i < v->n; i++)
        if (!literal_shape(v->items[i], depth + 1, rank, ext, what))
            return 0;
    return 1;
}

/* The element type NumPy gives a list of these scalars: Python scalars are not weak inside a
 * list (bool, int64, float64), NumPy scalars keep their type. */
static ir_type literal_type(value *v, ir_type t)
{
    if (v->kind == V_SCALAR) {
        ir_type e = v->weak ? (v->type == T_BOOL ? T_BOOL : ir_type_is_float(v->type) ? T_F64 : T_I64)
                            : v->type;
        return (int)t < 0 ? e : lw_promote2(t, e);
    }
    for (int i = 0; i < v->n; i++)
        t = literal_type(v->items[i], t);
    return t;
}
static void literal_fill(lctx *c, loc l, ir_var *slot, value *v, int depth, ir_expr **idx)
{
    if (v->kind == V_SCALAR) {
        v = lw_scalar_for_store(c, v, slot->type); /* np.array([np.nan], dtype=int): NumPy's error */
        if (v->kind == V_ERR)
            return;
        ir_stmt *s = ir_stmt_new(S_SETELEM, l);
        s->var = slot;
        s->n = depth;
        s->args = NEWN(ir_expr *, depth);
        for (int d = 0; d < depth; d++)
            s->args[d] = idx[d];
        s->e = ir_cast(l, slot->type, v->e);
        lw_emit(c, s);
        return;
    }
    for (int i = 0; i < v->n; i++) {
        idx[depth] = lw_I64(l, i);
        literal_fill(c, l, slot, v->items[i], depth + 1, idx);
    }
}

/* np.array(seq, dtype=t) of a list or tuple (t -1: NumPy's dtype from the items); what names
 * the refuser in messages. */
static int holds_array(value *v)
{
    if (v->kind == V_ARRAY)
        return 1;
    for (int i = 0; v->kind == V_TUPLE && i < v->n; i++)
        if (holds_array(v->items[i]))
            return 1;
    return 0;
}
static value *array_of_seq(lctx *c, loc l, value *seq, ir_type t, const char *what)
{
    if (seq->kind == V_TUPLE && seq->n > 0 && seq->items[0]->kind == V_TUPLE && !seq->keys && holds_array(seq)) {
        /* np.array([[x, y]]): each inner list an array first, then the stack of them */
        value *s = lw_vnew(V_TUPLE, seq->l);
        *s = *seq;
        s->items = NEWN(value *, seq->n + 1);
        for (int i = 0; i < seq->n; i++) {
            value *it = seq->items[i];
            s->items[i] = it->kind == V_TUPLE ? array_of_seq(c, l, it, (ir_type)-1, what) : it;
            if (s->items[i]->kind == V_ERR)
                return s->items[i];
            if (s->items[i]->kind != V_ARRAY) {
                diag_error(it->l, "setting an array element with a sequence. The requested array "
                                  "has an inhomogeneous shape after 1 dimension");
                return &lw_ERRV;
            }
        }
        seq = s;
    }
    if (seq->kind == V_TUPLE && seq->n > 0 && seq->items[0]->kind == V_ARRAY) {
        /* np.array([a, b, c]) of same-shape arrays: np.stack */
        value *r = lw_stack_arrays(c, l, seq);
        if ((int)t < 0 || r->kind == V_ERR || r->type == t)
            return r;
        value *q = lw_vnew(V_ARRAY, l);
        *q = *r;
        q->e = ir_cast(l, t, r->e);
        q->type = t;
        q->fresh = NULL;
        return lw_materialize(c, q);
    }
    int rank = -1;
    int64_t ext[IR_MAX_RANK];
    if (!literal_shape(seq, 0, &rank, ext, what))
        return &lw_ERRV;
    if (rank == 0) {
        diag_error(seq->l, "%s a scalar (a 0-dimensional array) is not supported", what);
        return &lw_ERRV;
    }
    int64_t total = 1;
    for (int d = 0; d < rank; d++)
        total *= ext[d];
    if (total > MAX_LITERAL_ELEMS) {
        diag_error(seq->l, "an array literal of %lld elements is too long (at most %d)", (long long)total,
                   MAX_LITERAL_ELEMS);
        return &lw_ERRV;
    }
    if ((int)t < 0)
        t = literal_type(seq, (ir_type)-1);
    if ((int)t < 0)
        t = T_F64; /* np.array([]) */
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    for (int d = 0; d < rank; d++) {
        len[d] = lw_I64(l, ext[d]);
        sh[d] = sym_const(ext[d]);
    }
    value *r = lw_new_array(c, l, t, rank, len, sh, 0, NULL);
    ir_expr *idx[IR_MAX_RANK];
    literal_fill(c, l, lw_whole_slot(r), seq, 0, idx);
    return r;
}
/* np.array(object, dtype=) and np.asarray: an array (copied by np.array, as is by asarray) or
 * nested lists/tuples of scalars, element by element. */
value *lw_array_literal(lctx *c, loc l, args *a, int copy)
{
    const char *pn[] = {"object", "dtype"};
    value *v[2];
    if (!lw_match_args(l, copy ? "np.array" : "np.asarray", a, 2, pn, 1, v))
        return &lw_ERRV;
    ir_type t = (ir_type)-1;
    if (v[1] && v[1]->kind != V_NONE && !lw_dtype_of(v[1], &t))
        return &lw_ERRV;
    if (v[0]->kind == V_ARRAY) {
        value *r = (int)t >= 0 && t != v[0]->type ? NULL : v[0];
        if (!r) {
            r = lw_vnew(V_ARRAY, l);
            *r = *v[0];
            r->e = ir_cast(l, t, v[0]->e);
            r->type = t;
            r->fresh = NULL;
            return lw_materialize(c, r);
        }
        return copy ? lw_copy_of(c, l, r) : r;
    }
    return array_of_seq(c, l, v[0], t, "np.array() of");
}

/* Is v a list or tuple (nested) of constant numbers only? */
static int constant_seq(value *v)
{
    if (v->kind == V_SCALAR)
        return v->e->kind == E_CONST;
    if (v->kind != V_TUPLE || v->keys)
        return 0;
    for (int i = 0; i < v->n; i++)
        if (!constant_seq(v->items[i]))
            return 0;
    return 1;
}

/* A NumPy operand that is a list or tuple (nested, of numbers or of same-shape arrays) as
 * np.asarray makes it: a small array filled where it is evaluated (x + [1.0, 2.0]); other values
 * as they are. what names the operation for a refusal ("'+'", "np.where()"). In a loop run when
 * running, a list of constants (v = v + [1.0, 2.0, 3.0] in a time loop) is made once, at the
 * program's start, into a slot of its own that nothing else writes or releases, instead of at
 * every pass. */
value *lw_seq_operand(lctx *c, value *v, const char *what)
{
    if (v->kind == V_TUPLE && v->n > 0 && c->runloops > 0 && !c->probing && !lw_has_complex(v) &&
        constant_seq(v)) {
        vec *saved = c->out;
        int npending = c->pending.len;
        c->out = &c->hoisted;
        value *r = array_of_seq(c, v->l, v, (ir_type)-1,
                                arena_printf(&util_arena, "%s of a list or tuple holding", what));
        c->out = saved;
        c->pending.len = npending; /* not released after the statement */
        if (r->kind == V_ARRAY) {
            value *k = lw_vnew(V_ARRAY, r->l);
            *k = *r;
            k->fresh = NULL; /* never moved into a name */
            r = k;
        }
        return r;
    }
    if (v->kind != V_TUPLE || lw_has_complex(v)) /* complex values are pairs (lower_complex.c) */
        return v;
    for (int i = 1; v->n > 0 && v->items[0]->kind == V_ARRAY && i < v->n; i++)
        if (v->items[i]->kind != V_ARRAY) { /* [a, 1.0]: np.stack would name the shapes */
            diag_error(v->items[i]->l, "setting an array element with a sequence. The requested array "
                                       "has an inhomogeneous shape after 1 dimension");
            return &lw_ERRV;
        }
    return array_of_seq(c, v->l, v, (ir_type)-1,
                        arena_printf(&util_arena, "%s of a list or tuple holding", what));
}

value *lw_seq_arg(lctx *c, value *x, const char *f)
{
    return x->kind == V_TUPLE && !x->keys && !x->cplx ? lw_seq_operand(c, x, arena_printf(&util_arena, "%s()", f)) : x;
}

/* a's view narrowed to [lo, lo + n) along its axis-th own dimension. */
static value *slice_axis(value *a, loc l, int axis, ir_expr *lo, ir_expr *n, const sym *sn)
{
    ir_view *v = ir_view_clone(a->e->view);
    value *r = lw_vnew(V_ARRAY, l);
    *r = *a;
    r->fresh = NULL;
    for (int d = 0; d < v->rank; d++) {
        ir_dim *m = &v->dim[d];
        if (m->kind != D_RANGE || m->box != axis)
            continue;
        m->lo = lw_iadd(l, m->lo, lw_imul(l, m->step, lo));
        m->len = n;
        m->slo = NULL;
        m->slen = sn;
    }
    r->len[axis] = n;
    r->sh[axis] = sn;
    r->e = ir_read(l, v);
    return r;
}

/* n indices of a along axis going down from index hi (a[..., hi:hi-n:-1, ...]): the mirror
 * images np.pad's 'reflect' and 'symmetric' copy. */
static value *slice_axis_down(value *a, loc l, int axis, ir_expr *hi, ir_expr *n, const sym *sn)
{
    value *r = slice_axis(a, l, axis, hi, n, sn);
    ir_view *v = r->e->view;
    for (int d = 0; d < v->rank; d++) {
        ir_dim *m = &v->dim[d];
        if (m->kind != D_RANGE || m->box != axis)
            continue;
        m->step = lw_imul(l, m->step, lw_I64(l, -1));
        m->step_c = -m->step_c;
    }
    return r;
}

/* pad_width: an int, (before, after), or one (before, after) per axis. */
static int pad_widths(value *pw, int rank, value **before, value **after)
{
    for (int d = 0; d < rank; d++) {
        value *p = pw;
        if (p->kind == V_TUPLE && p->n == rank && rank > 1 && p->items[0]->kind == V_TUPLE)
            p = p->items[d];
        else if (p->kind == V_TUPLE && p->n == 1 && p->items[0]->kind == V_TUPLE)
            p = p->items[0];
        if (p->kind == V_TUPLE && p->n == 1)
            p = p->items[0];
        if (p->kind == V_SCALAR)
            before[d] = after[d] = p;
        else if (p->kind == V_TUPLE && p->n == 2 && p->items[0]->kind == V_SCALAR &&
                 p->items[1]->kind == V_SCALAR) {
            before[d] = p->items[0];
            after[d] = p->items[1];
        } else {
            diag_error(pw->l, "np.pad(): pad_width must be an int, (before, after) or one "
                              "(before, after) per axis");
            return 0;
        }
        for (value **w = (value *[]){before[d], after[d]}, **e = w + 2; w < e; w++)
            if (!lw_is_int_scalar(*w)) {
                diag_error((*w)->l, "np.pad(): pad widths must be integers, not %s", lw_vkind_desc(*w));
                return 0;
            }
    }
    return 1;
}

/* constant_values= as NumPy's _as_pairs reads it: a number, (v,), (before, after), ((before,
 * after),) or one (before, after) per axis; numbers only (NumPy casts them to the array's
 * dtype, as the stores here do). */
static int pad_values(value *cv, int rank, value **before, value **after)
{
    for (int d = 0; d < rank; d++) {
        value *p = cv;
        if (lw_is_complex(p))
            p = NULL;
        else if (p->kind == V_TUPLE && !p->keys && p->n == rank && rank > 1 && p->items[0]->kind == V_TUPLE)
            p = p->items[d];
        else if (p->kind == V_TUPLE && !p->keys && p->n == 1 && p->items[0]->kind == V_TUPLE)
            p = p->items[0];
        if (!p || lw_is_complex(p)) {
            diag_error(cv->l, "np.pad(): complex constant_values are not supported");
            return 0;
        }
        if (p->kind == V_TUPLE && !p->keys && p->n == 1)
            p = p->items[0];
        if (p->kind == V_SCALAR)
            before[d] = after[d] = p;
        else if (p->kind == V_TUPLE && !p->keys && !lw_is_complex(p) && p->n == 2 && p->items[0]->kind == V_SCALAR &&
                 p->items[1]->kind == V_SCALAR) {
            before[d] = p->items[0];
            after[d] = p->items[1];
        } else {
            diag_error(cv->l, "np.pad(): constant_values must be a number, (before, after) or one "
                              "(before, after) per axis, of numbers");
            return 0;
        }
    }
    return 1;
}

/* np.pad(a, pad_width, mode='constant'|'edge'|'wrap'|'reflect'|'symmetric', constant_values=):
 * the array is copied into the middle of a larger one and each axis padded in turn (so corners
 * come out as NumPy's): constant by the fill, edge by broadcasting the first and last slices,
 * wrap by copying the opposite end (widths at most the extent), reflect and symmetric by
 * copying the ends mirrored, without and with the edge value repeated (widths below the
 * extent, and at most the extent: NumPy reflects again beyond, which is refused when running).
 * Constant values that differ by side or axis are stored axis by axis after the copy, each
 * side's slab across the whole of the other axes, so later axes own the corners, as NumPy's
 * _set_pad_area does. */
value *lw_pad(lctx *c, loc l, args *a)
{
    const char *pn[] = {"array", "pad_width", "mode", "constant_values"};
    value *v[4];
    if (!lw_match_args(l, "np.pad", a, 4, pn, 2, v))
        return &lw_ERRV;
    value *x = lw_array_arg(c, v[0], "np.pad");
    if (!x)
        return &lw_ERRV;
    const char *mode = "constant";
    if (v[2]) {
        if (v[2]->kind != V_STR || (strcmp(v[2]->str, "constant") && strcmp(v[2]->str, "edge") &&
                                    strcmp(v[2]->str, "wrap") && strcmp(v[2]->str, "reflect") &&
                                    strcmp(v[2]->str, "symmetric"))) {
            diag_error(v[2]->l, "np.pad(): supported modes are 'constant', 'edge', 'wrap', 'reflect' and "
                                "'symmetric'");
            return &lw_ERRV;
        }
        mode = v[2]->str;
    }
    if (v[3] && strcmp(mode, "constant")) {
        diag_error(v[3]->l, "unsupported keyword arguments for mode '%s': {'constant_values'}", mode);
        return &lw_ERRV;
    }
    value *before[IR_MAX_RANK], *after[IR_MAX_RANK];
    if (!pad_widths(v[1], x->rank, before, after))
        return &lw_ERRV;
    value *cb[IR_MAX_RANK], *ca[IR_MAX_RANK];
    int sides = v[3] && v[3]->kind != V_SCALAR; /* values by side: stored after the copy */
    if (sides && !pad_values(v[3], x->rank, cb, ca))
        return &lw_ERRV;
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    ir_expr *b[IR_MAX_RANK], *e[IR_MAX_RANK];
    for (int d = 0; d < x->rank; d++) {
        b[d] = lw_int_operand(before[d], "a pad width");
        e[d] = lw_int_operand(after[d], "a pad width");
        int64_t kb, ke;
        if ((ir_expr_const_int(b[d], &kb) && kb < 0) || (ir_expr_const_int(e[d], &ke) && ke < 0)) {
            diag_error(v[1]->l, "index can't contain negative values");
            return &lw_ERRV;
        }
        len[d] = lw_iadd(l, lw_iadd(l, b[d], x->len[d]), e[d]);
        sh[d] = (x->sh[d] && before[d]->s && after[d]->s)
                    ? sym_add(sym_add(before[d]->s, x->sh[d]), after[d]->s) : NULL;
    }
    int constant = strcmp(mode, "constant") == 0;
    ir_expr *fill = constant && !sides ? (v[3] ? v[3]->e : ir_const_i(l, T_I64, 0)) : NULL;
    value *r = lw_new_array(c, l, x->type, x->rank, len, sh, constant && !sides ? 2 : 0, fill);
    value *mid = r;
    for (int d = 0; d < x->rank; d++)
        mid = slice_axis(mid, l, d, b[d], x->len[d], x->sh[d]);
    lw_emit_sweep(c, l, mid, x, 0);
    if (sides)
        for (int d = 0; d < x->rank; d++) {
            lw_emit_sweep(c, l, slice_axis(r, l, d, lw_I64(l, 0), b[d], before[d]->s), cb[d], 0);
            lw_emit_sweep(c, l, slice_axis(r, l, d, lw_iadd(l, b[d], x->len[d]), e[d], after[d]->s),
                          ca[d], 0);
        }
    if (constant)
        return r;
    int wrap = strcmp(mode, "wrap") == 0, reflect = strcmp(mode, "reflect") == 0;
    int symmetric = strcmp(mode, "symmetric") == 0;
    for (int d = 0; d < x->rank; d++) {
        /* the part of r already filled: the middle along later axes, everything along earlier */
        value *done = r;
        for (int q = d + 1; q < x->rank; q++)
            done = slice_axis(done, l, q, b[q], x->len[q], x->sh[q]);
        ir_expr *n = x->len[d];
        ir_expr *one = lw_I64(l, 1);
        value *lo_t = slice_axis(done, l, d, lw_I64(l, 0), b[d], before[d]->s);
        value *hi_t = slice_axis(done, l, d, lw_iadd(l, b[d], n), e[d], after[d]->s);
        value *lo_s, *hi_s;
        if (wrap) {
            /* a wrap wider than the extent (NumPy repeats the array) is a run-time error here */
            for (ir_expr **w = (ir_expr *[]){b[d], e[d]}, **we = w + 2; w < we; w++)
                lw_emit_raise(c, l, ir_bin(l, OP_CGT, T_BOOL, *w, n, 0),
                           "ValueError: np.pad(mode='wrap') wider than the axis is not supported "
                           "by tylesc");
            lo_s = slice_axis(done, l, d, n, b[d], before[d]->s);
            hi_s = slice_axis(done, l, d, b[d], e[d], after[d]->s);
        } else if (reflect || symmetric) {
            /* reflect: x[b], x[b-1], ... x[1] before and x[n-2], x[n-3], ... after; symmetric
             * starts at x[b-1] and x[n-1]. Wider pads NumPy reflects again: refused here. */
            ir_expr *most = reflect ? ir_bin(l, OP_SUB, T_I64, n, one, 0) : n;
            for (ir_expr **w = (ir_expr *[]){b[d], e[d]}, **we = w + 2; w < we; w++)
                lw_emit_raise(c, l, ir_bin(l, OP_CGT, T_BOOL, *w, most, 0),
                              reflect ? "ValueError: np.pad(mode='reflect') as wide as the axis or wider is "
                                        "not supported by tylesc"
                                      : "ValueError: np.pad(mode='symmetric') wider than the axis is not "
                                        "supported by tylesc");
            ir_expr *top = lw_iadd(l, b[d], b[d]); /* the first source index, in r's coordinates */
            ir_expr *bot = lw_iadd(l, b[d], ir_bin(l, OP_SUB, T_I64, n, lw_I64(l, 2), 0));
            if (symmetric) {
                top = ir_bin(l, OP_SUB, T_I64, top, one, 0);
                bot = lw_iadd(l, bot, one);
            }
            lo_s = slice_axis_down(done, l, d, top, b[d], before[d]->s);
            hi_s = slice_axis_down(done, l, d, bot, e[d], after[d]->s);
        } else {
            lo_s = slice_axis(done, l, d, b[d], one, sym_const(1));
            hi_s = slice_axis(done, l, d, ir_bin(l, OP_SUB, T_I64, lw_iadd(l, b[d], n), one, 0), one, sym_const(1));
        }
        lw_emit_sweep(c, l, lo_t, lo_s, 0);
        lw_emit_sweep(c, l, hi_t, hi_s, 0);
    }
    return r;
}

/* ---- np.indices, np.mgrid, np.ogrid ---------------------------------------------------------- */

/* Grid k of n: (index along axis k as type t) * step[k] + start[k], over the full shape (len,
 * sh) or, sparse, extent 1 off axis k. NULL steps and starts leave the index as it is. */
static value *grid_arrays(lctx *c, loc l, int n, ir_expr **len, const sym **sh, ir_type t,
                          value **start, value **step, int sparse)
{
    value *tup = lw_vnew(V_TUPLE, l);
    tup->n = n;
    tup->items = NEWN(value *, n);
    for (int k = 0; k < n; k++) {
        ir_expr *gl[IR_MAX_RANK];
        const sym *gs[IR_MAX_RANK];
        for (int d = 0; d < n; d++) {
            int full = !sparse || d == k;
            gl[d] = full ? len[d] : lw_I64(l, 1);
            gs[d] = full ? sh[d] : sym_const(1);
        }
        value *iv = lw_vnew(V_ARRAY, l);
        iv->type = t;
        iv->rank = n;
        for (int d = 0; d < n; d++) {
            iv->len[d] = gl[d];
            iv->sh[d] = gs[d];
        }
        iv->e = ir_index(l, t, k);
        value *g = iv;
        if (step && step[k])
            g = lw_binop(c, l, OP_MUL, g, step[k]);
        if (start && start[k])
            g = lw_binop(c, l, OP_ADD, g, start[k]);
        if (g->kind == V_ERR)
            return &lw_ERRV;
        value *r = lw_new_array(c, l, g->type, n, gl, gs, 0, NULL);
        lw_emit_sweep(c, l, r, g, 1);
        tup->items[k] = r;
    }
    return tup;
}

/* np.indices(dimensions, dtype=int, sparse=False): the grids of the indices, as a tuple (so
 * `i, j = np.indices((n, m))` and `np.indices(s)[0]` work; the stacked array is not built). */
value *lw_indices(lctx *c, loc l, args *a)
{
    const char *pn[] = {"dimensions", "dtype", "sparse"};
    value *v[3];
    if (!lw_match_args(l, "np.indices", a, 3, pn, 1, v))
        return &lw_ERRV;
    int rank, ok = 1;
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    ir_type t = T_I64;
    if (!lw_shape_arg(v[0], &rank, len, sh) || (v[1] && v[1]->kind != V_NONE && !lw_dtype_of(v[1], &t)))
        return &lw_ERRV;
    int sparse = lw_const_flag(v[2], 0, "sparse", &ok);
    value *r = ok ? grid_arrays(c, l, rank, len, sh, t, NULL, NULL, sparse) : &lw_ERRV;
    if (r->kind == V_TUPLE && !sparse) /* NumPy's (rank, ...) array; sparse=True gives a tuple */
        r->ndarr = 1;
    return r;
}

/* v itself, or the array NumPy has for a tuple that stands for one (ndarr: np.indices(s).sum(axis=0),
 * np.indices(s) % 2): np.stack of its items. */
value *lw_ndarr(lctx *c, value *v)
{
    if (v->kind != V_TUPLE || !v->ndarr)
        return v;
    args la = {0};
    la.pos = &v;
    la.npos = 1;
    return lw_array_literal(c, v->l, &la, 0);
}

/* np.r_[a, b, ...]: NumPy's AxisConcatenator along axis 0 with ndmin=1. Numbers become 1-D
 * arrays of one element; lists the arrays NumPy makes of them; arrays as they are. The dtype is
 * NumPy's result_type of the arrays' dtypes and the numbers, Python numbers weak (NEP 50):
 * np.r_[0.0, q32] stays float32, np.r_[np.float64 scalar, q32] is float64. Slices (ranges) and
 * string directives ('-1', 'r', 'c') are refused, located. */
value *lw_index_concat(lctx *c, ast *sub)
{
    loc l = sub->l;
    int n = sub->args.len;
    value **it = NEWN(value *, n > 0 ? n : 1);
    ir_type strong = T_BOOL, weak = T_BOOL;
    int nstrong = 0, nweak = 0;
    for (int k = 0; k < n; k++) {
        ast *a = VEC_AT(sub->args, k, ast *);
        if (a->kind == A_SLICE || a->kind == A_STR) {
            diag_error(a->l, "np.r_[...] of %s is not supported (numbers, lists and arrays are); "
                             "use np.arange or np.linspace, then np.concatenate",
                       a->kind == A_SLICE ? "a slice" : "a string directive");
            return &lw_ERRV;
        }
        value *v = lw_expr(c, a);
        if (v->kind == V_ERR)
            return v;
        if (v->kind == V_TUPLE && !v->keys && !lw_is_complex(v)) {
            args la = {0};
            la.pos = &v;
            la.npos = 1;
            v = lw_array_literal(c, v->l, &la, 0);
            if (v->kind == V_ERR)
                return v;
        }
        if (v->kind != V_ARRAY && v->kind != V_SCALAR) {
            diag_error(v->l, "np.r_[...] of %s is not supported (numbers, lists and arrays are)",
                       lw_vkind_desc(v));
            return &lw_ERRV;
        }
        if (v->kind == V_SCALAR && v->weak) {
            weak = nweak++ ? lw_promote2(weak, v->type) : v->type;
        } else {
            strong = nstrong++ ? lw_promote2(strong, v->type) : v->type;
        }
        it[k] = v;
    }
    if (n == 0) {
        diag_error(l, "np.r_[] of nothing is not supported");
        return &lw_ERRV;
    }
    ir_type t;
    if (!nstrong)
        t = ir_type_is_float(weak) ? T_F64 : weak == T_BOOL ? T_BOOL : T_I64;
    else if (nweak && ir_type_is_float(weak) && !ir_type_is_float(strong))
        t = T_F64;
    else if (nweak && weak != T_BOOL && strong == T_BOOL)
        t = T_I64;
    else
        t = strong;
    ir_expr *one[1] = {lw_I64(l, 1)};
    const sym *sone[1] = {sym_const(1)};
    for (int k = 0; k < n; k++)
        if (it[k]->kind == V_SCALAR)
            it[k] = lw_new_array(c, it[k]->l, t, 1, one, sone, 2, it[k]->e);
    return lw_concat(c, l, "np.r_", it, n, 0);
}

/* np.mgrid[s0, s1, ...] / np.ogrid[...] with NumPy's nd_grid rules: a slice a:b:c gives
 * ceil((b - a) / c) points a + i * c; an imaginary step a:b:Nj gives N points from a to b
 * inclusive, a + i * (b - a) / (N - 1); the element type is that of all bounds and steps. One
 * slice gives one array; several, a tuple of grids (mgrid's stacked array, unpacked). */
value *lw_index_grid(lctx *c, const char *which, ast *sub)
{
    loc l = sub->l;
    int n = sub->args.len, sparse = which[3] == 'o';
    if (n < 1 || n > IR_MAX_RANK) {
        diag_error(l, "%s of %d dimensions is not supported (1 to %d)", which, n, IR_MAX_RANK);
        return &lw_ERRV;
    }
    value *start[IR_MAX_RANK], *step[IR_MAX_RANK];
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    int isf = 0;
    for (int k = 0; k < n; k++) {
        ast *it = VEC_AT(sub->args, k, ast *);
        if (it->kind != A_SLICE || !it->b) {
            diag_error(it->l, "%s[...] takes slices with a stop (start:stop:step)", which);
            return &lw_ERRV;
        }
        value *a = it->a ? lw_expr(c, it->a) : NULL;
        value *b = lw_expr(c, it->b);
        if ((a && a->kind == V_ERR) || b->kind == V_ERR)
            return &lw_ERRV;
        if (!a) {
            a = lw_scalar(l, lw_I64(l, 0), 1);
            a->s = sym_const(0);
        }
        for (value **w = (value *[]){a, b}, **we = w + 2; w < we; w++)
            if ((*w)->kind != V_SCALAR || (*w)->type == T_BOOL) {
                diag_error((*w)->l, "%s[...] bounds must be int or float scalars, not %s", which,
                           lw_vkind_desc(*w));
                return &lw_ERRV;
            }
        isf |= ir_type_is_float(a->type) || ir_type_is_float(b->type);
        start[k] = a;
        if (it->c && it->c->kind == A_FLOAT && it->c->ival) { /* a:b:Nj */
            int64_t num = (int64_t)fabs(it->c->fval);
            isf = 1;
            len[k] = lw_I64(it->c->l, num);
            sh[k] = sym_const(num);
            step[k] = num == 1 ? lw_scalar(l, lw_I64(l, 1), 1)
                               : lw_py_binop(c, l, OP_TRUEDIV, lw_py_binop(c, l, OP_SUB, b, a),
                                          lw_scalar(l, ir_const_f(l, T_F64, (double)(num - 1)), 1));
            if (step[k]->kind == V_ERR) /* stop - start overflowed: reported */
                return &lw_ERRV;
            continue;
        }
        value *st = it->c ? lw_expr(c, it->c) : NULL;
        if (st && st->kind == V_ERR)
            return &lw_ERRV;
        if (!st || st->kind == V_NONE) {
            st = lw_scalar(l, lw_I64(l, 1), 1);
            st->s = sym_const(1);
        }
        if (n == 1 && !sub->tuple_index) { /* one plain slice: NumPy calls np.arange */
            args ar = {0};
            ar.pos = (value *[]){a, b, st};
            ar.npos = 3;
            return lw_arange(c, l, &ar);
        }
        if (st->kind != V_SCALAR || st->type == T_BOOL) {
            diag_error(st->l, "%s[...] steps must be int or float scalars (or imaginary: 5j), not %s",
                       which, lw_vkind_desc(st));
            return &lw_ERRV;
        }
        isf |= ir_type_is_float(st->type);
        step[k] = st;
        /* int(math.ceil((stop - start) / (step * 1.0))) */
        value *q = lw_py_binop(c, l, OP_TRUEDIV, lw_py_binop(c, l, OP_SUB, b, a),
                            lw_py_binop(c, l, OP_MUL, st, lw_scalar(l, ir_const_f(l, T_F64, 1.0), 1)));
        if (q->kind == V_ERR)
            return &lw_ERRV;
        len[k] = lw_call1(l, FN_PYINT, T_I64, lw_call1(l, FN_CEIL, T_F64, ir_cast(l, T_F64, q->e)));
        int64_t kk;
        sh[k] = ir_expr_const_int(len[k], &kk) ? sym_const(kk)
                : (!isf && lw_is_one(st->s) && a->s && b->s) ? sym_sub(b->s, a->s) : NULL;
    }
    value *g = grid_arrays(c, l, n, len, sh, isf ? T_F64 : T_I64, start, step, sparse);
    return g->kind == V_TUPLE && n == 1 ? g->items[0] : g;
}
