/* tyl_pyint.c: Python's int / int past 2**53, correctly rounded (tyl_py_truediv_i, tyles.h).
 *
 * Requires: b != 0; one of a, b not exactly a double (|a| or |b| > 2**53: below, the header
 * divides the two doubles, exact operands and one rounding, as CPython's fast path does).
 * Establishes: the double nearest a / b, ties to even, as CPython's long_true_divide: a
 * quotient of 55 or 56 bits from a scaled a, rounded to 53 with the bits below and a sticky bit
 * for any remainder. (double)a / (double)b rounds a first: (2**53 + 1) / 3 gave
 * 3002399751580330.5 where Python prints 3002399751580331.0. Linked into tylesc as well
 * (Makefile), which folds such quotients of constants with it (lower_ops.c, lower_recursion.c).
 * Only <math.h> and <stdint.h>: tylesc is built without MPI. */
#include <math.h>
#include <stdint.h>

double tyl_py_truediv_big_(int64_t a, int64_t b); /* declared in tyles.h; here for tylesc too */

double tyl_py_truediv_big_(int64_t a, int64_t b)
{
    int neg = (a < 0) != (b < 0);
    uint64_t ua = a < 0 ? -(uint64_t)a : (uint64_t)a, ub = b < 0 ? -(uint64_t)b : (uint64_t)b;
    if (ua == 0)
        return neg ? -0.0 : 0.0;
    int la = 64 - __builtin_clzll(ua), lb = 64 - __builtin_clzll(ub);
    int shift = la - lb - 55; /* x / ub then has 55 or 56 bits; x has at most lb + 55 <= 119 */
    unsigned __int128 x;
    int inexact = 0;
    if (shift <= 0) {
        x = (unsigned __int128)ua << -shift;
    } else {
        x = ua >> shift;
        inexact = (ua & ((UINT64_C(1) << shift) - 1)) != 0;
    }
    unsigned __int128 q = x / ub;
    inexact |= x % ub != 0;
    uint64_t m = (uint64_t)q;
    int extra = 64 - __builtin_clzll(m) - 53; /* 2 or 3 bits below the 53 kept */
    uint64_t low = m & ((UINT64_C(1) << extra) - 1), half = UINT64_C(1) << (extra - 1);
    m >>= extra;
    if (low > half || (low == half && (inexact || (m & 1))))
        m++; /* m == 2**53 is exact */
    double r = ldexp((double)m, shift + extra);
    return neg ? -r : r;
}
