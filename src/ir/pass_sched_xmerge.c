/* pass_sched_xmerge.c: exchanges due at the same point travel together.
 *
 * Each kernel exchanges the halo zones it reads (pass_halo), at run time only those written
 * since they were last filled (tyl_halo_begin). A later kernel of the same block often reads
 * zones of an array that nothing writes in between: the shallow-water step
 *     u[:, 1:-1] = ... h[:, 1:] - h[:, :-1] ...      (h's zone left of the blocks)
 *     v[1:-1, :] = ... h[1:, :] - h[:-1, :] ...      (h's zone below them)
 * exchanged h twice, and the nine populations of a D2Q9 step kept in a list (F[i] =
 * np.roll(np.roll(F[i], ...))) one after the other. Those zones' values are the same at the
 * earlier kernel, so this pass adds them to its exchange: they travel in its messages (one per
 * neighbour for all arrays, tyl_halo_begin), and the later kernel finds them current and sends
 * nothing. Every rank decides alike; the values read are the same, so the bits are too.
 *
 * For each kernel with an exchange (S_SWEEP, S_FUSED, S_REDUCE), the statements after it in its
 * block are scanned while they are kernels, scalar assignments, checks or prints; an allocation,
 * release, binding or rotation of a slot, or a kernel writing it, blocks its alias class from
 * then on (its buffer or values change), except that after a rotation (X = Y.copy() handed over,
 * pass_rotate, an update in place too) X holds Y's buffer with its halo's state (tyl_rotate): a
 * later kernel's exchange of X joins the first kernel's as Y's zones where neither Y was written
 * before the rotation nor X after it (ghost_periodic_channel_walls: u's update in place, handed
 * over, exchanges with s's update as it did before: tests/dist/ghost_periodic.sh, 49 exchanges,
 * 59 without); anything else (a loop, a branch, an element store, I/O) ends the scan. A later kernel's exchange joins the first kernel's when every array it
 * exchanges is distributed and unblocked (taking part of it would split one exchange in two:
 * shallow water's u and v, written by the two kernels before the one that reads both, travel
 * together as before), and when that kernel's target box has no fixed index and no extent known
 * when compiling (a boundary strip such as p[:, -1] = p[:, -2] often reads only each rank's own
 * block, tyl_sweep.c reads_own_blocks, and would then exchange nothing at all). Not inside a
 * time-tiled loop (its groups exchange deep halos, tyl_timetile.c) nor a CUDA graph.
 *
 * Requires: pass_halo (stmt->halo), pass_sched_exchange, pass_sched_timetile,
 * pass_sched_graph. Establishes: stmt->halo of an exchanging kernel may list arrays its kernel
 * does not read (the emitters pass them to the run time like the others). Breaks: nothing.
 */
#include <stdint.h>

#include "../util/sym.h"
#include "sched.h"

enum { SCAN_MAX = 32 }; /* statements looked at after a kernel */

static int is_kernel(const ir_stmt *s) { return s->kind == S_SWEEP || s->kind == S_FUSED || s->kind == S_REDUCE; }

/* The written slots of a kernel (none for a reduction, whose result is a scalar). */
static void block_targets(const ir_stmt *s, vec *blocked)
{
    if (s->kind == S_SWEEP)
        vec_push(blocked, (void *)(intptr_t)s->target->arr->alias_class);
    if (s->kind == S_FUSED)
        for (int k = 0; k < s->body.len; k++)
            vec_push(blocked, (void *)(intptr_t)VEC_AT(s->body, k, ir_stmt *)->target->arr->alias_class);
}

static int is_blocked(const vec *blocked, const ir_var *v)
{
    for (int i = 0; i < blocked->len; i++)
        if ((int)(intptr_t)VEC_AT(*blocked, i, void *) == v->alias_class)
            return 1;
    return 0;
}

/* A kernel whose box spans its target's extents (no fixed index, no extent known when
 * compiling): an interior stencil, which needs its neighbours' values on every rank. */
static int full_box(const ir_stmt *s)
{
    const ir_view *t = s->kind == S_SWEEP ? s->target
                     : s->kind == S_FUSED ? VEC_AT(s->body, 0, ir_stmt *)->target : s->anchor;
    if (!t)
        return 0;
    for (int d = 0; d < t->rank; d++) {
        int64_t k;
        if (t->dim[d].kind != D_RANGE || (t->dim[d].slen && sym_is_const(t->dim[d].slen, &k)) ||
            ir_expr_const_int(t->dim[d].len, &k))
            return 0;
    }
    return 1;
}

