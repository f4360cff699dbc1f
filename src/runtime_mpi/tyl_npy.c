/* tyl_npy.c: np.save and np.load. Files are byte-identical to NumPy 2's .npy format 1.0 output,
 * at any rank count.
 *
 * Replicated arrays (and any array on a single rank) go through stdio on rank 0. The blocks of a
 * distributed array go through MPI-IO: rank 0 writes the header into a temporary file, every rank
 * writes its owned block through a subarray file view (MPI_File_write_all), then rank 0 renames
 * the file. Loading: rank 0 reads and checks the header and broadcasts the shape and data offset;
 * a replicated array is read by rank 0 and broadcast, a distributed one is read by every rank
 * through its view (MPI_File_read_all).
 *
 * Data moves in pieces (1 MiB through stdio on one rank, 64 MiB per collective call;
 * TYL_NPY_CHUNK_BYTES in the environment overrides both, for tests), packed from / unpacked into
 * the padded local block, staged through the device when array data lives there. Every step
 * that can fail is agreed over the ranks, so errors are reported once by rank 0 and every rank
 * exits 1 (tyl_rt_error_all); no rank is left waiting.
 */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* realpath */
#include "tyl_internal.h"
#include "tyl_mem.h"
#include "tyl_mpi.h"
#include "tyl_npyhdr.h"
#include "tyl_txtparse.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "tyl_save_npy assumes a little-endian host"
#endif

enum { NPY_ALIGN = 64, NPY_GROWTH_AXIS_MAX_DIGITS = 21, NPY_MAGIC_LEN = 8 };
enum { MSG_LEN = 1024 };

static const char *npy_descr(tyl_dtype t)
{
    switch (t) {
    case TYL_BOOL: return "|b1";
    case TYL_INT32: return "<i4";
    case TYL_INT64: return "<i8";
    case TYL_FLOAT32: return "<f4";
    case TYL_FLOAT64: return "<f8";
    case TYL_INT8: return "|i1";
    case TYL_UINT8: return "|u1";
    case TYL_INT16: return "<i2";
    case TYL_UINT16: return "<u2";
    case TYL_UINT32: return "<u4";
    case TYL_UINT64: return "<u8";
    }
    return "<f8";
}

/* Header (magic, version, length, dict, padding, '\n') exactly as numpy.lib.format writes it.
 * Returns its length; hdr must hold 512 bytes. */
/* 1 while tyl_save_npy_c16 writes: the array's last axis (2) holds a complex number's parts
 * (float64: complex128, '<c16'; float32: complex64, '<c8') */
static int header_c16;

size_t tyl_npy_header_(char *hdr, const tyl_array *a)
{
    char shape[128], dict[400];
    int rank = header_c16 ? a->rank - 1 : a->rank;
    tyl_rt_shape_str(shape, rank, a->shape);
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                     header_c16 ? (a->dtype == TYL_FLOAT32 ? "<c8" : "<c16") : npy_descr(a->dtype), shape);
    if (rank > 0) { /* spare space so the first axis can grow in place */
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

/* ---- collective errors -------------------------------------------------------------------- */

/* Whether any rank failed (err != 0). If so, the message of the lowest failing rank is in msg
 * (MSG_LEN bytes) on every rank. Collective: every rank calls it at the same point. */
static int agree(int err, char *msg)
{
#ifndef TYL_NO_MPI
    int n = tyl_rt_nranks();
    if (n > 1) {
        int mine = err ? tyl_rt_rank_ : n, first = n;
        MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, tyl_rt_comm_);
        if (first == n)
            return 0;
        MPI_Bcast(msg, MSG_LEN, MPI_CHAR, first, tyl_rt_comm_);
        return 1;
    }
#endif
    (void)msg;
    return err != 0;
}

/* ---- moving an owned block in pieces -------------------------------------------------------- */

/* Piece sizes: small ones where one process copies through a buffer it reuses (it stays in the
 * cache), large ones for collective calls (each has a fixed cost). */
enum { CHUNK_LOCAL = 1 << 20, CHUNK_COLLECTIVE = 64 << 20 };

static size_t chunk_bytes(size_t dflt)
{
    static long long env = -1;
    if (env < 0) {
        env = tyl_env_num_("TYL_NPY_CHUNK_BYTES", 0);
    }
    size_t chunk = env > 0 ? (size_t)env : dflt;
    if (chunk < 8)
        chunk = 8;
    if (chunk > (size_t)1 << 30)
        chunk = (size_t)1 << 30;
    return chunk;
}

/* The owned block of an array (the whole array when replicated) in pieces, in C order: piece i
 * is a box of extent 1 in dimensions < s, at most k indices in dimension s and whole in the
 * dimensions after s, so consecutive pieces are consecutive runs of the block's C order, each
 * at most `chunk` bytes (one element at least). */
