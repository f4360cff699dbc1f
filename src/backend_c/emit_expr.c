/* emit_expr.c: C text of expressions, shared by the C and CUDA emitters (emit_internal.h).
 *
 * Host scalar code (emit_c_scalar: Python semantics, located errors) and the elementwise value
 * of a kernel (emit_kexpr: operands through row pointers in C, flat offsets in CUDA; scalar
 * subexpressions hoisted into kernel parameters), the operand names and accesses, constants,
 * and the small text helpers (string literals, #line comments, type and layout names).
 */
#include "emit_internal.h"
#include "../ir/sched.h"
#include "../util/sym.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Host code touching one array element: direct in C, a copy from or to the device in CUDA. */
const emit_target *emit_cur_target;

/* The holds of the loops being printed (pass_sched_held): host reads of their slots' elements
 * go through them. Nested marked loops hold other slots, so a slot is in one at most. */
static vec held_open;
void emit_held_push(const ir_stmt *loop)
{
    vec_push(&held_open, (void *)loop);
}
/* Emptied with its storage: it lives in util_arena, which the fuzz target frees between programs
 * (check-asan's replay found the next program pushing into the freed one). */
void emit_held_pop(void)
{
    if (--held_open.len == 0)
        held_open = (vec){0};
}
static int held_id(const ir_var *v)
{
    for (int i = 0; i < held_open.len; i++) {
        const ir_sched *h = VEC_AT(held_open, i, const ir_stmt *)->sched;
        for (int j = 0; j < h->held.len; j++)
            if (VEC_AT(h->held, j, const ir_var *) == v)
                return h->held_id + j;
    }
    return 0;
}

const char *emit_tyname(ir_type t)
{
    static const char *n[] = {"TYL_BOOL",  "TYL_INT32", "TYL_INT64",  "TYL_FLOAT32", "TYL_FLOAT64", "TYL_INT8",
                              "TYL_UINT8", "TYL_INT16", "TYL_UINT16", "TYL_UINT32",  "TYL_UINT64"};
    return n[t];
}

void emit_c_string(strbuf *b, const char *s) { util_c_string(b, s); }

/* The input's path as a C string literal, for #line and the run time. */
const char *emit_file_literal(void)
{
    /* kept out of the arena, which a process compiling several programs frees between them
     * (the fuzzer); b.s stays allocated, reachable from lit */
    static char *lit, *of;
    if (!lit || strcmp(of, diag_filename()) != 0) {
        free(lit);
        free(of);
        strbuf b = {0};
        util_c_string(&b, diag_filename());
        lit = b.s;
        of = strdup(diag_filename());
        if (!of)
            util_internal(__FILE__, __LINE__, "out of memory");
    }
    return lit;
}

/* "/ * PATH:LINE: source line * /", safe whatever the path and the line hold. */
void emit_line_comment(FILE *o, int line)
{
    strbuf b = {0};
    util_c_comment(&b, diag_filename());
    fprintf(o, "/* %s:%d: %s */\n", b.s ? b.s : "", line, emit_source_line(line));
    sb_free(&b);
}

void emit_where_str(strbuf *b, loc l) { emit_c_string(b, diag_where(l)); }

static void constant(strbuf *b, ir_expr *e)
{
    if (ir_type_is_float(e->type)) {
        double v = e->c.f;
        const char *suf = e->type == T_F32 ? "f" : "";
        if (isnan(v)) /* -np.nan keeps its sign bit (np.signbit, np.copysign see it) */
            sb_printf(b, "%s%s", signbit(v) ? "-" : "", e->type == T_F32 ? "NAN" : "(double)NAN");
        else if (isinf(v))
            sb_printf(b, "%s%s", v < 0 ? "-" : "", e->type == T_F32 ? "INFINITY" : "(double)INFINITY");
        else {
            char buf[40];
            snprintf(buf, sizeof buf, e->type == T_F32 ? "%.9g" : "%.17g", v);
            sb_puts(b, buf);
            if (!strpbrk(buf, ".eEn"))
                sb_puts(b, ".0");
            sb_puts(b, suf);
        }
        return;
    }
    if (e->type == T_BOOL)
        sb_puts(b, e->c.i ? "true" : "false");
    else if (e->c.i >= INT32_MIN && e->c.i <= INT32_MAX)
        sb_printf(b, "%" PRId64, e->c.i);
    else if (e->c.i == INT64_MIN)
        sb_puts(b, "INT64_MIN");
    else
        sb_printf(b, "INT64_C(%" PRId64 ")", e->c.i);
}

