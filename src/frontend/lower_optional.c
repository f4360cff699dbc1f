/* lower_optional.c: a name that is None on some paths and a number on others (t_cross = None;
 * ... if crossed: t_cross = t[i]), an "optional": a V_OPT value, items[0] its presence flag (a
 * bool scalar, true: it holds a number) and items[1] the number (an int, float or bool, Python's
 * or NumPy's, kept as the scalar it is: its repr and promotion are the number's).
 *
 * Requires: the number's type is the same on every path (None and a float; not an int on one
 * path and a float on another, which is refused). Establishes: where the branches of an if (or
 * of and/or, a conditional expression) or a loop's iterations meet, the name is a V_OPT whose
 * flag and number are variables of hidden names ("t_cross.0", "t_cross.1"), assigned on each
 * path as a tuple's numbers are (lower.c merge_value, lower_carry.c lw_carry_assign); a path where
 * it is None sets the flag false and the number 0, so that no variable is read unset.
 *
 * Reading it: `x is None`, `x is not None`, `x == None` are its flag; `if x:` is the flag and
 * the number's truth; print, str, repr and f-strings write "None" or the number. Where the flow
 * proves it a number (inside `if x is not None:`, after `if x is None: x = 0.0`, the right
 * operand of `x is None or v > x`, after `assert x is not None`) the name is narrowed to its
 * number (lw_opt_narrow). Anywhere else an arithmetic or ordering operation checks the flag
 * when running and stops with Python's TypeError at the statement, the same on every rank
 * (scalars are replicated). An optional array (None or a whole array: prev = None; ...; prev
 * = u.copy()) is the flag and the name's own array slot ("None or an array" below); None or a
 * view, a list or a tuple of other things is refused (lw_opt_refuse). */
#include "lower_internal.h"
#include <string.h>

int lw_is_opt(const value *v) { return v && v->kind == V_OPT; }

/* What a message refusing an optional array as a NumPy function's argument adds: NumPy takes
 * None there as an object (np.sum(None) is None), which a compiled array cannot be. */
const char *lw_opt_array_hint(const value *v)
{
    return v && v->kind == V_OPT && v->items[1]->kind == V_ARRAY
               ? " (it may be None here: NumPy would take None as an object); test it first "
                 "(if ... is not None:)"
               : "";
}

static value *opt_new(loc l, value *flag, value *num)
{
    value *r = lw_vnew(V_OPT, l);
    r->n = 2;
    r->items = NEWN(value *, 3);
    r->items[0] = flag;
    r->items[1] = num;
    return r;
}

/* A number (or tuple of numbers) of v's form that is zero: the number of None lifted to an
 * optional like v. */
static value *zero_like(loc l, const value *v)
{
    if (v->kind == V_TUPLE) {
        value *r = lw_vnew(V_TUPLE, l);
        *r = *v;
        r->items = NEWN(value *, v->n + 1);
        for (int i = 0; i < v->n; i++)
            r->items[i] = zero_like(l, v->items[i]);
        return r;
    }
    ir_expr *z = ir_type_is_float(v->type) ? ir_const_f(l, v->type, 0.0) : ir_const_i(l, v->type, 0);
    value *r = lw_scalar_as(l, z, v);
    r->type = v->type;
    r->s = NULL;
    r->zt = NULL;
    return r;
}

/* A plain scalar (not an int-or-float dynvar) that an optional can hold, or a tuple (not a
 * list, a dict or a complex number) of such (best = (i, v[i])). */
static int opt_number(const value *v)
{
    if (v->kind == V_TUPLE) {
        if (v->is_list || v->keys || v->cplx || v->n == 0 || v->n > 16)
            return 0;
        for (int i = 0; i < v->n; i++)
            if (v->items[i]->kind != V_SCALAR || !opt_number(v->items[i]))
                return 0;
        return 1;
    }
    return v->kind == V_SCALAR && !v->dyn && !v->mixed && !v->zt &&
           (ir_type_is_float(v->type) || ir_type_is_int(v->type) || v->type == T_BOOL);
}
/* An array an optional can hold: a whole array (a name's, a copy, a new one), not a view (a
 * view would have to keep writing through to its base) nor a reshape's copy. */
