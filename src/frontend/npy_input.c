/* npy_input.c: the .npy files that np.load reads, looked at when compiling. The generated code
 * declares the loaded array with the file's dtype and rank, so tylesc reads the file's header,
 * with the parser the run-time library uses (runtime_mpi/tyl_npyhdr.c): a file that the program
 * would refuse at run time is refused here with the same words.
 * Requires: diag's file name (where the program is). Builds nothing but messages (util_arena). */
#include "npy_input.h"

#include <errno.h>
#include <string.h>

#include "../runtime_mpi/tyl_npyhdr.h"
#include "../util/util.h"
#include "../util/diag.h"
#include "input_decl.h"

/* Where an input file is looked for: the working directory, next to the program, and
 * PROGRAM.data/ beside it (np.load's .npy files here, lower_loadtxt.c's text files). */
void npy_input_candidates(const char *name, const char *cands[3])
{
    const char *src = diag_filename();
    const char *slash = strrchr(src, '/');
    const char *dir = slash ? arena_strndup(&util_arena, src, (size_t)(slash - src)) : ".";
    const char *stem = slash ? slash + 1 : src;
    size_t sl = strlen(stem);
    if (sl > 4 && strcmp(stem + sl - 4, ".tyl") == 0)
        stem = arena_strndup(&util_arena, stem, sl - 4);
    cands[0] = name;
    cands[1] = arena_printf(&util_arena, "%s/%s", dir, name);
    cands[2] = arena_printf(&util_arena, "%s/%s.data/%s", dir, stem, name);
}

int npy_input_peek(const char *name, ir_type *t, int *rank, int64_t shape[IR_MAX_RANK], const char **msg)
{
    const char *cands[3];
    npy_input_candidates(name, cands);
    for (int i = 0; i < 3; i++) {
        /* only a regular file, as the program reads it (a FIFO hung tylesc) */
        int err;
        FILE *f = tyl_npyhdr_open(cands[i], &err);
        const char *where = cands[i];
        if (!f && err != 0 && err != EISDIR)
            continue;
        if (!f) {
            *msg = arena_printf(&util_arena, "cannot read '%s': %s", where,
                                err ? "it is a folder" : "not a regular file (a pipe, a device or a socket)");
            return -1;
        }
        input_decl_opened(cands[i]); /* a dependency of the output (tylesc -MD) */
        tyl_npyhdr h;
        char why[TYL_NPYHDR_WHY_LEN];
        int bad = tyl_npyhdr_read(f, &h, why);
        fclose(f);
        if (bad) {
            *msg = arena_printf(&util_arena, "'%s' %s", where, why);
            return -1;
        }
        static const struct { char kind; int size; ir_type t; } m[] = {
            {'f', 8, T_F64}, {'f', 4, T_F32}, {'i', 8, T_I64}, {'i', 4, T_I32}, {'b', 1, T_BOOL},
            {'i', 2, T_I16}, {'i', 1, T_I8}, {'u', 8, T_U64}, {'u', 4, T_U32}, {'u', 2, T_U16},
            {'u', 1, T_U8},
        };
        size_t k = 0;
        while (k < sizeof m / sizeof *m && !(m[k].kind == h.kind && m[k].size == h.size))
            k++;
        if (k == sizeof m / sizeof *m)
            *msg = arena_printf(&util_arena, "'%s' holds '%s' data, a dtype that is not supported "
                                "(float64, float32, int64, int32, int16, int8, uint64, uint32, uint16, "
                                "uint8, bool)", where, h.descr);
        else if (h.fortran_order)
            *msg = arena_printf(&util_arena, "'%s' is stored in Fortran order; save it in C order "
                                "(np.ascontiguousarray)", where);
        else if (h.ndim < 1 || h.ndim > IR_MAX_RANK)
            *msg = arena_printf(&util_arena, "'%s' holds a %d-dimensional array; np.load needs 1 "
                                "to %d dimensions", where, h.ndim, IR_MAX_RANK);
        else
            *msg = NULL;
        if (*msg)
            return -1;
        *t = m[k].t;
        *rank = h.ndim;
        for (int d = 0; d < h.ndim; d++)
            shape[d] = h.shape[d];
        return 1;
    }
    return 0;
}
