/* tyl_savetext.c: np.savez / np.savez_compressed (a .npz: a zip of .npy members) and np.savetxt
 * (rows of formatted numbers), written as NumPy writes them so that np.load and np.loadtxt read
 * the same arrays.
 *
 * Both go through tyl_save_npy, which already writes a distributed or device array as one .npy
 * of the global array (collectively, MPI-IO): each array is saved to a temporary .npy next to the
 * destination, which rank 0 then copies into the zip or formats as text, and removes. The zip's
 * members are stored (method 0, no compression, also for savez_compressed: np.load reads both
 * alike); a member is appended as soon as it is saved, and the last one closes the file. */

#include "tyl_internal.h"
#include "tyl_npyhdr.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- CRC-32 (zip's, polynomial 0xEDB88320) ---------------------------------------------------- */

static uint32_t crc_table[256];
static void crc_init(void)
{
    if (crc_table[1])
        return;
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}
static uint32_t crc_update(uint32_t crc, const unsigned char *p, size_t n)
{
    crc = ~crc;
    while (n--)
        crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static void put16(FILE *f, unsigned v)
{
    fputc((int)(v & 0xff), f);
    fputc((int)((v >> 8) & 0xff), f);
}
static void put32(FILE *f, uint32_t v)
{
    put16(f, v & 0xffff);
    put16(f, v >> 16);
}

/* the temporary .npy of member k (or of a savetxt) next to `dest` */
static char *temp_npy(const char *dest, int k, const char *where)
{
    size_t n = strlen(dest) + 48;
    char *t = malloc(n);
    if (!t)
        tyl_rt_error(where, "cannot write '%s': out of memory", dest);
    snprintf(t, n, "%s.tyl%d.tmp.npy", dest, k);
    return t;
}

/* The .npy rank 0 reads back: its bytes (malloc'd, *n of them). */
static unsigned char *slurp(const char *path, const char *dest, size_t *n, const char *where)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        tyl_rt_error(where, "cannot write '%s': %s", dest, strerror(errno));
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(len > 0 ? (size_t)len : 1);
    if (!b || len < 0 || fread(b, 1, (size_t)len, f) != (size_t)len)
        tyl_rt_error(where, "cannot write '%s': reading back %s failed", dest, path);
    fclose(f);
    *n = (size_t)len;
    return b;
}

/* ---- np.savez ----------------------------------------------------------------------------------- */

typedef struct zentry {
    char *name;
    uint32_t crc, size, offset;
} zentry;
static struct {
    FILE *f;
    char *dest, *tmp;
    zentry *e;
    int n;
    uint32_t at;
} zip;

static char *npz_name(const char *file)
{
    size_t n = strlen(file);
    char *d = malloc(n + 5);
    if (!d)
        return NULL;
    memcpy(d, file, n + 1);
    if (n < 4 || strcmp(file + n - 4, ".npz") != 0)
        memcpy(d + n, ".npz", 5);
    return d;
}

