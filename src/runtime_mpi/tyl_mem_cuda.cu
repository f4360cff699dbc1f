/* tyl_mem_cuda.cu: array data in GPU memory (libtyles_cuda.a). See tyl_mem.h.
 * One device per MPI rank: local rank r uses device r % (number of devices).
 *
 * Every operation here runs on the kernel stream (tyl_cuda_stream), in order with the
 * generated kernels; the halo exchange layer (tyl_xchg_cuda.cu) orders its own stream against
 * that one with events, so nothing may use the legacy default stream behind its back. Copies
 * to the host wait for the stream; everything else is queued. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tyl_mem.h"
#include "tyl_mpi.h"
#include "tyles_cuda.h"

extern "C" void tyl_cuda_check(cudaError_t err, const char *what)
{
    if (err != cudaSuccess)
        tyl_rt_error("cuda", "%s failed: %s", what, cudaGetErrorString(err));
}

static cudaStream_t stream;
static int graphs = -1;

/* Library mode (tyl_mem_lib_attach): the application's device and stream. The stream may be
 * the legacy default stream (0), which is why `attached` and not `stream` says whose it is. */
static int attached, lib_device = -1, lib_depth, lib_prev = -1;

extern "C" cudaStream_t tyl_cuda_stream(void)
{
    if (!stream && !attached)
        tyl_cuda_check(cudaStreamCreate(&stream), "creating the kernel stream");
    return stream;
}

static int legacy_stream(void) { return attached && (stream == 0 || stream == cudaStreamLegacy); }

extern "C" int tyl_use_graphs(void)
{
    if (graphs < 0) {
        const char *e = getenv("TYLES_NO_GRAPHS");
        graphs = !(e && *e && *e != '0');
    }
    return graphs && !legacy_stream(); /* the legacy default stream cannot be captured */
}

int tyl_mem_shared_device_;

/* Library mode: whether another rank of this node uses this rank's device (NCCL refuses two
 * ranks on one device). The application chose the devices, so they are compared by PCI address.
 * Collective over the job's communicator. */
static int lib_shared_device(void)
{
#ifndef TYL_NO_MPI
    char id[32] = {0};
    tyl_cuda_check(cudaDeviceGetPCIBusId(id, (int)sizeof id - 1, lib_device), "finding the device's PCI address");
    MPI_Comm node;
    int me = 0, n = 1, shared = 0;
    MPI_Comm_split_type(tyl_rt_comm_, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &me);
    MPI_Comm_size(node, &n);
    char *all = (char *)malloc((size_t)n * sizeof id);
    if (!all)
        tyl_rt_error("libtyles", "MemoryError: out of memory");
    MPI_Allgather(id, (int)sizeof id, MPI_CHAR, all, (int)sizeof id, MPI_CHAR, node);
    for (int r = 0; r < n; r++)
        shared |= r != me && !strncmp(all + (size_t)r * sizeof id, id, sizeof id);
    free(all);
    MPI_Comm_free(&node);
    return shared;
#else
    return 0;
#endif
}

extern "C" void tyl_mem_init(int local_rank, int local_size)
{
    if (attached) { /* library mode: the application placed this rank */
        tyl_mem_shared_device_ = lib_shared_device();
        return;
    }
    int n = 0;
    tyl_cuda_check(cudaGetDeviceCount(&n), "finding a CUDA device");
    if (n <= 0)
        tyl_rt_error("cuda", "no CUDA device is visible to this process");
    static int placed;
    if (!placed)
        tyl_cuda_check(cudaSetDevice(local_rank % n), "selecting the CUDA device");
    placed = 1;
    tyl_mem_shared_device_ = local_size > n;
}

/* A program waits for its device; library mode only for its stream, which every exchange joins,
 * so that the application's other work on the device goes on. */
extern "C" void tyl_mem_sync(void)
{
    if (attached)
        tyl_cuda_check(cudaStreamSynchronize(stream), "running a kernel");
    else
        tyl_cuda_check(cudaDeviceSynchronize(), "running a kernel");
}

static void *scratch;
static size_t scratch_bytes;

extern "C" void *tyl_reduce_scratch(size_t bytes)
{
    if (bytes > scratch_bytes) {
        cudaFree(scratch);
        scratch = NULL;
        scratch_bytes = 0;
        tyl_cuda_check(cudaMalloc(&scratch, bytes), "allocating reduction scratch");
        scratch_bytes = bytes;
    }
    return scratch;
}

extern "C" void tyl_reduce_fetch(void *dst, const void *src, size_t bytes)
{
    tyl_mem_to_host(dst, src, bytes);
}

extern "C" void tyl_mem_finalize(void)
{
    tyl_mem_sync();
    if (stream && !attached) /* the application's stream stays the application's */
        cudaStreamDestroy(stream);
    stream = NULL;
    cudaFree(scratch);
    scratch = NULL;
    scratch_bytes = 0;
}

