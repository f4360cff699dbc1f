/* tyl_ckpt_man.c: the MANIFEST of a checkpoint (its format is described at the top of
 * tyl_ckpt.c): written as text, parsed back, scalars kept as bit patterns, and the CRC32C of the
 * records of every .npy file, computed or checked by the ranks in shares.
 */
#define _POSIX_C_SOURCE 200809L
#include "tyl_ckpt.h"
#include "runtime_mpi/tyl_mpi.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void tyl_ckm_free(ck_man *m)
{
    for (int i = 0; i < m->nbuf; i++)
        free(m->buf[i].crc);
    free(m->buf);
    for (int i = 0; i < m->nent; i++)
        free(m->ent[i].str);
    free(m->ent);
    memset(m, 0, sizeof *m);
}

static int dt_parse(const char *w, tyl_dtype *t)
{
    static const tyl_dtype all[] = {TYL_BOOL, TYL_INT32, TYL_INT64, TYL_FLOAT32, TYL_FLOAT64};
    for (int i = 0; i < 5; i++)
        if (!strcmp(w, tyl_dtype_name_(all[i]))) {
            *t = all[i];
            return 1;
        }
    return 0;
}

/* A scalar's value as 64 bits (its bit pattern, zero-extended) and back. */
uint64_t tyl_ckm_bits(tyl_dtype t, const void *p)
{
    uint64_t b = 0;
    switch (t) {
    case TYL_BOOL: b = *(const bool *)p; break;
    case TYL_INT32: { uint32_t u; memcpy(&u, p, 4); b = u; break; }
    case TYL_FLOAT32: { uint32_t u; memcpy(&u, p, 4); b = u; break; }
    case TYL_INT8: b = (uint64_t)(int64_t)*(const int8_t *)p; break;
    case TYL_UINT8: b = *(const uint8_t *)p; break;
    case TYL_INT16: { int16_t v; memcpy(&v, p, 2); b = (uint64_t)(int64_t)v; break; }
    case TYL_UINT16: { uint16_t v; memcpy(&v, p, 2); b = v; break; }
    case TYL_UINT32: { uint32_t v; memcpy(&v, p, 4); b = v; break; }
    default: memcpy(&b, p, 8); break;
    }
    return b;
}

void tyl_ckm_store(tyl_dtype t, void *p, uint64_t b)
{
    switch (t) {
    case TYL_BOOL: *(bool *)p = b != 0; break;
    case TYL_INT32:
    case TYL_UINT32:
    case TYL_FLOAT32: { uint32_t u = (uint32_t)b; memcpy(p, &u, 4); break; }
    case TYL_INT8:
    case TYL_UINT8: { uint8_t u = (uint8_t)b; memcpy(p, &u, 1); break; }
    case TYL_INT16:
    case TYL_UINT16: { uint16_t u = (uint16_t)b; memcpy(p, &u, 2); break; }
    default: memcpy(p, &b, 8); break;
    }
}

/* A value for people reading the manifest (floats are stored as bits beside it). */
void tyl_ckm_show(char *buf, size_t n, tyl_dtype t, uint64_t b)
{
    switch (t) {
    case TYL_BOOL: snprintf(buf, n, "%s", b ? "True" : "False"); break;
    case TYL_INT32: snprintf(buf, n, "%d", (int32_t)(uint32_t)b); break;
    case TYL_INT64:
    case TYL_INT8:
    case TYL_INT16: snprintf(buf, n, "%lld", (long long)(int64_t)b); break;
    case TYL_UINT8:
    case TYL_UINT16:
    case TYL_UINT32:
    case TYL_UINT64: snprintf(buf, n, "%llu", (unsigned long long)b); break;
    case TYL_FLOAT32: { float f; uint32_t u = (uint32_t)b; memcpy(&f, &u, 4); tyl_repr_float32(buf, f); break; }
    case TYL_FLOAT64: { double d; memcpy(&d, &b, 8); tyl_repr_double(buf, d); break; }
    }
}

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        b->cap = (b->cap + (size_t)n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
}

