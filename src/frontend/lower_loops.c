/* lower_loops.c: for and while loops: the types of the names a loop assigns (a fixed point
 * over the loop body, with the inner loops' results replayed), then the body lowered into the
 * loop statement. Requires: the names bound at loop entry. Establishes: a scalar name has the
 * same type at the end of the body as at its entry (promoted at entry: int < float < int or
 * float; a Python int the body makes float32 or a narrower int is typed so for the whole loop,
 * and the run stops after the loop if no iteration assigned it, where Python keeps the int),
 * an array name the same shape and dtype, and a name of another kind that the body
 * reads and then rebinds is carried to the next iteration (an array slot, a view with run-time
 * bounds, variables for the numbers of a tuple or slice) or rejected; a top-level loop records
 * the array shapes a restart checks. */

#include "lower_internal.h"

#include <string.h>

/* The binding of a name where its bindings live: the current scope's, or the module's for a
 * function's `global` names and objects' attributes (lw_bind's rule). */
binding *lw_own(lctx *c, const char *name) { return lw_find_in(lw_name_scope(c, name), name); }
/* A name's binding in a snapshot, the module's part included when the name is the module's
 * (a function's own t is not the module's t: a loop of the function that binds t first would
 * otherwise compare its t with the module's, and find no entry binding of its own). */
binding *lw_entry_of_in(lctx *c, snapshot *s, const char *name)
{
    for (int k = 0; k < s->binds.len; k++)
        if (strcmp(VEC_AT(s->binds, k, binding *)->name, name) == 0)
            return VEC_AT(s->binds, k, binding *);
    if (c && lw_name_scope(c, name) != c->module)
        return NULL;
    for (int k = 0; k < s->mbinds.len; k++)
        if (strcmp(VEC_AT(s->mbinds, k, binding *)->name, name) == 0)
            return VEC_AT(s->mbinds, k, binding *);
    return NULL;
}

/* An affine form over the parameters as an expression of their variables, or NULL when one of
 * its atoms is not a parameter that still holds its value from the command line. */
static ir_expr *sym_param_expr(lctx *c, loc l, const sym *s)
{
    if (!s)
        return NULL;
    ir_expr *e = NULL;
    for (int t = 0; t < s->n; t++) {
        ir_var *pv = NULL;
        for (int i = 0; i < c->prog->params.len && !pv; i++) {
            ir_var *p = VEC_AT(c->prog->params, i, ir_var *);
            binding *b = lw_find_in(c->module, p->pyname);
            if (b && b->kind == B_SCALAR && b->var == p && sym_equal(b->s, sym_var(s->atom[t])))
                pv = p;
        }
        if (!pv)
            return NULL;
        ir_expr *term = ir_varref(l, pv);
        if (s->k[t] != 1)
            term = ir_bin(l, OP_MUL, T_I64, ir_const_i(l, T_I64, s->k[t]), term, 0);
        e = e ? ir_bin(l, OP_ADD, T_I64, e, term, 0) : term;
    }
    if (!e || s->c)
        e = e ? ir_bin(l, OP_ADD, T_I64, e, ir_const_i(l, T_I64, s->c), 0) : ir_const_i(l, T_I64, s->c);
    return e;
}

/* The shapes of the arrays bound when a top-level loop starts (they cannot change inside it),
 * where they follow from the parameters: a restart jumps past the statements that computed them,
 * so it checks a checkpoint's arrays against these. */
static void record_ck_shapes(lctx *c, ir_stmt *st)
{
    vec *bs = &c->module->binds;
    st->ck_n = 0;
    st->ck_slot = NEWN(ir_var *, bs->len + 1);
    st->ck_shape = NEWN(ir_expr *, (size_t)(bs->len + 1) * IR_MAX_RANK);
    for (int i = 0; i < bs->len; i++) {
        binding *b = VEC_AT(*bs, i, binding *);
        if (b->kind != B_ARRAY || !b->var || b->var->rank < 1)
            continue;
        int any = 0;
        for (int d = 0; d < b->var->rank; d++) {
            ir_expr *e = sym_param_expr(c, st->l, b->sh[d]);
            st->ck_shape[st->ck_n * IR_MAX_RANK + d] = e;
            any |= e != NULL;
        }
        if (any)
            st->ck_slot[st->ck_n++] = b->var;
    }
}

/* ---- loops: type inference, then lowering ----------------------------------------------------
 *
 * The types of the scalar names a loop body assigns are a fixed point: a pass lowers the body
 * once with the output discarded and diagnostics off and compares the type each name has at the
 * end of the body with its type at entry. A name that changed is promoted at loop entry along
 * the lattice int < float < int-or-float (a name that is an int on one path and a float on
 * another keeps both: dynvar), and the pass is repeated; the types only go up, so the passes end
 * (a name that would go down is an error). Then the body is lowered for real.
 *
 * Each body is analysed a bounded number of times whatever the nesting depth:
 *   - a loop met inside a pass of an enclosing loop (c->probing) runs its own passes in place
 *     and keeps the stable one as its result (its output is discarded anyway);
 *   - that loop's promotions are recorded (a loop_memo, in the order the loops are met), and
 *     when the enclosing loop, its passes done, is lowered for real, each inner loop replays the
 *     promotions recorded by the enclosing loop's last pass instead of running passes again.
 * So the outermost loop's passes analyse every nested body (once each when the types are
 * stable), and the real lowering visits each once more. A pass that is rewound (its types
 * changed, or a probe) drops the records it made (snapshot.nmemo). */

/* One promotion at a loop's entry: name becomes a dynvar (dyn) or a scalar of type t, or (wmix)
 * stays in its variable as a Python number on some paths and a NumPy scalar on others. */
typedef struct promo {
    const char *name;
    int dyn, weak, wmix;
    ir_type t;
} promo;
struct loop_memo {
    ast *loop;
    int used;
    vec sig;    /* the entry types of the loop's names (entry_sig) */
    vec promos; /* promo*, in the order they were made */
};

/* The types of names at a loop's entry, as small ints, to check a memo was made for the same
 * entry state. */
static vec entry_sig(lctx *c, vec *names)
{
    vec sig = {0};
    for (int i = 0; i < names->len; i++) {
        binding *b = lw_own(c, VEC_AT(*names, i, const char *));
        intptr_t k = !b ? -1 : b->kind != B_SCALAR ? -2 - (intptr_t)b->kind
                           : b->dyn ? -10 : (intptr_t)b->var->type;
        vec_push(&sig, (void *)k);
    }
    return sig;
}
static int same_sig(vec *a, vec *b)
{
    if (a->len != b->len)
        return 0;
    for (int i = 0; i < a->len; i++)
        if (a->items[i] != b->items[i])
            return 0;
    return 1;
}

