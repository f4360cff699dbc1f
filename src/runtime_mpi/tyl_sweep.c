/* tyl_sweep.c: run-time support for generated sweeps: shape checks and buffered copies. */
#include <string.h>

#include "tyles.h"

/* A shape as NumPy writes it in its broadcasting errors: "(3,4)", "(5,)". */
static const char *np_shape(char *buf, size_t size, int rank, const int64_t *sh)
{
    size_t n = (size_t)snprintf(buf, size, "(");
    for (int d = 0; d < rank && n < size; d++)
        n += (size_t)snprintf(buf + n, size - n, "%s%lld", d ? "," : "", (long long)(sh[d] < 0 ? 1 : sh[d]));
    if (n < size)
        snprintf(buf + n, size - n, rank == 1 ? ",)" : ")");
    return buf;
}

void tyl_check_shapes(const char *where, int kind, int na, const int64_t *a, int nb, const int64_t *b)
{
    int ok = 1, ones = 0;
    for (int i = 1; i <= na && i <= nb; i++) {
        int64_t x = a[na - i], y = b[nb - i];
        if (x != y && x >= 0 && y >= 0) {
            ok = 0;
            if (x == 1 || (kind == TYL_CK_BCAST && y == 1))
                ones = 1;
        }
    }
    if (ok)
        return;
    char sa[160], sb[160];
    if (ones) {
        int64_t pa[TYL_MAX_RANK], pb[TYL_MAX_RANK];
        for (int d = 0; d < na && d < TYL_MAX_RANK; d++)
            pa[d] = a[d] < 0 ? 1 : a[d];
        for (int d = 0; d < nb && d < TYL_MAX_RANK; d++)
            pb[d] = b[d] < 0 ? 1 : b[d];
        tyl_rt_shape_str(sa, na, pa);
        tyl_rt_shape_str(sb, nb, pb);
    } else {
        np_shape(sa, sizeof sa, na, a);
        np_shape(sb, sizeof sb, nb, b);
    }
    if (ones)
        tyl_rt_error(where, "shapes %s and %s broadcast only because an extent is 1 at run time, "
                            "which compiled code does not support", sa, sb);
    if (kind == TYL_CK_BCAST)
        tyl_rt_error(where, "operands could not be broadcast together with shapes %s %s", sa, sb);
    tyl_rt_error(where, "could not broadcast input array from shape %s into shape %s", sa, sb);
}

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

void tyl_empty_reduction(const char *where, const char *op)
{
    tyl_rt_error(where, "ValueError: zero-size array to reduction operation %s which has no identity", op);
}

/* The elements of dst outside the box [lo, lo + len) come from src (same shape and layout): the
 * complement of a box is at most 2 * rank boxes (before and after the box in dimension d, inside
 * it in the dimensions before d, whole in those after), each one tyl_box_copy. A distributed
 * array does this on its owned block only. */
void tyl_copy_outside(tyl_array *dst, const tyl_array *src, const int64_t *lo_in, const int64_t *len_in)
{
    int r = dst->rank;
    size_t el = tyl_dtype_size(dst->dtype);
    int64_t olo[TYL_MAX_RANK], ohi[TYL_MAX_RANK], lo[TYL_MAX_RANK], hi[TYL_MAX_RANK];
    for (int d = 0; d < r; d++) {
        olo[d] = dst->lo[d];
        ohi[d] = dst->lo[d] + dst->n[d];
        lo[d] = lo_in[d] < olo[d] ? olo[d] : lo_in[d] > ohi[d] ? ohi[d] : lo_in[d];
        hi[d] = lo_in[d] + (len_in[d] > 0 ? len_in[d] : 0);
        hi[d] = hi[d] < lo[d] ? lo[d] : hi[d] > ohi[d] ? ohi[d] : hi[d];
    }
    for (int d = 0; d < r; d++) {
        for (int side = 0; side < 2; side++) {
            int64_t a = side ? hi[d] : olo[d], b = side ? ohi[d] : lo[d];
            if (b <= a)
                continue;
            int64_t n[TYL_MAX_RANK], off = 0;
            int empty = 0;
            for (int k = 0; k < r; k++) {
                int64_t start = k < d ? lo[k] : k == d ? a : olo[k];
                n[k] = k < d ? hi[k] - lo[k] : k == d ? b - a : ohi[k] - olo[k];
                empty |= n[k] <= 0;
                off += (start - dst->lo[k]) * dst->stride[k];
            }
            if (!empty)
                tyl_box_copy((char *)dst->data + off * (int64_t)el, dst->stride,
                             (const char *)src->data + off * (int64_t)el, src->stride, r, n, el);
        }
    }
}
