/* lower_grow.c: arrays grown by np.append in a loop, as ODE integrators and time-series codes
 * write them (X = np.append(X, [X[-1] + dt * k], axis=0); t = np.append(t, t[-1] + dt)), or by
 * a join of X and one operand (tt = np.hstack((tt, t)), X = np.vstack((X, row)),
 * X = np.concatenate((X, V))), rewritten alike with the join in place of np.append; and,
 * at the end, whether an array given to list.append may be changed in place later (the same
 * question about the names that may hold one array).
 * NumPy makes a new, longer array at each append; tylesc's arrays keep one shape through a
 * loop, so the loop is rewritten to grow a run-time list of X's items instead (lower_lists.c),
 * which np.append's copy semantics allow (no other name sees the new arrays):
 *
 *     X.grow = []                                       before the loop: X's items
 *     for X.grow.x in X: X.grow.append(X.grow.x)        (rows: X.grow.x.copy())
 *     X.grow.z = np.zeros(0 or (0, m), dtype=X.dtype)   np.append's promotion, from X's dtype
 *     loop:                                             the body, with
 *         X = np.append(X, V[, axis=0])                 -> for X.grow.y in np.append(X.grow.z, V[, axis=0]):
 *                                                              X.grow.append(X.grow.y)
 *         X[i] (one index), len(X)                      -> X.grow[i], len(X.grow)
 *         any other read of X                           -> np.array(X.grow)
 *     if len(X.grow) != X.grow.n0: X = np.array(X.grow) after the loop (a loop that appended nothing
 *                                                       leaves X the object it was)
 *
 * A dtype that changes (ints grown by floats) makes a list of mixed items, which lower_lists.c
 * refuses with its message. Only loops whose every binding of X is such an append are
 * rewritten, with no def, lambda or class in the body, no read of X changed in place (a
 * mutating method or NumPy function, out=, or a function of the program when one of them changes
 * a parameter in place: the copy np.array(X.grow) would change, not X) and, for a name of the
 * module, no function of the module reading it (it would see X as it was before the loop);
 * other loops are lowered as before ("array 'X' changes shape inside this loop").
 *
 * Requires: X bound to a 1-D or 2-D array when the loop is lowered.
 * Establishes: the loop lowered (returns 1), or nothing done (returns 0). */

#include "lower_internal.h"

#include <string.h>

/* Is e `np.append(X, V[, axis=0])` of the name x (numpy imported as np or numpy), or a join of
 * X and one more operand that appends it (np.concatenate((X, V)[, axis=0]) or of a list,
 * np.hstack((X, V)), np.vstack((X, V)))? axis: set to 1 when the join is along axis 0 (np.append
 * given axis=0, np.concatenate, np.vstack), -1 when along another, 0 when it flattens
 * (np.append without axis=, np.hstack). *join: 0 for np.append, 1 for the others. */
static int is_append(ast *e, const char *x, int *axis, int *join)
{
    if (!e || e->kind != A_CALL || e->a->kind != A_ATTR || e->a->a->kind != A_NAME ||
        (strcmp(e->a->a->name, "np") != 0 && strcmp(e->a->a->name, "numpy") != 0))
        return 0;
    const char *f = e->a->name;
    *join = strcmp(f, "concatenate") == 0 || strcmp(f, "hstack") == 0 || strcmp(f, "vstack") == 0;
    if (*join) {
        ast *seq = e->args.len ? VEC_AT(e->args, 0, ast *) : NULL;
        if (!seq || (seq->kind != A_TUPLE && seq->kind != A_LIST) || seq->args.len != 2 ||
            VEC_AT(seq->args, 0, ast *)->kind != A_NAME || strcmp(VEC_AT(seq->args, 0, ast *)->name, x) != 0)
            return 0;
        if (f[0] != 'c') { /* hstack, vstack: no axis */
            if (e->args.len != 1 || e->kwargs.len)
                return 0;
            *axis = f[0] == 'v';
            return 1;
        }
        if (e->args.len > 2)
            return 0;
    } else if (strcmp(f, "append") != 0 || e->args.len < 2 || e->args.len > 3 ||
               VEC_AT(e->args, 0, ast *)->kind != A_NAME || strcmp(VEC_AT(e->args, 0, ast *)->name, x) != 0)
        return 0;
    int at = *join ? 1 : 2;
    ast *ax = e->args.len == at + 1 ? VEC_AT(e->args, at, ast *) : NULL;
    for (int i = 0; i < e->kwargs.len; i++) {
        ast *k = VEC_AT(e->kwargs, i, ast *);
        if (!k->name || strcmp(k->name, "axis") != 0)
            return 0;
        ax = k->a;
    }
    *axis = !ax ? *join : ax->kind == A_INT && ax->ival == 0 ? 1 : -1;
    return 1;
}

/* The name of a statement `X = np.append(X, ...)`, or NULL. */
static const char *append_stmt(ast *s)
{
    int axis, join;
    if (s->kind != A_ASSIGN || s->targets.len != 1 || VEC_AT(s->targets, 0, ast *)->kind != A_NAME)
        return NULL;
    const char *x = VEC_AT(s->targets, 0, ast *)->name;
    return is_append(s->a, x, &axis, &join) ? x : NULL;
}

static void find_appends(vec *stmts, vec *names)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        const char *x = append_stmt(s);
        if (x && !lw_name_in(names, x))
            vec_push(names, (void *)x);
        if (s->kind == A_IF || s->kind == A_FOR || s->kind == A_WHILE) {
            find_appends(&s->body, names);
            find_appends(&s->orelse, names);
        }
    }
}

