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
 *   A - B, A & B, A | B, A ^ B (A, B sets: names, set(...) or such operations), in a statement
 *   that evaluates it once (an assignment, an expression, a return, an if's test, a for's
 *   iterable; not a while's test, and not under and/or, if-else, a lambda or a comprehension),
 *   and set(...) there too (len(set(x))), and s |= B (s = s | B: a new list, not s changed in
 *   place)
 *                        ->  h = []; for v in A: if v not in B: h.append(v)   (&: if v in B;
 *                            |: every v of A, then those of B not in A; ^: both differences)
 *                            before the statement, which reads the hidden name h
 * (each rewritten statement inside an `if True:`, v a hidden name). Membership is Python's ==
 * with each item (lw_list_contains), len, truth, sorted(s), min and max are the list's.
 *
 * What depends on a set's order, which follows the hashes of its items and its history in
 * CPython and which a list in insertion order does not reproduce, is refused where it happens:
 * iterating over a set, list(s), printing it, s.pop(); so are the operations this rewrite does
 * not give (discard, remove, union and the like; | & - ^ where they would not be evaluated once,
 * before the statement). Names are compared by spelling (a
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

static int is_setop(ast *a, sets *st);

/* set(...), {a, b}, a name bound to a set, or an operation between two of these */
static int is_set_expr(ast *a, sets *st) { return is_set_call(a) || is_set_name(a, st) || is_setop(a, st); }

static int is_setop(ast *a, sets *st)
{
    return a && a->kind == A_BINOP && (a->op == '|' || a->op == '&' || a->op == '-' || a->op == '^') &&
           is_set_expr(a->a, st) && is_set_expr(a->b, st);
}

static void find_names(ast *a, void *ctx)
{
    sets *st = ctx;
    if (!a)
        return;
    if (a->kind == A_ASSIGN && (is_set_call(a->a) || is_setop(a->a, st)))
        for (int i = 0; i < a->targets.len; i++) {
            ast *t = VEC_AT(a->targets, i, ast *);
            if (t->kind == A_NAME && !in(&st->names, t->name))
                vec_push(&st->names, (void *)t->name);
        }
    ast_each_child(a, AST_ALL, find_names, st);
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

/* Expressions: x in {a, b}, and what a list would do differently. Not the statements of a
 * lambda's or def's body (rewrite_body takes those). */
static void check_expr(ast *a, void *ctx)
{
    sets *st = ctx;
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
        if (is_setop(a, st))
            diag_error(a->l, "an operation between sets is supported where its statement evaluates it once, "
                             "before anything else (an assignment, an expression, a return, an if's test, a "
                             "for's iterable), not in a while's test or under and/or, if-else, a lambda or a "
                             "comprehension: bind it to a name first");
        else
            refuse(a, "an operation between a set and what is not a set", 0);
        *a = *ast_list(a->l, (vec){0}); /* an empty set, as a list: no second message */
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
            diag_error(a->l, "set() is supported bound to a name (s = set(), s = set(items), s = {a, b}), "
                             "as the right operand of 'in', or where its statement evaluates it once (not in "
                             "a while's test or under and/or, if-else, a lambda or a comprehension)");
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
    ast_each_child(a, AST_ALL & ~AST_STMTS, check_expr, st);
}

static void rewrite_body(vec *body, sets *st);
static void build_op(ast *x, const char *h, sets *st, vec *pre);

/* A new hidden name bound to a set */
static const char *set_temp(sets *st, loc l)
{
    const char *h = hidden(st, "setop", l);
    vec_push(&st->names, (void *)h);
    return h;
}

/* The items' loops of a rewritten s = set(items): checked as the program's own (iterating over
 * a set is refused) */
static void check_items(ast *r, sets *st)
{
    for (int k = 0; r && k < r->body.len; k++)
        if (VEC_AT(r->body, k, ast *)->kind == A_FOR)
            check_expr(VEC_AT(r->body, k, ast *)->a, st);
}

/* An operand of a set operation as the name of its list; what computes it pushed onto pre */
static const char *operand(ast *x, sets *st, vec *pre)
{
    if (is_set_name(x, st))
        return x->name;
    const char *h = set_temp(st, x->l);
    if (is_set_call(x)) {
        ast *as = ast_assign(x->l, ast_vec1(ast_name(x->l, h)), x);
        ast *r = rewrite_stmt(as, st);
        check_items(r, st);
        vec_push(pre, r ? r : as);
    } else
        build_op(x, h, st, pre);
    return h;
}

/* for v in A: [if v (not) in B:] h.append(v) */
static ast *append_from(loc l, const char *h, const char *a, int test, const char *b, sets *st)
{
    const char *v = hidden(st, h, l);
    ast *app = ast_expr_stmt(l, ast_call(l, ast_attr(l, ast_name(l, h), "append"), ast_arglist(NULL, ast_name(l, v))));
    if (test)
        app = ast_if(l, ast_compare(l, ast_name(l, v), test, ast_name(l, b)), ast_vec1(app), (vec){0});
    return ast_for(l, ast_name(l, v), ast_name(l, a), ast_vec1(app), (vec){0});
}

/* h = A op B as the lists of distinct items: A's items in A's order, then B's (Python's order
 * of a set is not kept, and nothing that depends on it is accepted) */
static void build_op(ast *x, const char *h, sets *st, vec *pre)
{
    loc l = x->l;
    const char *a = operand(x->a, st, pre), *b = operand(x->b, st, pre);
    vec_push(pre, ast_assign(l, ast_vec1(ast_name(l, h)), ast_list(l, (vec){0})));
    vec_push(pre, append_from(l, h, a, x->op == '|' ? 0 : x->op == '&' ? OP_IN : OP_NOTIN, b, st));
    if (x->op == '|' || x->op == '^')
        vec_push(pre, append_from(l, h, b, OP_NOTIN, a, st));
}

/* Set operations and set(...) calls of an expression evaluated once, computed before it (into
 * pre) and read there as hidden names. Not under and/or, if-else, lambdas and comprehensions
 * (evaluated conditionally or repeatedly), nor the right operand of 'in' (a list already). */
typedef struct hoisting {
    sets *st;
    vec *pre;
} hoisting;
static void hoist(ast *a, sets *st, vec *pre);
static void hoist_in(ast *a, void *ctx) { hoisting *h = ctx; hoist(a, h->st, h->pre); }
static void hoist(ast *a, sets *st, vec *pre)
{
    if (!a || a->kind == A_BOOLOP || a->kind == A_IFEXP || a->kind == A_LAMBDA || a->kind == A_COMP)
        return;
    if (is_setop(a, st) || (is_set_call(a) && a->args.len <= 1 && !a->kwargs.len)) {
        ast *cp = ast_new(a->kind, a->l); /* the node itself becomes the name */
        *cp = *a;
        const char *h = operand(cp, st, pre);
        *a = *ast_name(a->l, h);
        return;
    }
    if (a->kind == A_COMPARE)
        for (int i = 0; i < a->args.len; i++)
            if ((a->cmpops[i] == OP_IN || a->cmpops[i] == OP_NOTIN) && is_set_call(VEC_AT(a->args, i, ast *)))
                return;
    ast_each_child(a, AST_OPERANDS, hoist_in, &(hoisting){st, pre});
}

/* The statements that compute the set operations of s, which evaluates them once, before it */
static vec hoist_stmt(ast *s, sets *st)
{
    vec pre = {0};
    if (s->kind == A_AUGASSIGN && is_set_name(s->b, st) &&
        (s->op == '|' || s->op == '&' || s->op == '-' || s->op == '^') && is_set_expr(s->a, st)) {
        ast *op = ast_binop(s->l, s->op, ast_name(s->b->l, s->b->name), s->a); /* s |= B: s = s | B */
        *s = *ast_assign(s->l, ast_vec1(s->b), op);
    }
    if (s->kind == A_ASSIGN && s->targets.len == 1 && is_set_name(VEC_AT(s->targets, 0, ast *), st) &&
        is_set_call(s->a)) /* s = set(items): rewrite_stmt's */
        return pre;
    if (s->kind == A_EXPR_STMT || s->kind == A_ASSIGN || s->kind == A_AUGASSIGN || s->kind == A_RETURN ||
        s->kind == A_IF || s->kind == A_FOR)
        hoist(s->a, st, &pre);
    return pre;
}

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
        vec pre = hoist_stmt(s, st);
        ast *r = rewrite_stmt(s, st);
        if (r) {
            body->items[i] = r;
            /* the items' loop and the test read only what the program wrote */
            check_items(r, st);
        } else
            rewrite_in(s, st);
        if (pre.len) {
            vec_push(&pre, body->items[i]);
            body->items[i] = block(s->l, pre);
        }
    }
}

void lw_sets_rewrite(ast *module)
{
    sets st = {0};
    int n;
    do { /* a = set(x) - {0}; b = a & c: until no name is added */
        n = st.names.len;
        find_names(module, &st);
    } while (st.names.len != n);
    rewrite_body(&module->body, &st);
}
