/* state_mixed.c: state_mixed.tyl's defs from C. Its module-level field c is read as a stencil
 * by state_mixed_step and whole by state_mixed_flipped and state_mixed_mirror, and each changes
 * it: the context keeps it distributed with the stencil's halo, and a def reading it whole gets
 * it gathered (its changes put back). The calls the module makes, then u, v and c bit for bit
 * against the program's u.npy, v.npy and c.npy (tests/lib/run.sh, 1 and 3 ranks). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "state_mixed.h"
#include "../../samples/app_c/npy_read.h"
#include "lib_check.h"

static int me, failures;

static void check_arr(tyl_array *a, const double *want, const char *what)
{
    long bad = a ? lib_differ(a, want) : -1;
    failures += bad != 0;
    if (me == 0)
        printf("%s %s: %ld elements differ from the program's\n", bad ? "FAIL" : "ok", what, bad);
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    const int64_t N = 24, shape[2] = {N, N};
    int64_t sh[2];
    double *want_u = npy_read_f64("u.npy", 2, sh), *want_v = npy_read_f64("v.npy", 2, sh);
    double *want_c = npy_read_f64("c.npy", 2, sh);
    tyl_ctx *ctx;
    tyl_ctx_create(MPI_COMM_WORLD, STATE_MIXED_GRID_RANK, NULL, &ctx);
    const int h[2] = {STATE_MIXED_HALO, STATE_MIXED_HALO};
    tyl_array *u, *v = NULL, *c = NULL;
    tyl_array_create(ctx, TYL_FLOAT64, 2, shape, h, &u);
    tyl_local L;
    tyl_array_local(u, &L);
    for (int64_t i = 0; i < L.n[0]; i++)
        for (int64_t j = 0; j < L.n[1]; j++)
            ((double *)L.data)[i * L.stride[0] + j] = L.lo[0] + i >= N / 3 && L.lo[0] + i < N / 2 ? 2.0 : 1.0;
    tyl_array_modified(u);
    int st = TYL_OK;
    for (int t = 0; t < 5 && st == TYL_OK; t++)
        st = state_mixed_step(ctx, u);
    if (st == TYL_OK)
        st = state_mixed_mirror(ctx);
    for (int t = 0; t < 5 && st == TYL_OK; t++)
        st = state_mixed_step(ctx, u);
    if (st == TYL_OK)
        st = state_mixed_flipped(ctx, u, &v);
    if (st == TYL_OK)
        st = state_mixed_get_c(ctx, &c);
    if (st != TYL_OK) {
        failures++;
        if (me == 0)
            printf("FAIL %s\n", tyl_ctx_error(ctx));
    } else {
        check_arr(u, want_u, "u (read with c as a stencil)");
        check_arr(v, want_v, "v (c read whole)");
        check_arr(c, want_c, "c (changed by both kinds of reader)");
    }
    tyl_array_destroy(v);
    tyl_array_destroy(c);
    tyl_ctx_destroy(ctx);
    free(want_u);
    free(want_v);
    free(want_c);
    MPI_Finalize();
    return failures != 0;
}
