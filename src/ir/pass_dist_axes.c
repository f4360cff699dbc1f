/* pass_dist_axes.c: the component axes of a program whose arrays have different ranks, for
 * pass_dist.
 *
 * A program with an (ny, nx, 9) LBM population beside (ny, nx) rho, ux, uy, or a (3, n) stack
 * of conserved variables beside 1-D fields, would otherwise keep every array of a lower rank than
 * the highest replicated, and with them, through their reads, the rest. An axis that the program
 * indexes by a point (f[:, :, i], q[0]; or a range of one point at a constant index, as np.stack
 * and the parts of a saved complex array write theirs: k:k+1) and otherwise takes whole (f[..., :], q[:, 1:-1]), never
 * slices partly nor rolls, whose extent is not known to be large (or the parts' axis of a
 * transform's complex slot, S_FFT), and that no sweep lines up
 * with an axis of a lower-rank array where a point of another axis is picked (grid_axes: rho *
 * f[:, :, i] makes f's first two axes grid axes) is a COMPONENT axis; arrays combined with such
 * an array axis to axis share them (share_axes). pass_dist keeps component axes whole on every
 * rank (ir_layout.whole) and lays the other axes on a grid of the lower rank, in order, as the
 * lower-rank fields are. When an axis cannot be told apart (U[:, 0] picks a point of the grid's
 * axis of a (3, n) stack too), only axes of an extent known to be small (MAX_COMPONENTS) count.
 *
 * Requires: layout classes (pass_dist). Establishes nothing in the IR: returns the grid's rank
 * and each class's axes kept whole.
 */
#include "../util/sym.h"
#include "ir.h"

enum { MAX_COMPONENTS = 32 }; /* the largest extent taken for a component axis (D3Q27's 27) */

typedef struct axes_ctx {
    const int *cls;  /* layout class (root slot id) of each slot id */
    unsigned *fixed; /* by layout class: axes some view indexes by a point */
    unsigned *other; /* axes some view slices partly or rolls, or of a known extent that is not
                        small */
    unsigned *small; /* axes of an extent known to be small (at most MAX_COMPONENTS) */
    unsigned *grid;  /* axes combined with an axis of an array of a lower rank (rho * f[:, :, i],
                        rho = f[0] + ...): grid axes */
} axes_ctx;

static void note_axes(axes_ctx *a, const ir_view *v)
{
    int c = a->cls[v->arr->id];
    for (int d = 0; d < v->rank; d++) {
        const ir_dim *m = &v->dim[d];
        int64_t ext, lo;
        if (!m->aext || (sym_is_const(m->aext, &ext) && (ext < 1 || ext > MAX_COMPONENTS))) {
            a->other[c] |= 1u << d;
            continue;
        }
        if (sym_is_const(m->aext, &ext))
            a->small[c] |= 1u << d;
        int64_t one;
        if (m->kind == D_FIXED ||
            (!m->wrap && m->slo && sym_is_const(m->slo, &lo) && m->slen && sym_is_const(m->slen, &one) && one == 1))
            a->fixed[c] |= 1u << d; /* a point, or a range of one point at a constant index (np.stack's k:k+1) */
        else if (m->wrap || !m->slo || !sym_is_const(m->slo, &lo) || lo != 0 || !m->slen || !sym_equal(m->slen, m->aext))
            a->other[c] |= 1u << d;
    }
}

static int axes_read(const ir_expr *e, void *ctx)
{
    if (e->kind == E_READ)
        note_axes(ctx, e->view);
    return 0;
}

static void axes_expr(axes_ctx *a, ir_expr *e)
{
    if (e)
        ir_expr_any(e, axes_read, a);
}

/* A sweep combining views of different ranks where the higher-rank one picks a point along some
 * axis (rho * f[:, :, i], rho += f[i]): its axes that iterate a box dimension the lower-rank one
 * iterates too are grid axes (not f * cx, a table of the directions along the component axis). */
static void grid_axes(axes_ctx *a, ir_view *t, ir_expr *e)
{
    ir_reads r = {0};
    ir_reads_of(e, &r);
    for (int i = 0; t && i < r.n; i++) {
        ir_view *hi = t->rank > r.v[i]->rank ? t : r.v[i], *lo = hi == t ? r.v[i] : t;
        int picks = 0;
        for (int d = 0; d < hi->rank; d++)
            picks |= hi->dim[d].kind == D_FIXED;
        if (hi->rank == lo->rank || !picks)
            continue;
        for (int d = 0; d < hi->rank; d++)
            for (int q = 0; hi->dim[d].kind == D_RANGE && hi->dim[d].box >= 0 && q < lo->rank; q++)
                if (lo->dim[q].kind == D_RANGE && lo->dim[q].box == hi->dim[d].box)
                    a->grid[a->cls[hi->arr->id]] |= 1u << d;
    }
}

/* The last axis of a transform's complex slot (S_FFT): its real and imaginary parts, a
 * component axis of 2 (a slot of a chain, fft2's, may have no view that picks them). */
static void fft_parts(axes_ctx *a, const ir_var *v)
{
    int c = a->cls[v->id];
    a->fixed[c] |= 1u << (v->rank - 1);
    a->small[c] |= 1u << (v->rank - 1);
}

