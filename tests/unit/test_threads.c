/* Unit tests of how libtyles shares work among OpenMP threads (tyl_mem_host.c):
 *  - the first-touch partition (tyl_mem_rows_) is the partition that `#pragma omp for
 *    schedule(static)`, which every generated sweep uses over its outer axis, makes in the
 *    OpenMP this is built with: each row is first written by the thread that sweeps it;
 *  - tyl_mem_place zeroes by those rows, writes one byte a page of a fresh array that nothing
 *    initialises, and leaves a pooled one alone;
 *  - tyl_mem_fill fills every element (its rows split the same way);
 *  - tyl_box_copy copies boxes of rank 1 to 3, strided or not, large (shared among the threads
 *    in one parallel region) and small, and inside a parallel region;
 *  - tyl_mem_stream streams a sweep over the threshold only when the rows it stores are 1000 B
 *    or more (short rows: the partly written lines at their ends cost more than streaming saves);
 *  - tyl_stream_f64/f32 (tyles.h: non-temporal stores, the unaligned ends one element at a
 *    time) copy every element bit for bit whatever the length and the destination's alignment,
 *    and write nothing outside [dst, dst + n);
 *  - tyl_mem_alloc does not start a large array a multiple of 256 MiB from another live one
 *    (AMD Zen's L1 way predictor: tyl_mem_host.c), even where the system would place it so.
 * Prints "ok NAME" / "FAIL NAME ..." lines (tests/unit/run.sh counts them). */
#define _DEFAULT_SOURCE
#include <omp.h>
#include <sys/mman.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tyl_mem.h"
#include "tyles.h"

static int failures;

static void check(int ok, const char *name, const char *detail)
{
    if (ok)
        printf("ok %s\n", name);
    else {
        printf("FAIL %s %s\n", name, detail);
        failures++;
    }
}

static void test_rows(void)
{
    static const int64_t rows[] = {0, 1, 2, 3, 5, 7, 8, 9, 31, 64, 100, 254, 4094, 4096, 4111};
    static const int teams[] = {1, 2, 3, 4, 7};
    char detail[160] = "";
    int ok = 1;
    omp_set_dynamic(0);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        for (size_t j = 0; j < sizeof teams / sizeof teams[0]; j++) {
            const int64_t n = rows[i];
            const int nt = teams[j];
            int *who = malloc(sizeof(int) * (size_t)(n ? n : 1));
            int got_nt = 0;
#pragma omp parallel num_threads(nt)
            {
#pragma omp single
                got_nt = omp_get_num_threads();
#pragma omp for schedule(static)
                for (int64_t r = 0; r < n; r++)
                    who[r] = omp_get_thread_num();
            }
            if (got_nt != nt) { /* the runtime gave fewer threads: the split is for got_nt */
                snprintf(detail, sizeof detail, "team of %d asked, %d given", nt, got_nt);
                ok = 0;
            }
            for (int t = 0; t < got_nt; t++) {
                int64_t lo, hi;
                tyl_mem_rows_(n, got_nt, t, &lo, &hi);
                for (int64_t r = 0; r < n; r++)
                    if ((r >= lo && r < hi) != (who[r] == t)) {
                        snprintf(detail, sizeof detail,
                                 "%lld rows, %d threads: row %lld swept by thread %d, first "
                                 "touched by thread %d",
                                 (long long)n, got_nt, (long long)r, who[r], t);
                        ok = 0;
                        break;
                    }
            }
            free(who);
        }
    check(ok, "first_touch_rows_equal_static_schedule", detail);
}

/* A replicated array of rows x cols doubles over memory of our own (what alloc_block makes). */
static tyl_array host_array(int64_t rows, int64_t cols, void *base)
{
    tyl_array a;
    memset(&a, 0, sizeof a);
    a.rank = 2;
    a.dtype = TYL_FLOAT64;
    a.shape[0] = a.n[0] = rows;
    a.shape[1] = a.n[1] = cols;
    a.stride[0] = cols;
    a.stride[1] = 1;
    a.lsize = a.size = rows * cols;
    a.base = a.data = base;
    return a;
}

static void test_place(void)
{
    const int64_t rows = 517, cols = 1031; /* 4.1 MiB, rows not a multiple of the threads */
    const size_t bytes = (size_t)(rows * cols) * sizeof(double);
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *m = tyl_mem_alloc(bytes);
    tyl_array a = host_array(rows, cols, m);

    memset(m, 0xab, bytes);
    tyl_mem_place(&a, 1, 0);
    size_t bad = 0;
    for (size_t i = 0; i < bytes; i++)
        bad += m[i] != 0;
    check(bad == 0, "place_zero_all", "bytes not zeroed");

    memset(m, 0xab, bytes);
    tyl_mem_place(&a, 0, 0); /* a pooled buffer: untouched */
    bad = 0;
    for (size_t i = 0; i < bytes; i++)
        bad += m[i] != 0xab;
    check(bad == 0, "place_pooled_untouched", "a pooled buffer was written");

    memset(m, 0xab, bytes);
    tyl_mem_place(&a, 0, 1); /* fresh: every page written once, by one byte */
    size_t pages = 0, touched = 0, other = 0;
    for (size_t i = 0; i < bytes; i++) {
        int page_start = ((uintptr_t)(m + i) % page) == 0 || i == 0;
        pages += page_start;
        if (m[i] == 0)
            touched++;
        else if (m[i] != 0xab)
            other++;
    }
    /* one byte per page and per thread's first row (a row that starts inside a page) */
    char d[120];
    snprintf(d, sizeof d, "%zu pages, %zu bytes written", pages, touched);
    check(touched >= pages && touched <= pages + (size_t)omp_get_max_threads() && other == 0,
          "place_fresh_one_byte_a_page", d);

    tyl_array f = a;
    tyl_mem_fill(&f, 2.5);
    const double *x = (const double *)m;
    bad = 0;
    for (int64_t i = 0; i < rows * cols; i++)
        bad += x[i] != 2.5;
    check(bad == 0, "fill_all_rows", "elements not filled");
    tyl_mem_free(m);
}

