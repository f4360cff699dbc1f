/* lower_dicts.c: dicts with keys known when compiling ({"minmod": phi, ...}, results = {};
 * results[kind] = u in a loop over names), the `in` operator over them and over lists and
 * tuples, and == / != between tuples.
 *
 * A dict is a tuple value (V_TUPLE) of its values with `keys` set: the keys in insertion order,
 * each a string or an int or bool constant. So a dict bound to a name pins its values as a
 * tuple's items are pinned (hidden names "d.0", ...), and branches and loops treat it as a
 * tuple of that form. d[k] = v with a new key appends the item; with a key it has, rebinds
 * that item, as Python's dicts do. A key known only when running is rejected, except in d[k]
 * of int keys and number (string, tuple) values, chosen when running (runtime_key). dict(...)
 * and {k: v for ...} over sequences known when compiling build such a dict from pairs; f(**d)
 * passes a dict whose keys are strings as keyword arguments (lw_args, lower_calls.c).
 *
 * Requires: keys compare as Python's do for these kinds (1 == True; a string is never equal
 * to a number). */

#include "lower_internal.h"

#include <math.h>
#include <string.h>

#include "../runtime_mpi/tyl_format.h"

/* A number key known when compiling: *f its value, *isf whether it is a float (else *i). */
static int key_num(value *k, int64_t *i, double *f, int *isf)
{
    if (k->kind != V_SCALAR)
        return 0;
    *isf = ir_type_is_float(k->type);
    if (*isf)
        return k->e->kind == E_CONST && !isnan(*f = k->e->c.f);
    return ir_expr_const_int(k->e, i);
}
static int key_ok(value *k)
{
    int64_t i;
    double f;
    int isf;
    return k->kind == V_STR || key_num(k, &i, &f, &isf);
}
/* Python's == of an int and a float: the float integral and the same number (not the int
 * rounded to a double: 2**53 + 1 != 2.0**53). */
static int int_eq_float(int64_t i, double f)
{
    return f == floor(f) && f >= -0x1p63 && f < 0x1p63 && (int64_t)f == i;
}
static int key_eq(value *a, value *b)
{
    if (a->kind == V_STR || b->kind == V_STR)
        return a->kind == b->kind && strcmp(a->str, b->str) == 0;
    int64_t x = 0, y = 0;
    double f = 0, g = 0;
    int af, bf;
    if (!key_num(a, &x, &f, &af) || !key_num(b, &y, &g, &bf))
        return 0;
    if (af && bf)
        return f == g; /* 0.0 and -0.0 are one key, as in Python */
    if (af || bf)
        return af ? int_eq_float(y, f) : int_eq_float(x, g);
    return x == y;
}
static const char *key_text(value *k)
{
    int64_t i = 0;
    double f;
    int isf;
    if (k->kind == V_STR)
        return arena_printf(&util_arena, "'%s'", k->str);
    if (key_num(k, &i, &f, &isf) && isf) {
        tyl_sbuf b = {0};
        tyl_format_repr(&b, f);
        const char *t = arena_strndup(&util_arena, b.s ? b.s : "", b.len);
        tyl_sbuf_free(&b);
        return t;
    }
    if (k->type == T_BOOL)
        return i ? "True" : "False";
    return arena_printf(&util_arena, "%lld", (long long)i);
}

int lw_is_dict(const value *v) { return v->kind == V_TUPLE && v->keys; }

/* The index of key k in dict d, -1 when absent; -2 after a diagnostic (k not a constant). */
static int key_index(value *d, value *k)
{
    if (k->kind == V_ERR)
        return -2;
    if (!key_ok(k)) {
        diag_error(k->l, "a dict key must be known when compiling (a string, or an int, bool or float "
                         "constant other than NaN), not %s", lw_vkind_desc(k));
        return -2;
    }
    for (int i = 0; i < d->n; i++)
        if (key_eq(d->keys[i], k))
            return i;
    return -1;
}

