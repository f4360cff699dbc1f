/* lower_complex.c: complex128 and complex64 numbers and arrays (a Mandelbrot or Julia set, a
 * wave packet, a Schrodinger step), held as two real values, the real and the imaginary part:
 * float64 parts for complex128, float32 parts for complex64 (the part type: every operation
 * below is written once, for either).
 *
 * A complex value is a V_TUPLE of two items (cplx = 1): items[0] the real part, items[1] the
 * imaginary part, each a float64 scalar or array (the parts of a complex array may be one
 * array and one number inside an expression; bound to a name, both are arrays, so the name can
 * be written by index). As a tuple, a complex value is bound to names (hidden names "z.0",
 * "z.1"), rebound in loops, passed to and returned from functions; everything that would treat
 * it as a tuple (len, iteration, unpacking, printing, NumPy functions not listed here) is
 * refused where it happens (lw_complex_refuse).
 *
 * The arithmetic is NumPy's, step by step, so results are bitwise NumPy's:
 * - a real operand is first made complex with imaginary part 0.0 (as NumPy casts it), so
 *   x * (inf + 0j) gives NumPy's NaNs;
 * - + and -: part by part;
 * - * of arrays (and np.square, ** 2): NumPy's loops on FMA machines (every x86-64 since 2013,
 *   and GPUs): re = fma(ar, br, -(ai * bi)), im = fma(ar, bi, ai * br); of two numbers (Python
 *   complex or np.complex128, scalar math): ar * br - ai * bi, ar * bi + ai * br;
 * - / : Smith's algorithm as NumPy's loop writes it (|br| >= |bi|: rat = bi / br, scl = 1.0 /
 *   (br + bi * rat), ...; both zero: division by |br|); of two Python numbers CPython's
 *   (dividing by the denominator, ZeroDivisionError "complex division by zero");
 * - np.abs of an array: NumPy's SIMD loop (infinities first, then NaN, then larger *
 *   sqrt(fma(r, r, 1)) with r = smaller / larger, 0 where larger is 0 or smaller infinite); of a
 *   number: hypot, as CPython and NumPy's scalar math;
 * - np.sqrt, np.log, np.exp: the C library's csqrt, clog, cexp, which NumPy calls (FN_CMATH);
 * - np.angle: arctan2(im, re); .real, .imag, np.conj.
 * complex64 follows NumPy 2's promotion (promote: float32, int8/16, uint8/16 and complex64
 * with Python numbers, bools and each other stay single; float64, wider integers, np.float64
 * and np.complex128 numbers make complex128) and NumPy's float32 loops, which are the same
 * algorithms in float arithmetic (fmaf in products of arrays, cexpf, csqrtf, clogf).
 * Not supported, located: ** other than 2 of Python complex numbers (and other than 2, -1 and
 * 0.5 of complex64: npy_cpowf), comparisons of complex values, printing arrays, other NumPy
 * functions of complex values, complex64 matrices in np.linalg.
 *
 * Requires: the operands' real values are float, integer or bool. Establishes: every value
 * this file returns is a complex value whose parts are both float64 or both float32, or a real
 * value. */

#include "lower_internal.h"

#include <math.h>
#include <string.h>

#define SUPPORTED                                                                                  \
    "supported for complex values: + - * /, ** and np.power (of Python complex numbers, ** 2), "   \
    "np.abs, np.angle, np.sqrt, np.log, np.exp, "                                                  \
    "np.square, np.conj, np.add, np.subtract, np.multiply, np.divide, np.negative, "             \
    "np.real, np.imag, .real, .imag, np.where, zeros_like, np.roll, flips, transposes, copies, "    \
    "np.repeat, np.tile, "                                                                          \
    "np.sum and np.mean (also along axes), np.save of arrays, np.linalg.solve, np.linalg.inv, "   \
    "@, np.dot, np.vdot, np.inner, np.matmul, "                                                    \
    "reshapes and indexing"

int lw_is_complex(const value *v) { return v && v->kind == V_TUPLE && v->cplx; }

int lw_has_complex(const value *v)
{
    if (!v || v->kind != V_TUPLE)
        return 0;
    if (v->cplx)
        return 1;
    for (int i = 0; i < v->n; i++)
        if (lw_has_complex(v->items[i]))
            return 1;
    return 0;
}

/* what: "print()", "len()", ...: a diagnostic at l when v is or holds a complex value. */
int lw_complex_refuse(loc l, const value *v, const char *what)
{
    if (!lw_has_complex(v))
        return 0;
    diag_error(l, "%s is not supported (%s)", what, SUPPORTED);
    return 1;
}

/* A part as NumPy computes it: a float64 with IEEE division (no ZeroDivisionError in a branch
 * Smith's algorithm does not take); a Python complex keeps its weakness on the tuple. */
static value *strong(value *v)
{
    if (v->kind != V_SCALAR || !v->weak)
        return v;
    value *r = lw_scalar(v->l, v->e, 0);
    r->type = v->type;
    return r;
}

static value *cx(loc l, value *re, value *im, int weak)
{
    re = strong(re);
    im = strong(im);
    value *r = lw_vnew(V_TUPLE, l);
    r->n = 2;
    r->cplx = 1;
    r->weak = weak;
    r->items = NEWN(value *, 3);
    r->items[0] = re;
    r->items[1] = im;
    return r;
}

static value *f64(loc l, double x) { return lw_scalar(l, ir_const_f(l, T_F64, x), 1); }

/* The part type of a complex value: float32 (complex64) or float64 (complex128, Python's). */
static ir_type ptype(const value *z)
{
    return z->items[0]->type == T_F32 && z->items[1]->type == T_F32 ? T_F32 : T_F64;
}
const char *lw_complex_dtype_name(const value *z) { return ptype(z) == T_F32 ? "complex64" : "complex128"; }

/* What an operand says about the precision of a complex result under NumPy 2's promotion: -1
 * nothing (a Python number or complex is weak; a bool fits either), SMALL an int8/16 or
 * uint8/16 (complex64 with a complex64 or float32, complex128 with a Python complex), else its
 * part type. */
enum { SMALL = 100 };
static int prec(const value *v)
{
    if (lw_is_complex(v))
        return v->weak ? -1 : (int)ptype(v);
    if ((v->kind != V_SCALAR && v->kind != V_ARRAY && v->kind != V_MASKED) || v->weak || v->type == T_BOOL)
        return -1;
    switch (v->type) {
    case T_F32: return T_F32;
    case T_I8: case T_U8: case T_I16: case T_U16: return SMALL;
    default: return T_F64;
    }
}
/* The part type of x op y (y may be NULL) */
static ir_type promote(const value *x, const value *y)
{
    int a = prec(x), b = y ? prec(y) : -1;
    return a == T_F64 || b == T_F64 ? T_F64 : a == T_F32 || b == T_F32 ? T_F32 : T_F64;
}

/* x if cond else y of two complex numbers of one kind (both Python complex, or both NumPy
 * complex128, whose arithmetic differs): part by part; NULL for anything else */
value *lw_complex_select(loc l, ir_expr *cond, value *x, value *y)
{
    if (!lw_is_complex(x) || !lw_is_complex(y) || x->weak != y->weak)
        return NULL;
    value *p[2];
    for (int k = 0; k < 2; k++) {
        value *a = x->items[k], *b = y->items[k];
        if (a->kind != V_SCALAR || b->kind != V_SCALAR)
            return NULL;
        ir_type t = a->type == b->type ? a->type : T_F64;
        p[k] = lw_scalar(l, ir_select(l, t, cond, ir_cast(l, t, a->e), ir_cast(l, t, b->e)), 0);
        p[k]->type = t;
    }
    return cx(l, p[0], p[1], x->weak);
}

/* 1j, 2.5j: a Python complex number */
value *lw_complex_literal(loc l, double im) { return cx(l, f64(l, 0.0), f64(l, im), 1); }
value *lw_complex_make(loc l, value *re, value *im) { return cx(l, re, im, 0); }

/* v as the part type t (ints and bools become floats, as NumPy's cast to complex does) */
static value *as_part(lctx *c, loc l, value *v, ir_type t)
{
    if (v->type == t)
        return v;
    if (v->kind == V_SCALAR) {
        value *r = lw_scalar(v->l, ir_cast(l, t, v->e), v->weak);
        return r;
    }
    if (v->kind == V_MASKED) { /* z[m] of a complex64 z in a complex128 operation: z's part cast, then [m] */
        value *sel = NULL;
        if (lw_masked_operands("a complex operation", &v, 1, &sel) < 0)
            return &lw_ERRV;
        return lw_masked_result(sel, as_part(c, l, v, t));
    }
    value *r = lw_vnew(V_ARRAY, v->l);
    *r = *v;
    r->fresh = NULL;
    r->type = t;
    r->e = ir_cast(l, t, v->e);
    (void)c;
    return r;
}
static value *as_f64(lctx *c, loc l, value *v) { return as_part(c, l, v, T_F64); }

