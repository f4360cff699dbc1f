/* tylesc.c: the compiler driver. A straight list of passes:
 *
 *     parse_file -> lower_module -> pass_inline_temps -> pass_rotate -> pass_fuse_stages
 *         -> pass_copysem -> pass_dist -> pass_fuse -> pass_halo
 *         -> pass_sched_* -> emit_c | emit_cuda  [-> cc]
 *
 * the passes from one table (driver_passes.c, which library mode runs too), with ir_verify after
 * each pass in debug builds and --dump=STAGE after any of them.
 * Exit status: 0 success, 1 errors in the program, 2 system errors (files, cc), 3 internal.
 *
 * What is written follows the output's name (.c, .cu, .o through cc -c, an executable without a
 * suffix; -o - is the source on stdout), with a make rule of its dependencies under -MD.
 * Generated sources name their program relative to their own folder, so the same program gives
 * the same bytes wherever the checkout is.
 */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../backend_c/emit_c.h"
#include "../backend_cuda/emit_cuda.h"
#include "../ir/sched.h"
#include "../frontend/ast.h"
#include "../util/diag.h"
#include "../frontend/input_decl.h"
#include "../frontend/lower.h"
#include "../ir/ir.h"
#include "../runtime_mpi/tyles_version.h"
#include "../util/util.h"
#include "driver.h"

