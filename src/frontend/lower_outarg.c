/* lower_outarg.c: the output array of a NumPy call given by position (np.clip(a, 0, 1, a),
 * np.add(x, y, x), np.sqrt(u, u)), as scipython-style scripts write in-place updates.
 *
 * NumPy's ufuncs take their output after their inputs (`out` is the parameter that follows
 * them) and np.clip(a, a_min, a_max, out) does too, so such a call is np.f(inputs, out=X).
 * The program is rewritten, before lowering, into that keyword form, which the lowering of a
 * call statement (lw_out_argument) and lower_grow.c's test for arrays changed in place already
 * know. Only calls of np./numpy. functions named here with exactly one argument more than
 * their inputs and no out= keyword are rewritten; anything else is lowered (and refused) as
 * written.
 *
 * Requires: the module's AST as parsed. Establishes: no call of a function named here passes
 * its output by position. */

#include "lower_internal.h"

#include <string.h>

/* The functions and how many inputs come before out. */
static const struct {
    const char *name;
    int nin;
} funcs[] = {
    {"clip", 3},
    {"add", 2}, {"subtract", 2}, {"multiply", 2}, {"divide", 2}, {"true_divide", 2},
    {"floor_divide", 2}, {"mod", 2}, {"remainder", 2}, {"power", 2}, {"minimum", 2},
    {"maximum", 2}, {"arctan2", 2}, {"hypot", 2}, {"copysign", 2}, {"fmod", 2},
    {"sqrt", 1}, {"exp", 1}, {"log", 1}, {"sin", 1}, {"cos", 1}, {"tan", 1}, {"tanh", 1},
    {"floor", 1}, {"ceil", 1}, {"sign", 1}, {"arcsin", 1}, {"arccos", 1}, {"arctan", 1},
    {"sinh", 1}, {"cosh", 1}, {"log10", 1}, {"log2", 1}, {"exp2", 1}, {"expm1", 1},
    {"log1p", 1}, {"cbrt", 1}, {"trunc", 1}, {"rint", 1}, {"abs", 1}, {"absolute", 1},
    {"fabs", 1}, {"negative", 1}, {"positive", 1}, {"square", 1},
};

/* 1 when np.NAME is one of the functions above (a ufunc or clip: its value is its output). */
int lw_outarg_func(const char *name)
{
    for (size_t f = 0; f < sizeof funcs / sizeof *funcs; f++)
        if (strcmp(name, funcs[f].name) == 0)
            return 1;
    return 0;
}

static void rewrite(ast *a, void *unused)
{
    if (!a)
        return;
    if (a->kind == A_CALL && a->a && a->a->kind == A_ATTR && a->a->a && a->a->a->kind == A_NAME &&
        (strcmp(a->a->a->name, "np") == 0 || strcmp(a->a->a->name, "numpy") == 0)) {
        int has_out = 0;
        for (int i = 0; i < a->kwargs.len; i++) {
            ast *k = VEC_AT(a->kwargs, i, ast *);
            has_out |= k->name && strcmp(k->name, "out") == 0;
        }
        for (size_t f = 0; f < sizeof funcs / sizeof *funcs && !has_out; f++)
            if (strcmp(a->a->name, funcs[f].name) == 0 && a->args.len == funcs[f].nin + 1 &&
                VEC_AT(a->args, funcs[f].nin, ast *)->kind != A_STARRED) {
                ast *x = VEC_AT(a->args, funcs[f].nin, ast *);
                a->args.len--;
                vec_push(&a->kwargs, ast_keyword(x->l, "out", x));
                break;
            }
    }
    ast_each_child(a, AST_ALL, rewrite, unused);
}

void lw_outarg_rewrite(ast *module) { rewrite(module, NULL); }
