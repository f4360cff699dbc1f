/* lower_tables.c: tables kept as lists of lists of numbers, as a Romberg or a dynamic-programming
 * code builds them (R = [[0.0] * (n + 1) for _ in range(n + 1)]; R[k][j] = ...; R[k][k]).
 *
 * The compiler's run-time lists hold numbers or arrays of one shape (lower_lists.c); a table of
 * rows made of numbers, all rows of one run-time length, is such a list of its numbers, row after
 * row, rewritten before lowering:
 *
 *     R = [[E] * M for v in range(N)]      ->  R.tbl.rows = max(N, 0)
 *     (or [[E for w in range(M)] for v in range(N)])  R.tbl.cols = max(M, 0)
 *                                               R.tbl = []
 *                                               for R.tbl.k in range(R.tbl.rows * R.tbl.cols):
 *                                                   R.tbl.append(E)
 *     R[i][j] (read, stored, augmented)     ->  R.tbl[i, j]   (lower_lists.c: item i * cols + j,
 *                                               each index checked against its extent, negative
 *                                               ones from the end, as Python's)
 *     len(R)                                ->  R.tbl.rows
 *     np.array(R), np.asarray(R)            ->  np.array(R.tbl).reshape(R.tbl.rows, R.tbl.cols)
 *                                               (a table of no rows, 1-D in NumPy: a stop
 *                                               before the statement)
 *
 * so its items are Python numbers, NumPy scalars or both, as stored (the run-time list's own
 * tracking: a repr of a number that may be either is refused where it would differ). E is a
 * number literal; N and M do not depend on the loop's variables (both int literals: only when a
 * cell is stored into; else the list known when compiling is kept). Only a name bound so once, by a
 * statement of a module's or a function's body, and used only in these forms afterwards (not
 * read by a def or lambda, not returned, printed or passed whole, not iterated over, no row
 * read alone) is rewritten; any other table stays refused by lower_lists.c's message.
 *
 * Requires: the module's AST as parsed. Establishes: the rewritten names are "R.tbl",
 * "R.tbl.rows", "R.tbl.cols", and R[i][j] of such a table is an A_SUBSCRIPT of R.tbl with two
 * indices (lw_list_table_index). */

#include "lower_internal.h"

#include <string.h>

static int is_name(const ast *a, const char *n) { return a && a->kind == A_NAME && strcmp(a->name, n) == 0; }

static int mentions(const ast *a, const char *name)
{
    if (!a)
        return 0;
    if (is_name(a, name) || (a->kind == A_DEF && strcmp(a->name, name) == 0))
        return 1;
    if (mentions(a->a, name) || mentions(a->b, name) || mentions(a->c, name))
        return 1;
    const vec *vs[] = {&a->args, &a->kwargs, &a->targets, &a->params, &a->body, &a->orelse};
    for (size_t k = 0; k < sizeof vs / sizeof *vs; k++)
        for (int i = 0; i < vs[k]->len; i++)
            if (mentions(VEC_AT(*vs[k], i, ast *), name))
                return 1;
    return 0;
}

static int number_literal(const ast *e)
{
    if (e->kind == A_UNOP && (e->op == '-' || e->op == '+'))
        e = e->a;
    return e->kind == A_INT || (e->kind == A_FLOAT && !e->ival);
}

/* range(X) with one argument: X, else NULL */
static ast *range_of(ast *it)
{
    if (it->kind != A_CALL || !is_name(it->a, "range") || it->args.len != 1 || it->kwargs.len ||
        VEC_AT(it->args, 0, ast *)->kind == A_STARRED)
        return NULL;
    return VEC_AT(it->args, 0, ast *);
}

/* [X for v in range(N)] of one clause: X, with N and v */
static ast *one_clause(ast *comp, ast **n, const char **v)
{
    if (comp->kind != A_COMP || comp->ival != 1 || comp->args.len != 1)
        return NULL;
    ast *cl = VEC_AT(comp->args, 0, ast *);
    if (cl->kind != A_FOR || cl->b->kind != A_NAME || !(*n = range_of(cl->a)))
        return NULL;
    *v = cl->b->name;
    return comp->a;
}

/* R = [[E] * M for v in range(N)] or [[E for w in range(M)] for v in range(N)]: 1, with E, M, N */
static int table_literal(ast *value, ast **e, ast **m, ast **n)
{
    const char *v, *w;
    ast *row = one_clause(value, n, &v);
    if (!row)
        return 0;
    if (row->kind == A_BINOP && row->op == '*') {
        ast *l = row->a->kind == A_LIST ? row->a : row->b, *k = l == row->a ? row->b : row->a;
        if (l->kind != A_LIST || l->args.len != 1)
            return 0;
        *e = VEC_AT(l->args, 0, ast *);
        *m = k;
    } else if (!(*e = one_clause(row, m, &w)))
        return 0;
    /* range(M) of the inner comprehension is evaluated in the outer one's scope: M may not read v */
    if (!number_literal(*e) || mentions(*m, v) || mentions(*n, v))
        return 0;
    return 1;
}

