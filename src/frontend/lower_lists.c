/* lower_lists.c: the lists a program builds at run time, and the items of lists known when
 * compiling that it stores into.
 *
 * Outside run-time loops a list is a tuple value of compile-time length (V_TUPLE). A list
 * appended to inside a loop the compiler does not unroll has a length known only at run time
 * (lower_append.c makes it so): a V_LIST, an array "x.items" with the items along its first
 * dimension (grown by doubling, the old items copied), a length "x.len" and a capacity "x.cap".
 * Its items keep the type and shape of the first. This file: that representation and its uses.
 * Reads: len(x), x[i] (checked as Python's list index), x[i] = v, x in L, max/min of it, and x as
 * the argument of a NumPy function (np.array(x), np.save, np.mean(x), ...), which sees the array
 * x.items[:len]; a loop over such a list (for x in L) as a loop over its indices. Other loops
 * over such lists (all/any generators) and print() of them: lower_listiter.c.
 *
 * A list or tuple of numbers of one type appended at run time (hist.append([t, S, I, R])) is
 * held as a row of a 1-D item, as np.array of it would be (so np.array(hist) is the rows); the
 * list remembers it (lrow), and hist[i] gives the numbers back as a list or tuple.
 *
 * Requires: the V_LIST's variables belong to the scope of the name. Establishes: x.items holds
 * exactly len items, in the order appended. */

#include "lower_internal.h"

#include <string.h>

static vec mixed_weak; /* ir_var*: items arrays of lists whose items are Python and NumPy scalars */

/* Does the run-time list lst hold both Python numbers and NumPy scalars? */
int lw_list_mixed_weak(const value *lst)
{
    for (int k = 0; k < mixed_weak.len; k++)
        if (mixed_weak.items[k] == lst->lbuf)
            return 1;
    return 0;
}
/* Mark the run-time list whose items array is lbuf as holding both. */
void lw_list_mark_mixed(ir_var *lbuf)
{
    for (int k = 0; k < mixed_weak.len; k++)
        if (mixed_weak.items[k] == lbuf)
            return;
    vec_push(&mixed_weak, lbuf);
}

/* A number of list lst held in e: a Python number when the list holds Python numbers (L[0] * f32
 * stays float32, [L[0]] prints 0.1), a NumPy scalar when it holds those, either (wmix) when it
 * holds both. */
value *lw_list_item_value(loc l, ir_expr *e, value *lst)
{
    int mixed = lw_list_mixed_weak(lst);
    value *r = lw_scalar(l, e, lst->weak && !mixed);
    r->wmix = mixed;
    r->type = lst->type;
    return r;
}


/* A new module: the arena is freed between programs (the fuzzer). */
void lw_lists_reset(void) { mixed_weak = (vec){0}; }

/* "list 'L'", or for the items of an array grown by np.append (lower_grow.c) that array. */
const char *lw_list_desc(const value *lst)
{
    const char *x = lw_grow_array(lst->str);
    return x ? arena_printf(&util_arena, "the array '%s' (grown by np.append in a loop)", x)
             : arena_printf(&util_arena, "list '%s'", lst->str);
}

/* A use of lst's items that does not keep apart the Python ints it starts with (lnint): a
 * diagnostic, 1. Indexing, len() and NumPy's functions of it keep them. */
int lw_list_ints_refused(loc l, value *lst, const char *what)
{
    if (lst->kind != V_LIST || !lst->lnint)
        return 0;
    diag_error(l, "%s of %s is not supported: it holds Python ints and floats (ints first, "
                  "floats appended), whose results differ in type; use np.array(%s), or make its first "
                  "item a float (float(...))", what, lw_list_desc(lst), lst->str);
    return 1;
}

/* The whole items array as a value (first dimension: the capacity). */
value *lw_list_items_array(loc l, value *lst)
{
    const sym *sh[IR_MAX_RANK] = {0};
    for (int d = 0; d < lst->rank; d++)
        sh[d + 1] = lst->sh[d];
    return lw_slot_value(l, lst->lbuf, sh);
}

