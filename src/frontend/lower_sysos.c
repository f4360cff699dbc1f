/* lower_sysos.c: the calls of Python's sys and os modules that simulation scripts make around
 * their computation, lowered to statements of libtyles' tyl_os.c:
 *
 *   sys.exit(), sys.exit(n), sys.exit("message"), raise SystemExit(...)
 *                          S_RAISE with init 1: the program ends as at its end (files saved so
 *                          far stay), the message on stderr, exit status n (1 with a message);
 *   sys.stdout.flush()     nothing (print flushes at every line already);
 *   os.makedirs(p, exist_ok=), os.mkdir(p)
 *                          S_OS on rank 0, Python's FileExistsError / FileNotFoundError;
 *   os.path.exists/isdir/isfile(p)
 *                          S_OS setting a bool, the same on every rank;
 *   sys.argv               len(sys.argv), sys.argv[i] (a run-time string), int() and float() of
 *                          it: S_OS reading the positional arguments (tyl_argv.c), Python's
 *                          IndexError and ValueError; the program then takes positional arguments;
 *   os.path.join(a, b, ...) a string (run-time parts too: f"u_{n:04d}.npy"), Python's rule: a
 *                          part starting with '/' restarts, a '/' is added unless the path so far
 *                          is empty or ends with one;
 *   open(path, "w" / "a")  a file for writing (a V_MODULE "os.file" whose n is its number k, from
 *                          1): S_OS IR_OS_FOPEN on rank 0 (Python's OSError when it cannot be
 *                          opened), f.write(s) and print(..., file=f) print to its stream 100 + k
 *                          (lower_builtins.c), f.close() and the end of a `with open(...) as f:`
 *                          block (ast.c) IR_OS_FCLOSE; files still open are closed at the end;
 *   open(path), open(path, "r")
 *                          a file for reading: lower_textread.c.
 *
 * typing and __future__ are imported for annotations, which are not run (annotations are left
 * out); their names in a computation are errors. Other names of these modules are located
 * errors that list the supported ones. */

#include "lower_internal.h"

#include <string.h>

enum { MAX_FILES = 4096 }; /* open() calls in a program (libtyles' table) */
static int nfiles;

/* The names of these modules a program may use, and what each is allowed as: a module (sys.argv,
 * os.path), a function of its module, or a method of an object of the program that carries the
 * object's number (n: a file open() opened, for writing "os.file" or reading "os.rfile", or a
 * dict of lower_sdicts.c "os.sdict"). listed: named in the note under an unsupported name. */
typedef enum { SYSOS_MODULE, SYSOS_FUNCTION, SYSOS_METHOD } sysos_as;
static const struct sysos_name {
    const char *mod, *name;
    sysos_as as;
    int listed;
} SYSOS_NAMES[] = {
    {"sys", "exit", SYSOS_FUNCTION, 1},         {"sys", "argv", SYSOS_MODULE, 1},
    {"sys", "stdout", SYSOS_MODULE, 0},         {"sys", "stderr", SYSOS_MODULE, 0},
    {"sys.stdout", "flush", SYSOS_FUNCTION, 1}, {"sys.stderr", "flush", SYSOS_FUNCTION, 0},
    {"os", "makedirs", SYSOS_FUNCTION, 1},      {"os", "mkdir", SYSOS_FUNCTION, 1},
    {"os", "path", SYSOS_MODULE, 0},            {"os.path", "join", SYSOS_FUNCTION, 1},
    {"os.path", "exists", SYSOS_FUNCTION, 1},   {"os.path", "isdir", SYSOS_FUNCTION, 1},
    {"os.path", "isfile", SYSOS_FUNCTION, 1},   {"os.sdict", "get", SYSOS_METHOD, 0},
    {"os.rfile", "read", SYSOS_METHOD, 0},      {"os.rfile", "readline", SYSOS_METHOD, 0},
    {"os.rfile", "readlines", SYSOS_METHOD, 0}, {"os.rfile", "close", SYSOS_METHOD, 0},
    {"os.file", "write", SYSOS_METHOD, 0},      {"os.file", "close", SYSOS_METHOD, 0},
    {"os.file", "flush", SYSOS_METHOD, 0},
};
/* The values of these forms a program holds (sys.argv, files, run-time string lists and dicts:
 * lower_sysos.c, lower_textread.c, lower_sdicts.c), as messages name them, and for the objects
 * with methods above what is supported when a method is not. */
