/* emit_stages.c: the C kernel of a sweep whose temporaries are computed per tile (sched->tiled,
 * pass_fuse_stages, pass_sched_stages).
 *
 * The box's outer dimensions are cut into tiles of tyl_tb points (the inner one stays whole, so
 * rows stay contiguous and vectorise); each thread takes one scratch tile per stage for the
 * call, and for each of its tiles first fills every stage over the tile grown by the stage's
 * spread (the points its reads reach), then computes the value reading the stages from there:
 *
 *     for each tile (b0, b1) of n0 x n1:
 *         for i0 in [b0, b0 + m0 + spread0), i1 in [b1, b1 + m1 + spread1), i2 in [0, n2 + spread2)
 *             tile[i0 - b0][i1 - b1][i2] = stage value at box point (i0, i1, i2) + lowest offset
 *         for i0 in [b0, b0 + m0), i1 in [b1, b1 + m1), i2 in [0, n2)
 *             w[i0][i1][i2] = value, stage read at offset (o0, o1, o2): tile[i0 - b0 + o0][..]
 *
 * Each distinct offset is a row pointer, as the arrays' reads are, and the inner loops are
 * `omp simd`: no iteration reads what another writes (the stage writes only its tile; the value
 * reads its target only at the point, pass_copysem's M_DIRECT, or writes a scratch box), and
 * gcc would otherwise give up on the alias checks of a value with more than ten reads.
 *
 * Each stage point is the expression it was in the program, evaluated the same way, so points
 * computed twice where tiles overlap have the same bits. The tile size keeps a tile of all
 * stages near 64 Ki elements (about 512 KiB of float64: L2-sized) and gives the outer
 * dimension at least four tiles (small boxes too are cut, so the tests cover tile edges). Everything here is printed
 * from the IR and the schedule; nothing is decided.
 *
 * Rolled (sched->roll, pass_sched_stages; rolled_body below): each thread walks its block of
 * rows along dimension 0, tiles of the other outer dimensions only, computing each stage's rows
 * just ahead of the value row that reads them into a window of spread + 1 rows.
 *
 * With a write back (sched->wb, pass_sched_writeback: the next statement copies the target into
 * an array the value reads at offsets) the kernel has that copy's target as its target 1 and
 * does the copy: each thread takes one block of tile rows (schedule(static) gives one chunk a
 * thread) and copies the tile shifted back by wb_lag (from 0 in a dimension's first tile, to its
 * end in the last), which no later tile reads, row by row (along the outer dimension) inside the
 * value loop, each once the value rows that read it are done (wb_rows); the rows of its block
 * next to another thread's (its first wb_ahead, which the previous block reads, and its last
 * wb_lag, which the next block reads) it copies after a barrier.
 */
#include "emit_internal.h"
#include "../ir/sched.h"
#include "../util/sym.h"

#include <inttypes.h>
#include <string.h>

/* Elements of scratch tile a stage: about 512 KiB of float64. The stages of a kernel take up to
 * three times that together (1.5 MiB, within this machine's 2 MiB L2 a core with the arrays'
 * rows): hdiff's lap, flx and fly in tiles of 16 x 16 columns of 160 points took 0.45-0.68x the
 * CPU time of 8 x 8 (one stage's share each, as before), 0.63x of 32 x 32 and 0.75x of 24 x 24
 * (bench/RESULTS.md, 2026-12-06 h59, a loaded machine). */
enum { TILE_ELEMS = 65536 };
/* Elements of a rolled stage's window (rolled_body): about 2 MiB of float64, past this AMD EPYC
 * Zen 4's 1 MiB L2 a core. hdiff's lap window (3 rows of a tile) in tiles of 256 columns of 160
 * points (whole planes at 256 x 256 x 160: 990 KB) took 0.96x the CPU time of tiles of 128 (what
 * TILE_ELEMS gives: 499 KB) in two runs, and 0.95x at 128 x 512 x 160; tiles of 64 took 1.02x
 * (bench/RESULTS.md 2026-12-06 h92, 1 thread, loaded machine): the rows a window reuses come back
 * from the L3 soon enough, and wider tiles recompute fewer edge rows and keep the arrays' streams
 * longer. */
enum { ROLL_ELEMS = 262144 };

/* The kernel's stages, for the read hook. */
static ir_stmt *cur;

static int stage_index(ir_var *v)
{
    for (int i = 0; i < cur->stages.len; i++)
        if (VEC_AT(cur->stages, i, ir_stage *)->slot == v)
            return i;
    return -1;
}

/* The first read of stage st at read r's offset (the row pointer of that offset is named after
 * it). */
static int first_at(ir_stage *st, int r)
{
    for (int q = 0; q < r; q++)
        if (!memcmp(st->off[q], st->off[r], sizeof st->off[r][0] * (size_t)st->slot->rank))
            return q;
    return r;
}

/* A read of stage slot: the row of its tile at the read's constant offset. */
static int stage_read(strbuf *b, ir_expr *e, kctx *k)
{
    int si = stage_index(e->view->arr);
    if (si < 0)
        return 0;
    ir_stage *st = VEC_AT(cur->stages, si, ir_stage *);
    int r = 0;
    while (r < st->nreads && st->reads[r] != e->view)
        r++;
    UTIL_ASSERT(r < st->nreads);
    sb_printf(b, "tyl_t%dr%d[i%d]", si + 1, first_at(st, r), k->B - 1);
    return 1;
}

/* The reads of a stage's value reach its spread past the part's box (the stage is computed
 * over the grown tile); tyl_ttlags.c and tyl_ttdeep.c need that to lag and grow boxes correctly. */
typedef struct reach_ctx {
    kctx *k;
    const int64_t *spread;
} reach_ctx;

static int note_reach(const ir_expr *e, void *ctx)
{
    reach_ctx *c = ctx;
    if (e->kind != E_READ)
        return 0;
    for (int i = 0; i < c->k->reads.len; i++)
        if (emit_view_eq(VEC_AT(c->k->reads, i, ir_view *), e->view))
            for (int d = 0; d < c->k->B; d++)
                if (c->spread[d] > c->k->reach[i][d])
                    c->k->reach[i][d] = (int)c->spread[d];
    return 0;
}

/* Does text use operand name nm as a row ("r3r[")? */
static int uses_row(const char *text, const char *nm)
{
    char pat[32];
    snprintf(pat, sizeof pat, "%sr[", nm);
    for (const char *p = strstr(text, pat); p; p = strstr(p + 1, pat))
        if (p == text || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= '0' && p[-1] <= '9')))
            return 1;
    return 0;
}

/* Row pointers of the reads `text` uses (and of the target when `target`), inside the loops of
 * the outer dimensions 0 .. B-2. */