static int opt_array(const value *v)
{
    return v->kind == V_ARRAY && !v->reshaped && (v->fresh || lw_whole_slot((value *)v));
}
static const value *number_of(const value *v)
{
    return v->kind == V_OPT ? v->items[1] : opt_number(v) || opt_array(v) ? v : NULL;
}
/* Do two numbers (or tuples) have one form: the same types in the same places? */
static int same_number_form(const value *a, const value *b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind == V_SCALAR)
        return a->type == b->type;
    if (a->kind == V_ARRAY) /* one slot holds it: one dtype and rank (shapes: join_shape) */
        return a->type == b->type && a->rank == b->rank;
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (!same_number_form(a->items[i], b->items[i]))
            return 0;
    return 1;
}
static const char *number_desc(const value *v)
{
    if (v->kind == V_ARRAY)
        return arena_printf(&util_arena, "a %d-D %s array", v->rank, ir_type_name(v->type));
    return v->kind == V_TUPLE ? lw_tuple_form((value *)v) : lw_scalar_desc((value *)v);
}

/* The value a binding gives its name (a scalar binding's, as lw_read_name makes it), or NULL. */
value *lw_opt_binding_value(binding *b)
{
    if (!b)
        return NULL;
    if (b->kind == B_VALUE)
        return b->val;
    if (b->kind == B_ARRAY)
        return lw_bound_array(b);
    if (b->kind != B_SCALAR || b->dyn)
        return NULL;
    value *v = lw_scalar((loc){0}, ir_varref((loc){0}, b->var), b->weak);
    v->type = b->var->type;
    v->s = b->s;
    v->wmix = b->wmix;
    v->zt = b->zt;
    return v;
}

/* Do a and b (values a name has on two paths) meet as an optional: None or an optional on one,
 * a number or an optional on the other, not the same value. 1: yes; -1: they would, but their
 * numbers' types differ (*why says how); 0: not an optional at all. */
static int joinable(const value *a, const value *b, const char **why)
{
    if (!a || !b)
        return 0;
    int an = a->kind == V_NONE, bn = b->kind == V_NONE;
    int aok = an || a->kind == V_OPT || opt_number(a) || opt_array(a),
        bok = bn || b->kind == V_OPT || opt_number(b) || opt_array(b);
    if (!aok || !bok || (an && bn) || (a->kind != V_OPT && b->kind != V_OPT && !an && !bn))
        return 0;
    if (a->kind != V_OPT && b->kind != V_OPT && !an && !bn)
        return 0;
    const value *x = number_of(a), *y = number_of(b);
    if (x && y && !same_number_form(x, y)) {
        *why = arena_printf(&util_arena, "%s on one path and %s on another", number_desc(x), number_desc(y));
        return -1;
    }
    return 1;
}

/* v (None, a number or an optional) as an optional whose number is like `like`'s. */
static value *lift(loc l, value *v, const value *like)
{
    if (v->kind == V_OPT)
        return v;
    if (v->kind == V_NONE)
        return opt_new(l, lw_scalar(l, ir_const_i(l, T_BOOL, 0), 1), zero_like(l, like));
    return opt_new(l, lw_scalar(l, ir_const_i(l, T_BOOL, 1), 1), v);
}

/* The two values lifted to optionals of one form (joinable returned 1). */
static void lift_both(loc l, value **a, value **b)
{
    const value *like = number_of(*a) ? number_of(*a) : number_of(*b);
    *a = lift(l, *a, like);
    *b = lift(l, *b, like);
}

static void refuse_types(loc l, const char *name, const char *why)
{
    if (strstr(why, " array"))
        diag_error(l, "'%s' is None on some paths and an array on others, and that is %s: it must keep "
                      "one dtype and number of dimensions", name, why);
    else
        diag_error(l, "'%s' is None on some paths and a number (or tuple of numbers) on others, and "
                  "that is %s: it must keep one type (write 0.0 where it may be a float)", name, why);
}

