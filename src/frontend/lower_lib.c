/* lower_lib.c: tylesc --lib in the front end (lib.h).
 *
 * Requires: a module that parsed without errors. Establishes: per top-level def, the dtype and
 * rank of each parameter (the module's own first call of it, or a string annotation such as
 * u: "float64[:, :]"), and the module that computes one call of it with its arguments coming
 * from the caller at run time. Only lw_lib_note_call is called from the lowering (inline_call).
 */
#include "lib.h"

#include <stdlib.h>
#include <string.h>

#include "input_decl.h"
#include "lower_internal.h"
#include "../util/sym.h"

/* The calls seen while lowering: per top-level def, the first call's arguments and the last
 * call's result. */
typedef struct seen_call {
    ast *def;
    int called;
    int np;
    lib_item param[LIB_MAX_PARAMS];
    int ret_ok;        /* the last call's result could be recorded */
    int nret, ret_tuple;
    lib_item ret[LIB_MAX_RESULTS];
    const char *why;   /* a parameter that cannot be exported: why (first call) */
    loc why_l;
    const char *desc[LIB_MAX_PARAMS];           /* what a parameter that is not an item is given */
    const sym *sh[LIB_MAX_PARAMS][IR_MAX_RANK]; /* the first call's array shapes */
} seen_call;

static vec seen; /* seen_call*, one per top-level def */
static int recording;

void lib_record_begin(ast *module)
{
    recording = 1;
    seen.len = 0;
    for (int i = 0; i < module->body.len; i++) {
        ast *s = VEC_AT(module->body, i, ast *);
        if (s->kind != A_DEF)
            continue;
        seen_call *sc = NEW(seen_call);
        sc->def = s;
        vec_push(&seen, sc);
    }
}

void lib_record_def(ast *def)
{
    seen_call *sc = NEW(seen_call);
    sc->def = def;
    vec_push(&seen, sc);
}

/* A def whose defaults are not literals (`def f(u, n=N)`) is lowered as a copy that evaluates
 * them once (lower.c, def_defaults): the copy has the original's name and place. */
static seen_call *seen_of(ast *def)
{
    for (int i = 0; i < seen.len; i++)
        if (VEC_AT(seen, i, seen_call *)->def == def)
            return VEC_AT(seen, i, seen_call *);
    for (int i = 0; def && i < seen.len; i++) {
        ast *d = VEC_AT(seen, i, seen_call *)->def;
        if (d->l.line == def->l.line && d->l.col == def->l.col && !strcmp(d->name, def->name))
            return VEC_AT(seen, i, seen_call *);
    }
    return NULL;
}

/* An argument or result value as an item: 0 when it is neither an array nor a scalar. */
static int item_of(value *v, lib_item *it)
{
    if (v->kind == V_ARRAY) {
        it->is_array = 1;
        it->type = v->type;
        it->rank = v->rank;
    } else if (v->kind == V_SCALAR) {
        it->is_array = 0;
        it->type = v->mixed ? T_F64 : v->type; /* an int or a float by the path taken: a double holds both */
        it->rank = 0;
    } else
        return 0;
    it->known = 1;
    return 1;
}

