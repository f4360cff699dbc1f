/* lower_pyrandom.c: Python's random module, as Monte Carlo, traffic and random-walk scripts use
 * it beside NumPy (import random; random.seed(42); random.random(), random.randint(1, 6),
 * random.choice([-1, 1]), random.shuffle(order), random.gauss(0.0, 1.0), random.sample(range(n), k)).
 *
 * CPython's generator is MT19937 seeded by init_by_array from the seed's 32-bit words, its
 * floats NumPy's legacy doubles, its ints _randbelow (the top k bits of a draw, drawn again
 * until below n), its normals Box-Muller with the second value kept; libtyles' tyl_random.c
 * has the stream as generator TYL_PYRANDOM (IR_PYRANDOM here), the same on every rank.
 *
 * Requires: arguments lowered by lw_args. Establishes: each call is one S_RANDOM (or, for
 * choice of a sequence, a draw and a selection; for shuffle, a permutation and a gather; for
 * sample, the prelude's CPython algorithm below giving a run-time list); other names and forms
 * are located errors listing the supported ones. */

#include "lower_internal.h"

#include <string.h>

static const char *SUPPORTED = "supported from random: seed, random, uniform, randint, randrange, "
                               "choice (of a list of numbers), shuffle (of a 1-D array), sample (of "
                               "a range or a list of numbers), gauss, expovariate";
static const char *names[] = {"seed", "random", "uniform", "randint", "randrange", "choice",
                              "shuffle", "sample", "gauss", "expovariate", NULL};

/* random.sample(population, k) as CPython 3 draws it (Lib/random.py): with n items and
 * setsize = 21 (plus 4 ** ceil(log(3k, 4)) when k > 5; 3k is never a power of 4), a pool of
 * the n indices swapped down when n <= setsize, else draws of _randbelow(n) (randrange(0, n))
 * repeated while already chosen (CPython's set; here a bitmap of n bools). */
const char lw_pyrandom_prelude_src[] =
    "def pysample_index(n, k):\n"
    "    if k < 0 or k > n:\n"
    "        raise ValueError(\"Sample larger than population or is negative\")\n"
    "    setsize = 21\n"
    "    if k > 5:\n"
    "        p = 1\n"
    "        while p <= 3 * k:\n"
    "            p = p * 4\n"
    "        setsize = setsize + p\n"
    "    r = np.zeros(k, dtype=np.int64)\n"
    "    if n <= setsize:\n"
    "        pool = np.arange(n)\n"
    "        for i in range(k):\n"
    "            j = random.randrange(0, n - i)\n"
    "            r[i] = pool[j]\n"
    "            pool[j] = pool[n - i - 1]\n"
    "    else:\n"
    "        chosen = np.zeros(n, dtype=bool)\n"
    "        for i in range(k):\n"
    "            j = random.randrange(0, n)\n"
    "            while chosen[j]:\n"
    "                j = random.randrange(0, n)\n"
    "            chosen[j] = True\n"
    "            r[i] = j\n"
    "    return r\n"
    "\n"
    "\n"
    "def pysample_range(start, step, n, k):\n"
    "    r = pysample_index(n, k)\n"
    "    return start + step * r\n"
    "\n"
    "\n"
    "def pysample_take(a, k):\n"
    "    idx = pysample_index(a.shape[0], k)\n"
    "    r = np.zeros(k, dtype=a.dtype)\n"
    "    for i in range(k):\n"
    "        r[i] = a[idx[i]]\n"
    "    return r\n";
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
    lw_emit(c, s);
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

