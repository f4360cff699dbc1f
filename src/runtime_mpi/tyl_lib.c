/* tyl_lib.c: libtyles in library mode (tyles_lib.h): contexts over an application's
 * communicator, arrays it creates or wraps, and errors returned as a status.
 *
 * Errors: every entry point below sets tyl_rt_.lib_catch to a jmp_buf of its own frame;
 * tyl_rt_error and tyl_rt_error_all (tyl_rt_error.c) then store the message and longjmp back here
 * instead of exiting, so the whole runtime reports errors the one way it always has. Entries
 * nest (a solver entry calls tyl_array_create): the innermost catch wins and restores its
 * outer one. Nothing here calls tyl_rt_init, so tyl_prog.c (argv, signals, exit) is never
 * linked into an application that uses only this API.
 */
#define _POSIX_C_SOURCE 200809L
#include "tyl_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tyles_lib.h"
#include "tyl_mem.h"
#include "tyl_mpi.h"
#include "tyl_xchg.h"
#include "../../runtime/elastic/tyl_elastic.h"

/* A library's module state (tyl_lib_state): the arrays its module body computes for its
 * exported functions, by library name. */
enum { LIB_STATES = 16 };
typedef struct lib_state {
    const char *lib;
    int n, ready;
    tyl_array **a;
} lib_state;

struct tyl_ctx {
    int grid_rank;
    lib_state state[LIB_STATES];
    pthread_t owner; /* the thread that created it: the only one that may call */
};

static tyl_ctx the_ctx;
static bool ctx_live;

int64_t tyl_dist_layout(tyl_array *a, const tyl_layout *L, const char *where);

/* A call from another thread than the context's creator, refused before it touches anything
 * (the error catch and the run time's state are per process): 0 with the message set. */
static int other_thread(const char *fn)
{
    if (!ctx_live || pthread_equal(pthread_self(), the_ctx.owner))
        return 0;
    snprintf(tyl_rt_.lib_msg, sizeof tyl_rt_.lib_msg, "%s: error: called from another thread than the one that "
             "created the context: libtyles keeps its state per process, so that thread makes every call (MPI "
             "funneled through it)", fn);
    tyl_rt_.lib_collective = 0;
    return 1;
}

/* A refusal outside the error catch: the message for tyl_ctx_error, TYL_ERROR for the caller. */
static int refuse(const char *fn, const char *msg)
{
    snprintf(tyl_rt_.lib_msg, sizeof tyl_rt_.lib_msg, "%s: error: %s", fn, msg);
    tyl_rt_.lib_collective = 0;
    return TYL_ERROR;
}
#define NO_OUT "no place for the result (the out pointer is NULL)"

/* Opens an API call: a run-time error inside it returns TYL_ERROR from the calling function.
 * With a CUDA context the context's device is current inside the call (tyl_mem_lib_enter).
 * Variables the function changes after LIB_ENTER and reads after an error must be volatile;
 * the entry points below read none. */
#define LIB_ENTER() LIB_ENTER_AS(__func__)
#define LIB_ENTER_AS(fn)                                                                          \
    if (other_thread(fn))                                                                         \
        return TYL_ERROR;                                                                         \
    jmp_buf lib_jb_;                                                                              \
    jmp_buf *lib_prev_ = tyl_rt_.lib_catch;                                                       \
    if (setjmp(lib_jb_)) {                                                                        \
        tyl_rt_.lib_catch = lib_prev_;                                                            \
        tyl_mem_lib_leave();                                                                      \
        return TYL_ERROR;                                                                         \
    }                                                                                             \
    tyl_rt_.lib_catch = &lib_jb_;                                                                 \
    tyl_rt_.lib_msg[0] = '\0';                                                                    \
    tyl_rt_.lib_collective = 0;                                                                   \
    tyl_mem_lib_enter()
#define LIB_LEAVE() (tyl_rt_.lib_catch = lib_prev_, tyl_mem_lib_leave(), TYL_OK)

const char *tyl_ctx_error(const tyl_ctx *ctx)
{
    (void)ctx;
    return tyl_rt_.lib_msg;
}

int tyl_ctx_error_collective(const tyl_ctx *ctx)
{
    (void)ctx;
    return tyl_rt_.lib_collective;
}

/* tyl_dist_setup's complaint about --procs: every rank computes it alike. */
static void grid_fail(const char *msg) { tyl_rt_error_all("tyl_ctx_create", "%s", msg); }

/* The grid an application asks for, checked before anything is set up (a refusal leaves no
 * context behind) and in the library's terms (tyl_ctx_add_grid's words), not as the --procs
 * option of a program, whose text tyl_dist_setup would quote. */
static void check_procs(const char *fn, int grid_rank, const int *procs, int size)
{
    if (!procs || grid_rank <= 0)
        return;
    int64_t prod = 1; /* ranks of at most 2^31 each: no overflow until past 2^62 */
    for (int d = 0; d < grid_rank; d++) {
        if (procs[d] <= 0)
            tyl_rt_error_all(fn, "%d ranks along axis %d of the %d-D grid", procs[d], d, grid_rank);
        prod = prod > ((int64_t)1 << 31) ? prod : prod * procs[d];
    }
    if (prod != size)
        tyl_rt_error_all(fn, "a %d-D grid of %s%lld ranks, but the communicator has %d", grid_rank,
                         prod > ((int64_t)1 << 31) ? "more than " : "",
                         (long long)(prod > ((int64_t)1 << 31) ? (int64_t)1 << 31 : prod), size);
}

