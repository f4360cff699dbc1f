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
    lib_export *x;      /* NULL: the module body, PREFIX_run, or the state's module */
    int init;           /* 1: the module computing the state (lib.h), PREFIX_init */
    const ir_layout *least; /* p->layouts before time tiling deepened their halos (by index):
                               what an argument needs at the least */
    const char *cname;  /* "heat_step" */
    const char *macro;  /* "HEAT_STEP" */
} emit_lib_unit;

typedef struct emit_lib_module {
    const char *prefix; /* "heat": the output's name as a C identifier */
    const char *macro;  /* "HEAT" */
    const char *header; /* "heat.h", as the source includes it */
    int grid_rank;      /* the highest of the grids (PREFIX_GRID_RANK) */
    unsigned grids;     /* bit G: a function distributes arrays of G dimensions (PREFIX_GRID_RANKS) */
    int cuda;           /* the functions run on the GPU (--target=cuda: a .cu, emit_cuda_lib.c) */
    int n;
    emit_lib_unit *u;
    const lib_state *st; /* the module state the functions read (st->n 0: none) */
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
/* The slot state K is bound to in an export (NULL if it reads none), or saved from in the
 * state's module. */
ir_var *emit_lib_state_slot(const emit_lib_unit *u, int k);
/* How the context keeps state array K: *dist 1 distributed, when a function reads it as a
 * stencil (one that reads it whole then gets it gathered, tyl_lib_state_whole), with the
 * widest halo they need. Returns 0. */
int emit_lib_state_use(const emit_lib_module *m, int k, int *dist, int *halo);

#endif
