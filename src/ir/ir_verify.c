/* ir_verify.c: whole-program invariant check, run after every pass in debug builds.
 *
 * Requires: nothing. Establishes: nothing; an internal error names the pass that broke the IR.
 * Invariants checked:
 *  - sweep values only read arrays through views whose range dimensions iterate box dimensions
 *    of the sweep (or broadcast), and E_INDEX dims are inside the box;
 *  - a sweep's target has box dimensions 0..vrank-1 in order and no broadcast dimension;
 *  - E_READ / E_INDEX appear only inside sweep values; scalar statements hold scalar expressions;
 *  - break/continue only inside loops; every slot's views have rank = slot rank;
 *  - types: comparison results are bool, index expressions are int64;
 *  - after pass_fold: no comparison of a side-effect-free integer operand with itself.
 */
#include "ir.h"
#include "sched.h"

static const char *pass_name;
static int folded; /* pass_fold has run */

#define CHECK(c, what)                                                                      \
    do {                                                                                    \
        if (!(c))                                                                           \
            util_internal(__FILE__, __LINE__, "IR invalid after %s: %s (line %d)", pass_name, \
                          what, l.line);                                                    \
    } while (0)

static void vexpr(ir_expr *e, int box, loc l);

static void vview(ir_view *v, int box, int is_target, loc l)
{
    CHECK(v->arr && v->arr->is_array, "view of a non-array");
    CHECK(v->rank == v->arr->rank, "view rank differs from slot rank");
    int vr = 0, next = 0;
    for (int d = 0; d < v->rank; d++) {
        ir_dim *m = &v->dim[d];
        CHECK(m->lo && m->lo->type == T_I64, "view lo is not int64");
        vexpr(m->lo, -1, l);
        if (m->kind == D_FIXED)
            continue;
        vr++;
        CHECK(m->len && m->step, "range without len or step");
        vexpr(m->len, -1, l);
        vexpr(m->step, -1, l);
        CHECK(m->box >= -1 && m->box < box, "range iterates a dimension outside the box");
        if (is_target) {
            CHECK(m->box == next, "target box dimensions out of order");
            next++;
        }
    }
    CHECK(vr == v->vrank, "vrank does not count the range dimensions");
}

/* box: number of sweep dimensions when inside a sweep value, -1 in scalar context. */
static void vexpr(ir_expr *e, int box, loc l)
{
    CHECK(e, "missing expression");
    switch (e->kind) {
    case E_CONST: break;
    case E_VAR: CHECK(e->var && !e->var->is_array, "E_VAR of a slot"); break;
    case E_BIN:
        if (e->op >= OP_CLT && e->op <= OP_CNE) {
            int v;
            CHECK(e->type == T_BOOL, "comparison not bool");
            CHECK(!folded || !ir_fold_selfcmp(e, &v), "comparison of an extent with itself after pass_fold");
        }
        vexpr(e->a, box, l);
        vexpr(e->b, box, l);
        break;
    case E_UN:
    case E_CAST: vexpr(e->a, box, l); break;
    case E_CALL:
        for (int i = 0; i < e->nargs; i++)
            vexpr(e->args[i], box, l);
        break;
    case E_SELECT:
        CHECK(e->a->type == T_BOOL, "select condition not bool");
        vexpr(e->a, box, l);
        vexpr(e->b, box, l);
        vexpr(e->cc, box, l);
        break;
    case E_SHAPE: CHECK(e->var->is_array && e->dim < e->var->rank, "bad shape query"); break;
    case E_ELEM:
        CHECK(e->nargs == e->var->rank, "element read with wrong index count");
        for (int i = 0; i < e->nargs; i++)
            vexpr(e->args[i], -1, l);
        break;
    case E_READ:
        CHECK(box >= 0, "array read outside a sweep");
        vview(e->view, box, 0, l);
        break;
    case E_INDEX:
        CHECK(box >= 0 && e->dim < box, "sweep index outside a sweep box");
        break;
    }
}

static void vblock(vec *b, int loops);

