/* tyl_rt.c: libtyles program services: set-up and options, errors, arrays and their pool,
 * Python scalar pow. Printing is in tyl_print.c, .npy output in tyl_npy.c. */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700
#include "tyl_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "tyl_mem.h"
#include "tyl_mpi.h"

/* ---- program state ------------------------------------------------------------------------ */

int tyl_rt_rank_ = 0;
MPI_Comm tyl_rt_comm_ = MPI_COMM_WORLD;
tyl_ck_opts tyl_ck_opts_;
static tyl_param *rt_params;
static int rt_nparams;
static int rt_size = 1;
static const char *rt_prog = "tyles";
static const char *rt_source = "?";
static bool rt_time = false;
static double rt_t0;
static bool rt_we_initialized_mpi = false;
static int rt_grid_rank = 0;        /* set by the generated code before tyl_rt_init */
static const char *rt_procs = NULL; /* --procs=PxQ[xR] */
static bool rt_no_overlap = false;  /* --no-overlap */
bool tyl_rt_stats_ = false;         /* --stats */
bool tyl_rt_progress_ = false;      /* --progress */

void tyl_rt_set_grid(int grid_rank) { rt_grid_rank = grid_rank; }

/* ---- signals before the checkpoint layer's handlers --------------------------------------- */

/* SIGUSR1 asks for a checkpoint or an in-process rescale (tyl_ckpt.c installs the handler in
 * tyl_ck_setup). mpirun forwards it to every process of the job, including processes being
 * spawned by a grow, which spend most of a second in MPI_Init before that handler exists: by
 * default SIGUSR1 would kill them (status 138) and with them the job. Ignored from before
 * main(); a request lost this way is not lost for the job, as the parents take it at their
 * next step boundary and rank 0 also reads a rescale request from the RESCALE file. */
__attribute__((constructor)) static void tyl_rt_early_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
}

static bool mpi_active(void)
{
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    if (!init)
        return false;
    MPI_Finalized(&fin);
    return !fin;
}

/* ---- errors ------------------------------------------------------------------------------- */

static atomic_int rt_error_entered;

/* "PROG: WHERE: error: MESSAGE" (or "PROG: error: MESSAGE") on stderr, after stdout. */
static void print_error(const char *where, const char *fmt, va_list ap)
{
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    fflush(stdout);
    if (where && *where)
        fprintf(stderr, "%s: %s: error: %s\n", rt_prog, where, msg);
    else
        fprintf(stderr, "%s: error: %s\n", rt_prog, msg);
    fflush(stderr);
}

_Noreturn void tyl_rt_error(const char *where, const char *fmt, ...)
{
    /* Several OpenMP threads may fail at once: the first reports, the others wait for exit. */
    if (atomic_exchange(&rt_error_entered, 1)) {
        for (;;)
            pause();
    }
    va_list ap;
    va_start(ap, fmt);
    print_error(where, fmt, ap);
    va_end(ap);
    if (mpi_active()) {
        if (rt_size > 1)
            MPI_Abort(MPI_COMM_WORLD, 1);
        /* MPI_Finalize must come from the main thread (MPI_THREAD_FUNNELED). */
        if (!omp_in_parallel() && rt_we_initialized_mpi)
            MPI_Finalize();
    }
    exit(1);
}

/* A run-time error that every rank reaches together (the ranks agreed on it, as tyl_npy.c does):
 * rank 0 prints it once in tyl_rt_error's format, then every rank finishes MPI and exits 1, so
 * there is no MPI_Abort and no rank is left waiting. Call it from the main thread. */
_Noreturn void tyl_rt_error_all(const char *where, const char *fmt, ...)
{
    fflush(stdout);
    if (tyl_rt_rank_ == 0) {
        va_list ap;
        va_start(ap, fmt);
        print_error(where, fmt, ap);
        va_end(ap);
    }
    fflush(stderr);
    if (mpi_active() && rt_we_initialized_mpi && !omp_in_parallel())
        MPI_Finalize();
    exit(1);
}

/* ---- options ------------------------------------------------------------------------------ */

/* Finish MPI (when we started it) and exit: every rank takes the same path, so this cannot hang. */
static _Noreturn void init_exit(int status)
{
    fflush(stdout);
    fflush(stderr);
    if (mpi_active() && rt_we_initialized_mpi)
        MPI_Finalize();
    exit(status);
}