/* v, a complex value or a real float array or number, with its parts (or itself) of type t
 * (np.fft's single precision, lower_fft.c); other values as they are. */
value *lw_complex_as(lctx *c, loc l, value *v, ir_type t)
{
    if (lw_is_complex(v))
        return cx(l, as_part(c, l, v->items[0], t), as_part(c, l, v->items[1], t), v->weak);
    if ((v->kind == V_ARRAY || v->kind == V_SCALAR) && (ir_type_is_float(v->type) || t == T_F64))
        return as_part(c, l, v, t);
    return v;
}

/* The parts of an operand as part type t: a complex value's, or a real number's or array's
 * with 0.0 for the imaginary part. 0 after a diagnostic. */
static int parts(lctx *c, loc l, value *v, value **re, value **im, ir_type t)
{
    if (v->kind == V_ERR)
        return 0;
    if (lw_is_complex(v)) {
        *re = strong(as_part(c, l, v->items[0], t));
        *im = strong(as_part(c, l, v->items[1], t));
        return (*re)->kind != V_ERR && (*im)->kind != V_ERR;
    }
    if ((v->kind != V_SCALAR && v->kind != V_ARRAY) || lw_has_complex(v)) {
        diag_error(v->l, "unsupported operand with a complex value: %s", lw_vkind_desc(v));
        return 0;
    }
    *re = strong(as_part(c, l, v, t));
    *im = t == T_F64 ? strong(f64(l, 0.0)) : lw_scalar(l, ir_const_f(l, t, 0.0), 0);
    return 1;
}

/* an array, or a selection z[m] of one: NumPy's loops, not its scalar math */
static int is_arr(value *a) { return a->kind == V_ARRAY || a->kind == V_MASKED; }
static int any_array(value *a, value *b) { return is_arr(a) || is_arr(b); }

/* fma(a, b, d) elementwise, broadcast as a + b + d would be (ufunc2's way: the operands'
 * expressions taken from the broadcast sum), a number of part type t when all are numbers
 * (fmaf of float32 parts). */
static value *fma3(lctx *c, loc l, value *a, value *b, value *d, ir_type t)
{
    if (a->kind == V_ERR || b->kind == V_ERR || d->kind == V_ERR)
        return &lw_ERRV;
    if (a->kind == V_MASKED || b->kind == V_MASKED || d->kind == V_MASKED) { /* of z[m]: of z, then [m] */
        value *ops[3] = {a, b, d}, *sel;
        int k = lw_masked_operands("complex multiplication", ops, 3, &sel);
        if (k < 0)
            return &lw_ERRV;
        if (k > 0)
            return lw_masked_result(sel, fma3(c, l, ops[0], ops[1], ops[2], t));
    }
    ir_expr **args = NEWN(ir_expr *, 3);
    if (a->kind == V_SCALAR && b->kind == V_SCALAR && d->kind == V_SCALAR) {
        args[0] = ir_cast(l, t, a->e);
        args[1] = ir_cast(l, t, b->e);
        args[2] = ir_cast(l, t, d->e);
        return lw_scalar(l, ir_call(l, FN_FMA, t, 3, args), 0);
    }
    /* the inner sum must hold an array (two numbers would be folded into one) */
    int swap = a->kind == V_SCALAR && b->kind == V_SCALAR;
    value *p = swap ? d : b, *q = swap ? b : d;
    value *r = lw_binop(c, l, OP_ADD, lw_binop(c, l, OP_ADD, a, p), q);
    if (r->kind == V_ERR)
        return r;
    if (r->kind != V_ARRAY || r->e->kind != E_BIN || r->e->a->kind != E_BIN || r->type != t)
        UNREACHABLE();
    args[0] = r->e->a->a;
    args[1 + swap] = r->e->a->b;
    args[2 - swap] = r->e->b;
    r->e = ir_call(l, FN_FMA, t, 3, args);
    return r;
}

static value *bin(lctx *c, loc l, ir_op op, value *a, value *b) { return lw_binop(c, l, op, a, b); }
static value *neg(lctx *c, loc l, value *a) { return lw_unop(c, l, OP_NEG, a); }

/* A complex result whose parts are one array and one number, or arrays of two shapes that
 * broadcast: each made an array of the common shape (np.where(True, im, re)), so a name bound
 * to it can be written by index and its parts have the shape NumPy gives. */
static int same_shape(value *a, value *b)
{
    if (a->rank != b->rank)
        return 0;
    for (int d = 0; d < a->rank; d++) /* extents without a symbol: the same expression */
        if (!sym_equal(a->sh[d], b->sh[d]) && !(!a->sh[d] && !b->sh[d] && ir_expr_equal(a->len[d], b->len[d])))
            return 0;
    return 1;
}

static value *even(lctx *c, loc l, value *re, value *im, int weak)
{
    if (re->kind == V_ERR || im->kind == V_ERR)
        return &lw_ERRV;
    value *yes = lw_scalar(l, ir_const_i(l, T_BOOL, 1), 1);
    if (re->kind == V_ARRAY && im->kind == V_SCALAR)
        im = lw_where3(c, l, yes, im, re);
    else if (im->kind == V_ARRAY && re->kind == V_SCALAR)
        re = lw_where3(c, l, yes, re, im);
    else if (re->kind == V_ARRAY && im->kind == V_ARRAY && !same_shape(re, im)) {
        value *r2 = lw_where3(c, l, yes, re, im);
        im = lw_where3(c, l, yes, im, re);
        re = r2;
    }
    if (re->kind == V_ERR || im->kind == V_ERR)
        return &lw_ERRV;
    return cx(l, re, im, weak);
}

/* (ar + ai j) * (br + bi j), parts of type t */
static value *mul(lctx *c, loc l, value *ar, value *ai, value *br, value *bi, int weak, ir_type t)
{
    if (!any_array(ar, ai) && !any_array(br, bi))
        return even(c, l, bin(c, l, OP_SUB, bin(c, l, OP_MUL, ar, br), bin(c, l, OP_MUL, ai, bi)),
                    bin(c, l, OP_ADD, bin(c, l, OP_MUL, ar, bi), bin(c, l, OP_MUL, ai, br)), weak);
    return even(c, l, fma3(c, l, ar, br, neg(c, l, bin(c, l, OP_MUL, ai, bi)), t),
                fma3(c, l, ar, bi, bin(c, l, OP_MUL, ai, br), t), 0);
}

static value *where(lctx *c, loc l, value *m, value *x, value *y)
{
    if (m->kind == V_ERR || x->kind == V_ERR || y->kind == V_ERR)
        return &lw_ERRV;
    if (m->kind == V_SCALAR && x->kind == V_SCALAR && y->kind == V_SCALAR) {
        /* a Python float (0.0, inf) takes the other's type (float32 parts) */
        ir_type t = x->type == y->type ? x->type : x->weak && !y->weak ? y->type : !x->weak && y->weak ? x->type : T_F64;
        return lw_scalar(l, ir_select(l, t, ir_cast(l, T_BOOL, m->e), ir_cast(l, t, x->e), ir_cast(l, t, y->e)),
                         x->weak && y->weak);
    }
    return lw_where3(c, l, m, x, y);
}

