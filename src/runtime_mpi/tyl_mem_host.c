/* tyl_mem_host.c: array data in host memory (libtyles.a). See tyl_mem.h.
 *
 * First touch: a page goes to the memory of the thread that writes it first, and the sweeps
 * share their outer axis among the threads by schedule(static). So a large array's first
 * writes (zeroing, filling, or for an array nothing initialises one byte a page) are shared
 * the same way: by rows of the outer axis of the local allocation, each thread the rows that
 * schedule(static) gives it (tyl_mem_rows_). A sweep over the interior differs from that by
 * the stencil's few edge rows, not by a page in a row of the partition. A copy is split by
 * bytes, which is the same split when the row count is a multiple of the thread count.
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE, sysconf(_SC_LEVEL3_CACHE_SIZE) */
#include <omp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tyl_internal.h"
#include "tyl_mem.h"

#define PAR_MIN_BYTES ((size_t)1 << 20) /* below this, zero/fill/copy serially */
#define BOX_PAR_MIN 32768                /* elements below which tyl_box_copy runs serially */

/* Rows [lo, hi) of 0..rows that thread t of nt runs in a `for` loop with schedule(static) and
 * no chunk size: the first rows % nt threads get one row more, in thread order. OpenMP leaves
 * that split to the implementation; libgomp and LLVM's libomp both make it this way, and
 * tests/unit/test_threads.c checks it against the OpenMP this library is built with. */
void tyl_mem_rows_(int64_t rows, int nt, int t, int64_t *lo, int64_t *hi)
{
    int64_t q = rows / nt, r = rows % nt;
    *lo = t * q + (t < r ? t : r);
    *hi = *lo + q + (t < r);
}

void tyl_omp_rows(int64_t n, int64_t *lo, int64_t *hi)
{
    if (tyl_fault_thread_oom_ && omp_get_thread_num() == 1)
        tyl_rt_error("libtyles", "MemoryError: out of memory in OpenMP thread 1 of a parallel sweep "
                                 "(TYLES_FAULT_THREAD_OOM)");
    tyl_mem_rows_(n, omp_get_num_threads(), omp_get_thread_num(), lo, hi);
}

/* Rows of a's local allocation (outer axis, halo included) and the elements of one row. */
static int64_t alloc_rows(const tyl_array *a, int64_t *row_elems)
{
    *row_elems = a->rank > 1 ? a->stride[0] : 1;
    return *row_elems > 0 ? a->lsize / *row_elems : 0;
}

int tyl_mem_shared_device_;
static long long cache_bytes(void);
void tyl_mem_init(int local_rank, int local_size)
{
    (void)local_rank;
    tyl_mem_local_ranks_ = local_size;
    (void)cache_bytes(); /* read here, on the main thread before any array (read_small) */
}
void tyl_mem_release_scratch(void);
void tyl_mem_finalize(void) { tyl_mem_release_scratch(); }
void tyl_mem_sync(void) {}
int tyl_mem_on_device(void) { return 0; }

static int lib_mode; /* a library context exists: arrays as tyl_ctx_layout says, unpadded */
int tyl_mem_row_align_(void) { return lib_mode ? 0 : 64; }

/* Library mode: nothing to attach; a CUDA context needs libtyles_cuda.a. */
void tyl_mem_lib_attach(int cuda, int device, void *stream, const char *fn)
{
    lib_mode = 1;
    (void)device;
    (void)stream;
    if (cuda)
        tyl_rt_error_all(fn, "this libtyles runs on the host: a context on a CUDA device needs libtyles_cuda.a "
                             "(and a solver generated with tylesc --lib --target=cuda)");
}
void tyl_mem_lib_detach(void) {}
void tyl_mem_lib_enter(void) {}
void tyl_mem_lib_leave(void) {}
int tyl_mem_lib_device(void) { return -1; }
int tyl_mem_lib_capturing(void) { return 0; }
const char *tyl_mem_lib_check_wrap(const void *base)
{
    (void)base;
    return NULL;
}

/* Arrays of 2 MiB or more are 2 MiB-aligned and asked for transparent huge pages: a sweep
 * over a grid larger than the TLB reach then walks 512 times fewer pages (a 4096^2 Jacobi ran
 * 1.28x faster that way, issue 14). The kernel's default on many machines is THP "madvise",
 * so without the advice the pages stay 4 KiB. TYLES_HUGEPAGES=0 turns it off (to measure). */
#define HUGE_BYTES ((size_t)2 << 20)

