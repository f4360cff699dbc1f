/* NumPy's random streams (tyl_random.c): runs the draws of DIR/plan.txt (written by
 * check_random.py, which then compares DIR/out_K.bin with NumPy's). usage: TYL_RANDOM_DIR=DIR test_random */
#include "tyles.h"
#include "tyl_internal.h"

#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    tyl_rt_init(&argc, &argv, "test_random.tyl", NULL, 0);
    const char *dir = getenv("TYL_RANDOM_DIR"); /* tyl_rt_init takes only --NAME=VALUE options */
    if (!dir) {
        fprintf(stderr, "usage: TYL_RANDOM_DIR=DIR test_random\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/plan.txt", dir);
    FILE *plan = fopen(path, "r");
    if (!plan) {
        fprintf(stderr, "test_random: cannot open '%s'\n", path);
        return 2;
    }
    char line[512];
    int k = 0;
    while (fgets(line, sizeof line, plan)) {
        int gen, kind;
        double a, b;
        long long lo, hi, n, seed;
        char dt[8];
        unsigned char buf[8];
        const void *data = buf;
        size_t bytes = 8;
        tyl_array *arr = NULL;
        if (sscanf(line, "S %d %lld", &gen, &seed) == 2) {
            tyl_random_seed(gen, seed, 0, "t:1");
            continue;
        } else if (sscanf(line, "A %d %d %lf %lf %lld %lld %7s %lld", &gen, &kind, &a, &b, &lo, &hi, dt, &n) == 8) {
            tyl_dtype t = !strcmp(dt, "f8") ? TYL_FLOAT64 : !strcmp(dt, "f4") ? TYL_FLOAT32
                        : !strcmp(dt, "i4") ? TYL_INT32 : TYL_INT64;
            int64_t shape[1] = {n};
            arr = tyl_alloc(t, 1, shape, TYL_INIT_NONE, "t:2");
            tyl_random_fill(gen, kind, a, b, lo, hi, arr, "t:2");
            data = arr->data;
            bytes = (size_t)n * tyl_dtype_size(t);
        } else if (sscanf(line, "D %d %d %lf %lf", &gen, &kind, &a, &b) == 4) {
            double v = tyl_random_draw(gen, kind, a, b, "t:3");
            memcpy(buf, &v, 8);
        } else if (line[0] == 'Z') { /* the ziggurat tables, in the order check_random.py reads */
            const uint64_t *zk;
            const double *zw, *zf;
            const uint32_t *zkf;
            const float *zwf, *zff;
            tyl_random_zig_tables(&zk, &zw, &zf, &zkf, &zwf, &zff);
            snprintf(path, sizeof path, "%s/out_%d.bin", dir, k++);
            FILE *f = fopen(path, "wb");
            if (!f || fwrite(zk, 8, 256, f) != 256 || fwrite(zw, 8, 256, f) != 256 ||
                fwrite(zf, 8, 256, f) != 256 || fwrite(zkf, 4, 256, f) != 256 ||
                fwrite(zwf, 4, 256, f) != 256 || fwrite(zff, 4, 256, f) != 256 || fclose(f) != 0) {
                fprintf(stderr, "test_random: cannot write '%s'\n", path);
                return 2;
            }
            continue;
        } else if (sscanf(line, "I %d %lld %lld", &gen, &lo, &hi) == 3) {
            int64_t v = tyl_random_draw_int(gen, TYL_RK_INT, lo, hi, "t:4");
            memcpy(buf, &v, 8);
        } else {
            fprintf(stderr, "test_random: bad plan line: %s", line);
            return 2;
        }
        snprintf(path, sizeof path, "%s/out_%d.bin", dir, k++);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(data, 1, bytes, f) != bytes || fclose(f) != 0) {
            fprintf(stderr, "test_random: cannot write '%s'\n", path);
            return 2;
        }
        tyl_release(arr);
    }
    fclose(plan);
    return tyl_rt_finalize();
}
