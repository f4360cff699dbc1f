/* emit_internal.h: what the C and CUDA emitters share (not an interface for other modules).
 *
 * Both back ends emit the same program: host code in main() and one kernel per sweep with the
 * same parameters (box extents, base pointers, strides, hoisted scalars) and the same element
 * arithmetic, so the CPU tests cover the index math of the GPU code. They differ only in how a
 * kernel is written (a loop nest vs. a thread grid), how it is launched, and how host code
 * touches single array elements.
 */
#ifndef TYL_EMIT_INTERNAL_H
#define TYL_EMIT_INTERNAL_H

#include <stdio.h>

#include "../ir/ir.h"

/* A sweep's kernel being emitted. */
enum { EMIT_MAX_TARGETS = IR_FUSE_MAX }; /* pass_fuse's groups fit */

typedef struct kctx {
    ir_stmt *s;         /* the sweep, fused group or reduction */
    int nt;             /* targets written (sweeps of a fused group), 0 for a reduction */
    ir_stmt *sw[EMIT_MAX_TARGETS]; /* the sweeps, in order */
    int B;              /* box rank */
    int cuda;           /* flat per-thread offsets instead of row pointers */
    int restrict_ok;    /* pointers may be restrict-qualified */
    int w_reads;        /* pointwise reads of the target go through the target pointer */
    int wrap_fast;      /* C, middle of a peeled row: periodic reads index their row directly */
    vec reads;          /* ir_view*: one kernel parameter each */
    vec scalars;        /* ir_expr*: hoisted scalar subexpressions */
    int uses_index;     /* the kernel reads sweep indices: it takes the part's origin o0.. */
    int rows;           /* C: the kernel computes rows [tyl_lo, tyl_hi) of box dimension 0 on the
                           calling thread; its adapter shares them in a parallel region or, for a
                           small part, calls it once (emit_sweep_adapter) */
    int simd;           /* C: the innermost loop runs as SIMD lanes (sched->simd) */
    unsigned stream;    /* C: targets whose stores may bypass the caches (sched->stream) */
    int point_bytes;    /* the bytes one point moves, for the run time's decision to stream */
    int stream_elem;    /* the bytes of a streamed target's element (its rows' length in bytes) */
    int stream_buf;     /* while printing the streamed variant: those targets go to a buffer */
    int stream_vec;     /* C: the streamed row may be stored from vector registers (sched) */
    unsigned prefetch_how; /* C: PF_ROWS, PF_IN_ROW, PF_BLOCK (sched) */
    int block_live;     /* C (PF_BLOCK): the rows of a block's row index kept in the cache (sched) */
    vec *prefetch;      /* C: ir_view*, reads whose rows are prefetched ahead (sched), or NULL */
    /* a tiled kernel (emit_stages.c): prints a read of a stage's temporary, else returns 0 */
    int (*stage_read)(strbuf *b, ir_expr *e, struct kctx *k);
    /* a tiled kernel's carried subexpressions (emit_stages.c): prints one, else returns 0 */
    int (*subst)(strbuf *b, ir_expr *e, struct kctx *k);
    /* a tiled kernel: per read, box points past a part's box it reads too (a stage's grown
       tile); NULL: none (the descriptor's reach, for tyl_timetile.c) */
    int (*reach)[IR_MAX_RANK];
} kctx;

typedef struct ectx ectx; /* the host program being printed (below) */

typedef struct emit_target {
    const char *header;  /* the run-time header the program includes */
    int cuda;
    /* Write the kernel's definition (the body text is emit_kexpr of the sweep value). */
    void (*kernel)(FILE *o, ir_stmt *s, kctx *k);
    /* Write what precedes the argument list of a kernel call ("tyl_k3" or a launch). */
    void (*launch)(FILE *o, int ind, ir_stmt *s, kctx *k);
    /* Write the kernel of a reduction: partial results into part[0 .. number of partials). */
    void (*reduce_kernel)(FILE *o, ir_stmt *s, kctx *k);
    /* Write a loop the schedule replays as a CUDA graph (sched->graph_period > 0; CUDA only). */
    void (*graph_loop)(ectx *c, int ind, ir_stmt *s);
} emit_target;

void emit_program(ir_program *p, FILE *out, const emit_target *t);
const emit_target *emit_c_target(void); /* emit_c.c's (library mode prints with it) */
const emit_target *emit_cuda_target(void); /* emit_cuda.c's (library mode with --target=cuda) */

/* Kernel text helpers. */
void emit_kexpr(strbuf *b, ir_expr *e, kctx *k);          /* the elementwise value */
void emit_access(strbuf *b, kctx *k, int idx, ir_view *v);/* operand idx (-1 target) here */
void emit_operand_name(strbuf *b, kctx *k, int idx);      /* "w", "w2", "r1", ... */
/* The kernel's targets' assignments, one a line ("wr[i1] = ...;"), as text. */
void emit_kernel_body(strbuf *b, kctx *k, const char *rowsuf);
int emit_static_stride(ir_view *v, int k);                /* 1, 0, or -1 (run time) */
const char *emit_source_line(int line);     /* comment-safe (util_c_comment) */
const char *emit_file_literal(void);        /* the input path as an escaped C string literal */
void emit_line_comment(FILE *o, int line);  /* a comment naming PATH:LINE and the source line */
/* Row pointers ("wr", "r1r", ...) declared inside loop d for a contiguous innermost loop. */
void emit_row_pointers(FILE *o, kctx *k, int d, int ind, const char *restrict_kw);
int emit_has_wrap(ir_view *v);            /* a periodic (np.roll) dimension */
void emit_kernel_params(FILE *o, ir_stmt *s, kctx *k, const char *restrict_kw);
/* C: the run time's decision to stream (a local tyl_st), printed before the loop nest when the
 * schedule allows it; then the innermost loop over the whole row, with body (its lines, the
 * text of emit_kernel_body), at indentation ind: SIMD lanes, and the streamed variant. */
