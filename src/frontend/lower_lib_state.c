/* lower_lib_state.c: tylesc --lib, the module's state (lib.h): what the module body computes
 * that an exported def reads (a coefficient field, an obstacle mask, a time step from a
 * reduction), as a scientist's def reads module-level names.
 *
 * Requires: lib_exports. Establishes: the state (the module-level names the exported defs read,
 * directly or through the defs they call, that are neither imports, defs, parameters nor
 * constants), the top-level statements that compute them (their bindings, the in-place changes
 * after them and, recursively, what those read), per export the state it reads and which of its
 * array arguments each state array has the shape of (so that a stencil between them stays
 * distributed), and the module that computes the state (PREFIX_init, lib_state_module).
 *
 * The state is what those statements give before the module first calls a def that reads it:
 * a name bound twice, bound or changed inside a loop or an if, or changed after such a call is
 * refused with a message, so that a def never sees other values than the program's.
 */
#include "lib.h"

#include <string.h>

#include "lower_internal.h"
#include "../util/sym.h"

static lib_state st;
static int *in_slice; /* by top-level statement index: 1 when it computes the state */
static const char *probe_name = "tyl.state_probe"; /* no Python name has a "." */
static ast *probe_def;
static loc bound_at[LIB_MAX_STATE]; /* where state K is bound */

const lib_state *lib_state_get(void) { return &st; }
loc lib_state_where(int k) { return bound_at[k]; }

static int has(vec *v, const char *s)
{
    for (int i = 0; i < v->len; i++)
        if (strcmp(VEC_AT(*v, i, const char *), s) == 0)
            return 1;
    return 0;
}

static void add(vec *v, const char *s)
{
    if (!has(v, s))
        vec_push(v, (void *)s);
}

static void vadd_all(vec *v, vec *from)
{
    for (int i = 0; i < from->len; i++)
        add(v, VEC_AT(*from, i, const char *));
}

/* Every name that e (an expression or a statement, nested ones included) mentions. */
static void names_in(ast *e, void *out)
{
    if (!e)
        return;
    if (e->kind == A_NAME)
        add(out, e->name);
    if (e->kind == A_DEF)
        add(out, e->name);
    ast_each_child(e, AST_ALL, names_in, out);
}

static void target_names(ast *t, vec *out)
{
    if (!t)
        return;
    if (t->kind == A_NAME)
        add(out, t->name);
    else if (t->kind == A_TUPLE || t->kind == A_LIST)
        for (int i = 0; i < t->args.len; i++)
            target_names(VEC_AT(t->args, i, ast *), out);
    else if (t->kind == A_STARRED)
        target_names(t->a, out);
}

/* The names a def binds itself (its locals, which hide module-level names), and the names it
 * declares global. */
typedef struct locals {
    vec *loc, *glob;
} locals;
static void locals_in(ast *s, vec *loc, vec *glob);
static void locals_of(ast *s, void *ctx) { locals *l = ctx; locals_in(s, l->loc, l->glob); }
static void locals_in(ast *s, vec *loc, vec *glob)
{
    if (!s)
        return;
    switch (s->kind) {
    case A_ASSIGN:
        for (int i = 0; i < s->targets.len; i++)
            target_names(VEC_AT(s->targets, i, ast *), loc);
        break;
    case A_AUGASSIGN: target_names(s->b, loc); break;
    case A_FOR: target_names(s->b, loc); break;
    case A_DEF: add(loc, s->name); return; /* a nested def's own names are its own */
    case A_PARAM: add(loc, s->name); return;
    case A_GLOBAL:
        for (int i = 0; i < s->args.len; i++)
            add(glob, VEC_AT(s->args, i, ast *)->name);
        return;
    case A_COMP:
        for (int i = 0; i < s->args.len; i++)
            if (VEC_AT(s->args, i, ast *)->kind == A_FOR)
                target_names(VEC_AT(s->args, i, ast *)->b, loc);
        break;
    default: break;
    }
    /* not the targets of an assignment nor that of an augmented one (taken above) */
    unsigned fields = AST_ALL & ~AST_TARGETS & ~(s->kind == A_AUGASSIGN ? AST_B : 0u);
    ast_each_child(s, fields, locals_of, &(locals){loc, glob});
}

