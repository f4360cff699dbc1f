/* lower_stats.c: np.histogram(a, bins, range=, density=, weights=) with a number of equal bins
 * or an array of bin edges (counts and density: each value's bin by bisection of the edges),
 * as binned statistics (azimuthal integration, distributions of a field) write it, and
 * np.bincount(x, weights=, minlength=) as particle-in-cell codes deposit charge with it.
 *
 * The function is written in Python in the prelude (lower_linalg.c parses this file's source
 * with its own) and follows NumPy's algorithm for equal bins step by step (its checks in its
 * order; the range is the data's minimum and maximum, 0 to 1 for no data, or the one given):
 * the edges are np.linspace(first, last, bins + 1); a value's bin is ((x - first) / (last - first)) * bins
 * truncated, the last edge's values in the last bin, then moved by one where the edges say
 * the quotient rounded across one; values outside the range are dropped; counts are int64
 * and weights are added in the order of the data by blocks of 65536 values, each block's sums
 * added to the histogram, as NumPy's np.bincount over blocks does. So counts, weighted sums
 * and edges are bitwise NumPy's; density=True divides by the total (exact for counts, a sum
 * of floats within rounding for weights).
 *
 * The same prelude sorts (np.sort, np.argsort, a.sort(), sorted(); 2-D arrays row by row or
 * column by column), takes order statistics (np.median, also along an axis of 2-D and 3-D
 * arrays; np.percentile, np.quantile), distinct values (np.unique) and the items a mask of an
 * array's shape selects (select_flat), each a new array every rank holds whole.
 *
 * Requires: the data are 1-D float64 or integer values (float32 edges would be float32 in
 * NumPy), weights float64 of the same length. Establishes: the result is a tuple (hist, edges)
 * of new arrays; every other form is a located diagnostic. */

#include "lower_internal.h"

#include <string.h>

