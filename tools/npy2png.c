/*
 * npy2png: render a 2-D NumPy .npy array as an 8-bit RGB PNG.
 *
 *   npy2png in.npy out.png [--cmap=inferno|viridis|gray] [--min=X] [--max=Y]
 *                          [--max-size=PX]
 *
 * Input: .npy format version 1.0, 2.0 (and 3.0) headers; dtypes '<f8', '<f4',
 * '<i8', '<i4', '|b1'; C or Fortran order.  2-D arrays are drawn with row 0
 * at the top (like matplotlib's imshow).  A 3-D array is reduced to its middle
 * slice along axis 0 (a note says so on stderr).  Anything else is an error.
 *
 * Values are mapped linearly from [min, max] (default: the finite data range;
 * --min/--max override either end, values outside are clipped) onto the
 * colour map.  NaN is drawn magenta.  Tiny arrays are upscaled by an integer
 * factor (nearest neighbour) so the picture is at least 256 px wide;
 * --max-size=PX downsamples (nearest neighbour) when the longer side exceeds PX.
 *
 * The PNG writer is self-contained: zlib stream of stored (uncompressed)
 * deflate blocks, Adler-32, CRC-32 per chunk, IHDR/IDAT/IEND, filter type 0.
 *
 * C11, no external libraries.  Exit status: 0 ok, 1 error, 2 usage.
 */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_WIDTH 256
#define MAX_OUT_PIXELS ((size_t)1 << 26) /* 64 Mpixel cap on upscaling */

static const char *prog = "npy2png";

/* Heap buffers alive at any time, released by die() too (clean under LSan). */
static unsigned char *g_file, *g_raw, *g_zlib;

static void free_all(void)
{
    free(g_file);
    free(g_raw);
    free(g_zlib);
    g_file = g_raw = g_zlib = NULL;
}

static void die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: error: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    free_all();
    exit(1);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: %s in.npy out.png [--cmap=inferno|viridis|gray] [--min=X] [--max=Y]\n"
            "                         [--max-size=PX]\n"
            "  Renders a 2-D .npy array ('<f8','<f4','<i8','<i4','|b1'; a 3-D array\n"
            "  shows its middle slice along axis 0) as an 8-bit RGB PNG.\n",
            prog);
    exit(2);
}

/* ------------------------------------------------------------------ */
/* Colour maps: control points sampled from matplotlib's 256-entry     */
/* inferno and viridis tables at entries 0, 16, ..., 240, 255.         */
/* ------------------------------------------------------------------ */

typedef struct {
    double pos; /* entry index / 255 */
    double r, g, b;
} cpoint;

#define CP(i, r, g, b) { (i) / 255.0, r, g, b }

static const cpoint inferno[] = {
    CP(0, 0.001462, 0.000466, 0.013866),   CP(16, 0.042253, 0.028139, 0.141141),
    CP(32, 0.129285, 0.047293, 0.290788),  CP(48, 0.238273, 0.036621, 0.396353),
    CP(64, 0.341500, 0.062325, 0.429425),  CP(80, 0.441207, 0.099338, 0.431594),
    CP(96, 0.540920, 0.134729, 0.415123),  CP(112, 0.640135, 0.171438, 0.381065),
    CP(128, 0.735683, 0.215906, 0.330245), CP(144, 0.822386, 0.275197, 0.266085),
    CP(160, 0.894305, 0.353399, 0.193584), CP(176, 0.946965, 0.449191, 0.115272),
    CP(192, 0.978422, 0.557937, 0.034931), CP(208, 0.987874, 0.675267, 0.065257),
    CP(224, 0.974638, 0.797692, 0.206332), CP(240, 0.947594, 0.917399, 0.410665),
    CP(255, 0.988362, 0.998364, 0.644924),
};

