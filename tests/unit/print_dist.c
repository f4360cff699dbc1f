/* print(u) / print(repr(u)) of distributed arrays (tyl_print_array gathers to rank 0), driven by
 * tests/unit/print_dist.sh, which compares the output with print_dist.py's (NumPy's).
 *   print_dist G     arrays of rank G over a G-dimensional process grid, every dtype, one small
 *                    and one summarised (> 1000 elements); then a replicated one.
 * Element values are a function of the global C-order index, as in print_dist.py. */
#include "tyles.h"

#include <stdio.h>
#include <stdlib.h>

#define WHERE "print_dist.tyl:3"

/* halo layers of different widths, so a stride or halo mistake shows */
static const tyl_layout L_HALO = {1, {1, 2, 1, 0}, {2, 1, 1, 0}, 0, 0, {0}, {0}, 0, {0}, {0}, 0};

static void fill(tyl_array *a)
{
    for (int64_t i = 0; i < a->size; i++) {
        int64_t ix[TYL_MAX_RANK] = {0}, q = i;
        for (int d = a->rank - 1; d >= 0; d--) {
            ix[d] = q % a->shape[d];
            q /= a->shape[d];
        }
        switch (a->dtype) { /* setters store only into the owned block */
        case TYL_BOOL: tyl_eset_bool(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5], i % 3 == 0); break;
        case TYL_INT32: tyl_eset_i32(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5], (int32_t)(i * 7 - 100)); break;
        case TYL_INT64: tyl_eset_i64(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5], i * INT64_C(1000000007) - 5); break;
        case TYL_FLOAT32: tyl_eset_f32(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5], (float)((double)i / 7.0)); break;
        case TYL_FLOAT64: tyl_eset_f64(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5], (double)i / 3.0 - 2.0); break;
        default: abort(); /* main() makes arrays of the five dtypes above only */
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: print_dist G\n");
        return 2;
    }
    int G = atoi(argv[1]);
    tyl_rt_set_grid(G);
    int one_arg = 1;
    tyl_rt_init(&one_arg, &argv, "print_dist.tyl", NULL, 0);
    static const int64_t small[3][4] = {{10}, {5, 7}, {3, 4, 5}};
    static const int64_t big[3][4] = {{2000}, {40, 30}, {11, 10, 10}};
    for (int dt = TYL_BOOL; dt <= TYL_FLOAT64; dt++)
        for (int k = 0; k < 2; k++) {
            tyl_array *a = tyl_alloc_l((tyl_dtype)dt, G, k ? big[G - 1] : small[G - 1],
                                       TYL_INIT_ZERO, &L_HALO, WHERE);
            fill(a);
            tyl_print_array(a, 0, "\n");
            tyl_print_str("r = ");
            tyl_print_array(a, 1, NULL);
            tyl_print_end("\n");
            tyl_release(a);
        }
    int64_t s[2] = {4, 6};
    tyl_array *r = tyl_alloc_l(TYL_FLOAT64, 2, s, TYL_INIT_ZERO, NULL, WHERE);
    fill(r);
    tyl_print_array(r, 1, "\n");
    tyl_release(r);
    return tyl_rt_finalize();
}
