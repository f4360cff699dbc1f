/* lower_zerotrip.c: what a loop that may run no iteration, or leave its body early (break,
 * continue), leaves bound. Its body is lowered once (lower_loops.c), so a name the body rebinds
 * would otherwise keep the value it has at the end of the body after a loop that ran zero times
 * or left at a break (or whose last iteration went through a continue): strings become run-time
 * strings set before the loop (and before each break or continue), tuples, slice objects and
 * views merge as an if with an empty else would or, in a loop that leaves early, are carried as
 * the names the next iteration reads are (set at each break, continue and the end of the body),
 * and what cannot merge is refused where it is read after the loop.
 * Requires: the loop's body lowered into its statement, the bindings at its entry.
 * Establishes: every name bound after the loop holds, at run time, its entry value when the
 * loop ran no iteration, and the value it had where the loop was left otherwise. */
#include "lower_internal.h"

#include <string.h>

/* Does a loop body (stmts) have a break or continue of its own (in ifs, not in loops inside)? */
static int leaves_here(vec *stmts)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind == A_BREAK || s->kind == A_CONTINUE ||
            (s->kind == A_IF && (leaves_here(&s->body) || leaves_here(&s->orelse))))
            return 1;
    }
    return 0;
}

/* Does the loop st run at least once: range() of constants that is not empty, or `while True`? */
static int runs_once(ir_stmt *st, ast *condast)
{
    if (st->kind == S_WHILE)
        return condast && condast->kind == A_BOOL && condast->ival;
    int64_t a, b, k;
    if (!ir_expr_const_int(st->e, &a) || !ir_expr_const_int(st->e2, &b) || !ir_expr_const_int(st->e3, &k))
        return 0;
    return k > 0 ? a < b : k < 0 && a > b;
}

/* Does string value v use run-time string k (as a piece or as a field's spec)? */
static int uses_str(value *v, int k)
{
    if (v->kind == V_STR)
        return v->n == k;
    for (int i = 0; i < v->n; i++)
        if (v->items[i]->n == k)
            return 1;
    return 0;
}

/* May the loop st run no iteration, or leave its body early? (What is bound after it may then
 * be what was bound before it, in the same iteration of a loop around it.) */
int lw_loop_may_skip(ast *loop, ir_stmt *st, ast *condast)
{
    return !runs_once(st, condast) || leaves_here(&loop->body);
}

/* After a loop that may run no iteration: a scalar name that is a Python number at the entry
 * and a NumPy scalar of the same type after the body (s = 0.0, then s = s + a[i]) is the Python
 * number when range(n) is empty, the NumPy scalar otherwise. It stays the NumPy scalar (what
 * the loop makes when it runs), with a flag set when no iteration ran (zt): where the two would
 * behave differently (repr, a promotion: lw_zt_check), the program stops with a message then.
 * Not for a loop that leaves early (break, continue), nor in a probe (types only). */
static lctx *zt_ctx;
static vec zt_all; /* ztinfo* made by this lowering */
void lw_zerotrip_reset(lctx *c)
{
    zt_ctx = c;
    zt_all = (vec){0};
}

void lw_scalars_after_loop(lctx *c, ast *loop, ast *condast, ir_stmt *st, vec *names, snapshot *entry)
{
    if (c->probing || runs_once(st, condast) || leaves_here(&loop->body))
        return;
    ztinfo *first = NULL;
    for (int i = 0; i < names->len; i++) {
        const char *n = VEC_AT(*names, i, const char *);
        binding *x = lw_own(c, n), *e = lw_entry_of_in(c, entry, n);
        if (!x || !e || x->kind != B_SCALAR || e->kind != B_SCALAR || x->dyn || e->dyn ||
            x->var->type != e->var->type || x->weak || x->wmix || !(e->weak || e->wmix))
            continue;
        ztinfo *z = NEW(ztinfo);
        if (first)
            *z = *first;
        else { /* one flag for the loop: true before it (st comes next), false after each iteration;
                  a stand-in variable until a check uses it (no name or number taken before) */
            static ir_program standin;
            z->flag = ir_var_new(&standin, "tyl_zt_unused", NULL, T_BOOL, 0, 0);
            z->used = NEW(int);
            z->set = ir_stmt_new(S_ASSIGN, loop->l);
            z->set->var = z->flag;
            z->set->e = ir_const_i(loop->l, T_BOOL, 1);
            lw_emit(c, z->set);
            z->clear = ir_stmt_new(S_ASSIGN, loop->l);
            z->clear->var = z->flag;
            z->clear->e = ir_const_i(loop->l, T_BOOL, 0);
            vec_push(&st->body, z->clear);
            vec_push(&zt_all, z);
            first = z;
        }
        z->line = loop->l.line;
        z->name = n;
        x->zt = z;
    }
}

