/* lower_internal.h: what the files of the lowering (src/frontend/lower*.c) share: the value,
 * binding, scope and lctx types and the lw_ functions one file calls in another. Nothing outside
 * src/frontend/lower*.c includes it; the lowering's interface is lower.h.
 *
 * The lowering was one file; it is split by responsibility, each section below naming its file.
 * Requires: a value, once built, is never mutated by a caller (values are shared freely); &lw_ERRV
 * stands for any value after a diagnostic and absorbs further operations. */
#ifndef TYLES_LOWER_INTERNAL_H
#define TYLES_LOWER_INTERNAL_H

#include "lower.h"
#include "../util/sym.h"

/* ------------------------------------------------------------------------------------------ */
/* Values                                                                                     */

typedef enum vkind {
    V_ERR,     /* a diagnostic was already reported; absorbs further operations */
    V_NONE,
    V_SCALAR,  /* e (scalar expr), type, s (static int value or NULL), weak (Python scalar),
                  wmix (a Python scalar on some paths, a NumPy scalar on others) */
    V_ARRAY,   /* e (elementwise expr), type, rank, sh[] (static), len[] (run time);
                  fresh = temporary slot holding exactly this value */
    V_TUPLE,   /* items[n] */
    V_STR,     /* str */
    V_FSTR,    /* a string built at run time (lower_format.c): items[n], its pieces */
    V_FUNC,    /* def, defscope */
    V_LAMBDA,  /* def (the A_LAMBDA), defscope */
    V_MODULE,  /* str = "numpy", "numpy.linalg", "numpy.random", ... */
    V_DTYPE,   /* type */
    V_BUILTIN, /* str = name ("range", "np.zeros", "copy" method...); self = receiver */
    V_SLICE,   /* slice(start, stop, step): items[3], each a scalar or None */
    V_RNG,     /* an np.random.default_rng Generator (n > 0) or np.random.RandomState (n < 0):
                  n = its number in the runtime */
    V_MASKED,  /* self[mask] with a bool array mask of self's shape: self (the indexed view),
                  mask (the bool array), str (the mask's source text), n (0, or the rank of a mask
                  of the leading dimensions repeated along the others: F[mask, :]). Its shape
                  depends on the data, so it is only an assignment target, the value assigned to a
                  selection with the same mask, the operand of a reduction or of elementwise
                  operations with selections by the same mask (lw_masked_operands), or bound to a
                  name as a snapshot (lw_masked_bind) */
    V_CLASS,   /* a class statement (lower_class.c): def (the class's A_OTHER_STMT), defscope */
    V_OBJECT,  /* an object of a class: def (its class), defscope, n (its number: its attributes
                  are the module names "@Class<n>.attr") */
    V_LIST,    /* a list appended to in a loop (lower_lists.c): type, rank and sh[] of its items
                  (lrow: of the rows its lists of numbers are held as);
                  lbuf the array holding them (rank + 1 dimensions, capacity first), lcnt and lcap
                  its length and capacity (int64 variables) */
    V_PLOT,    /* a matplotlib module or object (lower_plot.c): statements that only use it are left
                  out of the compiled program; anywhere else it is an error */
    V_OPT,     /* None on some paths, a number on others (lower_optional.c): items[0] the presence
                  flag (a bool scalar), items[1] the number (n = 2) */
} vkind;

/* A scalar name that holds an int on some paths and a float on others keeps Python's dynamic
 * type: its int64 and float64 variables (the ones plain bindings of the name use) and a tag
 * saying which holds the value. Once a name needs one in a scope, every int or float assigned
 * to it there goes through it, so loops and branches agree on where the value lives. */
typedef struct dynvar {
    const char *name;
    ir_var *i, *f, *tag; /* tag true: f holds the value */
    int item;            /* an item of a list of ints then floats (lower_lists.c, lnint) */
} dynvar;
typedef struct scope scope;
/* A scalar name that is a NumPy scalar after a loop that may run no iteration and a Python
 * number before it (s = 0.0; for i in range(n): s = s + a[i]): flag is true at run time when no
 * iteration ran, so that it still holds the Python number (lower_zerotrip.c): set before the
 * loop (set), cleared at the end of its body (clear); both are taken out again at the end of the
 * lowering when no check used them (used). */
typedef struct ztinfo {
    ir_var *flag;
    ir_stmt *set, *clear;
    int *used;
    int line;
    const char *name;
} ztinfo;
typedef struct value value;
typedef struct loop_memo loop_memo;
struct value {
    vkind kind;
    loc l;
    ir_type type;
    ir_expr *e;
    const sym *s;
    int weak;
    ztinfo *zt;  /* V_SCALAR, weak 0: a Python number instead when zt->flag is true */
    int wmix;          /* V_SCALAR, weak 0: a Python number on some paths and a NumPy scalar of the
                          same type on others (a branch, min(dt, dx / umax)): its repr and its
                          promotion with narrower types depend on the path (lw_scalar_join) */
    int rank;
    const sym *sh[IR_MAX_RANK];
    ir_expr *len[IR_MAX_RANK];
    ir_var *fresh;
    value **items;
    int n;
    const char *str;
    ast *def;
    scope *defscope;
    value *self;
    value *mask;
    dynvar *dyn;       /* V_SCALAR: exactly the current value of this dynvar (e: as a float) */
    int mixed;         /* V_SCALAR: computed from a dynvar's float view (int or float at run time) */
    ir_var *lbuf, *lcnt, *lcap; /* V_LIST */
    int lrow;          /* V_LIST: k > 0: each item is a list (is_list) or tuple of k numbers of one
                          type, stored as a row of lbuf (hist.append([S, I, R])); lweak: k chars,
                          '1' where the number is a Python one, '0' a NumPy scalar */
    const char *lweak;
    int lnint;         /* V_LIST of float64 numbers: its first lnint items are Python ints (Python
                          keeps them so: [S0] grown by floats); reading one gives an int/float value */
    value **keys;      /* V_TUPLE of a dict (lower_dicts.c): the keys of items[0..n), else NULL */
    int *dict_shared;  /* a dict: set once a second name is bound to it (e = d), shared by copies */
    int dict_param;    /* a dict bound to a function's parameter (a change would not reach the caller) */
    int is_list;       /* V_TUPLE: a Python list (printed [a, b]), not a tuple */
    int ndarr;         /* V_TUPLE of same-shape arrays that NumPy has as one ndarray stacking them
                          (np.indices): unpacked, iterated and indexed by one integer as the tuple;
                          an attribute, operator, call argument or other index stacks it (lw_ndarr) */
    int cplx;          /* V_TUPLE of 2: a complex number or array, items the real and imaginary
                          parts (float64; lower_complex.c) */
    ir_var *reshaped;  /* V_ARRAY: the slot of a reshape's copy of a named array, which NumPy makes a
                          view (lower_reshape.c: binding it to a name is refused) */
    const char *reshape_src; /* V_ARRAY with reshaped: the name of the array reshaped (its slot's) */
    ir_var *reshape_var;     /* and that slot */
    int snapshot;      /* V_MASKED: bound to a name (lw_masked_bind): self and mask are copies */
    value *rows;       /* V_MASKED with n > 0 (F[m, :], x[m]): m itself, the mask of the n leading
                          dimensions (mask is m repeated along the others); len() counts it */
    const char *hold;  /* V_MASKED of lw_nonzero: the hidden name holding its mask (a snapshot) */
    int lead;          /* V_MASKED of X[:, m] (lead full slices, then a mask of the other axes):
                          X[M] with M the mask repeated along the leading axes (the same elements
                          in the same order), for elementwise operations, stores and whole
                          reductions; NumPy's result is (X.shape[0], count), so len, .shape and
                          loops over it are refused */
    int argw;          /* V_MASKED: np.argwhere(mask) (argw = the mask's rank): its (count, argw) array
                          of indices is only counted (len, .shape, .size) or looped over */
    value *igrid;      /* V_MASKED of np.nonzero(m)[0] (np.where, np.flatnonzero) of a 1-D m: the
                          self that is the index grid (x[sel] is then x[m]); a value derived from
                          it with another self is not (lw_index_selection_mask) */
    scope *owner;      /* V_TUPLE list: the scope whose code built it (append elsewhere would have
                          to change a binding of that scope: rejected, lower_append.c) */
};
typedef enum bkind { B_SCALAR, B_ARRAY, B_VALUE } bkind;
typedef struct binding {
    const char *name;
    bkind kind;
    ir_var *var;                  /* B_SCALAR, B_ARRAY (a dyn scalar: its tag) */
    dynvar *dyn;                  /* B_SCALAR of changing type, else NULL */
    const sym *s;                 /* B_SCALAR */
    int weak;                     /* B_SCALAR */
    int wmix;                     /* B_SCALAR: the value's wmix */
    ztinfo *zt;             /* B_SCALAR: the value's zt */
    const sym *sh[IR_MAX_RANK];   /* B_ARRAY */
    value *val;                   /* B_VALUE */
} binding;
/* A string -> int hash map in util_arena (open addressing; never shrinks). */
typedef struct strmap {
    const char **keys;
    int *vals;
    int cap, n;
} strmap;
/* A hash of the names of a vector's items (a scope's bindings or variables): each name's last
 * position, and each position's previous one of the same name (-1: none). It covers items[0 ..
 * n) of the array `items`; lw_find_in and lw_scope_var bring it up to date (appends are indexed
 * then, a new array or a length below n rebuilds it), and a change other than an append to the
 * array it indexed must call lw_scope_changed (stale: rebuilt at the next use). */
