/* lower_for.c: the forms of for and while statements, each rewritten into a plain loop or
 * lowered as a range() loop: a loop over a data-dependent selection (a[m], np.argwhere(m)) or a
 * complex array, for/while ... else, reversed(range(...)), array expressions and zip()/
 * enumerate() of them evaluated once before the loop, sorted() of a run-time list, and the
 * range() loop itself (its arguments evaluated once); lower_loops.c then infers the types of
 * the body's names and lowers it.
 * Requires: the loop's iterable not yet evaluated. Establishes: Python's order of evaluation
 * (the iterable and range() arguments once, before the first iteration). */

#include "lower_internal.h"

#include <string.h>

/* An iterable that is an array expression (u[1:-1], a.T, 2 * x, np.linspace(...)): Python
 * evaluates it once, before the loop, so it is bound to a hidden name the loop then walks. */
static int array_expr(ast *it)
{
    return it->kind == A_SUBSCRIPT || it->kind == A_ATTR || it->kind == A_BINOP || it->kind == A_UNOP ||
           (it->kind == A_CALL && it->a->kind == A_ATTR && it->a->a->kind == A_NAME &&
            strcmp(it->a->a->name, "np") == 0);
}

/* A loop body with `flag = True` before each break of this loop (not of a loop inside it). */
static vec mark_breaks(vec body, const char *flag)
{
    vec r = {0};
    for (int i = 0; i < body.len; i++) {
        ast *s = VEC_AT(body, i, ast *);
        if (s->kind == A_BREAK)
            vec_push(&r, ast_assign(s->l, ast_vec1(ast_name(s->l, flag)), ast_bool(s->l, 1)));
        if (s->kind == A_IF)
            s = ast_if(s->l, s->a, mark_breaks(s->body, flag), mark_breaks(s->orelse, flag));
        vec_push(&r, s);
    }
    return r;
}

/* Does a break in stmts (in ifs, not in loops inside) leave the loop they are the body of? */
static int breaks_here(vec *stmts)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        if (s->kind == A_BREAK || (s->kind == A_IF && (breaks_here(&s->body) || breaks_here(&s->orelse))))
            return 1;
    }
    return 0;
}

/* for x in a selection, whose length depends on the data (a[m], np.nonzero(m)[k], np.where(m)[k],
 * np.flatnonzero(m)) and for i, j in np.argwhere(m): Python runs over the selected points in C
 * order. The mask (and the values selected, for a[m]) are held by hidden names first, as Python
 * evaluates the iterable once, then
 *     for d0 in range(M.shape[0]): ... for dR in range(M.shape[R]):
 *         if M[d0, ..., dR]: x = S[d0, ..., dR]; body
 * where an index grid's value is the index itself (i, j = d0, d1 for np.argwhere). A break
 * leaves every level (a flag tested after each inner loop). 0 when it is not such a loop. */
