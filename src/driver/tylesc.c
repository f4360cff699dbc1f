/* tylesc.c: the compiler driver. A straight list of passes:
 *
 *     parse_file -> lower_module -> pass_inline_temps -> pass_rotate -> pass_copysem -> pass_dist -> pass_fuse -> pass_halo
 *         -> pass_sched_* (sched_passes below) -> emit_c | emit_cuda  [-> cc]
 *
 * with ir_verify after each pass in debug builds and --dump=STAGE after any of them.
 * Exit status: 0 success, 1 errors in the program, 2 system errors (files, cc), 3 internal.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../backend_c/emit_c.h"
#include "../backend_cuda/emit_cuda.h"
#include "../ir/sched.h"
#include "../frontend/ast.h"
#include "../frontend/diag.h"
#include "../frontend/lower.h"
#include "../ir/ir.h"
#include "../util/util.h"

#ifndef TYLES_VERSION
#define TYLES_VERSION "0.1"
#endif

static const char *usage =
    "usage: tylesc [options] PROGRAM.tyl [-o OUTPUT]\n"
    "\n"
    "Compiles a NumPy stencil program to C11 + OpenMP + MPI.\n"
    "  -o FILE.c        write the generated C\n"
    "  -o FILE          generate C and build an executable (uses $CC, default mpicc, and $CFLAGS,\n"
    "                   default -O3 -march=native; -fopenmp -ffp-contract=off are always added)\n"
    "                   (default: the program's name without .tyl)\n"
    "  -o FILE.cu       write CUDA C++ (same as --target=cuda)\n"
    "  --target=c|cuda  the back end: C/OpenMP (default) or CUDA; a CUDA executable is built with\n"
    "                   $NVCC (default nvcc) for $CUDA_ARCH (default sm_90, plus PTX)\n"
    "  --fmad           let the CUDA compiler contract a*b+c into FMA (faster, no longer bitwise\n"
    "                   equal to NumPy)\n"
    "  --no-mpi         build against a run-time library compiled without MPI (single process)\n"
    "  --dump=STAGE     print the program after STAGE and stop: ast, ir (after lowering),\n"
    "                   inline (after inlining temporaries), copysem (after the copy-semantics\n"
    "                   pass), fuse (after fusing sweeps into loop nests), halo (the\n"
    "                   distributed arrays, their halo widths and each sweep's exchanges),\n"
    "                   sched (the schedule: kernels, exchanges, parts, time loops, checkpoints)\n"
    "  --keep-c         keep the generated C next to the executable (FILE.c)\n"
    "  --               ends the options (for a PROGRAM.tyl whose name begins with '-')\n"
    "  --help, --version\n";

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

/* Run argv, wait; returns the exit status (or 127 if it could not start). */
static int run(char **argv)
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
        while (*s == ' ' || *s == '\t')
            s++;
        const char *e = s;
        while (*e && *e != ' ' && *e != '\t')
            e++;
        if (e > s)
            vec_push(v, arena_strndup(&util_arena, s, (size_t)(e - s)));
        s = e;
    }
}

static int fmad, no_mpi; /* --fmad, --no-mpi */

/* The words of the first line of f (up to 4 KiB), as arguments. */
static void push_first_line(vec *argv, FILE *f)
{
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    buf[strcspn(buf, "\n")] = 0;
    push_words(argv, buf);
}

/* MPI's compile and link flags from the wrapper, for compilers that are not MPI wrappers. */
static void push_mpi_flags(vec *argv, const char *which)
{
    FILE *p = popen(arena_printf(&util_arena, "mpicc --showme:%s 2>/dev/null", which), "r");
    if (!p)
        return;
    push_first_line(argv, p);
    pclose(p);
}

/* A path as an argument of the C compiler: "-kout.c" would be read as an option. */
static const char *cc_path(const char *p)
{
    return p[0] == '-' ? arena_printf(&util_arena, "./%s", p) : p;
}

