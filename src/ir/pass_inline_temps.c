/* pass_inline_temps.c: temporaries that are only read pointwise are never allocated.
 *
 * Requires: lowered IR (before pass_copysem). Establishes: for every slot T that
 *   - is allocated (S_ALLOC, no initial values) and immediately filled by one sweep over all of
 *     it (T = f), at the top level of a block,
 *   - is otherwise only read, in sweeps and reductions later in the same block, before it is
 *     rebound or released, and nowhere else in the program,
 *   - and whose f reads nothing that a statement between the definition and a read writes,
 * the reads of T are replaced by f composed with the read's view (u[1:-1] of T = f reads
 * f's operands shifted by 1), and T's allocation, sweep and release are removed; the allocation
 * becomes a check (S_CHECK CK_ALLOC) that NumPy could allocate T, unless T has at most the
 * elements of another slot (no_larger). A temporary
 * read in more than MAX_USES places is kept (recomputing it would cost more than it saves), and
 * so is one a sweep reads as a stencil whose f reads such a kept temporary: it is marked
 * ir_var.chain for pass_fuse_stages, which computes it once a tile (a chain of stages) or
 * inlines it as this pass would have.
 * f may not contain sweep indices (np.fromfunction values are computed once and kept), except
 * for np.linspace / np.arange (their sweep marked fresh == 2): the index of T a read takes
 * replaces the sweep index, so x[i] is the formula at i, the same bits as the stored value.
 * Breaks: nothing; every sweep keeps M_DIRECT until pass_copysem.
 */
#include "ir.h"
#include "inline_temps.h"

#include "../util/sym.h"

#include <limits.h>

enum { MAX_USES = INL_MAX_USES };

/* ---- queries ---- */

/* Mentions of a slot: reads in sweep values, extents (E_SHAPE, rewritable), anything else. */
typedef struct uses {
    int reads, shapes, other;
    int elems; /* of the other mentions, single elements (a grid's x[1] - x[0] recomputes them) */
} uses;

static void scan_expr(ir_expr *e, ir_var *t, uses *u)
{
    if (!e)
        return;
    /* a periodic (np.roll) read of T cannot be composed with f: T stays an array */
    if (e->kind == E_READ && e->view->arr == t)
        for (int d = 0; d < e->view->rank; d++)
            if (e->view->dim[d].kind == D_RANGE && e->view->dim[d].wrap)
                u->other++;
    if (e->kind == E_SHAPE && e->var == t)
        u->shapes++;
    if (e->kind == E_ELEM && e->var == t) {
        u->other++;
        u->elems++;
    }
    if (e->kind == E_READ) {
        if (e->view->arr == t)
            u->reads++;
        for (int d = 0; d < e->view->rank; d++) {
            scan_expr(e->view->dim[d].lo, t, u);
            scan_expr(e->view->dim[d].len, t, u);
            scan_expr(e->view->dim[d].step, t, u);
            scan_expr(e->view->dim[d].wrap, t, u);
        }
    }
    for (int i = 0; i < e->nargs; i++)
        scan_expr(e->args[i], t, u);
    scan_expr(e->a, t, u);
    scan_expr(e->b, t, u);
    scan_expr(e->cc, t, u);
}

static void scan_stmt(ir_stmt *s, ir_var *t, uses *u)
{
    scan_expr(s->e, t, u);
    scan_expr(s->e2, t, u);
    scan_expr(s->e3, t, u);
    if (s->kind == S_ALLOC)
        for (int d = 0; d < s->var->rank; d++)
            scan_expr(s->shape[d], t, u);
    if (s->kind == S_REDUCE)
        for (int d = 0; d < s->n; d++)
            scan_expr(s->shape[d], t, u);
    if (s->kind == S_SETELEM || s->kind == S_PRINT)
        for (int i = 0; i < s->n; i++)
            scan_expr(s->kind == S_PRINT ? IR_PRINT_EXPR(s, i) : s->args[i], t, u);
    if (s->kind == S_CHECK)
        for (int i = 0; i < s->na + s->nb; i++)
            scan_expr(s->args[i], t, u);
    if (s->target) {
        ir_expr r = {.kind = E_READ, .view = s->target};
        uses tu = {0};
        scan_expr(&r, t, &tu);
        u->shapes += tu.shapes;
        u->other += tu.reads + tu.other; /* writing T */
    }
    if ((s->var == t && s->kind != S_SWEEP) || s->src_slot == t)
        u->other++;
    for (int k = 0; s->kind == S_BIND && k < s->n; k++)
        u->other += (s->dst[k] == t) + (s->srcs[k] == t);
    for (int k = 0; s->kind == S_PRINT && k < s->n; k++) {
        u->other += ir_print_slot(s, k) == t; /* printed whole: T must exist */
        if (ir_print_view(s, k)) { /* extents in the view's bounds */
            ir_expr r = {.kind = E_READ, .view = s->pviews[k]};
            uses vu = {0};
            scan_expr(&r, t, &vu);
            u->shapes += vu.shapes;
            u->other += vu.other;
        }
    }
    for (int i = 0; i < s->body.len; i++)
        scan_stmt(VEC_AT(s->body, i, ir_stmt *), t, u);
    for (int i = 0; i < s->orelse.len; i++)
        scan_stmt(VEC_AT(s->orelse, i, ir_stmt *), t, u);
}

