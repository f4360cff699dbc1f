/* lower.c: syntax tree -> stencil IR (names, types, shapes, inlining). See lower.h.
 *
 * The lowering is an abstract interpreter over the module: it walks statements in order with an
 * environment mapping Python names to what they hold at that point:
 *   - a scalar variable (an ir_var, its type and, for ints, a symbolic value when static);
 *   - an array slot (an ir_var holding a tyl_array*, with the static shape of its array);
 *   - any other value (views of arrays, tuples, functions, strings, dtypes, modules).
 * Array expressions are built lazily as elementwise trees and become sweeps when assigned.
 * Functions are inlined at each call. Loops are lowered once, after a type inference that
 * finds which scalar names change type in the body (a fixed point: see loop_pass; those that are
 * an int on one path and a float on another keep Python's type through a tag: dynvar).
 *
 * This file: the driver (lower_module), parameters, statements (if and the merge of its branches,
 * assert, raise, imports). Assignments and stores are in lower_assign.c; the forms of for and
 * while statements in lower_for.c, the type inference of loop bodies in lower_loops.c, the values
 * loops carry in lower_carry.c. The rest is split by responsibility (lower_internal.h lists the files and what they
 * share). */

#include "lower_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The value of a name bound to tuples (or slice objects) of the same form on the two branches
 * of an if: the numbers that differ become variables of hidden names ("t.0"), assigned at the
 * end of each branch; NULL when anything else differs. */
/* Does an IR branch leave the loop around it (a break or continue, in nested ifs too) other
 * than by its last statement? A string merged at the end of such a branch would not be set on
 * the path that leaves (lw_str_merge sets it before a last break or continue). */
static int ir_leaves(vec *stmts, int last_ok)
{
    for (int i = 0; i < stmts->len; i++) {
        ir_stmt *s = VEC_AT(*stmts, i, ir_stmt *);
        if ((s->kind == S_BREAK || s->kind == S_CONTINUE) && !(last_ok && i == stmts->len - 1))
            return 1;
        if (s->kind == S_IF && (ir_leaves(&s->body, 0) || ir_leaves(&s->orelse, 0)))
            return 1;
    }
    return 0;
}

static value *merge_value(lctx *c, ir_stmt *st, const char *name, value *t, value *e, int top)
{
    if (lw_value_equal(t, e))
        return e;
    if (t->kind == V_SCALAR && e->kind == V_SCALAR) {
        if (t->type != e->type || t->dyn || e->dyn)
            return NULL;
        ir_var *var = lw_scope_var(c, name, t->type, 0, 0);
        for (int k = 0; k < 2; k++) {
            ir_expr *src = k ? e->e : t->e;
            if (src->kind == E_VAR && src->var == var) /* that branch has it there already */
                continue;
            ir_stmt *a = ir_stmt_new(S_ASSIGN, st->l);
            a->var = var;
            a->e = src;
            vec_push(k ? &st->orelse : &st->body, a);
        }
        value *r = lw_scalar_join(st->l, ir_varref(st->l, var), t, e);
        r->type = t->type;
        return r;
    }
    if (((t->kind == V_FSTR && (e->kind == V_STR || e->kind == V_FSTR)) || (e->kind == V_FSTR && t->kind == V_STR) ||
          (top && !c->runloops && t->kind == V_STR && e->kind == V_STR)) &&
        !ir_leaves(&st->body, 1) && !ir_leaves(&st->orelse, 1))
        return lw_str_merge(c, st, t, e); /* a run-time string (two constants: status = "still") */
    if ((t->kind != V_TUPLE && t->kind != V_SLICE && t->kind != V_OPT) || t->kind != e->kind || t->n != e->n)
        return NULL;
    value *r = lw_vnew(t->kind, t->l);
    *r = *t;
    r->items = NEWN(value *, t->n + 1);
    for (int i = 0; i < t->n; i++) {
        if (t->kind == V_SLICE && (t->items[i]->kind == V_NONE) != (e->items[i]->kind == V_NONE))
            return NULL;
        r->items[i] = merge_value(c, st, arena_printf(&util_arena, "%s.%d", name, i), t->items[i],
                                  e->items[i], 0);
        if (!r->items[i])
            return NULL;
    }
    return r;
}

/* A view that one branch kept on its array (lw_keep_views: its base was rebound there) and
 * the other left on the base's slot: the other branch (other) keeps it the same way. With
 * other NULL, only says whether kept is such a view. */
static int kept_on_one_branch(lctx *c, ir_stmt *st, const char *name, value *kept, value *plain,
                              vec *other)
{
    (void)c;
    if (kept->kind != V_ARRAY || plain->kind != V_ARRAY || kept->e->kind != E_READ ||
        plain->e->kind != E_READ)
        return 0;
    ir_var *h = kept->e->view->arr, *s = plain->e->view->arr;
    if (h == s || strcmp(h->pyname, arena_printf(&util_arena, "%s.base", name)) != 0)
        return 0;
    int changed = 0;
    if (!lw_value_equal(lw_value_retarget(plain, s, h, &changed), kept))
        return 0;
    if (other) {
        vec_push(other, lw_bind1(st->l, h, s));
    }
    return 1;
}

/* Is one of two view bindings the other kept on its array (kept_on_one_branch)? */
static int kept_either(lctx *c, ir_stmt *st, binding *t, binding *e)
{
    return t->kind == B_VALUE && e->kind == B_VALUE &&
           (kept_on_one_branch(c, st, t->name, t->val, e->val, NULL) ||
            kept_on_one_branch(c, st, t->name, e->val, t->val, NULL));
}

