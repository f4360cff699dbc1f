/* params.c: heat_run_params runs the module body with other parameters, as the program does
 * with --N=30 --steps=5 (tests/lib/run.sh compares their prints and heat.npy). */
#include <mpi.h>
#include <stdio.h>

#include "heat.h"

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    tyl_ctx *ctx;
    if (tyl_ctx_create(MPI_COMM_WORLD, HEAT_GRID_RANK, NULL, &ctx) != TYL_OK)
        return 1;
    heat_params p = HEAT_PARAMS_DEFAULT;
    p.N = 30;
    p.steps = 5;
    int st = heat_run_params(ctx, &p);
    if (st != TYL_OK)
        fprintf(stderr, "%s\n", tyl_ctx_error(ctx));
    tyl_ctx_destroy(ctx);
    MPI_Finalize();
    return st;
}
