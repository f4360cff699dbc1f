/* ir_print.c: the textual form of the IR (tylesc --dump=ir).
 *
 * Deterministic, one statement a line, nested blocks indented; views print as
 * slot[lo:+len:step, #idx] with the box dimension each range iterates ("@k", "@b" broadcast).
 */
#include "ir.h"
#include "sched.h"

#include <inttypes.h>
#include <string.h>

static void pexpr(ir_expr *e, FILE *o);

static void pview(ir_view *v, FILE *o)
{
    fprintf(o, "%s[", v->arr->name);
    for (int d = 0; d < v->rank; d++) {
        ir_dim *m = &v->dim[d];
        if (d)
            fputs(", ", o);
        if (m->kind == D_FIXED) {
            fputc('#', o);
            pexpr(m->lo, o);
            continue;
        }
        pexpr(m->lo, o);
        fputs(":+", o);
        pexpr(m->len, o);
        if (!(m->step_c == 1)) {
            fputc(':', o);
            pexpr(m->step, o);
        }
        if (m->wrap) {
            fputs(" mod ", o);
            pexpr(m->wrap, o);
        }
        if (m->box >= 0)
            fprintf(o, "@%d", m->box);
        else
            fputs("@b", o);
    }
    fputc(']', o);
}

static void pexpr(ir_expr *e, FILE *o)
{
    switch (e->kind) {
    case E_CONST:
        if (ir_type_is_float(e->type))
            fprintf(o, "%.17g", e->c.f);
        else if (e->type == T_BOOL)
            fputs(e->c.i ? "True" : "False", o);
        else
            fprintf(o, "%" PRId64, e->c.i);
        return;
    case E_VAR: fputs(e->var->name, o); return;
    case E_BIN:
        fputc('(', o);
        if (e->op == OP_MIN || e->op == OP_MAX || e->op == OP_NPMIN || e->op == OP_NPMAX) {
            fprintf(o, "%s ", ir_op_name(e->op));
            pexpr(e->a, o);
            fputs(", ", o);
            pexpr(e->b, o);
        } else {
            pexpr(e->a, o);
            fprintf(o, " %s%s ", ir_op_name(e->op), e->py ? "" : ".");
            pexpr(e->b, o);
        }
        fputc(')', o);
        return;
    case E_UN:
        fprintf(o, "(%s ", ir_op_name(e->op));
        pexpr(e->a, o);
        fputc(')', o);
        return;
    case E_CAST:
        fprintf(o, "%s(", ir_type_name(e->type));
        pexpr(e->a, o);
        fputc(')', o);
        return;
    case E_CALL:
        fprintf(o, "%s(", ir_fn_name(e->fn));
        for (int i = 0; i < e->nargs; i++) {
            if (i)
                fputs(", ", o);
            pexpr(e->args[i], o);
        }
        fputc(')', o);
        return;
    case E_SELECT:
        fputs("(", o);
        pexpr(e->a, o);
        fputs(" ? ", o);
        pexpr(e->b, o);
        fputs(" : ", o);
        pexpr(e->cc, o);
        fputs(")", o);
        return;
    case E_SHAPE: fprintf(o, "%s.shape[%d]", e->var->name, e->dim); return;
    case E_ELEM:
        fprintf(o, "%s{", e->var->name);
        for (int i = 0; i < e->nargs; i++) {
            if (i)
                fputs(", ", o);
            pexpr(e->args[i], o);
        }
        fputc('}', o);
        return;
    case E_READ: pview(e->view, o); return;
    case E_INDEX: fprintf(o, "idx%d:%s", e->dim, ir_type_name(e->type)); return;
    }
}

void ir_print_expr(ir_expr *e, FILE *out) { pexpr(e, out); }

static const char *mode_name(ir_mode m)
{
    return m == M_DIRECT ? "direct" : m == M_BUFFERED ? "buffered" : "checked";
}

static void pblock(vec *b, int ind, FILE *o);

/* The flags of the checks a loop resets on entry (pass_checks_once). */
static void ponces(const ir_stmt *s, FILE *o)
{
    for (int i = 0; i < s->onces.len; i++)
        fprintf(o, "%s#%d", i ? ", " : "  # checks once: ", (int)(intptr_t)VEC_AT(s->onces, i, intptr_t));
}

/* A loop the lowering made for a NumPy operation (ir_stmt.made): never a time loop, so the dump
 * says so where a reader would otherwise take it for one of the program's. */