void lw_lib_note_call(ast *def, int np, const char **pnames, value **vals, value *ret)
{
    seen_call *sc = recording ? seen_of(def) : NULL;
    if (!sc)
        return;
    if (!sc->called) {
        sc->called = 1;
        sc->np = np < LIB_MAX_PARAMS ? np : LIB_MAX_PARAMS;
        for (int i = 0; i < sc->np; i++) {
            sc->param[i].name = pnames[i];
            sc->param[i].same_as = -1;
            /* arrays of one shape in the example call keep one shape in the export: a stencil
             * over two of them stays distributed (their extents are the same unknowns) */
            for (int j = 0; j < i && vals[i] && vals[i]->kind == V_ARRAY; j++) {
                if (!vals[j] || vals[j]->kind != V_ARRAY || vals[j]->rank != vals[i]->rank || sc->param[j].same_as >= 0)
                    continue;
                int eq = 1;
                for (int d = 0; d < vals[i]->rank; d++)
                    eq &= sym_equal(vals[i]->sh[d], vals[j]->sh[d]);
                if (eq) {
                    sc->param[i].same_as = j;
                    break;
                }
            }
            for (int d = 0; vals[i] && vals[i]->kind == V_ARRAY && d < vals[i]->rank; d++)
                sc->sh[i][d] = vals[i]->sh[d];
            if (!vals[i] || !item_of(vals[i], &sc->param[i])) {
                sc->param[i].known = 0;
                sc->desc[i] = vals[i] ? lw_vkind_desc(vals[i]) : "nothing";
                if (!sc->why) {
                    sc->why = arena_printf(&util_arena, "its parameter '%s' is given %s, and only arrays and "
                                           "scalars can come from a C caller", pnames[i],
                                           vals[i] ? lw_vkind_desc(vals[i]) : "nothing");
                    sc->why_l = def->l;
                }
            }
        }
    }
    /* the result of the latest call (the one an export's module makes is its last) */
    sc->ret_ok = 1;
    sc->ret_tuple = 0;
    sc->nret = 0;
    if (!ret || ret->kind == V_NONE)
        return;
    value **items = &ret;
    int n = 1;
    if (ret->kind == V_TUPLE) {
        items = ret->items;
        n = ret->n;
        sc->ret_tuple = 1;
    }
    if (n > LIB_MAX_RESULTS) {
        sc->ret_ok = 0;
        return;
    }
    for (int k = 0; k < n; k++)
        if (!item_of(items[k], &sc->ret[k])) {
            sc->ret_ok = 0;
            return;
        }
    sc->nret = n;
}

/* "float64[:, :]" (an array), "float64" / "float" / "int" / "bool" (a scalar): 1 with *it
 * set, 0 if s is not such a string. An extent may be a name instead of ':' ("float64[ny, nx]"):
 * arrays whose extents have the same names have one shape; *dims gets the names joined ("" when
 * one is ':'). */
static int parse_annotation(const char *s, lib_item *it, const char **dims)
{
    strbuf names = {0};
    int all_named = 1;
    static const struct { const char *name; ir_type t; } dt[] = {
        {"float64", T_F64}, {"float32", T_F32}, {"int64", T_I64}, {"int32", T_I32}, {"bool", T_BOOL},
        {"float", T_F64}, {"int", T_I64},
    };
    while (*s == ' ')
        s++;
    size_t n = strcspn(s, "[ ");
    int found = 0;
    for (size_t k = 0; k < sizeof dt / sizeof dt[0]; k++)
        if (strlen(dt[k].name) == n && strncmp(s, dt[k].name, n) == 0) {
            it->type = dt[k].t;
            found = 1;
        }
    if (!found)
        return 0;
    s += n;
    while (*s == ' ')
        s++;
    it->is_array = 0;
    it->rank = 0;
    if (*s == '[') {
        it->is_array = 1;
        s++;
        for (;;) {
            while (*s == ' ')
                s++;
            size_t idn = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
            if (idn && !(*s >= '0' && *s <= '9')) {
                sb_printf(&names, "%.*s,", (int)idn, s);
                s += idn;
            } else if (*s == ':') {
                all_named = 0;
                s++;
            } else {
                sb_free(&names);
                return 0;
            }
            it->rank++;
            while (*s == ' ')
                s++;
            if (*s == ']') {
                s++;
                break;
            }
            if (*s != ',') {
                sb_free(&names);
                return 0;
            }
            s++;
            while (*s == ' ')
                s++;
            if (*s == ']') { /* "float64[:,]" */
                s++;
                break;
            }
        }
        if (it->rank > IR_MAX_RANK) {
            sb_free(&names);
            return 0;
        }
    }
    while (*s == ' ')
        s++;
    *dims = all_named && names.s ? arena_strdup(&util_arena, names.s) : "";
    sb_free(&names);
    if (*s)
        return 0;
    if (!it->is_array && (it->type == T_F32 || it->type == T_I32))
        return 0; /* a C caller's scalars are double, int64_t and bool */
    it->known = 1;
    return 1;
}

