/* tyl_elastic.h: the elastic layer's internal interface (runtime/elastic; not part of tyles.h).
 *
 * tyl_ckpt.c   checkpoints (write, verify, read), --restart, signals, fault injection; with
 *               tyl_ckpt_man.c (the MANIFEST) and tyl_ckpt_dir.c (the folder), tyl_ckpt.h
 * tyl_agree.c   the ranks' agreement on signals and requests, at one step boundary in G
 * tyl_ck_comm.c the state table, the layer's communicator, broadcast (the bottom of the layer)
 * tyl_ulfm.c    recovery in place from a lost rank (ULFM)
 * tyl_rescale.c in-process shrink and grow: redistribution of the live arrays onto a new
 *               process grid, MPI_Comm_spawn for new ranks
 * tyl_crc32c.c  CRC32C (Castagnoli), the checksum of checkpoint files
 * tyl_event.c   the event log ($TYLES_EVENT_LOG) read by tylesrun and bench-elastic
 */
#ifndef TYL_ELASTIC_H
#define TYL_ELASTIC_H

#include "runtime_mpi/tyl_internal.h"
#include "runtime_mpi/tyl_mpi.h"

#include <stddef.h>
#include <stdint.h>

/* CRC32C of n bytes continuing from crc (start with 0): SSE4.2 where the CPU has it. */
uint32_t tyl_crc32c(uint32_t crc, const void *p, size_t n);

/* tyl_ck_comm.c: the state table of the generated main() (set by tyl_ck_setup) and the
 * elastic layer's communicator (tyl_ck_recomm_, below). */
typedef struct tyl_ck_state {
    tyl_ck_var *vars;
    int nvars;
} tyl_ck_state;
extern tyl_ck_state tyl_ck_state_;
#ifndef TYL_NO_MPI
extern MPI_Comm tyl_ck_comm_;
#endif
/* Library mode: write the array slots vars[n] as a checkpoint of `step` into dir; read the
 * newest valid one of dir into them (its step, -1 when there is none). Collective. */
void tyl_ck_lib_write_(const char *dir, uint64_t hash, tyl_ck_var *vars, int n, int64_t step);
int64_t tyl_ck_lib_read_(const char *dir, uint64_t hash, tyl_ck_var *vars, int n);
/* Entries of a live list (state-table indices ending with -1). */
static inline int tyl_live_count(const int *live)
{
    int n = 0;
    while (live[n] >= 0)
        n++;
    return n;
}

/* Move every live array of loop state (live: indices into the state table, -1 ends) onto a
 * process grid of `to` ranks, in this process (tyl_rescale.c). Collective over the job. On the
 * ranks that leave, it does not return (they finish MPI and exit 0). */
void tyl_rs_rescale(int loop, int64_t k, int64_t nk, const int *live, int to);
/* For a process spawned to grow a job: the loop, step and scalars to resume with come from the
 * parents, and the arrays arrive by redistribution. Returns 1 in such a process. */
int tyl_rs_spawned(void);
/* The job's starting communicator: MPI_COMM_WORLD, or for processes spawned to grow a job the
 * merged communicator with their parents (and tyl_rt_elastic_.spawned set). */
MPI_Comm tyl_rs_world_(void);
/* tyl_ckpt.c: the end of checkpointing (before the run time releases the grid); tyl_rescale.c:
 * before MPI_Finalize. What tyl_rt_init and tyl_ctx_create plug into tyl_rt_elastic_. */
void tyl_ck_finalize_(void);
void tyl_rs_before_finalize_(void);
/* tyl_ck_comm.c: the job's communicator changed (or checkpointing starts); rebuild the one of
 * the step-boundary agreement (collective over the new communicator, right after
 * tyl_halo_regrid_). */
void tyl_ck_recomm_(void);
/* A rank leaving in a shrink: release that communicator (the survivors released theirs in
 * tyl_ck_recomm_; see tyl_rescale.c on why every member must). */
void tyl_ck_drop_comm_(void);
/* Spawned process: receive the resume point (loop id, k, nk) and every live variable from the
 * parents (the other half of tyl_rs_rescale); returns the loop id. */
int tyl_rs_join(int64_t *k, int64_t *nk);
void tyl_rs_receive(const int *live);

/* tyl_agree.c: the agreement of the step boundaries of a time loop, at one in G (G the same on
 * every rank, chosen as the loop runs so that an interval takes about 10 ms). tyl_ag_enter_: a
 * loop is entered (counts start again); tyl_ag_reset_: the ranks changed (a rescale), the next
 * boundary agrees. tyl_ag_boundary_: the step boundary of step k; 1 if the ranks agree at it.
 * tyl_ag_step_ (collective, at such a boundary): the flags (bits) the ranks OR'ed at the
 * previous agreement, after this rank's own `mine` are sent for the next one; `fixed`: a step
 * (-1: none) an agreement must fall on. tyl_ag_finish_: completes the agreement in flight (the
 * loop ends, the job stops or rescales) and returns its flags. tyl_ag_drop_: forget it (ULFM:
 * its communicator is gone). tyl_ag_every_: G now. tyl_ag_counts_: since the loop was entered. */
void tyl_ag_enter_(void);
void tyl_ag_reset_(void);
int tyl_ag_boundary_(int64_t k);
int tyl_ag_step_(int64_t k, int mine, int64_t fixed);
int tyl_ag_finish_(void);
void tyl_ag_drop_(void);
int tyl_ag_every_(void);
void tyl_ag_counts_(int64_t *boundaries, int64_t *agreements);

/* tyl_ulfm.c: ULFM recovery (compiled in with TYL_HAVE_ULFM, on with TYLES_ULFM=1). The
 * checkpoint layer hands it what a recovery does to its state once the survivors have a
 * communicator and a grid: find(), the --restart search (collective; the loop to resume in, -1
 * for none), and drop(), every array slot of the state emptied before main()'s recovery point
 * reloads them. */
void tyl_ulfm_setup_(int (*find)(void), void (*drop)(void));
int tyl_ulfm_enabled_(void);
/* 1 once this process has recovered in place from a lost rank. */
int tyl_ulfm_recovered_(void);
#ifdef TYL_HAVE_ULFM
#include <mpi.h>
TYL_NORETURN void tyl_ulfm_recover_(void);
void tyl_dist_set_errhandler_(MPI_Errhandler eh);
void tyl_ck_set_errhandler_(MPI_Errhandler eh);
#endif

#endif
