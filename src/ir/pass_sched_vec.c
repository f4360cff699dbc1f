/* pass_sched_vec.c: how a kernel's innermost loop runs on the CPU: as SIMD lanes, and whether
 * its stores may bypass the caches.
 *
 * Requires: pass_copysem (modes, alias classes), pass_fuse (groups and their conditions),
 * pass_sched_parts (scratch, alias_check), pass_sched_stages (tiled kernels are not streamed).
 * Establishes, on the C target only (CUDA kernels have no inner loop):
 *   sched->simd for every sweep and fused group. It follows from what the earlier passes
 *   established, so no dependence test is needed here:
 *     - an M_DIRECT sweep reads no element it writes except the very element being written
 *       (pass_copysem), so no point depends on another;
 *     - an M_BUFFERED sweep (and an M_CHECKED one when the buffers match) writes a scratch box
 *       or a new buffer that nothing in the kernel reads; an M_CHECKED sweep whose buffers
 *       differ writes memory no read can see;
 *     - a fused group reads a target of the group only at the point being computed, and its
 *       targets in one array are the same view or disjoint (pass_fuse), so computing every
 *       statement over a few points before the next statement (what SIMD lanes do) gives what
 *       computing them point by point gives.
 *   NumPy's copy semantics for u[1:-1] = u[:-2] + u[2:] is thus kept by the scratch box, not
 *   by the loop order. Reductions carry their accumulator from one point to the next (in a
 *   fixed order, for bitwise equal sums): never simd.
 *   sched->stream bit j (and point_bytes) for a target j that nothing in the kernel reads (no
 *   read of its alias class, no other target in its class), written directly or into a new
 *   buffer that replaces it (not a scratch box copied after), in contiguous rows (the box's
 *   innermost dimension is its last axis, step 1) of float64 or float32, in a box of rank 2
 *   or more without periodic reads. Its stores may then go around the caches (no read for
 *   ownership, no eviction of what the sweep still reads); the run time decides whether they
 *   do from the bytes the sweep moves (tyl_mem_stream), since only it knows the sizes.
 *   sched->stream_vec when the one target streams, the box has rank 3 or more and the value
 *   is + - * / or negation of contiguous rows of its own type (one at least), constants and
 *   scalars of that type: it may then store from vector registers (GCC/Clang vector types do
 *   per lane what the scalar loop does, so the values are the same) instead of computing into
 *   a buffer and copying it. That copy and its per-chunk work weigh on short rows (3-D Jacobi
 *   256^3 without it: float32, rows of 1 KiB, 1.10x; float64 1.00x); on the long rows of 2-D
 *   grids it made no difference measured (Jacobi 2-D float32 4096^2: 1.02x): they keep it.
 *   sched->prefetch (box rank 3 or more, or 2 with a streamed target; no periodic reads, not
 *   tiled): per array read, the read whose rows come first along the outer box dimensions
 *   (largest constant offsets, from the slices' symbolic starts): only those rows come from
 *   memory, the others from the caches. Only reads whose rows are contiguous and that every
 *   outer box dimension steps through (row_stream) are listed, and every one listed is
 *   prefetched, through the kernel's row pointer for it (sched.c checks the first; the
 *   emitter only finds the pointer: it decided from the reads' strides before, the same test).
 *   With rows as short as a plane's (1-2 KiB at 256^3) the hardware prefetcher alone does not
 *   keep up (measured; no counters here to say why): prefetching them about 2 KiB ahead made
 *   3-D Jacobi 256^3 1.21x faster in float32 and 1.17x in float64 (CPU time, 1 thread; issue
 *   14). The run time decides how far ahead, and whether at all, from the sizes
 *   (tyl_mem_prefetch). Long rows (2-D grids) are prefetched within the row instead, 4 KiB
 *   ahead of each chunk of a streamed row (tyl_mem_prefetch_ahead): without it the 2-D sweeps
 *   took about their arithmetic plus their memory time (Burgers 2048^2, h78, bench/RESULTS.md).
 *   sched->prefetch_how PF_BLOCK instead of PF_ROWS, and sched->block_live, in a box of rank 3
 *   where an array is read at two planes or more (block_marks): the kernel sweeps blocks of
 *   rows, sized at run time from a core's L2 (tyl_mem_block_rows), and prefetches the leading
 *   rows one plane ahead. Legal for the same reason as simd: no point reads what another point
 *   of the sweep writes, so any order of the points computes the same values.
 *   In a rolled kernel (sched->roll, box rank 3 or more; rolled_marks) sched->prefetch too, PF_ROWS,
 *   with sched->prefetch_loop: the row loops are the stages' (stage k's row r + spread_k[0]
 *   computed just before value row r) and the value's, and per array the one read whose rows
 *   come first over all of them (its plane: its start plus its loop's lead) is prefetched a few
 *   rows ahead in its loop, the others coming from the caches. hdiff 256x256x160 (in_field's
 *   leading plane in lap's loop, coeff in the value's, 2 rows ahead): 1.08-1.13x (CPU time,
 *   1 thread, bench/RESULTS.md h99). Only a hint: the values are the same.
 * Breaks: nothing.
 */
