/* tyles_lib.h: libtyles in library mode, the API an application calls around the solvers that
 * `tylesc --lib` exports (docs/LIBRARY.md).
 *
 * The application owns the process: it initialises and finalises MPI, and libtyles in this
 * mode never exits, aborts (see below), parses argv or installs a signal handler. Every call
 * returns TYL_OK or TYL_ERROR; tyl_ctx_error() gives the message ("WHERE: error: MESSAGE").
 *
 * Errors and ranks: an error that every rank reaches together (a shape that does not fit the
 * process grid, a failed assert on replicated scalars, an index out of bounds in replicated
 * code) returns TYL_ERROR on every rank and tyl_ctx_error_collective() says so (print it on
 * one rank); the context stays usable. An error on one rank only
 * (out of memory) returns TYL_ERROR on that rank alone, and the other ranks may be waiting for
 * it in a collective: treat it as fatal for the communicator (MPI_Abort). An error raised from
 * inside an OpenMP parallel region cannot return and ends the job as a program would.
 *
 * One context per process at a time; the run-time state behind it is the process's.
 *
 * Threads: every call comes from the thread that created the context (MPI funneled through
 * it); a call from another thread is refused with a message before it touches anything, and
 * two threads must never call at once. Call outside the application's OpenMP parallel regions:
 * inside one, a solver's own parallel loops get one thread (OpenMP's nesting).
 */
#ifndef TYLES_LIB_H
#define TYLES_LIB_H

#include "tyles.h"
#ifndef TYL_NO_MPI
#include <mpi.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

enum { TYL_OK = 0, TYL_ERROR = 1 };

/* Generated library code declares every module parameter in every function, read or not: this
 * keeps gcc, clang and nvcc quiet about the ones a function does not read. */
#define TYL_UNUSED __attribute__((unused))

typedef struct tyl_ctx tyl_ctx;

#ifdef TYL_NO_MPI
typedef int tyl_comm;
#define TYL_COMM_SELF 0
#else
typedef MPI_Comm tyl_comm;
#define TYL_COMM_SELF MPI_COMM_SELF
#endif

/* A context over the ranks of comm (duplicated: the caller keeps comm). grid_rank is the number
 * of dimensions of the process grid, which is the rank of the distributed arrays (a solver's
 * header names it, PROG_GRID_RANK); procs[grid_rank] gives the ranks per dimension, NULL lets
 * MPI_Dims_create choose. MPI must be initialised (MPI_THREAD_FUNNELED at least). On error *out
 * is NULL and the message is in tyl_ctx_error(NULL). Collective over comm. */
int tyl_ctx_create(tyl_comm comm, int grid_rank, const int *procs, tyl_ctx **out);
/* A context whose arrays live on a CUDA device, for solvers made with tylesc --lib
 * --target=cuda (link libtyles_cuda.a; libtyles.a refuses it). device: this rank's CUDA device
 * (the application chooses it; nothing is reset). stream: the cudaStream_t every call queues
 * its kernels and copies on, as void * so that this header needs no CUDA header (a cudaStream_t
 * converts to it); NULL is the legacy default stream (then time loops are not captured in CUDA
 * graphs). Calls return once their work is queued: they wait on the host only for what they
 * return to it (scalar results, tyl_array_copy_out), for halos that travel through MPI, and in
 * tyl_ctx_sync. Work of the application on other streams that a call reads or writes must be
 * ordered with it (an event). Inside each call the context's device is current; the caller's
 * current device is restored before it returns. A call must not be made while the stream is
 * being captured into a graph; the stream must outlive the context (tyl_ctx_destroy waits for
 * it). With libtyles_cuda.a, tyl_ctx_create uses the current device and the default stream.
 * Collective over comm. */
int tyl_ctx_create_cuda(tyl_comm comm, int grid_rank, const int *procs, int device, void *stream,
                        tyl_ctx **out);
/* A further process grid of grid_rank dimensions over the context's ranks (procs[grid_rank], NULL
 * lets MPI_Dims_create choose), for a library whose solvers distribute arrays of several ranks
 * (its header's PROG_GRID_RANKS): arrays of that rank made afterwards are distributed over it.
 * One grid per rank; adding an existing one with procs NULL does nothing. Collective. */
int tyl_ctx_add_grid(tyl_ctx *ctx, int grid_rank, const int *procs);
/* Frees every array made under the context (their handles become invalid; memory given to
 * tyl_array_wrap stays the caller's). MPI is left initialised. Collective. */
int tyl_ctx_destroy(tyl_ctx *ctx);
/* The last error's message, "" if none; ctx may be NULL (after a failed tyl_ctx_create). */
const char *tyl_ctx_error(const tyl_ctx *ctx);
/* 1 when every rank of the context got the last error together. */
int tyl_ctx_error_collective(const tyl_ctx *ctx);

