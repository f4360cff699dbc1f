/* lower_dictlists.c: lists held in a dict under keys known when compiling, as diagnostics of a
 * time loop are kept (hist = {"t": [], "energy": []}; ... hist["energy"].append(E)).
 *
 * The compiler's dicts hold their items as values, and its run-time lists are names (the list a
 * loop appends to is found by its name, lower_append.c). So such a dict is rewritten, before
 * lowering, into one hidden list per key, named after the dict and the key:
 *
 *     hist = {"t": [], "dt": 0.1, "E": []}   ->  hist.t = []
 *                                                 hist.E = []
 *                                                 hist = {"t": hist.t, "dt": 0.1, "E": hist.E}
 *     hist["E"].append(e), hist["E"][-1],     ->  hist.E.append(e), hist.E[-1], hist.E = [...]
 *     hist["E"] = [...]
 *     (a statement of the block that changes hist.E)  then  hist = {"t": hist.t, "dt": hist["dt"], "E": hist.E}
 *
 * Only a dict literal bound once, by a statement of a block (a module's or a function's body,
 * or a loop's or branch's block that alone names it), is taken, and only its keys whose value is a list literal or
 * comprehension; every `d[K]` with K such a key (a string or int constant) after it names the
 * list. Other reads of the dict (d.items(), **d, d[k] with k a variable, print(d), return d;
 * whole_read's list: nothing that could keep it, as e = d or f(d) would) see it rebuilt after each statement of that body that changes one of its lists (the last
 * line above; written only when the dict is read so). The dict is left as it was (and
 * lower_calls.c's message about changing a list held in a dict stands) when it is bound
 * elsewhere too, read by a def or lambda (at module level, by any function of the module), or
 * read whole by a statement that also changes one of its lists (inside the loop that appends,
 * the rebuilt dict would lag).
 *
 * Requires: the module's AST as parsed (after lower_dictcomp.c). Establishes: the rewritten
 * subscripts are names "D.K" (D.itemN for keys that are not identifiers). */

#include "lower_internal.h"

#include <ctype.h>
#include <string.h>

static vec made; /* const char*: the hidden lists' names of this module (lw_dictlist_name) */

int lw_dictlist_name(const char *name)
{
    for (int i = 0; i < made.len; i++)
        if (strcmp(VEC_AT(made, i, const char *), name) == 0)
            return 1;
    return 0;
}

typedef struct cand {
    const char *d;     /* the dict's name */
    ast *dict;         /* its literal */
    int nkeys;         /* keys of the literal */
    const char **list; /* per key: the hidden list's name, NULL where the value is not a list */
    int bare;          /* reads of d other than d[K] for a list key K */
    int bad;           /* another binding of d, or a read by a def or lambda */
} cand;

static int is_list_value(ast *v) { return v->kind == A_LIST || (v->kind == A_COMP && v->ival == 1); }

static int same_key(ast *a, ast *b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind == A_STR)
        return strcmp(a->str, b->str) == 0;
    return a->kind == A_INT && a->ival == b->ival;
}

/* The list key index of the subscript d[K], or -1. */
static int list_key(ast *e, cand *cd)
{
    if (!e || e->kind != A_SUBSCRIPT || e->a->kind != A_NAME || strcmp(e->a->name, cd->d) != 0 ||
        e->args.len != 1 || e->tuple_index)
        return -1;
    ast *k = VEC_AT(e->args, 0, ast *);
    for (int i = 0; i < cd->nkeys; i++)
        if (cd->list[i] && same_key(k, VEC_AT(cd->dict->args, i, ast *)))
            return i;
    return -1;
}

