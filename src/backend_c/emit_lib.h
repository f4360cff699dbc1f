/* emit_lib.h: tylesc --lib, the C side: one source with a function per exported def and the
 * module body, its header (C and C++) and its Fortran 2003 module (emit_lib.c).
 *
 * Requires: per function a program after the schedule passes, with kernel and layout numbers
 * unique across the module (the driver numbers them), and the export it computes
 * (lib.h: its parameters come in through reserved np.load names, its results and the arrays
 * passed in go out through reserved np.save names). Establishes: PREFIX_NAME(ctx, ...) per
 * export and PREFIX_run(ctx), each returning TYL_OK or TYL_ERROR (tyles_lib.h).
 */
#ifndef TYL_EMIT_LIB_H
#define TYL_EMIT_LIB_H

#include <stdio.h>

#include "../frontend/lib.h"
#include "../ir/ir.h"

typedef struct emit_lib_unit {
    ir_program *p;
    lib_export *x;      /* NULL: the module body, PREFIX_run */
    const char *cname;  /* "heat_step" */
    const char *macro;  /* "HEAT_STEP" */
} emit_lib_unit;

typedef struct emit_lib_module {
    const char *prefix; /* "heat": the output's name as a C identifier */
    const char *macro;  /* "HEAT" */
    const char *header; /* "heat.h", as the source includes it */
    int grid_rank;      /* of every function (PREFIX_GRID_RANK) */
    int cuda;           /* the functions run on the GPU (--target=cuda: a .cu, emit_cuda_lib.c) */
    int n;
    emit_lib_unit *u;
} emit_lib_module;

void emit_lib_c(const emit_lib_module *m, FILE *out);
void emit_lib_h(const emit_lib_module *m, FILE *out);
void emit_lib_f90(const emit_lib_module *m, FILE *out);
/* The CUDA parts (src/backend_cuda/emit_cuda_lib.c): the source's includes after its header,
 * and the header's lines on where the arrays live and which stream the calls use. */
void emit_cuda_lib_includes(FILE *out);
void emit_cuda_lib_h(const emit_lib_module *m, FILE *out);

/* The halo width array parameter k of u needs (the widest of its axes and sides); -1 for a
 * replicated one. */
int emit_lib_halo(const emit_lib_unit *u, int k);
/* The slot parameter k of u is bound to (NULL if the program has none). */
ir_var *emit_lib_arg_slot(const emit_lib_unit *u, int k);

#endif
