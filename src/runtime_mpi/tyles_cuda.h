/* tyles_cuda.h: what generated CUDA programs include (tylesc --target=cuda).
 *
 * The run-time library is the same libtyles API (tyles.h) built for the device
 * (libtyles_cuda.a): tyl_array.data is device memory, allocated with cudaMalloc and pooled;
 * tyl_fill, tyl_copy and tyl_box_copy run on the device; tyl_save_npy copies to the host.
 * Host code reads or writes single elements with tyl_get / tyl_put (one small copy each).
 */
#ifndef TYLES_CUDA_H
#define TYLES_CUDA_H

#include <cuda_runtime.h>

#include "tyles.h"

extern "C" {
/* Stops with a message naming the failed CUDA call (never returns on error). */
void tyl_cuda_check(cudaError_t err, const char *what);
/* The stream every generated kernel and every run-time copy runs on. */
cudaStream_t tyl_cuda_stream(void);
/* Time loops are captured in CUDA graphs unless TYLES_NO_GRAPHS is set (for comparisons). */
int tyl_use_graphs(void);
/* Whether halo exchanges can be captured in a graph: nothing waits on the host (one rank, or
 * halos through NCCL). */
int tyl_halo_capturable(void);
}

template <typename T> static inline T tyl_get(const tyl_array *a, int64_t off)
{
    T v;
    tyl_cuda_check(cudaMemcpyAsync(&v, (const T *)a->data + off, sizeof(T), cudaMemcpyDeviceToHost,
                                   tyl_cuda_stream()), "reading an array element");
    tyl_cuda_check(cudaStreamSynchronize(tyl_cuda_stream()), "reading an array element");
    return v;
}

template <typename T> static inline void tyl_put(tyl_array *a, int64_t off, T v)
{
    tyl_cuda_check(cudaMemcpyAsync((T *)a->data + off, &v, sizeof(T), cudaMemcpyHostToDevice,
                                   tyl_cuda_stream()), "writing an array element");
    tyl_cuda_check(cudaStreamSynchronize(tyl_cuda_stream()), "writing an array element");
}

#endif