static int mentions(ast *a, const char *name)
{
    if (!a)
        return 0;
    if (a->kind == A_NAME && strcmp(a->name, name) == 0)
        return 1;
    if ((a->kind == A_DEF || a->kind == A_ASSIGN || a->kind == A_FOR) && a->name && strcmp(a->name, name) == 0)
        return 1;
    if (mentions(a->a, name) || mentions(a->b, name) || mentions(a->c, name))
        return 1;
    vec *vs[] = {&a->args, &a->kwargs, &a->targets, &a->params, &a->body, &a->orelse};
    for (size_t k = 0; k < sizeof vs / sizeof *vs; k++)
        for (int i = 0; i < vs[k]->len; i++)
            if (mentions(VEC_AT(*vs[k], i, ast *), name))
                return 1;
    return 0;
}

/* Counts in a what the rewrite needs: reads of d not through a list key (bare), list-key
 * subscripts in a changing place (changes), and marks the candidate bad for a binding of d or
 * a def or lambda reading it. target: a is (part of) a target of an assignment. */
typedef struct tally {
    int bare, changes, keyed;
} tally;

static void scan(ast *a, cand *cd, tally *t, int target);

static int is_d(const ast *x, const cand *cd) { return x && x->kind == A_NAME && strcmp(x->name, cd->d) == 0; }

/* A read of the whole dict that sees it as it is then and keeps no part of it: d.items(),
 * d.keys(), d.values(), d.get(k), len/sorted/list/print/str/repr(d), for k in d, k in d, **d,
 * d[k] read with k a variable, return d. 1 when a is one (counted, its other parts scanned).
 * Anything else that names d (e = d, f(d), [d], d.copy(): a second holder of its lists) makes
 * the rewrite wrong, and is refused by scan. */
static int whole_read(ast *a, cand *cd, tally *t, int target)
{
    static const char *const meth[] = {"items", "keys", "values", "get", NULL};
    static const char *const fns[] = {"len", "sorted", "list", "print", "str", "repr", NULL};
    int hit = 0;
    if (a->kind == A_CALL && a->a->kind == A_ATTR && is_d(a->a->a, cd))
        for (int i = 0; meth[i]; i++)
            hit |= strcmp(a->a->name, meth[i]) == 0;
    if (hit || (a->kind == A_CALL && a->a->kind == A_NAME && !target)) {
        int fn = 0;
        for (int i = 0; fns[i] && !hit; i++)
            fn |= strcmp(a->a->name, fns[i]) == 0;
        if (!hit && !fn)
            return 0;
        for (int i = 0; i < a->args.len; i++) {
            ast *x = VEC_AT(a->args, i, ast *);
            if (!hit && is_d(x, cd))
                t->bare++;
            else
                scan(x, cd, t, 0);
        }
        for (int i = 0; i < a->kwargs.len; i++)
            scan(VEC_AT(a->kwargs, i, ast *), cd, t, 0);
        t->bare += hit;
        return 1;
    }
    if ((a->kind == A_KEYWORD && !a->name && is_d(a->a, cd)) || (a->kind == A_RETURN && is_d(a->a, cd))) {
        t->bare++;
        return 1;
    }
    if (a->kind == A_FOR && is_d(a->a, cd)) {
        t->bare++;
        scan(a->b, cd, t, 1);
        for (int i = 0; i < a->body.len; i++)
            scan(VEC_AT(a->body, i, ast *), cd, t, 0);
        for (int i = 0; i < a->orelse.len; i++)
            scan(VEC_AT(a->orelse, i, ast *), cd, t, 0);
        return 1;
    }
    if (a->kind == A_COMPARE) {
        int any = is_d(a->a, cd);
        for (int i = 0; i < a->args.len; i++)
            any |= is_d(VEC_AT(a->args, i, ast *), cd);
        if (!any)
            return 0;
        if (!is_d(a->a, cd))
            scan(a->a, cd, t, 0);
        for (int i = 0; i < a->args.len; i++)
            if (!is_d(VEC_AT(a->args, i, ast *), cd))
                scan(VEC_AT(a->args, i, ast *), cd, t, 0);
        t->bare++;
        return 1;
    }
    if (a->kind == A_SUBSCRIPT && is_d(a->a, cd) && !target) { /* d[k]: the item now */
        for (int i = 0; i < a->args.len; i++)
            scan(VEC_AT(a->args, i, ast *), cd, t, 0);
        t->bare++;
        return 1;
    }
    return 0;
}

