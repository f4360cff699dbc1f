/* tyl_sweep.c: run-time support for generated sweeps: the host side of a sweep (tyl_sweep_run),
 * shape checks, reductions' partial sums, buffered copies. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tyl_internal.h"

/* A shape as NumPy writes it in its broadcasting errors: "(3,4)", "(5,)". */
static const char *np_shape(char *buf, size_t size, int rank, const int64_t *sh)
{
    size_t n = (size_t)snprintf(buf, size, "(");
    for (int d = 0; d < rank && n < size; d++)
        n += (size_t)snprintf(buf + n, size - n, "%s%lld", d ? "," : "", (long long)(sh[d] < 0 ? 1 : sh[d]));
    if (n < size)
        snprintf(buf + n, size - n, rank == 1 ? ",)" : ")");
    return buf;
}

void tyl_slice_fits(const char *where, int64_t n, int64_t start, int64_t stop, int64_t step, int flags,
                    const tyl_slice_text *t)
{
    int64_t lo, len; /* NumPy's */
    tyl_slice(n, start, stop, step, flags & (TYL_HAS_START | TYL_HAS_STOP), &lo, &len, where);
    /* the bounds the compiler assumed: unclipped, a negative constant counted from the end */
    int64_t s = !(flags & TYL_HAS_START) ? (step > 0 ? 0 : n - 1) : (flags & TYL_SF_START_END) ? start + n : start;
    int64_t e = !(flags & TYL_HAS_STOP) ? (step > 0 ? n : -1) : (flags & TYL_SF_STOP_END) ? stop + n : stop;
    int open = step > 0 ? e > s : s > e; /* not empty as the compiler took it */
    for (int i = 0; i < 2; i++) {
        int64_t b = i ? stop : start;
        if ((flags & (i ? TYL_SF_STOP_NONNEG : TYL_SF_START_NONNEG)) && b < 0 && (len > 0 || open))
            tyl_rt_error_all(where, "the slice %s is compiled for a %s %s >= 0 on axis %d, as with the parameters' "
                                    "values in the source (a negative one, which NumPy counts from the end, is not "
                                    "supported); it is %lld",
                             t->slice, i ? "stop" : "start", i ? t->stop : t->start, t->axis, (long long)b);
    }
    int clipped = ((flags & TYL_SF_START_IN) && (step > 0 ? s < 0 : s >= n)) ||
                  ((flags & TYL_SF_STOP_IN) && (step > 0 ? e > n : e < -1));
    if (clipped && (open || (flags & TYL_SF_NONEMPTY)))
        tyl_rt_error_all(where, "the slice %s is compiled for %s on axis %d, as with the parameters' values in the "
                                "source (NumPy clips it to a shorter axis: not supported); the extent is %lld",
                         t->slice, t->need, t->axis, (long long)n);
}

void tyl_check_shapes(const char *where, int kind, int na, const int64_t *a, int nb, const int64_t *b)
{
    if (kind == TYL_CK_MASK) {
        for (int d = 0; d < na && d < nb; d++) {
            int64_t x = a[d] < 0 ? 1 : a[d], y = b[d] < 0 ? 1 : b[d];
            if (x != y)
                tyl_rt_error(where, "boolean index did not match indexed array along axis %d; size of "
                                    "axis is %lld but size of corresponding boolean axis is %lld",
                             d, (long long)y, (long long)x);
        }
        return;
    }
    int ok = 1, ones = 0;
    for (int i = 1; i <= na && i <= nb; i++) {
        int64_t x = a[na - i], y = b[nb - i];
        if (x != y && x >= 0 && y >= 0) {
            ok = 0;
            if (x == 1 || (kind == TYL_CK_BCAST && y == 1))
                ones = 1;
        }
    }
    if (ok)
        return;
    char sa[160], sb[160];
    if (ones) {
        int64_t pa[TYL_MAX_RANK], pb[TYL_MAX_RANK];
        for (int d = 0; d < na && d < TYL_MAX_RANK; d++)
            pa[d] = a[d] < 0 ? 1 : a[d];
        for (int d = 0; d < nb && d < TYL_MAX_RANK; d++)
            pb[d] = b[d] < 0 ? 1 : b[d];
        tyl_rt_shape_str(sa, na, pa);
        tyl_rt_shape_str(sb, nb, pb);
    } else {
        np_shape(sa, sizeof sa, na, a);
        np_shape(sb, sizeof sb, nb, b);
    }
    if (ones)
        tyl_rt_error(where, "shapes %s and %s broadcast only because an extent is 1 at run time, "
                            "which compiled code does not support", sa, sb);
    if (kind == TYL_CK_BCAST)
        tyl_rt_error(where, "operands could not be broadcast together with shapes %s %s", sa, sb);
    tyl_rt_error(where, "could not broadcast input array from shape %s into shape %s", sa, sb);
}

void tyl_empty_reduction(const char *where, const char *op)
{
    tyl_rt_error(where, "ValueError: zero-size array to reduction operation %s which has no identity", op);
}

/* The elements of dst outside the box [lo, lo + len) come from src (same shape and layout): the
 * complement of a box is at most 2 * rank boxes (before and after the box in dimension d, inside
 * it in the dimensions before d, whole in those after), each one tyl_box_copy. A distributed
 * array does this on its owned block only. */
