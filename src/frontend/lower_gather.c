/* lower_gather.c: reads by integer index arrays (NumPy's advanced indexing): q[idx] with a
 * 1-D int array, q[x0, y0] with int arrays of one shape (semi-Lagrangian advection), q[i0, :]
 * and int scalars among the indices. The result has the index arrays' shape followed by the
 * dimensions not indexed.
 *
 * A gather may read any element, so it is a loop nest of element reads into a new array: each
 * index is normalised and checked as NumPy does (negative indices count from the end; one out
 * of range stops the program with NumPy's IndexError message). Element reads and writes in
 * loops make the arrays replicated over the ranks (pass_dist), so every rank holds the whole
 * source and computes the whole result: bitwise NumPy's values at any rank count.
 *
 * Requires: the base is an array value, no index is a boolean mask (lower_index.c takes those).
 * Establishes: the result is a new array (its own slot), never a view of the base.
 *
 * Also here, the other selections that are not views: boolean-mask selections bound to a name
 * (snapshots), indexed further, and operated on elementwise (lw_masked_operands), and an index
 * that is a tuple of index arrays (lw_tuple_index: A[np.triu_indices(n)]). */

#include "lower_internal.h"

#include <string.h>

vec *lw_loop_nest(lctx *c, loc l, vec *out, int q, ir_expr **len, const char *name, ir_var **it)
{
    for (int d = 0; d < q; d++) {
        ir_stmt *st = ir_stmt_new(S_FOR, l);
        st->made = 1;
        st->e = lw_I64(l, 0);
        ir_var *n = lw_temp_scalar(c, T_I64);
        ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
        as->var = n;
        as->e = len[d];
        vec_push(out, as);
        st->e2 = ir_varref(l, n);
        st->e3 = lw_I64(l, 1);
        st->var = it[d] = ir_var_new(c->prog, lw_cname(c, name), name, T_I64, 0, 0);
        vec_push(out, st);
        out = &st->body;
    }
    return out;
}

/* v as one whole array in a slot (a view or an expression is computed into a new one). */
static value *whole(lctx *c, value *v)
{
    if (lw_whole_slot(v))
        return v;
    value *m = lw_materialize(c, v);
    if (!lw_whole_slot(m))
        m = lw_copy_of(c, v->l, v);
    return m;
}

static int is_full_slice(ast *it)
{
    return it->kind == A_SLICE && !it->a && !it->b && !it->c;
}

/* Index arrays of shapes that differ where one has an axis of extent 1 (q[np.arange(n)[:, None],
 * nbrs], as take-along-axis gathers write it): each broadcast to their common shape, NumPy's
 * rule, by adding the sum of all of them times 0 (int64). Other shapes are left to lw_gather
 * (index arrays of one shape, checked when compiling or when running). */
static void broadcast_indexes(lctx *c, ast *sub, value **ival)
{
    value *first = NULL, *zero = NULL;
    int differ = 0;
    for (int k = 0; k < sub->args.len; k++) {
        value *v = ival[k];
        if (!v || v->kind != V_ARRAY || !ir_type_is_int(v->type))
            continue;
        if (!first) {
            first = v;
            continue;
        }
        if (v->rank != first->rank)
            differ = 1;
        for (int d = 1; d <= v->rank && d <= first->rank; d++) { /* aligned from the last axis */
            const sym *a = v->sh[v->rank - d], *b = first->sh[first->rank - d];
            int cmp = lw_sym_cmp(a, b), one = lw_sym_is_one_ext(a) || lw_sym_is_one_ext(b);
            if (cmp != 1 && !one)
                return; /* lw_gather's message, or its check when running */
            differ |= cmp != 1;
        }
    }
    if (!differ)
        return;
    for (int k = 0; k < sub->args.len; k++) {
        value *v = ival[k];
        if (!v || v->kind != V_ARRAY || !ir_type_is_int(v->type))
            continue;
        value *z = lw_binop(c, v->l, OP_MUL, v, lw_scalar(v->l, lw_I64(v->l, 0), 0));
        zero = zero ? lw_binop(c, v->l, OP_ADD, zero, z) : z;
        if (zero->kind == V_ERR)
            return;
    }
    for (int k = 0; k < sub->args.len; k++) {
        value *v = ival[k];
        if (v && v->kind == V_ARRAY && ir_type_is_int(v->type))
            ival[k] = lw_materialize(c, lw_binop(c, v->l, OP_ADD, v, zero));
    }
}