const char lw_stats_prelude_src[] =
    "def cross3(a, b):\n"
    "    r = a * b\n"
    "    r[..., 0] = a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1]\n"
    "    r[..., 1] = a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2]\n"
    "    r[..., 2] = a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]\n"
    "    return r\n"
    "\n"
    "\n"
    "def cross2(a, b):\n"
    "    return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]\n"
    "\n"
    "\n"
    "def polyval1(p, x, y):\n"
    "    for i in range(p.shape[0]):\n"
    "        y = y * x + p[i]\n"
    "    return y\n"
    "\n"
    "\n"
    "def hist_edges(a, lo, hi, bins, auto):\n"
    "    if bins < 1:\n"
    "        raise ValueError(\"`bins` must be positive, when an integer\")\n"
    "    if auto:\n"
    "        lo = 0.0\n"
    "        hi = 1.0\n"
    "        if a.shape[0] > 0:\n"
    "            lo = float(np.min(a))\n"
    "            hi = float(np.max(a))\n"
    "            if not (np.isfinite(lo) and np.isfinite(hi)):\n"
    "                raise ValueError(f\"autodetected range of [{lo}, {hi}] is not finite\")\n"
    "    else:\n"
    "        if lo > hi:\n"
    "            raise ValueError(\"max must be larger than min in range parameter.\")\n"
    "        if not (np.isfinite(lo) and np.isfinite(hi)):\n"
    "            raise ValueError(f\"supplied range of [{lo}, {hi}] is not finite\")\n"
    "    if lo == hi:\n"
    "        lo = lo - 0.5\n"
    "        hi = hi + 0.5\n"
    "    edges = np.linspace(lo, hi, bins + 1)\n"
    "    if np.any(edges[:-1] >= edges[1:]):\n"
    "        raise ValueError(f\"Too many bins for data range. Cannot create {bins} finite-sized bins.\")\n"
    "    return lo, hi, edges\n"
    "\n"
    "\n"
    "def hist_bin(x, lo, hi, bins, edges):\n"
    "    k = -1\n"
    "    if x >= lo and x <= hi:\n"
    "        k = int((x - lo) / (hi - lo) * bins)\n"
    "        if k == bins:\n"
    "            k -= 1\n"
    "        if x < edges[k]:\n"
    "            k -= 1\n"
    "        if x >= edges[k + 1] and k != bins - 1:\n"
    "            k += 1\n"
    "    return k\n"
    "\n"
    "\n"
    "def histogram(a, bins, lo, hi, auto):\n"
    "    lo, hi, edges = hist_edges(a, lo, hi, bins, auto)\n"
    "    hist = np.zeros(bins, dtype=np.int64)\n"
    "    for i in range(a.shape[0]):\n"
    "        k = hist_bin(float(a[i]), lo, hi, bins, edges)\n"
    "        if k >= 0:\n"
    "            hist[k] += 1\n"
    "    return hist, edges\n"
    "\n"
    "\n"
    "def histogram_w(a, bins, lo, hi, auto, w):\n"
    "    lo, hi, edges = hist_edges(a, lo, hi, bins, auto)\n"
    "    n = a.shape[0]\n"
    "    if w.shape[0] != n:\n"
    "        raise ValueError(\"weights should have the same shape as a.\")\n"
    "    hist = np.zeros(bins)\n"
    "    part = np.zeros(bins)\n"
    "    for s in range(0, n, 65536):\n"
    "        part[:] = 0.0\n"
    "        for i in range(s, min(n, s + 65536)):\n"
    "            k = hist_bin(float(a[i]), lo, hi, bins, edges)\n"
    "            if k >= 0:\n"
    "                part[k] += w[i]\n"
    "        hist += part\n"
    "    return hist, edges\n"
    "\n"
    "\n"
    "def histogram_e(a, edges):\n"
    "    if np.any(edges[:-1] > edges[1:]):\n"
    "        raise ValueError(\"`bins` must increase monotonically, when an array\")\n"
    "    nb = edges.shape[0] - 1\n"
    "    hist = np.zeros(nb, dtype=np.int64)\n"
    "    for i in range(a.shape[0]):\n"
    "        x = a[i]\n"
    "        if nb > 0 and x >= edges[0] and x <= edges[nb]:\n"
    "            lo = 0\n"
    "            hi = nb\n"
    "            while hi - lo > 1:\n"
    "                mid = (lo + hi) // 2\n"
    "                if x < edges[mid]:\n"
    "                    hi = mid\n"
    "                else:\n"
    "                    lo = mid\n"
    "            hist[lo] += 1\n"
    "    return hist, edges\n"
    "\n"
    "\n"
    "def histogram_e_density(a, edges):\n"
    "    hist, edges = histogram_e(a, edges)\n"
    "    return hist / np.diff(edges).astype(np.float64) / hist.sum(), edges\n"
    "\n"
    "\n"
    "def hist2d_edges(a, n, axis):\n"
    "    if n < 1:\n"
    "        raise ValueError(f\"`bins[{axis}]` must be positive, when an integer\")\n"
    "    lo = 0.0\n"
    "    hi = 1.0\n"
    "    if a.shape[0] > 0:\n"
    "        lo = float(np.min(a))\n"
    "        hi = float(np.max(a))\n"
    "        if not (np.isfinite(lo) and np.isfinite(hi)):\n"
    "            raise ValueError(f\"autodetected range of [{lo}, {hi}] is not finite\")\n"
    "    if lo == hi:\n"
    "        lo = lo - 0.5\n"
    "        hi = hi + 0.5\n"
    "    return np.linspace(lo, hi, n + 1)\n"
    "\n"
    "\n"
    "def histogram2d(x, y, nx, ny):\n"
    "    if x.shape[0] != y.shape[0]:\n"
    "        raise ValueError(\"x and y must have the same length.\")\n"
    "    ex = hist2d_edges(x, nx, 0)\n"
    "    ey = hist2d_edges(y, ny, 1)\n"
    "    H = np.zeros((nx, ny))\n"
    "    for k in range(x.shape[0]):\n"
    "        i = searchsorted_s(ex, x[k], True)\n"
    "        if x[k] == ex[nx]:\n"
    "            i -= 1\n"
    "        j = searchsorted_s(ey, y[k], True)\n"
    "        if y[k] == ey[ny]:\n"
    "            j -= 1\n"
    "        if i >= 1 and i <= nx and j >= 1 and j <= ny:\n"
    "            H[i - 1, j - 1] += 1.0\n"
    "    return H, ex, ey\n"
    "\n"
    "\n"
    "def histogram_density(a, bins, lo, hi, auto):\n"
    "    hist, edges = histogram(a, bins, lo, hi, auto)\n"
    "    return hist / np.diff(edges) / hist.sum(), edges\n"
    "\n"
    "\n"
    "def histogram_w_density(a, bins, lo, hi, auto, w):\n"
    "    hist, edges = histogram_w(a, bins, lo, hi, auto, w)\n"
    "    return hist / np.diff(edges) / hist.sum(), edges\n"
    "\n"
    "\n"
    "def sort1(a):\n"
    "    return take_sorted_desc(a, False)\n"
    "\n"
    "\n"
    "def csum_leaf(a, b, lo, n):\n"
    "    rr = -0.0\n"
    "    ri = -0.0\n"
    "    if n < 8:\n"
    "        for k in range(lo, lo + n // 2):\n"
    "            rr += a[k]\n"
    "            ri += b[k]\n"
    "    else:\n"
    "        r0 = a[lo]\n"
    "        r1 = b[lo]\n"
    "        r2 = a[lo + 1]\n"
    "        r3 = b[lo + 1]\n"
    "        r4 = a[lo + 2]\n"
    "        r5 = b[lo + 2]\n"
    "        r6 = a[lo + 3]\n"
    "        r7 = b[lo + 3]\n"
    "        i = 8\n"
    "        while i < n - n % 8:\n"
    "            k = lo + i // 2\n"
    "            r0 += a[k]\n"
    "            r1 += b[k]\n"
    "            r2 += a[k + 1]\n"
    "            r3 += b[k + 1]\n"
    "            r4 += a[k + 2]\n"
    "            r5 += b[k + 2]\n"
    "            r6 += a[k + 3]\n"
    "            r7 += b[k + 3]\n"
    "            i += 8\n"
    "        rr = (r0 + r2) + (r4 + r6)\n"
    "        ri = (r1 + r3) + (r5 + r7)\n"
    "        while i < n:\n"
    "            k = lo + i // 2\n"
    "            rr += a[k]\n"
    "            ri += b[k]\n"
    "            i += 2\n"
    "    return rr, ri\n"
    "\n"
    "\n"
    "def csum(re, im):\n"
    "    a = re.flatten()\n"
    "    b = im.flatten()\n"
    "    slo = np.zeros(64, dtype=np.int64)\n"
    "    sn = np.zeros(64, dtype=np.int64)\n"
    "    sst = np.zeros(64, dtype=np.int64)\n"
    "    vr = np.zeros(64)\n"
    "    vi = np.zeros(64)\n"
    "    sn[0] = 2 * a.shape[0]\n"
    "    top = 1\n"
    "    vt = 0\n"
    "    while top > 0:\n"
    "        lo = int(slo[top - 1])\n"
    "        n = int(sn[top - 1])\n"
    "        st = int(sst[top - 1])\n"
    "        n2 = n // 2\n"
    "        n2 -= n2 % 8\n"
    "        if n <= 128:\n"
    "            rr, ri = csum_leaf(a, b, lo, n)\n"
    "            vr[vt] = rr\n"
    "            vi[vt] = ri\n"
    "            vt += 1\n"
    "            top -= 1\n"
    "        elif st == 0:\n"
    "            sst[top - 1] = 1\n"
    "            slo[top] = lo\n"
    "            sn[top] = n2\n"
    "            sst[top] = 0\n"
    "            top += 1\n"
    "        elif st == 1:\n"
    "            sst[top - 1] = 2\n"
    "            slo[top] = lo + n2 // 2\n"
    "            sn[top] = n - n2\n"
    "            sst[top] = 0\n"
    "            top += 1\n"
    "        else:\n"
    "            vr[vt - 2] = vr[vt - 2] + vr[vt - 1]\n"
    "            vi[vt - 2] = vi[vt - 2] + vi[vt - 1]\n"
    "            vt -= 1\n"
    "            top -= 1\n"
    "    return float(vr[0]), float(vi[0])\n"
    "\n"
    "\n"
    "def csum_rows(re, im):\n"
    "    m = re.shape[0]\n"
    "    outr = np.zeros(m)\n"
    "    outi = np.zeros(m)\n"
    "    for r in range(m):\n"
    "        sr, si = csum(re[r], im[r])\n"
    "        outr[r] = sr\n"
    "        outi[r] = si\n"
    "    return outr, outi\n"
    "\n"
    "\n"
    "def median1(a):\n"
    "    n = a.shape[0]\n"
    "    s = sort1(a)\n"
    "    m = np.nan\n"
    "    if n > 0:\n"
    "        h = n // 2\n"
    "        if n % 2 == 1:\n"
    "            m = float(s[h])\n"
    "        else:\n"
    "            m = (float(s[h - 1]) + float(s[h])) / 2.0\n"
    "        if np.isnan(s[n - 1]):\n"
    "            m = np.nan\n"
    "    return m\n"
    "\n"
    "\n"
    "def quantile1(a, q, what):\n"
    "    if not (q >= 0.0 and q <= 1.0):\n"
    "        raise ValueError(f\"{what} must be in the range [0, {100 if what == 'Percentiles' else 1}]\")\n"
    "    n = a.shape[0]\n"
    "    if n == 0:\n"
    "        raise IndexError(\"index -1 is out of bounds for axis 0 with size 0\")\n"
    "    s = sort1(a)\n"
    "    vi = (n - 1) * q\n"
    "    prev = np.floor(vi)\n"
    "    nxt = prev + 1\n"
    "    if vi >= n - 1:\n"
    "        prev = -1.0\n"
    "        nxt = -1.0\n"
    "    ip = int(prev) % n\n"
    "    iq = int(nxt) % n\n"
    "    gamma = vi - prev\n"
    "    x = s[ip]\n"
    "    y = s[iq]\n"
    "    d = y - x\n"
    "    r = x + d * gamma\n"
    "    if gamma >= 0.5:\n"
    "        r = y - d * (1 - gamma)\n"
    "    if np.isnan(s[n - 1]):\n"
    "        r = np.nan\n"
    "    return r\n"
    "\n"
    "\n"
    "def masked_item(sel, k, zero):\n"
    "    n = len(sel)\n"
    "    i = k\n"
    "    if i < 0:\n"
    "        i = i + n\n"
    "    if i < 0 or i >= n:\n"
    "        raise IndexError(f\"index {k} is out of bounds for axis 0 with size {n}\")\n"
    "    r = zero\n"
    "    j = 0\n"
    "    for v in sel:\n"
    "        if j == i:\n"
    "            r = v\n"
    "            break\n"
    "        j += 1\n"
    "    return r\n"
    "\n"
    "\n"
    "def prod1(a, one):\n"
    "    r = one\n"
    "    for i in range(a.shape[0]):\n"
    "        r = r * a[i]\n"
    "    return r\n"
    "\n"
    "\n"
    "def bincount_at(x, i, minlength):\n"
    "    k = int(x[i])\n"
    "    if k < 0:\n"
    "        raise ValueError(\"'list' argument must have no negative elements\")\n"
    "    if k >= minlength:\n"
    "        raise ValueError(f\"np.bincount: the value {k} needs more than minlength={minlength} bins (a length that depends on the data is not supported)\")\n"
    "    return k\n"
    "\n"
    "\n"
    "def bincount(x, minlength):\n"
    "    out = np.zeros(minlength, dtype=np.int64)\n"
    "    for i in range(x.shape[0]):\n"
    "        out[bincount_at(x, i, minlength)] += 1\n"
    "    return out\n"
    "\n"
    "\n"
    "def bincount_len(x):\n"
    "    m = 0\n"
    "    for i in range(x.shape[0]):\n"
    "        k = int(x[i])\n"
    "        if k < 0:\n"
    "            raise ValueError(\"'list' argument must have no negative elements\")\n"
    "        if k >= m:\n"
    "            m = k + 1\n"
    "    return m\n"
    "\n"
    "\n"
    "def bincount_auto(x):\n"
    "    return bincount(x, bincount_len(x))\n"
    "\n"
    "\n"
    "def bincount_w_auto(x, w):\n"
    "    return bincount_w(x, w, bincount_len(x))\n"
    "\n"
    "\n"
    "def bincount_w(x, w, minlength):\n"
    "    if w.shape[0] != x.shape[0]:\n"
    "        raise ValueError(\"The weights and list don't have the same length.\")\n"
    "    out = np.zeros(minlength)\n"
    "    for i in range(x.shape[0]):\n"
    "        out[bincount_at(x, i, minlength)] += float(w[i])\n"
    "    return out\n"
    "\n"
    "\n"
    "def argsort1(a, desc):\n"
    "    n = a.shape[0]\n"
    "    r = np.arange(n)\n"
    "    t = np.arange(n)\n"
    "    w = 1\n"
    "    while w < n:\n"
    "        lo = 0\n"
    "        while lo < n:\n"
    "            mid = min(lo + w, n)\n"
    "            hi = min(lo + 2 * w, n)\n"
    "            i = lo\n"
    "            j = mid\n"
    "            for k in range(lo, hi):\n"
    "                take_left = j >= hi\n"
    "                if not take_left and i < mid:\n"
    "                    x = a[r[i]]\n"
    "                    y = a[r[j]]\n"
    "                    if desc:\n"
    "                        take_left = not (y > x)\n"
    "                    else:\n"
    "                        take_left = not (y < x or (np.isnan(x) and not np.isnan(y)))\n"
    "                if take_left:\n"
    "                    t[k] = r[i]\n"
    "                    i += 1\n"
    "                else:\n"
    "                    t[k] = r[j]\n"
    "                    j += 1\n"
    "            lo += 2 * w\n"
    "        r[:] = t\n"
    "        w *= 2\n"
    "    return r\n"
    "\n"
    "\n"
    "def select_flat(a, m):\n"
    "    af = a.flatten()\n"
    "    mf = m.flatten()\n"
    "    k = 0\n"
    "    for i in range(af.shape[0]):\n"
    "        if mf[i]:\n"
    "            k += 1\n"
    "    r = np.empty(k, dtype=a.dtype)\n"
    "    j = 0\n"
    "    for i in range(af.shape[0]):\n"
    "        if mf[i]:\n"
    "            r[j] = af[i]\n"
    "            j += 1\n"
    "    return r\n"
    "\n"
    "\n"
    "def select_rows(a, m):\n"
    "    k = 0\n"
    "    for i in range(a.shape[0]):\n"
    "        if m[i]:\n"
    "            k += 1\n"
    "    r = np.empty((k, a.shape[1]), dtype=a.dtype)\n"
    "    j = 0\n"
    "    for i in range(a.shape[0]):\n"
    "        if m[i]:\n"
    "            r[j, :] = a[i, :]\n"
    "            j += 1\n"
    "    return r\n"
    "\n"
    "\n"
    "def median_rows(a):\n"
    "    r = np.empty(a.shape[0])\n"
    "    for i in range(a.shape[0]):\n"
    "        r[i] = median1(a[i, :])\n"
    "    return r\n"
    "\n"
    "\n"
    "def median_cols(a):\n"
    "    return median_rows(a.T)\n"
    "\n"
    "\n"
    "def median_last3(a):\n"
    "    r = np.empty((a.shape[0], a.shape[1]))\n"
    "    for i in range(a.shape[0]):\n"
    "        for j in range(a.shape[1]):\n"
    "            r[i, j] = median1(a[i, j, :])\n"
    "    return r\n"
    "\n"
    "\n"
    "def median_ax0_3(a):\n"
    "    return median_last3(np.transpose(a, (1, 2, 0)))\n"
    "\n"
    "\n"
    "def median_ax1_3(a):\n"
    "    return median_last3(np.transpose(a, (0, 2, 1)))\n"
    "\n"
    "\n"
    "def quantile_rows(a, q, what):\n"
    "    r = np.empty(a.shape[0])\n"
    "    for i in range(a.shape[0]):\n"
    "        r[i] = quantile1(a[i, :], q, what)\n"
    "    return r\n"
    "\n"
    "\n"
    "def quantile_cols(a, q, what):\n"
    "    return quantile_rows(a.T, q, what)\n"
    "\n"
    "\n"
    "def quantile_last3(a, q, what):\n"
    "    r = np.empty((a.shape[0], a.shape[1]))\n"
    "    for i in range(a.shape[0]):\n"
    "        for j in range(a.shape[1]):\n"
    "            r[i, j] = quantile1(a[i, j, :], q, what)\n"
    "    return r\n"
    "\n"
    "\n"
    "def quantile_ax0_3(a, q, what):\n"
    "    return quantile_last3(np.transpose(a, (1, 2, 0)), q, what)\n"
    "\n"
    "\n"
    "def quantile_ax1_3(a, q, what):\n"
    "    return quantile_last3(np.transpose(a, (0, 2, 1)), q, what)\n"
    "\n"
    "\n"
    "def sort_rows(a):\n"
    "    r = a.copy()\n"
    "    for i in range(a.shape[0]):\n"
    "        r[i, :] = sort1(a[i, :])\n"
    "    return r\n"
    "\n"
    "\n"
    "def sort_cols(a):\n"
    "    return sort_rows(a.T).T\n"
    "\n"
    "\n"
    "def argsort_rows(a, stable):\n"
    "    r = np.zeros((a.shape[0], a.shape[1]), dtype=np.int64)\n"
    "    for i in range(a.shape[0]):\n"
    "        if stable:\n"
    "            r[i, :] = argsort1(a[i, :], False)\n"
    "        else:\n"
    "            r[i, :] = argsort_untied(a[i, :])\n"
    "    return r\n"
    "\n"
    "\n"
    "def argsort_cols(a, stable):\n"
    "    return argsort_rows(a.T, stable).T\n"
    "\n"
    "\n"
    "def argsort_untied(a):\n"
    "    r = argsort1(a, False)\n"
    "    for i in range(1, a.shape[0]):\n"
    "        if a[r[i]] == a[r[i - 1]]:\n"
    "            raise ValueError(\"np.argsort(): the array holds equal values, which NumPy's default sort orders in a way tylesc cannot reproduce; pass kind='stable'\")\n"
    "    return r\n"
    "\n"
    "\n"
    "def sorted_no_nan(a):\n"
    "    for i in range(a.shape[0]):\n"
    "        if a[i] != a[i]:\n"
    "            raise ValueError(\"sorted() of numbers holding NaN: Python's order then depends on the comparisons its sort happens to make, which tylesc does not reproduce (np.sort puts NaN last)\")\n"
    "    return a\n"
    "\n"
    "\n"
    "def take_sorted_desc(a, desc):\n"
    "    p = argsort1(a, desc)\n"
    "    r = a.copy()\n"
    "    for i in range(a.shape[0]):\n"
    "        r[i] = a[p[i]]\n"
    "    return r\n"
    "\n"
    "\n"
    "def interp_at(xv, xp, fp, lval, rval):\n"
    "    n = xp.shape[0]\n"
    "    if n == 1:\n"
    "        r = fp[0]\n"
    "        if xv < xp[0]:\n"
    "            r = lval\n"
    "        elif xv > xp[0]:\n"
    "            r = rval\n"
    "        return r\n"
    "    if xv != xv:\n"
    "        return xv\n"
    "    if xv > xp[n - 1]:\n"
    "        return rval\n"
    "    if xv < xp[0]:\n"
    "        return lval\n"
    "    lo = 0\n"
    "    hi = n\n"
    "    while lo < hi:\n"
    "        mid = lo + ((hi - lo) >> 1)\n"
    "        if xv >= xp[mid]:\n"
    "            lo = mid + 1\n"
    "        else:\n"
    "            hi = mid\n"
    "    j = lo - 1\n"
    "    if j == n - 1 or xp[j] == xv:\n"
    "        return fp[j]\n"
    "    slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])\n"
    "    r = slope * (xv - xp[j]) + fp[j]\n"
    "    if r != r:\n"
    "        r = slope * (xv - xp[j + 1]) + fp[j + 1]\n"
    "        if r != r and fp[j] == fp[j + 1]:\n"
    "            r = fp[j]\n"
    "    return r\n"
    "\n"
    "\n"
    "def interp_check(xp, fp):\n"
    "    if xp.shape[0] != fp.shape[0]:\n"
    "        raise ValueError(\"fp and xp are not of the same length.\")\n"
    "    if xp.shape[0] == 0:\n"
    "        raise ValueError(\"array of sample points is empty\")\n"
    "\n"
    "\n"
    "def interp1(x, xp, fp, lval, rval, given_l, given_r):\n"
    "    interp_check(xp, fp)\n"
    "    if not given_l:\n"
    "        lval = fp[0]\n"
    "    if not given_r:\n"
    "        rval = fp[fp.shape[0] - 1]\n"
    "    r = np.empty(x.shape[0])\n"
    "    for i in range(x.shape[0]):\n"
    "        r[i] = interp_at(x[i], xp, fp, lval, rval)\n"
    "    return r\n"
    "\n"
    "\n"
    "def interp_s(x, xp, fp, lval, rval, given_l, given_r):\n"
    "    interp_check(xp, fp)\n"
    "    if not given_l:\n"
    "        lval = fp[0]\n"
    "    if not given_r:\n"
    "        rval = fp[fp.shape[0] - 1]\n"
    "    return interp_at(x, xp, fp, lval, rval)\n"
    "\n"
    "\n"
    "def interp_periodic(xp, fp, period):\n"
    "    if xp.shape[0] != fp.shape[0]:\n"
    "        raise ValueError(\"fp and xp are not of the same length\")\n"
    "    xm = xp % period\n"
    "    p = argsort1(xm, False)\n"
    "    n = xm.shape[0]\n"
    "    xq = np.empty(n + 2)\n"
    "    fq = np.empty(n + 2)\n"
    "    for i in range(n):\n"
    "        xq[i + 1] = xm[p[i]]\n"
    "        fq[i + 1] = fp[p[i]]\n"
    "    xq[0] = xq[n] - period\n"
    "    fq[0] = fq[n]\n"
    "    xq[n + 1] = xq[1] + period\n"
    "    fq[n + 1] = fq[1]\n"
    "    return xq, fq\n"
    "\n"
    "\n"
    "def interp_p1(x, xp, fp, period):\n"
    "    xq, fq = interp_periodic(xp, fp, period)\n"
    "    return interp1(x % period, xq, fq, 0.0, 0.0, False, False)\n"
    "\n"
    "\n"
    "def interp_ps(x, xp, fp, period):\n"
    "    xq, fq = interp_periodic(xp, fp, period)\n"
    "    return interp_s(x % period, xq, fq, 0.0, 0.0, False, False)\n"
    "\n"
    "\n"
    "def same_value(x, y):\n"
    "    return x == y or (np.isnan(x) and np.isnan(y))\n"
    "\n"
    "\n"
    "def unique1(a):\n"
    "    s = sort1(a)\n"
    "    n = s.shape[0]\n"
    "    k = 0\n"
    "    for i in range(n):\n"
    "        if i == 0 or not same_value(s[i], s[i - 1]):\n"
    "            k += 1\n"
    "    r = np.empty(k, dtype=s.dtype)\n"
    "    j = 0\n"
    "    for i in range(n):\n"
    "        if i == 0 or not same_value(s[i], s[i - 1]):\n"
    "            r[j] = s[i]\n"
    "            j += 1\n"
    "    return r\n"
    "\n"
    "\n"
    "def unique_all(a):\n"
    "    p = argsort1(a, False)\n"
    "    n = a.shape[0]\n"
    "    k = 0\n"
    "    for i in range(n):\n"
    "        if i == 0 or not same_value(a[p[i]], a[p[i - 1]]):\n"
    "            k += 1\n"
    "    vals = np.empty(k, dtype=a.dtype)\n"
    "    first = np.zeros(k, dtype=np.int64)\n"
    "    inv = np.zeros(n, dtype=np.int64)\n"
    "    counts = np.zeros(k, dtype=np.int64)\n"
    "    j = -1\n"
    "    for i in range(n):\n"
    "        if i == 0 or not same_value(a[p[i]], a[p[i - 1]]):\n"
    "            j += 1\n"
    "            vals[j] = a[p[i]]\n"
    "            first[j] = p[i]\n"
    "        inv[p[i]] = j\n"
    "        counts[j] += 1\n"
    "    return vals, first, inv, counts\n"
    "\n"
    "\n"
    "def intersect1(a, b):\n"
    "    aux = sort1(np.concatenate((a, b)))\n"
    "    n = aux.shape[0]\n"
    "    k = 0\n"
    "    for i in range(n - 1):\n"
    "        if aux[i + 1] == aux[i]:\n"
    "            k += 1\n"
    "    r = np.empty(k, dtype=aux.dtype)\n"
    "    j = 0\n"
    "    for i in range(n - 1):\n"
    "        if aux[i + 1] == aux[i]:\n"
    "            r[j] = aux[i]\n"
    "            j += 1\n"
    "    return r\n"
    "\n"
    "\n"
    "def setdiff1(a, b):\n"
    "    na = a.shape[0]\n"
    "    nb = b.shape[0]\n"
    "    k = 0\n"
    "    j = 0\n"
    "    for i in range(na):\n"
    "        while j < nb and b[j] < a[i]:\n"
    "            j += 1\n"
    "        if not (j < nb and b[j] == a[i]):\n"
    "            k += 1\n"
    "    r = np.empty(k, dtype=a.dtype)\n"
    "    k = 0\n"
    "    j = 0\n"
    "    for i in range(na):\n"
    "        while j < nb and b[j] < a[i]:\n"
    "            j += 1\n"
    "        if not (j < nb and b[j] == a[i]):\n"
    "            r[k] = a[i]\n"
    "            k += 1\n"
    "    return r\n"
    "\n"
    "\n"
    "def union1(a, b):\n"
    "    return unique1(np.concatenate((a, b)))\n";

