/* lower_index.c: subscripts: basic indexing (ints, slices, `...`, None) as views of the
 * indexed array, boolean masks (V_MASKED) and integer lists or arrays as indices. Requires: the
 * base is an array value. Establishes: a view's extents and bounds are checked (statically or
 * by an emitted check) before any sweep reads through it. */

#include "lower_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* Indexing                                                                                   */

/* ceil(d / st) for d > 0, st > 0 (as unsigned: st may be 2**63), without overflow. */
static int64_t ceil_div_pos(int64_t d, uint64_t st)
{
    return (int64_t)(((uint64_t)d - 1) / st + 1);
}

/* The value of a slice bound when it is an int known at compile time (or omitted). */
static int const_bound(value *b, int64_t *k)
{
    return !b || sym_is_const(b->s, k);
}

/* The default value of the parameter named key (a sym atom), for sym_eval. */
static int param_default(void *ctx, const char *key, int64_t *out)
{
    lctx *c = ctx;
    for (int i = 0; i < c->prog->params.len; i++) {
        ir_var *v = VEC_AT(c->prog->params, i, ir_var *);
        if (strcmp(v->pyname, key) == 0 && !ir_type_is_float(v->type) && ir_expr_const_int(v->init, out))
            return 1;
    }
    return 0;
}

/* Symbolic first index and length of start:stop:step on an extent n (only used for
 * compile-time reasoning), as NumPy computes them (PySlice_AdjustIndices):
 * - n and the bounds known: exact numbers;
 * - a constant bound: a negative one counts from the end; clipping to [0, n] (step > 0) or
 *   [-1, n - 1] (step < 0) is applied when certain, dropped when proven not to happen
 *   (u[1:-1], u[2:], u[::-1]: an empty slice stays empty, its run-time length max(0, N - 2)),
 *   and otherwise: when it happens with the parameters' values in the source (img[5:15] of
 *   H = 12), it is kept as an opaque min or max, NumPy's length: (15 min H) - 5, so that an
 *   index into the slice or a broadcast with it is checked when running, as in NumPy; else
 *   (u[1:2] of N = 64: the ghost cells of a periodic domain, whose offsets the halo analysis
 *   needs; an extent read from a file) it is assumed not to happen: need[0] (the start) or
 *   need[1] (the stop) is set, why[i] to the assumption as the user reads it, for
 *   check_unclipped, which stops the program when it runs with values that clip;
 * - a run-time bound (b0 = N // 2, a parameter, -(w // 2)): Python counts a negative one from
 *   the end. One that is not negative with the source's values is assumed not negative, which
 *   sign[0] (the start) or sign[1] (the stop) asks check_unclipped to check; another (negative
 *   then, or a loop's variable) is an opaque (b0 wrap n); a stop n - 2 .. n of a step > 0 is
 *   neither, since a negative one leaves the slice empty either way (u[1:N-1]);
 * - with n unknown (np.arange(8.0)'s), a clip or wrap that may happen gives no facts: the
 *   slice's lengths are the run-time ones, NumPy's. */