void tyl_savez_member(const char *file, int k, int nmembers, const char *member, const tyl_array *a,
                      const char *where)
{
    char *dest = npz_name(file);
    if (!dest)
        tyl_rt_error(where, "cannot write '%s': out of memory", file);
    char *t = temp_npy(dest, k, where);
    tyl_save_npy(t, a, where);
    if (tyl_rt_rank_ == 0) {
        crc_init();
        if (k == 0) {
            size_t n = strlen(dest) + 16;
            zip.dest = dest;
            zip.tmp = malloc(n);
            if (!zip.tmp)
                tyl_rt_error(where, "cannot write '%s': out of memory", dest);
            snprintf(zip.tmp, n, "%s.tyl.tmp", dest);
            zip.f = fopen(zip.tmp, "wb");
            if (!zip.f)
                tyl_rt_error(where, "cannot write '%s': %s", dest, strerror(errno));
            zip.e = calloc((size_t)nmembers, sizeof *zip.e);
            zip.n = 0;
            zip.at = 0;
        } else
            free(dest);
        size_t len;
        unsigned char *b = slurp(t, zip.dest, &len, where);
        remove(t);
        if ((uint64_t)zip.at + len + 1024 > 0xffffffffu)
            tyl_rt_error(where, "cannot write '%s': np.savez of more than 4 GiB is not supported",
                         zip.dest);
        size_t nl = strlen(member) + 5;
        zentry *e = &zip.e[zip.n++];
        e->name = malloc(nl);
        snprintf(e->name, nl, "%s.npy", member);
        e->crc = crc_update(0, b, len);
        e->size = (uint32_t)len;
        e->offset = zip.at;
        FILE *f = zip.f;
        put32(f, 0x04034b50u); /* local file header */
        put16(f, 20);          /* version needed: 2.0 */
        put16(f, 0);           /* flags */
        put16(f, 0);           /* stored */
        put16(f, 0);           /* time 00:00:00 */
        put16(f, (0 << 9) | (1 << 5) | 1); /* date 1980-01-01 */
        put32(f, e->crc);
        put32(f, e->size);
        put32(f, e->size);
        put16(f, (unsigned)strlen(e->name));
        put16(f, 0);
        fputs(e->name, f);
        fwrite(b, 1, len, f);
        free(b);
        zip.at += 30 + (uint32_t)strlen(e->name) + (uint32_t)len;
        if (k == nmembers - 1) {
            uint32_t cd = zip.at, cdsize = 0;
            for (int i = 0; i < zip.n; i++) {
                zentry *z = &zip.e[i];
                put32(f, 0x02014b50u); /* central directory header */
                put16(f, 20);          /* made by */
                put16(f, 20);          /* needed */
                put16(f, 0);
                put16(f, 0);
                put16(f, 0);
                put16(f, (0 << 9) | (1 << 5) | 1);
                put32(f, z->crc);
                put32(f, z->size);
                put32(f, z->size);
                put16(f, (unsigned)strlen(z->name));
                put16(f, 0); /* extra */
                put16(f, 0); /* comment */
                put16(f, 0); /* disk */
                put16(f, 0); /* internal attributes */
                put32(f, 0x01800000u); /* external: a regular file, rw------- */
                put32(f, z->offset);
                fputs(z->name, f);
                cdsize += 46 + (uint32_t)strlen(z->name);
                free(z->name);
            }
            put32(f, 0x06054b50u); /* end of central directory */
            put16(f, 0);
            put16(f, 0);
            put16(f, (unsigned)zip.n);
            put16(f, (unsigned)zip.n);
            put32(f, cdsize);
            put32(f, cd);
            put16(f, 0);
            int bad = ferror(f);
            if (fclose(f) != 0 || bad || rename(zip.tmp, zip.dest) != 0) {
                remove(zip.tmp);
                tyl_rt_error(where, "cannot write '%s': %s", zip.dest, strerror(errno));
            }
            free(zip.e);
            free(zip.tmp);
            free(zip.dest);
            zip.f = NULL;
            zip.e = NULL;
            zip.tmp = zip.dest = NULL;
        }
    } else
        free(dest);
    free(t);
}

/* ---- np.savetxt --------------------------------------------------------------------------------- */

/* One value of row r, column j of the data, as a double or an int64 (is_int). */
static double value_at(const tyl_npyhdr *h, const unsigned char *p, int64_t i, int64_t *iv, int *is_int)
{
    const unsigned char *q = p + i * h->size;
    *is_int = 1;
    switch (h->kind) {
    case 'b': *iv = *q != 0; return (double)*iv;
    case 'i':
        if (h->size == 1) *iv = *(const int8_t *)q;
        else if (h->size == 2) *iv = *(const int16_t *)q;
        else if (h->size == 4) *iv = *(const int32_t *)q;
        else *iv = *(const int64_t *)q;
        return (double)*iv;
    case 'u':
        if (h->size == 1) *iv = *q;
        else if (h->size == 2) *iv = *(const uint16_t *)q;
        else if (h->size == 4) *iv = *(const uint32_t *)q;
        else *iv = (int64_t) * (const uint64_t *)q; /* above 2**63: not exact (rare) */
        return (double)*iv;
    default:
        *is_int = 0;
        return h->size == 4 ? (double)*(const float *)q : *(const double *)q;
    }
}

/* Python's "FMT % x" of one conversion spec (the compiler checked it: flags, width, precision,
 * a conversion among d i u o x X e E f F g G) appended to out. */
static void format_one(FILE *out, const char *spec, size_t n, double x, int64_t iv, int is_int,
                       const char *dest, const char *where)
{
    char c[64], conv = spec[n - 1];
    size_t m = 0;
    for (size_t i = 0; i < n - 1 && m < sizeof c - 4; i++)
        if (spec[i] != 'l' && spec[i] != 'h' && spec[i] != 'L')
            c[m++] = spec[i];
    if (conv == 'd' || conv == 'i' || conv == 'u' || conv == 'o' || conv == 'x' || conv == 'X') {
        if (!is_int) {
            if (conv == 'o' || conv == 'x' || conv == 'X')
                tyl_rt_error(where, "TypeError: %%%c format: an integer is required, not float "
                                    "(np.savetxt of '%s')", conv, dest);
            if (isnan(x))
                tyl_rt_error(where, "ValueError: cannot convert float NaN to integer");
            if (isinf(x))
                tyl_rt_error(where, "OverflowError: cannot convert float infinity to integer");
            if (!(x > -9223372036854775808.0 && x < 9223372036854775808.0))
                tyl_rt_error(where, "np.savetxt: %.17g does not fit in an int64 (not supported)", x);
            iv = (int64_t)x; /* Python's int(x): toward zero */
        }
        c[m++] = 'l';
        c[m++] = 'l';
        c[m++] = conv == 'u' ? 'd' : conv;
        c[m] = 0;
        fprintf(out, c, (long long)iv);
        return;
    }
    c[m++] = conv;
    c[m] = 0;
    fprintf(out, c, isnan(x) ? fabs(x) : x); /* Python writes nan, never -nan */
}

