/* lower_expr.c: expressions: reading a name, attributes of modules and arrays, comparisons,
 * truth values and the dispatcher lw_expr over every expression node. Requires: the names read
 * are bound in c->sc or an enclosing scope. Establishes: every expression gives a value, &lw_ERRV
 * after a diagnostic. */

#include "lower_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* Lists and tuples known when compiling: xs[a:b:k], xs + ys, [0.0] * n                        */

/* A slice bound: NULL (omitted) or an int known when compiling; -1 after a diagnostic. */
static int slice_bound(lctx *c, ast *b, int64_t *k, int *given)
{
    *given = 0;
    if (!b)
        return 1;
    value *v = lw_expr(c, b);
    if (v->kind == V_NONE)
        return 1;
    if (v->kind != V_SCALAR || !ir_type_is_int(v->type) || !ir_expr_const_int(v->e, k)) {
        if (v->kind != V_ERR)
            diag_error(b->l, "a slice of a list or tuple needs bounds known when compiling");
        return 0;
    }
    *given = 1;
    return 1;
}
/* Python's slice of a sequence of n items (PySlice_AdjustIndices). */
static value *slice_items(lctx *c, value *base, ast *sl)
{
    int64_t lo = 0, hi = 0, st = 1, n = base->n;
    int glo, ghi, gst;
    if (!slice_bound(c, sl->a, &lo, &glo) || !slice_bound(c, sl->b, &hi, &ghi) || !slice_bound(c, sl->c, &st, &gst))
        return &lw_ERRV;
    if (!gst)
        st = 1;
    if (st == 0) {
        diag_error(sl->c->l, "ValueError: slice step cannot be zero");
        return &lw_ERRV;
    }
    if (!glo)
        lo = st > 0 ? 0 : n - 1;
    else {
        if (lo < 0)
            lo += n;
        if (lo < 0)
            lo = st > 0 ? 0 : -1;
        else if (lo >= n)
            lo = st > 0 ? n : n - 1;
    }
    if (!ghi)
        hi = st > 0 ? n : -1;
    else {
        if (hi < 0)
            hi += n;
        if (hi < 0)
            hi = st > 0 ? 0 : -1;
        else if (hi >= n)
            hi = st > 0 ? n : n - 1;
    }
    value *t = lw_vnew(V_TUPLE, sl->l);
    *t = *base;
    t->l = sl->l;
    t->keys = NULL;
    t->owner = c->sc;
    t->items = NEWN(value *, n + 1);
    t->n = 0;
    for (int64_t i = lo; st > 0 ? i < hi : i > hi; i += st)
        t->items[t->n++] = base->items[i];
    return t;
}
/* The most items of a list of numbers repeated a number of times known only when running. */
enum { MAX_REPEATED = 16 };
/* Are the items of seq scalars of one type and kind (Python or NumPy)? */
static int same_scalars(value *seq)
{
    for (int i = 0; i < seq->n; i++)
        if (seq->items[i]->kind != V_SCALAR || seq->items[i]->dyn || seq->items[i]->type != seq->items[0]->type ||
            !seq->items[i]->weak != !seq->items[0]->weak)
            return 0;
    return 1;
}
/* xs + ys of two lists (or two tuples), xs * k and k * xs with k known when compiling;
 * NULL when the operands are not such. */
static value *sequence_binop(lctx *c, loc l, int op, value *x, value *y)
{
    if (op == '+' && (x->kind == V_LIST || y->kind == V_LIST) &&
        (x->kind == V_LIST || (x->kind == V_TUPLE && x->is_list && !x->keys)) &&
        (y->kind == V_LIST || (y->kind == V_TUPLE && y->is_list && !y->keys))) {
        /* xs + ys with a list built at run time: a new list, as Python's,
         *     cat.L.C = [cat.L.C.e for cat.L.C.e in xs]; for cat.L.C.e in ys: cat.L.C.append(cat.L.C.e)
         * at ys's place L:C (a + b + c: each '+' its own; the '+' shares its place with a) */
        l = y->l;
        const char *base = arena_printf(&util_arena, "cat.%d.%d", l.line, l.col);
#define H(s) ast_name(l, arena_printf(&util_arena, "%s%s", base, s))
        lw_assign_name(c, H(".x"), x);
        lw_assign_name(c, H(".y"), y);
        ast *comp = ast_new(A_COMP, l);
        comp->a = H(".e");
        comp->ival = 1;
        ast *cl = ast_new(A_FOR, l);
        cl->a = H(".x");
        cl->b = H(".e");
        vec_push(&comp->args, cl);
        lw_stmt(c, ast_assign(l, ast_vec1(H("")), comp));
        ast *app = ast_expr_stmt(l, ast_call(l, ast_attr(l, H(""), "append"), ast_arglist(NULL, H(".e"))));
        lw_stmt(c, ast_for(l, H(".e"), H(".y"), ast_vec1(app), (vec){0}));
        return lw_expr(c, H(""));
#undef H
    }
    if (x->kind != V_TUPLE && y->kind != V_TUPLE)
        return NULL;
    if (op == '+' && x->kind == V_TUPLE && y->kind == V_TUPLE && !x->keys && !y->keys) {
        if (x->is_list != y->is_list) {
            diag_error(l, "can only concatenate %s (not \"%s\") to %s", x->is_list ? "list" : "tuple",
                       y->is_list ? "list" : "tuple", x->is_list ? "list" : "tuple");
            return &lw_ERRV;
        }
        value *t = lw_vnew(V_TUPLE, l);
        t->is_list = x->is_list;
        t->owner = c->sc;
        t->n = x->n + y->n;
        t->items = NEWN(value *, t->n + 1);
        for (int i = 0; i < x->n; i++)
            t->items[i] = x->items[i];
        for (int i = 0; i < y->n; i++)
            t->items[x->n + i] = y->items[i];
        return t;
    }
    value *seq = x->kind == V_TUPLE ? x : y, *k = x->kind == V_TUPLE ? y : x;
    int64_t times;
    if (op != '*' || seq->keys || k->kind != V_SCALAR || !ir_type_is_int(k->type))
        return NULL;
    if (!ir_expr_const_int(k->e, &times) && seq->is_list && seq->n >= 1 && seq->n <= MAX_REPEATED &&
        same_scalars(seq)) {
        /* [0] * n, n known only when running (counts = [0] * nbins): a list built at run time,
         * [rep.L.C.v for rep.L.C.i in range(rep.L.C.n)]; of several numbers ([a, b] * n),
         * range(rep.L.C.n * m) and item rep.L.C.v0 if rep.L.C.i % m == 0 else rep.L.C.v1 ... */
        const char *base = arena_printf(&util_arena, "rep.%d.%d", l.line, l.col);
        ast *nn = ast_name(l, arena_printf(&util_arena, "%s.n", base));
        ast *iv = ast_name(l, arena_printf(&util_arena, "%s.i", base));
        ast *item = NULL;
        for (int i = seq->n - 1; i >= 0; i--) {
            ast *v = ast_name(l, seq->n == 1 ? arena_printf(&util_arena, "%s.v", base)
                                             : arena_printf(&util_arena, "%s.v%d", base, i));
            lw_assign_name(c, v, seq->items[i]);
            ast *at = ast_compare(l, ast_binop(l, '%', iv, ast_int(l, seq->n)), OP_EQ, ast_int(l, i));
            item = item ? ast_ifexp(l, v, at, item) : v;
        }
        lw_assign_name(c, nn, k);
        ast *comp = ast_new(A_COMP, l);
        comp->a = item;
        comp->ival = 1;
        ast *cl = ast_new(A_FOR, l);
        cl->a = ast_call(l, ast_name(l, "range"),
                         ast_arglist(NULL, seq->n == 1 ? nn : ast_binop(l, '*', nn, ast_int(l, seq->n))));
        cl->b = iv;
        vec_push(&comp->args, cl);
        return lw_expr(c, comp);
    }
    if (!ir_expr_const_int(k->e, &times)) {
        diag_error(k->l, "a list or tuple repeated ('* n') needs n known when compiling (with n known "
                         "only when running: a list of at most %d numbers of one type)", (int)MAX_REPEATED);
        return &lw_ERRV;
    }
    if (times < 0)
        times = 0;
    if (seq->n * times > 4096) {
        diag_error(l, "a list or tuple of more than 4096 items is not supported");
        return &lw_ERRV;
    }
    value *t = lw_vnew(V_TUPLE, l);
    t->is_list = seq->is_list;
    t->owner = c->sc;
    t->n = (int)(seq->n * times);
    t->items = NEWN(value *, t->n + 1);
    value **once = NEWN(value *, seq->n + 1);
    for (int i = 0; i < seq->n; i++) {
        once[i] = seq->items[i];
        if (times > 1 && once[i]->kind == V_ARRAY && (once[i]->fresh || once[i]->e->kind != E_READ)) {
            /* [np.zeros(n)] * 3: three references to one new array, held by a hidden name */
            ast h = {.kind = A_NAME, .l = l,
                     .name = arena_printf(&util_arena, "rep.%d.%d.%d", l.line, l.col, i)};
            lw_assign_name(c, &h, once[i]);
            once[i] = lw_read_name(c, &h);
        }
    }
    for (int i = 0; i < t->n; i++)
        t->items[i] = once[i % seq->n];
    return t;
}

