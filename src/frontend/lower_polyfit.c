/* lower_polyfit.c: np.polyfit(x, y, deg) of 1-D data, as fitted curves in lab scripts use it (a
 * decay rate from log(counts), a diffusion coefficient from a mean square displacement, a
 * calibration polynomial), and int(deg) as NumPy takes it.
 *
 * NumPy builds the Vandermonde matrix (columns x^deg ... x^0, each power the previous one times
 * x), divides each column by its 2-norm, solves the least-squares problem by LAPACK's SVD
 * (gelsd, with rcond = len(x) * eps) and divides the solution by the column norms. The prelude
 * below does the same with Householder QR in place of the SVD: for a fit of full rank both give
 * the least-squares solution, so the coefficients agree within rounding (tests say
 * `# tolerance:`), not bitwise. A fit whose triangular factor has a diagonal item at or below
 * rcond times the largest (NumPy would warn RankWarning and return its least-norm solution) stops
 * with a message when running. NumPy's checks come first, in its order, with its messages.
 *
 * Requires: lower_linalg.c parses lw_polyfit_prelude_src with the other preludes. Establishes:
 * np.polyfit of 1-D float64 or integer x and y (arrays, or lists and tuples of numbers) and an
 * int degree returns a new 1-D float64 array of deg + 1 coefficients, highest power first;
 * 2-D y, float32 or complex data and the keywords rcond, full, w and cov are located
 * diagnostics. */

#include "lower_internal.h"

/* Each loop has a variable of its own (i1, i2, ...): a loop over a range known when compiling
 * is unrolled and binds its variable to Python ints, one known only when running to int64, and
 * a name may not change its type inside a loop. */
const char lw_polyfit_prelude_src[] =
    "def polyfit1(x, y, deg):\n"
    "    m = int(x.shape[0])\n"
    "    n = int(deg) + 1\n"
    "    if deg < 0:\n"
    "        raise ValueError(\"expected deg >= 0\")\n"
    "    if m == 0:\n"
    "        raise TypeError(\"expected non-empty vector for x\")\n"
    "    if y.shape[0] != m:\n"
    "        raise TypeError(\"expected x and y to have same length\")\n"
    "    A = np.zeros((m, n))\n"
    "    for i1 in range(m):\n"
    "        v = 1.0\n"
    "        for j1 in range(n - 1, -1, -1):\n"
    "            A[i1, j1] = v\n"
    "            v = v * x[i1]\n"
    "    scale = np.zeros(n)\n"
    "    for j2 in range(n):\n"
    "        s = 0.0\n"
    "        for i2 in range(m):\n"
    "            s = s + A[i2, j2] * A[i2, j2]\n"
    "        scale[j2] = np.sqrt(s)\n"
    "        for i3 in range(m):\n"
    "            A[i3, j2] = A[i3, j2] / scale[j2]\n"
    "    b = np.zeros(m)\n"
    "    for i4 in range(m):\n"
    "        b[i4] = y[i4]\n"
    "    rdiag = np.zeros(n)\n"
    "    for k1 in range(min(m, n)):\n"
    "        s = 0.0\n"
    "        for i5 in range(k1, m):\n"
    "            s = s + A[i5, k1] * A[i5, k1]\n"
    "        nrm = np.sqrt(s)\n"
    "        if nrm > 0.0:\n"
    "            alpha = nrm\n"
    "            if A[k1, k1] >= 0.0:\n"
    "                alpha = -nrm\n"
    "            A[k1, k1] = A[k1, k1] - alpha\n"
    "            vv = 0.0\n"
    "            for i6 in range(k1, m):\n"
    "                vv = vv + A[i6, k1] * A[i6, k1]\n"
    "            for j3 in range(k1 + 1, n):\n"
    "                d = 0.0\n"
    "                for i7 in range(k1, m):\n"
    "                    d = d + A[i7, k1] * A[i7, j3]\n"
    "                f = 2.0 * d / vv\n"
    "                for i8 in range(k1, m):\n"
    "                    A[i8, j3] = A[i8, j3] - f * A[i8, k1]\n"
    "            d = 0.0\n"
    "            for i9 in range(k1, m):\n"
    "                d = d + A[i9, k1] * b[i9]\n"
    "            f = 2.0 * d / vv\n"
    "            for i10 in range(k1, m):\n"
    "                b[i10] = b[i10] - f * A[i10, k1]\n"
    "            rdiag[k1] = alpha\n"
    "    big = 0.0\n"
    "    for k2 in range(n):\n"
    "        big = max(big, abs(rdiag[k2]))\n"
    "    for k3 in range(n):\n"
    "        if not (abs(rdiag[k3]) > m * 2.220446049250313e-16 * big):\n"
    "            raise NotImplementedError(\"np.polyfit() of a rank-deficient fit: NumPy \"\n"
    "                                      \"warns RankWarning and returns its least-norm \"\n"
    "                                      \"solution, which tylesc does not reproduce\")\n"
    "    c = np.zeros(n)\n"
    "    for k4 in range(n - 1, -1, -1):\n"
    "        s = b[k4]\n"
    "        for j4 in range(k4 + 1, n):\n"
    "            s = s - A[k4, j4] * c[j4]\n"
    "        c[k4] = s / rdiag[k4]\n"
    "    return c / scale\n";

