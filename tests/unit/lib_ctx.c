/* lib_ctx.c: an application that uses libtyles in library mode (tyles_lib.h) the way an HPC
 * code would: it owns MPI, makes arrays over its communicator or wraps its own memory, fills
 * its local blocks, exchanges halos, and gets errors back as a status while it keeps running.
 * Run at 1 to 4 ranks by lib_ctx.sh; prints "ok"/"FAIL" lines, exit status 1 on a failure. */
#define _DEFAULT_SOURCE /* setenv */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tyles_lib.h"

static int me, nranks, failures;

static void check(int cond, const char *what)
{
    if (!cond) {
        failures++;
        printf("FAIL rank %d: %s\n", me, what);
    } else if (me == 0) {
        printf("ok %s\n", what);
    }
}

/* The block formula of tyles_lib.h: [floor(c*n/P), floor((c+1)*n/P)). */
static int64_t block_lo(int64_t n, int c, int P) { return c * n / P; }

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);

    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    check(sa.sa_handler == SIG_DFL, "SIGUSR1 keeps its default disposition (no program-mode constructor)");

    /* hostile calls before any context: refused with a message, the process goes on (the
     * first ended it from program mode's error path, the second dereferenced NULL) */
    const int64_t s2[2] = {6, 5};
    tyl_array *none = NULL;
    check(tyl_array_create(NULL, TYL_FLOAT64, 2, s2, NULL, &none) == TYL_ERROR && !none &&
              !strcmp(tyl_ctx_error(NULL), "tyl_array_create: error: not a live context (use the one "
                                           "tyl_ctx_create gave)"),
          "a call before tyl_ctx_create returns TYL_ERROR with a message");
    check(tyl_ctx_create(MPI_COMM_WORLD, 2, NULL, NULL) == TYL_ERROR &&
              !strcmp(tyl_ctx_error(NULL), "tyl_ctx_create: error: no place for the result (the out pointer is NULL)"),
          "tyl_ctx_create with a NULL out is refused");

    /* a grid that cannot be: said in the library's terms (it quoted the program's --procs) */
    tyl_ctx *refused = NULL;
    const int zero[2] = {nranks, 0}, big[2] = {nranks + 1, 1};
    check(tyl_ctx_create(MPI_COMM_WORLD, 2, zero, &refused) == TYL_ERROR && !refused &&
              !strcmp(tyl_ctx_error(NULL), "tyl_ctx_create: error: 0 ranks along axis 1 of the 2-D grid"),
          "a grid with 0 ranks along an axis is refused in the library's terms");
    char grid_msg[160];
    snprintf(grid_msg, sizeof grid_msg, "tyl_ctx_create: error: a 2-D grid of %d ranks, but the communicator has %d",
             nranks + 1, nranks);
    check(tyl_ctx_create(MPI_COMM_WORLD, 2, big, &refused) == TYL_ERROR && !refused &&
              !strcmp(tyl_ctx_error(NULL), grid_msg),
          "a grid of more ranks than the communicator's is refused");

    /* a TYLES_* variable with a value it does not take (tyl_env.c): refused on every rank */
    setenv("TYLES_TT_ROWS", "12 rows", 1);
    check(tyl_ctx_create(MPI_COMM_WORLD, 2, NULL, &refused) == TYL_ERROR && !refused &&
              tyl_ctx_error_collective(NULL) &&
              !strcmp(tyl_ctx_error(NULL), "tyl_ctx_create: error: TYLES_TT_ROWS='12 rows' is not an integer "
                                           "from 0 to 2147483648"),
          "a TYLES_ variable's bad value is refused by tyl_ctx_create");
    unsetenv("TYLES_TT_ROWS");

    tyl_ctx *ctx = NULL;
    int procs[2] = {nranks, 1};
    check(tyl_ctx_create(MPI_COMM_WORLD, 2, procs, &ctx) == TYL_OK && ctx, "tyl_ctx_create");
    tyl_ctx *ctx2 = NULL;
    check(tyl_ctx_create(MPI_COMM_WORLD, 2, NULL, &ctx2) == TYL_ERROR && !ctx2 &&
              !strcmp(tyl_ctx_error(NULL), "tyl_ctx_create: error: a context exists already in this "
                                           "process (one at a time; tyl_ctx_destroy it first)"),
          "a second context is refused with a message");

    /* a distributed (10, 7) float64 array with one halo layer */
    const int64_t shape[2] = {10, 7};
    const int halo[2] = {1, 1};
    tyl_array *u = NULL;
    check(tyl_array_create(ctx, TYL_FLOAT64, 2, shape, halo, &u) == TYL_OK && u, "tyl_array_create");
    tyl_local L;
    check(tyl_array_local(u, &L) == TYL_OK, "tyl_array_local");
    check(L.lo[0] == block_lo(10, me, nranks) && L.n[0] == block_lo(10, me + 1, nranks) - L.lo[0] &&
              L.lo[1] == 0 && L.n[1] == 7,
          "the owned block follows the documented block formula");
    check(L.halo_lo[0] == 1 && L.halo_hi[0] == 1 && L.stride[1] == 1 && L.stride[0] == 7 + 2,
          "halo widths and strides");
    long long owned = L.n[0] * L.n[1], total = 0;
    MPI_Allreduce(&owned, &total, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    check(total == 70, "the owned blocks cover the array once");
    double *d = L.data;
    for (int64_t i = 0; i < L.n[0]; i++)
        for (int64_t j = 0; j < L.n[1]; j++)
            d[i * L.stride[0] + j] = 1000.0 * (double)(L.lo[0] + i) + (double)j;
    tyl_array_modified(u);
    check(tyl_array_exchange(ctx, u) == TYL_OK, "tyl_array_exchange");
    int halo_ok = 1;
    for (int64_t i = -1; i <= L.n[0]; i++)
        for (int64_t j = -1; j <= L.n[1]; j++) {
            int64_t gi = L.lo[0] + i, gj = j;
            if (gi < 0 || gi >= 10 || gj < 0 || gj >= 7)
                continue; /* beyond the global edge: not exchanged */
            if (d[i * L.stride[0] + j] != 1000.0 * (double)gi + (double)gj)
                halo_ok = 0;
        }
    check(halo_ok, "after the exchange every halo cell inside the array holds its neighbour's value");

    /* errors come back as a status, and the context stays usable */
    const int64_t bad[2] = {-3, 4};
    tyl_array *v = NULL;
    check(tyl_array_create(ctx, TYL_FLOAT64, 2, bad, halo, &v) == TYL_ERROR && !v &&
              !strcmp(tyl_ctx_error(ctx), "tyl_array_create: error: negative dimensions are not allowed") &&
              tyl_ctx_error_collective(ctx),
          "a negative dimension returns TYL_ERROR with NumPy's message, collective (every rank raised it)");
    const int bighalo[2] = {65, 0};
    check(tyl_array_create(ctx, TYL_FLOAT64, 2, shape, bighalo, &v) == TYL_ERROR &&
              !strcmp(tyl_ctx_error(ctx), "tyl_array_create: error: halo width 65 on axis 0 is out of "
                                          "range (0 to 64)"),
          "a halo width out of range is refused");
    if (nranks > 2) {
        /* a stencil array thinner than the grid: every rank finds out together */
        const int64_t thin[2] = {2, 7};
        tyl_ctx_destroy(ctx);
        tyl_ctx_create(MPI_COMM_WORLD, 2, procs, &ctx);
        check(tyl_array_create(ctx, TYL_FLOAT64, 2, thin, halo, &v) == TYL_ERROR &&
                  tyl_ctx_error_collective(ctx) &&
                  !strncmp(tyl_ctx_error(ctx), "tyl_array_create: error: the process grid has", 45),
              "a grid finer than the array is a collective error");
        check(tyl_array_create(ctx, TYL_FLOAT64, 2, shape, halo, &u) == TYL_OK,
              "the context is usable after a collective error");
    }

    /* memory the application owns */
    const int64_t ws[2] = {9, 5};
    const int wh[2] = {2, 2};
    tyl_local W;
    check(tyl_ctx_layout(ctx, TYL_INT32, 2, ws, wh, &W) == TYL_OK && !W.data &&
              W.bytes == (size_t)((W.n[0] + 4) * (5 + 4)) * 4,
          "tyl_ctx_layout gives the bytes to allocate");
    int32_t *mine = malloc(W.bytes);
    for (size_t k = 0; k < W.bytes / 4; k++)
        mine[k] = (int32_t)k;
    tyl_array *w = NULL;
    check(tyl_array_wrap(ctx, TYL_INT32, 2, ws, wh, mine, 10, &w) == TYL_ERROR && !w &&
              !strncmp(tyl_ctx_error(ctx), "tyl_array_wrap: error: the memory given for an array "
                                           "with shape (9, 5) and data type int32 is 10 bytes; its "
                                           "local block and halo on this rank need ", 143),
          "wrapping too little memory is refused");
    check(tyl_array_wrap(ctx, TYL_INT32, 2, ws, wh, mine, W.bytes, &w) == TYL_OK, "tyl_array_wrap");
    tyl_local M;
    tyl_array_local(w, &M);
    check(M.base == mine && M.data == mine + 2 * M.stride[0] + 2 && ((int32_t *)M.data)[0] == 2 * 9 + 2,
          "a wrapped array is the caller's memory, contents kept");
    tyl_array_destroy(w);
    mine[0] = 7; /* still the caller's (ASan would see a use after free) */
    free(mine);

    /* NULL where a result goes, arrays destroyed or never made: refused, nothing dereferenced */
    const char *no_out = "error: no place for the result (the out pointer is NULL)";
    tyl_local Z;
    char want[200];
    snprintf(want, sizeof want, "tyl_array_create: %s", no_out);
    check(tyl_array_create(ctx, TYL_FLOAT64, 2, shape, halo, NULL) == TYL_ERROR && !strcmp(tyl_ctx_error(ctx), want),
          "tyl_array_create with a NULL out is refused");
    snprintf(want, sizeof want, "tyl_ctx_layout: %s", no_out);
    check(tyl_ctx_layout(ctx, TYL_FLOAT64, 2, shape, halo, NULL) == TYL_ERROR && !strcmp(tyl_ctx_error(ctx), want),
          "tyl_ctx_layout with a NULL out is refused");
    snprintf(want, sizeof want, "tyl_array_wrap: %s", no_out);
    check(tyl_array_wrap(ctx, TYL_INT32, 2, ws, wh, &Z, sizeof Z, NULL) == TYL_ERROR &&
              !strcmp(tyl_ctx_error(ctx), want),
          "tyl_array_wrap with a NULL out is refused");
    snprintf(want, sizeof want, "tyl_array_local: %s", no_out);
    check(tyl_array_local(u, NULL) == TYL_ERROR && !strcmp(tyl_ctx_error(ctx), want),
          "tyl_array_local with a NULL out is refused");
    tyl_array *gone = NULL;
    tyl_array_create(ctx, TYL_FLOAT64, 2, shape, halo, &gone);
    tyl_array_destroy(gone);
    check(tyl_array_exchange(ctx, gone) == TYL_ERROR &&
              !strcmp(tyl_ctx_error(ctx), "tyl_array_exchange: error: not an array of this context"),
          "exchanging a destroyed array is refused");
    check(tyl_array_local(gone, &Z) == TYL_ERROR && !Z.data &&
              !strcmp(tyl_ctx_error(ctx), "tyl_array_local: error: not an array of this context"),
          "tyl_array_local of a destroyed array is refused");
    tyl_array_destroy(gone); /* was: exit 1, "internal error: array released more often than referenced" */
    check(!strcmp(tyl_ctx_error(ctx), "tyl_array_destroy: error: not an array of this context (destroyed already?)"),
          "destroying an array twice leaves a message and the process running");
    tyl_array_destroy(NULL);
    /* a step the checkpoint folder's name cannot hold: it was written, then never found */
    const char *const nm[1] = {"u"};
    check(tyl_ctx_checkpoint(ctx, "lib_ctx_ck", 1000000000000LL, 1, &u, nm) == TYL_ERROR &&
              !strcmp(tyl_ctx_error(ctx), "tyl_ctx_checkpoint: error: step 1000000000000 is out of range "
                                          "(-99999999999 to 999999999999)"),
          "a checkpoint step of 13 digits is refused");
    /* a shape whose layout arithmetic overflows (UBSan: signed overflow in tyl_dist_layout) */
    const int64_t huge[2] = {INT64_MAX, 3};
    tyl_local H;
    check(tyl_ctx_layout(ctx, TYL_FLOAT64, 2, huge, halo, &H) == TYL_ERROR &&
              !strcmp(tyl_ctx_error(ctx), "tyl_ctx_layout: error: ValueError: array is too big; `arr.size * "
                                          "arr.dtype.itemsize` is larger than the maximum possible size (an "
                                          "array with shape (9223372036854775807, 3) and data type float64)"),
          "tyl_ctx_layout of a shape too big for memory is NumPy's ValueError");
    /* a restart refused after its manifest was read (another dtype): an error each time, the
     * context usable, nothing leaked (LeakSanitizer: the table and manifest leaked per call) */
    char ckdir[512];
    snprintf(ckdir, sizeof ckdir, "%s/lib_ctx_ck", getenv("TYL_UNIT_DATA") ? getenv("TYL_UNIT_DATA") : "/tmp");
    tyl_array *u32 = NULL;
    int64_t at = -1;
    check(tyl_ctx_checkpoint(ctx, ckdir, 3, 1, &u, nm) == TYL_OK &&
              tyl_array_create(ctx, TYL_FLOAT32, 2, shape, halo, &u32) == TYL_OK,
          "a checkpoint of u, and a float32 array");
    for (int i = 0; i < 2; i++)
        check(tyl_ctx_restart(ctx, ckdir, 1, &u32, nm, &at) == TYL_ERROR && at == -1 &&
                  strstr(tyl_ctx_error(ctx), "checkpoint array 'u' is float64, this program's is float32"),
              "a restart into an array of another dtype is refused");
    check(tyl_ctx_restart(ctx, ckdir, 1, &u, nm, &at) == TYL_OK && at == 3, "and the restart into u works");
    tyl_array_destroy(u32);

    check(tyl_ctx_destroy(ctx) == TYL_OK, "tyl_ctx_destroy");
    check(tyl_array_exchange(ctx, u) == TYL_ERROR &&
              !strcmp(tyl_ctx_error(ctx), "tyl_array_exchange: error: not a live context (use the one "
                                          "tyl_ctx_create gave)"),
          "a call on a destroyed context returns TYL_ERROR with a message");
    check(tyl_ctx_destroy(ctx) == TYL_ERROR &&
              !strcmp(tyl_ctx_error(ctx), "tyl_ctx_destroy: error: not a live context (destroyed already, or "
                                          "not one tyl_ctx_create gave)"),
          "destroying a context twice is refused with a message");
    check(tyl_ctx_create(MPI_COMM_WORLD, 1, NULL, &ctx) == TYL_OK, "a new context after destroy");
    check(tyl_ctx_destroy(ctx) == TYL_OK, "and destroy again");
    int one = 1, sum = 0;
    MPI_Allreduce(&one, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    check(sum == nranks, "MPI is still the application's after tyl_ctx_destroy");
    int bad_total = 0;
    MPI_Allreduce(&failures, &bad_total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Finalize();
    return bad_total ? 1 : 0;
}