/* R[i][j]: the inner subscript R[i], else NULL */
static ast *cell(ast *a, const char *r)
{
    if (a->kind != A_SUBSCRIPT || a->args.len != 1 || a->tuple_index || VEC_AT(a->args, 0, ast *)->kind == A_SLICE)
        return NULL;
    ast *in = a->a;
    if (in->kind != A_SUBSCRIPT || !is_name(in->a, r) || in->args.len != 1 || in->tuple_index ||
        VEC_AT(in->args, 0, ast *)->kind == A_SLICE)
        return NULL;
    return in;
}

static int is_len_of(ast *a, const char *r)
{
    return a->kind == A_CALL && is_name(a->a, "len") && a->args.len == 1 && !a->kwargs.len &&
           is_name(VEC_AT(a->args, 0, ast *), r);
}

/* np.array(R) or np.asarray(R), without a dtype */
static int array_of(const ast *a, const char *r)
{
    return a && a->kind == A_CALL && a->a->kind == A_ATTR && a->a->a->kind == A_NAME &&
           (strcmp(a->a->a->name, "np") == 0 || strcmp(a->a->a->name, "numpy") == 0) &&
           (strcmp(a->a->name, "array") == 0 || strcmp(a->a->name, "asarray") == 0) && a->args.len == 1 &&
           !a->kwargs.len && is_name(VEC_AT(a->args, 0, ast *), r);
}

/* Whether a statement's own expressions (not the statements of its body) hold np.array(r). */
static int own_array_of(const ast *a, const char *r)
{
    if (!a)
        return 0;
    if (array_of(a, r))
        return 1;
    if (own_array_of(a->a, r) || own_array_of(a->b, r) || own_array_of(a->c, r))
        return 1;
    const vec *vs[] = {&a->args, &a->kwargs, &a->targets};
    for (size_t k = 0; k < sizeof vs / sizeof *vs; k++)
        for (int i = 0; i < vs[k]->len; i++)
            if (own_array_of(VEC_AT(*vs[k], i, ast *), r))
                return 1;
    return 0;
}

/* Before each statement of stmts[from..] (at any depth) that makes np.array(r): a stop when the
 * table has no rows, where NumPy's array is 1-D, of shape (0,), and the rewritten one would be
 * (0, cols). */
static void guard_arrays(vec *stmts, int from, const char *r)
{
    vec out = {0};
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (i >= from) {
            guard_arrays(&s->body, 0, r);
            guard_arrays(&s->orelse, 0, r);
        }
        if (i >= from && own_array_of(s, r)) {
            loc l = s->l;
            const char *msg = arena_printf(&util_arena, "np.array() of the table '%s' with no rows is 1-D in NumPy, "
                                           "of shape (0,); tylesc makes it (0, columns) and stops instead", r);
            ast *stop = ast_raise(l, ast_call(l, ast_name(l, "ValueError"), ast_arglist(NULL, ast_str(l, msg))));
            ast *none = ast_compare(l, ast_name(l, arena_printf(&util_arena, "%s.tbl.rows", r)), OP_EQ, ast_int(l, 0));
            vec_push(&out, ast_if(l, none, ast_vec1(stop), (vec){0}));
        }
        vec_push(&out, s);
    }
    *stmts = out;
}

/* Whether every mention of r below a is a cell, len(r) or np.array(r); rewrite them when doing
 * (np.array(r): np.array(R.tbl).reshape(R.tbl.rows, R.tbl.cols)). */
static int uses_ok(ast *a, const char *r, int doing)
{
    if (!a)
        return 1;
    if ((a->kind == A_DEF || a->kind == A_LAMBDA) && mentions(a, r))
        return 0;
    if (a->kind == A_GLOBAL && mentions(a, r))
        return 0;
    ast *in = cell(a, r);
    if (in) {
        if (!uses_ok(VEC_AT(in->args, 0, ast *), r, doing) || !uses_ok(VEC_AT(a->args, 0, ast *), r, doing))
            return 0;
        if (doing) {
            ast *i = VEC_AT(in->args, 0, ast *), *j = VEC_AT(a->args, 0, ast *);
            a->a = ast_name(in->l, arena_printf(&util_arena, "%s.tbl", r));
            a->args = (vec){0};
            vec_push(&a->args, i);
            vec_push(&a->args, j);
            a->tuple_index = 1;
        }
        return 1;
    }
    if (is_len_of(a, r)) {
        if (doing) {
            loc l = a->l;
            memset(a, 0, sizeof *a);
            a->kind = A_NAME;
            a->l = l;
            a->name = arena_printf(&util_arena, "%s.tbl.rows", r);
        }
        return 1;
    }
    if (array_of(a, r)) {
        if (doing) {
            loc l = a->l;
            ast *tbl = ast_name(l, arena_printf(&util_arena, "%s.tbl", r));
            ast *flat = ast_call(l, a->a, ast_arglist(NULL, tbl));
            ast *shape = ast_arglist(ast_arglist(NULL, ast_name(l, arena_printf(&util_arena, "%s.tbl.rows", r))),
                                     ast_name(l, arena_printf(&util_arena, "%s.tbl.cols", r)));
            *a = *ast_call(l, ast_attr(l, flat, "reshape"), shape);
        }
        return 1;
    }
    if (is_name(a, r))
        return 0;
    if (!uses_ok(a->a, r, doing) || !uses_ok(a->b, r, doing) || !uses_ok(a->c, r, doing))
        return 0;
    vec *vs[] = {&a->args, &a->kwargs, &a->targets, &a->params, &a->body, &a->orelse};
    for (size_t k = 0; k < sizeof vs / sizeof *vs; k++)
        for (int i = 0; i < vs[k]->len; i++)
            if (!uses_ok(VEC_AT(*vs[k], i, ast *), r, doing))
                return 0;
    return 1;
}

