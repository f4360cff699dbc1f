/* lower_assign.c: assignments: binding a value to a name (a scalar variable, an array slot, a
 * view whose bounds are frozen when it is made, a tuple whose items are pinned), stores into
 * subscripts and boolean selections, tuple unpacking, and augmented assignment (`u[1:-1] += ...`
 * in place, `x += 1` as Python rebinds it). lw_stmt (lower.c) hands them the statements.
 * Requires: the value assigned already lowered. Establishes: every store is a sweep or a scalar
 * assignment into the target's storage; a target that cannot be assigned is a diagnostic. */

#include "lower_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static value *pin_items(lctx *c, const char *name, loc l, value *v);

static int is_var(const ir_expr *e, void *ctx)
{
    (void)ctx;
    return e->kind == E_VAR;
}
/* A view bound to a name keeps the bounds it was made with: bounds that read scalar variables
 * (f[k:k + 3]) are computed now into temporaries, not at each use after k may have changed. */
static value *freeze_bounds(lctx *c, loc l, value *v)
{
    ir_view *w = v->e->view;
    int any = 0;
    for (int d = 0; d < w->rank; d++)
        any |= ir_expr_any(w->dim[d].lo, is_var, NULL) || ir_expr_any(w->dim[d].step, is_var, NULL) ||
               ir_expr_any(w->dim[d].len, is_var, NULL);
    if (!any)
        return v;
    ir_view *nw = ir_view_clone(w);
    value *r = lw_vnew(V_ARRAY, v->l);
    *r = *v;
    for (int d = 0; d < w->rank; d++) {
        ir_expr **p[3] = {&nw->dim[d].lo, &nw->dim[d].step, &nw->dim[d].len};
        for (int j = 0; j < 3; j++) {
            if (!*p[j] || !ir_expr_any(*p[j], is_var, NULL))
                continue;
            ir_var *tv = lw_temp_scalar(c, (*p[j])->type);
            ir_stmt *a = ir_stmt_new(S_ASSIGN, l);
            a->var = tv;
            a->e = *p[j];
            lw_emit(c, a);
            *p[j] = ir_varref(l, tv);
        }
        if (nw->dim[d].kind == D_RANGE && nw->dim[d].box >= 0 && nw->dim[d].box < r->rank)
            r->len[nw->dim[d].box] = nw->dim[d].len;
    }
    r->e = ir_read(l, nw);
    return r;
}

/* Is slot an array of a function just called, released after the current statement? */
static int released_after(lctx *c, ir_var *slot)
{
    for (int i = 0; i < c->pending.len; i++)
        if (VEC_AT(c->pending, i, ir_var *) == slot)
            return 1;
    return 0;
}

void lw_assign_name(lctx *c, ast *target, value *v)
{
    const char *name = target->name;
    loc l = target->l;
    if (v->kind == V_MASKED && c->loops && !lw_name_in(&c->selected, name)) {
        binding *old = lw_own(c, name);
        if (old && (old->kind == B_ARRAY || (old->kind == B_VALUE && old->val->kind == V_ARRAY)))
            vec_push(&c->selected, (void *)name);
    }
    if ((v->kind == V_MASKED || lw_is_complex(v)) && c->compact.len && lw_compact_name(c, name)) {
        /* x = x[alive] read by a loop's next iteration: a new array (lower_carry.c) */
        value *k = lw_masked_compact(c, l, v);
        if (k)
            v = k;
    }
    if (v->kind == V_MASKED && v->self->kind == V_ARRAY) { /* b = F[mask]: a snapshot */
        v = lw_masked_bind(c, l, name, v);
        binding *b = lw_bind(c, name);
        b->kind = B_VALUE;
        b->val = v;
        return;
    }
    if (v->kind == V_MASKED) {
        diag_error(v->l, "binding a boolean-mask selection to '%s' is not supported: its shape "
                         "depends on the data", name);
        diag_note((loc){0}, "masks are supported in a[m] = scalar, a[m] = b[m] and elementwise "
                            "expressions of selections by m and scalars (a[m] = 1.0 / a[m]), "
                            "a[m] += scalar or b[m], and in reductions such as np.sum(a[m]) and "
                            "a[m].max()");
        v = &lw_ERRV;
    }
    if (v->kind == V_ERR) {
        /* keep the name defined so later uses do not cascade into more errors */
        binding *b = lw_bind(c, name);
        b->kind = B_VALUE;
        b->val = &lw_ERRV;
        return;
    }
    if (v->kind == V_OPT) { /* None or a number: a copy in the name's own variables */
        lw_carry_assign(c, l, name, lw_opt_own_array(c, l, name, v));
        return;
    }
    lw_still_int_clear(c, l, name);
    dynvar *d = lw_dyn_of(c, name);
    if (v->kind == V_SCALAR && v->dyn) { /* a copy keeps the type the value has at run time */
        if (!d)
            d = lw_dyn_get(c, name);
        if (d != v->dyn) {
            ir_var *from[3] = {v->dyn->i, v->dyn->f, v->dyn->tag}, *to[3] = {d->i, d->f, d->tag};
            for (int k = 0; k < 3; k++) {
                ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
                s->var = to[k];
                s->e = ir_varref(l, from[k]);
                lw_emit(c, s);
            }
        }
        lw_dyn_bind(c, d, v->weak);
        return;
    }
    if (v->kind == V_SCALAR && d && (v->type == T_I64 || v->type == T_F64)) {
        ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
        s->var = v->type == T_F64 ? d->f : d->i;
        s->e = v->e;
        lw_emit(c, s);
        lw_dyn_set_tag(c, c->out, l, d, v->type == T_F64);
        if (lw_name_in(&c->dyn_plain, name)) {
            /* print(x > 3 and grow() > 0, x) with grow assigning x: the statement reads x as
             * the plain int or float it is lowered with (dyn_split), and so what grow assigns
             * is that type when read after it in the statement */
            binding *b = lw_bind(c, name);
            b->kind = B_SCALAR;
            b->var = s->var;
            b->weak = v->weak;
            return;
        }
        lw_dyn_bind(c, d, v->weak);
        return;
    }
    if (v->kind == V_SCALAR) {
        ir_var *var = lw_scope_var(c, name, v->type, 0, 0);
        ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
        s->var = var;
        s->e = v->e;
        lw_emit(c, s);
        binding *b = lw_bind(c, name);
        b->kind = B_SCALAR;
        b->var = var;
        b->s = v->s;
        b->weak = v->weak;
        b->wmix = v->wmix;
        b->zt = v->zt;
        return;
    }
    if (v->kind == V_ARRAY) {
        ir_var *src = lw_whole_slot(v);
        if (!v->fresh && !src && v->e->kind == E_READ && !lw_is_ephemeral(c, v->e->view->arr) &&
            !lw_view_has_wrap(v->e->view)) {
            binding *b = lw_bind(c, name); /* a view: writes through it reach the array */
            b->kind = B_VALUE;
            b->val = freeze_bounds(c, l, v);
            return;
        }
        if (!v->fresh && !src && v->e->kind == E_READ && released_after(c, v->e->view->arr) &&
            !lw_plain_view(v)) {
            /* U = solve(...).T: a transposed (or integer-indexed) view of an array the callee
             * made and nothing else names; a copy cannot be told apart from it, and keeps U an
             * ordinary array (a loop can carry it from one iteration to the next) */
            v = lw_materialize(c, v);
        } else if (!v->fresh && !src && v->e->kind == E_READ && !lw_view_has_wrap(v->e->view) &&
            strcmp(v->e->view->arr->pyname, "<temporary>") != 0) {
            /* a view of a slot of a function that returned it: a slot of this scope takes the
             * array, so that writes through the name still reach it */
            ir_var *arr = v->e->view->arr, *h = lw_scope_var(c, arena_printf(&util_arena, "%s.base", name),
                                                             arr->type, arr->rank, 1);
            lw_rebind_slot(c, l, h, arr, name);
            int changed = 0;
            binding *b = lw_bind(c, name);
            b->kind = B_VALUE;
            b->val = freeze_bounds(c, l, lw_value_retarget(v, arr, h, &changed));
            return;
        }
        if (!v->fresh && !src) /* an expression: computed into a new array */
            v = lw_materialize(c, v);
        ir_var *slot = lw_scope_var(c, name, v->type, v->rank, 1);
        if (v->fresh) {
            const char *saved = c->assigning;
            c->assigning = name;
            lw_move_fresh(c, l, slot, v->fresh);
            c->assigning = saved;
        } else if (src != slot)
            lw_rebind_slot(c, l, slot, src, name);
        lw_bind_array(c, name, slot, v);
        return;
    }
    if (v->kind == V_TUPLE || v->kind == V_SLICE) /* a slice's bounds too (slice(k, k + 2)) */
        v = pin_items(c, name, l, v);
    binding *b = lw_bind(c, name);
    b->kind = B_VALUE;
    b->val = v;
}

