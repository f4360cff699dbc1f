/* lower_deque.c: collections.deque as the queue of a breadth-first search or a flood fill
 * (q = deque([start]); while q: i, j = q.popleft(); ... q.append((a, b))).
 *
 * A deque used that way is a list whose first item is taken: the program is rewritten, before
 * lowering, into the list the compiler already builds at run time: deque() is [], deque(x) is
 * list(x) (a list or tuple literal: that list), q.popleft() is q.pop(0) (Python's IndexError
 * "pop from an empty deque" becomes the list's "pop from empty list"; the later items move
 * down by one, O(n) where CPython's deque takes O(1); the call is marked LW_DEQUE_POP, so an
 * empty queue gives the deque's message "pop from an empty deque"). append, pop(), len(), truth, indexing
 * and loops over it are the list's.
 *
 * What a list cannot give identically is refused, located: deque(maxlen=...) (items dropped
 * from the other end), appendleft/extendleft/rotate, and printing a deque (Python prints
 * "deque([...])", a list "[...]"). Names are compared by spelling (a name bound to a deque
 * anywhere is a deque everywhere for print), as lower_grow.c decides on the program text.
 *
 * Requires: the module's AST as parsed. Establishes: no call of deque and no popleft() is left
 * in it when the program imports collections.deque (an error was reported for the rest). */

#include "lower_internal.h"

#include <string.h>

typedef struct dq {
    vec callees;  /* const char*: the names deque is imported as (from collections import deque) */
    vec modules;  /* const char*: the names collections is imported as (collections.deque) */
    vec names;    /* const char*: names bound to a deque */
} dq;

static int in(vec *v, const char *s)
{
    for (int i = 0; i < v->len; i++)
        if (strcmp(VEC_AT(*v, i, const char *), s) == 0)
            return 1;
    return 0;
}

/* The imports of collections anywhere in the program (functions may import too). */
static void find_imports(ast *a, dq *d)
{
    if (!a)
        return;
    if (a->kind == A_FROM_IMPORT && strcmp(a->name, "collections") == 0)
        for (int i = 0; i < a->args.len; i++) {
            ast *n = VEC_AT(a->args, i, ast *);
            if (strcmp(n->name, "deque") == 0)
                vec_push(&d->callees, (void *)(n->str ? n->str : n->name));
        }
    if (a->kind == A_IMPORT && strcmp(a->name, "collections") == 0)
        vec_push(&d->modules, (void *)(a->str ? a->str : a->name));
    for (int i = 0; i < a->body.len; i++)
        find_imports(VEC_AT(a->body, i, ast *), d);
    for (int i = 0; i < a->orelse.len; i++)
        find_imports(VEC_AT(a->orelse, i, ast *), d);
}

static int is_deque_call(ast *a, dq *d)
{
    if (!a || a->kind != A_CALL)
        return 0;
    ast *f = a->a;
    if (f->kind == A_NAME)
        return in(&d->callees, f->name);
    return f->kind == A_ATTR && strcmp(f->name, "deque") == 0 && f->a && f->a->kind == A_NAME &&
           in(&d->modules, f->a->name);
}

/* Calls every other function here visits: each expression and statement below a. */
typedef struct walking {
    dq *d;
    void (*visit)(ast *, dq *);
} walking;
static void walk(ast *a, void *ctx)
{
    walking *w = ctx;
    if (!a)
        return;
    w->visit(a, w->d);
    ast_each_child(a, AST_ALL, walk, w);
}

/* q = deque(...) binds q to a deque */
static void find_names(ast *a, dq *d)
{
    if (a->kind == A_ASSIGN && is_deque_call(a->a, d))
        for (int i = 0; i < a->targets.len; i++) {
            ast *t = VEC_AT(a->targets, i, ast *);
            if (t->kind == A_NAME && !in(&d->names, t->name))
                vec_push(&d->names, (void *)t->name);
        }
}

