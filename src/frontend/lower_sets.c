/* lower_sets.c: set() as a visited set or a collection of distinct values (visited = set();
 * if (i, j) not in visited: visited.add((i, j)); len(visited); sorted(values)).
 *
 * A set used that way is a list without repeats: the program is rewritten, before lowering,
 * into the lists the compiler already builds (at run time inside loops):
 *   s = set()            ->  s = []
 *   s = set(items), s = {a, b}
 *                        ->  s = []; for v in items: if v not in s: s.append(v)
 *                            (literals: s = [the distinct ones])
 *   s.add(x)             ->  v = x; if v not in s: s.append(v)
 *   x in {a, b}          ->  x in [a, b]
 * (each rewritten statement inside an `if True:`, v a hidden name). Membership is Python's ==
 * with each item (lw_list_contains), len, truth, sorted(s), min and max are the list's.
 *
 * What depends on a set's order, which follows the hashes of its items and its history in
 * CPython and which a list in insertion order does not reproduce, is refused where it happens:
 * iterating over a set, list(s), printing it, s.pop(); so are the operations this rewrite does
 * not give (discard, remove, union and the like, | & - ^). Names are compared by spelling (a
 * name bound to a set anywhere is a set everywhere), as lower_deque.c does.
 *
 * Requires: the module's AST as parsed (a set literal is parsed as set([a, b])). Establishes:
 * no call of set() is left in it (an error was reported for the rest). */

#include "lower_internal.h"

#include <string.h>

typedef struct sets {
    vec names; /* const char*: names bound to a set */
    int sites; /* hidden names made so far */
} sets;

static int in(vec *v, const char *s)
{
    for (int i = 0; i < v->len; i++)
        if (strcmp(VEC_AT(*v, i, const char *), s) == 0)
            return 1;
    return 0;
}

static int is_set_call(ast *a)
{
    return a && a->kind == A_CALL && a->a->kind == A_NAME && strcmp(a->a->name, "set") == 0;
}

static int is_set_name(ast *a, sets *st) { return a && a->kind == A_NAME && in(&st->names, a->name); }

static void find_names(ast *a, sets *st)
{
    if (!a)
        return;
    if (a->kind == A_ASSIGN && is_set_call(a->a))
        for (int i = 0; i < a->targets.len; i++) {
            ast *t = VEC_AT(a->targets, i, ast *);
            if (t->kind == A_NAME && !in(&st->names, t->name))
                vec_push(&st->names, (void *)t->name);
        }
    find_names(a->a, st);
    find_names(a->b, st);
    find_names(a->c, st);
    vec *vs[] = {&a->args, &a->kwargs, &a->targets, &a->params, &a->body, &a->orelse};
    for (size_t k = 0; k < sizeof vs / sizeof *vs; k++)
        for (int i = 0; i < vs[k]->len; i++)
            find_names(VEC_AT(*vs[k], i, ast *), st);
}

static ast *block(loc l, vec body) { return ast_if(l, ast_bool(l, 1), body, (vec){0}); }

/* if v not in s: s.append(v) */
static ast *add_new(loc l, const char *s, const char *v)
{
    ast *test = ast_compare(l, ast_name(l, v), OP_NOTIN, ast_name(l, s));
    ast *app = ast_expr_stmt(l, ast_call(l, ast_attr(l, ast_name(l, s), "append"), ast_arglist(NULL, ast_name(l, v))));
    return ast_if(l, test, ast_vec1(app), (vec){0});
}

/* A literal number, bool, string or tuple of them: its kind (0: not a literal) and value. */
static int literal(ast *a, double *x, const char **s)
{
    if (a->kind == A_UNOP && a->op == '-' && (a->a->kind == A_INT || (a->a->kind == A_FLOAT && !a->a->ival))) {
        int k = literal(a->a, x, s);
        *x = -*x;
        return k;
    }
    if (a->kind == A_INT || a->kind == A_BOOL)
        return *x = (double)a->ival, a->ival >= -(1LL << 53) && a->ival <= (1LL << 53) ? 1 : 0;
    if (a->kind == A_FLOAT && !a->ival)
        return *x = a->fval, 1;
    if (a->kind == A_STR)
        return *s = a->str, 2;
    if (a->kind == A_TUPLE) {
        for (int i = 0; i < a->args.len; i++) {
            double y;
            const char *t;
            if (!literal(VEC_AT(a->args, i, ast *), &y, &t))
                return 0;
        }
        return 3;
    }
    return 0;
}

