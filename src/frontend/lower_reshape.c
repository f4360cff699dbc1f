/* lower_reshape.c: a.reshape(shape), np.reshape(a, shape), a.ravel(), np.ravel(a), a.flatten().
 *
 * The result is a new array in C order. Two ways to fill it:
 *   - a 1-D array just computed from its own index alone (np.arange(N * N), np.linspace(...):
 *     the sweep that filled it reads nothing) is computed again over the new shape, its index
 *     replaced by the flat C-order index of the new one: an ordinary sweep, distributed like any;
 *   - otherwise a loop nest of element copies, the flat index unravelled in the source's shape
 *     (as lower_gather.c does): element reads in loops keep both arrays whole on every rank
 *     (pass_dist), so the values are NumPy's at any rank count, at the cost of replicating the
 *     source.
 * NumPy's reshape and ravel return a view of a contiguous array: writing through one changes the
 * other. A reshape that only adds or drops axes of extent 1 is such a view here too (the array
 * read through renamed axes: unit_axes_view, with "phantom" axes, below). Otherwise the copy is
 * the same while neither is written, which holds when the result is used at
 * once (np.sum(u.ravel()), np.save(..., u.ravel())), the source is a temporary
 * (np.arange(n).reshape(...)), or neither the named array nor the name bound to its reshape
 * changes in place anywhere (lw_reshape_bind_check: else refused), and flatten() (a copy in
 * NumPy too) is always accepted.
 * A shape whose size differs is NumPy's ValueError, when compiling if the sizes are known then,
 * else when the program runs. */

#include "lower_internal.h"

#include <string.h>

static value *lit(loc l, const char *s)
{
    value *v = lw_vnew(V_STR, l);
    v->str = s;
    return v;
}

/* Does e depend on anything but its sweep index, constants and scalars? */
static int not_index_pure(const ir_expr *e, void *ctx)
{
    (void)ctx;
    return e->kind == E_READ || e->kind == E_ELEM || e->kind == E_SHAPE;
}

/* e with the sweep index of dimension 0 replaced by flat (cast to the index's type). */
static ir_expr *subst_index(ir_expr *e, ir_expr *flat)
{
    if (!e)
        return NULL;
    if (e->kind == E_INDEX)
        return ir_cast(e->l, e->type, flat);
    ir_expr *n = NEW(ir_expr);
    *n = *e;
    n->a = subst_index(e->a, flat);
    n->b = subst_index(e->b, flat);
    n->cc = subst_index(e->cc, flat);
    if (e->nargs) {
        n->args = NEWN(ir_expr *, e->nargs);
        for (int i = 0; i < e->nargs; i++)
            n->args[i] = subst_index(e->args[i], flat);
    }
    return n;
}

/* The sweep that just filled x's fresh 1-D slot from its index alone, or NULL. */
static ir_stmt *index_fill(lctx *c, value *x)
{
    if (!x->fresh || x->rank != 1 || !c->out->len)
        return NULL;
    ir_stmt *s = VEC_AT(*c->out, c->out->len - 1, ir_stmt *);
    if (s->kind != S_SWEEP || !s->target || s->target->arr != x->fresh || !s->e || s->stages.len ||
        ir_expr_any(s->e, not_index_pure, NULL))
        return NULL;
    return s;
}

static value *copy_into(lctx *c, loc l, value *x, ir_stmt *fill, int q, ir_expr **len, const sym **sh)
{
    value *r = lw_new_array(c, l, x->type, q, len, sh, 0, NULL);
    if (fill) {
        ir_expr *flat = ir_index(l, T_I64, 0);
        for (int d = 1; d < q; d++)
            flat = ir_bin(l, OP_ADD, T_I64, ir_bin(l, OP_MUL, T_I64, flat, len[d], 0), ir_index(l, T_I64, d), 0);
        value *v = lw_vnew(V_ARRAY, l);
        *v = *r;
        v->fresh = NULL;
        v->e = subst_index(fill->e, flat);
        lw_emit_sweep(c, l, r, v, 1);
        for (int i = 0; i < c->out->len; i++) /* the 1-D temporary is no longer read */
            if (VEC_AT(*c->out, i, ir_stmt *) == fill) {
                memmove(&c->out->items[i], &c->out->items[i + 1], sizeof(void *) * (size_t)(c->out->len - i - 1));
                c->out->len--;
                break;
            }
        return r;
    }
    ir_var *src = lw_whole_slot(x);
    if (!src) {
        x = lw_materialize(c, x);
        src = lw_whole_slot(x);
        if (!src) {
            x = lw_copy_of(c, l, x);
            src = lw_whole_slot(x);
        }
    }
    /* for j0: for j1: ...: r[j] = src[unravel(flat(j), src's shape)] */
    ir_var *it[IR_MAX_RANK];
    vec *out = lw_loop_nest(c, l, c->out, q, len, "reshape_it", it);
    ir_expr **at = NEWN(ir_expr *, q), **from = NEWN(ir_expr *, x->rank);
    ir_expr *flat = ir_varref(l, it[0]);
    at[0] = flat;
    for (int d = 1; d < q; d++) {
        at[d] = ir_varref(l, it[d]);
        flat = ir_bin(l, OP_ADD, T_I64, ir_bin(l, OP_MUL, T_I64, flat, len[d], 0), at[d], 0);
    }
    for (int d = x->rank - 1; d >= 0; d--) {
        ir_expr *ext = ir_shape(l, src, d);
        from[d] = d ? ir_bin(l, OP_MOD, T_I64, flat, ext, 0) : flat;
        if (d)
            flat = ir_bin(l, OP_FDIV, T_I64, flat, ext, 0);
    }
    ir_stmt *set = ir_stmt_new(S_SETELEM, l);
    set->var = r->fresh;
    set->n = q;
    set->args = at;
    set->e = ir_elem(l, src, from);
    vec_push(out, set);
    return r;
}

