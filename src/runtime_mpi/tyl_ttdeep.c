/* tyl_ttdeep.c: a time-tiled group on several ranks: deep halos.
 *
 * On several ranks the group's reads of other ranks' points come from halos exchanged once,
 * before the group, at their full width (pass_sched_timetile widens the layouts of a tiled
 * loop's arrays to K times the halo a step needs), and each rank computes, besides its own
 * points, the points of its halo that later stages read: stage n's box grows by what the
 * stages after it read beyond theirs. Those points are computed by the same kernel
 * expression from the same values as on the rank that owns them (every input is either
 * exchanged before the group, unchanged since, or itself computed so), so the owned points
 * end bitwise as step by step. The boxes are found backwards: NEED(X) is the hull, in X's
 * global indices, of what the stages after the one at hand read of buffer X; a stage writing
 * X grows its box to cover NEED(X) (within the sweep's box, so the global edges clip it as
 * they clip the sweep) and adds what it reads over that box to the NEED of its operands.
 * Every index touched must lie in the local allocation; where one does not (a halo too
 * narrow, a read that is not a constant offset, a strided target), every rank runs the group
 * step by step with its usual exchanges (the decision is one collective minimum, so all ranks
 * agree). Points computed in the halo beyond what is needed may read stale halo data: nobody
 * reads them, and the group marks every array it writes as needing a new exchange.
 *
 * Requires: the stages recorded (tyl_ttrecord.c). Establishes: each stage's grown box (b, nb,
 * empty) and the halos the group reads, exchanged at their full width.
 */
#include <string.h>

#include "tyl_ttgroup.h"

enum { NEED_MAX = 64 };
static struct tt_need {
    const void *buf;
    int64_t lo[TYL_MAX_RANK], hi[TYL_MAX_RANK];
} need[NEED_MAX];
static int nneed;

static struct tt_need *need_of(const tyl_array *a)
{
    for (int i = 0; i < nneed; i++)
        if (need[i].buf == a->data)
            return &need[i];
    if (nneed == NEED_MAX)
        return NULL;
    struct tt_need *q = &need[nneed++];
    q->buf = a->data;
    for (int d = 0; d < TYL_MAX_RANK; d++) {
        q->lo[d] = INT64_MAX;
        q->hi[d] = INT64_MIN;
    }
    return q;
}

static void need_add(struct tt_need *q, int r, const int64_t *lo, const int64_t *hi)
{
    for (int d = 0; d < r; d++) {
        q->lo[d] = lo[d] < q->lo[d] ? lo[d] : q->lo[d];
        q->hi[d] = hi[d] > q->hi[d] ? hi[d] : q->hi[d];
    }
}

/* Indices [lo, hi) operand op of stage g touches along each dimension of a over the box
 * [b, b + nb); 0 when they are not within a's allocation or not a simple range. */
static int touched(const tt_stage *g, int i, const tyl_array *a, int64_t *lo, int64_t *hi)
{
    const tyl_operand *op = &g->sw->op[i];
    for (int d = 0; d < a->rank; d++) {
        int k = op->box[d];
        int64_t f = op_lo(op, d, g->x), st, alo, ahi;
        if (op->wrap >> d & 1)
            return 0;
        if (k == TYL_FIXED) {
            lo[d] = f;
            hi[d] = f + 1;
        } else if (k >= 0 && (st = op_step(op, d, g->x)) > 0) {
            lo[d] = f + st * g->b[k];
            hi[d] = f + st * (g->b[k] + g->nb[k] - 1 + reach(g, i, k)) + 1;
        } else
            return 0;
        alloc_range(a, d, &alo, &ahi);
        if (lo[d] < alo || hi[d] > ahi)
            return 0;
    }
    return 1;
}

