/* lower_views.c: NumPy's functions that re-orient or repeat an array: np.transpose (a.T),
 * np.swapaxes, np.moveaxis, np.flip, np.flipud, np.fliplr, np.rot90, np.expand_dims and
 * np.squeeze give views, as NumPy's do (a transposed, reversed or re-indexed view of the
 * same buffer); np.tile and np.repeat give new arrays (a periodic read over the repeated
 * turns; a strided sweep per copy).
 *
 * Requires: arguments lowered and matched (lw_npfuncs_find finds this table).
 * Establishes: a view (an E_READ of the operand's slot) or a new array, or a diagnostic. */

#include "lower_internal.h"

#include <string.h>

static int given(value *v) { return v && v->kind != V_NONE; }

/* a.T, np.transpose(a, axes): a view whose own dimension i reads a's dimension perm[i]. */
static value *transpose(lctx *c, loc l, value *x, const int *perm)
{
    if (x->kind != V_ARRAY || x->rank < 2)
        return x;
    x = lw_as_view(c, x);
    ir_view *v = ir_view_clone(x->e->view);
    value *r = lw_vnew(V_ARRAY, l);
    *r = *x;
    r->l = l;
    r->fresh = NULL;
    int inv[IR_MAX_RANK];
    for (int i = 0; i < x->rank; i++) {
        inv[perm[i]] = i;
        r->sh[i] = x->sh[perm[i]];
        r->len[i] = x->len[perm[i]];
    }
    for (int d = 0; d < v->rank; d++)
        if (v->dim[d].kind == D_RANGE && v->dim[d].box >= 0)
            v->dim[d].box = inv[v->dim[d].box];
    r->e = ir_read(l, v);
    return r;
}
value *lw_transpose_perm(lctx *c, loc l, value *x, const int *perm)
{
    return transpose(c, l, x, perm);
}
value *lw_transpose(lctx *c, loc l, value *x)
{
    int perm[IR_MAX_RANK];
    for (int i = 0; i < x->rank; i++)
        perm[i] = x->rank - 1 - i;
    return transpose(c, l, x, perm);
}
/* NumPy's functions here take np.asarray of a list or tuple given for the array
 * (np.transpose([x, y]) for a table of columns, np.repeat([L], M, axis=0) to copy a row): the
 * array made where the call is evaluated (lw_seq_arg). */

static value *np_transpose(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = lw_seq_arg(c, v[0], f);
    if (!lw_is_array_arg(x, f))
        return &lw_ERRV;
    if (!given(v[1]))
        return lw_transpose(c, l, x);
    value *ax = v[1];
    int perm[IR_MAX_RANK], seen = 0;
    if (ax->kind != V_TUPLE || ax->n != x->rank) {
        diag_error(ax->l, "axes don't match array");
        return &lw_ERRV;
    }
    for (int i = 0; i < ax->n; i++) {
        if (!lw_axis_arg(ax->items[i], x->rank, f, &perm[i]))
            return &lw_ERRV;
        if (seen & (1 << perm[i])) {
            diag_error(ax->items[i]->l, "repeated axis in transpose");
            return &lw_ERRV;
        }
        seen |= 1 << perm[i];
    }
    return transpose(c, l, x, perm);
}

/* np.swapaxes(a, axis1, axis2), a.swapaxes(axis1, axis2): a transposed view. */
static value *swapaxes(lctx *c, loc l, const char *f, value *x, value *a1, value *a2)
{
    if (!lw_is_array_arg(x, f))
        return &lw_ERRV;
    int i, j, perm[IR_MAX_RANK];
    if (!lw_axis_arg(a1, x->rank, f, &i) || !lw_axis_arg(a2, x->rank, f, &j))
        return &lw_ERRV;
    for (int d = 0; d < x->rank; d++)
        perm[d] = d == i ? j : d == j ? i : d;
    return transpose(c, l, x, perm);
}
static value *np_swapaxes(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    return swapaxes(c, l, f, lw_seq_arg(c, v[0], f), v[1], v[2]);
}
static value *m_swapaxes(lctx *c, loc l, const char *f, value **v, args *a)
{
    return swapaxes(c, l, f, a->self, v[0], v[1]);
}

