/* lower_format.c: strings built from values: f-strings, printf-style '%', str.format(), str(),
 * repr(), format(), '+' / '+=' / '*' of strings and `x if c else y` of strings.
 * Requires: the values formatted are lowered.
 * Establishes: a string known when compiling is a V_STR (constants are formatted here with the
 * run-time formatter, tyl_format.c, so both agree); otherwise a V_FSTR whose items are its
 * pieces: V_STR literals (or, with n = k > 0, run-time string k: a conditional expression's)
 * and V_SCALARs whose str is Python's format spec for them (checked here; "" is format(x, ""))
 * or, with n = k > 0, whose spec is run-time string k (a nested field computed at run time,
 * f"{x:.{p}f}"). A V_FSTR's scalars are copied into temporaries where it is built (a name of
 * changing type: its int, float and tag), so a name bound to it keeps the text of that moment.
 * lw_str_build makes one a run-time string of libtyles (an S_PRINT with sbuf = k) for np.save's
 * file name and assert/raise messages; print takes the pieces as its items. */

#include "lower_internal.h"

#include "../runtime_mpi/tyl_format.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int str_count; /* run-time strings of the program: 1, 2, ... */

static value *lit(loc l, const char *s)
{
    value *v = lw_vnew(V_STR, l);
    v->str = s;
    return v;
}

/* Appends piece p, merging adjacent literals. */
static void put_piece(vec *ps, value *p)
{
    if (p->kind == V_STR && !p->n) {
        if (!p->str[0])
            return;
        value *q = ps->len ? VEC_AT(*ps, ps->len - 1, value *) : NULL;
        if (q && q->kind == V_STR && !q->n) {
            ps->items[ps->len - 1] = lit(q->l, arena_printf(&util_arena, "%s%s", q->str, p->str));
            return;
        }
    }
    vec_push(ps, p);
}

static value *pieces_value(loc l, vec *ps)
{
    if (!ps->len)
        return lit(l, "");
    if (ps->len == 1 && VEC_AT(*ps, 0, value *)->kind == V_STR && !VEC_AT(*ps, 0, value *)->n)
        return lit(l, VEC_AT(*ps, 0, value *)->str);
    value *v = lw_vnew(V_FSTR, l);
    v->n = ps->len;
    v->items = NEWN(value *, v->n);
    for (int i = 0; i < v->n; i++)
        v->items[i] = VEC_AT(*ps, i, value *);
    return v;
}

/* s escaped as Python's repr of a str quoted by q writes it (quotes not included). */
static const char *str_escape(const char *s, int q)
{
    strbuf b = {0};
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\\' || *p == q)
            sb_printf(&b, "\\%c", *p);
        else if (*p == '\n')
            sb_printf(&b, "\\n");
        else if (*p == '\r')
            sb_printf(&b, "\\r");
        else if (*p == '\t')
            sb_printf(&b, "\\t");
        else if (*p < 0x20 || *p == 0x7f)
            sb_printf(&b, "\\x%02x", *p);
        else
            sb_putc(&b, (char)*p);
    }
    const char *r = arena_strndup(&util_arena, b.s ? b.s : "", b.len);
    sb_free(&b);
    return r;
}
static int repr_quote(int has_single, int has_double) { return has_single && !has_double ? '"' : '\''; }
static const char *str_repr(const char *s)
{
    int q = repr_quote(strchr(s, '\'') != NULL, strchr(s, '"') != NULL);
    return arena_printf(&util_arena, "%c%s%c", q, str_escape(s, q), q);
}

/* A width or precision that NumPy's Python would spend gigabytes on (MemoryError) is refused
 * while compiling, not padded out byte by byte here or in the program. */
#define FMT_MAX_WIDTH (1L << 24)
static int spec_too_wide(loc l, const char *spec, const tyl_fspec *f)
{
    if (f->width <= FMT_MAX_WIDTH && f->prec <= FMT_MAX_WIDTH)
        return 0;
    diag_error(l, "format specifier '%s': a %s of %ld is not supported (at most %ld)", spec,
               f->width > FMT_MAX_WIDTH ? "width" : "precision",
               f->width > FMT_MAX_WIDTH ? f->width : f->prec, FMT_MAX_WIDTH);
    return 1;
}

static long u8chars(const char *s)
{
    long k = 0;
    for (; *s; s++)
        k += ((unsigned char)*s & 0xc0) != 0x80;
    return k;
}

/* format(s, spec) of a str known when compiling; NULL after a diagnostic. */
static const char *format_str(loc l, const char *s, const char *spec)
{
    tyl_fspec f;
    char err[200];
    if (tyl_fspec_parse(spec, 's', &f, err, sizeof err)) {
        diag_error(l, "invalid format specifier '%s' for a string: Python raises ValueError: %s", spec, err);
        return NULL;
    }
    if (spec_too_wide(l, spec, &f))
        return NULL;
    strbuf b = {0};
    long n = u8chars(s);
    const char *end = s + strlen(s);
    if (f.prec >= 0 && n > f.prec) { /* keep prec characters */
        long k = 0;
        for (end = s; *end; end++)
            if (((unsigned char)*end & 0xc0) != 0x80 && k++ == f.prec)
                break;
        n = f.prec;
    }
    long pad = f.width > n ? f.width - n : 0, lp = 0, rp = 0;
    switch (f.align ? f.align : '<') {
    case '>': lp = pad; break;
    case '^': lp = pad / 2; rp = pad - lp; break;
    default: rp = pad; break;
    }
    for (long i = 0; i < lp; i++)
        sb_printf(&b, "%s", f.fill);
    sb_printf(&b, "%.*s", (int)(end - s), s);
    for (long i = 0; i < rp; i++)
        sb_printf(&b, "%s", f.fill);
    const char *r = arena_strndup(&util_arena, b.s ? b.s : "", b.len);
    sb_free(&b);
    return r;
}

static const char *np_scalar_name(ir_type t)
{
    switch (t) {
    case T_F64: return "np.float64";
    case T_F32: return "np.float32";
    case T_I32: return "np.int32";
    case T_I64: return "np.int64";
    case T_BOOL: return "np.bool";
    default: return arena_printf(&util_arena, "np.%s", ir_type_name(t));
    }
}

/* The pieces of format(conv(v), spec) appended to ps: conv 0 format(v, spec), 's' str(), 'r'
 * repr() (they differ for np.float32 and bools). snap:
 * run-time scalars are copied into temporaries now (else the pieces read them when used, as
 * print's own items do). 0 after a diagnostic. */
static int pieces(lctx *c, loc l, value *v, int conv, const char *spec, int rtk, int snap, vec *ps);
int lw_str_pieces(lctx *c, loc l, value *v, int conv, const char *spec, int snap, vec *ps)
{
    return pieces(c, l, v, conv, spec, 0, snap, ps);
}

int lw_str_pieces_rt(lctx *c, loc l, value *v, int conv, const char *spec, int rtk, int snap, vec *ps)
{
    return pieces(c, l, v, conv, spec, rtk, snap, ps);
}

