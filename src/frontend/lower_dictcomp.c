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
 * binds is not bound until it is done). A dict comprehension elsewhere, one whose key, value,
 * conditions or later iterables read the name it is bound to (w = {k: w[k] for k in w}: the
 * new dict would be read while it is filled), or one whose targets are not plain names, is
 * refused, located.
 *
 * Requires: the module's AST as parsed (A_COMP with ival 2: a the key, b the value). Establishes:
 * no A_COMP with ival 2 is left in it. */

#include "lower_internal.h"

#include <string.h>

static int reads_name(ast *a, const char *name)
{
    if (!a)
        return 0;
    if (a->kind == A_NAME && strcmp(a->name, name) == 0)
        return 1;
    if (reads_name(a->a, name) || reads_name(a->b, name) || reads_name(a->c, name))
        return 1;
    vec *vs[] = {&a->args, &a->kwargs};
    for (size_t k = 0; k < sizeof vs / sizeof *vs; k++)
        for (int i = 0; i < vs[k]->len; i++)
            if (reads_name(VEC_AT(*vs[k], i, ast *), name))
                return 1;
    return 0;
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
    int reads = reads_name(comp->a, name) || reads_name(comp->b, name);
    for (int i = 0; i < comp->args.len; i++) {
        ast *cl = VEC_AT(comp->args, i, ast *);
        reads |= (i > 0 || cl->kind == A_IF) && reads_name(cl->a, name);
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

static void refuse_rest(ast *a)
{
    if (!a)
        return;
    if (a->kind == A_COMP && a->ival == 2) {
        diag_error(a->l, "a dict comprehension is supported bound to a name (d = {k: v for k in ...})");
        *a = *ast_dict(a->l, NULL, NULL, NULL);
        return;
    }
    refuse_rest(a->a);
    refuse_rest(a->b);
    refuse_rest(a->c);
    vec *vs[] = {&a->args, &a->kwargs, &a->targets, &a->params, &a->body, &a->orelse};
    for (size_t k = 0; k < sizeof vs / sizeof *vs; k++)
        for (int i = 0; i < vs[k]->len; i++)
            refuse_rest(VEC_AT(*vs[k], i, ast *));
}

static void rewrite_body(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        if (s->kind == A_ASSIGN && s->targets.len == 1 && VEC_AT(s->targets, 0, ast *)->kind == A_NAME &&
            s->a && s->a->kind == A_COMP && s->a->ival == 2) {
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
    refuse_rest(module);
}