typedef struct nameindex {
    strmap last;
    int *prev, cap;
    int n, stale;
    void **items;
} nameindex;
struct scope {
    scope *parent;
    vec binds;          /* binding* */
    nameindex bidx;     /* of binds, by name */
    vec vars;           /* ir_var* owned by this scope (reused per name, type and rank) */
    nameindex vidx;     /* of vars, by pyname */
    vec locals;         /* const char*: names local to a function scope; unused at module */
    vec dyns;           /* dynvar*: names of this scope that have changed type */
    vec still_int;      /* name, ir_var* pairs: a name a loop made float while it held an int
                           (or bool), and the bool saying it still holds that value (lw_still_int) */
    int is_function;
    const char *prefix; /* C-name prefix of this inlining instance */
    vec globals;        /* const char*: names a function declares `global` (bound at module level) */
    vec unbound;        /* ir_var*: the bool of each name a read may find unbound (pyname: the name;
                           lower_unbound.c) */
};

typedef struct lctx {
    ir_program *prog;
    vec *out;           /* statements being emitted */
    vec global_writes;  /* const char*: module names some function assigns through `global` */
    vec int_promos;     /* name, ir_var*, loc* triples: promotions of an int to a float at the
                           entry of loops being lowered, checked after them (lw_still_int_checks) */
    scope *sc;
    scope *module;
    vec pending;        /* ir_var* slots to release after the current statement */
    vec inlining;       /* ast* A_DEF being inlined (recursion check) */
    vec names;          /* const char*: C names in use (a probe's are dropped by lw_snap_rewind) */
    strmap name_at;     /* C name -> its index in names (stale when past names.len) */
    strmap next_suffix; /* base name -> the k to try first for base_k */
    int loops;
    int red_cast;       /* > 0 while a sum or mean with dtype=float64 of float32 or integers is
                           lowered: its float sums are S_REDUCE cast (NumPy's buffered runs) */
    int probing;        /* > 0 inside a type-inference pass or probe: output discarded, rewound */
    vec memo;           /* loop_memo*: loop types found by passes, for the real lowering (lower.c) */
    vec params;         /* const char*: names that are parameters */
    long work;          /* statements and expressions lowered for top, probes included */
    int exhausted;      /* work passed LOWER_WORK_LIMIT or nesting LOWER_NEST_LIMIT: the rest is skipped */
    int nest;           /* lw_stmt and lw_expr calls active (lw_nest_enter) */
    ast *top;           /* the module-level statement being lowered */
    vec *blk;           /* the statement list lw_block is lowering (NULL outside one), and the */
    int blk_i;          /* index of its statement being lowered (lower_reshape.c's views) */
    const char *assigning; /* the name lw_assign_name is binding (its old views need no keeping) */
    vec split;          /* const char*: names the last if's merge left ambiguous (lw_block) */
    void *carrying;     /* the names the innermost loop being lowered carries (lw_carry_ctx) */
    void *exits;        /* a probe recording the bindings at a loop's exits (lower_zerotrip.c) */
    int runloops;       /* run-time loops being lowered, inlined calls included (c->loops is not) */
    int branches;       /* branches of ifs decided at run time being lowered (lower.c) */
    vec module_body;    /* ast*: the module's statements (lower_class.c scans them) */
    vec changed_attrs;  /* const char*: attribute names assigned outside __init__ (lower_class.c) */
    int attrs_known;    /* changed_attrs was computed */
    ast *dataclass_deco; /* the @dataclass statement the next class follows (lower_dataclass.c) */
    int plot_warned;    /* the warning that plotting is left out was given (lower_plot.c) */
    const char *merging; /* the construct lw_merge_branches names ("'and'"), NULL: "'if'" */
    vec skip_outs;      /* vec*: the statement lists lw_skip_begin left (innermost last): a
                         * recursion guard's values are looked for there too */
    vec dyn_plain;      /* const char*: dynvar names a statement is lowered with as a plain int
                         * or float (lower.c's dyn_split): assigned there, they stay plain */
    ast *stmt_expr;     /* the expression of the expression statement being lowered: its value
                         * is dropped (f.write(s) as a statement, lower_builtins.c) */
    vec hoisted;        /* ir_stmt*: constant arrays of list operands in run-time loops, made
                         * once at the program's start (lower_arrays.c lw_seq_operand) */
    int prelude;        /* > 0 while a prelude definition (np.histogram, ...) is inlined: its
                           loops are made loops (ir_stmt.made), not the program's */
    ast *out_at;        /* X[...] of the store lw_out_store lowers for np.f(..., out=X), and */
    const char *out_ufunc; /* f: the store checks NumPy's casting of a ufunc's output (store) */
    vec compact;        /* const char*: names a loop carries from one iteration to the next as
                           a mask selection of an array (x = x[alive]): bound to one, they take
                           the selected items as a new array of the data's length
                           (lw_masked_compact, lower_carry.c) */
    vec selected;       /* const char*: names bound in a loop to a mask selection while they held
                           an array: a slot of theirs whose extent the body does not know is
                           carried with a run-time one (lower_loops.c extent_changes) */
} lctx;

/* Snapshot of a scope's bindings (for branches and loop probes). */
typedef struct snapshot {
    vec binds;
    int nvars, nnames, nprogvars, npending, ndyns, nmemo;
    /* in a function: the module's too, which a probe changes through globals and objects'
     * attributes (lw_snap_rewind restores them) */
    int module;
    vec mptrs, mbinds; /* the module's binding objects and copies of them (restored in place:
                          callers may hold a module binding across a call) */
    int mnvars, mndyns;
} snapshot;

/* A probe: lowering done only to learn something (a value's kind, the types a loop body gives
 * its names), whose statements and diagnostics are dropped; lw_probe_end also rewinds the
 * bindings to the snapshot taken by lw_probe_begin, lw_probe_leave leaves that to the caller. */
typedef struct lw_probe {
    snapshot before;
    int diag_old;
    vec scratch;
    vec *saved_out;
} lw_probe;

/* ------------------------------------------------------------------------------------------ */
/* Calls                                                                                      */

typedef struct args {
    value **pos;
    int npos;
    const char **kwname;
    value **kw;
    ast **kwast;
    int nkw;
    value *self; /* the receiver of a method call (a.sum(...)), else NULL */
} args;

/* A built-in function of a table (lower_numpy.c: np.*, lower_builtins.c: Python's and math's):
 * its name as called, Python's parameter names (NULL-terminated, the first nreq required) and
 * its lowering. lw_builtin_call matches the arguments to the parameters with Python's messages
 * (unexpected keyword, too many positional, missing) and passes them in v (NULL: not given), the
 * raw arguments in a. params {"*"}: variadic, the lowering checks a itself. */
typedef value *(*lw_lower_fn)(lctx *c, loc l, const char *name, value **v, args *a);
typedef struct lw_builtin {
    const char *name;
    const char *params[8];
    int nreq; /* LW_REFUSED: refused by name, fn says why (not listed as supported) */
    lw_lower_fn fn;
} lw_builtin;
#define LW_REFUSED (-1)

/* ---- lower_optional.c: a name that is None on some paths and a number on others ---------- */

int lw_is_opt(const value *v);
int lw_is_opt_array(const value *v); /* None or an array */
const char *lw_opt_array_hint(const value *v);
value *lw_opt_array_use(lctx *c, loc l, value *v, const char *msg);
value *lw_opt_own_array(lctx *c, loc l, const char *name, value *v);
value *lw_opt_binding_value(binding *b);
int lw_opt_merge(lctx *c, ir_stmt *st, binding *t, binding *e);
int lw_opt_carry(lctx *c, loc l, const char *name, binding *e, binding *x);
int lw_opt_carriable(binding *e, binding *x);
int lw_opt_carry_next(lctx *c, loc l, const char *name, binding *e, binding *x);
value *lw_opt_is_none(loc l, int is, value *left, value *right);
void lw_opt_binop_operands(lctx *c, loc l, const char *op, value **x, value **y);
void lw_opt_compare_operands(lctx *c, loc l, const char *op, value **x, value **y);
value *lw_opt_equal(lctx *c, loc l, int ne, value *x, value *y);
value *lw_opt_unop_operand(lctx *c, loc l, const char *op, value *x);
value *lw_opt_truth(lctx *c, value *v, const char *what);
value *lw_opt_item_base(lctx *c, loc l, value *x, int unpack);
value *lw_opt_or_number(value *x);
void lw_opt_narrow_name(lctx *c, loc l, const char *name);
const char *lw_opt_narrow(lctx *c, loc l, ast *cond, int when_true);
const char *lw_opt_narrow_begin(lctx *c, loc l, ast *cond, int when_true, binding *saved);
void lw_opt_narrow_end(lctx *c, const char *name, binding *saved);
void lw_opt_builtin_args(lctx *c, value *fn, ast *call, vec *saved);
void lw_opt_builtin_end(lctx *c, vec *saved);
int lw_opt_refuse(loc l, const char *name, const value *a, const value *b, const char *where,
                  const char *other);