extern "C" void *tyl_mem_alloc(size_t bytes)
{
    void *p = NULL;
    if (cudaMalloc(&p, bytes ? bytes : 64) != cudaSuccess)
        return NULL;
    return p;
}

extern "C" void tyl_mem_free(void *p) { cudaFree(p); }

extern "C" void tyl_mem_zero(void *p, size_t bytes)
{
    tyl_cuda_check(cudaMemsetAsync(p, 0, bytes, tyl_cuda_stream()), "zeroing an array");
}

/* Device memory has no first touch to place: only the zeroing. */
extern "C" void tyl_mem_place(tyl_array *a, int zero, int fresh)
{
    (void)fresh;
    if (zero)
        tyl_mem_zero(a->base, (size_t)a->lsize * tyl_dtype_size(a->dtype));
}

extern "C" void tyl_mem_copy(void *dst, const void *src, size_t bytes)
{
    tyl_cuda_check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, tyl_cuda_stream()), "copying an array");
}

extern "C" void tyl_mem_to_host(void *dst, const void *src, size_t bytes)
{
    tyl_cuda_check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, tyl_cuda_stream()),
                   "copying an array to the host");
    tyl_cuda_check(cudaStreamSynchronize(tyl_cuda_stream()), "copying an array to the host");
}

extern "C" void tyl_mem_from_host(void *dst, const void *src, size_t bytes)
{
    tyl_cuda_check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, tyl_cuda_stream()),
                   "copying an array to the device");
    tyl_cuda_check(cudaStreamSynchronize(tyl_cuda_stream()), "copying an array to the device");
}

extern "C" int tyl_mem_on_device(void) { return 1; }

/* ---- library mode (tyl_lib.c) ----------------------------------------------------------------- */

extern "C" void tyl_mem_lib_attach(int cuda, int device, void *s, const char *fn)
{
    int n = 0, cur = -1;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess || n <= 0)
        tyl_rt_error(fn, "no CUDA device is visible to this process%s%s", e != cudaSuccess ? ": " : "",
                     e != cudaSuccess ? cudaGetErrorString(e) : "");
    tyl_cuda_check(cudaGetDevice(&cur), "finding the current CUDA device");
    if (!cuda) { /* tyl_ctx_create: the current device, the default stream */
        device = cur;
        s = NULL;
    }
    if (device < 0 || device >= n)
        tyl_rt_error(fn, "device %d is not a CUDA device of this process (%d visible: 0 to %d)", device, n, n - 1);
    if (cur != device)
        tyl_cuda_check(cudaSetDevice(device), "making the context's device current");
    if (s && s != (void *)cudaStreamLegacy && s != (void *)cudaStreamPerThread) {
        unsigned flags;
        cudaError_t q = cudaStreamGetFlags((cudaStream_t)s, &flags);
        if (q != cudaSuccess) {
            cudaGetLastError();
            if (cur != device)
                cudaSetDevice(cur);
            tyl_rt_error(fn, "the stream is not a CUDA stream of this process (%s)", cudaGetErrorString(q));
        }
#if CUDART_VERSION >= 12080
        int sd = -1; /* a launch on another device's stream fails, and only later */
        if (cudaStreamGetDevice((cudaStream_t)s, &sd) != cudaSuccess)
            cudaGetLastError(); /* ours: the application's pending errors are left alone */
        else if (sd != device) {
            if (cur != device)
                cudaSetDevice(cur);
            tyl_rt_error(fn, "the stream belongs to device %d, not to device %d", sd, device);
        }
#endif
    }
    attached = 1;
    lib_device = device;
    lib_depth = 1; /* the rest of tyl_ctx_create runs on the device; its leave restores cur */
    lib_prev = cur;
    stream = (cudaStream_t)s;
}

extern "C" void tyl_mem_lib_detach(void)
{
    attached = 0;
    lib_device = -1;
    lib_depth = 0;
    stream = NULL;
}

extern "C" void tyl_mem_lib_enter(void)
{
    if (!attached || lib_depth++ > 0)
        return;
    int cur = -1;
    tyl_cuda_check(cudaGetDevice(&cur), "finding the current CUDA device");
    lib_prev = cur;
    if (cur != lib_device)
        tyl_cuda_check(cudaSetDevice(lib_device), "making the context's device current");
}

extern "C" void tyl_mem_lib_leave(void)
{
    if (lib_depth <= 0 || --lib_depth > 0)
        return;
    if (lib_prev >= 0 && lib_prev != lib_device)
        cudaSetDevice(lib_prev);
}

extern "C" int tyl_mem_lib_device(void) { return attached ? lib_device : 0; }
extern "C" int tyl_mem_row_align_(void) { return 0; } /* device arrays: rows unpadded */
/* Host kernels that stream their stores: none in a device build (time-tiled groups, whose plan
 * asks, tyl_ttplan.c, are the C target's only). */
extern "C" int tyl_mem_stream(int64_t points, int64_t row_bytes, int point_bytes)
{
    (void)points;
    (void)row_bytes;
    (void)point_bytes;
    return 0;
}

