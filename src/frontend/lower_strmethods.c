/* lower_strmethods.c: the str methods programs use to label their output, on strings known
 * when compiling (literals, names bound to them, "%"-formatted literals): upper, lower,
 * capitalize, title, swapcase, strip, lstrip, rstrip, center, replace, startswith, endswith,
 * split, join, count, find. Each is computed when compiling, as Python computes it; join also
 * takes strings computed at run time (f-strings of numbers), joined as `+` joins them, and a
 * generator over a sequence known only when running, joined in the loop Python runs.
 * (zfill, ljust, rjust and format are lower_format.c's.)
 *
 * Requires: strings are UTF-8 (the lexer checks). Establishes: a method of a string computed
 * at run time, a case method of a string with non-ASCII letters, and arguments of other kinds
 * are located diagnostics, never a wrong string. The methods lines read from files need of a
 * string computed at run time (strip, split, startswith, ...) are lower_textread.c's. */

#include "lower_internal.h"

#include <string.h>

static value *lit(loc l, const char *s)
{
    value *v = lw_vnew(V_STR, l);
    v->str = s;
    return v;
}
static value *lit_n(loc l, const char *s, size_t n) { return lit(l, arena_strndup(&util_arena, s, n)); }

static long chars(const char *s) /* code points */
{
    long n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}
static int ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}
static int is_lower(int ch) { return ch >= 'a' && ch <= 'z'; }
static int is_upper(int ch) { return ch >= 'A' && ch <= 'Z'; }
static int to_upper(int ch) { return is_lower(ch) ? ch - 32 : ch; }
static int to_lower(int ch) { return is_upper(ch) ? ch + 32 : ch; }
static int is_space(int ch) { return ch == ' ' || (ch >= '\t' && ch <= '\r') || (ch >= 0x1c && ch <= 0x1f); }

/* s with m's case mapping; *prev_cased carries title()'s state from the text before s and
 * first says whether s starts the string (capitalize). */
static const char *case_map_from(const char *s, const char *m, int *prev_cased, int first)
{
    size_t n = strlen(s);
    char *r = arena_strndup(&util_arena, s, n);
    for (size_t i = 0; i < n; i++) {
        int ch = (unsigned char)s[i];
        switch (m[0] == 's' ? 'w' : m[0]) {
        case 'u': r[i] = (char)to_upper(ch); break;
        case 'l': r[i] = (char)to_lower(ch); break;
        case 'c': r[i] = (char)(i == 0 && first ? to_upper(ch) : to_lower(ch)); break;
        case 't': r[i] = (char)(*prev_cased ? to_lower(ch) : to_upper(ch)); break;
        case 'w': r[i] = (char)(is_upper(ch) ? to_lower(ch) : to_upper(ch)); break;
        }
        *prev_cased = is_lower(ch) || is_upper(ch);
    }
    return r;
}
static const char *case_map(const char *s, const char *m)
{
    int prev = 0;
    return case_map_from(s, m, &prev, 1);
}

/* A case method of a string built at run time whose run-time pieces are ints formatted in
 * decimal (str(n), f"{n:04d}"): their text has no letters, so the mapping of the literal
 * pieces is the whole mapping (an int piece ends title()'s word). NULL if it has others. */
static value *case_map_fstr(loc l, value *s, const char *m)
{
    value *r = lw_vnew(V_FSTR, l);
    *r = *s;
    r->items = NEWN(value *, s->n);
    int prev = 0;
    for (int i = 0; i < s->n; i++) {
        value *p = s->items[i];
        if (p->kind == V_STR && !p->n) {
            if (!ascii(p->str))
                return NULL;
            r->items[i] = lit(p->l, case_map_from(p->str, m, &prev, i == 0));
            continue;
        }
        if (p->kind != V_SCALAR || p->n || ir_type_is_float(p->type) || p->type == T_BOOL || p->mixed || p->dyn)
            return NULL;
        for (const char *q = p->str ? p->str : ""; *q; q++)
            if ((is_lower((unsigned char)*q) || is_upper((unsigned char)*q)) && *q != 'd')
                return NULL; /* x, X, c, b, o, n...: letters or other digits */
        r->items[i] = p;
        prev = 0;
    }
    return r;
}

