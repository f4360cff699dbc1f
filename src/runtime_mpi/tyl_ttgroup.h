/* tyl_ttgroup.h: the time-tiled group as the files of temporal blocking share it (internal to
 * libtyles): the stages recorded (tyl_ttrecord.c), their lags and plan (tyl_ttlags.c), the deep
 * halos of several ranks (tyl_ttdeep.c), the threads' schedules (tyl_ttsched.c) and the group's
 * run (tyl_timetile.c; tyl_ttlags.c explains the scheme). */
#ifndef TYL_TTGROUP_H
#define TYL_TTGROUP_H

#include <stdint.h>

#include "tyl_internal.h"
#include "tyl_ttplan.h"

typedef struct tt_stage {
    const tyl_sweep *sw;    /* NULL: a copy (tyl_rotate): cdst outside [clo, clo + clen) from csrc */
    tyl_array *cdst, *csrc;
    int64_t clo[TYL_MAX_RANK], clen[TYL_MAX_RANK];
    tyl_array **arr;        /* the arrays at the step (a reference each) */
    tyl_array ***arrp;      /* their addresses, as tyl_sweep_run takes them */
    int na;
    int64_t *x;
    const void **sc;        /* into scv */
    unsigned char *scv;
    void *mem;              /* the block holding the five above (kept for the next group) */
    size_t memcap;
    /* tyl_tt_run */
    int empty;
    int64_t b[TYL_MAX_RANK], nb[TYL_MAX_RANK];
    struct tt_axis {        /* axis 0: array dimension 0 (rows); axis 1: the last (columns) */
        int ok;             /* the targets follow it as a range of step 1 or a fixed index */
        int fixed;          /* a fixed index (then the stage writes one row / column) */
        int k;              /* the box dimension that iterates it (range) */
        int64_t first;      /* index at box index 0 (fixed: the index) */
        int64_t wlo, whi;   /* indices written */
        int64_t lag;
        int64_t shrink;     /* axis 0, slabs (run_slabs): the rows of the stage a thread's
                               trapezoid leaves to the triangle at its lower boundary */
    } ax[2];
} tt_stage;

/* The group: recorded by tyl_tt_go and the recorder (tyl_ttrecord.c), run by tyl_tt_run; the
 * one there is lives in tyl_ttstate.c, which every file of time tiling reads. */
typedef struct tyl_tt_group {
    int K, forced;
    int base;               /* the compiled K; K = 2 base when tyl_tt_go doubled the group */
    int deep;               /* several ranks: stages over their grown boxes (tyl_tt_deep_boxes_) */
    int way;                /* this run of the group (tyl_ttchoice.c): 0 the model's way, 1 tiles,
                               2 plain sweeps */
    tt_stage *st;
    int ns, cap, used;      /* stages recorded, slots allocated, slots with a block */
} tyl_tt_group;

extern tyl_tt_group tyl_ttg_;

static inline int64_t op_lo(const tyl_operand *op, int d, const int64_t *x)
{
    return op->x_lo >> d & 1 ? x[op->lo[d]] : op->lo[d];
}

static inline int64_t op_step(const tyl_operand *op, int d, const int64_t *x)
{
    return op->x_step >> d & 1 ? x[op->step[d]] : op->step[d];
}

/* The indices along dimension d that a's local allocation holds within the array (owned block
 * and halo; all of a replicated array). */
static inline void alloc_range(const tyl_array *a, int d, int64_t *lo, int64_t *hi)
{
    *lo = a->layout ? a->lo[d] - a->hl[d] : 0;
    *hi = a->layout ? a->lo[d] + a->n[d] + a->hh[d] : a->shape[d];
    *lo = *lo < 0 ? 0 : *lo;
    *hi = *hi > a->shape[d] ? a->shape[d] : *hi;
}

/* Array dimension of axis a of an array of rank r. The column axis of a 3-D array is its middle
 * dimension: a tile then holds whole lines of the last one, contiguous in memory, so the
 * tiles of a plane cut no cache line and the hardware prefetcher still sees long runs. */
static inline int axis_dim(int a, int r) { return a ? (r >= 3 ? 1 : r - 1) : 0; }

/* The points past the box, along box dimension k, at which the kernel of stage g also reads
 * operand i (a stage of a tiled kernel computed over its grown tile, emit_stages.c). */
static inline int64_t reach(const tt_stage *g, int i, int k)
{
    return g->sw && g->sw->reach && k >= 0 ? g->sw->reach[i][k] : 0;
}

/* tyl_ttrecord.c: TYLES_TT_DOUBLE (0, 1, 2 for split; -1 unset). */
int tyl_tt_env_double_(void);

/* tyl_ttlags.c: the lags of the recorded stages and the tiles (H = 0: the stages in order);
 * whether the group could run as plain sweeps, and the model's answer (tyl_tt_plain_planes_);
 * whether it does (the model's answer unless tyl_ttg_.way says). */
tt_plan tyl_tt_plan_group_(void);
int tyl_tt_plain_question_(int *model);
int tyl_tt_plain_sweeps_(void);

/* tyl_ttchoice.c: tiles or plain sweeps, measured: around each run of a group (tyl_tt_run). */
void tyl_tt_choice_begin_(void);
void tyl_tt_choice_end_(void);
/* Whether the last group run was the first of a trial, so that the next runs the other way. */
int tyl_tt_choice_trial_(void);

/* tyl_ttdeep.c: several ranks. The grown boxes (0: this rank cannot run the group on its deep
 * halos); whether they pay; the exchange before the group; the stages in order over them. */
int tyl_tt_deep_boxes_(void);
int tyl_tt_deep_pays_(void);
void tyl_tt_deep_exchange_(void);
void tyl_tt_run_deep_in_order_(void);

/* tyl_ttsched.c: the stages over the tiles of plan P, shared by the threads; TYLES_TT_VERBOSE;
 * the group's times and each thread's (TYLES_TT_VERBOSE=2), from start to report. */
void tyl_tt_run_plan_(tt_plan P);
int tyl_tt_verbose_(void);
void tyl_tt_prof_start_(void);
void tyl_tt_prof_report_(void);

#endif
