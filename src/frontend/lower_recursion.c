/* lower_recursion.c: recursion that ends on values known when compiling.
 *
 * Functions are inlined at each call (lower_calls.c), so a recursive call is one more
 * inlining, and it ends only if the `if` that guards it is decided while compiling: the
 * multigrid V-cycle's `if level == 0:` with `level` counting down from a constant or a
 * parameter, or `if u.shape[0] <= 3:` on arrays whose shapes derive from parameters.
 *
 * A guard is an `if` (or a conditional expression, `1 if n <= 1 else n * f(n - 1)`) whose
 * branches (syntactically) call a function being inlined. When its
 * condition is not a compile-time constant, it is evaluated on the symbolic integers of its
 * operands (sym.h) with each parameter at its default value; the live branch alone is lowered,
 * and the program checks when it runs that the condition still has that value, so a run with
 * `--levels=5` stops with a message instead of computing another recursion than it asks for.
 * A guard that depends on anything else (a float, a value read from a file or computed from
 * arrays) is a diagnostic, and so is a recursion deeper than LW_MAX_RECURSION calls.
 *
 * Requires: called from lower_if (guards) and inline_call (depth), before the body is lowered. */

#include "lower_internal.h"

double tyl_py_truediv_big_(int64_t a, int64_t b); /* src/runtime_mpi/tyl_pyint.c (Makefile) */

#include <math.h>
#include <string.h>

#define LW_MAX_RECURSION 64

static vec failed; /* ast* defs whose recursion was reported too deep (stops its repetition) */
static vec seen_vars, seen_vals; /* var_value's */
static vec slot_vars, slot_exts; /* lw_recursion_note_slot's */

void lw_recursion_reset(void)
{
    failed = seen_vars = seen_vals = slot_vars = slot_exts = (vec){0};
}

int lw_recursion_enter(lctx *c, ast *def, loc l)
{
    int depth = 0;
    for (int i = 0; i < c->inlining.len; i++)
        depth += VEC_AT(c->inlining, i, ast *) == def;
    int known = 0;
    for (int i = 0; i < failed.len; i++)
        known |= VEC_AT(failed, i, ast *) == def;
    if (depth >= LW_MAX_RECURSION || (depth && known)) {
        diag_error(l, "the recursion of '%s' is deeper than %d calls (functions are inlined: a "
                      "recursion must end after a number of calls known when compiling)",
                   def->name, LW_MAX_RECURSION);
        if (!known)
            vec_push(&failed, def);
        return 0;
    }
    return 1;
}

/* The def being inlined that a call in n names, or NULL. */
static ast *calls_inlined(lctx *c, ast *n);
static ast *calls_in(lctx *c, vec *v)
{
    for (int i = 0; i < v->len; i++) {
        ast *d = calls_inlined(c, VEC_AT(*v, i, ast *));
        if (d)
            return d;
    }
    return NULL;
}
typedef struct inlined {
    lctx *c;
    ast *def;
} inlined;
static int inlined_in(ast *n, void *ctx)
{
    inlined *x = ctx;
    return (x->def = calls_inlined(x->c, n)) != NULL;
}
static ast *calls_inlined(lctx *c, ast *n)
{
    if (!n)
        return NULL;
    if (n->kind == A_CALL && n->a && n->a->kind == A_NAME)
        for (int i = c->inlining.len - 1; i >= 0; i--) {
            ast *d = VEC_AT(c->inlining, i, ast *);
            if (d->name && strcmp(d->name, n->a->name) == 0)
                return d;
        }
    inlined x = {c, NULL};
    ast_any_child(n, AST_ALL & ~AST_PARAMS, inlined_in, &x); /* not parameter defaults */
    return x.def;
}

typedef struct guard_eval {
    lctx *c;
    vec *block; /* the statements of the block being lowered (c->out is a probe's while it runs) */
    strbuf used; /* "levels=3, N=64": the parameters the decision took */
    vec names;
} guard_eval;

