/* lower_linalg.c: small dense matrices as implicit schemes build them: np.eye, np.identity,
 * np.diag (both ways), matrix products (`A @ x`, `A @ B`, np.dot, np.matmul, A.dot(x) with a
 * 2-D operand, stacks of matrices), np.linalg.solve, np.linalg.inv, np.linalg.cholesky,
 * np.linalg.det and np.linalg.matrix_power.
 *
 * Each is written once in Python (the prelude below, with lower_stats.c's, parsed when first
 * needed; other files call its functions with lw_call_prelude) in the subset
 * tylesc compiles: an identity is a comparison of broadcast aranges (a sweep, distributed like
 * any), the others are loops over elements, which keep their arrays whole on every rank
 * (pass_dist), so a rank computes the same values at any rank count. A call is an inlined call
 * of the prelude's function, its syntax tree stamped with the user's call's location so that
 * any message points there. The values agree with NumPy's exactly for eye, identity and diag;
 * products and solves add in another order than BLAS and LAPACK do (and solve pivots as
 * LAPACK's unblocked getrf does: the first largest magnitude), so they agree within rounding
 * (the tests say `# tolerance:`).
 *
 * Requires: operands checked here (ranks, dtypes, extents known when compiling); the prelude's
 * own checks cover extents known only when running. Establishes: what is not supported (more
 * than 2-D, complex, b of 3-D in solve) is a located diagnostic. */

#include "lower_internal.h"

#include <string.h>

