/* tyl_xchg.h: moving one planned halo exchange (internal to libtyles).
 *
 * tyl_halo.c decides WHAT travels: for every message, its peer and its pieces (boxes of local
 * arrays), laid out one after another in a send and a receive buffer. The exchange layer decides
 * HOW: tyl_xchg_host.c with host buffers and MPI; tyl_xchg_cuda.cu on the GPU with NCCL, with
 * CUDA-aware MPI, or through pinned host buffers, on an exchange stream of its own so that the
 * interior of a sweep computes while the halos travel.
 *
 * Protocol (one exchange in flight at a time):
 *   tyl_xchg_start(x)   queues the packing of x->spk into the send buffer, the local copies of
 *                       x->selfpk, and whatever of the transfer needs no wait; returns at once on
 *                       the GPU, so the caller can queue the interior kernels next;
 *   tyl_xchg_finish(x)  completes the transfer and unpacks x->rpk; work queued afterwards (the
 *                       boundary kernels) sees the halos.
 */
#ifndef TYL_XCHG_H
#define TYL_XCHG_H

#include "tyles.h"
#include "tyl_mpi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A box of a local array and its place in a message buffer. */
typedef struct tyl_xpiece {
    char *arr;                      /* the box's first element in the local allocation */
    int64_t off;                    /* byte offset of the packed box in its buffer */
    int64_t n[TYL_MAX_RANK];        /* extents */
    int64_t stride[TYL_MAX_RANK];   /* the array's strides, in elements */
    int rank, el;                   /* dimensions; element size in bytes */
    int ai;                         /* tyl_halo.c: the array's index in the exchange, and */
    int64_t aoff;                   /* the box's byte offset in it (arr = data + aoff) */
} tyl_xpiece;

/* A message: `bytes` at `off` of the send (or receive) buffer, to (or from) rank `peer`; or,
 * direct, `bytes` straight from (into) the array at `at` (= arrs[ai]->data + aoff, filled by
 * tyl_halo.c at each use; only where tyl_xchg_direct() says the transport takes them); a direct
 * message with box.rank > 0 is strided: the box (extents and strides, at its first element)
 * as an MPI derived datatype, `bytes` its payload. */
typedef struct tyl_xmsg {
    int peer;
    int64_t off, bytes;
    int direct, ai;
    int64_t aoff;
    char *at;
    tyl_xpiece box;
} tyl_xmsg;

typedef struct tyl_xchg {
    tyl_xmsg *send, *recv;          /* messages to and from other ranks (and from this one
                                       itself where tyl_xchg_self_travels()) */
    int nsend, nrecv;
    tyl_xpiece *spk, *rpk, *selfpk; /* packed into the send buffer; unpacked from the receive
                                       buffer; unpacked from the send buffer (periodic images
                                       of this rank's own block) */
    int nspk, nrpk, nselfpk;
    int64_t sbytes, rbytes;         /* buffer sizes */
#ifndef TYL_NO_MPI
    MPI_Request *req;               /* nsend + nrecv, for the MPI transports */
#endif
    int nreq;
} tyl_xchg;

/* Called right after tyl_dist_setup (tyl_prog.c, tyl_lib.c, tyl_halo_regrid_; collective over
 * the job's ranks): picks the transport and builds what it needs (an NCCL communicator).
 * tyl_xchg_finalize (from tyl_halo_finalize_) releases everything. */
void tyl_xchg_setup(int size, int me);
void tyl_xchg_finalize(void);
/* Set by the ULFM recovery before it rebuilds the grid: a peer died, so the next
 * tyl_xchg_finalize aborts (ncclCommAbort) instead of finalizing collectively, which would wait
 * for the dead rank. */
extern int tyl_xchg_peer_failed_;
/* The transport's name, for --stats ("mpi", "nccl", "cuda-aware mpi", "mpi via host"). */
const char *tyl_xchg_name(void);
/* Whether this rank's messages to itself go through the transport (TYLES_HALO=nccl on one
 * rank, to exercise NCCL on a machine with one GPU) instead of a local copy. */
int tyl_xchg_self_travels(void);

/* Whether the transport sends and receives direct messages (host memory and MPI: the host
 * transport; the CUDA one packs everything). */
int tyl_xchg_direct(void);

void tyl_xchg_start(tyl_xchg *x);
void tyl_xchg_finish(tyl_xchg *x);

/* tyl_xchg_mpi.c: MPI for the transports that use it. post: receives into rbuf, sends from sbuf
 * (host or, for CUDA-aware MPI, device memory); wait: until all of them complete. */
void tyl_xchg_mpi_post(tyl_xchg *x, char *sbuf, char *rbuf);
void tyl_xchg_mpi_wait(tyl_xchg *x);

#ifdef __cplusplus
}
#endif

#endif
