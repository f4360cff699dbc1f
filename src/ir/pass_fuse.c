/* pass_fuse.c: consecutive sweeps over the same box become one loop nest.
 *
 * Requires: IR after pass_copysem (modes decided, alias classes set) and pass_dist (layouts).
 * Establishes: runs of consecutive S_SWEEP statements of one block are replaced by an S_FUSED
 * statement whose body holds them in order, when
 *   - every sweep is M_DIRECT and their boxes have the same rank and provably equal extents
 *     (equal symbolic lengths);
 *   - a sweep reads an array that another sweep of the group writes only at the very point
 *     being computed (the same view), so computing all statements point by point gives what
 *     computing them one after the other gives;
 *   - two targets in one array are the same view or provably disjoint;
 *   - no scalar evaluated for a later sweep reads an element of an earlier sweep's target.
 *   - the targets share their part of the box on every rank (ir_dist_aligned: both replicated,
 *     or both distributed with the same block boundaries).
 *   - the group holds at most IR_FUSE_MAX sweeps (the schedule's masks have a bit per target);
 *     a longer run becomes several consecutive groups.
 * Run-time checks (S_CHECK) between the sweeps only read extents and move before the group.
 * Marks a group `aliased` when two of its targets are in one alias class (the same view written
 * twice, disjoint parts of one array, or slots that may share a buffer): its kernel gets pointers
 * into the same memory, which must not be restrict.
 * Breaks: nothing.
 */
#include "ir.h"

static int same_view(ir_view *a, ir_view *b)
{
    ir_expr ea = {.kind = E_READ, .type = a->arr->type, .view = a};
    ir_expr eb = {.kind = E_READ, .type = b->arr->type, .view = b};
    return ir_expr_equal(&ea, &eb);
}

/* Reads of slots of target t's alias class in e: each must be t's own view (pointwise). */
static int pointwise_only(ir_expr *e, ir_view *t)
{
    if (!e)
        return 1;
    if (e->kind == E_READ) {
        ir_var *a = e->view->arr;
        if (a->alias_class == t->arr->alias_class && !(a == t->arr && same_view(e->view, t)))
            return 0;
        return 1;
    }
    if (e->kind == E_ELEM && e->var->alias_class == t->arr->alias_class)
        return 0;
    for (int i = 0; i < e->nargs; i++)
        if (!pointwise_only(e->args[i], t))
            return 0;
    return pointwise_only(e->a, t) && pointwise_only(e->b, t) && pointwise_only(e->cc, t);
}



/* Can sweep s join the group g (sweeps already in it, in order)? */
static int joins(vec *g, ir_stmt *s)
{
    if (s->kind != S_SWEEP || s->mode != M_DIRECT || s->stages.len) /* tiled on its own */
        return 0;
    if (g->len >= IR_FUSE_MAX)
        return 0;
    ir_stmt *first = VEC_AT(*g, 0, ir_stmt *);
    if (!ir_same_box(first, s) || !ir_dist_aligned(first->target, s->target))
        return 0;
    for (int i = 0; i < g->len; i++) {
        ir_stmt *p = VEC_AT(*g, i, ir_stmt *);
        /* s reads what p wrote only at the point; p read what s writes only at the point */
        if (!pointwise_only(s->e, p->target) || !pointwise_only(p->e, s->target))
            return 0;
        if (p->target->arr->alias_class == s->target->arr->alias_class &&
            !(p->target->arr == s->target->arr &&
              (same_view(p->target, s->target) || ir_views_disjoint(p->target, s->target))))
            return 0;
    }
    return 1;
}

static void block(vec *body)
{
    vec out = {0};
    for (int i = 0; i < body->len;) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        block(&s->body);
        block(&s->orelse);
        if (s->kind != S_SWEEP || s->mode != M_DIRECT || s->stages.len) {
            vec_push(&out, s);
            i++;
            continue;
        }
        vec g = {0}, checks = {0};
        vec_push(&g, s);
        int j = i + 1;
        for (; j < body->len; j++) {
            ir_stmt *n = VEC_AT(*body, j, ir_stmt *);
            if (n->kind == S_CHECK) {
                vec_push(&checks, n);
                continue;
            }
            if (!joins(&g, n))
                break;
            vec_push(&g, n);
        }
        /* trailing checks belong to what follows the group */
        int used = j;
        while (checks.len && used > i && VEC_AT(*body, used - 1, ir_stmt *)->kind == S_CHECK) {
            used--;
            checks.len--;
        }
        if (g.len == 1) {
            vec_push(&out, s);
            i++;
            continue;
        }
        for (int k = 0; k < checks.len; k++)
            vec_push(&out, checks.items[k]);
        ir_stmt *f = ir_stmt_new(S_FUSED, s->l);
        f->body = g;
        for (int a = 0; a < g.len; a++)
            for (int b = a + 1; b < g.len; b++)
                if (VEC_AT(g, a, ir_stmt *)->target->arr->alias_class ==
                    VEC_AT(g, b, ir_stmt *)->target->arr->alias_class)
                    f->aliased = 1;
        vec_push(&out, f);
        i = used;
    }
    *body = out;
}

void pass_fuse(ir_program *p) { block(&p->body); }
