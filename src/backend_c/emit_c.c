/* emit_c.c: IR -> C11 + OpenMP (+ MPI through libtyles). See emit_c.h.
 *
 * A sweep becomes a static kernel function over its box, called from main() with base pointers
 * and strides computed from the run-time slice bounds:
 *
 *     static void tyl_k1(int64_t n0, int64_t n1, double *restrict w, int64_t w_s0,
 *                        const double *restrict r1, int64_t r1_s0, double s1)
 *     {
 *         #pragma omp parallel for schedule(static) if (n0 * n1 > TYL_PAR_MIN)
 *         for (int64_t i0 = 0; i0 < n0; i0++) {
 *             double *restrict wr = w + i0 * w_s0;
 *             const double *restrict r1r = r1 + i0 * r1_s0;
 *             for (int64_t i1 = 0; i1 < n1; i1++)
 *                 wr[i1] = s1 * r1r[i1];
 *         }
 *     }
 *
 * Inner strides that are 1 at compile time (the last array dimension, step 1) are written as
 * plain indexing so the inner loop vectorises. Scalar subexpressions are evaluated once before
 * the call, in source order, and passed by value.
 */
#include "emit_c.h"
#include "emit_internal.h"
#include "../runtime_mpi/tyles_version.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Host code touching one array element: direct in C, a copy from or to the device in CUDA. */
static const emit_target *cur_target;

const char *emit_command_line;
const char *emit_output_name;

static const char *tyname(ir_type t)
{
    static const char *n[] = {"TYL_BOOL", "TYL_INT32", "TYL_INT64", "TYL_FLOAT32", "TYL_FLOAT64"};
    return n[t];
}

static void c_string(strbuf *b, const char *s) { util_c_string(b, s); }

