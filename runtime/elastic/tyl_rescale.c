/* tyl_rescale.c: in-process rescale, for planned changes of the rank count without a relaunch.
 *
 * At a step boundary every rank of the job agrees (tyl_ckpt.c) to move from P to M ranks:
 *
 *  - Shrink (M < P): MPI_Comm_split keeps ranks 0..M-1. Every rank packs the parts of its old
 *    blocks that each survivor owns on the new grid of M ranks (MPI_Dims_create), the data
 *    travels in one MPI_Alltoallv per array over the old communicator, the survivors switch the
 *    runtime to the new communicator and grid and unpack into newly laid-out arrays. The
 *    leaving ranks then release everything, finish MPI and exit 0: they never run the rest of
 *    the program (no prints, no np.save).
 *  - Grow (M > P): MPI_Comm_spawn starts M - P copies of the program (same arguments); parents
 *    and children merge the intercommunicator (parents first, so old ranks keep their numbers).
 *    The children take the loop, step and scalars from rank 0, then receive their blocks in the
 *    same MPI_Alltoallv as above (the parents send, everyone receives) and replicated arrays by
 *    MPI_Bcast; they enter the time loop at the step the parents are at.
 *
 * Both sides compute every block from the same formulas, so the exchange needs no metadata
 * messages. Halos of the new arrays are stale and are exchanged before their first read.
 * Arrays not live at the loop (dead slots) are dropped rather than moved.
 *
 * Every communicator is released by all of its members, each before it could next send on it
 * (the spawn intercommunicator on both sides after the merge; the old job communicator, and
 * the runtime's duplicates of it, on the ranks that stay and on the ones that leave). Open
 * MPI's MPI_Finalize sends a message to every peer of each communicator spanning two jobs
 * that the process still holds; a survivor that had freed that communicator may have given
 * its context id to a new, smaller one, and a message there from a rank beyond its size
 * killed the survivor (SIGSEGV in ob1's peer lookup: a grow then a shrink, issue 15).
 */
#define _POSIX_C_SOURCE 200809L
#include "tyl_elastic.h"
#include "runtime_mpi/tyl_mem.h"
#include "runtime_mpi/tyl_mpi.h"

#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef TYL_NO_MPI

MPI_Comm tyl_rs_world_(void) { return MPI_COMM_WORLD; }
int tyl_rs_spawned(void) { return 0; }
void tyl_rs_before_finalize_(void) {}
int tyl_rs_join(int64_t *k, int64_t *nk)
{
    *k = 0;
    *nk = -1;
    return -1;
}
void tyl_rs_receive(const int *live) { (void)live; }
void tyl_rs_rescale(int loop, int64_t k, int64_t nk, const int *live, int to)
{
    (void)loop;
    (void)k;
    (void)nk;
    (void)live;
    if (to != 1 && tyl_rt_rank_ == 0)
        fprintf(stderr, "%s: rescale to %d ranks ignored: built without MPI\n", tyl_ck_opts_.prog, to);
}

#else

static int spawned = -1, did_spawn;

/* Open MPI's teardown between a spawned job and its parents can write to a socket the other
 * side already closed: a process that took part in a spawn must not die of SIGPIPE there,
 * after its work is done (tyl_rt_finalize calls this before MPI_Finalize). */
void tyl_rs_before_finalize_(void)
{
    if (spawned == 1 || did_spawn)
        signal(SIGPIPE, SIG_IGN);
}
int tyl_rs_spawned(void) { return spawned == 1; }

MPI_Comm tyl_rs_world_(void)
{
    MPI_Comm parent;
    MPI_Comm_get_parent(&parent);
    spawned = parent != MPI_COMM_NULL;
    tyl_rt_elastic_.spawned = spawned;
    if (!spawned)
        return MPI_COMM_WORLD;
    MPI_Comm merged;
    MPI_Intercomm_merge(parent, 1, &merged);
    MPI_Comm_free(&parent); /* as the parents free theirs (tyl_rs_rescale) */
    return merged;
}

/* ---- boxes ----------------------------------------------------------------------------------- */

typedef struct rbox {
    int64_t lo[TYL_MAX_RANK], n[TYL_MAX_RANK];
} rbox;

