/* lower_class.c: classes used as containers of parameters and arrays with methods, resolved
 * when compiling as functions are:
 *
 *     class Solver:
 *         g = 9.81                          # class attribute (a constant)
 *         def __init__(self, nx, dt):
 *             self.h = np.ones(nx)          # instance attributes
 *             self.t = 0.0
 *         def step(self):
 *             self.h[1:-1] = ...            # in place
 *             self.t += self.dt             # rebinding
 *     s = Solver(101, 0.01)
 *     for n in range(nt):
 *         s.step()
 *
 * An object is a value (V_OBJECT: its class and a number) and each of its attributes is a name
 * of the module that no Python name can spell ("@Solver1.h"), so every function and loop sees
 * one binding per attribute, as `global` names are seen: s.h is read as that name, s.h = v and
 * s.h[1:-1] = v assign it, and s.step() inlines the method with self bound to the object. Two
 * names bound to one object (r = s) are one object, as in Python. A class attribute is a module
 * name too ("@Solver.g"), found when the object has no attribute of that name.
 *
 * Requires: lw_bind puts names starting with '@' in the module scope (lower_scope.c). The
 * attributes assigned outside __init__ anywhere in the module are added to global_writes when
 * an object gets them, so the loops that call methods carry them. Establishes: what is not
 * supported (inheritance, decorators, objects made inside a run-time loop, attributes of other
 * kinds of class-body statements) is a located diagnostic. */

#include "lower_internal.h"

#include <string.h>

static int nobjects;
static int attr_appends; /* the module appends to a list attribute somewhere */
static vec statics, props; /* ast*: the defs of class bodies decorated @staticmethod, @property */
static vec refused;        /* ast*: defs after a decorator that was refused (no further messages) */
static vec classes, bases; /* ast*: each class statement lowered, and its base class (NULL: object) */

static ast *base_of(ast *cls)
{
    for (int i = classes.len - 1; i >= 0; i--)
        if (classes.items[i] == cls)
            return bases.items[i];
    return NULL;
}

void lw_class_reset(void)
{
    lw_dataclass_reset();
    nobjects = 0;
    attr_appends = 0;
    statics = (vec){0};
    props = (vec){0};
    refused = (vec){0};
    classes = (vec){0};
    bases = (vec){0};
}

static int in(vec *v, void *p)
{
    for (int i = 0; i < v->len; i++)
        if (v->items[i] == p)
            return 1;
    return 0;
}

/* Attribute names assigned (x.NAME = ..., x.NAME += ..., in tuple targets) in stmts, except in
 * the bodies of __init__ methods: the attributes that change after an object is made. */
static void attr_targets(ast *t, vec *out)
{
    if (!t)
        return;
    if (t->kind == A_ATTR) {
        if (!lw_name_in(out, t->name))
            vec_push(out, (void *)t->name);
    } else if (t->kind == A_TUPLE || t->kind == A_LIST)
        for (int i = 0; i < t->args.len; i++)
            attr_targets(VEC_AT(t->args, i, ast *), out);
}
static void changed_attrs(vec *stmts, vec *out)
{
    for (int i = 0; i < stmts->len; i++) {
        ast *s = VEC_AT(*stmts, i, ast *);
        ast *e = s->kind == A_EXPR_STMT ? s->a : NULL; /* x.items.append(v) changes x.items */
        if (e && e->kind == A_CALL && e->a->kind == A_ATTR && strcmp(e->a->name, "append") == 0 &&
            e->a->a->kind == A_ATTR) {
            attr_appends = 1;
            if (!lw_name_in(out, e->a->a->name))
                vec_push(out, (void *)e->a->a->name);
        }
        if (s->kind == A_ASSIGN)
            for (int k = 0; k < s->targets.len; k++)
                attr_targets(VEC_AT(s->targets, k, ast *), out);
        else if (s->kind == A_AUGASSIGN)
            attr_targets(s->b, out);
        if (s->kind == A_DEF && strcmp(s->name, "__init__") == 0)
            continue;
        changed_attrs(&s->body, out);
        changed_attrs(&s->orelse, out);
    }
}