static ir_expr *remap_dims(ir_expr *e, const int *map) { return lw_remap_dims(e, map, 1); }

/* A reshape that only adds or drops axes of extent 1 (x.reshape(n, 1) of an (n,) array,
 * ri[:, 0].reshape((M, 1)), a.reshape(1, -1)) keeps every other axis, in order, with its extent:
 * NumPy's view is then x read through renamed axes, which tylesc can bind to a name as it binds a
 * slice. The extents must be provably equal when compiling (else NULL: the copy), or x have one
 * axis not of extent 1 whose extent is unknown then (P[2:6] of P = np.arange(8.0)): the size
 * checked when running makes it the one asked for. An extent that may be 1 only when running is
 * matched as any other (the shapes are equal either way). */
static value *unit_axes_view(lctx *c, loc l, value *x, int q, ir_expr **len, const sym **sh, int unknown)
{
    int map[IR_MAX_RANK], xn = 0, tn = 0;
    int xnull = 0;
    for (int d = 0; d < x->rank; d++) {
        xnull += !x->sh[d];
        xn += !x->sh[d] || !lw_is_one(x->sh[d]);
    }
    if (xnull && (xnull > 1 || xn > 1))
        return NULL;
    for (int d = 0; d < q; d++)
        if (d != unknown) {
            if (!sh[d])
                return NULL;
            tn += !lw_is_one(sh[d]);
        }
    /* the unknown extent is 1 when the given ones account for every axis of x that is not */
    int unknown_is_axis = unknown >= 0 && tn + 1 == xn;
    if (tn + unknown_is_axis != xn)
        return NULL;
    value *r = lw_vnew(V_ARRAY, l);
    *r = *x;
    r->l = l;
    r->fresh = NULL;
    r->reshaped = NULL;
    r->rank = q;
    int p = 0; /* the next axis of x to match */
    for (int d = 0; d < q; d++) {
        int unit = d == unknown ? !unknown_is_axis : lw_is_one(sh[d]);
        if (unit) {
            r->sh[d] = sym_const(1);
            r->len[d] = lw_I64(l, 1);
            continue;
        }
        while (x->sh[p] && lw_is_one(x->sh[p]))
            map[p++] = -1;
        if (d != unknown && x->sh[p] && !sym_equal(sh[d], x->sh[p]))
            return NULL;
        r->sh[d] = x->sh[p] ? x->sh[p] : d != unknown ? sh[d] : NULL;
        r->len[d] = d == unknown ? x->len[p] : len[d];
        map[p++] = d;
    }
    while (p < x->rank)
        map[p++] = -1;
    (void)c;
    r->e = remap_dims(x->e, map);
    return r;
}

/* ---- views with axes of extent 1 that the array does not have ------------------------------
 * A unit-axes view (above) of an (n,) array as (n, 1) reads the array through one range
 * dimension while the value has two: the value's second axis is a "phantom", of extent 1, that
 * no dimension of the view iterates. Indexing such a view and storing through it go through the
 * view without its phantoms (squeezed), the phantoms put back in the result. */

/* Which of v's axes are phantoms (bit p: axis p); 0 when none or v is not a read. */
static unsigned phantoms(const value *v)
{
    if (v->kind != V_ARRAY || !v->e || v->e->kind != E_READ || v->rank <= v->e->view->vrank)
        return 0;
    unsigned real = 0;
    const ir_view *w = v->e->view;
    for (int d = 0; d < w->rank; d++)
        if (w->dim[d].kind == D_RANGE && w->dim[d].box >= 0)
            real |= 1u << w->dim[d].box;
    return ((1u << v->rank) - 1) & ~real;
}

