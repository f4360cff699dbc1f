/* lower_append.c: list.append, insert and pop, and the calls of list methods (lw_list_call).
 *
 * Outside run-time loops a list is a tuple value of compile-time length (V_TUPLE), and
 * `x.append(v)` binds x to a longer one, the new item held by a hidden name "x.K" like the items
 * of a list literal (so an appended array is a reference, as in Python).
 *
 * A list appended to inside a loop the compiler does not unroll (history = []; for n in
 * range(nt): ... history.append(float(u.max()))) has a length known only at run time. Before
 * such a loop is lowered, a probe of its body finds the type and shape of what it appends
 * (lw_lists_before_loop), and the name becomes a V_LIST (lower_lists.c). Every append inside the
 * loop binds the same V_LIST, so the loop's type inference sees one value. An array appended at
 * run time must be a new array (u.copy(), an expression), since the list holds a copy.
 *
 * Requires: the names a loop appends to found before its body is lowered (lw_list_appends).
 * Establishes: an append, insert or pop changes the list as Python's does, or is refused,
 * located. */

#include "lower_internal.h"

#include <string.h>

/* The items appended during a loop's probe (lw_lists_before_loop): name, the first item. */
static vec *recording;

/* Whether some function appends to a name it does not bind (a list of the module): -1 not
 * known yet. Then every loop is probed for the lists it appends to through calls. */
static int global_appends = -1;

/* Is a loop's probe recording the lists it appends to? */
int lw_lists_recording(void) { return recording != NULL; }

/* Each module starts with none (the arena is freed between programs: the fuzzer). */
void lw_append_reset(void)
{
    recording = NULL;
    global_appends = -1;
}

/* NAME.append(...) calls in stmts (nested defs apart) on names not in bound (a def's
 * parameters and assigned names): names of the module, appended to from a function. */
static int appends_unbound(vec *stmts, vec *bound);
static int any_def_appends_global(vec *stmts)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind == A_DEF) {
            vec bound = {0};
            for (int k = 0; k < s->params.len; k++)
                vec_push(&bound, (void *)VEC_AT(s->params, k, ast *)->name);
            lw_assigned_names(&s->body, &bound);
            if (appends_unbound(&s->body, &bound))
                return 1;
        }
        if (any_def_appends_global(&s->body) || any_def_appends_global(&s->orelse))
            return 1;
    }
    return 0;
}

/* Does a bind of stmts (at any depth) hand a slot of the set held[0..*n) to another slot?
 * That one joins the set (*n grows, up to cap). */
static int spread(vec *stmts, ir_var **held, int *n, int cap)
{
    int grew = 0;
    for (int i = 0; i < stmts->len; i++) {
        ir_stmt *s = VEC_AT(*stmts, i, ir_stmt *);
        for (int k = 0; s->kind == S_BIND && k < s->n; k++) {
            int from = 0, to = 0;
            for (int j = 0; j < *n; j++) {
                from |= held[j] == s->srcs[k];
                to |= held[j] == s->dst[k];
            }
            if (from && !to && *n < cap) {
                held[(*n)++] = s->dst[k];
                grew = 1;
            }
        }
        grew |= spread(&s->body, held, n, cap) | spread(&s->orelse, held, n, cap);
    }
    return grew;
}

/* Is v (an array read) a view of an array slot of a function's call that the current statement
 * releases, bound to no other slot that outlives it (def step(u): out = np.empty_like(u); ...;
 * return out; not `global G; G = out`)? Nothing can see that array after the statement, so a
 * list's copy of it is the array itself. */
static int callee_temp(lctx *c, value *v)
{
    enum { CAP = 64 };
    ir_var *held[CAP] = {v->e->view->arr};
    int n = 1;
    while (spread(c->out, held, &n, CAP) && n < CAP)
        ;
    if (n == CAP)
        return 0;
    for (int j = 0; j < n; j++) {
        int pending = 0;
        for (int i = 0; i < c->pending.len; i++)
            pending |= VEC_AT(c->pending, i, ir_var *) == held[j];
        if (!pending)
            return 0;
    }
    return 1;
}