static const char prelude_src[] =
    "import numpy as np\n"
    "\n"
    "\n"
    "def eye(N, M, k, dt):\n"
    "    return (np.arange(N)[:, None] + k == np.arange(M)[None, :]).astype(dt)\n"
    "\n"
    "\n"
    "def diag_make(v, k):\n"
    "    n = v.shape[0]\n"
    "    m = n + abs(k)\n"
    "    r = np.zeros((m, m), dtype=v.dtype)\n"
    "    for i in range(n):\n"
    "        if k >= 0:\n"
    "            r[i, i + k] = v[i]\n"
    "        else:\n"
    "            r[i - k, i] = v[i]\n"
    "    return r\n"
    "\n"
    "\n"
    "def diag_take(A, k):\n"
    "    rows = A.shape[0]\n"
    "    cols = A.shape[1]\n"
    "    if k >= 0:\n"
    "        n = max(0, min(rows, cols - k))\n"
    "    else:\n"
    "        n = max(0, min(rows + k, cols))\n"
    "    r = np.zeros(n, dtype=A.dtype)\n"
    "    for i in range(n):\n"
    "        if k >= 0:\n"
    "            r[i] = A[i, i + k]\n"
    "        else:\n"
    "            r[i] = A[i - k, i]\n"
    "    return r\n"
    "\n"
    "\n"
    "def fill_diagonal(A, val):\n"
    "    for i in range(min(A.shape[0], A.shape[1])):\n"
    "        A[i, i] = val\n"
    "\n"
    "\n"
    "def trace(A, k, dt):\n"
    "    return np.sum(diag_take(A, k).astype(dt))\n"
    "\n"
    "\n"
    "def tri(A, k, lower):\n"
    "    i = np.arange(A.shape[0])[:, None]\n"
    "    j = np.arange(A.shape[1])[None, :]\n"
    "    if lower:\n"
    "        return np.where(j <= i + k, A, 0)\n"
    "    return np.where(j >= i + k, A, 0)\n"
    "\n"
    "\n"
    "def tri_indices(n, k, m, upper):\n"
    "    count = 0\n"
    "    for i in range(n):\n"
    "        if upper:\n"
    "            count += m - min(max(0, i + k), m)\n"
    "        else:\n"
    "            count += min(max(0, i + k + 1), m)\n"
    "    rows = np.zeros(count, dtype=np.int64)\n"
    "    cols = np.zeros(count, dtype=np.int64)\n"
    "    p = 0\n"
    "    for i in range(n):\n"
    "        for j in range(m):\n"
    "            if (upper and j >= i + k) or (not upper and j <= i + k):\n"
    "                rows[p] = i\n"
    "                cols[p] = j\n"
    "                p += 1\n"
    "    return rows, cols\n"
    "\n"
    "\n"
    "def kron(A, B, dt):\n"
    "    n = A.shape[0]\n"
    "    m = A.shape[1]\n"
    "    p = B.shape[0]\n"
    "    q = B.shape[1]\n"
    "    r = np.zeros((n * p, m * q), dtype=dt)\n"
    "    for i in range(n):\n"
    "        for j in range(m):\n"
    "            for k in range(p):\n"
    "                for l in range(q):\n"
    "                    r[i * p + k, j * q + l] = A[i, j] * B[k, l]\n"
    "    return r\n"
    "\n"
    "\n"
    "def gradient_coords(f, x, edge, dt):\n"
    "    n = f.shape[0]\n"
    "    if x.shape[0] != n:\n"
    "        raise ValueError(\"when 1d, distances must match the length of the corresponding dimension\")\n"
    "    d = np.diff(x)\n"
    "    out = np.empty(f.shape, dtype=dt)\n"
    "    out[0] = (f[1] - f[0]) / d[0]\n"
    "    out[n - 1] = (f[n - 1] - f[n - 2]) / d[n - 2]\n"
    "    if np.all(d == d[0]):\n"
    "        h = d[0]\n"
    "        out[1:n - 1] = (f[2:] - f[:n - 2]) / (2. * h)\n"
    "        if edge == 2:\n"
    "            out[0] = -1.5 / h * f[0] + 2. / h * f[1] + -0.5 / h * f[2]\n"
    "            out[n - 1] = 0.5 / h * f[n - 3] + -2. / h * f[n - 2] + 1.5 / h * f[n - 1]\n"
    "    else:\n"
    "        for i in range(1, n - 1):\n"
    "            dx1 = d[i - 1]\n"
    "            dx2 = d[i]\n"
    "            a = -(dx2) / (dx1 * (dx1 + dx2))\n"
    "            b = (dx2 - dx1) / (dx1 * dx2)\n"
    "            c = dx1 / (dx2 * (dx1 + dx2))\n"
    "            out[i] = a * f[i - 1] + b * f[i] + c * f[i + 1]\n"
    "        if edge == 2:\n"
    "            dx1 = d[0]\n"
    "            dx2 = d[1]\n"
    "            a = -(2. * dx1 + dx2) / (dx1 * (dx1 + dx2))\n"
    "            b = (dx1 + dx2) / (dx1 * dx2)\n"
    "            c = -dx1 / (dx2 * (dx1 + dx2))\n"
    "            out[0] = a * f[0] + b * f[1] + c * f[2]\n"
    "            dx1 = d[n - 3]\n"
    "            dx2 = d[n - 2]\n"
    "            a = dx2 / (dx1 * (dx1 + dx2))\n"
    "            b = -(dx2 + dx1) / (dx1 * dx2)\n"
    "            c = (2. * dx2 + dx1) / (dx2 * (dx1 + dx2))\n"
    "            out[n - 1] = a * f[n - 3] + b * f[n - 2] + c * f[n - 1]\n"
    "    return out\n"
    "\n"
    "\n"
    "def kron1(a, b, dt):\n"
    "    n = a.shape[0]\n"
    "    p = b.shape[0]\n"
    "    r = np.zeros(n * p, dtype=dt)\n"
    "    for i in range(n):\n"
    "        for k in range(p):\n"
    "            r[i * p + k] = a[i] * b[k]\n"
    "    return r\n"
    "\n"
    "\n"
    "def convolve(a, v, mode, dt):\n"
    "    n = a.shape[0]\n"
    "    m = v.shape[0]\n"
    "    if n == 0 or m == 0:\n"
    "        raise ValueError(\"a cannot be empty\" if n == 0 else \"v cannot be empty\")\n"
    "    length = n + m - 1\n"
    "    off = 0\n"
    "    if mode == 1:\n"
    "        length = max(n, m)\n"
    "        off = (min(n, m) - 1) // 2\n"
    "    if mode == 2:\n"
    "        length = max(n, m) - min(n, m) + 1\n"
    "        off = min(n, m) - 1\n"
    "    r = np.zeros(length, dtype=dt)\n"
    "    for k in range(length):\n"
    "        kk = k + off\n"
    "        s = dt(0)\n"
    "        for j in range(max(0, kk - m + 1), min(n, kk + 1)):\n"
    "            s += a[j] * v[kk - j]\n"
    "        r[k] = s\n"
    "    return r\n"
    "\n"
    "\n"
    "def correlate(a, v, mode, dt):\n"
    "    m = v.shape[0]\n"
    "    if mode == 1 and a.shape[0] < m:\n"
    "        full = convolve(a, v[::-1], 0, dt)\n"
    "        off = a.shape[0] // 2\n"
    "        return full[off:off + m].copy()\n"
    "    return convolve(a, v[::-1], mode, dt)\n"
    "\n"
    "\n"
    "def mismatch(dot, sa, sb, ka, kb, da, db):\n"
    "    if dot:\n"
    "        raise ValueError(f\"shapes {sa} and {sb} not aligned: {ka} (dim {da}) != {kb} (dim {db})\")\n"
    "    raise ValueError(f\"matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc \"\n"
    "                     f\"signature (n?,k),(k,m?)->(n?,m?) (size {kb} is different from {ka})\")\n"
    "\n"
    "\n"
    "def matvec(A, x, dt, dot):\n"
    "    n = A.shape[0]\n"
    "    m = A.shape[1]\n"
    "    if x.shape[0] != m:\n"
    "        mismatch(dot, f\"({n},{m})\", f\"({x.shape[0]},)\", m, x.shape[0], 1, 0)\n"
    "    r = np.zeros(n, dtype=dt)\n"
    "    for i in range(n):\n"
    "        s = dt(0)\n"
    "        for j in range(m):\n"
    "            s += A[i, j] * x[j]\n"
    "        r[i] = s\n"
    "    return r\n"
    "\n"
    "\n"
    "def vecmat(x, B, dt, dot):\n"
    "    n = B.shape[0]\n"
    "    m = B.shape[1]\n"
    "    if x.shape[0] != n:\n"
    "        mismatch(dot, f\"({x.shape[0]},)\", f\"({n},{m})\", x.shape[0], n, 0, 0)\n"
    "    r = np.zeros(m, dtype=dt)\n"
    "    for j in range(m):\n"
    "        s = dt(0)\n"
    "        for i in range(n):\n"
    "            s += x[i] * B[i, j]\n"
    "        r[j] = s\n"
    "    return r\n"
    "\n"
    "\n"
    "def matmat(A, B, dt, dot):\n"
    "    n = A.shape[0]\n"
    "    p = A.shape[1]\n"
    "    m = B.shape[1]\n"
    "    if B.shape[0] != p:\n"
    "        mismatch(dot, f\"({n},{p})\", f\"({B.shape[0]},{m})\", p, B.shape[0], 1, 0)\n"
    "    r = np.zeros((n, m), dtype=dt)\n"
    "    for i in range(n):\n"
    "        for j in range(m):\n"
    "            s = dt(0)\n"
    "            for q in range(p):\n"
    "                s += A[i, q] * B[q, j]\n"
    "            r[i, j] = s\n"
    "    return r\n"
    "\n"
    "\n"
    "def stack_mismatch(sa, sb, n):\n"
    "    raise ValueError(f\"matmul: the stacks of matrices of shapes {sa} and {sb} could not be \"\n"
    "                     f\"broadcast together (their extents {n} differ and neither is 1)\")\n"
    "\n"
    "\n"
    "def stack3_mat(A, B, dt):\n"
    "    s = A.shape[0]\n"
    "    n = A.shape[1]\n"
    "    p = A.shape[2]\n"
    "    m = B.shape[1]\n"
    "    if B.shape[0] != p:\n"
    "        mismatch(False, \"\", \"\", p, B.shape[0], 2, 0)\n"
    "    r = np.zeros((s, n, m), dtype=dt)\n"
    "    for b in range(s):\n"
    "        for i in range(n):\n"
    "            for j in range(m):\n"
    "                t = dt(0)\n"
    "                for q in range(p):\n"
    "                    t += A[b, i, q] * B[q, j]\n"
    "                r[b, i, j] = t\n"
    "    return r\n"
    "\n"
    "\n"
    "def stack4_mat(A, B, dt):\n"
    "    s = A.shape[0]\n"
    "    u = A.shape[1]\n"
    "    n = A.shape[2]\n"
    "    p = A.shape[3]\n"
    "    m = B.shape[1]\n"
    "    if B.shape[0] != p:\n"
    "        mismatch(False, \"\", \"\", p, B.shape[0], 3, 0)\n"
    "    r = np.zeros((s, u, n, m), dtype=dt)\n"
    "    for b in range(s):\n"
    "        for c in range(u):\n"
    "            for i in range(n):\n"
    "                for j in range(m):\n"
    "                    t = dt(0)\n"
    "                    for q in range(p):\n"
    "                        t += A[b, c, i, q] * B[q, j]\n"
    "                    r[b, c, i, j] = t\n"
    "    return r\n"
    "\n"
    "\n"
    "def mat_stack3(A, B, dt):\n"
    "    s = B.shape[0]\n"
    "    n = A.shape[0]\n"
    "    p = A.shape[1]\n"
    "    m = B.shape[2]\n"
    "    if B.shape[1] != p:\n"
    "        mismatch(False, \"\", \"\", p, B.shape[1], 1, 1)\n"
    "    r = np.zeros((s, n, m), dtype=dt)\n"
    "    for b in range(s):\n"
    "        for i in range(n):\n"
    "            for j in range(m):\n"
    "                t = dt(0)\n"
    "                for q in range(p):\n"
    "                    t += A[i, q] * B[b, q, j]\n"
    "                r[b, i, j] = t\n"
    "    return r\n"
    "\n"
    "\n"
    "def stack3_stack3(A, B, dt):\n"
    "    sa = A.shape[0]\n"
    "    sb = B.shape[0]\n"
    "    n = A.shape[1]\n"
    "    p = A.shape[2]\n"
    "    m = B.shape[2]\n"
    "    if B.shape[1] != p:\n"
    "        mismatch(False, \"\", \"\", p, B.shape[1], 2, 1)\n"
    "    if sa != sb and sa != 1 and sb != 1:\n"
    "        stack_mismatch(f\"({sa},{n},{p})\", f\"({sb},{B.shape[1]},{m})\", f\"{sa} and {sb}\")\n"
    "    s = max(sa, sb)\n"
    "    r = np.zeros((s, n, m), dtype=dt)\n"
    "    for b in range(s):\n"
    "        ba = b % sa\n"
    "        bb = b % sb\n"
    "        for i in range(n):\n"
    "            for j in range(m):\n"
    "                t = dt(0)\n"
    "                for q in range(p):\n"
    "                    t += A[ba, i, q] * B[bb, q, j]\n"
    "                r[b, i, j] = t\n"
    "    return r\n"
    "\n"
    "\n"
    "def check_square(A, B, sig):\n"
    "    n = A.shape[0]\n"
    "    if A.shape[1] != n:\n"
    "        raise LinAlgError(\"Last 2 dimensions of the array must be square\")\n"
    "    if B.shape[0] != n:\n"
    "        raise ValueError(f\"solve: Input operand 1 has a mismatch in its core dimension 0, with \"\n"
    "                         f\"gufunc signature {sig} (size {B.shape[0]} is different from {n})\")\n"
    "\n"
    "\n"
    "def eliminate(M, X, n, nrhs):\n"
    "    for k in range(n):\n"
    "        p = k\n"
    "        big = abs(M[k, k])\n"
    "        for i in range(k + 1, n):\n"
    "            if abs(M[i, k]) > big:\n"
    "                big = abs(M[i, k])\n"
    "                p = i\n"
    "        if big == 0.0:\n"
    "            raise LinAlgError(\"Singular matrix\")\n"
    "        if p != k:\n"
    "            for j in range(n):\n"
    "                t = M[k, j]\n"
    "                M[k, j] = M[p, j]\n"
    "                M[p, j] = t\n"
    "            for j in range(nrhs):\n"
    "                t = X[k, j]\n"
    "                X[k, j] = X[p, j]\n"
    "                X[p, j] = t\n"
    "        for i in range(k + 1, n):\n"
    "            f = M[i, k] / M[k, k]\n"
    "            for j in range(k + 1, n):\n"
    "                M[i, j] -= f * M[k, j]\n"
    "            for j in range(nrhs):\n"
    "                X[i, j] -= f * X[k, j]\n"
    "    for j in range(nrhs):\n"
    "        for i in range(n - 1, -1, -1):\n"
    "            s = X[i, j]\n"
    "            for q in range(i + 1, n):\n"
    "                s -= M[i, q] * X[q, j]\n"
    "            X[i, j] = s / M[i, i]\n"
    "\n"
    "\n"
    "def cholesky(A):\n"
    "    n = A.shape[0]\n"
    "    if A.shape[1] != n:\n"
    "        raise LinAlgError(\"Last 2 dimensions of the array must be square\")\n"
    "    L = np.zeros((n, n))\n"
    "    for j in range(n):\n"
    "        s = float(A[j, j])\n"
    "        for k in range(j):\n"
    "            s -= L[j, k] * L[j, k]\n"
    "        if s <= 0.0:  # a NaN pivot goes on, as OpenBLAS potrf (NumPy's) does\n"
    "            raise LinAlgError(\"Matrix is not positive definite\")\n"
    "        L[j, j] = np.sqrt(s)\n"
    "        for i in range(j + 1, n):\n"
    "            t = float(A[i, j])\n"
    "            for k in range(j):\n"
    "                t -= L[i, k] * L[j, k]\n"
    "            L[i, j] = t / L[j, j]\n"
    "    return L\n"
    "\n"
    "\n"
    "def det(A):\n"
    "    n = A.shape[0]\n"
    "    if A.shape[1] != n:\n"
    "        raise LinAlgError(\"Last 2 dimensions of the array must be square\")\n"
    "    M = np.zeros((n, n))\n"
    "    M[:, :] = A\n"
    "    sign = 1.0\n"
    "    logdet = 0.0\n"
    "    for k in range(n):\n"
    "        p = k\n"
    "        big = abs(M[k, k])\n"
    "        for i in range(k + 1, n):\n"
    "            if abs(M[i, k]) > big:\n"
    "                big = abs(M[i, k])\n"
    "                p = i\n"
    "        if big == 0.0:  # getrf goes on past a zero column; NumPy's sign is then 0\n"
    "            sign = 0.0\n"
    "            logdet = -np.inf\n"
    "        elif sign != 0.0:\n"
    "            if p != k:\n"
    "                sign = -sign\n"
    "                for j in range(n):\n"
    "                    t = M[k, j]\n"
    "                    M[k, j] = M[p, j]\n"
    "                    M[p, j] = t\n"
    "            if M[k, k] < 0.0:\n"
    "                sign = -sign\n"
    "            logdet += np.log(abs(M[k, k]))\n"
    "            for i in range(k + 1, n):\n"
    "                f = M[i, k] / M[k, k]\n"
    "                for j in range(k + 1, n):\n"
    "                    M[i, j] -= f * M[k, j]\n"
    "    return sign * np.exp(logdet)\n"
    "\n"
    "\n"
    "def solve1(A, b):\n"
    "    check_square(A, b, \"(m,m),(m)->(m)\")\n"
    "    n = A.shape[0]\n"
    "    M = np.zeros((n, n))\n"
    "    M[:, :] = A\n"
    "    X = np.zeros((n, 1))\n"
    "    X[:, 0] = b\n"
    "    eliminate(M, X, n, 1)\n"
    "    return X[:, 0].copy()\n"
    "\n"
    "\n"
    "def celiminate(M, X, n, nrhs):\n"
    "    for k in range(n):\n"
    "        p = k\n"
    "        big = abs(M[k, k].real) + abs(M[k, k].imag)\n"
    "        for i in range(k + 1, n):\n"
    "            a = abs(M[i, k].real) + abs(M[i, k].imag)\n"
    "            if a > big:\n"
    "                big = a\n"
    "                p = i\n"
    "        if big == 0.0:\n"
    "            raise LinAlgError(\"Singular matrix\")\n"
    "        if p != k:\n"
    "            for j in range(n):\n"
    "                t = M[k, j]\n"
    "                M[k, j] = M[p, j]\n"
    "                M[p, j] = t\n"
    "            for j in range(nrhs):\n"
    "                t = X[k, j]\n"
    "                X[k, j] = X[p, j]\n"
    "                X[p, j] = t\n"
    "        for i in range(k + 1, n):\n"
    "            f = M[i, k] / M[k, k]\n"
    "            for j in range(k + 1, n):\n"
    "                M[i, j] -= f * M[k, j]\n"
    "            for j in range(nrhs):\n"
    "                X[i, j] -= f * X[k, j]\n"
    "    for j in range(nrhs):\n"
    "        for i in range(n - 1, -1, -1):\n"
    "            s = X[i, j]\n"
    "            for q in range(i + 1, n):\n"
    "                s -= M[i, q] * X[q, j]\n"
    "            X[i, j] = s / M[i, i]\n"
    "\n"
    "\n"
    "def csolve2(A, B):\n"
    "    check_square(A, B, \"(m,m),(m,n)->(m,n)\")\n"
    "    n = A.shape[0]\n"
    "    M = np.zeros((n, n), dtype=complex)\n"
    "    M[:, :] = A\n"
    "    X = np.zeros((n, B.shape[1]), dtype=complex)\n"
    "    X[:, :] = B\n"
    "    celiminate(M, X, n, B.shape[1])\n"
    "    return X\n"
    "\n"
    "\n"
    "def csolve1(A, b):\n"
    "    check_square(A, b, \"(m,m),(m)->(m)\")\n"
    "    n = A.shape[0]\n"
    "    M = np.zeros((n, n), dtype=complex)\n"
    "    M[:, :] = A\n"
    "    X = np.zeros((n, 1), dtype=complex)\n"
    "    X[:, 0] = b\n"
    "    celiminate(M, X, n, 1)\n"
    "    return X[:, 0].copy()\n"
    "\n"
    "\n"
    "def cinv(A):\n"
    "    n = A.shape[0]\n"
    "    if A.shape[1] != n:\n"
    "        raise LinAlgError(\"Last 2 dimensions of the array must be square\")\n"
    "    M = np.zeros((n, n), dtype=complex)\n"
    "    M[:, :] = A\n"
    "    X = np.zeros((n, n), dtype=complex)\n"
    "    for i in range(n):\n"
    "        X[i, i] = 1.0\n"
    "    celiminate(M, X, n, n)\n"
    "    return X\n"
    "\n"
    "\n"
    "def cov(m, ddof):\n"
    "    X = m.astype(np.float64)\n"
    "    n = X.shape[1]\n"
    "    avg = np.mean(X, axis=1)\n"
    "    fact = n - ddof\n"
    "    if fact <= 0:\n"
    "        fact = 0.0\n"
    "    X = X - avg[:, None]\n"
    "    c = X @ X.T\n"
    "    return c * np.true_divide(1, fact)\n"
    "\n"
    "\n"
    "def corrcoef(m):\n"
    "    c = cov(m, 1)\n"
    "    stddev = np.sqrt(np.diag(c))\n"
    "    c = c / stddev[:, None]\n"
    "    c = c / stddev[None, :]\n"
    "    return np.clip(c, -1, 1)\n"
    "\n"
    "\n"
    "def solve2(A, B):\n"
    "    check_square(A, B, \"(m,m),(m,n)->(m,n)\")\n"
    "    n = A.shape[0]\n"
    "    M = np.zeros((n, n))\n"
    "    M[:, :] = A\n"
    "    X = np.zeros((n, B.shape[1]))\n"
    "    X[:, :] = B\n"
    "    eliminate(M, X, n, B.shape[1])\n"
    "    return X\n";

