/* lower_order.c: Python's left-to-right evaluation of the operands of one expression.
 *
 * Python evaluates operands left to right, each to a value fixed when it is evaluated. The
 * lowering returns an operand as an expression that is read when the statement runs, and a call
 * among the later operands emits its statements (an inlined def, list.pop, a draw) before that
 * statement. An earlier operand that reads what those statements write (a global a def
 * increments, a list's count that pop() lowers, an element a def stores into, the variable an
 * inlined def returns and its next call changes) would see the later call's effect:
 * print(k, f(), k) printed 1 1 1. lw_pin_at reads such an operand into a temporary at the
 * point where it was evaluated, before the later statements.
 *
 * Requires: `at` was c->out->len just after the operand was lowered, and the statements emitted
 * since then are the later operands' (the same c->out).
 * Establishes: the operand's value is the one it had at `at`. Where no statement was emitted
 * after `at`, or none writes what the operand reads (every operand free of calls with effects),
 * the operand and the statements are left as they are: the generated code does not change.
 * An array operand computed by an expression (h * 2) is computed into a temporary there; one
 * that is an array itself (h, h[1:]) is the object, which sees the call's updates as in Python.
 * A name whose type changes at run time (dynvar) is pinned as its int, float and tag.
 *
 * Also here, the rest of Python's order within a statement: the operands Python skips (and/or's
 * right operand, the branch of x if c else y not taken) lowered as an if's branches
 * (lw_skip_begin/else/end), and an augmented assignment's index items lowered before its value
 * (lw_index_first, lw_index_pin). */
#include "lower_internal.h"

#include <string.h>

/* Push onto w every variable (scalar or slot) the statements body[from, to) write. */
static void writes_of(vec *body, int from, int to, vec *w)
{
    for (int i = from; i < to; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        switch (s->kind) {
        case S_BIND:
            for (int k = 0; k < s->n; k++)
                vec_push(w, s->dst[k]);
            break;
        case S_SWEEP: vec_push(w, s->target->arr); break;
        case S_ROTATE:
            vec_push(w, s->var);
            vec_push(w, s->src_slot);
            break;
        default:
            if (s->var)
                vec_push(w, s->var);
            break;
        }
        writes_of(&s->body, 0, s->body.len, w);
        writes_of(&s->orelse, 0, s->orelse.len, w);
    }
}

int lw_body_writes(vec *body, const ir_var *v)
{
    vec w = {0};
    writes_of(body, 0, body->len, &w);
    for (int i = 0; i < w.len; i++)
        if (VEC_AT(w, i, ir_var *) == v)
            return 1;
    return 0;
}

static int reads_written(const ir_expr *e, void *ctx)
{
    const vec *w = ctx;
    const ir_var *v = e->kind == E_READ ? e->view->arr
                      : e->kind == E_VAR || e->kind == E_SHAPE || e->kind == E_ELEM ? e->var : NULL;
    if (!v)
        return 0;
    for (int i = 0; i < w->len; i++)
        if (VEC_AT(*w, i, const ir_var *) == v)
            return 1;
    return 0;
}

static void insert_at(vec *body, int at, ir_stmt *s)
{
    vec_push(body, s);
    memmove(&body->items[at + 1], &body->items[at], sizeof(void *) * (size_t)(body->len - 1 - at));
    body->items[at] = s;
}

