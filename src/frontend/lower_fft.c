/* lower_fft.c: numpy.fft as spectral codes use it: fft, ifft, rfft, irfft (n=, axis=, norm=),
 * their 2-D and n-D forms (fft2, ifft2, rfft2, irfft2, fftn, ifftn, rfftn, irfftn: s=, axes=),
 * fftfreq, rfftfreq, fftshift and ifftshift (a pseudo-spectral Burgers or Navier-Stokes step,
 * a Poisson solve by Fourier division, an energy spectrum).
 *
 * The transforms are written once in Python (the prelude below, parsed with lower_linalg.c's):
 * a mixed-radix Stockham FFT over one line at a time (radix-4 and radix-2 butterflies, then a
 * direct sum for each odd prime factor), twiddles from one table a call, each computed from an
 * angle reduced to the first octant (as pocketfft does: an angle near 2 pi loses digits). The lines are
 * element loops, which keep their arrays whole on every rank (pass_dist), so a rank computes
 * the same values at any rank count. NumPy's pocketfft factors and rounds differently, so the
 * values agree within rounding (a relative error of a few 1e-16 of the largest magnitude; tests
 * say `# tolerance:`), not bitwise; fftfreq, rfftfreq and the shifts are NumPy's exactly.
 * A transform along an axis other than the last reads a transposed view of its operand and
 * returns one of its result. The cost of a line of n points is n times the sum of its prime
 * factors: a length with a large prime factor is slow (no Bluestein step). Each call is inlined
 * as every prelude call is: about 1,000 lines of C a transform.
 *
 * Requires: lower_linalg.c parses lw_fft_prelude_src with the other preludes; arguments lowered
 * and matched (lower_numpy.c calls lw_fft_find for np.fft.* before the complex dispatch).
 * Establishes: float64, integer and bool arrays of 1 to 3 dimensions and complex128 arrays give
 * NumPy's shapes and dtypes (complex128, or float64 for irfft); float32 data (NumPy 2 computes
 * it in complex64), more dimensions, out= and bad n, axis, s, axes or norm are located
 * diagnostics, with NumPy's messages where NumPy has one; n < 1 known only when running is
 * NumPy's ValueError then. */

#include "lower_internal.h"

#include <string.h>