static void copy_outside_in(tyl_array *dst, const tyl_array *src, const int64_t *lo_in, const int64_t *len_in,
                            const int64_t *wlo, const int64_t *whi)
{
    int r = dst->rank;
    size_t el = tyl_dtype_size(dst->dtype);
    int64_t olo[TYL_MAX_RANK], ohi[TYL_MAX_RANK], lo[TYL_MAX_RANK], hi[TYL_MAX_RANK];
    for (int d = 0; d < r; d++) {
        olo[d] = dst->lo[d];
        ohi[d] = dst->lo[d] + dst->n[d];
        if (wlo) { /* only the part inside the window [wlo, whi), which may reach into the halo
                      (a time-tiled group on deep halos, tyl_timetile.c) */
            olo[d] = dst->layout ? dst->lo[d] - dst->hl[d] : olo[d];
            ohi[d] = dst->layout ? ohi[d] + dst->hh[d] : ohi[d];
            olo[d] = wlo[d] > olo[d] ? wlo[d] : olo[d];
            ohi[d] = whi[d] < ohi[d] ? whi[d] : ohi[d];
            if (ohi[d] <= olo[d])
                return;
        }
        lo[d] = lo_in[d] < olo[d] ? olo[d] : lo_in[d] > ohi[d] ? ohi[d] : lo_in[d];
        hi[d] = lo_in[d] + (len_in[d] > 0 ? len_in[d] : 0);
        hi[d] = hi[d] < lo[d] ? lo[d] : hi[d] > ohi[d] ? ohi[d] : hi[d];
    }
    for (int d = 0; d < r; d++) {
        for (int side = 0; side < 2; side++) {
            int64_t a = side ? hi[d] : olo[d], b = side ? ohi[d] : lo[d];
            if (b <= a)
                continue;
            int64_t n[TYL_MAX_RANK], off = 0;
            int empty = 0;
            for (int k = 0; k < r; k++) {
                int64_t start = k < d ? lo[k] : k == d ? a : olo[k];
                n[k] = k < d ? hi[k] - lo[k] : k == d ? b - a : ohi[k] - olo[k];
                empty |= n[k] <= 0;
                off += (start - dst->lo[k]) * dst->stride[k];
            }
            if (!empty)
                tyl_box_copy((char *)dst->data + off * (int64_t)el, dst->stride,
                             (const char *)src->data + off * (int64_t)el, src->stride, r, n, el);
        }
    }
}

void tyl_copy_outside(tyl_array *dst, const tyl_array *src, const int64_t *lo, const int64_t *len)
{
    copy_outside_in(dst, src, lo, len, NULL, NULL);
}

void tyl_copy_outside_win_(tyl_array *dst, const tyl_array *src, const int64_t *lo, const int64_t *len,
                           const int64_t *wlo, const int64_t *whi)
{
    copy_outside_in(dst, src, lo, len, wlo, whi);
}

const tyl_sweep_recorder *tyl_sweep_recorder_;

/* X = Y.copy() where Y's view [lo, lo + len) is overwritten next (pass_rotate): X takes Y's
 * buffer, Y a new one whose elements outside the view come from X. While a time-tiled group is
 * recorded, Y takes X's old buffer when nothing else holds it (what the pool would hand back),
 * so that the group's steps alternate two buffers, and the copy is recorded as a stage. */
static void rotate(tyl_array **x, tyl_array **y, const int64_t *lo, const int64_t *len, int copy, const char *where)
{
    tyl_array *old = *x;
    *x = *y;
    if (tyl_sweep_recorder_ && old && old->refs == 1 && old != *x && old->dtype == (*x)->dtype &&
        old->rank == (*x)->rank && old->layout == (*x)->layout && old->lsize == (*x)->lsize &&
        !memcmp(old->shape, (*x)->shape, sizeof old->shape) && !memcmp(old->lo, (*x)->lo, sizeof old->lo) &&
        !memcmp(old->n, (*x)->n, sizeof old->n) && !memcmp(old->stride, (*x)->stride, sizeof old->stride)) {
        *y = old;
        tyl_dirty(old);
    } else {
        tyl_release(old);
        *y = tyl_alloc_like(*x, TYL_INIT_NONE, where);
    }
    if (tyl_sweep_recorder_)
        tyl_sweep_recorder_->copy(*y, *x, lo, len);
    else if (copy)
        tyl_copy_outside(*y, *x, lo, len);
}

void tyl_rotate(tyl_array **x, tyl_array **y, const int64_t *lo, const int64_t *len, const char *where)
{
    rotate(x, y, lo, len, 1, where);
}

/* tyl_rotate where the program writes all of Y outside [lo, lo + len) again before reading it
 * (pass_rotate's ring_rewritten: boundary conditions after an interior update), so the copy
 * of that ring is dead: Burgers 256^2 spent a tenth of its time in it (box_row, memmove; 1
 * thread, perf), 2048^2 about 2%. Kept while a time-tiled group is recorded: the group's
 * windows reach into deep halos, which the program's boundary writes need not cover. */
void tyl_rotate_rewritten(tyl_array **x, tyl_array **y, const int64_t *lo, const int64_t *len, const char *where)
{
    rotate(x, y, lo, len, 0, where);
}

/* ---- tyl_sweep_run: the host side of a sweep ------------------------------------------------ */

enum { SW_STACK = 16 }; /* operands held on the stack; more are allocated */

/* Per operand of a part: its element at the origin, its strides along the box and its periodic
 * dimensions' arguments (tyl_part's p, s and w). On the stack for up to SW_STACK operands. */
typedef struct {
    void *pv[SW_STACK];
    int64_t sv[SW_STACK][TYL_MAX_RANK], wv[SW_STACK][TYL_MAX_RANK][4];
    void **p;
    int64_t (*s)[TYL_MAX_RANK];
    int64_t (*w)[TYL_MAX_RANK][4];
} op_bufs;

static void op_bufs_open(op_bufs *o, int nop, const char *where)
{
    o->p = o->pv;
    o->s = o->sv;
    o->w = o->wv;
    if (nop > SW_STACK) {
        o->p = malloc(sizeof(void *) * (size_t)nop);
        o->s = malloc(sizeof(*o->s) * (size_t)nop);
        o->w = malloc(sizeof(*o->w) * (size_t)nop);
        if (!o->p || !o->s || !o->w)
            tyl_rt_error(where, "out of memory");
    }
}

