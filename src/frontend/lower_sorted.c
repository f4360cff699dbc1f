/* lower_sorted.c: Python's sorted(iterable, key=None, reverse=False) of numbers, as scripts
 * use it on lists of results (a median by hand, the largest few values, a ranking).
 *
 * Python's sort is stable, and reverse=True keeps equal items in their order too; on a total
 * order every stable sort gives the same list. A list or tuple whose items (and keys) are known
 * when compiling is sorted here; otherwise its keys go into an array sorted by the prelude's
 * stable merge sort of indices (argsort1, lower_stats.c), and the items are read back in that
 * order into a list of its length. A list appended at run time (numbers) or a 1-D array gives
 * a run-time list. min() and max() with key= (a function's key per item, Python's loop) live
 * here too.
 *
 * Requires: arguments lowered by lw_args. Establishes: the result is a new list (V_TUPLE with
 * is_list, or a V_LIST of its own); every other form is a located error. */

#include "lower_internal.h"

#include <string.h>

/* fn(x) of a value x: a lambda, a def or a built-in such as abs (inlined as calls are). */
static value *call_with(lctx *c, loc l, value *fn, value *x)
{
    scope *as = NEW(scope);
    as->parent = c->sc;
    binding *bf = NEW(binding), *bx = NEW(binding);
    bf->name = "%f";
    bf->kind = bx->kind = B_VALUE;
    bf->val = fn;
    bx->name = "%0";
    bx->val = x;
    vec_push(&as->binds, bf);
    vec_push(&as->binds, bx);
    ast *call = ast_new(A_CALL, l);
    call->a = ast_name(l, bf->name);
    vec_push(&call->args, ast_name(l, bx->name));
    scope *saved = c->sc;
    c->sc = as;
    value *r = lw_call(c, call);
    c->sc = saved;
    return r;
}

/* a constant number's value as a double, or 0 if the scalar is not a constant */
static int const_num(value *v, double *d)
{
    int64_t k;
    if (v->e->kind == E_CONST && ir_type_is_float(v->type)) {
        *d = v->e->c.f;
        return 1;
    }
    if (!ir_type_is_float(v->type) && ir_expr_const_int(v->e, &k)) {
        *d = (double)k;
        return 1;
    }
    return 0;
}

/* perm: a stable order of keys k[0..n) (descending with rev; equal keys keep their order) */
static void stable_order(int n, const double *k, int rev, int *perm)
{
    for (int i = 0; i < n; i++)
        perm[i] = i;
    for (int i = 1; i < n; i++) { /* insertion sort: stable, and lists here are short */
        int p = perm[i], j = i;
        while (j > 0 && (rev ? k[perm[j - 1]] < k[p] : k[p] < k[perm[j - 1]])) {
            perm[j] = perm[j - 1];
            j--;
        }
        perm[j] = p;
    }
}

/* the item array[perm[i]], copied into a scalar of its own now */
static value *item_at(lctx *c, loc l, value *arr, value *perm, int i, value *proto)
{
    ir_expr **at = NEWN(ir_expr *, 1), **pi = NEWN(ir_expr *, 1);
    pi[0] = lw_I64(l, i);
    at[0] = ir_elem(l, lw_whole_slot(perm), pi);
    ir_var *t = lw_temp_scalar(c, proto->type);
    ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
    s->var = t;
    s->e = ir_cast(l, proto->type, ir_elem(l, lw_whole_slot(arr), at));
    lw_emit(c, s);
    return lw_scalar(l, ir_varref(l, t), proto->weak);
}

static value *array_of(lctx *c, loc l, value **items, int n)
{
    value *t = lw_vnew(V_TUPLE, l);
    t->is_list = 1;
    t->n = n;
    t->items = items;
    args a = {0};
    a.pos = &t;
    a.npos = 1;
    return lw_array_literal(c, l, &a, 1);
}

