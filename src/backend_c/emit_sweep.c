/* emit_sweep.c: sweeps and reductions in the host program (emit_internal.h).
 *
 * Requires: the schedule (pass_sched_*). Each kernel statement becomes, before main(), its
 * kernel (the target's), a function that calls it for one part of the box from a tyl_part, and
 * a static descriptor (tyl_sweep or tyl_reduction, tyles.h) naming the kernel, its operands
 * (which array, which box dimension each array dimension follows, constant offsets and steps),
 * its halo exchanges and interior margins, its scratch and its dirty marks, the values of x[]
 * that follow from constants and the arrays' extents (slice bounds such as 1:-1: tyl_xslice
 * rows); and in main() one call, tyl_sweep_run or tyl_reduce_run, which does the host-side work
 * (tyl_sweep.c), with the arrays and scalars from tables at the top of main() and, in a block,
 * the values only the run knows (extents, offsets from variables) and scalar expressions.
 */
#include "emit_internal.h"
#include "../ir/sched.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The operands of a sweep's kernel (its targets, then its reads) and what tyl_sweep_run is
 * handed for them: the arrays (slots, each once), and the run-time values x[] (the box extents,
 * then each lo, step and periodic extent not known at compile time), as C text. */
typedef struct splan {
    vec arrs;      /* ir_var*: the slots, in order of first use */
    vec x;         /* const char*: C expressions of the values (NULL: a row of xs) */
    strbuf ops;    /* the tyl_operand table's rows */
    int statics;   /* a sweep: values from constants and extents go to the descriptor's rows */
    const ir_stmt *s;
    vec xkey;      /* const char*: per row of xs, what it computes (equal values appear once) */
    vec xkpos;     /* and its position in x[] (intptr_t) */
    strbuf xs;     /* the tyl_xslice table's rows */
} splan;

static int plan_arr(splan *pl, ir_var *v)
{
    for (int i = 0; i < pl->arrs.len; i++)
        if (VEC_AT(pl->arrs, i, ir_var *) == v)
            return i;
    vec_push(&pl->arrs, v);
    return pl->arrs.len - 1;
}

static int plan_arr_find(const splan *pl, const ir_var *v)
{
    for (int i = 0; i < pl->arrs.len; i++)
        if (VEC_AT(pl->arrs, i, ir_var *) == v)
            return i;
    return -1;
}

/* The position in x[] of value e: a row of the descriptor's xs table when e is an extent, a
 * slice bound or a constant index over the extent of one of the sweep's arrays (tyl_slo, tyl_slen,
 * tyl_index with constant arguments, a non-zero step: the run time computes it with the same
 * checks), shared with an equal row; otherwise a value the call passes. */
static int plan_x(splan *pl, ir_expr *e)
{
    int64_t a[4] = {0};
    const int ext = e->kind == E_SHAPE; /* an extent itself */
    ir_expr *n = ext ? e : e->kind == E_CALL ? e->args[0] : NULL;
    int arr = -1, ok = pl->statics &&
                       (ext || (e->kind == E_CALL && (e->fn == FN_SLICE_LO || e->fn == FN_SLICE_LEN || e->fn == FN_INDEX))) &&
                       n->kind == E_SHAPE && (arr = plan_arr_find(pl, n->var)) >= 0;
    int na = ext ? 0 : e->fn == FN_INDEX ? 2 : 4;
    for (int i = 0; ok && i < na; i++)
        ok = ir_expr_const_int(e->args[i + 1], &a[i]);
    if (ok && !ext && e->fn != FN_INDEX)
        ok = a[2] != 0; /* a zero step stays the call's: its error names its own line */
    if (ok && !ext && e->fn == FN_INDEX) /* the error names the sweep's statement */
        ok = strcmp(emit_W(e->l), emit_W(pl->s->l)) == 0;
    if (!ok) {
        vec_push(&pl->x, (void *)emit_S(e));
        return pl->x.len - 1;
    }
    const char *kind = ext ? "TYL_XS_EXTENT" : e->fn == FN_SLICE_LO ? "TYL_XS_LO" : e->fn == FN_SLICE_LEN ? "TYL_XS_LEN" : "TYL_XS_INDEX";
    const char *key = arena_printf(&util_arena, "%s, %d, %d, %" PRId64 ", %" PRId64 ", %" PRId64 ", %" PRId64,
                                   kind, arr, n->dim, a[0], a[1], a[2], a[3]);
    for (int i = 0; i < pl->xkey.len; i++)
        if (strcmp(VEC_AT(pl->xkey, i, const char *), key) == 0)
            return (int)VEC_AT(pl->xkpos, i, intptr_t);
    vec_push(&pl->x, NULL);
    vec_push(&pl->xkey, (void *)key);
    vec_push(&pl->xkpos, (void *)(intptr_t)(pl->x.len - 1));
    sb_printf(&pl->xs, "    {%d, %s}, /* %s */\n", pl->x.len - 1, key, VEC_AT(pl->arrs, arr, ir_var *)->name);
    return pl->x.len - 1;
}

