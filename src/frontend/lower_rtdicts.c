/* lower_rtdicts.c: dicts keyed by ints or floats known only when running (snapshots = {}; for n in
 * range(nt): ... if n % 100 == 0: snapshots[n] = u.copy(); history[n] = err).
 *
 * A dict (a name bound to {} somewhere) is stored into with a run-time key when d[k] = v
 * stands in the body of a `for T in range(...)` loop whose target T is named in k, or of a
 * while loop that assigns a name of k. Such a dict is rewritten, before lowering, into two lists the compiler builds at
 * run time (lower_lists.c): its keys "d.keys" (ints or float64s: i * dt, Python's or NumPy's,
 * kept apart for repr; found by Python's ==, so 2 finds 2.0, and a NaN key never, where Python
 * finds the same NaN object; ints and floats stored into one dict are refused by the list of
 * keys) and its values "d.vals", in insertion
 * order as Python keeps them, and the largest key so far "d.hi":
 *   d = {}          ->  d.keys = []; d.vals = []; d.hi = 0
 *   d[k] = v        ->  d.k = dict.key(k, d.keys)   (an int or float64 key, else refused there)
 *                       if len(d.keys) == 0 or d.k > d.hi: d.keys.append(d.k); d.vals.append(v); d.hi = d.k
 *                       else: dict.put(d.keys, d.vals, d.k, v)   (the key's value replaced, or appended)
 *   d[k]            ->  d.vals[dict.find(d.keys, k)]   (Python's KeyError when it is not there)
 *   d.get(k, v0)    ->  dict.get(d.keys, d.vals, k, v0)   (v0, of the values' kind, when k is not there)
 *   print(..., d)   ->  print(..., dict.repr(d.keys, d.vals))   (Python's dict repr; values numbers or tuples)
 *   len(d), k in d, for k in d, sorted(d), min(d), max(d), sum(d), d.keys(), d.values(),
 *   d.items()       ->  the same of d.keys, d.vals, zip(d.keys, d.vals)
 *   for k in sorted(d): ...  ->  d.sorted.N = sorted(d.keys); for k in d.sorted.N: ...
 * (d.k, d.hi: hidden names). Keys arriving in increasing order (the loop's step) are appended
 * without a search. Any other use of such a dict is refused where it stands.
 *
 * Requires: the module's AST as parsed; names are compared by spelling (a name that is such a
 * dict anywhere is one everywhere), as lower_sets.c does. Establishes: no subscript, call or
 * read of such a dict's name is left in the AST (an error was reported for the rest). */

#include "lower_internal.h"

#include <string.h>

typedef struct rtd {
    vec names;    /* const char*: dicts stored into with run-time keys */
    vec loopvars; /* const char*: names of the loops around the statement being scanned */
    int sites;    /* hidden names made so far */
} rtd;

static int names_any(ast *a, void *names) /* not in keyword arguments */
{
    if (!a)
        return 0;
    if (a->kind == A_NAME)
        return lw_name_in(names, a->name);
    return ast_any_child(a, AST_ABC | AST_ARGS, names_any, names);
}

/* The names a while loop's body assigns (n += 1, t = t + dt), added to out. */
static void assigned(vec *body, vec *out)
{
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        if (s->kind == A_AUGASSIGN && s->b->kind == A_NAME)
            vec_push(out, (void *)s->b->name);
        if (s->kind == A_ASSIGN)
            for (int k = 0; k < s->targets.len; k++)
                if (VEC_AT(s->targets, k, ast *)->kind == A_NAME)
                    vec_push(out, (void *)VEC_AT(s->targets, k, ast *)->name);
        if (s->kind == A_IF) {
            assigned(&s->body, out);
            assigned(&s->orelse, out);
        }
    }
}

static int is_range(ast *a)
{
    return a && a->kind == A_CALL && a->a->kind == A_NAME && strcmp(a->a->name, "range") == 0;
}

