/* np_order_model.c: a model of NumPy 2's floating-point add.reduce order, checked against NumPy
 * by check_np_order.py (tests first: the spec of docs/PASSES.md "Reductions" comes from here).
 * Input (stdin, binary): int32 dtype (4 or 8), int32 ndim, int32 buffer size (8192), then ndim int64 shapes,
 * ndim int64 element strides, int64 element count of the base buffer, the base buffer, int64
 * offset (elements) of the view's first element. Output (stdout): the sum's bytes as hex.
 * Model: drop extent-1 dimensions, coalesce dimension d with d+1 where stride[d] ==
 * stride[d+1] * shape[d+1]; the elements (in the view's C order) form runs (see MODEL), each
 * summed pairwise (pw, NumPy's pairwise_sum) and added one after the other to an accumulator
 * that starts at +0.0. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW(T)                                                                                      \
    static T pw_##T(const T *a, int64_t n, int64_t s)                                              \
    {                                                                                              \
        if (n < 8) {                                                                               \
            T res = 0;                                                                             \
            for (int64_t i = 0; i < n; i++)                                                        \
                res += a[i * s];                                                                   \
            return res;                                                                            \
        }                                                                                          \
        if (n <= 128) {                                                                            \
            T r[8];                                                                                \
            int64_t i;                                                                             \
            for (int j = 0; j < 8; j++)                                                            \
                r[j] = a[j * s];                                                                   \
            for (i = 8; i < n - (n % 8); i += 8)                                                   \
                for (int j = 0; j < 8; j++)                                                        \
                    r[j] += a[(i + j) * s];                                                        \
            T res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));             \
            for (; i < n; i++)                                                                     \
                res += a[i * s];                                                                   \
            return res;                                                                            \
        }                                                                                          \
        int64_t n2 = n / 2;                                                                        \
        n2 -= n2 % 8;                                                                              \
        return pw_##T(a, n2, s) + pw_##T(a + n2 * s, n - n2, s);                                   \
    }
PW(double)
PW(float)

/* The view's elements in its C order, then NumPy's runs: with the coalesced extents n[0..m) and
 * P = the product of the trailing extents n[j..m) that fit in the buffer (8192 elements) with j
 * smallest, the runs are c = 8192 / P blocks of P along dimension j - 1, restarting at each
 * index of the dimensions before (the last run of each shorter); one run if the view is
 * contiguous or 1-D (j == 0 or m <= 1), one run per row if not even a row fits (j == m). */
#define MODEL(T)                                                                                   \
    static T model_##T(const T *a, int nd, const int64_t *sh, const int64_t *st, int64_t bs)       \
    {                                                                                              \
        int64_t csh[32], cst[32], N = 1;                                                           \
        int m = 0;                                                                                 \
        for (int d = 0; d < nd; d++) {                                                             \
            N *= sh[d];                                                                            \
            if (sh[d] == 1)                                                                        \
                continue;                                                                          \
            csh[m] = sh[d];                                                                        \
            cst[m++] = st[d];                                                                      \
        }                                                                                          \
        if (N == 0)                                                                                \
            return 0;                                                                              \
        T *flat = malloc(sizeof(T) * (size_t)N);                                                   \
        for (int64_t p = 0; p < N; p++) {                                                          \
            int64_t off = 0, q = p;                                                                \
            for (int d = m - 1; d >= 0; d--) {                                                     \
                off += (q % csh[d]) * cst[d];                                                      \
                q /= csh[d];                                                                       \
            }                                                                                      \
            flat[p] = a[off];                                                                      \
        }                                                                                          \
        for (int d = m - 2; d >= 0; d--)                                                           \
            if (cst[d] == cst[d + 1] * csh[d + 1]) { /* merge d+1 into d */                        \
                csh[d] *= csh[d + 1];                                                              \
                cst[d] = cst[d + 1];                                                               \
                for (int k = d + 1; k < m - 1; k++) {                                              \
                    csh[k] = csh[k + 1];                                                           \
                    cst[k] = cst[k + 1];                                                           \
                }                                                                                  \
                m--;                                                                               \
            }                                                                                      \
        int64_t P = 1;                                                                             \
        int j = m;                                                                                 \
        while (j > 0 && P * csh[j - 1] <= bs)                                                      \
            P *= csh[--j];                                                                         \
        int64_t Q, C; /* runs: period Q, length C (the last of each period shorter) */             \
        if (m <= 1 || j == 0)                                                                      \
            Q = C = N;                                                                             \
        else if (j == m)                                                                           \
            Q = C = csh[m - 1];                                                                    \
        else {                                                                                     \
            Q = P * csh[j - 1];                                                                    \
            C = bs / P * P;                                                                        \
        }                                                                                          \
        T acc = 0;                                                                                 \
        for (int64_t q0 = 0; q0 < N; q0 += Q)                                                      \
            for (int64_t c = 0; c < Q; c += C)                                                     \
                acc += pw_##T(flat + q0 + c, Q - c < C ? Q - c : C, 1);                            \
        free(flat);                                                                                \
        return acc;                                                                                \
    }
MODEL(double)
MODEL(float)

int main(void)
{
    int32_t hd[3];
    int64_t sh[32], st[32], count, off;
    if (fread(hd, 4, 3, stdin) != 3 || hd[1] > 32 || fread(sh, 8, (size_t)hd[1], stdin) != (size_t)hd[1] ||
        fread(st, 8, (size_t)hd[1], stdin) != (size_t)hd[1] || fread(&count, 8, 1, stdin) != 1)
        return 2;
    char *buf = malloc((size_t)(count * hd[0]) + 1);
    if (!buf || fread(buf, (size_t)hd[0], (size_t)count, stdin) != (size_t)count || fread(&off, 8, 1, stdin) != 1)
        return 2;
    if (hd[0] == 8) {
        double v = model_double((const double *)buf + off, hd[1], sh, st, hd[2]);
        uint64_t u;
        memcpy(&u, &v, 8);
        printf("%016llx\n", (unsigned long long)u);
    } else {
        float v = model_float((const float *)buf + off, hd[1], sh, st, hd[2]);
        uint32_t u;
        memcpy(&u, &v, 4);
        printf("%08x\n", (unsigned)u);
    }
    free(buf);
    return 0;
}