static uses scan_block(vec *body, int from, int to, ir_var *t)
{
    uses u = {0};
    for (int i = from; i < to; i++)
        scan_stmt(VEC_AT(*body, i, ir_stmt *), t, &u);
    return u;
}

/* ---- the mentions of every slot in the whole program, kept up to date ----
 * scan_block over the whole program for each candidate made the pass quadratic in the number
 * of statements (2,000 straight-line statements: 8 s). The tally holds scan_block(&p->body, 0,
 * len, v) for every v, by id: built once, and each statement a rewrite changes is taken out
 * before and put back after (the counts are sums over statements). */
struct inl_tally {
    uses *by_id;
    int n;
};
typedef inl_tally tally;

enum { M_PLAIN, M_TARGET, M_PVIEW }; /* how scan_stmt counts a mention (see its target and pviews) */
enum { F_READS, F_SHAPES, F_OTHER, F_ELEMS };

static void tally_add(tally *tl, ir_var *v, int field, int mode, int sign)
{
    if (!v || v->id < 0 || v->id >= tl->n)
        return;
    if (mode != M_PLAIN && field == F_ELEMS)
        return;
    if (field == F_READS) {
        if (mode == M_PVIEW)
            return;
        if (mode == M_TARGET)
            field = F_OTHER;
    }
    uses *u = &tl->by_id[v->id];
    if (field == F_READS)
        u->reads += sign;
    else if (field == F_SHAPES)
        u->shapes += sign;
    else if (field == F_OTHER)
        u->other += sign;
    else
        u->elems += sign;
}

/* scan_expr for every slot at once */
static void tally_expr(tally *tl, ir_expr *e, int mode, int sign)
{
    if (!e)
        return;
    if (e->kind == E_READ)
        for (int d = 0; d < e->view->rank; d++)
            if (e->view->dim[d].kind == D_RANGE && e->view->dim[d].wrap)
                tally_add(tl, e->view->arr, F_OTHER, mode, sign);
    if (e->kind == E_SHAPE)
        tally_add(tl, e->var, F_SHAPES, mode, sign);
    if (e->kind == E_ELEM) {
        tally_add(tl, e->var, F_OTHER, mode, sign);
        tally_add(tl, e->var, F_ELEMS, mode, sign);
    }
    if (e->kind == E_READ) {
        tally_add(tl, e->view->arr, F_READS, mode, sign);
        for (int d = 0; d < e->view->rank; d++) {
            tally_expr(tl, e->view->dim[d].lo, mode, sign);
            tally_expr(tl, e->view->dim[d].len, mode, sign);
            tally_expr(tl, e->view->dim[d].step, mode, sign);
            tally_expr(tl, e->view->dim[d].wrap, mode, sign);
        }
    }
    for (int i = 0; i < e->nargs; i++)
        tally_expr(tl, e->args[i], mode, sign);
    tally_expr(tl, e->a, mode, sign);
    tally_expr(tl, e->b, mode, sign);
    tally_expr(tl, e->cc, mode, sign);
}

/* scan_stmt for every slot at once: sign 1 counts s in, -1 takes it out */
static void tally_stmt(tally *tl, ir_stmt *s, int sign)
{
    if (!tl)
        return;
    tally_expr(tl, s->e, M_PLAIN, sign);
    tally_expr(tl, s->e2, M_PLAIN, sign);
    tally_expr(tl, s->e3, M_PLAIN, sign);
    if (s->kind == S_ALLOC)
        for (int d = 0; d < s->var->rank; d++)
            tally_expr(tl, s->shape[d], M_PLAIN, sign);
    if (s->kind == S_REDUCE)
        for (int d = 0; d < s->n; d++)
            tally_expr(tl, s->shape[d], M_PLAIN, sign);
    if (s->kind == S_SETELEM || s->kind == S_PRINT)
        for (int i = 0; i < s->n; i++)
            tally_expr(tl, s->kind == S_PRINT ? IR_PRINT_EXPR(s, i) : s->args[i], M_PLAIN, sign);
    if (s->kind == S_CHECK)
        for (int i = 0; i < s->na + s->nb; i++)
            tally_expr(tl, s->args[i], M_PLAIN, sign);
    if (s->target) {
        ir_expr r = {.kind = E_READ, .view = s->target};
        tally_expr(tl, &r, M_TARGET, sign);
    }
    int own = s->var && s->kind != S_SWEEP;
    if (own)
        tally_add(tl, s->var, F_OTHER, M_PLAIN, sign);
    if (s->src_slot && !(own && s->src_slot == s->var))
        tally_add(tl, s->src_slot, F_OTHER, M_PLAIN, sign);
    for (int k = 0; s->kind == S_BIND && k < s->n; k++) {
        tally_add(tl, s->dst[k], F_OTHER, M_PLAIN, sign);
        tally_add(tl, s->srcs[k], F_OTHER, M_PLAIN, sign);
    }
    for (int k = 0; s->kind == S_PRINT && k < s->n; k++) {
        tally_add(tl, ir_print_slot(s, k), F_OTHER, M_PLAIN, sign);
        if (ir_print_view(s, k)) {
            ir_expr r = {.kind = E_READ, .view = s->pviews[k]};
            tally_expr(tl, &r, M_PVIEW, sign);
        }
    }
    for (int i = 0; i < s->body.len; i++)
        tally_stmt(tl, VEC_AT(s->body, i, ir_stmt *), sign);
    for (int i = 0; i < s->orelse.len; i++)
        tally_stmt(tl, VEC_AT(s->orelse, i, ir_stmt *), sign);
}

