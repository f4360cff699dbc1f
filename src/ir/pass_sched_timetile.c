/* pass_sched_timetile.c: temporal blocking of time loops.
 *
 * Requires: pass_sched_steps (time loops, sched->ck), pass_sched_parts (scratch),
 * pass_sched_stages (a tiled kernel's stages read past its box: emit_stages.c), pass_halo (halo
 * margins, layouts), the target and --time-tile (program->sched->time_tile_opt).
 * Establishes: sched->time_tile = K >= 2 on a time loop (an S_FOR of main()'s own list with
 * step boundaries, C target), or on an S_FOR nested in one (or in an if) where the loop around
 * it is not tiled (walk: the inner loop of `for it in range(nt // nout): for n in range(nout):
 * ...; print(...)`, which has no step boundaries), whose body is only
 *   - sweeps and fused groups written in place (M_DIRECT, no scratch) that read no single
 *     element, neither the loop variable nor a scalar the body assigns, no periodic halo, and
 *     whose targets' outer dimension is a range along box dimension 0 with step 1 or one fixed
 *     index (the row axis the run time tiles); a sweep computing temporaries per tile
 *     (pass_sched_stages) too: its descriptor says how far past a part's box each stage's
 *     grown tile reads (emit_stages.c), which the run time adds to the read offsets for the
 *     lags and the grown boxes (without it the lags were short by the stage's spread and
 *     hdiff's result differed from step-by-step order);
 *   - renamings that permute slots (u, un = un, u; um, u, up = u, up, um), and copies handed
 *     over (un = u.copy() before an update of u, pass_rotate's S_ROTATE: recorded as a stage
 *     that copies what the update leaves, u taking un's old buffer);
 *   - scalar assignments that no kernel reads and that read no array element, and run-time
 *     shape checks.
 * Such a loop runs K steps per pass over tiles of rows, each step's rows shifted against the
 * previous step's by the rows it reads beyond them (tyl_ttlags.c explains why this computes
 * each point from exactly the values step-by-step order uses). The run time still checks the
 * offsets it sees, and steps one step at a time under checkpoint or fault options that need
 * every step and for the remainder of steps (nt mod K); unless K was forced, arrays that fit in
 * the cache anyway run the group's stages one after another, and so do 3-D float32 arrays past
 * the last-level cache (float64 ones on one core, each past it), whose plain sweeps (row
 * blocks, non-temporal stores) run faster than tiles (the run time's model, from the arrays'
 * sizes and dtypes: tyl_ttplan.c
 * tyl_tt_plain_planes_; TYLES_TIME_TILE=on tiles them anyway). The choice is the run time's,
 * not this pass's: the sizes are known only there, so --dump=sched still shows the loop tiled. On several ranks the group runs
 * on deep halos (exchanged once per group, edges computed redundantly: tyl_timetile.c), so the
 * pass also widens the halos of the distributed layouts a tiled loop touches to K times the
 * widest halo among them (deep_halos). sched->tt_radius: the rows a step reads beyond those it
 * writes, from the halo margins (-1: known only at run time). sched->tt_note: why a candidate
 * loop is not tiled (printed by --dump=sched). program->sched->grid_middle_first: a C program
 * with a tiled loop whose distributed 3-D arrays have equal first two extents (the default
 * process grid splits the middle axis first, tyl_dist.c dims_default). Breaks: the layouts' halo widths are no longer
 * the least the reads need (they only grow).
 * K is SCHED_TT_DEFAULT_K unless --time-tile=K gives it; --time-tile=off (or 1) tiles nothing.
 */
#include <string.h>

#include "sched.h"

static int sweep_ok(ir_stmt *w, vec *assigned, ir_var *loopvar, const char **why)
{
    ir_expr r = {.kind = E_READ, .view = w->target};
    if (ir_expr_has_elem(w->e) || ir_expr_has_elem(&r)) {
        *why = "a sweep reads single elements";
        return 0;
    }
    if (ir_expr_uses_var(w->e, loopvar) || ir_expr_uses_var(&r, loopvar)) {
        *why = "a sweep reads the loop variable";
        return 0;
    }
    for (int i = 0; i < assigned->len; i++)
        if (ir_expr_uses_var(w->e, VEC_AT(*assigned, i, ir_var *)) || ir_expr_uses_var(&r, VEC_AT(*assigned, i, ir_var *))) {
            *why = "a sweep reads a scalar the loop assigns";
            return 0;
        }
    ir_dim *d0 = &w->target->dim[0];
    if (w->target->vrank < 1 || !(d0->kind == D_FIXED || (d0->box == 0 && d0->step_c == 1 && !d0->wrap))) {
        *why = "a sweep's target does not follow the outer axis";
        return 0;
    }
    return 1;
}

