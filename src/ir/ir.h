/* ir.h: the stencil IR.
 *
 * A program is scalar code (assignments, loops, conditions, prints) around SWEEPS. A sweep
 * writes one view of one array over a box of indices; its value is an elementwise expression
 * whose leaves are READS of array views (an affine map from the box index to the array index:
 * index_d = lo_d + step_d * i_box(d), or a fixed index), sweep indices (np.fromfunction), and
 * scalar subexpressions evaluated once before the sweep.
 *
 * Arrays are held in SLOTS (ir_var with is_array): C variables holding a reference-counted
 * tyl_array*. Python names bind to slots, so "names are references" holds as in NumPy.
 *
 * Every node has a source location. Constructors assert their invariants (a failed assertion
 * is an internal error, never a user diagnostic). ir_verify() checks a whole program and runs
 * after each pass in debug builds.
 */
#ifndef TYL_IR_H
#define TYL_IR_H

#include <stdint.h>
#include <stdio.h>

#include "../util/diag.h"
#include "../runtime_mpi/tyles.h"
#include "../util/util.h"

/* The generated code indexes the run-time library's per-dimension tables: one limit for both. */
#define IR_MAX_RANK TYL_MAX_RANK
#define IR_ZONE_WORDS TYL_ZONE_WORDS    /* 64-bit words of halo-zone bits (3^rank zones) */
/* Sweeps in one S_FUSED group at most: the emitters keep a kernel's targets in a fixed array
 * (kctx.sw) and the schedule marks them in unsigned bit masks (ir_sched.dirty and .stream,
 * tyl_sweep.dirty at run time), one bit per target. */
#define IR_FUSE_MAX 16
_Static_assert(IR_FUSE_MAX <= sizeof(unsigned) * 8, "a fused group's targets fit an unsigned mask");

/* Element and scalar types. Same order as tyl_dtype in the runtime. */
typedef enum ir_type { T_BOOL, T_I32, T_I64, T_F32, T_F64, T_I8, T_U8, T_I16, T_U16, T_U32, T_U64 } ir_type;
enum { IR_NTYPES = T_U64 + 1 };
const char *ir_type_name(ir_type t);   /* "bool", "int32", ..., NumPy's names */
const char *ir_type_c(ir_type t);      /* "bool", "int32_t", ..., "double" */
int ir_type_is_float(ir_type t);
int ir_type_is_int(ir_type t);      /* the signed and unsigned integers (not bool) */
int ir_type_is_unsigned(ir_type t);
int ir_type_bits(ir_type t);

/* Operators of E_BIN / E_UN. */
typedef enum ir_op {
    OP_ADD, OP_SUB, OP_MUL, OP_TRUEDIV, OP_FDIV, OP_MOD, OP_POWER,
    OP_CLT, OP_CLE, OP_CGT, OP_CGE, OP_CEQ, OP_CNE,
    OP_LAND, OP_LOR,          /* scalar short-circuit and/or (operands bool) */
    OP_BAND, OP_BOR, OP_BXOR, /* & | ^ (bool or int) */
    OP_SHL, OP_SHR,           /* << >> (int): NumPy's shifts; py: Python's (exact, count >= 0) */
    OP_MIN, OP_MAX,           /* Python min()/max() of two scalars */
    OP_NPMIN, OP_NPMAX,       /* np.minimum / np.maximum: NaN propagates */
    OP_NEG, OP_POS, OP_LNOT, OP_BNOT, OP_ABS, /* unary */
} ir_op;
const char *ir_op_name(ir_op op);

/* Math functions of E_CALL. */
typedef enum ir_fn {
    FN_SQRT, FN_EXP, FN_LOG, FN_SIN, FN_COS, FN_TAN, FN_TANH, FN_FLOOR, FN_CEIL,
    FN_ASIN, FN_ACOS, FN_ATAN, FN_SINH, FN_COSH, FN_ASINH, FN_ACOSH, FN_ATANH, FN_LOG10,
    FN_LOG2, FN_EXP2, FN_EXPM1, FN_LOG1P, FN_CBRT, FN_TRUNC, FN_RINT, FN_ERF, FN_ERFC, /* libm, one argument */
    FN_ATAN2, FN_HYPOT, FN_COPYSIGN, FN_FMOD,                          /* libm, two arguments */
    FN_FMA,       /* args: x, y, z: libm's fma, x * y + z rounded once (NumPy's complex multiply
                     and absolute value on FMA machines, lower_complex.c) */
    FN_POW,       /* args: x, y (floats): C's pow (math.pow) */
    FN_CMATH,     /* args: re, im (float64), code(const): part code & 1 (0 real, 1 imaginary) of
                     libm's csqrt (code >> 1 == 0), clog (1) or cexp (2) of re + im j, or of
                     NumPy's npy_cpow (3: args re, im, then the exponent's re, im before code):
                     NumPy's complex sqrt, log, exp and power (lower_complex.c); of type
                     float32 (complex64: re, im float32, codes 0-5): csqrtf, clogf, cexpf */
    FN_WALLTIME,  /* args: kind(const) 0 time.time, 1 time.perf_counter: rank 0's clock, the
                     same on every rank (a condition on it must not split the ranks) */
    FN_SIGN,      /* np.sign: -1, 0 or 1 (NaN stays NaN, -0.0 gives 0.0) */
    FN_I0,        /* np.i0 of a float64 or float32: NumPy's own Chebyshev series (tyles_libm.h) */
    FN_SLICE_LO,  /* args: extent, start, stop, step, flags(const): first index of a slice */
    FN_SLICE_LEN, /* same args: number of elements of a slice */
    FN_INDEX,     /* args: extent, index, axis(const): normalised integer index, checked */
    FN_INDEX_NN,  /* FN_INDEX of an index known >= 0 (pass_bounds): only index < extent checked */
    FN_PYINT,     /* args: a float: Python's int() (errors for inf, nan and what int64 cannot hold) */
    FN_PYROUND,   /* args: a float64, ndigits (int64, 0 to 323): Python's round(x, ndigits), the
                     decimal correctly rounded (ties to even) read back; host code only */
    FN_NONEMPTY,  /* args: count, value, is_max(const): value, after an error if count is 0 (a
                     max or min of an empty selection has no identity) */
} ir_fn;
const char *ir_fn_name(ir_fn fn);

