/* tyl_npy.c: np.save, byte-identical to NumPy 2's .npy format 1.0 output. */
#define _POSIX_C_SOURCE 200809L
#include "tyl_internal.h"
#include "tyl_mem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "tyl_save_npy assumes a little-endian host"
#endif

enum { NPY_ALIGN = 64, NPY_GROWTH_AXIS_MAX_DIGITS = 21, NPY_MAGIC_LEN = 8 };

static const char *npy_descr(tyl_dtype t)
{
    switch (t) {
    case TYL_BOOL: return "|b1";
    case TYL_INT32: return "<i4";
    case TYL_INT64: return "<i8";
    case TYL_FLOAT32: return "<f4";
    case TYL_FLOAT64: return "<f8";
    }
    return "<f8";
}

/* Header (magic, version, length, dict, padding, '\n') exactly as numpy.lib.format writes it.
 * Returns its length; hdr must hold 512 bytes. */
static size_t npy_header(char *hdr, const tyl_array *a)
{
    char shape[128], dict[400];
    tyl_rt_shape_str(shape, a->rank, a->shape);
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                     npy_descr(a->dtype), shape);
    if (a->rank > 0) { /* spare space so the first axis can grow in place */
        char first[32];
        int fl = snprintf(first, sizeof first, "%lld", (long long)a->shape[0]);
        for (int i = fl; i < NPY_GROWTH_AXIS_MAX_DIGITS; i++)
            dict[n++] = ' ';
        dict[n] = '\0';
    }
    size_t hlen = (size_t)n + 1; /* + '\n' */
    size_t padlen = NPY_ALIGN - ((NPY_MAGIC_LEN + 2 + hlen) % NPY_ALIGN);
    size_t total_dict = hlen + padlen;
    memcpy(hdr, "\x93NUMPY\x01\x00", NPY_MAGIC_LEN);
    hdr[8] = (char)(total_dict & 0xff);
    hdr[9] = (char)((total_dict >> 8) & 0xff);
    memcpy(hdr + 10, dict, (size_t)n);
    memset(hdr + 10 + n, ' ', padlen);
    hdr[10 + (size_t)n + padlen] = '\n';
    return 10 + total_dict;
}

void tyl_save_npy(const char *filename, const tyl_array *a, const char *where)
{
    if (tyl_rt_rank_ != 0) /* the global array is written once, by rank 0 */
        return;
    char hdr[512];
    size_t hn = npy_header(hdr, a);

    size_t tmplen = strlen(filename) + 32;
    char *tmp = malloc(tmplen);
    if (!tmp)
        tyl_rt_error(where, "cannot save '%s': out of memory", filename);
    snprintf(tmp, tmplen, "%s.tmp.%ld", filename, (long)getpid());

    FILE *f = fopen(tmp, "wb");
    if (!f) {
        int err = errno;
        free(tmp);
        tyl_rt_error(where, "cannot write '%s': %s", filename, strerror(err));
    }
    size_t nbytes = (size_t)a->size * tyl_dtype_size(a->dtype);
    errno = 0;
    int ok = fwrite(hdr, 1, hn, f) == hn;
    if (ok && nbytes && !tyl_mem_on_device())
        ok = fwrite(a->data, 1, nbytes, f) == nbytes;
    else if (ok && nbytes) {
        /* device data goes through a host buffer, a chunk at a time */
        size_t chunk = nbytes < ((size_t)64 << 20) ? nbytes : ((size_t)64 << 20);
        char *buf = malloc(chunk);
        ok = buf != NULL;
        for (size_t off = 0; ok && off < nbytes; off += chunk) {
            size_t n = nbytes - off < chunk ? nbytes - off : chunk;
            tyl_mem_to_host(buf, (const char *)a->data + off, n);
            ok = fwrite(buf, 1, n, f) == n;
        }
        free(buf);
    }
    int err = ok ? 0 : (errno ? errno : EIO);
    if (fclose(f) != 0 && ok) {
        ok = 0;
        err = errno ? errno : EIO;
    }
    if (ok && rename(tmp, filename) != 0) {
        ok = 0;
        err = errno;
    }
    if (!ok) {
        remove(tmp);
        free(tmp);
        tyl_rt_error(where, "cannot write '%s': %s", filename, strerror(err));
    }
    free(tmp);
}

/* ---- np.load ---------------------------------------------------------------------------------- */

static const char *dtype_word(tyl_dtype t)
{
    static const char *w[] = {"bool", "int32", "int64", "float32", "float64"};
    return w[t];
}

