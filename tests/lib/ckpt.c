/* ckpt.c: tyl_ctx_checkpoint / tyl_ctx_restart with a solver (samples/app_c/heat.tyl, built with
 * tylesc --lib): 10 steps on every rank, a checkpoint, 10 more and a checkpoint of the end (the
 * reference); the context destroyed; a new one on one rank fewer (a sub-communicator) with
 * another halo width, restarted from the first checkpoint, 10 steps, a checkpoint of the end:
 * its array file is the reference's, byte for byte. Also: a folder without checkpoints. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heat.h"

static int failures;

static void check(int st, tyl_ctx *ctx, const char *what)
{
    if (st != TYL_OK) {
        fprintf(stderr, "ckpt: %s failed: %s\n", what, tyl_ctx_error(ctx));
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

static tyl_array *field(tyl_ctx *ctx, int h, int fill)
{
    const int64_t shape[2] = {48, 48};
    const int halo[2] = {h, h};
    tyl_array *u;
    check(tyl_array_create(ctx, TYL_FLOAT64, 2, shape, halo, &u), ctx, "tyl_array_create");
    tyl_local L;
    tyl_array_local(u, &L);
    for (int64_t i = 0; fill && i < L.n[0]; i++)
        for (int64_t j = 0; j < L.n[1]; j++)
            ((double *)L.data)[i * L.stride[0] + j] = L.lo[0] + i == 0 ? 100.0 : (double)((L.lo[1] + j) % 7);
    tyl_array_modified(u);
    return u;
}

static void steps(tyl_ctx *ctx, tyl_array *u, int k)
{
    for (int i = 0; i < k; i++)
        check(heat_step(ctx, u, 0.2), ctx, "heat_step");
}

static char *slurp(const char *path, long *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *n = ftell(f);
    rewind(f);
    char *b = malloc((size_t)*n + 1);
    if (b && fread(b, 1, (size_t)*n, f) != (size_t)*n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    return b;
}

int main(int argc, char **argv)
{
    int provided, me, size;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const char *names[1] = {"u"};
    tyl_ctx *ctx;

    check(tyl_ctx_create(MPI_COMM_WORLD, HEAT_GRID_RANK, NULL, &ctx), NULL, "tyl_ctx_create");
    tyl_array *u = field(ctx, HEAT_STEP_U_HALO, 1);
    steps(ctx, u, 10);
    check(tyl_ctx_checkpoint(ctx, "mid", 10, 1, &u, names), ctx, "tyl_ctx_checkpoint mid");
    steps(ctx, u, 10);
    check(tyl_ctx_checkpoint(ctx, "ref", 20, 1, &u, names), ctx, "tyl_ctx_checkpoint ref");
    int64_t k = 0;
    int st = tyl_ctx_restart(ctx, "nothing_here", 1, &u, names, &k);
    if (st == TYL_OK || strcmp(tyl_ctx_error(ctx), "tyl_ctx_restart: error: no valid checkpoint in 'nothing_here'")) {
        failures++;
        if (me == 0)
            printf("FAIL empty folder: %s\n", st == TYL_OK ? "TYL_OK" : tyl_ctx_error(ctx));
    }
    check(tyl_ctx_destroy(ctx), ctx, "tyl_ctx_destroy");

    /* on one rank fewer (one at least), another halo width */
    MPI_Comm sub;
    int fewer = size > 1 ? size - 1 : 1;
    MPI_Comm_split(MPI_COMM_WORLD, me < fewer ? 0 : MPI_UNDEFINED, me, &sub);
    if (sub != MPI_COMM_NULL) {
        check(tyl_ctx_create(sub, HEAT_GRID_RANK, NULL, &ctx), NULL, "tyl_ctx_create (fewer ranks)");
        tyl_array *v = field(ctx, HEAT_STEP_U_HALO + 1, 0);
        check(tyl_ctx_restart(ctx, "mid", 1, &v, names, &k), ctx, "tyl_ctx_restart");
        if (k != 10) {
            failures++;
            printf("FAIL restart step %lld, not 10\n", (long long)k);
        }
        steps(ctx, v, 10);
        check(tyl_ctx_checkpoint(ctx, "again", 20, 1, &v, names), ctx, "tyl_ctx_checkpoint again");
        check(tyl_ctx_destroy(ctx), ctx, "tyl_ctx_destroy");
        MPI_Comm_free(&sub);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (me == 0) {
        long na = 0, nb = 0;
        char *a = slurp("ref/ckpt-000-000000000020/buf0.npy", &na);
        char *b = slurp("again/ckpt-000-000000000020/buf0.npy", &nb);
        int same = a && b && na == nb && na > 128 && memcmp(a, b, (size_t)na) == 0;
        if (!same)
            failures++;
        printf("%s: %d ranks -> checkpoint at step 10 -> restart on %d rank%s: the step-20 array is %s\n",
               same ? "ok" : "FAIL", size, fewer, fewer == 1 ? "" : "s",
               same ? "the uninterrupted run's, byte for byte" : "different");
        free(a);
        free(b);
    }
    MPI_Bcast(&failures, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return failures != 0;
}