static void rows(FILE *o, kctx *k, const char *text, int target, int ind, const char *R)
{
    int L = k->B - 1;
    for (int i = target ? -1 : 0; i < k->reads.len; i++) {
        ir_view *v = i < 0 ? k->sw[0]->target : VEC_AT(k->reads, i, ir_view *);
        strbuf nm = {0};
        emit_operand_name(&nm, k, i < 0 ? -1 : i);
        if (i >= 0 && !uses_row(text, nm.s)) {
            sb_free(&nm);
            continue;
        }
        fprintf(o, "%*s%s%s *%s%sr = %s", ind, "", i < 0 ? "" : "const ", ir_type_c(v->arr->type), R, nm.s, nm.s);
        for (int j = 0; j < L; j++) {
            int st = emit_static_stride(v, j);
            if (st == 1)
                fprintf(o, " + i%d", j);
            else if (st == -1)
                fprintf(o, " + i%d * %s_s%d", j, nm.s, j);
            else
                UTIL_ASSERT(st == 0); /* periodic reads are never staged */
        }
        fprintf(o, ";\n");
        sb_free(&nm);
    }
}

/* Loops over the outer dimensions of the tile (grown by spread[] when given); the innermost one
 * opens a block, and the outermost too when brace0 (its caller adds to its body). */
static void outer_loops(FILE *o, int L, const int64_t *spread, int brace0)
{
    for (int d = 0; d < L; d++) {
        fprintf(o, "%*sfor (int64_t i%d = tyl_b%d; i%d < tyl_b%d + tyl_m%d", 12 + 4 * d, "", d, d, d, d, d);
        if (spread && spread[d])
            fprintf(o, " + %" PRId64, spread[d]);
        fprintf(o, "; i%d++)%s\n", d, d == L - 1 || (d == 0 && brace0) ? " {" : "");
    }
}

/* Pointer to row (i0, .., i(L-1)) of target j (emit_operand_name's name). */
static void target_row(FILE *o, kctx *k, int j, const char *R)
{
    ir_view *v = k->sw[j]->target;
    strbuf nm = {0};
    emit_operand_name(&nm, k, -1 - j);
    fprintf(o, "%s *%s%sr = %s", ir_type_c(v->arr->type), R, nm.s, nm.s);
    for (int d = 0; d < k->B - 1; d++) {
        int st = emit_static_stride(v, d);
        if (st == 1)
            fprintf(o, " + i%d", d);
        else if (st == -1)
            fprintf(o, " + i%d * %s_s%d", d, nm.s, d);
    }
    fprintf(o, ";\n");
    sb_free(&nm);
}

/* The copy of target 0 into target 1 (the write back, sched->wb) over the rows [tyl_u_d, tyl_v_d)
 * of the outer dimensions from `from` on (those before it are set by the caller: i0 of one row),
 * whole along the inner one; along dimension 1 below hi1 instead of tyl_v1 when given, and only
 * where `guard` holds when given. */
static void wb_copy(FILE *o, kctx *k, int ind, int from, const char *hi1, const char *guard)
{
    int L = k->B - 1;
    for (int d = from; d < L; d++)
        fprintf(o, "%*sfor (int64_t i%d = tyl_u%d; i%d < %s; i%d++)%s\n", ind + 4 * (d - from), "", d, d, d,
                d == 1 && hi1 ? hi1 : arena_printf(&util_arena, "tyl_v%d", d), d, d == L - 1 ? " {" : "");
    if (from == L)
        fprintf(o, "%*s{\n", ind, "");
    int ri = ind + 4 * (from == L ? 1 : L - from);
    if (guard) {
        fprintf(o, "%*sif (%s) {\n", ri, "", guard);
        ri += 4;
    }
    fprintf(o, "%*s", ri, "");
    target_row(o, k, 1, "");
    fprintf(o, "%*sconst ", ri, "");
    target_row(o, k, 0, "");
    strbuf a = {0}, b = {0};
    emit_operand_name(&a, k, -2);
    emit_operand_name(&b, k, -1);
    fprintf(o, "%*s#pragma omp simd\n", ri, "");
    fprintf(o, "%*sfor (int64_t i%d = 0; i%d < n%d; i%d++)\n", ri, "", L, L, L, L);
    fprintf(o, "%*s%sr[i%d%s] = %sr[i%d%s];\n", ri + 4, "", a.s, L,
            emit_static_stride(k->sw[1]->target, L) == 1 ? "" : arena_printf(&util_arena, " * %s_s%d", a.s, L), b.s, L,
            emit_static_stride(k->sw[0]->target, L) == 1 ? "" : arena_printf(&util_arena, " * %s_s%d", b.s, L));
    if (guard) {
        ri -= 4;
        fprintf(o, "%*s}\n", ri, "");
    }
    fprintf(o, "%*s}\n", ri - 4, "");
    sb_free(&a);
    sb_free(&b);
}

/* The copy of the write back behind a rolled value loop (wb_copy from `from` on): with
 * sched->wb_carry only the points the carried loop did not store, a row's columns [tyl_u1,
 * tyl_x1) (the tile before's and, carried along dimension 1, the tile's first), the whole row
 * where it is the block's first and carried along dimension 0. */
static void wb_copy_left(FILE *o, kctx *k, const ir_sched *h, int ind, int from)
{
    int L = k->B - 1, along0 = 0;
    for (int c = 0; c < h->ncarry; c++)
        along0 |= h->carry_dim[c] == 0;
    if (!h->wb_carry)
        wb_copy(o, k, ind, from, NULL, NULL);
    else if (L == 1) /* pass_sched_carry: carried along dimension 0 only */
        wb_copy(o, k, ind, from, NULL, "i0 == tyl_b0");
    else
        wb_copy(o, k, ind, from, along0 ? "(i0 == tyl_b0 ? tyl_v1 : tyl_x1)" : "tyl_x1", NULL);
}

/* Before the value of tile (tyl_q0, ..): the rows [tyl_u_d, tyl_v_d) of the write back, the tile
 * shifted back by the lags (from 0 in a dimension's first tile, to its end in the last), less the
 * rows a previous thread's tiles still read (the first lag + ahead rows of this thread's block),
 * which wait for the barrier. tyl_u0 then moves on as the value loop copies rows (wb_rows). */
static void wb_tile_bounds(FILE *o, ir_sched *h, int L, int ind)
{
    fprintf(o, "%*s/* the write back of what no later tile reads (pass_sched_writeback) */\n", ind, "");
    for (int d = 0; d < L; d++) {
        fprintf(o, "%*sint64_t tyl_u%d = tyl_q%d == 0 ? 0 : tyl_b%d - %d;\n", ind, "", d, d, d, h->wb_lag[d]);
        fprintf(o, "%*sconst int64_t tyl_v%d = tyl_q%d == tyl_nb%d - 1 ? n%d : tyl_b%d + tyl_m%d - %d;\n", ind, "", d, d,
                d, d, d, d, h->wb_lag[d]);
        fprintf(o, "%*sif (tyl_u%d < 0)\n%*styl_u%d = 0;\n", ind, "", d, ind + 4, "", d);
    }
    fprintf(o, "%*sif (tyl_Q0 > 0 && tyl_u0 < tyl_Q0 * tyl_tb + %d)\n%*styl_u0 = tyl_Q0 * tyl_tb + %d;\n", ind, "",
            h->wb_ahead, ind + 4, "", h->wb_ahead);
}

