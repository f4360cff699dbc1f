/* lower_sdicts.c: dicts of numbers filled with string keys read when running, as a program
 * fills its parameters from a `key = value` file:
 *
 *     params = {}
 *     for line in f:
 *         key, val = line.split("=")
 *         params[key.strip()] = float(val)
 *     nx = int(params["nx"])
 *
 * Before lowering, a name bound to {} (or dict()) that is stored into with a key that is a
 * string read when running (lw_sdicts_mark below says which keys are) has each `d = {}`
 * rewritten into the hidden call sdict.new(): a V_MODULE "os.sdict" whose n is the runtime's
 * dict (tyl_sdict.c), emptied there. Then
 *   d[k] = x            IR_TX_DSET: k a string (literal or run-time), x an int or float;
 *   d[k], d.get(k, x0)  IR_TX_DGET (Python's KeyError) / IR_TX_DHAS and a select;
 *   k in d, len(d)      IR_TX_DHAS, IR_TX_DLEN.
 * The values' kind is the first store's in program order (float64 for float(), int64 for
 * int()); a store of the other kind, a read before any store, and other uses (a loop over d,
 * print(d), d.items()) are located refusals.
 *
 * Requires: the module's AST as parsed (before lw_rtdicts_rewrite, which would take some of
 * these dicts for int keys). Establishes: no {} bound to such a name is left; every
 * operation on one is an S_OS IR_OS_TEXT statement, computed on every rank alike. */

#include "lower_internal.h"

#include <string.h>

enum { MAX_DICTS = 4096 };
static ir_type kinds[MAX_DICTS + 1]; /* the values' type of dict d, where stored[d] */
static int stored[MAX_DICTS + 1];
static int ndicts;

typedef struct scan {
    vec strs;   /* names bound to a string read when running */
    vec splits; /* names bound to a split of one (parts = line.split(",")) */
    vec files;  /* names bound to open(...) */
    vec dicts;  /* names bound to {} */
    vec marked; /* dicts stored into with such a string key */
    int changed;
} scan;

static int attr_call(const ast *e, const char *const *names)
{
    if (!e || e->kind != A_CALL || e->a->kind != A_ATTR)
        return 0;
    for (int i = 0; names[i]; i++)
        if (strcmp(e->a->name, names[i]) == 0)
            return 1;
    return 0;
}
static const char *const STR_METHODS[] = {"strip", "lstrip", "rstrip", "lower", "upper", "readline", "read", NULL};
static const char *const SPLITS[] = {"split", "splitlines", "partition", "readlines", NULL};

static int is_split(const ast *e, scan *sc)
{
    return attr_call(e, SPLITS) || (e && e->kind == A_NAME && lw_name_in(&sc->splits, e->name));
}
/* Is e a string read when running, by its form? */
static int is_rtstr(const ast *e, scan *sc)
{
    if (!e)
        return 0;
    if (attr_call(e, STR_METHODS))
        return 1;
    if (e->kind == A_SUBSCRIPT && e->args.len == 1 && VEC_AT(e->args, 0, ast *)->kind != A_SLICE &&
        is_split(e->a, sc))
        return 1;
    return e->kind == A_NAME && lw_name_in(&sc->strs, e->name);
}
static int is_file(const ast *e, scan *sc)
{
    return e && ((e->kind == A_CALL && e->a->kind == A_NAME && strcmp(e->a->name, "open") == 0) ||
                 (e->kind == A_NAME && lw_name_in(&sc->files, e->name)));
}

static void add(vec *v, const char *name, scan *sc)
{
    if (!lw_name_in(v, name)) {
        vec_push(v, (void *)name);
        sc->changed = 1;
    }
}

static void targets_to(ast *t, vec *v, scan *sc)
{
    if (t->kind == A_NAME)
        add(v, t->name, sc);
    else if (t->kind == A_TUPLE || t->kind == A_LIST)
        for (int i = 0; i < t->args.len; i++)
            targets_to(VEC_AT(t->args, i, ast *), v, sc);
}