static _Noreturn void opt_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void opt_error(const char *fmt, ...)
{
    if (tyl_rt_rank_ == 0) {
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        fprintf(stderr, "%s: error: %s\n", rt_prog, msg);
    }
    init_exit(2);
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
}

/* Python int literal syntax (as int(s, 0), but leading zeros are allowed in decimal):
 * [+-] ( digits | 0x hexdigits | 0o octdigits | 0b bindigits ), single '_' between digits
 * (and after the base prefix). Returns 0 on success, 1 if malformed, 2 if out of int64 range. */
static int parse_py_int(const char *s, int64_t *out)
{
    bool neg = false;
    if (*s == '+' || *s == '-')
        neg = (*s++ == '-');
    int base = 10;
    if (s[0] == '0' && s[1]) {
        char c = s[1];
        if (c == 'x' || c == 'X') base = 16;
        else if (c == 'o' || c == 'O') base = 8;
        else if (c == 'b' || c == 'B') base = 2;
        if (base != 10) {
            s += 2;
            if (*s == '_')
                s++;
        }
    }
    if (!*s)
        return 1;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    bool overflow = false, prev_digit = false;
    for (; *s; s++) {
        if (*s == '_') {
            if (!prev_digit || !s[1] || s[1] == '_')
                return 1;
            prev_digit = false;
            continue;
        }
        int d = digit_value(*s);
        if (d >= base)
            return 1;
        prev_digit = true;
        if (v > (limit - (uint64_t)d) / (uint64_t)base)
            overflow = true;
        else
            v = v * (uint64_t)base + (uint64_t)d;
    }
    if (overflow)
        return 2;
    *out = neg ? (int64_t)(0u - v) : (int64_t)v;
    return 0;
}

static int parse_float(const char *s, double *out)
{
    if (!*s)
        return 1;
    char *end;
    double v = strtod(s, &end);
    if (*end)
        return 1;
    *out = v; /* overflow gives inf, as float('1e999') does */
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    if (!strcmp(s, "True") || !strcmp(s, "true") || !strcmp(s, "1")) { *out = true; return 0; }
    if (!strcmp(s, "False") || !strcmp(s, "false") || !strcmp(s, "0")) { *out = false; return 0; }
    return 1;
}

static const char *type_word(tyl_dtype t)
{
    return t == TYL_INT64 ? "INT" : t == TYL_BOOL ? "BOOL" : "FLOAT";
}

static void format_value(char *buf, size_t n, const tyl_param *p)
{
    switch (p->type) {
    case TYL_INT64: snprintf(buf, n, "%lld", (long long)*(int64_t *)p->ptr); break;
    case TYL_BOOL: snprintf(buf, n, "%s", *(bool *)p->ptr ? "True" : "False"); break;
    default: tyl_repr_double(buf, *(double *)p->ptr); break;
    }
}

static void print_help(const tyl_param *params, int nparams)
{
    if (tyl_rt_rank_ != 0)
        return;
    printf("usage: %s%s [--time] [--help]\n\n", rt_prog, nparams ? " [--NAME=VALUE ...]" : "");
    printf("Compiled by tylesc from %s.\n\n", rt_source);
    int w = 14;
    for (int i = 0; i < nparams; i++) {
        int l = (int)(strlen(params[i].name) + strlen(type_word(params[i].type))) + 3;
        if (l > w)
            w = l;
    }
    if (nparams) {
        printf("parameters:\n");
        for (int i = 0; i < nparams; i++) {
            char opt[300], val[64];
            snprintf(opt, sizeof opt, "--%s=%s", params[i].name, type_word(params[i].type));
            format_value(val, sizeof val, &params[i]);
            printf("  %-*s  %s (default %s)\n", w, opt,
                   params[i].type == TYL_INT64 ? "int" : params[i].type == TYL_BOOL ? "bool" : "float",
                   val);
        }
    } else {
        printf("parameters: none\n");
    }
    if (w < 20)
        w = 20; /* the runtime options' column */
    printf("\nruntime options:\n");
    printf("  %-*s  show this message and exit\n", w, "--help");
    printf("  %-*s  print the run time of the program to stderr at exit\n", w, "--time");
    printf("  %-*s  the process grid, ranks per dimension (default: MPI_Dims_create)\n", w, "--procs=PxQ");
    printf("  %-*s  exchange halos before computing instead of during (for comparisons)\n", w, "--no-overlap");
    printf("  %-*s  print time per phase, bytes exchanged and imbalance at exit\n", w, "--stats");
    printf("  %-*s  about once a second on rank 0: outer step, steps/s, ETA\n", w, "--progress");
    printf("  %-*s  write a checkpoint every K steps of the time loop\n", w, "--checkpoint-every=K");
    printf("  %-*s  where checkpoints go (default %s.ckpt)\n", w, "--checkpoint-dir=DIR", rt_prog);
    printf("  %-*s  resume from the newest valid checkpoint (on any number of ranks)\n", w,
           "--restart[=DIR]");
    printf("\nsignals: SIGUSR1 checkpoints at the next step, SIGTERM and SIGUSR2 checkpoint and stop\n"
           "(exit status 75; resume with --restart).\n");
    fflush(stdout);
}