static const struct {
    const char *mod, *what, *supported;
} SYSOS_OBJECTS[] = {
    {"os.sdict", "a dict filled with keys read when running", "d[key], d.get(key, default), key in d and len(d) are"},
    {"os.rfile", "a file opened for reading", "read(), readline(), readlines(), close(), and a for loop over it"},
    {"os.file", "a file opened for writing", "files are written: write(), close(), flush(), print(..., file=f)"},
    {"os.split", "a list of strings read when running (split(), splitlines() or readlines())", NULL},
    {"sys.argv", "sys.argv (index it: sys.argv[1])", NULL},
    {"sys.stdout", "sys.stdout", NULL},
    {"sys.stderr", "sys.stderr", NULL},
};
enum { NSYSOS = sizeof SYSOS_NAMES / sizeof SYSOS_NAMES[0], NOBJECTS = sizeof SYSOS_OBJECTS / sizeof SYSOS_OBJECTS[0] };

/* What a V_MODULE value of the program is, as Python would name it; 'a module' for the modules
 * themselves ('a module' was wrong for the others: "print() of a module" for a line's split()). */
const char *lw_sysos_desc(const char *form)
{
    for (int i = 0; i < NOBJECTS; i++)
        if (strcmp(form, SYSOS_OBJECTS[i].mod) == 0)
            return SYSOS_OBJECTS[i].what;
    return "a module";
}

/* typing and __future__ (for annotations) and the modules of SYSOS_NAMES */
int lw_is_sysos_module(const char *name)
{
    if (strcmp(name, "typing") == 0 || strcmp(name, "__future__") == 0 || strncmp(name, "typing.", 7) == 0 ||
        strncmp(name, "__future__.", 11) == 0)
        return 1;
    for (int i = 0; i < NSYSOS; i++)
        if (strcmp(name, SYSOS_NAMES[i].mod) == 0)
            return 1;
    return 0;
}

static value *module(loc l, const char *name)
{
    value *m = lw_vnew(V_MODULE, l);
    m->str = name;
    return m;
}

static value *builtin(loc l, const char *mod, const char *n)
{
    value *v = lw_vnew(V_BUILTIN, l);
    v->str = arena_printf(&util_arena, "%s.%s", mod, n);
    return v;
}

/* attribute a->name of module mod ("sys", "os", "os.path", "sys.stdout") */
value *lw_sysos_attr(value *mod, ast *a)
{
    const char *m = mod->str, *n = a->name;
    loc l = a->l;
    if (strcmp(m, "typing") == 0 || strcmp(m, "__future__") == 0) /* for annotations, which are not run */
        return module(l, arena_printf(&util_arena, "%s.%s", m, n));
    if (strncmp(m, "typing.", 7) == 0 || strncmp(m, "__future__.", 11) == 0) {
        diag_error(a->a ? loc_span(a->a->l, l) : l, "'%s' is for type annotations, which tylesc does not run", m);
        return &lw_ERRV;
    }
    for (int i = 0; i < NSYSOS; i++) {
        const struct sysos_name *r = &SYSOS_NAMES[i];
        if (strcmp(m, r->mod) != 0 || strcmp(n, r->name) != 0)
            continue;
        if (r->as == SYSOS_MODULE)
            return module(l, arena_printf(&util_arena, "%s.%s", m, n));
        value *b = builtin(l, m, n);
        if (r->as == SYSOS_METHOD)
            b->n = mod->n;
        return b;
    }
    loc whole = a->a ? loc_span(a->a->l, l) : l;
    for (int i = 0; i < NOBJECTS; i++)
        if (SYSOS_OBJECTS[i].supported && strcmp(m, SYSOS_OBJECTS[i].mod) == 0) {
            diag_error(whole, "'%s' of %s is not supported (%s)", n, SYSOS_OBJECTS[i].what, SYSOS_OBJECTS[i].supported);
            return &lw_ERRV;
        }
    diag_error(whole, "'%s.%s' is not supported in a stencil program", m, n);
    const char *listed = "supported from sys and os: ", *sep = "";
    for (int i = 0; i < NSYSOS; i++)
        if (SYSOS_NAMES[i].listed) {
            listed = arena_printf(&util_arena, "%s%s%s.%s", listed, sep, SYSOS_NAMES[i].mod, SYSOS_NAMES[i].name);
            sep = ", ";
        }
    diag_note((loc){0}, "%s", listed);
    return &lw_ERRV;
}

