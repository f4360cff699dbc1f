/* pass_bounds.c: element indices proven in range need no check.
 *
 * An element index of scalar code (E_ELEM's and S_SETELEM's) is FN_INDEX(n, i, axis): Python's
 * negative index counted from the end, and IndexError outside [-n, n), one call an element
 * (tyl_index). In an element loop (`for i in range(1, n - 1): u[i] = ...`, the Numba-style
 * kernels users port, the linear-algebra preludes) the loop's range already proves most of them
 * in [0, n); this pass replaces each such FN_INDEX(n, i, axis) by i, and an index i = v + c (a
 * constant c) so proven no longer checks its addition for overflow (its value lies in [0, n)),
 * as a bounds-check elimination does in other compilers. The emitters only print what is left.
 *
 * The facts, forward through each block in program order (flow-sensitive, no fixed point):
 * - a loop `for v in range(a, b, k)` with a constant step k and v not assigned in its body:
 *   inside the body, v >= lower(a) and v < upper(b) (k > 0; k < 0: v > lower(b), v < upper(a)),
 *   where upper is a symbolic exclusive bound (sym.h: affine in the program's parameters and the
 *   extents of slots, `%shape SLOT D` atoms) of the value at loop entry;
 * - `w = v + c` copies v's fact shifted by c (the front end's `i = i_it` at the top of a body);
 * - `w = e` gives w the symbolic value of e where it has one (parameters, constants, extents).
 * A scalar assigned in a loop or a branch loses its facts on entry (for loops) and after it; a
 * slot rebound (allocated, bound, loaded, released, rotated) loses the facts that mention its
 * extents. The bound of an index along axis d is n's symbolic value, or the front end's
 * compile-time extent of the array (the element view's aext) where the index is the array's
 * own (the whole axis: lo 0, step 1); the index is in range when lower(i) >= 0 and
 * upper(i) - bound is a constant <= 0.
 *
 * Requires: nothing of the other passes (runs after pass_halo; sweeps and their views are left
 * alone: emit_sweep.c reads their FN_INDEX). Establishes: no FN_INDEX in scalar code whose
 * index the facts above prove within [0, n). IndexError of an index not proven stays exactly
 * as before (tests/runtime_errors).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../util/sym.h"
#include "ir.h"

typedef struct fact {
    ir_var *v;
    int has_lb;
    int64_t lb;        /* v >= lb */
    const sym *hi;     /* v < hi, or NULL */
} fact;

typedef struct bctx {
    vec facts;         /* fact*, innermost last */
    char *nn;          /* by scalar id: 1 when every value it is given is >= 0 */
    char *sites;       /* by scalar id: 1 when something assigns it */
    int changed;
    const sym **val;   /* by scalar id: the symbolic value of a scalar, or NULL */
    const sym *(*shp)[IR_MAX_RANK]; /* by slot id: its extents as the allocation gave them */
    int nvars;
    int removed;
    int *satom;        /* by slot id * IR_MAX_RANK + d: the atom of that extent + 1, or 0 */
    vec atom_slot;     /* by atom id: the slot id + 1 whose extent it is, or NULL */
    vec wval, wshp;    /* scalar ids, slot ids whose val / shp may mention an extent's atom: what
                          kill_slot looks at (all of them: quadratic in large programs) */
} bctx;

/* The values reasoned about are int64 (a narrower NumPy int wraps where int64 does not) */
static int is_int(ir_type t) { return t == T_I64; }
/* a cast to int64 that keeps the value */
static int widens(ir_type from) { return from == T_I64 || from == T_I32 || from == T_I16 || from == T_I8 || from == T_BOOL; }

static const sym *shape_atom(bctx *c, const ir_var *slot, int d)
{
    int *at = slot->id < c->nvars ? &c->satom[slot->id * IR_MAX_RANK + d] : NULL;
    if (at && *at)
        return sym_var(*at - 1);
    char key[256];
    snprintf(key, sizeof key, "%%shape %s %d", slot->name, d);
    int a = sym_atom(arena_strdup(&util_arena, key), NULL);
    while (c->atom_slot.len <= a)
        vec_push(&c->atom_slot, NULL);
    c->atom_slot.items[a] = (void *)(intptr_t)(slot->id + 1);
    if (at)
        *at = a + 1;
    return sym_var(a);
}