static int want_huge(void)
{
    static int want = -1;
    if (want < 0) {
        const char *e = getenv("TYLES_HUGEPAGES");
        want = !(e && e[0] == '0' && !e[1]);
    }
    return want;
}

/* Where a large array starts (h116, issue 14). AMD Zen's L1 data cache predicts a load's way
 * from an 8-bit hash (the "utag") of linear-address bits 12-27; two lines of one set with the
 * same utag do not stay in the L1 together (Lipp et al., "Take A Way", AsiaCCS 2020). Two
 * 2 MiB-aligned arrays a multiple of 256 MiB apart have equal bits 0-27 at equal indices, so a
 * sweep reading u[i] and writing un[i] evicts one with the other all along: the time-tiled
 * Jacobi 3-D f64 256^3 at 2 threads took 1.45x the time that way (bench/RESULTS.md h112, h116),
 * whatever the physical pages. So a large array's start keeps SEP_BYTES, modulo UTAG_PERIOD,
 * from every other live large array's start (SEP covers the stencil's plane offsets); where the
 * system's placement does not, the array is allocated again with SLACK_BYTES more and starts
 * that many 2 MiB pages in (address space only: the pages before and after it are never
 * touched). Most arrays never move. Addresses only: the values are the same. */
#define UTAG_PERIOD ((uintptr_t)256 << 20)
#define SEP_BYTES ((uintptr_t)16 << 20)
#define SLACK_BYTES ((size_t)32 << 20)
#define MAX_BIG 256

static struct {
    char *data;
    void *mem; /* what aligned_alloc returned: data, or below it by a multiple of 2 MiB */
} big[MAX_BIG];
static int n_big;
static atomic_flag big_lock = ATOMIC_FLAG_INIT;

static void lock_big(void)
{
    while (atomic_flag_test_and_set_explicit(&big_lock, memory_order_acquire))
        ;
}
static void unlock_big(void) { atomic_flag_clear_explicit(&big_lock, memory_order_release); }

/* the least distance, modulo UTAG_PERIOD, from p to a live large array's start (caller locks) */
static uintptr_t utag_gap(const char *p)
{
    uintptr_t least = UTAG_PERIOD / 2;
    for (int i = 0; i < n_big; i++) {
        uintptr_t d = ((uintptr_t)p - (uintptr_t)big[i].data) & (UTAG_PERIOD - 1);
        if (d > UTAG_PERIOD / 2)
            d = UTAG_PERIOD - d;
        if (d < least)
            least = d;
    }
    return least;
}

static void *alloc_huge(size_t n)
{
    void *p = aligned_alloc(HUGE_BYTES, n), *mem = p;
    char *data = p;
    lock_big();
    if (p && n_big < MAX_BIG && utag_gap(data) < SEP_BYTES && n <= SIZE_MAX - SLACK_BYTES) {
        void *q = aligned_alloc(HUGE_BYTES, n + SLACK_BYTES);
        if (q) { /* the first 2 MiB step into q that keeps SEP_BYTES, else the farthest */
            free(p);
            mem = q;
            data = q;
            uintptr_t best = utag_gap(data);
            for (size_t off = HUGE_BYTES; best < SEP_BYTES && off <= SLACK_BYTES; off += HUGE_BYTES) {
                uintptr_t g = utag_gap((char *)q + off);
                if (g > best)
                    best = g, data = (char *)q + off;
            }
        }
    }
    if (p && n_big < MAX_BIG) {
        big[n_big].data = data;
        big[n_big++].mem = mem;
    }
    unlock_big();
#ifdef MADV_HUGEPAGE
    if (data)
        (void)madvise(data, n, MADV_HUGEPAGE); /* advice only: failure leaves 4 KiB pages */
#endif
    return data;
}

void *tyl_mem_alloc(size_t bytes)
{
    if (bytes >= HUGE_BYTES && bytes <= SIZE_MAX - HUGE_BYTES && want_huge())
        return alloc_huge((bytes + HUGE_BYTES - 1) & ~(HUGE_BYTES - 1));
    return aligned_alloc(64, bytes ? (bytes + 63) & ~(size_t)63 : 64);
}

void tyl_mem_free(void *p)
{
    if (p && !((uintptr_t)p & (HUGE_BYTES - 1))) {
        lock_big();
        for (int i = 0; i < n_big; i++)
            if (big[i].data == p) {
                p = big[i].mem;
                big[i] = big[--n_big];
                break;
            }
        unlock_big();
    }
    free(p);
}
void tyl_mem_to_host(void *dst, const void *src, size_t bytes) { memcpy(dst, src, bytes); }
void tyl_mem_from_host(void *dst, const void *src, size_t bytes) { memcpy(dst, src, bytes); }