typedef struct xfer {
    tyl_array *a;
    size_t el;
    int r, s;
    int64_t n[TYL_MAX_RANK];
    int64_t k, nseg, count; /* nseg pieces along dimension s; count pieces in all */
    int contig;             /* the block is C-contiguous in the local allocation */
    int direct;             /* ... and in host memory: pieces move straight from/to the array */
    char *host;             /* host buffer of one piece */
    void *dev;              /* device buffer of one piece (non-contiguous device blocks) */
} xfer;

/* Returns 0, or -1 when the buffers cannot be allocated. */
static int xfer_init(xfer *x, tyl_array *a, size_t chunk)
{
    memset(x, 0, sizeof *x);
    x->a = a;
    x->el = tyl_dtype_size(a->dtype);
    x->r = a->rank;
    int empty = 0;
    int64_t nat = 1;
    x->contig = 1;
    for (int d = x->r - 1; d >= 0; d--) {
        x->n[d] = a->n[d];
        empty |= a->n[d] == 0;
        if (a->n[d] > 1 && a->stride[d] != nat)
            x->contig = 0;
        nat *= a->n[d];
    }
    if (empty)
        return 0;
    size_t piece_bytes = x->el;
    x->k = x->nseg = x->count = 1;
    if (x->r > 0) {
        int s = x->r - 1;
        size_t inner = x->el; /* bytes of one index of dimension s */
        while (s > 0 && (uint64_t)x->n[s] <= chunk / inner) {
            inner *= (size_t)x->n[s];
            s--;
        }
        int64_t k = (int64_t)(chunk / inner);
        if (k < 1)
            k = 1;
        if (k > x->n[s])
            k = x->n[s];
        x->s = s;
        x->k = k;
        x->nseg = (x->n[s] + k - 1) / k;
        x->count = x->nseg;
        for (int d = 0; d < s; d++)
            x->count *= x->n[d];
        piece_bytes = (size_t)k * inner;
    }
    int dev = tyl_mem_on_device();
    x->direct = x->contig && !dev;
    if (!x->direct) {
        x->host = malloc(piece_bytes);
        if (!x->host)
            return -1;
    }
    if (dev && !x->contig) {
        x->dev = tyl_mem_alloc(piece_bytes);
        if (!x->dev)
            return -1;
    }
    return 0;
}

static void xfer_free(xfer *x)
{
    free(x->host);
    if (x->dev)
        tyl_mem_free(x->dev);
    x->host = NULL;
    x->dev = NULL;
}

/* Piece i: where it starts in the local data, its extents e, natural strides bs (elements) and
 * element count. */
static int64_t xfer_piece(const xfer *x, int64_t i, char **at, int64_t *e, int64_t *bs)
{
    int64_t o[TYL_MAX_RANK], q = i / x->nseg, seg = i % x->nseg, cnt = 1, off = 0;
    for (int d = x->s - 1; d >= 0; d--) {
        o[d] = q % x->n[d];
        q /= x->n[d];
        e[d] = 1;
    }
    for (int d = x->s; d < x->r; d++) {
        o[d] = d == x->s ? seg * x->k : 0;
        e[d] = d == x->s ? (x->n[d] - o[d] < x->k ? x->n[d] - o[d] : x->k) : x->n[d];
    }
    for (int d = x->r - 1; d >= 0; d--) {
        bs[d] = cnt;
        cnt *= e[d];
        off += o[d] * x->a->stride[d];
    }
    *at = (char *)x->a->data + (size_t)off * x->el;
    return cnt;
}

/* Saving: piece i as contiguous host bytes (*nel elements). */
static const void *xfer_out(xfer *x, int64_t i, int64_t *nel)
{
    char *at;
    int64_t e[TYL_MAX_RANK], bs[TYL_MAX_RANK];
    *nel = xfer_piece(x, i, &at, e, bs);
    size_t bytes = (size_t)*nel * x->el;
    if (x->direct)
        return at;
    if (x->contig) {
        tyl_mem_to_host(x->host, at, bytes);
    } else if (x->dev) {
        tyl_box_copy(x->dev, bs, at, x->a->stride, x->r, e, x->el);
        tyl_mem_to_host(x->host, x->dev, bytes);
    } else {
        tyl_box_copy(x->host, bs, at, x->a->stride, x->r, e, x->el);
    }
    return x->host;
}

/* Loading: where to read piece i (*nel elements) into; xfer_in then puts it in place. */
static void *xfer_in_buf(xfer *x, int64_t i, int64_t *nel)
{
    char *at;
    int64_t e[TYL_MAX_RANK], bs[TYL_MAX_RANK];
    *nel = xfer_piece(x, i, &at, e, bs);
    return x->direct ? at : x->host;
}

static void xfer_in(xfer *x, int64_t i)
{
    if (x->direct)
        return;
    char *at;
    int64_t e[TYL_MAX_RANK], bs[TYL_MAX_RANK];
    int64_t nel = xfer_piece(x, i, &at, e, bs);
    size_t bytes = (size_t)nel * x->el;
    if (x->contig) {
        tyl_mem_from_host(at, x->host, bytes);
    } else if (x->dev) {
        tyl_mem_from_host(x->dev, x->host, bytes);
        tyl_box_copy(at, x->a->stride, x->dev, bs, x->r, e, x->el);
    } else {
        tyl_box_copy(at, x->a->stride, x->host, bs, x->r, e, x->el);
    }
}