/* After an if's branches (st->body lowered with then_binds as result, st->orelse with the
 * current bindings): a name must have the same kind, type and shape after both, except a
 * scalar that is an int after one and a float after the other, which keeps both (dynvar). */
static void merge_branches(lctx *c, ir_stmt *st, vec then_binds)
{
    loc l = st->l;
    const char *w = c->merging ? c->merging : "'if'"; /* the construct whose branches these are */
    for (int i = 0; i < then_binds.len; i++) {
        binding *t = VEC_AT(then_binds, i, binding *);
        binding *e = lw_find_in(c->sc, t->name);
        if (!e) {
            binding *nb = lw_bind(c, t->name);
            *nb = *t;
            continue;
        }
        if (t->kind == B_SCALAR && e->kind == B_SCALAR && t->var != e->var && lw_dyn_joins(t) && lw_dyn_joins(e)) {
            dynvar *d = t->dyn ? t->dyn : e->dyn ? e->dyn : lw_dyn_get(c, t->name);
            lw_dyn_convert(c, &st->body, l, d, t);
            lw_dyn_convert(c, &st->orelse, l, d, e);
            lw_dyn_bind(c, d, t->weak && e->weak);
            continue;
        }
        if (lw_opt_merge(c, st, t, e)) /* None on one branch, a number on the other */
            continue;
        if ((t->kind == B_VALUE || e->kind == B_VALUE) && lw_bound_array(t) && lw_bound_array(e) &&
            (t->kind != B_VALUE || t->val->kind == V_ARRAY) && (e->kind != B_VALUE || e->val->kind == V_ARRAY) &&
            !lw_value_equal(lw_bound_array(t), lw_bound_array(e)) && !kept_either(c, st, t, e) &&
            lw_carriable_view(t, e)) {
            /* two views (or a view and an array): the name views its own slot with run-time
             * bounds, set on each branch (lw_carry_view) */
            value *tv = lw_bound_array(t), *ev = lw_bound_array(e);
            const sym *sh[IR_MAX_RANK];
            for (int d = 0; d < tv->rank; d++)
                sh[d] = lw_sym_cmp(tv->sh[d], ev->sh[d]) == 1 ? tv->sh[d] : NULL;
            vec *saved = c->out;
            c->out = &st->body;
            lw_carry_view(c, l, t->name, tv, sh);
            c->out = &st->orelse;
            lw_carry_view(c, l, t->name, ev, sh);
            c->out = saved;
            continue;
        }
        if (t->kind != e->kind || (t->kind != B_VALUE && t->var != e->var)) {
            if (lw_return_mismatch(l, t, e))
                ;
            else if (lw_opt_refuse(l, t->name, lw_bound_array(t), lw_bound_array(e),
                                   arena_printf(&util_arena, "after one branch of this %s", w), "after the other"))
                ; /* ref = None; if ...: ref = u.copy(): lower_optional.c says what works */
            else if (t->kind == B_SCALAR && e->kind == B_SCALAR)
                diag_error(l, "variable '%s' is %s after one branch of this %s and %s after the "
                              "other; give it one type", t->name, ir_type_name(t->var->type), w,
                           ir_type_name(e->var->type));
            else if (c->exhausted || (t->kind == B_VALUE && t->val->kind == V_ERR) ||
                     (e->kind == B_VALUE && e->val->kind == V_ERR))
                ; /* reported where the error value was made */
            else
                diag_error(l, "'%s' refers to different kinds of values after the branches of this %s",
                           t->name, w);
            continue;
        }
        if (t->kind == B_SCALAR) {
            if (!sym_equal(t->s, e->s))
                e->s = NULL;
            e->wmix = (e->wmix || t->wmix || e->weak != t->weak) && !(e->weak && t->weak);
            e->weak = e->weak && t->weak;
        } else if (t->kind == B_ARRAY) {
            for (int d = 0; d < t->var->rank; d++)
                if (lw_sym_cmp(t->sh[d], e->sh[d]) == 0) {
                    if (!lw_return_mismatch(l, t, e))
                        diag_error(l, "array '%s' has shape %s after one branch of this %s and %s after "
                                  "the other", t->name, lw_shape_str(t->var->rank, t->sh), w,
                               lw_shape_str(e->var->rank, e->sh));
                    break;
                } else if (!sym_equal(t->sh[d], e->sh[d]))
                    e->sh[d] = NULL;
        } else if (lw_is_poison(t->val) || lw_is_poison(e->val)) {
            e->val = lw_is_poison(t->val) ? t->val : e->val; /* the entry value may flow on */
        } else if (lw_is_ambiguous(t->val) || lw_is_ambiguous(e->val)) {
            e->val = lw_is_ambiguous(t->val) ? t->val : e->val; /* still chosen at run time */
            if (!lw_name_in(&c->split, t->name))
                vec_push(&c->split, (void *)t->name);
        } else if (lw_value_equal(t->val, e->val) || t->val->kind == V_ERR || e->val->kind == V_ERR) {
            ;
        } else if (kept_on_one_branch(c, st, t->name, t->val, e->val, &st->orelse) ||
                   kept_on_one_branch(c, st, t->name, e->val, t->val, &st->body)) {
            e->val = kept_on_one_branch(c, st, t->name, t->val, e->val, NULL) ? t->val : e->val;
        } else if ((t->val->kind == V_ARRAY || e->val->kind == V_ARRAY) && lw_return_mismatch(l, t, e)) {
            ;
        } else if (t->val->kind == V_ARRAY || e->val->kind == V_ARRAY) {
            diag_error(l, "'%s' refers to different array views after the branches of this %s; "
                          "bind it with .copy()", t->name, w);
        } else {
            value *m = merge_value(c, st, t->name, t->val, e->val, 1);
            if (m) {
                /* two strings known when compiling: the statements after the if are lowered in
                 * each branch where they can be (split_if), each with its string known; where
                 * they cannot (a loop's body), the string is chosen at run time */
                if (t->val->kind == V_STR && e->val->kind == V_STR && !lw_name_in(&c->split, t->name))
                    vec_push(&c->split, (void *)t->name);
                e->val = m;
                continue;
            }
            if (lw_return_mismatch(l, t, e)) {
                e->val = &lw_ERRV;
                continue;
            }
            const char *what = lw_vkind_desc(t->val), *msg;
            if (t->val->kind != e->val->kind)
                msg = arena_printf(&util_arena, "is bound to %s on one branch of the %s at line %d "
                                                "and to %s on the other; a name whose kind of value is "
                                                "chosen at run time is not supported",
                                   what, w, l.line, lw_vkind_desc(e->val));
            else if (t->val->kind == V_TUPLE && !t->val->is_list == !e->val->is_list && lw_tuple_form(t->val) &&
                     lw_tuple_form(e->val) && strcmp(lw_tuple_form(t->val), lw_tuple_form(e->val)) != 0) {
                const char *k = t->val->is_list ? "list" : "tuple"; /* its form says what differs */
                msg = arena_printf(&util_arena, "is bound to a %s %s on one branch of the %s at line %d and "
                                                "to a %s %s on the other; a %s whose length or items' "
                                                "types (int, float, ...) are chosen at run time is not "
                                                "supported (only the values of its numbers may differ)",
                                   k, lw_tuple_form(t->val), w, l.line, k, lw_tuple_form(e->val), k);
            }
            else if (t->val->kind == V_OBJECT)
                msg = arena_printf(&util_arena, "is bound to different objects on the two branches of the "
                                                "%s at line %d; an object chosen at run time is not "
                                                "supported (make both, or set the attributes that differ "
                                                "in each branch)", w, l.line);
            else
                msg = arena_printf(&util_arena, "is bound to different %ss on the two branches of the "
                                                "%s at line %d; %s chosen at run time is not "
                                                "supported%s", what + (what[1] == 'n' ? 3 : 2), w, l.line,
                                   what,
                                   t->val->kind == V_TUPLE ? " (only items that are numbers may differ)"
                                   : t->val->kind == V_FUNC || t->val->kind == V_LAMBDA
                                       ? "; call each function in its branch"
                                       : "");
            e->val = lw_ambiguous_new(l, msg, w);
            vec_push(&c->split, (void *)t->name);
        }
    }
}
void lw_merge_branches(lctx *c, ir_stmt *st, vec then_binds) { merge_branches(c, st, then_binds); }
value *lw_merge_value(lctx *c, ir_stmt *st, const char *name, value *t, value *e)
{
    return merge_value(c, st, name, t, e, 0);
}
static void lower_if(lctx *c, ast *s)
{
    value *cv = lw_truth(c, lw_expr(c, s->a), "an if condition");
    if (cv->kind == V_ERR)
        return;
    int64_t k;
    if (ir_expr_const_int(cv->e, &k) || lw_recursion_guard(c, s->a, &s->body, &s->orelse, cv, &k)) {
        lw_block(c, k == INT64_MIN ? &(vec){0} : k ? &s->body : &s->orelse); /* none after an error */
        return;
    }
    ir_stmt *st = ir_stmt_new(S_IF, s->l);
    st->e = cv->e;
    snapshot entry = lw_snap_take(c);
    /* in a function, the branches may also bind module names (globals, objects' attributes):
     * those are restored and merged the same way */
    scope *fsc = c->sc, *m = c->module;
    int inner = fsc != m && m;
    vec mptrs = {0}, mentry = {0}, mthen = {0};
    if (inner)
        lw_module_save(c, &mptrs, &mentry);
    vec *saved = c->out;
    c->out = &st->body;
    c->branches++; /* an object's attribute first set here may be missing after (lower_class.c) */
    lw_opt_narrow(c, s->l, s->a, 1); /* if x is not None: x is a number here (lower_optional.c) */
    lw_block(c, &s->body);
    vec then_binds = c->sc->binds;
    lw_snap_restore_binds(c, &entry);
    if (inner) { /* the then-branch's module bindings, copied, then the entry's in place */
        vec ignored = {0};
        lw_module_save(c, &ignored, &mthen);
        lw_module_restore(c, &mptrs, &mentry);
    }
    c->out = &st->orelse;
    lw_opt_narrow(c, s->l, s->a, 0);
    lw_block(c, &s->orelse);
    c->branches--;
    c->out = saved;
    c->split.len = 0;
    merge_branches(c, st, then_binds);
    if (inner && c->sc == fsc) {
        c->sc = m;
        merge_branches(c, st, mthen);
        c->sc = fsc;
    }
    lw_emit(c, st);
}
/* ---- assert and raise: run-time checks ending the program with Python's message ----------- */

