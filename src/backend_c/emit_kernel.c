/* emit_kernel.c: the parts of a kernel both back ends write the same way (emit_internal.h):
 * its parameter list, the row pointers of a contiguous innermost loop, the assignments of its
 * targets, and a reduction's identity and combining step.
 */
#include "emit_internal.h"
#include "../ir/sched.h"

#include <string.h>

/* The parameter list of a kernel: extents, target, reads with their run-time strides, scalars.
 * The body text must have been produced first (it collects the reads and scalars). */
void emit_kernel_params(FILE *o, ir_stmt *s, kctx *k, const char *R)
{
    int B = k->B;
    fputc('(', o);
    if (k->rows)
        fprintf(o, "int64_t tyl_lo, int64_t tyl_hi, ");
    for (int d = 0; d < B; d++)
        fprintf(o, "int64_t n%d%s", d, d < B - 1 || k->nt || k->reads.len || k->uses_index ? ", " : "");
    for (int d = 0; k->uses_index && d < B; d++)
        fprintf(o, "int64_t o%d%s", d, d < B - 1 || k->nt || k->reads.len ? ", " : "");
    for (int j = 0; j < k->nt; j++) {
        ir_view *t = k->sw[j]->target;
        strbuf nm = {0};
        emit_operand_name(&nm, k, -1 - j);
        fprintf(o, "%s%s *%s%s", j ? ",\n        " : "", ir_type_c(t->arr->type), R, nm.s);
        for (int d = 0; d < B; d++)
            if (emit_static_stride(t, d) != 1)
                fprintf(o, ", int64_t %s_s%d", nm.s, d);
        sb_free(&nm);
    }
    for (int i = 0; i < k->reads.len; i++) {
        ir_view *v = VEC_AT(k->reads, i, ir_view *);
        fprintf(o, "%s\n        const %s *%sr%d", k->nt || i ? "," : "", ir_type_c(v->arr->type), R, i + 1);
        for (int d = 0; d < B; d++) {
            int st = emit_static_stride(v, d);
            if (st == -1)
                fprintf(o, ", int64_t r%d_s%d", i + 1, d);
            else if (st == -2)
                fprintf(o, ", int64_t r%d_lo%d, int64_t r%d_st%d, int64_t r%d_n%d, int64_t r%d_es%d", i + 1,
                        d, i + 1, d, i + 1, d, i + 1, d);
        }
    }
    for (int i = 0; i < k->scalars.len; i++)
        fprintf(o, ", %s s%d", ir_type_c(VEC_AT(k->scalars, i, ir_expr *)->type), i + 1);
    if (!k->nt) /* a reduction: its partial results */
        fprintf(o, ", %s *%spart", ir_type_c(s->var->type), R);
    if (emit_red_sel(s, k))
        fprintf(o, ", unsigned char *%ssel", R);
    fputc(')', o);
}

/* Row pointers of the target and the reads, declared inside loop d = B - 2 so the innermost
 * loop indexes contiguous rows. Operands with periodic dimensions use flat offsets instead. */
void emit_row_pointers(FILE *o, kctx *k, int d, int ind, const char *R)
{
    for (int i = -k->nt; i < k->reads.len; i++) {
        ir_view *v = i < 0 ? k->sw[-1 - i]->target : VEC_AT(k->reads, i, ir_view *);
        if (emit_has_wrap(v) != k->wrap_fast) /* periodic operands get their rows in a second call */
            continue;
        const char *ty = ir_type_c(v->arr->type);
        strbuf nm = {0};
        emit_operand_name(&nm, k, i);
        if (i < 0)
            fprintf(o, "%*s%s *%s%sr = %s", ind, "", ty, R, nm.s, nm.s);
        else
            fprintf(o, "%*sconst %s *%s%sr = %s", ind, "", ty, R, nm.s, nm.s);
        for (int j = 0; j <= d; j++) {
            int st = emit_static_stride(v, j);
            if (st == 0)
                continue;
            if (st == 1)
                fprintf(o, " + i%d", j);
            else if (st == -1)
                fprintf(o, " + i%d * %s_s%d", j, nm.s, j);
            else
                fprintf(o, " + tyl_wrap(%s_lo%d + i%d * %s_st%d, %s_n%d) * %s_es%d", nm.s, j, j, nm.s, j, nm.s, j,
                        nm.s, j);
        }
        fprintf(o, ";\n");
        sb_free(&nm);
    }
}

