/* lower.c: syntax tree -> stencil IR (names, types, shapes, inlining). See lower.h.
 *
 * The lowering is an abstract interpreter over the module: it walks statements in order with an
 * environment mapping Python names to what they hold at that point:
 *   - a scalar variable (an ir_var, its type and, for ints, a symbolic value when static);
 *   - an array slot (an ir_var holding a tyl_array*, with the static shape of its array);
 *   - any other value (views of arrays, tuples, functions, strings, dtypes, modules).
 * Array expressions are built lazily as elementwise trees and become sweeps when assigned.
 * Functions are inlined at each call. Loops are lowered once, after a type inference that
 * finds which scalar names change type in the body (a fixed point: see loop_pass; those that are
 * an int on one path and a float on another keep Python's type through a tag: dynvar).
 *
 * This file: the driver (lower_module), parameters, assignments and stores, statements. Loops
 * and their type inference are in lower_loops.c. The rest is split by responsibility (lower_internal.h lists the files and what they
 * share). */

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
    if (v->kind == V_MASKED && v->n && v->self->kind == V_ARRAY) { /* b = F[mask, :]: a snapshot */
        v = lw_masked_bind(c, l, name, v);
        binding *b = lw_bind(c, name);
        b->kind = B_VALUE;
        b->val = v;
        return;
    }
    if (v->kind == V_MASKED) {
        diag_error(v->l, "'%s = a[%s]' is not supported: a boolean-mask selection has a shape that "
                         "depends on the data", name, v->str);
        diag_note((loc){0}, "masks are supported in a[m] = scalar, a[m] = b[m], a[m] += scalar and "
                            "in reductions such as np.sum(a[m]) and a[m].max()");
        v = &lw_ERRV;
    }
    if (v->kind == V_ERR) {
        /* keep the name defined so later uses do not cascade into more errors */
        binding *b = lw_bind(c, name);
        b->kind = B_VALUE;
        b->val = &lw_ERRV;
        return;
    }
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
        if (it->kind != V_SCALAR && it->kind != V_ARRAY) {
            r->items[i] = it;
            continue;
        }
        if (it->kind == V_SCALAR && it->e->kind == E_CONST) {
            r->items[i] = it;
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
    value *base = lw_expr(c, t->a);
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
        if (v->n && v->mask != tv->mask) { /* b = F[m, :] earlier: m must select the same now */
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
static void store(lctx *c, ast *t, value *v)
{
    if (t->kind == A_NAME) {
        lw_assign_name(c, t, v);
        return;
    }
    if (lw_dict_store(c, t, v))
        return;
    value *list;
    int li;
    ast *h = t->kind == A_SUBSCRIPT ? lw_list_elem(c, t, &list, &li) : NULL;
    if (h) { /* F[k] = v of a list F: item k rebound, as Python's lists do */
        if (strcmp(h->name, "<error>") != 0 && v->kind != V_ERR)
            lw_list_item_store(c, h, t->a->name, list, li, v);
        return;
    }
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
            store(c, lw_subscript_with(t, k, VEC_AT(lst->args, j, ast *)), vj);
        }
        return;
    }
    if (t->kind == A_SUBSCRIPT && lw_scatter(c, t, v))
        return;
    if (t->kind == A_SUBSCRIPT) {
        value *tv = target_view(c, t);
        if (tv->kind == V_ERR || v->kind == V_ERR)
            return;
        if (tv->kind == V_MASKED) {
            store_masked(c, t->l, tv, v);
            return;
        }
        /* a[0] = 300 into uint8 is NumPy's OverflowError, as a + 300 is (NEP 50); NumPy checks
         * an integer scalar of any dtype stored into a narrower one (b[:] = np.int64(300)) */
        if ((tv->kind == V_SCALAR || tv->kind == V_ARRAY) && v->kind == V_SCALAR && v->type != tv->type &&
            ir_type_is_int(v->type)) {
            value w = *v;
            w.weak = 1;
            if (!lw_weak_int_fits(c, v->l, &w, tv->type))
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
            s->e = ir_cast(t->l, el->type, v->e);
            lw_emit(c, s);
            return;
        }
        lw_emit_sweep(c, t->l, tv, v, 0);
        return;
    }
    if (t->kind == A_ATTR) {
        diag_error(t->l, "assignment to an attribute is not supported");
        return;
    }
    diag_error(t->l, "cannot assign to this expression");
}
static void lower_assign(lctx *c, ast *s)
{
    value *v = lw_expr(c, s->a);
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
        ast *t = VEC_AT(s->targets, k, ast *);
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
        if (v->kind != V_TUPLE) {
            diag_error(s->a->l, "cannot unpack %s into %d names", lw_vkind_desc(v), n);
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
                lw_bind_array(c, ti->name, slot, items[i]);
                items[i] = NULL;
            }
        }
        if (b->n)
            lw_emit(c, b);
        for (int i = 0; i < n; i++) {
            ast *ti = VEC_AT(t->args, i, ast *);
            if (!items[i])
                continue;
            if (ti->kind == A_TUPLE || ti->kind == A_STARRED) {
                diag_error(ti->l, "nested or starred unpacking is not supported");
                continue;
            }
            store(c, ti, items[i]);
        }
    }
}
static void lower_augassign(lctx *c, ast *s)
{
    ir_op op = lw_map_binop(s->op);
    if ((int)op < 0) {
        diag_error(s->l, "operator '%s=' is not supported", ast_op_name(s->op));
        return;
    }
    value *rhs = lw_expr(c, s->a);
    ast *t = s->b;
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
    }
    value *list = NULL;
    int li = 0;
    ast *h = t->kind == A_SUBSCRIPT ? lw_list_elem(c, t, &list, &li) : NULL;
    if (h && strcmp(h->name, "<error>") == 0)
        return;
    if (h)
        t = h; /* F[k] += x: the array item updated in place (a scalar item rebound) */
    if (t->kind == A_NAME) {
        /* xs[0] += 1.0: the item's value (a constant of a list literal has no hidden name) */
        value *cur = list ? list->items[li] : lw_read_name(c, t);
        if (cur->kind == V_ARRAY) {
            /* in place, as NumPy: every name bound to this array sees the update */
            if (cur->e->kind != E_READ)
                cur = lw_materialize(c, cur);
            value *r = lw_binop(c, s->l, op, cur, rhs);
            if (r->kind == V_ARRAY && lw_kind_of(r->type) > lw_kind_of(cur->type)) {
                diag_error(s->l, "Cannot cast ufunc '%s' output from dtype('%s') to dtype('%s') with "
                                 "casting rule 'same_kind'", ir_op_name(op), ir_type_name(r->type),
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
                lw_list_item_store(c, t, s->b->a->name, list, li, r);
            return;
        }
        lw_assign_name(c, t, sv ? sv : lw_binop(c, s->l, op, cur, rhs));
        return;
    }
    if (t->kind == A_SUBSCRIPT && lw_augscatter(c, s->l, op, t, rhs))
        return;
    if (t->kind == A_SUBSCRIPT) {
        value *tv = target_view(c, t);
        if (tv->kind == V_ERR || rhs->kind == V_ERR)
            return;
        value *masked = NULL;
        if (tv->kind == V_MASKED) { /* a[m] += x: a = where(m, a + x, a) */
            if (rhs->kind != V_SCALAR) {
                diag_error(s->a->l, "'%s=' of %s on a[%s] is not supported: the number of elements "
                                    "the mask selects depends on the data; use a scalar",
                           ast_op_name(s->op), lw_vkind_desc(rhs), tv->str);
                return;
            }
            masked = tv;
            tv = tv->self;
        }
        value *r = lw_binop(c, s->l, op, tv, rhs);
        if (r->kind == V_ERR)
            return;
        if (lw_kind_of(r->type) > lw_kind_of(tv->type)) {
            diag_error(s->l, "Cannot cast ufunc '%s' output from dtype('%s') to dtype('%s') with "
                             "casting rule 'same_kind'", ir_op_name(op), ir_type_name(r->type),
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
            st->e = ir_cast(t->l, tv->e->type, r->e);
            lw_emit(c, st);
            return;
        }
        lw_emit_sweep(c, s->l, tv, r, 0);
        return;
    }
    diag_error(t->l, "cannot assign to this expression");
}

/* The value of a name bound to tuples (or slice objects) of the same form on the two branches
 * of an if: the numbers that differ become variables of hidden names ("t.0"), assigned at the
 * end of each branch; NULL when anything else differs. */
static value *merge_value(lctx *c, ir_stmt *st, const char *name, value *t, value *e)
{
    if (lw_value_equal(t, e))
        return e;
    if (t->kind == V_SCALAR && e->kind == V_SCALAR) {
        if (t->type != e->type || t->dyn || e->dyn)
            return NULL;
        ir_var *var = lw_scope_var(c, name, t->type, 0, 0);
        for (int k = 0; k < 2; k++) {
            ir_expr *src = k ? e->e : t->e;
            if (src->kind == E_VAR && src->var == var) /* that branch has it there already */
                continue;
            ir_stmt *a = ir_stmt_new(S_ASSIGN, st->l);
            a->var = var;
            a->e = src;
            vec_push(k ? &st->orelse : &st->body, a);
        }
        value *r = lw_scalar(st->l, ir_varref(st->l, var), t->weak && e->weak);
        r->type = t->type;
        return r;
    }
    if ((t->kind != V_TUPLE && t->kind != V_SLICE) || t->kind != e->kind || t->n != e->n)
        return NULL;
    value *r = lw_vnew(t->kind, t->l);
    *r = *t;
    r->items = NEWN(value *, t->n + 1);
    for (int i = 0; i < t->n; i++) {
        if (t->kind == V_SLICE && (t->items[i]->kind == V_NONE) != (e->items[i]->kind == V_NONE))
            return NULL;
        r->items[i] = merge_value(c, st, arena_printf(&util_arena, "%s.%d", name, i), t->items[i],
                                  e->items[i]);
        if (!r->items[i])
            return NULL;
    }
    return r;
}

/* A view that one branch kept on its array (lw_keep_views: its base was rebound there) and
 * the other left on the base's slot: the other branch (other) keeps it the same way. With
 * other NULL, only says whether kept is such a view. */
static int kept_on_one_branch(lctx *c, ir_stmt *st, const char *name, value *kept, value *plain,
                              vec *other)
{
    (void)c;
    if (kept->kind != V_ARRAY || plain->kind != V_ARRAY || kept->e->kind != E_READ ||
        plain->e->kind != E_READ)
        return 0;
    ir_var *h = kept->e->view->arr, *s = plain->e->view->arr;
    if (h == s || strcmp(h->pyname, arena_printf(&util_arena, "%s.base", name)) != 0)
        return 0;
    int changed = 0;
    if (!lw_value_equal(lw_value_retarget(plain, s, h, &changed), kept))
        return 0;
    if (other) {
        vec_push(other, lw_bind1(st->l, h, s));
    }
    return 1;
}

/* Is one of two view bindings the other kept on its array (kept_on_one_branch)? */
static int kept_either(lctx *c, ir_stmt *st, binding *t, binding *e)
{
    return t->kind == B_VALUE && e->kind == B_VALUE &&
           (kept_on_one_branch(c, st, t->name, t->val, e->val, NULL) ||
            kept_on_one_branch(c, st, t->name, e->val, t->val, NULL));
}

/* After an if's branches (st->body lowered with then_binds as result, st->orelse with the
 * current bindings): a name must have the same kind, type and shape after both, except a
 * scalar that is an int after one and a float after the other, which keeps both (dynvar). */
static void merge_branches(lctx *c, ir_stmt *st, vec then_binds)
{
    loc l = st->l;
    for (int i = 0; i < then_binds.len; i++) {
        binding *t = VEC_AT(then_binds, i, binding *);
        binding *e = lw_find_in(c->sc, t->name);
        if (!e) {
            binding *nb = lw_bind(c, t->name);
            *nb = *t;
            continue;
        }
        if (t->kind == B_SCALAR && e->kind == B_SCALAR && t->var != e->var && lw_dyn_joins(t) && lw_dyn_joins(e)) {
            dynvar *d = t->dyn ? t->dyn : e->dyn ? e->dyn : lw_dyn_get(c, t->name);
            lw_dyn_convert(c, &st->body, l, d, t);
            lw_dyn_convert(c, &st->orelse, l, d, e);
            lw_dyn_bind(c, d, t->weak && e->weak);
            continue;
        }
        if ((t->kind == B_VALUE || e->kind == B_VALUE) && lw_bound_array(t) && lw_bound_array(e) &&
            (t->kind != B_VALUE || t->val->kind == V_ARRAY) && (e->kind != B_VALUE || e->val->kind == V_ARRAY) &&
            !lw_value_equal(lw_bound_array(t), lw_bound_array(e)) && !kept_either(c, st, t, e) &&
            lw_carriable_view(t, e)) {
            /* two views (or a view and an array): the name views its own slot with run-time
             * bounds, set on each branch (lw_carry_view) */
            value *tv = lw_bound_array(t), *ev = lw_bound_array(e);
            const sym *sh[IR_MAX_RANK];
            for (int d = 0; d < tv->rank; d++)
                sh[d] = lw_sym_cmp(tv->sh[d], ev->sh[d]) == 1 ? tv->sh[d] : NULL;
            vec *saved = c->out;
            c->out = &st->body;
            lw_carry_view(c, l, t->name, tv, sh);
            c->out = &st->orelse;
            lw_carry_view(c, l, t->name, ev, sh);
            c->out = saved;
            continue;
        }
        if (t->kind != e->kind || (t->kind != B_VALUE && t->var != e->var)) {
            if (lw_return_mismatch(l, t, e))
                ;
            else if (t->kind == B_SCALAR && e->kind == B_SCALAR)
                diag_error(l, "variable '%s' is %s after one branch of this 'if' and %s after the "
                              "other; give it one type", t->name, ir_type_name(t->var->type),
                           ir_type_name(e->var->type));
            else if (t->kind == B_VALUE && t->val->kind == V_ERR)
                ;
            else
                diag_error(l, "'%s' refers to different kinds of values after the branches of this 'if'",
                           t->name);
            continue;
        }
        if (t->kind == B_SCALAR) {
            if (!sym_equal(t->s, e->s))
                e->s = NULL;
            e->weak = e->weak && t->weak;
        } else if (t->kind == B_ARRAY) {
            for (int d = 0; d < t->var->rank; d++)
                if (lw_sym_cmp(t->sh[d], e->sh[d]) == 0) {
                    if (!lw_return_mismatch(l, t, e))
                        diag_error(l, "array '%s' has shape %s after one branch of this 'if' and %s after "
                                  "the other", t->name, lw_shape_str(t->var->rank, t->sh),
                               lw_shape_str(e->var->rank, e->sh));
                    break;
                } else if (!sym_equal(t->sh[d], e->sh[d]))
                    e->sh[d] = NULL;
        } else if (lw_is_poison(t->val) || lw_is_poison(e->val)) {
            e->val = lw_is_poison(t->val) ? t->val : e->val; /* the entry value may flow on */
        } else if (lw_is_ambiguous(t->val) || lw_is_ambiguous(e->val)) {
            e->val = lw_is_ambiguous(t->val) ? t->val : e->val; /* still chosen at run time */
            if (!lw_name_in(&c->split, t->name))
                vec_push(&c->split, (void *)t->name);
        } else if (lw_value_equal(t->val, e->val) || t->val->kind == V_ERR || e->val->kind == V_ERR) {
            ;
        } else if (kept_on_one_branch(c, st, t->name, t->val, e->val, &st->orelse) ||
                   kept_on_one_branch(c, st, t->name, e->val, t->val, &st->body)) {
            e->val = kept_on_one_branch(c, st, t->name, t->val, e->val, NULL) ? t->val : e->val;
        } else if ((t->val->kind == V_ARRAY || e->val->kind == V_ARRAY) && lw_return_mismatch(l, t, e)) {
            ;
        } else if (t->val->kind == V_ARRAY || e->val->kind == V_ARRAY) {
            diag_error(l, "'%s' refers to different array views after the branches of this 'if'; "
                          "bind it with .copy()", t->name);
        } else {
            value *m = merge_value(c, st, t->name, t->val, e->val);
            if (m) {
                e->val = m;
                continue;
            }
            if (lw_return_mismatch(l, t, e)) {
                e->val = &lw_ERRV;
                continue;
            }
            const char *what = lw_vkind_desc(t->val), *msg;
            if (t->val->kind != e->val->kind)
                msg = arena_printf(&util_arena, "is bound to %s on one branch of the 'if' at line %d "
                                                "and to %s on the other; a name whose kind of value is "
                                                "chosen at run time is not supported",
                                   what, l.line, lw_vkind_desc(e->val));
            else
                msg = arena_printf(&util_arena, "is bound to different %ss on the two branches of the "
                                                "'if' at line %d; %s chosen at run time is not "
                                                "supported%s", what + (what[1] == 'n' ? 3 : 2), l.line,
                                   what,
                                   t->val->kind == V_TUPLE ? " (only items that are numbers may differ)"
                                   : t->val->kind == V_FUNC || t->val->kind == V_LAMBDA
                                       ? "; call each function in its branch"
                                       : "");
            e->val = lw_ambiguous_new(l, msg);
            vec_push(&c->split, (void *)t->name);
        }
    }
}
static void lower_if(lctx *c, ast *s)
{
    value *cv = lw_truth(c, lw_expr(c, s->a), "an if condition");
    if (cv->kind == V_ERR)
        return;
    int64_t k;
    if (ir_expr_const_int(cv->e, &k) || lw_recursion_guard(c, s->a, &s->body, &s->orelse, cv, &k)) {
        lw_block(c, k == INT64_MIN ? &(vec){0} : k ? &s->body : &s->orelse); /* none after an error */
        return;
    }
    ir_stmt *st = ir_stmt_new(S_IF, s->l);
    st->e = cv->e;
    snapshot entry = lw_snap_take(c);
    vec *saved = c->out;
    c->out = &st->body;
    lw_block(c, &s->body);
    vec then_binds = c->sc->binds;
    lw_snap_restore_binds(c, &entry);
    c->out = &st->orelse;
    lw_block(c, &s->orelse);
    c->out = saved;
    c->split.len = 0;
    merge_branches(c, st, then_binds);
    lw_emit(c, st);
}
/* ---- assert and raise: run-time checks ending the program with Python's message ----------- */

void lw_emit_raise(lctx *c, loc l, ir_expr *cond, const char *msg)
{
    ir_stmt *r = ir_stmt_new(S_RAISE, l);
    r->e = cond;
    r->str = msg;
    lw_emit(c, r);
}

/* A string literal message, or NULL (after a diagnostic) for anything else; a string computed
 * at run time (f"step {n}") is set in *rt, "" returned. */
static const char *raise_message(lctx *c, ast *a, const char *what, value **rt)
{
    value *m = lw_expr(c, a);
    if (m->kind == V_STR)
        return m->str;
    if (m->kind == V_FSTR) {
        *rt = m;
        return "";
    }
    if (m->kind != V_ERR)
        diag_error(a->l, "%s messages must be string literals here (not %s)", what, lw_vkind_desc(m));
    return NULL;
}

/* assert test[, "msg"]: AssertionError[: msg] when test is false. */
static void lower_assert(lctx *c, ast *s)
{
    value *t = lw_truth(c, lw_expr(c, s->a), "an assert");
    const char *msg = "AssertionError";
    value *rt = NULL;
    if (s->b) {
        ir_expr *outer = c->evaluated; /* the message is evaluated only when the assert fails */
        if (t->kind == V_SCALAR)
            c->evaluated = outer ? ir_bin(s->l, OP_LAND, T_BOOL, outer, ir_un(s->l, OP_LNOT, T_BOOL, t->e), 1)
                                 : ir_un(s->l, OP_LNOT, T_BOOL, t->e);
        const char *m = raise_message(c, s->b, "assert", &rt);
        c->evaluated = outer;
        if (!m)
            return;
        msg = arena_printf(&util_arena, "AssertionError: %s", m);
    }
    if (t->kind == V_ERR)
        return;
    int64_t k;
    if (ir_expr_const_int(t->e, &k) && k)
        return;
    if (rt)
        lw_emit_raise_str(c, s->l, ir_un(s->l, OP_LNOT, T_BOOL, t->e), msg, rt);
    else
        lw_emit_raise(c, s->l, ir_un(s->l, OP_LNOT, T_BOOL, t->e), msg);
}

/* raise ValueError("msg") (or another built-in exception, with one string literal or none). */
static void lower_raise(lctx *c, ast *s)
{
    static const char *excs[] = {"Exception", "ValueError", "RuntimeError", "AssertionError",
                                 "ArithmeticError", "ZeroDivisionError", "OverflowError",
                                 "FloatingPointError", "TypeError", "IndexError", "KeyError",
                                 "NotImplementedError", "StopIteration", NULL};
    ast *e = s->a;
    ast *callee = e->kind == A_CALL ? e->a : e;
    const char *name = callee->kind == A_NAME ? callee->name : NULL;
    int known = 0;
    for (const char **x = excs; name && *x; x++)
        known |= strcmp(*x, name) == 0;
    if (!known) {
        diag_error(e->l, "raise is supported with Python's built-in exceptions (ValueError(\"...\"), "
                         "RuntimeError(...), ...), not this");
        return;
    }
    const char *msg = name;
    value *rt = NULL;
    if (e->kind == A_CALL) {
        if (e->args.len > 1 || e->kwargs.len) {
            diag_error(e->l, "%s() here takes one string literal", name);
            return;
        }
        if (e->args.len == 1) {
            const char *m = raise_message(c, VEC_AT(e->args, 0, ast *), "exception", &rt);
            if (!m)
                return;
            msg = arena_printf(&util_arena, "%s: %s", name, m);
        }
    }
    if (rt)
        lw_emit_raise_str(c, s->l, ir_const_i(s->l, T_BOOL, 1), msg, rt);
    else
        lw_emit_raise(c, s->l, ir_const_i(s->l, T_BOOL, 1), msg);
}

/* from numpy|math|time import a, b as c: each name bound to the module's attribute. */
static void lower_from_import(lctx *c, ast *s)
{
    if (strcmp(s->name, "numpy") != 0 && strcmp(s->name, "math") != 0 && strcmp(s->name, "time") != 0) {
        diag_error(s->l, "only numpy, math and time can be imported in a stencil program ('%s' is "
                         "not available)", s->name);
        return;
    }
    value *mod = lw_vnew(V_MODULE, s->l);
    mod->str = s->name;
    for (int i = 0; i < s->args.len; i++) {
        ast *n = VEC_AT(s->args, i, ast *);
        if (strcmp(n->name, "*") == 0) {
            if (strcmp(s->name, "numpy") != 0) {
                diag_error(n->l, "'from %s import *' is not supported; import the names the program uses",
                           s->name);
                return;
            }
            /* every NumPy name a later lookup does not find (lw_read_name): np.sum shadows sum */
            binding *b = lw_bind(c, "numpy.*");
            b->kind = B_VALUE;
            b->val = mod;
            continue;
        }
        ast *attr = ast_new(A_ATTR, n->l);
        attr->a = NULL;
        attr->name = n->name;
        value *v = strcmp(s->name, "numpy") == 0 ? lw_numpy_attr(c, mod, attr) : lw_pymodule_attr(mod, attr);
        binding *b = lw_bind(c, n->str ? n->str : n->name);
        b->kind = B_VALUE;
        b->val = v;
    }
}

/* After a statement was rejected, the names it would have bound are defined (as errors), so
 * their uses do not cascade into "not defined" messages. */
static void poison_names(lctx *c, ast *s)
{
    vec names = {0};
    vec one = {0};
    vec_push(&one, s);
    lw_assigned_names(&one, &names);
    if (s->kind == A_OTHER_STMT) {
        lw_assigned_names(&s->body, &names);
        if (s->name && !lw_name_in(&names, s->name))
            vec_push(&names, (void *)s->name);
    }
    if (s->kind == A_FROM_IMPORT)
        for (int i = 0; i < s->args.len; i++) {
            ast *n = VEC_AT(s->args, i, ast *);
            const char *bound = n->str ? n->str : n->name;
            if (n->kind == A_NAME && strcmp(bound, "*") != 0 && !lw_name_in(&names, bound))
                vec_push(&names, (void *)bound);
        }
    for (int i = 0; i < names.len; i++) {
        const char *n = VEC_AT(names, i, const char *);
        int unbound;
        if (lw_lookup(c, n, &unbound))
            continue;
        binding *b = lw_bind(c, n);
        b->kind = B_VALUE;
        b->val = &lw_ERRV;
    }
}

/* ---- statements that read a name of changing type ----
 * A print, or an assignment of a scalar value, that reads a dynvar name of this scope is
 * lowered twice under an if on its tag, with the name a plain float in one branch and a plain
 * int in the other, so the value printed or computed has Python's type and exact value on each
 * path; merge_branches joins what the branches assign. Elsewhere (array expressions,
 * conditions, indices) the name reads as its value converted to float. */
static const char *dyn_name_in(lctx *c, ast *a)
{
    if (!a || a->kind == A_LAMBDA)
        return NULL;
    if (a->kind == A_NAME) {
        binding *b = lw_find_in(c->sc, a->name);
        return b && b->kind == B_SCALAR && b->dyn ? a->name : NULL;
    }
    const char *n = dyn_name_in(c, a->a);
    n = n ? n : dyn_name_in(c, a->b);
    n = n ? n : dyn_name_in(c, a->c);
    for (int i = 0; !n && i < a->args.len; i++)
        n = dyn_name_in(c, VEC_AT(a->args, i, ast *));
    for (int i = 0; !n && i < a->kwargs.len; i++)
        n = dyn_name_in(c, VEC_AT(a->kwargs, i, ast *));
    return n;
}

/* Is the value of e a scalar? (lowered as a probe: nothing emitted, no diagnostics) */
static int probe_scalar(lctx *c, ast *e)
{
    lw_probe p;
    lw_probe_begin(c, &p);
    int r = lw_expr(c, e)->kind == V_SCALAR;
    lw_probe_end(c, &p);
    return r;
}
static int dyn_split(lctx *c, ast *s)
{
    const char *n = NULL;
    if (s->kind == A_EXPR_STMT && s->a->kind == A_CALL && s->a->a->kind == A_NAME &&
        strcmp(s->a->a->name, "print") == 0 && !lw_lookup(c, "print", &(int){0}))
        n = dyn_name_in(c, s->a);
    else if (s->kind == A_ASSIGN && s->targets.len == 1 && VEC_AT(s->targets, 0, ast *)->kind == A_NAME)
        n = dyn_name_in(c, s->a);
    else if (s->kind == A_AUGASSIGN && s->b->kind == A_NAME) {
        binding *t = lw_find_in(c->sc, s->b->name);
        if (t && t->kind == B_SCALAR)
            n = t->dyn ? s->b->name : dyn_name_in(c, s->a);
    }
    if (!n || (s->kind != A_EXPR_STMT && !probe_scalar(c, s->a)))
        return 0;
    binding *b = lw_find_in(c->sc, n);
    dynvar *d = b->dyn;
    int weak = b->weak;
    ir_stmt *st = ir_stmt_new(S_IF, s->l);
    st->e = ir_varref(s->l, d->tag);
    snapshot entry = lw_snap_take(c);
    vec *saved = c->out;
    vec then_binds = {0};
    int errs = diag_count(), old = -1;
    for (int isf = 1; isf >= 0; isf--) {
        c->out = isf ? &st->body : &st->orelse;
        b = lw_bind(c, n);
        b->kind = B_SCALAR;
        b->var = isf ? d->f : d->i;
        b->weak = weak;
        if (!isf && diag_count() > errs)
            old = diag_suppress(1); /* errors of the statement are reported once */
        lw_stmt(c, s); /* splits again on the next such name */
        if (old >= 0)
            diag_suppress(old);
        binding *nb = lw_find_in(c->sc, n);
        if (nb && nb->kind == B_SCALAR && !nb->dyn && nb->var == (isf ? d->f : d->i))
            lw_dyn_bind(c, d, nb->weak); /* unchanged: the tag still says so */
        if (isf) {
            then_binds = c->sc->binds;
            lw_snap_restore_binds(c, &entry);
        }
    }
    c->out = saved;
    merge_branches(c, st, then_binds);
    lw_emit(c, st);
    return 1;
}
/* Python evaluates a parameter's default once, when the def runs (`def step(u, dt=dt)` keeps
 * the dt of that moment; `out=np.zeros(3)` is one array shared by the calls), but calls lower
 * the default expression where they happen. A default that is not a literal is evaluated here
 * and bound to a hidden name ("step.dt") that the def's copy returned reads instead. */
static int is_literal(ast *a)
{
    if (a->kind == A_UNOP)
        return is_literal(a->a);
    return a->kind == A_INT || a->kind == A_FLOAT || a->kind == A_STR || a->kind == A_BOOL ||
           a->kind == A_NONE;
}
static ast *def_defaults(lctx *c, ast *s)
{
    int any = 0;
    for (int i = 0; i < s->params.len; i++) {
        ast *p = VEC_AT(s->params, i, ast *);
        any |= p->a && !is_literal(p->a);
    }
    if (!any)
        return s;
    ast *d = ast_new(A_DEF, s->l);
    *d = *s;
    d->params = (vec){0};
    for (int i = 0; i < s->params.len; i++) {
        ast *p = VEC_AT(s->params, i, ast *);
        if (p->a && !is_literal(p->a)) {
            ast *h = ast_name(p->l, arena_printf(&util_arena, "%s.%s", s->name, p->name));
            value *v = lw_expr(c, p->a);
            if (v->kind == V_ARRAY && v->e->kind != E_READ)
                v = lw_materialize(c, v);
            lw_assign_name(c, h, v);
            ast *q = ast_new(A_PARAM, p->l);
            *q = *p;
            q->a = h;
            p = q;
        }
        vec_push(&d->params, p);
    }
    return d;
}

void lw_stmt(lctx *c, ast *s)
{
    if (!lw_step(c))
        return;
    if (dyn_split(c, s)) {
        lw_unbound_assigned(c, s);
        return;
    }
    vec saved_pending = c->pending;
    c->pending = (vec){0};
    int errors = diag_count();
    switch (s->kind) {
    case A_EXPR_STMT: {
        if (s->a->kind == A_STR || s->a->kind == A_FSTRING) /* docstring */
            break;
        ast *call = NULL, *into = lw_out_argument(s->a, &call);
        if (into) { /* np.multiply(a, b, out=c): c[...] = np.multiply(a, b) */
            ast *at = ast_subscript(s->l, into, ast_vec1(ast_name(into->l, "Ellipsis")), 0);
            ast *as = ast_assign(s->l, ast_vec1(at), call);
            lower_assign(c, as);
            lw_unbound_assigned(c, as);
            break;
        }
        value *v = lw_expr(c, s->a);
        (void)v;
        break;
    }
    case A_ASSIGN:
        lower_assign(c, s);
        lw_unbound_assigned(c, s);
        break;
    case A_AUGASSIGN:
        lower_augassign(c, s);
        lw_unbound_assigned(c, s);
        break;
    case A_IMPORT:
        if (strcmp(s->name, "numpy") != 0 && strcmp(s->name, "math") != 0 && strcmp(s->name, "time") != 0) {
            diag_error(s->l, "only numpy, math and time can be imported in a stencil program ('%s' is "
                             "not available)", s->name);
        } else {
            binding *b = lw_bind(c, s->str ? s->str : s->name);
            b->kind = B_VALUE;
            b->val = lw_vnew(V_MODULE, s->l);
            b->val->str = s->name;
        }
        break;
    case A_FROM_IMPORT: lower_from_import(c, s); break;
    case A_IF: lower_if(c, s); break;
    case A_FOR: lw_lower_for(c, s); break;
    case A_WHILE: lw_lower_while(c, s); break;
    case A_BREAK:
    case A_CONTINUE:
        if (!c->loops)
            diag_error(s->l, "'%s' outside loop", s->kind == A_BREAK ? "break" : "continue");
        else {
            lw_loop_carries(c);
            lw_emit(c, ir_stmt_new(s->kind == A_BREAK ? S_BREAK : S_CONTINUE, s->l));
        }
        break;
    case A_PASS: break;
    case A_RETURN: diag_error(s->l, "'return' outside function"); break;
    case A_DEF: {
        ast *def = def_defaults(c, s);
        binding *b = lw_bind(c, s->name);
        b->kind = B_VALUE;
        b->val = lw_vnew(V_FUNC, s->l);
        b->val->def = def;
        b->val->defscope = c->sc;
        break;
    }
    case A_GLOBAL: break; /* a function's globals are collected when it is inlined */
    case A_ASSERT: lower_assert(c, s); break;
    case A_RAISE: lower_raise(c, s); break;
    case A_YIELD: diag_error(s->l, "'yield' outside function"); break;
    case A_OTHER_STMT:
        diag_error(s->l, "'%s' statements are not supported in a stencil program%s", s->str,
                   strcmp(s->str, "with") == 0 ? " (only 'with np.errstate(...)')" : "");
        break;
    default: diag_error(s->l, "this statement is not supported in a stencil program"); break;
    }
    if (diag_count() > errors)
        poison_names(c, s);
    for (int i = 0; i < c->pending.len; i++) {
        ir_stmt *r = ir_stmt_new(S_RELEASE, s->l);
        r->var = VEC_AT(c->pending, i, ir_var *);
        lw_emit(c, r);
    }
    c->pending = saved_pending;
}
/* Does a mention any of the names (as a name read or assigned, anywhere inside)? */
static int mentions(ast *a, vec *names)
{
    if (!a)
        return 0;
    if (a->kind == A_NAME && lw_name_in(names, a->name))
        return 1;
    if (mentions(a->a, names) || mentions(a->b, names) || mentions(a->c, names))
        return 1;
    vec *vs[] = {&a->args, &a->body, &a->orelse, &a->targets, &a->kwargs};
    for (size_t k = 0; k < sizeof vs / sizeof *vs; k++)
        for (int i = 0; i < vs[k]->len; i++)
            if (mentions(VEC_AT(*vs[k], i, ast *), names))
                return 1;
    return 0;
}
static int leaves_block(vec *stmts)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind == A_RETURN || s->kind == A_BREAK || s->kind == A_CONTINUE || s->kind == A_YIELD)
            return 1;
        if (s->kind == A_IF && (leaves_block(&s->body) || leaves_block(&s->orelse)))
            return 1;
        if ((s->kind == A_FOR || s->kind == A_WHILE) && (leaves_block(&s->body) || leaves_block(&s->orelse)))
            return 1; /* a return inside a loop (a break there is harmless, but rare) */
    }
    return 0;
}