static void op_bufs_close(op_bufs *o)
{
    if (o->p != o->pv) {
        free(o->p);
        free(o->s);
        free(o->w);
    }
}

static int64_t op_val(unsigned xmask, const int64_t *v, int d, const int64_t *x)
{
    return xmask >> d & 1 ? x[v[d]] : v[d];
}

/* Element stride of dimension d of a's local allocation (the last is 1). */
static int64_t elem_stride(const tyl_array *a, int d) { return d == a->rank - 1 ? 1 : a->stride[d]; }

/* The rank's local box of the sweep: the box points whose element of the first target it owns
 * (all of them for a replicated target). */
static void local_box(int B, const tyl_operand *op, const tyl_array *t, const int64_t *x, int64_t *b, int64_t *nb)
{
    for (int k = 0; k < B; k++) {
        b[k] = 0;
        nb[k] = x[k];
    }
    if (!t || !t->layout)
        return;
    for (int d = 0; d < t->rank; d++)
        if (op->box[d] >= 0) {
            int k = op->box[d];
            tyl_lrange(t, d, op_val(op->x_lo, op->lo, d, x), op_val(op->x_step, op->step, d, x), x[k],
                       &b[k], &nb[k]);
        }
    for (int d = 0; d < t->rank; d++)
        if (op->box[d] == TYL_FIXED && !tyl_owns(t, d, op_val(op->x_lo, op->lo, d, x)))
            nb[0] = 0;
}

/* Every rank's part of a distributed reduction's box as local_box finds its own (rank q's origin
 * at bx[2 * B * q], its extents B further), from the block formula, with no message: an exact
 * sum sends the points of a pairwise leaf that straddles blocks to the rank that owns most
 * of them (tyl_reduce.c leaf_owner). NULL where nothing is shared (one rank, no box). Checked
 * against this rank's own part (b, nb). */
static int64_t *rank_boxes(const char *where, int B, const tyl_operand *op, const tyl_array *t, const int64_t *x,
                           const int64_t *b, const int64_t *nb)
{
    const int nr = tyl_rt_nranks();
    if (nr <= 1 || B == 0 || !t || !t->layout)
        return NULL;
    int64_t *bx = malloc(sizeof(int64_t) * 2 * (size_t)B * (size_t)nr);
    if (!bx)
        tyl_rt_error(where, "out of memory");
    for (int q = 0; q < nr; q++) {
        int64_t lo[TYL_MAX_RANK], hi[TYL_MAX_RANK], *qb = bx + 2 * B * q, *qn = qb + B;
        tyl_dist_block_of_rank(t, q, lo, hi);
        for (int k = 0; k < B; k++) {
            qb[k] = 0;
            qn[k] = x[k];
        }
        for (int d = 0; d < t->rank; d++)
            if (op->box[d] >= 0) {
                int k = op->box[d];
                tyl_lrange_in(lo[d], hi[d], op_val(op->x_lo, op->lo, d, x), op_val(op->x_step, op->step, d, x),
                              x[k], &qb[k], &qn[k]);
            }
        int64_t i, empty = 0;
        for (int d = 0; d < t->rank; d++)
            if (op->box[d] == TYL_FIXED && ((i = op_val(op->x_lo, op->lo, d, x)) < lo[d] || i >= hi[d]))
                qn[0] = 0;
        for (int k = 0; k < B; k++)
            empty |= qn[k] <= 0;
        if (empty)
            for (int k = 0; k < B; k++)
                qn[k] = 0;
    }
    const int64_t *mb = bx + 2 * B * tyl_dist_self_(), *mn = mb + B;
    int mine_empty = 0;
    for (int k = 0; k < B; k++)
        mine_empty |= nb[k] <= 0;
    for (int k = 0; k < B; k++)
        if (mine_empty ? mn[k] != 0 : mb[k] != b[k] || mn[k] != nb[k])
            tyl_rt_error(where, "internal error: rank %d's part of a sum's box is not where the blocks say",
                         tyl_dist_self_());
    return bx;
}

/* Offset (elements) of operand op's element at box point o in array a (in the layout of a),
 * its strides along the box, and its periodic dimensions' arguments. */
static int64_t operand_at(int B, const tyl_operand *op, const tyl_array *a, const int64_t *o, const int64_t *x,
                          int64_t *s, int64_t (*w)[4])
{
    int64_t off = 0;
    for (int k = 0; k < B; k++)
        s[k] = 0;
    for (int d = 0; d < a->rank; d++) {
        int64_t lo = op_val(op->x_lo, op->lo, d, x), st = op_val(op->x_step, op->step, d, x);
        int k = op->box[d];
        if (op->wrap >> d & 1) { /* the kernel takes the index modulo the extent */
            /* lo is minus a shift known only when running: np.roll(v, -(2**63 - 1)) gave lo
             * 2**63 - 1, and the kernel's lo + i * st went past INT64_MAX (another result
             * than NumPy's, silently). Taken modulo the extent first, it is at most one turn. */
            const int64_t ext = x[op->ext[d]];
            w[k][0] = (ext > 0 ? tyl_wrap(lo, ext) : lo) + st * o[k];
            w[k][1] = st;
            w[k][2] = x[op->ext[d]];
            w[k][3] = elem_stride(a, d);
            continue;
        }
        int64_t i = lo + (k >= 0 ? st * o[k] : 0) - a->lo[d];
        off += i * elem_stride(a, d);
        if (k >= 0)
            s[k] = st * elem_stride(a, d);
    }
    return off;
}

