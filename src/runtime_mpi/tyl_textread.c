/* tyl_textread.c: text files open() opens for reading, and the str methods programs apply to
 * the lines they read (strip, split, splitlines, partition, startswith, lower, `in`, len).
 *
 * A file is read whole by rank 0 when it is opened and broadcast, so every rank holds the same
 * text and takes the same branches; a file that cannot be opened stops every rank together
 * with Python's message ("FileNotFoundError: [Errno 2] No such file or directory: 'p'"). The
 * file's position then moves through that text as Python's does (its "\r\n" and "\r" read as
 * "\n", as text mode's universal newlines): readline() takes the next
 * line, read() and readlines() (and a for loop over the file) the rest.
 *
 * Strings are the compiler's run-time strings (tyl_str_*, numbered k >= 1). A split is kept
 * in a table t >= 1 of its own (one per place in the program that splits), so that a loop over
 * its items reads each in constant time. Everything is computed on every rank from replicated
 * text: no communication after the open. */

#include "tyl_format.h"
#include "tyl_internal.h"
#include "tyl_mpi.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct text_file {
    char *text;  /* the whole file, NUL-terminated; NULL: closed (or never opened) */
    size_t len, pos;
} text_file;

typedef struct split_table {
    char *text;    /* a copy of the string split, its pieces NUL-terminated in place */
    size_t *off;   /* piece i starts at text + off[i] */
    int64_t n, cap;
} split_table;

static text_file *files_;
static int nfiles_;
static split_table *splits_;
static int nsplits_;

static void *grow(void *p, size_t el, int *n, int k, const char *where)
{
    if (k < *n)
        return p;
    int m = k + 8;
    char *q = realloc(p, el * (size_t)m);
    if (!q)
        tyl_rt_error(where, "MemoryError: out of memory for a text file's table");
    memset(q + el * (size_t)*n, 0, el * (size_t)(m - *n));
    *n = m;
    return q;
}

static text_file *file_at(int f, const char *where)
{
    files_ = grow(files_, sizeof *files_, &nfiles_, f, where);
    return &files_[f];
}

static text_file *open_file(int f, const char *where)
{
    text_file *t = file_at(f, where);
    if (!t->text)
        tyl_rt_error_all(where, "ValueError: I/O operation on closed file.");
    return t;
}

/* Python's text mode decodes the file as UTF-8 (the locale's encoding, UTF-8 under C.UTF-8
 * and Python's UTF-8 mode) and raises UnicodeDecodeError at the first byte that does not
 * decode, with CPython's reasons and byte ranges. Latin-1 or Windows-1252 text read on
 * unchecked would go on as bytes where Python stops. The position is the byte's in the file;
 * Python's is in the 8 KiB block it was decoding (the same for files up to 8 KiB). Frees text
 * before it stops. */
static void utf8_check(char *text, size_t n, const char *where)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        const char *why = NULL;
        size_t k = 1;
        if (c < 0xC2 || c > 0xF4)
            why = "invalid start byte";
        else {
            size_t need = c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
            unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
            unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
            for (; k <= need && !why; k++) {
                if (i + k >= n)
                    why = "unexpected end of data";
                else if (s[i + k] < (k == 1 ? lo : 0x80) || s[i + k] > (k == 1 ? hi : 0xBF))
                    why = "invalid continuation byte";
            }
            if (why)
                k--; /* the bytes before the one that failed */
        }
        if (!why) {
            i += k;
            continue;
        }
        free(text); /* the library's caller goes on after the error (lib_return) */
        if (k == 1)
            tyl_rt_error_all(where, "UnicodeDecodeError: 'utf-8' codec can't decode byte 0x%02x in position %zu: %s", c, i,
                             why);
        tyl_rt_error_all(where, "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position %zu-%zu: %s", i,
                         i + k - 1, why);
    }
}