value *lw_dict_literal(lctx *c, ast *a)
{
    value *d = lw_vnew(V_TUPLE, a->l);
    d->items = NEWN(value *, a->args.len + 1);
    d->keys = NEWN(value *, a->args.len + 1);
    d->dict_shared = NEW(int);
    int n = a->args.len, *marks = NEWN(int, n + 1);
    value **ks = NEWN(value *, n + 1), **vs = NEWN(value *, n + 1);
    for (int i = 0; i < n; i++) {
        ks[i] = lw_expr(c, VEC_AT(a->args, i, ast *));
        vs[i] = lw_expr(c, VEC_AT(a->kwargs, i, ast *));
        marks[i] = c->out->len;
    }
    lw_pin_operands(c, vs, marks, n); /* {"n": k, "id": next_id()}: k before the call */
    for (int i = 0; i < n; i++) {
        value *k = ks[i], *v = vs[i];
        if (v->kind == V_ERR)
            return &lw_ERRV;
        int at = key_index(d, k);
        if (at == -2)
            return &lw_ERRV;
        if (at >= 0) { /* {"a": 1, "a": 2}: the last value, at the first key's place */
            d->items[at] = v;
            continue;
        }
        d->keys[d->n] = k;
        d->items[d->n++] = v;
    }
    return d;
}

/* d's item at the position pos computes (-1: no key matched, Python's KeyError), pos read once. */
static value *item_at(lctx *c, loc l, ir_expr *pos, value *d)
{
    ir_var *pv = lw_temp_scalar(c, T_I64);
    ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
    as->var = pv;
    as->e = pos;
    lw_emit(c, as);
    lw_emit_raise(c, l, ir_bin(l, OP_CLT, T_BOOL, ir_varref(l, pv), lw_I64(l, 0), 0),
                  "KeyError: a key that is not in the dict");
    return lw_choose_item(c, l, ir_varref(l, pv), d->items, d->n);
}

/* d[k] with k a number known only when running (w[dE] of a table of acceptance probabilities,
 * dE an int or a float), or a string built then (the keys strings): the keys ints or bools (|key| <= 2**53, so that a float k equals one
 * exactly as Python's == says), the values what lw_choose_item chooses from. Python's KeyError
 * when k equals no key, else the value at the key k equals. NULL when the dict or k is not of
 * that form. */
static value *runtime_key(lctx *c, loc l, value *d, value *k)
{
    if (k->kind == V_FSTR && d->n > 0 && lw_choosable(d->items, d->n, 0)) {
        /* results[best], best = min(results, key=results.get): a string built at run time, the
         * keys strings, compared with it in turn (Python's KeyError when none is equal) */
        for (int i = 0; i < d->n; i++)
            if (d->keys[i]->kind != V_STR)
                return NULL;
        ir_expr *pos = lw_I64(l, -1);
        for (int i = d->n - 1; i >= 0; i--) {
            value *eq = lw_str_equal(c, l, k, d->keys[i]);
            pos = ir_select(l, T_I64, eq->e, lw_I64(l, i), pos);
        }
        return item_at(c, l, pos, d);
    }
    if (k->kind != V_SCALAR || k->mixed || d->n == 0 || !lw_choosable(d->items, d->n, 0))
        return NULL;
    int64_t x = 0;
    double f = 0;
    int isf = 0;
    for (int i = 0; i < d->n; i++)
        if (!key_num(d->keys[i], &x, &f, &isf) || (!isf && (x > (1LL << 53) || x < -(1LL << 53))))
            return NULL;
    int fl = ir_type_is_float(k->type);
    ir_type kt = fl ? T_F64 : T_I64;
    ir_var *kv = lw_temp_scalar(c, kt);
    ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
    as->var = kv;
    as->e = ir_cast(l, kt, k->e);
    lw_emit(c, as);
    ir_expr *pos = lw_I64(l, -1);
    for (int i = d->n - 1; i >= 0; i--) {
        key_num(d->keys[i], &x, &f, &isf);
        ir_expr *key;
        if (fl) /* a float k: as a double, which every int key (|key| <= 2**53) is exactly */
            key = ir_const_f(l, T_F64, isf ? f : (double)x);
        else if (!isf)
            key = lw_I64(l, x);
        else if (int_eq_float((int64_t)(f >= -0x1p63 && f < 0x1p63 ? f : 0), f))
            key = lw_I64(l, (int64_t)f); /* an int k equals an integral float key exactly */
        else
            continue; /* no int equals 2.5 */
        pos = ir_select(l, T_I64, ir_bin(l, OP_CEQ, T_BOOL, ir_varref(l, kv), key, 0), lw_I64(l, i), pos);
    }
    return item_at(c, l, pos, d);
}