static const char *usage =
    "usage: tylesc [options] PROGRAM.tyl [-o OUTPUT]\n"
    "\n"
    "Compiles a NumPy stencil program to C11 + OpenMP + MPI (or CUDA). PROGRAM.tyl '-' reads the\n"
    "program from standard input (messages call it <stdin>; give -o).\n"
    "  -o FILE.c        write the generated C\n"
    "  -o FILE.cu       write CUDA C++ (same as --target=cuda)\n"
    "  -o FILE.o        generate and compile to an object file (see -c)\n"
    "  -o FILE          generate C and build an executable (FILE without a suffix, or .out, .exe,\n"
    "                   .x); the default is the program's name without .tyl\n"
    "  -o -             write the generated C (CUDA with --target=cuda) to standard output\n"
    "                   Any other suffix is an error (.a is for --lib).\n"
    "  -c               compile to an object file (default PROGRAM.o); link it with the run-time\n"
    "                   library: pkg-config --libs tyles (tyles-nompi, tyles-cuda)\n"
    "  --target=c|cuda  the back end: C/OpenMP (default) or CUDA\n"
    "  --input NAME=DTYPE,RANK\n"
    "                   declare what np.load(\"NAME\") reads (DTYPE float64, float32, int64, int32,\n"
    "                   bool; RANK dimensions), instead of reading the file's header when compiling;\n"
    "                   the same as a line '# tyles: input NAME DTYPE RANK' in the program. The\n"
    "                   compiled program checks the file against it when it loads it.\n"
    "  -MD              also write a make rule naming what the output depends on: the program and\n"
    "                   the .npy files read when compiling (-MMD is the same)\n"
    "  -MF FILE         the rule's file (default: OUTPUT with .d for its suffix)\n"
    "  -MT TARGET       the rule's target (default: OUTPUT)\n"
    "  -MP              add an empty rule for each .npy, so that make does not stop when one goes\n"
    "  --stage-chains   a temporary read at several offsets that reads a staged temporary (hdiff's\n"
    "                   fluxes of its Laplacian) computed once a tile as a stage of its own\n"
    "                   instead of inlined (fewer operations, more loads: slower on hdiff)\n"
    "  --fmad           let the CUDA compiler contract a*b+c into FMA (faster, no longer bitwise\n"
    "                   equal to NumPy)\n"
    "  --lib            write a library for an application instead of a program: every top-level\n"
    "                   def becomes a C function over distributed arrays, the module body NAME_run,\n"
    "                   with a header NAME.h and a Fortran module NAME_mod.f90 next to the output\n"
    "                   (-o NAME.c, NAME.o or libNAME.a; docs/LIBRARY.md); with --target=cuda\n"
    "                   the functions run on the GPU (NAME.cu, built by nvcc)\n"
    "  --no-mpi         build against the run-time library without MPI (single process)\n"
    "  --dump=STAGE     print the program after STAGE and stop: ast, ir (after lowering), or\n"
    "                   after any pass (docs/PASSES.md): inline (temporaries inlined), rotate\n"
    "                   (copies become rotations), stages (temporaries computed per tile of their\n"
    "                   consumer), copysem, dist (distributed arrays), fuse (sweeps fused into\n"
    "                   loop nests), halo (halo widths and each sweep's exchanges), sched_ids ..\n"
    "                   sched_split (each schedule pass), sched (the whole schedule: kernels,\n"
    "                   exchanges, parts, time loops, checkpoints)\n"
    "  --time-tile=K    temporal blocking of time loops whose body is sweeps, swaps and copies: K\n"
    "                   steps per pass over tiles of rows (K >= 2, bitwise the same results);\n"
    "                   off (or 1) steps one step at a time; auto (default) tiles with K = 8 when\n"
    "                   the arrays do not fit in the cache\n"
    "  --split-main=N   cut the generated main()'s statements into functions of about N lines of\n"
    "                   C each (default 250; GCC's time grows faster than a function's size);\n"
    "                   off keeps main() whole. Cuts lie between top-level statements (C target)\n"
    "  --keep-c         keep the generated C next to the executable (FILE.c)\n"
    "  --               ends the options (for a PROGRAM.tyl whose name begins with '-')\n"
    "  --help, --version\n"
    "An option given twice takes its last value, as with cc (so a Makefile can override one);\n"
    "--input adds a declaration each time.\n"
    "\n"
    "Environment (read when building an object or an executable):\n"
    "  TYLES_CC         the C compiler (first choice), then CC; default mpicc, cc with --no-mpi.\n"
    "                   A compiler that is not an MPI wrapper (CC=gcc, CC=clang) gets MPI's flags\n"
    "                   from the wrapper (MPICC).\n"
    "  CC               the C compiler when TYLES_CC is not set\n"
    "  MPICC            the MPI wrapper asked for MPI's flags (default mpicc; --showme:compile and\n"
    "                   --showme:link, or -compile_info and -link_info)\n"
    "  CFLAGS           C compiler flags (default -O3 -march=native; -std=c11 -fopenmp\n"
    "                   -ffp-contract=off -fno-math-errno -fno-trapping-math -fwrapv are always\n"
    "                   given)\n"
    "  LDFLAGS          flags for linking an executable (C and CUDA)\n"
    "  AR               the archiver for --lib -o libNAME.a (default ar)\n"
    "  NVCC             the CUDA compiler (default nvcc)\n"
    "  NVCCFLAGS        extra CUDA compiler flags\n"
    "  CUDA_ARCH        the GPU architecture (default sm_90, plus PTX; compute_NN: PTX only,\n"
    "                   compiled for the GPU when the program loads)\n"
    "  TYLES_HOME       the installation prefix holding include/tyles/tyles.h and lib/libtyles*.a\n"
    "                   (default: the installation or build tree tylesc runs from)\n"
    "  TYL_ABORT_ON_INTERNAL\n"
    "                   set (not 0): an internal error of tylesc aborts instead of exiting with\n"
    "                   status 3 (for fuzzing and debuggers)\n";

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* The suffix of a path's last component ("" for none; a leading dot is not one). */
static const char *suffix_of(const char *p)
{
    const char *b = base_name(p), *dot = strrchr(b, '.');
    return dot && dot > b ? dot : "";
}

static const char *dir_of(const char *p)
{
    const char *s = strrchr(p, '/');
    return !s ? "." : s == p ? "/" : arena_strndup(&util_arena, p, (size_t)(s - p));
}