/* ---- None or an array ------------------------------------------------------------------
 * An optional array (prev = None; ...; prev = u.copy()) is its flag and the name's own array
 * slot (the one `prev = u.copy()` fills): items[1] reads that whole slot. Where it becomes an
 * optional from None, the slot is given an empty array of its dtype and rank (no storage, and
 * every run-time structure that walks slots, checkpoints included, finds an array); nothing
 * reads it while the flag is false (a read proves the flag or checks it). A path where the name
 * is an array puts that array in the slot (a reference, as `prev = u` aliases; a new array is
 * moved there); a path where it is None again only clears the flag (the slot's old array is
 * released when the slot is next bound). Its shape is the arrays' where they agree, unknown
 * (checked when running) where they may differ, and an error where they are known to differ. */

static int is_opt_array(const value *v) { return v && v->kind == V_OPT && v->items[1]->kind == V_ARRAY; }
int lw_is_opt_array(const value *v) { return is_opt_array(v); }

/* The slot of name's optional array of a's dtype and rank. */
static ir_var *own_slot(lctx *c, const char *name, const value *a)
{
    return lw_scope_var(c, name, a->type, a->rank, 1);
}

/* The shape the arrays a and b (either NULL) give the optional: 0 after an error (known to
 * differ). */
static int join_shape(loc l, const char *name, const value *a, const value *b, const sym **sh)
{
    const value *f = a ? a : b;
    for (int d = 0; d < f->rank; d++)
        sh[d] = f->sh[d];
    if (!a || !b)
        return 1;
    for (int d = 0; d < f->rank; d++) {
        int k = lw_sym_cmp(a->sh[d], b->sh[d]);
        if (k == 0) {
            diag_error(l, "'%s' is None on some paths and an array on others, and the array has shape "
                          "%s on one path and %s on another: it must keep one shape", name,
                       lw_shape_str(a->rank, a->sh), lw_shape_str(b->rank, b->sh));
            return 0;
        }
        if (k != 1)
            sh[d] = NULL;
    }
    return 1;
}

/* Array a (an opt_array) in name's own slot, emitted in c->out. */
static void array_in_slot(lctx *c, loc l, const char *name, const value *a)
{
    ir_var *slot = own_slot(c, name, a), *src = lw_whole_slot((value *)a);
    if (a->fresh)
        lw_move_fresh(c, l, slot, a->fresh);
    else if (src != slot)
        lw_emit(c, lw_bind1(l, slot, src));
}

/* An empty array of like's dtype and rank in name's own slot (None becoming an optional). */
static void empty_in_slot(lctx *c, loc l, const char *name, const value *like)
{
    ir_expr *len[IR_MAX_RANK];
    const sym *zs[IR_MAX_RANK];
    for (int d = 0; d < like->rank; d++) {
        len[d] = lw_I64(l, 0);
        zs[d] = sym_const(0);
    }
    value *z = lw_new_array(c, l, like->type, like->rank, len, zs, 1, NULL);
    lw_move_fresh(c, l, own_slot(c, name, like), z->fresh);
}

/* v (None, an array or an optional array) as an optional array whose array is `whole` (the
 * slot's whole value), the statements that put it there emitted in c->out; `other` is the
 * value on the other path (None: an empty array unless it is already in the slot). */
static value *lift_array(lctx *c, loc l, const char *name, value *v, const value *other, value *whole)
{
    ir_var *slot = lw_whole_slot(whole);
    if (v->kind == V_NONE) {
        if (!(is_opt_array(other) && lw_whole_slot(other->items[1]) == slot))
            empty_in_slot(c, l, name, whole);
        return opt_new(l, lw_scalar(l, ir_const_i(l, T_BOOL, 0), 1), whole);
    }
    value *flag = v->kind == V_OPT ? v->items[0] : lw_scalar(l, ir_const_i(l, T_BOOL, 1), 1);
    array_in_slot(c, l, name, v->kind == V_OPT ? v->items[1] : v);
    return opt_new(l, flag, whole);
}

/* The slot's whole value for the optional array a and b (None, arrays or optional arrays)
 * make, or NULL after an error. */
static value *whole_of(lctx *c, loc l, const char *name, const value *a, const value *b)
{
    const value *x = number_of(a), *y = number_of(b);
    const sym *sh[IR_MAX_RANK];
    if (!join_shape(l, name, x, y, sh))
        return NULL;
    return lw_slot_value(l, own_slot(c, name, x ? x : y), sh);
}

