/* sched.c: constructors, verifier and printer of the schedule level (sched.h). */
#include "sched.h"

void ir_sched_begin(ir_program *p, int cuda)
{
    p->sched = NEW(ir_psched);
    *p->sched = (ir_psched){.cuda = cuda, .time_tile_opt = SCHED_TT_AUTO};
}

ir_sched *ir_sched_of(ir_stmt *s)
{
    if (!s->sched) {
        s->sched = NEW(ir_sched);
        *s->sched = (ir_sched){.ck = -1};
    }
    return s->sched;
}

int ir_sched_box_rank(ir_stmt *s)
{
    if (s->kind == S_REDUCE)
        return s->n;
    if (s->kind == S_FUSED)
        return VEC_AT(s->body, 0, ir_stmt *)->target->vrank;
    return s->target->vrank;
}

/* ---- verifier ---- */

static const char *pass_name;

#define CHECK(c, what)                                                                          \
    do {                                                                                        \
        if (!(c))                                                                               \
            util_internal(__FILE__, __LINE__, "schedule invalid after %s: %s (line %d)", pass_name, \
                          what, s->l.line);                                             \
    } while (0)

static int runs_kernel(ir_stmt *s) { return s->kind == S_SWEEP || s->kind == S_FUSED || s->kind == S_REDUCE; }

/* A prefetched read (pass_sched_vec): contiguous rows (the last array dimension runs along box
 * dimension B - 1, step 1) that every outer box dimension steps through along another array
 * dimension, so that a kernel's row pointer moves by a stride along each. */
static int prefetch_rows(const ir_view *v, int B)
{
    const int last = v->rank - 1;
    if (last < 0 || v->dim[last].kind != D_RANGE || v->dim[last].box != B - 1 || v->dim[last].wrap ||
        v->dim[last].step_c != 1)
        return 0;
    for (int k = 0; k < B - 1; k++) {
        int found = 0;
        for (int d = 0; d < last && !found; d++)
            found = v->dim[d].kind == D_RANGE && v->dim[d].box == k && !v->dim[d].wrap;
        if (!found)
            return 0;
    }
    return 1;
}

