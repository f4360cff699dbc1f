/* lower_dataclass.c: classes decorated with @dataclass, as simulation codes hold their
 * parameters (`@dataclass class Params: nx: int = 64; dt: float = 1e-3`). The decorator only
 * writes methods; the one a program's numbers depend on is __init__, which takes the fields
 * in order (the annotated names of the class body; ClassVar ones are not fields) with their
 * defaults and stores each on self, then calls __post_init__ when the class has one. The class
 * is lowered as that class with the __init__ written out (lower_class.c); a class that
 * defines __init__ itself keeps it, as dataclass does.
 *
 * Requires: `from dataclasses import dataclass` or `import dataclasses` (lower.c calls
 * lw_dataclass_import); the decorator statement directly before the class.
 * Establishes: the decorated class's AST with the generated __init__, or a located error for
 * what is not supported: field(), other dataclasses functions (asdict, replace, ...),
 * init=False, inheritance, and the mutable defaults Python refuses itself. */

#include "lower_internal.h"

#include <string.h>

int lw_is_dataclass_module(const char *name) { return strcmp(name, "dataclasses") == 0; }

/* import dataclasses [as dc]; from dataclasses import dataclass [as dc] */
void lw_dataclass_import(lctx *c, ast *s)
{
    if (s->kind == A_IMPORT) {
        binding *b = lw_bind(c, s->str ? s->str : s->name);
        b->kind = B_VALUE;
        b->val = lw_vnew(V_MODULE, s->l);
        b->val->str = "dataclasses";
        return;
    }
    for (int i = 0; i < s->args.len; i++) {
        ast *n = VEC_AT(s->args, i, ast *);
        if (strcmp(n->name, "dataclass") != 0) {
            diag_error(n->l, "'from dataclasses import %s' is not supported: of dataclasses, tylesc "
                             "accepts the decorator dataclass (fields with plain defaults)", n->name);
            continue;
        }
        binding *b = lw_bind(c, n->str ? n->str : n->name);
        b->kind = B_VALUE;
        b->val = lw_vnew(V_BUILTIN, n->l);
        b->val->str = "dataclasses.dataclass";
    }
}

/* Does e name dataclasses.dataclass (dataclass, dc.dataclass), without lowering anything? */
static int names_dataclass(lctx *c, ast *e)
{
    int unbound;
    if (e->kind == A_NAME) {
        binding *b = lw_lookup(c, e->name, &unbound);
        return b && b->kind == B_VALUE && b->val && b->val->kind == V_BUILTIN && b->val->str &&
               strcmp(b->val->str, "dataclasses.dataclass") == 0;
    }
    if (e->kind == A_ATTR && e->a->kind == A_NAME && strcmp(e->name, "dataclass") == 0) {
        binding *b = lw_lookup(c, e->a->name, &unbound);
        return b && b->kind == B_VALUE && b->val && b->val->kind == V_MODULE &&
               strcmp(b->val->str, "dataclasses") == 0;
    }
    return 0;
}

/* A decorator statement that is @dataclass, @dataclass(...) or @dataclasses.dataclass: noted
 * for the class that must follow (c->dataclass_deco), 1; else 0. Its keywords change methods a
 * compiled program does not call (repr, eq, order, frozen, slots, unsafe_hash, match_args,
 * weakref_slot) and are accepted when known; init=False and kw_only=True are refused. */
int lw_dataclass_decorator(lctx *c, ast *s)
{
    ast *e = s->a;
    if (!e)
        return 0;
    ast *call = e->kind == A_CALL ? e : NULL;
    if (!names_dataclass(c, call ? call->a : e))
        return 0;
    if (call && call->args.len) {
        diag_error(VEC_AT(call->args, 0, ast *)->l, "dataclass() takes its options as keywords");
        return 1;
    }
    static const char *harmless[] = {"repr", "eq", "order", "frozen", "slots", "unsafe_hash", "match_args",
                                     "weakref_slot", NULL};
    for (int i = 0; call && i < call->kwargs.len; i++) {
        ast *k = VEC_AT(call->kwargs, i, ast *);
        int ok = 0;
        for (const char **h = harmless; *h && !ok; h++)
            ok = k->name && strcmp(k->name, *h) == 0;
        if (k->name && (strcmp(k->name, "init") == 0 || strcmp(k->name, "kw_only") == 0) &&
            k->a->kind == A_BOOL && k->a->ival == (k->name[0] == 'i'))
            ok = 1; /* init=True, kw_only=False: the defaults */
        if (!ok) {
            diag_error(k->l, "dataclass(%s=...) is not supported (repr=, eq=, order=, frozen=, slots= "
                             "and unsafe_hash= are: they do not change __init__)",
                       k->name ? k->name : "**");
            return 1;
        }
    }
    c->dataclass_deco = s;
    return 1;
}

