/* tyl_pfchoice.c: software prefetch or none, for each plain sweep, by measurement.
 *
 * A sweep past the caches prefetches its reads' leading rows (tyl_mem_prefetch_ahead: 4 KiB
 * ahead within rows longer than 4 KiB; tyl_mem_prefetch: rows ahead for short rows of 3-D
 * boxes; tyl_mem_block_rows: blocks of rows whose next plane is prefetched, tyl_mem_host.c).
 * Whether that beats the hardware prefetcher alone depends on the kernel, the machine and the
 * threads: on a Zen 3 (AVX2, 2 cores, loaded, bench/RESULTS.md 2026-12-07 h152) the prefetch
 * made Jacobi 2-D 4096^2 faster at one thread, and at two faster or slower from one run to the
 * next (without it 0.85-1.35x the speed), Jacobi 3-D 256^3 no different (within 3%), and
 * Burgers 2048^2 (two prefetched reads, two streamed targets) slower at both; on a Zen 4 it
 * made Burgers 1.03-1.36x faster (h78). No rule by kernel or machine fitted all of them,
 * and the prefetch changes no value (a hint; blocks of rows only reorder points that read what
 * the sweep does not write), so the run times both, as tyl_ttchoice.c does for time tiles:
 * the first call of a sweep (its call site) runs as the size test says and is not timed (it
 * warms the caches and touches fresh pages), the next TRIALS calls alternate without and with,
 * and the least time each way decides the rest of the run (without only by a MARGIN). The time is the calling thread's
 * CPU time in the kernel (tyl_pf_clock_): the sweeps are bound by memory, whose stalls count,
 * while the time another process holds the core does not (on a loaded machine one call of
 * Burgers 2048^2 took 90-120 ms of wall time against its 8 ms of CPU); at several threads the
 * calling thread's share of the rows stands for the others'.
 *
 * Only sweeps whose box is at least MIN_BYTES of the first target's elements (the global
 * box, the same on every rank) are timed: smaller ones never prefetch (they fit the caches).
 * On several ranks every rank calls every sweep in program order, so each rank reaches a kind's
 * last trial at the same call; there the times (the largest over the ranks: the slowest rank
 * sets the pace) and whether any rank's kernel prefetched are combined, and every rank decides
 * alike. After that no collective is added. A kind whose kernel never asked to prefetch keeps
 * the size test's answer. TYLES_PREFETCH=0 or 1 forces (no trials); TYLES_PREFETCH_VERBOSE=1
 * prints each decision on every rank. A communicator change forgets every decision
 * (tyl_pf_choice_reset_, as tyl_tt_choice_reset_). */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "tyl_internal.h"
#include "tyl_mem.h"

enum { SLOTS = 256, TRIALS = 6 };
#define MIN_BYTES (1 << 20)
/* Without the prefetch only where that is at least 2% faster: Jacobi 2-D f64 4096^2 at one
 * thread timed its two ways within 0.1-1.1% in 2 runs of 3 (and went off), where 7 rounds of
 * whole runs found the prefetch 3-11% faster; Burgers' trials differed by 6-29%. */
#define MARGIN 0.98

typedef struct tyl_pf_kind {
    const tyl_sweep *sw; /* NULL: a free slot */
    int calls;           /* calls so far, while measuring */
    int asked;           /* its kernel would have prefetched (this rank, then any rank) */
    double best[2];      /* least seconds a call: [0] with, [1] without */
    int decided;         /* -1: measuring; 0 prefetch, 1 none */
} kind;

static kind kinds[SLOTS];
static int nkinds;
static int64_t n_timed, n_off;

static kind *find(const tyl_sweep *sw)
{
    size_t h = ((uintptr_t)sw >> 4) % SLOTS;
    for (int i = 0; i < SLOTS; i++, h = (h + 1) % SLOTS) {
        if (kinds[h].sw == sw)
            return &kinds[h];
        if (!kinds[h].sw) {
            if (nkinds >= SLOTS / 2)
                return NULL; /* a program with more large sweeps keeps the size test past them */
            nkinds++;
            kinds[h] = (kind){.sw = sw, .decided = -1, .best = {-1, -1}};
            return &kinds[h];
        }
    }
    return NULL;
}

double tyl_pf_clock_(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int verbose(void)
{
    static int v = -1;
    if (v < 0)
        v = (int)tyl_env_num_("TYLES_PREFETCH_VERBOSE", 0);
    return v;
}

tyl_pf_trial tyl_pf_choice_begin_(const tyl_sweep *sw, int64_t box_points, int elem_bytes)
{
    tyl_pf_trial tr = {NULL, -1};
    tyl_pf_off_ = 0;
    if (!tyl_mem_pf_auto_() || (double)box_points * elem_bytes < MIN_BYTES)
        return tr;
    kind *k = find(sw);
    if (!k)
        return tr;
    if (k->decided >= 0) {
        tyl_pf_off_ = k->decided;
        return tr;
    }
    tr.k = k;
    tr.way = k->calls == 0 ? -1 : (k->calls & 1); /* untimed, then without, with, ... */
    tyl_pf_off_ = tr.way == 1;
    atomic_store_explicit(&tyl_pf_asked_, 0, memory_order_relaxed);
    return tr;
}

void tyl_pf_choice_end_(tyl_pf_trial *tr, double seconds)
{
    tyl_pf_off_ = 0;
    kind *k = tr->k;
    if (!k)
        return;
    k->asked |= atomic_load_explicit(&tyl_pf_asked_, memory_order_relaxed);
    if (tr->way >= 0 && (k->best[tr->way] < 0 || seconds < k->best[tr->way]))
        k->best[tr->way] = seconds;
    if (++k->calls <= TRIALS)
        return;
    int64_t asked = k->asked;
    double with = k->best[0], without = k->best[1];
    if (tyl_rt_nranks() > 1) {
        tyl_reduce_ranks(&asked, TYL_INT64, 1);
        tyl_reduce_ranks(&with, TYL_FLOAT64, 1);
        tyl_reduce_ranks(&without, TYL_FLOAT64, 1);
    }
    k->decided = asked && without < MARGIN * with;
    if (asked) {
        n_timed++;
        n_off += k->decided;
    }
    if (asked && verbose())
        fprintf(stderr, "tyles: prefetch of %s on rank %d: %s (%.3f ms of CPU a call with, %.3f without)\n", k->sw->where,
                tyl_rt_rank_, k->decided ? "off" : "on", 1e3 * with, 1e3 * without);
}

void tyl_pf_choice_reset_(void)
{
    for (int i = 0; i < SLOTS; i++)
        kinds[i] = (kind){0};
    nkinds = 0;
    n_timed = n_off = 0;
}

void tyl_pf_choice_counts_(int64_t *timed, int64_t *off)
{
    *timed = n_timed;
    *off = n_off;
}