/* Can v be an item of lst? (else a diagnostic at l) */
static int item_fits(lctx *c, loc l, value *lst, value *v)
{
    if (v->kind == V_ERR)
        return 0;
    int rank = v->kind == V_ARRAY ? v->rank : 0;
    if (v->kind != V_SCALAR && v->kind != V_ARRAY) { /* its items are never lists, tuples, ... */
        diag_error(l, "appending %s to a list built at run time is not supported (its items are "
                      "numbers or arrays of one shape)", lw_vkind_desc(v));
        return 0;
    }
    if (rank != lst->rank || v->type != lst->type) {
        const char *have = lst->rank ? arena_printf(&util_arena, "%s arrays of shape %s", ir_type_name(lst->type),
                                                    lw_shape_str(lst->rank, lst->sh))
                                     : arena_printf(&util_arena, "%s scalars", ir_type_name(lst->type));
        const char *got = v->kind == V_ARRAY ? arena_printf(&util_arena, "a %s array of %d dimension%s",
                                                            ir_type_name(v->type), v->rank, v->rank == 1 ? "" : "s")
                          : v->kind == V_SCALAR ? arena_printf(&util_arena, "%s %s", v->type == T_I32 ||
                                                               v->type == T_I64 ? "an" : "a", ir_type_name(v->type))
                                                : lw_vkind_desc(v);
        diag_error(l, "%s is built at run time from %s, so every item appended to it must be "
                      "one too (this is %s)", lw_list_desc(lst), have, got);
        return 0;
    }
    for (int d = 0; d < rank; d++)
        if (lw_sym_cmp(v->sh[d], lst->sh[d]) == 0) {
            diag_error(l, "%s holds arrays of shape %s; an array of shape %s cannot be appended "
                          "to it (a list built at run time holds arrays of one shape)", lw_list_desc(lst),
                       lw_shape_str(lst->rank, lst->sh), lw_shape_str(v->rank, v->sh));
            return 0;
        }
    if (v->kind == V_SCALAR && (!v->weak != !lst->weak || v->wmix))
        lw_list_mark_mixed(lst->lbuf);
    if (v->kind == V_ARRAY && v->e->kind == E_READ && !v->fresh && !callee_temp(c, v)) {
        diag_error(l, "appending the array '%s' itself to a list built at run time is not supported: "
                      "the list would see its later changes; append a copy (%s.copy())",
                   diag_text(v->l), diag_text(v->l));
        return 0;
    }
    return 1;
}

/* A list or tuple v of numbers of one type as the row that holds it (np.array(v)), its length
 * in *lrow and whether it is a list in *is_list; v itself when it is not a sequence; NULL after
 * a diagnostic. proto: only the row's type and shape (v comes from a probe: nothing emitted). */
static value *as_row(lctx *c, loc l, value *v, int *lrow, int *is_list, int proto, const char **weak)
{
    *lrow = 0;
    *weak = NULL;
    if (v->kind != V_TUPLE || v->keys)
        return v;
    if (v->n == 0) {
        diag_error(l, "appending an empty %s to a list built at run time is not supported",
                   v->is_list ? "list" : "tuple");
        return NULL;
    }
    /* ints beside float64 numbers (a day counter beside its diagnostics): the row is float64,
     * as np.array(row) is, and the ints are kept in it exactly, below 2**53 (checked when
     * appended), read back as the ints they were ('I' Python, 'J' NumPy in lweak) */
    int ints_floats = 1, has_f64 = 0;
    for (int i = 0; i < v->n; i++) {
        value *x = v->items[i];
        if (x->kind != V_SCALAR || x->mixed || x->wmix || x->type == T_BOOL || ir_type_is_unsigned(x->type) ||
            (ir_type_is_float(x->type) && x->type != T_F64))
            ints_floats = 0;
        has_f64 |= x->kind == V_SCALAR && x->type == T_F64;
    }
    for (int i = 0; i < v->n; i++) {
        value *x = v->items[i];
        if (x->kind == V_ERR)
            return NULL;
        if (x->kind != V_SCALAR) { /* said '(item 0 is an array, item 0 an array); convert them with float()' */
            diag_error(l, "appending a %s to a list built at run time is supported when its items are "
                          "numbers of one type, or ints and float64 numbers (item %d is %s)%s",
                       v->is_list ? "list" : "tuple", i, lw_vkind_desc(x),
                       x->kind == V_ARRAY ? "; append the arrays one by one, or np.array of them" : "");
            return NULL;
        }
        if (x->mixed || (x->type != v->items[0]->type && !(ints_floats && has_f64))) {
            diag_error(l, "appending a %s to a list built at run time is supported when its items are "
                          "numbers of one type, or ints and float64 numbers (item %d is %s, item 0 %s); "
                          "convert them with float()",
                       v->is_list ? "list" : "tuple", i, lw_vkind_desc(x), lw_vkind_desc(v->items[0]));
            return NULL;
        }
    }
    int widened = ints_floats && has_f64;
    for (int i = 0; widened && i < v->n; i++)
        widened = v->items[i]->type == T_F64; /* all float64: nothing to widen */
    widened = ints_floats && has_f64 && !widened;
    *lrow = v->n;
    *is_list = v->is_list;
    char *wk = arena_alloc(&util_arena, (size_t)v->n + 1);
    for (int i = 0; i < v->n; i++) /* '?': either, depending on the path (wmix) */
        wk[i] = widened && v->items[i]->type != T_F64 ? (v->items[i]->weak ? 'I' : 'J')
                : v->items[i]->wmix ? '?' : v->items[i]->weak ? '1' : '0';
    wk[v->n] = '\0';
    *weak = wk;
    for (int i = 0; widened && !proto && i < v->n; i++)
        if (v->items[i]->type != T_F64) {
            ir_expr *x = ir_cast(l, T_I64, v->items[i]->e), *lim = lw_I64(l, (int64_t)1 << 53);
            ir_expr *big = ir_bin(l, OP_LOR, T_BOOL, ir_bin(l, OP_CGT, T_BOOL, x, lim, 0),
                                  ir_bin(l, OP_CLT, T_BOOL, x, ir_un(l, OP_NEG, T_I64, lim), 0), 0);
            lw_emit_raise(c, l, big, "an int past 2**53 beside floats in a row appended to a list built at "
                                     "run time: tylesc keeps such rows as float64, which would round it");
        }
    if (proto) {
        value *x = v->items[0], *r = lw_vnew(V_ARRAY, l);
        r->type = widened ? T_F64 : x->type == T_BOOL ? T_BOOL : x->type; /* a Python float or int is a float64 or int64 */
        r->rank = 1;
        r->sh[0] = sym_const(v->n);
        r->len[0] = lw_I64(l, v->n);
        return r;
    }
    args a = {0};
    a.pos = &v;
    a.npos = 1;
    value *row = lw_array_literal(c, l, &a, 1);
    return row->kind == V_ERR ? NULL : row;
}

