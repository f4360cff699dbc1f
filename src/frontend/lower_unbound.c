/* lower_unbound.c: the reads that may find their name unbound.
 *
 * Python binds a name when the statement that assigns it runs: after `if c: x = 1`, or after a
 * loop whose body assigns x and that may run zero times, reading x raises NameError (in a def,
 * UnboundLocalError) when the path that binds it did not run. The lowering keeps one bool per
 * such name, cleared where the scope starts and set after each statement assigning it, checked
 * at the reads this pass marks (ast.maybe_unbound), so such a program stops with Python's
 * message instead of printing whatever the variable held.
 *
 * A flow pass over one scope (the module, or a def's body): the names bound on every path so
 * far, through if/else (both branches), loops (their bodies may not run; `while True` leaves
 * only by its breaks) and the statements that leave a block (break, continue, return, raise).
 * Requires: nothing but the syntax tree. Establishes: a read that can find its name unbound is
 * marked, for every name whose bindings are all assignments (augmented ones too) or for
 * targets; names bound by a def, an import or a function's `global` are left out. Reads that
 * Python evaluates only sometimes (a conditional expression's branches, the right operand of
 * and/or, an assert's message) are marked too: the lowering checks them where they are
 * lowered, under the if that runs such an operand only when Python evaluates it (lw_skip). A comprehension's clauses and element are walked with
 * its own variables bound; it is unrolled when compiling, so an element is checked once per
 * item it has (never, when it has none). A marked read that can never find its name unbound only
 * costs a test that never fires. */

#include "lower_internal.h"

#include <string.h>

typedef struct flow {
    nameset d; /* the names bound on every path to here */
    int dead; /* no path reaches here (after break, continue, return, raise) */
} flow;

typedef struct uctx {
    nameset local; /* names this pass follows */
    nameset *out;  /* names of the marked reads */
    flow *brk;  /* the innermost `while True`: the names bound at every break, or NULL */
    int brk_any;
} uctx;

static flow flow_copy(const flow *f)
{
    flow r = {lw_nameset_copy(&f->d), f->dead};
    return r;
}

static void add_name(nameset *v, const char *n) { lw_nameset_add(v, n); }

/* The names bound on every path of both: a path that cannot reach the join adds nothing. */
static flow flow_join(const flow *a, const flow *b)
{
    if (a->dead)
        return flow_copy(b);
    if (b->dead)
        return flow_copy(a);
    flow r = {{{0}, {0}}, 0};
    for (int i = 0; i < a->d.v.len; i++)
        if (lw_nameset_has(&b->d, VEC_AT(a->d.v, i, const char *)))
            lw_nameset_add(&r.d, VEC_AT(a->d.v, i, const char *));
    return r;
}

static void walk_expr(uctx *u, ast *e, flow *f, int mark);

static void walk_list(uctx *u, vec *v, flow *f, int mark)
{
    for (int i = 0; i < v->len; i++)
        walk_expr(u, VEC_AT(*v, i, ast *), f, mark);
}

static void walk_expr(uctx *u, ast *e, flow *f, int mark)
{
    if (!e)
        return;
    switch (e->kind) {
    case A_NAME:
        if (mark && !f->dead && lw_nameset_has(&u->local, e->name) && !lw_nameset_has(&f->d, e->name)) {
            e->maybe_unbound = 1;
            add_name(u->out, e->name);
        }
        return;
    case A_BOOLOP:
        walk_expr(u, e->a, f, mark);
        walk_expr(u, e->b, f, mark);
        return;
    case A_IFEXP:
        walk_expr(u, e->b, f, mark);
        walk_expr(u, e->a, f, mark);
        walk_expr(u, e->c, f, mark);
        return;
    case A_LAMBDA:
        for (int i = 0; i < e->params.len; i++)
            walk_expr(u, VEC_AT(e->params, i, ast *)->a, f, mark);
        return;
    case A_COMP: { /* its variables are its own: bound inside it, whatever they are outside */
        flow in = flow_copy(f);
        for (int i = 0; i < e->args.len; i++) {
            ast *cl = VEC_AT(e->args, i, ast *);
            walk_expr(u, cl->a, &in, mark);
            if (cl->kind == A_FOR) {
                vec names = {0};
                lw_target_names(cl->b, &names);
                for (int k = 0; k < names.len; k++)
                    add_name(&in.d, VEC_AT(names, k, const char *));
            }
        }
        walk_expr(u, e->a, &in, mark);
        return;
    }
    default:
        walk_expr(u, e->a, f, mark);
        walk_expr(u, e->b, f, mark);
        walk_expr(u, e->c, f, mark);
        walk_list(u, &e->args, f, mark);
        walk_list(u, &e->kwargs, f, mark);
        return;
    }
}