/* rank 0 reads path whole; every rank gets its text or errno */
void tyl_text_open(int f, const char *path, const char *where)
{
    text_file *t = file_at(f, where);
    free(t->text); /* opened again (a loop): Python closed the old one when its name was rebound */
    t->text = NULL;
    long long n = 0;
    int e = 0;
    char *buf = NULL;
    if (tyl_rt_rank_ == 0) {
        FILE *fp = fopen(path, "rb");
        if (!fp)
            e = errno;
        else {
            size_t cap = 4096, m = 0, got;
            int read_errno = 0;
            buf = malloc(cap);
            /* errno of a read that fails: a folder opens, then reads EISDIR (Python's
             * IsADirectoryError), which ferror() alone would not tell from EIO */
            while (buf && (errno = 0, got = fread(buf + m, 1, cap - m - 1, fp)) > 0) {
                m += got;
                if (cap - m - 1 == 0) {
                    char *q = realloc(buf, cap * 2);
                    if (!q) {
                        free(buf);
                        buf = NULL;
                    }
                    buf = q;
                    cap *= 2;
                }
            }
            if (buf && ferror(fp))
                read_errno = errno ? errno : EIO;
            if (!buf || read_errno)
                e = buf ? read_errno : ENOMEM;
            fclose(fp);
            n = (long long)m;
        }
        if (e)
            n = -e;
    }
#ifndef TYL_NO_MPI
    if (tyl_rt_nranks() > 1)
        MPI_Bcast(&n, 1, MPI_LONG_LONG, 0, tyl_rt_comm_);
#endif
    if (n < 0) {
        free(buf);
        e = (int)-n;
        tyl_rt_error_all(where, "%s: [Errno %d] %s: '%s'", tyl_os_error_name_(e), e, strerror(e), path);
    }
    if (tyl_rt_rank_ != 0) {
        buf = malloc((size_t)n + 1);
        if (!buf)
            tyl_rt_error(where, "MemoryError: out of memory for the text of '%s'", path);
    }
#ifndef TYL_NO_MPI
    for (long long at = 0; tyl_rt_nranks() > 1 && at < n; at += 1 << 30) {
        long long m = n - at < (1 << 30) ? n - at : (1 << 30);
        MPI_Bcast(buf + at, (int)m, MPI_CHAR, 0, tyl_rt_comm_);
    }
#endif
    buf[n] = '\0';
    utf8_check(buf, (size_t)n, where);
    if (strlen(buf) != (size_t)n) {
        free(buf);
        tyl_rt_error_all(where, "ValueError: '%s' holds a NUL character, which tylesc's strings do not", path);
    }
    /* text mode's universal newlines: "\r\n" and "\r" read as "\n" */
    size_t m = 0;
    for (size_t i = 0; i < (size_t)n; i++)
        if (buf[i] != '\r')
            buf[m++] = buf[i];
        else {
            buf[m++] = '\n';
            i += buf[i + 1] == '\n';
        }
    buf[m] = '\0';
    t->text = buf;
    t->len = m;
    t->pos = 0;
}

void tyl_text_close(int f)
{
    if (f < nfiles_) {
        free(files_[f].text);
        files_[f].text = NULL;
    }
}

/* string k = text [a, b) */
static void set_n(int k, const char *a, size_t n, const char *where)
{
    char *s = malloc(n + 1);
    if (!s)
        tyl_rt_error(where, "MemoryError: out of memory for a string");
    memcpy(s, a, n);
    s[n] = '\0';
    tyl_str_reset(k);
    tyl_str_add(k, s);
    free(s);
}

void tyl_text_read(int f, int k, const char *where)
{
    text_file *t = open_file(f, where);
    set_n(k, t->text + t->pos, t->len - t->pos, where);
    t->pos = t->len;
}

void tyl_text_readline(int f, int k, const char *where)
{
    text_file *t = open_file(f, where);
    const char *a = t->text + t->pos, *nl = strchr(a, '\n');
    size_t n = nl ? (size_t)(nl - a) + 1 : t->len - t->pos;
    set_n(k, a, n, where);
    t->pos += n;
}