/* Is an item that is a sequence of k numbers (0: not a sequence) one of lst's? A number that
 * is a Python one in some rows and a NumPy scalar in others reads back as either ('?' in lweak:
 * wmix), which np.array(out) does not mind and print(out) refuses. */
static int same_items(loc l, value *lst, int k, int is_list, const char *weak)
{
    if (k && k == lst->lrow && !is_list == !lst->is_list && strcmp(weak, lst->lweak) != 0) {
        char *w = arena_strdup(&util_arena, lst->lweak);
        for (int i = 0; i < k; i++)
            w[i] = w[i] == weak[i] ? w[i] : '?';
        lst->lweak = w;
    }
    if (k == lst->lrow && (!k || !is_list == !lst->is_list))
        return 1;
    const char *what = lst->lrow ? arena_printf(&util_arena, "%ss of %d numbers", lst->is_list ? "list" : "tuple", lst->lrow)
                                 : "numbers or arrays";
    const char *got = k ? arena_printf(&util_arena, "a %s of %d", is_list ? "list" : "tuple", k) : "not a sequence";
    diag_error(l, "%s is built at run time from %s, so every item appended to it must be one too (this is %s)",
               lw_list_desc(lst), what, got);
    return 0;
}

/* lst.append(v) at run time: grow the items array when full, store v, count it. */
static void push(lctx *c, loc l, value *lst, value *v)
{
    ir_stmt *full = ir_stmt_new(S_IF, l);
    full->e = ir_bin(l, OP_CEQ, T_BOOL, ir_varref(l, lst->lcnt), ir_varref(l, lst->lcap), 0);
    vec *saved = c->out;
    c->out = &full->body;
    lw_emit_assign(c, l, lst->lcap, lw_iadd(l, lw_imul(l, ir_varref(l, lst->lcap), lw_I64(l, 2)), lw_I64(l, 8)));
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK] = {0};
    len[0] = ir_varref(l, lst->lcap);
    for (int d = 0; d < lst->rank; d++) {
        len[d + 1] = v->len[d];
        sh[d + 1] = v->sh[d];
    }
    value *grown = lw_new_array(c, l, lst->type, lst->rank + 1, len, sh, 1, NULL);
    ir_stmt *some = ir_stmt_new(S_IF, l);
    some->e = ir_bin(l, OP_CGT, T_BOOL, ir_varref(l, lst->lcnt), lw_I64(l, 0), 0);
    c->out = &some->body;
    value *dst = lw_list_as_array(c, l, lst); /* the old items, into the same rows of the new array */
    value *to = lw_vnew(V_ARRAY, l);
    *to = *grown;
    to->fresh = NULL;
    to->e = ir_read(l, ir_view_clone(grown->e->view));
    to->e->view->dim[0].len = ir_varref(l, lst->lcnt);
    to->e->view->dim[0].slen = NULL;
    to->len[0] = to->e->view->dim[0].len;
    to->sh[0] = NULL;
    lw_emit_sweep(c, l, to, dst, 0);
    c->out = &full->body;
    lw_emit(c, some);
    lw_move_fresh(c, l, lst->lbuf, grown->fresh);
    c->out = saved;
    lw_emit(c, full);
    if (lst->rank == 0) {
        ir_stmt *s = ir_stmt_new(S_SETELEM, l);
        s->var = lst->lbuf;
        s->n = 1;
        s->args = NEWN(ir_expr *, 1);
        s->args[0] = ir_varref(l, lst->lcnt);
        s->e = ir_cast(l, lst->type, v->e);
        lw_emit(c, s);
    } else
        lw_emit_sweep(c, l, lw_fix_axis(c, l, lw_list_items_array(l, lst), 0, ir_varref(l, lst->lcnt)), v, 0);
    lw_emit_assign(c, l, lst->lcnt, lw_iadd(l, ir_varref(l, lst->lcnt), lw_I64(l, 1)));
}

/* A new empty run-time list for name with items like proto. */
static value *new_list(lctx *c, loc l, const char *name, value *proto)
{
    value *r = lw_vnew(V_LIST, l);
    r->str = name;
    r->type = proto->type;
    r->rank = proto->kind == V_ARRAY ? proto->rank : 0;
    for (int d = 0; d < r->rank; d++)
        r->sh[d] = proto->sh[d];
    r->weak = proto->kind == V_SCALAR && proto->weak;
    r->lbuf = lw_scope_var(c, arena_printf(&util_arena, "%s.items", name), r->type, r->rank + 1, 1);
    r->lcnt = lw_scope_var(c, arena_printf(&util_arena, "%s.len", name), T_I64, 0, 0);
    r->lcap = lw_scope_var(c, arena_printf(&util_arena, "%s.cap", name), T_I64, 0, 0);
    lw_emit_assign(c, l, r->lcnt, lw_I64(l, 0));
    lw_emit_assign(c, l, r->lcap, lw_I64(l, 0));
    /* an empty array until the first append, so reading an empty list is defined */
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    for (int d = 0; d <= r->rank; d++) {
        len[d] = lw_I64(l, 0);
        sh[d] = sym_const(0);
    }
    value *e = lw_new_array(c, l, r->type, r->rank + 1, len, sh, 1, NULL);
    lw_move_fresh(c, l, r->lbuf, e->fresh);
    return r;
}

