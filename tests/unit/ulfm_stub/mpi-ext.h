/* A stand-in for the ULFM part of <mpi-ext.h> (Open MPI 5 --with-ft=ulfm, MPICH): the
 * declarations runtime/elastic/tyl_ulfm.c uses, so that `make check` compiles the ULFM path on
 * machines whose MPI has no ULFM. Nothing built with it is linked or run. */
#ifndef TYL_ULFM_STUB_MPI_EXT_H
#define TYL_ULFM_STUB_MPI_EXT_H
#include <mpi.h>
#define MPIX_ERR_PROC_FAILED 75
#define MPIX_ERR_REVOKED 76
int MPIX_Comm_revoke(MPI_Comm comm);
int MPIX_Comm_shrink(MPI_Comm comm, MPI_Comm *newcomm);
int MPIX_Comm_agree(MPI_Comm comm, int *flag);
#endif
