/* lower_loops.c: the body of a for or while loop (lower_for.c hands it over): the types of the
 * names a loop assigns (a fixed point over the loop body, with the inner loops' results
 * replayed), then the body lowered into the loop statement. Requires: the names bound at loop
 * entry. Establishes: a scalar name has the same type at the end of the body as at its entry
 * (promoted at entry: int < float < int or float; a Python int the body makes float32 or a
 * narrower int is typed so for the whole loop, and the run stops after the loop if no iteration
 * assigned it, where Python keeps the int), an array name the same shape and dtype, and a name
 * of another kind that the body reads and then rebinds is carried to the next iteration
 * (lower_carry.c) or rejected; a top-level loop records the array shapes a restart checks. */

#include "lower_internal.h"

#include <string.h>

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

/* An array in the same slot after the body whose extents are known to differ from the static
 * ones the body was lowered with (V = V[1:], x = np.delete(x, k)), or are not known and the name
 * was bound to a mask selection in a loop (x = x[alive] then a join of it): the slot must be
 * carried with its extents known only when running (lower_carry.c), not read with the entry's.
 * (Extents not known at the entry are read when running already; a loop that only appends to
 * an array grows a list instead: lower_grow.c.) */
static int extent_changes(lctx *c, binding *e, binding *x)
{
    if (e->var != x->var)
        return 0;
    for (int d = 0; d < e->var->rank; d++) {
        int cmp = e->sh[d] ? lw_sym_cmp(e->sh[d], x->sh[d]) : 1;
        if (cmp == 0 || (cmp == -1 && lw_name_in(&c->selected, e->name)))
            return 1;
    }
    return 0;
}

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
            (e->kind == B_ARRAY && x->kind == B_ARRAY && !extent_changes(c, e, x)) ||
            (e->kind == B_VALUE && x->kind == B_VALUE &&
             (lw_value_equal(e->val, x->val) || e->val->kind == V_ERR ||
              (x->val->kind == V_ERR && !lw_is_ambiguous(x->val)))))
            continue;
        if (!lw_name_in(cands, e->name))
            vec_push(cands, (void *)e->name);
    }
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

/* A new module: entry_items' storage is the arena's, freed between compilations. */
void lw_loops_reset(void) { entry_items = (vec){0}; }

int lw_loop_entry_item(ir_var *v)
{
    for (int i = 0; v && i < entry_items.len; i++)
        if (VEC_AT(entry_items, i, ir_var *) == v)
            return 1;
    return 0;
}

void lw_lower_loop(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast, ir_stmt *st)
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
void lw_emit_loop(lctx *c, ir_stmt *st, int mark)
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
        lw_carry_values(c, loop, target, loopvar, condast, &names, &cands, &carried, &late, &refused, &strneed);
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
    lw_carry_ctx cc = {&carried, &entry, loop, strs, &late, {0}};
    void *outer_carry = c->carrying;
    c->carrying = carried.len || cc.strs.len ? &cc : NULL;
    lw_block(c, &loop->body);
    lw_emit_carries(c, &cc);
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
