/* lib_check.h: what the library tests' applications (tests/lib, run.sh) check. */
#ifndef LIB_CHECK_H
#define LIB_CHECK_H

#include <mpi.h>
#include <string.h>

#include "tyles_lib.h"

/* Elements of a float64 array of 1 or 2 dimensions (distributed or not) that differ from the
 * global C-ordered `want` (NULL: all of them), bit for bit, over all ranks of MPI_COMM_WORLD. */
static inline long lib_differ(tyl_array *x, const double *want)
{
    tyl_local L;
    tyl_array_local(x, &L);
    long bad = !want, total = 0;
    int64_t n1 = L.rank == 2 ? L.n[1] : 1, s1 = L.rank == 2 ? L.shape[1] : 1, lo1 = L.rank == 2 ? L.lo[1] : 0;
    for (int64_t i = 0; !bad && i < L.n[0]; i++)
        for (int64_t j = 0; j < n1; j++)
            bad += memcmp((double *)L.data + i * L.stride[0] + j, want + (L.lo[0] + i) * s1 + lo1 + j, 8) != 0;
    MPI_Allreduce(&bad, &total, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    return total;
}

#endif
