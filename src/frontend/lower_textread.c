/* lower_textread.c: reading text files as Python does, and the str methods programs apply to
 * the lines they read: a parameter file of `key = value` lines, a log written earlier and read
 * back, a CSV of station coordinates.
 *
 *   open(path) / open(path, "r") / with open(path) as f:
 *                          a V_MODULE "os.rfile" whose n is its file number f: S_OS IR_OS_TEXT
 *                          IR_TX_OPEN, which rank 0 reads whole and broadcasts (tyl_textread.c);
 *                          every rank holds the text, so what is computed from it is the same
 *                          everywhere, and a missing file is Python's FileNotFoundError on all;
 *   f.read(), f.readline() a run-time string (V_FSTR of one run-time piece);
 *   f.readlines(), for line in f:
 *                          a split: a V_MODULE "os.split" whose n is its table t (the lines
 *                          with their ends), e the first item taken (a slice lines[1:]; NULL: 0);
 *   s.split(sep, maxsplit), s.split(), s.splitlines(), s.partition(sep) of a run-time string s:
 *                          a split too; len(), [i], [a:], a loop over it, `a, b = s.split("=")`
 *                          (Python's ValueError when the count differs), its truth;
 *   s.strip/lstrip/rstrip(chars), s.lower(), s.upper(): a new run-time string;
 *   s.startswith(p), s.endswith(p), p in s, len(s), `if not s`: a bool or an int, p a string
 *                          known when compiling.
 * float(s), int(s) and s == "dx" of a run-time string are lower_sysos.c's.
 *
 * Requires: lower_sysos.c's open() passes here for reading; the callers below (attributes of a
 * file, str methods, subscripts, len, truth, `in`, unpacking, for loops) pass the values here.
 * Establishes: every operation is one S_OS statement over numbered strings and tables, computed
 * on every rank from the same text; other methods of run-time strings stay located refusals. */

#include "lower_internal.h"

#include <string.h>

static int nfiles, ntables; /* numbers given so far (the runtime's tables grow to them) */

static value *module(loc l, const char *name, int n)
{
    value *m = lw_vnew(V_MODULE, l);
    m->str = name;
    m->n = n;
    return m;
}

int lw_is_text_file(const value *v) { return v->kind == V_MODULE && strcmp(v->str, "os.rfile") == 0; }
int lw_is_split(const value *v) { return v->kind == V_MODULE && strcmp(v->str, "os.split") == 0; }

static ir_stmt *op(loc l, int tx)
{
    ir_stmt *s = ir_stmt_new(S_OS, l);
    s->init = IR_OS_TEXT;
    s->na = tx;
    return s;
}

/* the run-time string number holding v (a V_FSTR): its own where it is one run-time piece,
 * else a new one built from its pieces */
static int str_of(lctx *c, loc l, value *v)
{
    if (v->kind == V_FSTR && v->n == 1 && v->items[0]->kind == V_STR && v->items[0]->n > 0 &&
        !v->items[0]->str[0])
        return v->items[0]->n;
    return lw_str_build(c, l, v);
}

/* a new run-time string set by s */
static value *str_result(lctx *c, ir_stmt *s)
{
    value *r = lw_str_runtime(s->l, &s->sbuf);
    lw_emit(c, s);
    return r;
}

static value *scalar_result(lctx *c, ir_stmt *s, ir_type t)
{
    s->var = lw_temp_scalar(c, t);
    lw_emit(c, s);
    return lw_scalar(s->l, ir_varref(s->l, s->var), 1);
}

static value *new_split(lctx *c, ir_stmt *s)
{
    s->nb = ++ntables;
    lw_emit(c, s);
    return module(s->l, "os.split", s->nb);
}

/* open(path) for reading; path a V_STR or V_FSTR (lower_sysos.c checked the rest) */
value *lw_text_open(lctx *c, loc l, value *path)
{
    ir_stmt *s = op(l, IR_TX_OPEN);
    s->n = ++nfiles;
    if (path->kind == V_STR)
        s->str = path->str;
    else if (path->kind == V_FSTR)
        s->sbuf = lw_str_build(c, l, path);
    else {
        diag_error(path->l, "open() needs the path as a string, not %s", lw_vkind_desc(path));
        return &lw_ERRV;
    }
    lw_emit(c, s);
    return module(l, "os.rfile", s->n);
}

