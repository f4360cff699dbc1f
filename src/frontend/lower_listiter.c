/* lower_listiter.c: reading run-time sequences item by item: all()/any() of a generator over a
 * range known only at run time or over run-time lists (a loop that stops early, as Python's),
 * print() of a list built at run time (Python's [a, b, c] form), and for loops over 1-D arrays,
 * run-time lists, and
 * zip()/enumerate() mixing them with range() and lists known when compiling.
 * Requires: the lists' V_LIST values (lower_lists.c: lw_list_binding; lower_append.c:
 * lw_list_appends).
 * Establishes: each loop is a range() loop over the positions, its target bound to the items
 * read at each iteration; a loop that appends to the list it walks is reported. */

#include "lower_internal.h"

#include <string.h>

/* ---- all() / any() of a generator over a sequence known only at run time ---------------------
 * all(E[i + 1] <= E[i] for i in range(len(E) - 1)) with E a run-time list, or over the list's
 * items (all(a >= b for a, b in zip(F, F[1:])), any(x < 0 for x in F)): lowered as Python runs
 * it, a loop that stops at the first false (true) item:
 *     all.L.C = True; for all.L.C.i in ...: [if conds:] if not item: all.L.C = False; break
 * The generator's variables are renamed apart (they are local to the generator in Python 3). */

/* Does the iterable it read a list built at run time: the list, a slice of it, zip() or
 * enumerate() or reversed() of such? (A for loop walks those: lower_listiter.c below.) */
static int runtime_list_iterable(lctx *c, ast *it)
{
    if (it->kind == A_SUBSCRIPT)
        it = it->a;
    if (it->kind == A_NAME) {
        binding *b = lw_list_binding(c, it);
        return b && b->val->kind == V_LIST;
    }
    if (it->kind != A_CALL || it->a->kind != A_NAME || it->kwargs.len > 1)
        return 0;
    const char *f = it->a->name;
    if (strcmp(f, "zip") != 0 && strcmp(f, "enumerate") != 0 && strcmp(f, "reversed") != 0)
        return 0;
    int unbound;
    if (lw_lookup(c, f, &unbound))
        return 0;
    for (int i = 0; i < it->args.len; i++)
        if (runtime_list_iterable(c, VEC_AT(it->args, i, ast *)))
            return 1;
    return 0;
}

value *lw_list_allany_loop(lctx *c, ast *call, int all)
{
    ast *g = VEC_AT(call->args, 0, ast *);
    ast *fc = VEC_AT(g->args, 0, ast *);
    if (g->ival && lw_has_call(g->a)) /* a list's elements are all computed: no early stop */
        return NULL;
    if (fc->kind != A_FOR)
        return NULL;
    int unbound;
    int over_range = fc->b->kind == A_NAME && fc->a->kind == A_CALL && fc->a->a->kind == A_NAME &&
                     strcmp(fc->a->a->name, "range") == 0 && !lw_lookup(c, "range", &unbound);
    if (!over_range && !runtime_list_iterable(c, fc->a))
        return NULL;
    vec from = {0}, to = {0};
    if (!lw_plain_target_names(fc->b, &from))
        return NULL;
    for (int i = 1; i < g->args.len; i++)
        if (VEC_AT(g->args, i, ast *)->kind != A_IF)
            return NULL;
    if (over_range) { /* a range of constants is unrolled by the comprehension (lower_calls.c) */
        lw_probe p;
        lw_probe_begin(c, &p);
        value *items = lw_iter_items(c, fc->a);
        lw_probe_end(c, &p);
        if (items)
            return NULL;
    }
    loc l = call->l;
    const char *acc = arena_printf(&util_arena, "%s.%d.%d", all ? "all" : "any", l.line, l.col);
    for (int i = 0; i < from.len; i++)
        vec_push(&to, (void *)arena_printf(&util_arena, "%s.%s", acc, VEC_AT(from, i, const char *)));
    ast *item = ast_clone_expr_renamed(g->a, &from, &to);
    if (all)
        item = ast_unop(item->l, OP_NOT, item);
    vec leave = {0};
    vec_push(&leave, ast_assign(l, ast_vec1(ast_name(l, acc)), ast_bool(l, !all)));
    vec_push(&leave, ast_new(A_BREAK, l));
    vec body = ast_vec1(ast_if(l, item, leave, (vec){0}));
    for (int i = g->args.len - 1; i >= 1; i--) {
        ast *cond = VEC_AT(g->args, i, ast *);
        body = ast_vec1(ast_if(cond->l, ast_clone_expr_renamed(cond->a, &from, &to), body, (vec){0}));
    }
    lw_stmt(c, ast_assign(l, ast_vec1(ast_name(l, acc)), ast_bool(l, all)));
    lw_stmt(c, ast_for(l, ast_clone_expr_renamed(fc->b, &from, &to), fc->a, body, (vec){0}));
    ast rn = {.kind = A_NAME, .l = l, .name = acc};
    value *r = lw_read_name(c, &rn);
    if (r->kind == V_SCALAR)
        r->weak = 1;
    return r;
}

