/* ast.h: the syntax tree of a .tyl file (a Python 3 module).
 *
 * The parser builds it with the constructors below (one-line grammar actions); the lowering
 * (lower.c) walks it. Every node carries the source range it came from, so every diagnostic
 * can point at the sub-expression it is about. Nodes live in util_arena.
 */
#ifndef TYL_AST_H
#define TYL_AST_H

#include <stdint.h>
#include <stdio.h>

#include "../util/util.h"
#include "../util/diag.h"

typedef enum ast_kind {
    /* ---- expressions ---- */
    A_NAME,      /* name */
    A_INT,       /* ival (Python int literal; too large for int64 -> error at parse) */
    A_FLOAT,     /* fval; ival = 1 for an imaginary literal (5j: only np.mgrid/ogrid steps) */
    A_STR,       /* str (contents, escapes resolved) */
    A_BOOL,      /* ival (0 or 1): True / False */
    A_NONE,      /* None */
    A_ATTR,      /* a = object, name = attribute: np.zeros, u.shape */
    A_CALL,      /* a = callee, args = positional (vec of node*), kwargs = vec of A_KEYWORD */
    A_KEYWORD,   /* name = keyword, a = value (only inside A_CALL.kwargs) */
    A_SUBSCRIPT, /* a = object, args = index items (A_SLICE or expression); tuple_index: 1 if
                    written with a trailing comma or several items */
    A_SLICE,     /* a = start, b = stop, c = step; each may be NULL (omitted) */
    A_BINOP,     /* op, a, b  (op: '+', '-', '*', '/', OP_FLOORDIV, '%', OP_POW, '&', '|', '^',
                    OP_LSHIFT, OP_RSHIFT, '@') */
    A_UNOP,      /* op, a      (op: '-', '+', '~', OP_NOT) */
    A_BOOLOP,    /* op (OP_AND / OP_OR), a, b */
    A_COMP,      /* a comprehension: a = the element, args = clauses (A_FOR: b target, a iterable;
                    A_IF: a test); ival = 1 for [...] (a list), 0 for a generator, 2 for
                    {a: b for ...} (a dict: b the value; bound to a name, lower_dictcomp.c
                    rewrites it into a loop; elsewhere it makes a the pair (a, b), which
                    lower_expr.c builds the dict from) */
    A_COMPARE,   /* a = first operand; args = further operands; cmpops[i] between them
                    (op codes OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_IS, OP_ISNOT, OP_IN,
                    OP_NOTIN) */
    A_IFEXP,     /* a = body, b = test, c = orelse  (a if b else c) */
    A_TUPLE,     /* args = elements (parenthesised or bare) */
    A_LIST,      /* args = elements ([a, b]) */
    A_DICT,      /* args = keys, kwargs = their values ({k: v}; kwargs holds expressions here) */
    A_LAMBDA,    /* params = vec of A_PARAM, a = body */
    A_STARRED,   /* a  (*x: rejected by lowering, but parsed for a clear message) */
    A_FSTRING,   /* args = parts: A_STR pieces and A_FORMATTED */
    A_FORMATTED, /* a = value, str = format spec or NULL, ival = conversion char or 0; args =
                    the expressions of the spec's nested fields ({x:.{p}f}), in order */

    /* ---- statements ---- */
    A_MODULE,    /* body */
    A_EXPR_STMT, /* a */
    A_ASSIGN,    /* targets = vec of target expressions (a = b = c has two), a = value; str =
                    the head of the annotation of `x: T = v` ("" for one that is not a name),
                    NULL when there is none */
    A_AUGASSIGN, /* op (as in A_BINOP), b = target, a = value */
    A_IMPORT,    /* name = module (dotted), str = alias or NULL */
    A_FROM_IMPORT, /* name = module, args = the imported A_NAMEs (str = alias; "*" for all) */
    A_IF,        /* a = test, body, orelse (elif becomes a nested A_IF in orelse) */
    A_FOR,       /* b = target, a = iterable, body, orelse */
    A_WHILE,     /* a = test, body, orelse */
    A_BREAK,
    A_CONTINUE,
    A_PASS,      /* also `x: T` (binds nothing): name = x when a name, str = T's head as A_ASSIGN's */
    A_RETURN,    /* a = value or NULL */
    A_DEF,       /* name, params = vec of A_PARAM, body */
    A_PARAM,     /* name, a = default or NULL, b = annotation or NULL; ival = 1 for *args, 2 for
                    **kwargs (rejected) */
    A_GLOBAL,    /* args = names (A_NAME) */
    A_ASSERT,    /* a = test, b = message or NULL */
    A_RAISE,     /* a = the exception (a call such as ValueError("...") or a name) */
    A_YIELD,     /* a = the value or NULL (a yield statement; `x = yield` is rejected) */
    A_OTHER_STMT,/* str = keyword ("class", "with", "try", "del", "assert", "raise", ...):
                    parsed only so lowering can say it is unsupported */
} ast_kind;