/* Make one promotion at the loop's entry (statements into c->out). */
static void promote(lctx *c, loc l, promo *p)
{
    binding *b = lw_own(c, p->name);
    if (p->dyn) {
        dynvar *d = b->dyn ? b->dyn : lw_dyn_get(c, p->name);
        lw_dyn_convert(c, c->out, l, d, b);
        lw_dyn_bind(c, d, p->weak);
        return;
    }
    if (p->wmix) {
        b->weak = 0;
        b->wmix = 1;
        return;
    }
    ir_var *nv = lw_scope_var(c, p->name, p->t, 0, 0);
    int narrowed = ir_type_is_int(p->t) && b->var->type == T_I64; /* a Python int made int32 */
    if (narrowed) {
        value w = *lw_scalar(l, ir_varref(l, b->var), 1);
        lw_weak_int_fits(c, l, &w, p->t);
    }
    if ((ir_type_is_float(p->t) && !ir_type_is_float(b->var->type)) || narrowed) {
        /* Python keeps the int where the loop does not assign the name: checked after it */
        ir_var *f = lw_still_int_flag(c, p->name, 1);
        ir_stmt *fs = ir_stmt_new(S_ASSIGN, l);
        fs->var = f;
        fs->e = ir_const_i(l, T_BOOL, 1);
        lw_emit(c, fs);
        loc *at = NEW(loc);
        *at = l;
        vec_push(&c->int_promos, (void *)p->name);
        vec_push(&c->int_promos, f);
        vec_push(&c->int_promos, at);
        vec_push(&c->int_promos, (void *)ir_type_name(b->var->type));
        vec_push(&c->int_promos, (void *)ir_type_name(p->t));
    }
    ir_stmt *a = ir_stmt_new(S_ASSIGN, l);
    a->var = nv;
    a->e = ir_cast(l, p->t, ir_varref(l, b->var));
    lw_emit(c, a);
    int weak = b->weak;
    b = lw_bind(c, p->name);
    b->kind = B_SCALAR;
    b->var = nv;
    b->weak = weak;
}

/* ---- names the body binds to other kinds of values --------------------------------------
 * A name that is not a scalar at a loop's entry (a view of an array, a string, a tuple, a
 * function) and has another value after one iteration: the second iteration must see the new
 * value, but the body is lowered once with the name's entry value. That is harmless when the
 * body rebinds the name before it reads it; the body is probed once more with the entry values
 * replaced by poison to see which it reads (read_entry_values). A whole array passed by name
 * (p of `def f(p)`, bound to the caller's array) becomes a loop-carried array slot at the
 * loop's entry, taking a new reference to the same array; a view whose base the body rebinds
 * keeps its array from the entry on (lw_keep_views); anything else is an error. */

/* The names whose binding after the body (the current one) differs from the one at entry
 * (before) in something other than a scalar's type. */
static void rebound_values(lctx *c, snapshot *before, vec *cands)
{
    cands->len = 0;
    for (int k = 0; k < before->binds.len; k++) {
        binding *e = VEC_AT(before->binds, k, binding *), *x = lw_find_in(c->sc, e->name);
        /* a name left as an error value has had its diagnostic already */
        if (x && ((x->kind == B_VALUE && x->val->kind == V_ERR && !lw_is_ambiguous(x->val)) ||
                  (e->kind == B_VALUE && e->val->kind == V_ERR)))
            continue;
        if (!x || (e->kind == B_SCALAR && x->kind == B_SCALAR) ||
            (e->kind == B_ARRAY && x->kind == B_ARRAY) ||
            (e->kind == B_VALUE && x->kind == B_VALUE &&
             (lw_value_equal(e->val, x->val) || e->val->kind == V_ERR ||
              (x->val->kind == V_ERR && !lw_is_ambiguous(x->val)))))
            continue;
        if (!lw_name_in(cands, e->name))
            vec_push(cands, (void *)e->name);
    }
}

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

/* One pass over the loop body (see above). Returns 1 when the pass found nothing to change:
 * with keep its bindings (those after one iteration) are left in place, else they are rewound
 * (the records of the inner loops stay). Returns 0 after rewinding to the entry and making the
 * promotions (appended to promos); *err is set when a name would change type downwards. */