/* The identity and the combining step of a reduction, as C text. */
static const char *red_identity(ir_stmt *s)
{
    ir_type t = s->var->type;
    if (s->op == OP_ADD)
        return t == T_F32 ? "0.0f" : ir_type_is_float(t) ? "0.0" : "0";
    int mx = s->op == OP_NPMAX;
    switch (t) {
    case T_F64: return mx ? "-(double)INFINITY" : "(double)INFINITY";
    case T_F32: return mx ? "-INFINITY" : "INFINITY";
    case T_I64: return mx ? "INT64_MIN" : "INT64_MAX";
    case T_I32: return mx ? "INT32_MIN" : "INT32_MAX";
    case T_U64: return mx ? "(uint64_t)0" : "UINT64_MAX";
    case T_BOOL: return mx ? "false" : "true";
    default: break; /* the front end reduces the small integer types in int64 */
    }
    return "0";
}

/* acc = combine(acc, v) as C text (NaN propagates through max and min). */
void emit_red_combine(FILE *o, ir_stmt *s, const char *acc, const char *v)
{
    ir_type t = s->var->type;
    if (s->op == OP_ADD)
        fprintf(o, "%s += %s;", acc, v);
    else if (t == T_BOOL)
        fprintf(o, "%s = %s %s %s;", acc, acc, s->op == OP_NPMAX ? "||" : "&&", v);
    else if (ir_type_is_float(t))
        fprintf(o, "%s = (%s %s %s || %s != %s) ? %s : %s;", acc, v, s->op == OP_NPMAX ? ">" : "<", acc, v,
                v, v, acc);
    else
        fprintf(o, "%s = %s %s %s ? %s : %s;", acc, v, s->op == OP_NPMAX ? ">" : "<", acc, v, acc);
}

const char *emit_red_identity(ir_stmt *s) { return red_identity(s); }

/* A float sum the C back end computes in NumPy's order (tyl_reduce.c). */
int emit_red_exact(ir_stmt *s) { return s->op == OP_ADD && ir_type_is_float(s->var->type); }
int emit_red_sel(ir_stmt *s, kctx *k) { return !k->nt && !k->cuda && s->sel && emit_red_exact(s); }

/* Such a sum of a view itself (NumPy sums it in buffered runs), not of an expression; a sum
 * cast in NumPy's buffer (s->cast) of the view converted. */
int emit_red_direct(ir_stmt *s)
{
    ir_expr *e = s->cast && s->e->kind == E_CAST ? s->e->a : s->e;
    return emit_red_exact(s) && e->kind == E_READ && (s->cast || e->type == s->var->type) &&
           !emit_has_wrap(e->view);
}

/* "w[i] = value;" per target (row pointers when rowsuf is "r"), in the sweeps' order. The values
 * are produced first so the reads and scalars they collect are known. */
void emit_kernel_body(strbuf *b, kctx *k, const char *rowsuf)
{
    for (int j = 0; j < k->nt; j++) {
        strbuf v = {0}, lhs = {0};
        emit_kexpr(&v, k->sw[j]->e, k);
        ir_view *t = k->sw[j]->target;
        if (k->cuda) {
            emit_access(&lhs, k, -1 - j, t);
        } else if (k->stream_buf && (k->stream >> j & 1)) {
            sb_printf(&lhs, "tyl_b%d[i%d - tyl_c]", j + 1, k->B - 1);
        } else {
            int L = k->B - 1;
            emit_operand_name(&lhs, k, -1 - j);
            sb_puts(&lhs, rowsuf);
            if (emit_static_stride(t, L) == 1)
                sb_printf(&lhs, "[i%d]", L);
            else {
                sb_printf(&lhs, "[i%d * ", L);
                emit_operand_name(&lhs, k, -1 - j);
                sb_printf(&lhs, "_s%d]", L);
            }
        }
        sb_printf(b, "%s = %s;\n", lhs.s, v.s);
        sb_free(&v);
        sb_free(&lhs);
    }
}


/* Body lines at indentation ind (body: lines ending in '\n'). */
static void print_body(FILE *o, int ind, const char *body)
{
    for (const char *p = body; *p;) {
        const char *e = strchr(p, '\n');
        fprintf(o, "%*s%.*s\n", ind, "", (int)(e - p), p);
        p = e + 1;
    }
}

void emit_c_simd(FILE *o, int ind, kctx *k)
{
    if (k->simd)
        fprintf(o, "%*s#pragma omp simd\n", ind, "");
}

/* The kernel's read number of the schedule's prefetched read j, or -1 when the kernel has no
 * row pointer of its own for it (a read of the target goes through the target's pointer).
 * Which reads are prefetched is the schedule's (pass_sched_vec: contiguous rows that every
 * outer box dimension steps through, which sched.c checks); this only finds their pointers. */