/* Does the tree mention the name x (any context)? With defs: does it hold a def, lambda or
 * class at all (*scoped)? */
typedef struct mention {
    const char *x;
    int *scoped, found;
} mention;
static void mention_in(ast *a, void *ctx) /* every node, for *scoped: no stop at the first hit */
{
    mention *m = ctx;
    if (a->kind == A_DEF || a->kind == A_LAMBDA || (a->kind == A_OTHER_STMT && a->str && strcmp(a->str, "class") == 0))
        *m->scoped = 1;
    if ((a->kind == A_NAME || a->kind == A_PARAM) && a->name && strcmp(a->name, m->x) == 0)
        m->found = 1; /* not its default */
    else
        ast_each_child(a, AST_ALL, mention_in, m);
}
static int mentions(ast *a, const char *x, int *scoped)
{
    mention m = {x, scoped, 0};
    if (a)
        mention_in(a, &m);
    return m.found;
}

/* Does the statement list bind x (an assignment, augmented assignment or for target; not
 * inside nested defs), and does it declare x global? Python makes such a name local to the
 * function. */
static int target_binds(ast *t, const char *x)
{
    if (!t)
        return 0;
    if (t->kind == A_NAME)
        return strcmp(t->name, x) == 0;
    int r = 0;
    if (t->kind == A_TUPLE || t->kind == A_LIST)
        for (int i = 0; i < t->args.len; i++)
            r |= target_binds(VEC_AT(t->args, i, ast *), x);
    if (t->kind == A_STARRED)
        r |= target_binds(t->a, x);
    return r;
}
static void binds(vec *stmts, const char *x, int *local, int *global)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind == A_ASSIGN)
            for (int k = 0; k < s->targets.len; k++)
                *local |= target_binds(VEC_AT(s->targets, k, ast *), x);
        if (s->kind == A_AUGASSIGN || s->kind == A_FOR)
            *local |= target_binds(s->b, x);
        if (s->kind == A_DEF && strcmp(s->name, x) == 0)
            *local = 1;
        if (s->kind == A_GLOBAL)
            for (int k = 0; k < s->args.len; k++)
                *global |= strcmp(VEC_AT(s->args, k, ast *)->name, x) == 0;
        if (s->kind == A_IF || s->kind == A_FOR || s->kind == A_WHILE) {
            binds(&s->body, x, local, global);
            binds(&s->orelse, x, local, global);
        }
    }
}

/* Does a def or class of the module (at any depth) read the module's x? A def whose
 * parameter or local (a name it binds, not declared global) is x does not. */
static int defs_mention(vec *stmts, const char *x)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        int scoped = 0;
        if (s->kind == A_DEF) {
            int local = 0, global = 0;
            for (int k = 0; k < s->params.len; k++)
                local |= strcmp(VEC_AT(s->params, k, ast *)->name, x) == 0;
            binds(&s->body, x, &local, &global);
            if ((global || !local) && mentions(s, x, &scoped))
                return 1;
            if (defs_mention(&s->body, x)) /* a nested def reading the module's x */
                return 1;
            continue;
        }
        if (s->kind == A_OTHER_STMT && mentions(s, x, &scoped))
            return 1;
        if ((s->kind == A_IF || s->kind == A_FOR || s->kind == A_WHILE) &&
            (defs_mention(&s->body, x) || defs_mention(&s->orelse, x)))
            return 1;
    }
    return 0;
}

/* Methods and NumPy functions that change an array in place: a read of X given to one would
 * change the list's copy, not X (the loop is not rewritten). */
static const char *mutators[] = {"fill", "sort", "resize", "put", "itemset", "partition", "setflags",
                                 "byteswap", "copyto", "place", "putmask", "fill_diagonal", "shuffle",
                                 "at", NULL};
static int is_mutator(const char *n)
{
    for (int i = 0; mutators[i]; i++)
        if (strcmp(mutators[i], n) == 0)
            return 1;
    return 0;
}

static int aug_rebinds; /* p += v of the bare name rebinds it (p holds a number: lw_append_changed) */

/* The first node of a that changes the name p in place (p[...] = v, p += v, p.fill(v),
 * out=p), or NULL. A def or lambda of the module that changes one of its parameters so makes
 * a read of X passed to a function of the program not rewritten. */