/* Every mention of t in the program: from the tally, or (no tally) by scanning it. */
static uses mentions(ir_program *p, tally *tl, ir_var *t)
{
    if (tl && t->id >= 0 && t->id < tl->n) {
#ifdef INL_CHECK_TALLY
        uses s = scan_block(&p->body, 0, p->body.len, t), k = tl->by_id[t->id];
        if (s.reads != k.reads || s.shapes != k.shapes || s.other != k.other || s.elems != k.elems)
            INTERNAL("tally of %s: %d %d %d %d, scan %d %d %d %d", t->name, k.reads, k.shapes, k.other, k.elems,
                     s.reads, s.shapes, s.other, s.elems);
#endif
        return tl->by_id[t->id];
    }
    return scan_block(&p->body, 0, p->body.len, t);
}


/* Slots and scalar variables an expression depends on. */
static void deps(ir_expr *e, vec *slots, vec *vars)
{
    if (!e)
        return;
    if (e->kind == E_VAR)
        vec_push(vars, e->var);
    if (e->kind == E_SHAPE || e->kind == E_ELEM)
        vec_push(slots, e->var);
    if (e->kind == E_READ) {
        vec_push(slots, e->view->arr);
        for (int d = 0; d < e->view->rank; d++) {
            deps(e->view->dim[d].lo, slots, vars);
            deps(e->view->dim[d].len, slots, vars);
            deps(e->view->dim[d].step, slots, vars);
            deps(e->view->dim[d].wrap, slots, vars);
        }
    }
    for (int i = 0; i < e->nargs; i++)
        deps(e->args[i], slots, vars);
    deps(e->a, slots, vars);
    deps(e->b, slots, vars);
    deps(e->cc, slots, vars);
}

static int in(vec *v, void *x)
{
    for (int i = 0; i < v->len; i++)
        if (v->items[i] == x)
            return 1;
    return 0;
}

/* What a statement writes: slots (targets, rebinding) and scalar variables. Nested blocks count. */
static void writes(ir_stmt *s, vec *slots, vec *vars)
{
    switch (s->kind) {
    case S_ASSIGN:
    case S_REDUCE: vec_push(vars, s->var); break;
    case S_FOR: vec_push(vars, s->var); break;
    case S_ALLOC:
    case S_RELEASE:
    case S_SETELEM:
    case S_FFT:
    case S_LOAD: vec_push(slots, s->var); break;
    case S_OS:
    case S_RANDOM:
        if (s->var)
            vec_push(s->var->is_array ? slots : vars, s->var);
        break;
    case S_SWEEP: vec_push(slots, s->target->arr); break;
    case S_BIND:
        for (int k = 0; k < s->n; k++)
            vec_push(slots, s->dst[k]);
        break;
    default: break;
    }
    for (int i = 0; i < s->body.len; i++)
        writes(VEC_AT(s->body, i, ir_stmt *), slots, vars);
    for (int i = 0; i < s->orelse.len; i++)
        writes(VEC_AT(s->orelse, i, ir_stmt *), slots, vars);
}

/* ---- rewriting ---- */

static ir_expr *rewrite(ir_expr *e, ir_var *t, ir_expr *f, ir_expr **shape);

/* f's reads seen through a view of T: T's dimension k (= f's box dimension k) is fixed or a
 * range of the user's box. */