static const char *class_desc(value *v)
{
    return arena_printf(&util_arena, "an object of class '%s'", v->def->name);
}

/* class NAME: or class NAME(object): with methods, class attributes, a docstring, pass. */
void lw_class_def(lctx *c, ast *s)
{
    ast *base = NULL;
    if (s->a) { /* class C(B): one base, a class of the program (or object) */
        ast *b = s->a->args.len == 1 && !s->a->kwargs.len ? VEC_AT(s->a->args, 0, ast *) : NULL;
        int unbound;
        binding *bb = b && b->kind == A_NAME ? lw_lookup(c, b->name, &unbound) : NULL;
        if (bb && bb->kind == B_VALUE && bb->val->kind == V_CLASS)
            base = bb->val->def;
        else if (!b || b->kind != A_NAME || strcmp(b->name, "object") != 0 || bb) {
            diag_error(s->l, "class '%s': a base class is supported when it is one class defined in the "
                             "program (single inheritance), or object", s->name);
            return;
        }
    }
    vec_push(&classes, s);
    vec_push(&bases, base);
    if (!c->attrs_known) {
        changed_attrs(&c->module_body, &c->changed_attrs);
        c->attrs_known = 1;
    }
    value *cls = lw_vnew(V_CLASS, s->l);
    cls->def = s;
    cls->defscope = c->sc;
    vec *decorated = NULL; /* where the def after a decorator goes */
    /* the class body's names: a class attribute reads the ones assigned before it (cs = sqrt(cs2)) */
    scope *body = NEW(scope);
    body->parent = c->sc;
    scope *outer = c->sc;
    c->sc = body;
    for (int i = 0; i < s->body.len; i++) {
        ast *st = VEC_AT(s->body, i, ast *);
        if (decorated && st->kind != A_DEF) {
            diag_error(st->l, "a decorator here must be followed by a def");
            decorated = NULL;
        }
        if (st->kind == A_DEF) {
            if (decorated && !in(decorated, st))
                vec_push(decorated, st);
            decorated = NULL;
            continue;
        }
        if (st->kind == A_PASS || (st->kind == A_EXPR_STMT && st->a->kind == A_STR))
            continue;
        if (st->kind == A_OTHER_STMT && strcmp(st->str, "decorator") == 0 && st->a && st->a->kind == A_NAME &&
            (strcmp(st->a->name, "staticmethod") == 0 || strcmp(st->a->name, "property") == 0)) {
            decorated = st->a->name[0] == 's' ? &statics : &props;
            continue;
        }
        if (st->kind == A_ASSIGN && st->targets.len == 1 && VEC_AT(st->targets, 0, ast *)->kind == A_NAME) {
            value *v = lw_expr(c, st->a);
            if (v->kind == V_ERR)
                continue;
            if (v->kind != V_SCALAR && v->kind != V_STR && v->kind != V_TUPLE && v->kind != V_ARRAY &&
                v->kind != V_DTYPE && v->kind != V_NONE) {
                diag_error(st->l, "a class attribute is supported when it is a number, a string, a tuple, "
                                  "an array or a dtype (this is %s)", lw_vkind_desc(v));
                continue;
            }
            const char *bare = VEC_AT(st->targets, 0, ast *)->name;
            ast *h = ast_name(st->l, arena_printf(&util_arena, "@%s.%s", s->name, bare));
            lw_assign_name(c, h, v);
            binding *nb = NEW(binding);
            nb->name = bare;
            nb->kind = B_VALUE;
            nb->val = lw_read_name(c, h);
            vec_push(&body->binds, nb);
            continue;
        }
        if (st->kind == A_OTHER_STMT && strcmp(st->str, "decorator") == 0) {
            diag_error(st->l, "this decorator is not supported in a class (@staticmethod and @property are)");
            decorated = &refused;
        } else
            diag_error(st->l, "this statement is not supported in a class body (methods, class "
                              "attributes assigned a value, and a docstring are)");
    }
    c->sc = outer;
    binding *b = lw_bind(c, s->name);
    b->kind = B_VALUE;
    b->val = cls;
}

