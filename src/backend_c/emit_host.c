/* emit_host.c: the host program, main() (emit_internal.h).
 *
 * Requires: IR after the schedule passes (pass_sched_*). Prints the scalar code, allocations,
 * bindings, control flow (time loops with their step boundaries, CUDA graph replays where the
 * schedule says so), prints, saves and loads, around the sweeps (emit_sweep.c) and the
 * checkpoint tables (emit_ck.c). Decides nothing: every choice comes from the IR and its
 * schedule, and nothing is written into them.
 */
#include "emit_c.h"
#include "emit_internal.h"
#include "../ir/sched.h"
#include "../runtime_mpi/tyles_version.h"
#include "../runtime_mpi/tyl_txtparse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>


static void emit_loadtxt(ectx *c, int ind, ir_stmt *s, const char *fname);
/* A condition: emit_S(e) without the parentheses around the whole, which `if (...)` already
 * gives (clang's -Wparentheses-equality reads "if ((a == b))" as a mistyped assignment). */
static const char *COND(ir_expr *e)
{
    const char *r = emit_S(e);
    size_t n = strlen(r);
    if (n < 2 || r[0] != '(' || r[n - 1] != ')')
        return r;
    int depth = 0;
    for (size_t i = 0; i < n - 1; i++) {
        if (r[i] == '"' || r[i] == '\'') { /* a literal's parentheses do not count (locations) */
            char q = r[i];
            for (i++; i < n - 1 && r[i] != q; i++)
                i += r[i] == '\\';
            if (i >= n - 1)
                return r; /* not closed before the end: leave it */
            continue;
        }
        depth += r[i] == '(' ? 1 : r[i] == ')' ? -1 : 0;
        if (depth == 0)
            return r; /* "(a) && (b)": the first parenthesis closes before the end */
    }
    return arena_strndup(&util_arena, r + 1, n - 2);
}

/* S_RANDOM: libtyles' NumPy streams (tyl_random.c); the same on the host and CUDA back ends,
 * since the fill goes through tyl_mem. */
static void emit_random(ectx *c, int ind, ir_stmt *s)
{
    static const char *kind[] = {"TYL_RK_SAMPLE", "TYL_RK_SAMPLE_F32", "TYL_RK_GAUSS",
                                 "TYL_RK_UNIFORM", "TYL_RK_INT", "TYL_RK_GAUSS_F32",
                                 "TYL_RK_PERM", "TYL_RK_CHOICE", "TYL_RK_PYINT", "TYL_RK_PYGAUSS",
                                 "TYL_RK_PYPERM", "TYL_RK_GAMMA", "TYL_RK_BINOMIAL"};
    emit_hline(c, ind, s->l);
    if (s->init == R_SEED) {
        emit_put(c, ind, "tyl_random_seed(%d, %s, %d, %s);\n", s->n, s->e ? emit_S(s->e) : "0", !s->e, emit_W(s->l));
        return;
    }
    const char *a = s->e ? emit_S(s->e) : "0", *b = s->e2 ? emit_S(s->e2) : "0";
    int ints = s->init == R_INT || s->init == R_PERM || s->init == R_CHOICE || s->init == R_PYINT ||
               s->init == R_PYPERM; /* lo: the population */
    const char *k = s->na ? arena_printf(&util_arena, "%s | TYL_RK_SEEDED", kind[s->init]) : kind[s->init];
    if (s->init == R_INT && s->nb) /* integers of a narrow dtype: NumPy's buffered draws */
        k = arena_printf(&util_arena, "%s | TYL_RK_N%d", k, s->nb);
    if (s->init == R_BINOMIAL && s->var->is_array) /* p, n */
        emit_put(c, ind, "tyl_random_fill(%d, %s, %s, 0, %s, 0, %s, %s);\n", s->n, k, b, a, s->var->name,
                 emit_W(s->l));
    else if (s->init == R_BINOMIAL)
        emit_put(c, ind, "%s = tyl_random_binomial(%d, %s, %s, %s, %s);\n", s->var->name, s->n, k, a, b,
                 emit_W(s->l));
    else if (s->var->is_array)
        emit_put(c, ind, "tyl_random_fill(%d, %s, %s, %s, %s, %s, %s, %s);\n", s->n, k,
            ints ? "0" : a, ints ? "0" : b, ints ? a : "0", ints ? b : "1", s->var->name, emit_W(s->l));
    else if (ints)
        emit_put(c, ind, "%s = tyl_random_draw_int(%d, %s, %s, %s, %s);\n", s->var->name, s->n, k, a, b, emit_W(s->l));
    else
        emit_put(c, ind, "%s = tyl_random_draw(%d, %s, %s, %s, %s);\n", s->var->name, s->n, k, a, b,
            emit_W(s->l));
}

static void shape_decl(ectx *c, int ind, const char *name, int n, ir_expr **e)
{
    emit_put(c, ind, "const int64_t %s[%d] = {", name, n ? n : 1);
    for (int i = 0; i < n; i++)
        fprintf(c->o, "%s%s", i ? ", " : "", emit_S(e[i]));
    if (n == 0)
        fprintf(c->o, "0");
    fprintf(c->o, "};\n");
}

/* print(a, b, ...) of scalars and strings with the default sep and end: one call,
 * tyl_print_line (0: the print has other items, printed one call each). */
static int emit_print_line(ectx *c, int ind, ir_stmt *s)
{
    if (strcmp(s->str, " ") != 0 || strcmp(s->end, "\n") != 0)
        return 0;
    strbuf k = {0}, a = {0};
    int ok = 1;
    for (int i = 0; ok && i < s->n; i++) {
        unsigned f = s->pflags ? s->pflags[i] : 0;
        if (f & IR_PR_GLUE)
            ok = 0;
        else if (f & IR_PR_STRBUF) {
            sb_putc(&k, 's');
            sb_printf(&a, ", tyl_str_get(%d)", s->pspec[i]);
        } else if (s->strs[i]) {
            sb_putc(&k, 's');
            sb_puts(&a, ", ");
            emit_c_string(&a, s->strs[i]);
        } else if (ir_print_view(s, i) || ir_print_slot(s, i) || (s->pfmt && s->pfmt[i]) || (s->pspec && s->pspec[i]))
            ok = 0;
        else {
            ir_type t = s->args[i]->type;
            const char *kc = t == T_BOOL ? "b" : t == T_F32 ? "g" : ir_type_is_float(t) ? "f" : t == T_U64 ? "u" : "i";
            /* a variadic argument: an integer that is not an int64_t variable (a literal is an
             * int) is cast */
            const char *cast = t == T_BOOL ? "(int)" : t == T_F32 ? "(double)" : ir_type_is_float(t) ? ""
                             : t == T_U64 ? "(uint64_t)"
                             : t == T_I64 && s->args[i]->kind == E_VAR ? "" : "(int64_t)";
            sb_puts(&k, kc);
            sb_printf(&a, ", %s%s", cast, emit_S(s->args[i]));
        }
    }
    if (ok)
        emit_put(c, ind, "tyl_print_line(\"%s\"%s);\n", k.len ? k.s : "", a.len ? a.s : "");
    sb_free(&k);
    sb_free(&a);
    return ok;
}

