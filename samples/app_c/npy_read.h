/* npy_read.h: read a whole little-endian, C-ordered float64 .npy file (the samples' check). */
#ifndef NPY_READ_H
#define NPY_READ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The data of a float64 array of `rank` dimensions (malloc'd; shape[] set), or NULL. */
static inline double *npy_read_f64(const char *path, int rank, int64_t *shape)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char pre[10];
    double *data = NULL;
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0 || pre[6] != 1) {
        fclose(f);
        return NULL;
    }
    size_t hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
    char *hdr = calloc(1, hlen + 1);
    if (hdr && fread(hdr, 1, hlen, f) == hlen && strstr(hdr, "'descr': '<f8'") &&
        strstr(hdr, "'fortran_order': False")) {
        const char *p = strstr(hdr, "'shape': (");
        int64_t total = 1;
        int ok = p != NULL;
        if (p)
            p += 10;
        for (int d = 0; ok && d < rank; d++) {
            char *end;
            shape[d] = strtoll(p, &end, 10);
            ok = end != p;
            p = end + strspn(end, ", ");
            total *= shape[d];
        }
        if (ok && *p == ')' && (data = malloc(sizeof(double) * (size_t)(total ? total : 1))) != NULL &&
            fread(data, sizeof(double), (size_t)total, f) != (size_t)total) {
            free(data);
            data = NULL;
        }
    }
    free(hdr);
    fclose(f);
    return data;
}

#endif