/* ------------------------------------------------------------------------------------------ */
/* Names                                                                                      */

value *lw_read_name(lctx *c, ast *a)
{
    int unbound;
    binding *b = lw_lookup(c, a->name, &unbound);
    if (b && a->maybe_unbound)
        lw_unbound_check(c, a);
    if (b && b->kind == B_VALUE && lw_is_ambiguous(b->val)) { /* chosen at run time (lower.c) */
        lw_ambiguous_read(a, b->val);
        return &lw_ERRV;
    }
    if (!b) {
        if (unbound) {
            diag_error(a->l, "local variable '%s' referenced before assignment", a->name);
            return &lw_ERRV;
        }
        binding *star = lw_lookup(c, "numpy.*", &unbound);
        if (star && star->kind == B_VALUE) { /* from numpy import * */
            ast attr = {.kind = A_ATTR, .l = a->l, .name = a->name};
            int old = diag_suppress(1);
            value *v = lw_numpy_attr(c, star->val, &attr);
            diag_suppress(old);
            if (v->kind != V_ERR)
                return v;
        }
        static const char *builtins[] = {"range", "print", "int", "float", "abs", "min", "max",
                                         "len", "bool", "round", "slice", "list", "tuple", "sum",
                                         "zip", "enumerate", "all", "any", "pow", "divmod", "sorted",
                                         "complex", "dict", "open", NULL};
        for (const char **p = builtins; *p; p++)
            if (strcmp(*p, a->name) == 0) {
                value *v = lw_vnew(V_BUILTIN, a->l);
                v->str = *p;
                return v;
            }
        if (strcmp(a->name, "__name__") == 0) {
            value *v = lw_vnew(V_STR, a->l);
            v->str = "__main__";
            return v;
        }
        if (strcmp(a->name, "Ellipsis") == 0) {
            diag_error(a->l, "'...' (Ellipsis) is only supported as an index item, e.g. u[..., 0]");
            return &lw_ERRV;
        }
        if (strcmp(a->name, "str") == 0 || strcmp(a->name, "repr") == 0 || strcmp(a->name, "format") == 0) {
            diag_error(a->l, "'%s' is only supported called directly, e.g. %s(x)", a->name, a->name);
            return &lw_ERRV;
        }
        /* Python built-ins that a stencil program cannot use yet: say so rather than calling
         * them undefined, which would send the user looking for a typo. */
        static const char *unsupported[] = {"set", "map", "filter", "reversed",
                                            "any", "all", "isinstance", "input",
                                            "iter", "next", "type", "getattr", "setattr", "super", "object",
                                            "hash", "id", "chr", "ord", "hex", "oct", "bin",
                                            "callable", "vars", "dir", "locals", "globals", "frozenset",
                                            "bytes", "bytearray", "memoryview", "exec", "eval", "compile",
                                            "hasattr", "delattr", "issubclass", "staticmethod",
                                            "classmethod", "property", "ascii", "breakpoint", "help",
                                            "exit", "quit", "__import__", NULL};
        for (const char **p = unsupported; *p; p++)
            if (strcmp(*p, a->name) == 0) {
                diag_error(a->l, "the Python built-in '%s' is not supported in a stencil program",
                           a->name);
                diag_note((loc){0}, "supported built-ins: range, print, int, float, abs, pow, divmod, min, max, sorted, "
                                    "len, bool, round, slice, list, tuple, dict, sum, zip, enumerate, "
                                    "str, repr, format, open (for writing), type and isinstance (called)");
                return &lw_ERRV;
            }
        diag_error(a->l, "name '%s' is not defined", a->name);
        return &lw_ERRV;
    }
    switch (b->kind) {
    case B_SCALAR: {
        if (b->dyn) { /* where the tag is not split on (dyn_split): its value as a float */
            value *v = lw_scalar(a->l, ir_select(a->l, T_F64, ir_varref(a->l, b->dyn->tag), ir_varref(a->l, b->dyn->f),
                                              ir_cast(a->l, T_F64, ir_varref(a->l, b->dyn->i))), b->weak);
            v->dyn = b->dyn;
            v->mixed = 1;
            return v;
        }
        value *v = lw_scalar(a->l, ir_varref(a->l, b->var), b->weak);
        v->s = b->s;
        v->wmix = b->wmix;
        v->zt = b->zt;
        return v;
    }
    case B_ARRAY: return lw_slot_value(a->l, b->var, b->sh);
    case B_VALUE: {
        value *v = lw_vnew(V_NONE, a->l);
        *v = *b->val;
        v->l = a->l;
        v->fresh = NULL;
        return v;
    }
    }
    UNREACHABLE();
}

/* ------------------------------------------------------------------------------------------ */
/* Expressions                                                                                */