/* tyl_ctx_create and tyl_ctx_create_cuda (cuda 1: device and stream given; fn names the call). */
static int ctx_create(tyl_comm comm, int grid_rank, const int *procs, int cuda, int device, void *stream,
                      const char *fn, tyl_ctx **out)
{
    if (!out)
        return refuse(fn, NO_OUT);
    *out = NULL;
    /* Library mode from here, so that the errors below return instead of exiting. */
    if (other_thread(fn))
        return TYL_ERROR;
    bool was_lib = tyl_rt_.lib;
    tyl_rt_.lib = true;
    LIB_ENTER_AS(fn);
    if (ctx_live)
        tyl_rt_error(fn, "a context exists already in this process (one at a time; tyl_ctx_destroy it first)");
    if (was_lib == false && tyl_rt_mpi_active_() && tyl_rt_.params)
        tyl_rt_error(fn, "this process runs a Tyles program (tyl_rt_init was called)");
    if (grid_rank < 0 || grid_rank > TYL_MAX_RANK)
        tyl_rt_error(fn, "grid rank %d is out of range (0 to %d)", grid_rank, TYL_MAX_RANK);
    int me = 0, size = 1;
#ifndef TYL_NO_MPI
    int init = 0, fin = 0, level = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    if (!init || fin)
        tyl_rt_error(fn, "MPI is not initialised: call MPI_Init_thread (with at least MPI_THREAD_FUNNELED) "
                         "before %s", fn);
    MPI_Query_thread(&level);
    if (level < MPI_THREAD_FUNNELED)
        tyl_rt_error(fn, "MPI was initialised with MPI_THREAD_SINGLE; libtyles runs OpenMP threads and needs "
                         "MPI_THREAD_FUNNELED");
    if (comm == MPI_COMM_NULL)
        tyl_rt_error(fn, "the communicator is MPI_COMM_NULL");
    MPI_Comm_size(comm, &size);
    check_procs(fn, grid_rank, procs, size);
    tyl_env_check_(comm, size, fn);
    tyl_mem_lib_attach(cuda, device, stream, fn); /* checked before anything needs undoing */
    MPI_Comm dup;
    MPI_Comm_dup(comm, &dup);
    tyl_rt_comm_ = dup;
    MPI_Comm_rank(dup, &me);
    MPI_Comm_size(dup, &size);
#else
    (void)comm;
    check_procs(fn, grid_rank, procs, size);
    tyl_env_check_(0, size, fn);
    tyl_mem_lib_attach(cuda, device, stream, fn);
#endif
    tyl_rt_set_size_(me, size); /* a context's communicator: no measured choices of another */
    tyl_rt_.we_initialized_mpi = false;
    tyl_rt_.prog = "libtyles";
    tyl_rt_.grid_rank = grid_rank;
    tyl_rt_elastic_ = (tyl_rt_elastic){.end_checkpoints = tyl_ck_finalize_}; /* tyl_ctx_checkpoint's */
    ctx_live = true; /* from here, a failure is undone by tyl_ctx_destroy */
    the_ctx.grid_rank = grid_rank;
    the_ctx.owner = pthread_self();
    char pbuf[TYL_MAX_RANK * 12 + 1], *grid = NULL;
    if (procs && grid_rank > 0) {
        size_t k = 0;
        for (int d = 0; d < grid_rank; d++)
            k += (size_t)snprintf(pbuf + k, sizeof pbuf - k, "%s%d", d ? "x" : "", procs[d]);
        grid = pbuf;
    }
    tyl_dist_setup(grid_rank, grid, size, me, 1, grid_fail);
    tyl_xchg_setup(size, me);
    tyl_rt_.t0 = MPI_Wtime();
    *out = &the_ctx;
    return LIB_LEAVE();
}

int tyl_ctx_create(tyl_comm comm, int grid_rank, const int *procs, tyl_ctx **out)
{
    return ctx_create(comm, grid_rank, procs, 0, -1, NULL, "tyl_ctx_create", out);
}

int tyl_ctx_create_cuda(tyl_comm comm, int grid_rank, const int *procs, int device, void *stream, tyl_ctx **out)
{
    return ctx_create(comm, grid_rank, procs, 1, device, stream, "tyl_ctx_create_cuda", out);
}

int tyl_ctx_destroy(tyl_ctx *ctx)
{
    if (ctx != &the_ctx || !ctx_live)
        return refuse("tyl_ctx_destroy", "not a live context (destroyed already, or not one tyl_ctx_create gave)");
    LIB_ENTER();
    tyl_rt_finalize(); /* frees every array and the grid; MPI stays (we did not start it) */
    for (int i = 0; i < LIB_STATES; i++)
        free(the_ctx.state[i].a);
    memset(the_ctx.state, 0, sizeof the_ctx.state);
#ifndef TYL_NO_MPI
    if (tyl_rt_comm_ != MPI_COMM_WORLD && tyl_rt_comm_ != MPI_COMM_NULL)
        MPI_Comm_free(&tyl_rt_comm_);
    tyl_rt_comm_ = MPI_COMM_WORLD;
#endif
    ctx_live = false;
    tyl_rt_.lib = false;
    int st = LIB_LEAVE();
    tyl_mem_lib_detach();
    return st;
}

static void check_ctx(tyl_ctx *ctx, const char *fn)
{
    if (ctx == &the_ctx && ctx_live)
        return;
    /* tyl_rt_error would end the process when no context was ever made, or after the last was
     * destroyed (program mode's rules then): the catch of LIB_ENTER is set, so return through it */
    refuse(fn, "not a live context (use the one tyl_ctx_create gave)");
    longjmp(*tyl_rt_.lib_catch, 1);
}

static void add_grid_fail(const char *msg) { tyl_rt_error_all("tyl_ctx_add_grid", "%s", msg); }

int tyl_ctx_add_grid(tyl_ctx *ctx, int grid_rank, const int *procs)
{
    LIB_ENTER();
    check_ctx(ctx, "tyl_ctx_add_grid");
    if (grid_rank < 1 || grid_rank > TYL_MAX_RANK)
        tyl_rt_error_all("tyl_ctx_add_grid", "grid rank %d is out of range (1 to %d)", grid_rank, TYL_MAX_RANK);
    if (tyl_dist_has_grid(grid_rank)) {
        if (procs)
            tyl_rt_error_all("tyl_ctx_add_grid", "the context has a %d-D process grid already", grid_rank);
        return LIB_LEAVE();
    }
    check_procs("tyl_ctx_add_grid", grid_rank, procs, tyl_rt_.size);
    tyl_dist_add_grid(grid_rank, procs, add_grid_fail);
    return LIB_LEAVE();
}

/* The layout of an application's array: distributed when its rank is the grid's. */
static tyl_layout app_layout(int rank, const int *halo, const char *fn)
{
    tyl_layout L;
    memset(&L, 0, sizeof L);
    L.dist = tyl_dist_has_grid(rank);
    for (int d = 0; d < rank && halo; d++) {
        if (halo[d] < 0 || halo[d] > 64)
            tyl_rt_error(fn, "halo width %d on axis %d is out of range (0 to 64)", halo[d], d);
        if (L.dist)
            L.hl[d] = L.hh[d] = halo[d];
    }
    return L;
}

static void check_shape(tyl_dtype dt, int rank, const int64_t *shape, const char *fn)
{
    if ((unsigned)dt > TYL_FLOAT64)
        tyl_rt_error(fn, "unknown data type %d", (int)dt);
    if (rank < 0 || rank > TYL_MAX_RANK)
        tyl_rt_error(fn, "array rank %d is out of range (0 to %d)", rank, TYL_MAX_RANK);
    if (rank > 0 && !shape)
        tyl_rt_error(fn, "no shape given");
}

