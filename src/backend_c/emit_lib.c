/* emit_lib.c: tylesc --lib: the library's source, header and Fortran module (emit_lib.h).
 *
 * Each function is the program of one export printed the way emit_host.c prints main(), with
 * three differences: the body is a static function called under the run time's error catch
 * (tyl_lib_call, tyles_lib.h), so a run-time error returns TYL_ERROR instead of exiting; the
 * parameters are the function's arguments instead of argv's; the reserved np.load / np.save
 * statements of lib.h are the caller's arrays going in (tyl_lib_arg) and out (tyl_lib_result,
 * tyl_lib_scalar, tyl_lib_writeback). Nothing here decides: halo widths, layouts and the
 * schedule come from the IR.
 */
#include "emit_lib.h"
#include "emit_c.h"
#include "emit_internal.h"
#include "../ir/sched.h"
#include "../runtime_mpi/tyles_version.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const emit_lib_unit *cur; /* the function being printed (for the hook) */
static const emit_lib_module *cur_m;
static int cur_halo;              /* the library's widest halo (PREFIX_HALO) */

/* The reserved load or save of kind what ('a', 'r', 'w') and index k in a block, or NULL. */
static ir_stmt *find_reserved(vec *body, char what, int k)
{
    for (int i = 0; i < body->len; i++) {
        ir_stmt *s = VEC_AT(*body, i, ir_stmt *);
        char w;
        int j;
        if ((s->kind == S_LOAD || s->kind == S_SAVE) && lib_reserved_name(s->str, &w, &j) && w == what && j == k)
            return s;
        ir_stmt *r = find_reserved(&s->body, what, k);
        if (!r)
            r = find_reserved(&s->orelse, what, k);
        if (r)
            return r;
    }
    return NULL;
}

ir_var *emit_lib_arg_slot(const emit_lib_unit *u, int k)
{
    ir_stmt *s = find_reserved(&u->p->body, 'a', k);
    return s ? s->var : NULL;
}

ir_var *emit_lib_state_slot(const emit_lib_unit *u, int k)
{
    ir_stmt *s = find_reserved(&u->p->body, 's', k);
    return s ? s->var : NULL;
}

/* The widest halo of slot v, -1 when it is replicated. */
static int slot_halo(ir_var *v)
{
    if (!v || !ir_slot_dist(v))
        return -1;
    int h = 0;
    for (int d = 0; d < v->rank; d++) {
        if (v->layout->hl[d] > h)
            h = v->layout->hl[d];
        if (v->layout->hh[d] > h)
            h = v->layout->hh[d];
    }
    return h;
}

int emit_lib_state_use(const emit_lib_module *m, int k, int *dist, int *halo)
{
    *dist = 0;
    *halo = 0;
    for (int i = 0; i < m->n; i++) {
        ir_var *v = m->u[i].x ? emit_lib_state_slot(&m->u[i], k) : NULL;
        int h = v ? slot_halo(v) : -1;
        if (h >= 0) /* a stencil reader: distributed, and a reader of the whole gathers it */
            *dist = 1;
        if (h > *halo)
            *halo = h;
    }
    return 0;
}

/* The halo parameter k itself needs. */
static int own_halo(const emit_lib_unit *u, int k) { return slot_halo(emit_lib_arg_slot(u, k)); }

/* Arrays of one shape take turns in a caller's loop (u, un = un, u), as the module's own call
 * does: each is named the widest halo of its shape group. */
int emit_lib_halo(const emit_lib_unit *u, int k)
{
    int h = own_halo(u, k);
    if (h < 0 || !u->x)
        return h;
    const lib_item *p = u->x->param;
    int root = p[k].same_as >= 0 ? p[k].same_as : k;
    for (int j = 0; j < u->x->np; j++)
        if (p[j].is_array && (j == root || p[j].same_as == root) && own_halo(u, j) > h)
            h = own_halo(u, j);
    return h;
}

