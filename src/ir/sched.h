/* sched.h: the schedule level of the IR.
 *
 * Between pass_halo and the emitters, the pass_sched_* passes decide how the statements run:
 * which kernel a sweep is, whether halos are exchanged before it and where the exchange ends,
 * whether its local box is cut into an interior and edge strips, where its new values go first,
 * which arrays' halo copies it makes stale, which time loops have step boundaries (checkpoints,
 * --progress), which loops are replayed as CUDA graphs, and what a checkpoint must hold. The
 * emitters print these decisions and decide nothing themselves.
 *
 * Each statement that runs a kernel (S_SWEEP, S_FUSED, S_REDUCE) and each loop (S_FOR, S_WHILE)
 * gets an ir_sched (stmt->sched); the program gets an ir_psched (program->sched). Each field
 * names the pass that sets it. ir_sched_verify checks them (ir_verify calls it once the program
 * has a schedule). --dump=sched prints them as '# sched ...' lines.
 */
#ifndef TYL_SCHED_H
#define TYL_SCHED_H

#include "ir.h"

/* Where a sweep's new values are written first (pass_sched_parts). */
typedef enum ir_scratch {
    SCR_NONE,    /* into the target directly */
    SCR_BOX,     /* into a scratch box over the rank's local box, copied into the target after */
    SCR_REPLACE, /* into a new buffer of the target's layout, which then replaces the target */
} ir_scratch;

enum { PF_ROWS = 1, PF_IN_ROW = 2, PF_BLOCK = 4 }; /* ir_sched.prefetch_how */
enum { SCHED_MAX_CARRY = 4 };                       /* ir_sched.ncarry */