static void fill_local(const tyl_array *a, tyl_local *o)
{
    memset(o, 0, sizeof *o);
    o->data = a->data;
    o->rank = a->rank;
    o->dtype = a->dtype;
    for (int d = 0; d < TYL_MAX_RANK; d++) {
        o->shape[d] = a->shape[d];
        o->lo[d] = a->lo[d];
        o->n[d] = a->n[d];
        o->halo_lo[d] = a->hl[d];
        o->halo_hi[d] = a->hh[d];
        o->stride[d] = a->stride[d];
    }
    o->base = a->base;
    o->bytes = (size_t)a->lsize * tyl_dtype_size(a->dtype);
    o->device = tyl_mem_lib_device();
}

int tyl_ctx_layout(tyl_ctx *ctx, tyl_dtype dt, int rank, const int64_t *shape, const int *halo,
                   tyl_local *out)
{
    if (!out)
        return refuse("tyl_ctx_layout", NO_OUT);
    LIB_ENTER();
    check_ctx(ctx, "tyl_ctx_layout");
    check_shape(dt, rank, shape, "tyl_ctx_layout");
    tyl_layout L = app_layout(rank, halo, "tyl_ctx_layout");
    tyl_array a;
    memset(&a, 0, sizeof a);
    a.rank = rank;
    a.dtype = dt;
    tyl_rt_check_shape_(dt, rank, shape, "tyl_ctx_layout"); /* tyl_dist_layout's sums could overflow */
    for (int d = 0; d < TYL_MAX_RANK; d++)
        a.shape[d] = d < rank ? shape[d] : 1;
    a.lsize = tyl_dist_layout(&a, &L, "tyl_ctx_layout");
    fill_local(&a, out);
    out->data = out->base = NULL;
    out->device = tyl_mem_lib_device();
    return LIB_LEAVE();
}

int tyl_array_create(tyl_ctx *ctx, tyl_dtype dt, int rank, const int64_t *shape, const int *halo,
                     tyl_array **out)
{
    if (!out)
        return refuse("tyl_array_create", NO_OUT);
    *out = NULL;
    LIB_ENTER();
    check_ctx(ctx, "tyl_array_create");
    check_shape(dt, rank, shape, "tyl_array_create");
    tyl_layout L = app_layout(rank, halo, "tyl_array_create");
    *out = tyl_alloc_own_(dt, rank, shape, TYL_INIT_ZERO, &L, NULL, 0, "tyl_array_create");
    return LIB_LEAVE();
}

int tyl_array_wrap(tyl_ctx *ctx, tyl_dtype dt, int rank, const int64_t *shape, const int *halo,
                   void *base, size_t bytes, tyl_array **out)
{
    if (!out)
        return refuse("tyl_array_wrap", NO_OUT);
    *out = NULL;
    LIB_ENTER();
    check_ctx(ctx, "tyl_array_wrap");
    check_shape(dt, rank, shape, "tyl_array_wrap");
    if (!base)
        tyl_rt_error("tyl_array_wrap", "the memory to wrap is NULL");
    if ((uintptr_t)base % tyl_dtype_size(dt))
        tyl_rt_error("tyl_array_wrap", "the memory to wrap is not aligned to its %zu-byte elements",
                     tyl_dtype_size(dt));
    const char *why = tyl_mem_lib_check_wrap(base);
    if (why)
        tyl_rt_error("tyl_array_wrap", "%s", why);
    tyl_layout L = app_layout(rank, halo, "tyl_array_wrap");
    *out = tyl_alloc_own_(dt, rank, shape, TYL_INIT_NONE, &L, base, bytes, "tyl_array_wrap");
    return LIB_LEAVE();
}

int tyl_array_local(const tyl_array *a, tyl_local *out)
{
    if (!out)
        return refuse("tyl_array_local", NO_OUT);
    if (!a || !tyl_rt_array_live_(a)) {
        memset(out, 0, sizeof *out);
        return refuse("tyl_array_local", "not an array of this context");
    }
    fill_local(a, out);
    return TYL_OK;
}

void tyl_array_modified(tyl_array *a)
{
    if (a && tyl_rt_array_live_(a)) /* a destroyed one's block may be another array's now */
        tyl_dirty(a);
}

int tyl_array_exchange(tyl_ctx *ctx, tyl_array *a)
{
    LIB_ENTER();
    check_ctx(ctx, "tyl_array_exchange");
    if (!a)
        tyl_rt_error("tyl_array_exchange", "no array given");
    if (!tyl_rt_array_live_(a)) /* destroyed, or never one: its fields are not to be read */
        tyl_rt_error("tyl_array_exchange", "not an array of this context");
    /* every zone, faces, edges and corners: base-3 digit d of a zone's number is -1/0/+1
     * along axis d (tyl_halo.c); the all-inside one is the owned block itself */
    int zones = 1;
    for (int d = 0; d < a->rank; d++)
        zones *= 3;
    uint64_t mask[TYL_ZONE_WORDS] = {0};
    for (int z = 0; z < zones; z++)
        if (z != (zones - 1) / 2)
            mask[z / 64] |= (uint64_t)1 << (z % 64);
    tyl_halo_end(tyl_halo_begin(&a, mask, TYL_ZONE_WORDS_OF(a->rank), 1));
    return LIB_LEAVE();
}

void tyl_array_destroy(tyl_array *a)
{
    if (!a)
        return; /* as free(NULL) */
    if (!tyl_rt_array_live_(a)) {
        /* destroyed already (or never an array): releasing it again would corrupt the pool or
         * end the process with an internal error; the message stays for tyl_ctx_error */
        refuse("tyl_array_destroy", "not an array of this context (destroyed already?)");
        return;
    }
    tyl_mem_lib_enter(); /* the memory may go back to its device (cudaFree) */
    tyl_release(a);
    tyl_mem_lib_leave();
}

/* The owned block of a to (in 1) or from host memory in C order: through a contiguous staging
 * buffer when the array is on the device (any rank, any strides: one box copy there), waiting
 * for the stream so that host is free again, or read, when the call returns. */