/* A value of the operand table: the constant, or its position in x[] (bit d of *mask set). */
static int64_t plan_val(splan *pl, ir_expr *e, unsigned *mask, int d)
{
    int64_t k;
    if (ir_expr_const_int(e, &k))
        return k;
    *mask |= 1u << d;
    return plan_x(pl, e);
}

static void plan_operand(splan *pl, ir_view *v)
{
    int64_t lo[IR_MAX_RANK] = {0}, st[IR_MAX_RANK] = {0};
    int ext[IR_MAX_RANK] = {0};
    unsigned xlo = 0, xst = 0, wrap = 0;
    int arr = plan_arr(pl, v->arr); /* before its values, which may be its extents */
    for (int d = 0; d < v->rank; d++) {
        const ir_dim *m = &v->dim[d];
        lo[d] = plan_val(pl, m->lo, &xlo, d);
        if (m->kind == D_RANGE && m->box >= 0)
            st[d] = plan_val(pl, m->step, &xst, d);
        if (m->kind == D_RANGE && m->wrap) {
            wrap |= 1u << d;
            ext[d] = plan_x(pl, m->wrap);
        }
    }
    strbuf *b = &pl->ops;
    sb_printf(b, "    {%d, {", arr);
    for (int d = 0; d < v->rank; d++)
        sb_printf(b, "%s%s", d ? ", " : "",
                  v->dim[d].kind == D_FIXED ? "TYL_FIXED" : v->dim[d].box < 0 ? "TYL_BCAST"
                                                          : arena_printf(&util_arena, "%d", v->dim[d].box));
    sb_puts(b, "}, {");
    for (int d = 0; d < v->rank; d++)
        sb_printf(b, "%s%" PRId64, d ? ", " : "", lo[d]);
    sb_puts(b, "}, {");
    for (int d = 0; d < v->rank; d++)
        sb_printf(b, "%s%" PRId64, d ? ", " : "", st[d]);
    sb_printf(b, "}, 0x%xu, 0x%xu, 0x%xu, {", xlo, xst, wrap);
    for (int d = 0; d < v->rank; d++)
        sb_printf(b, "%s%d", d ? ", " : "", ext[d]);
    sb_printf(b, "}}, /* %s */\n", v->arr->name);
}

/* The kernel's arguments from the part, after the row range of a k->rows kernel; nl breaks
 * the lines. */