/* The libtyles formatter of a scalar of type t (tyl_print_fmt_*, tyl_str_fmt_*). */
static const char *fmt_suffix(ir_type t)
{
    return t == T_BOOL ? "bool" : t == T_F32 ? "f32" : ir_type_is_float(t) ? "f64" : "i64";
}

/* S_PRINT into run-time string s->sbuf (an f-string, '%', .format()): its pieces appended. */
static void emit_str_build(ectx *c, int ind, ir_stmt *s)
{
    emit_put(c, ind, "tyl_str_reset(%d);\n", s->sbuf);
    for (int i = 0; i < s->n; i++) {
        strbuf b = {0};
        if (s->pflags && (s->pflags[i] & IR_PR_STRBUF)) {
            emit_put(c, ind, "tyl_str_add(%d, tyl_str_get(%d));\n", s->sbuf, s->pspec[i]);
        } else if (s->strs[i]) {
            emit_c_string(&b, s->strs[i]);
            emit_put(c, ind, "tyl_str_add(%d, %s);\n", s->sbuf, b.s);
        } else {
            if (s->pspec && s->pspec[i])
                sb_printf(&b, "tyl_str_get(%d)", s->pspec[i]);
            else
                emit_c_string(&b, s->pfmt && s->pfmt[i] ? s->pfmt[i] : "");
            emit_put(c, ind, "tyl_str_fmt_%s(%d, %s, %s, %s);\n", fmt_suffix(s->args[i]->type), s->sbuf,
                b.s, emit_S(s->args[i]), emit_W(s->l));
        }
        sb_free(&b);
    }
}

/* An S_OS statement's path: a string built at run time (its buffer) or the input's literal. */
static void os_path(strbuf *b, const ir_stmt *s)
{
    if (s->sbuf)
        sb_printf(b, "tyl_str_get(%d)", s->sbuf);
    else
        emit_c_string(b, s->str);
}

/* IR_OS_TEXT: a call of tyl_textread.c (ir.h's IR_TX_*) */
static void emit_text_op(ectx *c, int ind, const ir_stmt *s)
{
    strbuf str = {0};
    if (s->str)
        emit_c_string(&str, s->str);
    else
        sb_printf(&str, "NULL");
    const char *w = emit_W(s->l), *v = s->var ? s->var->name : NULL;
    int t = s->na;
    emit_hline(c, ind, s->l);
    switch (t) {
    case IR_TX_OPEN: {
        strbuf b = {0};
        os_path(&b, s);
        emit_put(c, ind, "tyl_text_open(%d, %s, %s);\n", s->n, b.s, w);
        sb_free(&b);
        break;
    }
    case IR_TX_CLOSE: emit_put(c, ind, "tyl_text_close(%d);\n", s->n); break;
    case IR_TX_READ:
    case IR_TX_READLINE:
        emit_put(c, ind, "tyl_text_read%s(%d, %d, %s);\n", t == IR_TX_READ ? "" : "line", s->n, s->sbuf, w);
        break;
    case IR_TX_LINES: emit_put(c, ind, "tyl_text_lines(%d, %d, %s);\n", s->nb, s->n, w); break;
    case IR_TX_SPLIT:
    case IR_TX_SPLITLINES:
    case IR_TX_KEEPENDS:
    case IR_TX_PARTITION:
        emit_put(c, ind, "tyl_str_split(%d, %d, %s, %s, %s, %s);\n", s->nb, s->n, str.s, s->e ? emit_S(s->e) : "-1",
                 t == IR_TX_SPLIT       ? "TYL_SPLIT_SEP"
                 : t == IR_TX_SPLITLINES ? "TYL_SPLIT_LINES"
                 : t == IR_TX_KEEPENDS   ? "TYL_SPLIT_KEEPENDS"
                                         : "TYL_SPLIT_PARTITION",
                 w);
        break;
    case IR_TX_COUNT: emit_put(c, ind, "%s = tyl_split_len(%d);\n", v, s->nb); break;
    case IR_TX_ITEM: emit_put(c, ind, "tyl_split_item(%d, %d, %s, %s);\n", s->sbuf, s->nb, emit_S(s->e), w); break;
    case IR_TX_UNPACK: emit_put(c, ind, "tyl_split_unpack(%d, %s, %s);\n", s->nb, emit_S(s->e), w); break;
    case IR_TX_STRIP:
    case IR_TX_LSTRIP:
    case IR_TX_RSTRIP:
        emit_put(c, ind, "tyl_str_strip(%d, %d, %d, %s, %s);\n", s->sbuf, s->n, t - IR_TX_STRIP, str.s, w);
        break;
    case IR_TX_LOWER:
    case IR_TX_UPPER:
        emit_put(c, ind, "tyl_str_case(%d, %d, %d, %s);\n", s->sbuf, s->n, t == IR_TX_UPPER, w);
        break;
    case IR_TX_STARTS:
    case IR_TX_ENDS: emit_put(c, ind, "%s = tyl_str_starts(%d, %s, %d);\n", v, s->n, str.s, t == IR_TX_ENDS); break;
    case IR_TX_CONTAINS: emit_put(c, ind, "%s = tyl_str_contains(%d, %s);\n", v, s->n, str.s); break;
    case IR_TX_LEN: emit_put(c, ind, "%s = tyl_str_len(%d);\n", v, s->n); break;
    case IR_TX_REPR: emit_put(c, ind, "tyl_str_repr(%d, %d, %s);\n", s->sbuf, s->n, w); break;
    case IR_TX_FORMAT: emit_put(c, ind, "tyl_str_format(%d, %d, %s, %s);\n", s->sbuf, s->n, str.s, w); break;
    case IR_TX_DNEW: emit_put(c, ind, "tyl_sdict_clear(%d);\n", s->n); break;
    case IR_TX_DSET:
    case IR_TX_DGET:
    case IR_TX_DHAS: {
        const char *key = s->sbuf ? arena_printf(&util_arena, "tyl_str_get(%d)", s->sbuf) : str.s;
        const char *ty = (t == IR_TX_DSET ? s->e->type : s->var->type) == T_F64 ? "f64" : "i64";
        if (t == IR_TX_DSET)
            emit_put(c, ind, "tyl_sdict_set_%s(%d, %s, %s, %s);\n", ty, s->n, key, emit_S(s->e), w);
        else if (t == IR_TX_DGET)
            emit_put(c, ind, "%s = tyl_sdict_get_%s(%d, %s, %s);\n", v, ty, s->n, key, w);
        else
            emit_put(c, ind, "%s = tyl_sdict_has(%d, %s);\n", v, s->n, key);
        break;
    }
    case IR_TX_DLEN: emit_put(c, ind, "%s = tyl_sdict_len(%d);\n", v, s->n); break;
    }
    sb_free(&str);
}

int (*emit_stmt_hook)(ectx *c, int ind, ir_stmt *s);

