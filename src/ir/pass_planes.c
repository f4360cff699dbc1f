/* pass_planes.c: a loop over the planes of a component axis, split statement by statement.
 *
 * LBM streaming is written plane by plane:
 *     for i in range(9):
 *         F[:, :, i] = np.roll(np.roll(F[:, :, i], cx[i], axis=1), cy[i], axis=0)
 * which the front end lowers to a loop whose body copies plane i into a temporary T1, rolls T1
 * into T2 and T2 back into the plane. Distributed (docs/DISTRIBUTION.md, component axes), every
 * roll reads a halo of a temporary written just before it: two exchanges per plane, 18 a step,
 * each a few hundred bytes, one after the other.
 *
 * When iteration k touches only plane p(k) of the arrays it writes and p takes a different value
 * in every iteration, the iterations are independent, so the loop may run each statement of its
 * body over all planes before the next one (fission), once every per-iteration temporary is an
 * array with the component axis added (expansion: T1 of shape (ny, nx) becomes (ny, nx, 9), read
 * and written at plane p(k)). The body's statements then run as loops one after the other, and
 * a temporary's halo, stale after the loop that writes its planes, is exchanged once, all planes
 * in one message per neighbour, by the first iteration of the loop that reads it; the later
 * iterations find it current (tyl_dirty). Bitwise the same: every point is computed by the same
 * expression from the same values.
 *
 * Rewritten: an S_FOR (not at the top level, whose loops are checkpointed time loops) whose body
 * is scalar assignments (each variable once, reading no array the loop writes) followed by
 * S_ALLOC, S_SWEEP and S_RELEASE only, where
 *  - every allocated slot T is a temporary: allocated once in the whole program (here), without
 *    a copy or a fill, released in the body, its extents those of a written array or an earlier
 *    temporary, of rank R - 1;
 *  - every other written slot W has rank R and is read and written only at plane p along one
 *    axis c (the same for all): `index(W.shape[c], x, c)` with one expression x whose value
 *    differs in every iteration and is never negative (`injective`: the loop variable, plus a
 *    constant, or an element of an arange table at such an index);
 *  - no other slot read may share a buffer with W (alias classes), no element of W is read;
 *  - some read of a temporary is shifted (a roll or an offset), so that it would exchange, and
 *    the body has at least two sweeps.
 * The loop becomes: T' = alloc (T's extents with W.shape[c] inserted at c), for each sweep of
 * the body a loop over the same range with the scalar assignments and that sweep (T read and
 * written as T'[..., #index(T'.shape[c], x, c), ...]), then release T'.
 *
 * Requires: nothing (runs before pass_copysem, which sets the new sweeps' modes; it computes the
 * alias classes itself). Establishes: no S_FOR of that form remains whose temporaries are per
 * iteration. Breaks: nothing.
 */
#include <string.h>

#include "ir.h"

enum { MAX_DEPTH = 8 };

typedef struct pctx {
    ir_program *p;
    ir_stmt *loop;
    int nassign;        /* the scalar assignments at the head of the body */
    vec temps, tnew;    /* ir_var*: per-iteration temporaries and their expansions */
    vec w;              /* ir_var*: the written arrays (not temporaries) */
    int c, R;           /* the component axis of the written arrays, their rank */
    ir_expr *x;         /* the plane's index before normalisation */
    ir_view *wt;        /* a written array's target view (its dim c is copied into T') */
    int shifted;        /* some read of a temporary is shifted */
    int bad;
} pctx;

static int vec_find(vec *v, const void *x)
{
    for (int i = 0; i < v->len; i++)
        if (VEC_AT(*v, i, void *) == x)
            return i;
    return -1;
}

/* ---- whole-program facts ---------------------------------------------------------------------- */

typedef struct writes {
    ir_var *slot;
    int allocs, sweeps, other;
    ir_stmt *sweep;
} writes;

static void count_writes(vec *body, writes *wr)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        switch (s->kind) {
        case S_ALLOC:
            wr->allocs += s->var == wr->slot;
            wr->other += s->var == wr->slot && s->init != 0 && s->init != 1;
            break;
        case S_SWEEP:
            if (s->target->arr == wr->slot) {
                wr->sweeps++;
                wr->sweep = s;
            }
            break;
        case S_FUSED:
            for (int k = 0; k < s->body.len; k++)
                wr->other += VEC_AT(s->body, k, ir_stmt *)->target->arr == wr->slot;
            break;
        case S_BIND:
            for (int k = 0; k < s->n; k++)
                wr->other += s->dst[k] == wr->slot;
            break;
        case S_ROTATE:
            wr->other += s->var == wr->slot || s->src_slot == wr->slot;
            break;
        case S_SETELEM:
        case S_LOAD:
        case S_RANDOM:
        case S_FFT:
            wr->other += s->var == wr->slot;
            break;
        default:
            break;
        }
        count_writes(&s->body, wr);
        count_writes(&s->orelse, wr);
    }
}

