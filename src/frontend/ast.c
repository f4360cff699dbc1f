/* ast.c: syntax-tree constructors (the parser's one-line actions call these) and the dump.
 *
 * Requires: util_arena. Builds: nodes in util_arena, never freed. Reports: the few syntax
 * errors that are easiest to see while building a node (keyword argument order).
 */
#include "ast.h"
#include "../util/diag.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- constructors ---- */

ast *ast_new(ast_kind k, loc l)
{
    ast *n = NEW(ast);
    n->kind = k;
    n->l = l;
    return n;
}

ast *ast_name(loc l, const char *name)
{
    ast *n = ast_new(A_NAME, l);
    n->name = name;
    return n;
}

ast *ast_int(loc l, int64_t v)
{
    ast *n = ast_new(A_INT, l);
    n->ival = v;
    return n;
}

ast *ast_float(loc l, double v)
{
    ast *n = ast_new(A_FLOAT, l);
    n->fval = v;
    return n;
}

ast *ast_str(loc l, const char *s)
{
    ast *n = ast_new(A_STR, l);
    n->str = s;
    return n;
}

ast *ast_bool(loc l, int v)
{
    ast *n = ast_new(A_BOOL, l);
    n->ival = v != 0;
    return n;
}

ast *ast_binop(loc l, int op, ast *a, ast *b)
{
    ast *n = ast_new(A_BINOP, l);
    n->op = op;
    n->a = a;
    n->b = b;
    return n;
}

ast *ast_unop(loc l, int op, ast *a)
{
    ast *n = ast_new(A_UNOP, l);
    n->op = op;
    n->a = a;
    return n;
}

vec ast_vec1(void *x)
{
    vec v = {0};
    vec_push(&v, x);
    return v;
}

vec ast_vec_cat(vec a, vec b)
{
    for (int i = 0; i < b.len; i++)
        vec_push(&a, b.items[i]);
    return a;
}

ast *ast_seq(loc l, vec items, int trailing_comma)
{
    if (items.len == 1 && !trailing_comma)
        return VEC_AT(items, 0, ast *);
    ast *n = ast_new(A_TUPLE, l);
    n->args = items;
    return n;
}

ast *ast_paren(loc l, ast *e)
{
    if (e->kind == A_TUPLE && !e->paren)
        e->l = l;
    e->paren = 1;
    return e;
}

ast *ast_list(loc l, vec items)
{
    ast *n = ast_new(A_LIST, l);
    n->args = items;
    return n;
}

ast *ast_dict(loc l, ast *dict, ast *key, ast *value)
{
    if (dict && dict->kind != A_DICT) /* an unsupported item before: already reported */
        return dict;
    ast *n = dict ? dict : ast_new(A_DICT, l);
    n->l = dict ? loc_span(dict->l, l) : l;
    if (key) {
        vec_push(&n->args, key);
        vec_push(&n->kwargs, value);
    }
    return n;
}

ast *ast_attr(loc l, ast *obj, const char *name)
{
    ast *n = ast_new(A_ATTR, l);
    n->a = obj;
    n->name = name;
    return n;
}

ast *ast_arglist(ast *list, ast *arg)
{
    if (!list)
        list = ast_new(A_CALL, arg->l);
    if (arg->kind == A_KEYWORD) {
        vec_push(&list->kwargs, arg);
    } else {
        if (list->kwargs.len) {
            ast *kw = VEC_AT(list->kwargs, list->kwargs.len - 1, ast *);
            if (arg->kind == A_STARRED && kw->name)
                ; /* f(a=1, *rest) is legal Python */
            else if (kw->name)
                diag_error(arg->l, "positional argument follows keyword argument");
            else
                diag_error(arg->l, "positional argument follows keyword argument unpacking");
        }
        vec_push(&list->args, arg);
    }
    return list;
}

ast *ast_call(loc l, ast *callee, ast *arglist)
{
    ast *n = ast_new(A_CALL, l);
    n->a = callee;
    if (arglist) {
        n->args = arglist->args;
        n->kwargs = arglist->kwargs;
    }
    return n;
}