#include "../util/sym.h"
#include "sched.h"

/* Does e read an array of alias class cls (or any periodic view, when wrap is set)? */
static int reads_class(ir_expr *e, int cls, int *wrap)
{
    if (!e)
        return 0;
    int r = 0;
    if (e->kind == E_READ) {
        for (int d = 0; d < e->view->rank; d++)
            if (e->view->dim[d].kind == D_RANGE && e->view->dim[d].wrap)
                *wrap = 1;
        return e->view->arr->alias_class == cls;
    }
    r |= reads_class(e->a, cls, wrap) | reads_class(e->b, cls, wrap) | reads_class(e->cc, cls, wrap);
    for (int i = 0; i < e->nargs; i++)
        r |= reads_class(e->args[i], cls, wrap);
    return r;
}

/* Distinct slots the kernel touches, for the bytes one point moves. */
static void note_slot(vec *seen, ir_var *v)
{
    for (int i = 0; i < seen->len; i++)
        if (VEC_AT(*seen, i, ir_var *) == v)
            return;
    vec_push(seen, v);
}

static void slots_of(ir_expr *e, vec *seen)
{
    if (!e)
        return;
    if (e->kind == E_READ) {
        note_slot(seen, e->view->arr);
        return;
    }
    slots_of(e->a, seen);
    slots_of(e->b, seen);
    slots_of(e->cc, seen);
    for (int i = 0; i < e->nargs; i++)
        slots_of(e->args[i], seen);
}

/* The target's rows are contiguous: its innermost box dimension is its last axis, step 1. */
static int contiguous_rows(ir_view *t, int B)
{
    int last = t->rank - 1;
    return last >= 0 && t->dim[last].kind == D_RANGE && t->dim[last].box == B - 1 && !t->dim[last].wrap &&
           t->dim[last].step_c == 1;
}

/* Can e be computed in vector registers of type t: + - * / and negation of rows read
 * contiguously along box dimension B - 1, constants and scalars (kernel parameters), all of
 * type t, with no Python scalar semantics (zero division errors)? */
static int vec_expr(ir_expr *e, ir_type t, int B)
{
    if (e->type != t)
        return 0;
    if (e->kind == E_CONST || (e->kind != E_READ && ir_expr_is_scalar(e)))
        return 1;
    switch (e->kind) {
    case E_READ:
        for (int d = 0; d < e->view->rank; d++)
            if (e->view->dim[d].kind == D_RANGE && e->view->dim[d].wrap)
                return 0;
        return e->view->arr->type == t && contiguous_rows(e->view, B);
    case E_BIN:
        return !e->py &&
               (e->op == OP_ADD || e->op == OP_SUB || e->op == OP_MUL || e->op == OP_TRUEDIV) &&
               vec_expr(e->a, t, B) && vec_expr(e->b, t, B);
    case E_UN:
        return (e->op == OP_NEG || e->op == OP_POS) && vec_expr(e->a, t, B);
    default:
        return 0;
    }
}

static int any_read(ir_expr *e)
{
    return e && (e->kind == E_READ || any_read(e->a) || any_read(e->b) || any_read(e->cc));
}