static int64_t box_elems(const rbox *b, int r)
{
    int64_t e = 1;
    for (int d = 0; d < r; d++)
        e *= b->n[d] > 0 ? b->n[d] : 0;
    return e;
}

static void intersect(const rbox *a, const rbox *b, int r, rbox *out)
{
    for (int d = 0; d < r; d++) {
        int64_t lo = a->lo[d] > b->lo[d] ? a->lo[d] : b->lo[d];
        int64_t hi = a->lo[d] + a->n[d] < b->lo[d] + b->n[d] ? a->lo[d] + a->n[d] : b->lo[d] + b->n[d];
        out->lo[d] = lo;
        out->n[d] = hi > lo ? hi - lo : 0;
    }
}

/* Copy box b of array a (global indices inside a's owned block) to or from buf, C order. */
static void box_copy(tyl_array *a, const rbox *b, char *buf, int to_buf)
{
    int r = a->rank;
    size_t es = tyl_dtype_size(a->dtype);
    int64_t rows = 1;
    for (int d = 0; d < r - 1; d++)
        rows *= b->n[d];
    int64_t len = r ? b->n[r - 1] : 1;
    if (box_elems(b, r) == 0)
        return;
    int64_t idx[TYL_MAX_RANK] = {0};
    for (int64_t q = 0; q < rows; q++) {
        int64_t off = 0;
        for (int d = 0; d < r; d++)
            off += (b->lo[d] + (d < r - 1 ? idx[d] : 0) - a->lo[d]) * a->stride[d];
        char *at = (char *)a->data + off * (int64_t)es;
        if (to_buf)
            tyl_mem_to_host(buf, at, (size_t)len * es);
        else
            tyl_mem_from_host(at, buf, (size_t)len * es);
        buf += (size_t)len * es;
        for (int d = r - 2; d >= 0; d--) {
            if (++idx[d] < b->n[d])
                break;
            idx[d] = 0;
        }
    }
}

/* The part `box` of a's local allocation (owned block plus halo layers) as an MPI datatype
 * based at a->base, so data moves between the old and new arrays without packing. */
static MPI_Datatype box_type(const tyl_array *a, const rbox *b, MPI_Datatype el)
{
    int r = a->rank, sizes[TYL_MAX_RANK], sub[TYL_MAX_RANK], start[TYL_MAX_RANK];
    for (int d = 0; d < r; d++) {
        /* the allocation's extents, from the strides: rows may be padded (tyl_dist_layout) */
        int64_t ext = a->n[d] + a->hl[d] + a->hh[d];
        if (d == r - 1 && r > 1 && a->stride[r - 2])
            ext = a->stride[r - 2];
        sizes[d] = (int)ext;
        sub[d] = (int)b->n[d];
        start[d] = (int)(b->lo[d] - a->lo[d] + a->hl[d]);
    }
    MPI_Datatype t;
    MPI_Type_create_subarray(r, sizes, sub, start, MPI_ORDER_C, el, &t);
    MPI_Type_commit(&t);
    return t;
}

/* Host arrays: one MPI_Alltoallw with a subarray type per peer, from the old allocation
 * straight into the new one (the rank's own part included), so nothing is packed or staged. */
