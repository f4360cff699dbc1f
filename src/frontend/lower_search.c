/* lower_search.c: np.searchsorted(a, v, side) and a.searchsorted(v, side), as particle binning,
 * table look-ups and cell location by sorted edges use them.
 *
 * NumPy's binsearch (numpy/_core/src/npysort/binsearch.cpp), written out in the prelude below:
 * the keys are searched in order, and each search starts from the previous key's bounds (kept
 * when the key is not smaller than the previous one, else restarted) before bisecting. For a
 * sorted a every bisection gives the same answer; keeping NumPy's steps gives NumPy's answer
 * for an unsorted a too. The comparison is NumPy's `less`, which orders NaN after every number
 * (a < b or (b != b and a == a)); side='left' finds the first i with not less(a[i], v),
 * side='right' the first with less(v, a[i]). a and v are compared in their common type
 * (np.asarray of v first, so a Python float is a float64 even against float32 data; mixed kinds
 * float64, two integer types other than uint64 int64).
 *
 * digitize_mono(b) is NumPy's check_array_monotonic (compiled_base.c) for np.digitize: the
 * leading run of equal edges skipped, the first pair that is not equal decides (increasing when
 * it is `<`, decreasing otherwise: a NaN there makes the bins decreasing), then no later pair
 * may go the other way; 1, -1 or 0 (NumPy's ValueError). Edges that hold NaN are so monotonic
 * in NumPy's sense ([0, nan, 2] is decreasing), where a test of every pair would refuse them.
 *
 * take_check(idx, n, axis) is NumPy's bounds check of np.take's 1-D indices along a later axis
 * (lower_npextra.c takes them from a transposed view, whose own check would name axis 0).
 *
 * Requires: lower_linalg.c parses lw_search_prelude_src with the other preludes; arguments
 * lowered and matched (lw_npfuncs_find finds these tables).
 * Establishes: an int64 number for a number v, a new 1-D int64 array for a 1-D v, or a located
 * diagnostic (a not 1-D, v of more dimensions, sorter=, a side other than 'left'/'right'). */

#include "lower_internal.h"

#include <string.h>

static int given(value *v) { return v && v->kind != V_NONE; }

/* Each loop has a variable of its own; `hi` keeps its bound from one key to the next. */
const char lw_search_prelude_src[] =
    "def ss_less(x, y):\n"
    "    return x < y or (y != y and x == x)\n"
    "\n"
    "\n"
    "def ss_bisect(a, key, lo, hi, right):\n"
    "    while lo < hi:\n"
    "        mid = lo + ((hi - lo) >> 1)\n"
    "        if (not ss_less(key, a[mid])) if right else ss_less(a[mid], key):\n"
    "            lo = mid + 1\n"
    "        else:\n"
    "            hi = mid\n"
    "    return lo\n"
    "\n"
    "\n"
    "def searchsorted_s(a, key, right):\n"
    "    return ss_bisect(a, key, 0, int(a.shape[0]), right)\n"
    "\n"
    "\n"
    "def searchsorted_1(a, v, right):\n"
    "    n = int(a.shape[0])\n"
    "    m = int(v.shape[0])\n"
    "    r = np.empty(m, dtype=np.int64)\n"
    "    if m > 0:\n"
    "        last = v[0]\n"
    "        lo = 0\n"
    "        hi = n\n"
    "        for k in range(m):\n"
    "            key = v[k]\n"
    "            if (not ss_less(key, last)) if right else ss_less(last, key):\n"
    "                hi = n\n"
    "            else:\n"
    "                lo = 0\n"
    "                hi = hi + 1 if hi < n else n\n"
    "            last = key\n"
    "            lo = ss_bisect(a, key, lo, hi, right)\n"
    "            hi = lo\n"
    "            r[k] = lo\n"
    "    return r\n"
    "\n"
    "\n"
    "def digitize_mono(b):\n"
    "    n = int(b.shape[0])\n"
    "    i = 1\n"
    "    while i < n and b[i] == b[0]:\n"
    "        i += 1\n"
    "    mono = 1\n"
    "    if i < n:\n"
    "        up = b[0] < b[i]\n"
    "        if not up:\n"
    "            mono = -1\n"
    "        for k in range(i + 1, n):\n"
    "            if (b[k - 1] > b[k]) if up else (b[k - 1] < b[k]):\n"
    "                mono = 0\n"
    "    return mono\n"
    "\n"
    "\n"
    "def take_check(idx, n, axis):\n"
    "    for k in range(idx.shape[0]):\n"
    "        if idx[k] < -n or idx[k] >= n:\n"
    "            raise IndexError(f\"index {idx[k]} is out of bounds for axis {axis} with size {n}\")\n"
    "    return 0\n";