/* Operator codes beyond the single characters used for the simple operators. */
enum {
    OP_FLOORDIV = 256, OP_POW, OP_LSHIFT, OP_RSHIFT, OP_NOT, OP_AND, OP_OR,
    OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_IS, OP_ISNOT, OP_IN, OP_NOTIN,
};

typedef struct ast ast;
struct ast {
    ast_kind kind;
    loc l;
    int op;
    const char *name;
    const char *str;
    int64_t ival;
    double fval;
    ast *a, *b, *c;
    vec args;     /* ast* */
    vec kwargs;   /* ast* (A_KEYWORD) */
    vec targets;  /* ast* */
    vec params;   /* ast* (A_PARAM) */
    vec body;     /* ast* statements */
    vec orelse;   /* ast* statements */
    int *cmpops;  /* A_COMPARE: args.len operators */
    int paren;    /* expression was written inside parentheses (for tuples: "(a, b)") */
    int tuple_index;
    int maybe_unbound; /* A_NAME read: on some path its name may not be bound yet (lower_unbound.c) */
};

/* Constructors: each returns a node of the given kind at location l, fields zeroed. */
ast *ast_new(ast_kind k, loc l);
ast *ast_name(loc l, const char *name);
ast *ast_int(loc l, int64_t v);
ast *ast_float(loc l, double v);
ast *ast_str(loc l, const char *s);
ast *ast_binop(loc l, int op, ast *a, ast *b);
ast *ast_unop(loc l, int op, ast *a);
const char *ast_op_name(int op); /* "+", "//", "**", "not", "<=", ... */
const char *ast_kind_name(ast_kind k);

/* Debug print of the tree (tylesc --dump=ast). */
void ast_dump(ast *module, FILE *out);

/* Parse a whole file: returns the A_MODULE, or NULL if the text could not be lexed at all.
 * Syntax errors are reported through diag and counted; the tree of a file with syntax
 * errors is not lowered. Implemented by the Flex/Bison pair in grammar/. */
ast *parse_file(const char *filename, const char *text);

/* ---- A node's children ----
 * The children of n are the nodes its fields a, b and c point at and the items of its lists
 * args, kwargs, targets, params, body and orelse, visited in that order (NULL ones skipped).
 * `fields` picks which of them (AST_ALL: every one). A field or list is read when its turn
 * comes, so a visit may change the child it is given, and the fields after it. The walks of
 * the lowering recurse through these: a walk that must not enter something (nested defs and
 * lambdas, parameter defaults, the statements of a block) tests the node's kind before it
 * asks for the children, or leaves those fields out. */
enum {
    AST_A = 1 << 0, AST_B = 1 << 1, AST_C = 1 << 2,
    AST_ARGS = 1 << 3, AST_KWARGS = 1 << 4, AST_TARGETS = 1 << 5, AST_PARAMS = 1 << 6,
    AST_BODY = 1 << 7, AST_ORELSE = 1 << 8,
    AST_ABC = AST_A | AST_B | AST_C,
    AST_OPERANDS = AST_ABC | AST_ARGS | AST_KWARGS, /* where an expression's operands are */
    AST_STMTS = AST_BODY | AST_ORELSE,              /* the statements nested in a statement */
    AST_ALL = (1 << 9) - 1,
};
/* Calls fn(child, ctx) on each child of n in fields. */
void ast_each_child(const ast *n, unsigned fields, void (*fn)(ast *child, void *ctx), void *ctx);
/* The same, stopping at the first child for which fn returns nonzero: that value, else 0. */
int ast_any_child(const ast *n, unsigned fields, int (*fn)(ast *child, void *ctx), void *ctx);
/* The lists of n (as AST_ARGS ... AST_ORELSE) that are not empty and hold the very items of
 * v: a walk that leaves out the statements of a block v drops these from its fields. */