/* v itself, or computed into an array of its own when it has phantom axes (for code that finds
 * an axis by the view dimension iterating it: np.diff, np.gradient) */
value *lw_no_phantoms(lctx *c, value *v)
{
    return phantoms(v) ? lw_materialize(c, v) : v;
}

/* v without the axes of `drop` (each of extent 1); fixed as for lw_remap_dims */
static value *squeeze(loc l, value *v, unsigned drop, int fixed)
{
    int map[IR_MAX_RANK], q = 0;
    value *r = lw_vnew(V_ARRAY, l);
    *r = *v;
    r->fresh = NULL;
    r->reshaped = NULL;
    for (int p = 0; p < v->rank; p++) {
        if ((drop >> p) & 1) {
            map[p] = -1;
            continue;
        }
        r->sh[q] = v->sh[p];
        r->len[q] = v->len[p];
        map[p] = q++;
    }
    r->rank = q;
    r->e = lw_remap_dims(v->e, map, fixed);
    return r;
}

/* v with axes of extent 1 inserted where `at` has a bit (the result has v->rank + popcount axes) */
static value *unsqueeze(loc l, value *v, unsigned at, int rank)
{
    int map[IR_MAX_RANK];
    value *r = lw_vnew(V_ARRAY, l);
    *r = *v;
    r->fresh = NULL;
    r->rank = rank;
    for (int p = 0, q = 0; p < rank; p++) {
        if ((at >> p) & 1) {
            r->sh[p] = sym_const(1);
            r->len[p] = lw_I64(l, 1);
            continue;
        }
        r->sh[p] = v->sh[q];
        r->len[p] = v->len[q];
        map[q++] = p;
    }
    r->e = remap_dims(v->e, map);
    return r;
}

static int is_full_slice(const ast *it)
{
    return it->kind == A_SLICE && !it->a && !it->b && !it->c;
}
static int is_zero_or_minus_one(const ast *it)
{
    return (it->kind == A_INT && it->ival == 0) ||
           (it->kind == A_UNOP && it->op == '-' && it->a->kind == A_INT && it->a->ival == 1);
}

/* base[sub] when base has phantom axes, else NULL (the caller indexes as usual). A phantom
 * indexed by ':' stays a phantom of the result, by 0 or -1 is dropped; anything else on it, and
 * np.newaxis or '...' in sub, index a copy of base (a read) or are refused (a target). */
value *lw_phantom_index(lctx *c, value *base, ast *sub, int target)
{
    unsigned ph = phantoms(base);
    if (!ph)
        return NULL;
    int n = sub->args.len, ok = n <= base->rank;
    for (int k = 0; k < n && ok; k++) {
        ast *it = VEC_AT(sub->args, k, ast *);
        if ((ph >> k) & 1)
            ok = is_full_slice(it) || is_zero_or_minus_one(it);
        else
            ok = it->kind == A_SLICE || !(it->kind == A_NONE ||
                                          (it->kind == A_NAME && strcmp(it->name, "Ellipsis") == 0));
    }
    if (!ok) {
        if (target) {
            diag_error(sub->l, "this index of a reshaped view is not supported as an assignment "
                               "target (index its axes of extent 1 by ':', 0 or -1)");
            return &lw_ERRV;
        }
        return lw_index_array(c, lw_materialize(c, base), sub, 0);
    }
    ast *nsub = ast_new(A_SUBSCRIPT, sub->l);
    *nsub = *sub;
    nsub->args = (vec){0};
    unsigned keep = 0; /* phantoms of base that stay: their position in the result */
    int out = 0, nreal = 0;
    for (int p = 0; p < base->rank; p++) {
        ast *it = p < n ? VEC_AT(sub->args, p, ast *) : NULL;
        if ((ph >> p) & 1) {
            if (!it || is_full_slice(it))
                keep |= 1u << out++;
            continue;
        }
        nreal++;
        if (it) {
            vec_push(&nsub->args, it);
            out += it->kind == A_SLICE;
        } else
            out++;
    }
    value *sq = squeeze(sub->l, base, ph, 1);
    value *r;
    if (!nsub->args.len)
        r = sq;
    else
        r = lw_index_array(c, sq, nsub, target);
    (void)nreal;
    if (!keep || r->kind == V_ERR)
        return r;
    if (r->kind != V_ARRAY) { /* every real axis indexed by an integer: an array of ones */
        if (target) {
            diag_error(sub->l, "this index of a reshaped view is not supported as an assignment "
                               "target (it selects one element: index its axes of extent 1 too)");
            return &lw_ERRV;
        }
        return lw_index_array(c, lw_materialize(c, base), sub, 0);
    }
    return unsqueeze(sub->l, r, keep, out);
}