/* ---- L.index(x) and L.count(x) of a run-time list of numbers --------------------------------
 * population.index(max(population)): Python's loop over the items, written out over hidden names
 * (x evaluated once, before the loop, as Python evaluates the argument):
 *     index.L.C.x = x; index.L.C.r = -1
 *     for index.L.C.i in range(len(L)):
 *         if L[index.L.C.i] == index.L.C.x: index.L.C.r = index.L.C.i; break
 *     if index.L.C.r < 0: raise ValueError(f"{index.L.C.x} is not in list")
 * count: index.L.C.r = 0, incremented at each equal item. Items compare by ==, as Python's
 * (which tries identity first: a NaN item is found only by identity, here never). NULL when the
 * call is not one of these (start/stop arguments, a list of rows). */
value *lw_list_index_count(lctx *c, ast *call, value *lst)
{
    ast *f = call->a;
    int idx = strcmp(f->name, "index") == 0;
    if ((!idx && strcmp(f->name, "count") != 0) || call->args.len != 1 || call->kwargs.len ||
        lst->kind != V_LIST || lst->rank != 0 || lst->lrow)
        return NULL;
    loc l = call->l;
    const char *base = arena_printf(&util_arena, "%s.%d.%d", f->name, l.line, l.col);
#define H(s) ast_name(l, arena_printf(&util_arena, "%s.%s", base, s))
    lw_stmt(c, ast_assign(l, ast_vec1(H("x")), VEC_AT(call->args, 0, ast *)));
    lw_stmt(c, ast_assign(l, ast_vec1(H("r")), ast_int(l, idx ? -1 : 0)));
    ast *len = ast_call(l, ast_name(l, "len"), ast_arglist(NULL, f->a));
    ast *item = ast_subscript(l, f->a, ast_vec1(H("i")), 0);
    vec take = {0};
    if (idx) {
        vec_push(&take, ast_assign(l, ast_vec1(H("r")), H("i")));
        vec_push(&take, ast_new(A_BREAK, l));
    } else {
        vec_push(&take, ast_augassign(l, '+', H("r"), ast_int(l, 1)));
    }
    vec body = ast_vec1(ast_if(l, ast_compare(l, item, OP_EQ, H("x")), take, (vec){0}));
    lw_stmt(c, ast_for(l, H("i"), ast_call(l, ast_name(l, "range"), ast_arglist(NULL, len)), body, (vec){0}));
    if (idx) {
        vec parts = {0};
        vec_push(&parts, ast_formatted(l, H("x"), 0, NULL));
        vec_push(&parts, ast_str(l, " is not in list"));
        ast *exc = ast_raise(l, ast_call(l, ast_name(l, "ValueError"), ast_arglist(NULL, ast_fstring(l, parts))));
        lw_stmt(c, ast_if(l, ast_compare(l, H("r"), OP_LT, ast_int(l, 0)), ast_vec1(exc), (vec){0}));
    }
    return lw_expr(c, H("r"));
#undef H
}

/* ---- L.extend(X), L.reverse(), L.insert(i, x), L.remove(x) ----------------------------------
 * Written out, over hidden names, as the appends and item stores the compiler has: extend as
 * `for v in X: L.append(v)` (any list; X evaluated once; X being L itself is the loop over a list
 * that appends to it, refused there); on a run-time list of numbers, reverse as swaps of L[i]
 * and L[n - 1 - i], insert as Python's clipped position, an append and a shift up, remove as the
 * first equal item's position (Python's ValueError when none), a shift down and a pop(). NULL
 * when the call is not one of these forms. */

