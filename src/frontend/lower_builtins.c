/* lower_builtins.c: built-ins that are not NumPy array functions: print, the Python built-ins
 * (abs, min, max, int, float, len, range, sum, ...), the math and time modules, and the dispatch
 * of calls to numpy.random (lower_nprandom.c), random, sys/os and numba. Requires: arguments
 * already lowered by lw_args. Establishes: every result is a value of the lowering; what is not
 * supported is a diagnostic that says so. */

#include "lower_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static value *call_math(lctx *c, loc l, const char *f, args *a);
static value *lower_print(lctx *c, ast *call);

/* A print of values of changing type (a function's result): one print per combination of
 * their tags, each printing the int or the float as Python would. */
ir_stmt *lw_print_variants(ir_stmt *s, value **vals, int from)
{
    for (int i = from; i < s->n; i++) {
        if (s->strs[i] || !vals[i]->dyn)
            continue;
        dynvar *d = vals[i]->dyn;
        ir_stmt *st = ir_stmt_new(S_IF, s->l);
        st->e = ir_varref(s->l, d->tag);
        for (int isf = 1; isf >= 0; isf--) {
            ir_stmt *p = ir_stmt_new(S_PRINT, s->l);
            p->n = s->n;
            p->strs = s->strs;
            p->str = s->str;
            p->end = s->end;
            p->pslots = s->pslots;
            p->pflags = s->pflags;
            p->pviews = s->pviews;
            p->pfmt = s->pfmt;
            p->pspec = s->pspec;
            p->sbuf = s->sbuf;
            p->args = NEWN(ir_expr *, s->n + 1);
            memcpy(p->args, s->args, sizeof(ir_expr *) * (size_t)s->n);
            p->args[i] = ir_varref(s->l, isf ? d->f : d->i);
            vec_push(isf ? &st->body : &st->orelse, lw_print_variants(p, vals, i + 1));
        }
        return st;
    }
    return s;
}
/* ---- print ----------------------------------------------------------------------------------- */

/* A print of names that are None or an array (present[i]: the flag of item i's array): one print
 * per combination of their flags, each writing the array (str or repr as NumPy's) where it is
 * set and None where it is not, as Python prints either; then lw_print_variants. */
static ir_stmt *print_optionals(ir_stmt *s, value **vals, ir_expr **present, int from)
{
    for (int i = from; i < s->n; i++) {
        if (!present[i])
            continue;
        ir_stmt *st = ir_stmt_new(S_IF, s->l);
        st->e = present[i];
        ir_stmt *none = ir_stmt_new(S_PRINT, s->l);
        *none = *s;
        none->strs = NEWN(const char *, s->n + 1);
        none->pslots = NEWN(ir_var *, s->n + 1);
        none->pviews = NEWN(ir_view *, s->n + 1);
        none->pflags = NEWN(unsigned char, s->n + 1);
        memcpy(none->pflags, s->pflags, (size_t)s->n);
        none->pflags[i] &= (unsigned char)~IR_PR_REPR; /* repr(None) is None */
        memcpy(none->strs, s->strs, sizeof(const char *) * (size_t)s->n);
        memcpy(none->pslots, s->pslots, sizeof(ir_var *) * (size_t)s->n);
        memcpy(none->pviews, s->pviews, sizeof(ir_view *) * (size_t)s->n);
        none->strs[i] = "None";
        none->pslots[i] = NULL;
        none->pviews[i] = NULL;
        vec_push(&st->body, print_optionals(s, vals, present, i + 1));
        vec_push(&st->orelse, print_optionals(none, vals, present, i + 1));
        return st;
    }
    return lw_print_variants(s, vals, 0);
}

/* One printed item: a lowered value with the conversion applied to it ('s' str, 'r' repr) and
 * whether it follows the previous item without sep (a piece of an f-string). */
typedef struct pitem {
    value *v;
    int conv, glue;
    ir_var *slot;  /* an array: the slot printed, */
    ir_view *view; /* and the view of it (NULL: all of it) */
    const char *spec; /* a scalar: Python's format spec for it (NULL: str()) */
    int rtspec;       /* or k > 0: the spec is run-time string k */
    ir_expr *present; /* a name that is None or an array (lower_optional.c): its flag; the
                         array is printed where it holds, "None" elsewhere */
} pitem;

static ast print_conv_err; /* print_conversion: reported */

/* str(x) / repr(x) called by their built-in names: their argument, else NULL. */
static ast *print_conversion(lctx *c, ast *a, int *conv)
{
    if (a->kind != A_CALL || a->a->kind != A_NAME)
        return NULL;
    const char *n = a->a->name;
    if ((strcmp(n, "str") != 0 && strcmp(n, "repr") != 0) || lw_lookup(c, n, &(int){0}))
        return NULL;
    if (a->args.len != 1 || a->kwargs.len || VEC_AT(a->args, 0, ast *)->kind == A_STARRED) {
        diag_error(a->l, "%s() in print() takes one argument here", n);
        return &print_conv_err;
    }
    *conv = n[0];
    return VEC_AT(a->args, 0, ast *);
}

/* A view that the runtime prints in place (tyl_print_view): a plain read of a slot whose
 * ranged dimensions come in box order, without np.roll's wrap-around or broadcasting. A view
 * computed into a temporary instead would make a distributed array replicated (a replicated
 * target reads its operands whole), for a print. */
static int print_view_ok(value *v)
{
    if (v->e->kind != E_READ || v->e->type != v->e->view->arr->type)
        return 0;
    ir_view *w = v->e->view;
    int b = 0;
    for (int d = 0; d < w->rank; d++) {
        ir_dim *m = &w->dim[d];
        if (m->kind == D_FIXED)
            continue;
        if (m->box != b++ || m->wrap || !m->step || !m->len)
            return 0;
    }
    return b == v->rank && b >= 1;
}

/* An array item is fixed when it is lowered, as Python evaluates print's arguments in order: a
 * view is printed in place (it shares the array's memory, as in NumPy), an expression is
 * computed now (a later argument may call a function that writes its operands). */
static void print_array_item(lctx *c, pitem *it)
{
    value *v = it->v;
    if (v->kind != V_ARRAY)
        return;
    it->slot = lw_whole_slot(v);
    if (!it->slot && print_view_ok(v)) {
        it->slot = v->e->view->arr;
        it->view = v->e->view;
    }
    if (!it->slot)
        it->slot = lw_whole_slot(lw_materialize(c, v));
}

/* The pieces of a string (lower_format.c) as items, glued to each other (the first too when
 * glue). */
static void print_pieces(vec *ps, int glue, vec *out)
{
    for (int k = 0; k < ps->len; k++) {
        value *p = VEC_AT(*ps, k, value *);
        pitem *it = NEW(pitem);
        it->glue = glue || k > 0;
        it->conv = 's';
        it->v = p;
        if (p->kind == V_SCALAR) {
            it->spec = p->str && p->str[0] ? p->str : NULL;
            it->rtspec = p->n;
        }
        vec_push(out, it);
    }
    if (!ps->len) {
        pitem *it = NEW(pitem);
        it->glue = glue;
        it->conv = 's';
        it->v = lw_vnew(V_STR, (loc){0});
        it->v->str = "";
        vec_push(out, it);
    }
}

/* marks[k] for the items out[k] lowered by now: how many statements had been emitted when they
 * were evaluated (lower_order.c pins them against later items' statements) */
static void sync_marks(lctx *c, vec *out, vec *marks)
{
    while (marks->len < out->len)
        vec_push(marks, (void *)(intptr_t)c->out->len);
}

/* Lowers print's positional argument a into items (an f-string gives one per piece), with their
 * marks. 0 on error. */
