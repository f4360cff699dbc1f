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
