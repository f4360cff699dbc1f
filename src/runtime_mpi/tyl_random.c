/* tyl_random.c: NumPy's random streams, bit for bit.
 *
 * Two generators, written from their published algorithms:
 *  - generator 0 is NumPy's legacy global RandomState (np.random.seed, rand, randn, ...):
 *    MT19937 (Matsumoto and Nishimura) seeded by init_genrand from a 32-bit int, doubles from
 *    two 32-bit outputs (27 + 26 bits), normals by the polar method whose second value is kept
 *    for the next call, bounded ints by masked rejection;
 *  - generators 1, 2, ... are np.random.default_rng(seed) Generators: PCG64 (O'Neill's 128-bit
 *    LCG with the XSL-RR output) seeded through SeedSequence (a hash mixed into a pool of four
 *    32-bit words), doubles from the top 53 bits of one output, bounded ints by Lemire's
 *    multiply-and-reject.
 * Generators -1, -2, ... are np.random.RandomState(seed) objects, legacy streams of their own;
 * TYL_PYRANDOM is Python's random module: MT19937 too, seeded by init_by_array from the seed's
 * 32-bit words, ints by _randbelow (the top bits of a draw, rejected until below n), normals by
 * Box-Muller (random.gauss). Binomials (both kinds of stream) follow NumPy's random_binomial: inversion
 * below 30 expected successes, else Kachitvichyanukul and Schmeiser's BTPE. A Generator's exponentials
 * (and its gammas of shape <= 1) come from NumPy's exponential ziggurat (tyl_zig_exp.h).
 * An array takes the stream's values in C order of the global array: every rank runs the
 * stream over the whole array and keeps its own block, so the state afterwards is the same on
 * every rank, as later draws need. Unseeded generators take a seed from rank 0's clock.
 */
#include "tyl_internal.h"
#include "tyl_mem.h"
#include "tyl_mpi.h"
#include "tyl_zig_exp.h" /* zige_k, zige_w, zige_f: the exponential ziggurat (tools/gen_zig_exp.py) */

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- MT19937 (legacy RandomState) ----------------------------------------------------------- */

enum { MT_N = 624, MT_M = 397 };

typedef struct mt_state {
    uint32_t key[MT_N];
    int pos;
    int seeded;
    int has_gauss;   /* the polar method's second value is waiting in gauss */
    double gauss;
} mt_state;

static mt_state mt_;    /* generator 0, the global RandomState */
static mt_state pymt_;  /* TYL_PYRANDOM: Python's random module */
static mt_state *mts_;  /* [-gen - 1]: np.random.RandomState objects */
static int nmts_;

static void mt_seed(mt_state *s, uint32_t seed)
{
    for (int i = 0; i < MT_N; i++) {
        s->key[i] = seed;
        seed = 1812433253u * (seed ^ (seed >> 30)) + (uint32_t)i + 1u;
    }
    s->pos = MT_N;
    s->seeded = 1;
    s->has_gauss = 0;
    s->gauss = 0.0;
}

/* Python's random.seed(n) of an int: init_by_array of |n|'s 32-bit words, least significant
 * first (one word for 0). */
static void mt_seed_array(mt_state *s, uint64_t n)
{
    uint32_t key[2] = {(uint32_t)n, (uint32_t)(n >> 32)};
    int klen = n >> 32 ? 2 : 1;
    mt_seed(s, 19650218u);
    uint32_t *mt = s->key;
    int i = 1, j = 0;
    for (int k = MT_N > klen ? MT_N : klen; k; k--) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint32_t)j;
        i++, j++;
        if (i >= MT_N) {
            mt[0] = mt[MT_N - 1];
            i = 1;
        }
        if (j >= klen)
            j = 0;
    }
    for (int k = MT_N - 1; k; k--) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941u)) - (uint32_t)i;
        i++;
        if (i >= MT_N) {
            mt[0] = mt[MT_N - 1];
            i = 1;
        }
    }
    mt[0] = 0x80000000u;
    s->pos = MT_N;
}

/* The next 624 words of the recurrence, all at once. */
static void mt_refill(mt_state *s)
{
    static const uint32_t mag[2] = {0u, 0x9908b0dfu};
    uint32_t *k = s->key;
    for (int i = 0; i < MT_N; i++) {
        uint32_t y = (k[i] & 0x80000000u) | (k[(i + 1) % MT_N] & 0x7fffffffu);
        k[i] = k[(i + MT_M) % MT_N] ^ (y >> 1) ^ mag[y & 1u];
    }
    s->pos = 0;
}