/* The module-level names def d reads: the names it mentions less its locals. */
static void free_names(ast *d, vec *out)
{
    vec loc = {0}, glob = {0}, all = {0};
    for (int i = 0; i < d->params.len; i++) {
        add(&loc, VEC_AT(d->params, i, ast *)->name);
        names_in(VEC_AT(d->params, i, ast *)->a, out); /* a default: read in the module, at def time */
    }
    for (int i = 0; i < d->body.len; i++) {
        locals_in(VEC_AT(d->body, i, ast *), &loc, &glob);
        names_in(VEC_AT(d->body, i, ast *), &all);
    }
    for (int i = 0; i < all.len; i++) {
        const char *s = VEC_AT(all, i, const char *);
        if (!has(&loc, s) || has(&glob, s))
            add(out, s);
    }
}

static ast *top_def(ast *module, const char *name)
{
    for (int i = 0; i < module->body.len; i++) {
        ast *s = VEC_AT(module->body, i, ast *);
        if (s->kind == A_DEF && strcmp(s->name, name) == 0)
            return s;
    }
    return NULL;
}

/* The module-level names that def d and the top-level defs it calls (transitively) read. */
static void reads_of(ast *module, ast *d, vec *out)
{
    vec defs = {0};
    vec_push(&defs, d);
    for (int i = 0; i < defs.len; i++) {
        vec fr = {0};
        free_names(VEC_AT(defs, i, ast *), &fr);
        for (int k = 0; k < fr.len; k++) {
            const char *s = VEC_AT(fr, k, const char *);
            ast *g = top_def(module, s);
            int seen = 0;
            for (int j = 0; g && j < defs.len; j++)
                seen |= VEC_AT(defs, j, ast *) == g;
            if (g && !seen)
                vec_push(&defs, g);
            else if (!g)
                add(out, s);
        }
    }
}

/* The name a top-level target binds (a name) or changes in place (x[...], x.attr[...]), or NULL. */
static const char *base_name(ast *t)
{
    while (t && (t->kind == A_SUBSCRIPT || t->kind == A_ATTR))
        t = t->a;
    return t && t->kind == A_NAME ? t->name : NULL;
}

/* Does statement s (top level or nested in a loop or if there) bind name, or change it in place?
 * *binds: 1 for a binding (name = ..., for name in ...), 0 for a change in place. */
static int touches(ast *s, const char *name, int *binds)
{
    vec t = {0};
    *binds = 0;
    if (s->kind == A_ASSIGN) {
        for (int i = 0; i < s->targets.len; i++) {
            ast *tg = VEC_AT(s->targets, i, ast *);
            target_names(tg, &t);
            const char *b = tg->kind != A_NAME ? base_name(tg) : NULL;
            if (b && !strcmp(b, name))
                return 1;
            for (int k = 0; tg->kind == A_TUPLE && k < tg->args.len; k++) {
                b = base_name(VEC_AT(tg->args, k, ast *));
                if (b && VEC_AT(tg->args, k, ast *)->kind != A_NAME && !strcmp(b, name))
                    return 1;
            }
        }
        if (has(&t, name))
            return *binds = 1;
    } else if (s->kind == A_AUGASSIGN) {
        const char *b = base_name(s->b);
        return b && !strcmp(b, name);
    } else if (s->kind == A_FOR) {
        target_names(s->b, &t);
        if (has(&t, name))
            return *binds = 1;
    }
    return 0;
}

/* A statement inside a top-level loop or if that binds or changes name, or NULL. */
static ast *nested_touch(vec *body, const char *name)
{
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        int b;
        if (touches(s, name, &b))
            return s;
        if (s->kind == A_FOR || s->kind == A_WHILE || s->kind == A_IF) {
            ast *r = nested_touch(&s->body, name);
            if (!r)
                r = nested_touch(&s->orelse, name);
            if (r)
                return r;
        }
    }
    return NULL;
}

/* Does e call one of the defs in `defs` by name? */
static int calls_any(ast *e, vec *defs)
{
    vec n = {0};
    names_in(e, &n);
    for (int i = 0; i < n.len; i++)
        if (has(defs, VEC_AT(n, i, const char *)))
            return 1;
    return 0;
}

