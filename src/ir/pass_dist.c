/* pass_dist.c: which arrays are distributed over the MPI ranks (pass_dist), and how a read
 * relates to the target of its sweep (ir_dist_relate), which pass_halo.c sizes the halos by.
 *
 * The model (docs/DISTRIBUTION.md): every rank runs the scalar code; a DISTRIBUTED array is
 * split in blocks over one Cartesian process grid, each rank computing the points of a sweep
 * whose target element it owns ("owner computes"); a REPLICATED array is whole on every rank and
 * every rank computes all of it. Reads of a distributed array must then stay within the block
 * plus a halo of constant width, which holds when the read is the target's own index plus a
 * compile-time constant along every dimension (a stencil), the two arrays' extents differ by a
 * constant (their blocks are then misaligned by at most that constant), and periodic (np.roll)
 * reads shift by a constant. A ghost-cell periodic copy (u[0, :] = u[-2, :]: target and read
 * fixed relative to opposite ends of one extent, ghost_wrap) is such a periodic read at a
 * constant offset too. Anything else makes the array replicated, which is always correct:
 * a replicated target reads its operands whole, so their arrays become replicated too, and so on
 * to a fixed point; except where it may gather them at run time instead (may_gather): outside
 * every loop (a profile or a copy taken after the time loop) and, inside a loop, a small box the
 * same every iteration (a probe, a centre line recorded each step).
 * Element writes in loops (but those pass_elems made one-point sweeps) and element reads in
 * nested loops (scalar-loop programs) also make an array replicated, so they cost no message
 * per element. So does an
 * extent that is 1 when compiling (np.zeros((1, n)), an np.load input of shape (1, ny)): such an
 * axis cannot be split over the grid's ranks along it, and these arrays are broadcast operands.
 * Where the program mixes ranks (an (ny, nx, 9) LBM field beside (ny, nx) moments, a (3, n)
 * stack beside 1-D fields), the component axes of the higher-rank arrays (pass_dist_axes.c) are
 * kept whole on every rank and the grid has the lower rank: reads correspond axis to axis over
 * the other axes (pair_dims). A roll by a shift from a constant table (np.roll(f[:, :, i], cx[i],
 * axis=1), ir_range.c) is a periodic read at offsets within the table's range.
 *
 * pass_dist requires: alias classes (pass_copysem); runs before pass_fuse, which fuses only
 * sweeps whose targets share their local box on every rank (ir_dist_aligned).
 * Establishes: ir_var.layout of every slot (one ir_layout per alias class, dist decided, whole:
 * its component axes), ir_program.grid_rank and .layouts; ir_dim.ranged/rlo/rhi of rolls by a
 * table's shifts; for layouts whose arrays' index spaces differ from their
 * group's by constant offsets, align/ak/as (aligned blocks, align_groups below; never with
 * ir_program.dist_plain), which pass_halo's widths and ir_dist_aligned take into account and the
 * run time's blocks follow (tyl_dist.c, tyl_dist_block_l_).
 *
 * pass_halo (pass_halo.c) then sets the halo widths and the exchanges from the layouts.
 */
#include <string.h>

#include "../util/sym.h"
#include "ir.h"

enum { MAX_HALO = 16 }; /* wider reads make the array replicated */

typedef struct dctx {
    ir_program *p;
    int G;           /* grid rank */
    char *dist;      /* by layout class: 1 distributed */
    char *bigw;      /* by layout class: 1 when something writes more than a small box of it */
    double *lfrac;   /* by layout class: the part of it the outermost loop around the statement
                        reads in small boxes (may_gather) */
    int *cls;        /* layout class of each slot id */
    vec varying;     /* ir_var*: the scalars the loops around the statement change
                        (ir_loop_vars) */
    int own;         /* constrain: the anchor's own read needs no relation (S_REDUCE.row) */
    int changed;
} dctx;

/* Layout classes: slots between which a buffer can move (any binding, moves and permutations
 * included, and rotations), coarser than alias classes: a buffer keeps its layout for life. */
static int lfind(int *cls, int i)
{
    while (cls[i] != i)
        i = cls[i] = cls[cls[i]];
    return i;
}
static void lunite(int *cls, ir_var *a, ir_var *b)
{
    int x = lfind(cls, a->id), y = lfind(cls, b->id);
    if (x != y)
        cls[x > y ? x : y] = x < y ? x : y;
}
static void layout_classes(vec *body, int *cls)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_BIND)
            for (int k = 0; k < s->n; k++)
                lunite(cls, s->dst[k], s->srcs[k]);
        if (s->kind == S_ROTATE)
            lunite(cls, s->var, s->src_slot);
        layout_classes(&s->body, cls);
        layout_classes(&s->orelse, cls);
    }
}

static int is_dist(dctx *c, ir_var *v) { return v && v->is_array && c->dist[lfind(c->cls, v->id)]; }

static void make_repl(dctx *c, ir_var *v)
{
    if (is_dist(c, v)) {
        c->dist[lfind(c->cls, v->id)] = 0;
        c->changed = 1;
    }
}

/* The offset of the read's start along a dimension, as a sym: np.roll views keep their shift
 * in `lo` (relative to the whole array), so a constant lo is their offset. */
const sym *ir_dist_dim_start(const ir_dim *m)
{
    int64_t k;
    if (m->wrap)
        return ir_expr_const_int(m->lo, &k) ? sym_const(k) : NULL;
    return m->slo;
}

/* Where a dimension's start lies: 1 when it is the constant *c >= 0 from the array's start, -1
 * when it is the extent plus a constant *c < 0 (counted from the end: u[-2], u[nx + 1] of an
 * array of extent nx + 2), 0 when neither is known. */
int ir_dist_start_end(const ir_dim *m, int64_t *c)
{
    if (!m->slo || !m->aext)
        return 0;
    if (sym_is_const(m->slo, c) && *c >= 0)
        return 1;
    const sym *e = sym_sub(m->slo, m->aext);
    if (e && sym_is_const(e, c) && *c < 0)
        return -1;
    return 0;
}