void lw_zt_check(loc l, value *m, const char *effect)
{
    ztinfo *z = m->zt;
    if (!*z->used) {
        *z->used = 1;
        z->set->var = z->clear->var = lw_temp_scalar(zt_ctx, T_BOOL);
    }
    z->flag = z->set->var; /* shared by the loop's names */
    const char *py = lw_kind_of(m->type) == 2 ? "float" : lw_kind_of(m->type) == 1 ? "int" : "bool";
    const char *nm = z->name[0] == '@' ? "the attribute" : z->name;
    lw_emit_raise(zt_ctx, l, ir_varref(l, z->flag),
                  arena_printf(&util_arena, "the loop at line %d ran no iteration, so '%s' is still the "
                               "Python %s it was before it, where the compiled program has the numpy.%s "
                               "an iteration makes: %s; give it its type before the loop (%s = np.%s(...)) "
                               "or convert it here with %s()", z->line, nm, py, ir_type_name(m->type),
                               effect, nm, ir_type_name(m->type), py));
}

/* Take the statements of the flags no check used out of stmts (at any depth). */
static void drop_unused(vec *stmts)
{
    int k = 0;
    for (int i = 0; i < stmts->len; i++) {
        ir_stmt *s = VEC_AT(*stmts, i, ir_stmt *);
        int drop = 0;
        for (int j = 0; j < zt_all.len && !drop; j++) {
            ztinfo *z = VEC_AT(zt_all, j, ztinfo *);
            drop = !*z->used && (s == z->set || s == z->clear);
        }
        if (drop)
            continue;
        drop_unused(&s->body);
        drop_unused(&s->orelse);
        stmts->items[k++] = s;
    }
    stmts->len = k;
}

void lw_zerotrip_finish(ir_program *p)
{
    int unused = 0;
    for (int j = 0; j < zt_all.len; j++)
        unused |= !*VEC_AT(zt_all, j, ztinfo *)->used;
    if (unused)
        drop_unused(&p->body);
}

/* After a loop's body (lowered into st, entry: the bindings at its entry; strmark: the run-time
 * strings there were before the body): a name bound to a string at the entry and to another
 * after one iteration (not read by the next: carry_values rejects that) keeps its entry string
 * when the loop runs no iteration. Unless the loop surely runs once, the name becomes a
 * run-time string set to the entry string before the loop and to the body's at the end of it;
 * a run-time string the body made (a string chosen by an if) is set before the loop instead.
 * A loop that can leave its body early (break, continue) is refused for the second form. */
static int at_breaks(vec *strs, const char *n)
{
    for (int i = 0; i + 1 < strs->len; i += 2)
        if (strcmp(VEC_AT(*strs, i, const char *), n) == 0)
            return 1;
    return 0;
}
void lw_strings_after_loop(lctx *c, ast *loop, ast *condast, ir_stmt *st, vec *names,
                           snapshot *entry, int strmark, vec *strs)
{
    for (int i = 0; i + 1 < strs->len; i += 2) { /* strings_carried: run-time string k */
        binding *x = lw_own(c, VEC_AT(*strs, i, const char *));
        if (x && x->kind == B_VALUE && (x->val->kind == V_STR || x->val->kind == V_FSTR)) {
            int k = (int)(intptr_t)strs->items[i + 1];
            value *r = lw_str_runtime(loop->l, &(int){0});
            r->items[0]->n = k;
            x->val = r;
        }
    }
    if (c->probing || runs_once(st, condast))
        return;
    for (int i = 0; i < names->len; i++) {
        const char *n = VEC_AT(*names, i, const char *);
        binding *x = lw_own(c, n), *e = lw_entry_of_in(c, entry, n);
        if (!x || !e || x->kind != B_VALUE || e->kind != B_VALUE ||
            (x->val->kind != V_STR && x->val->kind != V_FSTR) ||
            (e->val->kind != V_STR && e->val->kind != V_FSTR) || lw_value_equal(e->val, x->val) ||
            at_breaks(strs, n))
            continue;
        value *xv = x->val;
        if (xv->kind == V_FSTR && xv->n == 1 && xv->items[0]->kind == V_STR && xv->items[0]->n > strmark &&
            !uses_str(e->val, xv->items[0]->n)) {
            lw_str_set(c, loop->l, e->val, xv->items[0]->n); /* before the loop */
            continue;
        }
        if (leaves_here(&loop->body)) {
            diag_error(loop->l, "'%s' is bound to %s before this loop and to another string inside "
                                "it, and the loop may run no iteration or leave early (break, "
                                "continue): such a string is not supported; bind it after the loop",
                       n, lw_vkind_desc(e->val));
            continue;
        }
        int k;
        value *r = lw_str_runtime(loop->l, &k);
        lw_str_set(c, loop->l, e->val, k); /* before the loop */
        vec *saved = c->out;
        c->out = &st->body;
        lw_str_set(c, loop->l, xv, k); /* at the end of the body */
        c->out = saved;
        x->val = r;
    }
}

