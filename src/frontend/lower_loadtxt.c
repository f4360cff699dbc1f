/* lower_loadtxt.c: np.loadtxt and np.genfromtxt of a small text file of numbers (a table of
 * measurements, a station record, a residual history written earlier in the run).
 * NumPy squeezes the result (one row or one column gives a 1-D array), so its number of
 * dimensions depends on the file: tylesc reads a file it can see (the working directory, next to
 * the program, PROGRAM.data/) with the run-time library's parser (tyl_txtparse.c), refuses it
 * here in NumPy's words where NumPy would refuse it, and takes the rank from it; a file it cannot
 * see (written by the program itself) is taken as 2-D (1-D with one usecols column or
 * usecols=int, 2-D with ndmin=2), and the program checks that when it reads it.
 * Requires: arguments lowered (lower_numpy.c's table). Establishes: an S_LOAD with txt set into
 * a new slot whose extents are run-time atoms, or a diagnostic. */
#include "lower_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime_mpi/tyl_txtparse.h"
#include "../util/diag.h"
#include "input_decl.h"
#include "npy_input.h"

/* The file as the program will find it, if the compiler can see it now: its text, else NULL. */
static char *peek(const char *name, size_t *len)
{
    const char *cands[3];
    npy_input_candidates(name, cands);
    for (int i = 0; i < 3; i++) {
        char why[TYL_TXT_WHY_LEN];
        char *text = tyl_txt_slurp(cands[i], len, why);
        if (text) {
            input_decl_opened(cands[i]); /* a dependency of the output (tylesc -MD) */
            return text;
        }
    }
    return NULL;
}

/* A string argument or None (NULL in *out): 1, else 0 after a diagnostic. */
static int str_or_none(value *v, const char *fname, const char *what, const char **out)
{
    if (!v || v->kind == V_NONE) {
        *out = NULL;
        return 1;
    }
    if (v->kind == V_STR) {
        *out = v->str;
        return 1;
    }
    diag_error(v->l, "%s(): %s= takes a string literal or None here, not %s", fname, what, lw_vkind_desc(v));
    return 0;
}

/* usecols: an int or a tuple or list of ints known when compiling. */
static int usecols(value *v, const char *fname, tyl_txt_opts *o)
{
    if (!v || v->kind == V_NONE)
        return 1;
    if (v->kind == V_SCALAR) {
        o->use_int = 1;
        o->nuse = 1;
        return lw_const_int_arg(v, "usecols", &o->use[0]);
    }
    if (v->kind != V_TUPLE || v->n < 1 || v->n > TYL_TXT_MAX_USE) {
        diag_error(v->l, "%s(): usecols= takes an int or a tuple of 1 to %d ints known when compiling",
                   fname, TYL_TXT_MAX_USE);
        return 0;
    }
    o->nuse = v->n;
    for (int k = 0; k < v->n; k++)
        if (!lw_const_int_arg(v->items[k], "usecols", &o->use[k]))
            return 0;
    return 1;
}

/* An argument only None (or absent) is accepted for: 1, else 0 after a diagnostic. */
static int only_none(value *v, const char *fname, const char *what)
{
    if (!v || v->kind == V_NONE)
        return 1;
    diag_error(v->l, "%s(): %s= is not supported (numbers are read as NumPy reads them without it)", fname, what);
    return 0;
}

