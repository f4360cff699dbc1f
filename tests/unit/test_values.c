/* Data-driven checks against CPython (expected values from gen_expected.py):
 * repr(float), slice.indices + len(range), // and % (int and float), ** (float and int).
 * usage: test_values DIR. Prints "ok NAME (K cases)" or "FAIL NAME ..." per test. */
#include "tyles.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int failures_shown;

static double from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}
static uint64_t to_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}
/* equal bit for bit, any nan equal to any nan */
static int same(double x, double y)
{
    return (isnan(x) && isnan(y)) || to_bits(x) == to_bits(y);
}

static FILE *open_data(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("FAIL %s: cannot open %s\n", name, path);
        exit(1);
    }
    return f;
}

static void report(const char *name, long cases, long bad)
{
    if (bad)
        printf("FAIL %s: %ld of %ld cases wrong\n", name, bad, cases);
    else
        printf("ok %s (%ld cases)\n", name, cases);
}

static void detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static void detail(const char *fmt, ...)
{
    if (failures_shown++ >= 20)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("  ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

static void test_repr(const char *dir)
{
    FILE *f = open_data(dir, "repr.txt");
    char want[64], got[64];
    uint64_t b;
    long n = 0, bad = 0;
    while (fscanf(f, "%" SCNx64 " %63s", &b, want) == 2) {
        n++;
        tyl_repr_double(got, from_bits(b));
        if (strcmp(got, want)) {
            bad++;
            detail("repr(%016" PRIx64 "): got %s, want %s", b, got, want);
        }
    }
    fclose(f);
    report("repr", n, bad);
}

static void test_slice(const char *dir)
{
    FILE *f = open_data(dir, "slice.txt");
    long long n_, start, stop, step, lo_w, len_w;
    int flags;
    long n = 0, bad = 0;
    while (fscanf(f, "%lld %lld %lld %lld %d %lld %lld", &n_, &start, &stop, &step, &flags, &lo_w,
                  &len_w) == 7) {
        n++;
        int64_t lo, len;
        tyl_slice(n_, start, stop, step, flags, &lo, &len, "test");
        if (lo != lo_w || len != len_w) {
            bad++;
            detail("slice n=%lld %lld:%lld:%lld flags=%d: got lo=%lld len=%lld, want %lld %lld",
                   n_, start, stop, step, flags, (long long)lo, (long long)len, lo_w, len_w);
        }
    }
    fclose(f);
    report("slice", n, bad);
}

static void test_arith(const char *dir)
{
    FILE *f = open_data(dir, "arith.txt");
    char kind[4];
    long nf = 0, badf = 0, ni = 0, badi = 0, nn = 0, badn = 0;
    while (fscanf(f, "%3s", kind) == 1) {
        if (kind[0] == 'F') {
            uint64_t a, b, q, m;
            if (fscanf(f, "%" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64, &a, &b, &q, &m) != 4)
                break;
            nf++;
            double x = from_bits(a), y = from_bits(b);
            double gq = tyl_py_floordiv_f(x, y, "t"), gm = tyl_py_mod_f(x, y, "t");
            double nq = tyl_np_floordiv_f64(x, y), nm = tyl_np_mod_f64(x, y);
            if (!same(gq, from_bits(q)) || !same(gm, from_bits(m)) || !same(nq, gq) ||
                !same(nm, gm)) {
                badf++;
                detail("%.17g // %.17g = %.17g (want %.17g), %% = %.17g (want %.17g)", x, y, gq,
                       from_bits(q), gm, from_bits(m));
            }
        } else if (kind[0] == 'N') {
            uint64_t a, b, q, m;
            if (fscanf(f, "%" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64, &a, &b, &q, &m) != 4)
                break;
            nn++;
            double x = from_bits(a), y = from_bits(b);
            double nq = tyl_np_floordiv_f64(x, y), nm = tyl_np_mod_f64(x, y);
            if (!same(nq, from_bits(q)) || !same(nm, from_bits(m))) {
                badn++;
                detail("np: %.17g // %.17g = %.17g (want %.17g), %% = %.17g (want %.17g)", x, y,
                       nq, from_bits(q), nm, from_bits(m));
            }
        } else if (kind[0] == 'M') {
            long long a, b, q, m;
            if (fscanf(f, "%lld %lld %lld %lld", &a, &b, &q, &m) != 4)
                break;
            nn++;
            int64_t nq = tyl_np_floordiv_i64(a, b), nm = tyl_np_mod_i64(a, b);
            if (nq != q || nm != m) {
                badn++;
                detail("np: %lld // %lld = %lld (want %lld), %% = %lld (want %lld)", a, b,
                       (long long)nq, q, (long long)nm, m);
            }
        } else {
            long long a, b, q, m;
            if (fscanf(f, "%lld %lld %lld %lld", &a, &b, &q, &m) != 4)
                break;
            ni++;
            int64_t gq = tyl_py_floordiv_i(a, b, "t"), gm = tyl_py_mod_i(a, b, "t");
            int64_t nq = tyl_np_floordiv_i64(a, b), nm = tyl_np_mod_i64(a, b);
            if (gq != q || gm != m || nq != q || nm != m) {
                badi++;
                detail("%lld // %lld = %lld (want %lld), %% = %lld (want %lld); np %lld %lld", a,
                       b, (long long)gq, q, (long long)gm, m, (long long)nq, (long long)nm);
            }
        }
    }
    fclose(f);
    report("floordiv_mod_float", nf, badf);
    report("floordiv_mod_int", ni, badi);
    report("np_floordiv_mod_by_zero", nn, badn);
}

static void test_pow(const char *dir)
{
    FILE *f = open_data(dir, "pow.txt");
    char kind[4];
    long nf = 0, badf = 0, ni = 0, badi = 0, ne = 0;
    while (fscanf(f, "%3s", kind) == 1) {
        if (kind[0] == 'P') {
            uint64_t a, b, r;
            if (fscanf(f, "%" SCNx64 " %" SCNx64 " %" SCNx64, &a, &b, &r) != 3)
                break;
            nf++;
            double got = tyl_py_pow_f(from_bits(a), from_bits(b), "t");
            if (!same(got, from_bits(r))) {
                badf++;
                detail("%.17g ** %.17g = %.17g, want %.17g", from_bits(a), from_bits(b), got,
                       from_bits(r));
            }
        } else if (kind[0] == 'E') {
            char what[32];
            uint64_t a, b;
            if (fscanf(f, "%" SCNx64 " %" SCNx64 " %31s", &a, &b, what) != 3)
                break;
            ne++; /* errors exit the process: checked by run.sh through errprog */
        } else {
            long long a, b, r;
            if (fscanf(f, "%lld %lld %lld", &a, &b, &r) != 3)
                break;
            ni++;
            int64_t got = tyl_py_pow_i(a, b, "t");
            if (got != r) {
                badi++;
                detail("%lld ** %lld = %lld, want %lld", a, b, (long long)got, r);
            }
        }
    }
    fclose(f);
    report("pow_float", nf, badf);
    report("pow_int", ni, badi);
    (void)ne;
}

int main(int argc, char **argv)
{
    tyl_rt_init(&argc, &argv, "test_values.tyl", NULL, 0);
    const char *dir = getenv("TYL_UNIT_DATA");
    if (!dir)
        dir = ".";
    test_repr(dir);
    test_slice(dir);
    test_arith(dir);
    test_pow(dir);
    return tyl_rt_finalize();
}
