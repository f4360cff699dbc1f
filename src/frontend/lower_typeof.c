/* lower_typeof.c: type(x) and isinstance(x, T), which real programs use in checks and reports
 * (print(type(m).__name__), assert isinstance(n, int), if type(dt) is float). The class of every
 * value is known when compiling: a Python number or a NumPy scalar (value.weak), an array, a
 * string, a list, a tuple, a dict; so type(x) is the string Python prints for it
 * ("<class 'numpy.float64'>"), type(x).__name__ its name, and isinstance, `type(x) is T` and
 * `type(x) == type(y)` constants. Where the class is not known (a name holding a Python number
 * on some paths and a NumPy scalar on others, a bool from a comparison: tylesc does not tell
 * np.bool from bool) it is refused, located.
 * Requires: nothing of other passes. Establishes: a V_STR or a constant Python bool, or a
 * diagnostic; x's own statements (calls in it) are emitted as any expression's. */
#include "lower_internal.h"

#include <string.h>

typedef struct pyclass {
    const char *mod, *name; /* "builtins" / "numpy", "float64" */
} pyclass;

/* The class of the value of x: 1, or 0 after a diagnostic. */
static int class_of(lctx *c, ast *x, pyclass *k)
{
    value *v = lw_expr(c, x);
    k->mod = "builtins";
    switch (v->kind) {
    case V_ERR: return 0;
    case V_NONE: k->name = "NoneType"; return 1;
    case V_ARRAY:
    case V_MASKED: k->mod = "numpy"; k->name = "ndarray"; return 1;
    case V_STR:
    case V_FSTR: k->name = "str"; return 1;
    case V_LIST: k->name = "list"; return 1;
    case V_TUPLE:
        if (!v->cplx) {
            k->name = v->keys ? "dict" : v->is_list ? "list" : "tuple";
            return 1;
        }
        break;
    case V_SCALAR:
        if (v->wmix || v->dyn || v->zt) {
            diag_error(x->l, "type() of this value is not supported: it is a Python number on some paths "
                             "and a NumPy scalar (or an int and a float) on others");
            return 0;
        }
        if (v->type == T_BOOL && x->kind == A_BOOL) { /* True, False: Python's */
            k->name = "bool";
            return 1;
        }
        if (v->type == T_BOOL) {
            diag_error(x->l, "type() of a bool is not supported (a comparison of NumPy values gives "
                             "np.bool, of Python numbers bool: tylesc does not tell them apart)");
            return 0;
        }
        if (v->weak) {
            k->name = ir_type_is_float(v->type) ? "float" : "int";
            return 1;
        }
        k->mod = "numpy";
        k->name = ir_type_name(v->type);
        return 1;
    default: break;
    }
    diag_error(x->l, "type() of %s is not supported", lw_vkind_desc(v));
    return 0;
}

/* A class named in the program (float, np.float64, np.floating, ...): 1 with it, 0 if t is not
 * one (nothing reported). */
static int class_named(ast *t, pyclass *k)
{
    static const char *py[] = {"float", "int", "bool", "str", "list", "tuple", "dict", "object", "complex", NULL};
    static const char *np[] = {"ndarray", "float64", "float32", "int64", "int32", "int16", "int8", "uint64",
                               "uint32", "uint16", "uint8", "bool_", "floating", "integer",
                               "signedinteger", "unsignedinteger", "number", "generic", "inexact", NULL};
    if (t->kind == A_NAME) {
        for (int i = 0; py[i]; i++)
            if (strcmp(t->name, py[i]) == 0) {
                *k = (pyclass){"builtins", py[i]};
                return 1;
            }
        return 0;
    }
    if (t->kind == A_ATTR && t->a && t->a->kind == A_NAME &&
        (strcmp(t->a->name, "np") == 0 || strcmp(t->a->name, "numpy") == 0))
        for (int i = 0; np[i]; i++)
            if (strcmp(t->name, np[i]) == 0) {
                *k = (pyclass){"numpy", strcmp(np[i], "bool_") == 0 ? "bool" : np[i]};
                return 1;
            }
    return 0;
}

static int same(pyclass a, pyclass b) { return strcmp(a.mod, b.mod) == 0 && strcmp(a.name, b.name) == 0; }

/* isinstance(object of class x, class t): Python's subclass relations among these classes
 * (np.float64 is a float, bool an int; np.int64 is not an int). */