static void move_array_direct(MPI_Comm all, int me, int nall, tyl_array *old, tyl_array *nw, const tyl_layout *L,
                              const int64_t *shape, int r, tyl_dtype dt, int P, const int *odims, int M,
                              const int *ndims)
{
    size_t es = tyl_dtype_size(dt);
    MPI_Datatype el;
    MPI_Type_contiguous((int)es, MPI_BYTE, &el);
    MPI_Type_commit(&el);
    int *sc = calloc((size_t)nall, sizeof(int)), *rc = calloc((size_t)nall, sizeof(int));
    int *zd = calloc((size_t)nall, sizeof(int));
    MPI_Datatype *st = malloc(sizeof *st * (size_t)nall), *rt = malloc(sizeof *rt * (size_t)nall);
    rbox mine_old = {0}, mine_new = {0};
    if (me < P)
        tyl_dist_owned_on(L, shape, odims, me, mine_old.lo, mine_old.n);
    if (me < M)
        tyl_dist_owned_on(L, shape, ndims, me, mine_new.lo, mine_new.n);
    for (int j = 0; j < nall; j++) {
        rbox b, x;
        st[j] = rt[j] = MPI_BYTE;
        if (me < P && j < M) {
            tyl_dist_owned_on(L, shape, ndims, j, b.lo, b.n);
            intersect(&mine_old, &b, r, &x);
            if (box_elems(&x, r) > 0) {
                st[j] = box_type(old, &x, el);
                sc[j] = 1;
            }
        }
        if (me < M && j < P) {
            tyl_dist_owned_on(L, shape, odims, j, b.lo, b.n);
            intersect(&b, &mine_new, r, &x);
            if (box_elems(&x, r) > 0) {
                rt[j] = box_type(nw, &x, el);
                rc[j] = 1;
            }
        }
    }
    MPI_Alltoallw(old ? old->base : NULL, sc, zd, st, nw ? nw->base : NULL, rc, zd, rt, all);
    for (int j = 0; j < nall; j++) {
        if (sc[j])
            MPI_Type_free(&st[j]);
        if (rc[j])
            MPI_Type_free(&rt[j]);
    }
    MPI_Type_free(&el);
    free(sc);
    free(rc);
    free(zd);
    free(st);
    free(rt);
}

/* Move one distributed array from the old grid (P ranks, odims) to the new one (M ranks,
 * ndims) over `all` (old ranks and new ranks numbered from 0 in it). old: this rank's array
 * (NULL for a new rank); nw: its new array (NULL for a leaving rank). */
static void move_array(MPI_Comm all, int me, int nall, tyl_array *old, tyl_array *nw, const tyl_layout *L,
                       const int64_t *shape, int r, tyl_dtype dt, int P, const int *odims, int M, const int *ndims)
{
    size_t es = tyl_dtype_size(dt);
    int *sc = calloc((size_t)nall, sizeof(int)), *sd = calloc((size_t)nall, sizeof(int));
    int *rc = calloc((size_t)nall, sizeof(int)), *rd = calloc((size_t)nall, sizeof(int));
    rbox mine_old = {0}, mine_new = {0};
    if (me < P)
        tyl_dist_owned_on(L, shape, odims, me, mine_old.lo, mine_old.n);
    if (me < M)
        tyl_dist_owned_on(L, shape, ndims, me, mine_new.lo, mine_new.n);
    int64_t stot = 0, rtot = 0;
    for (int j = 0; j < nall; j++) {
        rbox b, x;
        if (me < P && j < M) {
            tyl_dist_owned_on(L, shape, ndims, j, b.lo, b.n);
            intersect(&mine_old, &b, r, &x);
            int64_t bytes = box_elems(&x, r) * (int64_t)es;
            if (bytes > INT_MAX)
                tyl_rt_error("rescale", "a piece of %lld bytes is too large for one message", (long long)bytes);
            sc[j] = (int)bytes;
        }
        if (me < M && j < P) {
            tyl_dist_owned_on(L, shape, odims, j, b.lo, b.n);
            intersect(&b, &mine_new, r, &x);
            rc[j] = (int)(box_elems(&x, r) * (int64_t)es);
        }
        sd[j] = (int)stot;
        rd[j] = (int)rtot;
        stot += sc[j];
        rtot += rc[j];
        if (stot > INT_MAX || rtot > INT_MAX)
            tyl_rt_error("rescale", "more than 2 GiB of one array on one rank");
    }
    char *sbuf = malloc((size_t)stot + 1), *rbuf = malloc((size_t)rtot + 1);
    for (int j = 0; j < nall && me < P; j++)
        if (sc[j]) {
            rbox b, x;
            tyl_dist_owned_on(L, shape, ndims, j, b.lo, b.n);
            intersect(&mine_old, &b, r, &x);
            box_copy(old, &x, sbuf + sd[j], 1);
        }
    MPI_Alltoallv(sbuf, sc, sd, MPI_BYTE, rbuf, rc, rd, MPI_BYTE, all);
    for (int j = 0; j < nall && me < M; j++)
        if (rc[j]) {
            rbox b, x;
            tyl_dist_owned_on(L, shape, odims, j, b.lo, b.n);
            intersect(&b, &mine_new, r, &x);
            box_copy(nw, &x, rbuf + rd[j], 0);
        }
    free(sbuf);
    free(rbuf);
    free(sc);
    free(sd);
    free(rc);
    free(rd);
}