/* Does def annotate a parameter (a string annotation: the author meant it for a C caller)? */
static int annotated(ast *def)
{
    for (int k = 0; k < def->params.len; k++) {
        ast *p = VEC_AT(def->params, k, ast *);
        if (p->b && p->b->kind == A_STR)
            return 1;
    }
    return 0;
}

/* Does e (nested statements and expressions included) mention name, other than by defining it? */
static int mentions(ast *e, const char *name);
static int mentions_in(ast *e, void *name) { return mentions(e, name); }
static int mentions(ast *e, const char *name)
{
    if (!e)
        return 0;
    if (e->kind == A_NAME && !strcmp(e->name, name))
        return 1;
    return ast_any_child(e, AST_ALL, mentions_in, (void *)name);
}

int lib_is_helper(const lib_export *x)
{
    seen_call *sc = seen_of(x->def);
    return sc && sc->called && !annotated(x->def);
}

void lib_not_exported(ast *def, const char *why)
{
    diag_warning(def->l, "'%s' is not exported (tylesc --lib): %s; it is still compiled where the module "
                         "uses it", def->name, why);
}

int lib_exports(ast *module, lib_export **out)
{
    int n = 0;
    lib_export *xs = NEWN(lib_export, seen.len + 1);
    for (int i = 0; i < seen.len; i++) {
        seen_call *sc = VEC_AT(seen, i, seen_call *);
        ast *def = sc->def;
        lib_export *x = &xs[n++];
        x->def = def;
        x->nret = -1;
        if (lw_has_yield(&def->body)) { /* its calls are loops over it (lower_for.c), not recorded */
            const char *why = "it is a generator (yield), and a C function returns once";
            if (annotated(def))
                diag_error(def->l, "'%s' cannot be exported (tylesc --lib): %s", def->name, why);
            else {
                lib_not_exported(def, why);
                n--;
            }
            continue;
        }
        if (mentions(def, def->name)) { /* lower_recursion.c: unrolled on the values of each call */
            const char *why = "it is recursive, and a recursion is unrolled where the module calls it, on "
                              "values known when compiling";
            if (annotated(def))
                diag_error(def->l, "'%s' cannot be exported (tylesc --lib): %s", def->name, why);
            else {
                lib_not_exported(def, why);
                n--;
            }
            continue;
        }
        if (!sc->called && !annotated(def) && def->params.len > 0) {
            /* used, but never called where a call is recorded: passed as a function */
            int used = 0;
            for (int j = 0; j < module->body.len && !used; j++) {
                ast *s = VEC_AT(module->body, j, ast *);
                used = s != def && mentions(s, def->name);
            }
            if (used) {
                lib_not_exported(def, "the module passes it as a function (to np.fromfunction, say) and never calls "
                                      "it, so the dtypes and ranks of its parameters are unknown (annotate them to "
                                      "export it)");
                n--;
                continue;
            }
        }
        if (sc->called && !annotated(def)) {
            /* a helper the module calls (from main() too): compiled where it is called; left out of
             * the library with a note when a C caller cannot call it, rather than failing it */
            const char *why = def->params.len > LIB_MAX_PARAMS
                                  ? arena_printf(&util_arena, "it has %d parameters, and an exported function "
                                                 "can have at most %d", def->params.len, LIB_MAX_PARAMS)
                                  : sc->why;
            for (int k = 0; !why && k < def->params.len; k++) {
                ast *p = VEC_AT(def->params, k, ast *);
                const lib_item *it = k < sc->np ? &sc->param[k] : NULL;
                if (p->ival == 1 && !p->name[0]) /* a bare '*': keyword-only parameters follow */
                    why = arena_printf(&util_arena, "its parameters after '*' are keyword-only, and a C function "
                                       "has positional parameters only");
                else if (p->ival)
                    why = arena_printf(&util_arena, "its parameter '%s%s' is a variable list, and a C function "
                                       "has a fixed list of parameters", p->ival == 1 ? "*" : "**", p->name);
                else if (it && it->known && !it->is_array && (it->type == T_F32 || it->type == T_I32))
                    why = arena_printf(&util_arena, "the module passes a %s scalar to its parameter '%s', and an "
                                       "exported function takes float64, int64 or bool scalars (annotate it, "
                                       "%s: \"float64\", to export '%s')", ir_type_name(it->type), p->name,
                                       p->name, def->name);
            }
            if (why) {
                lib_not_exported(def, why);
                n--;
                continue;
            }
        }
        if (def->params.len > LIB_MAX_PARAMS) {
            diag_error(def->l, "'%s' has %d parameters; an exported function can have at most %d", def->name,
                       def->params.len, LIB_MAX_PARAMS);
            continue;
        }
        x->np = def->params.len;
        const char *dim_names[LIB_MAX_PARAMS] = {0};
        for (int k = 0; k < x->np; k++) {
            ast *p = VEC_AT(def->params, k, ast *);
            lib_item *it = &x->param[k];
            it->name = p->name;
            it->same_as = -1;
            if (p->ival) {
                diag_error(p->l, "'%s%s' parameters cannot be exported (tylesc --lib): a C function has a "
                                 "fixed list of parameters", p->ival == 1 ? "*" : "**", p->name);
                continue;
            }
            if (p->b && p->b->kind == A_STR) {
                const char *dims = "";
                if (!parse_annotation(p->b->str, it, &dims)) {
                    diag_error(p->b->l, "cannot read the annotation \"%s\": tylesc --lib takes \"DTYPE[:, :]\" "
                                        "(an array, one ':' or extent name per dimension) or \"DTYPE\" (a scalar: "
                                        "float64, int64 or bool), DTYPE one of float64, float32, int64, int32, bool",
                               p->b->str);
                    continue;
                }
                if (sc->called && k < sc->np && sc->param[k].known &&
                    (sc->param[k].is_array != it->is_array || sc->param[k].type != it->type ||
                     sc->param[k].rank != it->rank)) {
                    diag_error(p->b->l, "the annotation \"%s\" of '%s' does not match the module's call of '%s', "
                                        "which passes %s %s%s", p->b->str, p->name, def->name,
                               sc->param[k].is_array ? "an array of" : "a scalar",
                               ir_type_name(sc->param[k].type),
                               sc->param[k].is_array ? arena_printf(&util_arena, " with %d dimension%s",
                                                                    sc->param[k].rank,
                                                                    sc->param[k].rank == 1 ? "" : "s")
                                                     : "");
                }
                if (sc->called && k < sc->np && sc->param[k].same_as >= 0 &&
                    x->param[sc->param[k].same_as].is_array)
                    it->same_as = sc->param[k].same_as;
                /* extents named alike: one shape */
                for (int j = 0; *dims && it->same_as < 0 && j < k; j++)
                    if (dim_names[j] && !strcmp(dim_names[j], dims))
                        it->same_as = x->param[j].same_as >= 0 ? x->param[j].same_as : j;
                dim_names[k] = *dims ? dims : NULL;
                continue;
            }
            if (sc->called && k < sc->np && sc->param[k].known) {
                *it = sc->param[k];
                if (!it->is_array && (it->type == T_F32 || it->type == T_I32)) {
                    diag_error(p->l, "the module passes a %s scalar to '%s' of '%s'; an exported function takes "
                                     "float64, int64 or bool scalars: annotate it (%s: \"float64\")",
                               ir_type_name(it->type), p->name, def->name, p->name);
                    it->known = 0;
                }
                continue;
            }
            if (sc->called && sc->why) {
                diag_error(p->l, "'%s' cannot be exported (tylesc --lib): %s", def->name, sc->why);
                continue;
            }
            diag_error(p->l, "tylesc --lib exports every top-level def, but '%s' is never called by the module "
                             "and its parameter '%s' has no annotation, so its dtype and rank are unknown: call "
                             "'%s' from the module, or annotate the parameter (%s: \"float64[:, :]\" for an "
                             "array, %s: \"float64\" for a scalar)", def->name, p->name, def->name, p->name,
                       p->name);
        }
    }
    *out = xs;
    return diag_count() ? -1 : n;
}