/* This rank's part of a distributed array: the owned block of the global array, and where it
 * is in memory. An array whose rank equals the grid's is split in blocks over the grid (rank
 * at grid coordinate c of P owns [floor(c*n/P), floor((c+1)*n/P)) along each axis) with halo
 * layers around the block, as is one whose rank is that of a grid tyl_ctx_add_grid added; any
 * other array is replicated whole on every rank, without halo. */
typedef struct tyl_local {
    void *data;                          /* element at global index lo[] */
    int rank;
    tyl_dtype dtype;
    int64_t shape[TYL_MAX_RANK];         /* the global shape */
    int64_t lo[TYL_MAX_RANK];            /* owned block: global indices [lo, lo + n) */
    int64_t n[TYL_MAX_RANK];
    int64_t halo_lo[TYL_MAX_RANK];       /* halo layers allocated below and above the block */
    int64_t halo_hi[TYL_MAX_RANK];
    int64_t stride[TYL_MAX_RANK];        /* in elements; the last dimension's is 1 */
    void *base;                          /* the local allocation (first halo element) */
    size_t bytes;                        /* its size */
    int device;                          /* -1: host memory; else the CUDA device data is on */
} tyl_local;

/* The layout an array of this shape and halo width (halo[d] layers each side, NULL: none)
 * gets on this rank, data and base NULL: how many bytes to allocate for tyl_array_wrap. */
int tyl_ctx_layout(tyl_ctx *ctx, tyl_dtype dt, int rank, const int64_t *shape, const int *halo,
                   tyl_local *out);
/* A new array, zero-filled (halo included). */
int tyl_array_create(tyl_ctx *ctx, tyl_dtype dt, int rank, const int64_t *shape, const int *halo,
                     tyl_array **out);
/* An array over memory the caller owns: base is the local allocation laid out as
 * tyl_ctx_layout says (bytes at least its size); the contents are kept. */
int tyl_array_wrap(tyl_ctx *ctx, tyl_dtype dt, int rank, const int64_t *shape, const int *halo,
                   void *base, size_t bytes, tyl_array **out);
int tyl_array_local(const tyl_array *a, tyl_local *out);
/* The caller changed the owned block: the halos no longer hold the neighbours' values. */
void tyl_array_modified(tyl_array *a);
/* Bring every halo layer of a up to date from the neighbours (non-periodic: the layers beyond
 * the global edges are left as they are). Collective. */
int tyl_array_exchange(tyl_ctx *ctx, tyl_array *a);
/* Release the array (the memory too unless it was wrapped). NULL is fine. */
void tyl_array_destroy(tyl_array *a);
/* Copy this rank's owned block (n[0] x ... elements as tyl_array_local gives them, C order, no
 * halo) from (copy_in) or to (copy_out) host memory, for host and device arrays alike. The
 * copy is complete when the call returns (it waits for the stream: the calls queued before it
 * have run); copy_in marks the halos stale. */
int tyl_array_copy_in(tyl_ctx *ctx, tyl_array *a, const void *host);
int tyl_array_copy_out(tyl_ctx *ctx, const tyl_array *a, void *host);
/* Wait until every call queued on the context has run (cudaStreamSynchronize of its stream;
 * nothing to wait for on the host). */
int tyl_ctx_sync(tyl_ctx *ctx);

/* Checkpoint and restart, when the application asks (nothing is taken on signals in library
 * mode). tyl_ctx_checkpoint writes arrays[0..n) under names[0..n) (letters, digits, '_') with
 * the application's step number into the folder dir, in the format of a program's checkpoints
 * (docs/ELASTIC.md: one global .npy per array, a MANIFEST with CRC32C checksums, written under a
 * temporary name and renamed; the newest two are kept). tyl_ctx_restart reads the newest valid
 * checkpoint of dir (checking every checksum, falling back to the previous one) into the
 * caller's arrays, which have the same names, dtypes and shapes, on any number of ranks and any
 * halo widths; *step is the number it was written with. Collective. */
int tyl_ctx_checkpoint(tyl_ctx *ctx, const char *dir, int64_t step, int n, tyl_array *const *arrays,
                       const char *const *names);
int tyl_ctx_restart(tyl_ctx *ctx, const char *dir, int n, tyl_array *const *arrays,
                    const char *const *names, int64_t *step);

/* For the Fortran module tyles_lib.f90 (which reverses axes: Fortran sees a C array of shape
 * (a, b) as (b, a)): a communicator given as MPI_Fint, and tyl_local's parts as arrays. */
