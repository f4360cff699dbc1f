/* emit_cuda.h: the CUDA back end (see emit_cuda.c). */
#ifndef TYL_EMIT_CUDA_H
#define TYL_EMIT_CUDA_H

#include <stdio.h>

#include "../ir/ir.h"

void emit_cuda(ir_program *p, FILE *out);

#endif