/* Axes of a source=/destination= argument (an int or a tuple of ints); their count, or -1. */
static int axis_list(value *v, int rank, const char *f, int *ax)
{
    int n = v->kind == V_TUPLE ? v->n : 1;
    if (n > rank) {
        diag_error(v->l, "%s(): more axes than the array has", f);
        return -1;
    }
    for (int k = 0; k < n; k++) {
        if (!lw_axis_arg(v->kind == V_TUPLE ? v->items[k] : v, rank, f, &ax[k]))
            return -1;
        for (int q = 0; q < k; q++)
            if (ax[q] == ax[k]) {
                diag_error(v->l, "%s(): repeated axis", f);
                return -1;
            }
    }
    return n;
}

/* np.moveaxis(a, source, destination): NumPy's order, the other axes in place around them. */
static value *np_moveaxis(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = lw_seq_arg(c, v[0], f);
    if (!lw_is_array_arg(x, f))
        return &lw_ERRV;
    int src[IR_MAX_RANK], dst[IR_MAX_RANK], perm[IR_MAX_RANK], used[IR_MAX_RANK] = {0};
    int ns = axis_list(v[1], x->rank, f, src), nd = ns < 0 ? -1 : axis_list(v[2], x->rank, f, dst);
    if (ns < 0 || nd < 0)
        return &lw_ERRV;
    if (ns != nd) {
        diag_error(v[2]->l, "%s(): `source` and `destination` arguments must have the same number of elements", f);
        return &lw_ERRV;
    }
    for (int d = 0; d < x->rank; d++)
        perm[d] = -1;
    for (int k = 0; k < ns; k++) {
        perm[dst[k]] = src[k];
        used[src[k]] = 1;
    }
    for (int d = 0, o = 0; d < x->rank; d++) {
        if (perm[d] >= 0)
            continue;
        while (used[o])
            o++;
        perm[d] = o++;
    }
    return transpose(c, l, x, perm);
}

/* np.flip(m, axis=None): a view with the given axes (all, without axis=) reversed, as
 * m[::-1, ...] is */
static value *np_flip(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = lw_seq_arg(c, v[0], f);
    if (!lw_is_array_arg(x, f))
        return &lw_ERRV;
    int flip[IR_MAX_RANK] = {0};
    if (strcmp(f, "np.fliplr") == 0 || strcmp(f, "np.flipud") == 0) { /* axis 1, axis 0 */
        int ax = f[7] == 'l';
        if (x->rank < ax + 1) {
            diag_error(x->l, ax ? "Input must be >= 2-d." : "Input must be >= 1-d.");
            return &lw_ERRV;
        }
        flip[ax] = 1;
    } else if (!given(v[1])) {
        for (int d = 0; d < x->rank; d++)
            flip[d] = 1;
    } else {
        int n = v[1]->kind == V_TUPLE ? v[1]->n : 1;
        for (int i = 0; i < n; i++) {
            int ax;
            value *it = v[1]->kind == V_TUPLE ? v[1]->items[i] : v[1];
            if (!lw_axis_arg(it, x->rank, f, &ax))
                return &lw_ERRV;
            if (flip[ax]) {
                diag_error(it->l, "repeated axis");
                return &lw_ERRV;
            }
            flip[ax] = 1;
        }
    }
    vec items = {0};
    for (int d = 0; d < x->rank; d++)
        vec_push(&items, ast_slice(l, NULL, NULL, flip[d] ? ast_int(l, -1) : NULL));
    ast *sub = ast_subscript(l, ast_name(l, "<flipped>"), items, 0);
    return lw_index_array(c, x, sub, 0);
}
/* x reversed along the axes set in flip[] (a view). */
static value *flipped(lctx *c, loc l, value *x, const int *flip)
{
    vec items = {0};
    for (int d = 0; d < x->rank; d++)
        vec_push(&items, ast_slice(l, NULL, NULL, flip[d] ? ast_int(l, -1) : NULL));
    ast *sub = ast_subscript(l, ast_name(l, "<flipped>"), items, 0);
    return lw_index_array(c, x, sub, 0);
}

