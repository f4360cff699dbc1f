/* A tiny generated-style program for the option tests in run.sh: prints its parameters. */
#include "tyles.h"

static int64_t N = 64;
static double nu = 0.05;
static int64_t steps = 100;
static bool flag = true;

int main(int argc, char **argv)
{
    tyl_param params[] = {
        {"N", TYL_INT64, &N},
        {"nu", TYL_FLOAT64, &nu},
        {"steps", TYL_INT64, &steps},
        {"flag", TYL_BOOL, &flag},
    };
    tyl_rt_init(&argc, &argv, "opt_prog.tyl", params, 4);
    tyl_print_int(N);
    tyl_print_str(" ");
    tyl_print_float(nu);
    tyl_print_str(" ");
    tyl_print_int(steps);
    tyl_print_str(" ");
    tyl_print_bool(flag);
    tyl_print_end("\n");
    int64_t sh[1] = {N > 0 ? N : 0};
    tyl_array *a = tyl_alloc(TYL_FLOAT64, 1, sh, TYL_INIT_ZERO, "opt_prog.tyl:20");
    (void)a; /* left alive on purpose: finalize frees it */
    if (steps == 7)
        tyl_rt_error("opt_prog.tyl:22", "steps is %lld", (long long)steps);
    return tyl_rt_finalize();
}
