/* tyl_rt_once.c: one message for a run-time error that several ranks raise (tyl_rt_error).
 *
 * An error in replicated code (an index out of bounds computed alike everywhere, a failed
 * np.load, int() of a bad sys.argv) is raised by every rank at about the same moment; each used
 * to print it, then MPI_Abort, so the user read it once per rank between Open MPI's banners and
 * its "show_help" complaints about several aborts at once. An error that one rank alone raises
 * (a point of its own block) must still be printed, though no other rank will ever hear of it:
 * they may be waiting for the erring rank in a collective, or computing for minutes.
 *
 * So each erring rank tells every other rank (a zero-byte message on the job's communicator,
 * tag TAG_ERR: no receive in libtyles takes MPI_ANY_TAG, and collectives do not see
 * point-to-point messages), then listens:
 *   - every rank raised one: rank 0 prints, every rank finishes MPI and exits 1 (no abort);
 *   - otherwise, after WAIT_S, the lowest rank heard from prints (its own message), tells the
 *     others it did (TAG_SAID) and aborts the job; the others stay quiet and wait to be killed.
 *     A lower rank that never speaks (it died) leaves the word to the next after SAID_WAIT_S.
 * A rank that reaches its error later than WAIT_S after another prints nothing more: the word
 * was said. Only the main thread outside a parallel region may call MPI (MPI_THREAD_FUNNELED),
 * and an ULFM job's communicators call its recovery on a failed peer: both print at once, as
 * before. */
#define _POSIX_C_SOURCE 200809L
#include "tyl_internal.h"

#include <time.h>

#include <omp.h>

#include "tyl_mpi.h"

enum { TAG_ERR = 30571, TAG_SAID = 30572 };
/* Ranks raising the same error in replicated code reach it within scheduling noise of each
 * other (milliseconds; under a load of 12 on 2 cores, tenths of a second): 2 s is ample and is
 * what a lone rank's error waits before the job is ended. */
#define WAIT_S 2.0
#define SAID_WAIT_S 3.0

static void nap(void)
{
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
}

#ifndef TYL_NO_MPI
static void send_all(MPI_Comm comm, int size, int rank, int tag)
{
    for (int r = 0; r < size; r++) {
        if (r == rank)
            continue;
        MPI_Request q;
        MPI_Isend(NULL, 0, MPI_BYTE, r, tag, comm, &q);
        MPI_Request_free(&q);
    }
}

/* Receives every message of tag that has arrived; returns how many, *lowest the lowest sender. */
static int drain(MPI_Comm comm, int tag, int *lowest)
{
    int n = 0;
    for (;;) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, tag, comm, &flag, &st);
        if (!flag)
            return n;
        MPI_Recv(NULL, 0, MPI_BYTE, st.MPI_SOURCE, tag, comm, MPI_STATUS_IGNORE);
        if (st.MPI_SOURCE < *lowest)
            *lowest = st.MPI_SOURCE;
        n++;
    }
}
#endif

static bool can_agree(int *size, int *rank)
{
#ifdef TYL_NO_MPI
    (void)size;
    (void)rank;
    return false;
#else
    if (!tyl_rt_mpi_active_() || omp_in_parallel() || tyl_rt_comm_ == MPI_COMM_NULL || tyl_rt_.lib)
        return false;
    if (tyl_rt_elastic_.ulfm_enabled && tyl_rt_elastic_.ulfm_enabled())
        return false;
    MPI_Comm_size(tyl_rt_comm_, size);
    MPI_Comm_rank(tyl_rt_comm_, rank);
    return *size > 1;
#endif
}

int tyl_rt_error_agree_(void)
{
    int size = 1, rank = 0;
    if (!can_agree(&size, &rank))
        return TYL_ERR_SAY;
#ifndef TYL_NO_MPI
    MPI_Comm comm = tyl_rt_comm_;
    send_all(comm, size, rank, TAG_ERR);
    int heard = 1, lowest = rank, said = 0, who = size;
    double t0 = MPI_Wtime();
    for (;;) {
        heard += drain(comm, TAG_ERR, &lowest);
        said += drain(comm, TAG_SAID, &who);
        if (heard == size)
            return TYL_ERR_ALL | (rank == 0 ? TYL_ERR_SAY : 0);
        if (said)
            return 0;
        double t = MPI_Wtime() - t0;
        if ((t > WAIT_S && lowest == rank) || t > WAIT_S + SAID_WAIT_S)
            return TYL_ERR_SAY;
        nap();
    }
#else
    return TYL_ERR_SAY;
#endif
}

void tyl_rt_error_said_(void)
{
    int size = 1, rank = 0;
    if (can_agree(&size, &rank)) {
#ifndef TYL_NO_MPI
        send_all(tyl_rt_comm_, size, rank, TAG_SAID);
        /* the zero-byte messages leave before the abort kills the job: let them go out */
        double t0 = MPI_Wtime();
        while (MPI_Wtime() - t0 < 0.05) {
            int flag;
            MPI_Iprobe(MPI_ANY_SOURCE, TAG_SAID, tyl_rt_comm_, &flag, MPI_STATUS_IGNORE);
            nap();
        }
#endif
    }
}

void tyl_rt_error_linger_(void)
{
    /* the rank that printed ends the job; if it cannot, end it from here after a while */
    for (int i = 0; i < 10000; i++)
        nap();
}