/* e = a + b * (sweep index 0), integers, b known. */
static int affine_index(const ir_expr *e, int64_t *a, int64_t *b)
{
    int64_t a1, b1, a2, b2;
    switch (e->kind) {
    case E_CONST:
        if (!ir_type_is_int(e->type))
            return 0;
        *a = e->c.i;
        *b = 0;
        return 1;
    case E_INDEX:
        if (e->dim != 0 || !ir_type_is_int(e->type))
            return 0;
        *a = 0;
        *b = 1;
        return 1;
    case E_CAST:
        return ir_type_is_int(e->type) && ir_type_is_int(e->a->type) && affine_index(e->a, a, b);
    case E_BIN:
        if (!ir_type_is_int(e->type) || !affine_index(e->a, &a1, &b1) || !affine_index(e->b, &a2, &b2))
            return 0;
        if (e->op == OP_ADD || e->op == OP_SUB) {
            int s = e->op == OP_ADD ? 1 : -1;
            *a = a1 + s * a2;
            *b = b1 + s * b2;
            return 1;
        }
        if (e->op == OP_MUL && (b1 == 0 || b2 == 0)) {
            *a = a1 * a2;
            *b = a1 * b2 + a2 * b1;
            return 1;
        }
        return 0;
    default:
        return 0;
    }
}

/* Is the 1-D table t an arange: written once, whole, by a sweep of value a + b * index with
 * b != 0, alone in its alias class, so that its elements all differ? a and b are returned. */
static int arange_table(pctx *c, ir_var *t, int64_t *a, int64_t *b)
{
    if (t->rank != 1 || !ir_type_is_int(t->type))
        return 0;
    writes wr = {.slot = t};
    count_writes(&c->p->body, &wr);
    if (wr.allocs != 1 || wr.sweeps != 1 || wr.other)
        return 0;
    ir_view *v = wr.sweep->target;
    int64_t lo;
    if (v->dim[0].kind != D_RANGE || !ir_expr_const_int(v->dim[0].lo, &lo) || lo != 0 || v->dim[0].step_c != 1 ||
        v->dim[0].len->kind != E_SHAPE || v->dim[0].len->var != t || wr.sweep->stages.len)
        return 0;
    if (!affine_index(wr.sweep->e, a, b) || *b == 0)
        return 0;
    return 1;
}

/* ---- the loop ---------------------------------------------------------------------------------- */

static ir_stmt *assign_of(pctx *c, const ir_var *v)
{
    for (int i = 0; i < c->nassign; i++) {
        ir_stmt *s = VEC_AT(c->loop->body, i, ir_stmt *);
        if (s->var == v)
            return s;
    }
    return NULL;
}

/* Does e take a different value in every iteration of the loop? *lb: its least value, when
 * known (*has_lb). */
static int injective(pctx *c, const ir_expr *e, int depth, int64_t *lb, int *has_lb)
{
    int64_t k, a, b;
    *has_lb = 0;
    if (!e || depth > MAX_DEPTH || !ir_type_is_int(e->type))
        return 0;
    switch (e->kind) {
    case E_VAR:
        if (e->var == c->loop->var) {
            if (!ir_expr_const_int(c->loop->e3, &k) || k == 0)
                return 0;
            if (k > 0 && ir_expr_const_int(c->loop->e, &a)) {
                *lb = a;
                *has_lb = 1;
            }
            return 1;
        } else {
            ir_stmt *s = assign_of(c, e->var);
            return s && injective(c, s->e, depth + 1, lb, has_lb);
        }
    case E_CAST:
        return ir_type_is_int(e->a->type) && ir_type_bits(e->type) >= ir_type_bits(e->a->type) &&
               injective(c, e->a, depth + 1, lb, has_lb);
    case E_CALL:
        /* a normalised index of a value never negative is that value (or an error) */
        return e->fn == FN_INDEX && injective(c, e->args[1], depth + 1, lb, has_lb) && *has_lb && *lb >= 0;
    case E_BIN:
        if ((e->op == OP_ADD || e->op == OP_SUB) && ir_expr_const_int(e->b, &k) && !e->py) {
            if (!injective(c, e->a, depth + 1, lb, has_lb))
                return 0;
            *lb += e->op == OP_ADD ? k : -k;
            return 1;
        }
        if (e->op == OP_ADD && ir_expr_const_int(e->a, &k) && !e->py) {
            if (!injective(c, e->b, depth + 1, lb, has_lb))
                return 0;
            *lb += k;
            return 1;
        }
        return 0;
    case E_ELEM: {
        int64_t l;
        int hl;
        if (e->nargs != 1 || !injective(c, e->args[0], depth + 1, &l, &hl) || !hl || l < 0 ||
            !arange_table(c, e->var, &a, &b))
            return 0;
        if (b > 0) {
            *lb = a;
            *has_lb = 1;
        }
        return 1;
    }
    default:
        return 0;
    }
}

