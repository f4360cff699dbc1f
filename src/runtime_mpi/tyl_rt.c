/* tyl_rt.c: libtyles core services, in program and library mode alike: arrays and their
 * pool, Python scalar pow. The process state and errors are in tyl_rt_error.c, the end of a
 * run (finalize, sys.exit, a rank that leaves) in tyl_rt_end.c, program mode (argv, options,
 * signals) in tyl_prog.c, library mode (contexts, status returns) in tyl_lib.c; printing is in
 * tyl_print.c, .npy files in tyl_npy.c. */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700
#include "tyl_internal.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "tyl_mem.h"

/* ---- arrays ------------------------------------------------------------------------------- */

/* An array with its bookkeeping: on the live list while referenced, then on the pool list. */
typedef struct tyl_block {
    tyl_array a; /* first: a tyl_array * is a tyl_block * */
    void *mem;   /* the allocation (a.base) */
    size_t cap;  /* bytes allocated (multiple of 64, at least 64) */
    bool external;   /* library mode: mem belongs to the application; never freed or pooled */
    tyl_layout own;  /* library mode: the layout of an array made by the application */
    struct tyl_block *prev, *next;
} tyl_block;

static tyl_block *live_head;  /* doubly linked */
static tyl_block *pool_head;  /* singly linked through next */
static int pool_count;
enum { POOL_MAX = 256 };
#define PAR_MIN_BYTES ((size_t)1 << 20) /* below this, zero/fill/copy serially */

static void live_insert(tyl_block *b)
{
    b->prev = NULL;
    b->next = live_head;
    if (live_head)
        live_head->prev = b;
    live_head = b;
}

/* Library mode: is a on the live list (an array of the running context)? */
bool tyl_rt_array_live_(const tyl_array *a)
{
    bool found = false;
#pragma omp critical(tyl_rt_arrays)
    for (tyl_block *b = live_head; b && !found; b = b->next)
        found = &b->a == a;
    return found;
}

static void live_remove(tyl_block *b)
{
    if (b->prev)
        b->prev->next = b->next;
    else
        live_head = b->next;
    if (b->next)
        b->next->prev = b->prev;
}

/* Bytes of host memory held by arrays, referenced or pooled (the budget's count). */
static _Atomic size_t held_bytes;

static void block_free(tyl_block *b)
{
    if (!b->external) {
        tyl_mem_free(b->mem);
        if (!tyl_mem_on_device())
            atomic_fetch_sub(&held_bytes, b->cap);
    }
    free(b);
}

static const char *mem_amount(char *buf, double amount)
{
    const char *unit = "B";
    static const char *units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    for (int u = 0; u < 6 && amount >= 1024.0; u++) {
        amount /= 1024.0;
        unit = units[u];
    }
    sprintf(buf, "%.3g %s", amount, unit);
    return buf;
}


/* The memory budget of this rank's arrays (tyl_membudget.c), computed again when the ranks per
 * node change; *why says where it comes from. One for real allocations and the checks of
 * arrays never allocated (tyl_check_alloc). */
static size_t host_budget(const char **why)
{
    static size_t budget;
    static int budget_ranks; /* the ranks per node it is for (0: not computed) */
    static char src[256];
    size_t lim;
#pragma omp critical(tyl_rt_budget)
    {
        if (budget_ranks != tyl_mem_local_ranks_) {
            budget = tyl_mem_budget_(src, sizeof src);
            budget_ranks = tyl_mem_local_ranks_;
        }
        lim = budget;
    }
    *why = src;
    return lim;
}

/* After malloc gave cap new bytes of host memory (an amount no address space holds is its
 * NumPy MemoryError): still within the budget (tyl_membudget.c), after giving the pooled buffers
 * back if need be, or NumPy's MemoryError now rather than the OOM killer later, when the pages
 * are first written. */