/* A ghost-cell periodic copy along one dimension: the target's and the read's starts are
 * constants counted from opposite ends of one extent N (u[0, :] = u[-2, :]: 0 and N - 2;
 * u[-1, :] = u[1, :]: N - 1 and 1; slabs of one length such as u[0:2] = u[-4:-2] alike). The
 * read's index is then the target's plus off = cr - ct modulo N, exactly (both lie in
 * [0, N)), a periodic read like np.roll's: the halo along d wraps around and holds it. The
 * read's index relative to the halo is cr counted from the other end (ghost_rebase). */
static int ghost_wrap(const ir_dim *td, const ir_dim *rd, int64_t *off)
{
    int64_t ct, cr;
    int et = ir_dist_start_end(td, &ct), er = ir_dist_start_end(rd, &cr);
    if (!et || !er || et == er || rd->wrap)
        return 0;
    *off = cr - ct;
    return 1;
}

/* The axes of a slot's layout kept whole on every rank (component axes, pass_dist). */
static unsigned whole_of(const ir_var *v) { return v && v->layout ? v->layout->whole : 0; }

/* The dimension of t that corresponds to each dimension of r (pt[d]; -1 for an axis of r kept
 * whole, which no grid axis splits): the same dimension when neither keeps an axis whole,
 * otherwise the k-th split axis of r to the k-th split axis of t (both lie on the grid's axes in
 * order). 0 when they do not correspond (split axes in different numbers). */
int ir_dist_pair_dims(const ir_view *t, const ir_view *r, int *pt)
{
    unsigned wt = whole_of(t->arr), wr = whole_of(r->arr);
    if (!wt && !wr) {
        if (t->rank != r->rank)
            return 0;
        for (int d = 0; d < r->rank; d++)
            pt[d] = d;
        return 1;
    }
    int ti = 0;
    for (int d = 0; d < r->rank; d++) {
        pt[d] = -1;
        if (wr >> d & 1)
            continue;
        while (ti < t->rank && (wt >> ti & 1))
            ti++;
        if (ti == t->rank)
            return 0;
        pt[d] = ti++;
    }
    while (ti < t->rank && (wt >> ti & 1))
        ti++;
    return ti == t->rank;
}

/* Is read view r, in a sweep whose points are owned through view t, the target's index plus a
 * constant along every dimension? Then off[d] is that constant and k[d] the difference of the
 * arrays' extents (their blocks' misalignment bound), per dimension d of r. Bit d of *pw (when
 * pw is not NULL): the read is a ghost-cell periodic copy along d (ghost_wrap), off[d] taken
 * modulo the extent. sp (when not NULL): per dimension, how far beyond off the read may reach
 * (a roll by a shift from a table, ir_dim.ranged: off .. off + sp[d]; without sp such reads do
 * not relate). An axis of r kept whole (component axes) is read where the rank holds all
 * of it: off and k 0, whatever the index; the other axes correspond to t's by pair_dims. */
int ir_dist_relate(ir_view *t, ir_view *r, int64_t *off, int64_t *k, unsigned *pw, int64_t *sp)
{
    int pt[IR_MAX_RANK];
    if (pw)
        *pw = 0;
    for (int d = 0; sp && d < r->rank; d++)
        sp[d] = 0;
    if (!ir_dist_pair_dims(t, r, pt))
        return 0;
    for (int d = 0; d < r->rank; d++) {
        if (pt[d] < 0) {
            off[d] = k[d] = 0;
            if (r->dim[d].wrap)
                return 0; /* np.roll along a component axis: no halo holds it */
            continue;
        }
        const ir_dim *td = &t->dim[pt[d]], *rd = &r->dim[d];
        if (td->kind != rd->kind || td->wrap)
            return 0;
        if (td->kind == D_RANGE) {
            if (td->box != rd->box || rd->box < 0 || td->step_c == 0 || td->step_c != rd->step_c)
                return 0;
        }
        const sym *diff = sym_sub(ir_dist_dim_start(rd), ir_dist_dim_start(td));
        if (rd->ranged) { /* a roll by a shift from a table: offsets off .. off + sp (also once
                             pass_halo took its wrap: a view may be read by several sweeps) */
            if (!sp)
                return 0;
            diff = sym_sub(sym_const(rd->rlo), ir_dist_dim_start(td));
            sp[d] = rd->rhi - rd->rlo;
        }
        int ghost = 0;
        if (!diff || !sym_is_const(diff, &off[d])) {
            if (!ghost_wrap(td, rd, &off[d]))
                return 0;
            ghost = 1;
        }
        if (r->arr == t->arr)
            k[d] = 0;
        else {
            const sym *ke = sym_sub(rd->aext, td->aext);
            if (!ke || !sym_is_const(ke, &k[d]))
                return 0;
        }
        if ((rd->wrap || ghost) && k[d] != 0)
            return 0;
        if (ghost && pw)
            *pw |= 1u << d;
    }
    return 1;
}

/* Halo layers a related read needs below (hl) and above (hh) the owned block. */
static void need_widths(int rank, const int64_t *off, const int64_t *k, const int64_t *sp, int64_t *hl, int64_t *hh)
{
    for (int d = 0; d < rank; d++) {
        int64_t kp = k[d] > 0 ? k[d] : 0, kn = k[d] < 0 ? -k[d] : 0, top = off[d] + (sp ? sp[d] : 0);
        hl[d] = kp - off[d] > 0 ? kp - off[d] : 0;
        hh[d] = top + kn > 0 ? top + kn : 0;
    }
}

/* The same for a read between two layouts of one aligned group (pass_dist, align_groups): every
 * interior block boundary of r's array lies exactly as[r] - as[t] above t's, and the edge ranks'
 * blocks reach the arrays' ends, which no in-bounds read passes. */
static void aligned_widths(int rank, const ir_layout *Lt, const ir_layout *Lr, const int64_t *off, int64_t *hl,
                           int64_t *hh)
{
    for (int d = 0; d < rank; d++) {
        int64_t delta = (int64_t)Lr->as[d] - Lt->as[d];
        hl[d] = delta - off[d] > 0 ? delta - off[d] : 0;
        hh[d] = off[d] - delta > 0 ? off[d] - delta : 0;
    }
}

/* The widths a related read needs with the layouts as decided. */
void ir_dist_read_widths(ir_view *t, ir_view *r, const int64_t *off, const int64_t *k, const int64_t *sp,
                         int64_t *hl, int64_t *hh)
{
    const ir_layout *Lt = t->arr->layout, *Lr = r->arr->layout;
    if (Lt && Lr && Lt->align && Lr->align) /* never with sp (ranged reads keep plain blocks) */
        aligned_widths(r->rank, Lt, Lr, off, hl, hh);
    else
        need_widths(r->rank, off, k, sp, hl, hh);
}