static int is_key_literal(ast *k)
{
    return k->kind == A_STR || k->kind == A_INT || k->kind == A_BOOL ||
           (k->kind == A_UNOP && k->op == '-' && k->a->kind == A_INT);
}

/* k is a string made when running (an f-string, str(n), a sum or % with a string): no int key,
 * so d stays a dict of the other kinds, which says so once (rewritten, the string key was
 * refused, then each later use of d again) */
static int is_string_key(ast *k)
{
    if (k->kind == A_FSTRING || k->kind == A_STR)
        return 1;
    if (k->kind == A_CALL && k->a->kind == A_NAME && (!strcmp(k->a->name, "str") || !strcmp(k->a->name, "repr") ||
                                                      !strcmp(k->a->name, "format")))
        return 1;
    if (k->kind == A_CALL && k->a->kind == A_ATTR && k->a->a && k->a->a->kind == A_STR)
        return 1; /* "{}".format(n), "_".join(...) */
    return k->kind == A_BINOP && (k->op == '+' || k->op == '%') && (is_string_key(k->a) || is_string_key(k->b));
}

/* d[k] = v with d a name and k not a literal, in a loop whose variables k names */
static void find_names(vec *body, rtd *st)
{
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        if (s->kind == A_ASSIGN && s->targets.len == 1 && st->loopvars.len) {
            ast *t = VEC_AT(s->targets, 0, ast *);
            if (t->kind == A_SUBSCRIPT && t->a->kind == A_NAME && t->args.len == 1 &&
                !is_key_literal(VEC_AT(t->args, 0, ast *)) && !is_string_key(VEC_AT(t->args, 0, ast *)) &&
                names_any(VEC_AT(t->args, 0, ast *), &st->loopvars) &&
                !lw_name_in(&st->names, t->a->name))
                vec_push(&st->names, (void *)t->a->name);
        }
        int mark = st->loopvars.len;
        if (s->kind == A_FOR && is_range(s->a) && s->b->kind == A_NAME)
            vec_push(&st->loopvars, (void *)s->b->name);
        if (s->kind == A_WHILE)
            assigned(&s->body, &st->loopvars);
        if (s->kind == A_DEF) { /* a function's loops are its own */
            vec outer = st->loopvars;
            st->loopvars = (vec){0};
            find_names(&s->body, st);
            st->loopvars = outer;
            continue;
        }
        find_names(&s->body, st);
        find_names(&s->orelse, st);
        st->loopvars.len = mark;
    }
}

/* Names bound to an empty dict literal anywhere (d = {}), added to out. */
static void empty_dicts(ast *a, void *out)
{
    if (!a)
        return;
    if (a->kind == A_ASSIGN && a->a && a->a->kind == A_DICT && !a->a->args.len)
        for (int i = 0; i < a->targets.len; i++)
            if (VEC_AT(a->targets, i, ast *)->kind == A_NAME)
                vec_push(out, (void *)VEC_AT(a->targets, i, ast *)->name);
    ast_each_child(a, AST_STMTS, empty_dicts, out);
}

static int is_d(ast *a, rtd *st) { return a && a->kind == A_NAME && lw_name_in(&st->names, a->name); }
static ast *H(loc l, const char *d, const char *what) { return ast_name(l, arena_printf(&util_arena, "%s.%s", d, what)); }
static ast *call1(loc l, const char *f, ast *x) { return ast_call(l, ast_name(l, f), ast_arglist(NULL, x)); }
static ast *block(loc l, vec body) { return ast_if(l, ast_bool(l, 1), body, (vec){0}); }
static ast *append(loc l, ast *lst, ast *x)
{
    return ast_expr_stmt(l, ast_call(l, ast_attr(l, lst, "append"), ast_arglist(NULL, x)));
}

static void refuse(ast *a)
{
    diag_error(a->l, "this use of dict '%s' is not supported: its keys are known only when running "
                     "(d[k] = v, d[k], d.get(k, default), len, in, for k in d, sorted, min, max, sum, "
                     "print(d), d.keys(), d.values() and d.items() are)", a->name);
}

