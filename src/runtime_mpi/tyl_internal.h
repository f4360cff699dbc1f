/* tyl_internal.h: state shared between the libtyles source files (not part of the public API). */
#ifndef TYL_INTERNAL_H
#define TYL_INTERNAL_H

#include "tyles.h"

extern int tyl_rt_rank_;          /* MPI rank of this process (0 before tyl_rt_init) */

/* The process's run-time state: set up by tyl_rt_init (tyl_prog.c, program mode) or
 * tyl_ctx_create (tyl_lib.c, library mode), used by errors (tyl_rt_error.c), arrays (tyl_rt.c)
 * and the end of the run (tyl_rt_end.c). */
typedef struct tyl_rt_state {
    tyl_param *params;         /* program mode: the --NAME=VALUE parameters */
    int nparams;
    int size;                  /* ranks in the job */
    const char *prog, *source; /* program name and .tyl file, for messages */
    bool time;                 /* --time */
    double t0;                 /* MPI_Wtime at the start of the program body */
    bool we_initialized_mpi;   /* finalize MPI ourselves (program mode only) */
    bool singleton;            /* Open MPI started us without a launcher (./prog): tyl_rt_finalize */
    int grid_rank;             /* set by the generated code before tyl_rt_init */
    bool grid_tiled;           /* tyl_rt_set_grid_tiled: the default grid (tyl_dist.c dims_default) */
    const char *procs;         /* --procs=PxQ[xR] */
    bool no_overlap;           /* --no-overlap */
    /* Library mode: errors return here instead of exiting (see tyl_lib.c). */
    bool lib;
    jmp_buf *lib_catch;        /* the innermost API call in progress, NULL outside one */
    char lib_msg[2048];        /* the last error's message */
    int lib_collective;        /* 1 when every rank reached the last error together */
} tyl_rt_state;
extern tyl_rt_state tyl_rt_;
bool tyl_rt_mpi_active_(void);
/* tyl_mpipin.c: one more reference to every Open MPI component loaded (mca_*.so), so that
 * MPI_Finalize leaves their code mapped; the number pinned (0 without them). */
int tyl_mpi_pin_components_(void);
/* tyl_rt_error.c: which of the ranks raising a run-time error prints it, and how the job ends.
 * tyl_rt_error_agree_ returns TYL_ERR_SAY (print it) and/or TYL_ERR_ALL (every rank raised one:
 * finish MPI and exit, no abort); collective over the ranks that raise one. Then the rank that
 * printed (not ALL) calls tyl_rt_error_said_ before MPI_Abort, the others tyl_rt_error_linger_. */
enum { TYL_ERR_SAY = 1, TYL_ERR_ALL = 2 };
int tyl_rt_error_agree_(void);
void tyl_rt_error_said_(void);
void tyl_rt_error_linger_(void);
/* tyl_rt.c, for library mode: an array whose layout is a copy of *own (kept in the array), over
 * memory mem of bytes that the application owns when mem is not NULL (never freed here). */
tyl_array *tyl_alloc_own_(tyl_dtype dt, int rank, const int64_t *shape, int init,
                          const tyl_layout *own, void *mem, size_t bytes, const char *where);

/* tyl_rt.c: NumPy's refusals of a shape (a negative extent, more bytes than an address space
 * holds), before any layout arithmetic that could overflow (tyl_ctx_layout's too); the size. */
int64_t tyl_rt_check_shape_(tyl_dtype dt, int rank, const int64_t *shape, const char *where);
/* tyl_rt.c, for library mode: a is an array of the running context (on the live list). */
bool tyl_rt_array_live_(const tyl_array *a);

/* tyl_argv.c, for tyl_prog.c's options: may positional arguments be given, keep one */
bool tyl_argv_accepting_(void);
void tyl_argv_push_(const char *arg);

/* Discard any partially assembled print line (tyl_print.c); used by tyl_rt_finalize. */
void tyl_print_reset_(void);
/* tyl_print.c: file k open() opened (tyl_file_open, tyl_os.c): rank 0's stream, NULL on the
 * others; 1 when k is out of range */
int tyl_print_file_opened_(int k, FILE *f);
void tyl_files_close_(void);    /* tyl_print.c: the files still open, closed at the end */
/* tyl_os.c: Python's OSError subclass for errno e ("FileNotFoundError") */
const char *tyl_os_error_name_(int e);
/* tyl_argv.c: Python's repr(s) into buf[n] (cut short where it does not fit) */
const char *tyl_py_repr_(const char *s, char *buf, size_t n);
/* tyl_textread.c: the bytes of the Python whitespace character (str.isspace(), Unicode's too:
 * U+00A0, U+2003, ...) at s, or ending at e after start; 0 where there is none */
