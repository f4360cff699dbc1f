/* tyl_rt_error.c: the bottom of libtyles: the process state every part reads (rank,
 * communicator, options) and the run-time errors every part raises, in program and library
 * mode alike, with the agreement that prints an error several ranks raise once. It calls
 * nothing else of libtyles, so that the layers above it (memory, distribution, halos, arrays)
 * report errors without calling back up into the array and finalisation code of tyl_rt.c. */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700
#include "tyl_internal.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

#include "tyl_mpi.h"

/* ---- process state ------------------------------------------------------------------------ */

int tyl_rt_rank_ = 0;
MPI_Comm tyl_rt_comm_ = MPI_COMM_WORLD;
tyl_ck_opts tyl_ck_opts_;
tyl_rt_elastic tyl_rt_elastic_;
tyl_rt_state tyl_rt_ = {.size = 1, .prog = "tyles", .source = "?"};
bool tyl_rt_stats_ = false;         /* --stats */
bool tyl_rt_progress_ = false;      /* --progress */

void tyl_rt_set_grid(int grid_rank) { tyl_rt_.grid_rank = grid_rank; }
void tyl_rt_set_grid_tiled(void) { tyl_rt_.grid_tiled = true; }

bool tyl_rt_mpi_active_(void)
{
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    if (!init)
        return false;
    MPI_Finalized(&fin);
    return !fin;
}

/* ---- errors ------------------------------------------------------------------------------- */

static atomic_int rt_error_entered;

/* "PROG: WHERE: error: MESSAGE" (or "PROG: error: MESSAGE") on stderr, after stdout. */
static void print_error(const char *where, const char *fmt, va_list ap)
{
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    fflush(stdout);
    if (where && *where)
        fprintf(stderr, "%s: %s: error: %s\n", tyl_rt_.prog, where, msg);
    else
        fprintf(stderr, "%s: error: %s\n", tyl_rt_.prog, msg);
    fflush(stderr);
}

/* Library mode: the message goes to the context and the API call in progress returns a status
 * (tyl_lib.c). Not from inside an OpenMP region: a longjmp cannot leave one, so an error raised
 * by a thread there ends the job as in program mode (the runtime raises none there today but
 * out of memory). An error that every rank raised is collective (the agreement below finds out), so
 * that the application prints it once. */
static bool lib_return(const char *where, const char *fmt, va_list ap, int collective)
{
    if (!tyl_rt_.lib || !tyl_rt_.lib_catch || omp_in_parallel())
        return false;
    char msg[sizeof tyl_rt_.lib_msg - 256];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (where && *where)
        snprintf(tyl_rt_.lib_msg, sizeof tyl_rt_.lib_msg, "%s: error: %s", where, msg);
    else
        snprintf(tyl_rt_.lib_msg, sizeof tyl_rt_.lib_msg, "error: %s", msg);
    tyl_rt_.lib_collective = collective || tyl_rt_.size <= 1 || (tyl_rt_error_agree_() & TYL_ERR_ALL) != 0;
    return true;
}