/* (ar + ai j) / (br + bi j) */
static value *divide(lctx *c, loc l, value *ar, value *ai, value *br, value *bi, int python)
{
    value *one = f64(l, 1.0);
    if (python) { /* CPython's _Py_c_quot, ZeroDivisionError for 0j */
        value *zero = bin(c, l, OP_LAND, bin(c, l, OP_CEQ, br, f64(l, 0.0)), bin(c, l, OP_CEQ, bi, f64(l, 0.0)));
        if (zero->kind == V_ERR)
            return zero;
        int64_t k;
        if (!ir_expr_const_int(zero->e, &k) || k) /* a constant divisor: known when compiling */
            lw_emit_raise(c, l, ir_cast(l, T_BOOL, zero->e), "ZeroDivisionError: complex division by zero");
        value *m = bin(c, l, OP_CGE, lw_unop(c, l, OP_ABS, br), lw_unop(c, l, OP_ABS, bi));
        value *r1 = bin(c, l, OP_TRUEDIV, bi, br), *d1 = bin(c, l, OP_ADD, br, bin(c, l, OP_MUL, bi, r1));
        value *r2 = bin(c, l, OP_TRUEDIV, br, bi), *d2 = bin(c, l, OP_ADD, bin(c, l, OP_MUL, br, r2), bi);
        value *re1 = bin(c, l, OP_TRUEDIV, bin(c, l, OP_ADD, ar, bin(c, l, OP_MUL, ai, r1)), d1);
        value *im1 = bin(c, l, OP_TRUEDIV, bin(c, l, OP_SUB, ai, bin(c, l, OP_MUL, ar, r1)), d1);
        value *re2 = bin(c, l, OP_TRUEDIV, bin(c, l, OP_ADD, bin(c, l, OP_MUL, ar, r2), ai), d2);
        value *im2 = bin(c, l, OP_TRUEDIV, bin(c, l, OP_SUB, bin(c, l, OP_MUL, ai, r2), ar), d2);
        return cx(l, where(c, l, m, re1, re2), where(c, l, m, im1, im2), 1);
    }
    value *abr = lw_unop(c, l, OP_ABS, br), *abi = lw_unop(c, l, OP_ABS, bi);
    value *m = bin(c, l, OP_CGE, abr, abi);
    /* both zero: & of the elementwise tests, and of numbers */
    value *z = bin(c, l, any_array(br, bi) ? OP_BAND : OP_LAND, bin(c, l, OP_CEQ, abr, f64(l, 0.0)),
                   bin(c, l, OP_CEQ, abi, f64(l, 0.0)));
    value *r1 = bin(c, l, OP_TRUEDIV, bi, br);
    value *s1 = bin(c, l, OP_TRUEDIV, one, bin(c, l, OP_ADD, br, bin(c, l, OP_MUL, bi, r1)));
    value *r2 = bin(c, l, OP_TRUEDIV, br, bi);
    value *s2 = bin(c, l, OP_TRUEDIV, one, bin(c, l, OP_ADD, bi, bin(c, l, OP_MUL, br, r2)));
    value *re1 = bin(c, l, OP_MUL, bin(c, l, OP_ADD, ar, bin(c, l, OP_MUL, ai, r1)), s1);
    value *im1 = bin(c, l, OP_MUL, bin(c, l, OP_SUB, ai, bin(c, l, OP_MUL, ar, r1)), s1);
    value *re2 = bin(c, l, OP_MUL, bin(c, l, OP_ADD, bin(c, l, OP_MUL, ar, r2), ai), s2);
    value *im2 = bin(c, l, OP_MUL, bin(c, l, OP_SUB, bin(c, l, OP_MUL, ai, r2), ar), s2);
    value *re0 = bin(c, l, OP_TRUEDIV, ar, abr), *im0 = bin(c, l, OP_TRUEDIV, ai, abr);
    value *re = where(c, l, m, where(c, l, z, re0, re1), re2);
    value *im = where(c, l, m, where(c, l, z, im0, im1), im2);
    return even(c, l, re, im, 0);
}

static value *c_libm(lctx *c, loc l, value *z, int f);

/* Part k of NumPy's npy_cpow (tyl_cpow) of a ** b, broadcast as the four parts' sum would be. */
static value *cpow_part(lctx *c, loc l, value *ar, value *ai, value *br, value *bi, int k)
{
    if (ar->kind == V_MASKED || ai->kind == V_MASKED || br->kind == V_MASKED || bi->kind == V_MASKED) {
        value *ops[4] = {ar, ai, br, bi}, *sel; /* of z[m]: of z, then [m] */
        int n = lw_masked_operands("complex power", ops, 4, &sel);
        if (n < 0)
            return &lw_ERRV;
        if (n > 0)
            return lw_masked_result(sel, cpow_part(c, l, ops[0], ops[1], ops[2], ops[3], k));
    }
    value *ops[4] = {strong(ar), strong(ai), strong(br), strong(bi)};
    ir_expr **args = NEWN(ir_expr *, 5);
    args[4] = lw_I64(l, 6 + k);
    int arrays = 0;
    for (int i = 0; i < 4; i++)
        arrays |= ops[i]->kind == V_ARRAY;
    if (!arrays) {
        for (int i = 0; i < 4; i++)
            args[i] = ops[i]->e;
        return lw_scalar(l, ir_call(l, FN_CMATH, T_F64, 5, args), 0);
    }
    /* ((a + b) + c) + d with an array first (numbers would be folded together) */
    int first = 0;
    while (ops[first]->kind != V_ARRAY)
        first++;
    int order[4] = {first, 0, 0, 0}, m = 1;
    for (int i = 0; i < 4; i++)
        if (i != first)
            order[m++] = i;
    value *t = ops[order[0]];
    for (int i = 1; i < 4; i++)
        t = lw_binop(c, l, OP_ADD, t, ops[order[i]]);
    if (t->kind != V_ARRAY)
        return t->kind == V_ERR ? t : (UNREACHABLE(), &lw_ERRV);
    ir_expr *e = t->e;
    for (int i = 3; i >= 1; i--) {
        if (e->kind != E_BIN)
            UNREACHABLE();
        args[order[i]] = e->b;
        e = e->a;
    }
    args[order[0]] = e;
    t->e = ir_call(l, FN_CMATH, T_F64, 5, args);
    t->type = T_F64;
    return t;
}

/* x ** y (op 1) and np.power(x, y) (op 0) with a complex operand. NumPy's npy_cpow (of arrays
 * and NumPy scalars: np.power, and ** of an array by anything but the Python numbers below),
 * except what ** of an array hands to another ufunc (NumPy 2's fast_scalar_power): a Python
 * int 2, np.square (products with fma); -1, np.reciprocal; a Python float 0.5, np.sqrt. A
 * Python complex ** 2 is CPython's 1 * (z * z); other powers of Python complex numbers are
 * refused (CPython's algorithm). */
static value *c_power(lctx *c, loc l, value *x, value *y, int op)
{
    value *ar, *ai, *br, *bi;
    ir_type t = promote(x, y);
    if (!parts(c, l, x, &ar, &ai, t) || !parts(c, l, y, &br, &bi, t))
        return &lw_ERRV;
    int py_int = y->kind == V_SCALAR && y->weak && !ir_type_is_float(y->type) && y->type != T_BOOL;
    int py_float = y->kind == V_SCALAR && y->weak && ir_type_is_float(y->type);
    int64_t k = 0;
    int kint = py_int && ir_expr_const_int(y->e, &k);
    double f = py_float && y->e->kind == E_CONST ? y->e->c.f : 0.0;
    if (lw_is_complex(x) && x->weak && !any_array(ar, ai)) { /* a Python complex */
        if (!kint || k != 2) {
            diag_error(l, "'**' of a Python complex number is supported for z ** 2 (of NumPy's complex "
                          "numbers and arrays, any power)");
            return &lw_ERRV;
        }
        value *p = mul(c, l, ar, ai, ar, ai, 1, t); /* CPython's c_powu: 1 * (x * x) */
        if (p->kind == V_ERR)
            return p;
        return mul(c, l, f64(l, 1.0), f64(l, 0.0), p->items[0], p->items[1], 1, t);
    }
    if (lw_is_complex(y) && y->weak && !any_array(ar, ai) && x->weak) {
        diag_error(l, "'**' of a Python number by a Python complex number is not supported");
        return &lw_ERRV;
    }
    if (op && any_array(ar, ai) && lw_is_complex(x)) { /* fast_scalar_power */
        if (kint && k == 2)
            return mul(c, l, ar, ai, ar, ai, 0, t); /* np.square */
        if (kint && k == -1) { /* np.reciprocal's loop */
            value *one = f64(l, 1.0);
            value *m = bin(c, l, OP_CLE, lw_unop(c, l, OP_ABS, ai), lw_unop(c, l, OP_ABS, ar));
            value *r1 = bin(c, l, OP_TRUEDIV, ai, ar), *d1 = bin(c, l, OP_ADD, ar, bin(c, l, OP_MUL, ai, r1));
            value *r2 = bin(c, l, OP_TRUEDIV, ar, ai), *d2 = bin(c, l, OP_ADD, bin(c, l, OP_MUL, ar, r2), ai);
            value *re = where(c, l, m, bin(c, l, OP_TRUEDIV, one, d1), bin(c, l, OP_TRUEDIV, r2, d2));
            value *im = where(c, l, m, bin(c, l, OP_TRUEDIV, neg(c, l, r1), d1), bin(c, l, OP_TRUEDIV, neg(c, l, one), d2));
            return even(c, l, re, im, 0);
        }
        if (py_float && y->e->kind == E_CONST && f == 0.5)
            return c_libm(c, l, cx(l, ar, ai, 0), 0); /* np.sqrt */
    }
    if (t == T_F32) {
        diag_error(l, "a power of a complex64 value is supported for ** 2, ** -1 and ** 0.5 of arrays "
                      "(NumPy's npy_cpowf otherwise): make it complex128 with .astype(np.complex128)");
        return &lw_ERRV;
    }
    return even(c, l, cpow_part(c, l, ar, ai, br, bi, 0), cpow_part(c, l, ar, ai, br, bi, 1), 0);
}