ast *ast_keyword(loc l, const char *name, ast *value)
{
    ast *n = ast_new(A_KEYWORD, l);
    n->name = name;
    n->a = value;
    return n;
}

ast *ast_subscript(loc l, ast *obj, vec items, int trailing_comma)
{
    ast *n = ast_new(A_SUBSCRIPT, l);
    n->a = obj;
    n->args = items;
    n->tuple_index = items.len > 1 || trailing_comma;
    return n;
}

ast *ast_slice(loc l, ast *start, ast *stop, ast *step)
{
    ast *n = ast_new(A_SLICE, l);
    n->a = start;
    n->b = stop;
    n->c = step;
    return n;
}

ast *ast_boolop(loc l, int op, ast *a, ast *b)
{
    ast *n = ast_new(A_BOOLOP, l);
    n->op = op;
    n->a = a;
    n->b = b;
    return n;
}

ast *ast_compare(loc l, ast *left, int op, ast *right)
{
    ast *n = left;
    if (left->kind != A_COMPARE || left->paren) {
        n = ast_new(A_COMPARE, l);
        n->a = left;
    }
    n->l = l;
    /* cmpops grows with args (both arena-backed). */
    int *ops = NEWN(int, n->args.len + 1);
    if (n->args.len)
        memcpy(ops, n->cmpops, sizeof(int) * (size_t)n->args.len);
    ops[n->args.len] = op;
    n->cmpops = ops;
    vec_push(&n->args, right);
    return n;
}

ast *ast_ifexp(loc l, ast *body, ast *test, ast *orelse)
{
    ast *n = ast_new(A_IFEXP, l);
    n->a = body;
    n->b = test;
    n->c = orelse;
    return n;
}

/* What Python's compiler rejects in a parameter list, so a program tylesc accepts also runs. */
static void check_params(vec *params)
{
    int seen_default = 0, seen_star = 0;
    for (int i = 0; i < params->len; i++) {
        ast *p = params->items[i];
        for (int j = 0; j < i; j++)
            if (strcmp(((ast *)params->items[j])->name, p->name) == 0) {
                diag_error(p->l, "duplicate argument '%s' in function definition", p->name);
                break;
            }
        if (p->ival == 1 && !p->name[0] &&
            (i + 1 == params->len || ((ast *)params->items[i + 1])->ival == 2))
            diag_error(p->l, "named arguments must follow bare *");
        if (p->ival)
            seen_star = 1;
        else if (p->a)
            seen_default = 1;
        else if (seen_default && !seen_star)
            diag_error(p->l, "parameter '%s' without a default follows a parameter with a default",
                       p->name);
    }
}

ast *ast_lambda(loc l, vec params, ast *body)
{
    check_params(&params);
    ast *n = ast_new(A_LAMBDA, l);
    n->params = params;
    n->a = body;
    return n;
}

ast *ast_starred(loc l, ast *e)
{
    ast *n = ast_new(A_STARRED, l);
    n->a = e;
    return n;
}

/* Append the parts of a string literal (A_STR or A_FSTRING) to parts, merging neighbouring
 * constant pieces. */
static void str_parts(vec *parts, ast *s)
{
    int n = s->kind == A_FSTRING ? s->args.len : 1;
    for (int i = 0; i < n; i++) {
        ast *p = s->kind == A_FSTRING ? VEC_AT(s->args, i, ast *) : s;
        ast *last = parts->len ? VEC_AT(*parts, parts->len - 1, ast *) : NULL;
        if (p->kind == A_STR && last && last->kind == A_STR) {
            parts->items[parts->len - 1] =
                ast_str(loc_span(last->l, p->l), arena_printf(&util_arena, "%s%s", last->str, p->str));
        } else {
            vec_push(parts, p);
        }
    }
}

ast *ast_strcat(loc l, ast *a, ast *b)
{
    if (a->kind == A_STR && b->kind == A_STR)
        return ast_str(l, arena_printf(&util_arena, "%s%s", a->str, b->str));
    vec parts = {0};
    str_parts(&parts, a);
    str_parts(&parts, b);
    return ast_fstring(l, parts);
}