/* The plane index of a view of a written array along axis c: index(W.shape[c], x, c). */
static ir_expr *plane_x(const ir_view *v, int cdim)
{
    if (cdim < 0 || cdim >= v->rank || v->dim[cdim].kind != D_FIXED)
        return NULL;
    const ir_expr *lo = v->dim[cdim].lo;
    int64_t k;
    if (lo->kind != E_CALL || lo->fn != FN_INDEX || lo->nargs != 3 || lo->args[0]->kind != E_SHAPE ||
        lo->args[0]->var != v->arr || lo->args[0]->dim != cdim || !ir_expr_const_int(lo->args[2], &k) || k != cdim)
        return NULL;
    for (int d = 0; d < v->rank; d++)
        if (d != cdim && v->dim[d].kind != D_RANGE)
            return NULL;
    return lo->args[1];
}

static int is_written_class(pctx *c, const ir_var *s)
{
    for (int i = 0; i < c->w.len; i++)
        if (VEC_AT(c->w, i, ir_var *)->alias_class == s->alias_class)
            return 1;
    return 0;
}

/* A view the body reads or writes: a temporary's any, a written array's at plane x only, any
 * other slot's if it shares no buffer with a written one. */
static void check_view(pctx *c, ir_view *v, int read);

static void check_expr(pctx *c, ir_expr *e)
{
    if (!e || c->bad)
        return;
    if (e->kind == E_READ)
        check_view(c, e->view, 1);
    if (e->kind == E_ELEM && (vec_find(&c->temps, e->var) >= 0 || is_written_class(c, e->var)))
        c->bad = 1;
    if (e->kind == E_SHAPE && vec_find(&c->temps, e->var) < 0 && is_written_class(c, e->var) &&
        vec_find(&c->w, e->var) < 0)
        c->bad = 1;
    for (int i = 0; i < e->nargs; i++)
        check_expr(c, e->args[i]);
    check_expr(c, e->a);
    check_expr(c, e->b);
    check_expr(c, e->cc);
}

static void check_view(pctx *c, ir_view *v, int read)
{
    for (int d = 0; d < v->rank; d++) {
        check_expr(c, v->dim[d].lo);
        check_expr(c, v->dim[d].len);
        check_expr(c, v->dim[d].step);
        check_expr(c, v->dim[d].wrap);
    }
    if (vec_find(&c->temps, v->arr) >= 0) {
        if (v->rank != c->R - 1)
            c->bad = 1;
        for (int d = 0; d < v->rank && read; d++) {
            int64_t k;
            if (v->dim[d].kind == D_RANGE && (v->dim[d].wrap || !ir_expr_const_int(v->dim[d].lo, &k) || k != 0))
                c->shifted = 1;
        }
        return;
    }
    if (!is_written_class(c, v->arr))
        return;
    ir_expr *x = vec_find(&c->w, v->arr) >= 0 && v->rank == c->R ? plane_x(v, c->c) : NULL;
    if (!x || !ir_expr_equal(x, c->x))
        c->bad = 1;
}

/* Does e read a scalar the body assigns (other than through the replicated assignments)? */
static int uses_body_var(pctx *c, const ir_expr *e)
{
    for (int i = 0; i < c->nassign; i++)
        if (ir_expr_uses_var(e, VEC_AT(c->loop->body, i, ir_stmt *)->var))
            return 1;
    return ir_expr_uses_var(e, c->loop->var);
}