/* A loop whose slice checks run once per entry (pass_checks_once) sits in a block declaring
 * their flags, "not checked yet"; a time loop's block begins after its restart label. */
static void once_open(ectx *c, int ind, const ir_stmt *s)
{
    if (!s->onces.len)
        return;
    emit_put(c, ind, "{\n");
    for (int i = 0; i < s->onces.len; i++)
        emit_put(c, ind + 1, "int tyl_once%d = 0;\n", (int)(intptr_t)VEC_AT(s->onces, i, intptr_t));
}
static void once_close(ectx *c, int ind, const ir_stmt *s)
{
    if (s->onces.len)
        emit_put(c, ind, "}\n");
}

/* A loop holding slots (pass_sched_held) sits in a block declaring a hold per slot: opened
 * before the loop, closed (the gathered copy released) after it. Returns 1 when it printed s so. */
static int held_loop(ectx *c, int ind, ir_stmt *s)
{
    static const ir_stmt *printing; /* the held loop whose block is open */
    if (!s->sched || !s->sched->held.len || s == printing)
        return 0;
    const ir_stmt *outer = printing;
    ir_sched *h = s->sched;
    emit_put(c, ind, "{\n");
    for (int j = 0; j < h->held.len; j++)
        emit_put(c, ind + 1, "tyl_held tyl_held%d;\n", h->held_id + j);
    for (int j = 0; j < h->held.len; j++)
        emit_put(c, ind + 1, "tyl_held_begin(&tyl_held%d, %s);\n", h->held_id + j, VEC_AT(h->held, j, ir_var *)->name);
    printing = s;
    emit_held_push(s);
    emit_stmt(c, ind + 1, s);
    emit_held_pop();
    printing = outer;
    for (int j = 0; j < h->held.len; j++)
        emit_put(c, ind + 1, "tyl_held_end(&tyl_held%d);\n", h->held_id + j);
    emit_put(c, ind, "}\n");
    return 1;
}