value *lw_complex_binop(lctx *c, loc l, ir_op op, value *x, value *y)
{
    value *ar, *ai, *br, *bi;
    if (x->kind == V_ERR || y->kind == V_ERR)
        return &lw_ERRV;
    /* Python's complex arithmetic (a Python complex as the result) where Python's own method
     * runs: a Python complex on the left with a Python number or an np.float64 (a subclass of
     * float) on the right, or a Python number on the left with a Python complex; NumPy's
     * scalar math where an np.complex128, an np.float64 on the left, or another NumPy scalar
     * is involved (dx = x[1] - x[0]; 1j * dt / (4 * dx ** 2) is CPython's division) */
    int pyc_x = lw_is_complex(x) && x->weak, pyc_y = lw_is_complex(y) && y->weak;
    int pyr_x = x->kind == V_SCALAR && x->weak, pyr_y = y->kind == V_SCALAR && y->weak;
    int f64_y = y->kind == V_SCALAR && !y->weak && y->type == T_F64;
    int weak = (pyc_x && (pyc_y || pyr_y || f64_y)) || (pyr_x && pyc_y);
    if (op == OP_POWER)
        return c_power(c, l, x, y, 1);
    ir_type t = promote(x, y);
    if (!parts(c, l, x, &ar, &ai, t) || !parts(c, l, y, &br, &bi, t))
        return &lw_ERRV;
    switch (op) {
    case OP_ADD: return even(c, l, bin(c, l, OP_ADD, ar, br), bin(c, l, OP_ADD, ai, bi), weak);
    case OP_SUB: return even(c, l, bin(c, l, OP_SUB, ar, br), bin(c, l, OP_SUB, ai, bi), weak);
    case OP_MUL: return mul(c, l, ar, ai, br, bi, weak, t);
    case OP_TRUEDIV: return divide(c, l, ar, ai, br, bi, weak);
    default:
        diag_error(l, "'%s' of complex numbers is not supported (+, -, *, / and ** 2 are)", ir_op_name(op));
        return &lw_ERRV;
    }
}

value *lw_complex_unop(lctx *c, loc l, ir_op op, value *x)
{
    if (op == OP_POS)
        return x;
    if (op != OP_NEG) {
        diag_error(l, "'%s' of a complex value is not supported", ir_op_name(op));
        return &lw_ERRV;
    }
    return cx(l, neg(c, l, x->items[0]), neg(c, l, x->items[1]), x->weak);
}

/* |z|: Python's abs() is hypot (CPython's and NumPy's scalar math); np.abs is NumPy's loop,
 * for numbers too */
static value *c_abs(lctx *c, loc l, value *z, int python)
{
    value *re = lw_unop(c, l, OP_ABS, z->items[0]), *im = lw_unop(c, l, OP_ABS, z->items[1]);
    if (python && !any_array(re, im))
        return lw_ufunc2(c, l, FN_HYPOT, z->items[0], z->items[1]);
    value *inf = f64(l, INFINITY), *zero = f64(l, 0.0);
    value *gt = bin(c, l, OP_CGT, re, im);
    value *large = where(c, l, gt, re, im), *small = where(c, l, gt, im, re);
    value *nodiv = bin(c, l, OP_BOR, bin(c, l, OP_CEQ, large, zero), bin(c, l, OP_CEQ, small, inf));
    value *ratio = where(c, l, nodiv, zero, bin(c, l, OP_TRUEDIV, small, large));
    value *sq = fma3(c, l, ratio, ratio, f64(l, 1.0), ptype(z));
    if (sq->kind == V_ERR)
        return sq;
    value *h = bin(c, l, OP_MUL, lw_ufunc1(c, l, FN_SQRT, sq), large);
    value *isinf = bin(c, l, OP_BOR, bin(c, l, OP_CEQ, re, inf), bin(c, l, OP_CEQ, im, inf));
    value *isnan = bin(c, l, OP_BOR, bin(c, l, OP_CNE, re, re), bin(c, l, OP_CNE, im, im));
    return where(c, l, isinf, inf, where(c, l, isnan, f64(l, NAN), h));
}

/* Part k of libm's complex function f (0 csqrt, 1 clog, 2 cexp) of re + im j, broadcast as
 * re + im would be (FN_CMATH; NumPy's loops call these functions for each element). */
static value *cmath_part(lctx *c, loc l, value *re, value *im, int f, int k)
{
    value *r = lw_ufunc2(c, l, FN_CMATH, strong(re), strong(im));
    if (r->kind == V_ERR)
        return r;
    if ((r->kind != V_SCALAR && r->kind != V_ARRAY) || r->e->kind != E_CALL || r->e->nargs != 2)
        UNREACHABLE();
    ir_expr **args = NEWN(ir_expr *, 3);
    args[0] = r->e->args[0];
    args[1] = r->e->args[1];
    args[2] = lw_I64(l, 2 * f + k);
    value *p = lw_vnew(r->kind, r->l);
    *p = *r;
    p->fresh = NULL;
    p->e = ir_call(l, FN_CMATH, r->e->type, 3, args); /* tyl_cmathf of float32 parts */
    return p;
}

/* np.sqrt, np.log, np.exp of a complex value: libm's csqrt, clog, cexp (npymath's npy_csqrt,
 * npy_clog, npy_cexp call them where the C library has them, as glibc does): bitwise NumPy's,
 * special values included. f: 0 sqrt, 1 log, 2 exp. */
static value *c_libm(lctx *c, loc l, value *z, int f)
{
    return even(c, l, cmath_part(c, l, z->items[0], z->items[1], f, 0), cmath_part(c, l, z->items[0], z->items[1], f, 1),
                0);
}

/* zeros of a shape: complex arrays of np.zeros(shape, dtype=complex) and np.zeros_like(z),
 * parts of type t */
static value *zeros(lctx *c, loc l, int rank, ir_expr **len, const sym **sh, double fill, ir_type t)
{
    value *re = fill == 0.0 ? lw_new_array(c, l, t, rank, len, sh, 1, NULL)
                            : lw_new_array(c, l, t, rank, len, sh, 2, ir_const_f(l, t, fill));
    value *im = lw_new_array(c, l, t, rank, len, sh, 1, NULL);
    return cx(l, re, im, 0);
}

/* A complex dtype's part type (complex, np.complex128: float64; np.complex64: float32), or 0. */
static ir_type complex_dtype(value *v)
{
    if (!v || v->kind != V_BUILTIN)
        return 0;
    if (strcmp(v->str, "complex") == 0 || strcmp(v->str, "np.complex128") == 0)
        return T_F64;
    return strcmp(v->str, "np.complex64") == 0 ? T_F32 : 0;
}
static int is_complex_dtype(value *v) { return complex_dtype(v) != 0; }

/* Is this call one lw_complex_numpy lowers? (a complex argument, or dtype=complex) */
const char *const lw_complex_fn_names[] = {"np.real", "np.imag", "np.angle", "np.conj", "np.conjugate",
                                           "np.complex128", "np.complex64", "complex", NULL};
int lw_complex_call(const char *f, args *a)
{
    if (a->self && lw_has_complex(a->self))
        return 1;
    for (int i = 0; i < a->npos; i++)
        if (lw_has_complex(a->pos[i]) || is_complex_dtype(a->pos[i]))
            return 1;
    for (int i = 0; i < a->nkw; i++)
        if (lw_has_complex(a->kw[i]) || is_complex_dtype(a->kw[i]))
            return 1;
    for (const char *const *p = lw_complex_fn_names; *p; p++)
        if (strcmp(f, *p) == 0)
            return 1;
    return 0;
}

static value *kwarg(args *a, const char *name)
{
    for (int i = 0; i < a->nkw; i++)
        if (strcmp(a->kwname[i], name) == 0)
            return a->kw[i];
    return NULL;
}

/* NumPy's functions, methods and Python's built-ins of complex values (f: "np.abs", "abs",
 * or a method's name with a->self). */
/* NumPy function or method f called as in a, with part k of the complex z in z's place (self,
 * or the first positional argument) */
static value *part_call(lctx *c, loc l, const args *a, value *z, int k, const char *f)
{
    args b = *a;
    value **pos = NEWN(value *, a->npos + 1);
    for (int i = 0; i < a->npos; i++)
        pos[i] = a->pos[i];
    b.pos = pos;
    if (a->self)
        b.self = z->items[k];
    else
        pos[0] = z->items[k];
    return lw_numpy_table_call(c, f, l, &b);
}
/* Joins of complex values: a list or tuple (nested) holding complex arrays or numbers, with real
 * ones among them made complex (imaginary part 0.0, of the item's shape), split into two lists
 * of the same layout, one of the real parts and one of the imaginary parts; other values into
 * their two parts. 0 after a diagnostic. */