/* The reason the loop cannot be tiled, or NULL; *radius: the rows read beyond the rows
 * written along the outer axis, -1 when the halo margins do not say. */
static const char *check_body(ir_stmt *loop, int *radius)
{
    vec assigned = {0};
    *radius = 0;
    int sweeps = 0;
    for (int i = 0; i < loop->body.len; i++) {
        ir_stmt *s = VEC_AT(loop->body, i, ir_stmt *);
        if (s->kind == S_ASSIGN)
            vec_push(&assigned, s->var);
    }
    for (int i = 0; i < loop->body.len; i++) {
        ir_stmt *s = VEC_AT(loop->body, i, ir_stmt *);
        const char *why = NULL;
        switch (s->kind) {
        case S_SWEEP:
        case S_FUSED: {
            if (s->sched->scratch != SCR_NONE || s->mode != M_DIRECT)
                return "a sweep reads what it writes at another offset";
            if (ir_sweep_gathers(s)) /* the run time gathers what it reads when it runs */
                return "a sweep gathers part of a distributed array";
            int nt = s->kind == S_FUSED ? s->body.len : 1;
            for (int j = 0; j < nt; j++)
                if (!sweep_ok(s->kind == S_FUSED ? VEC_AT(s->body, j, ir_stmt *) : s, &assigned, loop->var, &why))
                    return why;
            ir_halo *h = s->halo;
            for (int j = 0; h && j < h->n; j++)
                if (h->slot[j]->layout && h->slot[j]->layout->periodic)
                    return "a sweep reads a periodic halo";
            ir_stmt *w0 = s->kind == S_FUSED ? VEC_AT(s->body, 0, ir_stmt *) : s;
            if (w0->target->dim[0].kind == D_RANGE && h && h->n) {
                int m = h->shl[0] > h->shh[0] ? h->shl[0] : h->shh[0];
                if (m >= 1 << 30) /* "every point" (pass_dist: a fixed index reading a neighbour's plane) */
                    m = 0;        /* says nothing of the rows: a fixed target reads its own */
                if (*radius >= 0 && m > *radius)
                    *radius = m;
            } else if (w0->target->dim[0].kind != D_RANGE)
                *radius = -1;
            sweeps++;
            break;
        }
        case S_BIND:
            if (s->move || s->n < 2)
                return "a name is bound to another array";
            for (int k = 0; k < s->n; k++) {
                int found = 0;
                for (int j = 0; j < s->n; j++)
                    found |= s->srcs[k] == s->dst[j];
                if (!found)
                    return "a renaming is not a permutation";
            }
            break;
        case S_ASSIGN:
            if (ir_expr_has_elem(s->e))
                return "a scalar assignment reads an array element";
            break;
        case S_CHECK: break;
        case S_FOR:
        case S_WHILE: return "a loop in the body";
        case S_IF: return "a branch in the body";
        case S_REDUCE: return "a reduction in the body";
        case S_PRINT:
        case S_PRINTOPT: return "a print in the body";
        case S_OS: return "a file system call in the body";
        case S_SAVE: return "a save in the body";
        case S_FFT: return "an FFT in the body";
        case S_ALLOC: return "an allocation in the body";
        case S_RELEASE: return "an array released in the body";
        case S_SETELEM: return "an element assignment in the body";
        case S_ROTATE: break; /* un = u.copy(): un takes u's buffer, the copy a recorded stage */
        case S_BREAK:
        case S_CONTINUE:
        case S_RAISE: return "a jump out of the body";
        default: return "a statement other than sweeps, renamings and scalar assignments";
        }
    }
    if (!sweeps)
        return "no sweep in the body";
    return NULL;
}

/* ---- deep halos: the layouts of a tiled loop's arrays ------------------------------------ */

enum { DEEP_MAX = 64 };
typedef struct deep_ctx {
    ir_layout *lay[DEEP_MAX];   /* the distributed layouts the loops' sweeps touch */
    int rank[DEEP_MAX];         /* the highest rank of their slots */
    int width[DEEP_MAX][IR_MAX_RANK]; /* the halo each needs (the widest over the loops) */
    int n;
    int tiled;                  /* loops tiled */
} deep_ctx;

static int deep_at(deep_ctx *c, ir_layout *L)
{
    for (int i = 0; i < c->n; i++)
        if (c->lay[i] == L)
            return i;
    if (c->n == DEEP_MAX)
        return -1; /* left as it is: the run time steps one step at a time */
    memset(c->width[c->n], 0, sizeof c->width[0]);
    c->rank[c->n] = 0;
    c->lay[c->n] = L;
    return c->n++;
}

static void deep_note(deep_ctx *c, const ir_view *v)
{
    int i = v && ir_slot_dist(v->arr) ? deep_at(c, v->arr->layout) : -1;
    if (i >= 0 && v->rank > c->rank[i])
        c->rank[i] = v->rank;
}

