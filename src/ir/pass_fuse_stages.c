/* pass_fuse_stages.c: a temporary read at several constant offsets by one later sweep is
 * computed per tile of that sweep (Halide's compute_at with overlapped tiling) instead of being
 * stored whole.
 *
 * Requires: IR after pass_inline_temps and pass_rotate, before pass_copysem. pass_inline_temps
 * has already inlined the temporaries read in few places; what is left is read in many (hdiff's
 * lap, read 16 times once its flux consumers are inlined), where inlining would recompute it
 * for every read.
 * Establishes: for every slot T that pass_inline_temps could inline but for its number of reads
 * (allocated, filled by one fresh sweep with value f over all of T, only read later in the same
 * block by statements whose inputs f does not change, dead afterwards), when
 *   - every read of T is in the value of a sweep C (a consumer; there may be several), of T's
 *     rank, and reads T at C's box index plus a constant along each dimension (step 1,
 *     dimension d of T following box dimension d); the constants of C's reads differ by
 *     compile-time constants;
 *   - neither f nor C's value reads periodically (np.roll), and T's definition is not itself
 *     staged (elementwise operations raise no errors, so values computed at tile overlaps and
 *     corners no read uses are harmless);
 *   - T may be read by the values of C's stages instead of (or besides) C's own (a chain:
 *     hdiff's lap read by its fluxes flx and fly, themselves stages of out): T's tile is then
 *     grown by what those stages' grown tiles read (a read's offset plus its stage's spread),
 *     and T comes before the stages reading it in C->stages (program order). The temporaries of
 *     chains (ir_var.chain, set by pass_inline_temps, and those their definitions read) are
 *     handled after the others and from the last, so the readers are stages when T is tried; a
 *     chain's temporary that cannot be staged is inlined as pass_inline_temps would have;
 * a consumer reading T at one offset only gets T inlined (as pass_inline_temps would; no tile
 * to share), each other consumer C an ir_stage for T (T computed once per consumer tile): C->staged is C's value reading T (its extents in terms of the
 * allocation), the stage's fc is f at T index lo + box point (lo: the lowest offset per
 * dimension), spread the highest minus the lowest offset, and C->e becomes the value with T
 * inlined, so every later pass (copy semantics, distribution, halo widths and exchanges, which
 * then cover the input's radius plus T's read radius) sees an ordinary sweep. T's allocation,
 * sweep and release are removed: T is never allocated. The schedule (pass_sched_stages) decides
 * whether the kernel computes T per tile (C) or the inlined value (CUDA); both give NumPy's bits,
 * since each point of T is the same expression evaluated in the same order. The tile of a stage
 * is the bounding box of its reads, so a point no read uses (a corner, for reads at (1, 0) and
 * (0, 1)) may be computed from halo cells nobody exchanged; it lies inside the allocation (the
 * halo is as wide per dimension as the widest read) and its value is never read.
 * ir_verify_stages checks that a stage reads only stages before it, at their recorded reads,
 * within their tiles.
 * Breaks: nothing.
 */
#include <limits.h>
#include <string.h>

#include "../util/sym.h"
#include "inline_temps.h"
#include "ir.h"

/* ---- queries ---- */

typedef struct scan {
    ir_var *t;
    vec reads;    /* ir_view* of T */
    int wrap;     /* a periodic read (any array) */
} scan;

static int scan_node(const ir_expr *e, void *ctx)
{
    scan *c = ctx;
    if (e->kind == E_READ) {
        if (e->view->arr == c->t)
            vec_push(&c->reads, e->view);
        for (int d = 0; d < e->view->rank; d++)
            if (e->view->dim[d].kind == D_RANGE && e->view->dim[d].wrap)
                c->wrap = 1;
    }
    return 0;
}

static scan scan_of(ir_expr *e, ir_var *t)
{
    scan c = {.t = t};
    if (e)
        ir_expr_any(e, scan_node, &c);
    return c;
}