ast *ast_fstring(loc l, vec parts)
{
    ast *n = ast_new(A_FSTRING, l);
    n->args = parts;
    return n;
}

ast *ast_formatted(loc l, ast *value, int conversion, const char *spec)
{
    ast *n = ast_new(A_FORMATTED, l);
    n->a = value;
    n->ival = conversion;
    n->str = spec;
    return n;
}

ast *ast_expr_stmt(loc l, ast *e)
{
    ast *n = ast_new(A_EXPR_STMT, l);
    n->a = e;
    return n;
}

ast *ast_assign(loc l, vec targets, ast *value)
{
    ast *n = ast_new(A_ASSIGN, l);
    n->targets = targets;
    n->a = value;
    return n;
}

ast *ast_augassign(loc l, int op, ast *target, ast *value)
{
    ast *n = ast_new(A_AUGASSIGN, l);
    n->op = op;
    n->b = target;
    n->a = value;
    return n;
}

ast *ast_import(loc l, const char *module, const char *alias)
{
    ast *n = ast_new(A_IMPORT, l);
    n->name = module;
    n->str = alias;
    return n;
}

ast *ast_from_import(loc l, const char *module, vec names)
{
    ast *n = ast_new(A_FROM_IMPORT, l);
    n->name = module;
    n->args = names;
    return n;
}

ast *ast_alias(loc l, const char *name, const char *as)
{
    ast *n = ast_name(l, name);
    n->str = as;
    return n;
}

ast *ast_if(loc l, ast *test, vec body, vec orelse)
{
    ast *n = ast_new(A_IF, l);
    n->a = test;
    n->body = body;
    n->orelse = orelse;
    return n;
}

ast *ast_for(loc l, ast *target, ast *iter, vec body, vec orelse)
{
    ast *n = ast_new(A_FOR, l);
    n->b = target;
    n->a = iter;
    n->body = body;
    n->orelse = orelse;
    return n;
}

ast *ast_while(loc l, ast *test, vec body, vec orelse)
{
    ast *n = ast_new(A_WHILE, l);
    n->a = test;
    n->body = body;
    n->orelse = orelse;
    return n;
}

ast *ast_return(loc l, ast *value)
{
    ast *n = ast_new(A_RETURN, l);
    n->a = value;
    return n;
}

ast *ast_def(loc l, const char *name, vec params, vec body)
{
    check_params(&params);
    ast *n = ast_new(A_DEF, l);
    n->name = name;
    n->params = params;
    n->body = body;
    return n;
}

ast *ast_param(loc l, const char *name, ast *dflt, int star)
{
    ast *n = ast_new(A_PARAM, l);
    n->name = name;
    n->a = dflt;
    n->ival = star;
    return n;
}

ast *ast_global(loc l, vec names)
{
    ast *n = ast_new(A_GLOBAL, l);
    n->args = names;
    return n;
}

ast *ast_comp(loc l, int is_list, ast *elem, vec clauses)
{
    ast *n = ast_new(A_COMP, l);
    n->a = elem;
    n->args = clauses;
    n->ival = is_list;
    return n;
}

ast *ast_pair(loc l, ast *a, ast *b)
{
    ast *n = ast_new(A_TUPLE, l);
    vec_push(&n->args, a);
    vec_push(&n->args, b);
    return n;
}

ast *ast_assert(loc l, ast *test, ast *msg)
{
    ast *n = ast_new(A_ASSERT, l);
    n->a = test;
    n->b = msg;
    return n;
}

ast *ast_raise(loc l, ast *exc)
{
    ast *n = ast_new(A_RAISE, l);
    n->a = exc;
    return n;
}

ast *ast_yield(loc l, ast *value)
{
    ast *n = ast_new(A_YIELD, l);
    n->a = value;
    return n;
}

