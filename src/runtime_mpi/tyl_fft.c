/* tyl_fft.c: numpy.fft's transforms of the lines of an array (tyl_fft_lines_; the entry tyl_fft,
 * for lower_fft.c's S_FFT, is in tyl_fft_dist.c, which gives it the lines of every rank).
 *
 * A mixed-radix Stockham FFT: the length is factored into 4s, then a 2, then odd factors in
 * increasing order; each pass reads one buffer and writes the other (no bit reversal), with
 * radix-4, radix-2, radix-3 and radix-5 butterflies and a direct sum for other prime factors.
 * A length whose largest prime factor is large (more work in direct sums than a transform of
 * twice the length rounded up to a product of 2, 3 and 5) goes through Bluestein's chirp
 * transform instead. Twiddles come from one table a length, each from an angle reduced to the
 * first octant (an angle near 2 pi would lose digits), as pocketfft computes them.
 *
 * NumPy's pocketfft factors and rounds differently: the values agree within a few 1e-16 of
 * the largest magnitude, not bitwise (the contract's rounding of library routines, as for
 * np.linalg.solve). A real input is transformed as complex data with imaginary part 0; a real
 * output (irfft) from the Hermitian extension of the first n // 2 + 1 values (the imaginary
 * parts of the first, and for even n the middle, value ignored, as pocketfft's c2r does).
 *
 * The lines run along any axis of the data, at its strides (no transposed copies). Replicated
 * arrays: every rank computes every line; distributed ones: tyl_fft_dist.c gives each rank
 * whole lines of its own (redistributing when the axis is split) and calls tyl_fft_lines_ on
 * them. The lines are shared among the threads. */
#include "tyl_internal.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

typedef struct plan {
    int64_t n;
    int nf;
    int64_t fac[64];
    double *w;       /* n twiddles exp(sign 2 pi i k / n), interleaved re, im */
    struct plan *bs; /* Bluestein: a plan of length nb >= 2n - 1 (NULL: Stockham passes) */
    double *chirp;   /* Bluestein: exp(sign pi i k^2 / n), k < n, interleaved */
    double *bk;      /* Bluestein: the transform (length nb) of the conjugate chirp, / nb */
} plan;

/* exp(2 pi i k / n) for 0 <= k < n: the angle reduced to the first octant, where its cos and
 * sin are computed from an angle of at most pi / 4, then placed by the octant's symmetry. */
static void twiddle(int64_t k, int64_t n, double *c, double *s)
{
    const double ang = 0.78539816339744830962 / (double)n; /* pi / 4 / n */
    const int64_t x = 8 * k;
    if (x < n)
        *c = cos((double)x * ang), *s = sin((double)x * ang);
    else if (x < 2 * n)
        *c = sin((double)(2 * n - x) * ang), *s = cos((double)(2 * n - x) * ang);
    else if (x < 3 * n)
        *c = -sin((double)(x - 2 * n) * ang), *s = cos((double)(x - 2 * n) * ang);
    else if (x < 4 * n)
        *c = -cos((double)(4 * n - x) * ang), *s = sin((double)(4 * n - x) * ang);
    else if (x < 5 * n)
        *c = -cos((double)(x - 4 * n) * ang), *s = -sin((double)(x - 4 * n) * ang);
    else if (x < 6 * n)
        *c = -sin((double)(6 * n - x) * ang), *s = -cos((double)(6 * n - x) * ang);
    else if (x < 7 * n)
        *c = sin((double)(x - 6 * n) * ang), *s = -cos((double)(x - 6 * n) * ang);
    else
        *c = cos((double)(8 * n - x) * ang), *s = -sin((double)(8 * n - x) * ang);
}

static int64_t largest_factor(int64_t n)
{
    int64_t big = 1;
    for (int64_t p = 2; p * p <= n; p++)
        while (n % p == 0)
            big = p, n /= p;
    return n > 1 ? n : big;
}

/* The smallest product of 2, 3 and 5 at least n. */
static int64_t good_size(int64_t n)
{
    int64_t best = 2 * n;
    for (int64_t f5 = 1; f5 < best; f5 *= 5)
        for (int64_t f35 = f5; f35 < best; f35 *= 3) {
            int64_t f = f35;
            while (f < n)
                f *= 2;
            if (f < best)
                best = f;
        }
    return best;
}

static void plan_free(plan *p)
{
    if (!p)
        return;
    plan_free(p->bs);
    free(p->w);
    free(p->chirp);
    free(p->bk);
    free(p);
}

static void run(const plan *p, double *a, double *b, int sign);

