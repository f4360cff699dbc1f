/* lower_unroll.c: for loops the compiler runs itself: a loop over a list, tuple, zip() or
 * enumerate() known when compiling (and a constant range whose index picks items of a list) is
 * unrolled, its body lowered once per item with the target bound to it; a loop over a call of a
 * generator function (a def that yields) is that function's body lowered in place, each yield
 * followed by the loop's body; and F[k] = v of a list item names its hidden item "F.k".
 * Requires: lw_iter_items (lower_calls.c) for the items, lw_bind_target for the targets.
 * Establishes: break in an unrolled loop is reported; continue ends the item's copy of the body;
 * a generator nested in itself deeper than MAX_GENERATOR_NESTING is reported. */

#include "lower_internal.h"

#include <string.h>

/* ---- for loops unrolled when compiling ------------------------------------------------------ */

/* Does the body break, continue or return (in nested loops and ifs too)? */
static int jumps(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        if (s->kind == A_BREAK || s->kind == A_CONTINUE || s->kind == A_RETURN)
            return 1;
        if ((s->kind == A_IF || s->kind == A_FOR || s->kind == A_WHILE) && (jumps(&s->body) || jumps(&s->orelse)))
            return 1;
    }
    return 0;
}
static int breaks_out(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        if (s->kind == A_BREAK || s->kind == A_CONTINUE)
            return 1;
        if (s->kind == A_IF && (breaks_out(&s->body) || breaks_out(&s->orelse)))
            return 1;
    }
    return 0;
}

/* A break (kind A_BREAK) or continue of this loop in body (within ifs). */
static int jumps_of(vec *body, ast_kind kind)
{
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        if (s->kind == kind || (s->kind == A_IF && (jumps_of(&s->body, kind) || jumps_of(&s->orelse, kind))))
            return 1;
    }
    return 0;
}

/* body without its continues, for a loop unrolled when compiling (for di in (-1, 0, 1): ... if
 * di == 0 and dj == 0: continue): the statements after an if that may continue are moved into
 * its branches, and each branch stops at its continue, which is what running it does. */
static vec drop_continues(vec *body)
{
    vec r = {0};
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        if (s->kind == A_CONTINUE)
            return r;
        if (s->kind == A_IF && (jumps_of(&s->body, A_CONTINUE) || jumps_of(&s->orelse, A_CONTINUE))) {
            vec b = {0}, o = {0};
            for (int k = 0; k < s->body.len; k++)
                vec_push(&b, s->body.items[k]);
            for (int k = 0; k < s->orelse.len; k++)
                vec_push(&o, s->orelse.items[k]);
            for (int k = i + 1; k < body->len; k++) {
                vec_push(&b, body->items[k]);
                vec_push(&o, body->items[k]);
            }
            vec_push(&r, ast_if(s->l, s->a, drop_continues(&b), drop_continues(&o)));
            return r;
        }
        vec_push(&r, s);
    }
    return r;
}

static void names_in(ast *a, void *out);

static void bound_names(vec *stmts, vec *out);
/* The names a target binds (x, (a, b), [a, *rest]); subscripts and attributes bind none. */
static void target_names(ast *t, vec *out)
{
    if (!t)
        return;
    if (t->kind == A_NAME && !lw_name_in(out, t->name))
        vec_push(out, (void *)t->name);
    if (t->kind == A_STARRED)
        target_names(t->a, out);
    if (t->kind == A_TUPLE || t->kind == A_LIST)
        for (int i = 0; i < t->args.len; i++)
            target_names(VEC_AT(t->args, i, ast *), out);
}
/* The names a statement list binds, in nested statements too: what can change from one
 * iteration of a loop around it to the next. */
void lw_bound_names(vec *stmts, vec *out) { bound_names(stmts, out); }
static void bound_names(vec *stmts, vec *out)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind == A_ASSIGN)
            for (int k = 0; k < s->targets.len; k++)
                target_names(VEC_AT(s->targets, k, ast *), out);
        if (s->kind == A_AUGASSIGN || s->kind == A_FOR)
            target_names(s->b, out);
        if (s->kind == A_IF || s->kind == A_FOR || s->kind == A_WHILE) {
            bound_names(&s->body, out);
            bound_names(&s->orelse, out);
        }
    }
}