/* Module-level names the export's module uses: a new global must not be one of them. */
static int name_used(vec *names, const char *s)
{
    for (int i = 0; i < names->len; i++)
        if (strcmp(VEC_AT(*names, i, const char *), s) == 0)
            return 1;
    return 0;
}

static const char *fresh_name(vec *names, const char *base)
{
    const char *s = base;
    for (int k = 2; name_used(names, s); k++)
        s = arena_printf(&util_arena, "%s_%d", base, k);
    vec_push(names, (void *)s);
    return s;
}

static void names_of_target(ast *t, vec *out)
{
    if (t->kind == A_NAME)
        vec_push(out, (void *)t->name);
    else if (t->kind == A_TUPLE || t->kind == A_LIST)
        for (int i = 0; i < t->args.len; i++)
            names_of_target(VEC_AT(t->args, i, ast *), out);
}

/* A module-level value the export's module can compute again: literals, the names kept so far
 * and arithmetic on them (no calls: those could make arrays or read files). */
static int constant_expr(ast *e, vec *kept)
{
    if (!e)
        return 1;
    switch (e->kind) {
    case A_INT: case A_FLOAT: case A_BOOL: case A_STR: case A_NONE: return 1;
    case A_NAME: return name_used(kept, e->name);
    case A_BINOP: case A_BOOLOP: return constant_expr(e->a, kept) && constant_expr(e->b, kept);
    case A_UNOP: return constant_expr(e->a, kept);
    case A_IFEXP: return constant_expr(e->a, kept) && constant_expr(e->b, kept) && constant_expr(e->c, kept);
    case A_COMPARE:
        if (!constant_expr(e->a, kept))
            return 0;
        for (int i = 0; i < e->args.len; i++)
            if (!constant_expr(VEC_AT(e->args, i, ast *), kept))
                return 0;
        return 1;
    case A_TUPLE:
        for (int i = 0; i < e->args.len; i++)
            if (!constant_expr(VEC_AT(e->args, i, ast *), kept))
                return 0;
        return 1;
    default: return 0;
    }
}