/* f.read(), f.readline(), f.readlines(), f.close() (the name after "os.rfile.") */
value *lw_text_file_call(lctx *c, loc l, const char *m, int f, args *a)
{
    if (a->npos || a->nkw) {
        diag_error(l, "%s() of a file takes no arguments here (a size is not supported)", m);
        return &lw_ERRV;
    }
    int tx = !strcmp(m, "read") ? IR_TX_READ : !strcmp(m, "readline") ? IR_TX_READLINE
             : !strcmp(m, "readlines") ? IR_TX_LINES : IR_TX_CLOSE;
    ir_stmt *s = op(l, tx);
    s->n = f;
    if (tx == IR_TX_CLOSE) {
        lw_emit(c, s);
        return lw_vnew(V_NONE, l);
    }
    if (tx == IR_TX_LINES)
        return new_split(c, s);
    return str_result(c, s);
}

/* a string argument known when compiling (NULL with a diagnostic) */
static const char *lit_arg(value *v, const char *m, const char *what)
{
    if (v->kind == V_STR)
        return v->str;
    if (v->kind != V_ERR)
        diag_error(v->l, "%s() of a string read when running takes %s known when compiling, not %s", m, what,
                   v->kind == V_FSTR ? "a string built when running" : lw_vkind_desc(v));
    return NULL;
}

static value *kw_or_pos(args *a, int i, const char *name)
{
    for (int k = 0; k < a->nkw; k++)
        if (strcmp(a->kwname[k], name) == 0)
            return a->kw[k];
    return i < a->npos ? a->pos[i] : NULL;
}

/* a method m of the run-time string s (a V_FSTR); NULL where m is not one of these */
value *lw_text_str_method(lctx *c, loc l, value *s, const char *m, args *a)
{
    static const char *const names[] = {"strip", "lstrip", "rstrip", "lower", "upper", "split", "splitlines",
                                        "partition", "startswith", "endswith", NULL};
    int which = -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(m, names[i]) == 0)
            which = i;
    if (which < 0)
        return NULL;
    const char *const params[][2] = {{"chars", NULL}, {"chars", NULL}, {"chars", NULL}, {NULL, NULL}, {NULL, NULL},
                                     {"sep", "maxsplit"}, {"keepends", NULL}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}};
    int npar = params[which][1] ? 2 : params[which][0] ? 1 : 0;
    if (which == 7 || which >= 8)
        npar = 1;
    if (a->npos > npar) {
        diag_error(l, "%s() takes at most %d argument%s (%d given)", m, npar, npar == 1 ? "" : "s", a->npos);
        return &lw_ERRV;
    }
    for (int k = 0; k < a->nkw; k++)
        if (!params[which][0] || (strcmp(a->kwname[k], params[which][0]) != 0 &&
                                  (!params[which][1] || strcmp(a->kwname[k], params[which][1]) != 0))) {
            diag_error(a->kwast[k]->l, "%s() got an unexpected keyword argument '%s'", m, a->kwname[k]);
            return &lw_ERRV;
        }
    int src = str_of(c, l, s);
    value *a0 = kw_or_pos(a, 0, params[which][0] ? params[which][0] : "");
    if (which <= 2) { /* strip, lstrip, rstrip */
        ir_stmt *st = op(l, IR_TX_STRIP + which);
        st->n = src;
        if (a0 && a0->kind != V_NONE && !(st->str = lit_arg(a0, m, "the characters as a string")))
            return &lw_ERRV;
        for (const char *p = st->str; p && *p; p++)
            if ((unsigned char)*p >= 0x80) { /* tyl_str_strip compares bytes */
                diag_error(a0->l, "%s() of a string read when running takes ASCII characters to strip", m);
                return &lw_ERRV;
            }
        return str_result(c, st);
    }
    if (which <= 4) {
        ir_stmt *st = op(l, which == 3 ? IR_TX_LOWER : IR_TX_UPPER);
        st->n = src;
        return str_result(c, st);
    }
    if (which == 5) { /* split(sep=None, maxsplit=-1) */
        ir_stmt *st = op(l, IR_TX_SPLIT);
        st->n = src;
        if (a0 && a0->kind != V_NONE && !(st->str = lit_arg(a0, m, "the separator as a string")))
            return &lw_ERRV;
        if (st->str && !st->str[0]) {
            diag_error(a0->l, "ValueError: empty separator");
            return &lw_ERRV;
        }
        value *ms = kw_or_pos(a, 1, "maxsplit");
        if (ms) {
            if (!lw_is_int_scalar(ms)) {
                diag_error(ms->l, "TypeError: '%s' object cannot be interpreted as an integer",
                           ms->kind == V_SCALAR ? "float" : lw_vkind_desc(ms));
                return &lw_ERRV;
            }
            st->e = ir_cast(l, T_I64, ms->e);
        }
        return new_split(c, st);
    }
    if (which == 6) { /* splitlines(keepends=False) */
        int64_t keep = 0;
        if (a0 && (a0->kind != V_SCALAR || !ir_expr_const_int(ir_cast(l, T_I64, a0->e), &keep))) {
            diag_error(a0->l, "splitlines() takes keepends as True or False known when compiling");
            return &lw_ERRV;
        }
        ir_stmt *st = op(l, keep ? IR_TX_KEEPENDS : IR_TX_SPLITLINES);
        st->n = src;
        return new_split(c, st);
    }
    if (!a0) {
        diag_error(l, "%s() takes exactly one argument (0 given)", m);
        return &lw_ERRV;
    }
    const char *p = lit_arg(a0, m, "a string");
    if (!p)
        return &lw_ERRV;
    if (which == 7) { /* partition(sep): a tuple of three strings */
        if (!p[0]) {
            diag_error(a0->l, "ValueError: empty separator");
            return &lw_ERRV;
        }
        ir_stmt *st = op(l, IR_TX_PARTITION);
        st->n = src;
        st->str = p;
        value *sp = new_split(c, st), *t = lw_vnew(V_TUPLE, l);
        t->n = 3;
        t->items = NEWN(value *, 4);
        for (int i = 0; i < 3; i++) {
            ir_stmt *it = op(l, IR_TX_ITEM);
            it->nb = sp->n;
            it->e = lw_I64(l, i);
            t->items[i] = str_result(c, it);
        }
        return t;
    }
    ir_stmt *st = op(l, which == 8 ? IR_TX_STARTS : IR_TX_ENDS);
    st->n = src;
    st->str = p;
    return scalar_result(c, st, T_BOOL);
}