static int build_executable(const char *cfile, const char *out, int cuda)
{
    char *dir = exe_dir();
    const char *home = getenv("TYLES_HOME");
    const char *inc = NULL, *lib = NULL;
    const char *incs[3], *libs[3];
    int n = 0;
    if (home) {
        incs[n] = arena_printf(&util_arena, "%s/include/tyles", home);
        libs[n++] = arena_printf(&util_arena, "%s/lib", home);
    }
    if (dir) {
        incs[n] = arena_printf(&util_arena, "%s/../include/tyles", dir);
        libs[n++] = arena_printf(&util_arena, "%s/../lib", dir);
        incs[n] = arena_printf(&util_arena, "%s/../src/runtime_mpi", dir);
        libs[n++] = arena_printf(&util_arena, "%s/../lib", dir);
    }
    const char *libname = cuda ? "libtyles_cuda.a" : "libtyles.a";
    for (int i = 0; i < n && !inc; i++)
        if (exists(arena_printf(&util_arena, "%s/tyles.h", incs[i])) &&
            exists(arena_printf(&util_arena, "%s/%s", libs[i], libname))) {
            inc = incs[i];
            lib = libs[i];
        }
    if (!inc)
        util_syserr("cannot find the run-time library (tyles.h and %s) next to tylesc; %s", libname,
                    cuda ? "build it with 'make cuda' or set TYLES_HOME to the installation prefix"
                         : "set TYLES_HOME to the installation prefix");
    vec argv = {0};
    const char *cc;
    if (cuda) {
        cc = getenv("NVCC");
        if (!cc || !*cc)
            cc = "nvcc";
        const char *arch = getenv("CUDA_ARCH");
        if (!arch || !*arch)
            arch = "sm_90";
        const char *num = arch + strcspn(arch, "0123456789");
        push_words(&argv, cc);
        vec_push(&argv, "-O3");
        vec_push(&argv, "-std=c++17");
        vec_push(&argv, fmad ? "--fmad=true" : "--fmad=false");
        vec_push(&argv, "-diag-suppress=550"); /* variables only ever written */
        vec_push(&argv, "-gencode");
        vec_push(&argv, arena_printf(&util_arena, "arch=compute_%s,code=[sm_%s,compute_%s]", num, num, num));
        vec_push(&argv, "-Xcompiler");
        vec_push(&argv, "-fopenmp,-ffp-contract=off,-fno-math-errno,-fwrapv");
        push_words(&argv, getenv("NVCCFLAGS"));
        if (no_mpi)
            vec_push(&argv, "-DTYL_NO_MPI");
        else
            push_mpi_flags(&argv, "compile");
    } else {
        cc = getenv("TYLES_CC");
        if (!cc || !*cc)
            cc = getenv("CC");
        if (!cc || !*cc)
            cc = no_mpi ? "cc" : "mpicc";
        const char *cflags = getenv("CFLAGS");
        if (!cflags || !*cflags)
            cflags = "-O3 -march=native";
        push_words(&argv, cc);
        vec_push(&argv, "-std=c11");
        vec_push(&argv, "-fopenmp");
        vec_push(&argv, "-ffp-contract=off");
        vec_push(&argv, "-fno-math-errno");
        vec_push(&argv, "-fwrapv");
        push_words(&argv, cflags);
        if (no_mpi)
            vec_push(&argv, "-DTYL_NO_MPI");
    }
    vec_push(&argv, arena_printf(&util_arena, "-I%s", inc));
    vec_push(&argv, (void *)cc_path(cfile));
    vec_push(&argv, (void *)cc_path(arena_printf(&util_arena, "%s/%s", lib, libname)));
    push_words(&argv, getenv("LDFLAGS"));
    if (cuda) {
        /* what the library itself links against (NCCL), as its build found it */
        FILE *f = fopen(arena_printf(&util_arena, "%s/libtyles_cuda.ldflags", lib), "r");
        if (f) {
            push_first_line(&argv, f);
            fclose(f);
        }
        if (!no_mpi)
            push_mpi_flags(&argv, "link");
        vec_push(&argv, "-lgomp");
    }
    vec_push(&argv, "-lm");
    vec_push(&argv, "-o");
    vec_push(&argv, (void *)cc_path(out));
    vec_push(&argv, NULL);
    int st = run((char **)argv.items);
    if (st != 0) {
        fprintf(stderr, "tylesc: the C compiler '%s' failed (exit status %d) on %s\n", cc, st, cfile);
        return 2;
    }
    return 0;
}

