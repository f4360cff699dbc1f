/* lower_ufunc_methods.c: the methods of NumPy's binary ufuncs, np.add.outer(a, b),
 * np.minimum.reduce(a, axis=0) and np.maximum.accumulate(a, axis=0), as Floyd-Warshall,
 * running maxima and envelope codes write them. Each is an operation tylesc already has:
 * outer is the operator of a with b.ndim trailing axes and b with a.ndim leading ones (the
 * broadcast NumPy computes), reduce the axis reduction (sum, prod is not here, max, min, all,
 * any) with ufunc.reduce's default axis=0, accumulate the running op of cumsum along one axis
 * keeping the dtype; at (add, subtract, multiply, maximum, minimum) a loop over the indices.
 *
 * Requires: obj (lw_ufunc_method_attr) is the V_BUILTIN of an np.* function.
 * Establishes: the methods are built-ins "np.UFUNC.METHOD" of this file's table. */

#include "lower_internal.h"

#include <string.h>

static const struct {
    const char *name; /* after "np." */
    ir_op op;
    const char *reduce; /* the reduction ufunc.reduce is, or NULL */
} ufuncs[] = {
    {"add", OP_ADD, "sum"},         {"subtract", OP_SUB, NULL},    {"multiply", OP_MUL, NULL},
    {"divide", OP_TRUEDIV, NULL},   {"true_divide", OP_TRUEDIV, NULL},
    {"floor_divide", OP_FDIV, NULL}, {"mod", OP_MOD, NULL},        {"remainder", OP_MOD, NULL},
    {"power", OP_POWER, NULL},      {"maximum", OP_NPMAX, "max"},  {"minimum", OP_NPMIN, "min"},
    {"logical_and", OP_BAND, "all"}, {"logical_or", OP_BOR, "any"},
};
enum { NUFUNCS = sizeof ufuncs / sizeof *ufuncs };

/* The ufunc of "np.NAME" or "np.NAME.METHOD", or -1. */
static int ufunc_of(const char *f)
{
    if (strncmp(f, "np.", 3) != 0)
        return -1;
    f += 3;
    for (int i = 0; i < NUFUNCS; i++) {
        size_t n = strlen(ufuncs[i].name);
        if (strncmp(f, ufuncs[i].name, n) == 0 && (f[n] == 0 || f[n] == '.'))
            return i;
    }
    return -1;
}

value *lw_ufunc_method_attr(value *obj, ast *a)
{
    int u = obj->kind == V_BUILTIN && !obj->self ? ufunc_of(obj->str) : -1;
    if (u < 0)
        return NULL;
    const char *m = a->name;
    ir_op op = ufuncs[u].op;
    int at_ok = strcmp(m, "at") == 0 && (op == OP_ADD || op == OP_SUB || op == OP_MUL || op == OP_NPMAX ||
                                         op == OP_NPMIN);
    if (strcmp(m, "outer") != 0 && strcmp(m, "reduce") != 0 && strcmp(m, "accumulate") != 0 && !at_ok) {
        diag_error(loc_span(a->a->l, a->l), "'%s.%s' is not supported (the methods outer, reduce "
                                            "and accumulate of binary ufuncs are, and at of add, subtract, "
                                            "multiply, maximum and minimum)", obj->str, m);
        return &lw_ERRV;
    }
    value *v = lw_vnew(V_BUILTIN, a->l);
    v->str = arena_printf(&util_arena, "%s.%s", obj->str, m);
    return v;
}

/* The boolean ufuncs combine truth values: their operands as bool arrays. */
static value *operand(lctx *c, int u, value *x)
{
    if (ufuncs[u].op != OP_BAND && ufuncs[u].op != OP_BOR)
        return x;
    return lw_binop(c, x->l, OP_CNE, x, lw_scalar(x->l, ir_const_i(x->l, T_BOOL, 0), 1));
}