/* The float32 twins of csum_leaf, csum and csum_rows (csum32_leaf, csum32, csum32_rows: the
 * pairwise sum of complex64 numbers, which NumPy runs in float32 with the same four running
 * sums per part): their text with float32 accumulators, made once from the float64 one. */
const char *lw_csum32_prelude_src(void)
{
    static const char *const from[] = {"csum", "-0.0", "np.zeros(64)", "np.zeros(m)", NULL};
    static const char *const to[] = {"csum32", "np.float32(-0.0)", "np.zeros(64, dtype=np.float32)",
                                     "np.zeros(m, dtype=np.float32)"};
    const char *s = strstr(lw_stats_prelude_src, "def csum_leaf("), *e = strstr(lw_stats_prelude_src, "def median1(");
    if (!s || !e || e < s)
        UNREACHABLE();
    strbuf b = {0};
    while (s < e) {
        int k = 0;
        while (from[k] && strncmp(s, from[k], strlen(from[k])) != 0)
            k++;
        if (from[k]) {
            sb_puts(&b, to[k]);
            s += strlen(from[k]);
        } else
            sb_putc(&b, *s++);
    }
    char *r = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    return r;
}

static value *flag_value(loc l, int k) { return lw_scalar(l, ir_const_i(l, T_BOOL, k), 1); }

