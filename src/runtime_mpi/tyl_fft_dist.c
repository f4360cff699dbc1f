/* tyl_fft_dist.c: numpy.fft's transforms of whole arrays (tyl_fft, for lower_fft.c's S_FFT): the
 * lines each rank transforms with tyl_fft_lines_ (tyl_fft.c). A replicated array's are all its
 * lines, on every rank; on the CUDA back end they go through host copies (tyl_mem_to_host /
 * tyl_mem_from_host). Distributed arrays:
 *
 * Both slots of a transform are block-distributed over the process grid like the fields, the
 * parts' axis (..., 2) of complex data kept whole (pass_dist). Along the transformed axis a:
 *
 * - not split (the grid has one rank along a): every rank's lines lie whole in its own block;
 *   it transforms them where they are, into its block of the result. No message.
 * - split over Pa ranks: the Pa ranks that share every other grid coordinate (a LINE of the
 *   grid) hold together the lines of their common box; they trade blocks so that each holds
 *   whole lines, a slab of another axis b (the one with the most points here) cut in Pa pieces:
 *   rank j of the line gets piece j of b with all of a (one all-to-all in the line, point to
 *   point messages: MPI_Irecv / MPI_Isend). It transforms those lines, and the pieces go back
 *   to the blocks of the result the same way (a second all-to-all).
 * - a 1-D array split over ranks (no other axis to slice): every rank gathers the whole line,
 *   transforms it, and keeps its block of the result. The line then is whole on every rank
 *   (O(n) memory a rank): a 1-D transform does not scale; 2-D and 3-D ones do.
 *
 * Each line's transform is tyl_fft_lines_'s same code on the same values wherever it runs, so
 * the result is bitwise the same at every rank count and grid. The memory a rank holds beyond
 * its blocks is the slab and the message buffers: O(size / ranks). On the CUDA back end the
 * blocks move through host copies, as tyl_fft's do.
 */
#include "tyl_internal.h"
#include "tyl_mem.h"
#include "tyl_mpi.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum { TAG_FFT = 7307 };

/* Copies the box ext[0..D-1], c doubles an element (at +0 and +1), from src at strides ss to
 * dst at strides ds (doubles). */
static void copy_box(const double *src, const int64_t *ss, double *dst, const int64_t *ds, const int64_t *ext, int D,
                     int c)
{
    int64_t tot = 1;
    for (int d = 0; d < D; d++)
        tot *= ext[d];
    if (tot == 0)
        return;
    const int64_t inner = ext[D - 1], si = ss[D - 1], di = ds[D - 1];
    for (int64_t r = 0; r < tot / inner; r++) {
        int64_t os = 0, od = 0, q = r;
        for (int d = D - 2; d >= 0; d--) {
            int64_t k = q % ext[d];
            q /= ext[d];
            os += k * ss[d], od += k * ds[d];
        }
        const double *s = src + os;
        double *t = dst + od;
        if (c == 1)
            for (int64_t k = 0; k < inner; k++)
                t[k * di] = s[k * si];
        else
            for (int64_t k = 0; k < inner; k++)
                t[k * di] = s[k * si], t[k * di + 1] = s[k * si + 1];
    }
}

/* C-order strides (doubles) of a compact box ext[0..D-1] of c doubles an element; its size. */
static int64_t compact(const int64_t *ext, int D, int c, int64_t *st)
{
    int64_t s = c;
    for (int d = D - 1; d >= 0; d--) {
        st[d] = s;
        s *= ext[d];
    }
    return s;
}

/* a's local allocation as the host sees it: a itself, or (CUDA back end) a host copy of it
 * (with its contents when `fill`); the element at a's lo is returned, the copy in *buf. */
static double *host_data(const tyl_array *a, int dev, int fill, double **buf, const char *where)
{
    *buf = NULL;
    if (!dev)
        return a->data;
    size_t bytes = (size_t)a->lsize * sizeof(double);
    *buf = malloc(bytes ? bytes : 1);
    if (!*buf)
        tyl_rt_error(where, "MemoryError: cannot allocate the host copy of an FFT's block");
    if (fill)
        tyl_mem_to_host(*buf, a->base, bytes);
    return *buf + ((double *)a->data - (double *)a->base);
}

#ifndef TYL_NO_MPI
/* The rank number of the grid coordinate c (R axes of P ranks each, row-major). */
static int rank_of(const int *P, int R, const int *c)
{
    int r = 0;
    for (int d = 0; d < R; d++)
        r = r * P[d] + c[d];
    return r;
}

static void block_of(int64_t n, int c, int P, int64_t *lo, int64_t *hi)
{
    *lo = (int64_t)((__int128)n * c / P);
    *hi = (int64_t)((__int128)n * (c + 1) / P);
}

