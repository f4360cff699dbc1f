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
#include "../ir/sched.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Host code touching one array element: direct in C, a copy from or to the device in CUDA. */
static const emit_target *cur_target;

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
    sb_putc(b, '(');
    sub(b, e->a, k);
    sb_printf(b, " %s ", ops[e->op]);
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
            for (int d = 0; d < 4; d++) {
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
    fprintf(o, "\n{\n#line %d %s\n", s->l.line, emit_file_literal());
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
    char *written;   /* written[k]: kernel k has been written (a statement printed twice keeps one) */
    ir_program *p;   /* with its schedule (sched.h) */
    const emit_target *t;
} ectx;



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

static const char *W(loc l)
{
    strbuf b = {0};
    where(&b, l);
    const char *r = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    return r;
}

static void c_launch(FILE *o, int ind, ir_stmt *s, kctx *k)
{
    (void)k;
    fprintf(o, "%*styl_k%d", ind * 4, "", s->id);
}

/* The operands of a sweep's kernel (its targets, then its reads) and what tyl_sweep_run is
 * handed for them: the arrays (slots, each once), and the run-time values x[] (the box extents,
 * then each lo, step and periodic extent not known at compile time), as C text. */
typedef struct splan {
    vec arrs;      /* ir_var*: the slots, in order of first use */
    vec x;         /* const char*: C expressions of the values */
    strbuf ops;    /* the tyl_operand table's rows */
} splan;

static int plan_arr(splan *pl, ir_var *v)
{
    for (int i = 0; i < pl->arrs.len; i++)
        if (VEC_AT(pl->arrs, i, ir_var *) == v)
            return i;
    vec_push(&pl->arrs, v);
    return pl->arrs.len - 1;
}

/* A value of the operand table: the constant, or its position in x[] (bit d of *mask set). */
static int64_t plan_val(splan *pl, ir_expr *e, unsigned *mask, int d)
{
    int64_t k;
    if (ir_expr_const_int(e, &k))
        return k;
    *mask |= 1u << d;
    vec_push(&pl->x, (void *)S(e));
    return pl->x.len - 1;
}

static void plan_operand(splan *pl, ir_view *v)
{
    int64_t lo[IR_MAX_RANK] = {0}, st[IR_MAX_RANK] = {0};
    int ext[IR_MAX_RANK] = {0};
    unsigned xlo = 0, xst = 0, wrap = 0;
    for (int d = 0; d < v->rank; d++) {
        const ir_dim *m = &v->dim[d];
        lo[d] = plan_val(pl, m->lo, &xlo, d);
        if (m->kind == D_RANGE && m->box >= 0)
            st[d] = plan_val(pl, m->step, &xst, d);
        if (m->kind == D_RANGE && m->wrap) {
            wrap |= 1u << d;
            vec_push(&pl->x, (void *)S(m->wrap));
            ext[d] = pl->x.len - 1;
        }
    }
    strbuf *b = &pl->ops;
    sb_printf(b, "    {%d, {", plan_arr(pl, v->arr));
    for (int d = 0; d < v->rank; d++)
        sb_printf(b, "%s%s", d ? ", " : "",
                  v->dim[d].kind == D_FIXED ? "TYL_FIXED" : v->dim[d].box < 0 ? "TYL_BCAST"
                                                          : arena_printf(&util_arena, "%d", v->dim[d].box));
    sb_puts(b, "}, {");
    for (int d = 0; d < v->rank; d++)
        sb_printf(b, "%s%" PRId64, d ? ", " : "", lo[d]);
    sb_puts(b, "}, {");
    for (int d = 0; d < v->rank; d++)
        sb_printf(b, "%s%" PRId64, d ? ", " : "", st[d]);
    sb_printf(b, "}, 0x%xu, 0x%xu, 0x%xu, {", xlo, xst, wrap);
    for (int d = 0; d < v->rank; d++)
        sb_printf(b, "%s%d", d ? ", " : "", ext[d]);
    sb_printf(b, "}}, /* %s */\n", v->arr->name);
}