/* target = rv (lw_emit_sweep) when target has phantom axes: both squeezed (rv's axes that meet
 * the phantoms, aligned at the right, must be of extent 1, else NumPy's broadcast error).
 * Returns 0 when target has none. */
int lw_phantom_sweep(lctx *c, loc l, value *target, value *rv, int fresh)
{
    unsigned ph = phantoms(target);
    if (!ph)
        return 0;
    unsigned rdrop = 0;
    if (rv->kind == V_ARRAY) {
        if (rv->rank > target->rank) {
            diag_error(rv->l, "could not broadcast input array from shape %s into shape %s",
                       lw_shape_str(rv->rank, rv->sh), lw_shape_str(target->rank, target->sh));
            return 1;
        }
        int off = target->rank - rv->rank;
        for (int j = 0; j < rv->rank; j++)
            if ((ph >> (off + j)) & 1) {
                if (!lw_is_one(rv->sh[j])) {
                    diag_error(rv->l, "could not broadcast input array from shape %s into shape %s",
                               lw_shape_str(rv->rank, rv->sh), lw_shape_str(target->rank, target->sh));
                    diag_note(target->l, "assignment target has shape %s",
                              lw_shape_str(target->rank, target->sh));
                    return 1;
                }
                rdrop |= 1u << j;
            }
        if (rdrop)
            rv = squeeze(l, rv, rdrop, 0);
    }
    lw_emit_sweep(c, l, squeeze(l, target, ph, 1), rv, fresh);
    return 1;
}

/* a * b as lower_ops.c forms it (an opaque atom when neither is constant) */
static const sym *sym_prod(const sym *a, const sym *b)
{
    const sym *r = a && b ? sym_mul(a, b) : NULL;
    return r ? r : sym_opaque("*", a, b);
}

/* NumPy's "(5,3)", "(5,newaxis)", "(7,)" of the requested shape, as pieces of a run-time string */
static void shape_pieces(vec *ps, loc l, int q, ir_expr **req, int unknown)
{
    vec_push(ps, lit(l, "("));
    for (int d = 0; d < q; d++) {
        vec_push(ps, d == unknown ? lit(l, "newaxis") : lw_scalar(l, req[d], 0));
        vec_push(ps, lit(l, d + 1 < q ? "," : q == 1 ? ",)" : ")"));
    }
}