/* ---- splits ---- */

static split_table *table(int s, const char *where)
{
    splits_ = grow(splits_, sizeof *splits_, &nsplits_, s, where);
    return &splits_[s];
}

static void push(split_table *t, size_t off, const char *where)
{
    if (t->n == t->cap) {
        int64_t cap = t->cap ? t->cap * 2 : 16;
        size_t *o = realloc(t->off, sizeof *o * (size_t)cap);
        if (!o)
            tyl_rt_error(where, "MemoryError: out of memory for a split");
        t->off = o;
        t->cap = cap;
    }
    t->off[t->n++] = off;
}

/* The bytes of the character at s (UTF-8) when it is whitespace to Python's str.isspace()
 * (eol: a line boundary of str.splitlines(), "\r\n" one), else 0. */
static int space_len(const char *s, int eol)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == '\r' && u[1] == '\n' && eol)
        return 2;
    if (u[0] == '\n' || u[0] == '\r' || u[0] == '\v' || u[0] == '\f' || (u[0] >= 0x1c && u[0] <= 0x1e))
        return 1;
    if (!eol && (u[0] == ' ' || u[0] == '\t' || u[0] == 0x1f))
        return 1;
    if (u[0] == 0xc2 && (u[1] == 0x85 || (!eol && u[1] == 0xa0)))
        return 2;
    if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9))
        return 3;
    if (!eol && ((u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80) || (u[0] == 0xe2 && u[1] == 0x80 && (u[2] <= 0x8a || u[2] == 0xaf)) ||
                 (u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f) || (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)))
        return 3;
    return 0;
}
int tyl_py_space_(const char *s) { return space_len(s, 0); }

/* the bytes of the whitespace character ending at e (after start), else 0 */
static int space_before(const char *start, const char *e);
int tyl_py_space_before_(const char *start, const char *e) { return space_before(start, e); }
static int space_before(const char *start, const char *e)
{
    for (int k = 1; k <= 3 && e - k >= start; k++)
        if (((unsigned char)e[-k] & 0xc0) != 0x80) /* the character's first byte */
            return space_len(e - k, 0) == k ? k : 0;
    return 0;
}

/* table s = the pieces of string src (copied): mode TYL_SPLIT_SEP by sep (NULL: runs of
 * whitespace) at most maxsplit times (< 0: all), TYL_SPLIT_LINES / TYL_SPLIT_KEEPENDS its
 * lines (without or with their ends), TYL_SPLIT_NEWLINE the lines of a file read in text mode
 * (ends kept; only "\n" ends one), TYL_SPLIT_PARTITION str.partition(sep)'s three. */