static int pf_read(kctx *k, int j)
{
    ir_view *v = VEC_AT(*k->prefetch, j, ir_view *);
    for (int i = 0; i < k->reads.len; i++)
        if (emit_view_eq(VEC_AT(k->reads, i, ir_view *), v))
            return i;
    return -1;
}

static int pf_first(kctx *k)
{
    for (int j = 0; k->prefetch && j < k->prefetch->len; j++)
        if (pf_read(k, j) >= 0)
            return pf_read(k, j);
    return -1;
}


static void pf_decision(FILE *o, kctx *k, int f, const char *var, const char *fn)
{
    fprintf(o, "    const int64_t %s = tyl_mem_prefetch%s(", var, fn);
    for (int d = 0; d < k->B; d++)
        fprintf(o, "%sn%d", d ? " * " : "", d);
    fprintf(o, ", n%d * %d, %d);\n", k->B - 1, ir_type_bits(VEC_AT(k->reads, f, ir_view *)->arr->type) / 8,
            k->point_bytes);
}

void emit_c_stream_decision(FILE *o, kctx *k)
{
    if (k->stream) {
        fprintf(o, "    const int tyl_st = tyl_mem_stream(");
        for (int d = 0; d < k->B; d++)
            fprintf(o, "%sn%d", d ? " * " : "", d);
        fprintf(o, ", n%d * %d, %d);\n", k->B - 1, k->stream_elem, k->point_bytes);
    }
    int f = pf_first(k);
    if (f >= 0 && (k->prefetch_how & PF_ROWS))
        pf_decision(o, k, f, "tyl_pf", "");
    if (k->prefetch_how & PF_BLOCK) { /* rows of a block (0: whole planes, nothing prefetched) */
        /* blocks or whole planes timed by the run, one choice a thread (tyl_mem_block_end closes
         * the call: emit_c_fence) */
        ir_view *v = VEC_AT(*k->prefetch, 0, ir_view *);
        fprintf(o, "    static _Thread_local tyl_blocks tyl_bc;\n");
        fprintf(o, "    const int64_t tyl_jb = tyl_mem_block_rows_at(&tyl_bc, %d, n0 * n1 * n2, n2 * %d, %d, n1, %d);\n",
                k->sw[0]->l.line, ir_type_bits(v->arr->type) / 8, k->point_bytes, k->block_live);
    }
    if (f >= 0 && (k->prefetch_how & PF_IN_ROW))
        pf_decision(o, k, f, "tyl_pa", "_ahead");
}

/* At the start of a row: the prefetched reads' rows tyl_pf rows ahead, within the box; in a
 * block of rows (PF_BLOCK), their rows one plane ahead. */
static void prefetch_rows(FILE *o, int ind, kctx *k)
{
    if (pf_first(k) < 0 || !(k->prefetch_how & (PF_ROWS | PF_BLOCK)))
        return;
    int R = k->B - 2, L = k->B - 1, n = 0;
    for (int j = 0; j < k->prefetch->len; j++)
        n += pf_read(k, j) >= 0;
    if (k->prefetch_how & PF_BLOCK) { /* a block's row: the same row one plane ahead */
        fprintf(o, "%*sif (tyl_jb && i0 + 1 < n0)%s\n", ind, "", n > 1 ? " {" : "");
        for (int j = 0; j < k->prefetch->len; j++) {
            int i = pf_read(k, j);
            if (i >= 0)
                fprintf(o, "%*styl_prefetch_row(r%dr + r%d_s0, n%d * (int64_t)sizeof *r%dr);\n", ind + 4, "",
                        i + 1, i + 1, L, i + 1);
        }
        if (n > 1)
            fprintf(o, "%*s}\n", ind, "");
        return;
    }
    fprintf(o, "%*sif (tyl_pf && i%d + tyl_pf < n%d)%s\n", ind, "", R, R, n > 1 ? " {" : "");
    for (int j = 0; j < k->prefetch->len; j++) {
        int i = pf_read(k, j);
        if (i >= 0)
            fprintf(o, "%*styl_prefetch_row(r%dr + tyl_pf * r%d_s%d, n%d * (int64_t)sizeof *r%dr);\n", ind + 4, "",
                    i + 1, i + 1, R, L, i + 1);
    }
    if (n > 1)
        fprintf(o, "%*s}\n", ind, "");
}