static ir_expr *compose(ir_expr *f, ir_view *u, ir_expr **shape)
{
    if (!f)
        return NULL;
    if (f->kind == E_READ) {
        ir_view *r = ir_view_clone(f->view);
        for (int d = 0; d < r->rank; d++) {
            ir_dim *m = &r->dim[d];
            if (m->kind != D_RANGE || m->box < 0)
                continue;
            ir_dim *ud = &u->dim[m->box];
            ir_expr *lo = ir_bin(m->lo->l, OP_ADD, T_I64, m->lo, ir_bin(m->lo->l, OP_MUL, T_I64, m->step, ud->lo, 0), 0);
            int64_t a, b, st, stb;
            if (ir_expr_const_int(m->lo, &a) && ir_expr_const_int(ud->lo, &b) && ir_expr_const_int(m->step, &st) &&
                !__builtin_mul_overflow(st, b, &stb) && !__builtin_add_overflow(a, stb, &stb)) {
                lo = ir_const_i(m->lo->l, T_I64, stb);
            } else if (ir_expr_const_int(ud->lo, &b) && b == 0) {
                lo = m->lo;
            }
            const struct sym *slo = (m->slo && ud->slo && m->step_c) ? sym_add(m->slo, sym_mul(sym_const(m->step_c), ud->slo)) : NULL;
            if (ud->kind == D_FIXED && m->wrap) { /* a periodic (np.roll) read at one index */
                int64_t w;
                if (ir_expr_const_int(lo, &a) && ir_expr_const_int(m->wrap, &w) && w > 0)
                    lo = ir_const_i(lo->l, T_I64, ((a % w) + w) % w);
                else
                    lo = ir_bin(lo->l, OP_MOD, T_I64, lo, m->wrap, 0);
                slo = NULL;
            }
            if (ud->kind == D_FIXED) {
                ir_dim nd = {0};
                nd.kind = D_FIXED;
                nd.aext = m->aext;
                nd.lo = lo;
                nd.slo = slo;
                *m = nd;
                continue;
            }
            m->lo = lo;
            m->slo = slo;
            int64_t stc;
            if (m->step_c && ud->step_c && __builtin_mul_overflow(m->step_c, ud->step_c, &stc)) {
                /* Steps whose product passes int64 (f[::10**11][::10**11]): a view of T with two
                 * points has a step below T's extent and T's below the array's, so this one
                 * holds at most one point and any step reads it. */
                m->step = ir_const_i(m->step->l, T_I64, 1);
                m->step_c = 1;
            } else if (!(ud->step_c == 1)) {
                m->step = ir_bin(m->step->l, OP_MUL, T_I64, m->step, ud->step, 0);
                m->step_c = (m->step_c && ud->step_c) ? m->step_c * ud->step_c : 0;
            }
            m->len = ud->len;
            m->slen = ud->slen;
            m->box = ud->box;
        }
        r->vrank = 0;
        for (int d = 0; d < r->rank; d++)
            r->vrank += r->dim[d].kind == D_RANGE;
        return ir_read(f->l, r);
    }
    if (f->kind == E_INDEX) { /* T's index along dimension f->dim at the read's point */
        ir_dim *ud = &u->dim[f->dim];
        ir_expr *ix = ud->lo;
        int64_t lo;
        if (ud->kind == D_RANGE && ud->box >= 0) {
            ir_expr *i = ir_index(f->l, T_I64, ud->box);
            if (ud->step_c != 1)
                i = ir_bin(f->l, OP_MUL, T_I64, ud->step, i, 0);
            ix = ir_expr_const_int(ud->lo, &lo) && lo == 0 ? i : ir_bin(f->l, OP_ADD, T_I64, ud->lo, i, 0);
        }
        return ir_cast(f->l, f->type, ix);
    }
    if (f->kind == E_CONST || f->kind == E_VAR || f->kind == E_SHAPE || f->kind == E_ELEM)
        return f;
    ir_expr *c = NEW(ir_expr);
    *c = *f;
    c->a = compose(f->a, u, shape);
    c->b = compose(f->b, u, shape);
    c->cc = compose(f->cc, u, shape);
    if (f->nargs) {
        c->args = NEWN(ir_expr *, f->nargs);
        for (int i = 0; i < f->nargs; i++)
            c->args[i] = compose(f->args[i], u, shape);
    }
    return c;
}

/* e with every read of T replaced by f composed, and T's extents by the allocation's; with f
 * NULL the reads of T stay (their extents and offsets rewritten): pass_fuse_stages. */
static ir_expr *rewrite(ir_expr *e, ir_var *t, ir_expr *f, ir_expr **shape)
{
    if (!e)
        return NULL;
    if (e->kind == E_SHAPE && e->var == t)
        return shape[e->dim];
    if (e->kind == E_READ) {
        ir_view *v = ir_view_clone(e->view);
        for (int d = 0; d < v->rank; d++) {
            v->dim[d].lo = rewrite(v->dim[d].lo, t, f, shape);
            v->dim[d].len = rewrite(v->dim[d].len, t, f, shape);
            v->dim[d].step = rewrite(v->dim[d].step, t, f, shape);
        }
        if (v->arr == t && f)
            return ir_cast(e->l, e->type, compose(f, v, shape));
        return ir_read(e->l, v);
    }
    if (e->kind == E_ELEM && e->var == t && f) { /* f at one fixed index (a grid's element) */
        ir_view *v = NEW(ir_view);
        v->l = e->l;
        v->arr = t;
        v->rank = t->rank;
        for (int d = 0; d < v->rank; d++) {
            v->dim[d].kind = D_FIXED;
            v->dim[d].lo = rewrite(e->args[d], t, f, shape);
        }
        return ir_cast(e->l, e->type, compose(f, v, shape));
    }
    if (e->kind == E_CONST || e->kind == E_VAR || e->kind == E_INDEX)
        return e;
    ir_expr *c = NEW(ir_expr);
    *c = *e;
    c->a = rewrite(e->a, t, f, shape);
    c->b = rewrite(e->b, t, f, shape);
    c->cc = rewrite(e->cc, t, f, shape);
    if (e->nargs) {
        c->args = NEWN(ir_expr *, e->nargs);
        for (int i = 0; i < e->nargs; i++)
            c->args[i] = rewrite(e->args[i], t, f, shape);
    }
    return c;
}