value *lw_gather(lctx *c, value *base, ast *sub, int target, value **ival)
{
    loc l = sub->l;
    int nitems = sub->args.len, nidx = 0, rank = base->rank;
    value *shape_of = NULL;
    if (!target)
        broadcast_indexes(c, sub, ival);
    for (int k = 0; k < nitems; k++) {
        ast *it = VEC_AT(sub->args, k, ast *);
        if (it->kind == A_SLICE) {
            if (!is_full_slice(it)) {
                diag_error(it->l, "an integer-array index together with a slice other than ':' is "
                                  "not supported");
                return &lw_ERRV;
            }
            continue;
        }
        value *v = ival[k];
        if (k > nidx || v->kind == V_NONE || v->kind == V_SLICE || (v->kind == V_ARRAY && v->type == T_BOOL) ||
            (v->kind != V_ARRAY && !lw_is_int_scalar(v))) {
            diag_error(it->l, "an integer-array index is supported with other integer arrays or ints "
                              "before any ':' (not with %s here)",
                       v->kind == V_ARRAY ? "a boolean mask" : k > nidx ? "an index after ':'" : lw_vkind_desc(v));
            return &lw_ERRV;
        }
        nidx++;
        if (v->kind != V_ARRAY)
            continue;
        if (!ir_type_is_int(v->type)) {
            diag_error(it->l, "arrays used as indices must be of integer (or boolean) type (this one "
                              "is %s)", ir_type_name(v->type));
            return &lw_ERRV;
        }
        if (!shape_of) {
            shape_of = v;
            continue;
        }
        int same = v->rank == shape_of->rank;
        for (int d = 0; same && d < v->rank; d++)
            same = lw_sym_cmp(v->sh[d], shape_of->sh[d]) != 0;
        if (!same) {
            diag_error(it->l, "shape mismatch: indexing arrays could not be broadcast together with "
                              "shapes %s %s (index arrays of one shape are supported)",
                       lw_shape_str(shape_of->rank, shape_of->sh), lw_shape_str(v->rank, v->sh));
            return &lw_ERRV;
        }
    }
    if (target) {
        diag_error(l, "assignment through integer-array indices (q[idx] = v) is not supported");
        return &lw_ERRV;
    }
    if (nidx > rank) {
        diag_error(sub->l, "too many indices for array: array is %d-dimensional, but %d were indexed",
                   rank, nidx);
        return &lw_ERRV;
    }
    base = whole(c, base);
    ir_var *src = lw_whole_slot(base);
    ir_var *islot[IR_MAX_RANK] = {0};
    value *iv[IR_MAX_RANK] = {0};
    ir_expr *iscal[IR_MAX_RANK] = {0};
    for (int k = 0, d = 0; k < nitems; k++) {
        ast *it = VEC_AT(sub->args, k, ast *);
        if (it->kind == A_SLICE)
            continue;
        if (ival[k]->kind == V_ARRAY) {
            iv[d] = ival[k];
            islot[d] = lw_whole_slot(whole(c, ival[k]));
        } else
            iscal[d] = lw_int_operand(ival[k], "an index");
        d++;
    }
    /* the result: the index arrays' dimensions, then the base's dimensions not indexed */
    int ri = shape_of->rank, rr = ri + rank - nidx;
    if (rr > IR_MAX_RANK) {
        diag_error(l, "arrays of %d dimensions are not supported (1 to %d)", rr, IR_MAX_RANK);
        return &lw_ERRV;
    }
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    for (int d = 0; d < ri; d++) {
        len[d] = shape_of->len[d];
        sh[d] = shape_of->sh[d];
    }
    for (int d = nidx; d < rank; d++) {
        len[ri + d - nidx] = base->len[d];
        sh[ri + d - nidx] = base->sh[d];
    }
    /* index arrays of a shape known only when running must agree then */
    for (int d = 0; d < nidx; d++)
        for (int e = 0; islot[d] && e < ri; e++)
            if (lw_sym_cmp(shape_of->sh[e], iv[d]->sh[e]) != 1 &&
                !ir_expr_equal(ir_shape(l, islot[d], e), len[e])) { /* itself: no check */
                lw_emit_raise(c, l, ir_bin(l, OP_CNE, T_BOOL, ir_shape(l, islot[d], e), len[e], 0),
                              "IndexError: shape mismatch: indexing arrays could not be broadcast "
                              "together");
            }
    value *r = lw_new_array(c, l, base->type, rr, len, sh, 0, NULL);
    ir_var *dst = r->fresh;
    /* for i...: for j...: r[i..., j...] = base[idx_0[i...], ..., j...] */
    ir_var *it[IR_MAX_RANK];
    vec *saved = c->out, *out = lw_loop_nest(c, l, c->out, rr, len, "gather_it", it);
    ir_expr **at = NEWN(ir_expr *, rr), **from = NEWN(ir_expr *, rank);
    for (int d = 0; d < rr; d++)
        at[d] = ir_varref(l, it[d]);
    for (int d = 0; d < rank; d++) {
        if (d >= nidx) {
            from[d] = at[ri + d - nidx];
            continue;
        }
        ir_expr *k = iscal[d];
        if (islot[d]) {
            ir_expr **ia = NEWN(ir_expr *, ri);
            for (int e = 0; e < ri; e++)
                ia[e] = at[e];
            k = ir_cast(l, T_I64, ir_elem(l, islot[d], ia));
        }
        ir_expr **args = NEWN(ir_expr *, 3);
        args[0] = ir_shape(l, src, d);
        args[1] = k;
        args[2] = lw_I64(l, d);
        from[d] = ir_call(l, FN_INDEX, T_I64, 3, args);
    }
    ir_stmt *set = ir_stmt_new(S_SETELEM, l);
    set->var = dst;
    set->n = rr;
    set->args = at;
    set->e = ir_elem(l, src, from);
    vec_push(out, set);
    c->out = saved;
    return r;
}

/* A selection of integers by a mask (Xi[I], np.nonzero(m)[0] with other indices): an index
 * array of the data's length once taken (lw_masked_compact), as NumPy's N_[Xi[I], Yi[I]]. */
