/* lower_scope.c: names and where they live: scopes and bindings, unique C names, scope
 * variables and temporaries, snapshots of the environment (loop probes rewind to them), the
 * names a block assigns or declares global, and dynvars (a scalar name whose Python type changes
 * between int and float). Also the lowering's work budget and the small value constructors.
 * Array slots and the names that share their arrays: lower_slots.c.
 * Requires: c->sc is the innermost scope. Establishes: a C name is never handed out twice in one
 * program (names a rewound probe took are free again). */

#include <ctype.h>
#include "lower_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
int lw_strmap_get(const strmap *m, const char *key, int dflt)
{
    if (!m->cap)
        return dflt;
    int i = strmap_slot(m, key);
    return m->keys[i] ? m->vals[i] : dflt;
}
void lw_strmap_put(strmap *m, const char *key, int val)
{
    if (2 * (m->n + 1) > m->cap) {
        strmap old = *m;
        m->cap = old.cap ? 2 * old.cap : 64;
        m->keys = NEWN(const char *, m->cap);
        m->vals = NEWN(int, m->cap);
        m->n = 0;
        for (int i = 0; i < old.cap; i++)
            if (old.keys[i])
                lw_strmap_put(m, old.keys[i], old.vals[i]);
    }
    int i = strmap_slot(m, key);
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->n++;
    }
    m->vals[i] = val;
}

/* Functions are inlined at every call, so the work can grow exponentially in the nesting of
 * calls (f calling g twice calling h twice ...); loops cost the square of their nesting depth
 * (lower_loop). Past this many steps for one module-level statement the lowering stops with an
 * error instead of running for hours or exhausting memory; real statements take at most a few
 * thousand. Copying the bindings for a
 * loop's snapshot counts too (one step per 8 bindings). */
enum { LOWER_WORK_LIMIT = 250000 };

/* Count one step of lowering; returns 0 (after reporting once) when the budget is spent. */
int lw_step(lctx *c)
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
    diag_note((loc){0}, "every call is inlined, so functions that call functions several times "
                        "each grow exponentially");
    diag_suppress(old);
    return 0;
}
/* The parser bounds the tree's depth (AST_MAX_DEPTH), but every call is inlined, so the
 * lowering nests the body of each call inside the statement that calls it: a recursion of 60
 * calls through an elif chain of 1,000 branches nests 60,000 statements, and the lowering, the
 * IR passes and the emitter, all recursive, ran out of C stack (SIGSEGV). Past this many
 * statements and expressions being lowered inside one another the lowering stops with an
 * error, as lw_step does. */
enum { LOWER_NEST_LIMIT = AST_MAX_DEPTH + 500 };

/* Enter one more nested lw_stmt/lw_expr (the caller decrements c->nest when it leaves);
 * returns 0 (after reporting once, nothing entered) past LOWER_NEST_LIMIT. */
int lw_nest_enter(lctx *c, loc l)
{
    if (c->exhausted)
        return 0;
    if (c->nest < LOWER_NEST_LIMIT) {
        c->nest++;
        return 1;
    }
    c->exhausted = 1;
    int old = diag_suppress(0);
    diag_error(c->top ? c->top->l : l, "too deeply nested: lowering this statement nests more than %d statements and "
                  "expressions", LOWER_NEST_LIMIT);
    diag_note((loc){0}, "every call is inlined: the statements of a function nest inside each "
                        "statement that calls it, once per call of a recursion");
    diag_suppress(old);
    return 0;
}
value lw_ERRV = {.kind = V_ERR};
value *lw_vnew(vkind k, loc l)
{
    value *v = NEW(value);
    v->kind = k;
    v->l = l;
    return v;
}