static int loop_pass(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast, vec *names,
                     int keep, vec *promos, int *err, vec *cands)
{
    lw_probe p;
    lw_probe_begin(c, &p);
    c->loops++;
    lw_loop_body_once(c, loop, target, loopvar, condast);
    c->loops--;
    lw_probe_leave(c, &p);
    snapshot before = p.before;
    /* compare scalar types at the end of the body with those at entry */
    vec after = {0};
    for (int i = 0; i < names->len; i++) {
        const char *n = VEC_AT(*names, i, const char *);
        binding *e = lw_entry_of_in(c, &before, n), *x = lw_own(c, n);
        if (e && x && e->kind == B_SCALAR && x->kind == B_SCALAR &&
            (e->dyn != x->dyn || e->var->type != x->var->type ||
             (!e->dyn && !e->wmix && (e->weak != x->weak || x->wmix))))
            vec_push(&after, (void *)n), vec_push(&after, x),
                vec_push(&after, (void *)(intptr_t)(!e->dyn && !x->dyn && e->var->type == x->var->type));
    }
    if (cands)
        rebound_values(c, &before, cands);
    if (!after.len && keep)
        return 1;
    if (!after.len)
        before.nmemo = c->memo.len; /* the records of this last pass serve the real lowering */
    lw_snap_rewind(c, &before);
    int changed = 0;
    for (int i = 0; i < after.len; i += 3) {
        const char *n = VEC_AT(after, i, const char *);
        binding *x = VEC_AT(after, i + 1, binding *);
        const int weak_only = VEC_AT(after, i + 2, intptr_t) != 0; /* the type is the same */
        binding *b = lw_own(c, n);
        promo *p = NEW(promo);
        p->name = n;
        if (weak_only) {
            /* x = dt, then x = u[k] in the loop: a Python float where the loop does not assign
             * it, a NumPy float64 where it does (wmix) */
            p->wmix = 1;
        } else if (lw_dyn_joins(b) && lw_dyn_joins(x) && !(target && strcmp(n, target->name) == 0)) {
            /* an int on entry and a float after the body (or the reverse): Python's value
             * and type on every path, e.g. when the loop runs no iteration (dynvar) */
            p->dyn = 1;
            p->weak = b->weak && x->weak;
        } else if (!b->dyn && !x->dyn && b->weak && b->var->type == T_I64 && ir_type_is_int(x->var->type) &&
                   x->var->type != T_I64) {
            /* total = 0, then total += c of int32 items: Python's int meets a NumPy int32 and
             * becomes one (the int must fit: NumPy's OverflowError, checked at the entry) */
            p->t = x->var->type;
        } else if (!ir_type_is_float(x->var->type) || ir_type_is_float(b->var->type)) {
            diag_error(loop->l, "variable '%s' changes type from %s to %s inside this loop; "
                                "give it its final type before the loop", n,
                       b->dyn ? "int or float" : ir_type_name(b->var->type),
                       x->dyn ? "int or float" : ir_type_name(x->var->type));
            *err = 1;
            continue;
        } else
            p->t = x->var->type;
        promote(c, loop->l, p);
        vec_push(promos, p);
        changed = 1;
    }
    return !changed;
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
        if (e->kind == E_CONST)
            continue;
        ir_var *tv = lw_temp_scalar(c, e->type);
        ir_stmt *a = ir_stmt_new(S_ASSIGN, l);
        a->var = tv;
        a->e = e;
        lw_emit(c, a);
        exprs.items[i] = ir_varref(l, tv);
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
            if (e->kind != E_CONST) {
                ir_var *tv = lw_temp_scalar(c, T_I64);
                ir_stmt *a = ir_stmt_new(S_ASSIGN, l);
                a->var = tv;
                a->e = e;
                lw_emit(c, a);
                e = ir_varref(l, tv);
            }
            vals[3 * d + k] = e;
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

/* Make the names of cands that the body rebinds after reading them loop-carried, or reject
 * them (see above). Runs at the loop's entry, before its real lowering; the names carried as
 * numbers are added to carried (lower_loop assigns them at the end of the body). */
static void carry_values(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast, vec *names,
                         vec *cands, vec *carried, vec *late, vec *refused, vec *strflows)
{
    /* the values after one iteration, to know what each name becomes */
    snapshot entry = lw_snap_take(c);
    vec after = {0};
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
    vec reads = {0}, flows = {0};
    read_entry_values(c, loop, target, loopvar, condast, cands, &reads, &flows);
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
        if (!(e->kind == B_VALUE && lw_whole_slot(e->val) && x->kind == B_ARRAY) &&
            lw_carriable_view(e, x)) {
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
                                "to the next is not supported; keep the whole array and select with a "
                                "mask every iteration (z[m] = z[m] ** 2 + c[m])", n, what, xwhat);
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
struct carry_ctx {
    vec *carried;
    snapshot *entry;
    ast *loop;
    vec strs;   /* name, run-time string k (as intptr_t): strings_carried */
    vec *late;  /* carried names the body does not read */
    vec failed; /* name, message: late names refused after the loop (lw_refuse_after_exits) */
};
static void emit_carries(lctx *c, struct carry_ctx *cc)
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
        emit_carries(c, c->carrying);
}

/* The first unused record for this loop, if it was made for the same entry state. */
static loop_memo *memo_take(lctx *c, ast *loop, vec *sig)
{
    for (int i = 0; i < c->memo.len; i++) {
        loop_memo *m = VEC_AT(c->memo, i, loop_memo *);
        if (m->loop != loop || m->used)
            continue;
        m->used = 1;
        return same_sig(&m->sig, sig) ? m : NULL;
    }
    return NULL;
}

/* The names assigned through a subscript (peak[k] = ..., peak[k] += ...) in a statement list,
 * nested blocks included. */
static void subscript_targets(vec *stmts, vec *out)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        vec ts = {0};
        if (s->kind == A_ASSIGN)
            ts = s->targets;
        else if (s->kind == A_AUGASSIGN)
            vec_push(&ts, s->b);
        for (int k = 0; k < ts.len; k++) {
            ast *t = VEC_AT(ts, k, ast *);
            if (t->kind == A_SUBSCRIPT && t->a->kind == A_NAME && !lw_name_in(out, t->a->name))
                vec_push(out, (void *)t->a->name);
        }
        subscript_targets(&s->body, out);
        subscript_targets(&s->orelse, out);
    }
}

/* The names passed to a function that assigns items of the parameter they bind (step(u,
 * stats) with stats[1] += 1 in step), in the calls of an expression or statement (not in
 * parameter defaults). */
typedef struct changed_by {
    lctx *c;
    vec *out;
} changed_by;
static void lists_changed_by_calls(lctx *c, ast *a, vec *out);
static void changed_in(ast *a, void *ctx) { changed_by *k = ctx; lists_changed_by_calls(k->c, a, k->out); }
static void lists_changed_by_calls(lctx *c, ast *a, vec *out)
{
    if (!a)
        return;
    if (a->kind == A_CALL && a->a->kind == A_NAME) {
        int unbound;
        binding *fb = lw_lookup(c, a->a->name, &unbound);
        if (fb && fb->kind == B_VALUE && fb->val->kind == V_FUNC && fb->val->def->kind == A_DEF) {
            ast *def = fb->val->def;
            vec changed = {0};
            subscript_targets(&def->body, &changed);
            for (int i = 0; i < a->args.len && i < def->params.len; i++) {
                ast *arg = VEC_AT(a->args, i, ast *), *p = VEC_AT(def->params, i, ast *);
                if (p->ival)
                    break;
                if (arg->kind == A_NAME && lw_name_in(&changed, p->name) && !lw_name_in(out, arg->name))
                    vec_push(out, (void *)arg->name);
            }
            for (int i = 0; i < a->kwargs.len; i++) {
                ast *kw = VEC_AT(a->kwargs, i, ast *);
                if (kw->name && kw->a->kind == A_NAME && lw_name_in(&changed, kw->name) &&
                    !lw_name_in(out, kw->a->name))
                    vec_push(out, (void *)kw->a->name);
            }
        }
    }
    ast_each_child(a, AST_ALL & ~AST_PARAMS, changed_in, &(changed_by){c, out});
}

/* A list of this scope whose items a loop assigns (peak = [0.0] * 4; for ...: peak[k] += x):
 * its constant items are given their hidden names ("peak.0") before the loop, as the items of
 * other values are when the list is bound, so that the loop carries them like any variable
 * (a constant item stayed a constant at the loop's entry, and the variable the loop body
 * assigned was read uninitialised). The name is bound to the new list: a probe of the loop
 * rewinds it with the other bindings. */
