/* lower_nprandom.c: numpy.random: the legacy global state (np.random.seed, rand, randn, normal,
 * randint, choice, ...), np.random.RandomState and np.random.default_rng's Generator, drawn by
 * libtyles' tyl_random.c bit for bit as NumPy draws them (MT19937 and PCG64 streams).
 * Requires: the call's callee is np.random.NAME or a generator's method (lw_random_attr).
 * Establishes: each default_rng/RandomState call lowered gets a generator number of its own; a
 * legacy draw not seeded, or a generator seeded from the clock, is warned about once. */

#include "lower_internal.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


/* Generator numbers: 0 is the legacy global RandomState; each np.random.default_rng call lowered
 * takes the next of 1, 2, ..., each np.random.RandomState call the next of -1, -2, ... (a call
 * lowered again by a loop probe takes a new one; unused ones cost nothing). */
static int rnd_ngen, rnd_nstates;
static int rnd_legacy_seeded; /* np.random.seed(int) came before: legacy draws are reproducible */
static int rnd_warned;        /* the clock-seed warning was given */
static const char rnd_supported[] =
    "supported from numpy.random: seed, rand, randn, random, random_sample, standard_normal, "
    "normal, uniform, randint, choice (also with p=), shuffle, permutation, exponential, "
    "standard_exponential, gamma, standard_gamma, binomial, default_rng, "
    "RandomState (with the same methods); of a Generator: "
    "random, uniform, integers, standard_normal, normal, choice, shuffle, permutation, "
    "exponential, standard_exponential, gamma, standard_gamma, binomial";

/* np.random.NAME or GENERATOR.NAME: a built-in whose call random_call lowers. */
value *lw_random_attr(value *obj, ast *a)
{
    static const char *legacy[] = {"seed", "rand", "randn", "random", "random_sample",
                                   "standard_normal", "normal", "uniform", "randint", "choice",
                                   "shuffle", "permutation", "exponential", "standard_exponential",
                                   "gamma", "standard_gamma", "binomial", "default_rng", "RandomState", NULL};
    static const char *methods[] = {"random", "uniform", "integers", "standard_normal", "normal",
                                    "choice", "shuffle", "permutation", "gamma", "standard_gamma", "binomial",
                                    "exponential", "standard_exponential", NULL};
    int gen = obj->kind == V_RNG;
    /* a RandomState object has the module's functions (less the constructors) as methods */
    for (const char **p = gen && obj->n > 0 ? methods : legacy; *p; p++)
        if (strcmp(*p, a->name) == 0 && !(gen && (!strcmp(*p, "default_rng") || !strcmp(*p, "RandomState")))) {
            value *v = lw_vnew(V_BUILTIN, a->l);
            v->str = arena_printf(&util_arena, "%s%s", gen ? "rng." : "np.random.", a->name);
            v->self = gen ? obj : NULL;
            return v;
        }
    loc whole = loc_span(a->a->l, a->l);
    diag_error(whole, "'%s' is not supported in a stencil program", diag_text(whole));
    diag_note((loc){0}, "%s", rnd_supported);
    return &lw_ERRV;
}

/* A clock seed: results cannot be compared with NumPy's; said once. */
static void rnd_clock_warning(loc l, const char *what)
{
    int sup = diag_suppress(1);
    diag_suppress(sup);
    if (rnd_warned || sup)
        return;
    rnd_warned = 1;
    diag_warning(l, "%s: the seed comes from the clock, so the numbers cannot match NumPy's; "
                    "seed it with an int to reproduce a NumPy run", what);
}
static ir_expr *rnd_float(value *v, const char *fname, const char *what)
{
    if (v->kind == V_SCALAR)
        return ir_cast(v->l, T_F64, v->e);
    diag_error(v->l, "%s(): %s must be a scalar here, not %s", fname, what, lw_vkind_desc(v));
    return NULL;
}

/* Draws of kind k from generator gen: an array of shape `size`, or one scalar when size is
 * absent or None. */
ir_stmt *lw_random_stmt(loc l, int gen, ir_rkind k, const char *fname)
{
    if (gen == 0 && !rnd_legacy_seeded)
        rnd_clock_warning(l, arena_printf(&util_arena, "%s() before np.random.seed()", fname));
    ir_stmt *s = ir_stmt_new(S_RANDOM, l);
    s->n = gen;
    s->init = k;
    s->na = gen != 0 || rnd_legacy_seeded;
    return s;
}
static value *rnd_draw(lctx *c, loc l, int gen, ir_rkind k, ir_expr *e, ir_expr *e2, value *size,
                       ir_type t, const char *fname)
{
    ir_stmt *s = lw_random_stmt(l, gen, k, fname);
    s->e = e;
    s->e2 = e2;
    /* NumPy draws 8-bit, 16-bit and bool integers from buffered 32-bit outputs */
    s->nb = k != R_INT ? 0 : t == T_U8 || t == T_I8 ? 8 : t == T_U16 || t == T_I16 ? 16 : t == T_BOOL ? 1 : 0;
    value *r;
    if (size && size->kind != V_NONE) {
        int rank;
        ir_expr *len[IR_MAX_RANK];
        const sym *sh[IR_MAX_RANK];
        if (!lw_shape_arg(size, &rank, len, sh))
            return &lw_ERRV;
        r = lw_new_array(c, l, t, rank, len, sh, 0, NULL);
        s->var = r->fresh;
    } else {
        /* NumPy returns a Python float or int, even for dtype=np.float32 (a NumPy scalar for
         * integers of the narrow dtypes, a Python bool for bool) */
        s->var = lw_temp_scalar(c, k == R_INT || k == R_BINOMIAL ? T_I64 : T_F64);
        r = lw_scalar(l, ir_varref(l, s->var), 1);
        if (s->nb || (k == R_INT && t == T_U32)) {
            r = lw_scalar(l, ir_cast(l, t, ir_varref(l, s->var)), t == T_BOOL);
        }
    }
    lw_emit(c, s); /* `x > 0 and np.random.rand() < p`: under lw_skip's if, drawn only when x > 0 */
    return r;
}