/* A new array's first touch: zero it, or (an array nothing initialises, fresh from the system)
 * write one byte a page, each thread its rows of the static partition; small arrays serially
 * (zero) or not at all. A pooled buffer keeps the pages it has. */
void tyl_mem_place(tyl_array *a, int zero, int fresh)
{
    size_t bytes = (size_t)a->lsize * tyl_dtype_size(a->dtype);
    int64_t rl, rows = alloc_rows(a, &rl);
    if (!bytes || (!zero && !fresh))
        return;
    if (bytes < PAR_MIN_BYTES || omp_in_parallel() || rows < 2) {
        if (zero)
            memset(a->base, 0, bytes);
        return;
    }
    const size_t rb = (size_t)rl * tyl_dtype_size(a->dtype), page = (size_t)sysconf(_SC_PAGESIZE);
#pragma omp parallel
    {
        int64_t lo, hi;
        tyl_mem_rows_(rows, omp_get_num_threads(), omp_get_thread_num(), &lo, &hi);
        char *p = (char *)a->base + (size_t)lo * rb, *end = (char *)a->base + (size_t)hi * rb;
        if (zero)
            memset(p, 0, (size_t)(end - p));
        else
            for (; p < end; p = (char *)(((uintptr_t)p / page + 1) * page))
                *(volatile char *)p = 0;
    }
}

void tyl_mem_zero(void *p, size_t n)
{
    if (n < PAR_MIN_BYTES || omp_in_parallel()) {
        memset(p, 0, n);
        return;
    }
#pragma omp parallel
    {
        size_t nt = (size_t)omp_get_num_threads(), t = (size_t)omp_get_thread_num();
        size_t lo = n / nt * t, hi = t + 1 == nt ? n : n / nt * (t + 1);
        memset((char *)p + lo, 0, hi - lo);
    }
}

void tyl_mem_copy(void *dst, const void *src, size_t n)
{
    if (n < PAR_MIN_BYTES || omp_in_parallel()) {
        memcpy(dst, src, n);
        return;
    }
#pragma omp parallel
    {
        size_t nt = (size_t)omp_get_num_threads(), t = (size_t)omp_get_thread_num();
        size_t lo = n / nt * t, hi = t + 1 == nt ? n : n / nt * (t + 1);
        memcpy((char *)dst + lo, (const char *)src + lo, hi - lo);
    }
}

/* double -> integer as a C cast where defined; NaN and out-of-range give the minimum value,
 * as x86 (and so NumPy there) does, without undefined behaviour. */
static int64_t f2i64(double v)
{
    if (v >= -9223372036854775808.0 && v < 9223372036854775808.0)
        return (int64_t)v;
    return INT64_MIN;
}
static int32_t f2i32(double v)
{
    if (v > -2147483649.0 && v < 2147483648.0)
        return (int32_t)v;
    return INT32_MIN;
}

/* by rows of the static partition, as tyl_mem_place */
#define TYL_FILL_LOOP(T, val)                                                                     \
    do {                                                                                          \
        T *p_ = (T *)a->base;                                                                     \
        T x_ = (val);                                                                             \
        _Pragma("omp parallel if(par)")                                                           \
        {                                                                                         \
            int64_t lo_, hi_;                                                                     \
            tyl_mem_rows_(rows, omp_get_num_threads(), omp_get_thread_num(), &lo_, &hi_);        \
            for (int64_t i = lo_ * rl; i < hi_ * rl; i++)                                         \
                p_[i] = x_;                                                                       \
        }                                                                                         \
    } while (0)

void tyl_mem_fill(tyl_array *a, double v)
{
    int64_t rl, rows = alloc_rows(a, &rl);
    if (rows * rl != a->lsize) { /* not rows (a 0-d array): one row of everything */
        rows = 1;
        rl = a->lsize;
    }
    int par = (size_t)a->lsize * tyl_dtype_size(a->dtype) >= PAR_MIN_BYTES && !omp_in_parallel() && rows > 1;
    switch (a->dtype) {
    case TYL_BOOL: TYL_FILL_LOOP(bool, v != 0.0); break;
    case TYL_INT32: TYL_FILL_LOOP(int32_t, f2i32(v)); break;
    case TYL_INT64: TYL_FILL_LOOP(int64_t, f2i64(v)); break;
    case TYL_FLOAT32: TYL_FILL_LOOP(float, (float)v); break;
    case TYL_FLOAT64: TYL_FILL_LOOP(double, v); break;
    /* a value out of range wraps around, as a C conversion of the int64 does */
    case TYL_INT8: TYL_FILL_LOOP(int8_t, (int8_t)f2i64(v)); break;
    case TYL_UINT8: TYL_FILL_LOOP(uint8_t, (uint8_t)f2i64(v)); break;
    case TYL_INT16: TYL_FILL_LOOP(int16_t, (int16_t)f2i64(v)); break;
    case TYL_UINT16: TYL_FILL_LOOP(uint16_t, (uint16_t)f2i64(v)); break;
    case TYL_UINT32: TYL_FILL_LOOP(uint32_t, (uint32_t)f2i64(v)); break;
    case TYL_UINT64: TYL_FILL_LOOP(uint64_t, (uint64_t)f2i64(v)); break;
    }
}

