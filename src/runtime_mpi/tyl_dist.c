/* tyl_dist.c: distributed arrays: the process grid, block ownership, halo exchange, element
 * access by global index (reductions over ranks: tyl_ranks.c).
 *
 * One Cartesian process grid of G dimensions (G = the rank of the program's distributed arrays,
 * fixed by the compiler); in library mode, one more per further rank a context's solvers
 * distribute (tyl_dist_add_grid), each array laid out on the grid of its own rank. A distributed array of extent n along dimension d is split by its own
 * extent: the rank at grid coordinate c of P owns [floor(c*n/P), floor((c+1)*n/P)). Arrays of
 * extents that differ by a constant (N and N+1, an (I+4, J+4) input and its (I, J) output)
 * therefore have block boundaries that differ by at most that constant, which the compiler's
 * halo widths absorb. A block may be empty; its rank still takes part in every collective.
 *
 * Every rank runs the same scalar code, so every decision here (whether a halo is current,
 * who owns an element, which pieces a neighbour needs) is computed identically everywhere
 * without messages: a rank works out what each other rank needs from the same formulas.
 *
 * Halo ZONES: around an owned block, each dimension is below (-1), inside (0) or above (+1) it;
 * the 3^G - 1 combinations other than all-inside are the zones (faces, edges, corners). The
 * compiler says which zones a sweep reads; only those travel, so a 5-point stencil exchanges
 * faces and no corners. hvalid has a bit per zone that holds current data; any write to the
 * array clears them all.
 */
#define _POSIX_C_SOURCE 200809L
#include "tyl_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tyl_mem.h"
#include "tyl_mpi.h"
#include "tyl_xchg.h"

/* ---- the process grid ---------------------------------------------------------------------- */

static int g_rank;                    /* G: dimensions of the grid (0: nothing distributed) */
static int g_P[TYL_MAX_RANK];         /* ranks along each axis (1 past G; set up below) */
static int g_me[TYL_MAX_RANK];        /* this rank's coordinates */
static int g_size = 1, g_self;
static int g_first_checked;
#ifndef TYL_NO_MPI
static MPI_Comm g_comm = MPI_COMM_NULL;
#endif
static int g_overlap = 1;
tyl_dist_stats tyl_dist_stats_;

/* Library mode's further grids (tyl_dist_add_grid): a context whose solvers distribute arrays of
 * several ranks has a grid per rank, each over all of its ranks. A distributed array is laid out
 * on the grid of its own rank. */
static int x_P[TYL_MAX_RANK + 1][TYL_MAX_RANK], x_me[TYL_MAX_RANK + 1][TYL_MAX_RANK];
static unsigned x_grids, x_checked; /* bit G: a further grid of G dimensions; its first check done */

int tyl_rt_nranks(void) { return g_size; }
int tyl_rt_grid_rank(void) { return g_rank; }
const int *tyl_rt_grid_dims(void) { return g_P; }
int tyl_dist_has_grid(int G) { return G > 0 && (G == g_rank || (G <= TYL_MAX_RANK && (x_grids >> G & 1))); }
static const int *P_of(int G) { return G == g_rank ? g_P : x_P[G]; }
static const int *me_of(int G) { return G == g_rank ? g_me : x_me[G]; }

/* rank number <-> coordinates on the grid of G dimensions, row-major (as MPI_Cart_create with
 * reorder 0) */
static void coords_on(int G, int r, int *c)
{
    const int *P = P_of(G);
    for (int d = G - 1; d >= 0; d--) {
        c[d] = r % P[d];
        r /= P[d];
    }
}
static void coords_of(int r, int *c) { coords_on(g_rank, r, c); }

/* Whether an array of rank r laid out as L lies on a grid of this job: the grid of its rank, or,
 * when L keeps axes whole (L->whole: a component axis, the 9 directions of an LBM field, the 3
 * conserved variables of a (3, n) stack), the program's grid over its other axes. */
static int has_grid_l(const tyl_layout *L, int r)
{
    if (L && L->whole) {
        int k = 0;
        for (int d = 0; d < r; d++)
            k += !(L->whole >> d & 1);
        return g_rank > 0 && k == g_rank;
    }
    return tyl_dist_has_grid(r);
}
int tyl_dist_has_grid_for(const tyl_layout *L, int r) { return has_grid_l(L, r); }

/* The grid an array of rank r laid out as L lies on (has_grid_l), per array axis: the ranks
 * along it (P) and this rank's coordinate (me). An axis L->whole keeps whole has one rank; the
 * others take the grid's axes in order. Axes of one rank leave the row-major numbering of the
 * ranks as it is, so coords_in / rank_in on these P are the grid's. */
static void grid_of(const tyl_layout *L, int r, int *P, int *me)
{
    for (int d = 0; d < TYL_MAX_RANK; d++)
        P[d] = 1, me[d] = 0;
    if (L && L->whole) {
        for (int d = 0, k = 0; d < r; d++)
            if (!(L->whole >> d & 1)) {
                P[d] = g_P[k];
                me[d] = g_me[k++];
            }
        return;
    }
    const int *gp = P_of(r), *gm = me_of(r);
    for (int d = 0; d < r; d++)
        P[d] = gp[d], me[d] = gm[d];
}
static void coords_in(const int *P, int G, int r, int *c)
{
    for (int d = G - 1; d >= 0; d--) {
        c[d] = r % P[d];
        r /= P[d];
    }
}
static int rank_in(const int *P, int G, const int *c)
{
    int r = 0;
    for (int d = 0; d < G; d++)
        r = r * P[d] + c[d];
    return r;
}

/* The grid of `size` ranks when --procs does not say: MPI_Dims_create's, except that in a
 * program with a time-tiled loop whose 3-D arrays have equal first two extents
 * (tyl_rt_set_grid_tiled, emit_host.c square_planes) a 3-D grid splits the middle axis
 * before the first (1x2x1 on 2 ranks, 1x3x1 on 3; 2x2x1 on 4 as before). A 3-D group's tiles
 * are rows of planes along the first axis, which one rank's threads share in bands of the
 * middle axis (run_pipeline); ranks split the same way share what varies along the first axis
 * as the threads do. Jacobi 3-D float32 256^3, 120 steps, 2 ranks of one thread: rank 0 of
 * 2x1x1 held the subnormal front spreading from the face x = 0 (a multiply by 1/6 with a
 * subnormal operand or result took ~150 cycles) and did 1.26-1.28x rank 1's CPU time; on
 * 1x2x1 the busiest rank did 0.82x of that, as much as the busiest of one rank's 2 threads
 * (bench/tt_workers.py, bench/RESULTS.md 2026-12-06 h64). */
static void dims_default(int size, int G, int *dims)
{
#ifndef TYL_NO_MPI
    MPI_Dims_create(size, G, dims);
    if (G == 3 && tyl_rt_.grid_tiled && dims[0] > dims[1]) {
        int t = dims[0];
        dims[0] = dims[1];
        dims[1] = t;
    }
#else
    (void)size;
    for (int d = 0; d < G; d++)
        dims[d] = 1;
#endif
}