typedef struct ir_var ir_var;
typedef struct ir_expr ir_expr;
typedef struct ir_stmt ir_stmt;
typedef struct ir_view ir_view;

/* How the arrays a slot holds are laid out over MPI ranks (pass_dist, pass_halo). One per alias
 * class of slots: slots that may share a buffer share a layout. */
typedef struct ir_layout {
    int id;                     /* number of its table in the generated code */
    int dist;                   /* 1: block-distributed over the process grid; 0: replicated */
    int hl[IR_MAX_RANK], hh[IR_MAX_RANK]; /* halo layers below / above the owned block */
    unsigned periodic;          /* bit d: dimension d's halo wraps around (np.roll reads) */
    int deep;                   /* pass_sched_timetile widened hl/hh for deep halos; sl/sh: the
                                   halo one step reads (what exchanges outside a group send) */
    int sl[IR_MAX_RANK], sh[IR_MAX_RANK];
    int align;                  /* pass_dist: blocks aligned with the layouts related to it by
                                   constant offsets (its group): along d the array's extent is the
                                   group's base extent + ak[d] and each interior block boundary
                                   the base's + as[d] (0 <= as <= ak), see docs/DISTRIBUTION.md */
    int ak[IR_MAX_RANK], as[IR_MAX_RANK];
    unsigned whole;             /* pass_dist: bit d, axis d is a component axis kept whole on
                                   every rank (an LBM field's 9 directions, the 3 variables of a
                                   (3, n) stack); the other axes take the grid's axes in order */
} ir_layout;

/* What a sweep, fused group or reduction needs before it runs on distributed arrays
 * (pass_halo). */
typedef struct ir_halo {
    int n;                      /* exchanges: slot[i]'s halo zones zones[i] (bit z: zone z) */
    struct ir_var **slot;
    uint64_t (*zones)[IR_ZONE_WORDS];
    int shl[IR_MAX_RANK], shh[IR_MAX_RANK]; /* per box dimension: points near the block's edges
                                   (below / above) whose reads touch the halo */
} ir_halo;

/* A scalar variable or an array slot. */
struct ir_var {
    const char *name;     /* C identifier, unique in the program */
    const char *pyname;   /* Python name it came from (for messages and dumps) */
    ir_type type;         /* scalar type, or element type of the slot */
    int rank;             /* slots: rank of the arrays it holds; scalars: 0 */
    unsigned is_array : 1;
    unsigned is_param : 1;   /* run-time overridable parameter (scalars only) */
    ir_expr *init;        /* parameters: the default value (E_CONST) */
    int id;               /* creation order, for deterministic output */
    int alias_class;      /* slots: set by pass_copysem (union of possibly-aliased slots) */
    ir_layout *layout;    /* slots: set by pass_dist */
    int chain;            /* slots: pass_inline_temps left this temporary to pass_fuse_stages
                             (a stage of a chain), which stages it or inlines it */
};

typedef enum ir_ekind {
    E_CONST,  /* type; c.i (ints, bools) or c.f (floats) */
    E_VAR,    /* var (scalar) */
    E_BIN,    /* op, a, b; py: Python scalar semantics (errors on zero division) */
    E_UN,     /* op, a */
    E_CAST,   /* a converted to type */
    E_CALL,   /* fn, args[nargs] */
    E_SELECT, /* a ? b : c (b, c of the node's type) */
    E_SHAPE,  /* var (slot), dim: run-time extent of the array in the slot */
    E_ELEM,   /* var (slot), args[rank] = normalised indices: one element, as a scalar; view
                 (may be NULL): the element as a view of D_FIXED dimensions with the front
                 end's compile-time facts (slo, aext), for pass_elems */
    E_READ,   /* view: the element of the view at the sweep point (inside sweeps only) */
    E_INDEX,  /* dim: the sweep index along box dimension dim, as type (np.fromfunction) */
} ir_ekind;