/* q: the part at origin o with extents n (box indices), every operand at its element there. */
static void part_at(int B, int nop, const tyl_operand *ops, tyl_array **const *arrs, const int64_t *x,
                    const int64_t *o, const int64_t *n, op_bufs *ob, const void *const *sc, tyl_part *q)
{
    for (int k = 0; k < B; k++) {
        q->o[k] = o[k];
        q->n[k] = n[k];
    }
    for (int i = 0; i < nop; i++) {
        const tyl_array *a = *arrs[ops[i].arr];
        int64_t off = operand_at(B, &ops[i], a, q->o, x, ob->s[i], ob->w[i]);
        ob->p[i] = (char *)a->data + off * (int64_t)tyl_dtype_size(a->dtype);
    }
    q->p = ob->p;
    q->s = (const int64_t(*)[TYL_MAX_RANK])ob->s;
    q->w = (const int64_t(*)[TYL_MAX_RANK][4])ob->w;
    q->sc = sc;
}

/* Begin the exchanges xs[0..nx) (NULL when nothing travels). */
/* at_once: the caller ends the exchange before the kernel runs (no overlap) */
static tyl_halo *halo_begin(const char *where, int nx, const tyl_exchange *xs, tyl_array **const *arrs, int at_once)
{
    if (!nx)
        return NULL;
    /* the masks, as many words each as the highest rank among the arrays needs */
    int words = 1;
    for (int i = 0; i < nx; i++)
        if (TYL_ZONE_WORDS_OF((*arrs[xs[i].arr])->rank) > words)
            words = TYL_ZONE_WORDS_OF((*arrs[xs[i].arr])->rank);
    enum { HX_STACK = 4 }; /* arrays whose masks fit on the stack (zeroed each call: keep it small) */
    tyl_array *ha[HX_STACK], **hap = nx <= HX_STACK ? ha : malloc(sizeof(tyl_array *) * (size_t)nx);
    uint64_t hm[TYL_ZONE_WORDS * HX_STACK] = {0};
    uint64_t *hmp = nx <= HX_STACK ? hm : malloc(sizeof(uint64_t) * (size_t)words * (size_t)nx);
    if (!hap || !hmp)
        tyl_rt_error(where, "out of memory");
    for (int i = 0; i < nx; i++) {
        hap[i] = *arrs[xs[i].arr];
        for (int w = 0; w < words; w++)
            hmp[words * i + w] = xs[i].zones[w];
    }
    tyl_halo *hx = at_once ? tyl_halo_begin_now_(hap, hmp, words, nx) : tyl_halo_begin(hap, hmp, words, nx);
    if (hap != ha)
        free(hap);
    if (hmp != hm)
        free(hmp);
    return hx;
}

/* Does every rank's part of the sweep read, along dimension d of read operand op (array a),
 * only indices inside its own block of a? The rank at grid coordinate c along d computes the box
 * points whose index in the target t (operand top) lies in t's block c. Answers no where it
 * cannot tell: a read along another box dimension than the target's, another step, a reversed
 * or periodic read, a broadcast target. */
static int reads_own_along(const tyl_operand *top, const tyl_array *t, const tyl_operand *op,
                           const tyl_array *a, int d, const int64_t *x)
{
    const int kt = top->box[d], kr = op->box[d];
    const int64_t lt = op_val(top->x_lo, top->lo, d, x), lr = op_val(op->x_lo, op->lo, d, x);
    int64_t tlo, thi, alo, ahi;
    const int P = tyl_dist_block_at(t, d, 0, &tlo, &thi);
    if (kt == TYL_FIXED) { /* only the owner of the target's index computes */
        if (kr != TYL_FIXED && kr != TYL_BCAST)
            return 0;
        for (int c = 0; c < P; c++) {
            tyl_dist_block_at(t, d, c, &tlo, &thi);
            tyl_dist_block_at(a, d, c, &alo, &ahi);
            if (lt >= tlo && lt < thi)
                return lr >= alo && lr < ahi;
        }
        return 1; /* the index lies outside the array: the sweep stops with its error */
    }
    if (kt < 0 || kr != kt)
        return 0;
    const int64_t st = op_val(top->x_step, top->step, d, x), sr = op_val(op->x_step, op->step, d, x);
    if (st <= 0 || sr != st)
        return 0;
    const int64_t len = x[kt];
    for (int c = 0; c < P; c++) {
        tyl_dist_block_at(t, d, c, &tlo, &thi);
        int64_t b = tyl_cdiv(tlo - lt, st), e = tyl_cdiv(thi - lt, st);
        if (b < 0) b = 0;
        if (e > len) e = len;
        if (e <= b)
            continue;
        tyl_dist_block_at(a, d, c, &alo, &ahi);
        if (lr + st * b < alo || lr + st * (e - 1) >= ahi)
            return 0;
    }
    return 1;
}

/* Whether the exchanges xs[0..nx) of a sweep (a reduction) can be left out because no rank's
 * part reads an element of an exchanged array outside its own block: a boundary copy such as
 * p[0, :] = p[1, :] (Neumann) after the stencil that made p's halo stale needs nothing from a
 * neighbour unless a block is one row tall. The operand top (the first target, a reduction's
 * anchor) splits the box over the ranks; the reads are ops[0..nop). Every rank answers alike
 * from the block formula, without messages; the halo stays stale for the next sweep that needs
 * it. Per dimension, which is exact for the product of blocks the grid makes. */