/* print(d)'s text: dict.repr(d.keys, d.vals), lowered by lw_rtdict_call */
static ast *dict_text(loc l, const char *d)
{
    return ast_call(l, ast_name(l, "dict.repr"), ast_arglist(ast_arglist(NULL, H(l, d, "keys")), H(l, d, "vals")));
}

/* Expressions: reads of d rewritten in place. */
static void expr(ast *a, void *ctx)
{
    rtd *st = ctx;
    if (!a)
        return;
    if (a->kind == A_SUBSCRIPT && is_d(a->a, st) && a->args.len == 1) { /* d[k] */
        const char *d = a->a->name;
        loc l = a->l;
        ast *k = VEC_AT(a->args, 0, ast *);
        expr(k, st);
        ast *find = ast_call(l, ast_name(l, "dict.find"), ast_arglist(ast_arglist(NULL, H(l, d, "keys")), k));
        a->a = H(l, d, "vals");
        a->args = ast_vec1(find);
        return;
    }
    if (a->kind == A_CALL && a->a->kind == A_ATTR && is_d(a->a->a, st)) {
        const char *d = a->a->a->name, *m = a->a->name;
        loc l = a->l;
        if (!a->args.len && !a->kwargs.len && (!strcmp(m, "keys") || !strcmp(m, "values"))) {
            *a = *H(l, d, m[0] == 'k' ? "keys" : "vals");
            return;
        }
        if (!a->args.len && !a->kwargs.len && !strcmp(m, "items")) {
            *a = *ast_call(l, ast_name(l, "zip"), ast_arglist(ast_arglist(NULL, H(l, d, "keys")), H(l, d, "vals")));
            return;
        }
        if (!strcmp(m, "get") && a->args.len == 2 && !a->kwargs.len) { /* dict.get(K, V, k, default) */
            ast *k = VEC_AT(a->args, 0, ast *), *dflt = VEC_AT(a->args, 1, ast *);
            expr(k, st);
            expr(dflt, st);
            *a = *ast_call(l, ast_name(l, "dict.get"),
                           ast_arglist(ast_arglist(ast_arglist(ast_arglist(NULL, H(l, d, "keys")), H(l, d, "vals")), k),
                                       dflt));
            return;
        }
        if (!strcmp(m, "get") && a->args.len == 1 && !a->kwargs.len)
            diag_error(a->l, "%s.get(k) without a default is not supported: its keys are known only when "
                             "running, and a missing key's None has no type here (give a default: "
                             "%s.get(k, 0.0))", d, d);
        else
            refuse(a->a->a);
        *a = *ast_int(l, 0);
        return;
    }
    if (a->kind == A_CALL && a->a->kind == A_NAME && !strcmp(a->a->name, "print")) /* print(d): its text */
        for (int i = 0; i < a->args.len; i++)
            if (is_d(VEC_AT(a->args, i, ast *), st))
                a->args.items[i] = dict_text(VEC_AT(a->args, i, ast *)->l, VEC_AT(a->args, i, ast *)->name);
    if (a->kind == A_CALL && a->a->kind == A_NAME && a->args.len == 1 && is_d(VEC_AT(a->args, 0, ast *), st) &&
        (!strcmp(a->a->name, "len") || !strcmp(a->a->name, "sorted") || !strcmp(a->a->name, "min") ||
         !strcmp(a->a->name, "max") || !strcmp(a->a->name, "sum"))) { /* of its keys */
        a->args.items[0] = H(a->l, VEC_AT(a->args, 0, ast *)->name, "keys");
        for (int i = 0; i < a->kwargs.len; i++)
            expr(VEC_AT(a->kwargs, i, ast *), st);
        return;
    }
    if (a->kind == A_COMPARE)
        for (int i = 0; i < a->args.len; i++)
            if ((a->cmpops[i] == OP_IN || a->cmpops[i] == OP_NOTIN) && is_d(VEC_AT(a->args, i, ast *), st))
                a->args.items[i] = H(a->l, VEC_AT(a->args, i, ast *)->name, "keys");
    if (a->kind == A_FOR && is_d(a->a, st)) /* a comprehension's clause */
        a->a = H(a->l, a->a->name, "keys");
    if (is_d(a, st)) {
        refuse(a);
        *a = *ast_int(a->l, 0);
        return;
    }
    ast_each_child(a, AST_OPERANDS, expr, st);
}