/* An if decided at run time whose branches bind a name to values no variable can hold (two
 * strings: order = ("x", "y") / ("y", "x")), read by the statements after it in the same
 * block: those statements are lowered in each branch, each with its branch's value (the
 * if's branches become `body; rest` and `orelse; rest`). Only when the first lowering of the
 * if left such a name (merge_branches) and reported no error, and no branch leaves the block. */
static int split_if(lctx *c, vec *stmts, int i, size_t out0, snapshot *before, int errs)
{
    ast *s = VEC_AT(*stmts, i, ast *);
    if (s->kind != A_IF || !c->split.len || diag_count() != errs || c->exhausted ||
        i + 1 >= stmts->len || leaves_block(&s->body) || leaves_block(&s->orelse))
        return 0;
    vec names = c->split;
    int used = 0;
    for (int k = i + 1; k < stmts->len && !used; k++)
        used = mentions(VEC_AT(*stmts, k, ast *), &names);
    if (!used)
        return 0;
    c->out->len = (int)out0;
    lw_snap_rewind(c, before);
    ast *d = ast_new(A_IF, s->l);
    *d = *s;
    d->body = (vec){0};
    d->orelse = (vec){0};
    for (int k = 0; k < s->body.len; k++)
        vec_push(&d->body, s->body.items[k]);
    for (int k = 0; k < s->orelse.len; k++)
        vec_push(&d->orelse, s->orelse.items[k]);
    for (int k = i + 1; k < stmts->len; k++) {
        vec_push(&d->body, stmts->items[k]);
        vec_push(&d->orelse, stmts->items[k]);
    }
    c->split.len = 0;
    lw_stmt(c, d);
    return 1;
}
void lw_block(lctx *c, vec *stmts)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind != A_IF) {
            lw_stmt(c, s);
            continue;
        }
        size_t out0 = (size_t)c->out->len;
        snapshot before = lw_snap_take(c);
        int errs = diag_count();
        c->split.len = 0;
        lw_stmt(c, s);
        if (split_if(c, stmts, i, out0, &before, errs))
            return;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Parameters                                                                                 */

