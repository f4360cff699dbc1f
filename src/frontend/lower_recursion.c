/* lower_recursion.c: recursion that ends on values known when compiling.
 *
 * Functions are inlined at each call (lower_calls.c), so a recursive call is one more
 * inlining, and it ends only if the `if` that guards it is decided while compiling: the
 * multigrid V-cycle's `if level == 0:` with `level` counting down from a constant or a
 * parameter, or `if u.shape[0] <= 3:` on arrays whose shapes derive from parameters.
 *
 * A guard is an `if` whose branches (syntactically) call a function being inlined. When its
 * condition is not a compile-time constant, it is evaluated on the symbolic integers of its
 * operands (sym.h) with each parameter at its default value; the live branch alone is lowered,
 * and the program checks when it runs that the condition still has that value, so a run with
 * `--levels=5` stops with a message instead of computing another recursion than it asks for.
 * A guard that depends on anything else (a float, a value read from a file or computed from
 * arrays) is a diagnostic, and so is a recursion deeper than LW_MAX_RECURSION calls.
 *
 * Requires: called from lower_if (guards) and inline_call (depth), before the body is lowered. */

#include "lower_internal.h"

#include <string.h>

#define LW_MAX_RECURSION 64

static vec failed; /* ast* defs whose recursion was reported too deep (stops its repetition) */

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
    ast *d;
    if ((d = calls_inlined(c, n->a)) || (d = calls_inlined(c, n->b)) || (d = calls_inlined(c, n->c)) ||
        (d = calls_in(c, &n->args)) || (d = calls_in(c, &n->kwargs)) || (d = calls_in(c, &n->targets)) ||
        (d = calls_in(c, &n->body)) || (d = calls_in(c, &n->orelse)))
        return d;
    return NULL;
}

typedef struct guard_eval {
    lctx *c;
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

/* An int operand: a constant, or a symbolic integer with every parameter at its default. */
static int operand(guard_eval *g, ast *a, int64_t *out)
{
    lw_probe p;
    lw_probe_begin(g->c, &p);
    value *v = lw_expr(g->c, a);
    lw_probe_end(g->c, &p);
    if (v->kind != V_SCALAR || ir_type_is_float(v->type))
        return 0;
    if (ir_expr_const_int(v->e, out))
        return 1;
    return v->s && sym_eval(v->s, param_default, g, out);
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

int lw_recursion_guard(lctx *c, ast *s, value *cv, int64_t *k)
{
    ast *def = c->inlining.len ? calls_in(c, &s->body) : NULL;
    if (!def)
        def = c->inlining.len ? calls_in(c, &s->orelse) : NULL;
    if (!def)
        return 0;
    guard_eval g = {.c = c};
    if (!decide(&g, s->a, k)) {
        diag_error(s->a->l, "the recursion of '%s' depends on a value known only at run time (functions "
                            "are inlined: the test that ends a recursion must be decidable when compiling, "
                            "from constants, parameters and array shapes)", def->name);
        *k = INT64_MIN;
        sb_free(&g.used);
        return 1;
    }
    *k = !!*k;
    const char *msg = arena_printf(&util_arena,
                                   "the recursion of '%s' was unrolled when compiling, for %s; this run's "
                                   "values give it another depth (change the default%s in the .tyl and "
                                   "recompile)",
                                   def->name, g.used.s ? g.used.s : "the values the program had",
                                   g.names.len > 1 ? "s" : "");
    lw_emit_raise(c, s->a->l, *k ? ir_un(s->a->l, OP_LNOT, T_BOOL, cv->e) : cv->e, msg);
    sb_free(&g.used);
    return 1;
}