static value *np_histogram(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = v[0], *bins = v[1], *range = v[2], *dens = v[3], *w = v[4];
    for (int i = 0; i < 5; i++)
        if (v[i] && v[i]->kind == V_ERR)
            return &lw_ERRV;
    if (x->kind != V_ARRAY || x->rank != 1 || x->type == T_F32 || x->type == T_BOOL) {
        diag_error(x->l, "%s() of %s is not supported (1-D float64 or integer data are; "
                         "a.ravel() for others)", f,
                   x->kind == V_ARRAY ? arena_printf(&util_arena, "a %d-D %s array", x->rank, ir_type_name(x->type))
                                      : lw_vkind_desc(x));
        return &lw_ERRV;
    }
    int density = 0, ok = 1;
    if (dens && dens->kind != V_NONE)
        density = lw_const_flag(dens, 0, "density", &ok);
    if (!ok)
        return &lw_ERRV;
    if (bins && bins->kind == V_TUPLE && !bins->cplx) /* bins=[0, 1, 2.5, 5]: NumPy's array of them */
        bins = lw_array_literal(c, bins->l, &(args){.pos = &bins, .npos = 1}, 0);
    if (bins && bins->kind == V_ARRAY) {
        /* bin edges: each value's bin found by bisection, as NumPy's searchsorted of the sorted
         * data finds the counts (left-closed bins, the last closed on both sides); NumPy
         * adds weights in the order of an unstable sort there, so weights are refused */
        if (bins->rank != 1 || bins->type == T_BOOL || bins->type == T_F32) {
            diag_error(bins->l, "%s(): bin edges must be a 1-D float64 or integer array here, not a %d-D %s array",
                       f, bins->rank, ir_type_name(bins->type));
            return &lw_ERRV;
        }
        if ((w && w->kind != V_NONE) || (range && range->kind != V_NONE)) {
            diag_error((w && w->kind != V_NONE ? w : range)->l,
                       "%s(): %s with bin edges is not supported (a number of equal bins takes it)", f,
                       w && w->kind != V_NONE ? "weights=" : "range=");
            return &lw_ERRV;
        }
        value *args[] = {x, bins};
        return lw_call_prelude(c, l, density ? "histogram_e_density" : "histogram_e", 2, args);
    }
    if (!bins)
        bins = lw_scalar(l, lw_I64(l, 10), 1);
    else if (!lw_is_int_scalar(bins)) {
        diag_error(bins->l, "%s(): bins must be a number of equal bins or an array of edges here (rules "
                            "such as 'auto' are not supported), not %s", f, lw_vkind_desc(bins));
        return &lw_ERRV;
    }
    if (w && w->kind != V_NONE && (w->kind != V_ARRAY || w->rank != 1 || w->type != T_F64)) {
        diag_error(w->l, "%s(): weights must be a 1-D float64 array here, not %s", f,
                   w->kind == V_ARRAY ? arena_printf(&util_arena, "a %d-D %s array", w->rank, ir_type_name(w->type))
                                      : lw_vkind_desc(w));
        return &lw_ERRV;
    }
    int weighted = w && w->kind != V_NONE, autorange = !range || range->kind == V_NONE;
    value *lo, *hi;
    if (autorange) { /* the prelude takes the data's (0 to 1 for no data, as NumPy) */
        lo = hi = lw_scalar(l, ir_const_f(l, T_F64, 0.0), 0);
    } else {
        if (range->kind != V_TUPLE || range->n != 2 || range->items[0]->kind != V_SCALAR ||
            range->items[1]->kind != V_SCALAR) {
            diag_error(range->l, "%s(): range must be a pair of numbers (lower, upper)", f);
            return &lw_ERRV;
        }
        lo = range->items[0];
        hi = range->items[1];
    }
    lo = lw_scalar(l, ir_cast(l, T_F64, lo->e), 0);
    hi = lw_scalar(l, ir_cast(l, T_F64, hi->e), 0);
    value *args[] = {x, bins, lo, hi, flag_value(l, autorange), w};
    const char *fn = weighted ? (density ? "histogram_w_density" : "histogram_w")
                              : (density ? "histogram_density" : "histogram");
    return lw_call_prelude(c, l, fn, weighted ? 6 : 5, args);
}