static ast *prelude;    /* the parsed module, per lowering (the arena is freed between programs) */
static scope *pscope;   /* its names, per lowering */

void lw_linalg_reset(void)
{
    prelude = NULL;
    pscope = NULL;
}

static scope *prelude_scope(lctx *c)
{
    if (pscope)
        return pscope;
    if (!prelude)
        prelude = parse_file("<tyles prelude>", arena_printf(&util_arena, "%s\n\n%s\n\n%s\n\n%s\n\n%s\n\n%s\n\n%s\n\n%s", prelude_src,
                                                             lw_stats_prelude_src, lw_csum32_prelude_src(), lw_pyrandom_prelude_src,
                                                             lw_polyfit_prelude_src, lw_fft_prelude_src,
                                                             lw_search_prelude_src, lw_choice_prelude_src));
    pscope = NEW(scope);
    pscope->parent = c->module;
    binding *b = NEW(binding);
    b->name = "np";
    b->kind = B_VALUE;
    b->val = lw_vnew(V_MODULE, prelude->l);
    b->val->str = "numpy";
    vec_push(&pscope->binds, b);
    b = NEW(binding); /* Python's random module (random.sample: lower_pyrandom.c) */
    b->name = "random";
    b->kind = B_VALUE;
    b->val = lw_vnew(V_MODULE, prelude->l);
    b->val->str = "random";
    vec_push(&pscope->binds, b);
    for (int i = 0; i < prelude->body.len; i++) {
        ast *d = VEC_AT(prelude->body, i, ast *);
        if (d->kind != A_DEF)
            continue;
        b = NEW(binding);
        b->name = d->name;
        b->kind = B_VALUE;
        b->val = lw_vnew(V_FUNC, d->l);
        b->val->def = d;
        b->val->defscope = pscope;
        vec_push(&pscope->binds, b);
    }
    return pscope;
}