void emit_stmt(ectx *c, int ind, ir_stmt *s)
{
    if (emit_stmt_hook && emit_stmt_hook(c, ind, s))
        return; /* library mode's arguments and results (emit_lib.c) */
    switch (s->kind) {
    case S_ASSIGN:
        emit_hline(c, ind, s->l);
        emit_put(c, ind, "%s = %s;\n", s->var->name, emit_S(s->e));
        return;
    case S_ALLOC: {
        emit_hline(c, ind, s->l);
        ir_var *v = s->var;
        if (s->init == 3) {
            emit_put(c, ind, "tyl_set(&%s, tyl_copy_l(%s, %s, %s));\n", v->name, s->src_slot->name, emit_layout_ref(v), emit_W(s->l));
            return;
        }
        emit_put(c, ind, "{\n");
        shape_decl(c, ind + 1, "tyl_shape", v->rank, s->shape);
        emit_put(c, ind + 1, "tyl_set(&%s, tyl_alloc_l(%s, %d, tyl_shape, %s, %s, %s));\n", v->name, emit_tyname(v->type),
            v->rank, s->init == 1 ? "TYL_INIT_ZERO" : "TYL_INIT_NONE", emit_layout_ref(v), emit_W(s->l));
        emit_put(c, ind, "}\n");
        if (s->init == 2)
            emit_put(c, ind, "tyl_fill(%s, %s);\n", v->name, emit_S(s->e));
        return;
    }
    case S_BIND:
        emit_hline(c, ind, s->l);
        if (s->n == 1 && s->move) {
            emit_put(c, ind, "tyl_set(&%s, %s);\n", s->dst[0]->name, s->srcs[0]->name);
            emit_put(c, ind, "%s = NULL;\n", s->srcs[0]->name);
            return;
        }
        if (s->n == 1) {
            emit_put(c, ind, "tyl_set(&%s, tyl_ref(%s));\n", s->dst[0]->name, s->srcs[0]->name);
            return;
        }
        emit_put(c, ind, "{\n");
        for (int k = 0; k < s->n; k++)
            emit_put(c, ind + 1, "tyl_array *tyl_b%d = tyl_ref(%s);\n", k, s->srcs[k]->name);
        for (int k = 0; k < s->n; k++)
            emit_put(c, ind + 1, "tyl_set(&%s, tyl_b%d);\n", s->dst[k]->name, k);
        emit_put(c, ind, "}\n");
        return;
    case S_RELEASE:
        emit_put(c, ind, "tyl_set(&%s, NULL);\n", s->var->name);
        return;
    case S_SWEEP:
    case S_FUSED: emit_sweep(c, ind, s); return;
    case S_SETELEM: {
        emit_hline(c, ind, s->l);
        ir_expr el = {.kind = E_ELEM, .type = s->var->type, .var = s->var, .args = s->args, .nargs = s->n};
        if (c->rows && s->row) { /* stored by tyl_rows_end (pass_sched_rows) */
            emit_put(c, ind, "tyl_rows_store_%s(%s", emit_elem_suffix(s->var->type), s->var->name);
            for (int d = 0; d < IR_MAX_RANK; d++)
                fprintf(c->o, ", %s", d < s->n ? emit_S(s->args[d]) : "0");
            fprintf(c->o, ", %s);\n", emit_S(s->e));
        } else if (c->t->cuda || ir_slot_dist(s->var)) {
            emit_put(c, ind, "tyl_eset_%s(%s", emit_elem_suffix(s->var->type), s->var->name);
            for (int d = 0; d < IR_MAX_RANK; d++)
                fprintf(c->o, ", %s", d < s->n ? emit_S(s->args[d]) : "0");
            fprintf(c->o, ", %s);\n", emit_S(s->e));
        } else
            emit_put(c, ind, "%s = %s;\n", emit_S(&el), emit_S(s->e));
        return;
    }
    case S_FOR: {
        if (held_loop(c, ind, s))
            return;
        emit_hline(c, ind, s->l);
        int64_t k;
        const char *v = s->var->name;
        const int rows_open = s->sched->rows_once && !c->rows; /* the rows' sums in one collective */
        if (rows_open) {
            emit_put(c, ind, "tyl_rows_begin();\n");
            c->rows = 1;
        }
        if (s->sched->graph_period) { /* a CUDA graph (pass_sched_graph) */
            once_open(c, ind, s);
            c->t->graph_loop(c, ind + (s->onces.len > 0), s);
            once_close(c, ind, s);
            return;
        }
        if (!ir_expr_const_int(s->e3, &k)) {
            emit_put(c, ind, "if (%s == 0)\n", emit_S(s->e3));
            emit_put(c, ind + 1, "tyl_rt_error(%s, \"ValueError: range() arg 3 must not be zero\");\n", emit_W(s->l));
        }
        /* a trip count, so no bound near the ends of int64 can overflow the loop variable */
        int L = s->sched->ck;
        if (L >= 0) {
            /* a checkpointed time loop: a restart jumps to the label with the state restored,
             * and the loop goes on from the checkpoint's iteration (runtime/elastic) */
            emit_put(c, ind - 1, "tyl_ck_L%d:\n", L);
            emit_ck_expect(c, ind, s);
            emit_put(c, ind, "tyl_ck_k0 = tyl_ck_enter(%d, tyl_ck_live%d, &tyl_ck_nk);\n", L, L);
            once_open(c, ind, s); /* after the label: a restart checks again */
            ind += s->onces.len > 0;
            emit_put(c, ind, "for (int64_t tyl_k = tyl_ck_k0, tyl_nk = tyl_ck_nk >= 0 ? tyl_ck_nk : "
                "tyl_range_len(%s, %s, %s); tyl_k < tyl_nk; tyl_k++) {\n", emit_S(s->e), emit_S(s->e2), emit_S(s->e3));
        } else {
            once_open(c, ind, s);
            ind += s->onces.len > 0;
            emit_put(c, ind, "for (int64_t tyl_k = 0, tyl_nk = tyl_range_len(%s, %s, %s); tyl_k < tyl_nk; tyl_k++) {\n",
                emit_S(s->e), emit_S(s->e2), emit_S(s->e3));
        }
        emit_put(c, ind + 1, "%s = (int64_t)((uint64_t)%s + (uint64_t)tyl_k * (uint64_t)%s);\n", v, emit_S(s->e), emit_S(s->e3));
        if (s->sched->progress)
            emit_put(c, ind + 1, "tyl_progress(tyl_k, tyl_nk);\n");
        if (L >= 0)
            emit_put(c, ind + 1, "tyl_ck_step(%d, tyl_k, tyl_nk, tyl_ck_live%d);\n", L, L);
        if (s->sched->time_tile >= 2) {
            /* temporal blocking (pass_sched_timetile): when tyl_tt_go says so, K steps' sweeps
             * (or 2K: tyl_tt_go's choice, on several ranks where the deep halos were sized for
             * 2K) are recorded (tyl_sweep_run records instead of running) with the arrays their
             * names hold at each step, then tyl_tt_run runs them over tiles of rows together */
            int K = s->sched->time_tile;
            emit_put(c, ind + 1, "const int tyl_tt = tyl_tt_go(%d, %d, %d, %d, tyl_k, tyl_nk);\n", K, s->sched->tt_forced,
                     s->sched->tt_deep, L >= 0);
            emit_put(c, ind + 1, "for (int64_t tyl_j = 1;; tyl_j++) {\n");
            emit_block(c, ind + 2, &s->body);
            emit_put(c, ind + 2, "if (tyl_j >= tyl_tt)\n"); /* tyl_tt: the steps of the group, 0 for one */
            emit_put(c, ind + 3, "break;\n");
            emit_put(c, ind + 2, "tyl_k++;\n");
            emit_put(c, ind + 2, "%s = (int64_t)((uint64_t)%s + (uint64_t)tyl_k * (uint64_t)%s);\n", v, emit_S(s->e),
                emit_S(s->e3));
            emit_put(c, ind + 1, "}\n");
            emit_put(c, ind + 1, "if (tyl_tt)\n");
            emit_put(c, ind + 2, "tyl_tt_run();\n");
        } else
            emit_block(c, ind + 1, &s->body);
        emit_put(c, ind, "}\n");
        ind -= s->onces.len > 0;
        once_close(c, ind, s);
        if (L >= 0)
            emit_put(c, ind, "tyl_ck_leave(%d);\n", L);
        if (rows_open) {
            c->rows = 0;
            emit_put(c, ind, "tyl_rows_end(%s);\n", emit_W(s->l));
        }
        return;
    }
    case S_WHILE: {
        if (held_loop(c, ind, s))
            return;
        emit_hline(c, ind, s->l);
        int L = s->sched->ck;
        if (L >= 0) {
            emit_put(c, ind - 1, "tyl_ck_L%d:\n", L);
            emit_ck_expect(c, ind, s);
            emit_put(c, ind, "tyl_ck_k0 = tyl_ck_enter(%d, tyl_ck_live%d, &tyl_ck_nk);\n", L, L);
        }
        once_open(c, ind, s); /* after the label: a restart checks again */
        ind += s->onces.len > 0;
        if (s->sched->progress) {
            emit_put(c, ind, "for (int64_t tyl_w = %s; %s; tyl_w++) {\n", L >= 0 ? "tyl_ck_k0" : "0", COND(s->e));
            emit_put(c, ind + 1, "tyl_progress(tyl_w, -1);\n");
            if (L >= 0)
                emit_put(c, ind + 1, "tyl_ck_step(%d, tyl_w, -1, tyl_ck_live%d);\n", L, L);
        } else
            emit_put(c, ind, "while (%s) {\n", COND(s->e));
        emit_block(c, ind + 1, &s->body);
        emit_put(c, ind, "}\n");
        ind -= s->onces.len > 0;
        once_close(c, ind, s);
        if (L >= 0)
            emit_put(c, ind, "tyl_ck_leave(%d);\n", L);
        return;
    }
    case S_IF:
        emit_hline(c, ind, s->l);
        emit_put(c, ind, "if (%s) {\n", COND(s->e));
        emit_block(c, ind + 1, &s->body);
        if (s->orelse.len) {
            emit_put(c, ind, "} else {\n");
            emit_block(c, ind + 1, &s->orelse);
        }
        emit_put(c, ind, "}\n");
        return;
    case S_PRINTOPT:
        emit_hline(c, ind, s->l);
        emit_put(c, ind, "tyl_set_printoptions(%d, %d, %d, %d, %d);\n", s->pspec[0], s->pspec[1],
                 s->pspec[2], s->pspec[3], s->pspec[4]);
        return;
    case S_OS: {
        if (s->init == IR_OS_PRINTTO && s->n >= 100) { /* print(..., file=f), f.write(s) */
            emit_hline(c, ind, s->l);
            emit_put(c, ind, "tyl_print_file(%d, %s);\n", s->n - 100, emit_W(s->l));
            return;
        }
        if (s->init == IR_OS_PRINTTO) {
            emit_put(c, ind, "tyl_print_stream(%d);\n", s->n);
            return;
        }
        if (s->init == IR_OS_FCLOSE) {
            emit_put(c, ind, "tyl_file_close(%d);\n", s->n);
            return;
        }
        if (s->init == IR_OS_TEXT) {
            emit_text_op(c, ind, s);
            return;
        }
        if (s->init >= IR_OS_FOPEN) { /* open(path, "w" or "a") */
            strbuf b = {0};
            os_path(&b, s);
            emit_hline(c, ind, s->l);
            emit_put(c, ind, "tyl_file_open(%d, %s, %d, %s);\n", s->n, b.s, s->init == IR_OS_FAPPEND, emit_W(s->l));
            sb_free(&b);
            return;
        }
        if (s->init >= IR_OS_ARGC) { /* sys.argv (tyl_argv.c) */
            emit_hline(c, ind, s->l);
            if (s->init == IR_OS_ARGC)
                emit_put(c, ind, "%s = tyl_argv_len();\n", s->var->name);
            else if (s->init == IR_OS_ARGV)
                emit_put(c, ind, "tyl_argv_item(%d, %s, %s);\n", s->sbuf, emit_S(s->e), emit_W(s->l));
            else if (s->init == IR_OS_STREQ) {
                strbuf b = {0};
                if (s->str)
                    emit_c_string(&b, s->str);
                emit_put(c, ind, "%s = tyl_str_eq(%d, %s, %d);\n", s->var->name, s->sbuf, b.s ? b.s : "NULL", s->n);
                sb_free(&b);
            }
            else
                emit_put(c, ind, "%s = tyl_str_%s(%d, %s);\n", s->var->name, s->init == IR_OS_STRINT ? "int" : "float",
                         s->sbuf, emit_W(s->l));
            return;
        }
        strbuf b = {0};
        os_path(&b, s);
        emit_hline(c, ind, s->l);
        if (s->init <= IR_OS_MKDIR)
            emit_put(c, ind, "tyl_os_mkdir(%s, %d, %d, %s);\n", b.s, s->init == IR_OS_MAKEDIRS, s->n, emit_W(s->l));
        else
            emit_put(c, ind, "%s = tyl_os_path_test(%s, %d);\n", s->var->name, b.s, s->init - IR_OS_EXISTS);
        sb_free(&b);
        return;
    }
    case S_RAISE: {
        strbuf b = {0};
        if (s->init == 1) { /* sys.exit: every rank ends as at the program's end */
            if (s->sbuf)
                sb_printf(&b, "tyl_str_get(%d)", s->sbuf);
            else if (s->str)
                emit_c_string(&b, s->str);
            emit_hline(c, ind, s->l);
            emit_put(c, ind, "if (%s)\n", COND(s->e));
            emit_put(c, ind + 1, "tyl_sys_exit(%s, %s);\n", emit_S(s->e2), b.s ? b.s : "NULL");
            sb_free(&b);
            return;
        }
        emit_c_string(&b, s->str);
        emit_hline(c, ind, s->l);
        emit_put(c, ind, "if (%s)\n", COND(s->e));
        /* scalars are the same on every rank, so every rank stops here: rank 0 tells */
        if (s->sbuf) /* the message's end is run-time string sbuf */
            emit_put(c, ind + 1, "tyl_rt_error_all(%s, \"%%s%%s\", %s, tyl_str_get(%d));\n", emit_W(s->l), b.s, s->sbuf);
        else
            emit_put(c, ind + 1, "tyl_rt_error_all(%s, \"%%s\", %s);\n", emit_W(s->l), b.s);
        sb_free(&b);
        return;
    }
    case S_BREAK: emit_put(c, ind, "break;\n"); return;
    case S_CONTINUE: emit_put(c, ind, "continue;\n"); return;
    case S_PRINT: {
        emit_hline(c, ind, s->l);
        if (s->sbuf) {
            emit_str_build(c, ind, s);
            return;
        }
        if (emit_print_line(c, ind, s))
            return;
        for (int i = 0; i < s->n; i++) {
            strbuf b = {0};
            if (i && !(s->pflags && (s->pflags[i] & IR_PR_GLUE))) {
                emit_c_string(&b, s->str);
                emit_put(c, ind, "tyl_print_str(%s);\n", b.s);
                b.len = 0;
            }
            if (s->pflags && (s->pflags[i] & IR_PR_STRBUF)) {
                emit_put(c, ind, "tyl_print_str(tyl_str_get(%d));\n", s->pspec[i]);
            } else if (s->strs[i]) {
                emit_c_string(&b, s->strs[i]);
                emit_put(c, ind, "tyl_print_str(%s);\n", b.s);
            } else if (ir_print_view(s, i)) {
                /* a view, printed in place (global indices; len -1: an integer index) */
                ir_view *v = s->pviews[i];
                emit_put(c, ind, "{\n");
                for (int f = 0; f < 3; f++) {
                    emit_put(c, ind + 1, "const int64_t tyl_%s[%d] = {", f == 0 ? "lo" : f == 1 ? "step" : "len", v->rank);
                    for (int d = 0; d < v->rank; d++) {
                        ir_dim *m = &v->dim[d];
                        ir_expr *x = f == 0 ? m->lo : m->kind == D_FIXED ? NULL : f == 1 ? m->step : m->len;
                        fprintf(c->o, "%s%s", d ? ", " : "", x ? emit_S(x) : f == 1 ? "0" : "-1");
                    }
                    fprintf(c->o, "};\n");
                }
                emit_put(c, ind + 1, "tyl_print_view(%s, tyl_lo, tyl_step, tyl_len, %d, NULL);\n", v->arr->name,
                    s->pflags && (s->pflags[i] & IR_PR_REPR) ? 1 : 0);
                emit_put(c, ind, "}\n");
            } else if (ir_print_slot(s, i)) {
                /* collective: every rank takes part in gathering a distributed array */
                emit_put(c, ind, "tyl_print_array(%s, %d, NULL);\n", s->pslots[i]->name,
                    s->pflags && (s->pflags[i] & IR_PR_REPR) ? 1 : 0);
            } else if ((s->pfmt && s->pfmt[i]) || (s->pspec && s->pspec[i])) {
                if (s->pspec && s->pspec[i])
                    sb_printf(&b, "tyl_str_get(%d)", s->pspec[i]);
                else
                    emit_c_string(&b, s->pfmt[i]);
                emit_put(c, ind, "tyl_print_fmt_%s(%s, %s, %s);\n", fmt_suffix(s->args[i]->type), b.s,
                    emit_S(s->args[i]), emit_W(s->l));
            } else {
                ir_type t = s->args[i]->type;
                emit_put(c, ind, "tyl_print_%s(%s);\n",
                    t == T_BOOL ? "bool" : ir_type_is_float(t) ? (t == T_F32 ? "float32" : "float")
                    : t == T_U64 ? "uint64" : "int",
                    emit_S(s->args[i]));
            }
            sb_free(&b);
        }
        strbuf b = {0};
        emit_c_string(&b, s->end);
        emit_put(c, ind, "tyl_print_end(%s);\n", b.s);
        sb_free(&b);
        return;
    }
    case S_FFT: {
        static const char *norm[] = {"", " | 1 << TYL_FFT_NORM_SHIFT", " | 2 << TYL_FFT_NORM_SHIFT"};
        emit_hline(c, ind, s->l);
        char axis[48] = "";
        if (s->init >> IR_FFT_AXIS_SHIFT)
            snprintf(axis, sizeof axis, " | %d << TYL_FFT_AXIS_SHIFT", s->init >> IR_FFT_AXIS_SHIFT);
        emit_put(c, ind, "tyl_fft(%s, %s, %s, %s, %s%s%s%s%s, %s);\n", s->var->name, s->src_slot->name, emit_S(s->e),
                 emit_S(s->e2), s->init & IR_FFT_INVERSE ? "TYL_FFT_INVERSE" : "0",
                 s->init & IR_FFT_REAL_IN ? " | TYL_FFT_REAL_IN" : "", s->init & IR_FFT_REAL_OUT ? " | TYL_FFT_REAL_OUT" : "",
                 norm[(s->init >> IR_FFT_NORM_SHIFT) & 3], axis, emit_W(s->l));
        return;
    }
    case S_SAVE: {
        emit_hline(c, ind, s->l);
        strbuf b = {0};
        if (s->init == 3) { /* a complex array: its parts' (..., 2) float64 array as complex128 */
            if (s->sbuf)
                sb_printf(&b, "tyl_str_npy(%d)", s->sbuf);
            else
                emit_c_string(&b, s->str);
            emit_put(c, ind, "tyl_save_npy_c16(%s, %s, %s);\n", b.s, s->var->name, emit_W(s->l));
            sb_free(&b);
            return;
        }
        if (s->init) { /* np.savez member, np.savetxt */
            if (s->sbuf)
                sb_printf(&b, "tyl_str_get(%d)", s->sbuf);
            else
                emit_c_string(&b, s->str);
            strbuf q = {0};
            if (s->init == 1) {
                emit_c_string(&q, s->end);
                emit_put(c, ind, "tyl_savez_member(%s, %d, %d, %s, %s, %s);\n", b.s, s->n, s->na, q.s,
                         s->var->name, emit_W(s->l));
            } else {
                for (int k = 0; k < 7; k++) {
                    sb_printf(&q, ", ");
                    if ((k == 4 || k == 5) && s->pspec[k - 4]) /* a header or footer built at run time */
                        sb_printf(&q, "tyl_str_get(%d)", s->pspec[k - 4]);
                    else
                        emit_c_string(&q, s->strs[k]);
                }
                emit_put(c, ind, "tyl_savetxt(%s, %s, %d%s, %s);\n", b.s, s->var->name, s->n, q.s,
                         emit_W(s->l));
            }
            sb_free(&q);
            sb_free(&b);
            return;
        }
        if (s->sbuf)
            emit_put(c, ind, "tyl_save_npy(tyl_str_npy(%d), %s, %s);\n", s->sbuf, s->var->name, emit_W(s->l));
        else {
            emit_c_string(&b, s->str);
            emit_put(c, ind, "tyl_save_npy(%s, %s, %s);\n", b.s, s->var->name, emit_W(s->l));
        }
        sb_free(&b);
        return;
    }
    case S_REDUCE: emit_reduce(c, ind, s); return;
    case S_ROTATE: {
        /* X = Y.copy() where Y's view `target` is overwritten next: X takes Y's buffer (and
         * where the statements after rewrite the rest too, nothing is copied) */
        ir_var *x = s->var, *y = s->src_slot;
        ir_view *v = s->target;
        emit_hline(c, ind, s->l);
        emit_put(c, ind, "{\n");
        emit_put(c, ind + 1, "const int64_t tyl_lo[%d] = {", v->rank);
        for (int d = 0; d < v->rank; d++)
            fprintf(c->o, "%s%s", d ? ", " : "", emit_S(v->dim[d].lo));
        fprintf(c->o, "};\n");
        emit_put(c, ind + 1, "const int64_t tyl_len[%d] = {", v->rank);
        for (int d = 0; d < v->rank; d++)
            fprintf(c->o, "%s%s", d ? ", " : "", v->dim[d].kind == D_FIXED ? "1" : emit_S(v->dim[d].len));
        fprintf(c->o, "};\n");
        emit_put(c, ind + 1, "tyl_rotate%s(&%s, &%s, tyl_lo, tyl_len, %s);\n", s->ring_rewritten ? "_rewritten" : "",
                 x->name, y->name, emit_W(s->l));
        emit_put(c, ind, "}\n");
        return;
    }
    case S_RANDOM: emit_random(c, ind, s); return;
    case S_LOAD: {
        emit_hline(c, ind, s->l);
        strbuf b = {0};
        emit_c_string(&b, s->str);
        if (s->txt) {
            emit_loadtxt(c, ind, s, b.s);
            sb_free(&b);
            return;
        }
        emit_put(c, ind, "tyl_set(&%s, tyl_load_npy_l(%s, %s, %d, %s, %s));\n", s->var->name, b.s, emit_tyname(s->var->type),
            s->var->rank, emit_layout_ref(s->var), emit_W(s->l));
        if (s->init) /* axes of extent 1 the compiler broadcasts */
            emit_put(c, ind, "tyl_load_expect_ones(%s, 0x%xu, %s, %s);\n", s->var->name, (unsigned)s->init, b.s, emit_W(s->l));
        sb_free(&b);
        return;
    }
    case S_CHECK:
        emit_hline(c, ind, s->l);
        if (s->once) { /* its operands do not change in the loop: once per entry (pass_checks_once) */
            emit_put(c, ind, "if (!tyl_once%d) {\n", s->once);
            ind++;
        }
        emit_put(c, ind, "{\n");
        if (s->check == CK_SLICE) { /* extents and scalars are the same on every rank */
            static const char *const fl[] = {"TYL_HAS_START", "TYL_HAS_STOP", "TYL_SF_START_NONNEG",
                                             "TYL_SF_STOP_NONNEG", "TYL_SF_START_IN", "TYL_SF_STOP_IN",
                                             "TYL_SF_NONEMPTY", "TYL_SF_START_END", "TYL_SF_STOP_END"};
            strbuf m = {0};
            emit_c_string(&m, s->str);
            for (int k = 0; k < 3; k++) {
                sb_puts(&m, ", ");
                if (k == 0)
                    sb_printf(&m, "%d, ", s->n);
                emit_c_string(&m, s->strs[k]);
            }
            emit_put(c, ind + 1, "static const tyl_slice_text tyl_t = {%s};\n", m.s);
            emit_put(c, ind + 1, "const int64_t tyl_start = %s;\n", emit_S(s->args[1]));
            emit_put(c, ind + 1, "const int64_t tyl_stop = %s;\n", emit_S(s->args[2]));
            emit_put(c, ind + 1, "tyl_slice_fits(%s, %s, tyl_start, tyl_stop, %s,\n", emit_W(s->l), emit_S(s->args[0]),
                     emit_S(s->args[3]));
            strbuf f = {0};
            for (int k = 0; k < 9; k++)
                if (s->init & (1 << k))
                    sb_printf(&f, "%s%s", f.len ? " | " : "", fl[k]);
            emit_put(c, ind + 5, "%s, &tyl_t);\n", f.len ? f.s : "0");
            sb_free(&f);
            emit_put(c, ind, "}\n");
            if (s->once) {
                emit_put(c, ind, "tyl_once%d = 1;\n", s->once);
                emit_put(c, ind - 1, "}\n");
            }
            sb_free(&m);
            return;
        }
        if (s->check == CK_ALLOC) {
            shape_decl(c, ind + 1, "tyl_a", s->na, s->args);
            emit_put(c, ind + 1, "tyl_check_alloc(%s, %s, %d, tyl_a);\n", emit_W(s->l), emit_tyname(s->e->type), s->na);
            emit_put(c, ind, "}\n");
            return;
        }
        shape_decl(c, ind + 1, "tyl_a", s->na, s->args);
        shape_decl(c, ind + 1, "tyl_b", s->nb, s->args + s->na);
        emit_put(c, ind + 1, "tyl_check_shapes(%s, %s, %d, tyl_a, %d, tyl_b);\n", emit_W(s->l),
            s->check == CK_BCAST ? "TYL_CK_BCAST" : s->check == CK_MASK ? "TYL_CK_MASK" : "TYL_CK_ASSIGN", s->na, s->nb);
        emit_put(c, ind, "}\n");
        return;
    }
}

