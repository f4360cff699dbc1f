/* tyl_ttchoice.c: tiles or plain sweeps for a time-tiled group of 3-D planes, by measurement.
 *
 * A group whose rows are planes and whose arrays are past the caches (tyl_ttlags.c
 * tyl_tt_plain_question_) can run its K steps in tiles (each array read from memory about once
 * a group) or as one plain sweep a stage (read once a step, stores streamed around the caches:
 * tyl_mem_stream). Which is faster depends on the machine more than on the program: the model
 * of tyl_ttplan.c (tyl_tt_plain_planes_) was measured on a Zen 4 (AVX-512), where float32 and
 * one core's float64 ran faster as plain sweeps (1.1-1.3x at 256^3); on a Zen 3 (AVX2, 2 cores,
 * 32 MiB L3) the tiles ran Jacobi 3-D 256^3 faster in every case, float64 one thread 1.42x,
 * float32 1.26x (one thread) and 1.34x (two), wall time of the time loop, quiet machine
 * (bench/RESULTS.md 2026-12-07 s24). Since both orders compute bitwise what step-by-step order
 * computes, the run times them, as FFTW's planner times its candidates: the first group of a
 * kind runs as the model says, the second the other way, and the faster a step decides the rest
 * of the run. The second group holds K steps, not the 2K or 4K that tyl_tt_go records where
 * that many are left: a run of Jacobi 3-D 256^3 takes its 120 steps in groups of 32, so a
 * second group of 32 would have left it 56 steps to gain on (tiles of K steps are a little
 * slower a step than of 4K, which favours the model's plain sweeps where they are close).
 * One group a way: a second of the model's way (the first warms the caches) would cost as much.
 *
 * Only where the model says plain sweeps: that answer was measured on one machine, while tiles
 * are what time tiling is for, and where the model says tiles they were the faster way on both
 * machines (the Zen 3's plain sweeps of Jacobi 3-D float64 256^3 on 2 threads took 1.9x the
 * tiles' time a step, load 13; timing them would have cost the run 28% of its CPU time).
 *
 * A kind of group: its first stage's sweep (the kernel and call site) and its stages a step
 * (a group of 32 steps and the last of 24 are one kind; times are compared a step).
 * On several ranks every rank meets the same kinds in the same order (the groups follow the
 * program), so the question and the times are combined over the ranks (the largest time, since
 * the slowest rank sets the pace) and every rank decides the same; after the trials no
 * collective is added. TYLES_TIME_TILE=on (always tiles) and a forced K leave no question;
 * TYLES_TT_CHOICE=model takes the model's answer without measuring. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tyl_ttgroup.h"

enum { KINDS = 32 };

/* A kind of group and its trial: [0] the model's way, [1] the other. */
typedef struct kind {
    const tyl_sweep *sw;
    int per_step;   /* stages a step */
    int asked;      /* the question asked (on several ranks, combined over them) */
    int question;   /* both ways possible and the model says plain sweeps (on some rank) */
    int model;      /* the model's answer: 1 plain sweeps, 0 tiles */
    int runs[2];    /* timed that way */
    double step[2]; /* its seconds a step */
    int decided;    /* -1: still measuring; else 1 plain, 0 tiles */
} kind;

static kind kinds[KINDS];
static int nkinds;
static kind *current; /* the kind of the group being run, while measured */
static kind *last;    /* the kind of the last group run, while measured */
static double started;

static int env_model_only(void)
{
    static int v = -1;
    if (v < 0) {
        const char *e = getenv("TYLES_TT_CHOICE");
        v = e && !strcmp(e, "model");
    }
    return v;
}

static kind *find(void)
{
    const tyl_sweep *sw = tyl_ttg_.ns > 0 ? tyl_ttg_.st[0].sw : NULL;
    const int per_step = tyl_ttg_.K > 0 ? tyl_ttg_.ns / tyl_ttg_.K : 0;
    for (int i = 0; i < nkinds; i++)
        if (kinds[i].sw == sw && kinds[i].per_step == per_step)
            return &kinds[i];
    if (nkinds == KINDS)
        return NULL; /* a program with more kinds than this takes the model's answer past them */
    kind *k = &kinds[nkinds++];
    *k = (kind){.sw = sw, .per_step = per_step, .decided = -1};
    return k;
}

/* The way this run of the group takes: the decision, or the next trial. */
static int way(const kind *k)
{
    if (k->decided >= 0)
        return k->decided;
    return k->runs[0] ? !k->model : k->model;
}

void tyl_tt_choice_begin_(void)
{
    tyl_ttg_.way = 0;
    current = NULL;
    if (tyl_ttg_.forced || env_model_only())
        return;
    kind *k = find();
    if (!k)
        return;
    if (!k->asked) {
        int model = 0;
        int64_t q[2] = {tyl_tt_plain_question_(&model), model};
        if (tyl_rt_nranks() > 1) { /* whether any rank asks; the model's answer of any rank that does */
            int64_t any = q[0], plain = q[0] && model;
            tyl_reduce_ranks(&any, TYL_INT64, 1);
            tyl_reduce_ranks(&plain, TYL_INT64, 1);
            q[0] = any;
            q[1] = plain;
        }
        k->asked = 1;
        k->model = (int)q[1];
        k->question = q[0] && k->model; /* the model's tiles are not timed: see above */
        if (!k->question)
            k->decided = 0; /* no question: tyl_tt_plain_sweeps_ gives the model's tiles */
    }
    if (!k->question)
        return;
    tyl_ttg_.way = 1 + way(k);
    if (k->decided < 0) {
        current = k;
        started = omp_get_wtime();
    }
}

void tyl_tt_choice_end_(void)
{
    kind *k = current;
    current = NULL;
    last = k;
    tyl_ttg_.way = 0;
    if (!k)
        return;
    double t = omp_get_wtime() - started;
    if (tyl_rt_nranks() > 1)
        tyl_reduce_ranks(&t, TYL_FLOAT64, 1);
    const int w = way(k) != k->model; /* 0: the model's way, 1: the other */
    k->step[w] = t / (tyl_ttg_.K > 0 ? tyl_ttg_.K : 1);
    k->runs[w] = 1;
    if (k->runs[0] && k->runs[1]) {
        k->decided = k->step[1] < k->step[0] ? !k->model : k->model;
        if (tyl_tt_verbose_() && tyl_rt_rank_ == 0)
            fprintf(stderr, "tyles: groups of %d stages a step: %s (tiles %.3f ms a step, plain sweeps %.3f; the model: %s)\n",
                    k->per_step, k->decided ? "plain sweeps" : "tiles", 1e3 * k->step[k->model ? 1 : 0],
                    1e3 * k->step[k->model ? 0 : 1], k->model ? "plain sweeps" : "tiles");
    }
}

/* The communicator changed (a rescale, a recovery, a library context): processes that join
 * know no trials, so every process forgets its own, and asks again. */
void tyl_tt_choice_reset_(void)
{
    nkinds = 0;
    current = last = NULL;
}

int tyl_tt_choice_trial_(void)
{
    return last && last->decided < 0;
}

void tyl_tt_choice_counts_(int64_t *measured, int64_t *plain, int64_t *against_model)
{
    *measured = *plain = *against_model = 0;
    for (int i = 0; i < nkinds; i++)
        if (kinds[i].question && kinds[i].decided >= 0) {
            ++*measured;
            *plain += kinds[i].decided;
            *against_model += kinds[i].decided != kinds[i].model;
        }
}