static void axes_block(axes_ctx *a, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_FFT && !(s->init & IR_FFT_REAL_OUT))
            fft_parts(a, s->var);
        if (s->kind == S_FFT && !(s->init & IR_FFT_REAL_IN))
            fft_parts(a, s->src_slot);
        if (s->target)
            note_axes(a, s->target);
        if (s->kind == S_SWEEP)
            grid_axes(a, s->target, s->e);
        axes_expr(a, s->e);
        axes_expr(a, s->e2);
        axes_expr(a, s->e3);
        if ((s->kind == S_SETELEM || s->kind == S_PRINT) && s->args)
            for (int k = 0; k < s->n; k++)
                axes_expr(a, s->args[k]);
        for (int k = 0; s->kind == S_PRINT && k < s->n; k++)
            if (ir_print_view(s, k))
                note_axes(a, s->pviews[k]);
        axes_block(a, &s->body);
        axes_block(a, &s->orelse);
    }
}

static int popcount(unsigned x)
{
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

/* Arrays of one rank combined axis to axis (b[:, :, :] = a[:, :, :] * 2, a sweep whose target
 * and read iterate the same box dimension along every axis) share their component axes: a
 * class without any takes those of the other, where it slices no such axis partly. */
static int share_axes(axes_ctx *a, ir_view *t, ir_expr *e)
{
    int more = 0;
    ir_reads r = {0};
    ir_reads_of(e, &r);
    for (int i = 0; t && i < r.n; i++) {
        ir_view *v = r.v[i];
        if (v->rank != t->rank || v->arr == t->arr)
            continue;
        int same = 1;
        for (int d = 0; d < v->rank; d++)
            same &= v->dim[d].kind == t->dim[d].kind && (v->dim[d].kind == D_FIXED || v->dim[d].box == t->dim[d].box);
        int ct = a->cls[t->arr->id], cr = a->cls[v->arr->id];
        unsigned mt = a->fixed[ct] & ~a->other[ct], mr = a->fixed[cr] & ~a->other[cr];
        if (!same || (mt && mr))
            continue;
        if (mt && !(mt & a->other[cr])) {
            a->fixed[cr] |= mt;
            more = 1;
        } else if (mr && !(mr & a->other[ct])) {
            a->fixed[ct] |= mr;
            more = 1;
        }
    }
    return more;
}

static int share_block(axes_ctx *a, vec *body)
{
    int more = 0;
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_SWEEP)
            more |= share_axes(a, s->target, s->e);
        for (int j = 0; s->kind == S_FUSED && j < s->body.len; j++)
            more |= share_axes(a, VEC_AT(s->body, j, ir_stmt *)->target, VEC_AT(s->body, j, ir_stmt *)->e);
        if (s->kind != S_FUSED)
            more |= share_block(a, &s->body);
        more |= share_block(a, &s->orelse);
    }
    return more;
}

/* Where the program mixes ranks: the component axes of each layout class (whole[class]), and the
 * grid's rank S (returned), the rank of the arrays beside which the highest-rank ones carry
 * component axes; 0 when that does not hold (some array of the highest rank has none, or no
 * array has rank S), and everything stays as with one rank. A class of a higher rank than S
 * whose component axes leave a number of axes other than S is replicated (whole ~0u). */
int ir_component_axes(ir_program *p, ir_var **byid, const int *cls, int R, unsigned *whole)
{
    int S = 0;
    axes_ctx a = {.cls = cls};
    a.fixed = NEWN(unsigned, p->nvars + 1);
    a.other = NEWN(unsigned, p->nvars + 1);
    a.small = NEWN(unsigned, p->nvars + 1);
    a.grid = NEWN(unsigned, p->nvars + 1);
    axes_block(&a, &p->body);
    for (int i = 0; i <= p->nvars; i++)
        a.fixed[i] &= ~a.grid[i];
    for (int round = 0; round < 8 && share_block(&a, &p->body); round++)
        ;
    for (int i = 0; i < p->nvars; i++) {
        if (!byid[i] || byid[i]->rank != R)
            continue;
        int cl = cls[i];
        int s = R - popcount(a.fixed[cl] & ~a.other[cl] & ((1u << R) - 1));
        if (s == R)
            return 0; /* a field of the highest rank without component axes */
        if (s > S)
            S = s;
    }
    int lower = 0;
    for (int i = 0; i < p->nvars; i++)
        lower |= byid[i] && byid[i]->rank == S;
    if (S < 1 || !lower)
        return 0;
    for (int i = 0; i < p->nvars; i++) {
        if (!byid[i] || byid[i]->rank <= S)
            continue;
        int cl = cls[i];
        unsigned m = a.fixed[cl] & ~a.other[cl] & ((1u << byid[i]->rank) - 1);
        if (byid[i]->rank - popcount(m) < S) /* U[:, 0] picks a point of the grid's axis too */
            m &= a.small[cl];
        if (byid[i]->rank - popcount(m) == S)
            whole[cl] = m;
        else
            whole[cl] = ~0u; /* no correspondence with the grid: replicated */
    }
    return S;
}