/* Row r (C order over the box's dimensions but the last) of a box copy: n[rank - 1] elements. */
static void box_row(char *dst, const int64_t *ds, const char *src, const int64_t *ss, int rank,
                    const int64_t *n, size_t el, int64_t r)
{
    int64_t od = 0, os = 0;
    for (int d = rank - 2; d >= 0; d--) {
        int64_t i = r % n[d];
        r /= n[d];
        od += i * ds[d];
        os += i * ss[d];
    }
    char *o = dst + (size_t)od * el;
    const char *in = src + (size_t)os * el;
    const int64_t m = n[rank - 1], dl = ds[rank - 1], sl = ss[rank - 1];
    if (dl == 1 && sl == 1) {
        memcpy(o, in, (size_t)m * el);
        return;
    }
    for (int64_t k = 0; k < m; k++)
        memcpy(o + (size_t)(k * dl) * el, in + (size_t)(k * sl) * el, el);
}

/* The rows of a large box are shared among the threads whatever its rank (a 3-D face of
 * 1 x N x N as well as an N x N x N block), in one parallel region. */
void tyl_box_copy(void *dst, const int64_t *ds, const void *src, const int64_t *ss, int rank,
                  const int64_t *n, size_t el)
{
    if (rank < 1) {
        memcpy(dst, src, el);
        return;
    }
    int64_t rows = 1;
    for (int d = 0; d < rank; d++)
        if (n[d] <= 0)
            return;
    for (int d = 0; d < rank - 1; d++)
        rows *= n[d];
    if (rows > 1 && rows * n[rank - 1] > BOX_PAR_MIN && !omp_in_parallel()) {
        #pragma omp parallel for schedule(static)
        for (int64_t r = 0; r < rows; r++)
            box_row(dst, ds, src, ss, rank, n, el, r);
        return;
    }
    /* not a region with an if clause: a region of one thread still allocates a team and frees
     * it (libgomp keeps only larger teams), about 0.3 us; the time tiler copies a tile's edges
     * this way (Burgers 2048^2: two copies a tile of 5 rows a step) */
    for (int64_t r = 0; r < rows; r++)
        box_row(dst, ds, src, ss, rank, n, el, r);
}

/* The reduction scratch buffer: grows, freed at finalize. */
static void *scratch;
static size_t scratch_bytes;

void *tyl_reduce_scratch(size_t bytes)
{
    if (bytes > scratch_bytes) {
        free(scratch);
        scratch = malloc(bytes);
        scratch_bytes = scratch ? bytes : 0;
        if (!scratch)
            tyl_rt_error("libtyles", "MemoryError: cannot allocate %zu bytes for a reduction", bytes);
    }
    return scratch;
}

void tyl_reduce_fetch(void *dst, const void *src, size_t bytes) { memcpy(dst, src, bytes); }

void tyl_mem_release_scratch(void)
{
    free(scratch);
    scratch = NULL;
    scratch_bytes = 0;
}

/* ---- non-temporal stores (tyles.h) ---------------------------------------------------------- */

