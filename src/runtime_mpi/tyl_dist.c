/* tyl_dist.c: distributed arrays: the process grid, block ownership, element access by global
 * index (the halo exchange: tyl_halo.c; reductions over ranks: tyl_ranks.c).
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
 */
#define _POSIX_C_SOURCE 200809L
#include "tyl_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tyl_mem.h"
#include "tyl_mpi.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* ---- the process grid ---------------------------------------------------------------------- */

/* The grid's number of ranks, this rank's number on it and its communicator are the job's
 * (tyl_job_size_, tyl_job_self_, tyl_job_comm_: tyl_job.c), which every module asks. */
static int g_rank;                    /* G: dimensions of the grid (0: nothing distributed) */
static int g_P[TYL_MAX_RANK];         /* ranks along each axis (1 past G; set up below) */
static int g_me[TYL_MAX_RANK];        /* this rank's coordinates */
static int g_first_checked;
static int g_overlap = 1;
static int g_threads_ranks; /* threads chosen for the node (tyl_prog.c): its ranks and CPUs */
static long g_threads_cpus;

/* Library mode's further grids (tyl_dist_add_grid): a context whose solvers distribute arrays of
 * several ranks has a grid per rank, each over all of its ranks. A distributed array is laid out
 * on the grid of its own rank. */
static int x_P[TYL_MAX_RANK + 1][TYL_MAX_RANK], x_me[TYL_MAX_RANK + 1][TYL_MAX_RANK];
static unsigned x_grids, x_checked; /* bit G: a further grid of G dimensions; its first check done */

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
void tyl_dist_grid_of_(const tyl_layout *L, int r, int *P, int *me)
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
void tyl_dist_coords_in_(const int *P, int G, int r, int *c)
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
    tyl_job_size_ = size;
    tyl_job_self_ = me;
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
            char *end = (char *)p;
            /* digits only: strtol would also take blanks and a sign ('--procs= +2') */
            long v = *p >= '0' && *p <= '9' ? strtol(p, &end, 10) : 0;
            if (v <= 0 || v > 1000000 || nd == TYL_MAX_RANK + 1 ||
                (*end && *end != 'x' && *end != 'X') || (*end && !end[1])) {
                snprintf(msg, sizeof msg, "invalid value '%s' for --procs: expected ranks per "
                         "dimension such as 4, 2x2 or 2x2x1", procs);
                fail(msg);
            }
            dims[nd++] = (int)v;
            p = *end ? end + 1 : end;
        }
        /* 4 or more factors up to 10^6 can pass 2^63: 111620x8681x49477x384773 wrapped to 4 */
        long prod = 1;
        int over = 0;
        for (int i = 0; i < nd; i++) {
            over |= prod > LONG_MAX / dims[i];
            prod = over ? LONG_MAX : prod * dims[i];
        }
        if (over) {
            snprintf(msg, sizeof msg, "--procs=%s is a grid of more than %ld ranks", procs, LONG_MAX);
            fail(msg);
        }
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
     * an NCCL communicator over them; its callers set it up next). Here rather than in
     * tyl_rt_init: processes spawned to grow a job meet their parents' tyl_halo_regrid_ in these
     * same collectives. */
    int local_rank = 0, local_size = 1;
#ifndef TYL_NO_MPI
    MPI_Comm node;
    MPI_Comm_split_type(tyl_rt_comm_, MPI_COMM_TYPE_SHARED, me, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &local_rank);
    MPI_Comm_size(node, &local_size);
    MPI_Comm_free(&node);
    MPI_Comm_dup(tyl_rt_comm_, &tyl_job_comm_);
#endif
    tyl_mem_init(local_rank, local_size);
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
            prod = prod > INT_MAX ? prod : prod * procs[d]; /* no wrap past 2^63 (to tyl_job_size_) */
        }
        if (prod != tyl_job_size_) {
            snprintf(msg, sizeof msg, "a %d-D grid of %ld ranks, but the communicator has %d", G, prod,
                     tyl_job_size_);
            fail(msg);
        }
    } else {
#ifndef TYL_NO_MPI
        MPI_Dims_create(tyl_job_size_, G, dims);
#else
        for (int d = 0; d < G; d++)
            dims[d] = 1;
#endif
    }
    for (int d = 0; d < TYL_MAX_RANK; d++)
        x_P[G][d] = d < G ? dims[d] : 1;
    x_grids |= 1u << G;
    coords_on(G, tyl_job_self_, x_me[G]);
}