/* A tuple or list bound to a name keeps the values its items had then: each scalar or array
 * item is assigned to a hidden name ("t.0", never a Python name), as if by `t0 = item`, and
 * the item becomes a read of that name. (Items that are expressions were otherwise computed
 * again at every use, after their operands may have changed.) */
static int names_hidden(const ir_expr *e, void *prefix)
{
    const ir_var *v = e->kind == E_READ ? e->view->arr
                      : e->kind == E_VAR || e->kind == E_SHAPE || e->kind == E_ELEM ? e->var : NULL;
    return v && v->pyname && strncmp(v->pyname, prefix, strlen(prefix)) == 0;
}

/* Items of a tuple bound to `name` that read the hidden names of its old items (t = (t[1], t[0]))
 * are read into temporaries first: pinning assigns the hidden names one by one. */
static value *pin_sources(lctx *c, const char *name, loc l, value *v)
{
    const char *prefix = arena_printf(&util_arena, "%s.", name);
    value *r = lw_vnew(V_TUPLE, v->l);
    *r = *v;
    r->items = NEWN(value *, v->n + 1);
    for (int i = 0; i < v->n; i++) {
        value *it = v->items[i];
        r->items[i] = it;
        if (it->kind == V_TUPLE) {
            r->items[i] = pin_sources(c, name, l, it);
        } else if (it->kind == V_SCALAR && !it->dyn && ir_expr_any(it->e, names_hidden, (void *)prefix)) {
            ir_var *tv = lw_temp_scalar(c, it->type);
            ir_stmt *a = ir_stmt_new(S_ASSIGN, l);
            a->var = tv;
            a->e = it->e;
            lw_emit(c, a);
            value *nv = lw_scalar(it->l, ir_varref(it->l, tv), it->weak);
            nv->s = it->s;
            r->items[i] = nv;
        } else if (it->kind == V_ARRAY && !it->fresh && it->e->kind == E_READ &&
                   names_hidden(it->e, (void *)prefix)) {
            ir_var *src = it->e->view->arr, *tmp = lw_temp_slot(c, src->type, src->rank);
            lw_emit(c, lw_bind1(l, tmp, src));
            int changed = 0;
            r->items[i] = lw_value_retarget(it, src, tmp, &changed);
        } else if (it->kind == V_ARRAY && !it->fresh && it->e->kind != E_READ &&
                   ir_expr_any(it->e, names_hidden, (void *)prefix)) {
            /* t = (t[0] + t[1], t[0] - t[1]): computed before t.0 is rebound */
            r->items[i] = lw_materialize(c, it);
        }
    }
    return r;
}

static value *pin_items(lctx *c, const char *name, loc l, value *v)
{
    if (v->n > 1 && !strchr(name, '.'))
        v = pin_sources(c, name, l, v);
    value *r = lw_vnew(V_TUPLE, v->l);
    *r = *v;
    r->items = NEWN(value *, v->n + 1);
    for (int i = 0; i < v->n; i++) {
        value *it = v->items[i];
        const char *hidden = arena_printf(&util_arena, "%s.%d", name, i);
        if (it->kind == V_TUPLE) {
            r->items[i] = pin_items(c, hidden, l, it);
            continue;
        }
        if (it->kind != V_SCALAR && it->kind != V_ARRAY && !(it->kind == V_MASKED && it->self->kind == V_ARRAY)) {
            r->items[i] = it;
            continue;
        }
        if (it->kind == V_SCALAR && it->e->kind == E_CONST) {
            r->items[i] = it;
            continue;
        }
        if (v->cplx && i == 1 && it->kind == V_MASKED && it->self->kind == V_ARRAY && v->items[0]->kind == V_MASKED &&
            v->items[0]->mask == it->mask && r->items[0]->kind == V_MASKED) {
            /* lz = np.sqrt(C)[m]: the parts' snapshots share one copy of the mask */
            value *snap = lw_masked_bind_like(c, l, hidden, it, r->items[0]);
            binding *b = lw_bind(c, hidden);
            b->kind = B_VALUE;
            b->val = snap;
            r->items[i] = snap;
            continue;
        }
        ast *h = ast_name(l, hidden);
        lw_assign_name(c, h, it);
        r->items[i] = lw_read_name(c, h);
    }
    return r;
}