/* import sys / import os / import os.path (binds os) / from os import path, makedirs */
void lw_sysos_import(lctx *c, ast *s)
{
    if (s->kind == A_IMPORT) {
        const char *name = s->str ? s->name : strcmp(s->name, "os.path") == 0 ? "os" : s->name;
        binding *b = lw_bind(c, s->str ? s->str : name);
        b->kind = B_VALUE;
        b->val = module(s->l, name);
        return;
    }
    value *mod = module(s->l, s->name);
    for (int i = 0; i < s->args.len; i++) {
        ast *n = VEC_AT(s->args, i, ast *);
        if (strcmp(n->name, "*") == 0) {
            diag_error(n->l, "'from %s import *' is not supported; import the names the program uses", s->name);
            return;
        }
        ast *attr = ast_new(A_ATTR, n->l);
        attr->a = ast_name(n->l, s->name);
        attr->name = n->name;
        value *v = lw_sysos_attr(mod, attr);
        binding *b = lw_bind(c, n->str ? n->str : n->name);
        b->kind = B_VALUE;
        b->val = v;
    }
}

/* Is s the statement sys.exit(...) (or raise SystemExit)? It ends every path through it, as a
 * raise does (lower_returns.c, lower_unbound.c). Syntactic: the name sys as Python spells it. */
int lw_is_exit_stmt(const ast *s)
{
    const ast *e = s->a;
    if (s->kind == A_RAISE)
        return 0; /* a raise is a terminator anyway */
    if (s->kind != A_EXPR_STMT || !e || e->kind != A_CALL || e->a->kind != A_ATTR)
        return 0;
    const ast *f = e->a;
    return strcmp(f->name, "exit") == 0 && f->a && f->a->kind == A_NAME && strcmp(f->a->name, "sys") == 0;
}

/* sys.exit(arg) with arg already lowered (NULL: no argument) */
value *lw_sys_exit(lctx *c, loc l, value *arg)
{
    ir_stmt *r = ir_stmt_new(S_RAISE, l);
    r->init = 1;
    r->e = ir_const_i(l, T_BOOL, 1);
    r->e2 = lw_I64(l, 0);
    if (arg && arg->kind == V_ERR)
        return &lw_ERRV;
    if (!arg || arg->kind == V_NONE) {
    } else if (arg->kind == V_SCALAR && !ir_type_is_float(arg->type)) {
        r->e2 = ir_cast(l, T_I64, arg->e);
    } else if (arg->kind == V_STR) {
        r->str = arg->str;
        r->e2 = lw_I64(l, 1);
    } else if (arg->kind == V_FSTR) {
        r->sbuf = lw_str_build(c, l, arg);
        r->e2 = lw_I64(l, 1);
    } else {
        diag_error(arg->l, "sys.exit() of %s is not supported (an int status, a message string or nothing)",
                   lw_vkind_desc(arg));
        return &lw_ERRV;
    }
    lw_emit(c, r);
    return lw_vnew(V_NONE, l);
}

/* The first (last: from_end) character of string v, '?' where it is a formatted number (never
 * empty, never '/'), 0 for an empty string, -1 where it is known only when running. */
static int end_char(value *v, int from_end)
{
    if (v->kind == V_STR)
        return v->n ? -1 : v->str[0] ? v->str[from_end ? strlen(v->str) - 1 : 0] : 0;
    for (int k = 0; k < v->n; k++) {
        value *p = v->items[from_end ? v->n - 1 - k : k];
        if (p->kind != V_STR)
            return '?';
        int ch = end_char(p, from_end);
        if (ch)
            return ch;
    }
    return 0;
}

static value *lit(loc l, const char *s)
{
    value *v = lw_vnew(V_STR, l);
    v->str = s;
    return v;
}

static value *path_join(lctx *c, loc l, args *a)
{
    if (a->nkw || a->npos < 1) {
        diag_error(l, "os.path.join() takes one or more strings");
        return &lw_ERRV;
    }
    value *path = NULL;
    for (int i = 0; i < a->npos; i++) {
        value *p = a->pos[i];
        if (p->kind != V_STR && p->kind != V_FSTR) {
            diag_error(p->l, "os.path.join() takes strings, not %s", lw_vkind_desc(p));
            return &lw_ERRV;
        }
        int first = end_char(p, 0), last = path ? end_char(path, 1) : 0;
        if (first < 0 || last < 0) {
            diag_error(first < 0 ? p->l : a->pos[i - 1]->l,
                       "os.path.join() of a string whose first or last character is known only when running "
                       "is not supported");
            return &lw_ERRV;
        }
        if (!path || first == '/')
            path = p;
        else if (last == 0 || last == '/')
            path = lw_str_binop(c, l, '+', path, p);
        else
            path = lw_str_binop(c, l, '+', lw_str_binop(c, l, '+', path, lit(l, "/")), p);
    }
    return path;
}

