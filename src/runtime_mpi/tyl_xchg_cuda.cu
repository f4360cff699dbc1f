/* tyl_xchg_cuda.cu: halo exchanges of device arrays (libtyles_cuda.a). See tyl_xchg.h.
 *
 * Everything an exchange does on the GPU runs on an exchange stream of its own, forked from the
 * kernel stream (an event: the packing waits for the kernels that wrote the data) and joined
 * back at the end (the boundary kernels wait for the unpacking). Between the two the caller
 * queues the interior kernels on the kernel stream, so they run while the halos travel.
 *
 * Transports, chosen once per job (TYLES_HALO=auto|nccl|mpi|host, default auto):
 *   nccl  grouped ncclSend/ncclRecv on the exchange stream, one communicator built from the
 *         job's MPI communicator; nothing waits on the host, and a time loop that exchanges
 *         halos can still be captured in a CUDA graph. Needs one GPU per rank (NCCL refuses two
 *         ranks on one device). auto picks it on several ranks when libtyles_cuda was built
 *         with NCCL and no rank shares its device.
 *   mpi   CUDA-aware MPI on the device buffers (auto: where MPIX_Query_cuda_support says so).
 *   host  pinned host buffers: device -> host copy, MPI, host -> device copy. Works everywhere,
 *         several ranks on one device included.
 * On one rank nothing travels (periodic images are device-to-device copies), unless
 * TYLES_HALO=nccl, which sends them to the rank itself through NCCL: the way to exercise the
 * NCCL path on a machine with one GPU.
 *
 * Packing: one kernel per batch of up to 32 pieces (their descriptions passed by value), one
 * block row per piece, consecutive threads on consecutive elements of the packed buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tyl_mem.h"
#include "tyl_xchg.h"
#include "tyles_cuda.h"

#ifdef TYL_HAVE_NCCL
#include <nccl.h>
#endif
#if !defined(TYL_NO_MPI) && defined(__has_include)
#if __has_include(<mpi-ext.h>)
#include <mpi-ext.h>
#endif
#endif

extern "C" TYL_NORETURN void tyl_rt_error_all(const char *where, const char *fmt, ...);

enum xmode { X_HOST, X_MPI, X_NCCL };
static const char *const mode_name[] = {"mpi via host", "cuda-aware mpi", "nccl"};

static int mode = X_HOST, self_travels, nranks = 1;
static cudaStream_t xs;
static cudaEvent_t ev_fork, ev_join;
static char *dsend, *drecv, *hsend, *hrecv;
static int64_t dscap, drcap, hscap, hrcap;
#ifdef TYL_HAVE_NCCL
static ncclComm_t nccl;

static void nccl_check(ncclResult_t r, const char *what)
{
    if (r != ncclSuccess && r != ncclInProgress)
        tyl_rt_error("nccl", "%s failed: %s", what, ncclGetErrorString(r));
}
#endif

/* ---- choosing the transport ------------------------------------------------------------- */

static int cuda_aware_mpi(void)
{
#if defined(MPIX_CUDA_AWARE_SUPPORT) && MPIX_CUDA_AWARE_SUPPORT
    return MPIX_Query_cuda_support();
#else
    return 0;
#endif
}

extern "C" void tyl_xchg_setup(int size, int me)
{
    nranks = size;
    const char *e = getenv("TYLES_HALO");
    const char *want = e && *e ? e : "auto";
    if (strcmp(want, "auto") && strcmp(want, "nccl") && strcmp(want, "mpi") && strcmp(want, "host"))
        tyl_rt_error_all("TYLES_HALO", "unknown halo transport '%s' (auto, nccl, mpi or host)", want);
    int shared = tyl_mem_shared_device_;
#ifndef TYL_NO_MPI
    MPI_Allreduce(MPI_IN_PLACE, &shared, 1, MPI_INT, MPI_MAX, tyl_rt_comm_);
#endif
#ifdef TYL_HAVE_NCCL
    const int have_nccl = 1;
#else
    const int have_nccl = 0;
#endif
    if (!strcmp(want, "nccl")) {
        if (!have_nccl)
            tyl_rt_error_all("TYLES_HALO", "nccl: this libtyles_cuda was built without NCCL");
        if (shared)
            tyl_rt_error_all("TYLES_HALO", "nccl: ranks share a GPU, and NCCL needs one GPU per rank "
                                           "(use TYLES_HALO=host or fewer ranks per node)");
        mode = X_NCCL;
    } else if (!strcmp(want, "mpi")) {
        if (!cuda_aware_mpi())
            tyl_rt_error_all("TYLES_HALO", "mpi: the MPI library is not CUDA-aware (MPIX_Query_cuda_support)");
        mode = X_MPI;
    } else if (!strcmp(want, "host"))
        mode = X_HOST;
    else
        mode = size > 1 && have_nccl && !shared ? X_NCCL : cuda_aware_mpi() ? X_MPI : X_HOST;
    self_travels = mode == X_NCCL && size == 1;
#ifdef TYL_HAVE_NCCL
    if (mode == X_NCCL) {
        ncclUniqueId id;
        if (me == 0)
            nccl_check(ncclGetUniqueId(&id), "ncclGetUniqueId");
#ifndef TYL_NO_MPI
        MPI_Bcast(&id, (int)sizeof id, MPI_BYTE, 0, tyl_rt_comm_);
#endif
        nccl_check(ncclCommInitRank(&nccl, size, id, me), "ncclCommInitRank");
    }
#else
    (void)me;
#endif
    tyl_cuda_check(cudaStreamCreateWithFlags(&xs, cudaStreamNonBlocking), "creating the exchange stream");
    tyl_cuda_check(cudaEventCreateWithFlags(&ev_fork, cudaEventDisableTiming), "creating an event");
    tyl_cuda_check(cudaEventCreateWithFlags(&ev_join, cudaEventDisableTiming), "creating an event");
}