static int print_items(lctx *c, ast *a, vec *out, vec *marks)
{
    if (a->kind == A_STARRED) {
        diag_error(a->l, "'*' arguments are not supported");
        return 0;
    }
    if (a->kind == A_FSTRING) {
        for (int i = 0; i < a->args.len; i++) {
            ast *p = VEC_AT(a->args, i, ast *);
            pitem *it = NEW(pitem);
            it->glue = i > 0;
            it->conv = 's';
            if (p->kind == A_STR) {
                it->v = lw_vnew(V_STR, p->l);
                it->v->str = p->str;
            } else {
                if (p->ival == 'a') {
                    diag_error(p->l, "the '!a' conversion in f-strings is not supported");
                    return 0;
                }
                it->conv = p->ival == 'r' ? 'r' : 's';
                it->v = lw_expr(c, p->a);
                if (lw_is_opt_array(it->v)) { /* {prev}: the array or None */
                    it->present = it->v->items[0]->e;
                    it->v = it->v->items[1];
                }
                int rtk;
                const char *spec = lw_fspec_text(c, p, &rtk);
                if (!spec)
                    return 0;
                if (it->v->kind == V_ARRAY) {
                    if (spec[0] || rtk) {
                        diag_error(p->l, "a format specification of an array ('{u:%s}'): NumPy "
                                         "raises TypeError: unsupported format string passed to "
                                         "numpy.ndarray.__format__", p->str);
                        return 0;
                    }
                    print_array_item(c, it);
                } else {
                    /* a scalar, a string...: its pieces, read when printed (no copies: a value
                     * of changing type prints through print_variants) */
                    vec ps = {0};
                    if (!lw_str_pieces_rt(c, p->l, it->v, p->ival, spec, rtk, 0, &ps))
                        return 0;
                    print_pieces(&ps, it->glue, out);
                    sync_marks(c, out, marks);
                    continue;
                }
            }
            vec_push(out, it);
            sync_marks(c, out, marks);
        }
        if (!a->args.len) { /* f"" */
            pitem *it = NEW(pitem);
            it->v = lw_vnew(V_STR, a->l);
            it->v->str = "";
            vec_push(out, it);
        }
        return 1;
    }
    pitem *it = NEW(pitem);
    it->conv = 's';
    ast *inner = print_conversion(c, a, &it->conv);
    if (inner == &print_conv_err)
        return 0;
    it->v = lw_expr(c, inner ? inner : a);
    if (lw_is_opt_array(it->v)) { /* print(prev): the array or None */
        it->present = it->v->items[0]->e;
        it->v = it->v->items[1];
    }
    vkind k = it->v->kind;
    if (k == V_FSTR || k == V_TUPLE || k == V_DTYPE || k == V_OPT || k == V_OBJECT ||
        (it->conv == 'r' && (k == V_SCALAR || k == V_STR))) {
        vec ps = {0};
        if (!lw_str_pieces(c, it->v->l, it->v, it->conv == 'r' ? 'r' : 0, "", 0, &ps))
            return 0;
        print_pieces(&ps, 0, out);
        return 1;
    }
    print_array_item(c, it);
    vec_push(out, it);
    return 1;
}

/* print(...): strings, scalars and arrays (str(u) and repr(u) as NumPy 2 writes them, gathered
 * to rank 0 by libtyles' tyl_print_array / tyl_print_view), also as str()/repr() and f-string
 * pieces. */
static value *lower_print(lctx *c, ast *call)
{
    loc l = call->l;
    vec items = {0};
    int ok = 1;
    vec marks = {0};
    for (int i = 0; i < call->args.len; i++) {
        ok &= print_items(c, VEC_AT(call->args, i, ast *), &items, &marks);
        sync_marks(c, &items, &marks);
    }
    /* an item printed before a call does not see the call's effects (lower_order.c) */
    for (int i = items.len - 2; i >= 0; i--) {
        pitem *it = VEC_AT(items, i, pitem *);
        if (it->v->kind != V_ARRAY) /* arrays: print_array_item fixed them already */
            it->v = lw_pin_at(c, it->v, (int)(intptr_t)marks.items[i]);
    }
    const char *sep = " ", *end = "\n";
    int to_stderr = 0; /* or the stream of a file (100 + its number) */
    for (int k = 0; k < call->kwargs.len; k++) {
        ast *kw = VEC_AT(call->kwargs, k, ast *);
        if (!kw->name) {
            diag_error(kw->l, "'**' arguments are not supported");
            ok = 0;
            continue;
        }
        value *v = lw_expr(c, kw->a);
        if (v->kind == V_ERR) {
            ok = 0;
            continue;
        }
        if ((strcmp(kw->name, "sep") == 0 || strcmp(kw->name, "end") == 0) &&
            (v->kind == V_STR || v->kind == V_NONE)) {
            if (kw->name[0] == 's')
                sep = v->kind == V_STR ? v->str : " ";
            else
                end = v->kind == V_STR ? v->str : "\n";
        } else if (strcmp(kw->name, "file") == 0 && v->kind == V_MODULE &&
                   (strcmp(v->str, "sys.stderr") == 0 || strcmp(v->str, "sys.stdout") == 0)) {
            to_stderr = strcmp(v->str, "sys.stderr") == 0;
        } else if (strcmp(kw->name, "file") == 0 && v->kind == V_MODULE && strcmp(v->str, "os.file") == 0) {
            to_stderr = 100 + v->n; /* print(..., file=f), f = open(path, "w") */
        } else if (strcmp(kw->name, "flush") != 0) {
            diag_error(kw->l, "print() argument '%s' is not supported (sep= and end= take string "
                              "literals, file= sys.stdout, sys.stderr or a file open() opened for "
                              "writing)", kw->name);
            ok = 0;
        }
    }
    if (!ok)
        return &lw_ERRV;
    int n = items.len;
    ir_stmt *s = ir_stmt_new(S_PRINT, l);
    s->n = n;
    s->args = NEWN(ir_expr *, n + 1);
    s->strs = NEWN(const char *, n + 1);
    s->pslots = NEWN(ir_var *, n + 1);
    s->pflags = NEWN(unsigned char, n + 1);
    s->pviews = NEWN(ir_view *, n + 1);
    s->pfmt = NEWN(const char *, n + 1);
    s->pspec = NEWN(int, n + 1);
    s->str = sep;
    s->end = end;
    value **vals = NEWN(value *, n + 1);
    ir_expr **present = NEWN(ir_expr *, n + 1);
    for (int i = 0; i < n; i++) {
        pitem *it = VEC_AT(items, i, pitem *);
        value *v = vals[i] = it->v;
        if (v->kind == V_ERR)
            return &lw_ERRV;
        s->pflags[i] = (unsigned char)(it->glue ? IR_PR_GLUE : 0);
        present[i] = it->present;
        if (v->kind == V_ARRAY) {
            s->pslots[i] = it->slot;
            s->pviews[i] = it->view;
            if (it->conv == 'r')
                s->pflags[i] |= IR_PR_REPR;
            continue;
        }
        if (v->kind == V_STR && v->n) { /* a piece: run-time string v->n (lower_format.c) */
            s->strs[i] = "";
            s->pflags[i] |= IR_PR_STRBUF;
            s->pspec[i] = v->n;
        } else if (v->kind == V_STR)
            s->strs[i] = v->str;
        else if (v->kind == V_SCALAR) {
            s->args[i] = v->e;
            s->pfmt[i] = it->spec;
            s->pspec[i] = it->rtspec;
        }
        else if (v->kind == V_NONE)
            s->strs[i] = "None";
        else {
            diag_error(v->l, "print() of %s is not supported (print scalars, strings and arrays)",
                       lw_vkind_desc(v));
            return &lw_ERRV;
        }
    }
    if (to_stderr)
        lw_print_stream(c, l, to_stderr == 1 ? 2 : to_stderr);
    lw_emit(c, print_optionals(s, vals, present, 0));
    if (to_stderr)
        lw_print_stream(c, l, 1);
    return lw_vnew(V_NONE, l);
}

/* Python's sum loop over the hidden names of a sum(): acc = start (else the int 0), then for k
 * in range(len): acc = acc + item. */
