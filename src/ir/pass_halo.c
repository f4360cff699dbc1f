/* pass_halo.c: what each sweep must exchange before it runs (pass_halo).
 *
 * Requires: pass_dist (the layouts, and how a read relates to its target: ir_dist_relate),
 * pass_fuse.
 * Establishes: per layout the halo widths (the largest any read needs, per dimension and side)
 * and periodic dimensions; periodic reads of distributed arrays lose their `wrap` (the halo
 * holds the wrapped-around neighbours) and ghost-cell periodic reads are rebased into the halo
 * (u[-2, :] read for row 0 becomes row -2, ghost_rebase); per sweep, fused group and reduction
 * an ir_halo naming the zones of each array it reads outside the owned block (so corners travel
 * only when a stencil reads them) and how far from the block's edges points need halo data (the interior
 * computed while the messages travel); per reduction the anchor read that splits its box.
 * Exchanges happen at run time only when the array was written since its last exchange.
 */
#include <string.h>

#include "../util/sym.h"
#include "ir.h"

static int dist_slot(ir_var *v) { return v && ir_slot_dist(v); }

/* A ghost-cell periodic read (ghost_wrap) becomes a read of the periodic halo: its start cr,
 * counted from one end, is counted from the other (u[-2, :] read for row 0 reads row -2, whose
 * halo copy is row N - 2; u[1, :] read for row N - 1 reads row N + 1, a copy of row 1). */
static void ghost_rebase(ir_view *r, int d)
{
    ir_dim *m = &r->dim[d];
    int64_t c;
    int e = ir_dist_start_end(m, &c);
    loc l = m->lo ? m->lo->l : r->l;
    if (e > 0) {
        m->lo = ir_bin(l, OP_ADD, T_I64, ir_shape(l, r->arr, d), ir_const_i(l, T_I64, c), 0);
        m->slo = sym_add(m->aext, sym_const(c));
    } else {
        m->lo = ir_const_i(l, T_I64, c);
        m->slo = sym_const(c);
    }
}

/* Zones touched by reads needing hl / hh layers (see tyl_halo.c: zone = sum (s_d + 1) * 3^d). */
static void zones_of(int rank, const int64_t *hl, const int64_t *hh, uint64_t *z)
{
    int Z = 1;
    for (int d = 0; d < rank; d++)
        Z *= 3;
    for (int zi = 0; zi < Z; zi++) {
        int q = zi, ok = 1, center = 1;
        for (int d = 0; d < rank; d++) {
            int s = q % 3 - 1;
            q /= 3;
            if ((s < 0 && !hl[d]) || (s > 0 && !hh[d]))
                ok = 0;
            center &= s == 0;
        }
        if (ok && !center)
            z[zi / 64] |= (uint64_t)1 << (zi % 64);
    }
}

static void add_need(ir_stmt *s, ir_view *t, ir_view *r)
{
    int64_t off[IR_MAX_RANK], k[IR_MAX_RANK], hl[IR_MAX_RANK], hh[IR_MAX_RANK], sp[IR_MAX_RANK];
    unsigned pw;
    if (!ir_dist_relate(t, r, off, k, &pw, sp))
        INTERNAL("pass_halo: a read of a distributed array is not a halo read");
    ir_dist_read_widths(t, r, off, k, sp, hl, hh);
    ir_layout *L = r->arr->layout;
    for (int d = 0; d < r->rank; d++) {
        if (hl[d] > L->hl[d]) L->hl[d] = (int)hl[d];
        if (hh[d] > L->hh[d]) L->hh[d] = (int)hh[d];
        if (r->dim[d].kind == D_RANGE && r->dim[d].wrap) {
            L->periodic |= 1u << d;
            r->dim[d].slo = ir_dist_dim_start(&r->dim[d]);
            r->dim[d].wrap = NULL; /* the halo holds the wrapped-around neighbours */
        }
        if (pw >> d & 1) {
            L->periodic |= 1u << d;
            ghost_rebase(r, d);
        }
    }
    uint64_t z[IR_ZONE_WORDS] = {0}, some = 0;
    zones_of(r->rank, hl, hh, z);
    for (int w = 0; w < IR_ZONE_WORDS; w++)
        some |= z[w];
    if (!some)
        return;
    if (!s->halo)
        s->halo = NEW(ir_halo);
    ir_halo *h = s->halo;
    int at = -1;
    for (int i = 0; i < h->n; i++)
        if (h->slot[i] == r->arr)
            at = i;
    if (at < 0) {
        ir_var **ns = NEWN(ir_var *, h->n + 1);
        uint64_t(*nz)[IR_ZONE_WORDS] = (uint64_t(*)[IR_ZONE_WORDS])NEWN(uint64_t, IR_ZONE_WORDS * (h->n + 1));
        for (int i = 0; i < h->n; i++) {
            ns[i] = h->slot[i];
            memcpy(nz[i], h->zones[i], sizeof nz[i]);
        }
        h->slot = ns;
        h->zones = nz;
        at = h->n++;
        h->slot[at] = r->arr;
        memset(h->zones[at], 0, sizeof h->zones[at]);
    }
    for (int w = 0; w < IR_ZONE_WORDS; w++)
        h->zones[at][w] |= z[w];
    /* points within these distances of the block's edges (in box steps) read the halo */
    int pt[IR_MAX_RANK];
    ir_dist_pair_dims(t, r, pt);
    for (int d = 0; d < r->rank; d++) {
        if (!hl[d] && !hh[d])
            continue;
        const ir_dim *td = &t->dim[pt[d]]; /* an axis kept whole has no halo */
        if (td->kind == D_FIXED) { /* every point reads the neighbour's plane */
            for (int b = 0; b < IR_MAX_RANK; b++)
                h->shl[b] = 1 << 30;
            continue;
        }
        int64_t st = td->step_c > 0 ? td->step_c : -td->step_c;
        int64_t lo = (hl[d] + st - 1) / st, hi = (hh[d] + st - 1) / st;
        if (td->step_c < 0) {
            int64_t x = lo;
            lo = hi;
            hi = x;
        }
        if (lo > h->shl[td->box]) h->shl[td->box] = (int)lo;
        if (hi > h->shh[td->box]) h->shh[td->box] = (int)hi;
    }
}

static void halo_sweep(ir_stmt *s, ir_view *t, ir_expr *e)
{
    if (!t || !dist_slot(t->arr))
        return;
    ir_reads r = {0};
    ir_reads_of(e, &r);
    for (int i = 0; i < r.n; i++)
        if (dist_slot(r.v[i]->arr) && !(s->kind == S_REDUCE && s->row && r.v[i] == t))
            add_need(s, t, r.v[i]); /* a row's anchor reads its own points (S_REDUCE.row) */
}

static void halo_block(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        switch (s->kind) {
        case S_SWEEP: halo_sweep(s, s->target, s->e); break;
        case S_FUSED:
            for (int j = 0; j < s->body.len; j++) {
                ir_stmt *w = VEC_AT(s->body, j, ir_stmt *);
                halo_sweep(s, w->target, w->e);
            }
            break;
        case S_REDUCE: {
            s->anchor = ir_dist_anchor(s);
            halo_sweep(s, s->anchor, s->e);
            break;
        }
        default: break;
        }
        halo_block(&s->body);
        halo_block(&s->orelse);
    }
}

void pass_halo(ir_program *p) { halo_block(&p->body); }
