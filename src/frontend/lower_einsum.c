/* lower_einsum.c: np.einsum(subscripts, *operands) with the subscripts a string known when
 * compiling, without '...' and with each index at most once per operand: products, contractions,
 * transposes and sums written in index notation ('ij,jk->ik', 'i,i->', 'ijk,kl->ijl', 'ij->ji',
 * 'ij->j'), implicit output (the indices seen once, in alphabetical order) too.
 *
 * It is the operations tylesc has: every operand viewed in one index space (its axes permuted
 * to the order of the indices, extent-1 axes where it lacks one: the output's indices first,
 * then the contracted ones), the broadcast product, and np.sum over the contracted axes. So
 * the checks of extents are the broadcast's; a result without contraction is exact, sums add
 * in tylesc's order (NumPy's einsum in its own: within rounding), integers stay in their type.
 *
 * np.tensordot(a, b, axes) is lowered as the einsum of its axes.
 *
 * Requires: operands are arrays or scalars of numbers. Establishes: the result is an array (a
 * scalar for '->'); every other form is a located diagnostic. */

#include "lower_internal.h"

#include <string.h>

enum { MAX_OPERANDS = 4 };

static int is_letter(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }

static value *np_einsum(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)v;
    for (int i = 0; i < a->nkw; i++)
        if (strcmp(a->kwname[i], "optimize") != 0) {
            diag_error(a->kw[i]->l, "%s(): %s= is not supported", f, a->kwname[i]);
            return &lw_ERRV;
        }
    if (a->npos < 2 || a->pos[0]->kind != V_STR) {
        diag_error(l, "%s() takes the subscripts as a string known when compiling, then the operands "
                      "(the form with lists of axes is not supported)", f);
        return &lw_ERRV;
    }
    const char *spec = a->pos[0]->str;
    int nops = a->npos - 1;
    if (nops > MAX_OPERANDS) {
        diag_error(l, "%s() of %d operands is not supported (at most %d)", f, nops, MAX_OPERANDS);
        return &lw_ERRV;
    }
    value **ops = a->pos + 1;
    for (int i = 0; i < nops; i++) {
        if (ops[i]->kind == V_ERR)
            return &lw_ERRV;
        if ((ops[i]->kind != V_ARRAY && ops[i]->kind != V_SCALAR) || ops[i]->type == T_BOOL) {
            diag_error(ops[i]->l, "%s() of %s is not supported (numeric arrays are)", f,
                       ops[i]->kind == V_ARRAY ? "a boolean array" : lw_vkind_desc(ops[i]));
            return &lw_ERRV;
        }
    }
    /* the terms: each operand's indices, then the output's (NULL: implicit) */
    char terms[MAX_OPERANDS][IR_MAX_RANK + 1] = {{0}}, out[IR_MAX_RANK + 1] = {0};
    int nterm = 0, len = 0, explicit_out = 0, outlen = 0;
    const char *bad = NULL;
    for (const char *p = spec;; p++) {
        if (*p == ' ')
            continue;
        if (*p == ',' || *p == 0 || (*p == '-' && p[1] == '>')) {
            if (explicit_out || nterm >= MAX_OPERANDS) {
                bad = "more terms than operands, or a term after '->'";
                break;
            }
            terms[nterm++][len] = 0;
            len = 0;
            if (*p == '-') {
                explicit_out = 1;
                for (p += 2; *p && !bad; p++)
                    if (is_letter(*p) && outlen < IR_MAX_RANK && !strchr(out, *p))
                        out[outlen++] = *p;
                    else if (*p != ' ')
                        bad = is_letter(*p) && outlen < IR_MAX_RANK ? "an output index repeated"
                              : *p == '.' ? "'...' (broadcast dimensions)"
                                          : "a character that is not an index letter";
                break;
            }
            if (!*p)
                break;
            continue;
        }
        if (*p == '.') {
            bad = "'...' (broadcast dimensions)";
            break;
        }
        if (!is_letter(*p)) {
            bad = "a character that is not an index letter";
            break;
        }
        if (len >= IR_MAX_RANK) {
            bad = "a term of more indices than tylesc's dimensions";
            break;
        }
        if (memchr(terms[nterm], *p, len)) {
            bad = "an index repeated in one operand (a diagonal)";
            break;
        }
        terms[nterm][len++] = *p;
    }
    if (bad) {
        diag_error(a->pos[0]->l, "%s('%s'): %s is not supported", f, spec, bad);
        return &lw_ERRV;
    }
    if (nterm != nops) {
        diag_error(a->pos[0]->l, "%s('%s'): %d term%s for %d operand%s", f, spec, nterm,
                   nterm == 1 ? "" : "s", nops, nops == 1 ? "" : "s");
        return &lw_ERRV;
    }
    /* every index, in order of first appearance, and how many operands use it */
    char all[4 * IR_MAX_RANK + 1] = {0};
    int count[4 * IR_MAX_RANK] = {0}, nall = 0;
    for (int i = 0; i < nops; i++) {
        int rank = ops[i]->kind == V_ARRAY ? ops[i]->rank : 0;
        if ((int)strlen(terms[i]) != rank) {
            diag_error(ops[i]->l, "%s('%s'): operand %d has %d dimension%s but its term '%s' has %d "
                                  "ind%s", f, spec, i, rank, rank == 1 ? "" : "s", terms[i],
                       (int)strlen(terms[i]), strlen(terms[i]) == 1 ? "ex" : "ices");
            return &lw_ERRV;
        }
        for (const char *q = terms[i]; *q; q++) {
            char *at = memchr(all, *q, nall);
            if (!at) {
                all[nall] = *q;
                count[nall++] = 1;
            } else
                count[at - all]++;
        }
    }
    /* an index's extents: NumPy's broadcast error, named by the index rather than by the shapes
     * of the permuted operands (known extents here; the others are the broadcast's check) */
    for (int i = 1; i < nops; i++)
        for (int d = 0; terms[i][d]; d++)
            for (int j = 0; j < i; j++) {
                const char *at = strchr(terms[j], terms[i][d]);
                int64_t ei, ej;
                if (!at || !sym_is_const(ops[i]->sh[d], &ei) || !sym_is_const(ops[j]->sh[at - terms[j]], &ej) ||
                    ei == ej || ei == 1 || ej == 1)
                    continue;
                diag_error(ops[i]->l, "%s('%s'): index '%c' has extent %lld in operand %d and %lld in "
                                      "operand %d", f, spec, terms[i][d], (long long)ej, j, (long long)ei, i);
                return &lw_ERRV;
            }
    if (!explicit_out) /* implicit: the indices seen once, alphabetically (upper case first) */
        for (int ch = 'A'; ch <= 'z'; ch++) {
            char *at = is_letter((char)ch) ? memchr(all, ch, nall) : NULL;
            if (at && count[at - all] == 1)
                out[outlen++] = (char)ch;
        }
    for (int k = 0; k < outlen; k++)
        if (!memchr(all, out[k], nall)) {
            diag_error(a->pos[0]->l, "%s('%s'): output index '%c' is in no operand", f, spec, out[k]);
            return &lw_ERRV;
        }
    /* the index space: the output's indices, then the contracted ones */
    char space[4 * IR_MAX_RANK + 1];
    int ns = 0;
    memcpy(space, out, outlen);
    ns = outlen;
    for (int k = 0; k < nall; k++)
        if (!memchr(out, all[k], outlen))
            space[ns++] = all[k];
    if (ns > IR_MAX_RANK) {
        diag_error(l, "%s('%s') has %d distinct indices (at most %d are supported)", f, spec, ns, IR_MAX_RANK);
        return &lw_ERRV;
    }
    value *prod = NULL;
    ir_type t = ops[0]->type;
    for (int i = 0; i < nops; i++) {
        value *x = ops[i];
        t = i ? lw_promote2(t, x->type) : t;
        if (x->kind == V_ARRAY) {
            /* permute x's axes into the order of the space, then add the indices it lacks */
            int perm[IR_MAX_RANK], np_ = 0;
            for (int s = 0; s < ns; s++) {
                const char *at = strchr(terms[i], space[s]);
                if (at)
                    perm[np_++] = (int)(at - terms[i]);
            }
            x = lw_transpose_perm(c, l, x, perm);
            for (int s = 0; s < ns && x->kind != V_ERR; s++)
                if (!strchr(terms[i], space[s]))
                    x = lw_expand(c, l, x, s);
        }
        prod = prod ? lw_binop(c, l, OP_MUL, prod, x) : x;
        if (prod->kind == V_ERR)
            return prod;
    }
    if (ns > outlen) {
        value *axes = lw_vnew(V_TUPLE, l);
        axes->n = ns - outlen;
        axes->items = NEWN(value *, axes->n);
        for (int k = 0; k < axes->n; k++)
            axes->items[k] = lw_scalar(l, lw_I64(l, outlen + k), 1);
        args ra = {0};
        ra.pos = NEWN(value *, 2);
        ra.pos[0] = prod;
        ra.pos[1] = outlen ? axes : lw_vnew(V_NONE, l);
        ra.npos = 2;
        prod = lw_reduce_call(c, l, "sum", &ra, NULL);
        if (prod->kind == V_ERR)
            return prod;
    } else if (prod->kind == V_ARRAY && nops == 1) /* a transpose: a view in NumPy, read here */
        return prod;
    if (prod->type != t) { /* np.sum adds small integers in int64; einsum keeps their type */
        if (prod->kind == V_SCALAR)
            return lw_scalar(l, ir_cast(l, t, prod->e), 0);
        value *r = lw_vnew(V_ARRAY, l);
        *r = *prod;
        r->fresh = NULL;
        r->e = ir_cast(l, t, prod->e);
        r->type = t;
        return r;
    }
    return prod;
}

