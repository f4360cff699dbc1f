/* lower_split.c: np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit and
 * np.broadcast_to.
 *
 * NumPy's split functions return a list of views of the array, one per section, as
 * numpy/lib/_shape_base_impl.py's array_split computes them:
 *   sections N:     Neach, extras = divmod(n, N); the first `extras` pieces hold Neach + 1 items,
 *                   the rest Neach (np.split: n % N must be 0, NumPy's ValueError otherwise);
 *   indices [i, j]: a[:i], a[i:j], a[j:] along the axis, with Python's slice rules (negative
 *                   indices count from the end, bounds clip, decreasing ones give empty pieces);
 *                   the indices may be computed when running ([nx // 2] of a parameter).
 * The result is a list of views (writes through a piece reach the array), so a program can
 * unpack it (`left, right = np.split(u, 2)`), index it or loop over it. The number of pieces
 * must be known when compiling (it is the list's length); the extent may be a parameter.
 *
 * np.broadcast_to(a, shape) gives NumPy's read-only view as a new array holding a broadcast to
 * shape (the same values; NumPy refuses writes into its view, so no program sees the
 * difference except by memory), with the broadcast checked as an assignment's is.
 *
 * Requires: arguments lowered and matched (lw_npfuncs_find finds this table).
 * Establishes: a list of views, a new array, or a located diagnostic. */

#include "lower_internal.h"

#include <string.h>

static int given(value *v) { return v && v->kind != V_NONE; }

/* piece [start, stop) along axis as x[:, ..., start:stop] (NULL: omitted), sliced as Python
 * slices it; the bounds are ints known when compiling or names of the scope in force */
static value *slice_piece(lctx *c, loc l, value *x, int axis, ast *lo, ast *hi)
{
    vec items = {0};
    for (int d = 0; d < axis; d++)
        vec_push(&items, ast_slice(l, NULL, NULL, NULL));
    vec_push(&items, ast_slice(l, lo, hi, NULL));
    ast *sub = ast_subscript(l, NULL, items, 0);
    return lw_index_array(c, x, sub, 0);
}

/* a split index as a slice bound: its int when known, else a name bound to it in scope sc; at
 * the index's own place (a run-time check of the slice names the bound by its source text) */
static ast *bound_of(scope *sc, value *ix, int i)
{
    int64_t k;
    loc l = ix->l;
    if (lw_known_int(ix, &k))
        return ast_int(l, k);
    binding *b = NEW(binding);
    b->name = arena_printf(&util_arena, "%%split%d", i);
    b->kind = B_VALUE;
    b->val = ix;
    vec_push(&sc->binds, b);
    return ast_name(l, b->name);
}

static value *list_of(loc l, value **items, int n)
{
    value *r = lw_vnew(V_TUPLE, l);
    r->n = n;
    r->items = items;
    r->is_list = 1;
    return r;
}

/* N sections of an extent known only when running: piece i starts at i * q + min(i, r) and holds
 * q + (i < r) items, q, r = divmod(n, N) (r is 0 for np.split, checked before) */
static value *sections_runtime(loc l, value *x, int axis, int64_t N, int equal)
{
    ir_expr *n = x->len[axis];
    ir_expr *q = ir_bin(l, OP_FDIV, T_I64, n, lw_I64(l, N), 0);
    ir_expr *r = ir_bin(l, OP_MOD, T_I64, n, lw_I64(l, N), 0);
    const sym *sq = equal ? sym_opaque("//", x->sh[axis], sym_const(N)) : NULL;
    value **items = NEWN(value *, N);
    for (int64_t i = 0; i < N; i++) {
        ir_expr *start = lw_imul(l, lw_I64(l, i), q), *len = q;
        if (!equal) { /* np.split checked n % N == 0 */
            start = lw_iadd(l, start, ir_bin(l, OP_MIN, T_I64, lw_I64(l, i), r, 0));
            len = lw_iadd(l, q, ir_cast(l, T_I64, ir_bin(l, OP_CLT, T_BOOL, lw_I64(l, i), r, 0)));
        }
        items[i] = lw_along(l, x, axis, start, sq ? sym_mul(sym_const(i), sq) : NULL, len, sq);
    }
    return list_of(l, items, (int)N);
}

