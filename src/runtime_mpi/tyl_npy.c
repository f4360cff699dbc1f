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