void tyl_dist_setup(int grid_rank, const char *procs, int size, int me, int overlap,
                    void (*fail)(const char *msg))
{
    g_rank = grid_rank < 0 ? 0 : grid_rank > TYL_MAX_RANK ? TYL_MAX_RANK : grid_rank;
    g_size = size;
    g_self = me;
    g_overlap = overlap;
    if (fail) {
        g_first_checked = 0; /* a new job or library context, not a regrid */
        x_grids = x_checked = 0;
    }
    char msg[512];
    for (int d = 0; d < TYL_MAX_RANK; d++)
        g_P[d] = 1;
    if (procs) {
        int dims[TYL_MAX_RANK + 1], nd = 0;
        const char *p = procs;
        while (*p) {
            char *end;
            long v = strtol(p, &end, 10);
            if (end == p || v <= 0 || v > 1000000 || nd == TYL_MAX_RANK + 1 ||
                (*end && *end != 'x' && *end != 'X') || (*end && !end[1])) {
                snprintf(msg, sizeof msg, "invalid value '%s' for --procs: expected ranks per "
                         "dimension such as 4, 2x2 or 2x2x1", procs);
                fail(msg);
            }
            dims[nd++] = (int)v;
            p = *end ? end + 1 : end;
        }
        long prod = 1;
        for (int i = 0; i < nd; i++)
            prod *= dims[i];
        if (prod != size) {
            snprintf(msg, sizeof msg, "--procs=%s is a grid of %ld ranks, but the job has %d", procs,
                     prod, size);
            fail(msg);
        }
        if (nd != (g_rank ? g_rank : 1)) {
            int extra_ones = 1;
            for (int i = g_rank; i < nd; i++)
                extra_ones &= dims[i] == 1;
            if (nd < g_rank || !extra_ones) {
                snprintf(msg, sizeof msg, "--procs=%s has %d dimension%s, but this program's "
                         "distributed arrays have %d", procs, nd, nd == 1 ? "" : "s", g_rank);
                fail(msg);
            }
        }
        for (int d = 0; d < g_rank; d++)
            g_P[d] = dims[d];
    } else if (g_rank > 0) {
#ifndef TYL_NO_MPI
        int dims[TYL_MAX_RANK] = {0};
        dims_default(size, g_rank, dims);
        for (int d = 0; d < g_rank; d++)
            g_P[d] = dims[d];
#endif
    }
    if (g_rank == 0 && size > 1 && procs == NULL)
        g_P[0] = 1;
    if (g_rank > 0)
        coords_of(me, g_me);
    /* The ranks of a node take its devices in turn, before the exchange layer (which may build
     * an NCCL communicator over them). Here rather than in tyl_rt_init: processes spawned to
     * grow a job meet their parents' tyl_dist_regrid in these same collectives. */
    int local_rank = 0, local_size = 1;
#ifndef TYL_NO_MPI
    MPI_Comm node;
    MPI_Comm_split_type(tyl_rt_comm_, MPI_COMM_TYPE_SHARED, me, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &local_rank);
    MPI_Comm_size(node, &local_size);
    MPI_Comm_free(&node);
    MPI_Comm_dup(tyl_rt_comm_, &g_comm);
#endif
    tyl_mem_init(local_rank, local_size);
    tyl_xchg_setup(size, me);
}

void tyl_dist_add_grid(int G, const int *procs, void (*fail)(const char *msg))
{
    char msg[256];
    if (G <= 0 || G > TYL_MAX_RANK || tyl_dist_has_grid(G))
        return;
    int dims[TYL_MAX_RANK] = {0};
    if (procs) {
        long prod = 1;
        for (int d = 0; d < G; d++) {
            if (procs[d] <= 0) {
                snprintf(msg, sizeof msg, "%d ranks along axis %d of the %d-D grid", procs[d], d, G);
                fail(msg);
            }
            dims[d] = procs[d];
            prod *= procs[d];
        }
        if (prod != g_size) {
            snprintf(msg, sizeof msg, "a %d-D grid of %ld ranks, but the communicator has %d", G, prod, g_size);
            fail(msg);
        }
    } else {
#ifndef TYL_NO_MPI
        MPI_Dims_create(g_size, G, dims);
#else
        for (int d = 0; d < G; d++)
            dims[d] = 1;
#endif
    }
    for (int d = 0; d < TYL_MAX_RANK; d++)
        x_P[G][d] = d < G ? dims[d] : 1;
    x_grids |= 1u << G;
    coords_on(G, g_self, x_me[G]);
}

static void halo_drop_in_flight(void);
static void plan_cache_clear(void);

void tyl_dist_finalize(void)
{
    halo_drop_in_flight();
    plan_cache_clear();
    tyl_xchg_finalize();
#ifndef TYL_NO_MPI
    if (g_comm != MPI_COMM_NULL)
        MPI_Comm_free(&g_comm);
#endif
}

static inline void block_of(int64_t n, int c, int P, int64_t *lo, int64_t *hi);
static void block_l(const tyl_layout *L, int d, int64_t n, int c, int P, int64_t *lo, int64_t *hi);

/* In-process rescale: the job is now `size` ranks on tyl_rt_comm_, this one is `me`; a new
 * default grid (dims_default; a --procs grid cannot hold for another rank count). */
void tyl_dist_regrid(int size, int me)
{
    tyl_dist_finalize();
    tyl_dist_setup(g_rank, NULL, size, me, g_overlap, NULL);
}

/* The grid of `size` ranks a rescale would build (dims[G]). */
void tyl_dist_dims_for(int size, int *dims)
{
    (void)size; /* one rank without MPI */
    for (int d = 0; d < TYL_MAX_RANK; d++)
        dims[d] = 1;
#ifndef TYL_NO_MPI
    if (g_rank > 0) {
        int v[TYL_MAX_RANK] = {0};
        dims_default(size, g_rank, v);
        for (int d = 0; d < g_rank; d++)
            dims[d] = v[d];
    } else
        dims[0] = 1;
#endif
}

/* The block rank r owns of a distributed array of layout L and global shape[G] on a grid
 * dims[G]. */
void tyl_dist_owned_on(const tyl_layout *L, const int64_t *shape, const int *dims, int r, int64_t *lo, int64_t *n)
{
    int c[TYL_MAX_RANK], P[TYL_MAX_RANK], G = g_rank;
    for (int d = 0; d < TYL_MAX_RANK; d++)
        P[d] = d < G ? dims[d] : 1;
    if (L && L->whole) { /* the array's axes: those kept whole have one rank */
        G = 0;
        for (int d = 0, k = 0; k < g_rank && d < TYL_MAX_RANK; d++, G++)
            P[d] = L->whole >> d & 1 ? 1 : dims[k++];
        while (G < TYL_MAX_RANK && (L->whole >> G & 1))
            P[G++] = 1;
    }
    coords_in(P, G, r, c);
    for (int d = 0; d < G; d++) {
        int64_t l, h;
        block_l(L, d, shape[d], c[d], P[d], &l, &h);
        lo[d] = l;
        n[d] = h - l;
    }
}

/* Along dimension d of distributed array a: the ranks the grid has there (returned) and the
 * block [*lo, *hi) of coordinate c (< that count). Any rank can work out any other's. */
int tyl_dist_block_at(const tyl_array *a, int d, int c, int64_t *lo, int64_t *hi)
{
    int P[TYL_MAX_RANK], me[TYL_MAX_RANK];
    grid_of(a->layout, a->rank, P, me);
    block_l(a->layout, d, a->shape[d], c, P[d], lo, hi);
    return P[d];
}

#ifdef TYL_HAVE_ULFM
void tyl_dist_set_errhandler_(MPI_Errhandler eh) { MPI_Comm_set_errhandler(g_comm, eh); }
#endif

void tyl_dist_set_overlap(int on) { g_overlap = on; }
int tyl_dist_overlap(void) { return g_overlap; }

/* Owned range of coordinate c of P along an extent n. */
static inline void block_of(int64_t n, int c, int P, int64_t *lo, int64_t *hi)
{
    *lo = (int64_t)((__int128)n * c / P);
    *hi = (int64_t)((__int128)n * (c + 1) / P);
}

/* Owned range of coordinate c of P along dimension d of extent n laid out as L: aligned
 * layouts (pass_dist) split the group's base extent n - ak and move every interior boundary
 * up by as, the first and last blocks reaching 0 and n; so the arrays of a group whose index
 * spaces differ by constant offsets have their corresponding points on one rank. */