static void sym_slice(lctx *c, const sym *n, value *start, value *stop, int64_t step, const sym **lo,
                      const sym **len, const sym **need, const char **why, const sym **sign)
{
    *lo = *len = NULL;
    need[0] = need[1] = sign[0] = sign[1] = NULL;
    if (step == 0)
        return;
    uint64_t st = step > 0 ? (uint64_t)step : 0 - (uint64_t)step;
    int64_t nc, ks = 0, ke = 0, k, kb = 0;
    if (sym_is_const(n, &nc) && nc >= 0 && const_bound(start, &ks) && const_bound(stop, &ke)) {
        /* PySlice_AdjustIndices */
        int64_t lower = step > 0 ? 0 : -1, upper = step > 0 ? nc : nc - 1;
        int64_t s = !start ? (step > 0 ? lower : upper) : ks;
        int64_t e = !stop ? (step > 0 ? upper : lower) : ke;
        if (start) {
            if (s < 0)
                s = s + nc < lower ? lower : s + nc;
            else if (s > upper)
                s = upper;
        }
        if (stop) {
            if (e < 0)
                e = e + nc < lower ? lower : e + nc;
            else if (e > upper)
                e = upper;
        }
        int64_t l = step > 0 ? (s < e ? ceil_div_pos(e - s, st) : 0)
                             : (e < s ? ceil_div_pos(s - e, st) : 0);
        *lo = sym_const(s);
        *len = sym_const(l);
        return;
    }
    value *b[2] = {start, stop};
    const sym *v[2] = {NULL, NULL};
    for (int i = 0; i < 2; i++) {
        if (!b[i])
            continue;
        v[i] = b[i]->s;
        if (sym_is_const(v[i], &k)) {
            if (k < 0)
                v[i] = sym_add(n, v[i]);
        } else if (i == 1 && step > 0 && sym_is_const(sym_sub(v[i], n), &k) && k >= -2 && k <= 0)
            ; /* u[1:N-1] of an axis of N: a negative stop leaves the slice empty either way */
        else if (sym_eval(v[i], param_default, c, &k) && k >= 0) {
            sign[i] = v[i]; /* not negative with the source's values: assumed, checked */
        } else
            v[i] = sym_opaque("wrap", v[i], n);
        if (!v[i]) {
            sign[0] = sign[1] = NULL;
            return;
        }
    }
    const sym *lower = sym_const(step > 0 ? 0 : -1);
    const sym *upper = step > 0 ? n : sym_sub(n, sym_const(1));
    const sym *s = !start ? (step > 0 ? lower : upper) : v[0];
    const sym *e = !stop ? (step > 0 ? upper : lower) : v[1];
    if (!s || !e) {
        sign[0] = sign[1] = NULL;
        return;
    }
    /* Python clips to [lower, upper]; only a start below lower or a stop above upper (step > 0;
     * the other way round for step < 0) changes the length of a non-empty slice: that clip is
     * certain, proven not to happen, or an opaque max/min (unknown n: no facts). */
    const sym *x[2] = {s, e};
    const sym *d0 = step > 0 ? sym_sub(e, s) : sym_sub(s, e);
    for (int i = 0; i < 2; i++) {
        int at_lower = (i == 0) == (step > 0);
        const sym *edge = at_lower ? lower : upper;
        const sym *dist = at_lower ? sym_sub(x[i], lower) : sym_sub(upper, x[i]);
        if ((sym_is_const(x[i], &k) && at_lower && k >= (step > 0 ? 0 : -1)) || (sign[i] && at_lower))
            continue;
        if (sym_is_const(dist, &k) && k >= 0)
            continue;
        if (sym_is_const(dist, &k) && k < 0)
            x[i] = edge;
        else if (n && b[i] && (sym_is_const(b[i]->s, &kb) || sign[i]) && !(sym_eval(dist, param_default, c, &k) && k < 0)) {
            need[i] = d0 ? d0 : sym_const(0); /* the length assumed (0: not known; non-NULL) */
            /* the least extent: a negative bound's -kb, else kb (+1 for a start) */
            int64_t least = kb < 0 ? -kb - (step < 0) : kb + (step < 0);
            const char *ext = n ? sym_str(n) : "an extent";
            why[i] = sign[i] ? arena_printf(&util_arena, "%s %s %s", ext, step > 0 ? ">=" : ">", sym_str(x[i]))
                             : arena_printf(&util_arena, "%s >= %lld", ext, (long long)least);
        } else
            x[i] = sym_opaque(at_lower ? "max" : "min", x[i], edge);
        if (!x[i]) {
            sign[0] = sign[1] = need[0] = need[1] = NULL;
            return;
        }
    }
    s = x[0];
    e = x[1];
    const sym *d = step > 0 ? sym_sub(e, s) : sym_sub(s, e);
    if (!d) {
        sign[0] = sign[1] = need[0] = need[1] = NULL;
        return;
    }
    *lo = s;
    if (st == 1) {
        *len = d;
        if (sym_is_const(d, &k) && k < 0)
            *len = sym_const(0);
    } else if (sym_is_const(d, &k)) {
        *len = sym_const(k > 0 ? ceil_div_pos(k, st) : 0);
    } else {
        *len = sym_opaque(arena_printf(&util_arena, "ceil/%llu", (unsigned long long)st), d,
                          sym_const((int64_t)st));
    }
}

/* A slice bound as the source writes it ("N // 2 - r"), else the compiler's form of it. */
static const char *bound_text(ast *b, const sym *s)
{
    const char *t = b ? diag_text(b->l) : "";
    return *t ? t : sym_str(s);
}

/* The run-time check of what sym_slice assumed of the slice start:stop:step (step a constant)
 * of extent n on axis ax (need: the length assumed, why: see sym_slice, sign: a run-time bound
 * assumed not negative): one S_CHECK CK_SLICE, a call of the runtime's tyl_slice_fits, which
 * stops the program where the slice is taken, naming it and the extent, when NumPy would clip
 * it (u[1:2] of N = 1) and it is not empty either way, or a run-time bound is negative. The
 * extents and bounds are the same on every rank, so every rank stops. Its key names the
 * assumption by the compiler's symbolic values (extent, bounds, step, what is assumed), so
 * lw_dedup_slice_checks keeps one check of each where one dominates the others (U's and V's
 * slices of an (N, N) extent, both axes of a square slice). */