struct ir_expr {
    ir_ekind kind;
    ir_type type;
    loc l;
    ir_op op;
    ir_fn fn;
    unsigned py : 1;
    union { int64_t i; double f; } c;
    ir_var *var;
    int dim;
    ir_expr *a, *b, *cc;
    ir_expr **args;
    int nargs;
    ir_view *view;
};

/* One array dimension of a view. */
typedef enum ir_dkind {
    D_RANGE, /* lo, step, len: indices lo + step*k for k in [0, len); box = sweep dim or -1
                (broadcast: the length is 1 and the index stays lo) */
    D_FIXED, /* lo: a single normalised index (the dimension is dropped from the view) */
} ir_dkind;

typedef struct ir_dim {
    ir_dkind kind;
    ir_expr *lo, *step, *len;   /* D_FIXED: lo only */
    int box;                    /* D_RANGE: box dimension iterated, -1 for broadcast */
    ir_expr *wrap;              /* D_RANGE of np.roll: the extent; indices are taken modulo it */
    int64_t step_c;             /* step when known at compile time, else 0 */
    /* Compile-time facts from the front end, used by passes (NULL when unknown). */
    const struct sym *slo, *slen;
    const struct sym *aext;     /* the extent of the array itself along this dimension */
    int ranged;                 /* pass_dist: a wrap (np.roll) whose lo is not a constant but
                                   lies in [rlo, rhi] (a shift from a constant table, ir_range.c) */
    int64_t rlo, rhi;
} ir_dim;

struct ir_view {
    ir_var *arr;                 /* the slot */
    int rank;                    /* = arr->rank: one ir_dim per array dimension */
    ir_dim dim[IR_MAX_RANK];
    int vrank;                   /* number of D_RANGE dimensions (the view's own rank) */
    loc l;
};

/* A temporary a sweep computes per tile instead of reading a whole array of it
 * (pass_fuse_stages): the sweep's `staged` value reads `slot` at points.lo + constant offsets;
 * `slot` itself is never allocated. */
typedef struct ir_stage {
    ir_var *slot;               /* the temporary T */
    ir_expr *f;                 /* T's value at its own index (as its removed sweep wrote it) */
    ir_expr *fc;                /* the same at T index lo + box point: f's reads shifted by lo */
    int64_t spread[IR_MAX_RANK];/* per box dimension: highest offset - lowest offset of T reads */
    int nreads;                 /* the views of T that `staged` reads, and their offsets */
    ir_view **reads;
    int64_t (*off)[IR_MAX_RANK];
} ir_stage;

/* Runtime check kinds of S_CHECK. */
typedef enum ir_check {
    CK_BCAST,  /* operands could not be broadcast: shapes a[0..na), b[0..nb) */
    CK_ASSIGN, /* could not broadcast input array from shape a into shape b */
    CK_NONNEG, /* a[0] >= 0 (array extents) */
    CK_MASK,   /* a boolean index's extents a equal the indexed array's leading extents b */
    CK_ALLOC,  /* an array of extents a and element type e->type (e: a constant) that NumPy
                  allocates and the program does not (pass_inline_temps) could be allocated */
    CK_SLICE,  /* a slice compiled unclipped (lower_index.c check_unclipped) is: the runtime's
                  tyl_slice_fits(extent a[0], start a[1], stop a[2], step a[3] (a constant),
                  flags init (TYL_HAS_*, TYL_SF_*)) stops naming the slice str, axis n, its bounds
                  as written strs[0], strs[1] and the extent assumed strs[2]; strs[3]: the
                  assumption's key (NULL: not known), one check of each kept */
} ir_check;