/* An assignment target: the reads in it (u[i] = ... reads u and i), then its names bound. */
static void walk_target(uctx *u, ast *t, flow *f)
{
    if (!t)
        return;
    if (t->kind == A_NAME) {
        add_name(&f->d, t->name);
    } else if (t->kind == A_TUPLE || t->kind == A_LIST) {
        for (int i = 0; i < t->args.len; i++)
            walk_target(u, VEC_AT(t->args, i, ast *), f);
    } else if (t->kind == A_STARRED) {
        walk_target(u, t->a, f);
    } else {
        walk_expr(u, t, f, 1);
    }
}

static void walk_block(uctx *u, vec *stmts, flow *f);

/* A loop: its body from the entry (it may not run), then its else clause; `while True`
 * without an else leaves only by a break. */
static void walk_loop(uctx *u, ast *s, flow *f, int forever)
{
    flow body = flow_copy(f);
    if (s->kind == A_FOR)
        walk_target(u, s->b, &body);
    flow *outer_brk = u->brk;
    int outer_any = u->brk_any;
    flow brk = {{{0}, {0}}, 1};
    u->brk = forever ? &brk : NULL;
    u->brk_any = 0;
    walk_block(u, &s->body, &body);
    u->brk = outer_brk;
    u->brk_any = outer_any;
    if (forever && s->orelse.len == 0) {
        *f = brk; /* dead when no break leaves it */
        return;
    }
    flow after = flow_copy(f);
    walk_block(u, &s->orelse, &after);
    if (!after.dead)
        *f = after;
}

static void walk_stmt(uctx *u, ast *s, flow *f)
{
    switch (s->kind) {
    case A_EXPR_STMT:
    case A_YIELD:
        walk_expr(u, s->a, f, 1);
        if (lw_is_exit_stmt(s))
            f->dead = 1;
        break;
    case A_ASSIGN:
        walk_expr(u, s->a, f, 1);
        for (int k = 0; k < s->targets.len; k++)
            walk_target(u, VEC_AT(s->targets, k, ast *), f);
        break;
    case A_AUGASSIGN:
        walk_expr(u, s->a, f, 1);
        walk_expr(u, s->b, f, 1);
        walk_target(u, s->b, f);
        break;
    case A_IF: {
        walk_expr(u, s->a, f, 1);
        if (s->a->kind == A_BOOL && s->a->ival && !s->orelse.len) { /* with np.errstate(): */
            walk_block(u, &s->body, f);
            break;
        }
        flow t = flow_copy(f), e = flow_copy(f);
        walk_block(u, &s->body, &t);
        walk_block(u, &s->orelse, &e);
        *f = flow_join(&t, &e);
        break;
    }
    case A_FOR:
        walk_expr(u, s->a, f, 1);
        walk_loop(u, s, f, 0);
        break;
    case A_WHILE: {
        int forever = (s->a->kind == A_BOOL || s->a->kind == A_INT) && s->a->ival != 0;
        walk_expr(u, s->a, f, 1);
        walk_loop(u, s, f, forever);
        break;
    }
    case A_BREAK:
        if (u->brk && !f->dead) {
            *u->brk = u->brk_any ? flow_join(u->brk, f) : flow_copy(f);
            u->brk_any = 1;
        }
        f->dead = 1;
        break;
    case A_CONTINUE:
        f->dead = 1;
        break;
    case A_RETURN:
    case A_RAISE:
        walk_expr(u, s->a, f, 1);
        f->dead = 1;
        break;
    case A_ASSERT:
        walk_expr(u, s->a, f, 1);
        walk_expr(u, s->b, f, 1);
        break;
    case A_DEF:
        for (int i = 0; i < s->params.len; i++)
            walk_expr(u, VEC_AT(s->params, i, ast *)->a, f, 1);
        break;
    default:
        break;
    }
}

static void walk_block(uctx *u, vec *stmts, flow *f)
{
    for (int i = 0; i < stmts->len; i++)
        walk_stmt(u, VEC_AT(*stmts, i, ast *), f);
}

/* Names bound other than by an assignment or a for target: never followed. */
static void other_bindings(vec *stmts, nameset *out)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        switch (s->kind) {
        case A_FOR:
        case A_WHILE:
        case A_IF:
            other_bindings(&s->body, out);
            other_bindings(&s->orelse, out);
            break;
        case A_DEF: add_name(out, s->name); break;
        case A_OTHER_STMT: /* class NAME (lower_class.c) */
            if (s->name && strcmp(s->str, "class") == 0)
                add_name(out, s->name);
            break;
        case A_IMPORT: add_name(out, s->str ? s->str : s->name); break;
        case A_FROM_IMPORT:
            for (int k = 0; k < s->args.len; k++) {
                ast *n = VEC_AT(s->args, k, ast *);
                add_name(out, n->str ? n->str : n->name);
            }
            break;
        case A_GLOBAL:
            for (int k = 0; k < s->args.len; k++)
                add_name(out, VEC_AT(s->args, k, ast *)->name);
            break;
        default: break;
        }
    }
}

