/* lib_mode.c: tylesc --lib (docs/LIBRARY.md): a program becomes a library for an application.
 *
 *     lower_module (recording the module's calls) -> lib_exports -> per def: lower its call
 *         module twice (its results, then the whole) -> the passes (driver_passes.c) on each program
 *         -> one grid rank for all -> kernel and layout numbers unique in the file
 *         -> emit_lib_c, emit_lib_h, emit_lib_f90 [-> cc -c [-> ar]]
 *
 * With --target=cuda the same, with the CUDA schedule and back end: a .cu built by nvcc -c.
 *
 * The module body is PREFIX_run, each top-level def PREFIX_NAME (emit_lib.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../backend_c/emit_c.h"
#include "../backend_c/emit_lib.h"
#include "../util/diag.h"
#include "../frontend/lib.h"
#include "../frontend/lower.h"
#include "../ir/sched.h"
#include "driver.h"

/* The passes of a program (driver_passes.c), the schedule's included (for the GPU: the
 * schedule of a CUDA program, launches, graphs and device exchanges). Returns the layouts as
 * pass_halo leaves them (by index in p->layouts), before time tiling deepens halos: the least
 * halo an argument needs. */
static ir_layout *passes(ir_program *p, int cuda, int time_tile, int stage_chains)
{
    p->dist_plain = 1; /* the application's arrays come with plain blocks (tyl_lib.c) */
    p->stage_chains = stage_chains;
    drv_ir_passes(p, NULL);
    ir_layout *least = NEWN(ir_layout, p->layouts.len + 1);
    for (int j = 0; j < p->layouts.len; j++)
        least[j] = *VEC_AT(p->layouts, j, ir_layout *);
    drv_sched_passes(p, cuda, time_tile, NULL); /* time loops tiled as in programs, deep halos included */
    p->sched->parts.len = 0; /* a library function's body is one C function (emit_lib.c) */
    return least;
}

/* A library function has no checkpoints, no --progress: its time loops are plain loops. */
static void no_steps(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if ((s->kind == S_FOR || s->kind == S_WHILE) && s->sched) {
            s->sched->ck = -1;
            s->sched->progress = 0;
        }
        no_steps(&s->body);
        no_steps(&s->orelse);
    }
}

/* Kernel numbers from kbase + 1 and layout numbers from lbase: unique in the one C file. */
static void renumber(vec *body, int kbase)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if ((s->kind == S_SWEEP || s->kind == S_FUSED || s->kind == S_REDUCE) && s->sched && s->sched->kernel > 0) {
            s->sched->kernel += kbase;
            s->id = s->sched->kernel;
            continue;
        }
        renumber(&s->body, kbase);
        renumber(&s->orelse, kbase);
    }
}

/* name as a C identifier: letters, digits and '_', not starting with a digit. */
static const char *c_ident(const char *name)
{
    strbuf b = {0};
    if (isdigit((unsigned char)name[0]) || !name[0])
        sb_putc(&b, '_');
    for (const char *p = name; *p; p++)
        sb_putc(&b, isalnum((unsigned char)*p) ? *p : '_');
    const char *r = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    return r;
}