/* p in s, s a run-time string */
value *lw_text_contains(lctx *c, loc l, value *p, value *s)
{
    if (p->kind != V_STR) {
        diag_error(p->l, "'in' of a string read when running is supported for a string known when compiling, not %s",
                   p->kind == V_FSTR ? "one built when running" : lw_vkind_desc(p));
        return NULL;
    }
    ir_stmt *st = op(l, IR_TX_CONTAINS);
    st->n = str_of(c, l, s);
    st->str = p->str;
    return scalar_result(c, st, T_BOOL);
}

/* len(v): the items of a split from its first, or the code points of a run-time string */
value *lw_text_len(lctx *c, loc l, value *v)
{
    if (v->kind == V_FSTR) {
        ir_stmt *st = op(l, IR_TX_LEN);
        st->n = str_of(c, l, v);
        return scalar_result(c, st, T_I64);
    }
    ir_stmt *st = op(l, IR_TX_COUNT);
    st->nb = v->n;
    value *n = scalar_result(c, st, T_I64);
    if (v->e)
        n = lw_scalar(l, ir_bin(l, OP_MAX, T_I64, ir_bin(l, OP_SUB, T_I64, n->e, v->e, 0), lw_I64(l, 0), 0), 1);
    return n;
}

/* Python's truth of a split (has items) or a run-time string (is not empty) */
value *lw_text_truth(lctx *c, loc l, value *v)
{
    return lw_scalar(l, ir_bin(l, OP_CGT, T_BOOL, lw_text_len(c, l, v)->e, lw_I64(l, 0), 0), 1);
}

/* item i (an int64 expression, < 0 from the end) of split v */
static value *item(lctx *c, loc l, value *v, ir_expr *i)
{
    ir_stmt *st = op(l, IR_TX_ITEM);
    st->nb = v->n;
    if (v->e) { /* lines[k:][i]: i >= 0 is k + i; i < 0 counts from the end, never before k */
        ir_expr *n = lw_text_len(c, l, v)->e;
        ir_expr *back = ir_bin(l, OP_ADD, T_I64, i, n, 0);
        ir_expr *bad = ir_bin(l, OP_LOR, T_BOOL, ir_bin(l, OP_CLT, T_BOOL, back, lw_I64(l, 0), 0),
                              ir_bin(l, OP_CGE, T_BOOL, i, n, 0), 0);
        lw_emit_raise(c, l, bad, "IndexError: list index out of range");
        i = ir_bin(l, OP_ADD, T_I64, v->e, ir_select(l, T_I64, ir_bin(l, OP_CLT, T_BOOL, i, lw_I64(l, 0), 0), back, i), 0);
    }
    st->e = i;
    return str_result(c, st);
}

