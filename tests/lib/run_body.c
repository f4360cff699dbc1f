/* run_body.c: an application that runs a library's module body, PREFIX_run (built with
 * -DHDR='"prog.h"' -DRUN=prog_run -DGRID=PROG_GRID_RANK): its prints, files and exit status
 * are compared with the program's (tests/lib/run.sh). */
#include <mpi.h>
#include <stdio.h>

#include HDR

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    tyl_ctx *ctx;
    if (tyl_ctx_create(MPI_COMM_WORLD, GRID, NULL, &ctx) != TYL_OK) {
        fprintf(stderr, "run_body: %s\n", tyl_ctx_error(NULL));
        return 1;
    }
    int st = RUN(ctx);
    if (st != TYL_OK)
        fprintf(stderr, "%s\n", tyl_ctx_error(ctx));
    tyl_ctx_destroy(ctx);
    MPI_Finalize();
    return st;
}