/* The path argument into s (str or run-time string sbuf); 0 after a diagnostic. */
static int path_arg(lctx *c, ir_stmt *s, const char *f, value *p)
{
    if (p->kind == V_STR) {
        s->str = p->str;
        return 1;
    }
    if (p->kind == V_FSTR) {
        s->sbuf = lw_str_build(c, p->l, p);
        return 1;
    }
    diag_error(p->l, "%s() needs the path as a string, not %s", f, lw_vkind_desc(p));
    return 0;
}

int lw_is_argv(const value *v) { return v->kind == V_MODULE && strcmp(v->str, "sys.argv") == 0; }

/* sys.argv and its slices sys.argv[k:] are a V_MODULE "sys.argv" whose n is k (0 for sys.argv
 * itself): the list of the run's arguments from k on, read where it is used. */
static value *argv_from(loc l, int k)
{
    value *m = lw_vnew(V_MODULE, l);
    m->str = "sys.argv";
    m->n = k;
    return m;
}

/* len(sys.argv[k:]): argc - k, or 0 */
value *lw_argv_len(lctx *c, loc l, const value *argv)
{
    c->prog->uses_argv = 1;
    ir_stmt *s = ir_stmt_new(S_OS, l);
    s->init = IR_OS_ARGC;
    s->var = lw_temp_scalar(c, T_I64);
    lw_emit(c, s);
    ir_expr *n = ir_varref(l, s->var);
    if (argv->n > 0)
        n = ir_bin(l, OP_MAX, T_I64, ir_bin(l, OP_SUB, T_I64, n, lw_I64(l, argv->n), 0), lw_I64(l, 0), 0);
    return lw_scalar(l, n, 1);
}

/* sys.argv[i] (negative counts from the end): a run-time string; sys.argv[k:][i] is sys.argv[k +
 * i], or for i < 0 sys.argv[argc + i] where argc + i >= k (else Python's IndexError, which
 * tyl_argv.c raises for the index argc). sys.argv[j:] of sys.argv[k:], j >= 0 an int known when
 * compiling and no stop or step, is sys.argv[k + j:]. */
value *lw_argv_item(lctx *c, ast *sub, const value *argv)
{
    ast *ix = sub->args.len == 1 ? VEC_AT(sub->args, 0, ast *) : NULL;
    if (ix && ix->kind == A_SLICE && ix->a && !ix->b && !ix->c) {
        value *kv = lw_expr(c, ix->a);
        int64_t k;
        if (kv->kind == V_ERR)
            return kv;
        if (kv->kind == V_SCALAR && lw_is_int_scalar(kv) && ir_expr_const_int(kv->e, &k) && k >= 0 &&
            k < 1000000)
            return argv_from(sub->l, argv->n + (int)k);
    }
    if (!ix || ix->kind == A_SLICE) {
        diag_error(sub->l, "sys.argv is supported indexed by one int (sys.argv[1]), sliced from an "
                           "int (sys.argv[1:]) and in len()");
        return &lw_ERRV;
    }
    value *iv = lw_list_index_int(c, ix);
    if (iv->kind == V_ERR)
        return iv;
    c->prog->uses_argv = 1;
    loc l = sub->l;
    ir_expr *i = ir_cast(l, T_I64, iv->e);
    if (argv->n > 0) {
        ir_stmt *a = ir_stmt_new(S_OS, l);
        a->init = IR_OS_ARGC;
        a->var = lw_temp_scalar(c, T_I64);
        lw_emit(c, a);
        ir_expr *argc = ir_varref(l, a->var), *k = lw_I64(l, argv->n);
        ir_expr *back = ir_bin(l, OP_ADD, T_I64, argc, i, 0); /* argc + i */
        ir_expr *neg = ir_select(l, T_I64, ir_bin(l, OP_CGE, T_BOOL, back, k, 0), back, argc);
        i = ir_select(l, T_I64, ir_bin(l, OP_CGE, T_BOOL, i, lw_I64(l, 0), 0),
                      ir_bin(l, OP_ADD, T_I64, i, k, 0), neg);
    }
    ir_stmt *s = ir_stmt_new(S_OS, l);
    s->init = IR_OS_ARGV;
    s->e = i;
    value *r = lw_str_runtime(l, &s->sbuf);
    lw_emit(c, s);
    return r;
}