typedef enum ir_skind {
    S_ASSIGN,  /* var = e (scalar) */
    S_ALLOC,   /* var (slot) = new array of var->type, shape[var->rank]; init: 0 none, 1 zeros,
                  2 fill with e (scalar), 3 copy of src slot (same shape) */
    S_BIND,    /* n pairs: dst[k] = src[k] (slots), all sources read before any write; each
                  bound name takes a new reference. move: sources are temporaries handed over */
    S_RELEASE, /* var (slot) = NULL, releasing its reference */
    S_SWEEP,   /* target view = value (elementwise, type = target element type) over the box
                  of the target's D_RANGE dims; fresh: target was allocated just before and
                  aliases nothing (2: and is a np.linspace/np.arange, recomputed where only
                  read: pass_inline_temps); mode set by pass_copysem */
    S_SETELEM, /* var[args] = e (args are normalised indices) */
    S_FOR,     /* var in range(e, e2, e3): body */
    S_IF,      /* e: body, orelse */
    S_WHILE,   /* e: body */
    S_BREAK,
    S_CONTINUE,
    S_PRINT,   /* items: E_* scalars (args[k]), strings (strs[k]) or whole arrays (pslots[k],
                  printed as NumPy does: str(u), or repr(u) with IR_PR_REPR), sep, end; an
                  item with IR_PR_GLUE has no sep before it (the pieces of an f-string) */
    S_SAVE,    /* str = file name (or run-time string sbuf), var = slot; init: 0 np.save (a .npy),
                  1 member n of na of np.savez (end = its name; the last closes the .npz),
                  2 np.savetxt (strs[0..6]: fmt, the message when the columns do not match its
                  n conversions (n = 0: one conversion, repeated), delimiter, newline, header,
                  footer, comments; pspec[0..1]: k > 0: the header / footer is run-time string k),
                  3 np.save of a complex128 array: var is float64 (..., 2), the parts side by
                  side, written as complex128 (...) */
    S_CHECK,   /* check kind; shapes in args (a: na, b: nb) */
    S_RAISE,   /* e (bool): when true, the program stops with str ("AssertionError: ...",
                  "ValueError: ..."), as Python's uncaught exception, exit status 1;
                  init = 1: sys.exit instead: the program ends as at its end, with exit
                  status e2 (int64), after printing str (NULL: nothing) on stderr */
    S_REDUCE,  /* var = reduction `op` (OP_ADD sum, OP_NPMAX, OP_NPMIN) of the elementwise e over
                  the box shape[n]; e->type is the accumulation type = var->type; sel: a sum of
                  a selection a[m] (e is E_SELECT(m, a, 0): NumPy sums the selected points
                  compressed in C order, a tree of its own) */
    S_LOAD,    /* var (slot) = np.load(str) of var->type and var->rank; bit d of init: the
                  compiler took extent 1 along axis d from the file it saw (it broadcasts) */
    S_ROTATE,  /* var (X) takes src_slot's (Y's) buffer, Y gets a new one, and Y's elements
                  outside the view `target` (step 1) are copied from X (pass_rotate), unless
                  ring_rewritten: the statements after the update write them all before any
                  read of Y (the copy is then made only inside a recorded time-tiled group) */
    S_FUSED,   /* body: 2 to IR_FUSE_MAX S_SWEEPs over one box, computed point by point in
                  one loop nest (pass_fuse) */
    S_RANDOM,  /* NumPy random stream n (0: the legacy global RandomState; k >= 1: the k-th
                  np.random.default_rng Generator; -k: the k-th np.random.RandomState), init = ir_rkind: R_SEED seeds it with e
                  (NULL: from the clock); otherwise var (a whole slot, allocated before) is filled
                  in C order of the global array, or var (a scalar) takes one draw; parameters
                  e, e2 (R_GAUSS: loc, scale; R_UNIFORM: low, high; R_INT: low, high as int64;
                  R_PERM, R_CHOICE: e the population as int64);
                  na = 1: a seed comes before the draw in program order, so a stream found
                  unseeded at run time lost its state to a restart */
    S_PRINTOPT,/* np.set_printoptions: n = 5, pspec[0..4] = precision, threshold (-2: never
                  summarise), edgeitems, linewidth, suppress; -1 leaves one as it is */
    S_OS,      /* an os call on rank 0 (tyl_os.c) on the path str (sbuf k > 0: run-time string
                  k): init = IR_OS_*; makedirs: n = exist_ok; the path tests set var (bool);
                  IR_OS_PRINTTO: print's stream n (1 stdout, 2 stderr) */
    S_FFT,     /* numpy.fft (lower_fft.c, the runtime's tyl_fft): var (a new float64 slot) = the
                  transforms of e (int64) points of each line of src_slot (float64), the first
                  e2 (int64) of each kept; init = TYL_FFT_* flags: src_slot is (..., m) real
                  data (IR_FFT_REAL_IN) or (..., m, 2) real and imaginary parts; var is (..., n)
                  real (IR_FFT_REAL_OUT: irfft) or (..., e2, 2), the "..." and the transformed
                  axis (bits IR_FFT_AXIS_SHIFT up of init) in the data's order (no transposed
                  copies). Both slots are distributed like the fields (the parts' axis a
                  component axis) or both whole on every rank (pass_dist) */
} ir_skind;

/* S_FFT's flags: the runtime's TYL_FFT_* (tyles.h). */
enum { IR_FFT_INVERSE = 1, IR_FFT_REAL_IN = 2, IR_FFT_REAL_OUT = 4, IR_FFT_NORM_SHIFT = 3, IR_FFT_AXIS_SHIFT = 5 };

/* What S_OS does. */
enum { IR_OS_MAKEDIRS, IR_OS_MKDIR, IR_OS_EXISTS, IR_OS_ISDIR, IR_OS_ISFILE,
       IR_OS_PRINTTO, /* print(file=sys.stderr): n = 2, then n = 1 (no path) */
       IR_OS_ARGC,    /* var (int64) = len(sys.argv) (no path) */
       IR_OS_ARGV,    /* run-time string sbuf = sys.argv[e] (IndexError outside it) */
       IR_OS_STRINT,  /* var (int64) = int(run-time string sbuf), Python's ValueError */
       IR_OS_STRFLOAT,/* var (float64) = float(run-time string sbuf) */
       IR_OS_STREQ,   /* var (bool) = run-time string sbuf == str (NULL: run-time string n) */
       IR_OS_FOPEN,   /* open(path, "w") as file n (1..): print's stream 100 + n writes to it */
       IR_OS_FAPPEND, /* open(path, "a") as file n */
       IR_OS_FCLOSE,  /* file n closed (no path) */
       IR_OS_TEXT     /* text read from a file and str methods of run-time strings: na = IR_TX_* */ };