/* One all-to-all in the line: sc[j] / rc[j] doubles to / from line member j at so[j] / ro[j]
 * of sbuf / rbuf (self: a copy). */
static void trade(const int *peer, int Pa, int me, const double *sbuf, const int64_t *sc, const int64_t *so,
                  double *rbuf, const int64_t *rc, const int64_t *ro, const char *where)
{
    int size;
    MPI_Comm comm = tyl_dist_comm_(&size);
    MPI_Request *req = malloc(sizeof(MPI_Request) * (size_t)(2 * Pa));
    if (!req)
        tyl_rt_error(where, "MemoryError: an FFT's messages");
    int nreq = 0;
    for (int j = 0; j < Pa; j++) {
        if (sc[j] > INT_MAX || rc[j] > INT_MAX)
            tyl_rt_error(where, "MemoryError: an FFT's message of more than %d values", INT_MAX);
        if (j != me && rc[j])
            MPI_Irecv(rbuf + ro[j], (int)rc[j], MPI_DOUBLE, peer[j], TAG_FFT, comm, &req[nreq++]);
    }
    for (int j = 0; j < Pa; j++)
        if (j != me && sc[j]) {
            tyl_dist_stats_.fft_bytes += sc[j] * (int64_t)sizeof(double);
            MPI_Isend((void *)(sbuf + so[j]), (int)sc[j], MPI_DOUBLE, peer[j], TAG_FFT, comm, &req[nreq++]);
        }
    if (sc[me])
        memcpy(rbuf + ro[me], sbuf + so[me], sizeof(double) * (size_t)sc[me]);
    MPI_Waitall(nreq, req, MPI_STATUSES_IGNORE);
    free(req);
}

/* Offsets of counts c[0..P-1] laid one after the other; the total. */
static int64_t offsets(const int64_t *c, int P, int64_t *o)
{
    int64_t t = 0;
    for (int j = 0; j < P; j++)
        o[j] = t, t += c[j];
    return t;
}

/* The transforms of lines split over the Pa ranks of this rank's grid line along a: through
 * slabs along b (b < 0: 1-D, whole lines everywhere). hin / hout: in's and out's blocks. */