static int deep_read(const ir_expr *e, void *ctx)
{
    if (e->kind == E_READ)
        deep_note(ctx, e->view);
    return 0;
}

/* On several ranks a group of K steps reads halos exchanged once before it, K times as deep
 * as one step needs (tyl_ttdeep.c grows each stage's box by what later stages read): every
 * distributed layout the loop's sweeps touch needs, per dimension, K times the widest halo
 * any of them has there (an array read only at the points written, like a source term, too:
 * the grown boxes read it in the halo). pass_sched_timetile widens the layouts once, after
 * all loops, from their widths before it. The run time checks what it reads and steps one
 * step at a time where a halo is still too narrow. */
static void deep_collect(ir_stmt *loop, deep_ctx *c, int *W)
{
    for (int i = 0; i < loop->body.len; i++) {
        ir_stmt *s = VEC_AT(loop->body, i, ir_stmt *);
        if (s->kind != S_SWEEP && s->kind != S_FUSED)
            continue;
        int nt = s->kind == S_FUSED ? s->body.len : 1;
        for (int j = 0; j < nt; j++) {
            ir_stmt *w = s->kind == S_FUSED ? VEC_AT(s->body, j, ir_stmt *) : s;
            deep_note(c, w->target);
            ir_expr_any(w->e, deep_read, c);
        }
    }
    for (int d = 0; d < IR_MAX_RANK; d++)
        W[d] = 0;
    for (int i = 0; i < c->n; i++)
        for (int d = 0; d < c->rank[i]; d++) {
            int m = c->lay[i]->hl[d] > c->lay[i]->hh[d] ? c->lay[i]->hl[d] : c->lay[i]->hh[d];
            W[d] = m > W[d] ? m : W[d];
        }
}

/* The widest halo a step of the loop reads, over the dimensions (R of the automatic choice). */
static int loop_halo(ir_stmt *loop)
{
    deep_ctx c = {0};
    int W[IR_MAX_RANK], R = 0;
    deep_collect(loop, &c, W);
    for (int d = 0; d < IR_MAX_RANK; d++)
        R = W[d] > R ? W[d] : R;
    return R;
}

static void deep_halos(ir_stmt *loop, int K, deep_ctx *all)
{
    deep_ctx c = {0};
    int W[IR_MAX_RANK];
    deep_collect(loop, &c, W);
    for (int i = 0; i < c.n; i++) {
        int at = deep_at(all, c.lay[i]);
        for (int d = 0; at >= 0 && d < c.rank[i]; d++)
            if (K * W[d] > all->width[at][d])
                all->width[at][d] = K * W[d];
    }
}

/* ---- the automatic choice ----------------------------------------------------------------
 *
 * --time-tile=auto tiles a loop only where the model below says it pays, from the sizes the
 * program has with its parameters' defaults (np.zeros((N, N)) with N = 4096 at the top):
 *   - the steps: K = SCHED_TT_DEFAULT_K, halved (down to 2) until the loop runs at least two
 *     groups of K steps; a loop of fewer than 4 steps is not tiled (a group would not repeat);
 *   - the working set: the bytes of the arrays one step touches (every array the sweeps read or
 *     write, once). Tiling only saves memory traffic; arrays that fit in the cache together
 *     (TT_CACHE_KIB, the run time's default budget of 4 x 1 MiB) are read from it anyway, on
 *     one rank and, being smaller per rank, on several: not tiled;
 *   - the working set of a tile: a tile of rows holds, besides its own H rows, the rows the
 *     lags of the group's S = K x (stages a step that read a halo) stages span, about (S + 1) R
 *     + 1 for a stencil of radius R; those rows of every array must fit in the tile budget (TT_TILE_KIB,
 *     the run time's TYLES_TT_CACHE default) with H >= TT_MIN_ROWS, or every tile streams from
 *     memory again. A 3-D field's rows are planes (half a MiB at 256^2 float64), so its tiles
 *     are H planes by W lines of the middle dimension, W = H / 2 (tyl_timetile.c), and the
 *     span is added along both: (H + span) (W + span) lines must fit. K is halved until
 *     they do; where not even K = 2 fits, not tiled;
 *   - the halo width: on several ranks a group reads halos K x R deep (R the widest halo of a
 *     step) and computes points of them redundantly, about (K - 1) R P / n of the points per
 *     distributed dimension of extent n on P ranks. K is halved until K R is at most a
 *     sixteenth of the smallest such extent (about 6 % more points on 2 ranks per dimension,
 *     12 % on 4); where not even K = 2 fits, not tiled.
 * The grid per rank is known only at run time: tyl_timetile.c then tiles a group on one rank
 * only when its arrays exceed the cache budget and a tile of TT_MIN_ROWS rows fits the tile
 * budget, and on several ranks runs it on deep halos only
 * when the points computed redundantly stay under a tenth of the points computed (else it steps
 * one step at a time, exchanging the halo a step needs). Sizes the compiler cannot find (an
 * array loaded from a file, an extent from a computation) leave the choice to the run time.
 * --dump=sched prints the figures and the decision. */