static const char *upper(const char *s)
{
    char *r = arena_strdup(&util_arena, s);
    for (char *p = r; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return r;
}

/* A parameter name usable in C and C++ prototypes. */
static const char *c_param_name(const char *py)
{
    static const char *kw[] = {"auto", "case", "char", "const", "default", "do", "double", "enum", "extern",
                               "goto", "int", "long", "register", "restrict", "short", "signed", "sizeof",
                               "static", "struct", "switch", "typedef", "union", "unsigned", "void",
                               "volatile", "bool", "class", "new", "delete", "this", "template", "private",
                               "public", "protected", "operator", "namespace", "using", "friend", "virtual",
                               "ctx", NULL};
    /* macros of the headers prog.h includes (math.h, stdio.h, stdlib.h, stdbool.h, stdint.h,
     * errno.h, setjmp.h, mpi.h): a parameter `NAN = 2.0` is no field name there */
    static const char *macro[] = {"NAN", "INFINITY", "HUGE_VAL", "HUGE_VALF", "HUGE_VALL", "EOF", "NULL",
                                  "BUFSIZ", "FILENAME_MAX", "FOPEN_MAX", "TMP_MAX", "L_tmpnam", "EXIT_SUCCESS",
                                  "EXIT_FAILURE", "RAND_MAX", "MB_CUR_MAX", "MATH_ERRNO", "MATH_ERREXCEPT",
                                  "EDOM", "ERANGE", "EILSEQ", "errno", "stdin", "stdout", "stderr", "assert",
                                  "true", "false", "offsetof", "setjmp", "isnan", "isinf", "isfinite",
                                  "signbit", "fpclassify", "isnormal", "math_errhandling", "SIZE_MAX", NULL};
    static const char *prefix[] = {"MPI_", "OMPI_", "PMPI_", "TYL_", "FP_", "M_", "INT", "UINT", "PTRDIFF_",
                                   "SIG_ATOMIC_", "WCHAR_", "WINT_", "SEEK_", "_IO", "__", NULL};
    for (const char **k = macro; *k; k++)
        if (!strcmp(*k, py))
            return arena_printf(&util_arena, "%s_", py);
    for (const char **k = prefix; *k; k++)
        if (!strncmp(*k, py, strlen(*k)))
            return arena_printf(&util_arena, "%s_", py);
    for (const char **k = kw; *k; k++)
        if (!strcmp(*k, py))
            return arena_printf(&util_arena, "%s_", py);
    return py;
}

static const char *scalar_c(ir_type t) { return t == T_BOOL ? "bool" : ir_type_is_float(t) ? "double" : "int64_t"; }
static const char *scalar_dt(ir_type t)
{
    return t == T_BOOL ? "TYL_BOOL" : ir_type_is_float(t) ? "TYL_FLOAT64" : "TYL_INT64";
}

/* "tyl_ctx *ctx, tyl_array *u, double nu, tyl_array **result": with names (proto 1) as the
 * header gives them, else the definition's own. */
static void param_list(FILE *o, const emit_lib_unit *u, int proto)
{
    fprintf(o, "tyl_ctx *%s", proto ? "ctx" : "tyl_ctx_");
    const lib_export *x = u->x;
    for (int k = 0; x && k < x->np; k++) {
        const lib_item *it = &x->param[k];
        const char *n = proto ? c_param_name(it->name) : arena_printf(&util_arena, "tyl_a%d", k);
        if (it->is_array)
            fprintf(o, ", tyl_array *%s", n);
        else
            fprintf(o, ", %s %s", scalar_c(it->type), n);
    }
    for (int j = 0; x && j < x->nret; j++) {
        const lib_item *it = &x->ret[j];
        const char *n = proto ? c_param_name(it->name) : arena_printf(&util_arena, "tyl_o%d", j);
        if (it->is_array)
            fprintf(o, ", tyl_array **%s", n);
        else
            fprintf(o, ", %s *%s", scalar_c(it->type), n);
    }
}

/* The layout before time tiling of slot v's, when its halos were narrower, or NULL. */
static const ir_layout *least_layout(const emit_lib_unit *u, const ir_var *v)
{
    if (!u->least || !v || !ir_slot_dist((ir_var *)v))
        return NULL;
    for (int j = 0; j < u->p->layouts.len; j++)
        if (VEC_AT(u->p->layouts, j, ir_layout *) == v->layout) {
            const ir_layout *m = &u->least[j];
            return memcmp(m->hl, v->layout->hl, sizeof m->hl) || memcmp(m->hh, v->layout->hh, sizeof m->hh) ? m : NULL;
        }
    return NULL;
}

/* An argument of a time-tiled loop may have the one-step halo: checked against the layout
 * before tiling (tyl_Lm<id>, printed by least_layouts), the run time steps one step at a time
 * where the halo is too narrow for K (tyl_timetile.c). */
static const char *arg_layout_ref(const emit_lib_unit *u, ir_var *v)
{
    return least_layout(u, v) ? arena_printf(&util_arena, "&tyl_Lm%d", v->layout->id) : emit_layout_ref(v);
}

static void least_layouts(const emit_lib_unit *u, FILE *out)
{
    int printed = 0;
    for (int k = 0; u->x && k < u->x->np; k++) {
        ir_var *v = u->x->param[k].is_array ? emit_lib_arg_slot(u, k) : NULL;
        const ir_layout *m = least_layout(u, v);
        int dup = 0;
        for (int j = 0; m && j < k; j++)
            dup |= u->x->param[j].is_array && emit_lib_arg_slot(u, j) &&
                   emit_lib_arg_slot(u, j)->layout == v->layout;
        if (!m || dup)
            continue;
        ir_layout least = *m; /* the halo of one step, as the layout was before time tiling */
        least.periodic = v->layout->periodic;
        least.deep = 0;
        emit_layout(out, arena_printf(&util_arena, "tyl_Lm%d", v->layout->id), &least);
        printed = 1;
    }
    if (printed)
        fprintf(out, "\n");
}

static int lib_hook(ectx *c, int ind, ir_stmt *s)
{
    char w;
    int k;
    if ((s->kind != S_LOAD && s->kind != S_SAVE) || !lib_reserved_name(s->str, &w, &k) || !cur || (!cur->x && !cur->init))
        return 0;
    const lib_export *x = cur->x;
    int dist_k = 0, halo_k = 0;
    emit_hline(c, ind, s->l);
    if (w == 's' && cur->init) {
        int dist, halo;
        emit_lib_state_use(cur_m, k, &dist, &halo);
        emit_put(c, ind, "tyl_lib_state_put(tyl_f, &tyl_st[%d], %s, %d, %d);\n", k, s->var->name, dist, halo);
    } else if (w == 's' && !ir_slot_dist(s->var) && (emit_lib_state_use(cur_m, k, &dist_k, &halo_k), dist_k)) {
        /* read whole here, kept distributed for another def's stencil */
        strbuf nm = {0};
        emit_c_string(&nm, arena_printf(&util_arena, "@%s", cur_m->st->item[k].name));
        emit_put(c, ind, "tyl_lib_state_whole(tyl_f, %d, tyl_st[%d], %s, &%s);\n", x->np + k, k, nm.s, s->var->name);
        sb_free(&nm);
    } else if (w == 's') {
        int same = -1;
        for (int q = 0; q < x->nst; q++)
            if (x->st[q] == k)
                same = x->st_same[q];
        strbuf nm = {0};
        emit_c_string(&nm, arena_printf(&util_arena, "@%s", cur_m->st->item[k].name));
        emit_put(c, ind, "tyl_lib_arg(tyl_f, %d, tyl_st[%d], %s, %s, %d, %s, \"%s_HALO\", %d, &%s);\n", x->np + k, k,
                 nm.s, emit_tyname(s->var->type), s->var->rank, emit_layout_ref(s->var), cur_m->macro, same,
                 s->var->name);
        sb_free(&nm);
    } else if (w == 'v') {
        emit_put(c, ind, "tyl_lib_writeback(tyl_f, %d, %s);\n", x->np + k, s->var->name);
    } else if (w == 'a') {
        const lib_item *it = &x->param[k];
        strbuf nm = {0};
        emit_c_string(&nm, it->name);
        const char *halo = emit_lib_halo(cur, k) >= 0
                               ? arena_printf(&util_arena, "\"%s_%s_HALO\"", cur->macro, upper(it->name))
                               : "NULL";
        emit_put(c, ind, "tyl_lib_arg(tyl_f, %d, tyl_a%d, %s, %s, %d, %s, %s, %d, &%s);\n", k, k, nm.s,
                 emit_tyname(s->var->type), s->var->rank, arg_layout_ref(cur, s->var), halo, it->same_as,
                 s->var->name);
        sb_free(&nm);
    } else if (w == 'r') {
        if (x->ret[k].is_array)
            emit_put(c, ind, "tyl_lib_result(tyl_f, %s, tyl_o%d, %d);\n", s->var->name, k, cur_halo);
        else
            emit_put(c, ind, "tyl_lib_scalar(tyl_f, %s, %s, tyl_o%d);\n", s->var->name, scalar_dt(x->ret[k].type), k);
    } else
        emit_put(c, ind, "tyl_lib_writeback(tyl_f, %d, %s);\n", k, s->var->name);
    return 1;
}

/* The scalar parameter of the export that module-level variable v (a parameter) stands for. */
static int param_arg(const emit_lib_unit *u, ir_var *v)
{
    for (int k = 0; u->x && k < u->x->np; k++)
        if (!u->x->param[k].is_array && !strcmp(u->x->param[k].global, v->pyname))
            return k;
    return -1;
}

static void copy_file(FILE *from, FILE *to)
{
    char buf[65536];
    size_t n;
    rewind(from);
    while ((n = fread(buf, 1, sizeof buf, from)) > 0)
        fwrite(buf, 1, n, to);
    fclose(from);
}

/* The grid rank the module state is computed on (0: none). */
static int state_grid(const emit_lib_module *m)
{
    for (int i = 0; i < m->n; i++)
        if (m->u[i].init)
            return m->u[i].p->grid_rank;
    return 0;
}

static void print_function(const emit_lib_module *m, const emit_lib_unit *u, FILE *out)
{
    ir_program *p = u->p;
    ectx c;
    emit_ctx_open(&c, m->cuda ? emit_cuda_target() : emit_c_target(), p);
    cur = u;
    emit_stmt_hook = lib_hook;
    emit_block(&c, 1, &p->body);
    emit_stmt_hook = NULL;

    const char *what = u->x ? arena_printf(&util_arena, "def %s", u->x->def->name)
                     : u->init ? "the module-level arrays and numbers the defs read" : "the module body";
    fprintf(out, "/* ---- %s: %s ---- */\n\n", u->cname, what);
    emit_layouts(out, p);
    least_layouts(u, out);
    copy_file(c.kf, out);
    fclose(c.sink);

    const char *body = u->init ? "tyl_state_init" : arena_printf(&util_arena, "tyl_%s_body", u->x ? u->x->def->name : "run");
    fprintf(out, "static void %s(tyl_lib_call *tyl_f", body);
    const lib_export *x = u->x;
    int with_state = u->init || (x && x->nst > 0);
    if (with_state)
        fprintf(out, ", tyl_array **tyl_st");
    int with_params = !x && !u->init && p->params.len > 0; /* PREFIX_run_params */
    if (with_params)
        fprintf(out, ", const %s_params *tyl_p", m->prefix);
    for (int k = 0; x && k < x->np; k++) {
        if (x->param[k].is_array)
            fprintf(out, ", tyl_array *tyl_a%d", k);
        else
            fprintf(out, ", %s tyl_a%d", scalar_c(x->param[k].type), k);
    }
    for (int j = 0; x && j < x->nret; j++) {
        if (x->ret[j].is_array)
            fprintf(out, ", tyl_array **tyl_o%d", j);
        else
            fprintf(out, ", %s *tyl_o%d", scalar_c(x->ret[j].type), j);
    }
    fprintf(out, ")\n{\n    (void)tyl_f;\n");
    if (with_state)
        fprintf(out, "    (void)tyl_st;\n");
    for (int k = 0; x && k < x->np; k++) { /* a deep layout the arguments are checked against less */
        ir_var *v = x->param[k].is_array ? emit_lib_arg_slot(u, k) : NULL;
        if (least_layout(u, v))
            fprintf(out, "    (void)tyl_L%d;\n", v->layout->id);
    }
    for (int k = 0; x && k < x->np; k++)
        fprintf(out, "    (void)tyl_a%d;\n", k);
    for (int i = 0; i < p->params.len; i++) {
        ir_var *v = VEC_AT(p->params, i, ir_var *);
        int k = param_arg(u, v);
        if (k >= 0)
            fprintf(out, "    %s %s TYL_UNUSED = (%s)tyl_a%d;\n", ir_type_c(v->type), v->name, ir_type_c(v->type), k);
        else if (with_params)
            fprintf(out, "    %s %s TYL_UNUSED = tyl_p ? tyl_p->%s : %s;\n", ir_type_c(v->type), v->name,
                    c_param_name(v->pyname), emit_S(v->init));
        else
            fprintf(out, "    %s %s TYL_UNUSED = %s;\n", ir_type_c(v->type), v->name, emit_S(v->init));
    }
    for (int i = 0; i < p->sched->vars.len; i++) {
        ir_var *v = VEC_AT(p->sched->vars, i, ir_var *);
        if (v->is_array)
            fprintf(out, "    tyl_array *%s = NULL;\n", v->name);
        else
            fprintf(out, "    %s %s TYL_UNUSED = 0;\n", ir_type_c(v->type), v->name);
    }
    fprintf(out, "\n");
    copy_file(c.o, out);
    fprintf(out, "\n");
    for (int i = 0; i < p->sched->vars.len; i++) {
        ir_var *v = VEC_AT(p->sched->vars, i, ir_var *);
        if (v->is_array)
            fprintf(out, "    tyl_release(%s);\n", v->name);
    }
    fprintf(out, "}\n\n");

    const char *state_args = arena_printf(&util_arena, "\"%s\", %d, tyl_state_init, %d", m->prefix, m->st->n,
                                          state_grid(m));
    if (u->init) { /* PREFIX_init: computes the state (again) */
        fprintf(out, "int %s(tyl_ctx *tyl_ctx_)\n{\n    tyl_lib_call tyl_f;\n", u->cname);
        fprintf(out, "    tyl_lib_init(&tyl_f, tyl_ctx_, \"%s\");\n", u->cname);
        fprintf(out, "    if (setjmp(tyl_f.jb))\n        return tyl_lib_fail(&tyl_f);\n");
        fprintf(out, "    if (tyl_lib_begin(&tyl_f, %d) != TYL_OK)\n        return TYL_ERROR;\n", p->grid_rank);
        fprintf(out, "    tyl_lib_state(&tyl_f, %s, 1);\n    return tyl_lib_end(&tyl_f);\n}\n\n", state_args);
        return;
    }
    for (int variant = 0; variant < 1 + with_params; variant++) {
        const char *fn = variant ? arena_printf(&util_arena, "%s_params", u->cname) : u->cname;
        fprintf(out, "int %s(", fn);
        param_list(out, u, 0);
        if (variant)
            fprintf(out, ", const %s_params *tyl_p", m->prefix);
        fprintf(out, ")\n{\n    tyl_lib_call tyl_f;\n");
        fprintf(out, "    tyl_lib_init(&tyl_f, tyl_ctx_, \"%s\");\n", fn);
        fprintf(out, "    if (setjmp(tyl_f.jb))\n        return tyl_lib_fail(&tyl_f);\n");
        fprintf(out, "    if (tyl_lib_begin(&tyl_f, %d) != TYL_OK)\n        return TYL_ERROR;\n", p->grid_rank);
        if (with_state)
            fprintf(out, "    tyl_array **tyl_st = tyl_lib_state(&tyl_f, %s, 0);\n", state_args);
        fprintf(out, "    %s(&tyl_f", body);
        if (with_state)
            fprintf(out, ", tyl_st");
        if (with_params)
            fprintf(out, variant ? ", tyl_p" : ", NULL");
        for (int k = 0; x && k < x->np; k++)
            fprintf(out, ", tyl_a%d", k);
        for (int j = 0; x && j < x->nret; j++)
            fprintf(out, ", tyl_o%d", j);
        fprintf(out, ");\n    return tyl_lib_end(&tyl_f);\n}\n\n");
    }
}

/* PREFIX_get_NAME: state K, computed first if it is not yet. */
static void print_getter(const emit_lib_module *m, int k, FILE *out)
{
    const lib_item *it = &m->st->item[k];
    const char *fn = arena_printf(&util_arena, "%s_get_%s", m->prefix, it->name);
    if (it->is_array)
        fprintf(out, "int %s(tyl_ctx *tyl_ctx_, tyl_array **tyl_o)\n{\n", fn);
    else
        fprintf(out, "int %s(tyl_ctx *tyl_ctx_, %s *tyl_o)\n{\n", fn, scalar_c(it->type));
    fprintf(out, "    tyl_lib_call tyl_f;\n    tyl_lib_init(&tyl_f, tyl_ctx_, \"%s\");\n", fn);
    fprintf(out, "    if (setjmp(tyl_f.jb))\n        return tyl_lib_fail(&tyl_f);\n");
    fprintf(out, "    if (tyl_lib_begin(&tyl_f, 0) != TYL_OK)\n        return TYL_ERROR;\n");
    fprintf(out, "    tyl_array **tyl_st = tyl_lib_state(&tyl_f, \"%s\", %d, tyl_state_init, %d, 0);\n", m->prefix,
            m->st->n, state_grid(m));
    if (it->is_array)
        fprintf(out, "    if (tyl_o)\n        *tyl_o = tyl_ref(tyl_st[%d]);\n", k);
    else
        fprintf(out, "    tyl_lib_scalar(&tyl_f, tyl_st[%d], %s, tyl_o);\n", k, scalar_dt(it->type));
    fprintf(out, "    return tyl_lib_end(&tyl_f);\n}\n\n");
}

/* The first lines of every generated file: tylesc's version, the source, how to regenerate. */
static void stamp(FILE *out, const char *source, const char *open, const char *mid, const char *close)
{
    strbuf src = {0};
    util_c_comment(&src, source);
    fprintf(out, "%s Generated by tylesc %s (--lib) from %s. Edit the .tyl file, not this one.\n", open,
            TYLES_VERSION, src.s ? src.s : "");
    sb_free(&src);
    if (emit_command_line) {
        strbuf cmd = {0};
        util_c_comment(&cmd, emit_command_line);
        fprintf(out, "%s Regenerate it in its folder with: %s\n", mid, cmd.s);
        sb_free(&cmd);
    }
    fprintf(out, "%s (what changes this output: the program, the tylesc version, --input, --time-tile)%s\n", mid, close);
}

/* The widest halo any array argument of the library needs. */
static int module_halo(const emit_lib_module *m)
{
    int h = 0;
    for (int i = 0; i < m->n; i++)
        for (int k = 0; m->u[i].x && k < m->u[i].x->np; k++)
            if (m->u[i].x->param[k].is_array && emit_lib_halo(&m->u[i], k) > h)
                h = emit_lib_halo(&m->u[i], k);
    return h;
}

void emit_lib_c(const emit_lib_module *m, FILE *out)
{
    cur_halo = module_halo(m);
    FILE *tmp = tmpfile();
    if (!tmp)
        util_syserr("cannot create a temporary file: %s", strerror(errno));
    stamp(tmp, m->u[0].p->source, "/*", " *", " */");
    strbuf h = {0};
    util_c_string(&h, m->header);
    fprintf(tmp, "#include %s\n", h.s);
    sb_free(&h);
    if (m->cuda)
        emit_cuda_lib_includes(tmp);
    emit_preamble(tmp, m->cuda);
    cur_m = m;
    for (int i = 0; i < m->n; i++)
        print_function(m, &m->u[i], tmp);
    for (int k = 0; k < m->st->n; k++)
        print_getter(m, k, tmp);
    rewind(tmp);
    emit_sync_lines(tmp, out);
    fclose(tmp);
}

static const char *type_words(const lib_item *it)
{
    if (!it->is_array)
        return ir_type_name(it->type);
    strbuf b = {0};
    sb_printf(&b, "%s[", ir_type_name(it->type));
    for (int d = 0; d < it->rank; d++)
        sb_puts(&b, d ? ", :" : ":");
    sb_puts(&b, "]");
    const char *r = arena_strdup(&util_arena, b.s);
    sb_free(&b);
    return r;
}

void emit_lib_h(const emit_lib_module *m, FILE *out)
{
    stamp(out, m->u[0].p->source, "/*", " *", "");
    fprintf(out, " *\n * Every function returns TYL_OK or TYL_ERROR (the message: tyl_ctx_error(ctx)); see\n"
                 " * tyles_lib.h for the context and the arrays. Array arguments are distributed over the\n"
                 " * context's process grid of their rank (%s_GRID_RANKS), with at least the\n"
                 " * halo width named below; an array result is a new array the caller releases with\n"
                 " * tyl_array_destroy; a scalar result is written to the pointer given. Module-level\n"
                 " * parameters keep the values the program gives them. */\n", m->macro);
    fprintf(out, "#ifndef %s_H\n#define %s_H\n\n#include \"tyles_lib.h\"\n\n", m->macro, m->macro);
    fprintf(out, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    int ng = 0;
    strbuf gl = {0};
    for (int g = IR_MAX_RANK; g >= 1; g--)
        if (m->grids >> g & 1) {
            sb_printf(&gl, "%s%d", ng ? ", " : "", g);
            ng++;
        }
    fprintf(out, "/* The process grids' numbers of dimensions, one grid per rank of the arrays the functions\n"
                 " * distribute: tyl_ctx_create(comm, %s_GRID_RANK, ...) makes the first, tyl_ctx_add_grid\n"
                 " * each other one; %s_ctx_create(comm, &ctx) makes them all. */\n", m->macro, m->prefix);
    fprintf(out, "#define %s_GRID_RANK %d\n", m->macro, m->grid_rank);
    fprintf(out, "#define %s_NGRIDS %d\n#define %s_GRID_RANKS {%s}\n", m->macro, ng ? ng : 1, m->macro,
            gl.s ? gl.s : "0");
    sb_free(&gl);
    fprintf(out, "/* A context over comm with every grid above (MPI_Dims_create shapes each). On an error,\n"
                 " * tyl_ctx_error(*ctx) says why; destroy *ctx unless it is NULL. */\n");
    fprintf(out, "static inline int %s_ctx_create(tyl_comm comm, tyl_ctx **ctx)\n{\n", m->prefix);
    fprintf(out, "    static const int ranks[%s_NGRIDS] = %s_GRID_RANKS;\n", m->macro, m->macro);
    fprintf(out, "    if (tyl_ctx_create(comm, ranks[0], NULL, ctx) != TYL_OK)\n        return TYL_ERROR;\n");
    fprintf(out, "    for (int i = 1; i < %s_NGRIDS; i++)\n", m->macro);
    fprintf(out, "        if (tyl_ctx_add_grid(*ctx, ranks[i], NULL) != TYL_OK)\n            return TYL_ERROR;\n");
    fprintf(out, "    return TYL_OK;\n}\n");
    if (m->cuda)
        emit_cuda_lib_h(m, out);
    fprintf(out, "/* The widest halo any function needs: arrays made with it can go to every function (array\n"
                 " * results have it). */\n#define %s_HALO %d\n\n", m->macro, module_halo(m));
    ir_program *run = NULL;
    for (int i = 0; i < m->n; i++)
        if (!m->u[i].x && !m->u[i].init)
            run = m->u[i].p;
    if (run && run->params.len) {
        fprintf(out, "/* The module's parameters, for %s_run_params (%s_run and the other functions use\n"
                     " * the program's values, which %s_PARAMS_DEFAULT holds). */\n", m->prefix, m->prefix, m->macro);
        fprintf(out, "typedef struct %s_params {\n", m->prefix);
        for (int i = 0; i < run->params.len; i++) {
            ir_var *v = VEC_AT(run->params, i, ir_var *);
            fprintf(out, "    %s %s;\n", ir_type_c(v->type), c_param_name(v->pyname));
        }
        fprintf(out, "} %s_params;\n#define %s_PARAMS_DEFAULT {", m->prefix, m->macro);
        for (int i = 0; i < run->params.len; i++) {
            ir_var *v = VEC_AT(run->params, i, ir_var *);
            fprintf(out, "%s%s", i ? ", " : "", emit_S(v->init));
        }
        fprintf(out, "}\n\n");
    }
    for (int i = 0; i < m->n; i++) {
        const emit_lib_unit *u = &m->u[i];
        const lib_export *x = u->x;
        if (u->init) {
            fprintf(out, "/* The module-level arrays and numbers the functions read, as the module computes them\n"
                         " * before it calls a def, kept by the context: the first function that reads them computes\n"
                         " * them, %s_init computes them again. %s_get_NAME gives one: a new reference to the\n"
                         " * context's array (a function that changes it in place changes this one; after changing\n"
                         " * its block, call tyl_array_modified), or the number. */\n",
                    m->prefix, m->prefix);
            fprintf(out, "int %s(tyl_ctx *ctx);\n", u->cname);
            for (int k = 0; k < m->st->n; k++) {
                const lib_item *it = &m->st->item[k];
                fprintf(out, "int %s_get_%s(tyl_ctx *ctx, %s%s); /* %s */\n", m->prefix, it->name,
                        it->is_array ? "tyl_array **" : arena_printf(&util_arena, "%s *", scalar_c(it->type)),
                        c_param_name(it->name), type_words(it));
            }
            fprintf(out, "\n");
            continue;
        }
        if (!x) {
            fprintf(out, "/* The module body, as the program runs it (its prints, np.save files). */\n");
            if (u->p->params.len)
                fprintf(out, "int %s_params(tyl_ctx *ctx, const %s_params *params);\n", u->cname, m->prefix);
        } else {
            fprintf(out, "/* %s(", x->def->name);
            for (int k = 0; k < x->np; k++)
                fprintf(out, "%s%s: %s", k ? ", " : "", x->param[k].name, type_words(&x->param[k]));
            fprintf(out, ")");
            if (x->nret) {
                fprintf(out, " -> ");
                for (int j = 0; j < x->nret; j++)
                    fprintf(out, "%s%s: %s", j ? ", " : "", x->ret[j].name, type_words(&x->ret[j]));
            }
            fprintf(out, ", line %d */\n", x->def->l.line);
            for (int k = 0; k < x->np; k++) {
                int hw = x->param[k].is_array ? emit_lib_halo(u, k) : -1;
                if (hw >= 0)
                    fprintf(out, "#define %s_%s_HALO %d\n", u->macro, upper(x->param[k].name), hw);
            }
        }
        fprintf(out, "int %s(", u->cname);
        param_list(out, u, 1);
        fprintf(out, ");\n\n");
    }
    fprintf(out, "#ifdef __cplusplus\n}\n#endif\n#endif\n");
}

/* A dummy argument name Fortran accepts (a letter first). */
static const char *f_name(const char *py)
{
    return isalpha((unsigned char)py[0]) ? py : arena_printf(&util_arena, "a%s", py);
}

static const char *f_scalar(ir_type t)
{
    return t == T_BOOL ? "logical(c_bool)" : ir_type_is_float(t) ? "real(c_double)" : "integer(c_int64_t)";
}

/* Fortran lines end at 132 characters: a long list goes on continuation lines. */
static void f_list(FILE *out, const char *head, vec *items, const char *tail)
{
    int col = fprintf(out, "%s", head);
    for (int i = 0; i < items->len; i++) {
        const char *it = VEC_AT(*items, i, const char *);
        if (col + (int)strlen(it) + 4 > 100) {
            fprintf(out, ", &\n        ");
            col = 8;
        } else if (i)
            col += fprintf(out, ", ");
        col += fprintf(out, "%s", it);
    }
    fprintf(out, "%s\n", tail);
}

void emit_lib_f90(const emit_lib_module *m, FILE *out)
{
    stamp(out, m->u[0].p->source, "!", "!", "");
    fprintf(out, "!\n! Fortran 2003 interfaces of %s.h: use it with tyles_lib (tyles_lib.f90), which makes the\n"
                 "! context and the arrays. Arrays are type(c_ptr) handles; their axes are Fortran's there\n"
                 "! (reversed), the halo widths below are the same on every axis. Each function returns\n"
                 "! TYL_OK (0) or TYL_ERROR (1); tyles_error(ctx) gives the message.\n", m->prefix);
    fprintf(out, "module %s_mod\n  use, intrinsic :: iso_c_binding\n  implicit none\n  private\n\n", m->prefix);
    fprintf(out, "  integer, parameter, public :: %s_GRID_RANK = %d\n", m->macro, m->grid_rank);
    {
        int ng = 0;
        strbuf gl = {0};
        for (int g = IR_MAX_RANK; g >= 1; g--)
            if (m->grids >> g & 1)
                sb_printf(&gl, "%s%d", ng++ ? ", " : "", g);
        fprintf(out, "  integer, parameter, public :: %s_NGRIDS = %d\n", m->macro, ng ? ng : 1);
        fprintf(out, "  integer, parameter, public :: %s_GRID_RANKS(%d) = [%s]\n", m->macro, ng ? ng : 1,
                gl.s ? gl.s : "0");
        sb_free(&gl);
    }
    fprintf(out, "  integer, parameter, public :: %s_HALO = %d\n", m->macro, module_halo(m));
    for (int i = 0; i < m->n; i++) {
        const emit_lib_unit *u = &m->u[i];
        for (int k = 0; u->x && k < u->x->np; k++) {
            int hw = u->x->param[k].is_array ? emit_lib_halo(u, k) : -1;
            if (hw >= 0)
                fprintf(out, "  integer, parameter, public :: %s_%s_HALO = %d\n", u->macro,
                        upper(u->x->param[k].name), hw);
        }
    }
    ir_program *run = NULL;
    for (int i = 0; i < m->n; i++)
        if (!m->u[i].x && !m->u[i].init)
            run = m->u[i].p;
    vec names = {0};
    for (int i = 0; i < m->n; i++) {
        vec_push(&names, (void *)m->u[i].cname);
        if (!m->u[i].x && !m->u[i].init && run->params.len)
            vec_push(&names, arena_printf(&util_arena, "%s_params", m->u[i].cname));
    }
    for (int k = 0; k < m->st->n; k++)
        vec_push(&names, arena_printf(&util_arena, "%s_get_%s", m->prefix, m->st->item[k].name));
    f_list(out, "\n  public :: ", &names, "");
    if (run && run->params.len) {
        /* the C struct PREFIX_params, member for member */
        fprintf(out, "\n  type, bind(C), public :: %s_params\n", m->prefix);
        for (int i = 0; i < run->params.len; i++) {
            ir_var *v = VEC_AT(run->params, i, ir_var *);
            fprintf(out, "    %s :: %s\n", f_scalar(v->type), f_name(v->pyname));
        }
        fprintf(out, "  end type\n");
    }
    fprintf(out, "\n  interface\n");
    for (int i = 0; i < m->n; i++) {
        const emit_lib_unit *u = &m->u[i];
        const lib_export *x = u->x;
        vec args = {0}, ptrs = {0};
        vec_push(&args, "ctx");
        vec_push(&ptrs, "ctx");
        for (int k = 0; x && k < x->np; k++) {
            vec_push(&args, (void *)f_name(x->param[k].name));
            if (x->param[k].is_array)
                vec_push(&ptrs, (void *)f_name(x->param[k].name));
        }
        for (int j = 0; x && j < x->nret; j++)
            vec_push(&args, (void *)f_name(x->ret[j].name));
        f_list(out, arena_printf(&util_arena, "    integer(c_int) function %s(", u->cname), &args,
               arena_printf(&util_arena, ") bind(C, name=\"%s\")", u->cname));
        fprintf(out, "      import :: c_int, c_ptr, c_double, c_int64_t, c_bool\n");
        f_list(out, "      type(c_ptr), value :: ", &ptrs, "");
        for (int k = 0; x && k < x->np; k++)
            if (!x->param[k].is_array)
                fprintf(out, "      %s, value :: %s\n", f_scalar(x->param[k].type), f_name(x->param[k].name));
        for (int j = 0; x && j < x->nret; j++)
            fprintf(out, "      %s, intent(out) :: %s\n", x->ret[j].is_array ? "type(c_ptr)" : f_scalar(x->ret[j].type),
                    f_name(x->ret[j].name));
        fprintf(out, "    end function\n");
        if (!x && !u->init && u->p->params.len) {
            fprintf(out, "    integer(c_int) function %s_params(ctx, params) bind(C, name=\"%s_params\")\n", u->cname,
                    u->cname);
            fprintf(out, "      import :: c_int, c_ptr, %s_params\n      type(c_ptr), value :: ctx\n", m->prefix);
            fprintf(out, "      type(%s_params), intent(in) :: params\n    end function\n", m->prefix);
        }
    }
    for (int k = 0; k < m->st->n; k++) { /* PREFIX_get_NAME(ctx, value) */
        const lib_item *it = &m->st->item[k];
        const char *fn = arena_printf(&util_arena, "%s_get_%s", m->prefix, it->name);
        fprintf(out, "    integer(c_int) function %s(ctx, value) bind(C, name=\"%s\")\n", fn, fn);
        fprintf(out, "      import :: c_int, c_ptr, c_double, c_int64_t, c_bool\n      type(c_ptr), value :: ctx\n");
        fprintf(out, "      %s, intent(out) :: value\n    end function\n", it->is_array ? "type(c_ptr)" : f_scalar(it->type));
    }
    fprintf(out, "  end interface\nend module %s_mod\n", m->prefix);
}