/* Views of one array that the front end's compile-time facts (ir_dim slo, checked when the
 * program runs where they were assumed) show to start at the same element in every dimension,
 * with the same steps, iterated along the same box dimensions: the same elements, however their
 * bounds are written. Inlining composes slices (hdiff's flx = f(lap[1:], in_field[2:I + 3]) read
 * at flx[:-1] gives in_field[slice_lo(.., 1, ..) + slice_lo(.., 0, ..)], where the value itself
 * reads in_field[2:I + 2]), so one element can reach a kernel as several reads: each one more
 * pointer and more loads that the C compiler cannot merge (hdiff read in_field's centre five
 * times over; merged, 1.14x the kernel's speed in the cache). */
static int same_elements(ir_view *a, ir_view *b)
{
    if (a->arr != b->arr || a->rank != b->rank)
        return 0;
    for (int d = 0; d < a->rank; d++) {
        const ir_dim *x = &a->dim[d], *y = &b->dim[d];
        if (x->kind != y->kind || !x->slo || !y->slo || !sym_equal(x->slo, y->slo))
            return 0;
        if (x->kind == D_RANGE &&
            (x->box != y->box || x->box < 0 || !x->step_c || x->step_c != y->step_c || x->wrap || y->wrap))
            return 0;
    }
    return 1;
}

int emit_view_eq(ir_view *a, ir_view *b)
{
    ir_expr ea = {.kind = E_READ, .type = a->arr->type, .view = a};
    ir_expr eb = {.kind = E_READ, .type = b->arr->type, .view = b};
    return ir_expr_equal(&ea, &eb) || same_elements(a, b);
}

/* Array dimension of the view iterated by box dimension k, or -1 (broadcast / not iterated). */
int emit_dim_of_box(ir_view *v, int k)
{
    for (int d = 0; d < v->rank; d++)
        if (v->dim[d].kind == D_RANGE && v->dim[d].box == k)
            return d;
    return -1;
}

/* Stride class of a view along box dim k: 1 (unit, known at compile time), 0 (broadcast),
 * -1 (a run-time stride), -2 (a periodic np.roll dimension: the index is taken modulo). */
int emit_static_stride(ir_view *v, int k)
{
    int d = emit_dim_of_box(v, k);
    if (d < 0)
        return 0;
    if (v->dim[d].wrap)
        return -2;
    if (d == v->rank - 1 && v->dim[d].step_c == 1)
        return 1;
    return -1;
}

int emit_has_wrap(ir_view *v)
{
    for (int d = 0; d < v->rank; d++)
        if (v->dim[d].kind == D_RANGE && v->dim[d].wrap)
            return 1;
    return 0;
}

/* C text of the element stride of array dimension d of a slot: the product of later extents. */
void emit_elem_stride(strbuf *b, ir_var *slot, int d)
{
    if (d == slot->rank - 1) {
        sb_puts(b, "1");
        return;
    }
    sb_printf(b, "%s->stride[%d]", slot->name, d);
}


/* The layout table of a slot's arrays, as a C expression ("NULL": replicated). */
const char *emit_layout_ref(ir_var *v)
{
    if (!ir_slot_dist(v))
        return "NULL";
    char buf[32];
    snprintf(buf, sizeof buf, "&tyl_L%d", v->layout->id);
    return arena_strdup(&util_arena, buf);
}