/* int(s) or float(s) of a string computed at run time, Python's rules (tyl_argv.c) */
value *lw_str_number(lctx *c, loc l, const char *f, value *x)
{
    ir_stmt *s = ir_stmt_new(S_OS, l);
    s->init = f[0] == 'i' ? IR_OS_STRINT : IR_OS_STRFLOAT;
    s->sbuf = lw_str_build(c, l, x);
    s->var = lw_temp_scalar(c, f[0] == 'i' ? T_I64 : T_F64);
    lw_emit(c, s);
    return lw_scalar(l, ir_varref(l, s->var), 1);
}

/* a == b of strings, one of them computed at run time (sys.argv[1] == "fast") */
value *lw_str_equal(lctx *c, loc l, value *a, value *b)
{
    if (a->kind != V_FSTR) {
        value *t = a;
        a = b;
        b = t;
    }
    ir_stmt *s = ir_stmt_new(S_OS, l);
    s->init = IR_OS_STREQ;
    s->sbuf = lw_str_build(c, l, a);
    if (b->kind == V_STR)
        s->str = b->str;
    else
        s->n = lw_str_build(c, l, b);
    s->var = lw_temp_scalar(c, T_BOOL);
    lw_emit(c, s);
    return lw_scalar(l, ir_varref(l, s->var), 1);
}

/* print(..., file=sys.stderr): the prints between stream 2 and stream 1 go to stderr */
void lw_print_stream(lctx *c, loc l, int fd)
{
    ir_stmt *s = ir_stmt_new(S_OS, l);
    s->init = IR_OS_PRINTTO;
    s->n = fd;
    lw_emit(c, s);
}

/* open(path, mode): a file for writing, its number k in a V_MODULE "os.file" */
static value *file_open(lctx *c, loc l, args *a)
{
    value *path = a->npos > 0 ? a->pos[0] : NULL, *mode = a->npos > 1 ? a->pos[1] : NULL;
    for (int k = 0; k < a->nkw; k++) {
        if (strcmp(a->kwname[k], "mode") == 0 && !mode)
            mode = a->kw[k];
        else if (strcmp(a->kwname[k], "file") == 0 && !path)
            path = a->kw[k];
        else if (strcmp(a->kwname[k], "encoding") != 0 && strcmp(a->kwname[k], "newline") != 0) {
            diag_error(a->kwast[k]->l, "open() takes the path, mode=, encoding= and newline= here, not %s=",
                       a->kwname[k]);
            return &lw_ERRV;
        }
    }
    if (!path || a->npos > 2) {
        diag_error(l, "open() takes the path and a mode");
        return &lw_ERRV;
    }
    const char *m = mode ? (mode->kind == V_STR ? mode->str : NULL) : "r";
    if (m && (!strcmp(m, "r") || !strcmp(m, "rt")))
        return lw_text_open(c, l, path); /* lower_textread.c */
    if (!m || (strcmp(m, "w") && strcmp(m, "a") && strcmp(m, "wt") && strcmp(m, "at"))) {
        diag_error(mode ? mode->l : l, "open() is supported for text: reading (mode 'r') and writing (mode 'w' "
                   "or 'a'), not %s",
                   m ? arena_printf(&util_arena, "mode '%s'", m) : "a mode known only when running");
        return &lw_ERRV;
    }
    if (nfiles >= MAX_FILES) {
        diag_error(l, "more than %d open() calls in a program are not supported", MAX_FILES);
        return &lw_ERRV;
    }
    ir_stmt *s = ir_stmt_new(S_OS, l);
    s->init = m[0] == 'a' ? IR_OS_FAPPEND : IR_OS_FOPEN;
    s->n = ++nfiles;
    if (!path_arg(c, s, "open", path))
        return &lw_ERRV;
    lw_emit(c, s);
    value *f = module(l, "os.file");
    f->n = s->n;
    return f;
}

