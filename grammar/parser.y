/* parser.y: the grammar of .tyl files, a subset of Python 3 (pure Bison, jq-style).
 *
 * Requires: the reentrant scanner of grammar/lexer.l (NEWLINE / INDENT / DEDENT already made).
 * Builds: the A_MODULE of ast.h; every node carries the full source range of its construct.
 * Errors: every syntax error goes through diag_error with a Python-like message; a statement
 * with an error is skipped up to its NEWLINE, so one run reports several errors.
 *
 * The same parser also parses the {expressions} of f-strings: the scanner's first token
 * (START_FILE or START_EXPR) selects which.
 */

%code top {
#define _POSIX_C_SOURCE 200809L
}

%code requires {
#include "frontend/ast.h"

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif

enum { TYL_MAX_INDENT = 100, TYL_MAX_BRACKETS = 200 };

/* State shared by one scanner and one parser run (the scanner's yyextra). */
typedef struct tyl_pstate {
    int fexpr;              /* 1: parsing an f-string {expression}, not a file */
    ast *module;            /* file: statements are appended here as they are parsed */
    ast *expr;              /* f-string expression: the result */
    int started;            /* the START_ token was handed out */

    /* scanner position: line and column of the next byte */
    int line, col;

    /* indentation (CPython's tokenizer): levels in columns (tabs to 8) and in bytes
     * (tabs as 1); the two must order the same way or tabs and spaces are mixed */
    int indents[TYL_MAX_INDENT + 1], altindents[TYL_MAX_INDENT + 1];
    int nindent;
    int pending_dedents;
    int indent_overflow;    /* "too many levels of indentation" was reported */
    loc dedent_at;          /* first token of the line that dedents (for messages) */
    int line_indent_bytes;  /* indentation of the current logical line, in bytes */

    /* open brackets, for implicit line joining and "'(' was never closed" */
    struct { char ch; loc l; int indent_bytes; } brackets[TYL_MAX_BRACKETS];
    int nbrackets;
    int bracket_overflow;   /* brackets opened past TYL_MAX_BRACKETS (reported once) */

    /* string literal being scanned */
    loc str_start;
    int str_raw, str_f, str_bytes, str_triple;
    int body_line, body_col;
    strbuf sbuf;

    /* tokens, for messages */
    int line_has_tok;       /* the current logical line produced a token */
    int tok_seq;            /* number of the current token */
    int lex_error;          /* the scanner reported an error while reading this token */
    int lex_error_seq;      /* the scanner reported an error on token number lex_error_seq */
    loc tok_loc, prev_loc;  /* the current (lookahead) token and the one before */
    const char *tok_text;   /* its spelling (names, numbers, operators), or NULL */
    int eof_newline;        /* the current NEWLINE was made up at the end of the file */
    int at_line_start;
    int line_first_tok;     /* first token of the current logical line */
    loc line_first_loc;
    int hdr_tok;            /* first token of the previous logical line (a block header?) */
    loc hdr_loc;
    int last_tok;           /* the token handed out before this one */
    int quiet_line;         /* this line's indentation was wrong: no syntax errors on it */
    int recovered_seq;      /* the NEWLINE that ended the last statement skipped for an error */
    int recovering;         /* after a syntax error inside brackets: until the next NEWLINE,
                               the brackets are forgotten and stray closers ignored */
    int nqueued;            /* tokens yylex hands out before scanning on (a skipped 'match') */
    struct tyl_qtok { int tok; void *val; loc l; } queued[2]; /* val: a YYSTYPE copy */
} tyl_pstate;
}

%code provides {
/* Parse the expression of an f-string replacement field: text[0..len) starts at line:col of
 * the file. Returns the expression (an A_NONE placeholder after a syntax error). */
ast *tyl_parse_fexpr(const char *text, size_t len, int line, int col);
}

%code {
#include <string.h>
#include "lexer.h"

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                   \
    do {                                                              \
        if (N) {                                                      \
            (Cur).line = YYRHSLOC(Rhs, 1).line;                       \
            (Cur).col = YYRHSLOC(Rhs, 1).col;                         \
            (Cur).last_line = YYRHSLOC(Rhs, N).last_line;             \
            (Cur).last_col = YYRHSLOC(Rhs, N).last_col;               \
        } else { /* empty: just after the previous symbol */          \
            (Cur).line = (Cur).last_line = YYRHSLOC(Rhs, 0).last_line; \
            (Cur).last_col = YYRHSLOC(Rhs, 0).last_col;               \
            (Cur).col = (Cur).last_col + 1;                           \
        }                                                             \
    } while (0)

static void yyerror(loc *l, yyscan_t scanner, tyl_pstate *ps, const char *msg);
static vec no_stmts; /* an empty statement list */
static const char *dotted(const char *a, const char *b);
static ast *unsupported(loc l, const char *what);
static ast *set_literal(loc l, vec items);
static ast *annotated(loc l, ast *target, ast *annot, ast *value);
static void module_add(tyl_pstate *ps, vec stmts);
static void recovered(tyl_pstate *ps);
static void unexpected_indent(tyl_pstate *ps, loc l, int recovering);
}