/* Reads of T anywhere in a statement's expressions (nested blocks included). */
static int reads_in_stmt(ir_stmt *s, ir_var *t)
{
    int n = 0;
    ir_expr *es[] = {s->e, s->e2, s->e3};
    for (int i = 0; i < 3; i++)
        n += scan_of(es[i], t).reads.len;
    for (int i = 0; s->args && (s->kind == S_SETELEM || s->kind == S_PRINT || s->kind == S_CHECK) &&
                    i < (s->kind == S_CHECK ? s->na + s->nb : s->n); i++)
        n += scan_of(s->args[i], t).reads.len;
    for (int i = 0; i < s->body.len; i++)
        n += reads_in_stmt(VEC_AT(s->body, i, ir_stmt *), t);
    for (int i = 0; i < s->orelse.len; i++)
        n += reads_in_stmt(VEC_AT(s->orelse, i, ir_stmt *), t);
    return n;
}

/* The reads of T in C's staged computation: first in its value (`staged`), then in the value of
 * each of its stages in order (a chain: hdiff's lap read by the stages flx and fly). ctx[r] is
 * the stage whose fc holds read r, NULL for the value: a stage's points are computed over its
 * grown tile, so its reads reach its spread further than the value's. */
typedef struct creads {
    vec views; /* ir_view* */
    vec ctx;   /* ir_stage* or NULL */
    int wrap;  /* a periodic read of any array */
} creads;

static void collect(ir_expr *value, vec *stages, ir_var *t, creads *out)
{
    *out = (creads){0};
    scan v = scan_of(value, t);
    out->wrap = v.wrap;
    for (int r = 0; r < v.reads.len; r++) {
        vec_push(&out->views, v.reads.items[r]);
        vec_push(&out->ctx, NULL);
    }
    for (int k = 0; k < stages->len; k++) {
        ir_stage *st = VEC_AT(*stages, k, ir_stage *);
        scan f = scan_of(st->fc, t);
        out->wrap |= f.wrap;
        for (int r = 0; r < f.reads.len; r++) {
            vec_push(&out->views, f.reads.items[r]);
            vec_push(&out->ctx, st);
        }
    }
}

/* The offsets of T's reads (views of rank B, step 1, dimension d on box dimension d) relative
 * to the lowest, per dimension, and the spread of T's tile: the highest offset, plus the spread
 * of the stage whose tile the read serves; 0 when the offsets are not compile-time constants. */
static int offsets(creads *cr, int B, int64_t (*off)[IR_MAX_RANK], int *lowest, int64_t *spread)
{
    vec *reads = &cr->views;
    for (int d = 0; d < B; d++) {
        lowest[d] = 0;
        spread[d] = 0;
    }
    for (int r = 0; r < reads->len; r++) {
        ir_view *v = VEC_AT(*reads, r, ir_view *);
        if (v->rank != B)
            return 0;
        for (int d = 0; d < B; d++) {
            const ir_dim *m = &v->dim[d];
            if (m->kind != D_RANGE || m->box != d || m->step_c != 1 || m->wrap || !m->slo)
                return 0;
        }
    }
    for (int d = 0; d < B; d++) {
        ir_view *v0 = VEC_AT(*reads, 0, ir_view *);
        int64_t lo = 0;
        for (int r = 0; r < reads->len; r++) {
            ir_view *v = VEC_AT(*reads, r, ir_view *);
            if (!sym_is_const(sym_sub(v->dim[d].slo, v0->dim[d].slo), &off[r][d]))
                return 0;
            if (off[r][d] < lo) {
                lo = off[r][d];
                lowest[d] = r;
            }
        }
        int64_t hi = 0;
        for (int r = 0; r < reads->len; r++) {
            ir_stage *in = VEC_AT(cr->ctx, r, ir_stage *);
            off[r][d] -= lo;
            if (off[r][d] + (in ? in->spread[d] : 0) > hi)
                hi = off[r][d] + (in ? in->spread[d] : 0);
        }
        if (hi > 64) /* a scratch tile that wide would not stay in cache */
            return 0;
        spread[d] = hi;
    }
    return 1;
}

