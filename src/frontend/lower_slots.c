/* lower_slots.c: array slots and the names that share their arrays: a fresh array moved into a
 * named slot (lw_move_fresh), values compared (lw_value_equal) and moved from one slot to
 * another (lw_value_retarget), views that keep the array their slot held when it takes another
 * (lw_keep_views), and binds (S_BIND: dst takes src's array) with the classes of slots they make
 * share an array.
 * Requires: the scopes and their variables (lower_scope.c). Establishes: a view bound to a name
 * reads the array it was made of, whatever its slot holds later. */

#include "lower_internal.h"

#include <string.h>

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
void lw_move_fresh(lctx *c, loc l, ir_var *slot, ir_var *tmp)
{
    int at = -1;
    for (int i = c->out->len - 1; i >= 0; i--) {
        ir_stmt *s = VEC_AT(*c->out, i, ir_stmt *);
        if (s->kind == S_ALLOC && s->var == tmp) {
            at = i;
            break;
        }
    }
    /* views of the array the slot holds keep it (lw_keep_views), so the new array cannot be
     * allocated into the slot before they took it */
    int clean = at >= 0 && !lw_keep_views(c, l, slot, c->assigning);
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
    ir_stmt *b = lw_bind1(l, slot, tmp);
    b->move = 1;
    lw_emit(c, b);
}
int lw_is_ephemeral(lctx *c, ir_var *slot)
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

/* Do a and b stand for the same value at run time whatever the path taken? (Constants equal,
 * the same variables, views of the same slot with the same offsets, the same function.) */
int lw_value_equal(value *a, value *b)
{
    if (a == b)
        return 1;
    if (!a || !b || a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case V_NONE: return 1;
    case V_SCALAR: return a->type == b->type && a->dyn == b->dyn && ir_expr_equal(a->e, b->e);
    case V_ARRAY:
        return !a->fresh && !b->fresh && a->type == b->type && a->rank == b->rank && ir_expr_equal(a->e, b->e);
    case V_TUPLE:
    case V_SLICE:
    case V_OPT:
        if (a->n != b->n || !a->keys != !b->keys)
            return 0;
        for (int i = 0; a->keys && i < a->n; i++)
            if (!lw_value_equal(a->keys[i], b->keys[i]))
                return 0;
        for (int i = 0; i < a->n; i++)
            if (!lw_value_equal(a->items[i], b->items[i]))
                return 0;
        return 1;
    case V_STR:
    case V_MODULE: return strcmp(a->str, b->str) == 0;
    case V_FUNC:
    case V_LAMBDA:
        return a->def == b->def && a->defscope == b->defscope &&
               (a->self == b->self || (a->self && b->self && lw_value_equal(a->self, b->self)));
    case V_CLASS: return a->def == b->def;
    case V_OBJECT: return a->def == b->def && a->n == b->n;
    case V_DTYPE: return a->type == b->type;
    case V_BUILTIN: return strcmp(a->str, b->str) == 0 && lw_value_equal(a->self, b->self);
    case V_RNG: return a->n == b->n;
    case V_LIST: return a->lbuf == b->lbuf && a->lcnt == b->lcnt && a->lcap == b->lcap;
    default: return 0;
    }
}

static int refs_slot(ir_expr *e, ir_var *s)
{
    if (!e)
        return 0;
    if (e->kind == E_READ)
        for (int d = 0; d < e->view->rank; d++)
            if (refs_slot(e->view->dim[d].step, s) || refs_slot(e->view->dim[d].wrap, s))
                return 1;
    return expr_refs(e, s);
}
static ir_expr *expr_copy(ir_expr *e)
{
    if (!e)
        return NULL;
    ir_expr *r = NEW(ir_expr);
    *r = *e;
    r->a = expr_copy(e->a);
    r->b = expr_copy(e->b);
    r->cc = expr_copy(e->cc);
    if (e->nargs) {
        r->args = NEWN(ir_expr *, e->nargs);
        for (int i = 0; i < e->nargs; i++)
            r->args[i] = expr_copy(e->args[i]);
    }
    if (e->view) {
        r->view = ir_view_clone(e->view);
        for (int d = 0; d < e->view->rank; d++) {
            ir_dim *x = &r->view->dim[d];
            x->lo = expr_copy(x->lo);
            x->step = expr_copy(x->step);
            x->len = expr_copy(x->len);
            x->wrap = expr_copy(x->wrap);
        }
    }
    return r;
}