static int int_selection(value *v)
{
    return v->kind == V_MASKED && v->self && v->self->kind == V_ARRAY && ir_type_is_int(v->self->type) &&
           !v->argw && !v->lead;
}
/* The index arrays of t among ival (NULL: a slice), each selection of integers taken as an
 * array; 0 after a diagnostic. */
int lw_compact_indexes(lctx *c, ast *sub, value **ival, int n)
{
    for (int k = 0; k < n; k++)
        if (ival[k] && int_selection(ival[k])) {
            value *a = lw_masked_compact(c, VEC_AT(sub->args, k, ast *)->l, ival[k]);
            if (a && a->kind == V_ERR)
                return 0;
            if (a)
                ival[k] = a;
        }
    return 1;
}

/* Does the subscript t index by an integer array? (a probe: nothing emitted, no diagnostics) */
static int indexes_by_array(lctx *c, ast *t)
{
    lw_probe p;
    lw_probe_begin(c, &p);
    int r = 0;
    for (int k = 0; k < t->args.len && !r; k++) {
        ast *it = VEC_AT(t->args, k, ast *);
        if (it->kind == A_SLICE)
            continue;
        value *v = lw_expr(c, it);
        r = (v->kind == V_ARRAY && v->type != T_BOOL) || int_selection(v);
        if (r && v->kind == V_MASKED && t->args.len == 1) { /* H[np.nonzero(m)[0]] = v is H[m] = v */
            value *base = lw_expr(c, t->a);
            r = !(base->kind == V_ARRAY && lw_index_selection_mask(v, base));
        }
    }
    lw_probe_end(c, &p);
    return r;
}

/* q[idx] = v, q[x0, y0] = v: the value is computed first (it may read q), then stored element by
 * element in C order of the index arrays, so a repeated index keeps the last value written, as
 * NumPy's assignment does. Returns 0 when t does not index by an integer array. */
int lw_scatter(lctx *c, ast *t, value *v)
{
    if (t->kind != A_SUBSCRIPT || !indexes_by_array(c, t))
        return 0;
    if (v->kind == V_ERR)
        return 1;
    value *base = lw_expr(c, t->a);
    if (base->kind == V_ERR)
        return 1;
    if (base->kind != V_ARRAY || !lw_whole_slot(base)) {
        diag_error(t->a->l, "assignment through integer-array indices is supported into a whole array "
                            "named by a variable (this is %s)",
                   base->kind == V_ARRAY ? "a view or an expression" : lw_vkind_desc(base));
        return 1;
    }
    if (v->kind == V_MASKED) { /* Z_[Xi[I], Yi[I]] = Z[I]: the selected items in C order */
        value *a = lw_masked_compact(c, v->l, v);
        if (a && a->kind == V_ERR)
            return 1;
        if (a)
            v = a;
    }
    if (v->kind == V_ARRAY)
        v = whole(c, v);
    else if (v->kind == V_SCALAR) { /* evaluated once, before the stores */
        ir_var *tv = lw_temp_scalar(c, base->type);
        ir_stmt *as = ir_stmt_new(S_ASSIGN, t->l);
        as->var = tv;
        as->e = ir_cast(t->l, base->type, v->e);
        lw_emit(c, as);
        v = lw_scalar(v->l, ir_varref(v->l, tv), 0);
        v->type = base->type;
    } else {
        diag_error(v->l, "cannot assign %s through integer-array indices", lw_vkind_desc(v));
        return 1;
    }
    value **ival = NEWN(value *, t->args.len + 1);
    for (int k = 0; k < t->args.len; k++) {
        ast *it = VEC_AT(t->args, k, ast *);
        ival[k] = it->kind == A_SLICE ? NULL : lw_expr(c, it);
        if (ival[k] && ival[k]->kind == V_ERR)
            return 1;
    }
    if (!lw_compact_indexes(c, t, ival, t->args.len))
        return 1;
    /* the gather of the same indices gives the shape and the index checks; its loop nest is
     * then turned into the stores */
    size_t mark = (size_t)c->out->len;
    value *g = lw_gather(c, base, t, 0, ival);
    if (g->kind == V_ERR)
        return 1;
    if (v->kind == V_ARRAY) {
        int ok = v->rank <= g->rank;
        for (int d = 0; ok && d < v->rank; d++)
            ok = lw_sym_cmp(v->sh[d], g->sh[g->rank - v->rank + d]) != 0 || lw_is_one(v->sh[d]);
        if (!ok) {
            diag_error(v->l, "shape mismatch: value array of shape %s could not be broadcast to "
                             "indexing result of shape %s", lw_shape_str(v->rank, v->sh),
                       lw_shape_str(g->rank, g->sh));
            return 1;
        }
    }
    /* find the innermost S_SETELEM of the gather's nest: r[at] = q[from] becomes q[from] = v[at] */
    ir_stmt *set = NULL;
    for (int i = (int)mark; i < c->out->len && !set; i++) {
        ir_stmt *s = VEC_AT(*c->out, i, ir_stmt *);
        while (s && s->kind == S_FOR) {
            ir_stmt *in = NULL;
            for (int k = 0; k < s->body.len; k++)
                if (VEC_AT(s->body, k, ir_stmt *)->kind == S_FOR || VEC_AT(s->body, k, ir_stmt *)->kind == S_SETELEM)
                    in = VEC_AT(s->body, k, ir_stmt *);
            s = in;
        }
        if (s && s->kind == S_SETELEM && s->var == g->fresh)
            set = s;
    }
    if (!set)
        UNREACHABLE();
    ir_expr *src = set->e; /* E_ELEM of q at the normalised indices */
    ir_expr **at = set->args;
    ir_expr *val;
    /* the gather's result array is not needed: its allocation goes, so run-time checks take its
     * extents from the allocation, not from the array (never allocated) */
    ir_expr **glen = g->len;
    for (int i = (int)mark; i < c->out->len; i++) {
        ir_stmt *s = VEC_AT(*c->out, i, ir_stmt *);
        if (s->kind == S_ALLOC && s->var == g->fresh) {
            glen = s->shape;
            for (int k = i + 1; k < c->out->len; k++)
                c->out->items[k - 1] = c->out->items[k];
            c->out->len--;
            break;
        }
    }
    if (v->kind == V_SCALAR)
        val = v->e;
    else {
        ir_var *vs = lw_whole_slot(v);
        ir_expr **vi = NEWN(ir_expr *, v->rank + 1);
        for (int d = 0; d < v->rank; d++) { /* broadcast from the right; extent 1 reads index 0 */
            ir_expr *k = at[g->rank - v->rank + d];
            vi[d] = lw_is_one(v->sh[d]) ? lw_I64(t->l, 0) : k;
            /* (no check of an extent against itself: clang warns of the self-comparison) */
            if (!lw_is_one(v->sh[d]) && lw_sym_cmp(v->sh[d], g->sh[g->rank - v->rank + d]) != 1 &&
                !ir_expr_equal(ir_shape(t->l, vs, d), glen[g->rank - v->rank + d]))
                lw_emit_raise(c, t->l, ir_bin(t->l, OP_CNE, T_BOOL, ir_shape(t->l, vs, d),
                                              glen[g->rank - v->rank + d], 0),
                              "ValueError: shape mismatch: value array could not be broadcast to "
                              "indexing result");
        }
        val = ir_cast(t->l, base->type, ir_elem(t->l, vs, vi));
    }
    set->var = src->var;
    set->n = src->nargs;
    set->args = src->args;
    set->e = val;
    for (int i = 0; i < c->pending.len; i++)
        if (VEC_AT(c->pending, i, ir_var *) == g->fresh)
            c->pending.items[i] = c->pending.items[--c->pending.len];
    return 1;
}