static void check_budget(void *data, tyl_block *blk, size_t cap, size_t bytes, int rank,
                         const int64_t *shape, tyl_dtype dt, const char *where)
{
    const char *why;
    size_t lim = host_budget(&why);
    if (atomic_load(&held_bytes) <= lim && cap <= lim - atomic_load(&held_bytes))
        return;
    tyl_block *drop = NULL;
#pragma omp critical(tyl_rt_arrays)
    {
        drop = pool_head;
        pool_head = NULL;
        pool_count = 0;
    }
    while (drop) {
        tyl_block *b = drop;
        drop = b->next;
        block_free(b);
    }
    size_t held = atomic_load(&held_bytes);
    if (held <= lim && cap <= lim - held)
        return;
    tyl_mem_free(data);
    free(blk);
    char sh[128], a1[32], a2[32], a3[32];
    tyl_rt_error(where,
                 "MemoryError: Unable to allocate %s for an array with shape %s and data type %s: the "
                 "arrays of this process would hold %s, more than %s (%s)",
                 mem_amount(a1, (double)bytes), tyl_rt_shape_str(sh, rank, shape), tyl_dtype_name_(dt),
                 mem_amount(a2, (double)held + (double)cap), mem_amount(a3, (double)lim), why);
}

tyl_array *tyl_alloc(tyl_dtype dt, int rank, const int64_t *shape, int init, const char *where)
{
    return tyl_alloc_l(dt, rank, shape, init, NULL, where);
}

tyl_array *tyl_alloc_like(const tyl_array *a, int init, const char *where)
{
    return tyl_alloc_l(a->dtype, a->rank, a->shape, init, a->layout, where);
}

int64_t tyl_dist_layout(tyl_array *a, const tyl_layout *L, const char *where);

static tyl_array *alloc_block(tyl_dtype dt, int rank, const int64_t *shape, int init,
                              const tyl_layout *L, const tyl_layout *own, void *ext, size_t ext_bytes,
                              const char *where);

tyl_array *tyl_alloc_l(tyl_dtype dt, int rank, const int64_t *shape, int init, const tyl_layout *L,
                       const char *where)
{
    return alloc_block(dt, rank, shape, init, L, NULL, NULL, 0, where);
}

tyl_array *tyl_alloc_own_(tyl_dtype dt, int rank, const int64_t *shape, int init,
                          const tyl_layout *own, void *mem, size_t bytes, const char *where)
{
    return alloc_block(dt, rank, shape, init, own, own, mem, bytes, where);
}

/* An array the compiled program never allocates (a temporary computed where it is read) but
 * NumPy would: NumPy's ValueError for a shape past its size limit, and the MemoryError of an
 * allocation when it would not fit the budget beside the arrays held now (its share on each
 * rank of the node: the arrays are distributed alike). */
void tyl_check_alloc(const char *where, tyl_dtype dt, int rank, const int64_t *shape)
{
    int64_t size = tyl_rt_check_shape_(dt, rank, shape, where);
    if (tyl_mem_on_device())
        return;
    size_t bytes = (size_t)size * tyl_dtype_size(dt);
    char sh[128], a1[32], a2[32], a3[32];
    if (bytes > (size_t)1 << 47) /* past a 64-bit process's address space: malloc's failure */
        tyl_rt_error(where, "MemoryError: Unable to allocate %s for an array with shape %s and data type %s",
                     mem_amount(a1, (double)bytes), tyl_rt_shape_str(sh, rank, shape), tyl_dtype_name_(dt));
    size_t share = bytes / (size_t)(tyl_mem_local_ranks_ > 0 ? tyl_mem_local_ranks_ : 1);
    const char *why;
    size_t lim = host_budget(&why);
    size_t held = atomic_load(&held_bytes);
    if (held <= lim && share <= lim - held)
        return;
    tyl_rt_error(where,
                 "MemoryError: Unable to allocate %s for an array with shape %s and data type %s: the "
                 "arrays of this process would hold %s, more than %s (%s)",
                 mem_amount(a1, (double)bytes), tyl_rt_shape_str(sh, rank, shape), tyl_dtype_name_(dt),
                 mem_amount(a2, (double)held + (double)share), mem_amount(a3, (double)lim), why);
}