/* After value row i0 (all its points in the tile): the rows tyl_u0 .. i0 - wb_rows of the write
 * back, which the value no longer reads; row r's points are in the caches still (the value wrote
 * target 0's, the tile's stages or the value read target 1's). */
static void wb_rows_done(FILE *o, kctx *k, ir_sched *h, int ind)
{
    fprintf(o, "%*sfor (; tyl_u0 < tyl_v0 && tyl_u0 + %d <= i0; tyl_u0++) { /* rows the value reads no more */\n",
            ind, "", h->wb_rows);
    fprintf(o, "%*sconst int64_t i0 = tyl_u0;\n", ind + 4, "");
    wb_copy_left(o, k, h, ind + 4, 1);
    fprintf(o, "%*s}\n", ind, "");
}

/* Row pointers, inside the loops of the outer dimensions, of the reads `text` makes of stages
 * 0 .. upto-1 (the value reads any stage; a stage only those computed before it): the row of the
 * stage's tile at the read's offset from the point being computed, the tile's point 0 being the
 * reader's box point (tyl_b) plus the stage's lowest read. */
static void stage_rows(FILE *o, ir_stmt *s, const char *text, int upto, int L, int ri, const char *R, int roll)
{
    for (int i = 0; i < upto; i++) {
        ir_stage *st = VEC_AT(s->stages, i, ir_stage *);
        for (int r = 0; r < st->nreads; r++) {
            char nm[48];
            snprintf(nm, sizeof nm, "tyl_t%dr%d[", i + 1, r);
            if (first_at(st, r) != r || !strstr(text, nm))
                continue;
            fprintf(o, "%*sconst %s *%sconst tyl_t%dr%d = tyl_t%d", ri, "", ir_type_c(st->slot->type), R, i + 1, r,
                    i + 1);
            for (int d = 0; d < L; d++)
                if (roll && d == 0) { /* the row's place in the window */
                    if (st->spread[0])
                        fprintf(o, " + (i0 + %" PRId64 ") %% %" PRId64 " * tyl_t%d_s0", st->off[r][0],
                                st->spread[0] + 1, i + 1);
                } else
                    fprintf(o, " + (i%d - tyl_b%d + %" PRId64 ") * tyl_t%d_s%d", d, d, st->off[r][d], i + 1, d);
            fprintf(o, " + %" PRId64 ";\n", st->off[r][L]);
        }
    }
}

/* Target j's row element i(L) = value. */
static void store(FILE *o, kctx *k, int j, int ind, const char *value)
{
    int L = k->B - 1;
    strbuf wn = {0};
    emit_operand_name(&wn, k, -1 - j);
    if (emit_static_stride(k->sw[j]->target, L) == 1)
        fprintf(o, "%*s%sr[i%d] = %s;\n", ind, "", wn.s, L, value);
    else
        fprintf(o, "%*s%sr[i%d * %s_s%d] = %s;\n", ind, "", wn.s, L, wn.s, L, value);
    sb_free(&wn);
}

/* The write back stored by the value loop (sched->wb_store): before the value of tile (tyl_q0,
 * ..), per outer dimension the rows [tyl_wu, tyl_wv) that the value loop would copy (the tile
 * shifted back by the lags, less what the previous thread's tiles read), and tyl_ww = max(wu,
 * tyl_b): the rows of this tile among them, which the value loop stores itself. */
static void wb_bounds(FILE *o, ir_sched *h, int L, int ind)
{
    for (int d = 0; d < L; d++) {
        fprintf(o, "%*sint64_t tyl_wu%d = tyl_q%d == 0 ? 0 : tyl_b%d - %d;\n", ind, "", d, d, d, h->wb_lag[d]);
        fprintf(o, "%*sconst int64_t tyl_wv%d = tyl_q%d == tyl_nb%d - 1 ? n%d : tyl_b%d + tyl_m%d - %d;\n", ind, "", d,
                d, d, d, d, d, h->wb_lag[d]);
        fprintf(o, "%*sif (tyl_wu%d < 0)\n%*styl_wu%d = 0;\n", ind, "", d, ind + 4, "", d);
        if (d == 0)
            fprintf(o, "%*sif (tyl_Q0 > 0 && tyl_wu0 < tyl_Q0 * tyl_tb + %d)\n%*styl_wu0 = tyl_Q0 * tyl_tb + %d;\n",
                    ind, "", h->wb_ahead, ind + 4, "", h->wb_ahead);
        fprintf(o, "%*sconst int64_t tyl_ww%d = tyl_wu%d > tyl_b%d ? tyl_wu%d : tyl_b%d;\n", ind, "", d, d, d, d, d);
    }
}

/* After the value loop stored [tyl_ww, tyl_wv): the rest of [tyl_wu, tyl_wv), the rows of earlier
 * tiles that no later tile reads now, as boxes: along dimension d [wu, ww), along the dimensions
 * before it [ww, wv), after it [wu, wv). */
static void wb_rest(FILE *o, kctx *k, int L, int ind)
{
    for (int d = 0; d < L; d++) {
        fprintf(o, "%*s{ /* write back what the value loop left (pass_sched_writeback) */\n", ind, "");
        for (int e = 0; e < L; e++)
            fprintf(o, "%*sconst int64_t tyl_u%d = tyl_w%c%d, tyl_v%d = tyl_w%c%d;\n", ind + 4, "", e,
                    e < d ? 'w' : 'u', e, e, e == d ? 'w' : 'v', e);
        wb_copy(o, k, ind + 4, 0, NULL, NULL);
        fprintf(o, "%*s}\n", ind, "");
    }
}

/* The strides of each stage's tile (a window's rows, rolled) along the outer dimensions, the
 * inner one contiguous, tyl_tb points along dimensions 1 .. L-1 (0 .. L-1 per tile); then the
 * opening of the kernel's parallel region. */
static void strides_and_region(FILE *o, ir_stmt *s, kctx *k)
{
    int B = k->B, L = B - 1;
    for (int i = 0; i < s->stages.len; i++) {
        ir_stage *st = VEC_AT(s->stages, i, ir_stage *);
        for (int d = L - 1; d >= 0; d--) {
            if (d == L - 1)
                fprintf(o, "    const int64_t tyl_t%d_s%d = n%d + %" PRId64 ";\n", i + 1, d, L, st->spread[L]);
            else
                fprintf(o, "    const int64_t tyl_t%d_s%d = tyl_t%d_s%d * (tyl_tb + %" PRId64 ");\n", i + 1, d, i + 1,
                        d + 1, st->spread[d + 1]);
        }
    }
    fprintf(o, "    #pragma omp parallel if (");
    for (int d = 0; d < B; d++)
        fprintf(o, "%sn%d", d ? " * " : "", d);
    fprintf(o, " > TYL_PAR_MIN)\n    {\n");
}