/* lower_carry.c: bind name to v's numbers in its hidden variables ("name.0"), assigned now */
void lw_carry_assign(lctx *c, loc l, const char *name, value *v);
value *lw_weak_joined(value *e, value *x);

/* ---- lower_scope.c: names, scopes, bindings, C names, snapshots, dynvars, poisons ----------- */

int lw_step(lctx *c);
int lw_nest_enter(lctx *c, loc l);
void lw_check_global_order(ast *def);
extern value lw_ERRV;
value *lw_vnew(vkind k, loc l);
/* Item i of tuple (or f-string) v replaced by it in *copy, a copy of v made at the first item
 * that differs (NULL until then): v itself is never changed. */
void lw_item_replace(value **copy, const value *v, int i, value *it);
ir_expr *lw_I64(loc l, int64_t x);
void lw_emit(lctx *c, ir_stmt *s);
void lw_emit_assign(lctx *c, loc l, ir_var *v, ir_expr *e); /* v = e */
ir_expr *lw_in_temp(lctx *c, loc l, ir_expr *e); /* e in a new temporary, read: evaluated once, here */
const char *lw_vkind_desc(value *v);
const char *lw_scalar_desc(value *v); /* "an int", "a float", "a numpy.float32" */
const char *lw_tuple_form(value *v); /* "(int, float)" (a tuple of numbers, str, None), or NULL */
/* lower_lib.c: a call of a def was inlined (tylesc --lib records the module's calls). */
void lw_lib_note_call(ast *def, int np, const char **pnames, value **vals, value *ret);
const char *lw_cname(lctx *c, const char *base);
int lw_c_declared(const char *name); /* lower_cnames.c: a name the C headers declare */
int lw_name_in(vec *names, const char *n);
int lw_strmap_get(const strmap *m, const char *key, int dflt);
void lw_strmap_put(strmap *m, const char *key, int val);
/* A set of names: v (const char*, in the order added) and, from a few on, their hash. */
typedef struct nameset {
    vec v;
    strmap at;
} nameset;
int lw_nameset_has(const nameset *s, const char *n);
int lw_nameset_add(nameset *s, const char *n); /* 1 if n was not in s */
nameset lw_nameset_copy(const nameset *s);
nameset lw_nameset_of(vec v); /* v's names (v's array is shared: pushes go past v.len) */
binding *lw_find_in(scope *s, const char *name);
void lw_scope_changed(scope *s);
binding *lw_lookup(lctx *c, const char *name, int *unbound_local);
binding *lw_bind(lctx *c, const char *name);
ir_var *lw_scope_var(lctx *c, const char *name, ir_type t, int rank, int is_array);
ir_var *lw_temp_slot(lctx *c, ir_type t, int rank);
ir_var *lw_temp_scalar(lctx *c, ir_type t);
snapshot lw_snap_take(lctx *c);
void lw_snap_restore_binds(lctx *c, snapshot *s);
void lw_snap_rewind(lctx *c, snapshot *s);
void lw_probe_begin(lctx *c, lw_probe *p);
void lw_probe_leave(lctx *c, lw_probe *p);
void lw_probe_end(lctx *c, lw_probe *p);
int lw_probe_scalar(lctx *c, ast *e); /* is e's value a scalar? (lowered as a probe) */
void lw_target_names(ast *t, vec *out);
int lw_plain_target_names(ast *t, vec *out); /* lower_calls.c: names and tuples of names only */
void lw_bound_names(vec *stmts, vec *out); /* the names a statement list binds (lower_calls.c) */
void lw_declared_globals(vec *stmts, vec *out);
void lw_implicit_global(lctx *c, const char *name);
/* The scope a name's bindings live in: the current one, or the module's (globals, attributes) */
scope *lw_name_scope(lctx *c, const char *name);
/* The module's bindings saved (their objects and copies) and restored in place, dropping the
 * bindings made since */
void lw_module_save(lctx *c, vec *ptrs, vec *copies);
void lw_module_restore(lctx *c, vec *ptrs, vec *copies);
void lw_assigned_names(vec *stmts, vec *out);
dynvar *lw_dyn_of(lctx *c, const char *name);
dynvar *lw_dyn_get(lctx *c, const char *name);
void lw_dyn_set_tag(lctx *c, vec *out, loc l, dynvar *d, int isfloat);
void lw_dyn_bind(lctx *c, dynvar *d, int weak);
int lw_dyn_joins(binding *b);
void lw_dyn_convert(lctx *c, vec *out, loc l, dynvar *d, binding *b);
ir_var *lw_still_int_flag(lctx *c, const char *name, int make);
void lw_still_int_clear(lctx *c, loc l, const char *name);
value *lw_poison_new(const char *name);
int lw_is_poison(const value *v);
void lw_poison_reset(void);
int lw_poison_was_read(const char *name);
value *lw_ambiguous_new(loc l, const char *msg, const char *what); /* what: "'if'", "'and'", ... */
int lw_is_ambiguous(const value *v);
void lw_ambiguous_read(ast *a, value *v);

/* ---- lower_slots.c: array slots and the names that share their arrays ----------------------- */

void lw_move_fresh(lctx *c, loc l, ir_var *slot, ir_var *tmp);
int lw_is_ephemeral(lctx *c, ir_var *slot);
int lw_value_equal(value *a, value *b);
value *lw_value_retarget(value *v, ir_var *from, ir_var *to, int *changed);
int lw_keep_views(lctx *c, loc l, ir_var *slot, const char *except);
ir_stmt *lw_bind1(loc l, ir_var *dst, ir_var *src);
void lw_rebind_slot(lctx *c, loc l, ir_var *slot, ir_var *src, const char *except);
void lw_bind_array(lctx *c, const char *name, ir_var *slot, const value *v);

/* ---- lower_ops.c: scalars, promotion, broadcasting, operators, sweeps ----------------------- */

ir_expr *lw_iadd(loc l, ir_expr *a, ir_expr *b);
ir_expr *lw_imul(loc l, ir_expr *a, ir_expr *b);
const char *lw_shape_str(int rank, const sym *const *sh);
int lw_sym_cmp(const sym *a, const sym *b);
int lw_is_one(const sym *s);
ir_expr *lw_remap(ir_expr *e, int shift, unsigned bcast);
ir_expr *lw_remap_dims(ir_expr *e, const int *map, int fixed);
ir_stmt *lw_check_stmt(loc l, ir_check k, int na, ir_expr **a, int nb, ir_expr **b);
value *lw_slot_value(loc l, ir_var *slot, const sym *const *sh);
ir_var *lw_whole_slot(value *v);
value *lw_materialize(lctx *c, value *v);
int lw_kind_of(ir_type t);
ir_type lw_promote2(ir_type a, ir_type b);
int lw_narrow_int(ir_type t);
ir_expr *lw_narrow_bin(loc l, ir_op op, ir_type t, ir_expr *x, ir_expr *y, int py);
ir_type lw_promote_vals(value *a, value *b);
/* NEP 50: a Python int stored or combined with a narrower integer dtype must fit it (OverflowError
 * at compile time for a constant, else a check when running); 0 after a diagnostic. */
int lw_weak_int_fits(lctx *c, loc l, value *v, ir_type t);
value *lw_py_int(lctx *c, loc l, value *x); /* Python's int() of a scalar (lower_builtins.c) */
value *lw_scalar_for_store(lctx *c, value *v, ir_type t); /* NumPy's checks (lower_assign.c) */
const char *lw_ufunc_name(ir_op op);                   /* OP_ADD: "add" (lower_assign.c) */
int lw_broadcast(lctx *c, loc l, value *a, value *b, value *r, int *sa, unsigned *ma, int *sb,
                 unsigned *mb);
value *lw_scalar(loc l, ir_expr *e, int weak);
/* A scalar e that stands for v (a copy, or v in a variable): a Python or NumPy number as v is. */
value *lw_scalar_as(loc l, ir_expr *e, const value *v);
/* A scalar e that is x on some paths and y on others (the branches of an if, a conditional
 * expression, min/max): a Python number where both are, wmix where only one is. */
