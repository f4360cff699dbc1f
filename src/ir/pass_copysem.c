/* pass_copysem.c: NumPy's "evaluate the whole right-hand side, then assign" with the least
 * copying.
 *
 * Requires: lowered IR (sweeps with targets and values; S_BIND statements).
 * Establishes: ir_var.alias_class for every slot (slots that may hold the same buffer at run
 * time share a class) and the mode of every sweep:
 *   M_DIRECT   no read can see an element the sweep writes, other than the very element being
 *              written (a pointwise self-update such as u[1:-1] = 2 * u[1:-1]);
 *   M_BUFFERED the target is read at another offset that may overlap it (u[1:-1] = u[2:] +
 *              u[:-2]; not u[0:2] = u[2:4], disjoint: ir_views_disjoint): the values go
 *              to a scratch box first, then into the target;
 *   M_CHECKED  a read's slot may hold the target's buffer at run time (after a = b): the
 *              generated code compares buffers and takes the buffered path only if they match.
 * Alias classes: every S_BIND d <- s merges the classes of d and s, except a rebinding that only
 * permutes the names among themselves (u, un = un, u), which keeps distinct buffers distinct,
 * and a move out of a fresh temporary.
 */
#include "../util/sym.h"
#include "ir.h"

static int find(ir_var **byid, int id)
{
    while (byid[id]->alias_class != id)
        id = byid[id]->alias_class;
    return id;
}

static void unite(ir_var **byid, ir_var *a, ir_var *b)
{
    int x = find(byid, a->alias_class), y = find(byid, b->alias_class);
    if (x != y)
        byid[x > y ? x : y]->alias_class = x < y ? x : y;
}

static void collect_vars(vec *body, ir_var **byid);

static void note(ir_var **byid, ir_var *v)
{
    if (v && v->is_array)
        byid[v->id] = v;
}

static void collect_vars(vec *body, ir_var **byid)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        note(byid, s->var);
        note(byid, s->src_slot);
        if (s->target)
            note(byid, s->target->arr);
        for (int k = 0; s->kind == S_BIND && k < s->n; k++) {
            note(byid, s->dst[k]);
            note(byid, s->srcs[k]);
        }
        for (int k = 0; s->kind == S_PRINT && k < s->n; k++)
            note(byid, ir_print_slot(s, k));
        collect_vars(&s->body, byid);
        collect_vars(&s->orelse, byid);
    }
}

static int is_permutation(ir_stmt *s)
{
    for (int i = 0; i < s->n; i++) {
        int found = 0;
        for (int k = 0; k < s->n; k++)
            found |= s->srcs[i] == s->dst[k];
        if (!found)
            return 0;
    }
    return 1;
}

static void classes(vec *body, ir_var **byid)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_BIND && !s->move && !is_permutation(s))
            for (int k = 0; k < s->n; k++)
                unite(byid, s->dst[k], s->srcs[k]);
        classes(&s->body, byid);
        classes(&s->orelse, byid);
    }
}

/* The two views of one array provably touch no common element. */
int ir_views_disjoint(ir_view *a, ir_view *b)
{
    for (int d = 0; d < a->rank; d++) {
        ir_dim *x = &a->dim[d], *y = &b->dim[d];
        if (!x->slo || !y->slo)
            continue;
        const sym *diff = sym_sub(x->slo, y->slo);
        int64_t k;
        if (!diff || !sym_is_const(diff, &k))
            continue;
        if (x->kind == D_FIXED && y->kind == D_FIXED && k != 0)
            return 1;
        /* stepped slices of one stride that start on different residues (red-black) */
        if (x->kind == D_RANGE && y->kind == D_RANGE && x->step_c == y->step_c && x->step_c > 1 &&
            k % x->step_c != 0)
            return 1;
        /* ascending ranges of one step whose extents end before the other begins, as in the
         * Neumann walls un[0:2, :] = un[2:4, :] or u[-2:] = u[-4:-2] */
        int64_t lx, ly;
        if (x->kind == D_RANGE && y->kind == D_RANGE && x->step_c == y->step_c && x->step_c > 0 && x->slen &&
            y->slen && sym_is_const(x->slen, &lx) && sym_is_const(y->slen, &ly) &&
            (lx <= 0 || ly <= 0 || k > x->step_c * (ly - 1) || -k > x->step_c * (lx - 1)))
            return 1;
        /* a fixed index before the start of an ascending range */
        if (x->kind == D_FIXED && y->kind == D_RANGE && y->step_c > 0 && k < 0)
            return 1;
        if (y->kind == D_FIXED && x->kind == D_RANGE && x->step_c > 0 && k > 0)
            return 1;
    }
    return 0;
}