/* Python's sorted() of keys holding NaN gives the order its timsort's comparisons make (every
 * comparison with NaN false): [2.0, nan, 1.0] stays as it is, [5, 4, nan, 3, ...] is sorted in
 * pieces. A stable merge sort makes other comparisons and so another list; the run stops with a
 * message instead (differential fuzzing, hand-written hostile programs). */
static value *no_nan(lctx *c, loc l, value *keys)
{
    value *args[] = {keys};
    return lw_call_prelude(c, l, "sorted_no_nan", 1, args);
}

static value *sorted_tuple(lctx *c, loc l, value *x, value *key, int rev)
{
    int n = x->n;
    value **keys = NEWN(value *, n + 1), **out = NEWN(value *, n + 1);
    int all_const = 1, same = 1;
    for (int i = 0; i < n; i++) {
        value *it = x->items[i];
        if (it->kind != V_SCALAR || it->items) {
            diag_error(it->l, "sorted() of a list holding %s is not supported (lists of numbers are)",
                       lw_vkind_desc(it));
            return &lw_ERRV;
        }
        keys[i] = key ? call_with(c, l, key, it) : it;
        if (keys[i]->kind == V_ERR)
            return keys[i];
        if (keys[i]->kind != V_SCALAR) {
            diag_error(key->l, "sorted(): the key must give a number for each item, not %s",
                       lw_vkind_desc(keys[i]));
            return &lw_ERRV;
        }
        double d;
        all_const &= const_num(keys[i], &d) && const_num(it, &d);
        same &= it->type == x->items[0]->type && it->weak == x->items[0]->weak;
    }
    value *r = lw_vnew(V_TUPLE, l);
    r->is_list = 1;
    r->owner = c->sc;
    r->n = n;
    r->items = out;
    if (n == 0)
        return r;
    if (all_const) { /* known when compiling: sorted here */
        double *k = NEWN(double, n);
        int *perm = NEWN(int, n);
        for (int i = 0; i < n; i++) {
            const_num(keys[i], &k[i]);
            if (k[i] != k[i]) {
                diag_error(keys[i]->l, "sorted() of numbers holding NaN is not supported: Python's order "
                                       "then depends on the comparisons its sort happens to make (np.sort "
                                       "puts NaN last)");
                return &lw_ERRV;
            }
        }
        stable_order(n, k, rev, perm);
        for (int i = 0; i < n; i++)
            out[i] = x->items[perm[i]];
        return r;
    }
    if (!same) {
        diag_error(x->l, "sorted() of a list mixing ints and floats (or Python and NumPy numbers) "
                         "known only when running is not supported (the items keep their types)");
        return &lw_ERRV;
    }
    value *ka = array_of(c, l, keys, n);
    value *ia = key ? array_of(c, l, x->items, n) : ka;
    if (ka->kind == V_ERR || ia->kind == V_ERR)
        return &lw_ERRV;
    if (ir_type_is_float(ka->type) && (ka = no_nan(c, l, ka))->kind == V_ERR)
        return ka;
    if (!key)
        ia = ka;
    value *args[] = {ka, lw_scalar(l, ir_const_i(l, T_BOOL, rev), 1)};
    value *perm = lw_call_prelude(c, l, "argsort1", 2, args);
    if (perm->kind == V_ERR)
        return perm;
    for (int i = 0; i < n; i++)
        out[i] = item_at(c, l, ia, perm, i, x->items[0]);
    return r;
}

/* a list appended at run time, of numbers, or a 1-D array (its items are NumPy numbers): a
 * run-time list of its own holding them sorted */