/* Big-endian data ('>f8') into the host's order, in place. */
static void swap_bytes(void *buf, int64_t nel, size_t el)
{
    unsigned char *b = buf;
    for (int64_t i = 0; i < nel; i++, b += el)
        for (size_t j = 0; j < el / 2; j++) {
            unsigned char t = b[j];
            b[j] = b[el - 1 - j];
            b[el - 1 - j] = t;
        }
}

/* ---- MPI-IO ----------------------------------------------------------------------------------- */

#ifndef TYL_NO_MPI
static void mpi_msg(char *msg, const char *what, const char *filename, int rc)
{
    char s[MPI_MAX_ERROR_STRING + 1];
    int len = 0;
    if (MPI_Error_string(rc, s, &len) != MPI_SUCCESS)
        len = snprintf(s, sizeof s, "MPI-IO error %d", rc);
    s[len < 0 ? 0 : len > MPI_MAX_ERROR_STRING ? MPI_MAX_ERROR_STRING : len] = '\0';
    snprintf(msg, MSG_LEN, "cannot %s '%s': %s", what, filename, s);
}

/* Every rank's view of a: its owned block inside the global array, in elements of etype. The
 * global extents must fit MPI's int (checked by the caller). */
/* The file view of a's owned block: a subarray type, or, when the block is whole rows (the
 * grid splits the first axis only) and so one contiguous range of the file, no type at all but
 * the range's offset in *skip (MPI-IO then has no strided view to aggregate: several times
 * faster for this common case). */
static void block_types(const tyl_array *a, MPI_Datatype *etype, MPI_Datatype *ftype, MPI_Offset *skip)
{
    MPI_Type_contiguous((int)tyl_dtype_size(a->dtype), MPI_BYTE, etype);
    MPI_Type_commit(etype);
    *skip = 0;
    int rows = 1;
    MPI_Offset row = (MPI_Offset)tyl_dtype_size(a->dtype);
    for (int d = 1; d < a->rank; d++) {
        rows &= a->n[d] == a->shape[d];
        row *= a->shape[d];
    }
    if (rows) {
        *skip = a->rank ? (MPI_Offset)a->lo[0] * row : 0;
        /* A file type of one element made Open MPI's collective I/O (fcoll vulcan) list and
         * sort one piece an element (ompi_fcoll_base_sort_iovec: 35% of a 3-rank test run's
         * CPU saving 2 MB); a whole row of the first axis is one piece. */
        MPI_Offset per = row / (MPI_Offset)tyl_dtype_size(a->dtype);
        if (a->rank > 1 && per > 1 && per <= INT_MAX) {
            MPI_Type_contiguous((int)per, *etype, ftype);
            MPI_Type_commit(ftype);
        } else
            *ftype = *etype;
        return;
    }
    int sizes[TYL_MAX_RANK], sub[TYL_MAX_RANK], start[TYL_MAX_RANK], empty = 0;
    for (int d = 0; d < a->rank; d++) {
        sizes[d] = (int)a->shape[d];
        sub[d] = (int)a->n[d];
        start[d] = (int)a->lo[d];
        empty |= a->n[d] == 0;
    }
    if (empty) { /* nothing to read or write here: any type with etype's extent will do */
        *ftype = *etype;
        return;
    }
    MPI_Type_create_subarray(a->rank, sizes, sub, start, MPI_ORDER_C, *etype, ftype);
    MPI_Type_commit(ftype);
}

static int extents_fit(const tyl_array *a, const char *what, const char *filename, char *msg)
{
    for (int d = 0; d < a->rank; d++)
        if (a->shape[d] > INT_MAX) {
            snprintf(msg, MSG_LEN, "cannot %s '%s': axis %d has %lld elements, more than MPI-IO "
                     "file views can address (%d)", what, filename, d, (long long)a->shape[d],
                     INT_MAX);
            return 0;
        }
    return 1;
}

/* Write (dir 0) or read (dir 1) every rank's owned block of a at offset disp of the file `path`
 * (which exists), collectively; swap: the file's data is big-endian (reading). Returns 0, or 1
 * with msg set on this rank. */