void emit_c_stream_decision(FILE *o, kctx *k);
void emit_c_inner_loop(FILE *o, int ind, kctx *k, const char *body);
/* "#pragma omp simd" at indentation ind when the schedule allows it (the middle of a row). */
void emit_c_simd(FILE *o, int ind, kctx *k);
/* C, after a kernel's rows (k->rows): the fence of its streamed stores, which each thread
 * passes before the adapter's region ends (its barrier), so no thread reads a row in flight. */
void emit_c_fence(FILE *o, kctx *k);
/* Reductions: the identity of s->op for s->var->type, and "acc = combine(acc, v);". */
const char *emit_red_identity(ir_stmt *s);
int emit_red_exact(ir_stmt *s);  /* a float sum in NumPy's order (C: tyl_reduce.c) */
int emit_red_direct(ir_stmt *s); /* ... of a view itself, not of an expression */
int emit_red_sel(ir_stmt *s, kctx *k); /* ... of a selection a[m]: the kernel writes each point's m */
void emit_red_combine(FILE *o, ir_stmt *s, const char *acc, const char *v);


/* Expression text helpers (emit_expr.c). */
extern const emit_target *emit_cur_target;   /* the back end being printed */
void emit_c_string(strbuf *b, const char *s); /* an escaped C string literal */
void emit_where_str(strbuf *b, loc l);        /* "file:line" as a C string literal */
const char *emit_tyname(ir_type t);           /* "TYL_FLOAT64", ... */
const char *emit_layout_ref(ir_var *v);       /* "&tyl_L0", or "NULL" for a replicated slot */
const char *emit_elem_suffix(ir_type t);      /* "f64", ... (tyl_eget_f64) */
int emit_view_eq(ir_view *a, ir_view *b);
int emit_dim_of_box(ir_view *v, int k);       /* array dimension iterated by box dimension k */
void emit_elem_stride(strbuf *b, ir_var *slot, int d);
/* Host element reads of the slots a loop holds (pass_sched_held) go through its hold while it is
 * printed: push before its body, pop after. */
void emit_held_push(const ir_stmt *loop);
void emit_held_pop(void);

/* ---- the host program (emit_host.c, emit_sweep.c, emit_ck.c) ---- */

struct ectx {
    FILE *o;         /* main()'s body */
    FILE *kf;        /* kernels, written before main() */
    FILE *sink;      /* kernels written a second time go nowhere */
    char *written;   /* written[k]: kernel k has been written (a statement printed twice keeps one) */
    ir_program *p;   /* with its schedule (sched.h) */
    const emit_target *t;
    strbuf *hoist;   /* main() only: the sweeps' arrays and scalars tables, printed at its top */
    const char *hoist_decl; /* what begins each table's line: "    " in main(), "static " at file
                            scope (main() cut into parts, sched->parts) */
    vec hoisted;     /* intptr_t: the statements whose tables are there */
    vec kernels;     /* triples: a kernel's text with its id as '#', the id it was written for,
                        the text's hash */
    int rows;        /* printing a loop nest marked rows_once: its row stores are remembered */
};

/* host code lines (emit_expr.c) */
void emit_put(ectx *c, int ind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void emit_hline(ectx *c, int ind, loc l);     /* #line back to the .tyl */
const char *emit_S(ir_expr *e);               /* C text of a host scalar expression */
const char *emit_W(loc l);                    /* "file:line" literal of a location */
void emit_stmt(ectx *c, int ind, ir_stmt *s);
/* Library mode (emit_lib.c): prints the statements it claims (returns 1), before emit_stmt. */
extern int (*emit_stmt_hook)(ectx *c, int ind, ir_stmt *s);
void emit_layouts(FILE *out, const ir_program *p); /* the tyl_layout table */
void emit_layout(FILE *out, const char *name, const ir_layout *L); /* one static tyl_layout */
void emit_ctx_open(ectx *c, const emit_target *t, ir_program *p);
void emit_preamble(FILE *out, int cuda);           /* version check, TYL_PAR_MIN, clang's simd remark */
/* Each #line to the .tyl covers one C line; the generated file's own lines follow it. */
void emit_sync_lines(FILE *in, FILE *out);
void emit_block(ectx *c, int ind, vec *body);
void emit_sweep(ectx *c, int ind, ir_stmt *s);  /* S_SWEEP, S_FUSED (emit_sweep.c) */
void emit_c_tiled_kernel(FILE *o, ir_stmt *s, kctx *k); /* sched->tiled (emit_stages.c) */
void emit_reduce(ectx *c, int ind, ir_stmt *s); /* S_REDUCE (emit_sweep.c) */
void emit_ck_expect(ectx *c, int ind, ir_stmt *s);            /* emit_ck.c */
void emit_ck_tables(ectx *c, ir_program *p, FILE *out);       /* emit_ck.c */
/* main() cut into parts (sched->parts): the time loops' counters and live sets at file scope,
 * and at the top of the part of statements [from, to) a restart's jump to its loop. */
void emit_ck_statics(ir_program *p, FILE *out);               /* emit_ck.c */
void emit_ck_resume(ectx *c, ir_program *p, int from, int to); /* emit_ck.c */
int emit_ck_part_label(ir_program *p, int k); /* 1: part k holds a time loop (label tyl_ck_Pk) */

#endif