value *lw_list_mutate(lctx *c, ast *call, value *lst)
{
    ast *f = call->a, *L = f->a;
    loc l = call->l;
    const char *m = f->name;
    int rt_nums = lst->kind == V_LIST && lst->rank == 0 && !lst->lrow;
    /* insert into a list of arrays built at run time, or into a list a run-time loop's probe
     * finds it inserts into (the append below makes it a run-time list) */
    int rt_arrays = lst->kind == V_LIST && lst->rank > 0 && !lst->lrow;
    int probed = lst->kind == V_TUPLE && lst->is_list && c->loops > 0 && lw_lists_recording();
    int nargs = !strcmp(m, "extend") || !strcmp(m, "remove") ? 1 : !strcmp(m, "insert") ? 2
                : !strcmp(m, "reverse") ? 0 : -1;
    int ins = !strcmp(m, "insert") && (rt_arrays || probed);
    if (nargs < 0 || call->args.len != nargs || call->kwargs.len || (strcmp(m, "extend") && !rt_nums && !ins) ||
        L->kind != A_NAME)
        return NULL;
    const char *base = arena_printf(&util_arena, "%s.%d.%d", m, l.line, l.col);
#define H(s) ast_name(l, arena_printf(&util_arena, "%s.%s", base, s))
#define ARG(i) VEC_AT(call->args, i, ast *)
#define AT(e) ast_subscript(l, L, ast_vec1(e), 0)
#define ADD(a, k) ast_binop(l, '+', a, ast_int(l, k))
#define SET(t, e) ast_assign(l, ast_vec1(t), e)
#define RANGE(a, b, st) ast_call(l, ast_name(l, "range"), ast_arglist(ast_arglist(ast_arglist(NULL, a), b), ast_int(l, st)))
    ast *len = ast_call(l, ast_name(l, "len"), ast_arglist(NULL, L));
    if (!strcmp(m, "extend")) {
        ast *app = ast_expr_stmt(l, ast_call(l, ast_attr(l, L, "append"), ast_arglist(NULL, H("v"))));
        lw_stmt(c, ast_for(l, H("v"), ARG(0), ast_vec1(app), (vec){0}));
    } else if (!strcmp(m, "reverse")) {
        vec body = {0};
        vec_push(&body, SET(H("j"), ast_binop(l, '-', ADD(len, -1), H("i"))));
        vec_push(&body, SET(H("t"), AT(H("i"))));
        vec_push(&body, SET(AT(H("i")), AT(H("j"))));
        vec_push(&body, SET(AT(H("j")), H("t")));
        ast *half = ast_binop(l, OP_FLOORDIV, len, ast_int(l, 2));
        lw_stmt(c, ast_for(l, H("i"), ast_call(l, ast_name(l, "range"), ast_arglist(NULL, half)), body, (vec){0}));
    } else if (!strcmp(m, "insert") && (rt_arrays || (probed && !lw_probe_scalar(c, ARG(1))))) {
        /* the array appended (append's checks: a new array, or one nothing changes in place
         * later), then rows i..n turned up by one, the last one (the new item) copied first */
        lw_stmt(c, SET(H("i"), ARG(0)));
        lw_stmt(c, ast_expr_stmt(l, ast_call(l, ast_attr(l, L, "append"), ast_arglist(NULL, ARG(1)))));
        lw_stmt(c, SET(H("n"), ADD(len, -1)));
        lw_stmt(c, ast_if(l, ast_compare(l, H("i"), OP_LT, ast_int(l, 0)),
                          ast_vec1(ast_augassign(l, '+', H("i"), H("n"))), (vec){0}));
        ast *lo = ast_call(l, ast_name(l, "max"), ast_arglist(ast_arglist(NULL, H("i")), ast_int(l, 0)));
        lw_stmt(c, SET(H("i"), ast_call(l, ast_name(l, "min"), ast_arglist(ast_arglist(NULL, lo), H("n")))));
        lw_stmt(c, SET(H("x"), ast_call(l, ast_attr(l, AT(H("n")), "copy"), NULL)));
        lw_stmt(c, ast_for(l, H("j"), RANGE(H("n"), H("i"), -1), ast_vec1(SET(AT(H("j")), AT(ADD(H("j"), -1)))), (vec){0}));
        lw_stmt(c, SET(AT(H("i")), H("x")));
    } else if (!strcmp(m, "insert")) {
        lw_stmt(c, SET(H("i"), ARG(0)));
        lw_stmt(c, SET(H("x"), ARG(1)));
        lw_stmt(c, SET(H("n"), len));
        lw_stmt(c, ast_if(l, ast_compare(l, H("i"), OP_LT, ast_int(l, 0)),
                          ast_vec1(ast_augassign(l, '+', H("i"), H("n"))), (vec){0}));
        ast *lo = ast_call(l, ast_name(l, "max"), ast_arglist(ast_arglist(NULL, H("i")), ast_int(l, 0)));
        lw_stmt(c, SET(H("i"), ast_call(l, ast_name(l, "min"), ast_arglist(ast_arglist(NULL, lo), H("n")))));
        lw_stmt(c, ast_expr_stmt(l, ast_call(l, ast_attr(l, L, "append"), ast_arglist(NULL, H("x")))));
        lw_stmt(c, ast_for(l, H("j"), RANGE(H("n"), H("i"), -1), ast_vec1(SET(AT(H("j")), AT(ADD(H("j"), -1)))), (vec){0}));
        lw_stmt(c, SET(AT(H("i")), H("x")));
    } else { /* remove */
        lw_stmt(c, SET(H("x"), ARG(0)));
        lw_stmt(c, SET(H("k"), ast_int(l, -1)));
        vec take = ast_vec1(SET(H("k"), H("j")));
        vec_push(&take, ast_new(A_BREAK, l));
        lw_stmt(c, ast_for(l, H("j"), ast_call(l, ast_name(l, "range"), ast_arglist(NULL, len)),
                           ast_vec1(ast_if(l, ast_compare(l, AT(H("j")), OP_EQ, H("x")), take, (vec){0})), (vec){0}));
        ast *exc = ast_raise(l, ast_call(l, ast_name(l, "ValueError"),
                                         ast_arglist(NULL, ast_str(l, "list.remove(x): x not in list"))));
        lw_stmt(c, ast_if(l, ast_compare(l, H("k"), OP_LT, ast_int(l, 0)), ast_vec1(exc), (vec){0}));
        lw_stmt(c, ast_for(l, H("j"), RANGE(H("k"), ADD(len, -1), 1), ast_vec1(SET(AT(H("j")), AT(ADD(H("j"), 1)))), (vec){0}));
        lw_stmt(c, ast_expr_stmt(l, ast_call(l, ast_attr(l, L, "pop"), NULL)));
    }
    return lw_vnew(V_NONE, l);
#undef H
#undef ARG
#undef AT
#undef ADD
#undef SET
#undef RANGE
}