enum { TT_CACHE_KIB = 4096, TT_TILE_KIB = 1024, TT_MIN_ROWS = 4, TT_HALO_SHARE = 16 };

/* The value of an integer expression with the parameters at their defaults; 0 if unknown. */
static int eval_default(ir_program *p, const ir_expr *e, int64_t *out, int depth);

/* The slot a copy handed over (un = u.copy(), pass_rotate's S_ROTATE) gives v a buffer of,
 * anywhere in list b; NULL if none. */
static ir_var *rotated_from(vec *b, ir_var *v)
{
    for (int i = 0; i < b->len; i++) {
        ir_stmt *s = VEC_AT(*b, i, ir_stmt *);
        ir_var *f = s->kind == S_ROTATE && s->var == v ? s->src_slot : NULL;
        if (!f)
            f = rotated_from(&s->body, v);
        if (!f)
            f = rotated_from(&s->orelse, v);
        if (f)
            return f;
    }
    return NULL;
}

/* The extent d of the arrays slot v holds: from its allocations in main()'s own list (all
 * alike), or those of the slot whose buffer it takes over, with the parameters' defaults. */
static int slot_extent(ir_program *p, ir_var *v, int d, int64_t *out, int depth)
{
    int found = 0;
    ir_var *from = depth < 8 ? rotated_from(&p->body, v) : NULL;
    if (from && from != v)
        return slot_extent(p, from, d, out, depth + 1);
    for (int i = 0; i < p->body.len; i++) {
        ir_stmt *s = VEC_AT(p->body, i, ir_stmt *);
        if (s->kind == S_LOAD && s->var == v)
            return 0;
        if (s->kind != S_ALLOC || s->var != v)
            continue;
        int64_t x;
        if (!eval_default(p, s->shape[d], &x, depth + 1) || (found && x != *out))
            return 0;
        *out = x;
        found = 1;
    }
    return found;
}

static int eval_default(ir_program *p, const ir_expr *e, int64_t *out, int depth)
{
    int64_t a, b;
    if (!e || depth > 16)
        return 0;
    switch (e->kind) {
    case E_CONST: return ir_expr_const_int(e, out);
    case E_VAR: return e->var->is_param && e->var->init && eval_default(p, e->var->init, out, depth + 1);
    case E_CAST: return !ir_type_is_float(e->type) && eval_default(p, e->a, out, depth + 1);
    case E_SHAPE: return slot_extent(p, e->var, e->dim, out, depth);
    case E_BIN:
        if (ir_type_is_float(e->type) || !eval_default(p, e->a, &a, depth + 1) || !eval_default(p, e->b, &b, depth + 1))
            return 0;
        if (a < -((int64_t)1 << 40) || a > (int64_t)1 << 40 || b < -((int64_t)1 << 40) || b > (int64_t)1 << 40)
            return 0; /* no overflow below */
        switch (e->op) {
        case OP_ADD: *out = a + b; return 1;
        case OP_SUB: *out = a - b; return 1;
        case OP_MUL: *out = a * b; return 1;
        case OP_FDIV: *out = b > 0 && a >= 0 ? a / b : 0; return b > 0 && a >= 0;
        default: return 0;
        }
    default: return 0;
    }
}

typedef struct slots_ctx {
    vec v; /* ir_var*: the arrays the loop's sweeps touch */
} slots_ctx;

static void note_slot(slots_ctx *c, ir_var *v)
{
    for (int i = 0; i < c->v.len; i++)
        if (VEC_AT(c->v, i, ir_var *) == v)
            return;
    vec_push(&c->v, v);
}

static int slot_read(const ir_expr *e, void *ctx)
{
    if (e->kind == E_READ)
        note_slot(ctx, e->view->arr);
    return 0;
}