static int halo_ok(ir_view *t, ir_view *r)
{
    int64_t off[IR_MAX_RANK], k[IR_MAX_RANK], hl[IR_MAX_RANK], hh[IR_MAX_RANK], sp[IR_MAX_RANK];
    if (!ir_dist_relate(t, r, off, k, NULL, sp))
        return 0;
    need_widths(r->rank, off, k, sp, hl, hh);
    for (int d = 0; d < r->rank; d++)
        if (hl[d] > MAX_HALO || hh[d] > MAX_HALO)
            return 0;
    return 1;
}

int ir_dist_halo_read(ir_view *t, ir_view *r) { return halo_ok(t, r); }

/* ---- visiting reads ---------------------------------------------------------------------------- */


typedef struct elem_ctx {
    dctx *c;
} elem_ctx;
static int repl_elem(const ir_expr *e, void *ctx)
{
    if (e->kind == E_ELEM)
        make_repl(((elem_ctx *)ctx)->c, e->var);
    return 0;
}

/* The reduction's anchor: its first read of a distributed array (dist says which) that iterates
 * every box dimension (no broadcast), so owning its elements splits the box. */
static ir_view *anchor_of(ir_stmt *s, int (*dist)(void *, ir_var *), void *ctx)
{
    ir_reads r = {0};
    ir_reads_of(s->e, &r);
    for (int i = 0; i < r.n; i++) {
        ir_view *v = r.v[i];
        if (!dist(ctx, v->arr) || v->vrank != s->n)
            continue;
        int ok = 1;
        for (int d = 0; d < v->rank; d++)
            if (v->dim[d].kind == D_RANGE && (v->dim[d].box < 0 || v->dim[d].wrap))
                ok = 0;
        if (ok)
            return v;
    }
    return NULL;
}

static int dctx_dist(void *c, ir_var *v) { return is_dist(c, v); }
static ir_view *reduce_anchor(dctx *c, ir_stmt *s) { return anchor_of(s, dctx_dist, c); }

/* A view of an array with an extent of 1 known when compiling. */
static int thin_view(const ir_view *v)
{
    int64_t k;
    for (int d = 0; d < v->rank; d++)
        if (v->dim[d].aext && sym_is_const(v->dim[d].aext, &k) && k == 1)
            return 1;
    return 0;
}

/* ---- gathers ---------------------------------------------------------------------------------
 *
 * A replicated target may read a distributed array by gathering, at run time, the box its
 * reads cover (tyl_sweep.c, run_gathered; tyl_copy_l for a whole copy), so that such a read
 * does not make the array, and so the program, replicated. Outside every loop that runs once
 * (a profile taken after the time loop), whatever the box. Inside a loop it runs every time,
 * so only a SMALL box: a point, a line, a plane (a diagnostic printed every N steps, a probe or
 * a centre line recorded each step), while a read of the whole field each step keeps it
 * replicated, as that would move more than computing it everywhere. Never in library mode,
 * where a function's body runs at every call. */

enum { SMALL_FRACTION = 4 }; /* a small box covers at most 1/4 of the extent along a dimension */

/* The rows a view covers along dimension d when that count is known when compiling (a fixed
 * index: 1; a range of constant length), else -1; its start relative to ref's in *off. */
static int64_t bounded_dim(const ir_dim *m, const ir_dim *ref, int64_t *off)
{
    /* more rows than this, or that far away, are no small box: the sums and products of the
     * callers stay far from overflowing (random.sample(range(n), 2**63 - 1) read as 2**63 - 1
     * rows times SMALL_FRACTION was one: UBSan, fuzz seed 6304) */
    const int64_t far = (int64_t)1 << 40;
    int64_t n;
    if (m->kind == D_FIXED)
        n = 1;
    else if (m->wrap || !m->slen || !sym_is_const(m->slen, &n) || n < 0 || n > far)
        return -1;
    *off = 0;
    if (m == ref)
        return n;
    if (ref->kind != m->kind)
        return -1;
    const sym *diff = m->slo && ref->slo ? sym_sub(m->slo, ref->slo) : NULL;
    if (diff && sym_is_const(diff, off))
        return *off >= -far && *off <= far ? n : -1;
    return ir_expr_equal(m->lo, ref->lo) ? n : -1;
}

typedef struct small_ctx {
    dctx *c;
    ir_var *arr;
    const ir_view *first; /* the first read of arr */
    int64_t lo[IR_MAX_RANK], hi[IR_MAX_RANK]; /* per dimension: rows covered relative to first */
    unsigned bounded;     /* bit d: every read of arr so far bounded along d */
    int varying;          /* a read's index changes from one iteration to the next */
} small_ctx;

static int note_small(const ir_expr *e, void *ctx)
{
    small_ctx *q = ctx;
    if (e->kind != E_READ || e->view->arr != q->arr)
        return 0;
    const ir_view *v = e->view;
    if (!q->first) {
        q->first = v;
        q->bounded = (1u << v->rank) - 1;
    }
    for (int d = 0; d < v->rank; d++) {
        int64_t off, n = bounded_dim(&v->dim[d], &q->first->dim[d], &off);
        if (n < 0) {
            q->bounded &= ~(1u << d);
            continue;
        }
        if (v == q->first || off < q->lo[d]) q->lo[d] = v == q->first ? 0 : off;
        if (v == q->first || off + n > q->hi[d]) q->hi[d] = v == q->first ? n : off + n;
    }
    ir_expr rd = {.kind = E_READ, .view = (ir_view *)v};
    for (int k = 0; k < q->c->varying.len; k++)
        if (ir_expr_uses_var(&rd, VEC_AT(q->c->varying, k, ir_var *)))
            q->varying = 1;
    return 0;
}

/* Whether what expression e reads of array arr is a small box: along some dimension every read
 * covers rows known when compiling, within SMALL_FRACTION of the extent where that is known
 * too (u[:, nx // 2], u[i0, j0], u[0:2, :], not u[:, 0] with u[:, -1]), and no read's index
 * changes from one iteration of a loop around it to the next (the same box each time, a probe;
 * a column copied in a loop over the columns would move the whole field). *frac: the part of
 * the array the box is, where the compiler knows it (the product of its bounded rows over the
 * extents known when compiling; 0 along an extent it does not know, taken as large). */
