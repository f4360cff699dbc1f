/* grids.c: grids.tyl's two smoothers from C, a 1-D one and a 2-D one, in one context with both
 * process grids (grids_ctx_create): each array distributed over the grid of its rank, the
 * results against the program's a.npy and u.npy bit for bit; then a context without the 1-D
 * grid, refused with a message (tests/lib/run.sh, 1 and 3 ranks). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grids.h"
#include "../../samples/app_c/npy_read.h"
#include "lib_check.h"

static int me, size, failures;

static void check(int ok, const char *what, const char *detail)
{
    failures += !ok;
    if (me == 0)
        printf("%s %s%s%s\n", ok ? "ok" : "FAIL", what, ok ? "" : ": ", ok ? "" : detail);
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int64_t N = 30, M = 24, sa[1] = {N}, su[2] = {N, M};
    int64_t sh[2];
    double *want_a = npy_read_f64("a.npy", 1, sh), *want_u = npy_read_f64("u.npy", 2, sh);
    static const int ranks[GRIDS_NGRIDS] = GRIDS_GRID_RANKS;
    check(GRIDS_NGRIDS == 2 && ranks[0] == 2 && ranks[1] == 1, "two grids in the header", "");
    tyl_ctx *ctx;
    check(grids_ctx_create(MPI_COMM_WORLD, &ctx) == TYL_OK, "grids_ctx_create", tyl_ctx_error(ctx));
    const int ha[1] = {GRIDS_SMOOTH1_A_HALO}, hu[2] = {GRIDS_SMOOTH2_U_HALO, GRIDS_SMOOTH2_U_HALO};
    tyl_array *a, *u;
    tyl_array_create(ctx, TYL_FLOAT64, 1, sa, ha, &a);
    tyl_array_create(ctx, TYL_FLOAT64, 2, su, hu, &u);
    tyl_local A, U;
    tyl_array_local(a, &A);
    tyl_array_local(u, &U);
    check(size == 1 || A.n[0] < N, "the 1-D array is distributed over the 1-D grid", "");
    for (int64_t i = 0; i < A.n[0]; i++)
        ((double *)A.data)[i] = A.lo[0] + i >= N / 3 && A.lo[0] + i < N / 2;
    for (int64_t i = 0; i < U.n[0]; i++)
        for (int64_t j = 0; j < U.n[1]; j++) {
            int64_t gi = U.lo[0] + i, gj = U.lo[1] + j;
            ((double *)U.data)[i * U.stride[0] + j] = gi >= N / 4 && gi < N / 2 && gj >= M / 3 && gj < M / 2;
        }
    tyl_array_modified(a);
    tyl_array_modified(u);
    int st = TYL_OK;
    for (int t = 0; t < 6 && st == TYL_OK; t++) {
        st = grids_smooth1(ctx, a);
        if (st == TYL_OK)
            st = grids_smooth2(ctx, u);
    }
    check(st == TYL_OK, "6 steps of both", tyl_ctx_error(ctx));
    check(lib_differ(a, want_a) == 0, "a against a.npy", "elements differ");
    check(lib_differ(u, want_u) == 0, "u against u.npy", "elements differ");
    tyl_ctx_destroy(ctx);
    /* a context with the 2-D grid only: the 1-D smoother says what is missing */
    tyl_ctx_create(MPI_COMM_WORLD, GRIDS_GRID_RANK, NULL, &ctx);
    tyl_array_create(ctx, TYL_FLOAT64, 1, sa, ha, &a);
    st = grids_smooth1(ctx, a);
    const char *want = "grids_smooth1: error: the context has no 1-D process grid, which this solver distributes "
                       "its arrays over: create the context with grid rank 1, or add the grid with tyl_ctx_add_grid "
                       "(the header's _GRID_RANKS lists a library's grids)";
    check(st == TYL_ERROR && !strcmp(tyl_ctx_error(ctx), want), "no 1-D grid refused", tyl_ctx_error(ctx));
    /* tyl_ctx_add_grid's refusals, the context usable after each */
    char msg[256];
    int bad_procs[1] = {size + 1}, zero[1] = {0}, two[2] = {size, 1};
    st = tyl_ctx_add_grid(ctx, 1, bad_procs);
    snprintf(msg, sizeof msg, "tyl_ctx_add_grid: error: a 1-D grid of %d ranks, but the communicator has %d",
             size + 1, size);
    check(st == TYL_ERROR && !strcmp(tyl_ctx_error(ctx), msg), "a grid of more ranks refused", tyl_ctx_error(ctx));
    st = tyl_ctx_add_grid(ctx, 1, zero);
    check(st == TYL_ERROR && !strcmp(tyl_ctx_error(ctx), "tyl_ctx_add_grid: error: 0 ranks along axis 0 of the 1-D grid"),
          "0 ranks refused", tyl_ctx_error(ctx));
    /* a 4-D grid whose product is 2^65 + size: taken in a long, it wrapped to the communicator's
     * size and was accepted, a grid of ranks that do not exist owning most of every 4-D array */
    int wrap1[4] = {4323, 1119412321, 7623851, 1}, wrap3[4] = {35, 11239, 88801, 1056175639};
    if (size == 1 || size == 3) {
        st = tyl_ctx_add_grid(ctx, 4, size == 1 ? wrap1 : wrap3);
        snprintf(msg, sizeof msg, "tyl_ctx_add_grid: error: a 4-D grid of more than 2147483648 ranks, but the "
                 "communicator has %d", size);
        check(st == TYL_ERROR && !strcmp(tyl_ctx_error(ctx), msg), "a grid past 2^64 ranks refused", tyl_ctx_error(ctx));
    }
    st = tyl_ctx_add_grid(ctx, 7, NULL);
    check(st == TYL_ERROR && !strcmp(tyl_ctx_error(ctx), "tyl_ctx_add_grid: error: grid rank 7 is out of range (1 to 6)"),
          "grid rank 7 refused", tyl_ctx_error(ctx));
    st = tyl_ctx_add_grid(ctx, 2, two);
    check(st == TYL_ERROR && !strcmp(tyl_ctx_error(ctx), "tyl_ctx_add_grid: error: the context has a 2-D process grid "
                                                          "already"), "a second 2-D grid refused", tyl_ctx_error(ctx));
    check(tyl_ctx_add_grid(ctx, 2, NULL) == TYL_OK && tyl_ctx_add_grid(ctx, 1, NULL) == TYL_OK &&
              grids_smooth1(ctx, a) == TYL_ERROR, "adding grids: an array made before stays replicated",
          tyl_ctx_error(ctx));
    tyl_ctx_destroy(ctx);
    /* a context with the 1-D grid only: the state of smooth1 is computed on the 2-D one */
    tyl_ctx_create(MPI_COMM_WORLD, 1, NULL, &ctx);
    tyl_array_create(ctx, TYL_FLOAT64, 1, sa, ha, &a);
    st = grids_smooth1(ctx, a);
    want = "grids_smooth1: error: the context has no 2-D process grid, which the library's module state is distributed "
           "over: add it with tyl_ctx_add_grid (the header's _GRID_RANKS lists a library's grids)";
    check(st == TYL_ERROR && !strcmp(tyl_ctx_error(ctx), want), "state on a missing grid refused", tyl_ctx_error(ctx));
    tyl_ctx_destroy(ctx);
    free(want_a);
    free(want_u);
    MPI_Finalize();
    return failures != 0;
}