void lw_emit_raise(lctx *c, loc l, ir_expr *cond, const char *msg)
{
    ir_stmt *r = ir_stmt_new(S_RAISE, l);
    r->e = cond;
    r->str = msg;
    lw_emit(c, r);
}

/* A string literal message, or NULL (after a diagnostic) for anything else; a string computed
 * at run time (f"step {n}") is set in *rt, "" returned. */
static const char *raise_message(lctx *c, ast *a, const char *what, value **rt)
{
    value *m = lw_expr(c, a);
    if (m->kind == V_STR)
        return m->str;
    if (m->kind == V_FSTR) {
        *rt = m;
        return "";
    }
    if (m->kind != V_ERR)
        diag_error(a->l, "%s messages must be string literals here (not %s)", what, lw_vkind_desc(m));
    return NULL;
}

/* assert test[, "msg"]: AssertionError[: msg] when test is false. */
static void lower_assert(lctx *c, ast *s)
{
    value *t = lw_truth(c, lw_expr(c, s->a), "an assert");
    const char *msg = "AssertionError";
    value *rt = NULL;
    int64_t k;
    if (t->kind == V_SCALAR && ir_expr_const_int(t->e, &k) && k)
        return; /* the message is evaluated only when the assert fails: never */
    if (s->b) {
        /* only when it fails: the message's calls and draws under an if (lower_order.c) */
        int skip = t->kind == V_SCALAR && t->e->kind != E_CONST;
        lw_skip sk;
        if (skip)
            lw_skip_begin(c, &sk, s->l, ir_un(s->l, OP_LNOT, T_BOOL, t->e), "assert");
        const char *m = raise_message(c, s->b, "assert", &rt);
        if (skip)
            lw_skip_end(c, &sk);
        if (!m)
            return;
        msg = arena_printf(&util_arena, "AssertionError: %s", m);
    }
    if (t->kind == V_ERR)
        return;
    if (rt)
        lw_emit_raise_str(c, s->l, ir_un(s->l, OP_LNOT, T_BOOL, t->e), msg, rt);
    else
        lw_emit_raise(c, s->l, ir_un(s->l, OP_LNOT, T_BOOL, t->e), msg);
    lw_opt_narrow(c, s->l, s->a, 1); /* assert x is not None: a number from here (lower_optional.c) */
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
    if ((callee->kind == A_NAME || callee->kind == A_ATTR) && strcmp(callee->name, "LinAlgError") == 0)
        name = "numpy.linalg.LinAlgError"; /* np.linalg.LinAlgError, and lower_linalg.c's prelude */
    if (name && strcmp(name, "SystemExit") == 0) { /* raise SystemExit(arg): sys.exit(arg) */
        if (e->kind == A_CALL && (e->args.len > 1 || e->kwargs.len)) {
            diag_error(e->l, "SystemExit() here takes one argument or none");
            return;
        }
        lw_sys_exit(c, s->l, e->kind == A_CALL && e->args.len ? lw_expr(c, VEC_AT(e->args, 0, ast *)) : NULL);
        return;
    }
    int known = 0;
    for (const char **x = excs; name && *x; x++)
        known |= strcmp(*x, name) == 0;
    known |= name && strcmp(name, "numpy.linalg.LinAlgError") == 0;
    if (!known) {
        diag_error(e->l, "raise is supported with Python's built-in exceptions (ValueError(\"...\"), "
                         "RuntimeError(...), ...), not this");
        return;
    }
    const char *msg = name;
    value *rt = NULL;
    if (e->kind == A_CALL) {
        if (e->args.len > 1 || e->kwargs.len) {
            diag_error(e->l, "%s() here takes one string literal", name);
            return;
        }
        if (e->args.len == 1) {
            const char *m = raise_message(c, VEC_AT(e->args, 0, ast *), "exception", &rt);
            if (!m)
                return;
            msg = arena_printf(&util_arena, "%s: %s", name, m);
        }
    }
    if (rt)
        lw_emit_raise_str(c, s->l, ir_const_i(s->l, T_BOOL, 1), msg, rt);
    else
        lw_emit_raise(c, s->l, ir_const_i(s->l, T_BOOL, 1), msg);
}