/* ---- the arithmetic a step does for each element it moves ----------------------------------
 *
 * Tiling saves memory traffic and nothing else; it costs the lags' bookkeeping and shorter runs
 * along the rows (5-10 %). A loop whose arithmetic takes longer than its traffic gains nothing.
 * The weight below counts a vector operation of the sweep's type, so float32 (twice the lanes)
 * counts half; a division is pipelined like the rest (the 9-point stencil's / 9.0 ran as fast
 * as * 0.1111), a libm call (scalar, for NumPy's bits) or a power is many operations' time.
 * Parts of an expression that read no array (dt / dx) are computed once a sweep and cost
 * nothing. Sweeps computing temporaries per tile (pass_sched_stages) cost their stages too.
 * A loop is tiled only when its arithmetic is at most a limit per element moved (per 8 bytes of
 * the arrays a step touches), from CPU time per step tiled (K = 8) against step by step at
 * 1 thread (bench/ab_cputime.py, N = 2048, loaded machine; docs/PASSES.md):
 * - 2-D grids, whose tiles are slabs of whole rows: a 9-point stencil (9 operations for 2
 *   elements) 1.5x, Jacobi (4 for 2) 1.7-2x, 2-D viscous Burgers (36 for 4) 1.04-1.18x (its
 *   step by step reaches only 0.6 of the copy roofline at 2 threads, stalled on loads: tiled,
 *   1.3x the wall speed there; an earlier tiled code ran it 0.95x): tiled up to TT_MAX_OPS_2D.
 *   A radius-2 advection-diffusion (30 for 2, 15 an element) 1.03-1.18x, within the noise: not.
 * - 3-D grids, tiled by planes and lines with the lags along both: hdiff (32 for 5, four stages
 *   of radius 2 with its copy back) 0.59x; with its fluxes computed once a tile (a chain of
 *   stages: 21 for 5, 4.2 an element) 0.93-1.10x by K = 2 (three loaded runs, bench/RESULTS.md
 *   2026-12-06 h59): nothing gained; Jacobi 3-D (6 for 2, 3 an element) 1.9-2.2x: up to
 *   TT_MAX_OPS (heat and a leapfrog wave in 3-D, 3.3 and 3.7, stay tiled).
 * --time-tile=K tiles regardless. */
enum { TT_MAX_OPS = 4, TT_MAX_OPS_2D = 12 };

static double point_ops(const ir_expr *e)
{
    if (!e || ir_expr_is_scalar(e) || e->kind == E_READ)
        return 0;
    double w = 1, sub = 0;
    switch (e->kind) {
    case E_BIN:
        w = e->op == OP_POWER ? 20 : 1;
        break;
    case E_CALL: /* sqrt and the roundings are instructions */
        w = (e->fn <= FN_POW || e->fn == FN_CMATH) && e->fn != FN_SQRT && e->fn != FN_FLOOR && e->fn != FN_CEIL && e->fn != FN_TRUNC &&
                    e->fn != FN_RINT && e->fn != FN_COPYSIGN && e->fn != FN_FMA
                ? 40
                : 1;
        break;
    case E_CAST:
    case E_UN:
    case E_SELECT: break;
    default: w = 0;
    }
    for (int i = 0; i < e->nargs; i++)
        sub += point_ops(e->args[i]);
    sub += point_ops(e->a) + point_ops(e->b) + point_ops(e->cc);
    return w * (ir_type_bits(e->type) > 32 ? 1 : 0.5) + sub;
}

/* *ops: the operations (point_ops) of a step of the loop for each point of its sweeps;
 * *moved: the float64 elements (8 bytes) a step moves for each point, step by step: every
 * sweep or fused group reads and writes each array it touches once (hdiff's copy back into
 * in_field moves two more). Sweeps of edges (a target of lower rank than the loop's highest
 * array rank, top) and arrays of lower rank, read along rows, are not counted. */
static void step_cost(ir_stmt *loop, int top, double *ops, double *moved)
{
    *ops = *moved = 0;
    for (int i = 0; i < loop->body.len; i++) {
        ir_stmt *s = VEC_AT(loop->body, i, ir_stmt *);
        if (s->kind != S_SWEEP && s->kind != S_FUSED)
            continue;
        slots_ctx c = {0};
        int nt = s->kind == S_FUSED ? s->body.len : 1;
        for (int j = 0; j < nt; j++) {
            ir_stmt *w = s->kind == S_FUSED ? VEC_AT(s->body, j, ir_stmt *) : s;
            if (w->target->vrank < top)
                continue; /* an edge: a row, a column or a plane */
            note_slot(&c, w->target->arr);
            ir_expr_any(w->e, slot_read, &c);
            if (!w->stages.len) {
                *ops += point_ops(w->e);
                continue;
            }
            *ops += point_ops(w->staged);
            for (int k = 0; k < w->stages.len; k++)
                *ops += point_ops(VEC_AT(w->stages, k, ir_stage *)->f);
        }
        for (int k = 0; k < c.v.len; k++)
            if (VEC_AT(c.v, k, ir_var *)->rank == top)
                *moved += ir_type_bits(VEC_AT(c.v, k, ir_var *)->type) / 64.0;
    }
}

/* The lines of a plane a 3-D tile of the least height holds with the span of K steps. */
static double tile_lines(int K, int stages, int R)
{
    int64_t span = ((int64_t)K * stages + 1) * R + 1;
    return (double)(span + TT_MIN_ROWS) * (double)(span + TT_MIN_ROWS / 2);
}