/* the axes of one operand in tensordot's axes= (an int or a list of ints), normalised; count in *n */
static int td_axes(value *v, int rank, const char *f, int *ax, int *n)
{
    int k = v->kind == V_TUPLE ? v->n : 1;
    if (k > IR_MAX_RANK || (v->kind == V_TUPLE && v->keys)) {
        diag_error(v->l, "%s(): axes must be ints or lists of ints known when compiling", f);
        return 0;
    }
    for (int i = 0; i < k; i++)
        if (!lw_axis_arg(v->kind == V_TUPLE ? v->items[i] : v, rank, f, &ax[i]))
            return 0;
    *n = k;
    return 1;
}

/* np.tensordot(a, b, axes=2): the sum over the last `axes` axes of a and the first of b (or
 * the pairs of axes given), as the einsum of those indices (a's other axes, then b's); NumPy
 * computes it by np.dot (BLAS for floats): within rounding, as einsum is. */
static value *np_tensordot(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = v[0], *y = v[1];
    for (int i = 0; i < 2; i++)
        if (v[i]->kind != V_ARRAY) {
            if (v[i]->kind != V_ERR)
                diag_error(v[i]->l, "%s() of %s is not supported (arrays are)", f, lw_vkind_desc(v[i]));
            return &lw_ERRV;
        }
    int ax[IR_MAX_RANK], bx[IR_MAX_RANK], na = 0, nb = 0;
    int64_t N = 2;
    if (v[2] && v[2]->kind == V_TUPLE && !v[2]->keys && v[2]->n == 2) {
        if (!td_axes(v[2]->items[0], x->rank, f, ax, &na) || !td_axes(v[2]->items[1], y->rank, f, bx, &nb))
            return &lw_ERRV;
        if (na != nb) {
            diag_error(v[2]->l, "%s(): shape-mismatch for sum (%d axes of a, %d of b)", f, na, nb);
            return &lw_ERRV;
        }
    } else {
        if (v[2] && v[2]->kind != V_NONE && (!lw_known_int(v[2], &N) || v[2]->type == T_BOOL)) {
            diag_error(v[2]->l, "%s(): axes must be an int or a pair of lists of axes known when compiling", f);
            return &lw_ERRV;
        }
        if (N < 0) /* NumPy's range(-axes, 0) and range(0, axes) are both empty: the outer product */
            N = 0;
        if (N > x->rank || N > y->rank) {
            diag_error(v[2] ? v[2]->l : l, "%s(): axes=%lld is more than the dimensions of a (%d) or b (%d)", f,
                       (long long)N, x->rank, y->rank);
            return &lw_ERRV;
        }
        na = nb = (int)N;
        for (int i = 0; i < na; i++) {
            ax[i] = x->rank - na + i;
            bx[i] = i;
        }
    }
    if (x->rank + y->rank - 2 * na > IR_MAX_RANK) {
        diag_error(l, "%s(): a result of %d dimensions is not supported (at most %d)", f,
                   x->rank + y->rank - 2 * na, IR_MAX_RANK);
        return &lw_ERRV;
    }
    char ta[IR_MAX_RANK + 1] = {0}, tb[IR_MAX_RANK + 1] = {0}, out[2 * IR_MAX_RANK + 1] = {0};
    char next = 'a';
    for (int i = 0; i < na; i++) {
        if (ta[ax[i]] || tb[bx[i]]) {
            diag_error(v[2]->l, "%s(): repeated axis in axes", f);
            return &lw_ERRV;
        }
        ta[ax[i]] = tb[bx[i]] = next++;
    }
    int no = 0;
    for (int d = 0; d < x->rank; d++)
        if (!ta[d])
            out[no++] = ta[d] = next++;
    for (int d = 0; d < y->rank; d++)
        if (!tb[d])
            out[no++] = tb[d] = next++;
    value *spec = lw_vnew(V_STR, l);
    spec->str = arena_printf(&util_arena, "%s,%s->%s", ta, tb, out);
    value *ops[3] = {spec, x, y};
    args e = {.pos = ops, .npos = 3};
    return np_einsum(c, l, "np.tensordot", NULL, &e);
}

static const lw_builtin np_table[] = {
    {"np.einsum", {"*"}, 0, np_einsum},
    {"np.tensordot", {"a", "b", "axes"}, 2, np_tensordot},
};
const lw_builtin *lw_einsum_find(const char *name, int method)
{
    return method ? NULL : lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, name);
}
