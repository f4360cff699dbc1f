/* lower_output.c: the other ways simulation codes write their results than np.save and print:
 * np.savez, np.savez_compressed and np.savetxt (a bundle of fields for a plotting script, a
 * column of a time series), and np.set_printoptions (how print shows arrays).
 *
 * The saves become S_SAVE statements (init 1: a member of a .npz, 2: a text file) that the run
 * time writes as NumPy does (src/runtime_mpi/tyl_savetext.c): np.load and np.loadtxt read the
 * same arrays back. What NumPy decides from its arguments alone (member names, the row format,
 * the header's text) is decided here, with NumPy's messages for what it refuses. The print
 * options become S_PRINTOPT, which sets them in the run time's array printer (tyl_print.c).
 *
 * Requires: the arguments are lowered values (lw_builtin_call).
 * Establishes: one S_SAVE per array, in the order NumPy writes them. */

#include "lower_internal.h"

#include <limits.h>
#include <math.h>
#include <string.h>

/* a whole slot holding v's array (materialized when v is a view or an expression) */
static ir_var *slot_of(lctx *c, value *arr)
{
    ir_var *slot = lw_whole_slot(arr);
    return slot ? slot : lw_whole_slot(lw_materialize(c, arr));
}

/* the file name: a string known now (str) or built when running (sbuf); 0 after an error */
static int file_name(lctx *c, loc l, value *v, const char *f, ir_stmt *s)
{
    if (v->kind == V_STR) {
        s->str = v->str;
        return 1;
    }
    if (v->kind == V_FSTR) {
        s->sbuf = lw_str_build(c, l, v);
        return 1;
    }
    if (v->kind != V_ERR)
        diag_error(v->l, "%s() needs the file name as a string, not %s", f, lw_vkind_desc(v));
    return 0;
}

/* np.savez(file, *args, **kwds), np.savez_compressed: members arr_0, arr_1, ... then the keywords */
static value *np_savez(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)v;
    if (a->npos < 1) {
        diag_error(l, "%s() missing 1 required positional argument: 'file'", f + 3);
        return &lw_ERRV;
    }
    int n = a->npos - 1 + a->nkw, k = 0;
    if (n == 0) {
        diag_error(l, "%s() of no arrays is not supported (the file would hold none)", f);
        return &lw_ERRV;
    }
    value **arrs = NEWN(value *, n);
    const char **names = NEWN(const char *, n);
    int bad = 0;
    for (int i = 1; i < a->npos; i++, k++) {
        names[k] = arena_printf(&util_arena, "arr_%d", i - 1);
        arrs[k] = a->pos[i];
    }
    for (int i = 0; i < a->nkw; i++, k++) {
        for (int j = 0; j < a->npos - 1; j++)
            if (strcmp(names[j], a->kwname[i]) == 0) {
                diag_error(a->kwast[i]->l, "Cannot use un-named variables and keyword %s", a->kwname[i]);
                bad = 1;
            }
        if (strcmp(a->kwname[i], "allow_pickle") == 0) {
            diag_error(a->kwast[i]->l, "%s(): allow_pickle is not supported (the keyword would be "
                                       "a member's name here in NumPy 2 too; name it otherwise)", f);
            bad = 1;
        }
        names[k] = a->kwname[i];
        arrs[k] = a->kw[i];
    }
    ir_stmt proto = {0};
    if (!file_name(c, l, a->pos[0], f, &proto) || bad)
        return &lw_ERRV;
    ir_var **slots = NEWN(ir_var *, n);
    for (int i = 0; i < n; i++) { /* every array before the first is written, as NumPy */
        value *arr = lw_array_arg(c, arrs[i], f);
        if (!arr)
            return &lw_ERRV;
        slots[i] = slot_of(c, arr);
    }
    for (int i = 0; i < n; i++) {
        ir_stmt *s = ir_stmt_new(S_SAVE, l);
        s->str = proto.str;
        s->sbuf = proto.sbuf;
        s->var = slots[i];
        s->init = 1;
        s->end = names[i];
        s->n = i;
        s->na = n;
        lw_emit(c, s);
    }
    return lw_vnew(V_NONE, l);
}

static const char *py_str_repr(const char *s)
{
    return arena_printf(&util_arena, "'%s'", s);
}

/* Checks one %-conversion of fmt at s (after the '%'): Python's grammar without mapping keys
 * and '*'; returns its length after the '%', or 0 with a diagnostic. */