static void split_text(int s, const char *src, const char *sep, int64_t maxsplit, int mode, const char *where)
{
    split_table *t = table(s, where);
    size_t n = strlen(src), ns = sep ? strlen(sep) : 0;
    char *c = malloc(n + 2 * (mode == TYL_SPLIT_PARTITION ? 1 : 0) + 3);
    if (!c)
        tyl_rt_error(where, "MemoryError: out of memory for a split");
    free(t->text);
    t->text = c;
    t->n = 0;
    if (sep && !ns)
        tyl_rt_error_all(where, "ValueError: empty separator");
    if (mode == TYL_SPLIT_PARTITION) { /* "a=b" -> a \0 = \0 b ; not found: s, "", "" */
        const char *at = strstr(src, sep);
        size_t a = at ? (size_t)(at - src) : n;
        memcpy(c, src, a);
        c[a] = '\0';
        push(t, 0, where);
        if (at) {
            memcpy(c + a + 1, sep, ns + 1);
            push(t, a + 1, where);
            memcpy(c + a + ns + 2, at + ns, n - a - ns + 1);
            push(t, a + ns + 2, where);
        } else {
            c[a + 1] = c[a + 2] = '\0';
            push(t, a + 1, where);
            push(t, a + 2, where);
        }
        return;
    }
    memcpy(c, src, n + 1);
    if (mode == TYL_SPLIT_LINES || mode == TYL_SPLIT_KEEPENDS || mode == TYL_SPLIT_NEWLINE) {
        /* piece k is [off[k], its end): the line without its end, or with it (keepends),
         * copied with a NUL after each */
        char *d = malloc(2 * n + 1) /* a NUL after each of at most n lines */;
        if (!d)
            tyl_rt_error(where, "MemoryError: out of memory for a split");
        size_t i = 0, at = 0;
        while (i < n) {
            size_t a = i;
            int k = 0;
            while (i < n && !(k = mode == TYL_SPLIT_NEWLINE ? c[i] == '\n' : space_len(c + i, 1)))
                i++;
            size_t e = i;
            i += (size_t)k;
            size_t b = mode == TYL_SPLIT_LINES ? e : i;
            push(t, at, where);
            memcpy(d + at, c + a, b - a);
            at += b - a;
            d[at++] = '\0';
        }
        free(c);
        t->text = d;
        return;
    }
    if (sep) {
        size_t i = 0;
        push(t, 0, where);
        for (int64_t done = 0; (maxsplit < 0 || done < maxsplit); done++) {
            char *at = strstr(c + i, sep);
            if (!at)
                break;
            *at = '\0';
            i = (size_t)(at - c) + ns;
            push(t, i, where);
        }
        return;
    }
    size_t i = 0;
    int k;
    for (int64_t done = 0;; done++) {
        while (i < n && (k = space_len(c + i, 0)))
            i += (size_t)k;
        if (i >= n)
            break;
        push(t, i, where);
        if (maxsplit >= 0 && done >= maxsplit) /* the rest, its trailing whitespace kept */
            break;
        while (i < n && !(k = space_len(c + i, 0)))
            i++;
        if (i < n) {
            c[i] = '\0';
            i += (size_t)k;
        }
    }
}

void tyl_str_split(int s, int src, const char *sep, int64_t maxsplit, int mode, const char *where)
{
    split_text(s, tyl_str_get(src), sep, maxsplit, mode, where);
}

/* f.readlines() and a loop over f: the rest of the file's lines, with their ends */
void tyl_text_lines(int s, int f, const char *where)
{
    text_file *t = open_file(f, where);
    split_text(s, t->text + t->pos, NULL, -1, TYL_SPLIT_NEWLINE, where);
    t->pos = t->len;
}

int64_t tyl_split_len(int s) { return s < nsplits_ ? splits_[s].n : 0; }

/* string k = piece i of table s (i < 0 counts from the end) */
void tyl_split_item(int k, int s, int64_t i, const char *where)
{
    int64_t n = tyl_split_len(s);
    if (i < 0)
        i += n;
    if (i < 0 || i >= n)
        tyl_rt_error_all(where, "IndexError: list index out of range");
    const char *p = splits_[s].text + splits_[s].off[i];
    set_n(k, p, strlen(p), where);
}

/* a, b = table s: Python's ValueError unless it has exactly n pieces */
void tyl_split_unpack(int s, int64_t n, const char *where)
{
    int64_t m = tyl_split_len(s);
    if (m > n)
        tyl_rt_error_all(where, "ValueError: too many values to unpack (expected %lld)", (long long)n);
    if (m < n)
        tyl_rt_error_all(where, "ValueError: not enough values to unpack (expected %lld, got %lld)", (long long)n,
                         (long long)m);
}

/* ---- str methods of run-time strings ---- */

/* string k = string src stripped of chars (NULL: whitespace) at the left (side 1), right (2)
 * or both (0) */