static void stream_marks(ir_stmt *s)
{
    ir_sched *h = s->sched;
    int nt = s->kind == S_FUSED ? s->body.len : 1;
    ir_stmt *w0 = s->kind == S_FUSED ? VEC_AT(s->body, 0, ir_stmt *) : s;
    int B = w0->target->vrank;
    h->stream = 0;
    h->point_bytes = 0;
    h->stream_elem = 0;
    h->stream_vec = 0;
    /* a tiled kernel (pass_sched_stages) stores row pieces of tiles from its own loop nest */
    if (B < 2 || h->alias_check || h->scratch == SCR_BOX || (s->kind == S_FUSED && s->aliased) || nt > 32 || h->tiled)
        return;
    for (int j = 0; j < nt; j++) {
        ir_view *t = (s->kind == S_FUSED ? VEC_AT(s->body, j, ir_stmt *) : s)->target;
        if ((t->arr->type != T_F64 && t->arr->type != T_F32) || !contiguous_rows(t, B))
            continue;
        int read = 0, wrap = 0;
        for (int i = 0; i < nt; i++) {
            ir_stmt *w = s->kind == S_FUSED ? VEC_AT(s->body, i, ir_stmt *) : s;
            read |= reads_class(w->e, t->arr->alias_class, &wrap);
        }
        if (wrap)
            return; /* peeled rows (periodic reads): not streamed */
        if (!read) {
            h->stream |= 1u << j;
            int eb = ir_type_bits(t->arr->type) / 8;
            if (!h->stream_elem || eb < h->stream_elem)
                h->stream_elem = eb;
        }
    }
    if (h->stream == 1 && nt == 1 && B >= 3)
        h->stream_vec = any_read(s->e) && vec_expr(s->e, s->target->arr->type, B);
}

/* Along the outer box dimensions 0 .. B - 2, whether the rows of view a (in a loop computing rows
 * lead_a rows ahead of the value's; 0: the value's loop) lie past those of b (lead_b) of the same
 * array: 1, before: -1, the same rows: 0; *ok cleared when not known at compile time. */
static int leads(ir_view *a, int64_t lead_a, ir_view *b, int64_t lead_b, int B, int *ok)
{
    for (int k = 0; k < B - 1; k++) {
        ir_dim *x = NULL, *y = NULL;
        for (int d = 0; d < a->rank; d++)
            if (a->dim[d].kind == D_RANGE && a->dim[d].box == k && b->dim[d].kind == D_RANGE &&
                b->dim[d].box == k) {
                x = &a->dim[d];
                y = &b->dim[d];
            }
        const sym *diff = x && x->slo && y->slo ? sym_sub(x->slo, y->slo) : NULL;
        int64_t c;
        if (!diff || !sym_is_const(diff, &c)) {
            *ok = 0;
            return 0;
        }
        if (k == 0)
            c += lead_a - lead_b;
        if (c)
            return c > 0 ? 1 : -1;
    }
    return 0;
}

/* A view that the outer loops step through row by row: every outer box dimension iterated with
 * step 1 and a known start, contiguous rows, nothing periodic. */
static int row_stream(ir_view *v, int B)
{
    int seen = 0;
    for (int d = 0; d < v->rank; d++) {
        const ir_dim *m = &v->dim[d];
        if (m->kind != D_RANGE)
            continue;
        if (m->wrap)
            return 0;
        if (m->box >= 0 && m->box < B - 1) {
            if (m->step_c != 1 || !m->slo)
                return 0;
            seen++;
        }
    }
    return seen == B - 1 && contiguous_rows(v, B);
}

static void collect_reads(ir_expr *e, vec *out)
{
    if (!e)
        return;
    if (e->kind == E_READ) {
        vec_push(out, e->view);
        return;
    }
    collect_reads(e->a, out);
    collect_reads(e->b, out);
    collect_reads(e->cc, out);
    for (int i = 0; i < e->nargs; i++)
        collect_reads(e->args[i], out);
}

/* How far view a lies past view b (same array) along box dimension k, in *c; 0 when not known
 * at compile time. */
static int offset_along(ir_view *a, ir_view *b, int k, int64_t *c)
{
    for (int d = 0; d < a->rank; d++)
        if (a->dim[d].kind == D_RANGE && a->dim[d].box == k && b->dim[d].kind == D_RANGE &&
            b->dim[d].box == k) {
            const sym *diff = a->dim[d].slo && b->dim[d].slo ? sym_sub(a->dim[d].slo, b->dim[d].slo) : NULL;
            return diff && sym_is_const(diff, c);
        }
    return 0;
}

/* PF_BLOCK and block_live for a prefetched kernel of box rank 3 (sched.h) when some array is
 * read at two planes or more: only then does a plane read stay in the cache to be read again
 * at the next plane, and three planes of 256^2 float64 (1.5 MiB) are more than a 1 MiB L2.
 * Hand C on that Jacobi (AMD EPYC Zen 4, 1 MiB L2, non-temporal stores, 1 thread; bench/
 * RESULTS.md 2026-12-06 h86): rows prefetched 2 KiB ahead (PF_ROWS) 0.73 of the copy
 * roofline, whole planes 0.86, blocks of 32-64 rows with the leading row prefetched one plane
 * ahead 0.91-0.93; float32 0.65 -> 1.08 (blocks of 64 rows). An array whose planes are not
 * known apart (offsets not constant) counts three. */