static void block_l(const tyl_layout *L, int d, int64_t n, int c, int P, int64_t *lo, int64_t *hi)
{
    if (!L || !L->align || (!L->ak[d] && !L->as[d]) || n < L->ak[d]) {
        block_of(n, c, P, lo, hi);
        return;
    }
    block_of(n - L->ak[d], c, P, lo, hi);
    *lo = c == 0 ? 0 : *lo + L->as[d];
    *hi = c == P - 1 ? n : *hi + L->as[d];
}

/* Grid coordinate owning index i of extent n over P (i in [0, n)) along dimension d of L. */
static int owner_coord(const tyl_layout *L, int d, int64_t i, int64_t n, int P)
{
    int c = (int)((__int128)i * P / n);
    int64_t lo, hi;
    for (;;) {
        block_l(L, d, n, c, P, &lo, &hi);
        if (i < lo)
            c--;
        else if (i >= hi)
            c++;
        else
            return c;
    }
}

/* Fill in the distribution fields of a new array (shape, rank, dtype set). Returns the number
 * of elements to allocate here. */
int64_t tyl_dist_layout(tyl_array *a, const tyl_layout *L, const char *where)
{
    int r = a->rank;
    int dist = L && L->dist && has_grid_l(L, r);
    int P[TYL_MAX_RANK], me[TYL_MAX_RANK];
    grid_of(dist ? L : NULL, dist ? r : 0, P, me);
    const int gr = dist && L->whole ? g_rank : r; /* the grid it lies on */
    a->layout = dist ? L : NULL;
    for (int d = 0; d < TYL_MAX_RANK; d++) {
        a->lo[d] = 0;
        a->n[d] = d < r ? a->shape[d] : 1;
        a->hl[d] = a->hh[d] = 0;
    }
    if (dist) {
        /* Only a stencil's array (one with halos) measures the grid: small tables (np.array
         * literals), keepdims results and new axes are legitimately thinner than it. */
        int stencil = 0;
        for (int d = 0; d < r; d++)
            stencil |= L->hl[d] || L->hh[d];
        int first = gr == g_rank ? !g_first_checked : !(x_checked >> r & 1);
        if (first && stencil) {
            /* the first stencil array says whether the grid makes sense at all */
            if (gr == g_rank)
                g_first_checked = 1;
            else
                x_checked |= 1u << r;
            for (int d = 0; d < r; d++)
                if (P[d] > 1 && P[d] > a->shape[d]) {
                    char sh[128];
                    tyl_rt_shape_str(sh, r, a->shape);
                    tyl_rt_error_all(where, "the process grid has %d ranks along axis %d, more than the "
                                 "%lld elements of the program's first distributed array (shape %s) "
                                 "there; run on fewer ranks or choose another --procs",
                                 P[d], d, (long long)a->shape[d], sh);
                }
        }
        for (int d = 0; d < r; d++) {
            int64_t lo, hi;
            block_l(L, d, a->shape[d], me[d], P[d], &lo, &hi);
            a->lo[d] = lo;
            a->n[d] = hi - lo;
            /* A deep layout's halo (the K or 2K steps of a time-tiled group) serves only where
             * neighbours' points come from: along a dimension the grid does not split and that
             * does not wrap, the block is the whole extent, no zone holds a point and the grown
             * boxes stay within the array (tyl_timetile.c), so only one step's halo is kept, what
             * a build without tiling allocates (on one rank along every dimension): the deep
             * halos of 2K steps of Jacobi 3-D 256^3 would add 42 % to each array, on one rank and,
             * along the two dimensions a 2x1x1 grid leaves whole, on two. */
            int thin = L->deep && P[d] == 1 && !(L->periodic >> d & 1);
            a->hl[d] = thin ? L->sl[d] : L->hl[d];
            a->hh[d] = thin ? L->sh[d] : L->hh[d];
        }
    }
    int64_t total = 1;
    for (int d = r - 1; d >= 0; d--) {
        a->stride[d] = total;
        int64_t ext = a->n[d] + a->hl[d] + a->hh[d];
        total = ext == 0 ? 0 : (total > INT64_MAX / ext ? INT64_MAX : total * ext);
    }
    for (int d = r; d < TYL_MAX_RANK; d++)
        a->stride[d] = 0;
    if (r == 0)
        total = 1;
    tyl_dirty(a);
    return total;
}

/* Offset (elements) of global index g inside the local allocation, from data. */
static inline int64_t loc_off(const tyl_array *a, const int64_t *g)
{
    int64_t o = 0;
    for (int d = 0; d < a->rank; d++)
        o += (g[d] - a->lo[d]) * a->stride[d];
    return o;
}

/* ---- element access -------------------------------------------------------------------------- */

static void check_index(const tyl_array *a, const int64_t *idx)
{
    for (int d = 0; d < a->rank; d++)
        if (idx[d] < 0 || idx[d] >= a->shape[d])
            tyl_rt_error("libtyles", "internal error: element index %lld out of range on axis %d",
                         (long long)idx[d], d);
}

/* The rank owning an element of a distributed array. */
static int elem_owner(const tyl_array *a, const int64_t *idx)
{
    int c[TYL_MAX_RANK], P[TYL_MAX_RANK], me[TYL_MAX_RANK];
    grid_of(a->layout, a->rank, P, me);
    for (int d = 0; d < a->rank; d++)
        c[d] = owner_coord(a->layout, d, idx[d], a->shape[d], P[d]);
    return rank_in(P, a->rank, c);
}

void tyl_elem_get(const tyl_array *a, const int64_t *idx, void *out)
{
    size_t el = tyl_dtype_size(a->dtype);
    check_index(a, idx);
    if (!a->layout) {
        tyl_mem_to_host(out, (const char *)a->data + (size_t)loc_off(a, idx) * el, el);
        return;
    }
    int own = elem_owner(a, idx);
    if (own == g_self)
        tyl_mem_to_host(out, (const char *)a->data + (size_t)loc_off(a, idx) * el, el);
#ifndef TYL_NO_MPI
    if (g_size > 1)
        MPI_Bcast(out, (int)el, MPI_BYTE, own, g_comm);
#endif
}

double tyl_wall_time(int kind)
{
    struct timespec ts;
    clock_gettime(kind ? CLOCK_MONOTONIC : CLOCK_REALTIME, &ts);
    double t = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
#ifndef TYL_NO_MPI
    if (g_size > 1)
        MPI_Bcast(&t, 1, MPI_DOUBLE, 0, g_comm);
#endif
    return t;
}

void tyl_elem_set(tyl_array *a, const int64_t *idx, const void *val)
{
    size_t el = tyl_dtype_size(a->dtype);
    check_index(a, idx);
    int64_t one[TYL_MAX_RANK];
    for (int d = 0; d < TYL_MAX_RANK; d++)
        one[d] = 1;
    tyl_dirty_box(a, idx, one); /* the zones holding an image of the element */
    if (a->layout && elem_owner(a, idx) != g_self)
        return;
    tyl_mem_from_host((char *)a->data + (size_t)loc_off(a, idx) * el, val, el);
}

/* The process grid's communicator (a duplicate of the run time's) and its size, for the
 * collectives of tyl_ranks.c. */
MPI_Comm tyl_dist_comm_(int *size)
{
    *size = g_size;
#ifdef TYL_NO_MPI
    return 0;
#else
    return g_comm;
#endif
}

/* ---- halo exchange ------------------------------------------------------------------------- */

typedef struct box {
    int64_t lo[TYL_MAX_RANK], hi[TYL_MAX_RANK];
} box;