/* ---- the pass ---- */

static int try_stage(ir_program *p, inl_tally *tl, vec *body, int a)
{
    inl_cand c;
    if (!inl_candidate(p, tl, body, a, INT_MAX, &c))
        return 0;
    ir_var *t = c.t;
    ir_stmt *al = VEC_AT(*body, a, ir_stmt *), *def = VEC_AT(*body, a + 1, ir_stmt *);
    int B = t->rank;
    if (B < 2 || B > IR_MAX_RANK || def->stages.len)
        return 0;
    scan fs = scan_of(c.f, t);
    if (fs.wrap || fs.reads.len)
        return 0;
    /* the consumers: sweeps reading T in their value only, each given a stage of its own */
    ir_stmt *cons[16];
    ir_stage *sts[16];
    ir_expr *stg[16];
    vec nsts[16];
    int nc = 0;
    for (int i = a + 2; i <= c.last; i++) {
        ir_stmt *C = VEC_AT(*body, i, ir_stmt *);
        int n = reads_in_stmt(C, t);
        if (!n)
            continue;
        if (C->kind != S_SWEEP || nc == 16 || C->target->vrank != B)
            return 0;
        scan cs = scan_of(C->e, t);
        if (cs.reads.len != n || cs.wrap)
            return 0;
        for (int d = 0; d < C->target->rank; d++)
            if (C->target->dim[d].kind == D_RANGE && C->target->dim[d].wrap)
                return 0;
        /* C's value and its stages' values keeping T's reads, T's extents replaced by the
           allocation's */
        ir_expr *staged = inl_rewrite(C->staged ? C->staged : C->e, t, NULL, al->shape);
        vec nst = {0};
        for (int k = 0; k < C->stages.len; k++) {
            ir_stage *o = NEW(ir_stage);
            *o = *VEC_AT(C->stages, k, ir_stage *);
            o->f = inl_rewrite(o->f, t, NULL, al->shape);
            o->fc = inl_rewrite(o->fc, t, NULL, al->shape);
            vec_push(&nst, o);
        }
        creads cr;
        collect(staged, &nst, t, &cr);
        if (!cr.views.len || cr.wrap)
            return 0;
        ir_stage *st = NEW(ir_stage);
        st->off = (int64_t(*)[IR_MAX_RANK])NEWN(int64_t, IR_MAX_RANK * cr.views.len);
        int lowest[IR_MAX_RANK];
        if (!offsets(&cr, B, st->off, lowest, st->spread))
            return 0;
        st->slot = t;
        st->nreads = cr.views.len;
        st->reads = (ir_view **)cr.views.items;
        st->f = inl_rewrite(c.f, t, NULL, al->shape);
        /* T at lo + box point: per dimension the lowest read's start */
        ir_view *lo = ir_view_clone(st->reads[0]);
        for (int d = 0; d < B; d++) {
            ir_view *r = st->reads[lowest[d]];
            lo->dim[d].lo = r->dim[d].lo;
            lo->dim[d].slo = r->dim[d].slo;
        }
        st->fc = inl_compose(st->f, lo);
        /* all of C's reads in its value at one offset: T is inlined into C, no tile */
        int one = 1;
        for (int r = 0; r < st->nreads; r++)
            one &= VEC_AT(cr.ctx, r, ir_stage *) == NULL &&
                   !memcmp(st->off[r], st->off[0], sizeof st->off[0][0] * (size_t)B);
        if (one) {
            st = NULL;
            staged = C->staged ? inl_rewrite(C->staged, t, c.f, al->shape) : NULL;
        }
        cons[nc] = C;
        sts[nc] = st;
        nsts[nc] = nst;
        stg[nc++] = staged;
    }
    if (!nc)
        return 0;
    for (int j = 0; j < nc; j++) {
        ir_stmt *C = cons[j];
        C->staged = stg[j];
        /* the stages in program order: T before those defined after it, among them every stage
           that reads T (T reads none of the stages: a temporary read by T's definition would
           have been staged into it, and T not staged) */
        C->stages = (vec){0};
        int put = !sts[j];
        for (int k = 0; k < nsts[j].len; k++) {
            ir_stage *o = nsts[j].items[k];
            if (!put && (o->slot->id > t->id || ir_expr_reads_slot(o->fc, t))) {
                vec_push(&C->stages, sts[j]);
                put = 1;
            }
            vec_push(&C->stages, o);
        }
        if (!put)
            vec_push(&C->stages, sts[j]);
        /* the rewrites copied the views of the stages already there: find them again, in the
           order their offsets were computed in (the value, then the stages in order) */
        for (int i = 0; C->staged && i < C->stages.len; i++) {
            ir_stage *o = VEC_AT(C->stages, i, ir_stage *);
            creads cr;
            collect(C->staged, &C->stages, o->slot, &cr);
            if (cr.views.len != o->nreads)
                INTERNAL("pass_fuse_stages: the reads of stage %s changed", o->slot->name);
            o->reads = (ir_view **)cr.views.items;
        }
    }
    inl_apply(tl, body, &c);
    return 1;
}