/* ---- print() of a run-time list of scalars ---------------------------------------------------
 * print("t =", times) prints the list as Python does, "[0.0, 0.25]": the print is split at each
 * such list into prints with end="" and a loop over its items, ", " between them. Python floats
 * and ints print as str(); NumPy scalars as their repr, np.float64(0.25) (NumPy 2). */


static ast *print_call(loc l, vec args, ast *end)
{
    ast *call = ast_new(A_CALL, l);
    call->a = ast_name(l, "print");
    call->args = args;
    if (end)
        vec_push(&call->kwargs, ast_keyword(l, "end", end));
    return call;
}
static ast *stmt(ast *e) { return ast_expr_stmt(e->l, e); }

/* x.tolist() (a run-time list when x is 1-D with an extent known only when running) */
static int is_tolist(ast *a)
{
    return a->kind == A_CALL && a->a->kind == A_ATTR && strcmp(a->a->name, "tolist") == 0 && !a->args.len &&
           !a->kwargs.len;
}

/* L[a:b], sorted(L), list(L) with L a name bound to a run-time list (known without lowering
 * anything, so that other print()s keep their temporaries); x.tolist() */

static int rt_root(lctx *c, ast *a)
{
    if (is_tolist(a))
        return 1;
    ast *root = a->kind == A_SUBSCRIPT ? a->a : a->kind == A_CALL && a->args.len ? VEC_AT(a->args, 0, ast *) : NULL;
    binding *b = root ? lw_list_binding(c, root) : NULL;
    return b && b->val->kind == V_LIST;
}

/* print(len(top), sorted(top)): the arguments before argument i, when one of them calls
 * something and each is a number or a string, bound to hidden names first, in order, so that
 * argument i, a run-time list bound to one next, is evaluated after them as Python does. 0 when
 * one is something else (an array: the list stays refused, located). */
static int hoist_before(lctx *c, ast **callp, int i)
{
    ast *call = *callp;
    for (int j = 0; j < i; j++) {
        lw_probe p;
        lw_probe_begin(c, &p);
        value *v = lw_expr(c, VEC_AT(call->args, j, ast *));
        int ok = v->kind == V_SCALAR || v->kind == V_STR || v->kind == V_FSTR;
        lw_probe_end(c, &p);
        if (!ok)
            return 0;
    }
    ast *copy = ast_new(A_CALL, call->l);
    *copy = *call;
    copy->args = (vec){0};
    for (int j = 0; j < call->args.len; j++) {
        ast *a = VEC_AT(call->args, j, ast *);
        if (j < i) {
            ast *h = ast_name(a->l, arena_printf(&util_arena, "print.%d.%d.arg%d", a->l.line, a->l.col, j));
            lw_stmt(c, ast_assign(a->l, ast_vec1(h), a));
            a = h;
        }
        vec_push(&copy->args, a);
    }
    *callp = copy;
    return 1;
}

/* Does a contain a call that may change a list or dict: a def's (it may change a module list),
 * a method that changes a list, deque or dict? Not len(), sorted(), np.*, .sum(), ... */
static int may_change_list(ast *a, void *ctx)
{
    static const char *changes[] = {"append", "extend", "insert", "pop", "remove", "clear", "sort",
                                    "reverse", "appendleft", "popleft", "extendleft", "rotate", "update",
                                    "setdefault"};
    static const char *pure[] = {"len", "sorted", "sum", "min", "max", "abs", "round", "int", "float",
                                 "str", "bool", "repr", "list", "tuple", "set", "range", "enumerate",
                                 "zip", "any", "all", "divmod", "pow", "reversed", "format",
                                 "dict.find", "dict.get", "dict.repr", "dict.key"}; /* reads of a run-time dict (lower_rtdicts.c) */
    lctx *c = ctx;
    if (a->kind == A_CALL && a->a->kind == A_ATTR) {
        for (size_t i = 0; i < sizeof changes / sizeof *changes; i++)
            if (strcmp(a->a->name, changes[i]) == 0)
                return 1;
    } else if (a->kind == A_CALL && a->a->kind == A_NAME) { /* a def's call may change a module list */
        int unbound, known = 0;
        for (size_t i = 0; i < sizeof pure / sizeof *pure; i++)
            known |= strcmp(a->a->name, pure[i]) == 0;
        if (!known || lw_lookup(c, a->a->name, &unbound))
            return 1;
    }
    return ast_any_child(a, AST_OPERANDS, may_change_list, ctx);
}

/* print(L, L.pop(), L), print(M, M.append(x)), print(K, popk()): Python evaluates every
 * argument before it formats any, so a list named before a later argument's call is printed as
 * that call left it ([1.0, 4.0] 5.0 [1.0, 4.0]); printed item by item in order, the first L was
 * printed before the pop; print(d, d.update(...)) alike. When an argument after a list's or dict's
 * name calls something that may change it (a def, a method that changes a list, deque or dict;
 * not len(), sorted(), np.*), the other
 * arguments (numbers, strings, None) are bound to hidden names first, in order, and the lists
 * read after them (and arrays' names, the objects). 0: unchanged (no such call); -1 after a
 * diagnostic (another argument that is neither: an array computed inline). */