static value *pin(lctx *c, value *v, int at, vec *w)
{
    if (v->kind == V_TUPLE || v->kind == V_FSTR) {
        value *r = NULL;
        for (int i = 0; i < v->n; i++)
            lw_item_replace(&r, v, i, pin(c, v->items[i], at, w));
        return r ? r : v;
    }
    if (v->kind == V_ARRAY && !v->fresh && v->e->kind != E_READ && ir_expr_any(v->e, reads_written, w)) {
        /* h * 2 + g() with g updating h: NumPy computed h * 2 before the call (an array read
         * as it is, h + g(), is the object itself, and sees the update, as in Python) */
        vec *saved = c->out, scratch = {0};
        c->out = &scratch;
        value *m = lw_materialize(c, v);
        c->out = saved;
        for (int i = 0; i < scratch.len; i++)
            insert_at(c->out, at + i, scratch.items[i]);
        return m;
    }
    if (v->kind != V_SCALAR || v->e->kind == E_CONST || !ir_expr_any(v->e, reads_written, w))
        return v;
    if (v->dyn) { /* a name of changing type: its int, float and tag, copied */
        dynvar *td = NEW(dynvar);
        td->name = "<temporary>";
        td->i = lw_temp_scalar(c, T_I64);
        td->f = lw_temp_scalar(c, T_F64);
        td->tag = lw_temp_scalar(c, T_BOOL);
        ir_var *from[3] = {v->dyn->i, v->dyn->f, v->dyn->tag}, *to[3] = {td->i, td->f, td->tag};
        for (int k = 0; k < 3; k++) {
            ir_stmt *a = ir_stmt_new(S_ASSIGN, v->l);
            a->var = to[k];
            a->e = ir_varref(v->l, from[k]);
            insert_at(c->out, at + k, a);
        }
        value *nv = lw_vnew(V_SCALAR, v->l);
        *nv = *v;
        nv->e = ir_select(v->l, T_F64, ir_varref(v->l, td->tag), ir_varref(v->l, td->f),
                          ir_cast(v->l, T_F64, ir_varref(v->l, td->i)));
        nv->dyn = td;
        return nv;
    }
    ir_var *tv = lw_temp_scalar(c, v->type);
    ir_stmt *a = ir_stmt_new(S_ASSIGN, v->l);
    a->var = tv;
    a->e = v->e;
    insert_at(c->out, at, a);
    value *nv = lw_vnew(V_SCALAR, v->l);
    *nv = *v;
    nv->e = ir_varref(v->l, tv);
    return nv;
}

value *lw_pin_span(lctx *c, value *v, int at, int end)
{
    if (!v || at >= end)
        return v;
    vec w = {0};
    if (end < c->out->len) {
        /* v was lowered after `end` (an augmented assignment's target after its value): moved
         * before `at`, it must not read what the statements since `end` compute */
        if (v->kind != V_SCALAR)
            return v;
        writes_of(c->out, end, c->out->len, &w);
        if (ir_expr_any(v->e, reads_written, &w))
            return v;
        w.len = 0;
    }
    writes_of(c->out, at, end, &w);
    return w.len ? pin(c, v, at, &w) : v;
}

value *lw_pin_at(lctx *c, value *v, int at)
{
    return lw_pin_span(c, v, at, c->out->len);
}

void lw_pin_operands(lctx *c, value **vs, const int *marks, int n)
{
    for (int i = n - 2; i >= 0; i--)
        vs[i] = lw_pin_at(c, vs[i], marks[i]);
}

/* ---- operands Python skips ------------------------------------------------------------------
 * `n > 0 and pop_item() > 3` calls pop_item only when n > 0, `f() if flag else g()` one of
 * them: the skipped operand's statements (an inlined def's stores, a list's pop, a draw, a
 * print) run under an if, and what it binds (a global the def sets) is merged with the
 * bindings before it as an if's branches are. Bindings are restored in place (the caller may
 * hold one across the operand). An operand that emits no statement and binds nothing is left
 * as it was, so the C of expressions without such calls does not change. */

static void scope_save(scope *sc, vec *ptrs, vec *copies)
{
    *ptrs = *copies = (vec){0};
    for (int i = 0; i < sc->binds.len; i++) {
        binding *b = NEW(binding);
        *b = *VEC_AT(sc->binds, i, binding *);
        vec_push(ptrs, sc->binds.items[i]);
        vec_push(copies, b);
    }
}

static void scope_restore(scope *sc, vec *ptrs, vec *copies)
{
    sc->binds.len = 0;
    lw_scope_changed(sc);
    for (int i = 0; i < ptrs->len; i++) {
        binding *b = VEC_AT(*ptrs, i, binding *);
        *b = *VEC_AT(*copies, i, binding *);
        vec_push(&sc->binds, b);
    }
}

void lw_skip_begin(lctx *c, lw_skip *k, loc l, ir_expr *when, const char *what)
{
    memset(k, 0, sizeof *k);
    k->what = what;
    k->st = ir_stmt_new(S_IF, l);
    k->st->e = when;
    k->fsc = c->sc;
    scope_save(c->sc, &k->ptrs, &k->copies);
    k->inner = c->sc != c->module && c->module;
    if (k->inner)
        lw_module_save(c, &k->mptrs, &k->mcopies);
    k->saved_out = c->out;
    vec_push(&c->skip_outs, c->out);
    c->out = &k->st->body;
    c->branches++;
}

void lw_skip_else(lctx *c, lw_skip *k)
{
    vec ignored;
    scope_save(c->sc, &ignored, &k->then_binds);
    scope_restore(c->sc, &k->ptrs, &k->copies);
    if (k->inner) {
        lw_module_save(c, &ignored, &k->mthen);
        lw_module_restore(c, &k->mptrs, &k->mcopies);
    }
    c->out = &k->st->orelse;
    k->has_else = 1;
}