/* `path` as seen from the folder `dir` (both existing): relative when the two share a folder
 * below the root, else absolute; NULL when one cannot be resolved. */
static const char *path_from(const char *path, const char *dir)
{
    char a[PATH_MAX], b[PATH_MAX];
    if (!realpath(dir_of(path), a) || !realpath(dir, b))
        return NULL;
    size_t k = 0; /* a[0..k) == b[0..k): their common folder */
    for (size_t i = 0;; i++) {
        if ((a[i] == '/' || !a[i]) && (b[i] == '/' || !b[i]))
            k = i;
        if (!a[i] || !b[i] || a[i] != b[i])
            break;
    }
    if (k == 0) /* only the root in common: "../../.." up to it says less than the path itself */
        return arena_printf(&util_arena, "%s/%s", strcmp(a, "/") ? a : "", base_name(path));
    strbuf r = {0};
    for (const char *q = b + k; *q; q++)
        if (*q == '/' && q[1])
            sb_puts(&r, "../");
    const char *rest = a + k;
    while (*rest == '/')
        rest++;
    if (*rest)
        sb_printf(&r, "%s/", rest);
    sb_puts(&r, base_name(path));
    char *res = arena_strdup(&util_arena, r.s);
    sb_free(&r);
    return res;
}

/* A word of a command line as sh reads it back. */
static void sh_word(strbuf *b, const char *w)
{
    if (*w && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=.,/:@%") == strlen(w)) {
        sb_puts(b, w);
        return;
    }
    sb_putc(b, '\'');
    for (; *w; w++)
        if (*w == '\'')
            sb_puts(b, "'\\''");
        else
            sb_putc(b, *w);
    sb_putc(b, '\'');
}

/* A name that no make rule can hold (a newline ended the rule: 'missing separator', make
 * stopped) is refused before anything is written: exit status 2. */
static void mk_check(const char *w)
{
    if (w && strpbrk(w, "\n\r")) {
        fprintf(stderr, "tylesc: -MD cannot write a make rule naming '");
        for (; *w; w++)
            fputs(*w == '\n' ? "\\n" : *w == '\r' ? "\\r" : (char[2]){*w, 0}, stderr);
        fprintf(stderr, "': a newline cannot be part of a name in a Makefile\n");
        exit(2);
    }
}

/* A make rule's word: blanks, '#', ':' and '$' escaped as make reads them (a ':' in a
 * prerequisite made the rule a static pattern rule). */
static void mk_word(FILE *f, const char *w)
{
    for (; *w; w++) {
        if (*w == ' ' || *w == '\t' || *w == '#' || *w == ':')
            fputc('\\', f);
        else if (*w == '$')
            fputc('$', f);
        fputc(*w, f);
    }
}

/* -MD: "TARGET: PROGRAM.tyl NPY...", and with -MP an empty rule per .npy. */
static void write_deps(const char *path, const char *target, const char *input, int phony)
{
    const vec *npy = input_decl_opened_files();
    for (int i = 0; i < npy->len; i++)
        mk_check(VEC_AT(*npy, i, const char *));
    FILE *f = fopen(path, "w");
    if (!f)
        util_syserr("cannot write '%s': %s", path, strerror(errno));
    mk_word(f, target);
    fputc(':', f);
    if (strcmp(input, "-") != 0) {
        fputc(' ', f);
        mk_word(f, input);
    }
    for (int i = 0; i < npy->len; i++) {
        fputs(" \\\n ", f);
        mk_word(f, VEC_AT(*npy, i, const char *));
    }
    fputc('\n', f);
    for (int i = 0; phony && i < npy->len; i++) {
        fputc('\n', f);
        mk_word(f, VEC_AT(*npy, i, const char *));
        fputs(":\n", f);
    }
    if (fclose(f) != 0)
        util_syserr("cannot write '%s': %s", path, strerror(errno));
}

