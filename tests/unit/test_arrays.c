/* Arrays: allocation, alignment, zeroing, the pool, refcounts, fill, copy, shape strings, and
 * arrays left alive at finalize (LeakSanitizer must stay quiet). Prints "ok NAME" / "FAIL NAME". */
#include "tyles.h"

#include <stdlib.h>
#include <string.h>

#include "unit_check.h"

static int all_zero(const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i])
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    tyl_rt_init(&argc, &argv, "test_arrays.tyl", NULL, 0);
    char buf[128];

    /* shape strings */
    int64_t s34[2] = {3, 4}, s5[1] = {5}, s4d[4] = {2, 3, 4, 5};
    CHECK("shape_str_2d", !strcmp(tyl_rt_shape_str(buf, 2, s34), "(3, 4)"));
    CHECK("shape_str_1d", !strcmp(tyl_rt_shape_str(buf, 1, s5), "(5,)"));
    CHECK("shape_str_0d", !strcmp(tyl_rt_shape_str(buf, 0, NULL), "()"));
    CHECK("shape_str_4d", !strcmp(tyl_rt_shape_str(buf, 4, s4d), "(2, 3, 4, 5)"));
    int64_t big[4] = {INT64_MAX, INT64_MIN, INT64_MAX, INT64_MIN};
    tyl_rt_shape_str(buf, 4, big);
    CHECK("shape_str_long", strlen(buf) < 128);

    /* alloc: shape, size, alignment, zeroing */
    tyl_array *a = tyl_alloc(TYL_FLOAT64, 2, s34, TYL_INIT_ZERO, "t:1");
    CHECK("alloc_fields", a->rank == 2 && a->size == 12 && a->shape[0] == 3 && a->shape[1] == 4 &&
                              a->shape[2] == 1 && a->shape[3] == 1 && a->refs == 1 &&
                              a->dtype == TYL_FLOAT64);
    CHECK("alloc_aligned", ((uintptr_t)a->data & 63) == 0);
    CHECK("alloc_zero", all_zero(a->data, 12 * 8));

    /* pool: a released buffer is reused for the same byte size, whatever the dtype */
    void *old = a->data;
    ((double *)a->data)[5] = 42.0;
    tyl_release(a);
    int64_t s24[1] = {24};
    tyl_array *b = tyl_alloc(TYL_INT32, 1, s24, TYL_INIT_ZERO, "t:2"); /* 96 bytes too */
    CHECK("pool_reuse", b->data == old);
    CHECK("pool_reuse_zeroed", all_zero(b->data, 96));
    CHECK("pool_reuse_fields", b->rank == 1 && b->size == 24 && b->shape[1] == 1 &&
                                   b->dtype == TYL_INT32 && b->refs == 1);
    int64_t s7[1] = {7};
    tyl_array *c = tyl_alloc(TYL_INT32, 1, s7, TYL_INIT_NONE, "t:3");
    CHECK("pool_other_size", c->data != old && ((uintptr_t)c->data & 63) == 0);

    /* refcounts and tyl_set */
    tyl_array *name = NULL;
    tyl_set(&name, b); /* name holds b's reference */
    tyl_set(&name, tyl_ref(name)); /* self-assignment keeps it alive */
    CHECK("set_self", name == b && b->refs == 1);
    tyl_array *t2 = tyl_ref(b);
    CHECK("ref", t2 == b && b->refs == 2);
    tyl_release(t2);
    tyl_set(&name, c); /* releases b into the pool */
    CHECK("set_rebind", name == c && c->refs == 1);
    tyl_release(NULL);
    CHECK("release_null", 1);

    /* fill */
    int64_t s3[1] = {3};
    tyl_array *fb = tyl_alloc(TYL_BOOL, 1, s3, TYL_INIT_NONE, "t:4");
    tyl_fill(fb, 0.5);
    CHECK("fill_bool", ((bool *)fb->data)[0] == true && ((bool *)fb->data)[2] == true);
    tyl_fill(fb, 0.0);
    CHECK("fill_bool_false", ((bool *)fb->data)[1] == false);
    tyl_array *fi = tyl_alloc(TYL_INT32, 1, s3, TYL_INIT_NONE, "t:5");
    tyl_fill(fi, -2.7);
    CHECK("fill_int32", ((int32_t *)fi->data)[2] == -2);
    tyl_fill(fi, NAN);
    CHECK("fill_int32_nan", ((int32_t *)fi->data)[0] == INT32_MIN);
    tyl_array *fl = tyl_alloc(TYL_INT64, 1, s3, TYL_INIT_NONE, "t:6");
    tyl_fill(fl, 1e18);
    CHECK("fill_int64", ((int64_t *)fl->data)[1] == INT64_C(1000000000000000000));
    tyl_array *ff = tyl_alloc(TYL_FLOAT32, 1, s3, TYL_INIT_NONE, "t:7");
    tyl_fill(ff, 0.1);
    CHECK("fill_float32", ((float *)ff->data)[2] == 0.1f);

    /* zero-size arrays and 0-d arrays */
    int64_t s0[2] = {0, 5};
    tyl_array *z = tyl_alloc(TYL_FLOAT64, 2, s0, TYL_INIT_ZERO, "t:8");
    CHECK("zero_size", z->size == 0 && z->data != NULL && ((uintptr_t)z->data & 63) == 0);
    tyl_fill(z, 3.0);
    tyl_array *zc = tyl_copy(z, "t:9");
    CHECK("zero_size_copy", zc->size == 0 && zc->shape[0] == 0 && zc->shape[1] == 5);
    tyl_array *d0 = tyl_alloc(TYL_FLOAT64, 0, NULL, TYL_INIT_ZERO, "t:10");
    CHECK("rank0", d0->size == 1 && *(double *)d0->data == 0.0);
    tyl_release(z);
    tyl_release(zc);
    tyl_release(d0);

    /* large: parallel zero / fill / copy */
    int64_t sl[2] = {1000, 1001};
    tyl_array *L = tyl_alloc(TYL_FLOAT64, 2, sl, TYL_INIT_ZERO, "t:11");
    CHECK("large_zero", all_zero(L->data, (size_t)L->size * 8));
    double *ld = L->data;
    for (int64_t i = 0; i < L->size; i++)
        ld[i] = (double)i;
    tyl_array *L2 = tyl_copy(L, "t:12");
    CHECK("large_copy", !memcmp(L2->data, L->data, (size_t)L->size * 8) && L2->data != L->data);
    tyl_fill(L2, 2.5);
    int okfill = 1;
    for (int64_t i = 0; i < L2->size; i++)
        okfill &= ((double *)L2->data)[i] == 2.5;
    CHECK("large_fill", okfill);
    void *ldata = L->data;
    tyl_release(L);
    tyl_array *L3 = tyl_alloc(TYL_INT64, 2, sl, TYL_INIT_ZERO, "t:13");
    CHECK("large_pool_rezero", L3->data == ldata && all_zero(L3->data, (size_t)L3->size * 8));

    /* a time-step loop reuses two buffers only */
    tyl_array *u = tyl_alloc(TYL_FLOAT64, 2, s34, TYL_INIT_ZERO, "t:14");
    void *seen[2] = {u->data, NULL};
    int nseen = 1, okloop = 1;
    for (int step = 0; step < 100; step++) {
        tyl_array *un = tyl_copy(u, "t:15");
        if (un->data != seen[0] && un->data != seen[1]) {
            if (nseen == 2)
                okloop = 0;
            else
                seen[nseen++] = un->data;
        }
        tyl_set(&u, un);
    }
    CHECK("pool_timestep_loop", okloop);

    /* L2, L3, u, name (c), fb, fi, fl, ff stay alive: finalize frees them */
    (void)L2;
    (void)L3;
    int rc = tyl_rt_finalize();
    CHECK("finalize_rc", rc == 0);
    return failed != 0;
}
