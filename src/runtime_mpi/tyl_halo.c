/* tyl_halo.c: the halo exchange of distributed arrays: which pieces of which arrays travel
 * between which ranks (planned from the grid of tyl_dist.c, cached per exchange), and the
 * exchange begun and ended around a sweep; tyl_xchg_host.c and tyl_xchg_cuda.cu move them
 * (tyl_xchg_mpi.c: the MPI messages both use). It sits above the grid (tyl_dist.c) and the
 * transports, and sets the transport up and down with the grid (tyl_halo_regrid_).
 *
 * Halo ZONES: around an owned block, each dimension is below (-1), inside (0) or above (+1) it;
 * the 3^G - 1 combinations other than all-inside are the zones (faces, edges, corners). The
 * compiler says which zones a sweep reads; only those travel, so a 5-point stencil exchanges
 * faces and no corners. hvalid has a bit per zone that holds current data; any write to the
 * array clears them all.
 *
 * Every rank plans the same exchange from the same formulas, so what a rank sends and what its
 * peer expects agree without messages.
 */
#define _POSIX_C_SOURCE 200809L
#include "tyl_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tyl_mpi.h"
#include "tyl_xchg.h"

typedef struct box {
    int64_t lo[TYL_MAX_RANK], hi[TYL_MAX_RANK];
} box;

static int box_empty(const box *b, int r)
{
    for (int d = 0; d < r; d++)
        if (b->hi[d] <= b->lo[d])
            return 1;
    return 0;
}

/* Owned block of the rank at coordinates c for array a. */
static void owned_box(const tyl_array *a, const int *c, box *b)
{
    int P[TYL_MAX_RANK], me[TYL_MAX_RANK];
    tyl_dist_grid_of_(a->layout, a->rank, P, me);
    for (int d = 0; d < a->rank; d++)
        tyl_dist_block_l_(a->layout, d, a->shape[d], c[d], P[d], &b->lo[d], &b->hi[d]);
}

/* Set by tyl_halo_begin_deep_ (the exchange before a time-tiled group on deep halos) for the
 * time of its exchange: the zones of a layout widened for deep halos (layout->deep) go at their
 * full width; any other exchange sends them one step deep (layout->sl/sh), what a step outside
 * a group reads. xskip: per array of the exchange, a box of global indices whose points do not
 * travel (the group writes them before it reads them), or NULL. */
static int xdeep;
static const tyl_xskip *xskip;

static int narrow(const tyl_array *a) { return a->layout->deep && !xdeep; }

/* Zone z of the block o (the halo part the layout allocates; one step's part of a deep
 * layout's outside a group), clipped to the array except along periodic dimensions. Returns 0
 * if the zone is empty. */
static int zone_box(const tyl_array *a, const box *o, int z, box *b)
{
    int r = a->rank;
    for (int d = 0; d < r; d++) {
        int64_t hl = narrow(a) ? a->layout->sl[d] : a->hl[d], hh = narrow(a) ? a->layout->sh[d] : a->hh[d];
        int s = z % 3 - 1;
        z /= 3;
        if (o->hi[d] <= o->lo[d])
            return 0; /* an empty block reads nothing */
        if (s < 0) {
            b->lo[d] = o->lo[d] - hl;
            b->hi[d] = o->lo[d];
        } else if (s == 0) {
            b->lo[d] = o->lo[d];
            b->hi[d] = o->hi[d];
        } else {
            b->lo[d] = o->hi[d];
            b->hi[d] = o->hi[d] + hh;
        }
        if (!(a->layout->periodic >> d & 1)) {
            if (b->lo[d] < 0) b->lo[d] = 0;
            if (b->hi[d] > a->shape[d]) b->hi[d] = a->shape[d];
        }
        if (b->hi[d] <= b->lo[d])
            return 0;
    }
    return 1;
}

/* One piece of a message: a box of one array, in the receiver's (possibly shifted) global
 * coordinates `at`, taken from the sender's owned data at `at - shift`. */
typedef struct piece {
    int ai; /* the array: its index in the exchange's list (plans outlive the arrays) */
    int el; /* its element size */
    box at;
    int64_t shift[TYL_MAX_RANK];
    int64_t count;
} piece;

typedef struct peer_msg {
    int peer;
    piece *p;
    int np, cap;
} peer_msg;