/* How often each module-level name is bound at the top level. */
static int times_bound(ast *module, const char *name)
{
    int n = 0;
    for (int i = 0; i < module->body.len; i++) {
        ast *s = VEC_AT(module->body, i, ast *);
        vec t = {0};
        if (s->kind == A_ASSIGN)
            for (int k = 0; k < s->targets.len; k++)
                names_of_target(VEC_AT(s->targets, k, ast *), &t);
        else if (s->kind == A_AUGASSIGN)
            names_of_target(s->b, &t);
        else if (s->kind == A_FOR)
            names_of_target(s->b, &t);
        for (int k = 0; k < t.len; k++)
            n += strcmp(VEC_AT(t, k, const char *), name) == 0;
        if (s->kind == A_FOR || s->kind == A_WHILE || s->kind == A_IF) {
            ast m = {.kind = A_MODULE, .body = s->body};
            ast o = {.kind = A_MODULE, .body = s->orelse};
            n += times_bound(&m, name) + times_bound(&o, name);
        }
    }
    return n;
}

static ast *call_np(loc l, const char *np, const char *fn, ast *arg0, ast *arg1)
{
    ast *c = ast_new(A_CALL, l);
    c->a = ast_attr(l, ast_name(l, np), fn);
    vec_push(&c->args, arg0);
    if (arg1)
        vec_push(&c->args, arg1);
    return c;
}