/* ---- dicts built from pairs: dict(...), {k: v for ...} ---------------------------------- */

static value *dict_new(loc l, int cap)
{
    value *d = lw_vnew(V_TUPLE, l);
    d->items = NEWN(value *, cap + 1);
    d->keys = NEWN(value *, cap + 1);
    d->dict_shared = NEW(int);
    return d;
}

/* d[k] = v into a dict d being built (room made by dict_new): a new key at the end, a key it has
 * keeps its place and takes v, as Python's; 0 after a diagnostic. */
static int dict_put(value *d, value *k, value *v)
{
    if (v->kind == V_ERR)
        return 0;
    int at = key_index(d, k);
    if (at == -2)
        return 0;
    if (at < 0) {
        at = d->n++;
        d->keys[at] = k;
    }
    d->items[at] = v;
    return 1;
}

/* The pairs of a sequence known when compiling (tuples or lists of two items) put into d; 0
 * after a diagnostic. */
static int dict_put_pairs(value *d, loc l, value *seq)
{
    for (int i = 0; i < seq->n; i++) {
        value *p = seq->items[i];
        if (p->kind == V_ERR)
            return 0;
        if (p->kind != V_TUPLE || lw_is_dict(p) || p->n != 2) {
            diag_error(l, "dict() needs pairs (tuples of a key and a value); item %d is %s", i,
                       p->kind == V_TUPLE && !lw_is_dict(p) ? arena_printf(&util_arena, "a sequence of %d items", p->n)
                                                            : lw_vkind_desc(p));
            return 0;
        }
        if (!dict_put(d, p->items[0], p->items[1]))
            return 0;
    }
    return 1;
}

value *lw_dict_of_pairs(loc l, value *pairs)
{
    if (pairs->kind == V_ERR)
        return pairs;
    value *d = dict_new(l, pairs->n);
    return dict_put_pairs(d, l, pairs) ? d : &lw_ERRV;
}

/* The dict of call's arguments as dict() takes them (f: "dict" or "update", for messages). */
static value *dict_of_args(lctx *c, ast *call, const char *f)
{
    args a = lw_args(c, call);
    if (lw_any_err(&a))
        return &lw_ERRV;
    if (a.npos > 1) {
        diag_error(call->l, "TypeError: %s expected at most 1 argument, got %d", f, a.npos);
        return &lw_ERRV;
    }
    int cap = a.nkw;
    value *x = a.npos ? a.pos[0] : NULL;
    if (x && x->kind != V_TUPLE) {
        diag_error(x->l, "dict() of %s is not supported (a dict, or pairs known when compiling, e.g. "
                         "zip(names, values), are)", lw_vkind_desc(x));
        return &lw_ERRV;
    }
    value *d = dict_new(call->l, cap + (x ? x->n : 0));
    if (x && lw_is_dict(x)) {
        for (int i = 0; i < x->n; i++)
            dict_put(d, x->keys[i], x->items[i]);
    } else if (x && !dict_put_pairs(d, x->l, x))
        return &lw_ERRV;
    for (int i = 0; i < a.nkw; i++) {
        value *k = lw_vnew(V_STR, a.kwast[i]->l);
        k->str = a.kwname[i];
        if (!dict_put(d, k, a.kw[i]))
            return &lw_ERRV;
    }
    return d;
}

/* dict(), dict(d), dict(pairs), dict(k=v, ...), dict(d, k=v, **e): a new dict (a copy: changing
 * it leaves d as it is) whose keys are known when compiling. */
