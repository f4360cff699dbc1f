/* lower_pyrandom.c: Python's random module, as Monte Carlo, traffic and random-walk scripts use
 * it beside NumPy (import random; random.seed(42); random.random(), random.randint(1, 6),
 * random.choice([-1, 1]), random.shuffle(order), random.gauss(0.0, 1.0)).
 *
 * CPython's generator is MT19937 seeded by init_by_array from the seed's 32-bit words, its
 * floats NumPy's legacy doubles, its ints _randbelow (the top k bits of a draw, drawn again
 * until below n), its normals Box-Muller with the second value kept; libtyles' tyl_random.c
 * has the stream as generator TYL_PYRANDOM (IR_PYRANDOM here), the same on every rank.
 *
 * Requires: arguments lowered by lw_args. Establishes: each call is one S_RANDOM (or, for
 * choice of a sequence, a draw and a selection; for shuffle, a permutation and a gather);
 * other names and forms are located errors listing the supported ones. */

#include "lower_internal.h"

#include <string.h>

static const char *SUPPORTED = "supported from random: seed, random, uniform, randint, randrange "
                               "(start, stop), choice (of a list of numbers), shuffle (of a 1-D "
                               "array), gauss, expovariate";
static const char *names[] = {"seed", "random", "uniform", "randint", "randrange", "choice",
                              "shuffle", "gauss", "expovariate", NULL};
static int seeded; /* random.seed(int) came before in program order */
static int warned;

void lw_pyrandom_reset(void) { seeded = warned = 0; }

/* The unseeded warning, once (not while a probe suppresses diagnostics). */
static void unseeded_warning(loc l, const char *fname)
{
    int sup = diag_suppress(1);
    diag_suppress(sup);
    if (seeded || warned || sup)
        return;
    warned = 1;
    diag_warning(l, "%s() before random.seed(): Python seeds it from the system, so the numbers "
                    "cannot match a Python run; seed it with an int to reproduce one", fname);
}

int lw_is_pyrandom_module(const char *name) { return strcmp(name, "random") == 0; }

value *lw_pyrandom_attr(value *mod, ast *a)
{
    (void)mod;
    for (const char **p = names; *p; p++)
        if (strcmp(*p, a->name) == 0) {
            value *v = lw_vnew(V_BUILTIN, a->l);
            v->str = arena_printf(&util_arena, "random.%s", a->name);
            return v;
        }
    loc whole = a->a ? loc_span(a->a->l, a->l) : a->l;
    diag_error(whole, "'random.%s' is not supported in a stencil program", a->name);
    diag_note((loc){0}, "%s", SUPPORTED);
    return &lw_ERRV;
}

/* import random [as r] / from random import seed, randint */
void lw_pyrandom_import(lctx *c, ast *s)
{
    value *mod = lw_vnew(V_MODULE, s->l);
    mod->str = "random";
    if (s->kind == A_IMPORT) {
        binding *b = lw_bind(c, s->str ? s->str : s->name);
        b->kind = B_VALUE;
        b->val = mod;
        return;
    }
    for (int i = 0; i < s->args.len; i++) {
        ast *n = VEC_AT(s->args, i, ast *);
        if (strcmp(n->name, "*") == 0) {
            diag_error(n->l, "'from random import *' is not supported; import the names the program uses");
            return;
        }
        ast *attr = ast_new(A_ATTR, n->l);
        attr->a = NULL;
        attr->name = n->name;
        binding *b = lw_bind(c, n->str ? n->str : n->name);
        b->kind = B_VALUE;
        b->val = lw_pyrandom_attr(mod, attr);
    }
}

/* One draw of kind k as a scalar of type t (Python's float or int). */
static value *draw(lctx *c, loc l, ir_rkind k, ir_expr *e, ir_expr *e2, ir_type t, const char *fname)
{
    unseeded_warning(l, fname);
    ir_stmt *s = lw_random_stmt(l, IR_PYRANDOM, k, fname);
    s->na = seeded;
    s->e = e;
    s->e2 = e2;
    s->var = lw_temp_scalar(c, t);
    lw_emit_evaluated(c, s);
    return lw_scalar(l, ir_varref(l, s->var), 1);
}

static ir_expr *float_arg(value *v, const char *fname, const char *what)
{
    if (v->kind == V_SCALAR)
        return ir_cast(v->l, T_F64, v->e);
    diag_error(v->l, "%s(): %s must be a number, not %s", fname, what, lw_vkind_desc(v));
    return NULL;
}

static ir_expr *int_arg(value *v, const char *fname, const char *what)
{
    if (lw_is_int_scalar(v))
        return ir_cast(v->l, T_I64, v->e);
    diag_error(v->l, "%s(): %s must be an int here, not %s", fname, what, lw_vkind_desc(v));
    return NULL;
}

/* random.choice(seq) of a list or tuple of numbers known when compiling: seq[_randbelow(n)] */
static value *choice(lctx *c, loc l, value *seq, const char *fname)
{
    if (seq->kind != V_TUPLE) {
        diag_error(seq->l, "%s() of %s is not supported (a list or tuple of numbers is)", fname, lw_vkind_desc(seq));
        return &lw_ERRV;
    }
    if (seq->n == 0) {
        diag_error(seq->l, "IndexError: Cannot choose from an empty sequence");
        return &lw_ERRV;
    }
    for (int i = 0; i < seq->n; i++)
        if (seq->items[i]->kind != V_SCALAR || seq->items[i]->type != seq->items[0]->type) {
            diag_error(seq->items[i]->l, "%s(): the items must be numbers of one type (here %s)", fname,
                       lw_vkind_desc(seq->items[i]));
            return &lw_ERRV;
        }
    value *idx = draw(c, l, R_PYINT, lw_I64(l, 0), lw_I64(l, seq->n), T_I64, fname);
    value *r = seq->items[seq->n - 1];
    for (int i = seq->n - 2; i >= 0; i--) {
        value *eq = lw_binop(c, l, OP_CEQ, idx, lw_scalar(l, lw_I64(l, i), 1));
        r = lw_where3(c, l, eq, seq->items[i], r);
        if (r->kind == V_ERR)
            return r;
    }
    return lw_scalar(l, r->e, seq->items[0]->weak);
}

