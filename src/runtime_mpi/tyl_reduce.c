/* tyl_reduce.c: floating-point sums in NumPy 2's order, bit for bit, at any rank count and any
 * thread count (C kernels; docs/PASSES.md "Reductions" has the spec, tests/reduce_order checks
 * it against NumPy).
 *
 * NumPy's order. The box's points, in C order (the flat index p in [0, N)), form RUNS: every Q
 * points (a period) split into runs of C points, the last of each period shorter. A run's sum
 * is NumPy's pairwise_sum over its points (below), and the runs are added one after the other
 * to an accumulator that starts at +0.0. A sum of an expression (a temporary, C-contiguous)
 * and of a contiguous view is one run (Q = C = N); a direct sum of a non-contiguous view is
 * NumPy's buffered iteration (direct_runs).
 *
 * pairwise_sum(n): n < 8: in order from +0.0; n <= 128: eight accumulators r[j] over the
 * points j, j+8, ... up to the last multiple of 8, combined ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)),
 * then the rest in order; else the first n2 = n/2 - (n/2) % 8 points and the rest, each
 * pairwise, added. The tree of a run depends only on its length: it is the same on any number
 * of ranks and threads.
 *
 * Ranks. A rank owns a box block: in flat order, a set of row pieces. Walking a run's tree from
 * the root, a node whose points the rank owns entirely is computed here, whole (its value is
 * that of NumPy's subtree); a node it owns partly is split into its children; a LEAF (n <= 128)
 * it owns partly is SHARED: its points go, point to point, to the one rank that holds most of
 * them (leaf_owner, from every rank's block: tyl_sweep.c rank_boxes, or a selection's rows),
 * which sums the leaf as NumPy does (share_plan and share_finish, tyl_reduce_share.c). The items, lists of
 * (first point, count, value), one per maximal owned node and per shared leaf summed here,
 * are gathered on every rank (or, above 64 KiB, on rank 0, which broadcasts the value:
 * tyl_reduce_gather_some_), which evaluates the runs' trees top down, taking a node's value
 * where some rank sent it. Traffic: one value per maximal owned node and shared leaf
 * (O(row pieces * log)) collectively, and fewer than 128 points per shared leaf to one rank.
 * The rows of a last-axis sum kept for tyl_rows_end exchange their shared leaves' points
 * there, in one exchange, before their one gather. Without the block formula (no bx) a shared
 * leaf's points themselves are items (count 0 for a point), and eval_* sums them.
 *
 * Threads. Owned nodes above TASK_GRAIN points are split into their children (the tree's own
 * nodes: the split does not change any value) and the pieces computed in parallel.
 *
 * The elements come from the reduction's C kernel, which for an exact sum writes the values of
 * the points of a sub-box (one row piece here) into a buffer; a node streams its points through
 * a small per-thread buffer, so no temporary of the operand's size is made.
 *
 * Selections. NumPy sums a[m] as the 1-D array of the selected points, compressed in C order:
 * one run whose tree is over those K points, not over the box (zeros in place of the others
 * would give another tree, and other roundings). The kernel writes each point's m beside its
 * value. A rank keeps its block's selected values row by row (a row: the block's points along
 * the last dimension; NumPy makes that array too), and learns where each of its rows starts in
 * the compressed order from every rank's count per row (one gather of O(rows) integers). The
 * walk then runs over the compressed points, of which a rank owns one range per row. */
#include "tyl_internal.h"

#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

enum { LEAF = 128, TASK_GRAIN = 65536, BUF = 2048, NP_BUFSIZE = 8192 };

/* One item a rank contributes: the sum of the points [lo, lo + n) of a tree node it owns, or
 * (n == 0) the value of point lo of a leaf it shares. A float's value is exact in a double. */
typedef struct red_item {
    int64_t lo, n;
    double v;
} red_item;

/* A local task: node [lo, lo + n), whose points are this rank's points at local positions
 * [at, at + n) (C order of the rank's block); pts: not a node but the points [lo, lo + n) (of
 * one row of the block) of a leaf shared with other ranks, their values at [pv, pv + n) of
 * the points' buffer, which rank own sums (-1: every rank, from the gathered points). */
typedef struct red_task {
    int64_t lo, n, at, pv;
    int own, pts;
} red_task;

/* A leaf [lo, lo + n) this rank sums from its points and those the others send it; its points
 * at [at, at + n) of the leaves' buffer. */
typedef struct red_leaf {
    int64_t lo, n, at;
} red_leaf;

typedef struct rctx {
    const tyl_reduction *r;
    const tyl_part *q0; /* the operands at the block's origin */
    int B, nop, f32;
    int64_t x[TYL_MAX_RANK], b[TYL_MAX_RANK], nb[TYL_MAX_RANK];
    int64_t inner[TYL_MAX_RANK]; /* points of the block per index of dimension d */
    int64_t N, nloc;
    const size_t *opsize; /* element size of each operand's array */
    red_task *t;
    int64_t nt, capt;
    int64_t npv; /* points in the tasks' points (pts) */
    char *pv;    /* their values (elements of the sum's dtype) */
    /* a sum of a selection: flat indices are compressed ones */
    int sel;
    int64_t nrow;       /* rows of the block (points along its last dimension) */
    int64_t *rst, *rlp; /* per row: the compressed index of its first selected point, and the
                           block's selected points before it (rlp[nrow]: all of them) */
    char *vals;         /* the block's selected values, in C order */
    /* shared leaves summed by one owner, the rank holding most of their points (share_leaves) */
    int share, me, nr, hint; /* hint: the rank owner_run found last */
    const int64_t *bx;       /* every rank's block of the box (rank_boxes in tyl_sweep.c) */
    int64_t ngr;             /* a selection: every rank's rows that select points, in order: */
    int64_t *gst, *gcnt;     /* the compressed index of the first point, the count */
    int *grank;              /* and the rank */
    red_leaf *lf;
    int64_t nlf, caplf;
} rctx;

static int64_t sel_owned_below(const rctx *c, int64_t p);
static int64_t sel_global_of(const rctx *c, int64_t k);

/* Points of the rank's block whose flat index is below p. */
static int64_t owned_below(const rctx *c, int64_t p)
{
    if (c->sel)
        return sel_owned_below(c, p);
    if (p >= c->N)
        return c->nloc;
    int64_t idx[TYL_MAX_RANK], cnt = 0;
    for (int d = c->B - 1; d >= 0; d--) {
        idx[d] = p % c->x[d];
        p /= c->x[d];
    }
    for (int d = 0; d < c->B; d++) {
        int64_t below = idx[d] - c->b[d];
        below = below < 0 ? 0 : below > c->nb[d] ? c->nb[d] : below;
        cnt += below * c->inner[d];
        if (idx[d] < c->b[d] || idx[d] >= c->b[d] + c->nb[d])
            break;
    }
    return cnt;
}