/* The last-level cache a sweep is measured against, and when it streams its stores.
 *
 * The node's L3: TYLES_L3=N bytes where set (to decide as on another machine: the tests), else
 * what the kernel reports for cpu0 (sysfs cache/index3), else the C library's, but at most
 * STREAM_CAP: the 96-504 MiB L3 of large server parts is shared with every other process (and
 * virtual machine) on the socket, and the share one gets is not reported; this KVM's C library
 * reports 320 MiB where sysfs (and lscpu) say 32 MiB. On a machine with 480 MiB reported (2
 * vCPUs), streamed stores lost at a 32 MiB sweep (Burgers 1024^2, 0.6x) and gained from 64 MiB
 * on (Jacobi 2048^2 1.13x, Burgers 2048^2 1.5x, Jacobi 4096^2 1.11x; issue 14).
 *
 * A sweep is past the cache when the bytes it moves times the ranks of the job on the node
 * (which share the L3 and call the same kernel on their own blocks; a kernel's box is the
 * rank's whole box, whatever its threads) exceed a share of it: three quarters for rows longer
 * than PF_ROW_MAX (4 KiB), a quarter for shorter ones (3-D planes), whose leading rows the
 * hardware prefetcher covers poorly: the plain sweep of Jacobi 3-D float64 1 thread (AMD EPYC
 * Zen 4, 32 MiB L3, loaded 9-13 by other work, loop CPU time, bench/RESULTS.md h106) ran with
 * its stores streamed and its planes prefetched in row blocks 0.73x the time of neither at 96^3
 * (13 MB moved a step), 0.48x at 112^3, 0.45x at 128^3 (32 MB), alike at 80^3 (8 MB); float32
 * 128^3 0.37x, 160^3 0.33-0.49x. 2-D rows of 8-12 KiB lost when streamed within the L3 (Jacobi
 * 2-D float64 1022^2 interior, 17 MB moved, 1.79x the time; 1198^2, 23 MB, 1.22-1.36x) and won
 * past it (1446^2, 33 MB, 0.89x; Burgers 1022^2, 33 MB, 0.87x). Before, the whole L3 (48 MiB
 * here) for every sweep and every rank: Jacobi 3-D 128^3 and 144^3 neither streamed nor
 * prefetched, nor did each of 2 ranks at 160^3.
 * TYLES_STREAM=0 never streams (-1), =1 always (0), TYLES_STREAM_BYTES=N streams past N bytes
 * moved on the node (the bytes times the ranks on the node, no share taken). */
#define STREAM_CAP (48ll << 20)
#define PF_ROW_MAX 4096
static atomic_llong stream_min = -2; /* -2: not read yet, -3: by the cache (cache_bytes) */
static atomic_llong llc_bytes = -2;  /* -2: not read yet */

/* The first bytes of a small file as a string, through read(2): no FILE, so no malloc. A
 * thread's first malloc creates an arena of its own (glibc: 64 MiB of address space), and one
 * created between two large arrays moves the second: Jacobi 3-D float64 256^3, 2 threads,
 * time-tiled, ran 1.45x the time with its arrays exactly 256 MiB apart (bench/RESULTS.md h112). */
static int read_small(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    return n > 0;
}

/* The L3 of the kernel's cpu0 as sysfs gives it ("32768K"), 0 if unknown. */
static long long sysfs_l3(void)
{
    char b[32], *e;
    if (!read_small("/sys/devices/system/cpu/cpu0/cache/index3/level", b, sizeof b) || strtol(b, NULL, 10) != 3 ||
        !read_small("/sys/devices/system/cpu/cpu0/cache/index3/size", b, sizeof b))
        return 0;
    long long v = strtoll(b, &e, 10);
    return v < 0 ? 0 : v * (*e == 'K' ? 1024 : *e == 'M' ? 1024 * 1024 : 1);
}

/* The node's last-level cache (above): TYLES_L3, else at most STREAM_CAP. */
static long long cache_bytes(void)
{
    long long t = atomic_load_explicit(&llc_bytes, memory_order_relaxed);
    if (t != -2)
        return t;
    long long llc = sysfs_l3();
#ifdef _SC_LEVEL3_CACHE_SIZE
    if (llc <= 0)
        llc = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (llc <= 0)
        llc = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
    t = llc > 0 && llc < STREAM_CAP ? llc : STREAM_CAP;
    t = tyl_env_num_("TYLES_L3", t); /* as it says, uncapped */
    atomic_store_explicit(&llc_bytes, t, memory_order_relaxed); /* the same value whoever stores it */
    return t;
}

/* Whether what a rank moves, `bytes`, counted once for each rank on the node, exceeds `share`
 * times the node's cache, or t bytes where t > 0 (TYLES_STREAM_BYTES). */
static int past_share(double bytes, double share, long long t)
{
    bytes *= tyl_mem_local_ranks_ > 1 ? tyl_mem_local_ranks_ : 1;
    return bytes > (t > 0 ? (double)t : share * (double)cache_bytes());
}

/* A sweep of rows of row_bytes: a quarter of the cache for short rows, three quarters else. */
static int past_cache(double bytes, int64_t row_bytes, long long t)
{
    return past_share(bytes, row_bytes > PF_ROW_MAX ? 0.75 : 0.25, t);
}

