/* np.save / np.load of distributed arrays (tyl_npy.c), driven by tests/unit/npy_dist.sh.
 *
 *   npy_dist save G DIR        grid of G dimensions: saves arrays of rank G laid out over the
 *                              grid (and some replicated ones) as DIR/NAME.npy, loads each back
 *                              with three layouts and checks every element; writes
 *                              DIR/manifest.txt ("NAME DTYPE EXTENTS...") for npy_dist_check.py.
 *                              Prints "ok NAME" / "FAIL NAME" (rank 0).
 *   npy_dist load G FILE       np.load of a float64 array of rank G over the grid (error tests)
 *   npy_dist savebad G PATH dist|repl [N]  np.save to PATH of an array of zeros, 12 x 10 (x 8 x 8)
 *                              or N x N (x 8 x 8), then of ones when N is given (error tests:
 *                              a failed save must leave the file of zeros)
 *   npy_dist copy G IN OUT DTYPE dist|repl   np.load of IN (DTYPE: float64, int32...) laid out
 *                              over the grid or replicated, then np.save to OUT
 *
 * Element values are a function of the global C-order index, as in npy_dist_check.py.
 */
#include "tyles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* (declared in tyles.h once np.load of distributed arrays is public) */
tyl_array *tyl_load_npy_l(const char *filename, tyl_dtype dt, int rank, const tyl_layout *L,
                          const char *where);
extern int tyl_rt_rank_;

#define WHERE "npy_dist.tyl:10"

/* halo layers of different widths, so a stride or halo mistake shows */
static const tyl_layout L_HALO = {1, {1, 2, 1, 0, 1, 0}, {2, 1, 1, 0, 0, 1}, 0, 0, {0}, {0}, 0, {0}, {0}, 0};
/* no halo: blocks split along the first axis only are contiguous (the direct path) */
static const tyl_layout L_BARE = {1, {0}, {0}, 0, 0, {0}, {0}, 0, {0}, {0}, 0};

static int failures;

static void report(int ok, const char *name)
{
    if (tyl_rt_rank_ == 0)
        printf("%s %s\n", ok ? "ok" : "FAIL", name);
    failures += !ok;
}

static const char *dname(tyl_dtype t)
{
    static const char *w[] = {"bool", "int32", "int64", "float32", "float64", "int8", "uint8",
                              "int16", "uint16", "uint32", "uint64"};
    return w[t];
}

/* The value of global C-order element i, as a double for the setters (exact for all of them:
 * the int64 values are checked through tyl_eset_i64 below). */
static void set_value(tyl_array *a, const int64_t *ix, int64_t i)
{
    switch (a->dtype) {
    case TYL_BOOL: tyl_eset_bool(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5], i % 3 == 0); break;
    case TYL_INT32: tyl_eset_i32(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5], (int32_t)(i * 7 - 100)); break;
    case TYL_INT64: tyl_eset_i64(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5], i * INT64_C(1000000000007) - 5); break;
    case TYL_FLOAT32: tyl_eset_f32(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5], (float)i * 0.25f - 1.0f); break;
    case TYL_FLOAT64: tyl_eset_f64(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5], (double)i / 3.0 - 2.0); break;
    /* check_npy.values(): the small integers wrap around */
    case TYL_INT8: tyl_eset_i8(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5], (int8_t)(i * 37 - 50)); break;
    case TYL_UINT8: tyl_eset_u8(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5], (uint8_t)(i * 37 - 50)); break;
    case TYL_INT16: tyl_eset_i16(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5], (int16_t)(i * 9001 - 50)); break;
    case TYL_UINT16: tyl_eset_u16(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5], (uint16_t)(i * 9001 - 50)); break;
    case TYL_UINT32:
        tyl_eset_u32(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5], (uint32_t)(i * INT64_C(1000000007) - 50));
        break;
    case TYL_UINT64:
        tyl_eset_u64(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5], (uint64_t)(i * INT64_C(1000000000007) - 5));
        break;
    }
}