value *lw_scalar_join(loc l, ir_expr *e, const value *x, const value *y);
int lw_is_int_scalar(value *v);
ir_expr *lw_int_operand(value *v, const char *what);
value *lw_py_binop(lctx *c, loc l, ir_op op, value *a, value *b);
value *lw_binop(lctx *c, loc l, ir_op op, value *a, value *b);
value *lw_unop(lctx *c, loc l, ir_op op, value *a);
void lw_emit_sweep(lctx *c, loc l, value *target, value *rv, int fresh);

/* ---- lower_index.c: indexing: slices, Ellipsis/newaxis, masks, list indices ----------------- */

int lw_list_item(ast *sub);
/* lower_index.c: one CK_SLICE check of each assumption where one dominates the others */
void lw_dedup_slice_checks(ir_program *p);
ast *lw_const_list_names(lctx *c, ast *sub); /* f[opp] of a list of int constants: f[[0, 3, ...]] */
int lw_sym_is_one_ext(const sym *s);
ast *lw_subscript_with(ast *sub, int k, ast *item);
value *lw_index_array(lctx *c, value *base, ast *sub, int target);
/* The int index ix of a list held at run time (sys.argv, a string's lines or pieces): its value,
 * or &lw_ERRV after Python's TypeError for any other index. */
value *lw_list_index_int(lctx *c, ast *ix);

/* ---- lower_gather.c: reads by integer index arrays (q[x0, y0]) ------------------------------ */

value *lw_gather(lctx *c, value *base, ast *sub, int target, value **ival);
value *lw_mask_repeat(lctx *c, loc l, value *m, value *base); /* m along base's trailing dims */
value *lw_mask_repeat_lead(lctx *c, loc l, value *m, value *base, int lead); /* m along base's first lead dims */
value *lw_masked_bind(lctx *c, loc l, const char *name, value *v); /* b = a[m]: a snapshot */
value *lw_masked_compact(lctx *c, loc l, value *v); /* a[m] as a new array; NULL: not one */
int lw_compact_name(lctx *c, const char *name); /* name is in c->compact (or a complex part of one) */
value *lw_masked_bind_like(lctx *c, loc l, const char *name, value *v, const value *like);
/* lower_assign.c: x, y = s of an array (its items along axis 0 as a tuple), NULL for a 0-d value */
value *lw_unpack_array(lctx *c, loc l, value *v, int n);
value *lw_masked_index(lctx *c, ast *a, value *sel);
int lw_index_selection_mask(const value *sel, const value *x); /* x[np.nonzero(m)[0]] is x[m] */    /* b[:, items] of a selection b */
int lw_masked_operands(const char *what, value **ops, int n, value **sel); /* f(a[m], b[m]) */
value *lw_masked_result(value *sel, value *whole);      /* f(a, b)[m] */
ast *lw_tuple_index(lctx *c, ast *sub);                /* A[iu] with iu a tuple: A[iu[0], iu[1]] */
int lw_scatter(lctx *c, ast *t, value *v); /* t = v through integer arrays; 0: t is not such */
int lw_compact_indexes(lctx *c, ast *sub, value **ival, int n); /* Xi[I] as an index array */
int lw_augscatter(lctx *c, loc l, ir_op op, ast *t, value *v); /* t op= v, likewise */

/* ---- lower_expr.c: expressions, names, attributes ------------------------------------------- */

value *lw_read_name(lctx *c, ast *a);
value *lw_pymodule_attr(value *mod, ast *a);
value *lw_numpy_attr(lctx *c, value *mod, ast *a);
value *lw_truth(lctx *c, value *v, const char *what);
ir_op lw_map_binop(int op);
value *lw_expr(lctx *c, ast *a);

/* ---- lower_calls.c: calls, arguments, inlining, compile-time iteration ---------------------- */

args lw_args(lctx *c, ast *call);
int lw_any_err(args *a);
int lw_match_args(loc l, const char *fname, args *a, int nparam, const char **pnames,
                  int nrequired, value **out);
value *lw_iter_items(lctx *c, ast *it);
value *lw_iter_items_ranges(lctx *c, ast *it, int ranges); /* with range()s of known ints or not */
void lw_bind_target(lctx *c, ast *t, value *v, int store_it); /* a loop target bound to one item */
value *lw_minmax_key(lctx *c, ast *call, int mx); /* lower_sorted.c: min/max(it, key=f) */
int lw_comp_iter_known(lctx *c, ast *it); /* a comprehension over it unrolls when compiling */
value *lw_comprehension(lctx *c, ast *a);
value *lw_allany_generator(lctx *c, ast *g, int all); /* any/all of a generator with calls, or NULL */
/* lower_unroll.c: for loops unrolled, generator loops, list items assigned to */
int lw_for_unrolled(lctx *c, ast *s, int range_loop);
int lw_has_yield(vec *stmts);
int lw_for_generator(lctx *c, ast *s);
ast *lw_list_elem(lctx *c, ast *t, value **list, int *index);
value *lw_call(lctx *c, ast *call);
/* name NULL: no look-up (NULL); while lw_builtin_listing is set, the table's names are added to
 * it, so that walking a chain of look-ups with NULL lists every name the chain finds
 * (lw_supported_numpy_note). */
const lw_builtin *lw_builtin_find(const lw_builtin *table, size_t n, const char *name);
extern vec *lw_builtin_listing;
value *lw_builtin_call(lctx *c, const lw_builtin *b, loc l, args *a);

/* ---- lower_order.c: operands evaluated left to right ---------------------------------------- */

/* v was lowered when c->out had `at` statements: if the statements emitted since then write what
 * v reads, v is read into a temporary at `at` (the value Python fixed when evaluating it). */
value *lw_pin_at(lctx *c, value *v, int at);
/* The same against the statements [at, end) only; v, lowered after `end`, is left as it is
 * where it reads what the statements since `end` write (it cannot move before them). */
value *lw_pin_span(lctx *c, value *v, int at, int end);
/* Operands vs[0..n), marks[i] = c->out->len just after vs[i] was lowered: each pinned against the
 * later operands' statements (nothing changes where they emit none that matter). */
void lw_pin_operands(lctx *c, value **vs, const int *marks, int n);

/* An operand Python evaluates only when a condition holds at run time (and/or's right operand,
 * a conditional expression's branches): lowered between lw_skip_begin and lw_skip_end (the
 * second branch after lw_skip_else), its statements run under an if on `when` and the names
 * it binds are merged with those before it, as an if statement's branches are. */
typedef struct lw_skip {
    ir_stmt *st;                  /* the if; its body and orelse take the branches' statements */
    vec *saved_out;
    scope *fsc;                   /* c->sc at the start */
    int inner, has_else;          /* in a function (module bindings saved too); lw_skip_else ran */
    const char *what;             /* the construct, as messages name it ("'and'") */
    vec ptrs, copies;             /* c->sc's bindings at the start (restored in place) */
    vec mptrs, mcopies;           /* the module's, when inner */
    vec then_binds, mthen;        /* copies of the bindings after the first branch */
} lw_skip;
void lw_skip_begin(lctx *c, lw_skip *k, loc l, ir_expr *when, const char *what);
void lw_skip_else(lctx *c, lw_skip *k);
void lw_skip_end(lctx *c, lw_skip *k);
/* Does a call appear in a? (only a call changes a name while an expression is evaluated) */
int lw_has_call(const ast *a);
int lw_body_writes(vec *body, const ir_var *v); /* does a statement of body (nested too) assign v? */
/* t op= v with t a subscript: its index items that are not literals lowered now, before v, as
 * Python evaluates them, each bound to a hidden name the returned subscript reads (t itself
 * where neither v nor t has a call); lw_index_pin, right after v, pins them against v's
 * statements and returns how many statements it inserted (before v's). */
typedef struct lw_held {
    vec names, marks; /* hidden names, and c->out->len just after each was lowered */
} lw_held;
ast *lw_index_first(lctx *c, ast *t, ast *value_ast, lw_held *h);
int lw_index_pin(lctx *c, lw_held *h);
/* lower.c: an if's branches joined (st->body lowered with then_binds as result, st->orelse with
 * the current bindings) */
void lw_merge_branches(lctx *c, ir_stmt *st, vec then_binds);

/* ---- lower_returns.c: early returns (a def's body rewritten to end every path with its result) */

/* lower_calculus.c: np.gradient, np.linalg.norm, np.trapezoid, np.interp, or NULL */
const lw_builtin *lw_calculus_find(const char *name, int method);
/* lower_argmax.c: np.argmax/argmin/unravel_index (method: a.argmax()), or NULL */
const lw_builtin *lw_argmax_find(const char *name, int method);
/* lower_split.c: np.split/array_split/hsplit/vsplit/dsplit, np.broadcast_to, or NULL */
const lw_builtin *lw_split_find(const char *name, int method);
/* lower_search.c: np.searchsorted, a.searchsorted (prelude lw_search_prelude_src), or NULL */
const lw_builtin *lw_search_find(const char *name, int method);
extern const char lw_search_prelude_src[];
/* lower_nprandom.c: choice(p=) of a long or run-time p (searchsorted_s/_1 of the above) */
extern const char lw_choice_prelude_src[];
/* lower_insdel.c: np.delete, np.insert, or NULL */
const lw_builtin *lw_insdel_find(const char *name, int method);
/* lower_npextra.c: np.fmax/fmin/signbit/reciprocal/nancumsum/digitize/take/atleast_nd/isscalar */
const lw_builtin *lw_npextra_find(const char *name, int method);
/* lower_reshape.c: reshape/ravel/flatten (method: a.reshape()), or NULL; the check that a
 * reshape's copy of a named array is not bound to a name */