static ast *assign1(loc l, ast *target, ast *value) { return ast_assign(l, ast_vec1(target), value); }

int lib_kept_stmt(ast *module, ast *s, vec *names)
{
    int keep = 0;
    if (s->kind == A_IMPORT || s->kind == A_FROM_IMPORT) {
        keep = 1;
        if (s->kind == A_IMPORT)
            vec_push(names, (void *)(s->str ? s->str : s->name));
        for (int k = 0; s->kind == A_FROM_IMPORT && k < s->args.len; k++) {
            ast *a = VEC_AT(s->args, k, ast *);
            vec_push(names, (void *)(a->str ? a->str : a->name));
        }
    } else if (s->kind == A_DEF) {
        keep = 1;
        vec_push(names, (void *)s->name);
    } else if (s->kind == A_ASSIGN && s->targets.len == 1 && constant_expr(s->a, names)) {
        vec t = {0};
        names_of_target(VEC_AT(s->targets, 0, ast *), &t);
        keep = t.len > 0;
        for (int k = 0; k < t.len; k++)
            keep &= times_bound(module, VEC_AT(t, k, const char *)) == 1;
        for (int k = 0; keep && k < t.len; k++)
            vec_push(names, t.items[k]);
    }
    return keep;
}

int lib_def_unneeded(ast *module, ast *s, ast **roots, int nroots, vec *names)
{
    int plain = 1; /* every default a literal or of the names kept */
    for (int i = 0; s->kind == A_DEF && i < s->params.len; i++) {
        ast *d = VEC_AT(s->params, i, ast *)->a;
        plain &= !d || constant_expr(d, names);
    }
    if (s->kind != A_DEF || plain)
        return 0;
    vec reach = {0}; /* the top-level defs the roots call, transitively */
    for (int r = 0; r < nroots; r++) {
        if (roots[r] == s)
            return 0;
        vec_push(&reach, roots[r]);
    }
    for (int grew = 1; grew;) {
        grew = 0;
        for (int i = 0; i < module->body.len; i++) {
            ast *d = VEC_AT(module->body, i, ast *);
            int in = 0;
            for (int k = 0; k < reach.len && !in; k++)
                in = VEC_AT(reach, k, ast *) == d;
            for (int k = 0; d->kind == A_DEF && !in && k < reach.len; k++)
                if (mentions(VEC_AT(reach, k, ast *), d->name)) {
                    if (d == s)
                        return 0;
                    vec_push(&reach, d);
                    grew = in = 1;
                }
        }
    }
    return 1;
}

/* Is s a def with a default that reads a module-state name (evaluated when the def runs)? */
static int default_reads_state(ast *s, const lib_state *S)
{
    for (int i = 0; s->kind == A_DEF && i < s->params.len; i++)
        for (int k = 0; k < S->n; k++)
            if (mentions(VEC_AT(s->params, i, ast *)->a, S->item[k].name))
                return 1;
    return 0;
}

