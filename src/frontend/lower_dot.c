/* lower_dot.c: inner products: np.dot, np.inner and `a @ b` of two 1-D arrays, np.vdot of two
 * arrays of one shape, and np.dot with a scalar operand (a product).
 *
 * An inner product is the sum of the elementwise products, a reduction the back ends already
 * distribute. NumPy computes it with BLAS (ddot), whose order of additions differs from the
 * pairwise sum used here: floating-point results agree within rounding, not bitwise (integers
 * are exact). Lengths that differ are NumPy's ValueError, when compiling if known then.
 * Matrix products (a 2-D operand) are refused with a message naming the shapes. */

#include "lower_internal.h"

#include <string.h>

static value *lit(loc l, const char *s)
{
    value *v = lw_vnew(V_STR, l);
    v->str = s;
    return v;
}

static const char *ext_str(value *v, int d)
{
    int64_t k;
    return ir_expr_const_int(v->len[d], &k) ? arena_printf(&util_arena, "%lld", (long long)k) : sym_str(v->sh[d]);
}

/* NumPy's message for lengths that differ, known when compiling or checked when running */
static int same_length(lctx *c, loc l, const char *f, value *a, value *b)
{
    int cmp = lw_sym_cmp(a->sh[0], b->sh[0]);
    int64_t x, y;
    if (cmp < 0 && ir_expr_const_int(a->len[0], &x) && ir_expr_const_int(b->len[0], &y))
        cmp = x == y;
    if (cmp == 1)
        return 1;
    int mm = strcmp(f, "@") == 0, vd = strcmp(f, "np.vdot") == 0;
    if (cmp == 0) {
        if (vd)
            diag_error(l, "cannot reshape array of size %s into shape (%s,)", ext_str(b, 0), ext_str(a, 0));
        else if (mm)
            diag_error(l, "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc "
                          "signature (n?,k),(k,m?)->(n?,m?) (size %s is different from %s)",
                       ext_str(b, 0), ext_str(a, 0));
        else
            diag_error(l, "shapes (%s,) and (%s,) not aligned: %s (dim 0) != %s (dim 0)", ext_str(a, 0),
                       ext_str(b, 0), ext_str(a, 0), ext_str(b, 0));
        return 0;
    }
    value *rt = lw_vnew(V_FSTR, l);
    value *la = lw_scalar(l, a->len[0], 0), *lb = lw_scalar(l, b->len[0], 0);
    value *m[] = {lit(l, "shapes ("), la, lit(l, ",) and ("), lb, lit(l, ",) not aligned: "), la,
                  lit(l, " (dim 0) != "), lb, lit(l, " (dim 0)")};
    value *mmv[] = {lit(l, "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc "
                           "signature (n?,k),(k,m?)->(n?,m?) (size "),
                    lb, lit(l, " is different from "), la, lit(l, ")")};
    value *vdv[] = {lit(l, "cannot reshape array of size "), lb, lit(l, " into shape ("), la, lit(l, ",)")};
    rt->n = mm || vd ? 5 : 9;
    rt->items = NEWN(value *, rt->n);
    memcpy(rt->items, vd ? vdv : mm ? mmv : m, sizeof(value *) * (size_t)rt->n);
    lw_emit_raise_str(c, l, ir_bin(l, OP_CNE, T_BOOL, a->len[0], b->len[0], 0), "ValueError: ", rt);
    return 1;
}