static void sum_loop(lctx *c, loc l, ast *acc, value *start, ast *k, ast *len, ast *item)
{
    if (start)
        lw_assign_name(c, acc, start);
    else
        lw_stmt(c, ast_assign(l, ast_vec1(acc), ast_int(l, 0)));
    lw_stmt(c, ast_for(l, k, ast_call(l, ast_name(l, "range"), ast_arglist(NULL, len)),
                       ast_vec1(ast_assign(l, ast_vec1(acc), ast_binop(l, '+', acc, item))), (vec){0}));
}

/* ---- sum(), max() and min() of a 1-D array, as Python runs them -------------------------------
 * Python's built-ins iterate over the array's items (NumPy scalars): sum adds them one by one
 * from start (0: an int, so sum() of an empty array is the int 0), max/min keep the first item
 * and take each later one that compares greater (less), so a NaN is kept only where it is
 * first; an empty array is a ValueError. Lowered to that loop over hidden names (the int/float
 * accumulator is a dynvar: Python's type on every path), not to np.sum, whose pairwise order
 * rounds otherwise:
 *     sum.L.C.a = a; sum.L.C = start; for sum.L.C.k in range(len(sum.L.C.a)):
 *         sum.L.C = sum.L.C + sum.L.C.a[sum.L.C.k] */
static value *array_fold(lctx *c, loc l, const char *f, value *arr, value *start)
{
    if (arr->rank != 1) {
        diag_error(arr->l, "%s() of a %d-D array is not supported (Python iterates over its rows); "
                           "use np.%s with axis=0", f, arr->rank, f[0] == 's' ? "sum" : f[1] == 'a' ? "max" : "min");
        return &lw_ERRV;
    }
    int sum = f[0] == 's';
    ir_type t = arr->type;
    if (sum && t != T_F64 && t != T_I64 && t != T_BOOL && t != T_F32) {
        diag_error(arr->l, "sum() of an array of %s is not supported (its items are added as NumPy %s "
                           "scalars from the int 0); use np.sum", ir_type_name(t), ir_type_name(t));
        return &lw_ERRV;
    }
    if (sum && start && (start->kind != V_SCALAR || !start->weak || t == T_F32)) {
        diag_error(start->l, "sum() of an array with a start value is supported for a Python int or "
                             "float start and float64, int64 or bool arrays");
        return &lw_ERRV;
    }
    int64_t n = -1;
    if (!sum && ((arr->len[0] && ir_expr_const_int(arr->len[0], &n)) || (arr->sh[0] && sym_is_const(arr->sh[0], &n))) &&
        n == 0) {
        /* else the loop's first item, read after the raise, would be reported as an index out
         * of bounds of a subscript the program does not have */
        diag_error(l, "%s() arg is an empty sequence", f);
        return &lw_ERRV;
    }
    const char *base = arena_printf(&util_arena, "%s.%d.%d", f, l.line, l.col);
    ast *A = ast_name(l, arena_printf(&util_arena, "%s.a", base));
    ast *acc = ast_name(l, base), *k = ast_name(l, arena_printf(&util_arena, "%s.k", base));
    lw_assign_name(c, A, arr);
    ast *len = ast_call(l, ast_name(l, "len"), ast_arglist(NULL, A));
    ast *item = ast_subscript(l, A, ast_vec1(k), 0);
    if (sum && t == T_F32) { /* its accumulator is float32 from the start: no int 0 to give */
        ast *exc = ast_call(l, ast_name(l, "ValueError"),
                            ast_arglist(NULL, ast_str(l, "sum() of an empty float32 array (Python's "
                                                         "result, the int 0, is not supported here; use np.sum)")));
        lw_stmt(c, ast_if(l, ast_compare(l, len, OP_EQ, ast_int(l, 0)), ast_vec1(ast_raise(l, exc)), (vec){0}));
    }
    if (!sum) {
        ast *exc = ast_call(l, ast_name(l, "ValueError"),
                            ast_arglist(NULL, ast_str(l, arena_printf(&util_arena, "%s() arg is an empty sequence", f))));
        lw_stmt(c, ast_if(l, ast_compare(l, len, OP_EQ, ast_int(l, 0)), ast_vec1(ast_raise(l, exc)), (vec){0}));
        lw_stmt(c, ast_assign(l, ast_vec1(acc), ast_subscript(l, A, ast_vec1(ast_int(l, 0)), 0)));
        ast *take = ast_if(l, ast_compare(l, item, f[1] == 'a' ? OP_GT : OP_LT, acc),
                           ast_vec1(ast_assign(l, ast_vec1(acc), item)), (vec){0});
        lw_stmt(c, ast_for(l, k, ast_call(l, ast_name(l, "range"), ast_arglist(ast_arglist(NULL, ast_int(l, 1)), len)),
                           ast_vec1(take), (vec){0}));
    } else {
        sum_loop(c, l, acc, start, k, len, item);
    }
    return lw_read_name(c, acc);
}

/* sum(L[, start]) of a run-time list of numbers, as Python 3.11 runs it: from start (the int 0)
 * the items added one by one, left to right (ints exactly, then floats; NumPy scalars by their
 * own addition), through a hidden accumulator whose int/float type follows Python's:
 *     sum.L.C.a = L; sum.L.C = start; for sum.L.C.k in range(len(sum.L.C.a)):
 *         sum.L.C = sum.L.C + sum.L.C.a[sum.L.C.k]
 * (Python 3.12 adds Python floats with Neumaier's compensation: a float sum may differ there
 * in its last bits.) */
static value *list_sum(lctx *c, ast *call, ast *x)
{
    loc l = call->l;
    value *lst = lw_expr(c, x);
    if (lst->kind != V_LIST)
        return &lw_ERRV;
    value *start = NULL;
    if (call->args.len == 2) {
        start = lw_expr(c, VEC_AT(call->args, 1, ast *));
        if (start->kind == V_ERR)
            return &lw_ERRV;
        if (start->kind != V_SCALAR) {
            diag_error(start->l, "sum() of a list built at run time takes a number as its start value, not %s",
                       lw_vkind_desc(start));
            return &lw_ERRV;
        }
    }
    const char *base = arena_printf(&util_arena, "sum.%d.%d", l.line, l.col);
    ast *A = ast_name(l, arena_printf(&util_arena, "%s.a", base));
    ast *acc = ast_name(l, base), *k = ast_name(l, arena_printf(&util_arena, "%s.k", base));
    lw_assign_name(c, A, lst);
    ast *len = ast_call(l, ast_name(l, "len"), ast_arglist(NULL, A));
    ast *item = ast_subscript(l, A, ast_vec1(k), 0);
    sum_loop(c, l, acc, start, k, len, item);
    return lw_read_name(c, acc);
}

/* sum(a[, start]) of an array: array_fold; NULL when the first argument is no array. The
 * argument is looked at in a probe first, so that a sequence known when compiling is lowered
 * once, by call_sequence. */
static value *sum_of_array(lctx *c, ast *call)
{
    if (call->args.len < 1 || call->args.len > 2 || call->kwargs.len)
        return NULL;
    ast *x = VEC_AT(call->args, 0, ast *);
    if (x->kind == A_LIST || x->kind == A_TUPLE ||
        (x->kind == A_CALL && x->a->kind == A_NAME && strcmp(x->a->name, "range") == 0))
        return NULL;
    lw_probe p;
    lw_probe_begin(c, &p);
    value *v = lw_expr(c, x);
    int isarr = v->kind == V_ARRAY;
    int islist = v->kind == V_LIST && v->rank == 0 && !v->lrow;
    lw_probe_end(c, &p);
    if (islist)
        return list_sum(c, call, x);
    if (!isarr)
        return NULL;
    v = lw_expr(c, x);
    if (v->kind != V_ARRAY)
        return &lw_ERRV;
    value *start = NULL;
    if (call->args.len == 2 && (start = lw_expr(c, VEC_AT(call->args, 1, ast *)))->kind == V_ERR)
        return &lw_ERRV;
    return array_fold(c, call->l, "sum", v, start);
}