/* The function tyl_sweep_run calls for each part: the kernel's arguments from the part. */
static void emit_sweep_adapter(ectx *c, FILE *o, ir_stmt *s, kctx *k)
{
    int B = k->B;
    fprintf(o, "static void tyl_run%d(const tyl_part *q)\n{\n", s->id);
    if (B) {
        fprintf(o, "    const int64_t ");
        for (int d = 0; d < B; d++)
            fprintf(o, "%styl_n%d = q->n[%d]", d ? ", " : "", d, d);
        fprintf(o, ";\n");
    }
    if (!k->nt && c->t->cuda) /* a reduction: one partial result per block */
        fprintf(o, "    tyl_k%d<<<(unsigned)q->nred, 256, 0, tyl_cuda_stream()>>>", s->id);
    else if (!k->nt)
        fprintf(o, "    tyl_k%d", s->id);
    else
        c->t->launch(o, 1, s, k);
    fputc('(', o);
    int n = 0;
    const char *nl = c->t->cuda ? ",\n            " : ",\n        "; /* CUDA launches sit in an if */
    for (int d = 0; d < B; d++)
        fprintf(o, "%styl_n%d", n++ ? ", " : "", d);
    for (int d = 0; k->uses_index && d < B; d++)
        fprintf(o, "%sq->o[%d]", n++ ? ", " : "", d);
    for (int j = 0; j < k->nt; j++) {
        ir_view *t = k->sw[j]->target;
        fprintf(o, "%s(%s *)q->p[%d]", n++ ? nl : "", ir_type_c(t->arr->type), j);
        for (int d = 0; d < B; d++)
            if (emit_static_stride(t, d) != 1)
                fprintf(o, ", q->s[%d][%d]", j, d);
    }
    for (int i = 0; i < k->reads.len; i++) {
        ir_view *v = VEC_AT(k->reads, i, ir_view *);
        int op = k->nt + i;
        fprintf(o, "%s(const %s *)q->p[%d]", n++ ? nl : "", ir_type_c(v->arr->type), op);
        for (int d = 0; d < B; d++) {
            int st = emit_static_stride(v, d);
            if (st == -1)
                fprintf(o, ", q->s[%d][%d]", op, d);
            else if (st == -2)
                fprintf(o, ", q->w[%d][%d][0], q->w[%d][%d][1], q->w[%d][%d][2], q->w[%d][%d][3]", op, d, op, d,
                        op, d, op, d);
        }
    }
    for (int i = 0; i < k->scalars.len; i++)
        fprintf(o, ", *(const %s *)q->sc[%d]", ir_type_c(VEC_AT(k->scalars, i, ir_expr *)->type), i);
    if (!k->nt)
        fprintf(o, ", (%s *)q->red", ir_type_c(s->var->type));
    fprintf(o, ");\n}\n\n");
}

/* The halo exchanges of a sweep or reduction: arrays (positions in its arrays) and zones. */
static void emit_exchanges(FILE *kf, ir_stmt *s, ir_halo *hl, const int *hx)
{
    if (!hl)
        return;
    fprintf(kf, "static const tyl_exchange tyl_hx%d[] = {", s->id);
    for (int i = 0; i < hl->n; i++)
        fprintf(kf, "%s{%d, {0x%llxull, 0x%llxull}}", i ? ", " : "", hx[i], (unsigned long long)hl->zones[i][0],
                (unsigned long long)hl->zones[i][1]);
    fprintf(kf, "};\n");
}

/* In main(): the block that runs a sweep or reduction, up to its call: the arrays, the values,
 * the scalars (a variable by its address, an expression evaluated once here). */
static void emit_run_args(ectx *c, int ind, ir_stmt *s, splan *pl, kctx *k)
{
    put(c, ind, "{\n");
    line(c, ind, s->l);
    put(c, ind + 1, "tyl_array **const tyl_a[] = {");
    for (int i = 0; i < pl->arrs.len; i++)
        fprintf(c->o, "%s&%s", i ? ", " : "", VEC_AT(pl->arrs, i, ir_var *)->name);
    fprintf(c->o, "};\n");
    /* the values, several a line up to about 100 columns */
    put(c, ind + 1, "const int64_t tyl_x[] = {");
    int col = (ind + 1) * 4 + 25;
    for (int i = 0; i < pl->x.len; i++) {
        const char *x = VEC_AT(pl->x, i, const char *);
        int w = (int)strlen(x) + 2;
        if (i && col + w > 100) {
            fprintf(c->o, ",\n%*s", (ind + 2) * 4, "");
            col = (ind + 2) * 4;
        } else if (i)
            fprintf(c->o, ", ");
        fprintf(c->o, "%s", x);
        col += w;
    }
    fprintf(c->o, "%s};\n", pl->x.len ? "" : "0");
    /* scalars: a variable by its address, an expression evaluated once here */
    for (int i = 0; i < k->scalars.len; i++) {
        ir_expr *e = VEC_AT(k->scalars, i, ir_expr *);
        if (e->kind != E_VAR)
            put(c, ind + 1, "const %s tyl_s%d = %s;\n", ir_type_c(e->type), i + 1, S(e));
    }
    if (k->scalars.len) {
        put(c, ind + 1, "const void *const tyl_sc[] = {");
        for (int i = 0; i < k->scalars.len; i++) {
            ir_expr *e = VEC_AT(k->scalars, i, ir_expr *);
            if (e->kind == E_VAR)
                fprintf(c->o, "%s&%s", i ? ", " : "", e->var->name);
            else
                fprintf(c->o, "%s&tyl_s%d", i ? ", " : "", i + 1);
        }
        fprintf(c->o, "};\n");
    }
}

