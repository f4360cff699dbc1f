/* pass_sched_dirty.c: which halo copies a sweep makes stale.
 *
 * Requires: pass_dist (layouts), pass_sched_ids.
 * Establishes: sched->dirty has bit j set for each target j (the sweeps of a fused group, in
 * order) whose array is distributed: after the sweep its neighbours' copies of the edges are
 * out of date, and the next exchange that needs them sends them again. Replicated targets and
 * reductions mark nothing. Breaks: nothing.
 */
#include "sched.h"

static void marks(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_SWEEP || s->kind == S_FUSED) {
            int nt = s->kind == S_FUSED ? s->body.len : 1;
            UTIL_ASSERT(nt <= IR_FUSE_MAX); /* pass_fuse caps its groups */
            s->sched->dirty = 0;
            for (int j = 0; j < nt; j++) {
                ir_stmt *w = s->kind == S_FUSED ? VEC_AT(s->body, j, ir_stmt *) : s;
                if (ir_slot_dist(w->target->arr))
                    s->sched->dirty |= 1u << j;
            }
            continue;
        }
        marks(&s->body);
        marks(&s->orelse);
    }
}

void pass_sched_dirty(ir_program *p)
{
    marks(&p->body);
    p->sched->done |= SCHED_DIRTY;
}