static int mpiio_blocks(int dir, const char *path, MPI_Offset disp, tyl_array *a, int swap,
                        const char *filename, char *msg)
{
    const char *what = dir ? "read" : "write";
    int err = 0, rc;
    xfer x;
    if (!extents_fit(a, what, filename, msg))
        return 1; /* the same on every rank */
    if (xfer_init(&x, a, chunk_bytes(CHUNK_COLLECTIVE))) {
        snprintf(msg, MSG_LEN, "cannot %s '%s': out of memory", what, filename);
        err = 1;
    }
    if (agree(err, msg)) {
        xfer_free(&x);
        return 1;
    }
    MPI_File fh;
    rc = MPI_File_open(tyl_rt_comm_, path, dir ? MPI_MODE_RDONLY : MPI_MODE_WRONLY, MPI_INFO_NULL,
                       &fh);
    if (rc != MPI_SUCCESS) {
        mpi_msg(msg, what, filename, rc);
        err = 1;
    }
    if (agree(err, msg)) {
        /* (a rank that did open it cannot close it alone: the process exits anyway) */
        xfer_free(&x);
        return 1;
    }
    MPI_Datatype etype, ftype;
    MPI_Offset skip;
    block_types(a, &etype, &ftype, &skip);
    rc = MPI_File_set_view(fh, disp + skip, etype, ftype, "native", MPI_INFO_NULL);
    if (rc != MPI_SUCCESS) {
        mpi_msg(msg, what, filename, rc);
        err = 1;
    }
    if (!agree(err, msg)) {
        /* the same number of collective calls everywhere: ranks with fewer pieces add empty ones */
        int64_t rounds = x.count;
        MPI_Allreduce(MPI_IN_PLACE, &rounds, 1, MPI_INT64_T, MPI_MAX, tyl_rt_comm_);
        for (int64_t i = 0; i < rounds; i++) {
            int64_t nel = 0;
            void *buf = NULL;
            MPI_Status st;
            if (dir == 0) {
                const void *buf = i < x.count ? xfer_out(&x, i, &nel) : x.host;
                rc = MPI_File_write_all(fh, buf, (int)nel, etype, &st);
            } else {
                buf = i < x.count ? xfer_in_buf(&x, i, &nel) : x.host;
                rc = MPI_File_read_all(fh, buf, (int)nel, etype, &st);
            }
            if (rc != MPI_SUCCESS) {
                if (!err)
                    mpi_msg(msg, what, filename, rc);
                err = 1;
            } else if (nel > 0) {
                /* a short count is an error too: Open MPI reports a full disk only this way */
                int got = 0;
                MPI_Get_count(&st, etype, &got);
                if (got != nel && !err) {
                    if (dir == 1)
                        snprintf(msg, MSG_LEN, "'%s' is truncated: its data is shorter than its "
                                 "shape says", filename);
                    else
                        snprintf(msg, MSG_LEN, "cannot write '%s': %s", filename, strerror(ENOSPC));
                    err = 1;
                }
                if (dir == 1 && !err) {
                    if (swap)
                        swap_bytes(buf, nel, x.el);
                    xfer_in(&x, i);
                }
            }
        }
    } else {
        err = 1;
    }
    rc = MPI_File_close(&fh);
    if (rc != MPI_SUCCESS && !err) {
        mpi_msg(msg, what, filename, rc);
        err = 1;
    }
    if (ftype != etype)
        MPI_Type_free(&ftype);
    MPI_Type_free(&etype);
    xfer_free(&x);
    return err;
}
#endif

/* ---- np.save ---------------------------------------------------------------------------------- */

/* The temporary name of a save to filename: the process id and random number in id. NULL if out
 * of memory. */
static char *temp_name(const char *filename, const int64_t *id)
{
    size_t len = strlen(filename) + 64;
    char *t = malloc(len);
    if (t)
        snprintf(t, len, "%s.tmp.%lld.%08llx", filename, (long long)id[0], (long long)id[1]);
    return t;
}

/* Rank 0: a new file next to filename, created for this save alone, as a stdio stream; its name
 * in *tmp (malloc'd), what makes the name (temp_name) in id[2]. O_EXCL never opens an existing
 * file nor follows a symbolic link, so a link planted under the temporary name cannot redirect
 * the write; the random part of the name makes planting one in advance a guess, and a taken
 * name only costs another try. NULL with msg set on failure. */
static FILE *temp_create(const char *filename, char **tmp, int64_t *id, char *msg)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^ (uint64_t)getpid() << 40;
    char *t = NULL;
    for (int attempt = 0; attempt < 100; attempt++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        id[0] = (int64_t)getpid();
        id[1] = (int64_t)(x >> 32);
        free(t);
        if (!(t = temp_name(filename, id))) {
            snprintf(msg, MSG_LEN, "cannot write '%s': out of memory", filename);
            return NULL;
        }
        int fd = open(t, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0) {
            FILE *f = fdopen(fd, "wb");
            if (!f) {
                int e = errno;
                close(fd);
                remove(t);
                errno = e;
                break;
            }
            *tmp = t;
            return f;
        }
        if (errno != EEXIST)
            break;
    }
    snprintf(msg, MSG_LEN, "cannot write '%s': %s", filename, strerror(errno));
    free(t);
    return NULL;
}

/* Rank 0 alone: the whole file into a new temporary file with stdio (the header; with all_data,
 * the data too: the array is replicated, or this is the only rank). Returns 0 with its name in
 * *tmp, or 1 with msg set and no file left. */