int tyl_py_space_(const char *s);
int tyl_py_space_before_(const char *start, const char *e);
/* tyl_textread.c: the text files and splits still held, freed at the end */
void tyl_text_free_(void);
void tyl_sdict_free_(void); /* tyl_sdict.c: the dicts, freed at the end */
/* The text tyl_print_array prints (malloc'd) on rank 0, NULL elsewhere; collective. */
char *tyl_print_array_text_(const tyl_array *a, int repr);

/* tyl_reduce.c: r's float sum in NumPy's order (r->parts == TYL_PARTS_EXACT): q0 holds the
 * operands at the block's origin b (extents nb) of the box x; bx: every rank's origin and
 * extents (tyl_sweep.c rank_boxes; NULL on one rank); direct: the array of a direct read's view
 * (NULL: the sum of an expression); collective when r->anchor. */
void tyl_reduce_exact_(const tyl_reduction *r, const tyl_part *q0, const int64_t *x, const int64_t *b,
                       const int64_t *nb, const int64_t *bx, const size_t *opsize, const tyl_array *direct,
                       void *result);
/* tyl_reduce_share.c: the points of the pairwise leaves an exact sum's ranks share, each sent
 * to the one rank that sums its leaf. A run of n values (el bytes each) at [at, at + n) of a
 * buffer, sent to or received from rank peer. */
typedef struct tyl_share_run {
    int64_t at, n;
    int peer;
} tyl_share_run;
/* Send the runs send[0, nsend) of sv and receive the runs recv[0, nrecv) into lv; a peer's
 * runs travel in one message, in the order they are listed on both sides (ascending points);
 * point to point, no collective. */
void tyl_share_exchange_(const char *where, size_t el, const char *sv, const tyl_share_run *send, int64_t nsend,
                         char *lv, const tyl_share_run *recv, int64_t nrecv);
/* tyl_ranks.c: every rank's `bytes` of data, concatenated in rank order (malloc'd, *total
 * bytes); collective. */
void *tyl_reduce_gather_(const void *data, size_t bytes, size_t *total);
/* The same, or, where the ranks' bytes come to more than 64 KiB, on rank 0 only (*root_only
 * set; NULL and *total 0 elsewhere), which broadcasts what it computes with tyl_reduce_bcast_;
 * both collective. */
void *tyl_reduce_gather_some_(const void *data, size_t bytes, size_t *total, int *root_only);
void tyl_reduce_bcast_(void *v, size_t bytes);
/* tyl_reduce.c: the row sums kept since tyl_rows_begin stored now, and the rows after kept
 * again: before a checkpoint or a rescale captures the arrays (collective, as those are). */
void tyl_rows_flush_(void);

/* tyl_ttstate.c: 1 while a time-tiled group runs (tyl_timetile.c's tyl_tt_run: its kernels run
 * on tiles, in the order its tiles were planned for: tyl_mem_block_rows leaves them unblocked). */
extern int tyl_tt_running_;
/* tyl_env.c: a core's L2 in bytes (TYLES_TT_L2 where set), 0 when unknown; its L1 data cache
 * (TYLES_TT_L1 where set, 32 KiB when unknown). */
size_t tyl_l2_bytes_(void);
size_t tyl_l1_bytes_(void);

/* tyl_env.c: the number in variable name as tyl_env_check_ accepts it, dflt when it is unset,
 * empty or not accepted. */
int64_t tyl_env_num_(const char *name, int64_t dflt);
/* TYLES_FAULT_THREAD_OOM=1 (tests): OpenMP thread 1 of every parallel sweep (tyl_omp_rows)
 * stops as out of memory would, a run-time error raised inside a parallel region. */
extern int tyl_fault_thread_oom_;

/* tyl_job.c: the grid's number of ranks and this rank's number on it, set by tyl_dist.c's
 * tyl_dist_setup and tyl_dist_regrid (tyl_rt_nranks and tyl_dist_self_ read them). */
extern int tyl_job_size_, tyl_job_self_;

/* tyl_dist.c */
void tyl_dist_setup(int grid_rank, const char *procs, int size, int me, int overlap,
                    void (*fail)(const char *msg));