value *lw_dot(lctx *c, loc l, const char *f, value *a, value *b)
{
    if (a->kind == V_ERR || b->kind == V_ERR)
        return &lw_ERRV;
    if (lw_is_complex(a) || lw_is_complex(b)) /* products of the parts (lower_complex.c) */
        return lw_complex_dot(c, l, f, a, b);
    int mm = strcmp(f, "@") == 0 || strcmp(f, "np.matmul") == 0, vdot = strcmp(f, "np.vdot") == 0;
    /* a list or tuple is np.asarray of it: np.dot(R, [1.0, 0.0]), or R @ [1.0, 0.0] with an array */
    const char *fw = mm ? "'@'" : arena_printf(&util_arena, "%s()", f);
    int oper = strcmp(f, "@") == 0; /* the operator: a list @ a list is Python's TypeError */
    if (a->kind == V_TUPLE && (!oper || b->kind == V_ARRAY))
        a = lw_seq_operand(c, a, fw);
    if (b->kind == V_TUPLE && (!oper || a->kind == V_ARRAY))
        b = lw_seq_operand(c, b, fw);
    if (a->kind == V_ERR || b->kind == V_ERR)
        return &lw_ERRV;
    for (int k = 0; k < 2; k++) {
        value *v = k ? b : a;
        if (v->kind != V_ARRAY && v->kind != V_SCALAR) {
            diag_error(v->l, "%s of %s is not supported", mm ? "'@'" : arena_printf(&util_arena, "%s()", f),
                       lw_vkind_desc(v));
            return &lw_ERRV;
        }
        if (v->type == T_BOOL) {
            diag_error(v->l, "%s of boolean arrays is not supported", mm ? "'@'" : arena_printf(&util_arena, "%s()", f));
            return &lw_ERRV;
        }
    }
    if (a->kind == V_SCALAR || b->kind == V_SCALAR) {
        if (mm) {
            diag_error(l, "matmul: Input operand %d does not have enough dimensions (has 0, gufunc core "
                          "with signature (n?,k),(k,m?)->(n?,m?) requires 1)", a->kind == V_SCALAR ? 0 : 1);
            return &lw_ERRV;
        }
        if (!vdot)
            return lw_binop(c, l, OP_MUL, a, b);
    }
    if (vdot) {
        int same = a->kind == V_ARRAY && b->kind == V_ARRAY && a->rank == b->rank;
        for (int d = 0; same && d < a->rank && a->rank > 1; d++)
            same = lw_sym_cmp(a->sh[d], b->sh[d]) == 1;
        if (!same) {
            diag_error(l, "np.vdot() is supported for two arrays of one shape known to be the same when "
                          "compiling (it flattens others)");
            return &lw_ERRV;
        }
    } else if ((a->rank == 2 || b->rank == 2) && a->rank <= 2 && b->rank <= 2 && strcmp(f, "np.inner") != 0)
        return lw_matmul(c, l, f, a, b); /* lower_linalg.c */
    else if (mm && a->rank >= 2 && b->rank >= 2)
        return lw_matmul_stacked(c, l, f, a, b); /* stacks of matrices */
    else if (a->rank != 1 || b->rank != 1) {
        diag_error(l, "%s of a %d-D and a %d-D array is a matrix product, which is not supported (inner "
                      "products of 1-D arrays are)", mm ? "'@'" : arena_printf(&util_arena, "%s()", f),
                   a->rank, b->rank);
        return &lw_ERRV;
    }
    if (a->rank == 1 && !same_length(c, l, mm ? "@" : f, a, b))
        return &lw_ERRV;
    value *p = lw_binop(c, l, OP_MUL, a, b);
    if (p->kind == V_ERR)
        return &lw_ERRV;
    value *r = lw_reduce(c, l, "sum", p);
    if (r->kind == V_SCALAR && r->type != p->type) /* NumPy's dot keeps the operands' type */
        r = lw_scalar(l, ir_cast(l, p->type, r->e), 0);
    return r;
}

/* f(a, b) from the operands' syntax: np.dot(r.ravel(), r.ravel()) of whole arrays of one shape
 * is np.vdot(r, r), without the copies (lw_unravelled) */
value *lw_dot_ast(lctx *c, loc l, const char *f, ast *a, ast *b)
{
    ast *x = lw_unravelled(c, a), *y = x ? lw_unravelled(c, b) : NULL;
    if (x && y) {
        lw_probe p;
        lw_probe_begin(c, &p);
        value *xv = lw_expr(c, x), *yv = lw_expr(c, y);
        int same = xv->kind == V_ARRAY && yv->kind == V_ARRAY && xv->rank == yv->rank;
        for (int d = 0; same && d < xv->rank; d++)
            same = lw_sym_cmp(xv->sh[d], yv->sh[d]) == 1;
        lw_probe_end(c, &p);
        if (same)
            return lw_dot(c, l, "np.vdot", lw_expr(c, x), lw_expr(c, y));
    }
    value *av = lw_expr(c, a);
    return lw_dot(c, l, f, av, lw_expr(c, b));
}

static value *np_dot(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    int has_out = strcmp(f, "np.dot") == 0 || strcmp(f, "np.matmul") == 0; /* v[2] is given */
    if (has_out && v[2] && v[2]->kind != V_NONE) {
        diag_error(v[2]->l, "%s(): out= is not supported; assign the result", f);
        return &lw_ERRV;
    }
    return lw_dot(c, l, f, v[0], v[1]);
}

static const lw_builtin np_table[] = {
    {"np.dot", {"a", "b", "out"}, 2, np_dot},
    {"np.vdot", {"a", "b"}, 2, np_dot},
    {"np.inner", {"a", "b"}, 2, np_dot},
    {"np.matmul", {"x1", "x2", "out"}, 2, np_dot},
};
static value *m_dot(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)f;
    if (v[1] && v[1]->kind != V_NONE) {
        diag_error(v[1]->l, "dot(): out= is not supported; assign the result");
        return &lw_ERRV;
    }
    return lw_dot(c, l, "np.dot", a->self, v[0]);
}
static const lw_builtin method_table[] = {
    {"dot", {"b", "out"}, 1, m_dot},
};
const lw_builtin *lw_dot_find(const char *name, int method)
{
    const lw_builtin *b = method ? lw_builtin_find(method_table, sizeof method_table / sizeof *method_table, name)
                                 : lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, name);
    if (!b)
        b = lw_stats_find(name, method);
    if (!b)
        b = lw_einsum_find(name, method);
    return b ? b : lw_linalg_find(name, method);
}