int64_t tyl_rt_check_shape_(tyl_dtype dt, int rank, const int64_t *shape, const char *where)
{
    int64_t size = 1;
    bool too_big = false;
    for (int i = 0; i < rank; i++)
        if (shape[i] < 0)
            tyl_rt_error(where, "negative dimensions are not allowed");
    /* NumPy multiplies the extents other than 0 (np.zeros((0, 2**62)) is too big, as (1, 2**62)) */
    bool empty = false;
    for (int i = 0; i < rank; i++) {
        if (shape[i] == 0) {
            empty = true;
            continue;
        }
        if (size > INT64_MAX / shape[i])
            too_big = true;
        else
            size *= shape[i];
    }
    char shs[128];
    if (too_big || (uint64_t)size > (uint64_t)(PTRDIFF_MAX - 64) / tyl_dtype_size(dt))
        tyl_rt_error(where, "ValueError: array is too big; `arr.size * arr.dtype.itemsize` is larger than the "
                            "maximum possible size (an array with shape %s and data type %s)",
                     tyl_rt_shape_str(shs, rank, shape), tyl_dtype_name_(dt));
    return empty ? 0 : size;
}

/* own: the layout is copied into the block (an application's array has no table in generated
 * code to point to); ext: the local allocation is the application's, of ext_bytes. */
static tyl_array *alloc_block(tyl_dtype dt, int rank, const int64_t *shape, int init,
                              const tyl_layout *L, const tyl_layout *own, void *ext, size_t ext_bytes,
                              const char *where)
{
    if (rank < 0 || rank > TYL_MAX_RANK)
        tyl_rt_error(where, "internal error: array rank %d not supported", rank);
    int64_t size = tyl_rt_check_shape_(dt, rank, shape, where);
    size_t esz = tyl_dtype_size(dt);
    char shs[128];
    /* the local part: owned block and halo (the whole array when replicated) */
    tyl_array proto;
    memset(&proto, 0, sizeof proto);
    proto.rank = rank;
    proto.dtype = dt; /* its rows' padding (tyl_dist_layout) */
    for (int i = 0; i < TYL_MAX_RANK; i++)
        proto.shape[i] = i < rank ? shape[i] : 1;
    int64_t lsize = tyl_dist_layout(&proto, L, where);
    if ((uint64_t)lsize > (uint64_t)(PTRDIFF_MAX - 64) / esz)
        tyl_rt_error(where, "ValueError: array is too big; `arr.size * arr.dtype.itemsize` is larger than the "
                            "maximum possible size (an array with shape %s and data type %s)",
                     tyl_rt_shape_str(shs, rank, shape), tyl_dtype_name_(dt));
    size_t bytes = (size_t)lsize * esz;
    size_t cap = bytes ? (bytes + 63) & ~(size_t)63 : 64;

    tyl_block *b = NULL;
    int fresh = 0; /* new memory from the system: its pages are placed by its first touch */
    if (ext) {
        if (ext_bytes < bytes)
            tyl_rt_error(where, "the memory given for an array with shape %s and data type %s is "
                                "%zu bytes; its local block and halo on this rank need %zu",
                         tyl_rt_shape_str(shs, rank, shape), tyl_dtype_name_(dt), ext_bytes, bytes);
        b = malloc(sizeof *b);
        if (!b)
            tyl_rt_error(where, "MemoryError: cannot allocate an array descriptor");
        b->mem = ext;
        b->cap = 0; /* never matches a pooled request */
        b->external = true;
    }
#pragma omp critical(tyl_rt_arrays)
    if (!ext) {
        for (tyl_block **pp = &pool_head; *pp; pp = &(*pp)->next)
            if ((*pp)->cap == cap) {
                b = *pp;
                *pp = b->next;
                pool_count--;
                break;
            }
    }
    if (!b) {
        b = malloc(sizeof *b);
        void *data = b ? tyl_mem_alloc(cap) : NULL;
        if (!data) {
            free(b);
            /* NumPy's amount is the whole array's: a rank's block and halo (237 PiB of a 711 PiB
             * array at 3 ranks) is not what the user asked for */
            char sh[128];
            double amount = (double)esz;
            for (int d = 0; d < rank; d++)
                amount *= (double)shape[d];
            const char *unit = "B";
            static const char *units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
            for (int u = 0; u < 6 && amount >= 1024.0; u++) {
                amount /= 1024.0;
                unit = units[u];
            }
            tyl_rt_error(where,
                         "MemoryError: Unable to allocate %.3g %s for an array with shape %s and "
                         "data type %s",
                         amount, unit, tyl_rt_shape_str(sh, rank, shape), tyl_dtype_name_(dt));
        }
        if (!tyl_mem_on_device()) {
            check_budget(data, b, cap, bytes, rank, shape, dt, where);
            atomic_fetch_add(&held_bytes, cap);
        }
        b->mem = data;
        b->cap = cap;
        b->external = false;
        fresh = 1;
    }
    tyl_array *a = &b->a;
    *a = proto;
    if (own && proto.layout) {
        b->own = *own;
        a->layout = &b->own;
    }
    a->base = b->mem;
    a->lsize = lsize;
    {
        int64_t off = 0; /* the owned origin inside the allocation */
        for (int i = 0; i < rank; i++)
            off += a->hl[i] * a->stride[i];
        a->data = (char *)b->mem + (size_t)off * esz;
    }
    a->size = size;
    a->rank = rank;
    a->dtype = dt;
    a->refs = 1;
#pragma omp critical(tyl_rt_arrays)
    live_insert(b);
    tyl_mem_place(a, init == TYL_INIT_ZERO, fresh);
    if (init == TYL_INIT_ZERO)
        for (int w = 0; w < TYL_ZONE_WORDS; w++) /* the halo holds the neighbours' zeros */
            a->hvalid[w] = ~(uint64_t)0;
    return a;
}