/* Every location in a at l (messages from the prelude point at the user's call). */
static void stamp(ast *a, void *l)
{
    if (!a)
        return;
    a->l = *(loc *)l;
    ast_each_child(a, AST_ALL, stamp, l);
}

/* The prelude's function name called with the values v[0..n) (inlined). */
value *lw_call_prelude(lctx *c, loc l, const char *name, int n, value **v)
{
    for (int i = 0; i < n; i++)
        if (v[i]->kind == V_ERR)
            return &lw_ERRV;
    scope *ps = prelude_scope(c);
    binding *fb = lw_find_in(ps, name);
    stamp(prelude, &l); /* the helpers it calls too */
    /* the arguments are names of a scope of their own ("%0", ...: no Python name clashes) */
    scope *as = NEW(scope);
    as->parent = c->sc;
    ast *call = ast_new(A_CALL, l);
    call->a = ast_name(l, name);
    for (int i = 0; i < n; i++) {
        binding *b = NEW(binding);
        b->name = arena_printf(&util_arena, "%%%d", i);
        b->kind = B_VALUE;
        b->val = v[i];
        vec_push(&as->binds, b);
        vec_push(&call->args, ast_name(l, b->name));
    }
    scope *saved = c->sc;
    c->sc = as;
    c->prelude++;
    value *r = lw_call_value(c, fb->val, call);
    c->prelude--;
    c->sc = saved;
    return r;
}

static value *int_value(loc l, int64_t k) { return lw_scalar(l, lw_I64(l, k), 1); }
static value *dtype_value(loc l, ir_type t)
{
    value *d = lw_vnew(V_DTYPE, l);
    d->type = t;
    return d;
}

/* An int argument (a count or an offset), or NULL after a diagnostic. */
static value *int_arg(value *v, const char *f, const char *what)
{
    if (v->kind == V_ERR)
        return NULL;
    if (v->kind != V_SCALAR || ir_type_is_float(v->type) || v->type == T_BOOL) {
        diag_error(v->l, "%s(): %s must be an int, not %s", f, what, lw_vkind_desc(v));
        return NULL;
    }
    return v;
}
static int dtype_arg(value *v, const char *f, ir_type *t)
{
    *t = T_F64;
    if (!v || v->kind == V_NONE)
        return 1;
    if (lw_dtype_of(v, t))
        return 1;
    if (v->kind != V_ERR)
        diag_error(v->l, "%s(): dtype must be a NumPy dtype or float or int, not %s", f, lw_vkind_desc(v));
    return 0;
}