int tyl_xchg_peer_failed_;

extern "C" void tyl_xchg_finalize(void)
{
    int failed = tyl_xchg_peer_failed_;
    tyl_xchg_peer_failed_ = 0;
    if (!xs)
        return;
#ifdef TYL_HAVE_NCCL
    if (nccl && failed) { /* operations with the dead rank never complete: cancel them */
        ncclCommAbort(nccl);
        nccl = NULL;
    }
#endif
    cudaStreamSynchronize(xs);
#ifdef TYL_HAVE_NCCL
    if (nccl) {
        ncclCommFinalize(nccl);
        ncclCommDestroy(nccl);
        nccl = NULL;
    }
#endif
    cudaFree(dsend);
    cudaFree(drecv);
    cudaFreeHost(hsend);
    cudaFreeHost(hrecv);
    dsend = drecv = hsend = hrecv = NULL;
    dscap = drcap = hscap = hrcap = 0;
    cudaEventDestroy(ev_fork);
    cudaEventDestroy(ev_join);
    cudaStreamDestroy(xs);
    xs = NULL;
}

extern "C" const char *tyl_xchg_name(void) { return mode_name[mode]; }
extern "C" int tyl_xchg_self_travels(void) { return self_travels; }
extern "C" int tyl_xchg_direct(void) { return 0; }
extern "C" int tyl_halo_capturable(void) { return mode == X_NCCL || nranks == 1; }

/* ---- buffers ------------------------------------------------------------------------------ */

/* Grow a buffer (device or pinned host) to `bytes`; kept between exchanges. Growing waits for
 * the exchange stream; it cannot happen inside a CUDA graph capture, which replays only a loop
 * body that has run once before (so the buffers have their sizes). */
static char *buffer(char **b, int64_t *cap, int64_t bytes, int host)
{
    if (bytes <= *cap)
        return *b;
    cudaStreamCaptureStatus st = cudaStreamCaptureStatusNone;
    cudaStreamIsCapturing(tyl_cuda_stream(), &st);
    if (st != cudaStreamCaptureStatusNone)
        tyl_rt_error("libtyles", "internal error: a halo buffer grew during a CUDA graph capture");
    tyl_cuda_check(cudaStreamSynchronize(xs), "waiting for a halo exchange");
    if (host)
        cudaFreeHost(*b);
    else
        cudaFree(*b);
    *b = NULL;
    *cap = 0;
    void *p = NULL;
    cudaError_t err = host ? cudaMallocHost(&p, (size_t)bytes) : cudaMalloc(&p, (size_t)bytes);
    if (err != cudaSuccess)
        tyl_rt_error("libtyles", "MemoryError: halo buffer of %lld bytes: %s", (long long)bytes,
                     cudaGetErrorString(err));
    *b = (char *)p;
    *cap = bytes;
    return *b;
}

/* ---- packing ------------------------------------------------------------------------------ */

enum { MAXP = 32 };
struct pk {
    char *arr, *buf;
    int64_t n[TYL_MAX_RANK], s[TYL_MAX_RANK], total;
    int rank, el;
};
struct pkset {
    pk p[MAXP];
};

template <typename T> __device__ static inline void move(char *a, char *b, int dir)
{
    if (dir == 0)
        *(T *)b = *(const T *)a;
    else
        *(T *)a = *(const T *)b;
}

/* dir 0: array -> buffer; 1: buffer -> array. Piece blockIdx.y; a grid-stride loop over it. */
__global__ void tyl_pack_kernel(pkset s, int dir)
{
    const pk &p = s.p[blockIdx.y];
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < p.total;
         i += (int64_t)gridDim.x * blockDim.x) {
        int64_t q = i, off = 0;
        for (int d = p.rank - 1; d >= 0; d--) {
            off += q % p.n[d] * p.s[d];
            q /= p.n[d];
        }
        char *a = p.arr + off * p.el, *b = p.buf + i * p.el;
        switch (p.el) {
        case 8: move<uint64_t>(a, b, dir); break;
        case 4: move<uint32_t>(a, b, dir); break;
        case 2: move<uint16_t>(a, b, dir); break;
        default: move<uint8_t>(a, b, dir); break;
        }
    }
}

