/* pass_sched_exchange.c: where halo exchanges begin and end.
 *
 * Requires: pass_halo (stmt->halo: the exchanges a kernel needs), pass_sched_ids.
 * Establishes: sched->exchange is 1 exactly for the kernels that read a distributed array's halo
 * (an exchange begins just before the kernel and ends before the first point that reads the
 * halo, see pass_sched_parts); a kernel that exchanges nothing has no begin and no end at all.
 * Breaks: nothing.
 */
#include "sched.h"

static void place(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_SWEEP || s->kind == S_FUSED || s->kind == S_REDUCE) {
            s->sched->exchange = s->halo && s->halo->n > 0;
            continue;
        }
        place(&s->body);
        place(&s->orelse);
    }
}

void pass_sched_exchange(ir_program *p)
{
    place(&p->body);
    p->sched->done |= SCHED_EXCHANGE;
}