/* A part of a complex number as a piece formatted by spec (TYL_SPEC_CPART...), its value
 * copied into a temporary now. */
static value *cpart_piece(lctx *c, loc l, value *x, const char *spec)
{
    ir_var *t = lw_temp_scalar(c, T_F64);
    ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
    s->var = t;
    s->e = ir_cast(l, T_F64, x->e);
    lw_emit(c, s);
    value *p = lw_scalar(l, ir_varref(l, t), 0);
    p->str = spec;
    return p;
}

/* str() of a complex number, as Python's complex and NumPy's complex128 write it: the
 * imaginary part alone with a j when the real part is +0 (2.5j, -0j), else (re+imj), each
 * part's repr without a trailing ".0" ((1+2j), (nan-infj), (1e+16-1e-05j)). repr() of an
 * np.complex128 wraps it in np.complex128(...). */
static int complex_pieces(lctx *c, loc l, value *v, int conv, const char *spec, vec *ps)
{
    value *re = v->items[0], *im = v->items[1];
    if (spec[0]) {
        diag_error(l, "a format specification of a complex number is not supported (str() and repr() are)");
        return 0;
    }
    if (re->kind != V_SCALAR || im->kind != V_SCALAR) {
        diag_error(l, "printing or formatting a complex array is not supported (of a complex number it is; "
                      "print its .real and .imag)");
        return 0;
    }
    if (re->type == T_F32) {
        diag_error(l, "printing or formatting a complex64 number is not supported (print its .real and .imag)");
        return 0;
    }
    int np_repr = conv == 'r' && !v->weak; /* np.complex128(1+2j): no parentheses of its own */
    const char *open = np_repr ? "" : "(", *close = np_repr ? "j" : "j)";
    if (np_repr)
        put_piece(ps, lit(l, "np.complex128("));
    if (re->e->kind == E_CONST && im->e->kind == E_CONST) { /* known now: the string itself */
        double r = re->e->c.f, i = im->e->c.f; /* float64 parts (lower_complex.c) */
        int alone = r == 0 && !signbit(r);
        tyl_sbuf b = {0};
        if (alone)
            tyl_format_double(&b, TYL_SPEC_CPART, i);
        else {
            tyl_sbuf_add(&b, open, strlen(open));
            tyl_format_double(&b, TYL_SPEC_CPART, r);
            tyl_format_double(&b, TYL_SPEC_CPART_SIGNED, i);
        }
        tyl_sbuf_add(&b, alone ? "j" : close, alone ? 1 : strlen(close));
        put_piece(ps, lit(l, arena_strndup(&util_arena, b.s ? b.s : "", b.len)));
        tyl_sbuf_free(&b);
    } else {
        value *pr = cpart_piece(c, l, re, TYL_SPEC_CPART), *pi = cpart_piece(c, l, im, TYL_SPEC_CPART);
        value *pis = lw_scalar(l, pi->e, 0);
        pis->str = TYL_SPEC_CPART_SIGNED;
        ir_expr **args = NEWN(ir_expr *, 2);
        args[0] = ir_const_f(l, T_F64, 1.0);
        args[1] = pr->e;
        ir_stmt *st = ir_stmt_new(S_IF, l); /* the real part is +0 */
        st->e = ir_bin(l, OP_LAND, T_BOOL, ir_bin(l, OP_CEQ, T_BOOL, pr->e, ir_const_f(l, T_F64, 0.0), 0),
                       ir_bin(l, OP_CGT, T_BOOL, ir_call(l, FN_COPYSIGN, T_F64, 2, args), ir_const_f(l, T_F64, 0.0), 0),
                       0);
        lw_emit(c, st);
        vec a = {0}, b = {0};
        vec_push(&a, pi);
        vec_push(&a, lit(l, "j"));
        if (open[0])
            vec_push(&b, lit(l, open));
        vec_push(&b, pr);
        vec_push(&b, pis);
        vec_push(&b, lit(l, close));
        value *s = lw_str_merge(c, st, pieces_value(l, &a), pieces_value(l, &b));
        for (int k = 0; k < s->n; k++)
            put_piece(ps, s->items[k]);
    }
    if (np_repr)
        put_piece(ps, lit(l, ")"));
    return 1;
}