/* IR_OS_TEXT's operations (the runtime's tyl_textread.c). Fields: n the file (OPEN .. LINES) or
 * the run-time string read (SPLIT .. LEN); nb the split table (LINES .. UNPACK); sbuf the string
 * set (READ, READLINE, ITEM, STRIP .. UPPER, REPR, FORMAT) or OPEN's path when built at run time; str OPEN's
 * path, the separator (SPLIT, PARTITION; NULL: whitespace), the characters stripped (NULL:
 * whitespace) or the text looked for (STARTS, ENDS, CONTAINS); e maxsplit (SPLIT), the index
 * (ITEM) or the count (UNPACK), int64; var the result (COUNT, LEN: int64; STARTS .. CONTAINS:
 * bool). */
enum { IR_TX_OPEN, IR_TX_CLOSE, IR_TX_READ, IR_TX_READLINE, IR_TX_LINES, IR_TX_SPLIT, IR_TX_SPLITLINES,
       IR_TX_KEEPENDS, IR_TX_PARTITION, IR_TX_COUNT, IR_TX_ITEM, IR_TX_UNPACK, IR_TX_STRIP, IR_TX_LSTRIP,
       IR_TX_RSTRIP, IR_TX_LOWER, IR_TX_UPPER, IR_TX_STARTS, IR_TX_ENDS, IR_TX_CONTAINS, IR_TX_LEN,
       IR_TX_REPR,  /* sbuf = repr(string n) */
       IR_TX_FORMAT, /* sbuf = format(string n, str), a spec the compiler checked */
       /* dicts of numbers keyed by run-time strings (tyl_sdict.c): n the dict, the key str or
        * run-time string sbuf */
       IR_TX_DNEW,  /* dict n = {} */
       IR_TX_DSET,  /* dict n[key] = e (float64 or int64) */
       IR_TX_DGET,  /* var (float64 or int64) = dict n[key], Python's KeyError */
       IR_TX_DHAS,  /* var (bool) = key in dict n */
       IR_TX_DLEN   /* var (int64) = len(dict n) */ };

/* S_PRINT item flags. */
enum {
    IR_PR_REPR = 1,
    IR_PR_GLUE = 2,
    IR_PR_STRBUF = 4, /* a string item (strs[k] "") whose text is run-time string pspec[k] */
};

/* S_RANDOM's generator number of Python's random module (the runtime's TYL_PYRANDOM) */
enum { IR_PYRANDOM = -1000000 };

/* What S_RANDOM does; same order as TYL_RK_* in the runtime (R_SEED aside). */
typedef enum ir_rkind {
    R_SAMPLE, R_SAMPLE_F32, R_GAUSS, R_UNIFORM, R_INT, R_GAUSS_F32,
    R_PERM,   /* var (1-D int64 of length e) = shuffle(arange(e)): NumPy's Fisher-Yates */
    R_CHOICE, /* var (1-D int64) = choice(e, len(var), replace=False): legacy permutation(e)[:k],
                 Generator Floyd's sample then a shuffle (or a tail shuffle) */
    R_PYINT,  /* Python's random module (n = TYL_PYRANDOM): an int in [e, e2) by _randbelow */
    R_PYGAUSS,/* Python's random.gauss(e, e2) */
    R_PYPERM, /* var (1-D int64 of length e) = Python's random.shuffle of arange(e) */
    R_GAMMA,  /* e2 * standard gamma(e): NumPy's gamma(shape=e, scale=e2) */
    R_BINOMIAL, /* an int64 binomial(n=e, p=e2) (e int64, e2 float64) */
    R_SEED
} ir_rkind;

typedef enum ir_mode {
    M_DIRECT,   /* write the target in place: no read overlaps the written elements except the
                   same elements (pointwise) */
    M_BUFFERED, /* a read overlaps the target at another offset: compute into a scratch box,
                   then copy into the target (NumPy's evaluate-then-assign) */
    M_CHECKED,  /* a read's slot may hold the target's buffer at run time: decide at run time */
} ir_mode;