/* list(it), tuple(it), zip(...), enumerate(...) and sum(it[, start]) of sequences known when
 * compiling; sum adds from the left starting at start (0), as Python does. */
static value *call_sequence(lctx *c, const char *f, ast *call)
{
    loc l = call->l;
    if (strcmp(f, "zip") == 0 || strcmp(f, "enumerate") == 0) {
        value *v = lw_iter_items(c, call);
        return v ? v : &lw_ERRV;
    }
    if (call->args.len < 1 || call->args.len > (f[0] == 's' ? 2 : 1) || call->kwargs.len) {
        diag_error(l, "%s() takes %s here", f, f[0] == 's' ? "a sequence and a start value" : "one sequence");
        return &lw_ERRV;
    }
    if (f[0] == 's') {
        value *r = sum_of_array(c, call);
        if (r)
            return r;
    }
    value *items = lw_iter_items(c, VEC_AT(call->args, 0, ast *));
    ast *it = VEC_AT(call->args, 0, ast *);
    if (!items && strcmp(f, "list") == 0 && it->kind == A_CALL && it->a->kind == A_NAME &&
        strcmp(it->a->name, "range") == 0 && !it->kwargs.len) {
        /* list(range(n)) of a number known only when running (parent = list(range(n * n))):
         * the list comprehension [x for x in range(n)], built at run time */
        ast *x = ast_name(l, "x");
        ast *comp = ast_new(A_COMP, l);
        comp->a = x;
        comp->ival = 1;
        ast *cl = ast_new(A_FOR, l);
        cl->a = it;
        cl->b = x;
        vec_push(&comp->args, cl);
        return lw_expr(c, comp);
    }
    if (!items) {
        diag_error(VEC_AT(call->args, 0, ast *)->l, "%s() is supported over sequences known when "
                   "compiling (a list, tuple, comprehension, range() of constants)", f);
        return &lw_ERRV;
    }
    if (items->kind == V_ERR || f[0] != 's')
        return items;
    value *acc = call->args.len == 2 ? lw_expr(c, VEC_AT(call->args, 1, ast *)) : lw_scalar(l, lw_I64(l, 0), 1);
    for (int i = 0; i < items->n && acc->kind != V_ERR; i++)
        acc = lw_binop(c, l, OP_ADD, acc, items->items[i]);
    return acc;
}
/* ---- Python's built-in functions: one lowering each, matched arguments in v ---------------- */

/* slice(stop), slice(start, stop[, step]) */
static value *bi_slice(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)c, (void)f, (void)v;
    if (a->nkw || a->npos < 1 || a->npos > 3) {
        diag_error(l, "slice() takes 1 to 3 positional arguments");
        return &lw_ERRV;
    }
    value *r = lw_vnew(V_SLICE, l);
    r->n = 3;
    r->items = NEWN(value *, 3);
    value *none = lw_vnew(V_NONE, l);
    r->items[0] = a->npos == 1 ? none : a->pos[0];
    r->items[1] = a->npos == 1 ? a->pos[0] : a->pos[1];
    r->items[2] = a->npos == 3 ? a->pos[2] : none;
    for (int i = 0; i < 3; i++)
        if (r->items[i]->kind != V_NONE && !lw_is_int_scalar(r->items[i])) {
            diag_error(r->items[i]->l, "slice indices must be integers or None, not %s",
                       lw_vkind_desc(r->items[i]));
            return &lw_ERRV;
        }
    return r;
}
static value *bi_range(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)c, (void)f, (void)v, (void)a;
    diag_error(l, "range() is only supported as the iterable of a for loop");
    return &lw_ERRV;
}
static value *bi_len(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)a;
    if (lw_is_argv(v[0]))
        return lw_argv_len(c, l, v[0]);
    if (lw_is_split(v[0]) || v[0]->kind == V_FSTR)
        return lw_text_len(c, l, v[0]);
    if (lw_is_sdict(v[0]))
        return lw_sdict_len(c, l, v[0]);
    if (v[0]->kind != V_ARRAY) {
        if (v[0]->kind == V_TUPLE)
            return lw_scalar(l, lw_I64(l, v[0]->n), 1);
        if (v[0]->kind == V_LIST) /* len(E[2:]): its count */
            return lw_scalar(l, ir_varref(l, v[0]->lcnt), 1);
        if (v[0]->kind == V_STR) { /* code points */
            int64_t n = 0;
            for (const char *p = v[0]->str; *p; p++)
                n += ((unsigned char)*p & 0xC0) != 0x80;
            return lw_scalar(l, lw_I64(l, n), 1);
        }
        if (v[0]->kind == V_MASKED && v[0]->lead) {
            diag_error(l, "len() of a[:, m] (a mask after whole dimensions) is not supported: it is "
                          "the first extent of a (len(a)), not the number of elements selected");
            return &lw_ERRV;
        }
        if (v[0]->kind == V_MASKED && (!v[0]->n || v[0]->rows)) { /* len(a[m]): the elements
                                                                   * (rows of a[m, :]) m selects */
            value *k = lw_reduce(c, l, "sum", v[0]->n ? v[0]->rows : v[0]->mask);
            return k->kind == V_ERR ? k : lw_scalar(l, ir_cast(l, T_I64, k->e), 1);
        }
        diag_error(l, "len() takes one array");
        return &lw_ERRV;
    }
    value *r = lw_scalar(l, v[0]->len[0], 1);
    r->s = v[0]->sh[0];
    return r;
}
/* min(a, b, ...), max(a, b, ...) of scalars */
/* min()/max() of ints and floats (Python numbers, or NumPy ones, all of one kind): Python returns
 * the first extreme argument itself, an int or a float depending on the values. Each argument is
 * an (int, float, tag) triple, the result a new dynvar of temporaries (tag true: the float
 * holds it), as a name of changing type keeps it. Python compares an int with a float exactly:
 * (double)i differs from f only where i is not a double; where they are equal, f is an integer
 * and i is compared with (int64)f (or f is 2**63, above every int64). */