/* The names a def assigns that it declares `global` (module state it changes). */
static void global_writes(ast *def, vec *out)
{
    vec g = {0}, a = {0};
    lw_declared_globals(&def->body, &g);
    lw_assigned_names(&def->body, &a);
    for (int i = 0; i < a.len; i++)
        if (lw_name_in(&g, VEC_AT(a, i, const char *)) && !lw_name_in(out, VEC_AT(a, i, const char *)))
            vec_push(out, a.items[i]);
}
static void count_assignments(vec *stmts, vec *names, vec *counts_as_ptr, int top)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        vec here = {0};
        if (s->kind == A_ASSIGN)
            for (int k = 0; k < s->targets.len; k++)
                lw_target_names(VEC_AT(s->targets, k, ast *), &here);
        else if (s->kind == A_AUGASSIGN)
            lw_target_names(s->b, &here);
        else if (s->kind == A_FOR) {
            lw_target_names(s->b, &here);
            count_assignments(&s->body, names, counts_as_ptr, 0);
        } else if (s->kind == A_WHILE)
            count_assignments(&s->body, names, counts_as_ptr, 0);
        else if (s->kind == A_IF) {
            count_assignments(&s->body, names, counts_as_ptr, 0);
            count_assignments(&s->orelse, names, counts_as_ptr, 0);
        } else if (s->kind == A_DEF) /* names it assigns through `global` */
            global_writes(s, &here);
        for (int k = 0; k < here.len; k++) {
            const char *n = VEC_AT(here, k, const char *);
            int found = -1;
            for (int j = 0; j < names->len; j++)
                if (strcmp(VEC_AT(*names, j, const char *), n) == 0)
                    found = j;
            if (found < 0) {
                vec_push(names, (void *)n);
                vec_push(counts_as_ptr, (void *)(intptr_t)0);
                found = names->len - 1;
            }
            intptr_t cnt = (intptr_t)counts_as_ptr->items[found];
            /* a parameter is assigned once, at top level, by a plain assignment */
            cnt += (top && s->kind == A_ASSIGN) ? 1 : 1000;
            counts_as_ptr->items[found] = (void *)cnt;
        }
    }
}
static ast *literal(ast *e, int *neg)
{
    *neg = 0;
    if (e->kind == A_UNOP && (e->op == '-' || e->op == '+') &&
        (e->a->kind == A_INT || e->a->kind == A_FLOAT)) {
        *neg = e->op == '-';
        return e->a;
    }
    if (e->kind == A_INT || e->kind == A_FLOAT || e->kind == A_BOOL)
        return e;
    return NULL;
}