/* y = x with x an optional (lw_assign_name): an optional array's array in y's own slot (the
 * same array, as Python's y names x's; x's slot may be a callee's, released after the call),
 * v itself otherwise. */
value *lw_opt_own_array(lctx *c, loc l, const char *name, value *v)
{
    if (!is_opt_array(v))
        return v;
    value *a = v->items[1];
    array_in_slot(c, l, name, a);
    return opt_new(l, v->items[0], lw_slot_value(l, own_slot(c, name, a), (const sym *const *)a->sh));
}

/* The value of name after an if whose branches left a and b: bound in e (the binding after
 * the if); 0 when lw_merge_value cannot join them. */
static int bind_merged(lctx *c, ir_stmt *st, const char *name, binding *e, value *a, value *b)
{
    value *m = lw_merge_value(c, st, name, a, b);
    if (!m)
        return 0;
    e->kind = B_VALUE;
    e->val = m;
    e->dyn = NULL;
    return 1;
}

/* lw_opt_merge for arrays: each branch puts its array in the slot and sets the flag. */
static int merge_arrays(lctx *c, ir_stmt *st, binding *t, binding *e, value *tv, value *ev)
{
    value *whole = whole_of(c, st->l, t->name, tv, ev);
    if (!whole) {
        e->kind = B_VALUE;
        e->val = &lw_ERRV;
        return 1;
    }
    vec *saved = c->out;
    c->out = &st->body;
    value *a = lift_array(c, st->l, t->name, tv, ev, whole);
    c->out = &st->orelse;
    value *b = lift_array(c, st->l, t->name, ev, tv, whole);
    c->out = saved;
    return bind_merged(c, st, t->name, e, a, b);
}

/* merge_branches (lower.c): t and e, the bindings of name after an if's branches, meet as an
 * optional: both branches assign its flag and number (merge_value); 1 when it handled them. */
int lw_opt_merge(lctx *c, ir_stmt *st, binding *t, binding *e)
{
    value *tv = lw_opt_binding_value(t), *ev = lw_opt_binding_value(e);
    const char *why = NULL;
    int j = joinable(tv, ev, &why);
    if (!j)
        return 0;
    if (j < 0) {
        refuse_types(st->l, t->name, why);
        e->kind = B_VALUE;
        e->val = &lw_ERRV;
        return 1;
    }
    if (number_of(tv) ? number_of(tv)->kind == V_ARRAY : number_of(ev)->kind == V_ARRAY)
        return merge_arrays(c, st, t, e, tv, ev);
    lift_both(st->l, &tv, &ev);
    return bind_merged(c, st, t->name, e, tv, ev);
}

/* Is v already in the hidden variables of name (as carry_assign left it: "name.0", "name.1.0")? */
static int in_own_vars(lctx *c, const char *name, const value *v)
{
    if (v->kind == V_SCALAR)
        return v->e->kind == E_VAR && v->e->var == lw_scope_var(c, name, v->type, 0, 0);
    for (int i = 0; i < v->n; i++)
        if (!in_own_vars(c, arena_printf(&util_arena, "%s.%d", name, i), v->items[i]))
            return 0;
    return 1;
}

/* lw_carry_values (lower_carry.c): name is e at a loop's entry and x after one iteration, and they
 * meet as an optional: from the entry on it lives in its hidden variables, set at the end of
 * the body and before each break and continue (lw_opt_carry_next). 1 when it handled it. */
int lw_opt_carry(lctx *c, loc l, const char *name, binding *e, binding *x)
{
    value *ev = lw_opt_binding_value(e), *xv = lw_opt_binding_value(x);
    const char *why = NULL;
    int j = joinable(ev, xv, &why);
    if (!j)
        return 0;
    if (j < 0) {
        refuse_types(l, name, why);
        binding *b = lw_bind(c, name);
        b->kind = B_VALUE;
        b->val = &lw_ERRV;
        return 1;
    }
    if (number_of(ev) ? number_of(ev)->kind == V_ARRAY : number_of(xv)->kind == V_ARRAY) {
        /* from the entry on in the slot: the entry's array there now, the shape both give */
        value *whole = whole_of(c, l, name, ev, xv);
        if (!whole)
            return 1;
        if (is_opt_array(ev) && lw_whole_slot(ev->items[1]) == lw_whole_slot(whole) &&
            lw_value_equal(ev->items[1], whole) &&
            in_own_vars(c, arena_printf(&util_arena, "%s.0", name), ev->items[0]))
            return 1;
        lw_carry_assign(c, l, name, lift_array(c, l, name, ev, xv, whole));
        return 1;
    }
    lift_both(l, &ev, &xv);
    value *w = lw_weak_joined(ev, xv);
    if (w == ev && in_own_vars(c, name, ev))
        return 1;
    lw_carry_assign(c, l, name, w);
    return 1;
}