/* The method NAME of the class, or NULL. */
static ast *method_of(ast *cls, const char *name)
{
    for (; cls; cls = base_of(cls)) { /* the class, then its bases */
        ast *m = NULL;
        for (int i = 0; i < cls->body.len; i++) {
            ast *st = VEC_AT(cls->body, i, ast *);
            if (st->kind == A_DEF && strcmp(st->name, name) == 0 && !in(&refused, st))
                m = st; /* the last def of a name is the method, as in Python */
        }
        if (m)
            return m;
    }
    return NULL;
}

/* The hidden name of class attribute NAME of cls or of a base, bound; NULL if none is. */
static const char *class_attr(lctx *c, ast *cls, const char *name)
{
    int unbound;
    for (; cls; cls = base_of(cls)) {
        const char *cn = arena_printf(&util_arena, "@%s.%s", cls->name, name);
        if (lw_lookup(c, cn, &unbound))
            return cn;
    }
    return NULL;
}

static value *bound_method(value *obj, ast *m, loc l)
{
    value *f = lw_vnew(V_FUNC, l);
    f->def = m;
    f->defscope = obj->defscope;
    f->self = obj->self ? obj->self : obj; /* super().m(): self is the object itself */
    return f;
}

/* Cls(args): a new object, then __init__(self, args) inlined. */
value *lw_class_new(lctx *c, value *cls, ast *call)
{
    if (c->loops > 0 || c->runloops > 0) {
        diag_error(call->l, "making an object of class '%s' inside a loop that runs when the program runs "
                            "is not supported; make it once before the loop", cls->def->name);
        return &lw_ERRV;
    }
    value *obj = lw_vnew(V_OBJECT, call->l);
    obj->def = cls->def;
    obj->defscope = cls->defscope;
    obj->n = ++nobjects;
    obj->str = cls->def->name; /* its attributes' names (super() views keep it) */
    ast *init = method_of(cls->def, "__init__");
    if (!init) {
        if (call->args.len || call->kwargs.len) {
            diag_error(call->l, "%s() takes no arguments", cls->def->name);
            return &lw_ERRV;
        }
        return obj;
    }
    value *r = lw_call_value(c, bound_method(obj, init, call->l), call);
    if (r->kind == V_ERR)
        return r;
    if (r->kind != V_NONE) {
        diag_error(call->l, "__init__() should return None, not %s", lw_vkind_desc(r));
        return &lw_ERRV;
    }
    return obj;
}

static const char *attr_name(value *obj, const char *attr)
{
    return arena_printf(&util_arena, "@%s%d.%s", obj->str, obj->n, attr);
}

/* An attribute first set where the program may not pass (an if's branch, a loop that may run
 * no iteration) has a flag, false from the program's start and set with the attribute, which
 * a read checks: Python's AttributeError when the attribute was never set. The flag is a
 * module name "@C1.x.set" (its binding is rewound with a probe's; probes make none). */
static binding *flag_of(lctx *c, const char *hn)
{
    int unbound;
    binding *b = lw_lookup(c, arena_printf(&util_arena, "%s.set", hn), &unbound);
    return b && b->kind == B_SCALAR ? b : NULL;
}
static void set_flag(lctx *c, loc l, const char *hn, int first)
{
    binding *f = flag_of(c, hn);
    if (!f && first && !c->probing && (c->branches > 0 || c->runloops > 0 || c->loops > 0)) {
        const char *fn = arena_printf(&util_arena, "%s.set", hn);
        ir_var *v = lw_scope_var(c, fn, T_BOOL, 0, 0);
        ir_stmt *init = ir_stmt_new(S_ASSIGN, l);
        init->var = v;
        init->e = ir_const_i(l, T_BOOL, 0);
        vec *body = &c->prog->body; /* at the program's start: the flag's value before any path */
        vec_push(body, init);
        memmove(body->items + 1, body->items, sizeof(void *) * (size_t)(body->len - 1));
        body->items[0] = init;
        f = lw_bind(c, fn);
        f->kind = B_SCALAR;
        f->var = v;
    }
    if (!f)
        return;
    ir_stmt *s = ir_stmt_new(S_ASSIGN, l);
    s->var = f->var;
    s->e = ir_const_i(l, T_BOOL, 1);
    lw_emit(c, s);
}

