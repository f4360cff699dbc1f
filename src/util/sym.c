/* sym.c: affine symbolic integers over parameter atoms. */
#include "sym.h"

#include <string.h>

#include "util.h"

static vec atom_keys, atom_disp;
/* An opaque atom's derivation (sym_eval): op and operands, NULL for a plain atom. */
static vec atom_op, atom_a, atom_b;

void sym_reset(void)
{
    atom_keys = (vec){0};
    atom_disp = (vec){0};
    atom_op = atom_a = atom_b = (vec){0};
}

int sym_atom(const char *key, const char *display)
{
    for (int i = 0; i < atom_keys.len; i++)
        if (strcmp(VEC_AT(atom_keys, i, const char *), key) == 0)
            return i;
    vec_push(&atom_keys, arena_strdup(&util_arena, key));
    vec_push(&atom_disp, arena_strdup(&util_arena, display ? display : key));
    vec_push(&atom_op, NULL);
    vec_push(&atom_a, NULL);
    vec_push(&atom_b, NULL);
    return atom_keys.len - 1;
}

const sym *sym_const(int64_t c)
{
    sym *s = NEW(sym);
    s->c = c;
    return s;
}

const sym *sym_var(int atom)
{
    sym *s = NEW(sym);
    s->n = 1;
    s->atom[0] = atom;
    s->k[0] = 1;
    return s;
}

/* a + f*b, merging sorted term lists; NULL (unknown) if a coefficient overflows 64 bits. */
static const sym *combine(const sym *a, const sym *b, int64_t f)
{
    if (!a || !b)
        return NULL;
    sym *r = NEW(sym);
    int64_t fb;
    if (__builtin_mul_overflow(f, b->c, &fb) || __builtin_add_overflow(a->c, fb, &r->c))
        return NULL;
    int i = 0, j = 0;
    while (i < a->n || j < b->n) {
        int atom;
        int64_t k;
        if (j >= b->n || (i < a->n && a->atom[i] < b->atom[j])) {
            atom = a->atom[i];
            k = a->k[i++];
        } else if (i >= a->n || b->atom[j] < a->atom[i]) {
            atom = b->atom[j];
            if (__builtin_mul_overflow(f, b->k[j++], &k))
                return NULL;
        } else {
            atom = a->atom[i];
            if (__builtin_mul_overflow(f, b->k[j++], &fb) || __builtin_add_overflow(a->k[i++], fb, &k))
                return NULL;
        }
        if (k == 0)
            continue;
        if (r->n == SYM_MAX_TERMS)
            return NULL;
        r->atom[r->n] = atom;
        r->k[r->n++] = k;
    }
    return r;
}

const sym *sym_add(const sym *a, const sym *b) { return combine(a, b, 1); }
const sym *sym_sub(const sym *a, const sym *b) { return combine(a, b, -1); }
const sym *sym_neg(const sym *a) { return combine(sym_const(0), a, -1); }

const sym *sym_mul(const sym *a, const sym *b)
{
    int64_t c;
    if (!a || !b)
        return NULL;
    if (sym_is_const(b, &c))
        return combine(sym_const(0), a, c);
    if (sym_is_const(a, &c))
        return combine(sym_const(0), b, c);
    return NULL;
}