static void scan(ast *a, cand *cd, tally *t, int target)
{
    if (!a)
        return;
    if ((a->kind == A_DEF || a->kind == A_LAMBDA) && mentions(a, cd->d)) {
        cd->bad = 1;
        return;
    }
    if (list_key(a, cd) >= 0) {
        t->keyed++;
        t->changes += target;
        return;
    }
    if (a->kind == A_SUBSCRIPT && a->a->kind == A_NAME && strcmp(a->a->name, cd->d) == 0 && a->args.len == 1 &&
        !a->tuple_index) {
        ast *k = VEC_AT(a->args, 0, ast *);
        int known = 0;
        for (int i = 0; i < cd->nkeys && (k->kind == A_STR || k->kind == A_INT); i++)
            known |= same_key(k, VEC_AT(cd->dict->args, i, ast *));
        if (known) { /* d["dt"]: an item that is not a list, which the rebuilt dict keeps */
            if (target)
                t->changes++;
            return;
        }
        if (k->kind == A_STR || k->kind == A_INT)
            cd->bad = 1; /* a key the literal has not: a rebuilt dict would drop it */
    }
    if (whole_read(a, cd, t, target))
        return;
    if (a->kind == A_NAME && strcmp(a->name, cd->d) == 0) {
        cd->bad = 1; /* d rebound (d = ..., for d in ...), or held elsewhere (e = d, f(d), [d]) */
        return;
    }
    if (a->kind == A_GLOBAL && mentions(a, cd->d))
        cd->bad = 1;
    if (a->kind == A_CALL && a->a->kind == A_ATTR && list_key(a->a->a, cd) >= 0) {
        t->keyed++; /* d[K].append(x): any method may change the list */
        t->changes++;
        for (int i = 0; i < a->args.len; i++)
            scan(VEC_AT(a->args, i, ast *), cd, t, 0);
        for (int i = 0; i < a->kwargs.len; i++)
            scan(VEC_AT(a->kwargs, i, ast *), cd, t, 0);
        return;
    }
    if (a->kind == A_SUBSCRIPT && target) { /* d[K][i] = v changes the list; i is read */
        scan(a->a, cd, t, 1);
        for (int i = 0; i < a->args.len; i++)
            scan(VEC_AT(a->args, i, ast *), cd, t, 0);
        return;
    }
    int tgt_b = a->kind == A_AUGASSIGN || a->kind == A_FOR;
    scan(a->a, cd, t, target && a->kind == A_TUPLE);
    scan(a->b, cd, t, tgt_b || (target && a->kind == A_STARRED));
    scan(a->c, cd, t, 0);
    for (int i = 0; i < a->args.len; i++)
        scan(VEC_AT(a->args, i, ast *), cd, t, target && (a->kind == A_TUPLE || a->kind == A_LIST));
    for (int i = 0; i < a->kwargs.len; i++)
        scan(VEC_AT(a->kwargs, i, ast *), cd, t, 0);
    for (int i = 0; i < a->targets.len; i++)
        scan(VEC_AT(a->targets, i, ast *), cd, t, 1);
    for (int i = 0; i < a->params.len; i++)
        scan(VEC_AT(a->params, i, ast *), cd, t, 0);
    for (int i = 0; i < a->body.len; i++)
        scan(VEC_AT(a->body, i, ast *), cd, t, 0);
    for (int i = 0; i < a->orelse.len; i++)
        scan(VEC_AT(a->orelse, i, ast *), cd, t, 0);
}