/* obj.NAME: an instance attribute, else a method (bound to obj), else a class attribute. */
value *lw_object_attr(lctx *c, value *obj, ast *a)
{
    int unbound;
    if (obj->kind == V_OBJECT) {
        binding *b = lw_lookup(c, attr_name(obj, a->name), &unbound);
        if (b) {
            binding *f = flag_of(c, attr_name(obj, a->name));
            if (f)
                lw_emit_raise(c, a->l, ir_un(a->l, OP_LNOT, T_BOOL, ir_varref(a->l, f->var)),
                              arena_printf(&util_arena, "AttributeError: '%s' object has no attribute '%s'",
                                           obj->str, a->name));
            ast *h = ast_name(a->l, attr_name(obj, a->name));
            return lw_read_name(c, h);
        }
        ast *m = method_of(obj->def, a->name);
        if (m && in(&props, m)) { /* obj.area: the method called */
            ast *call = ast_new(A_CALL, a->l);
            call->a = ast_name(a->l, a->name);
            return lw_call_value(c, bound_method(obj, m, a->l), call);
        }
        if (m && in(&statics, m)) {
            value *f = lw_vnew(V_FUNC, a->l);
            f->def = m;
            f->defscope = obj->defscope;
            return f;
        }
        if (m)
            return bound_method(obj, m, a->l);
    } else {
        ast *m = method_of(obj->def, a->name);
        if (m) { /* Cls.method: the plain function (self passed explicitly) */
            value *f = lw_vnew(V_FUNC, a->l);
            f->def = m;
            f->defscope = obj->defscope;
            return f;
        }
    }
    const char *cn = class_attr(c, obj->def, a->name);
    if (cn)
        return lw_read_name(c, ast_name(a->l, cn));
    if (obj->kind == V_OBJECT)
        diag_error(a->l, "AttributeError: '%s' object has no attribute '%s'", obj->def->name, a->name);
    else
        diag_error(a->l, "AttributeError: type object '%s' has no attribute '%s'", obj->def->name, a->name);
    return &lw_ERRV;
}

/* The value of an attribute chain's base (a name, or an attribute of one) without lowering
 * anything: NULL unless it is an object or a class. */
static value *object_of(lctx *c, ast *e)
{
    int unbound;
    if (e->kind == A_NAME) {
        binding *b = lw_lookup(c, e->name, &unbound);
        return b && b->kind == B_VALUE && (b->val->kind == V_OBJECT || b->val->kind == V_CLASS) ? b->val : NULL;
    }
    if (e->kind == A_ATTR) {
        value *o = object_of(c, e->a);
        if (!o || o->kind != V_OBJECT)
            return NULL;
        binding *b = lw_lookup(c, attr_name(o, e->name), &unbound);
        return b && b->kind == B_VALUE && b->val->kind == V_OBJECT ? b->val : NULL;
    }
    return NULL;
}

/* A target with obj.NAME in it (obj.NAME, obj.NAME[...], tuples of these) as the same target
 * with the attribute's hidden name; t itself when it has none; NULL after a diagnostic. */