static const char *renamed(const char *name, vec *from, vec *to)
{
    for (int i = 0; name && i < from->len; i++)
        if (strcmp(VEC_AT(*from, i, const char *), name) == 0)
            return VEC_AT(*to, i, const char *);
    return name;
}
static vec clone_vec(vec v, vec *from, vec *to)
{
    vec r = {0};
    for (int i = 0; i < v.len; i++)
        vec_push(&r, ast_clone_expr_renamed(VEC_AT(v, i, ast *), from, to));
    return r;
}
ast *ast_clone_expr_renamed(ast *e, vec *from, vec *to)
{
    if (!e)
        return NULL;
    ast *n = ast_new(e->kind, e->l);
    *n = *e;
    if (e->kind == A_NAME || e->kind == A_PARAM || e->kind == A_DEF)
        n->name = renamed(e->name, from, to);
    n->a = ast_clone_expr_renamed(e->a, from, to);
    n->b = ast_clone_expr_renamed(e->b, from, to);
    n->c = ast_clone_expr_renamed(e->c, from, to);
    n->args = clone_vec(e->args, from, to);
    n->kwargs = clone_vec(e->kwargs, from, to);
    n->targets = clone_vec(e->targets, from, to);
    n->params = clone_vec(e->params, from, to);
    n->body = clone_vec(e->body, from, to);
    n->orelse = clone_vec(e->orelse, from, to);
    return n;
}
vec ast_clone_renamed(vec stmts, vec *from, vec *to) { return clone_vec(stmts, from, to); }

/* Does the expression e read the name f anywhere (a comprehension, a call's argument) */
static int mentions(ast *e, const char *f)
{
    if (!e)
        return 0;
    if (e->kind == A_NAME && strcmp(e->name, f) == 0)
        return 1;
    if (mentions(e->a, f) || mentions(e->b, f) || mentions(e->c, f))
        return 1;
    vec *vs[] = {&e->args, &e->kwargs, &e->targets, &e->body, &e->orelse};
    for (size_t k = 0; k < sizeof vs / sizeof vs[0]; k++)
        for (int i = 0; i < vs[k]->len; i++)
            if (mentions(VEC_AT(*vs[k], i, ast *), f))
                return 1;
    return 0;
}

/* The statements of a `with open(...) as f:` block's BODY with `f.close()` put before each
 * statement that leaves the block early: a return anywhere in it (not in a nested def or class),
 * a break or continue not inside a loop of the body (a loop's else: clause is outside that loop).
 * Without it the file stayed open after the block (closed only when the program ended): text
 * appended to it after a `return` inside the block was overwritten by what it held (h120).
 * Python computes a return's value before it closes the file: a value that reads f (`return
 * f.read()`, `return [float(x) for x in f]`, a call given f) is bound to a name of its own
 * (`with.LINE.COL`) first, then f closed and that name returned; closed first, the read
 * stopped with 'I/O operation on closed file' (h133). A value that does not name f is computed
 * after the close: a function it calls that writes to f through another name stops with
 * Python's ValueError, where Python writes first. */
static void close_on_exit(vec *body, const char *f, int in_loop)
{
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        int leaves = s->kind == A_RETURN || (!in_loop && (s->kind == A_BREAK || s->kind == A_CONTINUE));
        if (leaves) {
            ast *close = ast_expr_stmt(s->l, ast_call(s->l, ast_attr(s->l, ast_name(s->l, f), "close"), NULL));
            int keep = s->kind == A_RETURN && mentions(s->a, f);
            if (keep) { /* t = value; f.close(); return t */
                const char *t = arena_printf(&util_arena, "with.%d.%d", s->l.line, s->l.col);
                ast *set = ast_assign(s->l, ast_vec1(ast_name(s->l, t)), s->a);
                s->a = ast_name(s->a->l, t);
                vec_push(body, NULL);
                memmove(&body->items[i + 1], &body->items[i], (size_t)(body->len - i - 1) * sizeof(void *));
                body->items[i] = set;
                i++;
            }
            vec_push(body, NULL);
            memmove(&body->items[i + 1], &body->items[i], (size_t)(body->len - i - 1) * sizeof(void *));
            body->items[i] = close;
            i++;
            continue;
        }
        if (s->kind == A_DEF || (s->kind == A_OTHER_STMT && s->str && strcmp(s->str, "class") == 0))
            continue;
        close_on_exit(&s->body, f, in_loop || s->kind == A_FOR || s->kind == A_WHILE);
        close_on_exit(&s->orelse, f, in_loop);
    }
}