static long long stream_threshold(void)
{
    const char *e = getenv("TYLES_STREAM");
    if (e && e[0] == '0' && !e[1])
        return -1;
    if (e && e[0] == '1' && !e[1])
        return 0;
    long long v = tyl_env_num_("TYLES_STREAM_BYTES", -1);
    return v >= 0 ? v : -3;
}

/* Rows shorter than this are not streamed (unless TYLES_STREAM=1): the two partly written
 * lines at a row's ends (a partial write-combining flush each) are a larger share of a short
 * row. 3-D Jacobi 256^3 (CPU time, 1 thread, bench/ab_cputime.py, 32-byte stores): float32
 * rows of 1016 B streamed 1.10x faster than plain, float64 rows of 2032 B 1.18x; float32 128^3,
 * rows of 504 B (padded to 512), planes prefetched in blocks: 0.58x the time of the same
 * unstreamed (h106). With 16-byte stores (a build without AVX) the float32 rows of 1016 B were
 * 0.94x; before every element of a chunk was stored non-temporally (tyles.h), 2.5x slower.
 * Shorter rows were not measured. */
#define STREAM_ROW_MIN 480

int tyl_mem_stream_test_(int64_t points, int64_t row_bytes, int point_bytes)
{
    long long t = atomic_load_explicit(&stream_min, memory_order_relaxed);
    if (t == -2) { /* the same value whichever thread gets here first */
        t = stream_threshold();
        atomic_store_explicit(&stream_min, t, memory_order_relaxed);
    }
    if (t == -1 || points <= 0)
        return 0;
    if (t == 0)
        return 1;
    if (row_bytes < STREAM_ROW_MIN)
        return 0;
    return past_cache((double)points * point_bytes, row_bytes, t > 0 ? t : 0);
}

/* The kernels' calls (one a thread a sweep) and those that streamed, for --stats. */
static atomic_llong stream_calls, stream_yes;

int tyl_mem_stream(int64_t points, int64_t row_bytes, int point_bytes)
{
    const int st = tyl_mem_stream_test_(points, row_bytes, point_bytes);
    if (tyl_rt_stats_) {
        atomic_fetch_add_explicit(&stream_calls, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&stream_yes, st, memory_order_relaxed);
    }
    return st;
}

void tyl_mem_stream_counts_(int64_t *calls, int64_t *streamed)
{
    *calls = atomic_load_explicit(&stream_calls, memory_order_relaxed);
    *streamed = atomic_load_explicit(&stream_yes, memory_order_relaxed);
}

int tyl_mem_past_llc_(double bytes, double share)
{
    long long t = atomic_load_explicit(&stream_min, memory_order_relaxed);
    if (t == -2) {
        t = stream_threshold();
        atomic_store_explicit(&stream_min, t, memory_order_relaxed);
    }
    return t == -1 ? 0 : t == 0 ? 1 : past_share(bytes, share, t > 0 ? t : 0);
}

/* A sweep prefetches its reads' leading rows (tyl_prefetch_row) about this many bytes ahead,
 * when its rows are at most PF_ROW_MAX long (measured on 1-2 KiB rows only) and it is past the
 * cache (the size test of tyl_mem_stream, past_cache, whatever TYLES_STREAM says).
 * Longer rows are prefetched within the row instead, PF_IN_ROW bytes ahead of the chunk being
 * computed (tyl_prefetch_ahead, in the streamed rows' chunk loop): on 2-D grids the hardware
 * prefetcher alone left the sweep at about the sum of its arithmetic and its memory time
 * (Burgers 2048^2 f64 1.2-1.3x faster with it, Jacobi 2-D f32 4096^2 more: bench/RESULTS.md,
 * h78; 1 KiB ahead was slower than none, 2-8 KiB alike).
 * TYLES_PREFETCH=0: never; =1: always (small arrays too: for the tests); unset: as the size test
 * says where the run's timing (tyl_pfchoice.c) keeps the prefetch of the sweep in progress.
 * TYLES_PREFETCH_AHEAD=B: B bytes ahead within the row instead of PF_IN_ROW (to measure). */
#define PF_AHEAD 2048
#define PF_IN_ROW 4096
static atomic_llong prefetch_min = -2; /* -2: not read yet, -1: never */

