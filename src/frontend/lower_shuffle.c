/* lower_shuffle.c: random permutations, as NumPy draws them: np.random.shuffle(x),
 * np.random.permutation(n or x) and np.random.choice(a, size, replace=False), of the legacy
 * global state, a RandomState or a default_rng Generator (traffic models place cars with them,
 * Monte Carlo codes visit sites in a random order, sampling codes draw without replacement).
 *
 * NumPy shuffles an array along axis 0 by Fisher-Yates from the top (random_interval: masked
 * rejection), the same swaps for every row, so shuffle(x) is x[...] = x[perm] with perm =
 * permutation(len(x)), and permutation(x) is x[perm]. The run time draws perm (S_RANDOM
 * R_PERM, tyl_random.c) on every rank, so the streams stay in step; the rows are then moved by
 * a gather (lower_gather.c), whose element loops make the arrays involved replicated: every rank
 * holds the whole shuffled array, bitwise NumPy's at any rank count.
 *
 * Requires: arguments lowered (lw_args). Establishes: shuffle stores into x (a view is written
 * through), permutation and choice return new arrays; every other form is a located error. */

#include "lower_internal.h"

#include <string.h>

/* perm: a new 1-D int64 array of length max(n, 0) holding the draws of kind k (R_PERM: a
 * permutation of n; R_CHOICE: a sample of `len` of n without replacement). */
static value *index_draw(lctx *c, loc l, int gen, ir_rkind k, ir_expr *n, ir_expr *len, const sym *s,
                         const char *fname)
{
    ir_stmt *st = lw_random_stmt(l, gen, k, fname);
    st->e = ir_cast(l, T_I64, n);
    ir_expr *ln = ir_bin(l, OP_MAX, T_I64, len, lw_I64(l, 0), 0);
    value *r = lw_new_array(c, l, T_I64, 1, &ln, &s, 0, NULL);
    if (r->kind == V_ERR)
        return r;
    st->var = r->fresh;
    lw_emit(c, st);
    return r;
}

/* x[perm] along axis 0: a new array (lower_gather.c's loops); perm an int64 array or int. */
value *lw_take_rows(lctx *c, loc l, value *x, value *perm)
{
    ast *sub = ast_new(A_SUBSCRIPT, l);
    value **ival = NEWN(value *, x->rank);
    for (int d = 0; d < x->rank; d++) {
        vec_push(&sub->args, ast_new(d ? A_SLICE : A_NAME, l));
        ival[d] = d ? NULL : perm;
    }
    return lw_gather(c, x, sub, 0, ival);
}

/* The array a call shuffles or permutes: an array, or a sequence of numbers known when
 * compiling (permutation([1, 4, 9]) is permutation(np.array([1, 4, 9]))). */
static value *array_operand(lctx *c, loc l, value *x, int shuffle, const char *fname)
{
    if (x->kind == V_TUPLE && !shuffle) {
        args a = {0};
        a.pos = &x;
        a.npos = 1;
        x = lw_array_literal(c, l, &a, 1);
        if (x->kind == V_ERR)
            return NULL;
    }
    if (x->kind == V_ARRAY && x->rank >= 1)
        return x;
    if (x->kind == V_ERR)
        return NULL;
    if (x->kind == V_ARRAY)
        diag_error(x->l, "%s(): x must be an integer or at least 1-dimensional", fname);
    else
        diag_error(x->l, "%s() of %s is not supported (%s)", fname, x->is_list ? "a list" : lw_vkind_desc(x),
                   shuffle ? "arrays are shuffled in place; a list is not" : "an int or an array is permuted");
    return NULL;
}

/* axis= of the Generator's methods: axis 0 is the array itself, another axis a transposed view
 * that has it first (the shuffle writes through it). */
static value *along_axis(lctx *c, value *x, value *axis, const char *fname, int *swapped)
{
    *swapped = 0;
    if (!axis || axis->kind == V_NONE)
        return x;
    int64_t k;
    if (!lw_known_int(axis, &k)) {
        diag_error(axis->l, "%s(): axis must be an int known when compiling", fname);
        return NULL;
    }
    if (k < -x->rank || k >= x->rank) {
        diag_error(axis->l, "axis %lld is out of bounds for array of dimension %d", (long long)k, x->rank);
        return NULL;
    }
    if (k < 0)
        k += x->rank;
    if (k == 0)
        return x;
    int perm[IR_MAX_RANK];
    for (int d = 0; d < x->rank; d++)
        perm[d] = d == 0 ? (int)k : d == k ? 0 : d;
    *swapped = (int)k;
    value *v = lw_transpose_perm(c, axis->l, x, perm);
    return v->kind == V_ERR ? NULL : v;
}