/* with ITEMS: BODY. Under `with np.errstate(...)` (the items all such calls) NumPy only
 * changes how floating-point errors are reported, which a compiled program does not do
 * (it computes inf and nan as NumPy does): the body runs as under `if True:`. Any other
 * context manager is rejected by name. */
ast *ast_with(loc l, vec items, vec body)
{
    int errstate = items.len > 0;
    for (int i = 0; i < items.len; i++) {
        ast *it = VEC_AT(items, i, ast *);
        errstate &= it->kind == A_CALL && it->a->kind == A_ATTR && strcmp(it->a->name, "errstate") == 0 &&
                    it->a->a->kind == A_NAME &&
                    (strcmp(it->a->a->name, "np") == 0 || strcmp(it->a->a->name, "numpy") == 0);
    }
    int files = items.len > 0;
    for (int i = 0; i < items.len; i++) {
        ast *it = VEC_AT(items, i, ast *);
        files &= it->kind == A_OTHER_STMT && it->str && strcmp(it->str, "with-as") == 0 && it->a &&
                 it->a->kind == A_CALL && it->a->a->kind == A_NAME && strcmp(it->a->a->name, "open") == 0 && it->b &&
                 it->b->kind == A_NAME;
    }
    /* with open(path, "w") as f: body  ->  f = open(path, "w"); body; f.close() (lower_sysos.c:
     * the file is closed when the block ends, also by return, break or continue (close_on_exit);
     * an exception ends the program). Several items are nested blocks, the first outermost, as
     * Python runs them (was refused: 'with' statements are not supported). */
    for (int i = items.len - 1; files && i >= 0; i--) {
        ast *it = VEC_AT(items, i, ast *);
        vec stmts = {0};
        close_on_exit(&body, it->b->name, 0);
        vec_push(&stmts, ast_assign(it->l, ast_vec1(it->b), it->a));
        for (int k = 0; k < body.len; k++)
            vec_push(&stmts, VEC_AT(body, k, ast *));
        ast *f = ast_name(it->b->l, it->b->name);
        vec_push(&stmts, ast_expr_stmt(l, ast_call(l, ast_attr(l, f, "close"), NULL)));
        body = ast_vec1(ast_if(l, ast_bool(l, 1), stmts, (vec){0}));
    }
    if (files)
        return VEC_AT(body, 0, ast *);
    if (!errstate)
        return ast_other(l, "with", body);
    return ast_if(l, ast_bool(l, 1), body, (vec){0});
}

ast *ast_other(loc l, const char *keyword, vec body)
{
    ast *n = ast_new(A_OTHER_STMT, l);
    n->str = keyword;
    n->body = body;
    return n;
}

/* ---- names ---- */

const char *ast_op_name(int op)
{
    switch (op) {
    case '+': return "+";
    case '-': return "-";
    case '*': return "*";
    case '/': return "/";
    case '%': return "%";
    case '@': return "@";
    case '&': return "&";
    case '|': return "|";
    case '^': return "^";
    case '~': return "~";
    case OP_FLOORDIV: return "//";
    case OP_POW: return "**";
    case OP_LSHIFT: return "<<";
    case OP_RSHIFT: return ">>";
    case OP_NOT: return "not";
    case OP_AND: return "and";
    case OP_OR: return "or";
    case OP_LT: return "<";
    case OP_LE: return "<=";
    case OP_GT: return ">";
    case OP_GE: return ">=";
    case OP_EQ: return "==";
    case OP_NE: return "!=";
    case OP_IS: return "is";
    case OP_ISNOT: return "is not";
    case OP_IN: return "in";
    case OP_NOTIN: return "not in";
    }
    return "?";
}

