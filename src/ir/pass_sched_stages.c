/* pass_sched_stages.c: how a sweep with stages (pass_fuse_stages) computes them.
 *
 * Requires: pass_sched_ids (the schedules exist). Establishes: sched->tiled = 1 for every
 * S_SWEEP with stages on the C target: its kernel computes each stage into a per-thread scratch
 * buffer of its points that the value reads, then the value from it. On CUDA tiled = 0: the
 * kernel computes the value with the stages inlined (one thread per point has no tile to share;
 * correct, the same bits). Pass_fuse does not group such sweeps, so S_FUSED never holds one.
 *
 * A tiled kernel computes its stages in one of two ways (emit_stages.c prints either):
 *   - per tile (roll = 0): the box's outer dimensions 0 .. B-2 cut into tiles, each stage
 *     computed over the tile grown by its spread (Halide's compute_at with overlapped tiles). A
 *     tile of E points a side then computes prod_d (E + spread_d) points of a stage for E^(B-1)
 *     value points: the ring past the tile is computed again by the tiles beside it (hdiff's lap,
 *     spread 2 2 0, at E = 16: 18 x 18 for 16 x 16, 1.27 points a point);
 *   - rolled (roll = 1): each thread takes one block of rows along dimension 0 and walks it row by
 *     row, computing row r + spread[0] of a stage just before value row r reads it, into a window
 *     of spread[0] + 1 rows (a circular buffer, the hand-written C's line buffer); dimensions 1 ..
 *     B-2 are still cut into tiles, sized so that the windows fill what a tile filled, so they are
 *     wider (hdiff: 3 rows x 130 x 160 for 128 columns). A row is computed twice only at the edge
 *     of a thread's block (spread[0] rows a block), a column at the edge of a tile.
 * The rule, from those counts: roll when some stage has a spread along an outer dimension (the
 * tiles' ring is not empty): rolled, the stage points a value point needs are fewer along
 * dimension 0 (one block a thread instead of tiles of E rows) and no more along the others (tiles
 * at least as wide for the same scratch). With no spread along the outer dimensions there is no
 * ring to remove and the kernel stays tiled.
 * Breaks: nothing.
 */
#include "sched.h"

/* Some stage of s spreads along an outer box dimension: tiles would compute a ring again. */
static int ring(ir_stmt *s)
{
    int L = s->target->vrank - 1;
    for (int k = 0; k < s->stages.len; k++)
        for (int d = 0; d < L; d++)
            if (VEC_AT(s->stages, k, ir_stage *)->spread[d] > 0)
                return 1;
    return 0;
}

static void stages(ir_program *p, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_SWEEP && s->stages.len) {
            s->sched->tiled = !p->sched->cuda;
            s->sched->roll = s->sched->tiled && ring(s);
        }
        stages(p, &s->body);
        stages(p, &s->orelse);
    }
}

void pass_sched_stages(ir_program *p) { stages(p, &p->body); }