/* An exchange in flight: a copy of its cached tyl_xchg (whose lists belong to the cache), and
 * the plan's sides still to arrive (tyl_halo_pending; also the cache's). */
struct tyl_halo {
    tyl_xchg x;
    const unsigned *pending;
    int npending;
};

/* The plan under construction: messages per peer, found by index (at[peer]; -1 until the first
 * piece for that peer appears), so adding a piece costs no search. */
typedef struct plan {
    peer_msg *send, *recv;
    int nsend, nrecv;
    int *sat, *rat;
} plan;

static peer_msg *msg_for(peer_msg **list, int *n, int *at, int peer)
{
    if (at[peer] >= 0)
        return &(*list)[at[peer]];
    at[peer] = *n;
    *list = realloc(*list, sizeof **list * (size_t)(*n + 1));
    if (!*list)
        tyl_rt_error("libtyles", "MemoryError: halo exchange plan");
    peer_msg *m = &(*list)[(*n)++];
    memset(m, 0, sizeof *m);
    m->peer = peer;
    return m;
}

static void add_piece(peer_msg *m, int ai, tyl_array *a, const box *at, const int64_t *shift)
{
    if (m->np == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 8;
        m->p = realloc(m->p, sizeof *m->p * (size_t)m->cap);
        if (!m->p)
            tyl_rt_error("libtyles", "MemoryError: halo exchange plan");
    }
    piece *p = &m->p[m->np++];
    p->ai = ai;
    p->el = (int)tyl_dtype_size(a->dtype);
    p->at = *at;
    int64_t cnt = 1;
    for (int d = 0; d < a->rank; d++) {
        p->shift[d] = shift[d];
        cnt *= at->hi[d] - at->lo[d];
    }
    p->count = cnt;
}

typedef void (*piece_fn)(void *, tyl_array *, const box *, const int64_t *);

/* Calls f for the box cut less the box skip (NULL: nothing skipped): at most two boxes per
 * dimension, the parts below and above skip along it within what is left of cut. */
static void skip_cut(tyl_array *a, const box *cut, const int64_t *shift, const tyl_xskip *skip, piece_fn f, void *ctx)
{
    box rest = *cut, part;
    for (int d = 0; skip && d < a->rank; d++) {
        if (skip->lo[d] > rest.lo[d]) {
            part = rest;
            part.hi[d] = skip->lo[d] < rest.hi[d] ? skip->lo[d] : rest.hi[d];
            f(ctx, a, &part, shift);
            rest.lo[d] = part.hi[d];
        }
        if (skip->hi[d] < rest.hi[d] && rest.lo[d] < rest.hi[d]) {
            part = rest;
            part.lo[d] = skip->hi[d] > rest.lo[d] ? skip->hi[d] : rest.lo[d];
            f(ctx, a, &part, shift);
            rest.hi[d] = part.lo[d];
        }
        if (rest.hi[d] <= rest.lo[d])
            return;
    }
    if (!skip)
        f(ctx, a, &rest, shift);
}

/* Pieces rank `recv` needs from rank `send` for zone z of array a: recv's zone box cut by
 * send's owned block and its periodic images, less the box skip (NULL: none). Calls f for
 * each. */
static void pieces_between(tyl_array *a, int z, const int *crecv, const int *csend, const tyl_xskip *skip,
                           piece_fn f, void *ctx)
{
    int r = a->rank;
    box orecv, osend, zb;
    owned_box(a, crecv, &orecv);
    owned_box(a, csend, &osend);
    if (box_empty(&osend, r) || !zone_box(a, &orecv, z, &zb))
        return;
    /* images: shift by -m*n .. +m*n along periodic dimensions, m turns enough to cover the
     * zone (one when the halo is no wider than the extent; np.roll(f, 7) of 3 rows needs 3) */
    int64_t turns[TYL_MAX_RANK] = {0}, nimg = 1;
    for (int d = 0; d < r; d++)
        if (a->layout->periodic >> d & 1) {
            int64_t n = a->shape[d] > 0 ? a->shape[d] : 1;
            int64_t below = zb.lo[d] < 0 ? (-zb.lo[d] + n - 1) / n : 0;
            int64_t above = zb.hi[d] > n ? (zb.hi[d] - n + n - 1) / n : 0;
            turns[d] = below > above ? below : above;
            if (turns[d] < 1)
                turns[d] = 1;
            nimg *= 2 * turns[d] + 1;
        }
    for (int64_t im = 0; im < nimg; im++) {
        int64_t shift[TYL_MAX_RANK] = {0};
        int64_t k = im;
        box cut;
        int empty = 0;
        for (int d = 0; d < r; d++) {
            if (a->layout->periodic >> d & 1) {
                int64_t w = 2 * turns[d] + 1;
                shift[d] = (k % w - turns[d]) * a->shape[d];
                k /= w;
            }
            cut.lo[d] = zb.lo[d] > osend.lo[d] + shift[d] ? zb.lo[d] : osend.lo[d] + shift[d];
            cut.hi[d] = zb.hi[d] < osend.hi[d] + shift[d] ? zb.hi[d] : osend.hi[d] + shift[d];
            empty |= cut.hi[d] <= cut.lo[d];
        }
        if (!empty)
            skip_cut(a, &cut, shift, skip, f, ctx);
    }
}

