/* tyl_rt_end.c: the end of a run, and the change of its job that every module hears of:
 * tyl_rt_finalize (main's return, sys.exit, a library context freed), tyl_rt_exit_ (a
 * checkpoint's stop), tyl_rt_leave_ (a rank leaving a shrinking job) and tyl_rt_set_size_ (the
 * job's communicator changed).
 *
 * The top of the core's layers (tools/rt_layers.py prints them): these call down into each
 * module that holds something to release, all in one place and one order, and no module of the
 * core calls them; the generated main, library mode (tyl_lib.c) and the elastic runtime
 * (runtime/elastic), above the core, do. The elastic runtime's own part of the end is reached
 * through the hooks of tyl_rt_elastic_ (tyl_internal.h), which those above both plug in. The
 * order: printed output flushed, every array freed, the checkpoints ended (end_checkpoints:
 * the last agreement finished, the elastic layer's communicator freed, its "done" event), the
 * --stats summary (collective), the halo exchange, the process grid and the memory released,
 * then MPI_Finalize last. */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700
#include "tyl_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tyl_mem.h"
#include "tyl_mpi.h"
#include "tyl_xchg.h"

/* The job's communicator changed (a rescale, a recovery): the processes that joined know
 * nothing of what the others measured, so none keeps it. */
void tyl_rt_set_size_(int rank, int size)
{
    tyl_rt_rank_ = rank;
    tyl_rt_.size = size;
    tyl_tt_choice_reset_();
    tyl_pf_choice_reset_();
}

/* A rank leaving a shrinking job has handed its data over (the rescale's barrier came after
 * the exchange) and holds no communicator shared with the ranks that stay (tyl_rescale.c).
 * Its MPI_Finalize waits, sleeping, for the rest of its own MPI job: the whole run for a rank
 * of the first launch. No time limit: a process of the first launch that exits without
 * finishing MPI makes mpirun kill the job (a 10 s limit here killed every run that went on
 * for more than 10 s after a shrink). */
_Noreturn void tyl_rt_leave_(void)
{
    tyl_mem_sync();
    fflush(stdout);
    tyl_rt_free_blocks_();
    tyl_print_reset_();
    tyl_files_close_();
    tyl_text_free_();
    tyl_sdict_free_();
    tyl_halo_finalize_();
    tyl_dist_finalize();
    tyl_mem_finalize();
    if (tyl_rt_elastic_.before_mpi_finalize)
        tyl_rt_elastic_.before_mpi_finalize();
    if (tyl_rt_mpi_active_() && tyl_rt_.we_initialized_mpi)
        MPI_Finalize();
    exit(0);
}

_Noreturn void tyl_rt_exit_(int status)
{
    int st = tyl_rt_finalize();
    exit(status ? status : st);
}

/* After an in-place ULFM recovery, Open MPI 5's MPI_Finalize can wait forever in its PMIx fence
 * for the rank that died (open-mpi/ompi#11404). By then every output is written and flushed:
 * if the finalize has not returned after TYLES_ULFM_FINALIZE_GRACE seconds (default 10; 0
 * skips it), the process ends with status 0 instead of hanging. */
/* Open MPI 4.1's singleton MPI_Finalize can likewise wait forever: it joins its progress thread
 * after closing the pmix component whose event callback that thread may be running, which then
 * waits on a lock of the state the component released (tests/stress/README.md; tyl_mpipin.c
 * keeps the code mapped, so that it no longer faults instead). A singleton whose MPI_Finalize
 * has not returned after TYLES_SINGLETON_FINALIZE_GRACE seconds (default 10; 0 skips it) ends
 * with its own status: no other process waits for it, and its orted leaves when it does. */
static volatile sig_atomic_t finalize_status, finalize_note;

static void finalize_timeout(int sig)
{
    (void)sig;
    static const char note[] = "tyles: note: MPI_Finalize did not return within TYLES_SINGLETON_FINALIZE_GRACE "
                               "seconds (Open MPI's singleton finalize); the run ends here, its outputs complete\n";
    if (finalize_note) {
        ssize_t w = write(2, note, sizeof note - 1); /* async-signal-safe; a lost note is lost */
        (void)w;
    }
    _exit(finalize_status);
}