%define api.pure full
%define api.location.type {loc}
%define api.token.prefix {TOK_}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {yyscan_t scanner}
%parse-param {tyl_pstate *ps}

%initial-action {
    @$.line = @$.last_line = 1;
    @$.col = 1;
    @$.last_col = 0;
}

%union {
    ast *node;
    vec list;
    const char *str;
    int op;
}

%token YYEOF 0 "end of file"
%token <str> NAME "name"
%token <node> NUMBER "number"
%token <node> STRING "string literal"
%token NEWLINE "newline"
%token INDENT "indent"
%token DEDENT "dedent"
%token START_FILE "start of file"
%token START_EXPR "start of expression"

%token FALSE "'False'" NONE "'None'" TRUE "'True'" AND "'and'" AS "'as'" ASSERT "'assert'"
%token ASYNC "'async'" AWAIT "'await'" BREAK "'break'" CLASS "'class'" CONTINUE "'continue'"
%token DEF "'def'" DEL "'del'" ELIF "'elif'" ELSE "'else'" EXCEPT "'except'"
%token FINALLY "'finally'" FOR "'for'" FROM "'from'" GLOBAL "'global'" IF "'if'"
%token IMPORT "'import'" IN "'in'" IS "'is'" LAMBDA "'lambda'" NONLOCAL "'nonlocal'"
%token NOT "'not'" OR "'or'" PASS "'pass'" RAISE "'raise'" RETURN "'return'" TRY "'try'"
%token WHILE "'while'" WITH "'with'" YIELD "'yield'"

%token POW "'**'" FLOORDIV "'//'" LSHIFT "'<<'" RSHIFT "'>>'" EQ "'=='" NE "'!='" LE "'<='"
%token GE "'>='" ARROW "'->'" ELLIPSIS "'...'" WALRUS "':='"
%token <op> AUGASSIGN "augmented assignment"

%type <list> stmts stmt simple_stmts small_list small_item import_stmt
%type <list> suite if_tail loop_else exprs subscripts names
%type <list> params_opt params lparams_opt lparams target_items with_items
%type <node> small_stmt compound_stmt expr_stmt flow_stmt other_simple from_import
%type <node> if_stmt for_stmt while_stmt funcdef other_compound dict_items
%type <node> testlist_star test_or_star star_expr test or_test and_test not_test comparison
%type <node> expr xor_expr and_expr shift_expr arith term factor power atom_expr atom strings
%type <node> lambdef subscript sl_opt argument tparam lparam annot_opt ret_opt target_list
%type <node> targets_rhs arglist_items with_item
%type <list> assign_targets import_what import_names comp_for
%type <op> comp_op
%type <str> dotted_name from_module

%%

start:
    START_FILE file_input
  | START_EXPR testlist_star                { ps->expr = $2; }
  ;

/* file_input = stmt*   (statements go straight into the module, so a file that fails
 * late still yields the statements before the failure) */
file_input:
    %empty
  | file_input stmt                         { module_add(ps, $2); }
  ;

stmts:
    stmt                                    { $$ = $1; }
  | stmts stmt                              { $$ = ast_vec_cat($1, $2); }
  ;

/* stmt = simple_stmts | compound_stmt; a syntax error skips to the end of the line.
 * An unexpected indented block is reported once and parsed anyway. */
stmt:
    simple_stmts                            { $$ = $1; }
  | compound_stmt                           { $$ = ast_vec1($1); }
  | error NEWLINE                           { $$ = no_stmts; recovered(ps); yyerrok; }
  | INDENT { unexpected_indent(ps, @1, YYRECOVERING()); } stmts DEDENT { $$ = $3; }
  ;

simple_stmts:
    small_list NEWLINE                      { $$ = $1; }
  | small_list ';' NEWLINE                  { $$ = $1; }
  ;

small_list:
    small_item                              { $$ = $1; }
  | small_list ';' small_item               { $$ = ast_vec_cat($1, $3); }
  ;

small_item:
    small_stmt                              { $$ = ast_vec1($1); }
  | import_stmt                             { $$ = $1; }
  ;

small_stmt:
    expr_stmt
  | flow_stmt
  | from_import
  | other_simple
  | PASS                                    { $$ = ast_new(A_PASS, @$); }
  | GLOBAL names                            { $$ = ast_global(@$, $2); }
  ;

/* expr_stmt = testlist_star (augassign testlist_star | ('=' testlist_star)*) */
expr_stmt:
    testlist_star                           { $$ = ast_expr_stmt(@$, $1); }
  | testlist_star AUGASSIGN testlist_star   { $$ = ast_augassign(@$, $2, $1, $3); }
  | assign_targets targets_rhs              { $$ = ast_assign(@$, $1, $2); }
    /* x: T = v is x = v (the annotation has no effect on the value); x: T binds nothing */
  | testlist_star ':' test                  { $$ = annotated(@$, $1, $3, NULL); }
  | testlist_star ':' test '=' targets_rhs  { $$ = annotated(@$, $1, $3, $5); }
  ;

