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

#ifdef __cplusplus
}
#endif

#endif