/* Is a a subscript of a name bound to a list, tuple or dict (F[i], self.opposite[i])? */
static int list_subscript(lctx *c, ast *a)
{
    ast *base = a && a->kind == A_SUBSCRIPT ? lw_attr_name(c, a->a) : NULL;
    if (!base || base->kind != A_NAME)
        return 0;
    int unbound;
    binding *b = lw_lookup(c, base->name, &unbound);
    return b && b->kind == B_VALUE && b->val->kind == V_TUPLE;
}

/* Does the code index a name bound to a list by an index that changes from one iteration to
 * the next (F[i], F[j] after j = i + 1: it reads a name of varying), or change an item of one
 * (stats["updates"] += 1: the container is known when compiling)? Then a loop over a constant
 * range is unrolled, so that every F[i] names one array. Reading F[0], or F[k] with k fixed in
 * the loop, names one array in every iteration: the loop stays a loop. */
typedef struct indexing {
    lctx *c;
    vec *varying;
} indexing;
static int indexes_list(lctx *c, ast *a, vec *varying);
static int indexes_in(ast *a, void *ctx) { indexing *x = ctx; return indexes_list(x->c, a, x->varying); }
static int indexes_list(lctx *c, ast *a, vec *varying)
{
    if (!a)
        return 0;
    if (a->kind == A_AUGASSIGN && list_subscript(c, a->b))
        return 1;
    for (int i = 0; a->kind == A_ASSIGN && i < a->targets.len; i++)
        if (list_subscript(c, VEC_AT(a->targets, i, ast *)))
            return 1;
    if (list_subscript(c, a)) {
        vec used = {0};
        for (int i = 0; i < a->args.len; i++)
            names_in(VEC_AT(a->args, i, ast *), &used);
        for (int i = 0; i < used.len; i++)
            if (lw_name_in(varying, VEC_AT(used, i, const char *)))
                return 1;
    }
    return ast_any_child(a, AST_ALL & ~AST_PARAMS, indexes_in, &(indexing){c, varying}); /* not parameter defaults */
}

/* for t in ITEMS: body, unrolled when compiling. */
int lw_for_unrolled(lctx *c, ast *s, int range_loop)
{
    if (range_loop) {
        vec varying = {0};
        target_names(s->b, &varying);
        bound_names(&s->body, &varying);
        if (!indexes_list(c, s, &varying))
            return 0;
    }
    value *items = lw_iter_items_ranges(c, s->a, 0);
    if (!items && range_loop && !jumps(&s->body))
        /* a range that indexes a list is unrolled also when its ints are known here without
         * being constants; one that leaves early stays a loop, as before */
        items = lw_iter_items_ranges(c, s->a, 1);
    if (!items)
        return 0;
    if (items->kind == V_ERR)
        return 1;
    if (jumps_of(&s->body, A_BREAK)) {
        diag_error(s->l, "break is not supported in a loop over %s (it is unrolled when compiling)",
                   range_loop ? "a range that indexes a list" : "a list, zip() or enumerate()");
        return 1;
    }
    vec body = jumps_of(&s->body, A_CONTINUE) ? drop_continues(&s->body) : s->body;
    for (int i = 0; i < items->n; i++) {
        lw_bind_target(c, s->b, items->items[i], 1);
        lw_unbound_target(c, s->b);
        lw_block(c, &body);
    }
    return 1;
}

/* ---- generator functions consumed by a for loop ------------------------------------------- */

/* Loops over one generator nested in each other's bodies (for i in g(): for j in g(): ...),
 * counted to stop a generator that loops over itself. */
enum { MAX_GENERATOR_NESTING = 16 };

/* Does a function body yield? (nested defs are functions of their own) */
int lw_has_yield(vec *stmts)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind == A_YIELD)
            return 1;
        if ((s->kind == A_IF || s->kind == A_FOR || s->kind == A_WHILE) &&
            (lw_has_yield(&s->body) || lw_has_yield(&s->orelse)))
            return 1;
    }
    return 0;
}
static ast *find_return(vec *stmts)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *), *r = NULL;
        if (s->kind == A_RETURN)
            return s;
        if (s->kind == A_IF || s->kind == A_FOR || s->kind == A_WHILE)
            if ((r = find_return(&s->body)) || (r = find_return(&s->orelse)))
                return r;
    }
    return NULL;
}