/* The schedule passes, in order (sched.h), after pass_halo. */
static const struct {
    const char *name;
    void (*run)(ir_program *);
} sched_passes[] = {
    {"sched_ids", pass_sched_ids},         {"sched_exchange", pass_sched_exchange},
    {"sched_parts", pass_sched_parts},     {"sched_dirty", pass_sched_dirty},
    {"sched_graph", pass_sched_graph},     {"sched_steps", pass_sched_steps},
    {"sched_ckpt", pass_sched_ckpt},
};

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

int main(int argc, char **argv)
{
    const char *input = NULL, *output = NULL, *dump = NULL, *target = "c";
    int keep_c = 0, end_opts = 0;
    arena_init(&util_arena);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (end_opts) {
            if (input) {
                fprintf(stderr, "tylesc: more than one input file ('%s' and '%s')\n", input, a);
                return 2;
            }
            input = a;
        } else if (strcmp(a, "--") == 0) {
            end_opts = 1; /* what follows is a file name, even one beginning with '-' */
        } else if (strcmp(a, "-o") == 0) {
            if (++i >= argc) {
                fprintf(stderr, "tylesc: -o needs a file name\n%s", usage);
                return 2;
            }
            output = argv[i];
        } else if (strncmp(a, "--dump=", 7) == 0) {
            dump = a + 7;
            if (strcmp(dump, "ast") && strcmp(dump, "ir") && strcmp(dump, "inline") && strcmp(dump, "copysem") &&
                strcmp(dump, "fuse") && strcmp(dump, "halo") && strcmp(dump, "sched")) {
                fprintf(stderr, "tylesc: unknown dump stage '%s' (ast, ir, inline, copysem, fuse, halo, sched)\n", dump);
                return 2;
            }
        } else if (strncmp(a, "--target=", 9) == 0) {
            target = a + 9;
            if (strcmp(target, "c") != 0 && strcmp(target, "cuda") != 0) {
                fprintf(stderr, "tylesc: unknown target '%s' (c, cuda)\n", target);
                return 2;
            }
        } else if (strcmp(a, "--fmad") == 0) {
            fmad = 1;
        } else if (strcmp(a, "--no-mpi") == 0) {
            no_mpi = 1;
        } else if (strcmp(a, "--keep-c") == 0) {
            keep_c = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("tylesc %s\n", TYLES_VERSION);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "tylesc: unknown option '%s'\n%s", a, usage);
            return 2;
        } else if (input) {
            fprintf(stderr, "tylesc: more than one input file ('%s' and '%s')\n", input, a);
            return 2;
        } else
            input = a;
    }
    if (!input) {
        fputs(usage, stderr);
        return 2;
    }
    size_t len;
    char *text = util_read_file(input, &len);
    if (!text)
        util_syserr("cannot open '%s': %s", input, strerror(errno));
    len = util_universal_newlines(text, len);
    diag_set_source(input, text);
    if (strlen(text) != len) {
        loc l = {1, 1, 1, 1};
        for (const char *p = text; *p; p++)
            if (*p == '\n')
                l.line++, l.col = 1;
            else
                l.col++;
        l.last_line = l.line, l.last_col = l.col;
        diag_error(l, "source code cannot contain null bytes");
        diag_finish();
        return 1;
    }

    ast *mod = parse_file(input, text);
    if (!mod || diag_count()) {
        diag_finish();
        return 1;
    }
    if (dump && strcmp(dump, "ast") == 0) {
        ast_dump(mod, stdout);
        return 0;
    }
    ir_program *p = lower_module(mod, input);
    if (diag_finish())
        return 1;
    p->hash = util_hash(util_hash(UTIL_HASH_INIT, TYLES_VERSION, strlen(TYLES_VERSION)), text, len);