typedef struct change {
    const char *p;
    ast *hit;
} change;
static ast *changes_name(ast *a, const char *p);
static int change_in(ast *a, void *ctx)
{
    change *ch = ctx;
    return (ch->hit = changes_name(a, ch->p)) != NULL;
}
static ast *changes_name(ast *a, const char *p)
{
    if (!a)
        return NULL;
    if (a->kind == A_ASSIGN)
        for (int i = 0; i < a->targets.len; i++) {
            ast *t = VEC_AT(a->targets, i, ast *);
            while (t->kind == A_SUBSCRIPT || t->kind == A_ATTR)
                t = t->a;
            if (t != VEC_AT(a->targets, i, ast *) && t->kind == A_NAME && strcmp(t->name, p) == 0)
                return a;
        }
    if (a->kind == A_AUGASSIGN) {
        ast *t = a->b;
        while (t->kind == A_SUBSCRIPT || t->kind == A_ATTR)
            t = t->a;
        if (t->kind == A_NAME && strcmp(t->name, p) == 0 && !(t == a->b && aug_rebinds))
            return a;
    }
    if (a->kind == A_CALL && a->a->kind == A_ATTR && a->a->a->kind == A_NAME && strcmp(a->a->a->name, p) == 0 &&
        is_mutator(a->a->name))
        return a;
    if (a->kind == A_KEYWORD && a->name && strcmp(a->name, "out") == 0 && a->a && a->a->kind == A_NAME &&
        strcmp(a->a->name, p) == 0)
        return a;
    if (a->kind == A_CALL && a->args.len && VEC_AT(a->args, 0, ast *)->kind == A_NAME &&
        strcmp(VEC_AT(a->args, 0, ast *)->name, p) == 0 &&
        ((a->a->kind == A_ATTR && is_mutator(a->a->name)) || (a->a->kind == A_NAME && is_mutator(a->a->name))))
        return a;
    change ch = {p, NULL};
    ast_any_child(a, AST_ALL & ~AST_PARAMS, change_in, &ch); /* not parameter defaults */
    return ch.hit;
}
static int defs_change_params(ast *a, void *unused)
{
    if (!a)
        return 0;
    if (a->kind == A_DEF || a->kind == A_LAMBDA)
        for (int i = 0; i < a->params.len; i++) {
            const char *p = VEC_AT(a->params, i, ast *)->name;
            if (a->kind == A_DEF) {
                for (int k = 0; k < a->body.len; k++)
                    if (changes_name(VEC_AT(a->body, k, ast *), p))
                        return 1;
            } else if (changes_name(a->a, p))
                return 1;
        }
    return ast_any_child(a, AST_ALL & ~AST_PARAMS, defs_change_params, unused);
}

/* Is e a read of x (x itself, or x[...])? */
static int reads_x(ast *e, const char *x)
{
    while (e && e->kind == A_SUBSCRIPT)
        e = e->a;
    return e && e->kind == A_NAME && strcmp(e->name, x) == 0;
}

typedef struct grow {
    const char *x, *g; /* the name and its list */
    const char *np;    /* numpy's name in the program (np or numpy) */
    int defs_change;   /* a function of the module changes a parameter in place */
    int rank;
    int ok;            /* cleared by a binding of x the rewrite does not know */
} grow;

static ast *rw(grow *gr, ast *a);
static vec rw_vec(grow *gr, vec v)
{
    vec r = {0};
    for (int i = 0; i < v.len; i++)
        vec_push(&r, rw(gr, VEC_AT(v, i, ast *)));
    return r;
}
static ast *rw_stmts_one(grow *gr, ast *s, vec *out);
static vec rw_stmts(grow *gr, vec v)
{
    vec r = {0};
    for (int i = 0; i < v.len; i++)
        rw_stmts_one(gr, VEC_AT(v, i, ast *), &r);
    return r;
}

/* A store into x other than the appends: the loop is not rewritten. */
static void store_target(grow *gr, ast *t)
{
    if (!t)
        return;
    if (t->kind == A_NAME && strcmp(t->name, gr->x) == 0)
        gr->ok = 0;
    if (t->kind == A_SUBSCRIPT || t->kind == A_ATTR)
        store_target(gr, t->a);
    if (t->kind == A_TUPLE || t->kind == A_LIST || t->kind == A_STARRED)
        for (int i = 0; i < t->args.len; i++)
            store_target(gr, VEC_AT(t->args, i, ast *));
    if (t->kind == A_STARRED)
        store_target(gr, t->a);
}

/* An expression with the reads of x replaced. */
static ast *rw(grow *gr, ast *a)
{
    if (!a)
        return NULL;
    loc l = a->l;
    if (a->kind == A_NAME && strcmp(a->name, gr->x) == 0)
        return ast_call(l, ast_attr(l, ast_name(l, gr->np), "array"), ast_arglist(NULL, ast_name(l, gr->g)));
    if (a->kind == A_SUBSCRIPT && a->a->kind == A_NAME && strcmp(a->a->name, gr->x) == 0 && a->args.len == 1 &&
        !a->tuple_index && VEC_AT(a->args, 0, ast *)->kind != A_SLICE)
        return ast_subscript(l, ast_name(l, gr->g), ast_vec1(rw(gr, VEC_AT(a->args, 0, ast *))), 0);
    if (a->kind == A_CALL && a->a->kind == A_NAME && strcmp(a->a->name, "len") == 0 && a->args.len == 1 &&
        VEC_AT(a->args, 0, ast *)->kind == A_NAME && strcmp(VEC_AT(a->args, 0, ast *)->name, gr->x) == 0)
        return ast_call(l, a->a, ast_arglist(NULL, ast_name(l, gr->g)));
    if (a->kind == A_CALL) { /* X (or a view of it) changed in place by the call: not rewritten */
        if (a->a->kind == A_ATTR && reads_x(a->a->a, gr->x) && is_mutator(a->a->name))
            gr->ok = 0;
        for (int i = 0; i < a->kwargs.len; i++) {
            ast *k = VEC_AT(a->kwargs, i, ast *);
            if (k->name && strcmp(k->name, "out") == 0 && reads_x(k->a, gr->x))
                gr->ok = 0;
        }
        int np_call = a->a->kind == A_ATTR && a->a->a->kind == A_NAME && strcmp(a->a->a->name, gr->np) == 0;
        for (int i = 0; i < a->args.len; i++)
            if (reads_x(VEC_AT(a->args, i, ast *), gr->x) &&
                ((np_call && i == 0 && is_mutator(a->a->name)) ||
                 (!np_call && a->a->kind != A_ATTR && gr->defs_change)))
                gr->ok = 0;
    }
    ast *n = ast_new(a->kind, l);
    *n = *a;
    n->a = rw(gr, a->a);
    n->b = rw(gr, a->b);
    n->c = rw(gr, a->c);
    n->args = rw_vec(gr, a->args);
    n->kwargs = rw_vec(gr, a->kwargs);
    n->targets = rw_vec(gr, a->targets);
    return n;
}

