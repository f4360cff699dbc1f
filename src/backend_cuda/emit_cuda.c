/* emit_cuda.c: IR -> CUDA C++ (one GPU per MPI rank, data resident on the device).
 *
 * Requires: IR after the schedule passes (pass_sched_*).
 * Establishes: a .cu translation unit with the same host program as the C back end (emit_c.c
 * shares it through emit_internal.h) and one __global__ kernel per sweep, one thread per box
 * point, the innermost box dimension on threadIdx.x so neighbouring threads touch neighbouring
 * elements (coalesced). Kernel parameters, strides and the element arithmetic are exactly those
 * of the C kernels, so the CPU tests exercise the index math the GPU runs.
 *
 * Kernels are static: two libraries (tylesc --lib --target=cuda) in one application have
 * kernels of the same names and parameters.
 *
 * Block shapes by box rank: 1-D 256 threads; 2-D 32x8; 3-D and up 32x4x2 (4-D and up fold
 * their outer dimensions, all but the last two, into z).
 */
#include "emit_cuda.h"

#include <string.h>

#include "../backend_c/emit_internal.h"
#include "../ir/sched.h"

static const int blk[4][3] = {{0, 0, 0}, {256, 1, 1}, {32, 8, 1}, {32, 4, 2}}; /* by rank, 3 and up */

/* 2-D and 3-D kernels of 4-byte elements without periodic reads: each thread computes ROWS
 * consecutive rows of its column, with row pointers per row (fewer 64-bit index products, more
 * loads in flight); one point per thread is instruction-bound at 4-byte elements. */
enum { ROWS = 4 };

static int by_rows(kctx *k)
{
    if (k->B != 2 && k->B != 3)
        return 0;
    /* measured on an H100: 4-byte sweeps gain 17-21 points of the roofline, 8-byte ones lose 1-3 */
    for (int j = 0; j < k->nt; j++)
        if (k->sw[j]->target->arr->type == T_F64 || k->sw[j]->target->arr->type == T_I64)
            return 0;
    for (int i = 0; i < k->reads.len; i++)
        if (emit_has_wrap(VEC_AT(k->reads, i, ir_view *)))
            return 0;
    return 1;
}

static void cuda_rows_kernel(FILE *o, ir_stmt *s, kctx *k)
{
    int B = k->B, L = B - 1, Y = B - 2;
    const char *R = k->restrict_ok ? "__restrict__ " : "";
    strbuf body = {0};
    k->cuda = 0; /* row-pointer accesses, as in the C kernels */
    emit_kernel_body(&body, k, "r");
    k->cuda = 1;
    for (int j = 0; j < k->nt; j++)
        emit_line_comment(o, k->sw[j]->l.line);
    fprintf(o, "static __global__ void tyl_k%d", s->id);
    emit_kernel_params(o, s, k, R);
    fprintf(o, "\n{\n#line %d %s\n", s->l.line, emit_file_literal());
    fprintf(o, "    const int64_t i%d = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;\n", L);
    fprintf(o, "    if (i%d >= n%d)\n        return;\n", L, L);
    if (B == 3) {
        fprintf(o, "    const int64_t i0 = (int64_t)blockIdx.z * blockDim.z + threadIdx.z;\n");
        fprintf(o, "    if (i0 >= n0)\n        return;\n");
    }
    fprintf(o, "    const int64_t y = ((int64_t)blockIdx.y * blockDim.y + threadIdx.y) * %d;\n", ROWS);
    fprintf(o, "    for (int64_t i%d = y; i%d < y + %d && i%d < n%d; i%d++) {\n", Y, Y, ROWS, Y, Y, Y);
    emit_row_pointers(o, k, Y, 8, R);
    for (const char *p = body.s; *p;) {
        const char *e = strchr(p, '\n');
        fprintf(o, "        %.*s\n", (int)(e - p), p);
        p = e + 1;
    }
    fprintf(o, "    }\n}\n\n");
    sb_free(&body);
}