static int box_empty(const box *b, int r)
{
    for (int d = 0; d < r; d++)
        if (b->hi[d] <= b->lo[d])
            return 1;
    return 0;
}

/* Owned block of the rank at coordinates c for array a. */
static void owned_box(const tyl_array *a, const int *c, box *b)
{
    int P[TYL_MAX_RANK], me[TYL_MAX_RANK];
    grid_of(a->layout, a->rank, P, me);
    for (int d = 0; d < a->rank; d++)
        block_l(a->layout, d, a->shape[d], c[d], P[d], &b->lo[d], &b->hi[d]);
}

/* Set by tyl_halo_begin_deep_ (the exchange before a time-tiled group on deep halos) for the
 * time of its exchange: the zones of a layout widened for deep halos (layout->deep) go at their
 * full width; any other exchange sends them one step deep (layout->sl/sh), what a step outside
 * a group reads. xskip: per array of the exchange, a box of global indices whose points do not
 * travel (the group writes them before it reads them), or NULL. */
static int xdeep;
static const tyl_xskip *xskip;

static int narrow(const tyl_array *a) { return a->layout->deep && !xdeep; }

/* Zone z of the block o (the halo part the layout allocates; one step's part of a deep
 * layout's outside a group), clipped to the array except along periodic dimensions. Returns 0
 * if the zone is empty. */
static int zone_box(const tyl_array *a, const box *o, int z, box *b)
{
    int r = a->rank;
    for (int d = 0; d < r; d++) {
        int64_t hl = narrow(a) ? a->layout->sl[d] : a->hl[d], hh = narrow(a) ? a->layout->sh[d] : a->hh[d];
        int s = z % 3 - 1;
        z /= 3;
        if (o->hi[d] <= o->lo[d])
            return 0; /* an empty block reads nothing */
        if (s < 0) {
            b->lo[d] = o->lo[d] - hl;
            b->hi[d] = o->lo[d];
        } else if (s == 0) {
            b->lo[d] = o->lo[d];
            b->hi[d] = o->hi[d];
        } else {
            b->lo[d] = o->hi[d];
            b->hi[d] = o->hi[d] + hh;
        }
        if (!(a->layout->periodic >> d & 1)) {
            if (b->lo[d] < 0) b->lo[d] = 0;
            if (b->hi[d] > a->shape[d]) b->hi[d] = a->shape[d];
        }
        if (b->hi[d] <= b->lo[d])
            return 0;
    }
    return 1;
}

/* One piece of a message: a box of one array, in the receiver's (possibly shifted) global
 * coordinates `at`, taken from the sender's owned data at `at - shift`. */
typedef struct piece {
    int ai; /* the array: its index in the exchange's list (plans outlive the arrays) */
    int el; /* its element size */
    box at;
    int64_t shift[TYL_MAX_RANK];
    int64_t count;
} piece;

typedef struct peer_msg {
    int peer;
    piece *p;
    int np, cap;
} peer_msg;

/* An exchange in flight: a copy of its cached tyl_xchg (whose lists belong to the cache), and
 * the plan's sides still to arrive (tyl_halo_pending; also the cache's). */
struct tyl_halo {
    tyl_xchg x;
    const unsigned *pending;
    int npending;
};

/* The plan under construction: messages per peer, found by index (at[peer]; -1 until the first
 * piece for that peer appears), so adding a piece costs no search. */
typedef struct plan {
    peer_msg *send, *recv;
    int nsend, nrecv;
    int *sat, *rat;
} plan;

static peer_msg *msg_for(peer_msg **list, int *n, int *at, int peer)
{
    if (at[peer] >= 0)
        return &(*list)[at[peer]];
    at[peer] = *n;
    *list = realloc(*list, sizeof **list * (size_t)(*n + 1));
    if (!*list)
        tyl_rt_error("libtyles", "MemoryError: halo exchange plan");
    peer_msg *m = &(*list)[(*n)++];
    memset(m, 0, sizeof *m);
    m->peer = peer;
    return m;
}

static void add_piece(peer_msg *m, int ai, tyl_array *a, const box *at, const int64_t *shift)
{
    if (m->np == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 8;
        m->p = realloc(m->p, sizeof *m->p * (size_t)m->cap);
        if (!m->p)
            tyl_rt_error("libtyles", "MemoryError: halo exchange plan");
    }
    piece *p = &m->p[m->np++];
    p->ai = ai;
    p->el = (int)tyl_dtype_size(a->dtype);
    p->at = *at;
    int64_t cnt = 1;
    for (int d = 0; d < a->rank; d++) {
        p->shift[d] = shift[d];
        cnt *= at->hi[d] - at->lo[d];
    }
    p->count = cnt;
}

typedef void (*piece_fn)(void *, tyl_array *, const box *, const int64_t *);

/* Calls f for the box cut less the box skip (NULL: nothing skipped): at most two boxes per
 * dimension, the parts below and above skip along it within what is left of cut. */
static void skip_cut(tyl_array *a, const box *cut, const int64_t *shift, const tyl_xskip *skip, piece_fn f, void *ctx)
{
    box rest = *cut, part;
    for (int d = 0; skip && d < a->rank; d++) {
        if (skip->lo[d] > rest.lo[d]) {
            part = rest;
            part.hi[d] = skip->lo[d] < rest.hi[d] ? skip->lo[d] : rest.hi[d];
            f(ctx, a, &part, shift);
            rest.lo[d] = part.hi[d];
        }
        if (skip->hi[d] < rest.hi[d] && rest.lo[d] < rest.hi[d]) {
            part = rest;
            part.lo[d] = skip->hi[d] > rest.lo[d] ? skip->hi[d] : rest.lo[d];
            f(ctx, a, &part, shift);
            rest.hi[d] = part.lo[d];
        }
        if (rest.hi[d] <= rest.lo[d])
            return;
    }
    if (!skip)
        f(ctx, a, &rest, shift);
}

/* Pieces rank `recv` needs from rank `send` for zone z of array a: recv's zone box cut by
 * send's owned block and its periodic images, less the box skip (NULL: none). Calls f for
 * each. */
static void pieces_between(tyl_array *a, int z, const int *crecv, const int *csend, const tyl_xskip *skip,
                           piece_fn f, void *ctx)
{
    int r = a->rank;
    box orecv, osend, zb;
    owned_box(a, crecv, &orecv);
    owned_box(a, csend, &osend);
    if (box_empty(&osend, r) || !zone_box(a, &orecv, z, &zb))
        return;
    /* images: shift by -m*n .. +m*n along periodic dimensions, m turns enough to cover the
     * zone (one when the halo is no wider than the extent; np.roll(f, 7) of 3 rows needs 3) */
    int64_t turns[TYL_MAX_RANK] = {0}, nimg = 1;
    for (int d = 0; d < r; d++)
        if (a->layout->periodic >> d & 1) {
            int64_t n = a->shape[d] > 0 ? a->shape[d] : 1;
            int64_t below = zb.lo[d] < 0 ? (-zb.lo[d] + n - 1) / n : 0;
            int64_t above = zb.hi[d] > n ? (zb.hi[d] - n + n - 1) / n : 0;
            turns[d] = below > above ? below : above;
            if (turns[d] < 1)
                turns[d] = 1;
            nimg *= 2 * turns[d] + 1;
        }
    for (int64_t im = 0; im < nimg; im++) {
        int64_t shift[TYL_MAX_RANK] = {0};
        int64_t k = im;
        box cut;
        int empty = 0;
        for (int d = 0; d < r; d++) {
            if (a->layout->periodic >> d & 1) {
                int64_t w = 2 * turns[d] + 1;
                shift[d] = (k % w - turns[d]) * a->shape[d];
                k /= w;
            }
            cut.lo[d] = zb.lo[d] > osend.lo[d] + shift[d] ? zb.lo[d] : osend.lo[d] + shift[d];
            cut.hi[d] = zb.hi[d] < osend.hi[d] + shift[d] ? zb.hi[d] : osend.hi[d] + shift[d];
            empty |= cut.hi[d] <= cut.lo[d];
        }
        if (!empty)
            skip_cut(a, &cut, shift, skip, f, ctx);
    }
}