void lw_item_replace(value **copy, const value *v, int i, value *it)
{
    if (!*copy && it == v->items[i])
        return;
    if (!*copy) {
        value *r = lw_vnew(v->kind, v->l);
        *r = *v;
        r->items = NEWN(value *, v->n + 1);
        memcpy(r->items, v->items, sizeof(value *) * (size_t)v->n);
        *copy = r;
    }
    (*copy)->items[i] = it;
}
ir_expr *lw_I64(loc l, int64_t x) { return ir_const_i(l, T_I64, x); }
void lw_emit(lctx *c, ir_stmt *s) { vec_push(c->out, s); }
void lw_emit_assign(lctx *c, loc l, ir_var *v, ir_expr *e)
{
    ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
    s->var = v;
    s->e = e;
    lw_emit(c, s);
}
ir_expr *lw_in_temp(lctx *c, loc l, ir_expr *e)
{
    ir_var *tv = lw_temp_scalar(c, e->type);
    lw_emit_assign(c, l, tv, e);
    return ir_varref(l, tv);
}
const char *lw_vkind_desc(value *v)
{
    switch (v->kind) {
    case V_SCALAR: return v->type == T_BOOL ? "a bool" : ir_type_is_float(v->type) ? "a float" : "an int";
    case V_ARRAY: return "an array";
    case V_TUPLE: return v->keys ? "a dict" : "a tuple";
    case V_STR: return "a string";
    case V_FSTR: return "a string computed at run time";
    case V_FUNC: return "a function";
    case V_LAMBDA: return "a lambda";
    case V_MODULE: return lw_sysos_desc(v->str);
    case V_RNG: return "a random Generator";
    case V_DTYPE: return "a dtype";
    case V_BUILTIN: return "a built-in function";
    case V_NONE: return "None";
    case V_MASKED: return "a boolean-mask selection (its shape depends on the data)";
    case V_SLICE: return "a slice";
    case V_LIST: return "a list built at run time";
    case V_CLASS: return "a class";
    case V_OBJECT: return lw_object_desc(v);
    case V_PLOT: return "a matplotlib object (plotting is left out of the compiled program)";
    case V_ERR: return "an error";
    case V_OPT: return v->items[1]->kind == V_ARRAY ? "None or an array" : "None or a number";
    }
    return "?";
}

/* A scalar's kind as Python names it: "an int", "a float", "a bool", "a numpy.float32". */
const char *lw_scalar_desc(value *v)
{
    if (v->kind != V_SCALAR || v->dyn)
        return lw_vkind_desc(v);
    if (v->type == T_BOOL)
        return "a bool";
    if (v->weak)
        return ir_type_is_float(v->type) ? "a float" : ir_type_is_int(v->type) ? "an int" : "a complex";
    return arena_printf(&util_arena, "a numpy.%s", ir_type_name(v->type));
}

/* The form of a tuple or list of numbers, strings and None as Python's types name its items:
 * "(int, float)", "[int, (float, None)]", "(np.float64,)"; NULL for anything else. */