/* The names of the reads in stmts that may find their name unbound, bound[] being bound at the
 * start; also_other: names bound elsewhere (a function's global writes), never followed. */
static void unbound_reads(vec *stmts, int nbound, const char *const *bound, vec *also_other, nameset *out)
{
    uctx u = {{{0}, {0}}, out, NULL, 0};
    vec assigned = {0};
    nameset other = {{0}, {0}};
    lw_assigned_names(stmts, &assigned);
    other_bindings(stmts, &other);
    for (int i = 0; also_other && i < also_other->len; i++)
        add_name(&other, VEC_AT(*also_other, i, const char *));
    for (int i = 0; i < assigned.len; i++) {
        const char *n = VEC_AT(assigned, i, const char *);
        if (!lw_nameset_has(&other, n) && !strchr(n, '.'))
            lw_nameset_add(&u.local, n);
    }
    flow f = {{{0}, {0}}, 0};
    for (int i = 0; i < nbound; i++)
        add_name(&f.d, bound[i]);
    walk_block(&u, stmts, &f);
}

/* ---- in the lowering: the flags -------------------------------------------------------- */

static ir_var *flag_of(scope *sc, const char *name)
{
    for (int i = 0; sc && i < sc->unbound.len; i++)
        if (strcmp(VEC_AT(sc->unbound, i, ir_var *)->pyname, name) == 0)
            return VEC_AT(sc->unbound, i, ir_var *);
    return NULL;
}

static void set_flag(lctx *c, loc l, ir_var *flag, int v)
{
    ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
    s->var = flag;
    s->e = ir_const_i(l, T_BOOL, v);
    lw_emit(c, s);
}

void lw_unbound_begin(lctx *c, loc l, vec *stmts, int nbound, const char *const *bound)
{
    nameset names = {{0}, {0}};
    unbound_reads(stmts, nbound, bound, c->sc == c->module ? &c->global_writes : NULL, &names);
    for (int i = 0; i < names.v.len; i++) {
        const char *n = VEC_AT(names.v, i, const char *);
        if (flag_of(c->sc, n))
            continue;
        const char *base = arena_printf(&util_arena, "%s%sbound_%s", c->sc->prefix ? c->sc->prefix : "",
                                        c->sc->prefix ? "_" : "", n);
        ir_var *flag = ir_var_new(c->prog, lw_cname(c, base), n, T_BOOL, 0, 0);
        vec_push(&c->sc->unbound, flag);
        set_flag(c, l, flag, 0);
    }
}

/* After an assignment statement: its names are bound. Set here, after the whole statement,
 * rather than where each binding is made, because a statement binds its names by several
 * paths (a tuple of arrays is rebound at once, a list or dict item by its own) and the flag
 * must follow the statement, not any one of them. */
void lw_unbound_assigned(lctx *c, ast *s)
{
    if (!c->sc->unbound.len)
        return;
    vec names = {0};
    if (s->kind == A_ASSIGN)
        for (int k = 0; k < s->targets.len; k++)
            lw_target_names(VEC_AT(s->targets, k, ast *), &names);
    else if (s->kind == A_AUGASSIGN)
        lw_target_names(s->b, &names);
    for (int i = 0; i < names.len; i++) {
        ir_var *flag = flag_of(c->sc, VEC_AT(names, i, const char *));
        if (flag)
            set_flag(c, s->l, flag, 1);
    }
}

/* At the top of a for loop's body (or of each unrolled iteration): its target is bound. */
void lw_unbound_target(lctx *c, ast *target)
{
    if (!c->sc->unbound.len)
        return;
    vec names = {0};
    lw_target_names(target, &names);
    for (int i = 0; i < names.len; i++) {
        ir_var *flag = flag_of(c->sc, VEC_AT(names, i, const char *));
        if (flag)
            set_flag(c, target->l, flag, 1);
    }
}

void lw_unbound_check(lctx *c, ast *a)
{
    ir_var *flag = flag_of(c->sc, a->name);
    if (!flag)
        return;
    ir_expr *unset = ir_un(a->l, OP_LNOT, T_BOOL, ir_varref(a->l, flag));
    scope *owner = c->sc; /* a comprehension's scope checks the names of the one it stands in */
    while (owner != c->module && !owner->is_function && owner->parent)
        owner = owner->parent;
    const char *msg = owner == c->module
                          ? arena_printf(&util_arena, "NameError: name '%s' is not defined", a->name)
                          : arena_printf(&util_arena, "UnboundLocalError: cannot access local variable "
                                                      "'%s' where it is not associated with a value",
                                         a->name);
    lw_emit_raise(c, a->l, unset, msg);
}