static void block_marks(ir_stmt *s, vec *reads)
{
    ir_sched *h = s->sched;
    int live = 0, reuse = 0;
    vec seen = {0}; /* ir_var*: arrays counted */
    for (int i = 0; i < reads->len; i++) {
        ir_view *v = VEC_AT(*reads, i, ir_view *);
        int j = 0;
        while (j < seen.len && VEC_AT(seen, j, ir_var *) != v->arr)
            j++;
        if (j < seen.len)
            continue;
        vec_push(&seen, v->arr);
        int64_t lo = 0, hi = 0, c;
        int known = 1;
        for (int q = 0; q < reads->len; q++) {
            ir_view *u = VEC_AT(*reads, q, ir_view *);
            if (u->arr != v->arr)
                continue;
            if (!offset_along(u, v, 0, &c)) {
                known = 0;
                break;
            }
            lo = c < lo ? c : lo;
            hi = c > hi ? c : hi;
        }
        int planes = known ? (int)(hi - lo + 1) : 3;
        reuse |= planes > 1;
        live += planes;
        for (int q = 0; q < h->prefetch.len; q++)
            live += VEC_AT(h->prefetch, q, ir_view *)->arr == v->arr;
    }
    int nt = s->kind == S_FUSED ? s->body.len : 1;
    for (int j = 0; j < nt; j++)
        live += j >= 32 || !(h->stream >> j & 1);
    if (!reuse)
        return;
    h->prefetch_how = (h->prefetch_how & ~(unsigned)PF_ROWS) | PF_BLOCK;
    h->block_live = live;
}

static void prefetch_marks(ir_stmt *s)
{
    ir_sched *h = s->sched;
    int nt = s->kind == S_FUSED ? s->body.len : 1;
    ir_stmt *w0 = s->kind == S_FUSED ? VEC_AT(s->body, 0, ir_stmt *) : s;
    int B = w0->target->vrank;
    h->prefetch = (vec){0};
    h->prefetch_how = 0;
    h->block_live = 0;
    if (B < 2 || h->tiled || (B == 2 && !h->stream)) /* 2-D: within a streamed row's chunks */
        return;
    vec reads = {0};
    for (int i = 0; i < nt; i++)
        collect_reads((s->kind == S_FUSED ? VEC_AT(s->body, i, ir_stmt *) : s)->e, &reads);
    for (int i = 0; i < reads.len; i++) {
        ir_view *v = VEC_AT(reads, i, ir_view *);
        for (int d = 0; d < v->rank; d++)
            if (v->dim[d].kind == D_RANGE && v->dim[d].wrap)
                return; /* a kernel with periodic reads peels its rows */
    }
    vec lost = {0}; /* ir_var*: arrays whose reads' rows cannot be ordered */
    for (int i = 0; i < reads.len; i++) {
        ir_view *v = VEC_AT(reads, i, ir_view *);
        int lost_arr = 0;
        for (int j = 0; j < lost.len; j++)
            lost_arr |= VEC_AT(lost, j, ir_var *) == v->arr;
        if (lost_arr)
            continue;
        int j = 0, ok = row_stream(v, B);
        for (; ok && j < h->prefetch.len; j++) {
            ir_view *p = VEC_AT(h->prefetch, j, ir_view *);
            if (p->arr != v->arr)
                continue;
            if (leads(v, 0, p, 0, B, &ok) > 0 && ok)
                h->prefetch.items[j] = v;
            break;
        }
        if (ok && j == h->prefetch.len)
            vec_push(&h->prefetch, v);
        if (!ok) { /* this array is not prefetched at all */
            vec_push(&lost, v->arr);
            for (int q = 0; q < h->prefetch.len; q++)
                if (VEC_AT(h->prefetch, q, ir_view *)->arr == v->arr) {
                    h->prefetch.items[q] = h->prefetch.items[h->prefetch.len - 1];
                    h->prefetch.len--;
                    break;
                }
        }
    }
    if (h->prefetch.len)
        h->prefetch_how = (B >= 3 ? PF_ROWS : 0) | (h->stream && !h->stream_vec ? PF_IN_ROW : 0);
    if (h->prefetch.len && B == 3)
        block_marks(s, &reads);
}