/* The input's path as a C string literal, for #line and the run time. */
const char *emit_file_literal(void)
{
    static const char *lit;
    if (!lit) {
        strbuf b = {0};
        util_c_string(&b, diag_filename());
        lit = arena_strdup(&util_arena, b.s);
        sb_free(&b);
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

static void where(strbuf *b, loc l) { c_string(b, diag_where(l)); }

static void constant(strbuf *b, ir_expr *e)
{
    if (ir_type_is_float(e->type)) {
        double v = e->c.f;
        const char *suf = e->type == T_F32 ? "f" : "";
        if (isnan(v))
            sb_printf(b, e->type == T_F32 ? "NAN" : "(double)NAN");
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

/* ---- kernels -------------------------------------------------------------------------------- */


int emit_view_eq(ir_view *a, ir_view *b)
{
    ir_expr ea = {.kind = E_READ, .type = a->arr->type, .view = a};
    ir_expr eb = {.kind = E_READ, .type = b->arr->type, .view = b};
    return ir_expr_equal(&ea, &eb);
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
static const char *layout_ref(ir_var *v)
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
                              [FN_SIGN] = "tyl_np_sign_f64"};
    static const char *f[] = {[FN_SQRT] = "sqrtf", [FN_EXP] = "expf", [FN_LOG] = "logf",
                              [FN_SIN] = "sinf", [FN_COS] = "cosf", [FN_TAN] = "tanf",
                              [FN_TANH] = "tanhf", [FN_FLOOR] = "floorf", [FN_CEIL] = "ceilf",
                              [FN_SIGN] = "tyl_np_sign_f32"};
    /* the rest are libm's own names: double, and float with an f */
    static const char *libm[] = {[FN_ASIN] = "asin", [FN_ACOS] = "acos", [FN_ATAN] = "atan",
                                 [FN_SINH] = "sinh", [FN_COSH] = "cosh", [FN_ASINH] = "asinh",
                                 [FN_ACOSH] = "acosh", [FN_ATANH] = "atanh", [FN_LOG10] = "log10",
                                 [FN_LOG2] = "log2", [FN_EXP2] = "exp2", [FN_EXPM1] = "expm1",
                                 [FN_LOG1P] = "log1p", [FN_CBRT] = "cbrt", [FN_TRUNC] = "trunc",
                                 [FN_RINT] = "rint", [FN_ATAN2] = "atan2", [FN_HYPOT] = "hypot",
                                 [FN_COPYSIGN] = "copysign", [FN_FMOD] = "fmod", [FN_POW] = "pow"};
    if (fn == FN_SIGN && !ir_type_is_float(t))
        return "tyl_np_sign_i64";
    if (fn >= FN_ASIN && fn <= FN_POW)
        return t == T_F32 ? arena_printf(&util_arena, "%sf", libm[fn]) : libm[fn];
    return t == T_F32 ? f[fn] : d[fn];
}

/* Shared operator printing; sub() prints operands in the right context. */
typedef void (*subfn)(strbuf *, ir_expr *, kctx *);

static void binop(strbuf *b, ir_expr *e, kctx *k, subfn sub)
{
    ir_type t = e->type, ot = e->a->type;
    const char *w = NULL;
    strbuf wb = {0};
    if (e->py) {
        where(&wb, e->l);
        w = wb.s;
    }
    const char *fn = NULL;
    int isf = ir_type_is_float(ot);
    switch (e->op) {
    case OP_TRUEDIV:
        if (e->py)
            fn = isf ? "tyl_py_div_f" : "tyl_py_truediv_i";
        break;
    case OP_FDIV:
        fn = e->py ? (isf ? "tyl_py_floordiv_f" : "tyl_py_floordiv_i")
                   : (isf ? "tyl_np_floordiv_f64" : "tyl_np_floordiv_i64");
        break;
    case OP_MOD:
        fn = e->py ? (isf ? "tyl_py_mod_f" : "tyl_py_mod_i") : (isf ? "tyl_np_mod_f64" : "tyl_np_mod_i64");
        break;
    case OP_POWER:
        fn = e->py ? (isf ? "tyl_py_pow_f" : "tyl_py_pow_i") : (isf ? (t == T_F32 ? "powf" : "pow") : "tyl_np_pow_i64");
        break;
    case OP_NPMIN:
        fn = t == T_F32 ? "tyl_np_minimum_f32" : isf ? "tyl_np_minimum_f64" : "tyl_min_i";
        w = NULL;
        break;
    case OP_NPMAX:
        fn = t == T_F32 ? "tyl_np_maximum_f32" : isf ? "tyl_np_maximum_f64" : "tyl_max_i";
        w = NULL;
        break;
    case OP_MIN: fn = isf ? "tyl_min_f" : "tyl_min_i"; w = NULL; break;
    case OP_MAX: fn = isf ? "tyl_max_f" : "tyl_max_i"; w = NULL; break;
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
    sb_puts(b, wrap ? "(int64_t)((uint64_t)" : "(");
    sub(b, e->a, k);
    sb_printf(b, wrap ? " %s (uint64_t)" : " %s ", ops[e->op]);
    sub(b, e->b, k);
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

static const char *elem_suffix(ir_type t)
{
    switch (t) {
    case T_BOOL: return "bool";
    case T_I32: return "i32";
    case T_I64: return "i64";
    case T_F32: return "f32";
    case T_F64: return "f64";
    }
    return "f64";
}

static void hexpr(strbuf *b, ir_expr *e, kctx *k);

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
            where(b, e->l);
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
            where(b, e->l);
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
            where(b, e->l);
            sb_puts(b, "), ");
            sub(b, e->args[1], k);
            sb_putc(b, ')');
            return;
        }
        if (e->fn == FN_PYINT) {
            sb_puts(b, "tyl_py_int(");
            sub(b, e->args[0], k);
            sb_puts(b, ", ");
            where(b, e->l);
            sb_putc(b, ')');
            return;
        }
        if (e->fn == FN_INDEX) {
            sb_puts(b, "tyl_index(");
            sub(b, e->args[0], k);
            sb_puts(b, ", ");
            sub(b, e->args[1], k);
            sb_puts(b, ", ");
            sub(b, e->args[2], k);
            sb_puts(b, ", ");
            where(b, e->l);
            sb_putc(b, ')');
            return;
        }
        sb_printf(b, "%s(", math_fn(e->fn, e->type));
        for (int i = 0; i < e->nargs; i++) {
            if (i)
                sb_puts(b, ", ");
            sub(b, e->args[i], k);
        }
        sb_putc(b, ')');
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
        if ((cur_target && cur_target->cuda) || ir_slot_dist(e->var)) {
            /* through the run time: device memory, or the owner's broadcast */
            sb_printf(b, "tyl_eget_%s(%s", elem_suffix(e->var->type), e->var->name);
            for (int d = 0; d < IR_MAX_RANK; d++) {
                sb_puts(b, ", ");
                if (d < e->nargs)
                    sub(b, e->args[d], k);
                else
                    sb_puts(b, "0");
            }
            sb_putc(b, ')');
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
    if (e->kind != E_CONST && ir_expr_is_scalar(e)) {
        sb_printf(b, "s%d", scalar_index(k, e) + 1);
        return;
    }
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

/* The parameter list of a kernel: extents, target, reads with their run-time strides, scalars.
 * The body text must have been produced first (it collects the reads and scalars). */
void emit_kernel_params(FILE *o, ir_stmt *s, kctx *k, const char *R)
{
    int B = k->B;
    fputc('(', o);
    for (int d = 0; d < B; d++)
        fprintf(o, "int64_t n%d%s", d, d < B - 1 || k->nt || k->reads.len || k->uses_index ? ", " : "");
    for (int d = 0; k->uses_index && d < B; d++)
        fprintf(o, "int64_t o%d%s", d, d < B - 1 || k->nt || k->reads.len ? ", " : "");
    for (int j = 0; j < k->nt; j++) {
        ir_view *t = k->sw[j]->target;
        strbuf nm = {0};
        emit_operand_name(&nm, k, -1 - j);
        fprintf(o, "%s%s *%s%s", j ? ",\n        " : "", ir_type_c(t->arr->type), R, nm.s);
        for (int d = 0; d < B; d++)
            if (emit_static_stride(t, d) != 1)
                fprintf(o, ", int64_t %s_s%d", nm.s, d);
        sb_free(&nm);
    }
    for (int i = 0; i < k->reads.len; i++) {
        ir_view *v = VEC_AT(k->reads, i, ir_view *);
        fprintf(o, "%s\n        const %s *%sr%d", k->nt || i ? "," : "", ir_type_c(v->arr->type), R, i + 1);
        for (int d = 0; d < B; d++) {
            int st = emit_static_stride(v, d);
            if (st == -1)
                fprintf(o, ", int64_t r%d_s%d", i + 1, d);
            else if (st == -2)
                fprintf(o, ", int64_t r%d_lo%d, int64_t r%d_st%d, int64_t r%d_n%d, int64_t r%d_es%d", i + 1,
                        d, i + 1, d, i + 1, d, i + 1, d);
        }
    }
    for (int i = 0; i < k->scalars.len; i++)
        fprintf(o, ", %s s%d", ir_type_c(VEC_AT(k->scalars, i, ir_expr *)->type), i + 1);
    if (!k->nt) /* a reduction: its partial results */
        fprintf(o, ", %s *part", ir_type_c(s->var->type));
    fputc(')', o);
}

/* Row pointers of the target and the reads, declared inside loop d = B - 2 so the innermost
 * loop indexes contiguous rows. Operands with periodic dimensions use flat offsets instead. */
void emit_row_pointers(FILE *o, kctx *k, int d, int ind, const char *R)
{
    for (int i = -k->nt; i < k->reads.len; i++) {
        ir_view *v = i < 0 ? k->sw[-1 - i]->target : VEC_AT(k->reads, i, ir_view *);
        if (emit_has_wrap(v) != k->wrap_fast) /* periodic operands get their rows in a second call */
            continue;
        const char *ty = ir_type_c(v->arr->type);
        strbuf nm = {0};
        emit_operand_name(&nm, k, i);
        if (i < 0)
            fprintf(o, "%*s%s *%s%sr = %s", ind, "", ty, R, nm.s, nm.s);
        else
            fprintf(o, "%*sconst %s *%s%sr = %s", ind, "", ty, R, nm.s, nm.s);
        for (int j = 0; j <= d; j++) {
            int st = emit_static_stride(v, j);
            if (st == 0)
                continue;
            if (st == 1)
                fprintf(o, " + i%d", j);
            else if (st == -1)
                fprintf(o, " + i%d * %s_s%d", j, nm.s, j);
            else
                fprintf(o, " + tyl_wrap(%s_lo%d + i%d * %s_st%d, %s_n%d) * %s_es%d", nm.s, j, j, nm.s, j, nm.s, j,
                        nm.s, j);
        }
        fprintf(o, ";\n");
        sb_free(&nm);
    }
}

/* The identity and the combining step of a reduction, as C text. */
static const char *red_identity(ir_stmt *s)
{
    ir_type t = s->var->type;
    if (s->op == OP_ADD)
        return t == T_F32 ? "0.0f" : ir_type_is_float(t) ? "0.0" : "0";
    int mx = s->op == OP_NPMAX;
    switch (t) {
    case T_F64: return mx ? "-(double)INFINITY" : "(double)INFINITY";
    case T_F32: return mx ? "-INFINITY" : "INFINITY";
    case T_I64: return mx ? "INT64_MIN" : "INT64_MAX";
    case T_I32: return mx ? "INT32_MIN" : "INT32_MAX";
    case T_BOOL: return mx ? "false" : "true";
    }
    return "0";
}

/* acc = combine(acc, v) as C text (NaN propagates through max and min). */
void emit_red_combine(FILE *o, ir_stmt *s, const char *acc, const char *v)
{
    ir_type t = s->var->type;
    if (s->op == OP_ADD)
        fprintf(o, "%s += %s;", acc, v);
    else if (t == T_BOOL)
        fprintf(o, "%s = %s %s %s;", acc, acc, s->op == OP_NPMAX ? "||" : "&&", v);
    else if (ir_type_is_float(t))
        fprintf(o, "%s = (%s %s %s || %s != %s) ? %s : %s;", acc, v, s->op == OP_NPMAX ? ">" : "<", acc, v,
                v, v, acc);
    else
        fprintf(o, "%s = %s %s %s ? %s : %s;", acc, v, s->op == OP_NPMAX ? ">" : "<", acc, v, acc);
}

const char *emit_red_identity(ir_stmt *s) { return red_identity(s); }

/* The box offsets o0.. are parameters of every kernel that uses an index, whichever of them its
 * expression uses (-Wunused-parameter). */
static void unused_offsets(FILE *o, kctx *k)
{
    for (int d = 0; k->uses_index && d < k->B; d++)
        fprintf(o, "    (void)o%d;\n", d);
}

/* C reduction kernel: one partial result per outer index (per block of 4096 in 1-D), each
 * accumulated in order; the caller combines the partials in a fixed order, so the result does
 * not depend on the number of threads. */
static void c_reduce_kernel(FILE *o, ir_stmt *s, kctx *k)
{
    int B = k->B;
    const char *T = ir_type_c(s->var->type);
    strbuf body = {0};
    emit_kexpr(&body, s->e, k);
    emit_line_comment(o, s->l.line);
    fprintf(o, "static void tyl_k%d", s->id);
    emit_kernel_params(o, s, k, "restrict ");
    fprintf(o, "\n{\n");
    unused_offsets(o, k);
    fprintf(o, "#line %d %s\n", s->l.line, emit_file_literal());
    if (B == 1) {
        fprintf(o, "    const int64_t nb = (n0 + 4095) / 4096;\n");
        fprintf(o, "    #pragma omp parallel for schedule(static) if (n0 > TYL_PAR_MIN)\n");
        fprintf(o, "    for (int64_t b = 0; b < nb; b++) {\n");
        fprintf(o, "        %s acc = %s;\n", T, red_identity(s));
        fprintf(o, "        const int64_t e = (b + 1) * 4096 < n0 ? (b + 1) * 4096 : n0;\n");
        fprintf(o, "        for (int64_t i0 = b * 4096; i0 < e; i0++) {\n");
        fprintf(o, "            const %s v = %s;\n            ", T, body.s);
        emit_red_combine(o, s, "acc", "v");
        fprintf(o, "\n        }\n        part[b] = acc;\n    }\n}\n\n");
        sb_free(&body);
        return;
    }
    fprintf(o, "    #pragma omp parallel for schedule(static) if (");
    for (int d = 0; d < B; d++)
        fprintf(o, "%sn%d", d ? " * " : "", d);
    fprintf(o, " > TYL_PAR_MIN)\n");
    fprintf(o, "    for (int64_t i0 = 0; i0 < n0; i0++) {\n");
    fprintf(o, "        %s acc = %s;\n", T, red_identity(s));
    if (B == 2)
        emit_row_pointers(o, k, 0, 8, "restrict ");
    for (int d = 1; d < B; d++) {
        fprintf(o, "%*sfor (int64_t i%d = 0; i%d < n%d; i%d++) {\n", 4 * (d + 1), "", d, d, d, d);
        if (d == B - 2)
            emit_row_pointers(o, k, d, 4 * (d + 2), "restrict ");
    }
    fprintf(o, "%*sconst %s v = %s;\n%*s", 4 * (B + 1), "", T, body.s, 4 * (B + 1), "");
    emit_red_combine(o, s, "acc", "v");
    fprintf(o, "\n");
    for (int d = B - 1; d >= 1; d--)
        fprintf(o, "%*s}\n", 4 * (d + 1), "");
    fprintf(o, "        part[i0] = acc;\n    }\n}\n\n");
    sb_free(&body);
}

/* C: a loop nest, OpenMP on the outer loop, row pointers for a contiguous inner loop. */
/* Periodic reads whose inner dimension wraps with step 1 (or does not wrap): the row splits into
 * two edges where indices wrap and a middle where they do not (peel). */
static int peelable(kctx *k)
{
    int any = 0;
    for (int i = 0; i < k->reads.len; i++) {
        ir_view *v = VEC_AT(k->reads, i, ir_view *);
        if (!emit_has_wrap(v))
            continue;
        any = 1;
        int d = emit_dim_of_box(v, k->B - 1);
        if (d >= 0 && v->dim[d].wrap && (v->dim[d].step_c != 1 || d != v->rank - 1))
            return 0; /* the middle indexes the row directly: unit steps along the last axis */
    }
    return any;
}

static void print_lines(FILE *o, int ind, const char *text)
{
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        fprintf(o, "%*s%.*s\n", ind, "", (int)(e - p), p);
        p = e + 1;
    }
}

static void c_kernel(FILE *o, ir_stmt *s, kctx *k)
{
    int B = k->B, L = B - 1;
    const char *R = k->restrict_ok ? "restrict " : "";
    strbuf body = {0}, fast = {0};
    emit_kernel_body(&body, k, B > 1 ? "r" : "");
    int peel = peelable(k);
    if (peel) {
        k->wrap_fast = 1;
        emit_kernel_body(&fast, k, B > 1 ? "r" : "");
        k->wrap_fast = 0;
    }

    for (int j = 0; j < k->nt; j++)
        emit_line_comment(o, k->sw[j]->l.line);
    fprintf(o, "static void tyl_k%d", s->id);
    emit_kernel_params(o, s, k, R);
    fprintf(o, "\n{\n");
    unused_offsets(o, k);
    fprintf(o, "#line %d %s\n", s->l.line, emit_file_literal());
    if (peel) {
        /* the middle of a row, [a, b), where no periodic read wraps in the inner dimension */
        fprintf(o, "    int64_t a = 0, b = n%d;\n", L);
        for (int i = 0; i < k->reads.len; i++) {
            ir_view *v = VEC_AT(k->reads, i, ir_view *);
            if (emit_static_stride(v, L) != -2)
                continue;
            fprintf(o, "    r%d_lo%d %%= r%d_n%d > 0 ? r%d_n%d : 1;\n", i + 1, L, i + 1, L, i + 1, L);
            fprintf(o, "    if (-r%d_lo%d > a)\n        a = -r%d_lo%d;\n", i + 1, L, i + 1, L);
            fprintf(o, "    if (r%d_n%d - r%d_lo%d < b)\n        b = r%d_n%d - r%d_lo%d;\n", i + 1, L, i + 1, L, i + 1,
                    L, i + 1, L);
        }
        fprintf(o, "    if (a > n%d)\n        a = n%d;\n    if (b < a)\n        b = a;\n", L, L);
    }
    if (!(peel && B == 1)) {
        fprintf(o, "    #pragma omp parallel for schedule(static) if (");
        for (int d = 0; d < B; d++)
            fprintf(o, "%sn%d", d ? " * " : "", d);
        fprintf(o, " > TYL_PAR_MIN)\n");
    }
    for (int d = 0; d < B - 1; d++) {
        fprintf(o, "%*sfor (int64_t i%d = 0; i%d < n%d; i%d++)%s\n", 4 * (d + 1), "", d, d, d, d,
                d == B - 2 ? " {" : "");
        if (d == B - 2) {
            emit_row_pointers(o, k, d, 4 * (d + 2), R);
            if (peel) {
                k->wrap_fast = 1;
                emit_row_pointers(o, k, d, 4 * (d + 2), R);
                k->wrap_fast = 0;
            }
        }
    }
    int ind = 4 * B;
    if (peel) {
        /* edges with wrapped indices, then the contiguous middle */
        const char *ranges[3][2] = {{"0", "a"}, {"a", "b"}, {"b", arena_printf(&util_arena, "n%d", L)}};
        for (int seg = 0; seg < 3; seg++) {
            if (B == 1 && seg == 1)
                fprintf(o, "    #pragma omp parallel for schedule(static) if (b - a > TYL_PAR_MIN)\n");
            fprintf(o, "%*sfor (int64_t i%d = %s; i%d < %s; i%d++) {\n", ind, "", L, ranges[seg][0], L,
                    ranges[seg][1], L);
            print_lines(o, ind + 4, seg == 1 ? fast.s : body.s);
            fprintf(o, "%*s}\n", ind, "");
        }
    } else {
        fprintf(o, "%*sfor (int64_t i%d = 0; i%d < n%d; i%d++)%s\n", ind, "", L, L, L, L, k->nt > 1 ? " {" : "");
        print_lines(o, ind + 4, body.s);
        if (k->nt > 1)
            fprintf(o, "%*s}\n", ind, "");
    }
    if (B > 1)
        fprintf(o, "%*s}\n", 4 * (B - 1), "");
    fprintf(o, "}\n\n");
    sb_free(&body);
    sb_free(&fast);
}

/* "w[i] = value;" per target (row pointers when rowsuf is "r"), in the sweeps' order. The values
 * are produced first so the reads and scalars they collect are known. */
void emit_kernel_body(strbuf *b, kctx *k, const char *rowsuf)
{
    for (int j = 0; j < k->nt; j++) {
        strbuf v = {0}, lhs = {0};
        emit_kexpr(&v, k->sw[j]->e, k);
        ir_view *t = k->sw[j]->target;
        if (k->cuda) {
            emit_access(&lhs, k, -1 - j, t);
        } else {
            int L = k->B - 1;
            emit_operand_name(&lhs, k, -1 - j);
            sb_puts(&lhs, rowsuf);
            if (emit_static_stride(t, L) == 1)
                sb_printf(&lhs, "[i%d]", L);
            else {
                sb_printf(&lhs, "[i%d * ", L);
                emit_operand_name(&lhs, k, -1 - j);
                sb_printf(&lhs, "_s%d]", L);
            }
        }
        sb_printf(b, "%s = %s;\n", lhs.s, v.s);
        sb_free(&v);
        sb_free(&lhs);
    }
}

/* ---- program ------------------------------------------------------------------------------- */

typedef struct ectx {
    FILE *o;         /* main()'s body */
    FILE *kf;        /* kernels, written before main() */
    FILE *sink;      /* kernels written a second time go nowhere */
    int nk;
    vec vars;        /* ir_var* referenced (declared in main) */
    const emit_target *t;
    int loops;       /* loops enclosing the statement being emitted */
    vec ck_loops;    /* ir_stmt*: top-level time loops, numbered by position (checkpoints) */
} ectx;



static void note_var(ectx *c, ir_var *v)
{
    if (!v || v->is_param)
        return;
    for (int i = 0; i < c->vars.len; i++)
        if (VEC_AT(c->vars, i, ir_var *) == v)
            return;
    vec_push(&c->vars, v);
}

static void vars_expr(ectx *c, ir_expr *e)
{
    if (!e)
        return;
    if (e->kind == E_VAR || e->kind == E_SHAPE || e->kind == E_ELEM)
        note_var(c, e->var);
    if (e->kind == E_READ) {
        note_var(c, e->view->arr);
        for (int d = 0; d < e->view->rank; d++) {
            vars_expr(c, e->view->dim[d].lo);
            vars_expr(c, e->view->dim[d].len);
            vars_expr(c, e->view->dim[d].step);
            vars_expr(c, e->view->dim[d].wrap);
        }
    }
    for (int i = 0; i < e->nargs; i++)
        vars_expr(c, e->args[i]);
    vars_expr(c, e->a);
    vars_expr(c, e->b);
    vars_expr(c, e->cc);
}

static void vars_block(ectx *c, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        note_var(c, s->var);
        note_var(c, s->src_slot);
        if (s->kind == S_ROTATE) {
            ir_expr r = {.kind = E_READ, .view = s->target};
            vars_expr(c, &r);
        }
        vars_expr(c, s->e);
        vars_expr(c, s->e2);
        vars_expr(c, s->e3);
        for (int k = 0; s->kind == S_BIND && k < s->n; k++) {
            note_var(c, s->dst[k]);
            note_var(c, s->srcs[k]);
        }
        if (s->kind == S_ALLOC)
            for (int d = 0; d < s->var->rank; d++)
                vars_expr(c, s->shape[d]);
        if (s->kind == S_REDUCE)
            for (int d = 0; d < s->n; d++)
                vars_expr(c, s->shape[d]);
        if (s->target) {
            ir_expr r = {.kind = E_READ, .view = s->target};
            vars_expr(c, &r);
        }
        if (s->kind == S_SETELEM || s->kind == S_CHECK || s->kind == S_PRINT)
            for (int k = 0; k < (s->kind == S_CHECK ? s->na + s->nb : s->n); k++) {
                if (s->kind != S_PRINT || IR_PRINT_EXPR(s, k))
                    vars_expr(c, s->args[k]);
                else if (ir_print_view(s, k)) {
                    ir_expr r = {.kind = E_READ, .view = s->pviews[k]};
                    vars_expr(c, &r);
                } else if (ir_print_slot(s, k))
                    note_var(c, s->pslots[k]);
            }
        vars_block(c, &s->body);
        vars_block(c, &s->orelse);
    }
}

static void line(ectx *c, int ind, loc l)
{
    if (l.line)
        fprintf(c->o, "#line %d %s\n", l.line, emit_file_literal());
    (void)ind;
}

static void put(ectx *c, int ind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(ectx *c, int ind, const char *fmt, ...)
{
    fprintf(c->o, "%*s", ind * 4, "");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(c->o, fmt, ap);
    va_end(ap);
}

static const char *S(ir_expr *e)
{
    strbuf b = {0};
    hexpr(&b, e, NULL);
    const char *r = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    return r;
}

/* A condition: S(e) without the parentheses around the whole, which `if (...)` already gives
 * (clang's -Wparentheses-equality reads "if ((a == b))" as a mistyped assignment). */
static const char *COND(ir_expr *e)
{
    const char *r = S(e);
    size_t n = strlen(r);
    if (n < 2 || r[0] != '(' || r[n - 1] != ')')
        return r;
    int depth = 0;
    for (size_t i = 0; i < n - 1; i++) {
        depth += r[i] == '(' ? 1 : r[i] == ')' ? -1 : 0;
        if (depth == 0)
            return r; /* "(a) && (b)": the first parenthesis closes before the end */
        if (r[i] == '"' || r[i] == '\'')
            return r; /* strings and characters could hold parentheses: leave it */
    }
    return arena_strndup(&util_arena, r + 1, n - 2);
}

static const char *W(loc l)
{
    strbuf b = {0};
    where(&b, l);
    const char *r = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    return r;
}

/* Base pointer of view v, of the array held in C variable `arr` (the view's slot, or a new
 * buffer of the same layout), at box offsets given by `off` ("tyl_o%d": the part being
 * computed; "tyl_b[%d]": the rank's local box), as C text. Distributed arrays are indexed
 * from their owned block's origin (data is global index lo). */
static const char *base_ptr_at(ir_view *v, const char *arr, const char *off)
{
    strbuf b = {0};
    sb_printf(&b, "(%s *)%s->data", ir_type_c(v->arr->type), arr);
    int dist = ir_slot_dist(v->arr);
    for (int d = 0; d < v->rank; d++) {
        const ir_dim *m = &v->dim[d];
        if (m->kind == D_RANGE && m->wrap)
            continue; /* the kernel takes the index modulo the extent */
        strbuf ix = {0};
        int64_t k;
        int lo0 = ir_expr_const_int(m->lo, &k) && k == 0;
        if (!lo0)
            sb_printf(&ix, "(%s)", S(m->lo));
        if (m->kind == D_RANGE && m->box >= 0) {
            if (ix.len)
                sb_puts(&ix, " + ");
            if (m->step_c != 1)
                sb_printf(&ix, "(%s) * ", S(m->step));
            sb_printf(&ix, off, m->box);
        }
        if (dist) {
            if (ix.len)
                sb_puts(&ix, " - ");
            else
                sb_puts(&ix, "-");
            sb_printf(&ix, "%s->lo[%d]", arr, d);
        }
        if (ix.len) {
            sb_printf(&b, " + (%s)", ix.s);
            if (d < v->rank - 1)
                sb_printf(&b, " * %s->stride[%d]", arr, d);
        }
        sb_free(&ix);
    }
    const char *r = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    return r;
}

static const char *base_ptr(ir_view *v) { return base_ptr_at(v, v->arr->name, "tyl_o%d"); }

/* Stride of a view along box dimension k (run-time text). */
static const char *box_stride(ir_view *v, int k)
{
    int d = emit_dim_of_box(v, k);
    strbuf b = {0};
    if (d < 0)
        sb_puts(&b, "0");
    else {
        if (v->dim[d].step_c != 1)
            sb_printf(&b, "(%s) * ", S(v->dim[d].step));
        sb_putc(&b, '(');
        emit_elem_stride(&b, v->arr, d);
        sb_putc(&b, ')');
    }
    const char *r = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    return r;
}

static void c_launch(FILE *o, int ind, ir_stmt *s, kctx *k)
{
    (void)k;
    fprintf(o, "%*styl_k%d", ind * 4, "", s->id);
}

/* Arguments for the reads and scalars of a kernel, after its extents and target. */
static void read_args(ectx *c, int ind, kctx *k)
{
    for (int i = 0; i < k->reads.len; i++) {
        ir_view *v = VEC_AT(k->reads, i, ir_view *);
        fprintf(c->o, ",\n");
        put(c, ind + 2, "%s", base_ptr(v));
        for (int d = 0; d < k->B; d++) {
            int st = emit_static_stride(v, d);
            if (st == -1)
                fprintf(c->o, ", %s", box_stride(v, d));
            else if (st == -2) {
                int a = emit_dim_of_box(v, d);
                strbuf es = {0};
                emit_elem_stride(&es, v->arr, a);
                fprintf(c->o, ", (%s) + (%s) * tyl_o%d, %s, %s, %s", S(v->dim[a].lo), S(v->dim[a].step), d,
                        S(v->dim[a].step), S(v->dim[a].wrap), es.s);
                sb_free(&es);
            }
        }
    }
    for (int i = 0; i < k->scalars.len; i++)
        fprintf(c->o, ", tyl_s%d", i + 1);
}

/* The kernel call for the part tyl_o / tyl_n of the box. scratch: 0 the targets themselves,
 * 1 a scratch box over the local box (tyl_scr, strides tyl_scr_s), 2 a new buffer of the
 * target's layout that replaces it (tyl_scr). */
static void kernel_call(ectx *c, int ind, ir_stmt *s, kctx *k, int scratch)
{
    int B = k->B;
    c->t->launch(c->o, ind, s, k);
    fputc('(', c->o);
    for (int d = 0; d < B; d++)
        fprintf(c->o, "tyl_n%d, ", d);
    for (int d = 0; k->uses_index && d < B; d++)
        fprintf(c->o, "tyl_o%d, ", d);
    for (int j = 0; j < k->nt; j++) {
        ir_view *t = k->sw[j]->target;
        if (j)
            fprintf(c->o, ", ");
        if (scratch == 1) {
            fprintf(c->o, "(%s *)tyl_scr->data", ir_type_c(t->arr->type));
            for (int d = 0; d < B; d++)
                fprintf(c->o, " + (tyl_o%d - tyl_b[%d]) * tyl_scr_s[%d]", d, d, d);
            for (int d = 0; d < B; d++)
                if (emit_static_stride(t, d) != 1)
                    fprintf(c->o, ", tyl_scr_s[%d]", d);
        } else {
            fprintf(c->o, "%s", scratch == 2 ? base_ptr_at(t, "tyl_scr", "tyl_o%d") : base_ptr(t));
            for (int d = 0; d < B; d++)
                if (emit_static_stride(t, d) != 1)
                    fprintf(c->o, ", %s", box_stride(t, d));
        }
    }
    read_args(c, ind, k);
    fprintf(c->o, ");\n");
}

/* The rank's local box tyl_b / tyl_nb of a box of extents tyl_N<k>: the points whose element of
 * view t (the target, or a reduction's anchor) this rank owns. */
static void local_box(ectx *c, int ind, ir_view *t, int B)
{
    put(c, ind, "int64_t tyl_b[%d], tyl_nb[%d];\n", B ? B : 1, B ? B : 1);
    if (!t || !ir_slot_dist(t->arr)) {
        for (int k = 0; k < B; k++)
            put(c, ind, "tyl_b[%d] = 0, tyl_nb[%d] = tyl_N%d;\n", k, k, k);
        return;
    }
    for (int d = 0; d < t->rank; d++)
        if (t->dim[d].kind == D_RANGE)
            put(c, ind, "tyl_lrange(%s, %d, %s, %s, tyl_N%d, &tyl_b[%d], &tyl_nb[%d]);\n", t->arr->name, d,
                S(t->dim[d].lo), S(t->dim[d].step), t->dim[d].box, t->dim[d].box, t->dim[d].box);
    for (int d = 0; d < t->rank; d++)
        if (t->dim[d].kind == D_FIXED) {
            put(c, ind, "if (!tyl_owns(%s, %d, %s))\n", t->arr->name, d, S(t->dim[d].lo));
            put(c, ind + 1, "tyl_nb[0] = 0;\n");
        }
}

/* Start the halo exchanges a sweep needs (tyl_hx; NULL when nothing travels). */
static void halo_begin(ectx *c, int ind, ir_halo *h)
{
    if (!h) {
        put(c, ind, "tyl_halo *tyl_hx = NULL;\n");
        return;
    }
    put(c, ind, "tyl_array *tyl_ha[%d] = {", h->n);
    for (int i = 0; i < h->n; i++)
        fprintf(c->o, "%s%s", i ? ", " : "", h->slot[i]->name);
    fprintf(c->o, "};\n");
    int words = 1; /* per array: as many as the highest rank's zones need */
    for (int i = 0; i < h->n; i++)
        if (TYL_ZONE_WORDS_OF(h->slot[i]->rank) > words)
            words = TYL_ZONE_WORDS_OF(h->slot[i]->rank);
    put(c, ind, "static const uint64_t tyl_hm[%d] = {", words * h->n);
    for (int i = 0; i < h->n; i++)
        for (int w = 0; w < words; w++)
            fprintf(c->o, "%s0x%llxull", i || w ? ", " : "", (unsigned long long)h->zones[i][w]);
    fprintf(c->o, "};\n");
    put(c, ind, "tyl_halo *tyl_hx = tyl_halo_begin(tyl_ha, tyl_hm, %d, %d);\n", words, h->n);
}

static void emit_sweep(ectx *c, int ind, ir_stmt *s)
{
    kctx k = {0};
    k.s = s;
    if (s->kind == S_FUSED) {
        for (int j = 0; j < s->body.len && j < EMIT_MAX_TARGETS; j++)
            k.sw[k.nt++] = VEC_AT(s->body, j, ir_stmt *);
        UTIL_ASSERT(k.nt == s->body.len);
        s->mode = M_DIRECT;
    } else {
        k.sw[k.nt++] = s;
    }
    k.B = k.sw[0]->target->vrank;
    k.restrict_ok = s->mode != M_CHECKED && !(s->kind == S_FUSED && s->aliased);
    k.w_reads = s->mode == M_DIRECT;
    k.cuda = c->t->cuda;
    /* a statement emitted twice (a captured loop body and its plain form) keeps one kernel */
    if (s->id)
        c->t->kernel(c->sink, s, &k);
    else {
        s->id = ++c->nk;
        c->t->kernel(c->kf, s, &k);
    }

    ir_view *t = k.sw[0]->target;
    int B = k.B;
    put(c, ind, "{\n");
    line(c, ind, s->l);
    int first = 1;
    for (int d = 0; d < t->rank; d++)
        if (t->dim[d].kind == D_RANGE) {
            if (first)
                put(c, ind + 1, "const int64_t ");
            fprintf(c->o, "%styl_N%d = %s", first ? "" : ", ", t->dim[d].box, S(t->dim[d].len));
            first = 0;
        }
    if (!first)
        fprintf(c->o, ";\n");
    for (int i = 0; i < k.scalars.len; i++) {
        ir_expr *e = VEC_AT(k.scalars, i, ir_expr *);
        put(c, ind + 1, "const %s tyl_s%d = %s;\n", ir_type_c(e->type), i + 1, S(e));
    }
    local_box(c, ind + 1, t, B);
    halo_begin(c, ind + 1, s->halo);
    /* the parts: with halos in flight, the interior first, then the strips along the edges */
    put(c, ind + 1, "const int tyl_shl[%d] = {", B ? B : 1);
    for (int d = 0; d < B; d++)
        fprintf(c->o, "%s%d", d ? ", " : "", s->halo ? s->halo->shl[d] : 0);
    fprintf(c->o, "%s}, tyl_shh[%d] = {", B ? "" : "0", B ? B : 1);
    for (int d = 0; d < B; d++)
        fprintf(c->o, "%s%d", d ? ", " : "", s->halo ? s->halo->shh[d] : 0);
    fprintf(c->o, "%s};\n", B ? "" : "0");
    put(c, ind + 1, "const int tyl_ov = tyl_hx != NULL && tyl_dist_overlap();\n");
    put(c, ind + 1, "if (!tyl_ov) {\n");
    put(c, ind + 2, "tyl_halo_end(tyl_hx);\n");
    put(c, ind + 2, "tyl_hx = NULL;\n");
    put(c, ind + 1, "}\n");
    put(c, ind + 1, "int64_t tyl_part[%d][2][TYL_MAX_RANK];\n", 2 * B + 1);
    put(c, ind + 1, "const int tyl_nparts = tyl_split_box(%d, tyl_b, tyl_nb, tyl_shl, tyl_shh, tyl_ov, tyl_part);\n", B);

    int scratch = s->mode == M_DIRECT ? 0 : s->replace ? 2 : 1;
    int cind = ind + 1;
    if (s->mode == M_CHECKED) {
        put(c, ind + 1, "int tyl_alias = 0");
        for (int i = 0; i < k.reads.len; i++) {
            ir_view *v = VEC_AT(k.reads, i, ir_view *);
            if (v->arr == t->arr)
                continue;
            int dup = 0;
            for (int j = 0; j < i; j++)
                dup |= VEC_AT(k.reads, j, ir_view *)->arr == v->arr;
            if (!dup)
                fprintf(c->o, " || %s->data == %s->data", v->arr->name, t->arr->name);
        }
        fprintf(c->o, ";\n");
    }
    if (scratch) {
        put(c, cind, "tyl_array *tyl_scr = NULL;\n");
        if (scratch == 1) {
            put(c, cind, "int64_t tyl_scr_s[%d];\n", B ? B : 1);
            for (int d = B - 1; d >= 0; d--)
                put(c, cind, "tyl_scr_s[%d] = %s;\n", d, d == B - 1 ? "1" : "0");
            for (int d = B - 2; d >= 0; d--)
                put(c, cind, "tyl_scr_s[%d] = tyl_scr_s[%d] * tyl_nb[%d];\n", d, d + 1, d + 1);
        }
        int aind = cind;
        if (s->mode == M_CHECKED) {
            put(c, cind, "if (tyl_alias)\n");
            aind++;
        }
        if (scratch == 1)
            put(c, aind, "tyl_scr = tyl_alloc(%s, %d, tyl_nb, TYL_INIT_NONE, %s);\n", tyname(t->arr->type), B, W(s->l));
        else
            put(c, aind, "tyl_scr = tyl_alloc_like(%s, TYL_INIT_NONE, %s);\n", t->arr->name, W(s->l));
    }
    put(c, cind, "for (int tyl_q = 0; tyl_q < tyl_nparts; tyl_q++) {\n");
    put(c, cind + 1, "if (tyl_q == 1 && tyl_hx) {\n");
    put(c, cind + 2, "tyl_halo_end(tyl_hx);\n");
    put(c, cind + 2, "tyl_hx = NULL;\n");
    put(c, cind + 1, "}\n");
    for (int d = 0; d < B; d++)
        put(c, cind + 1, "const int64_t tyl_o%d = tyl_part[tyl_q][0][%d], tyl_n%d = tyl_part[tyl_q][1][%d];\n", d, d, d, d);
    if (B) {
        put(c, cind + 1, "if (");
        for (int d = 0; d < B; d++)
            fprintf(c->o, "%styl_n%d <= 0", d ? " || " : "", d);
        fprintf(c->o, ")\n");
        put(c, cind + 2, "continue;\n");
    }
    for (int d = 0; d < B; d++)
        put(c, cind + 1, "(void)tyl_o%d;\n", d);
    if (s->mode == M_CHECKED && scratch) {
        /* braces: a CUDA launch is itself an if (an empty box launches nothing), which an
         * unbraced else would attach to */
        put(c, cind + 1, "if (tyl_alias) {\n");
        kernel_call(c, cind + 2, s, &k, scratch);
        put(c, cind + 1, "} else {\n");
        kernel_call(c, cind + 2, s, &k, 0);
        put(c, cind + 1, "}\n");
    } else {
        kernel_call(c, cind + 1, s, &k, scratch);
    }
    put(c, cind, "}\n");
    put(c, cind, "tyl_halo_end(tyl_hx);\n");
    if (scratch == 1) {
        put(c, cind, "if (tyl_scr) {\n");
        put(c, cind + 1, "const int64_t tyl_dst_s[%d] = {", B ? B : 1);
        for (int d = 0; d < B; d++)
            fprintf(c->o, "%s%s", d ? ", " : "", box_stride(t, d));
        fprintf(c->o, "%s};\n", B ? "" : "0");
        put(c, cind + 1, "tyl_box_copy(%s, tyl_dst_s, tyl_scr->data, tyl_scr_s, %d, tyl_nb, sizeof(%s));\n",
            base_ptr_at(t, t->arr->name, "tyl_b[%d]"), B, ir_type_c(t->arr->type));
        put(c, cind + 1, "tyl_release(tyl_scr);\n");
        put(c, cind, "}\n");
    } else if (scratch == 2) {
        put(c, cind, "if (tyl_scr)\n");
        put(c, cind + 1, "tyl_set(&%s, tyl_scr);\n", t->arr->name);
    }
    for (int j = 0; j < k.nt; j++)
        if (ir_slot_dist(k.sw[j]->target->arr))
            put(c, ind + 1, "tyl_dirty(%s);\n", k.sw[j]->target->arr->name);
    put(c, ind, "}\n");
}

static void emit_block(ectx *c, int ind, vec *body);
/* S_RANDOM: libtyles' NumPy streams (tyl_random.c); the same on the host and CUDA back ends,
 * since the fill goes through tyl_mem. */
static void emit_random(ectx *c, int ind, ir_stmt *s)
{
    static const char *kind[] = {"TYL_RK_SAMPLE", "TYL_RK_SAMPLE_F32", "TYL_RK_GAUSS",
                                 "TYL_RK_UNIFORM", "TYL_RK_INT"};
    line(c, ind, s->l);
    if (s->init == R_SEED) {
        put(c, ind, "tyl_random_seed(%d, %s, %d, %s);\n", s->n, s->e ? S(s->e) : "0", !s->e, W(s->l));
        return;
    }
    const char *a = s->e ? S(s->e) : "0", *b = s->e2 ? S(s->e2) : "0";
    int ints = s->init == R_INT;
    const char *k = s->na ? arena_printf(&util_arena, "%s | TYL_RK_SEEDED", kind[s->init]) : kind[s->init];
    if (s->var->is_array)
        put(c, ind, "tyl_random_fill(%d, %s, %s, %s, %s, %s, %s, %s);\n", s->n, k,
            ints ? "0" : a, ints ? "0" : b, ints ? a : "0", ints ? b : "1", s->var->name, W(s->l));
    else if (ints)
        put(c, ind, "%s = tyl_random_draw_int(%d, %s, %s, %s, %s);\n", s->var->name, s->n, k, a, b, W(s->l));
    else
        put(c, ind, "%s = tyl_random_draw(%d, %s, %s, %s, %s);\n", s->var->name, s->n, k, a, b,
            W(s->l));
}

static void emit_stmt(ectx *c, int ind, ir_stmt *s);

/* var = reduction: partial results from the kernel, combined here in a fixed order. */
static void emit_reduce(ectx *c, int ind, ir_stmt *s)
{
    kctx k = {0};
    k.s = s;
    k.B = s->n;
    k.restrict_ok = 1;
    k.cuda = c->t->cuda;
    if (s->id)
        c->t->reduce_kernel(c->sink, s, &k);
    else {
        s->id = ++c->nk;
        c->t->reduce_kernel(c->kf, s, &k);
    }
    const char *T = ir_type_c(s->var->type);
    put(c, ind, "{\n");
    line(c, ind, s->l);
    put(c, ind + 1, "const int64_t ");
    for (int d = 0; d < k.B; d++)
        fprintf(c->o, "%styl_N%d = %s", d ? ", " : "", d, S(s->shape[d]));
    fprintf(c->o, ";\n");
    for (int i = 0; i < k.scalars.len; i++) {
        ir_expr *e = VEC_AT(k.scalars, i, ir_expr *);
        put(c, ind + 1, "const %s tyl_s%d = %s;\n", ir_type_c(e->type), i + 1, S(e));
    }
    if (s->op != OP_ADD) { /* max/min of no element (sum's is 0) */
        put(c, ind + 1, "if (tyl_N0 == 0");
        for (int d = 1; d < k.B; d++)
            fprintf(c->o, " || tyl_N%d == 0", d);
        fprintf(c->o, ")\n%*styl_empty_reduction(%s, \"%s\");\n", (ind + 2) * 4, "", W(s->l),
                s->op == OP_NPMAX ? "maximum" : "minimum");
    }
    /* a distributed reduction: each rank reduces the points of its block of the anchor */
    local_box(c, ind + 1, s->anchor, k.B);
    halo_begin(c, ind + 1, s->halo);
    put(c, ind + 1, "tyl_halo_end(tyl_hx);\n");
    put(c, ind + 1, "const int64_t ");
    for (int d = 0; d < k.B; d++)
        fprintf(c->o, "%styl_n%d = tyl_nb[%d], tyl_o%d = tyl_b[%d]", d ? ", " : "", d, d, d, d);
    fprintf(c->o, ";\n");
    for (int d = 0; d < k.B; d++)
        put(c, ind + 1, "(void)tyl_o%d;\n", d);
    put(c, ind + 1, "int64_t tyl_ltotal = 1;\n");
    for (int d = 0; d < k.B; d++)
        put(c, ind + 1, "tyl_ltotal *= tyl_n%d > 0 ? tyl_n%d : 0;\n", d, d);
    if (c->t->cuda)
        put(c, ind + 1, "const int64_t tyl_np = tyl_ltotal < 262144 ? (tyl_ltotal + 255) / 256 : 1024;\n");
    else if (k.B == 1)
        put(c, ind + 1, "const int64_t tyl_np = tyl_ltotal ? (tyl_n0 + 4095) / 4096 : 0;\n");
    else
        put(c, ind + 1, "const int64_t tyl_np = tyl_ltotal ? tyl_n0 : 0;\n");
    put(c, ind + 1, "%s *tyl_part = (%s *)tyl_reduce_scratch((size_t)(tyl_np > 0 ? tyl_np : 1) * sizeof(%s));\n",
        T, T, T);
    if (c->t->cuda)
        put(c, ind + 1, "if (tyl_ltotal > 0)\n%*styl_k%d<<<(unsigned)tyl_np, 256, 0, tyl_cuda_stream()>>>(", (ind + 2) * 4, "", s->id);
    else
        put(c, ind + 1, "if (tyl_ltotal > 0)\n%*styl_k%d(", (ind + 2) * 4, "", s->id);
    for (int d = 0; d < k.B; d++)
        fprintf(c->o, "%styl_n%d", d ? ", " : "", d);
    for (int d = 0; k.uses_index && d < k.B; d++)
        fprintf(c->o, ", tyl_o%d", d);
    read_args(c, ind + 1, &k);
    fprintf(c->o, ", tyl_part);\n");
    const char *parts = "tyl_part";
    if (c->t->cuda) {
        put(c, ind + 1, "%s tyl_hp[1024];\n", T);
        put(c, ind + 1, "tyl_reduce_fetch(tyl_hp, tyl_part, (size_t)tyl_np * sizeof(%s));\n", T);
        parts = "tyl_hp";
    }
    if (s->op == OP_ADD && ir_type_is_float(s->var->type)) {
        put(c, ind + 1, "%s = tyl_pairwise_sum_%s(%s, tyl_np);\n", s->var->name,
            s->var->type == T_F32 ? "f32" : "f64", parts);
    } else {
        put(c, ind + 1, "%s tyl_r = %s;\n", T, emit_red_identity(s));
        put(c, ind + 1, "for (int64_t tyl_i = 0; tyl_i < tyl_np; tyl_i++) {\n");
        put(c, ind + 2, "const %s tyl_v = %s[tyl_i];\n", T, parts);
        put(c, ind + 2, "%s", "");
        emit_red_combine(c->o, s, "tyl_r", "tyl_v");
        fprintf(c->o, "\n");
        put(c, ind + 1, "}\n");
        put(c, ind + 1, "%s = tyl_r;\n", s->var->name);
    }
    if (s->anchor)
        put(c, ind + 1, "tyl_reduce_ranks(&%s, %s, %d);\n", s->var->name, tyname(s->var->type),
            s->op == OP_ADD ? 0 : s->op == OP_NPMAX ? 1 : 2);
    put(c, ind, "}\n");
}

/* A local array of extents (compound literals are not C++, so CUDA could not take them). */
/* At a checkpointed loop's label: the shapes its arrays have, from the parameters (lower.c), for
 * a restart to check the checkpoint's against (-1: an extent that does not follow from them). */
static void emit_ck_expect(ectx *c, int ind, ir_stmt *s)
{
    for (int j = 0; j < s->ck_n; j++) {
        ir_var *v = s->ck_slot[j];
        int at = -1;
        for (int i = 0; i < c->vars.len; i++)
            if (VEC_AT(c->vars, i, ir_var *) == v)
                at = i;
        if (at < 0)
            continue;
        put(c, ind, "{\n");
        put(c, ind + 1, "const int64_t tyl_e[%d] = {", v->rank);
        for (int d = 0; d < v->rank; d++) {
            ir_expr *e = s->ck_shape[j * IR_MAX_RANK + d];
            fprintf(c->o, "%s%s", d ? ", " : "", e ? S(e) : "-1");
        }
        fprintf(c->o, "};\n");
        put(c, ind + 1, "tyl_ck_expect(%d, tyl_e);\n", at);
        put(c, ind, "}\n");
    }
}

static void shape_decl(ectx *c, int ind, const char *name, int n, ir_expr **e)
{
    put(c, ind, "const int64_t %s[%d] = {", name, n ? n : 1);
    for (int i = 0; i < n; i++)
        fprintf(c->o, "%s%s", i ? ", " : "", S(e[i]));
    if (n == 0)
        fprintf(c->o, "0");
    fprintf(c->o, "};\n");
}

/* ---- CUDA graphs: a time loop whose body only launches kernels and swaps names ---- */



static int sweep_uses_var(ir_stmt *w, ir_var *v)
{
    if (w->kind == S_FUSED) {
        for (int i = 0; i < w->body.len; i++)
            if (sweep_uses_var(VEC_AT(w->body, i, ir_stmt *), v))
                return 1;
        return 0;
    }
    ir_expr r = {.kind = E_READ, .view = w->target};
    return ir_expr_uses_var(w->e, v) || ir_expr_uses_var(&r, v);
}

static int sweep_has_elem(ir_stmt *w)
{
    if (w->kind == S_FUSED) {
        for (int i = 0; i < w->body.len; i++)
            if (sweep_has_elem(VEC_AT(w->body, i, ir_stmt *)))
                return 1;
        return 0;
    }
    ir_expr r = {.kind = E_READ, .view = w->target};
    return ir_expr_has_elem(w->e) || ir_expr_has_elem(&r);
}

/* The number of iterations after which the body's renamings come back to the start (1 without
 * swaps, 2 for u, un = un, u), if the loop can be captured once in a CUDA graph and replayed:
 * a constant positive step, a body of direct sweeps, swaps of names (permutations), run-time
 * checks, and scalar assignments no kernel reads. 0 otherwise. */
static int graph_period(ir_stmt *loop)
{
    int64_t step;
    if (!ir_expr_const_int(loop->e3, &step) || step <= 0)
        return 0;
    vec slots = {0}, perm = {0}; /* perm[i]: the slot whose original buffer slots[i] holds now */
    for (int i = 0; i < loop->body.len; i++) {
        ir_stmt *s = VEC_AT(loop->body, i, ir_stmt *);
        switch (s->kind) {
        case S_SWEEP:
        case S_FUSED:
            /* a kernel reading the loop variable would replay its captured value */
            if (s->mode != M_DIRECT || sweep_has_elem(s) || sweep_uses_var(s, loop->var))
                return 0;
            break;
        case S_CHECK: break;
        case S_ASSIGN:
            for (int j = 0; j < loop->body.len; j++) {
                ir_stmt *w = VEC_AT(loop->body, j, ir_stmt *);
                if ((w->kind == S_SWEEP || w->kind == S_FUSED) && sweep_uses_var(w, s->var))
                    return 0;
                if (w->kind == S_CHECK)
                    for (int a = 0; a < w->na + w->nb; a++)
                        if (ir_expr_uses_var(w->args[a], s->var))
                            return 0;
            }
            break;
        case S_BIND: {
            if (s->move)
                return 0;
            void *old[16];
            for (int k = 0; k < s->n; k++) {
                int found = 0;
                for (int j = 0; j < s->n; j++)
                    found |= s->srcs[k] == s->dst[j];
                if (!found || s->n > 16)
                    return 0;
            }
            for (int k = 0; k < s->n; k++) {
                int at = -1;
                for (int j = 0; j < slots.len; j++)
                    if (slots.items[j] == s->srcs[k])
                        at = j;
                old[k] = at >= 0 ? perm.items[at] : s->srcs[k];
            }
            for (int k = 0; k < s->n; k++) {
                int at = -1;
                for (int j = 0; j < slots.len; j++)
                    if (slots.items[j] == s->dst[k])
                        at = j;
                if (at < 0) {
                    vec_push(&slots, s->dst[k]);
                    vec_push(&perm, old[k]);
                } else
                    perm.items[at] = old[k];
            }
            break;
        }
        default: return 0;
        }
    }
    /* period of the permutation */
    for (int p = 1; p <= 8; p++) {
        int ident = 1;
        for (int j = 0; j < slots.len && ident; j++) {
            void *x = slots.items[j];
            for (int r = 0; r < p; r++) { /* follow x through p applications */
                int at = -1;
                for (int q = 0; q < slots.len; q++)
                    if (slots.items[q] == x)
                        at = q;
                x = at >= 0 ? perm.items[at] : x;
            }
            ident = x == slots.items[j];
        }
        if (ident)
            return p;
    }
    return 0;
}

static void emit_graph_loop(ectx *c, int ind, ir_stmt *s, int period)
{
    const char *v = s->var->name;
    put(c, ind, "{\n");
    put(c, ind + 1, "/* time loop captured in a CUDA graph (%d iteration%s) and replayed */\n", period,
        period == 1 ? "" : "s");
    put(c, ind + 1, "const int64_t tyl_start = %s, tyl_stop = %s, tyl_step = %s;\n", S(s->e), S(s->e2), S(s->e3));
    put(c, ind + 1, "const int64_t tyl_trip = tyl_range_len(tyl_start, tyl_stop, tyl_step);\n");
    put(c, ind + 1, "int64_t tyl_done = 0;\n");
    /* halos that travel through the host (MPI) cannot be captured; through NCCL, or as
     * device copies on one rank, they can */
    put(c, ind + 1, "if (tyl_use_graphs() && tyl_halo_capturable() && tyl_trip >= 16 && tyl_trip >= 3 * %d) {\n",
        period);
    /* one period of plain launches first: the halo buffers take their sizes and the halo
     * bookkeeping (which zones are current) its steady state, which the captured period
     * assumes at every replay */
    put(c, ind + 2, "for (; tyl_done < %d; tyl_done++) {\n", period);
    put(c, ind + 3, "%s = tyl_start + tyl_done * tyl_step;\n", v);
    emit_block(c, ind + 3, &s->body);
    put(c, ind + 2, "}\n");
    put(c, ind + 2, "cudaGraph_t tyl_g;\n");
    put(c, ind + 2, "cudaGraphExec_t tyl_ge;\n");
    put(c, ind + 2, "tyl_cuda_check(cudaStreamBeginCapture(tyl_cuda_stream(), cudaStreamCaptureModeThreadLocal), "
                    "\"capturing a time loop\");\n");
    put(c, ind + 2, "for (int64_t tyl_p = 0; tyl_p < %d; tyl_p++) {\n", period);
    put(c, ind + 3, "%s = tyl_start + (tyl_done + tyl_p) * tyl_step;\n", v);
    emit_block(c, ind + 3, &s->body);
    put(c, ind + 2, "}\n");
    put(c, ind + 2, "tyl_cuda_check(cudaStreamEndCapture(tyl_cuda_stream(), &tyl_g), \"capturing a time loop\");\n");
    put(c, ind + 2, "tyl_cuda_check(cudaGraphInstantiate(&tyl_ge, tyl_g, 0), \"instantiating a CUDA graph\");\n");
    put(c, ind + 2, "for (int64_t tyl_r = 0; tyl_r < (tyl_trip - tyl_done) / %d; tyl_r++)\n", period);
    put(c, ind + 3, "tyl_cuda_check(cudaGraphLaunch(tyl_ge, tyl_cuda_stream()), \"replaying a time loop\");\n");
    put(c, ind + 2, "cudaGraphExecDestroy(tyl_ge);\n");
    put(c, ind + 2, "cudaGraphDestroy(tyl_g);\n");
    put(c, ind + 2, "tyl_done += (tyl_trip - tyl_done) / %d * %d;\n", period, period);
    put(c, ind + 2, "%s = tyl_start + (tyl_done - 1) * tyl_step;\n", v);
    /* the body's scalar assignments (the Python loop variable) take their last values */
    for (int i = 0; i < s->body.len; i++)
        if (VEC_AT(s->body, i, ir_stmt *)->kind == S_ASSIGN)
            emit_stmt(c, ind + 2, VEC_AT(s->body, i, ir_stmt *));
    put(c, ind + 1, "}\n");
    put(c, ind + 1, "for (int64_t tyl_k = tyl_done; tyl_k < tyl_trip; tyl_k++) {\n");
    put(c, ind + 2, "%s = tyl_start + tyl_k * tyl_step;\n", v);
    emit_block(c, ind + 2, &s->body);
    put(c, ind + 1, "}\n");
    put(c, ind, "}\n");
}

/* The number of a checkpointed time loop, or -1. The loops of main()'s own statement list
 * (not those nested in an if) are the program's time loops: their step boundaries are where
 * checkpoints are taken and where a restart resumes. A CUDA loop replayed as a graph has no
 * step boundaries on the host, so it is not one. */
static int ck_loop_id(ectx *c, int ind, ir_stmt *s)
{
    if (ind != 1 || c->loops != 0)
        return -1;
    for (int i = 0; i < c->ck_loops.len; i++)
        if (VEC_AT(c->ck_loops, i, ir_stmt *) == s)
            return i;
    return -1;
}

/* The libtyles formatter of a scalar of type t (tyl_print_fmt_*, tyl_str_fmt_*). */
static const char *fmt_suffix(ir_type t)
{
    return t == T_BOOL ? "bool" : t == T_F32 ? "f32" : ir_type_is_float(t) ? "f64" : "i64";
}

/* S_PRINT into run-time string s->sbuf (an f-string, '%', .format()): its pieces appended. */
static void emit_str_build(ectx *c, int ind, ir_stmt *s)
{
    put(c, ind, "tyl_str_reset(%d);\n", s->sbuf);
    for (int i = 0; i < s->n; i++) {
        strbuf b = {0};
        if (s->pflags && (s->pflags[i] & IR_PR_STRBUF)) {
            put(c, ind, "tyl_str_add(%d, tyl_str_get(%d));\n", s->sbuf, s->pspec[i]);
        } else if (s->strs[i]) {
            c_string(&b, s->strs[i]);
            put(c, ind, "tyl_str_add(%d, %s);\n", s->sbuf, b.s);
        } else {
            if (s->pspec && s->pspec[i])
                sb_printf(&b, "tyl_str_get(%d)", s->pspec[i]);
            else
                c_string(&b, s->pfmt && s->pfmt[i] ? s->pfmt[i] : "");
            put(c, ind, "tyl_str_fmt_%s(%d, %s, %s, %s);\n", fmt_suffix(s->args[i]->type), s->sbuf,
                b.s, S(s->args[i]), W(s->l));
        }
        sb_free(&b);
    }
}

static void emit_stmt(ectx *c, int ind, ir_stmt *s)
{
    switch (s->kind) {
    case S_ASSIGN:
        line(c, ind, s->l);
        put(c, ind, "%s = %s;\n", s->var->name, S(s->e));
        return;
    case S_ALLOC: {
        line(c, ind, s->l);
        ir_var *v = s->var;
        if (s->init == 3) {
            put(c, ind, "tyl_set(&%s, tyl_copy_l(%s, %s, %s));\n", v->name, s->src_slot->name, layout_ref(v), W(s->l));
            return;
        }
        put(c, ind, "{\n");
        shape_decl(c, ind + 1, "tyl_shape", v->rank, s->shape);
        put(c, ind + 1, "tyl_set(&%s, tyl_alloc_l(%s, %d, tyl_shape, %s, %s, %s));\n", v->name, tyname(v->type),
            v->rank, s->init == 1 ? "TYL_INIT_ZERO" : "TYL_INIT_NONE", layout_ref(v), W(s->l));
        put(c, ind, "}\n");
        if (s->init == 2)
            put(c, ind, "tyl_fill(%s, %s);\n", v->name, S(s->e));
        return;
    }
    case S_BIND:
        line(c, ind, s->l);
        if (s->n == 1 && s->move) {
            put(c, ind, "tyl_set(&%s, %s);\n", s->dst[0]->name, s->srcs[0]->name);
            put(c, ind, "%s = NULL;\n", s->srcs[0]->name);
            return;
        }
        if (s->n == 1) {
            put(c, ind, "tyl_set(&%s, tyl_ref(%s));\n", s->dst[0]->name, s->srcs[0]->name);
            return;
        }
        put(c, ind, "{\n");
        for (int k = 0; k < s->n; k++)
            put(c, ind + 1, "tyl_array *tyl_b%d = tyl_ref(%s);\n", k, s->srcs[k]->name);
        for (int k = 0; k < s->n; k++)
            put(c, ind + 1, "tyl_set(&%s, tyl_b%d);\n", s->dst[k]->name, k);
        put(c, ind, "}\n");
        return;
    case S_RELEASE:
        put(c, ind, "tyl_set(&%s, NULL);\n", s->var->name);
        return;
    case S_SWEEP:
    case S_FUSED: emit_sweep(c, ind, s); return;
    case S_SETELEM: {
        line(c, ind, s->l);
        ir_expr el = {.kind = E_ELEM, .type = s->var->type, .var = s->var, .args = s->args, .nargs = s->n};
        if (c->t->cuda || ir_slot_dist(s->var)) {
            put(c, ind, "tyl_eset_%s(%s", elem_suffix(s->var->type), s->var->name);
            for (int d = 0; d < IR_MAX_RANK; d++)
                fprintf(c->o, ", %s", d < s->n ? S(s->args[d]) : "0");
            fprintf(c->o, ", %s);\n", S(s->e));
        } else
            put(c, ind, "%s = %s;\n", S(&el), S(s->e));
        return;
    }
    case S_FOR: {
        line(c, ind, s->l);
        int64_t k;
        const char *v = s->var->name;
        int period = c->t->cuda ? graph_period(s) : 0;
        if (period) {
            emit_graph_loop(c, ind, s, period);
            return;
        }
        if (!ir_expr_const_int(s->e3, &k)) {
            put(c, ind, "if (%s == 0)\n", S(s->e3));
            put(c, ind + 1, "tyl_rt_error(%s, \"ValueError: range() arg 3 must not be zero\");\n", W(s->l));
        }
        /* a trip count, so no bound near the ends of int64 can overflow the loop variable */
        int L = ck_loop_id(c, ind, s);
        if (L >= 0) {
            /* a checkpointed time loop: a restart jumps to the label with the state restored,
             * and the loop goes on from the checkpoint's iteration (runtime/elastic) */
            put(c, ind - 1, "tyl_ck_L%d:\n", L);
            emit_ck_expect(c, ind, s);
            put(c, ind, "tyl_ck_k0 = tyl_ck_enter(%d, tyl_ck_live%d, &tyl_ck_nk);\n", L, L);
            put(c, ind, "for (int64_t tyl_k = tyl_ck_k0, tyl_nk = tyl_ck_nk >= 0 ? tyl_ck_nk : "
                "tyl_range_len(%s, %s, %s); tyl_k < tyl_nk; tyl_k++) {\n", S(s->e), S(s->e2), S(s->e3));
        } else
            put(c, ind, "for (int64_t tyl_k = 0, tyl_nk = tyl_range_len(%s, %s, %s); tyl_k < tyl_nk; tyl_k++) {\n",
                S(s->e), S(s->e2), S(s->e3));
        put(c, ind + 1, "%s = (int64_t)((uint64_t)%s + (uint64_t)tyl_k * (uint64_t)%s);\n", v, S(s->e), S(s->e3));
        if (c->loops == 0) /* the outermost time loop reports --progress */
            put(c, ind + 1, "tyl_progress(tyl_k, tyl_nk);\n");
        if (L >= 0)
            put(c, ind + 1, "tyl_ck_step(%d, tyl_k, tyl_nk, tyl_ck_live%d);\n", L, L);
        c->loops++;
        emit_block(c, ind + 1, &s->body);
        c->loops--;
        put(c, ind, "}\n");
        if (L >= 0)
            put(c, ind, "tyl_ck_leave(%d);\n", L);
        return;
    }
    case S_WHILE: {
        line(c, ind, s->l);
        int L = ck_loop_id(c, ind, s);
        if (L >= 0) {
            put(c, ind - 1, "tyl_ck_L%d:\n", L);
            emit_ck_expect(c, ind, s);
            put(c, ind, "tyl_ck_k0 = tyl_ck_enter(%d, tyl_ck_live%d, &tyl_ck_nk);\n", L, L);
        }
        if (c->loops == 0) {
            put(c, ind, "for (int64_t tyl_w = %s; %s; tyl_w++) {\n", L >= 0 ? "tyl_ck_k0" : "0", COND(s->e));
            put(c, ind + 1, "tyl_progress(tyl_w, -1);\n");
            if (L >= 0)
                put(c, ind + 1, "tyl_ck_step(%d, tyl_w, -1, tyl_ck_live%d);\n", L, L);
        } else
            put(c, ind, "while (%s) {\n", COND(s->e));
        c->loops++;
        emit_block(c, ind + 1, &s->body);
        c->loops--;
        put(c, ind, "}\n");
        if (L >= 0)
            put(c, ind, "tyl_ck_leave(%d);\n", L);
        return;
    }
    case S_IF:
        line(c, ind, s->l);
        put(c, ind, "if (%s) {\n", COND(s->e));
        emit_block(c, ind + 1, &s->body);
        if (s->orelse.len) {
            put(c, ind, "} else {\n");
            emit_block(c, ind + 1, &s->orelse);
        }
        put(c, ind, "}\n");
        return;
    case S_RAISE: {
        strbuf b = {0};
        c_string(&b, s->str);
        line(c, ind, s->l);
        put(c, ind, "if (%s)\n", COND(s->e));
        /* scalars are the same on every rank, so every rank stops here: rank 0 tells */
        if (s->sbuf) /* the message's end is run-time string sbuf */
            put(c, ind + 1, "tyl_rt_error_all(%s, \"%%s%%s\", %s, tyl_str_get(%d));\n", W(s->l), b.s, s->sbuf);
        else
            put(c, ind + 1, "tyl_rt_error_all(%s, \"%%s\", %s);\n", W(s->l), b.s);
        sb_free(&b);
        return;
    }
    case S_BREAK: put(c, ind, "break;\n"); return;
    case S_CONTINUE: put(c, ind, "continue;\n"); return;
    case S_PRINT: {
        line(c, ind, s->l);
        if (s->sbuf) {
            emit_str_build(c, ind, s);
            return;
        }
        for (int i = 0; i < s->n; i++) {
            strbuf b = {0};
            if (i && !(s->pflags && (s->pflags[i] & IR_PR_GLUE))) {
                c_string(&b, s->str);
                put(c, ind, "tyl_print_str(%s);\n", b.s);
                b.len = 0;
            }
            if (s->pflags && (s->pflags[i] & IR_PR_STRBUF)) {
                put(c, ind, "tyl_print_str(tyl_str_get(%d));\n", s->pspec[i]);
            } else if (s->strs[i]) {
                c_string(&b, s->strs[i]);
                put(c, ind, "tyl_print_str(%s);\n", b.s);
            } else if (ir_print_view(s, i)) {
                /* a view, printed in place (global indices; len -1: an integer index) */
                ir_view *v = s->pviews[i];
                put(c, ind, "{\n");
                for (int f = 0; f < 3; f++) {
                    put(c, ind + 1, "const int64_t tyl_%s[%d] = {", f == 0 ? "lo" : f == 1 ? "step" : "len", v->rank);
                    for (int d = 0; d < v->rank; d++) {
                        ir_dim *m = &v->dim[d];
                        ir_expr *x = f == 0 ? m->lo : m->kind == D_FIXED ? NULL : f == 1 ? m->step : m->len;
                        fprintf(c->o, "%s%s", d ? ", " : "", x ? S(x) : f == 1 ? "0" : "-1");
                    }
                    fprintf(c->o, "};\n");
                }
                put(c, ind + 1, "tyl_print_view(%s, tyl_lo, tyl_step, tyl_len, %d, NULL);\n", v->arr->name,
                    s->pflags && (s->pflags[i] & IR_PR_REPR) ? 1 : 0);
                put(c, ind, "}\n");
            } else if (ir_print_slot(s, i)) {
                /* collective: every rank takes part in gathering a distributed array */
                put(c, ind, "tyl_print_array(%s, %d, NULL);\n", s->pslots[i]->name,
                    s->pflags && (s->pflags[i] & IR_PR_REPR) ? 1 : 0);
            } else if ((s->pfmt && s->pfmt[i]) || (s->pspec && s->pspec[i])) {
                if (s->pspec && s->pspec[i])
                    sb_printf(&b, "tyl_str_get(%d)", s->pspec[i]);
                else
                    c_string(&b, s->pfmt[i]);
                put(c, ind, "tyl_print_fmt_%s(%s, %s, %s);\n", fmt_suffix(s->args[i]->type), b.s,
                    S(s->args[i]), W(s->l));
            } else {
                ir_type t = s->args[i]->type;
                put(c, ind, "tyl_print_%s(%s);\n",
                    t == T_BOOL ? "bool" : ir_type_is_float(t) ? (t == T_F32 ? "float32" : "float") : "int",
                    S(s->args[i]));
            }
            sb_free(&b);
        }
        strbuf b = {0};
        c_string(&b, s->end);
        put(c, ind, "tyl_print_end(%s);\n", b.s);
        sb_free(&b);
        return;
    }
    case S_SAVE: {
        line(c, ind, s->l);
        strbuf b = {0};
        if (s->sbuf)
            put(c, ind, "tyl_save_npy(tyl_str_npy(%d), %s, %s);\n", s->sbuf, s->var->name, W(s->l));
        else {
            c_string(&b, s->str);
            put(c, ind, "tyl_save_npy(%s, %s, %s);\n", b.s, s->var->name, W(s->l));
        }
        sb_free(&b);
        return;
    }
    case S_REDUCE: emit_reduce(c, ind, s); return;
    case S_ROTATE: {
        /* X = Y.copy() where Y's view `target` is overwritten next: X takes Y's buffer */
        ir_var *x = s->var, *y = s->src_slot;
        ir_view *v = s->target;
        line(c, ind, s->l);
        put(c, ind, "{\n");
        put(c, ind + 1, "tyl_array *tyl_old = %s;\n", x->name);
        put(c, ind + 1, "%s = %s;\n", x->name, y->name);
        put(c, ind + 1, "tyl_release(tyl_old);\n");
        put(c, ind + 1, "%s = tyl_alloc_like(%s, TYL_INIT_NONE, %s);\n", y->name, x->name, W(s->l));
        put(c, ind + 1, "const int64_t tyl_lo[%d] = {", v->rank);
        for (int d = 0; d < v->rank; d++)
            fprintf(c->o, "%s%s", d ? ", " : "", S(v->dim[d].lo));
        fprintf(c->o, "};\n");
        put(c, ind + 1, "const int64_t tyl_len[%d] = {", v->rank);
        for (int d = 0; d < v->rank; d++)
            fprintf(c->o, "%s%s", d ? ", " : "", v->dim[d].kind == D_FIXED ? "1" : S(v->dim[d].len));
        fprintf(c->o, "};\n");
        put(c, ind + 1, "tyl_copy_outside(%s, %s, tyl_lo, tyl_len);\n", y->name, x->name);
        put(c, ind, "}\n");
        return;
    }
    case S_RANDOM: emit_random(c, ind, s); return;
    case S_LOAD: {
        line(c, ind, s->l);
        strbuf b = {0};
        c_string(&b, s->str);
        put(c, ind, "tyl_set(&%s, tyl_load_npy_l(%s, %s, %d, %s, %s));\n", s->var->name, b.s, tyname(s->var->type),
            s->var->rank, layout_ref(s->var), W(s->l));
        if (s->init) /* axes of extent 1 the compiler broadcasts */
            put(c, ind, "tyl_load_expect_ones(%s, 0x%xu, %s, %s);\n", s->var->name, (unsigned)s->init, b.s, W(s->l));
        sb_free(&b);
        return;
    }
    case S_CHECK:
        line(c, ind, s->l);
        put(c, ind, "{\n");
        shape_decl(c, ind + 1, "tyl_a", s->na, s->args);
        shape_decl(c, ind + 1, "tyl_b", s->nb, s->args + s->na);
        put(c, ind + 1, "tyl_check_shapes(%s, %s, %d, tyl_a, %d, tyl_b);\n", W(s->l),
            s->check == CK_BCAST ? "TYL_CK_BCAST" : "TYL_CK_ASSIGN", s->na, s->nb);
        put(c, ind, "}\n");
        return;
    }
}

static void emit_block(ectx *c, int ind, vec *body)
{
    for (int i = 0; i < body->len; i++)
        emit_stmt(c, ind, VEC_AT(*body, i, ir_stmt *));
}

static int cmp_var(const void *a, const void *b)
{
    return (*(ir_var *const *)a)->id - (*(ir_var *const *)b)->id;
}

static void reset_ids(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        s->id = 0;
        reset_ids(&s->body);
        reset_ids(&s->orelse);
    }
}

/* The state a checkpoint holds and a restart restores: a table of main()'s variables (every
 * scalar and array slot, by C name) and, per time loop, the variables live at its step
 * boundaries (those the loop and the statements after it refer to), then the set-up call and
 * the jump of a restart to the loop it resumes in. */
static void emit_ck_tables(ectx *c, ir_program *p, FILE *out)
{
    fprintf(out, "    int64_t tyl_ck_k0 = 0, tyl_ck_nk = -1;\n");
    fprintf(out, "    tyl_ck_var tyl_ck_vars[] = {\n");
    for (int i = 0; i < c->vars.len; i++) {
        ir_var *v = VEC_AT(c->vars, i, ir_var *);
        if (v->is_array)
            fprintf(out, "        {\"%s\", %s, %d, %s, &%s},\n", v->name, tyname(v->type), v->rank,
                    layout_ref(v), v->name);
        else
            fprintf(out, "        {\"%s\", %s, -1, NULL, &%s},\n", v->name, tyname(v->type), v->name);
    }
    fprintf(out, "        {NULL, TYL_INT64, -1, NULL, NULL},\n    };\n");
    for (int L = 0; L < c->ck_loops.len; L++) {
        ir_stmt *loop = VEC_AT(c->ck_loops, L, ir_stmt *);
        int at = 0;
        while (VEC_AT(p->body, at, ir_stmt *) != loop)
            at++;
        ectx live = {0};
        vec tail = {.items = p->body.items + at, .len = p->body.len - at, .cap = 0};
        vars_block(&live, &tail);
        fprintf(out, "    static const int tyl_ck_live%d[] = {", L);
        for (int i = 0; i < c->vars.len; i++)
            for (int j = 0; j < live.vars.len; j++)
                if (VEC_AT(live.vars, j, ir_var *) == VEC_AT(c->vars, i, ir_var *))
                    fprintf(out, "%d, ", i);
        fprintf(out, "-1};\n");
    }
    /* the program's identity covers the state table too */
    uint64_t h = p->hash;
    for (int i = 0; i < c->vars.len; i++) {
        ir_var *v = VEC_AT(c->vars, i, ir_var *);
        int sig[3] = {(int)v->type, v->is_array ? v->rank : -1, ir_slot_dist(v)};
        h = util_hash(util_hash(h, v->name, strlen(v->name) + 1), sig, sizeof sig);
    }
    fprintf(out, "    tyl_ck_setup(0x%016llxull, tyl_ck_vars, %d, %d);\n", (unsigned long long)h,
            c->vars.len, c->ck_loops.len);
    if (c->ck_loops.len) {
        /* recovery point (ULFM): the locals the loops use are restored from the checkpoint */
        fprintf(out, "    if (setjmp(tyl_ck_jmp) != 0) {\n    }\n");
        fprintf(out, "    switch (tyl_ck_resume_loop()) {\n");
        for (int L = 0; L < c->ck_loops.len; L++)
            fprintf(out, "    case %d: goto tyl_ck_L%d;\n", L, L);
        fprintf(out, "    default: break;\n    }\n");
    }
    fprintf(out, "    (void)tyl_ck_k0;\n    (void)tyl_ck_nk;\n");
}

static void emit_program_text(ir_program *p, FILE *out, const emit_target *t)
{
    reset_ids(&p->body);
    ectx c = {0};
    c.t = t;
    cur_target = t;
    c.o = tmpfile();
    c.kf = tmpfile();
    c.sink = fopen("/dev/null", "w");
    if (!c.o || !c.kf || !c.sink)
        util_syserr("cannot create a temporary file: %s", strerror(errno));
    vars_block(&c, &p->body);
    if (c.vars.len) /* items is NULL when there is none */
        qsort(c.vars.items, (size_t)c.vars.len, sizeof(void *), cmp_var);
    for (int i = 0; i < p->body.len; i++) {
        ir_stmt *s = VEC_AT(p->body, i, ir_stmt *);
        if ((s->kind == S_FOR && !(t->cuda && graph_period(s))) || s->kind == S_WHILE)
            vec_push(&c.ck_loops, s);
    }
    emit_block(&c, 1, &p->body);

    strbuf src = {0};
    util_c_comment(&src, p->source);
    fprintf(out, "/* Generated by tylesc %s from %s. Edit the .tyl file, not this one.\n", TYLES_VERSION,
            src.s ? src.s : "");
    sb_free(&src);
    if (emit_command_line) {
        strbuf cmd = {0};
        util_c_comment(&cmd, emit_command_line);
        fprintf(out, " * Regenerate it in its folder with: %s\n", cmd.s);
        sb_free(&cmd);
    }
    fprintf(out, " * (what changes this output: the program, the tylesc version, --target, --input) */\n");
    fprintf(out, "#include \"%s\"\n", t->header);
    /* the run-time library's interface changes between versions while Tyles is 0.x */
    fprintf(out, "#if TYLES_VERSION_NUM != %d\n#error \"generated by tylesc %s: compile it against the "
                 "tyles.h of that version, or generate it again\"\n#endif\n\n",
            TYLES_VERSION_NUM, TYLES_VERSION);
    fprintf(out, "#ifndef TYL_PAR_MIN\n#define TYL_PAR_MIN 32768 /* elements below which a sweep runs serially */\n#endif\n\n");
    /* layouts of the distributed arrays: halo layers below / above per dimension, periodic */
    for (int i = 0; i < p->layouts.len; i++) {
        ir_layout *L = VEC_AT(p->layouts, i, ir_layout *);
        if (!L->dist)
            continue;
        fprintf(out, "static const tyl_layout tyl_L%d = {1, {", L->id);
        for (int d = 0; d < IR_MAX_RANK; d++)
            fprintf(out, "%s%d", d ? ", " : "", L->hl[d]);
        fprintf(out, "}, {");
        for (int d = 0; d < IR_MAX_RANK; d++)
            fprintf(out, "%s%d", d ? ", " : "", L->hh[d]);
        fprintf(out, "}, 0x%xu};\n", L->periodic);
    }
    fprintf(out, "\n");
    /* kernels */
    rewind(c.kf);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, c.kf)) > 0)
        fwrite(buf, 1, n, out);
    fclose(c.kf);
    fclose(c.sink);

    fprintf(out, "int main(int argc, char **argv)\n{\n");
    for (int i = 0; i < p->params.len; i++) {
        ir_var *v = VEC_AT(p->params, i, ir_var *);
        fprintf(out, "    %s %s = %s;\n", ir_type_c(v->type), v->name, S(v->init));
    }
    fprintf(out, "    tyl_param params[] = {\n");
    for (int i = 0; i < p->params.len; i++) {
        ir_var *v = VEC_AT(p->params, i, ir_var *);
        strbuf nm = {0};
        c_string(&nm, v->pyname);
        fprintf(out, "        {%s, %s, &%s},\n", nm.s, tyname(v->type), v->name);
        sb_free(&nm);
    }
    fprintf(out, "        {NULL, TYL_INT64, NULL},\n    };\n");
    fprintf(out, "    tyl_rt_set_grid(%d);\n", p->grid_rank);
    fprintf(out, "    tyl_rt_init(&argc, &argv, %s, params, %d);\n", emit_file_literal(), p->params.len);
    for (int i = 0; i < c.vars.len; i++) {
        ir_var *v = VEC_AT(c.vars, i, ir_var *);
        if (v->is_array)
            fprintf(out, "    tyl_array *%s = NULL;\n", v->name);
        else
            fprintf(out, "    %s %s = 0;\n", ir_type_c(v->type), v->name);
    }
    emit_ck_tables(&c, p, out);
    fprintf(out, "\n");
    rewind(c.o);
    while ((n = fread(buf, 1, sizeof buf, c.o)) > 0)
        fwrite(buf, 1, n, out);
    fclose(c.o);
    fprintf(out, "\n");
    for (int i = 0; i < c.vars.len; i++) {
        ir_var *v = VEC_AT(c.vars, i, ir_var *);
        if (v->is_array)
            fprintf(out, "    tyl_release(%s);\n", v->name);
        else
            fprintf(out, "    (void)%s;\n", v->name); /* some are only ever written */
    }
    fprintf(out, "    return tyl_rt_finalize();\n}\n");
}