static void cuda_kernel(FILE *o, ir_stmt *s, kctx *k)
{
    int B = k->B;
    strbuf body = {0};
    /* the reads are known only once the body is produced: decide the shape after a dry run */
    emit_kernel_body(&body, k, "");
    if (by_rows(k)) {
        sb_free(&body);
        cuda_rows_kernel(o, s, k);
        return;
    }

    for (int j = 0; j < k->nt; j++)
        emit_line_comment(o, k->sw[j]->l.line);
    fprintf(o, "static __global__ void tyl_k%d", s->id);
    emit_kernel_params(o, s, k, k->restrict_ok ? "__restrict__ " : "");
    fprintf(o, "\n{\n");
    fprintf(o, "#line %d %s\n", s->l.line, emit_file_literal());
    static const char *axis[3] = {"x", "y", "z"};
    if (B <= 3) {
        for (int d = B - 1, a = 0; d >= 0; d--, a++)
            fprintf(o, "    const int64_t i%d = (int64_t)blockIdx.%s * blockDim.%s + threadIdx.%s;\n", d,
                    axis[a], axis[a], axis[a]);
    } else {
        /* the outer dimensions folded into z, in a grid-stride loop: gridDim.z is at most 65535,
         * fewer than the outer points of a 6-D box of 24^6 */
        fprintf(o, "    const int64_t i%d = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;\n", B - 1);
        fprintf(o, "    const int64_t i%d = (int64_t)blockIdx.y * blockDim.y + threadIdx.y;\n", B - 2);
        fprintf(o, "    if (i%d >= n%d || i%d >= n%d)\n        return;\n", B - 1, B - 1, B - 2, B - 2);
        fprintf(o, "    const int64_t tyl_nz = n0");
        for (int d = 1; d < B - 2; d++)
            fprintf(o, " * n%d", d);
        fprintf(o, ";\n    for (int64_t tyl_iz = (int64_t)blockIdx.z * blockDim.z + threadIdx.z; tyl_iz < tyl_nz;\n"
                   "         tyl_iz += (int64_t)gridDim.z * blockDim.z) {\n");
        fprintf(o, "        int64_t tyl_q = tyl_iz;\n");
        for (int d = B - 3; d >= 1; d--)
            fprintf(o, "        const int64_t i%d = tyl_q %% n%d;\n        tyl_q /= n%d;\n", d, d, d);
        fprintf(o, "        const int64_t i0 = tyl_q;\n");
        for (const char *p = body.s; *p;) {
            const char *e = strchr(p, '\n');
            fprintf(o, "        %.*s\n", (int)(e - p), p);
            p = e + 1;
        }
        fprintf(o, "    }\n}\n\n");
        sb_free(&body);
        return;
    }
    fprintf(o, "    if (");
    for (int d = 0; d < B; d++)
        fprintf(o, "%si%d >= n%d", d ? " || " : "", d, d);
    fprintf(o, ")\n        return;\n");
    for (const char *p = body.s; *p;) {
        const char *e = strchr(p, '\n');
        fprintf(o, "    %.*s\n", (int)(e - p), p);
        p = e + 1;
    }
    fprintf(o, "}\n\n");
    sb_free(&body);
}