/* the slot id + 1 of an extent's atom s mentions (the first), or 0 */
static int slot_in(const bctx *c, const sym *s)
{
    for (int k = 0; s && k < s->n; k++)
        if (s->atom[k] < c->atom_slot.len && c->atom_slot.items[s->atom[k]])
            return (int)(intptr_t)c->atom_slot.items[s->atom[k]];
    return 0;
}

static int mentions_slot(const bctx *c, const sym *s, const ir_var *slot)
{
    for (int k = 0; s && k < s->n; k++)
        if (s->atom[k] < c->atom_slot.len && (intptr_t)c->atom_slot.items[s->atom[k]] == slot->id + 1)
            return 1;
    return 0;
}

static fact *fact_of(bctx *c, const ir_var *v)
{
    for (int k = c->facts.len - 1; k >= 0; k--) {
        fact *f = VEC_AT(c->facts, k, fact *);
        if (f->v == v)
            return f;
    }
    return NULL;
}

/* The symbolic value of e, or NULL. */
static const sym *sym_of(bctx *c, const ir_expr *e)
{
    if (!e || !is_int(e->type))
        return NULL;
    switch (e->kind) {
    case E_CONST: return sym_const(e->c.i);
    case E_VAR:
        if (e->var->is_param)
            return sym_var(sym_atom(e->var->pyname, e->var->pyname));
        return e->var->id < c->nvars ? c->val[e->var->id] : NULL;
    case E_SHAPE:
        if (e->var->id < c->nvars && c->shp[e->var->id][e->dim])
            return c->shp[e->var->id][e->dim];
        return shape_atom(c, e->var, e->dim);
    case E_CAST: return widens(e->a->type) && e->a->type != T_BOOL ? sym_of(c, e->a) : NULL;
    case E_BIN:
        if (e->op == OP_ADD)
            return sym_add(sym_of(c, e->a), sym_of(c, e->b));
        if (e->op == OP_SUB)
            return sym_sub(sym_of(c, e->a), sym_of(c, e->b));
        if (e->op == OP_MUL)
            return sym_mul(sym_of(c, e->a), sym_of(c, e->b));
        return NULL;
    default: return NULL;
    }
}

/* e as v + k (a scalar v, a constant k): v, or NULL */
static ir_var *var_plus(const ir_expr *e, int64_t *k)
{
    int64_t x;
    if (e->kind == E_VAR) {
        *k = 0;
        return e->var;
    }
    if (e->kind != E_BIN || (e->op != OP_ADD && e->op != OP_SUB) || !e->py) /* NumPy's int64 wraps */
        return NULL;
    if (ir_expr_const_int(e->b, &x)) {
        ir_var *v = var_plus(e->a, k);
        if (v && x > -((int64_t)1 << 40) && x < ((int64_t)1 << 40))
            *k += e->op == OP_ADD ? x : -x;
        return v && x > -((int64_t)1 << 40) && x < ((int64_t)1 << 40) ? v : NULL;
    }
    if (e->op == OP_ADD && ir_expr_const_int(e->a, &x) && x > -((int64_t)1 << 40) && x < ((int64_t)1 << 40)) {
        ir_var *v = var_plus(e->b, k);
        if (v)
            *k += x;
        return v;
    }
    return NULL;
}

/* Is e >= 0 wherever it is evaluated? From the scalars' nn (flow-insensitive), constants,
 * extents, checked indices, + * // of such and % by such (Python's and NumPy's floor modulo
 * takes the divisor's sign; x // 0 is an error or NumPy's 0). */
static int nonneg(const bctx *c, const ir_expr *e)
{
    int64_t k;
    if (!e || !is_int(e->type))
        return 0;
    switch (e->kind) {
    case E_CONST: return e->c.i >= 0;
    case E_VAR: return !e->var->is_param && e->var->id < c->nvars && c->nn[e->var->id];
    case E_SHAPE: return 1;
    case E_CAST: return widens(e->a->type) && (e->a->type == T_BOOL || nonneg(c, e->a));
    case E_CALL: return e->fn == FN_INDEX || e->fn == FN_INDEX_NN;
    case E_SELECT: return nonneg(c, e->b) && nonneg(c, e->cc);
    case E_BIN:
        switch (e->op) {
        case OP_ADD:
        case OP_MUL: return e->py && nonneg(c, e->a) && nonneg(c, e->b); /* NumPy's int64 wraps */
        case OP_FDIV: return nonneg(c, e->a) && nonneg(c, e->b);
        case OP_MOD: return nonneg(c, e->b);
        default: return 0;
        }
    default: return ir_expr_const_int(e, &k) && k >= 0;
    }
}