void tyl_ckm_text(const ck_man *m, sbuf *b)
{
    int np;
    tyl_param *pr = tyl_rt_params_(&np);
    char show[64];
    sb_printf(b, "tyles-checkpoint %d\n", CK_VERSION);
    sb_printf(b, "program %016llx\n", (unsigned long long)m->hash);
    sb_printf(b, "loop %d step %lld of %lld\n", m->loop, (long long)m->k, (long long)m->nk);
    sb_printf(b, "ranks %d\n", m->ranks);
    for (int i = 0; i < np; i++) {
        uint64_t bits = tyl_ckm_bits(pr[i].type, pr[i].ptr);
        tyl_ckm_show(show, sizeof show, pr[i].type, bits);
        sb_printf(b, "param %s %s %016llx %s\n", pr[i].name, tyl_dtype_name_(pr[i].type), (unsigned long long)bits, show);
    }
    for (int i = 0; i < m->nbuf; i++) {
        const ck_buf *f = &m->buf[i];
        sb_printf(b, "buffer %s %s %d", f->file, tyl_dtype_name_(f->dt), f->rank);
        for (int d = 0; d < f->rank; d++)
            sb_printf(b, " %lld", (long long)f->shape[d]);
        sb_printf(b, " header %lld %08x record %lld records %lld\n", (long long)f->header, f->hcrc,
                  (long long)f->record, (long long)f->nrec);
        for (int64_t r = 0; r < f->nrec; r += 8) {
            sb_printf(b, "crc %s %lld", f->file, (long long)r);
            for (int64_t q = r; q < f->nrec && q < r + 8; q++)
                sb_printf(b, " %08x", f->crc[q]);
            sb_printf(b, "\n");
        }
    }
    for (int i = 0; i < m->nent; i++) {
        const ck_ent *e = &m->ent[i];
        if (e->kind == ENT_SCALAR) {
            tyl_ckm_show(show, sizeof show, e->dt, e->bits);
            sb_printf(b, "scalar %s %s %016llx %s\n", e->name, tyl_dtype_name_(e->dt), (unsigned long long)e->bits, show);
        } else if (e->kind == ENT_STRING) { /* its bytes in hex, "-" when empty */
            sb_printf(b, "string %s %s", e->name, e->str[0] ? "" : "-");
            for (const unsigned char *s = (const unsigned char *)e->str; *s; s++)
                sb_printf(b, "%02x", *s);
            sb_printf(b, "\n");
        } else if (e->kind == ENT_ARRAY)
            sb_printf(b, "array %s %s %s\n", e->name, tyl_dtype_name_(e->dt), m->buf[e->buf].file);
        else
            sb_printf(b, "array %s %s none\n", e->name, tyl_dtype_name_(e->dt));
    }
    sb_printf(b, "end %08x\n", tyl_crc32c(0, b->s, b->len));
}

/* A new entry of m named name, zeroed (m->ent grown; *cap its capacity), or NULL when memory
 * runs out. */
static ck_ent *new_entry(ck_man *m, int *cap, const char *name)
{
    if (m->nent == *cap) {
        int c = *cap ? 2 * *cap : 32;
        ck_ent *p = realloc(m->ent, sizeof *m->ent * (size_t)c);
        if (!p)
            return NULL;
        m->ent = p;
        *cap = c;
    }
    ck_ent *e = &m->ent[m->nent++];
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", name);
    return e;
}

/* Parse a manifest. Returns 1, or 0 with the reason. The program hash and the parameters are
 * compared by the caller (they refuse rather than fall back). */