/* A replicated array for a rank that has none (a new one): rank 0's copy. */
static void bcast_array(MPI_Comm all, tyl_array *a)
{
    size_t es = tyl_dtype_size(a->dtype);
    size_t bytes = (size_t)a->size * es, chunk = (size_t)1 << 30;
    char *h = malloc(chunk < bytes ? chunk : bytes + 1);
    for (size_t at = 0; at < bytes; at += chunk) {
        size_t n = bytes - at < chunk ? bytes - at : chunk;
        int me;
        MPI_Comm_rank(all, &me);
        if (me == 0)
            tyl_mem_to_host(h, (char *)a->data + at, n);
        MPI_Bcast(h, (int)n, MPI_BYTE, 0, all);
        if (me != 0)
            tyl_mem_from_host((char *)a->data + at, h, n);
    }
    free(h);
}

/* ---- moving the live state ------------------------------------------------------------------- */

/* Buffers of the live array slots: distinct arrays, each moved once. Dead slots are emptied. */
typedef struct live_set {
    int nbuf;
    tyl_array **buf;   /* old arrays (NULL on a new rank) */
    int *first;        /* a slot (state-table index) holding buffer i */
    int *slot_buf;     /* per live slot: its buffer or -1 */
} live_set;

/* Header of every buffer, from rank 0 to new ranks: dtype, rank, shape, distributed. */
typedef struct buf_meta {
    int64_t shape[TYL_MAX_RANK];
    int dt, rank, dist, first;
} buf_meta;

static void collect(const int *live, live_set *ls)
{
    tyl_ck_var *vars = tyl_ck_state_.vars;
    int n = tyl_live_count(live);
    ls->buf = calloc((size_t)n + 1, sizeof *ls->buf);
    ls->first = calloc((size_t)n + 1, sizeof *ls->first);
    ls->slot_buf = calloc((size_t)n + 1, sizeof *ls->slot_buf);
    ls->nbuf = 0;
    for (int i = 0; i < n; i++) {
        tyl_ck_var *v = &vars[live[i]];
        ls->slot_buf[i] = -1;
        if (v->rank < 0)
            continue;
        tyl_array *a = *(tyl_array **)v->ptr;
        if (!a)
            continue;
        int b = -1;
        for (int j = 0; j < ls->nbuf; j++)
            if (ls->buf[j] == a)
                b = j;
        if (b < 0) {
            b = ls->nbuf++;
            ls->buf[b] = a;
            ls->first[b] = live[i];
        }
        ls->slot_buf[i] = b;
    }
    /* dead slots: nothing reads them again */
    for (int i = 0; i < tyl_ck_state_.nvars; i++) {
        int is_live = 0;
        for (int j = 0; j < n; j++)
            is_live |= live[j] == i;
        if (!is_live && vars[i].rank >= 0)
            tyl_set((tyl_array **)vars[i].ptr, NULL);
    }
}

static void free_set(live_set *ls)
{
    free(ls->buf);
    free(ls->first);
    free(ls->slot_buf);
}

/* The scalars of the live state: rank 0's values to everyone on `all`. */
static void bcast_scalars(MPI_Comm all, const int *live)
{
    tyl_ck_var *vars = tyl_ck_state_.vars;
    for (int i = 0; live[i] >= 0; i++)
        if (vars[live[i]].rank == TYL_CK_STRING) { /* a run-time string: its length, its bytes */
            int k = (int)(intptr_t)vars[live[i]].ptr, me;
            MPI_Comm_rank(all, &me);
            const char *s = me == 0 ? tyl_str_get(k) : "";
            int n = (int)strlen(s);
            MPI_Bcast(&n, 1, MPI_INT, 0, all);
            char *b = malloc((size_t)n + 1);
            if (!b)
                abort();
            memcpy(b, s, me == 0 ? (size_t)n : 0);
            MPI_Bcast(b, n, MPI_BYTE, 0, all);
            b[n] = '\0';
            tyl_str_reset(k);
            tyl_str_add(k, b);
            free(b);
        } else if (vars[live[i]].rank < 0)
            MPI_Bcast(vars[live[i]].ptr, (int)tyl_dtype_size(vars[live[i]].type), MPI_BYTE, 0, all);
}

