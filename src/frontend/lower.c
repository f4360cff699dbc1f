/* lower.c: syntax tree -> stencil IR (names, types, shapes, inlining). See lower.h.
 *
 * The lowering is an abstract interpreter over the module: it walks statements in order with an
 * environment mapping Python names to what they hold at that point:
 *   - a scalar variable (an ir_var, its type and, for ints, a symbolic value when static);
 *   - an array slot (an ir_var holding a tyl_array*, with the static shape of its array);
 *   - any other value (views of arrays, tuples, functions, strings, dtypes, modules).
 * Array expressions are built lazily as elementwise trees and become sweeps when assigned.
 * Functions are inlined at each call. Loops are lowered once, after a probe pass that finds
 * which scalar names change type in the body (those then keep Python's int/float type through a
 * tag: dynvar).
 */
#include "lower.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "npy_input.h"
#include "sym.h"

/* ------------------------------------------------------------------------------------------ */
/* Values                                                                                     */

typedef enum vkind {
    V_ERR,     /* a diagnostic was already reported; absorbs further operations */
    V_NONE,
    V_SCALAR,  /* e (scalar expr), type, s (static int value or NULL), weak (Python scalar) */
    V_ARRAY,   /* e (elementwise expr), type, rank, sh[] (static), len[] (run time);
                  fresh = temporary slot holding exactly this value */
    V_TUPLE,   /* items[n] */
    V_STR,     /* str */
    V_FUNC,    /* def, defscope */
    V_LAMBDA,  /* def (the A_LAMBDA), defscope */
    V_MODULE,  /* str = "numpy", "numpy.linalg", "numpy.random", ... */
    V_DTYPE,   /* type */
    V_BUILTIN, /* str = name ("range", "np.zeros", "copy" method...); self = receiver */
    V_SLICE,   /* slice(start, stop, step): items[3], each a scalar or None */
    V_RNG,     /* an np.random.default_rng Generator (n > 0) or np.random.RandomState (n < 0):
                  n = its number in the runtime */
    V_MASKED,  /* self[mask] with a bool array mask of self's shape: self (the indexed view),
                  mask (the bool array), str (the mask's source text). Its shape depends on the
                  data, so it is only an assignment target, the value assigned to a selection with
                  the same mask, or the operand of a reduction */
} vkind;

/* A scalar name that holds an int on some paths and a float on others keeps Python's dynamic
 * type: its int64 and float64 variables (the ones plain bindings of the name use) and a tag
 * saying which holds the value. Once a name needs one in a scope, every int or float assigned
 * to it there goes through it, so loops and branches agree on where the value lives. */
typedef struct dynvar {
    const char *name;
    ir_var *i, *f, *tag; /* tag true: f holds the value */
} dynvar;

typedef struct scope scope;
typedef struct value value;
struct value {
    vkind kind;
    loc l;
    ir_type type;
    ir_expr *e;
    const sym *s;
    int weak;
    int rank;
    const sym *sh[IR_MAX_RANK];
    ir_expr *len[IR_MAX_RANK];
    ir_var *fresh;
    value **items;
    int n;
    const char *str;
    ast *def;
    scope *defscope;
    value *self;
    value *mask;
    dynvar *dyn;       /* V_SCALAR: exactly the current value of this dynvar (e: as a float) */
    int mixed;         /* V_SCALAR: computed from a dynvar's float view (int or float at run time) */
};

typedef enum bkind { B_SCALAR, B_ARRAY, B_VALUE } bkind;

typedef struct binding {
    const char *name;
    bkind kind;
    ir_var *var;                  /* B_SCALAR, B_ARRAY (a dyn scalar: its tag) */
    dynvar *dyn;                  /* B_SCALAR of changing type, else NULL */
    const sym *s;                 /* B_SCALAR */
    int weak;                     /* B_SCALAR */
    const sym *sh[IR_MAX_RANK];   /* B_ARRAY */
    value *val;                   /* B_VALUE */
} binding;

struct scope {
    scope *parent;
    vec binds;          /* binding* */
    vec vars;           /* ir_var* owned by this scope (reused per name, type and rank) */
    vec locals;         /* const char*: names local to a function scope; unused at module */
    vec dyns;           /* dynvar*: names of this scope that have changed type */
    int is_function;
    const char *prefix; /* C-name prefix of this inlining instance */
    vec globals;        /* const char*: names a function declares `global` (bound at module level) */
};

/* A string -> int hash map in util_arena (open addressing; never shrinks). */
typedef struct strmap {
    const char **keys;
    int *vals;
    int cap, n;
} strmap;

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The slot of key: where it is, or the empty slot where it would go. */
static int strmap_slot(const strmap *m, const char *key)
{
    int i = (int)(str_hash(key) & (uint64_t)(m->cap - 1));
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static int strmap_get(const strmap *m, const char *key, int dflt)
{
    if (!m->cap)
        return dflt;
    int i = strmap_slot(m, key);
    return m->keys[i] ? m->vals[i] : dflt;
}

static void strmap_put(strmap *m, const char *key, int val)
{
    if (2 * (m->n + 1) > m->cap) {
        strmap old = *m;
        m->cap = old.cap ? 2 * old.cap : 64;
        m->keys = NEWN(const char *, m->cap);
        m->vals = NEWN(int, m->cap);
        m->n = 0;
        for (int i = 0; i < old.cap; i++)
            if (old.keys[i])
                strmap_put(m, old.keys[i], old.vals[i]);
    }
    int i = strmap_slot(m, key);
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->n++;
    }
    m->vals[i] = val;
}

typedef struct lctx {
    ir_program *prog;
    vec *out;           /* statements being emitted */
    vec global_writes;  /* const char*: module names some function assigns through `global` */
    scope *sc;
    scope *module;
    vec pending;        /* ir_var* slots to release after the current statement */
    vec inlining;       /* ast* A_DEF being inlined (recursion check) */
    vec names;          /* const char*: C names in use (a probe's are dropped by snap_rewind) */
    strmap name_at;     /* C name -> its index in names (stale when past names.len) */
    strmap next_suffix; /* base name -> the k to try first for base_k */
    int loops;
    vec params;         /* const char*: names that are parameters */
    long work;          /* statements and expressions lowered for top, probes included */
    int exhausted;      /* work passed LOWER_WORK_LIMIT: the rest is skipped */
    ast *top;           /* the module-level statement being lowered */
} lctx;

/* Functions are inlined at every call and loop bodies are lowered several times (probes), so
 * the work can grow exponentially in the nesting of calls and loops (f calling g twice calling
 * h twice ...). Past this many steps for one module-level statement the lowering stops with an
 * error instead of running for hours or exhausting memory; real statements take at most a few
 * thousand. Copying the bindings for a
 * loop's snapshot counts too (one step per 8 bindings). */
enum { LOWER_WORK_LIMIT = 250000 };

/* Count one step of lowering; returns 0 (after reporting once) when the budget is spent. */
static int lower_step(lctx *c)
{
    if (c->exhausted)
        return 0;
    if (++c->work <= LOWER_WORK_LIMIT)
        return 1;
    c->exhausted = 1;
    int old = diag_suppress(0); /* reported even from inside a loop probe */
    diag_error(c->top ? c->top->l : (loc){0},
               "this statement is too large to compile: lowering it takes more than %d steps",
               LOWER_WORK_LIMIT);
    diag_note((loc){0}, "every call is inlined and every loop body is lowered at least twice, so "
                        "deeply nested calls or loops grow exponentially");
    diag_suppress(old);
    return 0;
}

static value *lower_expr(lctx *c, ast *a);
static void lower_block(lctx *c, vec *stmts);
static void lower_stmt(lctx *c, ast *s);

static value ERRV = {.kind = V_ERR};

static value *vnew(vkind k, loc l)
{
    value *v = NEW(value);
    v->kind = k;
    v->l = l;
    return v;
}

static ir_expr *I64(loc l, int64_t x) { return ir_const_i(l, T_I64, x); }

static void emit(lctx *c, ir_stmt *s) { vec_push(c->out, s); }

static const char *vkind_desc(value *v)
{
    switch (v->kind) {
    case V_SCALAR: return v->type == T_BOOL ? "a bool" : ir_type_is_float(v->type) ? "a float" : "an int";
    case V_ARRAY: return "an array";
    case V_TUPLE: return "a tuple";
    case V_STR: return "a string";
    case V_FUNC: return "a function";
    case V_LAMBDA: return "a lambda";
    case V_MODULE: return "a module";
    case V_RNG: return "a random Generator";
    case V_DTYPE: return "a dtype";
    case V_BUILTIN: return "a built-in function";
    case V_NONE: return "None";
    case V_MASKED: return "a boolean-mask selection (its shape depends on the data)";
    case V_SLICE: return "a slice";
    case V_ERR: return "an error";
    }
    return "?";
}

/* ------------------------------------------------------------------------------------------ */
/* C names                                                                                    */

static const char *reserved[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while", "bool", "true", "false", "NULL", "main",
    "NAN", "INFINITY", "HUGE_VAL", "EOF", "stdin", "stdout", "stderr", "errno", "assert",
    "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t",
    "size_t", "ptrdiff_t", "abs", "exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "floor",
    "ceil", "fmod", "pow", "fabs", "round", "trunc", "isnan", "isinf", "signbit", "copysign",
    "M_PI", "M_E", "y0", "y1", "yn", "j0", "j1", "jn", "gamma", "remainder", "nan",
    "MPI_COMM_WORLD", "argc", "argv", "params",
    /* the CUDA back end is compiled as C++: its keywords and CUDA's built-in names */
    "new", "delete", "this", "template", "typename", "namespace", "using", "operator", "private",
    "public", "protected", "virtual", "friend", "explicit", "export", "mutable", "throw", "catch",
    "try", "nullptr", "typeid", "constexpr", "consteval", "constinit", "decltype", "noexcept",
    "concept", "requires", "asm", "std", "alignas", "alignof", "thread_local", "static_assert",
    "static_cast", "dynamic_cast", "const_cast", "reinterpret_cast", "wchar_t", "char8_t",
    "char16_t", "char32_t", "co_await", "co_return", "co_yield", "threadIdx", "blockIdx",
    "blockDim", "gridDim", "warpSize", "dim3", "min", "max",
    NULL,
};

static const char *cname(lctx *c, const char *base)
{
    strbuf b = {0};
    for (const char *p = base; *p; p++)
        sb_putc(&b, (char)((*p == '.' || *p == ' ') ? '_' : *p));
    const char *s = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    int bad = s[0] == '_' || strncmp(s, "tyl", 3) == 0 || strncmp(s, "TYL", 3) == 0 ||
              strncmp(s, "MPI", 3) == 0 || strncmp(s, "omp", 3) == 0;
    for (const char **r = reserved; *r && !bad; r++)
        if (strcmp(*r, s) == 0)
            bad = 1;
    if (bad)
        s = arena_printf(&util_arena, "v_%s", s);
    /* Unique among the names in use: s, else s_2, s_3, ... Both lookups are hashed (a
     * program inlines thousands of calls, each naming its temporaries "t"): a name is in use
     * if its recorded index is still below names.len and holds it (a probe's names are
     * dropped by truncating the vector), and the suffixes of s are tried from where the
     * last search stopped (a few numbers freed by a probe are not reused; that is harmless). */
    const char *cand = s;
    int k = strmap_get(&c->next_suffix, s, 2);
    for (;;) {
        int at = strmap_get(&c->name_at, cand, -1);
        if (at < 0 || at >= c->names.len || strcmp(VEC_AT(c->names, at, const char *), cand) != 0)
            break;
        cand = arena_printf(&util_arena, "%s_%d", s, k++);
    }
    if (cand != s)
        strmap_put(&c->next_suffix, s, k);
    strmap_put(&c->name_at, cand, c->names.len);
    vec_push(&c->names, (void *)cand);
    return cand;
}

/* ------------------------------------------------------------------------------------------ */
/* Scopes                                                                                     */

static int name_in(vec *names, const char *n)
{
    for (int i = 0; i < names->len; i++)
        if (strcmp(VEC_AT(*names, i, const char *), n) == 0)
            return 1;
    return 0;
}

static binding *find_in(scope *s, const char *name)
{
    for (int i = s->binds.len - 1; i >= 0; i--) {
        binding *b = VEC_AT(s->binds, i, binding *);
        if (strcmp(b->name, name) == 0)
            return b;
    }
    return NULL;
}

/* The binding a name refers to: a function's locals are local for the whole function body
 * (Python's rule), everything else resolves in the enclosing scopes. */
static binding *lookup(lctx *c, const char *name, int *unbound_local)
{
    *unbound_local = 0;
    for (scope *s = c->sc; s; s = s->parent) {
        binding *b = find_in(s, name);
        if (b)
            return b;
        if (s->is_function && name_in(&s->locals, name)) {
            *unbound_local = 1;
            return NULL;
        }
    }
    return NULL;
}

/* The scope a name is bound in: the current one, or the module's for a name the enclosing
 * function declares `global` (its variable is then the module's too). */
static scope *binding_scope(lctx *c, const char *name)
{
    scope *sc = c->sc;
    for (scope *f = sc; f; f = f->parent)
        if (f->is_function) {
            if (name_in(&f->globals, name))
                while (sc->parent)
                    sc = sc->parent;
            break;
        }
    return sc;
}

static binding *bind(lctx *c, const char *name)
{
    scope *sc = binding_scope(c, name);
    binding *b = find_in(sc, name);
    if (!b) {
        b = NEW(binding);
        b->name = name;
        vec_push(&sc->binds, b);
    }
    memset(&b->var, 0, sizeof *b - offsetof(binding, var));
    return b;
}

/* The variable of this scope for a name, type and rank (one C variable each). */
static scope *binding_scope(lctx *c, const char *name);

static ir_var *scope_var(lctx *c, const char *name, ir_type t, int rank, int is_array)
{
    scope *sc = binding_scope(c, name);
    for (int i = 0; i < sc->vars.len; i++) {
        ir_var *v = VEC_AT(sc->vars, i, ir_var *);
        if (strcmp(v->pyname, name) == 0 && v->type == t && v->rank == rank &&
            v->is_array == (unsigned)is_array)
            return v;
    }
    const char *base = sc->prefix ? arena_printf(&util_arena, "%s_%s", sc->prefix, name) : name;
    ir_var *v = ir_var_new(c->prog, cname(c, base), name, t, rank, is_array);
    vec_push(&sc->vars, v);
    return v;
}

static ir_var *temp_slot(lctx *c, ir_type t, int rank)
{
    ir_var *v = ir_var_new(c->prog, cname(c, "tmp"), "<temporary>", t, rank, 1);
    vec_push(&c->pending, v);
    return v;
}

static ir_var *temp_scalar(lctx *c, ir_type t)
{
    return ir_var_new(c->prog, cname(c, "t"), "<temporary>", t, 0, 0);
}

/* Snapshot of a scope's bindings (for branches and loop probes). */
typedef struct snapshot {
    vec binds;
    int nvars, nnames, nprogvars, npending, ndyns;
} snapshot;

static snapshot snap_take(lctx *c)
{
    snapshot s = {0};
    c->work += c->sc->binds.len / 8;
    for (int i = 0; i < c->sc->binds.len; i++) {
        binding *b = NEW(binding);
        *b = *VEC_AT(c->sc->binds, i, binding *);
        vec_push(&s.binds, b);
    }
    s.nvars = c->sc->vars.len;
    s.nnames = c->names.len;
    s.nprogvars = c->prog->nvars;
    s.npending = c->pending.len;
    s.ndyns = c->sc->dyns.len;
    return s;
}

static void snap_restore_binds(lctx *c, snapshot *s)
{
    vec nb = {0};
    for (int i = 0; i < s->binds.len; i++) {
        binding *b = NEW(binding);
        *b = *VEC_AT(s->binds, i, binding *);
        vec_push(&nb, b);
    }
    c->sc->binds = nb;
}

/* Forget everything a probe created (names, variables), as if it never ran. */
static void snap_rewind(lctx *c, snapshot *s)
{
    snap_restore_binds(c, s);
    c->sc->vars.len = s->nvars;
    c->names.len = s->nnames;
    c->prog->nvars = s->nprogvars;
    c->pending.len = s->npending;
    c->sc->dyns.len = s->ndyns;
}

/* Names assigned anywhere in a statement list (not inside nested defs). */
static void target_names(ast *t, vec *out)
{
    if (!t)
        return;
    if (t->kind == A_NAME) {
        if (!name_in(out, t->name))
            vec_push(out, (void *)t->name);
    } else if (t->kind == A_TUPLE || t->kind == A_LIST) {
        for (int i = 0; i < t->args.len; i++)
            target_names(VEC_AT(t->args, i, ast *), out);
    }
}

/* Names declared `global` anywhere in a function body (not in nested defs). */
static void declared_globals(vec *stmts, vec *out)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind == A_GLOBAL)
            for (int k = 0; k < s->args.len; k++) {
                ast *n = VEC_AT(s->args, k, ast *);
                if (!name_in(out, n->name))
                    vec_push(out, (void *)n->name);
            }
        if (s->kind == A_IF || s->kind == A_FOR || s->kind == A_WHILE) {
            declared_globals(&s->body, out);
            declared_globals(&s->orelse, out);
        }
    }
}