static void add_zones(ir_halo *h, ir_var *slot, const uint64_t *z)
{
    for (int i = 0; i < h->n; i++)
        if (h->slot[i] == slot) {
            for (int w = 0; w < IR_ZONE_WORDS; w++)
                h->zones[i][w] |= z[w];
            return;
        }
    ir_var **sl = NEWN(ir_var *, h->n + 1);
    uint64_t(*zn)[IR_ZONE_WORDS] = arena_alloc(&util_arena, sizeof *zn * (size_t)(h->n + 1));
    for (int i = 0; i < h->n; i++) {
        sl[i] = h->slot[i];
        for (int w = 0; w < IR_ZONE_WORDS; w++)
            zn[i][w] = h->zones[i][w];
    }
    sl[h->n] = slot;
    for (int w = 0; w < IR_ZONE_WORDS; w++)
        zn[h->n][w] = z[w];
    h->slot = sl;
    h->zones = zn;
    h->n++;
}

/* The slot whose buffer slot v holds since a rotation after the first kernel (X of X = Y.copy()
 * handed over: Y's buffer, unchanged since the first kernel), with the blocked list's length
 * then in *since; NULL if none. */
static ir_var *rotated(const vec *mx, const vec *my, const vec *mn, const ir_var *v, int *since)
{
    for (int i = mx->len - 1; i >= 0; i--)
        if (VEC_AT(*mx, i, ir_var *) == v) {
            *since = (int)(intptr_t)VEC_AT(*mn, i, void *);
            return VEC_AT(*my, i, ir_var *);
        }
    return NULL;
}

static void merge_after(vec *body, int k)
{
    ir_stmt *s = VEC_AT(*body, k, ir_stmt *);
    vec blocked = {0};
    vec mx = {0}, my = {0}, mn = {0}; /* rotations: X holds what Y held, blocked.len then */
    block_targets(s, &blocked);
    for (int j = k + 1; j < body->len && j <= k + SCAN_MAX; j++) {
        ir_stmt *t = VEC_AT(*body, j, ir_stmt *);
        if (is_kernel(t)) {
            int all = t->sched->exchange && full_box(t);
            for (int i = 0; all && i < t->halo->n; i++) {
                ir_var *v = t->halo->slot[i], *y;
                int since = 0;
                if ((y = rotated(&mx, &my, &mn, v, &since))) { /* v not written since it took y's buffer */
                    vec after = {.items = blocked.items + since, .len = blocked.len - since};
                    all = ir_slot_dist(y) && y->layout == v->layout && !is_blocked(&after, v);
                } else
                    all = ir_slot_dist(v) && !is_blocked(&blocked, v);
            }
            for (int i = 0; all && i < t->halo->n; i++) {
                ir_var *y;
                int since;
                y = rotated(&mx, &my, &mn, t->halo->slot[i], &since);
                add_zones(s->halo, y ? y : t->halo->slot[i], t->halo->zones[i]);
            }
            block_targets(t, &blocked);
            continue;
        }
        switch (t->kind) {
        case S_ASSIGN:
        case S_CHECK:
        case S_PRINT:
            continue;
        case S_ALLOC:
        case S_RELEASE:
            vec_push(&blocked, (void *)(intptr_t)t->var->alias_class);
            continue;
        case S_ROTATE: /* X takes Y's buffer (its halo's state with it, tyl_rotate), Y a new one */
            vec_push(&blocked, (void *)(intptr_t)t->var->alias_class);
            if (!is_blocked(&blocked, t->src_slot)) {
                vec_push(&mx, t->var);
                vec_push(&my, t->src_slot);
                vec_push(&mn, (void *)(intptr_t)blocked.len);
            } else { /* X's buffer changed since the first kernel: no mapping */
                vec_push(&mx, t->var);
                vec_push(&my, NULL);
                vec_push(&mn, (void *)(intptr_t)blocked.len);
            }
            vec_push(&blocked, (void *)(intptr_t)t->src_slot->alias_class);
            continue;
        case S_BIND:
            for (int i = 0; i < t->n; i++) {
                vec_push(&blocked, (void *)(intptr_t)t->dst[i]->alias_class);
                vec_push(&blocked, (void *)(intptr_t)t->srcs[i]->alias_class);
            }
            continue;
        default:
            return;
        }
    }
}

static void walk(vec *body, int skip)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (is_kernel(s)) {
            if (!skip && s->sched->exchange && full_box(s))
                merge_after(body, i);
            continue;
        }
        int inner = skip || ((s->kind == S_FOR || s->kind == S_WHILE) && s->sched &&
                             (s->sched->time_tile >= 2 || s->sched->graph_period > 0));
        walk(&s->body, inner);
        walk(&s->orelse, inner);
    }
}

void pass_sched_xmerge(ir_program *p)
{
    walk(&p->body, 0);
}
