/* tyl_ranks.c: reductions over ranks: one value of every rank combined on every rank
 * (tyl_reduce_ranks: max, min, sum, logical and/or of a scalar, NumPy's pairwise order for float
 * sums), and every rank's items of an exact sum gathered in rank order (tyl_reduce_gather_, for
 * tyl_reduce.c). Collective over the process grid's communicator (tyl_dist.c); one rank returns
 * at once. And the halving sums (tyl_pairwise_sum_*) that combine partial sums of ranks, here,
 * and of threads (tyl_sweep.c) in an order that does not depend on how they were scheduled. */
#include "tyl_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tyl_mpi.h"

/* The exact sums' items (tyl_reduce.c) of every rank, in rank order, on every rank. */
double tyl_pairwise_sum_f64(const double *p, int64_t n)
{
    if (n <= 8) {
        double s = 0.0;
        for (int64_t i = 0; i < n; i++)
            s += p[i];
        return s;
    }
    int64_t h = n / 2;
    return tyl_pairwise_sum_f64(p, h) + tyl_pairwise_sum_f64(p + h, n - h);
}

float tyl_pairwise_sum_f32(const float *p, int64_t n)
{
    if (n <= 8) {
        float s = 0.0f;
        for (int64_t i = 0; i < n; i++)
            s += p[i];
        return s;
    }
    int64_t h = n / 2;
    return tyl_pairwise_sum_f32(p, h) + tyl_pairwise_sum_f32(p + h, n - h);
}

#ifndef TYL_NO_MPI
/* Every rank's byte count (cnt) and offset in the gathered buffer (disp, in the same
 * allocation: free cnt); their sum. */
static size_t gather_counts(MPI_Comm comm, int nr, size_t bytes, int **cnt, int **disp)
{
    int mine = (int)bytes;
    *cnt = malloc(sizeof(int) * 2 * (size_t)nr);
    if (!*cnt || bytes > INT_MAX)
        tyl_rt_error("libtyles", "MemoryError: reduction over %d ranks", nr);
    MPI_Allgather(&mine, 1, MPI_INT, *cnt, 1, MPI_INT, comm);
    *disp = *cnt + nr;
    size_t sum = 0;
    for (int i = 0; i < nr; i++) {
        (*disp)[i] = (int)sum;
        sum += (size_t)(*cnt)[i];
    }
    return sum;
}
#endif

void *tyl_reduce_gather_(const void *data, size_t bytes, size_t *total)
{
    int nr;
    MPI_Comm comm = tyl_dist_comm_(&nr);
    (void)comm; /* one process without MPI */
    if (nr == 1) {
        void *all = malloc(bytes ? bytes : 1);
        if (!all)
            tyl_rt_error("libtyles", "MemoryError: reduction");
        memcpy(all, data, bytes);
        *total = bytes;
        return all;
    }
#ifdef TYL_NO_MPI
    *total = 0;
    return NULL;
#else
    double t0 = MPI_Wtime();
    int *cnt, *disp;
    size_t sum = gather_counts(comm, nr, bytes, &cnt, &disp);
    char *all = malloc(sum ? sum : 1);
    if (!all || sum > INT_MAX)
        tyl_rt_error("libtyles", "MemoryError: reduction over %d ranks", nr);
    MPI_Allgatherv(data, (int)bytes, MPI_BYTE, all, cnt, disp, MPI_BYTE, comm);
    tyl_dist_stats_.t_reduce += MPI_Wtime() - t0;
    tyl_dist_stats_.n_reduce++;
    free(cnt);
    *total = sum;
    return all;
#endif
}

/* tyl_reduce_gather_, but where the ranks' data come to more than GATHER_ROOT_MIN bytes, to
 * rank 0 only (*root_only set, NULL elsewhere), which then computes what all need and
 * broadcasts it (tyl_reduce_bcast_): an exact sum of a 2048^2 field on 1x4 ranks gathers some
 * 800 kB of partial sums, which every rank received and evaluated (bench/RESULTS.md, h117). The
 * choice depends on the counts every rank has, so all ranks make it alike. */
enum { GATHER_ROOT_MIN = 65536 };

void *tyl_reduce_gather_some_(const void *data, size_t bytes, size_t *total, int *root_only)
{
    int nr;
    MPI_Comm comm = tyl_dist_comm_(&nr);
    *root_only = 0;
    if (nr == 1)
        return tyl_reduce_gather_(data, bytes, total);
#ifdef TYL_NO_MPI
    (void)comm;
    *total = 0;
    return NULL;
#else
    int me;
    MPI_Comm_rank(comm, &me);
    double t0 = MPI_Wtime();
    int *cnt, *disp;
    size_t sum = gather_counts(comm, nr, bytes, &cnt, &disp);
    if (sum > INT_MAX)
        tyl_rt_error("libtyles", "MemoryError: reduction over %d ranks", nr);
    *root_only = sum > GATHER_ROOT_MIN;
    tyl_dist_stats_.n_reduce_root += *root_only;
    char *all = !*root_only || me == 0 ? malloc(sum ? sum : 1) : NULL;
    if (!all && (!*root_only || me == 0))
        tyl_rt_error("libtyles", "MemoryError: reduction over %d ranks", nr);
    if (*root_only)
        MPI_Gatherv(data, (int)bytes, MPI_BYTE, all, cnt, disp, MPI_BYTE, 0, comm);
    else
        MPI_Allgatherv(data, (int)bytes, MPI_BYTE, all, cnt, disp, MPI_BYTE, comm);
    tyl_dist_stats_.t_reduce += MPI_Wtime() - t0;
    tyl_dist_stats_.n_reduce++;
    free(cnt);
    *total = all ? sum : 0;
    return all;
#endif
}

