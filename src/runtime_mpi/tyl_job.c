/* tyl_job.c: the job as every module of libtyles shares it: how many ranks the process grid
 * has, which one this process is, the grid's communicator, and the counters of --stats.
 *
 * The bottom of the library's layers (tools/rt_layers.py): nearly every module asks these, and
 * they ask nothing of any module, so that no module calls back up through them. The grid sets
 * them (tyl_dist_setup, tyl_dist_regrid, tyl_dist_finalize in tyl_dist.c); the process's own
 * rank in the job and the job's communicator, which the grid duplicates, are tyl_rt_rank_ and
 * tyl_rt_comm_ (tyl_rt_error.c). */
#include "tyl_internal.h"
#include "tyl_mpi.h"

int tyl_job_size_ = 1, tyl_job_self_;
#ifndef TYL_NO_MPI
MPI_Comm tyl_job_comm_ = MPI_COMM_NULL;
#endif
tyl_dist_stats tyl_dist_stats_;

int tyl_rt_nranks(void) { return tyl_job_size_; }
int tyl_dist_self_(void) { return tyl_job_self_; }

/* The process grid's communicator (a duplicate of the run time's) and its size, for the
 * collectives of tyl_ranks.c and the messages of tyl_halo.c. */
MPI_Comm tyl_dist_comm_(int *size)
{
    *size = tyl_job_size_;
#ifdef TYL_NO_MPI
    return 0;
#else
    return tyl_job_comm_;
#endif
}
