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

enum { LIB_MAX_PARAMS = 32, LIB_MAX_RESULTS = 8, LIB_MAX_STATE = 32 };
/* Parameters and state arrays of one call together: tyles_lib.h's TYL_LIB_MAX_ARGS. */
#define LIB_MAX_CALL 64

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
    int nst;            /* the module state it reads (lib_state_find): */
    int st[LIB_MAX_STATE];      /* state indices, ascending */
    int st_same[LIB_MAX_STATE]; /* the earlier array of the call with its shape: a parameter
                                   (0..np-1), state K (np + K), or -1 */
    int dropped;        /* left out of the library (lib_state_find, a warning said why) */
} lib_export;

/* The module's state (lower_lib_state.c): the module-level arrays and numbers that the module
 * body computes and exported defs read (a coefficient field, a mask, a time step). The
 * context computes them once (PREFIX_init, or the first call that reads them) and keeps them;
 * a def that changes one in place changes the context's. */
typedef struct lib_state {
    int n;
    lib_item item[LIB_MAX_STATE]; /* name (= global): the module-level name */
} lib_state;

/* Start recording the calls of the module's top-level defs (while the module is lowered). */
void lib_record_begin(ast *module);
/* After the module was lowered: one export per top-level def, its parameters' dtypes and ranks
 * from the module's calls or its annotations; a def without either is reported (diag).
 * Returns the number of exports, -1 after errors. */
int lib_exports(ast *module, lib_export **out);
/* The module computing one call of x; with_results 0: only the call (lowering it tells x's
 * results, see lib_note_results), 1: the results and the arrays passed in saved. */
ast *lib_export_module(ast *module, lib_export *x, int with_results);
/* After lowering lib_export_module(.., 0): x's results, from the call. -1 after a message; 1
 * when x is a helper the module calls that a C caller cannot call (it returns a string...): left
 * out with a warning. */
int lib_note_results(lib_export *x);
/* The warning for a def the module calls that is left out of the library, and why. */
void lib_not_exported(ast *def, const char *why);
/* Is x a helper of the module's: a def it calls, without annotations (left out with a warning
 * where a C caller cannot call it; an annotated def gets an error instead)? */
int lib_is_helper(const lib_export *x);

/* After lib_exports: find the state the exports read and the top-level statements computing it
 * (x->nst, x->st). Returns its size, -1 after a message (bound twice, in a loop or an if,
 * changed after the module calls a def that reads it), -2 when the exports reading such a value
 * are all helpers of the module's: they are marked dropped (a warning), and the caller runs it
 * again without them. */
int lib_state_find(ast *module, lib_export *xs, int n);
const lib_state *lib_state_get(void);
loc lib_state_where(int k); /* where the module binds state K */
/* The module computing the state: the imports, defs, parameters, constants and the statements
 * lib_state_find chose; probe 1: then a call that records what each is (lower it, then
 * lib_state_note); 0: then each saved under its reserved name ("\001st:K"). */
ast *lib_state_module(ast *module, int probe);
/* After lowering lib_state_module(.., 1): dtypes and ranks, and per export the arguments of
 * the state arrays' shapes (x->st_same). -1 after a message. */
int lib_state_note(lib_export *xs, int n);

/* For lower_lib_state.c: does the module keep top-level statement s in an export's module
 * (an import, a def, a constant)? Pushes the names it binds to names. */
int lib_kept_stmt(ast *module, ast *s, vec *names);
/* A def whose defaults read more than the names kept (evaluated when the def statement runs)
 * and that none of roots (defs or statements) calls, transitively: left out of a module made
 * for them, where what its defaults read may not be defined. */
int lib_def_unneeded(ast *module, ast *s, ast **roots, int nroots, vec *names);
/* Record the calls of def too (a def the library adds). */
void lib_record_def(ast *def);
/* The first recorded call of def with n parameters: their kinds into items[] (known 0 and
 * desc[k] what it was given, for anything but an array or a number), their shapes (NULL for a
 * scalar). -1 when there was none. */
struct sym;
int lib_recorded(ast *def, int n, lib_item *items, const char **desc, const struct sym *const **shape);
/* The shape of array parameter k in the module's first call of def, or NULL. */
const struct sym *const *lib_call_shape(ast *def, int k);

/* The reserved np.load / np.save names: "\001arg:I" (parameter I in), "\001res:J" (result J
 * out), "\001wb:I" (the array given as parameter I, at the end of the call), "\001st:K" (state
 * K: saved by the state's module, loaded by an export), "\001sw:K" (state array K at the end of
 * an export's call). 1 when s is one, with *what ('a', 'r', 'w', 's', 'v') and *index set. */
int lib_reserved_name(const char *s, char *what, int *index);

#endif