/* randint / integers: [low, high) (high None: [0, low)), dtype int64 or int32. */
static value *rnd_ints(lctx *c, loc l, int gen, value **v, const char *fname, int endpoint)
{
    ir_type t = T_I64;
    if (v[3] && v[3]->kind != V_NONE && !lw_dtype_of(v[3], &t))
        return &lw_ERRV;
    if (ir_type_is_float(t)) {
        diag_error(v[3]->l, "Python raises TypeError: Unsupported dtype dtype('%s') for %s", ir_type_name(t),
                   strstr(fname, "randint") ? "randint" : "integers");
        return &lw_ERRV;
    }
    int nohigh = !v[1] || v[1]->kind == V_NONE;
    ir_expr *lo = lw_int_operand(v[0], nohigh ? "high" : "low");
    ir_expr *hi = nohigh ? lo : lw_int_operand(v[1], "high");
    if (!lo || !hi)
        return &lw_ERRV;
    if (nohigh)
        lo = lw_I64(l, 0);
    if (endpoint)
        hi = ir_bin(l, OP_ADD, T_I64, hi, lw_I64(l, 1), 0);
    if (t != T_I64 && t != T_U64) { /* NumPy's bounds of the dtype, checked before low >= high */
        int64_t lob = t == T_BOOL ? 0 : t == T_I8 ? INT8_MIN : t == T_I16 ? INT16_MIN : t == T_I32 ? INT32_MIN : 0;
        int64_t hib = t == T_BOOL ? 2 : t == T_I8 ? 128 : t == T_U8 ? 256 : t == T_I16 ? 32768 : t == T_U16 ? 65536
                    : t == T_I32 ? (int64_t)INT32_MAX + 1 : (int64_t)UINT32_MAX + 1;
        const char *tn = t == T_BOOL ? "bool" : ir_type_name(t);
        lw_emit_raise(c, l, ir_bin(l, OP_CLT, T_BOOL, lo, lw_I64(l, lob), 0),
                      arena_printf(&util_arena, "ValueError: low is out of bounds for %s", tn));
        lw_emit_raise(c, l, ir_bin(l, OP_CGT, T_BOOL, hi, lw_I64(l, hib), 0),
                      arena_printf(&util_arena, "ValueError: high is out of bounds for %s", tn));
    }
    return rnd_draw(c, l, gen, R_INT, lo, hi, v[2], t, fname);
}
/* The run-time form of choice_p below, for a 1-D p of more than 64 items or of an extent known
 * only when running: p's Kahan sum and its negative items by a loop each, cdf = p.cumsum() /
 * cdf[-1] (np.cumsum: in order), and NumPy's own cdf.searchsorted(u, side='right') of the
 * uniform draws (lower_search.c's prelude), exactly NumPy's steps. */
const char lw_choice_prelude_src[] =
    "def choice_kahan(p):\n"
    "    s = p[0]\n"
    "    comp = 0.0\n"
    "    for i in range(1, int(p.shape[0])):\n"
    "        y = p[i] - comp\n"
    "        t = s + y\n"
    "        comp = (t - s) - y\n"
    "        s = t\n"
    "    return s\n"
    "\n"
    "\n"
    "def choice_negative(p):\n"
    "    neg = False\n"
    "    for i in range(int(p.shape[0])):\n"
    "        if p[i] < 0.0:\n"
    "            neg = True\n"
    "    return neg\n"
    "\n"
    "\n"
    "def choice_cdf(p):\n"
    "    cdf = np.cumsum(p)\n"
    "    cdf /= cdf[-1]\n"
    "    return cdf\n";

/* The indices choice(a, size, p=p) draws, as NumPy's: p checked (its size against the n items
 * of a, NaN, negative items, its Kahan sum within sqrt(eps) of 1, with the messages of the
 * Generator or of the legacy stream), cdf = p.cumsum() / its last item, u uniform draws of
 * the shape of size, and idx = cdf.searchsorted(u, side='right'): the number of cdf items at
 * or below u (cdf rises), written out item by item, so u may have any shape and stays where it
 * is drawn. p is a list, tuple or 1-D array; past 64 items, or of an extent known only when
 * running, by lw_choice_prelude_src's loops instead of items written out one by one. */
