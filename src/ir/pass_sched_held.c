/* pass_sched_held.c: element reads of a distributed array in replicated code, gathered once.
 *
 * Every rank runs the scalar code, so an element read of a distributed array (E_ELEM) is a
 * broadcast from the element's owner (tyl_elem_get): one collective per element. The lowering
 * reads whole arrays that way in loops of its own or the program's: a.flatten(), a.ravel() and
 * a.reshape(...) copies, np.unique, np.sort/argsort/median/percentile of a copy of the
 * array, gathers by index arrays (q[idx]) and scalar loops over an array's elements. pass_dist
 * keeps such an array distributed when the loop is not nested (the stencils that write it stay
 * split over the ranks), so an (n, n) field flattened cost n * n broadcasts (tens of seconds at
 * 3 ranks for a 512 x 512 image).
 *
 * Here a loop that reads elements of a distributed slot X and writes no slot of X's alias
 * class anywhere in its body (no sweep or element store into it, no binding, rotation,
 * allocation, load, draw or transform of it) is marked: it runs between tyl_held_begin and
 * tyl_held_end (a hold per slot), and its element reads of X go through the hold (tyl_held_get), which after a
 * few reads (the run time's rule, the same on every rank: about as many as one gather of the
 * array costs) gathers X whole onto every rank once (tyl_dist_whole: one collective of the
 * blocks in order) and then reads the copy. The values are the elements themselves, so the
 * results are bitwise those of the broadcasts. The outermost such loop is marked for X.
 *
 * Not marked: the C target's checkpointed time loops (a restart or an in-process rescale
 * enters them past tyl_held_begin, on the new ranks only: their loops nested inside are marked
 * as usual), the CUDA target (device arrays), and loops of functions other than main()
 * (only main()'s body is walked: a return would leave the hold open).
 *
 * Requires: pass_dist (layouts), pass_sched_steps (ck). Establishes: sched->held and held_id
 * (the first of its slots' holds, numbered from 1 in program order). Breaks: nothing.
 */
#include "sched.h"

typedef struct hctx {
    vec reads;  /* ir_var*: distributed slots whose elements the subtree reads */
    vec writes; /* int (as intptr_t): alias classes of the slots the subtree writes */
} hctx;

static void add_var(vec *v, ir_var *x)
{
    for (int i = 0; i < v->len; i++)
        if (VEC_AT(*v, i, ir_var *) == x)
            return;
    vec_push(v, x);
}

static void add_class(vec *v, const ir_var *x)
{
    if (!x || !x->is_array)
        return;
    for (int i = 0; i < v->len; i++)
        if ((intptr_t)v->items[i] == (intptr_t)x->alias_class)
            return;
    vec_push(v, (void *)(intptr_t)x->alias_class);
}

static int note_elem(const ir_expr *e, void *ctx)
{
    if (e->kind == E_ELEM && e->var->is_array && ir_slot_dist(e->var))
        add_var(&((hctx *)ctx)->reads, e->var);
    return 0;
}

static void expr_reads(hctx *h, ir_expr *e)
{
    if (e)
        ir_expr_any(e, note_elem, h);
}

/* The element reads and the written alias classes of the statements of body, nested ones too. */
static void scan(hctx *h, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        expr_reads(h, s->e);
        expr_reads(h, s->e2);
        expr_reads(h, s->e3);
        int na = s->kind == S_CHECK ? s->na + s->nb : s->kind == S_SETELEM || s->kind == S_PRINT ? s->n : 0;
        for (int k = 0; s->args && k < na; k++)
            expr_reads(h, s->args[k]);
        for (int d = 0; s->kind == S_ALLOC && s->shape && d < s->var->rank; d++)
            expr_reads(h, s->shape[d]);
        /* what a statement may write: its slot (but a save or a print only reads it), a rotation's
         * both slots, both sides of a binding (an alias written later), a sweep's target */
        if (s->var && s->var->is_array && s->kind != S_SAVE && s->kind != S_PRINT)
            add_class(&h->writes, s->var);
        if (s->kind == S_ROTATE)
            add_class(&h->writes, s->src_slot);
        if (s->kind == S_BIND)
            for (int k = 0; k < s->n; k++) {
                add_class(&h->writes, s->dst[k]);
                add_class(&h->writes, s->srcs[k]);
            }
        if (s->target)
            add_class(&h->writes, s->target->arr);
        scan(h, &s->body);
        scan(h, &s->orelse);
    }
}

static int written(const hctx *h, const ir_var *x)
{
    for (int i = 0; i < h->writes.len; i++)
        if ((intptr_t)h->writes.items[i] == (intptr_t)x->alias_class)
            return 1;
    return 0;
}

/* held: the slots an enclosing marked loop holds already. */
static void walk(ir_program *p, vec *body, vec *held, int *ids)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        int loop = s->kind == S_FOR || s->kind == S_WHILE;
        int had = held->len;
        if (loop && ir_sched_of(s)->ck < 0 && !s->sched->graph_period) {
            hctx h = {0};
            vec one = {0};
            vec_push(&one, s);
            scan(&h, &one);
            for (int k = 0; k < h.reads.len; k++) {
                ir_var *x = VEC_AT(h.reads, k, ir_var *);
                int outer = 0;
                for (int j = 0; j < held->len; j++)
                    outer |= VEC_AT(*held, j, ir_var *) == x;
                if (!outer && !written(&h, x)) {
                    vec_push(&s->sched->held, x);
                    vec_push(held, x);
                }
            }
            if (s->sched->held.len) { /* its slots' holds: held_id, held_id + 1, ... */
                s->sched->held_id = *ids + 1;
                *ids += s->sched->held.len;
            }
        }
        walk(p, &s->body, held, ids);
        walk(p, &s->orelse, held, ids);
        held->len = had;
    }
}

void pass_sched_held(ir_program *p)
{
    if (p->sched->cuda)
        return;
    vec held = {0};
    int ids = 0;
    walk(p, &p->body, &held, &ids);
}
