/* sym.h: symbolic integers for compile-time shape reasoning.
 *
 * A sym is an affine form c + sum(k_i * atom_i) over ATOMS: the program's integer parameters
 * and opaque values derived from them ("N // 2"). Shapes are lists of syms, so (n-2, n-2) vs
 * (n-2, n-1) is a provable mismatch at compile time, while (N,) vs (M,) is left to a run-time
 * check. A NULL sym means "unknown at compile time".
 */
#ifndef TYL_SYM_H
#define TYL_SYM_H

#include <stdint.h>

#define SYM_MAX_TERMS 6

typedef struct sym {
    int64_t c;
    int n;
    int atom[SYM_MAX_TERMS];   /* sorted ascending */
    int64_t k[SYM_MAX_TERMS];  /* non-zero */
} sym;

/* A new atom; display is how it prints ("N", "N // 2"). Atoms with the same key are the same
 * atom (key is a canonical text; display defaults to the key). */
int sym_atom(const char *key, const char *display);

const sym *sym_const(int64_t c);
const sym *sym_var(int atom);
const sym *sym_add(const sym *a, const sym *b);   /* NULL if either is NULL or too many terms */
const sym *sym_sub(const sym *a, const sym *b);
const sym *sym_mul(const sym *a, const sym *b);   /* NULL unless one side is constant */
const sym *sym_neg(const sym *a);
int sym_equal(const sym *a, const sym *b);        /* both known and identical */
int sym_is_const(const sym *a, int64_t *c);
/* a is an opaque (x min y) with x or y a constant, set in *c (a clipped slice's length,
 * z[:3] of an axis of N: at most 3). */
int sym_min_const(const sym *a, int64_t *c);
/* Canonical text, e.g. "n-2", "2*N+1", "7" ("?" for NULL). */
const char *sym_str(const sym *a);
/* An opaque atom standing for op(a, b) (e.g. floor division), keyed canonically so the same
 * derivation gives the same atom. NULL if a or b is NULL. */
const sym *sym_opaque(const char *op, const sym *a, const sym *b);

/* The value of a under the values val gives its plain atoms (by key; val returns 0 for an
 * atom without one, such as a length read from a file); opaque atoms are evaluated from their
 * derivation (+ - * // % min max, a slice's ceil/k and a slice bound's wrap: a < 0 ? a + b : a). 0 if some atom has no value, a
 * division is by zero or a result overflows. */
typedef int (*sym_atom_value)(void *ctx, const char *key, int64_t *out);
int sym_eval(const sym *a, sym_atom_value val, void *ctx, int64_t *out);

/* Forget all atoms (they live in util_arena: call before that arena is freed and reused). */
void sym_reset(void);

#endif