static int for_selection(lctx *c, ast *s)
{
    ast *it = s->a;
    if (it->kind == A_NAME) { /* a selection bound to a name: no probe needed */
        int unbound;
        binding *b = lw_lookup(c, it->name, &unbound);
        if (!b || b->kind != B_VALUE || b->val->kind != V_MASKED)
            return 0;
    } else if (!(it->kind == A_SUBSCRIPT || (it->kind == A_CALL && it->a->kind == A_ATTR)))
        return 0; /* range(), zip(), a generator: never a selection */
    lw_probe p;
    lw_probe_begin(c, &p);
    value *v = lw_expr(c, it);
    lw_probe_end(c, &p);
    if (v->kind != V_MASKED || v->n)
        return 0;
    if (v->lead) { /* Python runs over the rows of the (len(a), count) result */
        diag_error(it->l, "a loop over a[:, m] (a mask after whole dimensions) is not supported (a loop over "
                          "a[i][m] for each i is)");
        return 1;
    }
    v = lw_expr(c, it);
    if (v->kind == V_ERR)
        return 1;
    loc l = it->l;
    int r = v->mask->rank, grid = v->self->e->kind == E_INDEX ? v->self->e->dim : -1;
    ast *tg = s->b;
    if (v->argw && (tg->kind != A_TUPLE && tg->kind != A_LIST)) {
        diag_error(tg->l, "a loop over np.argwhere(m) is supported with one name per axis (for i, j in "
                          "np.argwhere(m)): each row would be an array");
        return 1;
    }
    if (v->argw && tg->args.len != r) {
        if (tg->args.len < r)
            diag_error(tg->l, "too many values to unpack (expected %d)", tg->args.len);
        else
            diag_error(tg->l, "not enough values to unpack (expected %d, got %d)", tg->args.len, r);
        return 1;
    }
    const char *pre = arena_printf(&util_arena, "for.%d.%d", s->l.line, s->l.col);
    ast *M = ast_name(l, arena_printf(&util_arena, "%s.mask", pre)), *S = NULL;
    lw_assign_name(c, M, v->snapshot ? v->mask : lw_copy_of(c, l, v->mask));
    if (!v->argw && grid < 0) {
        S = ast_name(l, arena_printf(&util_arena, "%s.sel", pre));
        lw_assign_name(c, S, v->snapshot && v->self->e->kind == E_READ ? v->self : lw_copy_of(c, l, v->self));
    }
    ast *d[IR_MAX_RANK];
    vec idx = {0};
    for (int k = 0; k < r; k++) {
        d[k] = ast_name(l, arena_printf(&util_arena, "%s.d%d", pre, k));
        vec_push(&idx, d[k]);
    }
    ast *value_at = v->argw ? ast_seq(l, idx, 1) : S ? ast_subscript(l, S, idx, 0) : d[grid];
    int brk = breaks_here(&s->body);
    const char *flag = arena_printf(&util_arena, "%s.broke", pre);
    vec body = {0};
    vec_push(&body, ast_assign(l, ast_vec1(tg), value_at));
    vec user = brk ? mark_breaks(s->body, flag) : s->body;
    for (int i = 0; i < user.len; i++)
        vec_push(&body, VEC_AT(user, i, ast *));
    vec inner = ast_vec1(ast_if(l, ast_subscript(l, M, idx, 0), body, (vec){0}));
    ast *loop = NULL;
    for (int k = r - 1; k >= 0; k--) {
        ast *ext = ast_subscript(l, ast_attr(l, M, "shape"), ast_vec1(ast_int(l, k)), 0);
        loop = ast_for(s->l, d[k], ast_call(l, ast_name(l, "range"), ast_arglist(NULL, ext)), inner, (vec){0});
        inner = ast_vec1(loop);
        if (brk && k > 0)
            vec_push(&inner, ast_if(l, ast_name(l, flag), ast_vec1(ast_new(A_BREAK, l)), (vec){0}));
    }
    if (brk)
        lw_stmt(c, ast_assign(l, ast_vec1(ast_name(l, flag)), ast_bool(l, 0)));
    lw_lower_for(c, loop);
    return 1;
}

/* for z in Z, Z a complex array (for z in int_pts: a contour's points): Python runs over its
 * first axis, reading each item when it gets there, so
 *     Zh = Z; for k in range(len(Zh)): z = Zh[k]; body
 * with hidden names (Zh the same array, not a copy). 0 when it is not such a loop. */
static int for_complex(lctx *c, ast *s)
{
    ast *it = s->a;
    if (it->kind == A_CALL && it->a->kind == A_NAME) /* range(), zip(), enumerate(): never one */
        return 0;
    lw_probe p;
    lw_probe_begin(c, &p);
    value *v = lw_expr(c, it);
    int cplx = lw_is_complex(v) && v->items[0]->kind == V_ARRAY && v->items[0]->rank >= 1;
    lw_probe_end(c, &p);
    if (!cplx)
        return 0;
    loc l = it->l;
    ast *seq = ast_name(l, arena_printf(&util_arena, "for.%d.%d.cseq", s->l.line, s->l.col));
    lw_stmt(c, ast_assign(l, ast_vec1(seq), it));
    lw_for_by_index(c, s, seq, l);
    return 1;
}

/* for s->b in seq (a name, bound before the loop: Python evaluates the iterable once) as a loop
 * over its indices: for k in range(len(seq)): s->b = seq[k]; body, with the hidden name
 * "for.LINE.COL.k" (l: where the items are read). */