static int reads_own_blocks(const tyl_operand *top, const tyl_operand *ops, int nop, const tyl_exchange *xs,
                            int nx, tyl_array **const *arrs, const int64_t *x)
{
    const tyl_array *t = top ? *arrs[top->arr] : NULL;
    if (!nx || !t || !t->layout)
        return 0;
    for (int i = 0; i < nx; i++)
        for (int j = 0; j < nop; j++) {
            const tyl_operand *op = &ops[j];
            if (op->arr != xs[i].arr)
                continue;
            const tyl_array *a = *arrs[op->arr];
            if (!a || !a->layout || a->rank != t->rank || op->wrap)
                return 0;
            for (int d = 0; d < a->rank; d++)
                if (!reads_own_along(top, t, op, a, d, x))
                    return 0;
        }
    return 1;
}

/* x[] in full: the rows of sw->xs computed from the arrays' extents, the call's values between
 * them (in xv when it has room, else allocated: the caller frees what differs from xv). */
static const int64_t *sweep_values(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x,
                                   int64_t *xv, int nxv_room)
{
    int64_t *v = sw->nxv <= nxv_room ? xv : malloc(sizeof(int64_t) * (size_t)sw->nxv);
    if (!v)
        tyl_rt_error(sw->where, "out of memory");
    for (int p = 0, r = 0, j = 0; p < sw->nxv; p++) {
        if (r == sw->nxs || sw->xs[r].pos != p) {
            v[p] = x[j++];
            continue;
        }
        const tyl_xslice *e = &sw->xs[r++];
        const int64_t n = (*arrs[e->arr])->shape[e->dim];
        if (e->kind == TYL_XS_EXTENT)
            v[p] = n;
        else if (e->kind == TYL_XS_INDEX)
            v[p] = tyl_index(n, e->start, (int)e->stop, sw->where);
        else {
            int64_t lo, len;
            tyl_slice(n, e->start, e->stop, e->step, e->flags, &lo, &len, sw->where);
            v[p] = e->kind == TYL_XS_LEN ? len : lo;
        }
    }
    return v;
}

static void sweep_run(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, const void *const *sc);

void tyl_sweep_run(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, const void *const *sc)
{
    if (!sw->nxs) {
        sweep_run(sw, arrs, x, sc);
        return;
    }
    enum { XV_STACK = 64 };
    int64_t xv[XV_STACK] = {0}; /* zeroed: gcc -O1 with sanitizers cannot see sweep_values fills it */
    const int64_t *full = sweep_values(sw, arrs, x, xv, XV_STACK);
    sweep_run(sw, arrs, full, sc);
    if (full != xv)
        free((void *)full);
}

/* A recorded stage run in order (tyl_timetile.c): its x[] was recorded in full (sweep_run's),
 * so it must not be merged again. Through tyl_sweep_run, a sweep whose call passes values
 * besides rows of sw->xs (u[N // 3, :] = ..., a fixed index the call computes, with extents from
 * the rows) read shifted values: wrong rows, silently (tests/programs/timetile_fixed_rows.tyl). */
void tyl_sweep_run_full_(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, const void *const *sc)
{
    sweep_run(sw, arrs, x, sc);
}

/* The interior's margins while the halos of hx travel: the compiled ones (sw->shl/shh, what
 * the reads reach along each box dimension) only on the sides where a read operand's array
 * still waits for data (tyl_halo_pending). Along a dimension without a neighbour (a process
 * grid of one rank there) the interior then reaches the box's edge: on 2 ranks split along the
 * outer axis, a 3-D sweep's strips are the one plane next to the neighbour, not also columns of
 * one element at both ends of every row (each a cache miss, written by plain stores into lines
 * the interior streamed). An operand whose pending side cannot be placed on the box (a fixed or
 * broadcast index, a periodic or reversed read along that dimension) keeps every margin. */
static void interior_margins(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, const tyl_halo *hx,
                             int *shl, int *shh)
{
    for (int k = 0; k < sw->rank; k++)
        shl[k] = shh[k] = 0;
    for (int i = 0; i < sw->nx; i++) {
        unsigned pend = tyl_halo_pending(hx, i);
        if (!pend)
            continue;
        for (int j = sw->nt; j < sw->nop; j++) {
            const tyl_operand *op = &sw->op[j];
            if (op->arr != sw->x[i].arr)
                continue;
            const tyl_array *a = *arrs[op->arr];
            for (int d = 0; d < a->rank; d++) {
                unsigned sd = pend >> (2 * d) & 3u;
                if (!sd)
                    continue;
                int k = op->box[d];
                if (k < 0 || (op->wrap >> d & 1) || op_val(op->x_step, op->step, d, x) <= 0) {
                    for (int m = 0; m < sw->rank; m++) {
                        shl[m] = sw->shl[m];
                        shh[m] = sw->shh[m];
                    }
                    return;
                }
                if (sd & 1u)
                    shl[k] = sw->shl[k];
                if (sd & 2u)
                    shh[k] = sw->shh[k];
            }
        }
    }
}

/* The part of array a that read operand op covers over the sweep's box (extents x[k]): per
 * dimension, from its first to its last index (a fixed index alone; the whole extent along a
 * periodic one, whose kernel takes the index modulo the extent), merged into [lo, lo + n)
 * unless first. */
static void read_box(const tyl_operand *op, const tyl_array *a, const int64_t *x, int64_t *lo, int64_t *n, int first)
{
    for (int d = 0; d < a->rank; d++) {
        int64_t l, h; /* [l, h) */
        const int k = op->box[d];
        const int64_t at = op_val(op->x_lo, op->lo, d, x), st = op_val(op->x_step, op->step, d, x);
        if (op->wrap >> d & 1) {
            l = 0;
            h = a->shape[d];
        } else if (k < 0 || x[k] <= 0) {
            l = at;
            h = at + 1;
        } else {
            const int64_t last = at + st * (x[k] - 1);
            l = st > 0 ? at : last;
            h = (st > 0 ? last : at) + 1;
        }
        if (l < 0) l = 0;
        if (h > a->shape[d]) h = a->shape[d];
        if (h < l) h = l;
        if (!first) {
            const int64_t ol = lo[d], oh = lo[d] + n[d];
            if (ol < l) l = ol;
            if (oh > h) h = oh;
        }
        lo[d] = l;
        n[d] = h - l;
    }
}