/* ------------------------------------------------------------------------------------------ */
/* Statements                                                                                 */

static value *target_view(lctx *c, ast *t)
{
    value *base = lw_opt_array_use(c, t->a->l, lw_expr(c, t->a), /* None or an array: checked */
                                   "TypeError: 'NoneType' object does not support item assignment");
    if (base->kind == V_ERR)
        return &lw_ERRV;
    if (base->kind != V_ARRAY || base->e->kind != E_READ) {
        diag_error(t->a->l, "only arrays can be assigned by index (this is %s)", lw_vkind_desc(base));
        return &lw_ERRV;
    }
    return lw_index_array(c, base, t, 1);
}

/* a[m] = v as one sweep over a: a = where(m, v, a). v is a scalar, or b[m] with the same mask
 * (then b's elements land where they were selected); any other array would need as many
 * elements as m selects, which only the data says. */
static void store_masked(lctx *c, loc l, value *tv, value *v)
{
    if (v->kind == V_MASKED) {
        if (!*v->str || strcmp(v->str, tv->str) != 0) {
            diag_error(v->l, "assigning a selection with another mask to a[%s] is not supported "
                             "(write b[m] with the same mask m on both sides)", tv->str);
            return;
        }
        if ((v->n || v->snapshot) && v->mask != tv->mask) { /* b = F[m] earlier: m must select the same now */
            value *moved = lw_reduce(c, l, "max", lw_binop(c, l, OP_CNE, tv->mask, v->mask));
            if (moved->kind == V_ERR)
                return;
            lw_emit_raise(c, l, ir_cast(l, T_BOOL, moved->e),
                          arena_printf(&util_arena, "ValueError: the mask '%s' changed since the "
                                                    "selection assigned here was taken (not supported)",
                                       tv->str));
        }
        v = v->self;
    } else if (v->kind != V_SCALAR) {
        diag_error(v->l, "assigning %s to a[%s] is not supported: the number of elements the mask "
                         "selects depends on the data; assign a scalar or b[%s]",
                   lw_vkind_desc(v), tv->str, tv->str);
        return;
    }
    value *w = lw_where3(c, l, tv->mask, v, tv->self);
    if (w->kind == V_ERR)
        return;
    lw_emit_sweep(c, l, tv->self, w, 0);
}
/* A scalar v stored into elements of type t (a[0] = v, a[:] = v, a[m] = v, a.fill(v)), as NumPy
 * stores one: a float into an integer dtype is converted as Python's int() does (NaN and
 * infinity are errors; a C cast would be undefined out of range), and an integer out of a
 * narrower dtype's range is NumPy's OverflowError, as b + 300 is (NEP 50), whatever the
 * scalar's dtype (b[:] = np.int64(300)). v itself when nothing applies; lw_ERRV after a
 * diagnostic. */
value *lw_scalar_for_store(lctx *c, value *v, ir_type t)
{
    if (v->kind != V_SCALAR || v->type == t)
        return v;
    if (ir_type_is_float(v->type) && ir_type_is_int(t))
        v = lw_py_int(c, v->l, v);
    if (v->kind == V_SCALAR && v->type != t && ir_type_is_int(v->type)) {
        value w = *v;
        w.weak = 1;
        if (!lw_weak_int_fits(c, v->l, &w, t))
            return &lw_ERRV;
    }
    return v;
}

/* np.f(..., out=X) stored into X (lw_out_store): NumPy's ufuncs cast their result to X's dtype
 * only within its kind (no floats into ints, no numbers into bools), and np.dot takes only
 * an output of the result's own dtype. 0 when the store is refused. */
static int out_cast_ok(lctx *c, value *tv, value *v)
{
    const char *f = c->out_ufunc;
    ir_type vt = v->type;
    if (v->kind == V_SCALAR && v->weak) /* np.add(k, 1.5, out=k): the Python float's kind */
        vt = ir_type_is_float(v->type) ? T_F64 : v->type == T_BOOL ? T_BOOL : T_I64;
    if (strcmp(f, "dot") == 0) {
        if (vt != tv->type)
            diag_error(v->l, "output array is not acceptable (must have the right datatype, number "
                             "of dimensions, and be a C-Array)");
        return vt == tv->type;
    }
    if (lw_kind_of(vt) <= lw_kind_of(tv->type))
        return 1;
    diag_error(v->l, "Cannot cast ufunc '%s' output from dtype('%s') to dtype('%s') with casting rule "
                     "'same_kind'", f, ir_type_name(vt), ir_type_name(tv->type));
    return 0;
}

