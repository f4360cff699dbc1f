/* tyl_txtparse.c: np.loadtxt's and np.genfromtxt's reading of numbers from text (spec in
 * tyl_txtparse.h). Checked against NumPy 2.4 (tests/programs/loadtxt_station_records):
 * - skip (skiprows / skip_header) drops that many raw lines first; then each line is cut at the
 *   first occurrence of the comment string; a line with nothing left but whitespace is skipped
 *   when fields are whitespace-separated (with a delimiter, only a line with nothing left is);
 * - fields: runs of whitespace (delim NULL), else the text between delimiters; a number may have
 *   whitespace around it; Python's float syntax (no hexadecimal, no underscores), inf and nan
 *   of any case; strtod rounds correctly, as Python's parser does;
 * - every row has the first row's number of fields, else NumPy's ValueError (genfromtxt's
 *   "Some errors were detected" for the first bad line);
 * - a field that is not a number is NumPy's ValueError (loadtxt; genfromtxt makes it nan). */
#include "tyl_txtparse.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *tyl_txt_slurp(const char *path, size_t *len, char why[TYL_TXT_WHY_LEN])
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, TYL_TXT_WHY_LEN, "FileNotFoundError: %s not found.", path);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, TYL_TXT_WHY_LEN, "PermissionError: [Errno %d] %s: '%s'", errno, strerror(errno), path);
        return NULL;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    if (!buf) {
        snprintf(why, TYL_TXT_WHY_LEN, "MemoryError: reading '%s'", path);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

/* Python's float() of the field [s, e) without its surrounding whitespace: 1, with *v. */
static int num(const char *s, const char *e, double *v)
{
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    if (s == e)
        return 0;
    char small[64], *tmp = e - s < 64 ? small : malloc((size_t)(e - s) + 1);
    if (!tmp)
        return 0;
    memcpy(tmp, s, (size_t)(e - s));
    tmp[e - s] = 0;
    int ok = 1;
    for (const char *p = tmp; *p; p++)
        if (*p == 'x' || *p == 'X' || *p == '_' || *p == 'p' || *p == 'P')
            ok = 0; /* hexadecimal floats (strtod's, not Python's), digit separators */
    char *end = tmp;
    if (ok)
        *v = strtod(tmp, &end);
    ok = ok && *end == 0;
    if (tmp != small)
        free(tmp);
    return ok;
}

/* NumPy's int64 parse of a field: optional sign and decimal digits, whitespace around. */
static int inum(const char *s, const char *e, int64_t *v)
{
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    if (s == e || e - s > 30)
        return 0;
    char tmp[32];
    memcpy(tmp, s, (size_t)(e - s));
    tmp[e - s] = 0;
    const char *p = tmp + (tmp[0] == '+' || tmp[0] == '-');
    if (!*p)
        return 0;
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q))
            return 0;
    errno = 0;
    long long x = strtoll(tmp, NULL, 10);
    if (errno)
        return 0;
    *v = (int64_t)x;
    return 1;
}

typedef struct grow {
    double *v;
    int64_t *iv;
    int64_t n, cap;
} grow;

static int push(grow *g, double v, int64_t iv, int want_int)
{
    if (g->n == g->cap) {
        int64_t cap = g->cap ? g->cap * 2 : 256;
        if (want_int) {
            int64_t *p = realloc(g->iv, sizeof(int64_t) * (size_t)cap);
            if (!p)
                return 0;
            g->iv = p;
        } else {
            double *p = realloc(g->v, sizeof(double) * (size_t)cap);
            if (!p)
                return 0;
            g->v = p;
        }
        g->cap = cap;
    }
    if (want_int)
        g->iv[g->n++] = iv;
    else
        g->v[g->n++] = v;
    return 1;
}

/* The fields of a line, their bounds (grown as needed). */
typedef struct fields {
    const char **s, **e;
    int64_t n, cap;
} fields;

static int field(fields *f, const char *s, const char *e)
{
    if (f->n == f->cap) {
        int64_t cap = f->cap ? f->cap * 2 : 64;
        const char **ns = realloc(f->s, sizeof(char *) * (size_t)cap);
        if (!ns)
            return 0;
        f->s = ns;
        const char **ne = realloc(f->e, sizeof(char *) * (size_t)cap);
        if (!ne)
            return 0;
        f->e = ne;
        f->cap = cap;
    }
    f->s[f->n] = s;
    f->e[f->n++] = e;
    return 1;
}

/* The fields of the line [s, e) (comment cut off) into f: 1, or 0 out of memory. A line of
 * whitespace only has no field when fields are whitespace-separated. */
static int split(const char *s, const char *e, const char *delim, fields *f)
{
    f->n = 0;
    if (!delim) {
        const char *p = s;
        for (;;) {
            while (p < e && isspace((unsigned char)*p))
                p++;
            if (p >= e)
                return 1;
            const char *q = p;
            while (q < e && !isspace((unsigned char)*q))
                q++;
            if (!field(f, p, q))
                return 0;
            p = q;
        }
    }
    if (s == e)
        return 1;
    size_t dl = strlen(delim);
    const char *p = s;
    for (;;) {
        const char *q = p;
        while (q < e && !((size_t)(e - q) >= dl && memcmp(q, delim, dl) == 0))
            q++;
        if (!field(f, p, q))
            return 0;
        if (q >= e)
            return 1;
        p = q + dl;
    }
}