/* The run-time list for name holding the items of the compile-time list t, then proto. */
static value *to_runtime(lctx *c, loc l, const char *name, value *t, value *proto)
{
    int lrow, is_list;
    const char *weak;
    if (!(proto = as_row(c, l, proto, &lrow, &is_list, 1, &weak)))
        return &lw_ERRV;
    value *lst = new_list(c, l, name, proto);
    lst->lrow = lrow;
    lst->is_list = is_list;
    lst->lweak = weak; /* its numbers read back as Python's or NumPy's, as appended */
    /* [S0] of Python ints grown by Python floats: Python keeps the ints (they print as ints); the
     * items array holds them as float64, as np.array(S) would, and lnint says which they are */
    int ints = lst->rank == 0 && !lst->lrow && lst->type == T_F64 && lst->weak && t->n > 0;
    for (int i = 0; i < t->n && ints; i++)
        ints = t->items[i]->kind == V_SCALAR && t->items[i]->type == T_I64 && t->items[i]->weak &&
               !t->items[i]->mixed && !t->items[i]->dyn;
    if (ints) {
        lst->lnint = t->n;
        for (int i = 0; i < t->n; i++) {
            value *it = t->items[i];
            ir_var *tv = lw_temp_scalar(c, T_I64);
            lw_emit_assign(c, l, tv, it->e);
            ir_expr *big = ir_bin(l, OP_CGT, T_BOOL, ir_varref(l, tv), lw_I64(l, (int64_t)1 << 53), 0);
            big = ir_bin(l, OP_LOR, T_BOOL, big, ir_bin(l, OP_CLT, T_BOOL, ir_varref(l, tv), lw_I64(l, -((int64_t)1 << 53)), 0), 0);
            lw_emit_raise(c, l, big, arena_printf(&util_arena, "the int item %d of list '%s' is beyond 2**53: tylesc keeps "
                                                              "a list of ints and floats as float64 numbers, which would not "
                                                              "hold it exactly", i, name));
            push(c, l, lst, lw_scalar(l, ir_varref(l, tv), 1));
        }
        return lst;
    }
    for (int i = 0; i < t->n; i++) {
        value *it = t->items[i];
        int k, isl;
        const char *wk;
        if (!(it = as_row(c, it->l, it, &k, &isl, 0, &wk)) || !same_items(it->l, lst, k, isl, wk))
            return &lw_ERRV;
        if (it->kind == V_ARRAY && it->e->kind == E_READ && !it->fresh)
            it = lw_copy_of(c, l, it); /* the compile-time item was held by its hidden name */
        if (!item_fits(c, it->l, lst, it))
            return &lw_ERRV;
        push(c, l, lst, it);
    }
    return lst;
}

/* Is the list lst, bound to name by b, the module's: an object's attribute (lower_class.c), a
 * module name bound from any scope, or a list of the module that a function appends to or pops
 * from (made the function's global here)? */
static int module_list(lctx *c, const char *name, value *lst, binding *b)
{
    if (lst->kind == V_TUPLE && c->sc != c->module && b == lw_find_in(c->module, name) && !lw_find_in(c->sc, name)) {
        lw_implicit_global(c, name);
        return 1;
    }
    return name[0] == '@';
}