/* As lw_str_pieces; rtk > 0: the spec is run-time string rtk (a number's only). */
static int pieces(lctx *c, loc l, value *v, int conv, const char *spec, int rtk, int snap, vec *ps)
{
    if (!spec)
        spec = "";
    if (lw_is_complex(v) && !rtk)
        return complex_pieces(c, l, v, conv, spec, ps);
    if (rtk && v->kind != V_SCALAR && v->kind != V_ERR) {
        diag_error(l, "a format spec computed at run time is only supported for numbers (this is %s)",
                   lw_vkind_desc(v));
        return 0;
    }
    if (lw_complex_refuse(l, v, "printing or formatting a complex value"))
        return 0;
    if (v->kind == V_OPT && v->items[1]->kind == V_ARRAY) { /* print() writes it (lower_builtins.c) */
        diag_error(l, "formatting a name that is None or an array as a string is not supported "
                      "(print() and f-strings in print() write it; strings, numbers, tuples and dtypes "
                      "are formatted anywhere)");
        return 0;
    }
    if (v->kind == V_OPT) { /* None or a number (lower_optional.c): "None" or the number's text */
        if (v->items[1]->kind == V_ARRAY) { /* an array's text is print()'s own (not a piece) */
            diag_error(v->l, "printing or formatting a name that is None or an array is not supported (it "
                             "may be None here); test it first (if x is not None: print(x))");
            return 0;
        }
        ir_expr *none = ir_un(l, OP_LNOT, T_BOOL, v->items[0]->e);
        if (spec[0] || rtk)
            lw_emit_raise(c, l, none, "TypeError: unsupported format string passed to NoneType.__format__");
        vec np = {0};
        if (!pieces(c, l, v->items[1], conv, spec, rtk, snap, &np))
            return 0;
        if (spec[0] || rtk) {
            for (int i = 0; i < np.len; i++)
                put_piece(ps, VEC_AT(np, i, value *));
            return 1;
        }
        return pieces(c, l, lw_str_select(c, l, v->items[0]->e, pieces_value(l, &np), lit(l, "None")), 0, "", 0,
                      snap, ps);
    }
    switch (v->kind) {
    case V_ERR: return 0;
    case V_STR: {
        const char *s = conv == 'r' ? str_repr(v->str) : v->str;
        if (spec[0] && !(s = format_str(l, s, spec)))
            return 0;
        put_piece(ps, lit(v->l, s));
        return 1;
    }
    case V_FSTR: {
        if (spec[0] && conv != 'r') { /* checked here, applied when running (tyl_textread.c) */
            if (!format_str(l, "", spec))
                return 0;
            ir_stmt *st = ir_stmt_new(S_OS, l);
            st->init = IR_OS_TEXT;
            st->na = IR_TX_FORMAT;
            st->n = lw_str_build(c, l, v);
            st->str = spec;
            value *r = lw_str_runtime(l, &st->sbuf);
            lw_emit(c, st);
            put_piece(ps, r->items[0]);
            return 1;
        }
        if (spec[0]) {
            diag_error(l, "a format specification of the repr of a string computed at run time is not supported");
            return 0;
        }
        /* repr: quoted and escaped as Python does; the numbers in it hold neither quotes nor
         * backslashes, so its literal pieces decide */
        int q = 0;
        if (conv == 'r') {
            int s1 = 0, s2 = 0;
            for (int i = 0; i < v->n; i++)
                if (v->items[i]->kind == V_STR && v->items[i]->n) {
                    /* a string read or chosen when running: its repr made then (tyl_textread.c) */
                    ir_stmt *st = ir_stmt_new(S_OS, l);
                    st->init = IR_OS_TEXT;
                    st->na = IR_TX_REPR;
                    st->n = lw_str_build(c, l, v);
                    value *r = lw_str_runtime(l, &st->sbuf);
                    lw_emit(c, st);
                    put_piece(ps, r->items[0]);
                    return 1;
                } else if (v->items[i]->kind == V_STR) {
                    s1 |= strchr(v->items[i]->str, '\'') != NULL;
                    s2 |= strchr(v->items[i]->str, '"') != NULL;
                }
            q = repr_quote(s1, s2);
            put_piece(ps, lit(l, arena_printf(&util_arena, "%c", q)));
        }
        for (int i = 0; i < v->n; i++)
            put_piece(ps, q && v->items[i]->kind == V_STR ? lit(l, str_escape(v->items[i]->str, q))
                                                          : v->items[i]);
        if (q)
            put_piece(ps, lit(l, arena_printf(&util_arena, "%c", q)));
        return 1;
    }
    case V_NONE:
    case V_DTYPE:
    case V_TUPLE: {
        if (spec[0]) {
            diag_error(l, "a format specification of %s: Python raises TypeError: unsupported format "
                          "string passed to %s.__format__", lw_vkind_desc(v),
                       v->kind == V_NONE ? "NoneType" : v->kind == V_TUPLE ? "tuple" : "numpy.dtype");
            return 0;
        }
        if (v->kind == V_NONE) {
            put_piece(ps, lit(v->l, "None"));
            return 1;
        }
        if (v->kind == V_DTYPE) {
            const char *n = ir_type_name(v->type);
            put_piece(ps, lit(v->l, conv == 'r' ? arena_printf(&util_arena, "dtype('%s')", n) : n));
            return 1;
        }
        if (v->keys) { /* a dict: {key: value, ...}, reprs of both */
            put_piece(ps, lit(v->l, "{"));
            for (int i = 0; i < v->n; i++) {
                if (i)
                    put_piece(ps, lit(v->l, ", "));
                if (!lw_str_pieces(c, l, v->keys[i], 'r', "", snap, ps))
                    return 0;
                put_piece(ps, lit(v->l, ": "));
                if (!lw_str_pieces(c, l, v->items[i], 'r', "", snap, ps))
                    return 0;
            }
            put_piece(ps, lit(v->l, "}"));
            return 1;
        }
        /* str and repr of a tuple or list: repr of its items */
        put_piece(ps, lit(v->l, v->is_list ? "[" : "("));
        for (int i = 0; i < v->n; i++) {
            if (i)
                put_piece(ps, lit(v->l, ", "));
            if (!lw_str_pieces(c, l, v->items[i], 'r', "", snap, ps))
                return 0;
        }
        put_piece(ps, lit(v->l, v->is_list ? "]" : v->n == 1 ? ",)" : ")"));
        return 1;
    }
    case V_OBJECT: {
        if (spec[0]) {
            diag_error(l, "a format specification of %s: Python raises TypeError: unsupported format "
                          "string passed to %s.__format__", lw_vkind_desc(v), v->def->name);
            return 0;
        }
        value *t = lw_object_text(c, l, v, conv == 'r' ? 'r' : 's');
        return t && pieces(c, l, t, 0, "", 0, snap, ps);
    }
    case V_SCALAR: break;
    default:
        diag_error(l, "formatting %s as a string is not supported (strings, numbers, tuples, "
                      "dtypes and, in print(), arrays are)", lw_vkind_desc(v));
        return 0;
    }
    if (v->type == T_F32 && !conv && !spec[0] && !rtk)
        /* format(np.float32(x), '') formats float(x); only str() writes float32's digits */
        v = lw_scalar(v->l, v->e->kind == E_CONST ? ir_const_f(v->l, T_F64, (double)(float)v->e->c.f)
                                                  : ir_cast(v->l, T_F64, v->e), v->weak);
    if (v->type == T_BOOL && conv == 'r' && v->e->kind != E_CONST) {
        /* a comparison gives np.True_ or True depending on its operands' types, which the
         * compiled program does not follow for bools */
        diag_error(l, "repr() of a bool computed at run time is not supported (NumPy writes "
                      "np.True_, Python True); use str() or '!s'");
        return 0;
    }
    if (conv == 'r' && v->zt && !v->weak && !v->wmix)
        lw_zt_check(l, v, arena_printf(&util_arena, "repr() writes it without 'np.%s(...)'",
                                       ir_type_name(v->type)));
    if (conv == 'r' && v->wmix) {
        /* min(dt, dx / umax) is whichever argument wins: its repr is 0.1 or np.float64(0.1) */
        const char *py = lw_kind_of(v->type) == 1 ? "int" : "float";
        diag_error(l, "repr() of this number is not supported: it is a Python %s on some paths and a "
                      "numpy.%s on others (a branch, min()/max() returning either argument, or a list "
                      "of both), which print differently; convert it with %s() or np.%s()", py,
                   ir_type_name(v->type), py, ir_type_name(v->type));
        return 0;
    }
    int kind = v->type == T_BOOL ? 'b' : ir_type_is_float(v->type) ? 'f' : 'i';
    if ((spec[0] || rtk) && conv) {
        diag_error(l, "a format specification after '!%c' of a number computed at run time is not "
                      "supported; drop the '!%c'", conv, conv);
        return 0;
    }
    if (spec[0]) {
        tyl_fspec f;
        char err[200];
        if (tyl_fspec_parse(spec, kind, &f, err, sizeof err)) {
            diag_error(l, "invalid format specifier '%s' for %s: Python raises ValueError: %s", spec,
                       lw_vkind_desc(v), err);
            return 0;
        }
        if (spec_too_wide(l, spec, &f))
            return 0;
    }
    /* a NumPy scalar's repr names its type: np.float64(1.5), np.True_ */
    const char *close = NULL;
    if (conv == 'r' && !v->weak) {
        if (v->type == T_BOOL) {
            put_piece(ps, lit(v->l, "np."));
            close = "_";
        } else {
            put_piece(ps, lit(v->l, arena_printf(&util_arena, "%s(", np_scalar_name(v->type))));
            close = ")";
        }
    }
    if (v->e->kind == E_CONST && v->type != T_F32 && !rtk) {
        tyl_sbuf b = {0};
        int rc = kind == 'f' ? tyl_format_double(&b, spec, v->e->c.f)
                 : kind == 'b' ? tyl_format_bool(&b, spec, v->e->c.i != 0)
                               : tyl_format_int(&b, spec, v->e->c.i);
        if (rc == -2) {
            tyl_sbuf_free(&b);
            diag_error(l, "format code 'c' of %lld: Python raises OverflowError: %%c arg not in "
                          "range(0x110000)", (long long)v->e->c.i);
            return 0;
        }
        put_piece(ps, lit(v->l, arena_strndup(&util_arena, b.s ? b.s : "", b.len)));
        tyl_sbuf_free(&b);
    } else {
        value *p = NEW(value);
        *p = *v;
        p->str = arena_strndup(&util_arena, spec, strlen(spec));
        p->n = rtk;
        if (snap && v->dyn) {
            /* int or float at run time: its int, float and tag copied; the string is built by
             * one statement per tag (lw_print_variants) */
            dynvar *d = NEW(dynvar);
            ir_var *src[3] = {v->dyn->i, v->dyn->f, v->dyn->tag}, *dst[3];
            for (int k = 0; k < 3; k++) {
                dst[k] = lw_temp_scalar(c, src[k]->type);
                ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
                s->var = dst[k];
                s->e = ir_varref(l, src[k]);
                lw_emit(c, s);
            }
            d->name = v->dyn->name;
            d->i = dst[0], d->f = dst[1], d->tag = dst[2];
            p->dyn = d;
            p->e = ir_varref(l, d->f);
        } else if (snap) {
            if (v->mixed) {
                diag_error(l, "formatting a value computed from a name that is an int on some "
                              "paths and a float on others is not supported here (only directly "
                              "in print())");
                return 0;
            }
            ir_var *t = lw_temp_scalar(c, v->type);
            ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
            s->var = t;
            s->e = v->e;
            lw_emit(c, s);
            p->e = ir_varref(l, t);
        }
        put_piece(ps, p);
    }
    if (close)
        put_piece(ps, lit(v->l, close));
    return 1;
}