static value *sorted_list(lctx *c, loc l, value *x, value *key, int rev)
{
    int arr_in = x->kind == V_ARRAY;
    if (key || (arr_in ? x->rank != 1 || x->type == T_BOOL || x->type == T_F32 : x->rank || x->lrow)) {
        diag_error(key ? key->l : x->l, "sorted() of %s is supported for 1-D arrays and lists built "
                                        "at run time of numbers (float64 or int), without key=",
                   lw_vkind_desc(x));
        return &lw_ERRV;
    }
    value *arr = arr_in ? x : lw_list_as_array(c, l, x);
    if (arr->kind != V_ERR && ir_type_is_float(arr->type) && no_nan(c, l, arr)->kind == V_ERR)
        return &lw_ERRV;
    value *args[] = {arr, lw_scalar(l, ir_const_i(l, T_BOOL, rev), 1)};
    value *s = rev ? lw_call_prelude(c, l, "take_sorted_desc", 2, args) : lw_call_prelude(c, l, "sort1", 1, args);
    if (s->kind == V_ERR)
        return s;
    return lw_list_of_array(c, l, arr_in ? NULL : x, s, arr_in ? 0 : x->weak, "sorted");
}

/* A run-time list holding the items of the new 1-D array s (its own buffer takes s), NumPy
 * numbers (weak 0) or Python ones (weak 1), or the rows of the 2-D s (like a list of tuples of
 * numbers); like: a run-time list whose other fields it keeps, or NULL. */
value *lw_list_of_array(lctx *c, loc l, value *like, value *s, int weak, const char *what)
{
    value *r = lw_vnew(V_LIST, l);
    if (like)
        *r = *like;
    r->kind = V_LIST;
    r->l = l;
    r->type = s->type;
    r->rank = s->rank - 1; /* 0, or 1 for rows of numbers (a slice of a list of tuples) */
    r->weak = weak;
    r->str = what;
    r->owner = c->sc;
    r->lbuf = ir_var_new(c->prog, lw_cname(c, arena_printf(&util_arena, "%s_items", what)), "<temporary>", s->type,
                         s->rank, 1);
    r->lcnt = ir_var_new(c->prog, lw_cname(c, arena_printf(&util_arena, "%s_len", what)), "<temporary>", T_I64, 0, 0);
    r->lcap = ir_var_new(c->prog, lw_cname(c, arena_printf(&util_arena, "%s_cap", what)), "<temporary>", T_I64, 0, 0);
    vec_push(&c->sc->vars, r->lbuf);
    vec_push(&c->sc->vars, r->lcnt);
    vec_push(&c->sc->vars, r->lcap);
    for (int k = 0; k < 2; k++) {
        ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
        as->var = k ? r->lcap : r->lcnt;
        as->e = s->len[0];
        lw_emit(c, as);
    }
    lw_emit(c, lw_bind1(l, r->lbuf, lw_whole_slot(s)));
    return r;
}

/* sorted() of strings known when compiling (a dict's keys, a list of names): a list of them in
 * Python's order (code points: the bytes of UTF-8 compare alike; equal strings are the same);
 * NULL when x holds anything else. */
static value *sorted_strings(lctx *c, loc l, value *x, int rev)
{
    for (int i = 0; i < x->n; i++)
        if (x->items[i]->kind != V_STR)
            return NULL;
    value *r = lw_vnew(V_TUPLE, l);
    r->is_list = 1;
    r->owner = c->sc;
    r->n = x->n;
    r->items = NEWN(value *, x->n + 1);
    for (int i = 0; i < x->n; i++) { /* insertion: stable, as Python's sort */
        value *s = x->items[i];
        int j = i;
        while (j > 0 && (rev ? -1 : 1) * strcmp(r->items[j - 1]->str, s->str) > 0) {
            r->items[j] = r->items[j - 1];
            j--;
        }
        r->items[j] = s;
    }
    return r;
}