const lw_builtin *lw_reshape_find(const char *name, int method);
void lw_reshape_bind_check(lctx *c, const value *v, const char *name);
value *lw_join_rows(lctx *c, loc l, const char *f, value *x, int merge);
ast *lw_unravelled(lctx *c, ast *e);
/* views with axes of extent 1 the array lacks (x.reshape(n, 1) of an (n,) array): indexing them
 * (NULL when base has none) and storing through them (0 when target has none) */
value *lw_phantom_index(lctx *c, value *base, ast *sub, int target);
int lw_phantom_sweep(lctx *c, loc l, value *target, value *rv, int fresh);
value *lw_no_phantoms(lctx *c, value *v);
/* lower_output.c: np.savez, np.savez_compressed, np.savetxt, or NULL */
const lw_builtin *lw_output_find(const char *name, int method);
/* lower_dot.c: np.dot/vdot/inner/matmul (method: a.dot()), or NULL; f "@" for the operator */
const lw_builtin *lw_dot_find(const char *name, int method);
/* lower_linalg.c: np.eye, np.identity, np.diag, matrix products, np.linalg.solve and inv */
void lw_linalg_reset(void);
const lw_builtin *lw_linalg_find(const char *name, int method);
value *lw_matmul(lctx *c, loc l, const char *f, value *a, value *b);
value *lw_matmul_stacked(lctx *c, loc l, const char *f, value *a, value *b);
value *lw_call_prelude(lctx *c, loc l, const char *name, int n, value **v); /* inlined prelude def */
/* lower_stats.c: np.histogram, written in the prelude (its source, appended to linalg's) */
extern const char lw_stats_prelude_src[];
const char *lw_csum32_prelude_src(void); /* csum32, csum32_rows: complex64 sums (lower_stats.c) */
extern const char lw_pyrandom_prelude_src[]; /* lower_pyrandom.c */
extern const char lw_polyfit_prelude_src[];  /* lower_polyfit.c: np.polyfit */
extern const char lw_fft_prelude_src[];      /* lower_fft.c: numpy.fft */
const lw_builtin *lw_fft_find(const char *name); /* lower_fft.c: np.fft.NAME */
const lw_builtin *lw_polyfit_find(const char *name, int method);
const lw_builtin *lw_stats_find(const char *name, int method);
/* lower_einsum.c: np.einsum with subscripts known when compiling */
const lw_builtin *lw_einsum_find(const char *name, int method);
value *lw_dot(lctx *c, loc l, const char *f, value *a, value *b);
value *lw_dot_ast(lctx *c, loc l, const char *f, ast *a, ast *b);
/* lower_recursion.c: a recursive inlining's depth (0 after a diagnostic), and an if that guards
 * a recursion decided when compiling (1: *k the live branch, INT64_MIN after a diagnostic) */
int lw_recursion_enter(lctx *c, ast *def, loc l);
int lw_recursion_guard(lctx *c, ast *cond, vec *then, vec *orelse, value *cv, int64_t *k);
void lw_recursion_note_slot(const ir_var *slot, const value *v); /* lw_bind_array: its extents */
void lw_recursion_reset(void); /* a new module: what was learnt of the last one's variables is forgotten */
int lw_returns_early(ast *def);                        /* a return other than the last statement */
void lw_returns_reset(void);
void lw_scope_reset(void);
void lw_slots_reset(void); /* lower_slots.c */
/* lower_scope.c: the slot of scope sc for a hidden name (made there: it lives as long as sc) */
ir_var *lw_hidden_slot(lctx *c, scope *sc, const char *name, ir_type t, int rank);
void lw_note_bind(ir_var *dst, ir_var *src);
void lw_out_positional_rewrite(ast *a);
void lw_set_shape(lctx *c, ast *t, value *v);
void lw_alias_names(lctx *c, const char *x, const char *name, vec *set);
int lw_changes_any(ast *s, vec *names, int calls);
int lw_mentions_any(ast *a, vec *names);
value *lw_complex_dot(lctx *c, loc l, const char *f, value *a, value *b);
value *lw_stack_last(lctx *c, loc l, value *a, value *b);
/* np.concatenate(items[0..n), axis) of arrays (NumPy's checks and messages, promotion) */
value *lw_concat(lctx *c, loc l, const char *f, value **items, int n, int axis);
void lw_bind_class(ir_var *slot, vec *out);
void lw_lists_reset(void);
void lw_loops_reset(void);
vec lw_returns_body(ast *def, const char **retname);  /* the body; the result is bound to retname */
const char *lw_return_owner(const char *name);        /* "f" for f's hidden result name, else NULL */
int lw_return_mismatch(loc l, binding *t, binding *e); /* reports a result that differs by path */

/* ---- lower_append.c: list.append, insert, pop; the calls of list methods ------------------- */

value *lw_list_call(lctx *c, ast *call);              /* x.append(v), len(x) of a list, else NULL */
void lw_lists_before_loop(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast);
int lw_list_appends(ast *a, vec *names);             /* names appended to or popped from in a */
int lw_lists_recording(void); /* a loop's probe records what lists it appends */
void lw_append_reset(void);

/* ---- lower_lists.c: lists built at run time, items of compile-time lists stored into ------- */

const char *lw_list_desc(const value *lst); /* "list 'L'" (or the array np.append grows) */
value *lw_list_item_value(loc l, ir_expr *e, value *lst); /* a number e of lst, typed as lst's */
value *lw_list_items_array(loc l, value *lst); /* the whole items array (dimension 0: capacity) */
value *lw_list_row_items(lctx *c, loc l, value *lst, ir_expr *idx); /* row idx's numbers (lrow) */
void lw_list_mark_mixed(ir_var *lbuf); /* the list of items lbuf holds Python and NumPy scalars */
value *lw_list_index(lctx *c, ast *a, value *lst);
int lw_list_store(lctx *c, ast *t, value *v);     /* L[i] = v of a V_LIST of numbers */    /* x[i] of a V_LIST */
value *lw_list_as_array(lctx *c, loc l, value *lst);
value *lw_list_of_array(lctx *c, loc l, value *like, value *s, int weak, const char *what); /* lower_sorted.c */
value *lw_list_as_numpy(lctx *c, loc l, value *lst, int dtype_given); /* a NumPy function's argument */
value *lw_list_as_joined(lctx *c, loc l, value *lst, const char *what); /* np.vstack(L)'s and the like */
int lw_list_ints_refused(loc l, value *lst, const char *what);
value *lw_list_minmax(lctx *c, loc l, int mx, value *lst); /* max(L), min(L): Python's order */
value *lw_list_own(lctx *c, loc l, value *lst); /* a returned list, held by the caller */  /* np.array(x): its items as an array */
binding *lw_list_binding(lctx *c, ast *n);          /* a name bound to a list or tuple, or NULL */
int lw_list_mixed_weak(const value *lst);            /* it holds Python and NumPy scalars */
/* lower_rtdicts.c: dicts keyed by run-time ints rewritten into lists; their two primitives */
void lw_rtdicts_rewrite(ast *module);
value *lw_rtdict_call(lctx *c, ast *call);

/* lower_textread.c: text files open() reads, and str methods of run-time strings */
int lw_is_text_file(const value *v);
int lw_is_split(const value *v);
value *lw_text_open(lctx *c, loc l, value *path);
value *lw_text_file_call(lctx *c, loc l, const char *m, int f, args *a);
value *lw_text_str_method(lctx *c, loc l, value *s, const char *m, args *a);
value *lw_text_contains(lctx *c, loc l, value *p, value *s);
value *lw_text_len(lctx *c, loc l, value *v);
value *lw_text_truth(lctx *c, loc l, value *v);
value *lw_text_index(lctx *c, ast *sub, value *v);
value *lw_text_unpack(lctx *c, loc l, value *v, int n);
int lw_text_for(lctx *c, ast *s);

/* lower_sdicts.c: dicts of numbers filled with string keys read when running */
void lw_sdicts_rewrite(ast *module);
int lw_is_sdict(const value *v);
value *lw_sdict_new(lctx *c, loc l);
void lw_sdict_store(lctx *c, loc l, value *d, value *k, value *x);
int lw_sdict_store_target(lctx *c, ast *t, value *v);
value *lw_sdict_get(lctx *c, loc l, value *d, value *k);
value *lw_sdict_has(lctx *c, loc l, value *d, value *k);
value *lw_sdict_len(lctx *c, loc l, value *d);
value *lw_sdict_get_default(lctx *c, loc l, value *d, args *a);
/* lower_listiter.c: all()/any() loops, print() of run-time lists, for over arrays and lists */
value *lw_list_allany_loop(lctx *c, ast *call, int all);
value *lw_list_index_count(lctx *c, ast *call, value *lst);
value *lw_list_mutate(lctx *c, ast *call, value *lst);
/* lower_expr.c: items chosen by a position known only when running (numbers of one type,
 * strings, tuples of those of one length) */
