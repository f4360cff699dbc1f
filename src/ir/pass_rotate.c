/* pass_rotate.c: `un = u.copy()` followed by an update of u becomes a buffer hand-over.
 *
 * Requires: IR after pass_inline_temps (before pass_copysem, which recomputes sweep modes).
 * Establishes: an S_ALLOC copy X = Y.copy() at the top level of a block, immediately followed
 * (run-time checks aside) by a sweep S writing a step-1 view V of Y, becomes S_ROTATE:
 *     X takes Y's buffer, Y gets a new buffer (from the pool: usually X's previous one), and
 *     the elements of Y outside V are copied back from X;
 * and S reads X wherever it read Y (X holds exactly Y's values at that point). The copy of the
 * whole array becomes a copy of what S does not overwrite (the boundary ring of an interior
 * update), as a hand-written solver swaps pointers. Only when no other slot may hold Y's
 * buffer (its alias class is Y alone: a name bound to u with `w = u` must keep seeing u's
 * updates), and statements between the copy and S may read X but not touch Y or write X.
 * Breaks: sweep modes (pass_copysem runs after).
 */
#include "ir.h"

static void count_class(ir_expr *e, ir_var *y, vec *seen)
{
    if (!e)
        return;
    ir_var *v = NULL;
    if (e->kind == E_READ)
        v = e->view->arr;
    else if (e->kind == E_SHAPE || e->kind == E_ELEM)
        v = e->var;
    if (v && v != y && v->is_array && v->alias_class == y->alias_class) {
        int found = 0;
        for (int i = 0; i < seen->len; i++)
            found |= seen->items[i] == v;
        if (!found)
            vec_push(seen, v);
    }
    for (int i = 0; i < e->nargs; i++)
        count_class(e->args[i], y, seen);
    count_class(e->a, y, seen);
    count_class(e->b, y, seen);
    count_class(e->cc, y, seen);
}

static void class_block(vec *body, ir_var *y, vec *seen)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        ir_var *vs[4] = {s->var, s->src_slot, s->target ? s->target->arr : NULL, NULL};
        for (int k = 0; s->kind == S_BIND && k < s->n; k++) {
            vs[0] = s->dst[k];
            vs[1] = s->srcs[k];
            for (int j = 0; j < 2; j++)
                if (vs[j] != y && vs[j]->alias_class == y->alias_class)
                    vec_push(seen, vs[j]);
        }
        for (int j = 0; j < 3; j++)
            if (vs[j] && vs[j] != y && vs[j]->is_array && vs[j]->alias_class == y->alias_class)
                vec_push(seen, vs[j]);
        count_class(s->e, y, seen);
        class_block(&s->body, y, seen);
        class_block(&s->orelse, y, seen);
    }
}

/* Number of other slots in Y's alias class anywhere in the program. */
static int class_size(vec *body, ir_var *y)
{
    vec seen = {0};
    class_block(body, y, &seen);
    return seen.len;
}

/* Reads of Y in e (views and single elements) become reads of X. */
static void redirect(ir_expr *e, ir_var *y, ir_var *x)
{
    if (!e)
        return;
    if (e->kind == E_ELEM && e->var == y)
        e->var = x;
    if (e->kind == E_READ && e->view->arr == y) {
        ir_view *v = ir_view_clone(e->view);
        v->arr = x;
        e->view = v;
    }
    for (int i = 0; i < e->nargs; i++)
        redirect(e->args[i], y, x);
    redirect(e->a, y, x);
    redirect(e->b, y, x);
    redirect(e->cc, y, x);
}



/* Does s write slot v (or, with reads, read it too)? Nested statements count. */
static int stmt_mentions(ir_stmt *s, ir_var *v, int reads)
{
    if ((s->var == v && s->kind != S_REDUCE && s->kind != S_ASSIGN) || (s->target && s->target->arr == v))
        return 1;
    for (int k = 0; s->kind == S_BIND && k < s->n; k++)
        if (s->dst[k] == v || (reads && s->srcs[k] == v))
            return 1;
    if (reads) {
        if (s->src_slot == v || ir_expr_reads_slot(s->e, v) || ir_expr_reads_slot(s->e2, v) || ir_expr_reads_slot(s->e3, v))
            return 1;
        for (int k = 0; (s->kind == S_PRINT || s->kind == S_SETELEM) && k < s->n; k++)
            if ((s->kind != S_PRINT || IR_PRINT_EXPR(s, k)) && ir_expr_reads_slot(s->args[k], v))
                return 1;
        for (int k = 0; s->kind == S_PRINT && k < s->n; k++)
            if (ir_print_slot(s, k) == v)
                return 1;
        if (s->kind == S_SAVE && s->var == v)
            return 1;
    }
    for (int i = 0; i < s->body.len; i++)
        if (stmt_mentions(VEC_AT(s->body, i, ir_stmt *), v, reads))
            return 1;
    for (int i = 0; i < s->orelse.len; i++)
        if (stmt_mentions(VEC_AT(s->orelse, i, ir_stmt *), v, reads))
            return 1;
    return 0;
}

static void block(ir_program *p, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        block(p, &s->body);
        block(p, &s->orelse);
        if (s->kind != S_ALLOC || s->init != 3)
            continue;
        ir_var *x = s->var, *y = s->src_slot;
        if (x == y)
            continue;
        /* statements before the update of Y may read X (it equals Y) but not touch Y */
        int j = i + 1;
        while (j < body->len) {
            ir_stmt *n = VEC_AT(*body, j, ir_stmt *);
            if (n->kind == S_CHECK || (!stmt_mentions(n, y, 1) && !stmt_mentions(n, x, 0))) {
                j++;
                continue;
            }
            break;
        }
        if (j >= body->len)
            continue;
        ir_stmt *w = VEC_AT(*body, j, ir_stmt *);
        if (w->kind != S_SWEEP || w->target->arr != y || w->fresh)
            continue;
        int ok = 1;
        for (int d = 0; d < w->target->rank && ok; d++)
            ok = w->target->dim[d].kind == D_FIXED || w->target->dim[d].step_c == 1;
        if (!ok || class_size(&p->body, y))
            continue;
        /* the sweep's value sees X where it saw Y */
        redirect(w->e, y, x);
        s->kind = S_ROTATE;
        s->target = w->target;
    }
}

void pass_rotate(ir_program *p)
{
    ir_alias_classes(p);
    block(p, &p->body);
}
