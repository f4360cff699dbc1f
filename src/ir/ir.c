/* ir.c: IR constructors (asserting their invariants) and small queries. */
#include "../util/sym.h"
#include "ir.h"

#include <string.h>

static const char *type_names[] = {"bool", "int32", "int64", "float32", "float64", "int8", "uint8",
                                   "int16", "uint16", "uint32", "uint64"};
static const char *type_cnames[] = {"bool", "int32_t", "int64_t", "float", "double", "int8_t", "uint8_t",
                                    "int16_t", "uint16_t", "uint32_t", "uint64_t"};

const char *ir_type_name(ir_type t) { return type_names[t]; }
const char *ir_type_c(ir_type t) { return type_cnames[t]; }
int ir_type_is_float(ir_type t) { return t == T_F32 || t == T_F64; }
int ir_type_is_int(ir_type t) { return t != T_BOOL && !ir_type_is_float(t); }
int ir_type_is_unsigned(ir_type t) { return t == T_U8 || t == T_U16 || t == T_U32 || t == T_U64; }
int ir_type_bits(ir_type t)
{
    static const int bits[] = {8, 32, 64, 32, 64, 8, 8, 16, 16, 32, 64};
    return bits[t];
}

const char *ir_op_name(ir_op op)
{
    static const char *names[] = {
        [OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*", [OP_TRUEDIV] = "/", [OP_FDIV] = "//",
        [OP_MOD] = "%", [OP_POWER] = "**", [OP_CLT] = "<", [OP_CLE] = "<=", [OP_CGT] = ">",
        [OP_CGE] = ">=", [OP_CEQ] = "==", [OP_CNE] = "!=", [OP_LAND] = "and", [OP_LOR] = "or",
        [OP_BAND] = "&", [OP_BOR] = "|", [OP_BXOR] = "^", [OP_SHL] = "<<", [OP_SHR] = ">>", [OP_MIN] = "min", [OP_MAX] = "max", [OP_NPMIN] = "minimum", [OP_NPMAX] = "maximum",
        [OP_NEG] = "-", [OP_POS] = "+", [OP_LNOT] = "not", [OP_BNOT] = "~", [OP_ABS] = "abs",
    };
    return names[op];
}

const char *ir_fn_name(ir_fn fn)
{
    static const char *names[] = {
        [FN_SQRT] = "sqrt", [FN_EXP] = "exp", [FN_LOG] = "log", [FN_SIN] = "sin",
        [FN_COS] = "cos", [FN_TAN] = "tan", [FN_TANH] = "tanh", [FN_FLOOR] = "floor",
        [FN_CEIL] = "ceil", [FN_SIGN] = "sign", [FN_I0] = "i0", [FN_SLICE_LO] = "slice_lo", [FN_SLICE_LEN] = "slice_len",
        [FN_INDEX] = "index", [FN_INDEX_NN] = "index_nn", [FN_PYINT] = "int", [FN_PYROUND] = "round", [FN_NONEMPTY] = "nonempty",
        [FN_ASIN] = "arcsin", [FN_ACOS] = "arccos", [FN_ATAN] = "arctan", [FN_SINH] = "sinh",
        [FN_COSH] = "cosh", [FN_ASINH] = "arcsinh", [FN_ACOSH] = "arccosh", [FN_ATANH] = "arctanh",
        [FN_LOG10] = "log10", [FN_LOG2] = "log2", [FN_EXP2] = "exp2", [FN_EXPM1] = "expm1",
        [FN_LOG1P] = "log1p", [FN_CBRT] = "cbrt", [FN_TRUNC] = "trunc", [FN_RINT] = "rint", [FN_ERF] = "erf", [FN_ERFC] = "erfc",
        [FN_ATAN2] = "arctan2", [FN_HYPOT] = "hypot", [FN_COPYSIGN] = "copysign", [FN_FMOD] = "fmod",
        [FN_FMA] = "fma", [FN_POW] = "pow", [FN_CMATH] = "cmath", [FN_WALLTIME] = "walltime",
    };
    return names[fn];
}

ir_var *ir_var_new(ir_program *p, const char *cname, const char *pyname, ir_type t, int rank,
                   int is_array)
{
    UTIL_ASSERT(cname && *cname);
    UTIL_ASSERT(rank >= 0 && rank <= IR_MAX_RANK);
    UTIL_ASSERT(is_array ? rank >= 1 : rank == 0);
    ir_var *v = NEW(ir_var);
    v->name = cname;
    v->pyname = pyname ? pyname : cname;
    v->type = t;
    v->rank = rank;
    v->is_array = is_array != 0;
    v->id = p->nvars++;
    v->alias_class = v->id;
    return v;
}

static ir_expr *enew(ir_ekind k, loc l, ir_type t)
{
    ir_expr *e = NEW(ir_expr);
    e->kind = k;
    e->l = l;
    e->type = t;
    return e;
}

ir_expr *ir_const_i(loc l, ir_type t, int64_t v)
{
    UTIL_ASSERT(!ir_type_is_float(t));
    ir_expr *e = enew(E_CONST, l, t);
    e->c.i = t == T_BOOL ? (v != 0) : v;
    return e;
}

ir_expr *ir_const_f(loc l, ir_type t, double v)
{
    UTIL_ASSERT(ir_type_is_float(t));
    ir_expr *e = enew(E_CONST, l, t);
    e->c.f = v;
    return e;
}

ir_expr *ir_varref(loc l, ir_var *v)
{
    UTIL_ASSERT(v && !v->is_array);
    ir_expr *e = enew(E_VAR, l, v->type);
    e->var = v;
    return e;
}

ir_expr *ir_bin(loc l, ir_op op, ir_type t, ir_expr *a, ir_expr *b, int py)
{
    UTIL_ASSERT(a && b && op <= OP_NPMAX);
    /* An integer variable or extent compared with itself (`n > 0 and next_id() > n`, once the
     * def is inlined and its result pinned; np.interp's check that fp and xp have one length, of
     * two rows of one array) is decided: folded, because C compilers warn about the
     * self-comparison and generated code compiles without warnings. Not floats: NaN. */
    int same = (a->kind == E_VAR && b->kind == E_VAR && a->var == b->var) ||
               (a->kind == E_SHAPE && b->kind == E_SHAPE && a->var == b->var && a->dim == b->dim);
    if (op >= OP_CLT && op <= OP_CNE && same && !ir_type_is_float(a->type))
        return ir_const_i(l, t, op == OP_CLE || op == OP_CGE || op == OP_CEQ);
    ir_expr *e = enew(E_BIN, l, t);
    e->op = op;
    e->a = a;
    e->b = b;
    e->py = py != 0;
    return e;
}

ir_expr *ir_un(loc l, ir_op op, ir_type t, ir_expr *a)
{
    UTIL_ASSERT(a && op >= OP_NEG);
    ir_expr *e = enew(E_UN, l, t);
    e->op = op;
    e->a = a;
    return e;
}

ir_expr *ir_cast(loc l, ir_type t, ir_expr *a)
{
    UTIL_ASSERT(a);
    if (a->type == t)
        return a;
    if (a->kind == E_CONST) {
        /* Fold conversions of constants: the value is exactly what C's conversion gives. */
        /* a float32 constant holds the double it was written as (its C literal, with 'f',
         * rounds it): widened, it is the float's value (np.float32(0.7) == x compared x with
         * 0.69999999999999996, not 0.699999988079071) */
        if (ir_type_is_float(t))
            return ir_const_f(l, t, a->type == T_F32 ? (double)(float)a->c.f
                                    : ir_type_is_float(a->type) ? a->c.f : (double)a->c.i);
        if (!ir_type_is_float(a->type))
            return ir_const_i(l, t, a->c.i);
    }
    ir_expr *e = enew(E_CAST, l, t);
    e->a = a;
    return e;
}

ir_expr *ir_call(loc l, ir_fn fn, ir_type t, int nargs, ir_expr **args)
{
    for (int i = 0; i < nargs; i++)
        UTIL_ASSERT(args[i]);
    ir_expr *e = enew(E_CALL, l, t);
    e->fn = fn;
    e->nargs = nargs;
    e->args = args;
    return e;
}

ir_expr *ir_select(loc l, ir_type t, ir_expr *c, ir_expr *a, ir_expr *b)
{
    UTIL_ASSERT(c && a && b && a->type == t && b->type == t);
    ir_expr *e = enew(E_SELECT, l, t);
    e->a = c;
    e->b = a;
    e->cc = b;
    return e;
}

ir_expr *ir_shape(loc l, ir_var *slot, int dim)
{
    UTIL_ASSERT(slot->is_array && dim >= 0 && dim < slot->rank);
    ir_expr *e = enew(E_SHAPE, l, T_I64);
    e->var = slot;
    e->dim = dim;
    return e;
}

ir_expr *ir_elem(loc l, ir_var *slot, ir_expr **idx)
{
    UTIL_ASSERT(slot->is_array);
    for (int i = 0; i < slot->rank; i++)
        UTIL_ASSERT(idx[i] && idx[i]->type == T_I64);
    ir_expr *e = enew(E_ELEM, l, slot->type);
    e->var = slot;
    e->args = idx;
    e->nargs = slot->rank;
    return e;
}

ir_expr *ir_read(loc l, ir_view *v)
{
    UTIL_ASSERT(v && v->arr && v->arr->is_array);
    ir_expr *e = enew(E_READ, l, v->arr->type);
    e->view = v;
    return e;
}

ir_expr *ir_index(loc l, ir_type t, int dim)
{
    UTIL_ASSERT(dim >= 0 && dim < IR_MAX_RANK);
    ir_expr *e = enew(E_INDEX, l, t);
    e->dim = dim;
    return e;
}

ir_view *ir_view_full(loc l, ir_var *slot)
{
    UTIL_ASSERT(slot->is_array);
    ir_view *v = NEW(ir_view);
    v->arr = slot;
    v->rank = slot->rank;
    v->vrank = slot->rank;
    v->l = l;
    for (int d = 0; d < slot->rank; d++) {
        v->dim[d].kind = D_RANGE;
        v->dim[d].lo = ir_const_i(l, T_I64, 0);
        v->dim[d].step = ir_const_i(l, T_I64, 1);
        v->dim[d].step_c = 1;
        v->dim[d].len = ir_shape(l, slot, d);
        v->dim[d].box = d;
    }
    return v;
}

ir_view *ir_view_clone(ir_view *v)
{
    ir_view *c = NEW(ir_view);
    *c = *v;
    return c;
}

ir_stmt *ir_stmt_new(ir_skind k, loc l)
{
    ir_stmt *s = NEW(ir_stmt);
    s->kind = k;
    s->l = l;
    return s;
}

static int view_equal(const ir_view *a, const ir_view *b)
{
    if (a->arr != b->arr || a->rank != b->rank)
        return 0;
    for (int d = 0; d < a->rank; d++) {
        const ir_dim *x = &a->dim[d], *y = &b->dim[d];
        if (x->kind != y->kind || !ir_expr_equal(x->lo, y->lo))
            return 0;
        if (x->kind == D_RANGE &&
            (x->box != y->box || !ir_expr_equal(x->step, y->step) || !ir_expr_equal(x->len, y->len) ||
             !ir_expr_equal(x->wrap, y->wrap)))
            return 0;
    }
    return 1;
}

int ir_expr_equal(const ir_expr *a, const ir_expr *b)
{
    if (a == b)
        return 1;
    if (!a || !b || a->kind != b->kind || a->type != b->type)
        return 0;
    switch (a->kind) {
    case E_CONST:
        return ir_type_is_float(a->type) ? memcmp(&a->c.f, &b->c.f, sizeof(double)) == 0
                                         : a->c.i == b->c.i;
    case E_VAR: return a->var == b->var;
    case E_BIN:
        return a->op == b->op && a->py == b->py && ir_expr_equal(a->a, b->a) &&
               ir_expr_equal(a->b, b->b);
    case E_UN: return a->op == b->op && ir_expr_equal(a->a, b->a);
    case E_CAST: return ir_expr_equal(a->a, b->a);
    case E_CALL:
        if (a->fn != b->fn || a->nargs != b->nargs)
            return 0;
        for (int i = 0; i < a->nargs; i++)
            if (!ir_expr_equal(a->args[i], b->args[i]))
                return 0;
        return 1;
    case E_SELECT:
        return ir_expr_equal(a->a, b->a) && ir_expr_equal(a->b, b->b) && ir_expr_equal(a->cc, b->cc);
    case E_SHAPE: return a->var == b->var && a->dim == b->dim;
    case E_ELEM:
        if (a->var != b->var)
            return 0;
        for (int i = 0; i < a->nargs; i++)
            if (!ir_expr_equal(a->args[i], b->args[i]))
                return 0;
        return 1;
    case E_READ: return view_equal(a->view, b->view);
    case E_INDEX: return a->dim == b->dim;
    }
    return 0;
}

int ir_expr_is_scalar(const ir_expr *e)
{
    if (!e)
        return 1;
    switch (e->kind) {
    case E_READ:
    case E_INDEX: return 0;
    case E_CALL:
        for (int i = 0; i < e->nargs; i++)
            if (!ir_expr_is_scalar(e->args[i]))
                return 0;
        return 1;
    case E_ELEM:
        return 1;
    default:
        return ir_expr_is_scalar(e->a) && ir_expr_is_scalar(e->b) && ir_expr_is_scalar(e->cc);
    }
}

int ir_expr_const_int(const ir_expr *e, int64_t *out)
{
    if (e && e->kind == E_CONST && !ir_type_is_float(e->type)) {
        *out = e->c.i;
        return 1;
    }
    return 0;
}

void ir_rename_slot(ir_expr *e, ir_var *from, ir_var *to)
{
    if (!e)
        return;
    if ((e->kind == E_SHAPE || e->kind == E_ELEM) && e->var == from)
        e->var = to;
    if (e->kind == E_READ) {
        if (e->view->arr == from)
            e->view->arr = to;
        for (int d = 0; d < e->view->rank; d++) {
            ir_rename_slot(e->view->dim[d].lo, from, to);
            ir_rename_slot(e->view->dim[d].len, from, to);
            ir_rename_slot(e->view->dim[d].step, from, to);
            ir_rename_slot(e->view->dim[d].wrap, from, to);
        }
    }
    for (int i = 0; i < e->nargs; i++)
        ir_rename_slot(e->args[i], from, to);
    ir_rename_slot(e->a, from, to);
    ir_rename_slot(e->b, from, to);
    ir_rename_slot(e->cc, from, to);
}

/* e with its operands a, b, cc and its argument k replaced by x (x == e->args[k]: none): e
 * itself while nothing changes, else a copy (the passes that rewrite expressions share e's
 * unchanged parts). *args is the argument array being built, e->args until the first change. */
ir_expr **ir_args_cow(const ir_expr *e, ir_expr **args, int k, ir_expr *x)
{
    if (x == e->args[k])
        return args;
    if (args == e->args) {
        args = NEWN(ir_expr *, e->nargs);
        for (int j = 0; j < e->nargs; j++)
            args[j] = e->args[j];
    }
    args[k] = x;
    return args;
}
ir_expr *ir_expr_rebuilt(ir_expr *e, ir_expr *a, ir_expr *b, ir_expr *cc, ir_expr **args)
{
    if (a == e->a && b == e->b && cc == e->cc && args == e->args)
        return e;
    ir_expr *n = NEW(ir_expr);
    *n = *e;
    n->a = a;
    n->b = b;
    n->cc = cc;
    n->args = args;
    return n;
}

int ir_expr_any(const ir_expr *e, int (*pred)(const ir_expr *, void *), void *ctx)
{
    if (!e)
        return 0;
    if (pred(e, ctx))
        return 1;
    if (e->kind == E_READ)
        for (int d = 0; d < e->view->rank; d++) {
            const ir_dim *m = &e->view->dim[d];
            if (ir_expr_any(m->lo, pred, ctx) || ir_expr_any(m->len, pred, ctx) ||
                ir_expr_any(m->step, pred, ctx) || ir_expr_any(m->wrap, pred, ctx))
                return 1;
        }
    for (int i = 0; i < e->nargs; i++)
        if (ir_expr_any(e->args[i], pred, ctx))
            return 1;
    return ir_expr_any(e->a, pred, ctx) || ir_expr_any(e->b, pred, ctx) || ir_expr_any(e->cc, pred, ctx);
}

static int collect_read(const ir_expr *e, void *ctx)
{
    ir_reads *r = ctx;
    if (e->kind == E_READ) {
        vec_push(&r->all, e->view);
        r->v = (ir_view **)r->all.items;
        r->n = r->all.len;
    }
    return 0;
}

void ir_reads_of(ir_expr *e, ir_reads *r)
{
    if (e)
        ir_expr_any(e, collect_read, r);
}

static int is_elem(const ir_expr *e, void *ctx) { (void)ctx; return e->kind == E_ELEM; }
static int is_index(const ir_expr *e, void *ctx) { (void)ctx; return e->kind == E_INDEX; }
static int is_var(const ir_expr *e, void *v) { return e->kind == E_VAR && e->var == v; }
static int reads_slot(const ir_expr *e, void *v)
{
    return (e->kind == E_READ && e->view->arr == v) || (e->kind == E_ELEM && e->var == v);
}

int ir_expr_has_elem(const ir_expr *e) { return ir_expr_any(e, is_elem, NULL); }
int ir_expr_has_index(const ir_expr *e) { return ir_expr_any(e, is_index, NULL); }
int ir_expr_uses_var(const ir_expr *e, ir_var *v) { return ir_expr_any(e, is_var, v); }
int ir_expr_reads_slot(const ir_expr *e, ir_var *s) { return ir_expr_any(e, reads_slot, s); }

static void body_vars(vec *body, vec *out)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        if ((s->kind == S_ASSIGN || s->kind == S_FOR || s->kind == S_REDUCE) && s->var && !s->var->is_array)
            vec_push(out, s->var);
        if ((s->kind == S_RANDOM || s->kind == S_OS) && s->var && !s->var->is_array)
            vec_push(out, s->var);
        body_vars(&s->body, out);
        body_vars(&s->orelse, out);
    }
}

void ir_loop_vars(ir_stmt *loop, vec *out)
{
    if (loop->kind == S_FOR && loop->var)
        vec_push(out, loop->var);
    body_vars(&loop->body, out);
}

/* Do the sweeps' targets span equal extents, dimension by dimension (equal expressions, or
 * equal symbolic extents)? */
int ir_same_box(const ir_stmt *a, const ir_stmt *b)
{
    if (a->target->vrank != b->target->vrank)
        return 0;
    const ir_dim *da[IR_MAX_RANK], *db[IR_MAX_RANK];
    int na = 0, nb = 0;
    for (int d = 0; d < a->target->rank; d++)
        if (a->target->dim[d].kind == D_RANGE)
            da[na++] = &a->target->dim[d];
    for (int d = 0; d < b->target->rank; d++)
        if (b->target->dim[d].kind == D_RANGE)
            db[nb++] = &b->target->dim[d];
    for (int k = 0; k < na; k++)
        if (!ir_expr_equal(da[k]->len, db[k]->len) && !sym_equal(da[k]->slen, db[k]->slen))
            return 0;
    return 1;
}