/* A replicated target that reads distributed arrays (pass_dist allows it outside every loop: a
 * profile or a slice taken once the time loop is done) is computed whole on every rank from
 * replicated copies of what it reads of them: of each such array the box its reads cover,
 * gathered here (a centre line of a 3-D field, not the field), and shown to the kernel as an
 * array whose data begins at the box's origin. Returns 0 when the sweep is not such a one. */
static int run_gathered(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, const void *const *sc)
{
    const tyl_array *t = *arrs[sw->op[0].arr];
    if (!t || t->layout)
        return 0;
    int any = 0;
    for (int j = sw->nt; j < sw->nop; j++) {
        const tyl_array *a = *arrs[sw->op[j].arr];
        any |= a && a->layout;
    }
    if (!any)
        return 0;
    const int na = sw->na;
    tyl_array **got = calloc((size_t)na, sizeof *got), *views = calloc((size_t)na, sizeof *views);
    tyl_array **vp = malloc(sizeof *vp * (size_t)na), ***tab = malloc(sizeof *tab * (size_t)na);
    int64_t(*lo)[TYL_MAX_RANK] = malloc(sizeof *lo * (size_t)na), (*n)[TYL_MAX_RANK] = malloc(sizeof *n * (size_t)na);
    char *seen = calloc((size_t)na, 1);
    if (!got || !views || !vp || !tab || !lo || !n || !seen)
        tyl_rt_error(sw->where, "out of memory");
    for (int i = 0; i < na; i++)
        tab[i] = arrs[i];
    for (int j = sw->nt; j < sw->nop; j++) {
        const int i = sw->op[j].arr;
        const tyl_array *a = *arrs[i];
        if (a && a->layout) {
            read_box(&sw->op[j], a, x, lo[i], n[i], !seen[i]);
            seen[i] = 1;
        }
    }
    for (int i = 0; i < na; i++) /* in the order of the arrays: the same on every rank */
        if (seen[i]) {
            const tyl_array *a = *arrs[i];
            got[i] = tyl_dist_box(a, lo[i], n[i], sw->where);
            views[i] = *got[i];
            views[i].rank = a->rank;
            for (int d = 0; d < a->rank; d++) {
                views[i].shape[d] = a->shape[d];
                views[i].lo[d] = lo[i][d];
            }
            vp[i] = &views[i];
            tab[i] = &vp[i];
        }
    sweep_run(sw, (tyl_array **const *)tab, x, sc);
    for (int i = 0; i < na; i++)
        tyl_release(got[i]);
    free(got);
    free(views);
    free(vp);
    free(tab);
    free(lo);
    free(n);
    free(seen);
    return 1;
}