/* x[...] = x[perm] for perm a permutation of len(x) of kind k (R_PERM: NumPy's shuffle;
 * R_PYPERM: Python's random.shuffle) */
value *lw_shuffle_rows(lctx *c, loc l, int gen, ir_rkind k, value *x, const char *fname)
{
    value *perm = index_draw(c, l, gen, k, x->len[0], x->len[0], x->sh[0], fname);
    if (perm->kind == V_ERR)
        return perm;
    value *r = lw_take_rows(c, l, x, perm);
    if (r->kind == V_ERR)
        return r;
    lw_emit_sweep(c, l, x, r, 0);
    return lw_vnew(V_NONE, l);
}

value *lw_random_shuffle(lctx *c, loc l, int gen, const char *n, const char *fname, args *a)
{
    int shuffle = n[0] == 's';
    const char *pn[] = {"x", "axis"};
    value *v[2] = {0};
    if (!lw_match_args(l, fname, a, gen > 0 ? 2 : 1, pn, 1, v))
        return &lw_ERRV;
    value *x = v[0];
    if (!shuffle && lw_is_int_scalar(x)) { /* permutation(n): arange(n) shuffled */
        if (v[1]) {
            diag_error(v[1]->l, "%s(): axis must be left out for an int (there is no array)", fname);
            return &lw_ERRV;
        }
        ir_expr *e = lw_int_operand(x, "n");
        return e ? index_draw(c, l, gen, R_PERM, e, e, x->s, fname) : &lw_ERRV;
    }
    x = array_operand(c, l, x, shuffle, fname);
    int swapped = 0;
    if (!x || !(x = along_axis(c, x, v[1], fname, &swapped)))
        return &lw_ERRV;
    ir_expr *len = x->len[0];
    value *perm = index_draw(c, l, gen, R_PERM, len, len, x->sh[0], fname);
    if (perm->kind == V_ERR)
        return perm;
    value *r = lw_take_rows(c, l, x, perm);
    if (r->kind == V_ERR)
        return r;
    if (!shuffle && swapped) { /* permutation(x, axis=k): back in x's order of axes */
        int back[IR_MAX_RANK];
        for (int d = 0; d < r->rank; d++)
            back[d] = d == 0 ? swapped : d == swapped ? 0 : d;
        return lw_transpose_perm(c, l, r, back);
    }
    if (!shuffle)
        return r;
    lw_emit_sweep(c, l, x, r, 0);
    return lw_vnew(V_NONE, l);
}

/* choice(pop, size, replace=False)'s indices: an int64 array of shape size (an int or a tuple
 * of one; None: one number). */
value *lw_random_choice_norepl(lctx *c, loc l, int gen, ir_expr *pop, value *size, const char *fname)
{
    ir_expr *len = lw_I64(l, 1);
    const sym *s = sym_const(1);
    if (size && size->kind == V_TUPLE && size->n == 1)
        size = size->items[0];
    if (size && size->kind != V_NONE) {
        if (!lw_is_int_scalar(size)) {
            diag_error(size->l, "%s(): size must be an int here (a sample without replacement of "
                                "one dimension), not %s", fname, lw_vkind_desc(size));
            return &lw_ERRV;
        }
        int64_t k;
        if (sym_is_const(size->s, &k) && k < 0) {
            diag_error(size->l, "negative dimensions are not allowed");
            return &lw_ERRV;
        }
        len = lw_int_operand(size, "size");
        s = size->s;
    }
    value *r = index_draw(c, l, gen, R_CHOICE, pop, len, s, fname);
    if (r->kind == V_ERR || (size && size->kind != V_NONE))
        return r;
    ir_expr **at = NEWN(ir_expr *, 1);
    at[0] = lw_I64(l, 0);
    value *one = lw_scalar(l, ir_elem(l, r->fresh, at), 0);
    return one;
}