assign_targets:
    testlist_star '='                       { $$ = ast_vec1($1); }
  | assign_targets testlist_star '='        { vec_push(&$1, $2); $$ = $1; }
  ;

targets_rhs:
    testlist_star
  | YIELD                                   { $$ = unsupported(@$, "'yield' expressions are"); }
  | YIELD testlist_star                     { $$ = unsupported(@$, "'yield' expressions are"); }
  ;

flow_stmt:
    BREAK                                   { $$ = ast_new(A_BREAK, @$); }
  | CONTINUE                                { $$ = ast_new(A_CONTINUE, @$); }
  | RETURN                                  { $$ = ast_return(@$, NULL); }
  | RETURN testlist_star                    { $$ = ast_return(@$, $2); }
  ;

/* Statements that are parsed only to be rejected by name later. */
other_simple:
    DEL target_items                        { $$ = ast_other(@$, "del", no_stmts); }
  | ASSERT test                             { $$ = ast_assert(@$, $2, NULL); }
  | ASSERT test ',' test                    { $$ = ast_assert(@$, $2, $4); }
  | RAISE                                   { $$ = ast_other(@$, "raise", no_stmts); }
  | RAISE test                              { $$ = ast_raise(@$, $2); }
  | RAISE test FROM test                    { $$ = ast_raise(@$, $2); }
  | NONLOCAL names                          { $$ = ast_other(@$, "nonlocal", no_stmts); }
  | YIELD                                   { $$ = ast_yield(@$, NULL); }
  | YIELD testlist_star                     { $$ = ast_yield(@$, $2); }
  | YIELD FROM test                         { $$ = ast_other(@$, "yield from", no_stmts); }
  | AWAIT atom_expr                         { $$ = ast_other(@$, "await", no_stmts); }
  ;

names:
    NAME                                    { $$ = ast_vec1(ast_name(@1, $1)); }
  | names ',' NAME                          { vec_push(&$1, ast_name(@3, $3)); $$ = $1; }
  ;

/* import a.b as c, d  -> one A_IMPORT per module (the first spans the keyword) */
import_stmt:
    IMPORT dotted_name                      { $$ = ast_vec1(ast_import(@$, $2, NULL)); }
  | IMPORT dotted_name AS NAME              { $$ = ast_vec1(ast_import(@$, $2, $4)); }
  | import_stmt ',' dotted_name             { vec_push(&$1, ast_import(@3, $3, NULL)); $$ = $1; }
  | import_stmt ',' dotted_name AS NAME     { vec_push(&$1, ast_import(loc_span(@3, @5), $3, $5)); $$ = $1; }
  ;

dotted_name:
    NAME                                    { $$ = $1; }
  | dotted_name '.' NAME                    { $$ = dotted($1, $3); }
  ;

from_import:
    FROM from_module IMPORT import_what     { $$ = ast_from_import(@$, $2, $4); }
  ;

from_module:
    dotted_name                             { $$ = $1; }
  | '.'                                     { $$ = "."; }
  | ELLIPSIS                                { $$ = "..."; }
  | '.' from_module                         { $$ = dotted("", $2); }
  | ELLIPSIS from_module                    { $$ = dotted("..", $2); }
  ;

/* the imported names: A_NAME nodes, str = the alias (NULL without 'as'); '*' is the name "*" */
import_what:
    '*'                                     { $$ = ast_vec1(ast_name(@1, "*")); }
  | import_names                            { $$ = $1; }
  | import_names ','                        { $$ = $1; }
  | '(' import_names ')'                    { $$ = $2; }
  | '(' import_names ',' ')'                { $$ = $2; }
  ;

import_names:
    NAME                                    { $$ = ast_vec1(ast_alias(@1, $1, NULL)); }
  | NAME AS NAME                            { $$ = ast_vec1(ast_alias(@$, $1, $3)); }
  | import_names ',' NAME                   { vec_push(&$1, ast_alias(@3, $3, NULL)); $$ = $1; }
  | import_names ',' NAME AS NAME           { vec_push(&$1, ast_alias(loc_span(@3, @5), $3, $5)); $$ = $1; }
  ;

/* ---- compound statements ---- */

compound_stmt:
    if_stmt
  | for_stmt
  | while_stmt
  | funcdef
  | other_compound
  ;

/* suite = simple_stmts | NEWLINE INDENT stmt+ DEDENT; a missing block is reported once */
suite:
    simple_stmts                            { $$ = $1; }
  | NEWLINE INDENT stmts DEDENT             { $$ = $3; }
  | NEWLINE error                           { $$ = no_stmts; yyerrok; }
  ;

/* if_stmt = 'if' test ':' suite ('elif' test ':' suite)* ['else' ':' suite] */
if_stmt:
    IF test ':' suite if_tail               { $$ = ast_if(@$, $2, $4, $5); }
  ;

if_tail:
    %empty                                  { $$ = no_stmts; }
  | ELSE ':' suite                          { $$ = $3; }
  | ELIF test ':' suite if_tail             { $$ = ast_vec1(ast_if(@$, $2, $4, $5)); }
  ;