static value *choice_p(lctx *c, loc l, int gen, value *pv, value *nv, value *size, const char *fname)
{
    if (pv->kind == V_TUPLE && !pv->cplx)
        pv = lw_array_literal(c, pv->l, &(args){.pos = &pv, .npos = 1}, 0);
    int64_t n, na;
    if (pv->kind == V_ERR)
        return &lw_ERRV;
    if (lw_is_complex(pv)) {
        diag_error(pv->l, "%s(): p of complex numbers is not supported (NumPy casts them to float, dropping "
                          "the imaginary part)", fname);
        return &lw_ERRV;
    }
    if (pv->kind != V_ARRAY || pv->rank != 1) {
        if (pv->kind == V_ARRAY)
            diag_error(pv->l, "ValueError: p must be 1-dimensional (p here is %d-D)", pv->rank);
        else
            diag_error(pv->l, "%s(): p must be a list, tuple or 1-D array of numbers, not %s", fname,
                       lw_vkind_desc(pv));
        return &lw_ERRV;
    }
    int known = pv->sh[0] && sym_is_const(pv->sh[0], &n);
    ir_expr *na_e = lw_int_operand(nv, "a");
    if (!na_e)
        return &lw_ERRV;
    const char *size_msg = gen > 0 ? "ValueError: a and p must have same size" : "ValueError: 'a' and 'p' must have same size";
    if (known && ir_expr_const_int(na_e, &na)) {
        if (na != n) {
            diag_error(pv->l, "%s", size_msg + 12);
            return &lw_ERRV;
        }
    } else /* n != n when p's extent is n is folded by pass_fold */
        lw_emit_raise(c, l, ir_bin(l, OP_CNE, T_BOOL, na_e, known ? lw_I64(l, n) : ir_cast(l, T_I64, pv->len[0]), 0),
                      size_msg);
    /* NumPy's tolerance: sqrt(eps) of float64, of float32 for a float32 array (max of the two) */
    double atol = pv->type == T_F32 ? 0.0003452669770922512 : 1.4901161193847656e-08;
    const char *nan_msg = gen > 0 ? "ValueError: Probabilities contain NaN" : "ValueError: probabilities contain NaN";
    const char *neg_msg = gen > 0 ? "ValueError: Probabilities are not non-negative"
                                  : "ValueError: probabilities are not non-negative";
    const char *sum_msg = gen > 0 ? "ValueError: Probabilities do not sum to 1. See Notes section of docstring "
                                    "for more information."
                                  : "ValueError: probabilities do not sum to 1";
    if (!known || n > 64 || n < 1) {
        /* a is not empty (checked before): p is not either, once the sizes agree */
        value *p64 = lw_materialize(c, lw_cast_to(l, pv, T_F64));
        value *sum = lw_call_prelude(c, l, "choice_kahan", 1, &p64);
        value *neg = lw_call_prelude(c, l, "choice_negative", 1, &p64);
        if (sum->kind != V_SCALAR || neg->kind != V_SCALAR)
            return &lw_ERRV;
        ir_var *sv = lw_temp_scalar(c, T_F64);
        ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
        as->var = sv;
        as->e = ir_cast(l, T_F64, sum->e);
        lw_emit(c, as);
        ir_expr *s = ir_varref(l, sv);
        lw_emit_raise(c, l, ir_bin(l, OP_CNE, T_BOOL, s, s, 0), nan_msg);
        lw_emit_raise(c, l, ir_cast(l, T_BOOL, neg->e), neg_msg);
        lw_emit_raise(c, l, ir_bin(l, OP_CGT, T_BOOL, ir_un(l, OP_ABS, T_F64, ir_bin(l, OP_SUB, T_F64, s,
                                                                                   ir_const_f(l, T_F64, 1.0), 0)),
                                   ir_const_f(l, T_F64, atol), 0), sum_msg);
        value *cdf = lw_call_prelude(c, l, "choice_cdf", 1, &p64);
        if (cdf->kind != V_ARRAY)
            return &lw_ERRV;
        value *u = rnd_draw(c, l, gen, R_UNIFORM, ir_const_f(l, T_F64, 0.0), ir_const_f(l, T_F64, 1.0), size, T_F64, fname);
        if (u->kind == V_ERR)
            return u;
        if (u->kind == V_ARRAY && u->rank != 1) {
            diag_error(size->l, "%s(): a size of %d dimensions with p of more than 64 items (or of an extent known "
                                "only when running) is not supported (a number or a 1-D size is)", fname, u->rank);
            return &lw_ERRV;
        }
        if (u->kind == V_ARRAY && u->e->kind != E_READ)
            u = lw_materialize(c, u);
        value *sargs[] = {cdf, u, lw_scalar(l, ir_const_i(l, T_BOOL, 1), 1)};
        value *idx = lw_call_prelude(c, l, u->kind == V_SCALAR ? "searchsorted_s" : "searchsorted_1", 3, sargs);
        if (idx->kind == V_SCALAR)
            idx = lw_scalar(l, ir_cast(l, T_I64, idx->e), 0);
        return idx;
    }
    value *arr = pv;
    ir_var *slot = lw_whole_slot(arr);
    if (!slot)
        slot = lw_whole_slot(arr = lw_materialize(c, arr));
    ir_expr *P[64];
    for (int64_t k = 0; k < n; k++) { /* the items, read once */
        ir_expr **idx = NEWN(ir_expr *, 1);
        idx[0] = lw_I64(l, k);
        ir_var *tmp = lw_temp_scalar(c, T_F64);
        ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
        as->var = tmp;
        as->e = ir_cast(l, T_F64, ir_elem(l, slot, idx));
        lw_emit(c, as);
        P[k] = ir_varref(l, tmp);
    }
    /* NumPy's kahan_sum */
    ir_expr *sum = P[0], *comp = ir_const_f(l, T_F64, 0.0), *neg = ir_const_i(l, T_BOOL, 0);
    for (int64_t k = 1; k < n; k++) {
        ir_expr *y = ir_bin(l, OP_SUB, T_F64, P[k], comp, 0);
        ir_var *t = lw_temp_scalar(c, T_F64), *cv = lw_temp_scalar(c, T_F64);
        ir_stmt *st = ir_stmt_new(S_ASSIGN, l);
        st->var = t;
        st->e = ir_bin(l, OP_ADD, T_F64, sum, y, 0);
        lw_emit(c, st);
        ir_stmt *sc = ir_stmt_new(S_ASSIGN, l);
        sc->var = cv;
        sc->e = ir_bin(l, OP_SUB, T_F64, ir_bin(l, OP_SUB, T_F64, ir_varref(l, t), sum, 0), y, 0);
        lw_emit(c, sc);
        sum = ir_varref(l, t);
        comp = ir_varref(l, cv);
    }
    for (int64_t k = 0; k < n; k++)
        neg = ir_bin(l, OP_LOR, T_BOOL, neg, ir_bin(l, OP_CLT, T_BOOL, P[k], ir_const_f(l, T_F64, 0.0), 0), 0);
    lw_emit_raise(c, l, ir_bin(l, OP_CNE, T_BOOL, sum, sum, 0), nan_msg);
    lw_emit_raise(c, l, neg, neg_msg);
    lw_emit_raise(c, l, ir_bin(l, OP_CGT, T_BOOL, ir_un(l, OP_ABS, T_F64, ir_bin(l, OP_SUB, T_F64, sum,
                                                                               ir_const_f(l, T_F64, 1.0), 0)),
                               ir_const_f(l, T_F64, atol), 0), sum_msg);
    ir_expr *C[64];
    for (int64_t k = 0; k < n; k++) { /* the running sum, in order */
        ir_var *t = lw_temp_scalar(c, T_F64);
        ir_stmt *st = ir_stmt_new(S_ASSIGN, l);
        st->var = t;
        st->e = k ? ir_bin(l, OP_ADD, T_F64, C[k - 1], P[k], 0) : P[0];
        lw_emit(c, st);
        C[k] = ir_varref(l, t);
    }
    value *u = rnd_draw(c, l, gen, R_UNIFORM, ir_const_f(l, T_F64, 0.0), ir_const_f(l, T_F64, 1.0), size, T_F64, fname);
    if (u->kind == V_ERR)
        return u;
    value *idx = lw_scalar(l, lw_I64(l, 0), 0);
    for (int64_t k = 0; k < n; k++) {
        value *cdf = lw_scalar(l, ir_bin(l, OP_TRUEDIV, T_F64, C[k], C[n - 1], 0), 0);
        value *le = lw_binop(c, l, OP_CLE, cdf, u);
        if (le->kind == V_ERR)
            return le;
        idx = lw_binop(c, l, OP_ADD, idx, lw_cast_to(l, le, T_I64));
    }
    if (idx->kind == V_SCALAR)
        idx->weak = 0;
    return idx->kind == V_ARRAY ? lw_materialize(c, idx) : idx;
}