static int small_reads(dctx *c, ir_expr *e, ir_var *arr, double *frac)
{
    small_ctx q = {.c = c, .arr = arr};
    if (e)
        ir_expr_any(e, note_small, &q);
    if (!q.first || q.varying)
        return 0;
    int small = 0;
    *frac = 1.0;
    for (int d = 0; d < q.first->rank; d++) {
        int64_t ext;
        if (!(q.bounded >> d & 1))
            continue;
        const sym *a = q.first->dim[d].aext;
        if (!a || !sym_is_const(a, &ext)) {
            *frac = 0.0;
            small = 1;
            continue;
        }
        if (ext > 0)
            *frac *= (double)(q.hi[d] - q.lo[d]) / (double)ext;
        if ((q.hi[d] - q.lo[d]) * SMALL_FRACTION <= ext)
            small = 1;
    }
    return small;
}

/* A target view that writes a small box of its array (a line of a history, hist[n, :]). */
static int small_target(ir_view *t)
{
    ir_expr r = {.kind = E_READ, .view = t};
    small_ctx q = {.arr = t->arr};
    dctx none = {0};
    q.c = &none;
    note_small(&r, &q);
    for (int d = 0; d < t->rank; d++) {
        int64_t ext;
        if (!(q.bounded >> d & 1))
            continue;
        const sym *a = t->dim[d].aext;
        if (a && sym_is_const(a, &ext) && (q.hi[d] - q.lo[d]) * SMALL_FRACTION > ext)
            continue;
        return 1;
    }
    return 0;
}

/* Whether a statement at this loop depth, whose replicated target reads array arr through e,
 * may gather what it reads instead of making arr replicated: inside a loop, a small box, and
 * the small boxes of arr that the statements of the outermost loop around it read add up to at
 * most SMALL_FRACTION of it (lfrac: the 9 planes F[:, :, k] of an (ny, nx, 9) field read one by
 * one are the whole field an iteration). */
static int may_gather(dctx *c, int depth, ir_expr *e, ir_var *arr)
{
    double f;
    if (c->p->dist_plain)
        return 0;
    return depth == 0 || (small_reads(c, e, arr, &f) && c->lfrac[lfind(c->cls, arr->id)] * SMALL_FRACTION <= 1.0);
}

/* Add to lfrac, by layout class, the parts of each array the statements of body read in small
 * boxes (each array once a statement). */
static void loop_fracs(dctx *c, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        int nw = s->kind == S_FUSED ? s->body.len : s->kind == S_SWEEP;
        for (int j = 0; j < nw; j++) {
            ir_stmt *w = s->kind == S_FUSED ? VEC_AT(s->body, j, ir_stmt *) : s;
            ir_reads r = {0};
            ir_reads_of(w->e, &r);
            for (int k = 0; k < r.n; k++) {
                int seen = 0;
                for (int m = 0; m < k; m++)
                    seen |= r.v[m]->arr == r.v[k]->arr;
                double f;
                if (!seen && small_reads(c, w->e, r.v[k]->arr, &f))
                    c->lfrac[lfind(c->cls, r.v[k]->arr->id)] += f;
            }
        }
        int loop = s->kind == S_FOR || s->kind == S_WHILE, had = c->varying.len;
        if (loop)
            ir_loop_vars(s, &c->varying);
        loop_fracs(c, &s->body);
        c->varying.len = had;
        loop_fracs(c, &s->orelse);
    }
}

/* By layout class: written somewhere other than in small boxes (bigw); those written only in
 * small boxes (records of lines and points) become replicated rather than the field they copy. */
static void big_writes(dctx *c, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        switch (s->kind) {
        case S_SWEEP:
            if (!small_target(s->target))
                c->bigw[lfind(c->cls, s->target->arr->id)] = 1;
            break;
        case S_FUSED:
            for (int j = 0; j < s->body.len; j++) {
                ir_stmt *w = VEC_AT(s->body, j, ir_stmt *);
                if (!small_target(w->target))
                    c->bigw[lfind(c->cls, w->target->arr->id)] = 1;
            }
            break;
        case S_ALLOC:
            if (s->init == 3)
                c->bigw[lfind(c->cls, s->var->id)] = 1;
            break;
        case S_LOAD:
        case S_RANDOM:
        case S_ROTATE:
        case S_FFT:
            if (s->var && s->var->is_array)
                c->bigw[lfind(c->cls, s->var->id)] = 1;
            break;
        default: break;
        }
        big_writes(c, &s->body);
        big_writes(c, &s->orelse);
    }
}

/* A target (or anchor) t: its distributed reads must be halo reads, else they are replicated;
 * a replicated target makes its reads replicated unless it may gather them (depth: the
 * statement's loop depth, 0 for an anchor or a fused sweep, which never gather). A distributed
 * target written only in small boxes (a history's line, hist[n, :] = u[ny // 2, :]) that reads
 * a small box of a distributed array otherwise than at a constant offset becomes replicated
 * itself and gathers that box, rather than making the field replicated. Thin arrays are
 * replicated. */
static void constrain(dctx *c, ir_view *t, ir_expr *e, int depth, int gathers)
{
    double frac;
    if (t && thin_view(t))
        make_repl(c, t->arr);
    ir_reads r = {0};
    ir_reads_of(e, &r);
    for (int i = 0; i < r.n; i++) {
        ir_view *v = r.v[i];
        if (!is_dist(c, v->arr) || (v == t && c->own))
            continue;
        if (gathers && t && !is_dist(c, t->arr) && may_gather(c, depth, e, v->arr))
            continue;
        if (gathers && t && is_dist(c, t->arr) && t->arr != v->arr && !c->bigw[lfind(c->cls, t->arr->id)] &&
            !thin_view(v) && !halo_ok(t, v) && may_gather(c, depth, e, v->arr) && small_reads(c, e, v->arr, &frac)) {
            make_repl(c, t->arr);
            continue;
        }
        if (!t || !is_dist(c, t->arr) || thin_view(v) || !halo_ok(t, v))
            make_repl(c, v->arr);
    }
}

