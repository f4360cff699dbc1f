/* tyl_sweep.c: run-time support for generated sweeps: shape checks and buffered copies. */
#include <string.h>

#include "tyles.h"

void tyl_check_shapes(const char *where, int kind, int na, const int64_t *a, int nb, const int64_t *b)
{
    int ok = 1, ones = 0;
    for (int i = 1; i <= na && i <= nb; i++) {
        int64_t x = a[na - i], y = b[nb - i];
        if (x != y) {
            ok = 0;
            if (x == 1 || (kind == TYL_CK_BCAST && y == 1))
                ones = 1;
        }
    }
    if (ok)
        return;
    char sa[128], sb[128];
    tyl_rt_shape_str(sa, na, a);
    tyl_rt_shape_str(sb, nb, b);
    if (ones)
        tyl_rt_error(where, "shapes %s and %s broadcast only because an extent is 1 at run time, "
                            "which compiled code does not support", sa, sb);
    if (kind == TYL_CK_BCAST)
        tyl_rt_error(where, "operands could not be broadcast together with shapes %s %s", sa, sb);
    tyl_rt_error(where, "could not broadcast input array from shape %s into shape %s", sa, sb);
}

double tyl_pairwise_sum_f64(const double *p, int64_t n)
{
    if (n <= 8) {
        double s = 0.0;
        for (int64_t i = 0; i < n; i++)
            s += p[i];
        return s;
    }
    int64_t h = n / 2;
    return tyl_pairwise_sum_f64(p, h) + tyl_pairwise_sum_f64(p + h, n - h);
}

float tyl_pairwise_sum_f32(const float *p, int64_t n)
{
    if (n <= 8) {
        float s = 0.0f;
        for (int64_t i = 0; i < n; i++)
            s += p[i];
        return s;
    }
    int64_t h = n / 2;
    return tyl_pairwise_sum_f32(p, h) + tyl_pairwise_sum_f32(p + h, n - h);
}

void tyl_empty_reduction(const char *where, const char *op)
{
    tyl_rt_error(where, "ValueError: zero-size array to reduction operation %s which has no identity", op);
}