/* np.loadtxt / np.genfromtxt: the options as the call wrote them, then the collective read. */
static void emit_loadtxt(ectx *c, int ind, ir_stmt *s, const char *fname)
{
    const tyl_txt_opts *o = s->txt;
    strbuf d = {0}, cm = {0}, use = {0};
    if (o->delim)
        emit_c_string(&d, o->delim);
    if (o->comments)
        emit_c_string(&cm, o->comments);
    for (int k = 0; k < o->nuse; k++)
        sb_printf(&use, "%s%lld", k ? ", " : "", (long long)o->use[k]);
    emit_put(c, ind, "{\n");
    emit_put(c, ind + 1, "static const int64_t tyl_use[] = {%s}; /* usecols */\n", o->nuse ? use.s : "0");
    emit_put(c, ind + 1, "tyl_set(&%s, tyl_load_txt_l(%s, %s, %d, %s, %s, %lld, %lld, %d, tyl_use, %d, %s, %s));\n",
              s->var->name, fname, emit_tyname(s->var->type), s->var->rank, o->delim ? d.s : "NULL",
              o->comments ? cm.s : "NULL", (long long)o->skip, (long long)o->max_rows, o->nuse,
              /* tyles.h's TYL_TXT_USE_INT, _UNPACK, _GEN */ (o->use_int ? 1 : 0) | (o->unpack ? 2 : 0) | (o->gen ? 4 : 0) |
                  o->ndmin << 4,
              emit_layout_ref(s->var), emit_W(s->l));
    emit_put(c, ind, "}\n");
    sb_free(&d);
    sb_free(&cm);
    sb_free(&use);
}