static void pin_constant_items(lctx *c, loc l, const char *name)
{
    int unbound;
    binding *b = lw_lookup(c, name, &unbound);
    if (!b || b->kind != B_VALUE || b->val->kind != V_TUPLE || !b->val->is_list || b->val->keys)
        return;
    value *v = b->val;
    if (v->owner != c->sc) { /* a list made elsewhere (passed in): changed in place, as Python's */
        if (c->probing)
            return;
        for (int i = 0; i < v->n; i++)
            if (v->items[i]->kind == V_SCALAR && v->items[i]->e->kind == E_CONST) {
                ast *h = ast_name(l, arena_printf(&util_arena, "%s.%d", name, i));
                lw_assign_name(c, h, v->items[i]);
                v->items[i] = lw_read_name(c, h);
            }
        return;
    }
    int any = 0;
    for (int i = 0; i < v->n; i++)
        any |= v->items[i]->kind == V_SCALAR && v->items[i]->e->kind == E_CONST;
    if (!any)
        return;
    value *r = lw_vnew(V_TUPLE, v->l);
    *r = *v;
    r->items = NEWN(value *, v->n + 1);
    for (int i = 0; i < v->n; i++) {
        r->items[i] = v->items[i];
        if (v->items[i]->kind != V_SCALAR || v->items[i]->e->kind != E_CONST)
            continue;
        ast *h = ast_name(l, arena_printf(&util_arena, "%s.%d", name, i));
        lw_assign_name(c, h, v->items[i]);
        r->items[i] = lw_read_name(c, h);
    }
    binding *nb = lw_bind(c, name);
    nb->kind = B_VALUE;
    nb->val = r;
}


/* Lower a loop: infer the types of the names its body assigns, then lower the body for real
 * into st. `condast` is lowered at the top of each iteration (a while condition). */
static void lower_loop_in(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast, ir_stmt *st);

/* ir_var*: the variables holding the scalar items of the lists that the loops being lowered
 * assign items of, as they are at those loops' entries (lw_loop_entry_item). */
static vec entry_items;

int lw_loop_entry_item(ir_var *v)
{
    for (int i = 0; v && i < entry_items.len; i++)
        if (VEC_AT(entry_items, i, ir_var *) == v)
            return 1;
    return 0;
}

static void lower_loop(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast, ir_stmt *st)
{
    c->runloops++; /* unlike c->loops, kept across inlined calls (lower_class.c) */
    vec assigned_lists = {0};
    subscript_targets(&loop->body, &assigned_lists);
    for (int i = 0; i < loop->body.len; i++)
        lists_changed_by_calls(c, VEC_AT(loop->body, i, ast *), &assigned_lists);
    int mark = entry_items.len;
    for (int i = 0; i < assigned_lists.len; i++) {
        const char *n = VEC_AT(assigned_lists, i, const char *);
        pin_constant_items(c, loop->l, n);
        int unbound;
        binding *b = lw_lookup(c, n, &unbound);
        for (int k = 0; b && b->kind == B_VALUE && b->val->kind == V_TUPLE && k < b->val->n; k++) {
            value *it = b->val->items[k];
            if (it->kind == V_SCALAR && it->e->kind == E_VAR)
                vec_push(&entry_items, it->e->var);
        }
    }
    lower_loop_in(c, loop, target, loopvar, condast, st);
    entry_items.len = mark;
    c->runloops--;
}
/* The loop statement st, then a stop for each name the loop's entry made float while it held
 * an int (promote) and that no iteration assigned (lw_still_int_flag); mark: c->int_promos'
 * length before the loop was lowered. */
static void emit_loop(lctx *c, ir_stmt *st, int mark)
{
    lw_emit(c, st);
    for (int i = mark; i < c->int_promos.len; i += 5) {
        const char *name = VEC_AT(c->int_promos, i, const char *);
        ir_var *f = VEC_AT(c->int_promos, i + 1, ir_var *);
        loc l = *VEC_AT(c->int_promos, i + 2, loc *);
        const char *was = VEC_AT(c->int_promos, i + 3, const char *);
        const char *t = VEC_AT(c->int_promos, i + 4, const char *);
        if (strcmp(was, "int64") == 0)
            was = "int";
        lw_emit_raise(c, l, ir_varref(l, f),
                      arena_printf(&util_arena, "'%s' still holds the %s it had before this loop (no "
                                   "iteration assigned it), which Python keeps, but tylesc made '%s' "
                                   "%s for the whole loop; make it %s before the loop (%s = np.%s(0))",
                                   name, was, name, t, t, name, t));
    }
    c->int_promos.len = mark;
}

/* Do e and x, a name's values at a loop's entry and after its body, hold arrays of provably
 * different shapes in the same place (the parts of a complex array)? The first such pair in
 * *ea, *xa. */
static int value_shape_changed(const value *e, const value *x, const value **ea, const value **xa)
{
    if (e->kind == V_ARRAY && x->kind == V_ARRAY) {
        for (int d = 0; d < e->rank; d++)
            if (e->rank != x->rank || lw_sym_cmp(e->sh[d], x->sh[d]) == 0) {
                *ea = e;
                *xa = x;
                return 1;
            }
        return 0;
    }
    if (e->kind != V_TUPLE || x->kind != V_TUPLE || e->n != x->n)
        return 0;
    for (int i = 0; i < e->n; i++)
        if (value_shape_changed(e->items[i], x->items[i], ea, xa))
            return 1;
    return 0;
}