typedef struct add_ctx {
    peer_msg **list;
    int *n, *at, peer, ai;
} add_ctx;
static void add_cb(void *ctx, tyl_array *a, const box *at, const int64_t *shift)
{
    add_ctx *c = ctx;
    add_piece(msg_for(c->list, c->n, c->at, c->peer), c->ai, a, at, shift);
}

static int zone_count(int r)
{
    int z = 1;
    for (int d = 0; d < r; d++)
        z *= 3;
    return z;
}

static void plan_free(plan *pl)
{
    for (int i = 0; i < pl->nsend; i++)
        free(pl->send[i].p);
    for (int i = 0; i < pl->nrecv; i++)
        free(pl->recv[i].p);
    free(pl->send);
    free(pl->recv);
    free(pl->sat);
}

static void *grow(void *p, int n, size_t size)
{
    p = realloc(p, size * (size_t)(n + 1));
    if (!p)
        tyl_rt_error("libtyles", "MemoryError: halo exchange plan");
    return p;
}

/* A piece as the exchange layer sees it: src 1 for the sender's side (the owned data at
 * at - shift), 0 for the receiver's (at). */
/* The address `arr` is left for each exchange to fill from ai and aoff (the plan outlives the
 * arrays). */
static tyl_xpiece xpiece(const piece *p, tyl_array *const *arrs, int src, int64_t off)
{
    tyl_xpiece x;
    tyl_array *a = arrs[p->ai];
    int64_t g[TYL_MAX_RANK];
    memset(&x, 0, sizeof x);
    for (int d = 0; d < a->rank; d++) {
        g[d] = src ? p->at.lo[d] - p->shift[d] : p->at.lo[d];
        x.n[d] = p->at.hi[d] - p->at.lo[d];
        x.stride[d] = a->stride[d];
    }
    x.el = (int)tyl_dtype_size(a->dtype);
    x.ai = p->ai;
    x.aoff = loc_off(a, g) * (int64_t)x.el;
    x.off = off;
    x.rank = a->rank;
    return x;
}

/* The bytes piece p of a moves as a direct message (0: it is packed): in an exchange ended
 * before anything writes its arrays (xdirect: the deep exchange, or that of a sweep run without
 * overlap, tyl_halo_begin_now_), a piece of at least TYLES_XCHG_DIRECT_MIN bytes (64 KiB) that spans every
 * dimension but the first, none of them split by the grid nor periodic. Its rows are then whole
 * rows of the allocations on both sides (the same halo widths, the same extents), padding
 * included: one contiguous run of memory each, sent from the owner's array into the receiver's
 * halo without packing. The padding of dimensions the grid does not split is never read (no
 * rank's zone reaches there), so what travels into it does not matter. The same answer on both
 * sides: it depends on the piece, the grid and the layout only. *g: the run's first element, in
 * the coordinates of `at`. */
static int xdirect;
static int64_t direct_min(void)
{
    static int64_t min = -1;
    if (min < 0)
        min = tyl_env_num_("TYLES_XCHG_DIRECT_MIN", 65536);
    return min;
}

static int64_t direct_bytes(const piece *p, const tyl_array *a, int64_t *g)
{
    int64_t min = direct_min();
    if (!xdirect || a->rank < 1)
        return 0;
    int P[TYL_MAX_RANK], me[TYL_MAX_RANK];
    grid_of(a->layout, a->rank, P, me);
    g[0] = p->at.lo[0];
    for (int d = 1; d < a->rank; d++) {
        if (P[d] != 1 || (a->layout->periodic >> d & 1) || p->at.lo[d] != 0 || p->at.hi[d] != a->shape[d])
            return 0;
        g[d] = -a->hl[d];
    }
    int64_t bytes = (p->at.hi[0] - p->at.lo[0]) * (a->rank > 1 ? a->stride[0] : 1) * (int64_t)p->el;
    return bytes >= min ? bytes : 0;
}

/* Lay out a list of messages one after another in one buffer, every piece 8-byte aligned (the
 * receiver computes the same pieces in the same order, so the same offsets). Messages to this
 * rank itself are packed too; unless they travel, their pieces are also unpacked from the send
 * buffer (selfpk) and no message is made. Direct pieces (direct_bytes), and in the same
 * exchanges the other pieces of at least TYLES_XCHG_DIRECT_MIN bytes (strided: sent as an MPI
 * datatype of the box, box_type), become messages of their own, after the packed one of their
 * peer, in the order of the pieces on both sides (MPI matches messages of one peer and tag in
 * order). */
static int64_t lay_out(const peer_msg *list, int n, int sending, tyl_xchg *x, int self_travels,
                       tyl_array *const *arrs)
{
    int64_t total = 0;
    tyl_xmsg *dm = NULL;
    int ndm = 0;
    tyl_xmsg **ml = sending ? &x->send : &x->recv;
    int *mn = sending ? &x->nsend : &x->nrecv;
    for (int i = 0; i < n; i++) {
        const peer_msg *m = &list[i];
        int local = m->peer == g_self && !self_travels;
        if (local && !sending)
            continue;
        int64_t start = total;
        ndm = 0;
        for (int k = 0; k < m->np; k++) {
            const piece *p = &m->p[k];
            int64_t g[TYL_MAX_RANK], db = local ? 0 : direct_bytes(p, arrs[p->ai], g);
            if (db) {
                const tyl_array *a = arrs[p->ai];
                if (sending)
                    g[0] -= p->shift[0];
                dm = grow(dm, ndm, sizeof *dm);
                dm[ndm++] = (tyl_xmsg){.peer = m->peer, .bytes = db, .direct = 1, .ai = p->ai,
                                       .aoff = loc_off(a, g) * (int64_t)p->el};
                continue;
            }
            if (!local && xdirect && p->count * (int64_t)p->el >= direct_min()) { /* strided */
                tyl_xpiece b = xpiece(p, arrs, sending, 0);
                dm = grow(dm, ndm, sizeof *dm);
                dm[ndm++] = (tyl_xmsg){.peer = m->peer, .bytes = p->count * (int64_t)p->el, .direct = 1,
                                       .ai = p->ai, .aoff = b.aoff, .box = b};
                continue;
            }
            int64_t off = total;
            total = (total + p->count * (int64_t)p->el + 7) & ~(int64_t)7;
            if (sending) {
                x->spk = grow(x->spk, x->nspk, sizeof *x->spk);
                x->spk[x->nspk++] = xpiece(p, arrs, 1, off);
                if (local) {
                    x->selfpk = grow(x->selfpk, x->nselfpk, sizeof *x->selfpk);
                    x->selfpk[x->nselfpk++] = xpiece(p, arrs, 0, off);
                }
            } else {
                x->rpk = grow(x->rpk, x->nrpk, sizeof *x->rpk);
                x->rpk[x->nrpk++] = xpiece(p, arrs, 0, off);
            }
        }
        if (!local && total > start) {
            *ml = grow(*ml, *mn, sizeof **ml);
            (*ml)[(*mn)++] = (tyl_xmsg){.peer = m->peer, .off = start, .bytes = total - start};
        }
        for (int k = 0; k < ndm; k++) {
            *ml = grow(*ml, *mn, sizeof **ml);
            (*ml)[(*mn)++] = dm[k];
        }
    }
    free(dm);
    return total;
}

