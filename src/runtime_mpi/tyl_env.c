/* tyl_env.c: the environment variables libtyles reads (TYLES_*), each with the values it takes,
 * checked when the run time starts (tyl_rt_init, tyl_ctx_create).
 *
 * The readers used to take atoi()'s or strcmp()'s word for it: TYLES_TT_CACHE=1M was 1 byte,
 * TYLES_FAULT_KILL_STEP=ten killed at step 0, TYLES_FAULT_KILL_RANK=5 on 2 ranks never killed
 * (a fault campaign then "survives" a fault that never came), TYLES_TIME_TILE=no tiled anyway.
 * A value that is not one of those listed here now stops the run with a message that names the
 * variable and what it takes. Every rank checks its own environment; the lowest rank that finds
 * a bad value reports it and every rank stops together (library mode: the call returns
 * TYL_ERROR, collectively). An empty value is the variable unset, except for the fault
 * injections, where it is an error. The readers (tyl_env_num_ for numbers) parse as the check
 * does, so what passed is what they use. TYLES_MEMORY_LIMIT has its own parser and message
 * (tyl_membudget.c); TYLES_EVENT_LOG is a path, anything goes. */

#define _DEFAULT_SOURCE /* sysconf(_SC_LEVEL2_CACHE_SIZE) */
#include "tyl_internal.h"
#include "tyl_mpi.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { NUM, BYTES, WORDS, RANK, STEP, SEED, CORRUPT, RESCALE };

static const struct env_var {
    const char *name;
    int kind;            /* NUM: an integer in [lo, hi]; BYTES: the same with K, M or G after it */
    long long lo, hi;
    const char *words;   /* WORDS: the values it takes, separated by '|' */
} vars[] = {
    {"TYLES_TIME_TILE", WORDS, 0, 0, "off|0|1|on|auto"},
    {"TYLES_TT_CACHE", BYTES, 1, 1LL << 40, NULL},
    {"TYLES_TT_L2", BYTES, 1, 1LL << 40, NULL},
    {"TYLES_TT_L1", BYTES, 1, 1LL << 40, NULL}, /* was read unchecked: 48K or 'big' left it unset */
    {"TYLES_TT_ROWS", NUM, 0, 1LL << 31, NULL},
    {"TYLES_TT_COLS", NUM, 0, 1LL << 31, NULL},
    {"TYLES_TT_SYNC", WORDS, 0, 0, "slabs|pipeline|wavefront"},
    {"TYLES_TT_VERBOSE", NUM, 0, 3, NULL},
    {"TYLES_TT_DOUBLE", WORDS, 0, 0, "0|1|split"},
    {"TYLES_TT_CHOICE", WORDS, 0, 0, "model"},
    {"TYLES_STREAM", WORDS, 0, 0, "0|1"},
    {"TYLES_STREAM_BYTES", BYTES, 0, 1LL << 50, NULL},
    {"TYLES_L3", BYTES, 1, 1LL << 50, NULL},
    {"TYLES_PREFETCH", WORDS, 0, 0, "0|1"},
    {"TYLES_PREFETCH_AHEAD", BYTES, 1, 1LL << 30, NULL},
    {"TYLES_PREFETCH_VERBOSE", NUM, 0, 1, NULL},
    {"TYLES_BLOCK_ROWS", NUM, 0, 1LL << 31, NULL},
    {"TYLES_BLOCK_CHOICE", WORDS, 0, 0, "model|time|show"},
    {"TYLES_PAD_ROWS", WORDS, 0, 0, "0|1"},
    {"TYLES_HUGEPAGES", WORDS, 0, 0, "0|1"},
    {"TYLES_XCHG_DIRECT_MIN", BYTES, 1, 1LL << 50, NULL},
    {"TYL_NPY_CHUNK_BYTES", BYTES, 0, 1LL << 30, NULL},
    {"TYLES_HALO", WORDS, 0, 0, "auto|nccl|mpi|host"},
    {"TYLES_NO_GRAPHS", WORDS, 0, 0, "0|1"},
    {"TYLES_ULFM", WORDS, 0, 0, "0|1"},
    {"TYLES_ULFM_FINALIZE_GRACE", NUM, 0, 86400, NULL},
    {"TYLES_SINGLETON_FINALIZE_GRACE", NUM, 0, 86400, NULL},
    {"TYLES_STOP_GRACE", NUM, 0, 86400, NULL},
    {"TYLES_FAULT_KILL_RANK", RANK, 0, 0, NULL},
    {"TYLES_FAULT_KILL_STEP", STEP, 0, 0, NULL},
    {"TYLES_FAULT_KILL_IN_CKPT", NUM, 1, 1LL << 31, NULL},
    {"TYLES_FAULT_SEED", SEED, 0, 0, NULL},
    {"TYLES_FAULT_CORRUPT", CORRUPT, 0, 0, NULL},
    {"TYLES_FAULT_RESCALE", RESCALE, 0, 0, NULL},
    {"TYLES_FAULT_THREAD_OOM", NUM, 1, 1, NULL},
};