static value *append(lctx *c, ast *call, binding *b)
{
    ast *nm = call->a->a;
    args a = lw_args(c, call);
    if (lw_any_err(&a))
        return &lw_ERRV;
    if (a.npos == 1 && lw_complex_refuse(call->l, a.pos[0], "appending a complex value to a list"))
        return &lw_ERRV;
    if (a.npos != 1 || a.nkw) {
        diag_error(call->l, "list.append() takes exactly one argument (%d given)", a.npos + a.nkw);
        return &lw_ERRV;
    }
    /* the argument's lowering may have bound the list again (a comprehension in it lowered as a
     * loop, whose probes rewind the bindings: L.append(np.sum([x for x in r])) was 'appending to
     * the list of an enclosing scope'): the binding as it is now */
    binding *now = lw_list_binding(c, nm);
    if (now)
        b = now;
    value *v = a.pos[0], *lst = b->val;
    if (v->kind == V_LIST) { /* R = [[0.0] * n for _ in range(n)]: a table of rows of run-time length */
        diag_error(call->l, "a list of lists built at run time (rows whose length is known only when running) "
                            "is supported as a table R = [[0.0] * m for _ in range(n)] bound once in a "
                            "module's or function's body and used only as R[i][j], len(R) and np.array(R); use a 2-D "
                            "array for the rest (np.zeros((n, m)), R[i, j])");
        binding *nb = lw_bind(c, nm->name); /* read as an error from now on: no second message */
        nb->kind = B_VALUE;
        nb->val = &lw_ERRV;
        return &lw_ERRV;
    }
    int attr = module_list(c, nm->name, lst, b);
    if (lst->kind == V_TUPLE && lst->owner && lst->owner != c->sc && !attr) {
        diag_error(call->l, "appending to the list '%s', made outside this function, is not supported "
                            "(the caller's list would not change); return the value and append it "
                            "where the list is made", lw_display_name(nm->name));
        return &lw_ERRV;
    }
    if (lst->kind == V_TUPLE && lw_find_in(c->sc, nm->name) != b && !attr) {
        /* the list of another scope (a function appending to a module's list): its binding
         * there would have to change from here */
        diag_error(call->l, "appending to the list '%s' of an enclosing scope is not supported here; "
                            "return the value and append it where '%s' is defined",
                   nm->name, nm->name);
        return &lw_ERRV;
    }
    /* a compile-time list grows by one item; not an attribute's appended in a method that a
     * run-time loop calls (c->loops is 0 in the method's body) */
    if (lst->kind == V_TUPLE && c->loops == 0 && !(attr && c->runloops > 0)) {
        value *r = lw_vnew(V_TUPLE, lst->l);
        *r = *lst;
        r->items = NEWN(value *, lst->n + 2);
        for (int i = 0; i < lst->n; i++)
            r->items[i] = lst->items[i];
        ast *h = ast_name(call->l, arena_printf(&util_arena, "%s.%d", nm->name, lst->n));
        lw_assign_name(c, h, v);
        r->items[r->n++] = lw_read_name(c, h);
        binding *nb = lw_bind(c, nm->name);
        nb->kind = B_VALUE;
        nb->val = r;
        return lw_vnew(V_NONE, call->l);
    }
    if (v->kind == V_ERR)
        return &lw_ERRV;
    value *raw = v;
    int k, isl;
    const char *wk;
    if (!(v = as_row(c, call->l, v, &k, &isl, 0, &wk)))
        return &lw_ERRV;
    if (lst->kind == V_TUPLE) {
        if (recording) {
            int seen = 0;
            for (int i = 0; i < recording->len; i += 2)
                seen |= strcmp(VEC_AT(*recording, i, const char *), nm->name) == 0;
            if (!seen) {
                vec_push(recording, (void *)nm->name);
                vec_push(recording, raw);
            }
        }
        lst = to_runtime(c, call->l, nm->name, lst, raw);
        if (lst->kind == V_ERR)
            return lst;
        binding *nb = lw_bind(c, nm->name);
        nb->kind = B_VALUE;
        nb->val = lst;
    }
    ast *arg = VEC_AT(call->args, 0, ast *), *root = arg;
    while (root->kind == A_SUBSCRIPT) /* hov.append(eta[2:8]), a view of the array eta holds */
        root = root->a;
    if (v->kind == V_ARRAY && v->e->kind == E_READ && !v->fresh && root->kind == A_NAME) {
        /* the array a name holds, or a view of it: NumPy's list holds that very array (view); a
         * copy of its value now is the same as long as nothing changes the array in place later
         * (lower_grow.c) */
        const char *who, *text = diag_text(arg->l);
        ast *w = lw_append_changed(c, root->name, nm->name, &who);
        if (w) {
            diag_error(call->l, "appending the array '%s' to a list built at run time is supported when "
                                "nothing changes %s in place afterwards (NumPy's list holds the array "
                                "itself, so its item would change too); append a copy (%s.copy())",
                       text, root == arg ? "it" : arena_printf(&util_arena, "'%s'", root->name), text);
            if (who)
                diag_note(w->l, "'%s'%s is changed in place here", who,
                          strcmp(who, root->name) == 0 ? "" : strcmp(who, nm->name) == 0
                          ? " (the list's items)" : " (which may hold the same array)");
            else
                diag_note(w->l, "it is given here to a function of the program, and a function of the "
                                "program changes a parameter in place");
            return &lw_ERRV;
        }
        v = lw_copy_of(c, call->l, v);
    }
    if (!same_items(call->l, lst, k, isl, wk) || !item_fits(c, call->l, lst, v))
        return &lw_ERRV;
    push(c, call->l, lst, v);
    return lw_vnew(V_NONE, call->l);
}

static value *pop(lctx *c, ast *call, binding *b);

/* L.insert(i, x) of a list known when compiling, outside run-time loops, i an int known when
 * compiling: x appended (append's rules), then moved to Python's clipped position i. NULL when
 * the call is not that form (lower_listiter.c takes run-time lists). */
static int const_int(ast *a, int64_t *k)
{
    if (a->kind == A_UNOP && a->op == '-' && a->a->kind == A_INT) {
        *k = -a->a->ival;
        return 1;
    }
    *k = a->ival;
    return a->kind == A_INT;
}