static _Noreturn void unknown_option(const char *arg, size_t namelen, const tyl_param *params,
                                     int nparams)
{
    char list[1024];
    size_t k = 0;
    list[0] = '\0';
    for (int i = 0; i < nparams && k < sizeof list - 8; i++) {
        int n = snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "", params[i].name);
        if (n < 0 || (size_t)n >= sizeof list - k) {
            k = sizeof list - 1;
            break;
        }
        k += (size_t)n;
    }
    if (nparams)
        opt_error("unknown option '%.*s' (parameters: %s; see --help)", (int)namelen, arg, list);
    opt_error("unknown option '%.*s' (this program has no parameters; see --help)", (int)namelen,
              arg);
}

static void parse_options(int ac, char **av, tyl_param *params, int nparams, bool store)
{
    for (int i = 1; i < ac; i++) {
        const char *arg = av[i];
        if (strncmp(arg, "--", 2) != 0 || !arg[2])
            opt_error("unexpected argument '%s' (options are --NAME=VALUE; see --help)", arg);
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t namelen = eq ? (size_t)(eq - name) : strlen(name);
        if (namelen == 4 && !strncmp(name, "help", 4)) {
            if (eq)
                opt_error("option '--help' takes no value");
            print_help(params, nparams);
            init_exit(0);
        }
        if (namelen == 5 && !strncmp(name, "procs", 5)) {
            if (!eq || !eq[1])
                opt_error("option '--procs' needs a value: --procs=PxQ (ranks per dimension)");
            if (store)
                rt_procs = eq + 1;
            continue;
        }
        if ((namelen == 10 && !strncmp(name, "no-overlap", 10)) || (namelen == 5 && !strncmp(name, "stats", 5)) ||
            (namelen == 8 && !strncmp(name, "progress", 8))) {
            if (eq)
                opt_error("option '--%.*s' takes no value", (int)namelen, name);
            if (store && name[0] == 'n')
                rt_no_overlap = true;
            else if (store && name[0] == 's')
                tyl_rt_stats_ = true;
            else if (store)
                tyl_rt_progress_ = true;
            continue;
        }
        if (namelen == 16 && !strncmp(name, "checkpoint-every", 16)) {
            int64_t v;
            if (!eq || parse_py_int(eq + 1, &v) || v < 1)
                opt_error("option '--checkpoint-every' needs a positive number of steps: "
                          "--checkpoint-every=K");
            if (store)
                tyl_ck_opts_.every = v;
            continue;
        }
        if (namelen == 14 && !strncmp(name, "checkpoint-dir", 14)) {
            if (!eq || !eq[1])
                opt_error("option '--checkpoint-dir' needs a value: --checkpoint-dir=DIR");
            if (store)
                tyl_ck_opts_.dir = eq + 1;
            continue;
        }
        if (namelen == 7 && !strncmp(name, "restart", 7)) {
            if (eq && !eq[1])
                opt_error("option '--restart=' needs a folder: --restart or --restart=DIR");
            if (store) {
                tyl_ck_opts_.restart = 1;
                if (eq)
                    tyl_ck_opts_.restart_dir = eq + 1;
            }
            continue;
        }
        if (namelen == 4 && !strncmp(name, "time", 4)) {
            if (eq)
                opt_error("option '--time' takes no value");
            rt_time = rt_time || store;
            continue;
        }
        tyl_param *p = NULL;
        for (int j = 0; j < nparams; j++)
            if (strlen(params[j].name) == namelen && !strncmp(params[j].name, name, namelen))
                p = &params[j];
        if (!p)
            unknown_option(arg, namelen + 2, params, nparams);
        if (!eq)
            opt_error("option '--%s' needs a value: --%s=VALUE", p->name, p->name);
        const char *val = eq + 1;
        switch (p->type) {
        case TYL_INT64: {
            int64_t v;
            int r = parse_py_int(val, &v);
            if (r == 2)
                opt_error("invalid value '%s' for --%s: integer out of range (64-bit)", val,
                          p->name);
            if (r)
                opt_error("invalid value '%s' for --%s: expected an integer", val, p->name);
            if (store)
                *(int64_t *)p->ptr = v;
            break;
        }
        case TYL_BOOL: {
            bool v;
            if (parse_bool(val, &v))
                opt_error("invalid value '%s' for --%s: expected True or False", val, p->name);
            if (store)
                *(bool *)p->ptr = v;
            break;
        }
        default: {
            double v;
            if (parse_float(val, &v))
                opt_error("invalid value '%s' for --%s: expected a float", val, p->name);
            if (store)
                *(double *)p->ptr = v;
            break;
        }
        }
    }
}

