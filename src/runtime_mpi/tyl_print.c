/* tyl_print.c: print() of generated programs and Python's repr(float). */
#define _POSIX_C_SOURCE 200809L
#include "tyl_format.h"
#include "tyl_internal.h"
#include "tyl_mem.h"
#include "tyl_mpi.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- repr(float) ------------------------------------------------------------------------------ */

/* Splits the output of "%.*e" ("-d.ddde+XX") into its digits (no point, no sign) and exponent. */
static int split_e(const char *s, char *digits, int *exp10)
{
    int n = 0;
    if (*s == '-')
        s++;
    for (; *s && *s != 'e'; s++)
        if (*s != '.')
            digits[n++] = *s;
    digits[n] = '\0';
    *exp10 = (*s == 'e') ? atoi(s + 1) : 0;
    return n;
}

/* Writes sign, digits d1..dn (value d1.d2...dn x 10^e) as "%.*e" would, and parses it back. */
static double parse_digits(const char *digits, int e, int neg, int f32)
{
    char tmp[48];
    int n = (int)strlen(digits), k = 0;
    if (neg)
        tmp[k++] = '-';
    tmp[k++] = digits[0];
    if (n > 1) {
        tmp[k++] = '.';
        memcpy(tmp + k, digits + 1, (size_t)n - 1);
        k += n - 1;
    }
    snprintf(tmp + k, sizeof tmp - (size_t)k, "e%d", e);
    /* float32 reads back with strtof: strtod then a cast could round twice */
    return f32 ? (double)strtof(tmp, NULL) : strtod(tmp, NULL);
}

/* Steps the p-digit decimal d x 10^e by one unit in its last place (dir = +1 or -1).
 * Returns 0 when the step leaves p-digit form in a way we do not need to consider. */
static int step_digits(char *digits, int *e, int dir)
{
    int n = (int)strlen(digits);
    if (dir > 0) {
        int i = n - 1;
        while (i >= 0 && digits[i] == '9')
            digits[i--] = '0';
        if (i < 0) { /* 99..9 -> 100..0: one more decade */
            digits[0] = '1';
            (*e)++;
        } else {
            digits[i]++;
        }
    } else {
        int i = n - 1;
        while (i >= 0 && digits[i] == '0')
            digits[i--] = '9';
        if (i < 0)
            return 0;
        digits[i]--;
        if (digits[0] == '0') { /* 10..0 -> 9..9 (p digits), one decade less */
            memmove(digits, digits + 1, (size_t)n - 1);
            digits[n - 1] = '9';
            (*e)--;
        }
    }
    return 1;
}

/* The p-digit decimal nearest to v if it reads back as v; else its neighbour on the other side
 * of v if that does (the rounding interval is asymmetric at powers of two). Returns 0 if
 * neither does: then no p-digit decimal reads back as v. */
static int shortest_try(double v, int p, char *digits, int *e, int neg, int f32)
{
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
    split_e(tmp, digits, e);
    double r = parse_digits(digits, *e, neg, f32);
    if (r == v)
        return 1;
    int dir = (fabs(r) > fabs(v)) ? -1 : +1;
    char d2[40];
    int e2 = *e;
    strcpy(d2, digits);
    if (step_digits(d2, &e2, dir) && parse_digits(d2, e2, neg, f32) == v) {
        strcpy(digits, d2);
        *e = e2;
        return 1;
    }
    return 0;
}

char *tyl_repr_double(char *buf, double v)
{
    if (isnan(v)) {
        strcpy(buf, "nan");
        return buf;
    }
    if (isinf(v)) {
        strcpy(buf, v < 0 ? "-inf" : "inf");
        return buf;
    }
    int neg = signbit(v) != 0;
    if (v == 0.0) {
        strcpy(buf, neg ? "-0.0" : "0.0");
        return buf;
    }

    /* Shortest digit string that reads back as v; among the shortest, the nearest to v (as
     * David Gay's dtoa mode 0, which CPython uses). Whether some p-digit string round-trips is
     * monotonic in p (pad a shorter one with zeros), so binary search p in 1..17. */
    char digits[40];
    int e = 0;
    int lo = 1, hi = 17; /* 17 digits always round-trip */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (shortest_try(v, mid, digits, &e, neg, 0))
            hi = mid;
        else
            lo = mid + 1;
    }
    shortest_try(v, lo, digits, &e, neg, 0);

    /* strip trailing zeros of the digit string */
    int n = (int)strlen(digits);
    while (n > 1 && digits[n - 1] == '0')
        digits[--n] = '\0';

    char *o = buf;
    if (neg)
        *o++ = '-';
    if (e >= -4 && e < 16) {
        if (e < 0) {
            *o++ = '0';
            *o++ = '.';
            for (int i = 0; i < -e - 1; i++)
                *o++ = '0';
            memcpy(o, digits, (size_t)n);
            o += n;
        } else {
            int intdig = e + 1; /* digits before the point */
            for (int i = 0; i < intdig; i++)
                *o++ = i < n ? digits[i] : '0';
            *o++ = '.';
            if (n > intdig) {
                memcpy(o, digits + intdig, (size_t)(n - intdig));
                o += n - intdig;
            } else {
                *o++ = '0';
            }
        }
        *o = '\0';
    } else {
        *o++ = digits[0];
        if (n > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)n - 1);
            o += n - 1;
        }
        snprintf(o, 16, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    }
    return buf;
}