/* The layouts of the distributed arrays: halo layers below and above per dimension, periodic
 * axes. Program and library files print the same table. */
/* A printing context for program p: main()'s text, the kernels and a sink go to temporary
 * files (program and library files print the same way). */
void emit_ctx_open(ectx *c, const emit_target *t, ir_program *p)
{
    *c = (ectx){0};
    c->t = t;
    c->p = p;
    emit_cur_target = t;
    c->written = NEWN(char, p->sched->nkernels + 1);
    c->o = tmpfile();
    c->kf = tmpfile();
    c->sink = fopen("/dev/null", "w");
    if (!c->o || !c->kf || !c->sink)
        util_syserr("cannot create a temporary file: %s", strerror(errno));
}

/* What every generated C or CUDA file says after its #include: the run-time version it needs
 * and the serial threshold. */
void emit_preamble(FILE *out, int cuda)
{
    /* the run-time library's interface changes between versions while Tyles is 0.x */
    fprintf(out, "#if TYLES_VERSION_NUM != %d\n#error \"generated by tylesc %s: compile it against the "
                 "tyles.h of that version, or generate it again\"\n#endif\n\n",
            TYLES_VERSION_NUM, TYLES_VERSION);
    fprintf(out, "#ifndef TYL_PAR_MIN\n#define TYL_PAR_MIN 32768 /* elements below which a sweep runs serially */\n#endif\n\n");
    if (!cuda) /* "omp simd" states that the points are independent; a loop clang does not
                  vectorise (a call, a strided store) is still right, and no reader can act on it */
        fprintf(out, "#ifdef __clang__\n#pragma clang diagnostic ignored \"-Wpass-failed\"\n#endif\n\n");
}