/* np.tile(A, reps): a new array; along an axis repeated r times, a periodic read of A's extent
 * over r turns (the view np.roll makes, wider), axes NumPy prepends read A broadcast. */
static value *np_tile(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = lw_seq_arg(c, v[0], f), *reps = v[1];
    if (!lw_is_array_arg(x, f))
        return &lw_ERRV;
    int nr = reps->kind == V_TUPLE ? reps->n : 1;
    if (nr < 1 || nr > IR_MAX_RANK) {
        diag_error(reps->l, "%s(): reps must hold 1 to %d integers", f, IR_MAX_RANK);
        return &lw_ERRV;
    }
    int d = nr > x->rank ? nr : x->rank, shift = d - x->rank;
    if (d > IR_MAX_RANK) {
        diag_error(reps->l, "%s(): more than %d dimensions", f, IR_MAX_RANK);
        return &lw_ERRV;
    }
    ir_expr *rep[IR_MAX_RANK];
    for (int k = 0; k < d; k++)
        rep[k] = lw_I64(l, 1);
    for (int i = 0; i < nr; i++) { /* reps shorter than A's rank apply to its last axes */
        value *it = reps->kind == V_TUPLE ? reps->items[i] : reps;
        ir_expr *e = lw_int_operand(it, "np.tile(): reps");
        if (!e)
            return &lw_ERRV;
        int64_t k;
        if (ir_expr_const_int(e, &k) && k < 0) {
            diag_error(it->l, "negative dimensions are not allowed");
            return &lw_ERRV;
        }
        if (!ir_expr_const_int(e, &k))
            lw_emit_raise(c, l, ir_bin(l, OP_CLT, T_BOOL, e, lw_I64(l, 0), 0),
                          "ValueError: negative dimensions are not allowed");
        rep[d - nr + i] = e;
    }
    if (x->e->kind != E_READ || !lw_whole_slot(x) || lw_view_has_wrap(x->e->view))
        x = lw_materialize(c, x);
    ir_view *vw = ir_view_clone(x->e->view);
    value *r = lw_vnew(V_ARRAY, l);
    *r = *x;
    r->l = l;
    r->fresh = NULL;
    r->rank = d;
    for (int k = 0; k < d; k++) {
        int64_t q;
        ir_expr *n = k < shift ? lw_I64(l, 1) : x->len[k - shift];
        const sym *sn = k < shift ? sym_const(1) : x->sh[k - shift];
        r->len[k] = ir_expr_const_int(rep[k], &q) && q == 1 ? n : lw_imul(l, rep[k], n);
        r->sh[k] = ir_expr_const_int(rep[k], &q) ? sym_mul(sn, sym_const(q)) : NULL;
    }
    for (int j = 0; j < vw->rank; j++) {
        ir_dim *m = &vw->dim[j];
        if (m->kind != D_RANGE || m->box < 0)
            continue;
        int64_t q;
        int k = m->box + shift;
        m->box = k;
        if (!(ir_expr_const_int(rep[k], &q) && q == 1)) {
            m->wrap = m->len;
            m->len = r->len[k];
            m->slen = r->sh[k];
        }
    }
    r->e = ir_read(l, vw);
    return lw_materialize(c, r);
}

/* np.repeat(a, repeats, axis=None) with one count: out[j::repeats] along the axis is a for
 * each j < repeats (a strided sweep each; a loop of them when the count is known only when
 * running). Without axis= NumPy flattens: 1-D arrays only. */
