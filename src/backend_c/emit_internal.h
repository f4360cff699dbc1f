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
enum { EMIT_MAX_TARGETS = 16 };

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
} kctx;

typedef struct emit_target {
    const char *header;  /* the run-time header the program includes */
    int cuda;
    /* Write the kernel's definition (the body text is emit_kexpr of the sweep value). */
    void (*kernel)(FILE *o, ir_stmt *s, kctx *k);
    /* Write what precedes the argument list of a kernel call ("tyl_k3" or a launch). */
    void (*launch)(FILE *o, int ind, ir_stmt *s, kctx *k);
    /* Write the kernel of a reduction: partial results into part[0 .. number of partials). */
    void (*reduce_kernel)(FILE *o, ir_stmt *s, kctx *k);
} emit_target;

void emit_program(ir_program *p, FILE *out, const emit_target *t);

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
/* Reductions: the identity of s->op for s->var->type, and "acc = combine(acc, v);". */
const char *emit_red_identity(ir_stmt *s);
void emit_red_combine(FILE *o, ir_stmt *s, const char *acc, const char *v);

#endif