/* np.bincount(x, weights=None, minlength=0): NumPy adds each weight in the order of x, as the
 * loop of the prelude does (bitwise). Without minlength the result's length is max(x) + 1 (0
 * for no data), counted by a first pass over x (bincount_len; a negative value is NumPy's
 * ValueError there); with it the length is minlength, and a value at or past it stops the
 * program with a message (its length max(minlength, max(x) + 1) would depend on the data where
 * the program's shapes say minlength). */
static value *np_bincount(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = v[0], *w = v[1], *m = v[2];
    for (int i = 0; i < 3; i++)
        if (v[i] && v[i]->kind == V_ERR)
            return &lw_ERRV;
    if (x->kind == V_MASKED && !x->n && !x->argw && !x->hold && x->self && x->self->kind == V_ARRAY &&
        x->mask && x->mask->kind == V_ARRAY && x->mask->rank == x->self->rank && ir_type_is_int(x->self->type)) {
        /* np.bincount(labels[labels >= 0]): the selected items in C order (select_flat) */
        value *sel[] = {x->self, x->mask};
        if ((x = lw_call_prelude(c, l, "select_flat", 2, sel))->kind == V_ERR)
            return &lw_ERRV;
    }
    if (x->kind != V_ARRAY || x->rank != 1 || ir_type_is_float(x->type) || x->type == T_BOOL) {
        diag_error(x->l, "%s() takes a 1-D array of integers, not %s", f,
                   x->kind == V_ARRAY ? arena_printf(&util_arena, "a %d-D %s array", x->rank, ir_type_name(x->type))
                                      : lw_vkind_desc(x));
        return &lw_ERRV;
    }
    if (m && m->kind == V_NONE)
        m = NULL;
    if (m && !lw_is_int_scalar(m)) {
        diag_error(m->l, "%s(): minlength= must be an int, not %s", f, lw_vkind_desc(m));
        return &lw_ERRV;
    }
    if (w && w->kind != V_NONE) {
        if (w->kind != V_ARRAY || w->rank != 1 || w->type == T_BOOL) {
            diag_error(w->l, "%s(): weights must be a 1-D array of numbers, not %s", f,
                       w->kind == V_ARRAY ? arena_printf(&util_arena, "a %d-D %s array", w->rank, ir_type_name(w->type))
                                          : lw_vkind_desc(w));
            return &lw_ERRV;
        }
        value *args[] = {x, w, m};
        return lw_call_prelude(c, l, m ? "bincount_w" : "bincount_w_auto", m ? 3 : 2, args);
    }
    value *args[] = {x, m};
    return lw_call_prelude(c, l, m ? "bincount" : "bincount_auto", m ? 2 : 1, args);
}