/* The format spec of the f-string field p with its nested fields ({x:.{p}f}) replaced by their
 * values ("" for none); NULL after a diagnostic. When a nested value is computed at run time,
 * the spec is built as run-time string *rtk (0 otherwise) and "" returned. */
const char *lw_fspec_text(lctx *c, ast *p, int *rtk)
{
    *rtk = 0;
    if (!p->args.len)
        return p->str ? p->str : "";
    vec ps = {0};
    int k = 0, depth = 0;
    const char *s0 = p->str;
    for (const char *s = p->str; *s; s++) {
        if (*s == '{' && depth++ == 0) {
            put_piece(&ps, lit(p->l, arena_strndup(&util_arena, s0, (size_t)(s - s0))));
            if (k >= p->args.len) /* the lexer reported this field */
                return NULL;
            ast *e = VEC_AT(p->args, k++, ast *);
            value *v = lw_expr(c, e);
            if (v->kind == V_ERR || !lw_str_pieces(c, e->l, v, 0, "", 1, &ps))
                return NULL;
        } else if (*s == '}' && depth > 0 && --depth == 0) {
            s0 = s + 1;
        }
    }
    put_piece(&ps, lit(p->l, s0));
    value *sv = pieces_value(p->l, &ps);
    if (sv->kind == V_STR)
        return sv->str;
    *rtk = lw_str_build(c, p->l, sv);
    return "";
}

/* f"..." as a value. */
value *lw_fstring(lctx *c, ast *a)
{
    vec ps = {0}, marks = {0};
    for (int i = 0; i < a->args.len; i++) {
        ast *p = VEC_AT(a->args, i, ast *);
        if (p->kind == A_STR) {
            put_piece(&ps, lit(p->l, p->str));
            continue;
        }
        if (p->ival == 'a') {
            diag_error(p->l, "the '!a' conversion in f-strings is not supported");
            return &lw_ERRV;
        }
        value *v = lw_expr(c, p->a);
        if (v->kind == V_ARRAY) {
            diag_error(p->l, "an array in an f-string is only supported directly in print(), e.g. "
                             "print(f\"u = {u}\")");
            return &lw_ERRV;
        }
        int rtk;
        const char *spec = lw_fspec_text(c, p, &rtk);
        if (!spec || !pieces(c, p->l, v, p->ival, spec, rtk, 1, &ps))
            return &lw_ERRV;
        while (marks.len < ps.len) /* the pieces of this field, evaluated by now */
            vec_push(&marks, (void *)(intptr_t)c->out->len);
    }
    /* a later field's call does not change an earlier field's value (lower_order.c) */
    for (int i = ps.len - 2; i >= 0; i--)
        ps.items[i] = lw_pin_at(c, VEC_AT(ps, i, value *), (int)(intptr_t)marks.items[i]);
    return pieces_value(a->l, &ps);
}

/* ---- printf-style '%' ------------------------------------------------------------------------ */