static void check_unclipped(lctx *c, ast *sub, ast *it, int ax, ir_expr *n, const sym *sn, value *start,
                            value *stop, ir_expr *es, ir_expr *ee, int64_t step, const sym **need,
                            const char **why, const sym **sign)
{
    if (!need[0] && !need[1] && !sign[0] && !sign[1])
        return;
    loc l = sub->l;
    int64_t k, ks, ke;
    ast *bs = it->kind == A_SLICE ? it->a : NULL, *be = it->kind == A_SLICE ? it->b : NULL;
    int flags = (start ? 1 : 0) | (stop ? 2 : 0); /* TYL_HAS_START, TYL_HAS_STOP */
    if (start && sym_is_const(start->s, &k) && k < 0)
        flags |= 128; /* TYL_SF_START_END */
    if (stop && sym_is_const(stop->s, &k) && k < 0)
        flags |= 256; /* TYL_SF_STOP_END */
    flags |= (sign[0] ? 4 : 0) | (sign[1] ? 8 : 0) | (need[0] ? 16 : 0) | (need[1] ? 32 : 0);
    const sym *d = need[0] ? need[0] : need[1];
    if (d && ((sym_is_const(d, &k) && k > 0) ||
              (ir_expr_const_int(es, &ks) && ir_expr_const_int(ee, &ke) && start && stop &&
               (flags & 384) == 0 && (step > 0 ? ke > ks : ks > ke))))
        flags |= 64; /* TYL_SF_NONEMPTY */
    const char *ts = start ? bound_text(bs, start->s) : "", *te = stop ? bound_text(be, stop->s) : "";
    const char *ext = sn ? sym_str(sn) : "an extent";
    const char *w[2];
    for (int i = 0; i < 2; i++) /* a run-time bound: as written; a constant's least extent as before */
        w[i] = !need[i] ? NULL : sign[i] ? arena_printf(&util_arena, "%s %s %s", ext, step > 0 ? ">=" : ">", i ? te : ts)
                                         : why[i];
    const char *cond = w[0] && w[1] ? arena_printf(&util_arena, "%s and %s", w[0], w[1]) : w[0] ? w[0] : w[1] ? w[1] : "";
    ir_stmt *ck = ir_stmt_new(S_CHECK, l);
    ck->check = CK_SLICE;
    ck->na = 4;
    ck->args = NEWN(ir_expr *, 4);
    ck->args[0] = n;
    ck->args[1] = es;
    ck->args[2] = ee;
    ck->args[3] = lw_I64(l, step);
    ck->init = flags;
    ck->n = ax;
    ck->str = diag_text(l);
    ck->strs = NEWN(const char *, 4);
    ck->strs[0] = ts;
    ck->strs[1] = te;
    ck->strs[2] = cond;
    /* the same values: every sym known (a bound's too: its sym, not its text) */
    if (sn && (!start || start->s) && (!stop || stop->s))
        ck->strs[3] = arena_printf(&util_arena, "%s|%s|%s|%lld|%d", sym_str(sn), start ? sym_str(start->s) : "",
                                   stop ? sym_str(stop->s) : "", (long long)step, flags);
    lw_emit(c, ck);
}

/* Drops a CK_SLICE check whose assumption (strs[3]) a check before it in the same block or in
 * an enclosing one already checked: that one ran whenever this one runs (a check in a branch or
 * a loop body covers only what follows it there). A restart from a checkpoint enters a time
 * loop of the top level without running what comes before it, so nothing before such a loop
 * covers what follows it. */
static void dedup_block(vec *b, vec *seen, int top)
{
    int keep = 0;
    for (int i = 0; i < b->len; i++) {
        ir_stmt *s = VEC_AT(*b, i, ir_stmt *);
        if (s->kind == S_CHECK && s->check == CK_SLICE && s->strs[3]) {
            int dup = 0;
            for (int j = 0; j < seen->len && !dup; j++)
                dup = strcmp(VEC_AT(*seen, j, const char *), s->strs[3]) == 0;
            if (dup)
                continue;
            vec_push(seen, (void *)s->strs[3]);
        }
        if (s->body.len || s->orelse.len) {
            int mark = seen->len;
            dedup_block(&s->body, seen, 0);
            seen->len = mark;
            dedup_block(&s->orelse, seen, 0);
            seen->len = mark;
        }
        if (top && (s->kind == S_FOR || s->kind == S_WHILE))
            seen->len = 0;
        b->items[keep++] = s;
    }
    b->len = keep;
}
void lw_dedup_slice_checks(ir_program *p)
{
    vec seen = {0};
    dedup_block(&p->body, &seen, 1);
}

/* The position of the one literal list of a subscript (`a[[0, 2, 5], :]`), or -1. */
int lw_list_item(ast *sub)
{
    int k = -1;
    for (int i = 0; i < sub->args.len; i++)
        if (VEC_AT(sub->args, i, ast *)->kind == A_LIST) {
            if (k >= 0)
                return -2; /* several lists: NumPy's broadcasting of index arrays, not supported */
            k = i;
        }
    return k;
}
int lw_sym_is_one_ext(const sym *s)
{
    int64_t k;
    return sym_is_const(s, &k) && k == 1;
}