/* When every export reading state name `name` is a helper of the module's (lib_is_helper), they
 * are left out with a warning saying why, and 1 is returned (lib_state_find is then run again
 * without them); else 0, and the caller reports the error. */
static int drop_readers(lib_export *xs, int n, vec *reads, const char *name, const char *why)
{
    int any = 0;
    for (int i = 0; i < n; i++)
        if (has(&reads[i], name)) {
            if (!lib_is_helper(&xs[i]))
                return 0;
            any = 1;
        }
    for (int i = 0; any && i < n; i++)
        if (has(&reads[i], name)) {
            lib_not_exported(xs[i].def, why);
            xs[i].dropped = 1;
        }
    return any;
}

int lib_state_find(ast *module, lib_export *xs, int n)
{
    memset(&st, 0, sizeof st);
    in_slice = NEWN(int, module->body.len + 1);
    vec kept = {0};
    for (int i = 0; i < module->body.len; i++)
        lib_kept_stmt(module, VEC_AT(module->body, i, ast *), &kept);
    /* names bound at the top level, in loops and ifs there too */
    vec bound = {0};
    for (int i = 0; i < module->body.len; i++) {
        ast *s = VEC_AT(module->body, i, ast *);
        if (s->kind == A_DEF || s->kind == A_IMPORT || s->kind == A_FROM_IMPORT)
            continue;
        vec loc = {0}, glob = {0};
        locals_in(s, &loc, &glob);
        vadd_all(&bound, &loc);
    }
    /* the state: per export, what it reads that the module body computes */
    vec reads[n > 0 ? n : 1];
    vec state = {0};
    for (int i = 0; i < n; i++) {
        reads[i] = (vec){0};
        vec r = {0};
        reads_of(module, xs[i].def, &r);
        for (int k = 0; k < r.len; k++) {
            const char *s = VEC_AT(r, k, const char *);
            if (has(&bound, s) && !has(&kept, s)) {
                add(&reads[i], s);
                add(&state, s);
            }
        }
    }
    if (!state.len)
        return 0;
    { /* in the module's order (the header lists them so) */
        vec ordered = {0};
        for (int i = 0; i < module->body.len; i++) {
            ast *s = VEC_AT(module->body, i, ast *);
            vec loc = {0}, glob = {0};
            if (s->kind != A_DEF)
                locals_in(s, &loc, &glob);
            for (int k = 0; k < loc.len; k++)
                if (has(&state, VEC_AT(loc, k, const char *)))
                    add(&ordered, VEC_AT(loc, k, const char *));
        }
        state = ordered;
    }
    /* the statements computing it, and what they read in turn */
    vec work = {0}, why = {0}; /* why: the state name each name is computed for */
    vadd_all(&work, &state);
    vadd_all(&why, &state);
    for (int w = 0; w < work.len; w++) {
        const char *name = VEC_AT(work, w, const char *);
        const char *for_ = VEC_AT(why, w, const char *);
        int nbind = 0, at = -1;
        for (int i = 0; i < module->body.len; i++) {
            ast *s = VEC_AT(module->body, i, ast *);
            int b;
            if (s->kind == A_FOR || s->kind == A_WHILE || s->kind == A_IF) {
                ast *t = touches(s, name, &b) ? s : nested_touch(&s->body, name);
                if (!t)
                    t = nested_touch(&s->orelse, name);
                if (t && drop_readers(xs, n, reads, for_,
                                      arena_printf(&util_arena, "it reads the module's '%s', which the module %s "
                                                   "inside a loop or an if, and a library computes such a value "
                                                   "once (compute it outside loops and ifs, or pass it as an "
                                                   "argument, to export it)", for_,
                                                   touches(t, name, &b) && b ? "binds" : "changes")))
                    return -2;
                if (t) {
                    diag_error(t->l, "an exported def reads '%s'%s, which the module %s inside a loop or an if: "
                                     "tylesc --lib computes a def's module-level arrays and numbers once, with the "
                                     "module's top-level statements, so compute it outside loops and ifs, or pass "
                                     "it as an argument", for_, strcmp(name, for_) ? arena_printf(&util_arena, " (computed from '%s')", name) : "",
                               touches(t, name, &b) && b ? "binds" : "changes");
                    return -1;
                }
                continue;
            }
            if (!touches(s, name, &b))
                continue;
            if (b) {
                nbind++;
                if (nbind > 1 && drop_readers(xs, n, reads, for_,
                                              arena_printf(&util_arena, "it reads the module's '%s', which the "
                                                           "module binds twice, and a library computes such a "
                                                           "value once (bind it once, or pass it as an argument, "
                                                           "to export it)",
                                                           for_)))
                    return -2;
                if (nbind > 1) {
                    diag_error(s->l, "an exported def reads '%s'%s, which the module binds a second time here: "
                                     "tylesc --lib computes a def's module-level arrays and numbers once, so bind "
                                     "it once (change it in place, or give the new value another name), or pass "
                                     "it as an argument", for_,
                               strcmp(name, for_) ? arena_printf(&util_arena, " (computed from '%s')", name) : "");
                    return -1;
                }
                at = i;
                if (w < LIB_MAX_STATE)
                    bound_at[w] = s->l;
            } else if (at < 0)
                continue; /* not bound yet: the lowering says so */
            in_slice[i] = 1;
            vec rd = {0};
            names_in(s, &rd);
            for (int k = 0; k < rd.len; k++) {
                const char *r = VEC_AT(rd, k, const char *);
                if (has(&bound, r) && !has(&kept, r) && !has(&work, r)) {
                    vec_push(&work, (void *)r);
                    vec_push(&why, (void *)for_);
                }
            }
        }
    }
    /* computed before the module first calls a def that reads it */
    vec readers = {0};
    for (int i = 0; i < module->body.len; i++) {
        ast *s = VEC_AT(module->body, i, ast *);
        if (s->kind != A_DEF)
            continue;
        vec r = {0};
        reads_of(module, s, &r);
        for (int k = 0; k < r.len; k++)
            if (has(&state, VEC_AT(r, k, const char *)))
                add(&readers, s->name);
    }
    int first = -1;
    for (int i = 0; i < module->body.len && first < 0; i++) {
        ast *s = VEC_AT(module->body, i, ast *);
        if (s->kind != A_DEF && !in_slice[i] && calls_any(s, &readers))
            first = i;
    }
    for (int i = first + 1; first >= 0 && i < module->body.len; i++)
        if (in_slice[i]) {
            ast *s = VEC_AT(module->body, i, ast *), *c = VEC_AT(module->body, first, ast *);
            diag_error(s->l, "the module changes here what an exported def reads of it, after it calls such a def "
                             "(line %d): tylesc --lib computes a def's module-level arrays and numbers once, before "
                             "the first call, so change them before it, or pass them as arguments", c->l.line);
            return -1;
        }
    if (state.len > LIB_MAX_STATE) {
        diag_error(module->l, "the exported defs read %d module-level arrays and numbers; a library keeps at most %d "
                              "(tylesc --lib): pass some as arguments", state.len, LIB_MAX_STATE);
        return -1;
    }
    st.n = state.len;
    for (int k = 0; k < st.n; k++) {
        st.item[k].name = st.item[k].global = VEC_AT(state, k, const char *);
        st.item[k].same_as = -1;
    }
    for (int i = 0; i < n; i++) {
        lib_export *x = &xs[i];
        x->nst = 0;
        for (int k = 0; k < st.n; k++)
            if (has(&reads[i], st.item[k].name)) {
                x->st_same[x->nst] = -1;
                x->st[x->nst++] = k;
            }
        if (x->np + st.n > LIB_MAX_CALL) {
            diag_error(x->def->l, "'%s' has %d parameters and the library %d module-level arrays and numbers: at "
                                  "most %d together (tylesc --lib)", x->def->name, x->np, st.n, LIB_MAX_CALL);
            return -1;
        }
    }
    return st.n;
}