/* One statement of the body, rewritten into out. */
static ast *rw_stmts_one(grow *gr, ast *s, vec *out)
{
    loc l = s->l;
    const char *x = append_stmt(s);
    if (x && strcmp(x, gr->x) == 0) {
        int axis = 0, join = 0;
        is_append(s->a, x, &axis, &join);
        ast *z = ast_name(l, arena_printf(&util_arena, "%s.z", gr->g));
        ast *call = ast_new(A_CALL, l);
        call->a = s->a->a;
        if (join) {
            /* the join itself, of X's empty start and the operand: its checks of the operand's
             * dimensions stay NumPy's; 2-D grows by rows, 1-D along its axis */
            if (axis != 1 && !(axis == 0 && gr->rank == 1))
                gr->ok = 0;
            if (axis == 1 && gr->rank == 1 && strcmp(s->a->a->name, "vstack") == 0)
                gr->ok = 0;
            ast *seq0 = VEC_AT(s->a->args, 0, ast *), *seq = ast_new(seq0->kind, seq0->l);
            *seq = *seq0;
            seq->args = (vec){0};
            vec_push(&seq->args, z);
            vec_push(&seq->args, rw(gr, VEC_AT(seq0->args, 1, ast *)));
            *call = *s->a;
            call->args = (vec){0};
            vec_push(&call->args, seq);
            for (int i = 1; i < s->a->args.len; i++)
                vec_push(&call->args, VEC_AT(s->a->args, i, ast *));
        } else {
            if ((gr->rank == 2) != (axis == 1))
                gr->ok = 0; /* 2-D grows by rows (axis=0); 1-D without axis= */
            vec args = {0};
            vec_push(&args, z);
            vec_push(&args, rw(gr, VEC_AT(s->a->args, 1, ast *)));
            if (gr->rank == 2)
                vec_push(&args, ast_int(l, 0));
            call->args = args;
        }
        ast *y = ast_name(l, arena_printf(&util_arena, "%s.y", gr->g));
        ast *item = gr->rank == 2 ? ast_call(l, ast_attr(l, y, "copy"), NULL) : y;
        ast *app = ast_expr_stmt(l, ast_call(l, ast_attr(l, ast_name(l, gr->g), "append"), ast_arglist(NULL, item)));
        vec_push(out, ast_for(l, y, call, ast_vec1(app), (vec){0}));
        return NULL;
    }
    if (s->kind == A_ASSIGN)
        for (int i = 0; i < s->targets.len; i++)
            store_target(gr, VEC_AT(s->targets, i, ast *));
    if (s->kind == A_AUGASSIGN)
        store_target(gr, s->b);
    if (s->kind == A_FOR)
        store_target(gr, s->b);
    if (s->kind == A_GLOBAL)
        for (int i = 0; i < s->args.len; i++)
            if (strcmp(VEC_AT(s->args, i, ast *)->name, gr->x) == 0)
                gr->ok = 0;
    ast *n = ast_new(s->kind, l);
    *n = *s;
    n->a = rw(gr, s->a);
    n->c = rw(gr, s->c);
    /* targets are stores: only their subscripts' indices are reads */
    n->b = s->kind == A_AUGASSIGN || s->kind == A_FOR ? s->b : rw(gr, s->b);
    n->args = s->kind == A_GLOBAL ? s->args : rw_vec(gr, s->args);
    n->kwargs = rw_vec(gr, s->kwargs);
    if (s->kind == A_ASSIGN) {
        n->targets = (vec){0};
        for (int i = 0; i < s->targets.len; i++) {
            ast *t = VEC_AT(s->targets, i, ast *);
            if (t->kind == A_SUBSCRIPT) { /* y[X[-1] > 0] = ...: the index reads X */
                ast *tt = ast_new(A_SUBSCRIPT, t->l);
                *tt = *t;
                tt->args = rw_vec(gr, t->args);
                t = tt;
            }
            vec_push(&n->targets, t);
        }
    }
    n->body = rw_stmts(gr, s->body);
    n->orelse = rw_stmts(gr, s->orelse);
    vec_push(out, n);
    return n;
}

/* The module name of the first append of x in stmts ("np" or "numpy"), or NULL. */
static const char *np_alias(vec *stmts, const char *x)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        const char *y = append_stmt(s);
        if (y && strcmp(y, x) == 0)
            return s->a->a->a->name;
        if (s->kind == A_IF || s->kind == A_FOR || s->kind == A_WHILE) {
            const char *m = np_alias(&s->body, x);
            if (m || (m = np_alias(&s->orelse, x)))
                return m;
        }
    }
    return NULL;
}

static int grow_one(lctx *c, ast *s, const char *x);

int lw_grow_loop(lctx *c, ast *s)
{
    vec names = {0};
    find_appends(&s->body, &names);
    for (int i = 0; i < names.len; i++)
        if (grow_one(c, s, VEC_AT(names, i, const char *)))
            return 1;
    return 0;
}