/* A loop variable's values are >= 0: from a start >= 0 upwards, or down to a stop >= -1. */
static int loop_nonneg(const bctx *c, const ir_stmt *s)
{
    int64_t step, stop;
    if (!ir_expr_const_int(s->e3, &step) || step == 0)
        return 0;
    if (step > 0)
        return nonneg(c, s->e);
    return nonneg(c, s->e2) || (ir_expr_const_int(s->e2, &stop) && stop >= -1);
}

static void nn_site(bctx *c, ir_var *v, int ok)
{
    if (!v || v->is_array || v->id >= c->nvars)
        return;
    c->sites[v->id] = 1;
    if (!ok && c->nn[v->id]) {
        c->nn[v->id] = 0;
        c->changed = 1;
    }
}

static void nn_walk(bctx *c, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->kind == S_ASSIGN)
            nn_site(c, s->var, nonneg(c, s->e));
        else if (s->kind == S_FOR)
            nn_site(c, s->var, loop_nonneg(c, s));
        else
            nn_site(c, s->var, 0);
        nn_walk(c, &s->body);
        nn_walk(c, &s->orelse);
    }
}

/* nn: the greatest fixed point (every scalar >= 0 at first; one given a value not known >= 0
 * is not, until nothing changes), so that `ns = 1 ... ns = ns * r` with r >= 0 is >= 0. A
 * scalar nothing assigns (a library function's argument) and the parameters (--N=-5) are not. */
static void nn_solve(bctx *c, ir_program *p)
{
    memset(c->nn, 1, (size_t)c->nvars);
    for (int k = 0; k < p->params.len; k++) {
        ir_var *v = VEC_AT(p->params, k, ir_var *);
        if (v->id < c->nvars)
            c->nn[v->id] = 0;
    }
    do {
        c->changed = 0;
        nn_walk(c, &p->body);
    } while (c->changed);
    for (int k = 0; k < c->nvars; k++)
        c->nn[k] &= c->sites[k];
}

/* A constant lower bound of e's value: 1 and *lb, or 0. */
static int lower(bctx *c, const ir_expr *e, int64_t *lb)
{
    int64_t k;
    if (!e || !is_int(e->type))
        return 0;
    if (ir_expr_const_int(e, lb))
        return 1;
    if (e->kind == E_SHAPE || (e->kind == E_CALL && e->fn == FN_INDEX)) {
        *lb = 0;
        return 1;
    }
    ir_var *v = var_plus(e, &k);
    fact *f = v ? fact_of(c, v) : NULL;
    if (f && f->has_lb) {
        *lb = f->lb + k;
        return 1;
    }
    *lb = 0;
    return nonneg(c, e);
}

/* A symbolic exclusive upper bound of e's value, or NULL. */
static const sym *upper(bctx *c, const ir_expr *e)
{
    int64_t k;
    ir_var *v = var_plus(e, &k);
    fact *f = v ? fact_of(c, v) : NULL;
    if (f && f->hi)
        return sym_add(f->hi, sym_const(k));
    const sym *s = sym_of(c, e);
    return s ? sym_add(s, sym_const(1)) : NULL;
}

static int le(const sym *a, const sym *b) /* a <= b, provably */
{
    int64_t d;
    const sym *s = a && b ? sym_sub(a, b) : NULL;
    return s && sym_is_const(s, &d) && d <= 0;
}

/* i in [0, n): n's symbolic value, or the array's extent ext (NULL: unknown) */
static int in_range(bctx *c, const ir_expr *i, const ir_expr *n, const sym *ext)
{
    int64_t lb;
    if (!lower(c, i, &lb) || lb < 0)
        return 0;
    const sym *u = upper(c, i);
    return u && (le(u, sym_of(c, n)) || le(u, ext));
}

/* i with its + and - of a constant unchecked: in range, they cannot overflow */
static ir_expr *unchecked(ir_expr *i)
{
    if (i->kind != E_BIN || !i->py)
        return i;
    ir_expr *n = NEW(ir_expr);
    *n = *i;
    n->py = 0;
    n->a = unchecked(i->a);
    n->b = unchecked(i->b);
    return n;
}