typedef struct add_ctx {
    peer_msg **list;
    int *n, *at, peer, ai;
} add_ctx;
static void add_cb(void *ctx, tyl_array *a, const box *at, const int64_t *shift)
{
    add_ctx *c = ctx;
    add_piece(msg_for(c->list, c->n, c->at, c->peer), c->ai, a, at, shift);
}

static int zone_count(int r)
{
    int z = 1;
    for (int d = 0; d < r; d++)
        z *= 3;
    return z;
}

static void plan_free(plan *pl)
{
    for (int i = 0; i < pl->nsend; i++)
        free(pl->send[i].p);
    for (int i = 0; i < pl->nrecv; i++)
        free(pl->recv[i].p);
    free(pl->send);
    free(pl->recv);
    free(pl->sat);
}

static void *grow(void *p, int n, size_t size)
{
    p = realloc(p, size * (size_t)(n + 1));
    if (!p)
        tyl_rt_error("libtyles", "MemoryError: halo exchange plan");
    return p;
}

/* A piece as the exchange layer sees it: src 1 for the sender's side (the owned data at
 * at - shift), 0 for the receiver's (at). */
/* The address `arr` is left for each exchange to fill from ai and aoff (the plan outlives the
 * arrays). */
static tyl_xpiece xpiece(const piece *p, tyl_array *const *arrs, int src, int64_t off)
{
    tyl_xpiece x;
    tyl_array *a = arrs[p->ai];
    int64_t g[TYL_MAX_RANK];
    memset(&x, 0, sizeof x);
    for (int d = 0; d < a->rank; d++) {
        g[d] = src ? p->at.lo[d] - p->shift[d] : p->at.lo[d];
        x.n[d] = p->at.hi[d] - p->at.lo[d];
        x.stride[d] = a->stride[d];
    }
    x.el = (int)tyl_dtype_size(a->dtype);
    x.ai = p->ai;
    x.aoff = tyl_loc_off_(a, g) * (int64_t)x.el;
    x.off = off;
    x.rank = a->rank;
    return x;
}

/* The bytes piece p of a moves as a direct message (0: it is packed): in an exchange ended
 * before anything writes its arrays (xdirect: the deep exchange, or that of a sweep run without
 * overlap, tyl_halo_begin_now_), a piece of at least TYLES_XCHG_DIRECT_MIN bytes (64 KiB) that spans every
 * dimension but the first, none of them split by the grid nor periodic. Its rows are then whole
 * rows of the allocations on both sides (the same halo widths, the same extents), padding
 * included: one contiguous run of memory each, sent from the owner's array into the receiver's
 * halo without packing. The padding of dimensions the grid does not split is never read (no
 * rank's zone reaches there), so what travels into it does not matter. The same answer on both
 * sides: it depends on the piece, the grid and the layout only. *g: the run's first element, in
 * the coordinates of `at`. */
static int xdirect;
static int64_t direct_min(void)
{
    static int64_t min = -1;
    if (min < 0)
        min = tyl_env_num_("TYLES_XCHG_DIRECT_MIN", 65536);
    return min;
}