/* q[idx] += v: NumPy computes q[idx] + v (a gather) and assigns it (a scatter), so a repeated
 * index adds v once, not once per occurrence (np.add.at would accumulate). */
int lw_augscatter(lctx *c, loc l, ir_op op, ast *t, value *v)
{
    if (!indexes_by_array(c, t))
        return 0;
    if (v->kind == V_ERR)
        return 1;
    if (v->kind == V_ARRAY)
        v = whole(c, v);
    value *cur = lw_expr(c, t);
    if (cur->kind == V_ERR)
        return 1;
    value *r = lw_binop(c, l, op, cur, v);
    if (r->kind == V_ARRAY && lw_kind_of(r->type) > lw_kind_of(cur->type)) {
        diag_error(l, "Cannot cast ufunc '%s' output from dtype('%s') to dtype('%s') with casting "
                      "rule 'same_kind'", lw_ufunc_name(op), ir_type_name(r->type), ir_type_name(cur->type));
        return 1;
    }
    lw_scatter(c, t, r);
    return 1;
}

/* ---- selections by a mask of the leading dimensions ------------------------------------------
 * bndryF = F[cylinder, :]; bndryF = bndryF[:, [0, 5, 6, 7, 8, 1, 2, 3, 4]]; F[cylinder, :] =
 * bndryF (the bounce-back of lattice Boltzmann codes): the selection's shape depends on the data,
 * but it is only stored back through the same mask, so it is kept as whole arrays: a copy of F
 * and of the mask (NumPy's b = a[m] is a copy), indexed along the trailing dimensions, and
 * stored with where(mask, b, F). */

/* The bool mask m (the leading dimensions of base) repeated along base's trailing ones. */
value *lw_mask_repeat(lctx *c, loc l, value *m, value *base) { return lw_mask_repeat_lead(c, l, m, base, 0); }

/* m, a mask of base's axes lead .. lead + m->rank - 1, repeated along the others to base's
 * shape. */
value *lw_mask_repeat_lead(lctx *c, loc l, value *m, value *base, int lead)
{
    if (m->rank == base->rank)
        return m;
    /* the mask's extents must be the array's own: a broadcast would take a mask of one row
     * for every row (x[m] of 4 rows by a mask of 1 selected them all, where NumPy raises) */
    for (int d = 0; d < m->rank; d++)
        if (lw_sym_cmp(m->sh[d], base->sh[lead + d]) == 0) {
            diag_error(l, "boolean index did not match indexed array along axis %d; size of axis is %s but "
                          "size of corresponding boolean axis is %s",
                       lead + d, sym_str(base->sh[lead + d]), sym_str(m->sh[d]));
            return &lw_ERRV;
        }
    lw_emit(c, lw_check_stmt(l, CK_MASK, m->rank, m->len, m->rank, base->len + lead));
    ast *sub = ast_new(A_SUBSCRIPT, l);
    for (int d = 0; d < base->rank; d++)
        vec_push(&sub->args, d >= lead && d < lead + m->rank ? ast_slice(l, NULL, NULL, NULL) : ast_new(A_NONE, l));
    value *mm = m->e->kind == E_READ ? m : lw_materialize(c, m);
    value *m3 = lw_index_array(c, mm, sub, 0); /* trailing axes of extent 1 */
    if (m3->kind == V_ERR)
        return m3;
    value *z = lw_new_array(c, l, T_BOOL, base->rank, base->len, (const sym **)base->sh, 1, NULL);
    return lw_materialize(c, lw_binop(c, l, OP_BOR, z, m3));
}