void lw_skip_end(lctx *c, lw_skip *k)
{
    if (!k->has_else)
        lw_skip_else(c, k);
    c->out = k->saved_out;
    c->skip_outs.len--;
    c->branches--;
    int split = c->split.len; /* a name left ambiguous is refused where it is read */
    const char *merging = c->merging;
    c->merging = k->what;
    lw_merge_branches(c, k->st, k->then_binds);
    if (k->inner && c->sc == k->fsc) {
        c->sc = c->module;
        lw_merge_branches(c, k->st, k->mthen);
        c->sc = k->fsc;
    }
    c->merging = merging;
    c->split.len = split;
    ir_stmt *st = k->st;
    if (!st->body.len && st->orelse.len) { /* `x or f()`, `0 if c else f()`: if (!c) f() */
        st->e = ir_un(st->l, OP_LNOT, T_BOOL, st->e);
        st->body = st->orelse;
        st->orelse = (vec){0};
    }
    if (st->body.len)
        lw_emit(c, st);
}

/* ---- a[i, j] op= v: the target's indices before v -------------------------------------------
 * Python evaluates an augmented assignment's target (its object and index items) before the
 * value, and reads the item then: a[k] += f() with f changing k updates the old a[k]. The
 * lowering takes the value first, so the index items that are not literals are lowered here,
 * before it, each bound to a hidden name the target then reads (lw_index_pin fixes them against
 * the value's statements). Only where a call appears in the value or an index (nothing else
 * changes a name), so other statements lower as before. */

static int has_call(ast *a, void *unused)
{
    (void)unused;
    return lw_has_call(a);
}
int lw_has_call(const ast *a)
{
    if (!a)
        return 0;
    if (a->kind == A_CALL)
        return 1;
    return ast_any_child(a, AST_OPERANDS, has_call, NULL);
}

static int literal(const ast *a)
{
    if (!a)
        return 1;
    if (a->kind == A_UNOP && (a->op == '-' || a->op == '+'))
        return literal(a->a);
    return a->kind == A_INT || a->kind == A_FLOAT || a->kind == A_BOOL || a->kind == A_NONE ||
           a->kind == A_STR || (a->kind == A_NAME && strcmp(a->name, "Ellipsis") == 0);
}

static ast *held_item(lctx *c, ast *it, lw_held *h)
{
    static int serial;
    if (literal(it))
        return it;
    value *v = lw_expr(c, it);
    const char *name = arena_printf(&util_arena, "%%item%d", serial++);
    binding *b = lw_bind(c, name);
    b->kind = B_VALUE;
    b->val = v;
    vec_push(&h->names, (void *)name);
    vec_push(&h->marks, (void *)(intptr_t)c->out->len);
    return ast_name(it->l, name);
}

static ast *held_subscript(lctx *c, ast *t, lw_held *h)
{
    ast *r = ast_new(A_SUBSCRIPT, t->l);
    *r = *t;
    if (t->a && t->a->kind == A_SUBSCRIPT) /* a[k][j] += f(): a[k] first */
        r->a = held_subscript(c, t->a, h);
    r->args = (vec){0};
    for (int i = 0; i < t->args.len; i++) {
        ast *it = VEC_AT(t->args, i, ast *);
        if (it->kind == A_SLICE) {
            ast *s = ast_new(A_SLICE, it->l);
            *s = *it;
            s->a = held_item(c, it->a, h);
            s->b = held_item(c, it->b, h);
            s->c = held_item(c, it->c, h);
            it = s;
        } else
            it = held_item(c, it, h);
        vec_push(&r->args, it);
    }
    return r;
}

ast *lw_index_first(lctx *c, ast *t, ast *value_ast, lw_held *h)
{
    *h = (lw_held){0};
    if (!t || t->kind != A_SUBSCRIPT || (!lw_has_call(value_ast) && !lw_has_call(t)))
        return t;
    return held_subscript(c, t, h);
}

int lw_index_pin(lctx *c, lw_held *h)
{
    int before = c->out->len;
    for (int i = h->names.len - 1; i >= 0; i--) {
        binding *b = lw_find_in(lw_name_scope(c, VEC_AT(h->names, i, const char *)),
                                VEC_AT(h->names, i, const char *));
        if (b && b->kind == B_VALUE)
            b->val = lw_pin_at(c, b->val, (int)(intptr_t)h->marks.items[i]);
    }
    return c->out->len - before;
}
