/* Writes .npy files into DIR (argv[1]); check_npy.py writes the same arrays with np.save and
 * compares the bytes. Keep the array list in step with check_npy.py. */
#include "tyles.h"

#include <stdlib.h>
#include <string.h>

static void save(const char *dir, const char *name, tyl_dtype dt, int rank, const int64_t *shape)
{
    tyl_array *a = tyl_alloc(dt, rank, shape, TYL_INIT_NONE, "npy");
    for (int64_t i = 0; i < a->size; i++) {
        switch (dt) {
        case TYL_BOOL: ((bool *)a->data)[i] = i % 3 == 0; break;
        case TYL_INT32: ((int32_t *)a->data)[i] = (int32_t)(i * 7 - 100); break;
        case TYL_INT64: ((int64_t *)a->data)[i] = i * INT64_C(1000000000007) - 5; break;
        case TYL_FLOAT32: ((float *)a->data)[i] = (float)i * 0.25f - 1.0f; break;
        case TYL_FLOAT64: ((double *)a->data)[i] = (double)i / 3.0 - 2.0; break;
        /* the small integers wrap around, as NumPy's astype from int64 does */
        case TYL_INT8: ((int8_t *)a->data)[i] = (int8_t)(i * 37 - 50); break;
        case TYL_UINT8: ((uint8_t *)a->data)[i] = (uint8_t)(i * 37 - 50); break;
        case TYL_INT16: ((int16_t *)a->data)[i] = (int16_t)(i * 9001 - 50); break;
        case TYL_UINT16: ((uint16_t *)a->data)[i] = (uint16_t)(i * 9001 - 50); break;
        case TYL_UINT32: ((uint32_t *)a->data)[i] = (uint32_t)(i * INT64_C(1000000007) - 50); break;
        case TYL_UINT64: ((uint64_t *)a->data)[i] = (uint64_t)(i * INT64_C(1000000000007) - 5); break;
        }
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.npy", dir, name);
    tyl_save_npy(path, a, "npy");
    tyl_release(a);
}

int main(int argc, char **argv)
{
    tyl_rt_init(&argc, &argv, "test_npy.tyl", NULL, 0);
    const char *dir = getenv("TYL_NPY_DIR");
    if (!dir)
        return 2;
    int64_t s1[1] = {7}, s2[2] = {3, 4}, s3[3] = {2, 3, 4}, s4[4] = {2, 1, 3, 2}, sz[2] = {0, 5},
            s0[1] = {0}, sb[1] = {100000}, sw[2] = {123456789, 0}, sx[3] = {5, 5, 5};
    save(dir, "f8_1d", TYL_FLOAT64, 1, s1);
    save(dir, "f8_2d", TYL_FLOAT64, 2, s2);
    save(dir, "f8_3d", TYL_FLOAT64, 3, s3);
    save(dir, "f8_4d", TYL_FLOAT64, 4, s4);
    save(dir, "f8_zero", TYL_FLOAT64, 2, sz);
    save(dir, "f8_empty", TYL_FLOAT64, 1, s0);
    save(dir, "f8_big", TYL_FLOAT64, 1, sb);
    save(dir, "f8_wide", TYL_FLOAT64, 2, sw);
    save(dir, "f8_0d", TYL_FLOAT64, 0, NULL);
    save(dir, "f4_2d", TYL_FLOAT32, 2, s2);
    save(dir, "i4_3d", TYL_INT32, 3, s3);
    save(dir, "i8_1d", TYL_INT64, 1, s1);
    save(dir, "i8_4d", TYL_INT64, 4, s4);
    save(dir, "b1_2d", TYL_BOOL, 2, s2);
    save(dir, "b1_3d", TYL_BOOL, 3, sx);
    save(dir, "i4_zero", TYL_INT32, 1, s0);
    save(dir, "i1_2d", TYL_INT8, 2, s2);
    save(dir, "u1_3d", TYL_UINT8, 3, sx);
    save(dir, "i2_1d", TYL_INT16, 1, s1);
    save(dir, "u2_2d", TYL_UINT16, 2, s2);
    save(dir, "u4_3d", TYL_UINT32, 3, s3);
    save(dir, "u8_1d", TYL_UINT64, 1, s1);
    /* overwrite an existing file */
    save(dir, "f8_2d", TYL_FLOAT64, 2, s2);
    return tyl_rt_finalize();
}
