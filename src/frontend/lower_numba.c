/* lower_numba.c: NumPy programs written for Numba. Numba compiles a Python function as it is;
 * its decorators and prange do not change what the function computes (fastmath= aside, which
 * the NumPy prototype run as Python does not have either). So `@njit`, `@jit(nopython=True)`,
 * `@numba.njit(parallel=True, cache=True)` before a def are left out, `njit(f)` is f, and
 * `prange` is range: tylesc compiles the function and decides its parallelism itself. Other
 * Numba names (vectorize, stencil, cuda, typed containers, types) are located errors.
 *
 * Requires: `import numba [as nb]` or `from numba import ...` (lower.c calls lw_numba_import).
 * Establishes: the names bound as V_BUILTIN "numba.jit" and "numba.prange"; decorators made of
 * them are no-ops; a loop over prange(...) is a loop over range(...). */

#include "lower_internal.h"

#include <string.h>

static value *numba_name(loc l, const char *name)
{
    if (strcmp(name, "njit") == 0 || strcmp(name, "jit") == 0 || strcmp(name, "prange") == 0) {
        value *v = lw_vnew(V_BUILTIN, l);
        v->str = name[0] == 'p' ? "numba.prange" : "numba.jit";
        return v;
    }
    diag_error(l, "numba.%s is not supported: tylesc compiles the NumPy program itself (numba's njit, "
                  "jit and prange are accepted and left out)", name);
    return &lw_ERRV;
}

/* import numba [as nb]; from numba import njit, prange [as p] */
void lw_numba_import(lctx *c, ast *s)
{
    if (s->kind == A_IMPORT) {
        if (strcmp(s->name, "numba") != 0) {
            diag_error(s->l, "'%s' is not supported: of numba, tylesc accepts njit, jit and prange", s->name);
            return;
        }
        binding *b = lw_bind(c, s->str ? s->str : s->name);
        b->kind = B_VALUE;
        b->val = lw_vnew(V_MODULE, s->l);
        b->val->str = "numba";
        return;
    }
    for (int i = 0; i < s->args.len; i++) {
        ast *n = VEC_AT(s->args, i, ast *);
        value *v = strcmp(s->name, "numba") == 0 ? numba_name(n->l, n->name) : NULL;
        if (!v) {
            diag_error(n->l, "'from %s import %s' is not supported: of numba, tylesc accepts njit, jit and "
                             "prange", s->name, n->name);
            continue;
        }
        if (v->kind == V_ERR)
            continue;
        binding *b = lw_bind(c, n->str ? n->str : n->name);
        b->kind = B_VALUE;
        b->val = v;
    }
}

/* numba.NAME */
value *lw_numba_attr(value *mod, ast *a)
{
    (void)mod;
    return numba_name(a->l, a->name);
}

/* The numba value e names (njit, numba.prange, nb.jit), or NULL, without lowering anything. */
static const char *numba_of(lctx *c, ast *e)
{
    int unbound;
    if (e->kind == A_NAME) {
        binding *b = lw_lookup(c, e->name, &unbound);
        return b && b->kind == B_VALUE && b->val && b->val->kind == V_BUILTIN && b->val->str &&
                       strncmp(b->val->str, "numba.", 6) == 0
                   ? b->val->str
                   : NULL;
    }
    if (e->kind == A_ATTR && e->a->kind == A_NAME) {
        binding *b = lw_lookup(c, e->a->name, &unbound);
        if (b && b->kind == B_VALUE && b->val && b->val->kind == V_MODULE && strcmp(b->val->str, "numba") == 0)
            return strcmp(e->name, "njit") == 0 || strcmp(e->name, "jit") == 0 ? "numba.jit"
                   : strcmp(e->name, "prange") == 0                          ? "numba.prange"
                                                                             : NULL;
    }
    return NULL;
}

/* A decorator statement that is numba's JIT (@njit, @jit(nopython=True), @numba.njit(...)):
 * left out, 1; else 0. */
int lw_numba_decorator(lctx *c, ast *s)
{
    ast *e = s->a;
    if (!e)
        return 0;
    if (e->kind == A_CALL)
        e = e->a;
    const char *n = numba_of(c, e);
    int unbound;
    binding *b = !n && e->kind == A_ATTR && e->a->kind == A_NAME ? lw_lookup(c, e->a->name, &unbound) : NULL;
    if (b && b->kind == B_VALUE && b->val && b->val->kind == V_MODULE && strcmp(b->val->str, "numba") == 0) {
        numba_name(e->l, e->name); /* @numba.stencil: its message */
        return 1;
    }
    return n && strcmp(n, "numba.jit") == 0;
}

/* for i in prange(a, b): the same loop over range(a, b); NULL when it is not prange. */
ast *lw_numba_range(lctx *c, ast *it)
{
    if (it->kind != A_CALL)
        return NULL;
    const char *n = numba_of(c, it->a);
    if (!n || strcmp(n, "numba.prange") != 0)
        return NULL;
    ast *r = NEW(ast);
    *r = *it;
    r->a = ast_name(it->a->l, "range");
    return r;
}

/* njit(f) or jit(f, ...): f itself; njit(parallel=True) with no function: the decorator. */
value *lw_numba_call(lctx *c, value *fn, ast *call)
{
    args a = lw_args(c, call);
    if (lw_any_err(&a))
        return &lw_ERRV;
    if (strcmp(fn->str, "numba.prange") == 0) {
        diag_error(call->l, "prange() is only supported as the iterable of a for loop");
        return &lw_ERRV;
    }
    if (a.npos == 0)
        return fn;
    value *f = a.pos[0];
    if (f->kind != V_FUNC && f->kind != V_LAMBDA) {
        diag_error(f->l, "numba's jit takes a function here, not %s (a signature is not supported)",
                   lw_vkind_desc(f));
        return &lw_ERRV;
    }
    return f;
}