static const cpoint viridis[] = {
    CP(0, 0.267004, 0.004874, 0.329415),   CP(16, 0.282327, 0.094955, 0.417331),
    CP(32, 0.278826, 0.175490, 0.483397),  CP(48, 0.258965, 0.251537, 0.524736),
    CP(64, 0.229739, 0.322361, 0.545706),  CP(80, 0.199430, 0.387607, 0.554642),
    CP(96, 0.172719, 0.448791, 0.557885),  CP(112, 0.149039, 0.508051, 0.557250),
    CP(128, 0.127568, 0.566949, 0.550556), CP(144, 0.120638, 0.625828, 0.533488),
    CP(160, 0.157851, 0.683765, 0.501686), CP(176, 0.246070, 0.738910, 0.452024),
    CP(192, 0.369214, 0.788888, 0.382914), CP(208, 0.515992, 0.831158, 0.294279),
    CP(224, 0.678489, 0.863742, 0.189503), CP(240, 0.845561, 0.887322, 0.099702),
    CP(255, 0.993248, 0.906157, 0.143936),
};

static const cpoint gray[] = { { 0.0, 0.0, 0.0, 0.0 }, { 1.0, 1.0, 1.0, 1.0 } };

typedef struct {
    const char *name;
    const cpoint *pts;
    size_t n;
} cmap_t;

static const cmap_t cmaps[] = {
    { "inferno", inferno, sizeof inferno / sizeof inferno[0] },
    { "viridis", viridis, sizeof viridis / sizeof viridis[0] },
    { "gray", gray, 2 },
    { "grey", gray, 2 },
};

static unsigned char to_byte(double c)
{
    if (!(c > 0.0)) return 0;
    if (c >= 1.0) return 255;
    return (unsigned char)floor(c * 255.0 + 0.5);
}

/* t in [0, 1] -> RGB */
static void cmap_lookup(const cmap_t *cm, double t, unsigned char rgb[3])
{
    const cpoint *p = cm->pts;
    size_t n = cm->n;
    if (!(t > 0.0)) t = 0.0;
    if (t > 1.0) t = 1.0;
    size_t k = 0;
    while (k + 2 < n && t > p[k + 1].pos) k++;
    double span = p[k + 1].pos - p[k].pos;
    double f = (t - p[k].pos) / span;
    if (f < 0.0) f = 0.0;
    if (f > 1.0) f = 1.0;
    rgb[0] = to_byte(p[k].r + f * (p[k + 1].r - p[k].r));
    rgb[1] = to_byte(p[k].g + f * (p[k + 1].g - p[k].g));
    rgb[2] = to_byte(p[k].b + f * (p[k + 1].b - p[k].b));
}

/* ------------------------------------------------------------------ */
/* .npy reading                                                        */
/* ------------------------------------------------------------------ */

typedef enum { DT_F8, DT_F4, DT_I8, DT_I4, DT_B1 } dtype_t;

typedef struct {
    dtype_t dtype;
    size_t itemsize;
    int fortran;
    int ndim;
    size_t shape[8];
    const unsigned char *data; /* points into the file buffer */
    size_t nbytes_avail;
} npy_t;

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open '%s': %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    if (!buf) die("out of memory");
    g_file = buf;
    for (;;) {
        if (n == cap) {
            if (cap > SIZE_MAX / 2) die("'%s' is too large", path);
            cap *= 2;
            unsigned char *nb = realloc(buf, cap);
            if (!nb) die("out of memory reading '%s'", path);
            g_file = buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) die("cannot read '%s'", path);
    *len = n;
    return buf;
}

static const char *skip_ws(const char *s, const char *end)
{
    while (s < end && isspace((unsigned char)*s)) s++;
    return s;
}

/* Find the value of dictionary key `key` in the header text. */
static const char *find_key(const char *h, const char *end, const char *key, const char *path)
{
    size_t kl = strlen(key);
    for (const char *s = h; s + kl + 2 <= end; s++) {
        if ((*s == '\'' || *s == '"') && s[kl + 1] == *s && memcmp(s + 1, key, kl) == 0) {
            const char *v = skip_ws(s + kl + 2, end);
            if (v < end && *v == ':') return skip_ws(v + 1, end);
        }
    }
    die("'%s': malformed .npy header: no '%s' key", path, key);
    return NULL;
}

