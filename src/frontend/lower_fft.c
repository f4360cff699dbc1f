/* lower_fft.c: numpy.fft as spectral codes use it: fft, ifft, rfft, irfft (n=, axis=, norm=),
 * their 2-D and n-D forms (fft2, ifft2, rfft2, irfft2, fftn, ifftn, rfftn, irfftn: s=, axes=),
 * fftfreq, rfftfreq, fftshift and ifftshift (a pseudo-spectral Burgers or Navier-Stokes step,
 * a Poisson solve by Fourier division, an energy spectrum).
 *
 * A transform is one S_FFT statement, run by libtyles' tyl_fft (tyl_fft.c: a mixed-radix
 * Stockham FFT, Bluestein's for large prime factors) over every line of a whole float64 array:
 * complex data goes in as its parts side by side ((..., m, 2), np.stack), comes out the same
 * way, and the result's parts are views of it; a transform along another axis than the last
 * runs along that axis as the data lies (S_FFT's axis). Both slots are laid out like the fields
 * (pass_dist: distributed, the parts' axis kept whole) or both whole on every rank; each line's
 * transform is the same code wherever it runs, so the values are the same at any rank count. NumPy's pocketfft factors and rounds differently, so the values
 * agree within rounding (a few 1e-16 of the largest magnitude; tests say `# tolerance: T of
 * the largest`), not bitwise; fftfreq, rfftfreq and the shifts are NumPy's exactly.
 *
 * Requires: lower_linalg.c parses lw_fft_prelude_src with the other preludes; arguments lowered
 * and matched (lower_numpy.c calls lw_fft_find for np.fft.* before the complex dispatch).
 * Establishes: float64, integer and bool arrays and complex128 arrays (up to IR_MAX_RANK - 1
 * dimensions: the parts take one) give NumPy's shapes and dtypes (complex128, or float64 for
 * irfft), float32 and complex64 ones NumPy 2's single-precision dtypes (complex64, float32);
 * more dimensions, out= and bad n, axis, s, axes or norm are located diagnostics, with NumPy's messages where NumPy has one;
 * n < 1 known only when running is NumPy's ValueError then, before the result's array is made;
 * lists holding complex numbers are complex data (fft_data). */

#include "lower_internal.h"

#include "../util/sym.h"

#include <string.h>

/* The parts of a transform's result (views of it); NumPy's fftfreq and rfftfreq, as
 * numpy/fft/_helper.py computes them. */
const char lw_fft_prelude_src[] =
    "def fft_parts(q):\n"
    "    return q[..., 0], q[..., 1]\n"
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

/* norm=: 0 (a factor 1), 1 (1 / sqrt(n)) or 2 (1 / n) for S_FFT, or -1 after a
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

/* A list or tuple operand as np.asarray makes it: one holding complex numbers through the
 * complex np.asarray (lower_complex.c: an array of the real parts and one of the imaginary),
 * since np.asarray of real items would take each complex number's two parts for a
 * dimension of 2 (fft([1j, 2j]) transformed [[0, 1], [0, 2]]); other values as they are. */
static value *fft_data(lctx *c, value *x)
{
    if (x->kind != V_TUPLE || x->cplx)
        return x;
    args a = {.pos = &x, .npos = 1};
    return lw_has_complex(x) ? lw_complex_numpy(c, "np.asarray", x->l, &a) : lw_array_literal(c, x->l, &a, 0);
}

/* The real and imaginary parts of x as arrays (im NULL for real data), or 0 after a
 * diagnostic. */
static int fft_operand(lctx *c, loc l, const char *f, value *x, int kind, value **re, value **im)
{
    x = fft_data(c, x);
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
        diag_error(x->l, "%s() takes an array here, not %s", f, lw_vkind_desc(x));
        return 0;
    }
    if (x->type != T_F64 && !ir_type_is_int(x->type) && x->type != T_BOOL) {
        diag_error(x->l, "%s() of %s data is not supported", f, ir_type_name(x->type));
        return 0;
    }
    *re = x;
    return 1;
}

static value *text(loc l, const char *s)
{
    value *v = lw_vnew(V_STR, l);
    v->str = s;
    return v;
}

/* NumPy's ValueError when running if n, the number of points, is below 1: an n known only when
 * running, or irfft's default of an extent below 2. */