void emit_operand_name(strbuf *b, kctx *k, int idx)
{
    if (idx < 0 && k->nt <= 1)
        sb_puts(b, "w");
    else if (idx < 0)
        sb_printf(b, "w%d", -idx);
    else
        sb_printf(b, "r%d", idx + 1);
}

/* Element access of operand idx (-1: target) at the current point of the loop nest: through
 * row pointers in C (the inner loop indexes a row), through a flat offset in CUDA (one thread
 * per point). */
void emit_access(strbuf *b, kctx *k, int idx, ir_view *v)
{
    int L = k->B - 1;
    if (!k->cuda && (!emit_has_wrap(v) || k->wrap_fast)) {
        /* the row pointer holds the outer indices (wrapped for periodic reads); in the middle of
         * a peeled row the inner index of a periodic read does not wrap */
        emit_operand_name(b, k, idx);
        if (k->B > 1)
            sb_putc(b, 'r');
        int st = emit_static_stride(v, L);
        if (st == 1)
            sb_printf(b, "[i%d]", L);
        else if (st == 0)
            sb_puts(b, "[0]");
        else {
            sb_putc(b, '[');
            if (st == -1)
                sb_printf(b, "i%d * ", L);
            emit_operand_name(b, k, idx);
            if (st == -1)
                sb_printf(b, "_s%d]", L);
            else
                sb_printf(b, "_lo%d + i%d]", L, L);
        }
        return;
    }
    /* a flat offset from the operand's base pointer (CUDA, and the wrapped edges of a row) */
    emit_operand_name(b, k, idx);
    sb_putc(b, '[');
    int any = 0;
    for (int d = 0; d < k->B; d++) {
        int st = emit_static_stride(v, d);
        if (st == 0)
            continue;
        if (any++)
            sb_puts(b, " + ");
        if (st == 1)
            sb_printf(b, "i%d", d);
        else if (st == -1) {
            sb_printf(b, "i%d * ", d);
            emit_operand_name(b, k, idx);
            sb_printf(b, "_s%d", d);
        } else {
            sb_puts(b, "tyl_wrap(");
            emit_operand_name(b, k, idx);
            sb_printf(b, "_lo%d + i%d * ", d, d);
            emit_operand_name(b, k, idx);
            sb_printf(b, "_st%d, ", d);
            emit_operand_name(b, k, idx);
            sb_printf(b, "_n%d) * ", d);
            emit_operand_name(b, k, idx);
            sb_printf(b, "_es%d", d);
        }
    }
    sb_puts(b, any ? "]" : "0]");
}

static int scalar_index(kctx *k, ir_expr *e)
{
    for (int i = 0; i < k->scalars.len; i++)
        if (ir_expr_equal(VEC_AT(k->scalars, i, ir_expr *), e))
            return i;
    vec_push(&k->scalars, e);
    return k->scalars.len - 1;
}