/* from numpy|numpy.random|numpy.linalg|numpy.fft|math|time import a, b as c: each name bound to the
 * module's attribute. */
/* What to write instead of a module's names that programs of the judged kinds import. */
static void import_hint(ast *s)
{
    if (strcmp(s->name, "collections") == 0)
        diag_note((loc){0}, "of collections, deque is supported (as a list: append, pop, popleft, len)");
}

static int numpy_submodule(const char *name)
{
    return !strcmp(name, "numpy.random") || !strcmp(name, "numpy.linalg") || !strcmp(name, "numpy.fft");
}

static void lower_from_import(lctx *c, ast *s)
{
    if (lw_is_plot_module(s->name)) {
        lw_plot_import(c, s);
        return;
    }
    if (strcmp(s->name, "numba") == 0 || strncmp(s->name, "numba.", 6) == 0) {
        lw_numba_import(c, s);
        return;
    }
    if (lw_is_dataclass_module(s->name)) {
        lw_dataclass_import(c, s);
        return;
    }
    if (lw_is_sysos_module(s->name)) {
        lw_sysos_import(c, s);
        return;
    }
    if (lw_is_pyrandom_module(s->name)) {
        lw_pyrandom_import(c, s);
        return;
    }
    if (strcmp(s->name, "collections") == 0 && lw_deque_import(c, s))
        return;
    int sub = numpy_submodule(s->name);
    if (strcmp(s->name, "numpy") != 0 && strcmp(s->name, "math") != 0 && strcmp(s->name, "time") != 0 &&
        !sub) {
        diag_error(s->l, "only numpy, math, random, time, sys, os and typing can be imported in a stencil program ('%s' is "
                         "not available)", s->name);
        import_hint(s);
        return;
    }
    value *mod = lw_vnew(V_MODULE, s->l);
    mod->str = s->name;
    if (sub) { /* from numpy.random import rand: rand is np.random.rand */
        for (int i = 0; i < s->args.len; i++) {
            ast *n = VEC_AT(s->args, i, ast *);
            if (strcmp(n->name, "*") == 0) {
                diag_error(n->l, "'from %s import *' is not supported; import the names the program uses",
                           s->name);
                return;
            }
            ast *attr = ast_new(A_ATTR, n->l);
            attr->a = ast_name(n->l, s->name); /* a message shows the name alone */
            attr->name = n->name;
            value *v = lw_numpy_attr(c, mod, attr);
            binding *b = lw_bind(c, n->str ? n->str : n->name);
            b->kind = B_VALUE;
            b->val = v;
        }
        return;
    }
    for (int i = 0; i < s->args.len; i++) {
        ast *n = VEC_AT(s->args, i, ast *);
        if (strcmp(n->name, "*") == 0) {
            if (strcmp(s->name, "numpy") != 0) {
                diag_error(n->l, "'from %s import *' is not supported; import the names the program uses",
                           s->name);
                return;
            }
            /* every NumPy name a later lookup does not find (lw_read_name): np.sum shadows sum */
            binding *b = lw_bind(c, "numpy.*");
            b->kind = B_VALUE;
            b->val = mod;
            continue;
        }
        ast *attr = ast_new(A_ATTR, n->l);
        attr->a = NULL;
        attr->name = n->name;
        value *v = strcmp(s->name, "numpy") == 0 ? lw_numpy_attr(c, mod, attr) : lw_pymodule_attr(mod, attr);
        binding *b = lw_bind(c, n->str ? n->str : n->name);
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
    lw_assigned_names(&one, &names);
    if (s->kind == A_OTHER_STMT) {
        lw_assigned_names(&s->body, &names);
        if (s->name && !lw_name_in(&names, s->name))
            vec_push(&names, (void *)s->name);
    }
    if (s->kind == A_FROM_IMPORT)
        for (int i = 0; i < s->args.len; i++) {
            ast *n = VEC_AT(s->args, i, ast *);
            const char *bound = n->str ? n->str : n->name;
            if (n->kind == A_NAME && strcmp(bound, "*") != 0 && !lw_name_in(&names, bound))
                vec_push(&names, (void *)bound);
        }
    for (int i = 0; i < names.len; i++) {
        const char *n = VEC_AT(names, i, const char *);
        int unbound;
        if (lw_lookup(c, n, &unbound))
            continue;
        binding *b = lw_bind(c, n);
        b->kind = B_VALUE;
        b->val = &lw_ERRV;
    }
}

/* ---- statements that read a name of changing type ----
 * A print, or an assignment of a scalar value, that reads a dynvar name of this scope is
 * lowered twice under an if on its tag, with the name a plain float in one branch and a plain
 * int in the other, so the value printed or computed has Python's type and exact value on each
 * path; merge_branches joins what the branches assign. Elsewhere (array expressions,
 * conditions, indices) the name reads as its value converted to float. */
static const char *dyn_name_in(lctx *c, ast *a)
{
    if (!a || a->kind == A_LAMBDA)
        return NULL;
    if (a->kind == A_NAME) { /* a global a def assigns too (x = x * 2): the module's */
        binding *b = lw_find_in(lw_name_scope(c, a->name), a->name);
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

static int dyn_split(lctx *c, ast *s)
{
    const char *n = NULL;
    if (s->kind == A_EXPR_STMT && s->a->kind == A_CALL && s->a->a->kind == A_NAME &&
        strcmp(s->a->a->name, "print") == 0 && !lw_lookup(c, "print", &(int){0}))
        n = dyn_name_in(c, s->a);
    else if (s->kind == A_ASSIGN && s->targets.len == 1 && VEC_AT(s->targets, 0, ast *)->kind == A_NAME)
        n = dyn_name_in(c, s->a);
    else if (s->kind == A_AUGASSIGN && s->b->kind == A_NAME) {
        binding *t = lw_find_in(lw_name_scope(c, s->b->name), s->b->name);
        if (t && t->kind == B_SCALAR)
            n = t->dyn ? s->b->name : dyn_name_in(c, s->a);
    }
    if (!n || (s->kind != A_EXPR_STMT && !lw_probe_scalar(c, s->a)))
        return 0;
    scope *bs = lw_name_scope(c, n), *fsc = c->sc, *m = c->module;
    binding *b = lw_find_in(bs, n);
    dynvar *d = b->dyn;
    int weak = b->weak;
    ir_stmt *st = ir_stmt_new(S_IF, s->l);
    st->e = ir_varref(s->l, d->tag);
    snapshot entry = lw_snap_take(c);
    /* in a function, a global's branches are the module's bindings: restored and merged as
     * lower_if does */
    int inner = fsc != m && m;
    vec mptrs = {0}, mentry = {0}, mthen = {0};
    if (inner)
        lw_module_save(c, &mptrs, &mentry);
    vec *saved = c->out;
    vec then_binds = {0};
    int errs = diag_count(), old = -1;
    vec_push(&c->dyn_plain, (void *)n); /* a call in s that assigns n keeps it plain (lower_assign.c) */
    for (int isf = 1; isf >= 0; isf--) {
        c->out = isf ? &st->body : &st->orelse;
        b = lw_bind(c, n);
        b->kind = B_SCALAR;
        b->var = isf ? d->f : d->i;
        b->weak = weak;
        if (!isf && diag_count() > errs)
            old = diag_suppress(1); /* errors of the statement are reported once */
        lw_stmt(c, s); /* splits again on the next such name */
        if (old >= 0)
            diag_suppress(old);
        for (int k = 0; k < c->dyn_plain.len; k++) { /* n, and the names split around it */
            const char *pn = VEC_AT(c->dyn_plain, k, const char *);
            binding *nb = lw_find_in(lw_name_scope(c, pn), pn);
            dynvar *pd = lw_dyn_of(c, pn);
            if (nb && pd && nb->kind == B_SCALAR && !nb->dyn && (nb->var == pd->f || nb->var == pd->i))
                lw_dyn_bind(c, pd, nb->weak); /* unchanged, or assigned (lower_assign.c): the tag says so */
        }
        if (isf) {
            then_binds = c->sc->binds;
            lw_snap_restore_binds(c, &entry);
            if (inner) {
                vec ignored = {0};
                lw_module_save(c, &ignored, &mthen);
                lw_module_restore(c, &mptrs, &mentry);
            }
        }
    }
    c->dyn_plain.len--;
    c->out = saved;
    merge_branches(c, st, then_binds);
    if (inner && c->sc == fsc) {
        c->sc = m;
        merge_branches(c, st, mthen);
        c->sc = fsc;
    }
    lw_emit(c, st);
    return 1;
}
/* Python evaluates a parameter's default once, when the def runs (`def step(u, dt=dt)` keeps
 * the dt of that moment; `out=np.zeros(3)` is one array shared by the calls), but calls lower
 * the default expression where they happen. A default that is not a literal is evaluated here
 * and bound to a hidden name ("step.dt") that the def's copy returned reads instead. */
static int is_literal(ast *a)
{
    if (a->kind == A_UNOP)
        return is_literal(a->a);
    return a->kind == A_INT || a->kind == A_FLOAT || a->kind == A_STR || a->kind == A_BOOL ||
           a->kind == A_NONE;
}
static ast *def_defaults(lctx *c, ast *s)
{
    int any = 0;
    for (int i = 0; i < s->params.len; i++) {
        ast *p = VEC_AT(s->params, i, ast *);
        any |= p->a && !is_literal(p->a);
    }
    if (!any)
        return s;
    ast *d = ast_new(A_DEF, s->l);
    *d = *s;
    d->params = (vec){0};
    for (int i = 0; i < s->params.len; i++) {
        ast *p = VEC_AT(s->params, i, ast *);
        if (p->a && !is_literal(p->a)) {
            ast *h = ast_name(p->l, arena_printf(&util_arena, "%s.%s", s->name, p->name));
            value *v = lw_expr(c, p->a);
            if (v->kind == V_ARRAY && v->e->kind != E_READ)
                v = lw_materialize(c, v);
            lw_assign_name(c, h, v);
            ast *q = ast_new(A_PARAM, p->l);
            *q = *p;
            q->a = h;
            p = q;
        }
        vec_push(&d->params, p);
    }
    return d;
}

static void lw_stmt_nested(lctx *c, ast *s);
void lw_stmt(lctx *c, ast *s)
{
    if (!lw_nest_enter(c, s->l))
        return;
    lw_stmt_nested(c, s);
    c->nest--;
}

static void lw_stmt_nested(lctx *c, ast *s)
{
    if (!lw_step(c))
        return;
    if (lw_plot_stmt(c, s)) /* plotting: left out (lower_plot.c) */
        return;
    if (dyn_split(c, s)) {
        lw_unbound_assigned(c, s);
        return;
    }
    if (!(s->kind == A_OTHER_STMT && strcmp(s->str, "class") == 0 && s->name))
        lw_dataclass_unfollowed(c); /* @dataclass then something other than a class */
    vec saved_pending = c->pending;
    c->pending = (vec){0};
    int errors = diag_count();
    switch (s->kind) {
    case A_EXPR_STMT: {
        if (s->a->kind == A_STR || s->a->kind == A_FSTRING) /* docstring */
            break;
        ast *call = NULL, *where = NULL, *into = lw_out_argument(s->a, &call, &where);
        if (into) { /* np.multiply(a, b, out=c): c[...] = np.multiply(a, b) */
            lw_out_store(c, s->l, s->a, into, call, where, 0);
            break;
        }
        ast *outer = c->stmt_expr;
        c->stmt_expr = s->a;
        value *v = lw_expr(c, s->a);
        (void)v;
        c->stmt_expr = outer;
        break;
    }
    case A_ASSIGN:
        lw_lower_assign(c, s);
        lw_unbound_assigned(c, s);
        break;
    case A_AUGASSIGN:
        lw_lower_augassign(c, s);
        lw_unbound_assigned(c, s);
        break;
    case A_IMPORT:
        if (lw_is_plot_module(s->name))
            lw_plot_import(c, s);
        else if (strcmp(s->name, "numba") == 0 || strncmp(s->name, "numba.", 6) == 0)
            lw_numba_import(c, s);
        else if (lw_is_dataclass_module(s->name))
            lw_dataclass_import(c, s);
        else if (lw_is_sysos_module(s->name))
            lw_sysos_import(c, s);
        else if (lw_is_pyrandom_module(s->name))
            lw_pyrandom_import(c, s);
        else if (strcmp(s->name, "numpy") != 0 && strcmp(s->name, "math") != 0 && strcmp(s->name, "time") != 0 &&
                 strcmp(s->name, "collections") != 0 && !numpy_submodule(s->name)) { /* deque: lower_deque.c */
            diag_error(s->l, "only numpy, math, random, time, sys, os and typing can be imported in a stencil program ('%s' is "
                             "not available)", s->name);
            import_hint(s);
        } else { /* import numpy.fft binds numpy; import numpy.fft as nf binds nf to numpy.fft */
            binding *b = lw_bind(c, s->str ? s->str : numpy_submodule(s->name) ? "numpy" : s->name);
            b->kind = B_VALUE;
            b->val = lw_vnew(V_MODULE, s->l);
            b->val->str = s->str || !numpy_submodule(s->name) ? s->name : "numpy";
        }
        break;
    case A_FROM_IMPORT: lower_from_import(c, s); break;
    case A_IF: lower_if(c, s); break;
    case A_FOR: lw_lower_for(c, s); break;
    case A_WHILE: lw_lower_while(c, s); break;
    case A_BREAK:
    case A_CONTINUE:
        if (!c->loops)
            diag_error(s->l, "'%s' outside loop", s->kind == A_BREAK ? "break" : "continue");
        else {
            lw_loop_carries(c);
            lw_emit(c, ir_stmt_new(s->kind == A_BREAK ? S_BREAK : S_CONTINUE, s->l));
        }
        break;
    case A_PASS: break;
    case A_RETURN: diag_error(s->l, "'return' outside function"); break;
    case A_DEF: {
        lw_check_global_order(s);
        ast *def = def_defaults(c, s);
        binding *b = lw_bind(c, s->name);
        b->kind = B_VALUE;
        b->val = lw_vnew(V_FUNC, s->l);
        b->val->def = def;
        b->val->defscope = c->sc;
        break;
    }
    case A_GLOBAL: break; /* a function's globals are collected when it is inlined */
    case A_ASSERT: lower_assert(c, s); break;
    case A_RAISE: lower_raise(c, s); break;
    case A_YIELD: diag_error(s->l, "'yield' outside function"); break;
    case A_OTHER_STMT:
        if (strcmp(s->str, "class") == 0 && s->name) {
            ast *cls = c->dataclass_deco ? lw_dataclass_class(c, s) : s;
            if (cls)
                lw_class_def(c, cls);
            break;
        }
        if (strcmp(s->str, "decorator") == 0 && lw_numba_decorator(c, s)) /* @njit: left out */
            break;
        if (strcmp(s->str, "decorator") == 0 && lw_dataclass_decorator(c, s)) /* for the class next */
            break;
        diag_error(s->l, "'%s' statements are not supported in a stencil program%s", s->str,
                   strcmp(s->str, "with") == 0 ? " (only 'with np.errstate(...)' and 'with open(path, \"w\") as f')" : "");
        break;
    default: diag_error(s->l, "this statement is not supported in a stencil program"); break;
    }
    if (diag_count() > errors)
        poison_names(c, s);
    for (int i = 0; i < c->pending.len; i++) {
        ir_stmt *r = ir_stmt_new(S_RELEASE, s->l);
        r->var = VEC_AT(c->pending, i, ir_var *);
        lw_emit(c, r);
    }
    c->pending = saved_pending;
}
/* Does a mention any of the names (as a name read or assigned, anywhere inside but parameter
 * defaults)? */
static int mentions(ast *a, void *names)
{
    if (!a)
        return 0;
    if (a->kind == A_NAME && lw_name_in(names, a->name))
        return 1;
    return ast_any_child(a, AST_ALL & ~AST_PARAMS, mentions, names);
}
static int leaves_block(vec *stmts)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind == A_RETURN || s->kind == A_BREAK || s->kind == A_CONTINUE || s->kind == A_YIELD)
            return 1;
        if (s->kind == A_IF && (leaves_block(&s->body) || leaves_block(&s->orelse)))
            return 1;
        if ((s->kind == A_FOR || s->kind == A_WHILE) && (leaves_block(&s->body) || leaves_block(&s->orelse)))
            return 1; /* a return inside a loop (a break there is harmless, but rare) */
    }
    return 0;
}