/* Flat index of the point at local position k. */
static int64_t global_of(const rctx *c, int64_t k)
{
    if (c->sel)
        return sel_global_of(c, k);
    int64_t m[TYL_MAX_RANK], p = 0;
    for (int d = c->B - 1; d >= 0; d--) {
        m[d] = k % c->nb[d];
        k /= c->nb[d];
    }
    for (int d = 0; d < c->B; d++)
        p = p * c->x[d] + c->b[d] + m[d];
    return p;
}

static void push_task(rctx *c, int64_t lo, int64_t n, int64_t at, int own, int pts)
{
    if (c->nt == c->capt) {
        c->capt = c->capt ? 2 * c->capt : 64;
        c->t = realloc(c->t, sizeof(red_task) * (size_t)c->capt);
        if (!c->t)
            tyl_rt_error(c->r->where, "out of memory");
    }
    c->t[c->nt++] = (red_task){lo, n, at, pts ? c->npv : 0, own, pts};
    if (pts)
        c->npv += n;
}

/* The first selected row whose points all come after local position k (a binary search of
 * the rows' local starts). */
static int64_t row_after(const rctx *c, int64_t k)
{
    int64_t a = 0, z = c->nrow;
    while (a < z) {
        int64_t mid = a + (z - a) / 2;
        if (c->rlp[mid] <= k)
            a = mid + 1;
        else
            z = mid;
    }
    return a;
}

/* The end of the block row that local position k lies in (local positions). */
static int64_t row_end(const rctx *c, int64_t k)
{
    if (!c->sel) {
        int64_t len = c->nb[c->B - 1];
        return k - k % len + len;
    }
    return c->rlp[row_after(c, k)];
}

/* The rank that owns point p (a flat index, or a compressed one in a selection) and, in *len,
 * how many points from p on it owns in a row (at least p's). */
static int owner_run(rctx *c, int64_t p, int64_t *len)
{
    if (c->sel) { /* the last row starting at or below p holds it */
        int64_t a = 0, z = c->ngr;
        while (a < z) {
            int64_t mid = a + (z - a) / 2;
            if (c->gst[mid] <= p)
                a = mid + 1;
            else
                z = mid;
        }
        if (a == 0 || p >= c->gst[a - 1] + c->gcnt[a - 1])
            tyl_rt_error(c->r->where, "internal error: no rank holds point %lld of a sum", (long long)p);
        *len = c->gst[a - 1] + c->gcnt[a - 1] - p;
        return c->grank[a - 1];
    }
    const int B = c->B, L = B - 1;
    int64_t idx[TYL_MAX_RANK];
    for (int d = L; d >= 0; d--) {
        idx[d] = p % c->x[d];
        p /= c->x[d];
    }
    for (int i = 0; i < c->nr; i++) { /* the last rank found first: runs of one row come in order */
        int q = (c->hint + i) % c->nr, in = 1;
        const int64_t *qb = c->bx + 2 * B * q, *qn = qb + B;
        for (int d = 0; d < B && in; d++)
            in = idx[d] >= qb[d] && idx[d] < qb[d] + qn[d];
        if (in) {
            c->hint = q;
            *len = qb[L] + qn[L] - idx[L];
            return q;
        }
    }
    tyl_rt_error(c->r->where, "internal error: no rank holds point %lld of a sum", (long long)p);
    return -1;
}

/* The rank that sums shared leaf [lo, lo + n): the one holding most of its points, the first
 * of them in the leaf's order on a tie (every rank finds the same from the block formula). */
static int leaf_owner(rctx *c, int64_t lo, int64_t n)
{
    int rk[LEAF];
    int64_t cnt[LEAF], nq = 0, len;
    for (int64_t p = lo; p < lo + n; p += len) {
        int q = owner_run(c, p, &len), i = 0;
        len = len < lo + n - p ? len : lo + n - p;
        while (i < nq && rk[i] != q)
            i++;
        if (i == nq) {
            rk[nq] = q;
            cnt[nq++] = 0;
        }
        cnt[i] += len;
    }
    int best = 0;
    for (int i = 1; i < nq; i++)
        if (cnt[i] > cnt[best])
            best = i;
    return rk[best];
}

static void push_leaf(rctx *c, int64_t lo, int64_t n)
{
    if (c->nlf == c->caplf) {
        c->caplf = c->caplf ? 2 * c->caplf : 64;
        c->lf = realloc(c->lf, sizeof(red_leaf) * (size_t)c->caplf);
        if (!c->lf)
            tyl_rt_error(c->r->where, "out of memory");
    }
    int64_t at = c->nlf ? c->lf[c->nlf - 1].at + c->lf[c->nlf - 1].n : 0;
    c->lf[c->nlf++] = (red_leaf){lo, n, at};
}

static int64_t split_of(int64_t n)
{
    int64_t n2 = n / 2;
    return n2 - n2 % 8;
}

/* A node the rank owns whole: one task, or its children's when it is large. */
static void owned_node(rctx *c, int64_t lo, int64_t n, int64_t at)
{
    if (n <= TASK_GRAIN) {
        push_task(c, lo, n, at, -1, 0);
        return;
    }
    int64_t n2 = split_of(n);
    owned_node(c, lo, n2, at);
    owned_node(c, lo + n2, n - n2, at + n2);
}

static void walk(rctx *c, int64_t lo, int64_t n)
{
    int64_t a = owned_below(c, lo), z = owned_below(c, lo + n);
    if (a == z)
        return;
    if (z - a == n) {
        owned_node(c, lo, n, a);
        return;
    }
    if (n <= LEAF) { /* shared: its points go to the rank holding most (share_leaves) */
        int own = c->share ? leaf_owner(c, lo, n) : -1;
        for (int64_t k = a, e; k < z; k = e) { /* along a row of the block, consecutive points */
            e = row_end(c, k);
            e = e < z ? e : z;
            push_task(c, global_of(c, k), e - k, k, own, 1);
        }
        if (own >= 0 && own == c->me)
            push_leaf(c, lo, n);
        return;
    }
    int64_t n2 = split_of(n);
    walk(c, lo, n2);
    walk(c, lo + n2, n - n2);
}