static value *reshape(lctx *c, loc l, const char *f, value *x, value **items, int nitems, int copy)
{
    if (x->kind != V_ARRAY) {
        if (x->kind != V_ERR)
            diag_error(x->l, "%s() takes an array, not %s", f, lw_vkind_desc(x));
        return &lw_ERRV;
    }
    ir_stmt *fill = index_fill(c, x); /* before the size check is emitted after it */
    ir_expr *size = x->len[0];
    const sym *ssize = x->sh[0];
    for (int d = 1; d < x->rank; d++) {
        size = ir_bin(l, OP_MUL, T_I64, size, x->len[d], 0);
        ssize = sym_prod(ssize, x->sh[d]);
    }
    int q = 1, unknown = -1;
    ir_expr *len[IR_MAX_RANK], *req[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    if (!items) { /* ravel, flatten */
        req[0] = len[0] = size;
        sh[0] = ssize;
    } else {
        if (nitems == 1 && items[0]->kind == V_TUPLE) {
            nitems = items[0]->n;
            items = items[0]->items;
        }
        if (nitems < 1 || nitems > IR_MAX_RANK) {
            diag_error(l, "%s() to %d dimensions is not supported (1 to %d)", f, nitems, IR_MAX_RANK);
            return &lw_ERRV;
        }
        q = nitems;
        for (int d = 0; d < q; d++) {
            ir_expr *e = lw_int_operand(items[d], "a shape entry");
            if (!e)
                return &lw_ERRV;
            int64_t k;
            int known = ir_expr_const_int(e, &k) || sym_is_const(items[d]->s, &k);
            if (known && k == -1) {
                if (unknown >= 0) {
                    diag_error(items[d]->l, "can only specify one unknown dimension");
                    return &lw_ERRV;
                }
                unknown = d;
            } else if (known && k < 0) {
                diag_error(items[d]->l, "negative dimensions are not allowed");
                return &lw_ERRV;
            }
            req[d] = len[d] = ir_cast(l, T_I64, e);
            sh[d] = known ? sym_const(k) : items[d]->s;
        }
    }
    ir_expr *rest = NULL; /* the product of the given extents */
    const sym *srest = sym_const(1);
    for (int d = 0; d < q; d++)
        if (d != unknown) {
            rest = rest ? ir_bin(l, OP_MUL, T_I64, rest, len[d], 0) : len[d];
            srest = sym_prod(srest, sh[d]);
        }
    if (!rest)
        rest = lw_I64(l, 1);
    ir_expr *bad;
    if (unknown >= 0) {
        /* size // rest; NumPy's error when rest is 0 or does not divide the size */
        bad = ir_bin(l, OP_LOR, T_BOOL, ir_bin(l, OP_CEQ, T_BOOL, rest, lw_I64(l, 0), 0),
                     ir_bin(l, OP_CNE, T_BOOL,
                            ir_bin(l, OP_MOD, T_I64, size,
                                   ir_select(l, T_I64, ir_bin(l, OP_CEQ, T_BOOL, rest, lw_I64(l, 0), 0),
                                             lw_I64(l, 1), rest), 0),
                            lw_I64(l, 0), 0), 0);
        int64_t a, b;
        if (sym_is_const(ssize, &a) && sym_is_const(srest, &b) && b > 0 && a % b == 0) {
            len[unknown] = lw_I64(l, a / b);
            sh[unknown] = sym_const(a / b);
        } else {
            len[unknown] = ir_bin(l, OP_FDIV, T_I64, size,
                                  ir_select(l, T_I64, ir_bin(l, OP_CEQ, T_BOOL, rest, lw_I64(l, 0), 0),
                                            lw_I64(l, 1), rest), 0);
            sh[unknown] = NULL;
        }
    } else {
        bad = ir_bin(l, OP_CNE, T_BOOL, rest, size, 0);
        for (int d = 0; d < q; d++) /* an extent known only at run time may be negative */
            if (!sym_is_const(sh[d], &(int64_t){0}))
                bad = ir_bin(l, OP_LOR, T_BOOL, bad, ir_bin(l, OP_CLT, T_BOOL, len[d], lw_I64(l, 0), 0), 0);
    }
    int64_t kb;
    int64_t sa, sb;
    int decided = ir_expr_const_int(bad, &kb);
    if (!decided && sym_is_const(ssize, &sa) && sym_is_const(srest, &sb)) {
        decided = 1;
        kb = unknown >= 0 ? sb == 0 || sa % sb != 0 : sa != sb;
    }
    if (!items || (!decided && unknown < 0 && ssize && srest && sym_equal(ssize, srest))) {
        decided = 1; /* (N, N) of an array of N * N: its extents are not negative */
        kb = 0;
    }
    if (decided && kb) {
        strbuf b = {0};
        int64_t k;
        sb_printf(&b, "cannot reshape array of size %s into shape (", ir_expr_const_int(size, &k)
                      ? arena_printf(&util_arena, "%lld", (long long)k) : sym_str(ssize));
        for (int d = 0; d < q; d++)
            sb_printf(&b, "%s%s", d == unknown ? "newaxis" : ir_expr_const_int(req[d], &k)
                      ? arena_printf(&util_arena, "%lld", (long long)k) : sym_str(sh[d]),
                      d + 1 < q ? "," : q == 1 ? ",)" : ")");
        diag_error(l, "%s", b.s);
        sb_free(&b);
        return &lw_ERRV;
    }
    if (!decided) {
        vec ps = {0};
        vec_push(&ps, lit(l, "cannot reshape array of size "));
        vec_push(&ps, lw_scalar(l, size, 0));
        vec_push(&ps, lit(l, " into shape "));
        shape_pieces(&ps, l, q, req, unknown);
        value *rt = lw_vnew(V_FSTR, l);
        rt->n = ps.len;
        rt->items = (value **)ps.items;
        lw_emit_raise_str(c, l, bad, "ValueError: ", rt);
    }
    if (!copy) {
        value *view = unit_axes_view(c, l, x, q, len, sh, unknown);
        if (view)
            return view;
    }
    /* an expression's result is a new array NumPy's view alone holds: its copy is the same */
    int temporary = x->fresh != NULL || x->e->kind != E_READ;
    value *r = copy_into(c, l, x, fill, q, len, sh);
    if (!copy && !temporary) {
        r->reshaped = r->fresh;
        r->reshape_src = x->e->view->arr->pyname;
        r->reshape_var = x->e->view->arr;
    }
    return r;
}

/* x (an array of rank >= 1) as a copy of shape (first * second, rest...) when merge, else with
 * an axis of extent 1 after its last (as_column): the joins of an array taken as the sequence of
 * its sub-arrays along axis 0 (np.vstack/np.concatenate/np.hstack of a list built at run time,
 * lower_npfuncs.c). */
value *lw_join_rows(lctx *c, loc l, const char *f, value *x, int merge)
{
    value *items[IR_MAX_RANK];
    int n = 0;
    if (merge) {
        items[n] = lw_scalar(l, ir_bin(l, OP_MUL, T_I64, x->len[0], x->len[1], 0), 0);
        items[n++]->s = x->sh[0] && x->sh[1] ? sym_prod(x->sh[0], x->sh[1]) : NULL;
    } else {
        items[n] = lw_scalar(l, x->len[0], 0);
        items[n++]->s = x->sh[0];
    }
    for (int d = merge ? 2 : 1; d < x->rank; d++) {
        items[n] = lw_scalar(l, x->len[d], 0);
        items[n++]->s = x->sh[d];
    }
    if (!merge) {
        items[n] = lw_scalar(l, lw_I64(l, 1), 0);
        items[n++]->s = sym_const(1);
    }
    return reshape(c, l, f, x, items, n, 1);
}

static value *np_reshape(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    if (v[2] && !(v[2]->kind == V_STR && strcmp(v[2]->str, "C") == 0)) {
        diag_error(v[2]->l, "%s(): only order='C' is supported", f);
        return &lw_ERRV;
    }
    return reshape(c, l, f, v[0], &v[1], 1, 0);
}
static value *np_ravel(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    if (v[1] && !(v[1]->kind == V_STR && strcmp(v[1]->str, "C") == 0)) {
        diag_error(v[1]->l, "%s(): only order='C' is supported", f);
        return &lw_ERRV;
    }
    return reshape(c, l, f, v[0], NULL, 0, 0);
}
/* a.reshape(n, m), a.reshape((n, m)), order= by keyword */
static value *m_reshape(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)v;
    for (int k = 0; k < a->nkw; k++)
        if (strcmp(a->kwname[k], "order") != 0 || a->kw[k]->kind != V_STR || strcmp(a->kw[k]->str, "C") != 0) {
            diag_error(a->kwast[k]->l, "%s", strcmp(a->kwname[k], "order") == 0
                                                 ? "reshape(): only order='C' is supported"
                                                 : arena_printf(&util_arena, "reshape() got an unexpected "
                                                                "keyword argument '%s'", a->kwname[k]));
            return &lw_ERRV;
        }
    if (!a->npos) {
        diag_error(l, "reshape() takes the new shape");
        return &lw_ERRV;
    }
    return reshape(c, l, f, a->self, a->pos, a->npos, 0);
}
static value *m_ravel(lctx *c, loc l, const char *f, value **v, args *a)
{
    if (v[0] && !(v[0]->kind == V_STR && strcmp(v[0]->str, "C") == 0)) {
        diag_error(v[0]->l, "%s(): only order='C' is supported", f);
        return &lw_ERRV;
    }
    return reshape(c, l, f, a->self, NULL, 0, strcmp(f, "flatten") == 0);
}