int lw_choosable(value **items, int n, int depth);
value *lw_choose_item(lctx *c, loc l, ir_expr *pos, value **items, int n);
value *lw_list_print(lctx *c, ast *call);
/* lower_typeof.c: type(x), isinstance(x, T), type(x).__name__, type(x) is T (NULL: not one) */
value *lw_typeof_call(lctx *c, ast *call);
value *lw_typeof_name(lctx *c, ast *a);
value *lw_typeof_compare(lctx *c, ast *a);
ast *lw_print_string_comps(lctx *c, ast *call); /* print of [f"..." for x in L]: a join */
int lw_print_lists_last(lctx *c, ast **callp);
int lw_for_arrays(lctx *c, ast *s);                   /* for x in a 1-D array (or zip of them) */

/* ---- lower_dicts.c: dicts with keys known when compiling, `in`, tuple equality ------------- */

int lw_is_dict(const value *v);
value *lw_dict_literal(lctx *c, ast *a);
value *lw_dict_index(lctx *c, ast *a, value *d);
int lw_dict_store(lctx *c, ast *t, value *v);
void lw_loop_stored_dicts(lctx *c, vec *body, vec *names); /* dicts a loop's body stores into */
value *lw_dict_call(lctx *c, ast *call);
value *lw_dict_of_pairs(loc l, value *pairs);          /* {k: v for ...}: its (k, v) tuples */
value *lw_dict_builtin(lctx *c, ast *call);            /* dict(...) */
int lw_dict_kwargs(loc l, value *d);                   /* f(**d): 1 when d's keys are strings */
value *lw_contains(lctx *c, loc l, value *x, value *seq);
value *lw_tuple_equal(lctx *c, loc l, value *a, value *b, int ne);

/* ---- lower_builtins.c: Python and math built-ins; lower_nprandom.c: numpy.random ------------- */

value *lw_random_attr(value *obj, ast *a);
value *lw_random_call(lctx *c, value *fn, ast *call); /* np.random.NAME(...), rng.NAME(...) */
/* An S_RANDOM of kind k from generator gen, not emitted; the clock warning given where due */
ir_stmt *lw_random_stmt(loc l, int gen, ir_rkind k, const char *fname);
/* lower_shuffle.c: shuffle(x), permutation(n or x) (n: "shuffle" or "permutation"), and the
 * indices of choice(pop, size, replace=False) */
value *lw_random_shuffle(lctx *c, loc l, int gen, const char *n, const char *fname, args *a);
value *lw_random_choice_norepl(lctx *c, loc l, int gen, ir_expr *pop, value *size, const char *fname);
value *lw_shuffle_rows(lctx *c, loc l, int gen, ir_rkind k, value *x, const char *fname);
value *lw_take_rows(lctx *c, loc l, value *x, value *idx); /* x[idx] along axis 0: a new array */
/* lower_pyrandom.c: Python's random module */
int lw_is_pyrandom_module(const char *name);
/* lower_complex.c: complex128 values as pairs of float64 parts */
int lw_is_complex(const value *v);
int lw_has_complex(const value *v);
int lw_complex_refuse(loc l, const value *v, const char *what); /* 1 after a diagnostic */
value *lw_complex_literal(loc l, double im);
value *lw_complex_make(loc l, value *re, value *im); /* a NumPy complex value of these parts */
const char *lw_complex_dtype_name(const value *z); /* "complex64" or "complex128" */
value *lw_complex_as(lctx *c, loc l, value *v, ir_type t); /* parts (or a real float) cast to t */
value *lw_complex_select(loc l, ir_expr *cond, value *x, value *y); /* x if cond else y, or NULL */
value *lw_complex_binop(lctx *c, loc l, ir_op op, value *x, value *y);
value *lw_complex_unop(lctx *c, loc l, ir_op op, value *x);
int lw_complex_call(const char *f, args *a); /* does lw_complex_numpy lower this call? */
extern const char *const lw_complex_fn_names[]; /* the calls it lowers whatever their arguments */
value *lw_complex_numpy(lctx *c, const char *f, loc l, args *a);
value *lw_numpy_table_call(lctx *c, const char *f, loc l, args *a); /* lower_numpy.c */
value *lw_complex_attr(lctx *c, value *z, const char *name);
int lw_complex_augassign(lctx *c, ast *s, ast *t, ir_op op, value *rhs, void (*store)(lctx *, ast *, value *));
value *lw_complex_index(lctx *c, value *z, ast *a);
int lw_complex_store(lctx *c, ast *t, value *v, void (*store)(lctx *, ast *, value *));
/* lower_deque.c: collections.deque rewritten into a run-time list before lowering */
void lw_deque_rewrite(ast *module);
enum { LW_DEQUE_POP = 'D' }; /* ival of a call q.pop(...) of a deque: the deque's IndexError */
int lw_deque_import(lctx *c, ast *s); /* from collections import deque: 1 when bound */
void lw_sets_rewrite(ast *module); /* lower_sets.c: set() rewritten into lists without repeats */
void lw_dictcomp_rewrite(ast *module); /* lower_dictcomp.c: NAME = {k: v for ...} as its loop */
void lw_dictlists_rewrite(ast *module); /* lower_dictlists.c: lists held in a dict under constant keys */
int lw_dictlist_name(const char *name); /* lower_dictlists.c: a dict's list hidden under that name */
void lw_tables_rewrite(ast *module); /* lower_tables.c: R = [[0.0] * m for _ in range(n)] as one run-time list */
void lw_outarg_rewrite(ast *module); /* lower_outarg.c: np.clip(a, 0, 1, a) is np.clip(a, 0, 1, out=a) */
int lw_outarg_func(const char *name); /* a ufunc or clip, whose value is its out= array */
void lw_pyrandom_reset(void);
void lw_pyrandom_import(lctx *c, ast *s);
value *lw_pyrandom_attr(value *mod, ast *a);
value *lw_pyrandom_call(lctx *c, value *fn, ast *call);
value *lw_call_builtin(lctx *c, value *fn, ast *call);

/* ---- lower_numpy.c: ufuncs, reductions, axis functions, NumPy dispatch ---------------------- */

value *lw_where3(lctx *c, loc l, value *cond, value *a, value *b);
int lw_view_has_wrap(ir_view *v);
value *lw_fix_axis(lctx *c, loc l, value *a, int axis, ir_expr *k);
void lw_extents_without(value *a, int axis, ir_expr **len, const sym **sh);
/* A loop `for k in range(lo, n)` (n kept in a temporary unless a constant or a variable), its
 * variable named `name`; the caller emits it and fills its body. */
ir_stmt *lw_loop_over(lctx *c, loc l, ir_expr *lo, ir_expr *n, const char *name, ir_var **k);
/* Loops over 0 .. len[d] for d < q, nested, emitted into out, their variables it[d] named
 * `name`: the innermost body. */
vec *lw_loop_nest(lctx *c, loc l, vec *out, int q, ir_expr **len, const char *name, ir_var **it);
value *lw_call_numpy(lctx *c, const char *f, ast *call, value *self);
int lw_axis_arg(value *v, int rank, const char *fname, int *axis);
int lw_known_int(value *v, int64_t *k);
int lw_numpy_known(const char *name);
/* "supported from numpy: ..." listing every np.* function the look-ups of lw_call_numpy find */
const char *lw_supported_numpy_note(void);        /* np.NAME is a function of the tables */
int lw_array_method_known(const char *name); /* a.NAME(...) is a method of the tables */

/* ---- lower_reduce.c: reductions (whole, masked, along axes), cumsum, diff -------------------- */

value *lw_reduce(lctx *c, loc l, const char *kind, value *x);
value *lw_prod_1d(lctx *c, loc l, value *x); /* np.prod of a 1-D array, in order */
value *lw_reduce_axis(lctx *c, loc l, const char *kind, value *x, int axis, int keepdims);
/* np.KIND(a, axis=, keepdims=) or, with self, a.KIND(axis=, keepdims=) */
value *lw_reduce_call(lctx *c, loc l, const char *kind, args *a, value *self);
value *lw_cumsum(lctx *c, loc l, value *x, value *axisv);
value *lw_accumulate(lctx *c, loc l, const char *fname, ir_op op, value *x, value *axisv);
value *lw_diff(lctx *c, loc l, value *x, value *nv, value *axisv, value *prepend, value *append);

/* ---- lower_npfuncs.c: std/var, logic, rounding, transposes, joins, gradient ----------------- */