value *lw_list_as_array(lctx *c, loc l, value *lst)
{
    (void)c;
    value *v = lw_list_items_array(l, lst);
    ir_view *w = v->e->view;
    w->dim[0].len = ir_varref(l, lst->lcnt);
    w->dim[0].slen = NULL;
    w->dim[0].aext = NULL;
    v->len[0] = w->dim[0].len;
    return v;
}

/* lst given to a NumPy function, which makes an array of it. NumPy makes an empty list
 * np.array([]): float64 of shape (0,), whatever the list held before, where the items array keeps
 * their dtype and row shape; so an empty list of anything but float64 numbers stops the run
 * rather than going on with another dtype or shape (found by differential.py: np.save of an
 * empty list of arrays wrote shape (0, 0), np.sum of an empty list of ints printed 0 for 0.0).
 * dtype_given: the call names a dtype, which is then the empty array's too (numbers only). */
/* How a run-time list is named in messages: a comprehension's (comp.LINE.COL) as such. */
static const char *list_name(const value *lst)
{
    return strncmp(lst->str, "comp.", 5) == 0 ? "the list of the comprehension"
                                              : arena_printf(&util_arena, "the list '%s'", lst->str);
}

/* lst given to np.vstack/hstack/concatenate/stack and the like, which join its items: NumPy's
 * ValueError when it is empty, whatever it holds (np.hstack of an empty list of numbers gave an
 * empty array; of arrays the message named the comprehension's inner name 'comp.3.15').
 * what: "concatenate" or "stack". */
value *lw_list_as_joined(lctx *c, loc l, value *lst, const char *what)
{
    if (!lw_grow_array(lst->str)) /* an array's items: empty, NumPy's message about the array */
        lw_emit_raise(c, l, ir_bin(l, OP_CEQ, T_BOOL, ir_varref(l, lst->lcnt), lw_I64(l, 0), 0),
                      arena_printf(&util_arena, "ValueError: need at least one array to %s", what));
    return lw_list_as_array(c, l, lst);
}

value *lw_list_as_numpy(lctx *c, loc l, value *lst, int dtype_given)
{
    if (lw_grow_array(lst->str)) /* an array's items: empty, it is that array, with its dtype */
        return lw_list_as_array(c, l, lst);
    if (lst->rank > 0 || lst->lrow || (lst->type != T_F64 && !dtype_given)) {
        const char *items = lst->lrow ? arena_printf(&util_arena, "%ss of %d numbers", lst->is_list ? "list" : "tuple",
                                                     lst->lrow)
                            : lst->rank ? arena_printf(&util_arena, "%s arrays of shape %s", ir_type_name(lst->type),
                                                       lw_shape_str(lst->rank, lst->sh))
                                        : arena_printf(&util_arena, "%s numbers", ir_type_name(lst->type));
        lw_emit_raise(c, l, ir_bin(l, OP_CEQ, T_BOOL, ir_varref(l, lst->lcnt), lw_I64(l, 0), 0),
                      arena_printf(&util_arena, "%s is empty here, and NumPy makes an empty list a float64 "
                                                "array of shape (0,), where tylesc compiled this call for the list's "
                                                "items (%s); test %s first",
                                   list_name(lst), items,
                                   strncmp(lst->str, "comp.", 5) == 0 ? "its length"
                                                                       : arena_printf(&util_arena, "len(%s)", lst->str)));
    }
    return lw_list_as_array(c, l, lst);
}

/* x in L of a run-time list of numbers, or of rows (lists or tuples of numbers): Python's ==
 * with each item in turn, an int and a float equal by value. A NaN is never found (CPython
 * tests identity first and finds the very float object appended; a compiled program keeps no
 * objects). Another kind of x is never equal to an item: False. NULL after a diagnostic. */