static void body(vec *b, rtd *st);

/* A statement rewritten (NULL: its parts rewritten in place). */
static ast *stmt(ast *s, rtd *st)
{
    loc l = s->l;
    if (s->kind == A_ASSIGN && s->targets.len == 1 && is_d(VEC_AT(s->targets, 0, ast *), st) &&
        s->a->kind == A_DICT && !s->a->args.len) { /* d = {} */
        const char *d = VEC_AT(s->targets, 0, ast *)->name;
        vec b = ast_vec1(ast_assign(l, ast_vec1(H(l, d, "keys")), ast_list(l, (vec){0})));
        vec_push(&b, ast_assign(l, ast_vec1(H(l, d, "vals")), ast_list(l, (vec){0})));
        vec_push(&b, ast_assign(l, ast_vec1(H(l, d, "hi")), ast_int(l, 0)));
        return block(l, b);
    }
    if (s->kind == A_ASSIGN && s->targets.len == 1 && VEC_AT(s->targets, 0, ast *)->kind == A_SUBSCRIPT &&
        is_d(VEC_AT(s->targets, 0, ast *)->a, st) && VEC_AT(s->targets, 0, ast *)->args.len == 1) { /* d[k] = v */
        ast *t = VEC_AT(s->targets, 0, ast *);
        const char *d = t->a->name;
        ast *k = VEC_AT(t->args, 0, ast *);
        expr(k, st);
        expr(s->a, st);
        ast *key = H(l, d, "k");
        vec b = ast_vec1(ast_assign(
            l, ast_vec1(key), ast_call(l, ast_name(l, "dict.key"), ast_arglist(ast_arglist(NULL, k), H(l, d, "keys")))));
        ast *fast = ast_boolop(l, OP_OR, ast_compare(l, call1(l, "len", H(l, d, "keys")), OP_EQ, ast_int(l, 0)),
                               ast_compare(l, key, OP_GT, H(l, d, "hi")));
        vec app = ast_vec1(append(l, H(l, d, "keys"), key));
        vec_push(&app, append(l, H(l, d, "vals"), s->a));
        vec_push(&app, ast_assign(l, ast_vec1(H(l, d, "hi")), key));
        ast *put = ast_call(l, ast_name(l, "dict.put"),
                            ast_arglist(ast_arglist(ast_arglist(ast_arglist(NULL, H(l, d, "keys")), H(l, d, "vals")), key),
                                        s->a));
        vec_push(&b, ast_if(l, fast, app, ast_vec1(ast_expr_stmt(l, put))));
        return block(l, b);
    }
    if (s->kind == A_FOR && s->a->kind == A_CALL && s->a->a->kind == A_NAME && !strcmp(s->a->a->name, "sorted") &&
        s->a->args.len == 1 && !s->a->kwargs.len && is_d(VEC_AT(s->a->args, 0, ast *), st)) {
        /* for k in sorted(d): the sorted keys bound to a hidden name first (a loop runs over a
         * run-time list given by name) */
        const char *d = VEC_AT(s->a->args, 0, ast *)->name;
        ast *ks = ast_name(l, arena_printf(&util_arena, "%s.sorted.%d", d, st->sites++));
        vec b = ast_vec1(ast_assign(l, ast_vec1(ks), call1(l, "sorted", H(l, d, "keys"))));
        s->a = ks;
        body(&s->body, st);
        body(&s->orelse, st);
        vec_push(&b, s);
        return block(l, b);
    }
    if (s->kind == A_FOR) {
        if (is_d(s->a, st))
            s->a = H(s->a->l, s->a->name, "keys");
        else
            expr(s->a, st);
    } else if (s->kind != A_DEF) {
        expr(s->a, st);
        expr(s->b, st);
        for (int i = 0; i < s->targets.len; i++)
            expr(VEC_AT(s->targets, i, ast *), st);
    }
    body(&s->body, st);
    body(&s->orelse, st);
    return NULL;
}