static plan *plan_new(int64_t n, int sign)
{
    plan *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->n = n;
    int64_t big = largest_factor(n);
    int64_t nb = good_size(2 * n - 1);
    if (n > 64 && big > 11 && (double)big * (double)n > 3.0 * (double)nb * (log2((double)nb) + 4.0)) {
        p->bs = plan_new(nb, sign);
        p->chirp = malloc(sizeof(double) * 2 * (size_t)n);
        p->bk = calloc((size_t)nb * 2, sizeof(double));
        double *tmp = malloc(sizeof(double) * 2 * (size_t)nb);
        if (!p->bs || !p->chirp || !p->bk || !tmp) {
            free(tmp);
            plan_free(p);
            return NULL;
        }
        for (int64_t k = 0; k < n; k++) { /* k^2 mod 2n keeps the angle exact */
            int64_t q = (int64_t)(((unsigned __int128)k * (unsigned __int128)k) % (unsigned __int128)(2 * n));
            double c, s;
            twiddle(q, 2 * n, &c, &s);
            p->chirp[2 * k] = c, p->chirp[2 * k + 1] = sign * s;
        }
        p->bk[0] = p->chirp[0], p->bk[1] = -p->chirp[1];
        for (int64_t k = 1; k < n; k++) {
            p->bk[2 * k] = p->bk[2 * (nb - k)] = p->chirp[2 * k];
            p->bk[2 * k + 1] = p->bk[2 * (nb - k) + 1] = -p->chirp[2 * k + 1];
        }
        run(p->bs, p->bk, tmp, sign);
        for (int64_t k = 0; k < 2 * nb; k++)
            p->bk[k] /= (double)nb;
        free(tmp);
        return p;
    }
    int64_t rem = n;
    while (rem % 4 == 0)
        p->fac[p->nf++] = 4, rem /= 4;
    if (rem % 2 == 0)
        p->fac[p->nf++] = 2, rem /= 2;
    for (int64_t f = 3; f * f <= rem; f += 2)
        while (rem % f == 0)
            p->fac[p->nf++] = f, rem /= f;
    if (rem > 1)
        p->fac[p->nf++] = rem;
    p->w = malloc(sizeof(double) * 2 * (size_t)n);
    if (!p->w) {
        plan_free(p);
        return NULL;
    }
    for (int64_t k = 0; k < n; k++) {
        double c, s;
        twiddle(k, n, &c, &s);
        p->w[2 * k] = c, p->w[2 * k + 1] = sign * s;
    }
    return p;
}

/* The butterflies of radix 2 to 5 on x (r twiddled inputs, interleaved): outputs to b at
 * base, base + ns, ... */
static inline void bfly2(const double *x, double *b, int64_t base, int64_t ns)
{
    b[2 * base] = x[0] + x[2], b[2 * base + 1] = x[1] + x[3];
    b[2 * (base + ns)] = x[0] - x[2], b[2 * (base + ns) + 1] = x[1] - x[3];
}
static inline void bfly4(const double *x, double *b, int64_t base, int64_t ns, int sign)
{
    double sx = x[0] + x[4], sy = x[1] + x[5], dx = x[0] - x[4], dy = x[1] - x[5];
    double tx = x[2] + x[6], ty = x[3] + x[7];
    double ux = -sign * (x[3] - x[7]), uy = sign * (x[2] - x[6]);
    b[2 * base] = sx + tx, b[2 * base + 1] = sy + ty;
    b[2 * (base + ns)] = dx + ux, b[2 * (base + ns) + 1] = dy + uy;
    b[2 * (base + 2 * ns)] = sx - tx, b[2 * (base + 2 * ns) + 1] = sy - ty;
    b[2 * (base + 3 * ns)] = dx - ux, b[2 * (base + 3 * ns) + 1] = dy - uy;
}
static inline void bfly3(const double *x, double *b, int64_t base, int64_t ns, int sign)
{
    const double h = sign * 0.86602540378443864676;
    double sx = x[2] + x[4], sy = x[3] + x[5];
    double cx = x[0] - 0.5 * sx, cy = x[1] - 0.5 * sy;
    double dx = -h * (x[3] - x[5]), dy = h * (x[2] - x[4]);
    b[2 * base] = x[0] + sx, b[2 * base + 1] = x[1] + sy;
    b[2 * (base + ns)] = cx + dx, b[2 * (base + ns) + 1] = cy + dy;
    b[2 * (base + 2 * ns)] = cx - dx, b[2 * (base + 2 * ns) + 1] = cy - dy;
}
static inline void bfly5(const double *x, double *b, int64_t base, int64_t ns, int sign)
{
    const double c1 = 0.30901699437494742410, c2 = -0.80901699437494742410;
    const double s1 = sign * 0.95105651629515357212, s2 = sign * 0.58778525229247312917;
    double px = x[2] + x[8], py = x[3] + x[9], mx = x[2] - x[8], my = x[3] - x[9];
    double qx = x[4] + x[6], qy = x[5] + x[7], nx = x[4] - x[6], ny = x[5] - x[7];
    b[2 * base] = x[0] + px + qx, b[2 * base + 1] = x[1] + py + qy;
    double ax = x[0] + c1 * px + c2 * qx, ay = x[1] + c1 * py + c2 * qy;
    double bx = -(s1 * my + s2 * ny), by = s1 * mx + s2 * nx;
    b[2 * (base + ns)] = ax + bx, b[2 * (base + ns) + 1] = ay + by;
    b[2 * (base + 4 * ns)] = ax - bx, b[2 * (base + 4 * ns) + 1] = ay - by;
    ax = x[0] + c2 * px + c1 * qx, ay = x[1] + c2 * py + c1 * qy;
    bx = -(s2 * my - s1 * ny), by = s2 * mx - s1 * nx;
    b[2 * (base + 2 * ns)] = ax + bx, b[2 * (base + 2 * ns) + 1] = ay + by;
    b[2 * (base + 3 * ns)] = ax - bx, b[2 * (base + 3 * ns) + 1] = ay - by;
}