/* np.eye(N, M=None, k=0, dtype=float) */
static value *np_eye(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *n = int_arg(v[0], f, "N");
    value *m = v[1] && v[1]->kind != V_NONE ? int_arg(v[1], f, "M") : n;
    value *k = v[2] ? int_arg(v[2], f, "k") : int_value(l, 0);
    ir_type t;
    if (!n || !m || !k || !dtype_arg(v[3], f, &t))
        return &lw_ERRV;
    value *args[] = {n, m, k, dtype_value(l, t)};
    return lw_call_prelude(c, l, "eye", 4, args);
}
/* np.identity(n, dtype=float) */
static value *np_identity(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *n = int_arg(v[0], f, "n");
    ir_type t;
    if (!n || !dtype_arg(v[1], f, &t))
        return &lw_ERRV;
    value *args[] = {n, n, int_value(l, 0), dtype_value(l, t)};
    return lw_call_prelude(c, l, "eye", 4, args);
}
/* np.diag(v, k=0): a 1-D array on a diagonal of a square matrix, or a matrix's diagonal */
static value *np_diag(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *k = v[1] ? int_arg(v[1], f, "k") : int_value(l, 0);
    if (v[0]->kind == V_TUPLE) /* np.diag([R[0, 0], R[1, 1], 100.0]): NumPy's array of the list */
        v[0] = lw_seq_operand(c, v[0], arena_printf(&util_arena, "%s()", f));
    if (!k || v[0]->kind == V_ERR)
        return &lw_ERRV;
    if (v[0]->kind != V_ARRAY || v[0]->rank > 2) {
        diag_error(v[0]->l, "Input must be 1- or 2-d. (np.diag() of %s)",
                   v[0]->kind == V_ARRAY ? arena_printf(&util_arena, "a %d-D array", v[0]->rank) : lw_vkind_desc(v[0]));
        return &lw_ERRV;
    }
    value *args[] = {v[0], k};
    return lw_call_prelude(c, l, v[0]->rank == 1 ? "diag_make" : "diag_take", 2, args);
}

static int supported_matrix(value *v, const char *what)
{
    if (v->kind == V_ERR)
        return 0;
    if (v->kind != V_ARRAY || v->rank < 1 || v->rank > 2) {
        diag_error(v->l, "%s of %s is not supported (1-D and 2-D arrays are)", what,
                   v->kind == V_ARRAY ? arena_printf(&util_arena, "a %d-D array", v->rank) : lw_vkind_desc(v));
        return 0;
    }
    if (v->type == T_BOOL) {
        diag_error(v->l, "%s of boolean arrays is not supported", what);
        return 0;
    }
    return 1;
}

static const char *extent_str(value *v, int d)
{
    int64_t k;
    return ir_expr_const_int(v->len[d], &k) ? arena_printf(&util_arena, "%lld", (long long)k) : sym_str(v->sh[d]);
}
static const char *shape_str(value *v)
{
    strbuf b = {0};
    sb_printf(&b, "(");
    for (int d = 0; d < v->rank; d++)
        sb_printf(&b, "%s%s", d ? "," : "", extent_str(v, d));
    sb_printf(&b, v->rank == 1 ? ",)" : ")");
    const char *s = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    return s;
}

/* A @ x, x @ A, A @ B (np.dot, np.matmul, a.dot(b) alike) with a 2-D operand. */
value *lw_matmul(lctx *c, loc l, const char *f, value *a, value *b)
{
    int dot = strcmp(f, "@") != 0 && strcmp(f, "np.matmul") != 0;
    const char *what = dot ? arena_printf(&util_arena, "%s()", f) : "'@'";
    if (!supported_matrix(a, what) || !supported_matrix(b, what))
        return &lw_ERRV;
    /* the extents that must agree, when both are known */
    int da = a->rank - 1, db = 0;
    if (lw_sym_cmp(a->sh[da], b->sh[db]) == 0) {
        const char *ka = extent_str(a, da), *kb = extent_str(b, db);
        if (dot)
            diag_error(l, "shapes %s and %s not aligned: %s (dim %d) != %s (dim %d)", shape_str(a),
                       shape_str(b), ka, da, kb, db);
        else
            diag_error(l, "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc "
                          "signature (n?,k),(k,m?)->(n?,m?) (size %s is different from %s)", kb, ka);
        return &lw_ERRV;
    }
    ir_type t = lw_promote2(a->type, b->type);
    value *args[] = {a, b, dtype_value(l, t), lw_scalar(l, ir_const_i(l, T_BOOL, dot), 1)};
    return lw_call_prelude(c, l, a->rank == 2 && b->rank == 2 ? "matmat" : a->rank == 2 ? "matvec" : "vecmat", 4, args);
}

/* a @ b with a stack of matrices (3-D or 4-D) times a matrix, a matrix times a stack (3-D), or
 * two stacks (3-D, the extents of the stack equal or 1: NumPy's broadcast): a matrix product
 * for each matrix of the stack, as doitgen's A.reshape(NR, NQ, 1, NP) @ C4 and batched
 * products write it. */
value *lw_matmul_stacked(lctx *c, loc l, const char *f, value *a, value *b)
{
    const char *fn = a->rank == 3 && b->rank == 2   ? "stack3_mat"
                     : a->rank == 4 && b->rank == 2 ? "stack4_mat"
                     : a->rank == 2 && b->rank == 3 ? "mat_stack3"
                     : a->rank == 3 && b->rank == 3 ? "stack3_stack3"
                                                    : NULL;
    const char *what = strcmp(f, "@") == 0 ? "'@'" : arena_printf(&util_arena, "%s()", f);
    if (!fn) {
        diag_error(l, "%s of a %d-D and a %d-D array is not supported (stacks of matrices: a 3-D or "
                      "4-D array times a 2-D one, 2-D times 3-D, and 3-D times 3-D are)", what,
                   a->rank, b->rank);
        return &lw_ERRV;
    }
    if (a->type == T_BOOL || b->type == T_BOOL) {
        diag_error(a->type == T_BOOL ? a->l : b->l, "%s of boolean arrays is not supported", what);
        return &lw_ERRV;
    }
    int da = a->rank - 1, db = b->rank - 2;
    if (lw_sym_cmp(a->sh[da], b->sh[db]) == 0) {
        diag_error(l, "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc "
                      "signature (n?,k),(k,m?)->(n?,m?) (size %s is different from %s)",
                   extent_str(b, db), extent_str(a, da));
        return &lw_ERRV;
    }
    value *args[] = {a, b, dtype_value(l, lw_promote2(a->type, b->type))};
    return lw_call_prelude(c, l, fn, 3, args);
}