static void rewrite_stmt(ir_stmt *s, ir_var *t, ir_expr *f, ir_expr **shape)
{
    s->e = rewrite(s->e, t, f, shape);
    s->e2 = rewrite(s->e2, t, f, shape);
    s->e3 = rewrite(s->e3, t, f, shape);
    if (s->kind == S_SWEEP) {
        for (int d = 0; d < s->target->rank; d++) {
            s->target->dim[d].lo = rewrite(s->target->dim[d].lo, t, f, shape);
            s->target->dim[d].len = rewrite(s->target->dim[d].len, t, f, shape);
            s->target->dim[d].step = rewrite(s->target->dim[d].step, t, f, shape);
        }
    }
    if (s->kind == S_ALLOC)
        for (int d = 0; d < s->var->rank; d++)
            s->shape[d] = rewrite(s->shape[d], t, f, shape);
    if (s->kind == S_REDUCE)
        for (int d = 0; d < s->n; d++)
            s->shape[d] = rewrite(s->shape[d], t, f, shape);
    if (s->kind == S_SETELEM || s->kind == S_PRINT)
        for (int i = 0; i < s->n; i++)
            if (s->kind != S_PRINT || IR_PRINT_EXPR(s, i))
                s->args[i] = rewrite(s->args[i], t, f, shape);
    if (s->kind == S_CHECK)
        for (int i = 0; i < s->na + s->nb; i++)
            s->args[i] = rewrite(s->args[i], t, f, shape);
    for (int k = 0; s->kind == S_PRINT && k < s->n; k++) {
        ir_view *v = ir_print_view(s, k);
        for (int d = 0; v && d < v->rank; d++) {
            v->dim[d].lo = rewrite(v->dim[d].lo, t, f, shape);
            v->dim[d].len = rewrite(v->dim[d].len, t, f, shape);
            v->dim[d].step = rewrite(v->dim[d].step, t, f, shape);
        }
    }
}

/* The definition at body[a] (alloc) and body[a+1] (sweep) of a candidate, or 0. */
static int definition(vec *body, int a, ir_var **tp, ir_expr **fp, int grids)
{
    if (a + 1 >= body->len)
        return 0;
    ir_stmt *al = VEC_AT(*body, a, ir_stmt *), *sw = VEC_AT(*body, a + 1, ir_stmt *);
    if (al->kind != S_ALLOC || al->init != 0 || sw->kind != S_SWEEP || !sw->fresh ||
        sw->target->arr != al->var)
        return 0;
    ir_view *tv = sw->target;
    for (int d = 0; d < tv->rank; d++) {
        int64_t k;
        if (tv->dim[d].kind != D_RANGE || tv->dim[d].box != d || !ir_expr_const_int(tv->dim[d].lo, &k) ||
            k != 0 || tv->dim[d].step_c != 1)
            return 0;
    }
    if (ir_expr_has_index(sw->e) && !(grids && sw->fresh == 2))
        return 0;
    *tp = al->var;
    *fp = sw->e;
    return 1;
}

static int is_array_read(const ir_expr *e, void *ctx)
{
    (void)ctx;
    return e->kind == E_READ;
}

/* Does s end T's life (a release, a new array, a load or a rebinding)? */
static int ends(ir_stmt *s, ir_var *t)
{
    if ((s->kind == S_RELEASE || s->kind == S_ALLOC || s->kind == S_LOAD) && s->var == t)
        return 1;
    for (int k = 0; s->kind == S_BIND && k < s->n; k++)
        if (s->dst[k] == t)
            return 1;
    return 0;
}