/* --input NAME=DTYPE,RANK: 0, or -1 after a message. */
static int input_option(const char *a)
{
    const char *eq = strrchr(a, '='), *comma = eq ? strchr(eq, ',') : NULL;
    ir_type t;
    char *end = NULL;
    long r = comma ? strtol(comma + 1, &end, 10) : 0;
    const char *dt = comma ? arena_strndup(&util_arena, eq + 1, (size_t)(comma - eq - 1)) : "";
    if (!eq || eq == a || !comma || input_decl_dtype(dt, &t) < 0 || !end || *end || end == comma + 1 || r < 1 ||
        r > IR_MAX_RANK) {
        fprintf(stderr, "tylesc: --input needs NAME=DTYPE,RANK with DTYPE float64, float32, int64, int32 or bool "
                        "and RANK the number of dimensions (e.g. --input in_field.npy=float64,3), not '%s'\n", a);
        return -1;
    }
    if (input_decl_add(arena_strndup(&util_arena, a, (size_t)(eq - a)), t, (int)r) < 0) {
        fprintf(stderr, "tylesc: --input '%s' contradicts an earlier --input for the same file\n", a);
        return -1;
    }
    return 0;
}

static int fmad, no_mpi, stage_chains; /* --fmad, --no-mpi, --stage-chains */
static int split_main;                  /* --split-main: 0 default, -1 off, N */

enum out_kind { OUT_SRC, OUT_OBJ, OUT_EXE };

/* What an output name asks for: 0 with *kind (and *cuda for .cu), or -1 after a message. */
static int output_kind(const char *out, int *kind, int *cuda)
{
    const char *suf = suffix_of(out);
    if (!*suf || !strcmp(suf, ".out") || !strcmp(suf, ".exe") || !strcmp(suf, ".x"))
        *kind = OUT_EXE;
    else if (!strcmp(suf, ".c") || !strcmp(suf, ".cu")) {
        *kind = OUT_SRC;
        if (!strcmp(suf, ".cu"))
            *cuda = 1;
        else if (*cuda) {
            fprintf(stderr, "tylesc: output '%s' does not match --target=cuda\n", out);
            return -1;
        }
    } else if (!strcmp(suf, ".o"))
        *kind = OUT_OBJ;
    else if (!strcmp(suf, ".a")) {
        fprintf(stderr, "tylesc: cannot write a library '%s' without --lib: tylesc --lib writes a library of "
                        "the program's functions (docs/LIBRARY.md)\n", out);
        return -1;
    } else {
        fprintf(stderr, "tylesc: cannot tell what to write from the output name '%s': its suffix '%s' is not "
                        ".c (C), .cu (CUDA), .o (object file) or none (executable)\n", out, suf);
        return -1;
    }
    return 0;
}

/* tylesc --lib: the output (NAME.c or NAME.cu, NAME.o, libNAME.a; default PROGRAM.c, PROGRAM.cu
 * with --target=cuda, or .o with -c) and what it is: 0, or -1 after a message. NAME.cu asks for
 * CUDA as it does for a program. */