/* The value of 'key': in the header dict, or NULL. */
static const char *dict_value(const char *dict, const char *key)
{
    const char *p = strstr(dict, key);
    if (!p)
        return NULL;
    p += strlen(key);
    while (*p == ' ' || *p == ':')
        p++;
    return p;
}

tyl_array *tyl_load_npy(const char *filename, tyl_dtype dt, int rank, const char *where)
{
    FILE *f = fopen(filename, "rb");
    if (!f)
        tyl_rt_error(where, "FileNotFoundError: cannot read '%s': %s", filename, strerror(errno));
    unsigned char pre[12];
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        fclose(f);
        tyl_rt_error(where, "'%s' is not a .npy file (no \\x93NUMPY magic)", filename);
    }
    size_t hlen;
    int major = pre[6];
    if (major == 1)
        hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
    else if (major == 2 || major == 3) {
        if (fread(pre + 10, 1, 2, f) != 2) {
            fclose(f);
            tyl_rt_error(where, "'%s' is truncated (in its header)", filename);
        }
        hlen = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    } else {
        fclose(f);
        tyl_rt_error(where, "'%s' has .npy format version %d.%d, which is not supported", filename,
                     pre[6], pre[7]);
    }
    if (hlen > 1 << 20) {
        fclose(f);
        tyl_rt_error(where, "'%s' has a malformed header (length %zu)", filename, hlen);
    }
    char *dict = malloc(hlen + 1);
    if (!dict || fread(dict, 1, hlen, f) != hlen) {
        free(dict);
        fclose(f);
        tyl_rt_error(where, "'%s' is truncated (in its header)", filename);
    }
    dict[hlen] = 0;
    const char *descr = dict_value(dict, "'descr'");
    const char *fort = dict_value(dict, "'fortran_order'");
    const char *shp = dict_value(dict, "'shape'");
    char want[8];
    snprintf(want, sizeof want, "'%s'", npy_descr(dt));
    char got[16] = "?";
    if (descr && *descr == '\'') {
        size_t k = strcspn(descr + 1, "'");
        snprintf(got, sizeof got, "%.*s", (int)(k < 12 ? k : 12), descr + 1);
    }
    int ok = descr && strncmp(descr, want, strlen(want)) == 0;
    if (!ok && dt == TYL_BOOL && descr && strncmp(descr, "'<b1'", 5) == 0)
        ok = 1;
    if (!ok) {
        free(dict);
        fclose(f);
        tyl_rt_error(where, "'%s' holds '%s' data, but the program was compiled for %s ('%s')",
                     filename, got, dtype_word(dt), npy_descr(dt));
    }
    if (!fort || strncmp(fort, "False", 5) != 0) {
        free(dict);
        fclose(f);
        tyl_rt_error(where, "'%s' is stored in Fortran order; save it in C order (np.ascontiguousarray)",
                     filename);
    }
    int64_t shape[TYL_MAX_RANK];
    int r = 0;
    const char *p = shp && *shp == '(' ? shp + 1 : NULL;
    while (p && *p != ')') {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == ')')
            break;
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || v < 0 || r == TYL_MAX_RANK) {
            p = NULL;
            break;
        }
        shape[r++] = v;
        p = end;
    }
    free(dict);
    if (!p) {
        fclose(f);
        tyl_rt_error(where, "'%s' has a malformed shape in its header", filename);
    }
    if (r != rank) {
        fclose(f);
        tyl_rt_error(where, "'%s' holds a %d-dimensional array, but the program was compiled for %d "
                            "dimensions", filename, r, rank);
    }
    tyl_array *a = tyl_alloc(dt, rank, shape, TYL_INIT_NONE, where);
    size_t nbytes = (size_t)a->size * tyl_dtype_size(dt);
    if (!tyl_mem_on_device()) {
        if (fread(a->data, 1, nbytes, f) != nbytes) {
            fclose(f);
            tyl_rt_error(where, "'%s' is truncated: its data is shorter than its shape says", filename);
        }
    } else {
        void *buf = malloc(nbytes ? nbytes : 1);
        if (!buf || fread(buf, 1, nbytes, f) != nbytes) {
            free(buf);
            fclose(f);
            tyl_rt_error(where, "'%s' is truncated: its data is shorter than its shape says", filename);
        }
        tyl_mem_from_host(a->data, buf, nbytes);
        free(buf);
    }
    fclose(f);
    return a;
}
