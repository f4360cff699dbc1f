/* lower_cnames.c: the names the C headers of a generated program declare at file scope.
 *
 * A variable of main() may live at file scope (pass_sched_split cuts main() into functions that
 * share its variables as statics), where a name the headers declare (div, random, select, ...)
 * would clash with it: lw_cname gives such a variable another C name, as it does C's keywords.
 * The list is what the headers tyles.h includes (math.h, setjmp.h, stdint.h, stdio.h,
 * stdbool.h, stdlib.h through emmintrin.h) declare under -std=gnu11, the widest of the C
 * dialects (-std=c11 declares a subset): functions, variables, typedefs and enumerators, less
 * the names lw_cname refuses anyway (a leading '_', tyl, TYL, MPI, omp). Made with
 *     echo '#include "tyles.h"' > p.c; mpicc -std=gnu11 -fopenmp -march=native -Isrc/runtime_mpi -E p.c -o p.i
 *     ctags -x --c-kinds=+px-m --language-force=c p.i | awk '$2 != "member" {print $1}'
 * (Universal Ctags 5.9, glibc 2.36, GCC 12, Open MPI), sorted in C locale.
 */
#include "lower_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const declared[] = {
    "FILE", "FP_INFINITE", "FP_NAN", "FP_NORMAL", "FP_SUBNORMAL", "FP_ZERO", "a64l", "abort", "abs",
    "acos", "acosf", "acosh", "acoshf", "acoshl", "acosl", "aligned_alloc", "alloca", "arc4random",
    "arc4random_buf", "arc4random_uniform", "asin", "asinf", "asinh", "asinhf", "asinhl", "asinl",
    "at_quick_exit", "atan", "atan2", "atan2f", "atan2l", "atanf", "atanh", "atanhf", "atanhl",
    "atanl", "atexit", "atof", "atoi", "atol", "atoll", "blkcnt_t", "blksize_t", "bsearch",
    "caddr_t", "calloc", "cbrt", "cbrtf", "cbrtl", "ceil", "ceilf", "ceill", "clearenv", "clearerr",
    "clearerr_unlocked", "clock_t", "clockid_t", "copysign", "copysignf", "copysignl", "cos",
    "cosf", "cosh", "coshf", "coshl", "cosl", "ctermid", "daddr_t", "dev_t", "div", "div_t",
    "double_t", "dprintf", "drand48", "drand48_data", "drand48_r", "drem", "dremf", "dreml", "ecvt",
    "ecvt_r", "erand48", "erand48_r", "erf", "erfc", "erfcf", "erfcl", "erff", "erfl", "exit",
    "exp", "exp2", "exp2f", "exp2l", "expf", "expl", "expm1", "expm1f", "expm1l", "fabs", "fabsf",
    "fabsl", "fclose", "fcvt", "fcvt_r", "fd_mask", "fd_set", "fdim", "fdimf", "fdiml", "fdopen",
    "feof", "feof_unlocked", "ferror", "ferror_unlocked", "fflush", "fflush_unlocked", "fgetc",
    "fgetc_unlocked", "fgetpos", "fgets", "fileno", "fileno_unlocked", "finite", "finitef",
    "finitel", "float_t", "flockfile", "floor", "floorf", "floorl", "fma", "fmaf", "fmal", "fmax",
    "fmaxf", "fmaxl", "fmemopen", "fmin", "fminf", "fminl", "fmod", "fmodf", "fmodl", "fopen",
    "fpos_t", "fprintf", "fputc", "fputc_unlocked", "fputs", "fread", "fread_unlocked", "free",
    "freopen", "frexp", "frexpf", "frexpl", "fsblkcnt_t", "fscanf", "fseek", "fseeko", "fsetpos",
    "fsfilcnt_t", "fsid_t", "ftell", "ftello", "ftrylockfile", "funlockfile", "fwrite",
    "fwrite_unlocked", "gamma", "gammaf", "gammal", "gcvt", "getc", "getc_unlocked", "getchar",
    "getchar_unlocked", "getdelim", "getenv", "getline", "getloadavg", "getsubopt", "getw", "gid_t",
    "hypot", "hypotf", "hypotl", "id_t", "ilogb", "ilogbf", "ilogbl", "initstate", "initstate_r",
    "ino_t", "int16_t", "int32_t", "int64_t", "int8_t", "int_fast16_t", "int_fast32_t",
    "int_fast64_t", "int_fast8_t", "int_least16_t", "int_least32_t", "int_least64_t",
    "int_least8_t", "intmax_t", "intptr_t", "isinf", "isinff", "isinfl", "isnan", "isnanf",
    "isnanl", "j0", "j0f", "j0l", "j1", "j1f", "j1l", "jmp_buf", "jn", "jnf", "jnl", "jrand48",
    "jrand48_r", "key_t", "l64a", "labs", "lcong48", "lcong48_r", "ldexp", "ldexpf", "ldexpl",
    "ldiv", "ldiv_t", "lgamma", "lgamma_r", "lgammaf", "lgammaf_r", "lgammal", "lgammal_r", "llabs",
    "lldiv", "lldiv_t", "llrint", "llrintf", "llrintl", "llround", "llroundf", "llroundl", "loff_t",
    "log", "log10", "log10f", "log10l", "log1p", "log1pf", "log1pl", "log2", "log2f", "log2l",
    "logb", "logbf", "logbl", "logf", "logl", "longjmp", "lrand48", "lrand48_r", "lrint", "lrintf",
    "lrintl", "lround", "lroundf", "lroundl", "malloc", "mblen", "mbstowcs", "mbtowc", "mkdtemp",
    "mkstemp", "mkstemps", "mktemp", "mode_t", "modf", "modff", "modfl", "mrand48", "mrand48_r",
    "nan", "nanf", "nanl", "nearbyint", "nearbyintf", "nearbyintl", "nextafter", "nextafterf",
    "nextafterl", "nexttoward", "nexttowardf", "nexttowardl", "nlink_t", "nrand48", "nrand48_r",
    "off_t", "on_exit", "open_memstream", "pclose", "perror", "pid_t", "popen", "posix_memalign",
    "pow", "powf", "powl", "printf", "pselect", "pthread_attr_t", "pthread_barrier_t",
    "pthread_barrierattr_t", "pthread_cond_t", "pthread_condattr_t", "pthread_key_t",
    "pthread_mutex_t", "pthread_mutexattr_t", "pthread_once_t", "pthread_rwlock_t",
    "pthread_rwlockattr_t", "pthread_spinlock_t", "pthread_t", "putc", "putc_unlocked", "putchar",
    "putchar_unlocked", "putenv", "puts", "putw", "qecvt", "qecvt_r", "qfcvt", "qfcvt_r", "qgcvt",
    "qsort", "quad_t", "quick_exit", "rand", "rand_r", "random", "random_data", "random_r",
    "realloc", "reallocarray", "realpath", "register_t", "remainder", "remainderf", "remainderl",
    "remove", "remquo", "remquof", "remquol", "rename", "renameat", "rewind", "rint", "rintf",
    "rintl", "round", "roundf", "roundl", "rpmatch", "scalb", "scalbf", "scalbl", "scalbln",
    "scalblnf", "scalblnl", "scalbn", "scalbnf", "scalbnl", "scanf", "seed48", "seed48_r", "select",
    "setbuf", "setbuffer", "setenv", "setjmp", "setlinebuf", "setstate", "setstate_r", "setvbuf",
    "sigjmp_buf", "siglongjmp", "signgam", "significand", "significandf", "significandl",
    "sigset_t", "sin", "sinf", "sinh", "sinhf", "sinhl", "sinl", "size_t", "snprintf", "sprintf",
    "sqrt", "sqrtf", "sqrtl", "srand", "srand48", "srand48_r", "srandom", "srandom_r", "sscanf",
    "ssize_t", "stderr", "stdin", "stdout", "strtod", "strtof", "strtol", "strtold", "strtoll",
    "strtoq", "strtoul", "strtoull", "strtouq", "suseconds_t", "system", "tan", "tanf", "tanh",
    "tanhf", "tanhl", "tanl", "tempnam", "tgamma", "tgammaf", "tgammal", "time_t", "timer_t",
    "timespec", "timeval", "tmpfile", "tmpnam", "tmpnam_r", "trunc", "truncf", "truncl", "u_char",
    "u_int", "u_int16_t", "u_int32_t", "u_int64_t", "u_int8_t", "u_long", "u_quad_t", "u_short",
    "uid_t", "uint", "uint16_t", "uint32_t", "uint64_t", "uint8_t", "uint_fast16_t",
    "uint_fast32_t", "uint_fast64_t", "uint_fast8_t", "uint_least16_t", "uint_least32_t",
    "uint_least64_t", "uint_least8_t", "uintmax_t", "uintptr_t", "ulong", "ungetc", "unsetenv",
    "ushort", "va_list", "valloc", "vdprintf", "vfprintf", "vfscanf", "vprintf", "vscanf",
    "vsnprintf", "vsprintf", "vsscanf", "wchar_t", "wcstombs", "wctomb", "y0", "y0f", "y0l", "y1",
    "y1f", "y1l", "yn", "ynf", "ynl",
};

static int cmp(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

int lw_c_declared(const char *name)
{
    return bsearch(&name, declared, sizeof declared / sizeof *declared, sizeof *declared, cmp) != NULL;
}