static void block_copy(tyl_array *a, void *host, int in, const char *fn)
{
    if (!a || !tyl_rt_array_live_(a))
        tyl_rt_error(fn, "not an array of this context");
    if (!host)
        tyl_rt_error(fn, "the host memory is NULL");
    size_t el = tyl_dtype_size(a->dtype);
    int64_t n[TYL_MAX_RANK], cs[TYL_MAX_RANK], total = 1;
    for (int d = a->rank - 1; d >= 0; d--) {
        n[d] = a->n[d];
        cs[d] = total;
        total *= n[d] > 0 ? n[d] : 0;
    }
    if (total <= 0)
        return;
    if (!tyl_mem_on_device()) {
        if (in)
            tyl_box_copy(a->data, a->stride, host, cs, a->rank, n, el);
        else
            tyl_box_copy(host, cs, a->data, a->stride, a->rank, n, el);
        return;
    }
    size_t bytes = (size_t)total * el;
    void *tmp = tyl_mem_alloc(bytes);
    if (!tmp)
        tyl_rt_error(fn, "MemoryError: a staging buffer of %zu bytes", bytes);
    if (in) {
        tyl_mem_from_host(tmp, host, bytes);
        tyl_box_copy(a->data, a->stride, tmp, cs, a->rank, n, el);
        tyl_mem_sync(); /* before tmp goes */
    } else {
        tyl_box_copy(tmp, cs, a->data, a->stride, a->rank, n, el);
        tyl_mem_to_host(host, tmp, bytes);
    }
    tyl_mem_free(tmp);
}

/* Host copy of a box: n elements per axis from src (strides ss) to dst (strides ds), row by row
 * (tyl_box_copy is a kernel in libtyles_cuda.a: it cannot take host memory there). */
static void host_box_copy(char *dst, const int64_t *ds, const char *src, const int64_t *ss, int rank,
                          const int64_t *n, size_t el)
{
    int64_t idx[TYL_MAX_RANK] = {0}, rows = 1;
    for (int d = 0; d < rank; d++)
        if (n[d] <= 0)
            return;
    for (int d = 0; d < rank - 1; d++)
        rows *= n[d];
    for (int64_t r = 0; r < rows; r++) {
        int64_t od = 0, os = 0;
        for (int d = 0; d < rank; d++) {
            od += idx[d] * ds[d];
            os += idx[d] * ss[d];
        }
        if (ds[rank - 1] == 1 && ss[rank - 1] == 1)
            memcpy(dst + od * (int64_t)el, src + os * (int64_t)el, (size_t)n[rank - 1] * el);
        else
            for (int64_t k = 0; k < n[rank - 1]; k++)
                memcpy(dst + (od + k * ds[rank - 1]) * (int64_t)el, src + (os + k * ss[rank - 1]) * (int64_t)el, el);
        for (int d = rank - 2; d >= 0 && ++idx[d] == n[d]; d--)
            idx[d] = 0;
    }
}

/* Distributed array a gathered whole on every rank, as a new replicated array: each rank's
 * owned block through host memory (block_copy: on the device too), the blocks and their boxes
 * shared over the context's communicator, placed, and copied into the new array. Collective. */
static tyl_array *lib_gather(tyl_array *a, const char *fn)
{
    if (!a->layout)
        return tyl_copy(a, fn);
    const int r = a->rank;
    const size_t el = tyl_dtype_size(a->dtype);
    int64_t mine = 1, whole = 1, cs[TYL_MAX_RANK];
    for (int d = r - 1; d >= 0; d--) {
        cs[d] = whole;
        whole *= a->shape[d];
        mine *= a->n[d] > 0 ? a->n[d] : 0;
    }
    char *blk = malloc(mine ? (size_t)mine * el : 1), *w = malloc(whole ? (size_t)whole * el : 1), *all = blk;
    int64_t box[2 * TYL_MAX_RANK] = {0}, *boxes = box; /* lo, then n, of each rank's block */
    int size = 1;
    if (!blk || !w)
        goto oom;
    if (mine)
        block_copy(a, blk, 0, fn);
    for (int d = 0; d < r; d++) {
        box[d] = a->lo[d];
        box[TYL_MAX_RANK + d] = a->n[d] > 0 ? a->n[d] : 0;
    }
#ifndef TYL_NO_MPI
    MPI_Comm_size(tyl_rt_comm_, &size);
    int *counts = malloc(sizeof(int) * (size_t)size * 2);
    boxes = malloc(sizeof box * (size_t)size);
    all = malloc(whole ? (size_t)whole * el : 1);
    if (!counts || !boxes || !all) {
        free(counts);
        goto oom;
    }
    MPI_Allgather(box, 2 * TYL_MAX_RANK, MPI_INT64_T, boxes, 2 * TYL_MAX_RANK, MPI_INT64_T, tyl_rt_comm_);
    int64_t at = 0;
    for (int q = 0; q < size; q++) {
        int64_t c = (int64_t)el;
        for (int d = 0; d < r; d++)
            c *= boxes[q * 2 * TYL_MAX_RANK + TYL_MAX_RANK + d];
        if (at + c > INT32_MAX) {
            free(counts);
            free(boxes);
            free(all);
            free(blk);
            free(w);
            tyl_rt_error_all(fn, "gathering a module-level array of %lld bytes: at most 2 GiB", (long long)(at + c));
        }
        counts[q] = (int)c;
        counts[size + q] = (int)at;
        at += c;
    }
    MPI_Allgatherv(blk, (int)(mine * (int64_t)el), MPI_BYTE, all, counts, counts + size, MPI_BYTE, tyl_rt_comm_);
    free(counts);
#endif
    {
        int64_t at = 0;
        for (int q = 0; q < size; q++) { /* rank q's block, where its box says */
            const int64_t *lo = &boxes[q * 2 * TYL_MAX_RANK], *n = lo + TYL_MAX_RANK;
            int64_t off = 0, count = 1, qs[TYL_MAX_RANK];
            for (int d = r - 1; d >= 0; d--) {
                qs[d] = count;
                count *= n[d];
                off += lo[d] * cs[d];
            }
            host_box_copy(w + off * (int64_t)el, cs, all + at, qs, r, n, el);
            at += count * (int64_t)el;
        }
    }
    if (all != blk)
        free(all);
    if (boxes != box)
        free(boxes);
    free(blk);
    tyl_array *g = tyl_alloc_l(a->dtype, r, a->shape, TYL_INIT_NONE, NULL, fn);
    block_copy(g, w, 1, fn); /* replicated: its block is the whole array */
    free(w);
    return g;
oom:
    if (all != blk)
        free(all);
    if (boxes != box)
        free(boxes);
    free(blk);
    free(w);
    tyl_rt_error(fn, "MemoryError: gathering a module-level array of %lld elements", (long long)whole);
    return NULL;
}

