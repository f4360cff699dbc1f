/* Run-time errors: each case runs in a forked child (MPI is never initialized here, so fork is
 * safe), which must exit 1 with "tyles: WHERE: error: MESSAGE" on stderr.
 * Also every 'E' line of pow.txt (gen_expected.py) must be an error of the right kind. */
#define _POSIX_C_SOURCE 200809L
#include "tyles.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile double sink_f;
static volatile int64_t sink_i;

/* Runs fn(arg) in a child; returns 1 if it exited 1 and its stderr equals want exactly. */
static int expect_error(void (*fn)(const void *), const void *arg, const char *want, char *got,
                        size_t gotsz)
{
    int fd[2];
    if (pipe(fd) != 0)
        return 0;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], 2);
        fn(arg);
        _exit(99); /* no error raised */
    }
    close(fd[1]);
    size_t k = 0;
    ssize_t r;
    while (k + 1 < gotsz && (r = read(fd[0], got + k, gotsz - 1 - k)) > 0)
        k += (size_t)r;
    got[k] = '\0';
    close(fd[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 1 && !strcmp(got, want);
}

static int passed, failed;

static void check(const char *name, void (*fn)(const void *), const void *arg, const char *msg)
{
    char want[512], got[1024];
    snprintf(want, sizeof want, "tyles: t.tyl:7: error: %s\n", msg);
    if (expect_error(fn, arg, want, got, sizeof got)) {
        passed++;
        printf("ok %s\n", name);
    } else {
        failed++;
        printf("FAIL %s: stderr was \"%s\", want \"%s\"\n", name, got, want);
    }
}

static void f_floordiv_i(const void *a) { (void)a; sink_i = tyl_py_floordiv_i(5, 0, "t.tyl:7"); }
static void f_mod_i(const void *a) { (void)a; sink_i = tyl_py_mod_i(5, 0, "t.tyl:7"); }
static void f_truediv_i(const void *a) { (void)a; sink_f = tyl_py_truediv_i(5, 0, "t.tyl:7"); }
static void f_div_f(const void *a) { (void)a; sink_f = tyl_py_div_f(5, -0.0, "t.tyl:7"); }
static void f_floordiv_f(const void *a) { (void)a; sink_f = tyl_py_floordiv_f(1, 0.0, "t.tyl:7"); }
static void f_mod_f(const void *a) { (void)a; sink_f = tyl_py_mod_f(1, 0.0, "t.tyl:7"); }
static void f_slice0(const void *a)
{
    (void)a;
    int64_t lo, len;
    tyl_slice(5, 0, 0, 0, 0, &lo, &len, "t.tyl:7");
}
static void f_index(const void *a) { (void)a; sink_i = tyl_index(5, 5, 0, "t.tyl:7"); }
static void f_index_neg(const void *a) { (void)a; sink_i = tyl_index(5, -6, 1, "t.tyl:7"); }
static void f_negdim(const void *a)
{
    (void)a;
    int64_t sh[2] = {3, -1};
    tyl_alloc(TYL_FLOAT64, 2, sh, TYL_INIT_ZERO, "t.tyl:7");
}
static void f_toobig(const void *a)
{
    (void)a;
    int64_t sh[2] = {INT64_C(1) << 40, INT64_C(1) << 40};
    tyl_alloc(TYL_FLOAT64, 2, sh, TYL_INIT_ZERO, "t.tyl:7");
}
static void f_custom(const void *a) { (void)a; tyl_rt_error("t.tyl:7", "value %d too %s", 3, "big"); }
static void f_save_bad(const void *a)
{
    (void)a;
    int64_t sh[1] = {3};
    tyl_array *x = tyl_alloc(TYL_FLOAT64, 1, sh, TYL_INIT_ZERO, "t.tyl:7");
    tyl_save_npy("/nonexistent-dir/x.npy", x, "t.tyl:7");
}
static void f_parallel(const void *a)
{
    (void)a;
    int64_t acc = 0;
#pragma omp parallel for schedule(static) reduction(+ : acc)
    for (int i = 0; i < 64; i++) {
        if (i % 2 == 0)
            tyl_rt_error("t.tyl:7", "boom in a parallel loop");
        acc += i;
    }
    sink_i = acc;
}
static void f_pow(const void *a)
{
    const double *ab = a;
    sink_f = tyl_py_pow_f(ab[0], ab[1], "t.tyl:7");
}

static double from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

int main(void)
{
    check("err_floordiv_int", f_floordiv_i, NULL,
          "ZeroDivisionError: integer division or modulo by zero");
    check("err_mod_int", f_mod_i, NULL, "ZeroDivisionError: integer modulo by zero");
    check("err_truediv_int", f_truediv_i, NULL, "ZeroDivisionError: division by zero");
    check("err_div_float", f_div_f, NULL, "ZeroDivisionError: float division by zero");
    check("err_floordiv_float", f_floordiv_f, NULL,
          "ZeroDivisionError: float floor division by zero");
    check("err_mod_float", f_mod_f, NULL, "ZeroDivisionError: float modulo by zero");
    check("err_slice_step", f_slice0, NULL, "slice step cannot be zero");
    check("err_index", f_index, NULL, "index 5 is out of bounds for axis 0 with size 5");
    check("err_index_neg", f_index_neg, NULL, "index -6 is out of bounds for axis 1 with size 5");
    check("err_negative_dims", f_negdim, NULL, "negative dimensions are not allowed");
    check("err_too_big", f_toobig, NULL,
          "ValueError: array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum "
          "possible size (an array with shape (1099511627776, 1099511627776) and data type float64)");
    check("err_format", f_custom, NULL, "value 3 too big");
    check("err_save_npy", f_save_bad, NULL,
          "cannot write '/nonexistent-dir/x.npy': No such file or directory");

    check("err_parallel_once", f_parallel, NULL, "boom in a parallel loop");

    /* every error case of pow.txt */
    const char *dir = getenv("TYL_UNIT_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/pow.txt", dir ? dir : ".");
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("FAIL pow_errors: cannot open %s\n", path);
        return 1;
    }
    /* Read all cases first: a forked child's exit() would move the shared file offset. */
    enum { MAXE = 4096 };
    static double cases[MAXE][2];
    static char kinds[MAXE][16];
    char line[256];
    long ncase = 0, seen_complex = 0, seen_overflow = 0;
    while (fgets(line, sizeof line, f) && ncase < MAXE) {
        uint64_t a, b;
        char kind[16];
        if (line[0] != 'E' || sscanf(line + 2, "%" SCNx64 " %" SCNx64 " %15s", &a, &b, kind) != 3)
            continue;
        /* a fork per case is slow under ASan: all 'zero' cases, every 29th of the others */
        if (!strcmp(kind, "complex") && seen_complex++ % 29)
            continue;
        if (!strcmp(kind, "overflow") && seen_overflow++ % 29)
            continue;
        cases[ncase][0] = from_bits(a);
        cases[ncase][1] = from_bits(b);
        strcpy(kinds[ncase], kind);
        ncase++;
    }
    fclose(f);
    long n = 0, bad = 0;
    for (long i = 0; i < ncase; i++) {
        const char *kind = kinds[i];
        const double *ab = cases[i];
        n++;
        const char *msg =
            !strcmp(kind, "zero") ? "ZeroDivisionError: 0.0 cannot be raised to a negative power"
            : !strcmp(kind, "overflow")
                ? "OverflowError: (34, 'Numerical result out of range')"
                : "negative number cannot be raised to a fractional power (complex result not "
                  "supported)";
        char want[512], got[1024];
        snprintf(want, sizeof want, "tyles: t.tyl:7: error: %s\n", msg);
        if (!expect_error(f_pow, ab, want, got, sizeof got)) {
            if (bad++ < 10)
                printf("  %.17g ** %.17g: stderr \"%s\", want %s\n", ab[0], ab[1], got, kind);
        }
    }
    if (bad) {
        failed++;
        printf("FAIL pow_errors: %ld of %ld wrong\n", bad, n);
    } else {
        passed++;
        printf("ok pow_errors (%ld cases)\n", n);
    }
    return failed != 0;
}