static void setup_fail(const char *msg) { opt_error("%s", msg); }

void tyl_rt_init(int *argc, char ***argv, const char *source, tyl_param *params, int nparams)
{
    int init = 0;
    MPI_Initialized(&init);
    if (!init) {
        int provided;
        MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
        rt_we_initialized_mpi = true;
    }
    tyl_rt_comm_ = tyl_rs_world_();
    MPI_Comm_rank(tyl_rt_comm_, &tyl_rt_rank_);
    MPI_Comm_size(tyl_rt_comm_, &rt_size);
    rt_params = params;
    rt_nparams = nparams;

    int ac = argc ? *argc : 0;
    char **av = argv ? *argv : NULL;
    if (ac > 0 && av && av[0] && av[0][0]) {
        const char *slash = strrchr(av[0], '/');
        rt_prog = slash ? slash + 1 : av[0];
    }
    if (source && *source)
        rt_source = source;
    tyl_ck_opts_.prog = rt_prog;
    tyl_ck_opts_.argv = av;
    tyl_ck_opts_.exe = realpath("/proc/self/exe", NULL);

    /* Two passes: the first checks every option in order (so --help shows the compiled-in
     * defaults and the first bad option is the one reported), the second stores the values. */
    for (int pass = 0; pass < 2; pass++)
        parse_options(ac, av, params, nparams, pass == 1);

    tyl_dist_setup(rt_grid_rank, rt_procs, rt_size, tyl_rt_rank_, !rt_no_overlap, setup_fail);
    rt_t0 = MPI_Wtime();
}

/* ---- arrays ------------------------------------------------------------------------------- */

/* An array with its bookkeeping: on the live list while referenced, then on the pool list. */
typedef struct tyl_block {
    tyl_array a; /* first: a tyl_array * is a tyl_block * */
    void *mem;   /* the allocation (a.base) */
    size_t cap;  /* bytes allocated (multiple of 64, at least 64) */
    struct tyl_block *prev, *next;
} tyl_block;

static tyl_block *live_head;  /* doubly linked */
static tyl_block *pool_head;  /* singly linked through next */
static int pool_count;
enum { POOL_MAX = 256 };
#define PAR_MIN_BYTES ((size_t)1 << 20) /* below this, zero/fill/copy serially */

static void live_insert(tyl_block *b)
{
    b->prev = NULL;
    b->next = live_head;
    if (live_head)
        live_head->prev = b;
    live_head = b;
}

static void live_remove(tyl_block *b)
{
    if (b->prev)
        b->prev->next = b->next;
    else
        live_head = b->next;
    if (b->next)
        b->next->prev = b->prev;
}

static void block_free(tyl_block *b)
{
    tyl_mem_free(b->mem);
    free(b);
}