/* np.linalg.solve(a, b), b 1-D or 2-D */
static value *np_solve(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    (void)f;
    value *m = v[0], *r = v[1];
    if (m->kind == V_ERR || r->kind == V_ERR)
        return &lw_ERRV;
    if (m->kind != V_ARRAY || m->rank != 2) {
        diag_error(m->l, "np.linalg.solve() of %s is not supported (a 2-D matrix is)",
                   m->kind == V_ARRAY ? arena_printf(&util_arena, "a %d-D array", m->rank) : lw_vkind_desc(m));
        return &lw_ERRV;
    }
    if (r->kind != V_ARRAY || r->rank > 2) {
        diag_error(r->l, "np.linalg.solve(): b must be a 1-D or 2-D array here, not %s",
                   r->kind == V_ARRAY ? arena_printf(&util_arena, "a %d-D array", r->rank) : lw_vkind_desc(r));
        return &lw_ERRV;
    }
    if (m->type == T_F32 || r->type == T_F32 || m->type == T_BOOL || r->type == T_BOOL) {
        diag_error(l, "np.linalg.solve() of %s arrays is not supported (float64 and integer arrays are)",
                   m->type == T_BOOL || r->type == T_BOOL ? "boolean" : "float32");
        return &lw_ERRV;
    }
    int one = r->rank == 1;
    value *args[] = {m, r};
    return lw_call_prelude(c, l, one ? "solve1" : "solve2", 2, args);
}
/* Is m a 2-D float64 or integer matrix, what name() factors or inverts? Else the message. */
static int f64_matrix_arg(value *m, const char *name)
{
    if (m->kind == V_ERR)
        return 0;
    if (m->kind != V_ARRAY || m->rank != 2 || m->type == T_F32 || m->type == T_BOOL) {
        diag_error(m->l, "%s() of %s is not supported (a 2-D float64 or integer matrix is)", name,
                   m->kind == V_ARRAY ? arena_printf(&util_arena, "a %d-D %s array", m->rank, ir_type_name(m->type))
                                      : lw_vkind_desc(m));
        return 0;
    }
    return 1;
}

/* np.linalg.cholesky(a): the lower factor L (a L L^T = a), from a's lower triangle as LAPACK's
 * potrf with uplo 'L' reads it; a pivot <= 0 is NumPy's LinAlgError when running (a NaN pivot
 * goes on and gives NaN, as NumPy's OpenBLAS does) */
static value *np_cholesky(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    (void)f;
    value *m = v[0];
    if (m->kind == V_ERR)
        return &lw_ERRV;
    int64_t up = 0;
    if (v[1] && !(v[1]->kind == V_SCALAR && ir_expr_const_int(ir_cast(l, T_I64, v[1]->e), &up) && !up)) {
        diag_error(v[1]->l, "np.linalg.cholesky(): upper=True is not supported (the lower factor's .T is "
                            "the upper one)");
        return &lw_ERRV;
    }
    if (!f64_matrix_arg(m, "np.linalg.cholesky"))
        return &lw_ERRV;
    if (lw_sym_cmp(m->sh[0], m->sh[1]) == 0) {
        diag_error(m->l, "numpy.linalg.LinAlgError: Last 2 dimensions of the array must be square");
        return &lw_ERRV;
    }
    return lw_call_prelude(c, l, "cholesky", 1, &m);
}
/* np.cov(m, rowvar=True, bias=False, ddof=None) of a 2-D array, as NumPy computes it: the
 * variables' means (float64) taken off, X @ X.T (a product: BLAS's order in NumPy, a test says
 * # tolerance) times 1 / (n - ddof), the reciprocal 0 giving inf as NumPy's does after its
 * warning; a 1-D m, y= and weights are refused */
/* np.corrcoef(x, rowvar=True) as NumPy computes it: cov's matrix divided by the standard
 * deviations (the square roots of its diagonal) along the rows, then the columns, and clipped
 * to [-1, 1] */
static value *np_cov(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    int corr = strcmp(f, "np.corrcoef") == 0;
    value *m = v[0];
    if (m->kind == V_ERR)
        return &lw_ERRV;
    if (m->kind != V_ARRAY || m->rank != 2 || m->type == T_BOOL) {
        diag_error(m->l, "%s() is supported for a 2-D numeric array (one variable per row)", f);
        return &lw_ERRV;
    }
    if (v[1] && v[1]->kind != V_NONE) {
        diag_error(v[1]->l, "%s(): y= is not supported; stack the variables into one array", f);
        return &lw_ERRV;
    }
    if (corr) {
        int64_t rowvar = 1;
        if (v[2] && (v[2]->kind != V_SCALAR || ir_type_is_float(v[2]->type) ||
                     !ir_expr_const_int(ir_cast(l, T_I64, v[2]->e), &rowvar))) {
            diag_error(v[2]->l, "np.corrcoef(): rowvar must be known when compiling");
            return &lw_ERRV;
        }
        value *x = rowvar ? m : lw_transpose(c, l, m);
        return lw_call_prelude(c, l, "corrcoef", 1, &x);
    }
    int64_t rowvar = 1, bias = 0, ddof = -1;
    for (int k = 2; k <= 4; k++) {
        int64_t *dst = k == 2 ? &rowvar : k == 3 ? &bias : &ddof;
        if (!v[k] || (k == 4 && v[k]->kind == V_NONE))
            continue;
        if (v[k]->kind != V_SCALAR || ir_type_is_float(v[k]->type) ||
            !ir_expr_const_int(ir_cast(l, T_I64, v[k]->e), dst)) {
            diag_error(v[k]->l, "np.cov(): %s must be known when compiling", k == 2 ? "rowvar" : k == 3 ? "bias" : "ddof");
            return &lw_ERRV;
        }
    }
    if (ddof < 0)
        ddof = bias ? 0 : 1;
    value *args[] = {rowvar ? m : lw_transpose(c, l, m), int_value(l, ddof)};
    return lw_call_prelude(c, l, "cov", 2, args);
}
/* np.linalg.inv(a): solve(a, I) */
static value *np_inv(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    (void)f;
    value *m = v[0];
    if (!f64_matrix_arg(m, "np.linalg.inv"))
        return &lw_ERRV;
    value *n = lw_scalar(l, m->len[0], 1);
    n->s = m->sh[0];
    value *ea[] = {n, n, int_value(l, 0), dtype_value(l, T_F64)};
    value *id = lw_call_prelude(c, l, "eye", 4, ea);
    value *sa[] = {m, id};
    return lw_call_prelude(c, l, "solve2", 2, sa);
}

/* np.linalg.det(a) as NumPy computes it: LU with partial pivoting (getrf's first largest
 * pivot), then sign * exp(sum of log |u_kk|) (umath_linalg's det from slogdet); a zero pivot
 * column gives 0.0. Within rounding of LAPACK's LU (tests say `# tolerance:`). */
static value *np_det(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    (void)f;
    int64_t m0, m1;
    if (!f64_matrix_arg(v[0], "np.linalg.det"))
        return &lw_ERRV;
    if (sym_is_const(v[0]->sh[0], &m0) && sym_is_const(v[0]->sh[1], &m1) && m0 != m1) {
        diag_error(v[0]->l, "numpy.linalg.LinAlgError: Last 2 dimensions of the array must be square");
        return &lw_ERRV;
    }
    return lw_call_prelude(c, l, "det", 1, v);
}

/* np.linalg.matrix_power(a, n) for an n known when compiling, NumPy's products: n = 0 the
 * identity of a's dtype, n < 0 of inv(a), 1 a itself (NumPy returns the same array), 2 and 3
 * a @ a (@ a), else its binary decomposition (z squared, result @ z for each set bit). */