void tyl_str_strip(int k, int src, int side, const char *chars, const char *where)
{
    const char *s = tyl_str_get(src);
    size_t a = 0, b = strlen(s);
    int w;
    if (chars) { /* ASCII characters (the compiler checked) */
        while (side != 2 && a < b && s[a] && strchr(chars, s[a]))
            a++;
        while (side != 1 && b > a && strchr(chars, s[b - 1]))
            b--;
    } else {
        while (side != 2 && a < b && (w = space_len(s + a, 0)))
            a += (size_t)w;
        while (side != 1 && b > a && (w = space_before(s + a, s + b)))
            b -= (size_t)w;
    }
    set_n(k, s + a, b - a, where);
}

/* Is the UTF-8 character at s (its first byte >= 0x80) one without case, which upper() and
 * lower() keep: Latin-1's signs but the micro sign, x and division signs, general punctuation,
 * super- and subscripts, currency, arrows, mathematical operators, CJK punctuation, and the
 * byte order mark that Windows editors put first in a file (Python reads it as U+FEFF). *i
 * moves to its last byte. */
static int caseless(const char *s, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned cp;
    int n;
    if ((u[0] & 0xe0) == 0xc0 && (u[1] & 0xc0) == 0x80) {
        cp = (unsigned)(u[0] & 0x1f) << 6 | (u[1] & 0x3f);
        n = 2;
    } else if ((u[0] & 0xf0) == 0xe0 && (u[1] & 0xc0) == 0x80 && (u[2] & 0xc0) == 0x80) {
        cp = (unsigned)(u[0] & 0x0f) << 12 | (unsigned)(u[1] & 0x3f) << 6 | (u[2] & 0x3f);
        n = 3;
    } else
        return 0;
    int ok = (cp >= 0x80 && cp <= 0xbf && cp != 0xb5) || cp == 0xd7 || cp == 0xf7 || (cp >= 0x2000 && cp <= 0x20ff) ||
             (cp >= 0x2190 && cp <= 0x23ff) || (cp >= 0x3000 && cp <= 0x303f) || cp == 0xfeff;
    if (ok)
        *i += (size_t)n - 1;
    return ok;
}

/* string k = string src in lower (upper 0) or upper case: ASCII letters mapped, characters
 * without case kept, others refused */
void tyl_str_case(int k, int src, int upper, const char *where)
{
    const char *s = tyl_str_get(src);
    size_t n = strlen(s);
    char *c = malloc(n + 1);
    if (!c)
        tyl_rt_error(where, "MemoryError: out of memory for a string");
    for (size_t i = 0; i <= n; i++) {
        char ch = s[i];
        size_t at = i;
        if ((unsigned char)ch >= 0x80) {
            if (!caseless(s + i, &i)) {
                free(c);
                tyl_rt_error_all(where, "str.%s() of a string with letters outside ASCII is not supported (tylesc "
                                 "maps the ASCII letters only)", upper ? "upper" : "lower");
            }
            memcpy(c + at, s + at, i - at + 1);
            continue;
        }
        c[i] = upper ? (ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch) : (ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch);
    }
    tyl_str_reset(k);
    tyl_str_add(k, c);
    free(c);
}

/* string k starts (ends: at its end) with p */
bool tyl_str_starts(int k, const char *p, int ends)
{
    const char *s = tyl_str_get(k);
    size_t n = strlen(s), m = strlen(p);
    return m <= n && memcmp(ends ? s + n - m : s, p, m) == 0;
}

/* p in string k */
bool tyl_str_contains(int k, const char *p) { return strstr(tyl_str_get(k), p) != NULL; }

