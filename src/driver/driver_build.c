/* driver_build.c: tylesc's use of the C and CUDA compilers (see driver.h).
 *
 * The run-time library and its header are looked for under $TYLES_HOME, then in the installation
 * tylesc runs from (BIN/../include/tyles, BIN/../lib), then in the build tree (src/runtime_mpi).
 * A C compiler that is not an MPI wrapper (CC=gcc, CC=clang) gets MPI's flags from the wrapper
 * ($MPICC, default mpicc: --showme:compile/link for Open MPI, -compile_info/-link_info for MPICH).
 */
#define _POSIX_C_SOURCE 200809L
#include "driver.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../util/util.h"

/* Directory of this executable, for finding the run-time library and header. */
static char *exe_dir(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = 0;
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = 0;
    return arena_strdup(&util_arena, buf);
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

int drv_run(char **argv)
{
    pid_t pid = fork();
    if (pid < 0)
        util_syserr("cannot fork: %s", strerror(errno));
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "tylesc: cannot run '%s': %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            util_syserr("waitpid: %s", strerror(errno));
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Split a flags string on blanks (no quoting: like make's $(CFLAGS)). */
static void push_words(vec *v, const char *s)
{
    while (s && *s) {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        const char *e = s;
        while (*e && *e != ' ' && *e != '\t' && *e != '\n')
            e++;
        if (e > s)
            vec_push(v, arena_strndup(&util_arena, s, (size_t)(e - s)));
        s = e;
    }
}

/* Does the word list s set an optimisation level ("-O2", "--optimize 2")? */
static int sets_opt_level(const char *s)
{
    vec w = {0};
    push_words(&w, s);
    for (int i = 0; i < w.len; i++) {
        const char *x = VEC_AT(w, i, const char *);
        if (strncmp(x, "-O", 2) == 0 || strncmp(x, "--optimize", 10) == 0)
            return 1;
    }
    return 0;
}

/* The first line of f (up to 4 KiB). */
static char *first_line(FILE *f)
{
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    buf[strcspn(buf, "\n")] = 0;
    return arena_strdup(&util_arena, buf);
}

/* A variable set to blanks is unset (TYLES_CC='  ' ran the first flag, -std=c11, as the compiler). */
static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && v[strspn(v, " \t\n")] ? v : dflt;
}

/* MPI's compile or link flags from the MPI wrapper, for compilers that are not MPI wrappers. */
static void push_mpi_flags(vec *argv, int link)
{
    const char *mpicc = env_or("MPICC", "mpicc");
    FILE *p = popen(arena_printf(&util_arena, "%s --showme:%s 2>/dev/null", mpicc, link ? "link" : "compile"),
                    "r");
    char *s = p ? first_line(p) : NULL;
    int ran = p && pclose(p) == 0;
    if (!s || !*s) { /* MPICH and Intel MPI: the whole command line; the compiler's name goes */
        p = popen(arena_printf(&util_arena, "%s %s 2>/dev/null", mpicc, link ? "-link_info" : "-compile_info"), "r");
        s = p ? first_line(p) : NULL;
        ran |= p && pclose(p) == 0;
        if (s)
            s += strcspn(s, " \t");
    }
    /* a wrapper that did not run gave no flags: the build failed later on MPI's headers or
     * symbols, with nothing saying why */
    if (!ran)
        util_syserr("cannot get MPI's %s flags from the MPI wrapper '%s' (neither '%s --showme:%s' nor '%s %s' "
                    "ran): set MPICC to the MPI compiler wrapper, or TYLES_CC to it (e.g. TYLES_CC=mpicc)",
                    link ? "link" : "compile", mpicc, mpicc, link ? "link" : "compile", mpicc,
                    link ? "-link_info" : "-compile_info");
    vec words = {0};
    push_words(&words, s);
    for (int i = 0; i < words.len; i++) {
        const char *w = VEC_AT(words, i, const char *);
        /* the link line repeats -c/-o/input-less words of the compile line; keep flags only */
        if (link || strncmp(w, "-I", 2) == 0 || strncmp(w, "-D", 2) == 0 || strcmp(w, "-pthread") == 0)
            vec_push(argv, (void *)w);
    }
}

/* Is the compiler an MPI wrapper (mpicc, mpiicc, mpigcc, mpiicx, ...)? */
static int is_mpi_wrapper(const char *cc)
{
    const char *first = arena_strndup(&util_arena, cc, strcspn(cc, " \t"));
    const char *base = strrchr(first, '/');
    base = base ? base + 1 : first;
    return strncmp(base, "mpi", 3) == 0;
}

/* A path as an argument of the C compiler: "-kout.c" would be read as an option. */
static const char *cc_path(const char *p)
{
    return p[0] == '-' ? arena_printf(&util_arena, "./%s", p) : p;
}

int drv_build(const char *src, const char *out, const drv_opts *o)
{
    char *dir = exe_dir();
    const char *home = getenv("TYLES_HOME");
    const char *inc = NULL, *lib = NULL;
    const char *incs[3], *libs[3];
    int n = 0;
    if (home && *home) {
        incs[n] = arena_printf(&util_arena, "%s/include/tyles", home);
        libs[n++] = arena_printf(&util_arena, "%s/lib", home);
    }
    if (dir) {
        incs[n] = arena_printf(&util_arena, "%s/../include/tyles", dir);
        libs[n++] = arena_printf(&util_arena, "%s/../lib", dir);
        incs[n] = arena_printf(&util_arena, "%s/../src/runtime_mpi", dir);
        libs[n++] = arena_printf(&util_arena, "%s/../lib", dir);
    }
    const char *libname = o->cuda ? "libtyles_cuda.a" : o->no_mpi ? "libtyles-nompi.a" : "libtyles.a";
    for (int i = 0; i < n && !inc; i++) {
        if (!exists(arena_printf(&util_arena, "%s/tyles.h", incs[i])))
            continue;
        /* the library built without MPI is libtyles-nompi.a once installed, libtyles.a in a
         * build tree made with NO_MPI=1 */
        const char *names[2] = {libname, o->no_mpi && !o->cuda ? "libtyles.a" : NULL};
        for (int k = 0; k < 2 && names[k] && !inc; k++)
            if (o->object || exists(arena_printf(&util_arena, "%s/%s", libs[i], names[k]))) {
                inc = incs[i];
                lib = libs[i];
                libname = names[k];
            }
    }
    if (!inc)
        util_syserr("cannot find the run-time library (tyles.h and %s) next to tylesc; %s", libname,
                    o->cuda ? "build it with 'make cuda' or set TYLES_HOME to the installation prefix"
                            : "set TYLES_HOME to the installation prefix");
    vec argv = {0};
    const char *cc;
    if (o->cuda) {
        cc = env_or("NVCC", "nvcc");
        const char *arch = env_or("CUDA_ARCH", "sm_90");
        const char *num = arch + strcspn(arch, "0123456789");
        /* compute_NN: PTX only, compiled for the GPU when the program loads (no ptxas here: make
         * check-cuda, on machines without a GPU, saves a quarter of its time) */
        int ptx_only = strncmp(arch, "compute_", 8) == 0;
        push_words(&argv, cc);
        /* an -O of NVCCFLAGS (nvcc's -O is the host code's level) replaces this one, without
         * nvcc's warning about the option given twice */
        if (!sets_opt_level(getenv("NVCCFLAGS")))
            vec_push(&argv, "-O3");
        vec_push(&argv, "-std=c++17");
        vec_push(&argv, o->fmad ? "--fmad=true" : "--fmad=false");
        vec_push(&argv, "-diag-suppress=550"); /* variables only ever written */
        vec_push(&argv, "-gencode");
        vec_push(&argv, ptx_only ? arena_printf(&util_arena, "arch=compute_%s,code=compute_%s", num, num)
                                 : arena_printf(&util_arena, "arch=compute_%s,code=[sm_%s,compute_%s]", num, num, num));
        vec_push(&argv, "-Xcompiler");
        vec_push(&argv, "-fopenmp,-ffp-contract=off,-fno-math-errno,-fwrapv");
        push_words(&argv, getenv("NVCCFLAGS"));
        if (o->no_mpi)
            vec_push(&argv, "-DTYL_NO_MPI");
        else
            push_mpi_flags(&argv, 0);
    } else {
        cc = env_or("TYLES_CC", env_or("CC", o->no_mpi ? "cc" : "mpicc"));
        push_words(&argv, cc);
        vec_push(&argv, "-std=c11");
        vec_push(&argv, "-fopenmp");
        vec_push(&argv, "-ffp-contract=off");
        vec_push(&argv, "-fno-math-errno");
        /* selects (np.where) in a loop are then blended in SIMD lanes: gcc otherwise keeps a
         * branch around arithmetic that might trap; the values are the same */
        vec_push(&argv, "-fno-trapping-math");
        vec_push(&argv, "-fwrapv");
        push_words(&argv, env_or("CFLAGS", "-O3 -march=native"));
        if (o->no_mpi)
            vec_push(&argv, "-DTYL_NO_MPI");
        else if (!is_mpi_wrapper(cc))
            push_mpi_flags(&argv, 0);
    }
    vec_push(&argv, arena_printf(&util_arena, "-I%s", inc));
    if (o->object)
        vec_push(&argv, "-c");
    vec_push(&argv, (void *)cc_path(src));
    if (!o->object) {
        vec_push(&argv, (void *)cc_path(arena_printf(&util_arena, "%s/%s", lib, libname)));
        push_words(&argv, getenv("LDFLAGS"));
        if (o->cuda) {
            /* what the library itself links against (NCCL), as its build found it */
            FILE *f = fopen(arena_printf(&util_arena, "%s/libtyles_cuda.ldflags", lib), "r");
            if (f) {
                push_words(&argv, first_line(f));
                fclose(f);
            }
            if (!o->no_mpi)
                push_mpi_flags(&argv, 1);
            vec_push(&argv, "-lgomp");
        } else if (!o->no_mpi && !is_mpi_wrapper(cc))
            push_mpi_flags(&argv, 1);
        vec_push(&argv, "-lm");
    }
    vec_push(&argv, "-o");
    vec_push(&argv, (void *)cc_path(out));
    vec_push(&argv, NULL);
    int st = drv_run((char **)argv.items);
    if (st != 0) {
        fprintf(stderr, "tylesc: the %s compiler '%s' failed (exit status %d) on %s\n", o->cuda ? "CUDA" : "C", cc,
                st, src);
        return 2;
    }
    return 0;
}

static struct stat input_st;
static const char *input_path;

void drv_set_input(const char *path)
{
    if (stat(path, &input_st) == 0 && S_ISREG(input_st.st_mode)) /* not a terminal, pipe or device */
        input_path = path;
}

void drv_not_input(const char *path, const char *what)
{
    struct stat st;
    if (!input_path || stat(path, &st) != 0 || st.st_dev != input_st.st_dev || st.st_ino != input_st.st_ino)
        return;
    fprintf(stderr, "tylesc: %s '%s' would overwrite the program '%s' itself: name another file\n", what,
            path, input_path);
    exit(2);
}