static value *insert_known(lctx *c, ast *call, binding *b)
{
    value *lst = b->val;
    int64_t i;
    if (lst->kind != V_TUPLE || !lst->is_list || lst->keys || c->loops > 0 || call->args.len != 2 ||
        call->kwargs.len || !const_int(VEC_AT(call->args, 0, ast *), &i))
        return NULL;
    ast *nm = call->a->a;
    int n = lst->n;
    ast *app = ast_new(A_CALL, call->l);
    app->a = ast_attr(call->a->l, nm, "append");
    vec_push(&app->args, VEC_AT(call->args, 1, ast *));
    value *r = append(c, app, b);
    if (r->kind == V_ERR)
        return r;
    binding *nb = lw_list_binding(c, nm);
    if (!nb || nb->val->kind != V_TUPLE || nb->val->n != n + 1) {
        diag_error(call->l, "list.insert() is not supported here (a list known when compiling, outside "
                            "loops, or a list built at run time)");
        return &lw_ERRV;
    }
    if (i < 0)
        i += n;
    i = i < 0 ? 0 : i > n ? n : i;
    value *t = lw_vnew(V_TUPLE, nb->val->l);
    *t = *nb->val;
    t->items = NEWN(value *, n + 2);
    for (int k = 0, from = 0; k <= n; k++)
        t->items[k] = k == i ? nb->val->items[n] : nb->val->items[from++];
    nb = lw_bind(c, nm->name);
    nb->kind = B_VALUE;
    nb->val = t;
    return r;
}

value *lw_list_call(lctx *c, ast *call)
{
    ast *f = call->a;
    binding *b;
    int shadowed;
    value *dv = lw_dict_call(c, call);
    if (dv || (dv = lw_rtdict_call(c, call)))
        return dv;
    if (f->kind == A_NAME && (strcmp(f->name, "all") == 0 || strcmp(f->name, "any") == 0) &&
        call->args.len == 1 && !call->kwargs.len && VEC_AT(call->args, 0, ast *)->kind == A_COMP &&
        VEC_AT(call->args, 0, ast *)->ival != 2 && !lw_lookup(c, f->name, &shadowed)) {
        value *r = lw_list_allany_loop(c, call, f->name[1] == 'l');
        if (!r) /* any(check(x) for x in (1, 2)): check's calls stop where any() stops */
            r = lw_allany_generator(c, VEC_AT(call->args, 0, ast *), f->name[1] == 'l');
        if (r)
            return r;
    }
    if (f->kind == A_NAME && strcmp(f->name, "print") == 0 && !lw_lookup(c, "print", &shadowed)) {
        ast *joined = lw_print_string_comps(c, call);
        if (joined != call)
            return lw_expr(c, joined);
        int hoisted = lw_print_lists_last(c, &call);
        if (hoisted)
            return hoisted < 0 ? &lw_ERRV : lw_expr(c, call); /* bound to hidden names: no call left */
        value *r = lw_list_print(c, call);
        if (r)
            return r;
    }
    if (f->kind == A_ATTR && f->a && strcmp(f->name, "append") == 0 && (b = lw_list_binding(c, f->a)))
        return append(c, call, b);
    if (f->kind == A_ATTR && f->a && f->a->kind == A_NAME && strcmp(f->name, "insert") == 0 &&
        (b = lw_list_binding(c, f->a)) && (dv = insert_known(c, call, b)))
        return dv;
    if (f->kind == A_ATTR && f->a && strcmp(f->name, "pop") == 0 && (b = lw_list_binding(c, f->a)) &&
        !b->val->keys)
        return pop(c, call, b);
    int unbound;
    if (f->kind == A_NAME && strcmp(f->name, "len") == 0 && !lw_lookup(c, "len", &unbound) &&
        call->args.len == 1 && !call->kwargs.len && (b = lw_list_binding(c, VEC_AT(call->args, 0, ast *))) &&
        b->val->kind == V_LIST) {
        /* a Python int (weak): [len(L)] prints [5], np.float32(2) * len(L) stays float32 */
        value *r = lw_scalar(call->l, ir_varref(call->l, b->val->lcnt), 1);
        r->type = T_I64;
        return r;
    }
    if (f->kind == A_ATTR && f->a && (b = lw_list_binding(c, f->a)) && !b->val->keys &&
        (b->val->kind == V_LIST || b->val->is_list)) {
        value *r = lw_list_mutate(c, call, b->val);
        if (r)
            return r;
    }
    if (f->kind == A_ATTR && f->a && (b = lw_list_binding(c, f->a)) && b->val->kind == V_LIST) {
        value *r = lw_list_index_count(c, call, b->val);
        if (r)
            return r;
        diag_error(f->l, "list.%s() is not supported for a list built at run time (append, pop(), len(), "
                         "indexing, extend() and NumPy functions of it are; index(), count(), reverse(), "
                         "insert(i, x) and remove(x) of a list of numbers)", f->name);
        return &lw_ERRV;
    }
    return NULL;
}

/* lst.pop() / lst.pop(-1): the last item, removed (a stack); lst.pop(k) of a run-time list of
 * numbers or rows, k any int (queue.pop(0), a breadth-first search): the item at k, the later
 * ones moved down by one, Python's IndexErrors. A list known when compiling, outside
 * run-time loops, loses the item there (pop(k) of any constant k). A list popped in a run-time
 * loop is a run-time list (lw_lists_before_loop; the probe records it as append does): Python's
 * IndexError when it is empty, then its count drops by one, the item read first (numbers into
 * temporaries, an array copied: a later append overwrites its row). */