static int param_default(void *ctx, const char *key, int64_t *out)
{
    guard_eval *g = ctx;
    for (int i = 0; i < g->c->prog->params.len; i++) {
        ir_var *v = VEC_AT(g->c->prog->params, i, ir_var *);
        if (strcmp(v->pyname, key) != 0 || ir_type_is_float(v->type) || !ir_expr_const_int(v->init, out))
            continue;
        if (!lw_name_in(&g->names, key)) {
            vec_push(&g->names, (void *)key);
            sb_printf(&g->used, "%s%s=%lld", g->used.s && g->used.s[0] ? ", " : "", key, (long long)*out);
        }
        return 1;
    }
    return 0;
}

/* ---- a scalar expression's value with every parameter at its default ---------------------
 * (int(math.log2(N)) - 2 has no symbolic form: floats). A variable's value is that of its one
 * assignment (the latest one in the block being lowered, or the only one in the program so
 * far); anything else is unknown. The run-time check of the guard covers what this cannot see
 * (an assignment in a loop body still being built). */
typedef struct num {
    int isf;
    int64_t i;
    double f;
} num;

static int eval_ir(guard_eval *g, const ir_expr *e, int depth, num *out);
static int var_value_found(guard_eval *g, const ir_var *v, int depth, num *out);
static int eval_slice(guard_eval *g, const ir_expr *e, int depth, num *out);

static const ir_stmt *only_assign(vec *body, const ir_var *v, int *count)
{
    const ir_stmt *r = NULL;
    for (int i = 0; i < body->len; i++) {
        const ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->var == v && s->kind != S_ASSIGN)
            *count += 2; /* written by something else (a loop variable, a reduction) */
        if (s->kind == S_ASSIGN && s->var == v) {
            r = s;
            (*count)++;
        }
        const ir_stmt *a = only_assign((vec *)&s->body, v, count);
        const ir_stmt *b = only_assign((vec *)&s->orelse, v, count);
        r = a ? a : b ? b : r;
    }
    return r;
}

/* The extents of the arrays bound to slots (lw_recursion_note_slot), the latest binding last:
 * a shape read (E_SHAPE) in a guard's operand is evaluated from them. */
void lw_recursion_note_slot(const ir_var *slot, const value *v)
{
    const sym **sh = NEWN(const sym *, IR_MAX_RANK);
    for (int d = 0; d < v->rank && d < IR_MAX_RANK; d++)
        sh[d] = v->sh[d];
    vec_push(&slot_vars, (void *)slot);
    vec_push(&slot_exts, sh);
}

/* Values found for variables by earlier guards (an outer activation's parameter, assigned in a
 * block that is not yet part of the program): consulted after the block being lowered. */
static int var_value(guard_eval *g, const ir_var *v, int depth, num *out)
{
    int r = 0, nb = 2 + g->c->skip_outs.len;
    vec **blocks = NEWN(vec *, nb);
    blocks[0] = g->c->out;
    blocks[1] = g->block;
    for (int b = 2; b < nb; b++) /* around an operand Python may skip (lower_order.c) */
        blocks[b] = VEC_AT(g->c->skip_outs, nb - 1 - b, vec *);
    for (int b = 0; b < nb && !r; b++)
        for (int i = blocks[b]->len - 1; i >= 0 && !r; i--) {
            const ir_stmt *s = VEC_AT(*blocks[b], i, ir_stmt *);
            if (s->var == v) {
                if (s->kind != S_ASSIGN || !eval_ir(g, s->e, depth + 1, out))
                    return 0;
                r = 1;
            }
        }
    for (int i = seen_vars.len - 1; i >= 0 && !r; i--)
        if (VEC_AT(seen_vars, i, const ir_var *) == v) {
            *out = *VEC_AT(seen_vals, i, num *);
            return 1;
        }
    if (!r)
        r = var_value_found(g, v, depth, out);
    if (r && !v->is_param) { /* a parameter is looked up again: the message names it */
        num *keep = NEW(num);
        *keep = *out;
        vec_push(&seen_vars, (void *)v);
        vec_push(&seen_vals, keep);
    }
    return r;
}