for_stmt:
    FOR target_list IN testlist_star ':' suite loop_else { $$ = ast_for(@$, $2, $4, $6, $7); }
  ;

while_stmt:
    WHILE test ':' suite loop_else          { $$ = ast_while(@$, $2, $4, $5); }
  ;

loop_else:
    %empty                                  { $$ = no_stmts; }
  | ELSE ':' suite                          { $$ = $3; }
  ;

/* funcdef = 'def' NAME '(' [params] ')' ['->' test] ':' suite   (a parameter's annotation is
 * kept in its b: tylesc --lib reads "float64[:, :]"; the others are ignored) */
funcdef:
    DEF NAME '(' params_opt ')' ret_opt ':' suite { $$ = ast_def(@$, $2, $4, $8); }
  ;

ret_opt:
    %empty                                  { $$ = NULL; }
  | ARROW test                              { $$ = $2; }
  ;

params_opt:
    %empty                                  { $$ = no_stmts; }
  | params                                  { $$ = $1; }
  | params ','                              { $$ = $1; }
  ;

params:
    tparam                                  { $$ = ast_vec1($1); }
  | params ',' tparam                       { vec_push(&$1, $3); $$ = $1; }
  ;

tparam:
    NAME annot_opt                          { $$ = ast_param(@$, $1, NULL, 0); $$->b = $2; }
  | NAME annot_opt '=' test                 { $$ = ast_param(@$, $1, $4, 0); $$->b = $2; }
  | '*' NAME annot_opt                      { $$ = ast_param(@$, $2, NULL, 1); }
  | '*'                                     { $$ = ast_param(@$, "", NULL, 1); } /* keyword-only after */
  | POW NAME annot_opt                      { $$ = ast_param(@$, $2, NULL, 2); }
  ;

annot_opt:
    %empty                                  { $$ = NULL; }
  | ':' test                                { $$ = $2; }
  ;

/* class, with, try, async, decorators: parsed (bodies included) only to be rejected by name */
other_compound:
    CLASS NAME ':' suite                    { $$ = ast_other(@$, "class", $4); $$->name = $2; }
  | CLASS NAME '(' ')' ':' suite            { $$ = ast_other(@$, "class", $6); $$->name = $2; }
  | CLASS NAME '(' arglist_items ')' ':' suite { $$ = ast_other(@$, "class", $7); $$->name = $2; $$->a = $4; }
  | WITH with_items ':' suite               { $$ = ast_with(@$, $2, $4); }
  | TRY ':' suite try_tail                  { $$ = ast_other(@$, "try", $3); }
  | ASYNC funcdef                           { $$ = ast_other(@$, "async", no_stmts); }
  | ASYNC for_stmt                          { $$ = ast_other(@$, "async", no_stmts); }
  | ASYNC WITH with_items ':' suite         { $$ = ast_other(@$, "async", $5); }
  | '@' test NEWLINE                        { $$ = ast_other(@$, "decorator", no_stmts); $$->a = $2; }
  ;

with_items:
    with_item                               { $$ = ast_vec1($1); }
  | with_items ',' with_item                { vec_push(&$1, $3); $$ = $1; }
  ;

with_item:
    test                                    { $$ = $1; }
  | test AS expr                            { $$ = ast_other(@$, "with-as", no_stmts); $$->a = $1; $$->b = $3; }
  ;

try_tail:
    %empty
  | try_tail EXCEPT ':' suite
  | try_tail EXCEPT test ':' suite
  | try_tail EXCEPT test AS NAME ':' suite
  | try_tail ELSE ':' suite
  | try_tail FINALLY ':' suite
  ;

/* ---- expressions ---- */

/* testlist_star = (test | star_expr) (',' (test | star_expr))* [','] */
testlist_star:
    exprs                                   { $$ = ast_seq(@$, $1, 0); }
  | exprs ','                               { $$ = ast_seq(@$, $1, 1); }
  ;

exprs:
    test_or_star                            { $$ = ast_vec1($1); }
  | exprs ',' test_or_star                  { vec_push(&$1, $3); $$ = $1; }
  ;

test_or_star:
    test
  | star_expr
  ;

star_expr:
    '*' expr                                { $$ = ast_starred(@$, $2); }
  ;

/* target_list = (expr | star_expr) (',' ...)* [',']   (for targets: no comparisons) */
target_list:
    target_items                            { $$ = ast_seq(@$, $1, 0); }
  | target_items ','                        { $$ = ast_seq(@$, $1, 1); }
  ;

target_items:
    expr                                    { $$ = ast_vec1($1); }
  | star_expr                               { $$ = ast_vec1($1); }
  | target_items ',' expr                   { vec_push(&$1, $3); $$ = $1; }
  | target_items ',' star_expr              { vec_push(&$1, $3); $$ = $1; }
  ;

/* test = or_test ['if' or_test 'else' test] | lambdef */
test:
    or_test
  | or_test IF or_test ELSE test            { $$ = ast_ifexp(@$, $1, $3, $5); }
  | lambdef
  ;

lambdef:
    LAMBDA lparams_opt ':' test             { $$ = ast_lambda(@$, $2, $4); }
  ;