static void pencils(tyl_array *out, const tyl_array *in, const double *hin, double *hout, int64_t n, int64_t nout,
                    int flags, int D, int a, int b, const int *P, const int *me, const char *where)
{
    const int cin = flags & TYL_FFT_REAL_IN ? 1 : 2, cout = flags & TYL_FFT_REAL_OUT ? 1 : 2;
    const int Pa = P[a], ca = me[a];
    int *peer = malloc(sizeof(int) * (size_t)Pa);
    int64_t *cnt = malloc(sizeof(int64_t) * (size_t)(8 * Pa));
    if (!peer || !cnt)
        tyl_rt_error(where, "MemoryError: an FFT's messages");
    int64_t *sc = cnt, *so = cnt + Pa, *rc = cnt + 2 * Pa, *ro = cnt + 3 * Pa;
    int64_t *alo = cnt + 4 * Pa, *ahi = cnt + 5 * Pa, *olo = cnt + 6 * Pa, *ohi = cnt + 7 * Pa;
    int c[TYL_MAX_RANK];
    for (int d = 0; d < in->rank; d++)
        c[d] = me[d];
    for (int j = 0; j < Pa; j++) {
        c[a] = j;
        peer[j] = rank_of(P, in->rank, c);
        tyl_dist_block_l_(in->layout, a, in->shape[a], j, Pa, &alo[j], &ahi[j]);
        tyl_dist_block_l_(out->layout, a, out->shape[a], j, Pa, &olo[j], &ohi[j]);
    }
    /* piece j of b: [blo + bl[j], blo + bh[j]) of the local block (b < 0: no piece, all) */
    int64_t *bl = malloc(sizeof(int64_t) * (size_t)(2 * Pa)), *bh = bl ? bl + Pa : NULL;
    if (!bl)
        tyl_rt_error(where, "MemoryError: an FFT's messages");
    for (int j = 0; j < Pa; j++)
        if (b >= 0)
            block_of(in->n[b], j, Pa, &bl[j], &bh[j]);
        else
            bl[j] = 0, bh[j] = 1;
    int64_t rest = 1; /* points of the other axes (not a, not b) */
    for (int d = 0; d < D; d++)
        if (d != a && d != b)
            rest *= in->n[d];
    int64_t plo = 0, phi = 1; /* my piece */
    if (b >= 0)
        block_of(in->n[b], ca, Pa, &plo, &phi);
    const int64_t pme = phi - plo;
    /* the first trade: my block of in, piece j of b, to member j; its block, my piece, back */
    for (int j = 0; j < Pa; j++) {
        sc[j] = in->n[a] * (b >= 0 ? bh[j] - bl[j] : 1) * rest * cin;
        rc[j] = (ahi[j] - alo[j]) * pme * rest * cin;
    }
    int64_t ts = offsets(sc, Pa, so), tr = offsets(rc, Pa, ro);
    double *sbuf = malloc(sizeof(double) * (size_t)(ts ? ts : 1)), *rbuf = malloc(sizeof(double) * (size_t)(tr ? tr : 1));
    if (!sbuf || !rbuf)
        tyl_rt_error(where, "MemoryError: cannot allocate the work space of a distributed FFT");
    int64_t ext[TYL_MAX_RANK], st[TYL_MAX_RANK], pe[TYL_MAX_RANK], ps[TYL_MAX_RANK];
    for (int j = 0; j < Pa; j++) {
        const double *src = hin;
        for (int d = 0; d < D; d++)
            ext[d] = in->n[d];
        if (b >= 0) {
            ext[b] = bh[j] - bl[j];
            src += bl[j] * in->stride[b];
        }
        compact(ext, D, cin, st);
        copy_box(src, in->stride, sbuf + so[j], st, ext, D, cin);
    }
    double t0 = MPI_Wtime();
    trade(peer, Pa, ca, sbuf, sc, so, rbuf, rc, ro, where);
    tyl_dist_stats_.t_fft += MPI_Wtime() - t0;
    free(sbuf);
    /* the slab: all of a, my piece of b, the rest of my block */
    for (int d = 0; d < D; d++)
        pe[d] = in->n[d];
    pe[a] = in->shape[a];
    if (b >= 0)
        pe[b] = pme;
    int64_t pin_n = compact(pe, D, cin, ps);
    double *pin = malloc(sizeof(double) * (size_t)(pin_n ? pin_n : 1));
    if (!pin)
        tyl_rt_error(where, "MemoryError: cannot allocate the work space of a distributed FFT");
    for (int j = 0; j < Pa; j++) {
        for (int d = 0; d < D; d++)
            ext[d] = pe[d];
        ext[a] = ahi[j] - alo[j];
        compact(ext, D, cin, st);
        copy_box(rbuf + ro[j], st, pin + alo[j] * ps[a], ps, ext, D, cin);
    }
    free(rbuf);
    int64_t po[TYL_MAX_RANK], pos[TYL_MAX_RANK];
    for (int d = 0; d < D; d++)
        po[d] = pe[d];
    po[a] = out->shape[a];
    int64_t pout_n = compact(po, D, cout, pos);
    double *pout = malloc(sizeof(double) * (size_t)(pout_n ? pout_n : 1));
    if (!pout)
        tyl_rt_error(where, "MemoryError: cannot allocate the work space of a distributed FFT");
    tyl_fft_box_ bx = {.D = D, .axis = a, .m = in->shape[a], .in = pin, .out = pout};
    for (int d = 0; d < D; d++)
        bx.ext[d] = pe[d], bx.sin[d] = ps[d], bx.sout[d] = pos[d];
    tyl_fft_lines_(&bx, n, nout, flags, where);
    free(pin);
    if (b < 0) { /* 1-D: my block of the whole result */
        int64_t e1 = ohi[ca] - olo[ca];
        copy_box(pout + olo[ca] * pos[0], pos, hout, out->stride, &e1, 1, cout);
    } else { /* the second trade: out's block of member j, my piece; my block, its piece */
        for (int j = 0; j < Pa; j++) {
            sc[j] = (ohi[j] - olo[j]) * pme * rest * cout;
            rc[j] = out->n[a] * (bh[j] - bl[j]) * rest * cout;
        }
        ts = offsets(sc, Pa, so), tr = offsets(rc, Pa, ro);
        sbuf = malloc(sizeof(double) * (size_t)(ts ? ts : 1)), rbuf = malloc(sizeof(double) * (size_t)(tr ? tr : 1));
        if (!sbuf || !rbuf)
            tyl_rt_error(where, "MemoryError: cannot allocate the work space of a distributed FFT");
        for (int j = 0; j < Pa; j++) {
            for (int d = 0; d < D; d++)
                ext[d] = po[d];
            ext[a] = ohi[j] - olo[j];
            compact(ext, D, cout, st);
            copy_box(pout + olo[j] * pos[a], pos, sbuf + so[j], st, ext, D, cout);
        }
        t0 = MPI_Wtime();
        trade(peer, Pa, ca, sbuf, sc, so, rbuf, rc, ro, where);
        tyl_dist_stats_.t_fft += MPI_Wtime() - t0;
        for (int j = 0; j < Pa; j++) {
            for (int d = 0; d < D; d++)
                ext[d] = out->n[d];
            ext[b] = bh[j] - bl[j];
            compact(ext, D, cout, st);
            copy_box(rbuf + ro[j], st, hout + bl[j] * out->stride[b], out->stride, ext, D, cout);
        }
        free(sbuf);
        free(rbuf);
    }
    free(pout);
    free(bl);
    free(cnt);
    free(peer);
}
#endif