struct ir_stmt {
    ir_skind kind;
    loc l;
    const char *src;     /* source text of the statement, for comments in generated code */
    ir_var *var;
    ir_expr *e, *e2, *e3;
    ir_expr **shape;     /* S_ALLOC: var->rank extents */
    int init;            /* S_ALLOC; S_LOAD: axes of extent 1 */
    ir_var *src_slot;    /* S_ALLOC copy */
    ir_var **dst, **srcs;/* S_BIND */
    int n;               /* S_BIND pairs, S_PRINT items, S_SETELEM/S_CHECK counts */
    int move;            /* S_BIND */
    ir_view *target;     /* S_SWEEP */
    ir_mode mode;        /* S_SWEEP */
    int fresh;           /* S_SWEEP */
    int ring_rewritten;  /* S_ROTATE: Y's elements outside target are written again before
                            they are read (pass_rotate): no copy of them in a plain step */
    int replace;         /* S_SWEEP, M_BUFFERED: the target is a whole array no other slot may
                            hold, so the new values go to a new buffer that replaces it */
    int id;              /* S_SWEEP, S_FUSED, S_REDUCE: number of the kernel (pass_sched_ids) */
    ir_expr **args;      /* S_SETELEM indices; S_PRINT items; S_CHECK shapes */
    ir_view *eview;      /* S_SETELEM: the element as a view (as E_ELEM's view), or NULL */
    const char **strs;   /* S_PRINT: string items (NULL for expression items) */
    const char *str;     /* S_SAVE file name; S_PRINT sep */
    const char *end;     /* S_PRINT end */
    ir_var **pslots;     /* S_PRINT: the array of each item, or NULL (pslots itself may be NULL) */
    ir_view **pviews;    /* S_PRINT: the part of pslots[k] printed (a view of it: D_RANGE dims in
                            box order, no wrap, no broadcast), NULL for the whole array */
    unsigned char *pflags; /* S_PRINT: IR_PR_* of each item (may be NULL: none) */
    const char **pfmt;   /* S_PRINT: Python's format spec of scalar item k (NULL or NULL entry:
                            str() of it; a spec the compiler checked) */
    int *pspec;          /* S_PRINT: k > 0: the spec of scalar item k is run-time string k
                            instead (built before; a nested field, f"{x:.{p}f}") */
    int sbuf;            /* S_PRINT: 0 prints; k > 0 builds run-time string k instead (items
                            strings and scalars, no sep, no end: an f-string, '%', .format());
                            S_SAVE: k > 0: the file name is string k, else str;
                            S_RAISE: k > 0: the message is str followed by string k;
                            S_OS: k > 0: the path is string k */
    ir_check check;      /* S_CHECK */
    int once;            /* S_CHECK CK_SLICE: k > 0: run only the first time it is reached after
                            its loop's entry, when flag k says not yet (pass_checks_once) */
    vec onces;           /* S_FOR, S_WHILE: the flags (k as intptr_t) of the checks in the body
                            it sets to "not checked yet" on entry (pass_checks_once) */
    ir_op op;            /* S_REDUCE */
    int sel;             /* S_REDUCE: a float sum of a selection a[m] (see S_REDUCE) */
    const struct tyl_txt_opts *txt; /* S_LOAD: np.loadtxt / np.genfromtxt of the text file str, read
                            with these options (tyl_txtparse.h); NULL: a .npy file */
    int cast;            /* S_REDUCE: a float sum of elements NumPy converts to var->type in its
                            8192-element buffer (dtype=float64 of float32 or integers): a
                            contiguous run is cut every 8192 points too (tyl_reduce.c) */
    int row;             /* S_REDUCE: one row of a sum along the last axis, at indices a loop
                            over the rows changes (lower_reduce.c rows_exact): its anchor reads
                            its own points, so pass_dist keeps the array distributed;
                            S_SETELEM: the store of that row's sum, which every rank has: the
                            owner stores it, so the result may stay distributed too */
    int na, nb;          /* S_CHECK; S_RANDOM: na: the stream is seeded before the draw; nb:
                            R_INT of a narrow dtype, the bits of each draw (8, 16; 1 for bool) */
    vec body, orelse;    /* ir_stmt* */
    ir_halo *halo;       /* S_SWEEP, S_FUSED, S_REDUCE: set by pass_halo (NULL: no exchange) */
    ir_view *anchor;     /* S_REDUCE: the read whose distribution splits the box over the ranks
                            (pass_halo; NULL: every rank reduces the whole box) */
    int aliased;         /* S_FUSED: two targets may share memory (one alias class), so the
                            kernel's pointers must not be restrict (pass_fuse) */
    /* S_FOR, S_WHILE at the top level (lower.c): ck_n array slots bound on entry, and their
     * extents as expressions of the parameters (IR_MAX_RANK per slot, NULL where an extent does
     * not follow from them). A restart refuses a checkpoint whose arrays disagree. */
    int ck_n;
    ir_var **ck_slot;
    int made;            /* S_FOR, S_WHILE: a loop the lowering made to compute a NumPy
                            operation (np.histogram's or np.interp's prelude definition, a
                            reduction along an axis, a list's search): not a loop of the
                            program, so never a time loop (pass_sched_steps) */
    ir_expr **ck_shape;
    struct ir_sched *sched; /* the schedule level (sched.h): kernels and loops, pass_sched_* */
    /* S_SWEEP (pass_fuse_stages): temporaries computed per tile (ir_stage*); `staged` is the
     * value reading them, e the same value with them inlined (what every pass sees) */
    vec stages;
    ir_expr *staged;
};

/* The array slot printed as item k of an S_PRINT, or NULL (a scalar or a string). */
static inline ir_var *ir_print_slot(const ir_stmt *s, int k) { return s->pslots ? s->pslots[k] : 0; }
/* The scalar expression printed as item k of an S_PRINT, or NULL. */
/* The view printed as item k of an S_PRINT, or NULL (whole array, or not an array). */
static inline ir_view *ir_print_view(const ir_stmt *s, int k) { return s->pviews ? s->pviews[k] : 0; }
#define IR_PRINT_EXPR(s, k) ((s)->strs[k] || ir_print_slot((s), (k)) ? (ir_expr *)0 : (s)->args[k])