void tyl_dist_finalize(void);
/* --stats: the OpenMP threads were chosen for the node (ranks on it, its CPUs), tyl_prog.c */
void tyl_dist_threads_note_(int ranks, long cpus);
void tyl_dist_regrid(int size, int me);
void tyl_dist_dims_for(int size, int *dims);
void tyl_dist_owned_on(const tyl_layout *L, const int64_t *shape, const int *dims, int r, int64_t *lo, int64_t *n);
int tyl_dist_block_at(const tyl_array *a, int d, int c, int64_t *lo, int64_t *hi);
void tyl_dist_block_of_rank(const tyl_array *a, int q, int64_t *lo, int64_t *hi);
int tyl_rt_grid_rank(void);
/* Library mode: a further process grid of G dimensions over the same ranks (procs[G], NULL:
 * MPI_Dims_create), for distributed arrays of rank G; and whether there is a grid for rank G. */
void tyl_dist_add_grid(int G, const int *procs, void (*fail)(const char *msg));
int tyl_dist_has_grid(int G);
int tyl_dist_has_grid_for(const tyl_layout *L, int r);
/* A replicated copy of distributed array a: every rank's block on every rank. Collective. */
tyl_array *tyl_dist_whole(const tyl_array *a, const char *where);
/* The same for the box [lo, lo + n) of a (a replicated array of shape n, whose element i is
 * a's lo + i). Collective. */
tyl_array *tyl_dist_box(const tyl_array *a, const int64_t *lo, const int64_t *n, const char *where);
const int *tyl_rt_grid_dims(void);
/* --stats: the summary on rank 0 (collective: every rank calls it); tt_counts: the kinds of
 * time-tiled group timed both ways, run as plain sweeps, against the model (tyl_ttchoice.c's
 * tyl_tt_choice_counts_, which tyl_rt_end.c asks: this file stands below time tiling). */
void tyl_dist_report(double total_seconds, const char *transport, const int64_t tt_counts[3]);
/* The grid as tyl_halo.c plans exchanges on it: the grid an array of rank r laid out as L lies
 * on (P ranks per axis, this rank at me), the coordinates c of rank r in a grid P of G axes, the
 * owned range [lo, hi) of coordinate c of P along axis d of extent n, and this rank's number. */
void tyl_dist_grid_of_(const tyl_layout *L, int r, int *P, int *me);
void tyl_dist_coords_in_(const int *P, int G, int r, int *c);
void tyl_dist_block_l_(const tyl_layout *L, int d, int64_t n, int c, int P, int64_t *lo, int64_t *hi);
/* tyl_job.c: this rank's number on the process grid (tyl_job_self_). */
int tyl_dist_self_(void);
/* Offset (elements) of global index g inside a's local allocation, from data. */
static inline int64_t tyl_loc_off_(const tyl_array *a, const int64_t *g)
{
    int64_t o = 0;
    for (int d = 0; d < a->rank; d++)
        o += (g[d] - a->lo[d]) * a->stride[d];
    return o;
}

/* tyl_fft.c, tyl_fft_dist.c: the transforms (tyl_fft's n, nout, flags) of the lines along
 * `axis` of a box of D data dimensions (ext; ext[axis] unused) held at in and out, at strides
 * sin and sout (doubles; the parts of complex data side by side, the imaginary one at +1), m
 * points given a line; and a distributed array's transforms (collective). */
typedef struct tyl_fft_box_ {
    int D, axis;
    int64_t ext[TYL_MAX_RANK], m;
    const double *in;
    double *out;
    int64_t sin[TYL_MAX_RANK], sout[TYL_MAX_RANK];
} tyl_fft_box_;
void tyl_fft_lines_(const tyl_fft_box_ *bx, int64_t n, int64_t nout, int flags, const char *where);

/* tyl_halo.c: drops the exchange in flight (a ULFM recovery longjmps out of one), the cached
 * exchange plans, which belong to the grid about to be released (tyl_dist_finalize), and the
 * transport (tyl_xchg_finalize). tyl_halo_regrid_: all of that, the grid rebuilt for `size`
 * ranks (tyl_dist_regrid) and the transport set up again (an in-process rescale). */
void tyl_halo_finalize_(void);
void tyl_halo_regrid_(int size, int me);
/* tyl_looptime.c: the clocks of time loop `loop` as it starts (leaving 0) and ends (leaving 1),
 * marked by runtime/elastic's tyl_ck_enter and tyl_ck_leave; --stats' lines for them (collective). */
