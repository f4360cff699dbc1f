/* lower_returns.c: early returns. A def is inlined at each call, so its body must end with
 * its result; `if converged: return u` in the middle of a body, or inside a loop, is rewritten
 * on the syntax tree into a body in which every path ends by assigning the result to a hidden
 * name ("f.return"), and nothing runs after that assignment on its path:
 *
 *   - `if c: A` with a return in A, followed by REST, becomes `if c: A; REST else: REST`
 *     (REST is dropped from a branch that always returns, the usual case, so it is not copied);
 *   - a loop with returns inside becomes `f.rk = 0; loop` where each `return X_k` in it is
 *     `f.rk = k; break` (and `if f.rk: break` after each inner loop), followed by
 *     `if f.rk == 1: return X_1 elif ...: ... else: REST`. X_k is evaluated after the loop:
 *     the break leaves at once, so every name still holds the value it had at the return
 *     (a `while True:` with no break of its own has no REST: its last return is the else);
 *     a return inside a loop that is unrolled (over a list or zip()) is rejected;
 *   - a path that falls off the end returns None, as in Python.
 *
 * The branches' results are then joined by the if-merge of lower.c like any other name, so
 * returns of one type and shape are free, and results that differ by path get a diagnostic that
 * names the function (lw_return_owner). A def whose only return is its last statement keeps
 * the plain inlining of lower_calls.c. Requires: the def is not a generator. */

#include "lower_internal.h"

#include <string.h>

static int has_return(vec *stmts)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind == A_RETURN)
            return 1;
        if ((s->kind == A_IF || s->kind == A_FOR || s->kind == A_WHILE) &&
            (has_return(&s->body) || has_return(&s->orelse)))
            return 1;
    }
    return 0;
}

/* Does every path through stmts end in a return or a raise? (A loop may run zero times.) */
static int always_returns(vec *stmts)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind == A_RETURN || s->kind == A_RAISE || lw_is_exit_stmt(s))
            return 1;
        if (s->kind == A_IF && always_returns(&s->body) && always_returns(&s->orelse))
            return 1;
    }
    return 0;
}

int lw_returns_early(ast *def)
{
    vec *b = &def->body;
    for (int i = 0; i < b->len; i++) {
        ast *s = VEC_AT(*b, i, ast *);
        if (s->kind == A_RETURN && i != b->len - 1)
            return 1;
        if ((s->kind == A_IF || s->kind == A_FOR || s->kind == A_WHILE) &&
            (has_return(&s->body) || has_return(&s->orelse)))
            return 1;
    }
    return 0;
}

typedef struct rw {
    const char *ret, *rk;
    vec rets; /* ast* A_RETURN inside the loop being rewritten, code k at index k - 1 */
} rw;

/* Does stmts break out of the loop around it (not of an inner loop)? */
static int breaks(vec *stmts)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind == A_BREAK)
            return 1;
        if (s->kind == A_IF && (breaks(&s->body) || breaks(&s->orelse)))
            return 1;
    }
    return 0;
}

/* while True: without a break of its own leaves only by a return */
static int endless(ast *s)
{
    ast *t = s->a;
    return s->kind == A_WHILE && ((t->kind == A_BOOL && t->ival) || (t->kind == A_INT && t->ival)) &&
           !breaks(&s->body);
}

static ast *assign_to(loc l, const char *name, ast *value)
{
    return ast_assign(l, ast_vec1(ast_name(l, name)), value);
}
static vec cat(vec *a, vec *b, int from)
{
    vec r = {0};
    for (int i = 0; i < a->len; i++)
        vec_push(&r, a->items[i]);
    for (int i = from; i < b->len; i++)
        vec_push(&r, b->items[i]);
    return r;
}
static ast *shallow(ast *s)
{
    ast *n = ast_new(s->kind, s->l);
    *n = *s;
    return n;
}

static vec block(rw *w, vec stmts);

/* A loop body: each return becomes `rk = k; break`. */
static vec in_loop(rw *w, vec *stmts)
{
    vec out = {0};
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind == A_RETURN) {
            vec_push(&w->rets, s);
            vec_push(&out, assign_to(s->l, w->rk, ast_int(s->l, w->rets.len)));
            vec_push(&out, ast_new(A_BREAK, s->l));
            return out;
        }
        if (s->kind == A_IF && (has_return(&s->body) || has_return(&s->orelse))) {
            ast *n = shallow(s);
            n->body = in_loop(w, &s->body);
            n->orelse = in_loop(w, &s->orelse);
            vec_push(&out, n);
            continue;
        }
        if ((s->kind == A_FOR || s->kind == A_WHILE) && has_return(&s->body)) {
            ast *n = shallow(s);
            n->body = in_loop(w, &s->body);
            vec_push(&out, n);
            vec_push(&out, ast_if(s->l, ast_name(s->l, w->rk), ast_vec1(ast_new(A_BREAK, s->l)),
                                  (vec){0}));
            continue;
        }
        vec_push(&out, s);
    }
    return out;
}