int lw_print_lists_last(lctx *c, ast **callp)
{
    ast *call = *callp;
    int first = -1, later = 0;
    for (int i = 0; i < call->args.len; i++) {
        ast *a = VEC_AT(call->args, i, ast *);
        binding *b = a->kind == A_NAME ? lw_list_binding(c, a) : NULL;
        if (b && first < 0 && (b->val->kind == V_LIST || b->val->is_list || b->val->keys))
            first = i;
        else if (first >= 0 && !b && may_change_list(a, c))
            later = 1;
    }
    if (!later)
        return 0;
    char *keep = arena_alloc(&util_arena, (size_t)call->args.len + 1);
    for (int j = 0; j < call->args.len; j++) {
        ast *a = VEC_AT(call->args, j, ast *);
        keep[j] = a->kind == A_NAME && lw_list_binding(c, a);
        if (keep[j])
            continue;
        lw_probe p;
        lw_probe_begin(c, &p);
        value *v = lw_expr(c, a);
        int ok = v->kind == V_SCALAR || v->kind == V_STR || v->kind == V_FSTR || v->kind == V_NONE;
        keep[j] = a->kind == A_NAME && v->kind == V_ARRAY; /* the object, read when printed */
        lw_probe_end(c, &p);
        if (!ok && !keep[j]) {
            diag_error(a->l, "print() of a list before an argument that calls something is supported when "
                             "the other arguments are numbers, strings or names (Python evaluates every "
                             "argument before printing any); bind this one to a name first");
            return -1;
        }
    }
    ast *copy = ast_new(A_CALL, call->l);
    *copy = *call;
    copy->args = (vec){0};
    for (int j = 0; j < call->args.len; j++) {
        ast *a = VEC_AT(call->args, j, ast *);
        if (!keep[j]) {
            ast *h = ast_name(a->l, arena_printf(&util_arena, "print.%d.%d.val%d", a->l.line, a->l.col, j));
            lw_stmt(c, ast_assign(a->l, ast_vec1(h), a));
            a = h;
        }
        vec_push(&copy->args, a);
    }
    *callp = copy;
    return 1;
}

/* e makes a str whatever its operands: an f-string, "..." % x, "...".format(...), str(x),
 * repr(x), format(x, spec) (the names not rebound). */
static int makes_str(lctx *c, ast *e)
{
    int unbound;
    if (e->kind == A_FSTRING || (e->kind == A_BINOP && e->op == '%' && e->a->kind == A_STR))
        return 1;
    if (e->kind != A_CALL)
        return 0;
    if (e->a->kind == A_ATTR && e->a->a && e->a->a->kind == A_STR && strcmp(e->a->name, "format") == 0)
        return 1;
    return e->a->kind == A_NAME &&
           (!strcmp(e->a->name, "str") || !strcmp(e->a->name, "repr") || !strcmp(e->a->name, "format")) &&
           !lw_lookup(c, e->a->name, &unbound);
}

/* print(..., [f"{x:.4f}" for x in L], ...) with L built at run time: a list of strings made
 * at run time, which Python prints as the reprs of its items between brackets. The argument
 * is rewritten "[" + ", ".join([repr(E) for x in L]) + "]", a string the print path builds at
 * run time (joins of run-time lists, lower_strmethods.c). Comprehensions over what is known
 * when compiling are left as they are (unrolled: a list of strings known then). Returns call or
 * a copy with those arguments rewritten. */
ast *lw_print_string_comps(lctx *c, ast *call)
{
    ast *copy = NULL;
    for (int i = 0; i < call->args.len; i++) {
        ast *a = VEC_AT(call->args, i, ast *);
        if (a->kind != A_COMP || a->ival != 1 || !a->args.len || !makes_str(c, a->a))
            continue;
        ast *first = VEC_AT(a->args, 0, ast *);
        if (first->kind != A_FOR || lw_comp_iter_known(c, first->a))
            continue;
        loc l = a->l;
        ast *comp = ast_new(A_COMP, l);
        *comp = *a;
        comp->a = ast_call(l, ast_name(l, "repr"), ast_arglist(NULL, a->a));
        ast *join = ast_call(l, ast_attr(l, ast_str(l, ", "), "join"), ast_arglist(NULL, comp));
        ast *r = ast_binop(l, '+', ast_binop(l, '+', ast_str(l, "["), join), ast_str(l, "]"));
        if (!copy) {
            copy = ast_new(A_CALL, call->l);
            *copy = *call;
            copy->args = (vec){0};
            for (int j = 0; j < call->args.len; j++)
                vec_push(&copy->args, VEC_AT(call->args, j, ast *));
        }
        copy->args.items[i] = r;
    }
    return copy ? copy : call;
}

