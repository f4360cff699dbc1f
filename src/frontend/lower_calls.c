/* lower_calls.c: calls: evaluating and matching arguments to parameters, inlining user
 * functions and lambdas at each call (a fresh scope per inlining instance), and compile-time
 * iteration (the items of lists, tuples, zip and enumerate, and comprehensions over them; for
 * loops over them are unrolled by lower_unroll.c). Requires: the callee is a value (function,
 * lambda, built-in). Establishes: recursion is reported, not followed; an unrolled sequence has
 * at most MAX_UNROLL items. */

#include "lower_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* items[0..n) copied into a new array with room for `more` further items */
static value **realloc_items(value **items, int n, int more)
{
    value **r = NEWN(value *, n + more + 1);
    for (int i = 0; i < n; i++)
        r[i] = items[i];
    return r;
}
/* Set just before a NumPy function's arguments are evaluated: a run-time list among them is
 * passed as the array of its items (lower_lists.c). lw_args takes it (nested calls do not). */
static int list_args_as_arrays;
/* Set with it for a call whose result NumPy gives alike for any empty array (np.any(L),
 * np.mean(L), np.max(L)'s error): an empty list needs no check there (lw_list_as_numpy). */
static int list_empty_alike;
/* Set with it for np.vstack/hstack/concatenate/... ("concatenate") and np.stack ("stack"):
 * an empty list is NumPy's ValueError there (lw_list_as_joined). */
static const char *list_joined;
static value *list_arg(lctx *c, value *v, int conv, int alike, int dtype_given, const char *joined)
{
    if (conv && v->kind == V_LIST && joined)
        return lw_list_as_joined(c, v->l, v, joined);
    if (conv && v->kind == V_LIST && alike)
        return lw_list_as_array(c, v->l, v);
    return conv && v->kind == V_LIST ? lw_list_as_numpy(c, v->l, v, dtype_given) : v;
}
/* Set while a comprehension's iterable, or the range of a for loop that indexes a list, is
 * lowered: range() of ints whose values are known here (a parameter's default, k = 3 in a
 * function) counts as known (lw_iter_items); other for loops keep such ranges as loops. */
static int static_ranges;
/* range(...) passed to a NumPy function: NumPy makes an array of it, as np.arange does */
static value *range_arg(lctx *c, ast *a, int conv)
{
    int unbound;
    if (!conv || a->kind != A_CALL || a->a->kind != A_NAME || strcmp(a->a->name, "range") != 0 ||
        lw_lookup(c, "range", &unbound))
        return NULL;
    args ra = lw_args(c, a);
    if (lw_any_err(&ra))
        return &lw_ERRV;
    for (int i = 0; i < ra.npos; i++)
        if (!lw_is_int_scalar(ra.pos[i])) {
            diag_error(ra.pos[i]->l, "'%s' object cannot be interpreted as an integer", lw_vkind_desc(ra.pos[i]));
            return &lw_ERRV;
        }
    return lw_arange(c, a->l, &ra);
}

/* The marks of positional arguments [*have, n) set to `at` (a starred argument adds several). */
static int *grow_marks(int *m, int *have, int n, int at)
{
    int *r = NEWN(int, n + 1);
    if (m)
        memcpy(r, m, sizeof(int) * (size_t)*have);
    for (int i = *have; i < n; i++)
        r[i] = at;
    *have = n;
    return r;
}

/* Room for cap keyword arguments in r (and their marks), those it has kept. */
static int *grow_kwargs(args *r, int *kmark, int cap)
{
    value **kw = NEWN(value *, cap);
    const char **names = NEWN(const char *, cap);
    ast **asts = NEWN(ast *, cap);
    int *marks = NEWN(int, cap);
    for (int i = 0; i < r->nkw; i++) {
        kw[i] = r->kw[i];
        names[i] = r->kwname[i];
        asts[i] = r->kwast[i];
        marks[i] = kmark[i];
    }
    r->kw = kw;
    r->kwname = names;
    r->kwast = asts;
    return marks;
}

/* The arguments in the order Python evaluates them (positional, then keywords), each pinned
 * against the later ones' statements (lower_order.c): f(k, g()) with g changing k passes k's
 * value before the call. */
static void pin_args(lctx *c, args *r, int *pmark, int npm, int *kmark)
{
    int n = r->npos + r->nkw;
    if (n < 2)
        return;
    value **vs = NEWN(value *, n);
    int *ms = NEWN(int, n);
    for (int i = 0; i < r->npos; i++) {
        vs[i] = r->pos[i];
        ms[i] = i < npm ? pmark[i] : c->out->len;
    }
    for (int i = 0; i < r->nkw; i++) {
        vs[r->npos + i] = r->kw[i];
        ms[r->npos + i] = kmark[i];
    }
    lw_pin_operands(c, vs, ms, n);
    for (int i = 0; i < r->npos; i++)
        r->pos[i] = vs[i];
    for (int i = 0; i < r->nkw; i++)
        r->kw[i] = vs[r->npos + i];
}

enum { MAX_UNROLL = 256 }; /* items a compile-time sequence may have */
static value *iter_items(lctx *c, ast *it, value **evaluated);

