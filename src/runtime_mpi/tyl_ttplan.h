/* tyl_ttplan.h: the cache budget of a time-tiled group's tiles and the tiles of planes and lines
 * of a 3-D group (tyl_ttplan.c), for tyl_ttlags.c (internal to libtyles). */
#ifndef TYL_TTPLAN_H
#define TYL_TTPLAN_H

#include <stddef.h>
#include <stdint.h>

typedef struct tt_plan {
    int64_t H, W;       /* tile height (rows) and width (columns; 0: whole rows) */
    int threads;        /* 1: one thread; else wavefronts of tiles shared out, or (no column
                           axis) each tile's stages split by columns */
    int pipeline;       /* threads: bands of columns of tiles, each waiting for its left
                           neighbour (run_pipeline), instead of wavefronts */
    int slabs;          /* threads, 2-D: a slab of rows each (run_slabs); H: its tiles' */
    int64_t shrink;     /* the widest S_n (shrinks) */
    int64_t maxoff;     /* the farthest row offset a stage reads */
    int planes;         /* tiles of planes and lines (tyl_tt_plan_planes_) */
    int cols;           /* 2-D tiles of rows and columns (tyl_tt_plan_cols_) */
} tt_plan;

/* The bytes a tile and what its lags add may take: TYLES_TT_CACHE (default 1 MiB), or the
 * budget tyl_tt_group_budget_ set. */
size_t tyl_tt_budget_(void);

/* A doubled group's budget (tyl_tt_deep_budget_) and the height of its tiles at most (K's; 0:
 * any) while it is planned; 0, 0 to go back. */
void tyl_tt_group_budget_(size_t b, int64_t hmax);

/* The budget of a group of 2K steps: a core's L2, at most two budgets. */
size_t tyl_tt_deep_budget_(void);

/* Two budgets: a group of 2K steps whose tiles in the deep budget are thin takes K's tiles in it. */
size_t tyl_tt_spill_budget_(void);

/* Whether a group whose rows are planes runs as plain sweeps one after another instead of in
 * tiles (the model in tyl_ttplan.c): bytes, the group's arrays together; least, the smallest
 * of its 3-D arrays; widest, their largest element; line_bytes, the shortest line (last axis)
 * of its 3-D arrays. */
int tyl_tt_plain_planes_(size_t bytes, size_t least, size_t widest, int64_t line_bytes);

/* The tiles of planes and lines of a 3-D group (the comment in tyl_ttplan.c); forced: K was
 * forced (--time-tile=K). */
tt_plan tyl_tt_plan_planes_(tt_plan P, int forced, int64_t lo, int64_t hi, int64_t ncol, int64_t span, int64_t spanc,
                            double line);


/* The tiles of rows and columns of a 2-D group (the comment in tyl_ttplan.c); P.H = 0 where
 * they would not pay (columns too few, the window too deep for the budget). */
tt_plan tyl_tt_plan_cols_(tt_plan P, int forced, int64_t lo, int64_t hi, int64_t ncol, int64_t span, int64_t spanc,
                          double col);

#endif