static int64_t direct_bytes(const piece *p, const tyl_array *a, int64_t *g)
{
    int64_t min = direct_min();
    if (!xdirect || a->rank < 1)
        return 0;
    int P[TYL_MAX_RANK], me[TYL_MAX_RANK];
    tyl_dist_grid_of_(a->layout, a->rank, P, me);
    g[0] = p->at.lo[0];
    for (int d = 1; d < a->rank; d++) {
        if (P[d] != 1 || (a->layout->periodic >> d & 1) || p->at.lo[d] != 0 || p->at.hi[d] != a->shape[d])
            return 0;
        g[d] = -a->hl[d];
    }
    int64_t bytes = (p->at.hi[0] - p->at.lo[0]) * (a->rank > 1 ? a->stride[0] : 1) * (int64_t)p->el;
    return bytes >= min ? bytes : 0;
}

/* Lay out a list of messages one after another in one buffer, every piece 8-byte aligned (the
 * receiver computes the same pieces in the same order, so the same offsets). Messages to this
 * rank itself are packed too; unless they travel, their pieces are also unpacked from the send
 * buffer (selfpk) and no message is made. Direct pieces (direct_bytes), and in the same
 * exchanges the other pieces of at least TYLES_XCHG_DIRECT_MIN bytes (strided: sent as an MPI
 * datatype of the box, box_type), become messages of their own, after the packed one of their
 * peer, in the order of the pieces on both sides (MPI matches messages of one peer and tag in
 * order). */
static int64_t lay_out(const peer_msg *list, int n, int sending, tyl_xchg *x, int self_travels,
                       tyl_array *const *arrs)
{
    int64_t total = 0;
    tyl_xmsg *dm = NULL;
    int ndm = 0;
    tyl_xmsg **ml = sending ? &x->send : &x->recv;
    int *mn = sending ? &x->nsend : &x->nrecv;
    int self = tyl_dist_self_();
    for (int i = 0; i < n; i++) {
        const peer_msg *m = &list[i];
        int local = m->peer == self && !self_travels;
        if (local && !sending)
            continue;
        int64_t start = total;
        ndm = 0;
        for (int k = 0; k < m->np; k++) {
            const piece *p = &m->p[k];
            int64_t g[TYL_MAX_RANK], db = local ? 0 : direct_bytes(p, arrs[p->ai], g);
            if (db) {
                const tyl_array *a = arrs[p->ai];
                if (sending)
                    g[0] -= p->shift[0];
                dm = grow(dm, ndm, sizeof *dm);
                dm[ndm++] = (tyl_xmsg){.peer = m->peer, .bytes = db, .direct = 1, .ai = p->ai,
                                       .aoff = tyl_loc_off_(a, g) * (int64_t)p->el};
                continue;
            }
            if (!local && xdirect && p->count * (int64_t)p->el >= direct_min()) { /* strided */
                tyl_xpiece b = xpiece(p, arrs, sending, 0);
                dm = grow(dm, ndm, sizeof *dm);
                dm[ndm++] = (tyl_xmsg){.peer = m->peer, .bytes = p->count * (int64_t)p->el, .direct = 1,
                                       .ai = p->ai, .aoff = b.aoff, .box = b};
                continue;
            }
            int64_t off = total;
            total = (total + p->count * (int64_t)p->el + 7) & ~(int64_t)7;
            if (sending) {
                x->spk = grow(x->spk, x->nspk, sizeof *x->spk);
                x->spk[x->nspk++] = xpiece(p, arrs, 1, off);
                if (local) {
                    x->selfpk = grow(x->selfpk, x->nselfpk, sizeof *x->selfpk);
                    x->selfpk[x->nselfpk++] = xpiece(p, arrs, 0, off);
                }
            } else {
                x->rpk = grow(x->rpk, x->nrpk, sizeof *x->rpk);
                x->rpk[x->nrpk++] = xpiece(p, arrs, 0, off);
            }
        }
        if (!local && total > start) {
            *ml = grow(*ml, *mn, sizeof **ml);
            (*ml)[(*mn)++] = (tyl_xmsg){.peer = m->peer, .off = start, .bytes = total - start};
        }
        for (int k = 0; k < ndm; k++) {
            *ml = grow(*ml, *mn, sizeof **ml);
            (*ml)[(*mn)++] = dm[k];
        }
    }
    free(dm);
    return total;
}

static void xchg_free(tyl_xchg *x)
{
    free(x->send);
    free(x->recv);
    free(x->spk);
    free(x->rpk);
    free(x->selfpk);
    memset(x, 0, sizeof *x);
}

/* One exchange at a time (the layer reuses its buffers). A ULFM recovery longjmps out of one
 * in flight: tyl_halo_finalize_ (from tyl_halo_regrid_) drops it; its requests died with the
 * old communicator. */