/* ---- the points, streamed from the kernel ---------------------------------------------------- */

typedef struct stream {
    const rctx *c;
    tyl_part q;
    void **p;
    int64_t (*w)[TYL_MAX_RANK][4];
    char *buf;
    int64_t have, at, next, end; /* points in buf, the first unread; next local position */
    /* a direct read with unit steps along rows: leaves within a row are read in place */
    int direct;
    int64_t col;     /* next's index along the row */
    const char *ptr; /* next's element */
} stream;

/* Place the direct cursor at local position next. */
static void stream_seek(stream *s)
{
    const rctx *c = s->c;
    int64_t k = s->next, off = 0;
    for (int d = c->B - 1; d >= 0; d--) {
        int64_t m = k % c->nb[d];
        k /= c->nb[d];
        off += m * c->q0->s[0][d];
        if (d == c->B - 1)
            s->col = m;
    }
    s->ptr = (const char *)c->q0->p[0] + off * (int64_t)c->opsize[0];
}

static void stream_init(stream *s, const rctx *c)
{
    memset(s, 0, sizeof *s);
    s->c = c;
    s->q = *c->q0;
    s->p = malloc(sizeof(void *) * (size_t)(c->nop ? c->nop : 1));
    s->w = malloc(sizeof(*s->w) * (size_t)(c->nop ? c->nop : 1));
    s->buf = malloc((size_t)BUF * 8);
    if (!s->p || !s->w || !s->buf)
        tyl_rt_error(c->r->where, "out of memory");
    memcpy(s->w, c->q0->w, sizeof(*s->w) * (size_t)c->nop);
    s->q.p = s->p;
    s->q.w = (const int64_t(*)[TYL_MAX_RANK][4])s->w;
}

static void stream_free(stream *s)
{
    free(s->p);
    free(s->w);
    free(s->buf);
}

/* The values of local positions [pos, pos + len) into dst, one kernel call per row piece. */
static void fill(stream *s, int64_t pos, int64_t len, char *dst)
{
    const rctx *c = s->c;
    const int B = c->B, L = B - 1;
    size_t el = c->f32 ? 4 : 8;
    while (len > 0) {
        int64_t m[TYL_MAX_RANK] = {0}, k = pos;
        for (int d = L; d >= 0; d--) {
            m[d] = k % c->nb[d];
            k /= c->nb[d];
        }
        int64_t piece = c->nb[L] - m[L] < len ? c->nb[L] - m[L] : len;
        for (int d = 0; d < B; d++) {
            s->q.o[d] = c->q0->o[d] + m[d];
            s->q.n[d] = d == L ? piece : 1;
        }
        for (int i = 0; i < c->nop; i++) {
            int64_t off = 0;
            for (int d = 0; d < B; d++) {
                off += m[d] * c->q0->s[i][d];
                s->w[i][d][0] = c->q0->w[i][d][0] + c->q0->w[i][d][1] * m[d];
            }
            s->p[i] = (char *)c->q0->p[i] + off * (int64_t)c->opsize[i];
        }
        s->q.red = dst;
        c->r->kernel(&s->q);
        dst += (size_t)piece * el;
        pos += piece;
        len -= piece;
    }
}

/* The eight accumulators of a leaf in 16-byte vectors where the compiler has vector types (each
 * lane adds exactly as its scalar accumulator would; 16 bytes stay in registers on any x86-64 or
 * ARM64), else an array. r[j] receives accumulator j. */
#if defined(__GNUC__)
typedef double v2d __attribute__((vector_size(16)));
typedef float v4f __attribute__((vector_size(16)));

static void acc8_f64(const double *a, int64_t end, double *r)
{
    v2d x0, x1, x2, x3, t;
    memcpy(&x0, a, 16);
    memcpy(&x1, a + 2, 16);
    memcpy(&x2, a + 4, 16);
    memcpy(&x3, a + 6, 16);
    for (int64_t i = 8; i < end; i += 8) {
        memcpy(&t, a + i, 16);
        x0 += t;
        memcpy(&t, a + i + 2, 16);
        x1 += t;
        memcpy(&t, a + i + 4, 16);
        x2 += t;
        memcpy(&t, a + i + 6, 16);
        x3 += t;
    }
    memcpy(r, &x0, 16);
    memcpy(r + 2, &x1, 16);
    memcpy(r + 4, &x2, 16);
    memcpy(r + 6, &x3, 16);
}

static void acc8_f32(const float *a, int64_t end, float *r)
{
    v4f x0, x1, t;
    memcpy(&x0, a, 16);
    memcpy(&x1, a + 4, 16);
    for (int64_t i = 8; i < end; i += 8) {
        memcpy(&t, a + i, 16);
        x0 += t;
        memcpy(&t, a + i + 4, 16);
        x1 += t;
    }
    memcpy(r, &x0, 16);
    memcpy(r + 4, &x1, 16);
}
#else
#define ACC8(T, SUF)                                                                               \
    static void acc8_##SUF(const T *a, int64_t end, T *r)                                          \
    {                                                                                              \
        for (int j = 0; j < 8; j++)                                                                \
            r[j] = a[j];                                                                           \
        for (int64_t i = 8; i < end; i += 8)                                                       \
            for (int j = 0; j < 8; j++)                                                            \
                r[j] += a[i + j];                                                                  \
    }
ACC8(double, f64)
ACC8(float, f32)
#endif