static void vblock(ir_program *p, vec *body, int top, int *kernels, char *seen)
{
    int done = p->sched->done;
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        ir_sched *h = s->sched;
        if (!(done & SCHED_IDS)) {
            CHECK(!h, "a schedule before pass_sched_ids");
        } else if (runs_kernel(s)) {
            CHECK(h, "a kernel statement without a schedule");
            CHECK(h->kernel >= 1 && h->kernel <= p->sched->nkernels && h->kernel == s->id,
                  "kernel number out of range");
            CHECK(!seen[h->kernel], "two statements with one kernel number");
            seen[h->kernel] = 1;
            (*kernels)++;
            if (done & SCHED_EXCHANGE)
                CHECK(h->exchange == (s->halo != NULL && s->halo->n > 0), "exchange without halo, or halo without exchange");
            CHECK(!h->split || h->exchange, "interior and edges without an exchange");
            CHECK(h->scratch >= SCR_NONE && h->scratch <= SCR_REPLACE, "scratch kind");
            CHECK(!h->alias_check || h->scratch != SCR_NONE, "alias check without a scratch");
            if (done & SCHED_PARTS) {
                CHECK(s->kind == S_REDUCE || h->split == (h->exchange && !h->wb), "an exchange without interior and edges");
                CHECK(s->kind != S_SWEEP || (h->scratch == SCR_NONE) == (s->mode == M_DIRECT), "scratch of a direct sweep");
                CHECK(s->kind != S_SWEEP || h->alias_check == (s->mode == M_CHECKED), "alias check of an unchecked sweep");
            }
            CHECK(s->kind != S_FUSED || (h->scratch == SCR_NONE && !h->alias_check), "fused group not direct");
            CHECK(s->kind != S_REDUCE || (h->scratch == SCR_NONE && !h->dirty && !h->split), "reduction with a target");
            int nt = s->kind == S_FUSED ? s->body.len : h->wb ? 2 : 1;
            CHECK(!h->wb_store || h->wb, "a value loop storing a write back without one");
            CHECK(h->ncarry >= 0 && h->ncarry <= SCHED_MAX_CARRY && (!h->ncarry || (h->roll && !h->wb_store)),
                  "values carried by a kernel that does not roll, or whose value loop stores its write back");
            CHECK(!h->wb_carry || (h->wb && h->ncarry), "a carried loop storing a write back without one");
            CHECK(!h->wb || (h->tiled && h->wb->kind == S_SWEEP && h->wb->sched->wb_into == h->kernel),
                  "a write back by a kernel that is not tiled, or of a sweep that does not name it");
            CHECK(!h->wb_into || (s->kind == S_SWEEP && !h->dirty && i > 0 && VEC_AT(*body, i - 1, ir_stmt *)->sched &&
                                  VEC_AT(*body, i - 1, ir_stmt *)->sched->wb == s),
                  "a copy done by a kernel that does not precede it");
            CHECK(nt >= 32 || h->dirty >> nt == 0, "dirty mark of no target");
            for (int j = 0; (done & SCHED_DIRTY) && s->kind != S_REDUCE && j < nt && j < 32; j++) {
                ir_stmt *w = s->kind == S_FUSED ? VEC_AT(s->body, j, ir_stmt *) : j ? h->wb : s;
                if (h->wb_into)
                    break; /* its marks are its writer's */
                CHECK(!(h->dirty >> j & 1) == !ir_slot_dist(w->target->arr), "dirty mark of a replicated array, or none of a distributed one");
            }
            CHECK(h->graph_period == 0 && h->ck == -1 && !h->progress && !h->time_tile, "loop facts on a kernel");
            if (done & SCHED_VEC)
                CHECK(h->simd == (s->kind != S_REDUCE && !p->sched->cuda), "simd on a reduction or a CUDA kernel");
            CHECK(!h->stream || (h->simd && h->point_bytes > 0 && h->stream_elem > 0 && h->scratch != SCR_BOX && (nt >= 32 || h->stream >> nt == 0)),
                  "stream mark of no target, of a scratch box, or without simd");
            CHECK(!h->tiled || (s->kind == S_SWEEP && s->stages.len && !p->sched->cuda), "a tiled kernel without stages");
            CHECK(!(h->tiled && h->stream), "a stream mark on a tiled kernel");
            CHECK(!h->roll || h->tiled, "stages rolled in a kernel that is not tiled");
            CHECK(!h->stream_vec || (h->stream == 1 && nt == 1),
                  "vector streamed stores without one streamed target");
            CHECK(!h->prefetch.len || (h->simd && (!h->tiled || (h->roll && h->prefetch_how == PF_ROWS)) && h->point_bytes > 0 && (ir_sched_box_rank(s) >= 3 || (ir_sched_box_rank(s) == 2 && h->stream))),
                  "prefetched rows in a kernel of rank under 3 without a streamed row, a tiled one not rolled, or without simd");
            CHECK(h->prefetch_loop.len == (h->roll ? h->prefetch.len : 0), "prefetched reads of a rolled kernel without their loops");
            CHECK(!h->prefetch.len == !h->prefetch_how, "prefetched reads without how, or how without reads");
            for (int j = 0; j < h->prefetch.len; j++)
                CHECK(prefetch_rows(VEC_AT(h->prefetch, j, ir_view *), ir_sched_box_rank(s)),
                      "a prefetched read whose rows are not contiguous or that an outer loop does not step through");
            CHECK(!(h->prefetch_how & PF_BLOCK) == !h->block_live &&
                      (!(h->prefetch_how & PF_BLOCK) || (ir_sched_box_rank(s) == 3 && !(h->prefetch_how & PF_ROWS))),
                  "row blocks without their live rows, outside a box of rank 3, or with rows prefetched ahead too");
        } else if (s->kind == S_FOR || s->kind == S_WHILE) {
            CHECK(h, "a loop without a schedule");
            CHECK(!h->simd && !h->stream, "simd or stream marks on a loop");
            CHECK(h->graph_period >= 0 && (!h->graph_period || (p->sched->cuda && s->kind == S_FOR)),
                  "a CUDA graph on a plain loop");
            CHECK(h->ck == -1 || (top && !h->graph_period && !s->made), "a checkpointed loop that is not a time loop");
            if (done & SCHED_STEPS)
                CHECK(h->ck >= 0 || !top || h->graph_period || s->made, "a time loop without step boundaries");
            CHECK(h->ck < p->sched->ck_loops.len && (h->ck < 0 || VEC_AT(p->sched->ck_loops, h->ck, ir_stmt *) == s),
                  "checkpointed loop number");
            CHECK(!h->progress || !h->graph_period, "a CUDA graph reporting progress");
            CHECK(!h->held.len || (h->ck < 0 && !p->sched->cuda && h->held_id > 0), "a hold on a time loop or a CUDA loop");
            for (int j = 0; j < h->held.len; j++)
                CHECK(ir_slot_dist(VEC_AT(h->held, j, ir_var *)), "a hold of a replicated slot");
            int prev = -1;
            for (int j = 0; j < h->live.len; j++) {
                int v = (int)(intptr_t)h->live.items[j];
                CHECK(v > prev && v < p->sched->vars.len, "live variable outside the table");
                prev = v;
            }
            CHECK(h->ck >= 0 || h->live.len == 0, "live variables of a loop without checkpoints");
            CHECK(h->time_tile == 0 || (h->time_tile >= 2 && s->kind == S_FOR && !p->sched->cuda &&
                                        !h->graph_period && !h->tt_note),
                  "a time tile on a loop that is not a time loop of the C target");
            CHECK(!h->tt_forced || h->time_tile >= 2, "a forced time tile of no steps");
            CHECK(h->time_tile ? h->tt_deep == h->time_tile || h->tt_deep == 2 * h->time_tile ||
                                     h->tt_deep == 4 * h->time_tile
                               : h->tt_deep == 0,
                  "time tile deep halos neither K, 2K nor 4K steps");
            CHECK(h->tt_radius >= -1, "time tile radius");
            if ((done & SCHED_TIMETILE) && h->time_tile) /* what the pass requires of the body */
                for (int j = 0; j < s->body.len; j++) {
                    ir_stmt *b = VEC_AT(s->body, j, ir_stmt *);
                    CHECK(b->kind == S_SWEEP || b->kind == S_FUSED || b->kind == S_BIND || b->kind == S_ASSIGN ||
                              b->kind == S_CHECK || b->kind == S_ROTATE,
                          "a time-tiled loop with a statement other than sweeps, renamings, assignments, checks");
                    CHECK(!(b->kind == S_SWEEP || b->kind == S_FUSED) || b->sched->scratch == SCR_NONE,
                          "a time-tiled loop with a sweep that does not write in place");
                    CHECK(!(b->kind == S_SWEEP || b->kind == S_FUSED) || (!b->sched->wb && !b->sched->wb_into),
                          "a time-tiled loop with a kernel that writes back");
                    CHECK(b->kind != S_BIND || !b->move, "a time-tiled loop that moves a buffer");
                }
        } else {
            CHECK(!h, "a schedule on a statement that neither loops nor runs a kernel");
        }
        if (s->kind != S_FUSED)
            vblock(p, &s->body, 0, kernels, seen);
        vblock(p, &s->orelse, 0, kernels, seen);
    }
}