value *lw_list_contains(lctx *c, loc l, value *x, value *lst)
{
    if (lst->rank && !lst->lrow) {
        diag_error(l, "'in' over a list of arrays built at run time is not supported (lists of numbers "
                      "and of tuples of numbers are)");
        return NULL;
    }
    int n = lst->lrow ? lst->lrow : 1;
    value **xs = x->kind == V_TUPLE && !x->cplx && !lw_is_dict(x) ? x->items : &x;
    int nx = x->kind == V_TUPLE && !x->cplx && !lw_is_dict(x) ? x->n : 1;
    int shape_ok = lst->lrow ? x->kind == V_TUPLE && !x->cplx && !lw_is_dict(x) && x->is_list == lst->is_list && nx == n
                             : x->kind == V_SCALAR;
    for (int i = 0; shape_ok && i < nx; i++)
        shape_ok = xs[i]->kind == V_SCALAR;
    if (!shape_ok)
        return lw_scalar(l, ir_const_i(l, T_BOOL, 0), 1);
    /* the compared numbers once, before the loop */
    int ints = !ir_type_is_float(lst->type);
    ir_var **xv = NEWN(ir_var *, n);
    for (int i = 0; i < n; i++) {
        ints &= !ir_type_is_float(xs[i]->type);
        xv[i] = lw_temp_scalar(c, xs[i]->type);
        lw_emit_assign(c, l, xv[i], xs[i]->e);
    }
    ir_type ct = ints ? T_I64 : T_F64;
    ir_var *found = lw_temp_scalar(c, T_BOOL);
    lw_emit_assign(c, l, found, ir_const_i(l, T_BOOL, 0));
    ir_var *k;
    ir_stmt *st = lw_loop_over(c, l, lw_I64(l, 0), ir_varref(l, lst->lcnt), "in_it", &k);
    ir_expr *eq = ir_varref(l, found);
    for (int i = 0; i < n; i++) {
        ir_expr **ik = NEWN(ir_expr *, 2);
        ik[0] = ir_varref(l, k);
        ik[1] = lw_I64(l, i);
        ir_expr *item = ir_elem(l, lst->lbuf, ik);
        ir_expr *e = ir_bin(l, OP_CEQ, T_BOOL, ir_cast(l, ct, ir_varref(l, xv[i])), ir_cast(l, ct, item), 0);
        eq = i ? ir_bin(l, OP_LAND, T_BOOL, eq, e, 0) : e;
    }
    ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
    as->var = found;
    as->e = ir_bin(l, OP_LOR, T_BOOL, ir_varref(l, found), eq, 0);
    vec_push(&st->body, as);
    lw_emit(c, st);
    return lw_scalar(l, ir_varref(l, found), 1);
}

/* max(L) / min(L) of a run-time list of numbers as Python's built-ins run: the first item, then
 * each later one that compares greater (less), so a NaN is kept only where it comes first and
 * is never taken later (NumPy's max, which they were, gave NaN wherever one was: the apex of a
 * trajectory whose list held inf then nan). An empty list is Python's ValueError. */
value *lw_list_minmax(lctx *c, loc l, int mx, value *lst)
{
    const char *f = mx ? "max" : "min";
    if (lw_list_ints_refused(l, lst, mx ? "max()" : "min()"))
        return &lw_ERRV;
    lw_emit_raise(c, l, ir_bin(l, OP_CEQ, T_BOOL, ir_varref(l, lst->lcnt), lw_I64(l, 0), 0),
                  arena_printf(&util_arena, "ValueError: %s() arg is an empty sequence", f));
    ir_var *r = lw_temp_scalar(c, lst->type);
    ir_expr **i0 = NEWN(ir_expr *, 1);
    i0[0] = lw_I64(l, 0);
    lw_emit_assign(c, l, r, ir_elem(l, lst->lbuf, i0));
    ir_var *k;
    ir_stmt *st = lw_loop_over(c, l, lw_I64(l, 1), ir_varref(l, lst->lcnt), "minmax_it", &k);
    ir_expr **ik = NEWN(ir_expr *, 1);
    ik[0] = ir_varref(l, k);
    ir_expr *item = ir_elem(l, lst->lbuf, ik);
    ir_stmt *take = ir_stmt_new(S_IF, l);
    take->e = ir_bin(l, mx ? OP_CGT : OP_CLT, T_BOOL, item, ir_varref(l, r), 0);
    ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
    as->var = r;
    as->e = item;
    vec_push(&take->body, as);
    vec_push(&st->body, take);
    lw_emit(c, st);
    return lw_list_item_value(l, ir_varref(l, r), lst);
}