static int var_value_found(guard_eval *g, const ir_var *v, int depth, num *out)
{
    if (v->is_param) {
        if (!v->init || v->init->kind != E_CONST)
            return 0;
        if (!lw_name_in(&g->names, v->pyname)) {
            vec_push(&g->names, (void *)v->pyname);
            if (ir_type_is_float(v->type))
                sb_printf(&g->used, "%s%s=%.17g", g->used.s && g->used.s[0] ? ", " : "", v->pyname, v->init->c.f);
            else
                sb_printf(&g->used, "%s%s=%lld", g->used.s && g->used.s[0] ? ", " : "", v->pyname,
                          (long long)v->init->c.i);
        }
        return eval_ir(g, v->init, depth + 1, out);
    }
    int count = 0;
    const ir_stmt *s = only_assign(&g->c->prog->body, v, &count);
    return count == 1 && eval_ir(g, s->e, depth + 1, out);
}

static double fval(num a) { return a.isf ? a.f : (double)a.i; }

/* slice(start, stop, step).indices(n): its first index or length, as tyl_slice computes them */
static int eval_slice(guard_eval *g, const ir_expr *e, int depth, num *out)
{
    num v[5];
    for (int k = 0; k < 5; k++)
        if (!eval_ir(g, e->args[k], depth + 1, &v[k]) || v[k].isf)
            return 0;
    int64_t n = v[0].i, start = v[1].i, stop = v[2].i, step = v[3].i, flags = v[4].i, s, t, len;
    if (step == 0 || n < 0 || step == INT64_MIN || start < -n - 1 || stop < -n - 1)
        return 0;
    if (step > 0) {
        s = !(flags & 1) ? 0 : start < 0 ? (start + n < 0 ? 0 : start + n) : (start > n ? n : start);
        t = !(flags & 2) ? n : stop < 0 ? (stop + n < 0 ? 0 : stop + n) : (stop > n ? n : stop);
        len = t > s ? (t - s - 1) / step + 1 : 0;
    } else {
        s = !(flags & 1) ? n - 1 : start < 0 ? (start + n < 0 ? -1 : start + n) : (start >= n ? n - 1 : start);
        t = !(flags & 2) ? -1 : stop < 0 ? (stop + n < 0 ? -1 : stop + n) : (stop >= n ? n - 1 : stop);
        len = s > t ? (s - t - 1) / -step + 1 : 0;
    }
    out->i = e->fn == FN_SLICE_LO ? s : len;
    return !out->isf;
}