extern "C" int tyl_mem_stream_test_(int64_t points, int64_t row_bytes, int point_bytes)
{
    return tyl_mem_stream(points, row_bytes, point_bytes);
}

extern "C" void tyl_mem_stream_counts_(int64_t *calls, int64_t *streamed)
{
    *calls = *streamed = 0;
}

extern "C" int tyl_mem_pf_auto_(void) { return 0; } /* device kernels: no host prefetch */

extern "C" int tyl_mem_past_llc_(double bytes, double share)
{
    (void)bytes;
    (void)share;
    return 0;
}

extern "C" int tyl_mem_lib_capturing(void)
{
    cudaStreamCaptureStatus st = cudaStreamCaptureStatusNone;
    if (cudaStreamIsCapturing(stream, &st) != cudaSuccess) {
        cudaGetLastError();
        return 0;
    }
    return st != cudaStreamCaptureStatusNone;
}

extern "C" const char *tyl_mem_lib_check_wrap(const void *base)
{
    static char why[160];
    cudaPointerAttributes a;
    if (cudaPointerGetAttributes(&a, base) != cudaSuccess) {
        cudaGetLastError();
        return "the memory to wrap is not known to CUDA: wrap device memory (cudaMalloc)";
    }
    if (a.type != cudaMemoryTypeDevice && a.type != cudaMemoryTypeManaged)
        return "the memory to wrap is host memory: a CUDA context wraps device memory (cudaMalloc)";
    if (a.device != lib_device) {
        snprintf(why, sizeof why, "the memory to wrap is on device %d, the context's device is %d", a.device,
                 lib_device);
        return why;
    }
    return NULL;
}

template <typename T> __global__ void fill_kernel(T *p, int64_t n, T v)
{
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        p[i] = v;
}

template <typename T> static void fill(tyl_array *a, T v)
{
    if (a->lsize > 0)
        fill_kernel<T><<<(unsigned)((a->lsize + 255) / 256), 256, 0, tyl_cuda_stream()>>>((T *)a->base, a->lsize, v);
}

extern "C" void tyl_mem_fill(tyl_array *a, double v)
{
    switch (a->dtype) {
    case TYL_BOOL: fill<bool>(a, v != 0); break;
    case TYL_INT32: fill<int32_t>(a, (int32_t)v); break;
    case TYL_INT64: fill<int64_t>(a, (int64_t)v); break;
    case TYL_FLOAT32: fill<float>(a, (float)v); break;
    case TYL_FLOAT64: fill<double>(a, v); break;
    case TYL_INT8: fill<int8_t>(a, (int8_t)(int64_t)v); break;
    case TYL_UINT8: fill<uint8_t>(a, (uint8_t)(int64_t)v); break;
    case TYL_INT16: fill<int16_t>(a, (int16_t)(int64_t)v); break;
    case TYL_UINT16: fill<uint16_t>(a, (uint16_t)(int64_t)v); break;
    case TYL_UINT32: fill<uint32_t>(a, (uint32_t)(int64_t)v); break;
    case TYL_UINT64: fill<uint64_t>(a, (uint64_t)(int64_t)v); break;
    }
    tyl_cuda_check(cudaGetLastError(), "filling an array");
}

/* Box copy between strided layouts, up to TYL_MAX_RANK dimensions, one thread per element. */
struct box { int64_t n[TYL_MAX_RANK], ds[TYL_MAX_RANK], ss[TYL_MAX_RANK]; int rank; };

template <typename T> __global__ void box_kernel(T *dst, const T *src, box b, int64_t total)
{
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= total)
        return;
    int64_t od = 0, os = 0;
    for (int d = b.rank - 1; d >= 0; d--) {
        int64_t k = i % b.n[d];
        i /= b.n[d];
        od += k * b.ds[d];
        os += k * b.ss[d];
    }
    dst[od] = src[os];
}

extern "C" void tyl_box_copy(void *dst, const int64_t *ds, const void *src, const int64_t *ss, int rank,
                             const int64_t *n, size_t el)
{
    box b;
    int64_t total = 1;
    b.rank = rank;
    for (int d = 0; d < rank; d++) {
        b.n[d] = n[d];
        b.ds[d] = ds[d];
        b.ss[d] = ss[d];
        total *= n[d];
    }
    if (total <= 0)
        return;
    unsigned g = (unsigned)((total + 255) / 256);
    if (el == 8)
        box_kernel<int64_t><<<g, 256, 0, tyl_cuda_stream()>>>((int64_t *)dst, (const int64_t *)src, b, total);
    else if (el == 4)
        box_kernel<int32_t><<<g, 256, 0, tyl_cuda_stream()>>>((int32_t *)dst, (const int32_t *)src, b, total);
    else
        box_kernel<char><<<g, 256, 0, tyl_cuda_stream()>>>((char *)dst, (const char *)src, b, total);
    tyl_cuda_check(cudaGetLastError(), "copying a box");
}