/* lw_exits_probe (lower_zerotrip.c): can the value x binds at an exit of a loop be carried as
 * an optional with e's at its entry (None or an optional)? */
int lw_opt_carriable(binding *e, binding *x)
{
    value *ev = lw_opt_binding_value(e), *xv = lw_opt_binding_value(x);
    const char *why = NULL;
    return ev && xv && ((ev->kind == V_NONE && xv->kind == V_NONE) || lw_value_equal(ev, xv) ||
                        joinable(ev, xv, &why) == 1);
}

/* lw_emit_carries (lower_carry.c): the next iteration's value of a name carried as an optional (e,
 * its binding at the entry, is one) when x, its binding here, is None, a number or an optional. */
int lw_opt_carry_next(lctx *c, loc l, const char *name, binding *e, binding *x)
{
    value *ev = lw_opt_binding_value(e), *xv = lw_opt_binding_value(x);
    if (!lw_is_opt(ev) || !xv ||
        (xv->kind != V_NONE && xv->kind != V_OPT && !opt_number(xv) && !opt_array(xv)))
        return 0;
    const value *xn = number_of(xv);
    if (is_opt_array(ev) && (!xn || same_number_form(xn, ev->items[1]))) {
        const sym *sh[IR_MAX_RANK];
        if (xn && !join_shape(l, name, ev->items[1], xn, sh))
            return 1;
        value *lx = lift_array(c, l, name, xv, ev, ev->items[1]);
        if (!lw_value_equal(lx, ev))
            lw_carry_assign(c, l, name, lx);
        return 1;
    }
    if (xn && !same_number_form(xn, ev->items[1])) {
        refuse_types(l, name, arena_printf(&util_arena, "%s on one path and %s on another",
                                           number_desc(ev->items[1]), number_desc(xn)));
        return 1;
    }
    value *lx = lift(l, xv, ev->items[1]);
    if (lx == ev || lw_value_equal(lx, ev))
        return 1;
    lw_carry_assign(c, l, name, lx);
    return 1;
}

/* ---- reading an optional -------------------------------------------------------------- */

static const char *py_type(const value *v)
{
    if (v->kind == V_NONE)
        return "NoneType";
    const value *n = number_of(v);
    if (!n)
        return lw_vkind_desc((value *)v);
    if (n->kind == V_TUPLE)
        return "tuple";
    return n->type == T_BOOL ? "bool" : ir_type_is_float(n->type) ? "float" : "int";
}
static ir_expr *absent(loc l, const value *v)
{
    return ir_un(l, OP_LNOT, T_BOOL, v->items[0]->e);
}

/* x is None, x is not None, x == None, x != None with x an optional (either side); NULL when
 * neither side is an optional compared with None. */
value *lw_opt_is_none(loc l, int is, value *left, value *right)
{
    value *o = lw_is_opt(left) ? left : right, *other = o == left ? right : left;
    if (!lw_is_opt(o) || other->kind != V_NONE)
        return NULL;
    return lw_scalar(l, is ? absent(l, o) : o->items[0]->e, 1);
}

/* An optional operand's number, after a check when running that it is one: Python's TypeError
 * (msg, with %s the types of the two operands) otherwise. Both operands optional: either None
 * stops it, named as Python names them. */
static void checked_pair(lctx *c, loc l, const char *fmt, value **x, value **y)
{
    value *a = *x, *b = *y;
    int oa = lw_is_opt(a), ob = lw_is_opt(b);
    const char *ta = py_type(a), *tb = py_type(b);
    if (oa && ob)
        lw_emit_raise(c, l, ir_bin(l, OP_LAND, T_BOOL, absent(l, a), absent(l, b), 1),
                      arena_printf(&util_arena, fmt, "NoneType", "NoneType"));
    if (oa)
        lw_emit_raise(c, l, absent(l, a), arena_printf(&util_arena, fmt, "NoneType", tb));
    if (ob)
        lw_emit_raise(c, l, absent(l, b), arena_printf(&util_arena, fmt, ta, "NoneType"));
    if (oa)
        *x = a->items[1];
    if (ob)
        *y = b->items[1];
}