const char *ast_kind_name(ast_kind k)
{
    switch (k) {
    case A_NAME: return "Name";
    case A_INT: return "Int";
    case A_FLOAT: return "Float";
    case A_STR: return "Str";
    case A_BOOL: return "Bool";
    case A_NONE: return "None";
    case A_ATTR: return "Attribute";
    case A_CALL: return "Call";
    case A_KEYWORD: return "Keyword";
    case A_SUBSCRIPT: return "Subscript";
    case A_SLICE: return "Slice";
    case A_BINOP: return "BinOp";
    case A_UNOP: return "UnaryOp";
    case A_BOOLOP: return "BoolOp";
    case A_COMPARE: return "Compare";
    case A_IFEXP: return "IfExp";
    case A_TUPLE: return "Tuple";
    case A_LIST: return "List";
    case A_DICT: return "Dict";
    case A_LAMBDA: return "Lambda";
    case A_STARRED: return "Starred";
    case A_FSTRING: return "FString";
    case A_FORMATTED: return "Formatted";
    case A_MODULE: return "Module";
    case A_EXPR_STMT: return "ExprStmt";
    case A_ASSIGN: return "Assign";
    case A_AUGASSIGN: return "AugAssign";
    case A_IMPORT: return "Import";
    case A_FROM_IMPORT: return "FromImport";
    case A_IF: return "If";
    case A_FOR: return "For";
    case A_WHILE: return "While";
    case A_BREAK: return "Break";
    case A_CONTINUE: return "Continue";
    case A_PASS: return "Pass";
    case A_RETURN: return "Return";
    case A_DEF: return "Def";
    case A_PARAM: return "Param";
    case A_GLOBAL: return "Global";
    case A_ASSERT: return "Assert";
    case A_COMP: return "Comprehension";
    case A_RAISE: return "Raise";
    case A_YIELD: return "Yield";
    case A_OTHER_STMT: return "OtherStmt";
    }
    return "?";
}

/* ---- dump ----
 * One node per line, children indented by two spaces, an optional "role: " before a child:
 *     Assign @3:5-3:17
 *       target: Tuple paren @3:5-3:10
 *         Name a @3:6
 */