static int check_spec(const char *s, loc l, const char *fmt, ir_type t)
{
    size_t n = strspn(s, "#0- +");
    n += strspn(s + n, "0123456789");
    if (s[n] == '.') {
        n++;
        n += strspn(s + n, "0123456789");
    }
    n += strspn(s + n, "lhL");
    char conv = s[n];
    if (!conv || !strchr("diuoxXeEfFgG", conv)) {
        diag_error(l, "np.savetxt(): the format '%s' is not supported: its conversions are %%d %%i "
                      "%%u %%o %%x %%X %%e %%E %%f %%F %%g %%G with flags, width and precision", fmt);
        return 0;
    }
    if (strchr("oxX", conv) && ir_type_is_float(t)) {
        diag_error(l, "Mismatch between array dtype ('%s') and format specifier ('%s')",
                   ir_type_name(t), fmt);
        return 0;
    }
    return (int)n + 1;
}

/* count of '%' in s (NumPy's n_fmt_chars) and the conversions checked; -1 after a diagnostic */
static int specs(const char *s, loc l, const char *whole, ir_type t)
{
    int n = 0;
    for (const char *p = s; *p; p++)
        if (*p == '%') {
            if (p[1] == '%') {
                diag_error(l, "np.savetxt(): '%%%%' in a format is not supported");
                return -1;
            }
            int k = check_spec(p + 1, l, whole, t);
            if (!k)
                return -1;
            n++;
            p += k;
        }
    return n;
}

static const char *str_arg(value *v, const char *def, const char *what)
{
    if (!v)
        return def;
    if (v->kind == V_STR)
        return v->str;
    if (v->kind != V_ERR)
        diag_error(v->l, "np.savetxt(): %s must be a string known when compiling, not %s", what,
                   lw_vkind_desc(v));
    return NULL;
}

/* np.savetxt(fname, X, fmt='%.18e', delimiter=' ', newline='\n', header='', footer='',
 *            comments='# ') */