value *lw_bi_sorted(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f, (void)a;
    value *x = v[0], *key = v[1] && v[1]->kind != V_NONE ? v[1] : NULL;
    int ok = 1, rev = v[2] ? lw_const_flag(v[2], 0, "reverse", &ok) : 0;
    if (!ok || x->kind == V_ERR || (key && key->kind == V_ERR))
        return &lw_ERRV;
    if (key && key->kind != V_FUNC && key->kind != V_LAMBDA && key->kind != V_BUILTIN) {
        diag_error(key->l, "sorted(): key must be a function (a lambda, a def or abs), not %s",
                   lw_vkind_desc(key));
        return &lw_ERRV;
    }
    if (lw_is_dict(x)) { /* sorted(d): its keys */
        value *k = lw_vnew(V_TUPLE, x->l);
        k->n = x->n;
        k->items = x->keys;
        x = k;
    }
    value *strs = x->kind == V_TUPLE && !key ? sorted_strings(c, l, x, rev) : NULL;
    if (strs)
        return strs;
    if (x->kind == V_TUPLE)
        return sorted_tuple(c, l, x, key, rev);
    if (lw_list_ints_refused(l, x, "sorted()"))
        return &lw_ERRV;
    if (x->kind == V_LIST || x->kind == V_ARRAY)
        return sorted_list(c, l, x, key, rev);
    diag_error(x->l, "sorted() of %s is not supported (a list or tuple of numbers is; np.sort for "
                     "an array)", lw_vkind_desc(x));
    return &lw_ERRV;
}

/* ---- min(it, key=f) / max(it, key=f) of items known when compiling ---------------------------
 * (a dict's keys: min(errors, key=errors.get), min(names, key=lambda n: err[n]), several
 * arguments): Python's loop, the first item kept and each later one taken when its key compares
 * less (min) or greater (max) than the kept key, so the first of equal keys wins and a NaN key
 * is kept only where it is first. Keys are numbers; the items are numbers of one type (selected
 * at run time) or strings (a run-time string). key=d.get is d[x]. */
static value *pin(lctx *c, value *v)
{
    ir_var *t = lw_temp_scalar(c, v->type);
    ir_stmt *s = ir_stmt_new(S_ASSIGN, v->l);
    s->var = t;
    s->e = v->e;
    lw_emit(c, s);
    value *r = lw_scalar(v->l, ir_varref(v->l, t), v->weak);
    r->type = v->type;
    return r;
}

static value *key_of(lctx *c, loc l, ast *key, value *x)
{
    if (key->kind == A_ATTR && strcmp(key->name, "get") == 0) { /* d.get: d[x] */
        scope *as = NEW(scope);
        as->parent = c->sc;
        binding *bx = NEW(binding);
        bx->name = "%0";
        bx->kind = B_VALUE;
        bx->val = x;
        vec_push(&as->binds, bx);
        scope *saved = c->sc;
        c->sc = as;
        value *r = lw_expr(c, ast_subscript(l, key->a, ast_vec1(ast_name(l, "%0")), 0));
        c->sc = saved;
        return r;
    }
    value *fn = lw_expr(c, key);
    return fn->kind == V_ERR ? fn : call_with(c, l, fn, x);
}

/* key(x) as source: d.get is d[x] */
static ast *key_call(loc l, ast *key, ast *x)
{
    if (key->kind == A_ATTR && strcmp(key->name, "get") == 0)
        return ast_subscript(l, key->a, ast_vec1(x), 0);
    return ast_call(l, key, ast_arglist(NULL, x));
}

/* min/max(it, key=f) over range(stop), range(start, stop), a 1-D array or a run-time list,
 * known only when running: Python's loop written out over hidden names (the first item kept,
 * each later one taken where its key compares less / greater),
 *     if mk.hi <= mk.lo: raise ValueError(...)
 *     mk.best = mk.lo; mk.bk = f(mk.best)
 *     for mk.x in range(mk.lo + 1, mk.hi):
 *         mk.k = f(mk.x)
 *         if mk.k < mk.bk: mk.best = mk.x; mk.bk = mk.k
 * (for a sequence mk.a: its items mk.a[i] over range(1, len(mk.a)); for a run-time list of rows,
 * the best row's index mk.bi, the row read once at the end). NULL when it is none. */