/* ---- fluxes carried along the rows (rolled kernels) ---------------------------------------------
 * The pairs of subexpressions pass_sched_carry found (sched->ncarry: hdiff's fluxes, each the
 * other one box point lower along a dimension): the higher one computed at the point, the lower
 * one read from the carry buffer where the point before computed it (a plane of the tile's
 * columns along dimension 0, a row along dimension 1); the first row of a thread's block and the
 * first column of a tile compute both (a second loop: with a `cond ? carried : computed` in one
 * loop gcc computes both everywhere). With sched->wb_carry the loop that reads the buffers also
 * stores the write back at the point, where the point is the write back's (the rows
 * [tyl_wu0, tyl_v0), the columns below tyl_v1: the rest is copied behind the value loop). */
typedef struct carry {
    const ir_sched *h;
    int loads; /* printing: lo reads its buffer */
} carry;

static carry cy;

/* The carried pairs in the value's text: hi as its local, lo (while loads) as the buffer's. */
static int carry_subst(strbuf *b, ir_expr *e, kctx *k)
{
    (void)k;
    for (int c = 0; c < cy.h->ncarry; c++) {
        if (e == cy.h->carry_hi[c]) {
            sb_printf(b, "tyl_cn%d", c + 1);
            return 1;
        }
        if (e == cy.h->carry_lo[c] && cy.loads) {
            sb_printf(b, "tyl_co%d", c + 1);
            return 1;
        }
    }
    return 0;
}

/* One value row's loop of a rolled kernel that carries at indentation ind: each higher value
 * computed and kept in its buffer, the lower ones read from it (`loads`) or computed, the value
 * stored into target 0 and, with `wb`, into target 1 (the write back, sched->wb_carry). */
static void carried_loop(FILE *o, kctx *k, int ind, char **hi, const char *value, int loads, int wb)
{
    int L = k->B - 1;
    const ir_sched *h = cy.h;
    if (wb) {
        fprintf(o, "%*s", ind, "");
        target_row(o, k, 1, "");
    }
    fprintf(o, "%*s#pragma omp simd\n", ind, "");
    fprintf(o, "%*sfor (int64_t i%d = 0; i%d < n%d; i%d++) {\n", ind, "", L, L, L, L);
    for (int c = 0; c < h->ncarry; c++) {
        const char *T = ir_type_c(h->carry_hi[c]->type);
        fprintf(o, "%*sconst %s tyl_cn%d = %s;\n", ind + 4, "", T, c + 1, hi[c]);
        if (loads)
            fprintf(o, "%*sconst %s tyl_co%d = tyl_c%dr[i%d];\n", ind + 4, "", T, c + 1, c + 1, L);
        fprintf(o, "%*styl_c%dr[i%d] = tyl_cn%d;\n", ind + 4, "", c + 1, L, c + 1);
    }
    if (wb) {
        fprintf(o, "%*sconst %s tyl_v = %s;\n", ind + 4, "", ir_type_c(k->sw[0]->target->arr->type), value);
        store(o, k, 0, ind + 4, "tyl_v");
        store(o, k, 1, ind + 4, "tyl_v");
    } else
        store(o, k, 0, ind + 4, value);
    fprintf(o, "%*s}\n", ind, "");
}

/* The value row of a rolled kernel that carries: the loop that reads the carried fluxes where the
 * point before computed them (with sched->wb_carry a second one that also stores the write back,
 * for the rows and columns of the write back this thread writes: [tyl_wu0, tyl_v0), below
 * tyl_v1), else the loop that computes both; each stores the higher ones. */
static void carried_value_row(FILE *o, ir_stmt *s, kctx *k, int ri)
{
    int L = k->B - 1;
    const ir_sched *h = s->sched;
    strbuf hi[SCHED_MAX_CARRY] = {{0}}, both = {0}, carried = {0};
    char *his[SCHED_MAX_CARRY];
    k->stage_read = stage_read;
    k->subst = NULL;
    for (int c = 0; c < h->ncarry; c++) {
        emit_kexpr(&hi[c], h->carry_hi[c], k);
        his[c] = hi[c].s;
    }
    k->subst = carry_subst;
    cy.loads = 0;
    emit_kexpr(&both, s->staged, k);
    cy.loads = 1;
    emit_kexpr(&carried, s->staged, k);
    k->subst = NULL;
    k->stage_read = NULL;
    for (int c = 0; c < h->ncarry; c++)
        fprintf(o, "%*s%s *const tyl_c%dr = tyl_c%d%s;\n", ri, "", ir_type_c(h->carry_hi[c]->type), c + 1, c + 1,
                h->carry_dim[c] == 0 && L == 2 ? " + (i1 - tyl_b1) * n2" : "");
    fprintf(o, "%*sif (", ri, "");
    for (int c = 0; c < h->ncarry; c++)
        fprintf(o, "%si%d > tyl_b%d", c ? " && " : "", h->carry_dim[c], h->carry_dim[c]);
    fprintf(o, ") { /* the lower fluxes: the higher ones of the points before */\n");
    if (h->wb_carry) {
        fprintf(o, "%*sif (i0 >= tyl_wu0 && i0 < tyl_v0%s) { /* and the write back from registers */\n", ri + 4,
                "", L == 2 ? " && i1 < tyl_v1" : "");
        carried_loop(o, k, ri + 8, his, carried.s, 1, 1);
        fprintf(o, "%*s} else {\n", ri + 4, "");
        carried_loop(o, k, ri + 8, his, carried.s, 1, 0);
        fprintf(o, "%*s}\n", ri + 4, "");
    } else
        carried_loop(o, k, ri + 4, his, carried.s, 1, 0);
    fprintf(o, "%*s} else {\n", ri, "");
    carried_loop(o, k, ri + 4, his, both.s, 0, 0);
    fprintf(o, "%*s}\n", ri, "");
    for (int c = 0; c < h->ncarry; c++)
        sb_free(&hi[c]);
    sb_free(&both);
    sb_free(&carried);
}

/* The value row's loop at indentation ri: the value stored into target 0 and, with the write back
 * stored by the value loop (sched->wb_store), into target 1 too where the row and the columns are
 * among the rows no later tile reads ([tyl_ww, tyl_wv), wb_bounds or roll_wb_bounds). */