/* Inside a probe (a loop's passes), None meeting a number stands for the number the name
 * holds on the iterations after the first (best = None; ... if v[i] > best: best = v[i]): the
 * probe goes on to find the name's values, and the real lowering, with the name an optional,
 * checks when running (a None there is refused as before). */
static void probe_none(lctx *c, loc l, value **x, value **y)
{
    if (!c->probing)
        return;
    if ((*x)->kind == V_NONE && number_of(*y))
        *x = zero_like(l, number_of(*y));
    else if ((*y)->kind == V_NONE && number_of(*x))
        *y = zero_like(l, number_of(*x));
}

/* x op y, an arithmetic operator (op its Python spelling, "+", "**") with an optional operand. */
void lw_opt_binop_operands(lctx *c, loc l, const char *op, value **x, value **y)
{
    probe_none(c, l, x, y);
    if (!lw_is_opt(*x) && !lw_is_opt(*y))
        return;
    const char *fmt = strcmp(op, "**") == 0 /* x **= 2: no "or pow()" */
                          ? "TypeError: unsupported operand type(s) for ** or pow(): '%s' and '%s'"
                          : arena_printf(&util_arena, "TypeError: unsupported operand type(s) for %s: '%%s' and '%%s'", op);
    checked_pair(c, l, fmt, x, y);
}

/* x < y (op its spelling) with an optional operand. NumPy's scalars raise their own error when
 * None is on the left of a NumPy number: the reflected operator, the NumPy number first. */
void lw_opt_compare_operands(lctx *c, loc l, const char *op, value **x, value **y)
{
    probe_none(c, l, x, y);
    if (!lw_is_opt(*x) && !lw_is_opt(*y))
        return;
    const value *yn = number_of(*y);
    if (lw_is_opt(*x) && !lw_is_opt(*y) && yn && !yn->weak && !yn->wmix) {
        const char *ref = strcmp(op, "<") == 0 ? ">" : strcmp(op, ">") == 0 ? "<" : strcmp(op, "<=") == 0 ? ">=" : "<=";
        lw_emit_raise(c, l, absent(l, *x),
                      arena_printf(&util_arena, "TypeError: '%s' not supported between instances of '%s' and "
                                                "'NoneType'", ref, py_type(*y)));
        *x = (*x)->items[1];
        return;
    }
    checked_pair(c, l, arena_printf(&util_arena, "TypeError: '%s' not supported between instances of '%%s' and '%%s'", op),
                 x, y);
}

/* x == number, x != number: None equals no number (no error, as Python). */
value *lw_opt_equal(lctx *c, loc l, int ne, value *x, value *y)
{
    value *o = lw_is_opt(x) ? x : y, *other = o == x ? y : x;
    if (is_opt_array(x) || is_opt_array(y)) { /* None == 0.0 is False, an array's == an array */
        diag_error(l, "'%s' of None or an array is not supported: test it with 'is None' first",
                   ne ? "!=" : "==");
        return &lw_ERRV;
    }
    if (!lw_is_opt(o) || lw_is_opt(other) || other->kind != V_SCALAR)
        return NULL;
    value *eq = lw_binop(c, l, ne ? OP_CNE : OP_CEQ, o == x ? o->items[1] : other, o == x ? other : o->items[1]);
    if (eq->kind != V_SCALAR)
        return eq;
    return lw_scalar(l, ne ? ir_bin(l, OP_LOR, T_BOOL, absent(l, o), eq->e, 1)
                           : ir_bin(l, OP_LAND, T_BOOL, o->items[0]->e, eq->e, 1), 1);
}

/* -x, +x, ~x of an optional. */
value *lw_opt_unop_operand(lctx *c, loc l, const char *op, value *x)
{
    if (!lw_is_opt(x))
        return x;
    lw_emit_raise(c, l, absent(l, x), arena_printf(&util_arena, "TypeError: bad operand type for unary %s: "
                                                               "'NoneType'", op));
    return x->items[1];
}

