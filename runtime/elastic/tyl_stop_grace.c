/* tyl_stop_grace.c: a SIGTERM ends the job within TYLES_STOP_GRACE seconds, stuck or not.
 *
 * A SIGTERM inside a time loop asks for a checkpoint at the next step boundary, then exit 75
 * (tyl_ckpt.c). A job with a rank stuck in a collective (one rank stopped, dead under an MPI
 * that does not notice, or blocked in I/O) never reaches that boundary: the handler returns,
 * the collective goes on waiting, and only SIGKILL used to end it. Batch systems send SIGTERM
 * and, after a grace period (Slurm's KillWait 30 s, PBS's kill_delay 10 s), SIGKILL.
 *
 * So a thread started with the checkpoint layer sleeps on a semaphore, which the SIGTERM
 * handler posts (sem_post is async-signal-safe; nothing else there may allocate or lock). It
 * waits TYLES_STOP_GRACE seconds (default 20; 0: wait for the step boundary for ever, as
 * before). When the stop's checkpoint was written by then, tyl_stop_grace_done_ disarmed it.
 * Otherwise it calls the checkpoint layer's report (rank 0 says why, removes a partial
 * checkpoint folder: the last complete one stays LATEST, which a half-written one never was,
 * being renamed into place only when whole), then the process dies of SIGTERM, its default
 * action: mpirun, or the batch system, sees the job end by the signal it sent.
 *
 * The thread blocks every signal, so the handlers keep running on the threads they did. It
 * never calls MPI (MPI_THREAD_FUNNELED); it runs while the main thread waits inside MPI. */
#define _POSIX_C_SOURCE 200809L
#include "tyl_ckpt.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

static sem_t go;
static int started;
static int grace_s;
static atomic_int done, posted;
static void (*report)(int grace);

static void *watch(void *arg)
{
    (void)arg;
    while (sem_wait(&go) != 0 && errno == EINTR)
        ;
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        if (atomic_load(&done))
            return NULL;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((double)(now.tv_sec - t0.tv_sec) + 1e-9 * (double)(now.tv_nsec - t0.tv_nsec) >= grace_s)
            break;
        struct timespec nap = {0, 50000000};
        nanosleep(&nap, NULL);
    }
    if (report)
        report(grace_s);
    signal(SIGTERM, SIG_DFL);
    kill(getpid(), SIGTERM); /* delivered to a thread that does not block it: the process ends */
    for (;;)
        pause();
}

void tyl_stop_grace_setup_(void (*on_overdue)(int grace))
{
    report = on_overdue;
    if (started)
        return;
    grace_s = (int)tyl_env_num_("TYLES_STOP_GRACE", 20);
    if (grace_s <= 0 || sem_init(&go, 0, 0) != 0)
        return;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* the new thread inherits the mask */
    pthread_t th;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&at, 256 * 1024);
    if (pthread_create(&th, &at, watch, NULL) == 0)
        started = 1;
    pthread_attr_destroy(&at);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void tyl_stop_grace_start_(void)
{
    if (started && !atomic_exchange(&posted, 1))
        sem_post(&go);
}

void tyl_stop_grace_done_(void) { atomic_store(&done, 1); }