static void dump_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(out, "\\x%02x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

static void dump_loc(FILE *out, loc l)
{
    fprintf(out, " @%d:%d", l.line, l.col);
    if (l.last_line != l.line)
        fprintf(out, "-%d:%d", l.last_line, l.last_col);
    else if (l.last_col != l.col)
        fprintf(out, "-%d", l.last_col);
}

static void dump(ast *n, const char *role, int depth, FILE *out);

static void dump_vec(vec v, const char *role, int depth, FILE *out)
{
    for (int i = 0; i < v.len; i++)
        dump(VEC_AT(v, i, ast *), role, depth, out);
}

/* A labelled group of statements ("body:", "orelse:"), printed even when empty for bodies. */
static void dump_block(vec v, const char *label, int depth, FILE *out, int always)
{
    if (!v.len && !always)
        return;
    fprintf(out, "%*s%s:%s\n", depth * 2, "", label, v.len ? "" : " (empty)");
    dump_vec(v, NULL, depth + 1, out);
}

static void dump(ast *n, const char *role, int depth, FILE *out)
{
    fprintf(out, "%*s", depth * 2, "");
    if (role)
        fprintf(out, "%s: ", role);
    if (!n) {
        fputs("-\n", out);
        return;
    }
    fputs(ast_kind_name(n->kind), out);
    switch (n->kind) {
    case A_NAME:
    case A_ATTR:
    case A_DEF:
        fprintf(out, " %s", n->name);
        break;
    case A_KEYWORD:
        fprintf(out, " %s", n->name ? n->name : "**");
        break;
    case A_PARAM:
        fprintf(out, " %s%s", n->ival == 1 ? "*" : n->ival == 2 ? "**" : "", n->name);
        break;
    case A_INT:
        fprintf(out, " %" PRId64, n->ival);
        break;
    case A_FLOAT: {
        /* the shortest form that reads back the same */
        char buf[64];
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*g", prec, n->fval);
            if (strtod(buf, NULL) == n->fval)
                break;
        }
        fprintf(out, " %s", buf);
        break;
    }
    case A_STR:
        fputc(' ', out);
        dump_str(out, n->str);
        break;
    case A_BOOL:
        fputs(n->ival ? " True" : " False", out);
        break;
    case A_BINOP:
    case A_UNOP:
    case A_BOOLOP:
    case A_AUGASSIGN:
        fprintf(out, " %s", ast_op_name(n->op));
        break;
    case A_COMPARE:
        for (int i = 0; i < n->args.len; i++)
            fprintf(out, " %s", ast_op_name(n->cmpops[i]));
        break;
    case A_FORMATTED:
        if (n->ival)
            fprintf(out, " !%c", (char)n->ival);
        if (n->str) {
            fputs(" spec=", out);
            dump_str(out, n->str);
        }
        break;
    case A_IMPORT:
        fprintf(out, " %s", n->name);
        if (n->str)
            fprintf(out, " as %s", n->str);
        break;
    case A_FROM_IMPORT:
        fprintf(out, " %s", n->name);
        break;
    case A_OTHER_STMT:
        fprintf(out, " '%s'", n->str);
        break;
    case A_SUBSCRIPT:
        if (n->tuple_index)
            fputs(" tuple_index", out);
        break;
    default:
        break;
    }
    if (n->paren)
        fputs(" paren", out);
    dump_loc(out, n->l);
    fputc('\n', out);

    int d = depth + 1;
    switch (n->kind) {
    case A_ATTR:
    case A_KEYWORD:
    case A_UNOP:
    case A_STARRED:
    case A_EXPR_STMT:
        dump(n->a, NULL, d, out);
        break;
    case A_PARAM:
        if (n->a)
            dump(n->a, "default", d, out);
        break;
    case A_CALL:
        dump(n->a, "func", d, out);
        dump_vec(n->args, "arg", d, out);
        dump_vec(n->kwargs, NULL, d, out);
        break;
    case A_SUBSCRIPT:
        dump(n->a, "value", d, out);
        dump_vec(n->args, "index", d, out);
        break;
    case A_SLICE:
        dump(n->a, "start", d, out);
        dump(n->b, "stop", d, out);
        dump(n->c, "step", d, out);
        break;
    case A_BINOP:
    case A_BOOLOP:
        dump(n->a, NULL, d, out);
        dump(n->b, NULL, d, out);
        break;
    case A_COMPARE:
        dump(n->a, NULL, d, out);
        dump_vec(n->args, NULL, d, out);
        break;
    case A_IFEXP:
        dump(n->a, "body", d, out);
        dump(n->b, "test", d, out);
        dump(n->c, "orelse", d, out);
        break;
    case A_TUPLE:
    case A_LIST:
    case A_FSTRING:
    case A_GLOBAL:
        dump_vec(n->args, NULL, d, out);
        break;
    case A_DICT:
        dump_vec(n->args, "key", d, out);
        dump_vec(n->kwargs, "value", d, out);
        break;
    case A_LAMBDA:
        dump_vec(n->params, NULL, d, out);
        dump(n->a, "body", d, out);
        break;
    case A_FORMATTED:
        dump(n->a, NULL, d, out);
        break;
    case A_MODULE:
        dump_vec(n->body, NULL, d, out);
        break;
    case A_ASSIGN:
        dump_vec(n->targets, "target", d, out);
        dump(n->a, "value", d, out);
        break;
    case A_AUGASSIGN:
        dump(n->b, "target", d, out);
        dump(n->a, "value", d, out);
        break;
    case A_IF:
    case A_WHILE:
        dump(n->a, "test", d, out);
        dump_block(n->body, "body", d, out, 1);
        dump_block(n->orelse, "orelse", d, out, 0);
        break;
    case A_FOR:
        dump(n->b, "target", d, out);
        dump(n->a, "iter", d, out);
        dump_block(n->body, "body", d, out, 1);
        dump_block(n->orelse, "orelse", d, out, 0);
        break;
    case A_RETURN:
    case A_YIELD:
        if (n->a)
            dump(n->a, NULL, d, out);
        break;
    case A_ASSERT:
        dump(n->a, "test", d, out);
        if (n->b)
            dump(n->b, "msg", d, out);
        break;
    case A_RAISE:
        dump(n->a, "exc", d, out);
        break;
    case A_DEF:
        dump_vec(n->params, NULL, d, out);
        dump_block(n->body, "body", d, out, 1);
        break;
    case A_OTHER_STMT:
        dump_block(n->body, "body", d, out, 0);
        break;
    default:
        break;
    }
}

