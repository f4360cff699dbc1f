/* tyl_reduce_share.c: the messages of an exact sum's shared leaves (tyl_reduce.c share_leaves).
 * A leaf of NumPy's pairwise tree (at most 128 points) that straddles ranks' blocks is summed by
 * the rank holding most of its points; the others send it their points of the leaf, like a halo
 * exchange: one message a pair of ranks that share leaves, both sides knowing its length from
 * the block formula, so nothing but the values travels and no rank waits on a collective here.
 * The leaves' values then join the gathered items (O(leaves) values instead of every shared
 * point on every rank). */
#include "tyl_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tyl_mpi.h"

enum { TAG_SHARE = 30580 };

void tyl_share_exchange_(const char *where, size_t el, const char *sv, const tyl_share_run *send, int64_t nsend,
                         char *lv, const tyl_share_run *recv, int64_t nrecv)
{
    int nr;
    MPI_Comm comm = tyl_dist_comm_(&nr);
    (void)comm;
    if (nsend == 0 && nrecv == 0)
        return;
#ifdef TYL_NO_MPI
    (void)el, (void)sv, (void)send, (void)lv, (void)recv;
    tyl_rt_error(where, "internal error: a shared leaf without MPI");
#else
    /* per rank: values to send and to receive, then where they start (a cursor below) */
    int64_t *sc = calloc(4 * (size_t)nr, sizeof(int64_t)), *rc = sc + nr, *so = rc + nr, *ro = so + nr;
    if (!sc)
        tyl_rt_error(where, "out of memory");
    for (int64_t k = 0; k < nsend; k++)
        sc[send[k].peer] += send[k].n;
    for (int64_t k = 0; k < nrecv; k++)
        rc[recv[k].peer] += recv[k].n;
    int64_t ts = 0, tr = 0;
    int nreq = 0;
    for (int q = 0; q < nr; q++) {
        if (sc[q] * (int64_t)el > INT_MAX || rc[q] * (int64_t)el > INT_MAX)
            tyl_rt_error(where, "MemoryError: a sum's shared points over %d ranks", nr);
        so[q] = ts;
        ro[q] = tr;
        ts += sc[q];
        tr += rc[q];
        nreq += (sc[q] > 0) + (rc[q] > 0);
    }
    char *sbuf = malloc((size_t)(ts ? ts : 1) * el), *rbuf = malloc((size_t)(tr ? tr : 1) * el);
    MPI_Request *req = malloc(sizeof(MPI_Request) * (size_t)(nreq ? nreq : 1));
    if (!sbuf || !rbuf || !req)
        tyl_rt_error(where, "out of memory");
    double t0 = MPI_Wtime();
    nreq = 0;
    for (int q = 0; q < nr; q++)
        if (rc[q])
            MPI_Irecv(rbuf + (size_t)ro[q] * el, (int)(rc[q] * (int64_t)el), MPI_BYTE, q, TAG_SHARE, comm,
                      &req[nreq++]);
    for (int64_t k = 0; k < nsend; k++) { /* each peer's runs in order, after the lower peers' */
        const tyl_share_run *u = &send[k];
        memcpy(sbuf + (size_t)so[u->peer] * el, sv + (size_t)u->at * el, (size_t)u->n * el);
        so[u->peer] += u->n;
    }
    for (int q = 0; q < nr; q++)
        if (sc[q])
            MPI_Isend(sbuf + (size_t)(so[q] - sc[q]) * el, (int)(sc[q] * (int64_t)el), MPI_BYTE, q, TAG_SHARE,
                      comm, &req[nreq++]);
    MPI_Waitall(nreq, req, MPI_STATUSES_IGNORE);
    tyl_dist_stats_.t_reduce += MPI_Wtime() - t0;
    for (int64_t k = 0; k < nrecv; k++) {
        const tyl_share_run *u = &recv[k];
        memcpy(lv + (size_t)u->at * el, rbuf + (size_t)ro[u->peer] * el, (size_t)u->n * el);
        ro[u->peer] += u->n;
    }
    free(req);
    free(rbuf);
    free(sbuf);
    free(sc);
#endif
}