static void store(lctx *c, ast *t, value *v)
{
    ast *out_at = c->out_at == t ? t : NULL; /* this store is a ufunc's out=, not one in its operands */
    if (t->kind == A_NAME) {
        lw_assign_name(c, t, v);
        return;
    }
    if (t->kind == A_SUBSCRIPT && lw_complex_store(c, t, v, store)) /* z[m] = ... (lower_complex.c) */
        return;
    if (lw_dict_store(c, t, v) || lw_sdict_store_target(c, t, v))
        return;
    if (lw_list_store(c, t, v)) /* L[i] = v of a run-time list (lower_lists.c) */
        return;
    value *list;
    int li;
    ast *h = t->kind == A_SUBSCRIPT ? lw_list_elem(c, t, &list, &li) : NULL;
    if (h) { /* F[k] = v of a list F: item k rebound, as Python's lists do */
        if (strcmp(h->name, "<error>") != 0 && v->kind != V_ERR)
            lw_list_item_store(c, h, t->a->name, list, li, v);
        return;
    }
    if (t->kind == A_SUBSCRIPT)
        t = lw_const_list_names(c, t);
    if (t->kind == A_SUBSCRIPT && lw_list_item(t) >= 0) {
        /* a[..., [i0, i1], ...] = v: one store per listed index, v computed first (it may read
         * a: a[[0, 1]] = a[[1, 0]] swaps) and split along the list's dimension when it has it */
        int k = lw_list_item(t);
        ast *lst = VEC_AT(t->args, k, ast *);
        if (!lst->args.len) { /* as a read of it says (lower_index.c) */
            diag_error(lst->l, "indexing by an empty list is not supported");
            return;
        }
        if (v->kind == V_ERR)
            return;
        if (v->kind == V_TUPLE && !v->cplx) /* g[[0, 1], 2] = [7.5, 8.5]: NumPy's array of it */
            v = lw_array_literal(c, v->l, &(args){.pos = &v, .npos = 1}, 0);
        if (v->kind == V_ARRAY)
            v = lw_materialize(c, v);
        value *first = target_view(c, lw_subscript_with(t, k, VEC_AT(lst->args, 0, ast *)));
        if (first->kind == V_ERR)
            return;
        int rank = first->kind == V_ARRAY ? first->rank + 1 : 1;
        int pos = v->kind == V_ARRAY && v->rank == rank ? 0 : -1;
        if (pos == 0) { /* the list's dimension in the target's shape */
            for (int i = 0; i < k; i++) {
                ast *it = VEC_AT(t->args, i, ast *);
                if (it->kind == A_NAME && strcmp(it->name, "Ellipsis") == 0) {
                    diag_error(it->l, "'...' before a list index in an assignment of an array is "
                                      "not supported; write the slices out");
                    return;
                }
                pos += it->kind == A_SLICE;
            }
            int64_t ext;
            if (sym_is_const(v->sh[pos], &ext) && ext != lst->args.len && ext != 1) {
                diag_error(v->l, "shape mismatch: value array of shape %s could not be broadcast to "
                                 "indexing result with %d elements along the list's dimension",
                           lw_shape_str(v->rank, v->sh), lst->args.len);
                return;
            }
        }
        for (int j = 0; j < lst->args.len; j++) {
            value *vj = pos < 0 ? v : lw_fix_axis(c, t->l, v, pos, lw_I64(t->l, lw_sym_is_one_ext(v->sh[pos]) ? 0 : j));
            if (vj->kind == V_ARRAY && vj->rank == 0 && vj->e->kind == E_READ) { /* g[[2, 0], 1] = v: one number */
                ir_view *w = vj->e->view;
                ir_expr **idx = NEWN(ir_expr *, w->rank);
                for (int d = 0; d < w->rank; d++)
                    idx[d] = w->dim[d].lo;
                vj = lw_scalar(t->l, ir_elem(t->l, w->arr, idx), 0);
            }
            store(c, lw_subscript_with(t, k, VEC_AT(lst->args, j, ast *)), vj);
        }
        return;
    }
    if (t->kind == A_SUBSCRIPT)
        t = lw_tuple_index(c, t);
    if (t->kind == A_SUBSCRIPT && lw_scatter(c, t, v))
        return;
    if (t->kind == A_SUBSCRIPT) {
        value *tv = target_view(c, t);
        if (tv->kind == V_ERR || v->kind == V_ERR)
            return;
        if (out_at && (tv->kind == V_SCALAR || tv->kind == V_ARRAY) &&
            (v->kind == V_SCALAR || v->kind == V_ARRAY) && !out_cast_ok(c, tv, v))
            return;
        if (tv->kind == V_SCALAR || tv->kind == V_ARRAY || tv->kind == V_MASKED) {
            v = lw_scalar_for_store(c, v, tv->type);
            if (v->kind == V_ERR)
                return;
        }
        if (tv->kind == V_MASKED) {
            store_masked(c, t->l, tv, v);
            return;
        }
        if (tv->kind == V_SCALAR) { /* all indices are integers: one element */
            ir_expr *el = tv->e;
            if (v->kind != V_SCALAR) {
                diag_error(v->l, "setting an array element with a sequence (the value is %s)", lw_vkind_desc(v));
                return;
            }
            ir_stmt *s = ir_stmt_new(S_SETELEM, t->l);
            s->var = el->var;
            s->n = el->nargs;
            s->args = el->args;
            s->eview = el->kind == E_ELEM ? el->view : NULL;
            s->e = ir_cast(t->l, el->type, v->e);
            lw_emit(c, s);
            return;
        }
        if (v->kind == V_TUPLE && !v->cplx) /* g[1:4, 1:4] = [[0, 1, 0], ...]: NumPy's array of it */
            v = lw_array_literal(c, v->l, &(args){.pos = &v, .npos = 1}, 0);
        lw_emit_sweep(c, t->l, tv, v, 0);
        return;
    }
    if (t->kind == A_ATTR && strcmp(t->name, "shape") == 0) { /* x.shape = (n, m) */
        lw_set_shape(c, t, v);
        return;
    }
    if (t->kind == A_ATTR) {
        diag_error(t->l, "assignment to an attribute is not supported");
        return;
    }
    diag_error(t->l, "cannot assign to this expression");
}
/* x, y = s of an array: Python iterates over its first axis, so the items are s[0], s[1], ...
 * (numbers of a 1-D array, taken now; views of the rows of a larger one). The first extent must
 * be n: when compiling if it is known then, else when running, with Python's messages. */
value *lw_unpack_array(lctx *c, loc l, value *v, int n)
{
    if (v->rank < 1)
        return NULL;
    int64_t k, kl;
    if (v->sh[0] && sym_is_const(v->sh[0], &k)) {
        if (k != n) {
            if (k > n)
                diag_error(l, "too many values to unpack (expected %d)", n);
            else
                diag_error(l, "not enough values to unpack (expected %d, got %lld)", n, (long long)k);
            return &lw_ERRV;
        }
    }
    /* an extent known when compiling assumes that no slice is clipped by a parameter's value
     * (lower_index.c sym_slice): a, b, c = z[:3] of a z of N = 2 read past its end (h120);
     * the extent when running is checked too, unless it is a constant */
    if (v->len[0] && (!(v->sh[0] && sym_is_const(v->sh[0], &k)) || !ir_expr_const_int(v->len[0], &kl))) {
        ir_expr *len = v->len[0];
        lw_emit_raise(c, l, ir_bin(l, OP_CGT, T_BOOL, len, lw_I64(l, n), 0),
                      arena_printf(&util_arena, "ValueError: too many values to unpack (expected %d)", n));
        /* Python says how many there were; the extent is only known now */
        lw_emit_raise(c, l, ir_bin(l, OP_CLT, T_BOOL, len, lw_I64(l, n), 0),
                      arena_printf(&util_arena, "ValueError: not enough values to unpack (expected %d)", n));
    }
    if (v->e->kind != E_READ || lw_view_has_wrap(v->e->view))
        v = lw_materialize(c, v);
    value *t = lw_vnew(V_TUPLE, l);
    t->n = n;
    t->items = NEWN(value *, n + 1);
    for (int i = 0; i < n; i++) {
        value *r = lw_fix_axis(c, l, v, 0, lw_I64(l, i));
        if (r->rank == 0) { /* a number: the element, read when the names are bound */
            ir_view *w = r->e->view;
            ir_expr **idx = NEWN(ir_expr *, w->rank);
            for (int d = 0; d < w->rank; d++)
                idx[d] = w->dim[d].lo;
            r = lw_scalar(l, ir_elem(l, w->arr, idx), 0);
        }
        t->items[i] = r;
    }
    return t;
}

