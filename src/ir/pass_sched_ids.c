/* pass_sched_ids.c: kernel numbers.
 *
 * Requires: IR after pass_halo (no statement changes kind or order after it), ir_sched_begin.
 * Establishes: every statement that runs a kernel (S_SWEEP, S_FUSED, S_REDUCE; not the sweeps
 * inside a fused group) and every loop has an ir_sched; the kernels are numbered 1.. in program
 * order (stmt->id = sched->kernel), program->sched->nkernels counts them. A statement printed
 * more than once (a loop captured in a CUDA graph prints its body three times) keeps its one
 * kernel. Breaks: nothing.
 */
#include "sched.h"

static void number(ir_program *p, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_SWEEP || s->kind == S_FUSED || s->kind == S_REDUCE) {
            s->id = ir_sched_of(s)->kernel = ++p->sched->nkernels;
            continue; /* a fused group's sweeps are its one kernel */
        }
        if (s->kind == S_FOR || s->kind == S_WHILE)
            ir_sched_of(s);
        number(p, &s->body);
        number(p, &s->orelse);
    }
}

void pass_sched_ids(ir_program *p)
{
    p->sched->nkernels = 0;
    number(p, &p->body);
    p->sched->done |= SCHED_IDS;
}