static vec block(rw *w, vec stmts)
{
    vec out = {0};
    for (int i = 0; i < stmts.len; i++) {
        ast *s = VEC_AT(stmts, i, ast *);
        if (s->kind == A_RETURN) { /* what follows on this path is never run */
            vec_push(&out, assign_to(s->l, w->ret, s->a ? s->a : ast_new(A_NONE, s->l)));
            return out;
        }
        if (s->kind == A_IF && (has_return(&s->body) || has_return(&s->orelse))) {
            ast *n = shallow(s);
            n->body = block(w, always_returns(&s->body) ? s->body : cat(&s->body, &stmts, i + 1));
            n->orelse = block(w, always_returns(&s->orelse) ? s->orelse : cat(&s->orelse, &stmts, i + 1));
            vec_push(&out, n);
            return out;
        }
        if ((s->kind == A_FOR || s->kind == A_WHILE) && (has_return(&s->body) || has_return(&s->orelse))) {
            if (has_return(&s->orelse)) {
                diag_error(s->l, "'return' in the 'else' clause of a loop is not supported; move it "
                                 "after the loop");
                return out;
            }
            ast *it = s->a;
            if (s->kind == A_FOR && !(it->kind == A_CALL && it->a->kind == A_NAME &&
                                      strcmp(it->a->name, "range") == 0)) {
                diag_error(s->l, "'return' inside a loop over a list, zip() or enumerate() is not "
                                 "supported (the loop is unrolled when compiling); set a variable in "
                                 "the loop and return after it");
                return out;
            }
            int first = w->rets.len;
            vec_push(&out, assign_to(s->l, w->rk, ast_int(s->l, 0)));
            ast *n = shallow(s);
            n->body = in_loop(w, &s->body);
            vec_push(&out, n);
            vec rest = cat(&(vec){0}, &stmts, i + 1);
            int last = w->rets.len;
            vec chain = endless(s) && last > first ? block(w, ast_vec1(VEC_AT(w->rets, --last, ast *)))
                                                   : block(w, rest);
            for (int k = last; k > first; k--) {
                ast *r = VEC_AT(w->rets, k - 1, ast *);
                ast *cond = ast_compare(r->l, ast_name(r->l, w->rk), OP_EQ, ast_int(r->l, k));
                chain = ast_vec1(ast_if(r->l, cond, block(w, ast_vec1(r)), chain));
            }
            for (int k = 0; k < chain.len; k++)
                vec_push(&out, chain.items[k]);
            return out;
        }
        vec_push(&out, s);
    }
    return out;
}

/* The rewritten bodies, one per def (a def is inlined at every call). */
static vec done_defs, done_bodies, done_names;

/* Each module starts with none (they live in the arena, freed between programs). */
void lw_returns_reset(void)
{
    done_defs = done_bodies = done_names = (vec){0};
}

vec lw_returns_body(ast *def, const char **retname)
{
    for (int i = 0; i < done_defs.len; i++)
        if (done_defs.items[i] == def) {
            *retname = VEC_AT(done_names, i, const char *);
            return *VEC_AT(done_bodies, i, vec *);
        }
    rw w = {0};
    w.ret = arena_printf(&util_arena, "%s.return", def->name);
    w.rk = arena_printf(&util_arena, "%s.rk", def->name);
    vec body = cat(&def->body, &(vec){0}, 0);
    if (!always_returns(&body))
        vec_push(&body, ast_return(def->l, NULL));
    vec *r = NEW(vec);
    *r = block(&w, body);
    vec_push(&done_defs, def);
    vec_push(&done_bodies, r);
    vec_push(&done_names, (void *)w.ret);
    *retname = w.ret;
    return *r;
}

const char *lw_return_owner(const char *name)
{
    size_t n = strlen(name), k = strlen(".return");
    if (n <= k || strcmp(name + n - k, ".return") != 0)
        return NULL;
    return arena_printf(&util_arena, "%.*s", (int)(n - k), name);
}

static const char *binding_desc(binding *b)
{
    if (b->kind == B_SCALAR)
        return arena_printf(&util_arena, "%s %s scalar", ir_type_name(b->var->type)[0] == 'i' ? "an" : "a",
                            ir_type_name(b->var->type));
    value *v = lw_bound_array(b);
    if (v && (b->kind == B_ARRAY || b->val->kind == V_ARRAY))
        return arena_printf(&util_arena, "%s %s array of shape %s%s", ir_type_name(v->type)[0] == 'i' ? "an" : "a",
                            ir_type_name(v->type),
                            lw_shape_str(v->rank, v->sh),
                            b->kind == B_VALUE && v->e->kind == E_READ && !v->fresh ? " (a view)" : "");
    return lw_vkind_desc(b->val);
}

/* After the branches of an if (at l) bound t and e to values that cannot be joined: when the
 * name is a function's result, reports it in those words and returns 1. */
int lw_return_mismatch(loc l, binding *t, binding *e)
{
    const char *f = lw_return_owner(t->name);
    if (!f)
        return 0;
    const char *dt = binding_desc(t), *de = binding_desc(e);
    int arr = t->kind == B_ARRAY || (t->val && t->val->kind == V_ARRAY);
    if (strcmp(dt, de) == 0 && !arr)
        diag_error(l, "function '%s' returns %s that differs between the paths that part at this "
                      "'if': this is not supported (a function is inlined; only numbers and arrays "
                      "can be returned from different paths)", f, dt);
    else if (strcmp(dt, de) == 0)
        diag_error(l, "function '%s' returns different views of an array (%s) on the paths that "
                      "part at this 'if'; return a .copy() on each path", f, dt);
    else
        diag_error(l, "function '%s' returns %s on one path and %s on another (they part at this "
                      "'if'); a function is inlined, so it must return the same kind of value, "
                      "dtype and shape on every path", f, dt, de);
    return 1;
}