static void pack(const tyl_xpiece *x, int n, char *buf, int dir)
{
    for (int k0 = 0; k0 < n; k0 += MAXP) {
        pkset s;
        memset(&s, 0, sizeof s);
        int np = n - k0 < MAXP ? n - k0 : MAXP;
        int64_t most = 0;
        for (int j = 0; j < np; j++) {
            const tyl_xpiece *q = &x[k0 + j];
            pk &p = s.p[j];
            p.arr = q->arr;
            p.buf = buf + q->off;
            p.rank = q->rank;
            p.el = q->el;
            p.total = 1;
            for (int d = 0; d < q->rank; d++) {
                p.n[d] = q->n[d];
                p.s[d] = q->stride[d];
                p.total *= q->n[d];
            }
            most = p.total > most ? p.total : most;
        }
        if (most <= 0)
            continue;
        int64_t bx = (most + 255) / 256;
        tyl_pack_kernel<<<dim3((unsigned)(bx < 1024 ? bx : 1024), (unsigned)np), 256, 0, xs>>>(s, dir);
        tyl_cuda_check(cudaGetLastError(), "packing a halo");
    }
}

/* ---- the exchange -------------------------------------------------------------------------- */

extern "C" void tyl_xchg_start(tyl_xchg *x)
{
    buffer(&dsend, &dscap, x->sbytes, 0);
    buffer(&drecv, &drcap, x->rbytes, 0);
    if (mode == X_HOST && (x->nsend || x->nrecv)) { /* not for copies within the rank */
        buffer(&hsend, &hscap, x->sbytes, 1);
        buffer(&hrecv, &hrcap, x->rbytes, 1);
    }
    tyl_cuda_check(cudaEventRecord(ev_fork, tyl_cuda_stream()), "starting a halo exchange");
    tyl_cuda_check(cudaStreamWaitEvent(xs, ev_fork, 0), "starting a halo exchange");
    pack(x->spk, x->nspk, dsend, 0);
    pack(x->selfpk, x->nselfpk, dsend, 1);
    if (!x->nsend && !x->nrecv)
        return;
    if (mode == X_HOST) {
        for (int i = 0; i < x->nsend; i++)
            tyl_cuda_check(cudaMemcpyAsync(hsend + x->send[i].off, dsend + x->send[i].off,
                                           (size_t)x->send[i].bytes, cudaMemcpyDeviceToHost, xs),
                           "copying a halo to the host");
    }
#ifdef TYL_HAVE_NCCL
    else if (mode == X_NCCL) {
        nccl_check(ncclGroupStart(), "ncclGroupStart");
        for (int i = 0; i < x->nrecv; i++)
            nccl_check(ncclRecv(drecv + x->recv[i].off, (size_t)x->recv[i].bytes, ncclUint8, x->recv[i].peer,
                                nccl, xs), "ncclRecv");
        for (int i = 0; i < x->nsend; i++)
            nccl_check(ncclSend(dsend + x->send[i].off, (size_t)x->send[i].bytes, ncclUint8, x->send[i].peer,
                                nccl, xs), "ncclSend");
        nccl_check(ncclGroupEnd(), "ncclGroupEnd");
    }
#endif
}

extern "C" void tyl_xchg_finish(tyl_xchg *x)
{
    if (x->nsend || x->nrecv) {
        if (mode == X_HOST) {
            /* the packing and the copies to the host; the interior kernels queued since go on */
            tyl_cuda_check(cudaStreamSynchronize(xs), "packing a halo");
            tyl_xchg_mpi_post(x, hsend, hrecv);
            tyl_xchg_mpi_wait(x);
            for (int i = 0; i < x->nrecv; i++)
                tyl_cuda_check(cudaMemcpyAsync(drecv + x->recv[i].off, hrecv + x->recv[i].off,
                                               (size_t)x->recv[i].bytes, cudaMemcpyHostToDevice, xs),
                               "copying a halo to the device");
        } else if (mode == X_MPI) {
            tyl_cuda_check(cudaStreamSynchronize(xs), "packing a halo");
            tyl_xchg_mpi_post(x, dsend, drecv);
            tyl_xchg_mpi_wait(x);
        }
    }
    pack(x->rpk, x->nrpk, drecv, 1);
    tyl_cuda_check(cudaEventRecord(ev_join, xs), "finishing a halo exchange");
    tyl_cuda_check(cudaStreamWaitEvent(tyl_cuda_stream(), ev_join, 0), "finishing a halo exchange");
}