/* The naive box copy, for comparison. */
static void box_ref(double *dst, const int64_t *ds, const double *src, const int64_t *ss, int rank,
                    const int64_t *n)
{
    int64_t idx[3] = {0, 0, 0}, total = 1;
    for (int d = 0; d < rank; d++)
        total *= n[d];
    for (int64_t k = 0; k < total; k++) {
        int64_t r = k, od = 0, os = 0;
        for (int d = rank - 1; d >= 0; d--) {
            idx[d] = r % n[d];
            r /= n[d];
            od += idx[d] * ds[d];
            os += idx[d] * ss[d];
        }
        dst[od] = src[os];
    }
}

static void test_box(void)
{
    const int64_t E = 72; /* source and destination: E^3 doubles */
    const size_t cnt = (size_t)(E * E * E);
    double *src = malloc(cnt * sizeof(double)), *d1 = malloc(cnt * sizeof(double)),
           *d2 = malloc(cnt * sizeof(double));
    for (size_t i = 0; i < cnt; i++)
        src[i] = (double)i;
    struct {
        const char *name;
        int rank;
        int64_t n[3], ds[3], ss[3];
    } cases[] = {
        {"box3_large", 3, {70, 70, 70}, {E * E, E, 1}, {E * E, E, 1}},
        {"box3_face", 3, {1, 72, 72}, {E * E, E, 1}, {E * E, E, 1}},
        {"box3_strided_last", 3, {40, 30, 35}, {E * E, E, 2}, {E * E, E, 2}},
        {"box3_column", 3, {70, 70, 1}, {E * E, E, 1}, {E * E, E, 1}},
        {"box2_large", 2, {300, 300}, {1000, 1}, {1100, 1}},
        {"box2_small", 2, {10, 10}, {E, 1}, {E, 1}},
        {"box1", 1, {5000}, {1}, {3}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int inside = 0; inside < 2; inside++) {
            memset(d1, 0, cnt * sizeof(double));
            memset(d2, 0, cnt * sizeof(double));
            box_ref(d1, cases[c].ds, src, cases[c].ss, cases[c].rank, cases[c].n);
            if (inside) {
#pragma omp parallel
#pragma omp single
                tyl_box_copy(d2, cases[c].ds, src, cases[c].ss, cases[c].rank, cases[c].n,
                             sizeof(double));
            } else
                tyl_box_copy(d2, cases[c].ds, src, cases[c].ss, cases[c].rank, cases[c].n,
                             sizeof(double));
            char name[64];
            snprintf(name, sizeof name, "%s%s", cases[c].name, inside ? "_in_parallel" : "");
            check(!memcmp(d1, d2, cnt * sizeof(double)), name, "differs from the naive copy");
        }
    }
    free(src);
    free(d1);
    free(d2);
}

/* TYLES_STREAM_BYTES is read once, at the first call: set before it. A threshold in bytes moved
 * on the node: a rank's bytes count once for each rank of the job on the node (they share the
 * L3), tyl_mem_local_ranks_. Rows under 480 B are not streamed. */
static void test_stream_rows(void)
{
    setenv("TYLES_STREAM_BYTES", "1000", 1);
    int64_t big = 1 << 20;
    check(tyl_mem_stream(big, 2032, 16) == 1, "stream/f64_rows_of_254", "not streamed");
    check(tyl_mem_stream(big, 1016, 8) == 1, "stream/f32_rows_of_254", "not streamed");
    check(tyl_mem_stream(big, 504, 8) == 1, "stream/f32_rows_of_126", "not streamed");
    check(tyl_mem_stream(big, 252, 8) == 0, "stream/f32_rows_of_63", "streamed");
    check(tyl_mem_stream(big, 16376, 8) == 1, "stream/f32_rows_of_4094", "not streamed");
    check(tyl_mem_stream(100, 16376, 8) == 0, "stream/small_sweep", "streamed");
    const int ranks = tyl_mem_local_ranks_;
    tyl_mem_local_ranks_ = 2;
    check(tyl_mem_stream(100, 16376, 8) == 1, "stream/small_sweep_of_2_ranks", "not streamed");
    check(tyl_mem_stream(60, 16376, 8) == 0, "stream/smaller_sweep_of_2_ranks", "streamed");
    tyl_mem_local_ranks_ = ranks;
}