#define PAIRWISE(T, SUF)                                                                           \
    static T leaf_##SUF(const T *a, int64_t n)                                                     \
    {                                                                                              \
        if (n < 8) {                                                                               \
            T res = 0;                                                                             \
            for (int64_t i = 0; i < n; i++)                                                        \
                res += a[i];                                                                       \
            return res;                                                                            \
        }                                                                                          \
        T r[8];                                                                                    \
        int64_t i = n - n % 8;                                                                     \
        acc8_##SUF(a, i, r);                                                                       \
        T res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));                 \
        for (; i < n; i++)                                                                         \
            res += a[i];                                                                           \
        return res;                                                                                \
    }                                                                                              \
    /* Points a[0, n), pairwise. */                                                               \
    static T tree_##SUF(const T *a, int64_t n)                                                     \
    {                                                                                              \
        if (n <= LEAF)                                                                             \
            return leaf_##SUF(a, n);                                                               \
        int64_t n2 = split_of(n);                                                                  \
        T x = tree_##SUF(a, n2);                                                                   \
        return x + tree_##SUF(a + n2, n - n2);                                                     \
    }                                                                                              \
    /* The next n points of the stream, pairwise. */                                              \
    static T stream_sum_##SUF(stream *s, int64_t n)                                                \
    {                                                                                              \
        if (n > LEAF) {                                                                            \
            int64_t n2 = split_of(n);                                                              \
            T a = stream_sum_##SUF(s, n2);                                                         \
            return a + stream_sum_##SUF(s, n - n2);                                                \
        }                                                                                          \
        T *buf = (T *)(void *)s->buf;                                                              \
        if (s->direct) {                                                                           \
            T v;                                                                                   \
            if (s->col + n <= s->c->nb[s->c->B - 1]) {                                             \
                v = leaf_##SUF((const T *)(const void *)s->ptr, n);                                \
                s->ptr += sizeof(T) * (size_t)n;                                                   \
                s->col += n;                                                                       \
                s->next += n;                                                                      \
                if (s->col < s->c->nb[s->c->B - 1])                                                \
                    return v;                                                                      \
            } else {                                                                               \
                fill(s, s->next, n, s->buf);                                                       \
                v = leaf_##SUF(buf, n);                                                            \
                s->next += n;                                                                      \
            }                                                                                      \
            if (s->next < s->end)                                                                  \
                stream_seek(s);                                                                    \
            return v;                                                                              \
        }                                                                                          \
        if (s->have - s->at < n) {                                                                 \
            memmove(buf, buf + s->at, sizeof(T) * (size_t)(s->have - s->at));                      \
            s->have -= s->at;                                                                      \
            s->at = 0;                                                                             \
            int64_t more = BUF - s->have < s->end - s->next ? BUF - s->have : s->end - s->next;    \
            fill(s, s->next, more, (char *)(buf + s->have));                                       \
            s->next += more;                                                                       \
            s->have += more;                                                                       \
        }                                                                                          \
        T v = leaf_##SUF(buf + s->at, n);                                                          \
        s->at += n;                                                                                \
        return v;                                                                                  \
    }                                                                                              \
    /* Node [lo, lo + n) of the gathered items (sorted by lo), *a the first item at or after lo: \
     * the nodes are visited left to right, so the items are taken in order (no search). */      \
    static T eval_##SUF(const tyl_reduction *r, const red_item *it, int64_t ni, int64_t *a, int64_t lo, \
                        int64_t n)                                                                 \
    {                                                                                              \
        if (*a < ni && it[*a].lo == lo && it[*a].n == n)                                           \
            return (T)it[(*a)++].v;                                                                \
        if (n <= LEAF) {                                                                           \
            T v[LEAF];                                                                             \
            for (int64_t k = 0; k < n; k++, (*a)++) {                                              \
                if (*a >= ni || it[*a].lo != lo + k || it[*a].n != 0)                              \
                    tyl_rt_error(r->where, "internal error: a sum's partial results do not cover " \
                                           "point %lld", (long long)(lo + k));                      \
                v[k] = (T)it[*a].v;                                                                \
            }                                                                                      \
            return leaf_##SUF(v, n);                                                               \
        }                                                                                          \
        int64_t n2 = split_of(n);                                                                  \
        T x = eval_##SUF(r, it, ni, a, lo, n2);                                                    \
        return x + eval_##SUF(r, it, ni, a, lo + n2, n - n2);                                      \
    }                                                                                              \
    static T runs_##SUF(const tyl_reduction *r, const red_item *it, int64_t ni, int64_t N,         \
                        int64_t Q, int64_t C)                                                      \
    {                                                                                              \
        T acc = 0;                                                                                 \
        int64_t a = 0;                                                                             \
        for (int64_t q0 = 0; q0 < N; q0 += Q)                                                      \
            for (int64_t k = 0; k < Q; k += C)                                                     \
                acc += eval_##SUF(r, it, ni, &a, q0 + k, Q - k < C ? Q - k : C);                   \
        return acc;                                                                                \
    }
PAIRWISE(double, f64)
PAIRWISE(float, f32)

/* NumPy's runs of a direct sum of the view op (spec in docs/PASSES.md): its box dimensions of
 * extent 1 dropped, neighbours coalesced where the outer stride is the inner one times the inner
 * extent (strides of the global array); with n[0..m) left, P the product of the trailing
 * extents n[j..m) that fit in NumPy's buffer (8192 elements), j smallest: one run if m <= 1 or
 * j == 0 (contiguous), one per row if j == m (not even a row fits), else periods of
 * P * n[j - 1] points cut into runs of (8192 / P) * P. A cast (TYL_RED_CAST) goes through the buffer
 * whatever the strides, so the one run of m <= 1 and each row of j == m are cut every 8192
 * points (checked against NumPy 2.4: tests/programs/reduce_dtype_float64_cast). */
static void direct_runs(const tyl_reduction *r, const tyl_array *a, const int64_t *x, int64_t N, int64_t *Q,
                        int64_t *C)
{
    const tyl_operand *op = &r->op[0];
    int64_t vs[TYL_MAX_RANK] = {0}, gs = 1;
    for (int d = a->rank - 1; d >= 0; d--) {
        int k = op->box[d];
        if (k >= 0)
            vs[k] = (op->x_step >> d & 1 ? x[op->step[d]] : op->step[d]) * gs;
        gs *= a->shape[d];
    }
    int64_t n[TYL_MAX_RANK], st[TYL_MAX_RANK];
    int m = 0;
    for (int k = 0; k < r->rank; k++)
        if (x[k] != 1) {
            n[m] = x[k];
            st[m++] = vs[k];
        }
    for (int d = m - 2; d >= 0; d--)
        if (st[d] == st[d + 1] * n[d + 1]) {
            n[d] *= n[d + 1];
            st[d] = st[d + 1];
            for (int k = d + 1; k < m - 1; k++) {
                n[k] = n[k + 1];
                st[k] = st[k + 1];
            }
            m--;
        }
    int64_t P = 1;
    int j = m;
    while (j > 0 && P * n[j - 1] <= NP_BUFSIZE)
        P *= n[--j];
    if (m > 1 && j > 0 && j < m) {
        *Q = P * n[j - 1];
        *C = NP_BUFSIZE / P * P;
        return;
    }
    *Q = *C = m <= 1 || j == 0 ? N : n[m - 1];
    if (r->direct & TYL_RED_CAST && *C > NP_BUFSIZE)
        *C = NP_BUFSIZE;
}