/* fmt % args, fmt known when compiling. */
static value *percent(lctx *c, loc l, value *fmt, value *argv)
{
    value **av = &argv;
    int na = 1, next = 0;
    if (argv->kind == V_TUPLE && !lw_is_complex(argv)) { /* a complex number is one value */
        av = argv->items;
        na = argv->n;
    }
    vec ps = {0};
    const char *s = fmt->str;
    strbuf txt = {0};
    while (*s) {
        if (*s != '%') {
            sb_putc(&txt, *s++);
            continue;
        }
        s++;
        if (*s == '%') {
            sb_putc(&txt, '%');
            s++;
            continue;
        }
        if (txt.len) {
            put_piece(&ps, lit(l, arena_strndup(&util_arena, txt.s, txt.len)));
            txt.len = 0;
        }
        if (*s == '(') {
            diag_error(l, "'%%(name)' fields in '%%' formatting are not supported (they need a dict); "
                          "use an f-string");
            sb_free(&txt);
            return &lw_ERRV;
        }
        int left = 0, zero = 0, alt = 0;
        char sign = 0;
        for (;; s++) {
            if (*s == '-')
                left = 1;
            else if (*s == '0')
                zero = 1;
            else if (*s == '#')
                alt = 1;
            else if (*s == '+')
                sign = '+';
            else if (*s == ' ')
                sign = sign ? sign : ' ';
            else
                break;
        }
        long width = -1, prec = -1;
        if (*s == '*' || (*s == '.' && s[1] == '*')) {
            diag_error(l, "'*' widths and precisions in '%%' formatting are not supported; write "
                          "the number into the format");
            sb_free(&txt);
            return &lw_ERRV;
        }
        if (*s >= '0' && *s <= '9')
            width = strtol(s, (char **)&s, 10);
        if (*s == '.') {
            s++;
            prec = (*s >= '0' && *s <= '9') ? strtol(s, (char **)&s, 10) : 0;
        }
        while (*s == 'h' || *s == 'l' || *s == 'L')
            s++;
        char t = *s;
        if (!t) {
            diag_error(l, "'%%' formatting: Python raises ValueError: incomplete format");
            sb_free(&txt);
            return &lw_ERRV;
        }
        s++;
        if (!strchr("diouxXeEfFgGcrs", t)) {
            diag_error(l, "'%%' formatting: Python raises ValueError: unsupported format character "
                          "'%c' (0x%x)", t, (unsigned)(unsigned char)t);
            sb_free(&txt);
            return &lw_ERRV;
        }
        if (next >= na) {
            diag_error(l, "'%%' formatting: Python raises TypeError: not enough arguments for format string");
            sb_free(&txt);
            return &lw_ERRV;
        }
        value *v = av[next++];
        if (v->kind == V_ERR) {
            sb_free(&txt);
            return &lw_ERRV;
        }
        /* the conversion as a format spec of format() */
        strbuf sp = {0};
        if (left)
            sb_putc(&sp, '<');
        int numeric = !strchr("rsc", t);
        if (numeric) {
            if (v->kind != V_SCALAR) {
                diag_error(v->l, "'%%' formatting: Python raises TypeError: %%%c format: a real number "
                                 "is required, not %s", t, lw_vkind_desc(v));
                sb_free(&txt), sb_free(&sp);
                return &lw_ERRV;
            }
            if (sign)
                sb_putc(&sp, sign);
            if (alt)
                sb_putc(&sp, '#');
            if (zero && !left)
                sb_putc(&sp, '0');
            if (width >= 0)
                sb_printf(&sp, "%ld", width);
            int isint = strchr("diouxX", t) != NULL;
            if (isint && prec >= 0) {
                diag_error(l, "a precision in '%%%c' formatting is not supported", t);
                sb_free(&txt), sb_free(&sp);
                return &lw_ERRV;
            }
            if (!isint && prec >= 0)
                sb_printf(&sp, ".%ld", prec);
            sb_putc(&sp, t == 'i' || t == 'u' ? 'd' : t);
            if (isint && ir_type_is_float(v->type)) {
                if (t != 'd' && t != 'i' && t != 'u') {
                    diag_error(v->l, "'%%' formatting: Python raises TypeError: %%%c format: an "
                                     "integer is required, not float", t);
                    sb_free(&txt), sb_free(&sp);
                    return &lw_ERRV;
                }
                ir_expr **arg = NEWN(ir_expr *, 1);
                arg[0] = v->e;
                /* int(x), with Python's errors for inf and nan */
                v = lw_scalar(v->l, ir_call(v->l, FN_PYINT, T_I64, 1, arg), v->weak);
            } else if (v->type == T_BOOL) {
                v = lw_scalar(v->l, ir_cast(v->l, T_I64, v->e), v->weak);
            }
        } else {
            /* %s %r of a number is str(), right-aligned in width; of a str, padded */
            if (width >= 0)
                sb_printf(&sp, "%s%ld", left ? "" : ">", width);
            if (prec >= 0)
                sb_printf(&sp, ".%ld", prec);
            if (t == 'c') {
                if (v->kind == V_SCALAR && !ir_type_is_float(v->type)) {
                    sb_putc(&sp, 'c');
                    v = lw_scalar(v->l, ir_cast(v->l, T_I64, v->e), v->weak);
                } else if (!(v->kind == V_STR && u8chars(v->str) == 1)) {
                    diag_error(v->l, "'%%' formatting: Python raises TypeError: %%c requires an int "
                                     "or a unicode character");
                    sb_free(&txt), sb_free(&sp);
                    return &lw_ERRV;
                }
            } else if (v->kind == V_SCALAR && (prec >= 0 || (v->type == T_BOOL && sp.len))) {
                diag_error(v->l, "'%%%c' of a number with a %s is not supported", t,
                           prec >= 0 ? "precision" : "width (a bool)");
                sb_free(&txt), sb_free(&sp);
                return &lw_ERRV;
            }
        }
        const char *spec = arena_strndup(&util_arena, sp.s ? sp.s : "", sp.len);
        sb_free(&sp);
        int conv = t == 'r' ? 'r' : spec[0] ? 0 : 's';
        if (v->kind == V_SCALAR && !numeric && t != 'c') {
            /* str(x) padded: a number's format() with only a width is its str() padded */
            if (conv == 'r' && spec[0]) {
                diag_error(v->l, "'%%r' of a number with a width is not supported");
                sb_free(&txt);
                return &lw_ERRV;
            }
        }
        if (v->kind == V_STR || v->kind == V_FSTR || v->kind == V_TUPLE || v->kind == V_NONE || v->kind == V_DTYPE) {
            if (spec[0] && v->kind != V_STR) {
                /* str() of it, then padded: only for strings known when compiling */
                vec tmp = {0};
                if (!lw_str_pieces(c, v->l, v, conv, "", 1, &tmp))
                    return &lw_ERRV;
                value *sv = pieces_value(v->l, &tmp);
                if (sv->kind != V_STR) {
                    diag_error(v->l, "a width in '%%s' of a string computed at run time is not supported");
                    return &lw_ERRV;
                }
                v = sv;
                conv = 0;
            }
        }
        if (!lw_str_pieces(c, v->l, v, conv, spec, 1, &ps)) {
            sb_free(&txt);
            return &lw_ERRV;
        }
    }
    if (txt.len)
        put_piece(&ps, lit(l, arena_strndup(&util_arena, txt.s, txt.len)));
    sb_free(&txt);
    if (next < na) {
        diag_error(l, "'%%' formatting: Python raises TypeError: not all arguments converted during "
                      "string formatting");
        return &lw_ERRV;
    }
    return pieces_value(l, &ps);
}

/* ---- str.format() -------------------------------------------------------------------------- */