void emit_layout(FILE *out, const char *name, const ir_layout *L)
{
    fprintf(out, "static const tyl_layout %s = {1, {", name);
    for (int d = 0; d < IR_MAX_RANK; d++)
        fprintf(out, "%s%d", d ? ", " : "", L->hl[d]);
    fprintf(out, "}, {");
    for (int d = 0; d < IR_MAX_RANK; d++)
        fprintf(out, "%s%d", d ? ", " : "", L->hh[d]);
    fprintf(out, "}, 0x%xu, %d, {", L->periodic, L->deep);
    for (int d = 0; d < IR_MAX_RANK; d++)
        fprintf(out, "%s%d", d ? ", " : "", L->deep ? L->sl[d] : L->hl[d]);
    fprintf(out, "}, {");
    for (int d = 0; d < IR_MAX_RANK; d++)
        fprintf(out, "%s%d", d ? ", " : "", L->deep ? L->sh[d] : L->hh[d]);
    /* aligned blocks (pass_dist): extents over the group's base, shifts */
    fprintf(out, "}, %d, {", L->align);
    for (int d = 0; d < IR_MAX_RANK; d++)
        fprintf(out, "%s%d", d ? ", " : "", L->ak[d]);
    fprintf(out, "}, {");
    for (int d = 0; d < IR_MAX_RANK; d++)
        fprintf(out, "%s%d", d ? ", " : "", L->as[d]);
    /* axes kept whole on every rank (pass_dist, component axes) */
    fprintf(out, "}, 0x%xu};\n", L->whole);
}

void emit_layouts(FILE *out, const ir_program *p)
{
    for (int i = 0; i < p->layouts.len; i++) {
        ir_layout *L = VEC_AT(p->layouts, i, ir_layout *);
        if (L->dist)
            emit_layout(out, arena_printf(&util_arena, "tyl_L%d", L->id), L);
    }
    fprintf(out, "\n");
}

void emit_block(ectx *c, int ind, vec *body)
{
    for (int i = 0; i < body->len; i++)
        emit_stmt(c, ind, VEC_AT(*body, i, ir_stmt *));
}

/* main()'s statements, in one block or (sched->parts) one static function per part, the
 * part a restart resumes in jumping to its time loop. */
static void emit_main_body(ectx *c, ir_program *p)
{
    vec *parts = &p->sched->parts;
    if (parts->len < 2) {
        emit_block(c, 1, &p->body);
        return;
    }
    for (int k = 0; k < parts->len; k++) {
        int from = (int)(intptr_t)parts->items[k];
        int to = k + 1 < parts->len ? (int)(intptr_t)parts->items[k + 1] : p->body.len;
        fprintf(c->o, "static void tyl_main_%d(void)\n{\n", k + 1);
        emit_ck_resume(c, p, from, to);
        for (int i = from; i < to; i++)
            emit_stmt(c, 1, VEC_AT(p->body, i, ir_stmt *));
        fprintf(c->o, "}\n\n");
    }
}