static void pmade(const ir_stmt *s, FILE *o)
{
    if (s->made)
        fputs("  # made by the compiler", o);
}

static void pstmt(ir_stmt *s, int ind, FILE *o)
{
    fprintf(o, "%*s", ind * 2, "");
    switch (s->kind) {
    case S_ASSIGN:
        fprintf(o, "%s: %s = ", s->var->name, ir_type_name(s->var->type));
        pexpr(s->e, o);
        break;
    case S_ALLOC:
        fprintf(o, "%s = alloc %s(", s->var->name, ir_type_name(s->var->type));
        for (int d = 0; d < s->var->rank; d++) {
            if (d)
                fputs(", ", o);
            pexpr(s->shape[d], o);
        }
        fputs(")", o);
        if (s->init == 1)
            fputs(" zeros", o);
        else if (s->init == 2) {
            fputs(" fill ", o);
            pexpr(s->e, o);
        } else if (s->init == 3)
            fprintf(o, " copy %s", s->src_slot->name);
        break;
    case S_BIND:
        for (int k = 0; k < s->n; k++)
            fprintf(o, "%s%s", k ? ", " : "", s->dst[k]->name);
        fputs(s->move ? " <- move " : " <- ", o);
        for (int k = 0; k < s->n; k++)
            fprintf(o, "%s%s", k ? ", " : "", s->srcs[k]->name);
        break;
    case S_RELEASE: fprintf(o, "release %s", s->var->name); break;
    case S_SWEEP:
        fprintf(o, "sweep[%s%s] ", mode_name(s->mode), s->fresh ? ",fresh" : "");
        pview(s->target, o);
        fputs(" = ", o);
        pexpr(s->e, o);
        break;
    case S_SETELEM:
        fprintf(o, "%s{", s->var->name);
        for (int i = 0; i < s->n; i++) {
            if (i)
                fputs(", ", o);
            pexpr(s->args[i], o);
        }
        fputs("} = ", o);
        pexpr(s->e, o);
        break;
    case S_FOR:
        fprintf(o, "for %s in range(", s->var->name);
        pexpr(s->e, o);
        fputs(", ", o);
        pexpr(s->e2, o);
        fputs(", ", o);
        pexpr(s->e3, o);
        fputs("):", o);
        pmade(s, o);
        ponces(s, o);
        fputc('\n', o);
        pblock(&s->body, ind + 1, o);
        return;
    case S_WHILE:
        fputs("while ", o);
        pexpr(s->e, o);
        fputc(':', o);
        pmade(s, o);
        ponces(s, o);
        fputc('\n', o);
        pblock(&s->body, ind + 1, o);
        return;
    case S_IF:
        fputs("if ", o);
        pexpr(s->e, o);
        fputs(":\n", o);
        pblock(&s->body, ind + 1, o);
        if (s->orelse.len) {
            fprintf(o, "%*selse:\n", ind * 2, "");
            pblock(&s->orelse, ind + 1, o);
        }
        return;
    case S_PRINTOPT:
        fprintf(o, "printoptions precision %d threshold %d edgeitems %d linewidth %d suppress %d",
                s->pspec[0], s->pspec[1], s->pspec[2], s->pspec[3], s->pspec[4]);
        break;
    case S_RAISE:
        fputs(s->init == 1 ? "exit if " : "raise if ", o);
        pexpr(s->e, o);
        if (s->init == 1) {
            fputs(" status ", o);
            pexpr(s->e2, o);
        }
        if (s->str)
            fprintf(o, ": \"%s\"", s->str);
        if (s->sbuf)
            fprintf(o, " + str%d", s->sbuf);
        break;
    case S_OS: {
        static const char *op[] = {"os.makedirs", "os.mkdir", "os.path.exists", "os.path.isdir", "os.path.isfile"};
        if (s->init == IR_OS_PRINTTO) {
            if (s->n >= 100)
                fprintf(o, "print to file%d", s->n - 100);
            else
                fprintf(o, "print to %s", s->n == 2 ? "stderr" : "stdout");
            break;
        }
        if (s->init == IR_OS_TEXT) {
            static const char *tx[] = {"open", "close", "read", "readline", "readlines", "split", "splitlines",
                                       "splitlines(keepends)", "partition", "len", "item", "unpack", "strip",
                                       "lstrip", "rstrip", "lower", "upper", "startswith", "endswith", "in", "len", "repr", "format",
                                       "dict.new", "dict.set", "dict.get", "dict.has", "dict.len"};
            if (s->var)
                fprintf(o, "%s = ", s->var->name);
            else if (s->sbuf && s->na != IR_TX_OPEN && s->na < IR_TX_DNEW)
                fprintf(o, "str%d = ", s->sbuf);
            fprintf(o, "text.%s(", tx[s->na]);
            if (s->na >= IR_TX_DNEW)
                fprintf(o, "dict%d", s->n);
            else if (s->na <= IR_TX_LINES)
                fprintf(o, "file%d", s->n);
            else if (s->na < IR_TX_COUNT || s->na >= IR_TX_STRIP)
                fprintf(o, "str%d", s->n);
            if (s->nb)
                fprintf(o, "%stable%d", s->na < IR_TX_COUNT ? " -> " : "", s->nb);
            if (s->str)
                fprintf(o, ", \"%s\"", s->str);
            if ((s->na == IR_TX_OPEN || s->na >= IR_TX_DNEW) && s->sbuf)
                fprintf(o, ", str%d", s->sbuf);
            if (s->e) {
                fprintf(o, ", ");
                ir_print_expr(s->e, o);
            }
            fprintf(o, ")");
            break;
        }
        if (s->init >= IR_OS_FOPEN) {
            if (s->init == IR_OS_FCLOSE)
                fprintf(o, "close file%d", s->n);
            else if (s->str)
                fprintf(o, "file%d = open(\"%s\", \"%s\")", s->n, s->str, s->init == IR_OS_FAPPEND ? "a" : "w");
            else
                fprintf(o, "file%d = open(str%d, \"%s\")", s->n, s->sbuf, s->init == IR_OS_FAPPEND ? "a" : "w");
            break;
        }
        if (s->init >= IR_OS_ARGC) {
            static const char *arg[] = {"len(sys.argv)", "sys.argv", "int", "float", "streq"};
            if (s->var)
                fprintf(o, "%s = ", s->var->name);
            else
                fprintf(o, "str%d = ", s->sbuf);
            fprintf(o, "%s", arg[s->init - IR_OS_ARGC]);
            if (s->e) {
                fprintf(o, "[");
                ir_print_expr(s->e, o);
                fprintf(o, "]");
            } else if (s->init != IR_OS_ARGC)
                fprintf(o, "(str%d)", s->sbuf);
            break;
        }
        if (s->var)
            fprintf(o, "%s = ", s->var->name);
        fprintf(o, "%s(", op[s->init]);
        if (s->sbuf)
            fprintf(o, "str%d", s->sbuf);
        else
            fprintf(o, "\"%s\"", s->str);
        fprintf(o, s->init == IR_OS_MAKEDIRS ? ", exist_ok=%d)" : ")", s->n);
        break;
    }
    case S_BREAK: fputs("break", o); break;
    case S_CONTINUE: fputs("continue", o); break;
    case S_PRINT:
        if (s->sbuf)
            fprintf(o, "str%d = ", s->sbuf);
        fputs("print(", o);
        for (int i = 0; i < s->n; i++) {
            if (i)
                fputs(", ", o);
            if (s->pflags && (s->pflags[i] & IR_PR_GLUE))
                fputs("+ ", o);
            if (s->strs[i])
                fprintf(o, "\"%s\"", s->strs[i]);
            else if (ir_print_view(s, i)) {
                ir_expr r = {.kind = E_READ, .view = s->pviews[i]};
                fputs(s->pflags && (s->pflags[i] & IR_PR_REPR) ? "repr(" : "(", o);
                pexpr(&r, o);
                fputs(")", o);
            } else if (ir_print_slot(s, i))
                fprintf(o, s->pflags && (s->pflags[i] & IR_PR_REPR) ? "repr(%s)" : "%s",
                        s->pslots[i]->name);
            else {
                pexpr(s->args[i], o);
                if (s->pfmt && s->pfmt[i])
                    fprintf(o, ":\"%s\"", s->pfmt[i]);
            }
        }
        fputs(")", o);
        break;
    case S_SAVE:
        if (s->sbuf)
            fprintf(o, "save%s str%d %s", s->init == 1 ? "z" : s->init == 2 ? "txt" : s->init == 3 ? "c16" : "", s->sbuf, s->var->name);
        else
            fprintf(o, "save%s \"%s\" %s", s->init == 1 ? "z" : s->init == 2 ? "txt" : s->init == 3 ? "c16" : "", s->str, s->var->name);
        if (s->init == 1)
            fprintf(o, " as \"%s\" (%d of %d)", s->end, s->n + 1, s->na);
        break;
    case S_ROTATE:
        fprintf(o, "%s <- buffer of %s; %s = new, outside ", s->var->name, s->src_slot->name, s->src_slot->name);
        pview(s->target, o);
        fprintf(o, s->ring_rewritten ? " rewritten next (not copied from %s)" : " copied from %s", s->var->name);
        break;
    case S_FUSED:
        fputs(s->aliased ? "fused: # targets share memory (no restrict)\n" : "fused:\n", o);
        pblock(&s->body, ind + 1, o);
        return;
    case S_RANDOM: {
        static const char *k[] = {"sample", "sample_f32", "gauss", "uniform", "int", "gauss_f32", "perm", "choice", "pyint", "pygauss", "pyperm", "gamma", "seed"};
        fprintf(o, "%s%srandom[%d].%s", s->var ? s->var->name : "", s->var ? " = " : "", s->n, k[s->init]);
        if (s->e) {
            fprintf(o, " ");
            ir_print_expr(s->e, o);
        }
        if (s->e2) {
            fprintf(o, " ");
            ir_print_expr(s->e2, o);
        }
        break;
    }
    case S_LOAD: fprintf(o, "%s = load%s %s[%d] \"%s\"", s->var->name, s->txt ? "txt" : "", ir_type_name(s->var->type), s->var->rank, s->str); break;
    case S_FFT:
        fprintf(o, "%s = %s%s %s n=", s->var->name, s->init & IR_FFT_INVERSE ? "ifft" : "fft",
                s->init & IR_FFT_REAL_OUT ? " to real" : s->init & IR_FFT_REAL_IN ? " of real" : "", s->src_slot->name);
        ir_print_expr(s->e, o);
        fputs(" keep ", o);
        ir_print_expr(s->e2, o);
        fprintf(o, " norm %d axis %d%s", (s->init >> IR_FFT_NORM_SHIFT) & 3, s->init >> IR_FFT_AXIS_SHIFT,
                s->var->layout && s->var->layout->dist ? " distributed" : "");
        break;
    case S_REDUCE:
        fprintf(o, "%s: %s = %s over (", s->var->name, ir_type_name(s->var->type),
                s->op == OP_ADD ? "sum" : s->op == OP_NPMAX ? "max" : "min");
        for (int d = 0; d < s->n; d++) {
            if (d)
                fputs(", ", o);
            pexpr(s->shape[d], o);
        }
        fputs(s->sel ? ") of the selected points of " : s->row ? ") of the row " : ") of ", o);
        if (s->cast)
            fputs("(cast in NumPy's buffer) ", o);
        pexpr(s->e, o);
        break;
    case S_CHECK:
        fprintf(o, "check %s ", s->check == CK_BCAST ? "bcast" : s->check == CK_ASSIGN ? "assign" : s->check == CK_MASK ? "mask" : s->check == CK_ALLOC ? "alloc" : s->check == CK_SLICE ? "slice" : "nonneg");
        if (s->once) /* pass_checks_once: flag k, reset by its loop */
            fprintf(o, "once #%d ", s->once);
        fputc('(', o);
        for (int i = 0; i < s->na + s->nb; i++) {
            if (i == s->na)
                fputs(") (", o);
            else if (i)
                fputs(", ", o);
            pexpr(s->args[i], o);
        }
        fputs(")", o);
        break;
    }
    fputc('\n', o);
}