static value *m_outer(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    int u = ufunc_of(f);
    value *sv[2];
    for (int i = 0; i < 2; i++) {
        if (v[i]->kind == V_SCALAR) {
            /* a number is a 0-d array to outer (np.asarray: a Python float is float64, not a weak
             * scalar): its axes add nothing to the result's shape */
            value *s = lw_vnew(V_SCALAR, v[i]->l);
            *s = *v[i];
            if (s->weak) {
                s->weak = 0;
                s->type = ir_type_is_float(s->type) ? T_F64 : s->type == T_BOOL ? T_BOOL : T_I64;
                s->e = ir_cast(s->l, s->type, v[i]->e);
            }
            sv[i] = s;
            continue;
        }
        sv[i] = v[i];
        if (v[i]->kind != V_ARRAY) {
            if (v[i]->kind != V_ERR)
                diag_error(v[i]->l, "%s() takes arrays or numbers, not %s", f, lw_vkind_desc(v[i]));
            return &lw_ERRV;
        }
    }
    if (sv[0]->kind == V_SCALAR || sv[1]->kind == V_SCALAR)
        return lw_binop(c, l, ufuncs[u].op, operand(c, u, sv[0]), operand(c, u, sv[1]));
    if (v[0]->rank + v[1]->rank > IR_MAX_RANK) {
        diag_error(l, "%s() of a %d-D and a %d-D array would have %d dimensions (at most %d are "
                      "supported)", f, v[0]->rank, v[1]->rank, v[0]->rank + v[1]->rank, IR_MAX_RANK);
        return &lw_ERRV;
    }
    value *x = operand(c, u, v[0]), *y = operand(c, u, v[1]);
    int ra = x->rank, rb = y->rank;
    for (int k = 0; k < rb && x->kind != V_ERR; k++)
        x = lw_expand(c, l, x, ra + k);
    for (int k = 0; k < ra && y->kind != V_ERR; k++)
        y = lw_expand(c, l, y, 0);
    return lw_binop(c, l, ufuncs[u].op, x, y);
}

static value *m_reduce(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    int u = ufunc_of(f);
    if (!ufuncs[u].reduce) {
        diag_error(l, "%s() is not supported (add, maximum, minimum, logical_and and logical_or "
                      "reduce: np.sum, np.max, np.min, np.all, np.any)", f);
        return &lw_ERRV;
    }
    for (int i = 2; i < 4; i++)
        if (v[i] && v[i]->kind != V_NONE) {
            diag_error(v[i]->l, "%s(): %s= is not supported", f, i == 2 ? "dtype" : "out");
            return &lw_ERRV;
        }
    args ra = {0};
    ra.pos = NEWN(value *, 5);
    ra.pos[0] = v[0];
    if (v[0]->kind == V_TUPLE && !v[0]->keys && !v[0]->cplx) /* np.logical_and.reduce([m1, m2, m3]): its array */
        ra.pos[0] = lw_seq_operand(c, v[0], f);
    ra.pos[1] = v[1] ? v[1] : lw_scalar(l, lw_I64(l, 0), 1); /* ufunc.reduce's axis=0 */
    ra.npos = 2;
    if (v[4]) { /* keepdims, in np.sum's (a, axis, dtype, out, keepdims), np.max's (a, axis, out, keepdims) */
        int add = strcmp(ufuncs[u].reduce, "sum") == 0;
        for (int i = 0; i < (add ? 2 : 1); i++)
            ra.pos[ra.npos++] = lw_vnew(V_NONE, l);
        ra.pos[ra.npos++] = v[4];
    }
    return lw_reduce_call(c, l, ufuncs[u].reduce, &ra, NULL);
}

static value *m_accumulate(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    int u = ufunc_of(f);
    ir_op op = ufuncs[u].op;
    if (op != OP_ADD && op != OP_MUL && op != OP_NPMAX && op != OP_NPMIN) {
        diag_error(l, "%s() is not supported (add, multiply, maximum and minimum accumulate)", f);
        return &lw_ERRV;
    }
    return lw_accumulate(c, l, f, op, v[0], v[1] ? v[1] : lw_scalar(l, lw_I64(l, 0), 1));
}