int tyl_array_copy_in(tyl_ctx *ctx, tyl_array *a, const void *host)
{
    LIB_ENTER();
    check_ctx(ctx, "tyl_array_copy_in");
    block_copy(a, (void *)host, 1, "tyl_array_copy_in");
    tyl_dirty(a);
    return LIB_LEAVE();
}

int tyl_array_copy_out(tyl_ctx *ctx, const tyl_array *a, void *host)
{
    LIB_ENTER();
    check_ctx(ctx, "tyl_array_copy_out");
    block_copy((tyl_array *)a, host, 0, "tyl_array_copy_out");
    return LIB_LEAVE();
}

int tyl_ctx_sync(tyl_ctx *ctx)
{
    LIB_ENTER();
    check_ctx(ctx, "tyl_ctx_sync");
    tyl_mem_sync();
    return LIB_LEAVE();
}

/* ---- for the Fortran module (tyles_lib.f90) -------------------------------------------------- */

/* Fortran passes its communicator as an integer handle (MPI_Fint). */
int tyl_ctx_create_f(int fcomm, int grid_rank, const int *procs, tyl_ctx **out)
{
#ifndef TYL_NO_MPI
    return tyl_ctx_create(MPI_Comm_f2c((MPI_Fint)fcomm), grid_rank, procs, out);
#else
    return tyl_ctx_create(fcomm, grid_rank, procs, out);
#endif
}

int tyl_ctx_create_cuda_f(int fcomm, int grid_rank, const int *procs, int device, void *stream, tyl_ctx **out)
{
#ifndef TYL_NO_MPI
    return tyl_ctx_create_cuda(MPI_Comm_f2c((MPI_Fint)fcomm), grid_rank, procs, device, stream, out);
#else
    return tyl_ctx_create_cuda(fcomm, grid_rank, procs, device, stream, out);
#endif
}

/* The parts of tyl_local a Fortran caller needs, in arrays of `rank` elements (the struct's
 * TYL_MAX_RANK need not be mirrored in Fortran). */
int tyl_array_info_f(const tyl_array *a, int rank, void **base, int64_t *shape, int64_t *lo,
                     int64_t *n, int64_t *halo_lo, int64_t *halo_hi)
{
    if (!base)
        return refuse("tyles_local", NO_OUT);
    if (!a || !tyl_rt_array_live_(a) || rank != a->rank) {
        *base = NULL;
        return refuse("tyles_local", !a || !tyl_rt_array_live_(a) ? "not an array of this context"
                                                                   : "the rank given is not the array's");
    }
    if (tyl_mem_lib_device() >= 0) { /* a Fortran pointer to device memory would fault when used */
        snprintf(tyl_rt_.lib_msg, sizeof tyl_rt_.lib_msg, "tyles_local: error: the array is on CUDA device "
                 "%d, which a Fortran pointer cannot reach", tyl_mem_lib_device());
        tyl_rt_.lib_collective = 0;
        *base = NULL;
        return TYL_ERROR;
    }
    *base = a->base;
    for (int d = 0; d < rank; d++) {
        shape[d] = a->shape[d];
        lo[d] = a->lo[d];
        n[d] = a->n[d];
        halo_lo[d] = a->hl[d];
        halo_hi[d] = a->hh[d];
    }
    return TYL_OK;
}

int tyl_ctx_layout_f(tyl_ctx *ctx, tyl_dtype dt, int rank, const int64_t *shape, const int *halo,
                     int64_t *lo, int64_t *n, size_t *bytes)
{
    tyl_local L;
    *bytes = 0;
    if (tyl_ctx_layout(ctx, dt, rank, shape, halo, &L) != TYL_OK)
        return TYL_ERROR;
    for (int d = 0; d < rank; d++) {
        lo[d] = L.lo[d];
        n[d] = L.n[d];
    }
    *bytes = L.bytes;
    return TYL_OK;
}

/* ---- for the code tylesc --lib generates (tyles_lib.h) -------------------------------------- */

/* The layouts the caller's arrays take during a call: their own halo widths with the solver's
 * periodic axes. Kept for the process (arrays made like an argument point at them and may
 * outlive the call); a solver's calls use only a few distinct ones. */
enum { LIB_LAYOUTS = 256 };
static tyl_layout lib_layouts[LIB_LAYOUTS];
static int lib_nlayouts;

static const tyl_layout *intern_layout(const tyl_array *a, unsigned periodic, const char *fn)
{
    tyl_layout L;
    memset(&L, 0, sizeof L);
    L.dist = 1;
    for (int d = 0; d < a->rank; d++) {
        L.hl[d] = (int)a->hl[d];
        L.hh[d] = (int)a->hh[d];
    }
    L.periodic = periodic;
    for (int i = 0; i < lib_nlayouts; i++)
        if (!memcmp(&lib_layouts[i], &L, sizeof L))
            return &lib_layouts[i];
    if (lib_nlayouts == LIB_LAYOUTS)
        tyl_rt_error(fn, "more than %d different halo widths among the arrays passed to solvers", LIB_LAYOUTS);
    lib_layouts[lib_nlayouts] = L;
    return &lib_layouts[lib_nlayouts++];
}

void tyl_lib_init(tyl_lib_call *f, tyl_ctx *ctx, const char *fn)
{
    memset(f->arg, 0, sizeof f->arg);
    memset(f->saved, 0, sizeof f->saved);
    memset(f->name, 0, sizeof f->name);
    f->prev = tyl_rt_.lib_catch;
    f->ctx = ctx;
    f->fn = fn;
}