/* The gathered items ordered by lo. Each rank's items come in order (a tree walk left to right)
 * and the gather puts the ranks one after another, so the list is a few ascending runs: they are
 * merged pairwise, O(items * log runs). A sort (qsort) of every point of a 2x2 grid's leaves
 * each call was 34% of a convergence loop's CPU at 4 ranks (laplace_l1norm_converge, perf). */
static void order_items(const char *where, red_item *a, int64_t n)
{
    int64_t nrun = 1;
    for (int64_t i = 1; i < n; i++)
        nrun += a[i].lo < a[i - 1].lo;
    if (nrun == 1)
        return;
    int64_t *st = malloc(sizeof(int64_t) * (size_t)(nrun + 1));
    red_item *tmp = malloc(sizeof(red_item) * (size_t)n);
    if (!st || !tmp)
        tyl_rt_error(where, "out of memory");
    st[0] = 0;
    for (int64_t i = 1, k = 1; i < n; i++)
        if (a[i].lo < a[i - 1].lo)
            st[k++] = i;
    st[nrun] = n;
    red_item *src = a, *dst = tmp;
    while (nrun > 1) {
        int64_t k = 0;
        for (int64_t j = 0; j < nrun; j += 2) {
            int64_t lo = st[j], mid = st[j + 1 < nrun ? j + 1 : nrun], hi = st[j + 2 < nrun ? j + 2 : nrun];
            int64_t x = lo, y = mid, o = lo;
            while (x < mid && y < hi) /* ties keep the earlier run's item first, as a stable sort */
                dst[o++] = src[y].lo < src[x].lo ? src[y++] : src[x++];
            while (x < mid)
                dst[o++] = src[x++];
            while (y < hi)
                dst[o++] = src[y++];
            st[k++] = lo;
        }
        st[k] = n;
        nrun = k;
        red_item *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, sizeof(red_item) * (size_t)n);
    free(tmp);
    free(st);
}

/* ---- a sum of a selection a[m] ------------------------------------------------------------------ */

/* Selected points of the rank's block whose compressed index is below p. A row that starts at or
 * below p has every earlier row's points below it. */
static int64_t sel_owned_below(const rctx *c, int64_t p)
{
    int64_t a = 0, z = c->nrow;
    while (a < z) { /* the first row starting above p */
        int64_t mid = a + (z - a) / 2;
        if (c->rst[mid] <= p)
            a = mid + 1;
        else
            z = mid;
    }
    if (a == 0)
        return 0;
    int64_t r = a - 1, cnt = c->rlp[r + 1] - c->rlp[r], in = p - c->rst[r];
    return c->rlp[r] + (in < cnt ? in : cnt);
}

/* Compressed index of the block's selected point k. */
static int64_t sel_global_of(const rctx *c, int64_t k)
{
    int64_t a = row_after(c, k);
    return c->rst[a - 1] + k - c->rlp[a - 1];
}

/* Keep the selected of a row's n values in place; their count. */
static int64_t compress_row(char *row, const unsigned char *m, int64_t n, int f32)
{
    int64_t k = 0;
    if (f32) {
        float *v = (float *)(void *)row;
        for (int64_t j = 0; j < n; j++)
            if (m[j])
                v[k++] = v[j];
    } else {
        double *v = (double *)(void *)row;
        for (int64_t j = 0; j < n; j++)
            if (m[j])
                v[k++] = v[j];
    }
    return k;
}

typedef struct sel_row {
    int64_t p0, cnt; /* a row's first point (flat index in the box) and its selected points */
    int64_t rank;    /* the rank that holds it */
} sel_row;

static int row_cmp(const void *pa, const void *pb)
{
    const sel_row *a = pa, *b = pb;
    return a->p0 < b->p0 ? -1 : a->p0 > b->p0;
}

/* The block's selected values (c->vals), the counts before each row (c->rlp) and the compressed
 * index where each row starts (c->rst); the number of points selected in the box. Collective
 * when the reduction is distributed. */
static int64_t select_points(rctx *c)
{
    const int L = c->B - 1;
    const size_t el = c->f32 ? 4 : 8;
    const int64_t len = c->nb[L];
    c->nrow = len > 0 ? c->nloc / len : 0;
    c->vals = malloc((size_t)(c->nloc ? c->nloc : 1) * el);
    c->rlp = malloc(sizeof(int64_t) * (size_t)(c->nrow + 1));
    c->rst = malloc(sizeof(int64_t) * (size_t)(c->nrow + 1));
    sel_row *mine = malloc(sizeof(sel_row) * (size_t)(c->nrow ? c->nrow : 1));
    if (!c->vals || !c->rlp || !c->rst || !mine)
        tyl_rt_error(c->r->where, "out of memory");
#pragma omp parallel if (c->nloc > 32768 && c->nrow > 1)
    {
        stream s;
        stream_init(&s, c);
        unsigned char *m = malloc((size_t)(len ? len : 1));
        if (!m)
            tyl_rt_error(c->r->where, "out of memory");
        s.q.sel = m;
#pragma omp for schedule(static)
        for (int64_t i = 0; i < c->nrow; i++) {
            char *row = c->vals + (size_t)(i * len) * el;
            fill(&s, i * len, len, row);
            mine[i].p0 = global_of(c, i * len);
            mine[i].cnt = compress_row(row, m, len, c->f32);
            mine[i].rank = c->me;
        }
        free(m);
        stream_free(&s);
    }
    c->rlp[0] = 0;
    for (int64_t i = 0; i < c->nrow; i++) {
        memmove(c->vals + (size_t)c->rlp[i] * el, c->vals + (size_t)(i * len) * el, (size_t)mine[i].cnt * el);
        c->rlp[i + 1] = c->rlp[i] + mine[i].cnt;
    }
    int64_t K = c->rlp[c->nrow];
    if (!c->r->anchor) { /* the whole box is here */
        memcpy(c->rst, c->rlp, sizeof(int64_t) * (size_t)(c->nrow + 1));
        free(mine);
        return K;
    }
    size_t bytes = 0;
    sel_row *all = tyl_reduce_gather_(mine, sizeof(sel_row) * (size_t)c->nrow, &bytes);
    int64_t na = (int64_t)(bytes / sizeof(sel_row));
    qsort(all, (size_t)na, sizeof(sel_row), row_cmp);
    K = 0;
    if (c->share) { /* the rows that select points: which rank holds compressed index k */
        c->gst = malloc(sizeof(int64_t) * (size_t)(na ? na : 1));
        c->gcnt = malloc(sizeof(int64_t) * (size_t)(na ? na : 1));
        c->grank = malloc(sizeof(int) * (size_t)(na ? na : 1));
        if (!c->gst || !c->gcnt || !c->grank)
            tyl_rt_error(c->r->where, "out of memory");
    }
    for (int64_t i = 0, j = 0; i < na; i++) { /* rows in C order of their first points */
        if (j < c->nrow && all[i].p0 == mine[j].p0)
            c->rst[j++] = K;
        if (c->share && all[i].cnt > 0) {
            c->gst[c->ngr] = K;
            c->gcnt[c->ngr] = all[i].cnt;
            c->grank[c->ngr++] = (int)all[i].rank;
        }
        K += all[i].cnt;
    }
    c->rst[c->nrow] = K;
    free(all);
    free(mine);
    return K;
}