value *lw_loadtxt(lctx *c, loc l, const char *f, value **unused, args *a)
{
    (void)unused;
    int gen = strcmp(f, "np.genfromtxt") == 0;
    static const char *pl[] = {"fname", "dtype", "comments", "delimiter", "converters", "skiprows",
                               "usecols", "unpack", "ndmin", "encoding", "max_rows"};
    static const char *pg[] = {"fname", "dtype", "comments", "delimiter", "skip_header", "skip_footer",
                               "converters", "missing_values", "filling_values", "usecols", "names",
                               "excludelist", "deletechars", "replace_space", "autostrip",
                               "case_sensitive", "defaultfmt", "unpack", "usemask", "loose",
                               "invalid_raise", "max_rows", "encoding", "ndmin"};
    value *w[24] = {0};
    if (!lw_match_args(l, f, a, gen ? 24 : 11, gen ? pg : pl, 1, w))
        return &lw_ERRV;
    value *fname = w[0], *dtype = w[1], *comments = w[2], *delim = w[3];
    value *skip = gen ? w[4] : w[5], *use = gen ? w[9] : w[6], *unpack = gen ? w[17] : w[7];
    value *ndmin = gen ? w[23] : w[8], *maxrows = gen ? w[21] : w[10];
    if (fname->kind != V_STR) {
        diag_error(fname->l, "%s() needs the file name as a string literal", f);
        return &lw_ERRV;
    }
    static const int gen_none[] = {5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20};
    int ok = 1;
    if (gen) {
        for (size_t k = 0; k < sizeof gen_none / sizeof *gen_none; k++)
            ok &= only_none(w[gen_none[k]], f, pg[gen_none[k]]);
    } else
        ok &= only_none(w[4], f, "converters");
    tyl_txt_opts o = {0};
    o.comments = "#";
    o.max_rows = -1;
    o.gen = gen;
    ir_type t = T_F64;
    if (dtype && dtype->kind != V_NONE) {
        if (!lw_dtype_of(dtype, &t))
            return &lw_ERRV;
        if (t != T_F64 && t != T_F32 && (t != T_I64 || gen)) {
            diag_error(dtype->l, "%s(): dtype=%s is not supported (float64%s float32%s)", f, ir_type_name(t),
                       gen ? " or" : ",", gen ? "" : " or int64");
            ok = 0;
        }
    }
    o.as_int = t == T_I64;
    o.tyname = ir_type_name(t);
    if (comments && !str_or_none(comments, f, "comments", &o.comments))
        ok = 0;
    if (delim && !str_or_none(delim, f, "delimiter", &o.delim))
        ok = 0;
    if (o.delim && !o.delim[0]) {
        diag_error(delim->l, "%s(): an empty delimiter is not supported", f);
        ok = 0;
    }
    if (o.comments && !o.comments[0])
        o.comments = NULL;
    if (skip && skip->kind != V_NONE && !lw_const_int_arg(skip, gen ? "skip_header" : "skiprows", &o.skip))
        ok = 0;
    if (maxrows && maxrows->kind != V_NONE && !lw_const_int_arg(maxrows, "max_rows", &o.max_rows))
        ok = 0;
    if (!usecols(use, f, &o))
        ok = 0;
    int flag_ok = 1;
    o.unpack = lw_const_flag(unpack, 0, "unpack", &flag_ok);
    int64_t nd = 0;
    if (ndmin && ndmin->kind != V_NONE && (!lw_const_int_arg(ndmin, "ndmin", &nd) || nd < 0 || nd > 2)) {
        diag_error(ndmin->l, "%s(): ndmin= takes 0, 1 or 2", f);
        ok = 0;
    }
    o.ndmin = (int)nd;
    if (!ok || !flag_ok)
        return &lw_ERRV;
    /* the rank: from the file the compiler sees, else from the options */
    size_t len = 0;
    char *text = peek(fname->str, &len);
    int rank;
    if (text) {
        char why[TYL_TXT_WHY_LEN];
        int64_t rows, cols, sh[2];
        int bad = tyl_txt_parse(text, len, &o, NULL, NULL, &rows, &cols, why);
        free(text);
        if (bad) {
            diag_error(fname->l, "'%s' (seen when compiling): %s", fname->str, why);
            return &lw_ERRV;
        }
        rank = tyl_txt_shape(&o, rows, cols, sh);
        if (rank == 0) {
            diag_error(fname->l, "'%s' holds one number, which %s returns as a 0-d array: not supported "
                                 "(ndmin=1 gives a 1-D array of it)", fname->str, f);
            return &lw_ERRV;
        }
    } else
        rank = o.ndmin == 2 || o.nuse != 1 ? 2 : 1;
    ir_var *tmp = lw_temp_slot(c, t, rank);
    ir_stmt *s = ir_stmt_new(S_LOAD, l);
    s->var = tmp;
    s->str = fname->str;
    tyl_txt_opts *keep = NEW(tyl_txt_opts);
    *keep = o;
    s->txt = keep;
    lw_emit(c, s);
    const sym **sh = NEWN(const sym *, rank);
    for (int d = 0; d < rank; d++) {
        char key[96], disp[96];
        snprintf(key, sizeof key, "%s@%d:%d#%d", f, l.line, l.col, d);
        snprintf(disp, sizeof disp, "%s(...).shape[%d]", f, d);
        sh[d] = sym_var(sym_atom(arena_strdup(&util_arena, key), arena_strdup(&util_arena, disp)));
    }
    value *v = lw_slot_value(l, tmp, sh);
    v->fresh = tmp;
    return v;
}