lparams_opt:
    %empty                                  { $$ = no_stmts; }
  | lparams                                 { $$ = $1; }
  | lparams ','                             { $$ = $1; }
  ;

lparams:
    lparam                                  { $$ = ast_vec1($1); }
  | lparams ',' lparam                      { vec_push(&$1, $3); $$ = $1; }
  ;

lparam:
    NAME                                    { $$ = ast_param(@$, $1, NULL, 0); }
  | NAME '=' test                           { $$ = ast_param(@$, $1, $3, 0); }
  | '*' NAME                                { $$ = ast_param(@$, $2, NULL, 1); }
  | POW NAME                                { $$ = ast_param(@$, $2, NULL, 2); }
  ;

or_test:
    and_test
  | or_test OR and_test                     { $$ = ast_boolop(@$, OP_OR, $1, $3); }
  ;

and_test:
    not_test
  | and_test AND not_test                   { $$ = ast_boolop(@$, OP_AND, $1, $3); }
  ;

not_test:
    comparison
  | NOT not_test                            { $$ = ast_unop(@$, OP_NOT, $2); }
  ;

/* comparison = expr (comp_op expr)*   (a chain is one A_COMPARE) */
comparison:
    expr
  | comparison comp_op expr                 { $$ = ast_compare(@$, $1, $2, $3); }
  ;

comp_op:
    '<'                                     { $$ = OP_LT; }
  | '>'                                     { $$ = OP_GT; }
  | EQ                                      { $$ = OP_EQ; }
  | NE                                      { $$ = OP_NE; }
  | LE                                      { $$ = OP_LE; }
  | GE                                      { $$ = OP_GE; }
  | IN                                      { $$ = OP_IN; }
  | NOT IN                                  { $$ = OP_NOTIN; }
  | IS                                      { $$ = OP_IS; }
  | IS NOT                                  { $$ = OP_ISNOT; }
  ;

expr:
    xor_expr
  | expr '|' xor_expr                       { $$ = ast_binop(@$, '|', $1, $3); }
  ;

xor_expr:
    and_expr
  | xor_expr '^' and_expr                   { $$ = ast_binop(@$, '^', $1, $3); }
  ;

and_expr:
    shift_expr
  | and_expr '&' shift_expr                 { $$ = ast_binop(@$, '&', $1, $3); }
  ;

shift_expr:
    arith
  | shift_expr LSHIFT arith                 { $$ = ast_binop(@$, OP_LSHIFT, $1, $3); }
  | shift_expr RSHIFT arith                 { $$ = ast_binop(@$, OP_RSHIFT, $1, $3); }
  ;

arith:
    term
  | arith '+' term                          { $$ = ast_binop(@$, '+', $1, $3); }
  | arith '-' term                          { $$ = ast_binop(@$, '-', $1, $3); }
  ;

term:
    factor
  | term '*' factor                         { $$ = ast_binop(@$, '*', $1, $3); }
  | term '/' factor                         { $$ = ast_binop(@$, '/', $1, $3); }
  | term FLOORDIV factor                    { $$ = ast_binop(@$, OP_FLOORDIV, $1, $3); }
  | term '%' factor                         { $$ = ast_binop(@$, '%', $1, $3); }
  | term '@' factor                         { $$ = ast_binop(@$, '@', $1, $3); }
  ;

/* factor = ('+' | '-' | '~') factor | power;  power = atom_expr ['**' factor]
 * so -x**2 is -(x**2) and 2**-1 is allowed */
factor:
    '+' factor                              { $$ = ast_unop(@$, '+', $2); }
  | '-' factor                              { $$ = ast_unop(@$, '-', $2); }
  | '~' factor                              { $$ = ast_unop(@$, '~', $2); }
  | power
  ;

power:
    atom_expr
  | atom_expr POW factor                    { $$ = ast_binop(@$, OP_POW, $1, $3); }
  ;

/* atom_expr = atom trailer*;  trailer = '(' [arglist] ')' | '[' subscripts ']' | '.' NAME */
atom_expr:
    atom
  | atom_expr '(' ')'                       { $$ = ast_call(@$, $1, NULL); }
  | atom_expr '(' arglist_items ')'         { $$ = ast_call(@$, $1, $3); }
  | atom_expr '(' arglist_items ',' ')'     { $$ = ast_call(@$, $1, $3); }
  | atom_expr '[' subscripts ']'            { $$ = ast_subscript(@$, $1, $3, 0); }
  | atom_expr '[' subscripts ',' ']'        { $$ = ast_subscript(@$, $1, $3, 1); }
  | atom_expr '.' NAME                      { $$ = ast_attr(@$, $1, $3); }
  ;

/* The arguments are gathered in an A_CALL skeleton (args, kwargs). */
arglist_items:
    argument                                { $$ = ast_arglist(NULL, $1); }
  | arglist_items ',' argument              { $$ = ast_arglist($1, $3); }
  ;

argument:
    test
  | NAME '=' test                           { $$ = ast_keyword(@$, $1, $3); }
  | '*' test                                { $$ = ast_starred(@$, $2); }
  | POW test                                { $$ = ast_keyword(@$, NULL, $2); }
  | test comp_for                           { $$ = ast_comp(@$, 0, $1, $2); }
  ;

