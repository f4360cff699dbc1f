/* emit_ck.c: checkpoints in the host program (emit_internal.h).
 *
 * Requires: the schedule (pass_sched_steps, pass_sched_ckpt). Prints the table of main()'s
 * variables a checkpoint holds, each time loop's live set, the set-up call and a restart's jump
 * to the loop it resumes in, and at each time loop the array shapes a restart must agree with.
 */
#include "emit_internal.h"
#include "../ir/sched.h"

#include <string.h>

/* At a checkpointed loop's label: the shapes its arrays have, from the parameters (lower.c), for
 * a restart to check the checkpoint's against (-1: an extent that does not follow from them). */
/* v's index in the checkpoint's table when the time loop s has it live, else -1. */
static int live_at(ir_program *p, ir_stmt *s, ir_var *v)
{
    for (int j = 0; j < s->sched->live.len; j++) {
        int at = (int)(intptr_t)s->sched->live.items[j];
        if (VEC_AT(p->sched->vars, at, ir_var *) == v)
            return at;
    }
    return -1;
}

void emit_ck_expect(ectx *c, int ind, ir_stmt *s)
{
    for (int j = 0; j < s->ck_n; j++) {
        ir_var *v = s->ck_slot[j];
        int at = -1;
        for (int i = 0; i < c->p->sched->vars.len; i++)
            if (VEC_AT(c->p->sched->vars, i, ir_var *) == v)
                at = i;
        if (at < 0)
            continue;
        emit_put(c, ind, "{\n");
        emit_put(c, ind + 1, "const int64_t tyl_e[%d] = {", v->rank);
        for (int d = 0; d < v->rank; d++) {
            ir_expr *e = s->ck_shape[j * IR_MAX_RANK + d];
            fprintf(c->o, "%s%s", d ? ", " : "", e ? emit_S(e) : "-1");
        }
        fprintf(c->o, "};\n");
        emit_put(c, ind + 1, "tyl_ck_expect(%d, tyl_e);\n", at);
        emit_put(c, ind, "}\n");
    }
    /* the views the loop carries, whose bounds a checkpoint holds beside their array (a forged
     * or mis-edited bound would read outside it): checked when all of them are live here */
    for (int i = 0; i < c->p->carried.len; i++) {
        ir_carried_view *cv = VEC_AT(c->p->carried, i, ir_carried_view *);
        int a = live_at(c->p, s, cv->slot), lo = live_at(c->p, s, cv->lo);
        int st = cv->st ? live_at(c->p, s, cv->st) : -1, len = cv->len ? live_at(c->p, s, cv->len) : -1;
        if (a >= 0 && lo >= 0 && (!cv->st || (st >= 0 && len >= 0)))
            emit_put(c, ind, "tyl_ck_expect_view(%d, %d, %d, %d, %d);\n", a, cv->dim, lo, st, len);
    }
}

/* The part of main() (1..) whose statements hold top-level statement at (sched->parts); 0 when
 * main() is not cut. */
static int part_of(ir_program *p, int at)
{
    int k = 0;
    while (p->sched->parts.len >= 2 && k < p->sched->parts.len && (intptr_t)p->sched->parts.items[k] <= at)
        k++;
    return k;
}

/* The index of a time loop in main()'s statements. */
static int top_index(ir_program *p, ir_stmt *loop)
{
    for (int i = 0; i < p->body.len; i++)
        if (VEC_AT(p->body, i, ir_stmt *) == loop)
            return i;
    return -1;
}

/* Per time loop, the variables live at its step boundaries (indices into the state table). */
static void live_tables(ir_program *p, FILE *out, const char *decl)
{
    vec *loops = &p->sched->ck_loops;
    for (int L = 0; L < loops->len; L++) {
        ir_stmt *loop = VEC_AT(*loops, L, ir_stmt *);
        fprintf(out, "%sstatic const int tyl_ck_live%d[] = {", decl, L);
        for (int j = 0; j < loop->sched->live.len; j++)
            fprintf(out, "%d, ", (int)(intptr_t)loop->sched->live.items[j]);
        for (int j = 0; j < loop->sched->live_strs.len; j++)
            fprintf(out, "%d, ", p->sched->vars.len + (int)(intptr_t)loop->sched->live_strs.items[j]);
        fprintf(out, "-1};\n");
    }
}

void emit_ck_statics(ir_program *p, FILE *out)
{
    if (!p->sched->ck_loops.len)
        return;
    fprintf(out, "static int64_t tyl_ck_k0 = 0, tyl_ck_nk = -1; /* a time loop's first step and number of "
                 "steps on a restart */\n");
    live_tables(p, out, "");
}

