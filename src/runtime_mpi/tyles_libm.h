/* tyles_libm.h: libm's transcendental functions as generated code calls them (tyl_libm_exp, ...).
 * Included by tyles.h; kept apart because it is one concern with its own compiler cases
 * (asm labels for GCC and Clang, plain inline wrappers elsewhere and in CUDA), and NumPy's own
 * np.i0 built on them. */
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

/* np.i0, as NumPy computes it (numpy/lib/_function_base_impl.py, Cephes' coefficients): |x|,
 * then exp(x) * chbevl(x / 2.0 - 2, A) where x <= 8.0 and exp(x) * chbevl(32.0 / x - 2.0, B) /
 * sqrt(x) elsewhere (NaN too), chbevl's recurrence b0 = x * b1 - b2 + c[i] in NumPy's order and
 * rounding (float32 data stays float32, its constants rounded to float32 as NumPy's weak Python
 * floats are). np.kaiser divides two of them (lower_composed.c). */
#ifdef __CUDACC__
#define TYL_I0_HD __host__ __device__
#else
#define TYL_I0_HD
#endif
#define TYL_I0_A \
        -4.4153416464793395e-18, 3.3307945188222384e-17, -2.431279846547955e-16, \
        1.715391285555133e-15, -1.1685332877993451e-14, 7.676185498604936e-14, \
        -4.856446783111929e-13, 2.95505266312964e-12, -1.726826291441556e-11, 9.675809035373237e-11, \
        -5.189795601635263e-10, 2.6598237246823866e-09, -1.300025009986248e-08, \
        6.046995022541919e-08, -2.670793853940612e-07, 1.1173875391201037e-06, \
        -4.4167383584587505e-06, 1.6448448070728896e-05, -5.754195010082104e-05, \
        0.00018850288509584165, -0.0005763755745385824, 0.0016394756169413357, \
        -0.004324309995050576, 0.010546460394594998, -0.02373741480589947, 0.04930528423967071, \
        -0.09490109704804764, 0.17162090152220877, -0.3046826723431984, 0.6767952744094761
#define TYL_I0_B \
        -7.233180487874754e-18, -4.830504485944182e-18, 4.46562142029676e-17, 3.461222867697461e-17, \
        -2.8276239805165836e-16, -3.425485619677219e-16, 1.7725601330565263e-15, \
        3.8116806693526224e-15, -9.554846698828307e-15, -4.150569347287222e-14, \
        1.54008621752141e-14, 3.8527783827421426e-13, 7.180124451383666e-13, \
        -1.7941785315068062e-12, -1.3215811840447713e-11, -3.1499165279632416e-11, \
        1.1889147107846439e-11, 4.94060238822497e-10, 3.3962320257083865e-09, 2.266668990498178e-08, \
        2.0489185894690638e-07, 2.8913705208347567e-06, 6.889758346916825e-05, \
        0.0033691164782556943, 0.8044904110141088
#define TYL_I0_DEF(name, T, EXP, SQRT) \
    static inline TYL_I0_HD T name(T x) \
    { \
        const T a[] = {TYL_I0_A}, b[] = {TYL_I0_B}; \
        const T *c = a; \
        int n = (int)(sizeof a / sizeof *a); \
        x = x < 0 ? -x : x; \
        T y = x / (T)2.0 - (T)2; \
        if (!(x <= (T)8.0)) { \
            c = b; \
            n = (int)(sizeof b / sizeof *b); \
            y = (T)32.0 / x - (T)2.0; \
        } \
        T b0 = c[0], b1 = 0, b2 = 0; \
        for (int i = 1; i < n; i++) { \
            b2 = b1; \
            b1 = b0; \
            b0 = y * b1 - b2 + c[i]; \
        } \
        T r = EXP(x) * ((T)0.5 * (b0 - b2)); \
        return c == a ? r : r / SQRT(x); \
    }
TYL_I0_DEF(tyl_np_i0_f64, double, tyl_libm_exp, sqrt)
TYL_I0_DEF(tyl_np_i0_f32, float, tyl_libm_expf, sqrtf)
#undef TYL_I0_DEF
#undef TYL_I0_A
#undef TYL_I0_B
#undef TYL_I0_HD

#endif