/* After a loop's body (lowered into st; entry: the bindings at its entry; carried: the names
 * the next iteration reads, whose variables already hold the entry value when the loop runs no
 * iteration): a name bound to a value known when compiling (a tuple, a slice, a view) before
 * the loop and to another after one iteration keeps its entry value when the loop runs none.
 * Unless the loop surely runs once, the two are merged as an if's branches would be (the
 * loop's body the then branch, the statements before the loop the else branch): the numbers
 * of a tuple that differ become variables set before the loop and at the end of the body, a
 * view views its own slot with run-time bounds. What cannot be merged so, or a loop that can
 * leave its body early (break, continue), is refused where the name is read after the loop.
 * Strings: strings_after_loop. */
static int is_str(value *v)
{
    return v->kind == V_STR || v->kind == V_FSTR;
}
/* Not a string (strings_after_loop), a list (lower_lists.c), an error or a value whose use
 * reports one. */
static int plain_value(binding *b)
{
    if (b->kind != B_VALUE)
        return 1;
    value *v = b->val;
    return !is_str(v) && v->kind != V_ERR && v->kind != V_LIST && !lw_is_poison(v) && !lw_is_ambiguous(v);
}
/* The name of binding x, after the loop, reports msg where it is read (lw_ambiguous_read):
 * unread (rebound after the loop), it is harmless. */