/* Each loop has a variable of its own, as in the other preludes. */
const char lw_fft_prelude_src[] =
    "def fft_tw(n, sign):\n"
    "    wr = np.zeros(n)\n"
    "    wi = np.zeros(n)\n"
    "    ang = 0.7853981633974483 / n\n"
    "    for t1 in range(n):\n"
    "        x = 8 * t1\n"
    "        c = 0.0\n"
    "        s = 0.0\n"
    "        if x < n:\n"
    "            c = np.cos(x * ang)\n"
    "            s = np.sin(x * ang)\n"
    "        elif x < 2 * n:\n"
    "            c = np.sin((2 * n - x) * ang)\n"
    "            s = np.cos((2 * n - x) * ang)\n"
    "        elif x < 3 * n:\n"
    "            c = -np.sin((x - 2 * n) * ang)\n"
    "            s = np.cos((x - 2 * n) * ang)\n"
    "        elif x < 4 * n:\n"
    "            c = -np.cos((4 * n - x) * ang)\n"
    "            s = np.sin((4 * n - x) * ang)\n"
    "        elif x < 5 * n:\n"
    "            c = -np.cos((x - 4 * n) * ang)\n"
    "            s = -np.sin((x - 4 * n) * ang)\n"
    "        elif x < 6 * n:\n"
    "            c = -np.sin((6 * n - x) * ang)\n"
    "            s = -np.cos((6 * n - x) * ang)\n"
    "        elif x < 7 * n:\n"
    "            c = np.sin((x - 6 * n) * ang)\n"
    "            s = -np.cos((x - 6 * n) * ang)\n"
    "        else:\n"
    "            c = np.cos((8 * n - x) * ang)\n"
    "            s = -np.sin((8 * n - x) * ang)\n"
    "        wr[t1] = c\n"
    "        wi[t1] = sign * s\n"
    "    return wr, wi\n"
    "\n"
    "\n"
    "def fft_pass2(ar, ai, br, bi, wr, wi, n, ns):\n"
    "    m = n // 2\n"
    "    unit = n // (ns * 2)\n"
    "    for j2 in range(m):\n"
    "        k = j2 % ns\n"
    "        base = (j2 // ns) * ns * 2 + k\n"
    "        w = k * unit\n"
    "        x0 = ar[j2]\n"
    "        y0 = ai[j2]\n"
    "        x1 = ar[j2 + m] * wr[w] - ai[j2 + m] * wi[w]\n"
    "        y1 = ar[j2 + m] * wi[w] + ai[j2 + m] * wr[w]\n"
    "        br[base] = x0 + x1\n"
    "        bi[base] = y0 + y1\n"
    "        br[base + ns] = x0 - x1\n"
    "        bi[base + ns] = y0 - y1\n"
    "\n"
    "\n"
    "def fft_pass4(ar, ai, br, bi, wr, wi, n, ns, sign):\n"
    "    m = n // 4\n"
    "    unit = n // (ns * 4)\n"
    "    for j4 in range(m):\n"
    "        k = j4 % ns\n"
    "        base = (j4 // ns) * ns * 4 + k\n"
    "        w1 = k * unit\n"
    "        w2 = 2 * w1\n"
    "        w3 = 3 * w1\n"
    "        x0 = ar[j4]\n"
    "        y0 = ai[j4]\n"
    "        x1 = ar[j4 + m] * wr[w1] - ai[j4 + m] * wi[w1]\n"
    "        y1 = ar[j4 + m] * wi[w1] + ai[j4 + m] * wr[w1]\n"
    "        x2 = ar[j4 + 2 * m] * wr[w2] - ai[j4 + 2 * m] * wi[w2]\n"
    "        y2 = ar[j4 + 2 * m] * wi[w2] + ai[j4 + 2 * m] * wr[w2]\n"
    "        x3 = ar[j4 + 3 * m] * wr[w3] - ai[j4 + 3 * m] * wi[w3]\n"
    "        y3 = ar[j4 + 3 * m] * wi[w3] + ai[j4 + 3 * m] * wr[w3]\n"
    "        ax = x0 + x2\n"
    "        ay = y0 + y2\n"
    "        bx = x0 - x2\n"
    "        by = y0 - y2\n"
    "        cx = x1 + x3\n"
    "        cy = y1 + y3\n"
    "        dx = -sign * (y1 - y3)\n"
    "        dy = sign * (x1 - x3)\n"
    "        br[base] = ax + cx\n"
    "        bi[base] = ay + cy\n"
    "        br[base + ns] = bx + dx\n"
    "        bi[base + ns] = by + dy\n"
    "        br[base + 2 * ns] = ax - cx\n"
    "        bi[base + 2 * ns] = ay - cy\n"
    "        br[base + 3 * ns] = bx - dx\n"
    "        bi[base + 3 * ns] = by - dy\n"
    "\n"
    "\n"
    "def fft_passg(ar, ai, br, bi, wr, wi, n, ns, r):\n"
    "    m = n // r\n"
    "    unit = n // (ns * r)\n"
    "    for j1 in range(m):\n"
    "        k = j1 % ns\n"
    "        base = (j1 // ns) * ns * r + k\n"
    "        for q1 in range(r):\n"
    "            e = k * unit + q1 * m\n"
    "            sr = 0.0\n"
    "            si = 0.0\n"
    "            for t2 in range(r):\n"
    "                x = ar[j1 + t2 * m]\n"
    "                y = ai[j1 + t2 * m]\n"
    "                w = (t2 * e) % n\n"
    "                sr = sr + (x * wr[w] - y * wi[w])\n"
    "                si = si + (x * wi[w] + y * wr[w])\n"
    "            br[base + q1 * ns] = sr\n"
    "            bi[base + q1 * ns] = si\n"
    "\n"
    "\n"
    "def fft_core(ar, ai, br, bi, wr, wi, n, sign):\n"
    "    ns = 1\n"
    "    rem = n\n"
    "    while rem > 1:\n"
    "        r = rem\n"
    "        if rem % 4 == 0:\n"
    "            r = 4\n"
    "        elif rem % 2 == 0:\n"
    "            r = 2\n"
    "        else:\n"
    "            p = 3\n"
    "            while p * p <= rem:\n"
    "                if rem % p == 0:\n"
    "                    r = p\n"
    "                    break\n"
    "                p = p + 2\n"
    "        if r == 4:\n"
    "            fft_pass4(ar, ai, br, bi, wr, wi, n, ns, sign)\n"
    "        elif r == 2:\n"
    "            fft_pass2(ar, ai, br, bi, wr, wi, n, ns)\n"
    "        else:\n"
    "            fft_passg(ar, ai, br, bi, wr, wi, n, ns, r)\n"
    "        ar, br = br, ar\n"
    "        ai, bi = bi, ai\n"
    "        ns = ns * r\n"
    "        rem = rem // r\n"
    "    return ar, ai\n"
    "\n"
    "\n"
    "def fft_fct(n, normk):\n"
    "    f = 1.0\n"
    "    if normk == 1:\n"
    "        f = 1.0 / np.sqrt(n)\n"
    "    elif normk == 2:\n"
    "        f = 1.0 / n\n"
    "    return f\n"
    "\n"
    "\n"
    "def fft_line(xr, xi, cplx, herm, n, nout, sign, fct, orr, oi, ar, ai, br, bi, wr, wi):\n"
    "    m = xr.shape[0]\n"
    "    c = min(m, n)\n"
    "    if herm:\n"
    "        c = min(m, n // 2 + 1)\n"
    "    ar[:] = 0.0\n"
    "    ai[:] = 0.0\n"
    "    ar[:c] = xr[:c]\n"
    "    if cplx:\n"
    "        ai[:c] = xi[:c]\n"
    "    if herm:\n"
    "        ai[0] = 0.0\n"
    "        if n % 2 == 0:\n"
    "            ai[n // 2] = 0.0\n"
    "        for h1 in range(1, (n + 1) // 2):\n"
    "            ar[n - h1] = ar[h1]\n"
    "            ai[n - h1] = -ai[h1]\n"
    "    rr, ri = fft_core(ar, ai, br, bi, wr, wi, n, sign)\n"
    "    orr[:] = rr[:nout] * fct\n"
    "    if not herm:\n"
    "        oi[:] = ri[:nout] * fct\n"
    "\n"
    "\n"
    "def fft_check(n):\n"
    "    if n < 1:\n"
    "        raise ValueError(f\"Invalid number of FFT data points ({n}) specified.\")\n"
    "\n"
    "\n"
    "def fft_d1(xr, xi, cplx, herm, n, nout, sign, normk):\n"
    "    fft_check(n)\n"
    "    wr, wi = fft_tw(n, sign)\n"
    "    ar = np.zeros(n)\n"
    "    ai = np.zeros(n)\n"
    "    br = np.zeros(n)\n"
    "    bi = np.zeros(n)\n"
    "    outr = np.zeros(nout)\n"
    "    outi = np.zeros(nout)\n"
    "    fft_line(xr, xi, cplx, herm, n, nout, sign, fft_fct(n, normk), outr, outi, ar, ai, br, bi, wr, wi)\n"
    "    return outr, outi\n"
    "\n"
    "\n"
    "def fft_d2(xr, xi, cplx, herm, n, nout, sign, normk):\n"
    "    fft_check(n)\n"
    "    wr, wi = fft_tw(n, sign)\n"
    "    fct = fft_fct(n, normk)\n"
    "    ar = np.zeros(n)\n"
    "    ai = np.zeros(n)\n"
    "    br = np.zeros(n)\n"
    "    bi = np.zeros(n)\n"
    "    outr = np.zeros((xr.shape[0], nout))\n"
    "    outi = np.zeros((xr.shape[0], nout))\n"
    "    for f1 in range(xr.shape[0]):\n"
    "        fft_line(xr[f1], xi[f1], cplx, herm, n, nout, sign, fct, outr[f1], outi[f1], ar, ai, br, bi, wr, wi)\n"
    "    return outr, outi\n"
    "\n"
    "\n"
    "def fft_d3(xr, xi, cplx, herm, n, nout, sign, normk):\n"
    "    fft_check(n)\n"
    "    wr, wi = fft_tw(n, sign)\n"
    "    fct = fft_fct(n, normk)\n"
    "    ar = np.zeros(n)\n"
    "    ai = np.zeros(n)\n"
    "    br = np.zeros(n)\n"
    "    bi = np.zeros(n)\n"
    "    outr = np.zeros((xr.shape[0], xr.shape[1], nout))\n"
    "    outi = np.zeros((xr.shape[0], xr.shape[1], nout))\n"
    "    for f2 in range(xr.shape[0]):\n"
    "        for f3 in range(xr.shape[1]):\n"
    "            fft_line(xr[f2, f3], xi[f2, f3], cplx, herm, n, nout, sign, fct, outr[f2, f3], outi[f2, f3], ar, ai, br, bi,\n"
    "                     wr, wi)\n"
    "    return outr, outi\n"
    "\n"
    "\n"
    "def fft_freq(n, d):\n"
    "    val = 1.0 / (n * d)\n"
    "    results = np.zeros(n, dtype=np.int64)\n"
    "    h = (n - 1) // 2 + 1\n"
    "    results[:h] = np.arange(0, h)\n"
    "    results[h:] = np.arange(-(n // 2), 0)\n"
    "    return results * val\n"
    "\n"
    "\n"
    "def fft_rfreq(n, d):\n"
    "    val = 1.0 / (n * d)\n"
    "    return np.arange(0, n // 2 + 1) * val\n";