static void sweep_run(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, const void *const *sc)
{
    if (tyl_sweep_recorder_) { /* a time-tiled group of steps: run later, over tiles */
        tyl_sweep_recorder_->sweep(sw, arrs, x, sc);
        return;
    }
    if (run_gathered(sw, arrs, x, sc))
        return;
    const int B = sw->rank, nop = sw->nop;
    tyl_array *t = *arrs[sw->op[0].arr];
    int64_t b[TYL_MAX_RANK], nb[TYL_MAX_RANK];
    local_box(B, &sw->op[0], t, x, b, nb);

    tyl_halo *hx = NULL;
    const int may_overlap = tyl_dist_overlap() && !sw->whole;
    if (reads_own_blocks(&sw->op[0], sw->op + sw->nt, sw->nop - sw->nt, sw->x, sw->nx, arrs, x))
        tyl_dist_stats_.n_own_reads++;
    else
        hx = halo_begin(sw->where, sw->nx, sw->x, arrs, !may_overlap);
    /* with halos in flight, the interior first, then the strips along the edges */
    const int ov = hx != NULL && may_overlap;
    if (!ov) {
        tyl_halo_end(hx);
        hx = NULL;
    }
    int64_t part[2 * TYL_MAX_RANK + 1][2][TYL_MAX_RANK];
    int shl[TYL_MAX_RANK], shh[TYL_MAX_RANK];
    if (ov)
        interior_margins(sw, arrs, x, hx, shl, shh);
    const int nparts = tyl_split_box(B, b, nb, shl, shh, ov, part);
    if (ov) {
        tyl_dist_stats_.n_overlap++;
        tyl_dist_stats_.n_strips += nparts > 1 ? nparts - 1 : 0;
    }

    /* where the new values go first */
    int alias = sw->scratch != TYL_SCR_NONE;
    if (sw->alias_check) {
        alias = 0;
        for (int i = sw->nt; i < nop; i++)
            if (sw->op[i].arr != sw->op[0].arr && (*arrs[sw->op[i].arr])->data == t->data)
                alias = 1;
    }
    tyl_array *scr = NULL;
    int64_t scr_s[TYL_MAX_RANK];
    if (alias) {
        if (sw->scratch == TYL_SCR_BOX) {
            for (int k = B - 1; k >= 0; k--)
                scr_s[k] = k == B - 1 ? 1 : scr_s[k + 1] * nb[k + 1];
            scr = tyl_alloc(t->dtype, B, nb, TYL_INIT_NONE, sw->where);
        } else
            scr = tyl_alloc_like(t, TYL_INIT_NONE, sw->where);
    }

    op_bufs ob;
    op_bufs_open(&ob, nop, sw->where);
    void **p = ob.p;
    int64_t(*s)[TYL_MAX_RANK] = ob.s;
    int64_t(*w)[TYL_MAX_RANK][4] = ob.w;
    tyl_part q;
    q.p = p;
    q.s = (const int64_t(*)[TYL_MAX_RANK])s;
    q.w = (const int64_t(*)[TYL_MAX_RANK][4])w;
    q.sc = sc;
    int64_t box_points = 1; /* the global box: the same on every rank */
    for (int k = 0; k < B; k++)
        box_points *= x[k];
    tyl_pf_trial pf = tyl_pf_choice_begin_(sw, box_points, (int)tyl_dtype_size(t->dtype));
    double kernel_s = 0;
    for (int qi = 0; qi < nparts; qi++) {
        if (qi == 1 && hx) {
            tyl_halo_end(hx);
            hx = NULL;
        }
        int empty = 0;
        for (int k = 0; k < B; k++) {
            q.o[k] = part[qi][0][k];
            q.n[k] = part[qi][1][k];
            empty |= q.n[k] <= 0;
        }
        if (empty)
            continue;
        for (int i = 0; i < nop; i++) {
            const tyl_operand *op = &sw->op[i];
            const tyl_array *a = *arrs[op->arr];
            if (i == 0 && scr && sw->scratch == TYL_SCR_BOX) { /* the scratch box over the local box */
                int64_t off = 0;
                for (int k = 0; k < B; k++) {
                    off += (q.o[k] - b[k]) * scr_s[k];
                    s[0][k] = scr_s[k];
                }
                p[0] = (char *)scr->data + off * (int64_t)tyl_dtype_size(scr->dtype);
                continue;
            }
            if (i == 0 && scr)
                a = scr; /* a new buffer of the target's layout */
            int64_t off = operand_at(B, op, a, q.o, x, s[i], w[i]);
            p[i] = (char *)a->data + off * (int64_t)tyl_dtype_size(a->dtype);
        }
        const double t0 = pf.k ? tyl_pf_clock_() : 0;
        sw->kernel(&q);
        if (pf.k)
            kernel_s += tyl_pf_clock_() - t0;
    }
    tyl_pf_choice_end_(&pf, kernel_s);
    tyl_halo_end(hx);
    if (scr && sw->scratch == TYL_SCR_BOX) {
        int64_t dst_s[TYL_MAX_RANK], w0[TYL_MAX_RANK][4];
        int64_t off = operand_at(B, &sw->op[0], t, b, x, dst_s, w0);
        tyl_box_copy((char *)t->data + off * (int64_t)tyl_dtype_size(t->dtype), dst_s, scr->data, scr_s, B, nb,
                     tyl_dtype_size(t->dtype));
        tyl_release(scr);
    } else if (scr)
        tyl_set(arrs[sw->op[0].arr], scr);
    for (int j = 0; j < sw->nt; j++)
        if (sw->dirty >> j & 1) { /* the zones holding images of the box written */
            tyl_array *a = *arrs[sw->op[j].arr];
            int64_t wlo[TYL_MAX_RANK], wn[TYL_MAX_RANK];
            if (scr && j == 0 && sw->scratch != TYL_SCR_BOX) {
                tyl_dirty(a); /* a new buffer */
                continue;
            }
            read_box(&sw->op[j], a, x, wlo, wn, 1);
            tyl_dirty_box(a, wlo, wn);
        }
    op_bufs_close(&ob);
}

/* ---- pieces of a sweep for tyl_timetile.c ------------------------------------------------------ */

void tyl_sweep_box_(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, int64_t *b, int64_t *nb)
{
    local_box(sw->rank, &sw->op[0], *arrs[sw->op[0].arr], x, b, nb);
}

void tyl_sweep_part_(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, const void *const *sc,
                     const int64_t *o, const int64_t *n)
{
    op_bufs ob;
    op_bufs_open(&ob, sw->nop, sw->where);
    tyl_part q;
    part_at(sw->rank, sw->nop, sw->op, arrs, x, o, n, &ob, sc, &q);
    sw->kernel(&q);
    op_bufs_close(&ob);
}

/* ---- tyl_reduce_run --------------------------------------------------------------------------- */

/* acc = combine(acc, v) of a reduction; NaN propagates through max and min as in NumPy. */
#define TYL_COMBINE(T, acc, v, kind)                                                             \
    ((kind) == TYL_RED_SUM ? (acc) + (v)                                                         \
     : (kind) == TYL_RED_MAX ? (((v) > (acc) || (v) != (v)) ? (v) : (acc))                       \
                             : (((v) < (acc) || (v) != (v)) ? (v) : (acc)))