/* math.NAME and time.NAME: constants are Python floats, functions built-ins "math.NAME". */
value *lw_pymodule_attr(value *mod, ast *a)
{
    const char *n = a->name;
    loc l = a->l;
    if (strcmp(mod->str, "math") == 0) {
        static const struct { const char *n; double v; } k[] = {
            {"pi", 3.141592653589793}, {"e", 2.718281828459045}, {"tau", 6.283185307179586},
            {"inf", INFINITY}, {"nan", NAN},
        };
        for (size_t i = 0; i < sizeof k / sizeof *k; i++)
            if (strcmp(k[i].n, n) == 0)
                return lw_scalar(l, ir_const_f(l, T_F64, k[i].v), 1);
        static const char *fns[] = {"sqrt", "exp", "log", "log10", "log2", "log1p", "expm1",
                                    "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh",
                                    "cosh", "tanh", "asinh", "acosh", "atanh", "hypot", "fabs",
                                    "floor", "ceil", "trunc", "pow", "copysign", "fmod", "isnan",
                                    "isinf", "isfinite", "degrees", "radians", "isclose", "cbrt",
                                    "exp2", "erf", "erfc", NULL};
        for (const char **p = fns; *p; p++)
            if (strcmp(*p, n) == 0) {
                value *v = lw_vnew(V_BUILTIN, l);
                v->str = arena_printf(&util_arena, "math.%s", n);
                return v;
            }
    }
    if (strcmp(mod->str, "time") == 0 &&
        (strcmp(n, "time") == 0 || strcmp(n, "perf_counter") == 0 || strcmp(n, "monotonic") == 0)) {
        value *v = lw_vnew(V_BUILTIN, l);
        v->str = arena_printf(&util_arena, "time.%s", n);
        return v;
    }
    loc whole = a->a ? loc_span(a->a->l, l) : l;
    diag_error(whole, "'%s.%s' is not supported in a stencil program", mod->str, n);
    diag_note((loc){0}, "%s", strcmp(mod->str, "time") == 0
                                  ? "supported from time: time, perf_counter, monotonic"
                                  : "supported from math: pi, e, tau, inf, nan, sqrt, exp, log, log10, "
                                    "log2, log1p, expm1, exp2, cbrt, erf, erfc, sin, cos, tan, asin, acos, atan, "
                                    "atan2, sinh, cosh, tanh, asinh, acosh, atanh, hypot, fabs, floor, "
                                    "ceil, trunc, pow, copysign, fmod, isnan, isinf, isfinite, "
                                    "isclose, degrees, radians");
    return &lw_ERRV;
}
value *lw_numpy_attr(lctx *c, value *mod, ast *a)
{
    (void)c;
    const char *n = a->name;
    loc l = a->l;
    if (strcmp(mod->str, "numba") == 0)
        return lw_numba_attr(mod, a);
    if (strcmp(mod->str, "math") == 0 || strcmp(mod->str, "time") == 0)
        return lw_pymodule_attr(mod, a);
    if (lw_is_sysos_module(mod->str))
        return lw_sysos_attr(mod, a);
    if (lw_is_pyrandom_module(mod->str))
        return lw_pyrandom_attr(mod, a);
    if (strcmp(mod->str, "numpy") == 0) {
        static const struct { const char *n; ir_type t; } dt[] = {
            {"float64", T_F64}, {"double", T_F64}, {"float32", T_F32}, {"single", T_F32},
            {"int64", T_I64}, {"int32", T_I32}, {"bool_", T_BOOL}, {"bool", T_BOOL},
            {"int8", T_I8}, {"uint8", T_U8}, {"int16", T_I16}, {"uint16", T_U16},
            {"uint32", T_U32}, {"uint64", T_U64}, {"byte", T_I8}, {"ubyte", T_U8},
            {"short", T_I16}, {"ushort", T_U16}, {"intc", T_I32}, {"uintc", T_U32},
            {"int_", T_I64}, {"intp", T_I64}, {"uint", T_U64},
        };
        for (size_t i = 0; i < sizeof dt / sizeof *dt; i++)
            if (strcmp(dt[i].n, n) == 0) {
                value *v = lw_vnew(V_DTYPE, l);
                v->type = dt[i].t;
                return v;
            }
        if (strcmp(n, "pi") == 0)
            return lw_scalar(l, ir_const_f(l, T_F64, 3.141592653589793), 1);
        if (strcmp(n, "e") == 0)
            return lw_scalar(l, ir_const_f(l, T_F64, 2.718281828459045), 1);
        if (strcmp(n, "inf") == 0)
            return lw_scalar(l, ir_const_f(l, T_F64, INFINITY), 1);
        if (strcmp(n, "nan") == 0)
            return lw_scalar(l, ir_const_f(l, T_F64, NAN), 1);
        if (strcmp(n, "newaxis") == 0)
            return lw_vnew(V_NONE, l);
        static const char *fns[] = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like",
                                    "empty_like", "full_like", "copy", "fromfunction", "save",
                                    "load", "sqrt", "exp", "log", "sin", "cos", "tan", "tanh",
                                    "abs", "absolute", "floor", "ceil", "sign", "minimum",
                                    "maximum", "where", "clip", "sum", "max", "min", "mean",
                                    "amax", "amin", "roll", "power", "linspace", "arange", "meshgrid", "any", "all",
                                    "cumsum", "diff", "array", "asarray", "ndarray", "pad", "indices",
                                    "mgrid", "ogrid", "r_", "isnan", "isinf", "isfinite", "arcsin", "arccos",
                                    "arctan", "sinh", "cosh", "arcsinh", "arccosh", "arctanh",
                                    "log10", "log2", "exp2", "expm1", "log1p", "cbrt", "trunc",
                                    "rint", "arctan2", "hypot", "copysign", "fmod", "degrees",
                                    "radians", "rad2deg", "deg2rad", "square", "real", "imag", "angle",
                                    "conj", "conjugate", "complex128", "complex64", NULL};
        int known = lw_numpy_known(n);
        for (const char **p = fns; *p && !known; p++)
            known = strcmp(*p, n) == 0;
        if (known) {
            value *v = lw_vnew(V_BUILTIN, l);
            v->str = arena_printf(&util_arena, "np.%s", n);
            return v;
        }
        if (lw_unsupported_dtype(a->a ? loc_span(a->a->l, l) : l, n))
            return &lw_ERRV;
        if (strcmp(n, "linalg") == 0 || strcmp(n, "random") == 0 || strcmp(n, "fft") == 0) {
            value *v = lw_vnew(V_MODULE, l);
            v->str = arena_printf(&util_arena, "numpy.%s", n);
            return v;
        }
    }
    if (strcmp(mod->str, "numpy.random") == 0)
        return lw_random_attr(mod, a);
    if (strcmp(mod->str, "numpy.fft") == 0 && lw_fft_find(arena_printf(&util_arena, "np.fft.%s", n))) {
        value *v = lw_vnew(V_BUILTIN, l);
        v->str = arena_printf(&util_arena, "np.fft.%s", n);
        return v;
    }
    if (strcmp(mod->str, "numpy.linalg") == 0 &&
        (strcmp(n, "norm") == 0 || strcmp(n, "solve") == 0 || strcmp(n, "inv") == 0 ||
         strcmp(n, "cholesky") == 0 || strcmp(n, "det") == 0 || strcmp(n, "matrix_power") == 0)) {
        value *v = lw_vnew(V_BUILTIN, l);
        v->str = arena_printf(&util_arena, "np.linalg.%s", n);
        return v;
    }
    loc whole = a->a ? loc_span(a->a->l, l) : l;
    diag_error(whole, "'%s' is not supported in a stencil program",
               a->a ? diag_text(whole) : arena_printf(&util_arena, "%s.%s", mod->str, n));
    diag_note((loc){0}, "%s", lw_supported_numpy_note());
    return &lw_ERRV;
}
static value *lower_attr(lctx *c, ast *a)
{
    value *tn = lw_typeof_name(c, a); /* type(x).__name__ */
    if (tn)
        return tn;
    return lw_attr_of(c, lw_expr(c, a->a), a);
}
/* Attribute a->name of the value obj (a->a's value). */
value *lw_attr_of(lctx *c, value *obj, ast *a)
{
    obj = lw_ndarr(c, obj); /* np.indices(s).sum(axis=0) */
    obj = lw_opt_array_use(c, a->l, obj, /* None or an array: checked */
                           arena_printf(&util_arena, "AttributeError: 'NoneType' object has no attribute '%s'",
                                        a->name));
    if (obj->kind == V_ERR)
        return &lw_ERRV;
    if (obj->kind == V_DTYPE && !obj->str && !obj->cplx && strcmp(a->name, "itemsize") == 0) /* u.dtype.itemsize */
        return lw_scalar(a->l, lw_I64(a->l, obj->type == T_BOOL ? 1 : ir_type_bits(obj->type) / 8), 1);
    if (obj->kind == V_DTYPE && obj->str) /* np.finfo(float).eps */
        return lw_finfo_attr(a->l, obj, a->name);
    if (obj->kind == V_MODULE)
        return lw_numpy_attr(c, obj, a);
    if (obj->kind == V_RNG)
        return lw_random_attr(obj, a);
    if (obj->kind == V_OBJECT || obj->kind == V_CLASS)
        return lw_object_attr(c, obj, a);
    if (obj->kind == V_SCALAR && strcmp(a->name, "dtype") == 0 && !obj->weak && !obj->wmix && !obj->dyn &&
        !obj->zt && obj->type != T_BOOL) { /* np.sum(u).dtype: a NumPy scalar's (lower_typeof.c's reasoning) */
        value *v = lw_vnew(V_DTYPE, a->l);
        v->type = obj->type;
        return v;
    }
    if (obj->kind == V_BUILTIN) {
        value *m = lw_ufunc_method_attr(obj, a);
        if (m)
            return m;
    }
    if (obj->kind == V_MASKED && obj->lead && strcmp(a->name, "shape") == 0) {
        diag_error(a->l, "'.shape' of a[:, m] (a mask after whole dimensions) is not supported (its size is)");
        return &lw_ERRV;
    }
    if (obj->kind == V_MASKED && !obj->n && (strcmp(a->name, "size") == 0 || strcmp(a->name, "shape") == 0)) {
        value *k = lw_reduce(c, a->l, "sum", obj->mask); /* the elements selected */
        if (k->kind == V_ERR)
            return k;
        value *n = lw_scalar(a->l, ir_cast(a->l, T_I64, k->e), 1);
        if (a->name[1] == 'i') /* np.argwhere(m).size: count * rank */
            return obj->argw ? lw_scalar(a->l, lw_imul(a->l, n->e, lw_I64(a->l, obj->argw)), 1) : n;
        value *t = lw_vnew(V_TUPLE, a->l);
        t->n = obj->argw ? 2 : 1;
        t->items = NEWN(value *, 2);
        t->items[0] = n;
        t->items[1] = lw_scalar(a->l, lw_I64(a->l, obj->argw), 1);
        return t;
    }
    int argw_red = obj->kind == V_MASKED && obj->argw && /* .min(axis=0): lw_reduce_call */
                   (!strcmp(a->name, "sum") || !strcmp(a->name, "max") || !strcmp(a->name, "min") ||
                    !strcmp(a->name, "mean"));
    if (obj->kind == V_MASKED && !argw_red && lw_argwhere_refused(obj))
        return &lw_ERRV;
    if (obj->kind == V_MASKED) {
        static const char *methods[] = {"sum", "max", "min", "mean", "std", "var", NULL};
        for (const char **m = methods; *m; m++)
            if (strcmp(a->name, *m) == 0) {
                value *v = lw_vnew(V_BUILTIN, a->l);
                v->str = *m;
                v->self = obj;
                return v;
            }
        diag_error(a->l, "'.%s' of a boolean-mask selection is not supported (its shape depends on "
                         "the data; size, shape, sum, max, min, mean, std and var are)", a->name);
        return &lw_ERRV;
    }
    if (lw_is_complex(obj)) {
        value *p = lw_complex_attr(c, obj, a->name);
        if (p)
            return p;
        if (!strcmp(a->name, "shape") || !strcmp(a->name, "ndim") || !strcmp(a->name, "size"))
            return lw_attr_of(c, obj->items[0], a);
        if (!strcmp(a->name, "nbytes") || !strcmp(a->name, "itemsize")) { /* two parts of one type */
            value *p = lw_attr_of(c, obj->items[0], a);
            return p->kind == V_SCALAR ? lw_scalar(a->l, ir_bin(a->l, OP_MUL, T_I64, p->e, lw_I64(a->l, 2), 0), 1) : p;
        }
        value *v = lw_vnew(V_BUILTIN, a->l); /* z.conj(), z.copy(): lw_complex_numpy */
        v->str = a->name;
        v->self = obj;
        return v;
    }
    if (obj->kind == V_ARRAY) {
        if (strcmp(a->name, "shape") == 0) {
            value *t = lw_vnew(V_TUPLE, a->l);
            t->n = obj->rank;
            t->items = NEWN(value *, obj->rank);
            for (int d = 0; d < obj->rank; d++) {
                t->items[d] = lw_scalar(a->l, obj->len[d], 1);
                t->items[d]->s = obj->sh[d];
            }
            return t;
        }
        if (strcmp(a->name, "ndim") == 0)
            return lw_scalar(a->l, lw_I64(a->l, obj->rank), 1);
        if (strcmp(a->name, "dtype") == 0) {
            value *v = lw_vnew(V_DTYPE, a->l);
            v->type = obj->type;
            return v;
        }
        static const char *methods[] = {"copy", "sum", "max", "min", "mean", "any", "all", "cumsum",
                                        "astype", "clip", NULL};
        int known = lw_array_method_known(a->name);
        for (const char **m = methods; *m && !known; m++)
            known = strcmp(a->name, *m) == 0;
        if (known) {
            value *v = lw_vnew(V_BUILTIN, a->l);
            v->str = a->name;
            v->self = obj;
            return v;
        }
        if (strcmp(a->name, "T") == 0)
            return lw_transpose(c, a->l, obj);
        if (strcmp(a->name, "size") == 0 || strcmp(a->name, "nbytes") == 0 || strcmp(a->name, "itemsize") == 0) {
            /* a.nbytes is a.size * a.itemsize (the bytes of the elements a view shows, as NumPy's) */
            int64_t item = obj->type == T_BOOL ? 1 : ir_type_bits(obj->type) / 8;
            if (a->name[0] == 'i')
                return lw_scalar(a->l, lw_I64(a->l, item), 1);
            ir_expr *n = obj->len[0];
            const sym *sn = obj->sh[0];
            for (int d = 1; d < obj->rank; d++) {
                n = ir_bin(a->l, OP_MUL, T_I64, n, obj->len[d], 0);
                sn = sym_mul(sn, obj->sh[d]);
            }
            if (a->name[0] == 'n') {
                n = ir_bin(a->l, OP_MUL, T_I64, n, lw_I64(a->l, item), 0);
                sn = sym_mul(sn, sym_const(item));
            }
            value *v = lw_scalar(a->l, n, 1);
            v->s = sn;
            return v;
        }
        if (strcmp(a->name, "strides") == 0) {
            diag_error(a->l, "'.strides' is not supported (tylesc lays arrays out itself; a.itemsize, "
                             "a.nbytes and a.shape are)");
            return &lw_ERRV;
        }
    }
    if (obj->kind == V_SCALAR && (strcmp(a->name, "item") == 0 || strcmp(a->name, "tolist") == 0)) {
        /* u[i, j].item(), u.max().item(), u.sum().tolist() */
        value *v = lw_vnew(V_BUILTIN, a->l);
        v->str = a->name;
        v->self = obj;
        return v;
    }
    loc whole = loc_span(a->a->l, a->l);
    diag_error(whole, "'%s' is not supported in a stencil program", diag_text(whole));
    return &lw_ERRV;
}
/* Values Python compares by identity (None, functions, modules, classes; not objects, whose
 * class may define __eq__): one of them equals nothing of another kind. */