static void value_row(FILE *o, ir_stmt *s, kctx *k, const char *vt, int ri)
{
    int L = k->B - 1;
    if (s->sched->wb_store) {
        fprintf(o, "%*sif (", ri, "");
        for (int d = 0; d < L; d++)
            fprintf(o, "%si%d >= tyl_ww%d && i%d < tyl_wv%d", d ? " && " : "", d, d, d, d);
        fprintf(o, ") {\n%*s", ri + 4, "");
        target_row(o, k, 1, "");
        fprintf(o, "%*s#pragma omp simd\n", ri + 4, "");
        fprintf(o, "%*sfor (int64_t i%d = 0; i%d < n%d; i%d++) {\n", ri + 4, "", L, L, L, L);
        fprintf(o, "%*sconst %s tyl_v = %s;\n", ri + 8, "", ir_type_c(s->target->arr->type), vt);
        store(o, k, 0, ri + 8, "tyl_v");
        store(o, k, 1, ri + 8, "tyl_v");
        fprintf(o, "%*s}\n%*s} else {\n", ri + 4, "", ri, "");
        ri += 4;
    }
    fprintf(o, "%*s#pragma omp simd\n", ri, "");
    fprintf(o, "%*sfor (int64_t i%d = 0; i%d < n%d; i%d++)\n", ri, "", L, L, L, L);
    store(o, k, 0, ri + 4, vt);
    if (s->sched->wb_store)
        fprintf(o, "%*s}\n", ri - 4, "");
}

/* After the barrier that ends a thread's part: the rows of its own block [lo, hi) (when `guard`
 * holds: it has rows; `at_end`: the last block, to n0) that its value loops left, copied back
 * now that no thread reads them: its first wb_ahead rows, which the previous block read (none in
 * the first block), and its last wb_lag rows, which the next block read (none in the last); the
 * whole block where it is shorter than those. Each thread copies its own rows (the pages it
 * touches), so the rows after the barrier are shared among the threads as the blocks are.
 * (Before 2026-12-07 a thread copied the previous block's last wb_lag rows with its own first
 * wb_ahead, the first thread none: at 2 threads one copied 4 planes of hdiff while the other
 * waited.) */
static void wb_after_barrier(FILE *o, kctx *k, const ir_sched *h, int L, const char *guard, const char *lo,
                             const char *hi, const char *at_end)
{
    fprintf(o, "        #pragma omp barrier\n");
    fprintf(o, "        if (%s) { /* this block's rows its neighbours read (pass_sched_writeback) */\n", guard);
    fprintf(o, "            const int64_t tyl_l0 = %s, tyl_h0 = %s ? n0 : %s;\n", lo, at_end, hi);
    fprintf(o, "            const int64_t tyl_p0 = tyl_l0 == 0 ? 0 : tyl_l0 + %d, tyl_r0 = %s ? n0 : tyl_h0 - %d;\n",
            h->wb_ahead, at_end, h->wb_lag[0]);
    for (int d = 1; d < L; d++)
        fprintf(o, "            const int64_t tyl_u%d = 0, tyl_v%d = n%d;\n", d, d, d);
    fprintf(o, "            for (int tyl_s = 0; tyl_s < 2; tyl_s++) { /* the first rows, then the last */\n");
    fprintf(o, "                const int64_t tyl_u0 = tyl_s == 0 ? tyl_l0 : tyl_p0 < tyl_r0 ? tyl_r0 : tyl_h0;\n");
    fprintf(o, "                const int64_t tyl_v0 = tyl_s == 1 || tyl_p0 >= tyl_r0 ? tyl_h0 : tyl_p0;\n");
    wb_copy(o, k, 16, 0, NULL, NULL);
    fprintf(o, "            }\n");
    fprintf(o, "        }\n");
}

/* Per tile (sched->roll = 0): the box's outer dimensions cut into tiles of tyl_tb points, every
 * stage computed over the tile grown by its spread, then the value of the tile. */
static void tiled_body(FILE *o, ir_stmt *s, kctx *k, strbuf *stxt, const char *vt, const char *R)
{
    int B = k->B, L = B - 1, ns = s->stages.len;
    ir_sched *h = s->sched;
    /* the tile edge: the largest power of two down to 4 that keeps the stages' tiles together
       within TILE_ELEMS a stage, at most three stages' worth */
    fprintf(o, "    int64_t tyl_tb = 256;\n    while (tyl_tb > 4 && ");
    for (int i = 0; i < ns; i++) {
        ir_stage *st = VEC_AT(s->stages, i, ir_stage *);
        fprintf(o, "%s(n%d + %" PRId64 ")", i ? " + " : "", L, st->spread[L]);
        for (int d = 0; d < L; d++)
            fprintf(o, " * (tyl_tb + %" PRId64 ")", st->spread[d]);
    }
    fprintf(o, " > %d)\n        tyl_tb /= 2;\n", TILE_ELEMS * (ns < 3 ? ns : 3));
    /* at least four tiles along the outer dimension, for the threads to share */
    fprintf(o, "    while (tyl_tb > 4 && 4 * tyl_tb > n0)\n        tyl_tb /= 2;\n");
    for (int d = 0; d < L; d++)
        fprintf(o, "    const int64_t tyl_nb%d = (n%d + tyl_tb - 1) / tyl_tb;\n", d, d);
    strides_and_region(o, s, k); /* each stage's tile: strides of its outer dimensions */
    for (int i = 0; i < ns; i++) {
        ir_stage *st = VEC_AT(s->stages, i, ir_stage *);
        const char *T = ir_type_c(st->slot->type);
        fprintf(o, "        %s *const tyl_t%d = tyl_tile_alloc(sizeof(%s) * (size_t)(tyl_t%d_s0 * (tyl_tb + %" PRId64 ")), %s);\n",
                T, i + 1, T, i + 1, st->spread[0], emit_W(s->l));
    }
    if (h->wb) { /* one block of tile rows a thread: the rows it must leave to the barrier */
        fprintf(o, "        int64_t tyl_Q0 = -1, tyl_Q1 = -1; /* this thread's tile rows */\n");
        fprintf(o, "        #pragma omp for schedule(static) nowait\n");
    } else
        fprintf(o, "        #pragma omp for schedule(static)%s\n", L > 1 ? arena_printf(&util_arena, " collapse(%d)", L) : "");
    for (int d = 0; d < L; d++)
        fprintf(o, "%*sfor (int64_t tyl_q%d = 0; tyl_q%d < tyl_nb%d; tyl_q%d++)%s\n", 8 + 4 * d, "", d, d, d, d,
                d == L - 1 ? " {" : "");
    int ind = 8 + 4 * L;
    if (h->wb)
        fprintf(o, "%*sif (tyl_Q0 < 0)\n%*styl_Q0 = tyl_q0;\n%*styl_Q1 = tyl_q0 + 1;\n", ind - 4, "", ind, "", ind - 4, "");
    for (int d = 0; d < L; d++)
        fprintf(o, "%*sconst int64_t tyl_b%d = tyl_q%d * tyl_tb, tyl_m%d = n%d - tyl_b%d < tyl_tb ? n%d - tyl_b%d : tyl_tb;\n",
                ind - 4, "", d, d, d, d, d, d, d);
    /* the stages over the grown tile */
    for (int i = 0; i < ns; i++) {
        ir_stage *st = VEC_AT(s->stages, i, ir_stage *);
        outer_loops(o, L, st->spread, 0);
        int ri = 12 + 4 * L;
        rows(o, k, stxt[i].s, 0, ri, R);
        stage_rows(o, s, stxt[i].s, i, L, ri, R, 0);
        fprintf(o, "%*s%s *%sconst tyl_t%dw = tyl_t%d", ri, "", ir_type_c(st->slot->type), R, i + 1, i + 1);
        for (int d = 0; d < L; d++)
            fprintf(o, " + (i%d - tyl_b%d) * tyl_t%d_s%d", d, d, i + 1, d);
        fprintf(o, ";\n%*s#pragma omp simd\n", ri, "");
        fprintf(o, "%*sfor (int64_t i%d = 0; i%d < n%d + %" PRId64 "; i%d++)\n", ri, "", L, L, L, st->spread[L], L);
        fprintf(o, "%*styl_t%dw[i%d] = %s;\n", ri + 4, "", i + 1, L, stxt[i].s);
        fprintf(o, "%*s}\n", 12 + 4 * (L - 1), "");
    }
    /* the value from the tiles */
    const int wb_in_loop = h->wb && !h->wb_store; /* rows copied as the value loop leaves them */
    if (h->wb_store)
        wb_bounds(o, h, L, ind);
    else if (wb_in_loop)
        wb_tile_bounds(o, h, L, ind);
    outer_loops(o, L, NULL, wb_in_loop);
    int ri = 12 + 4 * L;
    rows(o, k, vt, 1, ri, R);
    stage_rows(o, s, vt, ns, L, ri, R, 0);
    value_row(o, s, k, vt, ri);
    if (wb_in_loop) { /* close the loops inside i0's, copy the rows done, close i0's */
        if (L > 1)
            fprintf(o, "%*s}\n", 12 + 4 * (L - 1), "");
        wb_rows_done(o, k, h, 16);
        fprintf(o, "%*s}\n", 12, "");
        fprintf(o, "%*s/* the rows the last value rows leave */\n", ind, "");
        wb_copy(o, k, ind, 0, NULL, NULL);
    } else
        fprintf(o, "%*s}\n", 12 + 4 * (L - 1), "");
    if (h->wb_store)
        wb_rest(o, k, L, ind);
    fprintf(o, "%*s}\n", ind - 4, "");
    if (h->wb) /* the rows of its block the neighbouring blocks read, now that every tile is done */
        wb_after_barrier(o, k, h, L, "tyl_Q0 >= 0", "tyl_Q0 * tyl_tb", "tyl_Q1 * tyl_tb", "tyl_Q1 == tyl_nb0");
    for (int i = 0; i < ns; i++)
        fprintf(o, "        tyl_tile_free(tyl_t%d);\n", i + 1);
}

