/* emit_c.h: the C11 + OpenMP + MPI emitter.
 *
 * Requires: IR after the schedule passes (pass_sched_*, sched.h).
 * Establishes: one C translation unit: a static kernel function per sweep (restrict pointers,
 * OpenMP on the outer loop, contiguous inner loop) with its descriptor for tyl_sweep_run,
 * main() holding the scalar code, #line directives back to the .tyl source. Output is a
 * deterministic function of the IR and its schedule.
 */
#ifndef TYL_EMIT_C_H
#define TYL_EMIT_C_H

#include <stdio.h>

#include "../ir/ir.h"

void emit_c(ir_program *p, FILE *out);

/* The tylesc command line that regenerates the file (from the output's folder), for the header
 * comment of C and CUDA output; set by the driver, NULL when there is none to give. */
extern const char *emit_command_line;
/* The generated file's name as its own #line directives give it (NULL: tyles_generated.c). */
extern const char *emit_output_name;

/* Shared with the CUDA emitter: C text of a scalar expression evaluated on the host. */
void emit_c_scalar(strbuf *b, ir_expr *e);

#endif