static int opaque_kind(value *v)
{
    return v->kind == V_NONE || v->kind == V_FUNC || v->kind == V_LAMBDA || v->kind == V_MODULE ||
           v->kind == V_BUILTIN || v->kind == V_CLASS;
}

/* Items that runtime_item (and lw_dict_index) can choose from when running: numbers of one type (Python's or
 * NumPy's alike), strings, or tuples/lists of the same length whose items at each position are
 * such items again (moves = [(1, 0), (-1, 0), (0, 1), (0, -1)]). */
int lw_choosable(value **items, int n, int depth)
{
    int strs = 1;
    for (int i = 0; i < n; i++)
        strs &= items[i]->kind == V_STR || items[i]->kind == V_FSTR;
    if (strs)
        return 1;
    if (items[0]->kind == V_TUPLE) {
        if (depth > 4 || items[0]->n == 0 || items[0]->n > 16)
            return 0;
        for (int i = 0; i < n; i++)
            if (items[i]->kind != V_TUPLE || items[i]->keys || items[i]->cplx || items[i]->n != items[0]->n ||
                !items[i]->is_list != !items[0]->is_list)
                return 0;
        value **col = NEWN(value *, n + 1);
        for (int p = 0; p < items[0]->n; p++) {
            for (int i = 0; i < n; i++)
                col[i] = items[i]->items[p];
            if (!lw_choosable(col, n, depth + 1))
                return 0;
        }
        return 1;
    }
    for (int i = 0; i < n; i++) {
        value *x = items[i];
        if (x->kind != V_SCALAR || x->mixed || x->type != items[0]->type || !x->weak != !items[0]->weak)
            return 0;
    }
    return 1;
}

