/* tyl_mem.h: where array data lives. libtyles.a implements this for host memory
 * (tyl_mem_host.c), libtyles_cuda.a for device memory (tyl_mem_cuda.cu); everything else in
 * the run-time library is shared and touches array data only through these calls.
 */
#ifndef TYL_MEM_H
#define TYL_MEM_H

#include <stddef.h>

#include "tyles.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called by tyl_dist_setup, at start-up and again after every rescale: local_rank is this rank
 * among the local_size ranks of its node. The first call picks the device (local rank modulo
 * the devices); later ones only update tyl_mem_shared_device_. tyl_mem_finalize at the end. */
void tyl_mem_init(int local_rank, int local_size);
/* Ranks of the job on this node (set by the host library's tyl_mem_init), and the bytes of
 * host memory this process's arrays may hold, with what that is in words (tyl_membudget.c). */
extern int tyl_mem_local_ranks_;
size_t tyl_mem_budget_(char *why, size_t whylen);
/* Whether bytes a rank moves, times the ranks on the node, exceed share times the node's
 * last-level cache (tyl_mem_host.c; TYLES_L3, TYLES_STREAM and TYLES_STREAM_BYTES as for
 * tyl_mem_stream, tyles.h). A device build: 0. */
int tyl_mem_past_llc_(double bytes, double share);
/* tyl_mem_stream's answer, not counted in --stats (the time-tiling planner asks it). */
int tyl_mem_stream_test_(int64_t points, int64_t row_bytes, int point_bytes);
/* Whether the run chooses the sweeps' software prefetch (tyl_pfchoice.c): TYLES_PREFETCH unset,
 * host memory. A device build: 0. */
int tyl_mem_pf_auto_(void);
/* The kernels' calls of tyl_mem_stream in this process and how many streamed (--stats). */
void tyl_mem_stream_counts_(int64_t *calls, int64_t *streamed);
/* Whether this rank shares its device with another rank of the job (set by tyl_mem_init). */
extern int tyl_mem_shared_device_;
void tyl_mem_finalize(void);
/* Wait for all queued work (before timing or reading results). */
void tyl_mem_sync(void);

void *tyl_mem_alloc(size_t bytes);   /* 64-byte aligned; NULL if out of memory */
void tyl_mem_free(void *p);
void tyl_mem_zero(void *p, size_t bytes);
void tyl_mem_copy(void *dst, const void *src, size_t bytes);
void tyl_mem_fill(tyl_array *a, double v);
/* A new array's data: zeroed (zero), or with its pages placed where the threads that sweep it
 * run (fresh: just allocated, nothing initialises it; host memory: first touch by rows of the
 * sweeps' static partition). */
void tyl_mem_place(tyl_array *a, int zero, int fresh);
/* Rows [lo, hi) of 0..rows of thread t of nt under schedule(static) (host library only). */
void tyl_mem_rows_(int64_t rows, int nt, int t, int64_t *lo, int64_t *hi);
/* Copy array data to host memory (the same as memcpy for host arrays). */
void tyl_mem_to_host(void *dst, const void *src, size_t bytes);
void tyl_mem_from_host(void *dst, const void *src, size_t bytes);
/* Where the data is: 0 host, 1 device (so .npy writing can stage through a host buffer). */
int tyl_mem_on_device(void);

/* Library mode (tyl_lib.c). tyl_mem_lib_attach, in tyl_ctx_create before tyl_dist_setup: the
 * application's device and stream (cuda 0: plain tyl_ctx_create; the CUDA library then takes
 * the calling thread's current device and the default stream). It checks them (tyl_rt_error
 * naming fn), makes the device current for the rest of the call, and from then on
 * tyl_mem_init keeps it and tyl_mem_finalize leaves the stream to the application. enter and
 * leave bracket every API call (nested calls count): the context's device is current inside,
 * the caller's again after. detach at the end of tyl_ctx_destroy. The host library refuses
 * cuda 1 and does nothing else. */
void tyl_mem_lib_attach(int cuda, int device, void *stream, const char *fn);
void tyl_mem_lib_detach(void);
void tyl_mem_lib_enter(void);
void tyl_mem_lib_leave(void);
/* The device of the arrays (-1: host memory), and whether the stream is being captured into a
 * CUDA graph (the calls wait on the host, which a capture cannot hold). */
int tyl_mem_lib_device(void);
/* Bytes to which the rows of a stencil array of rank 3 or more are padded (tyl_dist_layout):
 * a cache line on the host, 0 (none) on a device or once a library context exists. */
int tyl_mem_row_align_(void);
int tyl_mem_lib_capturing(void);
/* NULL if base is memory the arrays can use (device memory of the context's device for the CUDA
 * library), else why not. */
const char *tyl_mem_lib_check_wrap(const void *base);

#ifdef __cplusplus
}
#endif

#endif
