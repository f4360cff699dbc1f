/* pass_sched_steps.c: the step boundaries of time loops.
 *
 * Requires: pass_sched_graph.
 * Establishes: the loops of main()'s own statement list (not those nested in an if or a loop),
 * except those the lowering made for a NumPy operation (ir_stmt.made: np.interp of an image
 * checkpointed and agreed on by the ranks at each of its 2,240 points), are the program's time
 * loops: their step boundaries are where checkpoints are taken and where
 * a restart resumes. They are numbered 0.. in program order (sched->ck, program->sched->ck_loops);
 * a loop replayed as a CUDA graph has no step boundaries on the host and is not one. Loops not
 * nested in another loop report --progress (sched->progress). Breaks: nothing.
 */
#include "sched.h"

static void outer(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_FOR || s->kind == S_WHILE) {
            s->sched->progress = !s->sched->graph_period && !s->made;
            continue; /* loops inside it are not outermost */
        }
        if (s->kind != S_FUSED) {
            outer(&s->body);
            outer(&s->orelse);
        }
    }
}

void pass_sched_steps(ir_program *p)
{
    p->sched->ck_loops = (vec){0};
    for (int i = 0; i < p->body.len; i++) {
        ir_stmt *s = VEC_AT(p->body, i, ir_stmt *);
        if (((s->kind == S_FOR && !s->sched->graph_period) || s->kind == S_WHILE) && !s->made) {
            s->sched->ck = p->sched->ck_loops.len;
            vec_push(&p->sched->ck_loops, s);
        }
    }
    outer(&p->body);
    p->sched->done |= SCHED_STEPS;
}