static int grow_one(lctx *c, ast *s, const char *x)
{
    int unbound;
    binding *b = lw_lookup(c, x, &unbound);
    value *arr = b ? lw_bound_array(b) : NULL;
    if (!arr || (arr->rank != 1 && arr->rank != 2))
        return 0;
    int scoped = 0;
    for (int i = 0; i < s->body.len; i++)
        mentions(VEC_AT(s->body, i, ast *), x, &scoped);
    if (scoped)
        return 0; /* a def or lambda in the body would see the list's name */
    if (lw_find_in(c->module, x) == b && defs_mention(&c->module_body, x))
        return 0; /* a function reading X would see it as before the loop */
    loc l = s->l;
    const char *npn = np_alias(&s->body, x);
    int dc = 0;
    for (int i = 0; i < c->module_body.len; i++)
        dc |= defs_change_params(VEC_AT(c->module_body, i, ast *), NULL);
    grow gr = {.x = x, .np = npn, .defs_change = dc, .g = arena_printf(&util_arena, "%s.grow.%d.%d", x, l.line, l.col), .rank = arr->rank, .ok = 1};
    ast *loop = ast_new(s->kind, l);
    *loop = *s;
    loop->a = s->kind == A_WHILE ? rw(&gr, s->a) : s->a; /* a for's iterable is read once, before */
    loop->body = rw_stmts(&gr, s->body);
    if (s->kind == A_FOR)
        store_target(&gr, s->b);
    if (!gr.ok)
        return 0;
    ast *G = ast_name(l, gr.g), *X = ast_name(l, x);
    ast *gx = ast_name(l, arena_printf(&util_arena, "%s.x", gr.g));
    lw_stmt(c, ast_assign(l, ast_vec1(G), ast_list(l, (vec){0})));
    ast *item = gr.rank == 2 ? ast_call(l, ast_attr(l, gx, "copy"), NULL) : gx;
    lw_stmt(c, ast_for(l, gx, X, ast_vec1(ast_expr_stmt(l, ast_call(l, ast_attr(l, G, "append"), ast_arglist(NULL, item)))),
                       (vec){0}));
    ast *shape = ast_int(l, 0);
    if (gr.rank == 2) {
        vec sh = {0};
        vec_push(&sh, ast_int(l, 0));
        vec_push(&sh, ast_subscript(l, ast_attr(l, X, "shape"), ast_vec1(ast_int(l, 1)), 0));
        shape = ast_seq(l, sh, 0);
    }
    ast *zargs = ast_arglist(ast_arglist(NULL, shape), ast_keyword(l, "dtype", ast_attr(l, X, "dtype")));
    lw_stmt(c, ast_assign(l, ast_vec1(ast_name(l, arena_printf(&util_arena, "%s.z", gr.g))),
                          ast_call(l, ast_attr(l, ast_name(l, gr.np), "zeros"), zargs)));
    /* after a loop that appended nothing, X is still the object it was (another name may hold it) */
    ast *n0 = ast_name(l, arena_printf(&util_arena, "%s.n0", gr.g));
    ast *lenG = ast_call(l, ast_name(l, "len"), ast_arglist(NULL, G));
    lw_stmt(c, ast_assign(l, ast_vec1(n0), lenG));
    lw_stmt(c, loop);
    ast *post = ast_assign(l, ast_vec1(X), ast_call(l, ast_attr(l, ast_name(l, gr.np), "array"), ast_arglist(NULL, G)));
    lw_stmt(c, ast_if(l, ast_compare(l, lenG, OP_NE, n0), ast_vec1(post), (vec){0}));
    return 1;
}

const char *lw_grow_array(const char *list)
{
    const char *g = list ? strstr(list, ".grow.") : NULL;
    return g ? arena_printf(&util_arena, "%.*s", (int)(g - list), list) : NULL;
}

/* A note after "array 'X' changes shape inside this loop" when the loop grows X by np.append:
 * what the rewrite needs. */
void lw_grow_note(ast *loop, const char *name)
{
    vec names = {0};
    find_appends(&loop->body, &names);
    if (!lw_name_in(&names, name))
        return;
    diag_note(loop->l, "growing '%s' by np.append (or np.concatenate((%s, v)), np.hstack of a 1-D array, "
                       "np.vstack of a 2-D one) in a loop is supported when the loop binds it only "
                       "by such appends (2-D arrays by rows, axis=0), changes no read of it in place "
                       "(nor passes it to a function of the program that changes a parameter in place), "
                       "holds no def or lambda, and no function reads it as a global", name, name);
}

/* ---- an array appended to a run-time list (lower_lists.c) ---------------------------------
 * ys.append(y) puts the array y itself in NumPy's list; tylesc's list stores a copy of its
 * value, which is NumPy's result as long as nothing changes that array in place afterwards
 * (a rebinding y = y + dt * k makes a new array and leaves the list's item alone). Without
 * alias analysis, the program text decides, for all scopes at once (names compared by
 * spelling, so a name of another function counts too): the names that may hold the array
 * (y, the list, and by closure every name bound from one of them, its subscripts, attributes
 * or a call that is given one, as `z = y`, `row = Y[i]` or `for a in ys`) must never be changed
 * in place, nor given to a function of the program that changes a parameter in place. */

static vec modules;  /* const char*: the names imports bind (np, numpy, math) */
static vec progdefs; /* ast*: the program's defs (any depth) */

static void import_names(vec *stmts)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind == A_IMPORT) {
            const char *n = s->str ? s->str : s->name;
            if (!lw_name_in(&modules, n))
                vec_push(&modules, (void *)n);
        }
        if (s->kind == A_IF || s->kind == A_DEF)
            import_names(&s->body);
    }
}

static int defs_as_args;
static int is_progdef(const char *name);
static int module_number(const char *name);

static void ref_names(ast *e, vec *out);

/* e = np.f(...) of a NumPy function whose result never shares memory with its arguments (a
 * new array, or new arrays), or np.histogram, whose edges are np.asarray(bins) (bins itself
 * when it is a float array) and whose counts are new: the names e may share memory with go to
 * out (only the bins); 0 for any other call (its arguments may be its result: np.asarray(x),
 * np.clip(a, 0, 1, a)). A function with an out= argument (np.cumsum(a, out=b)) returns it. */