static const char *math_fn(ir_fn fn, ir_type t)
{
    static const char *d[] = {[FN_SQRT] = "sqrt", [FN_EXP] = "exp", [FN_LOG] = "log",
                              [FN_SIN] = "sin", [FN_COS] = "cos", [FN_TAN] = "tan",
                              [FN_TANH] = "tanh", [FN_FLOOR] = "floor", [FN_CEIL] = "ceil",
                              [FN_SIGN] = "tyl_np_sign_f64", [FN_I0] = "tyl_np_i0_f64"};
    static const char *f[] = {[FN_SQRT] = "sqrtf", [FN_EXP] = "expf", [FN_LOG] = "logf",
                              [FN_SIN] = "sinf", [FN_COS] = "cosf", [FN_TAN] = "tanf",
                              [FN_TANH] = "tanhf", [FN_FLOOR] = "floorf", [FN_CEIL] = "ceilf",
                              [FN_SIGN] = "tyl_np_sign_f32", [FN_I0] = "tyl_np_i0_f32"};
    /* the rest are libm's own names: double, and float with an f */
    static const char *libm[] = {[FN_ASIN] = "asin", [FN_ACOS] = "acos", [FN_ATAN] = "atan",
                                 [FN_SINH] = "sinh", [FN_COSH] = "cosh", [FN_ASINH] = "asinh",
                                 [FN_ACOSH] = "acosh", [FN_ATANH] = "atanh", [FN_LOG10] = "log10",
                                 [FN_LOG2] = "log2", [FN_EXP2] = "exp2", [FN_EXPM1] = "expm1",
                                 [FN_LOG1P] = "log1p", [FN_CBRT] = "cbrt", [FN_TRUNC] = "trunc",
                                 [FN_RINT] = "rint", [FN_ERF] = "erf", [FN_ERFC] = "erfc", [FN_ATAN2] = "atan2", [FN_HYPOT] = "hypot",
                                 [FN_COPYSIGN] = "copysign", [FN_FMOD] = "fmod", [FN_FMA] = "fma",
                                 [FN_POW] = "pow"};
    if (fn == FN_SIGN && !ir_type_is_float(t))
        return "tyl_np_sign_i64";
    const char *name = fn >= FN_ASIN && fn <= FN_POW
                           ? (t == T_F32 ? arena_printf(&util_arena, "%sf", libm[fn]) : libm[fn])
                           : t == T_F32 ? f[fn] : d[fn];
    /* transcendental functions through tyles.h's tyl_libm_ names: the C compiler must not fold
     * a call of constants with its own rounding (libm's, as NumPy's, when running) */
    static const char *const exact[] = {"sqrt", "floor", "ceil", "trunc", "rint", "copysign", "fmod", "fma"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof exact / sizeof *exact; i++) {
        size_t m = strlen(exact[i]);
        if (strncmp(name, exact[i], m) == 0 && (n == m || (n == m + 1 && name[m] == 'f')))
            return name;
    }
    if (strncmp(name, "tyl_", 4) == 0)
        return name;
    return arena_printf(&util_arena, "tyl_libm_%s", name);
}

/* Shared operator printing; sub() prints operands in the right context. */
typedef void (*subfn)(strbuf *, ir_expr *, kctx *);

/* Does e call a function (clang assumes a call may have side effects)? */
static int calls_fn(const ir_expr *e, void *ctx)
{
    (void)ctx;
    return e->kind == E_CALL || e->kind == E_ELEM ||
           (e->kind == E_BIN && (e->py || e->op == OP_POWER || e->op == OP_FDIV || e->op == OP_MOD));
}