static void parse_npy(const unsigned char *buf, size_t len, const char *path, npy_t *out)
{
    static const unsigned char magic[6] = { 0x93, 'N', 'U', 'M', 'P', 'Y' };
    if (len < 10 || memcmp(buf, magic, 6) != 0)
        die("'%s' is not a .npy file (bad magic string)", path);
    unsigned major = buf[6], minor = buf[7];
    size_t hlen, hstart;
    if (major == 1) {
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
        hstart = 10;
    } else if (major == 2 || major == 3) {
        if (len < 12) die("'%s': truncated .npy header", path);
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        hstart = 12;
    } else {
        die("'%s': unsupported .npy format version %u.%u (supported: 1.0, 2.0, 3.0)", path, major,
            minor);
        return;
    }
    if (hlen > len - hstart) die("'%s': truncated .npy header", path);
    const char *h = (const char *)buf + hstart, *hend = h + hlen;

    /* descr */
    const char *v = find_key(h, hend, "descr", path);
    if (v >= hend || (*v != '\'' && *v != '"')) {
        die("'%s': unsupported dtype (structured or non-string 'descr'); supported: "
            "'<f8', '<f4', '<i8', '<i4', '|b1'",
            path);
    }
    char q = *v++;
    const char *ve = v;
    while (ve < hend && *ve != q) ve++;
    if (ve >= hend) die("'%s': malformed .npy header (unterminated descr)", path);
    char descr[32];
    size_t dl = (size_t)(ve - v);
    if (dl >= sizeof descr) dl = sizeof descr - 1;
    memcpy(descr, v, dl);
    descr[dl] = '\0';
    struct {
        const char *s;
        dtype_t t;
        size_t sz;
    } known[] = { { "<f8", DT_F8, 8 }, { "<f4", DT_F4, 4 }, { "<i8", DT_I8, 8 },
                  { "<i4", DT_I4, 4 }, { "|b1", DT_B1, 1 } };
    int found = 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strcmp(descr, known[i].s) == 0) {
            out->dtype = known[i].t;
            out->itemsize = known[i].sz;
            found = 1;
        }
    }
    if (!found) {
        if (descr[0] == '>')
            die("'%s': big-endian dtype '%s' is not supported (use a little-endian array)", path,
                descr);
        die("'%s': unsupported dtype '%s' (supported: '<f8', '<f4', '<i8', '<i4', '|b1')", path,
            descr);
    }

    /* fortran_order */
    v = find_key(h, hend, "fortran_order", path);
    if ((size_t)(hend - v) >= 4 && memcmp(v, "True", 4) == 0)
        out->fortran = 1;
    else if ((size_t)(hend - v) >= 5 && memcmp(v, "False", 5) == 0)
        out->fortran = 0;
    else
        die("'%s': malformed .npy header (fortran_order)", path);

    /* shape */
    v = find_key(h, hend, "shape", path);
    if (v >= hend || *v != '(') die("'%s': malformed .npy header (shape)", path);
    v++;
    out->ndim = 0;
    for (;;) {
        v = skip_ws(v, hend);
        if (v >= hend) die("'%s': malformed .npy header (shape)", path);
        if (*v == ')') break;
        if (!isdigit((unsigned char)*v)) die("'%s': malformed .npy header (shape)", path);
        size_t d = 0;
        while (v < hend && isdigit((unsigned char)*v)) {
            unsigned dig = (unsigned)(*v - '0');
            if (d > (SIZE_MAX - dig) / 10) die("'%s': shape too large", path);
            d = d * 10 + dig;
            v++;
        }
        if (out->ndim >= 8) die("'%s': too many dimensions", path);
        out->shape[out->ndim++] = d;
        v = skip_ws(v, hend);
        if (v < hend && *v == 'L') v++; /* Python 2 longs */
        v = skip_ws(v, hend);
        if (v < hend && *v == ',') v++;
    }

    out->data = buf + hstart + hlen;
    out->nbytes_avail = len - hstart - hlen;
}