/* A run-time list a function built and returns, held by the caller: its own count, capacity and
 * reference to the items (the callee's slots are released after the call's statement, and the
 * next call of the function fills them anew). */
value *lw_list_own(lctx *c, loc l, value *lst)
{
    value *r = lw_vnew(V_LIST, l);
    *r = *lst;
    r->l = l;
    r->lbuf = ir_var_new(c->prog, lw_cname(c, "ret_items"), lst->str, lst->lbuf->type, lst->lbuf->rank, 1);
    r->lcnt = ir_var_new(c->prog, lw_cname(c, "ret_len"), "<temporary>", T_I64, 0, 0);
    r->lcap = ir_var_new(c->prog, lw_cname(c, "ret_cap"), "<temporary>", T_I64, 0, 0);
    vec_push(&c->sc->vars, r->lbuf);
    vec_push(&c->sc->vars, r->lcnt);
    vec_push(&c->sc->vars, r->lcap);
    lw_emit_assign(c, l, r->lcnt, ir_varref(l, lst->lcnt));
    lw_emit_assign(c, l, r->lcap, ir_varref(l, lst->lcap));
    lw_emit(c, lw_bind1(l, r->lbuf, lst->lbuf));
    if (lw_list_mixed_weak(lst))
        lw_list_mark_mixed(r->lbuf);
    return r;
}

/* The binding of a name (or attribute) bound to a list or tuple value, or NULL. */
binding *lw_list_binding(lctx *c, ast *n)
{
    int unbound;
    n = lw_attr_name(c, n); /* len(self.values): the attribute's name (lower_class.c) */
    if (n->kind != A_NAME)
        return NULL;
    binding *b = lw_lookup(c, n->name, &unbound);
    if (!b || b->kind != B_VALUE || (b->val->kind != V_TUPLE && b->val->kind != V_LIST))
        return NULL;
    return b;
}

/* The numbers of row idx of lst, as the list (tuple) appended, read into temporaries now (a later
 * append may move or overwrite the rows). */
value *lw_list_row_items(lctx *c, loc l, value *lst, ir_expr *idx)
{
    value *r = lw_vnew(V_TUPLE, l);
    r->n = lst->lrow;
    r->is_list = lst->is_list;
    r->owner = c->sc;
    r->items = NEWN(value *, r->n);
    ir_var *at = lw_temp_scalar(c, T_I64);
    lw_emit_assign(c, l, at, idx);
    for (int i = 0; i < r->n; i++) {
        ir_expr **ix = NEWN(ir_expr *, 2);
        ix[0] = ir_varref(l, at);
        ix[1] = lw_I64(l, i);
        ir_var *x = lw_temp_scalar(c, lst->type);
        lw_emit_assign(c, l, x, ir_elem(l, lst->lbuf, ix));
        char k = lst->lweak[i];
        if (k == 'I' || k == 'J') { /* an int kept in a float64 row */
            r->items[i] = lw_scalar(l, ir_cast(l, T_I64, ir_varref(l, x)), k == 'I');
            continue;
        }
        r->items[i] = lw_scalar(l, ir_varref(l, x), k == '1');
        r->items[i]->wmix = k == '?';
        r->items[i]->type = lst->type;
    }
    return r;
}

/* R.tbl[i, j] of a table rewritten by lower_tables.c: the item i * cols + j, i checked against
 * the rows and j against the columns as Python checks each list's index (negative from the
 * end); i evaluated before j. NULL (no diagnostic) when a is not that form; an error value's
 * NULL expression is reported through *err. */