unsigned ast_lists_holding(const ast *n, const vec *v);

/* Deepest tree the passes after the parser accept (they recurse on it): CPython's compiler
 * stops near the same depth ("maximum recursion depth exceeded during compilation"). */
enum { AST_MAX_DEPTH = 2500 };
/* Reports "too deeply nested" (once) and returns 0 if the tree is deeper than limit. */
int ast_check_depth(ast *root, int limit);


/* ---- Parser helpers (used by the grammar actions in grammar/parser.y; built in ast.c) ----
 * Each builds one node at l; vectors are arena-backed and passed by value. */
vec  ast_vec1(void *x);
vec  ast_vec_cat(vec a, vec b);                 /* a followed by b */
ast *ast_bool(loc l, int v);
ast *ast_seq(loc l, vec items, int trailing_comma); /* one item, no comma: the item; else A_TUPLE */
ast *ast_paren(loc l, ast *e);                  /* (e): sets paren; a tuple takes l (with parens) */
ast *ast_list(loc l, vec items);
ast *ast_dict(loc l, ast *dict, ast *key, ast *value); /* dict NULL: a new one; key NULL: empty */
ast *ast_attr(loc l, ast *obj, const char *name);
ast *ast_arglist(ast *list, ast *arg);          /* list NULL: start one; A_KEYWORD goes to kwargs */
ast *ast_call(loc l, ast *callee, ast *arglist);/* arglist from ast_arglist, or NULL for f() */
ast *ast_keyword(loc l, const char *name, ast *value); /* name NULL for **value */
ast *ast_subscript(loc l, ast *obj, vec items, int trailing_comma);
ast *ast_slice(loc l, ast *start, ast *stop, ast *step);
ast *ast_boolop(loc l, int op, ast *a, ast *b);
ast *ast_compare(loc l, ast *left, int op, ast *right); /* extends an unparenthesised chain */
ast *ast_ifexp(loc l, ast *body, ast *test, ast *orelse);
ast *ast_lambda(loc l, vec params, ast *body);
ast *ast_starred(loc l, ast *e);
ast *ast_strcat(loc l, ast *a, ast *b);         /* adjacent literals: A_STR or A_FSTRING */
ast *ast_fstring(loc l, vec parts);
ast *ast_formatted(loc l, ast *value, int conversion, const char *spec);
ast *ast_expr_stmt(loc l, ast *e);
ast *ast_assign(loc l, vec targets, ast *value);
ast *ast_augassign(loc l, int op, ast *target, ast *value);
ast *ast_import(loc l, const char *module, const char *alias);
ast *ast_from_import(loc l, const char *module, vec names);
ast *ast_alias(loc l, const char *name, const char *as); /* an imported name, str = alias */
ast *ast_if(loc l, ast *test, vec body, vec orelse);
ast *ast_with(loc l, vec items, vec body); /* with np.errstate(...): an if True */
ast *ast_for(loc l, ast *target, ast *iter, vec body, vec orelse);
ast *ast_while(loc l, ast *test, vec body, vec orelse);
ast *ast_return(loc l, ast *value);
ast *ast_def(loc l, const char *name, vec params, vec body);
ast *ast_param(loc l, const char *name, ast *dflt, int star);
ast *ast_global(loc l, vec names);
ast *ast_assert(loc l, ast *test, ast *msg);
ast *ast_comp(loc l, int is_list, ast *elem, vec clauses);
ast *ast_pair(loc l, ast *a, ast *b); /* the tuple (a, b) */
ast *ast_raise(loc l, ast *exc);
ast *ast_other(loc l, const char *keyword, vec body);
ast *ast_yield(loc l, ast *value);
/* A deep copy of a statement list in which each name of `from` (A_NAME, A_PARAM and A_DEF
 * names; attribute and keyword names are not variables) is the same index of `to`. */
vec ast_clone_renamed(vec stmts, vec *from, vec *to);
ast *ast_clone_expr_renamed(ast *e, vec *from, vec *to);

#endif
