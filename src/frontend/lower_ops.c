/* lower_ops.c: arithmetic on values: NumPy type promotion (weak Python scalars included),
 * broadcasting with its shape checks, Python scalar operators (floor division, modulo, power
 * with Python's signs), elementwise array operators, materializing an array expression into a
 * slot, and emitting sweeps. Requires: operands are lowered values (never NULL). Establishes:
 * an array result's static shape is the broadcast shape; a run-time check is emitted where the
 * shapes are not known when compiling. */

#include "lower_internal.h"

double tyl_py_truediv_big_(int64_t a, int64_t b); /* src/runtime_mpi/tyl_pyint.c (Makefile) */

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* Folding helpers for index arithmetic (keeps generated code and dumps readable)             */

ir_expr *lw_iadd(loc l, ir_expr *a, ir_expr *b)
{
    int64_t x, y, r;
    if (ir_expr_const_int(a, &x) && ir_expr_const_int(b, &y) && !__builtin_add_overflow(x, y, &r))
        return lw_I64(l, r);
    if (ir_expr_const_int(a, &x) && x == 0)
        return b;
    if (ir_expr_const_int(b, &y) && y == 0)
        return a;
    return ir_bin(l, OP_ADD, T_I64, a, b, 0);
}
ir_expr *lw_imul(loc l, ir_expr *a, ir_expr *b)
{
    int64_t x, y, r;
    if (ir_expr_const_int(a, &x) && ir_expr_const_int(b, &y) && !__builtin_mul_overflow(x, y, &r))
        return lw_I64(l, r);
    if (ir_expr_const_int(a, &x) && x == 1)
        return b;
    if (ir_expr_const_int(b, &y) && y == 1)
        return a;
    if ((ir_expr_const_int(a, &x) && x == 0) || (ir_expr_const_int(b, &y) && y == 0))
        return lw_I64(l, 0);
    return ir_bin(l, OP_MUL, T_I64, a, b, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Shapes                                                                                     */

const char *lw_shape_str(int rank, const sym *const *sh)
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

/* A shape of constant extents as NumPy writes it in its broadcasting errors, "(3,4)", "(5,)";
 * NULL when an extent is symbolic (then lw_shape_str's "(n-2, n-1)" says more). */
static const char *np_shape_str(int rank, const sym *const *sh)
{
    strbuf b = {0};
    sb_putc(&b, '(');
    for (int d = 0; d < rank; d++) {
        int64_t k;
        if (!sh[d] || !sym_is_const(sh[d], &k)) {
            sb_free(&b);
            return NULL;
        }
        sb_printf(&b, "%s%lld", d ? "," : "", (long long)k);
    }
    sb_puts(&b, rank == 1 ? ",)" : ")");
    const char *s = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    return s;
}

/* 1: provably equal, 0: provably different, -1: unknown at compile time. */
int lw_sym_cmp(const sym *a, const sym *b)
{
    if (sym_equal(a, b))
        return 1;
    const sym *d = sym_sub(a, b);
    int64_t k;
    if (d && sym_is_const(d, &k))
        return k == 0;
    return -1;
}
int lw_is_one(const sym *s)
{
    int64_t k;
    return sym_is_const(s, &k) && k == 1;
}

/* e with box dimension b of its value renamed to map[b] (-1: the dimension is gone, read at
 * index 0, its extent being 1: a range dimension of a read becomes fixed at its start when
 * `fixed`, so that the read is a view a statement can write through, else broadcast).
 * Returns a new tree; e is not modified. */
ir_expr *lw_remap_dims(ir_expr *e, const int *map, int fixed)
{
    if (!e)
        return NULL;
    switch (e->kind) {
    case E_READ: {
        ir_view *v = ir_view_clone(e->view);
        for (int d = 0; d < v->rank; d++) {
            ir_dim *m = &v->dim[d];
            if (m->kind != D_RANGE || m->box < 0)
                continue;
            m->box = map[m->box];
            if (m->box < 0 && fixed && !m->wrap) {
                ir_dim nd = {0};
                nd.kind = D_FIXED;
                nd.aext = m->aext;
                nd.lo = m->lo;
                nd.slo = m->slo;
                *m = nd;
                v->vrank--;
            }
        }
        return ir_read(e->l, v);
    }
    case E_INDEX:
        return map[e->dim] < 0 ? ir_cast(e->l, e->type, lw_I64(e->l, 0)) : ir_index(e->l, e->type, map[e->dim]);
    case E_CONST:
    case E_VAR:
    case E_SHAPE: return e;
    case E_ELEM: {
        /* its indices are scalars (loop variables of a gather's nest, values known per
         * statement): none reads the sweep point today, but one that did must move with it */
        ir_expr **args = NEWN(ir_expr *, e->nargs);
        int moved = 0;
        for (int i = 0; i < e->nargs; i++)
            moved |= (args[i] = lw_remap_dims(e->args[i], map, fixed)) != e->args[i];
        if (!moved)
            return e;
        ir_expr *r = NEW(ir_expr);
        *r = *e;
        r->args = args;
        return r;
    }
    default: {
        ir_expr *r = NEW(ir_expr);
        *r = *e;
        r->a = lw_remap_dims(e->a, map, fixed);
        r->b = lw_remap_dims(e->b, map, fixed);
        r->cc = lw_remap_dims(e->cc, map, fixed);
        if (e->nargs && e->kind == E_CALL) {
            r->args = NEWN(ir_expr *, e->nargs);
            for (int i = 0; i < e->nargs; i++)
                r->args[i] = lw_remap_dims(e->args[i], map, fixed);
        }
        return r;
    }
    }
}
/* Rewrite the box dimensions of an elementwise tree: dimension b becomes b + shift, or -1
 * (broadcast) when bit b of bcast is set. Returns a new tree; the input is not modified. */
ir_expr *lw_remap(ir_expr *e, int shift, unsigned bcast)
{
    if (!e || (shift == 0 && bcast == 0))
        return e;
    int map[32]; /* bcast has a bit for each box dimension */
    for (int d = 0; d < 32; d++)
        map[d] = (bcast >> d) & 1 ? -1 : d + shift;
    return lw_remap_dims(e, map, 0);
}
ir_stmt *lw_check_stmt(loc l, ir_check k, int na, ir_expr **a, int nb, ir_expr **b)
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

value *lw_slot_value(loc l, ir_var *slot, const sym *const *sh)
{
    value *v = lw_vnew(V_ARRAY, l);
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
ir_var *lw_whole_slot(value *v)
{
    if (v->kind != V_ARRAY || v->e->kind != E_READ)
        return NULL;
    ir_view *w = v->e->view;
    if (w->rank != v->rank) /* an axis of extent 1 added or dropped (np.expand_dims, a reshape) */
        return NULL;
    for (int d = 0; d < w->rank; d++) {
        ir_dim *m = &w->dim[d];
        int64_t k;
        if (m->kind != D_RANGE || m->box != d || !ir_expr_const_int(m->lo, &k) || k != 0 ||
            m->step_c != 1 || m->len->kind != E_SHAPE || m->len->var != w->arr || m->len->dim != d)
            return NULL;
    }
    return w->arr;
}

/* Compute an array value into a new temporary slot; returns the whole-slot value. */
value *lw_materialize(lctx *c, value *v)
{
    if (v->kind != V_ARRAY || v->fresh)
        return v;
    ir_var *t = lw_temp_slot(c, v->type, v->rank);
    ir_stmt *s = ir_stmt_new(S_ALLOC, v->l);
    s->var = t;
    s->shape = NEWN(ir_expr *, v->rank);
    for (int d = 0; d < v->rank; d++)
        s->shape[d] = v->len[d];
    s->init = 0;
    lw_emit(c, s);
    value *tv = lw_slot_value(v->l, t, v->sh);
    lw_emit_sweep(c, v->l, tv, v, 1);
    tv->fresh = t;
    return tv;
}

/* NumPy 2 promotion. Python scalars (weak) take the array's type when their kind fits. */
int lw_kind_of(ir_type t) { return t == T_BOOL ? 0 : ir_type_is_int(t) ? 1 : 2; }
static ir_type int_of_bits(int bits, int is_unsigned)
{
    switch (bits) {
    case 8: return is_unsigned ? T_U8 : T_I8;
    case 16: return is_unsigned ? T_U16 : T_I16;
    case 32: return is_unsigned ? T_U32 : T_I32;
    default: return is_unsigned ? T_U64 : T_I64;
    }
}
ir_type lw_promote2(ir_type a, ir_type b)
{
    if (a == b)
        return a;
    int ka = lw_kind_of(a), kb = lw_kind_of(b);
    if (ka == 0)
        return b;
    if (kb == 0)
        return a;
    int ba = ir_type_bits(a), bb = ir_type_bits(b);
    if (ka == 2 && kb == 2)
        return ba >= bb ? a : b;
    if (ka == 1 && kb == 1) {
        int ua = ir_type_is_unsigned(a), ub = ir_type_is_unsigned(b);
        if (ua == ub)
            return ba >= bb ? a : b;
        /* signed with unsigned: the smallest signed type holding both (uint64 with any signed
         * type has none: float64) */
        int bu = ua ? ba : bb, bs = ua ? bb : ba;
        if (bu < bs)
            return ua ? b : a;
        return 2 * bu <= 64 ? int_of_bits(2 * bu, 0) : T_F64;
    }
    /* int with float: float32 holds the 8- and 16-bit integers exactly, not the wider ones */
    ir_type f = ka == 2 ? a : b, i = ka == 2 ? b : a;
    return f == T_F32 && ir_type_bits(i) <= 16 ? T_F32 : T_F64;
}

/* The integer types whose arithmetic C does in a wider type (and uint32, whose products C's
 * int64 would not wrap): computed in int64 and converted back, which wraps as NumPy does. */
int lw_narrow_int(ir_type t)
{
    return t == T_I8 || t == T_U8 || t == T_I16 || t == T_U16 || t == T_U32;
}
ir_expr *lw_narrow_bin(loc l, ir_op op, ir_type t, ir_expr *x, ir_expr *y, int py)
{
    if (!lw_narrow_int(t))
        return ir_bin(l, op, t, x, y, py);
    return ir_cast(l, t, ir_bin(l, op, T_I64, ir_cast(l, T_I64, x), ir_cast(l, T_I64, y), 0));
}
static ir_type promote_weak(int wa, int wb, value *a, value *b);
/* A scalar of wmix takes part in the promotion as a NumPy scalar; where as a Python number it
 * would give another type (float32 arrays times min(dt, dx / umax)), the type would depend on
 * the path: refused. */
ir_type lw_promote_vals(value *a, value *b)
{
    int wa = a->kind == V_SCALAR && a->weak, wb = b->kind == V_SCALAR && b->weak;
    ir_type t = promote_weak(wa, wb, a, b);
    for (int k = 0; k < 2; k++) {
        value *m = k ? b : a;
        if (m->kind == V_SCALAR && !m->weak && !m->wmix && m->zt && promote_weak(k ? wa : 1, k ? 1 : wb, a, b) != t)
            lw_zt_check(m->l, m, "NumPy gives this operation's result another type for it");
        if (m->kind != V_SCALAR || !m->wmix || promote_weak(k ? wa : 1, k ? 1 : wb, a, b) == t)
            continue;
        const char *py = lw_kind_of(m->type) == 2 ? "float" : lw_kind_of(m->type) == 1 ? "int" : "bool";
        value *o = k ? a : b;
        diag_error(m->l, "this number is a Python %s on some paths and a numpy.%s on others (a "
                         "branch, min()/max() returning either argument, or a list of both), and with "
                         "%s%s NumPy gives the result a different type for each; convert it with "
                         "np.%s() or %s()",
                   py, ir_type_name(m->type), o->kind == V_ARRAY ? "an array of " : "",
                   o->kind == V_ARRAY ? ir_type_name(o->type) : lw_scalar_desc(o), ir_type_name(m->type), py);
        break;
    }
    return t;
}
static ir_type promote_weak(int wa, int wb, value *a, value *b)
{
    if (wa && wb) {
        int k = lw_kind_of(a->type) > lw_kind_of(b->type) ? lw_kind_of(a->type) : lw_kind_of(b->type);
        return k == 0 ? T_BOOL : k == 1 ? T_I64 : T_F64;
    }
    if (wa || wb) {
        value *w = wa ? a : b, *s = wa ? b : a;
        if (lw_kind_of(w->type) <= lw_kind_of(s->type))
            return s->type;
        return lw_kind_of(w->type) == 1 ? T_I64 : T_F64;
    }
    return lw_promote2(a->type, b->type);
}

/* Extents for a run-time shape check: -1 for the dimensions in mask, which the compiler
 * broadcasts (their extent is 1, whatever the other operand's). */
static ir_expr **bcast_lens(loc l, int rank, ir_expr **len, unsigned mask)
{
    if (!mask)
        return len;
    ir_expr **r = NEWN(ir_expr *, rank);
    for (int d = 0; d < rank; d++)
        r[d] = mask >> d & 1 ? lw_I64(l, -1) : len[d];
    return r;
}

/* Broadcast two operands: result rank, shape; per-operand shifts and broadcast masks.
 * Reports provable mismatches (returns 0) and emits run-time checks for unknown ones. */
int lw_broadcast(lctx *c, loc l, value *a, value *b, value *r, int *sa, unsigned *ma, int *sb,
                 unsigned *mb)
{
    int ra = a->kind == V_ARRAY ? a->rank : 0, rb = b->kind == V_ARRAY ? b->rank : 0;
    int R = ra > rb ? ra : rb;
    *sa = R - ra;
    *sb = R - rb;
    *ma = *mb = 0;
    int need_check = 0;
    unsigned unknown = 0; /* result dimensions whose operands' extents compare at run time */
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
        int cmp = lw_sym_cmp(x, y);
        if (cmp == 1 || (lw_is_one(x) && lw_is_one(y))) {
            r->sh[j] = x;
            r->len[j] = a->len[da];
        } else if (lw_is_one(x)) {
            *ma |= 1u << da;
            r->sh[j] = y;
            r->len[j] = b->len[db];
        } else if (lw_is_one(y)) {
            *mb |= 1u << db;
            r->sh[j] = x;
            r->len[j] = a->len[da];
        } else if (cmp == 0) {
            const char *na = np_shape_str(a->rank, a->sh), *nb = np_shape_str(b->rank, b->sh);
            if (na && nb) /* NumPy's words (its ValueError), which the run-time check also uses */
                diag_error(b->l, "operands could not be broadcast together with shapes %s %s", na, nb);
            else
                diag_error(b->l, "operands could not be broadcast together with shapes %s and %s",
                           lw_shape_str(a->rank, a->sh), lw_shape_str(b->rank, b->sh));
            diag_note(a->l, "left operand has shape %s", lw_shape_str(a->rank, a->sh));
            return 0;
        } else {
            need_check = 1;
            unknown |= 1u << j;
        }
    }
    /* Equal at run time (checked), so either extent names them: the operand broadcast along no
     * axis gives it, so `H * u` with H of shape (1, ny) from np.load has u's extents, which
     * relate to the other fields' (halo reasoning), not H's opaque ones. */
    int from_b = *ma && !*mb;
    for (int j = 0; j < R; j++)
        if (unknown >> j & 1) {
            const sym *x = a->sh[j - *sa], *y = b->sh[j - *sb];
            int pick_b = from_b ? y != NULL : x == NULL;
            r->sh[j] = pick_b ? y : x;
            r->len[j] = pick_b ? b->len[j - *sb] : a->len[j - *sa];
        }
    if (need_check) /* the extents of 1 broadcast here pass as -1 (see tyl_check_shapes) */
        lw_emit(c, lw_check_stmt(l, CK_BCAST, a->rank, bcast_lens(l, a->rank, a->len, *ma), b->rank,
                                 bcast_lens(l, b->rank, b->len, *mb)));
    return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Scalars                                                                                    */

value *lw_scalar(loc l, ir_expr *e, int weak)
{
    value *v = lw_vnew(V_SCALAR, l);
    v->e = e;
    v->type = e->type;
    v->weak = weak;
    int64_t k;
    if (ir_expr_const_int(e, &k) && e->type != T_BOOL)
        v->s = sym_const(k);
    return v;
}
value *lw_scalar_as(loc l, ir_expr *e, const value *v)
{
    value *r = lw_scalar(l, e, v->weak);
    r->wmix = v->wmix;
    return r;
}
value *lw_scalar_join(loc l, ir_expr *e, const value *x, const value *y)
{
    value *r = lw_scalar(l, e, x->weak && y->weak);
    r->wmix = !r->weak && (x->wmix || y->wmix || x->weak || y->weak);
    return r;
}
int lw_is_int_scalar(value *v)
{
    return v->kind == V_SCALAR && (ir_type_is_int(v->type) || v->type == T_BOOL);
}

/* Integer value of a scalar for indexing: int or bool; error otherwise. */
ir_expr *lw_int_operand(value *v, const char *what)
{
    if (v->kind == V_ERR)
        return NULL;
    if (!lw_is_int_scalar(v)) {
        diag_error(v->l, "%s must be an integer, not %s", what, lw_vkind_desc(v));
        return NULL;
    }
    return ir_cast(v->l, T_I64, v->e);
}

/* Python scalar binary operation (CPython semantics, folded when both are constants). */
/* a op b (b NULL: op a) where one operand is an item of a list of ints then floats (a
 * dynvar of its own, lower_lists.c) or a name of changing type read where its statement is not
 * lowered once per type (dyn_split: `u, v = r + 1, 2`, `[r * 2, 1]`, a tuple's item), and the
 * result's type follows the operand's: the int variant computed too, the result a dynvar with
 * the operand's tag, so print() and a binding show the int or the float as Python would (they
 * printed the float view: 6.0). rf: the float variant. Any other mix is refused for list
 * items; for names it stays the float view, marked mixed, as before. */
/* rf, a float computed from a value of changing type, marked so (what an operation on such
 * values gave before item_variants took the names' dynvars too). */
static value *mixed_of(value *rf, int unary)
{
    if (rf->kind != V_SCALAR || rf->type == T_BOOL)
        return rf;
    if (unary) { /* lw_unop's own value */
        rf->mixed = 1;
        return rf;
    }
    value *r = lw_scalar(rf->l, rf->e, rf->weak); /* a fresh value: constants are shared */
    r->mixed = 1;
    return r;
}
static value *item_variants(lctx *c, loc l, ir_op op, value *a, value *b, value *rf)
{
    value *x = a->dyn ? a : b, *o = x == a ? b : a;
    if (!x->dyn->item && ((o && o->mixed) || rf->type != T_F64))
        return mixed_of(rf, !b); /* two names of changing type (x + y): dyn_split lowers the statement
                                once per type of each; this (its probe) only needs the kind */
    if ((o && o->mixed) || rf->type != T_F64) {
        diag_error(l, "this value is an int or a float by the item of a list of Python ints and floats "
                      "read here, and so would this result be; convert the item with float()");
        return &lw_ERRV;
    }
    value *xi = lw_scalar(l, ir_varref(l, x->dyn->i), x->weak);
    value *ri = !b ? lw_unop(c, l, op, xi) : x == a ? lw_py_binop(c, l, op, xi, b) : lw_py_binop(c, l, op, a, xi);
    if (ri->kind == V_ERR)
        return ri;
    if (ri->kind != V_SCALAR || ri->type != T_I64) {
        if (!x->dyn->item)
            return mixed_of(rf, !b);
        diag_error(l, "this value is an int or a float by the item of a list of Python ints and floats "
                      "read here, and so would this result be; convert the item with float()");
        return &lw_ERRV;
    }
    dynvar *d = NEW(dynvar);
    d->name = x->dyn->name;
    d->item = x->dyn->item; /* a list item's, or a name's */
    d->tag = x->dyn->tag;
    d->i = lw_temp_scalar(c, T_I64);
    d->f = lw_temp_scalar(c, T_F64);
    ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
    s->var = d->i;
    s->e = ri->e;
    lw_emit(c, s);
    s = ir_stmt_new(S_ASSIGN, l);
    s->var = d->f;
    s->e = rf->e;
    lw_emit(c, s);
    value *r = lw_scalar(l, ir_select(l, T_F64, ir_varref(l, d->tag), ir_varref(l, d->f),
                                      ir_cast(l, T_F64, ir_varref(l, d->i))), rf->weak);
    r->dyn = d;
    r->mixed = 1;
    return r;
}

/* Python compares an int with a float exactly: n == 2.0**53 is False for n = 2**53 + 1, whose
 * double is 2.0**53. The doubles compare right unless they are equal; then the int is compared
 * with the float's integer value (the float 2**63 is above every int64). For operands made of
 * names, constants and operators (each read up to three times), where either may lie past 2**53;
 * any other operand (a call: n == math.sqrt(x * x), k < math.exp2(63), a power computed when
 * running) is read once into a temporary first, where the comparison is evaluated. NULL where
 * the doubles compare exactly (an int constant up to 2**53, a float constant that is not a
 * whole number past it). */
static int plain(const ir_expr *e) /* names, constants and operators on them: read again alike */
{
    if (e->kind == E_VAR || e->kind == E_CONST)
        return 1;
    if (e->kind == E_BIN)
        return plain(e->a) && plain(e->b);
    return (e->kind == E_UN || e->kind == E_CAST) && plain(e->a);
}
static int big_const(const ir_expr *e)
{
    if (!ir_type_is_float(e->type)) /* exact as a double up to 2**53 */
        return e->c.i < -(INT64_C(1) << 53) || e->c.i > (INT64_C(1) << 53);
    return (e->c.f <= -0x1p53 || e->c.f >= 0x1p53) && e->c.f == floor(e->c.f); /* 2.0**53 == 2**53 + 1 */
}
/* e as an operand read up to three times: itself when plain, else a temporary holding it */
static ir_expr *read_again(lctx *c, loc l, ir_expr *e)
{
    if (plain(e))
        return e;
    ir_var *t = lw_temp_scalar(c, e->type);
    ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
    s->var = t;
    s->e = e;
    lw_emit(c, s);
    return ir_varref(l, t);
}
static ir_expr *int_float_compare(lctx *c, loc l, ir_op op, value *a, value *b)
{
    int int_left = a->type == T_I64 && b->type == T_F64;
    if (!int_left && !(a->type == T_F64 && b->type == T_I64))
        return NULL;
    ir_expr *i = int_left ? a->e : b->e, *d = int_left ? b->e : a->e;
    if ((i->kind == E_CONST && !big_const(i)) || (d->kind == E_CONST && !big_const(d)))
        return NULL;
    if (!c || !c->out)
        return NULL;
    i = read_again(c, l, i);
    d = read_again(c, l, d);
    if (!int_left) /* d OP i as i OP' d */
        op = op == OP_CLT ? OP_CGT : op == OP_CLE ? OP_CGE : op == OP_CGT ? OP_CLT : op == OP_CGE ? OP_CLE : op;
    ir_expr *p = ir_cast(l, T_F64, i);
    int below = op == OP_CLT || op == OP_CLE || op == OP_CNE; /* i OP d where i < d */
    ir_expr *top = ir_bin(l, OP_CGE, T_BOOL, d, ir_const_f(l, T_F64, 0x1p63), 0);
    ir_expr *ints = ir_bin(l, op, T_BOOL, i, ir_cast(l, T_I64, d), 0);
    return ir_select(l, T_BOOL, ir_bin(l, OP_CNE, T_BOOL, p, d, 0), ir_bin(l, op, T_BOOL, p, d, 0),
                     ir_select(l, T_BOOL, top, ir_const_i(l, T_BOOL, below), ints));
}

static value *py_binop(lctx *c, loc l, ir_op op, value *a, value *b);
/* A Python number with a scalar of wmix is a Python number on some paths, a NumPy scalar on
 * others (float + np.float64 is np.float64): so is the result, unless it is a bool (a
 * comparison's result is marked a Python bool whatever its operands). */
value *lw_py_binop(lctx *c, loc l, ir_op op, value *a, value *b)
{
    value *r = py_binop(c, l, op, a, b);
    ztinfo *zt = a->kind == V_SCALAR && a->zt && b->kind == V_SCALAR && b->weak ? a->zt
                       : b->kind == V_SCALAR && b->zt && a->kind == V_SCALAR && a->weak ? b->zt : NULL;
    if (zt && r->kind == V_SCALAR && !r->weak && !r->wmix && r->type != T_BOOL) {
        /* s * 2.0 is the Python float s * 2.0 when no iteration ran: checked where it matters */
        value *m = lw_vnew(V_SCALAR, l);
        *m = *r;
        m->zt = zt;
        r = m;
    }
    if (r->kind == V_SCALAR && !r->weak && r->type != T_BOOL &&
        ((a->wmix && (b->weak || b->wmix)) || (b->wmix && (a->weak || a->wmix)))) {
        value *m = lw_vnew(V_SCALAR, l);
        *m = *r; /* constants' values are shared */
        m->wmix = 1;
        r = m;
    }
    return r;
}
static value *py_binop(lctx *c, loc l, ir_op op, value *a, value *b)
{
    if (a->kind == V_ERR || b->kind == V_ERR) /* an operand's error was reported (an overflow) */
        return &lw_ERRV;
    int isf = ir_type_is_float(a->type) || ir_type_is_float(b->type);
    int weak = a->weak && b->weak;
    int npsem = !weak; /* a NumPy scalar operand: NumPy semantics (inf instead of errors) */
    ir_type t;
    if (op >= OP_CLT && op <= OP_CNE) {
        ir_type ct = isf ? T_F64 : T_I64;
        /* a NumPy float operand: NumPy 2 compares in the promoted type, as an array's
         * comparison does (np.float32(x) == 0.7 in float32, the Python float made float32:
         * compared as doubles it was False where NumPy says True) */
        if (isf && npsem && ir_type_is_float(lw_promote_vals(a, b)))
            ct = lw_promote_vals(a, b);
        if (!isf && a->type == T_BOOL && b->type == T_BOOL)
            ct = T_BOOL;
        ir_expr *x = ir_cast(l, ct, a->e), *y = ir_cast(l, ct, b->e);
        int64_t p, q;
        if (ct != T_F64 && ir_expr_const_int(x, &p) && ir_expr_const_int(y, &q)) {
            int r = op == OP_CLT ? p < q : op == OP_CLE ? p <= q : op == OP_CGT ? p > q :
                    op == OP_CGE ? p >= q : op == OP_CEQ ? p == q : p != q;
            return lw_scalar(l, ir_const_i(l, T_BOOL, r), 1);
        }
        if (weak && ct == T_F64) {
            ir_expr *exact = int_float_compare(c, l, op, a, b);
            if (exact)
                return lw_scalar(l, exact, 1);
        }
        return lw_scalar(l, ir_bin(l, op, T_BOOL, x, y, 1), 1);
    }
    if (op == OP_BAND || op == OP_BOR || op == OP_BXOR) {
        if (isf) {
            diag_error(l, "unsupported operand type(s) for %s: 'float'", ir_op_name(op));
            return &lw_ERRV;
        }
        t = (a->type == T_BOOL && b->type == T_BOOL) ? T_BOOL : T_I64;
        return lw_scalar(l, ir_bin(l, op, t, ir_cast(l, t, a->e), ir_cast(l, t, b->e), 1), weak);
    }
    if ((op == OP_SHL || op == OP_SHR) && isf) {
        diag_error(l, "unsupported operand type(s) for %s: 'float'", ir_op_name(op));
        return &lw_ERRV;
    }
    if (op == OP_TRUEDIV)
        t = T_F64;
    else if (isf)
        t = T_F64;
    else if (op == OP_POWER) {
        int64_t k;
        if (ir_expr_const_int(b->e, &k) && k < 0) {
            if (!weak && a->type != T_BOOL && b->type != T_BOOL) { /* np.int64(6) ** -1 */
                diag_error(b->l, "ValueError: Integers to negative integer powers are not allowed.");
                return &lw_ERRV;
            }
            t = T_F64;
        } else
            t = T_I64;
    } else
        t = T_I64;
    if (!weak) {
        /* NumPy scalar arithmetic keeps the array dtype (np.float64 stays float64). */
        ir_type pt = lw_promote_vals(a, b);
        if (op == OP_TRUEDIV && !ir_type_is_float(pt))
            pt = T_F64;
        t = (op == OP_TRUEDIV || lw_kind_of(pt) >= lw_kind_of(t)) ? pt : t;
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
        case OP_SHL: /* Python's: exact, so bits shifted past int64 are an overflow */
            if (q < 0) { ok = 0; break; }
            overflow = p != 0 && (q >= 64 || (p > 0 ? p > (INT64_MAX >> q) : p < (INT64_MIN >> q)));
            r = overflow || p == 0 ? 0 : (int64_t)((uint64_t)p << q);
            break;
        case OP_SHR:
            if (q < 0) { ok = 0; break; }
            r = q >= 64 ? (p < 0 ? -1 : 0) : p < 0 ? ~(~p >> q) : p >> q;
            break;
        default: ok = 0;
        }
        if (!ok && (op == OP_SHL || op == OP_SHR)) {
            diag_error(l, "ValueError: negative shift count");
            return &lw_ERRV;
        }
        if (ok && overflow) {
            diag_error(l, "integer overflow: %lld %s %lld does not fit in tylesc's 64-bit integers",
                       (long long)p, ir_op_name(op), (long long)q);
            return &lw_ERRV;
        }
        if (ok) {
            value *v = lw_scalar(l, lw_I64(l, r), weak);
            return v;
        }
        if (op == OP_FDIV || op == OP_MOD) {
            diag_error(l, "integer division or modulo by zero");
            return &lw_ERRV;
        }
    }
    /* int / int operands are int constants here (opt): their value is c.i, not c.f */
    double fx = 0, fy = 0;
    if (x->kind == E_CONST && y->kind == E_CONST) {
        fx = ir_type_is_float(x->type) ? x->c.f : (double)x->c.i;
        fy = ir_type_is_float(y->type) ? y->c.f : (double)y->c.i;
    }
    /* an int past 2**53 is not exact as a double: Python's int / int rounds the exact quotient
     * once, as the run time's tyl_py_truediv_i ((2**53 + 1) / 3 folded to ...330.5, not ...331.0) */
    int big = !ir_type_is_float(x->type) && x->kind == E_CONST && y->kind == E_CONST &&
              (x->c.i < -(INT64_C(1) << 53) || x->c.i > (INT64_C(1) << 53) ||
               y->c.i < -(INT64_C(1) << 53) || y->c.i > (INT64_C(1) << 53));
    if (ir_type_is_float(t) && x->kind == E_CONST && y->kind == E_CONST &&
        (op == OP_ADD || op == OP_SUB || op == OP_MUL || (op == OP_TRUEDIV && fy != 0.0))) {
        double f = op == OP_ADD ? fx + fy : op == OP_SUB ? fx - fy : op == OP_MUL ? fx * fy
                   : big ? tyl_py_truediv_big_(x->c.i, y->c.i) : fx / fy;
        if (t == T_F32)
            f = (float)f;
        return lw_scalar(l, ir_const_f(l, t, f), weak);
    }
    ir_expr *e = lw_narrow_int(t) ? lw_narrow_bin(l, op, t, x, y, 0) : ir_bin(l, op, t, x, y, !npsem);
    value *v = lw_scalar(l, e, weak);
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
    return ir_cast(v->l, t, v->kind == V_ARRAY ? lw_remap(v->e, shift, mask) : v->e);
}
/* NEP 50: a Python int combined with an array of a narrower integer dtype takes that dtype, and
 * one out of its range is NumPy's OverflowError (at compile time for a constant, else a check
 * when running). 0 after a diagnostic. */
int lw_weak_int_fits(lctx *c, loc l, value *v, ir_type t)
{
    if (v->kind != V_SCALAR || !v->weak || !ir_type_is_int(v->type) || !ir_type_is_int(t) || t == T_I64)
        return 1;
    int bits = ir_type_bits(t), u = ir_type_is_unsigned(t);
    int64_t lo = u ? 0 : bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
    int64_t hi = u ? (bits >= 63 ? INT64_MAX : ((int64_t)1 << bits) - 1) : ((int64_t)1 << (bits - 1)) - 1;
    int64_t k;
    if (ir_expr_const_int(v->e, &k)) {
        if (k >= lo && k <= hi)
            return 1;
        diag_error(v->l, "OverflowError: Python integer %lld out of bounds for %s", (long long)k,
                   ir_type_name(t));
        return 0;
    }
    ir_expr *x = ir_cast(l, T_I64, v->e);
    lw_emit_raise(c, l, ir_bin(l, OP_LOR, T_BOOL, ir_bin(l, OP_CLT, T_BOOL, x, lw_I64(l, lo), 0),
                               ir_bin(l, OP_CGT, T_BOOL, x, lw_I64(l, hi), 0), 0),
                  arena_printf(&util_arena, "OverflowError: Python integer out of bounds for %s",
                               ir_type_name(t)));
    return 1;
}
static value *ew_binop(lctx *c, loc l, ir_op op, value *a, value *b)
{
    value *r = lw_vnew(V_ARRAY, l);
    int sa, sb;
    unsigned ma, mb;
    if (!lw_broadcast(c, l, a, b, r, &sa, &ma, &sb, &mb))
        return &lw_ERRV;
    ir_type ct = lw_promote_vals(a, b);
    ir_type rt = ct;
    if (op == OP_TRUEDIV && !ir_type_is_float(ct))
        ct = rt = T_F64;
    if (op >= OP_CLT && op <= OP_CNE) {
        rt = T_BOOL;
        if (lw_narrow_int(ct)) /* exact in int64, Python ints out of the dtype's range included */
            ct = T_I64;
    } else if (!lw_weak_int_fits(c, l, a, ct) || !lw_weak_int_fits(c, l, b, ct))
        return &lw_ERRV;
    if ((op == OP_BAND || op == OP_BOR || op == OP_BXOR) && ir_type_is_float(ct)) {
        diag_error(l, "ufunc '%s' not supported for float arrays (use it on boolean or integer arrays)",
                   op == OP_BAND ? "bitwise_and" : op == OP_BOR ? "bitwise_or" : "bitwise_xor");
        return &lw_ERRV;
    }
    if ((op == OP_SHL || op == OP_SHR) && ir_type_is_float(ct)) {
        diag_error(l, "ufunc '%s' not supported for float arrays (use it on integer arrays)",
                   op == OP_SHL ? "left_shift" : "right_shift");
        return &lw_ERRV;
    }
    if ((op == OP_SHL || op == OP_SHR) && ct == T_BOOL)
        ct = rt = T_I8; /* NumPy shifts booleans as int8 */
    if ((op == OP_SUB) && ct == T_BOOL) {
        diag_error(l, "numpy boolean subtract, the '-' operator, is not supported");
        return &lw_ERRV;
    }
    if (op == OP_ADD && ct == T_BOOL)
        op = OP_BOR;
    if (op == OP_MUL && ct == T_BOOL)
        op = OP_BAND;
    int64_t negk;
    if (op == OP_POWER && ir_type_is_int(ct) && b->kind == V_SCALAR && ir_expr_const_int(b->e, &negk) &&
        negk < 0) {
        diag_error(b->l, "ValueError: Integers to negative integer powers are not allowed.");
        return &lw_ERRV;
    }
    if (op == OP_POWER && ir_type_is_int(ct) && b->kind == V_SCALAR && !ir_type_is_unsigned(b->type) &&
        b->type != T_BOOL && !ir_expr_const_int(b->e, &negk)) /* NumPy raises; a kernel cannot */
        lw_emit_raise(c, l, ir_bin(l, OP_CLT, T_BOOL, ir_cast(l, T_I64, b->e), lw_I64(l, 0), 0),
                      "ValueError: Integers to negative integer powers are not allowed.");
    ir_expr *x = ew_leaf(a, ct, sa, ma), *y = ew_leaf(b, ct, sb, mb);
    r->type = rt;
    if (op == OP_POWER && b->kind == V_SCALAR && b->e->kind == E_CONST && a->kind == V_ARRAY) {
        /* NumPy's fast paths for scalar exponents (array ** 2 is square, ** 0.5 is sqrt). */
        double k = ir_type_is_float(b->e->type) ? b->e->c.f : (double)b->e->c.i;
        if (k == 2.0) {
            r->e = lw_narrow_bin(l, OP_MUL, rt, x, x, 0);
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
            r->e = ir_bin(l, OP_TRUEDIV, rt, ir_cast(l, rt, lw_I64(l, 1)), x, 0);
            return r;
        }
    }
    r->e = lw_narrow_bin(l, op, rt, x, y, 0);
    return r;
}
value *lw_binop(lctx *c, loc l, ir_op op, value *a, value *b)
{
    if (a->kind == V_ERR || b->kind == V_ERR)
        return &lw_ERRV;
    a = lw_ndarr(c, a); /* np.indices(s) % 2 */
    b = lw_ndarr(c, b);
    if (a->kind == V_ERR || b->kind == V_ERR)
        return &lw_ERRV;
    if (a->kind == V_STR && b->kind == V_STR && (op == OP_CEQ || op == OP_CNE)) {
        int eq = strcmp(a->str, b->str) == 0;
        return lw_scalar(l, ir_const_i(l, T_BOOL, op == OP_CEQ ? eq : !eq), 1);
    }
    if ((a->kind == V_FSTR || b->kind == V_FSTR) && (a->kind == V_STR || a->kind == V_FSTR) &&
        (b->kind == V_STR || b->kind == V_FSTR) && (op == OP_CEQ || op == OP_CNE)) {
        value *eq = lw_str_equal(c, l, a, b); /* a string computed at run time: sys.argv[1] == "fast" */
        return op == OP_CEQ || eq->kind == V_ERR ? eq : lw_unop(c, l, OP_LNOT, eq);
    }
    if (a->kind == V_MASKED || b->kind == V_MASKED) { /* a[m] ** 2: (a ** 2)[m] */
        value *ops[2] = {a, b}, *sel;
        int k = lw_masked_operands(ir_op_name(op), ops, 2, &sel);
        if (k < 0)
            return &lw_ERRV;
        if (k > 0)
            return lw_masked_result(sel, lw_binop(c, l, op, ops[0], ops[1]));
    }
    /* a list or tuple with an array: NumPy's operator makes it an array (pos + [0.1, 0.0]); with
     * np.maximum/np.minimum whatever the other operand (Python's own list operations, + and *
     * of lists, are lowered before) */
    int npfn = op == OP_NPMIN || op == OP_NPMAX;
    if (a->kind == V_TUPLE && (b->kind == V_ARRAY || npfn))
        a = lw_seq_operand(c, a, arena_printf(&util_arena, "'%s'", ir_op_name(op)));
    if (b->kind == V_TUPLE && (a->kind == V_ARRAY || npfn))
        b = lw_seq_operand(c, b, arena_printf(&util_arena, "'%s'", ir_op_name(op)));
    if (a->kind == V_LIST && b->kind == V_ARRAY) /* a list built at run time: its items array */
        a = lw_list_as_numpy(c, a->l, a, 0);
    if (b->kind == V_LIST && a->kind == V_ARRAY)
        b = lw_list_as_numpy(c, b->l, b, 0);
    if (a->kind == V_ERR || b->kind == V_ERR)
        return &lw_ERRV;
    int ok_a = a->kind == V_SCALAR || a->kind == V_ARRAY, ok_b = b->kind == V_SCALAR || b->kind == V_ARRAY;
    if (!ok_a || !ok_b) {
        value *bad = ok_a ? b : a, *other = ok_a ? a : b;
        if (bad->kind == V_TUPLE && lw_has_complex(bad))
            diag_error(bad->l, "unsupported operand for '%s': a list or tuple holding complex numbers "
                               "(only one of real numbers is made an array here)", ir_op_name(op));
        else if (bad->kind == V_TUPLE && other->kind == V_SCALAR && !other->weak)
            diag_error(bad->l, "unsupported operand for '%s': a list or tuple with a NumPy scalar (make "
                               "the list an array with np.array())", ir_op_name(op));
        else if (bad->kind == V_TUPLE && (other->kind == V_SCALAR || other->kind == V_TUPLE))
            diag_error(bad->l, "unsupported operand for '%s': a Python %s, not an array (Python's '%s' "
                               "of it is not elementwise; np.array() of it is)", ir_op_name(op),
                       bad->is_list ? "list" : "tuple", ir_op_name(op));
        else
            diag_error(bad->l, "unsupported operand for '%s': %s", ir_op_name(op), lw_vkind_desc(bad));
        return &lw_ERRV;
    }
    if (a->kind == V_SCALAR && b->kind == V_SCALAR) {
        if (op == OP_NPMIN || op == OP_NPMAX) { /* np.minimum of scalars: a NumPy scalar */
            ir_type t = lw_promote_vals(a, b);
            return lw_scalar(l, ir_bin(l, op, t, ir_cast(l, t, a->e), ir_cast(l, t, b->e), 0), 0);
        }
        value *r = lw_py_binop(c, l, op, a, b);
        /* an int or a float (mixed) with a float, or divided: a float either way, of one value
         * (Python makes the int a float first) */
        int one_float = (!a->mixed && ir_type_is_float(a->type)) || (!b->mixed && ir_type_is_float(b->type)) ||
                        op == OP_TRUEDIV;
        if (r->kind == V_SCALAR && (a->mixed || b->mixed) && r->type != T_BOOL &&
            !(one_float && r->type == T_F64) && (a->dyn || b->dyn))
            return item_variants(c, l, op, a, b, r);
        if (r->kind == V_SCALAR && (a->mixed || b->mixed) && r->type != T_BOOL &&
            !(one_float && r->type == T_F64)) {
            r = lw_scalar(r->l, r->e, r->weak); /* a fresh value: constants are shared */
            r->mixed = 1;
        }
        return r;
    }
    value *sc = a->kind == V_SCALAR ? a : b, *ar = a->kind == V_SCALAR ? b : a;
    if (sc->mixed && !ir_type_is_float(ar->type)) {
        diag_error(sc->l, "this value is an int or a float depending on the path taken, so the "
                          "dtype of the %s result would too; convert it with float() or int()",
                   ir_type_name(ar->type));
        return &lw_ERRV;
    }
    return ew_binop(c, l, op, a, b);
}
value *lw_unop(lctx *c, loc l, ir_op op, value *a)
{
    a = lw_ndarr(c, a); /* -np.indices(s) */
    if (a->kind == V_ERR)
        return &lw_ERRV;
    if (a->kind == V_MASKED && op != OP_LNOT) { /* -a[m]: (-a)[m] */
        value *sel;
        if (lw_masked_operands(ir_op_name(op), &a, 1, &sel) < 0)
            return &lw_ERRV;
        return lw_masked_result(sel, lw_unop(c, l, op, a));
    }
    if (a->kind != V_SCALAR && a->kind != V_ARRAY) {
        diag_error(a->l, "bad operand for unary '%s': %s", ir_op_name(op), lw_vkind_desc(a));
        return &lw_ERRV;
    }
    ir_type t = a->type;
    if (op == OP_LNOT) {
        if (a->kind == V_ARRAY) {
            diag_error(l, "the truth value of an array is ambiguous; use ~ for elementwise not");
            return &lw_ERRV;
        }
        int64_t k;
        if (!ir_type_is_float(t) && ir_expr_const_int(a->e, &k)) /* not None, not 0: known */
            return lw_scalar(l, ir_const_i(l, T_BOOL, k == 0), 1);
        ir_expr *z = ir_type_is_float(t) ? ir_const_f(l, t, 0.0) : ir_const_i(l, t, 0);
        return lw_scalar(l, ir_bin(l, OP_CEQ, T_BOOL, a->e, z, 1), 1);
    }
    if (op == OP_ABS && a->kind == V_ARRAY) {
        value *r = lw_vnew(V_ARRAY, l);
        *r = *a;
        r->l = l;
        r->fresh = NULL;
        r->e = t == T_BOOL ? a->e : lw_narrow_int(t) ? ir_cast(l, t, ir_un(l, OP_ABS, T_I64, ir_cast(l, T_I64, a->e)))
                                                     : ir_un(l, OP_ABS, t, a->e);
        return r;
    }
    if (op == OP_BNOT && ir_type_is_float(t)) {
        diag_error(l, "ufunc 'invert' not supported for float values");
        return &lw_ERRV;
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
            return &lw_ERRV;
        } else if (op == OP_NEG && ir_expr_const_int(x, &k))
            r = lw_scalar(l, lw_I64(l, -k), a->weak);
        else if (op == OP_NEG && x->kind == E_CONST && ir_type_is_float(t))
            r = lw_scalar(l, ir_const_f(l, t, -x->c.f), a->weak);
        else if (op == OP_POS)
            r = lw_scalar(l, x, a->weak);
        else if (lw_narrow_int(t))
            r = lw_scalar(l, ir_cast(l, t, ir_un(l, op, T_I64, ir_cast(l, T_I64, x))), a->weak);
        else
            r = lw_scalar(l, ir_un(l, op, t, x), a->weak);
        if (!r->s && a->s && op == OP_NEG)
            r->s = sym_neg(a->s);
        else if (!r->s && a->s && op == OP_POS)
            r->s = a->s;
        if (a->dyn && r->type != T_BOOL && (op == OP_NEG || op == OP_POS || op == OP_ABS))
            return item_variants(c, l, op, a, NULL, r);
        r->mixed = a->mixed && r->type != T_BOOL;
        r->wmix = a->wmix && !r->weak && r->type == a->type;
        return r;
    }
    r = lw_vnew(V_ARRAY, l);
    *r = *a;
    r->l = l;
    r->fresh = NULL;
    r->type = t;
    r->e = op == OP_POS ? x : lw_narrow_int(t) ? ir_cast(l, t, ir_un(l, op, T_I64, ir_cast(l, T_I64, x))) : ir_un(l, op, t, x);
    return r;
}

/* ------------------------------------------------------------------------------------------ */
/* Sweeps                                                                                     */

void lw_emit_sweep(lctx *c, loc l, value *target, value *rv, int fresh)
{
    if (target->kind == V_ERR || rv->kind == V_ERR)
        return;
    if (lw_phantom_sweep(c, l, target, rv, fresh)) /* a target with axes the array lacks */
        return;
    ir_view *tv = target->e->view;
    int B = tv->vrank;
    ir_type tt = tv->arr->type;
    ir_expr *val;
    /* a transposed target (a.T[...] = v): the array is written in its own order and the value,
     * computed first at the target's shape, is read transposed */
    int perm[IR_MAX_RANK], nb = 0, permuted = 0;
    for (int d = 0; d < tv->rank; d++)
        if (tv->dim[d].kind == D_RANGE) {
            perm[nb] = tv->dim[d].box;
            permuted |= perm[nb] != nb;
            nb++;
        }
    if (permuted && nb == B) {
        value *full = lw_new_array(c, l, tt, B, target->len, (const sym **)target->sh, 0, NULL);
        lw_emit_sweep(c, l, full, rv, 1);
        ir_view *cv = ir_view_clone(tv);
        value *ct = lw_vnew(V_ARRAY, l);
        *ct = *target;
        ct->fresh = NULL;
        for (int d = 0, j = 0; d < cv->rank; d++)
            if (cv->dim[d].kind == D_RANGE) {
                cv->dim[d].box = j;
                ct->sh[j] = target->sh[perm[j]];
                ct->len[j] = target->len[perm[j]];
                j++;
            }
        ct->e = ir_read(l, cv);
        lw_emit_sweep(c, l, ct, lw_transpose_perm(c, l, full, perm), 0);
        return;
    }
    if (rv->kind == V_SCALAR) {
        val = ir_cast(l, tt, rv->e);
    } else if (rv->kind == V_ARRAY) {
        int R = rv->rank;
        if (R > B) {
            diag_error(rv->l, "could not broadcast input array from shape %s into shape %s",
                       lw_shape_str(rv->rank, rv->sh), lw_shape_str(B, target->sh));
            return;
        }
        unsigned mask = 0;
        int need_check = 0;
        for (int j = 0; j < R; j++) {
            const sym *x = rv->sh[j], *y = target->sh[B - R + j];
            int cmp = lw_sym_cmp(x, y);
            if (cmp == 1)
                continue;
            if (lw_is_one(x)) {
                mask |= 1u << j;
                continue;
            }
            if (cmp == 0) {
                diag_error(rv->l, "could not broadcast input array from shape %s into shape %s",
                           lw_shape_str(rv->rank, rv->sh), lw_shape_str(B, target->sh));
                diag_note(target->l, "assignment target has shape %s", lw_shape_str(B, target->sh));
                return;
            }
            need_check = 1;
        }
        if (need_check)
            lw_emit(c, lw_check_stmt(l, CK_ASSIGN, R, bcast_lens(l, R, rv->len, mask), B, target->len));
        val = ir_cast(l, tt, lw_remap(rv->e, B - R, mask));
    } else {
        diag_error(rv->l, "cannot assign %s to an array element or slice", lw_vkind_desc(rv));
        return;
    }
    ir_stmt *s = ir_stmt_new(S_SWEEP, l);
    s->target = tv;
    s->e = val;
    s->fresh = fresh;
    s->mode = M_DIRECT;
    lw_emit(c, s);
}