/* A view a loop carries in its slot with its bounds in scalars (lower_carry.c lw_carry_view):
 * along the slot's dimension dim it starts at lo, steps by st and has len points (st, len NULL
 * for a fixed index). A restart checks a checkpoint's values against the array it restores. */
typedef struct ir_carried_view {
    ir_var *slot;
    int dim;
    ir_var *lo, *st, *len;
} ir_carried_view;

typedef struct ir_program {
    const char *source;  /* .tyl file name */
    vec params;          /* ir_var* parameters, in source order */
    vec body;            /* ir_stmt* */
    int nvars;           /* ids handed out */
    int grid_rank;       /* pass_dist: rank of the distributed arrays (0: none) */
    int dist_plain;      /* set before pass_dist: no aligned blocks (library mode: the
                            application's arrays come with plain blocks) */
    vec layouts;         /* ir_layout*: pass_dist */
    vec carried;         /* ir_carried_view*: lower_carry.c, each slot dimension once */
    uint64_t hash;       /* identity of the program (its source text and the compiler version):
                            a checkpoint written by another program is refused */
    struct ir_psched *sched; /* the schedule level (sched.h), NULL before ir_sched_begin */
    int uses_argv;       /* the program reads sys.argv: it takes positional arguments */
    int stage_chains;    /* set before pass_inline_temps (--stage-chains): temporaries that
                            stages read are stages of their own (a chain), not inlined */
    int split_main;      /* set before the schedule passes (--split-main): the weight (about lines
                            of C) pass_sched_split aims each part of main() at; 0: its default,
                            -1: main() whole */
    int folded;          /* pass_fold has run: ir_verify checks that no comparison of an
                            extent with itself is left */
} ir_program;

/* ---- constructors (assert invariants) ---- */
ir_var *ir_var_new(ir_program *p, const char *cname, const char *pyname, ir_type t, int rank,
                   int is_array);
ir_expr *ir_const_i(loc l, ir_type t, int64_t v);
ir_expr *ir_const_f(loc l, ir_type t, double v);
ir_expr *ir_varref(loc l, ir_var *v);
ir_expr *ir_bin(loc l, ir_op op, ir_type t, ir_expr *a, ir_expr *b, int py);
ir_expr *ir_un(loc l, ir_op op, ir_type t, ir_expr *a);
ir_expr *ir_cast(loc l, ir_type t, ir_expr *a);      /* no-op cast returns a */
ir_expr *ir_call(loc l, ir_fn fn, ir_type t, int nargs, ir_expr **args);
ir_expr *ir_select(loc l, ir_type t, ir_expr *c, ir_expr *a, ir_expr *b);
ir_expr *ir_shape(loc l, ir_var *slot, int dim);
ir_expr *ir_elem(loc l, ir_var *slot, ir_expr **idx);
ir_expr *ir_read(loc l, ir_view *v);
ir_expr *ir_index(loc l, ir_type t, int dim);
ir_view *ir_view_full(loc l, ir_var *slot);          /* the whole array, box dims 0..rank-1 */
ir_view *ir_view_clone(ir_view *v);
ir_stmt *ir_stmt_new(ir_skind k, loc l);

/* Does any node of e (view extents and offsets included) satisfy pred? And the common queries:
 * an element read (host access), a sweep index, a scalar variable, a read of a slot. */
/* Copy-on-write rewriting: the arguments with argument k set to x, and e with new operands
 * (e itself when they are its own). */
ir_expr **ir_args_cow(const ir_expr *e, ir_expr **args, int k, ir_expr *x);
ir_expr *ir_expr_rebuilt(ir_expr *e, ir_expr *a, ir_expr *b, ir_expr *cc, ir_expr **args);
int ir_expr_any(const ir_expr *e, int (*pred)(const ir_expr *, void *), void *ctx);
/* The views an expression reads, in walk order, every one (pass_dist, pass_dist_axes: a missed
 * read would be a missed constraint or exchange); appended to r, which starts {0}. */
typedef struct ir_reads {
    vec all; /* ir_view* */
    ir_view **v;
    int n;
} ir_reads;
void ir_reads_of(ir_expr *e, ir_reads *r);
int ir_expr_has_elem(const ir_expr *e);
int ir_expr_has_index(const ir_expr *e);
int ir_expr_uses_var(const ir_expr *e, ir_var *v);
/* Push onto out (ir_var*) the scalars a loop may change from one iteration to the next: its
 * variable and every scalar its body assigns (nested loops' variables and reductions too). */
