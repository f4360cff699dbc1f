/* timetile.c: timetile.tyl's relax from C, a time loop of 23 Jacobi steps in one call, with
 * temporal blocking (tylesc --lib --time-tile=4): u and un against the program's u.npy and
 * un.npy bit for bit, and the halo exchanges this rank made and the groups of steps it ran on
 * deep halos, printed for tests/lib/run.sh to compare with TYLES_TIME_TILE=off; then again with
 * arrays of the one-step halo, which the call accepts and runs one step at a time. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timetile.h"
#include "../../samples/app_c/npy_read.h"
#include "lib_check.h"

static int failures;

int main(int argc, char **argv)
{
    int provided, me;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    const int64_t N = 61, M = 47, shape[2] = {N, M};
    int64_t sh[2];
    double *want_u = npy_read_f64("u.npy", 2, sh), *want_un = npy_read_f64("un.npy", 2, sh);
    double *u0 = npy_read_f64("u0.npy", 2, sh); /* the program's field before the call */
    tyl_ctx *ctx;
    timetile_ctx_create(MPI_COMM_WORLD, &ctx);
    /* the deep halo (TIMETILE_RELAX_U_HALO, 4 steps deep), then the one-step halo of 1 */
    for (int round = 0; round < 2; round++) {
        const int hw = round ? 1 : TIMETILE_RELAX_U_HALO, h[2] = {hw, hw};
        tyl_array *u, *un;
        tyl_array_create(ctx, TYL_FLOAT64, 2, shape, h, &u);
        tyl_array_create(ctx, TYL_FLOAT64, 2, shape, h, &un);
        tyl_local U, V;
        tyl_array_local(u, &U);
        tyl_array_local(un, &V);
        for (int64_t i = 0; u0 && i < U.n[0]; i++)
            for (int64_t j = 0; j < U.n[1]; j++)
                ((double *)U.data)[i * U.stride[0] + j] = ((double *)V.data)[i * V.stride[0] + j] =
                    u0[(U.lo[0] + i) * M + U.lo[1] + j];
        tyl_array_modified(u);
        tyl_array_modified(un);
        int64_t x0 = tyl_dist_stats_.n_exchanges, g0 = tyl_dist_stats_.n_tt_deep;
        int st = timetile_relax(ctx, u, un, 23);
        long bad = st == TYL_OK && u0 ? lib_differ(u, want_u) + lib_differ(un, want_un) : -1;
        if (me == 0) {
            if (st != TYL_OK)
                printf("FAIL relax: %s\n", tyl_ctx_error(ctx));
            printf("%s u, un with halo %d: %ld elements differ from the program's\n", bad ? "FAIL" : "ok", hw, bad);
            printf("exchanges %lld, %lld groups of steps on deep halos\n",
                   (long long)(tyl_dist_stats_.n_exchanges - x0), (long long)(tyl_dist_stats_.n_tt_deep - g0));
        }
        failures += bad != 0;
        tyl_array_destroy(u);
        tyl_array_destroy(un);
    }
    tyl_ctx_destroy(ctx);
    free(want_u);
    free(want_un);
    free(u0);
    MPI_Finalize();
    return failures != 0;
}
