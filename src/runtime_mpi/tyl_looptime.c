/* tyl_looptime.c: the wall and CPU time of each time loop, for --stats.
 *
 * A program's time (--time, --stats' total) holds its start-up, the arrays' first touch and
 * np.save. A benchmark that wants the loop alone used to subtract a run at 2 steps from a run at
 * S, and the start-up varied by 0.06-0.29 s between runs a minute apart on a loaded machine (Jacobi
 * 2-D f32 4096^2, 2 ranks: bench/RESULTS.md, 2026-12-06 h64), as much as the loop itself. The
 * time loops a checkpoint can resume (the loops of the program's own statement list) already call
 * the elastic layer as they start and end (tyl_ck_enter, tyl_ck_leave); those calls mark the
 * clocks here, and --stats prints per loop, on rank 0:
 *
 *   loop L    the wall time from the moment the last rank entered the loop to the moment the
 *             last rank left it (CLOCK_MONOTONIC, one clock for all the ranks of one node; a
 *             rank that enters late makes the others wait at their first exchange, which is
 *             start-up, not loop); on ranks spread over several nodes, whose clocks differ, the
 *             longest rank's own time instead, and the line says so. Each rank's own time too.
 *   cpu       the CPU time of every rank's process (all its threads) over the loop, summed, and
 *             the busiest rank's: core-seconds, which a loaded machine inflates far less than
 *             wall time.
 *   steps     its step boundaries (tyl_ck_step's calls: one a step, one a group of a time-tiled
 *             loop) and, on several ranks, those the ranks agreed at (runtime/elastic/tyl_agree.c:
 *             one in G), rank 0's count (a rank spawned by a grow has fewer).
 *
 * A loop entered again (a restart in place: a ULFM recovery jumps back into the loop it failed
 * in) adds its times, the abandoned entry's up to the new entry included; the span across ranks
 * is then given from each rank's own times. After an in-process rescale, a rank spawned into the
 * job enters the loop at the rescale, so the span starts there; each rank's own time still covers
 * its part.
 * Marking is two clock reads per loop; nothing changes in the run. */

#include "tyl_internal.h"
#include "tyl_mpi.h"

#include <stdio.h>
#include <time.h>

#include <stdlib.h>
#include <string.h>

/* One clock per loop number, grown as loops are entered: a program may have any number of time
 * loops (a fixed table of 64 dropped the 65th loop's line and those after it). */
static struct loop_clock {
    int entries;            /* times entered on this rank */
    int open;               /* entered and not left (a stop, --checkpoint's SIGTERM, ends the run in it) */
    double in, out;         /* CLOCK_MONOTONIC at the last entry and the last exit */
    double own, cpu;        /* summed over the entries: wall and process CPU seconds */
    double in_cpu;
    int64_t boundaries, agreements; /* summed over the entries (tyl_loop_steps_) */
} *loops;
static int nloops;

/* Loop `loop`'s clock, the table grown to hold it; NULL if memory runs out (not timed). */
static struct loop_clock *clock_of(int loop)
{
    if (loop >= nloops) {
        int n = nloops ? nloops : 64;
        while (n <= loop)
            n = n > (1 << 29) ? loop + 1 : 2 * n;
        struct loop_clock *t = realloc(loops, (size_t)n * sizeof *t);
        if (!t)
            return NULL;
        memset(t + nloops, 0, (size_t)(n - nloops) * sizeof *t);
        loops = t;
        nloops = n;
    }
    return &loops[loop];
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void tyl_loop_mark_(int loop, int leaving)
{
    struct loop_clock *c = loop >= 0 ? clock_of(loop) : NULL;
    if (!c)
        return;
    double t = clock_s(CLOCK_MONOTONIC), cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    if (!leaving) {
        if (c->open) { /* entered again without leaving (a ULFM recovery restarts the loop in
                          place): the abandoned entry's time counts, as a left entry's does */
            c->own += t - c->in;
            c->cpu += cpu - c->in_cpu;
        }
        c->entries++;
        c->open = 1;
        c->in = c->out = t;
        c->in_cpu = cpu;
        return;
    }
    if (!c->open)
        return;
    c->open = 0;
    c->out = t;
    c->own += t - c->in;
    c->cpu += cpu - c->in_cpu;
}

void tyl_loop_steps_(int loop, int64_t boundaries, int64_t agreements)
{
    struct loop_clock *c = loop >= 0 ? clock_of(loop) : NULL;
    if (!c)
        return;
    c->boundaries += boundaries;
    c->agreements += agreements;
}

/* Do all the ranks of comm run on one node (so that their CLOCK_MONOTONIC is one clock)? */
static int one_node(MPI_Comm comm, int size)
{
#ifndef TYL_NO_MPI
    if (size > 1) {
        MPI_Comm node;
        int n = 0;
        MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
        MPI_Comm_size(node, &n);
        MPI_Comm_free(&node);
        int all = n == size, every = all;
        MPI_Allreduce(&all, &every, 1, MPI_INT, MPI_LAND, comm);
        return every;
    }
#else
    (void)comm;
    (void)size;
#endif
    return 1;
}

void tyl_loop_report_(void)
{
    if (!tyl_rt_stats_)
        return;
    MPI_Comm comm = tyl_rt_comm_;
    int size = 1, top = -1;
    MPI_Comm_size(comm, &size);
    for (int l = 0; l < nloops; l++)
        if (loops[l].entries)
            top = l;
    int same = one_node(comm, size);
#ifndef TYL_NO_MPI
    if (size > 1) {
        int mine = top;
        MPI_Allreduce(&mine, &top, 1, MPI_INT, MPI_MAX, comm);
    }
#endif
    static const struct loop_clock none; /* a loop this rank never entered */
    for (int l = 0; l <= top; l++) {
        const struct loop_clock *c = l < nloops ? &loops[l] : &none;
        /* maxima of: entry, exit, own time, CPU time, entries, -own time, open, step boundaries,
         * agreements; and the CPU sum */
        double mine[9] = {c->in, c->out, c->own, c->cpu, (double)c->entries, -c->own, (double)c->open,
                          (double)c->boundaries, (double)c->agreements},
               mx[9], sum = c->cpu;
        for (int i = 0; i < 9; i++)
            mx[i] = mine[i];
#ifndef TYL_NO_MPI
        if (size > 1) {
            MPI_Allreduce(mine, mx, 9, MPI_DOUBLE, MPI_MAX, comm);
            MPI_Allreduce(&c->cpu, &sum, 1, MPI_DOUBLE, MPI_SUM, comm);
        }
#endif
        if (tyl_rt_rank_ != 0 || mx[4] < 1 || mx[6] > 0) /* never entered, or not left: no time */
            continue;
        int span = same && mx[4] == 1 && size > 1;
        if (size == 1)
            fprintf(stderr, "  loop %-2d     %10.6f s (the time loop's wall time); cpu %.6f s; %.0f step boundaries\n", l,
                    mx[2], sum, mx[7]);
        else
            fprintf(stderr, "  loop %-2d     %10.6f s (%s); each rank's own %.6f-%.6f s; cpu %.6f s all ranks, "
                    "%.6f s the busiest; %.0f step boundaries, %.0f agreed by the ranks\n", l,
                    span ? mx[1] - mx[0] : mx[2], span ? "the last rank in to the last rank out" : "the longest rank's own",
                    -mx[5], mx[2], sum, mx[3], mx[7], mx[8]);
    }
    if (tyl_rt_rank_ == 0)
        fflush(stderr);
}