/* A sum of a selection: the tasks' values, from the selected values kept. */
static void sel_sum_tasks(rctx *c, red_item *mine)
{
    const size_t el = c->f32 ? 4 : 8;
    int64_t nodes = 0;
    for (int64_t i = 0; i < c->nt; i++)
        nodes += !c->t[i].pts;
#pragma omp parallel for schedule(dynamic, 1) if (c->rlp[c->nrow] > 32768 && nodes > 1)
    for (int64_t i = 0; i < c->nt; i++) {
        const red_task *t = &c->t[i];
        const char *v = c->vals + (size_t)t->at * el;
        if (t->pts) {
            memcpy(c->pv + (size_t)t->pv * el, v, (size_t)t->n * el);
            continue;
        }
        mine[i].lo = t->lo;
        mine[i].n = t->n;
        if (c->f32)
            mine[i].v = (double)tree_f32((const float *)(const void *)v, t->n);
        else
            mine[i].v = tree_f64((const double *)(const void *)v, t->n);
    }
}

/* The tasks' values, in parallel; each thread streams the points through its own buffer. A
 * unit of work is a node, or the tasks' points at consecutive local positions, up to BUF,
 * filled by one call (a 2x2 grid's rows shorter than two leaves share every leaf: a kernel call
 * a point was most of such a sum). */
static void stream_sum_tasks(rctx *c, red_item *mine, const tyl_array *direct)
{
    int64_t nodes = 0, nu = 0, inu = 0;
    int64_t *unit = malloc(sizeof(int64_t) * (size_t)(c->nt + 1));
    if (!unit)
        tyl_rt_error(c->r->where, "out of memory");
    for (int64_t i = 0; i < c->nt; i++) { /* inu: points in the unit so far */
        const red_task *t = &c->t[i], *u = i ? t - 1 : NULL;
        nodes += !t->pts;
        if (!t->pts || !u || !u->pts || t->at != u->at + u->n || inu + t->n > BUF) {
            unit[nu++] = i;
            inu = 0;
        }
        inu += t->n;
    }
    unit[nu] = c->nt;
#pragma omp parallel if (c->nloc > 32768 && nodes > 1)
    {
        stream s;
        stream_init(&s, c);
        s.direct = direct && !(c->r->direct & TYL_RED_CAST) && c->nop == 1 && c->B > 0 && c->q0->s[0][c->B - 1] == 1 &&
                   (size_t)(c->f32 ? 4 : 8) == c->opsize[0];
#pragma omp for schedule(dynamic, 1)
        for (int64_t u = 0; u < nu; u++) {
            int64_t i = unit[u];
            const red_task *t = &c->t[i];
            if (t->pts) { /* points of consecutive tasks: consecutive in the points' buffer too */
                const red_task *e = &c->t[unit[u + 1] - 1];
                fill(&s, t->at, e->at + e->n - t->at, c->pv + (size_t)t->pv * (c->f32 ? 4 : 8));
                continue;
            }
            mine[i].lo = t->lo;
            mine[i].n = t->n;
            s.have = s.at = 0;
            s.next = t->at;
            s.end = t->at + t->n;
            if (s.direct)
                stream_seek(&s);
            mine[i].v = c->f32 ? (double)stream_sum_f32(&s, t->n) : stream_sum_f64(&s, t->n);
        }
        stream_free(&s);
    }
    free(unit);
}

/* ---- shared leaves, summed by one rank --------------------------------------------------------- */

/* The items of this rank: its nodes' values (mine[i] for task i) and, in order of lo, each
 * shared leaf's points (lo, 0, value) for every rank to gather. */
static red_item *point_items(rctx *c, const red_item *mine, int64_t *ni)
{
    red_item *out = malloc(sizeof(red_item) * (size_t)(c->nt + c->npv + 1));
    if (!out)
        tyl_rt_error(c->r->where, "out of memory");
    int64_t j = 0;
    for (int64_t i = 0; i < c->nt; i++) {
        const red_task *t = &c->t[i];
        if (!t->pts)
            out[j++] = mine[i];
        else
            for (int64_t k = 0; k < t->n; k++) {
                const char *v = c->pv + (size_t)(t->pv + k) * (c->f32 ? 4 : 8);
                out[j++] = (red_item){t->lo + k, 0,
                                      c->f32 ? (double)*(const float *)(const void *)v : *(const double *)(const void *)v};
            }
    }
    *ni = j;
    return out;
}

/* Shared leaves planned (share_plan) and not summed yet (share_finish): the values this rank
 * sends and their runs, the points of the leaves it sums and the runs the others send, and the
 * items that wait for a leaf's value. Values as doubles (a float's is exact). Between
 * tyl_rows_begin and tyl_rows_end every row's leaves wait here: one exchange serves them all. */
typedef struct leaf_wait {
    red_item *it; /* the leaf's item (lo, n; v to come), in an items array that stays put */
    int64_t at;   /* its points at [at, at + it->n) of lv */
    int f32;
} leaf_wait;

static struct {
    double *sv, *lv;
    int64_t nsv, capsv, nlv, caplv;
    tyl_share_run *send, *recv;
    int64_t nsend, capsend, nrecv, caprecv;
    leaf_wait *w;
    int64_t nw, capw;
} share_;

static void *grow(const char *where, void *p, int64_t *cap, int64_t need, size_t el)
{
    if (need <= *cap)
        return p;
    while (*cap < need)
        *cap = *cap ? 2 * *cap : 256;
    if (!(p = realloc(p, (size_t)*cap * el)))
        tyl_rt_error(where, "out of memory");
    return p;
}

static double pv_at(const rctx *c, int64_t k)
{
    return c->f32 ? (double)((const float *)(const void *)c->pv)[k] : ((const double *)(const void *)c->pv)[k];
}

