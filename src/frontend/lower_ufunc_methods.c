/* lower_ufunc_methods.c: the methods of NumPy's binary ufuncs, np.add.outer(a, b),
 * np.minimum.reduce(a, axis=0) and np.maximum.accumulate(a, axis=0), as Floyd-Warshall,
 * running maxima and envelope codes write them. Each is an operation tylesc already has:
 * outer is the operator of a with b.ndim trailing axes and b with a.ndim leading ones (the
 * broadcast NumPy computes), reduce the axis reduction (sum, prod is not here, max, min, all,
 * any) with ufunc.reduce's default axis=0, accumulate the running op of cumsum along one axis
 * keeping the dtype.
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
    if (strcmp(m, "outer") != 0 && strcmp(m, "reduce") != 0 && strcmp(m, "accumulate") != 0) {
        diag_error(loc_span(a->a->l, a->l), "'%s.%s' is not supported (the methods outer, reduce "
                                            "and accumulate of binary ufuncs are)", obj->str, m);
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

#define UF(n)                                                                                   \
    {"np." n ".outer", {"A", "B"}, 2, m_outer}, {"np." n ".reduce", {"array", "axis", "dtype", "out", "keepdims"}, 1, m_reduce}, \
        {"np." n ".accumulate", {"array", "axis"}, 1, m_accumulate}
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
