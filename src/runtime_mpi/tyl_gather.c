/* tyl_gather.c: copies of distributed arrays into other layouts: a copy into a slot laid out
 * otherwise (tyl_copy_l), and gathers onto every rank of a whole array (tyl_dist_whole) or of
 * a box of it (tyl_dist_box: what a replicated statement outside every loop reads of a
 * distributed field, tyl_sweep.c). Every rank works out every other's part from the block
 * formula (tyl_dist_block_of_rank); the parts travel by tyl_reduce_gather_. */
#include "tyl_internal.h"

#include <stdlib.h>

#include "tyl_mem.h"

typedef struct box {
    int64_t lo[TYL_MAX_RANK], hi[TYL_MAX_RANK];
} box;

/* Offset (elements) of global index g inside a's local allocation, from data. */
static int64_t loc_off(const tyl_array *a, const int64_t *g)
{
    int64_t o = 0;
    for (int d = 0; d < a->rank; d++)
        o += (g[d] - a->lo[d]) * a->stride[d];
    return o;
}

tyl_array *tyl_copy_l(const tyl_array *a, const tyl_layout *L, const char *where)
{
    const tyl_layout *want = (L && L->dist && tyl_dist_has_grid_for(L, a->rank)) ? L : NULL;
    if (want == a->layout)
        return tyl_copy(a, where);
    if (a->layout && !want) /* pass_dist allows it outside every loop: gathered */
        return tyl_dist_whole(a, where);
    tyl_array *c = tyl_alloc_l(a->dtype, a->rank, a->shape, TYL_INIT_NONE, L, where);
    int same = 1;
    for (int d = 0; d < a->rank && a->layout && c->layout; d++)
        same &= a->lo[d] == c->lo[d] && a->n[d] == c->n[d];
    if (!same) { /* blocks aligned differently (pass_dist): through the whole array */
        tyl_array *w = tyl_dist_whole(a, where);
        int64_t n[TYL_MAX_RANK];
        int some = 1;
        for (int d = 0; d < a->rank; d++)
            some &= (n[d] = c->n[d]) > 0;
        size_t el = tyl_dtype_size(a->dtype);
        if (some)
            tyl_box_copy((char *)c->data, c->stride, (const char *)w->data + (size_t)loc_off(w, c->lo) * el,
                         w->stride, a->rank, n, el);
        tyl_release(w);
        return c;
    }
    /* the owned block (the same block of the same global shape in both) */
    int64_t n[TYL_MAX_RANK], g[TYL_MAX_RANK];
    for (int d = 0; d < a->rank; d++) {
        n[d] = c->n[d];
        g[d] = c->lo[d];
        if (n[d] <= 0)
            return c;
    }
    size_t el = tyl_dtype_size(a->dtype);
    tyl_box_copy((char *)c->data, c->stride, (const char *)a->data + (size_t)loc_off(a, g) * el, a->stride,
                 a->rank, n, el);
    return c;
}

/* The part of box [lo, lo + n) that a block b holds, as its origin and extents; 0 if none. */
static int64_t box_part(int r, const box *b, const int64_t *lo, const int64_t *n, int64_t *plo, int64_t *pn)
{
    int64_t count = 1;
    for (int d = 0; d < r; d++) {
        int64_t l = b->lo[d] > lo[d] ? b->lo[d] : lo[d], h = b->hi[d] < lo[d] + n[d] ? b->hi[d] : lo[d] + n[d];
        plo[d] = l;
        pn[d] = h > l ? h - l : 0;
        count *= pn[d];
    }
    return count;
}

