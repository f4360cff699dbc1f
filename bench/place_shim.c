/*
 * bench/place_shim.c: an LD_PRELOAD library that places the second large array of a compiled
 * Tyles program at a chosen distance below the first, to measure what that distance costs
 * (issue 14, h116; bench/RESULTS.md h116). Timing aid, never linked into anything.
 *
 *   gcc -O2 -shared -fPIC bench/place_shim.c -o place_shim.so -ldl
 *   LD_PRELOAD=$PWD/place_shim.so SHIM_DIST_MIB=256 [SHIM_AT=2] [SHIM_LOG=1] ./jacobi3d --stats
 *
 * aligned_alloc of 2 MiB or more (tyl_mem_alloc's large arrays) is logged to stderr with
 * SHIM_LOG=1; with SHIM_DIST_MIB=D the SHIM_AT-th such call (default the 2nd) gets its own
 * mapping exactly D MiB below the first one's pointer (MAP_FIXED_NOREPLACE; exit 3 where that
 * is taken), which free unmaps.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
static int cnt;
static char *first, *mine;
static size_t mine_n;
void *aligned_alloc(size_t al, size_t n)
{
    static void *(*real)(size_t, size_t);
    if (!real) real = dlsym(RTLD_NEXT, "aligned_alloc");
    void *p = NULL;
    if (n >= (2 << 20)) {
        cnt++;
        const char *d = getenv("SHIM_DIST_MIB"), *at = getenv("SHIM_AT");
        if (d && first && cnt == (at ? atoi(at) : 2)) {
            char *want = first - (size_t)(atof(d) * 1048576);
            p = mmap(want, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
            if (p != want) { fprintf(stderr, "shim: no room at %p\n", want); exit(3); }
            mine = p, mine_n = n;
        }
    }
    if (!p) p = real(al, n);
    if (n >= (2 << 20) && !first) first = p;
    if (n >= (2 << 20) && getenv("SHIM_LOG")) fprintf(stderr, "alloc %zu MiB at %p (%+.2f MiB from the first)\n", n >> 20, p, ((double)(intptr_t)((char *)p - first)) / 1048576);
    return p;
}
void free(void *p)
{
    static void (*real)(void *);
    if (!real) real = dlsym(RTLD_NEXT, "free");
    if (p && p == mine) { munmap(mine, mine_n); mine = NULL; return; }
    real(p);
}