/* Gathers temps, written arrays, the axis and x; 0 when the loop is not of the form. */
static int analyse(pctx *c)
{
    vec *body = &c->loop->body;
    int i = 0, nsweeps = 0;
    for (; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind != S_ASSIGN)
            break;
        for (int k = 0; k < i; k++)
            if (VEC_AT(*body, k, ir_stmt *)->var == s->var)
                return 0;
        if (s->var == c->loop->var || !ir_expr_is_scalar(s->e))
            return 0;
    }
    /* an assignment reading a scalar assigned at or after it carries a value from the previous
     * iteration, which the first iteration of a later loop would take from the earlier loop */
    for (int k = 0; k < i; k++)
        for (int j = k; j < i; j++)
            if (ir_expr_uses_var(VEC_AT(*body, k, ir_stmt *)->e, VEC_AT(*body, j, ir_stmt *)->var))
                return 0;
    c->nassign = i;
    for (int k = i; k < body->len; k++) {
        ir_stmt *s = VEC_AT(*body, k, ir_stmt *);
        if (s->kind == S_ALLOC) {
            if (s->init != 0 && s->init != 1)
                return 0;
            vec_push(&c->temps, s->var);
        } else if (s->kind == S_SWEEP) {
            if (s->stages.len || s->target->arr->rank < 2)
                return 0;
            nsweeps++;
            if (vec_find(&c->temps, s->target->arr) < 0 && vec_find(&c->w, s->target->arr) < 0)
                vec_push(&c->w, s->target->arr);
        } else if (s->kind != S_RELEASE)
            return 0;
    }
    if (nsweeps < 2 || !c->w.len || !c->temps.len)
        return 0;
    /* the axis and x from the first written array's first target */
    ir_var *w0 = VEC_AT(c->w, 0, ir_var *);
    for (int k = i; k < body->len && !c->wt; k++) {
        ir_stmt *s = VEC_AT(*body, k, ir_stmt *);
        if (s->kind == S_SWEEP && s->target->arr == w0)
            c->wt = s->target;
    }
    c->R = w0->rank;
    c->c = -1;
    for (int d = 0; d < c->R; d++)
        if (c->wt->dim[d].kind == D_FIXED) {
            if (c->c >= 0)
                return 0;
            c->c = d;
        }
    c->x = c->c >= 0 ? plane_x(c->wt, c->c) : NULL;
    int64_t lb;
    int hl;
    if (!c->x || !injective(c, c->x, 0, &lb, &hl) || !hl || lb < 0)
        return 0;
    /* the loop's bounds and the assignments */
    if (uses_body_var(c, c->loop->e) || uses_body_var(c, c->loop->e2) || uses_body_var(c, c->loop->e3))
        return 0;
    for (int k = 0; k < c->nassign; k++)
        check_expr(c, VEC_AT(*body, k, ir_stmt *)->e);
    /* temporaries: allocated once in the program, released here, extents of known arrays */
    for (int t = 0; t < c->temps.len; t++) {
        ir_var *tv = VEC_AT(c->temps, t, ir_var *);
        writes wr = {.slot = tv};
        count_writes(&c->p->body, &wr);
        if (wr.allocs != 1 || wr.other || tv->rank != c->R - 1 || is_written_class(c, tv))
            return 0;
        int released = 0;
        for (int k = c->nassign; k < body->len; k++) {
            ir_stmt *s = VEC_AT(*body, k, ir_stmt *);
            released |= s->kind == S_RELEASE && s->var == tv;
            if (s->kind == S_ALLOC && s->var == tv)
                for (int d = 0; d < tv->rank; d++) {
                    ir_expr *e = s->shape[d];
                    if (e->kind != E_SHAPE || (vec_find(&c->w, e->var) < 0 && vec_find(&c->temps, e->var) >= t) ||
                        (vec_find(&c->w, e->var) < 0 && vec_find(&c->temps, e->var) < 0))
                        return 0;
                }
        }
        if (!released)
            return 0;
    }
    for (int k = c->nassign; k < body->len && !c->bad; k++) {
        ir_stmt *s = VEC_AT(*body, k, ir_stmt *);
        if (s->kind != S_SWEEP)
            continue;
        check_view(c, s->target, 0);
        check_expr(c, s->e);
    }
    return !c->bad && c->shifted;
}

/* ---- the rewrite ------------------------------------------------------------------------------- */

static ir_expr *clone(pctx *c, const ir_expr *e);

static ir_expr *clone_plane_lo(pctx *c, ir_var *tn)
{
    ir_expr *lo = clone(c, c->wt->dim[c->c].lo);
    ir_rename_slot(lo, c->wt->arr, tn);
    return lo;
}