void ast_dump(ast *module, FILE *out)
{
    dump(module, NULL, 0, out);
}

/* ---- a node's children (ast.h) ---- */

int ast_any_child(const ast *n, unsigned fields, int (*fn)(ast *child, void *ctx), void *ctx)
{
    int r;
    ast *const *kids[3] = {&n->a, &n->b, &n->c}; /* read in turn: a visit may change them */
    for (int k = 0; k < 3; k++)
        if ((fields & (AST_A << k)) && *kids[k] && (r = fn(*kids[k], ctx)))
            return r;
    const vec *lists[6] = {&n->args, &n->kwargs, &n->targets, &n->params, &n->body, &n->orelse};
    for (int k = 0; k < 6; k++)
        if (fields & (AST_ARGS << k))
            for (int i = 0; i < lists[k]->len; i++) {
                ast *x = VEC_AT(*lists[k], i, ast *);
                if (x && (r = fn(x, ctx)))
                    return r;
            }
    return 0;
}

typedef struct each_visit {
    void (*fn)(ast *child, void *ctx);
    void *ctx;
} each_visit;
static int visit_one(ast *child, void *p)
{
    each_visit *e = p;
    e->fn(child, e->ctx);
    return 0;
}
void ast_each_child(const ast *n, unsigned fields, void (*fn)(ast *child, void *ctx), void *ctx)
{
    ast_any_child(n, fields, visit_one, &(each_visit){fn, ctx});
}

unsigned ast_lists_holding(const ast *n, const vec *v)
{
    unsigned r = 0;
    const vec *lists[6] = {&n->args, &n->kwargs, &n->targets, &n->params, &n->body, &n->orelse};
    for (int k = 0; k < 6; k++)
        if (lists[k]->len && lists[k]->items == v->items)
            r |= AST_ARGS << k;
    return r;
}

/* ---- nesting depth ---- */

/* Every pass after the parser walks the tree recursively (the lowering, the IR it makes, the
 * emitter), so a tree nested deeper than the C stack allows would crash them. The parser's own
 * stack bounds some nestings ("too deeply nested"), but a left-associative chain such as
 * 1+1+...+1 is parsed in constant stack yet makes a tree as deep as it is long. This walk uses
 * an explicit stack, so any tree can be checked. */
int ast_check_depth(ast *root, int limit)
{
    if (!root)
        return 1;
    struct item { ast *n; int depth; };
    size_t cap = 256, top = 0;
    struct item *st = malloc(cap * sizeof *st);
    if (!st)
        util_syserr("out of memory");
    st[top++] = (struct item){root, 1};
    int ok = 1;
    while (top > 0 && ok) {
        struct item it = st[--top];
        if (it.depth > limit) {
            diag_error(it.n->l, "too deeply nested (more than %d levels)", limit);
            ok = 0;
            break;
        }
        ast *kids[3] = {it.n->a, it.n->b, it.n->c};
        const vec *vecs[6] = {&it.n->args, &it.n->kwargs, &it.n->targets, &it.n->params,
                              &it.n->body, &it.n->orelse};
        size_t need = 3;
        for (int v = 0; v < 6; v++)
            need += (size_t)vecs[v]->len;
        if (top + need > cap) {
            while (top + need > cap)
                cap *= 2;
            struct item *ns = realloc(st, cap * sizeof *st);
            if (!ns) {
                free(st);
                util_syserr("out of memory");
            }
            st = ns;
        }
        /* Pushed in reverse so the first child is visited first (the first error in the
         * file is the one reported). */
        for (int v = 5; v >= 0; v--)
            for (int i = vecs[v]->len - 1; i >= 0; i--)
                if (vecs[v]->items[i])
                    st[top++] = (struct item){VEC_AT(*vecs[v], i, ast *), it.depth + 1};
        for (int k = 2; k >= 0; k--)
            if (kids[k])
                st[top++] = (struct item){kids[k], it.depth + 1};
    }
    free(st);
    return ok;
}