/* len(string k): its code points (UTF-8) */
int64_t tyl_str_len(int k)
{
    int64_t n = 0;
    for (const char *s = tyl_str_get(k); *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* string k = repr(string src), Python's quotes and escapes: the characters str.isprintable()
 * calls not printable (controls, separators other than ' ', format characters) escaped as
 * \xNN or \uNNNN; others, UTF-8 text too, kept */
void tyl_str_repr(int k, int src, const char *where)
{
    const char *s = tyl_str_get(src);
    size_t n = strlen(s);
    char *r = malloc(6 * n + 3), *p = r; /* \uNNNN at most for a 3-byte character, 4 per byte */
    if (!r)
        tyl_rt_error(where, "MemoryError: out of memory for a string");
    char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
    *p++ = q;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        unsigned cp = ch;
        int len = 1;
        if ((ch & 0xe0) == 0xc0 && i + 1 < n) {
            cp = (unsigned)(ch & 0x1f) << 6 | ((unsigned char)s[i + 1] & 0x3f);
            len = 2;
        } else if ((ch & 0xf0) == 0xe0 && i + 2 < n) {
            cp = (unsigned)(ch & 0x0f) << 12 | (unsigned)((unsigned char)s[i + 1] & 0x3f) << 6 |
                 ((unsigned char)s[i + 2] & 0x3f);
            len = 3;
        } else if (ch >= 0x80) { /* a 4-byte character (printable in what files hold) */
            len = (ch & 0xf8) == 0xf0 && i + 3 < n ? 4 : 1;
            memcpy(p, s + i, (size_t)len);
            p += len;
            i += (size_t)len - 1;
            continue;
        }
        const char *esc = cp == '\\' ? "\\\\" : cp == '\n' ? "\\n" : cp == '\r' ? "\\r" : cp == '\t' ? "\\t" : NULL;
        int hidden = cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp == 0xad || cp == 0x1680 ||
                     (cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) ||
                     (cp >= 0x205f && cp <= 0x206f) || cp == 0x3000 || cp == 0xfeff || (cp >= 0xd800 && cp <= 0xdfff);
        if (esc)
            p += sprintf(p, "%s", esc);
        else if (cp == (unsigned char)q)
            p += sprintf(p, "\\%c", q);
        else if (hidden)
            p += sprintf(p, cp < 0x100 ? "\\x%02x" : "\\u%04x", cp);
        else {
            memcpy(p, s + i, (size_t)len);
            p += len;
        }
        i += (size_t)len - 1;
    }
    *p++ = q;
    *p = '\0';
    tyl_str_reset(k);
    tyl_str_add(k, r);
    free(r);
}

/* string k = format(string src, spec): fill, alignment, width and precision as Python's
 * (the compiler checked the spec) */
void tyl_str_format(int k, int src, const char *spec, const char *where)
{
    tyl_fspec f;
    char err[200];
    if (tyl_fspec_parse(spec, 's', &f, err, sizeof err))
        tyl_rt_error_all(where, "ValueError: %s", err);
    const char *s = tyl_str_get(src), *end = s + strlen(s);
    long n = (long)tyl_str_len(src);
    if (f.prec >= 0 && n > f.prec) { /* keep prec characters */
        long m = 0;
        for (end = s; *end; end++)
            if (((unsigned char)*end & 0xc0) != 0x80 && m++ == f.prec)
                break;
        n = f.prec;
    }
    long pad = f.width > n ? f.width - n : 0, lp = f.align == '>' ? pad : f.align == '^' ? pad / 2 : 0;
    size_t nf = strlen(f.fill), len = (size_t)(end - s);
    char *r = malloc(len + (size_t)pad * nf + 1), *p = r;
    if (!r)
        tyl_rt_error(where, "MemoryError: out of memory for a string");
    for (long i = 0; i < pad; i++) {
        if (i == lp) {
            memcpy(p, s, len);
            p += len;
        }
        memcpy(p, f.fill, nf);
        p += nf;
    }
    if (lp == pad) {
        memcpy(p, s, len);
        p += len;
    }
    *p = '\0';
    tyl_str_reset(k);
    tyl_str_add(k, r);
    free(r);
}

/* the end of the program: what is still open */
void tyl_text_free_(void)
{
    for (int i = 0; i < nfiles_; i++)
        free(files_[i].text);
    free(files_);
    files_ = NULL;
    nfiles_ = 0;
    for (int i = 0; i < nsplits_; i++) {
        free(splits_[i].text);
        free(splits_[i].off);
    }
    free(splits_);
    splits_ = NULL;
    nsplits_ = 0;
}
