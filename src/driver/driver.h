/* driver.h: the parts of tylesc around the compiler proper: building objects and executables with
 * the C or CUDA compiler (driver_build.c). */
#ifndef DRIVER_H
#define DRIVER_H

#include <stdio.h>

typedef struct drv_opts {
    int cuda;   /* nvcc on CUDA C++, else the C compiler on C */
    int object; /* -c: an object file, not linked */
    int fmad;   /* --fmad */
    int no_mpi; /* --no-mpi */
} drv_opts;

/* Compile the generated source `src` into `out` (an object or an executable): 0, or 2 after a
 * message when the compiler failed; a missing run-time library is a system error. */
int drv_build(const char *src, const char *out, const drv_opts *o);

/* The program's file (not called for standard input): drv_not_input refuses an output that is it,
 * by the same name, another name or a link (tylesc same.c -o same.c, -MF prog.tyl, --keep-c of a
 * prog.c, --lib of a NAME.h), before anything is written: exit status 2 with a message naming
 * `what` (as cc refuses an output that is its input; the source was lost to the output). */
void drv_set_input(const char *path);
void drv_not_input(const char *path, const char *what);

/* Run argv (NULL-terminated), wait: its exit status, 127 when it could not start. */
int drv_run(char **argv);

/* driver_passes.c: the passes after lower_module, in order, each checked after it in debug
 * builds. With dump naming one of them (--dump=NAME), the IR is printed after it and the run
 * stops there: 1. */
struct ir_program;
int drv_ir_passes(struct ir_program *p, const char *dump); /* pass_inline_temps .. pass_halo */
/* the schedule (sched.h); time_tile: --time-tile's K, SCHED_TT_OFF or SCHED_TT_AUTO; dump "sched"
 * stops after the last */
int drv_sched_passes(struct ir_program *p, int cuda, int time_tile, const char *dump);
int drv_dump_known(const char *name); /* ast, ir, a pass's name or sched */
void drv_dump_names(FILE *o);         /* the list, for messages */

/* tylesc --lib (lib_mode.c): what the command line asked for, the module parsed. */
enum { DRV_LIB_SRC, DRV_LIB_OBJECT, DRV_LIB_ARCHIVE };
struct ast;
typedef struct drv_lib_opts {
    struct ast *module;
    const char *text;    /* the program's text */
    const char *name;    /* its name in messages while compiling */
    const char *shown;   /* its name in the output (relative to the output's folder) */
    const char *output;  /* NAME.c (NAME.cu), NAME.o or libNAME.a; NAME.h and NAME_mod.f90 go next
                            to it */
    int kind;            /* DRV_LIB_* */
    int keep_c, no_mpi;
    int fmad;            /* --fmad (the CUDA compiler's, for NAME.o and libNAME.a) */
    int cuda;            /* --target=cuda: the functions run on the GPU (CUDA C++, built by nvcc) */
    int time_tile;       /* --time-tile (SCHED_TT_AUTO, SCHED_TT_OFF or K), as for programs */
    int stage_chains;    /* --stage-chains, as for programs */
    const char *command; /* the command line that regenerates the output */
} drv_lib_opts;
/* 0, 1 after errors in the program, 2 after a failed compiler. */
int drv_lib(const drv_lib_opts *o);

#endif
