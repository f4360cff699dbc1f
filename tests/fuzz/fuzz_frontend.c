/* fuzz_frontend.c: libFuzzer target for the tylesc front end.
 *
 * Runs the whole compiler pipeline of src/driver/tylesc.c on the input bytes:
 *
 *     parse_file -> lower_module -> the IR and schedule passes as src/driver/tylesc.c runs
 *     them -> emit_c  (into /dev/null)
 *
 * with ir_verify after each IR pass, as a debug build of the driver does. Bad input must end
 * in diagnostics; anything else (a sanitizer report, a hang, an internal error) is a bug.
 * Internal errors abort() here because TYL_ABORT_ON_INTERNAL is set before the first input.
 *
 * Global state is reset per input: the arena (everything the compiler allocates), the
 * diagnostics counters and the symbolic-atom table (which lives in the arena).
 *
 * Build and run: tests/fuzz/run.sh (see tests/fuzz/README.md).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_c/emit_c.h"
#include "frontend/ast.h"
#include "frontend/diag.h"
#include "frontend/lower.h"
#include "frontend/sym.h"
#include "ir/ir.h"
#include "ir/sched.h"
#include "util/util.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("TYL_ABORT_ON_INTERNAL", "1", 0);
    devnull = fopen("/dev/null", "w");
    if (!devnull) {
        perror("/dev/null");
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Files with a NUL byte are rejected by the driver before parsing. */
    if (memchr(data, 0, size))
        return 0;
    if (!devnull)
        LLVMFuzzerInitialize(NULL, NULL);

    arena_init(&util_arena);
    sym_reset();
    diag_reset();

    char *text = arena_strndup(&util_arena, (const char *)data, size);
    const char *name = "fuzz.tyl";
    diag_set_source(name, text);

    ast *mod = parse_file(name, text);
    if (mod && !diag_count()) {
        ir_program *p = lower_module(mod, name);
        if (!diag_count()) {
            /* the driver's pipeline (src/driver/tylesc.c): the emitter needs the schedule */
            static const struct {
                const char *name;
                void (*run)(ir_program *);
            } passes[] = {
                {"lower", NULL},
                {"inline_temps", pass_inline_temps}, {"rotate", pass_rotate},
                {"fuse_stages", pass_fuse_stages},   {"copysem", pass_copysem},
                {"dist", pass_dist},                 {"fuse", pass_fuse},
                {"halo", pass_halo},                 {"sched", NULL},
                {"sched_ids", pass_sched_ids},       {"sched_exchange", pass_sched_exchange},
                {"sched_parts", pass_sched_parts},   {"sched_dirty", pass_sched_dirty},
                {"sched_graph", pass_sched_graph},   {"sched_steps", pass_sched_steps},
                {"sched_ckpt", pass_sched_ckpt},     {"sched_stages", pass_sched_stages},
                {"sched_vec", pass_sched_vec},       {"sched_timetile", pass_sched_timetile},
            };
            for (size_t i = 0; i < sizeof passes / sizeof passes[0]; i++) {
                if (strcmp(passes[i].name, "sched") == 0) {
                    ir_sched_begin(p, 0);
                    p->sched->time_tile_opt = SCHED_TT_AUTO; /* the default */
                    continue;
                }
                if (passes[i].run)
                    passes[i].run(p);
                ir_verify(p, passes[i].name);
            }
            emit_c(p, devnull);
            fflush(devnull);
        }
    }

    sym_reset();
    diag_reset();
    arena_free(&util_arena);
    return 0;
}

#ifdef TYL_FUZZ_REPLAY
/* Without libFuzzer (make check-asan, built with the ASan compiler's objects): every file named
 * runs through the target twice in a row, one file after another in one process, as libFuzzer
 * does with a corpus, so that state one input leaves behind (a static pointing into the arena
 * the previous input freed) is caught by ASan here too. */
int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 2;
        }
        size_t cap = 1 << 16, n = 0, got;
        uint8_t *buf = malloc(cap);
        while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0)
            if ((n += got) == cap && !(buf = realloc(buf, cap *= 2)))
                break;
        fclose(f);
        if (!buf) {
            fprintf(stderr, "%s: out of memory\n", argv[i]);
            return 2;
        }
        LLVMFuzzerTestOneInput(buf, n);
        LLVMFuzzerTestOneInput(buf, n);
        free(buf);
    }
    printf("fuzz replay: %d inputs, each twice, no sanitizer report\n", argc - 1);
    return 0;
}
#endif