/* Stage g's grown box (g->b, g->nb, g->empty) from the NEED of its targets. */
static int grow_box(tt_stage *g)
{
    const tyl_sweep *sw = g->sw;
    const int B = sw->rank;
    int64_t glo[TYL_MAX_RANK], ghi[TYL_MAX_RANK];
    for (int k = 0; k < B; k++) {
        glo[k] = INT64_MAX;
        ghi[k] = INT64_MIN;
    }
    g->empty = 0;
    for (int j = 0; j < sw->nt; j++) {
        const tyl_operand *o = &sw->op[j];
        const tyl_array *t = g->arr[o->arr];
        const struct tt_need *q = need_of(t);
        if (!q)
            return 0;
        for (int d = 0; d < t->rank; d++) {
            int k = o->box[d];
            int64_t f = op_lo(o, d, g->x), clo = 0, chi = t->shape[d];
            if (t->layout) { /* its own indices and what later stages read, in its allocation */
                int64_t alo, ahi;
                alloc_range(t, d, &alo, &ahi);
                clo = t->n[d] > 0 ? t->lo[d] : INT64_MAX;
                chi = t->n[d] > 0 ? t->lo[d] + t->n[d] : INT64_MIN;
                clo = q->lo[d] < clo ? q->lo[d] : clo;
                chi = q->hi[d] > chi ? q->hi[d] : chi;
                clo = clo < alo ? alo : clo;
                chi = chi > ahi ? ahi : chi;
            }
            if (o->wrap >> d & 1)
                return 0;
            if (k == TYL_FIXED) {
                if (f < clo || f >= chi)
                    g->empty = 1;
            } else if (k >= 0) {
                if (op_step(o, d, g->x) != 1)
                    return 0;
                glo[k] = clo - f < glo[k] ? clo - f : glo[k];
                ghi[k] = chi - f > ghi[k] ? chi - f : ghi[k];
            } else
                return 0;
        }
    }
    for (int k = 0; k < B; k++) {
        int64_t lo = glo[k] == INT64_MAX ? 0 : glo[k], hi = ghi[k] == INT64_MIN ? g->x[k] : ghi[k];
        lo = lo < 0 ? 0 : lo;
        hi = hi > g->x[k] ? g->x[k] : hi;
        g->b[k] = lo;
        g->nb[k] = hi - lo;
        g->empty |= hi <= lo;
    }
    return 1;
}

/* The grown boxes of all stages, backwards; 0 when this rank cannot run the group so. */
int tyl_tt_deep_boxes_(void)
{
    nneed = 0;
    for (int n = tyl_ttg_.ns - 1; n >= 0; n--) {
        tt_stage *g = &tyl_ttg_.st[n];
        if (!g->sw) { /* a copy (over all of the allocation): its source where its target is needed */
            struct tt_need *qd = need_of(g->cdst), *qs = need_of(g->csrc);
            if (!qd || !qs || g->cdst->layout != g->csrc->layout)
                return 0;
            need_add(qs, g->cdst->rank, qd->lo, qd->hi);
            continue;
        }
        if (!grow_box(g))
            return 0;
        if (g->empty)
            continue;
        for (int i = 0; i < g->sw->nop; i++) {
            const tyl_operand *op = &g->sw->op[i];
            const tyl_array *a = g->arr[op->arr];
            int64_t lo[TYL_MAX_RANK], hi[TYL_MAX_RANK];
            if (!a->layout)
                continue;
            if (!touched(g, i, a, lo, hi))
                return 0;
            /* a target updated in place reads its old values over the grown box too */
            const int rd = i >= g->sw->nt || !(g->sw->wonly >> i & 1);
            struct tt_need *q = rd ? need_of(a) : NULL;
            if (rd && !q)
                return 0;
            if (q)
                need_add(q, a->rank, lo, hi);
        }
    }
    return 1;
}

/* The indices of a that the group writes before it reads any of them, into *w: where the first
 * stage touching a is a sweep that writes it without reading its old values (sw->wonly) over a
 * range of step 1 along every dimension (no
 * fixed index in any of its targets: grow_box could then leave the stage empty) and reads it
 * nowhere, the indices its target covers over the sweep's whole box. On each rank the stage's
 * grown box covers all of those that later stages read (grow_box: NEED(a) within the sweep's
 * box), so their halo need not travel; what lies outside (the global boundary that no sweep
 * writes) must. The same on every rank (stages and boxes are). 0 when there is no such box. */
static int written_first(const tyl_array *a, tyl_xskip *w)
{
    for (int n = 0; n < tyl_ttg_.ns; n++) {
        const tt_stage *g = &tyl_ttg_.st[n];
        if (!g->sw) {
            if (g->cdst->data == a->data || g->csrc->data == a->data)
                return 0;
            continue;
        }
        const tyl_operand *t = NULL;
        for (int i = 0; i < g->sw->nop; i++)
            if (g->arr[g->sw->op[i].arr]->data == a->data) {
                if (i >= g->sw->nt)
                    return 0; /* read by its first stage */
                t = t ? t : &g->sw->op[i];
            }
        if (!t)
            continue;
        /* an in-place update reads its target's old values through the target itself (no read
         * operand shows it): its halo must travel */
        if (!(g->sw->wonly >> (int)(t - g->sw->op) & 1))
            return 0;
        for (int j = 0; j < g->sw->nt; j++)
            for (int d = 0; d < g->arr[g->sw->op[j].arr]->rank; d++)
                if (g->sw->op[j].box[d] == TYL_FIXED)
                    return 0;
        unsigned ks = 0; /* box dimensions used: one array dimension each, or the target is
                            not the whole box product (a diagonal) */
        for (int d = 0; d < a->rank; d++) {
            int k = t->box[d];
            if (k < 0 || (ks >> k & 1) || (t->wrap >> d & 1) || op_step(t, d, g->x) != 1)
                return 0;
            ks |= 1u << k;
            w->lo[d] = op_lo(t, d, g->x);
            w->hi[d] = w->lo[d] + g->x[k];
        }
        return 1;
    }
    return 0;
}