static void lower_loop_in(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast, ir_stmt *st)
{
    lw_lists_before_loop(c, loop, target, loopvar, condast);
    vec names = {0};
    lw_target_names(target, &names);
    lw_assigned_names(&loop->body, &names);
    lw_loop_stored_dicts(c, &loop->body, &names);
    for (int i = 0; i < c->global_writes.len; i++) /* a call in the body may assign them */
        if (!lw_name_in(&names, VEC_AT(c->global_writes, i, const char *)))
            vec_push(&names, c->global_writes.items[i]);
    for (int i = 0; i < names.len; i++) {
        binding *b = lw_own(c, VEC_AT(names, i, const char *));
        if (b && b->kind == B_SCALAR)
            b->s = NULL;
    }
    int errors = diag_reported(), memo_start = c->memo.len;
    vec sig = entry_sig(c, &names);
    loop_memo *m = c->probing ? NULL : memo_take(c, loop, &sig);
    vec cands = {0};
    if (m) {
        for (int i = 0; i < m->promos.len; i++)
            promote(c, loop->l, VEC_AT(m->promos, i, promo *));
    } else {
        vec promos = {0};
        int err = 0;
        /* names bound to a poison at the entry (an enclosing loop's read_entry_values): the
         * entry value flows past a loop that may run no iteration or leave early */
        vec poisoned = {0};
        for (int i = 0; c->probing && i < names.len; i++) {
            binding *b = lw_own(c, VEC_AT(names, i, const char *));
            if (b && b->kind == B_VALUE && lw_is_poison(b->val))
                vec_push(&poisoned, b->val);
            else
                vec_push(&poisoned, NULL);
        }
        /* each pass that changes something moves a name up the lattice (two steps at most) */
        for (int iter = 0; iter < 2 * names.len + 2; iter++)
            if (loop_pass(c, loop, target, loopvar, condast, &names, c->probing > 0, &promos, &err, &cands)) {
                if (!c->probing)
                    break;
                int skips = lw_loop_may_skip(loop, st, condast);
                for (int i = 0; i < names.len; i++) { /* the bindings after the body are the result */
                    binding *x = lw_own(c, VEC_AT(names, i, const char *));
                    if (x && x->kind == B_SCALAR)
                        x->s = NULL;
                    if (x && skips && poisoned.items[i] && !(x->kind == B_VALUE && x->val->kind == V_ERR)) {
                        x = lw_bind(c, VEC_AT(names, i, const char *));
                        x->kind = B_VALUE;
                        x->val = poisoned.items[i];
                    }
                }
                if (!err) {
                    loop_memo *r = NEW(loop_memo);
                    r->loop = loop;
                    r->sig = sig;
                    r->promos = promos;
                    vec_push(&c->memo, r);
                }
                return;
            }
    }
    if (m) { /* the memo says nothing of other values: one pass to see them */
        vec none = {0};
        int err = 0;
        loop_pass(c, loop, target, loopvar, condast, &names, 0, &none, &err, &cands);
    }
    /* a loop that leaves early: the names whose values at its exits differ */
    vec late = {0}, strneed = {0}, refused = {0};
    lw_exits_probe(c, loop, target, loopvar, condast, st, &names, errors, &late, &strneed, &refused);
    for (int i = 0; i < late.len; i++)
        if (!lw_name_in(&cands, VEC_AT(late, i, const char *)))
            vec_push(&cands, late.items[i]);
    vec carried = {0};
    if (cands.len)
        carry_values(c, loop, target, loopvar, condast, &names, &cands, &carried, &late, &refused, &strneed);
    /* array shapes at loop entry, to check they are the same at the end of the body */
    snapshot entry = lw_snap_take(c);
    if (c->loops == 0 && c->sc == c->module)
        record_ck_shapes(c, st);
    vec strs = {0};
    lw_strings_carried(c, loop, &strneed, &strs);
    int strmark = lw_str_count();
    vec *saved = c->out;
    c->out = &st->body;
    c->loops++;
    if (target) {
        ir_stmt *a = ir_stmt_new(S_ASSIGN, target->l);
        ir_var *uv = lw_scope_var(c, target->name, T_I64, 0, 0);
        a->var = uv;
        a->e = ir_varref(target->l, loopvar);
        lw_emit(c, a);
        binding *b = lw_bind(c, target->name);
        b->kind = B_SCALAR;
        b->var = uv;
        b->weak = 1;
        lw_unbound_target(c, target);
    }
    if (condast) {
        value *cv = lw_truth(c, lw_expr(c, condast), "a while condition");
        if (cv->kind == V_SCALAR) {
            ir_stmt *brk = ir_stmt_new(S_IF, condast->l);
            brk->e = ir_un(condast->l, OP_LNOT, T_BOOL, cv->e);
            vec_push(&brk->body, ir_stmt_new(S_BREAK, condast->l));
            lw_emit(c, brk);
        }
    }
    struct carry_ctx cc = {&carried, &entry, loop, strs, &late, {0}};
    void *outer_carry = c->carrying;
    c->carrying = carried.len || cc.strs.len ? &cc : NULL;
    lw_block(c, &loop->body);
    emit_carries(c, &cc);
    c->carrying = outer_carry;
    c->loops--;
    c->out = saved;
    lw_strings_after_loop(c, loop, condast, st, &names, &entry, strmark, &cc.strs);
    lw_refuse_after_exits(c, loop, &refused);
    lw_refuse_after_exits(c, loop, &cc.failed);
    lw_values_after_loop(c, loop, condast, st, &names, &entry, &carried, errors);
    lw_scalars_after_loop(c, loop, condast, st, &names, &entry);
    for (int i = 0; i < names.len; i++) {
        const char *n = VEC_AT(names, i, const char *);
        binding *x = lw_own(c, n), *e = lw_entry_of_in(c, &entry, n);
        if (x && x->kind == B_SCALAR)
            x->s = NULL;
        if (e && x && e->kind == B_ARRAY && x->kind == B_ARRAY) {
            for (int d = 0; d < e->var->rank; d++)
                if (e->var->rank != x->var->rank || lw_sym_cmp(e->sh[d], x->sh[d]) == 0) {
                    diag_error(loop->l, "array '%s' changes shape inside this loop (%s before, %s after "
                                        "one iteration)", n, lw_shape_str(e->var->rank, e->sh),
                               lw_shape_str(x->var->rank, x->sh));
                    lw_grow_note(loop, n);
                    break;
                }
        }
        const value *ea, *xa;
        if (e && x && e->kind == B_VALUE && x->kind == B_VALUE && !c->probing && lw_is_complex(e->val) &&
            lw_is_complex(x->val) && value_shape_changed(e->val, x->val, &ea, &xa)) {
            /* a complex array's parts: the check above, on each of them (a join of a complex
             * array with a row, h = np.vstack([h, psi]), ran with the entry's extents and wrote
             * past its buffers). A real view bound to a name (r = a[2:]) carries its bounds. */
            diag_error(loop->l, "array '%s' changes shape inside this loop (%s before, %s after one iteration)",
                       n, lw_shape_str(ea->rank, ea->sh), lw_shape_str(xa->rank, xa->sh));
            diag_note(loop->l, "make it once with its final shape (np.zeros((n, ...), dtype=complex)) and store "
                               "into it by index");
        }
        if (e && x && e->kind == B_ARRAY && x->kind == B_ARRAY && e->var != x->var) {
            diag_error(loop->l, "array '%s' changes dtype inside this loop", n);
        }
        if (e && x && e->kind == B_SCALAR && x->kind == B_SCALAR && !c->probing &&
            diag_reported() == errors && (e->dyn != x->dyn || e->var->type != x->var->type))
            INTERNAL("line %d: the types of a loop's names are not a fixed point ('%s' is %s at "
                     "entry, %s after the body)", loop->l.line, n,
                     e->dyn ? "int or float" : ir_type_name(e->var->type),
                     x->dyn ? "int or float" : ir_type_name(x->var->type));
    }
    if (!c->probing)
        c->memo.len = memo_start; /* the records this loop's passes made are used up */
}
/* An iterable that is an array expression (u[1:-1], a.T, 2 * x, np.linspace(...)): Python
 * evaluates it once, before the loop, so it is bound to a hidden name the loop then walks. */
