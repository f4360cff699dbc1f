/* pass_sched_graph.c: time loops replayed as CUDA graphs.
 *
 * Requires: pass_copysem (modes), pass_sched_ids; the target (program->sched->cuda).
 * Establishes: on the CUDA target, sched->graph_period of an S_FOR is the number of iterations
 * after which the body's renamings come back to the start (1 without swaps, 2 for
 * u, un = un, u) when the loop can be captured once in a CUDA graph and replayed: a constant
 * positive step, a body of direct sweeps that neither read the loop variable nor single
 * elements, swaps of names (permutations), run-time checks, and scalar assignments that no
 * kernel or check reads (no sweep gathering a distributed array: its messages go through the host
 * when it runs). 0 otherwise, and always 0 on the C target. Breaks: nothing.
 */
#include "sched.h"

static int sweep_uses_var(ir_stmt *w, ir_var *v)
{
    if (w->kind == S_FUSED) {
        for (int i = 0; i < w->body.len; i++)
            if (sweep_uses_var(VEC_AT(w->body, i, ir_stmt *), v))
                return 1;
        return 0;
    }
    ir_expr r = {.kind = E_READ, .view = w->target};
    return ir_expr_uses_var(w->e, v) || ir_expr_uses_var(&r, v);
}

static int sweep_has_elem(ir_stmt *w)
{
    if (w->kind == S_FUSED) {
        for (int i = 0; i < w->body.len; i++)
            if (sweep_has_elem(VEC_AT(w->body, i, ir_stmt *)))
                return 1;
        return 0;
    }
    ir_expr r = {.kind = E_READ, .view = w->target};
    return ir_expr_has_elem(w->e) || ir_expr_has_elem(&r);
}

static int graph_period(ir_stmt *loop)
{
    int64_t step;
    if (!ir_expr_const_int(loop->e3, &step) || step <= 0)
        return 0;
    vec slots = {0}, perm = {0}; /* perm[i]: the slot whose original buffer slots[i] holds now */
    for (int i = 0; i < loop->body.len; i++) {
        ir_stmt *s = VEC_AT(loop->body, i, ir_stmt *);
        switch (s->kind) {
        case S_SWEEP:
        case S_FUSED:
            /* a kernel reading the loop variable would replay its captured value */
            if (s->mode != M_DIRECT || sweep_has_elem(s) || sweep_uses_var(s, loop->var))
                return 0;
            if (ir_sweep_gathers(s)) /* messages through the host when it runs */
                return 0;
            break;
        case S_CHECK: break;
        case S_ASSIGN:
            for (int j = 0; j < loop->body.len; j++) {
                ir_stmt *w = VEC_AT(loop->body, j, ir_stmt *);
                if ((w->kind == S_SWEEP || w->kind == S_FUSED) && sweep_uses_var(w, s->var))
                    return 0;
                if (w->kind == S_CHECK)
                    for (int a = 0; a < w->na + w->nb; a++)
                        if (ir_expr_uses_var(w->args[a], s->var))
                            return 0;
            }
            break;
        case S_BIND: {
            if (s->move)
                return 0;
            void *old[16];
            for (int k = 0; k < s->n; k++) {
                int found = 0;
                for (int j = 0; j < s->n; j++)
                    found |= s->srcs[k] == s->dst[j];
                if (!found || s->n > 16)
                    return 0;
            }
            for (int k = 0; k < s->n; k++) {
                int at = -1;
                for (int j = 0; j < slots.len; j++)
                    if (slots.items[j] == s->srcs[k])
                        at = j;
                old[k] = at >= 0 ? perm.items[at] : s->srcs[k];
            }
            for (int k = 0; k < s->n; k++) {
                int at = -1;
                for (int j = 0; j < slots.len; j++)
                    if (slots.items[j] == s->dst[k])
                        at = j;
                if (at < 0) {
                    vec_push(&slots, s->dst[k]);
                    vec_push(&perm, old[k]);
                } else
                    perm.items[at] = old[k];
            }
            break;
        }
        default: return 0;
        }
    }
    /* period of the permutation */
    for (int p = 1; p <= 8; p++) {
        int ident = 1;
        for (int j = 0; j < slots.len && ident; j++) {
            void *x = slots.items[j];
            for (int r = 0; r < p; r++) { /* follow x through p applications */
                int at = -1;
                for (int q = 0; q < slots.len; q++)
                    if (slots.items[q] == x)
                        at = q;
                x = at >= 0 ? perm.items[at] : x;
            }
            ident = x == slots.items[j];
        }
        if (ident)
            return p;
    }
    return 0;
}

static void loops(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_FUSED)
            continue;
        if (s->kind == S_FOR)
            s->sched->graph_period = graph_period(s);
        loops(&s->body);
        loops(&s->orelse);
    }
}

void pass_sched_graph(ir_program *p)
{
    if (p->sched->cuda)
        loops(&p->body);
    p->sched->done |= SCHED_GRAPH;
}