int tyl_ckm_parse(char *text, size_t len, ck_man *m, char *why)
{
    memset(m, 0, sizeof *m);
    char *endl = NULL;
    /* the last line is "end CRC" and covers everything before it */
    if (len < 14 || text[len - 1] != '\n') {
        snprintf(why, REASON_LEN, "MANIFEST is truncated");
        return 0;
    }
    for (size_t i = len - 1; i > 0; i--)
        if (text[i - 1] == '\n') {
            endl = text + i;
            break;
        }
    unsigned crc;
    if (!endl || sscanf(endl, "end %8x", &crc) != 1) {
        snprintf(why, REASON_LEN, "MANIFEST is truncated (no end line)");
        return 0;
    }
    if (tyl_crc32c(0, text, (size_t)(endl - text)) != crc) {
        snprintf(why, REASON_LEN, "MANIFEST checksum mismatch");
        return 0;
    }
    *endl = '\0';
    int version = 0, cap_e = 0, cap_b = 0;
    int seen_program = 0, seen_loop = 0, seen_ranks = 0; /* lines every manifest has, once */
    char *save = NULL;
    for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        char w[32], a[128], b[64], c[64];
        long long x, y;
        unsigned long long bits;
        int L, r;
        if (sscanf(ln, "tyles-checkpoint %d", &version) == 1) {
            if (version != CK_VERSION) {
                snprintf(why, REASON_LEN, "format version %d (this program reads version %d)", version, CK_VERSION);
                return 0;
            }
        } else if (sscanf(ln, "program %llx", &bits) == 1) {
            m->hash = bits;
            seen_program++;
        } else if (sscanf(ln, "loop %d step %lld of %lld", &L, &x, &y) == 3) {
            /* step k of nk (nk -1: a while loop's count is not known): a step past the loop's end
             * resumed a run that then stopped early, with status 0 */
            if (L < 0 || y < -1 || (y >= 0 && (x < 0 || x > y))) /* library mode: nk -1, any step */
                goto bad;
            m->loop = L;
            m->k = x;
            m->nk = y;
            seen_loop++;
        } else if (sscanf(ln, "ranks %d", &r) == 1) {
            if (r < 1)
                goto bad;
            m->ranks = r;
            seen_ranks++;
        } else if (sscanf(ln, "%31s %127s %63s %63s", w, a, b, c) == 4 &&
                   (!strcmp(w, "param") || !strcmp(w, "scalar") || !strcmp(w, "array")) && strcmp(w, "crc")) {
            ck_ent *e = new_entry(m, &cap_e, a);
            if (!e)
                goto bad;
            if (!dt_parse(b, &e->dt))
                goto bad;
            if (w[0] == 'a') {
                e->kind = strcmp(c, "none") ? ENT_ARRAY : ENT_EMPTY;
                e->buf = -1;
                for (int i = 0; e->kind == ENT_ARRAY && i < m->nbuf; i++)
                    if (!strcmp(m->buf[i].file, c))
                        e->buf = i;
                if (e->kind == ENT_ARRAY && (e->buf < 0 || m->buf[e->buf].dt != e->dt))
                    goto bad; /* the buffers come first */
            } else {
                e->kind = w[0] == 'p' ? ENT_PARAM : ENT_SCALAR;
                if (sscanf(c, "%llx", &bits) != 1)
                    goto bad;
                e->bits = bits;
            }
        } else if (!strncmp(ln, "string ", 7)) {
            int n = 0;
            if (sscanf(ln, "string %127s %n", a, &n) != 1 || !n)
                goto bad;
            const char *p = ln + n;
            size_t len = strcmp(p, "-") ? strlen(p) : 0;
            if (len % 2)
                goto bad;
            ck_ent *e = new_entry(m, &cap_e, a);
            if (!e)
                goto bad;
            e->kind = ENT_STRING;
            e->str = malloc(len / 2 + 1);
            if (!e->str)
                goto bad;
            for (size_t i = 0; i < len / 2; i++) {
                unsigned v;
                if (sscanf(p + 2 * i, "%2x", &v) != 1 || !v)
                    goto bad;
                e->str[i] = (char)v;
            }
            e->str[len / 2] = '\0';
        } else if (!strncmp(ln, "buffer ", 7)) {
            if (m->nbuf == cap_b) {
                ck_buf *nb = realloc(m->buf, sizeof *m->buf * (size_t)(cap_b ? 2 * cap_b : 16));
                if (!nb)
                    goto bad;
                m->buf = nb;
                cap_b = cap_b ? 2 * cap_b : 16;
            }
            ck_buf *f = &m->buf[m->nbuf++];
            memset(f, 0, sizeof *f);
            int n = 0;
            if (sscanf(ln, "buffer %63s %63s %d%n", f->file, b, &f->rank, &n) != 3 || !dt_parse(b, &f->dt) ||
                f->rank < 0 || f->rank > TYL_MAX_RANK)
                goto bad;
            char *p = ln + n;
            for (int d = 0; d < f->rank; d++) {
                int k = 0;
                if (sscanf(p, " %lld%n", &x, &k) != 1 || x < 0)
                    goto bad;
                f->shape[d] = x;
                p += k;
            }
            unsigned hc;
            long long hd, rb, nr;
            if (sscanf(p, " header %lld %8x record %lld records %lld", &hd, &hc, &rb, &nr) != 4 || hd < 10 ||
                rb < 1 || nr < 0 || nr > ((long long)1 << 40))
                goto bad;
            f->header = hd;
            f->hcrc = hc;
            f->record = rb;
            f->nrec = nr;
            f->crc = calloc((size_t)nr + 1, sizeof *f->crc);
        } else if (!strncmp(ln, "crc ", 4)) {
            int n = 0;
            if (sscanf(ln, "crc %63s %lld%n", a, &x, &n) != 2)
                goto bad;
            ck_buf *f = NULL;
            for (int i = 0; i < m->nbuf; i++)
                if (!strcmp(m->buf[i].file, a))
                    f = &m->buf[i];
            if (!f)
                goto bad;
            char *p = ln + n;
            unsigned v;
            int k;
            for (int64_t q = x; sscanf(p, " %8x%n", &v, &k) == 1; q++, p += k) {
                if (q < 0 || q >= f->nrec)
                    goto bad;
                f->crc[q] = v;
            }
        } else {
            goto bad;
        }
    }
    /* a manifest without its loop line resumed "step 0 of 0": the loop skipped, status 0 */
    if (version != CK_VERSION || seen_program != 1 || seen_loop != 1 || seen_ranks != 1)
        goto bad;
    return 1;