static int save_stdio(char **tmp, int64_t *id, const char *filename, tyl_array *a, int all_data,
                      char *msg)
{
    char hdr[512];
    size_t hn = tyl_npy_header_(hdr, a);
    FILE *f = temp_create(filename, tmp, id, msg);
    if (!f)
        return 1;
    errno = 0;
    int ok = fwrite(hdr, 1, hn, f) == hn, err = 0;
    if (ok && !all_data && a->size > 0) {
        /* The ranks write the data through MPI-IO, and Open MPI's collective writes can lose
         * a full disk's error (ENOSPC on the aggregator, success everywhere): reserve the whole
         * file now so that a full disk or quota shows here. Where the file system cannot
         * reserve space, the writes go ahead unreserved. */
        off_t total = (off_t)hn + (off_t)a->size * (off_t)tyl_dtype_size(a->dtype);
        int rc = posix_fallocate(fileno(f), 0, total);
        if (rc != 0 && rc != EOPNOTSUPP && rc != EINVAL) {
            ok = 0;
            err = rc;
        }
    }
    if (ok && all_data && a->size > 0) {
        xfer x;
        if (xfer_init(&x, a, chunk_bytes(CHUNK_LOCAL))) {
            ok = 0;
            err = ENOMEM;
        }
        for (int64_t i = 0; ok && i < x.count; i++) {
            int64_t nel;
            const void *buf = xfer_out(&x, i, &nel);
            ok = fwrite(buf, x.el, (size_t)nel, f) == (size_t)nel;
        }
        xfer_free(&x);
    }
    if (!ok && !err)
        err = errno ? errno : EIO;
    if (fclose(f) != 0 && ok) {
        ok = 0;
        err = errno ? errno : EIO;
    }
    if (!ok) {
        remove(*tmp);
        free(*tmp);
        *tmp = NULL;
        snprintf(msg, MSG_LEN, "cannot write '%s': %s", filename, strerror(err));
        return 1;
    }
    return 0;
}

/* Rank 0: where a save to filename goes when filename is a symbolic link: its target, as NumPy's
 * open() writes through the link (replacing the link itself left the results beside it, not
 * where it points). NULL if filename is not a link; "" with msg set if the target cannot be
 * replaced by a new file (a device, a folder). A dangling link's target is created. */