static value *np_repeat(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = lw_seq_arg(c, v[0], f);
    if (!lw_is_array_arg(x, f))
        return &lw_ERRV;
    int axis = 0;
    if (given(v[2])) {
        if (!lw_axis_arg(v[2], x->rank, f, &axis))
            return &lw_ERRV;
    } else if (x->rank != 1) {
        diag_error(l, "%s() of a %d-D array without axis= flattens it, which is not supported; give axis=", f,
                   x->rank);
        return &lw_ERRV;
    }
    if (v[1]->kind != V_SCALAR) {
        if (v[1]->kind != V_ERR)
            diag_error(v[1]->l, "%s(): repeats must be one integer (a count per element is not supported)", f);
        return &lw_ERRV;
    }
    ir_expr *r = lw_int_operand(v[1], "np.repeat(): repeats");
    if (!r)
        return &lw_ERRV;
    int64_t k;
    int known = ir_expr_const_int(r, &k);
    if (known && k < 0) {
        diag_error(v[1]->l, "negative dimensions are not allowed");
        return &lw_ERRV;
    }
    if (!known)
        lw_emit_raise(c, l, ir_bin(l, OP_CLT, T_BOOL, r, lw_I64(l, 0), 0),
                      "ValueError: negative dimensions are not allowed");
    if (x->e->kind != E_READ || lw_view_has_wrap(x->e->view))
        x = lw_materialize(c, x);
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    for (int d = 0; d < x->rank; d++) {
        len[d] = d == axis ? lw_imul(l, x->len[d], r) : x->len[d];
        sh[d] = d != axis ? x->sh[d] : known ? sym_mul(x->sh[d], sym_const(k)) : NULL;
    }
    value *out = lw_new_array(c, l, x->type, x->rank, len, sh, 0, NULL);
    if (known && k == 0)
        return out;
    ir_var *j = NULL;
    ir_stmt *loop = NULL;
    vec *saved = c->out;
    int copies = known && k <= 16 ? (int)k : 1;
    if (!(known && k <= 16)) {
        loop = lw_loop_over(c, l, lw_I64(l, 0), r, "repeat_it", &j);
        c->out = &loop->body;
    }
    for (int i = 0; i < copies; i++) {
        ir_view *tv = ir_view_clone(out->e->view);
        for (int d = 0; d < tv->rank; d++) {
            ir_dim *m = &tv->dim[d];
            if (m->kind != D_RANGE || m->box != axis)
                continue;
            m->lo = loop ? ir_varref(l, j) : lw_I64(l, i);
            m->step = r;
            m->step_c = known ? k : 0;
            m->len = x->len[axis];
            m->slo = NULL;
            m->slen = x->sh[axis];
        }
        value *t = lw_vnew(V_ARRAY, l);
        *t = *out;
        t->fresh = NULL;
        t->len[axis] = x->len[axis];
        t->sh[axis] = x->sh[axis];
        t->e = ir_read(l, tv);
        lw_emit_sweep(c, l, t, x, 0);
    }
    c->out = saved;
    if (loop)
        lw_emit(c, loop);
    return out;
}

/* x[items] for a subscript built here (a view, as NumPy's indexing gives). */
static value *index_with(lctx *c, loc l, value *x, vec items)
{
    ast *sub = ast_subscript(l, ast_name(l, "<reshaped>"), items, 0);
    return lw_index_array(c, x, sub, 0);
}

/* np.expand_dims(a, axis): a[..., None, ...] with new axes of extent 1 at the given places. */
static value *np_expand_dims(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = lw_seq_arg(c, v[0], f);
    if (!lw_is_array_arg(x, f))
        return &lw_ERRV;
    int n = v[1]->kind == V_TUPLE ? v[1]->n : 1, out = x->rank + n, ax[IR_MAX_RANK], isnew[IR_MAX_RANK] = {0};
    if (out > IR_MAX_RANK) {
        diag_error(v[1]->l, "%s(): more than %d dimensions", f, IR_MAX_RANK);
        return &lw_ERRV;
    }
    if (axis_list(v[1], out, f, ax) < 0)
        return &lw_ERRV;
    for (int k = 0; k < n; k++)
        isnew[ax[k]] = 1;
    vec items = {0};
    for (int d = 0; d < out; d++)
        vec_push(&items, isnew[d] ? ast_new(A_NONE, l) : ast_slice(l, NULL, NULL, NULL));
    return index_with(c, l, x, items);
}