void lw_for_by_index(lctx *c, ast *s, ast *seq, loc l)
{
    const char *k = arena_printf(&util_arena, "for.%d.%d.k", s->l.line, s->l.col);
    vec body = {0};
    vec_push(&body, ast_assign(l, ast_vec1(s->b), ast_subscript(l, seq, ast_vec1(ast_name(l, k)), 0)));
    for (int i = 0; i < s->body.len; i++)
        vec_push(&body, VEC_AT(s->body, i, ast *));
    ast *len = ast_call(l, ast_name(l, "len"), ast_arglist(NULL, seq));
    lw_lower_for(c, ast_for(s->l, ast_name(l, k), ast_call(l, ast_name(l, "range"), ast_arglist(NULL, len)), body,
                            s->orelse));
}

/* for/while ... else E: `broke = False`, the loop with `broke = True` before its breaks, then
 * `if not broke: E` (Python runs E when the loop ends without a break). The rewritten loop is
 * made once per loop (its node keys the type inference's records). */
static vec loop_else_done; /* ast*: pairs (loop, its rewriting), in the arena */

/* A new module: the pairs above point into an arena that may have been freed since (the
 * fuzzer lowers one input after another), and a new loop could reuse an old one's address. */
void lw_for_reset(void) { loop_else_done = (vec){0}; }

static int loop_else(lctx *c, ast *s)
{
    if (!s->orelse.len)
        return 0;
    ast *loop = NULL;
    for (int i = 0; i + 1 < loop_else_done.len && !loop; i += 2)
        if (VEC_AT(loop_else_done, i, ast *) == s)
            loop = VEC_AT(loop_else_done, i + 1, ast *);
    const char *flag = arena_printf(&util_arena, "loop.%d.%d.broke", s->l.line, s->l.col);
    if (!loop) {
        vec body = mark_breaks(s->body, flag);
        loop = s->kind == A_FOR ? ast_for(s->l, s->b, s->a, body, (vec){0})
                                : ast_while(s->l, s->a, body, (vec){0});
        vec_push(&loop_else_done, s);
        vec_push(&loop_else_done, loop);
    }
    lw_stmt(c, ast_assign(s->l, ast_vec1(ast_name(s->l, flag)), ast_bool(s->l, 0)));
    if (s->kind == A_FOR)
        lw_lower_for(c, loop);
    else
        lw_lower_while(c, loop);
    lw_stmt(c, ast_if(s->l, ast_unop(s->l, OP_NOT, ast_name(s->l, flag)), s->orelse, (vec){0}));
    return 1;
}

/* reversed(range(a, b, k)) as a range: range(a + (n - 1) * k, a - k, -k), n the length of
 * range(a, b, k) (Python's rule, for either sign of k), a, b and k evaluated once, before the
 * loop, into hidden names. */
static ast *reversed_range(lctx *c, ast *s, ast *r)
{
    loc l = r->l;
    ast *v[3];
    int n = r->args.len;
    for (int i = 0; i < 3; i++) {
        ast *x = n == 1 ? (i == 1 ? VEC_AT(r->args, 0, ast *) : ast_int(l, i == 0 ? 0 : 1))
                        : i < n ? VEC_AT(r->args, i, ast *) : ast_int(l, 1);
        if (x->kind != A_INT && x->kind != A_NAME) {
            const char *nm = arena_printf(&util_arena, "for.%d.%d.rev%d", s->l.line, s->l.col, i);
            lw_stmt(c, ast_assign(x->l, ast_vec1(ast_name(x->l, nm)), x));
            x = ast_name(x->l, nm);
        }
        v[i] = x;
    }
    ast *a = v[0], *b = v[1], *k = v[2];
    /* len = max(0, (b - a + k - (1 if k > 0 else -1)) // k) */
    ast *sgn = ast_ifexp(l, ast_int(l, 1), ast_compare(l, k, OP_GT, ast_int(l, 0)), ast_int(l, -1));
    ast *len = ast_binop(l, OP_FLOORDIV,
                         ast_binop(l, '-', ast_binop(l, '+', ast_binop(l, '-', b, a), k), sgn), k);
    len = ast_call(l, ast_name(l, "max"), ast_arglist(ast_arglist(NULL, ast_int(l, 0)), len));
    ast *first = ast_binop(l, '+', a, ast_binop(l, '*', ast_binop(l, '-', len, ast_int(l, 1)), k));
    ast *stop = ast_binop(l, '-', a, k);
    ast *step = ast_unop(l, '-', k);
    return ast_call(l, ast_name(l, "range"),
                    ast_arglist(ast_arglist(ast_arglist(NULL, first), stop), step));
}