const char *tyl_dtype_name_(tyl_dtype t)
{
    switch (t) {
    case TYL_BOOL: return "bool";
    case TYL_INT32: return "int32";
    case TYL_INT64: return "int64";
    case TYL_FLOAT32: return "float32";
    case TYL_FLOAT64: return "float64";
    }
    return "?";
}

tyl_array *tyl_alloc(tyl_dtype dt, int rank, const int64_t *shape, int init, const char *where)
{
    return tyl_alloc_l(dt, rank, shape, init, NULL, where);
}

tyl_array *tyl_alloc_like(const tyl_array *a, int init, const char *where)
{
    return tyl_alloc_l(a->dtype, a->rank, a->shape, init, a->layout, where);
}

int64_t tyl_dist_layout(tyl_array *a, const tyl_layout *L, const char *where);

tyl_array *tyl_alloc_l(tyl_dtype dt, int rank, const int64_t *shape, int init, const tyl_layout *L,
                       const char *where)
{
    if (rank < 0 || rank > TYL_MAX_RANK)
        tyl_rt_error(where, "internal error: array rank %d not supported", rank);
    int64_t size = 1;
    bool too_big = false;
    for (int i = 0; i < rank; i++)
        if (shape[i] < 0)
            tyl_rt_error(where, "negative dimensions are not allowed");
    for (int i = 0; i < rank; i++) {
        if (shape[i] == 0) {
            size = 0;
            too_big = false;
            break;
        }
        if (size > INT64_MAX / shape[i])
            too_big = true;
        else
            size *= shape[i];
    }
    size_t esz = tyl_dtype_size(dt);
    char shs[128];
    if (too_big || (uint64_t)size > (uint64_t)(PTRDIFF_MAX - 64) / esz)
        tyl_rt_error(where, "ValueError: array is too big; `arr.size * arr.dtype.itemsize` is larger than the "
                            "maximum possible size (an array with shape %s and data type %s)",
                     tyl_rt_shape_str(shs, rank, shape), tyl_dtype_name_(dt));
    /* the local part: owned block and halo (the whole array when replicated) */
    tyl_array proto;
    memset(&proto, 0, sizeof proto);
    proto.rank = rank;
    for (int i = 0; i < TYL_MAX_RANK; i++)
        proto.shape[i] = i < rank ? shape[i] : 1;
    int64_t lsize = tyl_dist_layout(&proto, L, where);
    if ((uint64_t)lsize > (uint64_t)(PTRDIFF_MAX - 64) / esz)
        tyl_rt_error(where, "ValueError: array is too big; `arr.size * arr.dtype.itemsize` is larger than the "
                            "maximum possible size (an array with shape %s and data type %s)",
                     tyl_rt_shape_str(shs, rank, shape), tyl_dtype_name_(dt));
    size_t bytes = (size_t)lsize * esz;
    size_t cap = bytes ? (bytes + 63) & ~(size_t)63 : 64;

    tyl_block *b = NULL;
#pragma omp critical(tyl_rt_arrays)
    {
        for (tyl_block **pp = &pool_head; *pp; pp = &(*pp)->next)
            if ((*pp)->cap == cap) {
                b = *pp;
                *pp = b->next;
                pool_count--;
                break;
            }
    }
    if (!b) {
        b = malloc(sizeof *b);
        void *data = b ? tyl_mem_alloc(cap) : NULL;
        if (!data) {
            free(b);
            char sh[128];
            double amount = (double)bytes;
            const char *unit = "B";
            static const char *units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
            for (int u = 0; u < 6 && amount >= 1024.0; u++) {
                amount /= 1024.0;
                unit = units[u];
            }
            tyl_rt_error(where,
                         "MemoryError: Unable to allocate %.3g %s for an array with shape %s and "
                         "data type %s",
                         amount, unit, tyl_rt_shape_str(sh, rank, shape), tyl_dtype_name_(dt));
        }
        b->mem = data;
        b->cap = cap;
    }
    tyl_array *a = &b->a;
    *a = proto;
    a->base = b->mem;
    a->lsize = lsize;
    {
        int64_t off = 0; /* the owned origin inside the allocation */
        for (int i = 0; i < rank; i++)
            off += a->hl[i] * a->stride[i];
        a->data = (char *)b->mem + (size_t)off * esz;
    }
    a->size = size;
    a->rank = rank;
    a->dtype = dt;
    a->refs = 1;
#pragma omp critical(tyl_rt_arrays)
    live_insert(b);
    if (init == TYL_INIT_ZERO) {
        tyl_mem_zero(a->base, bytes);
        for (int w = 0; w < TYL_ZONE_WORDS; w++) /* the halo holds the neighbours' zeros */
            a->hvalid[w] = ~(uint64_t)0;
    }
    return a;
}