static int eval_ir(guard_eval *g, const ir_expr *e, int depth, num *out)
{
    num a, b;
    *out = (num){.isf = ir_type_is_float(e->type)};
    if (depth > 64)
        return 0;
    switch (e->kind) {
    case E_CONST:
        if (out->isf)
            out->f = e->c.f;
        else
            out->i = e->c.i;
        return 1;
    case E_VAR:
        return var_value(g, e->var, depth, out) && (out->isf == ir_type_is_float(e->type));
    case E_CAST:
        if (!eval_ir(g, e->a, depth + 1, &a))
            return 0;
        if (out->isf)
            out->f = fval(a);
        else if (a.isf) {
            if (!(a.f > -9.2e18 && a.f < 9.2e18))
                return 0;
            out->i = (int64_t)a.f;
        } else
            out->i = e->type == T_BOOL ? a.i != 0 : a.i;
        return 1;
    case E_UN:
        if (!eval_ir(g, e->a, depth + 1, &a))
            return 0;
        if (e->op == OP_NEG && !a.isf && a.i != INT64_MIN)
            out->i = -a.i, out->f = -a.f;
        else if (e->op == OP_NEG && a.isf)
            out->f = -a.f;
        else if (e->op == OP_LNOT)
            out->i = a.isf ? a.f == 0 : a.i == 0;
        else
            return 0;
        return 1;
    case E_SHAPE: {
        const sym *ext = NULL;
        for (int i = slot_vars.len - 1; i >= 0 && !ext; i--)
            if (VEC_AT(slot_vars, i, const ir_var *) == e->var)
                ext = VEC_AT(slot_exts, i, const sym **)[e->dim];
        return ext && sym_eval(ext, param_default, g, &out->i);
    }
    case E_CALL:
        if ((e->fn == FN_SLICE_LO || e->fn == FN_SLICE_LEN) && e->nargs == 5)
            return eval_slice(g, e, depth, out);
        if (e->nargs != 1 || !eval_ir(g, e->args[0], depth + 1, &a))
            return 0;
        if (e->fn == FN_PYINT && a.isf && a.f > -9.2e18 && a.f < 9.2e18) {
            out->i = (int64_t)a.f; /* int() truncates toward zero, as the run time's */
            return !out->isf;
        }
        if (!out->isf)
            return 0;
        switch (e->fn) {
        case FN_LOG2: out->f = log2(fval(a)); return 1;
        case FN_LOG: out->f = log(fval(a)); return 1;
        case FN_LOG10: out->f = log10(fval(a)); return 1;
        case FN_SQRT: out->f = sqrt(fval(a)); return 1;
        case FN_FLOOR: out->f = floor(fval(a)); return 1;
        case FN_CEIL: out->f = ceil(fval(a)); return 1;
        default: return 0;
        }
    case E_BIN: {
        if (!eval_ir(g, e->a, depth + 1, &a) || !eval_ir(g, e->b, depth + 1, &b))
            return 0;
        if (a.isf || b.isf || out->isf) {
            double x = fval(a), y = fval(b), r;
            switch (e->op) {
            case OP_ADD: r = x + y; break;
            case OP_SUB: r = x - y; break;
            case OP_MUL: r = x * y; break;
            case OP_TRUEDIV: /* ints past 2**53: Python rounds the exact quotient (tyl_pyint.c) */
                if (y == 0)
                    return 0;
                r = !a.isf && !b.isf && (a.i < -(INT64_C(1) << 53) || a.i > (INT64_C(1) << 53) ||
                                         b.i < -(INT64_C(1) << 53) || b.i > (INT64_C(1) << 53))
                        ? tyl_py_truediv_big_(a.i, b.i) : x / y;
                break;
            case OP_CLT: out->i = x < y; return !out->isf;
            case OP_CLE: out->i = x <= y; return !out->isf;
            case OP_CGT: out->i = x > y; return !out->isf;
            case OP_CGE: out->i = x >= y; return !out->isf;
            case OP_CEQ: out->i = x == y; return !out->isf;
            case OP_CNE: out->i = x != y; return !out->isf;
            default: return 0;
            }
            if (!out->isf)
                return 0;
            out->f = r;
            return 1;
        }
        int64_t x = a.i, y = b.i, r;
        switch (e->op) {
        case OP_ADD: if (__builtin_add_overflow(x, y, &r)) return 0; break;
        case OP_SUB: if (__builtin_sub_overflow(x, y, &r)) return 0; break;
        case OP_MUL: if (__builtin_mul_overflow(x, y, &r)) return 0; break;
        case OP_FDIV:
        case OP_MOD:
            if (y == 0 || (x == INT64_MIN && y == -1))
                return 0;
            r = x / y - ((x % y != 0) && ((x < 0) != (y < 0)));
            if (e->op == OP_MOD)
                r = x - r * y;
            break;
        case OP_MIN: r = x < y ? x : y; break;
        case OP_MAX: r = x > y ? x : y; break;
        case OP_CLT: r = x < y; break;
        case OP_CLE: r = x <= y; break;
        case OP_CGT: r = x > y; break;
        case OP_CGE: r = x >= y; break;
        case OP_CEQ: r = x == y; break;
        case OP_CNE: r = x != y; break;
        case OP_LAND: r = x && y; break;
        case OP_LOR: r = x || y; break;
        default: return 0;
        }
        out->i = r;
        return 1;
    }
    case E_SELECT: {
        num cnd;
        if (!eval_ir(g, e->a, depth + 1, &cnd))
            return 0;
        return eval_ir(g, (cnd.isf ? cnd.f != 0 : cnd.i != 0) ? e->b : e->cc, depth + 1, out);
    }
    default:
        return 0;
    }
}