static value *np_savetxt(lctx *c, loc l, const char *f, value **v0, args *a)
{
    (void)v0;
    static const char *params[] = {"fname", "X", "fmt", "delimiter", "newline", "header", "footer",
                                   "comments", "encoding"};
    value *v[9];
    if (!lw_match_args(l, f, a, 9, params, 2, v))
        return &lw_ERRV;
    if (v[8] && v[8]->kind != V_NONE) {
        diag_error(v[8]->l, "np.savetxt(): encoding= is not supported (the file is written in NumPy's "
                            "default encoding, latin1)");
        return &lw_ERRV;
    }
    ir_stmt *s = ir_stmt_new(S_SAVE, l);
    if (!file_name(c, l, v[0], f, s))
        return &lw_ERRV;
    if (s->str) {
        size_t n = strlen(s->str);
        if (n >= 3 && (strcmp(s->str + n - 3, ".gz") == 0 || (n >= 4 && strcmp(s->str + n - 4, ".bz2") == 0) ||
                       (n >= 3 && strcmp(s->str + n - 3, ".xz") == 0))) {
            diag_error(v[0]->l, "np.savetxt() to a compressed file ('%s') is not supported", s->str);
            return &lw_ERRV;
        }
    }
    value *arr = lw_array_arg(c, v[1], f);
    if (!arr)
        return &lw_ERRV;
    if (arr->rank > 2) {
        diag_error(v[1]->l, "Expected 1D or 2D array, got %dD array instead", arr->rank);
        return &lw_ERRV;
    }
    /* a header or footer may be built when running ("N = %d" % N): run-time string k */
    int hk[2] = {0, 0};
    const char *hf[2] = {"", ""};
    for (int k = 0; k < 2; k++) {
        value *x = v[5 + k];
        if (x && x->kind == V_FSTR)
            hk[k] = lw_str_build(c, l, x);
        else if (!(hf[k] = str_arg(x, "", k ? "footer" : "header")))
            return &lw_ERRV;
    }
    const char *delim = str_arg(v[3], " ", "delimiter"), *newline = str_arg(v[4], "\n", "newline"),
               *comments = str_arg(v[7], "# ", "comments");
    if (!delim || !newline || !comments)
        return &lw_ERRV;
    const char *fmt, *bad;
    int nspec;
    value *fv = v[2];
    if (!fv || fv->kind == V_STR) {
        fmt = fv ? fv->str : "%.18e";
        int k = specs(fmt, fv ? fv->l : l, fmt, arr->type);
        if (k < 0)
            return &lw_ERRV;
        nspec = k == 1 ? 0 : k;
        bad = arena_printf(&util_arena, "ValueError: fmt has wrong number of %% formats:  %s", fmt);
        if (k != 1 && arr->rank == 1) { /* one column */
            diag_error(fv->l, "fmt has wrong number of %% formats:  %s", fmt);
            return &lw_ERRV;
        }
    } else if (fv->kind == V_TUPLE && fv->n > 0) {
        strbuf j = {0}, r = {0};
        sb_printf(&r, "[");
        for (int i = 0; i < fv->n; i++) {
            value *it = fv->items[i];
            if (it->kind != V_STR) {
                diag_error(it->l, "np.savetxt(): each format must be a string, not %s", lw_vkind_desc(it));
                sb_free(&j);
                sb_free(&r);
                return &lw_ERRV;
            }
            if (specs(it->str, it->l, it->str, arr->type) < 0) {
                sb_free(&j);
                sb_free(&r);
                return &lw_ERRV;
            }
            sb_printf(&j, "%s%s", i ? delim : "", it->str);
            sb_printf(&r, "%s%s", i ? ", " : "", py_str_repr(it->str));
        }
        sb_printf(&r, "]");
        fmt = arena_printf(&util_arena, "%s", j.s);
        nspec = fv->n;
        bad = arena_printf(&util_arena, "AttributeError: fmt has wrong shape.  %s",
                           fv->is_list ? r.s : arena_printf(&util_arena, "(%.*s%s)", (int)strlen(r.s) - 2,
                                                            r.s + 1, fv->n == 1 ? "," : ""));
        sb_free(&j);
        sb_free(&r);
        if (arr->rank == 1 && nspec != 1) {
            diag_error(fv->l, "%s", bad + strlen("AttributeError: "));
            return &lw_ERRV;
        }
    } else {
        if (fv->kind != V_ERR)
            diag_error(fv->l, "np.savetxt(): fmt must be a string or a list of strings, not %s",
                       lw_vkind_desc(fv));
        return &lw_ERRV;
    }
    int64_t ncol;
    if (nspec && arr->rank == 2 && sym_is_const(arr->sh[1], &ncol) && ncol != nspec) {
        diag_error(fv->l, "%s", strchr(bad, ':') + 2);
        return &lw_ERRV;
    }
    s->var = slot_of(c, arr);
    s->init = 2;
    s->n = nspec;
    s->strs = NEWN(const char *, 7);
    s->strs[0] = fmt;
    s->strs[1] = bad;
    s->strs[2] = delim;
    s->strs[3] = newline;
    s->strs[4] = hf[0];
    s->strs[5] = hf[1];
    s->strs[6] = comments;
    s->pspec = NEWN(int, 2);
    s->pspec[0] = hk[0];
    s->pspec[1] = hk[1];
    lw_emit(c, s);
    return lw_vnew(V_NONE, l);
}

/* ---- np.set_printoptions ------------------------------------------------------------------ */

/* an option's value known when compiling: an int (bool: 0 or 1), or a float (np.inf) */
static int const_opt(value *v, int64_t *k, double *f)
{
    if (v->kind != V_SCALAR || !v->e || v->e->kind != E_CONST)
        return 0;
    if (ir_type_is_float(v->e->type)) {
        *f = v->e->c.f;
        return 2;
    }
    *k = v->e->c.i;
    return 1;
}

/* np.set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
 *                     suppress=None, nanstr=None, infstr=None, formatter=None, sign=None,
 *                     floatmode=None, *, legacy=None, override_repr=None) */