static double get_value(const npy_t *a, size_t idx)
{
    const unsigned char *p = a->data + idx * a->itemsize;
    uint64_t u = 0;
    for (size_t k = 0; k < a->itemsize; k++) u |= (uint64_t)p[k] << (8 * k);
    switch (a->dtype) {
    case DT_F8: {
        double d;
        memcpy(&d, &u, 8);
        return d;
    }
    case DT_F4: {
        uint32_t w = (uint32_t)u;
        float f;
        memcpy(&f, &w, 4);
        return (double)f;
    }
    case DT_I8: return (double)(int64_t)u;
    case DT_I4: return (double)(int32_t)(uint32_t)u;
    case DT_B1: return u ? 1.0 : 0.0;
    }
    return 0.0;
}

/* ------------------------------------------------------------------ */
/* PNG writing                                                         */
/* ------------------------------------------------------------------ */

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t crc_update(uint32_t crc, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return crc;
}

static uint32_t adler32(const unsigned char *p, size_t n)
{
    uint32_t a = 1, b = 0;
    while (n > 0) {
        size_t blk = n < 5552 ? n : 5552; /* largest block without overflow */
        n -= blk;
        while (blk--) {
            a += *p++;
            b += a;
        }
        a %= 65521u;
        b %= 65521u;
    }
    return b << 16 | a;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void write_or_die(FILE *f, const void *p, size_t n, const char *path)
{
    if (n && fwrite(p, 1, n, f) != n) die("cannot write '%s': %s", path, strerror(errno));
}

static void write_chunk(FILE *f, const char type[4], const unsigned char *data, size_t n,
                        const char *path)
{
    unsigned char hdr[8];
    if (n > 0x7fffffffu) die("internal error: PNG chunk too large");
    put32(hdr, (uint32_t)n);
    memcpy(hdr + 4, type, 4);
    uint32_t crc = crc_update(0xffffffffu, (const unsigned char *)type, 4);
    crc = crc_update(crc, data, n) ^ 0xffffffffu;
    unsigned char tail[4];
    put32(tail, crc);
    write_or_die(f, hdr, 8, path);
    write_or_die(f, data, n, path);
    write_or_die(f, tail, 4, path);
}

/* raw: h rows of (1 + 3*w) bytes (filter byte + RGB). */
static void write_png(const char *path, uint32_t w, uint32_t h, const unsigned char *raw,
                      size_t rawlen)
{
    /* zlib stream: 2-byte header, stored blocks (5-byte header each), Adler-32 */
    size_t nblocks = rawlen / 65535 + (rawlen % 65535 != 0);
    if (nblocks == 0) nblocks = 1;
    size_t zlen = 2 + rawlen + 5 * nblocks + 4;
    unsigned char *z = g_zlib = malloc(zlen);
    if (!z) die("out of memory");
    size_t o = 0;
    z[o++] = 0x78; /* CM=8 (deflate), CINFO=7 (32K window) */
    z[o++] = 0x01; /* FLEVEL=0, no dict; (0x78*256+0x01) % 31 == 0 */
    size_t pos = 0;
    for (size_t b = 0; b < nblocks; b++) {
        size_t n = rawlen - pos;
        if (n > 65535) n = 65535;
        int final = (b + 1 == nblocks);
        z[o++] = (unsigned char)(final ? 1 : 0); /* BFINAL, BTYPE=00 (stored) */
        z[o++] = (unsigned char)(n & 0xff);
        z[o++] = (unsigned char)(n >> 8);
        z[o++] = (unsigned char)(~n & 0xff);
        z[o++] = (unsigned char)((~n >> 8) & 0xff);
        memcpy(z + o, raw + pos, n);
        o += n;
        pos += n;
    }
    put32(z + o, adler32(raw, rawlen));
    o += 4;
    if (o != zlen) die("internal error: zlib stream length");

    FILE *f = fopen(path, "wb");
    if (!f) die("cannot create '%s': %s", path, strerror(errno));
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    write_or_die(f, sig, 8, path);
    unsigned char ihdr[13];
    put32(ihdr, w);
    put32(ihdr + 4, h);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 2;  /* colour type: truecolour RGB */
    ihdr[10] = 0; /* compression: deflate */
    ihdr[11] = 0; /* filter method 0 */
    ihdr[12] = 0; /* no interlace */
    write_chunk(f, "IHDR", ihdr, 13, path);
    const size_t idat_max = (size_t)1 << 20;
    for (size_t off = 0; off < zlen; off += idat_max) {
        size_t n = zlen - off < idat_max ? zlen - off : idat_max;
        write_chunk(f, "IDAT", z + off, n, path);
    }
    write_chunk(f, "IEND", NULL, 0, path);
    free(z);
    g_zlib = NULL;
    if (fclose(f) != 0) die("cannot write '%s': %s", path, strerror(errno));
}

/* ------------------------------------------------------------------ */

static double parse_double(const char *s, const char *opt)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || isnan(d))
        die("%s expects a number, got '%s'", opt, s);
    return d;
}

