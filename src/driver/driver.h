/* driver.h: the parts of tylesc around the compiler proper: building objects and executables with
 * the C or CUDA compiler (driver_build.c). */
#ifndef DRIVER_H
#define DRIVER_H

typedef struct drv_opts {
    int cuda;   /* nvcc on CUDA C++, else the C compiler on C */
    int object; /* -c: an object file, not linked */
    int fmad;   /* --fmad */
    int no_mpi; /* --no-mpi */
} drv_opts;

/* Compile the generated source `src` into `out` (an object or an executable): 0, or 2 after a
 * message when the compiler failed; a missing run-time library is a system error. */
int drv_build(const char *src, const char *out, const drv_opts *o);

/* Run argv (NULL-terminated), wait: its exit status, 127 when it could not start. */
int drv_run(char **argv);

#endif