tyl_array *tyl_ref(tyl_array *a)
{
    if (a)
        a->refs++;
    return a;
}

void tyl_release(tyl_array *a)
{
    if (!a)
        return;
    if (a->refs <= 0)
        tyl_rt_error("libtyles", "internal error: array released more often than referenced");
    if (--a->refs > 0)
        return;
    tyl_block *b = (tyl_block *)a;
    tyl_block *drop = NULL;
#pragma omp critical(tyl_rt_arrays)
    {
        live_remove(b);
        if (pool_count < POOL_MAX) {
            b->next = pool_head;
            b->prev = NULL;
            pool_head = b;
            pool_count++;
        } else {
            drop = b;
        }
    }
    if (drop)
        block_free(drop);
}

void tyl_set(tyl_array **slot, tyl_array *v)
{
    tyl_array *old = *slot;
    *slot = v;
    tyl_release(old);
}

void tyl_fill(tyl_array *a, double v)
{
    /* the halo too: it then holds the neighbours' values, so it is current */
    tyl_mem_fill(a, v);
    for (int w = 0; w < TYL_ZONE_WORDS; w++)
        a->hvalid[w] = ~(uint64_t)0;
}

tyl_array *tyl_copy(const tyl_array *a, const char *where)
{
    tyl_array *c = tyl_alloc_like(a, TYL_INIT_NONE, where);
    tyl_mem_copy(c->base, a->base, (size_t)a->lsize * tyl_dtype_size(a->dtype));
    memcpy(c->hvalid, a->hvalid, sizeof c->hvalid);
    return c;
}

const char *tyl_rt_shape_str(char *buf, int rank, const int64_t *shape)
{
    size_t k = 0, cap = 128;
    buf[k++] = '(';
    for (int i = 0; i < rank; i++) {
        int n = snprintf(buf + k, cap - k, "%s%lld", i ? ", " : "", (long long)shape[i]);
        k += (size_t)n;
    }
    if (rank == 1)
        buf[k++] = ',';
    buf[k++] = ')';
    buf[k] = '\0';
    return buf;
}

/* ---- finalize ----------------------------------------------------------------------------- */

/* Every array, referenced or pooled: the end of the program (or of this rank's part in it). */
static void free_blocks(void)
{
    while (pool_head) {
        tyl_block *b = pool_head;
        pool_head = b->next;
        block_free(b);
    }
    pool_count = 0;
    while (live_head) {
        tyl_block *b = live_head;
        live_head = b->next;
        block_free(b);
    }
}

tyl_param *tyl_rt_params_(int *n)
{
    *n = rt_nparams;
    return rt_params;
}

void tyl_rt_set_size_(int rank, int size)
{
    tyl_rt_rank_ = rank;
    rt_size = size;
}

_Noreturn void tyl_rt_leave_(void)
{
    tyl_mem_sync();
    fflush(stdout);
    free_blocks();
    tyl_print_reset_();
    tyl_dist_finalize();
    tyl_mem_finalize();
    tyl_rs_before_finalize_();
    if (mpi_active() && rt_we_initialized_mpi)
        MPI_Finalize();
    exit(0);
}

_Noreturn void tyl_rt_exit_(int status)
{
    tyl_rt_finalize();
    exit(status);
}

/* After an in-place ULFM recovery, Open MPI 5's MPI_Finalize can wait forever in its PMIx fence
 * for the rank that died (open-mpi/ompi#11404). By then every output is written and flushed:
 * if the finalize has not returned after TYLES_ULFM_FINALIZE_GRACE seconds (default 10; 0
 * skips it), the process ends with status 0 instead of hanging. */
static void finalize_timeout(int sig)
{
    (void)sig;
    _exit(0);
}