/* One pass of radix r: b from a, ns the length of the transforms already done. Input j (of m =
 * n / r) = jb ns + k takes the twiddles of k and goes to the outputs jb ns r + k + q ns; the
 * loops over jb and k spare a division a butterfly. */
static void pass(const plan *p, const double *a, double *b, int64_t r, int64_t ns, int sign)
{
    const int64_t n = p->n, m = n / r, unit = n / (ns * r);
    const double *w = p->w;
    double x[10];
    /* a twiddle of 1 (t or e 0) is no product, as in pocketfft: inf * 1 - y * 0 is inf, but
     * inf * 0 + y * 1 is NaN, and np.fft.fft([inf, 3, 4j, -1.5]) is inf + a finite imaginary
     * part in NumPy (h133) */
#define TWIDDLED(j, e)                                                                             \
    for (int64_t t = 0; t < r; t++) {                                                              \
        double ar = a[2 * ((j) + t * m)], ai = a[2 * ((j) + t * m) + 1];                           \
        if (t * (e) == 0) {                                                                        \
            x[2 * t] = ar, x[2 * t + 1] = ai;                                                      \
            continue;                                                                              \
        }                                                                                          \
        double wr = w[2 * (t * (e))], wi = w[2 * (t * (e)) + 1];                                   \
        x[2 * t] = ar * wr - ai * wi, x[2 * t + 1] = ar * wi + ai * wr;                            \
    }
#define EACH(...)                                                                                   \
    for (int64_t jb = 0; jb < m / ns; jb++)                                                        \
        for (int64_t k = 0; k < ns; k++) {                                                         \
            int64_t j = jb * ns + k, base = jb * ns * r + k, e = k * unit;                         \
            __VA_ARGS__;                                                                           \
        }
    switch (r) {
    case 2: EACH(TWIDDLED(j, e) bfly2(x, b, base, ns)) break;
    case 3: EACH(TWIDDLED(j, e) bfly3(x, b, base, ns, sign)) break;
    case 4: EACH(TWIDDLED(j, e) bfly4(x, b, base, ns, sign)) break;
    case 5: EACH(TWIDDLED(j, e) bfly5(x, b, base, ns, sign)) break;
    default: /* a direct sum: a prime factor above 5 */
        EACH(for (int64_t q = 0; q < r; q++) {
            int64_t eq = e + q * m;
            double sr = 0.0, si = 0.0;
            for (int64_t t = 0; t < r; t++) {
                double ar = a[2 * (j + t * m)], ai = a[2 * (j + t * m) + 1];
                int64_t i = (int64_t)(((unsigned __int128)t * (unsigned __int128)eq) % (unsigned __int128)n);
                sr += ar * w[2 * i] - ai * w[2 * i + 1];
                si += ar * w[2 * i + 1] + ai * w[2 * i];
            }
            b[2 * (base + q * ns)] = sr, b[2 * (base + q * ns) + 1] = si;
        })
    }
#undef EACH
#undef TWIDDLED
}

/* The transform of a (n complex values, interleaved) into a; b is scratch of the same size
 * (Bluestein: of 2 nb + 2 n values). */