#ifndef NDEBUG
    ir_verify(p, "lower");
#endif
    if (dump && strcmp(dump, "ir") == 0) {
        ir_print(p, stdout);
        return 0;
    }
    pass_inline_temps(p);
#ifndef NDEBUG
    ir_verify(p, "inline_temps");
#endif
    if (dump && strcmp(dump, "inline") == 0) {
        ir_print(p, stdout);
        return 0;
    }
    pass_rotate(p);
#ifndef NDEBUG
    ir_verify(p, "rotate");
#endif
    pass_copysem(p);
#ifndef NDEBUG
    ir_verify(p, "copysem");
#endif
    if (dump && strcmp(dump, "copysem") == 0) {
        ir_print(p, stdout);
        return 0;
    }
    pass_dist(p);
#ifndef NDEBUG
    ir_verify(p, "dist");
#endif
    pass_fuse(p);
#ifndef NDEBUG
    ir_verify(p, "fuse");
#endif
    if (dump && strcmp(dump, "fuse") == 0) {
        ir_print(p, stdout);
        return 0;
    }
    pass_halo(p);
#ifndef NDEBUG
    ir_verify(p, "halo");
#endif
    if (dump && strcmp(dump, "halo") == 0) {
        ir_print(p, stdout);
        return 0;
    }
    /* the schedule level (sched.h): one decision per pass, checked after each */
    ir_sched_begin(p, strcmp(target, "cuda") == 0 || (output && ends_with(output, ".cu")));
    for (size_t i = 0; i < sizeof sched_passes / sizeof sched_passes[0]; i++) {
        sched_passes[i].run(p);
#ifndef NDEBUG
        ir_verify(p, sched_passes[i].name);
#endif
    }
    if (dump) {
        ir_print(p, stdout);
        return 0;
    }

    if (!output) {
        const char *base = strrchr(input, '/');
        base = base ? base + 1 : input;
        output = ends_with(base, ".tyl") ? arena_strndup(&util_arena, base, strlen(base) - 4)
                                         : arena_printf(&util_arena, "%s.out", base);
    }
    int cuda = strcmp(target, "cuda") == 0 || ends_with(output, ".cu");
    int to_src = ends_with(output, cuda ? ".cu" : ".c");
    if (!to_src && (ends_with(output, ".c") || ends_with(output, ".cu"))) {
        fprintf(stderr, "tylesc: output '%s' does not match --target=%s\n", output, target);
        return 2;
    }
    const char *ext = cuda ? ".cu" : ".c";
    const char *cfile = to_src ? output : arena_printf(&util_arena, "%s%s", output, ext);
    char tmpdir[] = "/tmp/tylesc.XXXXXX";
    if (!to_src && !keep_c) {
        if (!mkdtemp(tmpdir))
            util_syserr("cannot create a temporary directory: %s", strerror(errno));
        const char *base = strrchr(output, '/');
        cfile = arena_printf(&util_arena, "%s/%s%s", tmpdir, base ? base + 1 : output, ext);
    }
    FILE *f = fopen(cfile, "w");
    if (!f)
        util_syserr("cannot write '%s': %s", cfile, strerror(errno));
    if (cuda)
        emit_cuda(p, f);
    else
        emit_c(p, f);
    if (fclose(f) != 0)
        util_syserr("cannot write '%s': %s", cfile, strerror(errno));
    int st = 0;
    if (!to_src) {
        st = build_executable(cfile, output, cuda);
        if (!keep_c) {
            unlink(cfile);
            rmdir(tmpdir);
        }
    }
    arena_free(&util_arena);
    return st;
}