/* X when e is X.ravel(), X.flatten(), X.reshape(-1) or np.ravel(X) of a whole array X (a probe
 * lowers X), else NULL. A C-contiguous array's ravel is its elements in their own order, so a
 * reduction of it is the reduction of X (NumPy reduces such an array as its flat sequence, bitwise
 * the same): the caller reduces X and no copy is made, which would replicate X over the ranks. */
ast *lw_unravelled(lctx *c, ast *e)
{
    if (e->kind != A_CALL || e->kwargs.len || e->a->kind != A_ATTR)
        return NULL;
    ast *f = e->a, *x = NULL;
    int np = f->a->kind == A_NAME && (strcmp(f->a->name, "np") == 0 || strcmp(f->a->name, "numpy") == 0);
    if (np && strcmp(f->name, "ravel") == 0 && e->args.len == 1)
        x = VEC_AT(e->args, 0, ast *);
    else if (!np && (strcmp(f->name, "ravel") == 0 || strcmp(f->name, "flatten") == 0) && !e->args.len)
        x = f->a;
    else if (!np && strcmp(f->name, "reshape") == 0 && e->args.len == 1) {
        ast *k = VEC_AT(e->args, 0, ast *);
        if ((k->kind == A_INT && k->ival == -1) ||
            (k->kind == A_UNOP && k->op == '-' && k->a->kind == A_INT && k->a->ival == 1))
            x = f->a;
    }
    if (!x)
        return NULL;
    lw_probe p;
    lw_probe_begin(c, &p);
    value *v = lw_expr(c, x);
    int whole = v->kind == V_ARRAY && lw_whole_slot(v) != NULL;
    lw_probe_end(c, &p);
    return whole ? x : NULL;
}

/* grid = state.reshape(n, n): NumPy's view and tylesc's copy read alike as long as neither
 * array changes in place anywhere in the program (lower_grow.c's test, as for an array appended
 * to a list: every name that may hold either array, by spelling), or when the array reshaped
 * was a local of a function that has returned; else refused, with a note at the change. A
 * source held by a hidden name (an item of a tuple) is refused as before. */
