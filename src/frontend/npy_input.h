/* npy_input.h: the .npy files a program loads, seen at compile time (see npy_input.c). */
#ifndef NPY_INPUT_H
#define NPY_INPUT_H

#include "../ir/ir.h"

/* The paths an input file `name` is looked for at, in order (in util_arena). */
void npy_input_candidates(const char *name, const char *cands[3]);
/* The dtype, rank and shape of the .npy file `name` that np.load reads: 1 with *t, *rank and
 * shape[0..rank) set, 0 when the file is nowhere to be found, -1 with *msg (in util_arena) naming
 * the file and what is wrong with it. */
int npy_input_peek(const char *name, ir_type *t, int *rank, int64_t shape[IR_MAX_RANK], const char **msg);

#endif
