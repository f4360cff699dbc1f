/* fuzz_frontend.c: libFuzzer target for the tylesc front end.
 *
 * Runs the whole compiler pipeline of src/driver/tylesc.c on the input bytes:
 *
 *     parse_file -> lower_module -> the IR and schedule passes (src/driver/driver_passes.c, the
 *     driver's own table) -> emit_c  (into /dev/null)
 *
 * with ir_verify after each pass, as a debug build of the driver does. Bad input must end
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
#include "util/diag.h"
#include "frontend/lower.h"
#include "util/sym.h"
#include "driver/driver.h"
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
            /* the driver's passes (src/driver/driver_passes.c): the emitter needs the schedule */
            drv_ir_passes(p, NULL);
            drv_sched_passes(p, 0, SCHED_TT_AUTO, NULL);
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
