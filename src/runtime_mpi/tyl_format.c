/* tyl_format.c: Python's format() of ints and floats (see tyl_format.h). It follows CPython's
 * Python/formatter_unicode.c (spec parsing, widths, grouping) and Python/pystrtod.c
 * (format_float_short: placing the digits); the digits themselves come from the C library's
 * %e and %f, which round correctly (ties to even on the exact binary value) as CPython's dtoa
 * does, and from the shortest-digits search for repr. tests/unit/format_check.py compares it
 * with CPython over many random values and specs. */

#include "tyl_format.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- growable string ------------------------------------------------------------------------ */

void tyl_sbuf_add(tyl_sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_rep(tyl_sbuf *b, const char *s, long k)
{
    size_t n = strlen(s);
    for (long i = 0; i < k; i++)
        tyl_sbuf_add(b, s, n);
}

void tyl_sbuf_free(tyl_sbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

/* ---- the spec ------------------------------------------------------------------------------- */

static int is_align(char c) { return c == '<' || c == '>' || c == '=' || c == '^'; }

/* Length of the UTF-8 character at s (1 for a byte that does not start one). */
static int u8len(const char *s)
{
    unsigned char c = (unsigned char)s[0];
    int n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    for (int i = 1; i < n; i++)
        if (!s[i])
            return 1;
    return n;
}

/* Digits at *p as a width or precision: -1 none, -2 too many digits. */
static long get_integer(const char **p)
{
    const char *s = *p;
    long v = 0;
    int any = 0;
    while (*s >= '0' && *s <= '9') {
        if (v > (LONG_MAX - 9) / 10)
            return -2;
        v = v * 10 + (*s++ - '0');
        any = 1;
    }
    *p = s;
    return any ? v : -1;
}

static const char *type_name(int kind)
{
    return kind == 'f' ? "float" : kind == 'b' ? "bool" : kind == 's' ? "str" : "int";
}

static const char *bad_code(char type, int kind, char *err, size_t errlen)
{
    if (type > ' ' && type < 0x7f)
        snprintf(err, errlen, "Unknown format code '%c' for object of type '%s'", type, type_name(kind));
    else
        snprintf(err, errlen, "Unknown format code '\\x%x' for object of type '%s'",
                 (unsigned)(unsigned char)type, type_name(kind));
    return err;
}

const char *tyl_fspec_parse(const char *spec, int kind, tyl_fspec *f, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    strcpy(f->fill, " ");
    f->width = f->prec = -1;
    const char *p = spec;
    int fill_given = 0, align_given = 0;
    int fl = *p ? u8len(p) : 0;
    if (*p && is_align(p[fl])) {
        memcpy(f->fill, p, (size_t)fl);
        f->fill[fl] = '\0';
        f->align = p[fl];
        fill_given = align_given = 1;
        p += fl + 1;
    } else if (is_align(*p)) {
        f->align = *p++;
        align_given = 1;
    }
    if (*p == '+' || *p == '-' || *p == ' ')
        f->sign = *p++;
    if (*p == 'z')
        f->z = 1, p++;
    if (*p == '#')
        f->alt = 1, p++;
    if (!fill_given && *p == '0') {
        strcpy(f->fill, "0");
        if (!align_given && kind != 's')
            f->align = '=';
        p++;
    }
    f->width = get_integer(&p);
    if (f->width == -2) {
        snprintf(err, errlen, "Too many decimal digits in format string");
        return err;
    }
    if (*p == ',')
        f->group = ',', p++;
    if (*p == '_') {
        if (f->group) {
            snprintf(err, errlen, "Cannot specify both ',' and '_'.");
            return err;
        }
        f->group = '_', p++;
    }
    if (*p == ',' && f->group == '_') {
        snprintf(err, errlen, "Cannot specify both ',' and '_'.");
        return err;
    }
    if (*p == '.') {
        p++;
        f->prec = get_integer(&p);
        if (f->prec == -2) {
            snprintf(err, errlen, "Too many decimal digits in format string");
            return err;
        }
        if (f->prec == -1) {
            snprintf(err, errlen, "Format specifier missing precision");
            return err;
        }
    }
    if (*p && p[u8len(p)]) {
        snprintf(err, errlen, "Invalid format specifier '%s' for object of type '%s'", spec, type_name(kind));
        return err;
    }
    if (*p) {
        if (u8len(p) > 1) {
            snprintf(err, errlen, "Unknown format code for object of type '%s'", type_name(kind));
            return err;
        }
        f->type = *p;
    }
    if (f->group) {
        switch (f->type) {
        case 'd': case 'e': case 'f': case 'g': case 'E': case 'G': case '%': case 'F': case 0:
            break;
        case 'b': case 'o': case 'x': case 'X':
            if (f->group == '_')
                break;
            /* fall through */
        default:
            if (f->type > ' ' && f->type < 0x7f)
                snprintf(err, errlen, "Cannot specify '%c' with '%c'.", f->group, f->type);
            else
                snprintf(err, errlen, "Cannot specify '%c' with '\\x%x'.", f->group,
                         (unsigned)(unsigned char)f->type);
            return err;
        }
    }
    if (kind == 's') {
        const char *m = NULL;
        if (f->type && f->type != 's')
            return bad_code(f->type, kind, err, errlen);
        if (f->sign == ' ')
            m = "Space not allowed in string format specifier";
        else if (f->sign)
            m = "Sign not allowed in string format specifier";
        else if (f->z)
            m = "Negative zero coercion (z) not allowed in string format specifier";
        else if (f->alt)
            m = "Alternate form (#) not allowed in string format specifier";
        else if (f->align == '=')
            m = "'=' alignment not allowed in string format specifier";
        if (m)
            snprintf(err, errlen, "%s", m);
        return m ? err : NULL;
    }
    if (kind != 'f') {
        switch (f->type) {
        case 0: case 'b': case 'c': case 'd': case 'o': case 'x': case 'X': case 'n':
            if (f->prec != -1) {
                snprintf(err, errlen, "Precision not allowed in integer format specifier");
                return err;
            }
            if (f->z) {
                snprintf(err, errlen, "Negative zero coercion (z) not allowed in integer format specifier");
                return err;
            }
            if (f->type == 'c' && f->sign) {
                snprintf(err, errlen, "Sign not allowed with integer format specifier 'c'");
                return err;
            }
            if (f->type == 'c' && f->alt) {
                snprintf(err, errlen, "Alternate form (#) not allowed with integer format specifier 'c'");
                return err;
            }
            return NULL;
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
            break;
        default:
            return bad_code(f->type, kind, err, errlen);
        }
    } else {
        switch (f->type) {
        case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'n': case '%':
            break;
        default:
            return bad_code(f->type, kind, err, errlen);
        }
    }
    if (f->prec > INT_MAX) {
        snprintf(err, errlen, "precision too big");
        return err;
    }
    return NULL;
}

/* ---- laying out a number (CPython's calc_number_widths and fill_number) --------------------- */

/* The number split as CPython's parse_number: sign ('-' or 0), prefix ("0x"...), ndig digits of
 * the integer part, whether a decimal point follows, the remainder after it. */
typedef struct numparts {
    char sign;
    const char *prefix;
    const char *digits;
    size_t ndig;
    int decimal;
    const char *rem;
    size_t nrem;   /* bytes */
    long rem_chars; /* characters */
    int grouping;  /* 0 none, else the group size */
} numparts;

static void layout(tyl_sbuf *b, const tyl_fspec *f, const numparts *np)
{
    char sign = 0;
    if (f->sign == '+')
        sign = np->sign ? '-' : '+';
    else if (f->sign == ' ')
        sign = np->sign ? '-' : ' ';
    else
        sign = np->sign;
    long nsign = sign ? 1 : 0, nprefix = (long)strlen(np->prefix);
    long non_digit = nsign + nprefix + (np->decimal ? 1 : 0) + np->rem_chars;
    long min_width = f->fill[0] == '0' && !f->fill[1] && f->align == '=' ? f->width - non_digit : 0;
    char sep = f->group;
    /* the grouped digits, zero padded to min_width (CPython's _PyUnicode_InsertThousandsGrouping),
     * built right to left */
    tyl_sbuf g = {0};
    long ngrouped = 0;
    if (np->ndig) {
        long remaining = (long)np->ndig;
        int use_sep = 0, broken = 0;
        size_t cap = np->ndig * 2 + (size_t)(min_width > 0 ? min_width * 2 : 0) + 8;
        char *out = malloc(cap);
        if (!out) {
            b->oom = 1;
            return;
        }
        size_t pos = cap;
        const char *src_end = np->digits + np->ndig;
#define PUT_GROUP(l_)                                                                         \
    do {                                                                                      \
        long zeros_ = (l_) - remaining > 0 ? (l_) - remaining : 0;                             \
        long chars_ = remaining < (l_) ? remaining : (l_);                                     \
        if (chars_ < 0)                                                                        \
            chars_ = 0;                                                                        \
        if (use_sep)                                                                           \
            out[--pos] = sep;                                                                  \
        for (long i_ = 0; i_ < chars_; i_++)                                                   \
            out[--pos] = *--src_end;                                                           \
        for (long i_ = 0; i_ < zeros_; i_++)                                                   \
            out[--pos] = '0';                                                                  \
        remaining -= chars_;                                                                   \
    } while (0)
        if (np->grouping) {
            for (;;) {
                long l = np->grouping;
                long m = remaining > min_width ? remaining : min_width;
                if (m < 1)
                    m = 1;
                if (l > m)
                    l = m;
                PUT_GROUP(l);
                use_sep = 1;
                min_width -= l;
                if (remaining <= 0 && min_width <= 0) {
                    broken = 1;
                    break;
                }
                min_width -= 1;
            }
        }
        if (!broken) {
            long l = remaining > min_width ? remaining : min_width;
            if (l < 1)
                l = 1;
            PUT_GROUP(l);
        }
#undef PUT_GROUP
        ngrouped = (long)(cap - pos);
        tyl_sbuf_add(&g, out + pos, cap - pos);
        free(out);
    }
    long npad = f->width - (non_digit + ngrouped);
    long lpad = 0, rpad = 0, spad = 0;
    if (npad > 0) {
        switch (f->align ? f->align : '>') {
        case '<': rpad = npad; break;
        case '^': lpad = npad / 2; rpad = npad - lpad; break;
        case '=': spad = npad; break;
        default: lpad = npad; break;
        }
    }
    sb_rep(b, f->fill, lpad);
    if (sign)
        tyl_sbuf_add(b, &sign, 1);
    tyl_sbuf_add(b, np->prefix, (size_t)nprefix);
    sb_rep(b, f->fill, spad);
    if (g.len)
        tyl_sbuf_add(b, g.s, g.len);
    if (g.oom)
        b->oom = 1;
    tyl_sbuf_free(&g);
    if (np->decimal)
        tyl_sbuf_add(b, ".", 1);
    tyl_sbuf_add(b, np->rem, np->nrem);
    sb_rep(b, f->fill, rpad);
}

/* ---- ints ----------------------------------------------------------------------------------- */

static void put_utf8(tyl_sbuf *b, unsigned long c)
{
    char u[4];
    size_t n;
    if (c < 0x80)
        u[0] = (char)c, n = 1;
    else if (c < 0x800)
        u[0] = (char)(0xc0 | (c >> 6)), u[1] = (char)(0x80 | (c & 0x3f)), n = 2;
    else if (c < 0x10000)
        u[0] = (char)(0xe0 | (c >> 12)), u[1] = (char)(0x80 | ((c >> 6) & 0x3f)),
        u[2] = (char)(0x80 | (c & 0x3f)), n = 3;
    else
        u[0] = (char)(0xf0 | (c >> 18)), u[1] = (char)(0x80 | ((c >> 12) & 0x3f)),
        u[2] = (char)(0x80 | ((c >> 6) & 0x3f)), u[3] = (char)(0x80 | (c & 0x3f)), n = 4;
    tyl_sbuf_add(b, u, n);
}

static int format_float_spec(tyl_sbuf *b, const tyl_fspec *f, double x);

static int format_int_spec(tyl_sbuf *b, const tyl_fspec *f, int64_t x)
{
    switch (f->type) {
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
        return format_float_spec(b, f, (double)x);
    default: break;
    }
    numparts np = {0};
    np.prefix = "";
    np.rem = "";
    if (f->type == 'c') {
        if (x < 0 || x > 0x10ffff)
            return -2;
        tyl_sbuf c = {0};
        put_utf8(&c, (unsigned long)x);
        np.rem = c.s ? c.s : "";
        np.nrem = c.len;
        np.rem_chars = 1;
        layout(b, f, &np);
        tyl_sbuf_free(&c);
        return 0;
    }
    uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
    np.sign = x < 0 ? '-' : 0;
    unsigned base = 10;
    const char *dig = "0123456789abcdef";
    switch (f->type) {
    case 'b': base = 2; np.prefix = "0b"; break;
    case 'o': base = 8; np.prefix = "0o"; break;
    case 'x': base = 16; np.prefix = "0x"; break;
    case 'X': base = 16; np.prefix = "0X"; dig = "0123456789ABCDEF"; break;
    default: break;
    }
    if (!f->alt)
        np.prefix = "";
    char buf[72];
    int n = 72;
    do {
        buf[--n] = dig[u % base];
        u /= base;
    } while (u);
    np.digits = buf + n;
    np.ndig = (size_t)(72 - n);
    np.grouping = f->group ? (base == 10 ? 3 : 4) : 0;
    layout(b, f, &np);
    return 0;
}

int tyl_format_int(tyl_sbuf *b, const char *spec, int64_t x)
{
    if (!spec[0]) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%lld", (long long)x);
        tyl_sbuf_add(b, buf, (size_t)n);
        return 0;
    }
    tyl_fspec f;
    char err[160];
    if (tyl_fspec_parse(spec, 'i', &f, err, sizeof err))
        return -1;
    return format_int_spec(b, &f, x);
}

int tyl_format_bool(tyl_sbuf *b, const char *spec, int x)
{
    if (!spec[0]) {
        tyl_sbuf_add(b, x ? "True" : "False", x ? 4 : 5);
        return 0;
    }
    tyl_fspec f;
    char err[160];
    if (tyl_fspec_parse(spec, 'b', &f, err, sizeof err))
        return -1;
    return format_int_spec(b, &f, x ? 1 : 0);
}

/* ---- floats --------------------------------------------------------------------------------- */

/* The digits of |x| (finite, nonzero) as dtoa gives them: no leading or trailing zeros, the
 * decimal point after decpt of them. mode 0: shortest that reads back as x; 2: nd significant
 * digits; 3: nd digits after the point. Returns the number of digits (0: x rounds to zero in
 * mode 3). */
static size_t get_digits(double x, int mode, long nd, tyl_sbuf *d, long *decpt)
{
    x = fabs(x);
    tyl_sbuf t = {0};
    char small[64];
    const char *s;
    if (mode == 0) {
        int p;
        for (p = 1; p < 17; p++) {
            snprintf(small, sizeof small, "%.*e", p - 1, x);
            if (strtod(small, NULL) == x)
                break;
        }
        snprintf(small, sizeof small, "%.*e", p - 1, x);
        s = small;
    } else {
        int n = mode == 2 ? snprintf(NULL, 0, "%.*e", (int)(nd - 1), x) : snprintf(NULL, 0, "%.*f", (int)nd, x);
        t.s = malloc((size_t)n + 1);
        if (!t.s) {
            d->oom = 1;
            *decpt = 1;
            return 0;
        }
        if (mode == 2)
            snprintf(t.s, (size_t)n + 1, "%.*e", (int)(nd - 1), x);
        else
            snprintf(t.s, (size_t)n + 1, "%.*f", (int)nd, x);
        s = t.s;
    }
    if (mode == 3) {
        /* "III.FFF": the integer part's length places the point */
        const char *dot = strchr(s, '.');
        long intlen = dot ? (long)(dot - s) : (long)strlen(s);
        long lead = 0;
        for (const char *q = s; *q; q++) {
            if (*q == '.')
                continue;
            if (*q != '0')
                break;
            lead++;
        }
        for (const char *q = s; *q; q++)
            if (*q != '.')
                tyl_sbuf_add(d, q, 1);
        /* drop the leading zeros */
        if ((size_t)lead >= d->len) {
            d->len = 0;
            *decpt = -nd;
        } else {
            memmove(d->s, d->s + lead, d->len - (size_t)lead);
            d->len -= (size_t)lead;
            *decpt = intlen - lead;
        }
    } else {
        /* "D.DDDe+XX" */
        const char *e = strchr(s, 'e');
        for (const char *q = s; q < e; q++)
            if (*q != '.')
                tyl_sbuf_add(d, q, 1);
        *decpt = strtol(e + 1, NULL, 10) + 1;
    }
    while (d->len && d->s[d->len - 1] == '0')
        d->len--;
    if (d->s)
        d->s[d->len] = '\0';
    free(t.s);
    return d->len;
}

/* CPython's PyOS_double_to_string of a finite or infinite x, without the sign (returned in
 * *neg): code 'e' 'f' 'g' or 'r'. */
static void double_to_string(tyl_sbuf *b, double x, char code, long prec, int upper, int alt,
                             int add_dot_0, int no_neg_0, int *neg)
{
    *neg = signbit(x) != 0;
    if (isnan(x)) {
        *neg = 0;
        tyl_sbuf_add(b, upper ? "NAN" : "nan", 3);
        return;
    }
    if (isinf(x)) {
        tyl_sbuf_add(b, upper ? "INF" : "inf", 3);
        return;
    }
    int mode = 0;
    switch (code) {
    case 'e': mode = 2; prec++; break;
    case 'f': mode = 3; break;
    case 'g': mode = 2; if (prec == 0) prec = 1; break;
    default: mode = 0; break;
    }
    tyl_sbuf dg = {0};
    long decpt;
    size_t nd;
    if (x == 0) {
        tyl_sbuf_add(&dg, "0", 1);
        nd = 1;
        decpt = 1;
    } else {
        nd = get_digits(x, mode, prec, &dg, &decpt);
    }
    if (dg.oom) {
        b->oom = 1;
        tyl_sbuf_free(&dg);
        return;
    }
    const char *digits = dg.s ? dg.s : "";
    if (no_neg_0 && *neg) {
        int zero = 1;
        for (size_t i = 0; i < nd; i++)
            if (digits[i] != '0')
                zero = 0;
        if (zero)
            *neg = 0;
    }
    long vend = (long)nd, vstart;
    int use_exp = 0;
    long exp = 0;
    switch (code) {
    case 'e': use_exp = 1; vend = prec; break;
    case 'f': vend = decpt + prec; break;
    case 'g':
        if (decpt <= -4 || decpt > (add_dot_0 ? prec - 1 : prec))
            use_exp = 1;
        if (alt)
            vend = prec;
        break;
    default:
        if (decpt <= -4 || decpt > 16)
            use_exp = 1;
        break;
    }
    if (use_exp) {
        exp = decpt - 1;
        decpt = 1;
    }
    vstart = decpt <= 0 ? decpt - 1 : 0;
    if (!use_exp && add_dot_0)
        vend = vend > decpt ? vend : decpt + 1;
    else
        vend = vend > decpt ? vend : decpt;
    size_t start = b->len;
    long dl = (long)nd;
    if (decpt <= 0) {
        sb_rep(b, "0", decpt - vstart);
        tyl_sbuf_add(b, ".", 1);
        sb_rep(b, "0", -decpt);
    } else {
        sb_rep(b, "0", -vstart);
    }
    if (0 < decpt && decpt <= dl) {
        tyl_sbuf_add(b, digits, (size_t)decpt);
        tyl_sbuf_add(b, ".", 1);
        tyl_sbuf_add(b, digits + decpt, (size_t)(dl - decpt));
    } else {
        tyl_sbuf_add(b, digits, nd);
    }
    if (dl < decpt) {
        sb_rep(b, "0", decpt - dl);
        tyl_sbuf_add(b, ".", 1);
        sb_rep(b, "0", vend - decpt);
    } else {
        sb_rep(b, "0", vend - dl);
    }
    if (!b->oom && b->len > start && b->s[b->len - 1] == '.' && !alt)
        b->s[--b->len] = '\0';
    if (use_exp) {
        char e[32];
        int n = snprintf(e, sizeof e, "%c%+.02ld", upper ? 'E' : 'e', exp);
        tyl_sbuf_add(b, e, (size_t)n);
    }
    tyl_sbuf_free(&dg);
}

static int format_float_spec(tyl_sbuf *b, const tyl_fspec *f, double x)
{
    char type = f->type;
    long prec = f->prec, defprec = 6;
    int add_dot_0 = 0, pct = 0;
    if (type == 0) {
        add_dot_0 = 1;
        type = 'r';
        defprec = 0;
    }
    if (type == 'n')
        type = 'g';
    if (type == '%') {
        type = 'f';
        x *= 100;
        pct = 1;
    }
    if (prec < 0)
        prec = defprec;
    else if (type == 'r')
        type = 'g';
    int upper = type == 'E' || type == 'F' || type == 'G';
    char code = upper ? (char)(type - 'A' + 'a') : type;
    tyl_sbuf s = {0};
    int neg;
    double_to_string(&s, x, code, prec, upper, f->alt, add_dot_0, f->z, &neg);
    if (pct)
        tyl_sbuf_add(&s, "%", 1);
    if (s.oom) {
        b->oom = 1;
        tyl_sbuf_free(&s);
        return 0;
    }
    numparts np = {0};
    np.sign = neg ? '-' : 0;
    np.prefix = "";
    np.digits = s.s;
    size_t i = 0;
    while (i < s.len && s.s[i] >= '0' && s.s[i] <= '9')
        i++;
    np.ndig = i;
    if (i < s.len && s.s[i] == '.') {
        np.decimal = 1;
        i++;
    }
    np.rem = s.s + i;
    np.nrem = s.len - i;
    np.rem_chars = (long)np.nrem;
    np.grouping = f->group ? 3 : 0;
    layout(b, f, &np);
    tyl_sbuf_free(&s);
    return 0;
}

int tyl_format_double(tyl_sbuf *b, const char *spec, double x)
{
    tyl_fspec f;
    char err[160];
    if (spec[0] == '\001') { /* a complex number's part (TYL_SPEC_CPART) */
        tyl_sbuf r = {0};
        tyl_format_repr(&r, x);
        size_t n = r.len;
        if (n >= 2 && r.s[n - 2] == '.' && r.s[n - 1] == '0')
            n -= 2;
        if (spec[1] == 's' && !(n && r.s[0] == '-'))
            tyl_sbuf_add(b, "+", 1);
        tyl_sbuf_add(b, r.s ? r.s : "", n);
        if (r.oom)
            b->oom = 1;
        tyl_sbuf_free(&r);
        return 0;
    }
    if (tyl_fspec_parse(spec, 'f', &f, err, sizeof err))
        return -1;
    return format_float_spec(b, &f, x);
}

void tyl_format_repr(tyl_sbuf *b, double x)
{
    tyl_fspec f;
    char err[8];
    tyl_fspec_parse("", 'f', &f, err, sizeof err);
    format_float_spec(b, &f, x);
}