static int split_seq(lctx *c, loc l, value *v, value **re, value **im)
{
    if (v->kind == V_TUPLE && !lw_is_complex(v) && !v->keys) {
        value *r = lw_vnew(V_TUPLE, v->l), *i = lw_vnew(V_TUPLE, v->l);
        *r = *v;
        *i = *v;
        r->items = NEWN(value *, v->n + 1);
        i->items = NEWN(value *, v->n + 1);
        for (int k = 0; k < v->n; k++)
            if (!split_seq(c, l, v->items[k], &r->items[k], &i->items[k]))
                return 0;
        *re = r;
        *im = i;
        return 1;
    }
    if (!parts(c, l, v, re, im, promote(v, NULL)))
        return 0;
    if ((*re)->kind == V_ARRAY || (*im)->kind == V_ARRAY) {
        value *z = even(c, l, *re, *im, 0);
        if (z->kind == V_ERR)
            return 0;
        *re = z->items[0];
        *im = z->items[1];
    }
    return 1;
}

/* Does v, a list or tuple, hold an array (a complex one's part, or a real one)? */
static int seq_holds_array(const value *v)
{
    if (v->kind == V_ARRAY)
        return 1;
    if (v->kind != V_TUPLE || v->keys)
        return 0;
    if (lw_is_complex(v))
        return v->items[0]->kind == V_ARRAY || v->items[1]->kind == V_ARRAY;
    for (int i = 0; i < v->n; i++)
        if (seq_holds_array(v->items[i]))
            return 1;
    return 0;
}

/* f (np.stack, np.concatenate, np.append, np.array, ...) of a list of complex values, its first
 * npart positional arguments split into parts: the real function of the real parts and of the
 * imaginary parts, which move elements without computing them. A complex dtype= is applied to
 * the joined parts. NULL when a keyword other than axis= or a complex dtype is given. */
static value *join_parts(lctx *c, loc l, const char *f, const args *a, int npart)
{
    args b[2] = {*a, *a};
    ir_type dt = 0;
    for (int k = 0; k < 2; k++) {
        b[k].pos = NEWN(value *, a->npos + 1);
        for (int i = 0; i < a->npos; i++)
            b[k].pos[i] = a->pos[i];
        b[k].kw = NEWN(value *, a->nkw + 1);
        b[k].kwname = NEWN(const char *, a->nkw + 1);
        b[k].nkw = 0;
        for (int i = 0; i < a->nkw; i++) {
            if (!strcmp(a->kwname[i], "dtype") && is_complex_dtype(a->kw[i])) {
                dt = complex_dtype(a->kw[i]);
                continue;
            }
            if (strcmp(a->kwname[i], "axis") != 0)
                return NULL;
            b[k].kwname[b[k].nkw] = a->kwname[i];
            b[k].kw[b[k].nkw++] = a->kw[i];
        }
    }
    for (int i = 0; i < npart && i < a->npos; i++)
        if (!split_seq(c, l, a->pos[i], &b[0].pos[i], &b[1].pos[i]))
            return &lw_ERRV;
    for (int i = npart; i < a->npos; i++)
        if (lw_has_complex(a->pos[i]) || is_complex_dtype(a->pos[i]))
            return NULL;
    value *r[2];
    for (int k = 0; k < 2; k++) {
        r[k] = lw_numpy_table_call(c, f, l, &b[k]);
        if (r[k]->kind == V_ERR)
            return r[k];
    }
    if (r[0]->kind != V_ARRAY || r[1]->kind != V_ARRAY)
        UNREACHABLE();
    for (int k = 0; k < 2 && dt && r[k]->type != dt; k++) /* np.array([...], dtype=np.complex64) */
        r[k] = lw_copy_of(c, l, as_part(c, l, r[k], dt));
    return cx(l, r[0], r[1], 0);
}