/* -1 never, 0 always (TYLES_PREFETCH), 1: past the cache (past_cache). */
static long long prefetch_threshold(void)
{
    long long t = atomic_load_explicit(&prefetch_min, memory_order_relaxed);
    if (t == -2) { /* the same value whichever thread gets here first */
        const char *e = getenv("TYLES_PREFETCH");
        if (e && e[0] == '0' && !e[1])
            t = -1;
        else if (e && e[0] == '1' && !e[1])
            t = 0;
        else
            t = 1;
        atomic_store_explicit(&prefetch_min, t, memory_order_relaxed);
    }
    return t;
}

int tyl_mem_pf_auto_(void) { return prefetch_threshold() > 0; }

/* A sweep the size test would have prefetch, in the run's choice (tyl_pfchoice.c): noted for
 * it (the kernel asked), and 0 where the sweep in progress is to run without. */
static int chosen_off(long long t)
{
    if (t <= 0)
        return 0; /* forced by TYLES_PREFETCH=1 */
    atomic_store_explicit(&tyl_pf_asked_, 1, memory_order_relaxed);
    return tyl_pf_off_;
}

int64_t tyl_mem_prefetch(int64_t points, int64_t row_bytes, int point_bytes)
{
    long long t = prefetch_threshold();
    if (t < 0 || points <= 0 || row_bytes <= 0 || (t > 0 && row_bytes > PF_ROW_MAX) ||
        (t > 0 && !past_cache((double)points * point_bytes, row_bytes, 0)) || chosen_off(t))
        return 0;
    int64_t rows = (PF_AHEAD + row_bytes / 2) / row_bytes;
    return rows > 0 ? rows : 1;
}

int64_t tyl_mem_prefetch_ahead(int64_t points, int64_t row_bytes, int point_bytes)
{
    long long t = prefetch_threshold();
    if (t < 0 || points <= 0 || row_bytes <= 0 || (t > 0 && row_bytes <= PF_ROW_MAX) ||
        (t > 0 && !past_cache((double)points * point_bytes, row_bytes, 0)) || chosen_off(t))
        return 0;
    static atomic_llong ahead = -2; /* -2: not read yet */
    long long a = atomic_load_explicit(&ahead, memory_order_relaxed);
    if (a == -2) {
        a = tyl_env_num_("TYLES_PREFETCH_AHEAD", PF_IN_ROW);
        atomic_store_explicit(&ahead, a > 0 ? a : PF_IN_ROW, memory_order_relaxed);
    }
    return a > 0 ? a : PF_IN_ROW;
}

/* The rows of a block of a 3-D sweep (PF_BLOCK, tyles.h): live rows of each fit in a quarter of
 * a core's L2 (TYLES_TT_L2 where set, else 1 MiB when the C library does not say). Measured
 * with hand C on 3-D Jacobi 256^3 (AMD EPYC Zen 4, 1 MiB L2, 1 thread, 4 live rows; bench/
 * RESULTS.md 2026-12-06 h86): float64 blocks of 16, 32, 64 rows alike (a quarter: 32), 128
 * (all of the L2) 0.86x of those; float32 64 rows (a quarter) 1.06x of 32 and 1.08x of 128.
 * Blocks under 8 rows are not taken (each block reads the rows around it once more): 8 then.
 * TYLES_BLOCK_ROWS=N takes N rows (0: whole planes) when the sweep is blocked at all. Never
 * inside a time-tiled group (tyl_tt_running_): its tiles are planned for the cache already, and
 * blocks there made Jacobi 3-D f32 256^3 (K = 8, bench/ab_cputime.py --steps 34, load 38-47)
 * 0.79x as fast as without. */
#define BLOCK_MIN 8
int64_t tyl_mem_block_rows(int64_t points, int64_t row_bytes, int point_bytes, int64_t rows, int live)
{
    long long t = prefetch_threshold();
    if (t < 0 || points <= 0 || row_bytes <= 0 || rows <= 0 ||
        (t > 0 && !past_cache((double)points * point_bytes, row_bytes, 0)) || tyl_tt_running_ || chosen_off(t))
        return 0;
    static atomic_llong forced = -2; /* -2: not read yet, -1: not set */
    long long f = atomic_load_explicit(&forced, memory_order_relaxed);
    if (f == -2) {
        f = tyl_env_num_("TYLES_BLOCK_ROWS", -1);
        atomic_store_explicit(&forced, f, memory_order_relaxed);
    }
    int64_t b;
    if (f >= 0)
        b = f ? f : rows;
    else {
        size_t l2 = tyl_l2_bytes_();
        b = (int64_t)((l2 ? l2 : (size_t)1 << 20) / 4 / (size_t)row_bytes / (size_t)(live > 0 ? live : 1));
        if (b < BLOCK_MIN)
            b = BLOCK_MIN;
    }
    return b < rows ? b : rows;
}