static ir_expr *int_lt_float(loc l, ir_expr *i, ir_expr *f, int gt)
{
    ir_expr *d = ir_cast(l, T_F64, i), *big = ir_const_f(l, T_F64, 9223372036854775808.0);
    ir_expr *strict = ir_bin(l, gt ? OP_CGT : OP_CLT, T_BOOL, d, f, 0);
    ir_expr *tie = ir_select(l, T_BOOL, ir_bin(l, OP_CGE, T_BOOL, f, big, 0), ir_const_i(l, T_BOOL, !gt),
                             ir_bin(l, gt ? OP_CGT : OP_CLT, T_BOOL, i, ir_cast(l, T_I64, f), 0));
    return ir_bin(l, OP_LOR, T_BOOL, strict,
                  ir_bin(l, OP_LAND, T_BOOL, ir_bin(l, OP_CEQ, T_BOOL, d, f, 0), tie, 0), 0);
}
typedef struct mixnum { ir_expr *i, *f, *tag; } mixnum;
/* x < y (gt: x > y) of two triples */
static ir_expr *mix_less(loc l, mixnum x, mixnum y, int gt)
{
    ir_op op = gt ? OP_CGT : OP_CLT;
    ir_expr *ff = ir_bin(l, op, T_BOOL, x.f, y.f, 0), *ii = ir_bin(l, op, T_BOOL, x.i, y.i, 0);
    ir_expr *xf_yi = int_lt_float(l, y.i, x.f, !gt); /* x.f < y.i: y.i > x.f */
    ir_expr *xi_yf = int_lt_float(l, x.i, y.f, gt);
    return ir_select(l, T_BOOL, x.tag, ir_select(l, T_BOOL, y.tag, ff, xf_yi), ir_select(l, T_BOOL, y.tag, xi_yf, ii));
}
static value *minmax_mixed(lctx *c, loc l, const char *f, args *a)
{
    int weak = a->pos[0]->weak;
    for (int i = 0; i < a->npos; i++) {
        value *x = a->pos[i];
        if (x->kind != V_SCALAR || x->weak != weak || x->mixed || (x->type != T_F64 && x->type != T_I64))
            return NULL;
    }
    mixnum r = {0};
    for (int i = 0; i < a->npos; i++) {
        value *x = a->pos[i];
        mixnum m;
        if (x->dyn) {
            m.i = ir_varref(l, x->dyn->i);
            m.f = ir_varref(l, x->dyn->f);
            m.tag = ir_varref(l, x->dyn->tag);
        } else if (ir_type_is_float(x->type)) {
            m.i = lw_I64(l, 0);
            m.f = x->e;
            m.tag = ir_const_i(l, T_BOOL, 1);
        } else {
            m.i = ir_cast(l, T_I64, x->e);
            m.f = ir_const_f(l, T_F64, 0.0);
            m.tag = ir_const_i(l, T_BOOL, 0);
        }
        dynvar *td = NEW(dynvar);
        td->name = "<temporary>";
        td->i = lw_temp_scalar(c, T_I64);
        td->f = lw_temp_scalar(c, T_F64);
        td->tag = lw_temp_scalar(c, T_BOOL);
        ir_expr *take = i == 0 ? NULL : mix_less(l, m, r, f[1] == 'a');
        ir_var *to[3] = {td->i, td->f, td->tag};
        ir_expr *from[3] = {m.i, m.f, m.tag}, *keep[3] = {r.i, r.f, r.tag};
        for (int k = 0; k < 3; k++) {
            ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
            as->var = to[k];
            as->e = take ? ir_select(l, to[k]->type, take, from[k], keep[k]) : from[k];
            lw_emit(c, as);
        }
        r.i = ir_varref(l, td->i);
        r.f = ir_varref(l, td->f);
        r.tag = ir_varref(l, td->tag);
        if (i == a->npos - 1) {
            value *nv = lw_scalar(l, ir_select(l, T_F64, r.tag, r.f, ir_cast(l, T_F64, r.i)), weak);
            nv->dyn = td;
            return nv;
        }
    }
    return NULL;
}
/* x < y of two int or float constants, exactly as Python compares an int with a float (False
 * with a NaN) */
static int const_less(ir_expr *x, ir_expr *y)
{
    int xf = ir_type_is_float(x->type), yf = ir_type_is_float(y->type);
    if (xf && yf)
        return x->c.f < y->c.f;
    if (!xf && !yf)
        return x->c.i < y->c.i;
    int64_t i = xf ? y->c.i : x->c.i;
    double f = xf ? x->c.f : y->c.f, d = (double)i;
    int i_lt_f = d != f ? d < f : f >= 9223372036854775808.0 ? 1 : i < (int64_t)f;
    int i_gt_f = d != f ? d > f : f >= 9223372036854775808.0 ? 0 : i > (int64_t)f;
    return xf ? i_gt_f : i_lt_f;
}

static value *bi_minmax(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)c, (void)v;
    if (a->nkw) {
        diag_error(a->kwast[0]->l, "%s() takes no keyword arguments", f);
        return &lw_ERRV;
    }
    if (a->npos == 1 && a->pos[0]->kind == V_LIST && a->pos[0]->rank == 0 && !a->pos[0]->lrow) /* run time */
        return lw_list_minmax(c, l, f[1] == 'a', a->pos[0]);
    if (a->npos == 1 && a->pos[0]->kind == V_ARRAY) /* max(a): Python's loop over its items */
        return array_fold(c, l, f, a->pos[0], NULL);
    if (a->npos == 1 && a->pos[0]->kind == V_TUPLE) { /* max(residuals): a list or tuple's items */
        value *t = a->pos[0];
        if (t->n == 0) {
            diag_error(l, "%s() arg is an empty sequence", f);
            return &lw_ERRV;
        }
        args b = *a;
        b.pos = t->items;
        b.npos = t->n;
        if (t->n == 1) {
            if (t->items[0]->kind != V_SCALAR) {
                diag_error(t->items[0]->l, "%s() takes scalars here, not %s (use np.%s for arrays)", f,
                           lw_vkind_desc(t->items[0]), strcmp(f, "min") == 0 ? "minimum" : "maximum");
                return &lw_ERRV;
            }
            return t->items[0];
        }
        return bi_minmax(c, l, f, v, &b);
    }
    if (a->npos < 2) {
        diag_error(l, "%s() of a single value is not supported; give two or more scalars, or a "
                      "list or tuple of them", f);
        return &lw_ERRV;
    }
    value *r = a->pos[0];
    int allconst = 1;
    for (int i = 0; i < a->npos; i++)
        allconst &= a->pos[i]->kind == V_SCALAR && a->pos[i]->e->kind == E_CONST;
    if (allconst) {
        /* constants: Python's rule (the first of the extreme values) decides the type too */
        for (int i = 1; i < a->npos; i++) {
            ir_expr *x = r->e, *y = a->pos[i]->e;
            if (f[1] == 'i' ? const_less(y, x) : const_less(x, y))
                r = a->pos[i];
        }
        return lw_scalar(l, r->e, 1);
    }
    for (int i = 0; i < a->npos; i++) {
        if (a->pos[i]->kind != V_SCALAR) {
            diag_error(a->pos[i]->l, "%s() takes scalars here, not %s (use np.%s for arrays)", f,
                       lw_vkind_desc(a->pos[i]), strcmp(f, "min") == 0 ? "minimum" : "maximum");
            return &lw_ERRV;
        }
        if (ir_type_is_float(a->pos[i]->type) != ir_type_is_float(r->type) || a->pos[i]->dyn || r->dyn) {
            value *m = minmax_mixed(c, l, f, a);
            if (m)
                return m;
            int weak = 0, strong = 0;
            for (int k = 0; k < a->npos; k++)
                if (a->pos[k]->kind == V_SCALAR)
                    weak |= a->pos[k]->weak, strong |= !a->pos[k]->weak;
            if (weak && strong) {
                diag_error(l, "%s() of Python and NumPy numbers, ints and floats, is not supported (whether it "
                              "returns a Python int or a NumPy float depends on the values, and they differ "
                              "with float32); convert with float()", f);
                return &lw_ERRV;
            }
            diag_error(l, "%s() of an int and a float is not supported (its result type would "
                          "depend on the values); convert with float()", f);
            return &lw_ERRV;
        }
        value *x = a->pos[i];
        if (x->type != r->type && x->type != T_BOOL && r->type != T_BOOL) {
            /* min(0.7, np.float32(0.7)) is 0.7: NumPy compares them in float32, where they are
             * equal, and Python keeps the first; the min in r's type returned float32's value
             * widened (0.699999988079071). Which argument, and so which type, comes back
             * depends on the values (and int8's 1000 would be cut to r's type). */
            diag_error(x->l, "%s() of %s and %s is not supported (its result type would depend on "
                             "the values); convert them to one type (%s(), np.%s())", f, lw_scalar_desc(r),
                       lw_scalar_desc(x), ir_type_is_float(x->type) ? "float" : "int",
                       ir_type_name(x->weak ? r->type : x->type));
            return &lw_ERRV;
        }
    }
    for (int i = 1; i < a->npos; i++) {
        value *b = a->pos[i];
        ir_type t = r->type == T_BOOL ? b->type : r->type;
        ir_op op = f[1] == 'i' ? OP_MIN : OP_MAX;
        /* min(dt, cfl * dx / umax): Python returns whichever argument wins, a Python float
         * or a NumPy float64 (wmix) */
        value *nv = lw_scalar_join(l, ir_bin(l, op, t, ir_cast(l, t, r->e), ir_cast(l, t, b->e), 1), r, b);
        if (t == T_I64 && r->s && b->s)
            nv->s = sym_opaque(f, r->s, b->s);
        r = nv;
    }
    return r;
}
/* pow(x, y): x ** y (the three-argument modular form is not supported) */
static value *bi_pow(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)a;
    if (v[2] && v[2]->kind != V_NONE) {
        diag_error(v[2]->l, "pow() with a modulus is not supported");
        return &lw_ERRV;
    }
    return lw_binop(c, l, OP_POWER, v[0], v[1]);
}
/* divmod(a, b) of numbers: (a // b, a % b), Python's floor division and modulo (for floats
 * too: float // and % are Python's divmod's two halves); ZeroDivisionError as they give it. Of
 * an array: NumPy's (a // b, a % b), two new arrays. */