static void any_expr_elem(dctx *c, ir_expr *e)
{
    elem_ctx ec = {c};
    if (e)
        ir_expr_any(e, repl_elem, &ec);
}

static void stmt_exprs_elem(dctx *c, ir_stmt *s)
{
    any_expr_elem(c, s->e);
    any_expr_elem(c, s->e2);
    any_expr_elem(c, s->e3);
    if (s->kind == S_SETELEM || s->kind == S_PRINT)
        for (int i = 0; i < s->n; i++)
            if (s->args && s->args[i])
                any_expr_elem(c, s->args[i]);
}

static void visit(dctx *c, vec *body, int depth)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (depth >= 2)
            stmt_exprs_elem(c, s);
        switch (s->kind) {
        case S_SWEEP: constrain(c, s->target, s->e, depth, 1); break;
        case S_FUSED:
            for (int j = 0; j < s->body.len; j++) {
                ir_stmt *w = VEC_AT(s->body, j, ir_stmt *);
                constrain(c, w->target, w->e, 0, 0);
            }
            break;
        case S_REDUCE:
            /* a row of a sum along the last axis reads its own points, at indices a loop
             * changes that relate cannot compare (x[#k, :]): the array stays distributed and
             * each row's sum walks its tree over the ranks (tyl_reduce.c) */
            c->own = s->row;
            constrain(c, reduce_anchor(c, s), s->e, 0, 0);
            c->own = 0;
            break;
        case S_ALLOC: {
            /* a whole copy: gathered outside every loop only */
            if (s->init == 3 && !is_dist(c, s->var) && (depth > 0 || c->p->dist_plain))
                make_repl(c, s->src_slot);
            int64_t k;
            for (int d = 0; s->shape && d < s->var->rank; d++)
                if (s->shape[d] && ir_expr_const_int(s->shape[d], &k) && k == 1)
                    make_repl(c, s->var);
            break;
        }
        case S_LOAD:
            if (s->init) /* axes of extent 1 */
                make_repl(c, s->var);
            break;
        case S_FFT: /* both slots distributed alike (tyl_fft_dist.c), or both whole */
            if (!is_dist(c, s->var) || !is_dist(c, s->src_slot)) {
                make_repl(c, s->var);
                make_repl(c, s->src_slot);
            }
            break;
        case S_ROTATE:
            if (!is_dist(c, s->var) || !is_dist(c, s->src_slot)) {
                make_repl(c, s->var);
                make_repl(c, s->src_slot);
            }
            break;
        case S_SETELEM:
            if (depth >= 1 && !s->row) /* a row's sum (rows_exact): owner stores, in O(rows) */
                make_repl(c, s->var);
            break;
        default: break;
        }
        int loop = s->kind == S_FOR || s->kind == S_WHILE, had = c->varying.len;
        if (loop)
            ir_loop_vars(s, &c->varying);
        if (loop && depth == 0) { /* the small boxes this loop reads of each array */
            memset(c->lfrac, 0, sizeof *c->lfrac * (size_t)(c->p->nvars + 1));
            loop_fracs(c, &s->body);
        }
        visit(c, &s->body, depth + loop);
        c->varying.len = had;
        visit(c, &s->orelse, depth);
    }
}

/* Every array slot of the program, by id. */
static int note_slot(const ir_expr *e, void *ctx)
{
    ir_var **byid = ctx;
    if (e->kind == E_READ)
        byid[e->view->arr->id] = e->view->arr;
    if ((e->kind == E_ELEM || e->kind == E_SHAPE) && e->var->is_array)
        byid[e->var->id] = e->var;
    return 0;
}
static void slots_expr(ir_var **byid, ir_expr *e)
{
    if (e)
        ir_expr_any(e, note_slot, byid);
}
static void slots_block(ir_var **byid, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->var && s->var->is_array)
            byid[s->var->id] = s->var;
        if (s->src_slot)
            byid[s->src_slot->id] = s->src_slot;
        if (s->target) {
            byid[s->target->arr->id] = s->target->arr;
            ir_expr r = {.kind = E_READ, .view = s->target};
            slots_expr(byid, &r);
        }
        if (s->kind == S_BIND)
            for (int k = 0; k < s->n; k++) {
                byid[s->dst[k]->id] = s->dst[k];
                byid[s->srcs[k]->id] = s->srcs[k];
            }
        slots_expr(byid, s->e);
        slots_expr(byid, s->e2);
        slots_expr(byid, s->e3);
        if (s->kind == S_ALLOC && s->shape)
            for (int d = 0; d < s->var->rank; d++)
                slots_expr(byid, s->shape[d]);
        if ((s->kind == S_SETELEM || s->kind == S_PRINT || s->kind == S_CHECK) && s->args)
            for (int k = 0; k < (s->kind == S_CHECK ? s->na + s->nb : s->n); k++)
                if (s->args[k])
                    slots_expr(byid, s->args[k]);
        for (int k = 0; s->kind == S_PRINT && k < s->n; k++) {
            if (ir_print_slot(s, k))
                byid[s->pslots[k]->id] = s->pslots[k];
            if (ir_print_view(s, k)) {
                ir_expr r = {.kind = E_READ, .view = s->pviews[k]};
                slots_expr(byid, &r);
            }
        }
        slots_block(byid, &s->body);
        slots_block(byid, &s->orelse);
    }
}

/* ---- aligned blocks ---------------------------------------------------------------------------
 *
 * Each array is split by its own extent, so arrays whose extents differ by k (an (I+4, J+4)
 * input of an (I, J) output) have block boundaries up to k apart: the halo must absorb that, and
 * a pointwise copy between them (in_field[2:I+2, 2:J+2] = out_field) needs an exchange. A GROUP
 * is the distributed layouts connected by related reads (target index + constant); when every
 * array of a group has a known extent per layout, they are aligned: along each dimension the
 * group's BASE extent (the smallest) is split as usual and each layout's interior boundaries are
 * the base's moved up by its shift as in [0, ak] (ak: its extent minus the base's), the first
 * and last ranks reaching the array's ends. A rank then owns corresponding points of all of
 * them. The shift is decided layer by layer from the layouts of base extent (shift 0): the one
 * at which the fewest reads to and from decided layouts need halo, then the least halo
 * (in_field, read at 0..4 from out_field and written from it at 2: 2), so the halo is the
 * stencil's radius. A group is aligned only when no read then needs more halo on
 * any side than with plain blocks (never a new exchange, never a wider one), else it keeps
 * plain blocks. */

