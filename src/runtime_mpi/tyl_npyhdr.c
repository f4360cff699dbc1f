/* tyl_npyhdr.c: the .npy header, parsed the way numpy.lib.format reads it (see tyl_npyhdr.h).
 *
 * NumPy evaluates the header as a Python literal (ast.literal_eval) and then demands a dict with
 * exactly the keys 'descr', 'fortran_order' and 'shape'. Searching the text for the keys instead
 * is unsafe: an extra key whose value holds "'shape': (3, 4)" would be taken for the real one.
 * So the dictionary is parsed in full here, over the subset of Python literal syntax that a
 * header can hold (strings, True/False, tuples of decimal integers), and anything else is
 * refused with a reason. Stricter than NumPy in two ways, both about forged files: a key given
 * twice is refused (Python would keep the last one silently), and so is any byte that is not
 * printable ASCII (NumPy's own headers are ASCII in every version).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* open, fstat, fdopen */
#endif
#include "tyl_npyhdr.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *tyl_npyhdr_open(const char *path, int *err)
{
    /* O_NONBLOCK: opening a FIFO (or a tty) for reading waits for a writer for ever */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    *err = fd < 0 ? errno : fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : !S_ISREG(st.st_mode) ? 0 : -1;
    if (*err == -1) {
        FILE *f = fcntl(fd, F_SETFL, 0) == 0 ? fdopen(fd, "rb") : NULL;
        if (f)
            return f;
        *err = errno;
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

typedef struct parser {
    const char *s;
    size_t n, i; /* text, its length, where we are */
    char *why;
} parser;

static int fail(char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(char *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, TYL_NPYHDR_WHY_LEN, fmt, ap);
    va_end(ap);
    return -1;
}

static int malformed(parser *p, const char *what)
{
    return fail(p->why, "has a malformed .npy header: %s", what);
}

static int syntax(parser *p)
{
    return fail(p->why, "has a malformed .npy header: it is not a Python dict literal (at byte %zu "
                "of the header)", p->i);
}

static int at(const parser *p, char c)
{
    return p->i < p->n && p->s[p->i] == c;
}

static void skip_space(parser *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
                           p->s[p->i] == '\r' || p->s[p->i] == '\f'))
        p->i++;
}

static int ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* string = "'" chars "'" | '"' chars '"'  (on one line; a backslash keeps the next character).
 * The characters (cut to cap - 1) go to out. Returns 0, or -1 when there is no string here. */
static int string(parser *p, char *out, size_t cap)
{
    if (!at(p, '\'') && !at(p, '"'))
        return -1;
    char q = p->s[p->i++];
    size_t k = 0;
    while (p->i < p->n && p->s[p->i] != q && p->s[p->i] != '\n') {
        if (p->s[p->i] == '\\' && p->i + 1 < p->n) {
            if (k + 1 < cap)
                out[k++] = '\\';
            p->i++;
        }
        if (k + 1 < cap)
            out[k++] = p->s[p->i];
        p->i++;
    }
    out[k] = '\0';
    if (!at(p, q))
        return -1;
    p->i++;
    return 0;
}

/* A Python decimal integer that is not negative (digits, single '_' between them, no leading
 * zeros): 1 with *v set, 0 when there is none here, -1 when it does not fit in int64_t. */
static int integer(parser *p, int64_t *v)
{
    size_t i = p->i;
    const char *s = p->s;
    if (i >= p->n || s[i] < '0' || s[i] > '9')
        return 0;
    int zero_lead = s[i] == '0', big = 0;
    uint64_t x = 0;
    while (i < p->n && ((s[i] >= '0' && s[i] <= '9') ||
                        (s[i] == '_' && i + 1 < p->n && s[i + 1] >= '0' && s[i + 1] <= '9'))) {
        if (s[i] != '_') {
            if (zero_lead && s[i] != '0')
                return 0;
            unsigned dgt = (unsigned)(s[i] - '0');
            if (x > ((uint64_t)INT64_MAX - dgt) / 10)
                big = 1;
            else
                x = x * 10 + dgt;
        }
        i++;
    }
    if (i < p->n && (ident_char(s[i]) || s[i] == '.')) /* 3.0, 3e2, 3L, 0x3 */
        return 0;
    p->i = i;
    *v = (int64_t)x;
    return big ? -1 : 1;
}

/* shape = "(" ")" | "(" int "," ")" | "(" int ("," int)+ [","] ")" */
static int shape(parser *p, tyl_npyhdr *h)
{
    static const char *bad = "'shape' is not a tuple of non-negative integers";
    if (!at(p, '('))
        return malformed(p, bad);
    p->i++;
    skip_space(p);
    h->ndim = 0;
    int comma = 0;
    while (!at(p, ')')) {
        int64_t v;
        int r = integer(p, &v);
        if (r == 0)
            return malformed(p, bad);
        if (r < 0)
            return malformed(p, "an extent in 'shape' does not fit in 64 bits");
        if (h->ndim == TYL_NPYHDR_MAX_DIMS)
            return fail(p->why, "has a malformed .npy header: 'shape' has more than %d dimensions",
                        TYL_NPYHDR_MAX_DIMS);
        h->shape[h->ndim++] = v;
        skip_space(p);
        comma = at(p, ',');
        if (comma) {
            p->i++;
            skip_space(p);
        } else if (!at(p, ')')) {
            return malformed(p, bad);
        }
    }
    if (h->ndim == 1 && !comma) /* (3) is the integer 3 */
        return malformed(p, bad);
    p->i++;
    return 0;
}

