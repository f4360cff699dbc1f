/* tyles_libm.h: libm's transcendental functions as generated code calls them (tyl_libm_exp, ...).
 * Included by tyles.h; kept apart because it is one concern with its own compiler cases
 * (asm labels for GCC and Clang, plain inline wrappers elsewhere and in CUDA). */
#ifndef TYLES_LIBM_H
#define TYLES_LIBM_H

#include <math.h>

/* libm's transcendental functions under names the C compiler does not know as built-ins: the
 * generated C calls tyl_libm_sinh(...) (emit_expr.c), the same symbol as sinh (an asm label),
 * so a call whose arguments the compiler can prove constant is not folded with the compiler's
 * own correctly rounded arithmetic (GCC's MPFR made np.sinh(2.0) 0x1.d03cf63b6e19fp+1 where
 * glibc, which NumPy calls when running, gives 0x1.d03cf63b6e1ap+1). const (no errno is read:
 * -fno-math-errno) keeps calls of the same arguments shared and hoisted out of loops. Exact
 * operations (sqrt, floor, fmod, copysign, ...) keep their built-ins. Not for CUDA device code
 * (its own math library) nor compilers without asm labels: there the plain names. */
#define TYL_LIBM_FUNCS(F1, F2) \
    F1(exp) F1(log) F1(sin) F1(cos) F1(tan) F1(tanh) F1(asin) F1(acos) F1(atan) F1(sinh) \
    F1(cosh) F1(asinh) F1(acosh) F1(atanh) F1(log10) F1(log2) F1(exp2) F1(expm1) F1(log1p) \
    F1(cbrt) F1(erf) F1(erfc) F2(atan2) F2(hypot) F2(pow)
#if (defined(__GNUC__) || defined(__clang__)) && !defined(__CUDACC__)
#define TYL_LIBM_STR_(x) #x
#define TYL_LIBM_STR(x) TYL_LIBM_STR_(x)
#ifdef __USER_LABEL_PREFIX__
#define TYL_LIBM_LABEL(n) __asm__(TYL_LIBM_STR(__USER_LABEL_PREFIX__) #n)
#else
#define TYL_LIBM_LABEL(n) __asm__(#n)
#endif
#define TYL_LIBM_F1(n) \
    double tyl_libm_##n(double) TYL_LIBM_LABEL(n) __attribute__((const)); \
    float tyl_libm_##n##f(float) TYL_LIBM_LABEL(n##f) __attribute__((const));
#define TYL_LIBM_F2(n) \
    double tyl_libm_##n(double, double) TYL_LIBM_LABEL(n) __attribute__((const)); \
    float tyl_libm_##n##f(float, float) TYL_LIBM_LABEL(n##f) __attribute__((const));
TYL_LIBM_FUNCS(TYL_LIBM_F1, TYL_LIBM_F2)
#else
#ifdef __CUDACC__ /* kernels call them too: CUDA's own functions on the device */
#define TYL_LIBM_HD __host__ __device__
#else
#define TYL_LIBM_HD
#endif
#define TYL_LIBM_F1(n) static inline TYL_LIBM_HD double tyl_libm_##n(double x) { return n(x); } \
    static inline TYL_LIBM_HD float tyl_libm_##n##f(float x) { return n##f(x); }
#define TYL_LIBM_F2(n) static inline TYL_LIBM_HD double tyl_libm_##n(double x, double y) { return n(x, y); } \
    static inline TYL_LIBM_HD float tyl_libm_##n##f(float x, float y) { return n##f(x, y); }
TYL_LIBM_FUNCS(TYL_LIBM_F1, TYL_LIBM_F2)
#undef TYL_LIBM_HD
#endif
#undef TYL_LIBM_F1
#undef TYL_LIBM_F2

#endif