subscripts:
    subscript                               { $$ = ast_vec1($1); }
  | subscripts ',' subscript                { vec_push(&$1, $3); $$ = $1; }
  ;

/* subscript = test | [test] ':' [test] [':' [test]] */
subscript:
    test
  | sl_opt ':' sl_opt                       { $$ = ast_slice(@$, $1, $3, NULL); }
  | sl_opt ':' sl_opt ':' sl_opt            { $$ = ast_slice(@$, $1, $3, $5); }
  ;

sl_opt:
    %empty                                  { $$ = NULL; }
  | test
  ;

atom:
    NAME                                    { $$ = ast_name(@$, $1); }
  | NUMBER
  | strings
  | TRUE                                    { $$ = ast_bool(@$, 1); }
  | FALSE                                   { $$ = ast_bool(@$, 0); }
  | NONE                                    { $$ = ast_new(A_NONE, @$); }
  | ELLIPSIS                                { $$ = ast_name(@$, "Ellipsis"); }
  | '(' ')'                                 { $$ = ast_paren(@$, ast_seq(@$, no_stmts, 1)); }
  | '(' testlist_star ')'                   { $$ = ast_paren(@$, $2); }
  | '(' test comp_for ')'                   { $$ = ast_comp(@$, 0, $2, $3); }
  | '(' YIELD ')'                           { $$ = unsupported(@$, "'yield' expressions are"); }
  | '(' YIELD testlist_star ')'             { $$ = unsupported(@$, "'yield' expressions are"); }
  | '[' ']'                                 { $$ = ast_list(@$, no_stmts); }
  | '[' exprs ']'                           { $$ = ast_list(@$, $2); }
  | '[' exprs ',' ']'                       { $$ = ast_list(@$, $2); }
  | '[' test comp_for ']'                   { $$ = ast_comp(@$, 1, $2, $3); }
  | '{' '}'                                 { $$ = ast_dict(@$, NULL, NULL, NULL); }
  | '{' dict_items '}'                      { $$ = $2; $$->l = @$; }
  | '{' dict_items ',' '}'                  { $$ = $2; $$->l = @$; }
  | '{' test ':' test comp_for '}'          { $$ = ast_comp(@$, 2, $2, $5); $$->b = $4; }
  | '{' exprs '}'                           { $$ = set_literal(@$, $2); }
  | '{' exprs ',' '}'                       { $$ = set_literal(@$, $2); }
  | '{' test comp_for '}'                   { $$ = unsupported(@$, "set comprehensions are"); }
  ;

/* adjacent literals concatenate: "a" "b" f"{c}" */
strings:
    STRING
  | strings STRING                          { $$ = ast_strcat(@$, $1, $2); }
  ;

dict_items:
    test ':' test                           { $$ = ast_dict(@$, NULL, $1, $3); }
  | POW expr                                { $$ = unsupported(@$, "'**' in a dict literal is"); }
  | dict_items ',' test ':' test            { $$ = ast_dict(@$, $1, $3, $5); }
  | dict_items ',' POW expr                 { $$ = unsupported(@4, "'**' in a dict literal is"); }
  ;

/* the clauses of a comprehension: A_FOR (b = target, a = iterable) and A_IF (a = test) */
comp_for:
    FOR target_list IN or_test              { $$ = ast_vec1(ast_for(@$, $2, $4, no_stmts, no_stmts)); }
  | comp_for FOR target_list IN or_test     { vec_push(&$1, ast_for(loc_span(@2, @5), $3, $5, no_stmts, no_stmts)); $$ = $1; }
  | comp_for IF or_test                     { vec_push(&$1, ast_if(loc_span(@2, @3), $3, no_stmts, no_stmts)); $$ = $1; }
  ;

%%



static const char *dotted(const char *a, const char *b)
{
    return arena_printf(&util_arena, "%s.%s", a, b);
}

/* {a, b}: set([a, b]), which lower_sets.c lowers (a list without repeats) */
static ast *set_literal(loc l, vec items)
{
    return ast_call(l, ast_name(l, "set"), ast_arglist(NULL, ast_list(l, items)));
}

static ast *unsupported(loc l, const char *what)
{
    diag_error(l, "%s not supported by tylesc", what);
    return ast_new(A_NONE, l);
}

/* The name an annotation is headed by (float, np.ndarray: "ndarray", ClassVar[int]: "ClassVar"),
 * "" for another expression: a dataclass's fields are its annotated names (lower_dataclass.c) */
static const char *annotation_head(ast *t)
{
    if (t->kind == A_SUBSCRIPT)
        t = t->a;
    return t->kind == A_NAME || t->kind == A_ATTR ? t->name : "";
}