static value *minmax_key_runtime(lctx *c, ast *call, ast *it, ast *key, int mx)
{
    const char *f = mx ? "max" : "min";
    loc l = call->l;
    const char *base = arena_printf(&util_arena, "%s.%d.%d", f, l.line, l.col);
#define H(s) ast_name(l, arena_printf(&util_arena, "%s.%s", base, s))
    ast *exc = ast_raise(l, ast_call(l, ast_name(l, "ValueError"),
                                     ast_arglist(NULL, ast_str(l, arena_printf(&util_arena, "%s() arg is an empty sequence", f)))));
    int unbound, rows = 0;
    ast *lo, *hi, *item = NULL, *first;
    if (it->kind == A_CALL && it->a->kind == A_NAME && strcmp(it->a->name, "range") == 0 && !lw_lookup(c, "range", &unbound) &&
        !it->kwargs.len && (it->args.len == 1 || it->args.len == 2)) {
        lw_stmt(c, ast_assign(l, ast_vec1(H("lo")), it->args.len == 2 ? VEC_AT(it->args, 0, ast *) : ast_int(l, 0)));
        lw_stmt(c, ast_assign(l, ast_vec1(H("hi")), VEC_AT(it->args, it->args.len - 1, ast *)));
        lo = H("lo");
        hi = H("hi");
        first = lo;
    } else {
        lw_probe p;
        lw_probe_begin(c, &p);
        value *v = lw_expr(c, it);
        int seq = (v->kind == V_ARRAY && v->rank == 1) || (v->kind == V_LIST && v->rank == 0 && !v->lrow);
        rows = v->kind == V_LIST && v->lrow; /* rows of numbers: the best one's index is kept */
        lw_probe_end(c, &p);
        if (!seq && !rows)
            return NULL;
        lw_stmt(c, ast_assign(l, ast_vec1(H("a")), it));
        lo = ast_int(l, 0);
        hi = ast_call(l, ast_name(l, "len"), ast_arglist(NULL, H("a")));
        first = ast_subscript(l, H("a"), ast_vec1(ast_int(l, 0)), 0);
        item = ast_subscript(l, H("a"), ast_vec1(H("i")), 0);
    }
    lw_stmt(c, ast_if(l, ast_compare(l, hi, OP_LE, lo), ast_vec1(exc), (vec){0}));
    if (rows) { /* table rows (a tuple of numbers each): the index of the best row, read at the end */
        lw_stmt(c, ast_assign(l, ast_vec1(H("bi")), ast_int(l, 0)));
        lw_stmt(c, ast_assign(l, ast_vec1(H("bk")), key_call(l, key, first)));
        vec body = {0}, take = {0};
        vec_push(&body, ast_assign(l, ast_vec1(H("k")), key_call(l, key, item)));
        vec_push(&take, ast_assign(l, ast_vec1(H("bi")), H("i")));
        vec_push(&take, ast_assign(l, ast_vec1(H("bk")), H("k")));
        vec_push(&body, ast_if(l, ast_compare(l, H("k"), mx ? OP_GT : OP_LT, H("bk")), take, (vec){0}));
        lw_stmt(c, ast_for(l, H("i"), ast_call(l, ast_name(l, "range"), ast_arglist(ast_arglist(NULL, ast_int(l, 1)), hi)),
                           body, (vec){0}));
        return lw_expr(c, ast_subscript(l, H("a"), ast_vec1(H("bi")), 0));
    }
    lw_stmt(c, ast_assign(l, ast_vec1(H("best")), first));
    lw_stmt(c, ast_assign(l, ast_vec1(H("bk")), key_call(l, key, H("best"))));
    vec body = {0};
    if (item)
        vec_push(&body, ast_assign(l, ast_vec1(H("x")), item));
    vec_push(&body, ast_assign(l, ast_vec1(H("k")), key_call(l, key, H("x"))));
    vec take = {0};
    vec_push(&take, ast_assign(l, ast_vec1(H("best")), H("x")));
    vec_push(&take, ast_assign(l, ast_vec1(H("bk")), H("k")));
    vec_push(&body, ast_if(l, ast_compare(l, H("k"), mx ? OP_GT : OP_LT, H("bk")), take, (vec){0}));
    ast *from = ast_binop(l, '+', lo, ast_int(l, 1));
    lw_stmt(c, ast_for(l, item ? H("i") : H("x"),
                       ast_call(l, ast_name(l, "range"), ast_arglist(ast_arglist(NULL, from), hi)), body, (vec){0}));
    return lw_expr(c, H("best"));
#undef H
}