static int check_value(const tyl_array *a, const int64_t *ix, int64_t i)
{
    switch (a->dtype) {
    case TYL_BOOL: return tyl_eget_bool(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5]) == (i % 3 == 0);
    case TYL_INT32: return tyl_eget_i32(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5]) == (int32_t)(i * 7 - 100);
    case TYL_INT64:
        return tyl_eget_i64(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5]) == i * INT64_C(1000000000007) - 5;
    case TYL_FLOAT32: return tyl_eget_f32(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5]) == (float)i * 0.25f - 1.0f;
    case TYL_FLOAT64: return tyl_eget_f64(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5]) == (double)i / 3.0 - 2.0;
    case TYL_INT8: return tyl_eget_i8(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5]) == (int8_t)(i * 37 - 50);
    case TYL_UINT8: return tyl_eget_u8(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5]) == (uint8_t)(i * 37 - 50);
    case TYL_INT16: return tyl_eget_i16(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5]) == (int16_t)(i * 9001 - 50);
    case TYL_UINT16: return tyl_eget_u16(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5]) == (uint16_t)(i * 9001 - 50);
    case TYL_UINT32:
        return tyl_eget_u32(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5]) == (uint32_t)(i * INT64_C(1000000007) - 50);
    case TYL_UINT64:
        return tyl_eget_u64(a, ix[0], ix[1], ix[2], ix[3], ix[4], ix[5]) ==
               (uint64_t)(i * INT64_C(1000000000007) - 5);
    }
    return 0;
}

/* Global index of C-order element i of a. */
static void unflatten(const tyl_array *a, int64_t i, int64_t *ix)
{
    for (int d = 0; d < TYL_MAX_RANK; d++)
        ix[d] = 0;
    for (int d = a->rank - 1; d >= 0; d--) {
        ix[d] = i % a->shape[d];
        i /= a->shape[d];
    }
}

static void fill_values(tyl_array *a)
{
    tyl_fill(a, 99.0); /* the halo too: it must never reach the file */
    int64_t ix[TYL_MAX_RANK];
    for (int64_t i = 0; i < a->size; i++) {
        unflatten(a, i, ix);
        set_value(a, ix, i);
    }
}

static int all_values(const tyl_array *a)
{
    int64_t ix[TYL_MAX_RANK];
    int ok = 1;
    for (int64_t i = 0; i < a->size; i++) {
        unflatten(a, i, ix);
        ok &= check_value(a, ix, i);
    }
    return ok;
}

static FILE *manifest;

static void manifest_line(const char *name, const tyl_array *a)
{
    if (tyl_rt_rank_ != 0)
        return;
    fprintf(manifest, "%s %s", name, dname(a->dtype));
    for (int d = 0; d < a->rank; d++)
        fprintf(manifest, " %lld", (long long)a->shape[d]);
    fprintf(manifest, "\n");
}

/* Save an array of the given dtype and shape laid out as L, check the round trip with three
 * layouts, and save the one loaded without halo again (NAME.re). */
static void one(const char *dir, tyl_dtype dt, int rank, const int64_t *shape, const tyl_layout *L)
{
    char name[128], path[1024], repath[1024];
    tyl_array *a = tyl_alloc_l(dt, rank, shape, TYL_INIT_NONE, L, WHERE);
    /* d_: distributed, r_: replicated */
    int k = snprintf(name, sizeof name, "%s_%s", a->layout ? "d" : "r", dname(dt));
    for (int d = 0; d < rank; d++)
        k += snprintf(name + k, sizeof name - (size_t)k, "%s%lld", d ? "x" : "_",
                      (long long)shape[d]);
    snprintf(path, sizeof path, "%s/%s.npy", dir, name);
    snprintf(repath, sizeof repath, "%s/%s.re.npy", dir, name);

    fill_values(a);
    tyl_save_npy(path, a, WHERE);
    manifest_line(name, a);

    const tyl_layout *layouts[3] = {&L_HALO, &L_BARE, NULL};
    const char *lname[3] = {"halo", "bare", "replicated"};
    for (int l = 0; l < 3; l++) {
        tyl_array *b = tyl_load_npy_l(path, dt, rank, layouts[l], WHERE);
        int ok = b->rank == rank && b->dtype == dt && b->size == a->size && b->hvalid[0] == 0 &&
                 b->hvalid[1] == 0;
        for (int d = 0; d < rank; d++)
            ok &= b->shape[d] == shape[d];
        ok = ok && all_values(b);
        char what[256];
        snprintf(what, sizeof what, "load_%s_%s", name, lname[l]);
        report(ok, what);
        if (l == 1) {
            tyl_save_npy(repath, b, WHERE);
            char rename_[160];
            snprintf(rename_, sizeof rename_, "%s.re", name);
            manifest_line(rename_, b);
        }
        tyl_release(b);
    }
    tyl_release(a);
}