static value *np_set_printoptions(lctx *c, loc l, const char *f, value **v0, args *a)
{
    (void)v0;
    static const char *params[] = {"precision", "threshold", "edgeitems", "linewidth", "suppress",
                                   "nanstr", "infstr", "formatter", "sign", "floatmode", "legacy",
                                   "override_repr"};
    value *v[12];
    if (a->npos > 10) { /* legacy and override_repr are keyword-only */
        diag_error(l, "set_printoptions() takes from 0 to 10 positional arguments but %d were given", a->npos);
        return &lw_ERRV;
    }
    if (!lw_match_args(l, f, a, 12, params, 0, v))
        return &lw_ERRV;
    /* the ones left at NumPy's defaults are accepted; others change what tylesc does not */
    static const char *defaults[] = {"nan", "inf", NULL, "-", "maxprec"};
    int bad = 0;
    for (int i = 5; i < 12; i++) {
        if (!v[i] || v[i]->kind == V_NONE)
            continue;
        const char *d = i < 10 ? defaults[i - 5] : NULL;
        int64_t k;
        double x;
        if ((d && v[i]->kind == V_STR && strcmp(v[i]->str, d) == 0) ||
            (i == 10 && const_opt(v[i], &k, &x) == 1 && k == 0)) /* legacy=False */
            continue;
        diag_error(v[i]->l, "np.set_printoptions(): %s= other than NumPy's default%s%s%s is not "
                            "supported (precision, threshold, edgeitems, linewidth and suppress are)",
                   params[i], d ? " '" : "", d ? d : "", d ? "'" : "");
        bad = 1;
    }
    int opt[5] = {-1, -1, -1, -1, -1};
    static const int64_t most[5] = {30, -1, 64, 100000, 1};
    for (int i = 0; i < 5; i++) {
        if (!v[i] || v[i]->kind == V_NONE)
            continue;
        int64_t k = 0;
        double x = 0;
        int kind = const_opt(v[i], &k, &x);
        if (i == 1 && kind == 2 && isinf(x) && x > 0) { /* threshold=np.inf: never summarise */
            opt[i] = -2;
            continue;
        }
        if (i == 4 && kind) { /* suppress: any number, as bool(suppress) */
            opt[i] = kind == 1 ? k != 0 : x != 0;
            continue;
        }
        if (kind != 1 || v[i]->e->type == T_BOOL) {
            if (v[i]->kind != V_ERR)
                diag_error(v[i]->l, "np.set_printoptions(): %s must be %s known when compiling, not %s",
                           params[i], i == 4 ? "True or False" : i == 1 ? "an int or np.inf" : "an int",
                           v[i]->kind == V_SCALAR && !kind ? "a value the program computes when it runs "
                                                             "(a parameter)" : lw_vkind_desc(v[i]));
            bad = 1;
            continue;
        }
        if (k < 0) {
            diag_error(v[i]->l, "%s must be a non-negative integer", params[i]);
            bad = 1;
            continue;
        }
        if (most[i] >= 0 && k > most[i]) {
            diag_error(v[i]->l, "np.set_printoptions(): %s=%lld is not supported (at most %lld)",
                       params[i], (long long)k, (long long)most[i]);
            bad = 1;
            continue;
        }
        opt[i] = k > INT_MAX ? -2 : (int)k; /* a threshold past any array printed: never */
    }
    if (bad)
        return &lw_ERRV;
    ir_stmt *s = ir_stmt_new(S_PRINTOPT, l);
    s->n = 5;
    s->pspec = NEWN(int, 5);
    for (int i = 0; i < 5; i++)
        s->pspec[i] = opt[i];
    lw_emit(c, s);
    return lw_vnew(V_NONE, l);
}

/* np.array2string, np.array_str, np.array_repr: an array's text is made only as print writes
 * it (tyl_print.c), with the options np.set_printoptions set; refused with that way out. */
static value *np_array_text(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)c, (void)v, (void)a;
    diag_error(l, "%s() is not supported: print the array itself (print(a), f\"{a}\", str(a) or repr(a) in print), "
                  "after np.set_printoptions(precision=...) for its digits", f);
    return &lw_ERRV;
}

static const lw_builtin np_table[] = {
    {"np.set_printoptions", {"*"}, 0, np_set_printoptions}, /* twelve parameters: matched there */
    {"np.array2string", {"*"}, LW_REFUSED, np_array_text},
    {"np.array_str", {"*"}, LW_REFUSED, np_array_text},
    {"np.array_repr", {"*"}, LW_REFUSED, np_array_text},
    {"np.savez", {"*"}, 0, np_savez},
    {"np.savez_compressed", {"*"}, 0, np_savez},
    {"np.savetxt", {"*"}, 0, np_savetxt}, /* nine parameters: matched by np_savetxt */
};
const lw_builtin *lw_output_find(const char *name, int method)
{
    if (method)
        return NULL;
    return lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, name);
}