value *lw_dict_builtin(lctx *c, ast *call) { return dict_of_args(c, call, "dict"); }

/* d.update(e, k=v, ...) of a dict bound to a name: d[k] = v for each item, in order (so where
 * d[k] = v is refused, inside run-time loops, so is update). */
static value *dict_update(lctx *c, ast *call)
{
    value *u = dict_of_args(c, call, "update");
    if (u->kind == V_ERR)
        return u;
    ast *name = call->a->a;
    int errs = diag_count();
    for (int i = 0; i < u->n && diag_count() == errs; i++) {
        value *k = u->keys[i];
        int64_t iv = 0;
        if (k->kind != V_STR)
            ir_expr_const_int(k->e, &iv);
        ast *ka = k->kind == V_STR ? ast_str(call->l, k->str)
                  : k->type == T_BOOL ? ast_bool(call->l, (int)iv) : ast_int(call->l, iv);
        lw_dict_store(c, ast_subscript(call->l, ast_name(name->l, name->name), ast_vec1(ka), 0), u->items[i]);
    }
    return diag_count() > errs ? &lw_ERRV : lw_vnew(V_NONE, call->l);
}

/* f(**d): d a dict whose keys are strings (its items become keyword arguments); 0 after a
 * diagnostic. */
int lw_dict_kwargs(loc l, value *d)
{
    if (!lw_is_dict(d)) {
        diag_error(l, "'**' arguments are supported for dicts whose keys are known when compiling, "
                      "not %s", lw_vkind_desc(d));
        return 0;
    }
    for (int i = 0; i < d->n; i++)
        if (d->keys[i]->kind != V_STR) {
            diag_error(l, "TypeError: keywords must be strings (the dict passed by '**' has the key %s)",
                       key_text(d->keys[i]));
            return 0;
        }
    return 1;
}

value *lw_dict_index(lctx *c, ast *a, value *d)
{
    if (a->args.len != 1 || VEC_AT(a->args, 0, ast *)->kind == A_SLICE) {
        diag_error(a->l, "a dict is indexed by one key");
        return &lw_ERRV;
    }
    value *k = lw_expr(c, VEC_AT(a->args, 0, ast *));
    if (!key_ok(k)) {
        value *r = runtime_key(c, a->l, d, k);
        if (r)
            return r;
        if (k->kind == V_SCALAR) {
            diag_error(k->l, "a dict indexed by a key known only when running needs int keys and values "
                             "of one kind (numbers of one type, strings, or tuples of those)");
            return &lw_ERRV;
        }
    }
    int at = key_index(d, k);
    if (at == -1)
        diag_error(k->l, "KeyError: %s", key_text(k));
    return at < 0 ? &lw_ERRV : d->items[at];
}

/* Whether every item of dict d is a number (what a loop carries as a tuple's items). */
static int dict_of_numbers(const value *d)
{
    for (int i = 0; i < d->n; i++)
        if (d->items[i]->kind != V_SCALAR || d->items[i]->items)
            return 0;
    return 1;
}

/* The dicts of numbers (names bound to one here) that stmts store into, d[k] = v, d[k] += v or d.update(...),
 * also in nested blocks, added to out: a run-time loop around such a store carries d's numbers
 * from one iteration to the next as a tuple's (lower_carry.c). */
static void stored_dicts(lctx *c, vec *stmts, vec *out)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *), *t = NULL;
        if (s->kind == A_ASSIGN && s->targets.len == 1)
            t = VEC_AT(s->targets, 0, ast *);
        else if (s->kind == A_AUGASSIGN)
            t = s->b;
        if (t && t->kind == A_SUBSCRIPT)
            t = t->a;
        else if (s->kind == A_EXPR_STMT && s->a && s->a->kind == A_CALL && s->a->a->kind == A_ATTR &&
                 strcmp(s->a->a->name, "update") == 0)
            t = s->a->a->a;
        else
            t = NULL;
        int unbound;
        binding *b = t && t->kind == A_NAME ? lw_lookup(c, t->name, &unbound) : NULL;
        if (b && b->kind == B_VALUE && lw_is_dict(b->val) && dict_of_numbers(b->val) && !lw_name_in(out, t->name))
            vec_push(out, (void *)t->name);
        if (s->kind == A_FOR || s->kind == A_WHILE || s->kind == A_IF) {
            stored_dicts(c, &s->body, out);
            stored_dicts(c, &s->orelse, out);
        }
    }
}
void lw_loop_stored_dicts(lctx *c, vec *body, vec *names) { stored_dicts(c, body, names); }

