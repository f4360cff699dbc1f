/*
 * Shared pieces of the hand-written references bench/ref_burgers2d.c and
 * bench/ref_gray_scott.c: command line, 64-byte aligned N x N grids with
 * first touch in the same static row partition as the sweeps, and a .npy
 * writer (the same format as bench/ref_jacobi2d.c: '<f8', C order, v1.0
 * header padded to 64 bytes, exactly what np.save writes).
 *
 * Options (same spelling as a tylesc-generated program):
 *   --N=INT --steps=INT   problem size and number of steps
 *   --time                print "tyles: time X s" (whole program body: allocation,
 *                         initialisation, time loop, saves; the definition the
 *                         generated code uses) and "ref: loop time X s" (time loop
 *                         only) on stderr
 *   --no-save             skip writing the .npy files
 */
#ifndef REF_COMMON_H
#define REF_COMMON_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#endif
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef struct {
    long n, steps;
    int timing, save;
} ref_opts;

static inline long ref_parse_long(const char *prog, const char *s, const char *name)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno) {
        fprintf(stderr, "%s: --%s expects an integer, got '%s'\n", prog, name, s);
        exit(2);
    }
    return v;
}

static inline ref_opts ref_parse_args(int argc, char **argv, const char *prog, long n, long steps,
                               long min_n)
{
    ref_opts o = { n, steps, 0, 1 };
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--N=", 4) == 0)
            o.n = ref_parse_long(prog, argv[i] + 4, "N");
        else if (strncmp(argv[i], "--steps=", 8) == 0)
            o.steps = ref_parse_long(prog, argv[i] + 8, "steps");
        else if (strcmp(argv[i], "--time") == 0)
            o.timing = 1;
        else if (strcmp(argv[i], "--no-save") == 0)
            o.save = 0;
        else {
            fprintf(stderr, "usage: %s [--N=%ld] [--steps=%ld] [--time] [--no-save]\n", prog, n,
                    steps);
            exit(2);
        }
    }
    if (o.n < min_n || o.steps < 0) {
        fprintf(stderr, "%s: need N >= %ld and steps >= 0\n", prog, min_n);
        exit(2);
    }
    return o;
}

/* `bytes` for an array, allocated as Tyles allocates its arrays (tyl_mem_alloc): from 2 MiB up
   2 MiB-aligned and advised for transparent huge pages (the kernel's THP default here is
   "madvise": without the advice the pages stay 4 KiB, and a sweep over a large grid walks 512
   times more pages), else 64-byte aligned. TYLES_HUGEPAGES=0 turns the advice off, for both.
   Until 2026-12-07 the references had 4 KiB pages only, which moved their ratio to Tyles
   more than any gap measured (bench/RESULTS.md h105). */
static inline void *ref_alloc_bytes(const char *prog, size_t bytes)
{
    const size_t huge = (size_t)2 << 20;
    const char *e = getenv("TYLES_HUGEPAGES");
    void *p;
    if (bytes >= huge && !(e && e[0] == '0' && !e[1])) {
        bytes = (bytes + huge - 1) & ~(huge - 1);
        p = aligned_alloc(huge, bytes);
        if (p)
            (void)madvise(p, bytes, MADV_HUGEPAGE); /* advice only */
    } else {
        bytes = (bytes + 63) / 64 * 64;
        p = aligned_alloc(64, bytes ? bytes : 64);
    }
    if (!p) {
        fprintf(stderr, "%s: cannot allocate %zu bytes\n", prog, bytes);
        exit(1);
    }
    return p;
}

/* N x N doubles, every element set to `value`, rows first touched by the
   thread that owns them in a static partition of rows 0..n-1. */
static inline double *ref_alloc_grid(const char *prog, long n, double value)
{
    double *p = ref_alloc_bytes(prog, (size_t)n * (size_t)n * sizeof(double));
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++)
        for (long j = 0; j < n; j++) p[i * n + j] = value;
    return p;
}

/* An array of `rank` extents dims[], elements of `elsize` bytes described by `descr`
   ('<f8', '<f4'), as np.save writes it. */
static inline int ref_save_npy_any(const char *prog, const char *path, const void *a, size_t elsize,
                                   const char *descr, int rank, const long *dims)
{
    char shape[96], hdr[160];
    int k = 0;
    for (int d = 0; d < rank; d++)
        k += snprintf(shape + k, sizeof shape - (size_t)k, "%ld, ", dims[d]);
    shape[rank > 1 ? k - 2 : k - 1] = '\0'; /* (4, 5) but (4,) */
    int len = snprintf(hdr, sizeof hdr,
                       "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, shape);
    int total = 10 + len + 1;
    int pad = (64 - total % 64) % 64;
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "%s: cannot create '%s': %s\n", prog, path, strerror(errno));
        return 1;
    }
    unsigned hl = (unsigned)(len + pad + 1);
    unsigned char pre[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hl & 0xff),
                              (unsigned char)(hl >> 8) };
    fwrite(pre, 1, 10, f);
    fwrite(hdr, 1, (size_t)len, f);
    for (int i = 0; i < pad; i++) fputc(' ', f);
    fputc('\n', f);
    size_t cnt = 1;
    for (int d = 0; d < rank; d++)
        cnt *= (size_t)dims[d];
    size_t w = fwrite(a, elsize, cnt, f); /* little-endian host assumed (x86-64) */
    if (fclose(f) != 0 || w != cnt) {
        fprintf(stderr, "%s: cannot write '%s'\n", prog, path);
        return 1;
    }
    return 0;
}

static inline int ref_save_npy(const char *prog, const char *path, const double *a, long n)
{
    const long dims[2] = { n, n };
    return ref_save_npy_any(prog, path, a, sizeof(double), "<f8", 2, dims);
}

#endif