value *lw_masked_bind(lctx *c, loc l, const char *name, value *v) { return lw_masked_bind_like(c, l, name, v, NULL); }

/* The same; with `like` (a snapshot made by the same mask: the other part of a complex
 * selection, z = w[m]), its copy of the mask is shared, so the two combine. */
value *lw_masked_bind_like(lctx *c, loc l, const char *name, value *v, const value *like)
{
    value *r = lw_vnew(V_MASKED, v->l);
    *r = *v;
    r->hold = NULL; /* its own copies: it combines with no other selection's (lw_nonzero_unpack) */
    ast *hs = ast_name(l, arena_printf(&util_arena, "%s.selected", name));
    lw_assign_name(c, hs, lw_copy_of(c, l, v->self));
    r->self = lw_read_name(c, hs);
    r->igrid = v->igrid && v->igrid == v->self ? r->self : NULL;
    if (like)
        r->mask = like->mask;
    else {
        ast *hm = ast_name(l, arena_printf(&util_arena, "%s.mask", name));
        lw_assign_name(c, hm, lw_copy_of(c, l, v->mask));
        r->mask = lw_read_name(c, hm);
    }
    if (v->rows) {
        ast *hr = ast_name(l, arena_printf(&util_arena, "%s.rows", name));
        lw_assign_name(c, hr, lw_copy_of(c, l, v->rows));
        r->rows = lw_read_name(c, hr);
    }
    r->snapshot = 1;
    return r;
}

/* Column k of np.argwhere(m)'s result: np.nonzero(m)[k], a selection of the index grid k. */
value *lw_argwhere_column(loc l, value *sel, int k)
{
    value *r = lw_vnew(V_MASKED, l);
    *r = *sel;
    r->argw = 0;
    r->self = lw_vnew(V_ARRAY, l);
    *r->self = *sel->self;
    r->self->e = ir_index(l, T_I64, k);
    return r;
}

/* sel[k] of a selection of elements (x[m], np.nonzero(m)[0], np.where(c)[0]) by an integer k known
 * only when running: the k-th selected element in C order (k < 0 from the end), NumPy's
 * IndexError out of range. The prelude's masked_item: the selection counted, then looped over
 * until the k-th element (as `for v in x[m]` loops), a zero of the element type before it. */
static value *masked_item(lctx *c, loc l, value *sel, value *k)
{
    ir_type t = sel->self->type;
    value *zero = lw_scalar(l, ir_type_is_float(t) ? ir_const_f(l, t, 0.0) : ir_const_i(l, t, 0), 0);
    value *v[3] = {sel, k, zero};
    return lw_call_prelude(c, l, "masked_item", 3, v);
}

value *lw_masked_index(lctx *c, ast *a, value *sel)
{
    ast *only = a->args.len == 1 && !a->tuple_index ? VEC_AT(a->args, 0, ast *) : NULL;
    if (only && only->kind != A_SLICE && !sel->n && !sel->lead && !sel->argw && !sel->rows) {
        value *kv = lw_expr(c, only); /* idx[-1] of idx = np.nonzero(m)[0], x[m][0] */
        if (kv->kind == V_ERR)
            return kv;
        if (kv->kind == V_SCALAR && !ir_type_is_float(kv->type) && kv->type != T_BOOL)
            return masked_item(c, a->l, sel, kv);
        if (kv->kind == V_SCALAR && ir_type_is_float(kv->type)) {
            diag_error(only->l, "IndexError: only integers, slices (`:`), ellipsis (`...`), numpy.newaxis "
                                "(`None`) and integer or boolean arrays are valid indices");
            return &lw_ERRV;
        }
    }
    if (sel->argw && a->args.len == 2 && VEC_AT(a->args, 0, ast *)->kind == A_SLICE &&
        !VEC_AT(a->args, 0, ast *)->a && !VEC_AT(a->args, 0, ast *)->b && !VEC_AT(a->args, 0, ast *)->c) {
        /* np.argwhere(m)[:, k]: np.nonzero(m)[k] */
        value *kv = lw_expr(c, VEC_AT(a->args, 1, ast *));
        int64_t k;
        if (kv->kind == V_SCALAR && !ir_type_is_float(kv->type) && ir_expr_const_int(kv->e, &k) &&
            k >= -sel->argw && k < sel->argw)
            return lw_argwhere_column(a->l, sel, (int)(k < 0 ? k + sel->argw : k));
    }
    if (lw_argwhere_refused(sel))
        return &lw_ERRV;
    int k = sel->n ? sel->n : sel->self->rank;
    ast *first = a->args.len ? VEC_AT(a->args, 0, ast *) : NULL;
    if (!first || first->kind != A_SLICE || first->a || first->b || first->c || k == sel->self->rank) {
        diag_error(a->l, "a boolean-mask selection can only be indexed along the dimensions the mask "
                         "does not cover, after a ':' for the selected elements (b[:, [2, 1, 0]])");
        return &lw_ERRV;
    }
    ast *sub = ast_new(A_SUBSCRIPT, a->l);
    *sub = *a;
    sub->args = (vec){0};
    for (int d = 0; d < k; d++)
        vec_push(&sub->args, ast_slice(a->l, NULL, NULL, NULL));
    for (int i = 1; i < a->args.len; i++)
        vec_push(&sub->args, a->args.items[i]);
    value *s = lw_index_array(c, sel->self, sub, 0);
    if (s->kind == V_ERR)
        return s;
    if (s->kind == V_ARRAY && s->rank >= k && s->rank < sel->self->rank) {
        /* inside[:, 0] of inside = x[m]: integers along dimensions the mask does not cover
         * select x[:, 0][m], the mask indexed alike (its rows are m's along those dimensions) */
        value *m = lw_index_array(c, sel->mask, sub, 0);
        if (m->kind == V_ERR)
            return m;
        if (m->kind == V_ARRAY && m->rank == s->rank) {
            value *r = lw_vnew(V_MASKED, a->l);
            *r = *sel;
            r->self = s;
            r->mask = m;
            r->n = s->rank == k ? 0 : k;
            r->rows = r->n ? sel->rows : NULL;
            r->str = arena_printf(&util_arena, "%s", diag_text(a->l));
            return r;
        }
    }
    if (s->kind != V_ARRAY || s->rank != sel->self->rank) {
        diag_error(a->l, "indexing a boolean-mask selection must keep its dimensions (use ':' or a "
                         "list of indices along each)");
        return &lw_ERRV;
    }
    value *r = lw_vnew(V_MASKED, a->l);
    *r = *sel;
    r->self = s;
    return r;
}