/* Every list-key subscript below a made the list's name. */
static void rename_keyed(ast *a, cand *cd)
{
    if (!a)
        return;
    int k = list_key(a, cd);
    if (k >= 0) {
        loc l = a->l;
        memset(a, 0, sizeof *a);
        a->kind = A_NAME;
        a->l = l;
        a->name = cd->list[k];
        return;
    }
    rename_keyed(a->a, cd);
    rename_keyed(a->b, cd);
    rename_keyed(a->c, cd);
    vec *vs[] = {&a->args, &a->kwargs, &a->targets, &a->params, &a->body, &a->orelse};
    for (size_t j = 0; j < sizeof vs / sizeof *vs; j++)
        for (int i = 0; i < vs[j]->len; i++)
            rename_keyed(VEC_AT(*vs[j], i, ast *), cd);
}

/* d = {K: d.K or d[K], ...}: the dict rebuilt from its lists (first: from the literal's other
 * values, as written). */
static ast *rebuild(cand *cd, loc l, int first)
{
    ast *dict = ast_new(A_DICT, l);
    for (int i = 0; i < cd->nkeys; i++) {
        ast *k = VEC_AT(cd->dict->args, i, ast *);
        vec_push(&dict->args, k);
        ast *v;
        if (cd->list[i])
            v = ast_name(l, cd->list[i]);
        else if (first)
            v = VEC_AT(cd->dict->kwargs, i, ast *);
        else {
            v = ast_new(A_SUBSCRIPT, l);
            v->a = ast_name(l, cd->d);
            vec_push(&v->args, k);
        }
        vec_push(&dict->kwargs, v);
    }
    return ast_assign(l, ast_vec1(ast_name(l, cd->d)), dict);
}

static int identifier(const char *s)
{
    if (!*s || isdigit((unsigned char)*s))
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return 0;
    return 1;
}

/* ---- loops over a dict's keys whose body reaches the dict's lists by the key -----------------
 * for name in gauges: gauges[name].append(eta[i[name]])  (also D.keys(), `for k, v in D.items()`,
 * D the dict or another literal of constant keys never changed): unrolled, before the rewrite,
 * into `if True:` holding for each key, in the literal's order, `name = "K"` (`v = D["K"]`) and
 * a copy of the body with X[name] written X["K"] (the same value: name is not rebound in it). A
 * body that leaves the loop (break, continue) or binds the loop's names stays a loop. */

static int binds_name(ast *a, const char *n)
{
    if (!a || a->kind == A_DEF || a->kind == A_LAMBDA)
        return a && mentions(a, n);
    for (int i = 0; i < a->targets.len; i++)
        if (mentions(VEC_AT(a->targets, i, ast *), n))
            return 1;
    if ((a->kind == A_AUGASSIGN || a->kind == A_FOR) && mentions(a->b, n))
        return 1;
    if (a->kind == A_GLOBAL && mentions(a, n))
        return 1;
    if (binds_name(a->a, n) || binds_name(a->b, n) || binds_name(a->c, n))
        return 1;
    vec *vs[] = {&a->args, &a->body, &a->orelse};
    for (size_t k = 0; k < sizeof vs / sizeof *vs; k++)
        for (int i = 0; i < vs[k]->len; i++)
            if (binds_name(VEC_AT(*vs[k], i, ast *), n))
                return 1;
    return 0;
}

static int leaves(ast *a, int nested) /* break or continue of this loop, a yield */
{
    if (!a || a->kind == A_DEF || a->kind == A_LAMBDA)
        return 0;
    if ((!nested && (a->kind == A_BREAK || a->kind == A_CONTINUE)) || a->kind == A_YIELD)
        return 1;
    int inner = nested || a->kind == A_FOR || a->kind == A_WHILE;
    for (int i = 0; i < a->body.len; i++)
        if (leaves(VEC_AT(a->body, i, ast *), inner))
            return 1;
    for (int i = 0; i < a->orelse.len; i++)
        if (leaves(VEC_AT(a->orelse, i, ast *), nested))
            return 1;
    return 0;
}