/* In a streamed row's chunk loop: the prefetched reads' lines tyl_pa bytes past the chunk. */
static void prefetch_ahead(FILE *o, int ind, kctx *k, const char *n)
{
    if (pf_first(k) < 0 || !(k->prefetch_how & PF_IN_ROW))
        return;
    int c = 0;
    for (int j = 0; j < k->prefetch->len; j++)
        c += pf_read(k, j) >= 0;
    fprintf(o, "%*sif (tyl_pa)%s\n", ind, "", c > 1 ? " {" : "");
    for (int j = 0; j < k->prefetch->len; j++) {
        int i = pf_read(k, j);
        if (i >= 0)
            fprintf(o, "%*styl_prefetch_ahead(r%dr, (int64_t)sizeof *r%dr, tyl_c, tyl_e, %s, tyl_pa);\n", ind + 4, "",
                    i + 1, i + 1, n);
    }
    if (c > 1)
        fprintf(o, "%*s}\n", ind, "");
}

/* The value of a sched->stream_vec target in vector registers: reads as tyl_vld_* of the row
 * at i, constants and scalars as they are (GCC and Clang spread a scalar over the lanes). */
static void vexpr(strbuf *b, ir_expr *e, kctx *k)
{
    if (e->kind == E_CONST || (e->kind != E_READ && ir_expr_is_scalar(e))) {
        emit_kexpr(b, e, k);
        return;
    }
    switch (e->kind) {
    case E_READ:
        for (int i = 0; i < k->reads.len; i++)
            if (emit_view_eq(VEC_AT(k->reads, i, ir_view *), e->view)) {
                sb_printf(b, "tyl_vld_%s(r%dr + i%d)", emit_elem_suffix(e->type), i + 1, k->B - 1);
                return;
            }
        INTERNAL("a vector read the kernel does not take");
        return;
    case E_BIN:
        sb_putc(b, '(');
        vexpr(b, e->a, k);
        sb_printf(b, " %c ", e->op == OP_ADD ? '+' : e->op == OP_SUB ? '-' : e->op == OP_MUL ? '*' : '/');
        vexpr(b, e->b, k);
        sb_putc(b, ')');
        return;
    case E_UN:
        sb_puts(b, e->op == OP_NEG ? "(- " : "(+ ");
        vexpr(b, e->a, k);
        sb_putc(b, ')');
        return;
    default: UNREACHABLE();
    }
}

static void row_loop(FILE *o, int ind, kctx *k, const char *lo, const char *hi, const char *body)
{
    int L = k->B - 1, multi = strchr(body, '\n')[1] != 0;
    emit_c_simd(o, ind, k);
    fprintf(o, "%*sfor (int64_t i%d = %s; i%d < %s; i%d++)%s\n", ind, "", L, lo, L, hi, L, multi ? " {" : "");
    print_body(o, ind + 4, body);
    if (multi)
        fprintf(o, "%*s}\n", ind, "");
}

/* The row in chunks: the streamed targets' values into small buffers (SIMD lanes, in the L1
 * cache), each chunk then stored around the caches (tyl_stream_*, aligned non-temporal stores).
 * Every chunk but a row's first begins on a cache line of the first streamed target, so no line
 * is written partly by plain and partly by non-temporal stores except at the row's two ends
 * (chunks of 512 from the row's start cost Jacobi 2-D float32 4096^2 a fifth of its speed).
 * The fence comes once per thread, at the end of its share (emit_c_fence): after each
 * row it cost 20-30% in 3-D, whose rows are short. */
/* A streamed row from vector registers (sched->stream_vec), every store non-temporal: whole
 * aligned vectors, and the unaligned ends as the vectors at the row's first and last elements,
 * stored lane by lane; a row shorter than a vector element by element. */