enum { C2C_FORWARD, C2C_BACKWARD, R2C, C2R };

static int given(value *v) { return v && v->kind != V_NONE; }
static value *int_value(loc l, int64_t k) { return lw_scalar(l, lw_I64(l, k), 1); }

/* norm=: 0 (a factor 1), 1 (1 / sqrt(n)) or 2 (1 / n) for the prelude, or -1 after a
 * diagnostic. NumPy's inverse transforms swap "backward" and "forward". */
static int norm_code(value *v, int forward)
{
    int k = 0;
    if (given(v)) {
        if (v->kind != V_STR || (strcmp(v->str, "backward") && strcmp(v->str, "ortho") && strcmp(v->str, "forward"))) {
            if (v->kind == V_STR)
                diag_error(v->l, "Invalid norm value %s; should be \"backward\",\"ortho\" or \"forward\".", v->str);
            else if (v->kind != V_ERR)
                diag_error(v->l, "norm must be None, \"backward\", \"ortho\" or \"forward\", not %s",
                           lw_vkind_desc(v));
            return -1;
        }
        k = !strcmp(v->str, "ortho") ? 1 : !strcmp(v->str, "forward") ? 2 : 0;
    }
    if (!forward && k != 1)
        k = 2 - k;
    return k;
}

/* The real and imaginary parts of x as arrays (im NULL for real data), or 0 after a
 * diagnostic. */