static void refuse_after_loop(ast *loop, binding *x, const char *msg)
{
    x->kind = B_VALUE;
    x->val = lw_ambiguous_new(loop->l, msg, "loop");
}
void lw_values_after_loop(lctx *c, ast *loop, ast *condast, ir_stmt *st, vec *names,
                          snapshot *entry, vec *carried, int errors)
{
    if (c->probing || runs_once(st, condast) || diag_reported() != errors) /* not after an error */
        return;
    for (int i = 0; i < names->len; i++) {
        const char *n = VEC_AT(*names, i, const char *);
        binding *x = lw_own(c, n), *e = lw_entry_of_in(c, entry, n);
        if (!x || !e || (x->kind != B_VALUE && e->kind != B_VALUE) || lw_name_in(carried, n) ||
            !plain_value(x) || !plain_value(e) ||
            (x->kind == B_VALUE && e->kind == B_VALUE && lw_value_equal(e->val, x->val)))
            continue;
        if (x->kind == B_VALUE && e->kind == B_VALUE && e->val->kind == V_ARRAY && x->val->kind == V_ARRAY &&
            e->val->e->kind == E_READ && x->val->e->kind == E_READ &&
            strcmp(x->val->e->view->arr->pyname, arena_printf(&util_arena, "%s.base", n)) == 0) {
            int ch = 0; /* e kept on its array (its base rebound by the body): the same view */
            if (lw_value_equal(lw_value_retarget(e->val, e->val->e->view->arr, x->val->e->view->arr, &ch),
                               x->val))
                continue;
        }
        const char *what = lw_value_what(e), *xwhat = lw_value_what(x);
        if (strcmp(what, xwhat) == 0)
            xwhat = "another one";
        if (leaves_here(&loop->body)) {
            refuse_after_loop(loop, x, arena_printf(&util_arena, "is %s before the loop at line %d and %s "
                                  "after one iteration of it, which may run no iteration or leave "
                                  "early (break, continue): a value that depends on how many "
                                  "iterations ran is not supported; bind it after the loop",
                                  what, loop->l.line, xwhat));
            continue;
        }
        ir_stmt *fake = ir_stmt_new(S_IF, loop->l); /* then: the body's end; else: before the loop */
        int done = 0;
        value *xv = lw_bound_array(x), *ev = lw_bound_array(e);
        if (xv && ev && (x->kind != B_VALUE || x->val->kind == V_ARRAY) &&
            (e->kind != B_VALUE || e->val->kind == V_ARRAY) && lw_carriable_view(e, x)) {
            const sym *sh[IR_MAX_RANK];
            for (int d = 0; d < ev->rank; d++)
                sh[d] = lw_sym_cmp(ev->sh[d], xv->sh[d]) == 1 ? ev->sh[d] : NULL;
            vec *saved = c->out;
            c->out = &fake->body;
            lw_carry_view(c, loop->l, n, xv, sh);
            c->out = &fake->orelse;
            lw_carry_view(c, loop->l, n, ev, sh);
            c->out = saved;
            done = 1;
        } else if (x->kind == B_VALUE && e->kind == B_VALUE) {
            value *m = lw_merge_value(c, fake, n, x->val, e->val);
            if (m) {
                x->val = m;
                done = 1;
            }
        }
        if (!done) {
            refuse_after_loop(loop, x, arena_printf(&util_arena, "is %s before the loop at line %d and %s "
                                  "after one iteration of it, which may run no iteration: a value "
                                  "known when compiling that depends on whether the loop ran is not "
                                  "supported (only the numbers of a tuple and views may differ); bind "
                                  "it after the loop", what, loop->l.line, xwhat));
            continue;
        }
        for (int k = 0; k < fake->orelse.len; k++)
            lw_emit(c, VEC_AT(fake->orelse, k, ir_stmt *)); /* before the loop */
        for (int k = 0; k < fake->body.len; k++)
            vec_push(&st->body, fake->body.items[k]); /* at the end of the body */
    }
}

/* A loop with names in cands bound to strings at its entry whose strings differ at its exits (a
 * loop that leaves early: lw_exits_probe) or whose entry string flows to the end of the body on
 * some paths only (`if c: s = "hit"`, the previous iteration's string on the others:
 * carry_values): each such name is run-time string k from the loop on, set to the entry string
 * before the loop and to the name's string before each break or continue and at the end of
 * the body (emit_carries); strs gets name, k. */
void lw_strings_carried(lctx *c, ast *loop, vec *cands, vec *strs)
{
    if (c->probing)
        return;
    for (int i = 0; i < cands->len; i++) {
        const char *n = VEC_AT(*cands, i, const char *);
        binding *e = lw_own(c, n);
        if (!e || e->kind != B_VALUE || (e->val->kind != V_STR && e->val->kind != V_FSTR))
            continue;
        int k;
        value *r = lw_str_runtime(loop->l, &k);
        lw_str_set(c, loop->l, e->val, k); /* before the loop */
        binding *b = lw_bind(c, n); /* the body starts with it (a continue before it is bound) */
        b->kind = B_VALUE;
        b->val = r;
        vec_push(strs, (void *)n);
        vec_push(strs, (void *)(intptr_t)k);
    }
}

/* ---- leaving early: the value at the break or continue the loop last went through ----------
 * After a loop whose body leaves early, a name has the value it had at the break that ended the
 * loop, or at the continue or end of body of its last iteration: Python's binding is the last
 * one made. The body, lowered once, leaves the end-of-body value; so the body is probed once,
 * recording each name's binding at each of its exits (lw_exit_record: each break and continue of
 * this loop, not of a loop inside, and the end of the body). A name whose values there (and its
 * entry value, unless the loop surely runs once) are not all the same is
 *   - a string: a run-time string (lw_strings_carried);
 *   - a tuple or slice object of numbers of one form, or a view that keeps its dimensions in
 *     order, at the entry and every exit: carried (late), as a name the next iteration reads is:
 *     its numbers (a view's bounds) are variables set before the loop, at each exit and at the
 *     end of the body, which the name reads from the loop on;
 *   - anything else (a list, a dict, a view first bound in the loop, ...): refused where it is
 *     read after the loop. */