/* The leaves this rank shares with others, each summed by the rank holding most of its points
 * (leaf_owner): the other ranks' points of the leaves it owns will come point to point, its
 * points of the others' leaves go to their owners (share_finish), and each leaf it owns
 * becomes one item (lo, n, its value, leaf_* over its points in order, as NumPy's tree and
 * eval_* would compute it). The items, in order of lo: a leaf's item takes the place of the
 * first of its points here (whatever came before lies before the leaf). */
static red_item *share_plan(rctx *c, const red_item *mine, int64_t *ni)
{
    const char *where = c->r->where;
    int64_t npts = c->nlf ? c->lf[c->nlf - 1].at + c->lf[c->nlf - 1].n : 0, lv0 = share_.nlv, nodes = 0;
    share_.lv = grow(where, share_.lv, &share_.caplv, lv0 + npts, sizeof(double));
    share_.nlv += npts;
    for (int64_t i = 0; i < c->nlf; i++) /* the points of its leaves that others hold */
        for (int64_t p = c->lf[i].lo, end = p + c->lf[i].n, len; p < end; p += len) {
            int q = owner_run(c, p, &len);
            if (len > end - p)
                len = end - p;
            if (q == c->me)
                continue;
            share_.recv = grow(where, share_.recv, &share_.caprecv, share_.nrecv + 1, sizeof(tyl_share_run));
            share_.recv[share_.nrecv++] = (tyl_share_run){lv0 + c->lf[i].at + p - c->lf[i].lo, len, q};
        }
    for (int64_t i = 0, li = 0; i < c->nt; i++) { /* its points: to the owner, or its own leaf */
        const red_task *t = &c->t[i];
        nodes += !t->pts;
        if (!t->pts)
            continue;
        double *dst;
        if (t->own != c->me) {
            share_.sv = grow(where, share_.sv, &share_.capsv, share_.nsv + t->n, sizeof(double));
            share_.send = grow(where, share_.send, &share_.capsend, share_.nsend + 1, sizeof(tyl_share_run));
            share_.send[share_.nsend++] = (tyl_share_run){share_.nsv, t->n, t->own};
            dst = share_.sv + share_.nsv;
            share_.nsv += t->n;
            tyl_dist_stats_.n_shared_points += t->n;
        } else {
            while (c->lf[li].lo + c->lf[li].n <= t->lo)
                li++;
            dst = share_.lv + lv0 + c->lf[li].at + t->lo - c->lf[li].lo;
        }
        for (int64_t k = 0; k < t->n; k++)
            dst[k] = pv_at(c, t->pv + k);
    }
    red_item *out = malloc(sizeof(red_item) * (size_t)(nodes + c->nlf + 1));
    share_.w = grow(where, share_.w, &share_.capw, share_.nw + c->nlf, sizeof(leaf_wait));
    if (!out)
        tyl_rt_error(where, "out of memory");
    int64_t j = 0;
    for (int64_t i = 0, li = 0; i < c->nt; i++) {
        const red_task *t = &c->t[i];
        if (!t->pts)
            out[j++] = mine[i];
        else if (t->own == c->me && li < c->nlf && t->lo >= c->lf[li].lo) {
            const red_leaf *f = &c->lf[li++]; /* its first points here: the leaf's item */
            out[j] = (red_item){f->lo, f->n, 0.0};
            share_.w[share_.nw++] = (leaf_wait){&out[j++], lv0 + f->at, c->f32};
        }
    }
    tyl_dist_stats_.n_shared_leaves += c->nlf;
    *ni = j;
    return out;
}

/* The planned leaves' points exchanged (tyl_share_exchange_) and each waiting leaf summed. */
static void share_finish(const char *where)
{
    tyl_share_exchange_(where, sizeof(double), (const char *)share_.sv, share_.send, share_.nsend,
                        (char *)share_.lv, share_.recv, share_.nrecv);
    for (int64_t i = 0; i < share_.nw; i++) {
        const leaf_wait *w = &share_.w[i];
        const double *v = share_.lv + w->at;
        if (w->f32) {
            float f[LEAF];
            for (int64_t k = 0; k < w->it->n; k++)
                f[k] = (float)v[k];
            w->it->v = (double)leaf_f32(f, w->it->n);
        } else
            w->it->v = leaf_f64(v, w->it->n);
    }
    free(share_.sv);
    free(share_.lv);
    free(share_.send);
    free(share_.recv);
    free(share_.w);
    memset(&share_, 0, sizeof share_);
}

/* ---- the rows of a last-axis sum, gathered once (pass_sched_rows) ------------------------------ */

/* A row's sum kept between tyl_rows_begin and tyl_rows_end: the rank's items, the run
 * structure, and where its value goes (a == NULL: not stored yet). */
typedef struct row_sum {
    const tyl_reduction *r;
    red_item *items;
    int64_t ni, N, Q, C;
    tyl_array *a;
    int64_t ix[TYL_MAX_RANK];
} row_sum;

static struct {
    int on;            /* between tyl_rows_begin and tyl_rows_end */
    int kept;          /* the last reduction was kept (its store comes next) */
    row_sum *rs;
    int64_t n, cap;
} rows_;

void tyl_rows_begin(void)
{
    rows_.on = 1;
    rows_.kept = 0;
    rows_.n = 0;
}

static void row_keep(const tyl_reduction *r, red_item *items, int64_t ni, int64_t N, int64_t Q, int64_t C)
{
    if (rows_.n == rows_.cap) {
        rows_.cap = rows_.cap ? 2 * rows_.cap : 64;
        rows_.rs = realloc(rows_.rs, sizeof(row_sum) * (size_t)rows_.cap);
        if (!rows_.rs)
            tyl_rt_error(r->where, "out of memory");
    }
    rows_.rs[rows_.n++] = (row_sum){r, items, ni, N, Q, C, NULL, {0}};
    rows_.kept = 1;
}

static void row_store(tyl_array *a, const int64_t *ix, const void *v)
{
    if (!rows_.kept) { /* computed at once (the rank holds the whole row) */
        tyl_elem_set(a, ix, v);
        return;
    }
    row_sum *s = &rows_.rs[rows_.n - 1];
    s->a = a;
    memcpy(s->ix, ix, sizeof s->ix);
    rows_.kept = 0;
}

void tyl_rows_store_f64(tyl_array *a, int64_t i0, int64_t i1, int64_t i2, int64_t i3, int64_t i4, int64_t i5,
                        double v)
{
    const int64_t ix[TYL_MAX_RANK] = {i0, i1, i2, i3, i4, i5};
    row_store(a, ix, &v);
}