static int fft_operand(lctx *c, loc l, const char *f, value *x, int kind, value **re, value **im)
{
    if (x->kind == V_TUPLE && !x->cplx)
        x = lw_array_literal(c, x->l, &(args){.pos = &x, .npos = 1}, 0);
    if (x->kind == V_ERR)
        return 0;
    *im = NULL;
    if (lw_is_complex(x)) {
        if (kind == R2C) {
            diag_error(x->l, "%s() of complex data is not supported (NumPy: TypeError; rfft takes real data, fft "
                             "complex)", f);
            return 0;
        }
        *re = x->items[0];
        *im = x->items[1];
        if ((*re)->kind != V_ARRAY && (*im)->kind != V_ARRAY) {
            diag_error(x->l, "%s() of a complex number: a 1-D to 3-D array is needed", f);
            return 0;
        }
        /* a part that is one number (x + 0j): an array of it, x's shape */
        value *arr = (*re)->kind == V_ARRAY ? *re : *im;
        for (value **p = re; p; p = p == re ? im : NULL)
            if ((*p)->kind != V_ARRAY) {
                value *fa[2] = {arr, *p};
                *p = lw_numpy_table_call(c, "np.full_like", l, &(args){.pos = fa, .npos = 2});
                if ((*p)->kind == V_ERR)
                    return 0;
            }
        return 1;
    }
    if (x->kind != V_ARRAY) {
        diag_error(x->l, "%s() takes an array here (1-D to 3-D), not %s", f, lw_vkind_desc(x));
        return 0;
    }
    if (x->type == T_F32) {
        diag_error(x->l, "%s() of float32 data is not supported (NumPy 2 computes it in complex64, which "
                         "tylesc does not have): convert it with .astype(np.float64)", f);
        return 0;
    }
    if (x->type != T_F64 && !ir_type_is_int(x->type) && x->type != T_BOOL) {
        diag_error(x->l, "%s() of %s data is not supported", f, ir_type_name(x->type));
        return 0;
    }
    *re = x;
    return 1;
}