static int array_expr(ast *it)
{
    return it->kind == A_SUBSCRIPT || it->kind == A_ATTR || it->kind == A_BINOP || it->kind == A_UNOP ||
           (it->kind == A_CALL && it->a->kind == A_ATTR && it->a->a->kind == A_NAME &&
            strcmp(it->a->a->name, "np") == 0);
}

/* A loop body with `flag = True` before each break of this loop (not of a loop inside it). */
static vec mark_breaks(vec body, const char *flag)
{
    vec r = {0};
    for (int i = 0; i < body.len; i++) {
        ast *s = VEC_AT(body, i, ast *);
        if (s->kind == A_BREAK)
            vec_push(&r, ast_assign(s->l, ast_vec1(ast_name(s->l, flag)), ast_bool(s->l, 1)));
        if (s->kind == A_IF)
            s = ast_if(s->l, s->a, mark_breaks(s->body, flag), mark_breaks(s->orelse, flag));
        vec_push(&r, s);
    }
    return r;
}

/* Does a break in stmts (in ifs, not in loops inside) leave the loop they are the body of? */
static int breaks_here(vec *stmts)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind == A_BREAK || (s->kind == A_IF && (breaks_here(&s->body) || breaks_here(&s->orelse))))
            return 1;
    }
    return 0;
}

/* for x in a selection, whose length depends on the data (a[m], np.nonzero(m)[k], np.where(m)[k],
 * np.flatnonzero(m)) and for i, j in np.argwhere(m): Python runs over the selected points in C
 * order. The mask (and the values selected, for a[m]) are held by hidden names first, as Python
 * evaluates the iterable once, then
 *     for d0 in range(M.shape[0]): ... for dR in range(M.shape[R]):
 *         if M[d0, ..., dR]: x = S[d0, ..., dR]; body
 * where an index grid's value is the index itself (i, j = d0, d1 for np.argwhere). A break
 * leaves every level (a flag tested after each inner loop). 0 when it is not such a loop. */
static int for_selection(lctx *c, ast *s)
{
    ast *it = s->a;
    if (it->kind == A_NAME) { /* a selection bound to a name: no probe needed */
        int unbound;
        binding *b = lw_lookup(c, it->name, &unbound);
        if (!b || b->kind != B_VALUE || b->val->kind != V_MASKED)
            return 0;
    } else if (!(it->kind == A_SUBSCRIPT || (it->kind == A_CALL && it->a->kind == A_ATTR)))
        return 0; /* range(), zip(), a generator: never a selection */
    lw_probe p;
    lw_probe_begin(c, &p);
    value *v = lw_expr(c, it);
    lw_probe_end(c, &p);
    if (v->kind != V_MASKED || v->n)
        return 0;
    if (v->lead) { /* Python runs over the rows of the (len(a), count) result */
        diag_error(it->l, "a loop over a[:, m] (a mask after whole dimensions) is not supported (a loop over "
                          "a[i][m] for each i is)");
        return 1;
    }
    v = lw_expr(c, it);
    if (v->kind == V_ERR)
        return 1;
    loc l = it->l;
    int r = v->mask->rank, grid = v->self->e->kind == E_INDEX ? v->self->e->dim : -1;
    ast *tg = s->b;
    if (v->argw && (tg->kind != A_TUPLE && tg->kind != A_LIST)) {
        diag_error(tg->l, "a loop over np.argwhere(m) is supported with one name per axis (for i, j in "
                          "np.argwhere(m)): each row would be an array");
        return 1;
    }
    if (v->argw && tg->args.len != r) {
        if (tg->args.len < r)
            diag_error(tg->l, "too many values to unpack (expected %d)", tg->args.len);
        else
            diag_error(tg->l, "not enough values to unpack (expected %d, got %d)", tg->args.len, r);
        return 1;
    }
    const char *pre = arena_printf(&util_arena, "for.%d.%d", s->l.line, s->l.col);
    ast *M = ast_name(l, arena_printf(&util_arena, "%s.mask", pre)), *S = NULL;
    lw_assign_name(c, M, v->snapshot ? v->mask : lw_copy_of(c, l, v->mask));
    if (!v->argw && grid < 0) {
        S = ast_name(l, arena_printf(&util_arena, "%s.sel", pre));
        lw_assign_name(c, S, v->snapshot && v->self->e->kind == E_READ ? v->self : lw_copy_of(c, l, v->self));
    }
    ast *d[IR_MAX_RANK];
    vec idx = {0};
    for (int k = 0; k < r; k++) {
        d[k] = ast_name(l, arena_printf(&util_arena, "%s.d%d", pre, k));
        vec_push(&idx, d[k]);
    }
    ast *value_at = v->argw ? ast_seq(l, idx, 1) : S ? ast_subscript(l, S, idx, 0) : d[grid];
    int brk = breaks_here(&s->body);
    const char *flag = arena_printf(&util_arena, "%s.broke", pre);
    vec body = {0};
    vec_push(&body, ast_assign(l, ast_vec1(tg), value_at));
    vec user = brk ? mark_breaks(s->body, flag) : s->body;
    for (int i = 0; i < user.len; i++)
        vec_push(&body, VEC_AT(user, i, ast *));
    vec inner = ast_vec1(ast_if(l, ast_subscript(l, M, idx, 0), body, (vec){0}));
    ast *loop = NULL;
    for (int k = r - 1; k >= 0; k--) {
        ast *ext = ast_subscript(l, ast_attr(l, M, "shape"), ast_vec1(ast_int(l, k)), 0);
        loop = ast_for(s->l, d[k], ast_call(l, ast_name(l, "range"), ast_arglist(NULL, ext)), inner, (vec){0});
        inner = ast_vec1(loop);
        if (brk && k > 0)
            vec_push(&inner, ast_if(l, ast_name(l, flag), ast_vec1(ast_new(A_BREAK, l)), (vec){0}));
    }
    if (brk)
        lw_stmt(c, ast_assign(l, ast_vec1(ast_name(l, flag)), ast_bool(l, 0)));
    lw_lower_for(c, loop);
    return 1;
}

/* for z in Z, Z a complex array (for z in int_pts: a contour's points): Python runs over its
 * first axis, reading each item when it gets there, so
 *     Zh = Z; for k in range(len(Zh)): z = Zh[k]; body
 * with hidden names (Zh the same array, not a copy). 0 when it is not such a loop. */