/* choice(a, size, replace=True, p=None), as NumPy does it: with replacement the indices are
 * randint(0, len(a), size) from the same stream (Generator: integers, Lemire's draws), without
 * replacement lower_shuffle.c's sample; the result is a[idx]. a is a number (the
 * indices themselves), a sequence of numbers known when compiling ([-1, 1] spins), whose item
 * k is selected where idx == k (its dtype as np.array(a) gives it), or an array, whose items
 * (rows) are gathered by lower_gather.c along axis 0. */
static value *rnd_choice(lctx *c, loc l, int gen, value **v, const char *fname)
{
    value *av = v[0];
    int64_t k = 1;
    if (v[2] && !(v[2]->kind == V_SCALAR && ir_expr_const_int(ir_cast(l, T_I64, v[2]->e), &k))) {
        diag_error(v[2]->l, "%s(): replace must be True or False (a value known when compiling)", fname);
        return &lw_ERRV;
    }
    int replace = k != 0;
    if (v[4] && v[4]->kind != V_ERR && !(v[4]->kind == V_SCALAR && ir_expr_const_int(v[4]->e, &k) && k == 0)) {
        diag_error(v[4]->l, "%s(): axis other than 0 is not supported", fname);
        return &lw_ERRV;
    }
    if (v[5] && !(v[5]->kind == V_SCALAR && ir_expr_const_int(ir_cast(l, T_I64, v[5]->e), &k) && k)) {
        diag_error(v[5]->l, "%s(): shuffle=False is not supported", fname);
        return &lw_ERRV;
    }
    value *pv = v[3] && v[3]->kind != V_NONE ? v[3] : NULL;
    if (pv && !replace) {
        diag_error(pv->l, "%s(): p= without replacement is not supported (with replacement it is)", fname);
        return &lw_ERRV;
    }
    int seq = av->kind == V_TUPLE, arr = av->kind == V_ARRAY;
    if (seq) {
        if (av->n == 0) {
            diag_error(av->l, "'a' cannot be empty unless no samples are taken");
            return &lw_ERRV;
        }
        for (int i = 0; i < av->n; i++)
            if (av->items[i]->kind != V_SCALAR || av->items[i]->items) {
                diag_error(av->items[i]->l, "%s(): a must be 1-dimensional (a sequence of numbers "
                                            "here), not with %s", fname, lw_vkind_desc(av->items[i]));
                return &lw_ERRV;
            }
    } else if (arr) {
        if (av->rank < 1) {
            diag_error(av->l, "%s(): a must be 1-dimensional or an integer", fname);
            return &lw_ERRV;
        }
        if (lw_is_complex(av)) {
            diag_error(av->l, "%s() of a complex array is not supported", fname);
            return &lw_ERRV;
        }
    } else if (!lw_is_int_scalar(av)) {
        diag_error(av->l, "%s(): a must be an int, an array or a sequence of numbers known when "
                          "compiling, not %s", fname, lw_vkind_desc(av));
        return &lw_ERRV;
    }
    value *iv[4] = {lw_scalar(l, lw_I64(l, 0), 1),
                    seq ? lw_scalar(l, lw_I64(l, av->n), 1) : arr ? lw_scalar(l, av->len[0], 1) : av, v[1],
                    NULL};
    if (arr) { /* NumPy's check of an empty population, before any draw (any size: tylesc) */
        ir_expr *pop = ir_cast(l, T_I64, av->len[0]);
        lw_emit_raise(c, l, ir_bin(l, OP_CEQ, T_BOOL, pop, lw_I64(l, 0), 0),
                      gen > 0 ? "ValueError: a cannot be empty unless no samples are taken"
                              : "ValueError: 'a' cannot be empty unless no samples are taken");
    }
    value *idx;
    if (pv)
        idx = choice_p(c, l, gen, pv, iv[1], v[1], fname);
    else if (replace)
        idx = rnd_ints(c, l, gen, iv, fname, 0);
    else {
        ir_expr *pop = lw_int_operand(iv[1], "a");
        idx = pop ? lw_random_choice_norepl(c, l, gen, pop, v[1], fname) : &lw_ERRV;
    }
    if (arr && idx->kind == V_ARRAY) /* a[idx]: the items (rows) drawn, a new array */
        return lw_take_rows(c, l, av, idx);
    if (arr && idx->kind == V_SCALAR) { /* one item of a 1-D array: a NumPy scalar, read now */
        if (av->rank != 1) {
            diag_error(l, "%s() of one row of a %d-D array (no size) is not supported (with size= it is)",
                       fname, av->rank);
            return &lw_ERRV;
        }
        ir_var *slot = lw_whole_slot(av);
        if (!slot)
            slot = lw_whole_slot(av = lw_materialize(c, av));
        ir_expr **ix = NEWN(ir_expr *, 1);
        ix[0] = ir_cast(l, T_I64, idx->e);
        ir_var *tmp = lw_temp_scalar(c, av->type);
        ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
        as->var = tmp;
        as->e = ir_elem(l, slot, ix);
        lw_emit(c, as);
        return lw_scalar(l, ir_varref(l, tmp), 0);
    }
    if (!seq || idx->kind == V_ERR)
        return idx;
    ir_type t = T_BOOL; /* np.array(a)'s dtype: the widest kind of its items */
    for (int i = 0; i < av->n; i++) {
        ir_type ti = av->items[i]->type;
        if (ir_type_is_float(ti) || ir_type_is_float(t))
            t = T_F64;
        else if (ti != T_BOOL)
            t = T_I64;
    }
    value *r = lw_scalar(l, ir_cast(l, t, av->items[av->n - 1]->e), 0);
    for (int i = av->n - 2; i >= 0; i--) {
        value *eq = lw_binop(c, l, OP_CEQ, idx, lw_scalar(l, lw_I64(l, i), 1));
        r = lw_where3(c, l, eq, lw_scalar(l, ir_cast(l, t, av->items[i]->e), 0), r);
        if (r->kind == V_ERR)
            return r;
    }
    if (r->kind == V_SCALAR) /* a[idx] of one draw: a NumPy scalar of a's dtype */
        r->weak = 0;
    return r;
}