/* The exchange before the group: every zone (corners too: grown boxes read them) of every
 * distributed array the group reads (through read operands, or in place through a target),
 * at the halo's full width, less the points the group
 * writes before it reads them (written_first; the second buffer of a swap sends only its
 * global boundary). The same list on every rank. */
void tyl_tt_deep_exchange_(void)
{
    tyl_array *arrs[NEED_MAX];
    tyl_xskip skip[NEED_MAX];
    uint64_t masks[NEED_MAX * TYL_ZONE_WORDS] = {0};
    int na = 0, words = 1;
    for (int n = 0; n < tyl_ttg_.ns; n++) {
        const tt_stage *g = &tyl_ttg_.st[n];
        int nr = g->sw ? g->sw->nop : 1;
        /* the reads, and the targets the kernel reads in place (w = 0.9 * w + ...: through the
         * target's own pointer, no read operand shows it; left out, their halos held what the
         * rank's last group computed at the edge of its grown boxes, from stale values) */
        for (int i = 0; i < nr; i++) {
            if (g->sw && i < g->sw->nt && (g->sw->wonly >> i & 1))
                continue;
            tyl_array *a = g->sw ? g->arr[g->sw->op[i].arr] : g->csrc;
            int dup = !a->layout;
            for (int j = 0; j < na; j++)
                dup |= arrs[j] == a;
            if (dup)
                continue;
            if (na == NEED_MAX)
                tyl_rt_error("libtyles", "internal error: more than %d arrays in a time-tiled group", NEED_MAX);
            arrs[na++] = a;
            if (TYL_ZONE_WORDS_OF(a->rank) > words)
                words = TYL_ZONE_WORDS_OF(a->rank);
        }
    }
    for (int i = 0; i < na; i++) {
        int nz = 1, mid = 0;
        if (!written_first(arrs[i], &skip[i]))
            memset(&skip[i], 0, sizeof skip[i]); /* empty: everything travels */
        for (int d = 0; d < arrs[i]->rank; d++) {
            mid += nz; /* the zone inside the block in every dimension: digits 1 */
            nz *= 3;
        }
        for (int z = 0; z < nz; z++)
            if (z != mid)
                masks[(size_t)words * i + (size_t)(z / 64)] |= (uint64_t)1 << (z % 64);
    }
    if (na)
        tyl_halo_end(tyl_halo_begin_deep_(arrs, masks, words, na, skip));
}

/* Every stage in order over its grown box (deep halos, where the rows cannot be tiled). */
void tyl_tt_run_deep_in_order_(void)
{
    for (int n = 0; n < tyl_ttg_.ns; n++) {
        tt_stage *g = &tyl_ttg_.st[n];
        if (g->sw) {
            if (!g->empty)
                tyl_sweep_part_(g->sw, (tyl_array **const *)g->arrp, g->x, g->sc, g->b, g->nb);
            continue;
        }
        int64_t lo[TYL_MAX_RANK], hi[TYL_MAX_RANK];
        for (int d = 0; d < g->cdst->rank; d++)
            alloc_range(g->cdst, d, &lo[d], &hi[d]);
        tyl_copy_outside_win_(g->cdst, g->csrc, g->clo, g->clen, lo, hi);
    }
}

/* Deep halos pay (unless forced) when the points the grown boxes add to the group's sweeps
 * stay within a tenth of the points the rank owns (pass_sched_timetile's model: each step's
 * points computed twice cost about what the exchanges they save cost, on a small block far
 * more). Called after tyl_tt_deep_boxes_. */
int tyl_tt_deep_pays_(void)
{
    if (tyl_ttg_.forced)
        return 1;
    double own = 0, grown = 0;
    for (int n = 0; n < tyl_ttg_.ns; n++) {
        tt_stage *g = &tyl_ttg_.st[n];
        if (!g->sw)
            continue;
        int64_t b[TYL_MAX_RANK], nb[TYL_MAX_RANK];
        tyl_sweep_box_(g->sw, g->arrp, g->x, b, nb);
        double o = 1, w = g->empty ? 0 : 1;
        for (int k = 0; k < g->sw->rank; k++) {
            o *= nb[k] > 0 ? (double)nb[k] : 0;
            w *= g->empty ? 0 : (double)g->nb[k];
        }
        own += o;
        grown += w;
    }
    return grown - own <= 0.1 * own;
}