/* descr: the dtype string; the kinds Tyles has ('<f8', '>i4', '|b1', '?'...), otherwise kind 0. */
static void dtype(const char *d, tyl_npyhdr *h)
{
    char order = '=';
    h->kind = 0;
    h->size = 0;
    h->big_endian = 0;
    if (*d == '<' || *d == '>' || *d == '=' || *d == '|')
        order = *d++;
    if (!strcmp(d, "?")) {
        h->kind = 'b';
        h->size = 1;
        return;
    }
    static const char *known[] = {"f8", "f4", "i8", "i4", "b1", "i2", "i1", "u8", "u4", "u2", "u1"};
    for (size_t k = 0; k < sizeof known / sizeof *known; k++)
        if (!strcmp(d, known[k])) {
            h->kind = d[0];
            h->size = d[1] - '0';
            /* '=' is the native order: little-endian on every host Tyles builds for */
            h->big_endian = order == '>' && h->size > 1;
        }
}

int tyl_npyhdr_parse_dict(const char *text, size_t len, tyl_npyhdr *h, char *why)
{
    parser ps = {text, len, 0, why}, *p = &ps;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x7f || (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f'))
            return fail(why, "has a malformed .npy header: byte %zu of the header is 0x%02x, not "
                        "printable ASCII", i, c);
    }
    static const char *keys[3] = {"descr", "fortran_order", "shape"};
    int seen[3] = {0, 0, 0};
    skip_space(p);
    if (!at(p, '{'))
        return syntax(p);
    p->i++;
    for (;;) {
        skip_space(p);
        if (at(p, '}'))
            break;
        char key[48];
        if (string(p, key, sizeof key) != 0)
            return syntax(p);
        skip_space(p);
        if (!at(p, ':'))
            return syntax(p);
        p->i++;
        skip_space(p);
        int k = 0;
        while (k < 3 && strcmp(key, keys[k]) != 0)
            k++;
        if (k == 3)
            return fail(why, "has a malformed .npy header: unknown key '%s' (NumPy allows only "
                        "'descr', 'fortran_order' and 'shape')", key);
        if (seen[k]++)
            return fail(why, "has a malformed .npy header: key '%s' appears twice", key);
        if (k == 0) {
            if (string(p, h->descr, sizeof h->descr) != 0)
                return malformed(p, "'descr' is not a dtype string such as '<f8'");
            dtype(h->descr, h);
        } else if (k == 1) {
            size_t rest = p->n - p->i;
            const char *s = p->s + p->i;
            int t = rest >= 4 && !memcmp(s, "True", 4) && (rest == 4 || !ident_char(s[4]));
            int f = rest >= 5 && !memcmp(s, "False", 5) && (rest == 5 || !ident_char(s[5]));
            if (!t && !f)
                return malformed(p, "'fortran_order' is not True or False");
            h->fortran_order = t;
            p->i += t ? 4 : 5;
        } else if (shape(p, h) != 0) {
            return -1;
        }
        skip_space(p);
        if (at(p, ',')) {
            p->i++;
            continue;
        }
        if (!at(p, '}'))
            return syntax(p);
    }
    p->i++;
    skip_space(p);
    if (p->i != p->n)
        return syntax(p);
    for (int k = 0; k < 3; k++)
        if (!seen[k])
            return fail(why, "has a malformed .npy header: it has no key '%s'", keys[k]);
    /* Fortran order matters only when two extents are above 1 (and there is data) */
    int above1 = 0, empty = 0;
    for (int d = 0; d < h->ndim; d++) {
        above1 += h->shape[d] > 1;
        empty |= h->shape[d] == 0;
    }
    if (above1 < 2 || empty)
        h->fortran_order = 0;
    return 0;
}

int tyl_npyhdr_read(FILE *f, tyl_npyhdr *h, char *why)
{
    static const char *trunc = "is truncated (in its header)";
    unsigned char pre[12];
    memset(h, 0, sizeof *h);
    size_t got = fread(pre, 1, 8, f);
    if (got < 6 || memcmp(pre, "\x93NUMPY", 6) != 0)
        return fail(why, "is not a .npy file (no \\x93NUMPY magic)");
    if (got < 8)
        return fail(why, "%s", trunc);
    h->major = pre[6];
    h->minor = pre[7];
    if (h->major < 1 || h->major > 3 || h->minor != 0)
        return fail(why, "has .npy format version %d.%d, which is not supported (NumPy reads "
                    "1.0, 2.0 and 3.0)", h->major, h->minor);
    size_t lenbytes = h->major == 1 ? 2 : 4;
    if (fread(pre + 8, 1, lenbytes, f) != lenbytes)
        return fail(why, "%s", trunc);
    uint64_t hlen = (uint64_t)pre[8] | (uint64_t)pre[9] << 8;
    if (lenbytes == 4)
        hlen |= (uint64_t)pre[10] << 16 | (uint64_t)pre[11] << 24;
    if (hlen > TYL_NPYHDR_MAX_LEN)
        return fail(why, "has a .npy header of %llu bytes, more than NumPy reads (%d)",
                    (unsigned long long)hlen, TYL_NPYHDR_MAX_LEN);
    char text[TYL_NPYHDR_MAX_LEN];
    if (fread(text, 1, (size_t)hlen, f) != (size_t)hlen)
        return fail(why, "%s", trunc);
    if (tyl_npyhdr_parse_dict(text, (size_t)hlen, h, why) != 0)
        return -1;
    h->data_offset = (int64_t)(8 + lenbytes + hlen);
    return 0;
}