/* Both sides of the data movement. old arrays in ls (may be absent on new ranks); meta for
 * every buffer on every rank. Survivors and new ranks end with their slots rebound. */
static void move_all(MPI_Comm all, int me, int nall, const int *live, live_set *ls, const buf_meta *meta,
                     int P, const int *odims, int M, const int *ndims, int keep)
{
    tyl_ck_var *vars = tyl_ck_state_.vars;
    tyl_array **nw = calloc((size_t)ls->nbuf + 1, sizeof *nw);
    for (int b = 0; b < ls->nbuf; b++) {
        const buf_meta *m = &meta[b];
        const tyl_ck_var *v = &vars[m->first];
        if (!m->dist) {
            /* replicated: survivors keep theirs, new ranks get rank 0's */
            if (me < P)
                nw[b] = keep ? tyl_ref(ls->buf[b]) : NULL;
            else {
                nw[b] = tyl_alloc_l((tyl_dtype)m->dt, m->rank, m->shape, TYL_INIT_NONE, NULL, "rescale");
            }
            if (M > P)
                bcast_array(all, nw[b] ? nw[b] : ls->buf[b]);
            continue;
        }
        if (keep)
            nw[b] = tyl_alloc_l((tyl_dtype)m->dt, m->rank, m->shape, TYL_INIT_NONE, v->layout, "rescale");
        if (tyl_mem_on_device()) /* MPI may not reach device memory: pack through the host */
            move_array(all, me, nall, me < P ? ls->buf[b] : NULL, nw[b], v->layout, m->shape, m->rank,
                       (tyl_dtype)m->dt, P, odims, M, ndims);
        else
            move_array_direct(all, me, nall, me < P ? ls->buf[b] : NULL, nw[b], v->layout, m->shape, m->rank,
                              (tyl_dtype)m->dt, P, odims, M, ndims);
    }
    if (keep)
        for (int i = 0; live[i] >= 0; i++)
            if (vars[live[i]].rank >= 0)
                tyl_set((tyl_array **)vars[live[i]].ptr, ls->slot_buf[i] >= 0 ? tyl_ref(nw[ls->slot_buf[i]]) : NULL);
    for (int b = 0; b < ls->nbuf; b++)
        tyl_release(nw[b]);
    free(nw);
}

static void meta_of(const live_set *ls, buf_meta *meta)
{
    for (int b = 0; b < ls->nbuf; b++) {
        tyl_array *a = ls->buf[b];
        memset(&meta[b], 0, sizeof meta[b]);
        for (int d = 0; d < a->rank; d++)
            meta[b].shape[d] = a->shape[d];
        meta[b].dt = (int)a->dtype;
        meta[b].rank = a->rank;
        meta[b].dist = a->layout != NULL;
        meta[b].first = ls->first[b];
    }
}

/* Grow, after the resume point (tyl_rs_join): rank 0 hands the scalars, the buffer table and
 * which slot holds which buffer to the new ranks, then every rank takes part in the data
 * movement. Parents (ls, meta filled) and children (empty, filled here) call this same
 * function, so their collectives match one for one. */
static void grow_share(MPI_Comm c, const int *live, live_set *ls, buf_meta *meta, int P, const int *odims,
                       const int *ndims)
{
    bcast_scalars(c, live);
    MPI_Bcast(meta, (int)(sizeof *meta * (size_t)ls->nbuf), MPI_BYTE, 0, c);
    MPI_Bcast(ls->slot_buf, tyl_live_count(live), MPI_INT, 0, c);
    int M;
    MPI_Comm_size(c, &M);
    move_all(c, tyl_rt_rank_, M, live, ls, meta, P, odims, M, ndims, 1);
}

/* The new ranks run `/bin/sh -c "trap '' USR1; exec EXE ARGS"`: mpirun forwards a SIGUSR1 to
 * every process of the job, and the program's own process has no handler until its constructor
 * (tyl_rt.c) runs, after the dynamic loader has mapped libmpi and the rest; sh ignores the signal
 * within about a millisecond of its start, and exec keeps an ignored signal ignored. NULL (spawn
 * the program itself) without /bin/sh. */
