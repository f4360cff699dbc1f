/* emit_c.c: the C11 + OpenMP back end: its kernels (see emit_c.h).
 *
 * A sweep becomes a static kernel function over its box; tyl_sweep_run (the run time) calls it
 * once per part of the rank's local box, through a small function generated with it
 * (emit_sweep.c), with base pointers and strides:
 *
 *     static void tyl_k1(int64_t tyl_lo, int64_t tyl_hi, int64_t n0, int64_t n1,
 *                        double *restrict w, int64_t w_s0,
 *                        const double *restrict r1, int64_t r1_s0, double s1)
 *     {
 *         for (int64_t i0 = tyl_lo; i0 < tyl_hi; i0++) {
 *             double *restrict wr = w + i0 * w_s0;
 *             const double *restrict r1r = r1 + i0 * r1_s0;
 *             #pragma omp simd
 *             for (int64_t i1 = 0; i1 < n1; i1++)
 *                 wr[i1] = s1 * r1r[i1];
 *         }
 *     }
 *
 * The kernel computes the rows [tyl_lo, tyl_hi) of its box on the calling thread. Its adapter
 * shares the rows out in a parallel region as `omp for schedule(static)` would (tyl_omp_rows)
 * when the part has more than TYL_PAR_MIN points, and otherwise calls it once, outside any
 * region: a region with a false if clause still makes a team of one, which libgomp allocates
 * and frees each time (about 0.3 us), and the time tiler calls a kernel for every stage of
 * every tile (Burgers 2048^2: 7 calls a tile of 5 rows a step, 18% of its CPU time).
 *
 * Inner strides that are 1 at compile time (the last array dimension, step 1) are written as
 * plain indexing so the inner loop vectorises; "omp simd" (sched->simd, pass_sched_vec) spares
 * it the run-time alias tests the C compiler would otherwise need (a reduction's or a tiled
 * kernel's body is outlined by OpenMP, where restrict does not survive; an elementwise kernel
 * keeps it now that its adapter opens the region, so GCC shares what the targets of a fused
 * group compute alike: Burgers' u and v both use dt / dx * un and dt / dy * vn), and a kernel whose targets may be streamed (sched->stream) also has a
 * variant of the inner loop that stores around the caches (emit_kernel.c). Scalar subexpressions are evaluated once before
 * the call, in source order, and passed by value. The host program is emit_host.c's.
 */
#include "emit_c.h"
#include "emit_internal.h"
#include "../ir/sched.h"
#include "../runtime_mpi/tyles_version.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *emit_command_line;
const char *emit_output_name;

/* The box offsets o0.. are parameters of every kernel that uses an index, whichever of them its
 * expression uses (-Wunused-parameter). */
static void unused_offsets(FILE *o, kctx *k)
{
    for (int d = 0; k->uses_index && d < k->B; d++)
        fprintf(o, "    (void)o%d;\n", d);
}

/* C reduction kernel: one partial result per outer index (per block of 4096 in 1-D), each
 * accumulated in order; the caller combines the partials in a fixed order, so the result does
 * not depend on the number of threads. A float sum's kernel instead writes the value of every
 * point of its part, in C order, and tyl_reduce.c adds them in NumPy's pairwise order. */