void emit_ck_resume(ectx *c, ir_program *p, int from, int to)
{
    vec *loops = &p->sched->ck_loops;
    int any = 0;
    for (int L = 0; L < loops->len; L++) {
        int at = top_index(p, VEC_AT(*loops, L, ir_stmt *));
        if (at < from || at >= to)
            continue;
        if (!any) /* a restart resumes in a loop of this part */
            fprintf(c->o, "    switch (tyl_ck_resume_loop()) {\n");
        any = 1;
        fprintf(c->o, "    case %d: goto tyl_ck_L%d;\n", L, L);
    }
    if (any)
        fprintf(c->o, "    default: break;\n    }\n");
}

/* The state a checkpoint holds and a restart restores: a table of main()'s variables (every
 * scalar and array slot, by C name) and run-time strings (tyl_strK: rank TYL_CK_STRING, the
 * string's number for a pointer) and, per time loop, those live at its step boundaries (those
 * the loop and the statements after it refer to), then the set-up call and the jump of a
 * restart to the loop it resumes in (main() cut into parts: to the part that holds the loop,
 * which jumps to it). */
void emit_ck_tables(ectx *c, ir_program *p, FILE *out)
{
    (void)c;
    vec *vars = &p->sched->vars, *loops = &p->sched->ck_loops;
    const int cut = p->sched->parts.len >= 2;
    if (loops->len && !cut) /* a time loop's first step and number of steps on a restart */
        fprintf(out, "    int64_t tyl_ck_k0 = 0, tyl_ck_nk = -1;\n");
    fprintf(out, "    tyl_ck_var tyl_ck_vars[] = {\n");
    for (int i = 0; i < vars->len; i++) {
        ir_var *v = VEC_AT(*vars, i, ir_var *);
        if (v->is_array)
            fprintf(out, "        {\"%s\", %s, %d, %s, &%s},\n", v->name, emit_tyname(v->type), v->rank,
                    emit_layout_ref(v), v->name);
        else
            fprintf(out, "        {\"%s\", %s, -1, NULL, &%s},\n", v->name, emit_tyname(v->type), v->name);
    }
    vec *strs = &p->sched->strs;
    for (int i = 0; i < strs->len; i++) {
        int k = (int)(intptr_t)strs->items[i];
        fprintf(out, "        {\"tyl_str%d\", TYL_INT64, TYL_CK_STRING, NULL, (void *)(intptr_t)%d},\n", k, k);
    }
    fprintf(out, "        {NULL, TYL_INT64, -1, NULL, NULL},\n    };\n");
    if (!cut)
        live_tables(p, out, "    ");
    /* the program's identity covers the state table too */
    uint64_t h = p->hash;
    for (int i = 0; i < vars->len; i++) {
        ir_var *v = VEC_AT(*vars, i, ir_var *);
        int sig[3] = {(int)v->type, v->is_array ? v->rank : -1, ir_slot_dist(v)};
        h = util_hash(util_hash(h, v->name, strlen(v->name) + 1), sig, sizeof sig);
    }
    for (int i = 0; i < strs->len; i++) {
        int k = (int)(intptr_t)strs->items[i];
        h = util_hash(h, &k, sizeof k);
    }
    fprintf(out, "    tyl_ck_setup(0x%016llxull, tyl_ck_vars, %d, %d);\n", (unsigned long long)h,
            vars->len + strs->len, loops->len);
    if (loops->len) {
        /* recovery point (ULFM): the locals the loops use are restored from the checkpoint */
        fprintf(out, "    setjmp(tyl_ck_jmp);\n");
        fprintf(out, "    switch (tyl_ck_resume_loop()) {\n");
        for (int L = 0; L < loops->len; L++) {
            if (cut)
                fprintf(out, "    case %d: goto tyl_ck_P%d;\n", L, part_of(p, top_index(p, VEC_AT(*loops, L, ir_stmt *))));
            else
                fprintf(out, "    case %d: goto tyl_ck_L%d;\n", L, L);
        }
        fprintf(out, "    default: break;\n    }\n");
    }
}

/* The label main() jumps to on a restart that resumes in part k (a part that holds a time loop). */
int emit_ck_part_label(ir_program *p, int k)
{
    vec *loops = &p->sched->ck_loops;
    for (int L = 0; L < loops->len; L++)
        if (part_of(p, top_index(p, VEC_AT(*loops, L, ir_stmt *))) == k)
            return 1;
    return 0;
}
