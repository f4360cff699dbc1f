/* lower_zerotrip.c: what a loop that may run no iteration leaves bound. Its body is lowered once
 * (lower_loops.c), so a name the body rebinds would otherwise keep the body's value after a loop
 * that ran zero times: strings become run-time strings set before the loop (and before each
 * break or continue), tuples, slice objects and views merge as an if with an empty else would,
 * and what cannot merge is refused where it is read after the loop.
 * Requires: the loop's body lowered into its statement, the bindings at its entry.
 * Establishes: every name bound after the loop holds, at run time, its entry value when the
 * loop ran no iteration. */
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
    for (int i = 0; i + 1 < strs->len; i += 2) { /* strings_at_breaks: run-time string k */
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

/* A loop that may run no iteration and leaves its body early (break, continue), with names in
 * cands (rebound by the body) bound to strings at its entry: each such name is run-time string
 * k from the loop on, set to the entry string before the loop and to the name's string before
 * each break or continue and at the end of the body (emit_carries); strs gets name, k. */
void lw_strings_at_breaks(lctx *c, ast *loop, ast *condast, ir_stmt *st, vec *cands, vec *strs)
{
    if (c->probing || runs_once(st, condast) || !leaves_here(&loop->body))
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