static int fresh_numpy_call(ast *e, vec *out)
{
    static const char *fresh[] = {"bincount", "zeros_like", "ones_like", "empty_like", "full_like", "copy",
                                  "sort", "argsort", "concatenate", "stack", "vstack", "hstack",
                                  "column_stack", "roll", "histogram", NULL};
    if (e->a->kind != A_ATTR || e->a->a->kind != A_NAME || !lw_name_in(&modules, e->a->a->name))
        return 0;
    for (int i = 0; i < e->kwargs.len; i++)
        if (strcmp(VEC_AT(e->kwargs, i, ast *)->name, "out") == 0)
            return 0;
    for (const char **f = fresh; *f; f++)
        if (strcmp(e->a->name, *f) == 0) {
            if (strcmp(*f, "histogram") == 0) {
                if (e->args.len >= 2)
                    ref_names(VEC_AT(e->args, 1, ast *), out);
                for (int i = 0; i < e->kwargs.len; i++)
                    if (strcmp(VEC_AT(e->kwargs, i, ast *)->name, "bins") == 0)
                        ref_names(VEC_AT(e->kwargs, i, ast *), out);
            }
            return 1;
        }
    return 0;
}

/* Is e np.histogram(...) (numpy.histogram)? */
static int is_histogram(ast *e)
{
    return e && e->kind == A_CALL && e->a->kind == A_ATTR && e->a->a->kind == A_NAME &&
           lw_name_in(&modules, e->a->a->name) && strcmp(e->a->name, "histogram") == 0;
}

/* The names whose arrays e may be or share memory with (e itself, its base, a call's inputs). */
static void ref_names(ast *e, vec *out)
{
    if (!e)
        return;
    if (e->kind == A_NAME && !lw_name_in(out, e->name) && !module_number(e->name) && !lw_name_in(&modules, e->name))
        vec_push(out, (void *)e->name); /* not np (np.complex128, np.mgrid[...]: no array of ours) */
    if (e->kind == A_SUBSCRIPT || e->kind == A_ATTR || e->kind == A_STARRED || e->kind == A_KEYWORD)
        ref_names(e->a, out);
    if (e->kind == A_IFEXP) {
        ref_names(e->a, out);
        ref_names(e->c, out);
    }
    /* f(x) of a def of the program (list.append's question): what f can return reaches the
     * result through f's name (its returns) and its parameters (alias_close links them to the
     * arguments), so x itself is not the result; a NumPy function's (np.asarray(x)) may be */
    int progcall = e->kind == A_CALL && defs_as_args && e->a->kind == A_NAME && is_progdef(e->a->name);
    if (e->kind == A_CALL && fresh_numpy_call(e, out))
        return;
    if (e->kind == A_TUPLE || e->kind == A_LIST || (e->kind == A_CALL && !progcall))
        for (int i = 0; i < e->args.len; i++) {
            ast *x = VEC_AT(e->args, i, ast *);
            if (!(e->kind == A_CALL && !defs_as_args && x->kind == A_NAME && is_progdef(x->name)))
                ref_names(x, out);
        }
    if (e->kind == A_CALL) {
        if (e->a->kind == A_NAME) /* f(...): what f returns (alias_close links f to it) */
            for (int k = 0; k < progdefs.len; k++)
                if (strcmp(VEC_AT(progdefs, k, ast *)->name, e->a->name) == 0 && !lw_name_in(out, e->a->name)) {
                    vec_push(out, (void *)e->a->name);
                    break;
                }
        /* a method's object (y.reshape, Y.T.T), not a function's name nor a module's (np.sin), nor
         * the object of copy() and flatten(), which return a new array */
        if (e->a->kind == A_ATTR && !(e->a->a->kind == A_NAME && lw_name_in(&modules, e->a->a->name)) &&
            strcmp(e->a->name, "copy") != 0 && strcmp(e->a->name, "flatten") != 0)
            ref_names(e->a->a, out);
        for (int i = 0; i < e->kwargs.len; i++)
            ref_names(VEC_AT(e->kwargs, i, ast *), out);
    }
}

/* The names a target binds (a name, the names of a tuple or list of targets). */
static void target_names(ast *t, vec *out)
{
    if (!t)
        return;
    if (t->kind == A_NAME && !lw_name_in(out, t->name))
        vec_push(out, (void *)t->name);
    if (t->kind == A_TUPLE || t->kind == A_LIST)
        for (int i = 0; i < t->args.len; i++)
            target_names(VEC_AT(t->args, i, ast *), out);
    if (t->kind == A_STARRED)
        target_names(t->a, out);
}

/* Add to set both sides of each binding of a (any depth) that joins a name of set; *grew when
 * one was added. */
static void collect_defs(ast *a, void *out)
{
    if (!a)
        return;
    if (a->kind == A_DEF)
        vec_push(out, a);
    ast_each_child(a, AST_STMTS, collect_defs, out);
}

/* Whether a def of the program given as an argument (rk4(rhs, t, y, dt)) joins the set: its
 * returns then join too. lw_append_changed: yes; lw_reshape_changed: no (a function is not an
 * array, and its returns reach a name only through a call, which ref_names sees). */
static int defs_as_args = 1;
static lctx *numbers_ctx; /* lw_reshape_changed: module numbers are not arrays (numbers_of) */

/* A name the module binds to a number and no def binds (a parameter n in y.reshape(n, n)):
 * it never holds an array, so it links no two arrays. */