tyl_array *tyl_ref(tyl_array *a)
{
    if (a)
        a->refs++;
    return a;
}

void tyl_release(tyl_array *a)
{
    if (!a)
        return;
    if (a->refs <= 0)
        tyl_rt_error("libtyles", "internal error: array released more often than referenced");
    if (--a->refs > 0)
        return;
    tyl_block *b = (tyl_block *)a;
    tyl_block *drop = NULL;
#pragma omp critical(tyl_rt_arrays)
    {
        live_remove(b);
        if (pool_count < POOL_MAX && !b->external) {
            b->next = pool_head;
            b->prev = NULL;
            pool_head = b;
            pool_count++;
        } else {
            drop = b;
        }
    }
    if (drop)
        block_free(drop);
}

void tyl_set(tyl_array **slot, tyl_array *v)
{
    tyl_array *old = *slot;
    *slot = v;
    tyl_release(old);
}

void tyl_fill(tyl_array *a, double v)
{
    /* the halo too: it then holds the neighbours' values, so it is current */
    tyl_mem_fill(a, v);
    for (int w = 0; w < TYL_ZONE_WORDS; w++)
        a->hvalid[w] = ~(uint64_t)0;
}

tyl_array *tyl_copy(const tyl_array *a, const char *where)
{
    tyl_array *c = tyl_alloc_like(a, TYL_INIT_NONE, where);
    tyl_mem_copy(c->base, a->base, (size_t)a->lsize * tyl_dtype_size(a->dtype));
    memcpy(c->hvalid, a->hvalid, sizeof c->hvalid);
    memcpy(c->hnarrow, a->hnarrow, sizeof c->hnarrow);
    return c;
}

/* ---- the end ------------------------------------------------------------------------------ */

/* Every array, referenced or pooled: the end of the program (or of this rank's part in it),
 * tyl_rt_end.c. */