static int for_complex(lctx *c, ast *s)
{
    ast *it = s->a;
    if (it->kind == A_CALL && it->a->kind == A_NAME) /* range(), zip(), enumerate(): never one */
        return 0;
    lw_probe p;
    lw_probe_begin(c, &p);
    value *v = lw_expr(c, it);
    int cplx = lw_is_complex(v) && v->items[0]->kind == V_ARRAY && v->items[0]->rank >= 1;
    lw_probe_end(c, &p);
    if (!cplx)
        return 0;
    loc l = it->l;
    const char *pre = arena_printf(&util_arena, "for.%d.%d", s->l.line, s->l.col);
    ast *seq = ast_name(l, arena_printf(&util_arena, "%s.cseq", pre)), *k = ast_name(l, arena_printf(&util_arena, "%s.k", pre));
    lw_stmt(c, ast_assign(l, ast_vec1(seq), it));
    vec body = {0};
    vec_push(&body, ast_assign(l, ast_vec1(s->b), ast_subscript(l, seq, ast_vec1(k), 0)));
    for (int i = 0; i < s->body.len; i++)
        vec_push(&body, VEC_AT(s->body, i, ast *));
    ast *n = ast_call(l, ast_name(l, "len"), ast_arglist(NULL, seq));
    lw_lower_for(c, ast_for(s->l, k, ast_call(l, ast_name(l, "range"), ast_arglist(NULL, n)), body, (vec){0}));
    return 1;
}

/* for/while ... else E: `broke = False`, the loop with `broke = True` before its breaks, then
 * `if not broke: E` (Python runs E when the loop ends without a break). The rewritten loop is
 * made once per loop (its node keys the type inference's records). */
static vec loop_else_done; /* ast*: pairs (loop, its rewriting), in the arena */

/* A new module: the pairs above point into an arena that may have been freed since (the
 * fuzzer lowers one input after another), and a new loop could reuse an old one's address. */
void lw_loops_reset(void)
{
    loop_else_done = (vec){0};
    entry_items = (vec){0}; /* its storage is the arena's, freed between compilations */
}

static int loop_else(lctx *c, ast *s)
{
    if (!s->orelse.len)
        return 0;
    ast *loop = NULL;
    for (int i = 0; i + 1 < loop_else_done.len && !loop; i += 2)
        if (VEC_AT(loop_else_done, i, ast *) == s)
            loop = VEC_AT(loop_else_done, i + 1, ast *);
    const char *flag = arena_printf(&util_arena, "loop.%d.%d.broke", s->l.line, s->l.col);
    if (!loop) {
        vec body = mark_breaks(s->body, flag);
        loop = s->kind == A_FOR ? ast_for(s->l, s->b, s->a, body, (vec){0})
                                : ast_while(s->l, s->a, body, (vec){0});
        vec_push(&loop_else_done, s);
        vec_push(&loop_else_done, loop);
    }
    lw_stmt(c, ast_assign(s->l, ast_vec1(ast_name(s->l, flag)), ast_bool(s->l, 0)));
    if (s->kind == A_FOR)
        lw_lower_for(c, loop);
    else
        lw_lower_while(c, loop);
    lw_stmt(c, ast_if(s->l, ast_unop(s->l, OP_NOT, ast_name(s->l, flag)), s->orelse, (vec){0}));
    return 1;
}

/* reversed(range(a, b, k)) as a range: range(a + (n - 1) * k, a - k, -k), n the length of
 * range(a, b, k) (Python's rule, for either sign of k), a, b and k evaluated once, before the
 * loop, into hidden names. */
static ast *reversed_range(lctx *c, ast *s, ast *r)
{
    loc l = r->l;
    ast *v[3];
    int n = r->args.len;
    for (int i = 0; i < 3; i++) {
        ast *x = n == 1 ? (i == 1 ? VEC_AT(r->args, 0, ast *) : ast_int(l, i == 0 ? 0 : 1))
                        : i < n ? VEC_AT(r->args, i, ast *) : ast_int(l, 1);
        if (x->kind != A_INT && x->kind != A_NAME) {
            const char *nm = arena_printf(&util_arena, "for.%d.%d.rev%d", s->l.line, s->l.col, i);
            lw_stmt(c, ast_assign(x->l, ast_vec1(ast_name(x->l, nm)), x));
            x = ast_name(x->l, nm);
        }
        v[i] = x;
    }
    ast *a = v[0], *b = v[1], *k = v[2];
    /* len = max(0, (b - a + k - (1 if k > 0 else -1)) // k) */
    ast *sgn = ast_ifexp(l, ast_int(l, 1), ast_compare(l, k, OP_GT, ast_int(l, 0)), ast_int(l, -1));
    ast *len = ast_binop(l, OP_FLOORDIV,
                         ast_binop(l, '-', ast_binop(l, '+', ast_binop(l, '-', b, a), k), sgn), k);
    len = ast_call(l, ast_name(l, "max"), ast_arglist(ast_arglist(NULL, ast_int(l, 0)), len));
    ast *first = ast_binop(l, '+', a, ast_binop(l, '*', ast_binop(l, '-', len, ast_int(l, 1)), k));
    ast *stop = ast_binop(l, '-', a, k);
    ast *step = ast_unop(l, '-', k);
    return ast_call(l, ast_name(l, "range"),
                    ast_arglist(ast_arglist(ast_arglist(NULL, first), stop), step));
}

/* A range() argument held in a temporary assigned before the loop (Python evaluates it once). */
static void pin_range_arg(lctx *c, loc l, ir_expr **p)
{
    ir_var *tv = lw_temp_scalar(c, T_I64);
    ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
    as->var = tv;
    as->e = *p;
    lw_emit(c, as);
    *p = ir_varref(l, tv);
}