/* Whether v is, or holds (a tuple's items, a selection's base), the array in slot var. */
static int holds_slot(const value *v, const ir_var *var, int depth)
{
    if (!v || depth > 8)
        return 0;
    if ((v->kind == V_ARRAY || v->kind == V_SCALAR) && v->e && v->e->kind == E_READ && v->e->view &&
        v->e->view->arr == var)
        return 1;
    for (int i = 0; v->kind == V_TUPLE && i < v->n; i++)
        if (holds_slot(v->items[i], var, depth + 1))
            return 1;
    return holds_slot(v->self, var, depth + 1) || holds_slot(v->mask, var, depth + 1);
}

/* x = np.reshape(x, shape) where x is the only name of its array (the result of a function
 * that has returned, as lenet's x = maxpool2d(x)): after the statement the view is the only
 * way to the array, so a write through it changes nothing else. 1 when `name` holds slot var
 * and no other binding of a live scope does; a run-time list of arrays counts as holding it. */
static int sole_holder(lctx *c, const char *name, ir_var *var)
{
    int named = 0;
    vec cls = {0}; /* the slots bound to var's array, or var to theirs (q = p), ever */
    lw_bind_class(var, &cls);
    for (scope *s = c->sc; s; s = s->parent)
        for (int i = 0; i < s->binds.len; i++) {
            binding *b = VEC_AT(s->binds, i, binding *);
            int holds = 0;
            for (int k = 0; k < cls.len && !holds; k++)
                holds = (b->kind == B_ARRAY && b->var == cls.items[k]) ||
                        (b->kind == B_VALUE && holds_slot(b->val, cls.items[k], 0));
            if (b->kind == B_VALUE && b->val->kind == V_LIST && b->val->rank > 0)
                holds = 1;
            if (!holds)
                continue;
            /* the name, or a hidden name of its parts (z.0, z.1; name may be one of them) */
            size_t n = strcspn(name, ".");
            if (strncmp(b->name, name, n) != 0 || (b->name[n] && b->name[n] != '.') || s != c->sc)
                return 0;
            named = 1;
        }
    return named;
}

/* x.shape = s (Xi.shape = Yi.shape = C.shape = n, as NumPy scripts flatten grids): NumPy gives
 * the array itself the new shape, which every name bound to it sees. As x = np.reshape(x, s)
 * when x is the only name of its array (each part's, for a complex array); else refused. */
void lw_set_shape(lctx *c, ast *t, value *v)
{
    if (t->a->kind != A_NAME) {
        diag_error(t->l, "assigning .shape is supported for a name (x.shape = (n, m))");
        return;
    }
    const char *name = t->a->name;
    value *x = lw_expr(c, t->a);
    if (x->kind == V_ERR || v->kind == V_ERR)
        return;
    int cplx = lw_is_complex(x);
    for (int k = 0; k < (cplx ? 2 : 1); k++) {
        value *p = cplx ? x->items[k] : x;
        ir_var *slot = p->kind == V_ARRAY ? lw_whole_slot(p) : NULL;
        if (!slot || !sole_holder(c, name, slot)) {
            diag_error(t->l, "'%s.shape = ...' is supported when '%s' is the only name of its array: "
                             "NumPy changes the shape of the array itself, which every name bound to it sees",
                       name, name);
            return;
        }
    }
    const char *hidden = arena_printf(&util_arena, "%s.newshape.%d.%d", name, t->l.line, t->l.col);
    binding *b = lw_bind(c, hidden);
    b->kind = B_VALUE;
    b->val = v;
    ast *args = ast_arglist(NULL, t->a);
    ast_arglist(args, ast_name(t->l, hidden));
    ast *call = ast_call(t->l, ast_attr(t->l, ast_name(t->l, "np"), "reshape"), args);
    value *r = lw_expr(c, call);
    if (r->kind != V_ERR)
        lw_assign_name(c, t->a, r);
}

/* Whether a mentions one of names outside the statements of blk (every child but blk's). */
typedef struct outside {
    const vec *blk;
    vec *names;
} outside;
static int mentions_outside(ast *a, void *ctx)
{
    outside *o = ctx;
    if (!a)
        return 0;
    if ((a->kind == A_NAME || a->kind == A_PARAM) && a->name && lw_name_in(o->names, a->name))
        return 1;
    return ast_any_child(a, AST_ALL & ~ast_lists_holding(a, o->blk), mentions_outside, o);
}

/* yv = np.reshape(y, s) in a block (a loop's body: a Stockham FFT's passes) where the view,
 * and what the block's next statements compute from it (tmp = np.transpose(yv)), is read only
 * up to the first statement that may change y (y[:] = ...: its right-hand side is computed
 * before the store) and nowhere else: a copy made at the binding reads what the view would.
 * Conservative: those names are mentioned in no statement before the binding (the block may
 * run again), after that change, or outside the block; none is changed in place; a compound
 * statement that mentions them refuses. name and src: the names (a complex part's "yv.0":
 * "yv"). */