int tyl_fault_thread_oom_;

/* A decimal integer, the whole of s (bytes: K, M or G, with or without B, after it): 1 and *v,
 * or 0. */
static int parse_num(const char *s, int bytes, long long *v)
{
    if (!(*s >= '0' && *s <= '9') && !(*s == '-' && s[1] >= '0' && s[1] <= '9'))
        return 0; /* strtoll would skip spaces and take '+' */
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno)
        return 0;
    int shift = 0;
    if (bytes && *end) {
        const char *u = "KMG", *p = strchr(u, end[0] & ~0x20);
        if (!p)
            return 0;
        shift = 10 * (int)(p - u + 1);
        end++;
        if ((*end & ~0x20) == 'B')
            end++;
    }
    if (*end || (x > 0 && x > (LLONG_MAX >> shift)) || (x < 0 && shift))
        return 0;
    *v = x << shift;
    return 1;
}

static int one_of(const char *s, const char *words)
{
    size_t n = strlen(s);
    for (const char *w = words; *w;) {
        const char *bar = strchr(w, '|');
        size_t k = bar ? (size_t)(bar - w) : strlen(w);
        if (k == n && strncmp(w, s, n) == 0)
            return 1;
        w += k + (bar != NULL);
    }
    return 0;
}

/* The complaint about name=s, or NULL when it is fine. */
static const char *problem(const struct env_var *e, const char *s, int nranks, char *buf, size_t len)
{
    long long v, w;
    char *end;
    switch (e->kind) {
    case NUM:
    case BYTES:
        if (parse_num(s, e->kind == BYTES, &v) && v >= e->lo && v <= e->hi)
            return NULL;
        snprintf(buf, len, "an integer%s from %lld to %lld", e->kind == BYTES ? " of bytes (K, M or G may follow)" : "",
                 e->lo, e->hi);
        return buf;
    case WORDS:
        if (one_of(s, e->words))
            return NULL;
        snprintf(buf, len, "one of %s", e->words);
        return buf;
    case RANK:
        if (!strcmp(s, "random") || (parse_num(s, 0, &v) && v >= 0 && v < nranks))
            return NULL;
        snprintf(buf, len, "a rank of the job (0 to %d) or 'random'", nranks - 1);
        return buf;
    case STEP:
        if (!strcmp(s, "random") || (parse_num(s, 0, &v) && v >= 0))
            return NULL;
        return "a step (an integer from 0) or 'random'";
    case SEED:
        errno = 0;
        if (*s >= '0' && *s <= '9' && (strtoull(s, &end, 0), !*end && !errno))
            return NULL;
        return "an unsigned 64-bit integer (decimal, or hexadecimal after 0x)";
    case CORRUPT: {
        const char *colon = strchr(s, ':');
        size_t k = colon ? (size_t)(colon - s) : strlen(s);
        if (((k == 4 && !strncmp(s, "flip", 4)) || (k == 8 && !strncmp(s, "truncate", 8))) &&
            (!colon || (parse_num(colon + 1, 0, &v) && v >= 1 && v <= INT32_MAX)))
            return NULL;
        return "flip or truncate, then optionally ':' and the checkpoint's number from 1 (flip:2)";
    }
    case RESCALE: {
        int pairs = 0;
        for (const char *p = s;; p = end + 1) {
            char num[32];
            const char *colon = strchr(p, ':');
            size_t k = colon ? (size_t)(colon - p) : 0;
            if (!colon || k >= sizeof num)
                break;
            memcpy(num, p, k);
            num[k] = '\0';
            if (!parse_num(num, 0, &v) || v < 0)
                break;
            w = strtoll(colon + 1, &end, 10);
            if (end == colon + 1 || colon[1] == '-' || colon[1] == '+' || colon[1] == ' ' || w < 1 ||
                w > INT32_MAX || (*end && *end != ','))
                break;
            if (++pairs > 8)
                break;
            if (!*end)
                return NULL;
        }
        return "pairs STEP:RANKS separated by commas (at most 8), such as 100:2,200:4";
    }
    }
    return NULL;
}