/* An if decided at run time whose branches bind a name to values no variable can hold (two
 * strings: order = ("x", "y") / ("y", "x")), read by the statements after it in the same
 * block: those statements are lowered in each branch, each with its branch's value (the
 * if's branches become `body; rest` and `orelse; rest`). Only when the first lowering of the
 * if left such a name (merge_branches) and reported no error, and no branch leaves the block. */
static int split_if(lctx *c, vec *stmts, int i, size_t out0, snapshot *before, int errs)
{
    ast *s = VEC_AT(*stmts, i, ast *);
    if (s->kind != A_IF || !c->split.len || diag_count() != errs || c->exhausted ||
        i + 1 >= stmts->len || leaves_block(&s->body) || leaves_block(&s->orelse))
        return 0;
    vec names = c->split;
    int used = 0;
    for (int k = i + 1; k < stmts->len && !used; k++)
        used = mentions(VEC_AT(*stmts, k, ast *), &names);
    if (!used)
        return 0;
    c->out->len = (int)out0;
    lw_snap_rewind(c, before);
    ast *d = ast_new(A_IF, s->l);
    *d = *s;
    d->body = (vec){0};
    d->orelse = (vec){0};
    for (int k = 0; k < s->body.len; k++)
        vec_push(&d->body, s->body.items[k]);
    for (int k = 0; k < s->orelse.len; k++)
        vec_push(&d->orelse, s->orelse.items[k]);
    for (int k = i + 1; k < stmts->len; k++) {
        vec_push(&d->body, stmts->items[k]);
        vec_push(&d->orelse, stmts->items[k]);
    }
    c->split.len = 0;
    lw_stmt(c, d);
    return 1;
}
void lw_block(lctx *c, vec *stmts)
{
    vec *saved_blk = c->blk;
    int saved_i = c->blk_i;
    c->blk = stmts;
    for (int i = 0; i < stmts->len; i++) {
        c->blk_i = i;
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind != A_IF) {
            lw_stmt(c, s);
            c->blk = stmts, c->blk_i = i;
            continue;
        }
        size_t out0 = (size_t)c->out->len;
        snapshot before = lw_snap_take(c);
        int errs = diag_count();
        c->split.len = 0;
        lw_stmt(c, s);
        c->blk = stmts; /* the if's branches were blocks of their own */
        if (split_if(c, stmts, i, out0, &before, errs)) {
            c->blk = saved_blk, c->blk_i = saved_i;
            return;
        }
    }
    c->blk = saved_blk, c->blk_i = saved_i;
}

