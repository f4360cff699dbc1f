/* tyl_internal.h: state shared between the libtyles source files (not part of the public API). */
#ifndef TYL_INTERNAL_H
#define TYL_INTERNAL_H

#include "tyles.h"

extern int tyl_rt_rank_;          /* MPI rank of this process (0 before tyl_rt_init) */

/* Discard any partially assembled print line (tyl_print.c); used by tyl_rt_finalize. */
void tyl_print_reset_(void);

/* tyl_dist.c */
void tyl_dist_setup(int grid_rank, const char *procs, int size, int me, int overlap,
                    void (*fail)(const char *msg));
void tyl_dist_finalize(void);
void tyl_dist_release_staging(void);
/* --stats: the summary on rank 0 (collective: every rank calls it). */
void tyl_dist_report(double total_seconds);
extern bool tyl_rt_stats_, tyl_rt_progress_;

/* tyl_rt.c: a run-time error every rank reaches together (collective): rank 0 prints
 * "PROG: WHERE: error: MESSAGE" once, then every rank calls MPI_Finalize and exits 1. */
TYL_NORETURN void tyl_rt_error_all(const char *where, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* tyl_npy.c: np.load into an array laid out as L says (NULL: replicated); collective.
 * (Until tyles.h declares it.) */
tyl_array *tyl_load_npy_l(const char *filename, tyl_dtype dt, int rank, const tyl_layout *L,
                          const char *where);

#endif