/* np.ix_(a, b, ...): the open mesh of 1-D index sequences, as NumPy builds it: the k-th of n
 * arguments reshaped to extent 1 on every axis but k (views, a[None, :, None]), returned as a
 * tuple; K[np.ix_(dofs, dofs)] += ke then indexes with the broadcast pair (a FEM assembly).
 * NumPy turns a boolean argument into its nonzero() positions, whose number is known only when
 * running: refused, located. */
static value *np_ix(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)v;
    int n = a->npos;
    if (a->nkw) {
        diag_error(a->kw[0]->l, "%s() got an unexpected keyword argument '%s'", f, a->kwname[0]);
        return &lw_ERRV;
    }
    if (n > IR_MAX_RANK) {
        diag_error(l, "%s(): more than %d index arrays", f, IR_MAX_RANK);
        return &lw_ERRV;
    }
    value *t = lw_vnew(V_TUPLE, l);
    t->n = n;
    t->items = NEWN(value *, n ? n : 1);
    for (int k = 0; k < n; k++) {
        value *x = lw_seq_arg(c, a->pos[k], f);
        if (!lw_is_array_arg(x, f))
            return &lw_ERRV;
        if (a->pos[k]->kind == V_TUPLE && a->pos[k]->n == 0 && x->type != T_I64) /* NumPy: an empty list is intp */
            x = lw_materialize(c, lw_cast_to(l, x, T_I64));
        if (x->rank != 1) {
            diag_error(x->l, "Cross index must be 1 dimensional");
            return &lw_ERRV;
        }
        if (x->type == T_BOOL) {
            diag_error(x->l, "%s() of a boolean mask is not supported (NumPy takes its nonzero() "
                             "positions, whose number is known only when running); give the positions as an "
                             "index array",
                       f);
            return &lw_ERRV;
        }
        vec items = {0};
        for (int d = 0; d < n; d++)
            vec_push(&items, d == k ? ast_slice(l, NULL, NULL, NULL) : ast_new(A_NONE, l));
        t->items[k] = index_with(c, l, x, items);
        if (t->items[k]->kind == V_ERR)
            return &lw_ERRV;
    }
    return t;
}

/* np.squeeze(a, axis=None), a.squeeze(): the axes of extent 1 dropped (a view). Without axis=
 * NumPy decides from the shape when running; the result's rank is fixed when compiling, so the
 * axes of known extent 1 are dropped and an extent known only when running (a grid parameter)
 * must not turn out to be 1: the program stops with a message if it does. */
static value *squeeze(lctx *c, loc l, const char *f, value *x, value *axv)
{
    if (!lw_is_array_arg(x, f))
        return &lw_ERRV;
    int drop[IR_MAX_RANK] = {0}, ax[IR_MAX_RANK];
    int64_t e;
    if (!given(axv)) {
        for (int d = 0; d < x->rank; d++) {
            if (!x->sh[d] || !sym_is_const(x->sh[d], &e)) {
                lw_emit_raise(c, l, ir_bin(l, OP_CEQ, T_BOOL, x->len[d], lw_I64(l, 1), 0),
                              arena_printf(&util_arena, "ValueError: np.squeeze() without axis=: axis %d has "
                                                        "extent 1 when running, but the program was compiled "
                                                        "for an extent other than 1 (give axis=)", d));
                continue;
            }
            drop[d] = e == 1;
        }
    } else {
        int n = axis_list(axv, x->rank, f, ax);
        if (n < 0)
            return &lw_ERRV;
        for (int k = 0; k < n; k++) {
            int d = ax[k];
            if (x->sh[d] && sym_is_const(x->sh[d], &e) && e != 1) {
                diag_error(axv->l, "cannot select an axis to squeeze out which has size not equal to one");
                return &lw_ERRV;
            }
            if (!(x->sh[d] && sym_is_const(x->sh[d], &e)))
                lw_emit_raise(c, l, ir_bin(l, OP_CNE, T_BOOL, x->len[d], lw_I64(l, 1), 0),
                              "ValueError: cannot select an axis to squeeze out which has size not equal to one");
            drop[d] = 1;
        }
    }
    vec items = {0};
    for (int d = 0; d < x->rank; d++)
        vec_push(&items, drop[d] ? ast_int(l, 0) : ast_slice(l, NULL, NULL, NULL));
    return x->rank ? index_with(c, l, x, items) : x;
}
static value *np_squeeze(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    return squeeze(c, l, f, lw_seq_arg(c, v[0], f), v[1]);
}
static value *m_squeeze(lctx *c, loc l, const char *f, value **v, args *a)
{
    return squeeze(c, l, f, a->self, v[0]);
}