ast *lib_export_module(ast *module, lib_export *x, int with_results)
{
    loc l = x->def->l;
    ast *m = ast_new(A_MODULE, module->l);
    vec names = {0}; /* the module-level names of m */
    const char *np = "tyl.np"; /* "." cannot be in a Python name: no user name shares it */
    m->body = ast_vec1(ast_import(l, "numpy", np));
    vec_push(&names, (void *)np);
    /* the module's imports, defs, parameters and constants, in their order */
    const lib_state *S = lib_state_get();
    vec late = {0}; /* defs whose defaults read the module state: after it is loaded */
    for (int i = 0; i < module->body.len; i++) {
        ast *s = VEC_AT(module->body, i, ast *);
        if (lib_kept_stmt(module, s, &names) && !lib_def_unneeded(module, s, &x->def, 1, &names))
            vec_push(default_reads_state(s, S) ? &late : &m->body, s);
    }
    for (int q = 0; q < x->nst; q++)
        vec_push(&names, (void *)S->item[x->st[q]].name);
    /* the arguments, each at its own column so that their shapes are different unknowns */
    ast *call = ast_new(A_CALL, l);
    call->a = ast_name(l, x->def->name);
    for (int k = 0; k < x->np; k++) {
        lib_item *it = &x->param[k];
        loc la = l;
        /* the column keys the shape's unknowns (lower_numpy.c): one per shape */
        la.col = la.last_col = (it->is_array && it->same_as >= 0 ? it->same_as : k) + 1;
        la.last_line = la.line;
        it->global = fresh_name(&names, it->name);
        ast *v;
        if (it->is_array) {
            const char *key = arena_printf(&util_arena, "\001arg:%d@%s", k, x->def->name); /* one per def */
            input_decl_add(key, it->type, it->rank);
            v = call_np(la, np, "load", ast_str(la, key), NULL);
        } else if (it->type == T_BOOL) {
            v = ast_new(A_BOOL, la);
        } else if (it->type == T_I64) {
            v = ast_int(la, 0);
        } else
            v = ast_float(la, 0.0);
        vec_push(&m->body, assign1(la, ast_name(la, it->global), v));
        vec_push(&call->args, ast_name(la, it->global));
    }
    /* the module state it reads, from the context: an array of an argument's shape (or of an
     * earlier state array's) at that one's column, so that their extents are the same unknowns */
    int col[LIB_MAX_STATE];
    for (int q = 0; q < x->nst; q++) {
        const lib_item *it = &S->item[x->st[q]];
        int same = x->st_same[q];
        col[q] = x->np + x->st[q] + 1;
        if (same >= 0 && same < x->np)
            col[q] = (x->param[same].same_as >= 0 ? x->param[same].same_as : same) + 1;
        for (int p = 0; same >= x->np && p < q; p++)
            if (x->st[p] == same - x->np)
                col[q] = col[p];
        loc la = l;
        la.col = la.last_col = col[q];
        la.last_line = la.line;
        const char *key = arena_printf(&util_arena, "\001st:%d", x->st[q]);
        input_decl_add(key, it->type, it->is_array ? it->rank : 1);
        ast *v = call_np(la, np, "load", ast_str(la, key), NULL);
        if (!it->is_array) /* a number is kept as an array of one */
            v = ast_subscript(la, v, ast_vec1(ast_int(la, 0)), 0);
        vec_push(&m->body, assign1(la, ast_name(la, it->name), v));
    }
    for (int i = 0; i < late.len; i++)
        vec_push(&m->body, VEC_AT(late, i, ast *));
    if (x->nret <= 0) {
        if (x->nret < 0) { /* the first lowering: what the call returns is not known yet */
            const char *r = fresh_name(&names, "result");
            vec_push(&m->body, assign1(l, ast_name(l, r), call));
        } else
            vec_push(&m->body, ast_expr_stmt(l, call));
    } else {
        vec targets = {0};
        for (int j = 0; j < x->nret; j++) {
            x->ret[j].name = x->ret_tuple ? arena_printf(&util_arena, "result%d", j) : "result";
            x->ret[j].global = fresh_name(&names, x->ret[j].name);
            vec_push(&targets, ast_name(l, x->ret[j].global));
        }
        vec_push(&m->body, assign1(l, x->ret_tuple ? ast_seq(l, targets, 1) : VEC_AT(targets, 0, ast *), call));
    }
    if (!with_results)
        return m;
    for (int j = 0; j < x->nret; j++) {
        ast *v = ast_name(l, x->ret[j].global);
        if (!x->ret[j].is_array) { /* a scalar goes out as an array of one, replicated, of its C type */
            ir_type t = x->ret[j].type;
            v = call_np(l, np, "full", ast_int(l, 1), v);
            vec_push(&v->args, ast_attr(l, ast_name(l, np), t == T_BOOL ? "bool_" : ir_type_is_float(t) ? "float64"
                                                                                                      : "int64"));
        }
        vec_push(&m->body, ast_expr_stmt(l, call_np(l, np, "save",
                                                     ast_str(l, arena_printf(&util_arena, "\001res:%d", j)), v)));
    }
    for (int k = 0; k < x->np; k++)
        if (x->param[k].is_array)
            vec_push(&m->body, ast_expr_stmt(l, call_np(l, np, "save",
                                                         ast_str(l, arena_printf(&util_arena, "\001wb:%d", k)),
                                                         ast_name(l, x->param[k].global))));
    for (int q = 0; q < x->nst; q++) /* a def may change a state array in place: it keeps the change */
        if (S->item[x->st[q]].is_array)
            vec_push(&m->body, ast_expr_stmt(l, call_np(l, np, "save",
                                                         ast_str(l, arena_printf(&util_arena, "\001sw:%d", x->st[q])),
                                                         ast_name(l, S->item[x->st[q]].name))));
    return m;
}