void tyl_rt_free_blocks_(void)
{
    while (pool_head) {
        tyl_block *b = pool_head;
        pool_head = b->next;
        block_free(b);
    }
    pool_count = 0;
    while (live_head) {
        tyl_block *b = live_head;
        live_head = b->next;
        block_free(b);
    }
}

tyl_param *tyl_rt_params_(int *n)
{
    *n = tyl_rt_.nparams;
    return tyl_rt_.params;
}

/* ---- Python scalar pow -------------------------------------------------------------------- */

/* tyl_index_nn (tyles.h) of an index past the end: tyl_index's IndexError */
void tyl_index_error_(int64_t n, int64_t i, int axis, const char *where)
{
    tyl_rt_error(where, "index %lld is out of bounds for axis %d with size %lld", (long long)i, axis, (long long)n);
}

void tyl_int_overflow(const char *where, int64_t a, const char *op, int64_t b)
{
    if (strcmp(op, "neg") == 0 || strcmp(op, "abs") == 0)
        tyl_rt_error(where, "integer overflow: %s(%lld) does not fit in a 64-bit integer", op[0] == 'n' ? "-" : "abs",
                     (long long)b);
    tyl_rt_error(where, "integer overflow: %lld %s %lld does not fit in a 64-bit integer", (long long)a, op,
                 (long long)b);
}

int64_t tyl_py_pow_i(int64_t a, int64_t b, const char *where)
{
    if (b < 0)
        tyl_rt_error(where, "%lld ** %lld: a negative exponent computed at run time (Python's int ** int is "
                            "then a float; tylesc typed this power an int: write float(x) ** n)",
                     (long long)a, (long long)b);
    /* square-and-multiply; the base is squared only while bits of the exponent remain */
    int64_t r = 1, x = a;
    for (int64_t e = b; e > 0; e >>= 1) {
        if ((e & 1) && __builtin_mul_overflow(r, x, &r))
            tyl_int_overflow(where, a, "**", b);
        if (e > 1 && __builtin_mul_overflow(x, x, &x))
            tyl_int_overflow(where, a, "**", b);
    }
    return r;
}

static bool is_odd_integer(double x)
{
    return fmod(fabs(x), 2.0) == 1.0;
}

/* CPython's float_pow (Objects/floatobject.c), case by case. */
double tyl_py_pow_f(double iv, double iw, const char *where)
{
    bool negate_result = false;
    if (iw == 0.0)
        return 1.0; /* v**0 is 1, even 0**0 and nan**0 */
    if (isnan(iv))
        return iv;
    if (isnan(iw))
        return iv == 1.0 ? 1.0 : iw;
    if (isinf(iw)) {
        iv = fabs(iv);
        if (iv == 1.0)
            return 1.0;
        if ((iw > 0.0) == (iv > 1.0))
            return fabs(iw);
        return 0.0;
    }
    if (isinf(iv)) {
        bool odd = is_odd_integer(iw);
        if (iw > 0.0)
            return odd ? iv : fabs(iv);
        return odd ? copysign(0.0, iv) : 0.0;
    }
    if (iv == 0.0) {
        bool odd = is_odd_integer(iw);
        if (iw < 0.0)
            tyl_rt_error(where, "ZeroDivisionError: 0.0 cannot be raised to a negative power");
        return odd ? iv : 0.0;
    }
    if (iv < 0.0) {
        if (iw != floor(iw))
            tyl_rt_error(where, "negative number cannot be raised to a fractional power (complex "
                                "result not supported)");
        iv = -iv;
        negate_result = is_odd_integer(iw);
    }
    if (iv == 1.0)
        return negate_result ? -1.0 : 1.0;
    errno = 0;
    double ix = pow(iv, iw);
    if (errno == 0 && isinf(ix))
        errno = ERANGE;
    else if (errno == ERANGE && ix == 0.0)
        errno = 0;
    if (negate_result)
        ix = -ix;
    if (errno == ERANGE)
        tyl_rt_error(where, "OverflowError: (34, 'Numerical result out of range')");
    if (errno != 0)
        tyl_rt_error(where, "ValueError: math domain error");
    return ix;
}