static void xchg_free(tyl_xchg *x)
{
    free(x->send);
    free(x->recv);
    free(x->spk);
    free(x->rpk);
    free(x->selfpk);
    memset(x, 0, sizeof *x);
}

/* One exchange at a time (the layer reuses its buffers). A ULFM recovery longjmps out of one
 * in flight: tyl_dist_finalize (from tyl_dist_regrid) drops it; its requests died with the
 * old communicator. */
static tyl_halo *in_flight;

static void halo_drop_in_flight(void)
{
    if (!in_flight)
        return;
#ifndef TYL_NO_MPI
    free(in_flight->x.req);
#endif
    free(in_flight);
    in_flight = NULL;
}

/* ---- the plan cache -------------------------------------------------------------------- */
/* The pieces of an exchange depend on the grid and on the shapes, halo widths and zones of its
 * arrays, not on their data, and a time loop repeats the same few exchanges: each is planned
 * once (a plan costs O(zones x ranks)) and found again by a key of exactly those inputs. */
enum { PLAN_CACHE = 32 };
typedef struct cached_plan {
    int64_t *key;
    int klen;
    tyl_xchg x; /* laid out; the pieces' addresses are filled at each use */
    unsigned *pending; /* per array of the exchange: see tyl_halo_pending */
    int npending;
    uint64_t used;
} cached_plan;
static cached_plan cache[PLAN_CACHE];
static uint64_t cache_clock;
static int64_t *key;
static int klen, kcap;
static uint64_t *needs;
static int needs_cap;

static void key_push(int64_t v)
{
    if (klen == kcap) {
        kcap = kcap ? 2 * kcap : 64;
        key = realloc(key, sizeof *key * (size_t)kcap);
        if (!key)
            tyl_rt_error("libtyles", "MemoryError: halo plan cache");
    }
    key[klen++] = v;
}

static void plan_cache_clear(void)
{
    for (int i = 0; i < PLAN_CACHE; i++) {
        if (cache[i].key) {
            free(cache[i].key);
            free(cache[i].pending);
            xchg_free(&cache[i].x);
        }
        memset(&cache[i], 0, sizeof cache[i]);
    }
    free(key);
    free(needs);
    key = NULL;
    needs = NULL;
    klen = kcap = needs_cap = 0;
}

/* The box of arrs[i] whose points the exchange at hand leaves out, or NULL. */
static const tyl_xskip *skip_of(int i, int r)
{
    if (!xskip)
        return NULL;
    for (int d = 0; d < r; d++)
        if (xskip[i].hi[d] <= xskip[i].lo[d])
            return NULL;
    return &xskip[i];
}

/* Plan the exchange of zones need[W*i .. W*i + W) of arrs[i] (all 0: nothing for that array). */
static plan plan_build(tyl_array *const *arrs, const uint64_t *need, int narr)
{
    plan pl = {0};
    int *idx = malloc(2 * sizeof *idx * (size_t)g_size);
    if (!idx)
        tyl_rt_error("libtyles", "MemoryError: halo exchange");
    for (int q = 0; q < 2 * g_size; q++)
        idx[q] = -1;
    pl.sat = idx;
    pl.rat = idx + g_size;
    int cme[TYL_MAX_RANK], cq[TYL_MAX_RANK];
    for (int i = 0; i < narr; i++) {
        tyl_array *a = arrs[i];
        const uint64_t *ni = need + (size_t)TYL_ZONE_WORDS * i;
        int Z = zone_count(a ? a->rank : 0);
        int P[TYL_MAX_RANK], me[TYL_MAX_RANK];
        if (a) /* on the grid the array lies on */
            grid_of(a->layout, a->rank, P, me), coords_in(P, a->rank, g_self, cme);
        for (int z = 0; z < Z; z++) {
            if (!(ni[z / 64] >> (z % 64) & 1))
                continue;
            for (int q = 0; q < g_size; q++) {
                coords_in(P, a->rank, q, cq);
                /* what q needs from me, and what I need from q */
                add_ctx cs = {&pl.send, &pl.nsend, pl.sat, q, i}, cr = {&pl.recv, &pl.nrecv, pl.rat, q, i};
                const tyl_xskip *sk = skip_of(i, a->rank);
                pieces_between(a, z, cq, cme, sk, add_cb, &cs);
                pieces_between(a, z, cme, cq, sk, add_cb, &cr);
            }
        }
    }
    return pl;
}

/* Per array i of an exchange, the sides of its owned block where pieces arrive only at
 * tyl_halo_end: bit 2d below the block along dimension d, bit 2d + 1 above it (the pieces
 * lay_out puts in rpk: from other ranks, and this rank's own periodic images when they travel). */
static unsigned *pending_sides(const plan *pl, int self_travels, tyl_array *const *arrs, int narr)
{
    unsigned *m = calloc((size_t)(narr > 0 ? narr : 1), sizeof *m);
    if (!m)
        tyl_rt_error("libtyles", "MemoryError: halo exchange plan");
    for (int i = 0; i < pl->nrecv; i++) {
        const peer_msg *msg = &pl->recv[i];
        if (msg->peer == g_self && !self_travels)
            continue;
        for (int k = 0; k < msg->np; k++) {
            const piece *p = &msg->p[k];
            const tyl_array *a = arrs[p->ai];
            for (int d = 0; d < a->rank; d++) {
                if (p->at.lo[d] < a->lo[d])
                    m[p->ai] |= 1u << (2 * d);
                if (p->at.hi[d] > a->lo[d] + a->n[d])
                    m[p->ai] |= 1u << (2 * d + 1);
            }
        }
    }
    return m;
}

static const unsigned *xchg_pending;
static int xchg_npending;

/* The exchange of zones need[] of arrs, from the cache or planned and laid out now (its pending
 * sides in xchg_pending). */
static tyl_xchg *xchg_for(tyl_array *const *arrs, const uint64_t *need, int narr)
{
    cached_plan *lru = &cache[0];
    for (int i = 0; i < PLAN_CACHE; i++) {
        cached_plan *c = &cache[i];
        if (c->key && c->klen == klen && !memcmp(c->key, key, sizeof *key * (size_t)klen)) {
            c->used = ++cache_clock;
            xchg_pending = c->pending;
            xchg_npending = c->npending;
            return &c->x;
        }
        if (!c->key || (lru->key && c->used < lru->used))
            lru = c;
    }
    if (lru->key) {
        free(lru->key);
        free(lru->pending);
        lru->pending = NULL;
        xchg_free(&lru->x);
    }
    lru->key = malloc(sizeof *key * (size_t)klen);
    if (!lru->key)
        tyl_rt_error("libtyles", "MemoryError: halo plan cache");
    memcpy(lru->key, key, sizeof *key * (size_t)klen);
    lru->klen = klen;
    plan pl = plan_build(arrs, need, narr);
    int self_travels = tyl_xchg_self_travels();
    lru->x.sbytes = lay_out(pl.send, pl.nsend, 1, &lru->x, self_travels, arrs);
    lru->x.rbytes = lay_out(pl.recv, pl.nrecv, 0, &lru->x, self_travels, arrs);
    lru->npending = narr;
    lru->pending = pending_sides(&pl, self_travels, arrs, narr);
    plan_free(&pl);
    lru->used = ++cache_clock;
    xchg_pending = lru->pending;
    xchg_npending = lru->npending;
    return &lru->x;
}

