/* tyl_internal.h: state shared between the libtyles source files (not part of the public API). */
#ifndef TYL_INTERNAL_H
#define TYL_INTERNAL_H

#include "tyles.h"

extern int tyl_rt_rank_;          /* MPI rank of this process (0 before tyl_rt_init) */

/* Discard any partially assembled print line (tyl_print.c); used by tyl_rt_finalize. */
void tyl_print_reset_(void);

#endif