/* Python's == of two literals (1 == 1.0 == True; NaN is never a literal) */
static int literal_equal(ast *a, ast *b)
{
    double x, y;
    const char *s, *t;
    int ka = literal(a, &x, &s), kb = literal(b, &y, &t);
    if (ka != kb)
        return 0;
    if (ka == 1)
        return x == y;
    if (ka == 2)
        return strcmp(s, t) == 0;
    if (a->args.len != b->args.len)
        return 0;
    for (int i = 0; i < a->args.len; i++)
        if (!literal_equal(VEC_AT(a->args, i, ast *), VEC_AT(b->args, i, ast *)))
            return 0;
    return 1;
}

/* set([2, 3, 3]), {(0, 1), (1, 0)}: a list literal of literals, without the repeats (the first
 * of equal items kept), or NULL. */
static ast *distinct_literals(ast *items)
{
    if (items->kind != A_LIST && items->kind != A_TUPLE)
        return NULL;
    vec out = {0};
    for (int i = 0; i < items->args.len; i++) {
        ast *it = VEC_AT(items->args, i, ast *);
        double x;
        const char *s;
        if (!literal(it, &x, &s))
            return NULL;
        int seen = 0;
        for (int k = 0; k < out.len && !seen; k++)
            seen = literal_equal(VEC_AT(out, k, ast *), it);
        if (!seen)
            vec_push(&out, it);
    }
    return ast_list(items->l, out);
}

static const char *hidden(sets *st, const char *s, loc l)
{
    return arena_printf(&util_arena, "%s.set.%d.%d.%d", s, l.line, l.col, st->sites++);
}

/* A statement rewritten (NULL: left as it is). */
static ast *rewrite_stmt(ast *s, sets *st)
{
    loc l = s->l;
    if (s->kind == A_ASSIGN && s->targets.len == 1 && is_set_name(VEC_AT(s->targets, 0, ast *), st) &&
        is_set_call(s->a)) {
        ast *call = s->a;
        const char *name = VEC_AT(s->targets, 0, ast *)->name;
        if (call->kwargs.len || call->args.len > 1) {
            diag_error(call->l, "set() takes at most 1 argument (%d given)", call->args.len + call->kwargs.len);
            call->args.len = call->kwargs.len = 0;
        }
        ast *items = call->args.len ? VEC_AT(call->args, 0, ast *) : NULL;
        ast *lits = items ? distinct_literals(items) : NULL;
        call->kind = A_LIST; /* s = [] */
        call->a = NULL;
        call->args = lits ? lits->args : (vec){0};
        if (!items || lits)
            return NULL;
        const char *v = hidden(st, name, l);
        vec body = ast_vec1(s);
        vec_push(&body, ast_for(l, ast_name(l, v), items, ast_vec1(add_new(l, name, v)), (vec){0}));
        return block(l, body);
    }
    if (s->kind == A_EXPR_STMT && s->a->kind == A_CALL && s->a->a->kind == A_ATTR &&
        strcmp(s->a->a->name, "add") == 0 && is_set_name(s->a->a->a, st)) {
        ast *call = s->a;
        const char *name = call->a->a->name;
        if (call->args.len != 1 || call->kwargs.len) {
            diag_error(call->l, "set.add() takes exactly one argument (%d given)", call->args.len + call->kwargs.len);
            return ast_new(A_PASS, l);
        }
        const char *v = hidden(st, name, l);
        vec body = ast_vec1(ast_assign(l, ast_vec1(ast_name(l, v)), VEC_AT(call->args, 0, ast *)));
        vec_push(&body, add_new(l, name, v));
        return block(l, body);
    }
    return NULL;
}

/* order: what is refused depends on the order of the set's items */
static void refuse(ast *at, const char *what, int order)
{
    diag_error(at->l, "%s is not supported: a set is a list without repeats here (set(), set(items), "
                      "{a, b}, add, in, len, sorted, min and max are), and %s", what,
               order ? "Python's order of a set's items follows their hashes; use sorted(s)"
                     : "this needs an operation the list does not have");
}

/* A refused expression, once reported, lowered as 0 (no second message from the list's side) */
static void neutral(ast *a)
{
    loc l = a->l;
    *a = *ast_int(l, 0);
}

