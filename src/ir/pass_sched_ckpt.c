/* pass_sched_ckpt.c: what a checkpoint holds.
 *
 * Requires: pass_sched_steps (the time loops).
 * Establishes: program->sched->vars: every variable main() declares (each scalar and array slot
 * the statements refer to, not the parameters), in id order: the table a checkpoint writes and a
 * restart restores, by C name. For each time loop, sched->live: the variables live at its step
 * boundaries, those the loop and the statements after it refer to (a restart in the loop needs
 * nothing else), as ascending indices into that table. The same for the run-time strings
 * (program->sched->strs, loop->sched->live_strs): a string set before the loop, or in an
 * iteration before the checkpoint, is restored with the variables. Breaks: nothing.
 */
#include <stdlib.h>

#include "sched.h"

static void note_var(vec *vars, ir_var *v)
{
    if (!v || v->is_param)
        return;
    for (int i = 0; i < vars->len; i++)
        if (VEC_AT(*vars, i, ir_var *) == v)
            return;
    vec_push(vars, v);
}

static void vars_expr(vec *vars, ir_expr *e)
{
    if (!e)
        return;
    if (e->kind == E_VAR || e->kind == E_SHAPE || e->kind == E_ELEM)
        note_var(vars, e->var);
    if (e->kind == E_READ) {
        note_var(vars, e->view->arr);
        for (int d = 0; d < e->view->rank; d++) {
            vars_expr(vars, e->view->dim[d].lo);
            vars_expr(vars, e->view->dim[d].len);
            vars_expr(vars, e->view->dim[d].step);
            vars_expr(vars, e->view->dim[d].wrap);
        }
    }
    for (int i = 0; i < e->nargs; i++)
        vars_expr(vars, e->args[i]);
    vars_expr(vars, e->a);
    vars_expr(vars, e->b);
    vars_expr(vars, e->cc);
}

static void vars_block(vec *vars, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        note_var(vars, s->var);
        note_var(vars, s->src_slot);
        if (s->kind == S_ROTATE) {
            ir_expr r = {.kind = E_READ, .view = s->target};
            vars_expr(vars, &r);
        }
        vars_expr(vars, s->e);
        vars_expr(vars, s->e2);
        vars_expr(vars, s->e3);
        for (int k = 0; s->kind == S_BIND && k < s->n; k++) {
            note_var(vars, s->dst[k]);
            note_var(vars, s->srcs[k]);
        }
        if (s->kind == S_ALLOC)
            for (int d = 0; d < s->var->rank; d++)
                vars_expr(vars, s->shape[d]);
        if (s->kind == S_REDUCE)
            for (int d = 0; d < s->n; d++)
                vars_expr(vars, s->shape[d]);
        if (s->target) {
            ir_expr r = {.kind = E_READ, .view = s->target};
            vars_expr(vars, &r);
        }
        if (s->kind == S_SETELEM || s->kind == S_CHECK || s->kind == S_PRINT)
            for (int k = 0; k < (s->kind == S_CHECK ? s->na + s->nb : s->n); k++) {
                if (s->kind != S_PRINT || IR_PRINT_EXPR(s, k))
                    vars_expr(vars, s->args[k]);
                else if (ir_print_view(s, k)) {
                    ir_expr r = {.kind = E_READ, .view = s->pviews[k]};
                    vars_expr(vars, &r);
                } else if (ir_print_slot(s, k))
                    note_var(vars, s->pslots[k]);
            }
        vars_block(vars, &s->body);
        vars_block(vars, &s->orelse);
    }
}

/* The run-time strings statements build or read (S_PRINT's sbuf and items, the sbuf of a save,
 * a raise or an os call, the second string of a comparison). */
static int has_str(vec *strs, int k)
{
    for (int i = 0; i < strs->len; i++)
        if ((int)(intptr_t)strs->items[i] == k)
            return 1;
    return 0;
}
static void note_str(vec *strs, int k)
{
    if (k > 0 && !has_str(strs, k))
        vec_push(strs, (void *)(intptr_t)k);
}
static void strs_block(vec *strs, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        note_str(strs, s->sbuf);
        for (int k = 0; s->kind == S_PRINT && s->pflags && k < s->n; k++)
            if (s->pflags[k] & IR_PR_STRBUF)
                note_str(strs, s->pspec[k]);
        if (s->kind == S_OS && s->init == IR_OS_STREQ && !s->str)
            note_str(strs, s->n);
        strs_block(strs, &s->body);
        strs_block(strs, &s->orelse);
    }
}
static int cmp_int(const void *a, const void *b)
{
    intptr_t x = (intptr_t)*(void *const *)a;
    intptr_t y = (intptr_t)*(void *const *)b;
    return (x > y) - (x < y);
}

static int cmp_var(const void *a, const void *b)
{
    return (*(ir_var *const *)a)->id - (*(ir_var *const *)b)->id;
}

void pass_sched_ckpt(ir_program *p)
{
    vec *vars = &p->sched->vars;
    *vars = (vec){0};
    vars_block(vars, &p->body);
    if (vars->len) /* items is NULL when there is none */
        qsort(vars->items, (size_t)vars->len, sizeof(void *), cmp_var);
    vec *strs = &p->sched->strs;
    *strs = (vec){0};
    strs_block(strs, &p->body);
    if (strs->len)
        qsort(strs->items, (size_t)strs->len, sizeof(void *), cmp_int);
    for (int L = 0; L < p->sched->ck_loops.len; L++) {
        ir_stmt *loop = VEC_AT(p->sched->ck_loops, L, ir_stmt *);
        int at = 0;
        while (VEC_AT(p->body, at, ir_stmt *) != loop)
            at++;
        vec live = {0};
        vec tail = {.items = p->body.items + at, .len = p->body.len - at, .cap = 0};
        vars_block(&live, &tail);
        loop->sched->live = (vec){0};
        for (int i = 0; i < vars->len; i++)
            for (int j = 0; j < live.len; j++)
                if (VEC_AT(live, j, ir_var *) == VEC_AT(*vars, i, ir_var *))
                    vec_push(&loop->sched->live, (void *)(intptr_t)i);
        vec lstrs = {0};
        strs_block(&lstrs, &tail);
        loop->sched->live_strs = (vec){0};
        for (int i = 0; i < strs->len; i++)
            if (has_str(&lstrs, (int)(intptr_t)strs->items[i]))
                vec_push(&loop->sched->live_strs, (void *)(intptr_t)i);
    }
    p->sched->done |= SCHED_CKPT;
}