static void points_check(lctx *c, loc l, value *n)
{
    value *rt = lw_vnew(V_FSTR, l);
    rt->n = 3;
    rt->items = NEWN(value *, 3);
    rt->items[0] = text(l, "Invalid number of FFT data points (");
    rt->items[1] = n;
    rt->items[2] = text(l, ") specified.");
    lw_emit_raise_str(c, l, ir_bin(l, OP_CLT, T_BOOL, ir_cast(l, T_I64, n->e), lw_I64(l, 1), 0), "ValueError: ", rt);
}

/* One transform of kind along axis (normalised) of x, n points (NULL: NumPy's default). *q:
 * NULL, or the slot of the transform before in a chain (fft2, fftn) whose parts x is: that slot
 * is this transform's operand as it is, not a stacked copy of its parts; on return, this
 * transform's slot (complex results). */
static value *transform(lctx *c, loc l, const char *f, value *x, value *nv, int axis, int kind, int normk, value **q)
{
    value *prev = *q;
    *q = NULL;
    value *re, *im;
    if (normk < 0 || !fft_operand(c, l, f, x, kind, &re, &im))
        return &lw_ERRV;
    int rank = re->rank;
    if (rank < 1 || rank > IR_MAX_RANK - 1) {
        diag_error(x->l, "%s() of a %d-D array is not supported (1-D to %d-D arrays are)", f, rank, IR_MAX_RANK - 1);
        return &lw_ERRV;
    }
    if (axis < -rank || axis >= rank) {
        diag_error(l, "axis %d is out of bounds for array of dimension %d", axis, rank);
        return &lw_ERRV;
    }
    axis = axis < 0 ? axis + rank : axis;
    value *m = lw_scalar(l, re->len[axis], 1);
    m->s = re->sh[axis];
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
    /* before the result's array, whose length n gives: n given, or irfft's 2 (m - 1) (an
     * extent m of 0 made it -2); fft's and rfft's m of 0 is left to tyl_fft */
    int64_t nk;
    if ((given(nv) || kind == C2R) && (!lw_known_int(n, &nk) || nk < 1))
        points_check(c, l, n);
    value *nout = kind == R2C ? lw_binop(c, l, OP_ADD, lw_binop(c, l, OP_FDIV, n, int_value(l, 2)), int_value(l, 1))
                              : n;
    /* the data as one float64 slot: the parts side by side, or the real values; the transform
     * runs along axis as it lies (no transposed copy, which would keep the slot whole on
     * every rank: pass_dist distributes both slots like the fields, tyl_fft_dist.c) */
    value *P = im && prev ? prev : im ? lw_stack_last(c, l, re, im) : lw_cast_to(l, re, T_F64);
    if (P->kind != V_ARRAY)
        return &lw_ERRV;
    P = lw_materialize(c, P);
    int out_real = kind == C2R, qrank = rank + !out_real;
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    for (int d = 0; d < rank; d++)
        len[d] = re->len[d], sh[d] = re->sh[d];
    len[axis] = ir_cast(l, T_I64, nout->e), sh[axis] = nout->s;
    if (!out_real)
        len[rank] = lw_I64(l, 2), sh[rank] = sym_const(2);
    value *Q = lw_new_array(c, l, T_F64, qrank, len, sh, 0, NULL);
    ir_stmt *st = ir_stmt_new(S_FFT, l);
    st->var = Q->fresh;
    st->src_slot = P->fresh;
    st->e = ir_cast(l, T_I64, n->e);
    st->e2 = ir_cast(l, T_I64, nout->e);
    st->init = (kind == C2C_BACKWARD || kind == C2R ? IR_FFT_INVERSE : 0) | (im ? 0 : IR_FFT_REAL_IN) |
               (out_real ? IR_FFT_REAL_OUT : 0) | normk << IR_FFT_NORM_SHIFT | axis << IR_FFT_AXIS_SHIFT;
    lw_emit(c, st);
    if (out_real)
        return Q;
    value *r = lw_call_prelude(c, l, "fft_parts", 1, &Q);
    if (r->kind != V_TUPLE || r->n != 2)
        return &lw_ERRV;
    *q = Q;
    return lw_complex_make(l, r->items[0], r->items[1]);
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
    value *q = NULL;
    return transform(c, l, f, v[0], v[1], (int)axis, kind, norm_code(v[3], kind == C2C_FORWARD || kind == R2C), &q);
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
    value *x = fft_data(c, v[0]);
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
    value *q = NULL; /* each transform after the first reads the slot of the one before */
    if (real && !inv) {
        x = transform(c, l, f, x, s[nax - 1], axes[nax - 1], R2C, normk, &q);
        for (int i = nax - 2; i >= 0 && x->kind != V_ERR; i--)
            x = transform(c, l, f, x, s[i], axes[i], C2C_FORWARD, normk, &q);
        return x;
    }
    if (real) {
        for (int i = 0; i < nax - 1 && x->kind != V_ERR; i++)
            x = transform(c, l, f, x, s[i], axes[i], C2C_BACKWARD, normk, &q);
        return x->kind == V_ERR ? x : transform(c, l, f, x, s[nax - 1], axes[nax - 1], C2R, normk, &q);
    }
    for (int i = nax - 1; i >= 0 && x->kind != V_ERR; i--)
        x = transform(c, l, f, x, s[i], axes[i], inv ? C2C_BACKWARD : C2C_FORWARD, normk, &q);
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
    value *x = fft_data(c, v[0]);
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

/* Transforms of float32 and complex64 data: NumPy 2 computes them in single precision (complex64
 * results, float32 of irfft); here in double precision on the data widened, the result rounded
 * to single (closer to the exact transform than NumPy's: equal within float32 rounding). */
static value *single(lctx *c, loc l, const char *f, value **v, args *a,
                     value *(*fn)(lctx *, loc, const char *, value **, args *))
{
    value *x = fft_data(c, v[0]);
    if (x->kind == V_ERR)
        return x;
    ir_type t = lw_is_complex(x) ? (x->items[0]->type == T_F32 && x->items[1]->type == T_F32 ? T_F32 : T_F64)
                : x->kind == V_ARRAY ? x->type : T_F64;
    value *w[5]; /* x in v[0]'s place: a list made an array once */
    for (int i = 0; i < 5; i++)
        w[i] = v[i];
    w[0] = x;
    if (t != T_F32)
        return fn(c, l, f, w, a);
    w[0] = lw_complex_as(c, l, x, T_F64);
    value *r = fn(c, l, f, w, a);
    return r->kind == V_ERR ? r : lw_complex_as(c, l, r, T_F32);
}
static value *np_fft1s(lctx *c, loc l, const char *f, value **v, args *a) { return single(c, l, f, v, a, np_fft1); }
static value *np_fftns(lctx *c, loc l, const char *f, value **v, args *a) { return single(c, l, f, v, a, np_fftn); }

static const lw_builtin fft_table[] = {
    {"np.fft.fft", {"a", "n", "axis", "norm", "out"}, 1, np_fft1s},
    {"np.fft.ifft", {"a", "n", "axis", "norm", "out"}, 1, np_fft1s},
    {"np.fft.rfft", {"a", "n", "axis", "norm", "out"}, 1, np_fft1s},
    {"np.fft.irfft", {"a", "n", "axis", "norm", "out"}, 1, np_fft1s},
    {"np.fft.fft2", {"a", "s", "axes", "norm", "out"}, 1, np_fftns},
    {"np.fft.ifft2", {"a", "s", "axes", "norm", "out"}, 1, np_fftns},
    {"np.fft.rfft2", {"a", "s", "axes", "norm", "out"}, 1, np_fftns},
    {"np.fft.irfft2", {"a", "s", "axes", "norm", "out"}, 1, np_fftns},
    {"np.fft.fftn", {"a", "s", "axes", "norm", "out"}, 1, np_fftns},
    {"np.fft.ifftn", {"a", "s", "axes", "norm", "out"}, 1, np_fftns},
    {"np.fft.rfftn", {"a", "s", "axes", "norm", "out"}, 1, np_fftns},
    {"np.fft.irfftn", {"a", "s", "axes", "norm", "out"}, 1, np_fftns},
    {"np.fft.fftfreq", {"n", "d", "device"}, 1, np_fftfreq},
    {"np.fft.rfftfreq", {"n", "d", "device"}, 1, np_fftfreq},
    {"np.fft.fftshift", {"x", "axes"}, 1, np_fftshift},
    {"np.fft.ifftshift", {"x", "axes"}, 1, np_fftshift},
};

const lw_builtin *lw_fft_find(const char *name)
{
    return lw_builtin_find(fft_table, sizeof fft_table / sizeof *fft_table, name);
}