/* NumPy's common type of a and v for the search (see the head comment) */
static ir_type common_type(value *a, value *v)
{
    if (a->type == v->type)
        return a->type;
    if (!ir_type_is_float(a->type) && !ir_type_is_float(v->type) && a->type != T_U64 && v->type != T_U64)
        return T_I64;
    return T_F64;
}

static value *searchsorted(lctx *c, loc l, const char *f, value *a, value *v, value *side, value *sorter)
{
    if (given(sorter)) {
        diag_error(sorter->l, "%s(): sorter= is not supported; search a[sorter] (np.take or indexing) instead", f);
        return &lw_ERRV;
    }
    int right = 0;
    if (given(side)) {
        if (side->kind != V_STR || (strcmp(side->str, "left") != 0 && strcmp(side->str, "right") != 0)) {
            diag_error(side->l, "%s(): side must be 'left' or 'right' (a string known when compiling)", f);
            return &lw_ERRV;
        }
        right = side->str[0] == 'r';
    }
    a = lw_seq_arg(c, a, f);
    v = lw_seq_arg(c, v, f);
    if (a->kind != V_ARRAY || a->rank != 1) {
        if (a->kind == V_ARRAY)
            diag_error(a->l, "%s(): the sorted array must be 1-D, not %d-D", f, a->rank);
        else if (a->kind != V_ERR)
            diag_error(a->l, "%s() searches a 1-D array, not %s", f, lw_vkind_desc(a));
        return &lw_ERRV;
    }
    if (v->kind != V_SCALAR && (v->kind != V_ARRAY || v->rank != 1)) {
        if (v->kind == V_ARRAY)
            diag_error(v->l, "%s() of a %d-D array of values is not supported (1-D and numbers are: "
                             "np.searchsorted(a, v.ravel()).reshape(v.shape))", f, v->rank);
        else if (v->kind != V_ERR)
            diag_error(v->l, "%s(): the values must be a number or an array, not %s", f, lw_vkind_desc(v));
        return &lw_ERRV;
    }
    ir_type t = common_type(a, v);
    if (a->type != t || a->e->kind != E_READ)
        a = lw_materialize(c, lw_cast_to(l, a, t));
    if (v->kind == V_SCALAR)
        v = lw_scalar(l, ir_cast(l, t, v->e), 0);
    else if (v->type != t || v->e->kind != E_READ)
        v = lw_materialize(c, lw_cast_to(l, v, t));
    value *args[] = {a, v, lw_scalar(l, ir_const_i(l, T_BOOL, right), 1)};
    value *r = lw_call_prelude(c, l, v->kind == V_SCALAR ? "searchsorted_s" : "searchsorted_1", 3, args);
    if (r->kind == V_SCALAR) /* NumPy's np.intp */
        r = lw_scalar(l, ir_cast(l, T_I64, r->e), 0);
    return r;
}

static value *np_searchsorted(lctx *c, loc l, const char *f, value **v, args *a)
{
    (void)a;
    return searchsorted(c, l, f, v[0], v[1], v[2], v[3]);
}

static value *m_searchsorted(lctx *c, loc l, const char *f, value **v, args *a)
{
    return searchsorted(c, l, f, a->self, v[0], v[1], v[2]);
}

static const lw_builtin np_table[] = {
    {"np.searchsorted", {"a", "v", "side", "sorter"}, 2, np_searchsorted},
};
static const lw_builtin method_table[] = {
    {"searchsorted", {"v", "side", "sorter"}, 1, m_searchsorted},
};

const lw_builtin *lw_search_find(const char *name, int method)
{
    if (method)
        return lw_builtin_find(method_table, sizeof method_table / sizeof *method_table, name);
    return lw_builtin_find(np_table, sizeof np_table / sizeof *np_table, name);
}