value *lw_complex_numpy(lctx *c, const char *f, loc l, args *a)
{
    value *z = a->self ? a->self : a->npos ? a->pos[0] : NULL;
    const char *m = a->self ? f : strncmp(f, "np.", 3) == 0 ? f + 3 : f;
    int nargs = a->npos + a->nkw;
    if ((!strcmp(f, "complex") || !strcmp(f, "np.complex128") || !strcmp(f, "np.complex64")) && a->npos >= 1 &&
        a->npos <= 2 && !a->nkw) {
        ir_type t = !strcmp(f, "np.complex64") ? T_F32 : T_F64;
        value *re = a->pos[0], *im = a->npos == 2 ? a->pos[1] : f64(l, 0.0);
        if (lw_is_complex(re) && a->npos == 1) /* np.complex128(1 + 2j): a NumPy number now */
            return cx(l, as_part(c, l, re->items[0], t), as_part(c, l, re->items[1], t), f[0] == 'c' && re->weak);
        if (re->kind != V_SCALAR || im->kind != V_SCALAR || re->type == T_BOOL) {
            diag_error(l, "%s() here takes one or two real numbers", f);
            return &lw_ERRV;
        }
        return cx(l, as_part(c, l, re, t), as_part(c, l, im, t), f[0] == 'c');
    }
    value *dt = kwarg(a, "dtype");
    if (!dt && !a->self && a->npos == 2 && is_complex_dtype(a->pos[1]) && (!strcmp(m, "zeros") || !strcmp(m, "ones") ||
                                                                           !strcmp(m, "empty"))) {
        dt = a->pos[1]; /* np.zeros(shape, np.complex128) */
        nargs = 2;
    }
    if (is_complex_dtype(dt) && nargs == 2 && (a->npos == 1 || dt == a->pos[1]) &&
        (!strcmp(m, "zeros") || !strcmp(m, "ones") || !strcmp(m, "empty"))) {
        int rank;
        ir_expr *len[IR_MAX_RANK];
        const sym *sh[IR_MAX_RANK];
        if (!lw_shape_arg(a->pos[0], &rank, len, sh))
            return &lw_ERRV;
        return zeros(c, l, rank, len, sh, m[0] == 'o' ? 1.0 : 0.0, complex_dtype(dt));
    }
    if (!strcmp(m, "full") && !a->self && a->npos >= 1 && a->npos + a->nkw <= 3 &&
        (a->npos == 2 || kwarg(a, "fill_value")) && (!dt || is_complex_dtype(dt))) {
        /* np.full(n, -r, dtype=complex), np.full(n, 1 + 2j): each part filled */
        value *fill = a->npos == 2 ? a->pos[1] : kwarg(a, "fill_value"), *fr, *fi;
        int rank;
        ir_expr *len[IR_MAX_RANK];
        const sym *sh[IR_MAX_RANK];
        ir_type t = dt ? complex_dtype(dt) : promote(fill, NULL);
        if (fill->kind == V_ERR || !parts(c, l, fill, &fr, &fi, t) || !lw_shape_arg(a->pos[0], &rank, len, sh))
            return &lw_ERRV;
        if (fr->kind != V_SCALAR || fi->kind != V_SCALAR) {
            diag_error(fill->l, "np.full() of a complex dtype takes one number here");
            return &lw_ERRV;
        }
        return cx(l, lw_new_array(c, l, t, rank, len, sh, 2, fr->e), lw_new_array(c, l, t, rank, len, sh, 2, fi->e), 0);
    }
    value *zp = z && lw_is_complex(z) ? z->items[0] : z;
    if (zp && zp->kind == V_ARRAY && ((nargs == 1 && lw_is_complex(z)) || (nargs == 2 && is_complex_dtype(dt))) &&
        (!strcmp(m, "zeros_like") || !strcmp(m, "ones_like") || !strcmp(m, "empty_like"))) {
        value *p = zp;
        return zeros(c, l, p->rank, p->len, p->sh, m[0] == 'o' ? 1.0 : 0.0, nargs == 2 ? complex_dtype(dt) : ptype(z));
    }
    int real = z && !lw_has_complex(z) && (z->kind == V_ARRAY || z->kind == V_SCALAR);
    if (real && nargs == 1 && (!strcmp(m, "real") || !strcmp(m, "conj") || !strcmp(m, "conjugate")))
        return z; /* of a real array: itself, as NumPy's view */
    if (real && nargs == 1 && !strcmp(m, "angle")) /* NumPy's arctan2(0, x) */
        return lw_ufunc2(c, l, FN_ATAN2, f64(l, 0.0), z);
    if (real && nargs == 1 && !strcmp(m, "imag"))
        return z->kind == V_SCALAR ? f64(l, 0.0) : lw_new_array(c, l, z->type, z->rank, z->len, z->sh, 1, NULL);
    if (real && a->self && !strcmp(m, "astype") && a->npos == 1 && !a->nkw && is_complex_dtype(a->pos[0])) {
        ir_type t = complex_dtype(a->pos[0]);
        value *im = t == T_F64 ? f64(l, 0.0) : lw_scalar(l, ir_const_f(l, t, 0.0), 0);
        return even(c, l, z->kind == V_ARRAY ? lw_copy_of(c, l, as_part(c, l, z, t)) : as_part(c, l, z, t), im, 0);
    }
    if (z && lw_is_complex(z) && a->self && !strcmp(m, "astype") && a->npos == 1 && !a->nkw && is_complex_dtype(a->pos[0])) {
        /* complex64 <-> complex128: each part cast (a copy, as astype makes) */
        ir_type t = complex_dtype(a->pos[0]);
        value *p[2];
        for (int k = 0; k < 2; k++) {
            p[k] = as_part(c, l, z->items[k], t);
            if (p[k]->kind == V_ARRAY)
                p[k] = lw_copy_of(c, l, p[k]);
        }
        return even(c, l, p[0], p[1], 0);
    }
    if (z && lw_is_complex(z) && nargs == (a->self ? 0 : 1) &&
        (z->items[0]->kind == V_MASKED || z->items[1]->kind == V_MASKED) &&
        (!strcmp(m, "abs") || !strcmp(m, "absolute") || !strcmp(m, "angle") || !strcmp(m, "exp") ||
         !strcmp(m, "sqrt") || !strcmp(m, "log") ||
         !strcmp(m, "square") || !strcmp(m, "conj") || !strcmp(m, "conjugate"))) {
        /* np.abs(z[m]): of z, then [m] (each part of a complex result) */
        value *ops[2] = {z->items[0], z->items[1]}, *sel;
        if (lw_masked_operands(arena_printf(&util_arena, "np.%s", m), ops, 2, &sel) < 0)
            return &lw_ERRV;
        args b = *a;
        value *whole = cx(l, ops[0], ops[1], 0);
        if (a->self)
            b.self = whole;
        else
            b.pos = &whole;
        value *r = lw_complex_numpy(c, f, l, &b);
        if (r->kind == V_ERR || !lw_is_complex(r))
            return r->kind == V_ERR ? r : lw_masked_result(sel, r);
        return cx(l, lw_masked_result(sel, r->items[0]), lw_masked_result(sel, r->items[1]), 0);
    }
    if (z && lw_is_complex(z) && nargs == (a->self ? 0 : 1)) {
        value *re = z->items[0], *im = z->items[1];
        if (!strcmp(m, "real"))
            return re;
        if (!strcmp(m, "imag"))
            return im;
        if (!strcmp(m, "conj") || !strcmp(m, "conjugate"))
            return cx(l, re, neg(c, l, im), z->weak);
        if (!strcmp(m, "abs") || !strcmp(m, "absolute"))
            return c_abs(c, l, z, !strcmp(f, "abs"));
        if (!strcmp(m, "angle"))
            return lw_ufunc2(c, l, FN_ATAN2, im, re);
        if (!strcmp(m, "sqrt") || !strcmp(m, "log") || !strcmp(m, "exp"))
            return c_libm(c, l, z, m[0] == 's' ? 0 : m[1] == 'o' ? 1 : 2);
        if (!strcmp(m, "square"))
            return lw_complex_binop(c, l, OP_POWER, z, lw_scalar(l, lw_I64(l, 2), 1));
        if (!strcmp(m, "copy"))
            return even(c, l, re->kind == V_ARRAY ? lw_copy_of(c, l, re) : re,
                        im->kind == V_ARRAY ? lw_copy_of(c, l, im) : im, z->weak);
    }
    if ((!strcmp(m, "sum") || !strcmp(m, "mean")) && nargs > (a->self ? 0 : 1) && z && lw_is_complex(z) &&
        z->items[0]->kind == V_ARRAY && z->items[1]->kind == V_ARRAY) {
        /* along axes (axis=, keepdims=): each part's sum, as NumPy adds complex numbers part by
         * part (bitwise along any axis but the last; along the last, NumPy's pairwise sum of
         * complex pairs keeps four running sums per part where a real one keeps eight: the
         * prelude's csum for each row of a matrix, bitwise; of other arrays equal within
         * rounding); the mean is the complex sum divided by the count, as NumPy's */
        value *r[2], *ax = a->self ? (a->npos ? a->pos[0] : kwarg(a, "axis")) : (a->npos > 1 ? a->pos[1] : kwarg(a, "axis"));
        int64_t k0;
        value *sum = NULL;
        if (z->items[0]->rank == 2 && nargs == (a->self ? 1 : 2) && ax && ax->kind == V_SCALAR &&
            ir_expr_const_int(ax->e, &k0) && (k0 == 1 || k0 == -1)) {
            /* along the rows of a matrix: NumPy's pairwise sum of complex numbers, row by row */
            value *args2[] = {z->items[0], z->items[1]};
            value *s = lw_call_prelude(c, l, ptype(z) == T_F32 ? "csum32_rows" : "csum_rows", 2, args2);
            if (s->kind != V_TUPLE || s->n != 2)
                return s->kind == V_ERR ? s : (UNREACHABLE(), &lw_ERRV);
            r[0] = s->items[0];
            sum = cx(l, s->items[0], s->items[1], 0);
        }
        for (int k = 0; k < 2 && !sum; k++) {
            r[k] = part_call(c, l, a, z, k, a->self ? "sum" : "np.sum");
            if (r[k]->kind == V_ERR)
                return r[k];
            if (k == 1)
                sum = even(c, l, r[0], r[1], 0);
        }
        if (m[0] == 's' || sum->kind == V_ERR)
            return sum;
        value *p = z->items[0], *q = r[0];
        ir_expr *cnt = lw_I64(l, 1), *kept = lw_I64(l, 1);
        for (int d = 0; d < p->rank; d++)
            cnt = ir_bin(l, OP_MUL, T_I64, cnt, p->len[d], 0);
        for (int d = 0; q->kind == V_ARRAY && d < q->rank; d++)
            kept = ir_bin(l, OP_MUL, T_I64, kept, q->len[d], 0);
        cnt = ir_bin(l, OP_FDIV, T_I64, cnt, kept, 0);
        /* NumPy's true_divide(sum, count): a Python int, cast to complex64 for a complex64 sum */
        return lw_complex_binop(c, l, OP_TRUEDIV, sum, lw_scalar(l, ir_cast(l, T_F64, cnt), ptype(z) == T_F32));
    }
    if ((!strcmp(m, "sum") || !strcmp(m, "mean")) && nargs == (a->self ? 0 : 1) && z && lw_is_complex(z) &&
        z->items[0]->kind == V_ARRAY && z->items[1]->kind == V_ARRAY) {
        /* NumPy's pairwise sum of complex numbers (four running sums per part, leaves of 64
         * numbers: the prelude's csum over the flattened parts); the mean divides it by the
         * count as a complex division, as NumPy's does */
        value *args2[] = {z->items[0], z->items[1]};
        ir_type t = ptype(z);
        value *s = lw_call_prelude(c, l, t == T_F32 ? "csum32" : "csum", 2, args2);
        if (s->kind != V_TUPLE || s->n != 2)
            return s->kind == V_ERR ? s : (UNREACHABLE(), &lw_ERRV);
        /* csum32's float32 sums come back as Python floats (exactly): the np.complex64 they are */
        value *sum = cx(l, as_part(c, l, s->items[0], t), as_part(c, l, s->items[1], t), 0);
        if (m[0] == 's')
            return sum;
        value *p = z->items[0];
        ir_expr *cnt = lw_I64(l, 1);
        for (int d = 0; d < p->rank; d++)
            cnt = ir_bin(l, OP_MUL, T_I64, cnt, p->len[d], 0);
        lw_emit_raise(c, l, ir_bin(l, OP_CEQ, T_BOOL, cnt, lw_I64(l, 0), 0),
                      "np.mean() of an empty complex array is not supported (NumPy warns and gives nan+nanj)");
        return lw_complex_binop(c, l, OP_TRUEDIV, sum, lw_scalar(l, cnt, 1));
    }
    /* joins of complex arrays (snapshots np.array([psi, ...]), a spectrum zero-padded by
     * np.concatenate, np.append of a row): each part joined as a real array's */
    static const char *joins[] = {"np.array", "np.asarray", "np.stack", "np.vstack", "np.hstack", "np.dstack",
                                  "np.row_stack", "np.concatenate", "np.column_stack", "np.append", NULL};
    for (const char **p = joins; *p && !a->self && a->npos >= 1; p++)
        if (!strcmp(f, *p) && (seq_holds_array(a->pos[0]) || !strcmp(f, "np.append"))) {
            value *r = join_parts(c, l, f, a, !strcmp(f, "np.append") ? 2 : 1);
            if (r)
                return r;
        }
    /* functions that move elements, not compute them (np.roll of a periodic field, flips,
     * transposes, copies, reshapes): each part as the real array's */
    static const char *moves[] = {"roll", "flip", "flipud", "fliplr", "transpose", "swapaxes", "moveaxis",
                                  "rot90", "expand_dims", "squeeze", "copy", "ravel", "flatten", "reshape",
                                  "repeat", "tile", NULL};
    if (!a->self && a->npos >= 1 && a->pos[0]->kind == V_TUPLE && !lw_is_complex(a->pos[0]) &&
        lw_has_complex(a->pos[0]) && seq_holds_array(a->pos[0])) {
        /* np.repeat([r], N, axis=0): NumPy's np.asarray of the list, a complex array */
        args b = {0};
        b.npos = 1;
        b.pos = NEWN(value *, 1);
        b.pos[0] = a->pos[0];
        value *arr = join_parts(c, l, "np.asarray", &b, 1);
        if (arr && arr->kind == V_ERR)
            return arr;
        if (arr) {
            args *a2 = NEW(args);
            *a2 = *a;
            a2->pos = NEWN(value *, a->npos + 1);
            for (int i = 0; i < a->npos; i++)
                a2->pos[i] = a->pos[i];
            a2->pos[0] = arr;
            a = a2;
            z = arr;
        }
    }
    int move = 0;
    for (const char **p = moves; *p && z && lw_is_complex(z); p++)
        move |= !strcmp(m, *p);
    for (int i = a->self ? 0 : 1; move && i < a->npos; i++)
        move &= !lw_has_complex(a->pos[i]);
    for (int i = 0; move && i < a->nkw; i++)
        move &= !lw_has_complex(a->kw[i]) && !is_complex_dtype(a->kw[i]);
    if (move) {
        value *r[2];
        for (int k = 0; k < 2; k++) {
            r[k] = part_call(c, l, a, z, k, f);
            if (r[k]->kind == V_ERR)
                return r[k];
        }
        /* one function of two arrays of one shape: results of one shape, even where their
         * extents are run-time expressions computed apart (np.reshape(y, (R ** i, ...)): each
         * part stays what the function made, a reshape's copy of a named array included) */
        if (r[0]->kind == V_ARRAY && r[1]->kind == V_ARRAY && r[0]->rank == r[1]->rank &&
            z->items[0]->kind == V_ARRAY && z->items[1]->kind == V_ARRAY && z->items[0]->rank == z->items[1]->rank)
            return cx(l, r[0], r[1], z->weak);
        return even(c, l, r[0], r[1], z->weak);
    }
    if (!strcmp(m, "where") && a->npos == 3 && !a->nkw) {
        value *ar, *ai, *br, *bi;
        value *cond = a->pos[0];
        if (lw_has_complex(cond)) {
            diag_error(cond->l, "np.where() of a complex condition is not supported");
            return &lw_ERRV;
        }
        ir_type t = promote(a->pos[1], a->pos[2]);
        if (!parts(c, l, a->pos[1], &ar, &ai, t) || !parts(c, l, a->pos[2], &br, &bi, t))
            return &lw_ERRV;
        return even(c, l, lw_where3(c, l, cond, ar, br), lw_where3(c, l, cond, ai, bi), 0);
    }
    if ((!strcmp(f, "np.array") || !strcmp(f, "np.asarray")) && !a->self && a->npos == 1 &&
        a->pos[0]->kind == V_TUPLE && !lw_is_complex(a->pos[0]) && (!a->nkw || (a->nkw == 1 && is_complex_dtype(dt)))) {
        /* np.array([1j, 2 + 0.5j, 3.0]): an array of the real parts and one of the imaginary */
        value *list = a->pos[0], *pr = lw_vnew(V_TUPLE, l), *pi = lw_vnew(V_TUPLE, l);
        *pr = *list;
        *pi = *list;
        pr->items = NEWN(value *, list->n + 1);
        pi->items = NEWN(value *, list->n + 1);
        for (int i = 0; i < list->n; i++) {
            value *it = list->items[i];
            if ((it->kind != V_SCALAR && !lw_is_complex(it)) ||
                !parts(c, l, it, &pr->items[i], &pi->items[i], dt ? complex_dtype(dt) : promote(it, NULL)) ||
                pr->items[i]->kind != V_SCALAR || pi->items[i]->kind != V_SCALAR) {
                if (it->kind != V_ERR)
                    diag_error(it->l, "%s() of complex values is supported for a list of numbers", f);
                return &lw_ERRV;
            }
        }
        value *r[2];
        for (int k = 0; k < 2; k++) {
            args b = *a;
            b.nkw = 0;
            b.pos = NEWN(value *, 1);
            b.pos[0] = k ? pi : pr;
            r[k] = lw_numpy_table_call(c, f, l, &b);
            if (r[k]->kind == V_ERR)
                return r[k];
        }
        return even(c, l, r[0], r[1], 0);
    }
    if ((!strcmp(f, "np.linalg.solve") && a->npos == 2) || (!strcmp(f, "np.linalg.inv") && a->npos == 1)) {
        /* complex matrices: the linalg prelude's Gaussian elimination with partial pivoting by
         * |re| + |im| (LAPACK's zgesv chooses its pivots so), in NumPy's complex arithmetic;
         * its sums run in another order than LAPACK's (a test says # tolerance) */
        for (int i = 0; i < a->npos; i++) {
            value *p = lw_is_complex(a->pos[i]) ? a->pos[i]->items[0] : a->pos[i];
            if (lw_is_complex(a->pos[i]) && ptype(a->pos[i]) == T_F32) {
                diag_error(a->pos[i]->l, "%s() of complex64 matrices is not supported (LAPACK's single precision): "
                                         "make them complex128 with .astype(np.complex128)", f);
                return &lw_ERRV;
            }
            int rank = p->kind == V_ARRAY ? p->rank : 0;
            if (a->nkw || rank < 1 || rank > 2 || (i == 0 && rank != 2) || (p->kind == V_ARRAY && p->type != T_F64 && !lw_is_complex(a->pos[i]))) {
                diag_error(a->pos[i]->l, "%s() of complex values takes %s", f,
                           i ? "a 1-D or 2-D float64 or complex array for b" : "a 2-D complex or float64 matrix");
                return &lw_ERRV;
            }
        }
        if (f[10] == 'i')
            return lw_call_prelude(c, l, "cinv", 1, a->pos);
        value *b = lw_is_complex(a->pos[1]) ? a->pos[1]->items[0] : a->pos[1];
        return lw_call_prelude(c, l, b->rank == 1 ? "csolve1" : "csolve2", 2, a->pos);
    }
    if ((!strcmp(f, "np.dot") || !strcmp(f, "np.vdot") || !strcmp(f, "np.inner") || !strcmp(f, "np.matmul")) &&
        !a->self && a->npos == 2 && !a->nkw)
        return lw_complex_dot(c, l, f, a->pos[0], a->pos[1]);
    if (a->self && !strcmp(f, "dot") && a->npos == 1 && !a->nkw)
        return lw_complex_dot(c, l, "np.dot", a->self, a->pos[0]);
    if (!strcmp(f, "len") && !a->self && a->npos == 1 && !a->nkw && lw_is_complex(z)) { /* its real part's */
        value *p = z->items[0];
        if (p->kind == V_ARRAY && p->rank >= 1) {
            value *r = lw_scalar(l, p->len[0], 1);
            r->s = p->sh[0];
            return r;
        }
        if (p->kind == V_MASKED && !p->n) { /* the elements its mask selects */
            value *k = lw_reduce(c, l, "sum", p->mask);
            return k->kind == V_ERR ? k : lw_scalar(l, ir_cast(l, T_I64, k->e), 1);
        }
    }
    static const struct {
        const char *name;
        ir_op op;
    } arith[] = {{"np.add", OP_ADD},         {"np.subtract", OP_SUB}, {"np.multiply", OP_MUL},
                 {"np.divide", OP_TRUEDIV},  {"np.true_divide", OP_TRUEDIV}, {"np.power", OP_POWER}};
    for (size_t i = 0; i < sizeof arith / sizeof *arith; i++) /* the operators they are */
        if (!strcmp(f, arith[i].name) && !a->self && a->npos == 2 && !a->nkw)
            return arith[i].op == OP_POWER ? c_power(c, l, a->pos[0], a->pos[1], 0)
                                           : lw_complex_binop(c, l, arith[i].op, a->pos[0], a->pos[1]);
    if ((!strcmp(f, "np.negative") || !strcmp(f, "np.positive")) && !a->self && a->npos == 1 && !a->nkw &&
        lw_is_complex(z))
        return lw_complex_unop(c, l, f[3] == 'n' ? OP_NEG : OP_POS, z);
    if (!strcmp(f, "np.save") && !a->self && a->npos + a->nkw == 2 && !lw_has_complex(a->npos ? a->pos[0] : NULL))
        return lw_numpy_table_call(c, f, l, a); /* complex128 .npy (lower_numpy.c) */
    const char *what = a->self ? arena_printf(&util_arena, "the method %s()", f) : arena_printf(&util_arena, "%s()", f);
    diag_error(l, "%s of a complex value is not supported (%s)", what, SUPPORTED);
    return &lw_ERRV;
}