/* np.add.at(a, indices, b): NumPy's unbuffered operation, each index in turn (one repeated is
 * applied again, unlike a[i] += b), lowered to that loop over hidden names bound to the
 * arguments (a's name is a view of a: the stores reach it):
 *     for at.L.C.k in range(len(at.L.C.i)): at.L.C.a[at.L.C.i[k]] = at.L.C.a[at.L.C.i[k]] + at.L.C.b[k]
 * (an int a takes each float sum cut to an int, as NumPy's unsafe cast there does)
 * (maximum/minimum: a[i] = np.maximum(a[i], b[k])). indices: a 1-D integer array, or a tuple of
 * them, one per axis of a, of one length (checked when running); b: a number or a 1-D array of
 * the indices' length or of 1 (checked when running, NumPy's message). Particle-in-cell deposits write it: np.add.at(rho, j, 1 - w).
 * Fewer index arrays than axes select whole subarrays a[i[k]] (molecular dynamics' pair forces:
 * np.add.at(f, i, fij) with f (N, 2), fij (M, 2)); b then has a[i[k]]'s shape (the same for every
 * k) or one more axis in front (b[k] for each k, or b[0] for all when it is 1 long). */
static value *m_at(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    int u = ufunc_of(f);
    ir_op op = ufuncs[u].op;
    value *arr = v[0], *ix = v[1], *b = v[2];
    if (arr->kind != V_ARRAY) {
        if (arr->kind != V_ERR)
            diag_error(arr->l, "%s(): the first argument must be an array, not %s", f, lw_vkind_desc(arr));
        return &lw_ERRV;
    }
    if (arr->e->kind != E_READ) {
        diag_error(arr->l, "%s(): the first argument must be an array or a view of one (its elements "
                           "are changed)", f);
        return &lw_ERRV;
    }
    value **ixs = &ix;
    int nix = 1;
    if (ix->kind == V_TUPLE && ix->is_list && !ix->keys) { /* a list of indices: np.array(list) */
        args la = {0};
        la.pos = &ix;
        la.npos = 1;
        ix = lw_array_literal(c, ix->l, &la, 1);
        if (ix->kind == V_ERR)
            return ix;
    }
    if (ix->kind == V_TUPLE && !ix->keys) {
        ixs = ix->items;
        nix = ix->n;
    }
    if (nix > arr->rank) {
        diag_error(ix->l, "%s() is supported with at most one 1-D array of indices per axis of the array (%d given, "
                          "for %d axes)", f, nix, arr->rank);
        return &lw_ERRV;
    }
    int rest = arr->rank - nix; /* np.add.at(f, i, fij) of an (N, 2) f: whole rows f[i[k]] */
    for (int i = 0; i < nix; i++)
        if (ixs[i]->kind != V_ARRAY || ixs[i]->rank != 1 || ir_type_is_float(ixs[i]->type) ||
            ixs[i]->type == T_BOOL) {
            diag_error(ixs[i]->l, "%s(): the indices must be 1-D arrays of integers (not %s)", f,
                       ixs[i]->kind == V_ARRAY ? arena_printf(&util_arena, "a %d-D %s array", ixs[i]->rank,
                                                              ir_type_name(ixs[i]->type))
                                               : lw_vkind_desc(ixs[i]));
            return &lw_ERRV;
        }
    if (!b || (b->kind != V_SCALAR && (b->kind != V_ARRAY || b->rank < rest || b->rank > rest + 1))) {
        diag_error(b ? b->l : l, rest ? "%s(): b must be a number, an array of the shape of a[i] or a stack of "
                                        "them, one per index"
                                      : "%s(): b must be a number or a 1-D array as long as the indices", f);
        return &lw_ERRV;
    }
    const char *base = arena_printf(&util_arena, "at.%d.%d", l.line, l.col);
    ast *A = ast_name(l, arena_printf(&util_arena, "%s.a", base));
    ast *k = ast_name(l, arena_printf(&util_arena, "%s.k", base));
    lw_assign_name(c, A, arr);
    vec sub = {0};
    ast *I0 = NULL;
    for (int i = 0; i < nix; i++) {
        ast *I = ast_name(l, arena_printf(&util_arena, "%s.i%d", base, i));
        lw_assign_name(c, I, ixs[i]);
        vec_push(&sub, ast_subscript(l, I, ast_vec1(k), 0));
        if (!I0)
            I0 = I;
        else { /* NumPy broadcasts the index arrays: they must be as long as each other */
            ast *exc = ast_call(l, ast_name(l, "IndexError"),
                                ast_arglist(NULL, ast_str(l, arena_printf(&util_arena, "%s(): index arrays of "
                                                             "different lengths are not supported", f))));
            lw_stmt(c, ast_if(l, ast_compare(l, ast_call(l, ast_name(l, "len"), ast_arglist(NULL, I)), OP_NE,
                                             ast_call(l, ast_name(l, "len"), ast_arglist(NULL, I0))),
                              ast_vec1(ast_raise(l, exc)), (vec){0}));
        }
    }
    ast *len = ast_call(l, ast_name(l, "len"), ast_arglist(NULL, I0));
    ast *B = ast_name(l, arena_printf(&util_arena, "%s.b", base)), *bk = B;
    lw_assign_name(c, B, b);
    if (b->kind == V_ARRAY && b->rank == rest + 1) {
        bk = ast_subscript(l, B, ast_vec1(k), 0);
        ast *exc = ast_call(l, ast_name(l, "ValueError"),
                            ast_arglist(NULL, ast_str(l, "array is not broadcastable to correct shape")));
        ast *ne = ast_compare(l, ast_call(l, ast_name(l, "len"), ast_arglist(NULL, B)), OP_NE, len);
        ast *ne1 = ast_compare(l, ast_call(l, ast_name(l, "len"), ast_arglist(NULL, B)), OP_NE, ast_int(l, 1));
        lw_stmt(c, ast_if(l, ast_boolop(l, OP_AND, ne, ne1), ast_vec1(ast_raise(l, exc)), (vec){0}));
        /* a b of one item is broadcast */
        bk = ast_subscript(l, B, ast_vec1(ast_ifexp(l, ast_int(l, 0), ast_compare(l, ast_call(l, ast_name(l, "len"),
                                                                                          ast_arglist(NULL, B)),
                                                                                 OP_EQ, ast_int(l, 1)), k)), 0);
    }
    ast *elem = ast_subscript(l, A, sub, 0);
    ast *st;
    if (op == OP_NPMAX || op == OP_NPMIN)
        st = ast_assign(l, ast_vec1(elem), ast_call(l, ast_attr(l, ast_name(l, "np"), op == OP_NPMAX ? "maximum" : "minimum"),
                                                    ast_arglist(ast_arglist(NULL, ast_subscript(l, A, sub, 0)), bk)));
    else
        st = ast_assign(l, ast_vec1(elem), ast_binop(l, op == OP_ADD ? '+' : op == OP_SUB ? '-' : '*',
                                                     ast_subscript(l, A, sub, 0), bk));
    lw_stmt(c, ast_for(l, k, ast_call(l, ast_name(l, "range"), ast_arglist(NULL, len)), ast_vec1(st), (vec){0}));
    return lw_vnew(V_NONE, l);
}

#define UF(n)                                                                                   \
    {"np." n ".outer", {"A", "B"}, 2, m_outer}, {"np." n ".reduce", {"array", "axis", "dtype", "out", "keepdims"}, 1, m_reduce}, \
        {"np." n ".accumulate", {"array", "axis"}, 1, m_accumulate}, {"np." n ".at", {"a", "indices", "b"}, 2, m_at}
static const lw_builtin table[] = {
    UF("add"),      UF("subtract"),  UF("multiply"), UF("divide"),  UF("true_divide"),
    UF("floor_divide"), UF("mod"),   UF("remainder"), UF("power"),  UF("maximum"),
    UF("minimum"),  UF("logical_and"), UF("logical_or"),
};
#undef UF

const lw_builtin *lw_ufunc_method_find(const char *name, int method)
{
    return method ? NULL : lw_builtin_find(table, sizeof table / sizeof *table, name);
}