static value *str_format(lctx *c, loc l, const char *s, args *a)
{
    vec ps = {0};
    strbuf txt = {0};
    int autonum = -1; /* -1 unknown, 1 automatic, 0 manual */
    int next = 0;
    while (*s) {
        if ((*s == '{' || *s == '}') && s[1] == *s) {
            sb_putc(&txt, *s);
            s += 2;
            continue;
        }
        if (*s == '}') {
            diag_error(l, "str.format(): Python raises ValueError: Single '}' encountered in format string");
            goto fail;
        }
        if (*s != '{') {
            sb_putc(&txt, *s++);
            continue;
        }
        if (txt.len) {
            put_piece(&ps, lit(l, arena_strndup(&util_arena, txt.s, txt.len)));
            txt.len = 0;
        }
        s++;
        const char *f0 = s;
        while (*s && !strchr("}!:", *s)) {
            if (*s == '{' || *s == '[' || *s == '.') {
                diag_error(l, "str.format(): attribute, index and nested fields are not supported; "
                              "use an f-string");
                goto fail;
            }
            s++;
        }
        const char *name = arena_strndup(&util_arena, f0, (size_t)(s - f0));
        int conv = 0;
        if (*s == '!') {
            conv = s[1];
            if (conv != 'r' && conv != 's') {
                diag_error(l, "str.format(): the conversion '!%c' is not supported ('!r' and '!s' are)", conv ? conv : ' ');
                goto fail;
            }
            s += 2;
        }
        const char *spec = "";
        if (*s == ':') {
            const char *p0 = ++s;
            while (*s && *s != '}') {
                if (*s == '{') {
                    diag_error(l, "str.format(): nested replacement fields in a format spec are not supported");
                    goto fail;
                }
                s++;
            }
            spec = arena_strndup(&util_arena, p0, (size_t)(s - p0));
        }
        if (*s != '}') {
            diag_error(l, "str.format(): Python raises ValueError: expected '}' before end of string");
            goto fail;
        }
        s++;
        value *v = NULL;
        if (!name[0] || (name[0] >= '0' && name[0] <= '9')) {
            int manual = name[0] != 0;
            if (autonum >= 0 && autonum != !manual) {
                diag_error(l, "str.format(): Python raises ValueError: cannot switch from %s",
                           manual ? "automatic field numbering to manual field specification"
                                  : "manual field specification to automatic field numbering");
                goto fail;
            }
            autonum = !manual;
            int k = manual ? atoi(name) : next++;
            if (k >= a->npos) {
                diag_error(l, "str.format(): Python raises IndexError: Replacement index %d out of "
                              "range for positional args tuple", k);
                goto fail;
            }
            v = a->pos[k];
        } else {
            for (int k = 0; k < a->nkw; k++)
                if (strcmp(a->kwname[k], name) == 0)
                    v = a->kw[k];
            if (!v) {
                diag_error(l, "str.format(): Python raises KeyError: '%s'", name);
                goto fail;
            }
        }
        if (v->kind == V_ARRAY) {
            diag_error(v->l, "an array in str.format() is not supported (print(u) prints one)");
            goto fail;
        }
        if (!lw_str_pieces(c, v->l, v, conv, spec, 1, &ps))
            goto fail;
    }
    if (txt.len)
        put_piece(&ps, lit(l, arena_strndup(&util_arena, txt.s, txt.len)));
    sb_free(&txt);
    return pieces_value(l, &ps);
fail:
    sb_free(&txt);
    return &lw_ERRV;
}

/* ---- calls and operators ------------------------------------------------------------------- */

/* Whether a is an expression whose value is a string, seen without lowering it. */
static int is_str_expr(lctx *c, ast *a)
{
    switch (a->kind) {
    case A_STR:
    case A_FSTRING: return 1;
    case A_BINOP: return a->op == '%' && a->a->kind == A_STR;
    case A_CALL:
        return a->a->kind == A_NAME && !lw_lookup(c, a->a->name, &(int){0}) &&
               (!strcmp(a->a->name, "str") || !strcmp(a->a->name, "repr") || !strcmp(a->a->name, "format"));
    case A_NAME: {
        binding *b = lw_lookup(c, a->name, &(int){0});
        return b && b->kind == B_VALUE && (b->val->kind == V_STR || b->val->kind == V_FSTR);
    }
    default: return 0;
    }
}

/* s.zfill(width), s.rjust(width[, fill]), s.ljust(width[, fill]): padded when compiling, or,
 * for str() of one number computed at run time, as a format spec of it (format(x, "08") is
 * str(x).zfill(8) for ints and floats). */
static value *str_pad(lctx *c, ast *call, const char *m, value *s)
{
    args a = lw_args(c, call);
    if (lw_any_err(&a) || s->kind == V_ERR)
        return &lw_ERRV;
    int64_t w;
    int zf = m[0] == 'z';
    if (a.nkw || a.npos < 1 || a.npos > (zf ? 1 : 2) || a.pos[0]->kind != V_SCALAR ||
        ir_type_is_float(a.pos[0]->type) || !ir_expr_const_int(a.pos[0]->e, &w) ||
        (a.npos == 2 && (a.pos[1]->kind != V_STR || u8chars(a.pos[1]->str) != 1))) {
        diag_error(call->l, "str.%s() takes a width known when compiling%s", m,
                   zf ? "" : " and optionally one fill character");
        return &lw_ERRV;
    }
    const char *fill = a.npos == 2 ? a.pos[1]->str : " ";
    char align = m[0] == 'l' ? '<' : '>';
    if (w < 0)
        w = 0;
    if (s->kind == V_STR) {
        if (!zf)
            return lit(call->l, format_str(call->l, s->str, arena_printf(&util_arena, "%s%c%lld", fill, align, (long long)w)));
        /* zfill: zeros after a leading sign */
        const char *t = s->str;
        long n = u8chars(t);
        if (n >= w)
            return s;
        int sign = t[0] == '+' || t[0] == '-';
        strbuf b = {0};
        if (sign)
            sb_putc(&b, t[0]);
        for (long i = n; i < w; i++)
            sb_putc(&b, '0');
        sb_printf(&b, "%s", t + sign);
        value *r = lit(call->l, arena_strndup(&util_arena, b.s, b.len));
        sb_free(&b);
        return r;
    }
    value *p = s->kind == V_FSTR && s->n == 1 ? s->items[0] : NULL;
    if (!p || p->kind != V_SCALAR || (p->str && p->str[0]) || p->n || p->type == T_BOOL || p->type == T_F32) {
        diag_error(call->l, "str.%s() of a string computed at run time is supported for str() of "
                            "one int or float (str(k).zfill(4))", m);
        return &lw_ERRV;
    }
    value *q = NEW(value);
    *q = *p;
    q->str = zf ? arena_printf(&util_arena, "0%lld", (long long)w)
                : arena_printf(&util_arena, "%s%c%lld", fill, align, (long long)w);
    value *r = lw_vnew(V_FSTR, call->l);
    r->n = 1;
    r->items = NEWN(value *, 1);
    r->items[0] = q;
    return r;
}

/* str(x), repr(x), format(x[, spec]) by their built-in names, "...".format(...) and the padding
 * methods of strings: the string, or NULL when the call is none of these. */