/* An int operand: a constant, or a symbolic integer with every parameter at its default. */
static int operand(guard_eval *g, ast *a, int64_t *out)
{
    lw_probe p;
    lw_probe_begin(g->c, &p);
    value *v = lw_expr(g->c, a);
    num n;
    /* evaluated before the probe drops its statements: a helper's result (`if small(u):`) is
     * the variable they assign */
    int r = v->kind == V_SCALAR && !ir_type_is_float(v->type) &&
            (ir_expr_const_int(v->e, out) || (v->s && sym_eval(v->s, param_default, g, out)) ||
             (eval_ir(g, v->e, 0, &n) && !n.isf && (*out = n.i, 1)));
    lw_probe_end(g->c, &p);
    return r;
}

static int decide(guard_eval *g, ast *a, int64_t *out)
{
    int64_t x, y;
    if (a->kind == A_BOOLOP && (a->op == OP_AND || a->op == OP_OR)) {
        if (!decide(g, a->a, &x) || !decide(g, a->b, &y))
            return 0;
        *out = a->op == OP_AND ? (x ? y : x) : (x ? x : y);
        return 1;
    }
    if (a->kind == A_UNOP && a->op == OP_NOT) {
        if (!decide(g, a->a, &x))
            return 0;
        *out = !x;
        return 1;
    }
    if (a->kind != A_COMPARE)
        return operand(g, a, out);
    if (!operand(g, a->a, &x))
        return 0;
    for (int i = 0; i < a->args.len; i++) {
        if (!operand(g, VEC_AT(a->args, i, ast *), &y))
            return 0;
        int r;
        switch (a->cmpops[i]) {
        case OP_LT: r = x < y; break;
        case OP_LE: r = x <= y; break;
        case OP_GT: r = x > y; break;
        case OP_GE: r = x >= y; break;
        case OP_EQ: r = x == y; break;
        case OP_NE: r = x != y; break;
        default: return 0;
        }
        if (!r) {
            *out = 0;
            return 1;
        }
        x = y;
    }
    *out = 1;
    return 1;
}

int lw_recursion_guard(lctx *c, ast *cond, vec *then, vec *orelse, value *cv, int64_t *k)
{
    ast *def = c->inlining.len ? calls_in(c, then) : NULL;
    if (!def)
        def = c->inlining.len ? calls_in(c, orelse) : NULL;
    if (!def)
        return 0;
    if (c->exhausted) { /* the statement is too large (reported): nothing more is lowered */
        *k = INT64_MIN;
        return 1;
    }
    guard_eval g = {.c = c, .block = c->out};
    if (!decide(&g, cond, k)) {
        if (!c->exhausted) /* else the budget ran out while evaluating it (reported) */
            diag_error(cond->l, "the recursion of '%s' depends on a value known only at run time "
                                "(functions are inlined: the test that ends a recursion must be decidable "
                                "when compiling, from constants, parameters and array shapes)", def->name);
        *k = INT64_MIN;
        sb_free(&g.used);
        return 1;
    }
    *k = !!*k;
    const char *msg =
        g.names.len ? arena_printf(&util_arena,
                                   "the recursion of '%s' was unrolled when compiling, for %s; this run's "
                                   "values give it another depth (change the default%s in the .tyl and "
                                   "recompile)", def->name, g.used.s, g.names.len > 1 ? "s" : "")
                    : arena_printf(&util_arena,
                                   "the recursion of '%s' was unrolled when compiling, with the values its "
                                   "test had then; at this point of the run it has another one (a variable "
                                   "changed by a loop?)", def->name);
    lw_emit_raise(c, cond->l, *k ? ir_un(cond->l, OP_LNOT, T_BOOL, cv->e) : cv->e, msg);
    sb_free(&g.used);
    return 1;
}
