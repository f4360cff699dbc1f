/* tyl_prog.c: libtyles program mode: what a generated main() needs and an application
 * linking a library-mode solver must not get. The command line (--NAME=VALUE parameters and
 * the run-time options), --help, the SIGUSR1 disposition before main(), and exits with a
 * status. Only tyl_rt_init refers into this file, so a static link of an application that
 * never calls it leaves the whole object out, constructor included. */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700
#include "tyl_internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tyl_mem.h"
#include "tyl_mpi.h"

#ifdef _OPENMP
#include <omp.h>
#endif
#include "tyl_xchg.h"
#include "../../runtime/elastic/tyl_elastic.h"

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

/* ---- options ------------------------------------------------------------------------------ */

/* Finish MPI (when we started it) and exit: every rank takes the same path, so this cannot hang. */
static _Noreturn void init_exit(int status)
{
    fflush(stdout);
    fflush(stderr);
    if (tyl_rt_mpi_active_() && tyl_rt_.we_initialized_mpi)
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
        fprintf(stderr, "%s: error: %s\n", tyl_rt_.prog, msg);
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
    /* strtod takes more than Python's float(): hexadecimal (0x10, 0x1p3) and nan(CHARS) */
    if (!*s || strpbrk(s, "xX("))
        return 1;
    /* and less: digits grouped by single underscores (1_000.5, 1e1_0), as in --N=7_000 and
     * Python's float() and literals; an underscore elsewhere is an error */
    size_t n = strlen(s);
    char *t = malloc(n + 1), *end;
    if (!t)
        return 1;
    size_t k = 0;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '_')
            t[k++] = s[i];
        else if (!i || !isdigit((unsigned char)s[i - 1]) || !isdigit((unsigned char)s[i + 1]))
            bad = 1;
    }
    t[k] = '\0';
    double v = strtod(t, &end);
    bad |= *end != '\0' || end == t;
    free(t);
    if (bad)
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
    printf("usage: %s%s [--time] [--help]\n\n", tyl_rt_.prog, nparams ? " [--NAME=VALUE ...]" : "");
    printf("Compiled by tylesc from %s.\n\n", tyl_rt_.source);
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
    printf("  %-*s  where checkpoints go (default %s.ckpt)\n", w, "--checkpoint-dir=DIR", tyl_rt_.prog);
    printf("  %-*s  resume from the newest valid checkpoint (on any number of ranks),\n"
           "  %-*s  or start from the beginning if there is none; a DIR given must exist\n", w,
           "--restart[=DIR]", w, "");
    printf("\nAn option given twice takes its last value (a job script can override one).\n");
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
    bool positional_only = false;
    if (store && tyl_argv_accepting_() && ac > 0)
        tyl_argv_push_(av[0]);
    for (int i = 1; i < ac; i++) {
        const char *arg = av[i];
        if (tyl_argv_accepting_() && (positional_only || strncmp(arg, "--", 2) != 0 || !arg[2])) {
            /* sys.argv[1:]: everything after a bare "--" too */
            if (!positional_only && !strcmp(arg, "--"))
                positional_only = true;
            else if (store)
                tyl_argv_push_(arg);
            continue;
        }
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
                tyl_rt_.procs = eq + 1;
            continue;
        }
        if ((namelen == 10 && !strncmp(name, "no-overlap", 10)) || (namelen == 5 && !strncmp(name, "stats", 5)) ||
            (namelen == 8 && !strncmp(name, "progress", 8))) {
            if (eq)
                opt_error("option '--%.*s' takes no value", (int)namelen, name);
            if (store && name[0] == 'n')
                tyl_rt_.no_overlap = true;
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
            tyl_rt_.time = tyl_rt_.time || store;
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

/* OpenMP threads a rank when the user did not choose (OMP_NUM_THREADS unset): libgomp starts
 * one a CPU the process may run on, and ranks that mpirun leaves unbound (more than 2 a node)
 * or binds to a socket each see all of those CPUs, so 4 ranks on 2 cores ran 8 threads, and 64
 * ranks on a 64-core node would run 4,096. The node's CPUs are shared among its ranks instead
 * (at least 1 each, at most the CPUs this rank may use); an explicit OMP_NUM_THREADS is kept.
 * The ranks are counted once, at start: ranks a rescale adds to a node keep this count. */
static void threads_for_node(void)
{
#ifdef _OPENMP
    const char *e = getenv("OMP_NUM_THREADS");
    if ((e && *e) || tyl_mem_local_ranks_ <= 1)
        return;
    long online = sysconf(_SC_NPROCESSORS_ONLN), t = online / tyl_mem_local_ranks_;
    if (t > omp_get_num_procs())
        t = omp_get_num_procs();
    if (t < 1)
        t = 1;
    if (t < omp_get_max_threads()) {
        omp_set_num_threads((int)t);
        tyl_dist_threads_note_(tyl_mem_local_ranks_, online);
    }
#endif
}

void tyl_rt_init(int *argc, char ***argv, const char *source, tyl_param *params, int nparams)
{
    /* A standard stream closed by whoever started the program (prog >&-) would be the number of
     * the first file MPI opens, and print() would write into that: /dev/null takes its place
     * (Python's print writes nothing then, exit status 0). */
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            int n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
            if (n >= 0 && n != fd) {
                dup2(n, fd);
                close(n);
            }
        }
    int init = 0;
    MPI_Initialized(&init);
    if (!init) {
        int provided;
        /* SERIALIZED, not FUNNELED, only so that a run-time error raised by a worker thread in a
         * parallel region, where no other thread calls MPI, may agree with the other ranks
         * which one prints it (tyl_rt_error.c); Open MPI and MPICH lock for neither. */
        /* no launcher's variables: started as ./prog, an MPI singleton (tyl_rt_finalize) */
        bool launched = getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK") ||
                        getenv("PMI_SIZE");
        MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided);
        tyl_rt_.we_initialized_mpi = true;
        tyl_rt_.singleton = !launched;
        tyl_mpi_pin_components_(); /* our MPI_Finalize must not unmap code its threads run */
    }
    tyl_rt_elastic_ = (tyl_rt_elastic){.end_checkpoints = tyl_ck_finalize_,
                                       .before_mpi_finalize = tyl_rs_before_finalize_,
                                       .recovered_in_place = tyl_ulfm_recovered_};
    tyl_rt_comm_ = tyl_rs_world_();
    MPI_Comm_rank(tyl_rt_comm_, &tyl_rt_rank_);
    MPI_Comm_size(tyl_rt_comm_, &tyl_rt_.size);
    tyl_rt_.params = params;
    tyl_rt_.nparams = nparams;

    int ac = argc ? *argc : 0;
    char **av = argv ? *argv : NULL;
    if (ac > 0 && av && av[0] && av[0][0]) {
        const char *slash = strrchr(av[0], '/');
        tyl_rt_.prog = slash ? slash + 1 : av[0];
    }
    if (source && *source)
        tyl_rt_.source = source;
    tyl_ck_opts_.prog = tyl_rt_.prog;
    tyl_ck_opts_.argv = av;
    tyl_ck_opts_.exe = realpath("/proc/self/exe", NULL);

    /* Two passes: the first checks every option in order (so --help shows the compiled-in
     * defaults and the first bad option is the one reported), the second stores the values. */
    for (int pass = 0; pass < 2; pass++)
        parse_options(ac, av, params, nparams, pass == 1);

    if (!tyl_rt_elastic_.spawned) /* ranks a grow spawns: their parents checked (same environment) */
        tyl_env_check_(tyl_rt_comm_, tyl_rt_.size, "libtyles");
    tyl_dist_setup(tyl_rt_.grid_rank, tyl_rt_.procs, tyl_rt_.size, tyl_rt_rank_, !tyl_rt_.no_overlap, setup_fail);
    threads_for_node();
    tyl_xchg_setup(tyl_rt_.size, tyl_rt_rank_);
    tyl_rt_.t0 = MPI_Wtime();
}