/* ---- print ----------------------------------------------------------------------------------- */

static char *line;
static size_t line_len, line_cap;

static void line_append(const char *s, size_t n)
{
    if (tyl_rt_rank_ != 0)
        return;
    if (line_len + n + 1 > line_cap) {
        size_t cap = line_cap ? line_cap : 256;
        while (line_len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(line, cap);
        if (!p) {
            fflush(stdout);
            fprintf(stderr, "tyles: error: out of memory in print\n");
            exit(1);
        }
        line = p;
        line_cap = cap;
    }
    memcpy(line + line_len, s, n);
    line_len += n;
    line[line_len] = '\0';
}

void tyl_print_str(const char *s)
{
    line_append(s, strlen(s));
}

void tyl_print_int(int64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    line_append(buf, (size_t)n);
}

void tyl_print_uint64(uint64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    line_append(buf, (size_t)n);
}

void tyl_print_float(double v)
{
    char buf[40];
    tyl_repr_double(buf, v);
    line_append(buf, strlen(buf));
}

void tyl_print_bool(bool v)
{
    tyl_print_str(v ? "True" : "False");
}

/* print(..., file=sys.stderr) writes its lines to stderr (fd 2), print(..., file=f) and f.write()
 * to the file open() opened as number k (100 + k; tyl_file_open, tyl_os.c, opens it) */
static int print_fd = 1;
void tyl_print_stream(int fd) { print_fd = fd; }

enum { MAX_FILES = 4096 };
static FILE *files[MAX_FILES + 1];           /* rank 0's streams */
static unsigned char is_open[MAX_FILES + 1]; /* on every rank: a write to a closed file stops all */

int tyl_print_file_opened_(int k, FILE *f)
{
    if (k < 1 || k > MAX_FILES)
        return 1;
    files[k] = f;
    is_open[k] = 1;
    return 0;
}

void tyl_file_close(int k)
{
    if (k < 1 || k > MAX_FILES)
        return;
    is_open[k] = 0;
    if (files[k]) {
        fclose(files[k]);
        files[k] = NULL;
    }
}

void tyl_print_file(int k, const char *where)
{
    if (k < 1 || k > MAX_FILES || !is_open[k])
        tyl_rt_error_all(where, "ValueError: I/O operation on closed file.");
    tyl_print_stream(100 + k);
}

void tyl_files_close_(void)
{
    for (int k = 1; k <= MAX_FILES; k++)
        tyl_file_close(k);
}

void tyl_print_end(const char *end)
{
    if (tyl_rt_rank_ != 0)
        return;
    line_append(end, strlen(end));
    FILE *out = print_fd == 2 ? stderr : print_fd >= 100 ? files[print_fd - 100] : stdout;
    if (!out) {
        fflush(stdout);
        fprintf(stderr, "ValueError: I/O operation on closed file.\n");
        exit(1);
    }
    if (line_len)
        fwrite(line, 1, line_len, out);
    if (print_fd < 100)
        fflush(out);
    line_len = 0;
}

/* ---- run-time strings (tyl_format.c does the formatting) ------------------------------------ */

/* Strings 1.. of the program; 0 is print's scratch. */
static tyl_sbuf *strs;
static int nstrs;

static tyl_sbuf *str_buf(int k)
{
    if (k < 0)
        k = 0;
    if (k >= nstrs) {
        tyl_sbuf *p = realloc(strs, sizeof *p * (size_t)(k + 1));
        if (!p) {
            fflush(stdout);
            fprintf(stderr, "tyles: error: out of memory in a string\n");
            exit(1);
        }
        memset(p + nstrs, 0, sizeof *p * (size_t)(k + 1 - nstrs));
        strs = p;
        nstrs = k + 1;
    }
    return &strs[k];
}

/* After formatting into b: out of memory, or Python's exception for the value (kind 'i' 'f'
 * 'b') and spec (one built at run time may be invalid, f"{x:.{p}f}" with p < 0). */
static void str_done(tyl_sbuf *b, int rc, const char *where, int kind, const char *spec)
{
    if (b->oom) {
        fflush(stdout);
        fprintf(stderr, "tyles: error: out of memory in a string\n");
        exit(1);
    }
    if (rc == -2)
        tyl_rt_error_all(where, "OverflowError: %%c arg not in range(0x110000)");
    if (rc == -1) {
        tyl_fspec f;
        char err[200];
        tyl_fspec_parse(spec, kind, &f, err, sizeof err);
        tyl_rt_error_all(where, "ValueError: %s", err);
    }
}

void tyl_str_reset(int k)
{
    tyl_sbuf *b = str_buf(k);
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}
void tyl_str_add(int k, const char *s)
{
    tyl_sbuf *b = str_buf(k);
    tyl_sbuf_add(b, s, strlen(s));
    str_done(b, 0, NULL, 'i', "");
}
void tyl_str_fmt_f64(int k, const char *spec, double x, const char *where)
{
    tyl_sbuf *b = str_buf(k);
    str_done(b, tyl_format_double(b, spec, x), where, 'f', spec);
}
void tyl_str_fmt_f32(int k, const char *spec, float x, const char *where)
{
    if (spec[0]) {
        tyl_str_fmt_f64(k, spec, (double)x, where);
        return;
    }
    char buf[48];
    tyl_repr_float32(buf, x);
    tyl_str_add(k, buf);
}
void tyl_str_fmt_i64(int k, const char *spec, int64_t x, const char *where)
{
    tyl_sbuf *b = str_buf(k);
    str_done(b, tyl_format_int(b, spec, x), where, 'i', spec);
}
void tyl_str_fmt_bool(int k, const char *spec, bool x, const char *where)
{
    tyl_sbuf *b = str_buf(k);
    str_done(b, tyl_format_bool(b, spec, x), where, 'b', spec);
}
const char *tyl_str_get(int k)
{
    tyl_sbuf *b = str_buf(k);
    return b->s ? b->s : "";
}

const char *tyl_str_npy(int k)
{
    tyl_sbuf *b = str_buf(k);
    if (b->len < 4 || memcmp(b->s + b->len - 4, ".npy", 4) != 0) {
        tyl_sbuf_add(b, ".npy", 4);
        str_done(b, 0, NULL, 'i', "");
    }
    return tyl_str_get(k);
}

#define PRINT_FMT(name, T)                                                                     \
    void tyl_print_fmt_##name(const char *spec, T x, const char *where)                       \
    {                                                                                          \
        tyl_str_reset(0);                                                                      \
        tyl_str_fmt_##name(0, spec, x, where);                                                 \
        tyl_print_str(tyl_str_get(0));                                                         \
    }
PRINT_FMT(f64, double)
PRINT_FMT(f32, float)
PRINT_FMT(i64, int64_t)
PRINT_FMT(bool, bool)
#undef PRINT_FMT

void tyl_print_reset_(void)
{
    free(line);
    line = NULL;
    line_len = line_cap = 0;
    for (int k = 0; k < nstrs; k++)
        tyl_sbuf_free(&strs[k]);
    free(strs);
    strs = NULL;
    nstrs = 0;
}

/* ---- str(np.float32) -------------------------------------------------------------------------- */

static int shortest_digits(double v, int f32, char *digits, int *e);

/* NumPy 2 prints a float32 scalar with the fewest digits that read back as the same float32
 * (among those, the nearest), positional for 1e-4 <= |x| < 1e6 and scientific otherwise: its
 * cutoff is 10^(decimal digits of the type) = 1e6 for float32 (1e16 for float64, as Python's
 * repr). The comparison is of the exact value: np.float32(1e-4) is below 1e-4, so 1e-04. */
char *tyl_repr_float32(char *buf, float v)
{
    if (v != v)
        return strcpy(buf, "nan");
    if (v == (float)(1.0 / 0.0))
        return strcpy(buf, "inf");
    if (v == -(float)(1.0 / 0.0))
        return strcpy(buf, "-inf");
    char digits[24];
    int e = 0, n = shortest_digits((double)v, 1, digits, &e);
    double mag = fabs((double)v);
    char *o = buf;
    if (signbit(v))
        *o++ = '-';
    if (v == 0.0f) {
        strcpy(o, "0.0");
        return buf;
    }
    if (mag >= 1e-4 && mag < 1e6) {
        if (e >= 0) {
            for (int i = 0; i <= e; i++)
                *o++ = i < n ? digits[i] : '0';
            *o++ = '.';
            if (n > e + 1)
                for (int i = e + 1; i < n; i++)
                    *o++ = digits[i];
            else
                *o++ = '0';
        } else {
            *o++ = '0';
            *o++ = '.';
            for (int i = 0; i < -e - 1; i++)
                *o++ = '0';
            for (int i = 0; i < n; i++)
                *o++ = digits[i];
        }
        *o = '\0';
    } else {
        *o++ = digits[0];
        if (n > 1) {
            *o++ = '.';
            for (int i = 1; i < n; i++)
                *o++ = digits[i];
        }
        sprintf(o, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    }
    return buf;
}

void tyl_print_float32(float v)
{
    char b[48];
    tyl_repr_float32(b, v);
    tyl_print_str(b);
}

/* ---- print(u), print(repr(u)): NumPy 2's array formatting ------------------------------------ */

/* NumPy's print options: its defaults, until np.set_printoptions changes them (on every rank
 * alike: the elements gathered for a summarised array depend on them). */
enum { PR_EDGE_MAX = 64 };
static int pr_edge = 3, pr_linewidth = 75, pr_precision = 8, pr_suppress = 0;
static int64_t pr_threshold = 1000;

void tyl_set_printoptions(int precision, int64_t threshold, int edgeitems, int linewidth, int suppress)
{
    if (precision >= 0)
        pr_precision = precision;
    if (threshold >= 0)
        pr_threshold = threshold;
    else if (threshold == -2)
        pr_threshold = INT64_MAX;
    if (edgeitems >= 0)
        pr_edge = edgeitems < PR_EDGE_MAX ? edgeitems : PR_EDGE_MAX;
    if (linewidth >= 0)
        pr_linewidth = linewidth;
    if (suppress >= 0)
        pr_suppress = suppress;
}

typedef struct pr_buf {
    char *p;
    size_t n, cap;
} pr_buf;

static void pr_oom(void)
{
    fflush(stdout);
    fprintf(stderr, "tyles: error: out of memory in print\n");
    exit(1);
}

static void pb_add(pr_buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 128;
        while (b->n + n + 1 > cap)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            pr_oom();
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void pb_adds(pr_buf *b, const char *s)
{
    pb_add(b, s, strlen(s));
}

static void pb_rep(pr_buf *b, char c, int k)
{
    for (int i = 0; i < k; i++)
        pb_add(b, &c, 1);
}

/* Shortest digits that read back as v (as a float32 when f32), trailing zeros removed:
 * v = d1.d2...dn x 10^e. Zero gives "0", e = 0. Returns n. */
static int shortest_digits(double v, int f32, char *digits, int *e)
{
    if (v == 0.0) {
        strcpy(digits, "0");
        *e = 0;
        return 1;
    }
    int neg = signbit(v) != 0;
    int lo = 1, hi = f32 ? 9 : 17;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (shortest_try(v, mid, digits, e, neg, f32))
            hi = mid;
        else
            lo = mid + 1;
    }
    shortest_try(v, lo, digits, e, neg, f32);
    int n = (int)strlen(digits);
    while (n > 1 && digits[n - 1] == '0')
        digits[--n] = '\0';
    return n;
}

/* Dragon4 as NumPy's FloatingFormat calls it first (precision 8, unique, trim '.'): the shortest
 * round-trip digits, or, where those have more than 8 digits after the point, the exactly
 * rounded value at 8 digits (glibc's printf rounds exactly, ties to even, as Dragon4 does) with
 * trailing zeros trimmed. ip: sign and integer part, fp: fraction digits, ep: exponent digits
 * ("" when positional) and *eneg its sign. */
static void float_parts(double v, int f32, int sci, char *ip, char *fp, char *ep, int *eneg)
{
    char digits[48], tmp[400];
    int e, n = shortest_digits(v, f32, digits, &e);
    char *o = ip;
    if (signbit(v))
        *o++ = '-';
    ep[0] = '\0';
    *eneg = 0;
    if (sci) {
        if (n - 1 > pr_precision) {
            snprintf(tmp, sizeof tmp, "%.*e", pr_precision, fabs(v));
            n = split_e(tmp, digits, &e);
            while (n > 1 && digits[n - 1] == '0')
                digits[--n] = '\0';
        }
        *o++ = digits[0];
        *o = '\0';
        memcpy(fp, digits + 1, (size_t)n);
        *eneg = e < 0;
        snprintf(ep, 16, "%02d", e < 0 ? -e : e);
        return;
    }
    if (n - 1 - e > pr_precision) {
        /* positional values are below 1e8 here, so tmp is large enough */
        snprintf(tmp, sizeof tmp, "%.*f", pr_precision, fabs(v));
        char *dot = strchr(tmp, '.');
        *dot = '\0';
        strcpy(o, tmp);
        strcpy(fp, dot + 1);
        size_t k = strlen(fp);
        while (k > 0 && fp[k - 1] == '0')
            fp[--k] = '\0';
        return;
    }
    if (e < 0) {
        *o++ = '0';
        for (int i = 0; i < -e - 1; i++)
            *fp++ = '0';
        memcpy(fp, digits, (size_t)n + 1);
    } else {
        for (int i = 0; i <= e; i++)
            *o++ = i < n ? digits[i] : '0';
        strcpy(fp, n > e + 1 ? digits + e + 1 : "");
    }
    *o = '\0';
}

/* The layout NumPy's formatter class for the dtype computes over all printed elements. */
typedef struct pr_fmt {
    tyl_dtype dt;
    int width;                  /* integers: the widest */
    int sci;                    /* floats: scientific notation */
    int pad_left, pad_right, prec, exp_size;
} pr_fmt;

static double pr_float(const pr_fmt *f, const void *vals, int64_t k)
{
    return f->dt == TYL_FLOAT32 ? (double)((const float *)vals)[k] : ((const double *)vals)[k];
}

static int64_t pr_int(const pr_fmt *f, const void *vals, int64_t k)
{
    switch (f->dt) {
    case TYL_INT32: return ((const int32_t *)vals)[k];
    case TYL_INT8: return ((const int8_t *)vals)[k];
    case TYL_UINT8: return ((const uint8_t *)vals)[k];
    case TYL_INT16: return ((const int16_t *)vals)[k];
    case TYL_UINT16: return ((const uint16_t *)vals)[k];
    case TYL_UINT32: return ((const uint32_t *)vals)[k];
    default: return ((const int64_t *)vals)[k]; /* TYL_UINT64: pr_int_text */
    }
}
static int pr_is_int(tyl_dtype dt) { return dt != TYL_BOOL && dt != TYL_FLOAT32 && dt != TYL_FLOAT64; }
static int pr_int_text(char *t, size_t n, int width, const pr_fmt *f, const void *vals, int64_t k)
{
    if (f->dt == TYL_UINT64)
        return snprintf(t, n, "%*llu", width, (unsigned long long)((const uint64_t *)vals)[k]);
    return snprintf(t, n, "%*lld", width, (long long)pr_int(f, vals, k));
}

static void pr_fmt_init(pr_fmt *f, tyl_dtype dt, const void *vals, int64_t count)
{
    memset(f, 0, sizeof *f);
    f->dt = dt;
    if (pr_is_int(dt)) {
        char b[32];
        for (int64_t k = 0; k < count; k++) {
            int w = pr_int_text(b, sizeof b, 0, f, vals, k);
            if (w > f->width)
                f->width = w;
        }
        return;
    }
    if (dt != TYL_FLOAT32 && dt != TYL_FLOAT64)
        return;
    int f32 = dt == TYL_FLOAT32;
    /* notation: from the finite non-zero magnitudes, compared in the array's own precision
     * (NumPy 2 compares a float32 with Python floats as float32); the upper cutoff is
     * 10^min(8, decimal digits of the type): 1e8 for float64, 1e6 for float32 */
    double mx = 0, mn = 0;
    int any = 0, nonfinite = 0, neginf = 0;
    for (int64_t k = 0; k < count; k++) {
        double v = pr_float(f, vals, k);
        if (!isfinite(v)) {
            nonfinite = 1;
            neginf |= isinf(v) && v < 0;
            continue;
        }
        if (v == 0)
            continue;
        v = fabs(v);
        if (!any || v > mx)
            mx = v;
        if (!any || v < mn)
            mn = v;
        any = 1;
    }
    if (any) {
        /* suppress=True: small values print as 0 rather than switching to scientific */
        if (f32)
            f->sci = (float)mx >= 1e6f ||
                     (!pr_suppress && ((float)mn < 0.0001f || (float)mx / (float)mn > 1000.0f));
        else
            f->sci = mx >= 1e8 || (!pr_suppress && (mn < 0.0001 || mx / mn > 1000.0));
    }
    char ip[48], fp[400], ep[16];
    int eneg, nfin = 0;
    for (int64_t k = 0; k < count; k++) {
        double v = pr_float(f, vals, k);
        if (!isfinite(v))
            continue;
        nfin++;
        float_parts(v, f32, f->sci, ip, fp, ep, &eneg);
        int li = (int)strlen(ip), lf = (int)strlen(fp), le = (int)strlen(ep);
        if (li > f->pad_left)
            f->pad_left = li;
        if (lf > f->prec)
            f->prec = lf;
        if (le > f->exp_size)
            f->exp_size = le;
    }
    if (nfin == 0)
        f->sci = 0, f->prec = 0;
    /* scientific: every mantissa gets the longest fraction; pad_right is only for nan/inf */
    f->pad_right = f->sci ? f->exp_size + 2 + f->prec : f->prec;
    if (nonfinite) {
        int offset = f->pad_right + 1;
        if (3 - offset > f->pad_left)
            f->pad_left = 3 - offset;
        if (3 + neginf - offset > f->pad_left)
            f->pad_left = 3 + neginf - offset;
    }
}

/* One element, as NumPy's format function for the array writes it. */
static void pr_elem(const pr_fmt *f, const void *vals, int64_t k, pr_buf *b)
{
    char t[48];
    switch (f->dt) {
    case TYL_BOOL:
        pb_adds(b, ((const bool *)vals)[k] ? " True" : "False");
        return;
    case TYL_FLOAT32:
    case TYL_FLOAT64:
        break;
    default:
        pr_int_text(t, sizeof t, f->width, f, vals, k);
        pb_adds(b, t);
        return;
    }
    double v = pr_float(f, vals, k);
    if (!isfinite(v)) {
        const char *w = isnan(v) ? "nan" : v < 0 ? "-inf" : "inf";
        pb_rep(b, ' ', f->pad_left + f->pad_right + 1 - (int)strlen(w));
        pb_adds(b, w);
        return;
    }
    if (f->sci) {
        /* Dragon4 with min_digits = prec: past the shortest unique digits come the value's
         * own digits, the last one rounded, i.e. the exact value rounded to prec digits */
        char tmp[64], digits[64];
        int e;
        snprintf(tmp, sizeof tmp, "%.*e", f->prec, fabs(v));
        int n = split_e(tmp, digits, &e);
        int ae = e < 0 ? -e : e, le = snprintf(tmp, sizeof tmp, "%d", ae);
        pb_rep(b, ' ', f->pad_left - 1 - (signbit(v) ? 1 : 0));
        if (signbit(v))
            pb_add(b, "-", 1);
        pb_add(b, digits, 1);
        pb_add(b, ".", 1);
        pb_add(b, digits + 1, (size_t)n - 1);
        pb_adds(b, e < 0 ? "e-" : "e+");
        pb_rep(b, '0', (f->exp_size > 2 ? f->exp_size : 2) - le);
        pb_adds(b, tmp);
        return;
    }
    char ip[48], fp[400], ep[16];
    int eneg;
    float_parts(v, f->dt == TYL_FLOAT32, 0, ip, fp, ep, &eneg);
    int li = (int)strlen(ip), lf = (int)strlen(fp);
    pb_rep(b, ' ', f->pad_left - li);
    pb_adds(b, ip);
    pb_add(b, ".", 1);
    pb_adds(b, fp);
    pb_rep(b, ' ', f->pad_right - lf);
}

/* The printed elements: the whole array, or when summarised only the first and last pr_edge
 * indices of every axis longer than 2 * pr_edge, in C order. */
typedef struct pr_arr {
    int r;
    int64_t sshape[TYL_MAX_RANK];
    int summ[TYL_MAX_RANK];
    const char *sep;
    const void *vals;
    pr_fmt f;
} pr_arr;

/* NumPy's _extendLine: start a new line when the word would pass the width, unless the line
 * holds no more than the indent. */
static void pr_extend(pr_buf *s, pr_buf *line, const char *word, size_t wlen, int width,
                      const char *hang, size_t hlen)
{
    if (line->n + wlen > (size_t)width && line->n > hlen) {
        size_t n = line->n;
        while (n > 0 && line->p[n - 1] == ' ')
            n--;
        pb_add(s, line->p, n);
        pb_add(s, "\n", 1);
        line->n = 0;
        pb_add(line, hang, hlen);
    }
    pb_add(line, word, wlen);
}

/* NumPy's _formatArray recursion: writes the sub-array at shown offset `off` of axis `axis`
 * to out, with indent `hang` for continuation lines and `width` columns. */
static void pr_rec(const pr_arr *A, int axis, int64_t off, const char *hang, size_t hlen, int width,
                   pr_buf *out)
{
    if (axis == A->r) {
        pr_elem(&A->f, A->vals, off, out);
        return;
    }
    char nhang[TYL_MAX_RANK + 16];
    memcpy(nhang, hang, hlen);
    nhang[hlen] = ' ';
    nhang[hlen + 1] = '\0';
    int left = A->r - axis;
    int64_t len = A->sshape[axis];
    /* positions: shown indices, with -1 where "..." goes */
    int64_t pos[2 * PR_EDGE_MAX + 1], npos = 0;
    const int64_t *idx = NULL;
    if (A->summ[axis]) {
        for (int i = 0; i < pr_edge; i++)
            pos[npos++] = i;
        pos[npos++] = -1;
        for (int i = pr_edge; i < 2 * pr_edge; i++)
            pos[npos++] = i;
        idx = pos;
    } else {
        npos = len;
    }
    size_t seplen = strlen(A->sep), sepr = seplen;
    while (sepr > 0 && A->sep[sepr - 1] == ' ')
        sepr--;
    pr_buf s = {0}, word = {0}, line = {0};
    if (left == 1) {
        int elem_width = width - (int)(sepr > 1 ? sepr : 1);
        pb_add(&line, hang, hlen);
        for (int64_t j = 0; j < npos; j++) {
            int64_t i = idx ? idx[j] : j;
            word.n = 0;
            if (i < 0)
                pb_add(&word, "...", 3);
            else
                pr_rec(A, axis + 1, off * len + i, nhang, hlen + 1, width - 1, &word);
            pr_extend(&s, &line, word.p, word.n, elem_width, hang, hlen);
            if (j + 1 < npos)
                pb_add(&line, A->sep, seplen);
        }
        pb_add(&s, line.p, line.n);
    } else {
        for (int64_t j = 0; j < npos; j++) {
            int64_t i = idx ? idx[j] : j;
            pb_add(&s, hang, hlen);
            if (i < 0)
                pb_add(&s, "...", 3);
            else
                pr_rec(A, axis + 1, off * len + i, nhang, hlen + 1, width - 1, &s);
            if (j + 1 < npos) {
                pb_add(&s, A->sep, sepr);
                pb_rep(&s, '\n', left - 1);
            }
        }
    }
    pb_add(out, "[", 1);
    pb_add(out, s.p + hlen, s.n - hlen);
    pb_add(out, "]", 1);
    free(s.p);
    free(word.p);
    free(line.p);
}

/* str(a) or repr(a) of the printed elements vals (laid out as pr_arr says) into out. */
static void pr_format(pr_buf *out, const tyl_array *a, const int *summ, const int64_t *sshape,
                      const void *vals, int64_t count, int repr)
{
    static const char hang_str[] = " ", hang_repr[] = "       "; /* "[" and "array([" */
    if (a->size == 0) {
        pb_adds(out, repr ? "array([]" : "[]");
    } else {
        pr_arr A;
        memset(&A, 0, sizeof A);
        A.r = a->rank;
        for (int d = 0; d < a->rank; d++) {
            A.sshape[d] = sshape[d];
            A.summ[d] = summ[d];
        }
        A.sep = repr ? ", " : " ";
        A.vals = vals;
        pr_fmt_init(&A.f, a->dtype, vals, count);
        if (repr)
            pb_adds(out, "array(");
        /* repr keeps room for the closing ")" */
        pr_rec(&A, 0, 0, repr ? hang_repr : hang_str, repr ? 7 : 1,
               repr ? pr_linewidth - 1 : pr_linewidth, out);
    }
    if (!repr)
        return;
    /* the extras NumPy adds when the text does not imply them */
    char extra[200] = "", shp[128];
    if ((a->size == 0 && !(a->rank == 1)) || a->size > pr_threshold)
        snprintf(extra, sizeof extra, "shape=%s", tyl_rt_shape_str(shp, a->rank, a->shape));
    if ((a->dtype != TYL_FLOAT64 && a->dtype != TYL_INT64 && a->dtype != TYL_BOOL) || a->size == 0) {
        size_t k = strlen(extra);
        snprintf(extra + k, sizeof extra - k, "%sdtype=%s", k ? ", " : "", tyl_dtype_name_(a->dtype));
    }
    if (!extra[0]) {
        pb_add(out, ")", 1);
        return;
    }
    pb_add(out, ",", 1);
    const char *nl = strrchr(out->p, '\n');
    size_t last = nl ? out->n - (size_t)(nl + 1 - out->p) : out->n;
    if (last + strlen(extra) + 1 + 1 > (size_t)pr_linewidth)
        pb_adds(out, "\n      ");
    else
        pb_add(out, " ", 1);
    pb_adds(out, extra);
    pb_add(out, ")", 1);
}

/* A view of an array: base index of view index iv along base dimension d is lo[d] +
 * step[d] * iv[vdim[d]], or lo[d] where vdim[d] < 0 (an integer index drops the dimension). */
typedef struct pr_map {
    int64_t lo[TYL_MAX_RANK], step[TYL_MAX_RANK];
    int vdim[TYL_MAX_RANK];
} pr_map;

/* Collects the printed elements of the view m of a on rank 0 (C order of the shown view, whose
 * shape is vshape[0..vrank)); NULL elsewhere. Collective for a distributed array. */
static void *pr_collect(const tyl_array *a, const pr_map *map, int vrank, const int64_t *vshape,
                        const int *summ, const int64_t *sshape, int64_t count)
{
    size_t el = tyl_dtype_size(a->dtype);
    int dist = a->layout && a->layout->dist;
    int nranks = 1;
#ifndef TYL_NO_MPI
    if (dist)
        MPI_Comm_size(tyl_rt_comm_, &nranks);
#endif
    if (!dist && tyl_rt_rank_ != 0)
        return NULL; /* replicated: rank 0 has it all */
    tyl_mem_sync();
    /* the shown elements this rank owns: shown offset and value */
    char *vals = malloc((size_t)(count ? count : 1) * el);
    int64_t *ids = malloc((size_t)(count ? count : 1) * sizeof *ids);
    if (!vals || !ids)
        pr_oom();
    int64_t m = 0;
    for (int64_t k = 0; k < count; k++) {
        int64_t q = k, off = 0, iv[TYL_MAX_RANK];
        int own = 1;
        for (int d = vrank - 1; d >= 0; d--) {
            int64_t i = q % sshape[d];
            q /= sshape[d];
            iv[d] = summ[d] && i >= pr_edge ? vshape[d] - 2 * pr_edge + i : i;
        }
        for (int d = 0; d < a->rank; d++) {
            int64_t g = map->vdim[d] >= 0 ? map->lo[d] + map->step[d] * iv[map->vdim[d]] : map->lo[d];
            int64_t lo = a->lo[d], n = a->n[d];
            if (g < lo || g >= lo + n)
                own = 0;
            off += (g - lo) * a->stride[d];
        }
        if (!own)
            continue;
        tyl_mem_to_host(vals + (size_t)m * el, (const char *)a->data + (size_t)off * el, el);
        ids[m++] = k;
    }
    if (nranks == 1) {
        free(ids);
        return vals;
    }
#ifndef TYL_NO_MPI
    int me = tyl_rt_rank_, cnt = (int)m;
    int *counts = NULL, *displs = NULL, *bcounts = NULL, *bdispls = NULL;
    char *allv = NULL, *out = NULL;
    int64_t *alli = NULL;
    if (me == 0) {
        counts = malloc(4 * sizeof(int) * (size_t)nranks);
        allv = malloc((size_t)(count ? count : 1) * el);
        alli = malloc((size_t)(count ? count : 1) * sizeof *alli);
        out = malloc((size_t)(count ? count : 1) * el);
        if (!counts || !allv || !alli || !out)
            pr_oom();
        displs = counts + nranks;
        bcounts = displs + nranks;
        bdispls = bcounts + nranks;
    }
    MPI_Gather(&cnt, 1, MPI_INT, counts, 1, MPI_INT, 0, tyl_rt_comm_);
    if (me == 0)
        for (int r = 0, at = 0; r < nranks; r++) {
            displs[r] = at;
            bcounts[r] = counts[r] * (int)el;
            bdispls[r] = at * (int)el;
            at += counts[r];
        }
    MPI_Gatherv(ids, cnt, MPI_INT64_T, alli, counts, displs, MPI_INT64_T, 0, tyl_rt_comm_);
    MPI_Gatherv(vals, cnt * (int)el, MPI_BYTE, allv, bcounts, bdispls, MPI_BYTE, 0, tyl_rt_comm_);
    free(ids);
    free(vals);
    if (me != 0)
        return NULL;
    int64_t total = displs[nranks - 1] + counts[nranks - 1];
    for (int64_t j = 0; j < total; j++)
        memcpy(out + (size_t)alli[j] * el, allv + (size_t)j * el, el);
    free(counts);
    free(allv);
    free(alli);
    return out;
#else
    return vals;
#endif
}

/* The text of view m (of shape vshape[0..vrank)) of a on rank 0, NULL elsewhere. */
static char *pr_view_text(const tyl_array *a, const pr_map *m, int vrank, const int64_t *vshape, int repr)
{
    /* the view as an array header, for the formatter (dtype, rank, shape, size) */
    tyl_array v;
    memset(&v, 0, sizeof v);
    v.dtype = a->dtype;
    v.rank = vrank;
    v.size = 1;
    for (int d = 0; d < TYL_MAX_RANK; d++) {
        v.shape[d] = d < vrank ? vshape[d] : 1;
        v.size *= v.shape[d];
    }
    int summ[TYL_MAX_RANK] = {0};
    int64_t sshape[TYL_MAX_RANK], count = 1;
    int summarise = v.size > pr_threshold;
    for (int d = 0; d < vrank; d++) {
        summ[d] = summarise && vshape[d] > 2 * pr_edge;
        sshape[d] = summ[d] ? 2 * pr_edge : vshape[d];
        count *= sshape[d];
    }
    void *vals = pr_collect(a, m, vrank, vshape, summ, sshape, count);
    if (tyl_rt_rank_ != 0)
        return NULL;
    pr_buf out = {0};
    pr_format(&out, &v, summ, sshape, vals, count, repr);
    free(vals);
    return out.p;
}

char *tyl_print_array_text_(const tyl_array *a, int repr)
{
    pr_map m;
    for (int d = 0; d < a->rank; d++) {
        m.lo[d] = 0;
        m.step[d] = 1;
        m.vdim[d] = d;
    }
    return pr_view_text(a, &m, a->rank, a->shape, repr);
}

static void pr_emit(char *text, const char *end)
{
    if (!text)
        return;
    line_append(text, strlen(text));
    free(text);
    if (end)
        tyl_print_end(end);
}

void tyl_print_array(const tyl_array *a, int repr, const char *end)
{
    pr_emit(tyl_print_array_text_(a, repr), end);
}

void tyl_print_view(const tyl_array *a, const int64_t *lo, const int64_t *step, const int64_t *len,
                    int repr, const char *end)
{
    pr_map m;
    int64_t vshape[TYL_MAX_RANK];
    int vrank = 0;
    for (int d = 0; d < a->rank; d++) {
        m.lo[d] = lo[d];
        m.step[d] = step[d];
        m.vdim[d] = len[d] < 0 ? -1 : vrank;
        if (len[d] >= 0)
            vshape[vrank++] = len[d];
    }
    pr_emit(pr_view_text(a, &m, vrank, vshape, repr), end);
}

/* ---- print(a, b, ...) in one call (sep " ", end "\n") ---- */

void tyl_print_line(const char *kinds, ...)
{
    va_list ap;
    va_start(ap, kinds);
    for (const char *k = kinds; *k; k++) {
        if (k != kinds)
            tyl_print_str(" ");
        switch (*k) {
        case 's': tyl_print_str(va_arg(ap, const char *)); break;
        case 'i': tyl_print_int(va_arg(ap, int64_t)); break;
        case 'u': tyl_print_uint64(va_arg(ap, uint64_t)); break;
        case 'f': tyl_print_float(va_arg(ap, double)); break;
        case 'g': tyl_print_float32((float)va_arg(ap, double)); break; /* a float32, promoted */
        case 'b': tyl_print_bool(va_arg(ap, int) != 0); break;
        default: tyl_rt_error("print", "internal error: print item kind '%c'", *k);
        }
    }
    va_end(ap);
    tyl_print_end("\n");
}