static void vstmt(ir_stmt *s, int loops)
{
    loc l = s->l;
    switch (s->kind) {
    case S_ASSIGN:
        CHECK(s->var && !s->var->is_array, "scalar assignment to a slot");
        vexpr(s->e, -1, l);
        break;
    case S_ALLOC:
        CHECK(s->var && s->var->is_array && s->shape, "alloc without slot or shape");
        for (int d = 0; d < s->var->rank; d++)
            vexpr(s->shape[d], -1, l);
        if (s->init == 2)
            vexpr(s->e, -1, l);
        if (s->init == 3)
            CHECK(s->src_slot && s->src_slot->rank == s->var->rank, "copy of a different rank");
        break;
    case S_BIND:
        CHECK(s->n >= 1, "empty bind");
        for (int k = 0; k < s->n; k++)
            CHECK(s->dst[k]->is_array && s->srcs[k]->is_array &&
                      s->dst[k]->rank == s->srcs[k]->rank && s->dst[k]->type == s->srcs[k]->type,
                  "bind between incompatible slots");
        break;
    case S_RELEASE: CHECK(s->var->is_array, "release of a scalar"); break;
    case S_SWEEP:
        CHECK(s->target && s->target->vrank >= 1, "sweep without a box");
        vview(s->target, s->target->vrank, 1, l);
        for (int d = 0; d < s->target->rank; d++)
            CHECK(s->target->dim[d].kind == D_FIXED || s->target->dim[d].box >= 0,
                  "broadcast dimension in a sweep target");
        CHECK(s->e->type == s->target->arr->type, "sweep value type differs from target");
        vexpr(s->e, s->target->vrank, l);
        break;
    case S_SETELEM:
        CHECK(s->n == s->var->rank, "element store with wrong index count");
        for (int i = 0; i < s->n; i++)
            vexpr(s->args[i], -1, l);
        vexpr(s->e, -1, l);
        break;
    case S_FOR:
        CHECK(s->var && s->var->type == T_I64, "loop variable not int64");
        vexpr(s->e, -1, l);
        vexpr(s->e2, -1, l);
        vexpr(s->e3, -1, l);
        vblock(&s->body, loops + 1);
        break;
    case S_WHILE:
        CHECK(s->e->type == T_BOOL, "while condition not bool");
        vexpr(s->e, -1, l);
        vblock(&s->body, loops + 1);
        break;
    case S_IF:
        CHECK(s->e->type == T_BOOL, "if condition not bool");
        vexpr(s->e, -1, l);
        vblock(&s->body, loops);
        vblock(&s->orelse, loops);
        break;
    case S_BREAK:
    case S_CONTINUE: CHECK(loops > 0, "break outside a loop"); break;
    case S_PRINTOPT: CHECK(s->n == 5 && s->pspec, "printoptions without its five options"); break;
    case S_RAISE:
        CHECK(s->e->type == T_BOOL && (s->str || s->init == 1), "raise without a bool condition and a message");
        CHECK(s->init != 1 || (s->e2 && !ir_type_is_float(s->e2->type)), "sys.exit without an int status");
        vexpr(s->e, -1, l);
        if (s->init == 1)
            vexpr(s->e2, -1, l);
        break;
    case S_OS:
        CHECK(s->init != IR_OS_TEXT || (s->n > 0) == (s->na < IR_TX_COUNT || s->na > IR_TX_UNPACK),
              "a text operation without its file or string");
        CHECK(s->init != IR_OS_TEXT || (s->na >= IR_TX_LINES && s->na <= IR_TX_UNPACK) == (s->nb > 0),
              "a text operation without its split table");
        CHECK(s->init != IR_OS_TEXT || !s->var ||
                  ((s->na >= IR_TX_STARTS && s->na <= IR_TX_CONTAINS) || s->na == IR_TX_DHAS ? s->var->type == T_BOOL
                   : s->na == IR_TX_DGET ? s->var->type == T_F64 || s->var->type == T_I64
                                         : s->var->type == T_I64),
              "a text operation's result of the wrong type");
        CHECK(s->init != IR_OS_TEXT || s->na != IR_TX_DSET || (s->e && (s->e->type == T_F64 || s->e->type == T_I64)),
              "a dict store without its float64 or int64");
        CHECK(s->str || s->sbuf || s->init == IR_OS_PRINTTO || s->init == IR_OS_ARGC || s->init == IR_OS_FCLOSE ||
              s->init == IR_OS_TEXT,
              "an os call without a path");
        CHECK(s->init < IR_OS_FOPEN || s->init == IR_OS_TEXT || s->n > 0, "a file call without its file's number");
        CHECK(s->init < IR_OS_EXISTS || s->init >= IR_OS_PRINTTO || (s->var && s->var->type == T_BOOL), "a path test without its bool");
        CHECK((s->init != IR_OS_ARGC && s->init != IR_OS_STRINT) || (s->var && s->var->type == T_I64),
              "len(sys.argv) or int() of a string without its int64");
        CHECK(s->init != IR_OS_STRFLOAT || (s->var && s->var->type == T_F64), "float() of a string without its float64");
        CHECK(s->init != IR_OS_STREQ || (s->var && s->var->type == T_BOOL && s->sbuf && (s->str || s->n > 0)),
              "a string comparison without its bool and two strings");
        CHECK(s->init != IR_OS_ARGV || (s->sbuf && s->e && s->e->type == T_I64), "sys.argv[i] without a string and an int64 index");
        if (s->e)
            vexpr(s->e, -1, l);
        break;
    case S_PRINT:
        for (int i = 0; i < s->n; i++) {
            ir_var *a = ir_print_slot(s, i);
            CHECK(!(a && s->strs[i]), "print item both a string and an array");
            if (a)
                CHECK(a->is_array && a->rank >= 1 && a->rank <= IR_MAX_RANK, "print of a slot that is not an array");
            ir_view *v = ir_print_view(s, i);
            if (v) {
                CHECK(a && v->arr == a && v->rank == a->rank && v->vrank >= 1, "print view of another slot");
                for (int d = 0, b = 0; d < v->rank; d++) {
                    ir_dim *m = &v->dim[d];
                    vexpr(m->lo, -1, l);
                    if (m->kind == D_FIXED)
                        continue;
                    CHECK(m->box == b++ && !m->wrap && m->step && m->len, "print view not in box order");
                    vexpr(m->step, -1, l);
                    vexpr(m->len, -1, l);
                }
            }
            if (!a && !s->strs[i])
                vexpr(s->args[i], -1, l);
            CHECK(!(s->pflags && (s->pflags[i] & IR_PR_REPR)) || a, "repr item that is not an array");
            CHECK(!s->sbuf || !a, "array item in a run-time string");
        }
        break;
    case S_SAVE: CHECK(s->var->is_array && (s->str || s->sbuf > 0), "save without slot or name"); break;
    case S_CHECK:
        for (int i = 0; i < s->na + s->nb; i++)
            vexpr(s->args[i], -1, l);
        break;
    case S_REDUCE:
        CHECK(s->var && !s->var->is_array && s->n >= 1 && s->e->type == s->var->type,
              "reduction without a scalar result of its accumulation type");
        for (int d = 0; d < s->n; d++)
            vexpr(s->shape[d], -1, l);
        vexpr(s->e, s->n, l);
        CHECK(!s->sel || (s->op == OP_ADD && ir_type_is_float(s->var->type) && s->e->kind == E_SELECT &&
                          s->e->a->type == T_BOOL),
              "sum of a selection that is not a float sum of a select by a boolean");
        CHECK(!s->cast || (s->op == OP_ADD && ir_type_is_float(s->var->type)),
              "a sum cast in NumPy's buffer that is not a float sum");
        break;
    case S_FFT:
        CHECK(s->var && s->var->is_array && s->var->type == T_F64 && s->src_slot && s->src_slot->is_array &&
                  s->src_slot->type == T_F64 && s->var != s->src_slot,
              "FFT without two float64 slots");
        CHECK(s->e && s->e2 && s->e->type == T_I64 && s->e2->type == T_I64, "FFT without int64 lengths");
        CHECK(s->var->rank == s->src_slot->rank + !!(s->init & IR_FFT_REAL_IN) - !!(s->init & IR_FFT_REAL_OUT),
              "FFT whose slots' ranks disagree with its flags");
        vexpr(s->e, -1, l);
        vexpr(s->e2, -1, l);
        break;
    case S_RANDOM:
        CHECK(s->init >= R_SAMPLE && s->init <= R_SEED, "random of a bad kind");
        CHECK((s->init != R_SAMPLE_F32 && s->init != R_GAUSS_F32) || s->n > 0,
              "random draw of a kind its generator does not have");
        CHECK((s->init == R_SEED) == !s->var, "random seed with a target, or draw without one");
        CHECK(s->init != R_SEED || !s->e || ir_type_is_int(s->e->type), "random seed not an int");
        CHECK((s->init != R_INT && s->init != R_PYINT) || (s->e && s->e2 && s->e->type == T_I64 && s->e2->type == T_I64),
              "random ints without int64 bounds");
        CHECK(s->init != R_BINOMIAL || (s->e && s->e2 && s->e->type == T_I64 && s->e2->type == T_F64 &&
                                        (s->var->is_array || s->var->type == T_I64)),
              "random binomial without an int64 n and a float64 p, or into a non-int64 scalar");
        CHECK((s->init != R_PERM && s->init != R_CHOICE && s->init != R_PYPERM) ||
                  (s->e && s->e->type == T_I64 && s->var->is_array && s->var->rank == 1 && s->var->type == T_I64),
              "random permutation without an int64 population or into other than a 1-D int64 array");
        CHECK(s->init == R_SEED || s->init == R_INT || s->init == R_PERM || s->init == R_CHOICE ||
              s->init == R_PYINT || s->init == R_PYPERM || s->init == R_BINOMIAL || !s->var || s->var->is_array ||
              ir_type_is_float(s->var->type), "random float draw into a non-float");
        if (s->e)
            vexpr(s->e, -1, l);
        if (s->e2)
            vexpr(s->e2, -1, l);
        break;
    case S_LOAD: CHECK(s->var && s->var->is_array && s->str, "load without slot or file"); break;
    case S_ROTATE:
        CHECK(s->var && s->src_slot && s->var != s->src_slot && s->target && s->target->arr == s->src_slot,
              "rotation without two slots and the view it keeps");
        break;
    case S_FUSED:
        CHECK(s->body.len >= 2 && s->body.len <= IR_FUSE_MAX, "fused group of fewer than two sweeps or more than IR_FUSE_MAX");
        for (int i = 0; i < s->body.len; i++) {
            ir_stmt *w = VEC_AT(s->body, i, ir_stmt *);
            CHECK(w->kind == S_SWEEP && w->mode == M_DIRECT &&
                      w->target->vrank == VEC_AT(s->body, 0, ir_stmt *)->target->vrank,
                  "fused group holds something other than direct sweeps of one box rank");
            vstmt(w, loops);
            /* targets that may share memory must be marked: their kernel gets no restrict */
            for (int j = 0; j < i; j++)
                CHECK(s->aliased || VEC_AT(s->body, j, ir_stmt *)->target->arr->alias_class !=
                                        w->target->arr->alias_class,
                      "fused group with targets in one alias class not marked aliased");
        }
        break;
    }
}

static void vblock(vec *b, int loops)
{
    for (int i = 0; i < b->len; i++)
        vstmt(VEC_AT(*b, i, ir_stmt *), loops);
}

void ir_verify(ir_program *p, const char *after_pass)
{
    pass_name = after_pass;
    folded = p->folded;
    for (int i = 0; i < p->params.len; i++) {
        ir_var *v = VEC_AT(p->params, i, ir_var *);
        loc l = {0};
        CHECK(v->is_param && v->init && v->init->kind == E_CONST, "parameter without default");
    }
    for (int i = 0; i < p->layouts.len; i++) { /* aligned blocks (pass_dist): within the extent */
        const ir_layout *L = VEC_AT(p->layouts, i, ir_layout *);
        loc l = {0};
        for (int d = 0; L->align && d < IR_MAX_RANK; d++)
            CHECK(L->dist && L->ak[d] >= 0 && L->as[d] >= 0 && L->as[d] <= L->ak[d],
                  "aligned layout with a shift outside its extent's excess");
    }
    vblock(&p->body, 0);
    ir_verify_stages(p, after_pass);
    if (p->sched)
        ir_sched_verify(p, after_pass);
}