static tyl_halo *in_flight;

static void halo_drop_in_flight(void)
{
    if (!in_flight)
        return;
#ifndef TYL_NO_MPI
    free(in_flight->x.req);
#endif
    free(in_flight);
    in_flight = NULL;
}

/* ---- the plan cache -------------------------------------------------------------------- */
/* The pieces of an exchange depend on the grid and on the shapes, halo widths and zones of its
 * arrays, not on their data, and a time loop repeats the same few exchanges: each is planned
 * once (a plan costs O(zones x ranks)) and found again by a key of exactly those inputs. */
enum { PLAN_CACHE = 32 };
typedef struct cached_plan {
    int64_t *key;
    int klen;
    tyl_xchg x; /* laid out; the pieces' addresses are filled at each use */
    unsigned *pending; /* per array of the exchange: see tyl_halo_pending */
    int npending;
    uint64_t used;
} cached_plan;
static cached_plan cache[PLAN_CACHE];
static uint64_t cache_clock;
static int64_t *key;
static int klen, kcap;
static uint64_t *needs;
static int needs_cap;

static void key_push(int64_t v)
{
    if (klen == kcap) {
        kcap = kcap ? 2 * kcap : 64;
        key = realloc(key, sizeof *key * (size_t)kcap);
        if (!key)
            tyl_rt_error("libtyles", "MemoryError: halo plan cache");
    }
    key[klen++] = v;
}

static void plan_cache_clear(void)
{
    for (int i = 0; i < PLAN_CACHE; i++) {
        if (cache[i].key) {
            free(cache[i].key);
            free(cache[i].pending);
            xchg_free(&cache[i].x);
        }
        memset(&cache[i], 0, sizeof cache[i]);
    }
    free(key);
    free(needs);
    key = NULL;
    needs = NULL;
    klen = kcap = needs_cap = 0;
}

void tyl_halo_finalize_(void)
{
    halo_drop_in_flight();
    plan_cache_clear();
    tyl_xchg_finalize();
}

/* In-process rescale (tyl_rescale.c, tyl_ulfm.c): the old job's plans and exchange layer go,
 * the grid is rebuilt for `size` ranks, the exchange layer set up again over it. */
void tyl_halo_regrid_(int size, int me)
{
    tyl_halo_finalize_();
    tyl_dist_regrid(size, me);
    tyl_xchg_setup(size, me);
}

/* The box of arrs[i] whose points the exchange at hand leaves out, or NULL. */
static const tyl_xskip *skip_of(int i, int r)
{
    if (!xskip)
        return NULL;
    for (int d = 0; d < r; d++)
        if (xskip[i].hi[d] <= xskip[i].lo[d])
            return NULL;
    return &xskip[i];
}

/* Plan the exchange of zones need[W*i .. W*i + W) of arrs[i] (all 0: nothing for that array). */
static plan plan_build(tyl_array *const *arrs, const uint64_t *need, int narr)
{
    plan pl = {0};
    int size = tyl_rt_nranks(), self = tyl_dist_self_();
    int *idx = malloc(2 * sizeof *idx * (size_t)size);
    if (!idx)
        tyl_rt_error("libtyles", "MemoryError: halo exchange");
    for (int q = 0; q < 2 * size; q++)
        idx[q] = -1;
    pl.sat = idx;
    pl.rat = idx + size;
    int cme[TYL_MAX_RANK], cq[TYL_MAX_RANK];
    for (int i = 0; i < narr; i++) {
        tyl_array *a = arrs[i];
        const uint64_t *ni = need + (size_t)TYL_ZONE_WORDS * i;
        int Z = zone_count(a ? a->rank : 0);
        int P[TYL_MAX_RANK], me[TYL_MAX_RANK];
        if (a) /* on the grid the array lies on */
            tyl_dist_grid_of_(a->layout, a->rank, P, me), tyl_dist_coords_in_(P, a->rank, self, cme);
        for (int z = 0; z < Z; z++) {
            if (!(ni[z / 64] >> (z % 64) & 1))
                continue;
            for (int q = 0; q < size; q++) {
                tyl_dist_coords_in_(P, a->rank, q, cq);
                /* what q needs from me, and what I need from q */
                add_ctx cs = {&pl.send, &pl.nsend, pl.sat, q, i}, cr = {&pl.recv, &pl.nrecv, pl.rat, q, i};
                const tyl_xskip *sk = skip_of(i, a->rank);
                pieces_between(a, z, cq, cme, sk, add_cb, &cs);
                pieces_between(a, z, cme, cq, sk, add_cb, &cr);
            }
        }
    }
    return pl;
}

