/* tyl_xchg_mpi.c: the MPI messages of a halo exchange, for the transports that use MPI (the
 * host one, tyl_xchg_host.c; CUDA-aware MPI and the host-staged path of tyl_xchg_cuda.cu):
 * posted from the plan tyl_halo.c made, on the grid's communicator (tyl_dist.c). */
#define _POSIX_C_SOURCE 200809L
#include "tyl_internal.h"

#include <limits.h>
#include <stdlib.h>

#include "tyl_mpi.h"
#include "tyl_xchg.h"

#ifndef TYL_NO_MPI
/* The elements of box b in C order, as a datatype at its first element: dimensions whose
 * elements follow each other in memory merge into one contiguous run (a halo plane of a 1x2x1
 * grid: runs of h whole rows, one per plane of the first dimension). Open MPI packs such a
 * datatype into its shared-memory fragments as it sends, and unpacks as it receives, where a
 * packed message is copied into the buffer, then across, then out (Jacobi 3-D f64 N=256 on
 * 1x2x1: bench/RESULTS.md 2026-12-06 h74). Built per message and freed once posted (MPI keeps it
 * until the message completes), so no plan holds MPI objects across a regrid or MPI_Finalize. */
static MPI_Datatype box_type(const tyl_xpiece *b)
{
    MPI_Datatype t, u;
    int64_t run = b->el; /* bytes of t's contiguous run, or 0 once t has gaps */
    MPI_Type_contiguous(b->el, MPI_BYTE, &t);
    for (int d = b->rank - 1; d >= 0; d--) {
        if (b->n[d] == 1)
            continue;
        if (b->n[d] > INT_MAX)
            tyl_rt_error("libtyles", "a halo piece of %lld elements along a dimension is over MPI's count limit",
                         (long long)b->n[d]);
        if (run && b->stride[d] * b->el == run) {
            MPI_Type_contiguous((int)b->n[d], t, &u);
            run *= b->n[d];
        } else {
            MPI_Type_create_hvector((int)b->n[d], 1, (MPI_Aint)(b->stride[d] * b->el), t, &u);
            run = 0;
        }
        MPI_Type_free(&t);
        t = u;
    }
    MPI_Type_commit(&t);
    return t;
}
#endif

void tyl_xchg_mpi_post(tyl_xchg *x, char *sbuf, char *rbuf)
{
#ifndef TYL_NO_MPI
    x->req = malloc(sizeof *x->req * (size_t)(x->nsend + x->nrecv + 1));
    if (!x->req)
        tyl_rt_error("libtyles", "MemoryError: halo exchange");
    x->nreq = 0;
    int nranks;
    MPI_Comm comm = tyl_dist_comm_(&nranks);
    for (int i = 0; i < x->nrecv + x->nsend; i++) {
        const tyl_xmsg *m = i < x->nrecv ? &x->recv[i] : &x->send[i - x->nrecv];
        if (m->bytes > INT_MAX)
            tyl_rt_error("libtyles", "a halo message of %lld bytes is over MPI's count limit", (long long)m->bytes);
        MPI_Datatype t = MPI_BYTE;
        int count = (int)m->bytes;
        if (m->direct && m->box.rank > 0) {
            t = box_type(&m->box);
            count = 1;
        }
        if (i < x->nrecv)
            MPI_Irecv(m->direct ? m->at : rbuf + m->off, count, t, m->peer, 77, comm, &x->req[x->nreq++]);
        else
            MPI_Isend(m->direct ? m->at : sbuf + m->off, count, t, m->peer, 77, comm, &x->req[x->nreq++]);
        if (t != MPI_BYTE) /* freed once the message completes */
            MPI_Type_free(&t);
    }
#else
    (void)x;
    (void)sbuf;
    (void)rbuf;
#endif
}

void tyl_xchg_mpi_wait(tyl_xchg *x)
{
#ifndef TYL_NO_MPI
    if (x->nreq)
        MPI_Waitall(x->nreq, x->req, MPI_STATUSES_IGNORE);
    free(x->req);
    x->req = NULL;
    x->nreq = 0;
#else
    (void)x;
#endif
}