static value *split(lctx *c, loc l, const char *f, value *x, value *ios, int axis, int equal)
{
    x = lw_as_view(c, x);
    if (ios->kind == V_SCALAR) {
        int64_t N;
        if (!lw_known_int(ios, &N) || ios->type == T_BOOL) {
            diag_error(ios->l, "%s(): the number of sections must be an int known when compiling (it is "
                               "the length of the list returned)", f);
            return &lw_ERRV;
        }
        if (N <= 0) {
            diag_error(ios->l, "%s(): number sections must be larger than 0.", f);
            return &lw_ERRV;
        }
        if (N > 4096) {
            diag_error(ios->l, "%s(): %lld sections are too many for a list known when compiling", f,
                       (long long)N);
            return &lw_ERRV;
        }
        int64_t n;
        if (sym_is_const(x->sh[axis], &n) && n >= 0) {
            if (equal && n % N) {
                diag_error(ios->l, "%s(): array split does not result in an equal division (%lld items "
                                   "in %lld sections)", f, (long long)n, (long long)N);
                return &lw_ERRV;
            }
            value **items = NEWN(value *, N);
            for (int64_t i = 0, at = 0; i < N; i++) {
                int64_t len = n / N + (i < n % N);
                items[i] = slice_piece(c, l, x, axis, ast_int(l, at), ast_int(l, at + len));
                at += len;
            }
            return list_of(l, items, (int)N);
        }
        if (equal)
            lw_emit_raise(c, l, ir_bin(l, OP_CNE, T_BOOL, ir_bin(l, OP_MOD, T_I64, x->len[axis], lw_I64(l, N), 0),
                                       lw_I64(l, 0), 0),
                          "ValueError: array split does not result in an equal division");
        return sections_runtime(l, x, axis, N, equal);
    }
    if (ios->kind == V_ARRAY && ios->rank == 1) {
        diag_error(ios->l, "%s(): split indices in an array are not supported; give a list or tuple of ints "
                           "known when compiling", f);
        return &lw_ERRV;
    }
    if (ios->kind != V_TUPLE || ios->keys || ios->cplx) {
        if (ios->kind != V_ERR)
            diag_error(ios->l, "%s(): indices_or_sections must be an int or a list of ints, not %s", f,
                       lw_vkind_desc(ios));
        return &lw_ERRV;
    }
    /* the indices computed when running are names of a scope of their own (as a prelude call's
     * arguments are) that the slices read */
    scope *as = NEW(scope);
    as->parent = c->sc;
    ast **bd = NEWN(ast *, ios->n + 1);
    for (int i = 0; i < ios->n; i++) {
        value *ix = ios->items[i];
        if (ix->kind != V_SCALAR || !ir_type_is_int(ix->type)) {
            if (ix->kind != V_ERR)
                diag_error(ix->l, "%s(): split indices must be ints, not %s", f, lw_vkind_desc(ix));
            return &lw_ERRV;
        }
        if (ix->e->kind != E_CONST && ix->e->kind != E_VAR) { /* evaluated once, for two slices */
            value *t = lw_vnew(V_SCALAR, ix->l);
            *t = *ix;
            t->e = lw_in_temp(c, ix->l, ix->e);
            ix = t;
        }
        bd[i] = bound_of(as, ix, i);
    }
    value **items = NEWN(value *, ios->n + 1);
    scope *saved = c->sc;
    c->sc = as;
    for (int i = 0; i <= ios->n; i++)
        items[i] = slice_piece(c, l, x, axis, i > 0 ? bd[i - 1] : NULL, i < ios->n ? bd[i] : NULL);
    c->sc = saved;
    return list_of(l, items, ios->n + 1);
}