/* x's item at the loop indices it[0..rr) of a result of rank rr, broadcast (a scalar: itself) */
static ir_expr *bcast_item(loc l, value *x, ir_var *slot, int rr, ir_var **it, ir_type t)
{
    if (!slot)
        return ir_cast(l, t, x->e);
    ir_expr **ix = NEWN(ir_expr *, x->rank);
    for (int d = 0; d < x->rank; d++) {
        int rd = rr - x->rank + d;
        ix[d] = lw_sym_is_one_ext(x->sh[d]) ? lw_I64(l, 0) : ir_varref(l, it[rd]);
    }
    return ir_cast(l, t, ir_elem(l, slot, ix));
}

/* binomial(n, p) with an array of trials or of probabilities (or both), broadcast: one draw per
 * item in C order of the broadcast shape, as NumPy's loop draws them (each item checked as it
 * is drawn: NumPy checks every p, then every n, before drawing, so only the message of a call
 * with both kinds of bad item can differ). A loop of element draws: every rank draws every item
 * and keeps the whole array. */
static value *binomial_arrays(lctx *c, loc l, int gen, value *n, value *p, value *size, const char *fname)
{
    if (size && size->kind != V_NONE) {
        diag_error(size->l, "%s(): size= with an array of n or p is not supported (the broadcast "
                            "shape of n and p is)", fname);
        return &lw_ERRV;
    }
    value *shape = lw_binop(c, l, OP_ADD, n, p); /* the broadcast shape, NumPy's message if none */
    if (shape->kind == V_ERR)
        return shape;
    int rr = shape->rank;
    value *r = lw_new_array(c, l, T_I64, rr, shape->len, shape->sh, 0, NULL);
    if (r->kind == V_ERR)
        return r;
    ir_var *ns = NULL, *ps = NULL;
    if (n->kind == V_ARRAY && !(ns = lw_whole_slot(n)))
        ns = lw_whole_slot(n = lw_materialize(c, n));
    if (p->kind == V_ARRAY && !(ps = lw_whole_slot(p)))
        ps = lw_whole_slot(p = lw_materialize(c, p));
    ir_var *it[IR_MAX_RANK];
    vec *saved = c->out;
    c->out = lw_loop_nest(c, l, c->out, rr, shape->len, "binom_it", it);
    ir_stmt *st = lw_random_stmt(l, gen, R_BINOMIAL, fname);
    st->e = bcast_item(l, n, ns, rr, it, T_I64);
    st->e2 = bcast_item(l, p, ps, rr, it, T_F64);
    st->var = lw_temp_scalar(c, T_I64);
    lw_emit(c, st);
    ir_expr **at = NEWN(ir_expr *, rr);
    for (int d = 0; d < rr; d++)
        at[d] = ir_varref(l, it[d]);
    ir_stmt *set = ir_stmt_new(S_SETELEM, l);
    set->var = r->fresh;
    set->n = rr;
    set->args = at;
    set->e = ir_varref(l, st->var);
    lw_emit(c, set);
    c->out = saved;
    return r;
}