static ir_expr *table_index(lctx *c, ast *a, int *err)
{
    *err = 0;
    size_t n = a->a->kind == A_NAME ? strlen(a->a->name) : 0;
    if (a->args.len != 2 || n < 5 || strcmp(a->a->name + n - 4, ".tbl") != 0)
        return NULL;
    int unbound;
    const char *rn = arena_printf(&util_arena, "%s.rows", a->a->name), *cn = arena_printf(&util_arena, "%s.cols", a->a->name);
    if (!lw_lookup(c, rn, &unbound) || !lw_lookup(c, cn, &unbound))
        return NULL;
    value *rv = lw_expr(c, ast_name(a->l, rn)), *cv = lw_expr(c, ast_name(a->l, cn));
    if (!lw_is_int_scalar(rv) || !lw_is_int_scalar(cv))
        return NULL;
    ir_expr *k[2];
    for (int d = 0; d < 2; d++) {
        value *iv = lw_expr(c, VEC_AT(a->args, d, ast *));
        if (iv->kind == V_ERR || !(k[d] = lw_int_operand(iv, "a list index"))) {
            *err = 1;
            return NULL;
        }
        ir_var *t = lw_temp_scalar(c, T_I64);
        lw_emit_assign(c, a->l, t, k[d]);
        k[d] = ir_varref(a->l, t);
    }
    ir_expr *at[2];
    for (int d = 0; d < 2; d++) {
        ir_expr **args = NEWN(ir_expr *, 3);
        args[0] = (d ? cv : rv)->e;
        args[1] = k[d];
        args[2] = lw_I64(a->l, 0);
        at[d] = ir_call(a->l, FN_INDEX, T_I64, 3, args);
    }
    ir_var *t = lw_temp_scalar(c, T_I64);
    lw_emit_assign(c, a->l, t, lw_iadd(a->l, lw_imul(a->l, at[0], cv->e), at[1]));
    return ir_varref(a->l, t);
}

value *lw_list_index(lctx *c, ast *a, value *lst)
{
    int terr;
    ir_expr *tix = lst->rank == 0 && !lst->lrow && !lst->lnint ? table_index(c, a, &terr) : NULL;
    if (tix || (lst->rank == 0 && !lst->lrow && !lst->lnint && terr)) {
        if (!tix)
            return &lw_ERRV;
        ir_expr **ix = NEWN(ir_expr *, 1);
        ix[0] = tix;
        ir_var *x = lw_temp_scalar(c, lst->type); /* read now: a later store may change the item */
        lw_emit_assign(c, a->l, x, ir_elem(a->l, lst->lbuf, ix));
        return lw_list_item_value(a->l, ir_varref(a->l, x), lst);
    }
    if (a->args.len == 1 && VEC_AT(a->args, 0, ast *)->kind == A_SLICE &&
        ((lst->rank == 0 && !lst->lrow) || (lst->rank == 1 && lst->lrow)) && !lst->lnint) {
        /* (rows of numbers too: history[:3] of a list of tuples, copied as Python copies the
         * references to its immutable tuples) */
        /* E[-3:] of numbers: a new list of the items (a list's slice is a copy), taken as the
         * same slice of the items' array, whose rules for slices are Python's */
        loc l = a->l;
        ast *h = ast_name(l, arena_printf(&util_arena, "slice.%d.%d.items", l.line, l.col));
        lw_assign_name(c, h, lw_list_as_array(c, l, lst));
        value *part = lw_expr(c, ast_subscript(l, h, a->args, 0));
        if (part->kind == V_ERR)
            return part;
        value *r = lw_list_of_array(c, l, lst, lw_materialize(c, part), lst->weak, "slice");
        if (lw_list_mixed_weak(lst)) /* Python and NumPy scalars mixed, as in lst */
            lw_list_mark_mixed(r->lbuf);
        return r;
    }
    if (a->args.len != 1 || VEC_AT(a->args, 0, ast *)->kind == A_SLICE) {
        diag_error(a->l, "a list built at run time can only be indexed by one integer here, or sliced when "
                         "its items are numbers or rows of numbers (np.array(%s) can be sliced)", lst->str);
        return &lw_ERRV;
    }
    value *iv = lw_expr(c, VEC_AT(a->args, 0, ast *));
    ir_expr *k = iv->kind == V_ERR ? NULL : lw_int_operand(iv, "a list index");
    if (!k)
        return &lw_ERRV;
    ir_expr **args = NEWN(ir_expr *, 3);
    args[0] = ir_varref(a->l, lst->lcnt);
    args[1] = k;
    args[2] = lw_I64(a->l, 0);
    ir_expr *idx = ir_call(a->l, FN_INDEX, T_I64, 3, args);
    if (lst->rank == 0 && lst->lnint) { /* an int or a float by its place: a dynvar of its own */
        loc l = a->l;
        dynvar *d = NEW(dynvar);
        d->name = lst->str;
        d->i = lw_temp_scalar(c, T_I64);
        d->f = lw_temp_scalar(c, T_F64);
        d->tag = lw_temp_scalar(c, T_BOOL);
        ir_var *p = lw_temp_scalar(c, T_I64);
        lw_emit_assign(c, l, p, idx);
        ir_expr **ix = NEWN(ir_expr *, 1);
        ix[0] = ir_varref(l, p);
        lw_emit_assign(c, l, d->f, ir_elem(l, lst->lbuf, ix));
        d->item = 1;
        lw_emit_assign(c, l, d->tag, ir_bin(l, OP_CGE, T_BOOL, ir_varref(l, p), lw_I64(l, lst->lnint), 0));
        /* the int variant of a float item is 1 (any float to int64 is not defined; 1 divides) */
        lw_emit_assign(c, l, d->i, ir_select(l, T_I64, ir_varref(l, d->tag), lw_I64(l, 1),
                                          ir_cast(l, T_I64, ir_varref(l, d->f))));
        value *r = lw_scalar(l, ir_select(l, T_F64, ir_varref(l, d->tag), ir_varref(l, d->f),
                                          ir_cast(l, T_F64, ir_varref(l, d->i))), 1);
        r->dyn = d;
        r->mixed = 1;
        return r;
    }
    if (lst->rank == 0) {
        ir_expr **ix = NEWN(ir_expr *, 1);
        ix[0] = idx;
        return lw_list_item_value(a->l, ir_elem(a->l, lst->lbuf, ix), lst);
    }
    if (lst->lrow)
        return lw_list_row_items(c, a->l, lst, idx);
    return lw_fix_axis(c, a->l, lw_list_items_array(a->l, lst), 0, idx);
}