static int keyed_by(ast *a, const char *d, const char *k) /* d[k] below a */
{
    if (!a)
        return 0;
    if (a->kind == A_SUBSCRIPT && a->a->kind == A_NAME && strcmp(a->a->name, d) == 0 && a->args.len == 1 &&
        VEC_AT(a->args, 0, ast *)->kind == A_NAME && strcmp(VEC_AT(a->args, 0, ast *)->name, k) == 0)
        return 1;
    if (keyed_by(a->a, d, k) || keyed_by(a->b, d, k) || keyed_by(a->c, d, k))
        return 1;
    vec *vs[] = {&a->args, &a->kwargs, &a->targets, &a->body, &a->orelse};
    for (size_t j = 0; j < sizeof vs / sizeof *vs; j++)
        for (int i = 0; i < vs[j]->len; i++)
            if (keyed_by(VEC_AT(*vs[j], i, ast *), d, k))
                return 1;
    return 0;
}

static void key_for_name(ast *a, const char *k, ast *key) /* X[k] -> X[key] below a */
{
    if (!a)
        return;
    if (a->kind == A_SUBSCRIPT && a->args.len == 1 && VEC_AT(a->args, 0, ast *)->kind == A_NAME &&
        strcmp(VEC_AT(a->args, 0, ast *)->name, k) == 0) {
        a->args = (vec){0};
        vec_push(&a->args, ast_clone_expr_renamed(key, &(vec){0}, &(vec){0}));
    }
    key_for_name(a->a, k, key);
    key_for_name(a->b, k, key);
    key_for_name(a->c, k, key);
    vec *vs[] = {&a->args, &a->kwargs, &a->targets, &a->body, &a->orelse};
    for (size_t j = 0; j < sizeof vs / sizeof *vs; j++)
        for (int i = 0; i < vs[j]->len; i++)
            key_for_name(VEC_AT(*vs[j], i, ast *), k, key);
}

/* The literal bound to D by body[j] (j < at, the statement holding the loop; or D the dict), of unique constant keys,
 * when nothing in body binds D again or changes it (an item stored, a method but keys, items,
 * values, get called); else NULL. */
static ast *fixed_keys(vec *body, int at, cand *cd, const char *D)
{
    ast *lit = NULL;
    if (strcmp(D, cd->d) == 0)
        lit = cd->dict;
    for (int j = 0; j < at && !lit; j++) {
        ast *b = VEC_AT(*body, j, ast *);
        if (b->kind == A_ASSIGN && b->targets.len == 1 && VEC_AT(b->targets, 0, ast *)->kind == A_NAME &&
            strcmp(VEC_AT(b->targets, 0, ast *)->name, D) == 0 && b->a->kind == A_DICT)
            lit = b->a;
    }
    if (!lit)
        return NULL;
    for (int i = 0; i < lit->args.len; i++) {
        ast *k = VEC_AT(lit->args, i, ast *);
        if (k->kind != A_STR && k->kind != A_INT)
            return NULL;
        for (int j = 0; j < i; j++)
            if (same_key(k, VEC_AT(lit->args, j, ast *)))
                return NULL;
    }
    if (lit != cd->dict) {
        int binds = 0;
        for (int j = 0; j < body->len; j++) {
            ast *b = VEC_AT(*body, j, ast *);
            binds += binds_name(b, D);
            cand other = {D, lit, 0, NULL, 0, 0}; /* any D[...] = or D.update(...) */
            tally t = {0};
            scan(b, &other, &t, 0);
            if (other.bad && !(b->a == lit))
                return NULL;
        }
        if (binds != 1)
            return NULL;
    }
    return lit;
}