/* Is the default d one Python's dataclass refuses (a list, dict or set, or a NumPy array: types
 * without __hash__)? Its type's name, or NULL. */
static const char *mutable_default(ast *d)
{
    if (d->kind == A_LIST || (d->kind == A_COMP && d->ival == 1))
        return "list";
    if (d->kind == A_DICT || (d->kind == A_COMP && d->ival == 2))
        return "dict";
    if (d->kind == A_CALL && d->a->kind == A_ATTR && d->a->a->kind == A_NAME &&
        (strcmp(d->a->a->name, "np") == 0 || strcmp(d->a->a->name, "numpy") == 0))
        return "numpy.ndarray";
    return NULL;
}

static vec made_reprs; /* ast*: the __repr__ defs written for dataclasses */

void lw_dataclass_reset(void) { made_reprs = (vec){0}; }

/* Did the decorator say repr=False (the class then has object's __repr__: the address)? */
static int repr_off(ast *deco)
{
    ast *call = deco && deco->a && deco->a->kind == A_CALL ? deco->a : NULL;
    for (int i = 0; call && i < call->kwargs.len; i++) {
        ast *k = VEC_AT(call->kwargs, i, ast *);
        if (k->name && strcmp(k->name, "repr") == 0)
            return !(k->a->kind == A_BOOL && k->a->ival);
    }
    return 0;
}

/* def __repr__(me): return f"Q(f1={me.f1!r}, ...)", dataclass's own text: Q the class's
 * __qualname__ (its name, or "f.<locals>.Name" in a function f), the fields in order. A
 * class in a function inlined from another function may be nested in it or not, which decides
 * its __qualname__: no __repr__ is written (printing its objects is refused). */
static ast *repr_def(lctx *c, ast *s, const char *me, vec *fields)
{
    if (c->inlining.len > 1)
        return NULL;
    const char *q = c->inlining.len ? arena_printf(&util_arena, "%s.<locals>.%s",
                                                   VEC_AT(c->inlining, 0, ast *)->name, s->name)
                                    : s->name;
    ast *f = ast_new(A_FSTRING, s->l);
    const char *lead = arena_printf(&util_arena, "%s(", q);
    for (int i = 0; i < fields->len; i++) {
        const char *name = VEC_AT(*fields, i, ast *)->name;
        vec_push(&f->args, ast_str(s->l, arena_printf(&util_arena, "%s%s=", lead, name)));
        ast *v = ast_new(A_FORMATTED, s->l);
        v->a = ast_attr(s->l, ast_name(s->l, me), name);
        v->ival = 'r';
        vec_push(&f->args, v);
        lead = ", ";
    }
    vec_push(&f->args, ast_str(s->l, fields->len ? ")" : lead));
    if (!fields->len)
        VEC_AT(f->args, 0, ast *)->str = arena_printf(&util_arena, "%s)", q);
    ast *d = ast_def(s->l, "__repr__", ast_vec1(ast_param(s->l, me, NULL, 0)), ast_vec1(ast_return(s->l, f)));
    vec_push(&made_reprs, d);
    return d;
}

/* The field of a dataclass's written __repr__ m that is an array in obj, or NULL (also when m is
 * the class's own): an array's text is print()'s own, not a string piece. */
const char *lw_dataclass_array_field(lctx *c, ast *m, value *obj)
{
    int mine = 0;
    for (int i = 0; i < made_reprs.len && !mine; i++)
        mine = made_reprs.items[i] == m;
    if (!mine)
        return NULL;
    ast *f = VEC_AT(m->body, 0, ast *)->a;
    for (int i = 0; i < f->args.len; i++) {
        ast *p = VEC_AT(f->args, i, ast *);
        if (p->kind == A_FORMATTED && lw_object_attr(c, obj, p->a)->kind == V_ARRAY)
            return p->a->name;
    }
    return NULL;
}

/* The class s (decorated by the dataclass noted) with its generated __init__ and __repr__: a
 * copy, so that a class lowered again (in a function inlined twice) is written out again. NULL
 * after an error. */