/* Is body[a] the allocation of a temporary in a chain: one pass_inline_temps left to this pass
 * (chain), or one whose value such a temporary's definition reads? */
static int in_chain(vec *body, int a, int any)
{
    ir_stmt *al = VEC_AT(*body, a, ir_stmt *);
    if (al->kind != S_ALLOC)
        return 0;
    if (al->var->chain)
        return 1;
    for (int i = a + 1; any && i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_SWEEP && s->target->arr->chain && ir_expr_reads_slot(s->e, al->var))
            return 1;
    }
    return 0;
}

static int chained(vec *body, int a, vec *chain)
{
    ir_stmt *al = VEC_AT(*body, a, ir_stmt *);
    for (int k = 0; al->kind == S_ALLOC && k < chain->len; k++)
        if (chain->items[k] == al->var)
            return 1;
    return 0;
}

/* Temporaries in program order, except those of chains; then the chains' from the last: a
 * temporary read by a stage (lap, read by the fluxes) is staged after the stage that reads it,
 * into the same consumer. A temporary that pass_inline_temps left for a chain and that could not
 * be staged is inlined as that pass would have done. */
static void block(ir_program *p, inl_tally *tl, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        block(p, tl, &s->body);
        block(p, tl, &s->orelse);
    }
    int any = 0; /* does some sweep here fill a chain's temporary? */
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        any |= s->kind == S_SWEEP && s->target->arr->chain;
    }
    vec chain = {0}; /* ir_var*: the temporaries of chains, found before any is staged */
    for (int i = 0; i < body->len; i++)
        if (in_chain(body, i, any))
            vec_push(&chain, VEC_AT(*body, i, ir_stmt *)->var);
    for (int i = 0; i < body->len;)
        if (chained(body, i, &chain) || !try_stage(p, tl, body, i))
            i++;
    for (int i = body->len - 1; i >= 0; i--) {
        if (!chained(body, i, &chain) || try_stage(p, tl, body, i))
            continue;
        inl_cand c;
        if (inl_candidate(p, tl, body, i, INT_MAX, &c) && c.t->chain)
            inl_apply(tl, body, &c);
    }
}

void pass_fuse_stages(ir_program *p) { block(p, inl_tally_of(p), &p->body); }

/* ---- checks and dump ---- */

static int stage_slot(ir_stmt *s, ir_var *v)
{
    for (int i = 0; i < s->stages.len; i++)
        if (VEC_AT(s->stages, i, ir_stage *)->slot == v)
            return 1;
    return 0;
}

typedef struct vctx {
    ir_stmt *s;
    int bad;
} vctx;

/* A read of a stage's slot that is not one of the stage's reads. */
static int stray_read(const ir_expr *e, void *ctx)
{
    vctx *c = ctx;
    if (e->kind != E_READ || !stage_slot(c->s, e->view->arr))
        return 0;
    for (int i = 0; i < c->s->stages.len; i++) {
        ir_stage *st = VEC_AT(c->s->stages, i, ir_stage *);
        for (int r = 0; r < st->nreads; r++)
            if (st->reads[r] == e->view)
                return 0;
    }
    c->bad = 1;
    return 1;
}