/* d[k] = v for a name d bound to a dict: 1 when handled (also after a diagnostic). */
int lw_dict_store(lctx *c, ast *t, value *v)
{
    int unbound;
    if (t->kind != A_SUBSCRIPT || t->a->kind != A_NAME)
        return 0;
    binding *b = lw_lookup(c, t->a->name, &unbound);
    if (!b || b->kind != B_VALUE || !lw_is_dict(b->val))
        return 0;
    value *d = b->val;
    if (t->args.len != 1 || VEC_AT(t->args, 0, ast *)->kind == A_SLICE) {
        diag_error(t->l, "a dict is indexed by one key");
        return 1;
    }
    /* a dict is a value here, one per name: a change Python would show through another name
     * (e = d) or in the caller (a parameter) would be lost */
    value *k = lw_expr(c, VEC_AT(t->args, 0, ast *));
    int at = key_index(d, k);
    if (at == -2 && k->kind != V_ERR) { /* read as an error from now on: its later uses said more
                                          * ('max() arg is an empty sequence' of a dict the store
                                          * left empty) */
        binding *nb = lw_bind(c, t->a->name);
        nb->kind = B_VALUE;
        nb->val = &lw_ERRV;
    }
    if (at == -2 || v->kind == V_ERR)
        return 1;
    /* a number stored under a key the dict has, inside run-time loops that carry the dict (each
     * loop around the store names d: lw_loop_stored_dicts), is carried as a tuple's item is */
    int carried = c->loops > 0 && at >= 0 && lw_find_in(c->sc, t->a->name) && v->kind == V_SCALAR &&
                  !v->items && dict_of_numbers(d);
    if (carried && !v->weak != !d->items[at]->weak) {
        /* the loop carries the item's kind of number: a NumPy number would be taken for the
         * Python one (printed and promoted as that) */
        diag_error(t->l, "a dict item that holds a %s number is given a %s one inside a loop that runs "
                         "when the program runs; convert it (float(x), int(x)) so that its kind stays the same",
                   d->items[at]->weak ? "Python" : "NumPy", v->weak ? "Python" : "NumPy");
        return 1;
    }
    if ((c->loops > 0 && !carried) || !lw_find_in(c->sc, t->a->name)) {
        /* the item's hidden name is not among the names the loop or function assigns, so the
         * change would be lost after one iteration or after the call */
        diag_error(t->l, c->loops > 0 && at < 0 && lw_find_in(c->sc, t->a->name)
                             ? "adding a key to a dict inside a loop that runs when the program runs is not "
                               "supported (the numbers of keys it has may change there); give it the key "
                               "before the loop"
                         : c->loops > 0 ? "changing a dict inside a loop that runs when the program runs "
                                          "is not supported; keep the value in a variable (or an array)"
                                      : "changing a dict of the module inside a function is not "
                                        "supported; return the value and store it at module level");
        return 1;
    }
    if (d->dict_param || (d->dict_shared && *d->dict_shared)) {
        diag_error(t->l, d->dict_param ? "changing a dict passed to a function is not supported "
                                         "(the caller would not see the change); return the values"
                                       : "changing a dict that is bound to two names (e = d) is not "
                                         "supported; use one name, or a copy (e = dict(d))");
        return 1;
    }
    value *r = lw_vnew(V_TUPLE, d->l);
    *r = *d;
    r->items = NEWN(value *, d->n + 2);
    r->keys = NEWN(value *, d->n + 2);
    for (int i = 0; i < d->n; i++) {
        r->items[i] = d->items[i];
        r->keys[i] = d->keys[i];
    }
    if (at < 0) {
        at = r->n++;
        r->keys[at] = k;
    }
    /* the value is held by the item's hidden name, as a tuple item bound to a name is */
    ast *h = ast_name(t->l, arena_printf(&util_arena, "%s.%d", t->a->name, at));
    lw_assign_name(c, h, v);
    r->items[at] = lw_read_name(c, h);
    b = lw_bind(c, t->a->name);
    b->kind = B_VALUE;
    b->val = r;
    return 1;
}