value *lw_list_print(lctx *c, ast *call)
{
    ast *end = NULL;
    for (int i = 0; i < call->kwargs.len; i++) {
        ast *k = VEC_AT(call->kwargs, i, ast *);
        if (!k->name || strcmp(k->name, "end") != 0)
            return NULL; /* sep=, file=, flush=: printed by the general path, which rejects lists */
        end = k->a;
    }
    int any = 0, calls = 0;
    for (int i = 0; i < call->args.len; i++) {
        ast *a = VEC_AT(call->args, i, ast *);
        int maybe = (a->kind == A_SUBSCRIPT && a->args.len == 1 && VEC_AT(a->args, 0, ast *)->kind == A_SLICE) ||
                    (a->kind == A_COMP && a->ival == 1) ||
                    (a->kind == A_SUBSCRIPT && a->args.len == 1 && VEC_AT(a->args, 0, ast *)->kind == A_STR) ||
                    (a->kind == A_CALL && a->a->kind == A_NAME && (!strcmp(a->a->name, "list") || !strcmp(a->a->name, "sorted"))) ||
                    is_tolist(a);
        if (maybe && calls && rt_root(c, a) && hoist_before(c, &call, i))
            calls = 0;
        if (maybe && !calls) {
            /* print(parent[:8]), print([2 * x for x in L]), print(d["k"]), print(u.tolist()): a list built at run time written
             * inline, bound to a hidden name first (no argument before it calls anything, or
             * those before it bound first, hoist_before) */
            lw_probe p;
            lw_probe_begin(c, &p);
            value *v = lw_expr(c, a);
            int rt = v->kind == V_LIST;
            lw_probe_end(c, &p);
            if (rt) {
                ast *h = ast_name(a->l, arena_printf(&util_arena, "print.%d.%d.arg%d", a->l.line, a->l.col, i));
                lw_stmt(c, ast_assign(a->l, ast_vec1(h), a));
                ast *copy = ast_new(A_CALL, call->l);
                *copy = *call;
                copy->args = (vec){0};
                for (int j = 0; j < call->args.len; j++)
                    vec_push(&copy->args, j == i ? h : VEC_AT(call->args, j, ast *));
                call = copy;
            }
        }
        calls |= lw_has_call(a);
        binding *b = lw_list_binding(c, VEC_AT(call->args, i, ast *));
        any |= b && b->val->kind == V_LIST;
    }
    if (!any)
        return NULL;
    loc l = call->l;
    vec pending = {0}, out = {0};
    for (int i = 0; i < call->args.len; i++) {
        ast *a = VEC_AT(call->args, i, ast *);
        binding *b = lw_list_binding(c, a);
        if (!b || b->val->kind != V_LIST) {
            vec_push(&pending, a);
            continue;
        }
        value *lst = b->val;
        int np_scalar = 0;
        /* bools: a comparison's result is marked a Python bool whatever its operands (repr()
         * of a bool computed at run time is refused for that, lower_format.c): a list of
         * u[i] > 0.5 printed [True, False] where NumPy prints [np.True_, np.False_] */
        if ((lst->rank != 0 && !lst->lrow) || lst->type == T_BOOL) {
            diag_error(a->l, "print() of a list built at run time is supported for lists of numbers "
                             "and of rows of numbers (this one holds %s)", lst->rank ? "arrays"
                             : "bools, which print as np.True_ or True depending on how they were computed");
            return &lw_ERRV;
        }
        if (lw_list_mixed_weak(lst)) {
            diag_error(a->l, "print() of list '%s' is not supported: it holds Python numbers and "
                             "NumPy scalars, which print differently", lst->str);
            return &lw_ERRV;
        }
        np_scalar = !lst->lrow && !lst->weak; /* a row prints its numbers each as appended */
        if (pending.len) {
            vec_push(&out, stmt(print_call(l, pending, ast_str(l, " "))));
            pending = (vec){0};
        }
        const char *k = arena_printf(&util_arena, "print.%d.%d.%d", l.line, l.col, i);
        vec_push(&out, stmt(print_call(l, ast_vec1(ast_str(l, "[")), ast_str(l, ""))));
        ast *x = ast_subscript(l, a, ast_vec1(ast_name(l, k)), 0);
        if (np_scalar) /* NumPy 2's repr of its scalars; '{!s}': format(np.float32(x), '') formats float(x) */
            x = ast_call(l, ast_attr(l, ast_str(l, arena_printf(&util_arena, "np.%s({!s})", ir_type_name(lst->type))),
                                     "format"),
                         ast_arglist(NULL, x));
        vec item = ast_vec1(x);
        vec body = {0};
        vec_push(&body, ast_if(l, ast_compare(l, ast_name(l, k), OP_GT, ast_int(l, 0)),
                               ast_vec1(stmt(print_call(l, ast_vec1(ast_str(l, ", ")), ast_str(l, "")))),
                               (vec){0}));
        vec_push(&body, stmt(print_call(l, item, ast_str(l, ""))));
        ast *lenc = ast_call(l, ast_name(l, "len"), ast_arglist(NULL, a));
        vec_push(&out, ast_for(l, ast_name(l, k), ast_call(l, ast_name(l, "range"), ast_arglist(NULL, lenc)),
                               body, (vec){0}));
        int last = i == call->args.len - 1;
        vec_push(&out, stmt(print_call(l, ast_vec1(ast_str(l, "]")), last ? end : ast_str(l, " "))));
    }
    if (pending.len)
        vec_push(&out, stmt(print_call(l, pending, end)));
    for (int i = 0; i < out.len; i++)
        lw_stmt(c, VEC_AT(out, i, ast *));
    return lw_vnew(V_NONE, l);
}