typedef struct ir_sched {
    /* S_SWEEP, S_FUSED, S_REDUCE */
    int kernel;          /* pass_sched_ids: number of the kernel (tyl_k<kernel>), 1.. in program
                            order; the statement's id field holds it too */
    int exchange;        /* pass_sched_exchange: 1: a halo exchange begins before the kernel runs
                            (stmt->halo lists it); 0: nothing is exchanged, no begin or end */
    int split;           /* pass_sched_parts: 1: the interior runs while the halos travel, the
                            exchange ends before the edge strips; 0: the local box in one part,
                            after the exchange (if any) has ended */
    ir_scratch scratch;  /* pass_sched_parts (S_SWEEP, S_FUSED) */
    int alias_check;     /* pass_sched_parts: the scratch is used only when a read's slot holds
                            the target's buffer at run time (M_CHECKED) */
    int tiled;           /* pass_sched_stages (S_SWEEP with stages): 1: the kernel computes each
                            stage per tile of its box into a scratch tile (C); 0: it computes the
                            value with the stages inlined (CUDA) */
    int roll;            /* pass_sched_stages (tiled): 1: the stages roll along the outer box
                            dimension: each thread takes one block of rows of it (as
                            schedule(static) shares them) and tiles of the other outer dimensions,
                            and computes stage k's row r + spread_k[0] just before value row r into
                            a window of spread_k[0] + 1 rows (a circular buffer), so no stage row
                            is computed twice but at the blocks' edges; 0: per tile of every outer
                            dimension, each stage over the tile grown by its spread (a ring of
                            points the neighbouring tiles compute again) */
    unsigned dirty;      /* pass_sched_dirty: bit j: target j's array is distributed and its halo
                            copies are stale after the sweep */
    int simd;            /* pass_sched_vec (C, S_SWEEP, S_FUSED): no point of the innermost loop
                            reads or writes an element another point writes, so its iterations
                            may run as SIMD lanes (#pragma omp simd) without alias checks */
    unsigned stream;     /* pass_sched_vec: bit j: nothing in the kernel reads target j's memory
                            and it is written in contiguous f64/f32 rows, so its stores may
                            bypass the caches; the run time decides by size (tyl_mem_stream) */
    int point_bytes;     /* pass_sched_vec (stream != 0, or prefetch): bytes one point of the box
                            moves (the element sizes of the distinct arrays the kernel touches),
                            the run time's input */
    int stream_elem;     /* pass_sched_vec (stream != 0): bytes of the narrowest streamed target's
                            element: a row's stored bytes are the row's points times it */
    int stream_vec;      /* pass_sched_vec (stream != 0): one target, whose value is + - * / and
                            negation of rows of its own type read contiguously, constants and
                            scalars of that type: a row may be computed in vector registers and
                            stored from them non-temporally (the same operations per lane) */
    ir_stmt *wb;         /* pass_sched_writeback (tiled S_SWEEP): the next sweep, a copy of this
                            target into an array the value reads at offsets, which this kernel
                            does tile by tile once no later tile reads the points (its target is
                            the kernel's target 1); NULL: none */
    int wb_lag[IR_MAX_RANK]; /* pass_sched_writeback (wb): per box dimension, how many points
                            after a point its last reader lies (minus the lowest read offset) */
    int wb_ahead;        /* pass_sched_writeback (wb): how many points before a point along the
                            outer dimension its first reader lies (the highest read offset) */
    int wb_store;        /* pass_sched_writeback (wb): the value reads the copied-into array only
                            at the point it computes, so the value loop itself stores each point
                            no later tile reads (the others are copied after the tile, as without) */
    int wb_rows;         /* pass_sched_writeback (wb, !wb_store): how many rows along the outer
                            dimension the value proper (stages aside) reads the copied-into array
                            behind a point (minus its lowest offset there, at least 0): the kernel
                            copies row r of what no later tile reads once value row r + wb_rows is
                            done, inside the value loop, while the row is still in the caches */
    int ncarry;          /* pass_sched_carry (C, roll, no stream, !wb_store): how many pairs of
                            subexpressions of the value (staged) the kernel carries from the
                            point before: carry_lo[c] is carry_hi[c] read one box point lower
                            along box dimension carry_dim[c] (0, or 1 of a 3-D box), so the value
                            loop computes carry_hi[c] and reads carry_lo[c] from a buffer where
                            the point before along that dimension computed it (hdiff's fluxes) */
    ir_expr *carry_hi[SCHED_MAX_CARRY], *carry_lo[SCHED_MAX_CARRY];
    int carry_dim[SCHED_MAX_CARRY];
    int wb_carry;        /* pass_sched_carry (wb, !wb_store, ncarry): the loop that reads the
                            carried values stores the write back at the point it computes (the
                            value in registers, as bench/ref_hdiff.c does), for the points of
                            the shifted box it computes; the rows copied behind the value loop
                            (wb_rows) then move only the points it did not: a block's first row,
                            a tile's first column, the columns of the tile before */
    int wb_into;         /* pass_sched_writeback (S_SWEEP): this copy is done by kernel wb_into
                            (its own kernel does not run); 0: none */
    vec prefetch;        /* pass_sched_vec: ir_view*, in a box of rank 3 or more (2 with a
                            streamed target), per array read the read whose rows come first
                            (largest constant offsets along the outer box dimensions): its
                            rows are prefetched a few rows ahead (box
                            rank 3 or more, tyl_mem_prefetch) or, in a streamed row, a few KiB
                            ahead within the row (tyl_mem_prefetch_ahead) when the run time
                            finds the sweep larger than the cache */
    unsigned prefetch_how; /* pass_sched_vec (prefetch): PF_ROWS: whole rows a few rows ahead
                            (box rank 3 or more); PF_IN_ROW: a few KiB ahead in a streamed
                            row's chunk loop (stream, !stream_vec: rows stored from vector
                            registers have no chunks). A 3-D kernel may have both: the run time
                            takes rows ahead for rows of at most 4 KiB, in the row past that */
                         /* PF_BLOCK (box rank 3, instead of PF_ROWS, when an array is read at
                            two planes or more, i.e. at several offsets along box dimension 0):
                            the kernel sweeps its rows in blocks along box dimension 1, every
                            plane of a block before the next block, the block as many rows as
                            block_live rows of each fit in a share of a core's L2 (the run time
                            sizes it, tyl_mem_block_rows; the whole plane when it fits), and
                            prefetches each read's leading row one plane ahead */
    vec prefetch_loop;   /* pass_sched_vec, a rolled kernel (roll) only: parallel to prefetch,
                            (intptr_t) which row loop prefetches the read: stage k's k + 1, the
                            value's 0 (the read whose rows come first among all the loops, each
                            stage's rows being computed spread[0] rows ahead of the value's) */
    int block_live;      /* pass_sched_vec (PF_BLOCK): the rows of a block's row index that stay
                            in the cache while it is swept: per array read, its planes (span of
                            its offsets along box dimension 0, plus one) and the one prefetched
                            ahead; one per target whose stores are not streamed */
    /* S_FOR, S_WHILE */
    int graph_period;    /* pass_sched_graph: > 0: the loop is captured in a CUDA graph of that
                            many iterations and replayed (CUDA only, S_FOR) */
    int ck;              /* pass_sched_steps: number of the checkpointed time loop whose step
                            boundaries take checkpoints and resume restarts, -1 for none */
    int progress;        /* pass_sched_steps: the loop is outermost and reports --progress */
    vec live;            /* pass_sched_ckpt (ck >= 0): int indices into program->sched->vars of
                            the variables live at the loop's step boundaries, ascending */
    vec live_strs;       /* pass_sched_ckpt (ck >= 0): int indices into program->sched->strs of
                            the run-time strings the loop and the statements after it refer to */
    int time_tile;       /* pass_sched_timetile (S_FOR, ck >= 0): K >= 2: the loop runs K steps
                            per pass over tiles of rows (tyl_timetile.c) when the run time finds
                            it legal and, unless forced, worth it; 0: step by step */
    int tt_forced;       /* pass_sched_timetile: K came from --time-tile=K (tile even small grids) */
    int tt_deep;         /* pass_sched_timetile (time_tile): the steps of a group the deep halos
                            are sized for on several ranks: 2K where the run time may record 2K
                            steps (the automatic choice), 4K for rows (not planes) of known sizes
                            where 4K R is narrow enough, else K (forced, or 2K R too wide) */
    int tt_radius;       /* pass_sched_timetile: rows a step reads beyond the rows it writes
                            (from the halo margins along the outer axis; -1: known at run time) */
    const char *tt_note; /* pass_sched_timetile: why a time loop is stepped one step at a time
                            (NULL when tiled, or when it was not a candidate at all) */
    const char *tt_model; /* pass_sched_timetile: the automatic choice's figures when tiled */
    int rows_once;       /* pass_sched_rows (S_FOR, C): the loop nest of a last-axis sum's rows
                            (lower_reduce.c rows_exact: a row's S_REDUCE, split over the ranks,
                            and the S_SETELEM of its value) gathers every row's partial trees in
                            one collective after its last row, which stores the values then
                            (tyl_rows_begin / tyl_rows_end) */
    vec held;            /* pass_sched_held (S_FOR, S_WHILE, C, not a time loop): ir_var*, the
                            distributed slots whose elements the loop reads and never writes:
                            read from one gathered copy (tyl_held_*) */
    int held_id;         /* pass_sched_held: > 0 when held is not empty: held[j]'s hold is number
                            held_id + j (tyl_held<number>) */
} ir_sched;