static void cuda_launch(FILE *o, int ind, ir_stmt *s, kctx *k)
{
    int B = k->B;
    const int *b = blk[B < 3 ? B : 3];
    fprintf(o, "%*sif (", ind * 4, "");
    for (int d = 0; d < B; d++)
        fprintf(o, "%styl_n%d > 0", d ? " && " : "", d);
    fprintf(o, ")\n%*styl_k%d<<<dim3(", (ind + 1) * 4, "", s->id);
    /* grid: x covers the innermost dimension */
    if (B == 1)
        fprintf(o, "(unsigned)((tyl_n0 + %d) / %d)", b[0] - 1, b[0]);
    else if (B == 2) {
        int r = by_rows(k) ? ROWS : 1;
        fprintf(o, "(unsigned)((tyl_n1 + %d) / %d), (unsigned)((tyl_n0 + %d) / %d)", b[0] - 1, b[0],
                b[1] * r - 1, b[1] * r);
    } else if (B == 3) {
        int r = by_rows(k) ? ROWS : 1;
        fprintf(o, "(unsigned)((tyl_n2 + %d) / %d), (unsigned)((tyl_n1 + %d) / %d), "
                   "(unsigned)((tyl_n0 + %d) / %d)",
                b[0] - 1, b[0], b[1] * r - 1, b[1] * r, b[2] - 1, b[2]);
    }
    else { /* z: the outer points, at most 65535 blocks (the kernel loops over the rest) */
        strbuf z = {0};
        sb_puts(&z, "tyl_n0");
        for (int d = 1; d < B - 2; d++)
            sb_printf(&z, " * tyl_n%d", d);
        fprintf(o, "(unsigned)((tyl_n%d + %d) / %d), (unsigned)((tyl_n%d + %d) / %d), "
                   "(unsigned)((%s + %d) / %d < 65535 ? (%s + %d) / %d : 65535)",
                B - 1, b[0] - 1, b[0], B - 2, b[1] - 1, b[1], z.s, b[2] - 1, b[2], z.s, b[2] - 1, b[2]);
        sb_free(&z);
    }
    fprintf(o, "), dim3(%d, %d, %d), 0, tyl_cuda_stream()>>>", b[0], b[1], b[2]);
}

/* A reduction: a grid-stride loop per thread (a fixed order, since the grid size depends only
 * on the number of points), then a tree in shared memory; one partial per block. */
static void cuda_reduce_kernel(FILE *o, ir_stmt *s, kctx *k)
{
    int B = k->B;
    const char *T = ir_type_c(s->var->type);
    strbuf body = {0};
    emit_kexpr(&body, s->e, k);
    emit_line_comment(o, s->l.line);
    fprintf(o, "static __global__ void tyl_k%d", s->id);
    emit_kernel_params(o, s, k, "__restrict__ ");
    fprintf(o, "\n{\n#line %d %s\n", s->l.line, emit_file_literal());
    fprintf(o, "    __shared__ %s sh[256];\n", T);
    fprintf(o, "    const int64_t total = n0");
    for (int d = 1; d < B; d++)
        fprintf(o, " * n%d", d);
    fprintf(o, ";\n    %s acc = %s;\n", T, emit_red_identity(s));
    fprintf(o, "    for (int64_t f = (int64_t)blockIdx.x * 256 + threadIdx.x; f < total; "
               "f += (int64_t)gridDim.x * 256) {\n");
    fprintf(o, "        int64_t q = f;\n");
    for (int d = B - 1; d >= 1; d--)
        fprintf(o, "        const int64_t i%d = q %% n%d;\n        q /= n%d;\n", d, d, d);
    fprintf(o, "        const int64_t i0 = q;\n");
    fprintf(o, "        const %s v = %s;\n        ", T, body.s);
    emit_red_combine(o, s, "acc", "v");
    fprintf(o, "\n    }\n    sh[threadIdx.x] = acc;\n    __syncthreads();\n");
    fprintf(o, "    for (int h = 128; h > 0; h >>= 1) {\n        if (threadIdx.x < h) {\n");
    fprintf(o, "            %s a = sh[threadIdx.x];\n            const %s v = sh[threadIdx.x + h];\n            ", T, T);
    emit_red_combine(o, s, "a", "v");
    fprintf(o, "\n            sh[threadIdx.x] = a;\n        }\n        __syncthreads();\n    }\n");
    fprintf(o, "    if (threadIdx.x == 0)\n        part[blockIdx.x] = sh[0];\n}\n\n");
    sb_free(&body);
}

/* A time loop whose body only launches kernels and swaps names, captured once in a CUDA graph
 * and replayed (pass_sched_graph decided it and its period). */