static char **spawn_argv(void)
{
    static char script[] = "trap '' USR1; exec \"$0\" \"$@\"", dash_c[] = "-c";
    char **argv = tyl_ck_opts_.argv;
    int argc = 0;
    while (argv && argv[argc])
        argc++;
    if (access("/bin/sh", X_OK) != 0 || !tyl_ck_opts_.exe)
        return NULL;
    char **av = calloc((size_t)argc + 4, sizeof *av); /* -c, script, exe, arguments, NULL */
    if (!av)
        return NULL;
    av[0] = dash_c;
    av[1] = script;
    av[2] = tyl_ck_opts_.exe;
    for (int i = 1; i < argc; i++)
        av[2 + i] = argv[i];
    return av;
}

/* What spawned ranks need before the data: the resume point, the old grid and the buffers. */
enum { H_LOOP, H_K, H_NK, H_NBUF, H_P, H_DIMS, H_LEN = H_DIMS + TYL_MAX_RANK };
static int64_t join_hdr[H_LEN];

void tyl_rs_rescale(int loop, int64_t k, int64_t nk, const int *live, int to)
{
    double t0 = tyl_wall_();
    int P = tyl_rt_nranks(), me = tyl_rt_rank_, G = tyl_rt_grid_rank();
    if (to == P)
        return;
    int odims[TYL_MAX_RANK], ndims[TYL_MAX_RANK];
    for (int d = 0; d < TYL_MAX_RANK; d++)
        odims[d] = d < G ? tyl_rt_grid_dims()[d] : 1;
    tyl_dist_dims_for(to, ndims);
    live_set ls;
    collect(live, &ls);
    buf_meta *meta = calloc((size_t)ls.nbuf + 1, sizeof *meta);
    meta_of(&ls, meta);
    /* every distributed array must have a row per rank along each axis of the new grid (an
     * empty one has none on any grid: an optional array that is still None holds one) */
    for (int b = 0; b < ls.nbuf; b++)
        for (int d = 0; meta[b].dist && d < G; d++)
            if (ndims[d] > meta[b].shape[d] && meta[b].shape[d] > 0) {
                if (me == 0)
                    fprintf(stderr, "%s: rescale to %d ranks refused: %d ranks along axis %d, more than the %lld "
                            "elements there; going on with %d ranks\n", tyl_ck_opts_.prog, to, ndims[d], d,
                            (long long)meta[b].shape[d], P);
                tyl_event(0, "rescale-refused", "from=%d to=%d", P, to);
                free(meta);
                free_set(&ls);
                return;
            }
    MPI_Comm old = tyl_rt_comm_;
    int64_t bytes = 0;
    for (int b = 0; b < ls.nbuf; b++)
        bytes += ls.buf[b]->size * (int64_t)tyl_dtype_size(ls.buf[b]->dtype);
    double t_spawn = 0;
    if (to < P) {
        MPI_Comm sub;
        MPI_Comm_split(old, me < to ? 0 : MPI_UNDEFINED, me, &sub);
        if (me < to) {
            tyl_rt_comm_ = sub;
            tyl_rt_set_size_(me, to);
            tyl_halo_regrid_(to, me);
            tyl_ck_recomm_();
        }
        move_all(old, me, P, live, &ls, meta, P, odims, to, ndims, me < to);
        /* A leaving rank's MPI_Alltoallw returns once its pieces are handed to the transport,
         * not once the survivors hold them. Leavers that were spawned by a grow form a job of
         * their own: their MPI_Finalize waits only for that job, so they exit at once, closing
         * their connections while a survivor is still receiving (it then crashed in Open MPI's
         * ob1/TCP progress, in this exchange, the barrier below or the next halo wait). Every
         * rank of the old communicator passes this barrier only when every rank has finished
         * its part of the exchange. */
        MPI_Barrier(old);
        free(meta);
        free_set(&ls);
        if (me >= to) {
            tyl_event(1, "left", "rank=%d", me);
            /* the survivors have released (tyl_halo_regrid_, tyl_ck_recomm_) or release below
             * their handles of these; tyl_rt_leave_ drops the grid's */
            tyl_ck_drop_comm_();
            if (old != MPI_COMM_WORLD)
                MPI_Comm_free(&old);
            tyl_rt_comm_ = MPI_COMM_NULL;
            tyl_rt_leave_();
        }
    } else {
        /* grow: the children run this program with our arguments */
        double ts = tyl_wall_();
        MPI_Comm inter, merged;
        int n = to - P, *errs = calloc((size_t)n, sizeof *errs);
        MPI_Info info;
        MPI_Info_create(&info);
        MPI_Info_set(info, "map_by", ":OVERSUBSCRIBE");
        /* more ranks than cores: the new ranks must yield the core while they wait, as mpirun
         * --oversubscribe makes the first ones do (else they spin and the job runs ~40x
         * slower) */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        const char *y = getenv("OMPI_MCA_mpi_yield_when_idle");
        if ((cores > 0 && to > cores) || (y && !strcmp(y, "1")))
            MPI_Info_set(info, "env", "OMPI_MCA_mpi_yield_when_idle=1");
        did_spawn = 1;
        char **av = spawn_argv();
        if (av)
            MPI_Comm_spawn("/bin/sh", av, n, info, 0, old, &inter, errs);
        else
            MPI_Comm_spawn(tyl_ck_opts_.exe, tyl_ck_opts_.argv + 1, n, info, 0, old, &inter, errs);
        free(av);
        MPI_Info_free(&info);
        free(errs);
        MPI_Intercomm_merge(inter, 0, &merged);
        MPI_Comm_free(&inter);
        t_spawn = tyl_wall_() - ts;
        /* the same collectives, in the same order, as the children's start: tyl_rt_init
         * (tyl_dist_setup, tyl_xchg_setup), tyl_ck_setup (tyl_rs_join), tyl_ck_enter (tyl_rs_receive) */
        tyl_rt_comm_ = merged;
        tyl_rt_set_size_(me, to);
        tyl_halo_regrid_(to, me);
        tyl_ck_recomm_();
        int64_t hdr[H_LEN] = {[H_LOOP] = loop, [H_K] = k, [H_NK] = nk, [H_NBUF] = ls.nbuf, [H_P] = P};
        for (int d = 0; d < TYL_MAX_RANK; d++)
            hdr[H_DIMS + d] = odims[d];
        MPI_Bcast(hdr, H_LEN, MPI_INT64_T, 0, merged);
        grow_share(merged, live, &ls, meta, P, odims, ndims);
        free(meta);
        free_set(&ls);
    }
    if (old != MPI_COMM_WORLD)
        MPI_Comm_free(&old);
    MPI_Barrier(tyl_rt_comm_);
    tyl_event(0, "rescale", "from=%d to=%d bytes=%lld seconds=%.6f spawn=%.6f", P, to, (long long)bytes,
              tyl_wall_() - t0, t_spawn);
}