/* x with its dimension axis moved last (back = 0) or its last dimension moved to axis. */
static value *move_axis(lctx *c, loc l, value *x, int axis, int back)
{
    if (!x || axis == x->rank - 1)
        return x;
    int perm[IR_MAX_RANK], k = 0;
    for (int d = 0; d < x->rank; d++)
        if (d != axis)
            perm[k++] = d;
    perm[k] = axis;
    if (back) {
        int inv[IR_MAX_RANK];
        for (int d = 0; d < x->rank; d++)
            inv[perm[d]] = d;
        memcpy(perm, inv, sizeof inv);
    }
    return lw_transpose_perm(c, l, x, perm);
}

/* One transform of kind along axis (normalised) of x, n points (NULL: NumPy's default). */
static value *transform(lctx *c, loc l, const char *f, value *x, value *nv, int axis, int kind, int normk)
{
    value *re, *im;
    if (normk < 0 || !fft_operand(c, l, f, x, kind, &re, &im))
        return &lw_ERRV;
    int rank = re->rank;
    if (rank < 1 || rank > 3) {
        diag_error(x->l, "%s() of a %d-D array is not supported (1-D to 3-D arrays are)", f, rank);
        return &lw_ERRV;
    }
    if (axis < -rank || axis >= rank) {
        diag_error(l, "axis %d is out of bounds for array of dimension %d", axis, rank);
        return &lw_ERRV;
    }
    axis = axis < 0 ? axis + rank : axis;
    re = move_axis(c, l, re, axis, 0);
    im = move_axis(c, l, im, axis, 0);
    value *m = lw_scalar(l, re->len[rank - 1], 1);
    m->s = re->sh[rank - 1];
    value *n;
    if (given(nv)) {
        int64_t k;
        if (nv->kind != V_SCALAR || !lw_is_int_scalar(nv)) {
            if (nv->kind != V_ERR)
                diag_error(nv->l, "%s(): n must be an int, not %s", f, lw_vkind_desc(nv));
            return &lw_ERRV;
        }
        if (lw_known_int(nv, &k) && k < 1) {
            diag_error(nv->l, "Invalid number of FFT data points (%lld) specified.", (long long)k);
            return &lw_ERRV;
        }
        n = nv;
    } else if (kind == C2R)
        n = lw_binop(c, l, OP_MUL, int_value(l, 2), lw_binop(c, l, OP_SUB, m, int_value(l, 1)));
    else
        n = m;
    value *nout = kind == R2C ? lw_binop(c, l, OP_ADD, lw_binop(c, l, OP_FDIV, n, int_value(l, 2)), int_value(l, 1))
                              : n;
    value *args8[8] = {re, im ? im : re, int_value(l, im != NULL), int_value(l, kind == C2R), n, nout,
                       int_value(l, kind == C2C_FORWARD || kind == R2C ? -1 : 1), int_value(l, normk)};
    static const char *fn[] = {"fft_d1", "fft_d2", "fft_d3"};
    value *r = lw_call_prelude(c, l, fn[rank - 1], 8, args8);
    if (r->kind != V_TUPLE || r->n != 2)
        return &lw_ERRV;
    value *outr = move_axis(c, l, r->items[0], axis, 1);
    if (kind == C2R)
        return outr;
    return lw_complex_make(l, outr, move_axis(c, l, r->items[1], axis, 1));
}

