/* app.c: a CUDA application, written in C, that owns MPI, its GPU and its stream, and calls a
 * Tyles solver generated for the GPU (tylesc --lib --target=cuda).
 *
 * Each rank takes a device (its node-local rank modulo the devices) and a stream of its own, and
 * creates the context on them. It solves the heat equation twice side by side: on an array the
 * context makes on the device (filled from the host with tyl_array_copy_in), and on device
 * memory it allocates itself and lets the context wrap (filled with cudaMemcpy2DAsync through
 * the device pointer tyl_array_local gives). It calls heat_step `steps` times on each and
 * heat_hottest once, and checks both fields bit for bit against heat.npy, which the same heat.tyl
 * run as a C program wrote; heat_run (the module body on the GPU) writes heat.npy again, the same
 * bytes. It checks the refusals a CUDA application meets first, with their exact messages.
 *
 *     mpirun -np 2 ./heat_prog && mpirun -np 2 ./app
 */
#include <cuda_runtime.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heat.h"
#include "npy_read.h"

static int me, failures;

static void check(int st, tyl_ctx *ctx, const char *what)
{
    if (st == TYL_OK)
        return;
    fprintf(stderr, "app: %s failed: %s\n", what, tyl_ctx_error(ctx));
    MPI_Abort(MPI_COMM_WORLD, 1);
}

static void cuda(cudaError_t e, const char *what)
{
    if (e == cudaSuccess)
        return;
    fprintf(stderr, "app: %s failed: %s\n", what, cudaGetErrorString(e));
    MPI_Abort(MPI_COMM_WORLD, 1);
}

/* A call that must fail with exactly this message. */
static void refused(int st, tyl_ctx *ctx, const char *what, const char *want)
{
    if (st == TYL_ERROR && !strcmp(tyl_ctx_error(ctx), want))
        return;
    failures++;
    fprintf(stderr, "app: FAIL %s: status %d, message\n  %s\nwanted\n  %s\n", what, st, tyl_ctx_error(ctx), want);
}

/* Elements of a host copy of this rank's block (n0 x n1) that differ from the global g (N x N). */
static long compare(const double *blk, const tyl_local *L, const double *g, int64_t N)
{
    long bad = 0;
    for (int64_t i = 0; i < L->n[0]; i++)
        for (int64_t j = 0; j < L->n[1]; j++)
            bad += memcmp(&blk[i * L->n[1] + j], &g[(L->lo[0] + i) * N + L->lo[1] + j], sizeof(double)) != 0;
    return bad;
}