/* The length of range(start, stop, step), step != 0 (Python's rule). */
static value *range_len(lctx *c, loc l, value *start, value *stop, int64_t step)
{
    value *zero = lw_scalar(l, lw_I64(l, 0), 1), *d;
    if (step == INT64_MIN) { /* -step below would overflow (UBSan) */
        diag_error(l, "a range() step of -2**63 is not supported (tylesc's integers are 64-bit)");
        return &lw_ERRV;
    }
    if (step > 0) /* max(0, (stop - start + step - 1) // step) */
        d = lw_binop(c, l, OP_ADD, lw_binop(c, l, OP_SUB, stop, start), lw_scalar(l, lw_I64(l, step - 1), 1));
    else          /* max(0, (start - stop - step - 1) // -step) */
        d = lw_binop(c, l, OP_SUB, lw_binop(c, l, OP_SUB, start, stop), lw_scalar(l, lw_I64(l, step + 1), 1));
    d = lw_binop(c, l, OP_FDIV, d, lw_scalar(l, lw_I64(l, step > 0 ? step : -step), 1));
    return lw_binop(c, l, OP_MAX, d, zero);
}

/* random.sample(population, k): a run-time list of k items of a range (Python ints), of a list
 * or tuple of numbers of one type or of a run-time list of numbers (an array is Python's
 * TypeError); the population's range() is read from the call's text (range() is no value here). */
static value *sample(lctx *c, ast *call, const char *fname)
{
    loc l = call->l;
    ast *pop = call->args.len ? VEC_AT(call->args, 0, ast *) : NULL;
    if (!pop || call->args.len + call->kwargs.len != 2 ||
        (call->args.len == 1 && strcmp(VEC_AT(call->kwargs, 0, ast *)->name, "k") != 0)) {
        diag_error(l, "%s() takes a population and k (counts= is not supported)", fname);
        return &lw_ERRV;
    }
    ast *kast = call->args.len == 2 ? VEC_AT(call->args, 1, ast *) : VEC_AT(call->kwargs, 0, ast *)->a;
    value *k = lw_expr(c, kast);
    if (k->kind == V_ERR)
        return k;
    if (!lw_is_int_scalar(k)) {
        diag_error(k->l, "%s(): k must be an int, not %s", fname, lw_vkind_desc(k));
        return &lw_ERRV;
    }
    unseeded_warning(l, fname);
    if (pop->kind == A_CALL && pop->a->kind == A_NAME && strcmp(pop->a->name, "range") == 0 &&
        !pop->kwargs.len && pop->args.len >= 1 && pop->args.len <= 3) {
        value *r[3] = {0};
        for (int i = 0; i < pop->args.len; i++) {
            r[i] = lw_expr(c, VEC_AT(pop->args, i, ast *));
            if (r[i]->kind == V_ERR)
                return r[i];
            if (!lw_is_int_scalar(r[i])) {
                diag_error(r[i]->l, "'%s' object cannot be interpreted as an integer",
                           r[i]->kind == V_SCALAR ? "float" : lw_vkind_desc(r[i]));
                return &lw_ERRV;
            }
        }
        value *start = pop->args.len == 1 ? lw_scalar(l, lw_I64(l, 0), 1) : r[0];
        value *stop = pop->args.len == 1 ? r[0] : r[1];
        int64_t step = 1;
        if (r[2] && (!ir_expr_const_int(r[2]->e, &step) || step == 0)) {
            diag_error(r[2]->l, step == 0 ? "ValueError: range() arg 3 must not be zero"
                                          : "%s() of a range whose step is known only when running is "
                                            "not supported", fname);
            return &lw_ERRV;
        }
        value *n = range_len(c, l, start, stop, step);
        if (n->kind == V_ERR)
            return n;
        value *args[] = {start, lw_scalar(l, lw_I64(l, step), 1), n, k};
        value *s = lw_call_prelude(c, l, "pysample_range", 4, args);
        return s->kind == V_ERR ? s : lw_list_of_array(c, l, NULL, s, 1, "sample");
    }
    value *p = lw_expr(c, pop);
    if (p->kind == V_ERR)
        return p;
    int weak = 0;
    value *arr = NULL;
    if (p->kind == V_TUPLE && !p->keys && p->n > 0) {
        for (int i = 0; i < p->n; i++)
            if (p->items[i]->kind != V_SCALAR || p->items[i]->type != p->items[0]->type ||
                p->items[i]->weak != p->items[0]->weak) {
                diag_error(p->items[i]->l, "%s(): the items must be numbers of one type (here %s)", fname,
                           lw_vkind_desc(p->items[i]));
                return &lw_ERRV;
            }
        weak = p->items[0]->weak;
        value *t = lw_vnew(V_TUPLE, l);
        *t = *p;
        t->is_list = 1;
        args aa = {0};
        aa.pos = &t;
        aa.npos = 1;
        arr = lw_array_literal(c, l, &aa, 1);
    } else if (p->kind == V_LIST && !p->rank && !p->lrow && !p->lnint) {
        weak = p->weak;
        arr = lw_list_as_array(c, l, p);
    } else if (p->kind == V_ARRAY) { /* not a collections.abc.Sequence */
        diag_error(p->l, "TypeError: Population must be a sequence.  For dicts or sets, use sorted(d).");
        diag_note((loc){0}, "random.sample(range(len(a)), k) gives the indices of k items of an array");
        return &lw_ERRV;
    } else {
        diag_error(p->l, "%s() of %s is not supported (a range or a list or tuple of numbers is)",
                   fname, lw_vkind_desc(p));
        return &lw_ERRV;
    }
    if (arr->kind == V_ERR)
        return arr;
    value *args[] = {arr, k};
    value *s = lw_call_prelude(c, l, "pysample_take", 2, args);
    return s->kind == V_ERR ? s : lw_list_of_array(c, l, NULL, s, weak, "sample");
}