int tyl_txt_parse(const char *text, size_t len, const tyl_txt_opts *o, double **vals, int64_t **ivals,
                  int64_t *rows, int64_t *cols, char why[TYL_TXT_WHY_LEN])
{
    fields fl = {0};
    grow g = {0};
    int want_int = o->as_int && ivals;
    int64_t nrow = 0, ncol = -1, line = 0;
    int err = 0;
    const char *p = text, *end = text + len;
    size_t cl = o->comments ? strlen(o->comments) : 0;
    while (!err && p < end && (o->max_rows < 0 || nrow < o->max_rows)) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        const char *next = e ? e + 1 : end;
        if (!e)
            e = end;
        if (e > p && e[-1] == '\r')
            e--;
        line++;
        if (line <= o->skip) {
            p = next;
            continue;
        }
        if (cl)
            for (const char *q = p; q + cl <= e; q++)
                if (memcmp(q, o->comments, cl) == 0) {
                    e = q;
                    break;
                }
        if (!split(p, e, o->delim, &fl)) {
            snprintf(why, TYL_TXT_WHY_LEN, "MemoryError: reading a text file");
            err = 1;
            break;
        }
        p = next;
        int64_t nf = fl.n;
        const char **fs = fl.s, **fe = fl.e;
        if (nf == 0)
            continue;
        if (ncol >= 0 && nf != ncol && !(o->nuse && !o->gen)) {
            if (o->gen)
                snprintf(why, TYL_TXT_WHY_LEN, "ValueError: Some errors were detected !\n    Line #%lld (got %lld "
                         "columns instead of %lld)", (long long)line, (long long)nf, (long long)ncol);
            else
                snprintf(why, TYL_TXT_WHY_LEN, "ValueError: the number of columns changed from %lld to %lld at "
                         "row %lld; use `usecols` to select a subset and avoid this error",
                         (long long)ncol, (long long)nf, (long long)nrow + 1);
            err = 1;
            break;
        }
        if (ncol < 0)
            ncol = nf;
        int64_t nout = o->nuse ? o->nuse : nf;
        for (int64_t k = 0; k < nout && !err; k++) {
            int64_t j = k;
            if (o->nuse) {
                j = o->use[k] < 0 ? o->use[k] + nf : o->use[k];
                if (j < 0 || j >= nf) {
                    snprintf(why, TYL_TXT_WHY_LEN, "ValueError: invalid column index %lld at row %lld with %lld "
                             "columns", (long long)o->use[k], (long long)nrow + 1, (long long)nf);
                    err = 1;
                    break;
                }
            }
            double v = 0;
            int64_t iv = 0;
            int ok = want_int ? inum(fs[j], fe[j], &iv) : num(fs[j], fe[j], &v);
            if (!ok && o->gen) {
                v = __builtin_nan("");
                ok = 1;
            }
            if (!ok) {
                int w = (int)(fe[j] - fs[j]);
                snprintf(why, TYL_TXT_WHY_LEN, "ValueError: could not convert string '%.*s' to %s at row %lld, "
                         "column %lld.", w > 100 ? 100 : w, fs[j], o->tyname, (long long)nrow, (long long)j + 1);
                err = 1;
            } else if ((vals || want_int) && !push(&g, v, iv, want_int)) {
                snprintf(why, TYL_TXT_WHY_LEN, "MemoryError: reading a text file");
                err = 1;
            }
        }
        nrow++;
    }
    free(fl.s);
    free(fl.e);
    if (err) {
        free(g.v);
        free(g.iv);
        return 1;
    }
    *rows = nrow;
    *cols = nrow ? (o->nuse ? o->nuse : ncol) : 0;
    if (vals)
        *vals = g.v;
    else
        free(g.v);
    if (ivals)
        *ivals = g.iv;
    else
        free(g.iv);
    return 0;
}

int tyl_txt_shape(const tyl_txt_opts *o, int64_t rows, int64_t cols, int64_t shape[2])
{
    int64_t s[2] = {rows, cols};
    int nd = 2;
    if (rows == 0) { /* no data: NumPy's empty (0,) whatever the options, (0, 0)-like for ndmin=2 */
        s[0] = 0;
        nd = o->ndmin == 2 ? 2 : 1;
        s[1] = 0;
    } else if (nd > o->ndmin) { /* np.squeeze */
        int k = 0;
        for (int d = 0; d < 2; d++)
            if (s[d] != 1)
                s[k++] = s[d];
        nd = k;
    }
    if (nd < o->ndmin) { /* a single number: atleast_1d (ndmin=2 never squeezed it) */
        s[0] = 1;
        nd = 1;
    }
    if (o->unpack && nd == 2) {
        int64_t t = s[0];
        s[0] = s[1];
        s[1] = t;
    }
    shape[0] = s[0];
    shape[1] = s[1];
    return nd;
}