int tyl_ctx_create_f(int fcomm, int grid_rank, const int *procs, tyl_ctx **out);
int tyl_ctx_create_cuda_f(int fcomm, int grid_rank, const int *procs, int device, void *stream, tyl_ctx **out);
int tyl_array_info_f(const tyl_array *a, int rank, void **base, int64_t *shape, int64_t *lo,
                     int64_t *n, int64_t *halo_lo, int64_t *halo_hi);
int tyl_ctx_layout_f(tyl_ctx *ctx, tyl_dtype dt, int rank, const int64_t *shape, const int *halo,
                     int64_t *lo, int64_t *n, size_t *bytes);

/* ---- for the code tylesc --lib generates (not called by applications) ----------------------
 *
 * An exported solver runs as
 *
 *     tyl_lib_call f;
 *     tyl_lib_init(&f, ctx, "prog_step");
 *     if (setjmp(f.jb))
 *         return tyl_lib_fail(&f);          (a run-time error: undone, TYL_ERROR)
 *     if (tyl_lib_begin(&f, PROG_GRID_RANK) != TYL_OK)
 *         return TYL_ERROR;              (not a live context, another grid rank)
 *     body(&f, ...);                          (tyl_lib_arg, tyl_lib_writeback, tyl_lib_result)
 *     return tyl_lib_end(&f);
 *
 * so that a run-time error inside returns TYL_ERROR with tyl_ctx_error() set. The frame's own
 * fields live in memory (its address is taken), which longjmp leaves intact. */
enum { TYL_LIB_MAX_ARGS = 64 }; /* parameters and state (tylesc's LIB_MAX_CALL) */
typedef struct tyl_lib_call {
    jmp_buf jb;
    void *prev;                                   /* the enclosing API call's catch */
    tyl_ctx *ctx;
    const char *fn;                               /* "prog_step", for messages */
    tyl_array *arg[TYL_LIB_MAX_ARGS];             /* the caller's arrays, by parameter */
    const char *name[TYL_LIB_MAX_ARGS];           /* their names, for messages */
    const tyl_layout *saved[TYL_LIB_MAX_ARGS];    /* their layouts before the call */
} tyl_lib_call;
void tyl_lib_init(tyl_lib_call *f, tyl_ctx *ctx, const char *fn);
int tyl_lib_begin(tyl_lib_call *f, int grid_rank);
int tyl_lib_fail(tyl_lib_call *f);
int tyl_lib_end(tyl_lib_call *f);
/* Parameter i: the caller's array a checked against what the solver was compiled for (dtype,
 * rank, at least its halo: L, NULL for a replicated one; halo_name names the header's macro;
 * the shape of parameter same_as when that is not -1) and bound to *slot; its layout is the
 * solver's (periodic axes) for the call. Module state goes in the same way, i past the
 * parameters, named "@NAME". */
void tyl_lib_arg(tyl_lib_call *f, int i, tyl_array *a, const char *name, tyl_dtype dt, int rank,
                 const tyl_layout *L, const char *halo_name, int same_as, tyl_array **slot);
/* Module state read whole by this function and kept distributed (another function reads it as
 * a stencil): *slot gets a gathered copy; tyl_lib_writeback puts its changes back. */
void tyl_lib_state_whole(tyl_lib_call *f, int i, tyl_array *a, const char *name, tyl_array **slot);
/* The end of the call: the value of parameter i is `last` (the solver may have moved it into
 * another buffer): the caller's array gets it. */
void tyl_lib_writeback(tyl_lib_call *f, int i, tyl_array *last);
/* Result arrays: a new reference the caller releases with tyl_array_destroy; a distributed one
 * has at least `halo` layers (the library's widest, PREFIX_HALO), so that it can be passed to
 * any of the library's functions. */
void tyl_lib_result(tyl_lib_call *f, tyl_array *r, tyl_array **out, int halo);
/* Scalar results: element 0 of r (replicated), converted to dt, into *out. */
void tyl_lib_scalar(tyl_lib_call *f, tyl_array *r, tyl_dtype dt, void *out);
/* The module state of library `lib` (n arrays, numbers as arrays of one) kept by the context:
 * computed by init (the library's PREFIX_init body) when not yet, or when `again`; init NULL
 * only looks; init_grid is the grid rank init distributes over (checked). The state is given to the function's body like arguments (tyl_lib_arg, index
 * past the parameters). */
tyl_array **tyl_lib_state(tyl_lib_call *f, const char *lib, int n, void (*init)(tyl_lib_call *, tyl_array **),
                          int init_grid, int again);
/* init's end: *slot becomes r, distributed (dist) when the library's functions read it so, with
 * at least `halo` layers. */
void tyl_lib_state_put(tyl_lib_call *f, tyl_array **slot, tyl_array *r, int dist, int halo);

#ifdef __cplusplus
}
#endif
#endif