void tyl_dist_finalize(void)
{
#ifndef TYL_NO_MPI
    if (tyl_job_comm_ != MPI_COMM_NULL)
        MPI_Comm_free(&tyl_job_comm_);
#endif
}

static inline void block_of(int64_t n, int c, int P, int64_t *lo, int64_t *hi);

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
    tyl_dist_coords_in_(P, G, r, c);
    for (int d = 0; d < G; d++) {
        int64_t l, h;
        tyl_dist_block_l_(L, d, shape[d], c[d], P[d], &l, &h);
        lo[d] = l;
        n[d] = h - l;
    }
}

/* Along dimension d of distributed array a: the ranks the grid has there (returned) and the
 * block [*lo, *hi) of coordinate c (< that count). Any rank can work out any other's. */
int tyl_dist_block_at(const tyl_array *a, int d, int c, int64_t *lo, int64_t *hi)
{
    int P[TYL_MAX_RANK], me[TYL_MAX_RANK];
    tyl_dist_grid_of_(a->layout, a->rank, P, me);
    tyl_dist_block_l_(a->layout, d, a->shape[d], c, P[d], lo, hi);
    return P[d];
}

#ifdef TYL_HAVE_ULFM
void tyl_dist_set_errhandler_(MPI_Errhandler eh) { MPI_Comm_set_errhandler(tyl_job_comm_, eh); }
#endif

void tyl_dist_set_overlap(int on) { g_overlap = on; }

void tyl_dist_threads_note_(int ranks, long cpus)
{
    g_threads_ranks = ranks;
    g_threads_cpus = cpus;
}
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
void tyl_dist_block_l_(const tyl_layout *L, int d, int64_t n, int c, int P, int64_t *lo, int64_t *hi)
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
        tyl_dist_block_l_(L, d, n, c, P, &lo, &hi);
        if (i < lo)
            c--;
        else if (i >= hi)
            c++;
        else
            return c;
    }
}

/* The elements a row of a's local allocation takes: its ext elements, padded to whole cache
 * lines (tyl_mem_row_align_ bytes) for an array of rank 3 or more with a halo along its last
 * axis, rows of at least 512 bytes and elements of at most 8 bytes (as below), so that every row begins
 * at the same offset in a line and a stencil's reads of the rows and planes around a point
 * load from the same offsets in their lines as the store, which non-temporal stores align:
 * with rows of 258 elements (256 and a halo), most loads of 3-D Jacobi 256^3 span two lines.
 * On an AMD EPYC Zen 4 (bench/RESULTS.md 2026-12-06 h86, CPU time, 1 thread, row blocks) hand
 * C took 1.4x the time with rows of 258 float32 as with rows of 272, the generated code 1.53x
 * (bench/ab_cputime.py, two runs). Elements of 8 bytes (float64) too: 3-D Jacobi f64 256^3
 * plain sweeps (bench/RESULTS.md 2026-12-06 h92, CPU time, 1 thread, interleaved rounds) took
 * 1.14-1.20x the time with rows of 258 as with rows of 264, as the hand C did with rows of 258
 * against 256 or 264 (1.30-1.38x). But an array of them laid out for a time-tiled loop (a deep
 * layout) has padded rows only where its group would run plain sweeps, or time tiling is off
 * (tyl_ttplan.c tyl_tt_pad_wide_, the model's own test on the array's bytes): the same program
 * time-tiled took 1.08x with padded rows and the same tiles, 1.21x with the tiles the planner
 * then picks (fewer rows fit its cache budget), and 1.07-1.11x at 192^3 and 320^3, whose tiles
 * padding does not change (bench/RESULTS.md h98). The padding is never read or written: every
 * access goes through the strides. Not for an application's arrays (library mode: it lays them
 * out as tyl_ctx_layout says, and may not go by strides), nor on a device. TYLES_PAD_ROWS=0:
 * never; =1: rows of any length and elements of any size (the tests: their grids are small). */