ast *lib_state_module(ast *module, int probe)
{
    loc l = module->l;
    ast *m = ast_new(A_MODULE, module->l);
    vec names = {0};
    const char *np = "tyl.np"; /* "." cannot be in a Python name: no user name shares it */
    m->body = ast_vec1(ast_import(l, "numpy", np));
    vec_push(&names, (void *)np);
    for (int i = 0; i < module->body.len; i++) {
        ast *s = VEC_AT(module->body, i, ast *);
        if (in_slice[i])
            vec_push(&m->body, s);
        else if (lib_kept_stmt(module, s, &names)) {
            vec slice = {0};
            for (int j = 0; j < module->body.len; j++)
                if (in_slice[j])
                    vec_push(&slice, VEC_AT(module->body, j, ast *));
            if (!lib_def_unneeded(module, s, (ast **)slice.items, slice.len, &names))
                vec_push(&m->body, s);
        }
    }
    if (probe) {
        /* def _tyl_state_probe(s0, s1, ...): pass, called with the state: the lowering records
         * what each is (lw_lib_note_call) */
        vec params = {0}, body = ast_vec1(ast_new(A_PASS, l));
        ast *call = ast_new(A_CALL, l);
        call->a = ast_name(l, probe_name);
        for (int k = 0; k < st.n; k++) {
            vec_push(&params, ast_param(l, arena_printf(&util_arena, "s%d", k), NULL, 0));
            vec_push(&call->args, ast_name(l, st.item[k].name));
        }
        probe_def = ast_def(l, probe_name, params, body);
        lib_record_def(probe_def);
        vec_push(&m->body, probe_def);
        vec_push(&m->body, ast_expr_stmt(l, call));
        return m;
    }
    for (int k = 0; k < st.n; k++) {
        ast *v = ast_name(l, st.item[k].name);
        if (!st.item[k].is_array) { /* a number goes in as an array of one, replicated */
            ast *f = ast_new(A_CALL, l);
            f->a = ast_attr(l, ast_name(l, np), "full");
            vec_push(&f->args, ast_int(l, 1));
            vec_push(&f->args, v);
            v = f;
        }
        ast *save = ast_new(A_CALL, l);
        save->a = ast_attr(l, ast_name(l, np), "save");
        vec_push(&save->args, ast_str(l, arena_printf(&util_arena, "\001st:%d", k)));
        vec_push(&save->args, v);
        vec_push(&m->body, ast_expr_stmt(l, save));
    }
    return m;
}