/* Elementwise operations on selections by one mask: a[m] ** -1.5, 1.0 / a[m],
 * np.sqrt(b[m]) * 2 - a[m]. The elements f(a, b)[m] are f of the elements a[m] and b[m], so
 * the operation is done on the whole arrays and the result is selected by the same mask: a
 * selection again, which is assigned to a[m] (a where over a, the unselected points never
 * evaluated), reduced, or operated on further. Operands are selections with the same mask
 * (its source text, as store_masked compares them) or scalars; an array would have to have as
 * many elements as the mask selects, which only the data says. Selections by a mask of the
 * leading dimensions (F[m, :], x[m]) combine only with scalars and selections of arrays of the
 * same shape (the mask repeated alike over each).
 * A selection bound to a name (a snapshot) combines only with selections of the same snapshot.
 * Returns 0 when no operand is a selection; -1 after a diagnostic; 1 with ops[] replaced by
 * the whole arrays and *sel the first selection, for lw_masked_result. */
int lw_masked_operands(const char *what, value **ops, int n, value **sel)
{
    *sel = NULL;
    for (int i = 0; i < n; i++) {
        if (ops[i]->kind == V_MASKED && lw_argwhere_refused(ops[i]))
            return -1;
        if (ops[i]->kind == V_MASKED && (!*sel || ops[i]->lead > (*sel)->lead))
            *sel = ops[i]; /* the result's selection: the widest (g[m] + F[:, m] is F's shape) */
    }
    if (!*sel)
        return 0;
    for (int i = 0; i < n; i++) {
        value *v = ops[i];
        if (v->kind == V_MASKED && (v->n || (*sel)->n || v->lead || (*sel)->lead)) {
            /* F[m, :] op G[m, :] (or F[:, m] op G[:, m]): the whole arrays' operation selected by
             * m repeated alike, when every selection repeats it over the same shape (else the
             * rows would broadcast) */
            int same = v->n == (*sel)->n && v->lead == (*sel)->lead && v->self->rank == (*sel)->self->rank;
            for (int d = 0; same && d < v->self->rank; d++)
                same = lw_sym_cmp(v->self->sh[d], (*sel)->self->sh[d]) == 1;
            /* F[:, m] op g[m]: NumPy's (len(F), count) op (count,) broadcasts as the whole
             * arrays do, g along F's leading axes */
            value *hi = v->lead > (*sel)->lead ? v : *sel, *lo = hi == v ? *sel : v;
            if (!same && !v->n && !(*sel)->n && !lo->lead && lo->self->rank == hi->self->rank - hi->lead) {
                same = 1;
                for (int d = 0; same && d < lo->self->rank; d++)
                    same = lw_sym_cmp(lo->self->sh[d], hi->self->sh[hi->lead + d]) == 1;
            }
            if (!same) {
                if (v->lead || (*sel)->lead)
                    diag_error(v->l, "'%s' of a selection by a mask after whole dimensions (a[:, %s]) is "
                                     "supported with scalars, selections of arrays of one shape by the "
                                     "same mask, and b[%s] of the masked dimensions", what, v->str, v->str);
                else
                    diag_error(v->l, "'%s' of a selection by a mask of the leading dimensions (a[%s, :]) "
                                     "is supported with scalars and selections of arrays of one shape by "
                                     "the same mask", what, v->n ? v->str : (*sel)->str);
                return -1;
            }
        }
        if (v->kind == V_MASKED && (!*v->str || strcmp(v->str, (*sel)->str) != 0)) {
            diag_error(v->l, "'%s' of selections with different masks (a[%s] and b[%s]) is not "
                             "supported: the numbers of elements they select depend on the data",
                       what, (*sel)->str, v->str);
            return -1;
        }
        if (v->kind == V_MASKED && (v->snapshot || (*sel)->snapshot) && v->mask != (*sel)->mask &&
            !(v->hold && (*sel)->hold && strcmp(v->hold, (*sel)->hold) == 0)) {
            diag_error(v->l, "'%s' of a selection bound to a name and another selection is not "
                             "supported (the mask '%s' may have changed in between)", what, v->str);
            return -1;
        }
        if (v->kind == V_ARRAY) {
            diag_error(v->l, "'%s' of an array and a[%s] is not supported: the number of elements "
                             "the mask selects depends on the data; use a scalar or b[%s]",
                       what, (*sel)->str, (*sel)->str);
            return -1;
        }
        if (v->kind == V_MASKED)
            ops[i] = v->self;
    }
    return 1;
}
value *lw_masked_result(value *sel, value *whole)
{
    if (whole->kind != V_ARRAY)
        return whole->kind == V_ERR ? whole : (diag_error(whole->l, "internal error: an operation "
                                                                    "on selections gave no array"),
                                               &lw_ERRV);
    value *r = lw_vnew(V_MASKED, whole->l);
    *r = *sel;
    r->l = whole->l;
    r->self = whole;
    r->type = whole->type;
    return r;
}