static int dist_slot(ir_var *v) { return v && ir_slot_dist(v); }
static int layout_dist(void *ctx, ir_var *v)
{
    (void)ctx;
    return dist_slot(v);
}
/* A reduction's anchor with the layouts as decided (pass_halo, align_groups). */
ir_view *ir_dist_anchor(ir_stmt *s) { return anchor_of(s, layout_dist, NULL); }

typedef struct aedge {
    ir_layout *t, *r;
    int64_t off[IR_MAX_RANK], k[IR_MAX_RANK];
} aedge;

typedef struct actx {
    int nl;
    int *up;            /* group union-find over layout ids */
    int64_t (*kr)[IR_MAX_RANK]; /* extent minus the group root's (valid once joined) */
    const sym *(*ext)[IR_MAX_RANK]; /* the layout's extents (NULL: none seen yet) */
    char *bad;          /* by layout: extents that are not one constant apart */
    vec edges;          /* aedge* */
} actx;

static int afind(actx *a, int i, int64_t *k)
{
    for (int d = 0; d < IR_MAX_RANK; d++)
        k[d] = 0;
    while (a->up[i] != i) {
        for (int d = 0; d < IR_MAX_RANK; d++)
            k[d] += a->kr[i][d];
        i = a->up[i];
    }
    return i;
}

static void note_extents(actx *a, ir_view *v)
{
    ir_layout *L = v->arr->layout;
    for (int d = 0; d < v->rank; d++) {
        const sym *e = v->dim[d].aext;
        int64_t z;
        if (!e)
            a->bad[L->id] = 1;
        else if (!a->ext[L->id][d])
            a->ext[L->id][d] = e;
        else if (!sym_is_const(sym_sub(e, a->ext[L->id][d]), &z) || z != 0)
            a->bad[L->id] = 1; /* one layout, arrays of several extents */
    }
}

/* Record a read at constant offsets (or a copy) between two layouts, joining their groups. */
static void join(actx *a, aedge *e)
{
    vec_push(&a->edges, e);
    int64_t kt[IR_MAX_RANK], kq[IR_MAX_RANK];
    int x = afind(a, e->t->id, kt), y = afind(a, e->r->id, kq);
    if (x == y) { /* both extents known relative to the root: they must agree */
        for (int d = 0; d < IR_MAX_RANK; d++)
            if (kq[d] - kt[d] != e->k[d])
                a->bad[x] = 1;
        return;
    }
    /* ext(y) = ext(r) - kq = ext(t) + k - kq = ext(x) + kt + k - kq */
    a->up[y] = x;
    for (int d = 0; d < IR_MAX_RANK; d++)
        a->kr[y][d] = kt[d] + e->k[d] - kq[d];
    a->bad[x] |= a->bad[y];
}

static void edge_of(actx *a, ir_view *t, ir_view *r)
{
    if (!t || !dist_slot(t->arr) || !dist_slot(r->arr))
        return;
    aedge *e = NEW(aedge);
    unsigned pw;
    int64_t sp[IR_MAX_RANK];
    if (!ir_dist_relate(t, r, e->off, e->k, &pw, sp))
        return; /* pass_dist made it replicated: cannot happen */
    for (int d = t->rank; d < IR_MAX_RANK; d++)
        e->off[d] = e->k[d] = 0;
    e->t = t->arr->layout;
    e->r = r->arr->layout;
    note_extents(a, t);
    note_extents(a, r);
    join(a, e);
    if (pw) /* ghost-cell periodic copies keep plain blocks (their periodic images by block) */
        a->bad[e->t->id] = 1;
    int ranged = 0;
    for (int d = 0; d < r->rank; d++)
        ranged |= sp[d] != 0;
    if (e->t->whole || e->r->whole || ranged) /* component axes (off, k by r's axes), rolls by a
                                                 table's shifts: plain blocks */
        a->bad[e->t->id] = a->bad[e->r->id] = 1;
}

static void edges_sweep(actx *a, ir_view *t, ir_expr *e)
{
    ir_reads r = {0};
    ir_reads_of(e, &r);
    if (t && dist_slot(t->arr))
        note_extents(a, t);
    for (int i = 0; i < r.n; i++)
        edge_of(a, t, r.v[i]);
}

static void edges_block(actx *a, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        switch (s->kind) {
        case S_SWEEP: edges_sweep(a, s->target, s->e); break;
        case S_FUSED:
            for (int j = 0; j < s->body.len; j++) {
                ir_stmt *w = VEC_AT(s->body, j, ir_stmt *);
                edges_sweep(a, w->target, w->e);
            }
            break;
        case S_REDUCE: edges_sweep(a, ir_dist_anchor(s), s->e); break;
        case S_ALLOC:
            if (s->init == 3 && dist_slot(s->var) && dist_slot(s->src_slot)) {
                /* a copy (tyl_copy_l) keeps the block: a pointwise read of an array as big */
                aedge *e = NEW(aedge);
                e->t = s->var->layout;
                e->r = s->src_slot->layout;
                join(a, e);
            }
            break;
        default: break;
        }
        edges_block(a, &s->body);
        edges_block(a, &s->orelse);
    }
}