args lw_args(lctx *c, ast *call)
{
    int conv = list_args_as_arrays, alike = conv && list_empty_alike;
    const char *joined = conv ? list_joined : NULL;
    list_args_as_arrays = list_empty_alike = 0;
    list_joined = NULL;
    args r = {0};
    int npm = 0, *pmark = NULL, *kmark = NEWN(int, call->kwargs.len + 1);
    r.pos = NEWN(value *, call->args.len + 1);
    r.kw = NEWN(value *, call->kwargs.len + 1);
    r.kwname = NEWN(const char *, call->kwargs.len + 1);
    r.kwast = NEWN(ast *, call->kwargs.len + 1);
    for (int i = 0; i < call->args.len; i++) {
        ast *a = VEC_AT(call->args, i, ast *);
        if (a->kind == A_STARRED) { /* f(*seq): the items of a sequence known when compiling */
            value *ev = NULL;
            value *seq = iter_items(c, a->a, &ev);
            int64_t k;
            if (!seq && ev && ev->kind == V_ARRAY && ev->rank >= 1 && ev->sh[0] && sym_is_const(ev->sh[0], &k) &&
                k <= MAX_UNROLL) /* np.hypot(*pts): the items along the first axis, as Python's */
                seq = lw_unpack_array(c, a->l, ev, (int)k);
            if (seq && seq->kind == V_TUPLE) {
                r.pos = realloc_items(r.pos, r.npos, call->args.len - i - 1 + seq->n + 1);
                for (int k = 0; k < seq->n; k++)
                    r.pos[r.npos++] = seq->items[k];
                pmark = grow_marks(pmark, &npm, r.npos, c->out->len);
                continue;
            }
            if (!seq || seq->kind != V_ERR)
                diag_error(a->l, "'*' arguments are supported for lists, tuples and arrays of a length "
                                 "known when compiling");
            r.pos[r.npos++] = &lw_ERRV;
            continue;
        }
        value *rv = range_arg(c, a, conv);
        r.pos[r.npos++] = rv ? rv : lw_ndarr(c, lw_expr(c, a)); /* np.sum(np.indices(s), axis=0) */
        pmark = grow_marks(pmark, &npm, r.npos, c->out->len);
    }
    for (int i = 0; i < call->kwargs.len; i++) {
        ast *k = VEC_AT(call->kwargs, i, ast *);
        if (!k->name) { /* f(**d): the items of a dict whose keys are known when compiling */
            value *d = lw_expr(c, k->a);
            kmark = grow_kwargs(&r, kmark, r.nkw + call->kwargs.len + (lw_is_dict(d) ? d->n : 0) + 1);
            if (d->kind == V_ERR || !lw_dict_kwargs(k->l, d)) { /* the call is not made */
                r.kwname[r.nkw] = "**";
                r.kwast[r.nkw] = k;
                r.kw[r.nkw++] = &lw_ERRV;
                kmark[r.nkw - 1] = c->out->len;
                continue;
            }
            for (int j = 0; j < d->n; j++) {
                int twice = 0;
                for (int q = 0; q < r.nkw; q++)
                    twice |= strcmp(r.kwname[q], d->keys[j]->str) == 0;
                if (twice) {
                    diag_error(k->l, "TypeError: got multiple values for keyword argument '%s' (by name "
                                     "and by '**')", d->keys[j]->str);
                    continue;
                }
                r.kwname[r.nkw] = d->keys[j]->str;
                r.kwast[r.nkw] = k;
                r.kw[r.nkw++] = d->items[j];
                kmark[r.nkw - 1] = c->out->len;
            }
            continue;
        }
        r.kwname[r.nkw] = k->name;
        r.kwast[r.nkw] = k;
        r.kw[r.nkw++] = lw_expr(c, k->a);
        kmark[r.nkw - 1] = c->out->len;
    }
    pin_args(c, &r, pmark, npm, kmark);
    /* run-time lists as arrays once every argument is known: whether a dtype is named */
    int dtype_given = 0;
    for (int i = 0; i < r.npos; i++)
        dtype_given |= r.pos[i]->kind == V_DTYPE;
    for (int i = 0; i < r.nkw; i++)
        dtype_given |= strcmp(r.kwname[i], "dtype") == 0;
    for (int i = 0; i < r.npos; i++)
        r.pos[i] = list_arg(c, r.pos[i], conv, alike, dtype_given, i == 0 ? joined : NULL);
    for (int i = 0; i < r.nkw; i++)
        r.kw[i] = list_arg(c, r.kw[i], conv, alike, dtype_given, NULL);
    return r;
}
int lw_any_err(args *a)
{
    for (int i = 0; i < a->npos; i++)
        if (a->pos[i]->kind == V_ERR)
            return 1;
    for (int i = 0; i < a->nkw; i++)
        if (a->kw[i]->kind == V_ERR)
            return 1;
    return 0;
}

/* Match a call's arguments to a signature "name,name=,..." (names with '=' are optional).
 * out[i] is the value or NULL. Reports Python's messages for bad calls. */
int lw_match_args(loc l, const char *fname, args *a, int nparam, const char **pnames,
                  int nrequired, value **out)
{
    for (int i = 0; i < nparam; i++)
        out[i] = NULL;
    if (a->npos > nparam) {
        diag_error(l, "%s() takes %d positional argument%s but %d %s given", fname, nparam,
                   nparam == 1 ? "" : "s", a->npos, a->npos == 1 ? "was" : "were");
        return 0;
    }
    for (int i = 0; i < a->npos; i++)
        out[i] = a->pos[i];
    for (int k = 0; k < a->nkw; k++) {
        int found = -1;
        for (int i = 0; i < nparam; i++)
            if (strcmp(pnames[i], a->kwname[k]) == 0)
                found = i;
        if (found < 0) {
            diag_error(a->kwast[k]->l, "%s() got an unexpected keyword argument '%s'", fname,
                       a->kwname[k]);
            return 0;
        }
        if (out[found]) {
            diag_error(a->kwast[k]->l, "%s() got multiple values for argument '%s'", fname,
                       a->kwname[k]);
            return 0;
        }
        out[found] = a->kw[k];
    }
    int missing = 0;
    for (int i = 0; i < nrequired; i++)
        if (!out[i])
            missing++;
    if (missing) {
        strbuf b = {0};
        int seen = 0;
        for (int i = 0; i < nrequired; i++)
            if (!out[i]) {
                sb_printf(&b, "%s'%s'", seen == 0 ? "" : (seen == missing - 1 ? " and " : ", "), pnames[i]);
                seen++;
            }
        diag_error(l, "%s() missing %d required positional argument%s: %s", fname, missing,
                   missing == 1 ? "" : "s", b.s);
        sb_free(&b);
        return 0;
    }
    return 1;
}