static void emit_program_text(ir_program *p, FILE *out, const emit_target *t)
{
    UTIL_ASSERT(p->sched && p->sched->done == SCHED_ALL && p->sched->cuda == t->cuda);
    const int cut = p->sched->parts.len >= 2; /* main()'s statements in functions (pass_sched_split) */
    ectx c;
    emit_ctx_open(&c, t, p);
    strbuf hoist = {0};
    c.hoist = &hoist;
    c.hoist_decl = cut ? "static " : "    ";
    emit_main_body(&c, p);

    strbuf src = {0};
    util_c_comment(&src, p->source);
    fprintf(out, "/* Generated by tylesc %s from %s. Edit the .tyl file, not this one.\n", TYLES_VERSION,
            src.s ? src.s : "");
    sb_free(&src);
    if (emit_command_line) {
        strbuf cmd = {0};
        util_c_comment(&cmd, emit_command_line);
        fprintf(out, " * Regenerate it in its folder with: %s\n", cmd.s);
        sb_free(&cmd);
    }
    fprintf(out, " * (what changes this output: the program, the tylesc version, --target, --input) */\n");
    fprintf(out, "#include \"%s\"\n", t->header);
    emit_preamble(out, t->cuda);
    emit_layouts(out, p);
    /* kernels */
    rewind(c.kf);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, c.kf)) > 0)
        fwrite(buf, 1, n, out);
    fclose(c.kf);
    fclose(c.sink);

    /* main()'s variables: its locals, or statics the functions of its parts share (their
     * addresses are in the checkpoint's table either way) */
    const char *ind = cut ? "" : "    ", *decl = cut ? "static " : "";
    if (cut) {
        fprintf(out, "/* main()'s statements are cut into %d functions, tyl_main_1 .. tyl_main_%d "
                     "(pass_sched_split): its variables are here */\n", p->sched->parts.len, p->sched->parts.len);
        for (int i = 0; i < p->params.len; i++) {
            ir_var *v = VEC_AT(p->params, i, ir_var *);
            fprintf(out, "static %s %s;\n", ir_type_c(v->type), v->name);
        }
    }
    strbuf vars = {0};
    for (int i = 0; i < p->sched->vars.len; i++) {
        ir_var *v = VEC_AT(p->sched->vars, i, ir_var *);
        if (v->is_array)
            sb_printf(&vars, "%s%styl_array *%s%s;\n", ind, decl, v->name, cut ? "" : " = NULL");
        else
            sb_printf(&vars, "%s%s%s %s%s;\n", ind, decl, ir_type_c(v->type), v->name, cut ? "" : " = 0");
    }
    if (cut) {
        fprintf(out, "%s", vars.len ? vars.s : "");
        emit_ck_statics(p, out);
        if (hoist.len)
            fprintf(out, "/* the arrays and scalars each sweep takes */\n%s", hoist.s);
        fprintf(out, "\n");
        rewind(c.o);
        while ((n = fread(buf, 1, sizeof buf, c.o)) > 0)
            fwrite(buf, 1, n, out);
    }

    fprintf(out, "int main(int argc, char **argv)\n{\n");
    for (int i = 0; i < p->params.len; i++) {
        ir_var *v = VEC_AT(p->params, i, ir_var *);
        if (cut)
            fprintf(out, "    %s = %s;\n", v->name, emit_S(v->init));
        else
            fprintf(out, "    %s %s = %s;\n", ir_type_c(v->type), v->name, emit_S(v->init));
    }
    fprintf(out, "    tyl_param params[] = {\n");
    for (int i = 0; i < p->params.len; i++) {
        ir_var *v = VEC_AT(p->params, i, ir_var *);
        strbuf nm = {0};
        emit_c_string(&nm, v->pyname);
        fprintf(out, "        {%s, %s, &%s},\n", nm.s, emit_tyname(v->type), v->name);
        sb_free(&nm);
    }
    fprintf(out, "        {NULL, TYL_INT64, NULL},\n    };\n");
    fprintf(out, "    tyl_rt_set_grid(%d);\n", p->grid_rank);
    if (p->sched->grid_middle_first)
        fprintf(out, "    tyl_rt_set_grid_tiled();\n");
    if (p->uses_argv) /* sys.argv: positional arguments are the program's */
        fprintf(out, "    tyl_argv_accept();\n");
    fprintf(out, "    tyl_rt_init(&argc, &argv, %s, params, %d);\n", emit_file_literal(), p->params.len);
    if (!cut) {
        fprintf(out, "%s", vars.len ? vars.s : "");
        if (hoist.len) /* before the checkpoint tables: a restart's goto must not jump past them */
            fprintf(out, "    /* the arrays and scalars each sweep takes */\n%s", hoist.s);
    }
    sb_free(&vars);
    sb_free(&hoist);
    emit_ck_tables(&c, p, out);
    fprintf(out, "\n");
    if (cut) { /* the parts in turn; a restart enters the part of its loop (emit_ck_tables) */
        for (int k = 1; k <= p->sched->parts.len; k++) {
            if (emit_ck_part_label(p, k))
                fprintf(out, "tyl_ck_P%d:\n", k);
            fprintf(out, "    tyl_main_%d();\n", k);
        }
    } else {
        rewind(c.o);
        while ((n = fread(buf, 1, sizeof buf, c.o)) > 0)
            fwrite(buf, 1, n, out);
    }
    fclose(c.o);
    fprintf(out, "\n");
    for (int i = 0; i < p->sched->vars.len; i++) {
        ir_var *v = VEC_AT(p->sched->vars, i, ir_var *);
        if (v->is_array) /* a scalar only ever written is no warning: the table takes its address */
            fprintf(out, "    tyl_release(%s);\n", v->name);
    }
    fprintf(out, "    return tyl_rt_finalize();\n}\n");
}

/* The text with each "#line N" to the .tyl covering the one C line after it: the lines that
 * follow are marked as the generated file's own again (the way Bison restores its #line), so no
 * C line is attributed to a line of the program it does not come from, or past its end. */
void emit_sync_lines(FILE *in, FILE *out)
{
    strbuf self = {0};
    util_c_string(&self, emit_output_name ? emit_output_name : "tyles_generated.c");
    const char *tyl = emit_file_literal();
    size_t tl = strlen(tyl);
    int oline = 0, mapped = 0; /* lines written; 1: the last was a #line, 2: the line it covers */
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&buf, &cap, in)) > 0) {
        int directive = strncmp(buf, "#line ", 6) == 0;
        if (mapped == 2 && !directive) {
            fprintf(out, "#line %d %s\n", oline + 2, self.s);
            oline++;
        }
        mapped = mapped == 1 ? 2 : 0;
        if (directive && (size_t)n > tl && strncmp(buf + n - 1 - tl, tyl, tl) == 0)
            mapped = 1;
        fwrite(buf, 1, (size_t)n, out);
        oline++;
    }
    free(buf);
    sb_free(&self);
}

void emit_program(ir_program *p, FILE *out, const emit_target *t)
{
    FILE *tmp = tmpfile();
    if (!tmp)
        util_syserr("cannot create a temporary file: %s", strerror(errno));
    emit_program_text(p, tmp, t);
    rewind(tmp);
    emit_sync_lines(tmp, out);
    fclose(tmp);
}