static void adapter_args(FILE *o, ir_stmt *s, kctx *k, const char *nl)
{
    int B = k->B, n = 0;
    if (k->rows) {
        fprintf(o, "tyl_lo, tyl_hi");
        n++;
    }
    for (int d = 0; d < B; d++)
        fprintf(o, "%styl_n%d", n++ ? ", " : "", d);
    for (int d = 0; k->uses_index && d < B; d++)
        fprintf(o, "%sq->o[%d]", n++ ? ", " : "", d);
    for (int j = 0; j < k->nt; j++) {
        ir_view *t = k->sw[j]->target;
        fprintf(o, "%s(%s *)q->p[%d]", n++ ? nl : "", ir_type_c(t->arr->type), j);
        for (int d = 0; d < B; d++)
            if (emit_static_stride(t, d) != 1)
                fprintf(o, ", q->s[%d][%d]", j, d);
    }
    for (int i = 0; i < k->reads.len; i++) {
        ir_view *v = VEC_AT(k->reads, i, ir_view *);
        int op = k->nt + i;
        fprintf(o, "%s(const %s *)q->p[%d]", n++ ? nl : "", ir_type_c(v->arr->type), op);
        for (int d = 0; d < B; d++) {
            int st = emit_static_stride(v, d);
            if (st == -1)
                fprintf(o, ", q->s[%d][%d]", op, d);
            else if (st == -2)
                fprintf(o, ", q->w[%d][%d][0], q->w[%d][%d][1], q->w[%d][%d][2], q->w[%d][%d][3]", op, d, op, d,
                        op, d, op, d);
        }
    }
    for (int i = 0; i < k->scalars.len; i++)
        fprintf(o, ", *(const %s *)q->sc[%d]", ir_type_c(VEC_AT(k->scalars, i, ir_expr *)->type), i);
    if (!k->nt)
        fprintf(o, ", (%s *)q->red", ir_type_c(s->var->type));
    if (emit_red_sel(s, k))
        fprintf(o, ", q->sel");
}

/* The function tyl_sweep_run calls for each part: the kernel's arguments from the part. A
 * k->rows kernel (emit_c.c) gets the rows of its thread in a parallel region, or all of them
 * outside any region when the part is small. */
static void emit_sweep_adapter(ectx *c, FILE *o, ir_stmt *s, kctx *k)
{
    int B = k->B;
    fprintf(o, "static void tyl_run%d(const tyl_part *q)\n{\n", s->id);
    if (B) {
        fprintf(o, "    const int64_t ");
        for (int d = 0; d < B; d++)
            fprintf(o, "%styl_n%d = q->n[%d]", d ? ", " : "", d, d);
        fprintf(o, ";\n");
    }
    if (k->rows) {
        fprintf(o, "    if (");
        for (int d = 0; d < B; d++)
            fprintf(o, "%styl_n%d", d ? " * " : "", d);
        fprintf(o, " <= TYL_PAR_MIN) {\n        const int64_t tyl_lo = 0, tyl_hi = tyl_n0;\n        tyl_k%d(", s->id);
        adapter_args(o, s, k, ",\n            ");
        fprintf(o, ");\n        return;\n    }\n");
        fprintf(o, "    #pragma omp parallel\n    {\n        int64_t tyl_lo, tyl_hi;\n");
        fprintf(o, "        tyl_omp_rows(tyl_n0, &tyl_lo, &tyl_hi);\n        tyl_k%d(", s->id);
        adapter_args(o, s, k, ",\n            ");
        fprintf(o, ");\n    }\n}\n\n");
        return;
    }
    if (!k->nt && c->t->cuda) /* a reduction: one partial result per block */
        fprintf(o, "    tyl_k%d<<<(unsigned)q->nred, 256, 0, tyl_cuda_stream()>>>", s->id);
    else if (!k->nt)
        fprintf(o, "    tyl_k%d", s->id);
    else
        c->t->launch(o, 1, s, k);
    fputc('(', o);
    /* CUDA launches sit in an if */
    adapter_args(o, s, k, c->t->cuda ? ",\n            " : ",\n        ");
    fprintf(o, ");\n}\n\n");
}

/* A kernel and its adapter, printed for statement id as text, with that id in their names (tyl_kN,
 * tyl_runN) replaced by '#': two statements whose texts are then equal share the functions. */