static int save_all(int G, const char *dir)
{
    char mpath[1024];
    snprintf(mpath, sizeof mpath, "%s/manifest.txt", dir);
    if (tyl_rt_rank_ == 0 && !(manifest = fopen(mpath, "w"))) {
        perror(mpath);
        return 2;
    }
    const tyl_layout *L = &L_HALO;
    if (G == 1) {
        const int64_t s0[] = {101}, s1[] = {7}, s2[] = {5}, s3[] = {13}, s4[] = {4}, s5[] = {2},
                      s6[] = {0}, r0[] = {3, 4}, r1[] = {6};
        one(dir, TYL_FLOAT64, 1, s0, L); /* the first distributed array: at least 4 elements */
        one(dir, TYL_FLOAT32, 1, s1, L);
        one(dir, TYL_INT64, 1, s2, L);
        one(dir, TYL_BOOL, 1, s3, L);
        one(dir, TYL_INT32, 1, s4, L);
        one(dir, TYL_FLOAT64, 1, s5, L);  /* empty blocks on some ranks */
        one(dir, TYL_FLOAT64, 1, s6, L);  /* no data at all */
        one(dir, TYL_FLOAT64, 2, r0, L);  /* rank 2 on a 1-D grid: replicated */
        one(dir, TYL_INT64, 1, r1, NULL); /* replicated */
        one(dir, TYL_UINT8, 1, s0, L);    /* the small integer dtypes, distributed */
        one(dir, TYL_INT8, 1, s3, L);
        one(dir, TYL_INT16, 1, s1, L);
        one(dir, TYL_UINT16, 1, s2, L);
        one(dir, TYL_UINT32, 1, s3, L);
        one(dir, TYL_UINT64, 1, s1, L);
    } else if (G == 2) {
        const int64_t s0[] = {13, 7}, s1[] = {4, 9}, s2[] = {5, 3}, s3[] = {6, 11}, s4[] = {3, 5},
                      s5[] = {2, 5}, s6[] = {0, 5}, s7[] = {4, 1}, r0[] = {3}, r1[] = {3, 4};
        one(dir, TYL_FLOAT64, 2, s0, L);
        one(dir, TYL_FLOAT32, 2, s1, L);
        one(dir, TYL_INT64, 2, s2, L);
        one(dir, TYL_BOOL, 2, s3, L);
        one(dir, TYL_INT32, 2, s4, L);
        one(dir, TYL_FLOAT64, 2, s5, L);
        one(dir, TYL_FLOAT64, 2, s6, L);
        one(dir, TYL_FLOAT64, 2, s7, L);
        one(dir, TYL_FLOAT64, 1, r0, L);
        one(dir, TYL_FLOAT32, 2, r1, NULL);
    } else if (G == 3) {
        const int64_t s0[] = {5, 6, 7}, s1[] = {4, 3, 5}, s2[] = {3, 4, 2}, s3[] = {5, 5, 5},
                      s4[] = {2, 3, 4}, s5[] = {2, 2, 2}, s6[] = {3, 0, 2}, r0[] = {2, 3};
        one(dir, TYL_FLOAT64, 3, s0, L);
        one(dir, TYL_FLOAT32, 3, s1, L);
        one(dir, TYL_INT64, 3, s2, L);
        one(dir, TYL_BOOL, 3, s3, L);
        one(dir, TYL_INT32, 3, s4, L);
        one(dir, TYL_FLOAT64, 3, s5, L);
        one(dir, TYL_FLOAT64, 3, s6, L);
        one(dir, TYL_FLOAT64, 2, r0, L);
    } else if (G == 5) { /* the grids of 5-D and 6-D programs: most axes have one rank */
        const int64_t s0[] = {5, 4, 3, 2, 3}, s1[] = {3, 2, 2, 3, 2}, s2[] = {2, 3, 1, 2, 2},
                      s3[] = {4, 0, 2, 2, 2}, r0[] = {3, 4};
        one(dir, TYL_FLOAT64, 5, s0, L);
        one(dir, TYL_FLOAT32, 5, s1, L);
        one(dir, TYL_INT64, 5, s2, L);
        one(dir, TYL_FLOAT64, 5, s3, L);
        one(dir, TYL_FLOAT64, 2, r0, L);
    } else if (G == 6) {
        const int64_t s0[] = {4, 3, 2, 3, 2, 3}, s1[] = {2, 2, 2, 2, 2, 2}, s2[] = {3, 2, 1, 2, 1, 3},
                      r0[] = {2, 3, 2};
        one(dir, TYL_FLOAT64, 6, s0, L);
        one(dir, TYL_INT32, 6, s1, L);
        one(dir, TYL_BOOL, 6, s2, L);
        one(dir, TYL_FLOAT64, 3, r0, L);
    } else {
        fprintf(stderr, "npy_dist save: no arrays for a grid of %d dimensions\n", G);
        return 2;
    }
    if (manifest)
        fclose(manifest);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: npy_dist save|load|savebad|copy G PATH [...]\n");
        return 2;
    }
    int G = atoi(argv[2]);
    const char *mode = argv[1], *path = argv[3], *kind = argc > 4 ? argv[4] : "";
    tyl_rt_set_grid(G);
    int one_arg = 1; /* runtime options are not passed: only the program name */
    tyl_rt_init(&one_arg, &argv, "npy_dist.tyl", NULL, 0);
    int rc = 0;
    if (!strcmp(mode, "save")) {
        rc = save_all(G, path);
    } else if (!strcmp(mode, "load")) {
        tyl_array *a = tyl_load_npy_l(path, TYL_FLOAT64, G, &L_HALO, WHERE);
        if (tyl_rt_rank_ == 0)
            printf("loaded %lld elements\n", (long long)a->size);
        tyl_release(a);
    } else if (!strcmp(mode, "savebad")) {
        int64_t shape[TYL_MAX_RANK] = {12, 10, 8, 8, 8, 8};
        int dist = !strcmp(kind, "dist");
        int64_t n = argc > 5 ? atoll(argv[5]) : 0;
        if (n > 0)
            shape[0] = shape[1] = n;
        tyl_array *a = tyl_alloc_l(TYL_FLOAT64, G, shape, TYL_INIT_ZERO, dist ? &L_HALO : NULL, WHERE);
        tyl_save_npy(path, a, WHERE);
        if (tyl_rt_rank_ == 0)
            printf("saved\n");
        if (n > 0) {
            tyl_fill(a, 1.0);
            tyl_save_npy(path, a, WHERE);
            if (tyl_rt_rank_ == 0)
                printf("saved again\n");
        }
        tyl_release(a);
    } else if (!strcmp(mode, "copy") && argc > 6) {
        tyl_dtype dt = TYL_FLOAT64;
        for (int t = TYL_BOOL; t <= TYL_UINT64; t++)
            if (!strcmp(argv[5], dname((tyl_dtype)t)))
                dt = (tyl_dtype)t;
        const tyl_layout *L = strcmp(argv[6], "dist") ? NULL : &L_HALO;
        tyl_array *a = tyl_load_npy_l(path, dt, G, L, WHERE);
        tyl_save_npy(argv[4], a, WHERE);
        tyl_release(a);
    } else {
        rc = 2;
    }
    int fin = tyl_rt_finalize();
    return rc ? rc : failures ? 1 : fin;
}