ast *lw_attr_target(lctx *c, ast *t)
{
    if (t->kind == A_ATTR) {
        value *o = object_of(c, t->a);
        if (!o)
            return t;
        if (o->kind == V_CLASS) {
            diag_error(t->l, "assigning a class attribute (%s.%s) is not supported; assign it to "
                             "the object (self.%s)", o->def->name, t->name, t->name);
            return NULL;
        }
        const char *hn = attr_name(o, t->name);
        int unbound, first = !lw_lookup(c, hn, &unbound);
        if (first && lw_name_in(&c->changed_attrs, t->name))
            vec_push(&c->global_writes, (void *)hn); /* loops that call methods carry it */
        set_flag(c, t->l, hn, first);
        return ast_name(t->l, hn);
    }
    if (t->kind == A_SUBSCRIPT) {
        ast *b = lw_attr_target(c, t->a);
        if (b == t->a || !b)
            return b ? t : NULL;
        ast *n = NEW(ast);
        *n = *t;
        n->a = b;
        return n;
    }
    if (t->kind == A_TUPLE || t->kind == A_LIST) {
        ast *n = NULL;
        for (int i = 0; i < t->args.len; i++) {
            ast *it = VEC_AT(t->args, i, ast *), *r = lw_attr_target(c, it);
            if (!r)
                return NULL;
            if (r != it && !n) {
                n = NEW(ast);
                *n = *t;
                n->args = (vec){0};
                for (int k = 0; k < t->args.len; k++)
                    vec_push(&n->args, t->args.items[k]);
            }
            if (n)
                n->args.items[i] = r;
        }
        return n ? n : t;
    }
    return t;
}

/* a as the hidden name of the object attribute it is (self.history in self.history.append(x)),
 * when that attribute is bound; else a. */
ast *lw_attr_name(lctx *c, ast *a)
{
    if (a->kind != A_ATTR)
        return a;
    value *o = object_of(c, a->a);
    int unbound;
    if (!o)
        return a;
    if (o->kind == V_OBJECT && lw_lookup(c, attr_name(o, a->name), &unbound))
        return ast_name(a->l, attr_name(o, a->name));
    const char *cn = class_attr(c, o->def, a->name); /* a class attribute */
    if (!method_of(o->def, a->name) && cn)
        return ast_name(a->l, cn);
    return a;
}

/* A name as the program spells it: an object's attribute "@Solver2.h" as "Solver.h". */
const char *lw_display_name(const char *name)
{
    if (name[0] != '@')
        return name;
    const char *dot = strchr(name, '.');
    int k = dot ? (int)(dot - name) : (int)strlen(name);
    while (k > 1 && name[k - 1] >= '0' && name[k - 1] <= '9')
        k--;
    return arena_printf(&util_arena, "%.*s%s", k - 1, name + 1, dot ? dot : "");
}

/* super() in a method being inlined: the object seen from the base of the method's class;
 * super(C, obj): obj seen from the base of class C. */
value *lw_super(lctx *c, ast *call)
{
    if (call->args.len == 2 && !call->kwargs.len) {
        value *k = lw_expr(c, VEC_AT(call->args, 0, ast *)), *o = lw_expr(c, VEC_AT(call->args, 1, ast *));
        if (k->kind == V_ERR || o->kind == V_ERR)
            return &lw_ERRV;
        if (k->kind != V_CLASS || o->kind != V_OBJECT || !base_of(k->def)) {
            diag_error(call->l, "super(C, obj) is supported for a class C with a base class and an object obj");
            return &lw_ERRV;
        }
        value *v = lw_vnew(V_OBJECT, call->l);
        *v = *o;
        v->def = base_of(k->def);
        v->self = o->self ? o->self : o;
        return v;
    }
    ast *def = c->inlining.len ? VEC_AT(c->inlining, c->inlining.len - 1, ast *) : NULL;
    ast *cls = NULL;
    for (int i = 0; def && i < classes.len && !cls; i++)
        for (int k = 0; k < VEC_AT(classes, i, ast *)->body.len; k++)
            if (VEC_AT(VEC_AT(classes, i, ast *)->body, k, ast *) == def)
                cls = VEC_AT(classes, i, ast *);
    if (call->args.len || call->kwargs.len || !cls || !def->params.len) {
        diag_error(call->l, "super() is supported without arguments in a method of a class, or as super(C, obj)");
        return &lw_ERRV;
    }
    if (!base_of(cls)) {
        diag_error(call->l, "super() in class '%s', which has no base class but object, is not supported",
                   cls->name);
        return &lw_ERRV;
    }
    int unbound;
    binding *b = lw_lookup(c, VEC_AT(def->params, 0, ast *)->name, &unbound);
    if (!b || b->kind != B_VALUE || b->val->kind != V_OBJECT) {
        diag_error(call->l, "super() is supported in a method whose first parameter is the object");
        return &lw_ERRV;
    }
    value *v = lw_vnew(V_OBJECT, call->l);
    *v = *b->val;
    v->def = base_of(cls);
    v->self = b->val->self ? b->val->self : b->val;
    return v;
}

