/* cuda_on_host.c: libtyles.a (the host library) refuses a context on a CUDA device with a
 * message, and a plain context works after it. Prints the message. */
#include <mpi.h>
#include <stdio.h>

#include "tyles_lib.h"

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    tyl_ctx *ctx = NULL;
    int st = tyl_ctx_create_cuda(MPI_COMM_WORLD, 2, NULL, 0, NULL, &ctx);
    printf("%d %s\n", st, tyl_ctx_error(NULL));
    st = tyl_ctx_create(MPI_COMM_WORLD, 2, NULL, &ctx);
    tyl_local L;
    const int64_t shape[2] = {4, 4};
    tyl_array *a = NULL;
    double in[16], out[16] = {0};
    for (int i = 0; i < 16; i++)
        in[i] = i;
    /* the host helpers on host arrays: the block in and out again */
    st |= tyl_array_create(ctx, TYL_FLOAT64, 2, shape, (const int[]){1, 1}, &a);
    st |= tyl_array_copy_in(ctx, a, in) | tyl_array_copy_out(ctx, a, out) | tyl_ctx_sync(ctx);
    tyl_array_local(a, &L);
    int same = 1;
    for (int i = 0; i < 16; i++)
        same &= in[i] == out[i];
    printf("%d device %d, block in and out %s\n", st, L.device, same ? "alike" : "DIFFERENT");
    tyl_ctx_destroy(ctx);
    MPI_Finalize();
    return 0;
}