vec *lw_builtin_listing;
const lw_builtin *lw_builtin_find(const lw_builtin *table, size_t n, const char *name)
{
    if (!name) {
        for (size_t i = 0; lw_builtin_listing && i < n; i++)
            if (table[i].nreq != LW_REFUSED)
                vec_push(lw_builtin_listing, (void *)table[i].name);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}
value *lw_builtin_call(lctx *c, const lw_builtin *b, loc l, args *a)
{
    if (b->params[0] && strcmp(b->params[0], "*") == 0)
        return b->fn(c, l, b->name, NULL, a);
    int n = 0;
    while (n < (int)(sizeof b->params / sizeof *b->params) && b->params[n])
        n++;
    value *v[sizeof b->params / sizeof *b->params];
    if (!lw_match_args(l, b->name, a, n, (const char **)b->params, b->nreq, v))
        return &lw_ERRV;
    return b->fn(c, l, b->name, v, a);
}
/* A list whose items are constants, variables, arrays and other such lists (a list bound to a
 * name, its items held by hidden names): passed by reference, so that the function's changes
 * to its items reach the caller's list, as in Python (a list of expressions is pinned by the
 * parameter's assignment instead, its items computed once). */
static int settled_list(value *v)
{
    if (v->kind != V_TUPLE || !v->is_list || v->keys || v->dict_param)
        return 0;
    for (int i = 0; i < v->n; i++) {
        value *it = v->items[i];
        int ok = (it->kind == V_SCALAR && !it->dyn && (it->e->kind == E_CONST || it->e->kind == E_VAR)) ||
                 (it->kind == V_ARRAY && it->e->kind == E_READ && !it->fresh) || it->kind == V_STR ||
                 it->kind == V_NONE || settled_list(it);
        if (!ok)
            return 0;
    }
    return 1;
}

static value *inline_call(lctx *c, value *fn, ast *call)
{
    ast *def = fn->def;
    if (!lw_recursion_enter(c, def, call->l))
        return &lw_ERRV;
    if (lw_has_yield(&def->body)) {
        diag_error(call->l, "a generator is supported only as the iterable of a for loop ('for x in "
                            "%s(...)'); storing it, next() and other uses are not supported", def->name);
        return &lw_ERRV;
    }
    args a = lw_args(c, call);
    if (lw_any_err(&a))
        return &lw_ERRV;
    if (fn->self) { /* obj.method(...): self first */
        value **pos = NEWN(value *, a.npos + 1);
        pos[0] = fn->self;
        for (int i = 0; i < a.npos; i++)
            pos[i + 1] = a.pos[i];
        a.pos = pos;
        a.npos++;
    }
    /* def f(a, b=1, *args, c=2): the positional arguments past b are the tuple args (its
     * length is known here, at each call); c can only be given by keyword */
    int np = 0, nreq = 0, star = -1, npos_params = def->params.len;
    const char **pn = NEWN(const char *, def->params.len + 1);
    ast **pa = NEWN(ast *, def->params.len + 1);
    for (int i = 0; i < def->params.len; i++) {
        ast *p = VEC_AT(def->params, i, ast *);
        if (p->ival == 2) {
            diag_error(p->l, "'**%s' parameters are not supported (dictionaries are not); name the "
                             "keyword parameters", p->name);
            return &lw_ERRV;
        }
        if (p->ival == 1) {
            star = p->name[0] ? i : -1; /* a bare '*' takes no arguments: keyword-only after it */
            npos_params = np;
            continue;
        }
        pa[np] = p;
        pn[np++] = p->name;
        if (!p->a && npos_params == def->params.len)
            nreq = np;
    }
    if (star < 0 && npos_params < np && a.npos > npos_params) {
        diag_error(call->l, "%s() takes %d positional argument%s but %d %s given", def->name, npos_params,
                   npos_params == 1 ? "" : "s", a.npos, a.npos == 1 ? "was" : "were");
        return &lw_ERRV;
    }
    value *extra = NULL;
    if (star >= 0) {
        extra = lw_vnew(V_TUPLE, call->l);
        extra->n = a.npos > npos_params ? a.npos - npos_params : 0;
        extra->items = NEWN(value *, extra->n + 1);
        for (int k = 0; k < extra->n; k++) {
            extra->items[k] = a.pos[npos_params + k];
            if (extra->items[k]->kind == V_ARRAY && extra->items[k]->e->kind != E_READ)
                extra->items[k] = lw_materialize(c, extra->items[k]);
        }
        a.npos -= extra->n;
    }
    value **vals = NEWN(value *, np + 1);
    if (!lw_match_args(call->l, def->name, &a, np, pn, nreq, vals))
        return &lw_ERRV;
    /* keyword-only parameters (after '*' or '*args') without a default: Python's message */
    int kwmissing = 0, kwseen = 0;
    for (int i = npos_params; i < np; i++)
        kwmissing += !vals[i] && !pa[i]->a;
    strbuf kwb = {0};
    for (int i = npos_params; i < np; i++)
        if (!vals[i] && !pa[i]->a) {
            sb_printf(&kwb, "%s'%s'", kwseen == 0 ? "" : kwseen == kwmissing - 1 ? " and " : ", ", pn[i]);
            kwseen++;
        }
    if (kwmissing) {
        diag_error(call->l, "%s() missing %d required keyword-only argument%s: %s", def->name, kwmissing,
                   kwmissing == 1 ? "" : "s", kwb.s);
        sb_free(&kwb);
        return &lw_ERRV;
    }
    for (int i = 0; i < np; i++)
        if (vals[i] && vals[i]->kind == V_ARRAY && vals[i]->e->kind != E_READ)
            vals[i] = lw_materialize(c, vals[i]);
    /* Defaults are evaluated in the defining scope. */
    scope *caller = c->sc;
    for (int i = 0; i < np; i++)
        if (!vals[i]) {
            c->sc = fn->defscope;
            vals[i] = lw_expr(c, pa[i]->a);
            c->sc = caller;
        }
    scope *s = NEW(scope);
    s->parent = fn->defscope;
    s->is_function = 1;
    s->prefix = lw_cname(c, def->name);
    for (int i = 0; i < np; i++)
        vec_push(&s->locals, (void *)pn[i]);
    if (extra)
        vec_push(&s->locals, (void *)VEC_AT(def->params, star, ast *)->name);
    const char *retname = NULL;
    vec body = lw_returns_early(def) ? lw_returns_body(def, &retname) : def->body;
    lw_declared_globals(&body, &s->globals);
    vec assigned = {0};
    lw_assigned_names(&body, &assigned);
    for (int i = 0; i < assigned.len; i++)
        if (!lw_name_in(&s->globals, VEC_AT(assigned, i, const char *)))
            vec_push(&s->locals, assigned.items[i]);
    vec_push(&c->inlining, def);
    c->sc = s;
    if (extra) {
        binding *b = lw_bind(c, VEC_AT(def->params, star, ast *)->name);
        b->kind = B_VALUE;
        b->val = extra;
    }
    for (int i = 0; i < np; i++) {
        ast t = {.kind = A_NAME, .l = pa[i]->l, .name = pn[i]};
        value *v = vals[i];
        if (lw_is_dict(v)) {
            value *p = lw_vnew(V_TUPLE, v->l);
            *p = *v;
            p->dict_param = 1;
            v = p;
        }
        if ((v->kind == V_ARRAY && v->e->kind == E_READ && !v->fresh) || settled_list(v)) {
            binding *b = lw_bind(c, pn[i]); /* arrays and lists are passed by reference */
            b->kind = B_VALUE;
            b->val = v;
        } else
            lw_assign_name(c, &t, v);
    }
    if (star >= 0)
        pn[np] = VEC_AT(def->params, star, ast *)->name;
    lw_unbound_begin(c, call->l, &body, np + (star >= 0), pn);
    value *ret = lw_vnew(V_NONE, call->l);
    int n = retname ? 0 : def->body.len;
    int saved_loops = c->loops;
    c->loops = 0;
    if (retname) {
        lw_block(c, &body);
        ast rn = {.kind = A_NAME, .l = call->l, .name = retname};
        binding *rb = lw_find_in(s, retname);
        ret = !rb || (rb->kind == B_VALUE && lw_is_ambiguous(rb->val)) ? &lw_ERRV : lw_read_name(c, &rn);
        if (ret->kind == V_TUPLE)
            for (int k = 0; k < ret->n; k++)
                if (ret->items[k]->kind == V_ARRAY && ret->items[k]->e->kind != E_READ)
                    ret->items[k] = lw_materialize(c, ret->items[k]);
    }
    for (int i = 0; i < n; i++) {
        ast *st = VEC_AT(def->body, i, ast *);
        if (st->kind == A_RETURN) { /* the last statement (lw_returns_early) */
            if (st->a) {
                ret = lw_expr(c, st->a);
                if (ret->kind == V_ARRAY && ret->e->kind != E_READ)
                    ret = lw_materialize(c, ret);
                if (ret->kind == V_TUPLE)
                    for (int k = 0; k < ret->n; k++)
                        if (ret->items[k]->kind == V_ARRAY && ret->items[k]->e->kind != E_READ)
                            ret->items[k] = lw_materialize(c, ret->items[k]);
            }
            break;
        }
        lw_stmt(c, st);
    }
    c->loops = saved_loops;
    c->sc = caller;
    c->inlining.len--;
    /* The callee's arrays are released after the caller's statement (the caller holds its
     * own references to anything it keeps, a list it built included). */
    for (int k = 0; k < (ret->kind == V_TUPLE ? ret->n : 1); k++) {
        value **it = ret->kind == V_TUPLE ? &ret->items[k] : &ret;
        for (int i = 0; (*it)->kind == V_LIST && (*it)->lbuf && i < s->vars.len; i++)
            if (VEC_AT(s->vars, i, ir_var *) == (*it)->lbuf) {
                *it = lw_list_own(c, call->l, *it);
                break;
            }
    }
    for (int i = 0; i < s->vars.len; i++) {
        ir_var *v = VEC_AT(s->vars, i, ir_var *);
        if (v->is_array)
            vec_push(&c->pending, v);
    }
    if (ret->kind != V_ERR)
        ret->l = call->l;
    lw_lib_note_call(def, np, pn, vals, ret); /* tylesc --lib: the module is its own example */
    return ret;
}

/* ---- compile-time iteration: comprehensions, for over lists, zip, enumerate ------------------ */


/* The items of an iterable known when compiling, as a V_TUPLE: range() of constant ints, a
 * list or tuple value, zip() and enumerate() of such. NULL (no diagnostic) when the iterable is
 * not one of these; &ERRV after a diagnostic. */
value *lw_iter_items(lctx *c, ast *it) { return iter_items(c, it, NULL); }

/* lw_iter_items with range() of ints known here but not constants taken as items too (ranges 1)
 * or not (0). */
value *lw_iter_items_ranges(lctx *c, ast *it, int ranges)
{
    int outer = static_ranges;
    static_ranges = ranges;
    value *items = lw_iter_items(c, it);
    static_ranges = outer;
    return items;
}

/* lw_iter_items, and in *evaluated (when not NULL) the value of an expression that is no such
 * sequence (an array: f(*pts)). */
static value *iter_items(lctx *c, ast *it, value **evaluated)
{
    int unbound;
    if (it->kind == A_CALL && it->a->kind == A_NAME && !lw_lookup(c, it->a->name, &unbound)) {
        const char *f = it->a->name;
        if (strcmp(f, "reversed") == 0 && it->args.len == 1 && !it->kwargs.len) {
            value *fw = lw_iter_items(c, VEC_AT(it->args, 0, ast *));
            if (!fw || fw->kind == V_ERR)
                return fw;
            value *t = lw_vnew(V_TUPLE, it->l);
            t->n = fw->n;
            t->items = NEWN(value *, fw->n + 1);
            for (int i = 0; i < fw->n; i++)
                t->items[i] = fw->items[fw->n - 1 - i];
            return t;
        }
        if (strcmp(f, "range") == 0) {
            args a = lw_args(c, it);
            if (lw_any_err(&a))
                return &lw_ERRV;
            int64_t k[3] = {0, 0, 1};
            if (a.nkw || a.npos < 1 || a.npos > 3)
                return NULL;
            for (int i = 0; i < a.npos; i++)
                if (a.pos[i]->kind != V_SCALAR || !ir_type_is_int(a.pos[i]->type) ||
                    !(ir_expr_const_int(a.pos[i]->e, &k[a.npos == 1 ? 1 : i]) ||
                      (static_ranges && a.pos[i]->s && sym_is_const(a.pos[i]->s, &k[a.npos == 1 ? 1 : i]))))
                    return NULL;
            if (k[2] == 0)
                return NULL;
            /* the trip count as tyl_range_len counts it, in unsigned: range(2**63 - 1) overflowed */
            uint64_t un = k[2] > 0 ? (k[1] > k[0] ? ((uint64_t)k[1] - (uint64_t)k[0] - 1) / (uint64_t)k[2] + 1 : 0)
                                   : (k[0] > k[1] ? ((uint64_t)k[0] - (uint64_t)k[1] - 1) / (0 - (uint64_t)k[2]) + 1 : 0);
            if (un > MAX_UNROLL)
                return NULL;
            int64_t n = (int64_t)un;
            value *t = lw_vnew(V_TUPLE, it->l);
            t->n = (int)n;
            t->items = NEWN(value *, n + 1);
            for (int64_t i = 0; i < n; i++) {
                t->items[i] = lw_scalar(it->l, lw_I64(it->l, k[0] + i * k[2]), 1);
                t->items[i]->s = sym_const(k[0] + i * k[2]);
            }
            return t;
        }
        if (strcmp(f, "zip") == 0 || strcmp(f, "enumerate") == 0) {
            int zip = f[0] == 'z';
            int npos = it->args.len;
            if ((zip && npos < 1) || (!zip && (npos != 1 || it->kwargs.len > 1))) {
                diag_error(it->l, "%s() takes %s here", f, zip ? "one or more sequences" : "a sequence and start=");
                return &lw_ERRV;
            }
            value **seqs = NEWN(value *, npos + 1);
            int n = MAX_UNROLL;
            for (int i = 0; i < npos; i++) {
                value *ev = NULL;
                int64_t k;
                seqs[i] = iter_items(c, VEC_AT(it->args, i, ast *), &ev);
                /* zip(names, W): W's rows, for a few (stacked variables, not a data series,
                 * whose unrolled loop would repeat its body for every item) */
                if (!seqs[i] && ev && ev->kind == V_ARRAY && ev->rank >= 1 && ev->sh[0] &&
                    sym_is_const(ev->sh[0], &k) && k <= 16)
                    seqs[i] = lw_unpack_array(c, VEC_AT(it->args, i, ast *)->l, ev, (int)k);
                if (!seqs[i]) {
                    diag_error(VEC_AT(it->args, i, ast *)->l, "%s() is supported over sequences known "
                               "when compiling (lists, tuples, range() of constants, arrays of at most 16 "
                               "rows)", f);
                    return &lw_ERRV;
                }
                if (seqs[i]->kind == V_ERR)
                    return &lw_ERRV;
                n = seqs[i]->n < n ? seqs[i]->n : n;
            }
            int64_t start = 0;
            if (!zip && it->kwargs.len) {
                ast *kw = VEC_AT(it->kwargs, 0, ast *);
                value *sv = lw_expr(c, kw->a);
                if (!kw->name || strcmp(kw->name, "start") || sv->kind != V_SCALAR ||
                    !ir_expr_const_int(sv->e, &start)) {
                    diag_error(kw->l, "enumerate() takes start= as an int known when compiling");
                    return &lw_ERRV;
                }
            }
            value *t = lw_vnew(V_TUPLE, it->l);
            t->n = n;
            t->items = NEWN(value *, n + 1);
            for (int k = 0; k < n; k++) {
                value *p = lw_vnew(V_TUPLE, it->l);
                p->n = zip ? npos : 2;
                p->items = NEWN(value *, p->n + 1);
                if (zip)
                    for (int i = 0; i < npos; i++)
                        p->items[i] = seqs[i]->items[k];
                else {
                    p->items[0] = lw_scalar(it->l, lw_I64(it->l, start + k), 1);
                    p->items[0]->s = sym_const(start + k);
                    p->items[1] = seqs[0]->items[k];
                }
                t->items[k] = p;
            }
            return t;
        }
    }
    value *v = lw_expr(c, it);
    if (evaluated)
        *evaluated = v;
    if (v->kind == V_ERR)
        return &lw_ERRV;
    if (lw_is_complex(v)) { /* not the tuple of its parts */
        diag_error(it->l, "iterating over a complex value is not supported");
        return &lw_ERRV;
    }
    if (lw_is_dict(v)) { /* for k in d: its keys */
        value *k = lw_vnew(V_TUPLE, v->l);
        k->n = v->n;
        k->items = v->keys;
        return k;
    }
    return v->kind == V_TUPLE ? v : NULL;
}

/* The names of target t bound to the error value, after a diagnostic about t: their uses say
 * nothing more ('name is not defined' followed each such error). */
static void bind_target_err(lctx *c, ast *t)
{
    if (t->kind == A_NAME) {
        binding *b = lw_bind(c, t->name);
        b->kind = B_VALUE;
        b->val = &lw_ERRV;
    } else if (t->kind == A_STARRED && t->a) {
        bind_target_err(c, t->a);
    } else if (t->kind == A_TUPLE || t->kind == A_LIST) {
        for (int i = 0; i < t->args.len; i++)
            bind_target_err(c, VEC_AT(t->args, i, ast *));
    }
}

/* Bind a loop or comprehension target (a name or nested tuple of names) to one item. */
void lw_bind_target(lctx *c, ast *t, value *v, int store_it)
{
    if (t->kind == A_TUPLE || t->kind == A_LIST) {
        for (int i = 0; i < t->args.len; i++)
            if (VEC_AT(t->args, i, ast *)->kind == A_STARRED) { /* was 'cannot unpack a tuple into 2 names' */
                diag_error(VEC_AT(t->args, i, ast *)->l, "a starred name (*name) in a loop's target is not supported "
                                                          "(in an assignment it is: first, *rest = t)");
                bind_target_err(c, t);
                return;
            }
        if (v->kind == V_ARRAY) { /* for x, y in positions: each row unpacked */
            value *u = lw_unpack_array(c, t->l, v, t->args.len);
            if (u && u->kind == V_ERR)
                return;
            if (u)
                v = u;
        }
        if (v->kind != V_TUPLE || v->n != t->args.len) {
            diag_error(t->l, "cannot unpack %s into %d names", lw_vkind_desc(v), t->args.len);
            return;
        }
        for (int i = 0; i < v->n; i++)
            lw_bind_target(c, VEC_AT(t->args, i, ast *), v->items[i], store_it);
        return;
    }
    if (t->kind != A_NAME) {
        diag_error(t->l, "only names and tuples of names are supported as loop targets");
        return;
    }
    /* a for statement's variable lives on after the loop, as in Python; a constant stays a
     * constant (F[i] of an unrolled loop names one item) */
    if (store_it && !(v->kind == V_SCALAR && v->e->kind == E_CONST)) {
        lw_assign_name(c, t, v);
        return;
    }
    binding *b = lw_bind(c, t->name);
    b->kind = B_VALUE;
    b->val = v;
}

/* [elem for t in it if cond ...] and (elem for ...): the clauses are unrolled when compiling
 * (their iterables and conditions must be known then), each element computed in turn; the
 * result is a list value. Comprehension variables are local to it, as in Python 3.
 * For any()/all() of a generator whose elements call something (lw_allany_generator), the
 * elements are taken as Python takes them, until one decides: each after the first under an
 * if on the truth so far (lw_skip), which `acc` accumulates. */
typedef struct comp_st {
    value *out;
    int *marks;  /* c->out->len after each element */
    ir_var *acc; /* any/all: the truth so far; NULL for a plain comprehension */
    int all;
    int probe_if; /* an 'if' known only when running ends the unrolling: */
    int rt_if;    /* set when one is found, instead of the error, */
    loc rt_if_at; /* at its condition */
} comp_st;

static void comp_element(lctx *c, ast *comp, comp_st *st)
{
    value *out = st->out;
    if (!st->acc) {
        out->items[out->n] = lw_expr(c, comp->a);
        st->marks[out->n++] = c->out->len;
        return;
    }
    loc l = comp->a->l;
    ir_expr *acc = ir_varref(l, st->acc);
    lw_skip sk;
    if (out->n) /* all: while true so far; any: while false */
        lw_skip_begin(c, &sk, l, st->all ? acc : ir_un(l, OP_LNOT, T_BOOL, acc),
                      st->all ? "all()" : "any()");
    value *t = lw_truth(c, lw_expr(c, comp->a), st->all ? "all()" : "any()");
    if (out->n)
        lw_skip_end(c, &sk);
    ir_stmt *a = ir_stmt_new(S_ASSIGN, l);
    a->var = st->acc;
    a->e = t->kind != V_SCALAR ? ir_const_i(l, T_BOOL, 0)
           : out->n ? ir_bin(l, st->all ? OP_LAND : OP_LOR, T_BOOL, acc, t->e, 1) : t->e;
    lw_emit(c, a);
    out->items[out->n] = t;
    st->marks[out->n++] = c->out->len;
}

static void comp_clause(lctx *c, ast *comp, int k, comp_st *st)
{
    value *out = st->out;
    if (st->rt_if)
        return;
    if (k == comp->args.len) {
        if (out->n >= MAX_UNROLL) {
            diag_error(comp->l, "a comprehension of more than %d items is not supported", MAX_UNROLL);
            return;
        }
        comp_element(c, comp, st);
        return;
    }
    ast *cl = VEC_AT(comp->args, k, ast *);
    if (cl->kind == A_IF) {
        value *t = lw_truth(c, lw_expr(c, cl->a), "a comprehension's 'if'");
        int64_t kv;
        if (t->kind == V_ERR)
            return;
        if (!ir_expr_const_int(t->e, &kv) && st->probe_if) {
            /* the run-time list holds numbers only: an element of another kind keeps the error */
            lw_probe p;
            lw_probe_begin(c, &p);
            value *e = lw_expr(c, comp->a);
            const char *what = e->kind == V_ERR ? NULL : lw_vkind_desc(e);
            int number = e->kind == V_SCALAR;
            lw_probe_end(c, &p);
            if (number) {
                st->rt_if = 1;
                st->rt_if_at = cl->a->l;
                return;
            }
            if (what) {
                diag_error(cl->a->l, "a comprehension whose 'if' is known only when running makes its list "
                                     "when running, of numbers; its items here are %s", what);
                return;
            }
        }
        if (!ir_expr_const_int(t->e, &kv)) {
            diag_error(cl->a->l, "a comprehension's 'if' must be known when compiling (its length "
                                 "must be)");
            return;
        }
        if (kv)
            comp_clause(c, comp, k + 1, st);
        return;
    }
    int outer = static_ranges;
    static_ranges = 1;
    value *items = lw_iter_items(c, cl->a);
    static_ranges = outer;
    if (!items) {
        diag_error(cl->a->l, "a %scomprehension must iterate over a sequence known when compiling "
                             "(range() of constants, a list or tuple, zip() or enumerate() of those)",
                   comp->ival == 2 ? "dict " : "");
        return;
    }
    if (items->kind == V_ERR)
        return;
    for (int i = 0; i < items->n; i++) {
        lw_bind_target(c, cl->b, items->items[i], 0);
        comp_clause(c, comp, k + 1, st);
    }
}

/* Whether a comprehension over it iterates over items known when compiling (looked at in a
 * probe: nothing lowered, no diagnostic). */
int lw_comp_iter_known(lctx *c, ast *it)
{
    lw_probe p;
    lw_probe_begin(c, &p);
    int outer = static_ranges;
    static_ranges = 1;
    value *items = lw_iter_items(c, it);
    static_ranges = outer;
    lw_probe_end(c, &p);
    return items != NULL && items->kind != V_ERR;
}

/* The names a loop target binds (a name, or tuples of names), into out; 0 for other targets
 * (lw_target_names takes those too). */
int lw_plain_target_names(ast *t, vec *out)
{
    if (t->kind == A_NAME) {
        vec_push(out, (void *)t->name);
        return 1;
    }
    if (t->kind != A_TUPLE && t->kind != A_LIST)
        return 0;
    for (int i = 0; i < t->args.len; i++)
        if (!lw_plain_target_names(VEC_AT(t->args, i, ast *), out))
            return 0;
    return 1;
}

/* [elem for t in it if cond] whose iterable is not known when compiling (range(n) of a number
 * known only when running, an array): a list built at run time, as Python builds it,
 *     comp.L.C = []
 *     for comp.L.C.t in it:
 *         if cond: comp.L.C.append(elem)
 * (the target renamed: a comprehension's variables are its own). Only for one for clause,
 * then ifs, over range() of arguments that call nothing, a name or another expression that calls
 * nothing (a[:, 1]: the iterable was looked at once already); NULL when the comprehension is not
 * of that form. */
static value *runtime_comprehension(lctx *c, ast *a)
{
    if (!a->args.len || VEC_AT(a->args, 0, ast *)->kind != A_FOR)
        return NULL;
    for (int k = 1; k < a->args.len; k++)
        if (VEC_AT(a->args, k, ast *)->kind != A_IF)
            return NULL;
    ast *cl = VEC_AT(a->args, 0, ast *), *it = cl->a;
    int unbound;
    int pure = it->kind == A_NAME || (it->kind != A_CALL && !lw_has_call(it)) ||
               (it->kind == A_CALL && it->a->kind == A_NAME && strcmp(it->a->name, "range") == 0 &&
                !lw_lookup(c, "range", &unbound) && !it->kwargs.len);
    for (int i = 0; pure && it->kind == A_CALL && i < it->args.len; i++)
        pure = !lw_has_call(VEC_AT(it->args, i, ast *));
    if (it->kind == A_CALL && it->a->kind == A_NAME && !it->kwargs.len && !lw_lookup(c, it->a->name, &unbound) &&
        (strcmp(it->a->name, "zip") == 0 || strcmp(it->a->name, "enumerate") == 0)) {
        /* enumerate(L), zip(L, M), zip(F[:-1], F[1:]) of names or call-free expressions (run-time
         * lists, their slices, arrays): as a loop over them */
        pure = it->args.len > 0;
        for (int i = 0; pure && i < it->args.len; i++)
            pure = !lw_has_call(VEC_AT(it->args, i, ast *));
    }
    vec from = {0}, to = {0};
    if (!pure || !lw_plain_target_names(cl->b, &from))
        return NULL;
    loc l = a->l;
    const char *base = arena_printf(&util_arena, "comp.%d.%d", l.line, l.col);
    for (int i = 0; i < from.len; i++)
        vec_push(&to, (void *)arena_printf(&util_arena, "%s.%s", base, VEC_AT(from, i, const char *)));
    ast *L = ast_name(l, base);
    int errs = diag_count();
    lw_stmt(c, ast_assign(l, ast_vec1(L), ast_list(l, (vec){0})));
    ast *body = ast_expr_stmt(l, ast_call(l, ast_attr(l, L, "append"),
                                          ast_arglist(NULL, ast_clone_expr_renamed(a->a, &from, &to))));
    for (int k = a->args.len - 1; k >= 1; k--)
        body = ast_if(l, ast_clone_expr_renamed(VEC_AT(a->args, k, ast *)->a, &from, &to), ast_vec1(body),
                      (vec){0});
    lw_stmt(c, ast_for(l, ast_clone_expr_renamed(cl->b, &from, &to), it, ast_vec1(body), (vec){0}));
    return diag_count() > errs ? &lw_ERRV : lw_read_name(c, L);
}

static value *comprehension(lctx *c, ast *a, comp_st *st)
{
    if (!st->acc && a->ival != 2 && a->args.len && VEC_AT(a->args, 0, ast *)->kind == A_FOR) {
        if (!lw_comp_iter_known(c, VEC_AT(a->args, 0, ast *)->a)) {
            value *r = runtime_comprehension(c, a);
            if (r)
                return r;
        }
    }
    /* An 'if' known only when running (the list's length is the data's: [j for j in range(9)
     * if (c[j] == -c[i]).all()]) stops the unrolling; what it lowered is dropped and the list
     * is built at run time instead. Comprehensions whose ifs are known unroll as before. */
    st->probe_if = !st->acc && a->ival != 2 && a->args.len >= 2 && VEC_AT(a->args, 0, ast *)->kind == A_FOR;
    for (int k = 1; st->probe_if && k < a->args.len; k++) /* runtime_comprehension's form */
        st->probe_if = VEC_AT(a->args, k, ast *)->kind == A_IF;
    snapshot before = {0};
    int outlen = c->out->len;
    if (st->probe_if)
        before = lw_snap_take(c);
    scope *s = NEW(scope);
    s->parent = c->sc;
    s->prefix = c->sc->prefix;
    s->unbound = c->sc->unbound; /* its reads of the scope's names are checked there */
    scope *outer = c->sc;
    c->sc = s;
    value *out = lw_vnew(V_TUPLE, a->l);
    out->items = NEWN(value *, MAX_UNROLL + 1);
    st->out = out;
    st->marks = NEWN(int, MAX_UNROLL + 1);
    int errors = diag_count();
    comp_clause(c, a, 0, st);
    c->sc = outer;
    if (st->rt_if) {
        c->out->len = outlen;
        lw_snap_rewind(c, &before);
        value *r = runtime_comprehension(c, a);
        if (r)
            return r;
        diag_error(st->rt_if_at, "a comprehension's 'if' must be known when compiling (its length "
                                 "must be)");
        return &lw_ERRV;
    }
    if (diag_count() > errors)
        return &lw_ERRV;
    if (!st->acc)
        lw_pin_operands(c, out->items, st->marks, out->n); /* [(n, f(), n) for ...]: each item as made */
    for (int i = 0; i < out->n; i++)
        if (out->items[i]->kind == V_ERR)
            return &lw_ERRV;
    return out;
}

value *lw_comprehension(lctx *c, ast *a)
{
    comp_st st = {0};
    return comprehension(c, a, &st);
}

/* any(g) / all(g) of a generator expression whose element or conditions call something: the
 * elements are evaluated until one decides, as Python's any/all stop (the calls after it do
 * not run); NULL for anything else (lowered as a list of the elements). */
value *lw_allany_generator(lctx *c, ast *g, int all)
{
    if (g->kind != A_COMP || g->ival || !lw_has_call(g->a))
        return NULL;
    comp_st st = {.acc = lw_temp_scalar(c, T_BOOL), .all = all};
    value *r = comprehension(c, g, &st);
    if (r->kind == V_ERR)
        return r;
    if (!r->n)
        return lw_scalar(g->l, ir_const_i(g->l, T_BOOL, all), 1);
    return lw_scalar(g->l, ir_varref(g->l, st.acc), 1);
}

/* A lambda bound to a name and called (f = lambda x: ...; f(u)): its parameters are bound to
 * the arguments in a scope of its own and its expression is the value. */
static value *call_lambda(lctx *c, value *fn, ast *call)
{
    ast *lam = fn->def;
    args a = lw_args(c, call);
    if (lw_any_err(&a))
        return &lw_ERRV;
    int np = lam->params.len;
    const char **pn = NEWN(const char *, np + 1);
    int nreq = 0;
    for (int i = 0; i < np; i++) {
        ast *p = VEC_AT(lam->params, i, ast *);
        if (p->ival) {
            diag_error(p->l, "'%s%s' parameters of a lambda are not supported; use a def",
                       p->ival == 1 ? "*" : "**", p->name);
            return &lw_ERRV;
        }
        pn[i] = p->name;
        if (!p->a)
            nreq = i + 1;
    }
    value **vals = NEWN(value *, np + 1);
    if (!lw_match_args(call->l, "<lambda>", &a, np, pn, nreq, vals))
        return &lw_ERRV;
    scope *s = NEW(scope);
    s->parent = fn->defscope;
    s->is_function = 1;
    s->prefix = lw_cname(c, "lambda");
    for (int i = 0; i < np; i++)
        vec_push(&s->locals, (void *)pn[i]);
    scope *caller = c->sc;
    for (int i = 0; i < np; i++)
        if (!vals[i]) {
            c->sc = fn->defscope;
            vals[i] = lw_expr(c, VEC_AT(lam->params, i, ast *)->a);
            c->sc = caller;
        }
    c->sc = s;
    for (int i = 0; i < np; i++) {
        binding *b = lw_bind(c, pn[i]);
        b->kind = B_VALUE;
        b->val = vals[i];
    }
    value *r = lw_expr(c, lam->a);
    c->sc = caller;
    return r;
}
/* u.ravel().sum(), u.flatten().max(): the reduction of a whole array's ravel is that of the
 * array (lw_unravelled), without the copy; r.ravel().dot(s.ravel()) is lw_dot_ast's */
static ast *unravelled_method(lctx *c, ast *call)
{
    static const char *m[] = {"sum", "max", "min", "mean", "argmax", "argmin", NULL};
    ast *f = call->a;
    int known = 0;
    for (int i = 0; m[i] && f->kind == A_ATTR && !call->args.len && !call->kwargs.len; i++)
        known |= strcmp(f->name, m[i]) == 0;
    ast *x = known ? lw_unravelled(c, f->a) : NULL;
    if (!x)
        return call;
    ast *nf = NEW(ast), *n = NEW(ast);
    *nf = *f;
    nf->a = x;
    *n = *call;
    n->a = nf;
    return n;
}

value *lw_call(lctx *c, ast *call)
{
    call = lw_call_attr_base(c, call); /* self.items.append(x) */
    value *tv = lw_typeof_call(c, call); /* type(x), isinstance(x, T) */
    if (tv)
        return tv;
    if (call->a->kind == A_NAME && strcmp(call->a->name, "super") == 0 && !lw_lookup(c, "super", &(int){0}))
        return lw_super(c, call); /* lower_class.c */
    static const char *list_changes[] = {"append", "extend", "insert", "pop", "remove", "clear", NULL};
    int changes = 0;
    for (int i = 0; list_changes[i] && call->a->kind == A_ATTR; i++)
        changes |= strcmp(call->a->name, list_changes[i]) == 0;
    if (changes && call->a->a->kind == A_SUBSCRIPT) { /* diag["energy"].append(e) */
        ast *d = lw_attr_name(c, call->a->a->a);
        binding *db = d->kind == A_NAME ? lw_lookup(c, d->name, &(int){0}) : NULL;
        if (db && db->kind == B_VALUE && lw_is_dict(db->val)) {
            diag_error(call->a->l, "changing a list held in a dict ('%s') is not supported here: only a "
                                   "dict literal bound once in a block that alone names it (not an "
                                   "attribute, not read by a def, not given to another name or a function, "
                                   "not read whole where its lists change) keeps its lists; keep the list "
                                   "in its own name",
                       diag_text(call->a->l));
            return &lw_ERRV;
        }
    }
    value *lv = lw_list_call(c, call);
    if (lv)
        return lv;
    if ((lv = lw_str_join_item(c, call))) /* the item of a join at run time (lower_strmethods.c) */
        return lv;
    ast *m = call->a;
    if (m->kind == A_ATTR && strcmp(m->name, "dot") == 0 && call->args.len == 1 && !call->kwargs.len &&
        lw_unravelled(c, m->a))
        return lw_dot_ast(c, call->l, "np.dot", m->a, VEC_AT(call->args, 0, ast *));
    call = unravelled_method(c, call);
    value *fn = lw_expr(c, call->a);
    switch (fn->kind) {
    case V_ERR: return &lw_ERRV;
    case V_FUNC: return inline_call(c, fn, call);
    case V_LAMBDA: return call_lambda(c, fn, call);
    case V_CLASS: return lw_class_new(c, fn, call);
    case V_OBJECT: return lw_object_call(c, fn, call);
    case V_BUILTIN:
        list_args_as_arrays = strncmp(fn->str, "np.", 3) == 0;
        list_empty_alike = list_args_as_arrays && call->args.len == 1 && !call->kwargs.len &&
                           (!strcmp(fn->str, "np.any") || !strcmp(fn->str, "np.all") || !strcmp(fn->str, "np.mean") ||
                            !strcmp(fn->str, "np.max") || !strcmp(fn->str, "np.min") || !strcmp(fn->str, "np.amax") ||
                            !strcmp(fn->str, "np.amin") || !strcmp(fn->str, "np.size"));
        list_joined = !list_args_as_arrays ? NULL
                      : !strcmp(fn->str, "np.stack") ? "stack"
                      : !strcmp(fn->str, "np.vstack") || !strcmp(fn->str, "np.hstack") || !strcmp(fn->str, "np.dstack") ||
                                !strcmp(fn->str, "np.concatenate") || !strcmp(fn->str, "np.column_stack") ||
                                !strcmp(fn->str, "np.row_stack")
                            ? "concatenate"
                            : NULL;
        if (list_joined && call->args.len && VEC_AT(call->args, 0, ast *)->kind == A_COMP &&
            VEC_AT(call->args, 0, ast *)->ival == 0) { /* NumPy's TypeError (it was joined) */
            list_args_as_arrays = list_empty_alike = 0;
            list_joined = NULL;
            diag_error(VEC_AT(call->args, 0, ast *)->l, "%s() takes a sequence such as a list or tuple, not a "
                       "generator (NumPy raises TypeError): write [... for ...]", fn->str);
            return &lw_ERRV;
        }
        vec narrowed = {0}; /* float(x), x None or a number: checked (lower_optional.c) */
        lw_opt_builtin_args(c, fn, call, &narrowed);
        value *r = lw_call_builtin(c, fn, call);
        lw_opt_builtin_end(c, &narrowed);
        return r;
    case V_DTYPE: {
        args a = lw_args(c, call);
        if (lw_any_err(&a))
            return &lw_ERRV;
        if (a.npos != 1 || a.pos[0]->kind != V_SCALAR) {
            diag_error(call->l, "%s() takes one scalar here", ir_type_name(fn->type));
            return &lw_ERRV;
        }
        value *x = a.pos[0];
        if (x->weak && ir_type_is_int(fn->type)) {
            /* np.uint8(300.0) converts the Python scalar as Python does: int() of a float (NaN
             * and infinity are Python's errors), then NumPy's OverflowError out of the dtype's
             * range; a NumPy scalar (np.uint8(np.float64(300.0))) is cast instead */
            if (ir_type_is_float(x->type))
                x = lw_py_int(c, call->l, x);
            if (x->kind == V_ERR || !lw_weak_int_fits(c, call->l, x, fn->type))
                return &lw_ERRV;
        }
        return lw_scalar(call->l, ir_cast(call->l, fn->type, x->e), 0);
    }
    default:
        diag_error(call->a->l, "'%s' is not callable (it is %s)", diag_text(call->a->l), lw_vkind_desc(fn));
        return &lw_ERRV;
    }
}

/* NumPy's ufuncs by their number of inputs: one more positional argument is the output array
 * (np.multiply(Z, Z, Z), np.logical_not(I, I)). */
static int ufunc_nin(const char *f)
{
    static const char *one[] = {"sqrt", "exp", "log", "sin", "cos", "tan", "tanh", "floor", "ceil", "sign",
                                "arcsin", "arccos", "arctan", "sinh", "cosh", "arcsinh", "arccosh", "arctanh",
                                "log10", "log2", "exp2", "expm1", "log1p", "cbrt", "trunc", "rint", "abs",
                                "absolute", "fabs", "negative", "positive", "square", "logical_not", "degrees",
                                "radians", "rad2deg", "deg2rad", "isnan", "isinf", "isfinite", "conj",
                                "conjugate", NULL};
    static const char *two[] = {"add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "mod",
                                "remainder", "power", "minimum", "maximum", "arctan2", "hypot", "copysign",
                                "fmod", "less", "less_equal", "greater", "greater_equal", "equal", "not_equal",
                                "logical_and", "logical_or", "logical_xor", NULL};
    for (const char **p = one; *p; p++)
        if (strcmp(f, *p) == 0)
            return 1;
    for (const char **p = two; *p; p++)
        if (strcmp(f, *p) == 0)
            return 2;
    return 0;
}

/* np.multiply(a, b, c) -> np.multiply(a, b, out=c): a ufunc's output given by position, spelled
 * as the keyword the rest of the compiler reads (lw_out_argument, and the in-place tests of
 * lower_grow.c). Every call in the module, before lowering. */
static void out_positional(ast *a, void *unused)
{
    if (!a)
        return;
    if (a->kind == A_CALL && a->a && a->a->kind == A_ATTR && a->a->a && a->a->a->kind == A_NAME &&
        (strcmp(a->a->a->name, "np") == 0 || strcmp(a->a->a->name, "numpy") == 0)) {
        int nin = ufunc_nin(a->a->name), has_out = 0;
        for (int i = 0; i < a->kwargs.len; i++) {
            ast *k = VEC_AT(a->kwargs, i, ast *);
            has_out |= k->name && strcmp(k->name, "out") == 0;
        }
        if (nin && a->args.len == nin + 1 && !has_out) {
            ast *x = VEC_AT(a->args, nin, ast *);
            if (x->kind != A_STARRED) {
                a->args.len--;
                vec_push(&a->kwargs, ast_keyword(x->l, "out", x));
            }
        }
    }
    ast_each_child(a, AST_ALL, out_positional, unused);
}
void lw_out_positional_rewrite(ast *a) { out_positional(a, NULL); }

/* The array a statement `np.f(..., out=X)` writes (X, or X of out=(X,)), and in *call the
 * call without out= (a new node: the statement is lowered again by loop passes and inlining);
 * NULL for any other statement. NumPy computes the result and stores it into X, which is what
 * X[...] = np.f(...) does. For a ufunc or np.clip (lw_outarg_func), where=W is taken out of
 * the call too and given in *where (NULL without one): NumPy stores only the items where W
 * holds (lw_out_store). */
ast *lw_out_argument(ast *e, ast **call, ast **where)
{
    if (where)
        *where = NULL;
    if (e->kind != A_CALL || !e->a || e->a->kind != A_ATTR || !e->a->a || e->a->a->kind != A_NAME ||
        (strcmp(e->a->a->name, "np") != 0 && strcmp(e->a->a->name, "numpy") != 0))
        return NULL;
    for (int i = 0; i < e->kwargs.len; i++) {
        ast *k = VEC_AT(e->kwargs, i, ast *);
        if (!k->name || strcmp(k->name, "out") != 0)
            continue;
        ast *x = k->a;
        if (x->kind == A_TUPLE && x->args.len == 1)
            x = VEC_AT(x->args, 0, ast *);
        if (x->kind == A_NONE)
            return NULL;
        ast *r = ast_new(A_CALL, e->l);
        *r = *e;
        r->kwargs = (vec){0};
        int ufunc = lw_outarg_func(e->a->name);
        for (int j = 0; j < e->kwargs.len; j++) {
            ast *kj = VEC_AT(e->kwargs, j, ast *);
            if (j == i)
                continue;
            if (where && ufunc && kj->name && strcmp(kj->name, "where") == 0 && kj->a->kind != A_BOOL)
                *where = kj->a; /* where=True is every item: kept, the call refuses or ignores it */
            else
                vec_push(&r->kwargs, kj);
        }
        *call = r;
        return x;
    }
    return NULL;
}

/* np.f(args, out=X[, where=W]) lowered: NumPy evaluates the arguments in order (args, then X,
 * then W), computes f where W holds (everywhere without W) and stores it into X, whose items
 * elsewhere keep their values; the call's value is X itself. X is bound to a hidden name when
 * its value is wanted and it is not a name, attribute or subscript (out=np.zeros_like(a) was
 * evaluated a second time for the value: a new array of zeros). Returns the AST naming X. */
ast *lw_out_store(lctx *c, loc l, ast *call, ast *into, ast *plain, ast *where, int want_value)
{
    const char *base = arena_printf(&util_arena, "out.%d.%d", l.line, l.col);
#define H(s) ast_name(l, arena_printf(&util_arena, "%s%s", base, s))
    if (where) {
        lw_stmt(c, ast_assign(l, ast_vec1(H(".f")), plain));
        plain = H(".f");
    }
    if (want_value && into->kind != A_NAME && into->kind != A_ATTR && into->kind != A_SUBSCRIPT) {
        lw_stmt(c, ast_assign(l, ast_vec1(H(".o")), into));
        into = H(".o");
    }
    if (where) {
        lw_stmt(c, ast_assign(l, ast_vec1(H(".w")), where));
        ast *args = ast_arglist(ast_arglist(ast_arglist(NULL, H(".w")), plain), into);
        plain = ast_call(l, ast_attr(l, ast_name(l, call->a->a->name), "where"), args);
    }
#undef H
    ast *at = ast_subscript(l, into, ast_vec1(ast_name(into->l, "Ellipsis")), 0);
    ast *as = ast_assign(l, ast_vec1(at), plain);
    /* X[...] = v casts anything (unsafe); a ufunc's out= only within its kind (same_kind) */
    ast *saved_at = c->out_at;
    const char *saved_f = c->out_ufunc;
    const char *f = call->a->name;
    if (ufunc_nin(f) || strcmp(f, "clip") == 0 || strcmp(f, "dot") == 0) {
        c->out_at = at;
        c->out_ufunc = f;
    }
    lw_lower_assign(c, as);
    c->out_at = saved_at;
    c->out_ufunc = saved_f;
    lw_unbound_assigned(c, as);
    return into;
}

value *lw_call_value(lctx *c, value *fn, ast *call) { return inline_call(c, fn, call); }