/* d.keys(), d.values(), d.items(), d.get(k[, default]) of a dict bound to a name; NULL when the
 * call is not one of these. */
value *lw_dict_call(lctx *c, ast *call)
{
    ast *f = call->a;
    int unbound;
    if (f->kind != A_ATTR || !f->a || f->a->kind != A_NAME)
        return NULL;
    binding *b = lw_lookup(c, f->a->name, &unbound);
    if (!b || b->kind != B_VALUE || !lw_is_dict(b->val))
        return NULL;
    value *d = b->val;
    int keys = strcmp(f->name, "keys") == 0, values = strcmp(f->name, "values") == 0;
    int items = strcmp(f->name, "items") == 0, get = strcmp(f->name, "get") == 0;
    if (strcmp(f->name, "update") == 0)
        return dict_update(c, call);
    if (!keys && !values && !items && !get) {
        diag_error(f->l, "dict.%s() is not supported (keys(), values(), items(), get() and update() are)",
                   f->name);
        return &lw_ERRV;
    }
    if (call->kwargs.len || (get ? call->args.len < 1 || call->args.len > 2 : call->args.len)) {
        diag_error(call->l, "dict.%s() takes %s", f->name, get ? "a key and an optional default" : "no arguments");
        return &lw_ERRV;
    }
    if (get) {
        value *k = lw_expr(c, VEC_AT(call->args, 0, ast *));
        int at = key_index(d, k);
        if (at == -2)
            return &lw_ERRV;
        if (at >= 0)
            return d->items[at];
        return call->args.len == 2 ? lw_expr(c, VEC_AT(call->args, 1, ast *)) : lw_vnew(V_NONE, call->l);
    }
    value *r = lw_vnew(V_TUPLE, call->l);
    r->n = d->n;
    r->items = NEWN(value *, d->n + 1);
    for (int i = 0; i < d->n; i++) {
        if (!items) {
            r->items[i] = keys ? d->keys[i] : d->items[i];
            continue;
        }
        value *p = lw_vnew(V_TUPLE, call->l);
        p->n = 2;
        p->items = NEWN(value *, 3);
        p->items[0] = d->keys[i];
        p->items[1] = d->items[i];
        r->items[i] = p;
    }
    return r;
}

/* x in seq: a dict's keys (known when compiling), or the items of a list or tuple (compared
 * with ==, at run time for numbers). NULL after a diagnostic. */