/* Blocks or whole planes, timed by the run (tyles.h tyl_blocks). The model above was measured on
 * a Zen 4 (1 MiB L2 a core); on the Zen 3 of 2026-12-07 (512 KiB L2, 32 MiB L3) the same blocks
 * (16 rows of float64, 32 of float32) took Jacobi 3-D float64 256^3 on one thread 1.07x the time
 * of whole planes (5 of 5 interleaved rounds), and were 1.05-1.25x faster than whole planes
 * unprefetched for float32; float64 on two threads alike (bench/RESULTS.md h151). Both compute
 * every point from the same reads, so the run times them, as tyl_ttchoice.c does tiles: a
 * thread's first TRIAL_CALLS calls of a kernel alternate blocks and whole planes (ABBAAB, so a
 * drift of the machine's load falls on both), and the least time of a call each way decides its
 * later calls, blocks unless whole planes are at least 2% faster. Per thread and per rank, with
 * no communication: the threads of a team make the same calls in the same order, so they try
 * the same way at the same time, and a thread that decides otherwise changes no value. Only the
 * size of the first call is timed (a kernel called on other boxes takes the model's rows there).
 * Inside a time-tiled group tyl_mem_block_rows says no blocks, so nothing is timed. */
enum { TRIAL_CALLS = 6 };
static const unsigned char trial_way[TRIAL_CALLS] = {0, 1, 1, 0, 0, 1};

/* The calling thread's CPU time: a call's wall time on a loaded machine holds the time other
 * processes had its core (a 2-thread run of Jacobi 3-D 256^3 at load 20: calls of 70-81 ms wall
 * for 30 ms of CPU each), which would decide at random. */
static double block_clock(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int block_choice_mode(void) /* 0: model, 1: timed, 2: timed, decisions shown */
{
    static atomic_int mode = -1;
    int m = atomic_load_explicit(&mode, memory_order_relaxed);
    if (m < 0) {
        const char *e = getenv("TYLES_BLOCK_CHOICE");
        m = e && !strcmp(e, "model") ? 0 : e && !strcmp(e, "show") ? 2 : 1;
        if (getenv("TYLES_BLOCK_ROWS")) /* forced rows: nothing to choose */
            m = 0;
        atomic_store_explicit(&mode, m, memory_order_relaxed);
    }
    return m;
}

int64_t tyl_mem_block_rows_at(tyl_blocks *c, int line, int64_t points, int64_t row_bytes, int point_bytes,
                              int64_t rows, int live)
{
    c->t0 = 0;
    c->line = line;
    const int64_t b = tyl_mem_block_rows(points, row_bytes, point_bytes, rows, live);
    if (!b || b >= rows || !block_choice_mode() || (c->points && c->points != points))
        return b;
    if (c->pick)
        return c->pick == 1 ? b : rows;
    c->points = points;
    c->cur = trial_way[c->calls];
    c->t0 = block_clock();
    return c->cur ? rows : b;
}

void tyl_mem_block_end(tyl_blocks *c)
{
    if (c->t0 == 0)
        return;
    const double dt = block_clock() - c->t0;
    c->t0 = 0;
    if (c->calls < 2 || dt < c->best[c->cur]) /* calls 0 and 1 set best[0] and best[1] */
        c->best[c->cur] = dt;
    if (++c->calls < TRIAL_CALLS)
        return;
    c->pick = c->best[1] < 0.98 * c->best[0] ? 2 : 1;
    if (block_choice_mode() == 2)
        fprintf(stderr, "tyles: rank %d thread %d: the sweep of line %d: row blocks %.3f ms, whole planes %.3f ms of CPU "
                "a call: %s\n", tyl_rt_rank_, omp_get_thread_num(), c->line, 1e3 * c->best[0], 1e3 * c->best[1],
                c->pick == 1 ? "blocks" : "whole planes");
}

/* Where tyles.h has no inline non-temporal stores (not x86-64): plain stores. */
#ifdef TYL_STREAM_PLAIN
void tyl_stream_f64(double *dst, const double *src, int64_t n) { memcpy(dst, src, (size_t)n * sizeof *dst); }
void tyl_stream_f32(float *dst, const float *src, int64_t n) { memcpy(dst, src, (size_t)n * sizeof *dst); }
#endif

/* Non-temporal stores are weakly ordered: fence them before another thread may read them. */
void tyl_stream_fence(void)
{
#if defined(__SSE2__)
    _mm_sfence();
#else
    atomic_thread_fence(memory_order_seq_cst);
#endif
}