static value *bi_divmod(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    if ((v[0]->kind == V_ARRAY || v[1]->kind == V_ARRAY) && (v[0]->kind == V_ARRAY || v[0]->kind == V_SCALAR) &&
        (v[1]->kind == V_ARRAY || v[1]->kind == V_SCALAR)) {
        /* divmod(order, nx) of an array: ndarray.__divmod__, np.divmod's (a // b, a % b) */
        value *t = lw_vnew(V_TUPLE, l);
        t->n = 2;
        t->items = NEWN(value *, 2);
        for (int i = 0; i < 2; i++) {
            t->items[i] = lw_binop(c, l, i ? OP_MOD : OP_FDIV, v[0], v[1]);
            if (t->items[i]->kind == V_ERR)
                return &lw_ERRV;
            t->items[i] = lw_materialize(c, t->items[i]);
        }
        return t;
    }
    for (int i = 0; i < 2; i++)
        if (v[i]->kind != V_SCALAR) {
            if (v[i]->kind != V_ERR)
                diag_error(v[i]->l, "%s() of %s is not supported (numbers and arrays are)", f,
                           v[i]->kind == V_TUPLE && v[i]->is_list ? "a list" : lw_vkind_desc(v[i]));
            return &lw_ERRV;
        }
    value *t = lw_vnew(V_TUPLE, l);
    t->n = 2;
    t->items = NEWN(value *, 3);
    t->items[0] = lw_binop(c, l, OP_FDIV, v[0], v[1]);
    t->items[1] = lw_binop(c, l, OP_MOD, v[0], v[1]);
    if (t->items[0]->kind == V_ERR || t->items[1]->kind == V_ERR)
        return &lw_ERRV;
    return t;
}
/* float(x), int(x), bool(x), abs(x) */
static value *bi_scalar(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = v[0];
    if (f[0] == 'i' && a && v[1]) { /* int("1011", 2): Python's digits in another base (a is NULL,
                                      * v one value, when lw_py_int calls) */
        diag_error(v[1]->l, "int() with a base is not supported (int(s) of a string of decimal digits is)");
        return &lw_ERRV;
    }
    if (!x) /* float() is 0.0, int() 0, bool() False */
        return lw_scalar(l, f[0] == 'f' ? ir_const_f(l, T_F64, 0.0)
                                        : ir_const_i(l, f[0] == 'b' ? T_BOOL : T_I64, 0), 1);
    if (strcmp(f, "abs") == 0 && x->kind == V_ARRAY) /* abs() of an array is np.abs */
        return lw_unop(c, l, OP_ABS, x);
    if (x->kind == V_STR && strcmp(f, "float") == 0) { /* float("inf"), float("1e-6") */
        char *end;
        const char *p = x->str;
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        double d = strtod(p, &end);
        while (end != p && (*end == ' ' || *end == '\t' || *end == '\n'))
            end++;
        /* strtod also reads hexadecimal floats and "infinity"/"nan(...)" forms; Python's
         * float() takes the decimal ones, inf, infinity and nan (any case, signed) */
        int hex = strchr(p, 'x') || strchr(p, 'X'), paren = strchr(p, '(') != NULL;
        if (end == p || *end || hex || paren) {
            diag_error(x->l, "ValueError: could not convert string to float: '%s'", x->str);
            return &lw_ERRV;
        }
        return lw_scalar(l, ir_const_f(l, T_F64, d), 1);
    }
    if (x->kind == V_FSTR && (f[0] == 'i' || f[0] == 'f')) /* int(sys.argv[1]) */
        return lw_str_number(c, l, f, x);
    if (x->kind != V_SCALAR) {
        diag_error(x->l, "%s() of %s is not supported", f, lw_vkind_desc(x));
        return &lw_ERRV;
    }
    if (strcmp(f, "float") == 0)
        return lw_scalar(l, ir_cast(l, T_F64, x->e), 1);
    if (strcmp(f, "int") == 0) {
        if (!ir_type_is_float(x->type)) {
            value *v = lw_scalar(l, ir_cast(l, T_I64, x->e), 1);
            v->s = x->s;
            return v;
        }
        if (x->e->kind == E_CONST && isfinite(x->e->c.f)) {
            /* exactly the doubles in [-2**63, 2**63) truncate to an int64 */
            double f = x->e->c.f;
            if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) {
                diag_error(l, "integer overflow: int(%g) does not fit in tylesc's 64-bit integers", f);
                return &lw_ERRV;
            }
            return lw_scalar(l, lw_I64(l, (int64_t)f), 1);
        }
        /* at run time: Python's errors for inf and nan, and a message for what int64 cannot hold */
        ir_expr **args = NEWN(ir_expr *, 1);
        args[0] = ir_cast(l, T_F64, x->e);
        return lw_scalar(l, ir_call(l, FN_PYINT, T_I64, 1, args), 1);
    }
    if (strcmp(f, "bool") == 0)
        return lw_unop(c, l, OP_LNOT, lw_unop(c, l, OP_LNOT, x));
    if (strcmp(f, "abs") == 0 && x->dyn) /* an int or float (a name, a list item): both variants */
        return lw_unop(c, l, OP_ABS, x);
    if (strcmp(f, "abs") == 0) {
        ir_type t = x->type == T_BOOL ? T_I64 : x->type;
        value *v = lw_scalar(l, ir_un(l, OP_ABS, t, ir_cast(l, t, x->e)), x->weak);
        int64_t k;
        if (ir_expr_const_int(x->e, &k) && k == INT64_MIN) {
            diag_error(l, "integer overflow: abs(%lld) does not fit in tylesc's 64-bit integers",
                       (long long)k);
            return &lw_ERRV;
        }
        if (ir_expr_const_int(x->e, &k))
            v = lw_scalar(l, lw_I64(l, k < 0 ? -k : k), 1);
        return v;
    }
    diag_error(l, "'%s()' is not supported in a stencil program", f);
    return &lw_ERRV;
}
value *lw_py_int(lctx *c, loc l, value *x) { return bi_scalar(c, l, "int", &x, NULL); }
static value *bi_math(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)v;
    return call_math(c, l, f, a);
}
static value *bi_time(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)c, (void)v, (void)a;
    ir_expr **args = NEWN(ir_expr *, 1);
    args[0] = lw_I64(l, strcmp(f, "time.time") == 0 ? 0 : 1);
    return lw_scalar(l, ir_call(l, FN_WALLTIME, T_F64, 1, args), 1);
}