static void unroll_key_loops(vec *stmts, vec *body, int at, cand *cd)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *f = VEC_AT(*stmts, i, ast *);
        if (f->kind == A_FOR || f->kind == A_WHILE || f->kind == A_IF) {
            unroll_key_loops(&f->body, body, at, cd);
            unroll_key_loops(&f->orelse, body, at, cd);
        }
        if (f->kind != A_FOR || f->orelse.len)
            continue;
        ast *it = f->a, *tg = f->b, *kn = tg, *vn = NULL;
        const char *D = NULL;
        int items = 0;
        if (it->kind == A_NAME)
            D = it->name;
        else if (it->kind == A_CALL && !it->args.len && !it->kwargs.len && it->a->kind == A_ATTR &&
                 it->a->a->kind == A_NAME && (!strcmp(it->a->name, "keys") || !strcmp(it->a->name, "items"))) {
            D = it->a->a->name;
            items = it->a->name[0] == 'i';
        }
        if (items) {
            if (tg->kind != A_TUPLE || tg->args.len != 2)
                continue;
            kn = VEC_AT(tg->args, 0, ast *);
            vn = VEC_AT(tg->args, 1, ast *);
            if (vn->kind != A_NAME)
                continue;
        }
        int exits = 0;
        for (int j = 0; j < f->body.len; j++)
            exits |= leaves(VEC_AT(f->body, j, ast *), 0);
        if (!D || kn->kind != A_NAME || !keyed_by(f, cd->d, kn->name) || exits)
            continue;
        int rebinds = 0;
        for (int j = 0; j < f->body.len; j++)
            rebinds |= binds_name(VEC_AT(f->body, j, ast *), kn->name) ||
                       (vn && binds_name(VEC_AT(f->body, j, ast *), vn->name));
        ast *lit = rebinds ? NULL : fixed_keys(body, at, cd, D);
        if (!lit)
            continue;
        vec seq = {0};
        for (int k = 0; k < lit->args.len; k++) {
            ast *key = VEC_AT(lit->args, k, ast *);
            vec_push(&seq, ast_assign(f->l, ast_vec1(ast_name(kn->l, kn->name)), ast_clone_expr_renamed(key, &(vec){0}, &(vec){0})));
            if (vn) {
                ast *item = ast_new(A_SUBSCRIPT, vn->l);
                item->a = ast_name(vn->l, D);
                vec_push(&item->args, ast_clone_expr_renamed(key, &(vec){0}, &(vec){0}));
                vec_push(&seq, ast_assign(f->l, ast_vec1(ast_name(vn->l, vn->name)), item));
            }
            vec copy = ast_clone_renamed(f->body, &(vec){0}, &(vec){0});
            for (int j = 0; j < copy.len; j++) {
                key_for_name(VEC_AT(copy, j, ast *), kn->name, key);
                vec_push(&seq, VEC_AT(copy, j, ast *));
            }
        }
        if (!seq.len)
            vec_push(&seq, ast_new(A_PASS, f->l));
        stmts->items[i] = ast_if(f->l, ast_bool(f->l, 1), seq, (vec){0});
    }
}