int main(int argc, char **argv)
{
    int provided, size;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm node;
    int local = 0, ndev = 0;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, me, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &local);
    MPI_Comm_free(&node);
    cuda(cudaGetDeviceCount(&ndev), "cudaGetDeviceCount");
    const int dev = local % ndev;
    cuda(cudaSetDevice(dev), "cudaSetDevice");
    cudaStream_t stream;
    cuda(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate");

    const heat_params prm = HEAT_PARAMS_DEFAULT;
    const int64_t N = prm.N, steps = prm.steps;
    const double alpha = prm.alpha;
    int64_t shape[2];
    double *want = npy_read_f64("heat.npy", 2, shape);
    if (!want || shape[0] != N || shape[1] != N) {
        fprintf(stderr, "app: cannot read a %lldx%lld float64 heat.npy (run heat_prog first)\n", (long long)N,
                (long long)N);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }

    tyl_ctx *ctx;
    char msg[256];
    snprintf(msg, sizeof msg, "tyl_ctx_create_cuda: error: device %d is not a CUDA device of this process "
             "(%d visible: 0 to %d)", ndev, ndev, ndev - 1);
    refused(tyl_ctx_create_cuda(MPI_COMM_WORLD, HEAT_GRID_RANK, NULL, ndev, stream, &ctx), NULL, "a device too many",
            msg);
    check(tyl_ctx_create_cuda(MPI_COMM_WORLD, HEAT_GRID_RANK, NULL, dev, stream, &ctx), NULL, "tyl_ctx_create_cuda");

    /* the module body on the GPU: it writes heat.npy as the program did */
    MPI_Barrier(MPI_COMM_WORLD);
    check(heat_run(ctx), ctx, "heat_run");
    double *again = npy_read_f64("heat.npy", 2, shape);
    long bad_run = !again || memcmp(again, want, sizeof(double) * (size_t)(N * N)) != 0;

    const int64_t gshape[2] = {N, N};
    const int halo[2] = {HEAT_STEP_U_HALO, HEAT_STEP_U_HALO};
    /* u: made by the context on the device, filled from the host */
    tyl_array *u, *w;
    check(tyl_array_create(ctx, TYL_FLOAT64, 2, gshape, halo, &u), ctx, "tyl_array_create");
    tyl_local L;
    tyl_array_local(u, &L);
    if (L.device != dev) {
        failures++;
        fprintf(stderr, "app: FAIL tyl_local.device is %d, the context's device %d\n", L.device, dev);
    }
    void *fbase;
    int64_t fi[5][2];
    snprintf(msg, sizeof msg, "tyles_local: error: the array is on CUDA device %d, which a Fortran pointer cannot "
             "reach", dev);
    refused(tyl_array_info_f(u, 2, &fbase, fi[0], fi[1], fi[2], fi[3], fi[4]), ctx, "a Fortran pointer", msg);
    double *blk = calloc((size_t)(L.n[0] * L.n[1]) + 1, sizeof(double));
    for (int64_t i = 0; i < L.n[0]; i++)
        for (int64_t j = 0; j < L.n[1]; j++) {
            int64_t gi = L.lo[0] + i, gj = L.lo[1] + j;
            double v = 0.0;
            if (gi == 0)
                v = 100.0;
            if (gi >= N / 2 - 4 && gi < N / 2 + 4 && gj >= N / 2 - 4 && gj < N / 2 + 4)
                v = 50.0;
            blk[i * L.n[1] + j] = v;
        }
    check(tyl_array_copy_in(ctx, u, blk), ctx, "tyl_array_copy_in");

    /* w: device memory of the application's, laid out as tyl_ctx_layout says */
    tyl_local WL;
    check(tyl_ctx_layout(ctx, TYL_FLOAT64, 2, gshape, halo, &WL), ctx, "tyl_ctx_layout");
    void *mem = NULL;
    cuda(cudaMalloc(&mem, WL.bytes), "cudaMalloc");
    cuda(cudaMemsetAsync(mem, 0, WL.bytes, stream), "cudaMemsetAsync");
    refused(tyl_array_wrap(ctx, TYL_FLOAT64, 2, gshape, halo, blk, WL.bytes, &w), ctx, "wrapping host memory",
            "tyl_array_wrap: error: the memory to wrap is host memory: a CUDA context wraps device memory (cudaMalloc)");
    check(tyl_array_wrap(ctx, TYL_FLOAT64, 2, gshape, halo, mem, WL.bytes, &w), ctx, "tyl_array_wrap");
    tyl_array_local(w, &WL);
    if (WL.n[0] > 0 && WL.n[1] > 0)
        cuda(cudaMemcpy2DAsync(WL.data, (size_t)WL.stride[0] * sizeof(double), blk, (size_t)WL.n[1] * sizeof(double),
                               (size_t)WL.n[1] * sizeof(double), (size_t)WL.n[0], cudaMemcpyHostToDevice, stream),
             "cudaMemcpy2DAsync");
    tyl_array_modified(w); /* its halos are stale: the solver exchanges them */

    for (int64_t k = 0; k < steps; k++) {
        check(heat_step(ctx, u, alpha), ctx, "heat_step(u)");
        check(heat_step(ctx, w, alpha), ctx, "heat_step(w)");
    }
    double hot = 0;
    check(heat_hottest(ctx, u, &hot), ctx, "heat_hottest");

    check(tyl_array_copy_out(ctx, u, blk), ctx, "tyl_array_copy_out");
    long bad = compare(blk, &L, want, N);
    if (WL.n[0] > 0 && WL.n[1] > 0)
        cuda(cudaMemcpy2DAsync(blk, (size_t)WL.n[1] * sizeof(double), WL.data, (size_t)WL.stride[0] * sizeof(double),
                               (size_t)WL.n[1] * sizeof(double), (size_t)WL.n[0], cudaMemcpyDeviceToHost, stream),
             "cudaMemcpy2DAsync");
    cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    long bad_w = compare(blk, &WL, want, N);

    double gmax = -INFINITY;
    for (int64_t i = 1; i < N - 1; i++) /* hottest() looks at the interior */
        for (int64_t j = 1; j < N - 1; j++)
            gmax = want[i * N + j] > gmax ? want[i * N + j] : gmax;
    long sums[3] = {bad, bad_w, failures}, tot[3];
    MPI_Allreduce(sums, tot, 3, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    long bad_any = 0;
    MPI_Allreduce(&bad_run, &bad_any, 1, MPI_LONG, MPI_MAX, MPI_COMM_WORLD);
    int ok = tot[0] == 0 && tot[1] == 0 && tot[2] == 0 && bad_any == 0 && memcmp(&hot, &gmax, sizeof hot) == 0;
    if (me == 0)
        printf("app_cuda: %d rank%s, %lld steps: %ld (context's array) and %ld (wrapped) of %lld elements differ "
               "from the C program's heat.npy, heat_run %s, hottest %.17g (program: %.17g), %ld refusal%s wrong: %s\n",
               size, size == 1 ? "" : "s", (long long)steps, tot[0], tot[1], (long long)(N * N),
               bad_any ? "differs" : "agrees", hot, gmax, tot[2], tot[2] == 1 ? "" : "s", ok ? "OK" : "FAILED");
    check(tyl_ctx_sync(ctx), ctx, "tyl_ctx_sync");
    check(tyl_ctx_destroy(ctx), ctx, "tyl_ctx_destroy");
    cuda(cudaFree(mem), "cudaFree"); /* wrapped memory stays the application's */
    cuda(cudaStreamDestroy(stream), "cudaStreamDestroy");
    free(blk);
    free(want);
    free(again);
    MPI_Finalize();
    return ok ? 0 : 1;
}
