/* tyl_mem_cuda.cu: array data in GPU memory (libtyles_cuda.a). See tyl_mem.h.
 * One device per MPI rank: local rank r uses device r % (number of devices).
 *
 * Every operation here runs on the kernel stream (tyl_cuda_stream), in order with the
 * generated kernels; the halo exchange layer (tyl_xchg_cuda.cu) orders its own stream against
 * that one with events, so nothing may use the legacy default stream behind its back. Copies
 * to the host wait for the stream; everything else is queued. */
#include <stdio.h>
#include <stdlib.h>

#include "tyl_mem.h"
#include "tyles_cuda.h"

extern "C" void tyl_cuda_check(cudaError_t err, const char *what)
{
    if (err != cudaSuccess)
        tyl_rt_error("cuda", "%s failed: %s", what, cudaGetErrorString(err));
}

static cudaStream_t stream;
static int graphs = -1;

extern "C" cudaStream_t tyl_cuda_stream(void)
{
    if (!stream)
        tyl_cuda_check(cudaStreamCreate(&stream), "creating the kernel stream");
    return stream;
}

extern "C" int tyl_use_graphs(void)
{
    if (graphs < 0) {
        const char *e = getenv("TYLES_NO_GRAPHS");
        graphs = !(e && *e && *e != '0');
    }
    return graphs;
}

int tyl_mem_shared_device_;

extern "C" void tyl_mem_init(int local_rank, int local_size)
{
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

extern "C" void tyl_mem_sync(void)
{
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
    if (stream)
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