static void run(const plan *p, double *a, double *b, int sign)
{
    if (p->bs) { /* X_k = w_k sum_j (x_j w_j) conj(w_(k-j)), w_t = exp(sign pi i t^2 / n) */
        const int64_t n = p->n, nb = p->bs->n;
        double *y = b, *scratch = b + 2 * nb;
        memset(y, 0, sizeof(double) * 2 * (size_t)nb);
        for (int64_t k = 0; k < n; k++) {
            double ar = a[2 * k], ai = a[2 * k + 1], cr = p->chirp[2 * k], ci = p->chirp[2 * k + 1];
            y[2 * k] = ar * cr - ai * ci;
            y[2 * k + 1] = ar * ci + ai * cr;
        }
        run(p->bs, y, scratch, sign);
        for (int64_t k = 0; k < nb; k++) { /* times the chirp's transform, conjugated for the
                                              inverse transform that follows */
            double yr = y[2 * k], yi = y[2 * k + 1], br = p->bk[2 * k], bi = p->bk[2 * k + 1];
            y[2 * k] = yr * br - yi * bi;
            y[2 * k + 1] = -(yr * bi + yi * br);
        }
        run(p->bs, y, scratch, sign); /* conj(D(conj(z))): the inverse, up to the 1 / nb in bk */
        for (int64_t k = 0; k < n; k++) {
            double yr = y[2 * k], yi = -y[2 * k + 1], cr = p->chirp[2 * k], ci = p->chirp[2 * k + 1];
            a[2 * k] = yr * cr - yi * ci;
            a[2 * k + 1] = yr * ci + yi * cr;
        }
        return;
    }
    double *src = a, *dst = b;
    int64_t ns = 1;
    for (int f = 0; f < p->nf; f++) {
        pass(p, src, dst, p->fac[f], ns, sign);
        ns *= p->fac[f];
        double *t = src;
        src = dst, dst = t;
    }
    if (src != a)
        memcpy(a, src, sizeof(double) * 2 * (size_t)p->n);
}

void tyl_fft_lines_(const tyl_fft_box_ *bx, int64_t n, int64_t nout, int flags, const char *where)
{
    const int sign = flags & TYL_FFT_INVERSE ? 1 : -1;
    const int real_in = !!(flags & TYL_FFT_REAL_IN), real_out = !!(flags & TYL_FFT_REAL_OUT);
    const int normk = (flags >> TYL_FFT_NORM_SHIFT) & 3, ax = bx->axis;
    int64_t lines = 1;
    for (int d = 0; d < bx->D; d++)
        if (d != ax)
            lines *= bx->ext[d];
    const int64_t m = bx->m, cin = real_in ? 1 : 2, cout = real_out ? 1 : 2;
    const int64_t si = bx->sin[ax], so = bx->sout[ax];
    const double fct = normk == 1 ? 1.0 / sqrt((double)n) : normk == 2 ? 1.0 / (double)n : 1.0;
    plan *p = plan_new(n, sign);
    if (!p)
        tyl_rt_error(where, "MemoryError: cannot allocate the work space of an FFT of %lld points", (long long)n);
    const int64_t scratch = p->bs ? 2 * (2 * p->bs->n + n) : 2 * n;
    int failed = 0;
#pragma omp parallel if (lines > 1 && lines * n > 4096)
    {
        double *a = malloc(sizeof(double) * 2 * (size_t)n), *b = malloc(sizeof(double) * (size_t)scratch);
        if (!a || !b) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int64_t l = 0; l < lines; l++) {
            if (!a || !b)
                continue;
            int64_t oi = 0, oo = 0, r = l; /* the line's start: l in C order of the other axes */
            for (int d = bx->D - 1; d >= 0; d--)
                if (d != ax) {
                    int64_t q = r % bx->ext[d];
                    r /= bx->ext[d];
                    oi += q * bx->sin[d], oo += q * bx->sout[d];
                }
            const double *x = bx->in + oi;
            memset(a, 0, sizeof(double) * 2 * (size_t)n);
            if (real_out) { /* the Hermitian extension of the first n // 2 + 1 values */
                int64_t h = n / 2 + 1, c = m < h ? m : h;
                for (int64_t k = 0; k < c; k++)
                    a[2 * k] = x[si * k], a[2 * k + 1] = cin == 2 ? x[si * k + 1] : 0.0;
                a[1] = 0.0;
                if (n % 2 == 0)
                    a[n + 1] = 0.0;
                for (int64_t k = 1; k < (n + 1) / 2; k++)
                    a[2 * (n - k)] = a[2 * k], a[2 * (n - k) + 1] = -a[2 * k + 1];
            } else {
                int64_t c = m < n ? m : n;
                for (int64_t k = 0; k < c; k++)
                    a[2 * k] = x[si * k], a[2 * k + 1] = cin == 2 ? x[si * k + 1] : 0.0;
            }
            run(p, a, b, sign);
            double *y = bx->out + oo;
            for (int64_t k = 0; k < nout; k++) {
                y[so * k] = a[2 * k] * fct;
                if (cout == 2)
                    y[so * k + 1] = a[2 * k + 1] * fct;
            }
        }
        free(a);
        free(b);
    }
    plan_free(p);
    if (failed)
        tyl_rt_error(where, "MemoryError: cannot allocate the work space of an FFT of %lld points", (long long)n);
}
