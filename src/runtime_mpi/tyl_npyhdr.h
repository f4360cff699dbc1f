/* tyl_npyhdr.h: the header of a .npy file, read as numpy.lib.format reads it. Shared by the
 * compiler (tylesc reads the dtype and rank of np.load inputs) and the run-time library (np.load),
 * so both accept and refuse the same files with the same words. C11, stdio and POSIX open: no MPI. */
#ifndef TYL_NPYHDR_H
#define TYL_NPYHDR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
    TYL_NPYHDR_MAX_DIMS = 64,    /* NumPy's limit on dimensions */
    TYL_NPYHDR_MAX_LEN = 10000,  /* NumPy's limit on the header length (max_header_size) */
    TYL_NPYHDR_WHY_LEN = 256,    /* room for a reason (tyl_npyhdr_read's why) */
};

typedef struct tyl_npyhdr {
    int major, minor;        /* format version: 1.0, 2.0 or 3.0 */
    char descr[24];          /* 'descr' as written (cut short if longer), for messages */
    char kind;               /* 'f', 'i', 'u' or 'b' (bool); 0 when no Tyles dtype matches descr */
    int size;                /* bytes per element (with kind) */
    int big_endian;          /* the data is big-endian (descr '>f8'; never for size 1) */
    int fortran_order;       /* 'fortran_order': True, with more than one extent above 1 */
    int ndim;                /* len('shape') */
    int64_t shape[TYL_NPYHDR_MAX_DIMS];
    int64_t data_offset;     /* where the data starts in the file */
} tyl_npyhdr;

/* Opens path to read a .npy from when it is a regular file, without waiting on a FIFO (tylesc and
 * the program hung on one). Returns the file, or NULL with *err: the errno (EISDIR for a folder),
 * or 0 for a file of another kind (a pipe, a device, a socket). */
FILE *tyl_npyhdr_open(const char *path, int *err);

/* Reads the header of the .npy file f from its start and leaves f at the data. Returns 0, or -1
 * with why (TYL_NPYHDR_WHY_LEN bytes) set to what follows the file's quoted name in a message:
 * "is truncated (in its header)", "has a malformed .npy header: unknown key 'x' (...)". */
int tyl_npyhdr_read(FILE *f, tyl_npyhdr *h, char *why);

/* The header's dictionary text (len bytes, after the length field): fills descr, kind, size,
 * big_endian, fortran_order, ndim and shape. Returns 0, or -1 with why set as above. */
int tyl_npyhdr_parse_dict(const char *text, size_t len, tyl_npyhdr *h, char *why);

#endif