void tyl_rows_store_f32(tyl_array *a, int64_t i0, int64_t i1, int64_t i2, int64_t i3, int64_t i4, int64_t i5,
                        float v)
{
    const int64_t ix[TYL_MAX_RANK] = {i0, i1, i2, i3, i4, i5};
    row_store(a, ix, &v);
}

/* Every kept row's items of every rank in one gather (each row's flat indices moved past the
 * rows before it, so one sort orders them row by row), then each row's runs evaluated as its
 * own call would have (the same items in the same order) and its value stored. */
void tyl_rows_end(const char *where)
{
    rows_.on = 0;
    share_finish(where); /* every row's shared leaves, in one exchange */
    int64_t total = 0, base = 0;
    for (int64_t k = 0; k < rows_.n; k++)
        total += rows_.rs[k].ni;
    red_item *mine = malloc(sizeof(red_item) * (size_t)(total ? total : 1));
    if (!mine)
        tyl_rt_error(where, "out of memory");
    for (int64_t k = 0, at = 0; k < rows_.n; k++) {
        row_sum *s = &rows_.rs[k];
        for (int64_t i = 0; i < s->ni; i++) {
            mine[at] = s->items[i];
            mine[at++].lo += base;
        }
        base += s->N;
        free(s->items);
    }
    size_t bytes = 0;
    red_item *all = rows_.n ? tyl_reduce_gather_(mine, sizeof(red_item) * (size_t)total, &bytes) : NULL;
    free(mine);
    int64_t ni = (int64_t)(bytes / sizeof(red_item));
    if (ni)
        order_items(where, all, ni);
    base = 0;
    for (int64_t k = 0, i = 0; k < rows_.n; k++) {
        row_sum *s = &rows_.rs[k];
        int64_t j = i;
        while (j < ni && all[j].lo < base + s->N)
            all[j++].lo -= base;
        if (!s->a)
            tyl_rt_error(where, "internal error: a row sum without its store");
        if (s->r->dtype == TYL_FLOAT32) {
            float v = runs_f32(s->r, all + i, j - i, s->N, s->Q, s->C);
            tyl_elem_set(s->a, s->ix, &v);
        } else {
            double v = runs_f64(s->r, all + i, j - i, s->N, s->Q, s->C);
            tyl_elem_set(s->a, s->ix, &v);
        }
        i = j;
        base += s->N;
    }
    free(all);
    rows_.n = 0;
}

void tyl_rows_flush_(void)
{
    if (!rows_.on)
        return;
    tyl_rows_end("checkpoint");
    tyl_rows_begin();
}

void tyl_reduce_exact_(const tyl_reduction *r, const tyl_part *q0, const int64_t *x, const int64_t *b,
                       const int64_t *nb, const int64_t *bx, const size_t *opsize, const tyl_array *direct,
                       void *result)
{
    rctx c;
    memset(&c, 0, sizeof c);
    c.r = r;
    c.q0 = q0;
    c.B = r->rank;
    c.nop = r->nop;
    c.f32 = r->dtype == TYL_FLOAT32;
    c.opsize = opsize;
    /* shared leaves to their owners (a row kept for tyl_rows_end sends them then, with the
     * other rows') */
    c.share = bx && r->anchor;
    c.bx = bx;
    c.me = tyl_dist_self_();
    c.nr = tyl_rt_nranks();
    c.N = 1;
    c.nloc = 1;
    for (int d = 0; d < c.B; d++) {
        c.x[d] = x[d];
        c.b[d] = b[d];
        c.nb[d] = nb[d] > 0 ? nb[d] : 0;
        c.N *= x[d];
        c.nloc *= c.nb[d];
    }
    for (int d = c.B - 1, in = 1; d >= 0; d--) {
        c.inner[d] = in;
        in *= c.nb[d];
    }
    int64_t Q = c.N, C = c.N;
    if (r->sel && c.B > 0) { /* one run over the selected points */
        c.N = Q = C = select_points(&c);
        c.nloc = c.rlp[c.nrow];
        c.sel = 1;
    } else if (direct && c.N > 0)
        direct_runs(r, direct, x, c.N, &Q, &C);
    if (r->direct & TYL_RED_CAST && !direct && C > NP_BUFSIZE) /* a contiguous temporary or a[m], cast in the buffer */
        C = NP_BUFSIZE;
    /* this rank's tasks */
    if (c.nloc > 0)
        for (int64_t q = 0; q < c.N; q += Q)
            for (int64_t k = 0; k < Q; k += C)
                walk(&c, q + k, Q - k < C ? Q - k : C);
    red_item *nodes = malloc(sizeof(red_item) * (size_t)(c.nt ? c.nt : 1));
    c.pv = malloc((size_t)(c.npv ? c.npv : 1) * (c.f32 ? 4 : 8));
    if (!nodes || !c.pv)
        tyl_rt_error(r->where, "out of memory");
    if (c.sel)
        sel_sum_tasks(&c, nodes);
    else
        stream_sum_tasks(&c, nodes, direct);
    int64_t nt;
    red_item *mine = c.share ? share_plan(&c, nodes, &nt) : point_items(&c, nodes, &nt);
    if (c.share && !rows_.on) /* a row kept waits for tyl_rows_end */
        share_finish(r->where);
    free(nodes);
    free(c.pv);
    free(c.t);
    free(c.vals);
    free(c.rlp);
    free(c.rst);
    free(c.lf);
    free(c.gst);
    free(c.gcnt);
    free(c.grank);
    /* everyone's items, on every rank */
    int64_t ni = nt;
    red_item *all = mine;
    if (r->anchor && rows_.on) { /* gathered with the other rows by tyl_rows_end */
        row_keep(r, mine, nt, c.N, Q, C);
        if (c.f32)
            *(float *)result = 0.0f;
        else
            *(double *)result = 0.0;
        return;
    }
    int root_only = 0;
    if (r->anchor) {
        size_t bytes = 0;
        all = tyl_reduce_gather_some_(mine, sizeof(red_item) * (size_t)nt, &bytes, &root_only);
        free(mine);
        ni = (int64_t)(bytes / sizeof(red_item));
    }
    if (all) { /* every rank, or rank 0 alone where the items are many */
        order_items(r->where, all, ni);
        if (c.f32)
            *(float *)result = runs_f32(r, all, ni, c.N, Q, C);
        else
            *(double *)result = runs_f64(r, all, ni, c.N, Q, C);
        free(all);
    }
    if (root_only)
        tyl_reduce_bcast_(result, c.f32 ? 4 : 8);
}