static ast *annotated(loc l, ast *target, ast *annot, ast *value)
{
    if (target->kind == A_TUPLE || target->kind == A_LIST) {
        diag_error(target->l, "only single target (not %s) can be annotated",
                   target->kind == A_TUPLE ? "tuple" : "list");
        return ast_expr_stmt(l, ast_new(A_NONE, l));
    }
    if (target->kind != A_NAME && target->kind != A_ATTR && target->kind != A_SUBSCRIPT) {
        diag_error(target->l, "illegal target for annotation");
        return ast_expr_stmt(l, ast_new(A_NONE, l));
    }
    ast *n = value ? ast_assign(l, ast_vec1(target), value) : ast_new(A_PASS, l);
    if (!value)
        n->name = target->kind == A_NAME ? target->name : NULL; /* a class's field, or nothing */
    n->str = annotation_head(annot);
    return n;
}

static void module_add(tyl_pstate *ps, vec stmts)
{
    if (ps->module)
        ps->module->body = ast_vec_cat(ps->module->body, stmts);
}

/* A statement with a syntax error was skipped up to its NEWLINE (the token just read). */
static void recovered(tyl_pstate *ps)
{
    ps->recovered_seq = ps->tok_seq;
}

/* An indented block where none may start; quiet when it follows a skipped statement
 * ("if x" without its colon: the block is the if's). */
static void unexpected_indent(tyl_pstate *ps, loc l, int recovering)
{
    if (!recovering && ps->tok_seq != ps->recovered_seq + 1)
        diag_error(l, "unexpected indent");
}

static void yyerror(loc *l, yyscan_t scanner, tyl_pstate *ps, const char *msg)
{
    (void)scanner;
    (void)ps;
    if (strstr(msg, "exhausted"))
        diag_error(*l, "too deeply nested");
    else
        diag_error(*l, "%s", msg);
}

static int has(const yysymbol_kind_t *v, int n, yysymbol_kind_t k)
{
    for (int i = 0; i < n; i++)
        if (v[i] == k)
            return 1;
    return 0;
}

/* The construct a block is expected after, from the first token of the header line. */
static const char *block_owner(int tok)
{
    switch (tok) {
    case TOK_IF: return "'if' statement";
    case TOK_ELIF: return "'elif' statement";
    case TOK_ELSE: return "'else' statement";
    case TOK_FOR: return "'for' statement";
    case TOK_WHILE: return "'while' statement";
    case TOK_DEF: return "function definition";
    case TOK_CLASS: return "class definition";
    case TOK_WITH: return "'with' statement";
    case TOK_TRY: return "'try' statement";
    case TOK_EXCEPT: return "'except' statement";
    case TOK_FINALLY: return "'finally' statement";
    case TOK_ASYNC: return "'async' statement";
    }
    return NULL;
}

static void forget_brackets(tyl_pstate *ps)
{
    if ((ps->nbrackets > 0 || ps->bracket_overflow > 0) && !ps->fexpr) {
        ps->nbrackets = ps->bracket_overflow = 0;
        ps->recovering = 1;
    }
}

/* Just after loc l (for errors at a newline or at the end of the file). */
static loc after(loc l)
{
    loc r = { l.last_line, l.last_col + 1, l.last_line, l.last_col + 1 };
    return r;
}

