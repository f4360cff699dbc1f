/* pass_sched_parts.c: the parts of a sweep's local box and where its values go first.
 *
 * Requires: pass_copysem (modes, replace), pass_halo (margins shl/shh), pass_sched_exchange.
 * Establishes: sched->split: a sweep or fused group that exchanges halos computes its interior
 * (the points whose reads need no halo) while the halos travel and the edge strips after the
 * exchange ended (the run time still runs the box whole under --no-overlap); a reduction and a
 * kernel without exchange run the local box in one part. sched->scratch and alias_check: a
 * M_DIRECT sweep and a fused group write their targets directly; M_BUFFERED writes a scratch box
 * copied into the target after (or, with replace, a new buffer that replaces the target);
 * M_CHECKED does the same only when a read's slot holds the target's buffer at run time.
 * Breaks: nothing.
 */
#include "sched.h"

static void parts(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        ir_sched *h = s->sched;
        switch (s->kind) {
        case S_SWEEP:
            h->split = h->exchange;
            h->scratch = s->mode == M_DIRECT ? SCR_NONE : s->replace ? SCR_REPLACE : SCR_BOX;
            h->alias_check = s->mode == M_CHECKED;
            continue;
        case S_FUSED: /* pass_fuse groups direct sweeps only */
            h->split = h->exchange;
            h->scratch = SCR_NONE;
            h->alias_check = 0;
            continue;
        case S_REDUCE:
            h->split = 0;
            continue;
        default: break;
        }
        parts(&s->body);
        parts(&s->orelse);
    }
}

void pass_sched_parts(ir_program *p)
{
    parts(&p->body);
    p->sched->done |= SCHED_PARTS;
}
