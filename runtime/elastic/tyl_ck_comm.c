/* tyl_ck_comm.c: what every part of the elastic layer shares, at its bottom: the state table of
 * the generated main() (tyl_ck_state_, set by tyl_ck_setup), the layer's own communicator
 * (a duplicate of the job's, for the step-boundary agreement: rebuilt whenever the job's
 * changes) and rank 0's broadcast. tyl_ckpt.c, tyl_ckpt_dir.c, tyl_rescale.c and tyl_ulfm.c
 * call it; it calls none of them. */
#define _POSIX_C_SOURCE 200809L
#include "tyl_ckpt.h"
#include "runtime_mpi/tyl_mpi.h"

tyl_ck_state tyl_ck_state_;

#ifndef TYL_NO_MPI
MPI_Comm tyl_ck_comm_ = MPI_COMM_NULL;
#endif

void tyl_ck_bcast_(void *p, size_t n)
{
#ifndef TYL_NO_MPI
    if (tyl_rt_nranks() > 1)
        MPI_Bcast(p, (int)n, MPI_BYTE, 0, tyl_rt_comm_);
#else
    (void)p;
    (void)n;
#endif
}

void tyl_ck_recomm_(void)
{
    tyl_ck_drop_comm_();
#ifndef TYL_NO_MPI
    MPI_Comm_dup(tyl_rt_comm_, &tyl_ck_comm_);
#endif
}

void tyl_ck_drop_comm_(void)
{
#ifndef TYL_NO_MPI
    if (tyl_ck_comm_ != MPI_COMM_NULL)
        MPI_Comm_free(&tyl_ck_comm_);
#endif
}

#ifdef TYL_HAVE_ULFM
void tyl_ck_set_errhandler_(MPI_Errhandler eh) { MPI_Comm_set_errhandler(tyl_ck_comm_, eh); }
#endif