static void combine(const tyl_reduction *r, const void *parts, int64_t np, void *result)
{
    const int k = r->kind;
    switch (r->dtype) {
    case TYL_FLOAT64: {
        const double *p = parts;
        double acc = k == TYL_RED_MAX ? -(double)INFINITY : k == TYL_RED_MIN ? (double)INFINITY : 0.0;
        if (k == TYL_RED_SUM)
            acc = tyl_pairwise_sum_f64(p, np);
        else
            for (int64_t i = 0; i < np; i++)
                acc = TYL_COMBINE(double, acc, p[i], k);
        *(double *)result = acc;
        return;
    }
    case TYL_FLOAT32: {
        const float *p = parts;
        float acc = k == TYL_RED_MAX ? -INFINITY : k == TYL_RED_MIN ? INFINITY : 0.0f;
        if (k == TYL_RED_SUM)
            acc = tyl_pairwise_sum_f32(p, np);
        else
            for (int64_t i = 0; i < np; i++)
                acc = TYL_COMBINE(float, acc, p[i], k);
        *(float *)result = acc;
        return;
    }
    case TYL_INT64: {
        const int64_t *p = parts;
        int64_t acc = k == TYL_RED_MAX ? INT64_MIN : k == TYL_RED_MIN ? INT64_MAX : 0;
        for (int64_t i = 0; i < np; i++)
            acc = TYL_COMBINE(int64_t, acc, p[i], k);
        *(int64_t *)result = acc;
        return;
    }
    case TYL_INT32: {
        const int32_t *p = parts;
        int32_t acc = k == TYL_RED_MAX ? INT32_MIN : k == TYL_RED_MIN ? INT32_MAX : 0;
        for (int64_t i = 0; i < np; i++)
            acc = (int32_t)TYL_COMBINE(int32_t, acc, p[i], k);
        *(int32_t *)result = acc;
        return;
    }
    case TYL_BOOL: {
        const bool *p = parts;
        bool acc = k == TYL_RED_MIN;
        for (int64_t i = 0; i < np; i++)
            acc = k == TYL_RED_MIN ? acc && p[i] : acc || p[i];
        *(bool *)result = acc;
        return;
    }
    case TYL_UINT64: {
        const uint64_t *p = parts;
        uint64_t acc = k == TYL_RED_MAX ? 0 : k == TYL_RED_MIN ? UINT64_MAX : 0;
        for (int64_t i = 0; i < np; i++)
            acc = TYL_COMBINE(uint64_t, acc, p[i], k);
        *(uint64_t *)result = acc;
        return;
    }
    default: /* the compiler reduces the small integer types in int64 or uint64 */
        tyl_rt_error(r->where, "internal error: reduction of dtype %d", (int)r->dtype);
    }
}

void tyl_reduce_run(const tyl_reduction *r, tyl_array **const *arrs, const int64_t *x, const void *const *sc,
                    void *result)
{
    const int B = r->rank, nop = r->nop;
    if (r->kind != TYL_RED_SUM) /* max/min of no element (sum's is 0) */
        for (int k = 0; k < B; k++)
            if (x[k] == 0)
                tyl_empty_reduction(r->where, r->kind == TYL_RED_MAX ? "maximum" : "minimum");
    /* a distributed reduction: each rank reduces the points of its block of the anchor */
    int64_t b[TYL_MAX_RANK], nb[TYL_MAX_RANK];
    local_box(B, r->anchor, r->anchor ? *arrs[r->anchor->arr] : NULL, x, b, nb);
    if (reads_own_blocks(r->anchor, r->op, r->nop, r->x, r->nx, arrs, x))
        tyl_dist_stats_.n_own_reads++;
    else
        tyl_halo_end(halo_begin(r->where, r->nx, r->x, arrs, 1));

    int64_t total = 1;
    for (int k = 0; k < B; k++)
        total *= nb[k] > 0 ? nb[k] : 0;
    if (r->parts == TYL_PARTS_EXACT) { /* a float sum in NumPy's order (tyl_reduce.c) */
        op_bufs ob;
        op_bufs_open(&ob, nop, r->where);
        void **p = ob.p;
        int64_t(*s)[TYL_MAX_RANK] = ob.s;
        int64_t(*w)[TYL_MAX_RANK][4] = ob.w;
        size_t zv[SW_STACK];
        size_t *z = nop > SW_STACK ? malloc(sizeof(size_t) * (size_t)nop) : zv;
        if (!z)
            tyl_rt_error(r->where, "out of memory");
        tyl_part q;
        memset(&q, 0, sizeof q);
        memset(w, 0, sizeof(*w) * (size_t)(nop ? nop : 1));
        for (int k = 0; k < B; k++) {
            q.o[k] = b[k];
            q.n[k] = nb[k];
        }
        for (int i = 0; total > 0 && i < nop; i++) {
            const tyl_array *a = *arrs[r->op[i].arr];
            int64_t off = operand_at(B, &r->op[i], a, q.o, x, s[i], w[i]);
            z[i] = tyl_dtype_size(a->dtype);
            p[i] = (char *)a->data + off * (int64_t)z[i];
        }
        q.p = p;
        q.s = (const int64_t(*)[TYL_MAX_RANK])s;
        q.w = (const int64_t(*)[TYL_MAX_RANK][4])w;
        q.sc = sc;
        int64_t *bx = r->anchor ? rank_boxes(r->where, B, r->anchor, *arrs[r->anchor->arr], x, b, nb) : NULL;
        tyl_reduce_exact_(r, &q, x, b, nb, bx, z, r->direct & TYL_RED_DIRECT ? *arrs[r->op[0].arr] : NULL, result);
        free(bx);
        op_bufs_close(&ob);
        if (z != zv)
            free(z);
        return;
    }
    int64_t np;
    if (r->parts == TYL_PARTS_GRID)
        np = total < 262144 ? (total + 255) / 256 : 1024;
    else
        np = !total ? 0 : B == 1 ? (nb[0] + 4095) / 4096 : nb[0];
    size_t el = tyl_dtype_size(r->dtype);
    void *part = tyl_reduce_scratch((size_t)(np > 0 ? np : 1) * el);
    if (total > 0) {
        op_bufs ob;
        op_bufs_open(&ob, nop, r->where);
        tyl_part q;
        part_at(B, nop, r->op, arrs, x, b, nb, &ob, sc, &q);
        q.red = part;
        q.nred = np;
        r->kernel(&q);
        op_bufs_close(&ob);
    }
    /* the partials where the host can read them (device memory on a GPU) */
    double hp[1024]; /* aligned for every element type */
    void *host = (size_t)np * el <= sizeof hp ? (void *)hp : malloc((size_t)np * el);
    if (!host)
        tyl_rt_error(r->where, "out of memory");
    if (np > 0)
        tyl_reduce_fetch(host, part, (size_t)np * el);
    combine(r, host, np, result);
    if (host != hp)
        free(host);
    if (r->anchor)
        tyl_reduce_ranks(result, r->dtype, r->kind);
}