/* The statement body[at] binds a dict literal of list values: rewrite the body after it. */
static void try_dict(vec *body, int at)
{
    ast *s = VEC_AT(*body, at, ast *);
    ast *t = VEC_AT(s->targets, 0, ast *);
    cand cd = {t->name, s->a, s->a->args.len, NEWN(const char *, s->a->args.len + 1), 0, 0};
    int any = 0;
    for (int i = 0; i < cd.nkeys; i++) {
        ast *k = VEC_AT(s->a->args, i, ast *), *v = VEC_AT(s->a->kwargs, i, ast *);
        if (!v || !is_list_value(v) || (k->kind != A_STR && k->kind != A_INT))
            continue;
        int repeat = 0;
        for (int j = 0; j < cd.nkeys; j++)
            repeat |= j != i && same_key(k, VEC_AT(s->a->args, j, ast *));
        if (repeat || mentions(v, cd.d))
            continue;
        cd.list[i] = k->kind == A_STR && identifier(k->str) ? arena_printf(&util_arena, "%s.%s", cd.d, k->str)
                                                             : arena_printf(&util_arena, "%s.item%d", cd.d, i);
        any = 1;
    }
    if (!any)
        return;
    for (int i = at + 1; i < body->len; i++) { /* D bound before the statement holding the loop */
        vec one = ast_vec1(VEC_AT(*body, i, ast *));
        unroll_key_loops(&one, body, i, &cd);
        body->items[i] = one.items[0];
    }
    int n = body->len;
    int *changes = NEWN(int, n + 1), keyed = 0;
    for (int i = 0; i < n && !cd.bad; i++) {
        if (i == at)
            continue;
        tally tl = {0};
        scan(VEC_AT(*body, i, ast *), &cd, &tl, 0);
        if (i < at && (tl.keyed || tl.bare))
            cd.bad = 1; /* d read or bound before this binding */
        if (tl.changes && tl.bare)
            cd.bad = 1;
        changes[i] = tl.changes > 0;
        cd.bare += tl.bare;
        keyed += tl.keyed;
    }
    if (cd.bad || !keyed)
        return;
    vec out = {0};
    for (int i = 0; i < n; i++) {
        ast *b = VEC_AT(*body, i, ast *);
        if (i == at) {
            for (int k = 0; k < cd.nkeys; k++)
                if (cd.list[k])
                    vec_push(&made, (void *)cd.list[k]);
            for (int k = 0; k < cd.nkeys; k++)
                if (cd.list[k])
                    vec_push(&out, ast_assign(s->l, ast_vec1(ast_name(t->l, cd.list[k])),
                                              VEC_AT(s->a->kwargs, k, ast *)));
            if (cd.bare)
                vec_push(&out, rebuild(&cd, s->l, 1));
            continue;
        }
        if (i > at)
            rename_keyed(b, &cd);
        vec_push(&out, b);
        if (i > at && changes[i] && cd.bare)
            vec_push(&out, rebuild(&cd, b->l, 0));
    }
    *body = out;
}

static int count_mentions(ast *a, const char *name)
{
    if (!a)
        return 0;
    int n = a->kind == A_NAME && strcmp(a->name, name) == 0;
    n += count_mentions(a->a, name) + count_mentions(a->b, name) + count_mentions(a->c, name);
    vec *vs[] = {&a->args, &a->kwargs, &a->targets, &a->params, &a->body, &a->orelse};
    for (size_t k = 0; k < sizeof vs / sizeof *vs; k++)
        for (int i = 0; i < vs[k]->len; i++)
            n += count_mentions(VEC_AT(*vs[k], i, ast *), name);
    return n;
}

static int block_mentions(vec *b, const char *name)
{
    int n = 0;
    for (int i = 0; i < b->len; i++)
        n += count_mentions(VEC_AT(*b, i, ast *), name);
    return n;
}

/* The dicts bound by statements of body, a block of the function (or module) whose body is
 * top: a dict bound in a loop's or a branch's block is taken when nothing outside that block
 * names it (in a loop, a dict made afresh on each iteration: obs = {"E": []} per temperature). */
static void rewrite_block(vec *body, vec *top, int module)
{
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        if (s->kind == A_DEF)
            rewrite_block(&s->body, &s->body, 0);
        else if (s->kind == A_FOR || s->kind == A_WHILE || s->kind == A_IF) {
            rewrite_block(&s->body, top, module);
            rewrite_block(&s->orelse, top, module);
        }
    }
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        if (s->kind != A_ASSIGN || s->targets.len != 1 || VEC_AT(s->targets, 0, ast *)->kind != A_NAME ||
            s->a->kind != A_DICT)
            continue;
        const char *d = VEC_AT(s->targets, 0, ast *)->name;
        int in_def = 0; /* a module's dict read by a function of the module */
        for (int j = 0; module && j < top->len && !in_def; j++) {
            ast *f = VEC_AT(*top, j, ast *);
            in_def = f->kind == A_DEF && mentions(f, d);
        }
        if (!in_def && body != top && block_mentions(top, d) != block_mentions(body, d))
            in_def = 1; /* named outside the block that binds it */
        if (!in_def)
            try_dict(body, i); /* the statements it adds bind no list values: passed over */
    }
}

void lw_dictlists_rewrite(ast *module)
{
    made = (vec){0}; /* the arena is freed between programs (the fuzzer) */
    rewrite_block(&module->body, &module->body, 1);
}