static char *save_target(const char *filename, char *msg)
{
    struct stat st;
    if (lstat(filename, &st) != 0 || !S_ISLNK(st.st_mode))
        return NULL;
    char *r = realpath(filename, NULL);
    if (!r) { /* dangling: the link's text, against the link's folder when relative */
        char text[4096];
        ssize_t n = readlink(filename, text, sizeof text - 1);
        const char *slash = strrchr(filename, '/');
        if (n <= 0)
            return NULL;
        text[n] = '\0';
        size_t dl = text[0] != '/' && slash ? (size_t)(slash - filename) + 1 : 0;
        r = malloc(dl + (size_t)n + 1);
        if (!r)
            return NULL;
        memcpy(r, filename, dl);
        memcpy(r + dl, text, (size_t)n + 1);
        return r;
    }
    if (stat(r, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(msg, MSG_LEN, "cannot write '%s': it is a link to '%s', which is not a regular file", filename, r);
        free(r);
        return strdup("");
    }
    return r;
}

static void save_npy(const char *filename, const tyl_array *ca, const char *where, int follow);

void tyl_save_npy(const char *filename, const tyl_array *ca, const char *where)
{
    save_npy(filename, ca, where, 1);
}

void tyl_save_npy_c16(const char *filename, const tyl_array *ca, const char *where)
{
    if (ca->rank < 1 || ca->shape[ca->rank - 1] != 2 || (ca->dtype != TYL_FLOAT64 && ca->dtype != TYL_FLOAT32))
        tyl_rt_error(where, "internal error: a complex array saved from a float64 or float32 (..., 2) array");
    header_c16 = 1;
    save_npy(filename, ca, where, 1);
    header_c16 = 0;
}

/* A checkpoint's file: never through a link (tyl_ckpt.c: nothing in its folder is followed). */
void tyl_save_npy_nofollow_(const char *filename, const tyl_array *a, const char *where)
{
    save_npy(filename, a, where, 0);
}

static void save_npy(const char *filename, const tyl_array *ca, const char *where, int follow)
{
    tyl_array *a = (tyl_array *)ca; /* read only: xfer serves loading too */
    char msg[MSG_LEN] = "";
    int me = tyl_rt_rank_, err = 0;
    int spread = a->layout != NULL && tyl_rt_nranks() > 1; /* data from every rank: MPI-IO */
    char *tmp = NULL;
    char hdr[512];
    size_t hn = tyl_npy_header_(hdr, a);
    int64_t id[2] = {0, 0};
    /* the file written (a link's target) and its length, the same on every rank */
    char *dest = me == 0 && follow ? save_target(filename, msg) : NULL;
    int64_t dlen = dest ? (int64_t)strlen(dest) : -1;
#ifndef TYL_NO_MPI
    if (tyl_rt_nranks() > 1) {
        MPI_Bcast(&dlen, 1, MPI_INT64_T, 0, tyl_rt_comm_);
        if (me != 0 && dlen >= 0 && !(dest = calloc((size_t)dlen + 1, 1)))
            tyl_rt_error(where, "cannot write '%s': out of memory", filename);
        if (dlen > 0)
            MPI_Bcast(dest, (int)dlen, MPI_CHAR, 0, tyl_rt_comm_);
    }
#endif
    if (dlen == 0) { /* a link to something no new file can replace */
        free(dest);
        agree(1, msg);
        tyl_rt_error_all(where, "%s", msg);
    }
    const char *path = dest ? dest : filename;
    if (me == 0)
        err = save_stdio(&tmp, id, path, a, !spread, msg);
    if (agree(err, msg)) {
        free(dest);
        tyl_rt_error_all(where, "%s", msg);
    }
#ifndef TYL_NO_MPI
    if (spread && a->size > 0) {
        /* rank 0's temporary name on every rank */
        MPI_Bcast(id, 2, MPI_INT64_T, 0, tyl_rt_comm_);
        if (me != 0 && !(tmp = temp_name(path, id))) {
            snprintf(msg, MSG_LEN, "cannot write '%s': out of memory", filename);
            err = 1;
        }
        if (!agree(err, msg))
            err = mpiio_blocks(0, tmp, (MPI_Offset)hn, a, 0, filename, msg);
        else
            err = 1;
        if (me == 0 && !err) {
            /* the size the file must have: a write lost without an error code shows here */
            struct stat st;
            uint64_t want = (uint64_t)hn + (uint64_t)a->size * tyl_dtype_size(a->dtype);
            if (stat(tmp, &st) != 0) {
                snprintf(msg, MSG_LEN, "cannot write '%s': %s", filename, strerror(errno));
                err = 1;
            } else if ((uint64_t)st.st_size != want) {
                snprintf(msg, MSG_LEN, "cannot write '%s': the file has %lld bytes instead of %llu",
                         filename, (long long)st.st_size, (unsigned long long)want);
                err = 1;
            }
        }
        if (agree(err, msg)) {
            if (me == 0)
                remove(tmp);
            free(tmp);
            tyl_rt_error_all(where, "%s", msg);
        }
    }
#endif
    (void)hn;
    /* every rank has closed the file (the agreement above waited for them): rank 0 renames, which
     * replaces filename (even a symbolic link there) only now that the new file is complete */
    if (me == 0 && rename(tmp, path) != 0) {
        snprintf(msg, MSG_LEN, "cannot write '%s': %s", path, strerror(errno));
        remove(tmp);
        err = 1;
    }
    free(tmp);
    free(dest);
    if (agree(err, msg)) /* also: the file is there when save returns on any rank */
        tyl_rt_error_all(where, "%s", msg);
}

/* ---- np.load ---------------------------------------------------------------------------------- */

static const char *dtype_word(tyl_dtype t)
{
    return tyl_dtype_name_(t);
}

/* Rank 0: open filename and check that it holds `dt` data of the given rank, in C order, all of
 * it. Returns the file positioned at the data (shape, data offset and whether the data is
 * big-endian filled in), or NULL with msg set. */
static FILE *npy_open(const char *filename, tyl_dtype dt, int rank, int64_t *shape, int64_t *offset,
                      int64_t *swap, char *msg)
{
    /* only a regular file is read (a folder used to be "not a .npy file", a FIFO hung the program) */
    int err;
    FILE *f = tyl_npyhdr_open(filename, &err);
    if (!f) {
        /* Python's exception for the errno, as np.load's open() raises it */
        const char *exc = err == ENOENT ? "FileNotFoundError" : err == EACCES || err == EPERM ? "PermissionError"
                          : err == EISDIR ? "IsADirectoryError" : "OSError";
        if (!err)
            snprintf(msg, MSG_LEN, "cannot read '%s': not a regular file (a pipe, a device or a socket)", filename);
        else
            snprintf(msg, MSG_LEN, "%s: cannot read '%s': %s", exc, filename, strerror(err));
        return NULL;
    }
    tyl_npyhdr h;
    char why[TYL_NPYHDR_WHY_LEN];
    if (tyl_npyhdr_read(f, &h, why) != 0) {
        snprintf(msg, MSG_LEN, "'%s' %s", filename, why);
        goto fail;
    }
    static const char kinds[] = {'b', 'i', 'i', 'f', 'f', 'i', 'u', 'i', 'u', 'u', 'u'}; /* by tyl_dtype */
    if (h.kind != kinds[dt] || (size_t)h.size != tyl_dtype_size(dt)) {
        snprintf(msg, MSG_LEN, "'%s' holds '%s' data, but the program was compiled for %s ('%s')",
                 filename, h.descr, dtype_word(dt), npy_descr(dt));
        goto fail;
    }
    if (h.fortran_order) {
        snprintf(msg, MSG_LEN, "'%s' is stored in Fortran order; save it in C order "
                 "(np.ascontiguousarray)", filename);
        goto fail;
    }
    int r = h.ndim;
    if (r != rank) {
        snprintf(msg, MSG_LEN, "'%s' holds a %d-dimensional array, but the program was compiled "
                 "for %d dimensions", filename, r, rank);
        goto fail;
    }
    for (int d = 0; d < r; d++)
        shape[d] = h.shape[d];
    *swap = h.big_endian;
    *offset = h.data_offset;
    /* all the data there? (from the size of a regular file; otherwise reading finds out) */
    uint64_t nbytes = tyl_dtype_size(dt);
    int too_big = 0;
    for (int d = 0; d < r; d++) {
        if (shape[d] == 0) {
            nbytes = 0;
            too_big = 0;
            break;
        }
        if (nbytes > UINT64_MAX / 2 / (uint64_t)shape[d])
            too_big = 1;
        else
            nbytes *= (uint64_t)shape[d];
    }
    struct stat st;
    if (too_big || fstat(fileno(f), &st) != 0 || (uint64_t)st.st_size < (uint64_t)*offset + nbytes) {
        snprintf(msg, MSG_LEN, "'%s' is truncated: its data is shorter than its shape says", filename);
        goto fail;
    }
    return f;
fail:
    fclose(f);
    return NULL;
}

/* The whole array from f on rank 0 (positioned at the data): replicated arrays are broadcast to
 * the other ranks; a distributed array here is on one rank, whose block is the whole array.
 * Collective. Returns 0, or 1 with msg set. */
static int load_stdio(FILE *f, const char *filename, tyl_array *a, int swap, char *msg)
{
    int err = 0, me = tyl_rt_rank_;
    xfer x;
    size_t chunk = chunk_bytes(tyl_rt_nranks() > 1 ? CHUNK_COLLECTIVE : CHUNK_LOCAL);
    if (xfer_init(&x, a, chunk)) {
        snprintf(msg, MSG_LEN, "cannot read '%s': out of memory", filename);
        err = 1;
    }
    if (agree(err, msg)) {
        xfer_free(&x);
        return 1;
    }
    for (int64_t i = 0; i < x.count; i++) {
        int64_t nel;
        void *buf = xfer_in_buf(&x, i, &nel);
        if (me == 0 && !err && fread(buf, x.el, (size_t)nel, f) != (size_t)nel) {
            snprintf(msg, MSG_LEN, "'%s' is truncated: its data is shorter than its shape says",
                     filename);
            err = 1;
        }
#ifndef TYL_NO_MPI
        if (tyl_rt_nranks() > 1)
            MPI_Bcast(buf, (int)((size_t)nel * x.el), MPI_BYTE, 0, tyl_rt_comm_);
#endif
        if (swap)
            swap_bytes(buf, nel, x.el);
        xfer_in(&x, i);
    }
    xfer_free(&x);
    return err;
}

tyl_array *tyl_load_npy_l(const char *filename, tyl_dtype dt, int rank, const tyl_layout *L,
                          const char *where)
{
    char msg[MSG_LEN] = "";
    int me = tyl_rt_rank_;
    int64_t info[3 + TYL_MAX_RANK] = {0}; /* failed, data offset, big-endian, shape */
    FILE *f = NULL;
    if (me == 0) {
        f = npy_open(filename, dt, rank, info + 3, &info[1], &info[2], msg);
        info[0] = f == NULL;
    }
#ifndef TYL_NO_MPI
    if (tyl_rt_nranks() > 1)
        MPI_Bcast(info, 3 + TYL_MAX_RANK, MPI_INT64_T, 0, tyl_rt_comm_);
#endif
    if (info[0])
        tyl_rt_error_all(where, "%s", msg);
    tyl_array *a = tyl_alloc_l(dt, rank, info + 3, TYL_INIT_NONE, L, where);
    int err;
#ifndef TYL_NO_MPI
    if (a->layout && tyl_rt_nranks() > 1) {
        if (f)
            fclose(f);
        f = NULL;
        err = a->size > 0 ? mpiio_blocks(1, filename, (MPI_Offset)info[1], a, (int)info[2],
                                                 filename, msg) : 0;
    } else
#endif
        err = load_stdio(f, filename, a, (int)info[2], msg);
    if (f)
        fclose(f);
    if (agree(err, msg))
        tyl_rt_error_all(where, "%s", msg);
    tyl_dirty(a);
    return a;
}

/* Rank 0 reads and parses the file into the array's C-order bytes (unpack: transposed), which
 * reach every rank's replicated copy as a .npy's data does (load_stdio through a memory stream);
 * a distributed array is then copied from it (a small file: the copy costs nothing to speak of). */
tyl_array *tyl_load_txt_l(const char *filename, tyl_dtype dt, int rank, const char *delim, const char *comments,
                          int64_t skip, int64_t max_rows, int nuse, const int64_t *use, int flags,
                          const tyl_layout *L, const char *where)
{
    char msg[MSG_LEN] = "";
    int64_t info[3] = {0, 1, 1}; /* failed, shape */
    char *data = NULL;
    size_t el = dt == TYL_FLOAT32 ? 4 : 8, bytes = 0;
    tyl_txt_opts o = {delim, comments, skip, max_rows, nuse, {0}, flags & TYL_TXT_USE_INT, flags >> 4 & 3,
                      !!(flags & TYL_TXT_UNPACK), !!(flags & TYL_TXT_GEN), dt == TYL_INT64,
                      dt == TYL_FLOAT32 ? "float32" : dt == TYL_INT64 ? "int64" : "float64"};
    for (int k = 0; k < nuse && k < TYL_TXT_MAX_USE; k++)
        o.use[k] = use[k];
    if (tyl_rt_rank_ == 0) {
        char why[TYL_TXT_WHY_LEN];
        size_t len = 0;
        char *text = tyl_txt_slurp(filename, &len, why);
        double *v = NULL;
        int64_t *iv = NULL, rows = 0, cols = 0, sh[2];
        if (!text || tyl_txt_parse(text, len, &o, &v, dt == TYL_INT64 ? &iv : NULL, &rows, &cols, why)) {
            snprintf(msg, MSG_LEN, "%s", why);
            info[0] = 1;
        } else {
            int nd = tyl_txt_shape(&o, rows, cols, sh);
            if (nd != rank) {
                snprintf(msg, MSG_LEN, "'%s' holds %lld row%s of %lld number%s, which %s gives as a %d-D array, "
                         "but the program was compiled for %d dimensions (compile it with this file beside it, "
                         "or give ndmin=)", filename, (long long)rows, rows == 1 ? "" : "s", (long long)cols,
                         cols == 1 ? "" : "s", o.gen ? "np.genfromtxt" : "np.loadtxt", nd, rank);
                info[0] = 1;
            } else {
                info[1] = sh[0];
                info[2] = nd == 2 ? sh[1] : 1;
                bytes = (size_t)(rows * cols) * el;
                data = malloc(bytes ? bytes : 1);
                if (!data) {
                    snprintf(msg, MSG_LEN, "cannot read '%s': out of memory", filename);
                    info[0] = 1;
                }
                for (int64_t i = 0; data && i < rows; i++)
                    for (int64_t j = 0; j < cols; j++) {
                        int64_t at = o.unpack ? j * rows + i : i * cols + j, from = i * cols + j;
                        if (dt == TYL_FLOAT32)
                            ((float *)(void *)data)[at] = (float)v[from];
                        else if (dt == TYL_INT64)
                            ((int64_t *)(void *)data)[at] = iv[from];
                        else
                            ((double *)(void *)data)[at] = v[from];
                    }
            }
        }
        free(v);
        free(iv);
        free(text);
    }
#ifndef TYL_NO_MPI
    if (tyl_rt_nranks() > 1)
        MPI_Bcast(info, 3, MPI_INT64_T, 0, tyl_rt_comm_);
#endif
    if (info[0]) {
        free(data);
        tyl_rt_error_all(where, "%s", msg);
    }
    /* read as a replicated array (load_stdio's walk is of the whole array), then laid out */
    tyl_array *a = tyl_alloc_l(dt, rank, info + 1, TYL_INIT_NONE, NULL, where);
    FILE *f = NULL;
    int err = 0;
    if (tyl_rt_rank_ == 0 && bytes > 0 && !(f = fmemopen(data, bytes, "rb"))) {
        snprintf(msg, MSG_LEN, "cannot read '%s': out of memory", filename);
        err = 1;
    }
    if (!agree(err, msg) && a->size > 0)
        err = load_stdio(f, filename, a, 0, msg);
    if (f)
        fclose(f);
    free(data);
    if (agree(err, msg))
        tyl_rt_error_all(where, "%s", msg);
    if (L) {
        tyl_array *b = tyl_copy_l(a, L, where);
        tyl_release(a);
        a = b;
    }
    tyl_dirty(a);
    return a;
}

void tyl_load_expect_ones(const tyl_array *a, unsigned ones, const char *filename, const char *where)
{
    for (int d = 0; d < a->rank; d++)
        if (ones >> d & 1 && a->shape[d] != 1) {
            char sh[128];
            tyl_rt_shape_str(sh, a->rank, a->shape);
            tyl_rt_error_all(where, "'%s' holds an array of shape %s, but the program was compiled for "
                             "extent 1 along axis %d (broadcast there); compile it again with this file",
                             filename, sh, d);
        }
}

tyl_array *tyl_load_npy(const char *filename, tyl_dtype dt, int rank, const char *where)
{
    return tyl_load_npy_l(filename, dt, rank, NULL, where);
}