/* The subscript with its item k replaced. */
ast *lw_subscript_with(ast *sub, int k, ast *item)
{
    ast *r = NEW(ast);
    *r = *sub;
    r->args = (vec){0};
    for (int i = 0; i < sub->args.len; i++)
        vec_push(&r->args, i == k ? item : VEC_AT(sub->args, i, ast *));
    return r;
}

/* base[..., [i0, i1, ...], ...] read: a new array whose dimension at the list's place holds
 * base[..., i0, ...], base[..., i1, ...], ... (NumPy's indexing by a list of integers). */
static value *list_index(lctx *c, value *base, ast *sub, int k, int pos)
{
    ast *lst = VEC_AT(sub->args, k, ast *);
    int n = lst->args.len;
    value **parts = NEWN(value *, n);
    for (int j = 0; j < n; j++) {
        parts[j] = lw_index_array(c, base, lw_subscript_with(sub, k, VEC_AT(lst->args, j, ast *)), 0);
        if (parts[j]->kind == V_ERR)
            return &lw_ERRV;
    }
    value *p0 = parts[0];
    int rank = p0->kind == V_ARRAY ? p0->rank + 1 : 1;
    if (rank > IR_MAX_RANK) {
        diag_error(sub->l, "the result would have %d dimensions; at most %d are supported", rank, IR_MAX_RANK);
        return &lw_ERRV;
    }
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    for (int d = 0, q = 0; d < rank; d++) {
        if (d == pos) {
            len[d] = lw_I64(lst->l, n);
            sh[d] = sym_const(n);
            continue;
        }
        len[d] = p0->len[q];
        sh[d] = p0->sh[q++];
    }
    value *r = lw_new_array(c, sub->l, base->type, rank, len, sh, 0, NULL);
    for (int j = 0; j < n; j++) {
        if (rank == 1) {
            ir_stmt *se = ir_stmt_new(S_SETELEM, sub->l);
            se->var = lw_whole_slot(r);
            se->n = 1;
            se->args = NEWN(ir_expr *, 1);
            se->args[0] = lw_I64(sub->l, j);
            se->e = ir_cast(sub->l, base->type, parts[j]->e);
            lw_emit(c, se);
        } else
            lw_emit_sweep(c, sub->l, lw_fix_axis(c, sub->l, r, pos, lw_I64(sub->l, j)), parts[j], 0);
    }
    return r;
}

/* A slice bound: NULL when omitted; `x or None` gives x and sets *present to x != 0. */
static value *slice_bound(lctx *c, ast *b, ir_expr **present)
{
    if (!b)
        return NULL;
    if (present && b->kind == A_BOOLOP && b->op == OP_OR && b->b->kind == A_NONE) {
        value *x = lw_expr(c, b->a);
        if (x->kind == V_ERR || !lw_int_operand(x, "slice bound"))
            return &lw_ERRV;
        *present = ir_bin(b->l, OP_CNE, T_BOOL, ir_cast(b->l, T_I64, x->e), lw_I64(b->l, 0), 0);
        return x;
    }
    return lw_expr(c, b);
}

/* base[m] with a bool array m: NumPy requires m to have base's shape. */
static value *mask_select(lctx *c, value *base, value *m, ast *item)
{
    if (m->rank != base->rank) {
        diag_error(item->l, "a boolean mask of %d dimension%s indexing an array of %d is not supported "
                            "(the mask must have the array's shape)",
                   m->rank, m->rank == 1 ? "" : "s", base->rank);
        return &lw_ERRV;
    }
    for (int d = 0; d < m->rank; d++)
        if (lw_sym_cmp(m->sh[d], base->sh[d]) == 0) {
            diag_error(item->l, "boolean index did not match indexed array along axis %d; size of axis "
                                "is %s but size of corresponding boolean axis is %s",
                       d, sym_str(base->sh[d]), sym_str(m->sh[d]));
            return &lw_ERRV;
        }
    /* extents known only at run time: equal */
    lw_emit(c, lw_check_stmt(item->l, CK_MASK, m->rank, m->len, base->rank, base->len));
    value *r = lw_vnew(V_MASKED, item->l);
    r->self = base;
    r->mask = m;
    r->type = base->type;
    r->str = diag_text(item->l);
    return r;
}

/* What one item of a subscript is. */
enum { IX_SLICE, IX_INDEX, IX_NEWAXIS, IX_ELLIPSIS };

/* base[sub]: NumPy's basic indexing. `...` stands for as many full slices as the array has
 * dimensions left over; None (np.newaxis) inserts a dimension of extent 1. A result with new
 * axes is computed into a temporary (as large as the view itself), since a view's dimensions
 * are the array's own; target is set for an assignment target, which cannot have new axes. */
/* sub with each item that is a name bound to a list of int constants (opp = [0, 3, 4, 1, 2]
 * of a lattice Boltzmann code) written out as that list, so that f[opp], g[:, opp] and
 * f[opp] = ... index as the list written there does (lw_list_item). */