/* The item at position pos (an int64 expression in [0, n)) of items lw_choosable() accepts: a
 * string chosen at run time, a number read once into a temporary, or a new tuple of such. */
value *lw_choose_item(lctx *c, loc l, ir_expr *pos, value **items, int n)
{
    if (items[0]->kind == V_STR || items[0]->kind == V_FSTR) {
        value *r = items[n - 1];
        for (int i = n - 2; i >= 0; i--)
            r = lw_str_select(c, l, ir_bin(l, OP_CEQ, T_BOOL, pos, lw_I64(l, i), 0), items[i], r);
        return r;
    }
    if (items[0]->kind == V_TUPLE) {
        value *t = lw_vnew(V_TUPLE, l);
        t->is_list = items[0]->is_list;
        t->owner = c->sc;
        t->n = items[0]->n;
        t->items = NEWN(value *, t->n + 1);
        value **col = NEWN(value *, n + 1);
        for (int p = 0; p < t->n; p++) {
            for (int i = 0; i < n; i++)
                col[i] = items[i]->items[p];
            t->items[p] = lw_choose_item(c, l, pos, col, n);
        }
        return t;
    }
    ir_type t = items[0]->type;
    ir_expr *e = items[n - 1]->e;
    for (int i = n - 2; i >= 0; i--)
        e = ir_select(l, t, ir_bin(l, OP_CEQ, T_BOOL, pos, lw_I64(l, i), 0), items[i]->e, e);
    ir_var *r = lw_temp_scalar(c, t);
    ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
    as->var = r;
    as->e = e;
    lw_emit(c, as);
    value *v = lw_scalar(l, ir_varref(l, r), items[0]->weak);
    v->type = t;
    return v;
}

/* seq[i] with i known only when running, seq a list or tuple of numbers of one type (Python's
 * or NumPy's alike), of strings (names[np.argmax(totals)]), or of tuples of those of one length
 * (di, dj = moves[rng.integers(4)]): Python's IndexError out of range, then the item chosen by
 * comparisons (numbers read once into temporaries, strings chosen at run time, a tuple's items
 * each so). NULL when the items are not such. */
static value *runtime_item(lctx *c, loc l, value *seq, value *iv)
{
    if (seq->n == 0 || seq->keys || !lw_choosable(seq->items, seq->n, 0))
        return NULL;
    ir_var *k = lw_temp_scalar(c, T_I64);
    ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
    as->var = k;
    as->e = ir_cast(l, T_I64, iv->e);
    lw_emit(c, as);
    ir_expr *n = lw_I64(l, seq->n), *kv = ir_varref(l, k);
    lw_emit_raise(c, l, ir_bin(l, OP_LOR, T_BOOL, ir_bin(l, OP_CLT, T_BOOL, kv, ir_un(l, OP_NEG, T_I64, n), 0),
                               ir_bin(l, OP_CGE, T_BOOL, kv, n, 0), 0),
                  seq->is_list ? "IndexError: list index out of range" : "IndexError: tuple index out of range");
    ir_expr *pos = ir_select(l, T_I64, ir_bin(l, OP_CLT, T_BOOL, kv, lw_I64(l, 0), 0), lw_iadd(l, kv, n), kv);
    return lw_choose_item(c, l, pos, seq->items, seq->n);
}

/* x == y known to be false from the kinds alone (None == 0, weights == 0 with a tuple, a
 * function == 1): not for arrays, which NumPy compares elementwise, nor strings with strings. */
static int unequal_kinds(value *x, value *y)
{
    if (x->kind == y->kind || x->kind == V_ERR || y->kind == V_ERR || x->kind == V_ARRAY || y->kind == V_ARRAY ||
        x->kind == V_LIST || y->kind == V_LIST || x->kind == V_MASKED || y->kind == V_MASKED)
        return 0;
    if ((x->kind == V_STR || x->kind == V_FSTR) && (y->kind == V_STR || y->kind == V_FSTR))
        return 0;
    int other = opaque_kind(x) || opaque_kind(y);
    for (int i = 0; i < 2 && !other; i++) {
        value *v = i ? y : x, *w = i ? x : y;
        other = (v->kind == V_TUPLE || v->kind == V_STR || v->kind == V_FSTR) && w->kind == V_SCALAR;
    }
    return other;
}