static value *np_matrix_power(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *m = v[0];
    int64_t n;
    if (m->kind == V_ERR || v[1]->kind == V_ERR)
        return &lw_ERRV;
    if (m->kind != V_ARRAY || m->rank != 2 || lw_is_complex(m) || m->type == T_BOOL) {
        diag_error(m->l, "%s() of %s is not supported (a 2-D real matrix is)", f,
                   m->kind == V_ARRAY ? arena_printf(&util_arena, "a %d-D %s array", m->rank, ir_type_name(m->type))
                                      : lw_vkind_desc(m));
        return &lw_ERRV;
    }
    if (v[1]->kind != V_SCALAR || ir_type_is_float(v[1]->type) || !ir_expr_const_int(v[1]->e, &n)) {
        if (v[1]->kind == V_SCALAR && ir_type_is_float(v[1]->type))
            diag_error(v[1]->l, "TypeError: exponent must be an integer");
        else
            diag_error(v[1]->l, "%s(): the exponent must be an int known when compiling here", f);
        return &lw_ERRV;
    }
    int64_t m0, m1;
    if (sym_is_const(m->sh[0], &m0) && sym_is_const(m->sh[1], &m1) && m0 != m1) {
        diag_error(m->l, "numpy.linalg.LinAlgError: Last 2 dimensions of the array must be square");
        return &lw_ERRV;
    }
    lw_emit_raise(c, l, ir_bin(l, OP_CNE, T_BOOL, m->len[0], m->len[1], 0),
                  "numpy.linalg.LinAlgError: Last 2 dimensions of the array must be square");
    if (n == 0) {
        value *k = lw_scalar(l, m->len[0], 1);
        k->s = m->sh[0];
        value *ea[] = {k, k, int_value(l, 0), dtype_value(l, m->type)};
        return lw_call_prelude(c, l, "eye", 4, ea);
    }
    if (n < 0) {
        if (!f64_matrix_arg(m, "np.linalg.matrix_power() of a negative power: np.linalg.inv"))
            return &lw_ERRV;
        m = np_inv(c, l, "np.linalg.inv", &m, NULL);
        if (m->kind == V_ERR)
            return m;
        n = -n;
    }
    if (n == 1)
        return m;
    if (n <= 3) {
        value *r = lw_matmul(c, l, "np.matmul", m, m);
        return n == 2 || r->kind == V_ERR ? r : lw_matmul(c, l, "np.matmul", r, m);
    }
    value *z = NULL, *result = NULL;
    while (n > 0) {
        z = z ? lw_matmul(c, l, "np.matmul", z, z) : m;
        if (z->kind == V_ERR)
            return z;
        if (n % 2)
            result = result ? lw_matmul(c, l, "np.matmul", result, z) : z;
        if (result && result->kind == V_ERR)
            return result;
        n /= 2;
    }
    return result;
}

static int matrix_arg(value *v, const char *f)
{
    if (v->kind == V_ERR)
        return 0;
    if (v->kind != V_ARRAY || v->rank != 2) {
        diag_error(v->l, "%s() of %s is not supported (a 2-D array is)", f,
                   v->kind == V_ARRAY ? arena_printf(&util_arena, "a %d-D array", v->rank) : lw_vkind_desc(v));
        return 0;
    }
    return 1;
}

/* np.fill_diagonal(a, val): in place, val a scalar */
static value *np_fill_diagonal(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    if (!matrix_arg(v[0], f) || v[1]->kind == V_ERR)
        return &lw_ERRV;
    if (v[0]->e->kind != E_READ || v[0]->fresh) {
        diag_error(v[0]->l, "np.fill_diagonal() changes an array in place: pass a named array");
        return &lw_ERRV;
    }
    if (v[1]->kind != V_SCALAR) {
        diag_error(v[1]->l, "np.fill_diagonal(): val must be a number here, not %s", lw_vkind_desc(v[1]));
        return &lw_ERRV;
    }
    if (v[2] && v[2]->kind != V_ERR) {
        int64_t w;
        if (v[2]->kind != V_SCALAR || !ir_expr_const_int(v[2]->e, &w) || w) {
            diag_error(v[2]->l, "np.fill_diagonal(): wrap=True is not supported");
            return &lw_ERRV;
        }
    }
    value *args[] = {v[0], v[1]};
    return lw_call_prelude(c, l, "fill_diagonal", 2, args);
}

/* np.trace(a, offset=0) and a.trace(offset=0): the diagonal's sum (NumPy's pairwise sum of it) */
static value *trace_of(lctx *c, loc l, const char *f, value *m, value *k)
{
    if (!matrix_arg(m, f) || !(k = k ? int_arg(k, f, "offset") : int_value(l, 0)))
        return &lw_ERRV;
    ir_type t = ir_type_is_float(m->type) ? m->type : ir_type_is_unsigned(m->type) ? T_U64 : T_I64;
    value *args[] = {m, k, dtype_value(l, t)};
    return lw_call_prelude(c, l, "trace", 3, args);
}
static value *np_trace(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    return trace_of(c, l, f, v[0], v[1]);
}
static value *m_trace(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f;
    return trace_of(c, l, "trace", a->self, v[0]);
}

/* np.tril(m, k=0), np.triu(m, k=0) of a 2-D array: a sweep, exact */
static value *np_tri(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *k = v[1] ? int_arg(v[1], f, "k") : int_value(l, 0);
    if (!matrix_arg(v[0], f) || !k)
        return &lw_ERRV;
    value *args[] = {v[0], k, lw_scalar(l, ir_const_i(l, T_BOOL, strcmp(f, "np.tril") == 0), 1)};
    return lw_call_prelude(c, l, "tri", 3, args);
}

/* np.kron(a, b) of two 1-D or two 2-D arrays */
static value *np_kron(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    for (int i = 0; i < 2; i++) {
        if (v[i]->kind == V_ERR)
            return &lw_ERRV;
        if (v[i]->kind != V_ARRAY || v[i]->rank != v[0]->rank || v[i]->rank > 2 || v[i]->type == T_BOOL) {
            diag_error(l, "%s() is supported for two 1-D or two 2-D numeric arrays", f);
            return &lw_ERRV;
        }
    }
    value *args[] = {v[0], v[1], dtype_value(l, lw_promote2(v[0]->type, v[1]->type))};
    return lw_call_prelude(c, l, v[0]->rank == 2 ? "kron" : "kron1", 3, args);
}

/* np.triu_indices(n, k=0, m=None), np.tril_indices, and their _from(arr, k=0) forms: the row and
 * column indices of the triangle in row-major order (NumPy's nonzero of tri), as int64 arrays
 * whose length the program computes; used as A[iu] (a gather) or A[iu] = ... (a scatter) */
static value *np_tri_indices(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    int upper = strncmp(f, "np.triu", 7) == 0, from = strstr(f, "_from") != NULL;
    value *n, *m, *k = v[1] ? v[1] : int_value(l, 0);
    if (from) {
        value *x = v[0];
        if (x->kind == V_ERR)
            return &lw_ERRV;
        if (x->kind != V_ARRAY || x->rank != 2) {
            diag_error(x->l, "%s(): input array must be 2-d", f);
            return &lw_ERRV;
        }
        n = lw_scalar(l, x->len[0], 1);
        m = lw_scalar(l, x->len[1], 1);
    } else {
        n = v[0];
        m = v[2] && v[2]->kind != V_NONE ? v[2] : v[0];
    }
    value *ints[] = {n, k, m};
    const char *names[] = {"n", "k", "m"};
    for (int i = 0; i < 3; i++) {
        if (ints[i]->kind == V_ERR)
            return &lw_ERRV;
        if (!lw_is_int_scalar(ints[i])) {
            diag_error(ints[i]->l, "%s(): %s must be an int, not %s", f, names[i], lw_vkind_desc(ints[i]));
            return &lw_ERRV;
        }
    }
    value *args[] = {n, k, m, lw_scalar(l, ir_const_i(l, T_BOOL, upper), 1)};
    return lw_call_prelude(c, l, "tri_indices", 4, args);
}