static void c_reduce_kernel(FILE *o, ir_stmt *s, kctx *k)
{
    int B = k->B;
    const char *T = ir_type_c(s->var->type);
    strbuf body = {0};
    emit_kexpr(&body, s->e, k);
    emit_line_comment(o, s->l.line);
    fprintf(o, "static void tyl_k%d", s->id);
    emit_kernel_params(o, s, k, "restrict ");
    fprintf(o, "\n{\n");
    unused_offsets(o, k);
    fprintf(o, "#line %d %s\n", s->l.line, emit_file_literal());
    if (emit_red_exact(s)) { /* each point's value, in C order: tyl_reduce.c sums them */
        strbuf idx = {0}, m = {0};
        for (int d = 0; d < B - 1; d++)
            sb_printf(&idx, "(");
        for (int d = 0; d < B; d++)
            sb_printf(&idx, d == 0 ? "i0" : " * n%d + i%d)", d, d);
        if (emit_red_sel(s, k)) /* and whether a[m] selects it */
            emit_kexpr(&m, s->e->a, k);
        for (int d = 0; d < B; d++) {
            fprintf(o, "%*sfor (int64_t i%d = 0; i%d < n%d; i%d++) {\n", 4 * (d + 1), "", d, d, d, d);
            if (d == B - 2)
                emit_row_pointers(o, k, d, 4 * (d + 2), "restrict ");
        }
        if (m.len)
            fprintf(o, "%*ssel[%s] = %s;\n", 4 * (B + 1), "", idx.s, m.s);
        fprintf(o, "%*spart[%s] = %s;\n", 4 * (B + 1), "", idx.s, body.s);
        for (int d = B - 1; d >= 0; d--)
            fprintf(o, "%*s}\n", 4 * (d + 1), "");
        fprintf(o, "}\n\n");
        sb_free(&body);
        sb_free(&idx);
        sb_free(&m);
        return;
    }
    if (B == 1) {
        fprintf(o, "    const int64_t nb = (n0 + 4095) / 4096;\n");
        fprintf(o, "    #pragma omp parallel for schedule(static) if (n0 > TYL_PAR_MIN)\n");
        fprintf(o, "    for (int64_t b = 0; b < nb; b++) {\n");
        fprintf(o, "        %s acc = %s;\n", T, emit_red_identity(s));
        fprintf(o, "        const int64_t e = (b + 1) * 4096 < n0 ? (b + 1) * 4096 : n0;\n");
        fprintf(o, "        for (int64_t i0 = b * 4096; i0 < e; i0++) {\n");
        fprintf(o, "            const %s v = %s;\n            ", T, body.s);
        emit_red_combine(o, s, "acc", "v");
        fprintf(o, "\n        }\n        part[b] = acc;\n    }\n}\n\n");
        sb_free(&body);
        return;
    }
    fprintf(o, "    #pragma omp parallel for schedule(static) if (");
    for (int d = 0; d < B; d++)
        fprintf(o, "%sn%d", d ? " * " : "", d);
    fprintf(o, " > TYL_PAR_MIN)\n");
    fprintf(o, "    for (int64_t i0 = 0; i0 < n0; i0++) {\n");
    fprintf(o, "        %s acc = %s;\n", T, emit_red_identity(s));
    if (B == 2)
        emit_row_pointers(o, k, 0, 8, "restrict ");
    for (int d = 1; d < B; d++) {
        fprintf(o, "%*sfor (int64_t i%d = 0; i%d < n%d; i%d++) {\n", 4 * (d + 1), "", d, d, d, d);
        if (d == B - 2)
            emit_row_pointers(o, k, d, 4 * (d + 2), "restrict ");
    }
    fprintf(o, "%*sconst %s v = %s;\n%*s", 4 * (B + 1), "", T, body.s, 4 * (B + 1), "");
    emit_red_combine(o, s, "acc", "v");
    fprintf(o, "\n");
    for (int d = B - 1; d >= 1; d--)
        fprintf(o, "%*s}\n", 4 * (d + 1), "");
    fprintf(o, "        part[i0] = acc;\n    }\n}\n\n");
    sb_free(&body);
}

/* C: a loop nest, OpenMP on the outer loop, row pointers for a contiguous inner loop. */
/* Periodic reads whose inner dimension wraps with step 1 (or does not wrap): the row splits into
 * two edges where indices wrap and a middle where they do not (peel). */
static int peelable(kctx *k)
{
    int any = 0;
    for (int i = 0; i < k->reads.len; i++) {
        ir_view *v = VEC_AT(k->reads, i, ir_view *);
        if (!emit_has_wrap(v))
            continue;
        any = 1;
        int d = emit_dim_of_box(v, k->B - 1);
        if (d >= 0 && v->dim[d].wrap && (v->dim[d].step_c != 1 || d != v->rank - 1))
            return 0; /* the middle indexes the row directly: unit steps along the last axis */
    }
    return any;
}

static void print_lines(FILE *o, int ind, const char *text)
{
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        fprintf(o, "%*s%.*s\n", ind, "", (int)(e - p), p);
        p = e + 1;
    }
}