/* An optional array used where None is Python's error msg (a[i] = v, a.sum(), a.shape): its
 * array, after a check when running. Anything else is returned as it is. */
value *lw_opt_array_use(lctx *c, loc l, value *v, const char *msg)
{
    if (!is_opt_array(v))
        return v;
    lw_emit_raise(c, l, absent(l, v), msg);
    return v->items[1];
}

/* x[k] and `a, b = x` of an optional tuple: its tuple, after a check when running
 * (Python's TypeError for None). */
value *lw_opt_item_base(lctx *c, loc l, value *x, int unpack)
{
    if (!lw_is_opt(x))
        return x;
    lw_emit_raise(c, l, absent(l, x), unpack ? "TypeError: cannot unpack non-iterable NoneType object"
                                             : "TypeError: 'NoneType' object is not subscriptable");
    return x->items[1];
}

/* Python's truth of an optional: None is false, a number by its value. */
value *lw_opt_truth(lctx *c, value *v, const char *what)
{
    value *n = lw_truth(c, v->items[1], what);
    if (n->kind != V_SCALAR)
        return n;
    return lw_scalar(v->l, ir_bin(v->l, OP_LAND, T_BOOL, v->items[0]->e, n->e, 1), 1);
}

/* x or y with x an optional and y a number of its type: x's number when x is true, else y. */
value *lw_opt_or_number(value *x)
{
    return lw_is_opt(x) ? x->items[1] : x;
}

/* ---- narrowing: where the flow proves an optional holds a number ------------------------ */

/* The name that cond proves an optional number when it is true (when_true) or false: `x is not
 * None`, `x != None`, `x` (true), `not x is None`; `x is None` (false); `A and B` (true: either);
 * `A or B` (false: either). NULL when none. */
static const char *proved(lctx *c, ast *cond, int when_true)
{
    if (!cond)
        return NULL;
    if (cond->kind == A_UNOP && cond->op == OP_NOT)
        return proved(c, cond->a, !when_true);
    if (cond->kind == A_BOOLOP) {
        if ((cond->op == OP_AND) == when_true) {
            const char *n = proved(c, cond->a, when_true);
            return n ? n : proved(c, cond->b, when_true);
        }
        return NULL;
    }
    const char *n = NULL;
    if (cond->kind == A_NAME && when_true)
        n = cond->name;
    else if (cond->kind == A_COMPARE && cond->args.len == 1) {
        ast *r = VEC_AT(cond->args, 0, ast *);
        int op = cond->cmpops[0];
        ast *nm = cond->a->kind == A_NAME && r->kind == A_NONE ? cond->a
                  : r->kind == A_NAME && cond->a->kind == A_NONE ? r : NULL;
        int isnot = op == OP_ISNOT || op == OP_NE, is = op == OP_IS || op == OP_EQ;
        if (nm && ((isnot && when_true) || (is && !when_true)))
            n = nm->name;
    }
    if (!n)
        return NULL;
    int unbound;
    binding *b = lw_lookup(c, n, &unbound);
    return b && b->kind == B_VALUE && lw_is_opt(b->val) ? n : NULL;
}

/* Bind name, an optional, to its number (its own scalar variable, as an assignment would). */
void lw_opt_narrow_name(lctx *c, loc l, const char *name)
{
    int unbound;
    binding *b = lw_lookup(c, name, &unbound);
    if (!b || b->kind != B_VALUE || !lw_is_opt(b->val))
        return;
    lw_assign_name(c, ast_name(l, name), b->val->items[1]);
}

/* Narrow the optional that cond proves a number when it is when_true; returns its name (NULL:
 * none). */
const char *lw_opt_narrow(lctx *c, loc l, ast *cond, int when_true)
{
    const char *n = proved(c, cond, when_true);
    if (n)
        lw_opt_narrow_name(c, l, n);
    return n;
}

/* ---- what stays refused ---------------------------------------------------------------- */

/* A name bound to None on one path and to an array or tuple on another (prev = None; ...;
 * prev = u.copy()): says what works. 1 when it reported. */