/* Python's and math's functions: name, Python's parameters, required count. */
#define M1(n) {"math." n, {"x"}, 1, bi_math}
#define M2(n) {"math." n, {"x", "y"}, 2, bi_math}
static const lw_builtin py_table[] = {
    {"slice", {"*"}, 0, bi_slice}, {"range", {"*"}, 0, bi_range},
    {"len", {"obj"}, 1, bi_len}, {"min", {"*"}, 0, bi_minmax}, {"max", {"*"}, 0, bi_minmax},
    {"float", {"x"}, 0, bi_scalar}, {"int", {"x", "base"}, 0, bi_scalar}, {"bool", {"x"}, 0, bi_scalar},
    {"abs", {"x"}, 1, bi_scalar}, {"pow", {"base", "exp", "mod"}, 2, bi_pow},
    {"divmod", {"a", "b"}, 2, bi_divmod},
    {"sorted", {"iterable", "key", "reverse"}, 1, lw_bi_sorted},
    {"round", {"number", "ndigits"}, 1, lw_bi_round},
    {"all", {"iterable"}, 1, lw_bi_allany}, {"any", {"iterable"}, 1, lw_bi_allany},
    {"time.time", {NULL}, 0, bi_time}, {"time.perf_counter", {NULL}, 0, bi_time},
    {"time.monotonic", {NULL}, 0, bi_time},
    M1("sqrt"), M1("exp"), M1("log10"), M1("log2"), M1("log1p"), M1("expm1"), M1("sin"),
    M1("cos"), M1("tan"), M1("asin"), M1("acos"), M1("atan"), M1("sinh"), M1("cosh"),
    M1("tanh"), M1("asinh"), M1("acosh"), M1("atanh"), M1("fabs"), M1("floor"), M1("ceil"),
    M1("trunc"), M1("isnan"), M1("isinf"), M1("isfinite"), M1("degrees"), M1("radians"),
    M1("cbrt"), M1("exp2"), M1("erf"), M1("erfc"), M2("atan2"), M2("hypot"), M2("pow"), M2("copysign"), M2("fmod"),
    {"math.log", {"x", "base"}, 1, bi_math},
    {"math.isclose", {"a", "b", "rel_tol", "abs_tol"}, 2, bi_math},
};
#undef M1
#undef M2

/* f.write(s) of a file opened for writing (lower_sysos.c): print(s, end="") to the file's stream;
 * s must be a string, as Python's write() takes only those */
static value *file_write(lctx *c, value *fn, ast *call)
{
    loc l = call->l;
    if (call->args.len != 1 || call->kwargs.len) {
        diag_error(l, "write() takes exactly one argument (a string)");
        return &lw_ERRV;
    }
    ast *arg = VEC_AT(call->args, 0, ast *);
    lw_probe p;
    lw_probe_begin(c, &p);
    value *v = lw_expr(c, arg);
    vkind k = v->kind;
    const char *what = lw_vkind_desc(v);
    lw_probe_end(c, &p);
    if (k == V_ERR) {
        lw_expr(c, arg); /* its diagnostics */
        return &lw_ERRV;
    }
    if (k != V_STR && k != V_FSTR) {
        diag_error(arg->l, "write() argument must be str, not %s", what);
        return &lw_ERRV;
    }
    /* write() returns the number of characters written: known for a string constant; of a
     * string formatted when running it is not (was None: print(f.write(s)) printed None) */
    int used = c->stmt_expr != call;
    if (used && k != V_STR) {
        diag_error(l, "the number of characters write() returns is only known for a string constant here, "
                   "not for a string formatted at run time (call f.write(s) as a statement)");
        return &lw_ERRV;
    }
    ast *pc = ast_call(l, ast_name(l, "print"), ast_arglist(ast_arglist(NULL, arg), ast_keyword(l, "end", ast_str(l, ""))));
    lw_print_stream(c, l, 100 + fn->n);
    value *r = lower_print(c, pc);
    lw_print_stream(c, l, 1);
    if (r->kind == V_ERR || !used)
        return r->kind == V_ERR ? r : lw_vnew(V_NONE, l);
    long long chars = 0;
    for (const unsigned char *p = (const unsigned char *)v->str; *p; p++)
        chars += (*p & 0xC0) != 0x80; /* UTF-8: a character is a byte that does not continue one */
    return lw_expr(c, ast_int(l, chars));
}

value *lw_call_builtin(lctx *c, value *fn, ast *call)
{
    if (!fn->self && (strcmp(fn->str, "list") == 0 || strcmp(fn->str, "tuple") == 0 ||
                      strcmp(fn->str, "sum") == 0 || strcmp(fn->str, "zip") == 0 ||
                      strcmp(fn->str, "enumerate") == 0)) {
        value *r = call_sequence(c, fn->str, call);
        if (r->kind == V_TUPLE && (strcmp(fn->str, "list") == 0) != r->is_list) {
            value *l = lw_vnew(V_TUPLE, r->l);
            *l = *r;
            l->keys = NULL;
            l->is_list = strcmp(fn->str, "list") == 0;
            l->owner = c->sc;
            r = l;
        }
        return r;
    }
    if (!fn->self && strcmp(fn->str, "dict") == 0)
        return lw_dict_builtin(c, call); /* lower_dicts.c */
    if (!fn->self && call->kwargs.len && (strcmp(fn->str, "min") == 0 || strcmp(fn->str, "max") == 0))
        return lw_minmax_key(c, call, fn->str[1] == 'a'); /* min(d, key=d.get): lower_sorted.c */
    if (strncmp(fn->str, "np.random.", 10) == 0 || strncmp(fn->str, "rng.", 4) == 0)
        return lw_random_call(c, fn, call); /* lower_nprandom.c */
    if (strncmp(fn->str, "numba.", 6) == 0)
        return lw_numba_call(c, fn, call);
    if (strncmp(fn->str, "random.", 7) == 0)
        return lw_pyrandom_call(c, fn, call);
    if (!fn->self && strcmp(fn->str, "os.file.write") == 0)
        return file_write(c, fn, call);
    if ((!fn->self && strcmp(fn->str, "open") == 0) || strncmp(fn->str, "sys.", 4) == 0 ||
        strncmp(fn->str, "os.", 3) == 0)
        return lw_sysos_call(c, fn, call);
    const char *f = fn->str;
    if (strncmp(f, "np.", 3) == 0 || fn->self)
        return lw_call_numpy(c, f, call, fn->self);
    if (strcmp(f, "print") == 0)
        return lower_print(c, call);
    args a = lw_args(c, call);
    if (lw_any_err(&a))
        return &lw_ERRV;
    loc l = call->l;
    if (lw_complex_call(f, &a)) /* complex(a, b), abs(z) */
        return lw_complex_numpy(c, f, l, &a);
    const lw_builtin *b = lw_builtin_find(py_table, sizeof py_table / sizeof *py_table, f);
    if (b)
        return lw_builtin_call(c, b, l, &a);
    diag_error(l, "'%s()' is not supported in a stencil program", f);
    return &lw_ERRV;
}

/* ---- math and time: Python's scalar functions ------------------------------------------------ */

/* math.f(x...) of Python scalars, with Python's errors: "math domain error" (ValueError) for
 * arguments outside the domain, "math range error" (OverflowError) for a finite argument whose
 * result overflows. floor/ceil/trunc give ints. */