static int lib_output(const char *input, int from_stdin, const char **output, int object, int *cuda, int *kind)
{
    if (!*output && from_stdin) {
        fprintf(stderr, "tylesc: --lib with a program read from standard input needs -o NAME.%s, NAME.o or "
                        "libNAME.a\n", *cuda ? "cu" : "c");
        return -1;
    }
    if (!*output) {
        const char *base = base_name(input);
        const char *stem = ends_with(base, ".tyl") ? arena_strndup(&util_arena, base, strlen(base) - 4) : base;
        *output = arena_printf(&util_arena, "%s%s", stem, object ? ".o" : *cuda ? ".cu" : ".c");
    }
    const char *suf = suffix_of(*output);
    if (!strcmp(*output, "-")) {
        fprintf(stderr, "tylesc: --lib writes a header and a Fortran module next to its output, so it cannot "
                        "write to standard output (-o -): give -o NAME.%s\n", *cuda ? "cu" : "c");
        return -1;
    }
    if (!strcmp(suf, ".cu"))
        *cuda = 1;
    *kind = !strcmp(suf, ".c") || !strcmp(suf, ".cu") ? DRV_LIB_SRC : !strcmp(suf, ".o") ? DRV_LIB_OBJECT
            : !strcmp(suf, ".a") ? DRV_LIB_ARCHIVE : -1;
    if (*kind < 0) {
        if (*cuda)
            fprintf(stderr, "tylesc: --lib --target=cuda writes NAME.cu (CUDA C++), NAME.o (an object file) or "
                            "libNAME.a (an archive), not '%s'\n", *output);
        else
            fprintf(stderr, "tylesc: --lib writes NAME.c (C), NAME.o (an object file) or libNAME.a (an archive), "
                            "not '%s'\n", *output);
        return -1;
    }
    if (*cuda && !strcmp(suf, ".c")) {
        fprintf(stderr, "tylesc: --lib --target=cuda writes CUDA C++: name the output '%.*s.cu', not '%s'\n",
                (int)(strlen(*output) - 2), *output, *output);
        return -1;
    }
    if (object && *kind != DRV_LIB_OBJECT) {
        fprintf(stderr, "tylesc: -c writes an object file, but the output '%s' does not end in .o\n", *output);
        return -1;
    }
    return 0;
}

/* The end of what tylesc writes to standard output (--dump, --help, --version): 0, or 2 after a
 * message when standard output did not take it (a full disk). */
static int dump_done(void)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return 0;
    fprintf(stderr, "tylesc: cannot write '<stdout>': %s\n", strerror(errno ? errno : EIO));
    return 2;
}

