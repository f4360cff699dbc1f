/* ftz_preload.c: an LD_PRELOAD library that turns on flush-to-zero and denormals-are-zero
 * (MXCSR FTZ | DAZ) in the main thread before main; threads created later inherit it. For
 * measurement only: it shows what subnormal arithmetic costs a run (the results then differ
 * from NumPy's, which keeps subnormals). bench/RESULTS.md 2026-12-06 h64.
 *
 *   cc -O2 -shared -fPIC bench/ftz_preload.c -o /tmp/ftz.so
 *   mpirun -np 2 -x LD_PRELOAD=/tmp/ftz.so ./jacobi3d_f32 ...
 */
#include <pmmintrin.h>
#include <xmmintrin.h>

__attribute__((constructor)) static void ftz_daz(void)
{
    _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
    _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);
}