static int candidate(ir_program *p, tally *tl, vec *body, int a, int max_uses, int grids, inl_cand *out)
{
    ir_var *t;
    ir_expr *f;
    if (!definition(body, a, &t, &f, grids))
        return 0;
    /* Every mention of T in the program must be the definition, the uses (top-level statements
     * after the definition, up to T's next rebinding at end) or the end. rest: the mentions
     * outside the definition. The scan stops at the end, or where the uses hold all of rest:
     * no later statement mentions T, an end included. It also stops where the uses already
     * fail (a read inside a loop or branch after the definition, more reads than max_uses, a
     * mention that is no read). For a grid (fresh == 2) elements count as reads: lastg and
     * nestg are last and nested with them. */
    uses all = mentions(p, tl, t);
    uses def = scan_block(body, a, a + 2, t);
    uses rest = {all.reads - def.reads, all.shapes - def.shapes, all.other - def.other, all.elems - def.elems};
    int grid = grids && VEC_AT(*body, a + 1, ir_stmt *)->fresh == 2;
    int end = body->len, last = a + 1, lastg = a + 1, nestg = 0;
    uses mid = {0};
    for (int i = a + 2; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (ends(s, t)) {
            end = i;
            break;
        }
        if (mid.reads == rest.reads && mid.shapes == rest.shapes && mid.other == rest.other)
            break;
        uses n = {0};
        scan_stmt(s, t, &n);
        mid.reads += n.reads;
        mid.shapes += n.shapes;
        mid.other += n.other;
        mid.elems += n.elems;
        int nested = s->body.len || s->orelse.len;
        if (n.reads || n.shapes) {
            if (nested)
                return 0;
            last = i;
        }
        if (n.reads || n.shapes || n.elems) {
            nestg |= nested;
            lastg = i;
        }
        if (mid.reads > max_uses || mid.other > (grid ? mid.elems : 0))
            return 0;
    }
    uses fin = scan_block(body, end, end < body->len ? end + 1 : end, t);
    int elems = grid ? mid.elems : 0;
    /* an element x{k} becomes f at k in a scalar statement, where f may not read arrays */
    if (elems && ir_expr_any(f, is_array_read, NULL))
        return 0;
    if (mid.other > elems || mid.reads + elems == 0 || mid.reads > max_uses)
        return 0;
    if (all.reads != def.reads + fin.reads + mid.reads || all.shapes != def.shapes + fin.shapes + mid.shapes ||
        all.other != def.other + fin.other + mid.other)
        return 0;
    if (elems) {
        if (nestg)
            return 0;
        last = lastg;
    }
    /* f's inputs must not change between the definition and the last use */
    vec fslots = {0}, fvars = {0};
    deps(f, &fslots, &fvars);
    for (int i = a + 2; i < last; i++) {
        vec ws = {0}, wv = {0};
        writes(VEC_AT(*body, i, ir_stmt *), &ws, &wv);
        for (int k = 0; k < ws.len; k++)
            if (in(&fslots, ws.items[k]))
                return 0;
        for (int k = 0; k < wv.len; k++)
            if (in(&fvars, wv.items[k]))
                return 0;
    }
    out->t = t;
    out->f = f;
    out->a = a;
    out->end = end;
    out->last = last;
    return 1;
}

/* pass_fuse_stages keeps grids stored: its tiles would compose the index in a tile's frame */
int inl_candidate(ir_program *p, inl_tally *tl, vec *body, int a, int max_uses, inl_cand *out)
{
    return candidate(p, tl, body, a, max_uses, 0, out);
}

inl_tally *inl_tally_of(ir_program *p)
{
    tally *tl = NEW(tally);
    tl->by_id = NEWN(uses, p->nvars + 1);
    tl->n = p->nvars;
    for (int i = 0; i < p->body.len; i++)
        tally_stmt(tl, VEC_AT(p->body, i, ir_stmt *), 1);
    return tl;
}

static int apply(vec *body, const inl_cand *c);

/* The statements apply rewrites or drops leave the tally, the rewritten (and a check) come back. */
void inl_apply(inl_tally *tl, vec *body, const inl_cand *c)
{
    for (int i = c->a; i <= c->last; i++)
        tally_stmt(tl, VEC_AT(*body, i, ir_stmt *), -1);
    if (c->end < body->len && VEC_AT(*body, c->end, ir_stmt *)->kind == S_RELEASE)
        tally_stmt(tl, VEC_AT(*body, c->end, ir_stmt *), -1);
    int checked = apply(body, c);
    for (int i = c->a; i <= c->last - 2 + checked; i++)
        tally_stmt(tl, VEC_AT(*body, i, ir_stmt *), 1);
}

/* Is an array of T's shape and type no larger than one the program holds? True when each of
 * T's extents is 0, 1, or an extent of one other slot S or a slice of it (slice_len(S.shape[k],
 * ...)), every extent of S is used once, and S's elements are no smaller: T has at most S's
 * elements, and S is allocated (or checked itself). */
static int no_larger(const ir_stmt *al)
{
    ir_var *t = al->var, *s = NULL;
    unsigned seen = 0;
    int used = 0;
    for (int d = 0; d < t->rank; d++) {
        ir_expr *e = al->shape[d];
        int64_t k;
        if (ir_expr_const_int(e, &k) && k >= 0 && k <= 1)
            continue;
        if (e->kind == E_CALL && e->fn == FN_SLICE_LEN && e->nargs >= 1)
            e = e->args[0];
        if (e->kind != E_SHAPE || e->var == t || (s && e->var != s) || e->dim < 0 || e->dim >= IR_MAX_RANK ||
            (seen >> e->dim & 1u))
            return 0;
        s = e->var;
        seen |= 1u << e->dim;
        used++;
    }
    return s && s->rank == used && ir_type_bits(s->type) >= ir_type_bits(t->type);
}