/* v[i] and v[k:] of a split v (k an int >= 0) */
value *lw_text_index(lctx *c, ast *sub, value *v)
{
    ast *ix = sub->args.len == 1 ? VEC_AT(sub->args, 0, ast *) : NULL;
    if (ix && ix->kind == A_SLICE && ix->a && !ix->b && !ix->c) {
        value *k = lw_expr(c, ix->a);
        int64_t kk;
        if (k->kind == V_ERR)
            return k;
        if (lw_is_int_scalar(k) && ir_expr_const_int(k->e, &kk) && kk >= 0) {
            value *r = module(sub->l, "os.split", v->n);
            r->e = v->e ? ir_bin(sub->l, OP_ADD, T_I64, v->e, lw_I64(sub->l, kk), 0) : lw_I64(sub->l, kk);
            return r;
        }
    }
    if (!ix || ix->kind == A_SLICE) {
        diag_error(sub->l, "lines or pieces of a string read when running are supported indexed by one int "
                           "(parts[0]), sliced from an int known when compiling (lines[1:]), in len() and in loops");
        return &lw_ERRV;
    }
    value *iv = lw_list_index_int(c, ix);
    if (iv->kind == V_ERR)
        return iv;
    return item(c, sub->l, v, ir_cast(sub->l, T_I64, iv->e));
}

/* a, b = v of a split v: Python's ValueError unless it has n items, then the n strings */
value *lw_text_unpack(lctx *c, loc l, value *v, int n)
{
    if (v->e) {
        value *len = lw_text_len(c, l, v);
        lw_emit_raise(c, l, ir_bin(l, OP_CGT, T_BOOL, len->e, lw_I64(l, n), 0),
                      arena_printf(&util_arena, "ValueError: too many values to unpack (expected %d)", n));
        lw_emit_raise(c, l, ir_bin(l, OP_CLT, T_BOOL, len->e, lw_I64(l, n), 0),
                      arena_printf(&util_arena, "ValueError: not enough values to unpack (expected %d)", n));
    } else {
        ir_stmt *st = op(l, IR_TX_UNPACK);
        st->nb = v->n;
        st->e = lw_I64(l, n);
        lw_emit(c, st);
    }
    value *t = lw_vnew(V_TUPLE, l);
    t->n = n;
    t->items = NEWN(value *, n + 1);
    for (int i = 0; i < n; i++)
        t->items[i] = item(c, l, v, lw_I64(l, i));
    return t;
}

/* for target in ITER, ITER a name bound to a file or a split, or a call that may make one
 * (f.readlines(), s.split(","), open(p)): the sequence is taken once, bound to a hidden name,
 * then `for k in range(len(seq)): target = seq[k]; body`. A file is looped over as its
 * readlines(). 0: not such a loop (nothing was lowered). */
int lw_text_for(lctx *c, ast *s)
{
    ast *it = s->a;
    int unbound;
    if (it->kind == A_CALL && !it->kwargs.len &&
        ((it->a->kind == A_ATTR && (!strcmp(it->a->name, "readlines") || !strcmp(it->a->name, "split") ||
                                    !strcmp(it->a->name, "splitlines"))) ||
         (it->a->kind == A_NAME && !strcmp(it->a->name, "open") && !lw_lookup(c, "open", &unbound)))) {
        value *v = lw_expr(c, it);
        if (v->kind == V_ERR)
            return 1;
        const char *nm = arena_printf(&util_arena, "for.%d.%d.text", s->l.line, s->l.col);
        binding *b = lw_bind(c, nm);
        b->kind = B_VALUE;
        b->val = v;
        lw_lower_for(c, ast_for(s->l, s->b, ast_name(it->l, nm), s->body, s->orelse));
        return 1;
    }
    if (it->kind != A_NAME)
        return 0;
    binding *b = lw_lookup(c, it->name, &unbound);
    if (b && b->kind == B_VALUE && lw_is_sdict(b->val)) {
        diag_error(it->l, "a loop over a dict filled with keys read when running is not supported (its keys "
                          "are known only then; read them by name: d[\"dx\"])");
        return 1;
    }
    if (!b || b->kind != B_VALUE || (!lw_is_text_file(b->val) && !lw_is_split(b->val)))
        return 0;
    loc l = it->l;
    ast *seq = it;
    if (lw_is_text_file(b->val)) { /* for line in f: its lines from where it stands */
        const char *nm = arena_printf(&util_arena, "for.%d.%d.lines", s->l.line, s->l.col);
        binding *lb = lw_bind(c, nm);
        lb->kind = B_VALUE;
        lb->val = lw_text_file_call(c, l, "readlines", b->val->n, &(args){0});
        seq = ast_name(l, nm);
    }
    lw_for_by_index(c, s, seq, l);
    return 1;
}