static uint32_t mt_next32(mt_state *s)
{
    if (s->pos == MT_N)
        mt_refill(s);
    uint32_t y = s->key[s->pos++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    return y ^ (y >> 18);
}

static uint64_t mt_next64(mt_state *s)
{
    uint64_t hi = mt_next32(s);
    return hi << 32 | mt_next32(s);
}

static double mt_double(mt_state *s)
{
    int32_t a = (int32_t)(mt_next32(s) >> 5), b = (int32_t)(mt_next32(s) >> 6);
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

/* Python's getrandbits(k), 0 < k <= 64: 32-bit words least significant first, the last one's
 * top bits */
static uint64_t py_getrandbits(mt_state *s, int k)
{
    if (k <= 32)
        return mt_next32(s) >> (32 - k);
    uint64_t lo = mt_next32(s);
    return lo | (uint64_t)(mt_next32(s) >> (64 - k)) << 32;
}

/* Python's _randbelow(n), n > 0: k = n.bit_length() bits, drawn again until below n */
static uint64_t py_randbelow(mt_state *s, uint64_t n)
{
    int k = 64;
    while (k > 1 && !(n >> (k - 1)))
        k--;
    uint64_t r;
    while ((r = py_getrandbits(s, k)) >= n)
        ;
    return r;
}

/* Python's random.gauss: Box-Muller from two draws, the second value kept for the next call */
static double py_gauss(mt_state *s)
{
    if (s->has_gauss) {
        s->has_gauss = 0;
        return s->gauss;
    }
    double x2pi = mt_double(s) * 6.283185307179586;
    double g2rad = sqrt(-2.0 * log(1.0 - mt_double(s)));
    s->gauss = sin(x2pi) * g2rad;
    s->has_gauss = 1;
    return cos(x2pi) * g2rad;
}

static double mt_gauss(mt_state *s)
{
    if (s->has_gauss) {
        s->has_gauss = 0;
        return s->gauss;
    }
    double x1, x2, r2;
    do {
        x1 = 2.0 * mt_double(s) - 1.0;
        x2 = 2.0 * mt_double(s) - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double f = sqrt(-2.0 * log(r2) / r2);
    s->gauss = f * x1;
    s->has_gauss = 1;
    return f * x2;
}

/* ---- PCG64 with SeedSequence (Generator) ---------------------------------------------------- */

typedef unsigned __int128 u128;

typedef struct pcg_state {
    u128 state, inc;
    int has32;        /* the high half of the last 64-bit output is waiting in w32 */
    uint32_t w32;
} pcg_state;

static pcg_state *pcg_;  /* [gen - 1] */
static int npcg_;

#define PCG_MULT ((u128)0x2360ed051fc65da4u << 64 | 0x4385df649fccf645u)

static uint64_t pcg_next64(pcg_state *s)
{
    s->state = s->state * PCG_MULT + s->inc;
    uint64_t x = (uint64_t)(s->state >> 64) ^ (uint64_t)s->state;
    unsigned rot = (unsigned)(s->state >> 122);
    return (x >> rot) | (x << ((64u - rot) & 63u));
}

static uint32_t pcg_next32(pcg_state *s)
{
    if (s->has32) {
        s->has32 = 0;
        return s->w32;
    }
    uint64_t v = pcg_next64(s);
    s->has32 = 1;
    s->w32 = (uint32_t)(v >> 32);
    return (uint32_t)v;
}

static double pcg_double(pcg_state *s) { return (double)(pcg_next64(s) >> 11) * (1.0 / 9007199254740992.0); }

static float pcg_float(pcg_state *s) { return (float)(pcg_next32(s) >> 8) * (1.0f / 16777216.0f); }

/* ---- Generator normals: Marsaglia and Tsang's ziggurat, 256 levels ------------------------ */

/* NumPy's Generator draws normals by the ziggurat of the density f(x) = exp(-x^2/2) in 256
 * strips of equal area ZIG_V (the constants of the method for 256 levels). Level 0 is the base
 * strip, a box of width ZIG_V / f(ZIG_R) holding the tail beyond ZIG_R; level i >= 1 is the box
 * [0, x_i] x [f(x_i), f(x_{i-1})], x_255 = ZIG_R the widest, x_1 the narrowest. A 64-bit draw
 * gives the level (8 bits), a sign (1 bit) and a 52-bit abscissa u; the sample u * w_i
 * (w_i = x_i / 2^52) is accepted at once when u < k_i = x_{i-1} / x_i in units of 2^-52 (the
 * part of the box under the next narrower one). float32 draws use the same x_i with 23-bit
 * abscissas from 32-bit draws.
 *
 * The tables follow from ZIG_R and ZIG_V by the recurrence x_{i-1} = f^-1(ZIG_V / x_i + f(x_i))
 * run in double precision, each exp and log correctly rounded, k_i rounded to nearest: NumPy's
 * tables were made that way (checked entry by entry, and over millions of samples, by
 * tests/unit/check_random.py), with one exception. exp(-x_38^2 / 2) lies 0.0017 ulp below a
 * rounding midpoint, and the libm that made NumPy's tables rounded it up: its f_38 is one ulp
 * above the correctly rounded value, and x_37 ... x_1 (computed from it) differ accordingly.
 * ZIG_F38_UP reproduces that rounding; without it 14% of the samples differ from NumPy's. */
#define ZIG_R 3.6541528853610088
#define ZIG_V 0.0049286732339746519
#define ZIG_F38_UP 38

static uint64_t zig_k[256];
static double zig_w[256], zig_f[256];
static uint32_t zigf_k[256];
static float zigf_w[256], zigf_f[256];
static int zig_ready;

/* exp and log rounded once from extended precision: correctly rounded at every point the
 * recurrence visits, whatever the platform's double exp and log do with hard cases */
static double zig_exp(double x) { return (double)expl((long double)x); }
static double zig_log(double x) { return (double)logl((long double)x); }

static void zig_tables(void)
{
    const double m52 = 4503599627370496.0, m23 = 8388608.0; /* 2^52, 2^23 */
    double x[256];
    x[255] = ZIG_R;
    zig_f[255] = zig_exp(-0.5 * ZIG_R * ZIG_R);
    for (int i = 255; i > 1; i--) {
        x[i - 1] = sqrt(-2.0 * zig_log(ZIG_V / x[i] + zig_f[i]));
        zig_f[i - 1] = zig_exp(-0.5 * x[i - 1] * x[i - 1]);
        if (i - 1 == ZIG_F38_UP)
            zig_f[i - 1] = nextafter(zig_f[i - 1], 1.0);
    }
    x[0] = ZIG_V / zig_f[255]; /* the base strip: the tail's area spread over a box */
    zig_f[0] = 1.0;
    for (int i = 0; i < 256; i++) {
        /* k_0 = ZIG_R / x_0 (as r f(r) / v); k_1 = 0: the top level has no box under it */
        double ratio = i == 0 ? ZIG_R * zig_f[255] / ZIG_V : i == 1 ? 0.0 : x[i - 1] / x[i];
        zig_k[i] = (uint64_t)nearbyint(ratio * m52);
        zigf_k[i] = (uint32_t)nearbyint(ratio * m23);
        zig_w[i] = x[i] / m52;
        zigf_w[i] = (float)(x[i] / m23);
        zigf_f[i] = (float)zig_f[i];
    }
    zig_ready = 1;
}

/* NumPy's random_standard_normal: the tail by Marsaglia's exponential method, from 1 - U so
 * that the log is finite. */
static double pcg_normal(pcg_state *s)
{
    if (!zig_ready)
        zig_tables();
    for (;;) {
        uint64_t r = pcg_next64(s);
        int idx = (int)(r & 0xff);
        r >>= 8;
        uint64_t rabs = (r >> 1) & 0x000fffffffffffffu;
        double x = (double)rabs * zig_w[idx];
        if (r & 1)
            x = -x;
        if (rabs < zig_k[idx])
            return x;
        if (idx == 0) {
            for (;;) {
                double xx = -(1.0 / ZIG_R) * log1p(-pcg_double(s));
                double yy = -log1p(-pcg_double(s));
                if (yy + yy > xx * xx)
                    return ((rabs >> 8) & 1) ? -(ZIG_R + xx) : ZIG_R + xx;
            }
        }
        if ((zig_f[idx - 1] - zig_f[idx]) * pcg_double(s) + zig_f[idx] < exp(-0.5 * x * x))
            return x;
    }
}

/* random_standard_normal_f: the same in float from 32-bit draws (the wedge test in double, as
 * NumPy's C promotes it). */
static float pcg_normal_f(pcg_state *s)
{
    const float r_f = (float)ZIG_R, inv_r_f = (float)(1.0 / ZIG_R);
    if (!zig_ready)
        zig_tables();
    for (;;) {
        uint32_t r = pcg_next32(s);
        int idx = (int)(r & 0xff);
        uint32_t rabs = (r >> 9) & 0x007fffffu;
        float x = (float)rabs * zigf_w[idx];
        if ((r >> 8) & 1)
            x = -x;
        if (rabs < zigf_k[idx])
            return x;
        if (idx == 0) {
            for (;;) {
                float xx = -inv_r_f * log1pf(-pcg_float(s));
                float yy = -log1pf(-pcg_float(s));
                if (yy + yy > xx * xx)
                    return ((rabs >> 8) & 1) ? -(r_f + xx) : r_f + xx;
            }
        }
        if ((zigf_f[idx - 1] - zigf_f[idx]) * pcg_float(s) + zigf_f[idx] < exp(-0.5 * x * x))
            return x;
    }
}

/* NumPy's random_standard_exponential (a Generator): the ziggurat of exp(-x) in 256 layers
 * (tyl_zig_exp.h), a 64-bit draw giving 3 unused bits, the level (8 bits) and a 53-bit
 * abscissa; the base layer's tail beyond ZIGE_R is ZIGE_R - log1p(-U) (NumPy 2's form); a
 * wedge rejected draws again from the start. */
#define ZIGE_R 7.6971174701310497140446280481
static double pcg_std_exp(pcg_state *s)
{
    for (;;) {
        uint64_t ri = pcg_next64(s) >> 3;
        int idx = (int)(ri & 0xff);
        ri >>= 8;
        double x = (double)ri * zige_w[idx];
        if (ri < zige_k[idx])
            return x;
        if (idx == 0)
            return ZIGE_R - log1p(-pcg_double(s));
        if ((zige_f[idx - 1] - zige_f[idx]) * pcg_double(s) + zige_f[idx] < exp(-x))
            return x;
    }
}

/* For tests/unit/test_random.c: the tables, to compare entry by entry with NumPy's. */
void tyl_random_zig_tables(const uint64_t **k, const double **w, const double **f,
                           const uint32_t **kf, const float **wf, const float **ff)
{
    if (!zig_ready)
        zig_tables();
    *k = zig_k, *w = zig_w, *f = zig_f, *kf = zigf_k, *wf = zigf_w, *ff = zigf_f;
}

/* SeedSequence's hash constants (O'Neill's seed_seq_fe). */
enum {
    SS_POOL = 4,
    SS_XSHIFT = 16,
};
#define SS_INIT_A 0x43b0d7e5u
#define SS_MULT_A 0x931e8875u
#define SS_INIT_B 0x8b51f9ddu
#define SS_MULT_B 0x58f38dedu
#define SS_MIX_L 0xca01f9ddu
#define SS_MIX_R 0x4973f715u

static uint32_t ss_hash(uint32_t v, uint32_t *h)
{
    v ^= *h;
    *h *= SS_MULT_A;
    v *= *h;
    return v ^ (v >> SS_XSHIFT);
}

static uint32_t ss_mix(uint32_t x, uint32_t y)
{
    uint32_t r = SS_MIX_L * x - SS_MIX_R * y;
    return r ^ (r >> SS_XSHIFT);
}

/* PCG64's state and increment from SeedSequence(seed) for a non-negative int seed: its entropy
 * is the seed's 32-bit words, least significant first (one word for 0). */
static void pcg_seed(pcg_state *s, uint64_t seed)
{
    uint32_t ent[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    int nent = seed >> 32 ? 2 : 1;
    uint32_t pool[SS_POOL], h = SS_INIT_A;
    for (int i = 0; i < SS_POOL; i++)
        pool[i] = ss_hash(i < nent ? ent[i] : 0u, &h);
    for (int src = 0; src < SS_POOL; src++)
        for (int dst = 0; dst < SS_POOL; dst++)
            if (src != dst)
                pool[dst] = ss_mix(pool[dst], ss_hash(pool[src], &h));
    /* generate_state(4, uint64): eight 32-bit words, paired little-endian */
    uint32_t w[8];
    uint32_t hb = SS_INIT_B;
    for (int i = 0; i < 8; i++) {
        uint32_t v = pool[i % SS_POOL] ^ hb;
        hb *= SS_MULT_B;
        v *= hb;
        w[i] = v ^ (v >> SS_XSHIFT);
    }
    uint64_t q[4];
    for (int i = 0; i < 4; i++)
        q[i] = (uint64_t)w[2 * i + 1] << 32 | w[2 * i];
    u128 initstate = (u128)q[0] << 64 | q[1], initseq = (u128)q[2] << 64 | q[3];
    s->state = 0;
    s->inc = initseq << 1 | 1u;
    pcg_next64(s);
    s->state += initstate;
    pcg_next64(s);
    s->has32 = 0;
    s->w32 = 0;
}

/* ---- seeds ------------------------------------------------------------------------------------ */

/* A seed from rank 0's clock, the same on every rank (collective). */
static uint64_t clock_seed(void)
{
    uint64_t v = 0;
    if (tyl_rt_rank_ == 0) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        v = (uint64_t)t.tv_sec * 1000000007u ^ (uint64_t)t.tv_nsec;
    }
#ifndef TYL_NO_MPI
    if (tyl_rt_nranks() > 1)
        MPI_Bcast(&v, 1, MPI_UINT64_T, 0, tyl_rt_comm_);
#endif
    return v;
}

static mt_state *mt_get(int gen)
{
    if (gen == 0)
        return &mt_;
    if (gen == TYL_PYRANDOM)
        return &pymt_;
    if (-gen > nmts_) {
        mt_state *p = realloc(mts_, (size_t)-gen * sizeof *p);
        if (!p) {
            fprintf(stderr, "tyles: out of memory for a random generator\n");
            exit(1);
        }
        memset(p + nmts_, 0, (size_t)(-gen - nmts_) * sizeof *p);
        mts_ = p;
        nmts_ = -gen;
    }
    return &mts_[-gen - 1];
}

static pcg_state *pcg_get(int gen)
{
    if (gen > npcg_) {
        pcg_state *p = realloc(pcg_, (size_t)gen * sizeof *p);
        if (!p) {
            fprintf(stderr, "tyles: out of memory for a random generator\n");
            exit(1);
        }
        memset(p + npcg_, 0, (size_t)(gen - npcg_) * sizeof *p);
        pcg_ = p;
        npcg_ = gen;
    }
    return &pcg_[gen - 1];
}

void tyl_random_seed(int gen, int64_t seed, int clock, const char *where)
{
    if (clock)
        seed = (int64_t)(clock_seed() & (gen ? INT64_MAX : 0xffffffffu));
    if (gen == TYL_PYRANDOM) { /* Python seeds with abs(n) */
        mt_seed_array(mt_get(gen), seed < 0 ? 0u - (uint64_t)seed : (uint64_t)seed);
        return;
    }
    if (gen <= 0) {
        if (seed < 0 || seed > 0xffffffffLL)
            tyl_rt_error_all(where, "ValueError: Seed must be between 0 and 2**32 - 1");
        mt_seed(mt_get(gen), (uint32_t)seed);
    } else {
        if (seed < 0)
            tyl_rt_error_all(where, "ValueError: expected non-negative integer");
        pcg_seed(pcg_get(gen), (uint64_t)seed);
    }
}

/* ---- draws ---------------------------------------------------------------------------------- */

typedef struct draw {
    int gen, kind;
    double a, b;
    uint64_t off, rng, mask; /* TYL_RK_INT: off + a value in [0, rng] */
    int nbits;               /* TYL_RK_INT of a narrow dtype: 8, 16 or 1 (bool); else 0 */
    uint32_t buf;            /* and the 32-bit output its draws are taken from */
    int bcnt;                /* draws left in buf */
    mt_state *mt;
    pcg_state *pcg;
} draw;

static void draw_init(draw *d, int gen, int kind, double a, double b, int64_t lo, int64_t hi,
                      const char *where)
{
    memset(d, 0, sizeof *d);
    int was_seeded = kind & TYL_RK_SEEDED;
    int nbits = kind & TYL_RK_N8 ? 8 : kind & TYL_RK_N16 ? 16 : kind & TYL_RK_N1 ? 1 : 0;
    kind &= ~(TYL_RK_SEEDED | TYL_RK_N8 | TYL_RK_N16 | TYL_RK_N1);
    /* the compiler emits float32 draws only for Generators */
    if (((kind == TYL_RK_SAMPLE_F32 || kind == TYL_RK_GAUSS_F32) && gen <= 0) ||
        kind < TYL_RK_SAMPLE || kind > TYL_RK_BINOMIAL ||
        ((kind >= TYL_RK_PYINT && kind <= TYL_RK_PYPERM) != (gen == TYL_PYRANDOM) && kind != TYL_RK_SAMPLE &&
         kind != TYL_RK_UNIFORM))
        tyl_rt_error(where, "internal error: random draw of kind %d from generator %d", kind, gen);
    d->gen = gen;
    d->kind = kind;
    d->nbits = kind == TYL_RK_INT ? nbits : 0;
    d->a = a;
    d->b = b;
    int unseeded = gen <= 0 ? !mt_get(gen)->seeded : gen > npcg_ || !pcg_[gen - 1].inc;
    /* A restart skips the code before the loop it resumes, and a process spawned to grow the
     * job starts in the loop: neither has the state of a stream the program seeded before
     * (checkpoints do not hold it), and a fresh stream would silently differ from the
     * uninterrupted run. (A spawned process would also wait alone in clock_seed.) */
    if (unseeded && (tyl_rt_elastic_.spawned || (was_seeded && tyl_ck_opts_.restart))) {
        const char *msg = "cannot draw random numbers after a restart or a rescale: the state of "
                          "the random stream is not in the checkpoint";
        if (tyl_rt_elastic_.spawned) /* only the new ranks are here */
            tyl_rt_error(where, "%s", msg);
        tyl_rt_error_all(where, "%s", msg);
    }
    if (gen <= 0) {
        d->mt = mt_get(gen);
        if (unseeded)
            mt_seed(d->mt, (uint32_t)clock_seed());
    } else {
        d->pcg = pcg_get(gen);
        if (unseeded) /* generated code seeds a Generator before its draws */
            pcg_seed(d->pcg, clock_seed());
    }
    /* NumPy refuses a negative scale (-0.0 included: it tests the sign bit) before drawing */
    if (kind == TYL_RK_GAUSS && signbit(b) && !isnan(b))
        tyl_rt_error_all(where, "ValueError: scale < 0");
    if (kind == TYL_RK_GAMMA) {
        /* NumPy's checks of shape, then scale (the sign bit, as for normal's scale) */
        if (signbit(a) && !isnan(a))
            tyl_rt_error_all(where, "ValueError: shape < 0");
        if (signbit(b) && !isnan(b))
            tyl_rt_error_all(where, "ValueError: scale < 0");
        if (isnan(a)) /* NumPy's rejection loop would never end */
            tyl_rt_error_all(where, "gamma() with a shape that is nan is not supported");
    }
    if (kind == TYL_RK_BINOMIAL) { /* NumPy checks p, then n (both streams, the same words) */
        if (!(a >= 0.0 && a <= 1.0))
            tyl_rt_error_all(where, "ValueError: p < 0, p > 1 or p is NaN");
        if (lo < 0)
            tyl_rt_error_all(where, "ValueError: n < 0");
        d->off = (uint64_t)lo;
    }
    if (kind == TYL_RK_UNIFORM)
        d->b = b - a; /* NumPy draws low + (high - low) * u */
    if (kind == TYL_RK_PYINT && lo >= hi) {
        if (lo == 0)
            tyl_rt_error_all(where, "ValueError: empty range for randrange()");
        tyl_rt_error_all(where, "ValueError: empty range for randrange() (%lld, %lld, %lld)", (long long)lo,
                         (long long)hi, (long long)(hi - lo));
    }
    if (kind == TYL_RK_INT || kind == TYL_RK_PERM || kind == TYL_RK_CHOICE || kind == TYL_RK_PYINT ||
        kind == TYL_RK_PYPERM) {
        if (kind == TYL_RK_INT && lo >= hi)
            tyl_rt_error_all(where, "ValueError: low >= high");
        d->off = (uint64_t)lo;
        d->rng = (uint64_t)hi - (uint64_t)lo - 1u;
        uint64_t m = d->rng;
        m |= m >> 1;
        m |= m >> 2;
        m |= m >> 4;
        m |= m >> 8;
        m |= m >> 16;
        m |= m >> 32;
        d->mask = m;
    }
}

/* NumPy's buffered_uint8/uint16/bool: the next 8, 16 or 1 bits of a 32-bit output, low bits
 * first, a new output when these are used up. */
static uint32_t draw_buffered(draw *d)
{
    int bits = d->nbits;
    if (!d->bcnt) {
        d->buf = d->mt ? mt_next32(d->mt) : pcg_next32(d->pcg);
        d->bcnt = bits == 8 ? 3 : bits == 16 ? 1 : 31;
    } else {
        d->buf >>= bits;
        d->bcnt--;
    }
    return d->buf & (bits == 8 ? 0xffu : bits == 16 ? 0xffffu : 1u);
}

/* random_bounded_uint8/uint16/bool_fill's draw in [0, rng]: the bits themselves for the whole
 * range, else masked rejection (legacy) or Lemire's method on 8 or 16 bits (Generator). */
static uint64_t draw_narrow(draw *d)
{
    uint32_t rng = (uint32_t)d->rng, full = d->nbits == 8 ? 0xffu : d->nbits == 16 ? 0xffffu : 1u;
    if (rng == full)
        return draw_buffered(d);
    if (d->mt) {
        uint32_t v;
        while ((v = draw_buffered(d) & (uint32_t)d->mask) > rng)
            ;
        return v;
    }
    uint32_t excl = rng + 1u;
    uint32_t m = draw_buffered(d) * excl;
    uint32_t left = m & full;
    if (left < excl) {
        uint32_t thr = (full - rng) % excl;
        while (left < thr) {
            m = draw_buffered(d) * excl;
            left = m & full;
        }
    }
    return m >> d->nbits;
}

/* A bounded int in [0, rng]: masked rejection (legacy) or Lemire's method (Generator), with
 * 32-bit draws when the range fits in 32 bits, as NumPy does. */
static uint64_t draw_bounded(draw *d)
{
    uint64_t rng = d->rng;
    if (rng == 0)
        return 0;
    if (d->nbits)
        return draw_narrow(d);
    if (rng <= 0xffffffffu) {
        if (rng == 0xffffffffu)
            return d->mt ? mt_next32(d->mt) : pcg_next32(d->pcg);
        if (d->mt) {
            uint32_t v;
            while ((v = mt_next32(d->mt) & (uint32_t)d->mask) > rng)
                ;
            return v;
        }
        uint32_t excl = (uint32_t)rng + 1u;
        uint64_t m = (uint64_t)pcg_next32(d->pcg) * excl;
        uint32_t left = (uint32_t)m;
        if (left < excl) {
            uint32_t thr = (uint32_t)(UINT32_MAX - (uint32_t)rng) % excl;
            while (left < thr) {
                m = (uint64_t)pcg_next32(d->pcg) * excl;
                left = (uint32_t)m;
            }
        }
        return m >> 32;
    }
    if (rng == UINT64_MAX)
        return d->mt ? mt_next64(d->mt) : pcg_next64(d->pcg);
    if (d->mt) {
        uint64_t v;
        while ((v = mt_next64(d->mt) & d->mask) > rng)
            ;
        return v;
    }
    uint64_t excl = rng + 1u;
    u128 m = (u128)pcg_next64(d->pcg) * excl;
    uint64_t left = (uint64_t)m;
    if (left < excl) {
        uint64_t thr = (UINT64_MAX - rng) % excl;
        while (left < thr) {
            m = (u128)pcg_next64(d->pcg) * excl;
            left = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

/* NumPy's legacy_standard_gamma (the legacy stream) and random_standard_gamma (a Generator):
 * Marsaglia and Tsang's method for shape > 1 from normals and uniforms; for 0 < shape < 1
 * Johnk-like rejection with exponentials (legacy: -log(1 - U); a Generator: its ziggurat);
 * shape 1 an exponential. */
static double draw_std_gamma(draw *d, double shape)
{
    if (shape == 1.0)
        return d->mt ? -log(1.0 - mt_double(d->mt)) : pcg_std_exp(d->pcg);
    if (shape == 0.0)
        return 0.0;
    if (shape < 1.0) {
        for (;;) {
            double U = d->mt ? mt_double(d->mt) : pcg_double(d->pcg);
            double V = d->mt ? -log(1.0 - mt_double(d->mt)) : pcg_std_exp(d->pcg);
            if (U <= 1.0 - shape) {
                double X = pow(U, 1. / shape);
                if (X <= V)
                    return X;
            } else {
                double Y = -log((1 - U) / shape);
                double X = pow(1.0 - shape + shape * Y, 1. / shape);
                if (X <= (V + Y))
                    return X;
            }
        }
    }
    double b = shape - 1. / 3., c = 1. / sqrt(9 * b);
    for (;;) {
        double X, V;
        do {
            X = d->mt ? mt_gauss(d->mt) : pcg_normal(d->pcg);
            V = 1.0 + c * X;
        } while (V <= 0.0);
        V = V * V * V;
        double U = d->mt ? mt_double(d->mt) : pcg_double(d->pcg);
        if (U < 1.0 - 0.0331 * (X * X) * (X * X))
            return (b * V);
        if (log(U) < 0.5 * X * X + b * (1. - V + log(V)))
            return (b * V);
    }
}

static double draw_u(draw *d) { return d->mt ? mt_double(d->mt) : pcg_double(d->pcg); }

/* NumPy's random_binomial_inversion: walk the probabilities from 0 until the uniform is used
 * up, starting again (a new uniform) past the bound. p <= 1/2 here. */
static int64_t binomial_inversion(draw *d, int64_t n, double p)
{
    double q = 1.0 - p, qn = exp((double)n * log(q)), np_ = (double)n * p;
    double lim = np_ + 10.0 * sqrt(np_ * q + 1);
    int64_t bound = (double)n < lim ? n : (int64_t)lim;
    int64_t x = 0;
    double px = qn, u = draw_u(d);
    while (u > px) {
        x++;
        if (x > bound) {
            x = 0;
            px = qn;
            u = draw_u(d);
        } else {
            u -= px;
            px = ((double)(n - x + 1) * p * px) / ((double)x * q);
        }
    }
    return x;
}

/* NumPy's random_binomial_btpe: Kachitvichyanukul and Schmeiser's BTPE (triangle,
 * parallelogram and exponential tails, then the recursive or Stirling acceptance test), with
 * NumPy's expressions in its order. p <= 1/2 here. */
static int64_t binomial_btpe(draw *d, int64_t n, double p)
{
    double r = p < 1.0 - p ? p : 1.0 - p, q = 1.0 - r, fm = (double)n * r + r;
    int64_t m = (int64_t)floor(fm);
    double p1 = floor(2.195 * sqrt((double)n * r * q) - 4.6 * q) + 0.5;
    double xm = (double)m + 0.5, xl = xm - p1, xr = xm + p1, c = 0.134 + 20.5 / (15.3 + (double)m);
    double a = (fm - xl) / (fm - xl * r), laml = a * (1.0 + a / 2.0);
    a = (xr - fm) / (xr * q);
    double lamr = a * (1.0 + a / 2.0), p2 = p1 * (1.0 + 2.0 * c), p3 = p2 + c / laml, p4 = p3 + c / lamr;
    double nrq = (double)n * r * q;
    for (;;) {
        double u = draw_u(d) * p4, v = draw_u(d);
        int64_t y;
        if (u <= p1) { /* the triangle: accepted at once */
            y = (int64_t)floor(xm - p1 * v + u);
            return y;
        }
        if (u <= p2) { /* the parallelograms */
            double x = xl + (u - p1) / c;
            v = v * c + 1.0 - fabs((double)m - x + 0.5) / p1;
            if (v > 1.0)
                continue;
            y = (int64_t)floor(x);
        } else if (u <= p3) { /* the left exponential tail */
            y = (int64_t)floor(xl + log(v) / laml);
            if (y < 0 || v == 0.0)
                continue;
            v = v * (u - p2) * laml;
        } else { /* the right one */
            y = (int64_t)floor(xr - log(v) / lamr);
            if (y > n || v == 0.0)
                continue;
            v = v * (u - p3) * lamr;
        }
        int64_t k = y > m ? y - m : m - y;
        if (!(k > 20 && (double)k < nrq / 2.0 - 1)) { /* f(y) / f(m) by the recursion */
            double s = r / q, aa = s * (double)(n + 1), F = 1.0;
            if (m < y)
                for (int64_t i = m + 1; i <= y; i++)
                    F *= (aa / (double)i - s);
            else if (m > y)
                for (int64_t i = y + 1; i <= m; i++)
                    F /= (aa / (double)i - s);
            if (v > F)
                continue;
            return y;
        }
        /* squeeze, then Stirling's formula for log(f(y) / f(m)) */
        double kd = (double)k;
        double rho = (kd / nrq) * ((kd * (kd / 3.0 + 0.625) + 0.16666666666666666) / nrq + 0.5);
        double t = -kd * kd / (2 * nrq), A = log(v);
        if (A < t - rho)
            return y;
        if (A > t + rho)
            continue;
        double x1 = (double)(y + 1), f1 = (double)(m + 1), z = (double)(n + 1 - m), w = (double)(n - y + 1);
        double x2 = x1 * x1, f2 = f1 * f1, z2 = z * z, w2 = w * w;
        if (A > (xm * log(f1 / x1) + ((double)(n - m) + 0.5) * log(z / w) + (double)(y - m) * log(w * r / (x1 * q)) +
                 (13680. - (462. - (132. - (99. - 140. / f2) / f2) / f2) / f2) / f1 / 166320. +
                 (13680. - (462. - (132. - (99. - 140. / z2) / z2) / z2) / z2) / z / 166320. +
                 (13680. - (462. - (132. - (99. - 140. / x2) / x2) / x2) / x2) / x1 / 166320. +
                 (13680. - (462. - (132. - (99. - 140. / w2) / w2) / w2) / w2) / w / 166320.))
            continue;
        return y;
    }
}

/* NumPy's random_binomial (a Generator: n == 0 or p == 0 draws nothing) and the legacy
 * stream's (which draws a uniform for them too): the smaller of p and 1 - p is drawn. */
static int64_t draw_binomial(draw *d)
{
    int64_t n = (int64_t)d->off;
    double p = d->a;
    if (d->pcg && (n == 0 || p == 0.0))
        return 0;
    if (p <= 0.5)
        return p * (double)n <= 30.0 ? binomial_inversion(d, n, p) : binomial_btpe(d, n, p);
    double q = 1.0 - p;
    return n - (q * (double)n <= 30.0 ? binomial_inversion(d, n, q) : binomial_btpe(d, n, q));
}

static double draw_f(draw *d)
{
    switch (d->kind) {
    case TYL_RK_SAMPLE: return d->mt ? mt_double(d->mt) : pcg_double(d->pcg);
    case TYL_RK_SAMPLE_F32: return pcg_float(d->pcg);
    case TYL_RK_GAUSS: return d->a + d->b * (d->mt ? mt_gauss(d->mt) : pcg_normal(d->pcg));
    case TYL_RK_GAUSS_F32: return pcg_normal_f(d->pcg);
    case TYL_RK_UNIFORM: return d->a + d->b * (d->mt ? mt_double(d->mt) : pcg_double(d->pcg));
    case TYL_RK_PYGAUSS: return d->a + py_gauss(d->mt) * d->b;
    case TYL_RK_GAMMA: return d->b * draw_std_gamma(d, d->a);
    case TYL_RK_PYINT: return (double)(int64_t)(d->off + py_randbelow(d->mt, d->rng + 1u));
    default: return (double)(int64_t)(d->off + draw_bounded(d));
    }
}

static int64_t draw_i(draw *d)
{
    if (d->kind == TYL_RK_BINOMIAL)
        return draw_binomial(d);
    if (d->kind == TYL_RK_PYINT)
        return (int64_t)(d->off + py_randbelow(d->mt, d->rng + 1u));
    return (int64_t)(d->off + draw_bounded(d));
}

double tyl_random_draw(int gen, int kind, double a, double b, const char *where)
{
    draw d;
    draw_init(&d, gen, kind, a, b, 0, 1, where);
    return draw_f(&d);
}

int64_t tyl_random_binomial(int gen, int kind, int64_t n, double p, const char *where)
{
    draw d;
    draw_init(&d, gen, kind, p, 0, n, 0, where);
    return draw_binomial(&d);
}

int64_t tyl_random_draw_int(int gen, int kind, int64_t lo, int64_t hi, const char *where)
{
    draw d;
    draw_init(&d, gen, kind, 0, 0, lo, hi, where);
    return draw_i(&d);
}

/* NumPy's random_interval: an int in [0, max] by masked rejection, 32-bit draws when max fits
 * in 32 bits; shuffles and permutations of both kinds of generator use it. */
static uint64_t draw_interval(draw *d, uint64_t max)
{
    if (max == 0)
        return 0;
    uint64_t m = max, v;
    for (int s = 1; s < 64; s *= 2)
        m |= m >> s;
    if (max <= 0xffffffffu) {
        while ((v = (d->mt ? mt_next32(d->mt) : pcg_next32(d->pcg)) & m) > max)
            ;
    } else {
        while ((v = (d->mt ? mt_next64(d->mt) : pcg_next64(d->pcg)) & m) > max)
            ;
    }
    return v;
}

/* Fisher-Yates over p[first..n-1] from the top, as NumPy's _shuffle_raw (random_interval) and
 * Generator's _shuffle_int (random_bounded_uint64: Lemire's) */
static void shuffle_ints(draw *d, int64_t *p, int64_t n, int64_t first, int lemire)
{
    for (int64_t i = n - 1; i >= first && i > 0; i--) {
        int64_t j;
        if (lemire) {
            d->rng = (uint64_t)i;
            j = (int64_t)draw_bounded(d);
        } else
            j = (int64_t)draw_interval(d, (uint64_t)i);
        int64_t t = p[i];
        p[i] = p[j];
        p[j] = t;
    }
}

/* Generator.choice(n, k, replace=False) of equally likely items: for a population of more than
 * 10000 of which more than a 50th is taken, a tail shuffle of arange(n) (the last k items);
 * otherwise Floyd's sample (a draw in [0, j] for j = n - k ... n - 1, j itself when the draw was
 * taken before) then a shuffle of the k items, both with Lemire's bounded draws. */
static void choice_gen(draw *d, int64_t *r, int64_t n, int64_t k, const char *where)
{
    if (n > 10000 && k > n / 50) {
        int64_t *p = malloc((size_t)n * sizeof *p);
        if (!p) {
            free(r);
            tyl_rt_error(where, "out of memory for random numbers");
        }
        for (int64_t i = 0; i < n; i++)
            p[i] = i;
        shuffle_ints(d, p, n, n - k > 1 ? n - k : 1, 1);
        memcpy(r, p + (n - k), (size_t)k * sizeof *r);
        free(p);
        return;
    }
    /* NumPy keeps the drawn values in an open-addressing set of 2^m >= 1.2 k slots; a set of
     * any layout gives the same sample */
    uint64_t cap = 1;
    while (cap < (uint64_t)(1.2 * (double)k) + 1u)
        cap *= 2;
    cap *= 2;
    uint64_t *set = malloc(cap * sizeof *set);
    if (!set) {
        free(r);
        tyl_rt_error(where, "out of memory for random numbers");
    }
    memset(set, 0xff, cap * sizeof *set);
    for (int64_t j = n - k; j < n; j++) {
        d->rng = (uint64_t)j;
        uint64_t v = draw_bounded(d), h = v & (cap - 1);
        while (set[h] != UINT64_MAX && set[h] != v)
            h = (h + 1) & (cap - 1);
        if (set[h] == v) { /* taken before: j instead (never in the set: all values are < j) */
            v = (uint64_t)j;
            h = v & (cap - 1);
            while (set[h] != UINT64_MAX)
                h = (h + 1) & (cap - 1);
        }
        set[h] = v;
        r[j - (n - k)] = (int64_t)v;
    }
    free(set);
    shuffle_ints(d, r, k, 1, 1);
}

/* TYL_RK_PERM and TYL_RK_CHOICE: every rank computes the whole index array (the streams stay
 * in step) and keeps its block. */
static void fill_perm(draw *d, int64_t n, tyl_array *arr, const char *where)
{
    int64_t k = arr->shape[0];
    if (d->kind == TYL_RK_CHOICE && k > 0 && n <= 0) /* NumPy's messages, legacy's and Generator's */
        tyl_rt_error_all(where, d->mt ? "ValueError: a must be greater than 0 unless no samples are taken"
                                      : "ValueError: a must be a positive integer unless no samples are taken");
    if (d->kind == TYL_RK_CHOICE && k > n)
        tyl_rt_error_all(where, d->mt ? "ValueError: Cannot take a larger sample than population when 'replace=False'"
                                      : "ValueError: Cannot take a larger sample than population when replace is False");
    if (n < 0) /* permutation(-1): arange(-1) is empty */
        n = 0;
    int64_t *r = malloc((size_t)(n > k ? n : k > 0 ? k : 1) * sizeof *r);
    if (!r)
        tyl_rt_error(where, "out of memory for random numbers");
    if (d->kind == TYL_RK_PYPERM) { /* random.shuffle: j = _randbelow(i + 1) */
        for (int64_t i = 0; i < n; i++)
            r[i] = i;
        for (int64_t i = n - 1; i > 0; i--) {
            int64_t j = (int64_t)py_randbelow(d->mt, (uint64_t)i + 1u), t = r[i];
            r[i] = r[j];
            r[j] = t;
        }
    } else if (d->kind == TYL_RK_PERM || d->mt) { /* legacy choice: permutation(n)[:k] */
        for (int64_t i = 0; i < n; i++)
            r[i] = i;
        shuffle_ints(d, r, n, 1, 0);
    } else if (k > 0)
        choice_gen(d, r, n, k, where);
    if (arr->n[0] > 0)
        tyl_mem_from_host(arr->data, r + arr->lo[0], (size_t)arr->n[0] * sizeof *r);
    free(r);
    tyl_dirty(arr);
}

void tyl_random_fill(int gen, int kind, double a, double b, int64_t lo, int64_t hi, tyl_array *arr,
                     const char *where)
{
    draw d;
    tyl_dtype dt = arr->dtype;
    int rank = arr->rank;
    draw_init(&d, gen, kind, a, b, lo, hi, where);
    kind = d.kind;
    if (kind == TYL_RK_PERM || kind == TYL_RK_CHOICE || kind == TYL_RK_PYPERM) {
        fill_perm(&d, lo, arr, where);
        return;
    }
    size_t el = tyl_dtype_size(dt);
    int64_t inner = rank ? arr->n[rank - 1] : 1;
    char *row = malloc((size_t)(inner > 0 ? inner : 1) * el);
    if (!row)
        tyl_rt_error(where, "out of memory for random numbers");
    /* walk the global array in C order; elements in the owned block go into `row` and each
     * finished row of the block is copied into place */
    int64_t idx[TYL_MAX_RANK] = {0};
    int64_t total = arr->size;
    int64_t inrow = 0;
    for (int64_t i = 0; i < total; i++) {
        int mine = 1;
        for (int k = 0; k < rank; k++)
            mine &= idx[k] >= arr->lo[k] && idx[k] < arr->lo[k] + arr->n[k];
        int64_t iv = 0;
        double fv = 0.0;
        if (kind == TYL_RK_INT || kind == TYL_RK_PYINT || kind == TYL_RK_BINOMIAL)
            iv = draw_i(&d);
        else
            fv = draw_f(&d);
        if (mine) {
            void *p = row + (size_t)inrow * el;
            switch (dt) {
            case TYL_INT64: *(int64_t *)p = iv; break;
            case TYL_INT32: *(int32_t *)p = (int32_t)iv; break;
            case TYL_INT8: *(int8_t *)p = (int8_t)iv; break;
            case TYL_UINT8: *(uint8_t *)p = (uint8_t)iv; break;
            case TYL_INT16: *(int16_t *)p = (int16_t)iv; break;
            case TYL_UINT16: *(uint16_t *)p = (uint16_t)iv; break;
            case TYL_UINT32: *(uint32_t *)p = (uint32_t)iv; break;
            case TYL_UINT64: *(uint64_t *)p = (uint64_t)iv; break;
            case TYL_FLOAT32: *(float *)p = (float)fv; break;
            case TYL_FLOAT64: *(double *)p = fv; break;
            default: *(bool *)p = iv != 0; break;
            }
            if (++inrow == inner) {
                int64_t off = 0;
                for (int k = 0; k + 1 < rank; k++)
                    off += (idx[k] - arr->lo[k]) * arr->stride[k];
                tyl_mem_from_host((char *)arr->data + (size_t)off * el, row, (size_t)inner * el);
                inrow = 0;
            }
        }
        for (int k = rank - 1; k >= 0; k--) {
            if (++idx[k] < arr->shape[k])
                break;
            idx[k] = 0;
        }
    }
    free(row);
    tyl_dirty(arr);
}