static void walk(ast *s, void *ctx)
{
    scan *sc = ctx;
    if (!s)
        return;
    if (s->kind == A_ASSIGN && s->a) {
        ast *v = s->a;
        for (int i = 0; i < s->targets.len; i++) {
            ast *t = VEC_AT(s->targets, i, ast *);
            if (t->kind == A_NAME && is_rtstr(v, sc))
                add(&sc->strs, t->name, sc);
            else if (t->kind == A_NAME && is_split(v, sc))
                add(&sc->splits, t->name, sc);
            else if (t->kind == A_NAME && is_file(v, sc))
                add(&sc->files, t->name, sc);
            else if (t->kind == A_NAME && ((v->kind == A_DICT && !v->args.len) ||
                                           (v->kind == A_CALL && v->a->kind == A_NAME && !strcmp(v->a->name, "dict") &&
                                            !v->args.len && !v->kwargs.len)))
                add(&sc->dicts, t->name, sc);
            else if ((t->kind == A_TUPLE || t->kind == A_LIST) && is_split(v, sc))
                targets_to(t, &sc->strs, sc); /* key, val = line.split("=") */
            else if (t->kind == A_SUBSCRIPT && t->a->kind == A_NAME && t->args.len == 1 &&
                     is_rtstr(VEC_AT(t->args, 0, ast *), sc))
                add(&sc->marked, t->a->name, sc);
        }
    }
    if (s->kind == A_FOR && (is_file(s->a, sc) || is_split(s->a, sc)))
        targets_to(s->b, &sc->strs, sc); /* for line in f, for word in line.split() */
    ast_each_child(s, AST_STMTS, walk, sc);
}

/* d = {} -> d = sdict.new() for the marked names */
static void rewrite(ast *s, void *ctx)
{
    scan *sc = ctx;
    if (s->kind == A_ASSIGN && s->a && s->targets.len == 1 && VEC_AT(s->targets, 0, ast *)->kind == A_NAME &&
        lw_name_in(&sc->marked, VEC_AT(s->targets, 0, ast *)->name) &&
        ((s->a->kind == A_DICT && !s->a->args.len) || (s->a->kind == A_CALL && s->a->a->kind == A_NAME &&
                                                        !strcmp(s->a->a->name, "dict") && !s->a->args.len)))
        s->a = ast_call(s->a->l, ast_name(s->a->l, "sdict.new"), NULL);
    ast_each_child(s, AST_STMTS, rewrite, sc);
}

void lw_sdicts_rewrite(ast *module)
{
    scan sc = {0};
    do { /* names bound from names: to a fixed point */
        sc.changed = 0;
        walk(module, &sc);
    } while (sc.changed);
    vec keep = {0};
    for (int i = 0; i < sc.marked.len; i++)
        if (lw_name_in(&sc.dicts, VEC_AT(sc.marked, i, const char *)))
            vec_push(&keep, sc.marked.items[i]);
    sc.marked = keep;
    if (keep.len)
        rewrite(module, &sc);
}

int lw_is_sdict(const value *v) { return v->kind == V_MODULE && strcmp(v->str, "os.sdict") == 0; }

/* sdict.new(): a new dict, empty */
value *lw_sdict_new(lctx *c, loc l)
{
    if (ndicts >= MAX_DICTS) {
        diag_error(l, "more than %d dicts filled with keys read when running are not supported", MAX_DICTS);
        return &lw_ERRV;
    }
    ir_stmt *s = ir_stmt_new(S_OS, l);
    s->init = IR_OS_TEXT;
    s->na = IR_TX_DNEW;
    s->n = ++ndicts;
    lw_emit(c, s);
    value *d = lw_vnew(V_MODULE, l);
    d->str = "os.sdict";
    d->n = s->n;
    return d;
}

/* an operation on dict d with key k (a string; 0 after a diagnostic) */
static ir_stmt *keyed(lctx *c, loc l, int tx, value *d, value *k)
{
    if (k->kind != V_STR && k->kind != V_FSTR) {
        if (k->kind != V_ERR)
            diag_error(k->l, "a dict filled with keys read when running is indexed by strings, not %s",
                       lw_vkind_desc(k));
        return NULL;
    }
    ir_stmt *s = ir_stmt_new(S_OS, l);
    s->init = IR_OS_TEXT;
    s->na = tx;
    s->n = d->n;
    if (k->kind == V_STR)
        s->str = k->str;
    else
        s->sbuf = lw_str_build(c, l, k);
    return s;
}