int sym_equal(const sym *a, const sym *b)
{
    if (!a || !b || a->c != b->c || a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (a->atom[i] != b->atom[i] || a->k[i] != b->k[i])
            return 0;
    return 1;
}

int sym_is_const(const sym *a, int64_t *c)
{
    if (!a || a->n)
        return 0;
    if (c)
        *c = a->c;
    return 1;
}

const char *sym_str(const sym *a)
{
    if (!a)
        return "?";
    strbuf b = {0};
    for (int i = 0; i < a->n; i++) {
        int64_t k = a->k[i];
        const char *name = VEC_AT(atom_disp, a->atom[i], const char *);
        int complex = strpbrk(name, " +-*/%") != NULL;
        if (k < 0)
            sb_puts(&b, "-");
        else if (i)
            sb_puts(&b, "+");
        if (k != 1 && k != -1)
            sb_printf(&b, "%llu*", (unsigned long long)(k < 0 ? 0 - (uint64_t)k : (uint64_t)k));
        sb_printf(&b, complex ? "(%s)" : "%s", name);
    }
    if (a->c || !a->n) {
        if (a->n && a->c > 0)
            sb_puts(&b, "+");
        sb_printf(&b, "%lld", (long long)a->c);
    }
    const char *s = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    return s;
}

const sym *sym_opaque(const char *op, const sym *a, const sym *b)
{
    if (!a || !b)
        return NULL;
    const char *sa = sym_str(a), *sb = sym_str(b);
    const char *key = arena_printf(&util_arena, "%s %s %s", sa, op, sb);
    int at = sym_atom(key, key);
    if (!atom_op.items[at]) {
        atom_op.items[at] = (void *)op;
        atom_a.items[at] = (void *)a;
        atom_b.items[at] = (void *)b;
    }
    return sym_var(at);
}

int sym_min_const(const sym *a, int64_t *c)
{
    if (!a || a->n != 1 || a->c || a->k[0] != 1)
        return 0;
    const char *op = VEC_AT(atom_op, a->atom[0], const char *);
    if (!op || strcmp(op, "min") != 0)
        return 0;
    return sym_is_const(VEC_AT(atom_a, a->atom[0], const sym *), c) ||
           sym_is_const(VEC_AT(atom_b, a->atom[0], const sym *), c);
}

/* Python's floor division and modulo of int64 (b != 0, no overflow: checked by the caller). */
static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int eval_opaque(int at, sym_atom_value val, void *ctx, int depth, int64_t *out);

static int eval(const sym *s, sym_atom_value val, void *ctx, int depth, int64_t *out)
{
    if (!s || depth > 64)
        return 0;
    int64_t r = s->c;
    for (int i = 0; i < s->n; i++) {
        int64_t x, t;
        if (!eval_opaque(s->atom[i], val, ctx, depth, &x) || __builtin_mul_overflow(s->k[i], x, &t) ||
            __builtin_add_overflow(r, t, &r))
            return 0;
    }
    *out = r;
    return 1;
}

static int eval_opaque(int at, sym_atom_value val, void *ctx, int depth, int64_t *out)
{
    const char *op = VEC_AT(atom_op, at, const char *);
    if (!op)
        return val(ctx, VEC_AT(atom_keys, at, const char *), out);
    int64_t a, b;
    if (!eval(VEC_AT(atom_a, at, const sym *), val, ctx, depth + 1, &a) ||
        !eval(VEC_AT(atom_b, at, const sym *), val, ctx, depth + 1, &b))
        return 0;
    if (strcmp(op, "*") == 0)
        return !__builtin_mul_overflow(a, b, out);
    if (strcmp(op, "min") == 0 || strcmp(op, "max") == 0) {
        *out = (op[1] == 'i') == (a < b) ? a : b;
        return 1;
    }
    if (strcmp(op, "wrap") == 0) { /* a slice bound: Python counts a negative one from the end */
        *out = a;
        return a >= 0 || !__builtin_add_overflow(a, b, out);
    }
    if (b == 0 || (b == -1 && a == INT64_MIN))
        return 0;
    if (strcmp(op, "//") == 0) {
        *out = floordiv(a, b);
        return 1;
    }
    if (strcmp(op, "%") == 0) {
        *out = a - floordiv(a, b) * b;
        return 1;
    }
    if (strncmp(op, "ceil/", 5) == 0) { /* a slice's length: lower_index.c */
        *out = a > 0 ? (a - 1) / b + 1 : 0;
        return 1;
    }
    return 0;
}

int sym_eval(const sym *s, sym_atom_value val, void *ctx, int64_t *out)
{
    return eval(s, val, ctx, 0, out);
}