/* Expressions: x in {a, b}, and what a list would do differently. */
static void check_expr(ast *a, sets *st)
{
    if (!a)
        return;
    if (a->kind == A_COMPARE)
        for (int i = 0; i < a->args.len; i++) {
            ast *r = VEC_AT(a->args, i, ast *);
            if ((a->cmpops[i] == OP_IN || a->cmpops[i] == OP_NOTIN) && is_set_call(r) && r->args.len == 1 &&
                !r->kwargs.len) /* x in {a, b}: the items' list */
                a->args.items[i] = VEC_AT(r->args, 0, ast *);
        }
    if (a->kind == A_FOR && is_set_name(a->a, st)) { /* a statement, or a comprehension's clause */
        refuse(a->a, "iterating over a set", 1);
        a->a = ast_list(a->a->l, (vec){0});
    }
    if (a->kind == A_FSTRING)
        for (int i = 0; i < a->args.len; i++) {
            ast *p = VEC_AT(a->args, i, ast *);
            if (p->kind == A_FORMATTED && is_set_name(p->a, st)) {
                refuse(p->a, "printing a set", 1);
                neutral(p->a);
            }
        }
    if (a->kind == A_BINOP && (is_set_name(a->a, st) || is_set_name(a->b, st)) &&
        (a->op == '|' || a->op == '&' || a->op == '-' || a->op == '^')) {
        refuse(a, "an operation between sets", 0);
        neutral(a);
        return;
    }
    if (a->kind == A_CALL && a->a->kind == A_NAME) {
        const char *f = a->a->name;
        int order = !strcmp(f, "list") || !strcmp(f, "tuple") || !strcmp(f, "print") || !strcmp(f, "str") ||
                    !strcmp(f, "repr") || !strcmp(f, "enumerate") || !strcmp(f, "zip") || !strcmp(f, "sum");
        int prints = !strcmp(f, "print") || !strcmp(f, "str") || !strcmp(f, "repr");
        for (int i = 0; order && i < a->args.len; i++)
            if (is_set_name(VEC_AT(a->args, i, ast *), st)) {
                refuse(VEC_AT(a->args, i, ast *),
                       prints ? "printing a set" : arena_printf(&util_arena, "%s(s) of a set (an iteration)", f), 1);
                if (!prints) { /* list(s): the call lowered as 0 */
                    neutral(a);
                    return;
                }
                neutral(VEC_AT(a->args, i, ast *));
            }
        if (is_set_call(a)) {
            diag_error(a->l, "set() is supported bound to a name (s = set(), s = set(items), s = {a, b}) "
                             "or as the right operand of 'in'");
            a->kind = A_LIST;
            a->a = NULL;
            a->args = (vec){0};
        }
    }
    if (a->kind == A_CALL && a->a->kind == A_ATTR && is_set_name(a->a->a, st) && strcmp(a->a->name, "add") != 0) {
        refuse(a->a, arena_printf(&util_arena, "set.%s()", a->a->name), !strcmp(a->a->name, "pop"));
        neutral(a);
        return;
    }
    if (a->kind == A_CALL && a->a->kind == A_ATTR && is_set_name(a->a->a, st) && strcmp(a->a->name, "add") == 0)
        diag_error(a->l, "set.add() is supported as a statement");
    check_expr(a->a, st);
    check_expr(a->b, st);
    check_expr(a->c, st);
    vec *vs[] = {&a->args, &a->kwargs, &a->targets, &a->params};
    for (size_t k = 0; k < sizeof vs / sizeof *vs; k++)
        for (int i = 0; i < vs[k]->len; i++)
            check_expr(VEC_AT(*vs[k], i, ast *), st);
}

static void rewrite_body(vec *body, sets *st);

static void rewrite_in(ast *s, sets *st)
{
    if (s->kind == A_EXPR_STMT || s->kind == A_ASSIGN || s->kind == A_AUGASSIGN || s->kind == A_RETURN ||
        s->kind == A_IF || s->kind == A_WHILE || s->kind == A_FOR || s->kind == A_ASSERT || s->kind == A_RAISE) {
        if (s->kind == A_FOR) { /* the loop's own header */
            ast head = *s;
            head.body = head.orelse = (vec){0};
            check_expr(&head, st);
            s->a = head.a;
        } else {
            check_expr(s->a, st);
            check_expr(s->b, st);
            for (int i = 0; i < s->targets.len; i++)
                check_expr(VEC_AT(s->targets, i, ast *), st);
        }
    }
    rewrite_body(&s->body, st);
    rewrite_body(&s->orelse, st);
}

static void rewrite_body(vec *body, sets *st)
{
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        ast *r = rewrite_stmt(s, st);
        if (r) {
            body->items[i] = r;
            /* the items' loop and the test read only what the program wrote */
            for (int k = 0; k < r->body.len; k++)
                if (VEC_AT(r->body, k, ast *)->kind == A_FOR)
                    check_expr(VEC_AT(r->body, k, ast *)->a, st);
            continue;
        }
        rewrite_in(s, st);
    }
}

void lw_sets_rewrite(ast *module)
{
    sets st = {0};
    find_names(module, &st);
    rewrite_body(&module->body, &st);
}