/* the index args[d] of slot's element view v, FN_INDEX dropped where proven */
static ir_expr *index_of(bctx *c, ir_expr *a, const ir_view *v, const ir_var *slot, int d)
{
    if (a->kind != E_CALL || a->fn != FN_INDEX || a->nargs != 3)
        return a;
    const sym *ext = NULL;
    /* the array's compile-time extent bounds the array's own index (its n is the extent), not
     * a view's (b = a[:3]; b[i]: n is the view's length, aext a's extent) */
    const ir_expr *n = a->args[0];
    if (v && v->arr == slot && v->rank == slot->rank && v->dim[d].kind == D_FIXED && n->kind == E_SHAPE &&
        n->var == slot && n->dim == d)
        ext = v->dim[d].aext;
    if (in_range(c, a->args[1], a->args[0], ext)) {
        c->removed++;
        return unchecked(a->args[1]);
    }
    int64_t lb;
    if (lower(c, a->args[1], &lb) && lb >= 0) { /* no wrap: only the check of the end */
        ir_expr *n = NEW(ir_expr);
        *n = *a;
        n->fn = FN_INDEX_NN;
        return n;
    }
    return a;
}

/* e with its element indices proven in range unchecked: new nodes where something changed (a
 * node may be shared with code where the facts differ), e itself left alone */
static ir_expr *rewrite(bctx *c, ir_expr *e)
{
    if (!e || e->kind == E_READ || e->kind == E_INDEX)
        return e;
    ir_expr *a = rewrite(c, e->a), *b = rewrite(c, e->b), *cc = rewrite(c, e->cc);
    ir_expr **args = e->args;
    for (int k = 0; k < e->nargs; k++) {
        ir_expr *x = rewrite(c, e->args[k]);
        if (e->kind == E_ELEM)
            x = index_of(c, x, e->view, e->var, k);
        args = ir_args_cow(e, args, k, x);
    }
    return ir_expr_rebuilt(e, a, b, cc, args);
}

static void kill_var(bctx *c, ir_var *v)
{
    for (int k = c->facts.len - 1; k >= 0; k--) {
        fact *f = VEC_AT(c->facts, k, fact *);
        if (f->v == v)
            f->v = NULL; /* dead: still popped by its loop */
    }
    if (v->id < c->nvars)
        c->val[v->id] = NULL;
}

static void kill_slot(bctx *c, ir_var *slot)
{
    for (int k = 0; k < c->facts.len; k++) {
        fact *f = VEC_AT(c->facts, k, fact *);
        if (mentions_slot(c, f->hi, slot))
            f->hi = NULL;
    }
    for (int i = 0; i < c->wval.len; i++) {
        int k = (int)(intptr_t)VEC_AT(c->wval, i, void *);
        if (mentions_slot(c, c->val[k], slot))
            c->val[k] = NULL;
    }
    for (int i = 0; i < c->wshp.len; i++) {
        int k = (int)(intptr_t)VEC_AT(c->wshp, i, void *);
        for (int d = 0; d < IR_MAX_RANK; d++)
            if (mentions_slot(c, c->shp[k][d], slot))
                c->shp[k][d] = NULL;
    }
    if (slot->id < c->nvars)
        for (int d = 0; d < IR_MAX_RANK; d++)
            c->shp[slot->id][d] = NULL;
}

/* The scalars a statement may assign and the slots it may rebind, nested ones included. */
static void kills(bctx *c, ir_stmt *s)
{
    if (s->var && !s->var->is_array)
        kill_var(c, s->var);
    if (s->var && s->var->is_array && s->kind != S_SETELEM && s->kind != S_SAVE && s->kind != S_PRINT)
        kill_slot(c, s->var);
    if (s->kind == S_BIND)
        for (int k = 0; k < s->n; k++)
            kill_slot(c, s->dst[k]);
    if (s->kind == S_ROTATE && s->src_slot)
        kill_slot(c, s->src_slot);
    for (int i = 0; i < s->body.len; i++)
        kills(c, VEC_AT(s->body, i, ir_stmt *));
    for (int i = 0; i < s->orelse.len; i++)
        kills(c, VEC_AT(s->orelse, i, ir_stmt *));
}

static int assigns(vec *body, const ir_var *v)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if (s->var == v || assigns(&s->body, v) || assigns(&s->orelse, v))
            return 1;
    }
    return 0;
}

static void block(bctx *c, vec *body);

