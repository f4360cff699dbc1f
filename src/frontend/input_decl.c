/* input_decl.c: the np.load inputs a program declares instead of letting the compiler read them.
 *
 * The generated code declares a loaded array with its dtype and rank, which tylesc normally takes
 * from the .npy file's header (npy_input.c). A build machine may not have the run's data, so an
 * input can be declared (tylesc --input NAME=DTYPE,RANK, or a "# tyles: input NAME DTYPE RANK"
 * line in the program, a comment to Python); a declared input is not looked for at compile time,
 * and the compiled program checks the file against the declaration when it loads it (the same
 * check as for a file seen at compile time, in the run-time library's np.load).
 * Also keeps the list of .npy files the compiler did open, which are dependencies of the output.
 * Requires: diag's source (for the line numbers of declarations). Builds: tables in util_arena. */
#include "input_decl.h"

#include <stdlib.h>
#include <string.h>

#include "../util/diag.h"

typedef struct decl {
    const char *name;
    ir_type t;
    int rank;
} decl;

static vec decls;  /* decl* */
static vec opened; /* const char* */

int input_decl_dtype(const char *name, ir_type *t)
{
    static const struct { const char *n; ir_type t; } m[] = {
        {"float64", T_F64}, {"float32", T_F32}, {"int64", T_I64}, {"int32", T_I32}, {"bool", T_BOOL},
    };
    for (size_t k = 0; k < sizeof m / sizeof *m; k++)
        if (strcmp(name, m[k].n) == 0) {
            *t = m[k].t;
            return 0;
        }
    return -1;
}

int input_decl_find(const char *name, ir_type *t, int *rank)
{
    for (int i = 0; i < decls.len; i++) {
        decl *d = VEC_AT(decls, i, decl *);
        if (strcmp(d->name, name) == 0) {
            *t = d->t;
            *rank = d->rank;
            return 1;
        }
    }
    return 0;
}

int input_decl_add(const char *name, ir_type t, int rank)
{
    ir_type t0;
    int r0;
    if (input_decl_find(name, &t0, &r0))
        return t0 == t && r0 == rank ? 0 : -1;
    decl *d = arena_alloc(&util_arena, sizeof *d);
    d->name = arena_strdup(&util_arena, name);
    d->t = t;
    d->rank = rank;
    vec_push(&decls, d);
    return 0;
}

/* One blank-separated word of s starting at *i (advanced past it); NULL at the end of s. */
static const char *word(const char *s, int *i, int *col)
{
    while (s[*i] == ' ' || s[*i] == '\t')
        (*i)++;
    if (!s[*i])
        return NULL;
    int b = *i;
    while (s[*i] && s[*i] != ' ' && s[*i] != '\t')
        (*i)++;
    *col = b + 1;
    return arena_strndup(&util_arena, s + b, (size_t)(*i - b));
}

static void bad(int line, int col, int len, const char *msg)
{
    loc l = {line, col, line, col + (len > 0 ? len - 1 : 0)};
    diag_error(l, "%s", msg);
}

/* "# tyles: input NAME DTYPE RANK" (blanks free around '#' and ':'); other comments are left
 * alone, and so is any "# tyles:" inside a string (only whole lines are looked at). */
void input_decl_scan(const char *text)
{
    int line = 1;
    for (const char *p = text; *p; line++) {
        size_t n = strcspn(p, "\n");
        char *s = arena_strndup(&util_arena, p, n);
        p += n + (p[n] == '\n');
        int i = 0;
        while (s[i] == ' ' || s[i] == '\t')
            i++;
        if (s[i] != '#')
            continue;
        i++;
        while (s[i] == ' ' || s[i] == '\t')
            i++;
        if (strncmp(s + i, "tyles:", 6) != 0)
            continue;
        int start = i + 1;
        i += 6;
        int col = 0, c2 = 0, c3 = 0, c4 = 0;
        const char *what = word(s, &i, &col);
        if (!what || strcmp(what, "input") != 0) {
            bad(line, what ? col : start, what ? (int)strlen(what) : 6,
                what ? arena_printf(&util_arena, "unknown tyles directive '%s' (the one there is: "
                                    "'# tyles: input NAME.npy DTYPE RANK')", what)
                     : "a '# tyles:' line needs a directive: '# tyles: input NAME.npy DTYPE RANK'");
            continue;
        }
        const char *name = word(s, &i, &c2), *dt = word(s, &i, &c3), *rk = word(s, &i, &c4);
        int c5 = 0;
        const char *extra = word(s, &i, &c5);
        if (!name || !dt || !rk || extra) {
            int at = extra ? c5 : start;
            bad(line, at, extra ? (int)strlen(extra) : (int)strlen(s + start - 1),
                "an input declaration is '# tyles: input NAME.npy DTYPE RANK' "
                "(e.g. '# tyles: input in_field.npy float64 3')");
            continue;
        }
        ir_type t;
        if (input_decl_dtype(dt, &t) < 0) {
            bad(line, c3, (int)strlen(dt),
                arena_printf(&util_arena, "unknown dtype '%s' in an input declaration (float64, "
                             "float32, int64, int32, bool)", dt));
            continue;
        }
        char *end;
        long r = strtol(rk, &end, 10);
        if (*end || r < 1 || r > IR_MAX_RANK) {
            bad(line, c4, (int)strlen(rk),
                *end || r < 1 ? arena_printf(&util_arena, "the number of dimensions of an input is a "
                                             "whole number from 1, not '%s'", rk)
                              : arena_printf(&util_arena, "np.load supports arrays of 1 to %d "
                                             "dimensions, not %s", IR_MAX_RANK, rk));
            continue;
        }
        if (input_decl_add(name, t, (int)r) < 0)
            bad(line, c2, (int)strlen(name),
                arena_printf(&util_arena, "'%s' is declared twice, with different dtypes or "
                             "numbers of dimensions", name));
    }
}

void input_decl_opened(const char *path)
{
    for (int i = 0; i < opened.len; i++)
        if (strcmp(VEC_AT(opened, i, const char *), path) == 0)
            return;
    vec_push(&opened, arena_strdup(&util_arena, path));
}

const vec *input_decl_opened_files(void) { return &opened; }