static void align_groups(ir_program *p)
{
    actx a = {.nl = p->layouts.len};
    a.up = NEWN(int, a.nl + 1);
    a.kr = (int64_t(*)[IR_MAX_RANK])NEWN(int64_t, IR_MAX_RANK * (a.nl + 1));
    a.ext = (const sym *(*)[IR_MAX_RANK])NEWN(const sym *, IR_MAX_RANK * (a.nl + 1));
    a.bad = NEWN(char, a.nl + 1);
    for (int i = 0; i < a.nl; i++)
        a.up[i] = i;
    edges_block(&a, &p->body);
    int G = p->grid_rank;
    /* per group: bad if any member is; ak relative to the smallest extent per dimension */
    int64_t(*ak)[IR_MAX_RANK] = (int64_t(*)[IR_MAX_RANK])NEWN(int64_t, IR_MAX_RANK * (a.nl + 1));
    int64_t(*base)[IR_MAX_RANK] = (int64_t(*)[IR_MAX_RANK])NEWN(int64_t, IR_MAX_RANK * (a.nl + 1));
    int *root = NEWN(int, a.nl + 1);
    char *seen = NEWN(char, a.nl + 1), *wide = NEWN(char, a.nl + 1);
    for (int i = 0; i < a.nl; i++) {
        int64_t k[IR_MAX_RANK];
        root[i] = afind(&a, i, k);
        memcpy(ak[i], k, sizeof k);
        a.bad[root[i]] |= a.bad[i];
        if (!seen[root[i]]) {
            seen[root[i]] = 1;
            memcpy(base[root[i]], k, sizeof k);
        }
        for (int d = 0; d < G; d++)
            if (k[d] < base[root[i]][d])
                base[root[i]][d] = k[d];
    }
    for (int i = 0; i < a.nl; i++)
        for (int d = 0; d < G; d++) {
            ak[i][d] -= base[root[i]][d];
            if (ak[i][d] > MAX_HALO * 4)
                a.bad[root[i]] = 1;
            if (ak[i][d])
                wide[root[i]] = 1;
        }
    /* shifts, per dimension: a layout of the base extent has none; then, layer by layer from
     * those, each read between a layout and a decided one is pointwise at one shift ("want")
     * and needs |shift - want| halo layers on one side otherwise: the shift is the one at which
     * the fewest reads need an exchange, then the least halo, then the smallest */
    char(*done)[IR_MAX_RANK] = (char(*)[IR_MAX_RANK])NEWN(char, IR_MAX_RANK * (a.nl + 1));
    char(*next)[IR_MAX_RANK] = (char(*)[IR_MAX_RANK])NEWN(char, IR_MAX_RANK * (a.nl + 1));
    for (int i = 0; i < a.nl; i++) {
        ir_layout *L = VEC_AT(p->layouts, i, ir_layout *);
        if (!L->dist || a.bad[root[i]] || !wide[root[i]])
            continue;
        L->align = 1;
        for (int d = 0; d < G; d++) {
            L->ak[d] = (int)ak[i][d];
            L->as[d] = (int)(ak[i][d] / 2); /* unless a read says better */
            done[i][d] = !ak[i][d];
        }
    }
    for (int round = 0; round < a.nl; round++) {
        int more = 0;
        for (int i = 0; i < a.nl; i++) {
            ir_layout *L = VEC_AT(p->layouts, i, ir_layout *);
            for (int d = 0; L->align && d < G; d++) {
                if (done[i][d])
                    continue;
                int64_t best = -1;
                for (int64_t sh = 0; sh <= ak[i][d]; sh++) {
                    int64_t cost = 0, n = 0;
                    for (int j = 0; j < a.edges.len; j++) {
                        aedge *e = VEC_AT(a.edges, j, aedge *);
                        int64_t want;
                        if (e->t->id == i && e->r->id != i && done[e->r->id][d])
                            want = e->r->as[d] - e->off[d];
                        else if (e->r->id == i && e->t->id != i && done[e->t->id][d])
                            want = e->t->as[d] + e->off[d];
                        else
                            continue;
                        n++;
                        cost += (want != sh) * 4096 + (want > sh ? want - sh : sh - want);
                    }
                    if (!n)
                        break;
                    if (best < 0 || cost < best) {
                        best = cost;
                        L->as[d] = (int)sh;
                    }
                }
                if (best >= 0) {
                    next[i][d] = 1;
                    more = 1;
                }
            }
        }
        for (int i = 0; i < a.nl; i++)
            for (int d = 0; d < G; d++)
                done[i][d] |= next[i][d];
        if (!more)
            break;
    }
    /* never more halo than plain blocks need, read by read */
    for (int j = 0; j < a.edges.len; j++) {
        aedge *e = VEC_AT(a.edges, j, aedge *);
        if (!e->t->align)
            continue;
        int64_t al[IR_MAX_RANK], ah[IR_MAX_RANK], pl[IR_MAX_RANK], ph[IR_MAX_RANK];
        aligned_widths(G, e->t, e->r, e->off, al, ah);
        need_widths(G, e->off, e->k, NULL, pl, ph);
        for (int d = 0; d < G; d++)
            if (al[d] > pl[d] || ah[d] > ph[d])
                a.bad[root[e->t->id]] = 1;
    }
    for (int i = 0; i < a.nl; i++) {
        ir_layout *L = VEC_AT(p->layouts, i, ir_layout *);
        if (L->align && a.bad[root[i]]) {
            L->align = 0;
            memset(L->ak, 0, sizeof L->ak);
            memset(L->as, 0, sizeof L->as);
        }
    }
}

/* ---- rolls by a table's shifts ----------------------------------------------------------------
 *
 * np.roll(f[:, :, i], cx[i], axis=1) in a loop over the directions: the shift is not a constant,
 * but when it comes from a constant table (ir_range.c) its range is known, and the roll reads
 * within that many layers of the block, periodic: relate takes it as a read at offsets
 * rlo .. rhi (ir_dim.ranged). */

static int mark_ranged(const ir_expr *e, void *ctx)
{
    const ir_ranges *rg = ctx;
    if (e->kind != E_READ)
        return 0;
    for (int d = 0; d < e->view->rank; d++) {
        ir_dim *m = &e->view->dim[d];
        int64_t c, lo, hi;
        if (m->kind != D_RANGE || !m->wrap || !m->lo || ir_expr_const_int(m->lo, &c))
            continue;
        if (ir_expr_range(rg, m->lo, &lo, &hi) && lo >= -MAX_HALO && hi <= MAX_HALO) {
            m->ranged = 1;
            m->rlo = lo;
            m->rhi = hi;
        }
    }
    return 0;
}

static void ranged_block(const ir_ranges *rg, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        ir_expr *es[3] = {s->e, s->e2, s->e3};
        for (int k = 0; k < 3; k++)
            if (es[k])
                ir_expr_any(es[k], mark_ranged, (void *)rg);
        ranged_block(rg, &s->body);
        ranged_block(rg, &s->orelse);
    }
}

/* The layout classes of S_FFT's slots. They are laid out like the fields when their parts'
 * extra dimension of 2 (complex data) is a component axis over the fields' grid; otherwise
 * (library mode, or other arrays of their rank) they are whole on every rank, and their rank
 * does not set the grid's. */