/* The schedule passes that have run (ir_sched_verify checks what they established). */
enum { SCHED_IDS = 1, SCHED_EXCHANGE = 2, SCHED_PARTS = 4, SCHED_DIRTY = 8, SCHED_GRAPH = 16,
       SCHED_STEPS = 32, SCHED_CKPT = 64, SCHED_VEC = 128, SCHED_TIMETILE = 256, SCHED_WRITEBACK = 512,
       SCHED_SPLIT = 1024, SCHED_CARRY = 2048, SCHED_ALL = 4095 };

/* --time-tile (the driver sets program->sched->time_tile_opt after ir_sched_begin). */
enum { SCHED_TT_AUTO = -1, SCHED_TT_OFF = 1, SCHED_TT_DEFAULT_K = 8 };

typedef struct ir_psched {
    int done;            /* SCHED_* of the passes that have run */
    int cuda;            /* ir_sched_begin: the target (CUDA graphs exist only there) */
    int nkernels;        /* pass_sched_ids */
    vec vars;            /* pass_sched_ckpt: ir_var*, every variable main() declares (not the
                            parameters), by id: the table a checkpoint holds */
    vec ck_loops;        /* pass_sched_steps: ir_stmt*, the checkpointed time loops by number */
    vec strs;            /* pass_sched_ckpt: int, the run-time strings (lower_format.c) main()
                            builds or reads, ascending: the table's entries after vars' (a
                            restart skips the statements before the loop that set them) */
    int time_tile_opt;   /* --time-tile: SCHED_TT_AUTO, SCHED_TT_OFF (1), or K >= 2 forced */
    int grid_middle_first; /* pass_sched_timetile: a loop is tiled and the 3-D arrays have equal
                            first two extents: a default 3-D process grid splits the middle axis
                            before the first (tyl_rt_set_grid_tiled) */
    vec parts;           /* pass_sched_split: intptr_t, per function main()'s statements are cut
                            into, the index in program->body of its first statement, ascending
                            from 0; fewer than 2: main() holds them all. With 2 or more, main()'s
                            variables live at file scope and main() calls tyl_main_1 .. in turn */
} ir_psched;