static lctx *scalars_ctx; /* lw_alias_names: names bound to numbers where the view is made */

static int module_number(const char *name)
{
    if (scalars_ctx) { /* R in np.reshape(y, (R ** i, R)): a number here links no two arrays */
        int unbound;
        binding *b = lw_lookup(scalars_ctx, name, &unbound);
        if (b && (b->kind == B_SCALAR || (b->kind == B_VALUE && b->val->kind == V_SCALAR)))
            return 1;
    }
    if (!numbers_ctx)
        return 0;
    binding *b = lw_find_in(numbers_ctx->module, name);
    if (!b || !(b->kind == B_SCALAR || (b->kind == B_VALUE && b->val->kind == V_SCALAR)))
        return 0;
    for (int j = 0; j < progdefs.len; j++) {
        ast *d = VEC_AT(progdefs, j, ast *);
        vec bound = {0};
        lw_assigned_names(&d->body, &bound);
        for (int i = 0; i < d->params.len; i++)
            vec_push(&bound, (void *)VEC_AT(d->params, i, ast *)->name);
        if (lw_name_in(&bound, name))
            return 0;
    }
    return 1;
}

static int is_progdef(const char *name)
{
    for (int j = 0; j < progdefs.len; j++)
        if (strcmp(VEC_AT(progdefs, j, ast *)->name, name) == 0)
            return 1;
    return 0;
}

/* fn: the def whose body a is in (NULL at module level). */
typedef struct closing {
    ast *fn;
    vec *set;
    int *grew;
} closing;
static void alias_close(ast *a, ast *fn, vec *set, int *grew);
static void close_in(ast *a, void *ctx) { closing *k = ctx; alias_close(a, k->fn, k->set, k->grew); }
static void alias_close(ast *a, ast *fn, vec *set, int *grew)
{
    if (!a)
        return;
    vec lhs = {0}, rhs = {0};
    if (a->kind == A_RETURN && fn) { /* f(...) may be what f returns */
        vec_push(&lhs, (void *)fn->name);
        ref_names(a->a, &rhs);
    }
    if (a->kind == A_CALL && a->a->kind == A_NAME) /* a function's parameters: what it is given */
        for (int k = 0; k < progdefs.len; k++) {
            ast *d = VEC_AT(progdefs, k, ast *);
            if (strcmp(d->name, a->a->name) != 0)
                continue;
            for (int i = 0; i < d->params.len; i++)
                if (!lw_name_in(&lhs, VEC_AT(d->params, i, ast *)->name))
                    vec_push(&lhs, (void *)VEC_AT(d->params, i, ast *)->name);
            for (int i = 0; i < a->args.len; i++) {
                ast *x = VEC_AT(a->args, i, ast *);
                if (defs_as_args || x->kind != A_NAME || !is_progdef(x->name))
                    ref_names(x, &rhs);
            }
            for (int i = 0; i < a->kwargs.len; i++)
                ref_names(VEC_AT(a->kwargs, i, ast *), &rhs);
        }
    if (a->kind == A_DEF)
        fn = a;
    ast *t0 = a->kind == A_ASSIGN && a->targets.len == 1 ? VEC_AT(a->targets, 0, ast *) : NULL;
    if (t0 && (t0->kind == A_TUPLE || t0->kind == A_LIST) && t0->args.len == 2 && is_histogram(a->a)) {
        /* hist, edges = np.histogram(x, bins): the counts are new, the edges may be the bins */
        target_names(VEC_AT(t0->args, 1, ast *), &lhs);
        ref_names(a->a, &rhs);
    } else if (a->kind == A_ASSIGN) {
        for (int i = 0; i < a->targets.len; i++)
            target_names(VEC_AT(a->targets, i, ast *), &lhs);
        ref_names(a->a, &rhs);
    }
    if (a->kind == A_FOR) { /* a statement or a comprehension's clause */
        target_names(a->b, &lhs);
        ref_names(a->a, &rhs);
    }
    for (int i = 0; i < lhs.len; i++) /* a name that holds a number links no two arrays */
        if (module_number(VEC_AT(lhs, i, const char *)))
            lhs.items[i--] = lhs.items[--lhs.len];
    int joined = 0;
    for (int i = 0; i < lhs.len; i++)
        joined |= lw_name_in(set, VEC_AT(lhs, i, const char *));
    for (int i = 0; i < rhs.len; i++)
        joined |= lw_name_in(set, VEC_AT(rhs, i, const char *));
    for (int k = 0; joined && k < 2; k++) {
        vec *side = k ? &rhs : &lhs;
        for (int i = 0; i < side->len; i++)
            if (!lw_name_in(set, VEC_AT(*side, i, const char *))) {
                vec_push(set, VEC_AT(*side, i, void *));
                *grew = 1;
            }
    }
    ast_each_child(a, AST_ALL & ~AST_PARAMS, close_in, &(closing){fn, set, grew}); /* not parameter defaults */
}

static void def_names(ast *a, void *out)
{
    if (!a)
        return;
    if (a->kind == A_DEF && !lw_name_in(out, a->name))
        vec_push(out, (void *)a->name);
    ast_each_child(a, AST_STMTS, def_names, out);
}

