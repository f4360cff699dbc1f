/* tyl_print.c: print() of generated programs and Python's repr(float). */
#define _POSIX_C_SOURCE 200809L
#include "tyl_internal.h"

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
static double parse_digits(const char *digits, int e, int neg)
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
    return strtod(tmp, NULL);
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
static int shortest_try(double v, int p, char *digits, int *e, int neg)
{
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
    split_e(tmp, digits, e);
    double r = parse_digits(digits, *e, neg);
    if (r == v)
        return 1;
    int dir = (fabs(r) > fabs(v)) ? -1 : +1;
    char d2[40];
    int e2 = *e;
    strcpy(d2, digits);
    if (step_digits(d2, &e2, dir) && parse_digits(d2, e2, neg) == v) {
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
        if (shortest_try(v, mid, digits, &e, neg))
            hi = mid;
        else
            lo = mid + 1;
    }
    shortest_try(v, lo, digits, &e, neg);

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

void tyl_print_end(const char *end)
{
    if (tyl_rt_rank_ != 0)
        return;
    line_append(end, strlen(end));
    if (line_len)
        fwrite(line, 1, line_len, stdout);
    fflush(stdout);
    line_len = 0;
}

void tyl_print_reset_(void)
{
    free(line);
    line = NULL;
    line_len = line_cap = 0;
}

/* ---- str(np.float32) -------------------------------------------------------------------------- */

/* NumPy prints a float32 scalar with the fewest digits that read back as the same float32, laid
 * out like Python's repr: positional for 1e-4 <= |x| < 1e16, scientific otherwise. */
char *tyl_repr_float32(char *buf, float v)
{
    if (v != v)
        return strcpy(buf, "nan");
    if (v == (float)(1.0 / 0.0))
        return strcpy(buf, "inf");
    if (v == -(float)(1.0 / 0.0))
        return strcpy(buf, "-inf");
    char tmp[40], digits[24];
    int e = 0, n = 0;
    for (int p = 1; p <= 9; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, (double)v);
        if (strtof(tmp, NULL) == v || p == 9) {
            n = split_e(tmp, digits, &e);
            break;
        }
    }
    while (n > 1 && digits[n - 1] == '0')
        digits[--n] = '\0';
    char *o = buf;
    if (signbit(v))
        *o++ = '-';
    if (v == 0.0f) {
        strcpy(o, "0.0");
        return buf;
    }
    if (e >= -4 && e < 16) {
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