/* Python-like messages; grammar names never appear (every token has an alias). */
static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner, tyl_pstate *ps)
{
    (void)scanner;
    yysymbol_kind_t tok = yypcontext_token(ctx);
    loc l = *yypcontext_location(ctx);
    const char *pre = ps->fexpr ? "f-string: " : "";

    if (ps->lex_error_seq == ps->tok_seq || ps->indent_overflow || ps->quiet_line)
        return 0; /* the scanner already said what is wrong with this token (or the file) */

    /* An unclosed bracket shows up as a statement starting inside it. */
    if (ps->nbrackets > 0 && !ps->fexpr && (tok == YYSYMBOL_NAME || (tok >= YYSYMBOL_FALSE && tok <= YYSYMBOL_YIELD))
        && l.line != ps->prev_loc.last_line) {
        int i = ps->nbrackets - 1;
        if (l.line > ps->brackets[i].l.line && l.col - 1 <= ps->brackets[i].indent_bytes) {
            diag_error(ps->brackets[i].l, "'%c' was never closed", ps->brackets[i].ch);
            forget_brackets(ps);
            return 0;
        }
    }

    int n = yypcontext_expected_tokens(ctx, NULL, 0);
    yysymbol_kind_t exp[4];
    int nexp = n >= 1 && n <= 3 ? yypcontext_expected_tokens(ctx, exp, 3) : 0;
    int want_indent = n >= 1 && n <= 3 && has(exp, nexp, YYSYMBOL_INDENT);

    if (tok == YYSYMBOL_INDENT) {
        diag_error(l, "%sunexpected indent", pre);
        return 0;
    }
    if (want_indent) {
        loc at = tok == YYSYMBOL_DEDENT ? ps->dedent_at : tok == YYSYMBOL_YYEOF ? after(ps->prev_loc) : l;
        const char *what = block_owner(ps->hdr_tok);
        if (what)
            diag_error(at, "expected an indented block after %s on line %d", what, ps->hdr_loc.line);
        else
            diag_error(at, "expected an indented block");
        return 0;
    }
    int at_end = tok == YYSYMBOL_YYEOF || (tok == YYSYMBOL_NEWLINE && ps->eof_newline);
    if (tok == YYSYMBOL_NEWLINE || tok == YYSYMBOL_YYEOF || tok == YYSYMBOL_DEDENT)
        l = after(ps->prev_loc);
    int header = block_owner(ps->line_first_tok) && ps->nbrackets == 0 && tok != YYSYMBOL_DEDENT;
    if ((tok == YYSYMBOL_NEWLINE || at_end || header) && !ps->fexpr && n > 0) {
        /* "if x" / "for x in y print(x)" without the colon: Python says just this */
        yysymbol_kind_t *all = NEWN(yysymbol_kind_t, n);
        int m = yypcontext_expected_tokens(ctx, all, n);
        for (int i = 0; i < m; i++)
            if (!strcmp(yysymbol_name(all[i]), "':'")) {
                diag_error(l, "expected ':'");
                forget_brackets(ps);
                return 0;
            }
    }
    if ((tok == YYSYMBOL_NEWLINE || (ps->line_first_tok == TOK_FOR && ps->nbrackets == 0)) && n > 0) {
        yysymbol_kind_t *all = NEWN(yysymbol_kind_t, n);
        int m = yypcontext_expected_tokens(ctx, all, n);
        if (tok == YYSYMBOL_NEWLINE && has(all, m, YYSYMBOL_ELSE)) {
            diag_error(l, "%sexpected 'else' after 'if' expression", pre);
            return 0;
        }
        if (tok != YYSYMBOL_NEWLINE && has(all, m, YYSYMBOL_IN)) {
            diag_error(l, "invalid syntax: unexpected %s; expected 'in'",
                       tok == YYSYMBOL_NAME && ps->tok_text ? arena_printf(&util_arena, "name '%s'", ps->tok_text)
                                                            : yysymbol_name(tok));
            return 0;
        }
    }

    /* The parser skips to the end of the line: let that line end where it is written. */
    forget_brackets(ps);
    if (tok == YYSYMBOL_WALRUS) { /* valid Python in parentheses, not in tylesc's subset */
        diag_error(l, "%sassignment expressions (':=') are not supported; assign the value in a "
                      "statement of its own", pre);
        return 0;
    }

    strbuf b = {0};
    sb_printf(&b, "%sinvalid syntax: unexpected ", pre);
    if (at_end)
        sb_puts(&b, ps->fexpr ? "end of expression" : "end of file");
    else if (tok == YYSYMBOL_NAME && ps->tok_text)
        sb_printf(&b, "name '%s'", ps->tok_text);
    else if (tok == YYSYMBOL_NUMBER && ps->tok_text)
        sb_printf(&b, "number '%s'", ps->tok_text);
    else if (tok == YYSYMBOL_AUGASSIGN && ps->tok_text)
        sb_printf(&b, "'%s'", ps->tok_text);
    else
        sb_puts(&b, yysymbol_name(tok));
    for (int i = 0; i < nexp; i++) {
        sb_puts(&b, i == 0 ? "; expected " : i == nexp - 1 ? " or " : ", ");
        sb_puts(&b, yysymbol_name(exp[i]));
    }
    diag_error(l, "%s", b.s);
    sb_free(&b);
    return 0;
}

/* Run one scanner + parser over text; fexpr selects an f-string expression. */
static void run(tyl_pstate *ps, const char *text, size_t len)
{
    yyscan_t sc;
    if (yylex_init_extra(ps, &sc))
        util_syserr("cannot create the scanner");
    YY_BUFFER_STATE buf = yy_scan_bytes(text, (int)len, sc);
    yyparse(sc, ps);
    yy_delete_buffer(buf, sc);
    yylex_destroy(sc);
    sb_free(&ps->sbuf);
}

ast *parse_file(const char *filename, const char *text)
{
    (void)filename;
    if (!text)
        return NULL;
    tyl_pstate ps;
    memset(&ps, 0, sizeof ps);
    ps.line = ps.col = 1;
    ps.nindent = 1;
    ps.at_line_start = 1;
    ps.lex_error_seq = -1;
    if (!strncmp(text, "\xEF\xBB\xBF", 3)) { /* UTF-8 byte order mark */
        text += 3;
        ps.col = 4;
    }
    loc whole = { 1, 1, 1, 1 };
    ps.module = ast_new(A_MODULE, whole);
    run(&ps, text, strlen(text));
    ps.module->l.last_line = ps.line;
    ps.module->l.last_col = ps.col > 1 ? ps.col - 1 : 1;
    ast_check_depth(ps.module, AST_MAX_DEPTH);
    return ps.module;
}

ast *tyl_parse_fexpr(const char *text, size_t len, int line, int col)
{
    tyl_pstate ps;
    memset(&ps, 0, sizeof ps);
    ps.fexpr = 1;
    ps.line = line;
    ps.col = col;
    ps.nindent = 1;
    ps.lex_error_seq = -1;
    run(&ps, text, len);
    if (!ps.expr) {
        loc l = { line, col, line, col };
        return ast_new(A_NONE, l);
    }
    return ps.expr;
}
