/* lower_dictcomp.c: dict comprehensions bound to a name, rewritten before lowering into the
 * loop Python runs, so that the dicts the compiler already has take them (keys known when
 * compiling, lower_dicts.c, where the loop is unrolled; run-time int keys, lower_rtdicts.c):
 *
 *   w = {dE: np.exp(-dE / T) for dE in (4, 8) if c}
 *     ->  if True:
 *             w = {}
 *             for dc.L.C.dE in (4, 8):
 *                 if c': w[dE'] = np.exp(-dE' / T)
 *
 * (the comprehension's variables renamed apart: they are its own in Python 3, and the name it
 * binds is not bound until it is done). One whose key, value, conditions or later iterables read
 * the name it is bound to (w = {k: w[k] for k in w}: the new dict would be read while it is
 * filled), or one whose targets are not plain names, is refused, located. Only one whose keys
 * are run-time ints is rewritten so (runtime_keys); the others, and a dict comprehension
 * elsewhere, are built from their (key, value) pairs when compiling (lower_expr.c), the element
 * made the pair (pair_rest).
 *
 * Requires: the module's AST as parsed (A_COMP with ival 2: a the key, b the value). Establishes:
 * every A_COMP with ival 2 left has the pair for its element (a) and no b. */

#include "lower_internal.h"

#include <string.h>

/* Whether expression a reads name (its operands only: not a lambda's parameters) */
static int reads_name(ast *a, void *name)
{
    if (!a)
        return 0;
    if (a->kind == A_NAME && strcmp(a->name, name) == 0)
        return 1;
    return ast_any_child(a, AST_OPERANDS, reads_name, name);
}

/* NAME = {K: V for ...}: the statements that build it, or NULL after a diagnostic */
static ast *rewrite(ast *s, ast *comp)
{
    const char *name = VEC_AT(s->targets, 0, ast *)->name;
    loc l = comp->l;
    vec from = {0}, to = {0};
    for (int i = 0; i < comp->args.len; i++) {
        ast *cl = VEC_AT(comp->args, i, ast *);
        if (cl->kind == A_FOR && !lw_plain_target_names(cl->b, &from)) {
            diag_error(cl->b->l, "a dict comprehension's targets must be names or tuples of names");
            return NULL;
        }
    }
    int reads = reads_name(comp->a, (void *)name) || reads_name(comp->b, (void *)name);
    for (int i = 0; i < comp->args.len; i++) {
        ast *cl = VEC_AT(comp->args, i, ast *);
        reads |= (i > 0 || cl->kind == A_IF) && reads_name(cl->a, (void *)name);
    }
    if (reads) {
        diag_error(l, "a dict comprehension that reads the name it is bound to ('%s') is not supported "
                      "(the new dict is filled in place of it here); bind it to another name", name);
        return NULL;
    }
    const char *base = arena_printf(&util_arena, "dc.%d.%d", l.line, l.col);
    for (int i = 0; i < from.len; i++)
        vec_push(&to, (void *)arena_printf(&util_arena, "%s.%s", base, VEC_AT(from, i, const char *)));
    ast *key = ast_subscript(l, ast_name(l, name), ast_vec1(ast_clone_expr_renamed(comp->a, &from, &to)), 0);
    ast *body = ast_assign(l, ast_vec1(key), ast_clone_expr_renamed(comp->b, &from, &to));
    for (int i = comp->args.len - 1; i >= 0; i--) {
        ast *cl = VEC_AT(comp->args, i, ast *);
        ast *test = i == 0 ? cl->a : ast_clone_expr_renamed(cl->a, &from, &to); /* the first: outside */
        if (cl->kind == A_IF)
            body = ast_if(cl->l, test, ast_vec1(body), (vec){0});
        else
            body = ast_for(cl->l, ast_clone_expr_renamed(cl->b, &from, &to), test, ast_vec1(body), (vec){0});
    }
    vec out = ast_vec1(ast_assign(s->l, s->targets, ast_dict(l, NULL, NULL, NULL)));
    vec_push(&out, body);
    return ast_if(s->l, ast_bool(s->l, 1), out, (vec){0});
}

/* A dict comprehension elsewhere (np.savez(f, **{k: v for ...})) is lowered as a comprehension
 * over a sequence known when compiling whose items are its (key, value) pairs (lower_expr.c,
 * lw_dict_of_pairs): its element becomes the pair. */
static void pair_rest(ast *a, void *unused)
{
    if (!a)
        return;
    if (a->kind == A_COMP && a->ival == 2 && a->b) {
        a->a = ast_pair(a->a->l, a->a, a->b);
        a->b = NULL;
    }
    ast_each_child(a, AST_ALL, pair_rest, unused);
}

/* Whether the keys of comprehension comp are ints known only when running, as far as its text
 * says: the key is a target of its first clause, which iterates range() of something other
 * than int literals (range(n), range(m) of a parameter). Those take the loop (run-time int
 * keys, lower_rtdicts.c); the others are built from their pairs when compiling (range(6),
 * lists and tuples, enumerate(names), string and f-string keys). */
static int runtime_keys(ast *comp)
{
    ast *first = VEC_AT(comp->args, 0, ast *), *it = first->a;
    if (first->kind != A_FOR || comp->a->kind != A_NAME || it->kind != A_CALL || !it->a ||
        it->a->kind != A_NAME || strcmp(it->a->name, "range") != 0)
        return 0;
    vec names = {0};
    if (!lw_plain_target_names(first->b, &names) || !lw_name_in(&names, comp->a->name))
        return 0;
    for (int i = 0; i < it->args.len; i++) {
        ast *x = VEC_AT(it->args, i, ast *);
        if (x->kind == A_UNOP)
            x = x->a;
        if (x->kind != A_INT)
            return 1;
    }
    return 0;
}

static void rewrite_body(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        if (s->kind == A_ASSIGN && s->targets.len == 1 && VEC_AT(s->targets, 0, ast *)->kind == A_NAME &&
            s->a && s->a->kind == A_COMP && s->a->ival == 2) {
            if (!runtime_keys(s->a))
                continue; /* its pairs (pair_rest) */
            ast *r = rewrite(s, s->a);
            if (r)
                body->items[i] = r;
            else
                s->a = ast_dict(s->a->l, NULL, NULL, NULL);
            continue;
        }
        rewrite_body(&s->body);
        rewrite_body(&s->orelse);
    }
}

void lw_dictcomp_rewrite(ast *module)
{
    rewrite_body(&module->body);
    pair_rest(module, NULL);
}