static int is_instance(pyclass x, pyclass t)
{
    if (same(x, t) || (strcmp(t.mod, "builtins") == 0 && strcmp(t.name, "object") == 0))
        return 1;
    int npx = strcmp(x.mod, "numpy") == 0 && strcmp(x.name, "ndarray") != 0;
    int fl = npx && (strcmp(x.name, "float64") == 0 || strcmp(x.name, "float32") == 0);
    int in = npx && !fl && strcmp(x.name, "bool") != 0;
    int uns = in && x.name[0] == 'u';
    if (strcmp(t.mod, "builtins") == 0)
        return (strcmp(t.name, "float") == 0 && npx && strcmp(x.name, "float64") == 0) ||
               (strcmp(t.name, "int") == 0 && strcmp(x.mod, "builtins") == 0 && strcmp(x.name, "bool") == 0);
    const char *n = t.name;
    return (npx && strcmp(n, "generic") == 0) || ((fl || in) && strcmp(n, "number") == 0) ||
           (fl && (strcmp(n, "floating") == 0 || strcmp(n, "inexact") == 0)) ||
           (in && strcmp(n, "integer") == 0) || (in && !uns && strcmp(n, "signedinteger") == 0) ||
           (uns && strcmp(n, "unsignedinteger") == 0);
}

static value *pybool(loc l, int b) { return lw_scalar(l, ir_const_i(l, T_BOOL, b), 1); }

static int is_type_call(lctx *c, ast *a)
{
    return a && a->kind == A_CALL && a->a->kind == A_NAME && strcmp(a->a->name, "type") == 0 &&
           a->args.len == 1 && !a->kwargs.len && !lw_lookup(c, "type", &(int){0});
}

value *lw_typeof_call(lctx *c, ast *call)
{
    if (call->a->kind != A_NAME || lw_lookup(c, call->a->name, &(int){0}))
        return NULL;
    loc l = call->l;
    if (strcmp(call->a->name, "type") == 0) {
        if (call->args.len != 1 || call->kwargs.len) {
            diag_error(l, "type() takes one argument here (the three-argument form makes a class)");
            return &lw_ERRV;
        }
        pyclass k;
        if (!class_of(c, VEC_AT(call->args, 0, ast *), &k))
            return &lw_ERRV;
        value *v = lw_vnew(V_STR, l);
        v->str = arena_printf(&util_arena, "<class '%s%s'>", strcmp(k.mod, "numpy") == 0 ? "numpy." : "", k.name);
        return v;
    }
    if (strcmp(call->a->name, "isinstance") != 0)
        return NULL;
    if (call->args.len != 2 || call->kwargs.len) {
        diag_error(l, "isinstance() takes two arguments: the object and a class or a tuple of classes");
        return &lw_ERRV;
    }
    ast *t = VEC_AT(call->args, 1, ast *);
    pyclass x, k;
    int n = t->kind == A_TUPLE ? t->args.len : 1, ok = 1;
    for (int i = 0; i < n; i++) {
        ast *ti = t->kind == A_TUPLE ? VEC_AT(t->args, i, ast *) : t;
        if (!class_named(ti, &k)) {
            diag_error(ti->l, "isinstance() takes a class known when compiling here (float, int, bool, "
                              "str, list, tuple, dict, np.ndarray, np.float64, np.floating, np.integer, "
                              "np.number, ...) or a tuple of them");
            ok = 0;
        }
    }
    if (!class_of(c, VEC_AT(call->args, 0, ast *), &x) || !ok)
        return &lw_ERRV;
    int r = 0;
    for (int i = 0; i < n; i++) {
        class_named(t->kind == A_TUPLE ? VEC_AT(t->args, i, ast *) : t, &k);
        r |= is_instance(x, k);
    }
    return pybool(l, r);
}

value *lw_typeof_name(lctx *c, ast *a)
{
    if (a->kind != A_ATTR || strcmp(a->name, "__name__") != 0 || !is_type_call(c, a->a))
        return NULL;
    pyclass k;
    if (!class_of(c, VEC_AT(a->a->args, 0, ast *), &k))
        return &lw_ERRV;
    value *v = lw_vnew(V_STR, a->l);
    v->str = k.name;
    return v;
}

value *lw_typeof_compare(lctx *c, ast *a)
{
    if (a->kind != A_COMPARE || a->args.len != 1)
        return NULL;
    int op = a->cmpops[0];
    ast *x = a->a, *y = VEC_AT(a->args, 0, ast *);
    if ((op != OP_IS && op != OP_ISNOT && op != OP_EQ && op != OP_NE) || (!is_type_call(c, x) && !is_type_call(c, y)))
        return NULL;
    pyclass kx, ky;
    int okx = is_type_call(c, x) ? class_of(c, VEC_AT(x->args, 0, ast *), &kx) : class_named(x, &kx);
    int oky = is_type_call(c, y) ? class_of(c, VEC_AT(y->args, 0, ast *), &ky) : class_named(y, &ky);
    if (!okx || !oky) {
        ast *bad = !okx ? x : y;
        if (!is_type_call(c, bad))
            diag_error(bad->l, "type(x) is compared with a class known when compiling here (float, int, "
                               "np.float64, np.ndarray, ...) or another type()");
        return &lw_ERRV;
    }
    int eq = same(kx, ky);
    return pybool(a->l, op == OP_IS || op == OP_EQ ? eq : !eq);
}