void lw_lower_for(lctx *c, ast *s)
{
    if (loop_else(c, s) || lw_grow_loop(c, s))
        return;
    ast *it = s->a, *pr = lw_numba_range(c, it);
    if (pr) { /* numba's prange: a range (lower_numba.c) */
        lw_lower_for(c, ast_for(s->l, s->b, pr, s->body, s->orelse));
        return;
    }
    if (for_selection(c, s) || for_complex(c, s) || lw_text_for(c, s))
        return;
    if (array_expr(it)) {
        const char *nm = arena_printf(&util_arena, "for.%d.%d.seq", s->l.line, s->l.col);
        lw_stmt(c, ast_assign(it->l, ast_vec1(ast_name(it->l, nm)), it));
        lw_lower_for(c, ast_for(s->l, s->b, ast_name(it->l, nm), s->body, s->orelse));
        return;
    }
    int unbound;
    if (it->kind == A_CALL && it->a->kind == A_NAME && !it->kwargs.len &&
        (strcmp(it->a->name, "zip") == 0 || strcmp(it->a->name, "enumerate") == 0) &&
        !lw_lookup(c, it->a->name, &unbound)) { /* zip(u[1:], u[:-1]): each such argument too */
        int any = 0;
        for (int i = 0; i < it->args.len; i++)
            any |= array_expr(VEC_AT(it->args, i, ast *));
        if (any) {
            ast *al = NULL;
            for (int i = 0; i < it->args.len; i++) {
                ast *x = VEC_AT(it->args, i, ast *);
                if (array_expr(x)) {
                    const char *nm = arena_printf(&util_arena, "for.%d.%d.seq%d", s->l.line, s->l.col, i);
                    lw_stmt(c, ast_assign(x->l, ast_vec1(ast_name(x->l, nm)), x));
                    x = ast_name(x->l, nm);
                }
                al = ast_arglist(al, x);
            }
            lw_lower_for(c, ast_for(s->l, s->b, ast_call(it->l, it->a, al), s->body, s->orelse));
            return;
        }
    }
    if (it->kind == A_CALL && it->a->kind == A_NAME && strcmp(it->a->name, "reversed") == 0 &&
        it->args.len == 1 && !it->kwargs.len && !lw_lookup(c, "reversed", &unbound)) {
        ast *r = VEC_AT(it->args, 0, ast *);
        if (r->kind == A_CALL && r->a->kind == A_NAME && strcmp(r->a->name, "range") == 0 &&
            !r->kwargs.len && r->args.len >= 1 && r->args.len <= 3 && !lw_lookup(c, "range", &unbound)) {
            lw_lower_for(c, ast_for(s->l, s->b, reversed_range(c, s, r), s->body, s->orelse));
            return;
        }
    }
    if (lw_for_generator(c, s))
        return;
    int is_range = it->kind == A_CALL && it->a->kind == A_NAME && strcmp(it->a->name, "range") == 0 &&
                   !lw_lookup(c, "range", &(int){0});
    if (!is_range && lw_for_arrays(c, s))
        return;
    if ((!is_range || s->b->kind == A_NAME) && lw_for_unrolled(c, s, is_range))
        return;
    if (!is_range && lw_for_runtime_list(c, s))
        return;
    if (it->kind == A_CALL && it->a->kind == A_NAME && it->args.len == 1 && strcmp(it->a->name, "sorted") == 0 &&
        !lw_lookup(c, it->a->name, &unbound)) {
        /* for x in sorted(L) of a list built when running: the new list bound to a hidden name
         * first, as Python evaluates it once before the loop, then a loop over that list */
        const char *nm = arena_printf(&util_arena, "for.%d.%d.seq", s->l.line, s->l.col);
        ast *seq = ast_name(it->l, nm);
        lw_stmt(c, ast_assign(it->l, ast_vec1(seq), it));
        binding *b = lw_list_binding(c, seq);
        if (!b || b->val->kind != V_LIST) {
            if (b && b->val->kind != V_ERR)
                diag_error(it->l, "a loop over sorted() of this is not supported (of a list built when "
                                  "running, an array or a sequence known when compiling it is)");
            return;
        }
        lw_lower_for(c, ast_for(s->l, s->b, seq, s->body, s->orelse));
        return;
    }
    if (!is_range) {
        diag_error(it->l, "only 'for NAME in range(...)' loops and loops over sequences known when "
                          "compiling (lists, tuples, zip(), enumerate()) are supported");
        return;
    }
    if (s->b->kind != A_NAME) {
        diag_error(s->b->l, "only a single name is supported as the variable of a range() loop");
        return;
    }
    args a = lw_args(c, it);
    if (lw_any_err(&a))
        return;
    if (a.nkw || a.npos < 1 || a.npos > 3) {
        diag_error(it->l, "range() takes 1 to 3 integer arguments");
        return;
    }
    ir_expr *e[3];
    for (int i = 0; i < a.npos; i++) {
        if (a.pos[i]->kind != V_SCALAR || ir_type_is_float(a.pos[i]->type)) {
            diag_error(a.pos[i]->l, "'%s' object cannot be interpreted as an integer",
                       a.pos[i]->kind == V_SCALAR ? "float" : lw_vkind_desc(a.pos[i]));
            return;
        }
        e[i] = ir_cast(a.pos[i]->l, T_I64, a.pos[i]->e);
    }
    ir_stmt *st = ir_stmt_new(S_FOR, s->l);
    st->e = a.npos == 1 ? lw_I64(it->l, 0) : e[0];
    st->e2 = a.npos == 1 ? e[0] : e[1];
    st->e3 = a.npos == 3 ? e[2] : lw_I64(it->l, 1);
    int64_t k;
    if (ir_expr_const_int(st->e3, &k) && k == 0) {
        diag_error(a.pos[2]->l, "range() arg 3 must not be zero");
        return;
    }
    /* range() arguments are evaluated once, before the loop */
    for (int i = 0; i < 3; i++) {
        ir_expr **p = i == 0 ? &st->e : i == 1 ? &st->e2 : &st->e3;
        if ((*p)->kind != E_CONST && (*p)->kind != E_VAR)
            pin_range_arg(c, s->l, p);
    }
    st->var = ir_var_new(c->prog, lw_cname(c, arena_printf(&util_arena, "%s_it", s->b->name)), s->b->name, T_I64, 0, 0);
    int mark = c->int_promos.len;
    lower_loop(c, s, s->b, st->var, NULL, st);
    /* the start and step, read at each iteration (emit_host.c), of a name the body assigns
     * (for i in range(i, n), for j in range(n, -1, s) with s = 1 inside): read once, before the
     * loop, as Python does (the stop is read once where the loop starts) */
    for (int i = 0; i < 2; i++) {
        ir_expr **p = i == 0 ? &st->e : &st->e3;
        if ((*p)->kind == E_VAR && lw_body_writes(&st->body, (*p)->var))
            pin_range_arg(c, s->l, p);
    }
    emit_loop(c, st, mark);
}

void lw_lower_while(lctx *c, ast *s)
{
    if (loop_else(c, s) || lw_grow_loop(c, s))
        return;
    ir_stmt *st = ir_stmt_new(S_WHILE, s->l);
    st->e = ir_const_i(s->l, T_BOOL, 1);
    int mark = c->int_promos.len;
    lower_loop(c, s, NULL, NULL, s->a, st);
    emit_loop(c, st, mark);
}