/* A statement below a that changes the list named name in place (a list method that does,
 * an item or slice stored, += or *= of the name), or NULL. */
static ast *list_changed(ast *a, const char *name)
{
    static const char *const m[] = {"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", NULL};
    if (!a)
        return NULL;
    if (a->kind == A_CALL && a->a->kind == A_ATTR && a->a->a && a->a->a->kind == A_NAME &&
        strcmp(a->a->a->name, name) == 0)
        for (int i = 0; m[i]; i++)
            if (strcmp(a->a->name, m[i]) == 0)
                return a;
    if (a->kind == A_AUGASSIGN && a->b->kind == A_NAME && strcmp(a->b->name, name) == 0 && (a->op == '+' || a->op == '*'))
        return a;
    if (a->kind == A_ASSIGN && a->targets.len == 1 && VEC_AT(a->targets, 0, ast *)->kind == A_NAME &&
        strcmp(VEC_AT(a->targets, 0, ast *)->name, name) == 0 && a->a->kind == A_BINOP && a->a->op == '+' &&
        a->a->a->kind == A_NAME && strcmp(a->a->a->name, name) == 0)
        return a; /* name = name + items: lowered as name.extend(items) (concat_rebind) */
    ast *r;
    if ((r = list_changed(a->a, name)) || (r = list_changed(a->b, name)) || (r = list_changed(a->c, name)))
        return r;
    vec *vs[] = {&a->args, &a->kwargs, &a->targets, &a->body, &a->orelse};
    for (size_t k = 0; k < sizeof vs / sizeof *vs; k++)
        for (int i = 0; i < vs[k]->len; i++)
            if ((r = list_changed(VEC_AT(*vs[k], i, ast *), name)))
                return r;
    return NULL;
}

static ast *target_store(ast *t, const char *name) /* x[i] = ... / x[i] += ... of the name */
{
    if (t->kind == A_SUBSCRIPT && t->a->kind == A_NAME && strcmp(t->a->name, name) == 0)
        return t;
    for (int i = 0; (t->kind == A_TUPLE || t->kind == A_LIST) && i < t->args.len; i++) {
        ast *r = target_store(VEC_AT(t->args, i, ast *), name);
        if (r)
            return r;
    }
    return NULL;
}

static ast *stores_into(ast *a, const char *name)
{
    if (!a)
        return NULL;
    ast *r;
    for (int i = 0; a->kind == A_ASSIGN && i < a->targets.len; i++)
        if ((r = target_store(VEC_AT(a->targets, i, ast *), name)))
            return r;
    if (a->kind == A_AUGASSIGN && (r = target_store(a->b, name)))
        return r;
    vec *vs[] = {&a->body, &a->orelse};
    for (size_t k = 0; k < sizeof vs / sizeof *vs; k++)
        for (int i = 0; i < vs[k]->len; i++)
            if ((r = stores_into(VEC_AT(*vs[k], i, ast *), name)))
                return r;
    return NULL;
}

/* y = x or y = x = [...] with a list: Python's names then share one list, which the compiler's
 * lists (values bound to each name) do not. Refused, located, when the program changes the list
 * in place through any of the names (spelled alike anywhere: conservative); else the names
 * cannot tell. 1 after a diagnostic. */
static int list_second_name(lctx *c, ast *s, value *v)
{
    if (!((v->kind == V_TUPLE && v->is_list && !v->keys) || v->kind == V_LIST) ||
        !(s->a->kind == A_NAME || s->targets.len > 1))
        return 0;
    vec names = {0};
    if (s->a->kind == A_NAME)
        vec_push(&names, (void *)s->a->name);
    for (int k = 0; k < s->targets.len; k++)
        if (VEC_AT(s->targets, k, ast *)->kind == A_NAME)
            vec_push(&names, (void *)VEC_AT(s->targets, k, ast *)->name);
    if (names.len < 2)
        return 0;
    for (int i = 0; i < names.len; i++) {
        const char *n = VEC_AT(names, i, const char *);
        if (strchr(n, '.') && !(i == 0 && s->a->kind == A_NAME && lw_dictlist_name(n)))
            return 0; /* bound by the compiler's own rewrites (a dict's list d.k may be read) */
    }
    for (int i = 0; i < names.len; i++)
        for (int j = 0; j < c->module_body.len; j++) {
            const char *n = VEC_AT(names, i, const char *);
            ast *b = VEC_AT(c->module_body, j, ast *), *w = list_changed(b, n);
            if (!w)
                w = stores_into(b, n);
            if (w) {
                diag_error(s->a->kind == A_NAME ? s->a->l : s->l,
                           "a second name for one list is not supported where the list is changed in "
                           "place (Python's names would share it); copy it (list(%s)) or keep one name",
                           s->a->kind == A_NAME ? diag_text(s->a->l) : VEC_AT(names, 0, const char *));
                diag_note(w->l, "'%s' is changed here", n);
                return 1;
            }
        }
    return 0;
}

/* items that L + items, L += items of a list L concatenates: a list or tuple (a literal, a
 * comprehension, list(...), a name of one). Not a NumPy value: CPython tries NumPy's add before
 * the list's concatenation, so L + np.array(...) is an array. */
static int list_items(lctx *c, ast *e)
{
    if (e->kind == A_LIST || e->kind == A_TUPLE || (e->kind == A_COMP && e->ival != 2))
        return 1;
    if (e->kind == A_CALL && e->a->kind == A_NAME && strcmp(e->a->name, "list") == 0 && !lw_lookup(c, "list", &(int){0}))
        return 1;
    return e->kind == A_NAME && lw_list_binding(c, e);
}

/* N = N + items of a list N: Python makes a new list, which is N extended when no other name
 * holds the old one (list_second_name refuses such a name: list_changed counts this statement
 * as a change of N). 1 when s is that statement of a list, lowered as N.extend(items). */
static int concat_rebind(lctx *c, ast *s)
{
    ast *t = s->targets.len == 1 ? VEC_AT(s->targets, 0, ast *) : NULL;
    if (!t || t->kind != A_NAME || s->a->kind != A_BINOP || s->a->op != '+' || s->a->a->kind != A_NAME ||
        strcmp(s->a->a->name, t->name) != 0)
        return 0;
    binding *lb = lw_list_binding(c, t);
    if (!lb || !(lb->val->kind == V_LIST || lb->val->is_list) || !list_items(c, s->a->b))
        return 0;
    lw_stmt(c, ast_expr_stmt(s->l, ast_call(s->l, ast_attr(s->l, t, "extend"), ast_arglist(NULL, s->a->b))));
    return 1;
}