tyl_halo *tyl_halo_begin(tyl_array **arrs, const uint64_t *masks, int words, int narr)
{
    double t0 = MPI_Wtime();
    enum { W = TYL_ZONE_WORDS };
    if (words < 1 || words > W)
        tyl_rt_error("libtyles", "internal error: halo masks of %d words (1 to %d)", words, W);
    if (W * narr > needs_cap) {
        needs_cap = W * narr;
        needs = realloc(needs, sizeof *needs * (size_t)needs_cap);
        if (!needs)
            tyl_rt_error("libtyles", "MemoryError: halo exchange");
    }
    int any = 0;
    klen = 0;
    key_push(words);
    key_push(xdirect); /* the same pieces, laid out otherwise */
    for (int i = 0; i < narr; i++) {
        tyl_array *a = arrs[i];
        uint64_t *ni = needs + (size_t)W * i, some = 0;
        for (int w = 0; w < W; w++)
            ni[w] = 0;
        if (!a || !a->layout)
            continue;
        /* a deep layout's zones current one step deep are not current for a group */
        int nar = narrow(a), deep = a->layout->deep && !nar;
        for (int w = 0; w < words; w++)
            some |= ni[w] = masks[(size_t)words * i + w] & ~(a->hvalid[w] & ~(deep ? a->hnarrow[w] : 0));
        if (!some)
            continue;
        key_push(i);
        key_push(nar);
        const tyl_xskip *sk = skip_of(i, a->rank);
        key_push(sk != NULL);
        for (int d = 0; sk && d < a->rank; d++) {
            key_push(sk->lo[d]);
            key_push(sk->hi[d]);
        }
        for (int w = 0; w < words; w++)
            key_push((int64_t)ni[w]);
        key_push(a->rank);
        key_push(a->dtype);
        key_push(a->layout->periodic);
        for (int d = 0; d < a->rank; d++) {
            key_push(a->shape[d]);
            key_push(a->hl[d]);
            key_push(a->hh[d]);
        }
        for (int w = 0; w < words && !sk; w++) { /* zones less a box are not current */
            a->hvalid[w] |= ni[w];
            a->hnarrow[w] = nar ? a->hnarrow[w] | ni[w] : a->hnarrow[w] & ~ni[w];
        }
        any = 1;
    }
    if (!any)
        return NULL;
    tyl_xchg *x = xchg_for(arrs, needs, narr);
    if (!x->nspk && !x->nrpk && !x->nsend && !x->nrecv) /* one rank, no periodic dimension: nothing travels */
        return NULL;
    if (in_flight)
        tyl_rt_error("libtyles", "internal error: a halo exchange started while another is in flight");
    tyl_xpiece *lists[3] = {x->spk, x->rpk, x->selfpk};
    int counts[3] = {x->nspk, x->nrpk, x->nselfpk};
    for (int l = 0; l < 3; l++)
        for (int k = 0; k < counts[l]; k++)
            lists[l][k].arr = (char *)arrs[lists[l][k].ai]->data + lists[l][k].aoff;
    for (int i = 0; i < x->nsend + x->nrecv; i++) {
        tyl_xmsg *m = i < x->nsend ? &x->send[i] : &x->recv[i - x->nsend];
        if (m->direct)
            m->at = (char *)arrs[m->ai]->data + m->aoff;
    }
    for (int i = 0; i < x->nsend; i++)
        if (x->send[i].peer != g_self) {
            tyl_dist_stats_.bytes_sent += x->send[i].bytes;
            tyl_dist_stats_.msgs_sent++;
        }
    tyl_halo *h = calloc(1, sizeof *h);
    if (!h)
        tyl_rt_error("libtyles", "MemoryError: halo exchange");
    h->x = *x;
    h->pending = xchg_pending;
    h->npending = xchg_npending;
    in_flight = h;
    tyl_xchg_start(&h->x);
    tyl_dist_stats_.t_pack += MPI_Wtime() - t0;
    tyl_dist_stats_.n_exchanges++;
    return h;
}

tyl_halo *tyl_halo_begin_deep_(tyl_array **arrs, const uint64_t *masks, int words, int narr, const tyl_xskip *skip)
{
    xdeep = 1;
    xskip = skip;
    xdirect = tyl_xchg_direct(); /* ended at once: no sweep writes the arrays while they travel */
    tyl_halo *h = tyl_halo_begin(arrs, masks, words, narr);
    xdeep = 0;
    xskip = NULL;
    xdirect = 0;
    return h;
}

tyl_halo *tyl_halo_begin_now_(tyl_array **arrs, const uint64_t *masks, int words, int narr)
{
    xdirect = tyl_xchg_direct(); /* the caller ends it before it writes any of the arrays */
    tyl_halo *h = tyl_halo_begin(arrs, masks, words, narr);
    xdirect = 0;
    return h;
}

unsigned tyl_halo_pending(const tyl_halo *h, int i)
{
    return h && i >= 0 && i < h->npending ? h->pending[i] : 0;
}

void tyl_halo_end(tyl_halo *h)
{
    if (!h)
        return;
    double t0 = MPI_Wtime();
    tyl_xchg_finish(&h->x);
    tyl_dist_stats_.t_wait += MPI_Wtime() - t0;
    in_flight = NULL;
    free(h);
}

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
            MPI_Irecv(m->direct ? m->at : rbuf + m->off, count, t, m->peer, 77, g_comm, &x->req[x->nreq++]);
        else
            MPI_Isend(m->direct ? m->at : sbuf + m->off, count, t, m->peer, 77, g_comm, &x->req[x->nreq++]);
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

/* ---- sub-boxes for overlap ----------------------------------------------------------------- */

int tyl_split_box(int B, const int64_t *blo, const int64_t *bn, const int *shl, const int *shh,
                  int overlap, int64_t (*sub)[2][TYL_MAX_RANK])
{
    for (int k = 0; k < B; k++)
        if (bn[k] <= 0)
            return 0;
    if (!overlap) {
        for (int k = 0; k < B; k++) {
            sub[0][0][k] = blo[k];
            sub[0][1][k] = bn[k];
        }
        return 1;
    }
    int64_t ilo[TYL_MAX_RANK], ihi[TYL_MAX_RANK];
    for (int k = 0; k < B; k++) {
        ilo[k] = blo[k] + shl[k];
        ihi[k] = blo[k] + bn[k] - shh[k];
        if (ihi[k] < ilo[k])
            ihi[k] = ilo[k];
        if (ilo[k] > blo[k] + bn[k])
            ilo[k] = ihi[k] = blo[k] + bn[k];
    }
    int ns = 0;
    /* the interior first (possibly empty: then a placeholder of extent 0) */
    for (int k = 0; k < B; k++) {
        sub[ns][0][k] = ilo[k];
        sub[ns][1][k] = ihi[k] - ilo[k];
    }
    ns++;
    /* then the strips: below and above the interior in dimension k, inside it before k, whole
     * after k */
    for (int k = 0; k < B; k++)
        for (int side = 0; side < 2; side++) {
            int64_t a = side ? ihi[k] : blo[k], b = side ? blo[k] + bn[k] : ilo[k];
            if (b <= a)
                continue;
            int empty = 0;
            for (int j = 0; j < B; j++) {
                int64_t lo = j < k ? ilo[j] : j == k ? a : blo[j];
                int64_t hi = j < k ? ihi[j] : j == k ? b : blo[j] + bn[j];
                sub[ns][0][j] = lo;
                sub[ns][1][j] = hi - lo;
                empty |= hi <= lo;
            }
            if (!empty)
                ns++;
        }
    return ns;
}

/* ---- --stats ---------------------------------------------------------------------------------- */