static value *pop(lctx *c, ast *call, binding *b)
{
    ast *nm = call->a->a;
    loc l = call->l;
    if (lw_list_ints_refused(l, b->val, "pop()"))
        return &lw_ERRV;
    args a = lw_args(c, call);
    if (lw_any_err(&a))
        return &lw_ERRV;
    value *lst = b->val;
    int64_t k = -1;
    int kconst = 1;
    if (a.nkw || a.npos > 1 || (a.npos == 1 && !lw_is_int_scalar(a.pos[0]))) {
        diag_error(l, "list.pop() takes one int index at most");
        return &lw_ERRV;
    }
    if (a.npos == 1)
        kconst = ir_expr_const_int(a.pos[0]->e, &k);
    if (lst->kind == V_LIST && lst->rank && !lst->lrow) {
        if (!kconst || k != -1) {
            diag_error(l, "list.pop(k) of a list of arrays built at run time is supported for the last "
                          "item only (pop() or pop(-1))");
            return &lw_ERRV;
        }
    } else if (lst->kind == V_TUPLE && !kconst && !(c->loops > 0 && recording)) {
        diag_error(l, "list.pop(k) of a list known when compiling needs an index known when compiling");
        return &lw_ERRV;
    }
    int attr = module_list(c, nm->name, lst, b);
    if (lst->kind == V_TUPLE && ((lst->owner && lst->owner != c->sc && !attr) ||
                                 (lw_find_in(c->sc, nm->name) != b && !attr))) {
        diag_error(l, "popping from the list '%s', made outside this function, is not supported (the "
                      "caller's list would not change)", lw_display_name(nm->name));
        return &lw_ERRV;
    }
    if (lst->kind == V_TUPLE) {
        int runtime = c->loops > 0 || (attr && c->runloops > 0);
        if (runtime && !recording) {
            diag_error(l, "list.pop() in a loop is supported for a list the loop also appends to (a stack)");
            return &lw_ERRV;
        }
        if (runtime && lst->n) { /* the probe: the list becomes a run-time one before the loop */
            int seen = 0;
            for (int i = 0; i < recording->len; i += 2)
                seen |= strcmp(VEC_AT(*recording, i, const char *), nm->name) == 0;
            if (!seen) {
                vec_push(recording, (void *)nm->name);
                vec_push(recording, lst->items[0]);
            }
        }
        if (!kconst) /* the probe: some item */
            k = 0;
        if (k < 0)
            k += lst->n;
        if (k < 0 || k >= lst->n) {
            diag_error(l, lst->n ? "pop index out of range" : call->ival == LW_DEQUE_POP ? "pop from an empty deque" : "pop from empty list");
            return &lw_ERRV;
        }
        value *r = lw_vnew(V_TUPLE, lst->l);
        *r = *lst;
        r->items = NEWN(value *, lst->n);
        r->n = 0;
        for (int i = 0; i < lst->n; i++)
            if (i != k)
                r->items[r->n++] = lst->items[i];
        binding *nb = lw_bind(c, nm->name);
        nb->kind = B_VALUE;
        nb->val = r;
        return lst->items[k];
    }
    lw_emit_raise(c, l, ir_bin(l, OP_CEQ, T_BOOL, ir_varref(l, lst->lcnt), lw_I64(l, 0), 0),
                  call->ival == LW_DEQUE_POP ? "IndexError: pop from an empty deque" : "IndexError: pop from empty list");
    ir_expr *last = lw_iadd(l, ir_varref(l, lst->lcnt), lw_I64(l, -1));
    if (!kconst || k != -1) { /* queue.pop(0): the item at k (k < 0 from the end), the rest moved down */
        ir_var *at = lw_temp_scalar(c, T_I64);
        ir_expr *ke = ir_cast(l, T_I64, a.pos[0]->e);
        lw_emit_assign(c, l, at, ir_select(l, T_I64, ir_bin(l, OP_CLT, T_BOOL, ke, lw_I64(l, 0), 0),
                                        lw_iadd(l, ke, ir_varref(l, lst->lcnt)), ke));
        lw_emit_raise(c, l, ir_bin(l, OP_LOR, T_BOOL,
                                   ir_bin(l, OP_CLT, T_BOOL, ir_varref(l, at), lw_I64(l, 0), 0),
                                   ir_bin(l, OP_CGE, T_BOOL, ir_varref(l, at), ir_varref(l, lst->lcnt), 0), 0),
                      "IndexError: pop index out of range");
        value *r;
        if (lst->lrow)
            r = lw_list_row_items(c, l, lst, ir_varref(l, at));
        else {
            ir_expr **ix = NEWN(ir_expr *, 1);
            ix[0] = ir_varref(l, at);
            ir_var *x = lw_temp_scalar(c, lst->type);
            lw_emit_assign(c, l, x, ir_elem(l, lst->lbuf, ix));
            r = lw_list_item_value(l, ir_varref(l, x), lst);
        }
        ir_stmt *fs = ir_stmt_new(S_FOR, l);
        fs->made = 1;
        fs->var = ir_var_new(c->prog, lw_cname(c, "pop_j"), "<temporary>", T_I64, 0, 0);
        fs->e = ir_varref(l, at);
        fs->e2 = last;
        fs->e3 = lw_I64(l, 1);
        int ncol = lst->lrow ? lst->lrow : 1;
        for (int col = 0; col < ncol; col++) {
            ir_expr **to = NEWN(ir_expr *, 2), **from = NEWN(ir_expr *, 2);
            to[0] = ir_varref(l, fs->var);
            from[0] = lw_iadd(l, ir_varref(l, fs->var), lw_I64(l, 1));
            to[1] = from[1] = lw_I64(l, col);
            ir_stmt *mv = ir_stmt_new(S_SETELEM, l);
            mv->var = lst->lbuf;
            mv->n = lst->lrow ? 2 : 1;
            mv->args = to;
            mv->e = ir_elem(l, lst->lbuf, from);
            vec_push(&fs->body, mv);
        }
        lw_emit(c, fs);
        lw_emit_assign(c, l, lst->lcnt, last);
        return r;
    }
    value *r;
    if (lst->lrow)
        r = lw_list_row_items(c, l, lst, last);
    else if (lst->rank == 0) {
        ir_expr **ix = NEWN(ir_expr *, 1);
        ix[0] = last;
        ir_var *x = lw_temp_scalar(c, lst->type);
        lw_emit_assign(c, l, x, ir_elem(l, lst->lbuf, ix));
        r = lw_list_item_value(l, ir_varref(l, x), lst);
    } else
        r = lw_copy_of(c, l, lw_fix_axis(c, l, lw_list_items_array(l, lst), 0, last));
    lw_emit_assign(c, l, lst->lcnt, lw_iadd(l, ir_varref(l, lst->lcnt), lw_I64(l, -1)));
    return r;
}