const char *lw_tuple_form(value *v)
{
    if (v->kind == V_SCALAR)
        return v->dyn || v->mixed ? NULL
               : v->weak ? (v->type == T_BOOL ? "bool" : ir_type_is_float(v->type) ? "float" : "int")
                         : arena_printf(&util_arena, "np.%s", ir_type_name(v->type));
    if (v->kind == V_NONE)
        return "None";
    if (v->kind == V_STR || v->kind == V_FSTR)
        return "str";
    if (v->kind != V_TUPLE || v->keys)
        return NULL;
    if (v->cplx)
        return "complex";
    strbuf b = {0};
    sb_putc(&b, v->is_list ? '[' : '(');
    for (int i = 0; i < v->n; i++) {
        const char *f = lw_tuple_form(v->items[i]);
        if (!f) {
            sb_free(&b);
            return NULL;
        }
        sb_printf(&b, "%s%s", i ? ", " : "", f);
    }
    sb_printf(&b, "%s", v->is_list ? "]" : v->n == 1 ? ",)" : ")");
    const char *r = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    return r;
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
const char *lw_cname(lctx *c, const char *base)
{
    strbuf b = {0};
    /* '@': an object's attribute (lower_class.c); '%': a statement's hidden item (lower_order.c,
     * lower_gather.c), which gets a C variable of its own when it holds a view whose array is
     * rebound (lw_keep_views: "%index0.base") */
    if (base[0] == '@' || base[0] == '%')
        base++;
    /* an ASCII character C does not take in a name becomes '_' (UTF-8 letters stay: C takes them) */
    for (const unsigned char *p = (const unsigned char *)base; *p; p++)
        sb_putc(&b, (char)(*p < 0x80 && !isalnum(*p) && *p != '_' ? '_' : *p));
    const char *s = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    int bad = s[0] == '_' || strncmp(s, "tyl", 3) == 0 || strncmp(s, "TYL", 3) == 0 ||
              strncmp(s, "MPI", 3) == 0 || strncmp(s, "omp", 3) == 0;
    for (const char **r = reserved; *r && !bad; r++)
        if (strcmp(*r, s) == 0)
            bad = 1;
    bad = bad || lw_c_declared(s); /* at file scope when main() is cut (pass_sched_split) */
    if (bad)
        s = arena_printf(&util_arena, "v_%s", s);
    /* Unique among the names in use: s, else s_2, s_3, ... Both lookups are hashed (a
     * program inlines thousands of calls, each naming its temporaries "t"): a name is in use
     * if its recorded index is still below names.len and holds it (a probe's names are
     * dropped by truncating the vector), and the suffixes of s are tried from where the
     * last search stopped (a few numbers freed by a probe are not reused; that is harmless). */
    const char *cand = s;
    int k = lw_strmap_get(&c->next_suffix, s, 2);
    for (;;) {
        int at = lw_strmap_get(&c->name_at, cand, -1);
        if (at < 0 || at >= c->names.len || strcmp(VEC_AT(c->names, at, const char *), cand) != 0)
            break;
        cand = arena_printf(&util_arena, "%s_%d", s, k++);
    }
    if (cand != s)
        lw_strmap_put(&c->next_suffix, s, k);
    lw_strmap_put(&c->name_at, cand, c->names.len);
    vec_push(&c->names, (void *)cand);
    return cand;
}

/* ------------------------------------------------------------------------------------------ */
/* Scopes                                                                                     */

int lw_name_in(vec *names, const char *n)
{
    for (int i = 0; i < names->len; i++)
        if (strcmp(VEC_AT(*names, i, const char *), n) == 0)
            return 1;
    return 0;
}
/* ---- the hash of a scope's names (nameindex) ---- */

static const char *binding_key(const void *b) { return ((const binding *)b)->name; }
static const char *var_key(const void *v) { return ((const ir_var *)v)->pyname; }

/* Bring x up to date with v (key: an item's name). */
static void nameindex_sync(nameindex *x, const vec *v, const char *(*key)(const void *))
{
    if (x->stale || x->items != v->items || x->n > v->len) {
        if (x->last.cap)
            memset(x->last.keys, 0, sizeof(const char *) * (size_t)x->last.cap);
        x->last.n = 0;
        x->n = 0;
        x->stale = 0;
        x->items = v->items;
    }
    if (v->len > x->cap) {
        int cap = x->cap ? 2 * x->cap : 64;
        while (cap < v->len)
            cap *= 2;
        int *prev = NEWN(int, cap);
        if (x->n)
            memcpy(prev, x->prev, sizeof(int) * (size_t)x->n);
        x->prev = prev;
        x->cap = cap;
    }
    for (; x->n < v->len; x->n++) {
        const char *k = key(v->items[x->n]);
        x->prev[x->n] = lw_strmap_get(&x->last, k, -1);
        lw_strmap_put(&x->last, k, x->n);
    }
}
void lw_scope_changed(scope *s) { s->bidx.stale = s->vidx.stale = 1; }

/* Scopes and sets this small are searched without their index (with TYL_CHECK_LOOKUP, a build
 * that checks every indexed search against the linear one it replaces: none). */
#ifdef TYL_CHECK_LOOKUP
enum { NAMEINDEX_MIN = 1 };
#else
enum { NAMEINDEX_MIN = 16 };
#endif

static binding *find_linear(scope *s, const char *name)
{
    for (int i = s->binds.len - 1; i >= 0; i--) {
        binding *b = VEC_AT(s->binds, i, binding *);
        if (strcmp(b->name, name) == 0)
            return b;
    }
    return NULL;
}
/* The binding of name in s (the last one, where several have the name); hashed, as a module
 * can bind thousands of names. */
binding *lw_find_in(scope *s, const char *name)
{
    if (s->binds.len < NAMEINDEX_MIN)
        return find_linear(s, name);
    nameindex_sync(&s->bidx, &s->binds, binding_key);
    int at = lw_strmap_get(&s->bidx.last, name, -1);
    binding *b = at >= 0 ? VEC_AT(s->binds, at, binding *) : NULL;
#ifdef TYL_CHECK_LOOKUP /* a build that checks the index against the search it replaces */
    if (b != find_linear(s, name))
        INTERNAL("lw_find_in: the index of '%s' is stale", name);
#endif
    return b;
}

/* The first variable of sc for a name, type, rank and arrayness, or NULL. */
static ir_var *var_linear(scope *sc, const char *name, ir_type t, int rank, int is_array)
{
    for (int i = 0; i < sc->vars.len; i++) {
        ir_var *v = VEC_AT(sc->vars, i, ir_var *);
        if (strcmp(v->pyname, name) == 0 && v->type == t && v->rank == rank &&
            v->is_array == (unsigned)is_array)
            return v;
    }
    return NULL;
}
static ir_var *find_var(scope *sc, const char *name, ir_type t, int rank, int is_array)
{
    if (sc->vars.len < NAMEINDEX_MIN)
        return var_linear(sc, name, t, rank, is_array);
    nameindex_sync(&sc->vidx, &sc->vars, var_key);
    ir_var *r = NULL;
    for (int at = lw_strmap_get(&sc->vidx.last, name, -1); at >= 0; at = sc->vidx.prev[at]) {
        ir_var *v = VEC_AT(sc->vars, at, ir_var *);
        if (v->type == t && v->rank == rank && v->is_array == (unsigned)is_array)
            r = v; /* the first in vars, as the search it replaces finds */
    }
#ifdef TYL_CHECK_LOOKUP
    if (r != var_linear(sc, name, t, rank, is_array))
        INTERNAL("lw_scope_var: the index of '%s' is stale", name);
#endif
    return r;
}

/* ---- sets of names (nameset): insertion order kept, hashed from NAMEINDEX_MIN names on ---- */

int lw_nameset_has(const nameset *s, const char *n)
{
    if (!s->at.cap)
        return lw_name_in((vec *)&s->v, n);
    int r = lw_strmap_get(&s->at, n, -1) >= 0;
#ifdef TYL_CHECK_LOOKUP
    if (r != lw_name_in((vec *)&s->v, n))
        INTERNAL("lw_nameset_has: the index of '%s' is stale", n);
#endif
    return r;
}
int lw_nameset_add(nameset *s, const char *n)
{
    if (lw_nameset_has(s, n))
        return 0;
    vec_push(&s->v, (void *)n);
    if (s->at.cap)
        lw_strmap_put(&s->at, n, s->v.len - 1);
    else if (s->v.len >= NAMEINDEX_MIN)
        for (int i = 0; i < s->v.len; i++)
            lw_strmap_put(&s->at, VEC_AT(s->v, i, const char *), i);
    return 1;
}
nameset lw_nameset_of(vec v)
{
    nameset r = {v, {0}};
    if (v.len >= NAMEINDEX_MIN)
        for (int i = 0; i < v.len; i++)
            lw_strmap_put(&r.at, VEC_AT(v, i, const char *), i);
    return r;
}
nameset lw_nameset_copy(const nameset *s)
{
    nameset r = {{0}, {0}};
    for (int i = 0; i < s->v.len; i++)
        vec_push(&r.v, s->v.items[i]);
    if (s->at.cap) {
        r.at = s->at;
        r.at.keys = NEWN(const char *, s->at.cap);
        r.at.vals = NEWN(int, s->at.cap);
        memcpy(r.at.keys, s->at.keys, sizeof(const char *) * (size_t)s->at.cap);
        memcpy(r.at.vals, s->at.vals, sizeof(int) * (size_t)s->at.cap);
    }
    return r;
}

/* The binding a name refers to: a function's locals are local for the whole function body
 * (Python's rule), everything else resolves in the enclosing scopes. */
/* Poison values (see lw_poison_new): the names whose poison a lookup met since the last clear. */
static vec poisons, poison_hits;

binding *lw_lookup(lctx *c, const char *name, int *unbound_local)
{
    *unbound_local = 0;
    for (scope *s = c->sc; s; s = s->parent) {
        binding *b = lw_find_in(s, name);
        if (b && b->kind == B_VALUE && lw_is_poison(b->val) && !lw_name_in(&poison_hits, b->val->str))
            vec_push(&poison_hits, (void *)b->val->str);
        if (b)
            return b;
        if (s->is_function && lw_name_in(&s->locals, name)) {
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
    if (name[0] == '@') /* an object's attribute (lower_class.c): the module's */
        return c->module;
    const char *dot = strchr(name, '.'); /* a list's hidden names: "hist.items", "hist.3" */
    const char *base = dot && dot != name ? arena_strndup(&util_arena, name, (size_t)(dot - name)) : name;
    for (scope *f = sc; f; f = f->parent)
        if (f->is_function) {
            if (lw_name_in(&f->globals, name) || (base != name && lw_name_in(&f->globals, base)))
                while (sc->parent)
                    sc = sc->parent;
            break;
        }
    return sc;
}
scope *lw_name_scope(lctx *c, const char *name) { return binding_scope(c, name); }

/* A function that appends to a list of the module (a callback filling `energies`) changes the
 * module's list, as if it declared the name global: its bindings, and those of the hidden names
 * "name.items", "name.len", ... that hold it (lower_lists.c), go to the module from the nearest
 * function's scope on. Nothing outside functions. */
void lw_implicit_global(lctx *c, const char *name)
{
    for (scope *f = c->sc; f; f = f->parent)
        if (f->is_function) {
            if (!lw_name_in(&f->globals, name))
                vec_push(&f->globals, (void *)name);
            return;
        }
}
void lw_module_save(lctx *c, vec *ptrs, vec *copies)
{
    *ptrs = *copies = (vec){0};
    for (int i = 0; i < c->module->binds.len; i++) {
        binding *b = NEW(binding);
        *b = *VEC_AT(c->module->binds, i, binding *);
        vec_push(ptrs, c->module->binds.items[i]);
        vec_push(copies, b);
    }
}
void lw_module_restore(lctx *c, vec *ptrs, vec *copies)
{
    c->module->binds.len = 0;
    lw_scope_changed(c->module);
    for (int i = 0; i < ptrs->len; i++) {
        binding *b = VEC_AT(*ptrs, i, binding *);
        *b = *VEC_AT(*copies, i, binding *);
        vec_push(&c->module->binds, b);
    }
}
binding *lw_bind(lctx *c, const char *name)
{
    scope *sc = binding_scope(c, name);
    binding *b = lw_find_in(sc, name);
    if (!b) {
        b = NEW(binding);
        b->name = name;
        vec_push(&sc->binds, b);
    }
    memset(&b->var, 0, sizeof *b - offsetof(binding, var));
    return b;
}

/* The slot of scope sc for a hidden name (created there, so that it lives as long as the
 * bindings of sc that use it). */
ir_var *lw_hidden_slot(lctx *c, scope *sc, const char *name, ir_type t, int rank)
{
    ir_var *found = find_var(sc, name, t, rank, 1);
    if (found)
        return found;
    const char *base = sc->prefix ? arena_printf(&util_arena, "%s_%s", sc->prefix, name) : name;
    ir_var *v = ir_var_new(c->prog, lw_cname(c, base), name, t, rank, 1);
    vec_push(&sc->vars, v);
    return v;
}

/* The variable of this scope for a name, type and rank (one C variable each). */
ir_var *lw_scope_var(lctx *c, const char *name, ir_type t, int rank, int is_array)
{
    scope *sc = binding_scope(c, name);
    ir_var *found = find_var(sc, name, t, rank, is_array);
    if (found)
        return found;
    const char *base = sc->prefix ? arena_printf(&util_arena, "%s_%s", sc->prefix, name) : name;
    ir_var *v = ir_var_new(c->prog, lw_cname(c, base), name, t, rank, is_array);
    vec_push(&sc->vars, v);
    return v;
}
ir_var *lw_temp_slot(lctx *c, ir_type t, int rank)
{
    ir_var *v = ir_var_new(c->prog, lw_cname(c, "tmp"), "<temporary>", t, rank, 1);
    vec_push(&c->pending, v);
    return v;
}
ir_var *lw_temp_scalar(lctx *c, ir_type t)
{
    return ir_var_new(c->prog, lw_cname(c, "t"), "<temporary>", t, 0, 0);
}
void lw_probe_begin(lctx *c, lw_probe *p)
{
    p->before = lw_snap_take(c);
    p->diag_old = diag_suppress(1);
    p->scratch = (vec){0};
    p->saved_out = c->out;
    c->out = &p->scratch;
    c->probing++;
}

void lw_probe_leave(lctx *c, lw_probe *p)
{
    c->probing--;
    c->out = p->saved_out;
    diag_suppress(p->diag_old);
}

void lw_probe_end(lctx *c, lw_probe *p)
{
    lw_probe_leave(c, p);
    lw_snap_rewind(c, &p->before);
}

int lw_probe_scalar(lctx *c, ast *e)
{
    lw_probe p;
    lw_probe_begin(c, &p);
    int r = lw_expr(c, e)->kind == V_SCALAR;
    lw_probe_end(c, &p);
    return r;
}

snapshot lw_snap_take(lctx *c)
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
    s.nmemo = c->memo.len;
    if (c->sc != c->module && c->module) {
        s.module = 1;
        lw_module_save(c, &s.mptrs, &s.mbinds);
        s.mnvars = c->module->vars.len;
        s.mndyns = c->module->dyns.len;
    }
    return s;
}
/* The binding of a name where its bindings live: the current scope's, or the module's for a
 * function's `global` names and objects' attributes (lw_bind's rule). */
binding *lw_own(lctx *c, const char *name) { return lw_find_in(lw_name_scope(c, name), name); }
/* A name's binding in a snapshot, the module's part included when the name is the module's
 * (a function's own t is not the module's t: a loop of the function that binds t first would
 * otherwise compare its t with the module's, and find no entry binding of its own). */
binding *lw_entry_of_in(lctx *c, snapshot *s, const char *name)
{
    for (int k = 0; k < s->binds.len; k++)
        if (strcmp(VEC_AT(s->binds, k, binding *)->name, name) == 0)
            return VEC_AT(s->binds, k, binding *);
    if (c && lw_name_scope(c, name) != c->module)
        return NULL;
    for (int k = 0; k < s->mbinds.len; k++)
        if (strcmp(VEC_AT(s->mbinds, k, binding *)->name, name) == 0)
            return VEC_AT(s->mbinds, k, binding *);
    return NULL;
}
void lw_snap_restore_binds(lctx *c, snapshot *s)
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
void lw_snap_rewind(lctx *c, snapshot *s)
{
    lw_snap_restore_binds(c, s);
    c->sc->vars.len = s->nvars;
    lw_scope_changed(c->sc);
    c->names.len = s->nnames;
    c->prog->nvars = s->nprogvars;
    c->pending.len = s->npending;
    c->sc->dyns.len = s->ndyns;
    c->memo.len = s->nmemo;
    if (s->module && c->sc != c->module) {
        lw_module_restore(c, &s->mptrs, &s->mbinds);
        c->module->vars.len = s->mnvars;
        lw_scope_changed(c->module);
        c->module->dyns.len = s->mndyns;
    }
}

/* Names assigned anywhere in a statement list (not inside nested defs). */
void lw_target_names(ast *t, vec *out)
{
    if (!t)
        return;
    if (t->kind == A_NAME) {
        if (!lw_name_in(out, t->name))
            vec_push(out, (void *)t->name);
    } else if (t->kind == A_TUPLE || t->kind == A_LIST) {
        for (int i = 0; i < t->args.len; i++)
            lw_target_names(VEC_AT(t->args, i, ast *), out);
    }
}

/* Names declared `global` anywhere in a function body (not in nested defs). */
void lw_declared_globals(vec *stmts, vec *out)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind == A_GLOBAL)
            for (int k = 0; k < s->args.len; k++) {
                ast *n = VEC_AT(s->args, k, ast *);
                if (!lw_name_in(out, n->name))
                    vec_push(out, (void *)n->name);
            }
        if (s->kind == A_IF || s->kind == A_FOR || s->kind == A_WHILE) {
            lw_declared_globals(&s->body, out);
            lw_declared_globals(&s->orelse, out);
        }
    }
}
/* ---- a global statement after the name's first use (Python's SyntaxError) ---- */