void tyl_loop_mark_(int loop, int leaving);
void tyl_loop_report_(void);
/* ... and, as it ends, its step boundaries and the ones the ranks agreed at (tyl_agree.c). */
void tyl_loop_steps_(int loop, int64_t boundaries, int64_t agreements);
extern bool tyl_rt_stats_, tyl_rt_progress_;

/* tyl_npy.c: np.load into an array laid out as L says (NULL: replicated); collective.
 * (Until tyles.h declares it.) */
/* tyl_npy.c: the .npy header np.save writes for a (hdr: 512 bytes); returns its length. */
size_t tyl_npy_header_(char *hdr, const tyl_array *a);
/* np.save that replaces a symbolic link at filename instead of writing its target (checkpoints) */
void tyl_save_npy_nofollow_(const char *filename, const tyl_array *a, const char *where);
tyl_array *tyl_load_npy_l(const char *filename, tyl_dtype dt, int rank, const tyl_layout *L,
                          const char *where);

/* tyl_sweep.c, for tyl_timetile.c: a sweep's local box on this rank, and the kernel run over
 * the sub-box [o, o + n) of it (box indices) and nothing else: no exchange, scratch or marks. */
void tyl_sweep_box_(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, int64_t *b, int64_t *nb);
/* tyl_sweep_run of a recorded sweep: x is already in full (the rows of sw->xs included, as
 * the recorder copied them), so it is not expanded again. */
void tyl_sweep_run_full_(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, const void *const *sc);
void tyl_sweep_part_(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, const void *const *sc,
                     const int64_t *o, const int64_t *n);

/* tyl_sweep.c: while a time-tiled group of steps is recorded (set by tyl_timetile.c's
 * tyl_tt_go, cleared by tyl_tt_run; NULL otherwise), tyl_sweep_run hands its sweep to
 * recorder->sweep and tyl_rotate its copy (dst outside [lo, lo + len) from src) to
 * recorder->copy, instead of running them: the group runs later, over tiles. */
typedef struct tyl_sweep_recorder {
    void (*sweep)(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, const void *const *sc);
    void (*copy)(tyl_array *dst, tyl_array *src, const int64_t *lo, const int64_t *len);
} tyl_sweep_recorder;
extern const tyl_sweep_recorder *tyl_sweep_recorder_;
/* tyl_halo.c: the exchange before a group on deep halos: tyl_halo_begin at the deep layouts'
 * full width, except that the points of arrs[i] in the box [skip[i].lo, skip[i].hi) of global
 * indices (none where it is empty; skip NULL: all travel) stay behind, and the zones of such an
 * array are not marked current. The same boxes on every rank. */
typedef struct tyl_xskip {
    int64_t lo[TYL_MAX_RANK], hi[TYL_MAX_RANK];
} tyl_xskip;
tyl_halo *tyl_halo_begin_deep_(tyl_array **arrs, const uint64_t *masks, int words, int narr, const tyl_xskip *skip);
/* tyl_halo.c: tyl_halo_begin for an exchange the caller ends (tyl_halo_end) before it writes any
 * of the arrays: its large contiguous pieces travel from the arrays themselves, unpacked
 * (direct_bytes), as the deep exchange's do. */
tyl_halo *tyl_halo_begin_now_(tyl_array **arrs, const uint64_t *masks, int words, int narr);
/* tyl_ttplan.c: TYLES_TIME_TILE turns time tiling off in this run, or on (no plain sweeps). */
int tyl_tt_env_off_(void);
int tyl_tt_env_on_(void);
/* tyl_ttchoice.c: forget the measured choices (where the communicator changes); the kinds of
 * group measured, how many chose plain sweeps, how many against the model (--stats). */
void tyl_tt_choice_reset_(void);
void tyl_tt_choice_counts_(int64_t *measured, int64_t *plain, int64_t *against_model);
/* tyl_pfchoice.c: software prefetch or none for a plain sweep (sweep_run), timed by the run.
 * begin before the sweep's kernel calls (box_points: its global box; elem_bytes: its first
 * target's element), end after them with their seconds by tyl_pf_clock_. tyl_pf_off_ (defined
 * in tyl_pfstate.c: the run-time library has no circle of calls, tests/unit/layers.sh): the sweep in progress prefetches nothing; tyl_pf_asked_: one of
 * tyl_mem_host.c's prefetch answers would have prefetched. reset where the communicator changes; counts for --stats. */
