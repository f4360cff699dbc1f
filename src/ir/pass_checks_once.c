/* pass_checks_once.c: a slice check whose operands a loop does not change runs once per entry
 * of that loop, not once per iteration.
 *
 * A CK_SLICE check (lower_index.c check_unclipped: the runtime's tyl_slice_fits) in a time loop
 * whose extent and bounds are parameters, extents of arrays the loop never reallocates and
 * scalars it never assigns gives the same answer on every iteration. Moving it before the loop
 * would change what NumPy does where the check fails: the loop may run no iteration, the slice
 * may sit in a branch never taken, and what the first iteration prints before the slice would
 * be lost. So it stays where it is and is guarded by a flag of its own: the loop sets the flag
 * to "not checked yet" on entry (emit_host.c: after a time loop's restart label, so a restart
 * that jumps into the loop checks again), and the first time the check is reached it runs and
 * sets the flag. Everything NumPy would print before a failing slice is printed, from the same
 * place, with the same message; later iterations skip a call whose answer they already have.
 * The flag belongs to the outermost loop around the check in which its operands are
 * invariant (a check in an inner loop over j whose operands change only with the outer loop's
 * step runs once per step of the outer loop).
 *
 * Invariant in a loop: the check's expressions hold only constants, parameters, scalars the
 * loop (its body, nested statements, its own variable) never writes, extents of slots the loop
 * never rebinds (allocated, bound, loaded, released, transformed into) other than to a new
 * array of their own extents (tmp = alloc(u.shape[0]); u <- move tmp), and deterministic
 * operators and functions (no clock, no element read).
 *
 * Requires: the statement lists are final (runs after pass_bounds; the schedule passes keep
 * loops and the checks in them). Establishes: S_CHECK CK_SLICE's `once` (k > 0: flag k) and the
 * loop's `onces` (the flags it resets on entry). Breaks: nothing.
 */
#include <stdint.h>

#include "ir.h"

/* A deterministic expression of scalars and extents (no element read, sweep index, clock). */
static int unstable(const ir_expr *e, void *ctx)
{
    (void)ctx;
    return e->kind == E_ELEM || e->kind == E_READ || e->kind == E_INDEX ||
           (e->kind == E_CALL && e->fn == FN_WALLTIME);
}

typedef struct loopw {
    vec scalars; /* ir_var*: the scalars the loop writes */
    vec slots;   /* ir_var*: the slots it may rebind to an array of another shape */
} loopw;

static void push_once(vec *v, ir_var *x)
{
    for (int i = 0; i < v->len; i++)
        if (VEC_AT(*v, i, ir_var *) == x)
            return;
    vec_push(v, x);
}

/* Does S_BIND body[i] give its destination x an array of x's own shape: the source allocated
 * earlier in the same block with extents x.shape[0..] and not rebound since (tmp = alloc
 * (u.shape[0]); u <- move tmp: a new array every step, of the same length)? */
static int same_shape_bind(vec *body, int i, ir_var *x, ir_var *y)
{
    if (x->rank != y->rank)
        return 0;
    for (int j = i - 1; j >= 0; j--) {
        ir_stmt *s = VEC_AT(*body, j, ir_stmt *);
        int binds_y = 0;
        for (int k = 0; s->kind == S_BIND && k < s->n; k++)
            binds_y |= s->dst[k] == y || s->dst[k] == x;
        if (binds_y || s->body.len || s->orelse.len)
            return 0;
        if (s->var == x && s->kind != S_SETELEM && s->kind != S_SWEEP && s->kind != S_PRINT &&
            s->kind != S_SAVE && s->kind != S_CHECK)
            return 0;
        if (s->var != y)
            continue;
        if (s->kind != S_ALLOC || s->init == 3)
            return 0;
        for (int d = 0; d < x->rank; d++)
            if (s->shape[d]->kind != E_SHAPE || s->shape[d]->var != x || s->shape[d]->dim != d)
                return 0;
        return 1;
    }
    return 0;
}

/* What the statements of body write (see above). */
static void writes(vec *body, loopw *w)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->var && !s->var->is_array)
            push_once(&w->scalars, s->var);
        if (s->var && s->var->is_array) {
            switch (s->kind) {
            case S_SETELEM: case S_SWEEP: case S_RANDOM: case S_SAVE: case S_PRINT: case S_ROTATE:
            case S_CHECK:
                break; /* elements written or read; the extents stay (a rotation swaps equals) */
            default:
                push_once(&w->slots, s->var);
            }
        }
        if (s->kind == S_BIND)
            for (int k = 0; k < s->n; k++)
                if (!same_shape_bind(body, i, s->dst[k], s->srcs[k]))
                    push_once(&w->slots, s->dst[k]);
        writes(&s->body, w);
        writes(&s->orelse, w);
    }
}

static int in(const vec *v, const ir_var *x)
{
    for (int i = 0; i < v->len; i++)
        if (VEC_AT(*v, i, ir_var *) == x)
            return 1;
    return 0;
}

static int written(const ir_expr *e, void *ctx)
{
    const loopw *w = ctx;
    return (e->kind == E_VAR && in(&w->scalars, e->var)) || (e->kind == E_SHAPE && in(&w->slots, e->var));
}

static int invariant(ir_stmt *ck, loopw *w)
{
    for (int a = 0; a < ck->na + ck->nb; a++)
        if (ck->args[a] && ir_expr_any(ck->args[a], written, w))
            return 0;
    return 1;
}

typedef struct octx {
    vec loops;  /* ir_stmt*: the loops around the statements visited, outermost first */
    vec ws;     /* loopw*: what each of them writes */
    int flags;  /* flags handed out */
} octx;

static void visit(vec *body, octx *o)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_CHECK && s->check == CK_SLICE && o->loops.len) {
            int stable = 1;
            for (int a = 0; a < s->na + s->nb && stable; a++)
                stable = !s->args[a] || !ir_expr_any(s->args[a], unstable, NULL);
            int k = 0; /* the outermost loop it is invariant in, from the innermost out */
            while (stable && k < o->loops.len && invariant(s, VEC_AT(o->ws, o->loops.len - 1 - k, loopw *)))
                k++;
            if (k) {
                ir_stmt *loop = VEC_AT(o->loops, o->loops.len - k, ir_stmt *);
                s->once = ++o->flags;
                vec_push(&loop->onces, (void *)(intptr_t)s->once);
            }
        }
        if (s->kind == S_FOR || s->kind == S_WHILE) {
            loopw *w = NEW(loopw);
            if (s->kind == S_FOR && s->var)
                push_once(&w->scalars, s->var);
            writes(&s->body, w);
            vec_push(&o->loops, s);
            vec_push(&o->ws, w);
            visit(&s->body, o);
            o->loops.len--;
            o->ws.len--;
            continue;
        }
        if (s->kind != S_FUSED) {
            visit(&s->body, o);
            visit(&s->orelse, o);
        }
    }
}

void pass_checks_once(ir_program *p)
{
    octx o = {0};
    visit(&p->body, &o);
}