static int loc_before(loc a, loc b)
{
    return a.line < b.line || (a.line == b.line && a.col < b.col);
}

/* 2 if n assigns `name` before `at`, else 1 if it reads it there, else 0; nested scopes (defs,
 * lambdas, comprehensions, classes) and other global statements left out. */
static int mention_before(ast *n, const char *name, loc at, int target)
{
    if (!n || n->kind == A_DEF || n->kind == A_LAMBDA || n->kind == A_COMP || n->kind == A_GLOBAL ||
        (n->kind == A_OTHER_STMT && n->str && strcmp(n->str, "class") == 0))
        return 0;
    if (n->kind == A_NAME)
        return n->name && strcmp(n->name, name) == 0 && loc_before(n->l, at) ? (target ? 2 : 1) : 0;
    int k = 0, t = 0;
#define MENTION(x, as_target) do { if ((t = mention_before((x), name, at, (as_target))) > k) k = t; } while (0)
    int tuple = (n->kind == A_TUPLE || n->kind == A_LIST) && target; /* a, b = ...: both assigned */
    switch (n->kind) {
    case A_ASSIGN:
        for (int i = 0; i < n->targets.len; i++)
            MENTION(VEC_AT(n->targets, i, ast *), 1);
        MENTION(n->a, 0);
        return k;
    case A_AUGASSIGN:
        MENTION(n->b, 1);
        MENTION(n->a, 0);
        return k;
    case A_FOR:
        MENTION(n->b, 1);
        MENTION(n->a, 0);
        break;
    case A_FROM_IMPORT:
        for (int i = 0; i < n->args.len; i++) {
            ast *a = VEC_AT(n->args, i, ast *);
            if (a && strcmp(a->str ? a->str : a->name, name) == 0 && loc_before(a->l, at))
                k = 2;
        }
        return k;
    default:
        MENTION(n->a, 0);
        MENTION(n->b, 0);
        MENTION(n->c, 0);
        break;
    }
    const vec *vecs[5] = {&n->args, &n->kwargs, &n->targets, &n->body, &n->orelse};
    for (int v = 0; v < 5; v++)
        for (int i = 0; i < vecs[v]->len; i++)
            MENTION(VEC_AT(*vecs[v], i, ast *), v == 0 && tuple);
#undef MENTION
    return k;
}