/* Rank 0's bytes at v on every rank (after tyl_reduce_gather_some_ gathered to it). */
void tyl_reduce_bcast_(void *v, size_t bytes)
{
    int nr;
    MPI_Comm comm = tyl_dist_comm_(&nr);
    (void)comm;
    (void)v;
    (void)bytes;
#ifndef TYL_NO_MPI
    if (nr > 1) {
        double t0 = MPI_Wtime();
        MPI_Bcast(v, (int)bytes, MPI_BYTE, 0, comm);
        tyl_dist_stats_.t_reduce += MPI_Wtime() - t0;
    }
#endif
}

/* Combine each rank's partial result in rank order, the same way on every rank: a sum is a
 * pairwise sum over the ranks' partials (so it depends on the rank count, never on timing);
 * max/min propagate NaN. op: 0 sum, 1 max, 2 min. */
void tyl_reduce_ranks(void *val, tyl_dtype t, int op)
{
    int nr;
    MPI_Comm comm = tyl_dist_comm_(&nr);
    (void)comm; /* one process without MPI */
    if (nr == 1)
        return;
#ifndef TYL_NO_MPI
    size_t el = tyl_dtype_size(t);
    char *all = malloc(el * (size_t)nr);
    if (!all)
        tyl_rt_error("libtyles", "MemoryError: reduction over %d ranks", nr);
    double t0 = MPI_Wtime();
    MPI_Allgather(val, (int)el, MPI_BYTE, all, (int)el, MPI_BYTE, comm);
    tyl_dist_stats_.t_reduce += MPI_Wtime() - t0;
    tyl_dist_stats_.n_reduce++;
    switch (t) {
    case TYL_FLOAT64: {
        double *p = (double *)all, r = p[0];
        if (op == 0)
            r = tyl_pairwise_sum_f64(p, nr);
        else
            for (int i = 1; i < nr; i++)
                r = op == 1 ? tyl_np_maximum_f64(r, p[i]) : tyl_np_minimum_f64(r, p[i]);
        *(double *)val = r;
        break;
    }
    case TYL_FLOAT32: {
        float *p = (float *)all, r = p[0];
        if (op == 0)
            r = tyl_pairwise_sum_f32(p, nr);
        else
            for (int i = 1; i < nr; i++)
                r = op == 1 ? tyl_np_maximum_f32(r, p[i]) : tyl_np_minimum_f32(r, p[i]);
        *(float *)val = r;
        break;
    }
    case TYL_INT64: {
        int64_t *p = (int64_t *)all;
        uint64_t s = (uint64_t)p[0];
        int64_t r = p[0];
        for (int i = 1; i < nr; i++) {
            s += (uint64_t)p[i];
            r = op == 1 ? (p[i] > r ? p[i] : r) : (p[i] < r ? p[i] : r);
        }
        *(int64_t *)val = op == 0 ? (int64_t)s : r;
        break;
    }
    case TYL_INT32: {
        int32_t *p = (int32_t *)all;
        uint32_t s = (uint32_t)p[0];
        int32_t r = p[0];
        for (int i = 1; i < nr; i++) {
            s += (uint32_t)p[i];
            r = op == 1 ? (p[i] > r ? p[i] : r) : (p[i] < r ? p[i] : r);
        }
        *(int32_t *)val = op == 0 ? (int32_t)s : r;
        break;
    }
    case TYL_BOOL: {
        bool *p = (bool *)all, r = p[0];
        for (int i = 1; i < nr; i++)
            r = op == 2 ? (r && p[i]) : (r || p[i]);
        *(bool *)val = r;
        break;
    }
    case TYL_UINT64: {
        uint64_t *p = (uint64_t *)all, s = p[0], r = p[0];
        for (int i = 1; i < nr; i++) {
            s += p[i];
            r = op == 1 ? (p[i] > r ? p[i] : r) : (p[i] < r ? p[i] : r);
        }
        *(uint64_t *)val = op == 0 ? s : r;
        break;
    }
    default: /* the compiler reduces the small integer types in int64 or uint64 */
        tyl_rt_error("libtyles", "internal error: reduction of %s", tyl_dtype_name_(t));
    }
    free(all);
#else
    (void)val;
    (void)t;
    (void)op;
#endif
}