/* v with every reference to slot `from` made to `to` (a new value when it had any). */
value *lw_value_retarget(value *v, ir_var *from, ir_var *to, int *changed)
{
    if (!v)
        return v;
    if (v->kind == V_ARRAY && !v->fresh && refs_slot(v->e, from)) {
        value *r = lw_vnew(V_ARRAY, v->l);
        *r = *v;
        r->e = expr_copy(v->e);
        ir_rename_slot(r->e, from, to);
        for (int d = 0; d < v->rank; d++)
            if (v->len[d]) {
                r->len[d] = expr_copy(v->len[d]);
                ir_rename_slot(r->len[d], from, to);
            }
        *changed = 1;
        return r;
    }
    if (v->kind == V_TUPLE) {
        value **items = NEWN(value *, v->n + 1);
        int any = 0;
        for (int i = 0; i < v->n; i++)
            items[i] = lw_value_retarget(v->items[i], from, to, &any);
        if (!any)
            return v;
        value *r = lw_vnew(V_TUPLE, v->l);
        *r = *v;
        r->items = items;
        *changed = 1;
        return r;
    }
    return v;
}

/* Slot `slot` is about to hold another array. A name bound to a view of the array it holds now
 * (inner = w[1:-1]) must keep that array, as in NumPy, not follow the slot: the array is bound
 * to a hidden slot ("inner.base") first and the view made a view of it. `except` (the name
 * being assigned, or NULL) is left alone. Returns 1 when a binding was kept this way. */
int lw_keep_views(lctx *c, loc l, ir_var *slot, const char *except)
{
    int kept = 0;
    for (scope *sc = c->sc; sc; sc = sc->parent)
        for (int i = 0; i < sc->binds.len; i++) {
            binding *b = VEC_AT(sc->binds, i, binding *);
            /* a tuple's items that read the hidden names holding them (pin_items) follow them:
             * a store into the list rebinds those on purpose */
            if (b->kind != B_VALUE)
                continue;
            size_t bl = strlen(b->name);
            if ((except && strcmp(b->name, except) == 0) ||
                (b->val->kind == V_TUPLE && strncmp(slot->pyname, b->name, bl) == 0 &&
                 slot->pyname[bl] == '.') ||
                lw_find_in(sc, b->name) != b)
                continue;
            int probe = 0;
            lw_value_retarget(b->val, slot, slot, &probe);
            if (!probe)
                continue;
            ir_var *h = lw_hidden_slot(c, sc, arena_printf(&util_arena, "%s.base", b->name), slot->type,
                                       slot->rank);
            if (h == slot)
                continue;
            lw_emit(c, lw_bind1(l, h, slot));
            int changed = 0;
            b->val = lw_value_retarget(b->val, slot, h, &changed);
            kept = 1;
        }
    return kept;
}

/* Every pair of slots an S_BIND has made share an array, ever, in the program lowered so far
 * (dst, src, dst, src, ...): lower_reshape.c's test of a name that alone holds its array. */
static vec bind_pairs;

void lw_note_bind(ir_var *dst, ir_var *src)
{
    vec_push(&bind_pairs, dst);
    vec_push(&bind_pairs, src);
}

/* The slots that may share slot's array through binds made so far (slot first), into out. */
void lw_bind_class(ir_var *slot, vec *out)
{
    vec_push(out, slot);
    for (int grew = 1; grew;) {
        grew = 0;
        for (int i = 0; i + 1 < bind_pairs.len; i += 2)
            for (int k = 0; k < 2; k++) {
                void *a = bind_pairs.items[i + k], *b = bind_pairs.items[i + 1 - k];
                int has_a = 0, has_b = 0;
                for (int j = 0; j < out->len; j++) {
                    has_a |= out->items[j] == a;
                    has_b |= out->items[j] == b;
                }
                if (has_a && !has_b) {
                    vec_push(out, b);
                    grew = 1;
                }
            }
    }
}

/* dst = src for arrays: dst takes the array src holds (a reference, no copy). */
ir_stmt *lw_bind1(loc l, ir_var *dst, ir_var *src)
{
    lw_note_bind(dst, src);
    ir_stmt *s = ir_stmt_new(S_BIND, l);
    s->n = 1;
    s->dst = NEWN(ir_var *, 1);
    s->srcs = NEWN(ir_var *, 1);
    s->dst[0] = dst;
    s->srcs[0] = src;
    return s;
}

/* Slot `slot` takes the array `src` holds; names bound to views of its array keep that array
 * (lw_keep_views; `except` is left alone). */
void lw_rebind_slot(lctx *c, loc l, ir_var *slot, ir_var *src, const char *except)
{
    lw_keep_views(c, l, slot, except);
    lw_emit(c, lw_bind1(l, slot, src));
}

/* `name` bound to the whole array in `slot`, of v's shape. */
void lw_bind_array(lctx *c, const char *name, ir_var *slot, const value *v)
{
    lw_reshape_bind_check(c, v, name);
    lw_recursion_note_slot(slot, v);
    binding *b = lw_bind(c, name);
    b->kind = B_ARRAY;
    b->var = slot;
    for (int d = 0; d < v->rank; d++)
        b->sh[d] = v->sh[d];
}

/* A new module: the pairs live in the arena, freed between programs (the fuzzer). */
void lw_slots_reset(void) { bind_pairs = (vec){0}; }
