/* input_decl.h: np.load inputs declared instead of read at compile time, and the .npy files the
 * compiler did read (for tylesc -MD). See input_decl.c. */
#ifndef INPUT_DECL_H
#define INPUT_DECL_H

#include "../ir/ir.h"
#include "../util/util.h"

/* dtype by NumPy name (float64, float32, int64, int32, bool): 0, or -1 for any other name */
int input_decl_dtype(const char *name, ir_type *t);

/* Declare np.load(name) as an array of dtype t and `rank` dimensions. A second declaration of the
 * same name must agree: 0, or -1 when it differs (the caller reports). */
int input_decl_add(const char *name, ir_type t, int rank);

/* 1 with *t, *rank set when name (the string given to np.load) was declared, else 0. */
int input_decl_find(const char *name, ir_type *t, int *rank);

/* The "# tyles: input NAME DTYPE RANK" comment lines of a program's text: each declares an
 * input; a malformed one is reported through diag. */
void input_decl_scan(const char *text);

/* A .npy file the compiler opened to read its header: a dependency of the output (-MD). */
void input_decl_opened(const char *path);
const vec *input_decl_opened_files(void); /* const char* paths, in order, without repeats */

#endif