typedef struct tyl_pf_trial {
    struct tyl_pf_kind *k; /* NULL: nothing timed */
    int way;               /* -1 untimed, 0 with, 1 without */
} tyl_pf_trial;
extern int tyl_pf_off_;
extern _Atomic int tyl_pf_asked_;
tyl_pf_trial tyl_pf_choice_begin_(const tyl_sweep *sw, int64_t box_points, int elem_bytes);
void tyl_pf_choice_end_(tyl_pf_trial *tr, double seconds);
double tyl_pf_clock_(void); /* the calling thread's CPU seconds */
void tyl_pf_choice_reset_(void);
void tyl_pf_choice_counts_(int64_t *timed, int64_t *off);
/* tyl_ttplan.c: whether the rows of a 3-D array of elements wider than 4 bytes laid out for a
 * time-tiled loop are padded (tyl_dist.c): its group would run plain sweeps (bytes, its
 * allocation; line_bytes, its owned line), or time tiling is off. */
int tyl_tt_pad_wide_(size_t bytes, int64_t line_bytes);
/* tyl_sweep.c: tyl_copy_outside restricted to the window [wlo, whi) (global indices). */
void tyl_copy_outside_win_(tyl_array *dst, const tyl_array *src, const int64_t *lo, const int64_t *len,
                           const int64_t *wlo, const int64_t *whi);

/* Run-time options of the elastic layer (parsed by tyl_prog.c, used by runtime/elastic). */
typedef struct tyl_ck_opts {
    int64_t every;             /* --checkpoint-every=K (0: only on signals) */
    const char *dir;           /* --checkpoint-dir=DIR (NULL: PROG.ckpt) */
    int restart;               /* --restart[=DIR] */
    const char *restart_dir;   /* its DIR (NULL: the checkpoint folder) */
    const char *prog;          /* program name, for messages and the default folder */
    char *exe;                 /* this executable (/proc/self/exe), for MPI_Comm_spawn */
    char **argv;               /* the command line, NULL-terminated */
} tyl_ck_opts;
extern tyl_ck_opts tyl_ck_opts_;
/* NumPy's name of a dtype ("float64"); tyl_rt_error.c. */
const char *tyl_dtype_name_(tyl_dtype t);
/* The program's parameters as tyl_rt_init received them. */
tyl_param *tyl_rt_params_(int *n);
/* tyl_rt_end.c: this process's rank and the job's size changed (in-process rescale). */
void tyl_rt_set_size_(int rank, int size);
/* tyl_rt_end.c: a rank that leaves a shrinking job: release everything, finish MPI, exit 0. */
TYL_NORETURN void tyl_rt_leave_(void);
/* tyl_rt_end.c: release everything, finish MPI and exit with status (every rank of the job). */
TYL_NORETURN void tyl_rt_exit_(int status);
/* tyl_rt.c: free every array, referenced or pooled (the end: tyl_rt_end.c). */
void tyl_rt_free_blocks_(void);
/* The elastic layer (runtime/elastic) stands above the core and calls into it; the core calls
 * nothing of it. What it needs done at the end of a run is plugged in here by those above both,
 * tyl_rt_init (tyl_prog.c) for a program and tyl_ctx_create (tyl_lib.c) for a library, and what
 * the core needs to know of it is set by it. tyl_rt_finalize calls each hook that is set. */
typedef struct tyl_rt_elastic {
    void (*end_checkpoints)(void);     /* tyl_ck_finalize_: its communicator, the "done" event */
    void (*before_mpi_finalize)(void); /* tyl_rs_before_finalize_: SIGPIPE after a spawn */
    int (*recovered_in_place)(void);   /* tyl_ulfm_recovered_: MPI_Finalize may then hang */
    int spawned;                       /* set by tyl_rs_world_: spawned to grow the job */
} tyl_rt_elastic;
extern tyl_rt_elastic tyl_rt_elastic_;
/* runtime/elastic/tyl_event.c: append "TIME EVENT fmt..." to $TYLES_EVENT_LOG (rank 0 only,
 * unless any_rank). */
void tyl_event(int any_rank, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
double tyl_wall_(void);
/* tyl_random.c: the Generator's ziggurat tables (level, scale and density, double and float),
 * for tests/unit/test_random.c to compare with NumPy's */
void tyl_random_zig_tables(const uint64_t **k, const double **w, const double **f,
                           const uint32_t **kf, const float **wf, const float **ff);

#endif