static int names_deque(ast *e, dq *d)
{
    return e && ((e->kind == A_NAME && in(&d->names, e->name)) || is_deque_call(e, d));
}

static void refuse_print(ast *arg, dq *d)
{
    if (names_deque(arg, d))
        diag_error(arg->l, "printing a deque is not supported: tylesc holds it as a list, which Python "
                           "prints differently (print its items, or len(%s))", diag_text(arg->l));
}

static void rewrite(ast *a, dq *d)
{
    if (a->kind == A_FSTRING)
        for (int i = 0; i < a->args.len; i++) {
            ast *p = VEC_AT(a->args, i, ast *);
            if (p->kind == A_FORMATTED)
                refuse_print(p->a, d);
        }
    if (a->kind != A_CALL)
        return;
    ast *f = a->a;
    if (f->kind == A_NAME && (strcmp(f->name, "print") == 0 || strcmp(f->name, "str") == 0 ||
                              strcmp(f->name, "repr") == 0))
        for (int i = 0; i < a->args.len; i++)
            refuse_print(VEC_AT(a->args, i, ast *), d);
    if (is_deque_call(a, d)) {
        if (a->kwargs.len || a->args.len > 1) { /* reported, then lowered as deque(items) alone */
            diag_error(a->l, "deque(..., maxlen) is not supported (a deque is a list here: deque() and "
                             "deque(items) are)");
            a->kwargs.len = 0;
            a->args.len = a->args.len > 1 ? 1 : a->args.len;
        }
        if (a->args.len == 0) { /* deque() is [] */
            a->kind = A_LIST;
            a->a = NULL;
            return;
        }
        ast *x = VEC_AT(a->args, 0, ast *);
        if (x->kind == A_LIST || x->kind == A_TUPLE) { /* deque([start]) is [start] */
            a->kind = A_LIST;
            a->a = NULL;
            a->args = x->args;
            return;
        }
        a->a = ast_name(f->l, "list");
        return;
    }
    if (f->kind != A_ATTR || !f->a)
        return;
    if (strcmp(f->name, "popleft") == 0) {
        if (a->args.len || a->kwargs.len) {
            diag_error(a->l, "deque.popleft() takes no arguments");
            a->args.len = a->kwargs.len = 0;
        }
        f->name = "pop"; /* q.pop(0) */
        vec_push(&a->args, ast_int(f->l, 0));
        a->ival = LW_DEQUE_POP;
        return;
    }
    if (strcmp(f->name, "pop") == 0 && names_deque(f->a, d))
        a->ival = LW_DEQUE_POP;
    if (names_deque(f->a, d) && (strcmp(f->name, "appendleft") == 0 || strcmp(f->name, "extendleft") == 0 ||
                                 strcmp(f->name, "rotate") == 0)) {
        diag_error(f->l, "deque.%s() is not supported (a deque is a list here: append, pop, popleft, "
                         "len, indexing and loops over it are)", f->name);
        f->name = "append"; /* lowered as one (no second message) */
    }
}

void lw_deque_rewrite(ast *module)
{
    dq d = {0};
    find_imports(module, &d);
    if (!d.callees.len && !d.modules.len)
        return;
    walk(module, &(walking){&d, find_names});
    walk(module, &(walking){&d, rewrite});
}

/* The value an imported deque name is bound to: every call of it was rewritten, so any other
 * use (isinstance(q, deque)) finds a module's attribute and is reported where it is used. */
int lw_deque_import(lctx *c, ast *s)
{
    for (int i = 0; i < s->args.len; i++)
        if (strcmp(VEC_AT(s->args, i, ast *)->name, "deque") != 0)
            return 0;
    for (int i = 0; i < s->args.len; i++) {
        ast *n = VEC_AT(s->args, i, ast *);
        binding *b = lw_bind(c, n->str ? n->str : n->name);
        b->kind = B_VALUE;
        b->val = lw_vnew(V_MODULE, n->l);
        b->val->str = "collections.deque";
    }
    return 1;
}