bad:
    snprintf(why, REASON_LEN, "MANIFEST is malformed");
    tyl_ckm_free(m);
    return 0;
}

/* Bytes per checksummed record of a buffer: rows a[i, ...] grouped to at least 4 KiB, or 64 KiB
 * pieces of 1-D and 0-D arrays. */
int64_t tyl_ckm_record_bytes(int rank, const int64_t *shape, tyl_dtype dt)
{
    int64_t row = (int64_t)tyl_dtype_size(dt);
    if (rank < 2)
        return 65536;
    for (int d = 1; d < rank; d++)
        row *= shape[d];
    if (row <= 0)
        return 65536;
    return row >= 4096 ? row : row * ((4096 + row - 1) / row);
}

int64_t tyl_ckm_data_bytes(const ck_buf *f)
{
    int64_t n = (int64_t)tyl_dtype_size(f->dt);
    for (int d = 0; d < f->rank; d++)
        n *= f->shape[d];
    return n;
}

/* CRC32C of this rank's share of a file's records: [r*nrec/P, (r+1)*nrec/P). With expect,
 * compare; returns the first mismatching record (or -2 for a read error), -1 if all match.
 * Without, store into crc[] (the other entries untouched). */
int64_t tyl_ckm_crc_records(const char *path, const ck_buf *f, uint32_t *crc, const uint32_t *expect)
{
    int P = tyl_rt_nranks(), me = tyl_rt_rank_;
    int64_t lo = (int64_t)((__int128)f->nrec * me / P), hi = (int64_t)((__int128)f->nrec * (me + 1) / P);
    if (lo >= hi)
        return -1;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -2;
    int64_t total = tyl_ckm_data_bytes(f), bad = -1;
    size_t cap = 4 << 20;
    char *buf = malloc(cap);
    for (int64_t r = lo; r < hi && bad < 0 && buf; r++) {
        int64_t off = r * f->record, n = total - off < f->record ? total - off : f->record;
        uint32_t c = 0;
        for (int64_t done = 0; done < n;) {
            size_t want = (size_t)(n - done) < cap ? (size_t)(n - done) : cap;
            ssize_t got = pread(fd, buf, want, (off_t)(f->header + off + done));
            if (got <= 0) {
                bad = expect ? r : -2;
                break;
            }
            c = tyl_crc32c(c, buf, (size_t)got);
            done += got;
        }
        if (bad >= 0 || bad == -2)
            break;
        if (expect && c != expect[r])
            bad = r;
        else if (!expect)
            crc[r] = c;
    }
    if (!buf)
        bad = -2;
    free(buf);
    close(fd);
    return bad;
}
