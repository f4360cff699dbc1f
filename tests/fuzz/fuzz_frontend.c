/* fuzz_frontend.c: libFuzzer target for the tylesc front end.
 *
 * Runs the whole compiler pipeline of src/driver/tylesc.c on the input bytes:
 *
 *     parse_file -> lower_module -> pass_inline_temps -> pass_copysem -> emit_c  (into /dev/null)
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
            ir_verify(p, "lower");
            pass_inline_temps(p);
            ir_verify(p, "inline_temps");
            pass_copysem(p);
            ir_verify(p, "copysem");
            emit_c(p, devnull);
            fflush(devnull);
        }
    }

    sym_reset();
    diag_reset();
    arena_free(&util_arena);
    return 0;
}