/* a @ b, np.dot, np.matmul, np.inner, np.vdot (which conjugates a) with a complex operand: the
 * real products of the parts, (ar @ br - ai @ bi) + (ar @ bi + ai @ br) j, each summed in the
 * real product's order; NumPy's zgemm adds complex products in BLAS's order (a test says
 * # tolerance). */
value *lw_complex_dot(lctx *c, loc l, const char *f, value *a, value *b)
{
    value *ar, *ai, *br, *bi;
    ir_type t = promote(a, b);
    if (!parts(c, l, a, &ar, &ai, t) || !parts(c, l, b, &br, &bi, t))
        return &lw_ERRV;
    int ca = lw_is_complex(a), cb = lw_is_complex(b);
    if (ca && !strcmp(f, "np.vdot"))
        ai = neg(c, l, ai);
    if (!ca)
        return even(c, l, lw_dot(c, l, f, ar, br), lw_dot(c, l, f, ar, bi), 0);
    if (!cb)
        return even(c, l, lw_dot(c, l, f, ar, br), lw_dot(c, l, f, ai, br), 0);
    value *re = bin(c, l, OP_SUB, lw_dot(c, l, f, ar, br), lw_dot(c, l, f, ai, bi));
    value *im = bin(c, l, OP_ADD, lw_dot(c, l, f, ar, bi), lw_dot(c, l, f, ai, br));
    return even(c, l, re, im, 0);
}