/* call with the receiver of its method an attribute's hidden name (self.items.append(x),
 * self.name.upper()), or call itself. */
ast *lw_call_attr_base(lctx *c, ast *call)
{
    if (call->a->kind != A_ATTR || call->a->a->kind != A_ATTR)
        return call;
    ast *base = lw_attr_name(c, call->a->a);
    if (base == call->a->a)
        return call;
    ast *f = NEW(ast), *n = NEW(ast);
    *f = *call->a;
    f->a = base;
    *n = *call;
    n->a = f;
    return n;
}

/* obj(args): its class's __call__ method (a right-hand side object of a time integrator). */
value *lw_object_call(lctx *c, value *obj, ast *call)
{
    ast *m = method_of(obj->def, "__call__");
    if (!m) {
        diag_error(call->a->l, "TypeError: '%s' object is not callable", obj->def->name);
        return &lw_ERRV;
    }
    return lw_call_value(c, bound_method(obj, m, call->l), call);
}

/* str(obj) (conv 's') or repr(obj) (conv 'r'): the string its class's __str__ or __repr__
 * returns (a @dataclass has the __repr__ lower_dataclass.c writes), called as Python does:
 * str() takes __str__, else __repr__. An object of neither has only object.__repr__, whose text
 * is the object's address, which no compiled program can reproduce: a diagnostic, NULL. */
value *lw_object_text(lctx *c, loc l, value *obj, int conv)
{
    ast *m = conv != 'r' ? method_of(obj->def, "__str__") : NULL;
    if (!m)
        m = method_of(obj->def, "__repr__");
    if (!m) {
        diag_error(l, "%s() of an object of class '%s' is not supported: the class defines neither __repr__ "
                      "nor __str__, so Python writes the object's address (<__main__.%s object at 0x...>)",
                   conv == 'r' ? "repr" : "str", obj->def->name, obj->def->name);
        return NULL;
    }
    const char *af = lw_dataclass_array_field(c, m, obj);
    if (af) {
        diag_error(l, "%s() of dataclass '%s' is not supported: its field '%s' is an array, whose text only "
                      "print() writes (print the field: print(obj.%s))",
                   conv == 'r' ? "repr" : "str", obj->def->name, af, af);
        return NULL;
    }
    ast *call = ast_new(A_CALL, l);
    call->a = ast_name(l, m->name);
    value *r = lw_call_value(c, bound_method(obj, m, l), call);
    if (r->kind == V_ERR)
        return NULL;
    if (r->kind != V_STR && r->kind != V_FSTR) {
        diag_error(l, "TypeError: %s returned non-string (%s)", m->name, lw_vkind_desc(r));
        return NULL;
    }
    return r;
}

/* Whether a loop's body may append to an object's list attribute through a method (then
 * lower_append.c probes it for the lists to make run-time lists before the loop). */
int lw_attr_appends(lctx *c) { return c->attrs_known && attr_appends; }

const char *lw_object_desc(value *v) { return class_desc(v); }