/* L[i] = a of a list built at run time holding arrays: a, a new array of the items' dtype and
 * shape (an expression, x.copy()), copied into item i (Python's IndexError). The array a name
 * holds is refused (Python's list would hold that very array, and see its later changes), except
 * in the rows list.insert() moves (lower_listiter.c: an index named "insert.*"), where each
 * item moves to a new place and none is shared. */
static int store_row(lctx *c, ast *t, value *lst, value *v)
{
    loc l = t->l;
    ast *ix = VEC_AT(t->args, 0, ast *);
    int moved = ix->kind == A_NAME && strncmp(ix->name, "insert.", 7) == 0;
    if (v->kind != V_ARRAY || v->rank != lst->rank || v->type != lst->type) {
        diag_error(v->l, "list '%s' holds %s arrays of shape %s; storing %s into it is not supported",
                   lw_display_name(t->a->name), ir_type_name(lst->type), lw_shape_str(lst->rank, lst->sh),
                   v->kind == V_ARRAY ? arena_printf(&util_arena, "a %d-D %s array", v->rank, ir_type_name(v->type))
                                      : lw_vkind_desc(v));
        return 1;
    }
    for (int d = 0; d < v->rank; d++)
        if (lw_sym_cmp(v->sh[d], lst->sh[d]) == 0) {
            diag_error(v->l, "list '%s' holds arrays of shape %s; an array of shape %s cannot be stored "
                             "into it", lw_display_name(t->a->name), lw_shape_str(lst->rank, lst->sh),
                       lw_shape_str(v->rank, v->sh));
            return 1;
        }
    if (v->e->kind == E_READ && !v->fresh && !moved) {
        diag_error(v->l, "storing the array '%s' itself into a list built at run time is not supported: "
                         "the list would see its later changes; store a copy (%s.copy())",
                   diag_text(v->l), diag_text(v->l));
        return 1;
    }
    value *iv = lw_expr(c, ix);
    ir_expr *k = iv->kind == V_ERR ? NULL : lw_int_operand(iv, "a list index");
    if (!k)
        return 1;
    ir_var *at = lw_temp_scalar(c, T_I64);
    ir_expr **args = NEWN(ir_expr *, 3);
    args[0] = ir_varref(l, lst->lcnt);
    args[1] = k;
    args[2] = lw_I64(l, 0);
    lw_emit_assign(c, l, at, ir_call(l, FN_INDEX, T_I64, 3, args));
    lw_emit_sweep(c, l, lw_fix_axis(c, l, lw_list_items_array(l, lst), 0, ir_varref(l, at)), v, 0);
    return 1;
}