int main(int argc, char **argv)
{
    const char *input = NULL, *output = NULL, *dump = NULL, *target = "c";
    const char *dep_file = NULL, *dep_target = NULL;
    int keep_c = 0, end_opts = 0, object = 0, deps = 0, dep_phony = 0, lib = 0, time_tile = SCHED_TT_AUTO;
    vec inputs = {0}; /* the --input options, for the header of the output */
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
        } else if (!strcmp(a, "-o") || !strcmp(a, "-MF") || !strcmp(a, "-MT") || !strcmp(a, "--input")) {
            if (++i >= argc) {
                fprintf(stderr, "tylesc: %s needs %s\n%s", a,
                        !strcmp(a, "-MT") ? "a target" : !strcmp(a, "--input") ? "NAME=DTYPE,RANK" : "a file name",
                        usage);
                return 2;
            }
            if (!argv[i][0] && strcmp(a, "--input")) { /* an empty name reached the C compiler as -o '' */
                fprintf(stderr, "tylesc: %s needs %s, not ''\n", a, !strcmp(a, "-MT") ? "a target" : "a file name");
                return 2;
            }
            if (!strcmp(a, "-o"))
                output = argv[i];
            else if (!strcmp(a, "-MF"))
                dep_file = argv[i];
            else if (!strcmp(a, "-MT"))
                dep_target = argv[i];
            else if (input_option(argv[i]) < 0)
                return 2;
            else
                vec_push(&inputs, argv[i]);
        } else if (strncmp(a, "--input=", 8) == 0) {
            if (input_option(a + 8) < 0)
                return 2;
            vec_push(&inputs, (void *)(a + 8));
        } else if (!strcmp(a, "-c")) {
            object = 1;
        } else if (!strcmp(a, "-MD") || !strcmp(a, "-MMD")) {
            deps = 1;
        } else if (!strcmp(a, "-MP")) {
            dep_phony = 1;
        } else if (strncmp(a, "--dump=", 7) == 0) {
            dump = a + 7;
            if (!drv_dump_known(dump)) {
                fprintf(stderr, "tylesc: unknown dump stage '%s' (", dump);
                drv_dump_names(stderr);
                fputs(")\n", stderr);
                return 2;
            }
        } else if (strncmp(a, "--target=", 9) == 0) {
            target = a + 9;
            if (strcmp(target, "c") != 0 && strcmp(target, "cuda") != 0) {
                fprintf(stderr, "tylesc: unknown target '%s' (c, cuda)\n", target);
                return 2;
            }
        } else if (strncmp(a, "--time-tile=", 12) == 0) {
            const char *k = a + 12;
            char *end;
            long v = strtol(k, &end, 10);
            if (!strcmp(k, "off"))
                time_tile = SCHED_TT_OFF;
            else if (!strcmp(k, "auto"))
                time_tile = SCHED_TT_AUTO;
            else if (*k >= '0' && *k <= '9' && !*end && v >= 1 && v <= 64)
                time_tile = (int)v;
            else {
                fprintf(stderr, "tylesc: bad --time-tile value '%s' (a number of steps from 1 to 64, off or auto)\n", k);
                return 2;
            }
        } else if (strncmp(a, "--split-main=", 13) == 0) {
            const char *k = a + 13;
            char *end;
            long v = strtol(k, &end, 10);
            if (!strcmp(k, "off"))
                split_main = -1;
            else if (*k >= '0' && *k <= '9' && !*end && v >= 1 && v <= 1000000)
                split_main = (int)v;
            else {
                fprintf(stderr, "tylesc: bad --split-main value '%s' (a size from 1 to 1000000, or off)\n", k);
                return 2;
            }
        } else if (strcmp(a, "--stage-chains") == 0) {
            stage_chains = 1;
        } else if (strcmp(a, "--fmad") == 0) {
            fmad = 1;
        } else if (strcmp(a, "--lib") == 0) {
            lib = 1;
        } else if (strcmp(a, "--no-mpi") == 0) {
            no_mpi = 1;
        } else if (strcmp(a, "--keep-c") == 0) {
            keep_c = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return dump_done();
        } else if (strcmp(a, "--version") == 0) {
            printf("tylesc %s\n", TYLES_VERSION);
            return dump_done();
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
    int from_stdin = strcmp(input, "-") == 0 && !end_opts;
    const char *name = from_stdin ? "<stdin>" : input;

    /* what to write, decided before compiling so that a wrong name costs nothing */
    int cuda = strcmp(target, "cuda") == 0, kind = OUT_EXE, to_stdout = 0, lib_kind = DRV_LIB_SRC;
    if (lib && !dump && lib_output(input, from_stdin, &output, object, &cuda, &lib_kind) < 0)
        return 2;
    if (!dump && !lib) {
        if (!output && from_stdin) {
            fprintf(stderr, "tylesc: a program read from standard input needs -o FILE (or -o - for the %s on "
                            "standard output)\n", cuda ? "CUDA" : "C");
            return 2;
        }
        if (!output) {
            const char *base = base_name(input);
            const char *stem = ends_with(base, ".tyl") ? arena_strndup(&util_arena, base, strlen(base) - 4) : NULL;
            output = object ? arena_printf(&util_arena, "%s.o", stem ? stem : base)
                            : stem ? stem : arena_printf(&util_arena, "%s.out", base);
        }
        if (!strcmp(output, "-")) {
            to_stdout = 1;
            kind = OUT_SRC;
            if (object) {
                fprintf(stderr, "tylesc: -c writes an object file, which cannot go to standard output (-o -)\n");
                return 2;
            }
        } else if (output_kind(output, &kind, &cuda) < 0)
            return 2;
        if (object && kind != OUT_OBJ) {
            fprintf(stderr, "tylesc: -c writes an object file, but the output '%s' does not end in .o\n", output);
            return 2;
        }
        if ((dep_file || dep_target || dep_phony) && !deps) {
            fprintf(stderr, "tylesc: %s needs -MD\n", dep_file ? "-MF" : dep_target ? "-MT" : "-MP");
            return 2;
        }
        if (deps && to_stdout && (!dep_file || !dep_target)) {
            fprintf(stderr, "tylesc: -MD with -o - needs -MF FILE and -MT TARGET\n");
            return 2;
        }
        if (deps && !dep_file) {
            const char *suf = suffix_of(output);
            dep_file = arena_printf(&util_arena, "%.*s.d", (int)(strlen(output) - strlen(suf)), output);
        }
    }

    /* no output may be the program itself (driver.h) */
    if (!from_stdin)
        drv_set_input(input);
    if (!dump && deps && lib && !dep_file)
        dep_file = arena_printf(&util_arena, "%.*s.d", (int)(strlen(output) - strlen(suffix_of(output))), output);
    if (!dump && !to_stdout) {
        drv_not_input(output, "the output");
        if (keep_c && !lib && kind != OUT_SRC)
            drv_not_input(arena_printf(&util_arena, "%.*s%s", (int)(strlen(output) - strlen(suffix_of(output))),
                                       output, cuda ? ".cu" : ".c"), "the source kept by --keep-c");
    }
    if (!dump && deps) {
        drv_not_input(dep_file, "the dependency file");
        mk_check(dep_target ? dep_target : output);
        mk_check(from_stdin ? NULL : input);
    }

    size_t len;
    char *text = util_read_file(from_stdin ? "/dev/stdin" : input, &len);
    if (!text && errno == EFBIG)
        util_syserr("cannot read '%s': it is longer than %zu MiB, more than a program can be", from_stdin ? "<stdin>"
                    : input, UTIL_READ_MAX >> 20);
    if (!text)
        util_syserr("cannot open '%s': %s", from_stdin ? "<stdin>" : input, strerror(errno));
    len = util_universal_newlines(text, len);
    diag_set_source(name, text);
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

    ast *mod = parse_file(name, text);
    if (!mod || diag_count()) {
        diag_finish();
        return 1;
    }
    if (dump && strcmp(dump, "ast") == 0) {
        ast_dump(mod, stdout);
        return dump_done();
    }
    input_decl_scan(text);
    if (diag_count()) {
        diag_finish();
        return 1;
    }
    if (lib && !dump) {
        drv_lib_opts lo = {.module = mod, .text = text, .name = name, .output = output, .kind = lib_kind,
                           .keep_c = keep_c, .no_mpi = no_mpi, .cuda = cuda,
                           .fmad = fmad, .time_tile = time_tile, .stage_chains = stage_chains};
        const char *rel = from_stdin ? NULL : path_from(input, dir_of(output));
        lo.shown = rel ? rel : name;
        strbuf cmd = {0};
        sb_puts(&cmd, "tylesc --lib");
        if (cuda)
            sb_puts(&cmd, " --target=cuda");
        if (time_tile != SCHED_TT_AUTO)
            sb_printf(&cmd, " --time-tile=%d", time_tile);
        for (int i = 0; i < inputs.len; i++) {
            sb_puts(&cmd, " --input ");
            sh_word(&cmd, VEC_AT(inputs, i, const char *));
        }
        sb_putc(&cmd, ' ');
        if (lo.shown[0] == '-')
            sb_puts(&cmd, "-- ");
        sh_word(&cmd, from_stdin ? "-" : lo.shown);
        sb_puts(&cmd, " -o ");
        sh_word(&cmd, base_name(output));
        lo.command = arena_strdup(&util_arena, cmd.s);
        sb_free(&cmd);
        int st = drv_lib(&lo);
        if (st == 0 && deps)
            write_deps(dep_file, dep_target ? dep_target : output, input, dep_phony);
        return st;
    }
    ir_program *p = lower_module(mod, name);
    if (diag_finish())
        return 1;
    p->stage_chains = stage_chains;
    p->split_main = split_main;
    p->hash = util_hash(util_hash(UTIL_HASH_INIT, TYLES_VERSION, strlen(TYLES_VERSION)), text, len);
#ifndef NDEBUG
    ir_verify(p, "lower");
#endif
    if (dump && strcmp(dump, "ir") == 0) {
        ir_print(p, stdout);
        return dump_done();
    }
    /* the passes (driver_passes.c), then the schedule level (sched.h): one decision per pass */
    if (drv_ir_passes(p, dump) || drv_sched_passes(p, cuda, time_tile, dump))
        return dump_done();
    if (dump) /* drv_dump_known admits only the names that stopped above */
        INTERNAL("--dump=%s stopped nowhere", dump);

    /* A generated source or object names its program relative to its own folder (the same bytes
     * from any checkout); an executable's temporary C keeps the name as given, which its run-time
     * messages show to whoever ran tylesc. */
    const char *shown = name;
    if (kind != OUT_EXE && !from_stdin) {
        const char *rel = path_from(input, to_stdout ? "." : dir_of(output));
        if (rel)
            shown = rel;
    }
    diag_set_source(shown, text);
    p->source = shown;
    strbuf cmd = {0};
    sb_puts(&cmd, "tylesc");
    if (cuda)
        sb_puts(&cmd, " --target=cuda");
    if (split_main < 0)
        sb_puts(&cmd, " --split-main=off");
    else if (split_main > 0)
        sb_printf(&cmd, " --split-main=%d", split_main);
    for (int i = 0; i < inputs.len; i++) {
        sb_puts(&cmd, " --input ");
        sh_word(&cmd, VEC_AT(inputs, i, const char *));
    }
    sb_putc(&cmd, ' ');
    if (shown[0] == '-')
        sb_puts(&cmd, "-- ");
    sh_word(&cmd, from_stdin ? "-" : shown);
    sb_puts(&cmd, " -o ");
    sh_word(&cmd, to_stdout ? "-" : kind == OUT_SRC ? base_name(output) : arena_printf(&util_arena, "%s%s",
        arena_strndup(&util_arena, base_name(output), strlen(base_name(output)) - strlen(suffix_of(output))),
        cuda ? ".cu" : ".c"));
    emit_command_line = arena_strdup(&util_arena, cmd.s);
    sb_free(&cmd);

    const char *ext = cuda ? ".cu" : ".c";
    const char *cfile = kind == OUT_SRC ? output
                        : arena_printf(&util_arena, "%.*s%s", (int)(strlen(output) - strlen(suffix_of(output))),
                                       output, ext);
    char tmpdir[] = "/tmp/tylesc.XXXXXX";
    if (kind != OUT_SRC && !keep_c) {
        if (!mkdtemp(tmpdir))
            util_syserr("cannot create a temporary directory: %s", strerror(errno));
        cfile = arena_printf(&util_arena, "%s/%s", tmpdir, base_name(cfile));
    }
    if (to_stdout) {
        const char *b = base_name(from_stdin ? "tyles.c" : input);
        emit_output_name = arena_printf(&util_arena, "%.*s%s", (int)(strlen(b) - strlen(suffix_of(b))), b, ext);
    } else
        emit_output_name = base_name(cfile);
    FILE *f = to_stdout ? stdout : fopen(cfile, "w");
    if (!f)
        util_syserr("cannot write '%s': %s", cfile, strerror(errno));
    if (cuda)
        emit_cuda(p, f);
    else
        emit_c(p, f);
    if (to_stdout ? fflush(f) != 0 : fclose(f) != 0)
        util_syserr("cannot write '%s': %s", to_stdout ? "<stdout>" : cfile, strerror(errno));
    int st = 0;
    if (kind != OUT_SRC) {
        drv_opts o = {.cuda = cuda, .object = kind == OUT_OBJ, .fmad = fmad, .no_mpi = no_mpi};
        st = drv_build(cfile, output, &o);
        if (!keep_c) {
            unlink(cfile);
            rmdir(tmpdir);
        }
    }
    if (st == 0 && deps)
        write_deps(dep_file, dep_target ? dep_target : output, input, dep_phony);
    arena_free(&util_arena);
    return st;
}