/* The steps a group on several ranks may take, which the deep halos are sized for: 2K (the run
 * time records 2K steps where that many are left, tyl_tt_go, on one rank and on several), or K
 * where a deep halo of 2K R would be more than a sixteenth of the smallest distributed extent
 * known (nmin): the wider halo costs memory on every rank, and its edges would cost more than
 * the exchanges saved (the run time would decline the group: deep_pays). */
static int deep_steps(int K, int R, int64_t nmin)
{
    return R > 0 && nmin != INT64_MAX && (int64_t)TT_HALO_SHARE * 2 * K * R > nmin ? K : 2 * K;
}

/* The same for a loop over rows (not planes) whose sizes are known: 4K (tyl_tt_go records 4K
 * steps where that many are left, and run_quad takes them together in tiles of rows and
 * columns) where a deep halo of 4K R stays within a sixteenth of the smallest distributed
 * extent. With halos for 2K only, 2 ranks ran Jacobi 2-D float32 4096^2 in groups of 16 steps
 * where 1 rank of 2 threads took 32: 0.82-0.85 of the threads' speed, as the threads in groups
 * of 16 (bench/RESULTS.md 2026-12-07 h152). */
static int deep_steps_rows(int K, int R, int64_t nmin)
{
    const int d = deep_steps(K, R, nmin);
    return d == 2 * K && R > 0 && nmin != INT64_MAX && (int64_t)TT_HALO_SHARE * 4 * K * R <= nmin ? 4 * K : d;
}

/* K for an automatic time tile of `loop` (radius R), or 0 with *why; *model: the figures;
 * *deep: the steps its deep halos are sized for (deep_steps). */