/* x or y: a 1-D array of float64 or integers (a list or tuple of numbers becomes one) */
static value *fit_data(lctx *c, const char *f, value *v, const char *what)
{
    if (v->kind == V_TUPLE && !v->cplx)
        v = lw_array_literal(c, v->l, &(args){.pos = &v, .npos = 1}, 0);
    if (v->kind == V_ERR)
        return NULL;
    if (v->kind != V_ARRAY || (v->rank != 1 && !(what[0] == 'y' && v->rank == 2))) {
        diag_error(v->l, "%s(): %s must be a 1-D array or a list of numbers here, not %s", f, what,
                   lw_vkind_desc(v));
        return NULL;
    }
    if (v->rank == 2) {
        diag_error(v->l, "%s() of a 2-D y (several fits at once) is not supported: fit each column "
                         "with its own call", f);
        return NULL;
    }
    if (v->type == T_F32 || v->cplx || !(v->type == T_F64 || ir_type_is_int(v->type) || v->type == T_BOOL)) {
        diag_error(v->l, "%s() of %s data is not supported (float64 and integer arrays are)", f,
                   v->cplx ? "complex" : ir_type_name(v->type));
        return NULL;
    }
    return v;
}

static value *np_polyfit(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    for (int k = 3; k < 7; k++)
        if (v[k]) {
            static const char *kw[] = {"rcond", "full", "w", "cov"};
            diag_error(v[k]->l, "%s() with %s= is not supported (x, y and deg are)", f, kw[k - 3]);
            return &lw_ERRV;
        }
    value *x = fit_data(c, f, v[0], "x"), *y = fit_data(c, f, v[1], "y");
    if (!x || !y)
        return &lw_ERRV;
    if (v[2]->kind != V_SCALAR || v[2]->cplx) { /* NumPy takes int(deg): a float too */
        if (v[2]->kind != V_ERR)
            diag_error(v[2]->l, "%s(): deg must be a number, not %s", f, lw_vkind_desc(v[2]));
        return &lw_ERRV;
    }
    value *args3[3] = {x, y, v[2]};
    return lw_call_prelude(c, l, "polyfit1", 3, args3);
}

static const lw_builtin np_table[] = {
    {"np.polyfit", {"x", "y", "deg", "rcond", "full", "w", "cov"}, 3, np_polyfit},
};

const lw_builtin *lw_polyfit_find(const char *name, int method)
{
    return method ? NULL : lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, name);
}
