/* driver_passes.c: the compiler's passes from the lowered IR to the schedule, as one table.
 *
 * tylesc's programs (tylesc.c), its libraries (lib_mode.c) and the fuzz target
 * (tests/fuzz/fuzz_frontend.c) run this list, so the three cannot drift apart. Each pass says
 * in its own file what it requires and establishes; in debug builds ir_verify checks that after
 * it. --dump=NAME prints the IR after the pass of that name and stops there.
 */
#include <stdio.h>
#include <string.h>

#include "../ir/sched.h"
#include "driver.h"

/* The IR passes, after lower_module; the schedule passes (sched.h) follow pass_halo. */
static const struct {
    const char *dump; /* --dump=NAME */
    const char *name; /* in ir_verify's messages */
    void (*run)(ir_program *);
} ir_passes[] = {
    {"inline", "inline_temps", pass_inline_temps},
    {"fold", "fold", pass_fold},
    {"rotate", "rotate", pass_rotate},
    {"stages", "fuse_stages", pass_fuse_stages},
    {"planes", "planes", pass_planes},
    {"copysem", "copysem", pass_copysem},
    {"elems", "elems", pass_elems},
    {"dist", "dist", pass_dist},
    {"fuse", "fuse", pass_fuse},
    {"halo", "halo", pass_halo},
    {"bounds", "bounds", pass_bounds},
    {"checks_once", "checks_once", pass_checks_once},
}, sched_passes[] = {
    {"sched_ids", "sched_ids", pass_sched_ids},
    {"sched_exchange", "sched_exchange", pass_sched_exchange},
    {"sched_parts", "sched_parts", pass_sched_parts},
    {"sched_dirty", "sched_dirty", pass_sched_dirty},
    {"sched_graph", "sched_graph", pass_sched_graph},
    {"sched_steps", "sched_steps", pass_sched_steps},
    {"sched_ckpt", "sched_ckpt", pass_sched_ckpt},
    {"sched_stages", "sched_stages", pass_sched_stages},
    {"sched_vec", "sched_vec", pass_sched_vec},
    {"sched_timetile", "sched_timetile", pass_sched_timetile},
    {"sched_xmerge", "sched_xmerge", pass_sched_xmerge},
    {"sched_rows", "sched_rows", pass_sched_rows},
    {"sched_held", "sched_held", pass_sched_held},
    {"sched_writeback", "sched_writeback", pass_sched_writeback},
    {"sched_carry", "sched_carry", pass_sched_carry},
    {"sched_split", "sched_split", pass_sched_split},
};

#define N_OF(a) (sizeof (a) / sizeof (a)[0])

static void check(ir_program *p, const char *name)
{
#ifndef NDEBUG
    ir_verify(p, name);
#else
    (void)p;
    (void)name;
#endif
}

int drv_ir_passes(ir_program *p, const char *dump)
{
    for (size_t i = 0; i < N_OF(ir_passes); i++) {
        ir_passes[i].run(p);
        check(p, ir_passes[i].name);
        if (dump && strcmp(dump, ir_passes[i].dump) == 0) {
            ir_print(p, stdout);
            return 1;
        }
    }
    return 0;
}

int drv_sched_passes(ir_program *p, int cuda, int time_tile, const char *dump)
{
    ir_sched_begin(p, cuda);
    p->sched->time_tile_opt = time_tile;
    for (size_t i = 0; i < N_OF(sched_passes); i++) {
        sched_passes[i].run(p);
        check(p, sched_passes[i].name);
        if (dump && strcmp(dump, sched_passes[i].dump) == 0) {
            ir_print(p, stdout);
            return 1;
        }
    }
    if (dump && strcmp(dump, "sched") == 0) {
        ir_print(p, stdout);
        return 1;
    }
    return 0;
}

int drv_dump_known(const char *name)
{
    if (!strcmp(name, "ast") || !strcmp(name, "ir") || !strcmp(name, "sched"))
        return 1;
    for (size_t i = 0; i < N_OF(ir_passes); i++)
        if (!strcmp(name, ir_passes[i].dump))
            return 1;
    for (size_t i = 0; i < N_OF(sched_passes); i++)
        if (!strcmp(name, sched_passes[i].dump))
            return 1;
    return 0;
}

void drv_dump_names(FILE *o)
{
    fputs("ast, ir", o);
    for (size_t i = 0; i < N_OF(ir_passes); i++)
        fprintf(o, ", %s", ir_passes[i].dump);
    for (size_t i = 0; i < N_OF(sched_passes); i++)
        fprintf(o, ", %s", sched_passes[i].dump);
    fputs(", sched", o);
}