/* A sweep or fused group: its kernel, the function that runs one part of it and its descriptor
 * before main() (once), and in main() the arrays, values and scalars it takes and one call. */
static void emit_sweep(ectx *c, int ind, ir_stmt *s)
{
    kctx k = {0};
    k.s = s;
    ir_sched *h = s->sched;
    if (s->kind == S_FUSED) {
        for (int j = 0; j < s->body.len && j < EMIT_MAX_TARGETS; j++)
            k.sw[k.nt++] = VEC_AT(s->body, j, ir_stmt *);
        UTIL_ASSERT(k.nt == s->body.len);
    } else {
        k.sw[k.nt++] = s;
    }
    k.B = k.sw[0]->target->vrank;
    k.restrict_ok = !h->alias_check;
    k.w_reads = h->scratch == SCR_NONE;
    k.cuda = c->t->cuda;
    int first = !c->written[h->kernel];
    FILE *kf = first ? c->kf : c->sink;
    c->written[h->kernel] = 1;
    /* a statement emitted twice (a captured loop body and its plain form) keeps one kernel */
    c->t->kernel(kf, s, &k);

    ir_view *t = k.sw[0]->target;
    int B = k.B;
    splan pl = {0};
    for (int d = 0; d < t->rank; d++) /* the box extents come first */
        if (t->dim[d].kind == D_RANGE)
            vec_push(&pl.x, (void *)S(t->dim[d].len));
    UTIL_ASSERT(pl.x.len == B);
    for (int j = 0; j < k.nt; j++)
        plan_operand(&pl, k.sw[j]->target);
    for (int i = 0; i < k.reads.len; i++)
        plan_operand(&pl, VEC_AT(k.reads, i, ir_view *));
    ir_halo *hl = h->exchange ? s->halo : NULL;
    int *hx = hl ? NEWN(int, hl->n) : NULL;
    for (int i = 0; hl && i < hl->n; i++)
        hx[i] = plan_arr(&pl, hl->slot[i]);

    if (first) {
        emit_sweep_adapter(c, kf, s, &k);
        fprintf(kf, "static const tyl_operand tyl_op%d[] = { /* arr, box dims, lo, step, x_lo, x_step, wrap, ext */\n%s};\n",
                s->id, pl.ops.s);
        emit_exchanges(kf, s, hl, hx);
        static const char *scr[] = {"TYL_SCR_NONE", "TYL_SCR_BOX", "TYL_SCR_REPLACE"};
        fprintf(kf, "static const tyl_sweep tyl_sw%d = {\n", s->id);
        fprintf(kf, "    %s, tyl_run%d, %d, %d, %d, tyl_op%d, /* where, kernel, box rank, targets, operands */\n",
                W(s->l), s->id, B, k.nt, k.nt + k.reads.len, s->id);
        fprintf(kf, "    %s, %d, 0x%xu, /* scratch, alias check, dirty targets */\n", scr[h->scratch], h->alias_check,
                h->dirty);
        fprintf(kf, "    %d, %s, {", hl ? hl->n : 0, hl ? arena_printf(&util_arena, "tyl_hx%d", s->id) : "NULL");
        for (int d = 0; d < B; d++)
            fprintf(kf, "%s%d", d ? ", " : "", h->split ? hl->shl[d] : 0);
        fprintf(kf, "%s}, {", B ? "" : "0");
        for (int d = 0; d < B; d++)
            fprintf(kf, "%s%d", d ? ", " : "", h->split ? hl->shh[d] : 0);
        fprintf(kf, "%s}, /* halo exchanges, interior margins */\n};\n\n", B ? "" : "0");
    }

    emit_run_args(c, ind, s, &pl, &k);
    put(c, ind + 1, "tyl_sweep_run(&tyl_sw%d, tyl_a, tyl_x, %s);\n", s->id, k.scalars.len ? "tyl_sc" : "NULL");
    put(c, ind, "}\n");
    sb_free(&pl.ops);
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
    int first = !c->written[s->sched->kernel];
    FILE *kf = first ? c->kf : c->sink;
    c->written[s->sched->kernel] = 1;
    c->t->reduce_kernel(kf, s, &k);
    splan pl = {0};
    for (int d = 0; d < k.B; d++) /* the box extents come first */
        vec_push(&pl.x, (void *)S(s->shape[d]));
    for (int i = 0; i < k.reads.len; i++)
        plan_operand(&pl, VEC_AT(k.reads, i, ir_view *));
    strbuf reads = pl.ops;
    pl.ops = (strbuf){0};
    if (s->anchor)
        plan_operand(&pl, s->anchor);
    ir_halo *hl = s->sched->exchange ? s->halo : NULL;
    int *hx = hl ? NEWN(int, hl->n) : NULL;
    for (int i = 0; hl && i < hl->n; i++)
        hx[i] = plan_arr(&pl, hl->slot[i]);
    if (first) {
        static const char *dt[] = {"TYL_BOOL", "TYL_INT32", "TYL_INT64", "TYL_FLOAT32", "TYL_FLOAT64"};
        emit_sweep_adapter(c, kf, s, &k);
        fprintf(kf, "static const tyl_operand tyl_op%d[] = { /* arr, box dims, lo, step, x_lo, x_step, wrap, ext */\n%s};\n",
                s->id, reads.len ? reads.s : "    {0, {0}, {0}, {0}, 0, 0, 0, {0}}, /* none */\n");
        if (s->anchor) { /* its row of the table, a declaration of its own */
            char *row = arena_strdup(&util_arena, pl.ops.s + 4), *end = strstr(row, "}}, /*");
            end[2] = ';';
            fprintf(kf, "static const tyl_operand tyl_an%d = %s", s->id, row);
        }
        emit_exchanges(kf, s, hl, hx);
        fprintf(kf, "static const tyl_reduction tyl_red%d = {\n", s->id);
        fprintf(kf, "    %s, tyl_run%d, %d, %d, tyl_op%d, %s, /* where, kernel, box rank, reads, anchor */\n",
                W(s->l), s->id, k.B, k.reads.len, s->id, s->anchor ? arena_printf(&util_arena, "&tyl_an%d", s->id) : "NULL");
        fprintf(kf, "    %s, %s, %s, /* result type, operation, partial results */\n", dt[s->var->type],
                s->op == OP_ADD ? "TYL_RED_SUM" : s->op == OP_NPMAX ? "TYL_RED_MAX" : "TYL_RED_MIN",
                c->t->cuda ? "TYL_PARTS_GRID" : "TYL_PARTS_ROWS");
        fprintf(kf, "    %d, %s, /* halo exchanges */\n};\n\n", hl ? hl->n : 0,
                hl ? arena_printf(&util_arena, "tyl_hx%d", s->id) : "NULL");
    }
    emit_run_args(c, ind, s, &pl, &k);
    put(c, ind + 1, "tyl_reduce_run(&tyl_red%d, tyl_a, tyl_x, %s, &%s);\n", s->id, k.scalars.len ? "tyl_sc" : "NULL",
        s->var->name);
    put(c, ind, "}\n");
    sb_free(&pl.ops);
    sb_free(&reads);
}