static void globals_after_use(ast *def, vec *stmts)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (!s || s->kind == A_DEF || (s->kind == A_OTHER_STMT && s->str && strcmp(s->str, "class") == 0))
            continue;
        if (s->kind == A_GLOBAL) {
            for (int k = 0; k < s->args.len; k++) {
                ast *n = VEC_AT(s->args, k, ast *);
                int param = 0;
                for (int p = 0; p < def->params.len; p++)
                    param |= strcmp(VEC_AT(def->params, p, ast *)->name, n->name) == 0;
                int m = 0;
                for (int j = 0; j < def->body.len && !param; j++) {
                    int t = mention_before(VEC_AT(def->body, j, ast *), n->name, s->l, 0);
                    m = t > m ? t : m;
                }
                if (param)
                    diag_error(n->l, "SyntaxError: name '%s' is parameter and global", n->name);
                else if (m)
                    diag_error(n->l, "SyntaxError: name '%s' is %s global declaration", n->name,
                               m == 2 ? "assigned to before" : "used prior to");
            }
            continue;
        }
        globals_after_use(def, &s->body);
        globals_after_use(def, &s->orelse);
    }
}

/* Python refuses, when compiling, a `global x` after x is assigned or read in the same function,
 * or naming a parameter; tylesc took the statement as if it came first. */
