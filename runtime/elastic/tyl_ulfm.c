/* tyl_ulfm.c: surviving a lost rank inside the job, with ULFM (User Level Failure Mitigation).
 *
 * Compiled in only where the build finds ULFM in <mpi-ext.h> (the Makefile defines
 * TYL_HAVE_ULFM; Open MPI 5 built with --with-ft=ulfm, or MPICH with ULFM), and used only when
 * TYLES_ULFM=1 at run time (and the job is started with fault tolerance on, e.g.
 * `mpirun --with-ft ulfm`). Everywhere else a lost rank ends the job and tylesrun relaunches it
 * from the newest checkpoint, which is the path this machine's Open MPI 4.1 supports.
 *
 * With ULFM: every communicator of the runtime returns errors instead of aborting. The first
 * MPI call that sees a failed peer (MPIX_ERR_PROC_FAILED) or a revoked communicator revokes the
 * job's communicator so every survivor's pending and next calls fail too, then each survivor:
 *   1. shrinks the communicator to the survivors (MPIX_Comm_shrink) and makes it the job's;
 *   2. rebuilds the process grid for the new rank count (MPI_Dims_create);
 *   3. agrees on the newest checkpoint valid everywhere: the same candidate search as
 *      --restart, collective over the survivors, confirmed with MPIX_Comm_agree (a failure
 *      during the search starts the recovery again);
 *   4. drops its arrays and jumps (longjmp) back to main()'s recovery point, from where the
 *      restart path loads the checkpoint with the same loader as --restart.
 * Recovery ends up where a relaunch would, without the ~0.4 s of a new mpirun and MPI_Init.
 */
#define _POSIX_C_SOURCE 200809L
#include "tyl_elastic.h"

jmp_buf tyl_ck_jmp;

#ifdef TYL_HAVE_ULFM
#include "runtime_mpi/tyl_mpi.h"
#include "runtime_mpi/tyl_xchg.h"

#include <mpi-ext.h>
#include <stdlib.h>
#include <string.h>

static int ulfm_on;
static MPI_Errhandler ulfm_eh = MPI_ERRHANDLER_NULL;
static int (*ck_find)(void);   /* the checkpoint layer's (tyl_ulfm_setup_) */
static void (*ck_drop)(void);

static void on_error(MPI_Comm *comm, int *code, ...)
{
    int cls;
    MPI_Error_class(*code, &cls);
    if (cls != MPIX_ERR_PROC_FAILED && cls != MPIX_ERR_REVOKED) {
        char msg[MPI_MAX_ERROR_STRING];
        int n;
        MPI_Error_string(*code, msg, &n);
        tyl_rt_error("MPI", "%s", msg);
    }
    MPIX_Comm_revoke(*comm);
    if (*comm != tyl_rt_comm_)
        MPIX_Comm_revoke(tyl_rt_comm_);
    tyl_ulfm_recover_();
}

void tyl_ulfm_setup_(int (*find)(void), void (*drop)(void))
{
    ck_find = find;
    ck_drop = drop;
    const char *e = getenv("TYLES_ULFM");
    ulfm_on = e && !strcmp(e, "1");
    if (!ulfm_on)
        return;
    if (ulfm_eh == MPI_ERRHANDLER_NULL)
        MPI_Comm_create_errhandler(on_error, &ulfm_eh);
    MPI_Comm_set_errhandler(tyl_rt_comm_, ulfm_eh);
    tyl_dist_set_errhandler_(ulfm_eh);
    tyl_ck_set_errhandler_(ulfm_eh);
}

int tyl_ulfm_enabled_(void) { return ulfm_on; }

static int ulfm_recovered;
int tyl_ulfm_recovered_(void) { return ulfm_recovered; }

_Noreturn void tyl_ulfm_recover_(void)
{
    double t0 = tyl_wall_();
    ulfm_recovered = 1;
    for (;;) {
        MPI_Comm shrunk;
        MPIX_Comm_shrink(tyl_rt_comm_, &shrunk);
        MPI_Comm_set_errhandler(shrunk, ulfm_eh);
        int me, size;
        MPI_Comm_rank(shrunk, &me);
        MPI_Comm_size(shrunk, &size);
        tyl_rt_comm_ = shrunk;
        tyl_rt_set_size_(me, size);
        tyl_xchg_peer_failed_ = 1;
        tyl_halo_regrid_(size, me);
        tyl_dist_set_errhandler_(ulfm_eh);
        tyl_ck_recomm_();
        tyl_ck_set_errhandler_(ulfm_eh);
        tyl_event(0, "ulfm-shrink", "ranks=%d seconds=%.6f", size, tyl_wall_() - t0);
        /* the same search as --restart; every survivor must end with the same choice */
        int found = ck_find(), flag = found >= 0;
        if (MPIX_Comm_agree(tyl_rt_comm_, &flag) == MPI_SUCCESS)
            break;
        /* another rank failed during the search: shrink again */
    }
    ck_drop();
    tyl_event(0, "ulfm-recovered", "ranks=%d seconds=%.6f", tyl_rt_nranks(), tyl_wall_() - t0);
    longjmp(tyl_ck_jmp, 1);
}

#else

void tyl_ulfm_setup_(int (*find)(void), void (*drop)(void))
{
    (void)find;
    (void)drop;
}
int tyl_ulfm_enabled_(void) { return 0; }
int tyl_ulfm_recovered_(void) { return 0; }

#endif