const lw_builtin *lw_npfuncs_find(const char *name, int method);
const lw_builtin *lw_composed_find(const char *name, int method); /* lower_composed.c */
/* lower_gather.c: np.nonzero, np.flatnonzero, a.nonzero(), np.where(cond): selections of index grids */
const lw_builtin *lw_nonzero_find(const char *name, int method);
value *lw_nonzero(lctx *c, loc l, const char *f, value *x);
int lw_argwhere_refused(value *v);
value *lw_argwhere_column(loc l, value *sel, int k); /* np.argwhere(m)[:, k] (lower_gather.c) */
int lw_nonzero_unpack(lctx *c, loc l, ast **targets, value **items, int n); /* a diagnostic, 1, for np.argwhere's result used otherwise */
int lw_for_nonzero(lctx *c, ast *s); /* for i, j in np.argwhere(m) / for i in np.nonzero(m)[k] */
/* lower_plot.c: matplotlib left out of the compiled program */
int lw_is_plot_module(const char *name);
void lw_plot_import(lctx *c, ast *s);
int lw_plot_stmt(lctx *c, ast *s);
/* lower_sysos.c: sys.exit, os.makedirs/mkdir, os.path.join/exists/isdir/isfile */
int lw_is_sysos_module(const char *name);
const char *lw_sysos_desc(const char *form); /* sys.argv, a file opened for reading, ...: as messages name it */
void lw_sysos_import(lctx *c, ast *s);
value *lw_sysos_attr(value *mod, ast *a);
value *lw_sysos_call(lctx *c, value *fn, ast *call);
int lw_is_argv(const value *v);                                 /* sys.argv */
value *lw_argv_len(lctx *c, loc l, const value *argv);         /* len(sys.argv[k:]) */
value *lw_argv_item(lctx *c, ast *sub, const value *argv);     /* sys.argv[k:][i] */
value *lw_str_number(lctx *c, loc l, const char *f, value *x);  /* int(s), float(s) of a run-time string */
value *lw_str_equal(lctx *c, loc l, value *a, value *b);        /* a == b, one a run-time string */
value *lw_sys_exit(lctx *c, loc l, value *arg);
int lw_is_exit_stmt(const ast *s);
void lw_print_stream(lctx *c, loc l, int fd);
int lw_for_runtime_list(lctx *c, ast *s); /* lower_listiter.c: for x in a list built at run time */
/* lower_dataclass.c: @dataclass classes, their __init__ written out */
int lw_is_dataclass_module(const char *name);
void lw_dataclass_import(lctx *c, ast *s);
int lw_dataclass_decorator(lctx *c, ast *s);
ast *lw_dataclass_class(lctx *c, ast *s);
void lw_dataclass_unfollowed(lctx *c);
/* lower_numba.c: numba's njit, jit and prange accepted and left out */
void lw_numba_import(lctx *c, ast *s);
value *lw_numba_attr(value *mod, ast *a);
int lw_numba_decorator(lctx *c, ast *s);
ast *lw_numba_range(lctx *c, ast *it);
value *lw_numba_call(lctx *c, value *fn, ast *call);
value *lw_cast_to(loc l, value *v, ir_type t);                   /* v's value as type t (lower_npfuncs.c) */
int lw_is_array_arg(value *x, const char *f);                    /* an array, else reported (lower_npfuncs.c) */
value *lw_as_view(lctx *c, value *x);                             /* a read of a slot (stored first if computed) */
/* an int argument known when compiling: 1 with it in *out, or 0 after a diagnostic naming what */
int lw_const_int_arg(value *v, const char *what, int64_t *out);
/* x restricted along its dimension axis to [start, start + len) (lower_npfuncs.c) */
value *lw_along(loc l, value *x, int axis, ir_expr *start, const sym *sstart, ir_expr *len,
                const sym *slen);
const lw_builtin *lw_views_find(const char *name, int method);    /* lower_views.c */
value *lw_ufunc1(lctx *c, loc l, ir_fn fn, value *x);            /* np.sin(x) and the like */
value *lw_ufunc2(lctx *c, loc l, ir_fn fn, value *x, value *y);  /* np.arctan2(x, y) ... */
value *lw_expand(lctx *c, loc l, value *x, int axis); /* an extent-1 axis inserted (a view) */
/* lower_ufunc_methods.c: np.add.outer, np.minimum.reduce, np.maximum.accumulate, ... */
value *lw_ufunc_method_attr(value *obj, ast *a); /* NULL: obj is not a binary ufunc */
const lw_builtin *lw_ufunc_method_find(const char *name, int method);
value *lw_transpose(lctx *c, loc l, value *x);
value *lw_transpose_perm(lctx *c, loc l, value *x, const int *perm); /* own dim i reads x's perm[i] */
value *lw_stack_arrays(lctx *c, loc l, value *seq);
value *lw_bi_round(lctx *c, loc l, const char *f, value **v, args *a);
value *lw_bi_sorted(lctx *c, loc l, const char *f, value **v, args *a); /* lower_sorted.c */
value *lw_bi_allany(lctx *c, loc l, const char *f, value **v, args *a);
int lw_unsupported_dtype(loc l, const char *name);

/* ---- lower_arrays.c: array creators, grids, literals, pad ----------------------------------- */

int lw_dtype_of(value *v, ir_type *t);
/* lower_loadtxt.c: np.loadtxt / np.genfromtxt (the lower_numpy.c table's handler) */
value *lw_loadtxt(lctx *c, loc l, const char *f, value **unused, args *a);
int lw_shape_arg(value *v, int *rank, ir_expr **len, const sym **sh);
value *lw_new_array(lctx *c, loc l, ir_type t, int rank, ir_expr **len, const sym **sh, int init,
                    ir_expr *fill);
value *lw_array_arg(lctx *c, value *v, const char *fname);
value *lw_copy_of(lctx *c, loc l, value *src);
int lw_const_flag(value *v, int dflt, const char *what, int *ok);
ir_expr *lw_call1(loc l, ir_fn fn, ir_type t, ir_expr *x);
value *lw_linspace(lctx *c, loc l, args *a);
value *lw_arange(lctx *c, loc l, args *a);
value *lw_meshgrid(lctx *c, loc l, args *a);
value *lw_array_literal(lctx *c, loc l, args *a, int copy);
value *lw_seq_operand(lctx *c, value *v, const char *what);
/* The array argument of the NumPy function f ("np.take"): a list or tuple as np.asarray makes
 * it (lw_seq_operand, refusals naming "f()"); a dict, a complex pair or any other value as it
 * is, for f's own checks. */
value *lw_seq_arg(lctx *c, value *x, const char *f);
value *lw_pad(lctx *c, loc l, args *a);
value *lw_indices(lctx *c, loc l, args *a);
value *lw_ndarr(lctx *c, value *v);
value *lw_index_grid(lctx *c, const char *which, ast *sub);
/* np.r_[a, b, ...] of numbers, lists and arrays (lower_arrays.c) */
value *lw_index_concat(lctx *c, ast *sub);

/* ---- lower_for.c: the forms of for and while statements --------------------------------- */

void lw_lower_for(lctx *c, ast *s);
void lw_lower_while(lctx *c, ast *s);
void lw_for_reset(void);
void lw_for_by_index(lctx *c, ast *s, ast *seq, loc l); /* for x in seq as for k in range(len(seq)) */
/* lower_grow.c: a loop growing an array by np.append, lowered over a run-time list (1), or 0 */
int lw_grow_loop(lctx *c, ast *s);
void lw_grow_note(ast *loop, const char *name); /* why a loop appending to name was not */
/* The array X whose items list (X.grow.L.C) list is, or NULL: it is X, not a Python list (an empty
 * one keeps X's dtype and row shape), and messages name X. */
const char *lw_grow_array(const char *list);
/* Where the program may change in place the array x appended to list (or a name that may hold
 * it: *who; NULL for a call of a function of the program that changes a parameter), or NULL
 * when a copy at the append is NumPy's list item for good. */
ast *lw_append_changed(lctx *c, const char *x, const char *list, const char **who);
value *lw_list_contains(lctx *c, loc l, value *x, value *lst); /* x in L, L built at run time */
ast *lw_reshape_changed(lctx *c, const char *x, const char *name, const char **who);

/* ---- lower_loops.c: the type inference of loop bodies, then their lowering ----------------- */

/* Infer the types of the names the body of loop assigns, then lower it into st (a S_FOR or
 * S_WHILE: target and loopvar a for's, condast a while's condition); lw_emit_loop then emits st
 * and the checks of the ints its entry made floats (mark: c->int_promos' length before). */
void lw_lower_loop(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast, ir_stmt *st);
void lw_emit_loop(lctx *c, ir_stmt *st, int mark);
/* Does v hold a scalar item of a list at the entry of a loop being lowered that assigns the
 * list's items (a store of another type cannot rebind the item: lw_list_item_store)? */
int lw_loop_entry_item(ir_var *v);


/* ---- lower_carry.c: values carried from one iteration to the next ------------------------- */