value *lw_pyrandom_call(lctx *c, value *fn, ast *call)
{
    loc l = call->l;
    if (strcmp(fn->str, "random.sample") == 0)
        return sample(c, call, fn->str);
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
        int64_t st = 1;
        if (v[2] && (!int_arg(v[2], fname, "step") || !v[1]))
            return &lw_ERRV;
        if (v[2] && (!ir_expr_const_int(v[2]->e, &st) || st != 1)) {
            /* CPython: n = (width + step - 1) // step (step > 0) or (width + step + 1) // step,
             * start + step * _randbelow(n); _randbelow(n <= 0) is its "empty range" error */
            if (!int_arg(v[0], fname, "start") || !int_arg(v[1], fname, "stop"))
                return &lw_ERRV;
            value *zero = lw_scalar(l, lw_I64(l, 0), 1), *one = lw_scalar(l, lw_I64(l, 1), 1);
            value *step = lw_scalar(l, ir_cast(l, T_I64, v[2]->e), 1);
            if (ir_expr_const_int(v[2]->e, &st) && st == 0) {
                diag_error(v[2]->l, "ValueError: zero step for randrange()");
                return &lw_ERRV;
            }
            ir_stmt *zs = ir_stmt_new(S_RAISE, l);
            zs->e = ir_bin(l, OP_CEQ, T_BOOL, step->e, lw_I64(l, 0), 0);
            zs->str = "ValueError: zero step for randrange()";
            lw_emit(c, zs);
            value *pos = lw_binop(c, l, OP_CGT, step, zero);
            value *adj = lw_where3(c, l, pos, lw_scalar(l, lw_I64(l, -1), 1), one);
            value *w = lw_binop(c, l, OP_SUB, lw_scalar(l, ir_cast(l, T_I64, v[1]->e), 1),
                                lw_scalar(l, ir_cast(l, T_I64, v[0]->e), 1));
            value *n = lw_binop(c, l, OP_ADD, lw_binop(c, l, OP_ADD, w, step), adj);
            /* a zero step divides by one instead (the raise above ends the run first) */
            n = lw_binop(c, l, OP_FDIV, n, lw_where3(c, l, lw_binop(c, l, OP_CEQ, step, zero), one, step));
            if (n->kind == V_ERR)
                return n;
            value *d = draw(c, l, R_PYINT, lw_I64(l, 0), n->e, T_I64, fname);
            return lw_binop(c, l, OP_ADD, lw_scalar(l, ir_cast(l, T_I64, v[0]->e), 1),
                            lw_binop(c, l, OP_MUL, step, d));
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