static const char *upper(const char *s)
{
    char *r = arena_strdup(&util_arena, s);
    for (char *p = r; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return r;
}

static void write_file(const char *path, const emit_lib_module *m, void (*emit)(const emit_lib_module *, FILE *))
{
    FILE *f = fopen(path, "w");
    if (!f)
        util_syserr("cannot write '%s': %s", path, strerror(errno));
    emit(m, f);
    if (fclose(f) != 0)
        util_syserr("cannot write '%s': %s", path, strerror(errno));
}

/* The arrays passed to an export must be laid out as the context lays them out: distributed
 * when a grid of the library has their rank (grids: bit G for a grid of G dimensions), else
 * replicated. With `quiet`, only says whether one is not (1). */
static int check_args(emit_lib_unit *u, unsigned grids, int quiet)
{
    const lib_export *x = u->x;
    int bad = 0;
    for (int k = 0; k < x->np; k++) {
        const lib_item *it = &x->param[k];
        ir_var *v = it->is_array ? emit_lib_arg_slot(u, k) : NULL;
        if (!v || !(grids >> it->rank & 1) || ir_slot_dist(v))
            continue;
        if (quiet)
            return 1;
        diag_error(x->def->l, "'%s' reads its argument '%s' in a way that needs the whole array on every rank "
                              "(not as a stencil of constant offsets), but a library's arrays of %d dimensions "
                              "are distributed over the process grid (tylesc --lib)", x->def->name, it->name,
                   it->rank);
        int arrays = 0;
        for (int j = 0; j < x->np; j++)
            arrays += x->param[j].is_array;
        if (arrays > 1)
            diag_note(x->def->l, "a stencil between arguments is one only when they have one shape: the module's call "
                                 "passes arrays of one shape, or their annotations name the extents alike "
                                 "(\"float64[ny, nx]\")");
        bad = 1;
    }
    return bad;
}

int drv_lib(const drv_lib_opts *o)
{
    ast *mod = o->module;
    lib_record_begin(mod);
    ir_program *run = lower_module(mod, o->name);
    if (diag_count()) {
        diag_finish();
        return 1;
    }
    lib_export *xs;
    int n = lib_exports(mod, &xs);
    if (n < 0) {
        diag_finish();
        return 1;
    }
    /* the module state the defs read: its kinds (a probe), then the module computing it */
    ir_program *init = NULL;
    int nst;
    while ((nst = lib_state_find(mod, xs, n)) == -2) { /* helpers reading what a library cannot keep */
        int k = 0;
        for (int i = 0; i < n; i++)
            if (!xs[i].dropped)
                xs[k++] = xs[i];
        n = k;
    }
    if (nst > 0) {
        lower_module(lib_state_module(mod, 1), o->name);
        if (!diag_count() && lib_state_note(xs, n) == 0)
            init = lower_module(lib_state_module(mod, 0), o->name);
    }
    if (nst < 0 || diag_count()) {
        diag_finish();
        return 1;
    }
    emit_lib_unit *u = NEWN(emit_lib_unit, n + 2);
    int kept = 0;
    for (int i = 0; i < n; i++) {
        lib_export *x = &xs[i];
        ir_program *first = lower_module(lib_export_module(mod, x, 0), o->name);
        (void)first;
        if (diag_count()) { /* the module lowered: what the def reads of it is missing */
            diag_note(x->def->l, "an exported def sees the module's imports, defs, parameters, constants and the "
                                 "arrays and numbers its top-level statements compute before they call it "
                                 "(tylesc --lib)");
            diag_finish();
            return 1;
        }
        int r = lib_note_results(x);
        if (r < 0) {
            diag_finish();
            return 1;
        }
        if (r > 0) /* a helper of the module's, left out (a warning says why) */
            continue;
        u[kept].p = lower_module(lib_export_module(mod, x, 1), o->name);
        u[kept++].x = x;
        if (diag_count()) {
            diag_finish();
            return 1;
        }
    }
    n = kept;
    u[n].p = run;
    int total = n + 1;
    if (init) {
        u[n + 1].p = init;
        u[n + 1].init = 1;
        total++;
    }
    /* a process grid per rank of distributed arrays (tyl_ctx_add_grid): G the highest */
    int G = 0;
    unsigned grids = 0;
    for (int i = 0; i < total; i++) {
        u[i].p->hash = 0;
        u[i].least = passes(u[i].p, o->cuda, o->time_tile, o->stage_chains);
    }
    /* a helper of the module's that reads an argument whole where the library distributes
     * arrays of its rank is left out (a warning), and the grids are those of what is left */
    for (int again = 1; again;) {
        again = 0;
        G = 0;
        grids = 0;
        for (int i = 0; i < total; i++) {
            if (u[i].p->grid_rank > G)
                G = u[i].p->grid_rank;
            if (u[i].p->grid_rank)
                grids |= 1u << u[i].p->grid_rank;
        }
        for (int i = 0; i < n && !again; i++)
            if (lib_is_helper(u[i].x) && check_args(&u[i], grids, 1)) {
                lib_not_exported(u[i].x->def, "it reads an array argument in a way that needs the whole array on "
                                              "every rank (not as a stencil of constant offsets), and the library "
                                              "distributes arrays of its rank over the process grid");
                memmove(&u[i], &u[i + 1], sizeof *u * (size_t)(total - i - 1));
                n--;
                total--;
                again = 1;
            }
    }
    int bad = 0;
    for (int i = 0; i < n; i++)
        bad |= check_args(&u[i], grids, 0);
    if (bad) {
        diag_finish();
        return 1;
    }
    int kbase = 0, lbase = 0;
    for (int i = 0; i < total; i++) {
        ir_program *p = u[i].p;
        no_steps(&p->body);
        renumber(&p->body, kbase);
        p->sched->nkernels += kbase;
        kbase = p->sched->nkernels;
        for (int j = 0; j < p->layouts.len; j++)
            VEC_AT(p->layouts, j, ir_layout *)->id += lbase;
        lbase += p->layouts.len;
        p->source = o->shown;
    }

    /* names: heat.c, heat.o, libheat.a -> stem "heat", functions heat_step, macros HEAT_STEP_U_HALO */
    const char *out = o->output;
    const char *base = strrchr(out, '/') ? strrchr(out, '/') + 1 : out;
    const char *dot = strrchr(base, '.');
    const char *stem = arena_strndup(&util_arena, base, dot && dot > base ? (size_t)(dot - base) : strlen(base));
    if (o->kind == DRV_LIB_ARCHIVE && strncmp(stem, "lib", 3) == 0 && stem[3])
        stem += 3;
    const char *dir = base == out ? "" : arena_strndup(&util_arena, out, (size_t)(base - out));
    emit_lib_module m = {0};
    m.prefix = c_ident(stem);
    m.macro = upper(m.prefix);
    m.header = arena_printf(&util_arena, "%s.h", stem);
    m.grid_rank = G;
    m.cuda = o->cuda;
    m.grids = grids;
    m.n = total;
    m.u = NEWN(emit_lib_unit, total);
    m.st = lib_state_get();
    /* the module body first, the state's module, then the defs in their order */
    int first = total - n;
    m.u[0] = u[n];
    m.u[0].cname = arena_printf(&util_arena, "%s_run", m.prefix);
    m.u[0].macro = arena_printf(&util_arena, "%s_RUN", m.macro);
    if (init) {
        m.u[1] = u[n + 1];
        m.u[1].cname = arena_printf(&util_arena, "%s_init", m.prefix);
        m.u[1].macro = arena_printf(&util_arena, "%s_INIT", m.macro);
    }
    vec taken = {0}; /* the C names besides the defs' */
    vec_push(&taken, (void *)m.u[0].cname);
    vec_push(&taken, arena_printf(&util_arena, "%s_params", m.prefix));
    vec_push(&taken, arena_printf(&util_arena, "%s_ctx_create", m.prefix));
    vec_push(&taken, arena_printf(&util_arena, "%s_params", m.u[0].cname));
    if (init)
        vec_push(&taken, (void *)m.u[1].cname);
    for (int k = 0; k < m.st->n; k++)
        vec_push(&taken, arena_printf(&util_arena, "%s_get_%s", m.prefix, m.st->item[k].name));
    for (int i = 0; i < n; i++) {
        emit_lib_unit *w = &m.u[first + i];
        *w = u[i];
        w->cname = arena_printf(&util_arena, "%s_%s", m.prefix, c_ident(u[i].x->def->name));
        w->macro = upper(w->cname);
        int clash = 0;
        for (int j = 0; j < taken.len; j++)
            clash |= !strcmp(VEC_AT(taken, j, const char *), w->cname);
        if (clash) {
            diag_error(u[i].x->def->l, "'%s' gives the C name '%s', which the library has already (tylesc --lib): "
                                       "rename the def",
                       u[i].x->def->name, w->cname);
            diag_finish();
            return 1;
        }
        vec_push(&taken, (void *)w->cname);
    }

    diag_set_source(o->shown, o->text); /* the output names the program relative to itself */
    emit_command_line = o->command;
    const char *hpath = arena_printf(&util_arena, "%s%s.h", dir, stem);
    const char *fpath = arena_printf(&util_arena, "%s%s_mod.f90", dir, stem);
    drv_not_input(hpath, "the header");
    drv_not_input(fpath, "the Fortran module");
    if (o->keep_c && o->kind != DRV_LIB_SRC)
        drv_not_input(arena_printf(&util_arena, "%s%s.%s", dir, stem, o->cuda ? "cu" : "c"),
                      "the source kept by --keep-c");
    write_file(hpath, &m, emit_lib_h);
    write_file(fpath, &m, emit_lib_f90);
    if (o->kind == DRV_LIB_SRC) {
        emit_output_name = base;
        write_file(out, &m, emit_lib_c);
        return 0;
    }
    /* an object (and an archive of it): the C (CUDA C++), with a copy of the header, in a
     * temporary folder unless --keep-c puts it next to the output */
    const char *ext = o->cuda ? "cu" : "c";
    char tmpdir[] = "/tmp/tylesc.XXXXXX";
    if (!mkdtemp(tmpdir))
        util_syserr("cannot create a temporary directory: %s", strerror(errno));
    const char *cdir = o->keep_c ? dir : arena_printf(&util_arena, "%s/", tmpdir);
    const char *cfile = arena_printf(&util_arena, "%s%s.%s", cdir, stem, ext);
    const char *tmph = arena_printf(&util_arena, "%s/%s.h", tmpdir, stem);
    write_file(tmph, &m, emit_lib_h);
    emit_output_name = arena_printf(&util_arena, "%s.%s", stem, ext);
    write_file(cfile, &m, emit_lib_c);
    const char *obj = o->kind == DRV_LIB_OBJECT ? out : arena_printf(&util_arena, "%s/%s.o", tmpdir, stem);
    drv_opts d = {.object = 1, .no_mpi = o->no_mpi, .cuda = o->cuda, .fmad = o->fmad};
    /* the source includes its header from its own folder: the copy when it is in the temporary one */
    int st = drv_build(cfile, obj, &d);
    if (st == 0 && o->kind == DRV_LIB_ARCHIVE) {
        unlink(out); /* ar adds to an existing archive */
        const char *ar = getenv("AR") && *getenv("AR") ? getenv("AR") : "ar";
        char *argv[] = {(char *)ar, "rcs", (char *)out, (char *)obj, NULL};
        int rs = drv_run(argv);
        if (rs != 0) {
            fprintf(stderr, "tylesc: '%s rcs %s' failed (exit status %d)\n", ar, out, rs);
            st = 2;
        }
        unlink(obj);
    }
    if (!o->keep_c)
        unlink(cfile);
    unlink(tmph);
    rmdir(tmpdir);
    return st;
}