void lw_lower_assign(lctx *c, ast *s)
{
    if (concat_rebind(c, s))
        return;
    value *v = lw_expr(c, s->a);
    if (list_second_name(c, s, v)) {
        for (int k = 0; k < s->targets.len; k++)
            if (VEC_AT(s->targets, k, ast *)->kind == A_NAME)
                store(c, VEC_AT(s->targets, k, ast *), &lw_ERRV);
        return;
    }
    if (lw_is_dict(v) && v->dict_shared && (s->a->kind == A_NAME || s->targets.len > 1))
        *v->dict_shared = 1; /* e = d: two names for one dict (lw_dict_store) */
    if (s->targets.len > 1 && v->kind == V_ARRAY && (v->fresh || v->e->kind != E_READ)) {
        /* u = un = np.zeros(n): one new array that every target binds (Python's aliasing). Each
         * name takes its own reference to the temporary (not the temporary itself, which the
         * first would empty), and the temporary is released after the statement. */
        if (!v->fresh)
            v = lw_materialize(c, v);
        value *r = lw_vnew(V_ARRAY, v->l);
        *r = *v;
        r->fresh = NULL;
        v = r;
    }
    for (int k = 0; k < s->targets.len; k++) {
        ast *t = lw_attr_target(c, VEC_AT(s->targets, k, ast *)); /* self.u = ...: its name */
        if (!t)
            continue;
        if (t->kind != A_TUPLE && t->kind != A_LIST) {
            store(c, t, v);
            continue;
        }
        int n = t->args.len;
        if (v->kind == V_ERR) {
            for (int i = 0; i < n; i++)
                if (VEC_AT(t->args, i, ast *)->kind == A_NAME)
                    store(c, VEC_AT(t->args, i, ast *), &lw_ERRV);
            continue;
        }
        v = lw_opt_item_base(c, s->a->l, v, 1); /* i, x = best, best None or a tuple: checked */
        int starred = 0;
        for (int i = 0; i < n; i++)
            starred |= VEC_AT(t->args, i, ast *)->kind == A_STARRED;
        if (v->kind == V_ARRAY && !starred) { /* x, y = state */
            value *u = lw_unpack_array(c, s->a->l, v, n);
            if (u && u->kind == V_ERR)
                continue;
            if (u)
                v = u;
        }
        if (lw_is_split(v) && !starred) /* key, val = line.split("=") */
            v = lw_text_unpack(c, s->a->l, v, n);
        if (v->kind == V_ARRAY && starred) {
            diag_error(s->a->l, "unpacking an array into a starred name is not supported (name "
                                "each item, or slice the array)");
            continue;
        }
        if (v->kind != V_TUPLE || lw_is_complex(v)) {
            diag_error(s->a->l, "cannot unpack %s into %d names", lw_is_complex(v) ? "a complex value" : lw_vkind_desc(v), n);
            continue;
        }
        int star = -1, nstar = 0;
        for (int i = 0; i < n; i++)
            if (VEC_AT(t->args, i, ast *)->kind == A_STARRED) {
                star = i;
                nstar++;
            }
        if (nstar > 1) {
            diag_error(t->l, "multiple starred expressions in assignment");
            continue;
        }
        if (star >= 0) { /* first, *rest = seq: rest is the list of the items between */
            if (v->n < n - 1) {
                diag_error(s->a->l, "not enough values to unpack (expected at least %d, got %d)", n - 1, v->n);
                continue;
            }
            int mid = v->n - (n - 1);
            value *rest = lw_vnew(V_TUPLE, v->l);
            rest->is_list = 1;
            rest->owner = c->sc;
            rest->n = mid;
            rest->items = NEWN(value *, mid + 1);
            for (int i = 0; i < mid; i++)
                rest->items[i] = v->items[star + i];
            value *w = lw_vnew(V_TUPLE, v->l);
            w->n = n;
            w->items = NEWN(value *, n + 1);
            ast *nt = ast_new(t->kind, t->l);
            for (int i = 0; i < n; i++) {
                ast *ti = VEC_AT(t->args, i, ast *);
                w->items[i] = i < star ? v->items[i] : i == star ? rest : v->items[i - 1 + mid];
                vec_push(&nt->args, i == star ? ti->a : ti);
            }
            v = w;
            t = nt;
        }
        if (v->n != n) {
            diag_error(s->a->l, v->n > n ? "too many values to unpack (expected %d)"
                                         : "not enough values to unpack (expected %d, got %d)",
                       n, v->n);
            continue;
        }
        /* Evaluate every value before assigning any (Python's order): array expressions are
         * computed, scalars copied to temporaries when more than one name is assigned. */
        value **items = NEWN(value *, n);
        for (int i = 0; i < n; i++) {
            value *it = v->items[i];
            if (it->kind == V_ARRAY && it->e->kind != E_READ)
                it = lw_materialize(c, it);
            if (it->kind == V_ARRAY && !it->fresh && n > 1 && VEC_AT(t->args, i, ast *)->kind != A_NAME &&
                lw_whole_slot(it) && !lw_is_ephemeral(c, it->e->view->arr)) {
                /* the array itself, as Python evaluates it: a store into a list before this
                 * one may rebind the name it was read from (F[0], F[1] = F[1], F[0]) */
                ir_var *src = it->e->view->arr, *tmp = lw_temp_slot(c, src->type, src->rank);
                lw_emit(c, lw_bind1(it->l, tmp, src));
                int changed = 0;
                it = lw_value_retarget(it, src, tmp, &changed);
            }
            if (it->kind == V_SCALAR && it->dyn && n > 1) {
                dynvar *td = NEW(dynvar); /* the value's int, float and tag, copied */
                td->name = "<temporary>";
                td->i = lw_temp_scalar(c, T_I64);
                td->f = lw_temp_scalar(c, T_F64);
                td->tag = lw_temp_scalar(c, T_BOOL);
                ir_var *from[3] = {it->dyn->i, it->dyn->f, it->dyn->tag}, *to[3] = {td->i, td->f, td->tag};
                for (int k = 0; k < 3; k++) {
                    ir_stmt *a = ir_stmt_new(S_ASSIGN, it->l);
                    a->var = to[k];
                    a->e = ir_varref(it->l, from[k]);
                    lw_emit(c, a);
                }
                value *nv = lw_scalar(it->l, ir_select(it->l, T_F64, ir_varref(it->l, td->tag), ir_varref(it->l, td->f),
                                                    ir_cast(it->l, T_F64, ir_varref(it->l, td->i))), it->weak);
                nv->dyn = td;
                it = nv;
            } else if (it->kind == V_SCALAR && it->e->kind != E_CONST && n > 1) {
                ir_var *tv = lw_temp_scalar(c, it->type);
                ir_stmt *a = ir_stmt_new(S_ASSIGN, it->l);
                a->var = tv;
                a->e = it->e;
                lw_emit(c, a);
                const sym *sv = it->s;
                int weak = it->weak;
                it = lw_scalar(it->l, ir_varref(it->l, tv), weak);
                it->s = sv;
            }
            items[i] = it;
        }
        /* Names bound to whole arrays are rebound together (a swap rotates references). */
        ir_stmt *b = ir_stmt_new(S_BIND, s->l);
        b->dst = NEWN(ir_var *, n);
        b->srcs = NEWN(ir_var *, n);
        for (int i = 0; i < n; i++) {
            ast *ti = VEC_AT(t->args, i, ast *);
            ir_var *src = lw_whole_slot(items[i]);
            if (ti->kind == A_NAME && src && items[i]->kind == V_ARRAY) {
                ir_var *slot = lw_scope_var(c, ti->name, items[i]->type, items[i]->rank, 1);
                lw_keep_views(c, s->l, slot, ti->name);
                b->dst[b->n] = slot;
                b->srcs[b->n++] = src;
                lw_note_bind(slot, src);
                lw_bind_array(c, ti->name, slot, items[i]);
                items[i] = NULL;
            }
        }
        if (b->n)
            lw_emit(c, b);
        ast **tg = NEWN(ast *, n + 1);
        for (int i = 0; i < n; i++)
            tg[i] = VEC_AT(t->args, i, ast *);
        lw_nonzero_unpack(c, s->l, tg, items, n); /* ii, jj = np.nonzero(m): one mask */
        for (int i = 0; i < n; i++) {
            ast *ti = VEC_AT(t->args, i, ast *);
            if (!items[i])
                continue;
            ast *starred = NULL;
            for (int j = 0; ti->kind == A_TUPLE && items[i]->kind == V_ARRAY && j < ti->args.len; j++)
                if (VEC_AT(ti->args, j, ast *)->kind == A_STARRED)
                    starred = VEC_AT(ti->args, j, ast *);
            if (starred) { /* (x, *rest), w of an array's row: was counted as a name ('too many values
                            * to unpack'); of a tuple it is unpacked below */
                diag_error(starred->l, "starred unpacking (*name) of an array's row is not supported");
                for (int j = 0; j < ti->args.len; j++) { /* no 'name is not defined' after it */
                    ast *n = VEC_AT(ti->args, j, ast *);
                    n = n->kind == A_STARRED ? n->a : n;
                    if (n && n->kind == A_NAME) {
                        binding *b = lw_bind(c, n->name);
                        b->kind = B_VALUE;
                        b->val = &lw_ERRV;
                    }
                }
                continue;
            }
            if (ti->kind == A_TUPLE && items[i]->kind == V_ARRAY) {
                /* for (x, y), w in zip(points, weights): a row of an array unpacked, as a
                 * for over the array's rows unpacks it (lw_bind_target) */
                value *u = lw_unpack_array(c, ti->l, items[i], ti->args.len);
                if (u && u->kind == V_ERR)
                    continue;
                if (u)
                    items[i] = u;
            }
            if (ti->kind == A_TUPLE && items[i]->kind == V_TUPLE && !items[i]->keys && !items[i]->cplx) {
                /* (p, q), r = pairs[k]: the item's tuple bound to a hidden name, unpacked from it */
                const char *h = arena_printf(&util_arena, "unpack.%d.%d", ti->l.line, ti->l.col);
                binding *nb = lw_bind(c, h);
                nb->kind = B_VALUE;
                nb->val = items[i];
                lw_stmt(c, ast_assign(ti->l, ast_vec1(ti), ast_name(ti->l, h)));
                continue;
            }
            if (ti->kind == A_TUPLE || ti->kind == A_STARRED) {
                diag_error(ti->l, "nested or starred unpacking is not supported");
                continue;
            }
            store(c, ti, items[i]);
        }
    }
}
/* The ufunc NumPy names in its casting error for an augmented assignment's operator. */
const char *lw_ufunc_name(ir_op op)
{
    switch (op) {
    case OP_ADD: return "add";
    case OP_SUB: return "subtract";
    case OP_MUL: return "multiply";
    case OP_TRUEDIV: return "divide";
    case OP_FDIV: return "floor_divide";
    case OP_MOD: return "remainder";
    case OP_POWER: return "power";
    default: return ir_op_name(op);
    }
}
void lw_lower_augassign(lctx *c, ast *s)
{
    /* L += items of a list is L.extend(items) in Python (any iterable, the list changed in
     * place, every other name for it seeing the change): lowered as that call */
    binding *lb = s->op == '+' && s->b->kind == A_NAME ? lw_list_binding(c, s->b) : NULL;
    if (lb && (lb->val->kind == V_LIST || lb->val->is_list) && list_items(c, s->a)) {
        lw_stmt(c, ast_expr_stmt(s->l, ast_call(s->l, ast_attr(s->l, s->b, "extend"), ast_arglist(NULL, s->a))));
        return;
    }
    ir_op op = lw_map_binop(s->op);
    if ((int)op < 0) {
        diag_error(s->l, "operator '%s=' is not supported", ast_op_name(s->op));
        return;
    }
    /* Python reads the target before it evaluates the value: k += f() with f changing k adds
     * to k's old value (lower_order.c), the value's statements being [mark, rend) */
    lw_held held;
    ast *t = lw_index_first(c, s->b, s->a, &held); /* a[k] += f(): k before f() */
    int mark = c->out->len;
    value *rhs = lw_expr(c, s->a);
    mark += lw_index_pin(c, &held);
    int rend = c->out->len;
    t = lw_attr_target(c, t); /* self.t += dt: the attribute's name */
    if (!t)
        return;
    if (lw_complex_augassign(c, s, t, op, rhs, store))
        return;
    if (t->kind == A_SUBSCRIPT && t->a->kind == A_NAME) { /* d[k] += v of a dict */
        int unbound;
        binding *db = lw_lookup(c, t->a->name, &unbound);
        if (db && db->kind == B_VALUE && lw_is_dict(db->val)) {
            value *cur = lw_expr(c, t);
            if (cur->kind == V_ERR || rhs->kind == V_ERR)
                return;
            if (cur->kind == V_ARRAY && cur->e->kind == E_READ && !cur->fresh) {
                /* the array item is updated in place, as NumPy's += does */
                value *r = lw_binop(c, s->l, op, cur, rhs);
                if (r->kind != V_ERR)
                    lw_emit_sweep(c, s->l, cur, r, 0);
                return;
            }
            lw_dict_store(c, t, lw_binop(c, s->l, op, cur, rhs));
            return;
        }
        if (db && db->kind == B_VALUE && db->val && db->val->kind == V_LIST) { /* L[i] += v */
            value *cur = lw_expr(c, t);
            if (cur->kind == V_ERR || rhs->kind == V_ERR)
                return;
            lw_list_store(c, t, lw_binop(c, s->l, op, cur, rhs));
            return;
        }
    }
    value *list = NULL;
    int li = 0;
    ast *h = t->kind == A_SUBSCRIPT ? lw_list_elem(c, t, &list, &li) : NULL;
    if (h && strcmp(h->name, "<error>") == 0)
        return;
    ast *subscript = t;
    if (h)
        t = h; /* F[k] += x: the array item updated in place (a scalar item rebound) */
    if (t->kind == A_NAME) {
        /* xs[0] += 1.0: the item's value (a constant of a list literal has no hidden name) */
        value *cur = list ? list->items[li] : lw_read_name(c, t);
        /* x += v, x None or a number: checked (lower_optional.c) */
        lw_opt_binop_operands(c, s->l, arena_printf(&util_arena, "%s=", ast_op_name(s->op)), &cur, &rhs);
        if (cur->kind == V_SCALAR)
            cur = lw_pin_span(c, cur, mark, rend);
        if (cur->kind == V_ARRAY) {
            /* in place, as NumPy: every name bound to this array sees the update */
            if (cur->e->kind != E_READ)
                cur = lw_materialize(c, cur);
            value *r = lw_binop(c, s->l, op, cur, rhs);
            if (r->kind == V_ARRAY && lw_kind_of(r->type) > lw_kind_of(cur->type)) {
                diag_error(s->l, "Cannot cast ufunc '%s' output from dtype('%s') to dtype('%s') with "
                                 "casting rule 'same_kind'", lw_ufunc_name(op), ir_type_name(r->type),
                           ir_type_name(cur->type));
                return;
            }
            lw_emit_sweep(c, s->l, cur, r, 0);
            return;
        }
        value *sv = lw_str_binop(c, s->l, s->op, cur, rhs); /* name += ".npy" (lower_format.c) */
        if (list) {
            value *r = sv ? sv : lw_binop(c, s->l, op, cur, rhs);
            if (r->kind != V_ERR)
                lw_list_item_store(c, t, subscript->a->name, list, li, r);
            return;
        }
        lw_assign_name(c, t, sv ? sv : lw_binop(c, s->l, op, cur, rhs));
        return;
    }
    if (t->kind == A_SUBSCRIPT)
        t = lw_tuple_index(c, t);
    if (t->kind == A_SUBSCRIPT)
        t = lw_const_list_names(c, t);
    if (t->kind == A_SUBSCRIPT && lw_list_item(t) >= 0) {
        /* g[:, [0, 3]] += 1.0: NumPy's a[idx] = a[idx] + v (a repeated index written once
         * with the value read before any write; ints cut as a store of floats does) */
        value *cur = lw_expr(c, t);
        if (cur->kind == V_ERR || rhs->kind == V_ERR)
            return;
        value *r = lw_binop(c, s->l, op, cur, rhs);
        if (r->kind != V_ERR)
            store(c, t, r);
        return;
    }
    if (t->kind == A_SUBSCRIPT && lw_augscatter(c, s->l, op, t, rhs))
        return;
    if (t->kind == A_SUBSCRIPT) {
        value *tv = target_view(c, t);
        if (tv->kind == V_ERR || rhs->kind == V_ERR)
            return;
        value *masked = NULL;
        if (tv->kind == V_MASKED && rhs->kind == V_MASKED) { /* a[m] += b[m]: b's selected points */
            value *ops[2] = {tv, rhs}, *sel;
            if (lw_masked_operands(arena_printf(&util_arena, "%s=", ast_op_name(s->op)), ops, 2, &sel) < 0)
                return;
            rhs = ops[1];
        } else if (tv->kind == V_MASKED) { /* a[m] += x: a = where(m, a + x, a) */
            if (rhs->kind != V_SCALAR) {
                diag_error(s->a->l, "'%s=' of %s on a[%s] is not supported: the number of elements "
                                    "the mask selects depends on the data; use a scalar or b[%s]",
                           ast_op_name(s->op), lw_vkind_desc(rhs), tv->str, tv->str);
                return;
            }
        }
        if (tv->kind == V_MASKED) {
            masked = tv;
            tv = tv->self;
        }
        value *r = lw_binop(c, s->l, op, tv->kind == V_SCALAR ? lw_pin_span(c, tv, mark, rend) : tv, rhs);
        if (r->kind == V_ERR)
            return;
        if (tv->kind == V_SCALAR && r->kind == V_SCALAR) {
            /* a[i] += 0.5 of an int array: Python computes a[i] + 0.5 (a NumPy scalar, immutable)
             * and stores it by __setitem__, which casts as a[i] = ... does; only an array
             * target is updated by the in-place ufunc, whose same_kind rule refuses the cast */
            r = lw_scalar_for_store(c, r, tv->type);
            if (r->kind == V_ERR)
                return;
        } else if (lw_kind_of(r->type) > lw_kind_of(tv->type)) {
            diag_error(s->l, "Cannot cast ufunc '%s' output from dtype('%s') to dtype('%s') with "
                             "casting rule 'same_kind'", lw_ufunc_name(op), ir_type_name(r->type),
                       ir_type_name(tv->type));
            return;
        }
        if (masked) {
            r = lw_where3(c, s->l, masked->mask, r, tv);
            if (r->kind != V_ERR)
                lw_emit_sweep(c, s->l, tv, r, 0);
            return;
        }
        if (tv->kind == V_SCALAR) {
            if (r->kind != V_SCALAR) { /* u[i] += array */
                diag_error(s->a->l, "setting an array element with a sequence (the value is %s)",
                           lw_vkind_desc(rhs));
                return;
            }
            ir_stmt *st = ir_stmt_new(S_SETELEM, t->l);
            st->var = tv->e->var;
            st->n = tv->e->nargs;
            st->args = tv->e->args;
            st->eview = tv->e->kind == E_ELEM ? tv->e->view : NULL;
            st->e = ir_cast(t->l, tv->e->type, r->e);
            lw_emit(c, st);
            return;
        }
        lw_emit_sweep(c, s->l, tv, r, 0);
        return;
    }
    diag_error(t->l, "cannot assign to this expression");
}