/* strip/lstrip/rstrip with chars (NULL: whitespace) */
static value *strip(loc l, const char *s, const char *m, const char *set)
{
    size_t a = 0, b = strlen(s);
    int left = m[0] != 'r', right = m[0] != 'l';
#define IN_SET(ch) (set ? ((ch) && strchr(set, (ch)) != NULL) : is_space(ch))
    while (left && a < b && IN_SET((unsigned char)s[a]))
        a++;
    while (right && b > a && IN_SET((unsigned char)s[b - 1]))
        b--;
#undef IN_SET
    return lit_n(l, s + a, b - a);
}

static value *replace(loc l, const char *s, const char *old, const char *new, int64_t count)
{
    strbuf b = {0};
    size_t no = strlen(old);
    int64_t done = 0;
    if (no == 0) { /* "abc".replace("", "-") is "-a-b-c-" */
        for (const char *p = s;; ) {
            if (count < 0 || done < count) {
                sb_printf(&b, "%s", new);
                done++;
            }
            if (!*p)
                break;
            const char *q = p + 1;
            while (*q && ((unsigned char)*q & 0xC0) == 0x80)
                q++;
            sb_printf(&b, "%.*s", (int)(q - p), p);
            p = q;
        }
    } else {
        const char *p = s, *h;
        while ((count < 0 || done < count) && (h = strstr(p, old))) {
            sb_printf(&b, "%.*s%s", (int)(h - p), p, new);
            p = h + no;
            done++;
        }
        sb_printf(&b, "%s", p);
    }
    value *r = lit_n(l, b.s ? b.s : "", b.len);
    sb_free(&b);
    return r;
}

static value *split(loc l, const char *s, const char *sep, int64_t maxsplit)
{
    value *r = lw_vnew(V_TUPLE, l);
    r->is_list = 1;
    vec items = {0};
    const char *p = s;
    if (!sep) {
        for (;;) {
            while (*p && is_space((unsigned char)*p))
                p++;
            if (!*p)
                break;
            if (maxsplit >= 0 && (int64_t)items.len == maxsplit) { /* the rest as it is */
                vec_push(&items, lit(l, arena_strdup(&util_arena, p)));
                break;
            }
            const char *q = p;
            while (*q && !is_space((unsigned char)*q))
                q++;
            vec_push(&items, lit_n(l, p, (size_t)(q - p)));
            p = q;
        }
    } else {
        size_t ns = strlen(sep);
        const char *h;
        while ((maxsplit < 0 || (int64_t)items.len < maxsplit) && (h = strstr(p, sep))) {
            vec_push(&items, lit_n(l, p, (size_t)(h - p)));
            p = h + ns;
        }
        vec_push(&items, lit(l, arena_strdup(&util_arena, p)));
    }
    r->n = items.len;
    r->items = NEWN(value *, items.len + 1);
    for (int i = 0; i < items.len; i++)
        r->items[i] = VEC_AT(items, i, value *);
    return r;
}

static int const_int(value *v, int64_t *k)
{
    return v->kind == V_SCALAR && !ir_type_is_float(v->type) && ir_expr_const_int(v->e, k);
}

static const char *methods[] = {"upper", "lower", "capitalize", "title", "swapcase", "strip", "lstrip",
                                "rstrip", "center", "replace", "startswith", "endswith", "split",
                                "join", "count", "find", "splitlines", "partition", NULL};

int lw_str_method_known(const char *name)
{
    for (const char **m = methods; *m; m++)
        if (strcmp(*m, name) == 0)
            return 1;
    return 0;
}

/* ---- sep.join(elem for t in it if cond) over a sequence known only when running -------------
 * (a row of an array of a run-time extent, range(n) of a parameter, a list built at run time):
 * a run-time string grown item by item in the loop Python runs,
 *     for join.L.C.t in it:
 *         if cond: join.L.C.add(elem)
 * (the targets renamed: a generator's names are its own), where join.L.C.add, known only here,
 * joins its argument, which must be a string, onto the result. map(f, it) is (f(x) for x in
 * it). */