void tyl_dist_report(double total)
{
    if (!tyl_rt_stats_)
        return;
    double mine[4] = {total, tyl_dist_stats_.t_wait, tyl_dist_stats_.t_pack, tyl_dist_stats_.t_reduce};
    double mx[4] = {0}, sum[4] = {0};
    int64_t bytes = tyl_dist_stats_.bytes_sent, msgs = tyl_dist_stats_.msgs_sent, tb = bytes, tm = msgs;
    int64_t parts[2] = {tyl_dist_stats_.n_strips, tyl_dist_stats_.n_overlap}, tp[2] = {parts[0], parts[1]};
#ifndef TYL_NO_MPI
    if (g_size > 1) {
        MPI_Allreduce(mine, mx, 4, MPI_DOUBLE, MPI_MAX, g_comm);
        MPI_Allreduce(mine, sum, 4, MPI_DOUBLE, MPI_SUM, g_comm);
        MPI_Allreduce(&bytes, &tb, 1, MPI_INT64_T, MPI_SUM, g_comm);
        MPI_Allreduce(&msgs, &tm, 1, MPI_INT64_T, MPI_SUM, g_comm);
        MPI_Allreduce(parts, tp, 2, MPI_INT64_T, MPI_SUM, g_comm);
    } else
#endif
    {
        for (int i = 0; i < 4; i++)
            mx[i] = sum[i] = mine[i];
    }
    if (g_self != 0)
        return;
    double avg[4];
    for (int i = 0; i < 4; i++)
        avg[i] = sum[i] / g_size;
    char grid[64] = "1";
    int k = 0;
    for (int d = 0; d < (g_rank ? g_rank : 1); d++)
        k += snprintf(grid + k, sizeof grid - (size_t)k, "%s%d", d ? "x" : "", g_P[d]);
    double comp = avg[0] - avg[1] - avg[2] - avg[3];
    fprintf(stderr, "tyles stats: %d rank%s, grid %s, overlap %s\n", g_size, g_size == 1 ? "" : "s", grid,
            g_overlap ? "on" : "off");
    fprintf(stderr, "  total        %10.6f s (max over ranks)\n", mx[0]);
    fprintf(stderr, "  compute      %10.6f s (mean; the rest of the time)\n", comp > 0 ? comp : 0.0);
    fprintf(stderr, "  halo wait    %10.6f s mean, %10.6f s max (%.1f%% of total)\n", avg[1], mx[1],
            mx[0] > 0 ? 100.0 * avg[1] / mx[0] : 0.0);
    fprintf(stderr, "  halo pack    %10.6f s mean, %10.6f s max\n", avg[2], mx[2]);
    fprintf(stderr, "  reductions   %10.6f s mean, %10.6f s max (%lld)\n", avg[3], mx[3],
            (long long)tyl_dist_stats_.n_reduce);
    fprintf(stderr, "  exchanges    %lld, %lld messages, %.3f MB sent in all, through %s\n",
            (long long)tyl_dist_stats_.n_exchanges, (long long)tm, (double)tb / 1e6, tyl_xchg_name());
    if (g_size > 1)
        fprintf(stderr, "  own blocks   %lld sweeps read only each rank's own block: no exchange\n",
                (long long)tyl_dist_stats_.n_own_reads);
    if (g_size > 1)
        fprintf(stderr, "  gathers      %lld boxes of distributed arrays, %lld elements\n",
                (long long)tyl_dist_stats_.n_gathers, (long long)tyl_dist_stats_.n_gathered);
    fprintf(stderr, "  edge strips  %lld in %lld sweeps run while halos travel (all ranks)\n", (long long)tp[0],
            (long long)tp[1]);
    if (tyl_tt_deep_groups_ || tyl_tt_declined_groups_)
        fprintf(stderr, "  time tiles   %lld groups of steps on deep halos, %lld stepped (edges too costly)\n",
                (long long)tyl_tt_deep_groups_, (long long)tyl_tt_declined_groups_);
    fprintf(stderr, "  imbalance    %.3f (max / mean of the time outside halo waits)\n",
            (avg[0] - avg[1]) > 0 ? (mx[0] - avg[1]) / (avg[0] - avg[1]) : 1.0);
    fflush(stderr);
}

/* Global indices [lo, hi) of the block rank q owns of distributed array a (tyl_gather.c). */
void tyl_dist_block_of_rank(const tyl_array *a, int q, int64_t *lo, int64_t *hi)
{
    int c[TYL_MAX_RANK] = {0}, P[TYL_MAX_RANK], me[TYL_MAX_RANK];
    box b;
    grid_of(a->layout, a->rank, P, me);
    coords_in(P, a->rank, q, c);
    owned_box(a, c, &b);
    for (int d = 0; d < a->rank; d++) {
        lo[d] = b.lo[d];
        hi[d] = b.hi[d];
    }
}

/* Does [x, x + w) meet [lo, lo + n) along a dimension of extent N (modulo N when periodic)? */
static int span_meets(int64_t x, int64_t w, int64_t lo, int64_t n, int64_t N, int periodic)
{
    if (w <= 0 || n <= 0)
        return 0;
    if (!periodic) {
        int64_t l = x > 0 ? x : 0, h = x + w < N ? x + w : N;
        return l < h && l < lo + n && lo < h;
    }
    if (w >= N)
        return 1;
    for (int64_t sh = -N; sh <= N; sh += N)
        if (x + sh < lo + n && lo < x + sh + w)
            return 1;
    return 0;
}

void tyl_dirty_box(tyl_array *a, const int64_t *lo, const int64_t *n)
{
    const int r = a->rank;
    if (!a->layout || !a->layout->dist || !has_grid_l(a->layout, r)) {
        tyl_dirty(a);
        return;
    }
    for (int d = 0; d < r; d++)
        if (n[d] <= 0)
            return; /* nothing written */
    int P[TYL_MAX_RANK], me[TYL_MAX_RANK];
    grid_of(a->layout, r, P, me);
    unsigned meets[TYL_MAX_RANK]; /* bit s + 1: the box meets the union of the side-s regions */
    for (int d = 0; d < r; d++) {
        const int per = a->layout->periodic >> d & 1;
        meets[d] = 2u; /* the blocks cover the extent */
        for (int c = 0; c < P[d] && meets[d] != 7u; c++) {
            int64_t blo, bhi;
            block_l(a->layout, d, a->shape[d], c, P[d], &blo, &bhi);
            if (span_meets(blo - a->hl[d], a->hl[d], lo[d], n[d], a->shape[d], per))
                meets[d] |= 1u;
            if (span_meets(bhi, a->hh[d], lo[d], n[d], a->shape[d], per))
                meets[d] |= 4u;
        }
    }
    const int Z = TYL_ZONES_OF(r);
    for (int z = 0; z < Z; z++) {
        int q = z, stale = 1;
        for (int d = 0; d < r; d++, q /= 3)
            stale &= (int)(meets[d] >> (q % 3) & 1u);
        if (stale)
            a->hvalid[z / 64] &= ~((uint64_t)1 << (z % 64));
    }
}

/* ---- --progress ------------------------------------------------------------------------------- */

void tyl_progress(int64_t k, int64_t n)
{
    /* The rate counts the steps this process ran, from the first it saw: a resumed run starts at
     * the checkpoint's step, and a second time loop starts again at 0. */
    static double t0, last;
    static int64_t k0 = -1, prev = -1;
    if (!tyl_rt_progress_ || g_self != 0)
        return;
    double t = MPI_Wtime();
    if (k0 < 0 || k <= prev) {
        t0 = last = t;
        k0 = prev = k;
        return;
    }
    prev = k;
    if (t - last < 1.0 && !(n > 0 && k == n - 1))
        return;
    last = t;
    double rate = (double)(k - k0) / (t - t0 > 0 ? t - t0 : 1e-9);
    if (n > 0)
        fprintf(stderr, "progress: step %lld/%lld, %.1f steps/s, ETA %.1f s\n", (long long)k, (long long)n, rate,
                (double)(n - k) / rate);
    else
        fprintf(stderr, "progress: step %lld, %.1f steps/s\n", (long long)k, rate);
    fflush(stderr);
}