/* The data of np.sort/median/percentile/unique as a 1-D array: a 1-D array, or any array
 * flattened where NumPy flattens it (axis=None), or the items a mask of the array's shape
 * selects (a[a > 0]); NULL after a diagnostic. */
static value *data_1d(lctx *c, loc l, const char *f, value *x, value *axis, int flat_default)
{
    if (x->kind == V_ERR || (axis && axis->kind == V_ERR))
        return NULL;
    if (x->kind == V_MASKED && !x->n && !x->argw && !x->hold && x->self && x->self->kind == V_ARRAY &&
        x->mask && x->mask->kind == V_ARRAY && x->mask->rank == x->self->rank &&
        x->self->type != T_BOOL && x->self->type != T_F32) {
        /* a[m]: the selected items in C order, a 1-D array the data size (select_flat) */
        value *args[] = {x->self, x->mask};
        x = lw_call_prelude(c, l, "select_flat", 2, args);
        if (x->kind == V_ERR)
            return NULL;
    } else if (x->kind == V_MASKED && !x->argw && !x->hold && x->self && x->self->kind == V_ARRAY &&
               x->self->type != T_BOOL && x->self->type != T_F32) {
        diag_error(x->l, "%s() of rows selected by a mask is not supported (a selection by a mask of "
                         "the array's shape, a[a > 0], is)", f);
        return NULL;
    }
    if (x->kind != V_ARRAY || x->type == T_BOOL || x->type == T_F32) {
        diag_error(x->l, "%s() of %s is not supported (float64 and integer arrays are)", f,
                   x->kind == V_ARRAY ? arena_printf(&util_arena, "a %s array", ir_type_name(x->type))
                                      : lw_vkind_desc(x));
        return NULL;
    }
    int flat = axis ? axis->kind == V_NONE : flat_default;
    int64_t k;
    if (!flat && x->rank == 1 && axis && axis->kind == V_SCALAR && ir_expr_const_int(axis->e, &k) &&
        (k == 0 || k == -1))
        flat = 1;
    if (!flat && x->rank == 1 && !axis)
        flat = 1;
    if (!flat) {
        const char *also = strstr(f, "median") || strstr(f, "tile") ? ", 2-D and 3-D arrays along an axis"
                           : strstr(f, "sort") ? ", 2-D arrays along an axis" : "";
        diag_error(axis ? axis->l : x->l, "%s() along an axis of a %d-D array is not supported (1-D "
                                          "arrays%s, or axis=None: the flattened array, are)", f, x->rank,
                   also);
        return NULL;
    }
    if (x->rank == 1)
        return x;
    args ra = {0};
    ra.pos = &x;
    ra.npos = 1;
    value *r = lw_builtin_call(c, lw_reshape_find("np.ravel", 0), l, &ra);
    return r->kind == V_ERR ? NULL : r;
}
/* np.sort and np.argsort of a 2-D array along axis 1 (-1, their default) or 0: each row (or
 * column) as the 1-D function sorts it, in the prelude (sort_rows, argsort_rows and their
 * transposes). NULL where this is not that case (1-D data, axis=None: data_1d's). stable: 1 or
 * 0 for argsort's kind, -1 for sort. */
static value *sorted_2d(lctx *c, loc l, const char *f, value *x, value *axis, int stable)
{
    if (x->kind != V_ARRAY || x->rank != 2 || (axis && axis->kind == V_NONE))
        return NULL;
    if (x->type == T_BOOL || x->type == T_F32) {
        diag_error(x->l, "%s() of a %s array is not supported (float64 and integer arrays are)", f,
                   ir_type_name(x->type));
        return &lw_ERRV;
    }
    int64_t k = -1;
    if (axis && !lw_known_int(axis, &k)) {
        diag_error(axis->l, "%s(): axis must be an int known when compiling, or None", f);
        return &lw_ERRV;
    }
    if (k < -2 || k > 1) {
        diag_error(axis->l, "axis %lld is out of bounds for array of dimension 2", (long long)k);
        return &lw_ERRV;
    }
    int rows = k == 1 || k == -1;
    if (stable < 0)
        return lw_call_prelude(c, l, rows ? "sort_rows" : "sort_cols", 1, &x);
    value *args[] = {x, flag_value(l, stable)};
    return lw_call_prelude(c, l, rows ? "argsort_rows" : "argsort_cols", 2, args);
}
static value *np_sort(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    if (v[2] && v[2]->kind != V_NONE && !(v[2]->kind == V_STR && !strcmp(v[2]->str, "stable"))) {
        diag_error(v[2]->l, "%s(): kind= is not supported (the sort is stable; values tie only when "
                            "equal)", f);
        return &lw_ERRV;
    }
    value *r = sorted_2d(c, l, f, v[0], v[1], -1);
    if (r)
        return r;
    value *x = data_1d(c, l, f, v[0], v[1], 0);
    return x ? lw_call_prelude(c, l, "sort1", 1, &x) : &lw_ERRV;
}
/* a.sort(): in place */
static value *m_sort(lctx *c, loc l, const char *f, value **v, args *a)
{
    value *self = a->self;
    value *r = sorted_2d(c, l, f, self, v[0], -1);
    if (r && r->kind == V_ERR)
        return r;
    if (!r && self->kind == V_ARRAY && self->rank != 1) {
        diag_error(l, "%s() of a %d-D array is not supported (1-D and 2-D arrays are)", f, self->rank);
        return &lw_ERRV;
    }
    value *x = r ? self : data_1d(c, l, f, self, v[0], 0);
    if (!x)
        return &lw_ERRV;
    if (!r)
        r = lw_call_prelude(c, l, "sort1", 1, &x);
    if (r->kind != V_ERR)
        lw_emit_sweep(c, l, self, r, 0);
    return lw_vnew(V_NONE, l);
}
/* The prelude's Python float as the np.float64 NumPy returns: a strong scalar (x / 0.0 is inf,
 * a float32 array times it is float64), not a weak Python float. */
