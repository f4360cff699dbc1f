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
 * Breaks: nothing.
 */
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

static void stream_marks(ir_stmt *s)
{
    ir_sched *h = s->sched;
    int nt = s->kind == S_FUSED ? s->body.len : 1;
    ir_stmt *w0 = s->kind == S_FUSED ? VEC_AT(s->body, 0, ir_stmt *) : s;
    int B = w0->target->vrank;
    h->stream = 0;
    h->point_bytes = 0;
    h->stream_elem = 0;
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
    if (!h->stream)
        return;
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
            stream_marks(s);
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