int main(int argc, char **argv)
{
    const char *in = NULL, *outp = NULL, *cmname = "inferno";
    int have_min = 0, have_max = 0;
    double vmin = 0, vmax = 0;
    long max_size = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--cmap=", 7) == 0)
            cmname = a + 7;
        else if (strncmp(a, "--min=", 6) == 0) {
            vmin = parse_double(a + 6, "--min");
            have_min = 1;
        } else if (strncmp(a, "--max=", 6) == 0) {
            vmax = parse_double(a + 6, "--max");
            have_max = 1;
        } else if (strncmp(a, "--max-size=", 11) == 0) {
            char *end;
            max_size = strtol(a + 11, &end, 10);
            if (end == a + 11 || *end || max_size < 1) die("--max-size expects a positive integer");
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
            usage();
        else if (a[0] == '-' && a[1] == '-')
            die("unknown option '%s' (try --help)", a);
        else if (!in)
            in = a;
        else if (!outp)
            outp = a;
        else
            usage();
    }
    if (!in || !outp) usage();

    const cmap_t *cm = NULL;
    for (size_t i = 0; i < sizeof cmaps / sizeof cmaps[0]; i++)
        if (strcmp(cmname, cmaps[i].name) == 0) cm = &cmaps[i];
    if (!cm) die("unknown colour map '%s' (choose inferno, viridis or gray)", cmname);
    if (have_min && have_max && !(vmax > vmin))
        die("--max (%g) must be greater than --min (%g)", vmax, vmin);

    size_t flen;
    unsigned char *buf = read_file(in, &flen);
    npy_t a;
    parse_npy(buf, flen, in, &a);

    /* Select the 2-D plane to draw: element (r, c) is at base + r*rs + c*cs. */
    size_t H, W, base = 0, rs, cs, total = 1;
    for (int d = 0; d < a.ndim; d++) {
        if (a.shape[d] && total > SIZE_MAX / a.shape[d]) die("'%s': shape too large", in);
        total *= a.shape[d];
    }
    if (a.ndim == 2 || a.ndim == 3) {
        size_t s0 = a.ndim == 3 ? a.shape[0] : 1;
        H = a.shape[a.ndim - 2];
        W = a.shape[a.ndim - 1];
        if (total == 0) die("'%s': array is empty (shape has a zero extent)", in);
        size_t k = s0 / 2;
        if (a.fortran) {
            /* Fortran order: index (k, r, c) at k + s0*(r + H*c) */
            rs = s0;
            cs = s0 * H;
            base = k;
        } else {
            rs = W;
            cs = 1;
            base = k * H * W;
        }
        if (a.ndim == 3)
            fprintf(stderr,
                    "%s: note: '%s' is 3-D with shape (%zu, %zu, %zu); drawing the middle slice "
                    "[%zu, :, :]\n",
                    prog, in, s0, H, W, k);
    } else {
        die("'%s' has %d dimension%s; only 2-D arrays (or 3-D, drawn as the middle slice along "
            "axis 0) are supported",
            in, a.ndim, a.ndim == 1 ? "" : "s");
        return 1;
    }
    if (total > a.nbytes_avail / a.itemsize)
        die("'%s' is truncated: header promises %zu elements of %zu bytes, file holds %zu bytes", in,
            total, a.itemsize, a.nbytes_avail);

    /* Output geometry: integer upscale for tiny arrays, optional downsample. */
    size_t scale = 1;
    if (W < MIN_WIDTH) scale = (MIN_WIDTH + W - 1) / W;
    while (scale > 1 && (H * scale) * (W * scale) > MAX_OUT_PIXELS) scale--;
    size_t OW = W * scale, OH = H * scale;
    if (max_size > 0 && (OW > (size_t)max_size || OH > (size_t)max_size)) {
        double f = (double)max_size / (double)(OW > OH ? OW : OH);
        OW = (size_t)((double)OW * f);
        OH = (size_t)((double)OH * f);
        if (OW < 1) OW = 1;
        if (OH < 1) OH = 1;
    }
    if (OW > 0x7fffffffu || OH > 0x7fffffffu || OW * OH > ((size_t)1 << 31) / 3)
        die("picture of %zu x %zu pixels is too large (use --max-size=PX)", OW, OH);

    /* Value range over the drawn plane. */
    double lo = INFINITY, hi = -INFINITY;
    for (size_t r = 0; r < H; r++)
        for (size_t c = 0; c < W; c++) {
            double x = get_value(&a, base + r * rs + c * cs);
            if (isfinite(x)) {
                if (x < lo) lo = x;
                if (x > hi) hi = x;
            }
        }
    if (!(lo <= hi)) lo = hi = 0.0; /* no finite values */
    if (have_min) lo = vmin;
    if (have_max) hi = vmax;
    if (have_min && !have_max && hi < lo) hi = lo;
    if (have_max && !have_min && lo > hi) lo = hi;

    size_t rowlen = 1 + 3 * OW;
    size_t rawlen = rowlen * OH;
    unsigned char *raw = g_raw = malloc(rawlen);
    if (!raw) die("out of memory");
    for (size_t y = 0; y < OH; y++) {
        unsigned char *row = raw + y * rowlen;
        row[0] = 0; /* filter type None */
        size_t r = y * H / OH;
        for (size_t x = 0; x < OW; x++) {
            size_t c = x * W / OW;
            double v = get_value(&a, base + r * rs + c * cs);
            unsigned char *px = row + 1 + 3 * x;
            if (isnan(v)) {
                px[0] = 255;
                px[1] = 0;
                px[2] = 255;
                continue;
            }
            double t;
            if (hi > lo)
                t = isfinite(hi - lo) ? (v - lo) / (hi - lo) : (v / 2 - lo / 2) / (hi / 2 - lo / 2);
            else
                t = v > hi ? 1.0 : 0.0;
            cmap_lookup(cm, t, px);
        }
    }
    free(buf);
    g_file = NULL;
    crc_init();
    write_png(outp, (uint32_t)OW, (uint32_t)OH, raw, rawlen);
    free(raw);
    g_raw = NULL;
    fprintf(stderr, "%s: wrote '%s' (%zu x %zu px, %s, range [%.6g, %.6g])\n", prog, outp, OW, OH,
            cm->name, lo, hi);
    return 0;
}