value *lw_contains(lctx *c, loc l, value *x, value *seq)
{
    if (x->kind == V_ERR || seq->kind == V_ERR)
        return NULL;
    if (lw_is_dict(seq)) {
        int at = key_index(seq, x);
        return at == -2 ? NULL : lw_scalar(l, ir_const_i(l, T_BOOL, at >= 0), 1);
    }
    if (seq->kind == V_LIST) /* x in L, L a list built at run time */
        return lw_list_contains(c, l, x, seq);
    if (seq->kind == V_FSTR) /* "=" in line */
        return lw_text_contains(c, l, x, seq);
    if (lw_is_sdict(seq)) /* "dx" in params */
        return lw_sdict_has(c, l, seq, x);
    if (seq->kind != V_TUPLE) {
        diag_error(l, "'in' is supported over dicts, lists and tuples (this is %s)",
                   lw_vkind_desc(seq));
        return NULL;
    }
    ir_expr *r = ir_const_i(l, T_BOOL, 0);
    for (int i = 0; i < seq->n; i++) {
        value *it = seq->items[i];
        if (x->kind == V_STR || it->kind == V_STR) {
            if (x->kind == V_STR && it->kind == V_STR && strcmp(x->str, it->str) == 0)
                r = ir_const_i(l, T_BOOL, 1);
            continue;
        }
        int tx = x->kind == V_TUPLE && !x->cplx && !lw_is_dict(x), ti = it->kind == V_TUPLE && !it->cplx && !lw_is_dict(it);
        if ((tx || ti) && (tx || x->kind == V_SCALAR) && (ti || it->kind == V_SCALAR)) {
            /* (i, j) in [(0, 1), (1, 0)]: tuples item by item; a tuple is no number */
            value *e = tx && ti && x->is_list == it->is_list ? lw_tuple_equal(c, l, x, it, 0) : NULL;
            if (tx && ti && x->is_list == it->is_list && !e)
                return NULL;
            ir_expr *ee = e ? e->e : ir_const_i(l, T_BOOL, 0);
            int64_t k, done;
            if (ir_expr_const_int(ee, &k)) {
                if (k)
                    r = ir_const_i(l, T_BOOL, 1);
                continue;
            }
            r = ir_expr_const_int(r, &done) ? (done ? r : ee) : ir_bin(l, OP_LOR, T_BOOL, r, ee, 1);
            continue;
        }
        if (x->kind != V_SCALAR || it->kind != V_SCALAR) {
            diag_error(l, "'in' compares numbers, strings and tuples of them here (not %s)",
                       lw_vkind_desc(x->kind != V_SCALAR ? x : it));
            return NULL;
        }
        value *e = lw_binop(c, l, OP_CEQ, x, it);
        if (e->kind == V_ERR)
            return NULL;
        int64_t k;
        if (ir_expr_const_int(e->e, &k)) {
            if (k)
                r = ir_const_i(l, T_BOOL, 1);
            continue;
        }
        int64_t done;
        r = ir_expr_const_int(r, &done) ? (done ? r : e->e) : ir_bin(l, OP_LOR, T_BOOL, r, e->e, 1);
    }
    return lw_scalar(l, r, 1);
}

/* (i, j) == (0, 0) and != between tuples of numbers and strings: equal lengths and items. */
value *lw_tuple_equal(lctx *c, loc l, value *a, value *b, int ne)
{
    ir_expr *r = ir_const_i(l, T_BOOL, a->n == b->n && !lw_is_dict(a) == !lw_is_dict(b));
    for (int i = 0; i < a->n && i < b->n; i++) {
        value *x = a->items[i], *y = b->items[i];
        ir_expr *e;
        if (x->kind == V_TUPLE && y->kind == V_TUPLE) {
            value *s = lw_tuple_equal(c, l, x, y, 0);
            if (!s)
                return NULL;
            e = s->e;
        } else if (x->kind == V_STR || y->kind == V_STR)
            e = ir_const_i(l, T_BOOL, x->kind == V_STR && y->kind == V_STR && strcmp(x->str, y->str) == 0);
        else if (x->kind == V_SCALAR && y->kind == V_SCALAR) {
            value *v = lw_binop(c, l, OP_CEQ, x, y);
            if (v->kind == V_ERR)
                return NULL;
            e = v->e;
        } else {
            diag_error(l, "tuples are compared here item by item as numbers or strings (not %s)",
                       lw_vkind_desc(x->kind == V_SCALAR || x->kind == V_STR ? y : x));
            return NULL;
        }
        int64_t k;
        if (ir_expr_const_int(e, &k) && k)
            continue;
        int64_t cur;
        r = ir_expr_const_int(r, &cur) ? (cur ? e : r) : ir_bin(l, OP_LAND, T_BOOL, r, e, 1);
    }
    int64_t k;
    if (ne)
        r = ir_expr_const_int(r, &k) ? ir_const_i(l, T_BOOL, !k) : ir_un(l, OP_LNOT, T_BOOL, r);
    return lw_scalar(l, r, 1);
}