/* ---- for over 1-D arrays ---------------------------------------------------------------------
 * for i in idxs: / for i, cx, cy in zip(idxs, cxs, cys): with arrays bound to names: a range()
 * loop over the positions, its target bound to the elements read at run time:
 *     for for.L.C in range(min(len(idxs), len(cxs), ...)): i, cx, cy = idxs[k], cxs[k], cys[k]
 * (a name's array is read at each iteration, as Python's iterator reads the array it holds).
 * zip() and enumerate() may mix such arrays with sequences Python's iterators would give item
 * by item as well: lists built at run time (the body must not append to them), lists and
 * tuples of numbers known when compiling, and range() of ints known only when running (its
 * arguments evaluated once, before the loop, as Python does): zip(range(NL), cxs, cys) of
 * lattice Boltzmann codes, zip(times, snapshots). At least one array or run-time list, else
 * the loop is unrolled when compiling (lw_for_unrolled) as before. */
static int array_name(lctx *c, ast *a)
{
    int unbound;
    binding *b = a->kind == A_NAME ? lw_lookup(c, a->name, &unbound) : NULL;
    if (!b)
        return 0;
    value *v = lw_bound_array(b);
    return v && (b->kind == B_ARRAY || b->val->kind == V_ARRAY);
}

/* What one argument of zip()/enumerate() is, for lw_for_arrays. */
enum { SEQ_NONE, SEQ_ARRAY, SEQ_RTLIST, SEQ_NUMBERS, SEQ_RANGE };
static int seq_kind(lctx *c, ast *a)
{
    int unbound;
    if (array_name(c, a))
        return SEQ_ARRAY;
    if (a->kind == A_CALL && a->a->kind == A_NAME && strcmp(a->a->name, "range") == 0 && !a->kwargs.len &&
        a->args.len >= 1 && a->args.len <= 3 && !lw_lookup(c, "range", &unbound))
        return SEQ_RANGE;
    binding *b = a->kind == A_NAME ? lw_list_binding(c, a) : NULL;
    if (b && b->val->kind == V_LIST)
        return SEQ_RTLIST;
    if (b && b->val->kind == V_TUPLE && !b->val->keys) {
        for (int i = 0; i < b->val->n; i++)
            if (b->val->items[i]->kind != V_SCALAR)
                return SEQ_NONE;
        return SEQ_NUMBERS;
    }
    return SEQ_NONE;
}

/* range(a, b, k) of zip(): its arguments bound to hidden names before the loop; *len its
 * length max(0, (b - a + k - sgn(k)) // k), *item(K) a + K * k. 0 after a diagnostic. */
static int zip_range(lctx *c, ast *r, const char *pre, ast **len, ast **first, ast **step)
{
    loc l = r->l;
    ast *v[3] = {0};
    for (int i = 0; i < r->args.len; i++) {
        ast *x = VEC_AT(r->args, i, ast *);
        const char *nm = arena_printf(&util_arena, "%s.r%d", pre, i);
        lw_stmt(c, ast_assign(x->l, ast_vec1(ast_name(x->l, nm)), x));
        ast rn = {.kind = A_NAME, .l = x->l, .name = nm};
        value *xv = lw_read_name(c, &rn);
        if (xv->kind == V_ERR)
            return 0;
        if (xv->kind != V_SCALAR || ir_type_is_float(xv->type)) {
            diag_error(x->l, "'%s' object cannot be interpreted as an integer",
                       xv->kind == V_SCALAR ? "float" : lw_vkind_desc(xv));
            return 0;
        }
        v[i] = ast_name(x->l, nm);
    }
    if (r->args.len == 1) {
        *len = ast_call(l, ast_name(l, "max"), ast_arglist(ast_arglist(NULL, ast_int(l, 0)), v[0]));
        *first = ast_int(l, 0);
        *step = ast_int(l, 1);
        return 1;
    }
    ast *a = v[0], *b = v[1], *k = r->args.len == 3 ? v[2] : ast_int(l, 1);
    if (r->args.len == 3) {
        ast *exc = ast_call(l, ast_name(l, "ValueError"),
                            ast_arglist(NULL, ast_str(l, "range() arg 3 must not be zero")));
        lw_stmt(c, ast_if(l, ast_compare(l, k, OP_EQ, ast_int(l, 0)), ast_vec1(ast_raise(l, exc)), (vec){0}));
    }
    ast *sgn = ast_ifexp(l, ast_int(l, 1), ast_compare(l, k, OP_GT, ast_int(l, 0)), ast_int(l, -1));
    ast *n = ast_binop(l, OP_FLOORDIV, ast_binop(l, '-', ast_binop(l, '+', ast_binop(l, '-', b, a), k), sgn), k);
    *len = ast_call(l, ast_name(l, "max"), ast_arglist(ast_arglist(NULL, ast_int(l, 0)), n));
    *first = a;
    *step = k;
    return 1;
}