static void body(vec *b, rtd *st)
{
    for (int i = 0; i < b->len; i++) {
        ast *r = stmt(VEC_AT(*b, i, ast *), st);
        if (r)
            b->items[i] = r;
    }
}

void lw_rtdicts_rewrite(ast *module)
{
    rtd st = {0};
    find_names(&module->body, &st);
    vec dicts = {0}, keep = {0};
    empty_dicts(module, &dicts);
    for (int i = 0; i < st.names.len; i++)
        if (lw_name_in(&dicts, VEC_AT(st.names, i, const char *)))
            vec_push(&keep, st.names.items[i]);
    st.names = keep;
    if (st.names.len)
        body(&module->body, &st);
}

/* ---- the two primitives of the rewrite ----------------------------------------------------- */

/* The position of key x in the run-time list of int or float64 keys K (-1 when it is not there). */
static ir_var *position(lctx *c, loc l, value *keys, value *x)
{
    /* Python's ==: 2 and 2.0 are one key (exact below 2**53), np.float32(0.5) finds 0.5 */
    ir_type kt = ir_type_is_float(keys->type) || ir_type_is_float(x->type) ? T_F64 : T_I64;
    ir_var *xv = lw_temp_scalar(c, kt), *at = lw_temp_scalar(c, T_I64);
    ir_stmt *a = ir_stmt_new(S_ASSIGN, l);
    a->var = xv;
    a->e = ir_cast(l, kt, x->e);
    lw_emit(c, a);
    a = ir_stmt_new(S_ASSIGN, l);
    a->var = at;
    a->e = lw_I64(l, -1);
    lw_emit(c, a);
    ir_var *k;
    ir_stmt *st = lw_loop_over(c, l, lw_I64(l, 0), ir_varref(l, keys->lcnt), "find_it", &k);
    ir_expr **ik = NEWN(ir_expr *, 1);
    ik[0] = ir_varref(l, k);
    ir_stmt *take = ir_stmt_new(S_IF, l);
    take->e = ir_bin(l, OP_CEQ, T_BOOL, ir_cast(l, kt, ir_elem(l, keys->lbuf, ik)), ir_varref(l, xv), 0);
    ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
    as->var = at;
    as->e = ir_varref(l, k);
    vec_push(&take->body, as);
    vec_push(&st->body, take);
    lw_emit(c, st);
    return at;
}

static value *list_of(lctx *c, ast *a)
{
    value *v = lw_expr(c, a);
    if (v->kind == V_ERR)
        return NULL;
    if (v->kind != V_LIST || v->rank || v->lrow || v->type == T_F32 || v->type == T_BOOL) {
        diag_error(a->l, "a dict whose keys are known only when running is supported with int or float64 keys, "
                         "stored in a loop before it is read");
        return NULL;
    }
    return v;
}

/* d.get(x, default): V's item at x's position in K, or default when x is not there (a number
 * of the values' kind: an int default of a dict of floats would print otherwise) */