/* A call of a function of the program (defs) given one of set's names, or NULL. */
typedef struct given {
    vec *defs, *set;
    ast *hit;
} given;
static ast *call_given(ast *a, vec *defs, vec *set);
static int given_in(ast *a, void *ctx)
{
    given *g = ctx;
    return (g->hit = call_given(a, g->defs, g->set)) != NULL;
}
static ast *call_given(ast *a, vec *defs, vec *set)
{
    if (!a)
        return NULL;
    static const char *builtins[] = {"len", "range", "print", "float", "int", "abs", "min", "max", "sum", "zip",
                                     "enumerate", "list", "tuple", "round", "str", "repr", "sorted", "bool",
                                     "pow", "divmod", "format", NULL};
    int builtin = 0;
    for (int i = 0; a->kind == A_CALL && a->a->kind == A_NAME && builtins[i]; i++)
        builtin |= strcmp(builtins[i], a->a->name) == 0 && !lw_name_in(defs, a->a->name);
    /* a def of the program, or a name that may hold one (f(t, y) of a parameter f) */
    if (a->kind == A_CALL && a->a->kind == A_NAME && !builtin) {
        vec in = {0};
        for (int i = 0; i < a->args.len; i++)
            ref_names(VEC_AT(a->args, i, ast *), &in);
        for (int i = 0; i < a->kwargs.len; i++)
            ref_names(VEC_AT(a->kwargs, i, ast *), &in);
        for (int i = 0; i < in.len; i++)
            if (lw_name_in(set, VEC_AT(in, i, const char *)))
                return a;
    }
    given g = {defs, set, NULL};
    ast_any_child(a, AST_ALL & ~AST_PARAMS, given_in, &g); /* not parameter defaults */
    return g.hit;
}

/* lw_append_changed's test for a name bound to the reshape of x (lower_reshape.c), with defs
 * given as arguments taken for the functions they are. */
ast *lw_reshape_changed(lctx *c, const char *x, const char *name, const char **who)
{
    defs_as_args = 0;
    numbers_ctx = c;
    ast *w = lw_append_changed(c, x, name, who);
    defs_as_args = 1;
    numbers_ctx = NULL;
    return w;
}

/* For lower_reshape.c's test of a view read only before its array changes: the names that may
 * hold the array of x or of name (lw_reshape_changed's set), whether statement s changes one
 * of names in place (or calls a def of the program: it may), and whether a mentions one. */
void lw_alias_names(lctx *c, const char *x, const char *name, vec *set)
{
    modules = (vec){0};
    import_names(&c->module_body);
    progdefs = (vec){0};
    for (int i = 0; i < c->module_body.len; i++)
        collect_defs(VEC_AT(c->module_body, i, ast *), &progdefs);
    defs_as_args = 0;
    numbers_ctx = scalars_ctx = c;
    vec_push(set, (void *)x);
    vec_push(set, (void *)name);
    for (int grew = 1; grew;) {
        grew = 0;
        for (int i = 0; i < c->module_body.len; i++)
            alias_close(VEC_AT(c->module_body, i, ast *), NULL, set, &grew);
    }
    defs_as_args = 1;
    numbers_ctx = scalars_ctx = NULL;
}

static int calls_progdef(ast *a, void *unused)
{
    if (!a)
        return 0;
    if (a->kind == A_CALL && a->a && a->a->kind == A_NAME && is_progdef(a->a->name))
        return 1;
    return ast_any_child(a, AST_ALL & ~AST_PARAMS, calls_progdef, unused); /* not parameter defaults */
}

int lw_changes_any(ast *s, vec *names, int calls)
{
    for (int i = 0; i < names->len; i++)
        if (changes_name(s, VEC_AT(*names, i, const char *)))
            return 1;
    return calls && calls_progdef(s, NULL);
}

int lw_mentions_any(ast *a, vec *names)
{
    int scoped = 0;
    for (int i = 0; i < names->len; i++)
        if (mentions(a, VEC_AT(*names, i, const char *), &scoped))
            return 1;
    return 0;
}

ast *lw_append_changed(lctx *c, const char *x, const char *list, const char **who)
{
    modules = (vec){0};
    import_names(&c->module_body);
    progdefs = (vec){0};
    for (int i = 0; i < c->module_body.len; i++)
        collect_defs(VEC_AT(c->module_body, i, ast *), &progdefs);
    vec set = {0};
    vec_push(&set, (void *)x);
    vec_push(&set, (void *)list);
    for (int grew = 1; grew;) {
        grew = 0;
        for (int i = 0; i < c->module_body.len; i++)
            alias_close(VEC_AT(c->module_body, i, ast *), NULL, &set, &grew);
    }
    for (int k = 0; k < set.len; k++)
        for (int i = 0; i < c->module_body.len; i++) {
            /* t += dt of a name that holds a number here makes a new number (names of other
             * scopes spelled alike are taken as the same: an array there keeps the refusal) */
            int unbound;
            binding *b = lw_lookup(c, VEC_AT(set, k, const char *), &unbound);
            aug_rebinds = b && (b->kind == B_SCALAR || (b->kind == B_VALUE && b->val->kind == V_SCALAR));
            ast *w = changes_name(VEC_AT(c->module_body, i, ast *), VEC_AT(set, k, const char *));
            aug_rebinds = 0;
            if (w) {
                *who = VEC_AT(set, k, const char *);
                return w;
            }
        }
    int dc = 0;
    for (int i = 0; i < c->module_body.len; i++)
        dc |= defs_change_params(VEC_AT(c->module_body, i, ast *), NULL);
    if (!dc)
        return NULL;
    vec defs = {0};
    for (int i = 0; i < c->module_body.len; i++)
        def_names(VEC_AT(c->module_body, i, ast *), &defs);
    for (int i = 0; i < c->module_body.len; i++) {
        ast *w = call_given(VEC_AT(c->module_body, i, ast *), &defs, &set);
        if (w) {
            *who = NULL;
            return w;
        }
    }
    return NULL;
}
