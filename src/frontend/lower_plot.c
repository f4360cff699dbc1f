/* lower_plot.c: plotting with matplotlib, left out of the compiled program.
 *
 * Public NumPy programs draw as they compute (CFD Python plots every step, Mocz's codes call
 * plt.imshow and plt.pause inside the time loop) and save figures at the end. A figure is not a
 * result the compiled program can reproduce, so `import matplotlib.pyplot as plt` (and the other
 * matplotlib and mpl_toolkits modules) binds its names to V_PLOT values, and a statement that
 * only uses them is left out: a call or attribute chain rooted at a plotting name (plt.plot(x,
 * u), ax.set_title(...), plt.savefig("u.png")) is not lowered, its arguments included; an
 * assignment of one binds the targets to V_PLOT (fig, ax = plt.subplots()); a store into one
 * (plt.rcParams["font.size"] = 12) is dropped. One warning at the first import says so. A plotting
 * value anywhere else (in arithmetic, a condition, np.save) is an error (lw_vkind_desc), and so is
 * a plotting call given one of the program's functions (matplotlib.animation.FuncAnimation(fig,
 * update, ...)): matplotlib would call it to advance the simulation, which the compiled program
 * would then not do.
 *
 * Requires: the statement not yet lowered. Establishes: a plotting statement emits nothing and
 * binds only V_PLOT values. */

#include "lower_internal.h"

#include <string.h>

int lw_is_plot_module(const char *name)
{
    return strcmp(name, "matplotlib") == 0 || strncmp(name, "matplotlib.", 11) == 0 ||
           strcmp(name, "mpl_toolkits") == 0 || strncmp(name, "mpl_toolkits.", 13) == 0;
}

static value *plot_value(loc l)
{
    value *v = lw_vnew(V_PLOT, l);
    v->str = "matplotlib";
    return v;
}

static void bind_plot(lctx *c, const char *name, loc l)
{
    binding *b = lw_bind(c, name);
    b->kind = B_VALUE;
    b->val = plot_value(l);
}

/* import M [as A] and from M import a [as b], ... of a plotting module. */
void lw_plot_import(lctx *c, ast *s)
{
    if (!c->plot_warned && !c->probing)
        diag_warning(s->l, "plotting with %s is left out of the compiled program: its figures are neither "
                           "drawn nor saved (save the arrays with np.save to plot them)", s->name);
    c->plot_warned = 1;
    if (s->kind == A_IMPORT) { /* import matplotlib.pyplot binds matplotlib */
        const char *dot = strchr(s->name, '.');
        bind_plot(c, s->str ? s->str : dot ? arena_strndup(&util_arena, s->name, (size_t)(dot - s->name)) : s->name,
                  s->l);
        return;
    }
    for (int i = 0; i < s->args.len; i++) {
        ast *n = VEC_AT(s->args, i, ast *);
        if (strcmp(n->name, "*") == 0) {
            diag_error(n->l, "'from %s import *' is not supported; import the names the program uses", s->name);
            return;
        }
        bind_plot(c, n->str ? n->str : n->name, n->l);
    }
}

/* The name at the root of a call, attribute and subscript chain (plt in plt.gca().plot(x)). */
static ast *chain_root(ast *e)
{
    while (e && (e->kind == A_CALL || e->kind == A_ATTR || e->kind == A_SUBSCRIPT))
        e = e->a;
    return e && e->kind == A_NAME ? e : NULL;
}

static int is_plot_name(lctx *c, ast *n)
{
    int unbound;
    binding *b = n ? lw_lookup(c, n->name, &unbound) : NULL;
    return b && b->kind == B_VALUE && b->val && b->val->kind == V_PLOT;
}

/* A chain rooted at a plotting name, whose calls get none of the program's functions. */
static int plot_chain(lctx *c, ast *e)
{
    if (!is_plot_name(c, chain_root(e)))
        return 0;
    for (ast *p = e; p && p->kind != A_NAME; p = p->a) {
        if (p->kind != A_CALL)
            continue;
        vec *lists[2] = {&p->args, &p->kwargs};
        for (int k = 0; k < 2; k++)
            for (int i = 0; i < lists[k]->len; i++) {
                ast *arg = VEC_AT(*lists[k], i, ast *);
                if (arg->kind == A_KEYWORD)
                    arg = arg->a;
                int unbound;
                binding *b = arg && arg->kind == A_NAME ? lw_lookup(c, arg->name, &unbound) : NULL;
                if ((arg && arg->kind == A_LAMBDA) ||
                    (b && b->kind == B_VALUE && b->val && (b->val->kind == V_FUNC || b->val->kind == V_LAMBDA))) {
                    diag_error(arg->l, "a plotting call that calls one of the program's functions (an animation "
                                       "advancing the simulation) is not supported: the compiled program leaves "
                                       "plotting out; call the function in a loop instead");
                    return -1;
                }
            }
    }
    return 1;
}