/* A[idx] with idx a tuple (iu = np.triu_indices(n, 1); A[iu]): NumPy indexes by the tuple's
 * items, A[iu[0], iu[1]]. Returns the subscript with the items as hidden names (bound to their
 * values), or sub itself. An index that is a call is evaluated here once and replaced by a
 * hidden name whatever it gives, so it is not evaluated again. A list stays a fancy index. */
ast *lw_tuple_index(lctx *c, ast *sub)
{
    static int serial;
    if (sub->kind != A_SUBSCRIPT || sub->args.len != 1 || sub->tuple_index)
        return sub;
    ast *it = VEC_AT(sub->args, 0, ast *);
    value *v = NULL;
    if (it->kind == A_NAME) {
        int unbound;
        binding *b = lw_lookup(c, it->name, &unbound);
        v = b && b->kind == B_VALUE ? b->val : NULL;
        if (!v || v->kind != V_TUPLE || v->is_list || v->keys)
            return sub;
    } else if (it->kind == A_CALL)
        v = lw_expr(c, it);
    else
        return sub;
    int n = v->kind == V_TUPLE && !v->is_list && !v->keys ? v->n : 0;
    int nz = n > 0; /* a[np.nonzero(m)]: the items are I_0[m], I_1[m], ...: a[m] */
    for (int k = 0; k < n && nz; k++) {
        value *x = v->items[k];
        nz = x->kind == V_MASKED && !x->argw && !x->n && x->mask == v->items[0]->mask && x->mask->rank == n &&
             x->self->e->kind == E_INDEX && x->self->e->dim == k;
    }
    if (nz) {
        v = v->items[0]->mask;
        n = 0;
    }
    ast *r = ast_new(A_SUBSCRIPT, sub->l);
    *r = *sub;
    r->args = (vec){0};
    r->tuple_index = n > 0;
    for (int k = 0; k < (n ? n : 1); k++) {
        const char *name = arena_printf(&util_arena, "%%index%d", serial++);
        binding *b = lw_bind(c, name);
        b->kind = B_VALUE;
        b->val = n ? v->items[k] : v;
        vec_push(&r->args, ast_name(it->l, name));
    }
    return r;
}

/* ii, jj = np.nonzero(m) (items: selections of lw_nonzero's, one mask): the mask is copied once
 * for all the names, which share it (hold: the copy's hidden name, so ii + jj combine). The
 * statement rebinds them all whenever it rewrites the copy; a name bound from one of them
 * later (first = ii) gets copies of its own (lw_masked_bind). 0 when the items are not such. */
int lw_nonzero_unpack(lctx *c, loc l, ast **targets, value **items, int n)
{
    value *m0 = NULL;
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (!items[i])
            continue;
        if (items[i]->kind != V_MASKED || !items[i]->hold || targets[i]->kind != A_NAME ||
            (m0 && items[i]->mask != m0))
            return 0;
        m0 = items[i]->mask;
        k++;
    }
    if (k < 2)
        return 0;
    ast *hm = ast_name(l, arena_printf(&util_arena, "unpack.%d.%d.mask", l.line, l.col));
    lw_assign_name(c, hm, lw_copy_of(c, l, m0));
    for (int i = 0; i < n; i++) {
        if (!items[i])
            continue;
        value *r = lw_vnew(V_MASKED, items[i]->l);
        *r = *items[i];
        r->mask = lw_read_name(c, hm);
        r->hold = hm->name;
        binding *b = lw_bind(c, targets[i]->name);
        b->kind = B_VALUE;
        b->val = r;
        items[i] = NULL;
    }
    return 1;
}

/* ---- np.nonzero, np.where(cond), np.flatnonzero ---------------------------------------------
 * The indices of the true (nonzero) elements of m along axis k are the index grid I_k selected by
 * m: I_k[m], in C order as NumPy lists them. Their number depends on the data, so they are what a
 * selection is (a V_MASKED): len(), .size, .shape, sums, max, min, mean and elementwise operations
 * with selections by the same mask; np.nonzero(m) is the tuple of them, np.flatnonzero(m) the
 * flat index (C order) selected. Requires: m an array of 1 or more dimensions. */