value *lw_random_call(lctx *c, value *fn, ast *call)
{
    loc l = call->l;
    args a = lw_args(c, call);
    if (lw_any_err(&a))
        return &lw_ERRV;
    int gen = fn->self ? fn->self->n : 0;
    int pcg = gen > 0; /* a Generator; otherwise the legacy stream or a RandomState */
    const char *n = strchr(fn->str, '.') + 1;
    if (!fn->self)
        n = strchr(n, '.') + 1;
    const char *fname = fn->self ? arena_printf(&util_arena, "%s.%s", pcg ? "Generator" : "RandomState", n)
                                 : fn->str;
    value *v[5] = {0};
    if (strcmp(n, "seed") == 0 || strcmp(n, "default_rng") == 0 || strcmp(n, "RandomState") == 0) {
        const char *pn[] = {"seed"};
        if (!lw_match_args(l, fname, &a, 1, pn, 0, v))
            return &lw_ERRV;
        ir_stmt *s = ir_stmt_new(S_RANDOM, l);
        s->init = R_SEED;
        s->n = n[0] == 's' ? gen : n[0] == 'd' ? ++rnd_ngen : -++rnd_nstates;
        if (v[0] && v[0]->kind != V_NONE) {
            s->e = lw_int_operand(v[0], "a seed");
            if (!s->e)
                return &lw_ERRV;
        } else
            rnd_clock_warning(l, arena_printf(&util_arena, "%s() without a seed", fname));
        rnd_legacy_seeded |= s->n == 0 && s->e;
        lw_emit(c, s);
        if (n[0] == 's')
            return lw_vnew(V_NONE, l);
        value *g = lw_vnew(V_RNG, l);
        g->n = s->n;
        return g;
    }
    if (!pcg && (strcmp(n, "rand") == 0 || strcmp(n, "randn") == 0)) {
        /* the shape as separate ints */
        if (a.nkw) {
            diag_error(a.kwast[0]->l, "%s() takes no keyword arguments", fname);
            return &lw_ERRV;
        }
        value *size = NULL;
        if (a.npos) {
            size = lw_vnew(V_TUPLE, l);
            size->n = a.npos;
            size->items = a.pos;
        }
        return rnd_draw(c, l, gen, n[4] ? R_GAUSS : R_SAMPLE, n[4] ? ir_const_f(l, T_F64, 0.0) : NULL,
                        n[4] ? ir_const_f(l, T_F64, 1.0) : NULL, size, T_F64, fname);
    }
    if (pcg && (strcmp(n, "exponential") == 0 || strcmp(n, "standard_exponential") == 0)) {
        /* a Generator's scale * its ziggurat exponential: NumPy's gamma(1, scale), the same
         * draw and the same check of scale (scale 1.0 for the standard one: x * 1.0 is x) */
        int std = n[0] == 's';
        const char *pn[] = {"scale", "size"}, *ps[] = {"size", "dtype", "method"};
        if (!lw_match_args(l, fname, &a, std ? 3 : 2, std ? ps : pn, 0, v))
            return &lw_ERRV;
        ir_type t = T_F64;
        if (std && v[1] && !lw_dtype_of(v[1], &t))
            return &lw_ERRV;
        if (t != T_F64) {
            diag_error(v[1]->l, "%s(): dtype= other than np.float64 is not supported", fname);
            return &lw_ERRV;
        }
        if (std && v[2] && !(v[2]->kind == V_STR && v[2]->str && strcmp(v[2]->str, "zig") == 0)) {
            diag_error(v[2]->l, "%s(): method= other than 'zig' is not supported", fname);
            return &lw_ERRV;
        }
        value *scale = std ? NULL : v[0], *size = std ? v[0] : v[1];
        ir_expr *sc = scale && scale->kind != V_NONE ? rnd_float(scale, fname, "scale") : ir_const_f(l, T_F64, 1.0);
        if (!sc)
            return &lw_ERRV;
        return rnd_draw(c, l, gen, R_GAMMA, ir_const_f(l, T_F64, 1.0), sc, size, T_F64, fname);
    }
    if (!pcg && (strcmp(n, "exponential") == 0 || strcmp(n, "standard_exponential") == 0)) {
        /* the legacy stream's scale * -log(1.0 - u) */
        int std = n[0] == 's';
        const char *pn[] = {"scale", "size"}, *ps[] = {"size"};
        if (!lw_match_args(l, fname, &a, std ? 1 : 2, std ? ps : pn, 0, v))
            return &lw_ERRV;
        value *scale = std ? NULL : v[0], *size = std ? v[0] : v[1];
        ir_expr *sc = scale && scale->kind != V_NONE ? rnd_float(scale, fname, "scale") : NULL;
        if (scale && scale->kind != V_NONE && !sc)
            return &lw_ERRV;
        if (sc) { /* NumPy tests the sign bit: -0.0 is refused too */
            ir_expr **cs = NEWN(ir_expr *, 2);
            cs[0] = ir_const_f(l, T_F64, 1.0);
            cs[1] = sc;
            lw_emit_raise(c, l, ir_bin(l, OP_CLT, T_BOOL, ir_call(l, FN_COPYSIGN, T_F64, 2, cs),
                                       ir_const_f(l, T_F64, 0.0), 0),
                          "ValueError: scale < 0");
        }
        value *u = rnd_draw(c, l, gen, R_SAMPLE, NULL, NULL, size, T_F64, fname);
        if (u->kind == V_ERR)
            return u;
        value *e = lw_unop(c, l, OP_NEG, lw_ufunc1(c, l, FN_LOG, lw_binop(c, l, OP_SUB, lw_scalar(l, ir_const_f(l, T_F64, 1.0), 1), u)));
        return sc ? lw_binop(c, l, OP_MUL, lw_scalar(l, sc, 1), e) : e;
    }
    if (strcmp(n, "random") == 0 || strcmp(n, "random_sample") == 0) {
        const char *pn[] = {"size", "dtype"};
        if (!lw_match_args(l, fname, &a, pcg ? 2 : 1, pn, 0, v))
            return &lw_ERRV;
        ir_type t = T_F64;
        if (pcg && v[1] && !lw_dtype_of(v[1], &t))
            return &lw_ERRV;
        if (t != T_F64 && t != T_F32) {
            diag_error(v[1]->l, "%s(): dtype= must be np.float64 or np.float32", fname);
            return &lw_ERRV;
        }
        return rnd_draw(c, l, gen, t == T_F32 ? R_SAMPLE_F32 : R_SAMPLE, NULL, NULL, v[0], t, fname);
    }
    if (pcg && strcmp(n, "standard_normal") == 0) { /* Generator: size, dtype */
        const char *pn[] = {"size", "dtype"};
        if (!lw_match_args(l, fname, &a, 2, pn, 0, v))
            return &lw_ERRV;
        ir_type t = T_F64;
        if (v[1] && !lw_dtype_of(v[1], &t))
            return &lw_ERRV;
        if (t != T_F64 && t != T_F32) {
            diag_error(v[1]->l, "%s(): dtype= must be np.float64 or np.float32", fname);
            return &lw_ERRV;
        }
        if (t == T_F32) /* its own float ziggurat, from 32-bit draws */
            return rnd_draw(c, l, gen, R_GAUSS_F32, NULL, NULL, v[0], t, fname);
        /* -0.0 + 1.0 * z is z exactly, a -0.0 (rabs 0, sign set) too, as NumPy returns it */
        return rnd_draw(c, l, gen, R_GAUSS, ir_const_f(l, T_F64, -0.0), ir_const_f(l, T_F64, 1.0),
                        v[0], t, fname);
    }
    if (strcmp(n, "gamma") == 0 || strcmp(n, "standard_gamma") == 0) {
        /* scale * standard gamma(shape), drawn as NumPy draws it (tyl_random.c; a Generator's
         * 0 < shape <= 1 from its exponential ziggurat) */
        int std = n[0] == 's';
        const char *pn[] = {"shape", "scale", "size"}, *ps[] = {"shape", "size"};
        if (!lw_match_args(l, fname, &a, std ? 2 : 3, std ? ps : pn, 1, v))
            return &lw_ERRV;
        if (std) {
            v[2] = v[1];
            v[1] = NULL;
        }
        ir_expr *p0 = rnd_float(v[0], fname, "shape");
        ir_expr *p1 = v[1] && v[1]->kind != V_NONE ? rnd_float(v[1], fname, "scale") : ir_const_f(l, T_F64, 1.0);
        if (!p0 || !p1)
            return &lw_ERRV;
        return rnd_draw(c, l, gen, R_GAMMA, p0, p1, v[2], T_F64, fname);
    }
    if (strcmp(n, "binomial") == 0) {
        /* n trials of probability p, numbers (NumPy's checks when running); an int64 array, or
         * a Python int */
        const char *pn[] = {"n", "p", "size"};
        if (!lw_match_args(l, fname, &a, 3, pn, 2, v))
            return &lw_ERRV;
        for (int k = 0; k < 2; k++)
            if ((v[k]->kind != V_SCALAR && v[k]->kind != V_ARRAY) || v[k]->cplx) {
                diag_error(v[k]->l, "%s(): %s must be a number or an array here, not %s", fname, pn[k],
                           lw_vkind_desc(v[k]));
                return &lw_ERRV;
            }
        if (ir_type_is_float(v[0]->type)) {
            diag_error(v[0]->l, "%s(): n must be an int here, not a float", fname);
            return &lw_ERRV;
        }
        if (v[0]->kind == V_ARRAY || v[1]->kind == V_ARRAY)
            return binomial_arrays(c, l, gen, v[0], v[1], v[2], fname);
        return rnd_draw(c, l, gen, R_BINOMIAL, ir_cast(l, T_I64, v[0]->e), rnd_float(v[1], fname, "p"), v[2],
                        T_I64, fname);
    }
    if (strcmp(n, "standard_normal") == 0 || strcmp(n, "normal") == 0 || strcmp(n, "uniform") == 0) {
        int unif = n[0] == 'u', std = n[0] == 's';
        const char *pn[] = {unif ? "low" : "loc", unif ? "high" : "scale", "size"};
        const char *pstd[] = {"size"};
        if (!lw_match_args(l, fname, &a, std ? 1 : 3, std ? pstd : pn, 0, v))
            return &lw_ERRV;
        if (std) {
            v[2] = v[0];
            v[0] = v[1] = NULL;
        }
        ir_expr *p0 = v[0] ? rnd_float(v[0], fname, pn[0]) : ir_const_f(l, T_F64, 0.0);
        ir_expr *p1 = v[1] ? rnd_float(v[1], fname, pn[1]) : ir_const_f(l, T_F64, 1.0);
        if (!p0 || !p1)
            return &lw_ERRV;
        if (unif) /* NumPy's check: high - low must be finite (no infinite or NaN bound) */
            lw_emit_raise(c, l, ir_un(l, OP_LNOT, T_BOOL, ir_bin(l, OP_CLE, T_BOOL, ir_un(l, OP_ABS, T_F64,
                                      ir_bin(l, OP_SUB, T_F64, p1, p0, 0)), ir_const_f(l, T_F64, DBL_MAX), 0)),
                          pcg ? "OverflowError: high - low range exceeds valid bounds"
                              : "OverflowError: Range exceeds valid bounds");
        return rnd_draw(c, l, gen, unif ? R_UNIFORM : R_GAUSS, p0, p1, v[2], T_F64, fname);
    }
    if (strcmp(n, "randint") == 0 || strcmp(n, "integers") == 0) {
        const char *pn[] = {"low", "high", "size", "dtype", "endpoint"};
        if (!lw_match_args(l, fname, &a, pcg ? 5 : 4, pn, 1, v))
            return &lw_ERRV;
        int64_t k = 0;
        if (v[4] && !(v[4]->kind == V_SCALAR && ir_expr_const_int(ir_cast(l, T_I64, v[4]->e), &k))) {
            diag_error(v[4]->l, "endpoint must be True or False (a value known when compiling)");
            return &lw_ERRV;
        }
        return rnd_ints(c, l, gen, v, fname, k != 0);
    }
    if (strcmp(n, "choice") == 0) {
        const char *pn[] = {"a", "size", "replace", "p", "axis", "shuffle"};
        value *cv[6] = {0};
        if (!lw_match_args(l, fname, &a, pcg ? 6 : 4, pn, 1, cv))
            return &lw_ERRV;
        return rnd_choice(c, l, gen, cv, fname);
    }
    if (strcmp(n, "shuffle") == 0 || strcmp(n, "permutation") == 0)
        return lw_random_shuffle(c, l, gen, n, fname, &a);
    diag_error(l, "'%s' is not supported in a stencil program", fname);
    diag_note((loc){0}, "%s", rnd_supported);
    return &lw_ERRV;
}