static char *kernel_key(const char *text, int id)
{
    char num[24];
    int nl = snprintf(num, sizeof num, "%d", id);
    strbuf b = {0};
    for (const char *p = text; *p;) {
        size_t w = strncmp(p, "tyl_k", 5) == 0 ? 5 : strncmp(p, "tyl_run", 7) == 0 ? 7 : 0;
        if (w && (p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_')) &&
            strncmp(p + w, num, (size_t)nl) == 0 && !isdigit((unsigned char)p[w + nl])) {
            for (size_t i = 0; i < w; i++)
                sb_putc(&b, p[i]);
            sb_putc(&b, '#');
            p += w + (size_t)nl;
        } else
            sb_putc(&b, *p++);
    }
    char *key = arena_strdup(&util_arena, b.s ? b.s : "");
    sb_free(&b);
    return key;
}

/* Writes a kernel and its adapter (text, printed for statement id) before main(), unless the
 * same functions were written for an earlier statement: the same line of a function inlined at
 * several call sites, or of a loop over a list unrolled, makes the same kernel, and the generated
 * file has it once. Returns the id whose tyl_runN the descriptor names. */
static int emit_kernel_once(ectx *c, const char *text, int id)
{
    char *key = kernel_key(text, id);
    uintptr_t h = (uintptr_t)util_hash(UTIL_HASH_INIT, key, strlen(key)); /* compared first */
    for (int i = 0; i < c->kernels.len; i += 3)
        if ((uintptr_t)VEC_AT(c->kernels, i + 2, uintptr_t) == h && strcmp(VEC_AT(c->kernels, i, char *), key) == 0)
            return (int)(intptr_t)VEC_AT(c->kernels, i + 1, intptr_t);
    vec_push(&c->kernels, key);
    vec_push(&c->kernels, (void *)(intptr_t)id);
    vec_push(&c->kernels, (void *)h);
    fputs(text, c->kf);
    return id;
}

/* The halo exchanges of a sweep or reduction: arrays (positions in its arrays) and zones. */
static void emit_exchanges(FILE *kf, ir_stmt *s, ir_halo *hl, const int *hx)
{
    if (!hl)
        return;
    fprintf(kf, "static const tyl_exchange tyl_hx%d[] = {", s->id);
    for (int i = 0; i < hl->n; i++) { /* the words of zone bits the array's rank has */
        fprintf(kf, "%s{%d, {", i ? ", " : "", hx[i]);
        for (int w = 0; w < TYL_ZONE_WORDS_OF(hl->slot[i]->rank); w++)
            fprintf(kf, "%s0x%llxull", w ? ", " : "", (unsigned long long)hl->zones[i][w]);
        fprintf(kf, "}}");
    }
    fprintf(kf, "};\n");
}

/* The values a call passes, several a line up to about 100 columns. */
/* Where a statement's kernel is printed: into *text the first time (the stream sets *text and
 * *len at fflush and fclose, so both live in the caller until kernel_close), into the sink when the statement is
 * emitted again (a captured loop body and its plain form keep one kernel). */
static FILE *kernel_open(ectx *c, int first, char **text, size_t *len)
{
    FILE *kf = first ? open_memstream(text, len) : c->sink;
    if (!kf)
        util_syserr("cannot print a kernel: %s", strerror(errno));
    return kf;
}

/* After the kernel: its adapter, the two printed unless an equal pair was (emit_kernel_once),
 * and *kf the file the descriptor goes to. Returns the id whose kernel and adapter the
 * descriptor names. */
static int kernel_close(ectx *c, FILE **kf, int first, char **text, ir_stmt *s, kctx *k)
{
    if (!first)
        return s->id;
    emit_sweep_adapter(c, *kf, s, k);
    fclose(*kf); /* sets *text */
    int kid = emit_kernel_once(c, *text, s->id);
    free(*text);
    *kf = c->kf;
    return kid;
}

static void emit_values(ectx *c, int ind, splan *pl, int nx)
{
    emit_put(c, ind + 1, "const int64_t tyl_x[] = {");
    int col = (ind + 1) * 4 + 25;
    for (int i = 0, n = 0; i < pl->x.len; i++) {
        const char *x = VEC_AT(pl->x, i, const char *);
        if (!x)
            continue;
        int w = (int)strlen(x) + 2;
        if (n && col + w > 100) {
            fprintf(c->o, ",\n%*s", (ind + 2) * 4, "");
            col = (ind + 2) * 4;
        } else if (n)
            fprintf(c->o, ", ");
        n++;
        fprintf(c->o, "%s", x);
        col += w;
    }
    fprintf(c->o, "%s};\n", nx ? "" : "0");
}

static int in_vars(const vec *vs, const ir_var *v)
{
    for (int i = 0; i < vs->len; i++)
        if (VEC_AT(*vs, i, ir_var *) == v)
            return 1;
    return 0;
}

/* The arrays and scalars of a call can be tables at the top of main() (c->hoist) when they are
 * all main()'s variables: their addresses do not change. */
static int hoistable(ectx *c, splan *pl, kctx *k)
{
    if (!c->hoist)
        return 0;
    for (int i = 0; i < pl->arrs.len; i++)
        if (!in_vars(&c->p->sched->vars, VEC_AT(pl->arrs, i, ir_var *)))
            return 0;
    for (int i = 0; i < k->scalars.len; i++) {
        ir_expr *e = VEC_AT(k->scalars, i, ir_expr *);
        if (e->kind != E_VAR || (!in_vars(&c->p->sched->vars, e->var) && !in_vars(&c->p->params, e->var)))
            return 0;
    }
    return 1;
}

static void print_arrays(strbuf *b, splan *pl)
{
    for (int i = 0; i < pl->arrs.len; i++)
        sb_printf(b, "%s&%s", i ? ", " : "", VEC_AT(pl->arrs, i, ir_var *)->name);
}

static void print_scalars(strbuf *b, kctx *k)
{
    for (int i = 0; i < k->scalars.len; i++) {
        ir_expr *e = VEC_AT(k->scalars, i, ir_expr *);
        if (e->kind == E_VAR)
            sb_printf(b, "%s&%s", i ? ", " : "", e->var->name);
        else
            sb_printf(b, "%s&tyl_s%d", i ? ", " : "", i + 1);
    }
}

/* In main(): a sweep's or reduction's call, given as "tyl_sweep_run(&tyl_swN, %s, %s, %s" plus
 * its end: with the arrays and scalars tables at the top of main() (hoistable) and no values
 * to pass, one line; otherwise a block with the arrays, the values, the scalars (a variable by
 * its address, an expression evaluated once here). */
static void emit_run_call(ectx *c, int ind, ir_stmt *s, splan *pl, kctx *k, const char *call, const char *end)
{
    int nx = 0;
    for (int i = 0; i < pl->x.len; i++)
        nx += VEC_AT(pl->x, i, const char *) != NULL;
    const char *xarg = nx || !pl->statics ? "tyl_x" : "NULL";
    if (hoistable(c, pl, k)) {
        int done = 0;
        for (int i = 0; i < c->hoisted.len; i++)
            done |= (int)(intptr_t)VEC_AT(c->hoisted, i, intptr_t) == s->id;
        if (!done) { /* a statement printed twice has its tables once */
            vec_push(&c->hoisted, (void *)(intptr_t)s->id);
            sb_printf(c->hoist, "%styl_array **const tyl_a%d[] = {", c->hoist_decl, s->id);
            print_arrays(c->hoist, pl);
            sb_puts(c->hoist, "};\n");
            if (k->scalars.len) {
                sb_printf(c->hoist, "%sconst void *const tyl_sc%d[] = {", c->hoist_decl, s->id);
                print_scalars(c->hoist, k);
                sb_puts(c->hoist, "};\n");
            }
        }
        const char *a = arena_printf(&util_arena, "tyl_a%d", s->id);
        const char *sc = k->scalars.len ? arena_printf(&util_arena, "tyl_sc%d", s->id) : "NULL";
        if (!nx && pl->statics) {
            emit_hline(c, ind, s->l);
            fprintf(c->o, "%*s", ind * 4, "");
            fprintf(c->o, call, a, xarg, sc);
            fprintf(c->o, "%s", end);
            return;
        }
        emit_put(c, ind, "{\n");
        emit_hline(c, ind, s->l);
        emit_values(c, ind, pl, nx);
        fprintf(c->o, "%*s", (ind + 1) * 4, "");
        fprintf(c->o, call, a, xarg, sc);
        fprintf(c->o, "%s", end);
        emit_put(c, ind, "}\n");
        return;
    }
    emit_put(c, ind, "{\n");
    emit_hline(c, ind, s->l);
    strbuf b = {0};
    print_arrays(&b, pl);
    emit_put(c, ind + 1, "tyl_array **const tyl_a[] = {%s};\n", b.s ? b.s : "");
    sb_free(&b);
    if (nx || !pl->statics)
        emit_values(c, ind, pl, nx);
    for (int i = 0; i < k->scalars.len; i++) {
        ir_expr *e = VEC_AT(k->scalars, i, ir_expr *);
        if (e->kind != E_VAR)
            emit_put(c, ind + 1, "const %s tyl_s%d = %s;\n", ir_type_c(e->type), i + 1, emit_S(e));
    }
    if (k->scalars.len) {
        strbuf q = {0};
        print_scalars(&q, k);
        emit_put(c, ind + 1, "const void *const tyl_sc[] = {%s};\n", q.s);
        sb_free(&q);
    }
    fprintf(c->o, "%*s", (ind + 1) * 4, "");
    fprintf(c->o, call, "tyl_a", xarg, k->scalars.len ? "tyl_sc" : "NULL");
    fprintf(c->o, "%s", end);
    emit_put(c, ind, "}\n");
}

/* A sweep or fused group: its kernel, the function that runs one part of it and its descriptor
 * before main() (once), and in main() the arrays, values and scalars it takes and one call. */
void emit_sweep(ectx *c, int ind, ir_stmt *s)
{
    kctx k = {0};
    k.s = s;
    ir_sched *h = s->sched;
    if (h->wb_into) { /* the kernel before it copies as it goes (pass_sched_writeback) */
        emit_put(c, ind, "/* %s: done by tyl_k%d as it went */\n", emit_source_line(s->l.line), h->wb_into);
        return;
    }
    if (s->kind == S_FUSED) {
        for (int j = 0; j < s->body.len && j < EMIT_MAX_TARGETS; j++)
            k.sw[k.nt++] = VEC_AT(s->body, j, ir_stmt *);
        UTIL_ASSERT(k.nt == s->body.len);
    } else {
        k.sw[k.nt++] = s;
        if (h->wb)
            k.sw[k.nt++] = h->wb;
    }
    k.B = k.sw[0]->target->vrank;
    k.restrict_ok = !h->alias_check && !(s->kind == S_FUSED && s->aliased);
    k.w_reads = h->scratch == SCR_NONE;
    k.cuda = c->t->cuda;
    k.simd = h->simd;
    k.stream = h->stream;
    k.point_bytes = h->point_bytes;
    k.stream_elem = h->stream_elem;
    k.stream_vec = h->stream_vec;
    k.prefetch = &h->prefetch;
    k.prefetch_how = h->prefetch_how;
    k.block_live = h->block_live;
    int first = !c->written[h->kernel];
    c->written[h->kernel] = 1;
    /* a statement emitted twice (a captured loop body and its plain form) keeps one kernel */
    char *text = NULL;
    size_t text_len = 0;
    FILE *kf = kernel_open(c, first, &text, &text_len);
    if (h->tiled)
        emit_c_tiled_kernel(kf, s, &k);
    else
        c->t->kernel(kf, s, &k);
    int kid = kernel_close(c, &kf, first, &text, s, &k); /* whose kernel and adapter the descriptor names */

    ir_view *t = k.sw[0]->target;
    int B = k.B;
    splan pl = {0};
    pl.statics = 1;
    pl.s = s;
    for (int j = 0; j < k.nt; j++) /* the targets' arrays first, as their operands would */
        plan_arr(&pl, k.sw[j]->target->arr);
    for (int d = 0; d < t->rank; d++) /* the box extents come first */
        if (t->dim[d].kind == D_RANGE)
            plan_x(&pl, t->dim[d].len);
    UTIL_ASSERT(pl.x.len == B);
    for (int j = 0; j < k.nt; j++)
        plan_operand(&pl, k.sw[j]->target);
    for (int i = 0; i < k.reads.len; i++)
        plan_operand(&pl, VEC_AT(k.reads, i, ir_view *));
    ir_halo *hl = h->exchange ? s->halo : NULL;
    int *hx = hl ? NEWN(int, hl->n) : NULL;
    for (int i = 0; hl && i < hl->n; i++)
        hx[i] = plan_arr(&pl, hl->slot[i]);

    if (first) {
        fprintf(kf, "static const tyl_operand tyl_op%d[] = { /* arr, box dims, lo, step, x_lo, x_step, wrap, ext */\n%s};\n",
                s->id, pl.ops.s);
        emit_exchanges(kf, s, hl, hx);
        if (k.reach) {
            fprintf(kf, "static const int tyl_rc%d[][TYL_MAX_RANK] = { /* per operand: points read past the box */\n", s->id);
            for (int i = -k.nt; i < k.reads.len; i++) {
                fprintf(kf, "    {");
                for (int d = 0; d < B; d++)
                    fprintf(kf, "%s%d", d ? ", " : "", i < 0 ? 0 : k.reach[i][d]);
                fprintf(kf, "%s},\n", B ? "" : "0");
            }
            fprintf(kf, "};\n");
        }
        if (k.scalars.len) {
            fprintf(kf, "static const unsigned char tyl_scz%d[] = {", s->id);
            for (int i = 0; i < k.scalars.len; i++)
                fprintf(kf, "%ssizeof(%s)", i ? ", " : "", ir_type_c(VEC_AT(k.scalars, i, ir_expr *)->type));
            fprintf(kf, "};\n");
        }
        if (pl.xs.len)
            fprintf(kf, "static const tyl_xslice tyl_xs%d[] = { /* x[pos]: kind, of arrs[arr]->shape[dim], start, stop, step, flags */\n%s};\n",
                    s->id, pl.xs.s);
        static const char *scr[] = {"TYL_SCR_NONE", "TYL_SCR_BOX", "TYL_SCR_REPLACE"};
        fprintf(kf, "static const tyl_sweep tyl_sw%d = {\n", s->id);
        fprintf(kf, "    %s, tyl_run%d, %d, %d, %d, tyl_op%d, /* where, kernel, box rank, targets, operands */\n",
                emit_W(s->l), kid, B, k.nt, k.nt + k.reads.len, s->id);
        fprintf(kf, "    %s, %d, 0x%xu, /* scratch, alias check, dirty targets */\n", scr[h->scratch], h->alias_check,
                h->dirty);
        fprintf(kf, "    %d, %s, {", hl ? hl->n : 0, hl ? arena_printf(&util_arena, "tyl_hx%d", s->id) : "NULL");
        for (int d = 0; d < B; d++)
            fprintf(kf, "%s%d", d ? ", " : "", h->split ? hl->shl[d] : 0);
        fprintf(kf, "%s}, {", B ? "" : "0");
        for (int d = 0; d < B; d++)
            fprintf(kf, "%s%d", d ? ", " : "", h->split ? hl->shh[d] : 0);
        fprintf(kf, "%s}, /* halo exchanges, interior margins */\n", B ? "" : "0");
        fprintf(kf, "    %d, %d, %d, %s, /* arrays, values, scalars, their sizes (tyl_timetile.c) */\n",
                pl.arrs.len, pl.x.len, k.scalars.len, k.scalars.len ? arena_printf(&util_arena, "tyl_scz%d", s->id) : "NULL");
        fprintf(kf, "    %d, %s, %s, /* values from constant bounds, reads past the box */\n", pl.xkey.len,
                pl.xs.len ? arena_printf(&util_arena, "tyl_xs%d", s->id) : "NULL",
                k.reach ? arena_printf(&util_arena, "tyl_rc%d", s->id) : "NULL");
        /* Targets whose old values no expression of the kernel reads. An in-place update
         * (u[1:] = u[1:] + ..., u[1:] += ...) reads its target through the target's own
         * pointer, not through a read operand, so the run time cannot see it: without this
         * bit the exchange before a time-tiled group took such a target as written before it
         * is read and sent only its global boundary (tests/programs/timetile_inplace_stagger.tyl).
         * A tiled kernel's e has its stages inlined (ir.h), so it shows their reads too; a
         * write-back (never in a time-tiled loop) is never marked. */
        unsigned wonly = 0;
        for (int j = 0; j < k.nt && !h->wb; j++) {
            int read = 0;
            for (int i = 0; i < k.nt; i++)
                read |= ir_expr_reads_slot(k.sw[i]->e, k.sw[j]->target->arr);
            wonly |= read ? 0u : 1u << j;
        }
        fprintf(kf, "    %d, /* the local box in one part (the kernel writes back what it reads) */\n", h->wb != NULL);
        fprintf(kf, "    0x%xu, /* targets whose old values the kernel never reads */\n};\n\n", wonly);
    }

    emit_run_call(c, ind, s, &pl, &k, arena_printf(&util_arena, "tyl_sweep_run(&tyl_sw%d, %%s, %%s, %%s", s->id), ");\n");
    sb_free(&pl.ops);
    sb_free(&pl.xs);
}

/* var = reduction: partial results from the kernel, combined here in a fixed order. */
void emit_reduce(ectx *c, int ind, ir_stmt *s)
{
    kctx k = {0};
    k.s = s;
    k.B = s->n;
    k.restrict_ok = 1;
    k.cuda = c->t->cuda;
    int first = !c->written[s->sched->kernel];
    c->written[s->sched->kernel] = 1;
    char *text = NULL;
    size_t text_len = 0;
    FILE *kf = kernel_open(c, first, &text, &text_len);
    c->t->reduce_kernel(kf, s, &k);
    int kid = kernel_close(c, &kf, first, &text, s, &k);
    splan pl = {0};
    for (int d = 0; d < k.B; d++) /* the box extents come first */
        vec_push(&pl.x, (void *)emit_S(s->shape[d]));
    for (int i = 0; i < k.reads.len; i++)
        plan_operand(&pl, VEC_AT(k.reads, i, ir_view *));
    strbuf reads = pl.ops;
    pl.ops = (strbuf){0};
    if (s->anchor)
        plan_operand(&pl, s->anchor);
    ir_halo *hl = s->sched->exchange ? s->halo : NULL;
    int *hx = hl ? NEWN(int, hl->n) : NULL;
    for (int i = 0; hl && i < hl->n; i++)
        hx[i] = plan_arr(&pl, hl->slot[i]);
    if (first) {
        fprintf(kf, "static const tyl_operand tyl_op%d[] = { /* arr, box dims, lo, step, x_lo, x_step, wrap, ext */\n%s};\n",
                s->id, reads.len ? reads.s : "    {0, {0}, {0}, {0}, 0, 0, 0, {0}}, /* none */\n");
        if (s->anchor) { /* its row of the table, a declaration of its own */
            char *row = arena_strdup(&util_arena, pl.ops.s + 4), *end = strstr(row, "}}, /*");
            end[2] = ';';
            fprintf(kf, "static const tyl_operand tyl_an%d = %s", s->id, row);
        }
        emit_exchanges(kf, s, hl, hx);
        fprintf(kf, "static const tyl_reduction tyl_red%d = {\n", s->id);
        fprintf(kf, "    %s, tyl_run%d, %d, %d, tyl_op%d, %s, /* where, kernel, box rank, reads, anchor */\n",
                emit_W(s->l), kid, k.B, k.reads.len, s->id, s->anchor ? arena_printf(&util_arena, "&tyl_an%d", s->id) : "NULL");
        fprintf(kf, "    %s, %s, %s, /* result type, operation, partial results */\n", emit_tyname(s->var->type),
                s->op == OP_ADD ? "TYL_RED_SUM" : s->op == OP_NPMAX ? "TYL_RED_MAX" : "TYL_RED_MIN",
                c->t->cuda ? "TYL_PARTS_GRID" : emit_red_exact(s) ? "TYL_PARTS_EXACT" : "TYL_PARTS_ROWS");
        fprintf(kf, "    %d, %s, /* halo exchanges */\n", hl ? hl->n : 0,
                hl ? arena_printf(&util_arena, "tyl_hx%d", s->id) : "NULL");
        if (!c->t->cuda && s->cast && emit_red_exact(s))
            fprintf(kf, "    %s, %d, /* %s, cast in NumPy's buffer; of a selection a[m] */\n};\n\n",
                    emit_red_direct(s) ? "TYL_RED_DIRECT | TYL_RED_CAST" : "TYL_RED_CAST", emit_red_sel(s, &k),
                    emit_red_direct(s) ? "the sum of a view itself" : "a sum");
        else
            fprintf(kf, "    %d, %d, /* the sum of a view itself, of a selection a[m] */\n};\n\n",
                    !c->t->cuda && emit_red_direct(s), emit_red_sel(s, &k));
    }
    emit_run_call(c, ind, s, &pl, &k, arena_printf(&util_arena, "tyl_reduce_run(&tyl_red%d, %%s, %%s, %%s", s->id),
                  arena_printf(&util_arena, ", &%s);\n", s->var->name));
    sb_free(&pl.ops);
    sb_free(&reads);
}