/* Give the program an empty schedule for the given target; the passes fill it in. */
void ir_sched_begin(ir_program *p, int cuda);
/* The schedule of a statement, created empty (ck = -1) on first use. */
ir_sched *ir_sched_of(ir_stmt *s);
/* Checks the schedule's invariants (internal error naming after_pass). */
void ir_sched_verify(ir_program *p, const char *after_pass);
/* The '# sched ...' line of a statement, if it has a schedule. */
void ir_sched_print(ir_program *p, ir_stmt *s, int ind, FILE *o);

/* The box rank of a statement that runs a kernel. */
int ir_sched_box_rank(ir_stmt *s);

/* ---- passes (one file each) ---- */
void pass_sched_ids(ir_program *p);      /* pass_sched_ids.c */
void pass_sched_exchange(ir_program *p); /* pass_sched_exchange.c */
void pass_sched_parts(ir_program *p);    /* pass_sched_parts.c */
void pass_sched_dirty(ir_program *p);    /* pass_sched_dirty.c */
void pass_sched_graph(ir_program *p);    /* pass_sched_graph.c */
void pass_sched_steps(ir_program *p);    /* pass_sched_steps.c */
void pass_sched_ckpt(ir_program *p);     /* pass_sched_ckpt.c */
void pass_sched_vec(ir_program *p);      /* pass_sched_vec.c */
void pass_sched_stages(ir_program *p);   /* pass_sched_stages.c */
void pass_sched_timetile(ir_program *p); /* pass_sched_timetile.c */
void pass_sched_xmerge(ir_program *p); /* pass_sched_xmerge.c: exchanges due together merged */
void pass_sched_rows(ir_program *p);     /* pass_sched_rows.c: row sums gathered once */
void pass_sched_held(ir_program *p);     /* pass_sched_held.c: element reads gathered once */
void pass_sched_writeback(ir_program *p); /* pass_sched_writeback.c */
void pass_sched_carry(ir_program *p);    /* pass_sched_carry.c: values carried from the point before */
void pass_sched_split(ir_program *p);    /* pass_sched_split.c: main() cut into functions */
/* pass_sched_writeback.c: is read view r of the array of view t (C's target) at compile-time
   constant offsets from t along each box dimension (off[box dimension]), as a write back needs? */
int sched_wb_offset(const ir_view *r, const ir_view *t, int64_t *off);
/* The '# sched part ...' line before top-level statement i when a part of main() begins there. */
void ir_sched_print_part(ir_program *p, int i, FILE *o);

#endif