/* What lower_loops.c hands the carrying of a loop being lowered (c->carrying). */
typedef struct lw_carry_ctx lw_carry_ctx;
struct lw_carry_ctx {
    vec *carried;
    snapshot *entry;
    ast *loop;
    vec strs;   /* name, run-time string k (as intptr_t): strings_carried */
    vec *late;  /* carried names the body does not read */
    vec failed; /* name, message: late names refused after the loop (lw_refuse_after_exits) */
};
void lw_carry_values(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast, vec *names,
                     vec *cands, vec *carried, vec *late, vec *refused, vec *strflows);
void lw_emit_carries(lctx *c, lw_carry_ctx *cc);
void lw_loop_carries(lctx *c);
void lw_loop_body_once(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast);
value *lw_bound_array(binding *b);
int lw_carriable_view(binding *e, binding *x);
void lw_carry_view(lctx *c, loc l, const char *name, value *v, const sym *const *sh);
const char *lw_value_what(binding *b); /* what b is in words ("a view of an array") */
int lw_same_form(value *a, value *b); /* tuples, slices of numbers a loop can carry as variables */
/* lower_scope.c: a name's binding where its bindings live (the current scope's, or the module's
 * for `global` names), and its binding in a snapshot */
binding *lw_own(lctx *c, const char *name);
binding *lw_entry_of_in(lctx *c, snapshot *s, const char *name);

/* ---- lower_zerotrip.c: what a loop that may run no iteration leaves bound ------------------ */
/* Before the body: the run-time strings a loop sets at each break/continue and the end of its
 * body (strs: name, string number pairs). After it: names bound to strings, then tuples, slice
 * objects and views, keep their entry value when the loop runs no iteration (or are refused
 * where read after it). */
void lw_strings_carried(lctx *c, ast *loop, vec *cands, vec *strs);
void lw_strings_after_loop(lctx *c, ast *loop, ast *condast, ir_stmt *st, vec *names,
                           snapshot *entry, int strmark, vec *strs);
void lw_values_after_loop(lctx *c, ast *loop, ast *condast, ir_stmt *st, vec *names,
                          snapshot *entry, vec *carried, int errors);
/* Scalars that are Python numbers at the entry and NumPy scalars after the body: either (wmix) */
void lw_scalars_after_loop(lctx *c, ast *loop, ast *condast, ir_stmt *st, vec *names, snapshot *entry);
/* m (a scalar with zt) used where a Python number behaves otherwise (effect: how): a stop with a
 * located message when no iteration ran. lw_zerotrip_reset: the lowering the checks go into. */
void lw_zt_check(loc l, value *m, const char *effect);
void lw_zerotrip_reset(lctx *c);
void lw_zerotrip_finish(ir_program *p); /* the flags no check used taken out */
/* A loop that leaves its body early (break, continue): a probe of the body records each name's
 * binding at its exits (lw_exit_record, from lw_loop_carries); the names whose values there
 * differ go to late (tuples, slice objects, views: carried as a name the next iteration reads
 * is), strs (strings: lw_strings_carried) or refused (name, message pairs, for
 * lw_refuse_after_exits, as are the late names that carrying failed at an exit). */
void lw_exits_probe(lctx *c, ast *loop, ast *target, ir_var *loopvar, ast *condast, ir_stmt *st,
                    vec *names, int errors, vec *late, vec *strs, vec *refused);
void lw_exit_record(lctx *c);
int lw_loop_may_skip(ast *loop, ir_stmt *st, ast *condast);
const char *lw_exit_refusal(ast *loop, binding *a, binding *b, int before);
void lw_refuse_after_exits(lctx *c, ast *loop, vec *refused);

/* ---- lower_class.c: classes as containers of parameters and arrays, with methods ----------- */

void lw_class_reset(void);
void lw_class_def(lctx *c, ast *s);
value *lw_class_new(lctx *c, value *cls, ast *call);
value *lw_object_attr(lctx *c, value *obj, ast *a);
ast *lw_attr_target(lctx *c, ast *t);
ast *lw_attr_name(lctx *c, ast *a);
ast *lw_call_attr_base(lctx *c, ast *call);
value *lw_super(lctx *c, ast *call);
value *lw_object_call(lctx *c, value *obj, ast *call);
/* str(obj) ('s') or repr(obj) ('r'): what __str__ / __repr__ returns (V_STR or V_FSTR); NULL
 * after a diagnostic */
value *lw_object_text(lctx *c, loc l, value *obj, int conv);
/* lower_dataclass.c: forget the __repr__ methods written (a new module) */
void lw_dataclass_reset(void);
/* the name of a field of obj that is an array when m is a __repr__ written for a dataclass */
const char *lw_dataclass_array_field(lctx *c, ast *m, value *obj);
int lw_attr_appends(lctx *c);
const char *lw_display_name(const char *name); /* "@Solver2.h" as "Solver.h" */
const char *lw_object_desc(value *v);
/* fn (a V_FUNC, a bound method when fn->self is set) called with call's arguments, inlined */
value *lw_call_value(lctx *c, value *fn, ast *call);

/* ---- lower_assign.c: assignments, stores, augmented assignment -------------------------------- */

void lw_assign_name(lctx *c, ast *target, value *v);
void lw_lower_assign(lctx *c, ast *s);
void lw_lower_augassign(lctx *c, ast *s);

/* ---- lower.c: statements, parameters, driver ------------------------------------------------- */

void lw_emit_raise(lctx *c, loc l, ir_expr *cond, const char *msg);
/* lower_unbound.c: reads that may find their name unbound (NameError at run time) */
void lw_unbound_begin(lctx *c, loc l, vec *stmts, int nbound, const char *const *bound);
void lw_unbound_assigned(lctx *c, ast *s);
void lw_unbound_check(lctx *c, ast *a);
void lw_unbound_target(lctx *c, ast *target);
int lw_plain_view(value *v);
void lw_list_set_item(lctx *c, const char *name, value *list, int li, value *v); /* lower_lists.c */
void lw_list_item_store(lctx *c, ast *h, const char *lname, value *list, int li, value *v);
ast *lw_out_argument(ast *e, ast **call, ast **where); /* np.f(..., out=X): X (lower_calls.c) */
/* X[...] = np.f(...) (only where W holds, with where=W); the AST naming X (lower_calls.c) */
ast *lw_out_store(lctx *c, loc l, ast *call, ast *into, ast *plain, ast *where, int want_value);
value *lw_attr_of(lctx *c, value *obj, ast *a);          /* obj.NAME, a the A_ATTR (lower_expr.c) */
value *lw_finfo_attr(loc l, value *info, const char *n); /* np.finfo(t).eps ... (lower_numpy.c) */ /* a view keeping every dimension in order (lower_loops.c) */
void lw_stmt(lctx *c, ast *s);
void lw_block(lctx *c, vec *stmts);

/* ------------------------------------------------------------------------------------------ */
/* Strings built from values (lower_format.c)                                                  */

value *lw_fstring(lctx *c, ast *a);
const char *lw_fspec_text(lctx *c, ast *p, int *rtk);
int lw_str_pieces_rt(lctx *c, loc l, value *v, int conv, const char *spec, int rtk, int snap, vec *ps);
value *lw_str_call(lctx *c, ast *call);
/* lower_strmethods.c: str methods of strings known when compiling (s.upper(), ", ".join(...)) */
int lw_str_method_known(const char *name);
value *lw_str_method(lctx *c, ast *call, value *s);
value *lw_str_binop(lctx *c, loc l, int op, value *x, value *y);
int lw_str_pieces(lctx *c, loc l, value *v, int conv, const char *spec, int snap, vec *ps);
int lw_str_build(lctx *c, loc l, value *v);
value *lw_str_runtime(loc l, int *k); /* a new run-time string k, set by a statement */
int lw_str_count(void);                /* run-time strings made so far */
void lw_str_set(lctx *c, loc l, value *v, int k); /* statements setting run-time string k to v */
value *lw_str_merge(lctx *c, ir_stmt *st, value *x, value *y); /* strings bound on an if's branches */
/* tuples, slices, scalars bound on an if's branches (st): run-time variables set in each */
value *lw_merge_value(lctx *c, ir_stmt *st, const char *name, value *t, value *e);
value *lw_str_select(lctx *c, loc l, ir_expr *cond, value *x, value *y);
int lw_str_join_begin(lctx *c, loc l, value **r); /* sep.join at run time: a new empty string */
int lw_str_join_step(lctx *c, loc l, int k, ir_var *first, value *sep, value *x);
value *lw_str_join_item(lctx *c, ast *call); /* lower_strmethods.c: a join's item, else NULL */
void lw_emit_raise_str(lctx *c, loc l, ir_expr *cond, const char *msg, value *rt);
/* lower_builtins.c: an S_PRINT of values of changing type (value->dyn) as one S_PRINT per
 * combination of their tags. */
ir_stmt *lw_print_variants(ir_stmt *s, value **vals, int from);

#endif