typedef struct exit_rec {
    int depth;  /* c->runloops in the body probed (an inner loop's exits are its own) */
    vec *names; /* the names the body binds */
    vec vals;   /* binding* (NULL: unbound), names->len per exit */
    int nexits;
} exit_rec;
void lw_exit_record(lctx *c)
{
    exit_rec *r = c->exits;
    if (!r || c->runloops != r->depth)
        return;
    for (int i = 0; i < r->names->len; i++) {
        binding *x = lw_own(c, VEC_AT(*r->names, i, const char *)), *cp = NULL;
        if (x) {
            cp = NEW(binding);
            *cp = *x;
        }
        vec_push(&r->vals, cp);
    }
    r->nexits++;
}
/* Two bindings a name has the same value with (scalars and arrays: their variables hold it). */
static int same_binding(binding *a, binding *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind)
        return 0;
    return a->kind != B_VALUE || lw_value_equal(a->val, b->val);
}
static int errish(binding *b)
{
    return b && b->kind == B_VALUE && (b->val->kind == V_ERR || lw_is_poison(b->val) || lw_is_ambiguous(b->val));
}
/* Can a loop carry the name from e (its entry binding) through x (one at an exit)? */
static int carriable(binding *e, binding *x)
{
    if (!x)
        return 0;
    if (e->kind == B_VALUE && (e->val->kind == V_TUPLE || e->val->kind == V_SLICE))
        return !e->val->is_list && x->kind == B_VALUE && lw_same_form(e->val, x->val);
    value *ev = lw_bound_array(e), *xv = lw_bound_array(x);
    return ev && xv && (e->kind != B_VALUE || ev->kind == V_ARRAY) && (x->kind != B_VALUE || xv->kind == V_ARRAY) &&
           lw_carriable_view(e, x);
}
/* The message a name refused after the loop gives where it is read: a is its entry binding
 * (before) or its binding at one exit, b at another. */
/* The form of the tuple b binds ("(int, float)"), or NULL. */
static const char *tuple_form(binding *b)
{
    return b && b->kind == B_VALUE && b->val->kind == V_TUPLE && !b->val->is_list ? lw_tuple_form(b->val) : NULL;
}
const char *lw_exit_refusal(ast *loop, binding *a, binding *b, int before)
{
    const char *what = a ? lw_value_what(a) : "unbound", *xwhat = b ? lw_value_what(b) : "unbound";
    /* two tuples: their forms say what differs, an item's type too ((i, 0) and (i, 0.5): Python
     * keeps the int an int, which one C variable per item cannot) */
    const char *fa = tuple_form(a), *fb = tuple_form(b);
    int forms = fa && fb && strcmp(fa, fb) != 0;
    if (forms) {
        what = arena_printf(&util_arena, "a tuple %s", fa);
        xwhat = arena_printf(&util_arena, "a tuple %s", fb);
    } else if (strcmp(what, xwhat) == 0)
        xwhat = "another one";
    if (before == 2) /* rebound on some paths of the body only (carry_values) */
        return arena_printf(&util_arena, "is %s before the loop at line %d and %s after an iteration "
                            "that rebinds it on some paths of its body only (the previous iteration's "
                            "value on the others): %s depends on the iterations that ran is not "
                            "supported (only the %s may differ); bind it on every path", what,
                            loop->l.line, xwhat,
                            forms ? "a tuple whose length or items' types (int, float, ...)"
                                  : "a value whose kind or form",
                            forms ? "values of its numbers" : "numbers of a tuple and the bounds of a view");
    const char *at = before ? arena_printf(&util_arena, "before the loop at line %d and %s at one of its "
                                           "exits (a break, a continue or the end of its body)",
                                      loop->l.line, xwhat)
                            : arena_printf(&util_arena, "at one exit of the loop at line %d (a break, a "
                                           "continue or the end of its body) and %s at another",
                                      loop->l.line, xwhat);
    if (forms)
        return arena_printf(&util_arena, "is %s %s: a tuple whose length or items' types (int, float, ...) "
                            "depend on where the loop was left is not supported (only the values of its "
                            "numbers may differ); bind it after the loop", what, at);
    return arena_printf(&util_arena, "is %s %s: a value whose kind or form depends on where the loop was "
                        "left is not supported (only the numbers of a tuple and the bounds of a view "
                        "may differ); bind it after the loop", what, at);
}
/* The message of a name whose kind no exit can carry (a list, a dict, a view first bound in
 * the loop) refused after the loop. */