static int auto_k(ir_program *p, ir_stmt *loop, int R, const char **why, const char **model, int *deep)
{
    int K = SCHED_TT_DEFAULT_K;
    int64_t lo, hi, st, T = -1;
    if (eval_default(p, loop->e, &lo, 0) && eval_default(p, loop->e2, &hi, 0) && ir_expr_const_int(loop->e3, &st) && st > 0)
        T = hi > lo ? (hi - lo + st - 1) / st : 0;
    if (T >= 0) {
        while (K > 2 && T < 2 * K)
            K /= 2;
        if (T < 4) {
            *why = arena_printf(&util_arena, "automatic: %lld steps, fewer than two groups of 2", (long long)T);
            return 0;
        }
    }
    slots_ctx c = {0};
    /* a step's stages that add to the lags: sweeps and fused groups reading a neighbour's
     * points (a halo). A boundary set to a constant (u[0, :] = 1.0) or the copy of a buffer
     * handed over reads at the point it writes: counted, they made the span of Barba's step 7
     * (an interior update, a copy, four edges) 6 K + 1 rows instead of K + 1, and K = 4 where
     * 8 ran 1.30x the CPU speed (N = 2048, bench/RESULTS.md 2026-12-06 h65) */
    int stages = 0;
    for (int i = 0; i < loop->body.len; i++) {
        ir_stmt *s = VEC_AT(loop->body, i, ir_stmt *);
        stages += (s->kind == S_SWEEP || s->kind == S_FUSED) && s->halo && s->halo->n > 0;
        if (s->kind != S_SWEEP && s->kind != S_FUSED)
            continue;
        int nt = s->kind == S_FUSED ? s->body.len : 1;
        for (int j = 0; j < nt; j++) {
            ir_stmt *w = s->kind == S_FUSED ? VEC_AT(s->body, j, ir_stmt *) : s;
            note_slot(&c, w->target->arr);
            ir_expr_any(w->e, slot_read, &c);
        }
    }
    int top = 0; /* the highest rank among the slots: those of lower rank are read along rows */
    for (int i = 0; i < c.v.len; i++)
        top = VEC_AT(c.v, i, ir_var *)->rank > top ? VEC_AT(c.v, i, ir_var *)->rank : top;
    double ops, moved;
    step_cost(loop, top, &ops, &moved);
    double per = moved > 0 ? ops / moved : 0;
    int max_ops = top <= 2 ? TT_MAX_OPS_2D : TT_MAX_OPS;
    if (per > max_ops) {
        *why = arena_printf(&util_arena,
                            "automatic: %.1f operations a point for %.1f float64 elements moved, more than %d an element: "
                            "bound by arithmetic",
                            ops, moved, max_ops);
        return 0;
    }
    int64_t bytes = 0, rowbytes = 0, nmin = INT64_MAX, lines = INT64_MAX; /* lines: of a plane */
    for (int i = 0; i < c.v.len && bytes >= 0; i++) {
        ir_var *v = VEC_AT(c.v, i, ir_var *);
        int64_t n = ir_type_bits(v->type) / 8, row = n;
        for (int d = 0; d < v->rank && n >= 0; d++) {
            int64_t x;
            if (!slot_extent(p, v, d, &x, 0) || x < 0 || x > (int64_t)1 << 40)
                n = -1;
            else {
                n = x && n > INT64_MAX / 4 / x ? -1 : n * x;
                row = d && x && row <= INT64_MAX / 4 / x ? row * x : row; /* one row: dimensions 1.. */
                if (d == 1 && v->rank >= 3 && x < lines)
                    lines = x;
                if (v->layout && v->layout->dist && (v->layout->hl[d] || v->layout->hh[d]) && x < nmin)
                    nmin = x;
            }
        }
        bytes = n < 0 || bytes > INT64_MAX / 4 - n ? -1 : bytes + n;
        rowbytes += row;
    }
    if (bytes < 0) {
        *model = arena_printf(&util_arena, "%lld steps, sizes known at run time", (long long)T);
        if (T < 0)
            *model = "steps and sizes known at run time";
        *deep = deep_steps(K, R, nmin);
        return K;
    }
    long long kib = (long long)((bytes + 1023) / 1024);
    if (kib <= TT_CACHE_KIB) {
        *why = arena_printf(&util_arena, "automatic: the arrays a step touches (%lld KiB) fit in the cache (%d KiB)", kib,
                            TT_CACHE_KIB);
        return 0;
    }
    if (lines != INT64_MAX && lines > 1) { /* planes: tiles of planes and lines */
        double line = (double)rowbytes / (double)lines, fit = (double)TT_TILE_KIB * 1024 / (line > 0 ? line : 1);
        while (K > 2 && tile_lines(K, stages, R) > fit)
            K /= 2;
        if (tile_lines(K, stages, R) > fit && tile_lines(2, stages, 1) <= fit) {
            /* R is the widest halo of the layouts, which counts the misalignment of arrays of
             * different extents (hdiff's in_field has 4 for offsets of 2). The run time finds
             * the lags from the offsets themselves and tiles only where they fit (hdiff 256^2
             * x 160 forced to K = 2: tiles of 4 x 2; left step by step for its arithmetic). */
            *model = arena_printf(&util_arena, "%s%lld KiB a step over the %d KiB cache, tiles at run time if the "
                                  "planes' offsets are under %d",
                                  T < 0 ? "" : arena_printf(&util_arena, "%lld steps, ", (long long)T), kib,
                                  TT_CACHE_KIB, R);
            *deep = deep_steps(2, R, nmin);
            return 2;
        }
        if (tile_lines(K, stages, R) > fit) {
            int64_t span = ((int64_t)K * stages + 1) * R + 1;
            *why = arena_printf(&util_arena,
                                "automatic: a tile of %lld planes by %lld lines (%lld bytes a line) would not fit in %d KiB",
                                (long long)(span + TT_MIN_ROWS), (long long)(span + TT_MIN_ROWS / 2), (long long)line,
                                TT_TILE_KIB);
            return 0;
        }
    } else {
        int64_t fit = (int64_t)TT_TILE_KIB * 1024 / (rowbytes > 0 ? rowbytes : 1); /* rows a tile may hold */
        while (K > 2 && ((int64_t)K * stages + 1) * R + 1 + TT_MIN_ROWS > fit)
            K /= 2;
        if (((int64_t)K * stages + 1) * R + 1 + TT_MIN_ROWS > fit) {
            *why = arena_printf(&util_arena, "automatic: a tile of %lld rows (%lld KiB a row) would not fit in %d KiB",
                                (long long)(((int64_t)K * stages + 1) * R + 1 + TT_MIN_ROWS),
                                (long long)((rowbytes + 1023) / 1024), TT_TILE_KIB);
            return 0;
        }
    }
    if (R > 0 && nmin != INT64_MAX) {
        while (K > 2 && (int64_t)TT_HALO_SHARE * K * R > nmin)
            K /= 2;
        if ((int64_t)TT_HALO_SHARE * K * R > nmin) {
            *why = arena_printf(&util_arena, "automatic: a deep halo of %d x %d points is more than 1/%d of an extent of %lld",
                                K, R, TT_HALO_SHARE, (long long)nmin);
            return 0;
        }
    }
    if (T < 0)
        *model = arena_printf(&util_arena, "%lld KiB a step over the %d KiB cache, steps known at run time", kib,
                              TT_CACHE_KIB);
    else
        *model = arena_printf(&util_arena, "%lld steps, %lld KiB a step over the %d KiB cache", (long long)T, kib,
                              TT_CACHE_KIB);
    *deep = lines != INT64_MAX && lines > 1 ? deep_steps(K, R, nmin) : deep_steps_rows(K, R, nmin);
    return K;
}

