/* main_helpers.c: tests/programs/advdiff_module_main.tyl as a library. Its defs are called only
 * from main() (under `if __name__ == "__main__"`), and several have defaults that are module
 * constants (`def make_grid(nx=NX, ...)`): they are exported all the same. The application calls
 * them as main() does and checks the field bit for bit against the program's scalar.npy
 * (tests/lib/run.sh, 1 and 3 ranks). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

#include "advdiff_module_main.h"
#include "../../samples/app_c/npy_read.h"
#include "lib_check.h"

int main(int argc, char **argv)
{
    int provided, me, failures = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    int64_t sh[2];
    double *want = npy_read_f64("scalar.npy", 2, sh);
    tyl_ctx *ctx;
    tyl_array *X = NULL, *Y = NULL, *c0 = NULL, *c = NULL;
    double dx = 0, dy = 0;
    int64_t steps = 0;
    int st = advdiff_module_main_ctx_create(MPI_COMM_WORLD, &ctx);
    if (st == TYL_OK)
        st = advdiff_module_main_make_grid(ctx, 64, 32, 2.0, 1.0, &X, &Y, &dx, &dy);
    if (st == TYL_OK)
        st = advdiff_module_main_initial_blob(ctx, X, Y, 0.5, 0.5, 0.12, &c0);
    if (st == TYL_OK)
        st = advdiff_module_main_integrate(ctx, c0, dx, dy, 0.25, false, &c, &steps);
    if (st != TYL_OK) {
        failures++;
        if (me == 0)
            printf("FAIL %s\n", tyl_ctx_error(ctx));
    } else {
        long bad = lib_differ(c, want);
        failures += bad != 0;
        if (me == 0)
            printf("%s the field after %lld steps: %ld elements differ from scalar.npy\n", bad ? "FAIL" : "ok",
                   (long long)steps, bad);
    }
    tyl_ctx_destroy(ctx);
    free(want);
    MPI_Finalize();
    return failures != 0;
}