static struct join_st {
    const char *add; /* the hidden name of the join being lowered, else NULL */
    int k;           /* its run-time string */
    ir_var *first;
    value *sep;
} join_cur;

/* The generator of a join: a comprehension of one for clause and ifs, or map(f, it) as one;
 * NULL for anything else. */
static ast *join_generator(ast *call, ast **target, ast **iter, ast **elem, vec *conds)
{
    if (call->args.len != 1 || call->kwargs.len)
        return NULL;
    ast *g = VEC_AT(call->args, 0, ast *);
    if (g->kind == A_CALL && g->a->kind == A_NAME && strcmp(g->a->name, "map") == 0 && g->args.len == 2 &&
        !g->kwargs.len) {
        *target = ast_name(g->l, "x");
        *iter = VEC_AT(g->args, 1, ast *);
        *elem = ast_call(g->l, VEC_AT(g->args, 0, ast *), ast_arglist(NULL, *target));
        return g;
    }
    if (g->kind != A_COMP || g->ival == 2 || !g->args.len || VEC_AT(g->args, 0, ast *)->kind != A_FOR)
        return NULL;
    for (int k = 1; k < g->args.len; k++) {
        if (VEC_AT(g->args, k, ast *)->kind != A_IF)
            return NULL;
        vec_push(conds, VEC_AT(g->args, k, ast *)->a);
    }
    *target = VEC_AT(g->args, 0, ast *)->b;
    *iter = VEC_AT(g->args, 0, ast *)->a;
    *elem = g->a;
    return g;
}

/* sep.join(g) at run time when g is such a generator whose items are not known when compiling
 * (a probe of g gives no sequence of them); NULL otherwise, for join's other paths. */
static value *join_runtime(lctx *c, ast *call, value *sep)
{
    ast *target, *iter, *elem;
    vec conds = {0}, from = {0}, to = {0};
    ast *g = join_generator(call, &target, &iter, &elem, &conds);
    if (!g || !lw_plain_target_names(target, &from))
        return NULL;
    if (lw_comp_iter_known(c, iter))
        return NULL;
    loc l = call->l;
    const char *base = arena_printf(&util_arena, "join.%d.%d", l.line, l.col);
    for (int i = 0; i < from.len; i++)
        vec_push(&to, (void *)arena_printf(&util_arena, "%s.%s", base, VEC_AT(from, i, const char *)));
    const char *add = arena_printf(&util_arena, "%s.add", base);
    ast *body = ast_expr_stmt(l, ast_call(l, ast_name(l, add), ast_arglist(NULL, ast_clone_expr_renamed(elem, &from, &to))));
    for (int k = conds.len - 1; k >= 0; k--)
        body = ast_if(l, ast_clone_expr_renamed(VEC_AT(conds, k, ast *), &from, &to), ast_vec1(body), (vec){0});
    value *r;
    struct join_st saved = join_cur;
    join_cur.add = add;
    join_cur.k = lw_str_join_begin(c, l, &r);
    join_cur.first = lw_temp_scalar(c, T_BOOL);
    join_cur.sep = sep;
    ir_stmt *set = ir_stmt_new(S_ASSIGN, l);
    set->var = join_cur.first;
    set->e = ir_const_i(l, T_BOOL, 1);
    lw_emit(c, set);
    int errs = diag_count();
    lw_stmt(c, ast_for(l, ast_clone_expr_renamed(target, &from, &to), iter, ast_vec1(body), (vec){0}));
    join_cur = saved;
    return diag_count() > errs ? &lw_ERRV : r;
}