static int64_t padded_row(const tyl_array *a, int64_t ext)
{
    static int mode = -1; /* 0: never, 1: always (short rows too: for the tests), 2: as above */
    if (mode < 0) {
        const char *e = getenv("TYLES_PAD_ROWS");
        mode = e && (e[0] == '0' || e[0] == '1') && !e[1] ? e[0] - '0' : 2;
    }
    int line = tyl_mem_row_align_();
    size_t el = tyl_dtype_size(a->dtype);
    int r = a->rank;
    if (!mode || line <= 0 || r < 3 || !(a->hl[r - 1] || a->hh[r - 1]) || !el || line % (int)el ||
        (mode == 2 && ((uint64_t)ext * el < 512 || el > 8)) || ext > INT64_MAX / 2)
        return ext;
    int64_t q = line / (int64_t)el;
    int64_t padded = (ext + q - 1) / q * q;
    if (mode == 2 && el > 4 && a->layout && a->layout->deep) {
        double bytes = (double)padded * (double)el; /* its allocation, as tyl_dist_layout counts it */
        for (int d = 0; d < r - 1; d++)
            bytes *= (double)(a->n[d] + a->hl[d] + a->hh[d]);
        if (bytes > (double)SIZE_MAX / 2 || !tyl_tt_pad_wide_((size_t)bytes, a->n[r - 1] * (int64_t)el))
            return ext;
    }
    return padded;
}

/* Fill in the distribution fields of a new array (shape, rank, dtype set). Returns the number
 * of elements to allocate here. */
int64_t tyl_dist_layout(tyl_array *a, const tyl_layout *L, const char *where)
{
    int r = a->rank;
    int dist = L && L->dist && has_grid_l(L, r);
    int P[TYL_MAX_RANK], me[TYL_MAX_RANK];
    tyl_dist_grid_of_(dist ? L : NULL, dist ? r : 0, P, me);
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
            tyl_dist_block_l_(L, d, a->shape[d], me[d], P[d], &lo, &hi);
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
        if (d == r - 1 && dist)
            ext = padded_row(a, ext);
        total = ext == 0 ? 0 : (total > INT64_MAX / ext ? INT64_MAX : total * ext);
    }
    for (int d = r; d < TYL_MAX_RANK; d++)
        a->stride[d] = 0;
    if (r == 0)
        total = 1;
    tyl_dirty(a);
    return total;
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
    tyl_dist_grid_of_(a->layout, a->rank, P, me);
    for (int d = 0; d < a->rank; d++)
        c[d] = owner_coord(a->layout, d, idx[d], a->shape[d], P[d]);
    return rank_in(P, a->rank, c);
}

void tyl_elem_get(const tyl_array *a, const int64_t *idx, void *out)
{
    size_t el = tyl_dtype_size(a->dtype);
    check_index(a, idx);
    if (!a->layout) {
        tyl_mem_to_host(out, (const char *)a->data + (size_t)tyl_loc_off_(a, idx) * el, el);
        return;
    }
    int own = elem_owner(a, idx);
    if (own == tyl_job_self_)
        tyl_mem_to_host(out, (const char *)a->data + (size_t)tyl_loc_off_(a, idx) * el, el);
#ifndef TYL_NO_MPI
    if (tyl_job_size_ > 1)
        MPI_Bcast(out, (int)el, MPI_BYTE, own, tyl_job_comm_);
#endif
}