/* Lengths 0..70 at every element offset in a 64-byte line; guard values around the target;
 * source values NaN payloads, -0.0 and denormals among ordinary ones (compared as bits). */
static void test_stream_copy(void)
{
    enum { MAXN = 70, PAD = 24 };
    _Alignas(64) double d64[MAXN + 2 * PAD], s64[MAXN + 2 * PAD];
    _Alignas(64) float d32[MAXN + 2 * PAD], s32[MAXN + 2 * PAD];
    int bad64 = 0, bad32 = 0;
    for (int i = 0; i < MAXN + 2 * PAD; i++) {
        uint64_t b = 0x7ff8000000000001ull + (uint64_t)i * 0x0001000100010001ull;
        uint32_t c = 0x7fc00001u + (uint32_t)i * 0x00010001u;
        if (i % 5 == 1)
            b = 0x8000000000000000ull, c = 0x80000000u; /* -0.0 */
        if (i % 5 == 2)
            b = (uint64_t)i, c = (uint32_t)i; /* denormals */
        memcpy(&s64[i], &b, 8);
        memcpy(&s32[i], &c, 4);
    }
    for (int off = 0; off < 16; off++)
        for (int n = 0; n <= MAXN; n++) {
            memset(d64, 0x5a, sizeof d64);
            memset(d32, 0x5a, sizeof d32);
            if (off < 8)
                tyl_stream_f64(d64 + PAD + off, s64 + 3, n);
            tyl_stream_f32(d32 + PAD + off, s32 + 5, n);
            tyl_stream_fence();
            for (int i = 0; i < MAXN + 2 * PAD; i++) {
                int in64 = off < 8 && i >= PAD + off && i < PAD + off + n;
                int in32 = i >= PAD + off && i < PAD + off + n;
                uint64_t g64 = 0x5a5a5a5a5a5a5a5aull;
                uint32_t g32 = 0x5a5a5a5au;
                bad64 += memcmp(&d64[i], in64 ? &s64[i - PAD - off + 3] : (const void *)&g64, 8) != 0;
                bad32 += memcmp(&d32[i], in32 ? &s32[i - PAD - off + 5] : (const void *)&g32, 4) != 0;
            }
        }
    check(!bad64, "stream/copy_f64_every_offset", "an element differs or a guard was written");
    check(!bad32, "stream/copy_f32_every_offset", "an element differs or a guard was written");
}

/* Arrange that the system's next placement of an 8 MiB array lies exactly 256 MiB below a live
 * one (a PROT_NONE spacer in between, found by probing with aligned_alloc as tyl_mem_alloc
 * calls it), then check that tyl_mem_alloc starts it at least 16 MiB (modulo 256 MiB) away,
 * that it and its neighbour hold what is written, and that both free. */
static void test_large_apart(void)
{
    const size_t n = (size_t)8 << 20, hp = (size_t)2 << 20, period = (size_t)256 << 20;
    char *a = tyl_mem_alloc(n), *b = NULL, detail[160] = "";
    void *spacer[8];
    size_t spacer_n[8];
    int ns = 0, arranged = 0;
    for (; a && ns < 8 && !arranged; ns++) {
        void *probe = aligned_alloc(hp, n);
        uintptr_t at = (uintptr_t)probe; /* where the next one of its size goes */
        free(probe);
        if (!at || at >= (uintptr_t)a)
            break;
        size_t d = ((uintptr_t)a - at) % period;
        if (!d) {
            arranged = 1;
            break;
        }
        spacer_n[ns] = period - d;
        spacer[ns] = mmap(NULL, spacer_n[ns], PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (spacer[ns] == MAP_FAILED)
            break;
    }
    int ok = arranged;
    if (!arranged)
        snprintf(detail, sizeof detail, "could not place a probe 256 MiB below the first array");
    else {
        b = tyl_mem_alloc(n);
        size_t d = b ? (size_t)(a - b) % period : 0;
        if (d > period / 2)
            d = period - d;
        ok = b && d >= ((size_t)16 << 20) && !((uintptr_t)b & (hp - 1));
        if (!ok)
            snprintf(detail, sizeof detail, "second array at %p, %zu MiB (modulo 256) from the first at %p",
                     (void *)b, d >> 20, (void *)a);
        for (size_t i = 0; ok && i < n; i += 4096)
            b[i] = (char)(i >> 12), a[i] = (char)~(i >> 12);
        for (size_t i = 0; ok && i < n; i += 4096)
            ok = b[i] == (char)(i >> 12) && a[i] == (char)~(i >> 12);
    }
    tyl_mem_free(b);
    tyl_mem_free(a);
    for (int i = 0; i < ns; i++)
        if (spacer[i] != MAP_FAILED)
            munmap(spacer[i], spacer_n[i]);
    check(ok, "large_arrays_apart_modulo_256mib", detail);
}

int main(void)
{
    test_large_apart();
    test_stream_rows();
    test_stream_copy();
    test_rows();
    test_place();
    test_box();
    return failures ? 1 : 0;
}