/* T is never allocated, but NumPy allocates it: a check that it could be (np.eye(2**40)[0, 0]
 * raises NumPy's ValueError, np.zeros(10**13)[1] its MemoryError), unless no_larger. */
static ir_stmt *alloc_check(ir_stmt *al)
{
    if (no_larger(al))
        return NULL;
    ir_stmt *ck = ir_stmt_new(S_CHECK, al->l);
    ck->check = CK_ALLOC;
    ck->na = al->var->rank;
    ck->args = NEWN(ir_expr *, ck->na + 1);
    for (int d = 0; d < ck->na; d++)
        ck->args[d] = al->shape[d];
    ck->e = al->var->type == T_BOOL ? ir_const_i(al->l, T_BOOL, 0)
            : ir_type_is_float(al->var->type) ? ir_const_f(al->l, al->var->type, 0.0)
                                              : ir_const_i(al->l, al->var->type, 0);
    return ck;
}

/* Returns 1 when T's allocation became a check (alloc_check). */
static int apply(vec *body, const inl_cand *c)
{
    ir_var *t = c->t;
    ir_expr *f = c->f;
    int a = c->a, end = c->end, last = c->last;
    ir_stmt *al = VEC_AT(*body, a, ir_stmt *);
    int grid = ir_expr_has_index(f);
    for (int i = a + 2; i <= last; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        rewrite_stmt(s, t, f, al->shape);
        /* a new array of a grid's values (np.meshgrid of a linspace) is a grid formula too */
        if (grid && s->kind == S_SWEEP && s->fresh == 1)
            s->fresh = 2;
    }
    /* drop the definition and the release that ended T's life */
    if (end < body->len && VEC_AT(*body, end, ir_stmt *)->kind == S_RELEASE) {
        for (int i = end; i + 1 < body->len; i++)
            body->items[i] = body->items[i + 1];
        body->len--;
    }
    ir_stmt *ck = alloc_check(al);
    int drop = ck ? 1 : 2;
    if (ck)
        body->items[a] = ck;
    for (int i = a + 2 - drop; i + drop < body->len; i++)
        body->items[i] = body->items[i + drop];
    body->len -= drop;
    return ck != NULL;
}

typedef struct views_of {
    ir_var *t;
    vec views;
} views_of;

static int note_view(const ir_expr *e, void *ctx)
{
    views_of *c = ctx;
    if (e->kind == E_READ && e->view->arr == c->t)
        vec_push(&c->views, e->view);
    return 0;
}

static int periodic_read(const ir_expr *e, void *ctx)
{
    (void)ctx;
    for (int d = 0; e->kind == E_READ && d < e->view->rank; d++)
        if (e->view->dim[d].kind == D_RANGE && e->view->dim[d].wrap)
            return 1;
    return 0;
}

/* Does some sweep without periodic reads read T as a stencil (views of T's rank, step 1, T's
 * dimension d on box dimension d, at constant offsets not all equal), as pass_fuse_stages stages? */
static int read_at_offsets(vec *body, const inl_cand *c)
{
    for (int i = c->a + 2; i <= c->last; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind != S_SWEEP || s->target->vrank != c->t->rank || ir_expr_any(s->e, periodic_read, NULL))
            continue;
        views_of vo = {c->t, {0}};
        ir_expr_any(s->e, note_view, &vo);
        vec rs = vo.views;
        int plain = 1, apart = 0;
        for (int r = 0; r < rs.len; r++) {
            ir_view *v0 = rs.items[0], *v = rs.items[r];
            for (int d = 0; d < v->rank; d++) {
                const ir_dim *m = &v->dim[d];
                int64_t o;
                if (m->kind != D_RANGE || m->box != d || m->step_c != 1 || !m->slo || !v0->dim[d].slo ||
                    !sym_is_const(sym_sub(m->slo, v0->dim[d].slo), &o))
                    plain = 0;
                else
                    apart |= o != 0;
            }
        }
        if (plain && apart)
            return 1;
    }
    return 0;
}

/* With --stage-chains only: computed once a tile, hdiff's fluxes took 1.33x the CPU time of
 * inlining them twice (bench/hdiff.tyl, 1 thread, quiet, 2026-12-06 05:03 UTC: the scratch
 * tiles' extra loads and stores cost more than the two limiters they save).
 * T (read in few places) is left to pass_fuse_stages when it is a stage of a chain: some
 * statement reads it at several offsets and its value reads a temporary that is read in too many
 * places to inline (hdiff's flux flx, read at i and i - 1, of the Laplacian lap). Inlined, T
 * would be computed twice a point from that temporary's tile; pass_fuse_stages computes it once
 * a tile from the other's tile, or inlines it as this pass would have. */