void ir_loop_vars(ir_stmt *loop, vec *out);
int ir_expr_reads_slot(const ir_expr *e, ir_var *s);
/* Rename slot `from` to `to` everywhere in an expression tree, in place (views included). */
void ir_rename_slot(ir_expr *e, ir_var *from, ir_var *to);
/* Structural equality of expressions (same tree, same constants, same variables). */
int ir_expr_equal(const ir_expr *a, const ir_expr *b);
/* Expression contains no E_READ / E_INDEX leaves (a scalar, evaluated once per sweep). */
int ir_expr_is_scalar(const ir_expr *e);
/* Constant integer value, if e is an integer E_CONST. */
int ir_expr_const_int(const ir_expr *e, int64_t *out);

/* ir_range.c: integer ranges of scalars whose values come from constant tables. cls: the layout
 * class (root slot id) of each slot id. */
typedef struct ir_ranges ir_ranges;
/* pass_dist_axes.c: for a program whose highest rank is R, the rank S < R of the grid over the
 * axes that are not component axes (0: none, keep one grid of rank R) and each layout class's
 * component axes (whole[class]; ~0u: none that leave S axes, the class stays replicated). */
int ir_component_axes(ir_program *p, ir_var **byid, const int *cls, int R, unsigned *whole);
ir_ranges *ir_ranges_of(ir_program *p, const int *cls);
int ir_expr_range(const ir_ranges *r, const ir_expr *e, int64_t *lo, int64_t *hi);

/* ---- printer and verifier ---- */
void ir_print(ir_program *p, FILE *out);
void ir_print_expr(ir_expr *e, FILE *out);
/* Checks every invariant; an internal error (naming the pass) if one fails. */
void ir_verify(ir_program *p, const char *after_pass);

/* ---- passes (one file each; each states what it requires and establishes) ---- */
void pass_inline_temps(ir_program *p); /* pass_inline_temps.c */
void pass_rotate(ir_program *p);    /* pass_rotate.c */
void pass_planes(ir_program *p);    /* pass_planes.c: loops over a component axis's planes split */
void pass_copysem(ir_program *p);   /* pass_copysem.c */
void pass_elems(ir_program *p);     /* pass_elems.c: element stores in loops as one-point sweeps */
void ir_alias_classes(ir_program *p); /* pass_copysem.c: slots that may share a buffer */
int ir_views_disjoint(ir_view *a, ir_view *b); /* pass_copysem.c: views of one array */
void pass_fuse(ir_program *p);      /* pass_fuse.c */
void pass_fuse_stages(ir_program *p); /* pass_fuse_stages.c */
void ir_verify_stages(ir_program *p, const char *after_pass); /* pass_fuse_stages.c */
void pass_dist(ir_program *p);      /* pass_dist.c: which arrays are distributed */
void pass_halo(ir_program *p);      /* pass_halo.c: halo widths, exchanges, anchors */
void pass_bounds(ir_program *p);    /* pass_bounds.c: element indices proven in range unchecked */
void pass_checks_once(ir_program *p); /* pass_checks_once.c: invariant slice checks once a loop */
void pass_fold(ir_program *p);      /* pass_fold.c: comparisons of an extent with itself folded */
/* pass_fold.c: is e a comparison pass_fold folds (of a side-effect-free integer operand with
 * itself)? Its value in *v. */
int ir_fold_selfcmp(const ir_expr *e, int *v);
/* Is the slot's array distributed over the ranks (after pass_dist)? */
static inline int ir_slot_dist(const ir_var *v) { return v->layout && v->layout->dist; }
/* pass_dist.c, for pass_halo.c: how read r of a sweep over target t relates to it (the
 * offsets off and steps k of r's index from t's, per dimension of r; pw: the ghost-cell periodic
 * dimensions; sp: how far beyond off a ranged roll reaches), 0 when it does not; the halo widths
 * it needs with the layouts as decided; the dimension of t paired with each of r; where a
 * dimension's start lies (1 from the start, -1 from the end, *c) and its offset as a sym; a
 * reduction's anchor read. */
int ir_dist_relate(ir_view *t, ir_view *r, int64_t *off, int64_t *k, unsigned *pw, int64_t *sp);
void ir_dist_read_widths(ir_view *t, ir_view *r, const int64_t *off, const int64_t *k, const int64_t *sp,
                         int64_t *hl, int64_t *hh);
int ir_dist_pair_dims(const ir_view *t, const ir_view *r, int *pt);
int ir_dist_start_end(const ir_dim *m, int64_t *c);
const struct sym *ir_dist_dim_start(const ir_dim *m);
ir_view *ir_dist_anchor(ir_stmt *s);
/* pass_dist.c: may the sweeps with targets a and b share one local box on every rank? */
int ir_dist_aligned(ir_view *a, ir_view *b);
/* ir.c: do the sweeps' targets span equal extents (pass_fuse, pass_sched_writeback)? */
int ir_same_box(const ir_stmt *a, const ir_stmt *b);
/* pass_dist.c: does the sweep or fused group write a replicated target from a distributed
 * array, gathering what it reads at run time (after pass_dist)? */
int ir_sweep_gathers(ir_stmt *s);
/* pass_dist.c: is read r, in a sweep over target t, the target's index plus a constant (or a
 * ghost-cell periodic read) within the halo limit: a read a distributed t may make? */
int ir_dist_halo_read(ir_view *t, ir_view *r);

#endif