static value *lower_compare(lctx *c, ast *a)
{
    value *tc = lw_typeof_compare(c, a); /* type(x) is float */
    if (tc)
        return tc;
    value *left = lw_expr(c, a->a);
    value *result = NULL;
    for (int i = 0; i < a->args.len; i++) {
        ast *ra = VEC_AT(a->args, i, ast *);
        int mark = c->out->len;
        int64_t kres;
        if (result && result->kind == V_SCALAR && ir_expr_const_int(result->e, &kres) && !kres &&
            lw_has_call(ra))
            return result; /* 1 < 0 < f(): false, f is not called */
        /* a < b < f(): f is called only when a < b (lower_order.c) */
        int skip = result && result->kind == V_SCALAR && result->e->kind != E_CONST;
        lw_skip sk;
        if (skip)
            lw_skip_begin(c, &sk, a->l, result->e, "chained comparison");
        value *right = lw_expr(c, ra);
        if (skip)
            lw_skip_end(c, &sk);
        left = lw_pin_at(c, left, mark);
        if (result)
            result = lw_pin_at(c, result, mark);
        if (lw_complex_refuse(a->l, left, "comparing a complex value") ||
            lw_complex_refuse(a->l, right, "comparing a complex value"))
            return &lw_ERRV;
        int op = a->cmpops[i];
        ir_op iop;
        value *special = NULL;
        if (op == OP_IN || op == OP_NOTIN) {
            special = lw_contains(c, a->l, left, right);
            int64_t k;
            if (special && op == OP_NOTIN)
                special = ir_expr_const_int(special->e, &k) ? lw_scalar(a->l, ir_const_i(a->l, T_BOOL, !k), 1)
                                                            : lw_unop(c, a->l, OP_LNOT, special);
        } else if ((op == OP_EQ || op == OP_NE) && left->kind == V_TUPLE && right->kind == V_TUPLE)
            special = lw_tuple_equal(c, a->l, left, right, op == OP_NE);
        if (special || op == OP_IN || op == OP_NOTIN ||
            ((op == OP_EQ || op == OP_NE) && left->kind == V_TUPLE && right->kind == V_TUPLE)) {
            if (!special)
                return &lw_ERRV;
            result = result ? lw_scalar(a->l, ir_bin(a->l, OP_LAND, T_BOOL, result->e, special->e, 1), 1) : special;
            left = right;
            continue;
        }
        if (lw_is_opt(left) || lw_is_opt(right)) { /* None or a number (lower_optional.c) */
            /* == None of None or an array would be elementwise on the array: lw_opt_equal refuses it */
            int eq_arr = (op == OP_EQ || op == OP_NE) && (lw_is_opt_array(left) || lw_is_opt_array(right));
            value *r = (op == OP_IS || op == OP_ISNOT || op == OP_EQ || op == OP_NE) && !eq_arr
                           ? lw_opt_is_none(a->l, op == OP_IS || op == OP_EQ, left, right) : NULL;
            if (!r && (op == OP_EQ || op == OP_NE))
                r = lw_opt_equal(c, a->l, op == OP_NE, left, right);
            if (r) {
                if (r->kind != V_SCALAR)
                    return &lw_ERRV;
                result = result ? lw_scalar(a->l, ir_bin(a->l, OP_LAND, T_BOOL, result->e, r->e, 1), 1) : r;
                left = right;
                continue;
            }
            if (op == OP_LT || op == OP_LE || op == OP_GT || op == OP_GE)
                lw_opt_compare_operands(c, a->l, ast_op_name(op), &left, &right);
        } else if (c->probing && (op == OP_LT || op == OP_LE || op == OP_GT || op == OP_GE))
            lw_opt_compare_operands(c, a->l, ast_op_name(op), &left, &right); /* None in a probe */
        if ((op == OP_IS || op == OP_ISNOT) && (left->kind == V_NONE || right->kind == V_NONE)) {
            /* x is None: known when compiling (a defaulted parameter, an optional argument) */
            if (left->kind == V_ERR || right->kind == V_ERR)
                return &lw_ERRV;
            int same = left->kind == right->kind;
            value *r = lw_scalar(a->l, ir_const_i(a->l, T_BOOL, (op == OP_IS) == same), 1);
            result = result ? lw_scalar(a->l, ir_bin(a->l, OP_LAND, T_BOOL, result->e, r->e, 1), 1) : r;
            left = right;
            continue;
        }
        if ((op == OP_EQ || op == OP_NE) && unequal_kinds(left, right)) {
            /* f == 0 with f a function or None (a solver's optional argument): Python compares
             * objects of different kinds as unequal, known when compiling */
            value *r = lw_scalar(a->l, ir_const_i(a->l, T_BOOL, op == OP_NE), 1);
            result = result ? lw_scalar(a->l, ir_bin(a->l, OP_LAND, T_BOOL, result->e, r->e, 1), 1) : r;
            left = right;
            continue;
        }
        switch (op) {
        case OP_LT: iop = OP_CLT; break;
        case OP_LE: iop = OP_CLE; break;
        case OP_GT: iop = OP_CGT; break;
        case OP_GE: iop = OP_CGE; break;
        case OP_EQ: iop = OP_CEQ; break;
        case OP_NE: iop = OP_CNE; break;
        default:
            diag_error(a->l, "comparison '%s' is not supported%s", ast_op_name(op),
                       op == OP_IS || op == OP_ISNOT ? " (except with None: x is None, x is not None)" : "");
            return &lw_ERRV;
        }
        int64_t kl, kr;
        value *r;
        if (left->kind == V_SCALAR && right->kind == V_SCALAR && ir_type_is_int(left->type) &&
            ir_type_is_int(right->type) && left->s && right->s && sym_is_const(left->s, &kl) &&
            sym_is_const(right->s, &kr)) { /* f = 0 ... if f == 0: ints known when compiling */
            int t = iop == OP_CLT ? kl < kr : iop == OP_CLE ? kl <= kr : iop == OP_CGT ? kl > kr
                  : iop == OP_CGE ? kl >= kr : iop == OP_CEQ ? kl == kr : kl != kr;
            r = lw_scalar(a->l, ir_const_i(a->l, T_BOOL, t), 1);
        } else
            r = lw_binop(c, a->l, iop, left, right);
        if (r->kind == V_ERR)
            return &lw_ERRV;
        if (result) {
            if (result->kind != V_SCALAR || r->kind != V_SCALAR) {
                diag_error(a->l, "chained comparisons of arrays are not supported");
                return &lw_ERRV;
            }
            result = lw_scalar(a->l, ir_bin(a->l, OP_LAND, T_BOOL, result->e, r->e, 1), 1);
        } else
            result = r;
        left = right;
    }
    return result;
}
value *lw_truth(lctx *c, value *v, const char *what)
{
    if (v->kind == V_ERR)
        return v;
    if (v->kind == V_OPT) /* None or a number (lower_optional.c) */
        return lw_opt_truth(c, v, what);
    if (lw_complex_refuse(v->l, v, "the truth value of a complex value")) /* a tuple's: its length */
        return &lw_ERRV;
    if (v->kind == V_ARRAY) {
        diag_error(v->l, "the truth value of an array is ambiguous in %s; reduce it first "
                         "(e.g. np.max(a) > tol)", what);
        return &lw_ERRV;
    }
    /* Python's truth of values known when compiling: None is false (a callback that returns
     * nothing), functions and modules are true, a string or tuple by its length */
    int known = -1;
    if (v->kind == V_NONE)
        known = 0;
    else if (v->kind == V_FUNC || v->kind == V_LAMBDA || v->kind == V_MODULE || v->kind == V_BUILTIN ||
             v->kind == V_CLASS)
        known = 1;
    else if (v->kind == V_STR)
        known = v->str[0] != 0;
    else if (v->kind == V_TUPLE && !v->keys)
        known = v->n > 0;
    if (lw_is_argv(v) && v->n > 0) /* sys.argv[1:]: its length */
        return lw_scalar(v->l, ir_bin(v->l, OP_CGT, T_BOOL, lw_argv_len(c, v->l, v)->e, lw_I64(v->l, 0), 0), 1);
    if (lw_is_split(v) || v->kind == V_FSTR) /* lines or a string read when running */
        return lw_text_truth(c, v->l, v);
    if (lw_is_sdict(v))
        return lw_scalar(v->l, ir_bin(v->l, OP_CGT, T_BOOL, lw_sdict_len(c, v->l, v)->e, lw_I64(v->l, 0), 0), 1);
    if (v->kind == V_LIST) /* a list built at run time: its length */

        return lw_scalar(v->l, ir_bin(v->l, OP_CGT, T_BOOL, ir_varref(v->l, v->lcnt), lw_I64(v->l, 0), 0), 1);
    if (known >= 0)
        return lw_scalar(v->l, ir_const_i(v->l, T_BOOL, known), 1);
    if (v->kind != V_SCALAR) {
        diag_error(v->l, "%s must be a scalar, not %s", what, lw_vkind_desc(v));
        return &lw_ERRV;
    }
    if (v->type == T_BOOL)
        return v;
    ir_expr *z = ir_type_is_float(v->type) ? ir_const_f(v->l, v->type, 0.0) : ir_const_i(v->l, v->type, 0);
    return lw_scalar(v->l, ir_bin(v->l, OP_CNE, T_BOOL, v->e, z, 1), 1);
}
ir_op lw_map_binop(int op)
{
    switch (op) {
    case '+': return OP_ADD;
    case '-': return OP_SUB;
    case '*': return OP_MUL;
    case '/': return OP_TRUEDIV;
    case OP_FLOORDIV: return OP_FDIV;
    case '%': return OP_MOD;
    case OP_POW: return OP_POWER;
    case '&': return OP_BAND;
    case '|': return OP_BOR;
    case '^': return OP_BXOR;
    case OP_LSHIFT: return OP_SHL;
    case OP_RSHIFT: return OP_SHR;
    default: return (ir_op)-1;
    }
}
/* Is a the literal power 2**63 (or 8**21, ...), which int64 does not hold but -2**63 and
 * 2**63 - 1, Python's idioms for int64's limits, do? */
static int is_two_to_63(const ast *a)
{
    if (a->kind != A_BINOP || a->op != OP_POW || a->a->kind != A_INT || a->b->kind != A_INT ||
        a->a->ival < 2 || a->b->ival < 1 || a->b->ival > 63)
        return 0;
    unsigned __int128 p = 1;
    for (int64_t e = 0; e < a->b->ival && p <= (unsigned __int128)1 << 63; e++)
        p *= (uint64_t)a->a->ival;
    return p == (unsigned __int128)1 << 63;
}

static value *lw_expr_nested(lctx *c, ast *a);
value *lw_expr(lctx *c, ast *a)
{
    if (!lw_nest_enter(c, a->l))
        return &lw_ERRV;
    value *v = lw_expr_nested(c, a);
    c->nest--;
    return v;
}

