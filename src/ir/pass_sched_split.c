/* pass_sched_split.c: main()'s statements cut into functions of bounded size.
 *
 * Requires: every other schedule pass (the statement list is final; pass_sched_steps' time
 * loops are main()'s top-level loops).
 * Establishes: program->sched->parts: where main()'s top-level statements are cut into static
 * functions the generated main() calls in turn (emit_host.c), so that no C function is huge:
 * GCC's optimisers grow faster than linearly in a function's size (a main() of 6,500 lines took
 * 7.6 CPU-s at -O3, 83% of it in the expansion of that one function), while a program cut into
 * parts of about PART_WEIGHT compiles in about linear time. A cut lies only between two
 * top-level statements; a single statement heavier than the bound (a time loop holding most of
 * the program) stays whole. Parts are of about equal weight; a program no heavier than
 * PART_WEIGHT * 3 / 2 stays in main() (parts has fewer than 2 entries). The weight of a
 * statement estimates the lines of C it prints in main(): one per statement, nested ones
 * included, plus its host expressions' nodes over 4; a sweep's or a reduction's kernel is a
 * function of its own and counts a few lines for its call. --split-main=N aims the parts at
 * N instead (program->split_main), off keeps main() whole. The CUDA target keeps main() whole.
 * Breaks: nothing.
 */
#include "sched.h"

/* The weight a part aims at. Measured (2-core AMD EPYC Zen 4, gcc -O3 -march=native): see
 * docs/PASSES.md, pass_sched_split. */
enum { PART_WEIGHT = 250 };

static int expr_weight(ir_expr *e)
{
    if (!e)
        return 0;
    int w = 1 + expr_weight(e->a) + expr_weight(e->b) + expr_weight(e->cc);
    for (int i = 0; i < e->nargs; i++)
        w += expr_weight(e->args[i]);
    return w;
}

static int block_weight(vec *body);

static int stmt_weight(ir_stmt *s)
{
    if (s->kind == S_SWEEP || s->kind == S_FUSED || s->kind == S_REDUCE)
        return 4; /* the call, its values and the exchange; the kernel is a function of its own */
    int x = expr_weight(s->e) + expr_weight(s->e2) + expr_weight(s->e3);
    if (s->kind == S_SETELEM || s->kind == S_CHECK || s->kind == S_PRINT)
        for (int k = 0; k < (s->kind == S_CHECK ? s->na + s->nb : s->n); k++)
            if (s->kind != S_PRINT || IR_PRINT_EXPR(s, k))
                x += expr_weight(s->args[k]);
    if (s->kind == S_ALLOC)
        for (int d = 0; d < s->var->rank; d++)
            x += expr_weight(s->shape[d]);
    int lines = 1; /* the statement's own lines besides its expressions */
    switch (s->kind) {
    case S_ALLOC: case S_CHECK: case S_ROTATE: lines = 4; break; /* blocks with shape tables */
    case S_PRINT: lines = 1 + s->n; break;                         /* a call per item, mostly */
    case S_BIND: lines = s->n > 1 ? 2 + 2 * s->n : 2; break;
    case S_FOR: case S_WHILE: /* a time loop's prologue, a block per array shape it checks */
        lines = s->sched && s->sched->ck >= 0 ? 6 + 4 * s->ck_n : 2;
        break;
    default: break;
    }
    return lines + x / 4 + block_weight(&s->body) + block_weight(&s->orelse);
}

static int block_weight(vec *body)
{
    int w = 0;
    for (int i = 0; i < body->len; i++)
        w += stmt_weight(VEC_AT(*body, i, ir_stmt *));
    return w;
}

void pass_sched_split(ir_program *p)
{
    vec *parts = &p->sched->parts;
    *parts = (vec){0};
    int n = p->body.len;
    int *w = NEWN(int, n + 1);
    long total = 0;
    for (int i = 0; i < n; i++)
        total += w[i] = stmt_weight(VEC_AT(p->body, i, ir_stmt *));
    const long part = p->split_main > 0 ? p->split_main : PART_WEIGHT; /* --split-main */
    /* C only: the CUDA back end's host code is C++, whose headers declare far more names at
     * file scope (time, index, all, any, ...) than lower_cnames.c keeps from main()'s variables */
    if (!p->sched->cuda && p->split_main >= 0 && total > part * 3 / 2) {
        long nparts = (total + part - 1) / part, done = 0, share = 1;
        /* a part ends where the weight so far first reaches share / nparts of the whole (a heavy
         * statement may pass a share or more alone: the next part aims at the share after) */
        vec_push(parts, (void *)(intptr_t)0);
        for (int i = 0; i + 1 < n; i++) {
            done += w[i];
            if (done * nparts < total * share)
                continue;
            vec_push(parts, (void *)(intptr_t)(i + 1));
            while (done * nparts >= total * share)
                share++;
        }
        if (parts->len < 2)
            parts->len = 0;
    }
    p->sched->done |= SCHED_SPLIT;
}