static value *call_math(lctx *c, loc l, const char *f, args *a)
{
    const char *n = f + 5;
    int two = !strcmp(n, "atan2") || !strcmp(n, "hypot") || !strcmp(n, "pow") ||
              !strcmp(n, "copysign") || !strcmp(n, "fmod");
    int isclose = !strcmp(n, "isclose");
    int logb = !strcmp(n, "log") && a->npos == 2;
    int want = two || isclose || logb ? 2 : 1;
    if (a->npos != want || (a->nkw && !isclose)) {
        diag_error(l, "%s() takes %s argument%s here", f, want == 1 ? "one" : "two", want == 1 ? "" : "s");
        return &lw_ERRV;
    }
    ir_expr *x[2];
    for (int i = 0; i < want; i++) {
        value *v = a->pos[i];
        if (v->kind != V_SCALAR) {
            diag_error(v->l, "%s() takes numbers, not %s%s", f, lw_vkind_desc(v),
                       v->kind == V_ARRAY ? " (use the np. function for arrays)" : "");
            return &lw_ERRV;
        }
        x[i] = ir_cast(l, T_F64, v->e);
    }
    ir_expr *zero = ir_const_f(l, T_F64, 0.0), *one = ir_const_f(l, T_F64, 1.0);
    ir_expr *inf = ir_const_f(l, T_F64, INFINITY);
#define CMP(op, p, q) ir_bin(l, op, T_BOOL, p, q, 0)
#define ABSF(p) ir_un(l, OP_ABS, T_F64, p)
    const char *domain = "ValueError: math domain error", *range = "OverflowError: math range error";
    if (!strcmp(n, "floor") || !strcmp(n, "ceil") || !strcmp(n, "trunc")) {
        if (lw_is_int_scalar(a->pos[0]))
            return lw_scalar(l, ir_cast(l, T_I64, a->pos[0]->e), 1);
        ir_fn fn = n[0] == 'f' ? FN_FLOOR : n[0] == 'c' ? FN_CEIL : FN_TRUNC;
        return lw_scalar(l, lw_call1(l, FN_PYINT, T_I64, lw_call1(l, fn, T_F64, x[0])), 1);
    }
    if (!strcmp(n, "isnan"))
        return lw_scalar(l, CMP(OP_CNE, x[0], x[0]), 1);
    if (!strcmp(n, "isinf"))
        return lw_scalar(l, CMP(OP_CEQ, ABSF(x[0]), inf), 1);
    if (!strcmp(n, "isfinite"))
        return lw_scalar(l, CMP(OP_CLT, ABSF(x[0]), inf), 1);
    if (!strcmp(n, "fabs"))
        return lw_scalar(l, ABSF(x[0]), 1);
    if (!strcmp(n, "degrees") || !strcmp(n, "radians"))
        return lw_scalar(l, ir_bin(l, OP_MUL, T_F64, x[0],
                                ir_const_f(l, T_F64, n[0] == 'd' ? 180.0 / 3.141592653589793
                                                                 : 3.141592653589793 / 180.0), 0), 1);
    if (isclose) { /* abs(a - b) <= max(rel_tol * max(abs(a), abs(b)), abs_tol), or a == b */
        ir_expr *rel = ir_const_f(l, T_F64, 1e-9), *abst = zero;
        for (int k = 0; k < a->nkw; k++) {
            value *kv = a->kw[k];
            if ((strcmp(a->kwname[k], "rel_tol") && strcmp(a->kwname[k], "abs_tol")) || kv->kind != V_SCALAR) {
                diag_error(a->kwast[k]->l, "math.isclose() takes rel_tol= and abs_tol= numbers");
                return &lw_ERRV;
            }
            *(a->kwname[k][0] == 'r' ? &rel : &abst) = ir_cast(l, T_F64, kv->e);
        }
        ir_expr *tol = ir_bin(l, OP_MAX, T_F64,
                              ir_bin(l, OP_MUL, T_F64, rel, ir_bin(l, OP_MAX, T_F64, ABSF(x[0]), ABSF(x[1]), 0), 0),
                              abst, 0);
        ir_expr *close = CMP(OP_CLE, ABSF(ir_bin(l, OP_SUB, T_F64, x[0], x[1], 0)), tol);
        return lw_scalar(l, ir_bin(l, OP_LOR, T_BOOL, CMP(OP_CEQ, x[0], x[1]), close, 0), 1);
    }
    static const struct { const char *n; ir_fn fn; int dom; } fns[] = {
        /* dom: 0 none, 1 x < 0, 2 x <= 0, 3 |x| > 1, 4 x < 1, 5 |x| >= 1, 6 x <= -1, 7 x infinite */
        {"sqrt", FN_SQRT, 1}, {"exp", FN_EXP, 0}, {"log", FN_LOG, 2}, {"log10", FN_LOG10, 2},
        {"log2", FN_LOG2, 2}, {"log1p", FN_LOG1P, 6}, {"expm1", FN_EXPM1, 0}, {"exp2", FN_EXP2, 0},
        {"cbrt", FN_CBRT, 0}, {"erf", FN_ERF, 0}, {"erfc", FN_ERFC, 0}, {"sin", FN_SIN, 7}, {"cos", FN_COS, 7}, {"tan", FN_TAN, 7},
        {"asin", FN_ASIN, 3}, {"acos", FN_ACOS, 3}, {"atan", FN_ATAN, 0}, {"sinh", FN_SINH, 0},
        {"cosh", FN_COSH, 0}, {"tanh", FN_TANH, 0}, {"asinh", FN_ASINH, 0}, {"acosh", FN_ACOSH, 4},
        {"atanh", FN_ATANH, 5}, {"atan2", FN_ATAN2, 0}, {"hypot", FN_HYPOT, 0},
        {"copysign", FN_COPYSIGN, 0}, {"fmod", FN_FMOD, 0}, {"pow", FN_POW, 0},
    };
    for (size_t i = 0; i < sizeof fns / sizeof *fns; i++) {
        if (strcmp(fns[i].n, n) != 0)
            continue;
        ir_expr *bad = NULL, *p = x[0];
        switch (fns[i].dom) {
        case 1: bad = CMP(OP_CLT, p, zero); break;
        case 2: bad = CMP(OP_CLE, p, zero); break;
        case 3: bad = CMP(OP_CGT, ABSF(p), one); break;
        case 4: bad = CMP(OP_CLT, p, one); break;
        case 5: bad = CMP(OP_CGE, ABSF(p), one); break;
        case 6: bad = CMP(OP_CLE, p, ir_const_f(l, T_F64, -1.0)); break;
        case 7: bad = CMP(OP_CEQ, ABSF(p), inf); break;
        }
        if (fns[i].fn == FN_FMOD) /* fmod(x, 0) and fmod(inf, y) */
            bad = ir_bin(l, OP_LOR, T_BOOL, CMP(OP_CEQ, x[1], zero), CMP(OP_CEQ, ABSF(x[0]), inf), 0);
        if (logb) /* log(x, base) = log(x) / log(base) */
            bad = ir_bin(l, OP_LOR, T_BOOL, bad, CMP(OP_CLE, x[1], zero), 0);
        if (bad)
            lw_emit_raise(c, l, bad, domain);
        ir_expr **args = NEWN(ir_expr *, 2);
        args[0] = x[0];
        args[1] = want == 2 ? x[1] : NULL;
        ir_expr *r = ir_call(l, fns[i].fn, T_F64, logb ? 1 : want, args);
        if (logb)
            r = ir_bin(l, OP_TRUEDIV, T_F64, r, lw_call1(l, FN_LOG, T_F64, x[1]), 1);
        if (fns[i].fn == FN_POW) /* a negative base to a non-integer power, 0 to a negative one */
            lw_emit_raise(c, l, ir_bin(l, OP_LOR, T_BOOL,
                                    ir_bin(l, OP_LAND, T_BOOL, CMP(OP_CLT, x[0], zero),
                                           CMP(OP_CNE, lw_call1(l, FN_FLOOR, T_F64, x[1]), x[1]), 0),
                                    ir_bin(l, OP_LAND, T_BOOL, CMP(OP_CEQ, x[0], zero),
                                           CMP(OP_CLT, x[1], zero), 0), 0),
                       domain);
        if (fns[i].fn == FN_EXP || fns[i].fn == FN_EXPM1 || fns[i].fn == FN_EXP2 ||
            fns[i].fn == FN_SINH || fns[i].fn == FN_COSH || fns[i].fn == FN_POW || fns[i].fn == FN_HYPOT) {
            ir_expr *fin = CMP(OP_CLT, ABSF(x[0]), inf);
            if (want == 2)
                fin = ir_bin(l, OP_LAND, T_BOOL, fin, CMP(OP_CLT, ABSF(x[1]), inf), 0);
            lw_emit_raise(c, l, ir_bin(l, OP_LAND, T_BOOL, fin, CMP(OP_CEQ, ABSF(r), inf), 0), range);
        }
        return lw_scalar(l, r, 1);
    }
#undef CMP
#undef ABSF
    diag_error(l, "%s() is not supported", f);
    return &lw_ERRV;
}
