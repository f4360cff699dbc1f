/* tyl_ttrecord.c: recording a time-tiled group (tyl_timetile.c runs it).
 *
 * K steps of a loop body are recorded (tyl_sweep_run hands them to record_sweep through
 * tyl_sweep_recorder_, which tyl_tt_go sets): a sequence of stages n = 0 .. S-1, each one
 * sweep with the arrays its names held at that step (renamings such as u, un = un, u only
 * permute names, so recording the arrays resolves them), its run-time values and its scalars;
 * or a copy (tyl_rotate). tyl_tt_go decides how many steps a group holds (K, 2K or 4K).
 *
 * Requires: tyl_tt_go before the first sweep of a group, tyl_tt_run after its last.
 * Establishes: tyl_ttg_.st[0 .. ns) the group's stages in step-by-step order, each slot's block
 * kept from group to group.
 */
#include <stdlib.h>
#include <string.h>

#include "tyl_ttgroup.h"

static int faults_armed(void)
{
    static int armed = -1;
    if (armed < 0)
        armed = getenv("TYLES_FAULT_KILL_RANK") || getenv("TYLES_FAULT_KILL_STEP");
    return armed;
}

/* Whether a group of D steps from step k stays clear of a checkpoint due inside it. */
static int ck_clear(int64_t k, int64_t D)
{
    int64_t every = tyl_ck_opts_.every;
    return every <= 0 || k / every == (k + D - 1) / every;
}

/* TYLES_TT_DOUBLE=0: never record 2K steps (to compare); =1: always, K forced or not and on
 * several ranks whatever the deep halos were sized for (where they are too narrow, run_halves),
 * and the doubled group takes its tiles whatever they are (2-D too); =split: always, and it
 * runs as two groups of K (tests/dist/timetile_sync.sh). -1: the default. */
int tyl_tt_env_double_(void)
{
    static int v = -2;
    if (v == -2) {
        const char *e = getenv("TYLES_TT_DOUBLE");
        v = !e ? -1 : !strcmp(e, "0") ? 0 : !strcmp(e, "1") ? 1 : !strcmp(e, "split") ? 2 : -1;
    }
    return v;
}

static void record_sweep(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, const void *const *sc);
static void record_copy(tyl_array *dst, tyl_array *src, const int64_t *lo, const int64_t *len);
/* What tyl_sweep_run and tyl_rotate hand a group while it is recorded (tyl_sweep_recorder_). */
static const tyl_sweep_recorder recorder = {record_sweep, record_copy};

int tyl_tt_go(int K, int forced, int deep, int ck, int64_t k, int64_t nk)
{
    if (nk - k < K || K < 2 || tyl_tt_env_off_() || faults_armed())
        return 0;
    if (ck && !ck_clear(k, K))
        return 0; /* a checkpoint is due inside the group: its steps one at a time */
    /* A group may hold 2K steps: on one rank (no halo to size), and on several where the deep
     * halos were sized for 2K steps (pass_sched_timetile: an automatic K whose 2K R stays
     * within a sixteenth of the extents). tyl_tt_run takes them together where the tiles of
     * the deeper group stay large, else as two groups of K (on several ranks after one
     * exchange 2K steps deep, or two of K deep where 2K's edges would not pay). */
    const int dbl = tyl_tt_env_double_();
    int D = K;
    const int room = tyl_rt_nranks() == 1 || deep >= 2 * K || dbl > 0;
    if ((!forced || dbl > 0) && dbl != 0 && room && nk - k >= 2 * (int64_t)K &&
        (!ck || ck_clear(k, 2 * (int64_t)K)))
        D = 2 * K;
    /* K not forced, 4K where that many are left, on one rank or on several where the deep
     * halos were sized for 4K (pass_sched_timetile: rows of known sizes): a 2-D group of light
     * stencils takes them together (run_quad), any other as two groups of 2K, each as above. */
    if (D == 2 * K && !forced && dbl == -1 && (tyl_rt_nranks() == 1 || deep >= 4 * K) &&
        nk - k >= 4 * (int64_t)K && (!ck || ck_clear(k, 4 * (int64_t)K)))
        D = 4 * K;
    /* the other way of a trial (tyl_ttchoice.c): K steps, what the model's way cost the most */
    if (D > K && tyl_tt_choice_trial_())
        D = K;
    tyl_ttg_.K = D;
    tyl_ttg_.base = K;
    tyl_ttg_.forced = forced;
    tyl_ttg_.ns = 0;
    tyl_sweep_recorder_ = &recorder;
    return D;
}