static value *dict_get(lctx *c, loc l, value *keys, ast *V, ast *X, ast *D)
{
    value *x = lw_expr(c, X), *vals = lw_expr(c, V), *dv = lw_expr(c, D);
    if (x->kind == V_ERR || vals->kind == V_ERR || dv->kind == V_ERR)
        return &lw_ERRV;
    if (x->kind != V_SCALAR) {
        diag_error(x->l, "a key of a dict whose keys are known only when running must be a number");
        return &lw_ERRV;
    }
    if (vals->kind != V_LIST || vals->rank || vals->lrow) {
        diag_error(l, "get() of a dict whose keys are known only when running is supported when its "
                      "values are numbers");
        return &lw_ERRV;
    }
    if (dv->kind != V_SCALAR || ir_type_is_float(dv->type) != ir_type_is_float(vals->type) ||
        (dv->type == T_BOOL) != (vals->type == T_BOOL)) {
        diag_error(dv->l, "get()'s default must be a number of the dict's values' kind (%s) here, not %s",
                   ir_type_is_float(vals->type) ? "a float" : vals->type == T_BOOL ? "a bool" : "an int",
                   dv->kind == V_SCALAR ? (ir_type_is_float(dv->type) ? "a float" : dv->type == T_BOOL ? "a bool" : "an int")
                                        : lw_vkind_desc(dv));
        return &lw_ERRV;
    }
    ir_var *at = position(c, l, keys, x), *r = lw_temp_scalar(c, vals->type);
    ir_stmt *a = ir_stmt_new(S_ASSIGN, l);
    a->var = r;
    a->e = ir_cast(l, vals->type, dv->e);
    lw_emit(c, a);
    ir_stmt *found = ir_stmt_new(S_IF, l);
    found->e = ir_bin(l, OP_CGE, T_BOOL, ir_varref(l, at), lw_I64(l, 0), 0);
    ir_expr **ik = NEWN(ir_expr *, 1);
    ik[0] = ir_varref(l, at);
    a = ir_stmt_new(S_ASSIGN, l);
    a->var = r;
    a->e = ir_elem(l, vals->lbuf, ik);
    vec_push(&found->body, a);
    lw_emit(c, found);
    return lw_scalar(l, ir_varref(l, r), dv->weak);
}

/* dict.find(K, x): the position of x in K, KeyError when it is not there; dict.put(K, V, x, v):
 * v stored at x's position in V, or appended to both when x is not in K. NULL: not these. */