/* Not through tyl_rt_error: without a live context nothing would catch it. */
int tyl_lib_begin(tyl_lib_call *f, int grid_rank)
{
    if (other_thread(f->fn))
        return TYL_ERROR;
    if (f->ctx != &the_ctx || !ctx_live) {
        snprintf(tyl_rt_.lib_msg, sizeof tyl_rt_.lib_msg, "%s: error: not a live context (use the one "
                 "tyl_ctx_create gave)", f->fn);
        tyl_rt_.lib_collective = 1;
        return TYL_ERROR;
    }
    if (grid_rank > 0 && !tyl_dist_has_grid(grid_rank)) {
        snprintf(tyl_rt_.lib_msg, sizeof tyl_rt_.lib_msg, "%s: error: the context has no %d-D process grid, "
                 "which this solver distributes its arrays over: create the context with grid rank %d, or add "
                 "the grid with tyl_ctx_add_grid (the header's _GRID_RANKS lists a library's grids)", f->fn,
                 grid_rank, grid_rank);
        tyl_rt_.lib_collective = 1;
        return TYL_ERROR;
    }
    tyl_rt_.lib_catch = &f->jb;
    tyl_rt_.lib_msg[0] = '\0';
    tyl_rt_.lib_collective = 0;
    tyl_mem_lib_enter(); /* a failure longjmps to f->jb: tyl_lib_fail leaves */
    if (tyl_mem_lib_capturing()) {
        snprintf(tyl_rt_.lib_msg, sizeof tyl_rt_.lib_msg, "%s: error: the context's stream is being captured "
                 "into a CUDA graph: a call waits on the host (halos, scalar results), which a capture cannot "
                 "hold; call it outside the capture", f->fn);
        tyl_rt_.lib_collective = 1;
        tyl_rt_.lib_catch = f->prev;
        tyl_mem_lib_leave();
        return TYL_ERROR;
    }
    return TYL_OK;
}

/* The caller's arrays get their own layouts back (halos stale where the periodic axes differ). */
static void restore_args(tyl_lib_call *f, int failed)
{
    for (int i = 0; i < TYL_LIB_MAX_ARGS; i++) {
        tyl_array *a = f->arg[i];
        if (!a)
            continue;
        if (failed || (a->layout ? a->layout->periodic : 0) != (f->saved[i] ? f->saved[i]->periodic : 0))
            tyl_dirty(a);
        a->layout = f->saved[i];
        f->arg[i] = NULL;
    }
}

int tyl_lib_fail(tyl_lib_call *f)
{
    tyl_rt_.lib_catch = f->prev;
    restore_args(f, 1);
    tyl_mem_lib_leave();
    return TYL_ERROR;
}

int tyl_lib_end(tyl_lib_call *f)
{
    tyl_rt_.lib_catch = f->prev;
    restore_args(f, 0);
    tyl_mem_lib_leave();
    return TYL_OK;
}

void tyl_lib_arg(tyl_lib_call *f, int i, tyl_array *a, const char *name, tyl_dtype dt, int rank,
                 const tyl_layout *L, const char *halo_name, int same_as, tyl_array **slot)
{
    const char *fn = f->fn;
    if (!a)
        tyl_rt_error_all(fn, "argument '%s' is NULL", name);
    if (!tyl_rt_array_live_(a))
        tyl_rt_error_all(fn, "argument '%s' is not an array of this context (destroyed, or made under "
                         "another context): create it with tyl_array_create or tyl_array_wrap on the context "
                         "given to %s", name, fn);
    if (a->dtype != dt)
        tyl_rt_error_all(fn, "argument '%s' is a %s array; %s takes %s (TYL_%s)", name, tyl_dtype_name_(a->dtype),
                         fn, tyl_dtype_name_(dt), dt == TYL_FLOAT64 ? "FLOAT64" : dt == TYL_FLOAT32 ? "FLOAT32"
                         : dt == TYL_INT64 ? "INT64" : dt == TYL_INT32 ? "INT32" : "BOOL");
    if (a->rank != rank)
        tyl_rt_error_all(fn, "argument '%s' has %d dimension%s; %s takes %d", name, a->rank,
                         a->rank == 1 ? "" : "s", fn, rank);
    if (L && L->dist && !a->layout)
        tyl_rt_error_all(fn, "argument '%s' is replicated, but %s takes it distributed over the grid",
                         name, fn);
    if ((!L || !L->dist) && a->layout)
        tyl_rt_error_all(fn, "argument '%s' is distributed over the grid, but %s takes it replicated", name, fn);
    for (int d = 0; L && L->dist && d < rank; d++)
        if (a->hl[d] < L->hl[d] || a->hh[d] < L->hh[d])
            tyl_rt_error_all(fn, "argument '%s' has a halo of %lld on axis %d; %s needs %d: create it with "
                             "halo width %s", name, (long long)(a->hl[d] < a->hh[d] ? a->hl[d] : a->hh[d]), d,
                             fn, L->hl[d] > L->hh[d] ? L->hl[d] : L->hh[d], halo_name);
    const tyl_array *b = same_as >= 0 && same_as < TYL_LIB_MAX_ARGS ? f->arg[same_as] : NULL;
    for (int d = 0; b && d < rank; d++)
        if (a->shape[d] != b->shape[d]) {
            char x[128], y[128];
            if (name[0] == '@') /* module state (tylesc --lib): the argument's shape is the odd one */
                tyl_rt_error_all(fn, "argument '%s' has shape %s, but the module's '%s' has %s: %s takes them of "
                                 "one shape, as the program's own call passes them", f->name[same_as],
                                 tyl_rt_shape_str(y, b->rank, b->shape), name + 1,
                                 tyl_rt_shape_str(x, a->rank, a->shape), fn);
            tyl_rt_error_all(fn, "argument '%s' has shape %s, argument '%s' has %s: %s takes them of one shape, "
                             "as the program's own call passes them", name, tyl_rt_shape_str(x, a->rank, a->shape),
                             f->name[same_as], tyl_rt_shape_str(y, b->rank, b->shape), fn);
        }
    for (int j = 0; j < TYL_LIB_MAX_ARGS; j++)
        if (f->arg[j] == a) {
            if (name[0] == '@') /* a state array the caller got from PREFIX_get_NAME */
                tyl_rt_error_all(fn, "argument '%s' is the module's '%s', which %s reads itself: pass a copy",
                                 f->name[j], name + 1, fn);
            tyl_rt_error_all(fn, "argument '%s' is the same array as an earlier argument; pass different "
                             "arrays", name);
        }
    f->saved[i] = a->layout;
    f->arg[i] = a;
    f->name[i] = name;
    if (L && L->dist) {
        const tyl_layout *mine = intern_layout(a, L->periodic, fn);
        if ((f->saved[i] ? f->saved[i]->periodic : 0) != L->periodic)
            tyl_dirty(a);
        a->layout = mine;
    }
    tyl_set(slot, tyl_ref(a));
}

void tyl_lib_state_whole(tyl_lib_call *f, int i, tyl_array *a, const char *name, tyl_array **slot)
{
    if (!a || !a->layout || i < 0 || i >= TYL_LIB_MAX_ARGS)
        tyl_rt_error(f->fn, "internal error: module state '%s' read whole is not distributed", name + 1);
    for (int j = 0; j < TYL_LIB_MAX_ARGS; j++)
        if (f->arg[j] == a) /* as tyl_lib_arg says it */
            tyl_rt_error_all(f->fn, "argument '%s' is the module's '%s', which %s reads itself: pass a copy",
                             f->name[j], name + 1, f->fn);
    f->saved[i] = a->layout;
    f->arg[i] = a;
    f->name[i] = name;
    tyl_set(slot, lib_gather(a, f->fn));
}