/* One row: fmt's literal text ('%%' as '%') and its conversions, one per value. */
static void format_row(FILE *out, const char *fmt, const tyl_npyhdr *h, const unsigned char *p,
                       int64_t first, const char *dest, const char *where)
{
    int64_t j = 0;
    for (const char *s = fmt; *s;) {
        if (*s != '%') {
            fputc(*s++, out);
            continue;
        }
        if (s[1] == '%') {
            fputc('%', out);
            s += 2;
            continue;
        }
        size_t n = 1 + strspn(s + 1, "#0- +123456789.lhL");
        n++; /* the conversion character */
        int64_t iv = 0;
        int is_int;
        double x = value_at(h, p, first + j++, &iv, &is_int);
        format_one(out, s, n, x, iv, is_int, dest, where);
        s += n;
    }
}

/* NumPy's header and footer: comments, then the text with comments after each "\n", then newline */
static void commented(FILE *out, const char *text, const char *comments, const char *newline)
{
    if (!*text)
        return;
    fputs(comments, out);
    for (const char *p = text; *p; p++) {
        fputc(*p, out);
        if (*p == '\n')
            fputs(comments, out);
    }
    fputs(newline, out);
}

void tyl_savetxt(const char *file, const tyl_array *a, int nspec, const char *fmt, const char *bad_fmt,
                 const char *delimiter, const char *newline, const char *header, const char *footer,
                 const char *comments, const char *where)
{
    char *t = temp_npy(file, 0, where);
    tyl_save_npy(t, a, where);
    if (tyl_rt_rank_ != 0) {
        free(t);
        return;
    }
    size_t len;
    unsigned char *b = slurp(t, file, &len, where);
    remove(t);
    free(t);
    tyl_npyhdr h;
    char why[TYL_NPYHDR_WHY_LEN];
    /* the header tyl_save_npy wrote: magic, version, its length (2 bytes in 1.0, else 4), dict */
    size_t at = len > 8 && b[6] == 1 ? 10 : 12;
    size_t hl = len < at ? 0 : at == 10 ? (size_t)b[8] | (size_t)b[9] << 8
                                        : (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
    if (len < at + hl || tyl_npyhdr_parse_dict((const char *)b + at, hl, &h, why) != 0)
        tyl_rt_error(where, "cannot write '%s': internal: its temporary .npy is malformed", file);
    h.data_offset = (int64_t)(at + hl);
    int64_t rows = h.ndim == 2 ? h.shape[0] : h.shape[0], cols = h.ndim == 2 ? h.shape[1] : 1;
    /* NumPy's fmt: one conversion repeated over the columns, joined by the delimiter; else as
     * many as there are columns */
    char *row = NULL;
    if (nspec == 0) {
        size_t fl = strlen(fmt), dl = strlen(delimiter);
        row = malloc((size_t)cols * (fl + dl) + 1);
        if (!row)
            tyl_rt_error(where, "cannot write '%s': out of memory", file);
        row[0] = 0;
        size_t at = 0;
        for (int64_t j = 0; j < cols; j++) {
            if (j) {
                memcpy(row + at, delimiter, dl);
                at += dl;
            }
            memcpy(row + at, fmt, fl);
            at += fl;
        }
        row[at] = 0;
    } else if (nspec != cols)
        tyl_rt_error(where, "%s", bad_fmt);
    size_t tl = strlen(file) + 16;
    char *tmp = malloc(tl);
    if (!tmp)
        tyl_rt_error(where, "cannot write '%s': out of memory", file);
    snprintf(tmp, tl, "%s.tyl.tmp", file);
    FILE *out = fopen(tmp, "wb");
    if (!out)
        tyl_rt_error(where, "cannot write '%s': %s", file, strerror(errno));
    commented(out, header, comments, newline);
    const unsigned char *data = b + h.data_offset;
    for (int64_t r = 0; r < rows; r++) {
        format_row(out, row ? row : fmt, &h, data, r * cols, file, where);
        fputs(newline, out);
    }
    commented(out, footer, comments, newline);
    int bad = ferror(out);
    if (fclose(out) != 0 || bad || rename(tmp, file) != 0) {
        remove(tmp);
        tyl_rt_error(where, "cannot write '%s': %s", file, strerror(errno));
    }
    free(tmp);
    free(row);
    free(b);
}