static void finalize_watchdog(void)
{
    const char *g = getenv("TYLES_ULFM_FINALIZE_GRACE");
    int grace = g && *g ? atoi(g) : 10;
    fflush(NULL);
    if (grace <= 0)
        _exit(0);
    signal(SIGALRM, finalize_timeout);
    alarm((unsigned)grace);
}

int tyl_rt_finalize(void)
{
    tyl_mem_sync();
    double t = mpi_active() ? MPI_Wtime() - rt_t0 : 0.0;
    fflush(stdout);
    if (rt_time && tyl_rt_rank_ == 0) {
        fprintf(stderr, "tyles: time %.6f s\n", t);
        fflush(stderr);
    }
    free_blocks();
    tyl_print_reset_();
    tyl_ck_finalize_();
    tyl_dist_report(t);
    tyl_dist_finalize();
    tyl_mem_finalize();
    free(tyl_ck_opts_.exe);
    tyl_ck_opts_.exe = NULL;
    tyl_rs_before_finalize_();
    if (mpi_active() && rt_we_initialized_mpi) {
        if (tyl_ulfm_recovered_())
            finalize_watchdog();
        MPI_Finalize();
    }
    return 0;
}

/* ---- Python scalar pow -------------------------------------------------------------------- */

void tyl_int_overflow(const char *where, int64_t a, const char *op, int64_t b)
{
    if (strcmp(op, "neg") == 0 || strcmp(op, "abs") == 0)
        tyl_rt_error(where, "integer overflow: %s(%lld) does not fit in a 64-bit integer", op[0] == 'n' ? "-" : "abs",
                     (long long)b);
    tyl_rt_error(where, "integer overflow: %lld %s %lld does not fit in a 64-bit integer", (long long)a, op,
                 (long long)b);
}

int64_t tyl_py_pow_i(int64_t a, int64_t b, const char *where)
{
    if (b < 0)
        tyl_rt_error(where, "internal error: negative exponent in integer power");
    /* square-and-multiply; the base is squared only while bits of the exponent remain */
    int64_t r = 1, x = a;
    for (int64_t e = b; e > 0; e >>= 1) {
        if ((e & 1) && __builtin_mul_overflow(r, x, &r))
            tyl_int_overflow(where, a, "**", b);
        if (e > 1 && __builtin_mul_overflow(x, x, &x))
            tyl_int_overflow(where, a, "**", b);
    }
    return r;
}

static bool is_odd_integer(double x)
{
    return fmod(fabs(x), 2.0) == 1.0;
}

/* CPython's float_pow (Objects/floatobject.c), case by case. */
double tyl_py_pow_f(double iv, double iw, const char *where)
{
    bool negate_result = false;
    if (iw == 0.0)
        return 1.0; /* v**0 is 1, even 0**0 and nan**0 */
    if (isnan(iv))
        return iv;
    if (isnan(iw))
        return iv == 1.0 ? 1.0 : iw;
    if (isinf(iw)) {
        iv = fabs(iv);
        if (iv == 1.0)
            return 1.0;
        if ((iw > 0.0) == (iv > 1.0))
            return fabs(iw);
        return 0.0;
    }
    if (isinf(iv)) {
        bool odd = is_odd_integer(iw);
        if (iw > 0.0)
            return odd ? iv : fabs(iv);
        return odd ? copysign(0.0, iv) : 0.0;
    }
    if (iv == 0.0) {
        bool odd = is_odd_integer(iw);
        if (iw < 0.0)
            tyl_rt_error(where, "ZeroDivisionError: 0.0 cannot be raised to a negative power");
        return odd ? iv : 0.0;
    }
    if (iv < 0.0) {
        if (iw != floor(iw))
            tyl_rt_error(where, "negative number cannot be raised to a fractional power (complex "
                                "result not supported)");
        iv = -iv;
        negate_result = is_odd_integer(iw);
    }
    if (iv == 1.0)
        return negate_result ? -1.0 : 1.0;
    errno = 0;
    double ix = pow(iv, iw);
    if (errno == 0 && isinf(ix))
        errno = ERANGE;
    else if (errno == ERANGE && ix == 0.0)
        errno = 0;
    if (negate_result)
        ix = -ix;
    if (errno == ERANGE)
        tyl_rt_error(where, "OverflowError: (34, 'Numerical result out of range')");
    if (errno != 0)
        tyl_rt_error(where, "ValueError: math domain error");
    return ix;
}