static int same_view(ir_view *a, ir_view *b)
{
    ir_expr ea = {.kind = E_READ, .type = a->arr->type, .view = a};
    ir_expr eb = {.kind = E_READ, .type = b->arr->type, .view = b};
    return ir_expr_equal(&ea, &eb);
}

static void reads(ir_expr *e, ir_stmt *s, ir_var **unused)
{
    if (!e)
        return;
    if (e->kind == E_READ) {
        ir_view *t = s->target, *r = e->view;
        if (r->arr == t->arr) {
            if (!same_view(r, t) && !ir_views_disjoint(r, t))
                s->mode = M_BUFFERED;
        } else if (!s->fresh && r->arr->alias_class == t->arr->alias_class) {
            if (s->mode == M_DIRECT)
                s->mode = M_CHECKED;
        }
        return;
    }
    for (int i = 0; i < e->nargs; i++)
        reads(e->args[i], s, unused);
    reads(e->a, s, unused);
    reads(e->b, s, unused);
    reads(e->cc, s, unused);
}

static void modes(vec *body, ir_var **byid)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_SWEEP) {
            s->mode = M_DIRECT;
            reads(s->e, s, byid);
            /* A buffered sweep reads the target through separate pointers, so a possibly
             * aliased slot needs no run-time test on top. */
        }
        modes(&s->body, byid);
        modes(&s->orelse, byid);
    }
}

/* Sets ir_var.alias_class of every slot (see the comment at the top). */
void ir_alias_classes(ir_program *p)
{
    ir_var **byid = NEWN(ir_var *, p->nvars + 1);
    collect_vars(&p->body, byid);
    for (int i = 0; i < p->nvars; i++)
        if (byid[i])
            byid[i]->alias_class = i;
    classes(&p->body, byid);
    for (int i = 0; i < p->nvars; i++)
        if (byid[i])
            byid[i]->alias_class = find(byid, i);
}

/* A view covering its whole array, in order. */
static int whole(ir_view *v)
{
    for (int d = 0; d < v->rank; d++) {
        ir_dim *m = &v->dim[d];
        int64_t k;
        if (m->kind != D_RANGE || m->box != d || !ir_expr_const_int(m->lo, &k) || k != 0 || m->step_c != 1 ||
            m->len->kind != E_SHAPE || m->len->var != v->arr || m->len->dim != d)
            return 0;
    }
    return 1;
}

static void replaceable(vec *body, int *members)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_SWEEP && s->mode == M_BUFFERED && whole(s->target) &&
            members[s->target->arr->alias_class] == 1)
            s->replace = 1;
        replaceable(&s->body, members);
        replaceable(&s->orelse, members);
    }
}

void pass_copysem(ir_program *p)
{
    ir_alias_classes(p);
    modes(&p->body, NULL);
    /* slots per alias class: a buffered sweep over a whole array alone in its class can write a
     * new buffer instead of a scratch box that is copied back */
    ir_var **byid = NEWN(ir_var *, p->nvars + 1);
    int *members = NEWN(int, p->nvars + 1);
    collect_vars(&p->body, byid);
    for (int i = 0; i < p->nvars; i++)
        if (byid[i])
            members[byid[i]->alias_class]++;
    replaceable(&p->body, members);
}