/* np.rot90(m, k=1, axes=(0, 1)): NumPy's flips and transposes (a view). */
static value *np_rot90(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    value *x = lw_seq_arg(c, v[0], f);
    if (!lw_is_array_arg(x, f))
        return &lw_ERRV;
    int64_t k = 1;
    if (given(v[1]) && (v[1]->kind != V_SCALAR || !ir_type_is_int(v[1]->type) || !ir_expr_const_int(v[1]->e, &k))) {
        diag_error(v[1]->l, "%s(): k must be an int known when compiling", f);
        return &lw_ERRV;
    }
    int ax[IR_MAX_RANK] = {0, 1};
    if (given(v[2]) && (v[2]->kind != V_TUPLE || v[2]->n != 2)) {
        diag_error(v[2]->l, "len(axes) must be 2.");
        return &lw_ERRV;
    }
    if (given(v[2]) && axis_list(v[2], x->rank, f, ax) != 2)
        return &lw_ERRV;
    if (x->rank < 2) {
        diag_error(x->l, "%s(): Axes must be different.", f);
        return &lw_ERRV;
    }
    k = ((k % 4) + 4) % 4;
    int f1[IR_MAX_RANK] = {0}, perm[IR_MAX_RANK];
    f1[ax[1]] = 1;
    for (int d = 0; d < x->rank; d++)
        perm[d] = d == ax[0] ? ax[1] : d == ax[1] ? ax[0] : d;
    if (k == 0)
        return x;
    if (k == 2) {
        int both[IR_MAX_RANK] = {0};
        both[ax[0]] = both[ax[1]] = 1;
        return flipped(c, l, x, both);
    }
    if (k == 1)
        return transpose(c, l, flipped(c, l, x, f1), perm);
    value *t = transpose(c, l, x, perm);
    return t->kind == V_ERR ? t : flipped(c, l, t, f1);
}

static const lw_builtin np_table[] = {
    {"np.transpose", {"a", "axes"}, 1, np_transpose},
    {"np.swapaxes", {"a", "axis1", "axis2"}, 3, np_swapaxes},
    {"np.moveaxis", {"a", "source", "destination"}, 3, np_moveaxis},
    {"np.flip", {"m", "axis"}, 1, np_flip},
    {"np.flipud", {"m"}, 1, np_flip}, {"np.fliplr", {"m"}, 1, np_flip},
    {"np.rot90", {"m", "k", "axes"}, 1, np_rot90},
    {"np.expand_dims", {"a", "axis"}, 2, np_expand_dims}, {"np.squeeze", {"a", "axis"}, 1, np_squeeze},
    {"np.ix_", {"*"}, 0, np_ix},
    {"np.tile", {"A", "reps"}, 2, np_tile}, {"np.repeat", {"a", "repeats", "axis"}, 2, np_repeat},
};
static const lw_builtin method_table[] = {
    {"swapaxes", {"axis1", "axis2"}, 2, m_swapaxes},
    {"squeeze", {"axis"}, 0, m_squeeze},
};
const lw_builtin *lw_views_find(const char *name, int method)
{
    return method ? lw_builtin_find(method_table, sizeof method_table / sizeof *method_table, name)
                  : lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, name);
}