/* The kernel's read number of the schedule's prefetched read j (sched->prefetch). */
static int pf_read_of(kctx *k, int j)
{
    ir_view *v = VEC_AT(*k->prefetch, j, ir_view *);
    for (int i = 0; i < k->reads.len; i++)
        if (emit_view_eq(VEC_AT(k->reads, i, ir_view *), v))
            return i;
    return -1;
}

/* How many rows ahead a rolled kernel prefetches (tyl_pf; the run time's tyl_mem_prefetch). */
static void rolled_pf_decision(FILE *o, kctx *k)
{
    int f = k->prefetch && k->prefetch->len ? pf_read_of(k, 0) : -1;
    if (f < 0)
        return;
    fprintf(o, "    const int64_t tyl_pf = tyl_mem_prefetch(");
    for (int d = 0; d < k->B; d++)
        fprintf(o, "%sn%d", d ? " * " : "", d);
    fprintf(o, ", n%d * %d, %d);\n", k->B - 1, ir_type_bits(VEC_AT(k->reads, f, ir_view *)->arr->type) / 8,
            k->point_bytes);
}

/* At the start of a row of loop `loop` of a rolled kernel (stage k's k + 1, the value's 0): the
 * reads the schedule prefetches in it (sched->prefetch_loop), tyl_pf rows ahead along box
 * dimension L-1 within the loop's rows (the tile grown by spread, when given). */
static void rolled_prefetch(FILE *o, kctx *k, ir_sched *h, int loop, const int64_t *spread, int ind)
{
    int L = k->B - 1, R = L - 1;
    if (!k->prefetch || !k->prefetch->len || pf_read_of(k, 0) < 0)
        return;
    for (int j = 0; j < k->prefetch->len; j++) {
        int i = pf_read_of(k, j);
        if (i < 0 || (int)(intptr_t)VEC_AT(h->prefetch_loop, j, void *) != loop)
            continue;
        ir_view *v = VEC_AT(k->reads, i, ir_view *);
        fprintf(o, "%*sif (tyl_pf && i%d + tyl_pf < tyl_b%d + tyl_m%d", ind, "", R, R, R);
        if (spread && spread[R])
            fprintf(o, " + %" PRId64, spread[R]);
        fprintf(o, ")\n%*styl_prefetch_row(r%dr + tyl_pf", ind + 4, "", i + 1);
        if (emit_static_stride(v, R) == -1)
            fprintf(o, " * r%d_s%d", i + 1, R);
        fprintf(o, ", n%d * (int64_t)sizeof *r%dr);\n", L, i + 1);
    }
}

/* Loops of the outer dimensions 1 .. L-1 of a column tile (grown by spread[] when given) at
 * indentation ind, opening a block (a bare one when L = 1); returns the body's indentation. */
static int cross_loops(FILE *o, int L, const int64_t *spread, int ind)
{
    if (L == 1) {
        fprintf(o, "%*s{\n", ind, "");
        return ind + 4;
    }
    for (int d = 1; d < L; d++) {
        fprintf(o, "%*sfor (int64_t i%d = tyl_b%d; i%d < tyl_b%d + tyl_m%d", ind + 4 * (d - 1), "", d, d, d, d, d);
        if (spread && spread[d])
            fprintf(o, " + %" PRId64, spread[d]);
        fprintf(o, "; i%d++)%s\n", d, d == L - 1 ? " {" : "");
    }
    return ind + 4 * (L - 1);
}

/* The write back's rows and columns of a column tile (wb_tile_bounds and wb_bounds of a rolled
 * kernel): along dimension 0 the thread's block [tyl_b0, tyl_e0) shifted back by the lag, less
 * its first lag + ahead rows, which the previous thread's block reads (after the barrier), to
 * n0 in the last block; along the others the tile shifted back by the lags, as per tile. */