/* Module-level names assigned exactly once from literals become run-time parameters. */
static void find_params(lctx *c, ast *mod)
{
    vec names = {0}, counts = {0};
    count_assignments(&mod->body, &names, &counts, 1);
    for (int i = 0; i < mod->body.len; i++) {
        ast *s = VEC_AT(mod->body, i, ast *);
        if (s->kind != A_ASSIGN || s->targets.len != 1)
            continue;
        ast *t = VEC_AT(s->targets, 0, ast *);
        int n = 1;
        ast **ts = &t, **vs = &s->a;
        if (t->kind == A_TUPLE) {
            if (s->a->kind != A_TUPLE || s->a->args.len != t->args.len)
                continue;
            n = t->args.len;
            ts = (ast **)t->args.items;
            vs = (ast **)s->a->args.items;
        }
        for (int k = 0; k < n; k++) {
            int neg;
            ast *lit = literal(vs[k], &neg);
            if (!lit || ts[k]->kind != A_NAME)
                continue;
            int idx = -1;
            for (int j = 0; j < names.len; j++)
                if (strcmp(VEC_AT(names, j, const char *), ts[k]->name) == 0)
                    idx = j;
            if (idx < 0 || (intptr_t)counts.items[idx] != 1)
                continue;
            vec_push(&c->params, (void *)ts[k]->name);
        }
    }
}
static int is_param(lctx *c, const char *n) { return lw_name_in(&c->params, n); }