/* Per array i of an exchange, the sides of its owned block where pieces arrive only at
 * tyl_halo_end: bit 2d below the block along dimension d, bit 2d + 1 above it (the pieces
 * lay_out puts in rpk: from other ranks, and this rank's own periodic images when they travel). */
static unsigned *pending_sides(const plan *pl, int self_travels, tyl_array *const *arrs, int narr)
{
    unsigned *m = calloc((size_t)(narr > 0 ? narr : 1), sizeof *m);
    if (!m)
        tyl_rt_error("libtyles", "MemoryError: halo exchange plan");
    for (int i = 0; i < pl->nrecv; i++) {
        const peer_msg *msg = &pl->recv[i];
        if (msg->peer == tyl_dist_self_() && !self_travels)
            continue;
        for (int k = 0; k < msg->np; k++) {
            const piece *p = &msg->p[k];
            const tyl_array *a = arrs[p->ai];
            for (int d = 0; d < a->rank; d++) {
                if (p->at.lo[d] < a->lo[d])
                    m[p->ai] |= 1u << (2 * d);
                if (p->at.hi[d] > a->lo[d] + a->n[d])
                    m[p->ai] |= 1u << (2 * d + 1);
            }
        }
    }
    return m;
}

static const unsigned *xchg_pending;
static int xchg_npending;

/* The exchange of zones need[] of arrs, from the cache or planned and laid out now (its pending
 * sides in xchg_pending). */
static tyl_xchg *xchg_for(tyl_array *const *arrs, const uint64_t *need, int narr)
{
    cached_plan *lru = &cache[0];
    for (int i = 0; i < PLAN_CACHE; i++) {
        cached_plan *c = &cache[i];
        if (c->key && c->klen == klen && !memcmp(c->key, key, sizeof *key * (size_t)klen)) {
            c->used = ++cache_clock;
            xchg_pending = c->pending;
            xchg_npending = c->npending;
            return &c->x;
        }
        if (!c->key || (lru->key && c->used < lru->used))
            lru = c;
    }
    if (lru->key) {
        free(lru->key);
        free(lru->pending);
        lru->pending = NULL;
        xchg_free(&lru->x);
    }
    lru->key = malloc(sizeof *key * (size_t)klen);
    if (!lru->key)
        tyl_rt_error("libtyles", "MemoryError: halo plan cache");
    memcpy(lru->key, key, sizeof *key * (size_t)klen);
    lru->klen = klen;
    plan pl = plan_build(arrs, need, narr);
    int self_travels = tyl_xchg_self_travels();
    lru->x.sbytes = lay_out(pl.send, pl.nsend, 1, &lru->x, self_travels, arrs);
    lru->x.rbytes = lay_out(pl.recv, pl.nrecv, 0, &lru->x, self_travels, arrs);
    lru->npending = narr;
    lru->pending = pending_sides(&pl, self_travels, arrs, narr);
    plan_free(&pl);
    lru->used = ++cache_clock;
    xchg_pending = lru->pending;
    xchg_npending = lru->npending;
    return &lru->x;
}