void tyl_env_check_(MPI_Comm comm, int nranks, const char *where)
{
    char msg[512] = "", buf[160];
    for (size_t i = 0; i < sizeof vars / sizeof vars[0] && !msg[0]; i++) {
        const struct env_var *e = &vars[i];
        const char *s = getenv(e->name);
        int fault = e->kind >= RANK || !strncmp(e->name, "TYLES_FAULT_", 12);
        if (!s || (!*s && !fault))
            continue;
        const char *why = *s ? problem(e, s, nranks, buf, sizeof buf) : "a value (it is set, but empty)";
        if (why)
            snprintf(msg, sizeof msg, "%s='%.200s' is not %s", e->name, s, why);
    }
    int me = 0, first = msg[0] ? 0 : nranks;
#ifndef TYL_NO_MPI
    MPI_Comm_rank(comm, &me);
    first = msg[0] ? me : nranks;
    if (nranks > 1) {
        MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, comm);
        if (first < nranks)
            MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, first, comm);
    }
#else
    (void)comm;
#endif
    (void)me;
    if (first < nranks)
        tyl_rt_error_all(where, "%s", msg);
    tyl_fault_thread_oom_ = (int)tyl_env_num_("TYLES_FAULT_THREAD_OOM", 0);
}

int64_t tyl_env_num_(const char *name, int64_t dflt)
{
    const char *s = getenv(name);
    long long v;
    if (!s || !*s)
        return dflt;
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (!strcmp(vars[i].name, name))
            return parse_num(s, vars[i].kind == BYTES, &v) && v >= vars[i].lo && v <= vars[i].hi ? v : dflt;
    return parse_num(s, 0, &v) ? v : dflt;
}

/* ---- the caches ------------------------------------------------------------------------ */

/* A core's L2: TYLES_TT_L2 bytes where set (to plan as on another machine: the tests that check
 * tile shapes), else as the C library reports it (0: unknown). Also the row blocks of plain 3-D
 * sweeps (tyl_mem_block_rows). */
size_t tyl_l2_bytes_(void)
{
    static long v = -2;
    if (v == -2) {
        v = (long)tyl_env_num_("TYLES_TT_L2", 0);
#ifdef _SC_LEVEL2_CACHE_SIZE
        if (v <= 0)
            v = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
    }
    return v > 0 ? (size_t)v : 0;
}

/* A core's L1 data cache: TYLES_TT_L1 bytes where set, else as the C library reports it, else
 * 32 KiB (the column tiles of 2-D time tiling, tyl_ttplan.c). */
size_t tyl_l1_bytes_(void)
{
    static long v = -2;
    if (v == -2) {
        v = (long)tyl_env_num_("TYLES_TT_L1", 0);
#ifdef _SC_LEVEL1_DCACHE_SIZE
        if (v <= 0)
            v = sysconf(_SC_LEVEL1_DCACHE_SIZE);
#endif
        if (v <= 0)
            v = 32 << 10;
    }
    return (size_t)v;
}