double tyl_wall_time(int kind)
{
    struct timespec ts;
    clock_gettime(kind ? CLOCK_MONOTONIC : CLOCK_REALTIME, &ts);
    double t = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
#ifndef TYL_NO_MPI
    if (tyl_job_size_ > 1)
        MPI_Bcast(&t, 1, MPI_DOUBLE, 0, tyl_job_comm_);
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
    if (a->layout && elem_owner(a, idx) != tyl_job_self_)
        return;
    tyl_mem_from_host((char *)a->data + (size_t)tyl_loc_off_(a, idx) * el, val, el);
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

void tyl_dist_report(double total, const char *transport, const int64_t tt_counts[3])
{
    if (!tyl_rt_stats_)
        return;
    double mine[4] = {total, tyl_dist_stats_.t_wait, tyl_dist_stats_.t_pack, tyl_dist_stats_.t_reduce};
    double mx[4] = {0}, sum[4] = {0};
    int64_t bytes = tyl_dist_stats_.bytes_sent, msgs = tyl_dist_stats_.msgs_sent, tb = bytes, tm = msgs;
    int64_t parts[6] = {tyl_dist_stats_.n_strips, tyl_dist_stats_.n_overlap, 0, 0, tyl_dist_stats_.n_shared_leaves,
                        tyl_dist_stats_.n_shared_points},
            tp[6];
    tyl_mem_stream_counts_(&parts[2], &parts[3]);
    memcpy(tp, parts, sizeof tp);
#ifndef TYL_NO_MPI
    if (tyl_job_size_ > 1) {
        MPI_Allreduce(mine, mx, 4, MPI_DOUBLE, MPI_MAX, tyl_job_comm_);
        MPI_Allreduce(mine, sum, 4, MPI_DOUBLE, MPI_SUM, tyl_job_comm_);
        MPI_Allreduce(&bytes, &tb, 1, MPI_INT64_T, MPI_SUM, tyl_job_comm_);
        MPI_Allreduce(&msgs, &tm, 1, MPI_INT64_T, MPI_SUM, tyl_job_comm_);
        MPI_Allreduce(parts, tp, 6, MPI_INT64_T, MPI_SUM, tyl_job_comm_);
    } else
#endif
    {
        for (int i = 0; i < 4; i++)
            mx[i] = sum[i] = mine[i];
    }
    if (tyl_job_self_ != 0)
        return;
    double avg[4];
    for (int i = 0; i < 4; i++)
        avg[i] = sum[i] / tyl_job_size_;
    char grid[64] = "1";
    int k = 0;
    for (int d = 0; d < (g_rank ? g_rank : 1); d++)
        k += snprintf(grid + k, sizeof grid - (size_t)k, "%s%d", d ? "x" : "", g_P[d]);
    double comp = avg[0] - avg[1] - avg[2] - avg[3];
    fprintf(stderr, "tyles stats: %d rank%s, grid %s, overlap %s\n", tyl_job_size_,
            tyl_job_size_ == 1 ? "" : "s", grid, g_overlap ? "on" : "off");
#ifdef _OPENMP
    if (g_threads_ranks)
        fprintf(stderr, "  threads      %d a rank (OMP_NUM_THREADS unset: %d ranks share the node's %ld CPUs)\n",
                omp_get_max_threads(), g_threads_ranks, g_threads_cpus);
    else
        fprintf(stderr, "  threads      %d a rank\n", omp_get_max_threads());
#endif
    fprintf(stderr, "  total        %10.6f s (max over ranks)\n", mx[0]);
    fprintf(stderr, "  compute      %10.6f s (mean; the rest of the time)\n", comp > 0 ? comp : 0.0);
    fprintf(stderr, "  halo wait    %10.6f s mean, %10.6f s max (%.1f%% of total)\n", avg[1], mx[1],
            mx[0] > 0 ? 100.0 * avg[1] / mx[0] : 0.0);
    fprintf(stderr, "  halo pack    %10.6f s mean, %10.6f s max\n", avg[2], mx[2]);
    fprintf(stderr, "  reductions   %10.6f s mean, %10.6f s max (%lld)\n", avg[3], mx[3],
            (long long)tyl_dist_stats_.n_reduce);
    if (tp[4])
        fprintf(stderr, "  shared leaves %lld of exact sums, each summed by the rank holding most of it, %lld points sent to it (all ranks)\n",
                (long long)tp[4], (long long)tp[5]);
    if (tyl_dist_stats_.n_reduce_root) /* the same on every rank */
        fprintf(stderr, "  sums on 0    %lld exact sums' partial sums gathered on rank 0 alone, their value broadcast\n",
                (long long)tyl_dist_stats_.n_reduce_root);
    fprintf(stderr, "  exchanges    %lld, %lld messages, %.3f MB sent in all, through %s\n",
            (long long)tyl_dist_stats_.n_exchanges, (long long)tm, (double)tb / 1e6, transport);
    if (tyl_job_size_ > 1)
        fprintf(stderr, "  own blocks   %lld sweeps read only each rank's own block: no exchange\n",
                (long long)tyl_dist_stats_.n_own_reads);
    if (tyl_job_size_ > 1)
        fprintf(stderr, "  gathers      %lld boxes of distributed arrays, %lld elements\n",
                (long long)tyl_dist_stats_.n_gathers, (long long)tyl_dist_stats_.n_gathered);
    if (tyl_dist_stats_.n_fft_local || tyl_dist_stats_.n_fft_split) /* counts: the same on every rank */
        fprintf(stderr, "  fft          %lld transforms of distributed arrays: %lld of lines whole on each rank, %lld "
                        "redistributed (rank 0 sent %.3f MB, waited %.6f s)\n",
                (long long)(tyl_dist_stats_.n_fft_local + tyl_dist_stats_.n_fft_split),
                (long long)tyl_dist_stats_.n_fft_local, (long long)tyl_dist_stats_.n_fft_split,
                (double)tyl_dist_stats_.fft_bytes / 1e6, tyl_dist_stats_.t_fft);
    fprintf(stderr, "  edge strips  %lld in %lld sweeps run while halos travel (all ranks)\n", (long long)tp[0],
            (long long)tp[1]);
    if (tp[2])
        fprintf(stderr, "  streamed     %lld of %lld kernel calls stored around the caches (all ranks and threads)\n",
                (long long)tp[3], (long long)tp[2]);
    if (tyl_dist_stats_.n_tt_deep || tyl_dist_stats_.n_tt_declined)
        fprintf(stderr, "  time tiles   %lld groups of steps on deep halos, %lld stepped (edges too costly, or plain sweeps faster)\n",
                (long long)tyl_dist_stats_.n_tt_deep, (long long)tyl_dist_stats_.n_tt_declined);
    int64_t timed = tt_counts[0], plain = tt_counts[1], against = tt_counts[2]; /* the same on every rank */
    if (timed)
        fprintf(stderr, "  time tiles   %lld kinds of group timed both ways: %lld run as plain sweeps, %lld tiled; %lld against the model\n",
                (long long)timed, (long long)plain, (long long)(timed - plain), (long long)against);
    int64_t pf_timed, pf_off;
    tyl_pf_choice_counts_(&pf_timed, &pf_off); /* the same on every rank */
    if (pf_timed)
        fprintf(stderr, "  prefetch     %lld sweeps timed with and without software prefetch: %lld run without\n",
                (long long)pf_timed, (long long)pf_off);
    fprintf(stderr, "  imbalance    %.3f (max / mean of the time outside halo waits)\n",
            (avg[0] - avg[1]) > 0 ? (mx[0] - avg[1]) / (avg[0] - avg[1]) : 1.0);
    fflush(stderr);
}

/* Global indices [lo, hi) of the block rank q owns of distributed array a (tyl_gather.c). */
void tyl_dist_block_of_rank(const tyl_array *a, int q, int64_t *lo, int64_t *hi)
{
    int c[TYL_MAX_RANK] = {0}, P[TYL_MAX_RANK], me[TYL_MAX_RANK];
    tyl_dist_grid_of_(a->layout, a->rank, P, me);
    tyl_dist_coords_in_(P, a->rank, q, c);
    for (int d = 0; d < a->rank; d++)
        tyl_dist_block_l_(a->layout, d, a->shape[d], c[d], P[d], &lo[d], &hi[d]);
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
    tyl_dist_grid_of_(a->layout, r, P, me);
    unsigned meets[TYL_MAX_RANK]; /* bit s + 1: the box meets the union of the side-s regions */
    for (int d = 0; d < r; d++) {
        const int per = a->layout->periodic >> d & 1;
        meets[d] = 2u; /* the blocks cover the extent */
        for (int c = 0; c < P[d] && meets[d] != 7u; c++) {
            int64_t blo, bhi;
            tyl_dist_block_l_(a->layout, d, a->shape[d], c, P[d], &blo, &bhi);
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
    if (!tyl_rt_progress_ || tyl_job_self_ != 0)
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