/* min/max(it, default=d[, key=f]): d when it is empty, as Python gives it. A sequence known
 * when compiling picks one or the other here; one known only when running (a run-time list, an
 * array, a range) is written out over hidden names,
 *     min.L.C.r = d; min.L.C.seq = it; if len(min.L.C.seq) > 0: min.L.C.r = min(min.L.C.seq)
 * (the result a name that may change type where d's type differs, as Python's). */
static value *minmax_default(lctx *c, ast *call, ast *dflt, int mx)
{
    const char *f = mx ? "max" : "min";
    loc l = call->l;
    if (call->args.len != 1) {
        diag_error(dflt->l, "cannot specify a default for %s() with multiple positional arguments", f);
        return &lw_ERRV;
    }
    ast *it = VEC_AT(call->args, 0, ast *);
    ast *inner = ast_new(A_CALL, l);
    *inner = *call;
    inner->kwargs = (vec){0};
    for (int i = 0; i < call->kwargs.len; i++)
        if (VEC_AT(call->kwargs, i, ast *) != dflt)
            vec_push(&inner->kwargs, VEC_AT(call->kwargs, i, ast *));
    lw_probe p;
    lw_probe_begin(c, &p);
    value *seq = lw_iter_items(c, it);
    int known = seq && seq->kind == V_TUPLE, n = known ? seq->n : 0;
    lw_probe_end(c, &p);
    if (known)
        return n ? lw_expr(c, inner) : lw_expr(c, dflt->a);
    /* the result is one name: d and the items must be values of one kind (None, or an int for
     * float items, would make it change type) */
    lw_probe_begin(c, &p);
    value *dv = lw_expr(c, dflt->a), *iv = lw_expr(c, inner);
    int same = dv->kind == V_ERR || iv->kind == V_ERR ||
               (dv->kind == iv->kind && (dv->kind != V_SCALAR || (ir_type_is_float(dv->type) == ir_type_is_float(iv->type) &&
                                                                 (dv->type == T_BOOL) == (iv->type == T_BOOL))));
    const char *dk = lw_vkind_desc(dv), *ik = lw_vkind_desc(iv);
    if (dv->kind == V_SCALAR && iv->kind == V_SCALAR) {
        dk = ir_type_is_float(dv->type) ? "a float" : dv->type == T_BOOL ? "a bool" : "an int";
        ik = ir_type_is_float(iv->type) ? "a float" : iv->type == T_BOOL ? "a bool" : "an int";
    }
    lw_probe_end(c, &p);
    if (!same) {
        diag_error(dflt->l, "%s() with default= over a sequence known only when running needs a default of "
                            "the items' kind (the default is %s, an item is %s): the result would change type", f, dk, ik);
        return &lw_ERRV;
    }
    const char *base = arena_printf(&util_arena, "%s.%d.%d", f, l.line, l.col);
#define H(s) ast_name(l, arena_printf(&util_arena, "%s.%s", base, s))
    lw_stmt(c, ast_assign(l, ast_vec1(H("r")), dflt->a));
    lw_stmt(c, ast_assign(l, ast_vec1(H("seq")), it));
    inner->args = ast_vec1(H("seq"));
    ast *len = ast_call(l, ast_name(l, "len"), ast_arglist(NULL, H("seq")));
    lw_stmt(c, ast_if(l, ast_compare(l, len, OP_GT, ast_int(l, 0)), ast_vec1(ast_assign(l, ast_vec1(H("r")), inner)),
                      (vec){0}));
    return lw_expr(c, H("r"));
#undef H
}