value *lw_sysos_call(lctx *c, value *fn, ast *call)
{
    const char *f = fn->str;
    loc l = call->l;
    args a = lw_args(c, call);
    if (lw_any_err(&a))
        return &lw_ERRV;
    if (strcmp(f, "open") == 0)
        return file_open(c, l, &a);
    if (strncmp(f, "os.rfile.", 9) == 0)
        return lw_text_file_call(c, l, f + 9, fn->n, &a);
    if (strcmp(f, "os.sdict.get") == 0) {
        value *d = module(l, "os.sdict");
        d->n = fn->n;
        return lw_sdict_get_default(c, l, d, &a);
    }
    if (strcmp(f, "os.file.close") == 0 || strcmp(f, "os.file.flush") == 0) {
        if (a.npos || a.nkw) {
            diag_error(l, "%s() takes no arguments", f + 8);
            return &lw_ERRV;
        }
        if (f[8] == 'c') {
            ir_stmt *s = ir_stmt_new(S_OS, l);
            s->init = IR_OS_FCLOSE;
            s->n = fn->n;
            lw_emit(c, s);
        } else { /* flush: the file chosen as print's stream and stdout again, which writes
                  * nothing (print writes the file at every line already) and stops with Python's
                  * ValueError when it is closed (flush() of a closed file went on) */
            lw_print_stream(c, l, 100 + fn->n);
            lw_print_stream(c, l, 1);
        }
        return lw_vnew(V_NONE, l);
    }
    if (strcmp(f, "sys.exit") == 0) {
        if (a.nkw || a.npos > 1) {
            diag_error(l, "sys.exit() takes at most one positional argument");
            return &lw_ERRV;
        }
        return lw_sys_exit(c, l, a.npos ? a.pos[0] : NULL);
    }
    if (strcmp(f, "sys.stdout.flush") == 0 || strcmp(f, "sys.stderr.flush") == 0) {
        if (a.npos || a.nkw)
            diag_error(l, "%s() takes no arguments", f);
        return lw_vnew(V_NONE, l);
    }
    if (strcmp(f, "os.path.join") == 0)
        return path_join(c, l, &a);
    int op = !strcmp(f, "os.makedirs")      ? IR_OS_MAKEDIRS
             : !strcmp(f, "os.mkdir")       ? IR_OS_MKDIR
             : !strcmp(f, "os.path.exists") ? IR_OS_EXISTS
             : !strcmp(f, "os.path.isdir")  ? IR_OS_ISDIR
                                            : IR_OS_ISFILE;
    int maxpos = op <= IR_OS_MKDIR ? 2 : 1; /* makedirs/mkdir: the path and a mode */
    if (a.npos < 1 || a.npos > maxpos) {
        diag_error(l, "%s() takes the path%s", f, maxpos == 2 ? " and optionally a mode" : " only");
        return &lw_ERRV;
    }
    ir_stmt *s = ir_stmt_new(S_OS, l);
    s->init = op;
    value *mode = a.npos == 2 ? a.pos[1] : NULL;
    for (int k = 0; k < a.nkw; k++) {
        value *kv = a.kw[k];
        int64_t on;
        if (op == IR_OS_MAKEDIRS && strcmp(a.kwname[k], "exist_ok") == 0 && kv->kind == V_SCALAR &&
            ir_expr_const_int(ir_cast(l, T_I64, kv->e), &on)) {
            s->n = on != 0;
            continue;
        }
        if (op <= IR_OS_MKDIR && strcmp(a.kwname[k], "mode") == 0) {
            mode = kv;
            continue;
        }
        diag_error(a.kwast[k]->l, "%s() takes %s", f,
                   op == IR_OS_MAKEDIRS ? "mode= and exist_ok= (True or False, known when compiling) as keywords"
                                        : op == IR_OS_MKDIR ? "mode= as a keyword" : "no keywords");
        return &lw_ERRV;
    }
    /* the folders are made with Python's default mode (0o777, less the umask); another one
     * would be ignored, leaving them more open than the program asked */
    int64_t m;
    if (mode && (mode->kind != V_SCALAR || ir_type_is_float(mode->type) ||
                 !ir_expr_const_int(ir_cast(l, T_I64, mode->e), &m) || m != 0777)) {
        diag_error(mode->l, "%s(): only the default mode (0o777, less the umask) is supported", f);
        return &lw_ERRV;
    }
    if (!path_arg(c, s, f, a.pos[0]))
        return &lw_ERRV;
    if (op <= IR_OS_MKDIR) {
        lw_emit(c, s);
        return lw_vnew(V_NONE, l);
    }
    s->var = lw_temp_scalar(c, T_BOOL);
    lw_emit(c, s);
    return lw_scalar(l, ir_varref(l, s->var), 1);
}