int lib_state_note(lib_export *xs, int n)
{
    const char *desc[LIB_MAX_STATE];
    const sym *const *shape[LIB_MAX_STATE];
    if (lib_recorded(probe_def, st.n, st.item, desc, shape) < 0)
        return -1;
    for (int k = 0; k < st.n; k++)
        if (!st.item[k].known) {
            diag_error(bound_at[k], "an exported def reads '%s', which the module binds to %s; a def's "
                                              "module-level values can be arrays and numbers (tylesc --lib): pass it "
                                              "as an argument", st.item[k].name, desc[k]);
            return -1;
        }
    /* per export: a state array of the shape of an array argument in the module's call, or of
     * another state array, gets its extents (one unknown shape: a stencil between them stays
     * distributed; the call checks it) */
    for (int i = 0; i < n; i++) {
        lib_export *x = &xs[i];
        for (int q = 0; q < x->nst; q++) {
            int k = x->st[q];
            if (!st.item[k].is_array || !shape[k])
                continue;
            for (int j = 0; j < x->np && x->st_same[q] < 0; j++) {
                const sym *const *ps = lib_call_shape(x->def, j);
                if (!ps || !x->param[j].is_array || x->param[j].rank != st.item[k].rank)
                    continue;
                int eq = 1;
                for (int d = 0; d < st.item[k].rank; d++)
                    eq &= sym_equal(ps[d], shape[k][d]);
                if (eq)
                    x->st_same[q] = j;
            }
            for (int p = 0; p < q && x->st_same[q] < 0; p++) {
                int k2 = x->st[p];
                if (!st.item[k2].is_array || st.item[k2].rank != st.item[k].rank || !shape[k2])
                    continue;
                int eq = 1;
                for (int d = 0; d < st.item[k].rank; d++)
                    eq &= sym_equal(shape[k2][d], shape[k][d]);
                if (eq)
                    x->st_same[q] = x->np + k2;
            }
        }
    }
    return 0;
}