value *lw_minmax_key(lctx *c, ast *call, int mx)
{
    const char *f = mx ? "max" : "min";
    loc l = call->l;
    ast *key = NULL;
    for (int i = 0; i < call->kwargs.len; i++)
        if (strcmp(VEC_AT(call->kwargs, i, ast *)->name, "default") == 0)
            return minmax_default(c, call, VEC_AT(call->kwargs, i, ast *), mx);
    for (int i = 0; i < call->kwargs.len; i++) {
        ast *kw = VEC_AT(call->kwargs, i, ast *);
        if (strcmp(kw->name, "key") != 0) {
            diag_error(kw->l, "%s() takes key= and default= here, not %s=", f, kw->name);
            return &lw_ERRV;
        }
        key = kw->a;
    }
    value **items;
    int n;
    if (call->args.len == 1) {
        value *seq = lw_iter_items(c, VEC_AT(call->args, 0, ast *));
        if (!seq && key && (seq = minmax_key_runtime(c, call, VEC_AT(call->args, 0, ast *), key, mx)))
            return seq;
        if (!seq) {
            diag_error(VEC_AT(call->args, 0, ast *)->l, "%s() with key= is supported over sequences known "
                       "when compiling (a list, tuple, dict, range() of constants), several arguments, "
                       "range(stop) or range(start, stop), a 1-D array and a list built at run time", f);
            return &lw_ERRV;
        }
        if (seq->kind == V_ERR)
            return seq;
        items = seq->items;
        n = seq->n;
    } else {
        n = call->args.len;
        items = NEWN(value *, n + 1);
        for (int i = 0; i < n; i++)
            if ((items[i] = lw_expr(c, VEC_AT(call->args, i, ast *)))->kind == V_ERR)
                return &lw_ERRV;
    }
    if (n == 0) {
        if (!diag_count() || call->args.len != 1 || VEC_AT(call->args, 0, ast *)->kind != A_NAME)
            diag_error(l, "%s() arg is an empty sequence", f); /* not of a name after an error: the
                                                                * code that filled it may be what
                                                                * was refused (max(d, key=d.get)
                                                                * after a loop over zip() of too many rows) */
        return &lw_ERRV;
    }
    value *best = items[0], *bk = NULL;
    for (int i = 0; i < n; i++) {
        value *it = items[i];
        int str = it->kind == V_STR || it->kind == V_FSTR;
        if (!str && it->kind != V_SCALAR) {
            diag_error(it->l, "%s() with key= is supported over numbers and strings, not %s", f, lw_vkind_desc(it));
            return &lw_ERRV;
        }
        if (str != (best->kind == V_STR || best->kind == V_FSTR) ||
            (!str && (it->type != best->type || !it->weak != !best->weak))) {
            diag_error(it->l, "%s() with key= is supported over items of one type (this one differs from "
                              "the first)", f);
            return &lw_ERRV;
        }
        value *k = key_of(c, l, key, it);
        if (k->kind == V_ERR)
            return k;
        if (k->kind != V_SCALAR) {
            diag_error(key->l, "%s(): the key must give a number for each item, not %s", f, lw_vkind_desc(k));
            return &lw_ERRV;
        }
        if (i == 0) {
            bk = pin(c, k);
            continue;
        }
        value *take = lw_binop(c, l, mx ? OP_CGT : OP_CLT, k, bk);
        if (take->kind == V_ERR)
            return take;
        take = pin(c, take);
        ir_type kt = k->type == bk->type ? k->type : T_F64;
        value *nk = lw_scalar(l, ir_select(l, kt, take->e, ir_cast(l, kt, k->e), ir_cast(l, kt, bk->e)), 1);
        nk->type = kt;
        bk = pin(c, nk);
        if (str)
            best = lw_str_select(c, l, take->e, it, best);
        else
        {
            value *nb = lw_scalar(l, ir_select(l, it->type, take->e, it->e, best->e), it->weak);
            nb->type = it->type;
            best = pin(c, nb);
        }
    }
    return best;
}