value *lw_str_call(lctx *c, ast *call)
{
    call = lw_call_attr_base(c, call); /* self.name.upper(): the attribute's name */
    ast *f = call->a;
    if (f->kind == A_ATTR && lw_str_method_known(f->name) && is_str_expr(c, f->a))
        return lw_str_method(c, call, lw_expr(c, f->a)); /* lower_strmethods.c */
    if (f->kind == A_ATTR && lw_str_method_known(f->name) &&
        (f->a->kind == A_CALL || f->a->kind == A_SUBSCRIPT || f->a->kind == A_BINOP)) {
        /* chained: s.strip().lower(), s.split("_")[0].title(): a string once lowered (seen in a
         * probe first, so that nothing is lowered twice when it is not one) */
        lw_probe p;
        lw_probe_begin(c, &p);
        int old = diag_suppress(1);
        value *v = lw_expr(c, f->a);
        int str = v->kind == V_STR || v->kind == V_FSTR;
        diag_suppress(old);
        lw_probe_end(c, &p);
        if (str)
            return lw_str_method(c, call, lw_expr(c, f->a));
    }
    if (f->kind == A_ATTR && (!strcmp(f->name, "zfill") || !strcmp(f->name, "rjust") ||
                              !strcmp(f->name, "ljust")) && is_str_expr(c, f->a))
        return str_pad(c, call, f->name, lw_expr(c, f->a));
    if (f->kind == A_ATTR && strcmp(f->name, "format") == 0) {
        /* a literal, or a name bound to one (fmt = "{:.3f}"; fmt.format(x)) */
        const char *text = f->a->kind == A_STR ? f->a->str : NULL;
        if (f->a->kind == A_NAME) {
            binding *b = lw_lookup(c, f->a->name, &(int){0});
            if (b && b->kind == B_VALUE && b->val->kind == V_STR)
                text = b->val->str;
        }
        if (!text)
            return NULL;
        args a = lw_args(c, call);
        if (lw_any_err(&a))
            return &lw_ERRV;
        return str_format(c, call->l, text, &a);
    }
    if (f->kind != A_NAME || lw_lookup(c, f->name, &(int){0}))
        return NULL;
    int which = strcmp(f->name, "str") == 0 ? 's' : strcmp(f->name, "repr") == 0 ? 'r'
                : strcmp(f->name, "format") == 0 ? 'f' : 0;
    if (!which)
        return NULL;
    args a = lw_args(c, call);
    if (lw_any_err(&a))
        return &lw_ERRV;
    if (which == 's' && a.npos == 0 && a.nkw == 0)
        return lit(call->l, "");
    if (a.nkw || a.npos < 1 || a.npos > (which == 'f' ? 2 : 1)) {
        diag_error(call->l, "%s() takes %s here", f->name,
                   which == 'f' ? "a value and a format spec" : "one argument");
        return &lw_ERRV;
    }
    value *v = a.pos[0];
    const char *spec = "";
    if (which == 'f' && a.npos == 2) {
        if (a.pos[1]->kind != V_STR) {
            diag_error(a.pos[1]->l, "format(): the format spec must be a string known when compiling");
            return &lw_ERRV;
        }
        spec = a.pos[1]->str;
    }
    if (v->kind == V_ARRAY) {
        diag_error(call->l, "%s() of an array is only supported directly in print(), e.g. print(%s(u))",
                   f->name, which == 'r' ? "repr" : "str");
        return &lw_ERRV;
    }
    vec ps = {0};
    if (!lw_str_pieces(c, call->l, v, which == 'f' ? 0 : which, spec, 1, &ps))
        return &lw_ERRV;
    return pieces_value(call->l, &ps);
}

static int is_str(value *v) { return v->kind == V_STR || v->kind == V_FSTR; }

static void build_into(lctx *c, loc l, value *v, int k);

/* The one piece run-time string k is. */
static value *runtime_piece(loc l, int k)
{
    value *p = lit(l, "");
    p->n = k;
    return p;
}

/* s * n with n known only when running ('#' * count, a text histogram's bar): run-time string
 * k1 grown by s n times (none when n <= 0, as Python's), through k2, since a string is reset
 * before its pieces are added. */
static value *repeat_runtime(lctx *c, loc l, value *s, value *n)
{
    int k1 = ++str_count, k2 = ++str_count;
    build_into(c, l, lit(l, ""), k1);
    ir_expr *cnt = ir_cast(l, T_I64, n->e);
    ir_var *i;
    ir_stmt *st = lw_loop_over(c, l, lw_I64(l, 0), ir_bin(l, OP_NPMAX, T_I64, cnt, lw_I64(l, 0), 0), "repeat", &i);
    vec *saved = c->out;
    c->out = &st->body;
    vec ps = {0};
    vec_push(&ps, runtime_piece(l, k1));
    if (!lw_str_pieces(c, l, s, 0, "", 1, &ps)) {
        c->out = saved;
        return &lw_ERRV;
    }
    build_into(c, l, pieces_value(l, &ps), k2);
    vec one = {0};
    vec_push(&one, runtime_piece(l, k2));
    build_into(c, l, pieces_value(l, &one), k1);
    c->out = saved;
    lw_emit(c, st);
    vec r = {0};
    vec_push(&r, runtime_piece(l, k1));
    return pieces_value(l, &r);
}

/* x op y when one is a string ('+' joins, '*' repeats, '%' formats), else NULL. */
value *lw_str_binop(lctx *c, loc l, int op, value *x, value *y)
{
    if (!is_str(x) && !is_str(y))
        return NULL;
    if (x->kind == V_ERR || y->kind == V_ERR)
        return &lw_ERRV;
    if (op == '%' && x->kind == V_STR)
        return percent(c, l, x, y);
    if (op == '+' && is_str(x) && is_str(y)) {
        vec ps = {0};
        lw_str_pieces(c, l, x, 0, "", 1, &ps);
        lw_str_pieces(c, l, y, 0, "", 1, &ps);
        return pieces_value(l, &ps);
    }
    if (op == '*') {
        value *s = is_str(x) ? x : y, *k = is_str(x) ? y : x;
        int64_t n;
        if (s->kind == V_STR && k->kind == V_SCALAR && !ir_type_is_float(k->type) &&
            ir_expr_const_int(k->e, &n)) {
            if (n > 0 && (int64_t)strlen(s->str) > FMT_MAX_WIDTH / n) { /* built here, in memory */
                diag_error(l, "a string repeated to more than %ld characters is not supported", FMT_MAX_WIDTH);
                return &lw_ERRV;
            }
            strbuf b = {0};
            for (int64_t i = 0; i < n; i++)
                sb_printf(&b, "%s", s->str);
            value *r = lit(l, arena_strndup(&util_arena, b.s ? b.s : "", b.len));
            sb_free(&b);
            return r;
        }
        if (k->kind == V_SCALAR && !ir_type_is_float(k->type))
            return repeat_runtime(c, l, s, k);
        diag_error(l, "Python raises TypeError: can't multiply sequence by non-int of type '%s'",
                   k->kind == V_SCALAR ? "float" : lw_vkind_desc(k));
        return &lw_ERRV;
    }
    if (op == '+')
        diag_error(l, is_str(x) ? "Python raises TypeError: can only concatenate str (not \"%s\") to str"
                                : "Python raises TypeError: unsupported operand type(s) for +: '%s' and 'str'",
                   is_str(x) ? (y->kind == V_SCALAR ? (ir_type_is_float(y->type) ? "float" : y->type == T_BOOL ? "bool" : "int") : lw_vkind_desc(y))
                             : (x->kind == V_SCALAR ? (ir_type_is_float(x->type) ? "float" : x->type == T_BOOL ? "bool" : "int") : lw_vkind_desc(x)));
    else if (op == '%')
        diag_error(l, "'%%' formatting needs the format as a string known when compiling");
    else
        diag_error(l, "operator '%s' is not supported on strings", ast_op_name(op));
    return &lw_ERRV;
}

/* Emits the statement building string v at run time; its number (0 after a diagnostic). A
 * string known when compiling needs none: use v->str. */