/* Decides one candidate loop s (sets its time tile or its note); 1 if it was tiled. */
static int consider(ir_program *p, ir_stmt *s, deep_ctx *all)
{
    int opt = p->sched->time_tile_opt;
    ir_sched *h = s->sched;
    h->time_tile = 0;
    h->tt_forced = 0;
    h->tt_radius = 0;
    h->tt_deep = 0;
    h->tt_note = NULL;
    h->tt_model = NULL;
    int64_t step;
    int radius;
    const char *why = check_body(s, &radius);
    if (!why && !ir_expr_const_int(s->e3, &step))
        why = "the step of the range is not a constant";
    if (why) {
        if (opt >= 2) /* asked for: say why not */
            h->tt_note = why;
        return 0;
    }
    h->tt_radius = radius;
    if (p->sched->cuda)
        h->tt_note = "the CUDA back end steps one step at a time";
    else if (opt == SCHED_TT_OFF)
        h->tt_note = "--time-tile=off";
    else {
        const char *no = NULL, *model = NULL;
        int deep = opt;
        h->time_tile = opt >= 2 ? opt : auto_k(p, s, loop_halo(s), &no, &model, &deep);
        h->tt_forced = opt >= 2;
        h->tt_deep = h->time_tile ? deep : 0;
        h->tt_note = no;
        h->tt_model = model;
        if (h->time_tile) {
            deep_halos(s, h->tt_deep, all);
            all->tiled++;
        }
    }
    return h->time_tile != 0;
}

/* The candidates in a list of main(): its time loops (ck >= 0), and, where a loop is not
 * tiled itself (its body prints, saves, reduces or holds a loop), the loops nested in it, in
 * an if or in a while: `for it in range(nt // nout): for n in range(nout): ...; print(...)`
 * tiles the inner loop, whose steps run between the outer body's other statements. Such a loop
 * has no step boundaries of its own (checkpoints fall on the outer loop's, never inside it),
 * so the run time asks no checkpoint about its groups (tyl_tt_go's ck). */
static void walk(ir_program *p, vec *body, deep_ctx *all, int nested)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_FOR && s->sched && !s->sched->graph_period && (nested || s->sched->ck >= 0) &&
            consider(p, s, all))
            continue;
        if (s->kind == S_FOR || s->kind == S_WHILE) {
            if (s->sched && s->sched->graph_period)
                continue; /* a CUDA graph replays its body whole */
            walk(p, &s->body, all, 1);
        } else if (s->kind == S_IF) {
            walk(p, &s->body, all, 1);
            walk(p, &s->orelse, all, 1);
        }
    }
}

/* Whether every distributed 3-D array body allocates has the same extent (expression) along
 * its first two axes: only then may the default grid split the middle axis instead of the
 * first (sched->grid_middle_first); a block thin along it would not run on deep halos
 * (timetile_jacobi3d_threads' 720 x 48 x 48 on 1x2x1: 24 lines a rank, which halos of 16
 * steps would grow by a third: tyl_ttdeep.c tyl_tt_deep_pays_), and an axis with fewer elements than
 * ranks would be refused. */
static int square_planes(const vec *body)
{
    for (int i = 0; i < body->len; i++) {
        const ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_ALLOC && s->init != 3 && s->var->rank == 3 && ir_slot_dist(s->var) &&
            !ir_expr_equal(s->shape[0], s->shape[1]))
            return 0;
        if (!square_planes(&s->body) || !square_planes(&s->orelse))
            return 0;
    }
    return 1;
}

void pass_sched_timetile(ir_program *p)
{
    deep_ctx all = {0};
    walk(p, &p->body, &all, 0);
    for (int i = 0; i < all.n; i++) {
        ir_layout *L = all.lay[i];
        if (!L->deep) { /* the halo one step reads, which exchanges outside a group send */
            L->deep = 1;
            memcpy(L->sl, L->hl, sizeof L->sl);
            memcpy(L->sh, L->hh, sizeof L->sh);
        }
    }
    for (int i = 0; i < all.n; i++)
        for (int d = 0; d < IR_MAX_RANK; d++) {
            int w = all.width[i][d];
            if (w > all.lay[i]->hl[d])
                all.lay[i]->hl[d] = w;
            if (w > all.lay[i]->hh[d])
                all.lay[i]->hh[d] = w;
        }
    /* A 3-D group's tiles are rows of planes along the first axis, which one rank's threads
     * share in bands of the middle axis: ranks that split the middle axis too share alike what
     * varies along the first (tyl_dist.c dims_default). */
    p->sched->grid_middle_first = !p->sched->cuda && p->grid_rank == 3 && all.tiled && square_planes(&p->body);
    p->sched->done |= SCHED_TIMETILE;
}