/* The names an expression or statement list reads or writes (A_NAME nodes). */
static void names_in(ast *a, void *out)
{
    if (!a)
        return;
    if (a->kind == A_NAME && !lw_name_in(out, a->name))
        vec_push(out, (void *)a->name);
    ast_each_child(a, AST_ALL & ~AST_PARAMS, names_in, out); /* not parameter defaults */
}

/* The generator's body with each `yield v` replaced by `target = v` and the for's body. */
static vec splice_yields(vec stmts, ast *target, vec *body)
{
    vec r = {0};
    for (int i = 0; i < stmts.len; i++) {
        ast *s = VEC_AT(stmts, i, ast *);
        if (s->kind == A_YIELD) {
            vec t = {0};
            vec_push(&t, target);
            vec_push(&r, ast_assign(s->l, t, s->a ? s->a : ast_new(A_NONE, s->l)));
            for (int k = 0; k < body->len; k++)
                vec_push(&r, body->items[k]);
            continue;
        }
        if (s->kind == A_IF || s->kind == A_FOR || s->kind == A_WHILE) {
            s->body = splice_yields(s->body, target, body);
            s->orelse = splice_yields(s->orelse, target, body);
        }
        vec_push(&r, s);
    }
    return r;
}

/* for T in gen(args): BODY where gen is a generator function: gen's body is lowered in place,
 * with each `yield v` replaced by `T = v` and BODY (Python runs BODY at that point of gen).
 * gen's own names are renamed apart (k becomes "gen.k", "gen.2.k" in a generator nested in a
 * loop over the same one: names no program can spell), and BODY keeps the names of the loop's
 * scope, so the loops of gen and the assignments of BODY are one statement list to the type
 * inference of loops. Returns 0 when it is not such a loop. */