int lib_recorded(ast *def, int n, lib_item *items, const char **desc, const sym *const **shape)
{
    seen_call *sc = seen_of(def);
    if (!sc || !sc->called || sc->np != n)
        return -1;
    for (int k = 0; k < n; k++) {
        const char *name = items[k].name, *global = items[k].global;
        items[k] = sc->param[k];
        items[k].name = name;
        items[k].global = global;
        items[k].same_as = -1;
        desc[k] = sc->desc[k];
        shape[k] = sc->param[k].known && sc->param[k].is_array ? sc->sh[k] : NULL;
    }
    return 0;
}

const sym *const *lib_call_shape(ast *def, int k)
{
    seen_call *sc = seen_of(def);
    return sc && sc->called && k < sc->np && sc->param[k].known && sc->param[k].is_array ? sc->sh[k] : NULL;
}

int lib_note_results(lib_export *x)
{
    seen_call *sc = seen_of(x->def);
    if (!sc || !sc->ret_ok) {
        const char *why = arena_printf(&util_arena, "it returns something other than None, an array, a scalar or "
                                       "a tuple of at most %d of them", LIB_MAX_RESULTS);
        if (sc && sc->called && !annotated(x->def)) { /* a helper of the module's (lib_exports) */
            lib_not_exported(x->def, why);
            return 1;
        }
        diag_error(x->def->l, "'%s' cannot be exported (tylesc --lib): %s", x->def->name, why);
        return -1;
    }
    x->nret = sc->nret;
    x->ret_tuple = sc->ret_tuple;
    for (int j = 0; j < sc->nret; j++) {
        x->ret[j] = sc->ret[j];
        if (!x->ret[j].is_array && (x->ret[j].type == T_F32 || x->ret[j].type == T_I32))
            x->ret[j].type = x->ret[j].type == T_F32 ? T_F64 : T_I64; /* np.full keeps it; the C caller reads it widened */
    }
    return 0;
}

int lib_reserved_name(const char *s, char *what, int *index)
{
    if (!s || s[0] != '\001')
        return 0;
    const char *p = s + 1;
    if (strncmp(p, "arg:", 4) == 0)
        *what = 'a', p += 4;
    else if (strncmp(p, "res:", 4) == 0)
        *what = 'r', p += 4;
    else if (strncmp(p, "wb:", 3) == 0)
        *what = 'w', p += 3;
    else if (strncmp(p, "st:", 3) == 0)
        *what = 's', p += 3;
    else if (strncmp(p, "sw:", 3) == 0)
        *what = 'v', p += 3;
    else
        return 0;
    *index = atoi(p);
    return 1;
}
