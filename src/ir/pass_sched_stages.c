/* pass_sched_stages.c: how a sweep with stages (pass_fuse_stages) computes them.
 *
 * Requires: pass_sched_ids (the schedules exist). Establishes: sched->tiled = 1 for every
 * S_SWEEP with stages on the C target: its kernel walks the box in tiles of the outer
 * dimensions, computes each stage over the tile grown by the stage's spread into a per-thread
 * scratch tile, then the value from it. On CUDA tiled = 0: the kernel computes the value with
 * the stages inlined (one thread per point has no tile to share; correct, the same bits).
 * Pass_fuse does not group such sweeps, so S_FUSED never holds one.
 * Breaks: nothing.
 */
#include "sched.h"

static void stages(ir_program *p, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_SWEEP && s->stages.len)
            s->sched->tiled = !p->sched->cuda;
        stages(p, &s->body);
        stages(p, &s->orelse);
    }
}

void pass_sched_stages(ir_program *p) { stages(p, &p->body); }