static value *np_float64(loc l, value *r)
{
    return r->kind == V_SCALAR ? lw_scalar(l, r->e, 0) : r;
}
/* np.median(a, axis=k) and np.percentile/quantile(a, q, axis=k) of a 2-D or 3-D array (a median
 * filter's np.median(stack, axis=0), percentiles of samples per column): the 1-D function
 * (median1, quantile1) of each line along axis k, in the prelude (median_rows, median_last3,
 * quantile_rows, ... and their transposes), float64. extra: the 1-D function's arguments after
 * the line (q and the name for its message), or NULL for the median. */
static value *stat_axis(lctx *c, loc l, const char *f, value *x, value *axis, const char *base, value **extra)
{
    int64_t k;
    if (!lw_known_int(axis, &k)) {
        diag_error(axis->l, "%s(): axis must be an int known when compiling, or None", f);
        return &lw_ERRV;
    }
    if (k < -x->rank || k >= x->rank) {
        diag_error(axis->l, "axis %lld is out of bounds for array of dimension %d", (long long)k, x->rank);
        return &lw_ERRV;
    }
    if (x->type == T_BOOL || x->type == T_F32) {
        diag_error(x->l, "%s() of a %s array is not supported (float64 and integer arrays are)", f,
                   ir_type_name(x->type));
        return &lw_ERRV;
    }
    if (k < 0)
        k += x->rank;
    static const char *fn[2][3] = {{"_cols", "_rows", NULL}, {"_ax0_3", "_ax1_3", "_last3"}};
    value *args[] = {x, extra ? extra[0] : NULL, extra ? extra[1] : NULL};
    return lw_call_prelude(c, l, arena_printf(&util_arena, "%s%s", base, fn[x->rank - 2][k]), extra ? 3 : 1,
                           args);
}
static value *np_median(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    if (v[0]->kind == V_ARRAY && (v[0]->rank == 2 || v[0]->rank == 3) && v[1] && v[1]->kind != V_NONE &&
        v[1]->kind != V_ERR)
        return stat_axis(c, l, f, v[0], v[1], "median", NULL);
    value *x = data_1d(c, l, f, v[0], v[1], 1);
    return x ? np_float64(l, lw_call_prelude(c, l, "median1", 1, &x)) : &lw_ERRV;
}
/* np.percentile(a, q) and np.quantile(a, q), NumPy's default method 'linear': of the flattened
 * array (or 1-D data), or along an axis of a 2-D or 3-D array (stat_axis). q one number, or a
 * list or tuple of numbers known as a sequence when compiling: then each q's result is computed
 * as for one, and they are stacked along a new first axis, which is NumPy's shape (q first). */
static value *np_quantile(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    int pct = strcmp(f, "np.percentile") == 0;
    value *qv = v[1];
    if (qv->kind == V_ERR)
        return &lw_ERRV;
    value **qs = &qv;
    int nq = 1, listq = qv->kind == V_TUPLE;
    if (listq) {
        qs = qv->items;
        nq = qv->n;
    }
    for (int i = 0; i < nq; i++)
        if (qs[i]->kind != V_SCALAR || qs[i]->type == T_BOOL) {
            diag_error(qv->l, "%s(): q must be a number or a list of numbers here, not %s", f,
                       lw_vkind_desc(qv));
            return &lw_ERRV;
        }
    if (!nq) {
        diag_error(qv->l, "%s(): q must not be an empty list here", f);
        return &lw_ERRV;
    }
    if (v[3] && v[3]->kind != V_ERR && !(v[3]->kind == V_STR && !strcmp(v[3]->str, "linear"))) {
        diag_error(v[3]->l, "%s(): method= other than 'linear' is not supported", f);
        return &lw_ERRV;
    }
    int along = v[0]->kind == V_ARRAY && (v[0]->rank == 2 || v[0]->rank == 3) && v[2] && v[2]->kind != V_NONE &&
                v[2]->kind != V_ERR;
    value *x = along ? v[0] : data_1d(c, l, f, v[0], v[2], 1);
    if (!x)
        return &lw_ERRV;
    value *what = lw_vnew(V_STR, l);
    what->str = pct ? "Percentiles" : "Quantiles";
    value *r = lw_vnew(V_TUPLE, l);
    r->items = NEWN(value *, nq);
    for (int i = 0; i < nq; i++) {
        ir_expr *q = ir_cast(l, T_F64, qs[i]->e);
        if (pct)
            q = ir_bin(l, OP_TRUEDIV, T_F64, q, ir_const_f(l, T_F64, 100.0), 0);
        value *extra[] = {lw_scalar(l, q, 0), what};
        value *args1[] = {x, extra[0], what};
        value *one = along ? stat_axis(c, l, f, x, v[2], "quantile", extra)
                           : np_float64(l, lw_call_prelude(c, l, "quantile1", 3, args1));
        if (one->kind == V_ERR)
            return one;
        if (!listq)
            return one;
        r->items[r->n++] = one;
    }
    return lw_stack_arrays(c, l, r);
}

/* np.argsort(a, axis=-1, kind=None) of 1-D data: a stable merge sort of the indices (NaN
 * last). NumPy's default (quicksort: introsort or AVX-512's) orders equal values in a way of
 * its own, so without kind='stable' a run with equal values stops with a message. */
static value *np_argsort(lctx *c, loc l, const char *f, value **v, args *a)
{
    value *self = a->self ? a->self : v[0], *axis = a->self ? v[0] : v[1], *kind = a->self ? v[1] : v[2];
    int stable = 0;
    if (kind && kind->kind != V_NONE) {
        if (kind->kind != V_STR || (strcmp(kind->str, "stable") && strcmp(kind->str, "mergesort") &&
                                    strcmp(kind->str, "quicksort") && strcmp(kind->str, "heapsort"))) {
            diag_error(kind->l, "%s(): kind must be 'quicksort', 'mergesort', 'heapsort' or 'stable'", f);
            return &lw_ERRV;
        }
        stable = kind->str[0] == 's' || kind->str[0] == 'm';
    }
    value *r = sorted_2d(c, l, f, self, axis, stable);
    if (r)
        return r;
    if (self->kind == V_ARRAY && self->rank != 1 && !(axis && axis->kind == V_NONE)) { /* None: flattened */
        diag_error(axis ? axis->l : l, "%s() of a %d-D array is supported along axis=None (the flattened "
                                       "array), and of 1-D and 2-D arrays along an axis", f, self->rank);
        return &lw_ERRV;
    }
    value *x = data_1d(c, l, f, self, axis, 0);
    if (!x)
        return &lw_ERRV;
    if (stable) {
        value *args[] = {x, flag_value(l, 0)};
        return lw_call_prelude(c, l, "argsort1", 2, args);
    }
    return lw_call_prelude(c, l, "argsort_untied", 1, &x);
}

/* np.unique(a, return_index=, return_inverse=, return_counts=, axis=None): the sorted distinct
 * values of the flattened array (NaNs as one, NumPy 2's equal_nan), a length the data give;
 * the first index of each (NumPy sorts stably then), the index of each item's value, the
 * counts, in NumPy's order in the tuple. */