/* z.real, z.imag, z.shape, z.size, z.ndim of a complex value; NULL: another attribute */
value *lw_complex_attr(lctx *c, value *z, const char *name)
{
    if (!strcmp(name, "dtype")) { /* np.zeros(shape, dtype=D.dtype) */
        value *d = lw_vnew(V_BUILTIN, z->l);
        d->str = ptype(z) == T_F32 ? "np.complex64" : "np.complex128";
        return d;
    }
    if (!strcmp(name, "T") && z->items[0]->kind == V_ARRAY && z->items[1]->kind == V_ARRAY)
        return cx(z->l, lw_transpose(c, z->l, z->items[0]), lw_transpose(c, z->l, z->items[1]), 0);
    value *p = !strcmp(name, "real") ? z->items[0] : !strcmp(name, "imag") ? z->items[1] : NULL;
    if (p && p->kind == V_SCALAR && z->weak) /* a Python complex's parts are Python floats */
        p = lw_scalar(p->l, p->e, 1);
    return p;
}

/* z[...]: the parts indexed alike */
value *lw_complex_index(lctx *c, value *z, ast *a)
{
    value *re = z->items[0], *im = z->items[1];
    if (re->kind != V_ARRAY || im->kind != V_ARRAY) {
        diag_error(a->l, "a complex number cannot be indexed");
        return &lw_ERRV;
    }
    value *r = lw_index_array(c, re, a, 0), *i = lw_index_array(c, im, a, 0);
    if (r->kind == V_ERR || i->kind == V_ERR)
        return &lw_ERRV;
    return cx(a->l, r, i, 0); /* z[m]: both parts selected by m (V_MASKED) */
}

/* A part of v computed now (into a new array, or a temporary number), so that storing the
 * other part first cannot change it. */
static value *computed(lctx *c, loc l, value *v)
{
    if (v->kind == V_MASKED && v->self && v->self->kind == V_ARRAY && !v->self->fresh && v->self->e->kind != E_READ) {
        value *r = lw_vnew(V_MASKED, v->l); /* z[m] = w[m] * w[m]: the whole product computed */
        *r = *v;
        r->self = lw_materialize(c, v->self);
        return r;
    }
    if (v->kind == V_ARRAY)
        return v->fresh ? v : lw_copy_of(c, l, v);
    if (v->kind == V_SCALAR && v->e->kind != E_CONST) {
        ir_var *t = lw_temp_scalar(c, v->type);
        ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
        s->var = t;
        s->e = v->e;
        lw_emit(c, s);
        return lw_scalar(l, ir_varref(l, t), v->weak);
    }
    return v;
}

/* t[...] = v with t a complex array: each part stored as a real array's would be (store, in
 * lower_assign.c, called back through a hidden name bound to the part). 1 when t is complex
 * (handled, perhaps with a diagnostic), 0 to let the caller store into a real array (v must
 * not be complex then). */
int lw_complex_store(lctx *c, ast *t, value *v, void (*store)(lctx *, ast *, value *))
{
    binding *b = t->a->kind == A_NAME ? lw_lookup(c, t->a->name, &(int){0}) : NULL;
    value *base = b && b->kind == B_VALUE ? b->val : NULL;
    if (!lw_is_complex(base)) {
        if (lw_has_complex(v)) {
            diag_error(t->l, "storing a complex value into a real array is not supported (NumPy "
                             "drops the imaginary part with a warning): take .real");
            return 1;
        }
        return 0;
    }
    value *vr, *vi;
    if (v->kind == V_ERR || !parts(c, t->l, v, &vr, &vi, promote(v, NULL)))
        return 1;
    if (base->items[0]->kind != V_ARRAY || base->items[1]->kind != V_ARRAY) {
        diag_error(t->l, "a complex number cannot be assigned by index");
        return 1;
    }
    /* NumPy computes the whole value first: both parts are computed before either is stored */
    vr = computed(c, t->l, vr);
    vi = computed(c, t->l, vi);
    for (int k = 0; k < 2; k++) {
        const char *hidden = arena_printf(&util_arena, "%s.part%d.%d.%d", t->a->name, k, t->l.line, t->l.col);
        binding *hb = lw_bind(c, hidden);
        hb->kind = B_VALUE;
        hb->val = base->items[k];
        ast *tk = ast_new(A_SUBSCRIPT, t->l);
        *tk = *t;
        tk->a = ast_name(t->a->l, hidden);
        store(c, tk, k ? vi : vr);
    }
    return 1;
}

/* z += w, z[m] *= w, psi /= norm with z complex: NumPy's in-place operation, z[...] = z op w (a
 * complex number bound to a name is rebound). 1 when handled. */
int lw_complex_augassign(lctx *c, ast *s, ast *t, ir_op op, value *rhs, void (*store)(lctx *, ast *, value *))
{
    if (t->kind != A_NAME && t->kind != A_SUBSCRIPT)
        return 0;
    if (t->kind == A_SUBSCRIPT && t->a->kind != A_NAME)
        return 0;
    binding *b = lw_lookup(c, t->kind == A_NAME ? t->name : t->a->name, &(int){0});
    value *base = b && b->kind == B_VALUE ? b->val : NULL;
    if (!lw_is_complex(base) && !lw_has_complex(rhs))
        return 0;
    if (!lw_is_complex(base)) {
        value *cur = base && (base->kind == V_ARRAY || base->kind == V_SCALAR) ? base : lw_expr(c, t);
        int known = cur->kind == V_ARRAY || cur->kind == V_SCALAR;
        diag_error(s->l, "Cannot cast ufunc '%s' output from dtype('%s') to dtype('%s') with "
                         "casting rule 'same_kind'", lw_ufunc_name(op),
                   known && promote(rhs, cur) == T_F32 ? "complex64" : "complex128",
                   known ? ir_type_name(cur->type) : "float64");
        return 1;
    }
    value *cur = lw_expr(c, t);
    value *r = lw_complex_binop(c, s->l, op, cur, rhs);
    if (r->kind == V_ERR)
        return 1;
    if (t->kind == A_NAME && base->items[0]->kind != V_ARRAY) {
        lw_assign_name(c, t, r);
        return 1;
    }
    ast *target = t;
    if (t->kind == A_NAME) /* in place: every name bound to the array sees the change */
        target = ast_subscript(t->l, t, ast_vec1(ast_name(t->l, "Ellipsis")), 0);
    store(c, target, r);
    return 1;
}
