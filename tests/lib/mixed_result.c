/* mixed_result.c: mixed_result_relax from C, its result `change` an int or a float by the path
 * taken in the .tyl (a double here): prints the iterations and the change as the program does,
 * and checks u bit for bit against the program's u.npy (tests/lib/run.sh, 1 and 3 ranks). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "mixed_result.h"
#include "../../samples/app_c/npy_read.h"
#include "lib_check.h"

int main(int argc, char **argv)
{
    int provided, me;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    int64_t sh[1], shape[1] = {32};
    double *want = npy_read_f64("u.npy", 1, sh);
    tyl_ctx *ctx;
    tyl_array *u;
    int64_t it = 0;
    double change = 0;
    int st = mixed_result_ctx_create(MPI_COMM_WORLD, &ctx);
    const int h[1] = {MIXED_RESULT_HALO};
    st |= tyl_array_create(ctx, TYL_FLOAT64, 1, shape, h, &u);
    tyl_local L;
    tyl_array_local(u, &L);
    for (int64_t i = 0; i < L.n[0]; i++)
        ((double *)L.data)[i] = L.lo[0] + i == 31 ? 1.0 : 0.0;
    tyl_array_modified(u);
    st |= mixed_result_relax(ctx, u, 1e-3, &it, &change);
    long bad = st == TYL_OK ? lib_differ(u, want) : -1;
    if (me == 0) {
        if (st != TYL_OK)
            printf("FAIL %s\n", tyl_ctx_error(ctx));
        printf("%lld %.17g\n", (long long)it, change);
        printf("%s u: %ld elements differ from u.npy\n", bad ? "FAIL" : "ok", bad);
    }
    tyl_ctx_destroy(ctx);
    free(want);
    MPI_Finalize();
    return st != TYL_OK || bad != 0;
}