/* Targets of an assignment of a plotting value: names (in tuples too) are bound to it; stores
 * into plotting objects are dropped. 0 when a target is something else. */
static int plot_targets(lctx *c, ast *t, int bind)
{
    if (t->kind == A_NAME) {
        if (bind)
            bind_plot(c, t->name, t->l);
        return 1;
    }
    if (t->kind == A_STARRED)
        return plot_targets(c, t->a, bind);
    if (t->kind == A_TUPLE || t->kind == A_LIST) {
        for (int i = 0; i < t->args.len; i++)
            if (!plot_targets(c, VEC_AT(t->args, i, ast *), bind))
                return 0;
        return 1;
    }
    return (t->kind == A_ATTR || t->kind == A_SUBSCRIPT) && is_plot_name(c, chain_root(t));
}

/* Whether the expression mentions a plotting name (axes in zip(axes, fields)). */
static int mentions_plot(lctx *c, ast *e)
{
    if (!e)
        return 0;
    if (e->kind == A_NAME)
        return is_plot_name(c, e);
    if (mentions_plot(c, e->a) || mentions_plot(c, e->b))
        return 1;
    for (int i = 0; i < e->args.len; i++)
        if (mentions_plot(c, VEC_AT(e->args, i, ast *)))
            return 1;
    return 0;
}

static int names_in(ast *t, const char *name)
{
    if (t->kind == A_NAME)
        return strcmp(t->name, name) == 0;
    for (int i = 0; (t->kind == A_TUPLE || t->kind == A_LIST) && i < t->args.len; i++)
        if (names_in(VEC_AT(t->args, i, ast *), name))
            return 1;
    return 0;
}

/* for ax in axes.flat: ax.plot(u) (also over zip(axes, fields)): a loop over plotting objects
 * whose body only calls methods of its targets or of plotting names. */
static int plot_loop(lctx *c, ast *s)
{
    if (!mentions_plot(c, s->a) || s->orelse.len)
        return 0;
    for (int i = 0; i < s->body.len; i++) {
        ast *b = VEC_AT(s->body, i, ast *);
        if (b->kind == A_PASS)
            continue;
        ast *r = b->kind == A_EXPR_STMT ? chain_root(b->a) : NULL;
        if (!r || b->a->kind != A_CALL || (!names_in(s->b, r->name) && !is_plot_name(c, r))) {
            diag_error(b->l, "a loop over matplotlib objects may only plot (call methods of its names "
                             "or of matplotlib): it is left out of the compiled program");
            return 1;
        }
    }
    return 1;
}

/* A statement that only plots: handled here (nothing emitted) and 1, else 0. */
int lw_plot_stmt(lctx *c, ast *s)
{
    if (s->kind == A_FOR)
        return plot_loop(c, s);
    if (s->kind == A_EXPR_STMT) {
        int k = plot_chain(c, s->a);
        return k != 0;
    }
    if (s->kind == A_AUGASSIGN) /* ax.xlim += ...: a store into a plotting object */
        return s->b->kind != A_NAME && plot_targets(c, s->b, 0);
    if (s->kind != A_ASSIGN)
        return 0;
    int rooted = plot_chain(c, s->a);
    if (rooted < 0)
        return 1;
    int stores = 1;
    for (int k = 0; k < s->targets.len; k++) {
        ast *t = VEC_AT(s->targets, k, ast *);
        stores &= t->kind != A_NAME && t->kind != A_TUPLE && t->kind != A_LIST && plot_targets(c, t, 0);
    }
    if (stores) /* plt.rcParams["font.size"] = 12: the value is not needed */
        return 1;
    if (!rooted)
        return 0;
    for (int k = 0; k < s->targets.len; k++)
        if (!plot_targets(c, VEC_AT(s->targets, k, ast *), 0)) {
            diag_error(VEC_AT(s->targets, k, ast *)->l, "a matplotlib object can only be bound to names");
            return 1;
        }
    for (int k = 0; k < s->targets.len; k++)
        plot_targets(c, VEC_AT(s->targets, k, ast *), 1);
    return 1;
}