static int chain_stage(ir_program *p, tally *tl, vec *body, const inl_cand *c)
{
    if (!read_at_offsets(body, c))
        return 0;
    for (int a = 0; a < c->a; a++) {
        ir_stmt *al = VEC_AT(*body, a, ir_stmt *);
        inl_cand s;
        if (al->kind == S_ALLOC && ir_expr_reads_slot(c->f, al->var) && candidate(p, tl, body, a, INT_MAX, 0, &s) &&
            !candidate(p, tl, body, a, MAX_USES, 1, &s))
            return 1;
    }
    return 0;
}

static int try_inline(ir_program *p, tally *tl, vec *body, int a)
{
    inl_cand c;
    if (!candidate(p, tl, body, a, MAX_USES, 1, &c))
        return 0;
    if (p->stage_chains && chain_stage(p, tl, body, &c)) {
        c.t->chain = 1;
        return 0;
    }
    inl_apply(tl, body, &c);
    return 1;
}

ir_expr *inl_rewrite(ir_expr *e, ir_var *t, ir_expr *f, ir_expr **shape) { return rewrite(e, t, f, shape); }
ir_expr *inl_compose(ir_expr *f, ir_view *u) { return compose(f, u, NULL); }


/* A function's result bound to the caller's names (du, dv = rates(...) binds the callee's
 * fresh slots, then releases them): the definitions write the caller's slots directly, so the
 * caller's names become plain temporaries for try_inline. */
static void forward_binds(ir_program *p, tally *tl, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *b = VEC_AT(*body, i, ir_stmt *);
        if (b->kind != S_BIND)
            continue;
        for (int k = 0; k < b->n; k++) {
            ir_var *src = b->srcs[k], *dst = b->dst[k];
            int a = -1;
            for (int j = i - 2; j >= 0; j--) {
                ir_stmt *al = VEC_AT(*body, j, ir_stmt *);
                if (al->kind == S_ALLOC && al->var == src) {
                    a = j;
                    break;
                }
            }
            ir_var *t;
            ir_expr *f;
            if (a < 0 || !definition(body, a, &t, &f, 0) || src->type != dst->type || src->rank != dst->rank)
                continue;
            int clash = 0;
            for (int j = 0; j < b->n; j++)
                clash |= j != k && (b->srcs[j] == dst || b->dst[j] == dst);
            /* dst must not be mentioned from the definition to the bind */
            uses nd = scan_block(body, a, i, dst);
            if (clash || nd.reads || nd.shapes || nd.other)
                continue;
            /* src: only the definition, this bind and a release right after */
            int rel = -1;
            for (int j = i + 1; j < body->len; j++) {
                ir_stmt *r = VEC_AT(*body, j, ir_stmt *);
                if (r->kind == S_RELEASE && r->var == src) {
                    rel = j;
                    break;
                }
            }
            uses all = mentions(p, tl, src);
            uses def = scan_block(body, a, a + 2, src);
            uses mid = scan_block(body, a + 2, i, src);
            if (rel < 0 || mid.reads || mid.shapes || mid.other || all.reads != def.reads ||
                all.shapes != def.shapes || all.other != def.other + 2 /* bind, release */)
                continue;
            ir_stmt *al = VEC_AT(*body, a, ir_stmt *), *sw = VEC_AT(*body, a + 1, ir_stmt *);
            tally_stmt(tl, al, -1);
            tally_stmt(tl, sw, -1);
            tally_stmt(tl, b, -1);
            tally_stmt(tl, VEC_AT(*body, rel, ir_stmt *), -1);
            al->var = dst;
            sw->target->arr = dst;
            for (int d = 0; d < sw->target->rank; d++)
                ir_rename_slot(sw->target->dim[d].len, src, dst);
            ir_rename_slot(sw->e, src, dst);
            for (int j = rel; j + 1 < body->len; j++)
                body->items[j] = body->items[j + 1];
            body->len--;
            for (int j = k; j + 1 < b->n; j++) {
                b->srcs[j] = b->srcs[j + 1];
                b->dst[j] = b->dst[j + 1];
            }
            b->n--;
            k--;
            tally_stmt(tl, al, 1);
            tally_stmt(tl, sw, 1);
            tally_stmt(tl, b, 1);
        }
        if (b->n == 0) {
            tally_stmt(tl, b, -1);
            for (int j = i; j + 1 < body->len; j++)
                body->items[j] = body->items[j + 1];
            body->len--;
            i--;
        }
    }
}

static void block(ir_program *p, tally *tl, vec *body)
{
    forward_binds(p, tl, body);
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        block(p, tl, &s->body);
        block(p, tl, &s->orelse);
    }
    for (int i = 0; i < body->len;)
        if (!try_inline(p, tl, body, i))
            i++;
}

void pass_inline_temps(ir_program *p) { block(p, inl_tally_of(p), &p->body); }