static void c_kernel(FILE *o, ir_stmt *s, kctx *k)
{
    int B = k->B, L = B - 1;
    const char *R = k->restrict_ok ? "restrict " : "";
    strbuf body = {0}, fast = {0};
    emit_kernel_body(&body, k, B > 1 ? "r" : "");
    int peel = peelable(k);
    if (peel) {
        k->wrap_fast = 1;
        emit_kernel_body(&fast, k, B > 1 ? "r" : "");
        k->wrap_fast = 0;
    }

    /* a 1-D kernel with periodic reads keeps its parallel loop over the middle of its row */
    k->rows = !(peel && B == 1);
    for (int j = 0; j < k->nt; j++)
        emit_line_comment(o, k->sw[j]->l.line);
    fprintf(o, "static TYL_KERNEL void tyl_k%d", s->id);
    emit_kernel_params(o, s, k, R);
    fprintf(o, "\n{\n");
    unused_offsets(o, k);
    if (k->rows) /* the rows come as [tyl_lo, tyl_hi); n0 sizes the part for streaming only */
        fprintf(o, "    (void)n0;\n");
    fprintf(o, "#line %d %s\n", s->l.line, emit_file_literal());
    emit_c_stream_decision(o, k);
    if (peel) {
        /* the middle of a row, [a, b), where no periodic read wraps in the inner dimension */
        fprintf(o, "    int64_t a = 0, b = n%d;\n", L);
        for (int i = 0; i < k->reads.len; i++) {
            ir_view *v = VEC_AT(k->reads, i, ir_view *);
            if (emit_static_stride(v, L) != -2)
                continue;
            fprintf(o, "    r%d_lo%d %%= r%d_n%d > 0 ? r%d_n%d : 1;\n", i + 1, L, i + 1, L, i + 1, L);
            fprintf(o, "    if (-r%d_lo%d > a)\n        a = -r%d_lo%d;\n", i + 1, L, i + 1, L);
            fprintf(o, "    if (r%d_n%d - r%d_lo%d < b)\n        b = r%d_n%d - r%d_lo%d;\n", i + 1, L, i + 1, L, i + 1,
                    L, i + 1, L);
        }
        fprintf(o, "    if (a > n%d)\n        a = n%d;\n    if (b < a)\n        b = a;\n", L, L);
    }
    /* PF_BLOCK (box rank 3): blocks of tyl_jb rows along dimension 1, every plane of the
     * thread's share of a block before the next block (tyl_jb 0: one block, the whole plane) */
    int blk = (k->prefetch_how & PF_BLOCK) != 0, x = 4 * blk;
    if (blk) {
        fprintf(o, "    for (int64_t tyl_j = 0, tyl_je; tyl_j < n1; tyl_j = tyl_je) {\n");
        fprintf(o, "        tyl_je = tyl_jb && tyl_jb < n1 - tyl_j ? tyl_j + tyl_jb : n1;\n");
    }
    for (int d = 0; d < B - 1; d++) {
        if (d == 0)
            fprintf(o, "%*sfor (int64_t i0 = tyl_lo; i0 < tyl_hi; i0++)%s\n", 4 + x, "", B == 2 ? " {" : "");
        else if (blk && d == 1)
            fprintf(o, "%*sfor (int64_t i1 = tyl_j; i1 < tyl_je; i1++)%s\n", 8 + x, "", d == B - 2 ? " {" : "");
        else
            fprintf(o, "%*sfor (int64_t i%d = 0; i%d < n%d; i%d++)%s\n", 4 * (d + 1) + x, "", d, d, d, d,
                    d == B - 2 ? " {" : "");
        if (d == B - 2) {
            emit_row_pointers(o, k, d, 4 * (d + 2) + x, R);
            if (peel) {
                k->wrap_fast = 1;
                emit_row_pointers(o, k, d, 4 * (d + 2) + x, R);
                k->wrap_fast = 0;
            }
        }
    }
    int ind = 4 * B + x;
    if (peel) {
        /* edges with wrapped indices, then the contiguous middle */
        const char *ranges[3][2] = {{"0", "a"}, {"a", "b"}, {"b", arena_printf(&util_arena, "n%d", L)}};
        for (int seg = 0; seg < 3; seg++) {
            if (B == 1 && seg == 1)
                fprintf(o, "    #pragma omp parallel for%s schedule(static) if (parallel: b - a > TYL_PAR_MIN)\n",
                        k->simd ? " simd" : "");
            else
                emit_c_simd(o, ind, k);
            fprintf(o, "%*sfor (int64_t i%d = %s; i%d < %s; i%d++) {\n", ind, "", L, ranges[seg][0], L,
                    ranges[seg][1], L);
            print_lines(o, ind + 4, seg == 1 ? fast.s : body.s);
            fprintf(o, "%*s}\n", ind, "");
        }
    } else {
        emit_c_inner_loop(o, ind, k, body.s);
    }
    if (B > 1)
        fprintf(o, "%*s}\n", 4 * (B - 1) + x, "");
    if (blk)
        fprintf(o, "    }\n");
    emit_c_fence(o, k);
    fprintf(o, "}\n\n");
    sb_free(&body);
    sb_free(&fast);
}

static void c_launch(FILE *o, int ind, ir_stmt *s, kctx *k)
{
    (void)k;
    fprintf(o, "%*styl_k%d", ind * 4, "", s->id);
}

static const emit_target c_target = {
    .header = "tyles.h",
    .cuda = 0,
    .kernel = c_kernel,
    .launch = c_launch,
    .reduce_kernel = c_reduce_kernel,
};

void emit_c(ir_program *p, FILE *out) { emit_program(p, out, &c_target); }

const emit_target *emit_c_target(void) { return &c_target; }