/* Whether a cell of r is stored into below a (R[i][j] = v, R[i][j] += v). */
static int cell_stored(ast *a, const char *r)
{
    if (!a)
        return 0;
    for (int i = 0; a->kind == A_ASSIGN && i < a->targets.len; i++) {
        ast *t = VEC_AT(a->targets, i, ast *);
        if (cell(t, r))
            return 1;
        for (int k = 0; (t->kind == A_TUPLE || t->kind == A_LIST) && k < t->args.len; k++)
            if (cell(VEC_AT(t->args, k, ast *), r))
                return 1;
    }
    if (a->kind == A_AUGASSIGN && cell(a->b, r))
        return 1;
    vec *vs[] = {&a->body, &a->orelse};
    for (size_t k = 0; k < sizeof vs / sizeof *vs; k++)
        for (int i = 0; i < vs[k]->len; i++)
            if (cell_stored(VEC_AT(*vs[k], i, ast *), r))
                return 1;
    return 0;
}

static void try_table(vec *body, int at, int module)
{
    ast *s = VEC_AT(*body, at, ast *), *e, *m, *n;
    const char *r = VEC_AT(s->targets, 0, ast *)->name;
    if (!table_literal(s->a, &e, &m, &n))
        return;
    int stored = 0;
    for (int i = at + 1; i < body->len; i++)
        stored |= cell_stored(VEC_AT(*body, i, ast *), r);
    if (m->kind == A_INT && n->kind == A_INT && !stored)
        return; /* a list of lists known when compiling, only read: it compiles as it is */
    for (int i = 0; i < body->len; i++) {
        ast *b = VEC_AT(*body, i, ast *);
        if (i == at)
            continue;
        if ((i < at || (module && b->kind == A_DEF)) && mentions(b, r))
            return;
        if (i > at && !uses_ok(b, r, 0))
            return;
    }
    guard_arrays(body, at + 1, r);
    for (int i = at + 1; i < body->len; i++)
        uses_ok(VEC_AT(*body, i, ast *), r, 1);
    loc l = s->l;
#define N(suffix) ast_name(l, arena_printf(&util_arena, "%s.tbl%s", r, suffix))
#define SET(t, v) ast_assign(l, ast_vec1(t), v)
#define MAX0(x) ast_call(l, ast_name(l, "max"), ast_arglist(ast_arglist(NULL, x), ast_int(l, 0)))
    vec out = {0};
    for (int i = 0; i < at; i++)
        vec_push(&out, VEC_AT(*body, i, ast *));
    vec_push(&out, SET(N(".rows"), MAX0(n)));
    vec_push(&out, SET(N(".cols"), MAX0(m)));
    vec_push(&out, SET(N(""), ast_list(l, (vec){0})));
    ast *app = ast_expr_stmt(l, ast_call(l, ast_attr(l, N(""), "append"), ast_arglist(NULL, e)));
    ast *count = ast_binop(l, '*', N(".rows"), N(".cols"));
    vec_push(&out, ast_for(l, N(".k"), ast_call(l, ast_name(l, "range"), ast_arglist(NULL, count)), ast_vec1(app),
                           (vec){0}));
    for (int i = at + 1; i < body->len; i++)
        vec_push(&out, VEC_AT(*body, i, ast *));
    *body = out;
#undef N
#undef SET
#undef MAX0
}

static void rewrite_body(vec *body, int module)
{
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        if (s->kind == A_DEF)
            rewrite_body(&s->body, 0);
    }
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        if (s->kind == A_ASSIGN && s->targets.len == 1 && VEC_AT(s->targets, 0, ast *)->kind == A_NAME &&
            s->a->kind == A_COMP) {
            int before = body->len;
            try_table(body, i, module);
            i += body->len - before;
        }
    }
}

void lw_tables_rewrite(ast *module) { rewrite_body(&module->body, 1); }