int tyl_rs_join(int64_t *k, int64_t *nk)
{
    MPI_Bcast(join_hdr, H_LEN, MPI_INT64_T, 0, tyl_rt_comm_);
    *k = join_hdr[H_K];
    *nk = join_hdr[H_NK];
    return (int)join_hdr[H_LOOP];
}

void tyl_rs_receive(const int *live)
{
    int odims[TYL_MAX_RANK], ndims[TYL_MAX_RANK];
    for (int d = 0; d < TYL_MAX_RANK; d++) {
        odims[d] = (int)join_hdr[H_DIMS + d];
        ndims[d] = d < tyl_rt_grid_rank() ? tyl_rt_grid_dims()[d] : 1;
    }
    live_set ls;
    ls.nbuf = (int)join_hdr[H_NBUF];
    ls.buf = calloc((size_t)ls.nbuf + 1, sizeof *ls.buf);
    ls.first = calloc((size_t)ls.nbuf + 1, sizeof *ls.first);
    ls.slot_buf = calloc((size_t)tyl_live_count(live) + 1, sizeof *ls.slot_buf);
    buf_meta *meta = calloc((size_t)ls.nbuf + 1, sizeof *meta);
    grow_share(tyl_rt_comm_, live, &ls, meta, (int)join_hdr[H_P], odims, ndims);
    free(meta);
    free_set(&ls);
    MPI_Barrier(tyl_rt_comm_);
}

#endif