/* The exchanges before a sweep: per array the zones read outside the owned block, one
 * character per dimension (- below, 0 inside, + above), and the interior's margins. */
static void phalo(ir_stmt *s, int ind, FILE *o)
{
    if (s->anchor) {
        fprintf(o, "%*s# split over the ranks by ", ind * 2, "");
        pview(s->anchor, o);
        fputc('\n', o);
    }
    ir_halo *h = s->halo;
    if (!h)
        return;
    for (int i = 0; i < h->n; i++) {
        int r = h->slot[i]->rank, Z = 1;
        for (int d = 0; d < r; d++)
            Z *= 3;
        fprintf(o, "%*s# halo %s:", ind * 2, "", h->slot[i]->name);
        for (int z = 0; z < Z; z++)
            if (h->zones[i][z / 64] >> (z % 64) & 1) {
                fputc(' ', o);
                for (int d = 0, q = z; d < r; d++, q /= 3)
                    fputc("-0+"[q % 3], o);
            }
        fputc('\n', o);
    }
    fprintf(o, "%*s# interior margins", ind * 2, "");
    int B = s->kind == S_REDUCE ? s->n : s->kind == S_FUSED ? VEC_AT(s->body, 0, ir_stmt *)->target->vrank
                                                            : s->target->vrank;
    for (int b = 0; b < B; b++) {
        if (h->shl[b] >= (1 << 30))
            fprintf(o, " all");
        else
            fprintf(o, " %d/%d", h->shl[b], h->shh[b]);
    }
    fputc('\n', o);
}