/* A local array of extents (compound literals are not C++, so CUDA could not take them). */
/* At a checkpointed loop's label: the shapes its arrays have, from the parameters (lower.c), for
 * a restart to check the checkpoint's against (-1: an extent that does not follow from them). */
static void emit_ck_expect(ectx *c, int ind, ir_stmt *s)
{
    for (int j = 0; j < s->ck_n; j++) {
        ir_var *v = s->ck_slot[j];
        int at = -1;
        for (int i = 0; i < c->p->sched->vars.len; i++)
            if (VEC_AT(c->p->sched->vars, i, ir_var *) == v)
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
            for (int d = 0; d < 4; d++)
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
        if (s->sched->graph_period) {
            emit_graph_loop(c, ind, s, s->sched->graph_period);
            return;
        }
        if (!ir_expr_const_int(s->e3, &k)) {
            put(c, ind, "if (%s == 0)\n", S(s->e3));
            put(c, ind + 1, "tyl_rt_error(%s, \"ValueError: range() arg 3 must not be zero\");\n", W(s->l));
        }
        /* a trip count, so no bound near the ends of int64 can overflow the loop variable */
        int L = s->sched->ck;
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
        if (s->sched->progress)
            put(c, ind + 1, "tyl_progress(tyl_k, tyl_nk);\n");
        if (L >= 0)
            put(c, ind + 1, "tyl_ck_step(%d, tyl_k, tyl_nk, tyl_ck_live%d);\n", L, L);
        emit_block(c, ind + 1, &s->body);
        put(c, ind, "}\n");
        if (L >= 0)
            put(c, ind, "tyl_ck_leave(%d);\n", L);
        return;
    }
    case S_WHILE: {
        line(c, ind, s->l);
        int L = s->sched->ck;
        if (L >= 0) {
            put(c, ind - 1, "tyl_ck_L%d:\n", L);
            emit_ck_expect(c, ind, s);
            put(c, ind, "tyl_ck_k0 = tyl_ck_enter(%d, tyl_ck_live%d, &tyl_ck_nk);\n", L, L);
        }
        if (s->sched->progress) {
            put(c, ind, "for (int64_t tyl_w = %s; %s; tyl_w++) {\n", L >= 0 ? "tyl_ck_k0" : "0", S(s->e));
            put(c, ind + 1, "tyl_progress(tyl_w, -1);\n");
            if (L >= 0)
                put(c, ind + 1, "tyl_ck_step(%d, tyl_w, -1, tyl_ck_live%d);\n", L, L);
        } else
            put(c, ind, "while (%s) {\n", S(s->e));
        emit_block(c, ind + 1, &s->body);
        put(c, ind, "}\n");
        if (L >= 0)
            put(c, ind, "tyl_ck_leave(%d);\n", L);
        return;
    }
    case S_IF:
        line(c, ind, s->l);
        put(c, ind, "if (%s) {\n", S(s->e));
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
        put(c, ind, "if (%s)\n", S(s->e));
        /* scalars are the same on every rank, so every rank stops here: rank 0 tells */
        put(c, ind + 1, "tyl_rt_error_all(%s, \"%%s\", %s);\n", W(s->l), b.s);
        sb_free(&b);
        return;
    }
    case S_BREAK: put(c, ind, "break;\n"); return;
    case S_CONTINUE: put(c, ind, "continue;\n"); return;
    case S_PRINT: {
        line(c, ind, s->l);
        for (int i = 0; i < s->n; i++) {
            strbuf b = {0};
            if (i) {
                c_string(&b, s->str);
                put(c, ind, "tyl_print_str(%s);\n", b.s);
                b.len = 0;
            }
            if (s->strs[i]) {
                c_string(&b, s->strs[i]);
                put(c, ind, "tyl_print_str(%s);\n", b.s);
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
        c_string(&b, s->str);
        put(c, ind, "tyl_save_npy(%s, %s, %s);\n", b.s, s->var->name, W(s->l));
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

/* The state a checkpoint holds and a restart restores: a table of main()'s variables (every
 * scalar and array slot, by C name) and, per time loop, the variables live at its step
 * boundaries (those the loop and the statements after it refer to), then the set-up call and
 * the jump of a restart to the loop it resumes in. */
static void emit_ck_tables(ectx *c, ir_program *p, FILE *out)
{
    (void)c;
    vec *vars = &p->sched->vars, *loops = &p->sched->ck_loops;
    fprintf(out, "    int64_t tyl_ck_k0 = 0, tyl_ck_nk = -1;\n");
    fprintf(out, "    tyl_ck_var tyl_ck_vars[] = {\n");
    for (int i = 0; i < vars->len; i++) {
        ir_var *v = VEC_AT(*vars, i, ir_var *);
        if (v->is_array)
            fprintf(out, "        {\"%s\", %s, %d, %s, &%s},\n", v->name, tyname(v->type), v->rank,
                    layout_ref(v), v->name);
        else
            fprintf(out, "        {\"%s\", %s, -1, NULL, &%s},\n", v->name, tyname(v->type), v->name);
    }
    fprintf(out, "        {NULL, TYL_INT64, -1, NULL, NULL},\n    };\n");
    for (int L = 0; L < loops->len; L++) {
        ir_stmt *loop = VEC_AT(*loops, L, ir_stmt *);
        fprintf(out, "    static const int tyl_ck_live%d[] = {", L);
        for (int j = 0; j < loop->sched->live.len; j++)
            fprintf(out, "%d, ", (int)(intptr_t)loop->sched->live.items[j]);
        fprintf(out, "-1};\n");
    }
    /* the program's identity covers the state table too */
    uint64_t h = p->hash;
    for (int i = 0; i < vars->len; i++) {
        ir_var *v = VEC_AT(*vars, i, ir_var *);
        int sig[3] = {(int)v->type, v->is_array ? v->rank : -1, ir_slot_dist(v)};
        h = util_hash(util_hash(h, v->name, strlen(v->name) + 1), sig, sizeof sig);
    }
    fprintf(out, "    tyl_ck_setup(0x%016llxull, tyl_ck_vars, %d, %d);\n", (unsigned long long)h,
            vars->len, loops->len);
    if (loops->len) {
        /* recovery point (ULFM): the locals the loops use are restored from the checkpoint */
        fprintf(out, "    if (setjmp(tyl_ck_jmp) != 0) {\n    }\n");
        fprintf(out, "    switch (tyl_ck_resume_loop()) {\n");
        for (int L = 0; L < loops->len; L++)
            fprintf(out, "    case %d: goto tyl_ck_L%d;\n", L, L);
        fprintf(out, "    default: break;\n    }\n");
    }
    fprintf(out, "    (void)tyl_ck_k0;\n    (void)tyl_ck_nk;\n");
}

void emit_program(ir_program *p, FILE *out, const emit_target *t)
{
    UTIL_ASSERT(p->sched && p->sched->done == SCHED_ALL && p->sched->cuda == t->cuda);
    ectx c = {0};
    c.t = t;
    c.p = p;
    cur_target = t;
    c.written = NEWN(char, p->sched->nkernels + 1);
    c.o = tmpfile();
    c.kf = tmpfile();
    c.sink = fopen("/dev/null", "w");
    if (!c.o || !c.kf || !c.sink)
        util_syserr("cannot create a temporary file: %s", strerror(errno));
    emit_block(&c, 1, &p->body);

    strbuf src = {0};
    util_c_comment(&src, p->source);
    fprintf(out, "/* Generated by tylesc from %s. Edit the .tyl file, not this one. */\n", src.s ? src.s : "");
    sb_free(&src);
    fprintf(out, "#include \"%s\"\n\n", t->header);
    fprintf(out, "#ifndef TYL_PAR_MIN\n#define TYL_PAR_MIN 32768 /* elements below which a sweep runs serially */\n#endif\n\n");
    /* layouts of the distributed arrays: halo layers below / above per dimension, periodic */
    for (int i = 0; i < p->layouts.len; i++) {
        ir_layout *L = VEC_AT(p->layouts, i, ir_layout *);
        if (!L->dist)
            continue;
        fprintf(out, "static const tyl_layout tyl_L%d = {1, {%d, %d, %d, %d}, {%d, %d, %d, %d}, 0x%xu};\n", L->id,
                L->hl[0], L->hl[1], L->hl[2], L->hl[3], L->hh[0], L->hh[1], L->hh[2], L->hh[3], L->periodic);
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
    for (int i = 0; i < p->sched->vars.len; i++) {
        ir_var *v = VEC_AT(p->sched->vars, i, ir_var *);
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
    for (int i = 0; i < p->sched->vars.len; i++) {
        ir_var *v = VEC_AT(p->sched->vars, i, ir_var *);
        if (v->is_array)
            fprintf(out, "    tyl_release(%s);\n", v->name);
        else
            fprintf(out, "    (void)%s;\n", v->name); /* some are only ever written */
    }
    fprintf(out, "    return tyl_rt_finalize();\n}\n");
}

static const emit_target c_target = {
    .header = "tyles.h",
    .cuda = 0,
    .kernel = c_kernel,
    .launch = c_launch,
    .reduce_kernel = c_reduce_kernel,
};

void emit_c(ir_program *p, FILE *out) { emit_program(p, out, &c_target); }