int lw_str_build(lctx *c, loc l, value *v)
{
    if (v->kind != V_FSTR)
        return 0;
    int k = ++str_count;
    build_into(c, l, v, k);
    return k;
}

/* A name bound to strings x and y on the two branches of the if st (one computed at run time,
 * `name = sys.argv[1]` / `name = "out"`): run-time string k, set at the end of each branch. */
static void build_branch(lctx *c, vec *branch, loc l, value *v, int k)
{
    /* before a last break or continue (status = "still"; break): the path that leaves sets it */
    ir_stmt *last = branch->len ? VEC_AT(*branch, branch->len - 1, ir_stmt *) : NULL;
    int leaves = last && (last->kind == S_BREAK || last->kind == S_CONTINUE);
    if (leaves)
        branch->len--;
    c->out = branch;
    build_into(c, l, v, k);
    if (leaves)
        vec_push(branch, last);
}
value *lw_str_merge(lctx *c, ir_stmt *st, value *x, value *y)
{
    int k = ++str_count;
    vec *saved = c->out;
    build_branch(c, &st->body, st->l, x, k);
    build_branch(c, &st->orelse, st->l, y, k);
    c->out = saved;
    value *p = lit(st->l, "");
    p->n = k;
    value *r = lw_vnew(V_FSTR, st->l);
    r->n = 1;
    r->items = NEWN(value *, 1);
    r->items[0] = p;
    return r;
}

/* A new run-time string k, for a statement that sets it (sys.argv[i]), as the one piece of a
 * V_FSTR. */
value *lw_str_runtime(loc l, int *k)
{
    *k = ++str_count;
    value *p = lit(l, "");
    p->n = *k;
    value *r = lw_vnew(V_FSTR, l);
    r->n = 1;
    r->items = NEWN(value *, 1);
    r->items[0] = p;
    return r;
}

/* How many run-time strings the program has so far (a mark: those made after it are new). */
int lw_str_count(void)
{
    return str_count;
}

/* Statements (at c->out) setting run-time string k to v, a V_STR or a V_FSTR. */
void lw_str_set(lctx *c, loc l, value *v, int k)
{
    build_into(c, l, v, k);
}

/* A string joined at run time (sep.join of a generator over a sequence known only when running,
 * lower_strmethods.c): a new run-time string, empty, as the one piece of a V_FSTR in *r. */
int lw_str_join_begin(lctx *c, loc l, value **r)
{
    int k = ++str_count;
    build_into(c, l, lit(l, ""), k);
    vec one = {0};
    vec_push(&one, runtime_piece(l, k));
    *r = pieces_value(l, &one);
    return k;
}

/* One item x (a string) joined onto run-time string k: k = x for the first (first, a bool
 * variable, is then cleared), else k = k + sep + x, through strings of their own (a string is
 * reset before its pieces are added). */
int lw_str_join_step(lctx *c, loc l, int k, ir_var *first, value *sep, value *x)
{
    int kx = ++str_count, kj = ++str_count;
    build_into(c, l, x, kx);
    ir_stmt *st = ir_stmt_new(S_IF, l);
    st->e = ir_varref(l, first);
    vec *saved = c->out;
    c->out = &st->body;
    vec one = {0};
    vec_push(&one, runtime_piece(l, kx));
    build_into(c, l, pieces_value(l, &one), k);
    ir_stmt *clear = ir_stmt_new(S_ASSIGN, l);
    clear->var = first;
    clear->e = ir_const_i(l, T_BOOL, 0);
    vec_push(&st->body, clear);
    c->out = &st->orelse;
    vec ps = {0};
    vec_push(&ps, runtime_piece(l, k));
    int ok = lw_str_pieces(c, l, sep, 0, "", 1, &ps);
    vec_push(&ps, runtime_piece(l, kx));
    if (ok) {
        build_into(c, l, pieces_value(l, &ps), kj);
        vec back = {0};
        vec_push(&back, runtime_piece(l, kj));
        build_into(c, l, pieces_value(l, &back), k);
    }
    c->out = saved;
    lw_emit(c, st);
    return ok;
}

/* x if cond else y of strings, cond known at run time only: run-time string k, set in the
 * branches of an S_IF, as the one piece of a V_FSTR. */
value *lw_str_select(lctx *c, loc l, ir_expr *cond, value *x, value *y)
{
    int k = ++str_count;
    ir_stmt *st = ir_stmt_new(S_IF, l);
    st->e = cond;
    vec *saved = c->out;
    c->out = &st->body;
    build_into(c, l, x, k);
    c->out = &st->orelse;
    build_into(c, l, y, k);
    c->out = saved;
    lw_emit(c, st);
    value *p = lit(l, "");
    p->n = k;
    value *r = lw_vnew(V_FSTR, l);
    r->n = 1;
    r->items = NEWN(value *, 1);
    r->items[0] = p;
    return r;
}

/* The S_PRINT setting run-time string k to v (a V_FSTR or a V_STR). */
static void build_into(lctx *c, loc l, value *v, int k)
{
    if (v->kind == V_STR) {
        value *one[1] = {v};
        value w = {0};
        w.kind = V_FSTR;
        w.n = 1;
        w.items = one;
        build_into(c, l, &w, k);
        return;
    }
    ir_stmt *s = ir_stmt_new(S_PRINT, l);
    s->n = v->n;
    s->args = NEWN(ir_expr *, v->n + 1);
    s->strs = NEWN(const char *, v->n + 1);
    s->pfmt = NEWN(const char *, v->n + 1);
    s->pspec = NEWN(int, v->n + 1);
    s->str = "";
    s->end = "";
    s->sbuf = k;
    s->pflags = NEWN(unsigned char, v->n + 1);
    for (int i = 0; i < v->n; i++) {
        value *p = v->items[i];
        if (p->kind == V_STR && p->n) { /* run-time string p->n (a conditional expression) */
            s->strs[i] = "";
            s->pflags[i] = IR_PR_STRBUF;
            s->pspec[i] = p->n;
        } else if (p->kind == V_STR)
            s->strs[i] = p->str;
        else {
            s->args[i] = p->e;
            s->pfmt[i] = p->str;
            s->pspec[i] = p->n;
        }
    }
    lw_emit(c, lw_print_variants(s, v->items, 0));
}

/* assert/raise whose message (after msg, "AssertionError: ") is string rt computed at run time:
 * if (cond) { build it; stop with it }, so the message costs nothing while the test holds. */
void lw_emit_raise_str(lctx *c, loc l, ir_expr *cond, const char *msg, value *rt)
{
    ir_stmt *st = ir_stmt_new(S_IF, l);
    st->e = cond;
    vec *saved = c->out;
    c->out = &st->body;
    ir_stmt *r = ir_stmt_new(S_RAISE, l);
    r->e = ir_const_i(l, T_BOOL, 1);
    r->str = msg;
    r->sbuf = lw_str_build(c, l, rt);
    lw_emit(c, r);
    c->out = saved;
    lw_emit(c, st);
}