/* L[i] = v of a list built at run time holding numbers (parent[rb] = ra of a union-find over
 * parent = list(range(n))): item i (Python's negative indices; an index outside the list is an
 * error) set to v, a number of the list's type. 1 when t is such a store (done, or after a
 * diagnostic), 0 for any other target. */
int lw_list_store(lctx *c, ast *t, value *v)
{
    if (t->kind != A_SUBSCRIPT || t->a->kind != A_NAME)
        return 0;
    int unbound;
    binding *b = lw_lookup(c, t->a->name, &unbound);
    if (!b || b->kind != B_VALUE || !b->val || b->val->kind != V_LIST)
        return 0;
    value *lst = b->val;
    loc l = t->l;
    if (v->kind == V_ERR)
        return 1;
    if (lst->rank && !lst->lrow && t->args.len == 1 && VEC_AT(t->args, 0, ast *)->kind != A_SLICE)
        return store_row(c, t, lst, v);
    int terr = 0;
    ir_expr *tix = NULL;
    if (t->args.len == 2 && !lst->rank && !lst->lrow && !lst->lnint && v->kind == V_SCALAR &&
        ir_type_is_float(v->type) == ir_type_is_float(lst->type) && (v->type == T_BOOL) == (lst->type == T_BOOL)) {
        ir_var *x = lw_temp_scalar(c, lst->type); /* the value first, as Python evaluates it */
        lw_emit_assign(c, l, x, ir_cast(l, lst->type, v->e));
        if ((tix = table_index(c, t, &terr))) {
            if (!v->weak != !lst->weak || v->wmix)
                lw_list_mark_mixed(lst->lbuf);
            ir_stmt *s = ir_stmt_new(S_SETELEM, l);
            s->var = lst->lbuf;
            s->n = 1;
            s->args = NEWN(ir_expr *, 1);
            s->args[0] = tix;
            s->e = ir_varref(l, x);
            lw_emit(c, s);
            return 1;
        }
        if (terr)
            return 1;
    }
    size_t tn = strlen(t->a->name);
    if (t->args.len == 2 && tn > 4 && strcmp(t->a->name + tn - 4, ".tbl") == 0) {
        diag_error(v->l, "table '%.*s' holds %ss; storing %s into it is not supported (a table built at "
                         "run time holds numbers of one type)", (int)(tn - 4), t->a->name,
                   ir_type_is_float(lst->type) ? "float" : lst->type == T_BOOL ? "bool" : "int",
                   v->kind == V_SCALAR ? (ir_type_is_float(v->type) ? "a float" : v->type == T_BOOL ? "a bool" : "an int")
                                       : lw_vkind_desc(v));
        return 1;
    }
    if (t->args.len != 1 || VEC_AT(t->args, 0, ast *)->kind == A_SLICE || lst->rank || lst->lrow || lst->lnint) {
        diag_error(t->l, "a list built at run time can be assigned by one integer index when it holds "
                         "numbers of one type (np.array(%s) can be assigned by slices)", t->a->name);
        return 1;
    }
    if (v->kind != V_SCALAR || ir_type_is_float(v->type) != ir_type_is_float(lst->type) ||
        (v->type == T_BOOL) != (lst->type == T_BOOL)) {
        diag_error(v->l, "list '%s' holds %ss; storing %s into it is not supported (a list built at run "
                         "time holds numbers of one type)", t->a->name, ir_type_is_float(lst->type) ? "float" :
                   lst->type == T_BOOL ? "bool" : "int", v->kind == V_SCALAR ? (ir_type_is_float(v->type) ? "a float" :
                   v->type == T_BOOL ? "a bool" : "an int") : lw_vkind_desc(v));
        return 1;
    }
    if (!v->weak != !lst->weak || v->wmix) /* Python and NumPy scalars mixed, as an append would */
        lw_list_mark_mixed(lst->lbuf);
    value *iv = lw_expr(c, VEC_AT(t->args, 0, ast *));
    ir_expr *k = iv->kind == V_ERR ? NULL : lw_int_operand(iv, "a list index");
    if (!k)
        return 1;
    ir_var *x = lw_temp_scalar(c, lst->type); /* the value first, as Python evaluates it */
    lw_emit_assign(c, l, x, ir_cast(l, lst->type, v->e));
    ir_expr **args = NEWN(ir_expr *, 3);
    args[0] = ir_varref(l, lst->lcnt);
    args[1] = k;
    args[2] = lw_I64(l, 0);
    ir_stmt *s = ir_stmt_new(S_SETELEM, l);
    s->var = lst->lbuf;
    s->n = 1;
    s->args = NEWN(ir_expr *, 1);
    s->args[0] = ir_call(l, FN_INDEX, T_I64, 3, args);
    s->e = ir_varref(l, x);
    lw_emit(c, s);
    return 1;
}

