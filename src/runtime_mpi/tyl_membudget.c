/* tyl_membudget.c: how much host memory the arrays of this process may hold.
 *
 * Linux lets malloc succeed for more than the machine has (overcommit): a size given at run
 * time that the node cannot hold (--N=50000 for two 2-D float64 arrays on a 32 GiB node) would
 * be allocated, then the kernel's OOM killer would end the job while the arrays are first
 * written, with no message from the program. tyl_rt.c asks here before every new allocation
 * of host memory and raises NumPy's MemoryError instead when the arrays would hold more than
 * this budget: the node's memory and swap, or its control group's limit when lower, shared
 * evenly by the ranks of the job on the node (a block distribution gives them nearly the same
 * share). Only a run that cannot fit is refused; one close to the limit may still be killed.
 * TYLES_MEMORY_LIMIT=BYTES (suffixes K, M, G, T: powers of 1024) sets the budget of each
 * process instead (a smaller share on a node shared with other jobs; tests).
 */
#define _DEFAULT_SOURCE /* sysinfo */
#include "tyl_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>

int tyl_mem_local_ranks_ = 1; /* ranks of the job on this node (tyl_mem_init, host library) */

/* A control group's memory limit (cgroup v2, then v1), or UINT64_MAX. */
static uint64_t cgroup_limit(void)
{
    static const char *const files[] = {"/sys/fs/cgroup/memory.max",
                                        "/sys/fs/cgroup/memory/memory.limit_in_bytes"};
    uint64_t lim = UINT64_MAX;
    for (int i = 0; i < 2; i++) {
        FILE *f = fopen(files[i], "r");
        if (!f)
            continue;
        unsigned long long v;
        if (fscanf(f, "%llu", &v) == 1 && v > 0 && v < lim) /* "max": no limit */
            lim = v;
        fclose(f);
    }
    return lim;
}

/* TYLES_MEMORY_LIMIT's value in bytes: 0 if it is not a size. */
static uint64_t parse_size(const char *s)
{
    char *end;
    if (*s < '0' || *s > '9')
        return 0;
    unsigned long long v = strtoull(s, &end, 10);
    int shift = 0;
    switch (*end) {
    case 'K': case 'k': shift = 10; end++; break;
    case 'M': case 'm': shift = 20; end++; break;
    case 'G': case 'g': shift = 30; end++; break;
    case 'T': case 't': shift = 40; end++; break;
    default: break;
    }
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end || v == 0 || v > (UINT64_MAX >> shift))
        return 0;
    return (uint64_t)v << shift;
}

size_t tyl_mem_budget_(char *why, size_t whylen)
{
    const char *e = getenv("TYLES_MEMORY_LIMIT");
    if (e && *e) {
        uint64_t v = parse_size(e);
        if (!v)
            tyl_rt_error("libtyles", "TYLES_MEMORY_LIMIT='%s' is not a size in bytes (such as 4G, 512M or 1000000)",
                         e);
        snprintf(why, whylen, "TYLES_MEMORY_LIMIT=%s", e);
        return v > SIZE_MAX ? SIZE_MAX : (size_t)v;
    }
    struct sysinfo si;
    uint64_t node = UINT64_MAX;
    const char *what = "the memory and swap of this node";
    if (sysinfo(&si) == 0 && si.mem_unit > 0) {
        uint64_t total = (uint64_t)si.totalram + (uint64_t)si.totalswap;
        node = total > UINT64_MAX / si.mem_unit ? UINT64_MAX : total * si.mem_unit;
    }
    uint64_t cg = cgroup_limit();
    if (cg < node) {
        node = cg;
        what = "the memory limit of this job's control group";
    }
    if (node == UINT64_MAX) {
        snprintf(why, whylen, "no limit known");
        return SIZE_MAX;
    }
    int n = tyl_mem_local_ranks_ > 1 ? tyl_mem_local_ranks_ : 1;
    double gib = (double)node / (1024.0 * 1024.0 * 1024.0);
    if (n > 1)
        snprintf(why, whylen, "its share of the %.3g GiB of %s, shared by %d ranks", gib, what, n);
    else
        snprintf(why, whylen, "the %.3g GiB of %s", gib, what);
    node /= (uint64_t)n;
    return node > SIZE_MAX ? SIZE_MAX : (size_t)node;
}