static void roll_wb_bounds(FILE *o, ir_sched *h, int L, int ind, const char *u, const char *v)
{
    fprintf(o, "%*sint64_t tyl_%s0 = tyl_b0 == 0 ? 0 : tyl_b0 + %d;\n", ind, "", u, h->wb_ahead);
    fprintf(o, "%*sconst int64_t tyl_%s0 = tyl_e0 == n0 ? n0 : tyl_e0 - %d;\n", ind, "", v, h->wb_lag[0]);
    for (int d = 1; d < L; d++) {
        fprintf(o, "%*sint64_t tyl_%s%d = tyl_q%d == 0 ? 0 : tyl_b%d - %d;\n", ind, "", u, d, d, d, h->wb_lag[d]);
        fprintf(o, "%*sconst int64_t tyl_%s%d = tyl_q%d == tyl_nb%d - 1 ? n%d : tyl_b%d + tyl_m%d - %d;\n", ind, "", v,
                d, d, d, d, d, d, h->wb_lag[d]);
        fprintf(o, "%*sif (tyl_%s%d < 0)\n%*styl_%s%d = 0;\n", ind, "", u, d, ind + 4, "", u, d);
    }
    if (!strcmp(u, "wu"))
        for (int d = 0; d < L; d++)
            fprintf(o, "%*sconst int64_t tyl_ww%d = tyl_wu%d > tyl_b%d ? tyl_wu%d : tyl_b%d;\n", ind, "", d, d, d, d, d);
}

/* Rolled (sched->roll, pass_sched_stages): each thread takes its block [tyl_b0, tyl_e0) of rows
 * along dimension 0 (tyl_omp_rows: as schedule(static) shares them) and cuts the outer
 * dimensions 1 .. L-1 into tiles of tyl_tb points; in each tile it walks its rows, computing
 * stage k's row tyl_r + spread_k[0] (the last one value row tyl_r reads) into row
 * (tyl_r + spread_k[0]) % (spread_k[0] + 1) of the stage's window, then value row tyl_r:
 *
 *     for each tile (b1, ..) of n1 x ..:
 *         for r in [b0 - S, e0):                       S: the largest spread[0]
 *             for each stage k, if r + s_k >= b0:      s_k: its spread[0]
 *                 window_k[(r + s_k) % (s_k + 1)][i1 - b1][i2] = stage value at (r + s_k, i1, i2)
 *             if r >= b0:
 *                 w[r][i1][i2] = value, stage read at offset (o0, o1, o2): window[(r + o0) % (s_k + 1)][..]
 *
 * A stage's rows a value row reads, r .. r + s_k, are in the window (the stages read by a stage k
 * too: rows r + s_k .. r + s_j of stage j, computed before it in the same step). Each stage row
 * is computed once but for the first S rows of a block (whose rows the block before computed
 * too), with the bits it has per tile. The windows take up to ROLL_ELEMS a stage (4x a
 * tile's TILE_ELEMS), which makes the tiles of dimensions 1 .. L-1 wider. With a write back the
 * rows of a thread's block are copied as the value leaves them (wb_rows counts the stage rows
 * still to come), the first lag + ahead after the barrier, as per tile. A subexpression of the
 * value that it also reads one row lower along dimension 0 or 1 (hdiff's inlined fluxes) is
 * carried from the point before (pass_sched_carry; carried_value_row), and with sched->wb_carry the loop that reads them stores the write back too. */