static void loop(bctx *c, ir_stmt *s)
{
    int64_t step = 0, lb;
    s->e = rewrite(c, s->e);
    s->e2 = rewrite(c, s->e2);
    s->e3 = rewrite(c, s->e3);
    fact *f = NEW(fact);
    /* the range at entry, before the body's assignments are forgotten */
    if (ir_expr_const_int(s->e3, &step) && step != 0 && !assigns(&s->body, s->var)) {
        f->has_lb = lower(c, step > 0 ? s->e : s->e2, &lb);
        f->lb = step > 0 ? lb : lb + 1;
        f->hi = upper(c, step > 0 ? s->e2 : s->e); /* v <= a < hi (k < 0) */
        if (step > 0 && f->hi) /* v < b < hi: v < hi - 1 */
            f->hi = sym_sub(f->hi, sym_const(1));
    }
    int n = c->facts.len;
    vec_push(&c->facts, f); /* v NULL: the kills below leave it, and clear the extents of the
                               slots the body rebinds (those at entry are not those inside) */
    kills(c, s);
    if (f->has_lb || f->hi)
        f->v = s->var;
    block(c, &s->body);
    c->facts.len = n;
    kills(c, s);
}

static void block(bctx *c, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        switch (s->kind) {
        case S_ASSIGN:
            s->e = rewrite(c, s->e);
            if (s->var && !s->var->is_array) {
                int64_t k;
                ir_var *w = var_plus(s->e, &k);
                fact *from = w && w != s->var ? fact_of(c, w) : NULL;
                const sym *val = sym_of(c, s->e);
                kill_var(c, s->var);
                if (val && s->var->id < c->nvars) {
                    c->val[s->var->id] = val;
                    if (slot_in(c, val))
                        vec_push(&c->wval, (void *)(intptr_t)s->var->id);
                }
                if (from) {
                    fact *f = NEW(fact);
                    f->v = s->var;
                    f->has_lb = from->has_lb;
                    f->lb = from->lb + k;
                    f->hi = from->hi ? sym_add(from->hi, sym_const(k)) : NULL;
                    vec_push(&c->facts, f); /* popped with the loop around it, or never */
                }
            }
            break;
        case S_SETELEM: {
            s->e = rewrite(c, s->e);
            ir_expr **args = NEWN(ir_expr *, s->n);
            for (int d = 0; d < s->n; d++)
                args[d] = index_of(c, rewrite(c, s->args[d]), s->eview, s->var, d);
            s->args = args;
            break;
        }
        case S_FOR: loop(c, s); break;
        case S_ALLOC: { /* the new array's extents, as symbols of those at this point */
            const sym *ext[IR_MAX_RANK] = {0};
            for (int d = 0; d < s->var->rank; d++)
                ext[d] = s->init == 3 && s->src_slot ? sym_of(c, &(ir_expr){.kind = E_SHAPE, .type = T_I64,
                                                                           .var = s->src_slot, .dim = d})
                                                     : s->shape ? sym_of(c, s->shape[d]) : NULL;
            kills(c, s);
            if (s->var->id < c->nvars)
                for (int d = 0; d < s->var->rank; d++) {
                    c->shp[s->var->id][d] = ext[d];
                    if (slot_in(c, ext[d]))
                        vec_push(&c->wshp, (void *)(intptr_t)s->var->id);
                }
            break;
        }
        case S_IF: {
            s->e = rewrite(c, s->e);
            int n = c->facts.len;
            block(c, &s->body);
            c->facts.len = n;
            kills(c, s); /* what the body assigned is not so in orelse */
            block(c, &s->orelse);
            c->facts.len = n;
            kills(c, s);
            break;
        }
        case S_WHILE: {
            kills(c, s);
            s->e = rewrite(c, s->e);
            int n = c->facts.len;
            block(c, &s->body);
            c->facts.len = n;
            kills(c, s);
            break;
        }
        default: kills(c, s); break;
        }
    }
}

void pass_bounds(ir_program *p)
{
    bctx c = {0};
    c.nvars = p->nvars + 1;
    c.val = NEWN(const sym *, c.nvars);
    c.shp = (const sym *(*)[IR_MAX_RANK])NEWN(const sym *, (size_t)c.nvars * IR_MAX_RANK);
    c.satom = NEWN(int, (size_t)c.nvars * IR_MAX_RANK);
    c.nn = NEWN(char, c.nvars);
    c.sites = NEWN(char, c.nvars);
    nn_solve(&c, p);
    block(&c, &p->body);
}