static value *select_grid(lctx *c, loc l, value *m, ir_expr *e, const char *hold)
{
    (void)c;
    value *g = lw_vnew(V_ARRAY, l);
    g->type = T_I64;
    g->rank = m->rank;
    for (int d = 0; d < m->rank; d++) {
        g->len[d] = m->len[d];
        g->sh[d] = m->sh[d];
    }
    g->e = e;
    value *r = lw_vnew(V_MASKED, l);
    r->self = g;
    r->mask = m;
    r->type = T_I64;
    r->str = diag_text(m->l);
    r->snapshot = 1; /* m is lw_nonzero's copy, shared by the tuple's items */
    r->hold = hold;
    if (m->rank == 1 && e->kind == E_INDEX && e->dim == 0)
        r->igrid = g;
    return r;
}

static value *nonzero_mask(lctx *c, loc l, const char *f, value *x)
{
    if (x->kind == V_ERR)
        return NULL;
    if (x->kind != V_ARRAY || x->rank < 1) {
        diag_error(x->l, "%s() takes an array of one or more dimensions here, not %s", f,
                   x->kind == V_ARRAY ? "a 0-d array" : lw_vkind_desc(x));
        return NULL;
    }
    if (x->type == T_BOOL)
        return x;
    value *zero = lw_scalar(l, lw_I64(l, 0), 1);
    value *m = lw_binop(c, l, OP_CNE, x, zero);
    return m->kind == V_ERR ? NULL : m;
}

value *lw_nonzero(lctx *c, loc l, const char *f, value *x)
{
    value *m = nonzero_mask(c, l, f, x);
    if (!m)
        return &lw_ERRV;
    /* the mask as it is now, held by a hidden name: the indices do not change with it, and the
     * items of the tuple (ii, jj = np.nonzero(m)) are selections by one mask */
    ast *hm = ast_name(l, arena_printf(&util_arena, "nonzero.%d.%d.mask", l.line, l.col));
    lw_assign_name(c, hm, lw_copy_of(c, l, m));
    m = lw_read_name(c, hm);
    const char *hold = hm->name;
    if (strcmp(f, "np.flatnonzero") == 0) { /* the C-order flat index: sum of I_k * stride_k */
        ir_expr *flat = ir_index(l, T_I64, 0);
        for (int d = 1; d < m->rank; d++)
            flat = lw_iadd(l, lw_imul(l, flat, m->len[d]), ir_index(l, T_I64, d));
        return select_grid(c, l, m, flat, hold);
    }
    value *tup = lw_vnew(V_TUPLE, l);
    tup->n = m->rank;
    tup->items = NEWN(value *, m->rank);
    for (int k = 0; k < m->rank; k++)
        tup->items[k] = select_grid(c, l, m, ir_index(l, T_I64, k), hold);
    return tup;
}

/* Is sel the indices of the true elements of a 1-D mask m (np.nonzero(m)[0], np.where(m)[0],
 * np.flatnonzero(m)) and x's first extent m's? Then x[sel] is x[m]: the same rows in the same
 * order (NumPy gathers x[i] for each index i of a true element). */
int lw_index_selection_mask(const value *sel, const value *x)
{
    if (sel->kind != V_MASKED || !sel->igrid || sel->igrid != sel->self || sel->n || sel->lead || sel->argw ||
        sel->rows || !sel->mask || sel->mask->kind != V_ARRAY || sel->mask->rank != 1 || x->kind != V_ARRAY ||
        x->rank < 1)
        return 0;
    int64_t d;
    const sym *diff = x->sh[0] && sel->mask->sh[0] ? sym_sub(x->sh[0], sel->mask->sh[0]) : NULL;
    return diff && sym_is_const(diff, &d) && d == 0;
}

static value *np_nonzero(lctx *c, loc l, const char *f, value **v, args *a)
{
    value *r = lw_nonzero(c, l, a->self ? "np.nonzero" : f, a->self ? a->self : v[0]);
    if (strcmp(f, "np.argwhere") != 0 || r->kind != V_TUPLE)
        return r;
    value *w = lw_vnew(V_MASKED, l); /* the rows of indices: counted, indexed [:, k], looped over */
    *w = *r->items[0];
    w->argw = r->n;
    return w;
}

int lw_argwhere_refused(value *v)
{
    if (!v->argw)
        return 0;
    diag_error(v->l, "the result of np.argwhere() is supported in len(), .shape, .size, [:, k], "
                     ".min/.max/.sum/.mean(axis=0) and "
                     "'for i, j in np.argwhere(m)' (its shape depends on the data); np.nonzero(m) "
                     "gives the indices as selections");
    return 1;
}

static const lw_builtin nonzero_table[] = {
    {"np.nonzero", {"a"}, 1, np_nonzero},
    {"np.flatnonzero", {"a"}, 1, np_nonzero},
    {"np.argwhere", {"a"}, 1, np_nonzero},
};
static const lw_builtin nonzero_methods[] = {
    {"nonzero", {NULL}, 0, np_nonzero},
};

const lw_builtin *lw_nonzero_find(const char *name, int method)
{
    return method ? lw_builtin_find(nonzero_methods, 1, name)
                  : lw_builtin_find(nonzero_table, sizeof nonzero_table / sizeof *nonzero_table, name);
}