/* The next stage's slot, emptied but for its block. */
static tt_stage *new_slot(const char *where)
{
    if (tyl_ttg_.ns == tyl_ttg_.cap) {
        tyl_ttg_.cap = tyl_ttg_.cap ? 2 * tyl_ttg_.cap : 16;
        tyl_ttg_.st = realloc(tyl_ttg_.st, sizeof(tt_stage) * (size_t)tyl_ttg_.cap);
        if (!tyl_ttg_.st)
            tyl_rt_error(where, "out of memory");
    }
    if (tyl_ttg_.ns == tyl_ttg_.used) { /* a slot never used: its block grows from nothing */
        tyl_ttg_.st[tyl_ttg_.ns].mem = NULL;
        tyl_ttg_.st[tyl_ttg_.ns].memcap = 0;
        tyl_ttg_.used++;
    }
    tt_stage *g = &tyl_ttg_.st[tyl_ttg_.ns++];
    void *mem = g->mem;
    size_t memcap = g->memcap;
    memset(g, 0, sizeof *g);
    g->mem = mem;
    g->memcap = memcap;
    return g;
}

static void record_copy(tyl_array *dst, tyl_array *src, const int64_t *lo, const int64_t *len)
{
    tt_stage *g = new_slot("libtyles");
    g->cdst = dst;
    g->csrc = src;
    for (int d = 0; d < dst->rank; d++) {
        g->clo[d] = lo[d];
        g->clen[d] = len[d];
    }
}

static void record_sweep(const tyl_sweep *sw, tyl_array **const *arrs, const int64_t *x, const void *const *sc)
{
    const int na = sw->na, nx = sw->nxv, nsc = sw->nsc;
    const unsigned char *scsz = sw->scsz;
    if (sw->whole) /* pass_sched_writeback leaves time-tiled loops alone */
        tyl_rt_error(sw->where, "a kernel that writes back inside a time tile (a compiler bug)");
    tt_stage *g = new_slot(sw->where);
    void *mem = g->mem;
    size_t memcap = g->memcap;
    g->sw = sw;
    g->na = na;
    size_t scbytes = 0;
    for (int i = 0; i < nsc; i++)
        scbytes += (scsz[i] + 7u) & ~7u;
    /* one block per slot, kept from group to group: the arrays, their addresses, the values,
     * the scalars' addresses and the scalars (each part a multiple of 8 bytes) */
    size_t need = sizeof(tyl_array *) * (size_t)na + sizeof(tyl_array **) * (size_t)na +
                  sizeof(int64_t) * (size_t)nx + sizeof(void *) * (size_t)nsc + scbytes + 8;
    if (need > memcap) {
        free(mem);
        mem = malloc(need);
        memcap = need;
        if (!mem)
            tyl_rt_error(sw->where, "out of memory");
    }
    g->mem = mem;
    g->memcap = memcap;
    char *p = mem;
    g->arr = (tyl_array **)p;
    p += sizeof(tyl_array *) * (size_t)na;
    g->arrp = (tyl_array ***)p;
    p += sizeof(tyl_array **) * (size_t)na;
    g->x = (int64_t *)p;
    p += sizeof(int64_t) * (size_t)nx;
    g->sc = (const void **)p;
    p += sizeof(void *) * (size_t)nsc;
    g->scv = (unsigned char *)p;
    for (int i = 0; i < na; i++) {
        g->arr[i] = *arrs[i]; /* no reference taken: see tyl_tt_run */
        g->arrp[i] = &g->arr[i];
    }
    if (nx)
        memcpy(g->x, x, sizeof(int64_t) * (size_t)nx);
    size_t at = 0;
    for (int i = 0; i < nsc; i++) {
        memcpy(g->scv + at, sc[i], scsz[i]);
        g->sc[i] = g->scv + at;
        at += (scsz[i] + 7u) & ~7u;
    }
}