static void assigned_names(vec *stmts, vec *out)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        switch (s->kind) {
        case A_ASSIGN:
            for (int k = 0; k < s->targets.len; k++)
                target_names(VEC_AT(s->targets, k, ast *), out);
            break;
        case A_AUGASSIGN: target_names(s->b, out); break;
        case A_FOR:
            target_names(s->b, out);
            assigned_names(&s->body, out);
            break;
        case A_WHILE: assigned_names(&s->body, out); break;
        case A_IF:
            assigned_names(&s->body, out);
            assigned_names(&s->orelse, out);
            break;
        case A_DEF:
            if (!name_in(out, s->name))
                vec_push(out, (void *)s->name);
            break;
        case A_IMPORT:
            if (!name_in(out, s->str ? s->str : s->name))
                vec_push(out, (void *)(s->str ? s->str : s->name));
            break;
        default: break;
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Folding helpers for index arithmetic (keeps generated code and dumps readable)             */

static ir_expr *iadd(loc l, ir_expr *a, ir_expr *b)
{
    int64_t x, y, r;
    if (ir_expr_const_int(a, &x) && ir_expr_const_int(b, &y) && !__builtin_add_overflow(x, y, &r))
        return I64(l, r);
    if (ir_expr_const_int(a, &x) && x == 0)
        return b;
    if (ir_expr_const_int(b, &y) && y == 0)
        return a;
    return ir_bin(l, OP_ADD, T_I64, a, b, 0);
}

static ir_expr *imul(loc l, ir_expr *a, ir_expr *b)
{
    int64_t x, y, r;
    if (ir_expr_const_int(a, &x) && ir_expr_const_int(b, &y) && !__builtin_mul_overflow(x, y, &r))
        return I64(l, r);
    if (ir_expr_const_int(a, &x) && x == 1)
        return b;
    if (ir_expr_const_int(b, &y) && y == 1)
        return a;
    if ((ir_expr_const_int(a, &x) && x == 0) || (ir_expr_const_int(b, &y) && y == 0))
        return I64(l, 0);
    return ir_bin(l, OP_MUL, T_I64, a, b, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Shapes                                                                                     */

static const char *shape_str(int rank, const sym *const *sh)
{
    strbuf b = {0};
    sb_putc(&b, '(');
    for (int d = 0; d < rank; d++)
        sb_printf(&b, "%s%s", d ? ", " : "", sym_str(sh[d]));
    sb_puts(&b, rank == 1 ? ",)" : ")");
    const char *s = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    return s;
}

/* 1: provably equal, 0: provably different, -1: unknown at compile time. */
static int sym_cmp(const sym *a, const sym *b)
{
    if (sym_equal(a, b))
        return 1;
    const sym *d = sym_sub(a, b);
    int64_t k;
    if (d && sym_is_const(d, &k))
        return k == 0;
    return -1;
}

static int is_one(const sym *s)
{
    int64_t k;
    return sym_is_const(s, &k) && k == 1;
}

/* Rewrite the box dimensions of an elementwise tree: dimension b becomes b + shift, or -1
 * (broadcast) when bit b of bcast is set. Returns a new tree; the input is not modified. */
static ir_expr *remap(ir_expr *e, int shift, unsigned bcast)
{
    if (!e || (shift == 0 && bcast == 0))
        return e;
    switch (e->kind) {
    case E_READ: {
        ir_view *v = ir_view_clone(e->view);
        for (int d = 0; d < v->rank; d++) {
            ir_dim *m = &v->dim[d];
            if (m->kind != D_RANGE || m->box < 0)
                continue;
            m->box = (bcast >> m->box) & 1 ? -1 : m->box + shift;
        }
        return ir_read(e->l, v);
    }
    case E_INDEX:
        if ((bcast >> e->dim) & 1)
            return ir_cast(e->l, e->type, I64(e->l, 0));
        return ir_index(e->l, e->type, e->dim + shift);
    case E_CONST:
    case E_VAR:
    case E_SHAPE:
    case E_ELEM: return e;
    default: {
        ir_expr *r = NEW(ir_expr);
        *r = *e;
        r->a = remap(e->a, shift, bcast);
        r->b = remap(e->b, shift, bcast);
        r->cc = remap(e->cc, shift, bcast);
        if (e->nargs && e->kind == E_CALL) {
            r->args = NEWN(ir_expr *, e->nargs);
            for (int i = 0; i < e->nargs; i++)
                r->args[i] = remap(e->args[i], shift, bcast);
        }
        return r;
    }
    }
}

static ir_stmt *check_stmt(loc l, ir_check k, int na, ir_expr **a, int nb, ir_expr **b)
{
    ir_stmt *s = ir_stmt_new(S_CHECK, l);
    s->check = k;
    s->na = na;
    s->nb = nb;
    s->args = NEWN(ir_expr *, na + nb + 1);
    for (int i = 0; i < na; i++)
        s->args[i] = a[i];
    for (int i = 0; i < nb; i++)
        s->args[na + i] = b[i];
    return s;
}

/* ------------------------------------------------------------------------------------------ */
/* Array values                                                                               */

static value *slot_value(loc l, ir_var *slot, const sym *const *sh)
{
    value *v = vnew(V_ARRAY, l);
    v->type = slot->type;
    v->rank = slot->rank;
    ir_view *vw = ir_view_full(l, slot);
    for (int d = 0; d < slot->rank; d++) {
        vw->dim[d].slo = sym_const(0);
        vw->dim[d].slen = sh ? sh[d] : NULL;
        vw->dim[d].aext = sh ? sh[d] : NULL;
        v->sh[d] = sh ? sh[d] : NULL;
        v->len[d] = vw->dim[d].len;
    }
    v->e = ir_read(l, vw);
    return v;
}

/* The value is exactly one whole array held in a slot. */
static ir_var *whole_slot(value *v)
{
    if (v->kind != V_ARRAY || v->e->kind != E_READ)
        return NULL;
    ir_view *w = v->e->view;
    for (int d = 0; d < w->rank; d++) {
        ir_dim *m = &w->dim[d];
        int64_t k;
        if (m->kind != D_RANGE || m->box != d || !ir_expr_const_int(m->lo, &k) || k != 0 ||
            m->step_c != 1 || m->len->kind != E_SHAPE || m->len->var != w->arr || m->len->dim != d)
            return NULL;
    }
    return w->arr;
}

static void emit_sweep(lctx *c, loc l, value *target, value *rv, int fresh);

/* Compute an array value into a new temporary slot; returns the whole-slot value. */
static value *materialize(lctx *c, value *v)
{
    if (v->kind != V_ARRAY || v->fresh)
        return v;
    ir_var *t = temp_slot(c, v->type, v->rank);
    ir_stmt *s = ir_stmt_new(S_ALLOC, v->l);
    s->var = t;
    s->shape = NEWN(ir_expr *, v->rank);
    for (int d = 0; d < v->rank; d++)
        s->shape[d] = v->len[d];
    s->init = 0;
    emit(c, s);
    value *tv = slot_value(v->l, t, v->sh);
    emit_sweep(c, v->l, tv, v, 1);
    tv->fresh = t;
    return tv;
}

/* NumPy 2 promotion. Python scalars (weak) take the array's type when their kind fits. */
static int kind_of(ir_type t) { return t == T_BOOL ? 0 : ir_type_is_int(t) ? 1 : 2; }

static ir_type promote2(ir_type a, ir_type b)
{
    if (a == b)
        return a;
    int ka = kind_of(a), kb = kind_of(b);
    if (ka == 0)
        return b;
    if (kb == 0)
        return a;
    if (ka == kb)
        return a > b ? a : b;
    /* int with float: int32 + float32 and int64 + float32 are float64 in NumPy */
    return T_F64;
}

static ir_type promote_vals(value *a, value *b)
{
    int wa = a->kind == V_SCALAR && a->weak, wb = b->kind == V_SCALAR && b->weak;
    if (wa && wb) {
        int k = kind_of(a->type) > kind_of(b->type) ? kind_of(a->type) : kind_of(b->type);
        return k == 0 ? T_BOOL : k == 1 ? T_I64 : T_F64;
    }
    if (wa || wb) {
        value *w = wa ? a : b, *s = wa ? b : a;
        if (kind_of(w->type) <= kind_of(s->type))
            return s->type;
        return kind_of(w->type) == 1 ? T_I64 : T_F64;
    }
    return promote2(a->type, b->type);
}

/* Broadcast two operands: result rank, shape; per-operand shifts and broadcast masks.
 * Reports provable mismatches (returns 0) and emits run-time checks for unknown ones. */
static int broadcast(lctx *c, loc l, value *a, value *b, value *r, int *sa, unsigned *ma, int *sb,
                     unsigned *mb)
{
    int ra = a->kind == V_ARRAY ? a->rank : 0, rb = b->kind == V_ARRAY ? b->rank : 0;
    int R = ra > rb ? ra : rb;
    *sa = R - ra;
    *sb = R - rb;
    *ma = *mb = 0;
    int need_check = 0;
    r->rank = R;
    for (int j = 0; j < R; j++) {
        int da = j - *sa, db = j - *sb;
        if (da < 0) {
            r->sh[j] = b->sh[db];
            r->len[j] = b->len[db];
            continue;
        }
        if (db < 0) {
            r->sh[j] = a->sh[da];
            r->len[j] = a->len[da];
            continue;
        }
        const sym *x = a->sh[da], *y = b->sh[db];
        int cmp = sym_cmp(x, y);
        if (cmp == 1 || (is_one(x) && is_one(y))) {
            r->sh[j] = x;
            r->len[j] = a->len[da];
        } else if (is_one(x)) {
            *ma |= 1u << da;
            r->sh[j] = y;
            r->len[j] = b->len[db];
        } else if (is_one(y)) {
            *mb |= 1u << db;
            r->sh[j] = x;
            r->len[j] = a->len[da];
        } else if (cmp == 0) {
            diag_error(b->l, "operands could not be broadcast together with shapes %s and %s",
                       shape_str(a->rank, a->sh), shape_str(b->rank, b->sh));
            diag_note(a->l, "left operand has shape %s", shape_str(a->rank, a->sh));
            return 0;
        } else {
            need_check = 1;
            r->sh[j] = x ? x : y;
            r->len[j] = a->len[da];
        }
    }
    if (need_check)
        emit(c, check_stmt(l, CK_BCAST, a->rank, a->len, b->rank, b->len));
    return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Scalars                                                                                    */

static value *scalar(loc l, ir_expr *e, int weak)
{
    value *v = vnew(V_SCALAR, l);
    v->e = e;
    v->type = e->type;
    v->weak = weak;
    int64_t k;
    if (ir_expr_const_int(e, &k) && e->type != T_BOOL)
        v->s = sym_const(k);
    return v;
}

static int is_int_scalar(value *v)
{
    return v->kind == V_SCALAR && (ir_type_is_int(v->type) || v->type == T_BOOL);
}

/* Integer value of a scalar for indexing: int or bool; error otherwise. */
static ir_expr *int_operand(value *v, const char *what)
{
    if (v->kind == V_ERR)
        return NULL;
    if (!is_int_scalar(v)) {
        diag_error(v->l, "%s must be an integer, not %s", what, vkind_desc(v));
        return NULL;
    }
    return ir_cast(v->l, T_I64, v->e);
}

/* Python scalar binary operation (CPython semantics, folded when both are constants). */
static value *py_binop(lctx *c, loc l, ir_op op, value *a, value *b)
{
    (void)c;
    int isf = ir_type_is_float(a->type) || ir_type_is_float(b->type);
    int weak = a->weak && b->weak;
    int npsem = !weak; /* a NumPy scalar operand: NumPy semantics (inf instead of errors) */
    ir_type t;
    if (op >= OP_CLT && op <= OP_CNE) {
        ir_type ct = isf ? T_F64 : T_I64;
        if (!isf && a->type == T_BOOL && b->type == T_BOOL)
            ct = T_BOOL;
        ir_expr *x = ir_cast(l, ct, a->e), *y = ir_cast(l, ct, b->e);
        int64_t p, q;
        if (ct != T_F64 && ir_expr_const_int(x, &p) && ir_expr_const_int(y, &q)) {
            int r = op == OP_CLT ? p < q : op == OP_CLE ? p <= q : op == OP_CGT ? p > q :
                    op == OP_CGE ? p >= q : op == OP_CEQ ? p == q : p != q;
            return scalar(l, ir_const_i(l, T_BOOL, r), 1);
        }
        return scalar(l, ir_bin(l, op, T_BOOL, x, y, 1), 1);
    }
    if (op == OP_BAND || op == OP_BOR || op == OP_BXOR) {
        if (isf) {
            diag_error(l, "unsupported operand type(s) for %s: 'float'", ir_op_name(op));
            return &ERRV;
        }
        t = (a->type == T_BOOL && b->type == T_BOOL) ? T_BOOL : T_I64;
        return scalar(l, ir_bin(l, op, t, ir_cast(l, t, a->e), ir_cast(l, t, b->e), 1), weak);
    }
    if (op == OP_TRUEDIV)
        t = T_F64;
    else if (isf)
        t = T_F64;
    else if (op == OP_POWER) {
        int64_t k;
        if (ir_expr_const_int(b->e, &k) && k < 0)
            t = T_F64;
        else
            t = T_I64;
    } else
        t = T_I64;
    if (!weak) {
        /* NumPy scalar arithmetic keeps the array dtype (np.float64 stays float64). */
        ir_type pt = promote_vals(a, b);
        if (op == OP_TRUEDIV && !ir_type_is_float(pt))
            pt = T_F64;
        t = (op == OP_TRUEDIV || kind_of(pt) >= kind_of(t)) ? pt : t;
    }
    /* Python's int / int divides the ints as doubles (exact below 2**53); the rest in the result type */
    ir_type opt = (op == OP_TRUEDIV && !isf && weak) ? T_I64 : t;
    ir_expr *x = ir_cast(l, opt, a->e), *y = ir_cast(l, opt, b->e);
    /* Fold integer constants (exact, same semantics as the run time). A result that does not
     * fit in 64 bits is an error: Python's int would be exact, the run time would wrap. */
    int64_t p, q;
    if (t == T_I64 && ir_expr_const_int(x, &p) && ir_expr_const_int(y, &q)) {
        int ok = 1, overflow = 0;
        int64_t r = 0;
        switch (op) {
        case OP_ADD: overflow = __builtin_add_overflow(p, q, &r); break;
        case OP_SUB: overflow = __builtin_sub_overflow(p, q, &r); break;
        case OP_MUL: overflow = __builtin_mul_overflow(p, q, &r); break;
        case OP_FDIV:
            if (q == 0) { ok = 0; break; }
            if (q == -1) { overflow = __builtin_sub_overflow((int64_t)0, p, &r); break; }
            r = p / q;
            if ((p % q != 0) && ((p < 0) != (q < 0))) r--;
            break;
        case OP_MOD:
            if (q == 0) { ok = 0; break; }
            if (q == -1) { r = 0; break; }
            r = p % q;
            if (r != 0 && ((r < 0) != (q < 0))) r += q;
            break;
        case OP_POWER:
            /* q < 0 made t float above; square-and-multiply stops at the first overflow */
            if (q < 0) { ok = 0; break; }
            r = 1;
            for (int64_t e = q, base = p; e > 0 && !overflow; e >>= 1) {
                if (e & 1)
                    overflow = __builtin_mul_overflow(r, base, &r);
                if (e > 1 && !overflow)
                    overflow = __builtin_mul_overflow(base, base, &base);
            }
            break;
        default: ok = 0;
        }
        if (ok && overflow) {
            diag_error(l, "integer overflow: %lld %s %lld does not fit in tylesc's 64-bit integers",
                       (long long)p, ir_op_name(op), (long long)q);
            return &ERRV;
        }
        if (ok) {
            value *v = scalar(l, I64(l, r), weak);
            return v;
        }
        if (op == OP_FDIV || op == OP_MOD) {
            diag_error(l, "integer division or modulo by zero");
            return &ERRV;
        }
    }
    /* int / int operands are int constants here (opt): their value is c.i, not c.f */
    double fx = 0, fy = 0;
    if (x->kind == E_CONST && y->kind == E_CONST) {
        fx = ir_type_is_float(x->type) ? x->c.f : (double)x->c.i;
        fy = ir_type_is_float(y->type) ? y->c.f : (double)y->c.i;
    }
    if (ir_type_is_float(t) && x->kind == E_CONST && y->kind == E_CONST &&
        (op == OP_ADD || op == OP_SUB || op == OP_MUL || (op == OP_TRUEDIV && fy != 0.0))) {
        double f = op == OP_ADD ? fx + fy : op == OP_SUB ? fx - fy : op == OP_MUL ? fx * fy : fx / fy;
        if (t == T_F32)
            f = (float)f;
        return scalar(l, ir_const_f(l, t, f), weak);
    }
    ir_expr *e = ir_bin(l, op, t, x, y, !npsem);
    value *v = scalar(l, e, weak);
    /* Symbolic integer values for shape reasoning. */
    if (t == T_I64 && a->s && b->s) {
        if (op == OP_ADD)
            v->s = sym_add(a->s, b->s);
        else if (op == OP_SUB)
            v->s = sym_sub(a->s, b->s);
        else if (op == OP_MUL)
            v->s = sym_mul(a->s, b->s);
        if (!v->s)
            v->s = sym_opaque(ir_op_name(op), a->s, b->s);
    }
    return v;
}

/* ------------------------------------------------------------------------------------------ */
/* Elementwise operations                                                                     */

static ir_expr *ew_leaf(value *v, ir_type t, int shift, unsigned mask)
{
    return ir_cast(v->l, t, v->kind == V_ARRAY ? remap(v->e, shift, mask) : v->e);
}

static value *ew_binop(lctx *c, loc l, ir_op op, value *a, value *b)
{
    value *r = vnew(V_ARRAY, l);
    int sa, sb;
    unsigned ma, mb;
    if (!broadcast(c, l, a, b, r, &sa, &ma, &sb, &mb))
        return &ERRV;
    ir_type ct = promote_vals(a, b);
    ir_type rt = ct;
    if (op == OP_TRUEDIV && !ir_type_is_float(ct))
        ct = rt = T_F64;
    if (op >= OP_CLT && op <= OP_CNE)
        rt = T_BOOL;
    if ((op == OP_BAND || op == OP_BOR || op == OP_BXOR) && ir_type_is_float(ct)) {
        diag_error(l, "ufunc '%s' not supported for float arrays (use it on boolean or integer arrays)",
                   op == OP_BAND ? "bitwise_and" : op == OP_BOR ? "bitwise_or" : "bitwise_xor");
        return &ERRV;
    }
    if ((op == OP_SUB) && ct == T_BOOL) {
        diag_error(l, "numpy boolean subtract, the '-' operator, is not supported");
        return &ERRV;
    }
    if (op == OP_ADD && ct == T_BOOL)
        op = OP_BOR;
    if (op == OP_MUL && ct == T_BOOL)
        op = OP_BAND;
    ir_expr *x = ew_leaf(a, ct, sa, ma), *y = ew_leaf(b, ct, sb, mb);
    r->type = rt;
    if (op == OP_POWER && b->kind == V_SCALAR && b->e->kind == E_CONST && a->kind == V_ARRAY) {
        /* NumPy's fast paths for scalar exponents (array ** 2 is square, ** 0.5 is sqrt). */
        double k = ir_type_is_float(b->e->type) ? b->e->c.f : (double)b->e->c.i;
        if (k == 2.0) {
            r->e = ir_bin(l, OP_MUL, rt, x, x, 0);
            return r;
        }
        if (k == 1.0) {
            r->e = x;
            return r;
        }
        if (ir_type_is_float(ct) && k == 0.5) {
            ir_expr **args = NEWN(ir_expr *, 1);
            args[0] = x;
            r->e = ir_call(l, FN_SQRT, rt, 1, args);
            return r;
        }
        if (ir_type_is_float(ct) && k == -1.0) {
            r->e = ir_bin(l, OP_TRUEDIV, rt, ir_cast(l, rt, I64(l, 1)), x, 0);
            return r;
        }
    }
    r->e = ir_bin(l, op, rt, x, y, 0);
    return r;
}

static value *binop(lctx *c, loc l, ir_op op, value *a, value *b)
{
    if (a->kind == V_ERR || b->kind == V_ERR)
        return &ERRV;
    if (a->kind == V_STR && b->kind == V_STR && (op == OP_CEQ || op == OP_CNE)) {
        int eq = strcmp(a->str, b->str) == 0;
        return scalar(l, ir_const_i(l, T_BOOL, op == OP_CEQ ? eq : !eq), 1);
    }
    int ok_a = a->kind == V_SCALAR || a->kind == V_ARRAY, ok_b = b->kind == V_SCALAR || b->kind == V_ARRAY;
    if (!ok_a || !ok_b) {
        value *bad = ok_a ? b : a;
        diag_error(bad->l, "unsupported operand for '%s': %s", ir_op_name(op), vkind_desc(bad));
        return &ERRV;
    }
    if (a->kind == V_SCALAR && b->kind == V_SCALAR) {
        if (op == OP_NPMIN || op == OP_NPMAX) { /* np.minimum of scalars: a NumPy scalar */
            ir_type t = promote_vals(a, b);
            return scalar(l, ir_bin(l, op, t, ir_cast(l, t, a->e), ir_cast(l, t, b->e), 0), 0);
        }
        value *r = py_binop(c, l, op, a, b);
        if (r->kind == V_SCALAR && (a->mixed || b->mixed) && r->type != T_BOOL) {
            r = scalar(r->l, r->e, r->weak); /* a fresh value: constants are shared */
            r->mixed = 1;
        }
        return r;
    }
    value *sc = a->kind == V_SCALAR ? a : b, *ar = a->kind == V_SCALAR ? b : a;
    if (sc->mixed && !ir_type_is_float(ar->type)) {
        diag_error(sc->l, "this value is an int or a float depending on the path taken, so the "
                          "dtype of the %s result would too; convert it with float() or int()",
                   ir_type_name(ar->type));
        return &ERRV;
    }
    return ew_binop(c, l, op, a, b);
}

static value *unop(lctx *c, loc l, ir_op op, value *a)
{
    (void)c;
    if (a->kind == V_ERR)
        return &ERRV;
    if (a->kind != V_SCALAR && a->kind != V_ARRAY) {
        diag_error(a->l, "bad operand for unary '%s': %s", ir_op_name(op), vkind_desc(a));
        return &ERRV;
    }
    ir_type t = a->type;
    if (op == OP_LNOT) {
        if (a->kind == V_ARRAY) {
            diag_error(l, "the truth value of an array is ambiguous; use ~ for elementwise not");
            return &ERRV;
        }
        ir_expr *z = ir_type_is_float(t) ? ir_const_f(l, t, 0.0) : ir_const_i(l, t, 0);
        return scalar(l, ir_bin(l, OP_CEQ, T_BOOL, a->e, z, 1), 1);
    }
    if (op == OP_ABS && a->kind == V_ARRAY) {
        value *r = vnew(V_ARRAY, l);
        *r = *a;
        r->l = l;
        r->fresh = NULL;
        r->e = t == T_BOOL ? a->e : ir_un(l, OP_ABS, t, a->e);
        return r;
    }
    if (op == OP_BNOT && ir_type_is_float(t)) {
        diag_error(l, "ufunc 'invert' not supported for float values");
        return &ERRV;
    }
    if (a->kind == V_SCALAR && t == T_BOOL && op != OP_BNOT) {
        t = T_I64; /* -True is -1 in Python */
    }
    if (a->kind == V_SCALAR && t == T_BOOL && op == OP_BNOT && a->weak)
        t = T_I64; /* ~True is -2 in Python */
    ir_expr *x = ir_cast(l, t, a->e);
    value *r;
    if (a->kind == V_SCALAR) {
        int64_t k;
        if (op == OP_NEG && ir_expr_const_int(x, &k) && k == INT64_MIN) {
            diag_error(l, "integer overflow: -(%lld) does not fit in tylesc's 64-bit integers",
                       (long long)k);
            return &ERRV;
        } else if (op == OP_NEG && ir_expr_const_int(x, &k))
            r = scalar(l, I64(l, -k), a->weak);
        else if (op == OP_NEG && x->kind == E_CONST && ir_type_is_float(t))
            r = scalar(l, ir_const_f(l, t, -x->c.f), a->weak);
        else if (op == OP_POS)
            r = scalar(l, x, a->weak);
        else
            r = scalar(l, ir_un(l, op, t, x), a->weak);
        if (!r->s && a->s && op == OP_NEG)
            r->s = sym_neg(a->s);
        else if (!r->s && a->s && op == OP_POS)
            r->s = a->s;
        r->mixed = a->mixed && r->type != T_BOOL;
        return r;
    }
    r = vnew(V_ARRAY, l);
    *r = *a;
    r->l = l;
    r->fresh = NULL;
    r->type = t;
    r->e = op == OP_POS ? x : ir_un(l, op, t, x);
    return r;
}

/* ------------------------------------------------------------------------------------------ */
/* Indexing                                                                                   */

/* ceil(d / st) for d > 0, st > 0 (as unsigned: st may be 2**63), without overflow. */
static int64_t ceil_div_pos(int64_t d, uint64_t st)
{
    return (int64_t)(((uint64_t)d - 1) / st + 1);
}

/* The value of a slice bound when it is an int known at compile time (or omitted). */
static int const_bound(value *b, int64_t *k)
{
    return !b || sym_is_const(b->s, k);
}

/* Symbolic first index and length of start:stop:step on an extent n (only used for
 * compile-time reasoning). With n and the bounds known, they are exact (Python's clipping).
 * Otherwise clipping that is certain (a stop at n+10) is applied, and clipping that depends on
 * the parameters' values (u[1:-1] when N < 2) is assumed not to happen. */
static void sym_slice(const sym *n, value *start, value *stop, int64_t step, const sym **lo,
                      const sym **len)
{
    *lo = *len = NULL;
    if (step == 0)
        return;
    uint64_t st = step > 0 ? (uint64_t)step : 0 - (uint64_t)step;
    int64_t nc, ks = 0, ke = 0, k;
    if (sym_is_const(n, &nc) && nc >= 0 && const_bound(start, &ks) && const_bound(stop, &ke)) {
        /* PySlice_AdjustIndices */
        int64_t lower = step > 0 ? 0 : -1, upper = step > 0 ? nc : nc - 1;
        int64_t s = !start ? (step > 0 ? lower : upper) : ks;
        int64_t e = !stop ? (step > 0 ? upper : lower) : ke;
        if (start) {
            if (s < 0)
                s = s + nc < lower ? lower : s + nc;
            else if (s > upper)
                s = upper;
        }
        if (stop) {
            if (e < 0)
                e = e + nc < lower ? lower : e + nc;
            else if (e > upper)
                e = upper;
        }
        int64_t l = step > 0 ? (s < e ? ceil_div_pos(e - s, st) : 0)
                             : (e < s ? ceil_div_pos(s - e, st) : 0);
        *lo = sym_const(s);
        *len = sym_const(l);
        return;
    }
    const sym *s = NULL, *e = NULL;
    const sym *upper = step > 0 ? n : sym_sub(n, sym_const(1));
    if (step > 0) {
        s = !start ? sym_const(0) : (sym_is_const(start->s, &k) && k < 0) ? sym_add(n, start->s) : start->s;
        e = !stop ? n : (sym_is_const(stop->s, &k) && k < 0) ? sym_add(n, stop->s) : stop->s;
    } else {
        s = !start ? upper : (sym_is_const(start->s, &k) && k < 0) ? sym_add(n, start->s) : start->s;
        e = !stop ? sym_const(-1) : (sym_is_const(stop->s, &k) && k < 0) ? sym_add(n, stop->s) : stop->s;
    }
    if (!s || !e)
        return;
    /* bounds certainly past the end are clipped to it */
    if (sym_is_const(sym_sub(s, upper), &k) && k > 0)
        s = upper;
    if (sym_is_const(sym_sub(e, upper), &k) && k > 0)
        e = upper;
    *lo = s;
    const sym *d = step > 0 ? sym_sub(e, s) : sym_sub(s, e);
    if (!d)
        return;
    if (st == 1) {
        *len = d;
        if (sym_is_const(d, &k) && k < 0)
            *len = sym_const(0);
    } else if (sym_is_const(d, &k)) {
        *len = sym_const(k > 0 ? ceil_div_pos(k, st) : 0);
    } else {
        *len = sym_opaque(arena_printf(&util_arena, "ceil/%llu", (unsigned long long)st), d,
                          sym_const((int64_t)st));
    }
}

static int view_has_wrap(ir_view *v);

/* The position of the one literal list of a subscript (`a[[0, 2, 5], :]`), or -1. */
static int list_item(ast *sub)
{
    int k = -1;
    for (int i = 0; i < sub->args.len; i++)
        if (VEC_AT(sub->args, i, ast *)->kind == A_LIST) {
            if (k >= 0)
                return -2; /* several lists: NumPy's broadcasting of index arrays, not supported */
            k = i;
        }
    return k;
}

static int sym_is_one_ext(const sym *s)
{
    int64_t k;
    return sym_is_const(s, &k) && k == 1;
}

/* The subscript with its item k replaced. */
static ast *subscript_with(ast *sub, int k, ast *item)
{
    ast *r = NEW(ast);
    *r = *sub;
    r->args = (vec){0};
    for (int i = 0; i < sub->args.len; i++)
        vec_push(&r->args, i == k ? item : VEC_AT(sub->args, i, ast *));
    return r;
}

static value *index_array(lctx *c, value *base, ast *sub, int target);
static value *fix_axis(lctx *c, loc l, value *a, int axis, ir_expr *k);
static value *new_array(lctx *c, loc l, ir_type t, int rank, ir_expr **len, const sym **sh, int init,
                        ir_expr *fill);

/* base[..., [i0, i1, ...], ...] read: a new array whose dimension at the list's place holds
 * base[..., i0, ...], base[..., i1, ...], ... (NumPy's indexing by a list of integers). */
static value *list_index(lctx *c, value *base, ast *sub, int k, int pos)
{
    ast *lst = VEC_AT(sub->args, k, ast *);
    int n = lst->args.len;
    value **parts = NEWN(value *, n);
    for (int j = 0; j < n; j++) {
        parts[j] = index_array(c, base, subscript_with(sub, k, VEC_AT(lst->args, j, ast *)), 0);
        if (parts[j]->kind == V_ERR)
            return &ERRV;
    }
    value *p0 = parts[0];
    int rank = p0->kind == V_ARRAY ? p0->rank + 1 : 1;
    if (rank > IR_MAX_RANK) {
        diag_error(sub->l, "the result would have %d dimensions; at most %d are supported", rank, IR_MAX_RANK);
        return &ERRV;
    }
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    for (int d = 0, q = 0; d < rank; d++) {
        if (d == pos) {
            len[d] = I64(lst->l, n);
            sh[d] = sym_const(n);
            continue;
        }
        len[d] = p0->len[q];
        sh[d] = p0->sh[q++];
    }
    value *r = new_array(c, sub->l, base->type, rank, len, sh, 0, NULL);
    for (int j = 0; j < n; j++) {
        if (rank == 1) {
            ir_stmt *se = ir_stmt_new(S_SETELEM, sub->l);
            se->var = whole_slot(r);
            se->n = 1;
            se->args = NEWN(ir_expr *, 1);
            se->args[0] = I64(sub->l, j);
            se->e = ir_cast(sub->l, base->type, parts[j]->e);
            emit(c, se);
        } else
            emit_sweep(c, sub->l, fix_axis(c, sub->l, r, pos, I64(sub->l, j)), parts[j], 0);
    }
    return r;
}

/* A slice bound: NULL when omitted; `x or None` gives x and sets *present to x != 0. */
static value *slice_bound(lctx *c, ast *b, ir_expr **present)
{
    if (!b)
        return NULL;
    if (present && b->kind == A_BOOLOP && b->op == OP_OR && b->b->kind == A_NONE) {
        value *x = lower_expr(c, b->a);
        if (x->kind == V_ERR || !int_operand(x, "slice bound"))
            return &ERRV;
        *present = ir_bin(b->l, OP_CNE, T_BOOL, ir_cast(b->l, T_I64, x->e), I64(b->l, 0), 0);
        return x;
    }
    return lower_expr(c, b);
}

/* base[m] with a bool array m: NumPy requires m to have base's shape. */
static value *mask_select(lctx *c, value *base, value *m, ast *item)
{
    if (m->rank != base->rank) {
        diag_error(item->l, "a boolean mask of %d dimension%s indexing an array of %d is not supported "
                            "(the mask must have the array's shape)",
                   m->rank, m->rank == 1 ? "" : "s", base->rank);
        return &ERRV;
    }
    for (int d = 0; d < m->rank; d++)
        if (sym_cmp(m->sh[d], base->sh[d]) == 0) {
            diag_error(item->l, "boolean index did not match indexed array along axis %d; size of axis "
                                "is %s but size of corresponding boolean axis is %s",
                       d, sym_str(base->sh[d]), sym_str(m->sh[d]));
            return &ERRV;
        }
    /* extents known only at run time: equal, as two assignment checks in both directions */
    emit(c, check_stmt(item->l, CK_ASSIGN, m->rank, m->len, base->rank, base->len));
    emit(c, check_stmt(item->l, CK_ASSIGN, base->rank, base->len, m->rank, m->len));
    value *r = vnew(V_MASKED, item->l);
    r->self = base;
    r->mask = m;
    r->type = base->type;
    r->str = diag_text(item->l);
    return r;
}

/* What one item of a subscript is. */
enum { IX_SLICE, IX_INDEX, IX_NEWAXIS, IX_ELLIPSIS };

/* base[sub]: NumPy's basic indexing. `...` stands for as many full slices as the array has
 * dimensions left over; None (np.newaxis) inserts a dimension of extent 1. A result with new
 * axes is computed into a temporary (as large as the view itself), since a view's dimensions
 * are the array's own; target is set for an assignment target, which cannot have new axes. */
static value *index_array(lctx *c, value *base, ast *sub, int target)
{
    if (base->e->kind != E_READ || view_has_wrap(base->e->view))
        base = materialize(c, base);
    ir_view *v = ir_view_clone(base->e->view);
    int nitems = sub->args.len;
    int *kind = NEWN(int, nitems);
    value **ival = NEWN(value *, nitems);
    int nreal = 0, nnew = 0, nell = 0, failed = 0, unbound;
    for (int k = 0; k < nitems; k++) {
        ast *it = VEC_AT(sub->args, k, ast *);
        if (it->kind == A_SLICE) {
            kind[k] = IX_SLICE;
            nreal++;
        } else if (it->kind == A_NAME && strcmp(it->name, "Ellipsis") == 0 && !lookup(c, it->name, &unbound)) {
            kind[k] = IX_ELLIPSIS;
            if (nell++) {
                diag_error(it->l, "an index can only have a single ellipsis ('...')");
                failed = 1;
            }
        } else {
            ival[k] = lower_expr(c, it);
            kind[k] = ival[k]->kind == V_NONE ? IX_NEWAXIS : ival[k]->kind == V_SLICE ? IX_SLICE : IX_INDEX;
            if (ival[k]->kind == V_ERR)
                failed = 1;
            if (kind[k] == IX_NEWAXIS) {
                nnew++;
                if (target) {
                    diag_error(it->l, "np.newaxis (None) in an assignment target is not supported");
                    failed = 1;
                }
            } else
                nreal++;
        }
    }
    if (failed)
        return &ERRV;
    if (nitems == 1 && kind[0] == IX_INDEX && ival[0]->kind == V_ARRAY && ival[0]->type == T_BOOL)
        return mask_select(c, base, ival[0], VEC_AT(sub->args, 0, ast *));
    int li = list_item(sub);
    if (li == -2) {
        diag_error(sub->l, "indexing by several lists at once is not supported (one list of integers is)");
        return &ERRV;
    }
    if (li >= 0) {
        ast *lst = VEC_AT(sub->args, li, ast *);
        if (target) {
            diag_error(lst->l, "internal: a list index in a target reaches index_array");
            return &ERRV;
        }
        if (lst->args.len == 0) {
            diag_error(lst->l, "indexing by an empty list is not supported");
            return &ERRV;
        }
        for (int j = 0; j < lst->args.len; j++) {
            value *e = ival[li]->items[j];
            if (e->kind != V_SCALAR || e->type == T_BOOL || !is_int_scalar(e)) {
                diag_error(e->l, "only lists of integers are supported as indices (this element is %s)",
                           vkind_desc(e));
                return &ERRV;
            }
        }
        int pos = 0;
        for (int i = 0; i < li; i++)
            pos += kind[i] == IX_SLICE || kind[i] == IX_NEWAXIS ? 1
                 : kind[i] == IX_ELLIPSIS ? v->vrank - nreal : 0;
        return list_index(c, base, sub, li, pos);
    }
    if (nreal > v->vrank) {
        diag_error(sub->l, "too many indices for array: array is %d-dimensional, but %d were indexed",
                   v->vrank, nreal);
        return &ERRV;
    }
    if (v->vrank - nreal + nnew > IR_MAX_RANK) {
        diag_error(sub->l, "the result would have %d dimensions; at most %d are supported",
                   v->vrank - nreal + nnew, IR_MAX_RANK);
        return &ERRV;
    }
    /* Range dimensions of the base view, in order. */
    int own[IR_MAX_RANK], nown = 0;
    for (int d = 0; d < v->rank; d++)
        if (v->dim[d].kind == D_RANGE)
            own[nown++] = d;
    /* The result's dimensions in order: an own dimension of the view (>= 0) or a new axis (-1). */
    int out[2 * IR_MAX_RANK], nout = 0;
    int k = 0;
    for (int i = 0; i < nitems; i++) {
        ast *it = VEC_AT(sub->args, i, ast *);
        if (kind[i] == IX_NEWAXIS) {
            out[nout++] = -1;
            continue;
        }
        if (kind[i] == IX_ELLIPSIS) {
            for (int e = 0; e < v->vrank - nreal; e++)
                out[nout++] = own[k++];
            continue;
        }
        ir_dim *m = &v->dim[own[k]];
        ir_expr *n = m->len;
        int axis = own[k];
        if (kind[i] == IX_SLICE)
            out[nout++] = own[k];
        k++;
        if (kind[i] == IX_SLICE) {
            /* bounds from the syntax a:b:c or from a slice() object; `x or None` is a bound
             * that is omitted when x is 0 (`a[k:-k or None]`), known only at run time */
            ir_expr *pst = NULL, *psp = NULL;
            value *st, *sp, *stp;
            if (it->kind == A_SLICE) {
                st = slice_bound(c, it->a, &pst);
                sp = slice_bound(c, it->b, &psp);
                stp = slice_bound(c, it->c, NULL);
            } else {
                st = ival[i]->items[0];
                sp = ival[i]->items[1];
                stp = ival[i]->items[2];
            }
            if ((st && st->kind == V_ERR) || (sp && sp->kind == V_ERR) || (stp && stp->kind == V_ERR)) {
                failed = 1;
                continue;
            }
            if (st && st->kind == V_NONE) st = NULL;
            if (sp && sp->kind == V_NONE) sp = NULL;
            if (stp && stp->kind == V_NONE) stp = NULL;
            ir_expr *es = st ? int_operand(st, "slice start") : I64(it->l, 0);
            ir_expr *ee = sp ? int_operand(sp, "slice stop") : I64(it->l, 0);
            ir_expr *ek = stp ? int_operand(stp, "slice step") : I64(it->l, 1);
            if (!es || !ee || !ek) {
                failed = 1;
                continue;
            }
            int64_t kstep = 0;
            int kconst = ir_expr_const_int(ek, &kstep);
            if (kconst && kstep == 0) {
                diag_error(stp->l, "slice step cannot be zero");
                failed = 1;
                continue;
            }
            int flags = (st ? 1 : 0) | (sp ? 2 : 0);
            ir_expr *eflags = I64(it->l, flags);
            if (pst || psp) {
                ir_expr *fs = pst ? ir_select(it->l, T_I64, pst, I64(it->l, 1), I64(it->l, 0)) : I64(it->l, flags & 1);
                ir_expr *fe = psp ? ir_select(it->l, T_I64, psp, I64(it->l, 2), I64(it->l, 0)) : I64(it->l, flags & 2);
                eflags = ir_bin(it->l, OP_BOR, T_I64, fs, fe, 0);
                flags = -1; /* known at run time only */
            }
            /* Common cases fold to plain arithmetic when the bounds are constants that cannot
             * clip: a[:] and a[k:] / a[:-k] are resolved by the run-time helper otherwise. */
            ir_expr **args = NEWN(ir_expr *, 5);
            args[0] = n;
            args[1] = es;
            args[2] = ee;
            args[3] = ek;
            args[4] = eflags;
            ir_expr *lo, *len;
            if (flags == 0 && kconst && kstep == 1) {
                lo = I64(it->l, 0);
                len = n;
            } else {
                lo = ir_call(it->l, FN_SLICE_LO, T_I64, 5, args);
                len = ir_call(it->l, FN_SLICE_LEN, T_I64, 5, args);
            }
            const sym *slo = NULL, *slen = NULL;
            if (kconst && flags >= 0)
                sym_slice(m->slen, st, sp, kstep, &slo, &slen);
            ir_dim nd = *m;
            nd.lo = iadd(it->l, m->lo, imul(it->l, m->step, lo));
            nd.step = imul(it->l, m->step, ek);
            /* 0: not known at compile time (also when the product leaves int64) */
            if (!m->step_c || !kconst || __builtin_mul_overflow(m->step_c, kstep, &nd.step_c))
                nd.step_c = 0;
            nd.len = len;
            nd.slo = (m->slo && slo && m->step_c) ? sym_add(m->slo, sym_mul(sym_const(m->step_c), slo)) : NULL;
            nd.slen = slen;
            *m = nd;
        } else {
            value *iv = ival[i];
            if (iv->kind == V_TUPLE || iv->kind == V_ARRAY || iv->kind == V_STR) {
                diag_error(it->l, "only integers, slices, '...' and np.newaxis are supported as "
                                  "indices (fancy indexing and masks are not)");
                failed = 1;
                continue;
            }
            ir_expr *ie = int_operand(iv, "an index");
            if (!ie) {
                failed = 1;
                continue;
            }
            int64_t kc, nc;
            const sym *norm = NULL;
            if (iv->s && m->slen) {
                int64_t ktmp;
                norm = (sym_is_const(iv->s, &ktmp) && ktmp < 0) ? sym_add(m->slen, iv->s) : iv->s;
                const sym *diff = sym_sub(norm, m->slen);
                int64_t dd;
                int oob = (diff && sym_is_const(diff, &dd) && dd >= 0) ||
                          (sym_is_const(norm, &dd) && dd < 0);
                if (oob) {
                    diag_error(it->l, "index %s is out of bounds for axis %d with size %s",
                               sym_str(iv->s), k - 1, sym_str(m->slen));
                    failed = 1;
                    continue;
                }
            }
            ir_expr *idx;
            if (ir_expr_const_int(ie, &kc) && sym_is_const(m->slen, &nc) && kc >= -nc && kc < nc)
                idx = I64(it->l, kc < 0 ? kc + nc : kc);
            else {
                ir_expr **args = NEWN(ir_expr *, 3);
                args[0] = n;
                args[1] = ie;
                args[2] = I64(it->l, axis);
                idx = ir_call(it->l, FN_INDEX, T_I64, 3, args);
            }
            ir_dim nd = {0};
            nd.kind = D_FIXED;
            nd.aext = m->aext;
            nd.lo = iadd(it->l, m->lo, imul(it->l, m->step, idx));
            nd.slo = (m->slo && norm && m->step_c) ? sym_add(m->slo, sym_mul(sym_const(m->step_c), norm)) : NULL;
            *m = nd;
        }
    }
    if (failed)
        return &ERRV;
    while (k < nown)
        out[nout++] = own[k++];
    /* Renumber the remaining range dimensions as the result's dimensions. */
    value *r = vnew(V_ARRAY, sub->l);
    r->type = base->type;
    v->vrank = 0;
    v->l = sub->l;
    for (int p = 0; p < nout; p++) {
        if (out[p] < 0) {
            r->sh[p] = sym_const(1);
            r->len[p] = I64(sub->l, 1);
            continue;
        }
        ir_dim *m = &v->dim[out[p]];
        m->box = p;
        r->sh[p] = m->slen;
        r->len[p] = m->len;
        v->vrank++;
    }
    r->rank = nout;
    if (nnew) {
        r->e = ir_read(sub->l, v);
        return materialize(c, r);
    }
    if (r->rank == 0) {
        ir_expr **idx = NEWN(ir_expr *, v->rank);
        for (int d = 0; d < v->rank; d++)
            idx[d] = v->dim[d].lo;
        return scalar(sub->l, ir_elem(sub->l, v->arr, idx), 0);
    }
    r->e = ir_read(sub->l, v);
    return r;
}

/* ------------------------------------------------------------------------------------------ */
/* Sweeps                                                                                     */

static void emit_sweep(lctx *c, loc l, value *target, value *rv, int fresh)
{
    if (target->kind == V_ERR || rv->kind == V_ERR)
        return;
    ir_view *tv = target->e->view;
    int B = tv->vrank;
    ir_type tt = tv->arr->type;
    ir_expr *val;
    if (rv->kind == V_SCALAR) {
        val = ir_cast(l, tt, rv->e);
    } else if (rv->kind == V_ARRAY) {
        int R = rv->rank;
        if (R > B) {
            diag_error(rv->l, "could not broadcast input array from shape %s into shape %s",
                       shape_str(rv->rank, rv->sh), shape_str(B, target->sh));
            return;
        }
        unsigned mask = 0;
        int need_check = 0;
        for (int j = 0; j < R; j++) {
            const sym *x = rv->sh[j], *y = target->sh[B - R + j];
            int cmp = sym_cmp(x, y);
            if (cmp == 1)
                continue;
            if (is_one(x)) {
                mask |= 1u << j;
                continue;
            }
            if (cmp == 0) {
                diag_error(rv->l, "could not broadcast input array from shape %s into shape %s",
                           shape_str(rv->rank, rv->sh), shape_str(B, target->sh));
                diag_note(target->l, "assignment target has shape %s", shape_str(B, target->sh));
                return;
            }
            need_check = 1;
        }
        if (need_check)
            emit(c, check_stmt(l, CK_ASSIGN, R, rv->len, B, target->len));
        val = ir_cast(l, tt, remap(rv->e, B - R, mask));
    } else {
        diag_error(rv->l, "cannot assign %s to an array element or slice", vkind_desc(rv));
        return;
    }
    ir_stmt *s = ir_stmt_new(S_SWEEP, l);
    s->target = tv;
    s->e = val;
    s->fresh = fresh;
    s->mode = M_DIRECT;
    emit(c, s);
}

/* ------------------------------------------------------------------------------------------ */
/* Names                                                                                      */

static value *read_name(lctx *c, ast *a)
{
    int unbound;
    binding *b = lookup(c, a->name, &unbound);
    if (!b) {
        if (unbound) {
            diag_error(a->l, "local variable '%s' referenced before assignment", a->name);
            return &ERRV;
        }
        static const char *builtins[] = {"range", "print", "int", "float", "abs", "min", "max",
                                         "len", "bool", "round", "slice", "list", "tuple", "sum",
                                         "zip", "enumerate", NULL};
        for (const char **p = builtins; *p; p++)
            if (strcmp(*p, a->name) == 0) {
                value *v = vnew(V_BUILTIN, a->l);
                v->str = *p;
                return v;
            }
        if (strcmp(a->name, "__name__") == 0) {
            value *v = vnew(V_STR, a->l);
            v->str = "__main__";
            return v;
        }
        if (strcmp(a->name, "Ellipsis") == 0) {
            diag_error(a->l, "'...' (Ellipsis) is only supported as an index item, e.g. u[..., 0]");
            return &ERRV;
        }
        /* Python built-ins that a stencil program cannot use yet: say so rather than calling
         * them undefined, which would send the user looking for a typo. */
        static const char *unsupported[] = {"dict", "set", "map", "filter", "sorted", "reversed",
                                            "any", "all", "isinstance", "open", "input",
                                            "iter", "next", "type", "str", "repr", "format",
                                            "getattr", "setattr", "super", "object", "complex", NULL};
        for (const char **p = unsupported; *p; p++)
            if (strcmp(*p, a->name) == 0) {
                diag_error(a->l, "the Python built-in '%s' is not supported in a stencil program",
                           a->name);
                diag_note((loc){0}, "supported built-ins: range, print, int, float, abs, min, max, "
                                    "len, bool, round, slice, list, tuple, sum, zip, enumerate");
                return &ERRV;
            }
        diag_error(a->l, "name '%s' is not defined", a->name);
        return &ERRV;
    }
    switch (b->kind) {
    case B_SCALAR: {
        if (b->dyn) { /* where the tag is not split on (dyn_split): its value as a float */
            value *v = scalar(a->l, ir_select(a->l, T_F64, ir_varref(a->l, b->dyn->tag), ir_varref(a->l, b->dyn->f),
                                              ir_cast(a->l, T_F64, ir_varref(a->l, b->dyn->i))), b->weak);
            v->dyn = b->dyn;
            v->mixed = 1;
            return v;
        }
        value *v = scalar(a->l, ir_varref(a->l, b->var), b->weak);
        v->s = b->s;
        return v;
    }
    case B_ARRAY: return slot_value(a->l, b->var, b->sh);
    case B_VALUE: {
        value *v = vnew(V_NONE, a->l);
        *v = *b->val;
        v->l = a->l;
        v->fresh = NULL;
        return v;
    }
    }
    UNREACHABLE();
}

/* Does any statement in list[from..] mention slot s? */
static int expr_refs(ir_expr *e, ir_var *s)
{
    if (!e)
        return 0;
    if ((e->kind == E_SHAPE || e->kind == E_ELEM) && e->var == s)
        return 1;
    if (e->kind == E_READ) {
        if (e->view->arr == s)
            return 1;
        for (int d = 0; d < e->view->rank; d++)
            if (expr_refs(e->view->dim[d].lo, s) || expr_refs(e->view->dim[d].len, s))
                return 1;
        return 0;
    }
    for (int i = 0; i < e->nargs; i++)
        if (expr_refs(e->args[i], s))
            return 1;
    return expr_refs(e->a, s) || expr_refs(e->b, s) || expr_refs(e->cc, s);
}


/* Bind a fresh temporary to a named slot. When nothing emitted since the temporary's
 * allocation reads the slot, the allocation writes the slot directly (no temporary). */
static void move_fresh(lctx *c, loc l, ir_var *slot, ir_var *tmp)
{
    int at = -1;
    for (int i = c->out->len - 1; i >= 0; i--) {
        ir_stmt *s = VEC_AT(*c->out, i, ir_stmt *);
        if (s->kind == S_ALLOC && s->var == tmp) {
            at = i;
            break;
        }
    }
    int clean = at >= 0;
    for (int i = at; clean && i < c->out->len; i++) {
        ir_stmt *s = VEC_AT(*c->out, i, ir_stmt *);
        if (s->kind == S_ALLOC) {
            for (int d = 0; d < s->var->rank && clean; d++)
                clean = !expr_refs(s->shape[d], slot);
            clean = clean && s->src_slot != slot && !(s->init == 2 && expr_refs(s->e, slot));
        } else if (s->kind == S_SWEEP) {
            clean = s->target->arr == tmp && !expr_refs(s->e, slot);
            for (int d = 0; d < s->target->rank && clean; d++)
                clean = !expr_refs(s->target->dim[d].lo, slot) && !expr_refs(s->target->dim[d].len, slot);
        } else if (s->kind == S_CHECK) {
            for (int k = 0; k < s->na + s->nb && clean; k++)
                clean = !expr_refs(s->args[k], slot);
        } else
            clean = 0;
    }
    if (clean) {
        for (int i = 0; i < c->pending.len; i++)
            if (VEC_AT(c->pending, i, ir_var *) == tmp)
                c->pending.items[i] = c->pending.items[--c->pending.len];
        for (int i = at; i < c->out->len; i++) {
            ir_stmt *s = VEC_AT(*c->out, i, ir_stmt *);
            if (s->kind == S_ALLOC) {
                if (s->var == tmp)
                    s->var = slot;
                for (int d = 0; d < s->var->rank; d++)
                    ir_rename_slot(s->shape[d], tmp, slot);
            } else if (s->kind == S_SWEEP) {
                if (s->target->arr == tmp)
                    s->target->arr = tmp == slot ? tmp : slot;
                for (int d = 0; d < s->target->rank; d++) {
                    ir_rename_slot(s->target->dim[d].lo, tmp, slot);
                    ir_rename_slot(s->target->dim[d].len, tmp, slot);
                }
                ir_rename_slot(s->e, tmp, slot);
            } else if (s->kind == S_CHECK) {
                for (int k = 0; k < s->na + s->nb; k++)
                    ir_rename_slot(s->args[k], tmp, slot);
            }
        }
        return;
    }
    ir_stmt *b = ir_stmt_new(S_BIND, l);
    b->n = 1;
    b->dst = NEWN(ir_var *, 1);
    b->srcs = NEWN(ir_var *, 1);
    b->dst[0] = slot;
    b->srcs[0] = tmp;
    b->move = 1;
    emit(c, b);
}

static int is_ephemeral(lctx *c, ir_var *slot)
{
    if (strcmp(slot->pyname, "<temporary>") == 0)
        return 1;
    /* a slot of a function scope that is not the current one (returned from a callee) */
    for (scope *s = c->sc; s; s = s->parent)
        for (int i = 0; i < s->vars.len; i++)
            if (VEC_AT(s->vars, i, ir_var *) == slot)
                return 0;
    return 1;
}

/* ---- names of changing type (dynvar) ---- */

static dynvar *dyn_of(lctx *c, const char *name)
{
    for (int i = 0; i < c->sc->dyns.len; i++)
        if (strcmp(VEC_AT(c->sc->dyns, i, dynvar *)->name, name) == 0)
            return VEC_AT(c->sc->dyns, i, dynvar *);
    return NULL;
}

static dynvar *dyn_get(lctx *c, const char *name)
{
    dynvar *d = dyn_of(c, name);
    if (d)
        return d;
    d = NEW(dynvar);
    d->name = name;
    d->i = scope_var(c, name, T_I64, 0, 0);
    d->f = scope_var(c, name, T_F64, 0, 0);
    /* "." cannot be in a Python name: no user variable shares the tag */
    d->tag = scope_var(c, arena_printf(&util_arena, "%s.isfloat", name), T_BOOL, 0, 0);
    vec_push(&c->sc->dyns, d);
    return d;
}

static void dyn_set_tag(lctx *c, vec *out, loc l, dynvar *d, int isfloat)
{
    (void)c;
    ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
    s->var = d->tag;
    s->e = ir_const_i(l, T_BOOL, isfloat);
    vec_push(out, s);
}

static void dyn_bind(lctx *c, dynvar *d, int weak)
{
    binding *b = bind(c, d->name);
    b->kind = B_SCALAR;
    b->var = d->tag;
    b->dyn = d;
    b->weak = weak;
}

/* A plain int or float binding (or one already of d) that may join d. */
static int dyn_joins(binding *b)
{
    return b && b->kind == B_SCALAR && (b->dyn || b->var->type == T_I64 || b->var->type == T_F64);
}

/* Statements at the end of `out` that move binding b's value into d. */
static void dyn_convert(lctx *c, vec *out, loc l, dynvar *d, binding *b)
{
    if (b->dyn)
        return;
    int isf = b->var->type == T_F64;
    ir_var *dst = isf ? d->f : d->i;
    if (b->var != dst) {
        ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
        s->var = dst;
        s->e = ir_varref(l, b->var);
        vec_push(out, s);
    }
    dyn_set_tag(c, out, l, d, isf);
}

static value *pin_items(lctx *c, const char *name, loc l, value *v);

static void assign_name(lctx *c, ast *target, value *v)
{
    const char *name = target->name;
    loc l = target->l;
    if (v->kind == V_MASKED) {
        diag_error(v->l, "'%s = a[%s]' is not supported: a boolean-mask selection has a shape that "
                         "depends on the data", name, v->str);
        diag_note((loc){0}, "masks are supported in a[m] = scalar, a[m] = b[m], a[m] += scalar and "
                            "in reductions such as np.sum(a[m]) and a[m].max()");
        v = &ERRV;
    }
    if (v->kind == V_ERR) {
        /* keep the name defined so later uses do not cascade into more errors */
        binding *b = bind(c, name);
        b->kind = B_VALUE;
        b->val = &ERRV;
        return;
    }
    dynvar *d = dyn_of(c, name);
    if (v->kind == V_SCALAR && v->dyn) { /* a copy keeps the type the value has at run time */
        if (!d)
            d = dyn_get(c, name);
        if (d != v->dyn) {
            ir_var *from[3] = {v->dyn->i, v->dyn->f, v->dyn->tag}, *to[3] = {d->i, d->f, d->tag};
            for (int k = 0; k < 3; k++) {
                ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
                s->var = to[k];
                s->e = ir_varref(l, from[k]);
                emit(c, s);
            }
        }
        dyn_bind(c, d, v->weak);
        return;
    }
    if (v->kind == V_SCALAR && d && (v->type == T_I64 || v->type == T_F64)) {
        ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
        s->var = v->type == T_F64 ? d->f : d->i;
        s->e = v->e;
        emit(c, s);
        dyn_set_tag(c, c->out, l, d, v->type == T_F64);
        dyn_bind(c, d, v->weak);
        return;
    }
    if (v->kind == V_SCALAR) {
        ir_var *var = scope_var(c, name, v->type, 0, 0);
        ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
        s->var = var;
        s->e = v->e;
        emit(c, s);
        binding *b = bind(c, name);
        b->kind = B_SCALAR;
        b->var = var;
        b->s = v->s;
        b->weak = v->weak;
        return;
    }
    if (v->kind == V_ARRAY) {
        ir_var *src = whole_slot(v);
        if (!v->fresh && !src && v->e->kind == E_READ && !is_ephemeral(c, v->e->view->arr) &&
            !view_has_wrap(v->e->view)) {
            binding *b = bind(c, name); /* a view: writes through it reach the array */
            b->kind = B_VALUE;
            b->val = v;
            return;
        }
        if (!v->fresh && !src) /* an expression: computed into a new array */
            v = materialize(c, v);
        ir_var *slot = scope_var(c, name, v->type, v->rank, 1);
        if (v->fresh) {
            move_fresh(c, l, slot, v->fresh);
        } else if (src != slot) {
            ir_stmt *s = ir_stmt_new(S_BIND, l);
            s->n = 1;
            s->dst = NEWN(ir_var *, 1);
            s->srcs = NEWN(ir_var *, 1);
            s->dst[0] = slot;
            s->srcs[0] = src;
            emit(c, s);
        }
        binding *b = bind(c, name);
        b->kind = B_ARRAY;
        b->var = slot;
        for (int d = 0; d < v->rank; d++)
            b->sh[d] = v->sh[d];
        return;
    }
    if (v->kind == V_TUPLE)
        v = pin_items(c, name, l, v);
    binding *b = bind(c, name);
    b->kind = B_VALUE;
    b->val = v;
}

/* A tuple or list bound to a name keeps the values its items had then: each scalar or array
 * item is assigned to a hidden name ("t.0", never a Python name), as if by `t0 = item`, and
 * the item becomes a read of that name. (Items that are expressions were otherwise computed
 * again at every use, after their operands may have changed.) */
static value *pin_items(lctx *c, const char *name, loc l, value *v)
{
    value *r = vnew(V_TUPLE, v->l);
    *r = *v;
    r->items = NEWN(value *, v->n + 1);
    for (int i = 0; i < v->n; i++) {
        value *it = v->items[i];
        const char *hidden = arena_printf(&util_arena, "%s.%d", name, i);
        if (it->kind == V_TUPLE) {
            r->items[i] = pin_items(c, hidden, l, it);
            continue;
        }
        if (it->kind != V_SCALAR && it->kind != V_ARRAY) {
            r->items[i] = it;
            continue;
        }
        if (it->kind == V_SCALAR && it->e->kind == E_CONST) {
            r->items[i] = it;
            continue;
        }
        ast *h = ast_name(l, hidden);
        assign_name(c, h, it);
        r->items[i] = read_name(c, h);
    }
    return r;
}

/* ------------------------------------------------------------------------------------------ */
/* Calls                                                                                      */

typedef struct args {
    value **pos;
    int npos;
    const char **kwname;
    value **kw;
    ast **kwast;
    int nkw;
} args;

static args lower_args(lctx *c, ast *call)
{
    args r = {0};
    r.pos = NEWN(value *, call->args.len + 1);
    r.kw = NEWN(value *, call->kwargs.len + 1);
    r.kwname = NEWN(const char *, call->kwargs.len + 1);
    r.kwast = NEWN(ast *, call->kwargs.len + 1);
    for (int i = 0; i < call->args.len; i++) {
        ast *a = VEC_AT(call->args, i, ast *);
        if (a->kind == A_STARRED) {
            diag_error(a->l, "'*' arguments are not supported");
            r.pos[r.npos++] = &ERRV;
            continue;
        }
        r.pos[r.npos++] = lower_expr(c, a);
    }
    for (int i = 0; i < call->kwargs.len; i++) {
        ast *k = VEC_AT(call->kwargs, i, ast *);
        if (!k->name) {
            diag_error(k->l, "'**' arguments are not supported");
            continue;
        }
        r.kwname[r.nkw] = k->name;
        r.kwast[r.nkw] = k;
        r.kw[r.nkw++] = lower_expr(c, k->a);
    }
    return r;
}

static int any_err(args *a)
{
    for (int i = 0; i < a->npos; i++)
        if (a->pos[i]->kind == V_ERR)
            return 1;
    for (int i = 0; i < a->nkw; i++)
        if (a->kw[i]->kind == V_ERR)
            return 1;
    return 0;
}

/* Match a call's arguments to a signature "name,name=,..." (names with '=' are optional).
 * out[i] is the value or NULL. Reports Python's messages for bad calls. */
static int match_args(loc l, const char *fname, args *a, int nparam, const char **pnames,
                      int nrequired, value **out)
{
    for (int i = 0; i < nparam; i++)
        out[i] = NULL;
    if (a->npos > nparam) {
        diag_error(l, "%s() takes %d positional argument%s but %d %s given", fname, nparam,
                   nparam == 1 ? "" : "s", a->npos, a->npos == 1 ? "was" : "were");
        return 0;
    }
    for (int i = 0; i < a->npos; i++)
        out[i] = a->pos[i];
    for (int k = 0; k < a->nkw; k++) {
        int found = -1;
        for (int i = 0; i < nparam; i++)
            if (strcmp(pnames[i], a->kwname[k]) == 0)
                found = i;
        if (found < 0) {
            diag_error(a->kwast[k]->l, "%s() got an unexpected keyword argument '%s'", fname,
                       a->kwname[k]);
            return 0;
        }
        if (out[found]) {
            diag_error(a->kwast[k]->l, "%s() got multiple values for argument '%s'", fname,
                       a->kwname[k]);
            return 0;
        }
        out[found] = a->kw[k];
    }
    int missing = 0;
    for (int i = 0; i < nrequired; i++)
        if (!out[i])
            missing++;
    if (missing) {
        strbuf b = {0};
        int seen = 0;
        for (int i = 0; i < nrequired; i++)
            if (!out[i]) {
                sb_printf(&b, "%s'%s'", seen == 0 ? "" : (seen == missing - 1 ? " and " : ", "), pnames[i]);
                seen++;
            }
        diag_error(l, "%s() missing %d required positional argument%s: %s", fname, missing,
                   missing == 1 ? "" : "s", b.s);
        sb_free(&b);
        return 0;
    }
    return 1;
}

static value *inline_call(lctx *c, value *fn, ast *call)
{
    ast *def = fn->def;
    for (int i = 0; i < c->inlining.len; i++)
        if (VEC_AT(c->inlining, i, ast *) == def) {
            diag_error(call->l, "recursive call to '%s' cannot be compiled (functions are inlined)",
                       def->name);
            return &ERRV;
        }
    args a = lower_args(c, call);
    if (any_err(&a))
        return &ERRV;
    int np = def->params.len, nreq = 0;
    const char **pn = NEWN(const char *, np + 1);
    for (int i = 0; i < np; i++) {
        ast *p = VEC_AT(def->params, i, ast *);
        if (p->ival) {
            diag_error(p->l, "'*args' and '**kwargs' parameters are not supported");
            return &ERRV;
        }
        pn[i] = p->name;
        if (!p->a)
            nreq = i + 1;
    }
    value **vals = NEWN(value *, np + 1);
    if (!match_args(call->l, def->name, &a, np, pn, nreq, vals))
        return &ERRV;
    /* Array expressions passed as arguments are computed first, as NumPy does. */
    for (int i = 0; i < np; i++)
        if (vals[i] && vals[i]->kind == V_ARRAY && vals[i]->e->kind != E_READ)
            vals[i] = materialize(c, vals[i]);
    /* Defaults are evaluated in the defining scope. */
    scope *caller = c->sc;
    for (int i = 0; i < np; i++)
        if (!vals[i]) {
            c->sc = fn->defscope;
            vals[i] = lower_expr(c, VEC_AT(def->params, i, ast *)->a);
            c->sc = caller;
        }
    scope *s = NEW(scope);
    s->parent = fn->defscope;
    s->is_function = 1;
    s->prefix = cname(c, def->name);
    for (int i = 0; i < np; i++)
        vec_push(&s->locals, (void *)pn[i]);
    declared_globals(&def->body, &s->globals);
    vec assigned = {0};
    assigned_names(&def->body, &assigned);
    for (int i = 0; i < assigned.len; i++)
        if (!name_in(&s->globals, VEC_AT(assigned, i, const char *)))
            vec_push(&s->locals, assigned.items[i]);
    vec_push(&c->inlining, def);
    c->sc = s;
    for (int i = 0; i < np; i++) {
        ast t = {.kind = A_NAME, .l = VEC_AT(def->params, i, ast *)->l, .name = pn[i]};
        value *v = vals[i];
        if (v->kind == V_ARRAY && v->e->kind == E_READ && !v->fresh) {
            binding *b = bind(c, pn[i]); /* arrays are passed by reference */
            b->kind = B_VALUE;
            b->val = v;
        } else
            assign_name(c, &t, v);
    }
    value *ret = vnew(V_NONE, call->l);
    int n = def->body.len;
    int saved_loops = c->loops;
    c->loops = 0;
    for (int i = 0; i < n; i++) {
        ast *st = VEC_AT(def->body, i, ast *);
        if (st->kind == A_RETURN) {
            if (i != n - 1)
                diag_error(st->l, "code after 'return' is never run");
            if (st->a) {
                ret = lower_expr(c, st->a);
                if (ret->kind == V_ARRAY && ret->e->kind != E_READ)
                    ret = materialize(c, ret);
                if (ret->kind == V_TUPLE)
                    for (int k = 0; k < ret->n; k++)
                        if (ret->items[k]->kind == V_ARRAY && ret->items[k]->e->kind != E_READ)
                            ret->items[k] = materialize(c, ret->items[k]);
            }
            break;
        }
        lower_stmt(c, st);
    }
    c->loops = saved_loops;
    c->sc = caller;
    c->inlining.len--;
    /* The callee's arrays are released after the caller's statement (the caller holds its
     * own references to anything it keeps). */
    for (int i = 0; i < s->vars.len; i++) {
        ir_var *v = VEC_AT(s->vars, i, ir_var *);
        if (v->is_array)
            vec_push(&c->pending, v);
    }
    if (ret->kind != V_ERR)
        ret->l = call->l;
    return ret;
}

/* Checks a return statement only appears last in a function body (inlining needs it). */
static void check_returns(vec *body, int top)
{
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        if (s->kind == A_RETURN && !top)
            diag_error(s->l, "'return' is only supported as the last statement of a function");
        if (s->kind == A_IF) {
            check_returns(&s->body, 0);
            check_returns(&s->orelse, 0);
        }
        if (s->kind == A_FOR || s->kind == A_WHILE)
            check_returns(&s->body, 0);
    }
}

static int dtype_of(value *v, ir_type *t)
{
    if (v->kind == V_DTYPE) {
        *t = v->type;
        return 1;
    }
    if (v->kind == V_BUILTIN) {
        if (strcmp(v->str, "float") == 0) { *t = T_F64; return 1; }
        if (strcmp(v->str, "int") == 0) { *t = T_I64; return 1; }
        if (strcmp(v->str, "bool") == 0) { *t = T_BOOL; return 1; }
    }
    if (v->kind == V_STR) {
        static const struct { const char *n; ir_type t; } m[] = {
            {"float64", T_F64}, {"f8", T_F64}, {"d", T_F64}, {"float", T_F64},
            {"float32", T_F32}, {"f4", T_F32}, {"f", T_F32}, {"int64", T_I64}, {"i8", T_I64},
            {"int", T_I64}, {"int32", T_I32}, {"i4", T_I32}, {"bool", T_BOOL}, {"?", T_BOOL},
        };
        for (size_t i = 0; i < sizeof m / sizeof *m; i++)
            if (strcmp(m[i].n, v->str) == 0) {
                *t = m[i].t;
                return 1;
            }
    }
    diag_error(v->l, "unsupported dtype (supported: np.float64, np.float32, np.int64, np.int32, bool)");
    return 0;
}

/* Shape argument: an int or a tuple of ints. */
static int shape_arg(value *v, int *rank, ir_expr **len, const sym **sh)
{
    if (v->kind == V_SCALAR) {
        ir_expr *e = int_operand(v, "a shape");
        if (!e)
            return 0;
        *rank = 1;
        len[0] = e;
        sh[0] = v->s;
        return 1;
    }
    if (v->kind != V_TUPLE) {
        if (v->kind != V_ERR)
            diag_error(v->l, "a shape must be an int or a tuple of ints, not %s", vkind_desc(v));
        return 0;
    }
    if (v->n < 1 || v->n > IR_MAX_RANK) {
        diag_error(v->l, "arrays of %d dimensions are not supported (1 to %d)", v->n, IR_MAX_RANK);
        return 0;
    }
    *rank = v->n;
    for (int i = 0; i < v->n; i++) {
        ir_expr *e = int_operand(v->items[i], "a shape entry");
        if (!e)
            return 0;
        int64_t k;
        if (sym_is_const(v->items[i]->s, &k) && k < 0) {
            diag_error(v->items[i]->l, "negative dimensions are not allowed");
            return 0;
        }
        len[i] = e;
        sh[i] = v->items[i]->s;
    }
    return 1;
}

static value *new_array(lctx *c, loc l, ir_type t, int rank, ir_expr **len, const sym **sh, int init,
                        ir_expr *fill)
{
    ir_var *tmp = temp_slot(c, t, rank);
    ir_stmt *s = ir_stmt_new(S_ALLOC, l);
    s->var = tmp;
    s->shape = NEWN(ir_expr *, rank);
    for (int d = 0; d < rank; d++)
        s->shape[d] = len[d];
    s->init = init;
    s->e = fill ? ir_cast(l, t, fill) : NULL;
    emit(c, s);
    value *v = slot_value(l, tmp, sh);
    v->fresh = tmp;
    return v;
}

static value *array_arg(lctx *c, value *v, const char *fname)
{
    (void)c;
    if (v->kind == V_ARRAY)
        return v;
    if (v->kind != V_ERR)
        diag_error(v->l, "%s() expects an array here, not %s", fname, vkind_desc(v));
    return NULL;
}

static value *copy_of(lctx *c, loc l, value *src)
{
    ir_var *slot = whole_slot(src);
    if (!slot) {
        value *m = materialize(c, src);
        m->l = l;
        return m;
    }
    ir_var *tmp = temp_slot(c, src->type, src->rank);
    ir_stmt *s = ir_stmt_new(S_ALLOC, l);
    s->var = tmp;
    s->shape = NEWN(ir_expr *, src->rank);
    for (int d = 0; d < src->rank; d++)
        s->shape[d] = ir_shape(l, slot, d);
    s->init = 3;
    s->src_slot = slot;
    emit(c, s);
    value *v = slot_value(l, tmp, src->sh);
    v->fresh = tmp;
    return v;
}

static const char supported_numpy[] =
    "supported from numpy: zeros, ones, empty, full and their _like forms, copy, fromfunction, "
    "linspace, arange, meshgrid, indices, mgrid, ogrid, array, asarray, ndarray, pad, "
    "save, load, sqrt, exp, log, sin, cos, tan, tanh, arcsin, arccos, arctan, sinh, cosh, "
    "arcsinh, arccosh, arctanh, log10, log2, exp2, expm1, log1p, cbrt, trunc, rint, arctan2, "
    "hypot, copysign, fmod, degrees, radians, square, abs, absolute, floor, ceil, sign, isnan, "
    "isinf, isfinite, minimum, "
    "maximum, where, clip, power, roll, sum, max, min, mean, amax, amin, any, all (also with axis=), "
    "cumsum, diff, linalg.norm, the dtypes "
    "float64, float32, int64, int32, bool_, and pi, e, inf, nan";

static value *call_numpy(lctx *c, const char *fname, ast *call, value *self);

/* A print of values of changing type (a function's result): one print per combination of
 * their tags, each printing the int or the float as Python would. */
static ir_stmt *print_variants(ir_stmt *s, value **vals, int from)
{
    for (int i = from; i < s->n; i++) {
        if (s->strs[i] || !vals[i]->dyn)
            continue;
        dynvar *d = vals[i]->dyn;
        ir_stmt *st = ir_stmt_new(S_IF, s->l);
        st->e = ir_varref(s->l, d->tag);
        for (int isf = 1; isf >= 0; isf--) {
            ir_stmt *p = ir_stmt_new(S_PRINT, s->l);
            p->n = s->n;
            p->strs = s->strs;
            p->str = s->str;
            p->end = s->end;
            p->args = NEWN(ir_expr *, s->n + 1);
            memcpy(p->args, s->args, sizeof(ir_expr *) * (size_t)s->n);
            p->args[i] = ir_varref(s->l, isf ? d->f : d->i);
            vec_push(isf ? &st->body : &st->orelse, print_variants(p, vals, i + 1));
        }
        return st;
    }
    return s;
}

static value *call_math(lctx *c, loc l, const char *f, args *a);
/* ---- np.random: NumPy's streams, bit for bit (libtyles' tyl_random.c) ----------------------- */

/* Generator numbers: 0 is the legacy global RandomState; each np.random.default_rng call lowered
 * takes the next of 1, 2, ..., each np.random.RandomState call the next of -1, -2, ... (a call
 * lowered again by a loop probe takes a new one; unused ones cost nothing). */
static int rnd_ngen, rnd_nstates;
static int rnd_legacy_seeded; /* np.random.seed(int) came before: legacy draws are reproducible */
static int rnd_warned;        /* the clock-seed warning was given */

static const char rnd_supported[] =
    "supported from numpy.random: seed, rand, randn, random, random_sample, standard_normal, "
    "normal, uniform, randint, default_rng, RandomState (with the same methods); of a Generator: "
    "random, uniform, integers";

/* np.random.NAME or GENERATOR.NAME: a built-in whose call random_call lowers. */
static value *random_attr(value *obj, ast *a)
{
    static const char *legacy[] = {"seed", "rand", "randn", "random", "random_sample",
                                   "standard_normal", "normal", "uniform", "randint",
                                   "default_rng", "RandomState", NULL};
    static const char *methods[] = {"random", "uniform", "integers", "standard_normal", "normal", NULL};
    int gen = obj->kind == V_RNG;
    /* a RandomState object has the module's functions (less the constructors) as methods */
    for (const char **p = gen && obj->n > 0 ? methods : legacy; *p; p++)
        if (strcmp(*p, a->name) == 0 && !(gen && (!strcmp(*p, "default_rng") || !strcmp(*p, "RandomState")))) {
            value *v = vnew(V_BUILTIN, a->l);
            v->str = arena_printf(&util_arena, "%s%s", gen ? "rng." : "np.random.", a->name);
            v->self = gen ? obj : NULL;
            return v;
        }
    loc whole = loc_span(a->a->l, a->l);
    diag_error(whole, "'%s' is not supported in a stencil program", diag_text(whole));
    diag_note((loc){0}, "%s", rnd_supported);
    return &ERRV;
}

/* A clock seed: results cannot be compared with NumPy's; said once. */
static void rnd_clock_warning(loc l, const char *what)
{
    int sup = diag_suppress(1);
    diag_suppress(sup);
    if (rnd_warned || sup)
        return;
    rnd_warned = 1;
    diag_warning(l, "%s: the seed comes from the clock, so the numbers cannot match NumPy's; "
                    "seed it with an int to reproduce a NumPy run", what);
}

static ir_expr *rnd_float(value *v, const char *fname, const char *what)
{
    if (v->kind == V_SCALAR)
        return ir_cast(v->l, T_F64, v->e);
    diag_error(v->l, "%s(): %s must be a scalar here, not %s", fname, what, vkind_desc(v));
    return NULL;
}

/* Draws of kind k from generator gen: an array of shape `size`, or one scalar when size is
 * absent or None. */
static value *rnd_draw(lctx *c, loc l, int gen, ir_rkind k, ir_expr *e, ir_expr *e2, value *size,
                       ir_type t, const char *fname)
{
    if (gen == 0 && !rnd_legacy_seeded)
        rnd_clock_warning(l, arena_printf(&util_arena, "%s() before np.random.seed()", fname));
    ir_stmt *s = ir_stmt_new(S_RANDOM, l);
    s->n = gen;
    s->init = k;
    s->na = gen != 0 || rnd_legacy_seeded;
    s->e = e;
    s->e2 = e2;
    value *r;
    if (size && size->kind != V_NONE) {
        int rank;
        ir_expr *len[IR_MAX_RANK];
        const sym *sh[IR_MAX_RANK];
        if (!shape_arg(size, &rank, len, sh))
            return &ERRV;
        r = new_array(c, l, t, rank, len, sh, 0, NULL);
        s->var = r->fresh;
    } else {
        /* NumPy returns a Python float or int, even for dtype=np.float32 */
        s->var = temp_scalar(c, k == R_INT ? T_I64 : T_F64);
        r = scalar(l, ir_varref(l, s->var), 1);
    }
    emit(c, s);
    return r;
}

/* randint / integers: [low, high) (high None: [0, low)), dtype int64 or int32. */
static value *rnd_ints(lctx *c, loc l, int gen, value **v, const char *fname, int endpoint)
{
    ir_type t = T_I64;
    if (v[3] && v[3]->kind != V_NONE && !dtype_of(v[3], &t))
        return &ERRV;
    if (t != T_I64 && t != T_I32) {
        diag_error(v[3]->l, "%s(): dtype= must be an int64 or int32 type here", fname);
        return &ERRV;
    }
    int nohigh = !v[1] || v[1]->kind == V_NONE;
    ir_expr *lo = int_operand(v[0], nohigh ? "high" : "low");
    ir_expr *hi = nohigh ? lo : int_operand(v[1], "high");
    if (!lo || !hi)
        return &ERRV;
    if (nohigh)
        lo = I64(l, 0);
    if (endpoint)
        hi = ir_bin(l, OP_ADD, T_I64, hi, I64(l, 1), 0);
    return rnd_draw(c, l, gen, R_INT, lo, hi, v[2], t, fname);
}

static value *random_call(lctx *c, value *fn, ast *call)
{
    loc l = call->l;
    args a = lower_args(c, call);
    if (any_err(&a))
        return &ERRV;
    int gen = fn->self ? fn->self->n : 0;
    int pcg = gen > 0; /* a Generator; otherwise the legacy stream or a RandomState */
    const char *n = strchr(fn->str, '.') + 1;
    if (!fn->self)
        n = strchr(n, '.') + 1;
    const char *fname = fn->self ? arena_printf(&util_arena, "%s.%s", pcg ? "Generator" : "RandomState", n)
                                 : fn->str;
    value *v[5] = {0};
    if (strcmp(n, "seed") == 0 || strcmp(n, "default_rng") == 0 || strcmp(n, "RandomState") == 0) {
        const char *pn[] = {"seed"};
        if (!match_args(l, fname, &a, 1, pn, 0, v))
            return &ERRV;
        ir_stmt *s = ir_stmt_new(S_RANDOM, l);
        s->init = R_SEED;
        s->n = n[0] == 's' ? gen : n[0] == 'd' ? ++rnd_ngen : -++rnd_nstates;
        if (v[0] && v[0]->kind != V_NONE) {
            s->e = int_operand(v[0], "a seed");
            if (!s->e)
                return &ERRV;
        } else
            rnd_clock_warning(l, arena_printf(&util_arena, "%s() without a seed", fname));
        rnd_legacy_seeded |= s->n == 0 && s->e;
        emit(c, s);
        if (n[0] == 's')
            return vnew(V_NONE, l);
        value *g = vnew(V_RNG, l);
        g->n = s->n;
        return g;
    }
    if (!pcg && (strcmp(n, "rand") == 0 || strcmp(n, "randn") == 0)) {
        /* the shape as separate ints */
        if (a.nkw) {
            diag_error(a.kwast[0]->l, "%s() takes no keyword arguments", fname);
            return &ERRV;
        }
        value *size = NULL;
        if (a.npos) {
            size = vnew(V_TUPLE, l);
            size->n = a.npos;
            size->items = a.pos;
        }
        return rnd_draw(c, l, gen, n[4] ? R_GAUSS : R_SAMPLE, n[4] ? ir_const_f(l, T_F64, 0.0) : NULL,
                        n[4] ? ir_const_f(l, T_F64, 1.0) : NULL, size, T_F64, fname);
    }
    if (strcmp(n, "random") == 0 || strcmp(n, "random_sample") == 0) {
        const char *pn[] = {"size", "dtype"};
        if (!match_args(l, fname, &a, pcg ? 2 : 1, pn, 0, v))
            return &ERRV;
        ir_type t = T_F64;
        if (pcg && v[1] && !dtype_of(v[1], &t))
            return &ERRV;
        if (t != T_F64 && t != T_F32) {
            diag_error(v[1]->l, "%s(): dtype= must be np.float64 or np.float32", fname);
            return &ERRV;
        }
        return rnd_draw(c, l, gen, t == T_F32 ? R_SAMPLE_F32 : R_SAMPLE, NULL, NULL, v[0], t, fname);
    }
    if (pcg && (strcmp(n, "standard_normal") == 0 || strcmp(n, "normal") == 0)) {
        diag_error(l, "%s() is not supported yet: it draws with NumPy's ziggurat, whose tables "
                      "libtyles does not have", fname);
        diag_note((loc){0}, "np.random.seed(s) with np.random.randn / np.random.normal gives NumPy's "
                            "legacy normal stream bit for bit");
        return &ERRV;
    }
    if (strcmp(n, "standard_normal") == 0 || strcmp(n, "normal") == 0 || strcmp(n, "uniform") == 0) {
        int unif = n[0] == 'u', std = n[0] == 's';
        const char *pn[] = {unif ? "low" : "loc", unif ? "high" : "scale", "size"};
        const char *pstd[] = {"size"};
        if (!match_args(l, fname, &a, std ? 1 : 3, std ? pstd : pn, 0, v))
            return &ERRV;
        if (std) {
            v[2] = v[0];
            v[0] = v[1] = NULL;
        }
        ir_expr *p0 = v[0] ? rnd_float(v[0], fname, pn[0]) : ir_const_f(l, T_F64, 0.0);
        ir_expr *p1 = v[1] ? rnd_float(v[1], fname, pn[1]) : ir_const_f(l, T_F64, 1.0);
        if (!p0 || !p1)
            return &ERRV;
        return rnd_draw(c, l, gen, unif ? R_UNIFORM : R_GAUSS, p0, p1, v[2], T_F64, fname);
    }
    if (strcmp(n, "randint") == 0 || strcmp(n, "integers") == 0) {
        const char *pn[] = {"low", "high", "size", "dtype", "endpoint"};
        if (!match_args(l, fname, &a, pcg ? 5 : 4, pn, 1, v))
            return &ERRV;
        int64_t k = 0;
        if (v[4] && !(v[4]->kind == V_SCALAR && ir_expr_const_int(ir_cast(l, T_I64, v[4]->e), &k))) {
            diag_error(v[4]->l, "endpoint must be True or False (a value known when compiling)");
            return &ERRV;
        }
        return rnd_ints(c, l, gen, v, fname, k != 0);
    }
    diag_error(l, "'%s' is not supported in a stencil program", fname);
    diag_note((loc){0}, "%s", rnd_supported);
    return &ERRV;
}

static value *iter_items(lctx *c, ast *it);
static value *truth(lctx *c, value *v, const char *what);

/* list(it), tuple(it), zip(...), enumerate(...) and sum(it[, start]) of sequences known when
 * compiling; sum adds from the left starting at start (0), as Python does. */
static value *call_sequence(lctx *c, const char *f, ast *call)
{
    loc l = call->l;
    if (strcmp(f, "zip") == 0 || strcmp(f, "enumerate") == 0) {
        value *v = iter_items(c, call);
        return v ? v : &ERRV;
    }
    if (call->args.len < 1 || call->args.len > (f[0] == 's' ? 2 : 1) || call->kwargs.len) {
        diag_error(l, "%s() takes %s here", f, f[0] == 's' ? "a sequence and a start value" : "one sequence");
        return &ERRV;
    }
    value *items = iter_items(c, VEC_AT(call->args, 0, ast *));
    if (!items) {
        diag_error(VEC_AT(call->args, 0, ast *)->l, "%s() is supported over sequences known when "
                   "compiling (a list, tuple, comprehension, range() of constants)", f);
        return &ERRV;
    }
    if (items->kind == V_ERR || f[0] != 's')
        return items;
    value *acc = call->args.len == 2 ? lower_expr(c, VEC_AT(call->args, 1, ast *)) : scalar(l, I64(l, 0), 1);
    for (int i = 0; i < items->n && acc->kind != V_ERR; i++)
        acc = binop(c, l, OP_ADD, acc, items->items[i]);
    return acc;
}

static value *call_builtin(lctx *c, value *fn, ast *call)
{
    if (!fn->self && (strcmp(fn->str, "list") == 0 || strcmp(fn->str, "tuple") == 0 ||
                      strcmp(fn->str, "sum") == 0 || strcmp(fn->str, "zip") == 0 ||
                      strcmp(fn->str, "enumerate") == 0))
        return call_sequence(c, fn->str, call);
    if (strncmp(fn->str, "np.random.", 10) == 0 || strncmp(fn->str, "rng.", 4) == 0)
        return random_call(c, fn, call);
    const char *f = fn->str;
    if (strncmp(f, "np.", 3) == 0 || fn->self)
        return call_numpy(c, f, call, fn->self);
    args a = lower_args(c, call);
    if (any_err(&a))
        return &ERRV;
    loc l = call->l;
    if (strncmp(f, "math.", 5) == 0)
        return call_math(c, l, f, &a);
    if (strncmp(f, "time.", 5) == 0) {
        if (a.npos || a.nkw) {
            diag_error(l, "%s() takes no arguments", f);
            return &ERRV;
        }
        ir_expr **args = NEWN(ir_expr *, 1);
        args[0] = I64(l, strcmp(f, "time.time") == 0 ? 0 : 1);
        return scalar(l, ir_call(l, FN_WALLTIME, T_F64, 1, args), 1);
    }
    if (strcmp(f, "print") == 0) {
        value **vals = a.pos;
        ir_stmt *s = ir_stmt_new(S_PRINT, l);
        s->n = a.npos;
        s->args = NEWN(ir_expr *, a.npos + 1);
        s->strs = NEWN(const char *, a.npos + 1);
        s->str = " ";
        s->end = "\n";
        for (int k = 0; k < a.nkw; k++) {
            if ((strcmp(a.kwname[k], "sep") == 0 || strcmp(a.kwname[k], "end") == 0) &&
                (a.kw[k]->kind == V_STR || a.kw[k]->kind == V_NONE)) {
                const char *v = a.kw[k]->kind == V_STR ? a.kw[k]->str : NULL;
                if (a.kwname[k][0] == 's')
                    s->str = v ? v : " ";
                else
                    s->end = v ? v : "\n";
            } else if (strcmp(a.kwname[k], "flush") != 0) {
                diag_error(a.kwast[k]->l, "print() argument '%s' is not supported (sep= and end= "
                                          "take string literals)", a.kwname[k]);
                return &ERRV;
            }
        }
        for (int i = 0; i < a.npos; i++) {
            value *v = a.pos[i];
            if (v->kind == V_STR)
                s->strs[i] = v->str;
            else if (v->kind == V_SCALAR)
                s->args[i] = v->e;
            else if (v->kind == V_NONE)
                s->strs[i] = "None";
            else {
                diag_error(v->l, "print() of %s is not supported (print scalars, e.g. u.max() or u[i, j])",
                           vkind_desc(v));
                return &ERRV;
            }
        }
        emit(c, print_variants(s, vals, 0));
        return vnew(V_NONE, l);
    }
    if (strcmp(f, "slice") == 0) { /* slice(stop), slice(start, stop[, step]) */
        if (a.nkw || a.npos < 1 || a.npos > 3) {
            diag_error(l, "slice() takes 1 to 3 positional arguments");
            return &ERRV;
        }
        value *r = vnew(V_SLICE, l);
        r->n = 3;
        r->items = NEWN(value *, 3);
        value *none = vnew(V_NONE, l);
        r->items[0] = a.npos == 1 ? none : a.pos[0];
        r->items[1] = a.npos == 1 ? a.pos[0] : a.pos[1];
        r->items[2] = a.npos == 3 ? a.pos[2] : none;
        for (int i = 0; i < 3; i++)
            if (r->items[i]->kind != V_NONE && !is_int_scalar(r->items[i])) {
                diag_error(r->items[i]->l, "slice indices must be integers or None, not %s",
                           vkind_desc(r->items[i]));
                return &ERRV;
            }
        return r;
    }
    if (strcmp(f, "range") == 0) {
        diag_error(l, "range() is only supported as the iterable of a for loop");
        return &ERRV;
    }
    if (a.nkw) {
        diag_error(a.kwast[0]->l, "%s() takes no keyword arguments", f);
        return &ERRV;
    }
    if (strcmp(f, "len") == 0) {
        if (a.npos != 1 || a.pos[0]->kind != V_ARRAY) {
            if (a.npos == 1 && a.pos[0]->kind == V_TUPLE)
                return scalar(l, I64(l, a.pos[0]->n), 1);
            diag_error(l, "len() takes one array");
            return &ERRV;
        }
        value *v = scalar(l, a.pos[0]->len[0], 1);
        v->s = a.pos[0]->sh[0];
        return v;
    }
    if (strcmp(f, "min") == 0 || strcmp(f, "max") == 0) {
        if (a.npos < 2) {
            diag_error(l, "%s() of a single value is not supported; give two or more scalars", f);
            return &ERRV;
        }
        value *r = a.pos[0];
        int allconst = 1;
        for (int i = 0; i < a.npos; i++)
            allconst &= a.pos[i]->kind == V_SCALAR && a.pos[i]->e->kind == E_CONST;
        if (allconst) {
            /* constants: Python's rule (the first of the extreme values) decides the type too */
            for (int i = 1; i < a.npos; i++) {
                ir_expr *x = r->e, *y = a.pos[i]->e;
                double fx = ir_type_is_float(x->type) ? x->c.f : (double)x->c.i;
                double fy = ir_type_is_float(y->type) ? y->c.f : (double)y->c.i;
                if (f[1] == 'i' ? fy < fx : fy > fx)
                    r = a.pos[i];
            }
            return scalar(l, r->e, 1);
        }
        for (int i = 0; i < a.npos; i++) {
            if (a.pos[i]->kind != V_SCALAR) {
                diag_error(a.pos[i]->l, "%s() takes scalars here, not %s (use np.%s for arrays)", f,
                           vkind_desc(a.pos[i]), strcmp(f, "min") == 0 ? "minimum" : "maximum");
                return &ERRV;
            }
            if (ir_type_is_float(a.pos[i]->type) != ir_type_is_float(r->type)) {
                diag_error(l, "%s() of an int and a float is not supported (its result type would "
                              "depend on the values); convert with float()", f);
                return &ERRV;
            }
        }
        for (int i = 1; i < a.npos; i++) {
            value *b = a.pos[i];
            ir_type t = r->type == T_BOOL ? b->type : r->type;
            ir_op op = f[1] == 'i' ? OP_MIN : OP_MAX;
            value *nv = scalar(l, ir_bin(l, op, t, ir_cast(l, t, r->e), ir_cast(l, t, b->e), 1),
                               r->weak && b->weak);
            if (t == T_I64 && r->s && b->s)
                nv->s = sym_opaque(f, r->s, b->s);
            r = nv;
        }
        return r;
    }
    if (a.npos != 1) {
        diag_error(l, "%s() takes exactly one argument here", f);
        return &ERRV;
    }
    value *x = a.pos[0];
    if (strcmp(f, "abs") == 0 && x->kind == V_ARRAY) /* abs() of an array is np.abs */
        return unop(c, l, OP_ABS, x);
    if (x->kind != V_SCALAR) {
        diag_error(x->l, "%s() of %s is not supported", f, vkind_desc(x));
        return &ERRV;
    }
    if (strcmp(f, "float") == 0)
        return scalar(l, ir_cast(l, T_F64, x->e), 1);
    if (strcmp(f, "int") == 0) {
        if (!ir_type_is_float(x->type)) {
            value *v = scalar(l, ir_cast(l, T_I64, x->e), 1);
            v->s = x->s;
            return v;
        }
        if (x->e->kind == E_CONST && isfinite(x->e->c.f)) {
            /* exactly the doubles in [-2**63, 2**63) truncate to an int64 */
            double f = x->e->c.f;
            if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) {
                diag_error(l, "integer overflow: int(%g) does not fit in tylesc's 64-bit integers", f);
                return &ERRV;
            }
            return scalar(l, I64(l, (int64_t)f), 1);
        }
        /* at run time: Python's errors for inf and nan, and a message for what int64 cannot hold */
        ir_expr **args = NEWN(ir_expr *, 1);
        args[0] = ir_cast(l, T_F64, x->e);
        return scalar(l, ir_call(l, FN_PYINT, T_I64, 1, args), 1);
    }
    if (strcmp(f, "bool") == 0)
        return unop(c, l, OP_LNOT, unop(c, l, OP_LNOT, x));
    if (strcmp(f, "abs") == 0) {
        ir_type t = x->type == T_BOOL ? T_I64 : x->type;
        value *v = scalar(l, ir_un(l, OP_ABS, t, ir_cast(l, t, x->e)), x->weak);
        int64_t k;
        if (ir_expr_const_int(x->e, &k) && k == INT64_MIN) {
            diag_error(l, "integer overflow: abs(%lld) does not fit in tylesc's 64-bit integers",
                       (long long)k);
            return &ERRV;
        }
        if (ir_expr_const_int(x->e, &k))
            v = scalar(l, I64(l, k < 0 ? -k : k), 1);
        return v;
    }
    diag_error(l, "'%s()' is not supported in a stencil program", f);
    return &ERRV;
}

/* ---- ufuncs, reductions, np.roll, np.load --------------------------------------------------- */

static const struct { const char *name; ir_fn fn; } ufuncs[] = {
    {"sqrt", FN_SQRT}, {"exp", FN_EXP}, {"log", FN_LOG}, {"sin", FN_SIN}, {"cos", FN_COS},
    {"tan", FN_TAN}, {"tanh", FN_TANH}, {"floor", FN_FLOOR}, {"ceil", FN_CEIL}, {"sign", FN_SIGN},
    {"arcsin", FN_ASIN}, {"arccos", FN_ACOS}, {"arctan", FN_ATAN}, {"sinh", FN_SINH},
    {"cosh", FN_COSH}, {"arcsinh", FN_ASINH}, {"arccosh", FN_ACOSH}, {"arctanh", FN_ATANH},
    {"log10", FN_LOG10}, {"log2", FN_LOG2}, {"exp2", FN_EXP2}, {"expm1", FN_EXPM1},
    {"log1p", FN_LOG1P}, {"cbrt", FN_CBRT}, {"trunc", FN_TRUNC}, {"rint", FN_RINT},
};

/* NumPy's two-argument float ufuncs that are libm functions. */
static const struct { const char *name; ir_fn fn; } ufuncs2[] = {
    {"arctan2", FN_ATAN2}, {"hypot", FN_HYPOT}, {"copysign", FN_COPYSIGN}, {"fmod", FN_FMOD},
};

/* np.arctan2(y, x) and the other two-argument libm ufuncs: broadcast and promoted as an
 * addition would be (ints become float64), then the function of the two operands. */
static value *ufunc2(lctx *c, loc l, ir_fn fn, value *x, value *y)
{
    if (x->kind == V_ERR || y->kind == V_ERR)
        return &ERRV;
    if (fn == FN_FMOD && !ir_type_is_float(x->type) && !ir_type_is_float(y->type)) {
        diag_error(l, "np.fmod() of integers is not supported (use %% for Python's modulo)");
        return &ERRV;
    }
    if (x->kind == V_SCALAR && y->kind == V_SCALAR) {
        ir_type t = promote_vals(x, y);
        t = ir_type_is_float(t) ? t : T_F64;
        ir_expr **args = NEWN(ir_expr *, 2);
        args[0] = ir_cast(l, t, x->e);
        args[1] = ir_cast(l, t, y->e);
        return scalar(l, ir_call(l, fn, t, 2, args), 0);
    }
    value *r = binop(c, l, OP_ADD, x, y);
    if (r->kind != V_ARRAY || r->e->kind != E_BIN)
        return r->kind == V_ERR ? r : (diag_error(l, "np.%s() of these operands is not supported",
                                                  ir_fn_name(fn)), &ERRV);
    ir_type t = ir_type_is_float(r->type) ? r->type : T_F64;
    ir_expr **args = NEWN(ir_expr *, 2);
    args[0] = ir_cast(l, t, r->e->a);
    args[1] = ir_cast(l, t, r->e->b);
    r->type = t;
    r->e = ir_call(l, fn, t, 2, args);
    return r;
}

static value *ufunc1(lctx *c, loc l, ir_fn fn, value *x)
{
    (void)c;
    if (x->kind != V_SCALAR && x->kind != V_ARRAY) {
        diag_error(x->l, "np.%s() of %s is not supported", ir_fn_name(fn), vkind_desc(x));
        return &ERRV;
    }
    ir_type t = x->type;
    if ((fn == FN_FLOOR || fn == FN_CEIL || fn == FN_TRUNC) && !ir_type_is_float(t))
        return x; /* NumPy 2 keeps integers as they are */
    ir_type rt = fn == FN_SIGN ? (t == T_BOOL ? T_I64 : t) : ir_type_is_float(t) ? t : T_F64;
    ir_expr **args = NEWN(ir_expr *, 1);
    args[0] = ir_cast(l, rt, x->e);
    ir_expr *e = ir_call(l, fn, rt, 1, args);
    if (x->kind == V_SCALAR)
        return scalar(l, e, 0);
    value *r = vnew(V_ARRAY, l);
    *r = *x;
    r->l = l;
    r->fresh = NULL;
    r->type = rt;
    r->e = e;
    return r;
}

/* np.where(c, a, b): three operands broadcast together. */
static value *where3(lctx *c, loc l, value *cond, value *a, value *b)
{
    if (cond->kind == V_ERR || a->kind == V_ERR || b->kind == V_ERR)
        return &ERRV;
    for (value **v = (value *[]){cond, a, b}, **e = v + 3; v < e; v++)
        if ((*v)->kind != V_SCALAR && (*v)->kind != V_ARRAY) {
            diag_error((*v)->l, "np.where() of %s is not supported", vkind_desc(*v));
            return &ERRV;
        }
    ir_type t = promote_vals(a, b);
    ir_expr *ce = cond->type == T_BOOL ? cond->e
                  : ir_bin(l, OP_CNE, T_BOOL, cond->e,
                           ir_type_is_float(cond->type) ? ir_const_f(l, cond->type, 0.0) : ir_const_i(l, cond->type, 0), 0);
    if (cond->kind == V_SCALAR && a->kind == V_SCALAR && b->kind == V_SCALAR)
        return scalar(l, ir_select(l, t, ce, ir_cast(l, t, a->e), ir_cast(l, t, b->e)), 0);
    value ab = {0}, r = {0};
    ab.kind = V_ARRAY;
    ab.l = a->l;
    int sa, sb, sab, sc;
    unsigned ma, mb, mab, mc;
    if (!broadcast(c, l, a, b, &ab, &sa, &ma, &sb, &mb))
        return &ERRV;
    if (ab.rank == 0) { /* a and b are scalars: the condition gives the shape */
        ab.kind = V_SCALAR;
    }
    value cv = *cond;
    cv.e = ce;
    if (!broadcast(c, l, &cv, &ab, &r, &sc, &mc, &sab, &mab))
        return &ERRV;
    ir_expr *ea = ir_cast(l, t, a->kind == V_ARRAY ? remap(remap(a->e, sa, ma), sab, mab) : a->e);
    ir_expr *eb = ir_cast(l, t, b->kind == V_ARRAY ? remap(remap(b->e, sb, mb), sab, mab) : b->e);
    ir_expr *ec = cond->kind == V_ARRAY ? remap(ce, sc, mc) : ce;
    value *res = vnew(V_ARRAY, l);
    res->type = t;
    res->rank = r.rank;
    for (int d = 0; d < r.rank; d++) {
        res->sh[d] = r.sh[d];
        res->len[d] = r.len[d];
    }
    res->e = ir_select(l, t, ec, ea, eb);
    return res;
}

/* sum, max, min, mean, norm of a whole array: an S_REDUCE into a new scalar. */
static value *reduce(lctx *c, loc l, const char *kind, value *x);

/* A reduction of a[m]: the unselected elements are the reduction's identity (0 for sums, -inf
 * or the type's least value for max, ...), and max/min of an empty selection is NumPy's error;
 * mean divides by the number selected (0/0 is nan, as NumPy's mean of an empty array). */
static value *reduce_masked(lctx *c, loc l, const char *kind, value *x)
{
    int mx = strcmp(kind, "max") == 0 || strcmp(kind, "amax") == 0;
    int mn = strcmp(kind, "min") == 0 || strcmp(kind, "amin") == 0;
    int mean = strcmp(kind, "mean") == 0;
    ir_type t = x->self->type;
    ir_expr *fill;
    if (mx || mn) {
        if (ir_type_is_float(t))
            fill = ir_const_f(l, t, mx ? -INFINITY : INFINITY);
        else if (t == T_BOOL)
            fill = ir_const_i(l, t, mx ? 0 : 1);
        else
            fill = ir_const_i(l, t, t == T_I32 ? (mx ? INT32_MIN : INT32_MAX) : (mx ? INT64_MIN : INT64_MAX));
    } else
        fill = ir_type_is_float(t) ? ir_const_f(l, t, 0.0) : ir_const_i(l, t, 0);
    value *w = where3(c, l, x->mask, x->self, scalar(l, fill, 0));
    if (w->kind == V_ERR)
        return &ERRV;
    value *r = reduce(c, l, mean ? "sum" : kind, w);
    if (!(mx || mn || mean) || r->kind == V_ERR)
        return r;
    value *count = reduce(c, l, "sum", x->mask);
    if (count->kind == V_ERR)
        return &ERRV;
    if (mean) {
        ir_type acc = t == T_F32 ? T_F32 : T_F64;
        return scalar(l, ir_bin(l, OP_TRUEDIV, acc, ir_cast(l, acc, r->e), ir_cast(l, acc, count->e), 0), 0);
    }
    ir_expr **args = NEWN(ir_expr *, 3);
    args[0] = count->e;
    args[1] = r->e;
    args[2] = I64(l, mx);
    return scalar(l, ir_call(l, FN_NONEMPTY, r->type, 3, args), 0);
}

static value *reduce(lctx *c, loc l, const char *kind, value *x)
{
    if (x->kind == V_ERR)
        return &ERRV;
    if (x->kind == V_MASKED && strcmp(kind, "norm") != 0)
        return reduce_masked(c, l, kind, x);
    if (x->kind != V_SCALAR && x->kind != V_ARRAY) {
        diag_error(x->l, "%s() of %s is not supported", kind, vkind_desc(x));
        return &ERRV;
    }
    int sum = strcmp(kind, "sum") == 0, mean = strcmp(kind, "mean") == 0, norm = strcmp(kind, "norm") == 0;
    int mx = strcmp(kind, "max") == 0 || strcmp(kind, "amax") == 0;
    ir_type t = x->type, acc;
    if (sum)
        acc = ir_type_is_float(t) ? t : T_I64;
    else if (mean || norm)
        acc = t == T_F32 ? T_F32 : T_F64;
    else
        acc = t;
    ir_expr *v = ir_cast(l, acc, x->e);
    if (norm)
        v = ir_bin(l, OP_MUL, acc, v, v, 0);
    if (x->kind == V_SCALAR) {
        if (norm) {
            ir_expr **args = NEWN(ir_expr *, 1);
            args[0] = v;
            return scalar(l, ir_call(l, FN_SQRT, acc, 1, args), 0);
        }
        return scalar(l, v, 0);
    }
    ir_var *r = temp_scalar(c, acc);
    ir_stmt *s = ir_stmt_new(S_REDUCE, l);
    s->var = r;
    s->op = (sum || mean || norm) ? OP_ADD : mx ? OP_NPMAX : OP_NPMIN;
    s->e = v;
    s->n = x->rank;
    s->shape = NEWN(ir_expr *, x->rank);
    for (int d = 0; d < x->rank; d++)
        s->shape[d] = x->len[d];
    emit(c, s);
    ir_expr *res = ir_varref(l, r);
    if (mean) {
        ir_expr *n = x->len[0];
        for (int d = 1; d < x->rank; d++)
            n = ir_bin(l, OP_MUL, T_I64, n, x->len[d], 0);
        res = ir_bin(l, OP_TRUEDIV, acc, res, ir_cast(l, acc, n), 0);
    }
    if (norm) {
        ir_expr **args = NEWN(ir_expr *, 1);
        args[0] = res;
        res = ir_call(l, FN_SQRT, acc, 1, args);
    }
    return scalar(l, res, 0);
}

/* np.roll(a, shift, axis): a periodic view (indices taken modulo the extent). */
static value *roll(lctx *c, loc l, value *a, value *shift, value *axis)
{
    if (a->kind != V_ARRAY) {
        if (a->kind != V_ERR)
            diag_error(a->l, "np.roll() of %s is not supported", vkind_desc(a));
        return &ERRV;
    }
    ir_expr *sh = int_operand(shift, "the shift of np.roll()");
    if (!sh)
        return &ERRV;
    int64_t ax = 0;
    if (axis && axis->kind != V_NONE) {
        if (axis->kind != V_SCALAR || !ir_expr_const_int(axis->e, &ax)) {
            diag_error(axis->l, "the axis of np.roll() must be an integer constant");
            return &ERRV;
        }
    } else if (a->rank != 1) {
        diag_error(l, "np.roll() without axis= flattens the array, which is not supported; give axis=");
        return &ERRV;
    }
    if (ax < 0)
        ax += a->rank;
    if (ax < 0 || ax >= a->rank) {
        diag_error(axis->l, "axis %lld is out of bounds for array of dimension %d", (long long)ax, a->rank);
        return &ERRV;
    }
    /* roll whole dimensions of an array: anything else is computed first */
    if (a->e->kind != E_READ || !whole_slot(a))
        a = materialize(c, a);
    ir_view *v = ir_view_clone(a->e->view);
    ir_dim *m = &v->dim[ax];
    m->wrap = m->len;
    int64_t k;
    m->lo = ir_expr_const_int(sh, &k) && k != INT64_MIN ? I64(l, -k) : ir_un(l, OP_NEG, T_I64, sh);
    m->slo = NULL;
    value *r = vnew(V_ARRAY, l);
    *r = *a;
    r->l = l;
    r->fresh = NULL;
    r->e = ir_read(l, v);
    return r;
}

static int view_has_wrap(ir_view *v)
{
    for (int d = 0; d < v->rank; d++)
        if (v->dim[d].kind == D_RANGE && v->dim[d].wrap)
            return 1;
    return 0;
}

static value *load(lctx *c, loc l, value *fname)
{
    if (fname->kind != V_STR) {
        diag_error(fname->l, "np.load() needs the file name as a string literal");
        return &ERRV;
    }
    ir_type t = T_F64; /* set by npy_input_peek when it succeeds */
    int rank = 0;
    const char *why = NULL;
    int st = npy_input_peek(fname->str, &t, &rank, &why);
    if (st == 0) {
        diag_error(fname->l, "cannot see '%s' at compile time: the compiler reads its dtype and number "
                             "of dimensions from the file (looked in the working directory, next to "
                             "the program and in PROGRAM.data/)", fname->str);
        return &ERRV;
    }
    if (st < 0) {
        diag_error(fname->l, "%s", why);
        return &ERRV;
    }
    ir_var *tmp = temp_slot(c, t, rank);
    ir_stmt *s = ir_stmt_new(S_LOAD, l);
    s->var = tmp;
    s->str = fname->str;
    emit(c, s);
    /* the file's shape is known only at run time: one opaque atom per extent, so arrays
     * derived from it have extents that differ from it by constants (halo reasoning) */
    const sym **sh = NEWN(const sym *, rank);
    for (int d = 0; d < rank; d++) {
        char key[96], disp[96];
        snprintf(key, sizeof key, "np.load@%d:%d#%d", l.line, l.col, d);
        snprintf(disp, sizeof disp, "np.load(...).shape[%d]", d);
        sh[d] = sym_var(sym_atom(arena_strdup(&util_arena, key), arena_strdup(&util_arena, disp)));
    }
    value *v = slot_value(l, tmp, sh);
    v->fresh = tmp;
    return v;
}

/* ---- grid constructors: np.linspace, np.arange ---------------------------------------------- */

/* A scalar argument that must be a compile-time bool (endpoint=, retstep=); dflt if absent. */
static int const_flag(value *v, int dflt, const char *what, int *ok)
{
    int64_t k;
    if (!v)
        return dflt;
    if (v->kind == V_SCALAR && ir_expr_const_int(ir_cast(v->l, T_I64, v->e), &k))
        return k != 0;
    diag_error(v->l, "%s must be True or False (a value known when compiling)", what);
    *ok = 0;
    return dflt;
}

/* fn(x) (ir_call keeps its argument array, so it lives in the arena). */
static ir_expr *call1(loc l, ir_fn fn, ir_type t, ir_expr *x)
{
    ir_expr **args = NEWN(ir_expr *, 1);
    args[0] = x;
    return ir_call(l, fn, t, 1, args);
}

/* A new 1-D array of n elements, element i computed by e from the sweep index (E_INDEX). */
static value *grid_1d(lctx *c, loc l, ir_type t, ir_expr *n, const sym *sn, ir_expr *e)
{
    ir_expr *len[1] = {n};
    const sym *sh[1] = {sn};
    value *body = vnew(V_ARRAY, l);
    body->type = t;
    body->rank = 1;
    body->sh[0] = sn;
    body->len[0] = n;
    body->e = e;
    value *r = new_array(c, l, t, 1, len, sh, 0, NULL);
    emit_sweep(c, l, r, body, 1);
    return r;
}

static int real_scalar(value *v, const char *fname, const char *what)
{
    if (v->kind == V_SCALAR && v->type != T_BOOL)
        return 1;
    diag_error(v->l, "%s(): %s must be an int or float scalar (arrays are not supported), not %s",
               fname, what, vkind_desc(v));
    return 0;
}

/* np.linspace with NumPy 2's own formula: step = (stop - start) / div, y[i] = i * step + start
 * (i / div * delta + start where the step underflows to zero), y[-1] = stop with endpoint. */
static value *linspace(lctx *c, loc l, args *a)
{
    const char *pn[] = {"start", "stop", "num", "endpoint", "retstep", "dtype", "axis"};
    value *v[7];
    if (!match_args(l, "np.linspace", a, 7, pn, 2, v))
        return &ERRV;
    if (!real_scalar(v[0], "np.linspace", "start") || !real_scalar(v[1], "np.linspace", "stop"))
        return &ERRV;
    int ok = 1;
    int endpoint = const_flag(v[3], 1, "endpoint", &ok);
    int retstep = const_flag(v[4], 0, "retstep", &ok);
    ir_type t = T_F64;
    if (v[5] && v[5]->kind != V_NONE && !dtype_of(v[5], &t))
        return &ERRV;
    int64_t k;
    if (v[6] && !(v[6]->kind == V_SCALAR && ir_expr_const_int(v[6]->e, &k) && k == 0)) {
        diag_error(v[6]->l, "np.linspace(): only axis=0 is supported (start and stop are scalars)");
        ok = 0;
    }
    ir_expr *num = v[2] ? int_operand(v[2], "np.linspace(): num") : I64(l, 50);
    if (!num || !ok)
        return &ERRV;
    if (ir_expr_const_int(num, &k) && k < 0) {
        diag_error(v[2]->l, "Number of samples, %lld, must be non-negative.", (long long)k);
        return &ERRV;
    }
    const sym *snum = v[2] ? v[2]->s : sym_const(50);
    ir_expr *start = ir_cast(l, T_F64, v[0]->e), *stop = ir_cast(l, T_F64, v[1]->e);
    ir_expr *div = endpoint ? ir_bin(l, OP_SUB, T_I64, num, I64(l, 1), 0) : num;
    ir_expr *fdiv = ir_cast(l, T_F64, div);
    ir_expr *delta = ir_bin(l, OP_SUB, T_F64, stop, start, 0);
    ir_expr *step = ir_bin(l, OP_TRUEDIV, T_F64, delta, fdiv, 0);
    ir_expr *has_div = ir_bin(l, OP_CGT, T_BOOL, div, I64(l, 0), 0);
    ir_expr *i = ir_index(l, T_F64, 0);
    ir_expr *scaled = ir_select(
        l, T_F64, has_div,
        ir_select(l, T_F64, ir_bin(l, OP_CEQ, T_BOOL, step, ir_const_f(l, T_F64, 0.0), 0),
                  ir_bin(l, OP_MUL, T_F64, ir_bin(l, OP_TRUEDIV, T_F64, i, fdiv, 0), delta, 0),
                  ir_bin(l, OP_MUL, T_F64, i, step, 0)),
        ir_bin(l, OP_MUL, T_F64, i, delta, 0));
    ir_expr *y = ir_bin(l, OP_ADD, T_F64, scaled, start, 0);
    if (endpoint) {
        ir_expr *last = ir_bin(l, OP_LAND, T_BOOL,
                               ir_bin(l, OP_CEQ, T_BOOL, ir_index(l, T_I64, 0), div, 0),
                               ir_bin(l, OP_CGT, T_BOOL, num, I64(l, 1), 0), 0);
        y = ir_select(l, T_F64, last, stop, y);
    }
    if (ir_type_is_int(t))
        y = call1(l, FN_FLOOR, T_F64, y);
    value *r = grid_1d(c, l, t, num, snum, ir_cast(l, t, y));
    if (!retstep)
        return r;
    value *tup = vnew(V_TUPLE, l);
    tup->n = 2;
    tup->items = NEWN(value *, 2);
    tup->items[0] = r;
    tup->items[1] = scalar(l, ir_select(l, T_F64, has_div, step, ir_const_f(l, T_F64, NAN)), 0);
    return tup;
}

/* np.arange: the length is ceil((stop - start) / step) as NumPy computes it (in double, 1 when
 * that underflows to zero from a positive quotient); ints give int64 start + i * step, floats
 * NumPy's fill: y[0] = start, y[1] = start + step, y[i] = y[0] + i * (y[1] - y[0]). */
static value *arange(lctx *c, loc l, args *a)
{
    const char *pn[] = {"start", "stop", "step", "dtype"};
    value *v[4];
    if (!match_args(l, "np.arange", a, 4, pn, 1, v))
        return &ERRV;
    value *start = v[0], *stop = v[1], *step = v[2];
    if (!stop) { /* arange(stop) */
        stop = start;
        start = scalar(l, I64(l, 0), 1);
        start->s = sym_const(0);
    }
    if (!step) {
        step = scalar(l, I64(l, 1), 1);
        step->s = sym_const(1);
    }
    if (!real_scalar(start, "np.arange", "start") || !real_scalar(stop, "np.arange", "stop") ||
        !real_scalar(step, "np.arange", "step"))
        return &ERRV;
    int isf = ir_type_is_float(start->type) || ir_type_is_float(stop->type) ||
              ir_type_is_float(step->type);
    ir_type t = isf ? T_F64 : T_I64;
    if (v[3] && v[3]->kind != V_NONE && !dtype_of(v[3], &t))
        return &ERRV;
    if (t == T_BOOL || (isf && ir_type_is_int(t))) {
        diag_error(v[3]->l, "np.arange(): dtype %s with these arguments is not supported",
                   t == T_BOOL ? "bool" : "int");
        return &ERRV;
    }
    /* Python's (stop - start) / step: a zero step is Python's ZeroDivisionError. */
    value *q = py_binop(c, l, OP_TRUEDIV, py_binop(c, l, OP_SUB, stop, start), step);
    if (q->kind == V_ERR)
        return &ERRV;
    ir_expr *qe = ir_cast(l, T_F64, q->e);
    ir_expr *zero = ir_const_f(l, T_F64, 0.0);
    ir_expr *nonzero = ir_bin(l, OP_CNE, T_BOOL, ir_cast(l, T_F64, stop->e), ir_cast(l, T_F64, start->e), 0);
    ir_expr *under = ir_bin(l, OP_LAND, T_BOOL, ir_bin(l, OP_CEQ, T_BOOL, qe, zero, 0), nonzero, 0);
    ir_expr *positive = ir_bin(l, OP_CGT, T_BOOL, ir_bin(l, OP_TRUEDIV, T_F64, ir_const_f(l, T_F64, 1.0), qe, 0),
                               zero, 0);
    ir_expr *ceil_len = call1(l, FN_PYINT, T_I64, call1(l, FN_CEIL, T_F64, qe));
    ir_expr *n = ir_select(l, T_I64, under, ir_cast(l, T_I64, positive), ceil_len);
    n = ir_bin(l, OP_MAX, T_I64, n, I64(l, 0), 0);
    const sym *sn = NULL;
    int64_t k;
    if (ir_expr_const_int(n, &k))
        sn = sym_const(k);
    else if (!isf && is_one(step->s) && start->s && stop->s)
        sn = sym_sub(stop->s, start->s); /* as long as stop >= start, which the run checks */
    ir_expr *y;
    ir_expr *i = ir_index(l, T_I64, 0);
    if (!isf && ir_type_is_int(t)) {
        y = ir_bin(l, OP_ADD, T_I64, ir_cast(l, T_I64, start->e),
                   ir_bin(l, OP_MUL, T_I64, i, ir_cast(l, T_I64, step->e), 0), 0);
    } else {
        value *next = py_binop(c, l, OP_ADD, start, step);
        ir_expr *y0 = ir_cast(l, t, start->e), *y1 = ir_cast(l, t, next->e);
        ir_expr *delta = ir_bin(l, OP_SUB, t, y1, y0, 0);
        y = ir_select(l, t, ir_bin(l, OP_CEQ, T_BOOL, i, I64(l, 0), 0), y0,
                      ir_select(l, t, ir_bin(l, OP_CEQ, T_BOOL, i, I64(l, 1), 0), y1,
                                ir_bin(l, OP_ADD, t, y0, ir_bin(l, OP_MUL, t, ir_cast(l, t, i), delta, 0), 0)));
    }
    return grid_1d(c, l, t, n, sn, ir_cast(l, t, y));
}

/* The 1-D array a as a value of rank ndim that varies along axis (extent 1 elsewhere): a read
 * whose one range dimension iterates box dimension `axis`. */
static value *along_axis(lctx *c, loc l, value *a, int axis, int ndim)
{
    if (a->e->kind != E_READ || view_has_wrap(a->e->view))
        a = materialize(c, a);
    ir_view *v = ir_view_clone(a->e->view);
    value *r = vnew(V_ARRAY, l);
    r->type = a->type;
    r->rank = ndim;
    for (int p = 0; p < ndim; p++) {
        r->sh[p] = sym_const(1);
        r->len[p] = I64(l, 1);
    }
    r->sh[axis] = a->sh[0];
    r->len[axis] = a->len[0];
    for (int d = 0; d < v->rank; d++)
        if (v->dim[d].kind == D_RANGE)
            v->dim[d].box = axis;
    r->e = ir_read(l, v);
    return r;
}

/* np.meshgrid(x0, x1, ..., indexing='xy'|'ij', sparse=, copy=): output k varies along axis k
 * (axes 0 and 1 swapped for 'xy'); sparse outputs have extent 1 elsewhere, full ones are
 * broadcast into new arrays (NumPy's copy=True; copy=False views are copies here too). */
static value *meshgrid(lctx *c, loc l, args *a)
{
    int n = a->npos, ok = 1, sparse = 0, xy = 1;
    if (n < 1 || n > IR_MAX_RANK) {
        diag_error(l, "np.meshgrid() of %d arrays is not supported (1 to %d)", n, IR_MAX_RANK);
        return &ERRV;
    }
    for (int k = 0; k < a->nkw; k++) {
        value *kv = a->kw[k];
        if (strcmp(a->kwname[k], "sparse") == 0)
            sparse = const_flag(kv, 0, "sparse", &ok);
        else if (strcmp(a->kwname[k], "copy") == 0)
            (void)const_flag(kv, 1, "copy", &ok);
        else if (strcmp(a->kwname[k], "indexing") == 0) {
            if (kv->kind == V_STR && (strcmp(kv->str, "xy") == 0 || strcmp(kv->str, "ij") == 0))
                xy = kv->str[0] == 'x';
            else {
                diag_error(kv->l, "Valid values for `indexing` are 'xy' and 'ij'.");
                ok = 0;
            }
        } else {
            diag_error(a->kwast[k]->l, "np.meshgrid() got an unexpected keyword argument '%s'",
                       a->kwname[k]);
            ok = 0;
        }
    }
    for (int k = 0; k < n; k++)
        if (a->pos[k]->kind != V_ARRAY || a->pos[k]->rank != 1) {
            diag_error(a->pos[k]->l, "np.meshgrid() takes 1-D arrays (this is %s)",
                       a->pos[k]->kind == V_ARRAY ? "an array of several dimensions"
                                                  : vkind_desc(a->pos[k]));
            ok = 0;
        }
    if (!ok)
        return &ERRV;
    int axis[IR_MAX_RANK];
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    for (int k = 0; k < n; k++) {
        axis[k] = (xy && n > 1 && k < 2) ? 1 - k : k;
        len[axis[k]] = a->pos[k]->len[0];
        sh[axis[k]] = a->pos[k]->sh[0];
    }
    value *tup = vnew(V_TUPLE, l);
    tup->n = n;
    tup->items = NEWN(value *, n);
    for (int k = 0; k < n; k++) {
        value *g = along_axis(c, l, a->pos[k], axis[k], n);
        if (sparse)
            tup->items[k] = materialize(c, g);
        else {
            value *r = new_array(c, l, g->type, n, len, sh, 0, NULL);
            emit_sweep(c, l, r, g, 1);
            tup->items[k] = r;
        }
    }
    return tup;
}

/* ---- reductions along an axis, cumsum, diff ------------------------------------------------- */

/* a with its axis-th own dimension fixed at index k (a value of one dimension less). */
static value *fix_axis(lctx *c, loc l, value *a, int axis, ir_expr *k)
{
    if (a->e->kind != E_READ || view_has_wrap(a->e->view))
        a = materialize(c, a);
    ir_view *v = ir_view_clone(a->e->view);
    value *r = vnew(V_ARRAY, l);
    r->type = a->type;
    int own = 0;
    v->vrank = 0;
    for (int d = 0; d < v->rank; d++) {
        ir_dim *m = &v->dim[d];
        if (m->kind != D_RANGE)
            continue;
        if (own++ == axis) {
            m->kind = D_FIXED;
            m->lo = iadd(l, m->lo, imul(l, m->step, k));
            m->slo = NULL;
            continue;
        }
        m->box = v->vrank;
        r->sh[v->vrank] = m->slen;
        r->len[v->vrank] = m->len;
        v->vrank++;
    }
    r->rank = v->vrank;
    r->e = ir_read(l, v);
    return r;
}

/* r (rank n) read as rank n + 1 with an extent-1 dimension at axis (keepdims=True), computed
 * into a new array. */
static value *insert_axis(lctx *c, loc l, value *r, int axis)
{
    if (r->e->kind != E_READ || view_has_wrap(r->e->view))
        r = materialize(c, r);
    ir_view *v = ir_view_clone(r->e->view);
    value *k = vnew(V_ARRAY, l);
    k->type = r->type;
    k->rank = r->rank + 1;
    for (int p = 0, q = 0; p < k->rank; p++) {
        if (p == axis) {
            k->sh[p] = sym_const(1);
            k->len[p] = I64(l, 1);
            continue;
        }
        k->sh[p] = r->sh[q];
        k->len[p] = r->len[q++];
    }
    for (int d = 0; d < v->rank; d++)
        if (v->dim[d].kind == D_RANGE && v->dim[d].box >= axis)
            v->dim[d].box++;
    k->e = ir_read(l, v);
    return materialize(c, k);
}

/* An axis= argument: a compile-time int in [-rank, rank), normalised. */
static int axis_arg(value *v, int rank, const char *fname, int *axis)
{
    int64_t k;
    if (v->kind == V_TUPLE) {
        diag_error(v->l, "%s() over a tuple of axes is not supported; reduce one axis at a time", fname);
        return 0;
    }
    if (v->kind != V_SCALAR || !ir_type_is_int(v->type) || !ir_expr_const_int(v->e, &k)) {
        diag_error(v->l, "%s(): axis must be an int known when compiling", fname);
        return 0;
    }
    if (k < -rank || k >= rank) {
        diag_error(v->l, "axis %lld is out of bounds for array of dimension %d", (long long)k, rank);
        return 0;
    }
    *axis = (int)(k < 0 ? k + rank : k);
    return 1;
}

/* for k in range(lo, n): body, where body() emits the loop's statements reading k. */
static ir_stmt *loop_over(lctx *c, loc l, ir_expr *lo, ir_expr *n, ir_var **k)
{
    ir_stmt *st = ir_stmt_new(S_FOR, l);
    st->e = lo;
    st->e2 = n;
    st->e3 = I64(l, 1);
    if (n->kind != E_CONST && n->kind != E_VAR) {
        ir_var *tv = temp_scalar(c, T_I64);
        ir_stmt *as = ir_stmt_new(S_ASSIGN, l);
        as->var = tv;
        as->e = n;
        emit(c, as);
        st->e2 = ir_varref(l, tv);
    }
    st->var = *k = ir_var_new(c->prog, cname(c, "axis_it"), "axis_it", T_I64, 0, 0);
    return st;
}

/* np.sum/mean/max/min/any/all(a, axis=k, keepdims=): the slices along the axis are combined in
 * order, one sweep per slice (as NumPy does for all but the last axis; along the last axis
 * NumPy sums pairwise, so sums and means may differ by rounding there); max and min of an
 * empty axis are NumPy's error. */
static value *reduce_axis(lctx *c, loc l, const char *kind, value *x, int axis, int keepdims)
{
    int sum = strcmp(kind, "sum") == 0, mean = strcmp(kind, "mean") == 0;
    int mx = strcmp(kind, "max") == 0 || strcmp(kind, "amax") == 0;
    int any = strcmp(kind, "any") == 0, all = strcmp(kind, "all") == 0;
    ir_type t = x->type, acc;
    if (sum)
        acc = ir_type_is_float(t) ? t : T_I64;
    else if (mean)
        acc = t == T_F32 ? T_F32 : T_F64;
    else if (any || all)
        acc = T_BOOL;
    else
        acc = t;
    ir_op op = (sum || mean) ? OP_ADD : any ? OP_BOR : all ? OP_BAND : mx ? OP_NPMAX : OP_NPMIN;
    ir_expr *n = x->len[axis];
    if (x->e->kind != E_READ || view_has_wrap(x->e->view))
        x = materialize(c, x);
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    for (int d = 0, q = 0; d < x->rank; d++)
        if (d != axis) {
            len[q] = x->len[d];
            sh[q++] = x->sh[d];
        }
    value *r;
    ir_expr *first;
    if (x->rank == 1) { /* a 1-D array reduces to a scalar: the whole-array reduction */
        r = reduce(c, l, any ? "max" : all ? "min" : kind, x);
        if (r->kind == V_ERR)
            return r;
        if (any || all)
            r->e = ir_cast(l, T_BOOL, r->e);
        if (!keepdims)
            return r;
        ir_expr *one[1] = {I64(l, 1)};
        const sym *sone[1] = {sym_const(1)};
        return new_array(c, l, any || all ? T_BOOL : r->type, 1, one, sone, 2, r->e);
    }
    if (sum || mean || any || all) {
        ir_expr *zero = acc == T_BOOL ? ir_const_i(l, T_BOOL, all) :
                        ir_type_is_float(acc) ? ir_const_f(l, acc, 0.0) : ir_const_i(l, acc, 0);
        r = new_array(c, l, acc, x->rank - 1, len, sh, 2, zero);
        first = I64(l, 0);
    } else {
        r = new_array(c, l, acc, x->rank - 1, len, sh, 0, NULL);
        ir_expr **args = NEWN(ir_expr *, 3);
        args[0] = n;
        args[1] = I64(l, 0);
        args[2] = I64(l, axis);
        emit_sweep(c, l, r, fix_axis(c, l, x, axis, ir_call(l, FN_INDEX, T_I64, 3, args)), 1);
        first = I64(l, 1);
    }
    ir_var *k;
    ir_stmt *st = loop_over(c, l, first, n, &k);
    vec *saved = c->out;
    c->out = &st->body;
    value *slice = fix_axis(c, l, x, axis, ir_varref(l, k));
    if (any || all) {
        value *b = vnew(V_ARRAY, l);
        *b = *slice;
        b->e = ir_cast(l, T_BOOL, slice->e);
        b->type = T_BOOL;
        slice = b;
    }
    value *upd = binop(c, l, op, r, slice);
    if (upd->kind != V_ERR)
        emit_sweep(c, l, r, upd, 0);
    c->out = saved;
    emit(c, st);
    if (mean) {
        value *cnt = scalar(l, ir_cast(l, acc, n), 0);
        value *q = binop(c, l, OP_TRUEDIV, r, cnt);
        if (q->kind == V_ERR)
            return &ERRV;
        emit_sweep(c, l, r, q, 0);
    }
    return keepdims ? insert_axis(c, l, r, axis) : r;
}

/* np.cumsum(a, axis=k): a running sum along the axis, one sweep per slice. */
static value *cumsum(lctx *c, loc l, value *x, value *axisv)
{
    int axis = 0;
    if (x->kind != V_ARRAY) {
        diag_error(x->l, "np.cumsum() takes an array, not %s", vkind_desc(x));
        return &ERRV;
    }
    if (!axisv || axisv->kind == V_NONE) {
        if (x->rank != 1) {
            diag_error(l, "np.cumsum() of a %d-D array without axis= (it flattens) is not supported",
                       x->rank);
            return &ERRV;
        }
    } else if (!axis_arg(axisv, x->rank, "np.cumsum", &axis))
        return &ERRV;
    ir_type acc = ir_type_is_float(x->type) ? x->type : T_I64;
    value *r = new_array(c, l, acc, x->rank, x->len, x->sh, 0, NULL);
    emit_sweep(c, l, r, x, 1);
    ir_var *k;
    ir_stmt *st = loop_over(c, l, I64(l, 1), x->len[axis], &k);
    vec *saved = c->out;
    c->out = &st->body;
    ir_expr *km1 = ir_bin(l, OP_SUB, T_I64, ir_varref(l, k), I64(l, 1), 0);
    if (x->rank == 1) { /* element by element: r[k] = r[k - 1] + r[k] */
        ir_var *slot = whole_slot(r);
        ir_expr **ik = NEWN(ir_expr *, 1), **ikm1 = NEWN(ir_expr *, 1);
        ik[0] = ir_varref(l, k);
        ikm1[0] = km1;
        ir_stmt *se = ir_stmt_new(S_SETELEM, l);
        se->var = slot;
        se->n = 1;
        se->args = ik;
        se->e = ir_bin(l, OP_ADD, acc, ir_elem(l, slot, ikm1), ir_elem(l, slot, ik), 0);
        emit(c, se);
        c->out = saved;
        emit(c, st);
        return r;
    }
    value *cur = fix_axis(c, l, r, axis, ir_varref(l, k));
    value *upd = binop(c, l, OP_ADD, fix_axis(c, l, r, axis, km1), cur);
    if (upd->kind != V_ERR)
        emit_sweep(c, l, cur, upd, 0);
    c->out = saved;
    emit(c, st);
    return r;
}

/* np.diff(a, n=1, axis=-1): a[..., 1:] - a[..., :-1], n times. */
static value *diff(lctx *c, loc l, value *x, value *nv, value *axisv)
{
    int axis = x->kind == V_ARRAY ? x->rank - 1 : 0;
    int64_t n = 1;
    if (x->kind != V_ARRAY) {
        diag_error(x->l, "np.diff() takes an array, not %s", vkind_desc(x));
        return &ERRV;
    }
    if (nv && !(nv->kind == V_SCALAR && ir_expr_const_int(ir_cast(l, T_I64, nv->e), &n) && n >= 0)) {
        diag_error(nv->l, "np.diff(): n must be a non-negative int known when compiling");
        return &ERRV;
    }
    if (axisv && axisv->kind != V_NONE && !axis_arg(axisv, x->rank, "np.diff", &axis))
        return &ERRV;
    for (int64_t i = 0; i < n; i++) {
        if (x->e->kind != E_READ || view_has_wrap(x->e->view))
            x = materialize(c, x);
        value *hi = vnew(V_ARRAY, l), *lo = vnew(V_ARRAY, l);
        *hi = *x;
        *lo = *x;
        ir_view *vh = ir_view_clone(x->e->view), *vl = ir_view_clone(x->e->view);
        int own = 0;
        for (int d = 0; d < vh->rank; d++) {
            if (vh->dim[d].kind != D_RANGE || own++ != axis)
                continue;
            ir_expr *m1 = ir_bin(l, OP_MAX, T_I64, ir_bin(l, OP_SUB, T_I64, x->len[axis], I64(l, 1), 0),
                                 I64(l, 0), 0);
            vh->dim[d].lo = iadd(l, vh->dim[d].lo, vh->dim[d].step);
            vh->dim[d].len = vl->dim[d].len = m1;
            vh->dim[d].slo = vl->dim[d].slo = NULL;
            vh->dim[d].slen = vl->dim[d].slen = x->sh[axis] ? sym_sub(x->sh[axis], sym_const(1)) : NULL;
            hi->len[axis] = lo->len[axis] = m1;
            hi->sh[axis] = lo->sh[axis] = vh->dim[d].slen;
        }
        hi->e = ir_read(l, vh);
        lo->e = ir_read(l, vl);
        hi->fresh = lo->fresh = NULL;
        x = binop(c, l, x->type == T_BOOL ? OP_BXOR : OP_SUB, hi, lo);
        if (x->kind == V_ERR)
            return &ERRV;
    }
    return x;
}

/* np.sum(a, axis=None, dtype=None, out=None, keepdims=False) and its relatives, functions and
 * methods alike. */
static value *reduce_call(lctx *c, loc l, const char *kind, args *a, value *self)
{
    const char *pn[] = {"a", "axis", "keepdims"};
    value *v[3];
    args sa = *a;
    if (self) { /* a.sum(axis, ...): the receiver is the first argument */
        sa.pos = NEWN(value *, a->npos + 1);
        sa.pos[0] = self;
        for (int i = 0; i < a->npos; i++)
            sa.pos[i + 1] = a->pos[i];
        sa.npos = a->npos + 1;
    }
    char fname[32];
    snprintf(fname, sizeof fname, "%s%s", self ? "" : "np.", kind);
    if (!match_args(l, fname, &sa, 3, pn, 1, v))
        return &ERRV;
    int ok = 1;
    int keepdims = const_flag(v[2], 0, "keepdims", &ok);
    if (!ok)
        return &ERRV;
    value *x = v[0];
    if (!v[1] || v[1]->kind == V_NONE) {
        if (keepdims) {
            diag_error(v[2]->l, "%s(): keepdims=True without axis= is not supported", fname);
            return &ERRV;
        }
        if (strcmp(kind, "any") == 0 || strcmp(kind, "all") == 0) {
            if (x->kind != V_ARRAY) {
                diag_error(x->l, "%s() takes an array, not %s", fname, vkind_desc(x));
                return &ERRV;
            }
            value *b = vnew(V_ARRAY, l);
            *b = *x;
            b->e = ir_cast(l, T_BOOL, x->e);
            b->type = T_BOOL;
            b->fresh = NULL;
            value *r = reduce(c, l, kind[1] == 'n' ? "max" : "min", b);
            if (r->kind != V_ERR)
                r->e = ir_cast(l, T_BOOL, r->e);
            return r;
        }
        return reduce(c, l, kind, x);
    }
    if (x->kind != V_ARRAY) {
        diag_error(x->l, "%s() with axis= takes an array, not %s", fname, vkind_desc(x));
        return &ERRV;
    }
    if (strcmp(kind, "norm") == 0) {
        diag_error(v[1]->l, "np.linalg.norm() with axis= is not supported");
        return &ERRV;
    }
    int axis;
    if (!axis_arg(v[1], x->rank, fname, &axis))
        return &ERRV;
    return reduce_axis(c, l, kind, x, axis, keepdims);
}

/* ---- np.array / np.asarray of literals, np.pad ------------------------------------------------ */

static void emit_raise(lctx *c, loc l, ir_expr *cond, const char *msg);

enum { MAX_LITERAL_ELEMS = 4096 };

/* The shape of a nested list/tuple of scalars; 0 (after a diagnostic) when it is ragged, too
 * deep or holds something other than scalars. */
static int literal_shape(value *v, int depth, int *rank, int64_t *ext)
{
    if (v->kind == V_SCALAR) {
        if (*rank < 0)
            *rank = depth;
        if (*rank != depth) {
            diag_error(v->l, "setting an array element with a sequence. The requested array has an "
                             "inhomogeneous shape after %d dimension%s", depth, depth == 1 ? "" : "s");
            return 0;
        }
        return 1;
    }
    if (v->kind != V_TUPLE) {
        diag_error(v->l, "np.array() of %s is not supported (nested lists or tuples of scalars are)",
                   vkind_desc(v));
        return 0;
    }
    if (depth >= IR_MAX_RANK) {
        diag_error(v->l, "arrays of more than %d dimensions are not supported", IR_MAX_RANK);
        return 0;
    }
    if (*rank >= 0 && depth < *rank && ext[depth] != v->n) {
        diag_error(v->l, "setting an array element with a sequence. The requested array has an "
                         "inhomogeneous shape after %d dimension%s", depth, depth == 1 ? "" : "s");
        return 0;
    }
    ext[depth] = v->n;
    if (v->n == 0 && *rank < 0)
        *rank = depth + 1;
    for (int i = 0; i < v->n; i++)
        if (!literal_shape(v->items[i], depth + 1, rank, ext))
            return 0;
    return 1;
}

/* The element type NumPy gives a list of these scalars: Python scalars are not weak inside a
 * list (bool, int64, float64), NumPy scalars keep their type. */
static ir_type literal_type(value *v, ir_type t)
{
    if (v->kind == V_SCALAR) {
        ir_type e = v->weak ? (v->type == T_BOOL ? T_BOOL : ir_type_is_float(v->type) ? T_F64 : T_I64)
                            : v->type;
        return (int)t < 0 ? e : promote2(t, e);
    }
    for (int i = 0; i < v->n; i++)
        t = literal_type(v->items[i], t);
    return t;
}

static void literal_fill(lctx *c, loc l, ir_var *slot, value *v, int depth, ir_expr **idx)
{
    if (v->kind == V_SCALAR) {
        ir_stmt *s = ir_stmt_new(S_SETELEM, l);
        s->var = slot;
        s->n = depth;
        s->args = NEWN(ir_expr *, depth);
        for (int d = 0; d < depth; d++)
            s->args[d] = idx[d];
        s->e = ir_cast(l, slot->type, v->e);
        emit(c, s);
        return;
    }
    for (int i = 0; i < v->n; i++) {
        idx[depth] = I64(l, i);
        literal_fill(c, l, slot, v->items[i], depth + 1, idx);
    }
}

/* np.array(object, dtype=) and np.asarray: an array (copied by np.array, as is by asarray) or
 * nested lists/tuples of scalars, element by element. */
static value *array_literal(lctx *c, loc l, args *a, int copy)
{
    const char *pn[] = {"object", "dtype"};
    value *v[2];
    if (!match_args(l, copy ? "np.array" : "np.asarray", a, 2, pn, 1, v))
        return &ERRV;
    ir_type t = (ir_type)-1;
    if (v[1] && v[1]->kind != V_NONE && !dtype_of(v[1], &t))
        return &ERRV;
    if (v[0]->kind == V_ARRAY) {
        value *r = (int)t >= 0 && t != v[0]->type ? NULL : v[0];
        if (!r) {
            r = vnew(V_ARRAY, l);
            *r = *v[0];
            r->e = ir_cast(l, t, v[0]->e);
            r->type = t;
            r->fresh = NULL;
            return materialize(c, r);
        }
        return copy ? copy_of(c, l, r) : r;
    }
    int rank = -1;
    int64_t ext[IR_MAX_RANK];
    if (!literal_shape(v[0], 0, &rank, ext))
        return &ERRV;
    if (rank == 0) {
        diag_error(v[0]->l, "np.array() of a scalar (a 0-dimensional array) is not supported");
        return &ERRV;
    }
    int64_t total = 1;
    for (int d = 0; d < rank; d++)
        total *= ext[d];
    if (total > MAX_LITERAL_ELEMS) {
        diag_error(v[0]->l, "an array literal of %lld elements is too long (at most %d)", (long long)total,
                   MAX_LITERAL_ELEMS);
        return &ERRV;
    }
    if ((int)t < 0)
        t = literal_type(v[0], (ir_type)-1);
    if ((int)t < 0)
        t = T_F64; /* np.array([]) */
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    for (int d = 0; d < rank; d++) {
        len[d] = I64(l, ext[d]);
        sh[d] = sym_const(ext[d]);
    }
    value *r = new_array(c, l, t, rank, len, sh, 0, NULL);
    ir_expr *idx[IR_MAX_RANK];
    literal_fill(c, l, whole_slot(r), v[0], 0, idx);
    return r;
}

/* a's view narrowed to [lo, lo + n) along its axis-th own dimension. */
static value *slice_axis(value *a, loc l, int axis, ir_expr *lo, ir_expr *n, const sym *sn)
{
    ir_view *v = ir_view_clone(a->e->view);
    value *r = vnew(V_ARRAY, l);
    *r = *a;
    r->fresh = NULL;
    for (int d = 0, own = 0; d < v->rank; d++) {
        ir_dim *m = &v->dim[d];
        if (m->kind != D_RANGE || own++ != axis)
            continue;
        m->lo = iadd(l, m->lo, imul(l, m->step, lo));
        m->len = n;
        m->slo = NULL;
        m->slen = sn;
    }
    r->len[axis] = n;
    r->sh[axis] = sn;
    r->e = ir_read(l, v);
    return r;
}

/* pad_width: an int, (before, after), or one (before, after) per axis. */
static int pad_widths(value *pw, int rank, value **before, value **after)
{
    for (int d = 0; d < rank; d++) {
        value *p = pw;
        if (p->kind == V_TUPLE && p->n == rank && rank > 1 && p->items[0]->kind == V_TUPLE)
            p = p->items[d];
        else if (p->kind == V_TUPLE && p->n == 1 && p->items[0]->kind == V_TUPLE)
            p = p->items[0];
        if (p->kind == V_TUPLE && p->n == 1)
            p = p->items[0];
        if (p->kind == V_SCALAR)
            before[d] = after[d] = p;
        else if (p->kind == V_TUPLE && p->n == 2 && p->items[0]->kind == V_SCALAR &&
                 p->items[1]->kind == V_SCALAR) {
            before[d] = p->items[0];
            after[d] = p->items[1];
        } else {
            diag_error(pw->l, "np.pad(): pad_width must be an int, (before, after) or one "
                              "(before, after) per axis");
            return 0;
        }
        for (value **w = (value *[]){before[d], after[d]}, **e = w + 2; w < e; w++)
            if (!is_int_scalar(*w)) {
                diag_error((*w)->l, "np.pad(): pad widths must be integers, not %s", vkind_desc(*w));
                return 0;
            }
    }
    return 1;
}

/* np.pad(a, pad_width, mode='constant'|'edge'|'wrap', constant_values=): the array is copied
 * into the middle of a larger one and each axis padded in turn (so corners come out as
 * NumPy's): constant by the fill, edge by broadcasting the first and last slices, wrap by
 * copying the opposite end (widths at most the extent). */
static value *pad(lctx *c, loc l, args *a)
{
    const char *pn[] = {"array", "pad_width", "mode", "constant_values"};
    value *v[4];
    if (!match_args(l, "np.pad", a, 4, pn, 2, v))
        return &ERRV;
    value *x = array_arg(c, v[0], "np.pad");
    if (!x)
        return &ERRV;
    const char *mode = "constant";
    if (v[2]) {
        if (v[2]->kind != V_STR || (strcmp(v[2]->str, "constant") && strcmp(v[2]->str, "edge") &&
                                    strcmp(v[2]->str, "wrap"))) {
            diag_error(v[2]->l, "np.pad(): supported modes are 'constant', 'edge' and 'wrap'");
            return &ERRV;
        }
        mode = v[2]->str;
    }
    if (v[3] && (strcmp(mode, "constant") || v[3]->kind != V_SCALAR)) {
        diag_error(v[3]->l, "np.pad(): constant_values must be one scalar, with mode 'constant'");
        return &ERRV;
    }
    value *before[IR_MAX_RANK], *after[IR_MAX_RANK];
    if (!pad_widths(v[1], x->rank, before, after))
        return &ERRV;
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    ir_expr *b[IR_MAX_RANK], *e[IR_MAX_RANK];
    for (int d = 0; d < x->rank; d++) {
        b[d] = int_operand(before[d], "a pad width");
        e[d] = int_operand(after[d], "a pad width");
        int64_t kb, ke;
        if ((ir_expr_const_int(b[d], &kb) && kb < 0) || (ir_expr_const_int(e[d], &ke) && ke < 0)) {
            diag_error(v[1]->l, "index can't contain negative values");
            return &ERRV;
        }
        len[d] = iadd(l, iadd(l, b[d], x->len[d]), e[d]);
        sh[d] = (x->sh[d] && before[d]->s && after[d]->s)
                    ? sym_add(sym_add(before[d]->s, x->sh[d]), after[d]->s) : NULL;
    }
    int constant = strcmp(mode, "constant") == 0;
    ir_expr *fill = constant ? (v[3] ? v[3]->e : ir_const_i(l, T_I64, 0)) : NULL;
    value *r = new_array(c, l, x->type, x->rank, len, sh, constant ? 2 : 0, fill);
    value *mid = r;
    for (int d = 0; d < x->rank; d++)
        mid = slice_axis(mid, l, d, b[d], x->len[d], x->sh[d]);
    emit_sweep(c, l, mid, x, 0);
    if (constant)
        return r;
    int wrap = strcmp(mode, "wrap") == 0;
    for (int d = 0; d < x->rank; d++) {
        /* the part of r already filled: the middle along later axes, everything along earlier */
        value *done = r;
        for (int q = d + 1; q < x->rank; q++)
            done = slice_axis(done, l, q, b[q], x->len[q], x->sh[q]);
        ir_expr *n = x->len[d];
        ir_expr *one = I64(l, 1);
        value *lo_t = slice_axis(done, l, d, I64(l, 0), b[d], before[d]->s);
        value *hi_t = slice_axis(done, l, d, iadd(l, b[d], n), e[d], after[d]->s);
        value *lo_s, *hi_s;
        if (wrap) {
            /* a wrap wider than the extent (NumPy repeats the array) is a run-time error here */
            for (ir_expr **w = (ir_expr *[]){b[d], e[d]}, **we = w + 2; w < we; w++)
                emit_raise(c, l, ir_bin(l, OP_CGT, T_BOOL, *w, n, 0),
                           "ValueError: np.pad(mode='wrap') wider than the axis is not supported "
                           "by tylesc");
            lo_s = slice_axis(done, l, d, n, b[d], before[d]->s);
            hi_s = slice_axis(done, l, d, b[d], e[d], after[d]->s);
        } else {
            lo_s = slice_axis(done, l, d, b[d], one, sym_const(1));
            hi_s = slice_axis(done, l, d, ir_bin(l, OP_SUB, T_I64, iadd(l, b[d], n), one, 0), one, sym_const(1));
        }
        emit_sweep(c, l, lo_t, lo_s, 0);
        emit_sweep(c, l, hi_t, hi_s, 0);
    }
    return r;
}

/* ---- np.indices, np.mgrid, np.ogrid ---------------------------------------------------------- */

/* Grid k of n: (index along axis k as type t) * step[k] + start[k], over the full shape (len,
 * sh) or, sparse, extent 1 off axis k. NULL steps and starts leave the index as it is. */
static value *grid_arrays(lctx *c, loc l, int n, ir_expr **len, const sym **sh, ir_type t,
                          value **start, value **step, int sparse)
{
    value *tup = vnew(V_TUPLE, l);
    tup->n = n;
    tup->items = NEWN(value *, n);
    for (int k = 0; k < n; k++) {
        ir_expr *gl[IR_MAX_RANK];
        const sym *gs[IR_MAX_RANK];
        for (int d = 0; d < n; d++) {
            int full = !sparse || d == k;
            gl[d] = full ? len[d] : I64(l, 1);
            gs[d] = full ? sh[d] : sym_const(1);
        }
        value *iv = vnew(V_ARRAY, l);
        iv->type = t;
        iv->rank = n;
        for (int d = 0; d < n; d++) {
            iv->len[d] = gl[d];
            iv->sh[d] = gs[d];
        }
        iv->e = ir_index(l, t, k);
        value *g = iv;
        if (step && step[k])
            g = binop(c, l, OP_MUL, g, step[k]);
        if (start && start[k])
            g = binop(c, l, OP_ADD, g, start[k]);
        if (g->kind == V_ERR)
            return &ERRV;
        value *r = new_array(c, l, g->type, n, gl, gs, 0, NULL);
        emit_sweep(c, l, r, g, 1);
        tup->items[k] = r;
    }
    return tup;
}

/* np.indices(dimensions, dtype=int, sparse=False): the grids of the indices, as a tuple (so
 * `i, j = np.indices((n, m))` and `np.indices(s)[0]` work; the stacked array is not built). */
static value *indices(lctx *c, loc l, args *a)
{
    const char *pn[] = {"dimensions", "dtype", "sparse"};
    value *v[3];
    if (!match_args(l, "np.indices", a, 3, pn, 1, v))
        return &ERRV;
    int rank, ok = 1;
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    ir_type t = T_I64;
    if (!shape_arg(v[0], &rank, len, sh) || (v[1] && v[1]->kind != V_NONE && !dtype_of(v[1], &t)))
        return &ERRV;
    int sparse = const_flag(v[2], 0, "sparse", &ok);
    return ok ? grid_arrays(c, l, rank, len, sh, t, NULL, NULL, sparse) : &ERRV;
}

/* np.mgrid[s0, s1, ...] / np.ogrid[...] with NumPy's nd_grid rules: a slice a:b:c gives
 * ceil((b - a) / c) points a + i * c; an imaginary step a:b:Nj gives N points from a to b
 * inclusive, a + i * (b - a) / (N - 1); the element type is that of all bounds and steps. One
 * slice gives one array; several, a tuple of grids (mgrid's stacked array, unpacked). */
static value *index_grid(lctx *c, const char *which, ast *sub)
{
    loc l = sub->l;
    int n = sub->args.len, sparse = which[3] == 'o';
    if (n < 1 || n > IR_MAX_RANK) {
        diag_error(l, "%s of %d dimensions is not supported (1 to %d)", which, n, IR_MAX_RANK);
        return &ERRV;
    }
    value *start[IR_MAX_RANK], *step[IR_MAX_RANK];
    ir_expr *len[IR_MAX_RANK];
    const sym *sh[IR_MAX_RANK];
    int isf = 0;
    for (int k = 0; k < n; k++) {
        ast *it = VEC_AT(sub->args, k, ast *);
        if (it->kind != A_SLICE || !it->b) {
            diag_error(it->l, "%s[...] takes slices with a stop (start:stop:step)", which);
            return &ERRV;
        }
        value *a = it->a ? lower_expr(c, it->a) : NULL;
        value *b = lower_expr(c, it->b);
        if ((a && a->kind == V_ERR) || b->kind == V_ERR)
            return &ERRV;
        if (!a) {
            a = scalar(l, I64(l, 0), 1);
            a->s = sym_const(0);
        }
        for (value **w = (value *[]){a, b}, **we = w + 2; w < we; w++)
            if ((*w)->kind != V_SCALAR || (*w)->type == T_BOOL) {
                diag_error((*w)->l, "%s[...] bounds must be int or float scalars, not %s", which,
                           vkind_desc(*w));
                return &ERRV;
            }
        isf |= ir_type_is_float(a->type) || ir_type_is_float(b->type);
        start[k] = a;
        if (it->c && it->c->kind == A_FLOAT && it->c->ival) { /* a:b:Nj */
            int64_t num = (int64_t)fabs(it->c->fval);
            isf = 1;
            len[k] = I64(it->c->l, num);
            sh[k] = sym_const(num);
            step[k] = num == 1 ? scalar(l, I64(l, 1), 1)
                               : py_binop(c, l, OP_TRUEDIV, py_binop(c, l, OP_SUB, b, a),
                                          scalar(l, ir_const_f(l, T_F64, (double)(num - 1)), 1));
            continue;
        }
        value *st = it->c ? lower_expr(c, it->c) : NULL;
        if (st && st->kind == V_ERR)
            return &ERRV;
        if (!st || st->kind == V_NONE) {
            st = scalar(l, I64(l, 1), 1);
            st->s = sym_const(1);
        }
        if (n == 1 && !sub->tuple_index) { /* one plain slice: NumPy calls np.arange */
            args ar = {0};
            ar.pos = (value *[]){a, b, st};
            ar.npos = 3;
            return arange(c, l, &ar);
        }
        if (st->kind != V_SCALAR || st->type == T_BOOL) {
            diag_error(st->l, "%s[...] steps must be int or float scalars (or imaginary: 5j), not %s",
                       which, vkind_desc(st));
            return &ERRV;
        }
        isf |= ir_type_is_float(st->type);
        step[k] = st;
        /* int(math.ceil((stop - start) / (step * 1.0))) */
        value *q = py_binop(c, l, OP_TRUEDIV, py_binop(c, l, OP_SUB, b, a),
                            py_binop(c, l, OP_MUL, st, scalar(l, ir_const_f(l, T_F64, 1.0), 1)));
        if (q->kind == V_ERR)
            return &ERRV;
        len[k] = call1(l, FN_PYINT, T_I64, call1(l, FN_CEIL, T_F64, ir_cast(l, T_F64, q->e)));
        int64_t kk;
        sh[k] = ir_expr_const_int(len[k], &kk) ? sym_const(kk)
                : (!isf && is_one(st->s) && a->s && b->s) ? sym_sub(b->s, a->s) : NULL;
    }
    value *g = grid_arrays(c, l, n, len, sh, isf ? T_F64 : T_I64, start, step, sparse);
    return g->kind == V_TUPLE && n == 1 ? g->items[0] : g;
}

/* ---- math and time: Python's scalar functions ------------------------------------------------ */

/* math.f(x...) of Python scalars, with Python's errors: "math domain error" (ValueError) for
 * arguments outside the domain, "math range error" (OverflowError) for a finite argument whose
 * result overflows. floor/ceil/trunc give ints. */
static value *call_math(lctx *c, loc l, const char *f, args *a)
{
    const char *n = f + 5;
    int two = !strcmp(n, "atan2") || !strcmp(n, "hypot") || !strcmp(n, "pow") ||
              !strcmp(n, "copysign") || !strcmp(n, "fmod");
    int isclose = !strcmp(n, "isclose");
    int logb = !strcmp(n, "log") && a->npos == 2;
    int want = two || isclose || logb ? 2 : 1;
    if (a->npos != want || (a->nkw && !isclose)) {
        diag_error(l, "%s() takes %s argument%s here", f, want == 1 ? "one" : "two", want == 1 ? "" : "s");
        return &ERRV;
    }
    ir_expr *x[2];
    for (int i = 0; i < want; i++) {
        value *v = a->pos[i];
        if (v->kind != V_SCALAR) {
            diag_error(v->l, "%s() takes numbers, not %s%s", f, vkind_desc(v),
                       v->kind == V_ARRAY ? " (use the np. function for arrays)" : "");
            return &ERRV;
        }
        x[i] = ir_cast(l, T_F64, v->e);
    }
    ir_expr *zero = ir_const_f(l, T_F64, 0.0), *one = ir_const_f(l, T_F64, 1.0);
    ir_expr *inf = ir_const_f(l, T_F64, INFINITY);
#define CMP(op, p, q) ir_bin(l, op, T_BOOL, p, q, 0)
#define ABSF(p) ir_un(l, OP_ABS, T_F64, p)
    const char *domain = "ValueError: math domain error", *range = "OverflowError: math range error";
    if (!strcmp(n, "floor") || !strcmp(n, "ceil") || !strcmp(n, "trunc")) {
        if (is_int_scalar(a->pos[0]))
            return scalar(l, ir_cast(l, T_I64, a->pos[0]->e), 1);
        ir_fn fn = n[0] == 'f' ? FN_FLOOR : n[0] == 'c' ? FN_CEIL : FN_TRUNC;
        return scalar(l, call1(l, FN_PYINT, T_I64, call1(l, fn, T_F64, x[0])), 1);
    }
    if (!strcmp(n, "isnan"))
        return scalar(l, CMP(OP_CNE, x[0], x[0]), 1);
    if (!strcmp(n, "isinf"))
        return scalar(l, CMP(OP_CEQ, ABSF(x[0]), inf), 1);
    if (!strcmp(n, "isfinite"))
        return scalar(l, CMP(OP_CLT, ABSF(x[0]), inf), 1);
    if (!strcmp(n, "fabs"))
        return scalar(l, ABSF(x[0]), 1);
    if (!strcmp(n, "degrees") || !strcmp(n, "radians"))
        return scalar(l, ir_bin(l, OP_MUL, T_F64, x[0],
                                ir_const_f(l, T_F64, n[0] == 'd' ? 180.0 / 3.141592653589793
                                                                 : 3.141592653589793 / 180.0), 0), 1);
    if (isclose) { /* abs(a - b) <= max(rel_tol * max(abs(a), abs(b)), abs_tol), or a == b */
        ir_expr *rel = ir_const_f(l, T_F64, 1e-9), *abst = zero;
        for (int k = 0; k < a->nkw; k++) {
            value *kv = a->kw[k];
            if ((strcmp(a->kwname[k], "rel_tol") && strcmp(a->kwname[k], "abs_tol")) || kv->kind != V_SCALAR) {
                diag_error(a->kwast[k]->l, "math.isclose() takes rel_tol= and abs_tol= numbers");
                return &ERRV;
            }
            *(a->kwname[k][0] == 'r' ? &rel : &abst) = ir_cast(l, T_F64, kv->e);
        }
        ir_expr *tol = ir_bin(l, OP_MAX, T_F64,
                              ir_bin(l, OP_MUL, T_F64, rel, ir_bin(l, OP_MAX, T_F64, ABSF(x[0]), ABSF(x[1]), 0), 0),
                              abst, 0);
        ir_expr *close = CMP(OP_CLE, ABSF(ir_bin(l, OP_SUB, T_F64, x[0], x[1], 0)), tol);
        return scalar(l, ir_bin(l, OP_LOR, T_BOOL, CMP(OP_CEQ, x[0], x[1]), close, 0), 1);
    }
    static const struct { const char *n; ir_fn fn; int dom; } fns[] = {
        /* dom: 0 none, 1 x < 0, 2 x <= 0, 3 |x| > 1, 4 x < 1, 5 |x| >= 1, 6 x <= -1, 7 x infinite */
        {"sqrt", FN_SQRT, 1}, {"exp", FN_EXP, 0}, {"log", FN_LOG, 2}, {"log10", FN_LOG10, 2},
        {"log2", FN_LOG2, 2}, {"log1p", FN_LOG1P, 6}, {"expm1", FN_EXPM1, 0}, {"exp2", FN_EXP2, 0},
        {"cbrt", FN_CBRT, 0}, {"sin", FN_SIN, 7}, {"cos", FN_COS, 7}, {"tan", FN_TAN, 7},
        {"asin", FN_ASIN, 3}, {"acos", FN_ACOS, 3}, {"atan", FN_ATAN, 0}, {"sinh", FN_SINH, 0},
        {"cosh", FN_COSH, 0}, {"tanh", FN_TANH, 0}, {"asinh", FN_ASINH, 0}, {"acosh", FN_ACOSH, 4},
        {"atanh", FN_ATANH, 5}, {"atan2", FN_ATAN2, 0}, {"hypot", FN_HYPOT, 0},
        {"copysign", FN_COPYSIGN, 0}, {"fmod", FN_FMOD, 0}, {"pow", FN_POW, 0},
    };
    for (size_t i = 0; i < sizeof fns / sizeof *fns; i++) {
        if (strcmp(fns[i].n, n) != 0)
            continue;
        ir_expr *bad = NULL, *p = x[0];
        switch (fns[i].dom) {
        case 1: bad = CMP(OP_CLT, p, zero); break;
        case 2: bad = CMP(OP_CLE, p, zero); break;
        case 3: bad = CMP(OP_CGT, ABSF(p), one); break;
        case 4: bad = CMP(OP_CLT, p, one); break;
        case 5: bad = CMP(OP_CGE, ABSF(p), one); break;
        case 6: bad = CMP(OP_CLE, p, ir_const_f(l, T_F64, -1.0)); break;
        case 7: bad = CMP(OP_CEQ, ABSF(p), inf); break;
        }
        if (fns[i].fn == FN_FMOD) /* fmod(x, 0) and fmod(inf, y) */
            bad = ir_bin(l, OP_LOR, T_BOOL, CMP(OP_CEQ, x[1], zero), CMP(OP_CEQ, ABSF(x[0]), inf), 0);
        if (logb) /* log(x, base) = log(x) / log(base) */
            bad = ir_bin(l, OP_LOR, T_BOOL, bad, CMP(OP_CLE, x[1], zero), 0);
        if (bad)
            emit_raise(c, l, bad, domain);
        ir_expr **args = NEWN(ir_expr *, 2);
        args[0] = x[0];
        args[1] = want == 2 ? x[1] : NULL;
        ir_expr *r = ir_call(l, fns[i].fn, T_F64, logb ? 1 : want, args);
        if (logb)
            r = ir_bin(l, OP_TRUEDIV, T_F64, r, call1(l, FN_LOG, T_F64, x[1]), 1);
        if (fns[i].fn == FN_POW) /* a negative base to a non-integer power, 0 to a negative one */
            emit_raise(c, l, ir_bin(l, OP_LOR, T_BOOL,
                                    ir_bin(l, OP_LAND, T_BOOL, CMP(OP_CLT, x[0], zero),
                                           CMP(OP_CNE, call1(l, FN_FLOOR, T_F64, x[1]), x[1]), 0),
                                    ir_bin(l, OP_LAND, T_BOOL, CMP(OP_CEQ, x[0], zero),
                                           CMP(OP_CLT, x[1], zero), 0), 0),
                       domain);
        if (fns[i].fn == FN_EXP || fns[i].fn == FN_EXPM1 || fns[i].fn == FN_EXP2 ||
            fns[i].fn == FN_SINH || fns[i].fn == FN_COSH || fns[i].fn == FN_POW || fns[i].fn == FN_HYPOT) {
            ir_expr *fin = CMP(OP_CLT, ABSF(x[0]), inf);
            if (want == 2)
                fin = ir_bin(l, OP_LAND, T_BOOL, fin, CMP(OP_CLT, ABSF(x[1]), inf), 0);
            emit_raise(c, l, ir_bin(l, OP_LAND, T_BOOL, fin, CMP(OP_CEQ, ABSF(r), inf), 0), range);
        }
        return scalar(l, r, 1);
    }
#undef CMP
#undef ABSF
    diag_error(l, "%s() is not supported", f);
    return &ERRV;
}

/* ---- compile-time iteration: comprehensions, for over lists, zip, enumerate ------------------ */

enum { MAX_UNROLL = 256 }; /* items a compile-time sequence may have */

/* The items of an iterable known when compiling, as a V_TUPLE: range() of constant ints, a
 * list or tuple value, zip() and enumerate() of such. NULL (no diagnostic) when the iterable is
 * not one of these; &ERRV after a diagnostic. */
static value *iter_items(lctx *c, ast *it)
{
    int unbound;
    if (it->kind == A_CALL && it->a->kind == A_NAME && !lookup(c, it->a->name, &unbound)) {
        const char *f = it->a->name;
        if (strcmp(f, "range") == 0) {
            args a = lower_args(c, it);
            if (any_err(&a))
                return &ERRV;
            int64_t k[3] = {0, 0, 1};
            if (a.nkw || a.npos < 1 || a.npos > 3)
                return NULL;
            for (int i = 0; i < a.npos; i++)
                if (a.pos[i]->kind != V_SCALAR || !ir_type_is_int(a.pos[i]->type) ||
                    !ir_expr_const_int(a.pos[i]->e, &k[a.npos == 1 ? 1 : i]))
                    return NULL;
            if (k[2] == 0)
                return NULL;
            int64_t n = k[2] > 0 ? (k[1] > k[0] ? (k[1] - k[0] + k[2] - 1) / k[2] : 0)
                                 : (k[0] > k[1] ? (k[0] - k[1] - k[2] - 1) / -k[2] : 0);
            if (n > MAX_UNROLL)
                return NULL;
            value *t = vnew(V_TUPLE, it->l);
            t->n = (int)n;
            t->items = NEWN(value *, n + 1);
            for (int64_t i = 0; i < n; i++) {
                t->items[i] = scalar(it->l, I64(it->l, k[0] + i * k[2]), 1);
                t->items[i]->s = sym_const(k[0] + i * k[2]);
            }
            return t;
        }
        if (strcmp(f, "zip") == 0 || strcmp(f, "enumerate") == 0) {
            int zip = f[0] == 'z';
            int npos = it->args.len;
            if ((zip && npos < 1) || (!zip && (npos != 1 || it->kwargs.len > 1))) {
                diag_error(it->l, "%s() takes %s here", f, zip ? "one or more sequences" : "a sequence and start=");
                return &ERRV;
            }
            value **seqs = NEWN(value *, npos + 1);
            int n = MAX_UNROLL;
            for (int i = 0; i < npos; i++) {
                seqs[i] = iter_items(c, VEC_AT(it->args, i, ast *));
                if (!seqs[i]) {
                    diag_error(VEC_AT(it->args, i, ast *)->l, "%s() is supported over sequences known "
                               "when compiling (lists, tuples, range() of constants)", f);
                    return &ERRV;
                }
                if (seqs[i]->kind == V_ERR)
                    return &ERRV;
                n = seqs[i]->n < n ? seqs[i]->n : n;
            }
            int64_t start = 0;
            if (!zip && it->kwargs.len) {
                ast *kw = VEC_AT(it->kwargs, 0, ast *);
                value *sv = lower_expr(c, kw->a);
                if (!kw->name || strcmp(kw->name, "start") || sv->kind != V_SCALAR ||
                    !ir_expr_const_int(sv->e, &start)) {
                    diag_error(kw->l, "enumerate() takes start= as an int known when compiling");
                    return &ERRV;
                }
            }
            value *t = vnew(V_TUPLE, it->l);
            t->n = n;
            t->items = NEWN(value *, n + 1);
            for (int k = 0; k < n; k++) {
                value *p = vnew(V_TUPLE, it->l);
                p->n = zip ? npos : 2;
                p->items = NEWN(value *, p->n + 1);
                if (zip)
                    for (int i = 0; i < npos; i++)
                        p->items[i] = seqs[i]->items[k];
                else {
                    p->items[0] = scalar(it->l, I64(it->l, start + k), 1);
                    p->items[0]->s = sym_const(start + k);
                    p->items[1] = seqs[0]->items[k];
                }
                t->items[k] = p;
            }
            return t;
        }
    }
    value *v = lower_expr(c, it);
    if (v->kind == V_ERR)
        return &ERRV;
    return v->kind == V_TUPLE ? v : NULL;
}

/* Bind a loop or comprehension target (a name or nested tuple of names) to one item. */
static void bind_target(lctx *c, ast *t, value *v, int store_it)
{
    if (t->kind == A_TUPLE || t->kind == A_LIST) {
        if (v->kind != V_TUPLE || v->n != t->args.len) {
            diag_error(t->l, "cannot unpack %s into %d names", vkind_desc(v), t->args.len);
            return;
        }
        for (int i = 0; i < v->n; i++)
            bind_target(c, VEC_AT(t->args, i, ast *), v->items[i], store_it);
        return;
    }
    if (t->kind != A_NAME) {
        diag_error(t->l, "only names and tuples of names are supported as loop targets");
        return;
    }
    /* a for statement's variable lives on after the loop, as in Python; a constant stays a
     * constant (F[i] of an unrolled loop names one item) */
    if (store_it && !(v->kind == V_SCALAR && v->e->kind == E_CONST)) {
        assign_name(c, t, v);
        return;
    }
    binding *b = bind(c, t->name);
    b->kind = B_VALUE;
    b->val = v;
}

/* [elem for t in it if cond ...] and (elem for ...): the clauses are unrolled when compiling
 * (their iterables and conditions must be known then), each element computed in turn; the
 * result is a list value. Comprehension variables are local to it, as in Python 3. */
static void comp_clause(lctx *c, ast *comp, int k, value *out)
{
    if (k == comp->args.len) {
        if (out->n >= MAX_UNROLL) {
            diag_error(comp->l, "a comprehension of more than %d items is not supported", MAX_UNROLL);
            return;
        }
        out->items[out->n++] = lower_expr(c, comp->a);
        return;
    }
    ast *cl = VEC_AT(comp->args, k, ast *);
    if (cl->kind == A_IF) {
        value *t = truth(c, lower_expr(c, cl->a), "a comprehension's 'if'");
        int64_t kv;
        if (t->kind == V_ERR)
            return;
        if (!ir_expr_const_int(t->e, &kv)) {
            diag_error(cl->a->l, "a comprehension's 'if' must be known when compiling (its length "
                                 "must be)");
            return;
        }
        if (kv)
            comp_clause(c, comp, k + 1, out);
        return;
    }
    value *items = iter_items(c, cl->a);
    if (!items) {
        diag_error(cl->a->l, "a comprehension must iterate over a sequence known when compiling "
                             "(range() of constants, a list or tuple, zip() or enumerate() of those)");
        return;
    }
    if (items->kind == V_ERR)
        return;
    for (int i = 0; i < items->n; i++) {
        bind_target(c, cl->b, items->items[i], 0);
        comp_clause(c, comp, k + 1, out);
    }
}

static value *comprehension(lctx *c, ast *a)
{
    scope *s = NEW(scope);
    s->parent = c->sc;
    s->prefix = c->sc->prefix;
    scope *outer = c->sc;
    c->sc = s;
    value *out = vnew(V_TUPLE, a->l);
    out->items = NEWN(value *, MAX_UNROLL + 1);
    int errors = diag_count();
    comp_clause(c, a, 0, out);
    c->sc = outer;
    if (diag_count() > errors)
        return &ERRV;
    for (int i = 0; i < out->n; i++)
        if (out->items[i]->kind == V_ERR)
            return &ERRV;
    return out;
}

/* Does this statement list break or continue the loop around it (not an inner one)? */
static int breaks_out(vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ast *s = VEC_AT(*body, i, ast *);
        if (s->kind == A_BREAK || s->kind == A_CONTINUE)
            return 1;
        if (s->kind == A_IF && (breaks_out(&s->body) || breaks_out(&s->orelse)))
            return 1;
    }
    return 0;
}

/* Does the statement list index a name bound to a list (F[i])? Then a loop over a constant
 * range is unrolled, so that every F[i] names one array. */
static int indexes_list(lctx *c, ast *a)
{
    if (!a)
        return 0;
    if (a->kind == A_SUBSCRIPT && a->a->kind == A_NAME) {
        int unbound;
        binding *b = lookup(c, a->a->name, &unbound);
        if (b && b->kind == B_VALUE && b->val->kind == V_TUPLE)
            return 1;
    }
    if (indexes_list(c, a->a) || indexes_list(c, a->b) || indexes_list(c, a->c))
        return 1;
    vec *vs[] = {&a->args, &a->body, &a->orelse, &a->targets, &a->kwargs};
    for (size_t k = 0; k < sizeof vs / sizeof *vs; k++)
        for (int i = 0; i < vs[k]->len; i++)
            if (indexes_list(c, VEC_AT(*vs[k], i, ast *)))
                return 1;
    return 0;
}

/* for t in ITEMS: body, unrolled when compiling. */
static int lower_for_unrolled(lctx *c, ast *s, int range_loop)
{
    if (range_loop && !indexes_list(c, s))
        return 0;
    value *items = iter_items(c, s->a);
    if (!items)
        return 0;
    if (items->kind == V_ERR)
        return 1;
    if (breaks_out(&s->body)) {
        diag_error(s->l, "break and continue are not supported in a loop over %s (it is unrolled "
                         "when compiling)", range_loop ? "a range that indexes a list" : "a list, zip() "
                         "or enumerate()");
        return 1;
    }
    for (int i = 0; i < items->n; i++) {
        bind_target(c, s->b, items->items[i], 1);
        lower_block(c, &s->body);
    }
    return 1;
}

/* F[k] of a name bound to a list, k a constant: the hidden name holding item k ("F.k"). */
static ast *list_elem(lctx *c, ast *t, value **list, int *index)
{
    if (t->kind != A_SUBSCRIPT || t->a->kind != A_NAME || t->args.len != 1)
        return NULL;
    int unbound;
    binding *b = lookup(c, t->a->name, &unbound);
    if (!b || b->kind != B_VALUE || b->val->kind != V_TUPLE)
        return NULL;
    value *iv = lower_expr(c, VEC_AT(t->args, 0, ast *));
    int64_t k;
    if (iv->kind != V_SCALAR || !ir_expr_const_int(iv->e, &k)) {
        if (iv->kind != V_ERR)
            diag_error(iv->l, "a list element assigned to needs an index known when compiling (a loop "
                              "over a constant range() that indexes the list is unrolled)");
        return ast_name(t->l, "<error>");
    }
    if (k < 0)
        k += b->val->n;
    if (k < 0 || k >= b->val->n) {
        diag_error(iv->l, "list assignment index out of range");
        return ast_name(t->l, "<error>");
    }
    *list = b->val;
    *index = (int)k;
    return ast_name(t->l, arena_printf(&util_arena, "%s.%d", t->a->name, (int)k));
}

/* The numpy functions that are not creators: NULL if f is none of them. */
static value *numpy_function(lctx *c, loc l, const char *f, args *a)
{
    for (size_t i = 0; i < sizeof ufuncs / sizeof *ufuncs; i++)
        if (strcmp(f, ufuncs[i].name) == 0) {
            if (a->npos != 1 || a->nkw) {
                diag_error(l, "np.%s() takes one argument here", f);
                return &ERRV;
            }
            return ufunc1(c, l, ufuncs[i].fn, a->pos[0]);
        }
    if (strcmp(f, "abs") == 0 || strcmp(f, "absolute") == 0) {
        if (a->npos != 1 || a->nkw) {
            diag_error(l, "np.%s() takes one argument here", f);
            return &ERRV;
        }
        value *r = unop(c, l, OP_ABS, a->pos[0]);
        if (r->kind == V_SCALAR)
            r->weak = 0;
        return r;
    }
    if (strcmp(f, "minimum") == 0 || strcmp(f, "maximum") == 0 || strcmp(f, "power") == 0) {
        if (a->npos != 2 || a->nkw) {
            diag_error(l, "np.%s() takes two arguments here", f);
            return &ERRV;
        }
        return binop(c, l, f[0] == 'p' ? OP_POWER : f[1] == 'i' ? OP_NPMIN : OP_NPMAX, a->pos[0], a->pos[1]);
    }
    for (size_t i = 0; i < sizeof ufuncs2 / sizeof *ufuncs2; i++)
        if (strcmp(f, ufuncs2[i].name) == 0) {
            if (a->npos != 2 || a->nkw) {
                diag_error(l, "np.%s() takes two arguments here", f);
                return &ERRV;
            }
            return ufunc2(c, l, ufuncs2[i].fn, a->pos[0], a->pos[1]);
        }
    if (strcmp(f, "degrees") == 0 || strcmp(f, "radians") == 0 || strcmp(f, "rad2deg") == 0 ||
        strcmp(f, "deg2rad") == 0 || strcmp(f, "square") == 0) {
        if (a->npos != 1 || a->nkw) {
            diag_error(l, "np.%s() takes one argument here", f);
            return &ERRV;
        }
        value *x = a->pos[0];
        if (f[0] == 's') /* np.square: x * x in x's type */
            return binop(c, l, OP_MUL, x, x);
        /* NumPy multiplies by the constant 180/pi (or pi/180); ints become float64 */
        int to_deg = strcmp(f, "degrees") == 0 || strcmp(f, "rad2deg") == 0;
        double k = to_deg ? 180.0 / 3.141592653589793 : 3.141592653589793 / 180.0;
        return binop(c, l, OP_MUL, x, scalar(l, ir_const_f(l, T_F64, k), 1));
    }
    if (strcmp(f, "isnan") == 0 || strcmp(f, "isinf") == 0 || strcmp(f, "isfinite") == 0) {
        if (a->npos != 1 || a->nkw) {
            diag_error(l, "np.%s() takes one argument here", f);
            return &ERRV;
        }
        value *x = a->pos[0];
        if (f[2] == 'n') /* NaN is the one value unequal to itself */
            return binop(c, l, OP_CNE, x, x);
        value *inf = scalar(l, ir_const_f(l, T_F64, INFINITY), 1);
        return binop(c, l, f[2] == 'i' ? OP_CEQ : OP_CLT, unop(c, l, OP_ABS, x), inf);
    }
    if (strcmp(f, "where") == 0) {
        if (a->npos != 3 || a->nkw) {
            diag_error(l, "np.where() takes a condition and two values (the one-argument form is not supported)");
            return &ERRV;
        }
        return where3(c, l, a->pos[0], a->pos[1], a->pos[2]);
    }
    if (strcmp(f, "clip") == 0) {
        const char *pn[] = {"a", "a_min", "a_max"};
        value *v[3];
        if (!match_args(l, "np.clip", a, 3, pn, 3, v))
            return &ERRV;
        return binop(c, l, OP_NPMIN, binop(c, l, OP_NPMAX, v[0], v[1]), v[2]);
    }
    static const char *reds[] = {"sum", "max", "min", "mean", "amax", "amin", "any", "all",
                                 "linalg.norm", NULL};
    for (const char **r = reds; *r; r++)
        if (strcmp(f, *r) == 0)
            return reduce_call(c, l, strcmp(f, "linalg.norm") == 0 ? "norm" : f, a, NULL);
    if (strcmp(f, "cumsum") == 0) {
        const char *pn[] = {"a", "axis"};
        value *v[2];
        if (!match_args(l, "np.cumsum", a, 2, pn, 1, v))
            return &ERRV;
        return cumsum(c, l, v[0], v[1]);
    }
    if (strcmp(f, "diff") == 0) {
        const char *pn[] = {"a", "n", "axis"};
        value *v[3];
        if (!match_args(l, "np.diff", a, 3, pn, 1, v))
            return &ERRV;
        return diff(c, l, v[0], v[1], v[2]);
    }
    if (strcmp(f, "roll") == 0) {
        const char *pn[] = {"a", "shift", "axis"};
        value *v[3];
        if (!match_args(l, "np.roll", a, 3, pn, 2, v))
            return &ERRV;
        if (v[1]->kind == V_TUPLE) {
            diag_error(v[1]->l, "np.roll() with several shifts is not supported; roll one axis at a time");
            return &ERRV;
        }
        return roll(c, l, v[0], v[1], v[2]);
    }
    if (strcmp(f, "load") == 0) {
        if (a->npos != 1 || a->nkw) {
            diag_error(l, "np.load() takes one file name");
            return &ERRV;
        }
        return load(c, l, a->pos[0]);
    }
    return NULL;
}

static value *call_numpy(lctx *c, const char *f, ast *call, value *self)
{
    loc l = call->l;
    if (strcmp(f, "np.fromfunction") == 0) {
        /* The lambda is not lowered as an expression: its body is lowered with its
         * parameters bound to index arrays. */
        if (call->args.len < 2) {
            diag_error(l, "np.fromfunction() takes a lambda and a shape");
            return &ERRV;
        }
        ast *lam = VEC_AT(call->args, 0, ast *);
        value *fnv = lower_expr(c, lam);
        value *shp = lower_expr(c, VEC_AT(call->args, 1, ast *));
        ir_type t = T_F64;
        for (int k = 0; k < call->kwargs.len; k++) {
            ast *kw = VEC_AT(call->kwargs, k, ast *);
            if (strcmp(kw->name, "dtype") == 0) {
                if (!dtype_of(lower_expr(c, kw->a), &t))
                    return &ERRV;
            } else {
                diag_error(kw->l, "np.fromfunction() got an unexpected keyword argument '%s'", kw->name);
                return &ERRV;
            }
        }
        int rank;
        ir_expr *len[IR_MAX_RANK];
        const sym *sh[IR_MAX_RANK];
        if (fnv->kind == V_ERR || !shape_arg(shp, &rank, len, sh))
            return &ERRV;
        if (fnv->kind != V_LAMBDA && fnv->kind != V_FUNC) {
            diag_error(fnv->l, "np.fromfunction() needs a lambda or a function as its first argument");
            return &ERRV;
        }
        ast *def = fnv->def;
        if (def->params.len != rank) {
            diag_error(fnv->l, "the function takes %d argument%s but the shape has %d dimension%s",
                       def->params.len, def->params.len == 1 ? "" : "s", rank, rank == 1 ? "" : "s");
            return &ERRV;
        }
        scope *s = NEW(scope);
        s->parent = fnv->defscope;
        s->is_function = 1;
        s->prefix = cname(c, "lambda");
        scope *caller = c->sc;
        c->sc = s;
        for (int d = 0; d < rank; d++) {
            ast *p = VEC_AT(def->params, d, ast *);
            value *iv = vnew(V_ARRAY, p->l);
            iv->type = t;
            iv->rank = rank;
            for (int k = 0; k < rank; k++) {
                iv->sh[k] = sh[k];
                iv->len[k] = len[k];
            }
            iv->e = ir_index(p->l, t, d);
            binding *b = bind(c, p->name);
            b->kind = B_VALUE;
            b->val = iv;
        }
        value *body;
        if (def->kind == A_LAMBDA)
            body = lower_expr(c, def->a);
        else {
            body = &ERRV;
            diag_error(fnv->l, "np.fromfunction() of a def is not supported; use a lambda");
        }
        c->sc = caller;
        if (body->kind == V_ERR)
            return &ERRV;
        if (body->kind != V_ARRAY || body->rank != rank) {
            diag_error(def->l, "the lambda of np.fromfunction() must compute an array from its index "
                               "arguments (it returned %s)", vkind_desc(body));
            return &ERRV;
        }
        value *r = new_array(c, l, body->type, rank, len, sh, 0, NULL);
        emit_sweep(c, l, r, body, 1);
        return r;
    }
    args a = lower_args(c, call);
    if (any_err(&a))
        return &ERRV;
    if (self) {
        /* methods of arrays */
        if (strcmp(f, "copy") == 0) {
            if (a.npos || a.nkw) {
                diag_error(l, "copy() arguments are not supported");
                return &ERRV;
            }
            return copy_of(c, l, self);
        }
        if (strcmp(f, "sum") == 0 || strcmp(f, "max") == 0 || strcmp(f, "min") == 0 ||
            strcmp(f, "mean") == 0 || strcmp(f, "any") == 0 || strcmp(f, "all") == 0)
            return self->kind == V_MASKED && (a.npos || a.nkw)
                       ? (diag_error(l, "%s() of a boolean-mask selection takes no arguments", f), &ERRV)
                       : reduce_call(c, l, f, &a, self);
        if (strcmp(f, "cumsum") == 0) {
            const char *pn[] = {"axis"};
            value *v[1];
            if (!match_args(l, "cumsum", &a, 1, pn, 0, v))
                return &ERRV;
            return cumsum(c, l, self, v[0]);
        }
        if (strcmp(f, "astype") == 0) {
            ir_type t;
            if (a.npos != 1 || a.nkw || !dtype_of(a.pos[0], &t))
                return a.npos == 1 ? &ERRV : (diag_error(l, "astype() takes one dtype"), &ERRV);
            value *r = vnew(V_ARRAY, l);
            *r = *self;
            r->l = l;
            r->fresh = NULL;
            r->type = t;
            r->e = ir_cast(l, t, self->e);
            return r->e == self->e ? copy_of(c, l, self) : r;
        }
        if (strcmp(f, "clip") == 0) {
            if (a.npos != 2 || a.nkw) {
                diag_error(l, "clip() takes a lower and an upper bound");
                return &ERRV;
            }
            return binop(c, l, OP_NPMIN, binop(c, l, OP_NPMAX, self, a.pos[0]), a.pos[1]);
        }
        diag_error(l, "the array method '%s' is not supported", f);
        return &ERRV;
    }
    {
        value *r = numpy_function(c, l, f + 3, &a);
        if (r)
            return r;
    }
    const char *n = f + 3;
    if (strcmp(n, "linspace") == 0)
        return linspace(c, l, &a);
    if (strcmp(n, "arange") == 0)
        return arange(c, l, &a);
    if (strcmp(n, "meshgrid") == 0)
        return meshgrid(c, l, &a);
    if (strcmp(n, "array") == 0 || strcmp(n, "asarray") == 0)
        return array_literal(c, l, &a, n[1] == 'r');
    if (strcmp(n, "pad") == 0)
        return pad(c, l, &a);
    if (strcmp(n, "indices") == 0)
        return indices(c, l, &a);
    if (strcmp(n, "ndarray") == 0) { /* np.ndarray(shape, dtype=): uninitialised, as np.empty */
        const char *pn[] = {"shape", "dtype"};
        value *v[2];
        int rank;
        ir_expr *len[IR_MAX_RANK];
        const sym *sh[IR_MAX_RANK];
        ir_type t = T_F64;
        if (!match_args(l, f, &a, 2, pn, 1, v) || !shape_arg(v[0], &rank, len, sh) ||
            (v[1] && v[1]->kind != V_NONE && !dtype_of(v[1], &t)))
            return &ERRV;
        return new_array(c, l, t, rank, len, sh, 0, NULL);
    }
    static const char *creators[] = {"zeros", "ones", "empty", "full", NULL};
    for (int i = 0; creators[i]; i++) {
        int full = i == 3;
        if (strcmp(n, creators[i]) == 0) {
            const char *pn[] = {"shape", full ? "fill_value" : "dtype", "dtype", "order"};
            int np_ = full ? 4 : 3, nreq = full ? 2 : 1;
            if (!full)
                pn[2] = "order";
            value *v[4];
            if (!match_args(l, f, &a, np_, pn, nreq, v))
                return &ERRV;
            int rank;
            ir_expr *len[IR_MAX_RANK];
            const sym *sh[IR_MAX_RANK];
            if (!shape_arg(v[0], &rank, len, sh))
                return &ERRV;
            ir_type t = T_F64;
            value *dt = full ? v[2] : v[1];
            if (full && v[1]->kind != V_SCALAR) {
                diag_error(v[1]->l, "np.full() takes a scalar fill value");
                return &ERRV;
            }
            if (full && v[1]->mixed && !(dt && dt->kind != V_NONE)) {
                diag_error(v[1]->l, "this value is an int or a float depending on the path taken, so "
                                    "the dtype of the array would too; give dtype= or convert it with "
                                    "float() or int()");
                return &ERRV;
            }
            if (full && v[1]->kind == V_SCALAR)
                t = v[1]->weak ? (v[1]->type == T_BOOL ? T_BOOL : ir_type_is_float(v[1]->type) ? T_F64 : T_I64)
                               : v[1]->type;
            if (dt && dt->kind != V_NONE && !dtype_of(dt, &t))
                return &ERRV;
            ir_expr *fill = full ? v[1]->e : i == 1 ? ir_const_f(l, T_F64, 1.0) : NULL;
            return new_array(c, l, t, rank, len, sh, i == 0 ? 1 : fill ? 2 : 0, fill);
        }
    }
    static const char *likes[] = {"zeros_like", "ones_like", "empty_like", "full_like", NULL};
    for (int i = 0; likes[i]; i++) {
        int full = i == 3;
        if (strcmp(n, likes[i]) == 0) {
            const char *pn[] = {"a", full ? "fill_value" : "dtype", "dtype", "order"};
            int np_ = full ? 4 : 3, nreq = full ? 2 : 1;
            value *v[4];
            if (!match_args(l, f, &a, np_, pn, nreq, v))
                return &ERRV;
            value *src = array_arg(c, v[0], f);
            if (!src)
                return &ERRV;
            ir_type t = src->type;
            value *dt = full ? v[2] : v[1];
            if (dt && dt->kind != V_NONE && !dtype_of(dt, &t))
                return &ERRV;
            if (full && v[1]->kind != V_SCALAR) {
                diag_error(v[1]->l, "np.full_like() takes a scalar fill value");
                return &ERRV;
            }
            ir_expr *fill = full ? v[1]->e : i == 1 ? ir_const_f(l, T_F64, 1.0) : NULL;
            return new_array(c, l, t, src->rank, src->len, src->sh, i == 0 ? 1 : fill ? 2 : 0, fill);
        }
    }
    if (strcmp(n, "copy") == 0) {
        const char *pn[] = {"a"};
        value *v[1];
        if (!match_args(l, f, &a, 1, pn, 1, v))
            return &ERRV;
        value *src = array_arg(c, v[0], f);
        return src ? copy_of(c, l, src) : &ERRV;
    }
    if (strcmp(n, "save") == 0) {
        const char *pn[] = {"file", "arr"};
        value *v[2];
        if (!match_args(l, f, &a, 2, pn, 2, v))
            return &ERRV;
        if (v[0]->kind != V_STR) {
            diag_error(v[0]->l, "np.save() needs the file name as a string literal");
            return &ERRV;
        }
        value *arr = array_arg(c, v[1], f);
        if (!arr)
            return &ERRV;
        ir_var *slot = whole_slot(arr);
        if (!slot)
            slot = whole_slot(materialize(c, arr));
        ir_stmt *s = ir_stmt_new(S_SAVE, l);
        size_t len = strlen(v[0]->str);
        s->str = (len >= 4 && strcmp(v[0]->str + len - 4, ".npy") == 0)
                     ? v[0]->str
                     : arena_printf(&util_arena, "%s.npy", v[0]->str);
        s->var = slot;
        emit(c, s);
        return vnew(V_NONE, l);
    }
    diag_error(l, "'%s' is not supported in a stencil program", f);
    diag_note((loc){0}, "%s", supported_numpy);
    return &ERRV;
}

/* A lambda bound to a name and called (f = lambda x: ...; f(u)): its parameters are bound to
 * the arguments in a scope of its own and its expression is the value. */
static value *call_lambda(lctx *c, value *fn, ast *call)
{
    ast *lam = fn->def;
    args a = lower_args(c, call);
    if (any_err(&a))
        return &ERRV;
    int np = lam->params.len;
    const char **pn = NEWN(const char *, np + 1);
    int nreq = 0;
    for (int i = 0; i < np; i++) {
        ast *p = VEC_AT(lam->params, i, ast *);
        pn[i] = p->name;
        if (!p->a)
            nreq = i + 1;
    }
    value **vals = NEWN(value *, np + 1);
    if (!match_args(call->l, "<lambda>", &a, np, pn, nreq, vals))
        return &ERRV;
    scope *s = NEW(scope);
    s->parent = fn->defscope;
    s->is_function = 1;
    s->prefix = cname(c, "lambda");
    for (int i = 0; i < np; i++)
        vec_push(&s->locals, (void *)pn[i]);
    scope *caller = c->sc;
    for (int i = 0; i < np; i++)
        if (!vals[i]) {
            c->sc = fn->defscope;
            vals[i] = lower_expr(c, VEC_AT(lam->params, i, ast *)->a);
            c->sc = caller;
        }
    c->sc = s;
    for (int i = 0; i < np; i++) {
        binding *b = bind(c, pn[i]);
        b->kind = B_VALUE;
        b->val = vals[i];
    }
    value *r = lower_expr(c, lam->a);
    c->sc = caller;
    return r;
}

static value *lower_call(lctx *c, ast *call)
{
    value *fn = lower_expr(c, call->a);
    switch (fn->kind) {
    case V_ERR: return &ERRV;
    case V_FUNC: return inline_call(c, fn, call);
    case V_LAMBDA: return call_lambda(c, fn, call);
    case V_BUILTIN: return call_builtin(c, fn, call);
    case V_DTYPE: {
        args a = lower_args(c, call);
        if (any_err(&a))
            return &ERRV;
        if (a.npos != 1 || a.pos[0]->kind != V_SCALAR) {
            diag_error(call->l, "%s() takes one scalar here", ir_type_name(fn->type));
            return &ERRV;
        }
        return scalar(call->l, ir_cast(call->l, fn->type, a.pos[0]->e), 0);
    }
    default:
        diag_error(call->a->l, "'%s' is not callable (it is %s)", diag_text(call->a->l), vkind_desc(fn));
        return &ERRV;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Expressions                                                                                */

/* math.NAME and time.NAME: constants are Python floats, functions built-ins "math.NAME". */
static value *pymodule_attr(value *mod, ast *a)
{
    const char *n = a->name;
    loc l = a->l;
    if (strcmp(mod->str, "math") == 0) {
        static const struct { const char *n; double v; } k[] = {
            {"pi", 3.141592653589793}, {"e", 2.718281828459045}, {"tau", 6.283185307179586},
            {"inf", INFINITY}, {"nan", NAN},
        };
        for (size_t i = 0; i < sizeof k / sizeof *k; i++)
            if (strcmp(k[i].n, n) == 0)
                return scalar(l, ir_const_f(l, T_F64, k[i].v), 1);
        static const char *fns[] = {"sqrt", "exp", "log", "log10", "log2", "log1p", "expm1",
                                    "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh",
                                    "cosh", "tanh", "asinh", "acosh", "atanh", "hypot", "fabs",
                                    "floor", "ceil", "trunc", "pow", "copysign", "fmod", "isnan",
                                    "isinf", "isfinite", "degrees", "radians", "isclose", "cbrt",
                                    "exp2", NULL};
        for (const char **p = fns; *p; p++)
            if (strcmp(*p, n) == 0) {
                value *v = vnew(V_BUILTIN, l);
                v->str = arena_printf(&util_arena, "math.%s", n);
                return v;
            }
    }
    if (strcmp(mod->str, "time") == 0 &&
        (strcmp(n, "time") == 0 || strcmp(n, "perf_counter") == 0 || strcmp(n, "monotonic") == 0)) {
        value *v = vnew(V_BUILTIN, l);
        v->str = arena_printf(&util_arena, "time.%s", n);
        return v;
    }
    loc whole = a->a ? loc_span(a->a->l, l) : l;
    diag_error(whole, "'%s.%s' is not supported in a stencil program", mod->str, n);
    diag_note((loc){0}, "%s", strcmp(mod->str, "time") == 0
                                  ? "supported from time: time, perf_counter, monotonic"
                                  : "supported from math: pi, e, tau, inf, nan, sqrt, exp, log, log10, "
                                    "log2, log1p, expm1, exp2, cbrt, sin, cos, tan, asin, acos, atan, "
                                    "atan2, sinh, cosh, tanh, asinh, acosh, atanh, hypot, fabs, floor, "
                                    "ceil, trunc, pow, copysign, fmod, isnan, isinf, isfinite, "
                                    "isclose, degrees, radians");
    return &ERRV;
}

static value *numpy_attr(lctx *c, value *mod, ast *a)
{
    (void)c;
    const char *n = a->name;
    loc l = a->l;
    if (strcmp(mod->str, "math") == 0 || strcmp(mod->str, "time") == 0)
        return pymodule_attr(mod, a);
    if (strcmp(mod->str, "numpy") == 0) {
        static const struct { const char *n; ir_type t; } dt[] = {
            {"float64", T_F64}, {"double", T_F64}, {"float32", T_F32}, {"single", T_F32},
            {"int64", T_I64}, {"int32", T_I32}, {"bool_", T_BOOL}, {"bool", T_BOOL},
        };
        for (size_t i = 0; i < sizeof dt / sizeof *dt; i++)
            if (strcmp(dt[i].n, n) == 0) {
                value *v = vnew(V_DTYPE, l);
                v->type = dt[i].t;
                return v;
            }
        if (strcmp(n, "pi") == 0)
            return scalar(l, ir_const_f(l, T_F64, 3.141592653589793), 1);
        if (strcmp(n, "e") == 0)
            return scalar(l, ir_const_f(l, T_F64, 2.718281828459045), 1);
        if (strcmp(n, "inf") == 0)
            return scalar(l, ir_const_f(l, T_F64, INFINITY), 1);
        if (strcmp(n, "nan") == 0)
            return scalar(l, ir_const_f(l, T_F64, NAN), 1);
        if (strcmp(n, "newaxis") == 0)
            return vnew(V_NONE, l);
        static const char *fns[] = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like",
                                    "empty_like", "full_like", "copy", "fromfunction", "save",
                                    "load", "sqrt", "exp", "log", "sin", "cos", "tan", "tanh",
                                    "abs", "absolute", "floor", "ceil", "sign", "minimum",
                                    "maximum", "where", "clip", "sum", "max", "min", "mean",
                                    "amax", "amin", "roll", "power", "linspace", "arange", "meshgrid", "any", "all",
                                    "cumsum", "diff", "array", "asarray", "ndarray", "pad", "indices",
                                    "mgrid", "ogrid", "isnan", "isinf", "isfinite", "arcsin", "arccos",
                                    "arctan", "sinh", "cosh", "arcsinh", "arccosh", "arctanh",
                                    "log10", "log2", "exp2", "expm1", "log1p", "cbrt", "trunc",
                                    "rint", "arctan2", "hypot", "copysign", "fmod", "degrees",
                                    "radians", "rad2deg", "deg2rad", "square", NULL};
        for (const char **p = fns; *p; p++)
            if (strcmp(*p, n) == 0) {
                value *v = vnew(V_BUILTIN, l);
                v->str = arena_printf(&util_arena, "np.%s", n);
                return v;
            }
        if (strcmp(n, "linalg") == 0 || strcmp(n, "random") == 0 || strcmp(n, "fft") == 0) {
            value *v = vnew(V_MODULE, l);
            v->str = arena_printf(&util_arena, "numpy.%s", n);
            return v;
        }
    }
    if (strcmp(mod->str, "numpy.random") == 0)
        return random_attr(mod, a);
    if (strcmp(mod->str, "numpy.linalg") == 0 && strcmp(n, "norm") == 0) {
        value *v = vnew(V_BUILTIN, l);
        v->str = "np.linalg.norm";
        return v;
    }
    loc whole = a->a ? loc_span(a->a->l, l) : l;
    diag_error(whole, "'%s' is not supported in a stencil program",
               a->a ? diag_text(whole) : arena_printf(&util_arena, "%s.%s", mod->str, n));
    diag_note((loc){0}, "%s", supported_numpy);
    return &ERRV;
}

static value *lower_attr(lctx *c, ast *a)
{
    value *obj = lower_expr(c, a->a);
    if (obj->kind == V_ERR)
        return &ERRV;
    if (obj->kind == V_MODULE)
        return numpy_attr(c, obj, a);
    if (obj->kind == V_RNG)
        return random_attr(obj, a);
    if (obj->kind == V_MASKED) {
        static const char *methods[] = {"sum", "max", "min", "mean", NULL};
        for (const char **m = methods; *m; m++)
            if (strcmp(a->name, *m) == 0) {
                value *v = vnew(V_BUILTIN, a->l);
                v->str = *m;
                v->self = obj;
                return v;
            }
        diag_error(a->l, "'.%s' of a boolean-mask selection is not supported (its shape depends on "
                         "the data; sum, max, min and mean are)", a->name);
        return &ERRV;
    }
    if (obj->kind == V_ARRAY) {
        if (strcmp(a->name, "shape") == 0) {
            value *t = vnew(V_TUPLE, a->l);
            t->n = obj->rank;
            t->items = NEWN(value *, obj->rank);
            for (int d = 0; d < obj->rank; d++) {
                t->items[d] = scalar(a->l, obj->len[d], 1);
                t->items[d]->s = obj->sh[d];
            }
            return t;
        }
        if (strcmp(a->name, "ndim") == 0)
            return scalar(a->l, I64(a->l, obj->rank), 1);
        if (strcmp(a->name, "dtype") == 0) {
            value *v = vnew(V_DTYPE, a->l);
            v->type = obj->type;
            return v;
        }
        static const char *methods[] = {"copy", "sum", "max", "min", "mean", "any", "all", "cumsum",
                                        "astype", "clip", NULL};
        for (const char **m = methods; *m; m++)
            if (strcmp(a->name, *m) == 0) {
                value *v = vnew(V_BUILTIN, a->l);
                v->str = *m;
                v->self = obj;
                return v;
            }
        if (strcmp(a->name, "size") == 0) {
            ir_expr *n = obj->len[0];
            const sym *sn = obj->sh[0];
            for (int d = 1; d < obj->rank; d++) {
                n = ir_bin(a->l, OP_MUL, T_I64, n, obj->len[d], 0);
                sn = sym_mul(sn, obj->sh[d]);
            }
            value *v = scalar(a->l, n, 1);
            v->s = sn;
            return v;
        }
    }
    loc whole = loc_span(a->a->l, a->l);
    diag_error(whole, "'%s' is not supported in a stencil program", diag_text(whole));
    return &ERRV;
}

static value *lower_compare(lctx *c, ast *a)
{
    value *left = lower_expr(c, a->a);
    value *result = NULL;
    for (int i = 0; i < a->args.len; i++) {
        ast *ra = VEC_AT(a->args, i, ast *);
        value *right = lower_expr(c, ra);
        int op = a->cmpops[i];
        ir_op iop;
        if ((op == OP_IS || op == OP_ISNOT) && (left->kind == V_NONE || right->kind == V_NONE)) {
            /* x is None: known when compiling (a defaulted parameter, an optional argument) */
            if (left->kind == V_ERR || right->kind == V_ERR)
                return &ERRV;
            int same = left->kind == right->kind;
            value *r = scalar(a->l, ir_const_i(a->l, T_BOOL, (op == OP_IS) == same), 1);
            result = result ? scalar(a->l, ir_bin(a->l, OP_LAND, T_BOOL, result->e, r->e, 1), 1) : r;
            left = right;
            continue;
        }
        switch (op) {
        case OP_LT: iop = OP_CLT; break;
        case OP_LE: iop = OP_CLE; break;
        case OP_GT: iop = OP_CGT; break;
        case OP_GE: iop = OP_CGE; break;
        case OP_EQ: iop = OP_CEQ; break;
        case OP_NE: iop = OP_CNE; break;
        default:
            diag_error(a->l, "comparison '%s' is not supported%s", ast_op_name(op),
                       op == OP_IS || op == OP_ISNOT ? " (except with None: x is None, x is not None)" : "");
            return &ERRV;
        }
        value *r = binop(c, a->l, iop, left, right);
        if (r->kind == V_ERR)
            return &ERRV;
        if (result) {
            if (result->kind != V_SCALAR || r->kind != V_SCALAR) {
                diag_error(a->l, "chained comparisons of arrays are not supported");
                return &ERRV;
            }
            result = scalar(a->l, ir_bin(a->l, OP_LAND, T_BOOL, result->e, r->e, 1), 1);
        } else
            result = r;
        left = right;
    }
    return result;
}

static value *truth(lctx *c, value *v, const char *what)
{
    (void)c;
    if (v->kind == V_ERR)
        return v;
    if (v->kind == V_ARRAY) {
        diag_error(v->l, "the truth value of an array is ambiguous in %s; reduce it first "
                         "(e.g. np.max(a) > tol)", what);
        return &ERRV;
    }
    if (v->kind != V_SCALAR) {
        diag_error(v->l, "%s must be a scalar, not %s", what, vkind_desc(v));
        return &ERRV;
    }
    if (v->type == T_BOOL)
        return v;
    ir_expr *z = ir_type_is_float(v->type) ? ir_const_f(v->l, v->type, 0.0) : ir_const_i(v->l, v->type, 0);
    return scalar(v->l, ir_bin(v->l, OP_CNE, T_BOOL, v->e, z, 1), 1);
}

static ir_op map_binop(int op)
{
    switch (op) {
    case '+': return OP_ADD;
    case '-': return OP_SUB;
    case '*': return OP_MUL;
    case '/': return OP_TRUEDIV;
    case OP_FLOORDIV: return OP_FDIV;
    case '%': return OP_MOD;
    case OP_POW: return OP_POWER;
    case '&': return OP_BAND;
    case '|': return OP_BOR;
    case '^': return OP_BXOR;
    default: return (ir_op)-1;
    }
}

static value *lower_expr(lctx *c, ast *a)
{
    if (!lower_step(c))
        return &ERRV;
    switch (a->kind) {
    case A_NAME: return read_name(c, a);
    case A_INT: return scalar(a->l, I64(a->l, a->ival), 1);
    case A_FLOAT:
        if (a->ival) {
            diag_error(a->l, "complex numbers are not supported (an imaginary step such as 5j is "
                             "supported in np.mgrid[...] and np.ogrid[...])");
            return &ERRV;
        }
        return scalar(a->l, ir_const_f(a->l, T_F64, a->fval), 1);
    case A_BOOL: return scalar(a->l, ir_const_i(a->l, T_BOOL, a->ival), 1);
    case A_NONE: return vnew(V_NONE, a->l);
    case A_STR: {
        value *v = vnew(V_STR, a->l);
        v->str = a->str;
        return v;
    }
    case A_ATTR: return lower_attr(c, a);
    case A_CALL: return lower_call(c, a);
    case A_SUBSCRIPT: {
        value *base = lower_expr(c, a->a);
        if (base->kind == V_ERR)
            return &ERRV;
        if (base->kind == V_BUILTIN && (strcmp(base->str, "np.mgrid") == 0 || strcmp(base->str, "np.ogrid") == 0))
            return index_grid(c, base->str, a);
        if (base->kind == V_TUPLE) {
            if (a->args.len != 1 || VEC_AT(a->args, 0, ast *)->kind == A_SLICE) {
                diag_error(a->l, "lists and tuples can only be indexed by one integer");
                return &ERRV;
            }
            value *iv = lower_expr(c, VEC_AT(a->args, 0, ast *));
            int64_t k;
            if (iv->kind != V_SCALAR || !ir_expr_const_int(iv->e, &k)) {
                diag_error(iv->l, "a list or tuple index must be an integer known when compiling (a "
                                  "loop over a constant range() that indexes the list is unrolled)");
                return &ERRV;
            }
            if (k < 0)
                k += base->n;
            if (k < 0 || k >= base->n) {
                diag_error(iv->l, "tuple index out of range");
                return &ERRV;
            }
            return base->items[k];
        }
        if (base->kind != V_ARRAY) {
            diag_error(a->a->l, "%s cannot be indexed", vkind_desc(base));
            return &ERRV;
        }
        return index_array(c, base, a, 0);
    }
    case A_BINOP: {
        ir_op op = map_binop(a->op);
        if ((int)op < 0) {
            diag_error(a->l, "operator '%s' is not supported", ast_op_name(a->op));
            return &ERRV;
        }
        value *x = lower_expr(c, a->a);
        value *y = lower_expr(c, a->b);
        return binop(c, a->l, op, x, y);
    }
    case A_UNOP: {
        value *x = lower_expr(c, a->a);
        ir_op op = a->op == '-' ? OP_NEG : a->op == '+' ? OP_POS : a->op == '~' ? OP_BNOT : OP_LNOT;
        if (op == OP_LNOT)
            x = truth(c, x, "'not'");
        return unop(c, a->l, op, x);
    }
    case A_BOOLOP: {
        /* Python's `x or y` is x when x is true, else y (`and`: y when x is true, else x): the
         * value of an operand, not a bool, and y is evaluated only when needed. */
        value *x0 = lower_expr(c, a->a), *y0 = lower_expr(c, a->b);
        value *x = truth(c, x0, "'and'/'or'");
        value *y = truth(c, y0, "'and'/'or'");
        if (x->kind == V_ERR || y->kind == V_ERR)
            return &ERRV;
        int and = a->op == OP_AND;
        int64_t kx;
        if (ir_expr_const_int(x->e, &kx))
            return and == (kx != 0) ? y0 : x0;
        if (x0->type == T_BOOL && y0->type == T_BOOL)
            return scalar(a->l, ir_bin(a->l, and ? OP_LAND : OP_LOR, T_BOOL, x->e, y->e, 1), 1);
        if (x0->type != y0->type) {
            diag_error(a->l, "the value of this '%s' is %s or %s depending on the values; give both "
                             "operands one type (or compare them, for a bool)", and ? "and" : "or",
                       vkind_desc(x0), vkind_desc(y0));
            return &ERRV;
        }
        value *r = scalar(a->l, ir_select(a->l, x0->type, x->e, and ? y0->e : x0->e, and ? x0->e : y0->e),
                          x0->weak && y0->weak);
        return r;
    }
    case A_COMPARE: return lower_compare(c, a);
    case A_IFEXP: {
        value *t = truth(c, lower_expr(c, a->b), "a conditional expression");
        value *x = lower_expr(c, a->a);
        value *y = lower_expr(c, a->c);
        if (t->kind == V_ERR || x->kind == V_ERR || y->kind == V_ERR)
            return &ERRV;
        int64_t k;
        if (ir_expr_const_int(t->e, &k))
            return k ? x : y;
        if (x->kind != V_SCALAR || y->kind != V_SCALAR || x->type != y->type) {
            diag_error(a->l, "both branches of a conditional expression must be scalars of the same type");
            return &ERRV;
        }
        return scalar(a->l, ir_select(a->l, x->type, t->e, x->e, y->e), x->weak && y->weak);
    }
    case A_TUPLE:
    case A_LIST: {
        value *t = vnew(V_TUPLE, a->l);
        t->n = a->args.len;
        t->items = NEWN(value *, t->n + 1);
        for (int i = 0; i < t->n; i++)
            t->items[i] = lower_expr(c, VEC_AT(a->args, i, ast *));
        for (int i = 0; i < t->n; i++)
            if (t->items[i]->kind == V_ERR)
                return &ERRV;
        return t;
    }
    case A_COMP: return comprehension(c, a);
    case A_LAMBDA: {
        value *v = vnew(V_LAMBDA, a->l);
        v->def = a;
        v->defscope = c->sc;
        return v;
    }
    case A_FSTRING:
        diag_error(a->l, "f-strings are not supported yet; pass the values to print() as separate arguments");
        return &ERRV;
    case A_STARRED:
        diag_error(a->l, "starred expressions are not supported");
        return &ERRV;
    default:
        diag_error(a->l, "this expression is not supported in a stencil program");
        return &ERRV;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Statements                                                                                 */

static value *target_view(lctx *c, ast *t)
{
    value *base = lower_expr(c, t->a);
    if (base->kind == V_ERR)
        return &ERRV;
    if (base->kind != V_ARRAY || base->e->kind != E_READ) {
        diag_error(t->a->l, "only arrays can be assigned by index (this is %s)", vkind_desc(base));
        return &ERRV;
    }
    return index_array(c, base, t, 1);
}

static ast *list_elem(lctx *c, ast *t, value **list, int *index);
static value *iter_items(lctx *c, ast *it);
static value *comprehension(lctx *c, ast *a);
static int lower_for_unrolled(lctx *c, ast *s, int range_loop);

/* a[m] = v as one sweep over a: a = where(m, v, a). v is a scalar, or b[m] with the same mask
 * (then b's elements land where they were selected); any other array would need as many
 * elements as m selects, which only the data says. */
static void store_masked(lctx *c, loc l, value *tv, value *v)
{
    if (v->kind == V_MASKED) {
        if (!*v->str || strcmp(v->str, tv->str) != 0) {
            diag_error(v->l, "assigning a selection with another mask to a[%s] is not supported "
                             "(write b[m] with the same mask m on both sides)", tv->str);
            return;
        }
        v = v->self;
    } else if (v->kind != V_SCALAR) {
        diag_error(v->l, "assigning %s to a[%s] is not supported: the number of elements the mask "
                         "selects depends on the data; assign a scalar or b[%s]",
                   vkind_desc(v), tv->str, tv->str);
        return;
    }
    value *w = where3(c, l, tv->mask, v, tv->self);
    if (w->kind == V_ERR)
        return;
    emit_sweep(c, l, tv->self, w, 0);
}

static void store(lctx *c, ast *t, value *v)
{
    if (t->kind == A_NAME) {
        assign_name(c, t, v);
        return;
    }
    value *list;
    int li;
    ast *h = t->kind == A_SUBSCRIPT ? list_elem(c, t, &list, &li) : NULL;
    if (h) { /* F[k] = v of a list F: item k rebound, as Python's lists do */
        if (strcmp(h->name, "<error>") != 0 && v->kind != V_ERR) {
            assign_name(c, h, v);
            list->items[li] = read_name(c, h);
        }
        return;
    }
    if (t->kind == A_SUBSCRIPT && list_item(t) >= 0) {
        /* a[..., [i0, i1], ...] = v: one store per listed index, v computed first (it may read
         * a: a[[0, 1]] = a[[1, 0]] swaps) and split along the list's dimension when it has it */
        int k = list_item(t);
        ast *lst = VEC_AT(t->args, k, ast *);
        if (v->kind == V_ERR)
            return;
        if (v->kind == V_ARRAY)
            v = materialize(c, v);
        value *first = target_view(c, subscript_with(t, k, VEC_AT(lst->args, 0, ast *)));
        if (first->kind == V_ERR)
            return;
        int rank = first->kind == V_ARRAY ? first->rank + 1 : 1;
        int pos = v->kind == V_ARRAY && v->rank == rank ? 0 : -1;
        if (pos == 0) { /* the list's dimension in the target's shape */
            for (int i = 0; i < k; i++) {
                ast *it = VEC_AT(t->args, i, ast *);
                if (it->kind == A_NAME && strcmp(it->name, "Ellipsis") == 0) {
                    diag_error(it->l, "'...' before a list index in an assignment of an array is "
                                      "not supported; write the slices out");
                    return;
                }
                pos += it->kind == A_SLICE;
            }
            int64_t ext;
            if (sym_is_const(v->sh[pos], &ext) && ext != lst->args.len && ext != 1) {
                diag_error(v->l, "shape mismatch: value array of shape %s could not be broadcast to "
                                 "indexing result with %d elements along the list's dimension",
                           shape_str(v->rank, v->sh), lst->args.len);
                return;
            }
        }
        for (int j = 0; j < lst->args.len; j++) {
            value *vj = pos < 0 ? v : fix_axis(c, t->l, v, pos, I64(t->l, sym_is_one_ext(v->sh[pos]) ? 0 : j));
            store(c, subscript_with(t, k, VEC_AT(lst->args, j, ast *)), vj);
        }
        return;
    }
    if (t->kind == A_SUBSCRIPT) {
        value *tv = target_view(c, t);
        if (tv->kind == V_ERR || v->kind == V_ERR)
            return;
        if (tv->kind == V_MASKED) {
            store_masked(c, t->l, tv, v);
            return;
        }
        if (tv->kind == V_SCALAR) { /* all indices are integers: one element */
            ir_expr *el = tv->e;
            if (v->kind != V_SCALAR) {
                diag_error(v->l, "setting an array element with a sequence (the value is %s)", vkind_desc(v));
                return;
            }
            ir_stmt *s = ir_stmt_new(S_SETELEM, t->l);
            s->var = el->var;
            s->n = el->nargs;
            s->args = el->args;
            s->e = ir_cast(t->l, el->type, v->e);
            emit(c, s);
            return;
        }
        emit_sweep(c, t->l, tv, v, 0);
        return;
    }
    if (t->kind == A_ATTR) {
        diag_error(t->l, "assignment to an attribute is not supported");
        return;
    }
    diag_error(t->l, "cannot assign to this expression");
}

static void lower_assign(lctx *c, ast *s)
{
    value *v = lower_expr(c, s->a);
    for (int k = 0; k < s->targets.len; k++) {
        ast *t = VEC_AT(s->targets, k, ast *);
        if (t->kind != A_TUPLE && t->kind != A_LIST) {
            store(c, t, v);
            continue;
        }
        int n = t->args.len;
        if (v->kind == V_ERR) {
            for (int i = 0; i < n; i++)
                if (VEC_AT(t->args, i, ast *)->kind == A_NAME)
                    store(c, VEC_AT(t->args, i, ast *), &ERRV);
            continue;
        }
        if (v->kind != V_TUPLE) {
            diag_error(s->a->l, "cannot unpack %s into %d names", vkind_desc(v), n);
            continue;
        }
        if (v->n != n) {
            diag_error(s->a->l, v->n > n ? "too many values to unpack (expected %d)"
                                         : "not enough values to unpack (expected %d, got %d)",
                       n, v->n);
            continue;
        }
        /* Evaluate every value before assigning any (Python's order): array expressions are
         * computed, scalars copied to temporaries when more than one name is assigned. */
        value **items = NEWN(value *, n);
        for (int i = 0; i < n; i++) {
            value *it = v->items[i];
            if (it->kind == V_ARRAY && it->e->kind != E_READ)
                it = materialize(c, it);
            if (it->kind == V_SCALAR && it->dyn && n > 1) {
                dynvar *td = NEW(dynvar); /* the value's int, float and tag, copied */
                td->name = "<temporary>";
                td->i = temp_scalar(c, T_I64);
                td->f = temp_scalar(c, T_F64);
                td->tag = temp_scalar(c, T_BOOL);
                ir_var *from[3] = {it->dyn->i, it->dyn->f, it->dyn->tag}, *to[3] = {td->i, td->f, td->tag};
                for (int k = 0; k < 3; k++) {
                    ir_stmt *a = ir_stmt_new(S_ASSIGN, it->l);
                    a->var = to[k];
                    a->e = ir_varref(it->l, from[k]);
                    emit(c, a);
                }
                value *nv = scalar(it->l, ir_select(it->l, T_F64, ir_varref(it->l, td->tag), ir_varref(it->l, td->f),
                                                    ir_cast(it->l, T_F64, ir_varref(it->l, td->i))), it->weak);
                nv->dyn = td;
                it = nv;
            } else if (it->kind == V_SCALAR && it->e->kind != E_CONST && n > 1) {
                ir_var *tv = temp_scalar(c, it->type);
                ir_stmt *a = ir_stmt_new(S_ASSIGN, it->l);
                a->var = tv;
                a->e = it->e;
                emit(c, a);
                const sym *sv = it->s;
                int weak = it->weak;
                it = scalar(it->l, ir_varref(it->l, tv), weak);
                it->s = sv;
            }
            items[i] = it;
        }
        /* Names bound to whole arrays are rebound together (a swap rotates references). */
        ir_stmt *b = ir_stmt_new(S_BIND, s->l);
        b->dst = NEWN(ir_var *, n);
        b->srcs = NEWN(ir_var *, n);
        for (int i = 0; i < n; i++) {
            ast *ti = VEC_AT(t->args, i, ast *);
            ir_var *src = whole_slot(items[i]);
            if (ti->kind == A_NAME && src && items[i]->kind == V_ARRAY) {
                ir_var *slot = scope_var(c, ti->name, items[i]->type, items[i]->rank, 1);
                b->dst[b->n] = slot;
                b->srcs[b->n++] = src;
                binding *bb = bind(c, ti->name);
                bb->kind = B_ARRAY;
                bb->var = slot;
                for (int d = 0; d < items[i]->rank; d++)
                    bb->sh[d] = items[i]->sh[d];
                items[i] = NULL;
            }
        }
        if (b->n)
            emit(c, b);
        for (int i = 0; i < n; i++) {
            ast *ti = VEC_AT(t->args, i, ast *);
            if (!items[i])
                continue;
            if (ti->kind == A_TUPLE || ti->kind == A_STARRED) {
                diag_error(ti->l, "nested or starred unpacking is not supported");
                continue;
            }
            store(c, ti, items[i]);
        }
    }
}

static void lower_augassign(lctx *c, ast *s)
{
    ir_op op = map_binop(s->op);
    if ((int)op < 0) {
        diag_error(s->l, "operator '%s=' is not supported", ast_op_name(s->op));
        return;
    }
    value *rhs = lower_expr(c, s->a);
    ast *t = s->b;
    value *list = NULL;
    int li = 0;
    ast *h = t->kind == A_SUBSCRIPT ? list_elem(c, t, &list, &li) : NULL;
    if (h && strcmp(h->name, "<error>") == 0)
        return;
    if (h)
        t = h; /* F[k] += x: the array item updated in place (a scalar item rebound) */
    if (t->kind == A_NAME) {
        value *cur = read_name(c, t);
        if (cur->kind == V_ARRAY) {
            /* in place, as NumPy: every name bound to this array sees the update */
            if (cur->e->kind != E_READ)
                cur = materialize(c, cur);
            value *r = binop(c, s->l, op, cur, rhs);
            if (r->kind == V_ARRAY && kind_of(r->type) > kind_of(cur->type)) {
                diag_error(s->l, "Cannot cast ufunc '%s' output from dtype('%s') to dtype('%s') with "
                                 "casting rule 'same_kind'", ir_op_name(op), ir_type_name(r->type),
                           ir_type_name(cur->type));
                return;
            }
            emit_sweep(c, s->l, cur, r, 0);
            return;
        }
        assign_name(c, t, binop(c, s->l, op, cur, rhs));
        if (list)
            list->items[li] = read_name(c, t);
        return;
    }
    if (t->kind == A_SUBSCRIPT) {
        value *tv = target_view(c, t);
        if (tv->kind == V_ERR || rhs->kind == V_ERR)
            return;
        value *masked = NULL;
        if (tv->kind == V_MASKED) { /* a[m] += x: a = where(m, a + x, a) */
            if (rhs->kind != V_SCALAR) {
                diag_error(s->a->l, "'%s=' of %s on a[%s] is not supported: the number of elements "
                                    "the mask selects depends on the data; use a scalar",
                           ast_op_name(s->op), vkind_desc(rhs), tv->str);
                return;
            }
            masked = tv;
            tv = tv->self;
        }
        value *r = binop(c, s->l, op, tv, rhs);
        if (r->kind == V_ERR)
            return;
        if (kind_of(r->type) > kind_of(tv->type)) {
            diag_error(s->l, "Cannot cast ufunc '%s' output from dtype('%s') to dtype('%s') with "
                             "casting rule 'same_kind'", ir_op_name(op), ir_type_name(r->type),
                       ir_type_name(tv->type));
            return;
        }
        if (masked) {
            r = where3(c, s->l, masked->mask, r, tv);
            if (r->kind != V_ERR)
                emit_sweep(c, s->l, tv, r, 0);
            return;
        }
        if (tv->kind == V_SCALAR) {
            if (r->kind != V_SCALAR) { /* u[i] += array */
                diag_error(s->a->l, "setting an array element with a sequence (the value is %s)",
                           vkind_desc(rhs));
                return;
            }
            ir_stmt *st = ir_stmt_new(S_SETELEM, t->l);
            st->var = tv->e->var;
            st->n = tv->e->nargs;
            st->args = tv->e->args;
            st->e = ir_cast(t->l, tv->e->type, r->e);
            emit(c, st);
            return;
        }
        emit_sweep(c, s->l, tv, r, 0);
        return;
    }
    diag_error(t->l, "cannot assign to this expression");
}

/* An affine form over the parameters as an expression of their variables, or NULL when one of
 * its atoms is not a parameter that still holds its value from the command line. */
static ir_expr *sym_param_expr(lctx *c, loc l, const sym *s)
{
    if (!s)
        return NULL;
    ir_expr *e = NULL;
    for (int t = 0; t < s->n; t++) {
        ir_var *pv = NULL;
        for (int i = 0; i < c->prog->params.len && !pv; i++) {
            ir_var *p = VEC_AT(c->prog->params, i, ir_var *);
            binding *b = find_in(c->module, p->pyname);
            if (b && b->kind == B_SCALAR && b->var == p && sym_equal(b->s, sym_var(s->atom[t])))
                pv = p;
        }
        if (!pv)
            return NULL;
        ir_expr *term = ir_varref(l, pv);
        if (s->k[t] != 1)
            term = ir_bin(l, OP_MUL, T_I64, ir_const_i(l, T_I64, s->k[t]), term, 0);
        e = e ? ir_bin(l, OP_ADD, T_I64, e, term, 0) : term;
    }
    if (!e || s->c)
        e = e ? ir_bin(l, OP_ADD, T_I64, e, ir_const_i(l, T_I64, s->c), 0) : ir_const_i(l, T_I64, s->c);
    return e;
}

/* The shapes of the arrays bound when a top-level loop starts (they cannot change inside it),
 * where they follow from the parameters: a restart jumps past the statements that computed them,
 * so it checks a checkpoint's arrays against these. */
static void record_ck_shapes(lctx *c, ir_stmt *st)
{
    vec *bs = &c->module->binds;
    st->ck_n = 0;
    st->ck_slot = NEWN(ir_var *, bs->len + 1);
    st->ck_shape = NEWN(ir_expr *, (size_t)(bs->len + 1) * IR_MAX_RANK);
    for (int i = 0; i < bs->len; i++) {
        binding *b = VEC_AT(*bs, i, binding *);
        if (b->kind != B_ARRAY || !b->var || b->var->rank < 1)
            continue;
        int any = 0;
        for (int d = 0; d < b->var->rank; d++) {
            ir_expr *e = sym_param_expr(c, st->l, b->sh[d]);
            st->ck_shape[st->ck_n * IR_MAX_RANK + d] = e;
            any |= e != NULL;
        }
        if (any)
            st->ck_slot[st->ck_n++] = b->var;
    }
}

/* Lower a loop body: probe once (diagnostics off, output discarded) to find scalar names whose
 * type changes in the body, promote them at loop entry, then lower for real. `head` is lowered
 * at the top of each iteration (a while condition); it returns its value through *cond. */
static void lower_loop(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast, ir_stmt *st)
{
    vec names = {0};
    target_names(target, &names);
    assigned_names(&loop->body, &names);
    for (int i = 0; i < c->global_writes.len; i++) /* a call in the body may assign them */
        if (!name_in(&names, VEC_AT(c->global_writes, i, const char *)))
            vec_push(&names, c->global_writes.items[i]);
    for (int i = 0; i < names.len; i++) {
        binding *b = find_in(c->sc, VEC_AT(names, i, const char *));
        if (b && b->kind == B_SCALAR)
            b->s = NULL;
    }
    for (int iter = 0; iter < 4; iter++) {
        snapshot before = snap_take(c);
        int old = diag_suppress(1);
        vec scratch = {0};
        vec *saved = c->out;
        c->out = &scratch;
        c->loops++;
        if (target) {
            binding *b = bind(c, target->name);
            b->kind = B_SCALAR;
            b->var = loopvar;
        }
        if (condast)
            lower_expr(c, condast);
        lower_block(c, &loop->body);
        c->loops--;
        c->out = saved;
        diag_suppress(old);
        /* compare scalar types at the end of the body with those at entry */
        int changed = 0;
        vec after = {0};
        for (int i = 0; i < names.len; i++) {
            const char *n = VEC_AT(names, i, const char *);
            binding *e = NULL, *x = find_in(c->sc, n);
            for (int k = 0; k < before.binds.len; k++)
                if (strcmp(VEC_AT(before.binds, k, binding *)->name, n) == 0)
                    e = VEC_AT(before.binds, k, binding *);
            if (e && x && e->kind == B_SCALAR && x->kind == B_SCALAR &&
                (e->dyn != x->dyn || e->var->type != x->var->type))
                vec_push(&after, (void *)n), vec_push(&after, x);
        }
        snap_rewind(c, &before);
        for (int i = 0; i < after.len; i += 2) {
            const char *n = VEC_AT(after, i, const char *);
            binding *x = VEC_AT(after, i + 1, binding *);
            ir_var *xv = x->var;
            binding *b = find_in(c->sc, n);
            if (dyn_joins(b) && dyn_joins(x) && !(target && strcmp(n, target->name) == 0)) {
                /* an int on entry and a float after the body (or the reverse): Python's value
                 * and type on every path, e.g. when the loop runs no iteration (dynvar) */
                dynvar *d = b->dyn ? b->dyn : dyn_get(c, n);
                dyn_convert(c, c->out, loop->l, d, b);
                dyn_bind(c, d, b->weak && x->weak);
                changed = 1;
                continue;
            }
            if (!ir_type_is_float(xv->type) || ir_type_is_float(b->var->type)) {
                diag_error(loop->l, "variable '%s' changes type from %s to %s inside this loop; "
                                    "give it its final type before the loop", n,
                           b->dyn ? "int or float" : ir_type_name(b->var->type),
                           x->dyn ? "int or float" : ir_type_name(xv->type));
                continue;
            }
            ir_var *nv = scope_var(c, n, xv->type, 0, 0);
            ir_stmt *a = ir_stmt_new(S_ASSIGN, loop->l);
            a->var = nv;
            a->e = ir_cast(loop->l, xv->type, ir_varref(loop->l, b->var));
            emit(c, a);
            int weak = b->weak;
            b = bind(c, n);
            b->kind = B_SCALAR;
            b->var = nv;
            b->weak = weak;
            changed = 1;
        }
        if (!changed)
            break;
    }
    /* array shapes at loop entry, to check they are the same at the end of the body */
    snapshot entry = snap_take(c);
    if (c->loops == 0 && c->sc == c->module)
        record_ck_shapes(c, st);
    vec *saved = c->out;
    c->out = &st->body;
    c->loops++;
    if (target) {
        ir_stmt *a = ir_stmt_new(S_ASSIGN, target->l);
        ir_var *uv = scope_var(c, target->name, T_I64, 0, 0);
        a->var = uv;
        a->e = ir_varref(target->l, loopvar);
        emit(c, a);
        binding *b = bind(c, target->name);
        b->kind = B_SCALAR;
        b->var = uv;
        b->weak = 1;
    }
    if (condast) {
        value *cv = truth(c, lower_expr(c, condast), "a while condition");
        if (cv->kind == V_SCALAR) {
            ir_stmt *brk = ir_stmt_new(S_IF, condast->l);
            brk->e = ir_un(condast->l, OP_LNOT, T_BOOL, cv->e);
            vec_push(&brk->body, ir_stmt_new(S_BREAK, condast->l));
            emit(c, brk);
        }
    }
    lower_block(c, &loop->body);
    c->loops--;
    c->out = saved;
    for (int i = 0; i < names.len; i++) {
        const char *n = VEC_AT(names, i, const char *);
        binding *x = find_in(c->sc, n), *e = NULL;
        for (int k = 0; k < entry.binds.len; k++)
            if (strcmp(VEC_AT(entry.binds, k, binding *)->name, n) == 0)
                e = VEC_AT(entry.binds, k, binding *);
        if (x && x->kind == B_SCALAR)
            x->s = NULL;
        if (e && x && e->kind == B_ARRAY && x->kind == B_ARRAY) {
            for (int d = 0; d < e->var->rank; d++)
                if (e->var->rank != x->var->rank || sym_cmp(e->sh[d], x->sh[d]) == 0) {
                    diag_error(loop->l, "array '%s' changes shape inside this loop (%s before, %s after "
                                        "one iteration)", n, shape_str(e->var->rank, e->sh),
                               shape_str(x->var->rank, x->sh));
                    break;
                }
        }
        if (e && x && e->kind == B_ARRAY && x->kind == B_ARRAY && e->var != x->var) {
            diag_error(loop->l, "array '%s' changes dtype inside this loop", n);
        }
    }
}

static void lower_for(lctx *c, ast *s)
{
    if (s->orelse.len) {
        diag_error(s->l, "'else' on a loop is not supported");
        return;
    }
    ast *it = s->a;
    int is_range = it->kind == A_CALL && it->a->kind == A_NAME && strcmp(it->a->name, "range") == 0 &&
                   !lookup(c, "range", &(int){0});
    if ((!is_range || s->b->kind == A_NAME) && lower_for_unrolled(c, s, is_range))
        return;
    if (!is_range) {
        diag_error(it->l, "only 'for NAME in range(...)' loops and loops over sequences known when "
                          "compiling (lists, tuples, zip(), enumerate()) are supported");
        return;
    }
    if (s->b->kind != A_NAME) {
        diag_error(s->b->l, "only a single name is supported as the variable of a range() loop");
        return;
    }
    args a = lower_args(c, it);
    if (any_err(&a))
        return;
    if (a.nkw || a.npos < 1 || a.npos > 3) {
        diag_error(it->l, "range() takes 1 to 3 integer arguments");
        return;
    }
    ir_expr *e[3];
    for (int i = 0; i < a.npos; i++) {
        if (a.pos[i]->kind != V_SCALAR || ir_type_is_float(a.pos[i]->type)) {
            diag_error(a.pos[i]->l, "'%s' object cannot be interpreted as an integer",
                       a.pos[i]->kind == V_SCALAR ? "float" : vkind_desc(a.pos[i]));
            return;
        }
        e[i] = ir_cast(a.pos[i]->l, T_I64, a.pos[i]->e);
    }
    ir_stmt *st = ir_stmt_new(S_FOR, s->l);
    st->e = a.npos == 1 ? I64(it->l, 0) : e[0];
    st->e2 = a.npos == 1 ? e[0] : e[1];
    st->e3 = a.npos == 3 ? e[2] : I64(it->l, 1);
    int64_t k;
    if (ir_expr_const_int(st->e3, &k) && k == 0) {
        diag_error(a.pos[2]->l, "range() arg 3 must not be zero");
        return;
    }
    /* range() arguments are evaluated once, before the loop */
    for (int i = 0; i < 3; i++) {
        ir_expr **p = i == 0 ? &st->e : i == 1 ? &st->e2 : &st->e3;
        if ((*p)->kind == E_CONST || (*p)->kind == E_VAR)
            continue;
        ir_var *tv = temp_scalar(c, T_I64);
        ir_stmt *as = ir_stmt_new(S_ASSIGN, s->l);
        as->var = tv;
        as->e = *p;
        emit(c, as);
        *p = ir_varref(s->l, tv);
    }
    st->var = ir_var_new(c->prog, cname(c, arena_printf(&util_arena, "%s_it", s->b->name)), s->b->name, T_I64, 0, 0);
    lower_loop(c, s, s->b, st->var, NULL, st);
    emit(c, st);
}

/* After an if's branches (st->body lowered with then_binds as result, st->orelse with the
 * current bindings): a name must have the same kind, type and shape after both, except a
 * scalar that is an int after one and a float after the other, which keeps both (dynvar). */
static void merge_branches(lctx *c, ir_stmt *st, vec then_binds)
{
    loc l = st->l;
    for (int i = 0; i < then_binds.len; i++) {
        binding *t = VEC_AT(then_binds, i, binding *);
        binding *e = find_in(c->sc, t->name);
        if (!e) {
            binding *nb = bind(c, t->name);
            *nb = *t;
            continue;
        }
        if (t->kind == B_SCALAR && e->kind == B_SCALAR && t->var != e->var && dyn_joins(t) && dyn_joins(e)) {
            dynvar *d = t->dyn ? t->dyn : e->dyn ? e->dyn : dyn_get(c, t->name);
            dyn_convert(c, &st->body, l, d, t);
            dyn_convert(c, &st->orelse, l, d, e);
            dyn_bind(c, d, t->weak && e->weak);
            continue;
        }
        if (t->kind != e->kind || (t->kind != B_VALUE && t->var != e->var)) {
            if (t->kind == B_SCALAR && e->kind == B_SCALAR)
                diag_error(l, "variable '%s' is %s after one branch of this 'if' and %s after the "
                              "other; give it one type", t->name, ir_type_name(t->var->type),
                           ir_type_name(e->var->type));
            else if (t->kind == B_VALUE && t->val->kind == V_ERR)
                ;
            else
                diag_error(l, "'%s' refers to different kinds of values after the branches of this 'if'",
                           t->name);
            continue;
        }
        if (t->kind == B_SCALAR) {
            if (!sym_equal(t->s, e->s))
                e->s = NULL;
            e->weak = e->weak && t->weak;
        } else if (t->kind == B_ARRAY) {
            for (int d = 0; d < t->var->rank; d++)
                if (sym_cmp(t->sh[d], e->sh[d]) == 0) {
                    diag_error(l, "array '%s' has shape %s after one branch of this 'if' and %s after "
                                  "the other", t->name, shape_str(t->var->rank, t->sh),
                               shape_str(e->var->rank, e->sh));
                    break;
                } else if (!sym_equal(t->sh[d], e->sh[d]))
                    e->sh[d] = NULL;
        } else if (t->val != e->val && t->val->kind != V_ERR && e->val->kind != V_ERR &&
                   (t->val->kind == V_ARRAY || e->val->kind == V_ARRAY)) {
            diag_error(l, "'%s' refers to different array views after the branches of this 'if'; "
                          "bind it with .copy()", t->name);
        }
    }
}

static void lower_if(lctx *c, ast *s)
{
    value *cv = truth(c, lower_expr(c, s->a), "an if condition");
    if (cv->kind == V_ERR)
        return;
    int64_t k;
    if (ir_expr_const_int(cv->e, &k)) { /* a constant condition: only the live branch exists */
        lower_block(c, k ? &s->body : &s->orelse);
        return;
    }
    ir_stmt *st = ir_stmt_new(S_IF, s->l);
    st->e = cv->e;
    snapshot entry = snap_take(c);
    vec *saved = c->out;
    c->out = &st->body;
    lower_block(c, &s->body);
    vec then_binds = c->sc->binds;
    snap_restore_binds(c, &entry);
    c->out = &st->orelse;
    lower_block(c, &s->orelse);
    c->out = saved;
    merge_branches(c, st, then_binds);
    emit(c, st);
}

static void lower_while(lctx *c, ast *s)
{
    if (s->orelse.len) {
        diag_error(s->l, "'else' on a loop is not supported");
        return;
    }
    ir_stmt *st = ir_stmt_new(S_WHILE, s->l);
    st->e = ir_const_i(s->l, T_BOOL, 1);
    lower_loop(c, s, NULL, NULL, s->a, st);
    emit(c, st);
}

/* ---- assert and raise: run-time checks ending the program with Python's message ----------- */

static void emit_raise(lctx *c, loc l, ir_expr *cond, const char *msg)
{
    ir_stmt *r = ir_stmt_new(S_RAISE, l);
    r->e = cond;
    r->str = msg;
    emit(c, r);
}

/* A string literal message, or NULL (after a diagnostic) for anything else. */
static const char *raise_message(lctx *c, ast *a, const char *what)
{
    value *m = lower_expr(c, a);
    if (m->kind == V_STR)
        return m->str;
    if (m->kind != V_ERR)
        diag_error(a->l, "%s messages must be string literals here (not %s)", what, vkind_desc(m));
    return NULL;
}

/* assert test[, "msg"]: AssertionError[: msg] when test is false. */
static void lower_assert(lctx *c, ast *s)
{
    value *t = truth(c, lower_expr(c, s->a), "an assert");
    const char *msg = "AssertionError";
    if (s->b) {
        const char *m = raise_message(c, s->b, "assert");
        if (!m)
            return;
        msg = arena_printf(&util_arena, "AssertionError: %s", m);
    }
    if (t->kind == V_ERR)
        return;
    int64_t k;
    if (ir_expr_const_int(t->e, &k) && k)
        return;
    emit_raise(c, s->l, ir_un(s->l, OP_LNOT, T_BOOL, t->e), msg);
}

/* raise ValueError("msg") (or another built-in exception, with one string literal or none). */
static void lower_raise(lctx *c, ast *s)
{
    static const char *excs[] = {"Exception", "ValueError", "RuntimeError", "AssertionError",
                                 "ArithmeticError", "ZeroDivisionError", "OverflowError",
                                 "FloatingPointError", "TypeError", "IndexError", "KeyError",
                                 "NotImplementedError", "StopIteration", NULL};
    ast *e = s->a;
    ast *callee = e->kind == A_CALL ? e->a : e;
    const char *name = callee->kind == A_NAME ? callee->name : NULL;
    int known = 0;
    for (const char **x = excs; name && *x; x++)
        known |= strcmp(*x, name) == 0;
    if (!known) {
        diag_error(e->l, "raise is supported with Python's built-in exceptions (ValueError(\"...\"), "
                         "RuntimeError(...), ...), not this");
        return;
    }
    const char *msg = name;
    if (e->kind == A_CALL) {
        if (e->args.len > 1 || e->kwargs.len) {
            diag_error(e->l, "%s() here takes one string literal", name);
            return;
        }
        if (e->args.len == 1) {
            const char *m = raise_message(c, VEC_AT(e->args, 0, ast *), "exception");
            if (!m)
                return;
            msg = arena_printf(&util_arena, "%s: %s", name, m);
        }
    }
    emit_raise(c, s->l, ir_const_i(s->l, T_BOOL, 1), msg);
}

/* from numpy|math|time import a, b as c: each name bound to the module's attribute. */
static void lower_from_import(lctx *c, ast *s)
{
    if (strcmp(s->name, "numpy") != 0 && strcmp(s->name, "math") != 0 && strcmp(s->name, "time") != 0) {
        diag_error(s->l, "only numpy, math and time can be imported in a stencil program ('%s' is "
                         "not available)", s->name);
        return;
    }
    value *mod = vnew(V_MODULE, s->l);
    mod->str = s->name;
    for (int i = 0; i < s->args.len; i++) {
        ast *n = VEC_AT(s->args, i, ast *);
        if (strcmp(n->name, "*") == 0) {
            diag_error(n->l, "'from %s import *' is not supported; import the names the program uses",
                       s->name);
            return;
        }
        ast *attr = ast_new(A_ATTR, n->l);
        attr->a = NULL;
        attr->name = n->name;
        value *v = strcmp(s->name, "numpy") == 0 ? numpy_attr(c, mod, attr) : pymodule_attr(mod, attr);
        binding *b = bind(c, n->str ? n->str : n->name);
        b->kind = B_VALUE;
        b->val = v;
    }
}

/* After a statement was rejected, the names it would have bound are defined (as errors), so
 * their uses do not cascade into "not defined" messages. */
static void poison_names(lctx *c, ast *s)
{
    vec names = {0};
    vec one = {0};
    vec_push(&one, s);
    assigned_names(&one, &names);
    if (s->kind == A_OTHER_STMT) {
        assigned_names(&s->body, &names);
        if (s->name && !name_in(&names, s->name))
            vec_push(&names, (void *)s->name);
    }
    if (s->kind == A_FROM_IMPORT)
        for (int i = 0; i < s->args.len; i++) {
            ast *n = VEC_AT(s->args, i, ast *);
            const char *bound = n->str ? n->str : n->name;
            if (n->kind == A_NAME && strcmp(bound, "*") != 0 && !name_in(&names, bound))
                vec_push(&names, (void *)bound);
        }
    for (int i = 0; i < names.len; i++) {
        const char *n = VEC_AT(names, i, const char *);
        int unbound;
        if (lookup(c, n, &unbound))
            continue;
        binding *b = bind(c, n);
        b->kind = B_VALUE;
        b->val = &ERRV;
    }
}

/* ---- statements that read a name of changing type ----
 * A print, or an assignment of a scalar value, that reads a dynvar name of this scope is
 * lowered twice under an if on its tag, with the name a plain float in one branch and a plain
 * int in the other, so the value printed or computed has Python's type and exact value on each
 * path; merge_branches joins what the branches assign. Elsewhere (array expressions,
 * conditions, indices) the name reads as its value converted to float. */

static void merge_branches(lctx *c, ir_stmt *st, vec then_binds);

static const char *dyn_name_in(lctx *c, ast *a)
{
    if (!a || a->kind == A_LAMBDA)
        return NULL;
    if (a->kind == A_NAME) {
        binding *b = find_in(c->sc, a->name);
        return b && b->kind == B_SCALAR && b->dyn ? a->name : NULL;
    }
    const char *n = dyn_name_in(c, a->a);
    n = n ? n : dyn_name_in(c, a->b);
    n = n ? n : dyn_name_in(c, a->c);
    for (int i = 0; !n && i < a->args.len; i++)
        n = dyn_name_in(c, VEC_AT(a->args, i, ast *));
    for (int i = 0; !n && i < a->kwargs.len; i++)
        n = dyn_name_in(c, VEC_AT(a->kwargs, i, ast *));
    return n;
}

/* Is the value of e a scalar? (lowered as a probe: nothing emitted, no diagnostics) */
static int probe_scalar(lctx *c, ast *e)
{
    snapshot before = snap_take(c);
    int old = diag_suppress(1);
    vec scratch = {0};
    vec *saved = c->out;
    c->out = &scratch;
    value *v = lower_expr(c, e);
    int r = v->kind == V_SCALAR;
    c->out = saved;
    diag_suppress(old);
    snap_rewind(c, &before);
    return r;
}

static int dyn_split(lctx *c, ast *s)
{
    const char *n = NULL;
    if (s->kind == A_EXPR_STMT && s->a->kind == A_CALL && s->a->a->kind == A_NAME &&
        strcmp(s->a->a->name, "print") == 0 && !lookup(c, "print", &(int){0}))
        n = dyn_name_in(c, s->a);
    else if (s->kind == A_ASSIGN && s->targets.len == 1 && VEC_AT(s->targets, 0, ast *)->kind == A_NAME)
        n = dyn_name_in(c, s->a);
    else if (s->kind == A_AUGASSIGN && s->b->kind == A_NAME) {
        binding *t = find_in(c->sc, s->b->name);
        if (t && t->kind == B_SCALAR)
            n = t->dyn ? s->b->name : dyn_name_in(c, s->a);
    }
    if (!n || (s->kind != A_EXPR_STMT && !probe_scalar(c, s->a)))
        return 0;
    binding *b = find_in(c->sc, n);
    dynvar *d = b->dyn;
    int weak = b->weak;
    ir_stmt *st = ir_stmt_new(S_IF, s->l);
    st->e = ir_varref(s->l, d->tag);
    snapshot entry = snap_take(c);
    vec *saved = c->out;
    vec then_binds = {0};
    int errs = diag_count(), old = -1;
    for (int isf = 1; isf >= 0; isf--) {
        c->out = isf ? &st->body : &st->orelse;
        b = bind(c, n);
        b->kind = B_SCALAR;
        b->var = isf ? d->f : d->i;
        b->weak = weak;
        if (!isf && diag_count() > errs)
            old = diag_suppress(1); /* errors of the statement are reported once */
        lower_stmt(c, s); /* splits again on the next such name */
        if (old >= 0)
            diag_suppress(old);
        binding *nb = find_in(c->sc, n);
        if (nb && nb->kind == B_SCALAR && !nb->dyn && nb->var == (isf ? d->f : d->i))
            dyn_bind(c, d, nb->weak); /* unchanged: the tag still says so */
        if (isf) {
            then_binds = c->sc->binds;
            snap_restore_binds(c, &entry);
        }
    }
    c->out = saved;
    merge_branches(c, st, then_binds);
    emit(c, st);
    return 1;
}

static void lower_stmt(lctx *c, ast *s)
{
    if (!lower_step(c))
        return;
    if (dyn_split(c, s))
        return;
    vec saved_pending = c->pending;
    c->pending = (vec){0};
    int errors = diag_count();
    switch (s->kind) {
    case A_EXPR_STMT: {
        if (s->a->kind == A_STR || s->a->kind == A_FSTRING) /* docstring */
            break;
        value *v = lower_expr(c, s->a);
        (void)v;
        break;
    }
    case A_ASSIGN: lower_assign(c, s); break;
    case A_AUGASSIGN: lower_augassign(c, s); break;
    case A_IMPORT:
        if (strcmp(s->name, "numpy") != 0 && strcmp(s->name, "math") != 0 && strcmp(s->name, "time") != 0) {
            diag_error(s->l, "only numpy, math and time can be imported in a stencil program ('%s' is "
                             "not available)", s->name);
        } else {
            binding *b = bind(c, s->str ? s->str : s->name);
            b->kind = B_VALUE;
            b->val = vnew(V_MODULE, s->l);
            b->val->str = s->name;
        }
        break;
    case A_FROM_IMPORT: lower_from_import(c, s); break;
    case A_IF: lower_if(c, s); break;
    case A_FOR: lower_for(c, s); break;
    case A_WHILE: lower_while(c, s); break;
    case A_BREAK:
    case A_CONTINUE:
        if (!c->loops)
            diag_error(s->l, "'%s' outside loop", s->kind == A_BREAK ? "break" : "continue");
        else
            emit(c, ir_stmt_new(s->kind == A_BREAK ? S_BREAK : S_CONTINUE, s->l));
        break;
    case A_PASS: break;
    case A_RETURN: diag_error(s->l, "'return' outside function"); break;
    case A_DEF: {
        check_returns(&s->body, 1);
        binding *b = bind(c, s->name);
        b->kind = B_VALUE;
        b->val = vnew(V_FUNC, s->l);
        b->val->def = s;
        b->val->defscope = c->sc;
        break;
    }
    case A_GLOBAL: break; /* a function's globals are collected when it is inlined */
    case A_ASSERT: lower_assert(c, s); break;
    case A_RAISE: lower_raise(c, s); break;
    case A_OTHER_STMT:
        diag_error(s->l, "'%s' statements are not supported in a stencil program", s->str);
        break;
    default: diag_error(s->l, "this statement is not supported in a stencil program"); break;
    }
    if (diag_count() > errors)
        poison_names(c, s);
    for (int i = 0; i < c->pending.len; i++) {
        ir_stmt *r = ir_stmt_new(S_RELEASE, s->l);
        r->var = VEC_AT(c->pending, i, ir_var *);
        emit(c, r);
    }
    c->pending = saved_pending;
}

static void lower_block(lctx *c, vec *stmts)
{
    for (int i = 0; i < stmts->len; i++)
        lower_stmt(c, VEC_AT(*stmts, i, ast *));
}

/* ------------------------------------------------------------------------------------------ */
/* Parameters                                                                                 */

/* The names a def assigns that it declares `global` (module state it changes). */
static void global_writes(ast *def, vec *out)
{
    vec g = {0}, a = {0};
    declared_globals(&def->body, &g);
    assigned_names(&def->body, &a);
    for (int i = 0; i < a.len; i++)
        if (name_in(&g, VEC_AT(a, i, const char *)) && !name_in(out, VEC_AT(a, i, const char *)))
            vec_push(out, a.items[i]);
}

static void count_assignments(vec *stmts, vec *names, vec *counts_as_ptr, int top)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        vec here = {0};
        if (s->kind == A_ASSIGN)
            for (int k = 0; k < s->targets.len; k++)
                target_names(VEC_AT(s->targets, k, ast *), &here);
        else if (s->kind == A_AUGASSIGN)
            target_names(s->b, &here);
        else if (s->kind == A_FOR) {
            target_names(s->b, &here);
            count_assignments(&s->body, names, counts_as_ptr, 0);
        } else if (s->kind == A_WHILE)
            count_assignments(&s->body, names, counts_as_ptr, 0);
        else if (s->kind == A_IF) {
            count_assignments(&s->body, names, counts_as_ptr, 0);
            count_assignments(&s->orelse, names, counts_as_ptr, 0);
        } else if (s->kind == A_DEF) /* names it assigns through `global` */
            global_writes(s, &here);
        for (int k = 0; k < here.len; k++) {
            const char *n = VEC_AT(here, k, const char *);
            int found = -1;
            for (int j = 0; j < names->len; j++)
                if (strcmp(VEC_AT(*names, j, const char *), n) == 0)
                    found = j;
            if (found < 0) {
                vec_push(names, (void *)n);
                vec_push(counts_as_ptr, (void *)(intptr_t)0);
                found = names->len - 1;
            }
            intptr_t cnt = (intptr_t)counts_as_ptr->items[found];
            /* a parameter is assigned once, at top level, by a plain assignment */
            cnt += (top && s->kind == A_ASSIGN) ? 1 : 1000;
            counts_as_ptr->items[found] = (void *)cnt;
        }
    }
}

static ast *literal(ast *e, int *neg)
{
    *neg = 0;
    if (e->kind == A_UNOP && (e->op == '-' || e->op == '+') &&
        (e->a->kind == A_INT || e->a->kind == A_FLOAT)) {
        *neg = e->op == '-';
        return e->a;
    }
    if (e->kind == A_INT || e->kind == A_FLOAT || e->kind == A_BOOL)
        return e;
    return NULL;
}

/* Module-level names assigned exactly once from literals become run-time parameters. */
static void find_params(lctx *c, ast *mod)
{
    vec names = {0}, counts = {0};
    count_assignments(&mod->body, &names, &counts, 1);
    for (int i = 0; i < mod->body.len; i++) {
        ast *s = VEC_AT(mod->body, i, ast *);
        if (s->kind != A_ASSIGN || s->targets.len != 1)
            continue;
        ast *t = VEC_AT(s->targets, 0, ast *);
        int n = 1;
        ast **ts = &t, **vs = &s->a;
        if (t->kind == A_TUPLE) {
            if (s->a->kind != A_TUPLE || s->a->args.len != t->args.len)
                continue;
            n = t->args.len;
            ts = (ast **)t->args.items;
            vs = (ast **)s->a->args.items;
        }
        for (int k = 0; k < n; k++) {
            int neg;
            ast *lit = literal(vs[k], &neg);
            if (!lit || ts[k]->kind != A_NAME)
                continue;
            int idx = -1;
            for (int j = 0; j < names.len; j++)
                if (strcmp(VEC_AT(names, j, const char *), ts[k]->name) == 0)
                    idx = j;
            if (idx < 0 || (intptr_t)counts.items[idx] != 1)
                continue;
            vec_push(&c->params, (void *)ts[k]->name);
        }
    }
}

static int is_param(lctx *c, const char *n) { return name_in(&c->params, n); }

/* Lower a module-level assignment of parameters: the variable holds the run-time value. */
static int lower_param_assign(lctx *c, ast *s)
{
    if (s->kind != A_ASSIGN || s->targets.len != 1)
        return 0;
    ast *t = VEC_AT(s->targets, 0, ast *);
    int n = 1;
    ast **ts = &t, **vs = &s->a;
    if (t->kind == A_TUPLE) {
        if (s->a->kind != A_TUPLE || s->a->args.len != t->args.len)
            return 0;
        n = t->args.len;
        ts = (ast **)t->args.items;
        vs = (ast **)s->a->args.items;
    }
    for (int k = 0; k < n; k++)
        if (ts[k]->kind != A_NAME || !is_param(c, ts[k]->name))
            return 0;
    for (int k = 0; k < n; k++) {
        int neg;
        ast *lit = literal(vs[k], &neg);
        ir_type t2 = lit->kind == A_FLOAT ? T_F64 : lit->kind == A_BOOL ? T_BOOL : T_I64;
        ir_var *v = scope_var(c, ts[k]->name, t2, 0, 0);
        v->is_param = 1;
        v->init = t2 == T_F64 ? ir_const_f(lit->l, T_F64, neg ? -lit->fval : lit->fval)
                              : ir_const_i(lit->l, t2, neg ? -lit->ival : lit->ival);
        vec_push(&c->prog->params, v);
        binding *b = bind(c, ts[k]->name);
        b->kind = B_SCALAR;
        b->var = v;
        b->weak = 1;
        if (t2 == T_I64)
            b->s = sym_var(sym_atom(ts[k]->name, ts[k]->name));
    }
    return 1;
}

ir_program *lower_module(ast *module, const char *source)
{
    lctx c = {0};
    c.prog = NEW(ir_program);
    c.prog->source = source;
    scope *m = NEW(scope);
    c.sc = c.module = m;
    c.out = &c.prog->body;
    for (int i = 0; i < module->body.len; i++)
        if (VEC_AT(module->body, i, ast *)->kind == A_DEF)
            global_writes(VEC_AT(module->body, i, ast *), &c.global_writes);
    find_params(&c, module);
    for (int i = 0; i < module->body.len; i++) {
        ast *s = VEC_AT(module->body, i, ast *);
        if (lower_param_assign(&c, s))
            continue;
        c.top = s;
        c.work = 0;
        lower_stmt(&c, s);
    }
    /* Every slot still bound at the end is released by the run time's finalize. */
    return c.prog;
}