ast *lw_dataclass_class(lctx *c, ast *s)
{
    int want_repr = !repr_off(c->dataclass_deco);
    c->dataclass_deco = NULL;
    if (s->a) {
        diag_error(s->l, "dataclass '%s': a base class is not supported for a dataclass", s->name);
        return NULL;
    }
    vec params = {0}, body = {0};
    int has_init = 0, has_post = 0, has_repr = 0, errors = 0;
    /* the instance's parameter: Python's dataclass names it __dataclass_self__ when a field is
     * called self */
    const char *me = "self";
    for (int i = 0; i < s->body.len; i++) {
        ast *st = VEC_AT(s->body, i, ast *);
        ast *t = st->kind == A_ASSIGN && st->str ? VEC_AT(st->targets, 0, ast *) : NULL;
        if ((t && t->kind == A_NAME && strcmp(t->name, "self") == 0) ||
            (st->kind == A_PASS && st->str && st->name && strcmp(st->name, "self") == 0))
            me = "__dataclass_self__";
    }
    vec_push(&params, ast_param(s->l, me, NULL, 0));
    for (int i = 0; i < s->body.len; i++) {
        ast *st = VEC_AT(s->body, i, ast *);
        if (st->kind == A_DEF) {
            has_init |= strcmp(st->name, "__init__") == 0;
            has_post |= strcmp(st->name, "__post_init__") == 0;
            has_repr |= strcmp(st->name, "__repr__") == 0;
            continue;
        }
        const char *head = st->kind == A_ASSIGN || st->kind == A_PASS ? st->str : NULL;
        if (!head || strcmp(head, "ClassVar") == 0) /* not annotated, or a class variable */
            continue;
        if (strcmp(head, "InitVar") == 0) {
            diag_error(st->l, "dataclasses.InitVar fields are not supported");
            errors++;
            continue;
        }
        ast *target = st->kind == A_ASSIGN ? VEC_AT(st->targets, 0, ast *) : NULL;
        const char *name = target ? (target->kind == A_NAME ? target->name : NULL) : st->name;
        if (!name)
            continue;
        ast *dflt = st->kind == A_ASSIGN ? st->a : NULL;
        if (dflt && dflt->kind == A_CALL && dflt->a->kind == A_NAME && strcmp(dflt->a->name, "field") == 0) {
            diag_error(dflt->l, "dataclasses.field() is not supported (give the field a plain default, or "
                                "set it in __post_init__)");
            errors++;
            continue;
        }
        const char *m = dflt ? mutable_default(dflt) : NULL;
        if (m) {
            diag_error(dflt->l, "mutable default <class '%s'> for field %s is not allowed: use default_factory",
                       m, name);
            errors++;
            continue;
        }
        /* the parameter's default reads the class attribute the body binds (Python evaluates
         * it once, when the class is made): Cls.name, bound before __init__ is ever called */
        ast *pd = dflt ? ast_attr(dflt->l, ast_name(dflt->l, s->name), name) : NULL;
        /* a field annotated again is one field (the class's __annotations__ is a dict): it
         * keeps its first place, and has a default if any of its lines gave one (the class
         * attribute) */
        ast *seen = NULL;
        for (int p = 1; p < params.len && !seen; p++)
            if (strcmp(VEC_AT(params, p, ast *)->name, name) == 0)
                seen = VEC_AT(params, p, ast *);
        if (seen) {
            if (pd && !seen->a)
                seen->a = pd;
            continue;
        }
        vec_push(&params, ast_param(st->l, name, pd, 0));
        vec_push(&body, ast_assign(st->l, ast_vec1(ast_attr(st->l, ast_name(st->l, me), name)),
                                   ast_name(st->l, name)));
    }
    if (errors)
        return NULL;
    vec fields = {0};
    for (int i = 1; i < params.len; i++)
        vec_push(&fields, VEC_AT(params, i, ast *));
    ast *rd = want_repr && !has_repr ? repr_def(c, s, me, &fields) : NULL;
    if (has_init) {
        if (!rd)
            return s;
        ast *r = NEW(ast);
        *r = *s;
        r->body = (vec){0};
        for (int i = 0; i < s->body.len; i++)
            vec_push(&r->body, VEC_AT(s->body, i, ast *));
        vec_push(&r->body, rd);
        return r;
    }
    if (has_post)
        vec_push(&body, ast_expr_stmt(s->l, ast_call(s->l, ast_attr(s->l, ast_name(s->l, me), "__post_init__"),
                                                     NULL)));
    if (!body.len)
        vec_push(&body, ast_new(A_PASS, s->l));
    ast *r = NEW(ast);
    *r = *s;
    r->body = (vec){0};
    for (int i = 0; i < s->body.len; i++)
        vec_push(&r->body, VEC_AT(s->body, i, ast *));
    vec_push(&r->body, ast_def(s->l, "__init__", params, body));
    if (rd)
        vec_push(&r->body, rd);
    return r;
}

/* The statement after @dataclass is not a class: Python's TypeError, at the decorator. */
void lw_dataclass_unfollowed(lctx *c)
{
    if (!c->dataclass_deco)
        return;
    diag_error(c->dataclass_deco->l, "@dataclass is supported before a class");
    c->dataclass_deco = NULL;
}