int lw_for_arrays(lctx *c, ast *s)
{
    ast *it = s->a;
    vec arrs = {0};
    int unbound, zip = 0, enumerate = 0, kinds[64];
    if (array_name(c, it)) {
        vec_push(&arrs, it);
        kinds[0] = SEQ_ARRAY;
    } else if (it->kind == A_CALL && it->a->kind == A_NAME && !it->kwargs.len &&
               ((zip = strcmp(it->a->name, "zip") == 0) || (enumerate = strcmp(it->a->name, "enumerate") == 0)) &&
               !lw_lookup(c, it->a->name, &unbound) && it->args.len >= 1 && it->args.len <= 64 &&
               (zip || it->args.len == 1)) {
        int runtime = 0;
        for (int i = 0; i < it->args.len; i++) {
            kinds[i] = seq_kind(c, VEC_AT(it->args, i, ast *));
            if (kinds[i] == SEQ_NONE)
                return 0;
            runtime |= kinds[i] == SEQ_ARRAY || kinds[i] == SEQ_RTLIST;
            vec_push(&arrs, it->args.items[i]);
        }
        if (!runtime) /* known when compiling: unrolled */
            return 0;
    } else
        return 0;
    loc l = s->l;
    const char *k = arena_printf(&util_arena, "for.%d.%d", l.line, l.col);
    vec names = {0}, bound = {0};
    for (int i = 0; i < s->body.len; i++)
        lw_list_appends(VEC_AT(s->body, i, ast *), &names);
    lw_bound_names(&s->body, &bound);
    ast *n = NULL;
    vec items = {0};
    if (enumerate)
        vec_push(&items, ast_name(l, k));
    for (int i = 0; i < arrs.len; i++) {
        ast *a = VEC_AT(arrs, i, ast *), *len, *item;
        if ((kinds[i] == SEQ_RTLIST || kinds[i] == SEQ_NUMBERS) && lw_name_in(&names, a->name)) {
            diag_error(a->l, "a loop over the list '%s' that appends to it is not supported (it would "
                             "run over the items appended too)", a->name);
            return 1;
        }
        if (kinds[i] == SEQ_ARRAY && lw_name_in(&bound, a->name)) {
            /* the body rebinds the name: Python's iterator keeps the array it started with */
            ast *h = ast_name(a->l, arena_printf(&util_arena, "%s.seq%d", k, i));
            lw_stmt(c, ast_assign(a->l, ast_vec1(h), a));
            a = h;
        } else if ((kinds[i] == SEQ_RTLIST || kinds[i] == SEQ_NUMBERS) && lw_name_in(&bound, a->name)) {
            diag_error(a->l, "a loop over the list '%s' that rebinds it is not supported", a->name);
            return 1;
        }
        if (kinds[i] == SEQ_RANGE) {
            ast *first, *step;
            if (!zip_range(c, a, arena_printf(&util_arena, "%s.%d", k, i), &len, &first, &step))
                return 1;
            item = ast_binop(l, '+', first, ast_binop(l, '*', ast_name(l, k), step));
        } else {
            len = ast_call(l, ast_name(l, "len"), ast_arglist(NULL, a));
            item = ast_subscript(l, a, ast_vec1(ast_name(l, k)), 0);
        }
        n = n ? ast_call(l, ast_name(l, "min"), ast_arglist(ast_arglist(NULL, n), len)) : len;
        vec_push(&items, item);
    }
    ast *item = items.len == 1 && !zip ? VEC_AT(items, 0, ast *) : ast_seq(l, items, 1);
    vec body = ast_vec1(ast_assign(l, ast_vec1(s->b), item));
    for (int i = 0; i < s->body.len; i++)
        vec_push(&body, s->body.items[i]);
    ast *loop = ast_for(l, ast_name(l, k), ast_call(l, ast_name(l, "range"), ast_arglist(NULL, n)), body,
                        (vec){0});
    lw_lower_for(c, loop);
    return 1;
}

/* for x in L, L a list built at run time that the body does not append to: for k in
 * range(len(L)): x = L[k]; body (k a hidden name). 0 when it is not such a loop. */
int lw_for_runtime_list(lctx *c, ast *s)
{
    ast *it = s->a;
    binding *b = it->kind == A_NAME ? lw_list_binding(c, it) : NULL;
    if (!b || b->val->kind != V_LIST)
        return 0;
    vec names = {0};
    for (int i = 0; i < s->body.len; i++)
        lw_list_appends(VEC_AT(s->body, i, ast *), &names);
    if (lw_name_in(&names, it->name)) {
        diag_error(it->l, "a loop over the list '%s' that appends to it is not supported (it would "
                          "run over the items appended too)", it->name);
        return 1;
    }
    lw_for_by_index(c, s, it, it->l);
    return 1;
}