/* Prints the message (once, from one rank: the agreement below) and ends the job with status 1. */
static _Noreturn void report_and_end(const char *where, const char *fmt, va_list ap)
{
    int how = tyl_rt_error_agree_();
    if (how & TYL_ERR_SAY)
        print_error(where, fmt, ap);
    fflush(stderr);
    if (tyl_rt_mpi_active_()) {
        /* MPI_Finalize must come from the main thread, and after an ULFM recovery it can wait
         * for ever for the rank that died (tyl_rt_finalize) */
        bool finish = !omp_in_parallel() && tyl_rt_.we_initialized_mpi &&
                      !(tyl_rt_elastic_.recovered_in_place && tyl_rt_elastic_.recovered_in_place());
        if (how & TYL_ERR_ALL) {
            if (finish)
                MPI_Finalize();
            /* Without MPI_Finalize's synchronisation a silent rank would exit first, and mpirun
             * would kill rank 0 for it before rank 0's message left: wait for rank 0 to end. */
            else if (!(how & TYL_ERR_SAY) && tyl_rt_.size > 1)
                tyl_rt_error_linger_();
            exit(1);
        }
        if (tyl_rt_.size > 1) {
            if (how & TYL_ERR_SAY)
                tyl_rt_error_said_();
            else
                tyl_rt_error_linger_();
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        if (finish)
            MPI_Finalize();
    }
    exit(1);
}

_Noreturn void tyl_rt_error(const char *where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool lib = lib_return(where, fmt, ap, 0);
    va_end(ap);
    if (lib)
        longjmp(*tyl_rt_.lib_catch, 1);
    /* Several OpenMP threads may fail at once: the first reports, the others wait for exit. */
    if (atomic_exchange(&rt_error_entered, 1)) {
        for (;;)
            pause();
    }
    va_start(ap, fmt);
    report_and_end(where, fmt, ap);
}

/* A run-time error that every rank reaches together (the ranks agreed on it, as tyl_npy.c does):
 * rank 0 prints it once in tyl_rt_error's format, then every rank finishes MPI and exits 1, so
 * there is no MPI_Abort and no rank is left waiting. Call it from the main thread. It goes the
 * way of tyl_rt_error (the agreement below), which ends alike when every rank raises an error: where
 * the ranks did not agree after all (sys.argv differing between the programs of an MPMD
 * launch), the one that raised it still prints and ends the job, where it waited for ever in
 * MPI_Finalize, silent unless it was rank 0. */
_Noreturn void tyl_rt_error_all(const char *where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool lib = lib_return(where, fmt, ap, 1);
    va_end(ap);
    if (lib)
        longjmp(*tyl_rt_.lib_catch, 1);
    va_start(ap, fmt);
    report_and_end(where, fmt, ap);
}

/* ---- shapes ------------------------------------------------------------------------------- */

/* "(3, 4)", "(5,)": NumPy's shape in messages. */
const char *tyl_rt_shape_str(char *buf, int rank, const int64_t *shape)
{
    size_t k = 0, cap = 128;
    buf[k++] = '(';
    for (int i = 0; i < rank; i++) {
        int n = snprintf(buf + k, cap - k, "%s%lld", i ? ", " : "", (long long)shape[i]);
        k += (size_t)n;
    }
    if (rank == 1)
        buf[k++] = ',';
    buf[k++] = ')';
    buf[k] = '\0';
    return buf;
}

/* ---- one message ------------------------------------------------------------------------- */

/* One message for a run-time error that several ranks raise (tyl_rt_error).
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
 * was said.
 *
 * Where it runs from:
 *   - a thread inside an OpenMP parallel region: no other thread of the process calls MPI there
 *     (the runtime calls none inside its regions), so the erring thread may, when it is the main
 *     thread or MPI gave MPI_THREAD_SERIALIZED (which tyl_rt_init asks for; an application in
 *     library mode may give only FUNNELED: then a worker thread prints at once, as before);
 *   - an ULFM job: the communicator's handler would start a recovery on a failed peer, and a
 *     probe of any source fails while a failure is unacknowledged, so the agreement sets
 *     MPI_ERRORS_RETURN and probes each rank by itself (drain); a rank that died is one that
 *     never speaks. No request is freed while pending: Open MPI aborts the job for a freed send that
 *     fails ("Send error after request freed"); the sends are waited for when every rank has
 *     heard them, else left to the process's end;
 *   - library mode (lib_return above): the call returns the message instead of printing it;
 *     the agreement only finds whether every rank raised one (tyl_ctx_error_collective), so
 *     that the application prints it once. The context lives on, so the messages must all be
 *     received: they are when every rank raised one, and otherwise the error is fatal for the
 *     communicator (docs/LIBRARY.md). */
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
/* The zero-byte sends of this process's agreement: never freed while pending (above). */
static MPI_Request *sent;
static int nsent;

static void send_all(MPI_Comm comm, int size, int rank, int tag)
{
    MPI_Request *more = realloc(sent, sizeof *sent * (size_t)(nsent + size));
    if (!more)
        return; /* no memory: the others hear nothing and time out */
    sent = more;
    for (int r = 0; r < size; r++)
        if (r != rank)
            MPI_Isend(NULL, 0, MPI_BYTE, r, tag, comm, &sent[nsent++]);
}

/* The sends from sent[first] on have all been received (every rank heard every other):
 * complete them. Those of an earlier error that not every rank raised stay (library mode). */
static void sent_done(int first)
{
    MPI_Waitall(nsent - first, sent + first, MPI_STATUSES_IGNORE);
    nsent = first;
}

/* Receives the message of tag that each rank not yet heard from (got[r] == 0) has sent, if it
 * has arrived; returns how many, *lowest the lowest sender. One message per rank and round, by
 * probing rank by rank: a probe of any source fails in an ULFM job after a failure, and in
 * library mode a rank may already be sending its next error's message. */
static int drain(MPI_Comm comm, int size, int rank, int tag, char *got, int *lowest)
{
    int n = 0;
    for (int r = 0; r < size; r++) {
        int flag = 0;
        if (r == rank || got[r] || MPI_Iprobe(r, tag, comm, &flag, MPI_STATUS_IGNORE) != MPI_SUCCESS || !flag)
            continue;
        MPI_Recv(NULL, 0, MPI_BYTE, r, tag, comm, MPI_STATUS_IGNORE);
        got[r] = 1;
        if (r < *lowest)
            *lowest = r;
        n++;
    }
    return n;
}
#endif

/* May this thread call MPI now? Outside a parallel region, or inside one (where no other thread
 * calls MPI) the main thread, or any thread where MPI serializes for us. */
static bool may_call_mpi(void)
{
#ifdef TYL_NO_MPI
    return false;
#else
    if (!omp_in_parallel())
        return true;
    int main_thread = 0, level = MPI_THREAD_SINGLE;
    MPI_Is_thread_main(&main_thread);
    MPI_Query_thread(&level);
    return main_thread || level >= MPI_THREAD_SERIALIZED;
#endif
}

static bool can_agree(int *size, int *rank)
{
#ifdef TYL_NO_MPI
    (void)size;
    (void)rank;
    return false;
#else
    if (!tyl_rt_mpi_active_() || tyl_rt_comm_ == MPI_COMM_NULL || !may_call_mpi())
        return false;
    /* a library without a context has no communicator of its own: never message the application's */
    if (tyl_rt_.lib && tyl_rt_comm_ == MPI_COMM_WORLD)
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
    const bool lib = tyl_rt_.lib;
    char *got = calloc(2 * (size_t)size, 1); /* the ranks heard from: errors, then SAID */
    if (!got)
        return TYL_ERR_SAY;
    MPI_Errhandler was;
    MPI_Comm_get_errhandler(comm, &was);
    MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
    int first = nsent;
    send_all(comm, size, rank, TAG_ERR);
    int heard = 1, lowest = rank, said = 0, who = size, how;
    double t0 = MPI_Wtime();
    for (;;) {
        heard += drain(comm, size, rank, TAG_ERR, got, &lowest);
        if (!lib)
            said += drain(comm, size, rank, TAG_SAID, got + size, &who);
        double t = MPI_Wtime() - t0;
        if (heard == size) {
            sent_done(first);
            how = TYL_ERR_ALL | (rank == 0 ? TYL_ERR_SAY : 0);
            break;
        }
        if (said) {
            how = 0;
            break;
        }
        if ((t > WAIT_S && (lowest == rank || lib)) || t > WAIT_S + SAID_WAIT_S) {
            how = TYL_ERR_SAY;
            break;
        }
        nap();
    }
    free(got);
    MPI_Comm_set_errhandler(comm, was);
    MPI_Errhandler_free(&was);
    return how;
#else
    return TYL_ERR_SAY;
#endif
}

void tyl_rt_error_said_(void)
{
    int size = 1, rank = 0;
    if (can_agree(&size, &rank)) {
#ifndef TYL_NO_MPI
        MPI_Comm_set_errhandler(tyl_rt_comm_, MPI_ERRORS_RETURN);
        send_all(tyl_rt_comm_, size, rank, TAG_SAID);
        /* the zero-byte messages leave before the abort kills the job: let them go out */
        double t0 = MPI_Wtime();
        while (MPI_Wtime() - t0 < 0.05) {
            int flag;
            MPI_Testall(nsent, sent, &flag, MPI_STATUSES_IGNORE);
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

/* The NumPy name of a dtype, for the messages of every layer (here at the bottom, so that
 * printing and npy files do not call up into tyl_rt.c for it). */
const char *tyl_dtype_name_(tyl_dtype t)
{
    switch (t) {
    case TYL_BOOL: return "bool";
    case TYL_INT32: return "int32";
    case TYL_INT64: return "int64";
    case TYL_FLOAT32: return "float32";
    case TYL_FLOAT64: return "float64";
    case TYL_INT8: return "int8";
    case TYL_UINT8: return "uint8";
    case TYL_INT16: return "int16";
    case TYL_UINT16: return "uint16";
    case TYL_UINT32: return "uint32";
    case TYL_UINT64: return "uint64";
    }
    return "?";
}