/* The temporaries a sweep computes per tile (pass_fuse_stages), above the sweep. */
static void pstages(ir_stmt *s, int ind, FILE *o)
{
    for (int k = 0; k < s->stages.len; k++) {
        ir_stage *st = VEC_AT(s->stages, k, ir_stage *);
        fprintf(o, "%*s# stage %s per tile, grown by", ind * 2, "", st->slot->pyname);
        for (int d = 0; d < st->slot->rank; d++)
            fprintf(o, " %lld", (long long)st->spread[d]);
        fprintf(o, ", read at");
        for (int r = 0; r < st->nreads; r++) {
            int seen = 0; /* each offset once, in order of first read */
            for (int q = 0; q < r && !seen; q++)
                seen = !memcmp(st->off[q], st->off[r], sizeof st->off[r][0] * (size_t)st->slot->rank);
            if (seen)
                continue;
            fputs(" (", o);
            for (int d = 0; d < st->slot->rank; d++)
                fprintf(o, "%s%lld", d ? "," : "", (long long)st->off[r][d]);
            fputc(')', o);
        }
        fprintf(o, ": %s = ", st->slot->name);
        pexpr(st->f, o);
        fputc('\n', o);
    }
    if (s->stages.len) {
        fprintf(o, "%*s# staged value: ", ind * 2, "");
        pexpr(s->staged, o);
        fputc('\n', o);
    }
}