static int kind_of(const char *f)
{
    const char *b = f + strlen("np.fft.");
    return b[0] == 'r' ? R2C : !strncmp(b, "irfft", 5) ? C2R : b[0] == 'i' ? C2C_BACKWARD : C2C_FORWARD;
}

static value *np_fft1(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    if (given(v[4])) {
        diag_error(v[4]->l, "%s() with out= is not supported (the result is a new array)", f);
        return &lw_ERRV;
    }
    int64_t axis = -1;
    if (given(v[2]) && !lw_const_int_arg(v[2], "axis", &axis))
        return &lw_ERRV;
    int kind = kind_of(f);
    return transform(c, l, f, v[0], v[1], (int)axis, kind, norm_code(v[3], kind == C2C_FORWARD || kind == R2C));
}

/* The items of s or axes (a tuple or list of ints), at most IR_MAX_RANK; -1 after a
 * diagnostic. */
static int int_items(value *v, const char *f, const char *what, value **items)
{
    if (v->kind != V_TUPLE || v->cplx || v->n > IR_MAX_RANK) {
        if (v->kind != V_ERR)
            diag_error(v->l, "%s(): %s must be a tuple or list of ints here, not %s", f, what, lw_vkind_desc(v));
        return -1;
    }
    for (int i = 0; i < v->n; i++) {
        if (v->items[i]->kind != V_SCALAR || !lw_is_int_scalar(v->items[i])) {
            diag_error(v->items[i]->l, "%s(): each item of %s must be an int, not %s", f, what,
                       lw_vkind_desc(v->items[i]));
            return -1;
        }
        items[i] = v->items[i];
    }
    return v->n;
}

/* fft2, ifft2, rfft2, irfft2, fftn, ifftn, rfftn, irfftn: one transform an axis, in NumPy's
 * order (the last axis first; for real data the real transform on the last axis, first when
 * forward and last when inverse), each normalised as norm= says. */