value *lw_rtdict_call(lctx *c, ast *call)
{
    ast *f = call->a;
    if (f->kind != A_NAME ||
        (strcmp(f->name, "dict.find") != 0 && strcmp(f->name, "dict.put") != 0 && strcmp(f->name, "dict.get") != 0 &&
         strcmp(f->name, "dict.repr") != 0 && strcmp(f->name, "dict.key") != 0))
        return NULL;
    loc l = call->l;
    if (f->name[5] == 'k') { /* dict.key(k): the key stored, an int or a float64 (Python's or NumPy's:
                              * the list of keys keeps which, for repr); any other kind is refused here,
                              * where it stood (a string key said "unsupported operand for '>'" of
                              * the rewrite's d.k > d.hi, then more about the dict's other uses) */
        ast *K = VEC_AT(call->args, 0, ast *), *keys = VEC_AT(call->args, 1, ast *);
        value *x = lw_expr(c, K);
        if (x->kind != V_ERR && (x->kind != V_SCALAR || x->type == T_F32 || x->type == T_BOOL))
            diag_error(K->l, "a dict stored into in a loop with keys known only when running is supported "
                             "with int and float64 keys, not %s",
                       x->kind == V_SCALAR && x->type == T_F32 ? "a float32" : lw_vkind_desc(x));
        else if (x->kind != V_ERR)
            return x;
        binding *nb = lw_bind(c, keys->name); /* d.keys read as an error from now on: no message */
        nb->kind = B_VALUE;                   /* at each later use of d */
        nb->val = &lw_ERRV;
        return &lw_ERRV;
    }
    value *keys = list_of(c, VEC_AT(call->args, 0, ast *));
    if (!keys)
        return &lw_ERRV;
    if (f->name[5] == 'f') {
        value *x = lw_expr(c, VEC_AT(call->args, 1, ast *));
        if (x->kind == V_ERR)
            return x;
        if (x->kind != V_SCALAR) {
            diag_error(x->l, "a key of a dict whose keys are known only when running must be a number");
            return &lw_ERRV;
        }
        ir_var *at = position(c, l, keys, x);
        lw_emit_raise(c, l, ir_bin(l, OP_CLT, T_BOOL, ir_varref(l, at), lw_I64(l, 0), 0),
                      "KeyError: a key that is not in the dict");
        value *r = lw_scalar(l, ir_varref(l, at), 0);
        r->type = T_I64;
        return r;
    }
    if (f->name[5] == 'r') { /* dict.repr(K, V): Python's dict repr, "{" + ", ".join([repr(k) + ": " +
                                repr(v) for k, v in zip(K, V)]) + "}" */
        ast *V = VEC_AT(call->args, 1, ast *);
        value *vals = lw_expr(c, V);
        if (vals->kind == V_ERR)
            return vals;
        if (vals->kind != V_LIST || (vals->rank && !vals->lrow)) {
            diag_error(l, "print() of a dict of arrays whose keys are known only when running is not "
                          "supported (of numbers, and of tuples of numbers, it is)");
            return &lw_ERRV;
        }
        ast *k = ast_name(l, "dict.repr.k"), *v = ast_name(l, "dict.repr.v");
        ast *item = ast_binop(l, '+', ast_binop(l, '+', call1(l, "repr", k), ast_str(l, ": ")), call1(l, "repr", v));
        ast *tgt = ast_new(A_TUPLE, l), *clause = ast_new(A_FOR, l), *comp = ast_new(A_COMP, l);
        tgt->args = ast_vec1(ast_name(l, "dict.repr.k"));
        vec_push(&tgt->args, ast_name(l, "dict.repr.v"));
        clause->b = tgt;
        clause->a = ast_call(l, ast_name(l, "zip"), ast_arglist(ast_arglist(NULL, VEC_AT(call->args, 0, ast *)), V));
        comp->a = item;
        comp->args = ast_vec1(clause);
        comp->ival = 1; /* a list */
        ast *join = ast_call(l, ast_attr(l, ast_str(l, ", "), "join"), ast_arglist(NULL, comp));
        return lw_expr(c, ast_binop(l, '+', ast_binop(l, '+', ast_str(l, "{"), join), ast_str(l, "}")));
    }
    if (f->name[5] == 'g') /* dict.get(K, V, x, default) */
        return dict_get(c, l, keys, VEC_AT(call->args, 1, ast *), VEC_AT(call->args, 2, ast *),
                        VEC_AT(call->args, 3, ast *));
    /* dict.put: an existing key's value replaced, else both appended (keys not in order) */
    ast *V = VEC_AT(call->args, 1, ast *), *X = VEC_AT(call->args, 2, ast *), *v = VEC_AT(call->args, 3, ast *);
    value *x = lw_expr(c, X);
    if (x->kind == V_ERR)
        return x;
    ir_var *at = position(c, l, keys, x);
    ast *atn = ast_name(l, arena_printf(&util_arena, "dict.at.%d.%d", l.line, l.col));
    value *atv = lw_scalar(l, ir_varref(l, at), 0);
    atv->type = T_I64;
    lw_assign_name(c, atn, atv);
    vec app = ast_vec1(append(l, VEC_AT(call->args, 0, ast *), X));
    vec_push(&app, append(l, V, v));
    value *vals = lw_expr(c, V);
    if (vals->kind == V_ERR)
        return vals;
    ast *store = ast_assign(l, ast_vec1(ast_subscript(l, V, ast_vec1(atn), 0)), v);
    if (vals->kind == V_LIST && (vals->rank || vals->lrow)) /* no store into an item of arrays */
        store = ast_raise(l, call1(l, "NotImplementedError",
                                   ast_str(l, "storing again under a key of a dict of arrays whose keys are known "
                                              "only when running is not supported")));
    lw_stmt(c, ast_if(l, ast_compare(l, atn, OP_LT, ast_int(l, 0)), app, ast_vec1(store)));
    return lw_vnew(V_NONE, l);
}