tyl_halo *tyl_halo_begin(tyl_array **arrs, const uint64_t *masks, int words, int narr)
{
    double t0 = MPI_Wtime();
    enum { W = TYL_ZONE_WORDS };
    if (words < 1 || words > W)
        tyl_rt_error("libtyles", "internal error: halo masks of %d words (1 to %d)", words, W);
    if (W * narr > needs_cap) {
        needs_cap = W * narr;
        needs = realloc(needs, sizeof *needs * (size_t)needs_cap);
        if (!needs)
            tyl_rt_error("libtyles", "MemoryError: halo exchange");
    }
    int any = 0;
    klen = 0;
    key_push(words);
    key_push(xdirect); /* the same pieces, laid out otherwise */
    for (int i = 0; i < narr; i++) {
        tyl_array *a = arrs[i];
        uint64_t *ni = needs + (size_t)W * i, some = 0;
        for (int w = 0; w < W; w++)
            ni[w] = 0;
        if (!a || !a->layout)
            continue;
        /* a deep layout's zones current one step deep are not current for a group */
        int nar = narrow(a), deep = a->layout->deep && !nar;
        for (int w = 0; w < words; w++)
            some |= ni[w] = masks[(size_t)words * i + w] & ~(a->hvalid[w] & ~(deep ? a->hnarrow[w] : 0));
        if (!some)
            continue;
        key_push(i);
        key_push(nar);
        const tyl_xskip *sk = skip_of(i, a->rank);
        key_push(sk != NULL);
        for (int d = 0; sk && d < a->rank; d++) {
            key_push(sk->lo[d]);
            key_push(sk->hi[d]);
        }
        for (int w = 0; w < words; w++)
            key_push((int64_t)ni[w]);
        key_push(a->rank);
        key_push(a->dtype);
        key_push(a->layout->periodic);
        for (int d = 0; d < a->rank; d++) {
            key_push(a->shape[d]);
            key_push(a->hl[d]);
            key_push(a->hh[d]);
        }
        for (int w = 0; w < words && !sk; w++) { /* zones less a box are not current */
            a->hvalid[w] |= ni[w];
            a->hnarrow[w] = nar ? a->hnarrow[w] | ni[w] : a->hnarrow[w] & ~ni[w];
        }
        any = 1;
    }
    if (!any)
        return NULL;
    tyl_xchg *x = xchg_for(arrs, needs, narr);
    if (!x->nspk && !x->nrpk && !x->nsend && !x->nrecv) /* one rank, no periodic dimension: nothing travels */
        return NULL;
    if (in_flight)
        tyl_rt_error("libtyles", "internal error: a halo exchange started while another is in flight");
    tyl_xpiece *lists[3] = {x->spk, x->rpk, x->selfpk};
    int counts[3] = {x->nspk, x->nrpk, x->nselfpk};
    for (int l = 0; l < 3; l++)
        for (int k = 0; k < counts[l]; k++)
            lists[l][k].arr = (char *)arrs[lists[l][k].ai]->data + lists[l][k].aoff;
    for (int i = 0; i < x->nsend + x->nrecv; i++) {
        tyl_xmsg *m = i < x->nsend ? &x->send[i] : &x->recv[i - x->nsend];
        if (m->direct)
            m->at = (char *)arrs[m->ai]->data + m->aoff;
    }
    for (int i = 0; i < x->nsend; i++)
        if (x->send[i].peer != tyl_dist_self_()) {
            tyl_dist_stats_.bytes_sent += x->send[i].bytes;
            tyl_dist_stats_.msgs_sent++;
        }
    tyl_halo *h = calloc(1, sizeof *h);
    if (!h)
        tyl_rt_error("libtyles", "MemoryError: halo exchange");
    h->x = *x;
    h->pending = xchg_pending;
    h->npending = xchg_npending;
    in_flight = h;
    tyl_xchg_start(&h->x);
    tyl_dist_stats_.t_pack += MPI_Wtime() - t0;
    tyl_dist_stats_.n_exchanges++;
    return h;
}

tyl_halo *tyl_halo_begin_deep_(tyl_array **arrs, const uint64_t *masks, int words, int narr, const tyl_xskip *skip)
{
    xdeep = 1;
    xskip = skip;
    xdirect = tyl_xchg_direct(); /* ended at once: no sweep writes the arrays while they travel */
    tyl_halo *h = tyl_halo_begin(arrs, masks, words, narr);
    xdeep = 0;
    xskip = NULL;
    xdirect = 0;
    return h;
}

tyl_halo *tyl_halo_begin_now_(tyl_array **arrs, const uint64_t *masks, int words, int narr)
{
    xdirect = tyl_xchg_direct(); /* the caller ends it before it writes any of the arrays */
    tyl_halo *h = tyl_halo_begin(arrs, masks, words, narr);
    xdirect = 0;
    return h;
}

unsigned tyl_halo_pending(const tyl_halo *h, int i)
{
    return h && i >= 0 && i < h->npending ? h->pending[i] : 0;
}

void tyl_halo_end(tyl_halo *h)
{
    if (!h)
        return;
    double t0 = MPI_Wtime();
    tyl_xchg_finish(&h->x);
    tyl_dist_stats_.t_wait += MPI_Wtime() - t0;
    in_flight = NULL;
    free(h);
}