void ir_sched_verify(ir_program *p, const char *after_pass)
{
    pass_name = after_pass;
    int kernels = 0;
    char *seen = NEWN(char, p->sched->nkernels + 2);
    vblock(p, &p->body, 1, &kernels, seen);
    ir_stmt none = {0}, *s = &none; /* program-wide checks name line 0 */
    CHECK(kernels == p->sched->nkernels, "kernel count");
    for (int i = 1; i < p->sched->vars.len; i++)
        CHECK(VEC_AT(p->sched->vars, i - 1, ir_var *)->id < VEC_AT(p->sched->vars, i, ir_var *)->id,
              "variable table not in id order");
    vec *parts = &p->sched->parts;
    CHECK((p->sched->done & SCHED_SPLIT) || !parts->len, "parts before pass_sched_split");
    for (int k = 0; k < parts->len; k++) { /* the first part begins main(), each one statement or more */
        intptr_t at = (intptr_t)parts->items[k];
        CHECK(parts->len >= 2 && (k ? at > (intptr_t)parts->items[k - 1] : at == 0) && at < p->body.len,
              "parts of main() out of order");
    }
}

void ir_sched_print_part(ir_program *p, int i, FILE *o)
{
    vec *parts = &p->sched->parts;
    for (int k = 0; k < parts->len; k++)
        if ((intptr_t)parts->items[k] == i)
            fprintf(o, "# sched part %d of %d of main(): tyl_main_%d\n", k + 1, parts->len, k + 1);
}

/* ---- printer ---- */

static const char *target_name(ir_stmt *s, int j)
{
    ir_stmt *w = s->kind == S_FUSED ? VEC_AT(s->body, j, ir_stmt *) : j ? s->sched->wb : s;
    return w->target->arr->name;
}