void lw_check_global_order(ast *def)
{
    globals_after_use(def, &def->body);
}

static void target_names_set(ast *t, nameset *out)
{
    if (!t)
        return;
    if (t->kind == A_NAME) {
        lw_nameset_add(out, t->name);
    } else if (t->kind == A_TUPLE || t->kind == A_LIST) {
        for (int i = 0; i < t->args.len; i++)
            target_names_set(VEC_AT(t->args, i, ast *), out);
    }
}
static void assigned_names_set(vec *stmts, nameset *out)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        switch (s->kind) {
        case A_ASSIGN:
            for (int k = 0; k < s->targets.len; k++)
                target_names_set(VEC_AT(s->targets, k, ast *), out);
            break;
        case A_AUGASSIGN: target_names_set(s->b, out); break;
        case A_FOR:
            target_names_set(s->b, out);
            assigned_names_set(&s->body, out);
            break;
        case A_WHILE: assigned_names_set(&s->body, out); break;
        case A_IF:
            assigned_names_set(&s->body, out);
            assigned_names_set(&s->orelse, out);
            break;
        case A_DEF: lw_nameset_add(out, s->name); break;
        case A_OTHER_STMT:
            if (s->name && strcmp(s->str, "class") == 0)
                lw_nameset_add(out, s->name);
            break;
        case A_IMPORT: lw_nameset_add(out, s->str ? s->str : s->name); break;
        default: break;
        }
    }
}
void lw_assigned_names(vec *stmts, vec *out)
{
    nameset s = lw_nameset_of(*out);
    assigned_names_set(stmts, &s);
    *out = s.v;
}