static void finalize_watchdog(const char *env, int status)
{
    int grace = (int)tyl_env_num_(env, 10);
    fflush(NULL);
    if (grace <= 0)
        _exit(status);
    finalize_status = status;
    finalize_note = strcmp(env, "TYLES_SINGLETON_FINALIZE_GRACE") == 0;
    signal(SIGALRM, finalize_timeout);
    alarm((unsigned)grace);
}

/* What print() wrote and standard output did not take (a full disk, an I/O error) is lost: as
 * Python's print raises OSError, the program says so and ends with status 1 instead of 0 (a
 * standard output closed when it started is /dev/null: tyl_rt_init). Not the application's
 * standard output in library mode. 0, or 1 after the message. */
static int stdout_lost(void)
{
    errno = 0;
    int failed = fflush(stdout) != 0;
    int err = errno;
    if (tyl_rt_.lib || (!failed && !ferror(stdout)))
        return 0;
    fprintf(stderr, "%s: error: cannot write standard output%s%s: the program's printed output is lost\n",
            tyl_rt_.prog ? tyl_rt_.prog : "tyles", failed && err ? ": " : "", failed && err ? strerror(err) : "");
    fflush(stderr);
    return 1;
}

int tyl_rt_finalize(void)
{
    tyl_mem_sync();
    double t = tyl_rt_mpi_active_() ? MPI_Wtime() - tyl_rt_.t0 : 0.0;
    int status = stdout_lost();
    if (tyl_rt_.time && tyl_rt_rank_ == 0) {
        fprintf(stderr, "tyles: time %.6f s\n", t);
        fflush(stderr);
    }
    tyl_rt_free_blocks_();
    tyl_print_reset_();
    if (tyl_rt_elastic_.end_checkpoints)
        tyl_rt_elastic_.end_checkpoints();
    int64_t tt_counts[3];
    tyl_tt_choice_counts_(&tt_counts[0], &tt_counts[1], &tt_counts[2]);
    tyl_dist_report(t, tyl_xchg_name(), tt_counts);
    tyl_loop_report_();
    tyl_halo_finalize_();
    tyl_dist_finalize();
    tyl_mem_finalize();
    free(tyl_ck_opts_.exe);
    tyl_ck_opts_.exe = NULL;
    if (tyl_rt_elastic_.before_mpi_finalize)
        tyl_rt_elastic_.before_mpi_finalize();
    if (tyl_rt_mpi_active_() && tyl_rt_.we_initialized_mpi) {
        if (tyl_rt_elastic_.recovered_in_place && tyl_rt_elastic_.recovered_in_place())
            finalize_watchdog("TYLES_ULFM_FINALIZE_GRACE", 0);
        else if (tyl_rt_.singleton && tyl_rt_.size == 1) /* not after a grow: its ranks finalize with us */
            finalize_watchdog("TYLES_SINGLETON_FINALIZE_GRACE", status);
        MPI_Finalize();
        alarm(0);
    }
    return status;
}

/* ---- sys.exit ------------------------------------------------------------------------------ */

_Noreturn void tyl_sys_exit(int64_t status, const char *msg)
{
    /* A solver of an application (tylesc --lib) never ends the process (docs/LIBRARY.md): its
     * call returns TYL_ERROR with Python's SystemExit, which every rank reached together. */
    if (tyl_rt_.lib) {
        if (msg)
            tyl_rt_error_all(NULL, "SystemExit: %s", msg);
        tyl_rt_error_all(NULL, "SystemExit: %lld", (long long)status);
    }
    fflush(stdout);
    if (msg && tyl_rt_rank_ == 0) {
        fprintf(stderr, "%s\n", msg);
        fflush(stderr);
    }
    int st = tyl_rt_finalize(); /* 1 when printed output was lost */
    exit((int)(status & 0xff) ? (int)(status & 0xff) : st);
}
