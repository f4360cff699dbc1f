/* tyl_os.c: the few calls of Python's sys and os modules that simulation scripts make around
 * their computation: os.makedirs / os.mkdir for an output folder, os.path.exists / isdir /
 * isfile to test for one, and the text files open(path, "w") writes (print's stream 100 + k
 * writes to file k, tyl_print.c). sys.exit ends the run: tyl_rt_end.c.
 *
 * The file system is touched by rank 0 alone and its answer broadcast, so every rank takes the
 * same branch and stops together (a collective call, from the main thread). Errors are Python's
 * uncaught exceptions, with the errno text Python prints: "FileExistsError: [Errno 17] File
 * exists: 'out'". */

#include "tyl_internal.h"
#include "tyl_mpi.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* rank 0's int, on every rank */
static int from_rank0(int v)
{
#ifndef TYL_NO_MPI
    if (tyl_rt_nranks() > 1)
        MPI_Bcast(&v, 1, MPI_INT, 0, tyl_rt_comm_);
#endif
    return v;
}

/* Python's OSError subclass for errno e, as an uncaught exception prints it. */
const char *tyl_os_error_name_(int e)
{
    switch (e) {
    case EEXIST: return "FileExistsError";
    case ENOENT: return "FileNotFoundError";
    case EACCES:
    case EPERM: return "PermissionError";
    case ENOTDIR: return "NotADirectoryError";
    case EISDIR: return "IsADirectoryError";
    default: return "OSError";
    }
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* os.makedirs(path, exist_ok): every missing parent too, as Python's (which tries the parents
 * first, then the leaf, so the leaf's error is the one reported). */
static int makedirs(const char *path, int exist_ok)
{
    size_t n = strlen(path);
    char *p = malloc(n + 1);
    if (!p)
        return ENOMEM;
    memcpy(p, path, n + 1);
    while (n > 1 && p[n - 1] == '/') /* os.makedirs("out/") makes "out" */
        p[--n] = '\0';
    for (char *s = p + 1; *s; s++)
        if (*s == '/' && s[-1] != '/') {
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                int e = errno;
                *s = '/';
                free(p);
                return e;
            }
            *s = '/';
        }
    int e = mkdir(p, 0777) == 0 ? 0 : errno;
    if (e == EEXIST && exist_ok && is_dir(p))
        e = 0;
    free(p);
    return e;
}

void tyl_os_mkdir(const char *path, int parents, int exist_ok, const char *where)
{
    int e = 0;
    if (tyl_rt_rank_ == 0)
        e = parents ? makedirs(path, exist_ok) : (mkdir(path, 0777) == 0 ? 0 : errno);
    e = from_rank0(e);
    if (e)
        tyl_rt_error_all(where, "%s: [Errno %d] %s: '%s'", tyl_os_error_name_(e), e, strerror(e), path);
}

int tyl_os_path_test(const char *path, int kind)
{
    int r = 0;
    if (tyl_rt_rank_ == 0) {
        struct stat st;
        if (stat(path, &st) == 0)
            r = kind == 0 || (kind == 1 && S_ISDIR(st.st_mode)) || (kind == 2 && S_ISREG(st.st_mode));
    }
    return from_rank0(r);
}

/* ---- files open() opened for writing (the table of their streams is print's, tyl_print.c) ---- */

void tyl_file_open(int k, const char *path, int append, const char *where)
{
    int e = 0;
    FILE *f = NULL;
    tyl_file_close(k); /* opened again (a loop): Python closed the old one when its name was rebound */
    if (tyl_rt_rank_ == 0) {
        f = fopen(path, append ? "a" : "w");
        e = f ? 0 : errno;
    }
    e = from_rank0(e);
    if (e)
        tyl_rt_error_all(where, "%s: [Errno %d] %s: '%s'", tyl_os_error_name_(e), e, strerror(e), path);
    if (tyl_print_file_opened_(k, f))
        tyl_rt_error_all(where, "internal error: file number %d out of range", k);
}