int lw_for_generator(lctx *c, ast *s)
{
    ast *it = s->a;
    int unbound;
    binding *fb = it->kind == A_CALL && it->a->kind == A_NAME ? lw_lookup(c, it->a->name, &unbound) : NULL;
    if (!fb || fb->kind != B_VALUE || fb->val->kind != V_FUNC || !lw_has_yield(&fb->val->def->body))
        return 0;
    value *fn = fb->val;
    ast *def = fn->def;
    vec gbody = def->body;
    if (gbody.len && VEC_AT(gbody, gbody.len - 1, ast *)->kind == A_RETURN &&
        !VEC_AT(gbody, gbody.len - 1, ast *)->a)
        gbody.len--; /* a bare return at the end ends the generator, as its end would */
    ast *ret = find_return(&gbody);
    if (ret) {
        diag_error(ret->l, "'return' in a generator function is not supported");
        return 1;
    }
    if (breaks_out(&s->body)) {
        diag_error(s->l, "break and continue are not supported in a loop over a generator (its body "
                         "is run at each yield of '%s')", def->name);
        return 1;
    }
    int depth = 0;
    for (int i = 0; i < c->inlining.len; i++)
        depth += VEC_AT(c->inlining, i, ast *) == def;
    if (depth >= MAX_GENERATOR_NESTING) { /* a loop over g in g's own body never ends */
        diag_error(it->l, "the generator '%s' is consumed inside itself more than %d times deep "
                          "(a recursive generator cannot be compiled: generators are inlined)",
                   def->name, MAX_GENERATOR_NESTING);
        return 1;
    }
    args a = lw_args(c, it);
    if (lw_any_err(&a))
        return 1;
    int np = def->params.len, nreq = 0;
    const char **pn = NEWN(const char *, np + 1);
    for (int i = 0; i < np; i++) {
        ast *p = VEC_AT(def->params, i, ast *);
        if (p->ival) {
            diag_error(p->l, "'%s%s' parameters of a generator function are not supported",
                       p->ival == 1 ? "*" : "**", p->name);
            return 1;
        }
        pn[i] = p->name;
        if (!p->a)
            nreq = i + 1;
    }
    value **vals = NEWN(value *, np + 1);
    if (!lw_match_args(it->l, def->name, &a, np, pn, nreq, vals))
        return 1;
    scope *caller = c->sc;
    for (int i = 0; i < np; i++) {
        if (vals[i] && vals[i]->kind == V_ARRAY && vals[i]->e->kind != E_READ)
            vals[i] = lw_materialize(c, vals[i]);
        if (!vals[i]) { /* defaults are evaluated in the defining scope */
            c->sc = fn->defscope;
            vals[i] = lw_expr(c, VEC_AT(def->params, i, ast *)->a);
            c->sc = caller;
        }
    }
    /* the generator's locals: its parameters and the names it assigns, less its globals */
    vec globals = {0}, from = {0}, to = {0};
    lw_declared_globals(&def->body, &globals);
    for (int i = 0; i < np; i++)
        vec_push(&from, (void *)pn[i]);
    lw_assigned_names(&def->body, &from);
    for (int i = 0; i < from.len; i++) {
        const char *n = VEC_AT(from, i, const char *);
        if (lw_name_in(&globals, n))
            n = arena_printf(&util_arena, "%s", n); /* stays itself */
        else
            n = depth ? arena_printf(&util_arena, "%s.%d.%s", def->name, depth + 1, n)
                      : arena_printf(&util_arena, "%s.%s", def->name, n);
        vec_push(&to, (void *)n);
    }
    for (int i = 0; i < np; i++) {
        ast t = {.kind = A_NAME, .l = VEC_AT(def->params, i, ast *)->l, .name = VEC_AT(to, i, const char *)};
        value *v = vals[i];
        if (lw_is_dict(v)) {
            value *p = lw_vnew(V_TUPLE, v->l);
            *p = *v;
            p->dict_param = 1;
            v = p;
        }
        if (v->kind == V_ARRAY && v->e->kind == E_READ && !v->fresh) {
            binding *b = lw_bind(c, t.name); /* arrays are passed by reference */
            b->kind = B_VALUE;
            b->val = v;
        } else
            lw_assign_name(c, &t, v);
    }
    vec clone = ast_clone_renamed(gbody, &from, &to);
    /* its other names are read where the loop is: they must mean what they mean where the
     * generator was defined */
    vec free = {0};
    for (int i = 0; i < clone.len; i++)
        names_in(VEC_AT(clone, i, ast *), &free);
    for (int i = 0; i < free.len; i++) {
        const char *n = VEC_AT(free, i, const char *);
        if (lw_name_in(&to, n))
            continue;
        int u1, u2;
        binding *here = lw_lookup(c, n, &u1);
        c->sc = fn->defscope;
        binding *there = lw_lookup(c, n, &u2);
        c->sc = caller;
        if (here != there || u1 != u2) {
            diag_error(it->l, "the generator '%s' reads '%s', which this loop's function defines too; "
                              "a generator is inlined where it is consumed, so rename one of them",
                       def->name, n);
            return 1;
        }
    }
    vec body = splice_yields(clone, s->b, &s->body);
    vec_push(&c->inlining, def);
    lw_block(c, &body);
    c->inlining.len--;
    return 1;
}

/* F[k] of a name bound to a list, k a constant: the hidden name holding item k ("F.k"). */
ast *lw_list_elem(lctx *c, ast *t, value **list, int *index)
{
    if (t->kind != A_SUBSCRIPT || t->a->kind != A_NAME || t->args.len != 1)
        return NULL;
    int unbound;
    binding *b = lw_lookup(c, t->a->name, &unbound);
    if (!b || b->kind != B_VALUE || b->val->kind != V_TUPLE)
        return NULL;
    value *iv = lw_expr(c, VEC_AT(t->args, 0, ast *));
    int64_t k;
    if (iv->kind != V_SCALAR || !ir_expr_const_int(iv->e, &k)) {
        if (iv->kind != V_ERR)
            diag_error(iv->l, "a list element assigned to needs an index known when compiling (a loop "
                              "over a constant range() that indexes the list is unrolled)");
        return ast_name(t->l, "<error>");
    }
    if (k < 0)
        k += b->val->n;
    if (k < 0 || k >= b->val->n) {
        diag_error(iv->l, "list assignment index out of range");
        return ast_name(t->l, "<error>");
    }
    *list = b->val;
    *index = (int)k;
    return ast_name(t->l, arena_printf(&util_arena, "%s.%d", t->a->name, (int)k));
}
