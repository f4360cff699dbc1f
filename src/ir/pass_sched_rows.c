/* pass_sched_rows.c: the rows of a last-axis sum gathered in one collective.
 *
 * A float sum along the last axis of rows longer than the unrolled forms is a loop over the
 * rows (lower_reduce.c rows_exact) whose body sums one row (an S_REDUCE marked `row`, NumPy's
 * pairwise tree over it) and stores it (an S_SETELEM marked `row`). On several ranks each row's
 * sum gathered its ranks' owned subtrees on its own: one collective per row, ny of them for an
 * (ny, nx) field split along x. Marked here, the loop nest runs between tyl_rows_begin and
 * tyl_rows_end: each row's reduction keeps its rank's items, its store is remembered, and
 * tyl_rows_end gathers the items of all rows at once, evaluates each row's tree exactly as the
 * row's own call would (the same items, the same order) and stores the values. Nothing in the
 * loop reads them before (its body is the sum and the store; the result is a fresh array).
 *
 * A checkpoint or rescale at a step boundary of such a loop (at the top level it is a time loop)
 * stores the rows kept so far first (tyl_ck_step calls tyl_rows_flush_); a restart into the
 * loop jumps past tyl_rows_begin, and its rows are then stored one by one as before.
 *
 * Marked: an S_FOR of the C target, not time-tiled, whose body is scalar assignments and
 * one such S_FOR (the loops over the other axes), down to a body that is exactly the row's
 * S_REDUCE (a float sum, split over the ranks: anchor set) and the S_SETELEM storing its
 * variable, unconverted, into an array of its type. The outermost such loop is marked.
 *
 * Requires: pass_halo (anchor), pass_sched_timetile. Establishes: sched->rows_once.
 * Breaks: nothing.
 */
#include "sched.h"

static int row_body(const ir_stmt *s)
{
    if (s->kind != S_FOR || s->sched->graph_period || s->sched->time_tile)
        return 0;
    const vec *b = &s->body;
    int i = 0;
    while (i < b->len && VEC_AT(*b, i, ir_stmt *)->kind == S_ASSIGN)
        i++;
    if (i == b->len - 1)
        return row_body(VEC_AT(*b, i, ir_stmt *));
    if (i != b->len - 2)
        return 0;
    const ir_stmt *r = VEC_AT(*b, i, ir_stmt *), *e = VEC_AT(*b, i + 1, ir_stmt *);
    return r->kind == S_REDUCE && r->row && r->op == OP_ADD && !r->sel && r->anchor &&
           ir_type_is_float(r->var->type) && e->kind == S_SETELEM && e->row && e->e->kind == E_VAR &&
           e->e->var == r->var && e->var->type == r->var->type;
}

static void walk(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_FOR && row_body(s)) {
            s->sched->rows_once = 1;
            continue;
        }
        walk(&s->body);
        walk(&s->orelse);
    }
}

void pass_sched_rows(ir_program *p)
{
    if (!p->sched->cuda)
        walk(&p->body);
}