tyl_array *tyl_dist_box(const tyl_array *a, const int64_t *lo, const int64_t *n, const char *where)
{
    const int r = a->rank;
    const size_t el = tyl_dtype_size(a->dtype);
    tyl_array *w = tyl_alloc_l(a->dtype, r, n, TYL_INIT_NONE, NULL, where);
    int64_t plo[TYL_MAX_RANK], pn[TYL_MAX_RANK], cs[TYL_MAX_RANK];
    if (!a->layout) { /* replicated already: the box itself */
        box all;
        for (int d = 0; d < r; d++) {
            all.lo[d] = 0;
            all.hi[d] = a->shape[d];
        }
        if (box_part(r, &all, lo, n, plo, pn))
            tyl_box_copy(w->data, w->stride, (const char *)a->data + (size_t)loc_off(a, plo) * el, a->stride, r, pn,
                         el);
        return w;
    }
    tyl_dist_stats_.n_gathers++;
    int64_t all_n = 1;
    for (int d = 0; d < r; d++)
        all_n *= n[d];
    tyl_dist_stats_.n_gathered += all_n;
    /* this rank's part, packed in C order; on a GPU packed and unpacked on the device
     * (tyl_box_copy is a kernel there), travelling through host memory */
    box own = {{0}, {0}}; /* only its first r dimensions are read; gcc -O1 cannot tell */
    for (int d = 0; d < r; d++) {
        own.lo[d] = a->lo[d];
        own.hi[d] = a->lo[d] + a->n[d];
    }
    const int64_t mine = box_part(r, &own, lo, n, plo, pn);
    for (int d = r - 1; d >= 0; d--)
        cs[d] = d == r - 1 ? 1 : cs[d + 1] * pn[d + 1];
    const int dev = tyl_mem_on_device();
    char *buf = malloc(mine ? (size_t)mine * el : 1), *dbuf = dev && mine ? tyl_mem_alloc((size_t)mine * el) : buf;
    if (!buf || !dbuf)
        tyl_rt_error(where, "MemoryError: gathering a distributed array");
    if (mine)
        tyl_box_copy(dbuf, cs, (const char *)a->data + (size_t)loc_off(a, plo) * el, a->stride, r, pn, el);
    if (dbuf != buf) {
        tyl_mem_to_host(buf, dbuf, (size_t)mine * el);
        tyl_mem_free(dbuf);
    }
    size_t total;
    char *host = tyl_reduce_gather_(buf, (size_t)mine * el, &total), *all = host;
    free(buf);
    if (dev && total) {
        if (!(all = tyl_mem_alloc(total)))
            tyl_rt_error(where, "MemoryError: gathering a distributed array");
        tyl_mem_from_host(all, host, total);
        free(host);
    }
    size_t at = 0;
    for (int q = 0; q < tyl_rt_nranks(); q++) { /* rank q's part, where its coordinates say */
        box b;
        tyl_dist_block_of_rank(a, q, b.lo, b.hi);
        const int64_t count = box_part(r, &b, lo, n, plo, pn);
        int64_t qs[TYL_MAX_RANK], woff = 0;
        for (int d = r - 1; d >= 0; d--) {
            qs[d] = d == r - 1 ? 1 : qs[d + 1] * pn[d + 1];
            woff += (plo[d] - lo[d]) * w->stride[d];
        }
        if (count)
            tyl_box_copy((char *)w->data + (size_t)woff * el, w->stride, all + at, qs, r, pn, el);
        at += (size_t)count * el;
    }
    if (all != host)
        tyl_mem_free(all);
    else
        free(all);
    return w;
}

tyl_array *tyl_dist_whole(const tyl_array *a, const char *where)
{
    if (!a->layout)
        return tyl_copy(a, where);
    const int64_t zero[TYL_MAX_RANK] = {0};
    return tyl_dist_box(a, zero, a->shape, where);
}

/* ---- element reads held (pass_sched_held) ---------------------------------------------------- */

/* A broadcast of one element costs a message's latency, a gather the array's bytes: on shared
 * memory and common networks one gather of n elements costs about as much as n / 4096
 * broadcasts. The hold gathers at the read where the broadcasts so far have cost that much
 * (a few reads of a probe never gather a big field), and at the 8th read at the soonest. */
enum { HELD_MIN_READS = 8, HELD_READS_PER_GATHER = 4096 };

void tyl_held_begin(tyl_held *h, const tyl_array *a)
{
    h->a = a && a->layout && tyl_rt_nranks() > 1 ? a : NULL; /* one rank reads its own block */
    h->whole = NULL;
    h->reads = 0;
}

void tyl_held_get(tyl_held *h, const tyl_array *a, const int64_t *idx, void *out)
{
    if (!h->a || a != h->a) {
        tyl_elem_get(a, idx, out);
        return;
    }
    if (!h->whole) {
        int64_t n = 1;
        for (int d = 0; d < a->rank; d++)
            n *= a->shape[d];
        if (++h->reads < HELD_MIN_READS || h->reads * HELD_READS_PER_GATHER < n) {
            tyl_elem_get(a, idx, out);
            return;
        }
        h->whole = tyl_dist_whole(a, "element reads");
    }
    tyl_elem_get(h->whole, idx, out); /* replicated: checks the index, reads the copy */
}

void tyl_held_end(tyl_held *h)
{
    tyl_release(h->whole);
    h->whole = NULL;
    h->a = NULL;
}