ast *lw_const_list_names(lctx *c, ast *sub)
{
    ast *r = sub;
    for (int k = 0; k < sub->args.len; k++) {
        ast *it = VEC_AT(sub->args, k, ast *);
        int unbound;
        binding *b = it->kind == A_NAME ? lw_lookup(c, it->name, &unbound) : NULL;
        value *t = b && b->kind == B_VALUE ? b->val : NULL;
        if (!t || t->kind != V_TUPLE || !t->is_list || t->cplx || !t->n)
            continue;
        vec items = {0};
        int ok = 1;
        for (int j = 0; j < t->n && ok; j++) {
            int64_t x;
            value *x_v = t->items[j];
            ok = x_v->kind == V_SCALAR && ir_type_is_int(x_v->type) && x_v->type != T_BOOL &&
                 ir_expr_const_int(x_v->e, &x);
            if (ok)
                vec_push(&items, ast_int(it->l, x));
        }
        if (ok)
            r = lw_subscript_with(r, k, ast_list(it->l, items));
    }
    return r;
}

value *lw_index_array(lctx *c, value *base, ast *sub, int target)
{
    sub = lw_const_list_names(c, sub);
    if (base->e->kind != E_READ || lw_view_has_wrap(base->e->view))
        base = lw_materialize(c, base);
    value *ph = lw_phantom_index(c, base, sub, target); /* a reshaped view's axes of extent 1 */
    if (ph)
        return ph;
    ir_view *v = ir_view_clone(base->e->view);
    int nitems = sub->args.len;
    int *kind = NEWN(int, nitems);
    value **ival = NEWN(value *, nitems);
    int nreal = 0, nnew = 0, nell = 0, failed = 0, unbound;
    int *marks = NEWN(int, nitems + 1);
    for (int k = 0; k < nitems; k++) {
        marks[k] = -1;
        ast *it = VEC_AT(sub->args, k, ast *);
        if (it->kind == A_SLICE) {
            kind[k] = IX_SLICE;
            nreal++;
        } else if (it->kind == A_NAME && strcmp(it->name, "Ellipsis") == 0 && !lw_lookup(c, it->name, &unbound)) {
            kind[k] = IX_ELLIPSIS;
            if (nell++) {
                diag_error(it->l, "an index can only have a single ellipsis ('...')");
                failed = 1;
            }
        } else {
            ival[k] = lw_expr(c, it);
            marks[k] = c->out->len;
            kind[k] = ival[k]->kind == V_NONE ? IX_NEWAXIS : ival[k]->kind == V_SLICE ? IX_SLICE : IX_INDEX;
            if (ival[k]->kind == V_ERR)
                failed = 1;
            if (kind[k] == IX_NEWAXIS) {
                nnew++;
                if (target) {
                    diag_error(it->l, "np.newaxis (None) in an assignment target is not supported");
                    failed = 1;
                }
            } else
                nreal++;
        }
    }
    if (failed)
        return &lw_ERRV;
    for (int k = nitems - 2; k >= 0; k--) /* a[i, f()]: i as before the call (lower_order.c) */
        if (marks[k] >= 0)
            ival[k] = lw_pin_at(c, ival[k], marks[k]);
    if (nitems == 1 && kind[0] == IX_INDEX && lw_index_selection_mask(ival[0], base))
        ival[0] = ival[0]->mask; /* x[np.nonzero(m)[0]] of a 1-D m as long as x: x[m] */
    /* N_[Xi[I], Yi[I]], z[np.nonzero(m)[0]] of another extent: the selections as index arrays */
    if (!lw_compact_indexes(c, sub, ival, nitems))
        return &lw_ERRV;
    if (nitems == 1 && kind[0] == IX_INDEX && ival[0]->kind == V_ARRAY && ival[0]->type == T_BOOL &&
        ival[0]->rank < base->rank) { /* x[m] with m of the leading dimensions: x[m, :] */
        ast *full = ast_new(A_SUBSCRIPT, sub->l);
        *full = *sub;
        full->args = ast_vec1(sub->args.items[0]);
        for (int d = ival[0]->rank; d < base->rank; d++)
            vec_push(&full->args, ast_slice(sub->l, NULL, NULL, NULL));
        sub = full;
        nitems = full->args.len;
        kind = NEWN(int, nitems);
        value **iv = NEWN(value *, nitems);
        iv[0] = ival[0];
        kind[0] = IX_INDEX;
        ival = iv;
        for (int k = 1; k < nitems; k++)
            kind[k] = IX_SLICE;
    }
    if (nitems == 1 && kind[0] == IX_INDEX && ival[0]->kind == V_ARRAY && ival[0]->type == T_BOOL)
        return mask_select(c, base, ival[0], VEC_AT(sub->args, 0, ast *));
    if (nitems > 1 && kind[0] == IX_INDEX && ival[0]->kind == V_ARRAY && ival[0]->type == T_BOOL &&
        ival[0]->rank + nitems - 1 <= base->rank) {
        /* F[mask, :]: a mask of the leading dimensions, whole trailing ones: the mask repeated
         * along them selects the same elements (the selection's rows are the mask's) */
        int whole = 1;
        for (int k = 1; k < nitems; k++) {
            ast *it = VEC_AT(sub->args, k, ast *);
            whole &= it->kind == A_SLICE && !it->a && !it->b && !it->c;
        }
        if (whole) {
            value *m = lw_mask_repeat(c, sub->l, ival[0], base);
            if (m->kind == V_ERR)
                return m;
            value *r = mask_select(c, base, m, VEC_AT(sub->args, 0, ast *));
            if (r->kind == V_MASKED) {
                r->n = ival[0]->rank;
                r->rows = ival[0];
            }
            return r;
        }
    }
    if (nitems > 1 && kind[nitems - 1] == IX_INDEX && ival[nitems - 1]->kind == V_ARRAY &&
        ival[nitems - 1]->type == T_BOOL && ival[nitems - 1]->rank == base->rank - (nitems - 1)) {
        /* f[:, mask] (a lattice Boltzmann code's f[:, obstacle]): whole leading dimensions, then
         * a mask of the others: the mask repeated along the leading ones selects the same
         * elements in the same order (value.lead says what else differs) */
        int whole = 1;
        for (int k = 0; k < nitems - 1; k++) {
            ast *it = VEC_AT(sub->args, k, ast *);
            whole &= it->kind == A_SLICE && !it->a && !it->b && !it->c;
        }
        if (whole) {
            value *m = lw_mask_repeat_lead(c, sub->l, ival[nitems - 1], base, nitems - 1);
            if (m->kind == V_ERR)
                return m;
            value *r = mask_select(c, base, m, VEC_AT(sub->args, nitems - 1, ast *));
            if (r->kind == V_MASKED)
                r->lead = nitems - 1;
            return r;
        }
    }
    if (nitems > 1 && kind[nitems - 1] == IX_INDEX && ival[nitems - 1]->kind == V_ARRAY &&
        ival[nitems - 1]->type == T_BOOL) {
        /* f[i, mask]: integers then a mask of the remaining dimensions select as f[i][mask] */
        int ints = 1;
        for (int k = 0; k < nitems - 1; k++)
            ints &= kind[k] == IX_INDEX && ival[k]->kind == V_SCALAR;
        if (ints) {
            ast *front = ast_new(A_SUBSCRIPT, sub->l);
            *front = *sub;
            front->args = (vec){0};
            for (int k = 0; k < nitems - 1; k++)
                vec_push(&front->args, sub->args.items[k]);
            value *v = lw_index_array(c, base, front, target);
            if (v->kind != V_ARRAY)
                return v->kind == V_ERR ? v : mask_select(c, base, ival[nitems - 1], VEC_AT(sub->args, nitems - 1, ast *));
            return mask_select(c, v, ival[nitems - 1], VEC_AT(sub->args, nitems - 1, ast *));
        }
    }
    for (int k = 0; k < nitems; k++)
        if (kind[k] == IX_INDEX && ival[k]->kind == V_ARRAY && ival[k]->type != T_BOOL)
            return lw_gather(c, base, sub, target, ival);
    int li = lw_list_item(sub);
    if (li == -2) {
        diag_error(sub->l, "indexing by several lists at once is not supported (one list of integers is)");
        return &lw_ERRV;
    }
    if (li >= 0) {
        ast *lst = VEC_AT(sub->args, li, ast *);
        if (target) {
            diag_error(lst->l, "internal: a list index in a target reaches index_array");
            return &lw_ERRV;
        }
        if (lst->args.len == 0) {
            diag_error(lst->l, "indexing by an empty list is not supported");
            return &lw_ERRV;
        }
        for (int j = 0; j < lst->args.len; j++) {
            value *e = ival[li]->items[j];
            if (e->kind != V_SCALAR || e->type == T_BOOL || !lw_is_int_scalar(e)) {
                diag_error(e->l, "only lists of integers are supported as indices (this element is %s)",
                           lw_vkind_desc(e));
                return &lw_ERRV;
            }
        }
        int pos = 0;
        for (int i = 0; i < li; i++)
            pos += kind[i] == IX_SLICE || kind[i] == IX_NEWAXIS ? 1
                 : kind[i] == IX_ELLIPSIS ? v->vrank - nreal : 0;
        return list_index(c, base, sub, li, pos);
    }
    if (nreal > v->vrank) {
        diag_error(sub->l, "too many indices for array: array is %d-dimensional, but %d were indexed",
                   v->vrank, nreal);
        return &lw_ERRV;
    }
    int nint = 0; /* integer indices drop their dimension; slices keep theirs */
    for (int i = 0; i < nitems; i++)
        nint += kind[i] == IX_INDEX;
    if (v->vrank - nint + nnew > IR_MAX_RANK) {
        diag_error(sub->l, "the result would have %d dimensions; at most %d are supported",
                   v->vrank - nint + nnew, IR_MAX_RANK);
        return &lw_ERRV;
    }
    /* Range dimensions of the base view, in order. */
    int own[IR_MAX_RANK], nown = 0;
    for (int d = 0; d < v->rank; d++)
        if (v->dim[d].kind == D_RANGE)
            own[nown++] = d;
    /* in the order of the value's dimensions (their boxes), which a transpose permutes */
    for (int i = 1; i < nown; i++)
        for (int j = i; j > 0 && v->dim[own[j - 1]].box > v->dim[own[j]].box; j--) {
            int t = own[j];
            own[j] = own[j - 1];
            own[j - 1] = t;
        }
    /* The result's dimensions in order: an own dimension of the view (>= 0) or a new axis (-1). */
    int out[2 * IR_MAX_RANK], nout = 0;
    int k = 0;
    for (int i = 0; i < nitems; i++) {
        ast *it = VEC_AT(sub->args, i, ast *);
        if (kind[i] == IX_NEWAXIS) {
            out[nout++] = -1;
            continue;
        }
        if (kind[i] == IX_ELLIPSIS) {
            for (int e = 0; e < v->vrank - nreal; e++)
                out[nout++] = own[k++];
            continue;
        }
        ir_dim *m = &v->dim[own[k]];
        ir_expr *n = m->len;
        int axis = own[k];
        if (kind[i] == IX_SLICE)
            out[nout++] = own[k];
        k++;
        if (kind[i] == IX_SLICE) {
            /* bounds from the syntax a:b:c or from a slice() object; `x or None` is a bound
             * that is omitted when x is 0 (`a[k:-k or None]`), known only at run time */
            ir_expr *pst = NULL, *psp = NULL;
            value *st, *sp, *stp;
            if (it->kind == A_SLICE) {
                st = slice_bound(c, it->a, &pst);
                sp = slice_bound(c, it->b, &psp);
                stp = slice_bound(c, it->c, NULL);
            } else {
                st = ival[i]->items[0];
                sp = ival[i]->items[1];
                stp = ival[i]->items[2];
            }
            if ((st && st->kind == V_ERR) || (sp && sp->kind == V_ERR) || (stp && stp->kind == V_ERR)) {
                failed = 1;
                continue;
            }
            if (st && st->kind == V_NONE) st = NULL;
            if (sp && sp->kind == V_NONE) sp = NULL;
            if (stp && stp->kind == V_NONE) stp = NULL;
            ir_expr *es = st ? lw_int_operand(st, "slice start") : lw_I64(it->l, 0);
            ir_expr *ee = sp ? lw_int_operand(sp, "slice stop") : lw_I64(it->l, 0);
            ir_expr *ek = stp ? lw_int_operand(stp, "slice step") : lw_I64(it->l, 1);
            if (!es || !ee || !ek) {
                failed = 1;
                continue;
            }
            int64_t kstep = 0;
            int kconst = ir_expr_const_int(ek, &kstep);
            if (kconst && kstep == 0) {
                diag_error(stp->l, "slice step cannot be zero");
                failed = 1;
                continue;
            }
            int flags = (st ? 1 : 0) | (sp ? 2 : 0);
            ir_expr *eflags = lw_I64(it->l, flags);
            if (pst || psp) {
                ir_expr *fs = pst ? ir_select(it->l, T_I64, pst, lw_I64(it->l, 1), lw_I64(it->l, 0)) : lw_I64(it->l, flags & 1);
                ir_expr *fe = psp ? ir_select(it->l, T_I64, psp, lw_I64(it->l, 2), lw_I64(it->l, 0)) : lw_I64(it->l, flags & 2);
                eflags = ir_bin(it->l, OP_BOR, T_I64, fs, fe, 0);
                flags = -1; /* known at run time only */
            }
            /* Common cases fold to plain arithmetic when the bounds are constants that cannot
             * clip: a[:] and a[k:] / a[:-k] are resolved by the run-time helper otherwise. */
            ir_expr **args = NEWN(ir_expr *, 5);
            args[0] = n;
            args[1] = es;
            args[2] = ee;
            args[3] = ek;
            args[4] = eflags;
            ir_expr *lo, *len;
            if (flags == 0 && kconst && kstep == 1) {
                lo = lw_I64(it->l, 0);
                len = n;
            } else {
                lo = ir_call(it->l, FN_SLICE_LO, T_I64, 5, args);
                len = ir_call(it->l, FN_SLICE_LEN, T_I64, 5, args);
            }
            const sym *slo = NULL, *slen = NULL, *need[2] = {NULL, NULL};
            const char *why[2] = {NULL, NULL};
            const sym *sign[2] = {NULL, NULL};
            if (kconst && flags >= 0) {
                sym_slice(c, m->slen, st, sp, kstep, &slo, &slen, need, why, sign);
                check_unclipped(c, sub, it, k - 1, n, m->slen, st, sp, es, ee, kstep, need, why, sign);
            }
            ir_dim nd = *m;
            nd.lo = lw_iadd(it->l, m->lo, lw_imul(it->l, m->step, lo));
            nd.step = lw_imul(it->l, m->step, ek);
            /* 0: not known at compile time (also when the product leaves int64) */
            if (!m->step_c || !kconst || __builtin_mul_overflow(m->step_c, kstep, &nd.step_c))
                nd.step_c = 0;
            nd.len = len;
            nd.slo = (m->slo && slo && m->step_c) ? sym_add(m->slo, sym_mul(sym_const(m->step_c), slo)) : NULL;
            nd.slen = slen;
            *m = nd;
        } else {
            value *iv = ival[i];
            if (iv->kind == V_TUPLE || iv->kind == V_ARRAY || iv->kind == V_STR) {
                diag_error(it->l, "this index is not supported: indices are integers, slices, '...', "
                                  "np.newaxis, integer arrays, and a boolean mask alone, after "
                                  "integers or after whole dimensions (a[:, m])");
                failed = 1;
                continue;
            }
            ir_expr *ie = lw_int_operand(iv, "an index");
            if (!ie) {
                failed = 1;
                continue;
            }
            int64_t kc, nc;
            const sym *norm = NULL;
            if (iv->s && m->slen) {
                int64_t ktmp;
                norm = (sym_is_const(iv->s, &ktmp) && ktmp < 0) ? sym_add(m->slen, iv->s) : iv->s;
                const sym *diff = sym_sub(norm, m->slen);
                int64_t dd;
                int oob = (diff && sym_is_const(diff, &dd) && dd >= 0) ||
                          (sym_is_const(norm, &dd) && dd < 0);
                if (oob) {
                    diag_error(it->l, "index %s is out of bounds for axis %d with size %s",
                               sym_str(iv->s), k - 1, sym_str(m->slen));
                    failed = 1;
                    continue;
                }
            }
            ir_expr *idx;
            if (ir_expr_const_int(ie, &kc) && sym_is_const(m->slen, &nc) && kc >= -nc && kc < nc)
                idx = lw_I64(it->l, kc < 0 ? kc + nc : kc);
            else {
                ir_expr **args = NEWN(ir_expr *, 3);
                args[0] = n;
                args[1] = ie;
                args[2] = lw_I64(it->l, axis);
                idx = ir_call(it->l, FN_INDEX, T_I64, 3, args);
            }
            ir_dim nd = {0};
            nd.kind = D_FIXED;
            nd.aext = m->aext;
            nd.lo = lw_iadd(it->l, m->lo, lw_imul(it->l, m->step, idx));
            nd.slo = (m->slo && norm && m->step_c) ? sym_add(m->slo, sym_mul(sym_const(m->step_c), norm)) : NULL;
            *m = nd;
        }
    }
    if (failed)
        return &lw_ERRV;
    while (k < nown)
        out[nout++] = own[k++];
    /* Renumber the remaining range dimensions as the result's dimensions. */
    value *r = lw_vnew(V_ARRAY, sub->l);
    r->type = base->type;
    v->vrank = 0;
    v->l = sub->l;
    for (int p = 0; p < nout; p++) {
        if (out[p] < 0) {
            r->sh[p] = sym_const(1);
            r->len[p] = lw_I64(sub->l, 1);
            continue;
        }
        ir_dim *m = &v->dim[out[p]];
        m->box = p;
        r->sh[p] = m->slen;
        r->len[p] = m->len;
        v->vrank++;
    }
    r->rank = nout;
    if (nnew && r->rank == nnew) { /* every axis of base indexed by an integer: x[i, None] */
        r->e = ir_read(sub->l, v);
        return lw_materialize(c, r);
    }
    /* new axes are phantoms of the view (lower_reshape.c): b = a[:, None] is a view of a, as
     * in NumPy, not a copy */
    if (r->rank == 0) {
        ir_expr **idx = NEWN(ir_expr *, v->rank);
        for (int d = 0; d < v->rank; d++)
            idx[d] = v->dim[d].lo;
        ir_expr *el = ir_elem(sub->l, v->arr, idx);
        el->view = v; /* its compile-time facts, for pass_elems */
        return lw_scalar(sub->l, el, 0);
    }
    r->e = ir_read(sub->l, v);
    return r;
}

value *lw_list_index_int(lctx *c, ast *ix)
{
    value *iv = lw_expr(c, ix);
    if (iv->kind == V_ERR)
        return iv;
    if (!lw_is_int_scalar(iv)) {
        diag_error(iv->l, "TypeError: list indices must be integers or slices, not %s",
                   iv->kind == V_SCALAR ? "float" : lw_vkind_desc(iv));
        return &lw_ERRV;
    }
    return iv;
}