static value *np_fftn(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    if (given(v[4])) {
        diag_error(v[4]->l, "%s() with out= is not supported (the result is a new array)", f);
        return &lw_ERRV;
    }
    value *x = v[0];
    if (x->kind == V_TUPLE && !x->cplx)
        x = lw_array_literal(c, x->l, &(args){.pos = &x, .npos = 1}, 0);
    if (x->kind == V_ERR)
        return x;
    int rank = lw_is_complex(x) ? x->items[x->items[0]->kind == V_ARRAY ? 0 : 1]->rank
               : x->kind == V_ARRAY ? x->rank : 0;
    value *s[IR_MAX_RANK] = {0}, *ax[IR_MAX_RANK];
    int ns = -2, nax = -2;
    if (given(v[1]) && (ns = int_items(v[1], f, "s", s)) < 0)
        return &lw_ERRV;
    if (given(v[2]) && (nax = int_items(v[2], f, "axes", ax)) < 0)
        return &lw_ERRV;
    int axes[IR_MAX_RANK];
    int two = f[strlen(f) - 1] == '2';
    if (nax == -2) { /* fft2: the last two; fftn: the last len(s), or all */
        nax = two ? 2 : ns >= 0 ? ns : rank;
        if (nax > rank) {
            diag_error(l, "%s(): %d axes of a %d-D array", f, nax, rank);
            return &lw_ERRV;
        }
        for (int i = 0; i < nax; i++)
            axes[i] = rank - nax + i;
    } else
        for (int i = 0; i < nax; i++) {
            int64_t k;
            if (!lw_const_int_arg(ax[i], "each item of axes", &k))
                return &lw_ERRV;
            axes[i] = (int)k;
        }
    if (ns >= 0 && ns != nax) {
        diag_error(v[1]->l, "Shape and axes have different lengths.");
        return &lw_ERRV;
    }
    if (nax == 0)
        return x; /* no axis: NumPy returns the data as it is (a copy) */
    const char *b = f + strlen("np.fft.");
    int inv = b[0] == 'i', real = b[0] == 'r' || !strncmp(b, "irfft", 5);
    int normk = norm_code(v[3], !inv);
    if (normk < 0)
        return &lw_ERRV;
    if (real && !inv) {
        x = transform(c, l, f, x, s[nax - 1], axes[nax - 1], R2C, normk);
        for (int i = nax - 2; i >= 0 && x->kind != V_ERR; i--)
            x = transform(c, l, f, x, s[i], axes[i], C2C_FORWARD, normk);
        return x;
    }
    if (real) {
        for (int i = 0; i < nax - 1 && x->kind != V_ERR; i++)
            x = transform(c, l, f, x, s[i], axes[i], C2C_BACKWARD, normk);
        return x->kind == V_ERR ? x : transform(c, l, f, x, s[nax - 1], axes[nax - 1], C2R, normk);
    }
    for (int i = nax - 1; i >= 0 && x->kind != V_ERR; i--)
        x = transform(c, l, f, x, s[i], axes[i], inv ? C2C_BACKWARD : C2C_FORWARD, normk);
    return x;
}

/* fftfreq(n, d=1.0), rfftfreq(n, d=1.0): NumPy's arithmetic, so its values exactly. */
static value *np_fftfreq(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    if (v[0]->kind != V_SCALAR || !lw_is_int_scalar(v[0])) {
        if (v[0]->kind != V_ERR)
            diag_error(v[0]->l, "%s(): n must be an int, not %s", f, lw_vkind_desc(v[0]));
        return &lw_ERRV;
    }
    value *d = given(v[1]) ? v[1] : lw_scalar(l, ir_const_f(l, T_F64, 1.0), 1);
    if (d->kind != V_SCALAR || d->cplx) {
        if (d->kind != V_ERR)
            diag_error(d->l, "%s(): d must be a number here, not %s", f, lw_vkind_desc(d));
        return &lw_ERRV;
    }
    value *args2[2] = {v[0], d};
    return lw_call_prelude(c, l, f[strlen("np.fft.")] == 'r' ? "fft_rfreq" : "fft_freq", 2, args2);
}

/* fftshift(x, axes=None), ifftshift: np.roll by half of each extent (its negative) along
 * each axis, every axis when axes is None. */