/* The text with each "#line N" to the .tyl covering the one C line after it: the lines that
 * follow are marked as the generated file's own again (the way Bison restores its #line), so no
 * C line is attributed to a line of the program it does not come from, or past its end. */
static void sync_lines(FILE *in, FILE *out)
{
    strbuf self = {0};
    util_c_string(&self, emit_output_name ? emit_output_name : "tyles_generated.c");
    const char *tyl = emit_file_literal();
    size_t tl = strlen(tyl);
    int oline = 0, mapped = 0; /* lines written; 1: the last was a #line, 2: the line it covers */
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&buf, &cap, in)) > 0) {
        int directive = strncmp(buf, "#line ", 6) == 0;
        if (mapped == 2 && !directive) {
            fprintf(out, "#line %d %s\n", oline + 2, self.s);
            oline++;
        }
        mapped = mapped == 1 ? 2 : 0;
        if (directive && (size_t)n > tl && strncmp(buf + n - 1 - tl, tyl, tl) == 0)
            mapped = 1;
        fwrite(buf, 1, (size_t)n, out);
        oline++;
    }
    free(buf);
    sb_free(&self);
}

void emit_program(ir_program *p, FILE *out, const emit_target *t)
{
    FILE *tmp = tmpfile();
    if (!tmp)
        util_syserr("cannot create a temporary file: %s", strerror(errno));
    emit_program_text(p, tmp, t);
    rewind(tmp);
    sync_lines(tmp, out);
    fclose(tmp);
}

static const emit_target c_target = {
    .header = "tyles.h",
    .cuda = 0,
    .kernel = c_kernel,
    .launch = c_launch,
    .reduce_kernel = c_reduce_kernel,
};

void emit_c(ir_program *p, FILE *out) { emit_program(p, out, &c_target); }