static int read_before_change(lctx *c, const char *name, const char *src)
{
    vec *blk = c->blk;
    int bi = c->blk_i;
    if (!blk || bi < 0 || bi >= blk->len)
        return 0;
    ast *bs = VEC_AT(*blk, bi, ast *);
    if (bs->kind != A_ASSIGN || bs->targets.len != 1 || VEC_AT(bs->targets, 0, ast *)->kind != A_NAME ||
        strcmp(VEC_AT(bs->targets, 0, ast *)->name, name) != 0)
        return 0;
    vec S = {0}, A = {0};
    vec_push(&S, (void *)name);
    lw_alias_names(c, src, name, &A);
    int W = -1;
    for (int j = bi + 1; j < blk->len; j++) {
        ast *s = VEC_AT(*blk, j, ast *);
        int simple = s->kind == A_ASSIGN || s->kind == A_AUGASSIGN || s->kind == A_EXPR_STMT;
        if (lw_changes_any(s, &S, 0))
            return 0; /* a write through the view */
        if (W >= 0) {
            if (lw_mentions_any(s, &S))
                return 0;
            continue;
        }
        if (lw_changes_any(s, &A, 1)) {
            if (!simple && lw_mentions_any(s, &S))
                return 0;
            W = j;
            continue;
        }
        if (!lw_mentions_any(s, &S))
            continue;
        if (!simple)
            return 0;
        if (s->kind != A_ASSIGN) /* print(yv), D += yv: read, nothing bound */
            continue;
        for (int t = 0; t < s->targets.len; t++) {
            ast *tg = VEC_AT(s->targets, t, ast *);
            if (tg->kind == A_NAME && !lw_name_in(&S, tg->name))
                vec_push(&S, (void *)tg->name);
            else if (tg->kind != A_NAME && tg->kind != A_SUBSCRIPT)
                return 0;
        }
    }
    for (int j = 0; j < bi; j++)
        if (lw_mentions_any(VEC_AT(*blk, j, ast *), &S))
            return 0;
    for (int i = 0; i < c->module_body.len; i++)
        if (mentions_outside(VEC_AT(c->module_body, i, ast *), &(outside){blk, &S}))
            return 0;
    return 1;
}

void lw_reshape_bind_check(lctx *c, const value *v, const char *name)
{
    if (!v->reshaped || v->reshaped != v->fresh)
        return;
    /* return dudt.ravel(): the reshape of a local of a function that has returned, which no
     * live scope holds any more: the view is the only name of its array */
    int live = 0;
    for (scope *s = c->sc; s && !live; s = s->parent)
        for (int i = 0; i < s->vars.len && !live; i++)
            live = VEC_AT(s->vars, i, ir_var *) == v->reshape_var;
    if (v->reshape_var && (!live || sole_holder(c, name, v->reshape_var)))
        return;
    const char *src = v->reshape_src, *who = NULL;
    int named = src && !strchr(src, '.') && !strchr(name, '.');
    ast *w = named ? lw_reshape_changed(c, src, name, &who) : NULL;
    if (named && !w)
        return;
    if (src) { /* read only before the array changes (a complex part's names: their roots) */
        const char *nroot = arena_strndup(&util_arena, name, strcspn(name, "."));
        const char *sroot = arena_strndup(&util_arena, src, strcspn(src, "."));
        if (read_before_change(c, nroot, sroot))
            return;
    }
    diag_error(v->l, "binding this reshape of an array to '%s' is supported when neither array "
                     "changes in place: NumPy returns a view of the array (writes to either change "
                     "both), tylesc a copy; use .flatten() or .reshape(...).copy() for a copy, or "
                     "use the result directly (np.sum(u.ravel()))", name);
    if (w && who)
        diag_note(w->l, "'%s'%s is changed in place here", who,
                  strcmp(who, name) == 0 || strcmp(who, src) == 0 ? "" : " (which may hold the same array)");
    else if (w)
        diag_note(w->l, "it is given here to a function of the program, and a function of the "
                        "program changes a parameter in place");
}

static const lw_builtin np_table[] = {
    {"np.reshape", {"a", "shape", "order"}, 2, np_reshape},
    {"np.ravel", {"a", "order"}, 1, np_ravel},
};
static const lw_builtin method_table[] = {
    {"reshape", {"*"}, 0, m_reshape},
    {"ravel", {"order"}, 0, m_ravel},
    {"flatten", {"order"}, 0, m_ravel},
};
const lw_builtin *lw_reshape_find(const char *name, int method)
{
    if (method)
        return lw_builtin_find(method_table, sizeof method_table / sizeof *method_table, name);
    return lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, name);
}
