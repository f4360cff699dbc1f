/* state.c: state.tyl's defs from C, where they read what the module body computes (a
 * coefficient field, a mask, a time step, a call counter the def changes): the field after 12
 * calls of state_step against the program's u.npy and the coefficient field from
 * state_get_kappa against its kappa.npy (bit for bit), energy and the counter against its print
 * (prog.out), the time step from its getter, state_init starting over, and a new context
 * computing the state again (tests/lib/run.sh, 1 and 3 ranks). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "../../samples/app_c/npy_read.h"
#include "lib_check.h"

static int me, failures;

static void check(int ok, const char *what, tyl_ctx *ctx)
{
    failures += !ok;
    if (me == 0)
        printf("%s %s%s%s\n", ok ? "ok" : "FAIL", what, ok ? "" : ": ", ok ? "" : tyl_ctx_error(ctx));
}

static double counter(tyl_ctx *ctx)
{
    tyl_array *c = NULL;
    double v = -1;
    if (state_get_calls(ctx, &c) == TYL_OK) {
        tyl_local L;
        tyl_array_local(c, &L);
        v = *(double *)L.data;
    }
    tyl_array_destroy(c);
    return v;
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    const int64_t N = 40, shape[2] = {N, N};
    int64_t sh[2];
    double *want_u = npy_read_f64("u.npy", 2, sh), *want_kappa = npy_read_f64("kappa.npy", 2, sh);
    double *want_ramp_t = npy_read_f64("ramp_t.npy", 2, sh);
    double want_energy = 0, want_calls = 0;
    FILE *f = fopen("prog.out", "r");
    if (!f || fscanf(f, "%lf %lf", &want_energy, &want_calls) != 2)
        check(0, "the program's print in prog.out", NULL);
    if (f)
        fclose(f);
    for (int round = 0; round < 2; round++) { /* the second in a new context: the state again */
        tyl_ctx *ctx;
        tyl_ctx_create(MPI_COMM_WORLD, STATE_GRID_RANK, NULL, &ctx);
        const int h[2] = {STATE_STEP_U_HALO, STATE_STEP_U_HALO};
        tyl_array *u;
        tyl_array_create(ctx, TYL_FLOAT64, 2, shape, h, &u);
        tyl_local L;
        tyl_array_local(u, &L);
        for (int64_t i = 0; i < L.n[0]; i++)
            for (int64_t j = 0; j < L.n[1]; j++)
                ((double *)L.data)[i * L.stride[0] + j] = L.lo[0] + i >= N / 2 ? 1.0 : 0.0;
        tyl_array_modified(u);
        int st = TYL_OK;
        for (int t = 0; t < 12 && st == TYL_OK; t++)
            st = state_step(ctx, u);
        check(st == TYL_OK, "12 calls of state_step", ctx);
        long bad = lib_differ(u, want_u);
        if (me == 0 && bad)
            printf("FAIL u: %ld elements differ from u.npy\n", bad);
        failures += bad != 0;
        double e = 0;
        check(state_energy(ctx, u, &e) == TYL_OK && e == want_energy, "state_energy as the program prints it", ctx);
        check(counter(ctx) == want_calls, "the counter state_step adds to", ctx);
        tyl_array *kappa = NULL;
        check(state_get_kappa(ctx, &kappa) == TYL_OK && lib_differ(kappa, want_kappa) == 0,
              "state_get_kappa against kappa.npy", ctx);
        check(state_energy(ctx, kappa, &e) == TYL_ERROR && !strcmp(tyl_ctx_error(ctx), "state_energy: error: argument "
                  "'u' is the module's 'kappa', which state_energy reads itself: pass a copy"),
              "the module's own array as an argument refused", ctx);
        tyl_array_destroy(kappa);
        double dt = 0, mx = 0;
        for (int64_t i = 0; want_kappa && i < N * N; i++)
            mx = want_kappa[i] > mx ? want_kappa[i] : mx;
        check(state_get_dt(ctx, &dt) == TYL_OK && dt == 0.2 / mx, "state_get_dt", ctx);
        tyl_array *rt = NULL;
        check(state_ramp_t(ctx, 2.0, &rt) == TYL_OK && lib_differ(rt, want_ramp_t) == 0,
              "a state array computed distributed, read whole (transposed)", ctx);
        tyl_array_destroy(rt);
        check(state_init(ctx) == TYL_OK && counter(ctx) == 0.0, "state_init computes the state again", ctx);
        const int64_t other[2] = {N + 1, N};
        tyl_array *v;
        tyl_array_create(ctx, TYL_FLOAT64, 2, other, h, &v);
        check(state_step(ctx, v) == TYL_ERROR && !strcmp(tyl_ctx_error(ctx), "state_step: error: argument 'u' has shape "
                  "(41, 40), but the module's 'kappa' has (40, 40): state_step takes them of one shape, as the program's "
                  "own call passes them"), "an argument of another shape than the state's refused", ctx);
        tyl_array_destroy(v);
        tyl_array_destroy(u);
        tyl_ctx_destroy(ctx);
    }
    free(want_u);
    free(want_kappa);
    free(want_ramp_t);
    MPI_Finalize();
    return failures != 0;
}