static void fft_classes(vec *body, int *cls, char *fixed)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_FFT) {
            fixed[lfind(cls, s->var->id)] = 1;
            fixed[lfind(cls, s->src_slot->id)] = 1;
        }
        fft_classes(&s->body, cls, fixed);
        fft_classes(&s->orelse, cls, fixed);
    }
}

void pass_dist(ir_program *p)
{
    ir_alias_classes(p);
    ir_var **byid = NEWN(ir_var *, p->nvars + 1);
    slots_block(byid, &p->body);
    dctx c = {.p = p};
    c.dist = NEWN(char, p->nvars + 1);
    c.bigw = NEWN(char, p->nvars + 1);
    c.lfrac = NEWN(double, p->nvars + 1);
    c.cls = NEWN(int, p->nvars + 1);
    for (int i = 0; i <= p->nvars; i++)
        c.cls[i] = i;
    for (int i = 0; i < p->nvars; i++)
        if (byid[i])
            lunite(c.cls, byid[i], byid[byid[i]->alias_class] ? byid[byid[i]->alias_class] : byid[i]);
    layout_classes(&p->body, c.cls);
    big_writes(&c, &p->body);
    char *fixed = NEWN(char, p->nvars + 1);
    fft_classes(&p->body, c.cls, fixed);
    int Gall = 0;
    for (int i = 0; i < p->nvars; i++) {
        if (byid[i] && byid[i]->rank > c.G && !fixed[lfind(c.cls, i)])
            c.G = byid[i]->rank;
        if (byid[i] && byid[i]->rank > Gall)
            Gall = byid[i]->rank;
    }
    unsigned *whole = NEWN(unsigned, p->nvars + 1);
    int *flat = NEWN(int, p->nvars + 1); /* layout class of each slot id */
    for (int i = 0; i <= p->nvars; i++)
        flat[i] = lfind(c.cls, i);
    int S = -1;
    if (!p->dist_plain && c.G > 0 && Gall == c.G + 1) { /* the slots' parts' axis a component axis */
        unsigned *w = NEWN(unsigned, p->nvars + 1);
        if (ir_component_axes(p, byid, flat, Gall, w) == c.G) {
            memset(fixed, 0, (size_t)(p->nvars + 1));
            memcpy(whole, w, sizeof *whole * (size_t)(p->nvars + 1));
            S = c.G;
        }
    }
    if (S < 0)
        S = p->dist_plain ? 0 : ir_component_axes(p, byid, flat, c.G, whole);
    if (S)
        c.G = S;
    for (int i = 0; i < p->nvars; i++)
        if (byid[i])
            c.dist[lfind(c.cls, i)] = !fixed[lfind(c.cls, i)];
    for (int i = 0; i < p->nvars; i++) { /* a class with a member of another rank stays whole */
        int cl = byid[i] ? lfind(c.cls, i) : 0;
        if (byid[i] && byid[i]->rank != c.G && (byid[i]->rank < c.G || whole[cl] == ~0u || !whole[cl]))
            c.dist[cl] = 0;
    }
    int *crank = NEWN(int, p->nvars + 1); /* one rank per class */
    for (int i = 0; i < p->nvars; i++) {
        int cl = byid[i] ? lfind(c.cls, i) : 0;
        if (byid[i] && crank[cl] && crank[cl] != byid[i]->rank)
            c.dist[cl] = 0;
        if (byid[i])
            crank[cl] = byid[i]->rank;
    }

    if (!p->dist_plain) /* rolls by shifts from tables */
        ranged_block(ir_ranges_of(p, flat), &p->body);

    /* the layouts, before deciding: relate reads their component axes */
    ir_layout **bycls = NEWN(ir_layout *, p->nvars + 1);
    for (int i = 0; i < p->nvars; i++) {
        ir_var *v = byid[i];
        if (!v)
            continue;
        int cls = lfind(c.cls, i);
        if (!bycls[cls]) {
            ir_layout *L = NEW(ir_layout);
            L->id = p->layouts.len;
            L->whole = c.dist[cls] && whole[cls] != ~0u ? whole[cls] : 0;
            vec_push(&p->layouts, L);
            bycls[cls] = L;
        }
        v->layout = bycls[cls];
    }
    do {
        c.changed = 0;
        visit(&c, &p->body, 0);
    } while (c.changed);

    int any = 0;
    for (int i = 0; i < p->nvars; i++) {
        ir_var *v = byid[i];
        if (!v)
            continue;
        v->layout->dist = c.dist[lfind(c.cls, i)];
        if (!v->layout->dist)
            v->layout->whole = 0;
        any |= v->layout->dist;
    }
    p->grid_rank = any ? c.G : 0;
    if (any && !p->dist_plain)
        align_groups(p);
}

/* ---- queries of the passes after: gathers, shared local boxes -------------------------------- */

static int gathers_one(ir_stmt *w)
{
    if (!w->target || dist_slot(w->target->arr))
        return 0;
    ir_reads r = {0};
    ir_reads_of(w->e, &r);
    for (int i = 0; i < r.n; i++)
        if (dist_slot(r.v[i]->arr))
            return 1;
    return 0;
}

int ir_sweep_gathers(ir_stmt *s)
{
    if (s->kind == S_SWEEP)
        return gathers_one(s);
    if (s->kind == S_FUSED)
        for (int j = 0; j < s->body.len; j++)
            if (gathers_one(VEC_AT(s->body, j, ir_stmt *)))
                return 1;
    return 0;
}

int ir_dist_aligned(ir_view *a, ir_view *b)
{
    if (!a->arr->layout || !b->arr->layout)
        return 1;
    if (a->arr->layout->dist != b->arr->layout->dist)
        return 0;
    if (!a->arr->layout->dist)
        return 1;
    int64_t off[IR_MAX_RANK], k[IR_MAX_RANK];
    if (!ir_dist_relate(a, b, off, k, NULL, NULL))
        return 0;
    const ir_layout *La = a->arr->layout, *Lb = b->arr->layout;
    for (int d = 0; d < b->rank; d++) { /* off and k by b's dimensions (relate) */
        if (La->align && Lb->align) { /* b's point is owned where a's is: its block is a's moved */
            if (off[d] != (int64_t)Lb->as[d] - La->as[d])
                return 0;
        } else if (off[d] || k[d])
            return 0;
    }
    return 1;
}