/* ---- names of changing type (dynvar) ---- */

/* A name's dynvar lives where its bindings do: a def's global is the module's. */
dynvar *lw_dyn_of(lctx *c, const char *name)
{
    scope *sc = binding_scope(c, name);
    for (int i = 0; i < sc->dyns.len; i++)
        if (strcmp(VEC_AT(sc->dyns, i, dynvar *)->name, name) == 0)
            return VEC_AT(sc->dyns, i, dynvar *);
    return NULL;
}
dynvar *lw_dyn_get(lctx *c, const char *name)
{
    dynvar *d = lw_dyn_of(c, name);
    if (d)
        return d;
    d = NEW(dynvar);
    d->name = name;
    d->i = lw_scope_var(c, name, T_I64, 0, 0);
    d->f = lw_scope_var(c, name, T_F64, 0, 0);
    /* "." cannot be in a Python name: no user variable shares the tag */
    d->tag = lw_scope_var(c, arena_printf(&util_arena, "%s.isfloat", name), T_BOOL, 0, 0);
    vec_push(&binding_scope(c, name)->dyns, d);
    return d;
}
void lw_dyn_set_tag(lctx *c, vec *out, loc l, dynvar *d, int isfloat)
{
    (void)c;
    ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
    s->var = d->tag;
    s->e = ir_const_i(l, T_BOOL, isfloat);
    vec_push(out, s);
}
void lw_dyn_bind(lctx *c, dynvar *d, int weak)
{
    binding *b = lw_bind(c, d->name);
    b->kind = B_SCALAR;
    b->var = d->tag;
    b->dyn = d;
    b->weak = weak;
}

