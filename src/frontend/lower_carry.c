/* lower_carry.c: the values a loop carries from one iteration to the next, other than the
 * scalars whose types lower_loops.c makes a fixed point: a name bound to a view, an array passed
 * by name, an array whose length changes (x = x[alive], x = np.delete(x, k)), a tuple or slice
 * of numbers, an optional or a run-time string, that the body reads and then rebinds, is given
 * variables (or an array slot) assigned at the loop's entry and at
 * the end of its body and at each break or continue (lw_loop_carries); one that cannot be
 * carried is refused, located. Also the probe pass over a loop's body that both this file and
 * the type inference run (lw_loop_body_once).
 * Requires: the loop's entry bindings (lower_loops.c calls lw_carry_values before the body's
 * real lowering). Establishes: every iteration reads the previous one's values of the names it
 * carries. */

#include "lower_internal.h"

#include <string.h>

/* ---- names the body binds to other kinds of values --------------------------------------
 * A name that is not a scalar at a loop's entry (a view of an array, a string, a tuple, a
 * function) and has another value after one iteration: the second iteration must see the new
 * value, but the body is lowered once with the name's entry value. That is harmless when the
 * body rebinds the name before it reads it; the body is probed once more with the entry values
 * replaced by poison to see which it reads (read_entry_values). A whole array passed by name
 * (p of `def f(p)`, bound to the caller's array) becomes a loop-carried array slot at the
 * loop's entry, taking a new reference to the same array; a view whose base the body rebinds
 * keeps its array from the entry on (lw_keep_views); anything else is an error. */

/* One pass over a loop's body inside a probe: the target bound to the loop variable as a weak
 * scalar (its type may still change), then the condition and the body. */
void lw_loop_body_once(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast)
{
    if (target) {
        binding *b = lw_bind(c, target->name);
        b->kind = B_SCALAR;
        b->var = loopvar;
        b->weak = 1;
    }
    if (condast)
        lw_expr(c, condast);
    lw_block(c, &loop->body);
}

/* Probe the body once with the names of cands bound to poison; returns the names it reads
 * before rebinding them (in reads), and those it does not read but rebinds on some paths only
 * (in flows: `if c: best = (i, e)`), whose entry value, the previous iteration's, flows to the
 * end of the body on the others (an if's merge keeps a poison). */
static void read_entry_values(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast,
                              vec *cands, vec *reads, vec *flows)
{
    lw_probe p;
    lw_probe_begin(c, &p);
    c->loops++;
    lw_poison_reset();
    for (int i = 0; i < cands->len; i++) {
        const char *n = VEC_AT(*cands, i, const char *);
        binding *b = lw_bind(c, n);
        b->kind = B_VALUE;
        b->val = lw_poison_new(n);
    }
    lw_loop_body_once(c, loop, target, loopvar, condast);
    for (int i = 0; i < cands->len; i++) {
        binding *b = lw_own(c, VEC_AT(*cands, i, const char *));
        if (lw_poison_was_read(VEC_AT(*cands, i, const char *)))
            vec_push(reads, cands->items[i]);
        else if (b && b->kind == B_VALUE && lw_is_poison(b->val))
            vec_push(flows, cands->items[i]);
    }
    lw_poison_reset();
    c->loops--;
    lw_probe_end(c, &p);
}

const char *lw_value_what(binding *b)
{
    if (b->kind == B_SCALAR)
        return "a scalar";
    if (b->kind == B_ARRAY)
        return "an array";
    if (b->val->kind == V_ARRAY)
        return lw_whole_slot(b->val) ? "an array" : "a view of an array";
    if (lw_is_complex(b->val)) /* a pair of parts (lower_complex.c): what its real part is */
        return b->val->items[0]->kind == V_MASKED
                   ? "a complex boolean-mask selection (its shape depends on the data)"
                   : b->val->items[0]->kind == V_ARRAY ? "a complex array" : "a complex number";
    return lw_vkind_desc(b->val);
}