/* the array argument: an array (a list or tuple taken as np.asarray of it), else reported */
static value *array_operand(lctx *c, value *x, const char *f)
{
    x = lw_seq_arg(c, x, f);
    if (x->kind == V_ARRAY)
        return x;
    if (x->kind != V_ERR)
        diag_error(x->l, "%s() takes an array, not %s", f, lw_vkind_desc(x));
    return NULL;
}

/* np.split / np.array_split (ary, indices_or_sections, axis=0) */
static value *np_split(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = array_operand(c, v[0], f);
    if (!x)
        return &lw_ERRV;
    int axis = 0;
    if (given(v[2]) && !lw_axis_arg(v[2], x->rank, f, &axis))
        return &lw_ERRV;
    return split(c, l, f, x, v[1], axis, strcmp(f, "np.split") == 0);
}

/* np.hsplit, np.vsplit, np.dsplit (ary, indices_or_sections): np.split along axis 1 (0 for 1-D
 * arrays), 0 and 2 */
static value *np_hvdsplit(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = array_operand(c, v[0], f);
    if (!x)
        return &lw_ERRV;
    char which = f[3];
    int need = which == 'h' ? 1 : which == 'v' ? 2 : 3;
    if (x->rank < need) {
        diag_error(x->l, "%s(): %s only works on arrays of %d or more dimensions", f, f + 3, need);
        return &lw_ERRV;
    }
    int axis = which == 'h' ? (x->rank > 1) : which == 'v' ? 0 : 2;
    return split(c, l, f, x, v[1], axis, 1);
}

/* np.broadcast_to(array, shape, subok=False) */
static value *np_broadcast_to(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    int ok = 1;
    lw_const_flag(v[2], 0, "subok", &ok); /* no subclasses here: either value gives an ndarray */
    if (!ok)
        return &lw_ERRV;
    value *x = v[0];
    x = lw_seq_arg(c, x, f);
    if (x->kind != V_ARRAY && x->kind != V_SCALAR) {
        if (x->kind != V_ERR)
            diag_error(x->l, "%s() takes an array or a number, not %s", f, lw_vkind_desc(x));
        return &lw_ERRV;
    }
    int rank;
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    if (!lw_shape_arg(v[1], &rank, len, sh))
        return &lw_ERRV;
    if (x->kind == V_ARRAY && x->rank > rank) {
        diag_error(x->l, "%s(): input operand has more dimensions than allowed by the axis remapping "
                         "(shape %s to %s)", f, lw_shape_str(x->rank, x->sh), lw_shape_str(rank, sh));
        return &lw_ERRV;
    }
    for (int j = 0; x->kind == V_ARRAY && j < x->rank; j++)
        if (lw_sym_cmp(x->sh[j], sh[rank - x->rank + j]) == 0 && !lw_is_one(x->sh[j])) {
            diag_error(x->l, "%s(): operands could not be broadcast together with remapped shapes: %s and "
                             "requested shape %s", f, lw_shape_str(x->rank, x->sh), lw_shape_str(rank, sh));
            return &lw_ERRV;
        } /* extents known only when running: the sweep's check, as an assignment's */
    value *r = lw_new_array(c, l, x->type, rank, len, sh, 0, NULL);
    lw_emit_sweep(c, l, r, x, 1);
    return r;
}

static const lw_builtin np_table[] = {
    {"np.split", {"ary", "indices_or_sections", "axis"}, 2, np_split},
    {"np.array_split", {"ary", "indices_or_sections", "axis"}, 2, np_split},
    {"np.hsplit", {"ary", "indices_or_sections"}, 2, np_hvdsplit},
    {"np.vsplit", {"ary", "indices_or_sections"}, 2, np_hvdsplit},
    {"np.dsplit", {"ary", "indices_or_sections"}, 2, np_hvdsplit},
    {"np.broadcast_to", {"array", "shape", "subok"}, 2, np_broadcast_to},
};

const lw_builtin *lw_split_find(const char *name, int method)
{
    return method ? NULL : lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, name);
}