/* A plain int or float binding (or one already of d) that may join d. */
int lw_dyn_joins(binding *b)
{
    return b && b->kind == B_SCALAR && (b->dyn || b->var->type == T_I64 || b->var->type == T_F64);
}

/* Statements at the end of `out` that move binding b's value into d. */
void lw_dyn_convert(lctx *c, vec *out, loc l, dynvar *d, binding *b)
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
    lw_dyn_set_tag(c, out, l, d, isf);
}

/* A name made float at a loop's entry while it held an int, bool or narrower value (s = 0, then
 * s = s + x of float32 items: tylesc cannot keep an int-or-float32 name, lower_loops.c promote)
 * has a flag, true from that entry until the name is assigned: if it is still true after the
 * loop (no iteration ran, or a break or continue came before the assignment) the name holds the
 * value Python keeps with its old type, and the run stops rather than go on with it. The flag
 * lives where the name's bindings do; make: create it when missing. */
ir_var *lw_still_int_flag(lctx *c, const char *name, int make)
{
    scope *sc = binding_scope(c, name);
    for (int i = 0; i < sc->still_int.len; i += 2)
        if (strcmp(VEC_AT(sc->still_int, i, const char *), name) == 0)
            return VEC_AT(sc->still_int, i + 1, ir_var *);
    if (!make)
        return NULL;
    /* "." cannot be in a Python name: no user variable shares the flag */
    ir_var *f = lw_scope_var(c, arena_printf(&util_arena, "%s.stillint", name), T_BOOL, 0, 0);
    vec_push(&sc->still_int, (void *)name);
    vec_push(&sc->still_int, f);
    return f;
}
/* An assignment to name: it no longer holds the value it had before the loop. */
void lw_still_int_clear(lctx *c, loc l, const char *name)
{
    ir_var *f = lw_still_int_flag(c, name, 0);
    if (!f)
        return;
    ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
    s->var = f;
    s->e = ir_const_i(l, T_BOOL, 0);
    lw_emit(c, s);
}

/* ---- poisoned values, ambiguous values ---- */

/* A stand-in for the value a name has at a loop's entry, bound during a probe of the body: it
 * absorbs every operation like an error value (diagnostics are off in probes), and a lookup
 * that meets it records the name, which says that the body reads the entry value. */
value *lw_poison_new(const char *name)
{
    value *v = lw_vnew(V_ERR, (loc){0});
    v->str = name;
    vec_push(&poisons, v);
    return v;
}
int lw_is_poison(const value *v)
{
    if (!v || v->kind != V_ERR || v == &lw_ERRV)
        return 0;
    for (int i = 0; i < poisons.len; i++)
        if (poisons.items[i] == v)
            return 1;
    return 0;
}
void lw_poison_reset(void)
{
    poisons.len = 0;
    poison_hits.len = 0;
}
int lw_poison_was_read(const char *name) { return lw_name_in(&poison_hits, name); }

/* A name bound to values on the two branches of an if that no run-time variable can hold (two
 * strings, two functions): an error value that reports, at the first read, why (str: the
 * message; l: the if). Unread, the name is harmless (a string set for a later branch). */
static vec ambiguous, ambiguous_what; /* the values, and the construct that made each */

/* Each module starts with none (they live in the arena, freed between programs: the fuzzer). */
void lw_scope_reset(void)
{
    poisons = poison_hits = ambiguous = ambiguous_what = (vec){0};
    lw_recursion_reset();
}
value *lw_ambiguous_new(loc l, const char *msg, const char *what)
{
    value *v = lw_vnew(V_ERR, l);
    v->str = msg;
    vec_push(&ambiguous, v);
    vec_push(&ambiguous_what, (void *)what);
    return v;
}
int lw_is_ambiguous(const value *v)
{
    if (!v || v->kind != V_ERR || v == &lw_ERRV)
        return 0;
    for (int i = 0; i < ambiguous.len; i++)
        if (ambiguous.items[i] == v)
            return 1;
    return 0;
}
void lw_ambiguous_read(ast *a, value *v)
{
    const char *what = "'if'";
    for (int i = 0; i < ambiguous.len; i++)
        if (ambiguous.items[i] == v)
            what = VEC_AT(ambiguous_what, i, const char *);
    if (!strncmp(a->name, "comp.", 5)) /* runtime_comprehension's hidden list (lower_calls.c) */
        diag_error(a->l, "the list this comprehension builds when running %s", v->str);
    else
        diag_error(a->l, "'%s' %s", a->name, v->str);
    diag_note(v->l, "the %s is here", what);
}