/* Tuples, lists and slice objects of numbers of the same form (the same lengths, None in the
 * same places, the same number types) at the loop's entry and after one iteration: the
 * numbers become variables of hidden names ("window.0"), assigned at the entry and at the end
 * of the body (carry_assign), so each iteration reads the previous one's values. */
static int same_form(value *a, value *b)
{
    if (a->kind == V_SCALAR && b->kind == V_SCALAR)
        return a->type == b->type && !a->dyn && !b->dyn;
    if (a->kind == V_NONE && b->kind == V_NONE)
        return 1;
    if ((a->kind != V_TUPLE && a->kind != V_SLICE && a->kind != V_OPT) || a->kind != b->kind || a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (!same_form(a->items[i], b->items[i]) &&
            !(a->kind == V_SLICE && i == 2 &&
              ((a->items[i]->kind == V_NONE && lw_is_int_scalar(b->items[i])) ||
               (b->items[i]->kind == V_NONE && lw_is_int_scalar(a->items[i])))))
            return 0;
    return 1;
}
/* A slice whose step is None, with the step 1 written out (slice(0, 4) and slice(0, 8, 2) have
 * the same form once carried). */
static value *step_written(value *v)
{
    if (v->kind != V_SLICE || v->n != 3 || v->items[2]->kind != V_NONE)
        return v;
    value *r = lw_vnew(V_SLICE, v->l);
    *r = *v;
    r->items = NEWN(value *, 4);
    for (int i = 0; i < 3; i++)
        r->items[i] = v->items[i];
    r->items[2] = lw_scalar(v->l, lw_I64(v->l, 1), 1);
    return r;
}
int lw_same_form(value *a, value *b) { return same_form(a, b); }

static value *form_assign(lctx *c, loc l, const char *name, value *v, vec *vars, vec *exprs)
{
    if (v->kind == V_SCALAR) {
        ir_var *var = lw_scope_var(c, name, v->type, 0, 0);
        vec_push(vars, var);
        vec_push(exprs, v->e);
        value *r = lw_scalar_as(l, ir_varref(l, var), v);
        r->type = v->type;
        return r;
    }
    if (v->kind != V_TUPLE && v->kind != V_SLICE && v->kind != V_OPT)
        return v;
    value *r = lw_vnew(v->kind, v->l);
    *r = *v;
    r->items = NEWN(value *, v->n + 1);
    for (int i = 0; i < v->n; i++)
        r->items[i] = form_assign(c, l, arena_printf(&util_arena, "%s.%d", name, i), v->items[i], vars,
                                  exprs);
    return r;
}
/* Assign the numbers of v to the hidden variables of name (all read before any is written) and
 * bind name to them. */
/* Value e (a name's at a loop's entry) with each number a Python one where it is one in both e
 * and x (after one iteration), and wmix where it is in only one: best = (1e9, -1), then best =
 * (np.abs(x[k]), k) in the loop, is a Python float before the first iteration's and a NumPy one
 * after (lw_scalar_join). */
value *lw_weak_joined(value *e, value *x)
{
    if (e->kind == V_SCALAR && x->kind == V_SCALAR) {
        if (e->weak == x->weak && e->wmix == x->wmix)
            return e;
        value *r = lw_vnew(V_SCALAR, e->l);
        *r = *e;
        r->weak = e->weak && x->weak;
        r->wmix = !r->weak;
        return r;
    }
    if ((e->kind != V_TUPLE && e->kind != V_SLICE && e->kind != V_OPT) || e->kind != x->kind || e->n != x->n)
        return e;
    value *r = NULL;
    for (int i = 0; i < e->n; i++)
        lw_item_replace(&r, e, i, lw_weak_joined(e->items[i], x->items[i]));
    return r ? r : e;
}

void lw_carry_assign(lctx *c, loc l, const char *name, value *v)
{
    vec vars = {0}, exprs = {0};
    value *r = form_assign(c, l, name, v, &vars, &exprs);
    for (int i = 0; i < exprs.len; i++) {
        ir_expr *e = VEC_AT(exprs, i, ir_expr *);
        if (e->kind != E_CONST)
            exprs.items[i] = lw_in_temp(c, l, e);
    }
    for (int i = 0; i < vars.len; i++) {
        ir_stmt *a = ir_stmt_new(S_ASSIGN, l);
        a->var = VEC_AT(vars, i, ir_var *);
        a->e = ir_cast(l, a->var->type, VEC_AT(exprs, i, ir_expr *));
        lw_emit(c, a);
    }
    binding *b = lw_bind(c, name);
    b->kind = B_VALUE;
    b->val = r;
}

/* ---- views carried between iterations ----
 * A name bound to a view of an array (v = a[1:-1]) or to an array, that the body rebinds to a
 * new array or to a view (v = v + 1, z = z[::-1]) after reading it: the name gets an array slot
 * of its own holding the array viewed, and its offsets, steps and lengths become variables
 * ("v.lo.0"), assigned at the entry and at the end of the body; the name is a view of its slot
 * with those bounds. Writes through it reach the array it views, as in NumPy, on every
 * iteration and after the loop (also when it runs no iteration). Only views that keep every
 * dimension in order (no integer index, newaxis or np.roll). */
int lw_plain_view(value *v)
{
    if (v->kind != V_ARRAY || v->fresh || v->e->kind != E_READ)
        return 0;
    ir_view *w = v->e->view;
    int k = 0;
    for (int d = 0; d < w->rank; d++) {
        if (w->dim[d].kind == D_FIXED)
            continue;
        if (w->dim[d].box != k++ || w->dim[d].wrap)
            return 0;
    }
    return k == v->rank;
}
/* The value a binding gives the name (an array binding: its whole slot). */
value *lw_bound_array(binding *b)
{
    if (b->kind == B_ARRAY)
        return lw_slot_value((loc){0}, b->var, b->sh);
    return b->kind == B_VALUE ? b->val : NULL;
}
/* Two views with the same element type and slot rank, integer indices in the same places,
 * and shapes not known to differ. */
int lw_carriable_view(binding *e, binding *x)
{
    value *ev = lw_bound_array(e), *xv = lw_bound_array(x);
    if (!ev || !xv || !lw_plain_view(ev) || !lw_plain_view(xv) || ev->type != xv->type || ev->rank != xv->rank)
        return 0;
    ir_view *a = ev->e->view, *b = xv->e->view;
    if (a->rank != b->rank)
        return 0;
    for (int d = 0; d < a->rank; d++)
        if (a->dim[d].kind != b->dim[d].kind)
            return 0;
    for (int d = 0; d < ev->rank; d++)
        if (lw_sym_cmp(ev->sh[d], xv->sh[d]) == 0)
            return 0;
    return 1;
}
/* Bind name to the view v carried in its slot (see above): the slot takes v's array, the
 * bounds variables v's bounds (all read before any is written); sh: the static shape (NULL
 * where it changes). */
void lw_carry_view(lctx *c, loc l, const char *name, value *v, const sym *const *sh)
{
    ir_view *w = v->e->view;
    ir_var *slot = lw_scope_var(c, name, v->type, w->rank, 1);
    ir_expr *vals[3 * IR_MAX_RANK];
    ir_var *vars[3 * IR_MAX_RANK];
    static const char *part[3] = {"lo", "st", "len"};
    for (int d = 0; d < w->rank; d++)
        for (int k = 0; k < 3; k++) {
            vars[3 * d + k] = NULL;
            if (w->dim[d].kind == D_FIXED && k > 0)
                continue;
            ir_expr *e = k == 0 ? w->dim[d].lo : k == 1 ? w->dim[d].step : w->dim[d].len;
            vars[3 * d + k] = lw_scope_var(c, arena_printf(&util_arena, "%s.%s.%d", name, part[k], d), T_I64, 0, 0);
            e = ir_cast(l, T_I64, e);
            vals[3 * d + k] = e->kind != E_CONST ? lw_in_temp(c, l, e) : e;
        }
    for (int d = 0; d < w->rank; d++) { /* for a restart's check (emit_ck.c); a roll's lo is a shift */
        int seen = w->dim[d].wrap != NULL;
        for (int i = 0; i < c->prog->carried.len; i++) {
            ir_carried_view *o = VEC_AT(c->prog->carried, i, ir_carried_view *);
            seen |= o->slot == slot && o->dim == d;
        }
        if (seen)
            continue;
        ir_carried_view *cv = NEW(ir_carried_view);
        *cv = (ir_carried_view){slot, d, vars[3 * d], vars[3 * d + 1], vars[3 * d + 2]};
        vec_push(&c->prog->carried, cv);
    }
    if (w->arr != slot)
        lw_rebind_slot(c, l, slot, w->arr, name);
    for (int i = 0; i < 3 * w->rank; i++) {
        if (!vars[i])
            continue;
        ir_stmt *a = ir_stmt_new(S_ASSIGN, l);
        a->var = vars[i];
        a->e = vals[i];
        lw_emit(c, a);
    }
    value *r = lw_vnew(V_ARRAY, l);
    *r = *v;
    r->fresh = NULL;
    ir_view *nw = ir_view_clone(w);
    nw->arr = slot;
    for (int d = 0, k = 0; d < w->rank; d++) {
        ir_dim *m = &nw->dim[d];
        m->lo = ir_varref(l, vars[3 * d]);
        m->slo = NULL;
        m->aext = NULL;
        if (m->kind == D_FIXED)
            continue;
        m->step = ir_varref(l, vars[3 * d + 1]);
        m->len = ir_varref(l, vars[3 * d + 2]);
        m->step_c = 0;
        m->slen = sh[k];
        r->sh[k] = sh[k];
        r->len[k++] = m->len;
    }
    r->e = ir_read(l, nw);
    binding *b = lw_bind(c, name);
    b->kind = B_VALUE;
    b->val = r;
}

/* The arrays that the views in v (a view, or a tuple of them) view are kept by every view of
 * them (lw_keep_views), except the hidden names of name's own items. */
static void keep_items(lctx *c, loc l, const char *name, value *v)
{
    if (v->kind == V_ARRAY && !v->fresh && v->e->kind == E_READ) {
        ir_var *s = v->e->view->arr;
        size_t nl = strlen(name);
        if (!(strncmp(s->pyname, name, nl) == 0 && s->pyname[nl] == '.'))
            lw_keep_views(c, l, s, NULL);
    } else if (v->kind == V_TUPLE)
        for (int i = 0; i < v->n; i++)
            keep_items(c, l, name, v->items[i]);
}

/* ---- arrays whose size changes from one iteration to the next ------------------------------
 * x = x[alive] in a time loop (particles leaving the domain, NPBench's mandelbrot2: Z = Z[I]): a
 * name that is an array at the loop's entry and a mask selection after one iteration, which the
 * next iteration reads. A selection bound to a name is otherwise a snapshot of the whole array
 * and its mask (lw_masked_bind), which the next iteration cannot read as an array; such a name
 * is put in c->compact instead, and binding a selection to it takes the selected items as a new
 * array of the data's length (lw_masked_compact), in the name's slot. The loop then carries the
 * slot with its extent known only when running (lw_carry_view with no static extent), as it
 * carries an array a function returns. The selection is counted and copied by the prelude's
 * select_flat (a mask of the array's shape: the items in C order, 1-D) or select_rows (a 1-D
 * mask of a 2-D array's rows), so every rank holds the whole result, as for np.unique. */

int lw_compact_name(lctx *c, const char *name)
{
    size_t n = strlen(name);
    /* a complex array's parts are bound to hidden names "z.0" and "z.1" (lower_assign.c) */
    if (n > 2 && name[n - 2] == '.' && (name[n - 1] == '0' || name[n - 1] == '1'))
        n -= 2;
    for (int i = 0; i < c->compact.len; i++) {
        const char *k = VEC_AT(c->compact, i, const char *);
        if (strlen(k) == n && strncmp(k, name, n) == 0)
            return 1;
    }
    return 0;
}

/* v (a selection x[m], or a complex one) as a new array holding the selected items; NULL when
 * v is not a selection of elements by a mask of x's shape or of the rows of a 2-D x. */
value *lw_masked_compact(lctx *c, loc l, value *v)
{
    if (lw_is_complex(v) && v->items[0]->kind == V_MASKED && v->items[1]->kind == V_MASKED) {
        value *re = lw_masked_compact(c, l, v->items[0]);
        value *im = re && re->kind != V_ERR ? lw_masked_compact(c, l, v->items[1]) : NULL;
        return re && im ? lw_complex_make(l, re, im) : re && re->kind == V_ERR ? re : NULL;
    }
    if (v->kind != V_MASKED || !v->self || v->self->kind != V_ARRAY || !v->mask || v->mask->kind != V_ARRAY ||
        v->argw || v->lead)
        return NULL;
    if (!v->n && v->mask->rank == v->self->rank) {
        value *args[] = {v->self, v->mask};
        return lw_call_prelude(c, l, "select_flat", 2, args);
    }
    if (v->n == 1 && v->rows && v->rows->kind == V_ARRAY && v->rows->rank == 1 && v->self->rank == 2) {
        value *args[] = {v->self, v->rows};
        return lw_call_prelude(c, l, "select_rows", 2, args);
    }
    return NULL;
}

/* Does the binding x (after one iteration) hold a selection that lw_masked_compact takes? */
static int compactable(binding *x)
{
    if (x->kind != B_VALUE)
        return 0;
    value *v = x->val;
    if (lw_is_complex(v))
        v = v->items[0];
    return v->kind == V_MASKED && v->self && v->self->kind == V_ARRAY && v->mask && v->mask->kind == V_ARRAY &&
           !v->argw && !v->lead &&
           ((!v->n && v->mask->rank == v->self->rank) ||
            (v->n == 1 && v->rows && v->rows->rank == 1 && v->self->rank == 2));
}

/* A complex array whose length changes (Z = Z[I] of a name in c->compact) is carried as its
 * two parts, each a view carried in the slot of its hidden name ("Z.0", "Z.1"): v's parts,
 * with the static extents of e's where they are x's. */
static int carriable_complex(lctx *c, const char *name, binding *e, binding *x)
{
    if (!lw_compact_name(c, name) || e->kind != B_VALUE || x->kind != B_VALUE || !lw_is_complex(e->val) ||
        !lw_is_complex(x->val))
        return 0;
    for (int k = 0; k < 2; k++) {
        binding pe = {.kind = B_VALUE, .val = e->val->items[k]}, px = {.kind = B_VALUE, .val = x->val->items[k]};
        if (!lw_carriable_view(&pe, &px))
            return 0;
    }
    return 1;
}
static void carry_complex(lctx *c, loc l, const char *name, binding *v, binding *e, binding *x)
{
    value *part[2];
    for (int k = 0; k < 2; k++) {
        value *ev = e->val->items[k], *xv = x->val->items[k];
        const sym *sh[IR_MAX_RANK];
        for (int d = 0; d < xv->rank; d++)
            sh[d] = lw_sym_cmp(ev->sh[d], xv->sh[d]) == 1 ? ev->sh[d] : NULL;
        const char *h = arena_printf(&util_arena, "%s.%d", name, k);
        lw_carry_view(c, l, h, v->val->items[k], sh);
        part[k] = lw_own(c, h)->val;
    }
    binding *b = lw_bind(c, name);
    b->kind = B_VALUE;
    b->val = lw_complex_make(l, part[0], part[1]);
}

/* Make the names of cands that the body rebinds after reading them loop-carried, or reject
 * them (see above). Runs at the loop's entry, before its real lowering; the names carried as
 * numbers are added to carried (lower_loop assigns them at the end of the body). */
void lw_carry_values(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast, vec *names,
                     vec *cands, vec *carried, vec *late, vec *refused, vec *strflows)
{
    /* the values after one iteration, to know what each name becomes */
    snapshot entry = lw_snap_take(c);
    vec after = {0}, reads = {0}, flows = {0};
again:
    after.len = reads.len = flows.len = 0;
    {
        int old = diag_suppress(1);
        vec scratch = {0};
        vec *saved = c->out;
        c->out = &scratch;
        c->loops++;
        c->probing++;
        lw_loop_body_once(c, loop, target, loopvar, condast);
        for (int i = 0; i < cands->len; i++) {
            binding *x = NEW(binding);
            *x = *lw_own(c, VEC_AT(*cands, i, const char *));
            vec_push(&after, x);
        }
        c->probing--;
        c->loops--;
        c->out = saved;
        diag_suppress(old);
        lw_snap_rewind(c, &entry);
    }
    read_entry_values(c, loop, target, loopvar, condast, cands, &reads, &flows);
    int more = 0; /* arrays the body makes mask selections of, read by the next iteration */
    for (int i = 0; i < cands->len; i++) {
        const char *n = VEC_AT(*cands, i, const char *);
        binding *e = lw_own(c, n), *x = VEC_AT(after, i, binding *);
        const char *what = lw_value_what(e);
        if (lw_name_in(names, n) && lw_name_in(&reads, n) && !lw_compact_name(c, n) && compactable(x) &&
            strstr(what, "array") && !strstr(what, "mask selection")) {
            vec_push(&c->compact, (void *)n);
            more = 1;
        }
    }
    if (more) /* the body again, binding those names to new arrays */
        goto again;
    for (int i = 0; i < cands->len; i++) {
        const char *n = VEC_AT(*cands, i, const char *);
        binding *e = lw_own(c, n), *x = VEC_AT(after, i, binding *);
        int kept = e->kind == B_VALUE && e->val->kind == V_ARRAY && e->val->e->kind == E_READ &&
                   x->kind == B_VALUE && x->val->kind == V_ARRAY && x->val->e->kind == E_READ &&
                   strcmp(x->val->e->view->arr->pyname, arena_printf(&util_arena, "%s.base", n)) == 0;
        if (kept) { /* x is e kept on its array, nothing else */
            int ch = 0;
            kept = lw_value_equal(lw_value_retarget(e->val, e->val->e->view->arr, x->val->e->view->arr, &ch),
                                  x->val);
        }
        if (!lw_name_in(names, n) || kept) {
            /* a view whose base the body rebinds keeps its array from the entry on */
            if (e->kind == B_VALUE)
                keep_items(c, loop->l, n, e->val);
            continue;
        }
        if (lw_opt_carry(c, loop->l, n, e, x)) { /* None before, a number after (or the reverse) */
            vec_push(carried, (void *)n);
            continue;
        }
        if (!lw_name_in(&reads, n) && !lw_name_in(&flows, n) && !lw_name_in(late, n))
            continue;
        if (!lw_name_in(&reads, n) && e->kind == B_VALUE && (e->val->kind == V_STR || e->val->kind == V_FSTR)) {
            if (lw_name_in(&flows, n) && !lw_name_in(strflows, n)) /* a run-time string (lw_strings_carried) */
                vec_push(strflows, (void *)n);
            continue;
        }
        if (carriable_complex(c, n, e, x)) {
            carry_complex(c, loop->l, n, e, e, x);
            vec_push(carried, (void *)n);
            continue;
        }
        /* x = np.delete(x, k), x = x[idx] (its slot), or a view carried as it is: the slot, with
         * the extents that change run-time ones */
        if ((e->kind == B_ARRAY && x->kind == B_ARRAY && e->var == x->var && !lw_carriable_view(e, x)) ||
            (!(e->kind == B_VALUE && lw_whole_slot(e->val) && x->kind == B_ARRAY) && lw_carriable_view(e, x))) {
            value *ev = lw_bound_array(e), *xv = lw_bound_array(x);
            const sym *sh[IR_MAX_RANK];
            for (int d = 0; d < ev->rank; d++)
                sh[d] = lw_sym_cmp(ev->sh[d], xv->sh[d]) == 1 ? ev->sh[d] : NULL;
            lw_carry_view(c, loop->l, n, ev, sh);
            vec_push(carried, (void *)n);
            continue;
        }
        ir_var *src = e->kind == B_VALUE ? lw_whole_slot(e->val) : NULL;
        if (src && x->kind == B_ARRAY && x->var->type == e->val->type && x->var->rank == e->val->rank) {
            /* an array bound by name: from now on the name's own slot, holding the same array */
            ir_var *slot = lw_scope_var(c, n, e->val->type, e->val->rank, 1);
            if (slot != src)
                lw_rebind_slot(c, loop->l, slot, src, n);
            value same = *e->val; /* a reshape's copy was checked where the body bound it */
            same.reshaped = NULL;
            lw_bind_array(c, n, slot, &same);
            continue;
        }
        if (e->kind == B_VALUE && x->kind == B_VALUE && (e->val->kind == V_TUPLE || e->val->kind == V_SLICE) &&
            same_form(e->val, x->val)) {
            int stepped = e->val->kind == V_SLICE && (e->val->items[2]->kind != V_NONE ||
                                                      x->val->items[2]->kind != V_NONE);
            lw_carry_assign(c, loop->l, n, lw_weak_joined(stepped ? step_written(e->val) : e->val, x->val));
            vec_push(carried, (void *)n);
            continue;
        }
        if (!lw_name_in(&reads, n)) { /* read after the loop only, refused there */
            vec_push(refused, (void *)n);
            vec_push(refused, (void *)lw_exit_refusal(loop, e, x, lw_name_in(&flows, n) ? 2 : 1));
            continue;
        }
        const char *what = lw_value_what(e), *xwhat = lw_value_what(x);
        value *ev = e->kind == B_ARRAY ? lw_bound_array(e) : lw_opt_binding_value(e),
              *xv = x->kind == B_ARRAY ? lw_bound_array(x) : lw_opt_binding_value(x);
        if (lw_opt_refuse(loop->l, n, ev, xv, "on one path into this loop's iterations", "on another"))
            continue; /* prev = None, then an array: lower_optional.c says what works */
        if (x->kind == B_VALUE && lw_is_ambiguous(x->val))
            diag_error(loop->l, "'%s' is bound to %s before this loop and, inside it, to different "
                                "values on the two branches of an 'if', which the next iteration "
                                "reads: a value chosen at run time is not supported here", n, what);
        else if (e->kind == B_VALUE && x->kind == B_VALUE && (e->val->kind == V_STR || e->val->kind == V_FSTR) &&
                 x->val->kind == V_FSTR)
            diag_error(loop->l, "'%s' is bound to %s before this loop and to %s inside it, which the "
                                "next iteration reads: a string that changes from one iteration to the "
                                "next is not supported", n, what, xwhat);
        else if (e->kind == B_VALUE && x->kind == B_VALUE && lw_is_dict(e->val) && lw_is_dict(x->val))
            diag_error(loop->l, "'%s' is a dict whose items change their type inside this loop (an int "
                                "made a float), which the next iteration reads: keep each item's type "
                                "(0.0 for an int item that becomes a float)", n);
        else if (strcmp(what, xwhat) == 0 && e->kind == B_VALUE && e->val->kind != V_ARRAY)
            diag_error(loop->l, "'%s' is bound to %s before this loop and to another %s inside it, "
                                "which the next iteration reads: %s that changes from one iteration "
                                "to the next is not supported", n, what, what + (what[1] == 'n' ? 3 : 2),
                       what);
        else if (strstr(xwhat, "mask selection") && !strstr(what, "mask selection"))
            diag_error(loop->l, "'%s' is %s before this loop and %s after one iteration, which the "
                                "next iteration reads: an array whose size changes from one iteration "
                                "to the next is supported when it is a selection of elements (x[m], m "
                                "of x's shape) or of the rows of a 2-D array (x[m], m 1-D), not this "
                                "one; keep the whole array and select with a mask every iteration "
                                "(z[m] = z[m] ** 2 + c[m])", n, what, xwhat);
        else if (ev && xv && ev->kind == V_ARRAY && lw_is_complex(xv) && !lw_is_complex(ev))
            /* psi = np.sqrt(rho), then psi = np.exp(-1j * dt * V) * psi in the loop: the first
             * iteration reads a real array, the others a complex one */
            diag_error(loop->l, "'%s' is a real array before this loop and a complex array after one "
                                "iteration, which the next iteration reads: an array whose dtype changes "
                                "from one iteration to the next is not supported; make it complex before "
                                "the loop (%s = %s.astype(complex))", n, n, n);
        else if (strstr(what, "array") || strstr(xwhat, "array"))
            diag_error(loop->l, "'%s' is %s before this loop and %s after one iteration, which the "
                                "next iteration reads: a view carried from one iteration to the next "
                                "must keep its shape, its dtype and every dimension in order; bind a "
                                "copy before the loop (%s = %s.copy())", n, what, xwhat, n, n);
        else
            diag_error(loop->l, "'%s' is %s before this loop and %s after one iteration, which the "
                                "next iteration reads; give it one kind of value", n, what, xwhat);
    }
}

/* The next iteration's values of the names a loop carries (carry_values): at the end of its
 * body and before each break or continue (any point will do: the variables take the values the
 * names have there, and the names read them). A name carried only for after the loop (late:
 * lw_exits_probe) that an exit cannot carry is refused where it is read after the loop. */
void lw_emit_carries(lctx *c, lw_carry_ctx *cc)
{
    for (int i = 0; i < cc->carried->len; i++) { /* the next iteration's values (carry_values) */
        const char *n = VEC_AT(*cc->carried, i, const char *);
        binding *x = lw_own(c, n), *e = lw_entry_of_in(c, cc->entry, n);
        if (x && e && lw_opt_carry_next(c, cc->loop->l, n, e, x))
            continue;
        if (x && e && lw_name_in(cc->late, n) &&
            !(x->kind == B_VALUE && x->val->kind == V_ERR) &&
            !(e->kind == B_VALUE && e->val->kind == V_ARRAY ? lw_carriable_view(e, x)
                                                            : x->kind == B_VALUE && same_form(e->val, x->val))) {
            vec_push(&cc->failed, (void *)n);
            vec_push(&cc->failed, (void *)lw_exit_refusal(cc->loop, e, x, 1));
            continue;
        }
        if (x && e && carriable_complex(c, n, e, x)) {
            carry_complex(c, cc->loop->l, n, x, e, x);
            continue;
        }
        if (x && e && e->kind == B_VALUE && e->val->kind == V_ARRAY) {
            if (lw_carriable_view(e, x)) {
                value *xv = lw_bound_array(x);
                lw_carry_view(c, cc->loop->l, n, xv, (const sym *const *)e->val->sh);
            } else if (!(x->kind == B_VALUE && x->val->kind == V_ERR))
                diag_error(cc->loop->l, "'%s' is a view of an array before this loop and %s after one "
                                    "iteration, which the next iteration reads: a view carried from "
                                    "one iteration to the next must keep its shape and every "
                                    "dimension in order", n, lw_value_what(x));
        } else if (x && e && x->kind == B_VALUE && same_form(e->val, x->val))
            lw_carry_assign(c, cc->loop->l, n, x->val->kind == V_SLICE && e->val->kind == V_SLICE &&
                                            e->val->items[2]->kind != V_NONE ? step_written(x->val)
                                                                             : x->val);
        else if (x && !(x->kind == B_VALUE && x->val->kind == V_ERR))
            diag_error(cc->loop->l, "'%s' changes form inside this loop (%s before, %s after one "
                                "iteration)", n, e ? lw_value_what(e) : "unbound", lw_value_what(x));
    }
    for (int i = 0; i + 1 < cc->strs.len; i += 2) { /* strings_carried */
        binding *x = lw_own(c, VEC_AT(cc->strs, i, const char *));
        int k = (int)(intptr_t)cc->strs.items[i + 1];
        if (x && x->kind == B_VALUE && (x->val->kind == V_STR || x->val->kind == V_FSTR) &&
            !(x->val->kind == V_FSTR && x->val->n == 1 && x->val->items[0]->n == k)) /* not k itself */
            lw_str_set(c, cc->loop->l, x->val, k);
    }
}
void lw_loop_carries(lctx *c)
{
    if (c->exits)
        lw_exit_record(c);
    if (c->carrying)
        lw_emit_carries(c, c->carrying);
}