static void fft_dist(tyl_array *out, const tyl_array *in, int64_t n, int64_t nout, int flags, const char *where)
{
    const int D = in->rank - !(flags & TYL_FFT_REAL_IN), a = flags >> TYL_FFT_AXIS_SHIFT;
    if (!in->layout || !in->layout->dist || !out->layout || !out->layout->dist || a >= D ||
        out->rank != D + !(flags & TYL_FFT_REAL_OUT))
        tyl_rt_error(where, "internal error: a transform between a distributed array and a replicated one");
    int P[TYL_MAX_RANK], me[TYL_MAX_RANK];
    tyl_dist_grid_of_(in->layout, in->rank, P, me);
    for (int d = 0; d < D; d++) /* the same blocks along the other axes */
        if (d != a && (in->lo[d] != out->lo[d] || in->n[d] != out->n[d] || in->shape[d] != out->shape[d]))
            tyl_rt_error(where, "internal error: a transform's result laid out unlike its operand");
    const int dev = tyl_mem_on_device();
    double *bin, *bout;
    const double *hin = host_data(in, dev, 1, &bin, where);
    double *hout = host_data(out, dev, 1, &bout, where);
    if (P[a] == 1) { /* the lines are whole here */
        tyl_fft_box_ bx = {.D = D, .axis = a, .m = in->shape[a], .in = hin, .out = hout};
        for (int d = 0; d < D; d++)
            bx.ext[d] = in->n[d], bx.sin[d] = in->stride[d], bx.sout[d] = out->stride[d];
        tyl_fft_lines_(&bx, n, nout, flags, where);
        tyl_dist_stats_.n_fft_local++;
    } else {
        tyl_dist_stats_.n_fft_split++;
#ifndef TYL_NO_MPI
        int b = -1; /* the slab axis: the other one with the most points here */
        for (int d = 0; d < D; d++)
            if (d != a && (b < 0 || in->n[d] > in->n[b]))
                b = d;
        pencils(out, in, hin, hout, n, nout, flags, D, a, b, P, me, where);
#else
        tyl_rt_error(where, "internal error: a split transform without MPI");
#endif
    }
    if (dev) {
        tyl_mem_from_host(out->base, bout, (size_t)out->lsize * sizeof(double));
        free(bin);
        free(bout);
    }
}

/* Is x whole here and in C order (a replicated array)? */
static int whole(const tyl_array *x)
{
    int64_t st = 1;
    for (int d = x->rank - 1; d >= 0; d--) {
        if (x->n[d] != x->shape[d] || x->stride[d] != st)
            return 0;
        st *= x->shape[d];
    }
    return 1;
}

void tyl_fft(tyl_array *out, const tyl_array *in, int64_t n, int64_t nout, int flags, const char *where)
{
    if (in->dtype != TYL_FLOAT64 || out->dtype != TYL_FLOAT64)
        tyl_rt_error(where, "internal error: tyl_fft of an array that is not a float64 one");
    if (n < 1)
        tyl_rt_error(where, "ValueError: Invalid number of FFT data points (%lld) specified.", (long long)n);
    if ((in->layout && in->layout->dist) || (out->layout && out->layout->dist)) {
        fft_dist(out, in, n, nout, flags, where);
        tyl_dirty(out);
        return;
    }
    if (!whole(in) || !whole(out))
        tyl_rt_error(where, "internal error: tyl_fft of a replicated array that is not whole in C order");
    const int real_in = !!(flags & TYL_FFT_REAL_IN);
    tyl_fft_box_ bx = {.D = in->rank - !real_in, .axis = flags >> TYL_FFT_AXIS_SHIFT};
    for (int d = 0; d < bx.D; d++)
        bx.ext[d] = in->shape[d], bx.sin[d] = in->stride[d], bx.sout[d] = out->stride[d];
    bx.m = in->shape[bx.axis];
    size_t inb = (size_t)in->size * sizeof(double), outb = (size_t)out->size * sizeof(double);
    /* on the CUDA back end the lines go through host copies; on the host they are the arrays */
    const int dev = tyl_mem_on_device();
    const double *hin = dev ? malloc(inb ? inb : 1) : in->data;
    double *hout = dev ? malloc(outb ? outb : 1) : out->data;
    if (!hin || !hout)
        tyl_rt_error(where, "MemoryError: cannot allocate the work space of an FFT of %lld points", (long long)n);
    if (dev)
        tyl_mem_to_host((void *)hin, in->data, inb);
    bx.in = hin, bx.out = hout;
    tyl_fft_lines_(&bx, n, nout, flags, where);
    if (dev) {
        tyl_mem_from_host(out->data, hout, outb);
        free((void *)hin);
        free(hout);
    }
}
