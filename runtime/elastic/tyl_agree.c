/* tyl_agree.c: the ranks' agreement at the step boundaries of a time loop.
 *
 * Signals and requests reach the ranks at different moments, but every rank must act on them
 * (checkpoint, stop, rescale) at the same step. So the ranks agree: they OR their flags in a
 * collective, started at one step boundary and completed at a later one, where all of them act
 * on the result.
 *
 * Agreeing at every step boundary cost a loop of tiny iterations (a user's scalar loop over the
 * elements of an array, microseconds a step) far more than its work: under oversubscription each
 * agreement waits for a time slice of every rank (a loop of 18,268 steps took 22-24 s at 4 ranks
 * on 2 cores, against 0.9-1.9 s without the agreements: h139, docs/ELASTIC.md). So the ranks
 * agree at one step boundary in G:
 *
 *   - at agreement A_i a rank completes the collective started at A_{i-1} and starts the next;
 *     the completed one holds the flags the ranks had at A_{i-1} and G_i, so that
 *     A_{i+1} = A_i + G_i on every rank: the ranks agree on the steps they agree at;
 *   - each rank proposes G from its own clock: the steps it ran since its last agreement and
 *     the time they took (its waits in the agreement left out), so that the steps between two
 *     agreements take about AGREE_S seconds; the collective takes the smallest proposal (the
 *     slowest rank's), so the bound holds on every rank. A proposal at most doubles the G in
 *     force (a loop starts at G = 1 and the estimate catches up before G is large), and G never
 *     exceeds AGREE_GMAX;
 *   - a step rank 0 must see agreed exactly (TYLES_FAULT_RESCALE's, which tests give as fixed
 *     steps) caps the proposals so that an agreement falls on it and the next one on the step
 *     after: the request is acted on at the step after its own, as when every step agreed.
 *
 * A signal is acted on at most two intervals after it arrives (seen at the next agreement,
 * agreed at the one after): about 2 * AGREE_S while the steps keep their pace; a loop whose steps
 * suddenly slow down finishes the interval in force first (at most G of the slower steps).
 * One rank agrees with nobody: every step boundary acts on its own flags at once.
 *
 * An ULFM job agrees with a blocking MPI_Allreduce (its result still used at the next agreement,
 * so both act at the same steps): a rank lost while an MPI_Iallreduce is pending makes Open MPI
 * 5's libnbc abort the schedule and free its pending sends, and one of those that then fails
 * aborts the survivor ("Send error after request freed ... MPI_ERR_REQUEST", about one run in 20
 * of tests/elastic/ulfm.sh under load), whatever error handler the job set.
 */
#define _POSIX_C_SOURCE 200809L
#include "tyl_ckpt.h"
#include "runtime_mpi/tyl_mpi.h"

#include <time.h>

/* The steps between two agreements last about this long (the delay to act on a signal is at
 * most about twice it), and never more than AGREE_GMAX steps. */
#define AGREE_S 0.01
#define AGREE_GMAX (1 << 20)

/* What travels in an agreement: one int per flag (MPI_MAX of 0 and 1 is their OR) and -G (MPI_MAX
 * of -G is the smallest G), so one predefined reduction does both. */
enum { AG_FLAGS = 8, AG_LEN = AG_FLAGS + 1 };

static struct {
    int fresh;            /* nothing agreed since the loop was entered or the ranks changed */
    int pending;          /* an agreement was started and not completed */
    int64_t next;         /* the step of the next agreement */
    int g;                /* the steps from the last agreement to the next one */
    int64_t boundaries;   /* step boundaries and agreements since the loop was entered (--stats) */
    int64_t agreements;
    /* this rank's clock: the step and time of the last agreement, once it was completed */
    int64_t at_k;
    double at_t;
} ag;

#ifndef TYL_NO_MPI
static MPI_Request ag_rq = MPI_REQUEST_NULL;
static int ag_send[AG_LEN], ag_recv[AG_LEN];
#endif

static double clock_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void tyl_ag_reset_(void)
{
    tyl_ag_finish_();
    ag.fresh = 1;
    ag.g = 1;
}

void tyl_ag_enter_(void)
{
    tyl_ag_reset_();
    ag.boundaries = ag.agreements = 0;
}

int tyl_ag_boundary_(int64_t k)
{
    ag.boundaries++;
    return ag.fresh || k >= ag.next || tyl_rt_nranks() == 1;
}

/* The flags (bit i from ag_recv[i]) of the agreement in flight, completed; G from it too. */
int tyl_ag_finish_(void)
{
    int f = 0;
#ifndef TYL_NO_MPI
    if (ag.pending) {
        if (ag_rq != MPI_REQUEST_NULL) /* none in an ULFM job: its result is in ag_recv already */
            MPI_Wait(&ag_rq, MPI_STATUS_IGNORE);
        for (int i = 0; i < AG_FLAGS; i++)
            f |= ag_recv[i] ? 1 << i : 0;
        ag.g = -ag_recv[AG_FLAGS];
    }
#endif
    ag.pending = 0;
    return f;
}

/* This rank's proposal for the G of the interval that starts at the next agreement (step
 * `next`), made at step k at time t; `fixed`: a step an agreement must fall on (-1: none). */
static int propose(int64_t k, double t, int64_t next, int64_t fixed)
{
    int p = 1;
    if (!ag.fresh && k > ag.at_k) {
        double per = (t - ag.at_t) / (double)(k - ag.at_k), want = per > 0 ? AGREE_S / per : AGREE_GMAX;
        int most = ag.g > AGREE_GMAX / 2 ? AGREE_GMAX : 2 * ag.g;
        p = want >= most ? most : want < 1 ? 1 : (int)want;
    }
    if (fixed >= 0 && fixed == next)
        p = 1;
    else if (fixed > next && fixed - next < p)
        p = (int)(fixed - next);
    return p;
}

int tyl_ag_step_(int64_t k, int mine, int64_t fixed)
{
    if (tyl_rt_nranks() == 1)
        return mine;
#ifndef TYL_NO_MPI
    double t = clock_s(); /* before the wait: the steps' own time */
    int f = tyl_ag_finish_();
    int64_t next = k + ag.g;
    for (int i = 0; i < AG_FLAGS; i++)
        ag_send[i] = mine >> i & 1;
    ag_send[AG_FLAGS] = -propose(k, t, next, fixed);
    if (tyl_ulfm_enabled_())
        MPI_Allreduce(ag_send, ag_recv, AG_LEN, MPI_INT, MPI_MAX, tyl_ck_comm_);
    else
        MPI_Iallreduce(ag_send, ag_recv, AG_LEN, MPI_INT, MPI_MAX, tyl_ck_comm_, &ag_rq);
    ag.pending = 1;
    ag.fresh = 0;
    ag.next = next;
    ag.agreements++;
    ag.at_k = k;
    ag.at_t = clock_s();
    return f;
#else
    (void)k;
    (void)fixed;
    return mine;
#endif
}

void tyl_ag_drop_(void)
{
#ifndef TYL_NO_MPI
    ag_rq = MPI_REQUEST_NULL; /* its communicator was revoked and is gone */
#endif
    ag.pending = 0;
    ag.fresh = 1;
    ag.g = 1;
}

int tyl_ag_every_(void) { return tyl_rt_nranks() == 1 || ag.g < 1 ? 1 : ag.g; }

void tyl_ag_counts_(int64_t *boundaries, int64_t *agreements)
{
    *boundaries = ag.boundaries;
    *agreements = ag.agreements;
}
