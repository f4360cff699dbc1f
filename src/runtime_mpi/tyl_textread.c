/* tyl_textread.c: text files open() opens for reading, and the str methods programs apply to
 * the lines they read (strip, split, splitlines, partition, startswith, lower, `in`, len).
 *
 * A file is read whole by rank 0 when it is opened and broadcast, so every rank holds the same
 * text and takes the same branches; a file that cannot be opened stops every rank together
 * with Python's message ("FileNotFoundError: [Errno 2] No such file or directory: 'p'"). The
 * file's position then moves through that text as Python's does: readline() takes the next
 * line, read() and readlines() (and a for loop over the file) the rest.
 *
 * Strings are the compiler's run-time strings (tyl_str_*, numbered k >= 1). A split is kept
 * in a table t >= 1 of its own (one per place in the program that splits), so that a loop over
 * its items reads each in constant time. Everything is computed on every rank from replicated
 * text: no communication after the open. */

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
            buf = malloc(cap);
            while (buf && (got = fread(buf + m, 1, cap - m - 1, fp)) > 0) {
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
            if (!buf || ferror(fp))
                e = buf ? EIO : ENOMEM;
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
    if (strlen(buf) != (size_t)n) {
        free(buf);
        tyl_rt_error_all(where, "ValueError: '%s' holds a NUL character, which tylesc's strings do not", path);
    }
    t->text = buf;
    t->len = (size_t)n;
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

static int is_space(unsigned char ch) { return ch == ' ' || (ch >= '\t' && ch <= '\r') || (ch >= 0x1c && ch <= 0x1f); }
/* the line boundaries of str.splitlines() in ASCII text */
static int is_eol(unsigned char ch) { return ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f' || (ch >= 0x1c && ch <= 0x1e); }

/* table s = the pieces of string src (copied): mode TYL_SPLIT_SEP by sep (NULL: runs of
 * whitespace) at most maxsplit times (< 0: all), TYL_SPLIT_LINES / TYL_SPLIT_KEEPENDS its
 * lines (without or with their ends), TYL_SPLIT_PARTITION str.partition(sep)'s three. */
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
    if (mode == TYL_SPLIT_LINES || mode == TYL_SPLIT_KEEPENDS) {
        /* piece k is [off[k], its end): the line without its end, or with it (keepends),
         * copied with a NUL after each */
        char *d = malloc(2 * n + 1) /* a NUL after each of at most n lines */;
        if (!d)
            tyl_rt_error(where, "MemoryError: out of memory for a split");
        size_t i = 0, at = 0;
        while (i < n) {
            size_t a = i;
            while (i < n && !is_eol((unsigned char)c[i]))
                i++;
            size_t e = i;
            if (i < n)
                i += c[i] == '\r' && c[i + 1] == '\n' ? 2 : 1;
            size_t b = mode == TYL_SPLIT_KEEPENDS ? i : e;
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
    for (int64_t done = 0;; done++) {
        while (i < n && is_space((unsigned char)c[i]))
            i++;
        if (i >= n)
            break;
        push(t, i, where);
        if (maxsplit >= 0 && done >= maxsplit) { /* the rest, less its trailing whitespace */
            size_t e = n;
            while (e > i && is_space((unsigned char)c[e - 1]))
                e--;
            c[e] = '\0';
            break;
        }
        while (i < n && !is_space((unsigned char)c[i]))
            i++;
        if (i < n)
            c[i++] = '\0';
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
    split_text(s, t->text + t->pos, NULL, -1, TYL_SPLIT_KEEPENDS, where);
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
#define IN_SET(ch) (chars ? ((ch) && strchr(chars, (ch)) != NULL) : is_space((unsigned char)(ch)))
    while (side != 2 && a < b && IN_SET(s[a]))
        a++;
    while (side != 1 && b > a && IN_SET(s[b - 1]))
        b--;
#undef IN_SET
    set_n(k, s + a, b - a, where);
}

/* string k = string src in lower (upper 0) or upper case (ASCII letters; others are kept) */
void tyl_str_case(int k, int src, int upper, const char *where)
{
    const char *s = tyl_str_get(src);
    size_t n = strlen(s);
    char *c = malloc(n + 1);
    if (!c)
        tyl_rt_error(where, "MemoryError: out of memory for a string");
    for (size_t i = 0; i <= n; i++) {
        char ch = s[i];
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
