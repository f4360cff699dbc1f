/* tyl_argv.c: sys.argv, and int() and float() of run-time strings (sys.argv's items).
 *
 * A program that reads sys.argv takes positional arguments (the generated main calls
 * tyl_argv_accept before tyl_rt_init): every argument that is not a --NAME=VALUE option, and
 * every argument after a bare "--", is one of sys.argv[1:], in order; sys.argv[0] is the
 * program as it was started. Other programs refuse positional arguments (a mistyped option).
 * Every rank gets the same arguments from mpirun, so the values are the same on every rank.
 */
#include "tyl_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool accept_;
static const char **args_; /* [0] the program, then the positional arguments */
static int64_t nargs_;

void tyl_argv_accept(void) { accept_ = true; }

bool tyl_argv_accepting_(void) { return accept_; }

void tyl_argv_push_(const char *arg)
{
    const char **p = realloc(args_, sizeof *p * (size_t)(nargs_ + 1));
    if (!p) {
        fprintf(stderr, "tyles: error: out of memory for the arguments\n");
        exit(1);
    }
    args_ = p;
    args_[nargs_++] = arg;
}

int64_t tyl_argv_len(void) { return nargs_ ? nargs_ : 1; }

void tyl_argv_item(int k, int64_t i, const char *where)
{
    int64_t n = tyl_argv_len();
    if (i < 0)
        i += n;
    if (i < 0 || i >= n)
        tyl_rt_error_all(where, "IndexError: list index out of range");
    tyl_str_reset(k);
    tyl_str_add(k, nargs_ ? args_[i] : "");
}

bool tyl_str_eq(int k, const char *s, int k2) { return strcmp(tyl_str_get(k), s ? s : tyl_str_get(k2)) == 0; }

/* Python's str.strip() of whitespace, as int() and float() strip it: [*b, *e). Unicode's
 * whitespace too: a number a spreadsheet wrote with a no-break space (U+00A0) around it reads
 * in Python and stopped here with 'could not convert' (h133). */
static void strip(const char *s, const char **b, const char **e)
{
    int w;
    while ((w = tyl_py_space_(s)))
        s += w;
    const char *t = s + strlen(s);
    while (t > s && (w = tyl_py_space_before_(s, t)))
        t -= w;
    *b = s;
    *e = t;
}

/* Python's repr(s) into buf[n] (cut short where it does not fit), for ValueError's message: in
 * double quotes when s holds a single quote and no double one, else in single quotes; a
 * backslash, the quote, \n, \r, \t and other control characters escaped (a newline in an
 * argument broke the message over two lines; 'a'b' was no repr). UTF-8 text is kept. */
const char *tyl_py_repr_(const char *s, char *buf, size_t n)
{
    char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
    size_t m = 0;
    buf[m++] = q;
    for (; *s && m + 6 < n; s++) {
        unsigned char c = (unsigned char)*s;
        const char *esc = c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
        if (esc)
            m += (size_t)snprintf(buf + m, n - m, "%s", esc);
        else if (c == (unsigned char)q)
            m += (size_t)snprintf(buf + m, n - m, "\\%c", q);
        else if (c < 0x20 || c == 0x7f)
            m += (size_t)snprintf(buf + m, n - m, "\\x%02x", c);
        else
            buf[m++] = (char)c;
    }
    buf[m++] = q;
    buf[m] = '\0';
    return buf;
}

/* int(s): base 10, a sign, digits grouped by single underscores, whitespace around */
int64_t tyl_str_int(int k, const char *where)
{
    const char *s = tyl_str_get(k), *p, *e;
    strip(s, &p, &e);
    bool neg = false;
    if (p < e && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    bool ok = p < e && isdigit((unsigned char)*p), big = false;
    for (; ok && p < e; p++) {
        if (*p == '_') {
            ok = p + 1 < e && isdigit((unsigned char)p[1]);
            continue;
        }
        if (!isdigit((unsigned char)*p)) {
            ok = false;
            break;
        }
        unsigned d = (unsigned)(*p - '0');
        if (v > (limit - d) / 10u)
            big = true;
        else
            v = v * 10u + d;
    }
    char r[1024];
    if (!ok)
        tyl_rt_error_all(where, "ValueError: invalid literal for int() with base 10: %s", tyl_py_repr_(s, r, sizeof r));
    if (big)
        tyl_rt_error_all(where, "OverflowError: int(%s) does not fit in 64 bits", tyl_py_repr_(s, r, sizeof r));
    return neg ? (int64_t)(0u - v) : (int64_t)v;
}

/* float(s): what strtod reads of Python's syntax (decimal, inf, infinity, nan in any case),
 * digits grouped by single underscores, whitespace around; not C's hexadecimal or nan(...) */
double tyl_str_float(int k, const char *where)
{
    const char *s = tyl_str_get(k), *p, *e;
    strip(s, &p, &e);
    size_t n = (size_t)(e - p);
    char *t = malloc(n + 1), *end;
    if (!t)
        tyl_rt_error(where, "out of memory");
    size_t m = 0;
    bool ok = n > 0;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (ch == 'x' || ch == 'X' || ch == '(')
            ok = false;
        if (ch != '_')
            t[m++] = ch;
        else if (!i || i + 1 == n || !isdigit((unsigned char)p[i - 1]) || !isdigit((unsigned char)p[i + 1]))
            ok = false;
    }
    t[m] = '\0';
    errno = 0;
    double v = ok ? strtod(t, &end) : 0.0;
    ok = ok && *end == '\0';
    free(t);
    char r[1024];
    if (!ok)
        tyl_rt_error_all(where, "ValueError: could not convert string to float: %s", tyl_py_repr_(s, r, sizeof r));
    return v;
}
