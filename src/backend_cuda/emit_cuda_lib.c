/* emit_cuda_lib.c: what tylesc --lib --target=cuda adds to the library's source and header
 * (emit_lib.h). The functions themselves are printed by emit_lib.c with the CUDA back end's
 * target (emit_cuda.c): the same host code as a CUDA program's, kernels launched on the stream
 * of the context (tyl_ctx_create_cuda, tyles_lib.h).
 */
#include "../backend_c/emit_lib.h"

void emit_cuda_lib_includes(FILE *out)
{
    /* after the library's own header, which is plain C: the launches, tyl_cuda_stream and the
     * element access of CUDA programs */
    fprintf(out, "#include \"tyles_cuda.h\"\n");
}

void emit_cuda_lib_h(const emit_lib_module *m, FILE *out)
{
    fprintf(out, "/* The functions run on a GPU (tylesc --target=cuda; link libtyles_cuda.a): create the context\n"
                 " * with tyl_ctx_create_cuda(comm, %s_GRID_RANK, procs, device, stream, &ctx). Arrays are\n"
                 " * device memory (tyl_local.data is a device pointer; tyl_array_copy_in and _out move a\n"
                 " * rank's block from and to the host). A call queues its work on the context's stream and\n"
                 " * returns without waiting for it, except for scalar results, which it waits for. */\n"
                 "#define %s_CUDA 1\n", m->macro, m->macro);
}