static void rolled_body(FILE *o, ir_stmt *s, kctx *k, strbuf *stxt, const char *vt, const char *R)
{
    int B = k->B, L = B - 1, ns = s->stages.len;
    ir_sched *h = s->sched;
    int64_t S = 0;
    for (int i = 0; i < ns; i++) {
        ir_stage *st = VEC_AT(s->stages, i, ir_stage *);
        if (st->spread[0] > S)
            S = st->spread[0];
    }
    if (L > 1) { /* the tile edge of dimensions 1 .. L-1: windows of ROLL_ELEMS a stage */
        fprintf(o, "    int64_t tyl_tb = 256;\n    while (tyl_tb > 4 && ");
        for (int i = 0; i < ns; i++) {
            ir_stage *st = VEC_AT(s->stages, i, ir_stage *);
            fprintf(o, "%s%" PRId64 " * (n%d + %" PRId64 ")", i ? " + " : "", st->spread[0] + 1, L, st->spread[L]);
            for (int d = 1; d < L; d++)
                fprintf(o, " * (tyl_tb + %" PRId64 ")", st->spread[d]);
        }
        fprintf(o, " > %d)\n        tyl_tb /= 2;\n", ROLL_ELEMS * (ns < 3 ? ns : 3));
        for (int d = 1; d < L; d++)
            fprintf(o, "    const int64_t tyl_nb%d = (n%d + tyl_tb - 1) / tyl_tb;\n", d, d);
    }
    rolled_pf_decision(o, k);
    strides_and_region(o, s, k); /* a window's rows are tiles of dimensions 1 .. L-1 */
    for (int i = 0; i < ns; i++) {
        ir_stage *st = VEC_AT(s->stages, i, ir_stage *);
        const char *T = ir_type_c(st->slot->type);
        fprintf(o, "        %s *const tyl_t%d = tyl_tile_alloc(sizeof(%s) * (size_t)(tyl_t%d_s0 * %" PRId64 "), %s); /* %s: a window of %" PRId64 " row%s */\n",
                T, i + 1, T, i + 1, st->spread[0] + 1, emit_W(s->l), st->slot->pyname, st->spread[0] + 1,
                st->spread[0] ? "s" : "");
    }
    cy.h = h;
    for (int c = 0; c < h->ncarry; c++) {
        const char *T = ir_type_c(h->carry_hi[c]->type);
        fprintf(o, "        %s *const tyl_c%d = tyl_tile_alloc(sizeof(%s) * (size_t)(n%d%s), %s); /* carried along dimension %d: a %s */\n",
                T, c + 1, T, L, h->carry_dim[c] == 0 && L == 2 ? " * tyl_tb" : "", emit_W(s->l), h->carry_dim[c],
                h->carry_dim[c] == 0 && L == 2 ? "plane of the tile's columns" : "row");
    }
    fprintf(o, "        int64_t tyl_b0, tyl_e0; /* this thread's rows */\n");
    fprintf(o, "        tyl_omp_rows(n0, &tyl_b0, &tyl_e0);\n");
    fprintf(o, "        const int64_t tyl_m0 = tyl_e0 - tyl_b0;\n");
    if (L == 1)
        fprintf(o, "        if (tyl_m0 > 0) {\n");
    for (int d = 1; d < L; d++)
        fprintf(o, "%*sfor (int64_t tyl_q%d = 0; %styl_q%d < tyl_nb%d; tyl_q%d++)%s\n", 8 + 4 * (d - 1), "", d,
                d == 1 ? "tyl_m0 > 0 && " : "", d, d, d, d == L - 1 ? " {" : "");
    int ind = 8 + 4 * (L > 1 ? L - 1 : 1);
    for (int d = 1; d < L; d++)
        fprintf(o, "%*sconst int64_t tyl_b%d = tyl_q%d * tyl_tb, tyl_m%d = n%d - tyl_b%d < tyl_tb ? n%d - tyl_b%d : tyl_tb;\n",
                ind, "", d, d, d, d, d, d, d);
    const int wb_in_loop = h->wb && !h->wb_store;
    if (h->wb_store)
        roll_wb_bounds(o, h, L, ind, "wu", "wv");
    else if (wb_in_loop) {
        fprintf(o, "%*s/* the write back of what no later tile reads (pass_sched_writeback) */\n", ind, "");
        roll_wb_bounds(o, h, L, ind, "u", "v");
        if (h->wb_carry) {
            int along1 = 0;
            for (int c = 0; c < h->ncarry; c++)
                along1 |= h->carry_dim[c] == 1;
            fprintf(o, "%*sconst int64_t tyl_wu0 = tyl_u0; /* the first row the carried loop stores */\n", ind, "");
            if (L == 2)
                fprintf(o, "%*sconst int64_t tyl_x1 = tyl_b1 + %d < tyl_v1 ? tyl_b1 + %d : tyl_v1; /* the columns it does not */\n",
                        ind, "", along1, along1);
        }
    }
    fprintf(o, "%*sfor (int64_t tyl_r = tyl_b0 - %" PRId64 "; tyl_r < tyl_e0; tyl_r++) {\n", ind, "", S);
    int ri = ind + 4;
    /* each stage's row tyl_r + spread[0], in order (a stage reads only those before it) */
    for (int i = 0; i < ns; i++) {
        ir_stage *st = VEC_AT(s->stages, i, ir_stage *);
        fprintf(o, "%*s%s /* %s's row tyl_r + %" PRId64 " */\n", ri, "",
                st->spread[0] < S ? arena_printf(&util_arena, "if (tyl_r + %" PRId64 " >= tyl_b0) {", st->spread[0]) : "{",
                st->slot->pyname, st->spread[0]);
        fprintf(o, "%*sconst int64_t i0 = tyl_r + %" PRId64 ";\n", ri + 4, "", st->spread[0]);
        int bi = cross_loops(o, L, st->spread, ri + 4);
        rows(o, k, stxt[i].s, 0, bi, R);
        rolled_prefetch(o, k, h, i + 1, st->spread, bi);
        stage_rows(o, s, stxt[i].s, i, L, bi, R, 1);
        fprintf(o, "%*s%s *%sconst tyl_t%dw = tyl_t%d", bi, "", ir_type_c(st->slot->type), R, i + 1, i + 1);
        if (st->spread[0])
            fprintf(o, " + i0 %% %" PRId64 " * tyl_t%d_s0", st->spread[0] + 1, i + 1);
        for (int d = 1; d < L; d++)
            fprintf(o, " + (i%d - tyl_b%d) * tyl_t%d_s%d", d, d, i + 1, d);
        fprintf(o, ";\n%*s#pragma omp simd\n", bi, "");
        fprintf(o, "%*sfor (int64_t i%d = 0; i%d < n%d + %" PRId64 "; i%d++)\n", bi, "", L, L, L, st->spread[L], L);
        fprintf(o, "%*styl_t%dw[i%d] = %s;\n", bi + 4, "", i + 1, L, stxt[i].s);
        fprintf(o, "%*s}\n", bi - 4, "");
        fprintf(o, "%*s}\n", ri, "");
    }
    /* value row tyl_r */
    fprintf(o, "%*sif (tyl_r < tyl_b0)\n%*scontinue;\n", ri, "", ri + 4, "");
    fprintf(o, "%*sconst int64_t i0 = tyl_r;\n", ri, "");
    int bi = cross_loops(o, L, NULL, ri);
    rows(o, k, vt, 1, bi, R);
    rolled_prefetch(o, k, h, 0, NULL, bi);
    stage_rows(o, s, vt, ns, L, bi, R, 1);
    if (h->ncarry)
        carried_value_row(o, s, k, bi);
    else
        value_row(o, s, k, vt, bi);
    fprintf(o, "%*s}\n", bi - 4, "");
    if (wb_in_loop)
        wb_rows_done(o, k, h, ri);
    fprintf(o, "%*s}\n", ind, "");
    if (wb_in_loop) {
        fprintf(o, "%*s/* the rows the last value rows leave */\n", ind, "");
        wb_copy_left(o, k, h, ind, 0);
    }
    if (h->wb_store)
        wb_rest(o, k, L, ind);
    fprintf(o, "%*s}\n", ind - 4, "");
    if (h->wb) /* the rows of its block the neighbouring blocks read */
        wb_after_barrier(o, k, h, L, "tyl_m0 > 0", "tyl_b0", "tyl_e0", "tyl_e0 == n0");
    for (int i = 0; i < ns; i++)
        fprintf(o, "        tyl_tile_free(tyl_t%d);\n", i + 1);
    for (int c = 0; c < h->ncarry; c++)
        fprintf(o, "        tyl_tile_free(tyl_c%d);\n", c + 1);
    cy.h = NULL;
}

void emit_c_tiled_kernel(FILE *o, ir_stmt *s, kctx *k)
{
    int B = k->B;
    ir_sched *h = s->sched;
    UTIL_ASSERT(B >= 2 && k->nt == 1 + (h->wb != NULL) && s->kind == S_SWEEP);
    cur = s;
    k->stage_read = stage_read;
    k->w_reads = 0; /* stages read beyond the point: every read through its own pointer */
    int ns = s->stages.len;
    strbuf *stxt = NEWN(strbuf, ns);
    for (int i = 0; i < ns; i++)
        emit_kexpr(&stxt[i], VEC_AT(s->stages, i, ir_stage *)->fc, k);
    strbuf val = {0};
    emit_kexpr(&val, s->staged, k);
    k->stage_read = NULL;
    k->reach = arena_alloc(&util_arena, sizeof k->reach[0] * (size_t)(k->reads.len + 1));
    for (int i = 0; i < ns; i++) {
        ir_stage *st = VEC_AT(s->stages, i, ir_stage *);
        reach_ctx rc = {k, st->spread};
        ir_expr_any(st->fc, note_reach, &rc);
    }
    /* a read of the target's alias class: no restrict anywhere */
    int restrict_ok = k->restrict_ok;
    for (int i = 0; i < k->reads.len; i++)
        for (int j = 0; j < k->nt; j++) /* and of what the kernel writes back */
            if (VEC_AT(k->reads, i, ir_view *)->arr->alias_class == k->sw[j]->target->arr->alias_class)
                restrict_ok = 0;
    const char *R = restrict_ok ? "restrict " : "";

    emit_line_comment(o, s->l.line);
    fprintf(o, "static TYL_KERNEL void tyl_k%d", s->id);
    emit_kernel_params(o, s, k, R);
    fprintf(o, "\n{\n");
    for (int d = 0; k->uses_index && d < B; d++)
        fprintf(o, "    (void)o%d;\n", d);
    if (s->sched->roll)
        rolled_body(o, s, k, stxt, val.s, R);
    else
        tiled_body(o, s, k, stxt, val.s, R);
    fprintf(o, "    }\n}\n\n");
    for (int i = 0; i < ns; i++)
        sb_free(&stxt[i]);
    sb_free(&val);
    cur = NULL;
}
