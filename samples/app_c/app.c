/* app.c: an MPI application that owns its arrays and calls a Tyles solver (tylesc --lib).
 *
 * It creates a context over MPI_COMM_WORLD, creates the field with the halo the solver asks
 * for (HEAT_STEP_U_HALO), fills its own block, calls heat_step `steps` times and heat_hottest
 * once, and checks the field bit for bit against heat.npy, which the same heat.tyl run as a
 * program wrote (on as many ranks). It also runs the module body itself (heat_run), which
 * writes heat.npy again: the same bytes. Exit status 0 when everything agrees.
 *
 *     mpirun -np 3 ./heat_prog && mpirun -np 3 ./app
 */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heat.h"
#include "npy_read.h"

static int me;

static void check(int st, tyl_ctx *ctx, const char *what)
{
    if (st == TYL_OK)
        return;
    fprintf(stderr, "app: %s failed: %s\n", what, tyl_ctx_error(ctx));
    MPI_Abort(MPI_COMM_WORLD, 1);
}

/* Elements of this rank's block that differ from the global array g (n x n), bit for bit. */
static long compare(const tyl_array *u, const double *g, int64_t n)
{
    tyl_local L;
    tyl_array_local(u, &L);
    const double *d = L.data;
    long bad = 0;
    for (int64_t i = 0; i < L.n[0]; i++)
        for (int64_t j = 0; j < L.n[1]; j++)
            bad += memcmp(&d[i * L.stride[0] + j], &g[(L.lo[0] + i) * n + L.lo[1] + j], sizeof(double)) != 0;
    return bad;
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    /* the program's parameters (heat.tyl's N, steps, alpha) */
    const heat_params prm = HEAT_PARAMS_DEFAULT;
    const int64_t N = prm.N, steps = prm.steps;
    const double alpha = prm.alpha;

    /* the program's result, written by heat_prog */
    int64_t shape[2];
    double *want = npy_read_f64("heat.npy", 2, shape);
    if (!want || shape[0] != N || shape[1] != N) {
        fprintf(stderr, "app: cannot read a %lldx%lld float64 heat.npy (run heat_prog first)\n", (long long)N,
                (long long)N);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }

    tyl_ctx *ctx;
    check(tyl_ctx_create(MPI_COMM_WORLD, HEAT_GRID_RANK, NULL, &ctx), NULL, "tyl_ctx_create");

    /* the module body, as a call: it writes heat.npy as the program did */
    MPI_Barrier(MPI_COMM_WORLD);
    check(heat_run(ctx), ctx, "heat_run");
    double *again = npy_read_f64("heat.npy", 2, shape);
    long bad_run = !again || memcmp(again, want, sizeof(double) * (size_t)(N * N)) != 0;

    const int64_t gshape[2] = {N, N};
    const int halo[2] = {HEAT_STEP_U_HALO, HEAT_STEP_U_HALO};
    tyl_array *u;
    check(tyl_array_create(ctx, TYL_FLOAT64, 2, gshape, halo, &u), ctx, "tyl_array_create");
    tyl_local L;
    tyl_array_local(u, &L);
    double *d = L.data;
    for (int64_t i = 0; i < L.n[0]; i++)
        for (int64_t j = 0; j < L.n[1]; j++) {
            int64_t gi = L.lo[0] + i, gj = L.lo[1] + j;
            double v = 0.0;
            if (gi == 0)
                v = 100.0;
            if (gi >= N / 2 - 4 && gi < N / 2 + 4 && gj >= N / 2 - 4 && gj < N / 2 + 4)
                v = 50.0;
            d[i * L.stride[0] + j] = v;
        }
    tyl_array_modified(u);

    for (int64_t k = 0; k < steps; k++)
        check(heat_step(ctx, u, alpha), ctx, "heat_step");
    double hot = 0;
    check(heat_hottest(ctx, u, &hot), ctx, "heat_hottest");

    long bad = compare(u, want, N), total = 0;
    double gmax = -INFINITY;
    for (int64_t i = 1; i < N - 1; i++) /* hottest() looks at the interior */
        for (int64_t j = 1; j < N - 1; j++)
            gmax = want[i * N + j] > gmax ? want[i * N + j] : gmax;
    MPI_Allreduce(&bad, &total, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    long bad_any = 0;
    MPI_Allreduce(&bad_run, &bad_any, 1, MPI_LONG, MPI_MAX, MPI_COMM_WORLD);
    int ok = total == 0 && bad_any == 0 && memcmp(&hot, &gmax, sizeof hot) == 0;
    if (me == 0)
        printf("app: %d rank%s, %lld steps: %ld of %lld elements differ from the program's heat.npy, heat_run %s, "
               "hottest %.17g (program: %.17g): %s\n", size, size == 1 ? "" : "s", (long long)steps, total,
               (long long)(N * N), bad_any ? "differs" : "agrees", hot, gmax, ok ? "OK" : "FAILED");
    check(tyl_ctx_destroy(ctx), ctx, "tyl_ctx_destroy");
    free(want);
    free(again);
    MPI_Finalize();
    return ok ? 0 : 1;
}