/* Does the owned block of distributed a differ from the same block of last (whole on every
 * rank), bit for bit? On the device it is not looked at: taken as changed. */
static int block_differs(const tyl_array *a, const tyl_array *last, const int64_t *n)
{
    if (tyl_mem_on_device())
        return 1;
    size_t el = tyl_dtype_size(a->dtype);
    int64_t idx[TYL_MAX_RANK] = {0}, rows = 1;
    for (int d = 0; d < a->rank - 1; d++)
        rows *= n[d];
    for (int64_t r = 0; r < rows; r++) { /* one row of the last axis at a time */
        int64_t oa = 0, ol = 0;
        for (int d = 0; d < a->rank; d++) {
            oa += idx[d] * a->stride[d];
            ol += (a->lo[d] + idx[d]) * last->stride[d];
        }
        if (memcmp((const char *)a->data + oa * (int64_t)el, (const char *)last->data + ol * (int64_t)el,
                   (size_t)n[a->rank - 1] * el))
            return 1;
        for (int d = a->rank - 2; d >= 0 && ++idx[d] == n[d]; d--)
            idx[d] = 0;
    }
    return 0;
}

void tyl_lib_writeback(tyl_lib_call *f, int i, tyl_array *last)
{
    tyl_array *a = f->arg[i];
    if (!a || !last || last == a)
        return;
    if (a->layout && !last->layout) { /* module state read whole (tyl_lib_state_whole): this rank's block */
        int64_t n[TYL_MAX_RANK], off = 0;
        for (int d = 0; d < a->rank; d++) {
            n[d] = a->n[d];
            if (n[d] <= 0 || last->shape[d] != a->shape[d])
                return;
            off += a->lo[d] * last->stride[d];
        }
        if (!block_differs(a, last, n))
            return; /* unchanged: its halos stay valid */
        tyl_box_copy(a->data, a->stride, (const char *)last->data + off * (int64_t)tyl_dtype_size(a->dtype),
                     last->stride, a->rank, n, tyl_dtype_size(a->dtype));
        tyl_dirty(a);
        return;
    }
    for (int d = 0; d < a->rank; d++)
        if (last->shape[d] != a->shape[d] || last->n[d] != a->n[d] || last->lo[d] != a->lo[d])
            tyl_rt_error(f->fn, "internal error: the array of an argument changed its shape or block");
    int64_t n[TYL_MAX_RANK];
    for (int d = 0; d < a->rank; d++) {
        n[d] = a->n[d];
        if (n[d] <= 0)
            return;
    }
    tyl_box_copy(a->data, a->stride, last->data, last->stride, a->rank, n, tyl_dtype_size(a->dtype));
    tyl_dirty(a);
}

void tyl_lib_result(tyl_lib_call *f, tyl_array *r, tyl_array **out, int halo)
{
    if (!out)
        return;
    int thin = 0;
    for (int d = 0; r && r->layout && d < r->rank; d++)
        thin |= r->hl[d] < halo || r->hh[d] < halo;
    if (!thin) {
        *out = tyl_ref(r);
        return;
    }
    /* the same values in an array with the library's halo (the solver's periodic axes kept) */
    tyl_array w;
    memset(&w, 0, sizeof w);
    w.rank = r->rank;
    for (int d = 0; d < r->rank; d++) {
        w.hl[d] = r->hl[d] > halo ? r->hl[d] : halo;
        w.hh[d] = r->hh[d] > halo ? r->hh[d] : halo;
    }
    *out = tyl_copy_l(r, intern_layout(&w, r->layout->periodic, f->fn), f->fn);
}

tyl_array **tyl_lib_state(tyl_lib_call *f, const char *lib, int n, void (*init)(tyl_lib_call *, tyl_array **),
                          int init_grid, int again)
{
    if (init_grid > 0 && !tyl_dist_has_grid(init_grid))
        tyl_rt_error_all(f->fn, "the context has no %d-D process grid, which the library's module state is "
                         "distributed over: add it with tyl_ctx_add_grid (the header's _GRID_RANKS lists a "
                         "library's grids)", init_grid);
    lib_state *s = NULL;
    for (int i = 0; i < LIB_STATES && !s; i++)
        if (the_ctx.state[i].lib && !strcmp(the_ctx.state[i].lib, lib))
            s = &the_ctx.state[i];
    for (int i = 0; i < LIB_STATES && !s; i++)
        if (!the_ctx.state[i].lib) {
            s = &the_ctx.state[i];
            s->a = calloc((size_t)(n > 0 ? n : 1), sizeof *s->a);
            if (!s->a)
                tyl_rt_error(f->fn, "MemoryError: the library's state");
            s->lib = lib;
            s->n = n;
        }
    if (!s)
        tyl_rt_error_all(f->fn, "more than %d libraries keep state in this context", LIB_STATES);
    if (s->n != n)
        tyl_rt_error_all(f->fn, "internal error: two libraries named '%s' with different state", lib);
    if (init && (again || !s->ready)) {
        s->ready = 0; /* until init returns: a failed one is done again by the next call */
        init(f, s->a);
        s->ready = 1;
    }
    return s->a;
}

void tyl_lib_state_put(tyl_lib_call *f, tyl_array **slot, tyl_array *r, int dist, int halo)
{
    tyl_array *v;
    if (dist && !r->layout && tyl_dist_has_grid(r->rank)) {
        /* computed whole on every rank, read as a distributed array: this rank's block */
        tyl_array w;
        memset(&w, 0, sizeof w);
        w.rank = r->rank;
        for (int d = 0; d < r->rank; d++)
            w.hl[d] = w.hh[d] = halo;
        v = tyl_copy_l(r, intern_layout(&w, 0, f->fn), f->fn);
    } else if (!dist && r->layout) /* computed distributed, read whole: gathered once */
        v = lib_gather(r, f->fn);
    else
        tyl_lib_result(f, r, &v, halo);
    tyl_set(slot, v);
}