static ir_view *clone_view(pctx *c, const ir_view *v)
{
    ir_view *n = ir_view_clone((ir_view *)v);
    for (int d = 0; d < v->rank; d++) {
        n->dim[d].lo = clone(c, v->dim[d].lo);
        n->dim[d].len = clone(c, v->dim[d].len);
        n->dim[d].step = clone(c, v->dim[d].step);
        n->dim[d].wrap = clone(c, v->dim[d].wrap);
    }
    int t = vec_find(&c->temps, v->arr);
    if (t < 0)
        return n;
    ir_var *tn = VEC_AT(c->tnew, t, ir_var *);
    for (int d = c->R - 1; d > c->c; d--)
        n->dim[d] = n->dim[d - 1];
    n->dim[c->c] = c->wt->dim[c->c];
    n->dim[c->c].lo = clone_plane_lo(c, tn);
    n->arr = tn;
    n->rank = c->R;
    return n;
}

/* A deep copy of e, the temporaries replaced by their expansions. */
static ir_expr *clone(pctx *c, const ir_expr *e)
{
    if (!e)
        return NULL;
    ir_expr *n = NEW(ir_expr);
    *n = *e;
    if (e->kind == E_SHAPE) {
        int t = vec_find(&c->temps, e->var);
        if (t >= 0) {
            n->var = VEC_AT(c->tnew, t, ir_var *);
            n->dim = e->dim < c->c ? e->dim : e->dim + 1;
        }
    }
    if (e->nargs) {
        n->args = NEWN(ir_expr *, e->nargs);
        for (int i = 0; i < e->nargs; i++)
            n->args[i] = clone(c, e->args[i]);
    }
    n->a = clone(c, e->a);
    n->b = clone(c, e->b);
    n->cc = clone(c, e->cc);
    if (e->view)
        n->view = clone_view(c, e->view);
    return n;
}

static ir_stmt *clone_assign(pctx *c, const ir_stmt *s)
{
    ir_stmt *n = ir_stmt_new(S_ASSIGN, s->l);
    n->src = s->src;
    n->var = s->var;
    n->e = clone(c, s->e);
    return n;
}

/* The statements that replace the loop, appended to out. */
static void rewrite(pctx *c, vec *out)
{
    ir_stmt *L = c->loop;
    for (int t = 0; t < c->temps.len; t++) {
        ir_var *tv = VEC_AT(c->temps, t, ir_var *);
        char *name = NEWN(char, strlen(tv->name) + 8);
        sprintf(name, "%s_all", tv->name);
        vec_push(&c->tnew, ir_var_new(c->p, name, tv->pyname, tv->type, c->R, 1));
    }
    for (int k = c->nassign; k < L->body.len; k++) {
        ir_stmt *s = VEC_AT(L->body, k, ir_stmt *);
        int t = s->kind == S_SWEEP ? -1 : vec_find(&c->temps, s->var);
        if (s->kind == S_ALLOC) {
            ir_var *tn = VEC_AT(c->tnew, t, ir_var *);
            ir_stmt *a = ir_stmt_new(S_ALLOC, s->l);
            a->src = s->src;
            a->var = tn;
            a->init = s->init;
            a->shape = NEWN(ir_expr *, c->R);
            for (int d = 0, j = 0; d < c->R; d++)
                a->shape[d] = d == c->c ? ir_shape(s->l, c->wt->arr, c->c) : clone(c, s->shape[j++]);
            vec_push(out, a);
        } else if (s->kind == S_RELEASE) {
            ir_stmt *r = ir_stmt_new(S_RELEASE, s->l);
            r->src = s->src;
            r->var = VEC_AT(c->tnew, t, ir_var *);
            vec_push(out, r);
        } else {
            ir_stmt *f = ir_stmt_new(S_FOR, L->l);
            f->src = L->src;
            f->var = L->var;
            f->e = clone(c, L->e);
            f->e2 = clone(c, L->e2);
            f->e3 = clone(c, L->e3);
            for (int i = 0; i < c->nassign; i++)
                vec_push(&f->body, clone_assign(c, VEC_AT(L->body, i, ir_stmt *)));
            ir_stmt *n = ir_stmt_new(S_SWEEP, s->l);
            *n = *s;
            n->target = clone_view(c, s->target);
            n->e = clone(c, s->e);
            n->fresh = n->target->arr == s->target->arr ? s->fresh : 0;
            vec_push(&f->body, n);
            vec_push(out, f);
        }
    }
}

static void walk(ir_program *p, vec *body, int top)
{
    vec out = {0};
    int changed = 0;
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        walk(p, &s->body, 0);
        walk(p, &s->orelse, 0);
        pctx c = {.p = p, .loop = s};
        if (s->kind == S_FOR && !top && analyse(&c)) {
            rewrite(&c, &out);
            changed = 1;
            continue;
        }
        vec_push(&out, s);
    }
    if (changed)
        *body = out;
}

void pass_planes(ir_program *p)
{
    ir_alias_classes(p);
    walk(p, &p->body, 1);
}