static void vector_row(FILE *o, int ind, kctx *k)
{
    int L = k->B - 1;
    const char *sfx = emit_elem_suffix(k->sw[0]->target->arr->type);
    strbuf sv = {0}, vv = {0}, w = {0};
    emit_kexpr(&sv, k->sw[0]->e, k);
    vexpr(&vv, k->sw[0]->e, k);
    emit_operand_name(&w, k, -1);
    fprintf(o, "%*sint64_t i%d = 0;\n", ind, "", L);
    fprintf(o, "%*sconst int64_t tyl_h = tyl_nt_head_%s(%sr);\n", ind, "", sfx, w.s);
    fprintf(o, "%*sif (n%d >= TYL_V%s) {\n", ind, "", L, sfx);
    fprintf(o, "%*sif (tyl_h)\n", ind + 4, "");
    fprintf(o, "%*styl_vnt_lanes_%s(%sr, %s, 0, tyl_h);\n", ind + 8, "", sfx, w.s, vv.s);
    fprintf(o, "%*sfor (i%d = tyl_h; i%d + TYL_V%s <= n%d; i%d += TYL_V%s)\n", ind + 4, "", L, L, sfx, L, L, sfx);
    fprintf(o, "%*styl_vnt_%s(%sr + i%d, %s);\n", ind + 8, "", sfx, w.s, L, vv.s);
    fprintf(o, "%*sif (i%d < n%d) {\n", ind + 4, "", L, L);
    fprintf(o, "%*sconst int64_t tyl_k = i%d;\n", ind + 8, "", L);
    fprintf(o, "%*si%d = n%d - TYL_V%s;\n", ind + 8, "", L, L, sfx);
    fprintf(o, "%*styl_vnt_lanes_%s(%sr + i%d, %s, tyl_k - i%d, TYL_V%s);\n", ind + 8, "", sfx, w.s, L, vv.s, L, sfx);
    fprintf(o, "%*s}\n", ind + 4, "");
    fprintf(o, "%*s} else {\n", ind, "");
    fprintf(o, "%*sfor (; i%d < n%d; i%d++)\n", ind + 4, "", L, L, L);
    fprintf(o, "%*styl_nt_%s(%sr + i%d, %s);\n", ind + 8, "", sfx, w.s, L, sv.s);
    fprintf(o, "%*s}\n", ind, "");
    sb_free(&sv);
    sb_free(&vv);
    sb_free(&w);
}

void emit_c_inner_loop(FILE *o, int ind, kctx *k, const char *body)
{
    int L = k->B - 1;
    const char *n = arena_printf(&util_arena, "n%d", L);
    prefetch_rows(o, ind, k);
    if (!k->stream) { /* in 1-D the row is the thread's share */
        row_loop(o, ind, k, L ? "0" : "tyl_lo", L ? n : "tyl_hi", body);
        return;
    }
    fprintf(o, "%*sif (tyl_st) {\n", ind, "");
    if (k->stream_vec) {
        fprintf(o, "#ifdef TYL_NT_VEC\n");
        vector_row(o, ind + 4, k);
        fprintf(o, "#else\n");
    }
    strbuf sb = {0};
    k->stream_buf = 1;
    emit_kernel_body(&sb, k, "r");
    k->stream_buf = 0;
    strbuf a = {0}; /* the first streamed target: its chunks begin on cache lines */
    for (int j = 0; j < k->nt && !a.s; j++)
        if (k->stream >> j & 1)
            emit_operand_name(&a, k, -1 - j);
    fprintf(o, "%*sfor (int64_t tyl_c = 0, tyl_e; tyl_c < %s; tyl_c = tyl_e) {\n", ind + 4, "", n);
    fprintf(o, "%*styl_e = tyl_c + TYL_STREAM_CHUNK - (int64_t)((uintptr_t)(%sr + tyl_c) %% 64 / sizeof *%sr);\n",
            ind + 8, "", a.s, a.s);
    fprintf(o, "%*sif (tyl_e > %s)\n%*styl_e = %s;\n", ind + 8, "", n, ind + 12, "", n);
    sb_free(&a);
    prefetch_ahead(o, ind + 8, k, n);
    for (int j = 0; j < k->nt; j++)
        if (k->stream >> j & 1)
            fprintf(o, "%*s_Alignas(64) %s tyl_b%d[TYL_STREAM_CHUNK];\n", ind + 8, "",
                    ir_type_c(k->sw[j]->target->arr->type), j + 1);
    row_loop(o, ind + 8, k, "tyl_c", "tyl_e", sb.s);
    for (int j = 0; j < k->nt; j++)
        if (k->stream >> j & 1) {
            strbuf nm = {0};
            emit_operand_name(&nm, k, -1 - j);
            fprintf(o, "%*styl_stream_%s(%sr + tyl_c, tyl_b%d, tyl_e - tyl_c);\n", ind + 8, "",
                    k->sw[j]->target->arr->type == T_F32 ? "f32" : "f64", nm.s, j + 1);
            sb_free(&nm);
        }
    fprintf(o, "%*s}\n", ind + 4, "");
    if (k->stream_vec)
        fprintf(o, "#endif\n");
    fprintf(o, "%*s} else {\n", ind, "");
    row_loop(o, ind + 4, k, "0", n, body);
    fprintf(o, "%*s}\n", ind, "");
    sb_free(&sb);
}

void emit_c_fence(FILE *o, kctx *k)
{
    if (k->prefetch_how & PF_BLOCK)
        fprintf(o, "    tyl_mem_block_end(&tyl_bc);\n");
    if (k->stream)
        fprintf(o, "    if (tyl_st)\n        tyl_stream_fence();\n");
}