value *lw_pyrandom_call(lctx *c, value *fn, ast *call)
{
    loc l = call->l;
    args a = lw_args(c, call);
    if (lw_any_err(&a))
        return &lw_ERRV;
    const char *n = fn->str + 7, *fname = fn->str;
    value *v[3] = {0};
    if (strcmp(n, "seed") == 0) {
        const char *pn[] = {"a"};
        if (!lw_match_args(l, fname, &a, 1, pn, 0, v))
            return &lw_ERRV;
        ir_stmt *s = ir_stmt_new(S_RANDOM, l);
        s->init = R_SEED;
        s->n = IR_PYRANDOM;
        if (v[0] && v[0]->kind != V_NONE) {
            if (!(s->e = int_arg(v[0], fname, "the seed")))
                return &lw_ERRV;
            seeded = 1;
        }
        lw_emit(c, s);
        return lw_vnew(V_NONE, l);
    }
    if (strcmp(n, "random") == 0) {
        if (!lw_match_args(l, fname, &a, 0, NULL, 0, v))
            return &lw_ERRV;
        return draw(c, l, R_SAMPLE, NULL, NULL, T_F64, fname);
    }
    if (strcmp(n, "uniform") == 0 || strcmp(n, "gauss") == 0) {
        int u = n[0] == 'u';
        const char *pu[] = {"a", "b"}, *pg[] = {"mu", "sigma"};
        if (!lw_match_args(l, fname, &a, 2, u ? pu : pg, u ? 2 : 0, v))
            return &lw_ERRV;
        ir_expr *e = v[0] ? float_arg(v[0], fname, u ? "a" : "mu") : ir_const_f(l, T_F64, 0.0);
        ir_expr *e2 = v[1] ? float_arg(v[1], fname, u ? "b" : "sigma") : ir_const_f(l, T_F64, 1.0);
        if (!e || !e2)
            return &lw_ERRV;
        return draw(c, l, u ? R_UNIFORM : R_PYGAUSS, e, e2, T_F64, fname);
    }
    if (strcmp(n, "expovariate") == 0) { /* -log(1.0 - random()) / lambd */
        const char *pn[] = {"lambd"};
        if (!lw_match_args(l, fname, &a, 1, pn, 0, v))
            return &lw_ERRV;
        ir_expr *lam = v[0] ? float_arg(v[0], fname, "lambd") : ir_const_f(l, T_F64, 1.0);
        if (!lam)
            return &lw_ERRV;
        value *u = draw(c, l, R_SAMPLE, NULL, NULL, T_F64, fname);
        ir_expr *lg = lw_call1(l, FN_LOG, T_F64, ir_bin(l, OP_SUB, T_F64, ir_const_f(l, T_F64, 1.0), u->e, 0));
        value *num = lw_scalar(l, ir_un(l, OP_NEG, T_F64, lg), 1);
        return lw_py_binop(c, l, OP_TRUEDIV, num, lw_scalar(l, lam, 1));
    }
    if (strcmp(n, "randint") == 0 || strcmp(n, "randrange") == 0) {
        int ri = n[4] == 'i';
        const char *pi[] = {"a", "b"}, *pr[] = {"start", "stop", "step"};
        if (!lw_match_args(l, fname, &a, ri ? 2 : 3, ri ? pi : pr, ri ? 2 : 1, v))
            return &lw_ERRV;
        if (v[2]) {
            diag_error(v[2]->l, "%s(): step= is not supported", fname);
            return &lw_ERRV;
        }
        ir_expr *lo = int_arg(v[0], fname, ri ? "a" : "start"), *hi = NULL;
        if (v[1] && !(hi = int_arg(v[1], fname, ri ? "b" : "stop")))
            return &lw_ERRV;
        if (!lo)
            return &lw_ERRV;
        if (!v[1]) { /* randrange(stop) */
            hi = lo;
            lo = lw_I64(l, 0);
        } else if (ri)
            hi = lw_iadd(l, hi, lw_I64(l, 1));
        return draw(c, l, R_PYINT, lo, hi, T_I64, fname);
    }
    if (strcmp(n, "choice") == 0) {
        const char *pn[] = {"seq"};
        if (!lw_match_args(l, fname, &a, 1, pn, 1, v))
            return &lw_ERRV;
        return choice(c, l, v[0], fname);
    }
    if (strcmp(n, "shuffle") == 0) {
        const char *pn[] = {"x"};
        if (!lw_match_args(l, fname, &a, 1, pn, 1, v))
            return &lw_ERRV;
        if (v[0]->kind != V_ARRAY || v[0]->rank != 1) {
            diag_error(v[0]->l, "%s() of %s is not supported (a 1-D array is shuffled in place; a list "
                                "is not, and rows of a 2-D array would be swapped through views)", fname,
                       v[0]->kind == V_ARRAY ? "a 2-D or larger array" : v[0]->is_list ? "a list" : lw_vkind_desc(v[0]));
            return &lw_ERRV;
        }
        unseeded_warning(l, fname);
        return lw_shuffle_rows(c, l, IR_PYRANDOM, R_PYPERM, v[0], fname);
    }
    diag_error(l, "'%s' is not supported in a stencil program", fname);
    diag_note((loc){0}, "%s", SUPPORTED);
    return &lw_ERRV;
}