int lw_opt_refuse(loc l, const char *name, const value *a, const value *b, const char *where,
                  const char *other)
{
    if (!a || !b || (a->kind == V_NONE) == (b->kind == V_NONE))
        return 0;
    const value *o = a->kind == V_NONE ? b : a;
    if ((o->kind != V_ARRAY && o->kind != V_TUPLE && o->kind != V_LIST) || opt_number(o))
        return 0;
    if (o->kind == V_ARRAY) { /* not opt_array: a view, which writes through to its base */
        diag_error(l, "'%s' is None %s and a view of an array %s: None or a view chosen at run time "
                      "is not supported (None or a whole array is); bind a copy of the view "
                      "(%s = ....copy())", name, where, other, name);
        return 1;
    }
    diag_error(l, "'%s' is None %s and %s %s: None or %s chosen at run time is not supported "
                  "(None or a number is); give it %s from the start (%s = %s) and keep a flag saying "
                  "whether it is set yet (have_%s = False)", name, where, lw_vkind_desc((value *)o),
               other, lw_vkind_desc((value *)o), lw_vkind_desc((value *)o), name,
               o->kind == V_ARRAY ? "np.zeros(...)" : "[]", name);
    return 1;
}

/* The right operand of `x is None or v > x` (and: `x is not None and ...`), or a branch of a
 * conditional expression: x narrowed for it (when_true: cond is true there), its binding saved
 * in *saved and put back by lw_opt_narrow_end (an expression binds no name). */
const char *lw_opt_narrow_begin(lctx *c, loc l, ast *cond, int when_true, binding *saved)
{
    const char *n = proved(c, cond, when_true);
    if (!n)
        return NULL;
    int unbound;
    *saved = *lw_lookup(c, n, &unbound);
    lw_opt_narrow_name(c, l, n);
    return n;
}
void lw_opt_narrow_end(lctx *c, const char *name, binding *saved)
{
    if (!name)
        return;
    binding *b = lw_bind(c, name);
    b->kind = B_VALUE;
    b->val = saved->val;
    b->dyn = NULL;
}

/* float(x), int(x), abs(x), round(x), math.f(x) with x a name bound to an optional: Python's
 * TypeError when running where x is None, then the built-in of x's number (x narrowed for the
 * call; lw_opt_builtin_end puts the optional back). Other built-ins and NumPy's functions refuse
 * an optional (test it first). */
void lw_opt_builtin_args(lctx *c, value *fn, ast *call, vec *saved)
{
    const char *f = fn->str, *msg = NULL;
    if (fn->self)
        return;
    if (strcmp(f, "float") == 0)
        msg = "TypeError: float() argument must be a string or a real number, not 'NoneType'";
    else if (strcmp(f, "int") == 0)
        msg = "TypeError: int() argument must be a string, a bytes-like object or a real number, not 'NoneType'";
    else if (strcmp(f, "abs") == 0)
        msg = "TypeError: bad operand type for abs(): 'NoneType'";
    else if (strcmp(f, "round") == 0)
        msg = "TypeError: type NoneType doesn't define __round__ method";
    else if (strncmp(f, "math.", 5) == 0)
        msg = "TypeError: must be real number, not NoneType";
    else if (strcmp(f, "len") == 0)
        msg = "TypeError: object of type 'NoneType' has no len()";
    if (!msg)
        return;
    for (int i = 0; i < call->args.len; i++) {
        ast *a = VEC_AT(call->args, i, ast *);
        int unbound;
        binding *b = a->kind == A_NAME ? lw_lookup(c, a->name, &unbound) : NULL;
        if (!b || b->kind != B_VALUE || !lw_is_opt(b->val) || lw_name_in(saved, a->name))
            continue;
        lw_emit_raise(c, a->l, absent(a->l, b->val), msg);
        binding *keep = NEW(binding);
        *keep = *b;
        vec_push(saved, (void *)a->name);
        vec_push(saved, keep);
        lw_opt_narrow_name(c, a->l, a->name);
    }
}
void lw_opt_builtin_end(lctx *c, vec *saved)
{
    for (int i = 0; i + 1 < saved->len; i += 2)
        lw_opt_narrow_end(c, VEC_AT(*saved, i, const char *), VEC_AT(*saved, i + 1, binding *));
}