static value *np_unique(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    int want[3], ok = 1, nwant = 0;
    for (int i = 0; i < 3; i++) {
        want[i] = v[i + 1] ? lw_const_flag(v[i + 1], 0, i == 0 ? "return_index" : i == 1 ? "return_inverse" : "return_counts", &ok) : 0;
        nwant += want[i];
    }
    if (!ok)
        return &lw_ERRV;
    if (v[4] && v[4]->kind != V_NONE) {
        diag_error(v[4]->l, "%s(): axis= is not supported (the flattened array's values are)", f);
        return &lw_ERRV;
    }
    if (v[0]->kind == V_ARRAY && v[0]->rank > 1 && want[1]) {
        diag_error(v[1 + 1]->l, "%s(): return_inverse=True of a %d-D array is not supported (1-D arrays are)", f, v[0]->rank);
        return &lw_ERRV;
    }
    value *x = data_1d(c, l, f, v[0], NULL, 1);
    if (!x)
        return &lw_ERRV;
    if (!nwant)
        return lw_call_prelude(c, l, "unique1", 1, &x);
    value *all = lw_call_prelude(c, l, "unique_all", 1, &x);
    if (all->kind != V_TUPLE)
        return all;
    value *r = lw_vnew(V_TUPLE, l);
    r->items = NEWN(value *, 4);
    r->items[r->n++] = all->items[0];
    for (int i = 0; i < 3; i++)
        if (want[i])
            r->items[r->n++] = all->items[i + 1];
    return r;
}

/* np.intersect1d(ar1, ar2), np.setdiff1d(ar1, ar2), np.union1d(ar1, ar2): NumPy's
 * arraysetops on the flattened arrays (or a[mask] selections), lengths the data give.
 *   intersect1d: aux = sort(concatenate((unique(a), unique(b)))); aux[:-1][aux[1:] == aux[:-1]]
 *   setdiff1d:   unique(a)[~isin(unique(a), unique(b))], isin by a merge of the sorted values
 *                (== as NumPy's, so a NaN is never found and stays)
 *   union1d:     unique(concatenate((a, b)))
 * assume_unique=True skips the unique of the inputs as NumPy's does (its result for inputs
 * that are not unique follows from the same steps); return_indices=True is refused. */
static value *np_setop(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    int ok = 1, assume = 0;
    if (strcmp(f, "np.union1d") != 0)
        assume = lw_const_flag(v[2], 0, "assume_unique", &ok);
    if (!ok)
        return &lw_ERRV;
    if (!strcmp(f, "np.intersect1d") && v[3] && v[3]->kind != V_NONE) {
        int ri = lw_const_flag(v[3], 0, "return_indices", &ok);
        if (!ok)
            return &lw_ERRV;
        if (ri) {
            diag_error(v[3]->l, "%s(): return_indices=True is not supported (the common values are)", f);
            return &lw_ERRV;
        }
    }
    value *x[2];
    for (int i = 0; i < 2; i++)
        if (!(x[i] = data_1d(c, l, f, v[i], NULL, 1)))
            return &lw_ERRV;
    if (!strcmp(f, "np.union1d"))
        return lw_call_prelude(c, l, "union1", 2, x);
    if (assume && !strcmp(f, "np.setdiff1d")) {
        diag_error(v[2]->l, "%s(): assume_unique=True is not supported (NumPy then keeps ar1's order)", f);
        return &lw_ERRV;
    }
    for (int i = 0; i < 2 && !assume; i++)
        if ((x[i] = lw_call_prelude(c, l, "unique1", 1, &x[i]))->kind == V_ERR)
            return x[i];
    return lw_call_prelude(c, l, !strcmp(f, "np.intersect1d") ? "intersect1" : "setdiff1", 2, x);
}

/* np.histogram2d(x, y, bins) as NumPy's histogramdd counts (x and y of one length, its
 * ValueError): per axis edges =
 * linspace(min, max, bins + 1) (0 to 1 for no data, +-0.5 for one value, NumPy's ValueError
 * for a range that is not finite), each point's bin searchsorted(edges, v, side='right') with
 * a value on the last edge moved into the last bin, points outside dropped; float64 counts.
 * bins an int or a pair of ints; range=, density=, weights= and edges as bins are refused. */
static value *np_histogram2d(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    for (int i = 0; i < 6; i++)
        if (v[i] && v[i]->kind == V_ERR)
            return &lw_ERRV;
    for (int i = 3; i < 6; i++)
        if (v[i] && v[i]->kind != V_NONE) {
            diag_error(v[i]->l, "%s(): %s= is not supported (counts in equal bins over the data's range are)", f,
                       i == 3 ? "range" : i == 4 ? "density" : "weights");
            return &lw_ERRV;
        }
    value *xy[2];
    for (int i = 0; i < 2; i++) {
        value *x = v[i];
        if (x->kind == V_TUPLE && !x->keys && !x->cplx)
            x = lw_seq_operand(c, x, arena_printf(&util_arena, "%s()", f));
        if (x->kind != V_ARRAY || x->rank != 1 || x->type == T_BOOL || lw_is_complex(x)) {
            if (x->kind != V_ERR)
                diag_error(x->l, "%s() of %s is not supported (1-D real arrays are; a.ravel() for others)", f,
                           x->kind == V_ARRAY ? arena_printf(&util_arena, "a %d-D %s array", x->rank, ir_type_name(x->type))
                                              : lw_vkind_desc(x));
            return &lw_ERRV;
        }
        xy[i] = lw_materialize(c, lw_cast_to(l, x, T_F64));
    }
    value *nb[2];
    value *bins = v[2];
    if (!bins)
        nb[0] = nb[1] = lw_scalar(l, lw_I64(l, 10), 1);
    else if (lw_is_int_scalar(bins))
        nb[0] = nb[1] = bins;
    else if (bins->kind == V_TUPLE && !bins->keys && bins->n == 2 && lw_is_int_scalar(bins->items[0]) &&
             lw_is_int_scalar(bins->items[1])) {
        nb[0] = bins->items[0];
        nb[1] = bins->items[1];
    } else {
        diag_error(bins->l, "%s(): bins must be an int or a pair of ints here (edges are not supported), not %s",
                   f, lw_vkind_desc(bins));
        return &lw_ERRV;
    }
    value *args[] = {xy[0], xy[1], nb[0], nb[1]};
    return lw_call_prelude(c, l, "histogram2d", 4, args);
}

static const lw_builtin np_table[] = {
    {"np.histogram2d", {"x", "y", "bins", "range", "density", "weights"}, 2, np_histogram2d},
    {"np.intersect1d", {"ar1", "ar2", "assume_unique", "return_indices"}, 2, np_setop},
    {"np.setdiff1d", {"ar1", "ar2", "assume_unique"}, 2, np_setop},
    {"np.union1d", {"ar1", "ar2"}, 2, np_setop},
    {"np.histogram", {"a", "bins", "range", "density", "weights"}, 1, np_histogram},
    {"np.bincount", {"x", "weights", "minlength"}, 1, np_bincount},
    {"np.sort", {"a", "axis", "kind"}, 1, np_sort},
    {"np.median", {"a", "axis"}, 1, np_median},
    {"np.percentile", {"a", "q", "axis", "method"}, 2, np_quantile},
    {"np.quantile", {"a", "q", "axis", "method"}, 2, np_quantile},
    {"np.argsort", {"a", "axis", "kind"}, 1, np_argsort},
    {"np.unique", {"ar", "return_index", "return_inverse", "return_counts", "axis"}, 1, np_unique},
};
static const lw_builtin method_table[] = {
    {"sort", {"axis", "kind"}, 0, m_sort},
    {"argsort", {"axis", "kind"}, 0, np_argsort},
};
const lw_builtin *lw_stats_find(const char *name, int method)
{
    return method ? lw_builtin_find(method_table, sizeof method_table / sizeof *method_table, name)
                  : lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, name);
}
