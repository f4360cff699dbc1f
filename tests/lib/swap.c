/* swap.c: swap.tyl's loop from C: two arrays taking turns as u and un, periodic reads in x,
 * against the program's swap.npy (bit for bit); then arrays of different shapes, refused. */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

#include "swap.h"
#include "../../samples/app_c/npy_read.h"

int main(int argc, char **argv)
{
    int provided, me;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    const int64_t N = 40, M = 24;
    int64_t shape[2];
    double *want = npy_read_f64("swap.npy", 2, shape);
    tyl_ctx *ctx;
    tyl_ctx_create(MPI_COMM_WORLD, SWAP_GRID_RANK, NULL, &ctx);
    const int64_t gs[2] = {N, M}, other[2] = {N, M + 1};
    const int h[2] = {SWAP_STEP_U_HALO, SWAP_STEP_U_HALO};
    tyl_array *u, *un, *odd;
    tyl_array_create(ctx, TYL_FLOAT64, 2, gs, h, &u);
    tyl_array_create(ctx, TYL_FLOAT64, 2, gs, h, &un);
    tyl_array_create(ctx, TYL_FLOAT64, 2, other, h, &odd);
    tyl_local L;
    tyl_array_local(u, &L);
    for (int64_t i = 0; i < L.n[0]; i++)
        for (int64_t j = 0; j < L.n[1]; j++) {
            int64_t gi = L.lo[0] + i, gj = L.lo[1] + j;
            ((double *)L.data)[i * L.stride[0] + j] = gi >= N / 4 && gi < N / 2 && gj >= M / 3 && gj < M / 2;
        }
    tyl_array_modified(u);
    /* un = u.copy(): the same values */
    tyl_local K;
    tyl_array_local(un, &K);
    for (int64_t i = 0; i < L.n[0]; i++)
        memcpy((double *)K.data + i * K.stride[0], (double *)L.data + i * L.stride[0], sizeof(double) * (size_t)L.n[1]);
    tyl_array_modified(un);
    int ok = 1;
    for (int t = 0; t < 15; t++) {
        if (swap_step(ctx, u, un, 0.2, 0.3) != TYL_OK) {
            printf("FAIL step: %s\n", tyl_ctx_error(ctx));
            ok = 0;
            break;
        }
        tyl_array *x = u;
        u = un;
        un = x;
    }
    tyl_array_local(u, &L);
    long bad = 0, total = 0;
    for (int64_t i = 0; want && i < L.n[0]; i++)
        for (int64_t j = 0; j < L.n[1]; j++)
            bad += memcmp((double *)L.data + i * L.stride[0] + j, want + (L.lo[0] + i) * M + L.lo[1] + j, 8) != 0;
    MPI_Allreduce(&bad, &total, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    ok &= want && total == 0;
    if (me == 0)
        printf("%s swap: %ld elements differ\n", ok ? "ok" : "FAIL", total);
    int st = swap_step(ctx, u, odd, 0.2, 0.3);
    const char *msg = "swap_step: error: argument 'un' has shape (40, 25), argument 'u' has (40, 24): swap_step "
                      "takes them of one shape, as the program's own call passes them";
    int ok2 = st == TYL_ERROR && !strcmp(tyl_ctx_error(ctx), msg);
    if (me == 0)
        printf("%s shapes: %s\n", ok2 ? "ok" : "FAIL", st == TYL_OK ? "(TYL_OK)" : tyl_ctx_error(ctx));
    tyl_ctx_destroy(ctx);
    MPI_Finalize();
    return !(ok && ok2);
}
