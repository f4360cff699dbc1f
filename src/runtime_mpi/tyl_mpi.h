/* tyl_mpi.h: MPI, or a single-process stand-in when built with -DTYL_NO_MPI (for machines
 * without MPI: the program then runs as one process, which is all it does before distribution
 * is used). Only the calls libtyles makes are provided. */
#ifndef TYL_MPI_H
#define TYL_MPI_H

#ifndef TYL_NO_MPI
#include <mpi.h>
#else
#include <stdlib.h>
#include <time.h>

typedef int MPI_Comm;
#define MPI_COMM_WORLD 0
#define MPI_SUCCESS 0
#define MPI_THREAD_FUNNELED 1
#define MPI_THREAD_SERIALIZED 2
static inline int MPI_Init(int *argc, char ***argv) { (void)argc; (void)argv; return 0; }
static inline int MPI_Init_thread(int *argc, char ***argv, int req, int *prov)
{
    (void)argc;
    (void)argv;
    *prov = req;
    return 0;
}
static inline int MPI_Initialized(int *flag) { *flag = 1; return 0; }
static inline int MPI_Finalized(int *flag) { *flag = 0; return 0; }
static inline int MPI_Finalize(void) { return 0; }
static inline int MPI_Comm_rank(MPI_Comm c, int *r) { (void)c; *r = 0; return 0; }
static inline int MPI_Comm_size(MPI_Comm c, int *s) { (void)c; *s = 1; return 0; }
static inline int MPI_Abort(MPI_Comm c, int code) { (void)c; exit(code); }
static inline int MPI_Barrier(MPI_Comm c) { (void)c; return 0; }
static inline double MPI_Wtime(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
#endif

/* The communicator of the job (MPI_COMM_WORLD, or after an in-process rescale the ranks that
 * stay; tyl_rt_init starts with runtime/elastic's tyl_rs_world_). */
extern MPI_Comm tyl_rt_comm_;
/* tyl_job.c: the process grid's communicator (a duplicate of tyl_rt_comm_, set by tyl_dist.c)
 * and its number of ranks (*size), for the collectives of tyl_ranks.c and the messages of
 * tyl_halo.c. */
MPI_Comm tyl_dist_comm_(int *size);
#ifndef TYL_NO_MPI
extern MPI_Comm tyl_job_comm_;
#endif
/* tyl_env.c: the TYLES_* variables' values checked over comm's nranks ranks (a bad one stops
 * every rank with its message, or returns TYL_ERROR in library mode); collective. */
void tyl_env_check_(MPI_Comm comm, int nranks, const char *where);

#endif