/* ---- items of lists known when compiling, stored into ------------------------------------- */

/* Item li of the list bound to name becomes v. In place, as Python's lists change (every name
 * bound to the list sees it); inside a probe (a loop's type inference, whose statements are
 * dropped) the name is bound to a changed copy instead, which the probe's rewind undoes: an item
 * changed in place would outlive the probe and name a variable whose assignment was dropped. */
void lw_list_set_item(lctx *c, const char *name, value *list, int li, value *v)
{
    if (!c->probing) {
        list->items[li] = v;
        return;
    }
    value *r = lw_vnew(V_TUPLE, list->l);
    *r = *list;
    r->items = NEWN(value *, list->n + 1);
    for (int i = 0; i < list->n; i++)
        r->items[i] = i == li ? v : list->items[i];
    binding *b = lw_bind(c, name);
    b->kind = B_VALUE;
    b->val = r;
}

/* v stored into item li of the list bound to lname: into the variable that holds the item
 * when it is a scalar variable of v's type (every holder of the list sees the change: a caller
 * that passed it, a loop that carries it), else by binding the item's hidden name h. */
void lw_list_item_store(lctx *c, ast *h, const char *lname, value *list, int li, value *v)
{
    value *it = list->items[li];
    if (it->kind == V_SCALAR && !it->dyn && it->e->kind == E_VAR && v->kind == V_SCALAR && !v->dyn &&
        !v->mixed && v->type == it->e->var->type) {
        ir_stmt *a = ir_stmt_new(S_ASSIGN, h->l);
        a->var = it->e->var;
        a->e = v->e;
        lw_emit(c, a);
        /* the item now reads the variable with v's kind (a Python float item becomes a NumPy
         * float64, which prints differently) and no compile-time value */
        if (it->weak != v->weak || it->s)
            lw_list_set_item(c, lname, list, li, lw_scalar(it->l, ir_varref(h->l, it->e->var), v->weak));
        return;
    }
    if (it->kind == V_SCALAR && !it->dyn && it->e->kind == E_VAR && lw_loop_entry_item(it->e->var)) {
        /* the item is the variable a loop carries from before it: a value of another type bound
         * to a new variable is lost at the next iteration (which reads the old one) and after a
         * loop that ran no iteration, and Python's item changes type between iterations */
        int num = v->kind == V_SCALAR && !v->dyn;
        diag_error(h->l, "item %d of the list '%s' holds %s before this loop; storing %s into it in "
                         "the loop is not supported (%s%s%s)", li, lname, lw_scalar_desc(it),
                   lw_scalar_desc(v), num ? "make the item " : "an item keeps its type in a loop",
                   !num ? "" : v->type == T_F64 ? "a float" : v->type == T_I64 ? "an int" : lw_scalar_desc(v),
                   num ? " before the loop" : "");
        return;
    }
    lw_assign_name(c, h, v);
    lw_list_set_item(c, lname, list, li, lw_read_name(c, h));
}