void tyl_lib_scalar(tyl_lib_call *f, tyl_array *r, tyl_dtype dt, void *out)
{
    if (!r || r->size != 1 || r->layout)
        tyl_rt_error(f->fn, "internal error: a scalar result is not a replicated array of one element");
    double v = 0;
    int64_t k = 0;
    union {
        double f64;
        float f32;
        int64_t i64;
        uint64_t u64;
        char c[8];
    } el; /* the element, copied from the device for a CUDA solver (waits for it) */
    tyl_mem_to_host(&el, r->data, tyl_dtype_size(r->dtype));
    const void *p = &el;
    switch (r->dtype) {
    case TYL_FLOAT64: v = *(const double *)p; k = (int64_t)v; break;
    case TYL_FLOAT32: v = *(const float *)p; k = (int64_t)v; break;
    case TYL_INT64: k = *(const int64_t *)p; v = (double)k; break;
    case TYL_INT32: k = *(const int32_t *)p; v = (double)k; break;
    case TYL_BOOL: k = *(const bool *)p; v = (double)k; break;
    case TYL_INT8: k = *(const int8_t *)p; v = (double)k; break;
    case TYL_UINT8: k = *(const uint8_t *)p; v = (double)k; break;
    case TYL_INT16: k = *(const int16_t *)p; v = (double)k; break;
    case TYL_UINT16: k = *(const uint16_t *)p; v = (double)k; break;
    case TYL_UINT32: k = *(const uint32_t *)p; v = (double)k; break;
    case TYL_UINT64: { /* an int64 result keeps the bits; a float result gets the value */
        uint64_t u = *(const uint64_t *)p;
        k = (int64_t)u;
        v = (double)u;
        break;
    }
    }
    if (!out)
        return;
    if (dt == TYL_FLOAT64)
        *(double *)out = v;
    else if (dt == TYL_INT64)
        *(int64_t *)out = k;
    else
        *(bool *)out = k != 0;
}

/* ---- checkpoints (runtime/elastic/tyl_ckpt.c's format) -------------------------------------- */

void tyl_ck_lib_write_(const char *dir, uint64_t hash, tyl_ck_var *vars, int n, int64_t step);
int64_t tyl_ck_lib_read_(const char *dir, uint64_t hash, tyl_ck_var *vars, int n);

/* The identity of a checkpoint written by tyl_ctx_checkpoint (a program's is refused). */
#define LIB_CK_HASH 0x74796c5f6c696231ull
enum { LIB_CK_MAX = 64 };

static void check_set(const char *fn, const char *dir, int n, tyl_array *const *arrays,
                      const char *const *names)
{
    if (!dir || !*dir)
        tyl_rt_error(fn, "no checkpoint folder given");
    if (n < 1 || n > LIB_CK_MAX || !arrays || !names)
        tyl_rt_error(fn, "%d arrays: give 1 to %d arrays and as many names", n, LIB_CK_MAX);
    for (int i = 0; i < n; i++) {
        const char *s = names[i];
        if (!s || !*s || strlen(s) > 60 || strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                      "0123456789_") != strlen(s))
            tyl_rt_error(fn, "name %d is not 1 to 60 letters, digits or '_'", i);
        for (int j = 0; j < i; j++)
            if (!strcmp(names[j], s))
                tyl_rt_error(fn, "the name '%s' is given twice", s);
        if (!arrays[i] || !tyl_rt_array_live_(arrays[i]))
            tyl_rt_error(fn, "array '%s' is not an array of this context", s);
    }
}

int tyl_ctx_checkpoint(tyl_ctx *ctx, const char *dir, int64_t step, int n, tyl_array *const *arrays,
                       const char *const *names)
{
    LIB_ENTER();
    check_ctx(ctx, "tyl_ctx_checkpoint");
    check_set("tyl_ctx_checkpoint", dir, n, arrays, names);
    /* the folder's name holds the step in 12 characters (ckpt-000-SSSSSSSSSSSS): a longer one
     * was written, then never found by tyl_ctx_restart */
    if (step < -99999999999LL || step > 999999999999LL)
        tyl_rt_error("tyl_ctx_checkpoint", "step %lld is out of range (-99999999999 to 999999999999)",
                     (long long)step);
    static tyl_ck_var vars[LIB_CK_MAX];
    static tyl_array *slot[LIB_CK_MAX];
    for (int i = 0; i < n; i++) {
        slot[i] = arrays[i];
        vars[i] = (tyl_ck_var){names[i], arrays[i]->dtype, arrays[i]->rank, arrays[i]->layout, &slot[i]};
    }
    tyl_ck_lib_write_(dir, LIB_CK_HASH, vars, n, step);
    return LIB_LEAVE();
}

int tyl_ctx_restart(tyl_ctx *ctx, const char *dir, int n, tyl_array *const *arrays, const char *const *names,
                    int64_t *step)
{
    LIB_ENTER();
    check_ctx(ctx, "tyl_ctx_restart");
    check_set("tyl_ctx_restart", dir, n, arrays, names);
    static tyl_ck_var vars[LIB_CK_MAX];
    static tyl_array *slot[LIB_CK_MAX];
    for (int i = 0; i < n; i++) {
        slot[i] = NULL;
        vars[i] = (tyl_ck_var){names[i], arrays[i]->dtype, arrays[i]->rank, arrays[i]->layout, &slot[i]};
    }
    int64_t k = tyl_ck_lib_read_(dir, LIB_CK_HASH, vars, n);
    if (k < 0)
        tyl_rt_error_all("tyl_ctx_restart", "no valid checkpoint in '%s'", dir);
    /* into the caller's arrays (their memory may be the caller's): the owned blocks */
    for (int i = 0; i < n; i++) {
        tyl_array *a = arrays[i], *s = slot[i];
        if (!s)
            tyl_rt_error_all("tyl_ctx_restart", "the checkpoint in '%s' holds no array '%s'", dir, names[i]);
        for (int d = 0; d < a->rank; d++)
            if (s->shape[d] != a->shape[d]) {
                char x[128], y[128];
                tyl_rt_error_all("tyl_ctx_restart", "the checkpoint's '%s' has shape %s, the array given has %s",
                                 names[i], tyl_rt_shape_str(x, s->rank, s->shape), tyl_rt_shape_str(y, a->rank, a->shape));
            }
        int64_t len[TYL_MAX_RANK], empty = 0;
        for (int d = 0; d < a->rank; d++) {
            len[d] = a->n[d];
            empty |= len[d] <= 0;
        }
        if (!empty)
            tyl_box_copy(a->data, a->stride, s->data, s->stride, a->rank, len, tyl_dtype_size(a->dtype));
        tyl_dirty(a);
        tyl_release(s);
        slot[i] = NULL;
    }
    if (step)
        *step = k;
    return LIB_LEAVE();
}
