/* exports.c: exports.tyl's module body from C through its exports: an array made by one export
 * and passed to another (array results get the library's halo, EXPORTS_HALO), int and bool
 * parameters, a default parameter given, a tuple of scalar results; the laplacian against the
 * program's lap.npy bit for bit, the statistics against its print. */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

#include "exports.h"
#include "../../samples/app_c/npy_read.h"

#define CK(x)                                                                                     \
    do {                                                                                          \
        if ((x) != TYL_OK) {                                                                      \
            printf("FAIL %s: %s\n", #x, tyl_ctx_error(ctx));                                      \
            return 1;                                                                             \
        }                                                                                         \
    } while (0)

int main(int argc, char **argv)
{
    int p, me;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &p);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    tyl_ctx *ctx;
    tyl_ctx_create(MPI_COMM_WORLD, EXPORTS_GRID_RANK, NULL, &ctx);
    tyl_array *u, *lap;
    CK(exports_make(ctx, 12, 2.0, 1, &u));
    tyl_local L;
    tyl_array_local(u, &L);
    if (3 >= L.lo[0] && 3 < L.lo[0] + L.n[0] && 4 >= L.lo[1] && 4 < L.lo[1] + L.n[1])
        ((double *)L.data)[(3 - L.lo[0]) * L.stride[0] + 4 - L.lo[1]] = 7.0;
    tyl_array_modified(u);
    CK(exports_relax(ctx, u, 3));
    CK(exports_laplace(ctx, u, 0.5, &lap));
    double mx, mn;
    int64_t n0;
    CK(exports_stats(ctx, u, &mx, &mn, &n0));
    int64_t shape[2];
    double *want = npy_read_f64("lap.npy", 2, shape);
    tyl_local M;
    tyl_array_local(lap, &M);
    long bad = !want || M.shape[0] != shape[0] || M.shape[1] != shape[1], total = 0;
    for (int64_t i = 0; !bad && i < M.n[0]; i++)
        for (int64_t j = 0; j < M.n[1]; j++)
            bad += memcmp((double *)M.data + i * M.stride[0] + j, want + (M.lo[0] + i) * shape[1] + M.lo[1] + j, 8) != 0;
    MPI_Allreduce(&bad, &total, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    if (me == 0) {
        printf("%.17g %.17g %lld\n", mx, mn, (long long)n0);
        printf("%s laplacian: %ld elements differ from lap.npy\n", total ? "FAIL" : "ok", total);
    }
    tyl_array_destroy(lap);
    tyl_array_destroy(u);
    tyl_ctx_destroy(ctx);
    MPI_Finalize();
    return total != 0;
}