void ir_sched_print(ir_program *p, ir_stmt *s, int ind, FILE *o)
{
    ir_sched *h = s->sched;
    if (!h)
        return;
    fprintf(o, "%*s# sched", ind * 2, "");
    if (runs_kernel(s)) {
        fprintf(o, " kernel %d", h->kernel);
        if (h->exchange)
            fprintf(o, h->split ? ", exchange begin; interior; exchange end; edges" : ", exchange begin; exchange end; box");
        else
            fprintf(o, ", no exchange; box");
        if (h->scratch == SCR_BOX)
            fprintf(o, ", %sinto a scratch box, copied", h->alias_check ? "if aliased " : "");
        else if (h->scratch == SCR_REPLACE)
            fprintf(o, ", %sinto a new buffer that replaces the target", h->alias_check ? "if aliased " : "");
        if (h->tiled && h->roll) {
            fprintf(o, ", tiled: stages rolled along dimension 0:");
            int L = ir_sched_box_rank(s) - 1;
            for (int k = 0; k < s->stages.len; k++) {
                ir_stage *st = VEC_AT(s->stages, k, ir_stage *);
                fprintf(o, "%s %s %lld row%s (per tile a ring of", k ? "," : "", st->slot->pyname,
                        (long long)st->spread[0] + 1, st->spread[0] ? "s" : "");
                for (int d = 0; d < L; d++)
                    fprintf(o, " %lld", (long long)st->spread[d]);
                fprintf(o, ")");
            }
        } else if (h->tiled)
            fprintf(o, ", tiled: stages per tile");
        else if (s->stages.len)
            fprintf(o, ", stages inlined");
        if (h->wb) {
            fprintf(o, ", writes back %s per tile: lag", h->wb->target->arr->name);
            for (int d = 0; d < ir_sched_box_rank(s); d++)
                fprintf(o, " %d", h->wb_lag[d]);
            fprintf(o, ", %d row%s ahead", h->wb_ahead, h->wb_ahead == 1 ? "" : "s");
            if (h->wb_store)
                fprintf(o, ", stored by the value loop");
            else
                fprintf(o, ", copied %d row%s behind the value loop%s", h->wb_rows, h->wb_rows == 1 ? "" : "s",
                        h->wb_carry ? ", the carried loop stores it" : "");
        }
        if (h->wb_into)
            fprintf(o, ", copy done by kernel %d", h->wb_into);
        if (h->dirty) {
            fprintf(o, ", dirty");
            for (int j = 0; j < 32; j++)
                if (h->dirty >> j & 1)
                    fprintf(o, " %s", target_name(s, j));
        }
        if (h->simd) { /* a line of its own: the '# sched' lines stay as they were */
            fprintf(o, "\n%*s# vec simd inner loop", ind * 2, "");
            if (h->stream) {
                fprintf(o, ", %d bytes a point; large: stream", h->point_bytes);
                for (int j = 0; j < 32; j++)
                    if (h->stream >> j & 1)
                        fprintf(o, " %s", target_name(s, j));
                if (h->stream_vec)
                    fprintf(o, " from vector registers");
            }
            if (h->prefetch.len) {
                fprintf(o, "; large: %s of", h->prefetch_how & PF_BLOCK ? "blocks of rows, prefetch planes" : "prefetch rows");
                for (int j = 0; j < h->prefetch.len; j++) {
                    fprintf(o, " %s", VEC_AT(h->prefetch, j, ir_view *)->arr->name);
                    if (h->roll) { /* which row loop prefetches it */
                        int l = (int)(intptr_t)VEC_AT(h->prefetch_loop, j, void *);
                        fprintf(o, " (%s's rows)", l ? VEC_AT(s->stages, l - 1, ir_stage *)->slot->pyname : "the value");
                    }
                }
                if (h->prefetch_how & PF_BLOCK)
                    fprintf(o, ", %d rows live", h->block_live);
            }
        }
    } else {
        fprintf(o, " loop");
        if (h->graph_period)
            fprintf(o, ", CUDA graph of %d iteration%s", h->graph_period, h->graph_period == 1 ? "" : "s");
        if (h->progress)
            fprintf(o, ", progress");
        if (h->rows_once)
            fprintf(o, ", row sums gathered once");
        if (h->held.len) {
            fprintf(o, ", elements of");
            for (int j = 0; j < h->held.len; j++)
                fprintf(o, " %s", VEC_AT(h->held, j, ir_var *)->name);
            fprintf(o, " gathered once (holds from %d)", h->held_id);
        }
        if (h->ck >= 0) {
            fprintf(o, ", time loop %d: step boundaries, live", h->ck);
            for (int j = 0; j < h->live.len; j++)
                fprintf(o, " %s", VEC_AT(p->sched->vars, (int)(intptr_t)h->live.items[j], ir_var *)->name);
        }
        if (h->time_tile) {
            fprintf(o, "; time tile %d steps (%s%s%s), radius ", h->time_tile, h->tt_forced ? "--time-tile" : "automatic",
                    h->tt_model ? ": " : "", h->tt_model ? h->tt_model : "");
            if (h->tt_radius >= 0)
                fprintf(o, "%d", h->tt_radius);
            else
                fprintf(o, "at run time");
            if (h->ck >= 0)
                fprintf(o, ", step boundaries every %d steps", h->time_tile);
            else /* nested in a time loop: its steps are no checkpoint's boundaries */
                fprintf(o, ", nested");
            fprintf(o, "; deep halos of %d steps on several ranks", h->tt_deep);
        } else if (h->tt_note)
            fprintf(o, "; step by step: %s", h->tt_note);
    }
    fputc('\n', o);
}
