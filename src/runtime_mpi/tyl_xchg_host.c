/* tyl_xchg_host.c: halo exchanges of host arrays (libtyles.a): pack into a host buffer, MPI,
 * unpack. See tyl_xchg.h.
 *
 * The buffers are kept between exchanges (one is in flight at a time) and grow to the largest.
 */
#include <stdlib.h>

#include "tyl_internal.h"
#include "tyl_xchg.h"

int tyl_xchg_peer_failed_;

static char *sbuf, *rbuf;
static int64_t scap, rcap;

static char *buffer(char **b, int64_t *cap, int64_t bytes)
{
    if (bytes > *cap) {
        free(*b);
        *b = malloc((size_t)bytes);
        *cap = *b ? bytes : 0;
        if (!*b)
            tyl_rt_error("libtyles", "MemoryError: halo buffer of %lld bytes", (long long)bytes);
    }
    return *b;
}

/* dir 0: array -> buffer; 1: buffer -> array */
static void copy_pieces(const tyl_xpiece *p, int n, char *buf, int dir)
{
    for (int k = 0; k < n; k++) {
        int64_t bs[TYL_MAX_RANK], t = 1;
        for (int d = p[k].rank - 1; d >= 0; d--) {
            bs[d] = t;
            t *= p[k].n[d];
        }
        if (dir == 0)
            tyl_box_copy(buf + p[k].off, bs, p[k].arr, p[k].stride, p[k].rank, p[k].n, (size_t)p[k].el);
        else
            tyl_box_copy(p[k].arr, p[k].stride, buf + p[k].off, bs, p[k].rank, p[k].n, (size_t)p[k].el);
    }
}

void tyl_xchg_setup(int size, int me)
{
    (void)size;
    (void)me;
}

void tyl_xchg_finalize(void)
{
    tyl_xchg_peer_failed_ = 0;
    free(sbuf);
    free(rbuf);
    sbuf = rbuf = NULL;
    scap = rcap = 0;
}

const char *tyl_xchg_name(void) { return "mpi"; }
int tyl_xchg_self_travels(void) { return 0; }
int tyl_xchg_direct(void) { return 1; }

void tyl_xchg_start(tyl_xchg *x)
{
    char *s = buffer(&sbuf, &scap, x->sbytes), *r = buffer(&rbuf, &rcap, x->rbytes);
    copy_pieces(x->spk, x->nspk, s, 0);
    copy_pieces(x->selfpk, x->nselfpk, s, 1);
    tyl_xchg_mpi_post(x, s, r);
}

void tyl_xchg_finish(tyl_xchg *x)
{
    tyl_xchg_mpi_wait(x);
    copy_pieces(x->rpk, x->nrpk, rbuf, 1);
}
