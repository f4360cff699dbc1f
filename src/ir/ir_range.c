/* ir_range.c: the integer values a scalar can take when they come from constant tables, such
 * as the shift of an LBM's streaming step, np.roll(f[:, :, i], cx[i], axis=1) with cx an
 * np.array of -1, 0 and 1: pass_dist gives such a roll a halo of the table's largest shift
 * instead of making the array replicated.
 *
 * Flow-insensitive: the range of a scalar is the union of the ranges of every value assigned to
 * it anywhere in the program, and the range of an integer table (a layout class of slots, which
 * includes every slot that may hold its buffer) the union of the constants stored into it by
 * element stores, fills and copies. A table written by a sweep, a load or a random draw, a
 * parameter, a loop variable, a reduction, and anything computed otherwise than by + and - of
 * ranges, unary minus, casts between integer types and conditional choices (a choice on x == k
 * with k outside x's range is its second branch), has no range.
 * Ranges that still grow after a few rounds (k = k + 1 in a loop) have none either.
 */
#include "ir.h"

enum { ROUNDS = 8 };
static const int64_t BOUND = (int64_t)1 << 40;

struct ir_ranges {
    const int *cls;    /* layout class (root id) of each slot id */
    char *st;          /* by scalar id / slot class: 0 nothing seen yet, 1 range, 2 none */
    int64_t *lo, *hi;
    int changed, round;
};

static int is_int(ir_type t) { return t == T_I64 || t == T_I32 || t == T_I16 || t == T_I8; }

static int key_of(const ir_ranges *r, const ir_var *v) { return v->is_array ? r->cls[v->id] : v->id; }

static void join(ir_ranges *r, int k, int ok, int64_t lo, int64_t hi)
{
    if (r->st[k] == 2)
        return;
    if (!ok || lo < -BOUND || hi > BOUND) {
        r->st[k] = 2;
        r->changed = 1;
        return;
    }
    if (r->st[k] == 0) {
        r->st[k] = 1;
        r->lo[k] = lo;
        r->hi[k] = hi;
        r->changed = 1;
        return;
    }
    if (lo < r->lo[k] || hi > r->hi[k]) {
        if (r->round >= ROUNDS) { /* still growing: a counter, not a table */
            r->st[k] = 2;
        } else {
            r->lo[k] = lo < r->lo[k] ? lo : r->lo[k];
            r->hi[k] = hi > r->hi[k] ? hi : r->hi[k];
        }
        r->changed = 1;
    }
}

/* 1 with [*lo, *hi] when known; 0 when nothing is known (yet, or at all). Every range given is
 * within +-BOUND, as join keeps them, so that + and - of two cannot overflow (a constant of
 * -(2**63 - 1) in `cells.pop(-9223372036854775807)` did: UBSan, fuzz seed 6301). */
static int range(const ir_ranges *r, const ir_expr *e, int64_t *lo, int64_t *hi)
{
    int64_t a, b, c, d;
    if (!e || !is_int(e->type))
        return 0;
    switch (e->kind) {
    case E_CONST:
        *lo = *hi = e->c.i;
        return e->c.i >= -BOUND && e->c.i <= BOUND;
    case E_VAR:
    case E_ELEM: {
        if (!e->var || e->var->is_param)
            return 0;
        int k = key_of(r, e->var);
        if (r->st[k] != 1)
            return 0;
        *lo = r->lo[k];
        *hi = r->hi[k];
        return 1;
    }
    case E_CAST: return is_int(e->a->type) && range(r, e->a, lo, hi);
    case E_UN:
        if (e->op == OP_POS)
            return range(r, e->a, lo, hi);
        if (e->op != OP_NEG || !range(r, e->a, &a, &b))
            return 0;
        *lo = -b;
        *hi = -a;
        return 1;
    case E_BIN:
        if ((e->op != OP_ADD && e->op != OP_SUB) || !range(r, e->a, &a, &b) || !range(r, e->b, &c, &d))
            return 0;
        *lo = e->op == OP_ADD ? a + c : a - d;
        *hi = e->op == OP_ADD ? b + d : b - c;
        return *lo >= -BOUND && *hi <= BOUND;
    case E_SELECT:
        /* x == k ? b : c with k outside x's range (np.roll's test for int64's minimum): c */
        if (e->a && e->a->kind == E_BIN && e->a->op == OP_CEQ && e->a->b && e->a->b->kind == E_CONST &&
            is_int(e->a->b->type) &&
            range(r, e->a->a, &a, &b) && (e->a->b->c.i < a || e->a->b->c.i > b))
            return range(r, e->cc, lo, hi);
        if (!range(r, e->b, &a, &b) || !range(r, e->cc, &c, &d))
            return 0;
        *lo = a < c ? a : c;
        *hi = b > d ? b : d;
        return 1;
    default: return 0;
    }
}

static void note(ir_ranges *r, const ir_var *v, const ir_expr *e)
{
    int64_t lo = 0, hi = 0;
    int ok = e && range(r, e, &lo, &hi);
    /* an operand not known yet may be later in this round: wait unless it never will be */
    if (!ok && e && r->round < ROUNDS && is_int(e->type))
        return;
    join(r, key_of(r, v), ok, lo, hi);
}

static void walk(ir_ranges *r, vec *body)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        switch (s->kind) {
        case S_ASSIGN:
            if (s->var && !s->var->is_array)
                note(r, s->var, s->e);
            break;
        case S_SETELEM: note(r, s->var, s->e); break;
        case S_ALLOC:
            if (s->init == 1)
                join(r, key_of(r, s->var), 1, 0, 0);
            else if (s->init == 2)
                note(r, s->var, s->e);
            else if (s->init == 3) {
                int k = key_of(r, s->src_slot);
                if (r->st[k])
                    join(r, key_of(r, s->var), r->st[k] == 1, r->lo[k], r->hi[k]);
            }
            break;
        case S_SWEEP: join(r, key_of(r, s->target->arr), 0, 0, 0); break;
        case S_FUSED:
            for (int j = 0; j < s->body.len; j++)
                join(r, key_of(r, VEC_AT(s->body, j, ir_stmt *)->target->arr), 0, 0, 0);
            break;
        case S_FOR:
        case S_REDUCE:
        case S_LOAD:
        case S_RANDOM:
        case S_ROTATE:
        case S_FFT:
            if (s->var)
                join(r, key_of(r, s->var), 0, 0, 0);
            break;
        default: break;
        }
        walk(r, &s->body);
        walk(r, &s->orelse);
    }
}

ir_ranges *ir_ranges_of(ir_program *p, const int *cls)
{
    ir_ranges *r = NEW(ir_ranges);
    r->cls = cls;
    r->st = NEWN(char, p->nvars + 1);
    r->lo = NEWN(int64_t, p->nvars + 1);
    r->hi = NEWN(int64_t, p->nvars + 1);
    /* past ROUNDS, every change makes a state final (a range that grows has none), so this ends */
    for (r->round = 0;; r->round++) {
        r->changed = 0;
        walk(r, &p->body);
        if (!r->changed && r->round > ROUNDS)
            break;
    }
    return r;
}

int ir_expr_range(const ir_ranges *r, const ir_expr *e, int64_t *lo, int64_t *hi)
{
    return r && range(r, e, lo, hi);
}
