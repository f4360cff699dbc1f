/* lib.h: tylesc --lib, the front end's part (lower_lib.c): what each top-level def exports and
 * the module that computes one call of it.
 *
 * An exported def `f(u, nu)` is compiled as a program of its own: the module's imports, defs,
 * parameters and constants, then its arguments bound (arrays through np.load of a reserved
 * name, declared like --input, so their shapes are run-time values; scalars as parameters),
 * then the call, its results and the arrays passed in (np.save of reserved names). The library
 * emitter (emit_lib.c) prints those loads and saves as the caller's arrays going in and out.
 */
#ifndef TYL_LIB_H
#define TYL_LIB_H

#include "../ir/ir.h"
#include "ast.h"

enum { LIB_MAX_PARAMS = 32, LIB_MAX_RESULTS = 8 };

/* One parameter or result of an export. */
typedef struct lib_item {
    const char *name;   /* the def's parameter name; for a result "result", "result0", ... */
    const char *global; /* the module-level name the call passes (parameters) or binds (results) */
    int is_array;
    ir_type type;
    int rank;           /* arrays */
    int known;          /* dtype and rank known (from a call or an annotation) */
    int same_as;        /* arrays: the earlier parameter whose shape the module's call gives this
                           one too (the compiler relates their extents; checked at run time), or -1 */
} lib_item;

typedef struct lib_export {
    ast *def;
    int np;
    lib_item param[LIB_MAX_PARAMS];
    int nret;           /* results; -1 before the call was lowered once */
    int ret_tuple;      /* the def returns a tuple (nret items) */
    lib_item ret[LIB_MAX_RESULTS];
} lib_export;

/* Start recording the calls of the module's top-level defs (while the module is lowered). */
void lib_record_begin(ast *module);
/* After the module was lowered: one export per top-level def, its parameters' dtypes and ranks
 * from the module's calls or its annotations; a def without either is reported (diag).
 * Returns the number of exports, -1 after errors. */
int lib_exports(ast *module, lib_export **out);
/* The module computing one call of x; with_results 0: only the call (lowering it tells x's
 * results, see lib_note_results), 1: the results and the arrays passed in saved. */
ast *lib_export_module(ast *module, lib_export *x, int with_results);
/* After lowering lib_export_module(.., 0): x's results, from the call. -1 after a message. */
int lib_note_results(lib_export *x);

/* The reserved np.load / np.save names: "\001arg:I" (parameter I in), "\001res:J" (result J
 * out), "\001wb:I" (the array given as parameter I, at the end of the call). 1 when s is one,
 * with *what ('a', 'r', 'w') and *index set. */
int lib_reserved_name(const char *s, char *what, int *index);

#endif
