/* tyl_cmath.c: the C library's complex functions NumPy's complex sqrt, log, exp and power call
 * (csqrt, clog, cexp, cpow; csqrtf, clogf, cexpf of complex64), for the compiled program's
 * tyl_cmath, tyl_cmathf and tyl_cpow (tyles.h).
 * Kept out of the header so that a compiler never sees their arguments as constants: GCC
 * folds csqrt(2.0 + 1.0i) and cpow of constants with MPC, correctly rounded, where glibc (and
 * so NumPy) may differ in the last bit. */
#include "tyles.h"

#include <complex.h>

double tyl_cmath_libm_(double re, double im, double bre, double bim, int code)
{
    union {
        double complex z;
        double p[2];
    } u = {.p = {re, im}}, w = {.p = {bre, bim}};
    switch (code >> 1) {
    case 0: u.z = csqrt(u.z); break;
    case 1: u.z = clog(u.z); break;
    case 2: u.z = cexp(u.z); break;
    default: u.z = cpow(u.z, w.z); break;
    }
    return u.p[code & 1];
}

float tyl_cmathf_libm_(float re, float im, int code)
{
    union {
        float complex z;
        float p[2];
    } u = {.p = {re, im}};
    switch (code >> 1) {
    case 0: u.z = csqrtf(u.z); break;
    case 1: u.z = clogf(u.z); break;
    default: u.z = cexpf(u.z); break;
    }
    return u.p[code & 1];
}
