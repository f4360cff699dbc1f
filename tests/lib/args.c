/* args.c: what a library refuses at run time, each with the exact message, and that the
 * context stays usable after each (tests/lib/run.sh runs it at 1 and 2 ranks). */
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "args.h"

static int me, failures;

static void expect(int st, tyl_ctx *ctx, const char *name, const char *want)
{
    const char *got = st == TYL_OK ? "(TYL_OK)" : tyl_ctx_error(ctx);
    if (strcmp(got, want) != 0) {
        failures++;
        if (me == 0)
            printf("FAIL %s:\n  got:  %s\n  want: %s\n", name, got, want);
    } else if (me == 0)
        printf("ok %s\n", name);
}

/* Calls from a thread of the application's own, other than the one that made the context. */
struct from_thread {
    tyl_ctx *ctx;
    tyl_array *u, *made;
    int st_step, st_create;
    char msg_step[512], msg_create[512];
};

static void *other_thread(void *p)
{
    struct from_thread *t = p;
    const int64_t shape[2] = {8, 8};
    t->st_step = args_step(t->ctx, t->u, 0.1);
    snprintf(t->msg_step, sizeof t->msg_step, "%s", tyl_ctx_error(t->ctx));
    t->st_create = tyl_array_create(t->ctx, TYL_FLOAT64, 2, shape, NULL, &t->made);
    snprintf(t->msg_create, sizeof t->msg_create, "%s", tyl_ctx_error(t->ctx));
    return NULL;
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    tyl_ctx *ctx;
    if (tyl_ctx_create(MPI_COMM_WORLD, ARGS_GRID_RANK, NULL, &ctx) != TYL_OK)
        return 1;
    const int64_t shape[2] = {8, 8}, shape1[1] = {8};
    const int h1[2] = {ARGS_STEP_U_HALO, ARGS_STEP_U_HALO}, h0[2] = {0, 0};
    tyl_array *good, *thin, *f32, *vec, *gone, *r = NULL;
    tyl_array_create(ctx, TYL_FLOAT64, 2, shape, h1, &good);
    tyl_array_create(ctx, TYL_FLOAT64, 2, shape, h0, &thin);
    tyl_array_create(ctx, TYL_FLOAT32, 2, shape, h1, &f32);
    tyl_array_create(ctx, TYL_FLOAT64, 1, shape1, NULL, &vec);
    tyl_array_create(ctx, TYL_FLOAT64, 2, shape, h1, &gone);
    tyl_array_destroy(gone);
    tyl_local L;
    tyl_array_local(good, &L);
    for (int64_t i = 0; i < L.n[0]; i++)
        for (int64_t j = 0; j < L.n[1]; j++)
            ((double *)L.data)[i * L.stride[0] + j] = 1.0;
    tyl_array_modified(good);

    expect(ARGS_STEP_U_HALO == 1 ? TYL_OK : TYL_ERROR, ctx, "halo macro", "(TYL_OK)");
    expect(args_step(ctx, thin, 0.1), ctx, "narrow halo",
           "args_step: error: argument 'u' has a halo of 0 on axis 0; args_step needs 1: create it with halo "
           "width ARGS_STEP_U_HALO");
    expect(args_step(ctx, f32, 0.1), ctx, "dtype",
           "args_step: error: argument 'u' is a float32 array; args_step takes float64 (TYL_FLOAT64)");
    expect(args_step(ctx, vec, 0.1), ctx, "rank", "args_step: error: argument 'u' has 1 dimension; args_step takes 2");
    expect(args_step(ctx, NULL, 0.1), ctx, "null", "args_step: error: argument 'u' is NULL");
    expect(args_step(ctx, gone, 0.1), ctx, "destroyed",
           "args_step: error: argument 'u' is not an array of this context (destroyed, or made under another "
           "context): create it with tyl_array_create or tyl_array_wrap on the context given to args_step");
    double v = 0;
    expect(args_corner(ctx, good, 9, &v), ctx, "run-time error inside",
           "../args.tyl:12: error: index 9 is out of bounds for axis 0 with size 8");
    /* every rank raised it (a replicated index): collective, so that the application prints it
     * once (tyl_rt_error.c; it was not, and printed per rank) */
    expect(tyl_ctx_error_collective(ctx) ? TYL_OK : TYL_ERROR, ctx, "run-time error of every rank is collective",
           "(TYL_OK)");
    /* sys.exit in a solver: the call returns an error, the application goes on */
    expect(args_checked(ctx, good, 0.5, &v), ctx, "sys.exit inside", "error: SystemExit: the field exceeds the limit");
    /* another thread: refused before it touches anything */
    struct from_thread t = {.ctx = ctx, .u = good};
    pthread_t th;
    pthread_create(&th, NULL, other_thread, &t);
    pthread_join(th, NULL);
    const char *other = ": error: called from another thread than the one that created the context: libtyles "
                        "keeps its state per process, so that thread makes every call (MPI funneled through it)";
    char want[512];
    snprintf(want, sizeof want, "args_step%s", other);
    expect(t.st_step == TYL_ERROR && !strcmp(t.msg_step, want) ? TYL_OK : TYL_ERROR, NULL,
           "a solver called from another thread, with its message", "(TYL_OK)");
    snprintf(want, sizeof want, "tyl_array_create%s", other);
    expect(t.st_create == TYL_ERROR && !t.made && !strcmp(t.msg_create, want) ? TYL_OK : TYL_ERROR, NULL,
           "tyl_array_create from another thread, with its message", "(TYL_OK)");
    if (me == 0 && (strcmp(t.msg_step, "") == 0 || t.st_step != TYL_ERROR))
        printf("  (the thread's call: status %d, \"%s\")\n", t.st_step, t.msg_step);
    /* still usable: a good call, and a result array */
    expect(args_step(ctx, good, 0.1), ctx, "good call after errors", "(TYL_OK)");
    expect(args_scaled(ctx, good, 2.0, &r), ctx, "array result", "(TYL_OK)");
    tyl_array_local(r, &L);
    if (L.rank != 2 || L.shape[0] != 8 || L.shape[1] != 8 || (L.n[0] && ((double *)L.data)[0] != 2.0)) {
        failures++;
        printf("FAIL array result: rank %d, shape %lldx%lld\n", L.rank, (long long)L.shape[0], (long long)L.shape[1]);
    }
    tyl_array_destroy(r);
    expect(args_corner(ctx, good, 2, &v), ctx, "scalar result", "(TYL_OK)");
    if (v != 1.0) {
        failures++;
        printf("FAIL scalar result: %g, not 1\n", v);
    }
    tyl_ctx_destroy(ctx);
    /* a context of another grid rank */
    tyl_ctx_create(MPI_COMM_WORLD, 1, NULL, &ctx);
    tyl_array_create(ctx, TYL_FLOAT64, 2, shape, h1, &good);
    expect(args_step(ctx, good, 0.1), ctx, "grid rank",
           "args_step: error: the context has no 2-D process grid, which this solver distributes its arrays "
           "over: create the context with grid rank 2, or add the grid with tyl_ctx_add_grid (the header's "
           "_GRID_RANKS lists a library's grids)");
    tyl_ctx_destroy(ctx);
    expect(args_step(ctx, good, 0.1), NULL, "destroyed context",
           "args_step: error: not a live context (use the one tyl_ctx_create gave)");
    MPI_Finalize();
    return failures != 0;
}
