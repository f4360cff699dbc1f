/* pass_elems.c: element stores inside loops as one-point sweeps.
 *
 * An element store inside a loop makes its array replicated (pass_dist): that is how scalar-loop
 * programs look (for i in range(n): u[i] = ...), where a distributed array would cost a message
 * an element. But boundary conditions of a grid are element stores too, at indices fixed
 * relative to the array's ends or its parameters: the ghost-cell periodic copies of a 1-D grid
 * (u[0] = u[-2], u[-1] = u[1]), walls (u[0] = 0.0, u[-1] = u[-2]), a point source
 * (p[sy, sx] += f). Written with one-point slices (u[:1] = u[-2:-1]) the same statement is a
 * sweep, computed by the rank owning the point, and its reads at constant offsets (or
 * ghost-cell periodic ones, pass_dist's ghost_wrap) come from the halo or the rank's own block;
 * this pass makes the element store that sweep, so such a program stays distributed.
 *
 * Rewritten: an S_SETELEM inside a loop, of an array of the program's highest rank (a lower one
 * is replicated anyway) and no extent below MIN_EXTENT known when compiling (a small buffer),
 * whose element view (eview, from the front end) knows every index when
 * compiling (slo) and uses no scalar an enclosing loop changes. Its box is one point along every dimension (box d
 * for dimension d). In its value, an element read (E_ELEM with its view) of the same rank
 * that the target may read as a distributed sweep (ir_dist_halo_read: a constant offset within
 * the halo limit, or a ghost-cell periodic read) becomes a read of the one-point view;
 * other element reads stay scalars (broadcast from their owner, as before).
 *
 * Requires: pass_copysem (modes). The new sweeps are M_DIRECT, which a box of one point always
 * is: its value is computed, every read made, before its one element is stored.
 * Establishes: those statements as S_SWEEPs with one-point boxes. Runs before pass_dist.
 */
#include "../util/sym.h"
#include "ir.h"

/* An array with an extent below this, known when compiling, is a small buffer rather than a grid
 * (buf = np.zeros(3) shifted along and stored into): left to pass_dist, which replicates it for
 * its element stores, as a grid of more ranks along an axis than its elements is refused. */
enum { MIN_EXTENT = 16 };

typedef struct ectx {
    int G;      /* the highest array rank of the program */
    int depth;  /* loops around the statement */
    vec vars;   /* ir_var*: the scalars those loops change (ir_loop_vars) */
} ectx;

static void max_rank(vec *body, int *G)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->var && s->var->is_array && s->var->rank > *G)
            *G = s->var->rank;
        if (s->target && s->target->rank > *G)
            *G = s->target->rank;
        max_rank(&s->body, G);
        max_rank(&s->orelse, G);
    }
}

/* The element view v of slot arr at indices idx, as a view of one point along every dimension;
 * NULL when the view is missing, stale (a pass renamed the slot), has an index not known when
 * compiling or an extent below MIN_EXTENT. */
static ir_view *one_point(ir_view *v, ir_var *arr, ir_expr **idx)
{
    if (!v || v->arr != arr || v->rank != arr->rank)
        return NULL;
    ir_view *p = ir_view_clone(v);
    for (int d = 0; d < v->rank; d++) {
        ir_dim *m = &p->dim[d];
        int64_t ext;
        if (m->kind != D_FIXED || !m->slo || !ir_expr_equal(m->lo, idx[d]))
            return NULL;
        if (m->aext && sym_is_const(m->aext, &ext) && ext < MIN_EXTENT)
            return NULL;
        m->kind = D_RANGE;
        m->step = ir_const_i(v->l, T_I64, 1);
        m->step_c = 1;
        m->len = ir_const_i(v->l, T_I64, 1);
        m->slen = sym_const(1);
        m->box = d;
        m->wrap = NULL;
    }
    p->vrank = v->rank;
    return p;
}

static int uses_loop_var(ectx *c, ir_expr **idx, int n)
{
    for (int k = 0; k < c->vars.len; k++)
        for (int d = 0; d < n; d++)
            if (ir_expr_uses_var(idx[d], VEC_AT(c->vars, k, ir_var *)))
                return 1;
    return 0;
}

/* e with its element reads that target t may read as a sweep made view reads (new nodes where
 * something changed; e itself is left alone). */
static ir_expr *as_reads(ectx *c, ir_view *t, ir_expr *e)
{
    if (!e)
        return NULL;
    if (e->kind == E_ELEM) {
        if (e->var->rank != t->rank || uses_loop_var(c, e->args, e->nargs))
            return e;
        ir_view *r = one_point(e->view, e->var, e->args);
        if (!r || !ir_dist_halo_read(t, r))
            return e;
        return ir_read(e->l, r);
    }
    ir_expr *a = as_reads(c, t, e->a), *b = as_reads(c, t, e->b), *cc = as_reads(c, t, e->cc);
    ir_expr **args = e->args;
    for (int k = 0; k < e->nargs; k++) {
        ir_expr *x = as_reads(c, t, e->args[k]);
        args = ir_args_cow(e, args, k, x);
    }
    return ir_expr_rebuilt(e, a, b, cc, args);
}

static void block(ectx *c, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_SETELEM && c->depth && s->var->rank == c->G && !uses_loop_var(c, s->args, s->n)) {
            ir_view *t = one_point(s->eview, s->var, s->args);
            if (t) {
                ir_stmt *w = ir_stmt_new(S_SWEEP, s->l);
                w->src = s->src;
                w->target = t;
                w->e = as_reads(c, t, s->e);
                w->mode = M_DIRECT;
                body->items[i] = w;
                continue;
            }
        }
        int loop = s->kind == S_FOR || s->kind == S_WHILE, had = c->vars.len;
        if (loop)
            ir_loop_vars(s, &c->vars);
        c->depth += loop;
        block(c, &s->body);
        c->depth -= loop;
        c->vars.len = had;
        block(c, &s->orelse);
    }
}

void pass_elems(ir_program *p)
{
    ectx c = {0};
    max_rank(&p->body, &c.G);
    if (c.G)
        block(&c, &p->body);
}