/* np.diag_indices(n, ndim=2) and np.diag_indices_from(arr): ndim copies of np.arange(n), the
 * indices of the main diagonal (M[np.diag_indices(n)] = 1.0 - M.sum(axis=1) sets it as
 * np.fill_diagonal does, but to an array of values); _from takes n from arr, whose extents
 * must all be equal (NumPy's ValueError, when running where they are not known). */
static value *np_diag_indices(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *n = v[0];
    int64_t nd = 2;
    const int from = strstr(f, "_from") != NULL; /* its table row has one parameter: no v[1] */
    if (n->kind == V_ERR || (!from && v[1] && v[1]->kind == V_ERR))
        return &lw_ERRV;
    if (from) {
        value *x = v[0];
        if (x->kind != V_ARRAY || x->rank < 2) {
            diag_error(x->l, "%s(): input array must be at least 2-d", f);
            return &lw_ERRV;
        }
        for (int d = 1; d < x->rank; d++) {
            ir_expr *ne = ir_bin(l, OP_CNE, T_BOOL, x->len[d], x->len[0], 0);
            int64_t k;
            if (ir_expr_const_int(ne, &k) && k) {
                diag_error(x->l, "%s(): All dimensions of input must be of equal length", f);
                return &lw_ERRV;
            }
            lw_emit_raise(c, l, ne, "ValueError: All dimensions of input must be of equal length");
        }
        n = lw_scalar(l, x->len[0], 1);
        n->s = x->sh[0];
        nd = x->rank;
    } else if (!lw_is_int_scalar(n)) {
        diag_error(n->l, "%s(): n must be an int, not %s", f, lw_vkind_desc(n));
        return &lw_ERRV;
    } else if (v[1] && (v[1]->kind != V_SCALAR || !ir_expr_const_int(v[1]->e, &nd) || nd < 1 || nd > IR_MAX_RANK)) {
        diag_error(v[1]->l, "%s(): ndim must be an int from 1 to %d known when compiling", f, IR_MAX_RANK);
        return &lw_ERRV;
    }
    args ra = {0};
    ra.npos = 1;
    ra.pos = NEWN(value *, 1);
    ra.pos[0] = n;
    value *idx = lw_arange(c, l, &ra);
    if (idx->kind == V_ERR)
        return idx;
    value *t = lw_vnew(V_TUPLE, l);
    t->n = (int)nd;
    t->items = NEWN(value *, nd + 1);
    for (int i = 0; i < nd; i++) /* a copy each: a name bound to the tuple takes its items over */
        t->items[i] = lw_copy_of(c, l, idx);
    return t;
}

/* np.convolve(a, v, mode='full'|'same'|'valid') of 1-D arrays: each output a sum in order
 * (NumPy's dot products may add in another order: within rounding). np.correlate(a, v,
 * mode='valid') is convolve(a, v[::-1]), but for 'same' with a shorter than v, where NumPy's
 * window starts len(a) // 2 into the full result. */
static value *np_convolve(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    int corr = strcmp(f, "np.correlate") == 0;
    for (int i = 0; i < 2; i++) {
        if (v[i]->kind == V_TUPLE && !v[i]->keys && !v[i]->cplx) /* a kernel [0.25, 0.5, 0.25]: np.asarray */
            v[i] = lw_seq_operand(c, v[i], arena_printf(&util_arena, "%s()", f));
        if (v[i]->kind == V_ERR)
            return &lw_ERRV;
        if (v[i]->kind != V_ARRAY || v[i]->rank != 1 || v[i]->type == T_BOOL) {
            diag_error(v[i]->l, "%s() takes 1-D numeric arrays here, not %s", f,
                       v[i]->kind == V_ARRAY ? arena_printf(&util_arena, "a %d-D array", v[i]->rank) : lw_vkind_desc(v[i]));
            return &lw_ERRV;
        }
    }
    int mode = corr ? 2 : 0;
    if (v[2] && v[2]->kind != V_ERR) {
        const char *ms = v[2]->kind == V_STR ? v[2]->str : "";
        mode = !strcmp(ms, "full") ? 0 : !strcmp(ms, "same") ? 1 : !strcmp(ms, "valid") ? 2 : -1;
        if (mode < 0) {
            diag_error(v[2]->l, "%s(): mode must be 'full', 'same' or 'valid' (a string known when compiling)", f);
            return &lw_ERRV;
        }
    }
    value *args[] = {v[0], v[1], int_value(l, mode), dtype_value(l, lw_promote2(v[0]->type, v[1]->type))};
    return lw_call_prelude(c, l, corr ? "correlate" : "convolve", 4, args);
}

static const lw_builtin np_table[] = {
    {"np.convolve", {"a", "v", "mode"}, 2, np_convolve},
    {"np.correlate", {"a", "v", "mode"}, 2, np_convolve},
    {"np.fill_diagonal", {"a", "val", "wrap"}, 2, np_fill_diagonal},
    {"np.trace", {"a", "offset"}, 1, np_trace},
    {"np.tril", {"m", "k"}, 1, np_tri},
    {"np.triu", {"m", "k"}, 1, np_tri},
    {"np.kron", {"a", "b"}, 2, np_kron},
    {"np.triu_indices", {"n", "k", "m"}, 1, np_tri_indices},
    {"np.tril_indices", {"n", "k", "m"}, 1, np_tri_indices},
    {"np.triu_indices_from", {"arr", "k"}, 1, np_tri_indices},
    {"np.tril_indices_from", {"arr", "k"}, 1, np_tri_indices},
    {"np.diag_indices", {"n", "ndim"}, 1, np_diag_indices},
    {"np.diag_indices_from", {"arr"}, 1, np_diag_indices},
    {"np.eye", {"N", "M", "k", "dtype"}, 1, np_eye},
    {"np.identity", {"n", "dtype"}, 1, np_identity},
    {"np.diag", {"v", "k"}, 1, np_diag},
    {"np.linalg.solve", {"a", "b"}, 2, np_solve},
    {"np.linalg.inv", {"a"}, 1, np_inv},
    {"np.linalg.det", {"a"}, 1, np_det},
    {"np.linalg.matrix_power", {"a", "n"}, 2, np_matrix_power},
    {"np.linalg.cholesky", {"a", "upper"}, 1, np_cholesky},
    {"np.cov", {"m", "y", "rowvar", "bias", "ddof"}, 1, np_cov},
    {"np.corrcoef", {"x", "y", "rowvar"}, 1, np_cov},
};
static const lw_builtin method_table[] = {
    {"trace", {"offset"}, 0, m_trace},
};
const lw_builtin *lw_linalg_find(const char *name, int method)
{
    if (method)
        return lw_builtin_find(method_table, sizeof method_table / sizeof *method_table, name);
    return lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, name);
}