static void cuda_graph_loop(ectx *c, int ind, ir_stmt *s)
{
    const int period = s->sched->graph_period;
    const char *v = s->var->name;
    emit_put(c, ind, "{\n");
    emit_put(c, ind + 1, "/* time loop captured in a CUDA graph (%d iteration%s) and replayed */\n", period,
        period == 1 ? "" : "s");
    emit_put(c, ind + 1, "const int64_t tyl_start = %s, tyl_stop = %s, tyl_step = %s;\n", emit_S(s->e), emit_S(s->e2), emit_S(s->e3));
    emit_put(c, ind + 1, "const int64_t tyl_trip = tyl_range_len(tyl_start, tyl_stop, tyl_step);\n");
    emit_put(c, ind + 1, "int64_t tyl_done = 0;\n");
    /* halos that travel through the host (MPI) cannot be captured; through NCCL, or as
     * device copies on one rank, they can */
    emit_put(c, ind + 1, "if (tyl_use_graphs() && tyl_halo_capturable() && tyl_trip >= 16 && tyl_trip >= 3 * %d) {\n",
        period);
    /* one period of plain launches first: the halo buffers take their sizes and the halo
     * bookkeeping (which zones are current) its steady state, which the captured period
     * assumes at every replay */
    emit_put(c, ind + 2, "for (; tyl_done < %d; tyl_done++) {\n", period);
    emit_put(c, ind + 3, "%s = tyl_start + tyl_done * tyl_step;\n", v);
    emit_block(c, ind + 3, &s->body);
    emit_put(c, ind + 2, "}\n");
    emit_put(c, ind + 2, "cudaGraph_t tyl_g;\n");
    emit_put(c, ind + 2, "cudaGraphExec_t tyl_ge;\n");
    emit_put(c, ind + 2, "tyl_cuda_check(cudaStreamBeginCapture(tyl_cuda_stream(), cudaStreamCaptureModeThreadLocal), "
                    "\"capturing a time loop\");\n");
    emit_put(c, ind + 2, "for (int64_t tyl_p = 0; tyl_p < %d; tyl_p++) {\n", period);
    emit_put(c, ind + 3, "%s = tyl_start + (tyl_done + tyl_p) * tyl_step;\n", v);
    emit_block(c, ind + 3, &s->body);
    emit_put(c, ind + 2, "}\n");
    emit_put(c, ind + 2, "tyl_cuda_check(cudaStreamEndCapture(tyl_cuda_stream(), &tyl_g), \"capturing a time loop\");\n");
    emit_put(c, ind + 2, "tyl_cuda_check(cudaGraphInstantiate(&tyl_ge, tyl_g, 0), \"instantiating a CUDA graph\");\n");
    emit_put(c, ind + 2, "for (int64_t tyl_r = 0; tyl_r < (tyl_trip - tyl_done) / %d; tyl_r++)\n", period);
    emit_put(c, ind + 3, "tyl_cuda_check(cudaGraphLaunch(tyl_ge, tyl_cuda_stream()), \"replaying a time loop\");\n");
    emit_put(c, ind + 2, "cudaGraphExecDestroy(tyl_ge);\n");
    emit_put(c, ind + 2, "cudaGraphDestroy(tyl_g);\n");
    emit_put(c, ind + 2, "tyl_done += (tyl_trip - tyl_done) / %d * %d;\n", period, period);
    emit_put(c, ind + 2, "%s = tyl_start + (tyl_done - 1) * tyl_step;\n", v);
    /* the body's scalar assignments (the Python loop variable) take their last values */
    for (int i = 0; i < s->body.len; i++)
        if (VEC_AT(s->body, i, ir_stmt *)->kind == S_ASSIGN)
            emit_stmt(c, ind + 2, VEC_AT(s->body, i, ir_stmt *));
    emit_put(c, ind + 1, "}\n");
    emit_put(c, ind + 1, "for (int64_t tyl_k = tyl_done; tyl_k < tyl_trip; tyl_k++) {\n");
    emit_put(c, ind + 2, "%s = tyl_start + tyl_k * tyl_step;\n", v);
    emit_block(c, ind + 2, &s->body);
    emit_put(c, ind + 1, "}\n");
    emit_put(c, ind, "}\n");
}

static const emit_target cuda_target = {
    .header = "tyles_cuda.h",
    .cuda = 1,
    .kernel = cuda_kernel,
    .launch = cuda_launch,
    .reduce_kernel = cuda_reduce_kernel,
    .graph_loop = cuda_graph_loop,
};

void emit_cuda(ir_program *p, FILE *out) { emit_program(p, out, &cuda_target); }

const emit_target *emit_cuda_target(void) { return &cuda_target; }