static const char *what_of(binding *b)
{
    if (!b)
        return "unbound";
    return b->kind == B_VALUE && b->val->kind == V_TUPLE && b->val->is_list ? "a list" : lw_value_what(b);
}
static const char *not_carried(ast *loop, binding *a, binding *b, int before)
{
    const char *what = what_of(a), *xwhat = what_of(b);
    if (strcmp(what, xwhat) == 0)
        xwhat = "another one";
    const char *at = before ? arena_printf(&util_arena, "before the loop at line %d and %s at one of its exits",
                                           loop->l.line, xwhat)
                            : arena_printf(&util_arena, "at one exit of the loop at line %d and %s at another",
                                           loop->l.line, xwhat);
    return arena_printf(&util_arena, "is %s %s (a break, a continue or the end of its body): after a loop "
                        "left early only a string, the numbers of a tuple or slice object and the "
                        "bounds of a view bound before the loop may differ; bind it after the loop",
                        what, at);
}

/* A value of v's form (a tuple, a slice object of numbers) with zeros for its numbers: what a
 * name first bound inside the loop holds before the loop (never read: lower_unbound.c checks
 * a read that may find it unbound). */
static value *zeros_like(value *v)
{
    if (v->kind == V_SCALAR) {
        ir_expr *z = ir_type_is_float(v->type) ? ir_const_f(v->l, v->type, 0) : ir_const_i(v->l, v->type, 0);
        value *r = lw_scalar(v->l, z, v->weak);
        r->type = v->type;
        return r;
    }
    if (v->kind != V_TUPLE && v->kind != V_SLICE)
        return v;
    value *r = lw_vnew(v->kind, v->l);
    *r = *v;
    r->items = NEWN(value *, v->n + 1);
    for (int i = 0; i < v->n; i++)
        r->items[i] = zeros_like(v->items[i]);
    return r;
}
void lw_exits_probe(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast, ir_stmt *st,
                    vec *names, int errors, vec *late, vec *strs, vec *refused)
{
    if (c->probing || !leaves_here(&loop->body) || diag_reported() != errors)
        return;
    exit_rec rec = {c->runloops, names, {0}, 0};
    snapshot entry = lw_snap_take(c);
    {
        int old = diag_suppress(1);
        vec scratch = {0};
        vec *saved = c->out;
        void *carrying = c->carrying, *exits = c->exits;
        c->out = &scratch;
        c->carrying = NULL;
        c->exits = &rec;
        c->loops++;
        c->probing++;
        lw_loop_body_once(c, loop, target, loopvar, condast);
        lw_exit_record(c); /* the end of the body */
        c->probing--;
        c->loops--;
        c->exits = exits;
        c->carrying = carrying;
        c->out = saved;
        diag_suppress(old);
        lw_snap_rewind(c, &entry);
    }
    int once = runs_once(st, condast), nn = names->len;
    for (int i = 0; i < nn; i++) {
        const char *n = VEC_AT(*names, i, const char *);
        binding *e = lw_own(c, n), *first = NULL;
        for (int k = 0; k < rec.nexits && !e && !first; k++)
            first = VEC_AT(rec.vals, k * nn + i, binding *);
        if (!e && first && first->kind == B_VALUE && is_str(first->val)) /* bound in the loop */
            e = first;
        else if (!e && first && first->kind == B_VALUE && (first->val->kind == V_TUPLE || first->val->kind == V_SLICE)) {
            e = NEW(binding);
            *e = *first;
            e->val = zeros_like(first->val);
        }
        /* any other value that differs between the exits (a list, a view or an object first
         * bound in the loop, ...) cannot be carried: refused where read, never the end of the
         * body's value (a silently wrong result) */
        int carry = 1;
        if (!e && first && first->kind == B_VALUE && !errish(first)) {
            e = first;
            carry = 0;
        }
        /* a number bound to a variable of another type at an exit than at the end of the body
         * (k = i before a break, k = 0.5 after it, k a float before the loop: no dynvar, since
         * the entry and the end agree): after the loop k read the end's variable, which that
         * exit did not write (Python: 5, the compiled program: 0.5); refused where read */
        binding *end = rec.nexits ? VEC_AT(rec.vals, (rec.nexits - 1) * nn + i, binding *) : NULL;
        binding *other = NULL;
        for (int k = 0; end && end->kind == B_SCALAR && k + 1 < rec.nexits && !other; k++) {
            binding *x = VEC_AT(rec.vals, k * nn + i, binding *);
            if (x && x->kind == B_SCALAR && x->var != end->var && !(x->dyn && x->dyn == end->dyn))
                other = x;
        }
        if (other) {
            const char *tx = other->dyn ? "an int or a float" : lw_vkind_desc(lw_scalar(loop->l, ir_varref(loop->l, other->var), other->weak));
            const char *te = end->dyn ? "an int or a float" : lw_vkind_desc(lw_scalar(loop->l, ir_varref(loop->l, end->var), end->weak));
            if (strcmp(tx, te) == 0) {
                tx = ir_type_name(other->var->type);
                te = ir_type_name(end->var->type);
            }
            vec_push(refused, (void *)n);
            vec_push(refused, (void *)arena_printf(&util_arena, "is %s at one exit of the loop at line %d (a break or a "
                                                   "continue) and %s at the end of its body: a number whose type "
                                                   "depends on where the loop was left is not supported here; "
                                                   "give it one type (float(...)) or bind it after the loop",
                                                   tx, loop->l.line, te));
            continue;
        }
        if (!e || e->kind == B_SCALAR || errish(e))
            continue;
        /* None (or None or a number) before the loop, a number at an exit: an optional */
        int optc = e->kind == B_VALUE && (e->val->kind == V_NONE || lw_is_opt(e->val));
        if (e->kind == B_VALUE && !optc &&
            ((e->val->kind != V_STR && e->val->kind != V_FSTR && e->val->kind != V_TUPLE &&
              e->val->kind != V_SLICE && e->val->kind != V_ARRAY) ||
             (e->val->kind == V_TUPLE && e->val->is_list)))
            carry = 0;
        binding *a = first ? first : once ? VEC_AT(rec.vals, i, binding *) : e, *b = NULL;
        int bad = 0, ok = 1;
        for (int k = 0; k < rec.nexits; k++) {
            binding *x = VEC_AT(rec.vals, k * nn + i, binding *);
            if (first && !x) /* not bound yet: a read after the loop raises NameError there */
                continue;
            bad |= errish(x);
            if (!b && !same_binding(a, x))
                b = x;
            ok &= carry && (optc ? lw_opt_carriable(e, x) : carriable(e, x));
        }
        if (!b || bad)
            continue;
        if (optc && ok && !first) { /* from the entry on in its hidden variables (lower_optional.c) */
            for (int k = 0; k < rec.nexits; k++)
                if (lw_opt_carry(c, loop->l, n, e, VEC_AT(rec.vals, k * nn + i, binding *)))
                    break;
            vec_push(late, (void *)n);
            continue;
        }
        if (first && (ok || is_str(e->val))) { /* what the name holds before the loop */
            binding *nb = lw_bind(c, n);
            nb->kind = B_VALUE;
            nb->val = e->val;
            if (is_str(e->val)) {
                nb->val = lw_vnew(V_STR, loop->l);
                nb->val->str = "";
            }
        }
        if (e->kind == B_VALUE && (e->val->kind == V_STR || e->val->kind == V_FSTR))
            vec_push(strs, (void *)n);
        else if (ok)
            vec_push(late, (void *)n);
        else {
            /* the message names an exit whose tuple has another form than a's, where there is one
             * (not merely the first exit with other numbers) */
            const char *fa = tuple_form(a);
            for (int k = 0; fa && k < rec.nexits; k++) {
                binding *x = VEC_AT(rec.vals, k * nn + i, binding *);
                const char *fx = tuple_form(x);
                if (fx && strcmp(fx, fa) != 0) {
                    b = x;
                    break;
                }
            }
            vec_push(refused, (void *)n);
            vec_push(refused, (void *)(carry && !optc ? lw_exit_refusal(loop, a, b, !once && !first) : not_carried(loop, a, b, !once && !first)));
        }
    }
}
void lw_refuse_after_exits(lctx *c, ast *loop, vec *refused)
{
    for (int i = 0; i + 1 < refused->len; i += 2) {
        binding *x = lw_own(c, VEC_AT(*refused, i, const char *));
        if (x && !errish(x))
            refuse_after_loop(loop, x, VEC_AT(*refused, i + 1, const char *));
    }
}