static ir_program *printing; /* for the schedule lines (sched.h) */

static void pblock(vec *b, int ind, FILE *o)
{
    for (int i = 0; i < b->len; i++) {
        if (printing && printing->sched && b == &printing->body)
            ir_sched_print_part(printing, i, o);
        phalo(VEC_AT(*b, i, ir_stmt *), ind, o);
        if (printing && printing->sched)
            ir_sched_print(printing, VEC_AT(*b, i, ir_stmt *), ind, o);
        pstages(VEC_AT(*b, i, ir_stmt *), ind, o);
        pstmt(VEC_AT(*b, i, ir_stmt *), ind, o);
    }
}

void ir_print(ir_program *p, FILE *out)
{
    fprintf(out, "# IR of %s\n", p->source);
    for (int i = 0; i < p->params.len; i++) {
        ir_var *v = VEC_AT(p->params, i, ir_var *);
        fprintf(out, "param %s: %s = ", v->name, ir_type_name(v->type));
        pexpr(v->init, out);
        fputc('\n', out);
    }
    for (int i = 0; i < p->layouts.len; i++) {
        ir_layout *L = VEC_AT(p->layouts, i, ir_layout *);
        if (!L->dist)
            continue;
        fprintf(out, "layout %d: distributed over a %d-D grid, halo", L->id, p->grid_rank);
        int R = p->grid_rank; /* the array's rank: the grid's and its axes kept whole */
        for (unsigned w = L->whole; w; w &= w - 1)
            R++;
        for (int d = 0; d < R; d++)
            if (L->whole >> d & 1)
                fprintf(out, " whole");
            else
                fprintf(out, " %d/%d%s", L->hl[d], L->hh[d], L->periodic >> d & 1 ? " periodic" : "");
        if (L->align) { /* blocks of the group's base extent, moved by as */
            fprintf(out, ", aligned: extent base");
            for (int d = 0; d < p->grid_rank; d++)
                fprintf(out, " +%d", L->ak[d]);
            fprintf(out, ", blocks at base");
            for (int d = 0; d < p->grid_rank; d++)
                fprintf(out, " +%d", L->as[d]);
        }
        fputc('\n', out);
    }
    printing = p;
    pblock(&p->body, 0, out);
    printing = NULL;
}