static value *np_fftshift(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = v[0];
    if (x->kind == V_TUPLE && !x->cplx)
        x = lw_array_literal(c, x->l, &(args){.pos = &x, .npos = 1}, 0);
    if (x->kind == V_ERR)
        return x;
    value *arr = lw_is_complex(x) ? x->items[x->items[0]->kind == V_ARRAY ? 0 : 1] : x;
    if (arr->kind != V_ARRAY) {
        diag_error(x->l, "%s() takes an array here, not %s", f, lw_vkind_desc(x));
        return &lw_ERRV;
    }
    int axes[IR_MAX_RANK], nax = 0;
    if (!given(v[1]))
        for (nax = 0; nax < arr->rank; nax++)
            axes[nax] = nax;
    else if (v[1]->kind == V_SCALAR) {
        int ax;
        if (!lw_axis_arg(v[1], arr->rank, f, &ax))
            return &lw_ERRV;
        axes[nax++] = ax;
    } else {
        value *items[IR_MAX_RANK];
        int k = int_items(v[1], f, "axes", items);
        for (int i = 0; i < k; i++)
            if (!lw_axis_arg(items[i], arr->rank, f, &axes[nax++]))
                return &lw_ERRV;
        if (k < 0)
            return &lw_ERRV;
    }
    int inv = f[strlen("np.fft.")] == 'i';
    for (int i = 0; i < nax; i++) {
        value *ext = lw_scalar(l, arr->len[axes[i]], 1);
        ext->s = arr->sh[axes[i]];
        value *shift = lw_binop(c, l, OP_FDIV, ext, int_value(l, 2));
        if (inv)
            shift = lw_binop(c, l, OP_SUB, int_value(l, 0), shift);
        value *kwv[1] = {int_value(l, axes[i])};
        const char *kwn[1] = {"axis"};
        int parts = lw_is_complex(x) ? 2 : 1;
        value *p[2];
        for (int k = 0; k < parts; k++) {
            value *part = parts == 2 ? x->items[k] : x;
            if (part->kind != V_ARRAY) { /* a number part: the same after any roll */
                p[k] = part;
                continue;
            }
            value *pos[2] = {part, shift};
            p[k] = lw_numpy_table_call(c, "np.roll", l, &(args){.pos = pos, .npos = 2, .kwname = kwn, .kw = kwv, .nkw = 1});
            if (p[k]->kind == V_ERR)
                return p[k];
        }
        x = parts == 2 ? lw_complex_make(l, p[0], p[1]) : p[0];
    }
    return x;
}

static const lw_builtin fft_table[] = {
    {"np.fft.fft", {"a", "n", "axis", "norm", "out"}, 1, np_fft1},
    {"np.fft.ifft", {"a", "n", "axis", "norm", "out"}, 1, np_fft1},
    {"np.fft.rfft", {"a", "n", "axis", "norm", "out"}, 1, np_fft1},
    {"np.fft.irfft", {"a", "n", "axis", "norm", "out"}, 1, np_fft1},
    {"np.fft.fft2", {"a", "s", "axes", "norm", "out"}, 1, np_fftn},
    {"np.fft.ifft2", {"a", "s", "axes", "norm", "out"}, 1, np_fftn},
    {"np.fft.rfft2", {"a", "s", "axes", "norm", "out"}, 1, np_fftn},
    {"np.fft.irfft2", {"a", "s", "axes", "norm", "out"}, 1, np_fftn},
    {"np.fft.fftn", {"a", "s", "axes", "norm", "out"}, 1, np_fftn},
    {"np.fft.ifftn", {"a", "s", "axes", "norm", "out"}, 1, np_fftn},
    {"np.fft.rfftn", {"a", "s", "axes", "norm", "out"}, 1, np_fftn},
    {"np.fft.irfftn", {"a", "s", "axes", "norm", "out"}, 1, np_fftn},
    {"np.fft.fftfreq", {"n", "d", "device"}, 1, np_fftfreq},
    {"np.fft.rfftfreq", {"n", "d", "device"}, 1, np_fftfreq},
    {"np.fft.fftshift", {"x", "axes"}, 1, np_fftshift},
    {"np.fft.ifftshift", {"x", "axes"}, 1, np_fftshift},
};

const lw_builtin *lw_fft_find(const char *name)
{
    return lw_builtin_find(fft_table, sizeof fft_table / sizeof *fft_table, name);
}