static value *lw_expr_nested(lctx *c, ast *a)
{
    if (!lw_step(c))
        return &lw_ERRV;
    switch (a->kind) {
    case A_NAME: return lw_read_name(c, a);
    case A_INT: return lw_scalar(a->l, lw_I64(a->l, a->ival), 1);
    case A_FLOAT:
        if (a->ival)
            return lw_complex_literal(a->l, a->fval);
        return lw_scalar(a->l, ir_const_f(a->l, T_F64, a->fval), 1);
    case A_BOOL: return lw_scalar(a->l, ir_const_i(a->l, T_BOOL, a->ival), 1);
    case A_NONE: return lw_vnew(V_NONE, a->l);
    case A_STR: {
        value *v = lw_vnew(V_STR, a->l);
        v->str = a->str;
        return v;
    }
    case A_ATTR: return lower_attr(c, a);
    case A_CALL: {
        if (a->a->kind == A_NAME && strcmp(a->a->name, "sdict.new") == 0) /* lower_sdicts.c's d = {} */
            return lw_sdict_new(c, a->l);
        ast *plain = NULL, *where = NULL, *into = lw_out_argument(a, &plain, &where);
        if (into && lw_outarg_func(a->a->name)) {
            /* b = np.clip(a, 0, 1, out=a): a is written, and the call's value is a itself (a
             * reduction's out= stays refused in an expression) */
            return lw_expr(c, lw_out_store(c, a->l, a, into, plain, where, 1));
        }
        if (!into && a->a->kind == A_ATTR && a->a->a && a->a->a->kind == A_NAME &&
            (strcmp(a->a->a->name, "np") == 0 || strcmp(a->a->a->name, "numpy") == 0) &&
            lw_outarg_func(a->a->name))
            for (int i = 0; i < a->kwargs.len; i++) {
                ast *k = VEC_AT(a->kwargs, i, ast *);
                if (k->name && strcmp(k->name, "where") == 0 && k->a->kind != A_BOOL) {
                    diag_error(k->l, "np.%s(..., where=...) without out= leaves the items where the "
                                     "condition is false uninitialised in NumPy; give out= an array "
                                     "holding the values wanted there (out=np.zeros_like(x))", a->a->name);
                    return &lw_ERRV;
                }
            }
        value *sv = lw_str_call(c, a);
        return sv ? sv : lw_call(c, a);
    }
    case A_SUBSCRIPT: {
        value *base = lw_opt_item_base(c, a->l, lw_expr(c, a->a), 0); /* None or a tuple: checked */
        if (base->kind == V_ERR)
            return &lw_ERRV;
        if (base->kind == V_BUILTIN && (strcmp(base->str, "np.mgrid") == 0 || strcmp(base->str, "np.ogrid") == 0))
            return lw_index_grid(c, base->str, a);
        if (base->kind == V_BUILTIN && strcmp(base->str, "np.r_") == 0)
            return lw_index_concat(c, a);
        if (base->kind == V_LIST)
            return lw_list_index(c, a, base);
        if (lw_is_dict(base))
            return lw_dict_index(c, a, base);
        if (base->kind == V_MASKED)
            return lw_masked_index(c, a, base);
        if (lw_is_argv(base))
            return lw_argv_item(c, a, base);
        if (lw_is_split(base))
            return lw_text_index(c, a, base);
        if (lw_is_sdict(base)) {
            if (a->args.len != 1 || VEC_AT(a->args, 0, ast *)->kind == A_SLICE) {
                diag_error(a->l, "a dict is indexed by one key");
                return &lw_ERRV;
            }
            value *k = lw_expr(c, VEC_AT(a->args, 0, ast *));
            return k->kind == V_ERR ? k : lw_sdict_get(c, a->l, base, k);
        }
        if (lw_is_complex(base))
            return lw_complex_index(c, base, a);
        if (base->ndarr && !(a->args.len == 1 && VEC_AT(a->args, 0, ast *)->kind != A_SLICE)) {
            base = lw_ndarr(c, base); /* np.indices(s)[:, 1:] (np.indices(s)[0] is an item) */
            if (base->kind == V_ERR)
                return base;
        }
        if (base->kind == V_ARRAY)
            a = lw_tuple_index(c, a);
        if (base->kind == V_TUPLE) {
            if (a->args.len == 1 && VEC_AT(a->args, 0, ast *)->kind == A_SLICE)
                return slice_items(c, base, VEC_AT(a->args, 0, ast *));
            if (a->args.len != 1) {
                diag_error(a->l, "lists and tuples can only be indexed by one integer or one slice");
                return &lw_ERRV;
            }
            value *iv = lw_expr(c, VEC_AT(a->args, 0, ast *));
            int64_t k;
            if (iv->kind == V_ERR) /* reported where it was found */
                return &lw_ERRV;
            if (iv->kind == V_SCALAR && !ir_type_is_float(iv->type) && !ir_expr_const_int(iv->e, &k)) {
                value *r = runtime_item(c, a->l, base, iv);
                if (r)
                    return r;
            }
            if (iv->kind == V_SCALAR && !ir_type_is_float(iv->type) && !ir_expr_const_int(iv->e, &k) && base->n &&
                !base->keys) {
                value *odd = base->items[0]; /* the first item that is not a number or string */
                for (int i = 0; i < base->n && (odd->kind == V_SCALAR || odd->kind == V_STR); i++)
                    odd = base->items[i];
                diag_error(iv->l, "a list or tuple indexed by an integer known only when running must hold "
                                  "numbers of one type, strings, or tuples of those of one length, not %s (a "
                                  "loop over a constant range() that indexes the list is unrolled)",
                           odd->kind == V_SCALAR || odd->kind == V_STR ? "numbers of different types"
                           : odd->kind == V_TUPLE ? "tuples of different lengths or item types"
                                                  : lw_vkind_desc(odd));
                return &lw_ERRV;
            }
            if (iv->kind != V_SCALAR || !ir_expr_const_int(iv->e, &k)) {
                diag_error(iv->l, "a list or tuple index must be an integer known when compiling (a "
                                  "loop over a constant range() that indexes the list is unrolled)");
                return &lw_ERRV;
            }
            if (k < 0)
                k += base->n;
            if (k < 0 || k >= base->n) {
                diag_error(iv->l, "tuple index out of range");
                return &lw_ERRV;
            }
            return base->items[k];
        }
        if (base->kind != V_ARRAY) {
            diag_error(a->a->l, "%s cannot be indexed", lw_vkind_desc(base));
            return &lw_ERRV;
        }
        return lw_index_array(c, base, a, 0);
    }
    case A_BINOP: {
        if (a->op == '-' && is_two_to_63(a->a) && a->b->kind == A_INT && a->b->ival > 0)
            /* 2**63 - 1 is int64's maximum, though 2**63 does not fit */
            return lw_scalar(a->l, lw_I64(a->l, (int64_t)(((uint64_t)1 << 63) - (uint64_t)a->b->ival)), 1);
        ir_op op = lw_map_binop(a->op);
        if (a->op == '@') /* an inner product (lower_dot.c) */
            return lw_dot_ast(c, a->l, "@", a->a, a->b);
        if ((int)op < 0) {
            diag_error(a->l, "operator '%s' is not supported", ast_op_name(a->op));
            return &lw_ERRV;
        }
        value *xy[2];
        xy[0] = lw_expr(c, a->a);
        int mark = c->out->len;
        xy[1] = lw_expr(c, a->b);
        lw_pin_operands(c, xy, &mark, 2);
        value *x = xy[0], *y = xy[1];
        lw_opt_binop_operands(c, a->l, ast_op_name(a->op), &x, &y); /* None or a number: checked */
        if ((lw_is_complex(x) || lw_is_complex(y)) && x->kind != V_STR && x->kind != V_FSTR)
            return lw_complex_binop(c, a->l, op, x, y);
        value *sv = lw_str_binop(c, a->l, a->op, x, y);
        if (!sv && x->kind != V_ERR && y->kind != V_ERR)
            sv = sequence_binop(c, a->l, a->op, x, y);
        return sv ? sv : lw_binop(c, a->l, op, x, y);
    }
    case A_UNOP: {
        if (a->op == '-' && is_two_to_63(a->a)) /* int64's minimum, though 2**63 does not fit */
            return lw_scalar(a->l, lw_I64(a->l, INT64_MIN), 1);
        value *x = lw_expr(c, a->a);
        ir_op op = a->op == '-' ? OP_NEG : a->op == '+' ? OP_POS : a->op == '~' ? OP_BNOT : OP_LNOT;
        if (lw_is_complex(x) && op != OP_LNOT)
            return lw_complex_unop(c, a->l, op, x);
        if (op == OP_LNOT)
            x = lw_truth(c, x, "'not'");
        else
            x = lw_opt_unop_operand(c, a->l, ast_op_name(a->op), x); /* None or a number: checked */
        return lw_unop(c, a->l, op, x);
    }
    case A_BOOLOP: {
        /* Python's `x or y` is x when x is true, else y (`and`: y when x is true, else x): the
         * value of an operand, not a bool, and y is evaluated only when needed. */
        value *x0 = lw_expr(c, a->a);
        value *x = lw_truth(c, x0, "'and'/'or'");
        int64_t k0;
        if (x->kind == V_SCALAR && ir_expr_const_int(x->e, &k0)) /* y only if needed, as Python */
            return (a->op == OP_AND) == (k0 != 0) ? lw_expr(c, a->b) : x0;
        int mark = c->out->len;
        value *y0;
        if (x->kind == V_SCALAR) { /* y's calls run only when Python evaluates y (lower_order.c) */
            lw_skip k;
            lw_skip_begin(c, &k, a->l, a->op == OP_AND ? x->e : ir_un(a->l, OP_LNOT, T_BOOL, x->e),
                          a->op == OP_AND ? "'and'" : "'or'");
            binding saved; /* x is None or v > x: x is a number in v > x (lower_optional.c) */
            const char *nn = lw_opt_narrow_begin(c, a->l, a->a, a->op == OP_AND, &saved);
            y0 = lw_expr(c, a->b);
            lw_opt_narrow_end(c, nn, &saved);
            lw_skip_end(c, &k);
        } else
            y0 = lw_expr(c, a->b);
        x = lw_pin_at(c, x, mark); /* k == 0 and f() > 0: k before f() (lower_order.c) */
        x0 = x0 == x ? x : lw_pin_at(c, x0, mark);
        value *y = lw_truth(c, y0, "'and'/'or'");
        if (x->kind == V_ERR || y->kind == V_ERR)
            return &lw_ERRV;
        int and = a->op == OP_AND;
        if (!and) /* x or default, x None or a number: x's number when it is true */
            x0 = lw_opt_or_number(x0);
        int64_t kx;
        if (ir_expr_const_int(x->e, &kx))
            return and == (kx != 0) ? y0 : x0;
        if (x0->type == T_BOOL && y0->type == T_BOOL)
            return lw_scalar(a->l, ir_bin(a->l, and ? OP_LAND : OP_LOR, T_BOOL, x->e, y->e, 1), 1);
        if (x0->type != y0->type) {
            diag_error(a->l, "the value of this '%s' is %s or %s depending on the values; give both "
                             "operands one type (or compare them, for a bool)", and ? "and" : "or",
                       lw_vkind_desc(x0), lw_vkind_desc(y0));
            return &lw_ERRV;
        }
        return lw_scalar_join(a->l, ir_select(a->l, x0->type, x->e, and ? y0->e : x0->e, and ? x0->e : y0->e), x0,
                              y0);
    }
    case A_COMPARE: return lower_compare(c, a);
    case A_IFEXP: {
        value *t = lw_truth(c, lw_expr(c, a->b), "a conditional expression");
        int64_t k;
        vec xa = ast_vec1(a->a), xc = ast_vec1(a->c); /* only the live branch exists: */
        if (t->kind == V_SCALAR && (ir_expr_const_int(t->e, &k) || lw_recursion_guard(c, a->b, &xa, &xc, t, &k)))
            return k == INT64_MIN ? &lw_ERRV : lw_expr(c, k ? a->a : a->c);
        if (t->kind != V_SCALAR)
            return &lw_ERRV;
        int mark = c->out->len;
        lw_skip sk; /* each branch's calls run only when it is taken (lower_order.c) */
        lw_skip_begin(c, &sk, a->l, t->e, "conditional expression");
        binding saved; /* x if x is not None else 0.0: x is a number in x (lower_optional.c) */
        const char *nn = lw_opt_narrow_begin(c, a->l, a->b, 1, &saved);
        value *x = lw_expr(c, a->a);
        lw_opt_narrow_end(c, nn, &saved);
        lw_skip_else(c, &sk);
        nn = lw_opt_narrow_begin(c, a->l, a->b, 0, &saved);
        value *y = lw_expr(c, a->c);
        lw_opt_narrow_end(c, nn, &saved);
        lw_skip_end(c, &sk);
        t = lw_pin_at(c, t, mark); /* f() if k > 0 else 0 with f changing k: k before f() */
        if (x->kind == V_ERR || y->kind == V_ERR)
            return &lw_ERRV;
        if ((x->kind == V_STR || x->kind == V_FSTR) && (y->kind == V_STR || y->kind == V_FSTR))
            return lw_str_select(c, a->l, t->e, x, y);
        value *z = lw_complex_select(a->l, t->e, x, y); /* z * z + c if k else z: complex numbers */
        if (z)
            return z;
        if (x->kind != V_SCALAR || y->kind != V_SCALAR || x->type != y->type) {
            diag_error(a->l, "both branches of a conditional expression must be scalars of the same type");
            return &lw_ERRV;
        }
        return lw_scalar_join(a->l, ir_select(a->l, x->type, t->e, x->e, y->e), x, y);
    }
    case A_DICT: return lw_dict_literal(c, a);
    case A_TUPLE:
    case A_LIST: {
        value *t = lw_vnew(V_TUPLE, a->l);
        t->is_list = a->kind == A_LIST;
        t->owner = c->sc;
        t->n = a->args.len;
        t->items = NEWN(value *, t->n + 1);
        int *marks = NEWN(int, t->n + 1);
        for (int i = 0; i < t->n; i++) {
            t->items[i] = lw_expr(c, VEC_AT(a->args, i, ast *));
            marks[i] = c->out->len;
        }
        lw_pin_operands(c, t->items, marks, t->n);
        for (int i = 0; i < t->n; i++)
            if (t->items[i]->kind == V_ERR)
                return &lw_ERRV;
        return t;
    }
    case A_COMP: {
        value *r = lw_comprehension(c, a);
        if (a->ival == 2) /* {k: v for ...}: its (k, v) tuples */
            return lw_dict_of_pairs(a->l, r);
        if (a->ival && r->kind == V_TUPLE) {
            value *l = lw_vnew(V_TUPLE, r->l);
            *l = *r;
            l->is_list = 1;
            l->owner = c->sc;
            r = l;
        }
        return r;
    }
    case A_LAMBDA: {
        value *v = lw_vnew(V_LAMBDA, a->l);
        v->def = a;
        v->defscope = c->sc;
        return v;
    }
    case A_FSTRING: return lw_fstring(c, a);
    case A_STARRED:
        diag_error(a->l, "starred expressions are not supported");
        return &lw_ERRV;
    default:
        diag_error(a->l, "this expression is not supported in a stencil program");
        return &lw_ERRV;
    }
}
