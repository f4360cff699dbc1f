/* tyl_txtparse.h: the numbers of a small text file, read as np.loadtxt and np.genfromtxt read
 * them. Shared by the compiler (tylesc reads the shape of a file it can see, which decides the
 * array's number of dimensions) and the run-time library (np.loadtxt), so both accept and refuse
 * the same files with the same words. C11 and stdio: no MPI. */
#ifndef TYL_TXTPARSE_H
#define TYL_TXTPARSE_H

#include <stddef.h>
#include <stdint.h>

enum {
    TYL_TXT_WHY_LEN = 512,  /* room for a reason */
    TYL_TXT_MAX_USE = 16,   /* usecols entries */
};

/* The options of the call, as written in the program (the compiler checked their types). */
typedef struct tyl_txt_opts {
    const char *delim;      /* NULL: runs of whitespace */
    const char *comments;   /* NULL: none */
    int64_t skip;           /* skiprows (loadtxt), skip_header (genfromtxt): lines */
    int64_t max_rows;       /* -1: all */
    int nuse;               /* usecols entries (0: every column) */
    int64_t use[TYL_TXT_MAX_USE];
    int use_int;            /* usecols was one int, not a sequence */
    int ndmin;              /* 0, 1, 2 */
    int unpack;             /* the result transposed */
    int gen;                /* np.genfromtxt: an empty or unreadable field is nan */
    int as_int;             /* dtype=int: fields parse as int64 (loadtxt) */
    const char *tyname;     /* "float64", ... for messages */
} tyl_txt_opts;

/* Parses text[0..len) into rows x cols numbers (C order, doubles; int64 values stored as doubles
 * are exact below 2**53, and as_int keeps them in *ivals instead when ivals is not NULL).
 * vals may be NULL to count only. Returns 0, or 1 with the reason in why ("ValueError: ...",
 * NumPy's words). *vals / *ivals are malloc'ed (the caller frees them). */
int tyl_txt_parse(const char *text, size_t len, const tyl_txt_opts *o, double **vals, int64_t **ivals,
                  int64_t *rows, int64_t *cols, char why[TYL_TXT_WHY_LEN]);

/* The shape NumPy returns for rows x cols numbers read with o: squeezed unless ndmin keeps
 * dimensions, at least ndmin of them, transposed by unpack. Returns the number of dimensions. */
int tyl_txt_shape(const tyl_txt_opts *o, int64_t rows, int64_t cols, int64_t shape[2]);

/* Reads the whole file (a regular file) into a malloc'ed, NUL-terminated buffer. Returns NULL
 * with why on failure (NumPy's FileNotFoundError words). */
char *tyl_txt_slurp(const char *path, size_t *len, char why[TYL_TXT_WHY_LEN]);

#endif