/* Lower a module-level assignment of parameters: the variable holds the run-time value. */
static int lower_param_assign(lctx *c, ast *s)
{
    if (s->kind != A_ASSIGN || s->targets.len != 1)
        return 0;
    ast *t = VEC_AT(s->targets, 0, ast *);
    int n = 1;
    ast **ts = &t, **vs = &s->a;
    if (t->kind == A_TUPLE) {
        if (s->a->kind != A_TUPLE || s->a->args.len != t->args.len)
            return 0;
        n = t->args.len;
        ts = (ast **)t->args.items;
        vs = (ast **)s->a->args.items;
    }
    for (int k = 0; k < n; k++)
        if (ts[k]->kind != A_NAME || !is_param(c, ts[k]->name))
            return 0;
    for (int k = 0; k < n; k++) {
        int neg;
        ast *lit = literal(vs[k], &neg);
        ir_type t2 = lit->kind == A_FLOAT ? T_F64 : lit->kind == A_BOOL ? T_BOOL : T_I64;
        ir_var *v = lw_scope_var(c, ts[k]->name, t2, 0, 0);
        v->is_param = 1;
        v->init = t2 == T_F64 ? ir_const_f(lit->l, T_F64, neg ? -lit->fval : lit->fval)
                              : ir_const_i(lit->l, t2, neg ? -lit->ival : lit->ival);
        vec_push(&c->prog->params, v);
        binding *b = lw_bind(c, ts[k]->name);
        b->kind = B_SCALAR;
        b->var = v;
        b->weak = 1;
        if (t2 == T_I64)
            b->s = sym_var(sym_atom(ts[k]->name, ts[k]->name));
    }
    return 1;
}
ir_program *lower_module(ast *module, const char *source)
{
    lctx c = {0};
    lw_returns_reset();
    lw_scope_reset();
    lw_lists_reset();
    lw_loops_reset();
    c.prog = NEW(ir_program);
    c.prog->source = source;
    scope *m = NEW(scope);
    c.sc = c.module = m;
    c.out = &c.prog->body;
    for (int i = 0; i < module->body.len; i++)
        if (VEC_AT(module->body, i, ast *)->kind == A_DEF)
            global_writes(VEC_AT(module->body, i, ast *), &c.global_writes);
    find_params(&c, module);
    lw_unbound_begin(&c, module->l, &module->body, 0, NULL);
    for (int i = 0; i < module->body.len; i++) {
        ast *s = VEC_AT(module->body, i, ast *);
        if (lower_param_assign(&c, s))
            continue;
        c.top = s;
        c.work = 0;
        lw_stmt(&c, s);
    }
    /* Every slot still bound at the end is released by the run time's finalize. */
    return c.prog;
}