/* join.L.C.add(x) in the loop join_runtime lowers: x joined on; NULL for any other call. */
value *lw_str_join_item(lctx *c, ast *call)
{
    if (!join_cur.add || call->a->kind != A_NAME || strcmp(call->a->name, join_cur.add) != 0)
        return NULL;
    value *x = lw_expr(c, VEC_AT(call->args, 0, ast *));
    if (x->kind == V_ERR)
        return x;
    if (x->kind != V_STR && x->kind != V_FSTR) {
        const char *what = x->kind != V_SCALAR ? lw_vkind_desc(x)
                           : !x->weak ? arena_printf(&util_arena, "numpy.%s", ir_type_name(x->type))
                           : ir_type_is_float(x->type) ? "float" : x->type == T_BOOL ? "bool" : "int";
        diag_error(x->l, "TypeError: sequence item: expected str instance, %s found (join takes strings: "
                         "str(x) or an f-string)", what);
        return &lw_ERRV;
    }
    if (!lw_str_join_step(c, call->l, join_cur.k, join_cur.first, join_cur.sep, x))
        return &lw_ERRV;
    return lw_vnew(V_NONE, call->l);
}

/* s.NAME(...) for a string value s; l the call's location. */
value *lw_str_method(lctx *c, ast *call, value *s)
{
    const char *m = call->a->name;
    loc l = call->l;
    if (strcmp(m, "join") == 0 && (s->kind == V_STR || s->kind == V_FSTR)) {
        value *r = join_runtime(c, call, s);
        if (r)
            return r;
    }
    args a = lw_args(c, call);
    if (lw_any_err(&a) || s->kind == V_ERR)
        return &lw_ERRV;
    int casem = !strcmp(m, "upper") || !strcmp(m, "lower") || !strcmp(m, "capitalize") || !strcmp(m, "title") ||
                !strcmp(m, "swapcase");
    if (s->kind == V_FSTR && casem && a.npos == 0) {
        value *r = case_map_fstr(l, s, m);
        if (!r)
            r = lw_text_str_method(c, l, s, m, &a); /* lower and upper when running */
        if (r)
            return r;
        diag_error(l, "str.%s() of a string computed at run time is supported when what is computed "
                      "is ints in decimal (str(n), f\"{n:03d}\"), not floats or bools", m);
        return &lw_ERRV;
    }
    if (s->kind == V_STR && (!strcmp(m, "splitlines") || !strcmp(m, "partition"))) {
        /* of a literal too: its pieces are made when running, as a line's (lower_textread.c) */
        value *w = lw_vnew(V_FSTR, s->l);
        w->n = 1;
        w->items = NEWN(value *, 1);
        w->items[0] = s;
        s = w;
    }
    if (s->kind == V_FSTR && strcmp(m, "join") != 0) {
        value *r = lw_text_str_method(c, l, s, m, &a); /* strip, split, ...: lower_textread.c */
        if (r)
            return r;
        diag_error(l, "str.%s() of a string computed at run time is not supported (of strings known "
                      "when compiling it is)", m);
        return &lw_ERRV;
    }
    if (a.nkw) {
        diag_error(l, "str.%s() takes no keyword arguments here", m);
        return &lw_ERRV;
    }
    const char *t = s->str;
    int n = a.npos;
    value **p = a.pos;
#define NEED(cond, what)                                                                          \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            diag_error(l, "str.%s() takes %s", m, what);                                          \
            return &lw_ERRV;                                                                      \
        }                                                                                         \
    } while (0)
    if (!strcmp(m, "upper") || !strcmp(m, "lower") || !strcmp(m, "capitalize") || !strcmp(m, "title") ||
        !strcmp(m, "swapcase")) {
        NEED(n == 0, "no arguments");
        if (!ascii(t)) {
            diag_error(l, "str.%s() of a string with non-ASCII characters is not supported", m);
            return &lw_ERRV;
        }
        return lit(l, case_map(t, m));
    }
    if (!strcmp(m, "strip") || !strcmp(m, "lstrip") || !strcmp(m, "rstrip")) {
        NEED(n == 0 || (n == 1 && (p[0]->kind == V_STR || p[0]->kind == V_NONE) &&
                        (p[0]->kind == V_NONE || ascii(p[0]->str))),
             "no argument, None or a string of ASCII characters known when compiling");
        return strip(l, t, m, n && p[0]->kind == V_STR ? p[0]->str : NULL);
    }
    if (!strcmp(m, "center")) {
        int64_t w;
        NEED((n == 1 || n == 2) && const_int(p[0], &w) &&
                 (n == 1 || (p[1]->kind == V_STR && chars(p[1]->str) == 1)),
             "a width known when compiling and optionally one fill character");
        const char *fill = n == 2 ? p[1]->str : " ";
        long len = chars(t);
        if (w <= len)
            return s;
        long marg = (long)w - len, left = marg / 2 + (marg & w & 1);
        strbuf b = {0};
        for (long i = 0; i < left; i++)
            sb_printf(&b, "%s", fill);
        sb_printf(&b, "%s", t);
        for (long i = left; i < marg; i++)
            sb_printf(&b, "%s", fill);
        value *r = lit_n(l, b.s, b.len);
        sb_free(&b);
        return r;
    }
    if (!strcmp(m, "replace")) {
        int64_t count = -1;
        NEED((n == 2 || n == 3) && p[0]->kind == V_STR && p[1]->kind == V_STR && (n == 2 || const_int(p[2], &count)),
             "two strings known when compiling and optionally a count");
        return replace(l, t, p[0]->str, p[1]->str, count);
    }
    if (!strcmp(m, "startswith") || !strcmp(m, "endswith")) {
        NEED(n == 1 && (p[0]->kind == V_STR || p[0]->kind == V_TUPLE), "a string or a tuple of strings");
        int k = p[0]->kind == V_TUPLE ? p[0]->n : 1, yes = 0;
        for (int i = 0; i < k; i++) {
            value *x = p[0]->kind == V_TUPLE ? p[0]->items[i] : p[0];
            if (x->kind != V_STR) {
                diag_error(l, "str.%s() takes a string or a tuple of strings, not a tuple holding %s", m,
                           lw_vkind_desc(x));
                return &lw_ERRV;
            }
            size_t lt = strlen(t), lx = strlen(x->str);
            yes |= lx <= lt && memcmp(m[0] == 's' ? t : t + lt - lx, x->str, lx) == 0;
        }
        return lw_scalar(l, ir_const_i(l, T_BOOL, yes), 1);
    }
    if (!strcmp(m, "split")) {
        int64_t maxsplit = -1;
        NEED(n <= 2 && (n == 0 || p[0]->kind == V_STR || p[0]->kind == V_NONE) && (n < 2 || const_int(p[1], &maxsplit)),
             "a separator (a string or None) and a count known when compiling");
        const char *sep = n && p[0]->kind == V_STR ? p[0]->str : NULL;
        if (sep && !*sep) {
            diag_error(l, "ValueError: empty separator");
            return &lw_ERRV;
        }
        return split(l, t, sep, maxsplit);
    }
    if (!strcmp(m, "count") || !strcmp(m, "find")) {
        NEED(n == 1 && p[0]->kind == V_STR && ascii(p[0]->str) && ascii(t), "a string (ASCII characters)");
        const char *x = p[0]->str;
        size_t lx = strlen(x), lt = strlen(t);
        if (m[0] == 'f') {
            const char *h = strstr(t, x);
            return lw_scalar(l, lw_I64(l, h ? (int64_t)(h - t) : -1), 1);
        }
        int64_t k = 0;
        if (lx == 0)
            k = (int64_t)lt + 1;
        else
            for (const char *h = t; (h = strstr(h, x)); h += lx)
                k++;
        return lw_scalar(l, lw_I64(l, k), 1);
    }
    /* join */
    NEED(n == 1 && p[0]->kind == V_TUPLE, "a list or tuple of strings known when compiling");
    value *seq = p[0], *r = lit(l, "");
    for (int i = 0; i < seq->n; i++) {
        value *x = seq->items[i];
        if (x->kind != V_STR && x->kind != V_FSTR) {
            diag_error(l, "TypeError: sequence item %d: expected str instance, %s found", i,
                       x->kind == V_SCALAR ? (ir_type_is_float(x->type) ? "float" : x->type == T_BOOL ? "bool" : "int")
                                           : lw_vkind_desc(x));
            return &lw_ERRV;
        }
        if (i)
            r = lw_str_binop(c, l, '+', r, s);
        r = lw_str_binop(c, l, '+', r, x);
        if (!r || r->kind == V_ERR)
            return &lw_ERRV;
    }
    return r;
#undef NEED
}