static int appends_unbound(vec *stmts, vec *bound)
{
    vec names = {0};
    for (int i = 0; i < stmts->len; i++)
        if (VEC_AT(*stmts, i, ast *)->kind != A_DEF)
            lw_list_appends(VEC_AT(*stmts, i, ast *), &names);
    for (int i = 0; i < names.len; i++)
        if (!lw_name_in(bound, VEC_AT(names, i, const char *)))
            return 1;
    return 0;
}

/* The names whose .append(...), .extend(...), .pop(...) or .insert(...) is called in a (nested blocks
 * included), or that `NAME += ...` or `NAME = NAME + ...` changes (a list's extend: lw_lower_augassign,
 * lw_lower_assign), added to names;
 * their count. Callers keep the names bound to lists. */
static void appends_in(ast *a, void *names) { lw_list_appends(a, names); }
int lw_list_appends(ast *a, vec *names)
{
    if (!a)
        return 0;
    if (a->kind == A_CALL && a->a->kind == A_ATTR && a->a->a && a->a->a->kind == A_NAME &&
        (strcmp(a->a->name, "append") == 0 || strcmp(a->a->name, "extend") == 0 || strcmp(a->a->name, "pop") == 0 ||
         strcmp(a->a->name, "insert") == 0) &&
        !lw_name_in(names, a->a->a->name))
        vec_push(names, (void *)a->a->a->name);
    if (a->kind == A_AUGASSIGN && a->op == '+' && a->b->kind == A_NAME && !lw_name_in(names, a->b->name))
        vec_push(names, (void *)a->b->name);
    ast *t = a->kind == A_ASSIGN && a->targets.len == 1 ? VEC_AT(a->targets, 0, ast *) : NULL;
    if (t && t->kind == A_NAME && a->a->kind == A_BINOP && a->a->op == '+' && a->a->a->kind == A_NAME &&
        strcmp(a->a->a->name, t->name) == 0 && !lw_name_in(names, t->name))
        vec_push(names, (void *)t->name); /* N = N + items (lw_lower_assign's concat_rebind) */
    if (a->kind == A_DEF || a->kind == A_LAMBDA)
        return names->len;
    ast_each_child(a, AST_ALL & ~AST_PARAMS, appends_in, names);
    return names->len;
}

/* Before a loop that appends to compile-time lists: probe its body for what it appends, and
 * make those names run-time lists (so the body binds one value to them on every iteration). */
void lw_lists_before_loop(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast)
{
    vec names = {0};
    for (int i = 0; i < loop->body.len; i++)
        lw_list_appends(VEC_AT(loop->body, i, ast *), &names);
    int any = 0;
    for (int i = 0; i < names.len; i++) {
        ast n = {.kind = A_NAME, .name = VEC_AT(names, i, const char *)};
        binding *b = lw_list_binding(c, &n);
        any |= b && b->val->kind == V_TUPLE;
    }
    if (global_appends < 0)
        global_appends = any_def_appends_global(&c->module_body);
    if (!any && !lw_attr_appends(c) && !global_appends)
        return;
    vec recs = {0}, *outer = recording;
    recording = &recs;
    lw_probe p;
    lw_probe_begin(c, &p);
    c->loops++;
    lw_loop_body_once(c, loop, target, loopvar, condast);
    c->loops--;
    lw_probe_end(c, &p);
    recording = outer;
    for (int i = 0; i < recs.len; i += 2) {
        const char *name = VEC_AT(recs, i, const char *);
        ast n = {.kind = A_NAME, .name = name};
        binding *b = lw_list_binding(c, &n);
        if (!b || b->val->kind != V_TUPLE)
            continue;
        if (b == lw_find_in(c->module, name) && !lw_find_in(c->sc, name))
            lw_implicit_global(c, name); /* appended by a function this loop calls */
        if (recording) { /* an outer loop's probe: it converts the name before itself too */
            vec_push(recording, (void *)name);
            vec_push(recording, recs.items[i + 1]);
        }
        value *lst = to_runtime(c, loop->l, name, b->val, VEC_AT(recs, i + 1, value *));
        b = lw_bind(c, name);
        b->kind = B_VALUE;
        b->val = lst;
    }
}