/* d[k] = x */
void lw_sdict_store(lctx *c, loc l, value *d, value *k, value *x)
{
    if (x->kind == V_ERR || k->kind == V_ERR)
        return;
    if (x->kind != V_SCALAR || x->type == T_BOOL) {
        diag_error(x->l, "a dict filled with keys read when running holds numbers (float(s), int(s)), not %s",
                   x->kind == V_SCALAR ? "a bool" : lw_vkind_desc(x));
        return;
    }
    ir_type t = ir_type_is_float(x->type) ? T_F64 : T_I64;
    if (stored[d->n] && kinds[d->n] != t) {
        diag_error(x->l, "this dict holds %s values, and this one is %s (a dict filled with keys read when running "
                   "holds numbers of one kind)", kinds[d->n] == T_F64 ? "float" : "int", t == T_F64 ? "a float" : "an int");
        return;
    }
    kinds[d->n] = t;
    stored[d->n] = 1;
    ir_stmt *s = keyed(c, l, IR_TX_DSET, d, k);
    if (!s)
        return;
    s->e = ir_cast(l, t, x->e);
    lw_emit(c, s);
}

static value *result(lctx *c, ir_stmt *s, ir_type t)
{
    s->var = lw_temp_scalar(c, t);
    lw_emit(c, s);
    return lw_scalar(s->l, ir_varref(s->l, s->var), 1);
}

/* d[k] */
value *lw_sdict_get(lctx *c, loc l, value *d, value *k)
{
    if (!stored[d->n]) {
        diag_error(l, "this dict is read before any value is stored into it (its values' kind is that of its "
                      "first store)");
        return &lw_ERRV;
    }
    ir_stmt *s = keyed(c, l, IR_TX_DGET, d, k);
    return s ? result(c, s, kinds[d->n]) : &lw_ERRV;
}

/* k in d */
value *lw_sdict_has(lctx *c, loc l, value *d, value *k)
{
    ir_stmt *s = keyed(c, l, IR_TX_DHAS, d, k);
    return s ? result(c, s, T_BOOL) : NULL;
}

/* len(d) */
value *lw_sdict_len(lctx *c, loc l, value *d)
{
    ir_stmt *s = ir_stmt_new(S_OS, l);
    s->init = IR_OS_TEXT;
    s->na = IR_TX_DLEN;
    s->n = d->n;
    return result(c, s, T_I64);
}

/* d.get(k, x0): x0 where k is not there (x0 a number, of the values' kind when mixed) */
value *lw_sdict_get_default(lctx *c, loc l, value *d, args *a)
{
    if (a->nkw || a->npos < 1 || a->npos > 2) {
        diag_error(l, "get() takes a key and optionally a default");
        return &lw_ERRV;
    }
    value *k = a->pos[0], *x0 = a->npos > 1 ? a->pos[1] : NULL;
    if (!x0 || x0->kind != V_SCALAR) {
        diag_error(x0 ? x0->l : l, "get() of a dict filled with keys read when running takes a number as the "
                                   "default (None is not supported)");
        return &lw_ERRV;
    }
    value *has = lw_sdict_has(c, l, d, k);
    if (!has)
        return &lw_ERRV;
    ir_type t = !stored[d->n] ? (ir_type_is_float(x0->type) ? T_F64 : T_I64) : kinds[d->n];
    if (ir_type_is_float(x0->type) && t == T_I64)
        t = T_F64;
    ir_var *r = lw_temp_scalar(c, t);
    ir_stmt *iff = ir_stmt_new(S_IF, l);
    iff->e = has->e;
    ir_stmt *dflt = ir_stmt_new(S_ASSIGN, l);
    dflt->var = r;
    dflt->e = ir_cast(l, t, x0->e);
    vec_push(&iff->orelse, dflt);
    if (stored[d->n]) {
        vec *saved = c->out;
        c->out = &iff->body;
        value *g = lw_sdict_get(c, l, d, k);
        c->out = saved;
        if (g->kind == V_ERR)
            return g;
        ir_stmt *take = ir_stmt_new(S_ASSIGN, l);
        take->var = r;
        take->e = ir_cast(l, t, g->e);
        vec_push(&iff->body, take);
    }
    lw_emit(c, iff);
    return lw_scalar(l, ir_varref(l, r), 1);
}

/* d[k] = v as a statement's target t, d a name bound to such a dict; 0: not one */
int lw_sdict_store_target(lctx *c, ast *t, value *v)
{
    int unbound;
    if (t->kind != A_SUBSCRIPT || t->a->kind != A_NAME)
        return 0;
    binding *b = lw_lookup(c, t->a->name, &unbound);
    if (!b || b->kind != B_VALUE || !lw_is_sdict(b->val))
        return 0;
    if (t->args.len != 1 || VEC_AT(t->args, 0, ast *)->kind == A_SLICE) {
        diag_error(t->l, "a dict is indexed by one key");
        return 1;
    }
    lw_sdict_store(c, t->l, b->val, lw_expr(c, VEC_AT(t->args, 0, ast *)), v);
    return 1;
}