/* A range() argument held in a temporary assigned before the loop (Python evaluates it once). */
static void pin_range_arg(lctx *c, loc l, ir_expr **p) { *p = lw_in_temp(c, l, *p); }

void lw_lower_for(lctx *c, ast *s)
{
    if (loop_else(c, s) || lw_grow_loop(c, s))
        return;
    ast *it = s->a, *pr = lw_numba_range(c, it);
    if (pr) { /* numba's prange: a range (lower_numba.c) */
        lw_lower_for(c, ast_for(s->l, s->b, pr, s->body, s->orelse));
        return;
    }
    if (for_selection(c, s) || for_complex(c, s) || lw_text_for(c, s))
        return;
    if (array_expr(it)) {
        const char *nm = arena_printf(&util_arena, "for.%d.%d.seq", s->l.line, s->l.col);
        lw_stmt(c, ast_assign(it->l, ast_vec1(ast_name(it->l, nm)), it));
        lw_lower_for(c, ast_for(s->l, s->b, ast_name(it->l, nm), s->body, s->orelse));
        return;
    }
    int unbound;
    if (it->kind == A_CALL && it->a->kind == A_NAME && !it->kwargs.len &&
        (strcmp(it->a->name, "zip") == 0 || strcmp(it->a->name, "enumerate") == 0) &&
        !lw_lookup(c, it->a->name, &unbound)) { /* zip(u[1:], u[:-1]): each such argument too */
        int any = 0;
        for (int i = 0; i < it->args.len; i++)
            any |= array_expr(VEC_AT(it->args, i, ast *));
        if (any) {
            ast *al = NULL;
            for (int i = 0; i < it->args.len; i++) {
                ast *x = VEC_AT(it->args, i, ast *);
                if (array_expr(x)) {
                    const char *nm = arena_printf(&util_arena, "for.%d.%d.seq%d", s->l.line, s->l.col, i);
                    lw_stmt(c, ast_assign(x->l, ast_vec1(ast_name(x->l, nm)), x));
                    x = ast_name(x->l, nm);
                }
                al = ast_arglist(al, x);
            }
            lw_lower_for(c, ast_for(s->l, s->b, ast_call(it->l, it->a, al), s->body, s->orelse));
            return;
        }
    }
    if (it->kind == A_CALL && it->a->kind == A_NAME && strcmp(it->a->name, "reversed") == 0 &&
        it->args.len == 1 && !it->kwargs.len && !lw_lookup(c, "reversed", &unbound)) {
        ast *r = VEC_AT(it->args, 0, ast *);
        if (r->kind == A_CALL && r->a->kind == A_NAME && strcmp(r->a->name, "range") == 0 &&
            !r->kwargs.len && r->args.len >= 1 && r->args.len <= 3 && !lw_lookup(c, "range", &unbound)) {
            lw_lower_for(c, ast_for(s->l, s->b, reversed_range(c, s, r), s->body, s->orelse));
            return;
        }
    }
    if (lw_for_generator(c, s))
        return;
    int is_range = it->kind == A_CALL && it->a->kind == A_NAME && strcmp(it->a->name, "range") == 0 &&
                   !lw_lookup(c, "range", &(int){0});
    if (!is_range && lw_for_arrays(c, s))
        return;
    if ((!is_range || s->b->kind == A_NAME) && lw_for_unrolled(c, s, is_range))
        return;
    if (!is_range && lw_for_runtime_list(c, s))
        return;
    if (it->kind == A_CALL && it->a->kind == A_NAME && it->args.len == 1 && strcmp(it->a->name, "sorted") == 0 &&
        !lw_lookup(c, it->a->name, &unbound)) {
        /* for x in sorted(L) of a list built when running: the new list bound to a hidden name
         * first, as Python evaluates it once before the loop, then a loop over that list */
        const char *nm = arena_printf(&util_arena, "for.%d.%d.seq", s->l.line, s->l.col);
        ast *seq = ast_name(it->l, nm);
        lw_stmt(c, ast_assign(it->l, ast_vec1(seq), it));
        binding *b = lw_list_binding(c, seq);
        if (!b || b->val->kind != V_LIST) {
            if (b && b->val->kind != V_ERR)
                diag_error(it->l, "a loop over sorted() of this is not supported (of a list built when "
                                  "running, an array or a sequence known when compiling it is)");
            return;
        }
        lw_lower_for(c, ast_for(s->l, s->b, seq, s->body, s->orelse));
        return;
    }
    if (!is_range) {
        diag_error(it->l, "only 'for NAME in range(...)' loops and loops over sequences known when "
                          "compiling (lists, tuples, zip(), enumerate()) are supported");
        return;
    }
    if (s->b->kind != A_NAME) {
        diag_error(s->b->l, "only a single name is supported as the variable of a range() loop");
        return;
    }
    args a = lw_args(c, it);
    if (lw_any_err(&a))
        return;
    if (a.nkw || a.npos < 1 || a.npos > 3) {
        diag_error(it->l, "range() takes 1 to 3 integer arguments");
        return;
    }
    ir_expr *e[3];
    for (int i = 0; i < a.npos; i++) {
        if (a.pos[i]->kind != V_SCALAR || ir_type_is_float(a.pos[i]->type)) {
            diag_error(a.pos[i]->l, "'%s' object cannot be interpreted as an integer",
                       a.pos[i]->kind == V_SCALAR ? "float" : lw_vkind_desc(a.pos[i]));
            return;
        }
        e[i] = ir_cast(a.pos[i]->l, T_I64, a.pos[i]->e);
    }
    ir_stmt *st = ir_stmt_new(S_FOR, s->l);
    st->made = c->prelude > 0; /* a loop of np.histogram's or np.interp's definition */
    st->e = a.npos == 1 ? lw_I64(it->l, 0) : e[0];
    st->e2 = a.npos == 1 ? e[0] : e[1];
    st->e3 = a.npos == 3 ? e[2] : lw_I64(it->l, 1);
    int64_t k;
    if (ir_expr_const_int(st->e3, &k) && k == 0) {
        diag_error(a.pos[2]->l, "range() arg 3 must not be zero");
        return;
    }
    /* range() arguments are evaluated once, before the loop */
    for (int i = 0; i < 3; i++) {
        ir_expr **p = i == 0 ? &st->e : i == 1 ? &st->e2 : &st->e3;
        if ((*p)->kind != E_CONST && (*p)->kind != E_VAR)
            pin_range_arg(c, s->l, p);
    }
    st->var = ir_var_new(c->prog, lw_cname(c, arena_printf(&util_arena, "%s_it", s->b->name)), s->b->name, T_I64, 0, 0);
    int mark = c->int_promos.len;
    lw_lower_loop(c, s, s->b, st->var, NULL, st);
    /* the start and step, read at each iteration (emit_host.c), of a name the body assigns
     * (for i in range(i, n), for j in range(n, -1, s) with s = 1 inside): read once, before the
     * loop, as Python does (the stop is read once where the loop starts) */
    for (int i = 0; i < 2; i++) {
        ir_expr **p = i == 0 ? &st->e : &st->e3;
        if ((*p)->kind == E_VAR && lw_body_writes(&st->body, (*p)->var))
            pin_range_arg(c, s->l, p);
    }
    lw_emit_loop(c, st, mark);
}

void lw_lower_while(lctx *c, ast *s)
{
    if (loop_else(c, s) || lw_grow_loop(c, s))
        return;
    ir_stmt *st = ir_stmt_new(S_WHILE, s->l);
    st->made = c->prelude > 0;
    st->e = ir_const_i(s->l, T_BOOL, 1);
    int mark = c->int_promos.len;
    lw_lower_loop(c, s, NULL, NULL, s->a, st);
    lw_emit_loop(c, st, mark);
}