static void binop(strbuf *b, ir_expr *e, kctx *k, subfn sub)
{
    ir_type t = e->type, ot = e->a->type;
    const char *w = NULL;
    strbuf wb = {0};
    if (e->py) {
        emit_where_str(&wb, e->l);
        w = wb.s;
    }
    const char *fn = NULL;
    int isf = ir_type_is_float(ot);
    /* uint64 past 2^63 would turn negative in the int64 helpers: NumPy's unsigned ones */
    int u64 = ot == T_U64 && t == T_U64;
    switch (e->op) {
    case OP_TRUEDIV:
        if (e->py)
            fn = isf ? "tyl_py_div_f" : "tyl_py_truediv_i";
        break;
    case OP_FDIV:
        fn = e->py ? (isf ? "tyl_py_floordiv_f" : "tyl_py_floordiv_i")
                   : (isf ? "tyl_np_floordiv_f64" : u64 ? "tyl_np_floordiv_u64" : "tyl_np_floordiv_i64");
        break;
    case OP_MOD:
        fn = e->py ? (isf ? "tyl_py_mod_f" : "tyl_py_mod_i")
                   : (isf ? "tyl_np_mod_f64" : u64 ? "tyl_np_mod_u64" : "tyl_np_mod_i64");
        break;
    case OP_POWER:
        fn = e->py ? (isf ? "tyl_py_pow_f" : "tyl_py_pow_i")
                   : (isf ? (t == T_F32 ? "tyl_libm_powf" : "tyl_libm_pow") : "tyl_np_pow_i64");
        break;
    case OP_NPMIN:
        fn = t == T_F32 ? "tyl_np_minimum_f32" : isf ? "tyl_np_minimum_f64" : u64 ? "tyl_min_u64" : "tyl_min_i";
        w = NULL;
        break;
    case OP_NPMAX:
        fn = t == T_F32 ? "tyl_np_maximum_f32" : isf ? "tyl_np_maximum_f64" : u64 ? "tyl_max_u64" : "tyl_max_i";
        w = NULL;
        break;
    case OP_SHL: fn = e->py ? "tyl_py_lshift_i" : u64 ? "tyl_np_lshift_u64" : "tyl_np_lshift_i64"; break;
    case OP_SHR: fn = e->py ? "tyl_py_rshift_i" : u64 ? "tyl_np_rshift_u64" : "tyl_np_rshift_i64"; break;
    case OP_MIN: fn = isf ? "tyl_min_f" : u64 ? "tyl_min_u64" : "tyl_min_i"; w = NULL; break;
    case OP_MAX: fn = isf ? "tyl_max_f" : u64 ? "tyl_max_u64" : "tyl_max_i"; w = NULL; break;
    /* Python ints stop at int64 with a located error instead of wrapping */
    case OP_ADD: fn = e->py && t == T_I64 ? "tyl_py_add_i" : NULL; break;
    case OP_SUB: fn = e->py && t == T_I64 ? "tyl_py_sub_i" : NULL; break;
    case OP_MUL: fn = e->py && t == T_I64 ? "tyl_py_mul_i" : NULL; break;
    default: break;
    }
    if (fn) {
        int f32 = t == T_F32 && (e->op == OP_FDIV || e->op == OP_MOD);
        if (f32)
            sb_puts(b, "(float)");
        sb_printf(b, "%s(", fn);
        sub(b, e->a, k);
        sb_puts(b, ", ");
        sub(b, e->b, k);
        if (w && (e->op != OP_POWER || e->py))
            sb_printf(b, ", %s", w);
        sb_putc(b, ')');
        sb_free(&wb);
        return;
    }
    sb_free(&wb);
    static const char *ops[] = {
        [OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*", [OP_TRUEDIV] = "/", [OP_CLT] = "<",
        [OP_CLE] = "<=", [OP_CGT] = ">", [OP_CGE] = ">=", [OP_CEQ] = "==", [OP_CNE] = "!=",
        [OP_LAND] = "&&", [OP_LOR] = "||", [OP_BAND] = "&", [OP_BOR] = "|", [OP_BXOR] = "^",
    };
    /* constants the IR could not fold without overflow (products of huge view steps): the
     * program wraps (-fwrapv) and the C compiler would warn (-Woverflow), so in unsigned */
    int wrap = t == T_I64 && (e->op == OP_ADD || e->op == OP_SUB || e->op == OP_MUL) &&
               e->a->kind == E_CONST && e->b->kind == E_CONST;
    /* uint64 wraps modulo 2^64 as NumPy's does; its constants print as int64 literals */
    int uwrap = u64 && (e->op == OP_ADD || e->op == OP_SUB || e->op == OP_MUL);
    if (uwrap) {
        sb_puts(b, "((uint64_t)");
        sub(b, e->a, k);
        sb_printf(b, " %s (uint64_t)", ops[e->op]);
        sub(b, e->b, k);
        sb_putc(b, ')');
        return;
    }
    /* & | ^ of two bools whose right operand calls a function: clang's
     * -Wbitwise-instead-of-logical takes it for a mistaken && (both operands are evaluated, as
     * NumPy's elementwise operators evaluate both), which an int operand tells it is not */
    int asint = (e->op == OP_BAND || e->op == OP_BOR || e->op == OP_BXOR) && e->a->type == T_BOOL &&
                e->b->type == T_BOOL && ir_expr_any(e->b, calls_fn, NULL);
    sb_puts(b, wrap ? "(int64_t)((uint64_t)" : asint ? "((int)" : "(");
    sub(b, e->a, k);
    sb_printf(b, wrap ? " %s (uint64_t)" : " %s ", ops[e->op]);
    sub(b, e->b, k);
    sb_putc(b, ')');
}

/* ", i0, i1, ..., 0)": an element's indices as the run time's element calls take them (every
 * dimension up to IR_MAX_RANK, 0 past the array's), closing the call. */
static void elem_call_args(strbuf *b, const ir_expr *e, kctx *k, subfn sub)
{
    for (int d = 0; d < IR_MAX_RANK; d++) {
        sb_puts(b, ", ");
        if (d < e->nargs)
            sub(b, e->args[d], k);
        else
            sb_puts(b, "0");
    }
    sb_putc(b, ')');
}

/* Row-major offset of an element from its normalised indices. */
static void elem_offset(strbuf *b, ir_var *slot, ir_expr **idx, int n, kctx *k, subfn sub)
{
    for (int d = 0; d < n; d++) {
        if (d)
            sb_puts(b, " + ");
        sub(b, idx[d], k);
        if (ir_slot_dist(slot))
            sb_printf(b, " - %s->lo[%d]", slot->name, d);
        if (d < n - 1) {
            sb_puts(b, " * (");
            emit_elem_stride(b, slot, d);
            sb_putc(b, ')');
        }
    }
}

const char *emit_elem_suffix(ir_type t)
{
    switch (t) {
    case T_BOOL: return "bool";
    case T_I32: return "i32";
    case T_I64: return "i64";
    case T_F32: return "f32";
    case T_F64: return "f64";
    case T_I8: return "i8";
    case T_U8: return "u8";
    case T_I16: return "i16";
    case T_U16: return "u16";
    case T_U32: return "u32";
    case T_U64: return "u64";
    }
    return "f64";
}

static void hexpr(strbuf *b, ir_expr *e, kctx *k);

/* fn(args...) of a call whose arguments are plain operands */
static void call_args(strbuf *b, const char *fn, ir_expr *e, kctx *k, subfn sub)
{
    sb_printf(b, "%s(", fn);
    for (int i = 0; i < e->nargs; i++) {
        if (i)
            sb_puts(b, ", ");
        sub(b, e->args[i], k);
    }
    sb_putc(b, ')');
}

static void expr_common(strbuf *b, ir_expr *e, kctx *k, subfn sub)
{
    switch (e->kind) {
    case E_CONST: constant(b, e); return;
    case E_VAR: sb_puts(b, e->var->name); return;
    case E_BIN: binop(b, e, k, sub); return;
    case E_UN:
        if ((e->op == OP_NEG || e->op == OP_ABS) && e->type == T_I64 && sub == hexpr) {
            /* host scalar code: -INT64_MIN and abs(INT64_MIN) are errors, not wraps */
            sb_puts(b, e->op == OP_NEG ? "tyl_py_neg_i(" : "tyl_py_abs_i(");
            sub(b, e->a, k);
            sb_puts(b, ", ");
            emit_where_str(b, e->l);
            sb_putc(b, ')');
            return;
        }
        switch (e->op) {
        case OP_NEG: sb_puts(b, "(- "); break; /* never "--" */
        case OP_POS: sb_puts(b, "(+ "); break;
        case OP_LNOT: sb_puts(b, "(!"); break;
        case OP_BNOT: sb_puts(b, e->type == T_BOOL ? "(!" : "(~"); break;
        case OP_ABS:
            sb_puts(b, ir_type_is_float(e->type) ? (e->type == T_F32 ? "fabsf(" : "fabs(") : "tyl_abs_i(");
            break;
        default: UNREACHABLE();
        }
        sub(b, e->a, k);
        sb_putc(b, ')');
        return;
    case E_CAST:
        if (e->type == T_BOOL) {
            sb_puts(b, "(");
            sub(b, e->a, k);
            sb_puts(b, " != 0)");
        } else if (ir_type_is_float(e->a->type) && e->type != T_U32 && e->type != T_U64 && !ir_type_is_float(e->type)) {
            /* NumPy's result where C's conversion is undefined (NaN, out of range) */
            sb_printf(b, "((%s)%s(", ir_type_c(e->type), e->type == T_I64 ? "tyl_f2i64" : "tyl_f2i32");
            sub(b, e->a, k);
            sb_puts(b, "))");
        } else {
            sb_printf(b, "((%s)", ir_type_c(e->type));
            sub(b, e->a, k);
            sb_putc(b, ')');
        }
        return;
    case E_CALL:
        if (e->fn == FN_SLICE_LO || e->fn == FN_SLICE_LEN) {
            sb_puts(b, e->fn == FN_SLICE_LO ? "tyl_slo(" : "tyl_slen(");
            for (int i = 0; i < 5; i++) {
                sub(b, e->args[i], k);
                sb_puts(b, ", ");
            }
            emit_where_str(b, e->l);
            sb_putc(b, ')');
            return;
        }
        if (e->fn == FN_WALLTIME) {
            int64_t kind = 0;
            ir_expr_const_int(e->args[0], &kind);
            sb_printf(b, "tyl_wall_time(%d)", (int)kind);
            return;
        }
        if (e->fn == FN_NONEMPTY) {
            int64_t mx = 0;
            ir_expr_const_int(e->args[2], &mx);
            sb_puts(b, "(tyl_nonempty(");
            sub(b, e->args[0], k);
            sb_printf(b, ", \"%s\", ", mx ? "maximum" : "minimum");
            emit_where_str(b, e->l);
            sb_puts(b, "), ");
            sub(b, e->args[1], k);
            sb_putc(b, ')');
            return;
        }
        if (e->fn == FN_CMATH) { /* tyl_cmath(re, im, code), tyl_cmathf of complex64, or tyl_cpow(re, im, bre, bim, code) */
            call_args(b, e->nargs == 5 ? "tyl_cpow" : e->type == T_F32 ? "tyl_cmathf" : "tyl_cmath", e, k, sub);
            return;
        }
        if (e->fn == FN_PYINT) {
            sb_puts(b, "tyl_py_int(");
            sub(b, e->args[0], k);
            sb_puts(b, ", ");
            emit_where_str(b, e->l);
            sb_putc(b, ')');
            return;
        }
        if (e->fn == FN_PYROUND) {
            call_args(b, "tyl_py_round", e, k, sub);
            return;
        }
        if (e->fn == FN_INDEX || e->fn == FN_INDEX_NN) {
            sb_puts(b, e->fn == FN_INDEX ? "tyl_index(" : "tyl_index_nn(");
            sub(b, e->args[0], k);
            sb_puts(b, ", ");
            sub(b, e->args[1], k);
            sb_puts(b, ", ");
            sub(b, e->args[2], k);
            sb_puts(b, ", ");
            emit_where_str(b, e->l);
            sb_putc(b, ')');
            return;
        }
        call_args(b, math_fn(e->fn, e->type), e, k, sub);
        return;
    case E_SELECT:
        sb_putc(b, '(');
        sub(b, e->a, k);
        sb_puts(b, " ? ");
        sub(b, e->b, k);
        sb_puts(b, " : ");
        sub(b, e->cc, k);
        sb_putc(b, ')');
        return;
    case E_SHAPE: sb_printf(b, "%s->shape[%d]", e->var->name, e->dim); return;
    case E_ELEM:
        if (!k && held_id(e->var)) { /* read through the loop's hold (pass_sched_held) */
            sb_printf(b, "tyl_hget_%s(&tyl_held%d, %s", emit_elem_suffix(e->var->type), held_id(e->var), e->var->name);
            elem_call_args(b, e, k, sub);
            return;
        }
        if ((emit_cur_target && emit_cur_target->cuda) || ir_slot_dist(e->var)) {
            /* through the run time: device memory, or the owner's broadcast */
            sb_printf(b, "tyl_eget_%s(%s", emit_elem_suffix(e->var->type), e->var->name);
            elem_call_args(b, e, k, sub);
            return;
        }
        sb_printf(b, "((%s *)%s->data)[", ir_type_c(e->type), e->var->name);
        elem_offset(b, e->var, e->args, e->nargs, k, sub);
        sb_putc(b, ']');
        return;
    case E_READ:
    case E_INDEX: UNREACHABLE();
    }
}

static void hexpr(strbuf *b, ir_expr *e, kctx *k)
{
    (void)k;
    if (e->kind == E_READ || e->kind == E_INDEX)
        INTERNAL("array read in scalar code");
    expr_common(b, e, NULL, hexpr);
}

void emit_c_scalar(strbuf *b, ir_expr *e) { hexpr(b, e, NULL); }

static int read_index(kctx *k, ir_view *v)
{
    for (int i = 0; i < k->reads.len; i++)
        if (emit_view_eq(VEC_AT(k->reads, i, ir_view *), v))
            return i;
    vec_push(&k->reads, v);
    return k->reads.len - 1;
}

void emit_kexpr(strbuf *b, ir_expr *e, kctx *k)
{
    if (k->subst && k->subst(b, e, k))
        return;
    if (e->kind != E_CONST && ir_expr_is_scalar(e)) {
        sb_printf(b, "s%d", scalar_index(k, e) + 1);
        return;
    }
    if (e->kind == E_READ && k->stage_read && k->stage_read(b, e, k))
        return;
    if (e->kind == E_READ) {
        /* a pointwise read of a target goes through the target's own pointer (restrict) */
        for (int j = 0; k->w_reads && j < k->nt; j++)
            if (emit_view_eq(e->view, k->sw[j]->target)) {
                emit_access(b, k, -1 - j, k->sw[j]->target);
                return;
            }
        int i = read_index(k, e->view);
        emit_access(b, k, i, e->view);
        return;
    }
    if (e->kind == E_INDEX) {
        k->uses_index = 1;
        sb_printf(b, "((%s)(i%d + o%d))", ir_type_c(e->type), e->dim, e->dim);
        return;
    }
    expr_common(b, e, k, emit_kexpr);
}

/* The source line, trimmed, with comment terminators defused, for kernel comments. */
const char *emit_source_line(int line)
{
    const char *t = diag_line(line);
    while (*t == ' ' || *t == '\t')
        t++;
    size_t n = strcspn(t, "\n");
    strbuf b = {0};
    util_c_comment(&b, arena_strndup(&util_arena, t, n));
    const char *r = arena_strdup(&util_arena, b.s ? b.s : "");
    sb_free(&b);
    return r;
}

/* Host code lines (emit_host.c, emit_sweep.c, emit_ck.c): indented text, #line back to the
 * .tyl, scalar expressions and locations as C text. */
void emit_hline(ectx *c, int ind, loc l)
{
    if (l.line)
        fprintf(c->o, "#line %d %s\n", l.line, emit_file_literal());
    (void)ind;
}

void emit_put(ectx *c, int ind, const char *fmt, ...)
{
    fprintf(c->o, "%*s", ind * 4, "");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(c->o, fmt, ap);
    va_end(ap);
}

const char *emit_S(ir_expr *e)
{
    strbuf b = {0};
    emit_c_scalar(&b, e);
    const char *r = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    return r;
}

const char *emit_W(loc l)
{
    strbuf b = {0};
    emit_where_str(&b, l);
    const char *r = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    return r;
}