/* Is v a read of one of s's stages (a scratch tile, not memory)? */
static int stage_slot(ir_stmt *s, ir_var *v)
{
    for (int k = 0; k < s->stages.len; k++)
        if (VEC_AT(s->stages, k, ir_stage *)->slot == v)
            return 1;
    return 0;
}

/* sched->prefetch, prefetch_loop and point_bytes of a rolled kernel (the header's last item). */
static void rolled_marks(ir_stmt *s)
{
    ir_sched *h = s->sched;
    int B = s->target->vrank, ns = s->stages.len;
    h->prefetch = h->prefetch_loop = (vec){0};
    h->prefetch_how = 0;
    h->block_live = 0;
    if (B < 3)
        return;
    vec reads = {0}, loop = {0}; /* ir_view*, (intptr_t) its loop */
    for (int k = 0; k <= ns; k++) {
        vec r = {0};
        collect_reads(k < ns ? VEC_AT(s->stages, k, ir_stage *)->fc : s->staged, &r);
        for (int i = 0; i < r.len; i++) {
            ir_view *v = VEC_AT(r, i, ir_view *);
            for (int d = 0; d < v->rank; d++)
                if (v->dim[d].kind == D_RANGE && v->dim[d].wrap)
                    return;
            if (stage_slot(s, v->arr))
                continue;
            vec_push(&reads, v);
            vec_push(&loop, (void *)(intptr_t)(k < ns ? k + 1 : 0));
        }
    }
    vec seen = {0};
    note_slot(&seen, s->target->arr);
    for (int i = 0; i < reads.len; i++) {
        ir_view *v = VEC_AT(reads, i, ir_view *);
        int j = 0;
        while (j < seen.len && VEC_AT(seen, j, ir_var *) != v->arr)
            j++;
        if (j < seen.len)
            continue; /* the target's (never prefetched), or an array weighed already */
        note_slot(&seen, v->arr);
        int ok = 1, best = -1;
        int64_t lb = 0;
        for (int q = 0; q < reads.len && ok; q++) {
            ir_view *u = VEC_AT(reads, q, ir_view *);
            if (u->arr != v->arr)
                continue;
            int lq = (int)(intptr_t)VEC_AT(loop, q, void *);
            int64_t lead = lq ? VEC_AT(s->stages, lq - 1, ir_stage *)->spread[0] : 0;
            ok = row_stream(u, B);
            if (ok && (best < 0 || leads(u, lead, VEC_AT(reads, best, ir_view *), lb, B, &ok) > 0)) {
                best = q;
                lb = lead;
            }
        }
        if (!ok || best < 0)
            continue;
        int dup = 0; /* one prefetch a view and loop */
        for (int q = 0; q < h->prefetch.len; q++)
            dup |= VEC_AT(h->prefetch, q, ir_view *) == VEC_AT(reads, best, ir_view *);
        if (dup)
            continue;
        vec_push(&h->prefetch, VEC_AT(reads, best, ir_view *));
        vec_push(&h->prefetch_loop, VEC_AT(loop, best, void *));
    }
    for (int i = 0; i < seen.len; i++)
        h->point_bytes += ir_type_bits(VEC_AT(seen, i, ir_var *)->type) / 8;
    if (h->prefetch.len)
        h->prefetch_how = PF_ROWS;
    else
        h->point_bytes = 0;
}

/* The bytes one point moves: the element sizes of the distinct arrays the kernel touches. */
static void point_bytes(ir_stmt *s)
{
    ir_sched *h = s->sched;
    int nt = s->kind == S_FUSED ? s->body.len : 1;
    vec seen = {0};
    for (int i = 0; i < nt; i++) {
        ir_stmt *w = s->kind == S_FUSED ? VEC_AT(s->body, i, ir_stmt *) : s;
        note_slot(&seen, w->target->arr);
        slots_of(w->e, &seen);
    }
    for (int i = 0; i < seen.len; i++) /* every dtype, the small integers too */
        h->point_bytes += ir_type_bits(VEC_AT(seen, i, ir_var *)->type) / 8;
}

static void marks(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_SWEEP || s->kind == S_FUSED) {
            s->sched->simd = 1;
            if (s->sched->roll) {
                rolled_marks(s);
                continue;
            }
            stream_marks(s);
            prefetch_marks(s);
            if (s->sched->stream || s->sched->prefetch.len)
                point_bytes(s);
            continue;
        }
        marks(&s->body);
        marks(&s->orelse);
    }
}

void pass_sched_vec(ir_program *p)
{
    if (!p->sched->cuda)
        marks(&p->body);
    p->sched->done |= SCHED_VEC;
}