/* Stage k's value reads only stages computed before it, each at one of that stage's reads,
 * within its tile: stage k's points reach its spread past the read's offset. */
static void chain_reads(ir_stmt *s, int k, const char *after)
{
    ir_stage *st = VEC_AT(s->stages, k, ir_stage *);
    for (int j = 0; j < s->stages.len; j++) {
        ir_stage *o = VEC_AT(s->stages, j, ir_stage *);
        scan f = scan_of(st->fc, o->slot);
        if (f.reads.len && j >= k)
            INTERNAL("after %s: stage %s reads %s, not computed before it", after, st->slot->name, o->slot->name);
        for (int q = 0; q < f.reads.len; q++) {
            int r = 0;
            while (r < o->nreads && o->reads[r] != f.reads.items[q])
                r++;
            if (r == o->nreads)
                INTERNAL("after %s: stage %s reads %s outside its stage", after, st->slot->name, o->slot->name);
            for (int d = 0; d < o->slot->rank; d++)
                if (o->off[r][d] + st->spread[d] > o->spread[d])
                    INTERNAL("after %s: stage %s reads %s outside its tile", after, st->slot->name, o->slot->name);
        }
    }
}

static int any_stage_read(const ir_expr *e, void *ctx)
{
    return e->kind == E_READ && stage_slot(((vctx *)ctx)->s, e->view->arr);
}

static void verify_block(vec *body, const char *after)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        verify_block(&s->body, after);
        verify_block(&s->orelse, after);
        if (!s->stages.len)
            continue;
        vctx c = {s, 0};
        if (s->kind != S_SWEEP || !s->staged)
            INTERNAL("after %s: a staged statement is not a sweep with a staged value", after);
        ir_expr_any(s->staged, stray_read, &c);
        if (c.bad || ir_expr_any(s->e, any_stage_read, &c))
            INTERNAL("after %s: a temporary computed per tile is read outside its stage", after);
        for (int k = 0; k < s->stages.len; k++) {
            ir_stage *st = VEC_AT(s->stages, k, ir_stage *);
            if (!st->nreads)
                INTERNAL("after %s: stage %s is not read", after, st->slot->name);
            chain_reads(s, k, after);
            for (int r = 0; r < st->nreads; r++)
                for (int d = 0; d < st->slot->rank; d++)
                    if (st->off[r][d] < 0 || st->off[r][d] > st->spread[d])
                        INTERNAL("after %s: stage %s: a read outside its tile", after, st->slot->name);
        }
    }
}

/* Every statement mentioning a staged slot outside its stage (an allocation, a sweep writing
 * it, a read): the slot must not exist at run time. */
static void collect_staged(vec *body, vec *out)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        for (int k = 0; k < s->stages.len; k++)
            vec_push(out, VEC_AT(s->stages, k, ir_stage *)->slot);
        collect_staged(&s->body, out);
        collect_staged(&s->orelse, out);
    }
}

static void no_mention(vec *body, vec *slots, const char *after)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        for (int k = 0; k < slots->len; k++) {
            ir_var *v = slots->items[k];
            if (((s->kind == S_ALLOC || s->kind == S_RELEASE || s->kind == S_LOAD) && s->var == v) ||
                (s->target && s->target->arr == v) || (s->e && ir_expr_reads_slot(s->e, v)))
                INTERNAL("after %s: temporary %s is computed per tile but still exists", after, v->pyname);
        }
        no_mention(&s->body, slots, after);
        no_mention(&s->orelse, slots, after);
    }
}

void ir_verify_stages(ir_program *p, const char *after_pass)
{
    verify_block(&p->body, after_pass);
    vec slots = {0};
    collect_staged(&p->body, &slots);
    if (slots.len)
        no_mention(&p->body, &slots, after_pass);
}