/* ------------------------------------------------------------------------------------------ */
/* Parameters                                                                                 */

/* The names a def assigns that it declares `global` (module state it changes). */
static void global_writes(ast *def, vec *out)
{
    vec g = {0}, a = {0};
    lw_declared_globals(&def->body, &g);
    lw_assigned_names(&def->body, &a);
    for (int i = 0; i < a.len; i++)
        if (lw_name_in(&g, VEC_AT(a, i, const char *)) && !lw_name_in(out, VEC_AT(a, i, const char *)))
            vec_push(out, a.items[i]);
}
static void count_assignments(vec *stmts, vec *names, strmap *at, vec *counts_as_ptr, int top)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        vec here = {0};
        if (s->kind == A_ASSIGN)
            for (int k = 0; k < s->targets.len; k++)
                lw_target_names(VEC_AT(s->targets, k, ast *), &here);
        else if (s->kind == A_AUGASSIGN)
            lw_target_names(s->b, &here);
        else if (s->kind == A_FOR) {
            lw_target_names(s->b, &here);
            count_assignments(&s->body, names, at, counts_as_ptr, 0);
        } else if (s->kind == A_WHILE)
            count_assignments(&s->body, names, at, counts_as_ptr, 0);
        else if (s->kind == A_IF) {
            count_assignments(&s->body, names, at, counts_as_ptr, 0);
            count_assignments(&s->orelse, names, at, counts_as_ptr, 0);
        } else if (s->kind == A_DEF) /* names it assigns through `global` */
            global_writes(s, &here);
        for (int k = 0; k < here.len; k++) {
            const char *n = VEC_AT(here, k, const char *);
            int found = lw_strmap_get(at, n, -1);
            if (found < 0) {
                vec_push(names, (void *)n);
                vec_push(counts_as_ptr, (void *)(intptr_t)0);
                found = names->len - 1;
                lw_strmap_put(at, n, found);
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
    strmap at = {0};
    count_assignments(&mod->body, &names, &at, &counts, 1);
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
static int is_param(lctx *c, const char *n) { return lw_name_in(&c->params, n); }

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
        ir_var *v = lw_scope_var(c, ts[k]->name, t2, 0, 0);
        v->is_param = 1;
        v->init = t2 == T_F64 ? ir_const_f(lit->l, T_F64, neg ? -lit->fval : lit->fval)
                              : ir_const_i(lit->l, t2, neg ? -lit->ival : lit->ival);
        vec_push(&c->prog->params, v);
        binding *b = lw_bind(c, ts[k]->name);
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
    lw_returns_reset();
    lw_scope_reset();
    lw_slots_reset();
    lw_lists_reset();
    lw_append_reset();
    lw_pyrandom_reset();
    lw_class_reset();
    lw_linalg_reset();
    lw_loops_reset();
    lw_for_reset();
    lw_zerotrip_reset(&c);
    c.prog = NEW(ir_program);
    c.prog->source = source;
    scope *m = NEW(scope);
    c.sc = c.module = m;
    c.out = &c.prog->body;
    c.module_body = module->body;
    lw_dictcomp_rewrite(module);
    lw_dictlists_rewrite(module);
    lw_tables_rewrite(module);
    for (int i = 0; i < module->body.len; i++)
        if (VEC_AT(module->body, i, ast *)->kind == A_DEF)
            global_writes(VEC_AT(module->body, i, ast *), &c.global_writes);
    find_params(&c, module);
    lw_out_positional_rewrite(module);
    lw_deque_rewrite(module);
    lw_sets_rewrite(module);
    lw_sdicts_rewrite(module); /* before rtdicts: string keys read when running */
    lw_rtdicts_rewrite(module);
    lw_outarg_rewrite(module);
    lw_unbound_begin(&c, module->l, &module->body, 0, NULL);
    for (int i = 0; i < module->body.len; i++) {
        ast *s = VEC_AT(module->body, i, ast *);
        if (lower_param_assign(&c, s))
            continue;
        c.top = s;
        c.work = 0;
        lw_stmt(&c, s);
    }
    lw_zerotrip_finish(c.prog);
    if (c.hoisted.len) { /* the constant arrays of list operands in loops, first */
        vec body = c.hoisted;
        for (int i = 0; i < c.prog->body.len; i++)
            vec_push(&body, c.prog->body.items[i]);
        c.prog->body = body;
    }
    lw_dedup_slice_checks(c.prog);
    /* Every slot still bound at the end is released by the run time's finalize. */
    return c.prog;
}
