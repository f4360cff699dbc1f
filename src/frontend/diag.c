/* diag.c: collected user diagnostics with source line and caret. */
#include "diag.h"

#include <stdio.h>
#include <string.h>

#include "../util/util.h"

static const char *src_name = "<input>";
static const char *src_text = "";
static int n_errors;
static int suppressed;

void diag_set_source(const char *filename, const char *text)
{
    src_name = filename;
    src_text = text;
}

const char *diag_filename(void) { return src_name; }

/* Start of line `line` (1-based) in the source, or NULL. */
static const char *line_start(int line)
{
    const char *p = src_text;
    for (int l = 1; l < line; l++) {
        p = strchr(p, '\n');
        if (!p)
            return NULL;
        p++;
    }
    return p;
}

static void print_caret(loc l)
{
    const char *s = line_start(l.line);
    if (!s)
        return;
    const char *e = strchr(s, '\n');
    int len = e ? (int)(e - s) : (int)strlen(s);
    if (len > 0 && s[len - 1] == '\r')
        len--;
    fprintf(stderr, "    %.*s\n    ", len, s);
    /* Tabs in the line are kept under the caret so columns line up. */
    for (int c = 1; c < l.col && c <= len; c++)
        fputc(s[c - 1] == '\t' ? '\t' : ' ', stderr);
    fputc('^', stderr);
    int last = (l.last_line == l.line) ? l.last_col : len;
    if (last > len)
        last = len;
    for (int c = l.col + 1; c <= last; c++)
        fputc('~', stderr);
    fputc('\n', stderr);
}

static void emit(const char *kind, loc l, const char *fmt, va_list ap)
{
    if (suppressed)
        return;
    fflush(stdout);
    if (l.line > 0)
        fprintf(stderr, "%s:%d:%d: %s: ", src_name, l.line, l.col, kind);
    else
        fprintf(stderr, "%s: %s: ", src_name, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    if (l.line > 0)
        print_caret(l);
}

void diag_verror(loc l, const char *fmt, va_list ap)
{
    if (!suppressed)
        n_errors++;
    emit("error", l, fmt, ap);
}

void diag_error(loc l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_verror(l, fmt, ap);
    va_end(ap);
}

void diag_note(loc l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit("note", l, fmt, ap);
    va_end(ap);
}

void diag_warning(loc l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit("warning", l, fmt, ap);
    va_end(ap);
}

int diag_count(void) { return n_errors; }

int diag_suppress(int on)
{
    int old = suppressed;
    suppressed = on;
    return old;
}

int diag_finish(void)
{
    if (n_errors)
        fprintf(stderr, "tylesc: %d error%s\n", n_errors, n_errors == 1 ? "" : "s");
    return n_errors;
}

void diag_reset(void)
{
    src_name = "<input>";
    src_text = "";
    n_errors = 0;
    suppressed = 0;
}

const char *diag_where(loc l)
{
    return arena_printf(&util_arena, "%s:%d", src_name, l.line);
}

const char *diag_text(loc l)
{
    const char *s = line_start(l.line);
    if (!s || l.last_line != l.line || l.last_col < l.col)
        return "";
    size_t linelen = strcspn(s, "\n");
    if ((size_t)l.last_col > linelen)
        return "";
    return arena_strndup(&util_arena, s + l.col - 1, (size_t)(l.last_col - l.col + 1));
}

const char *diag_line(int line)
{
    const char *s = line_start(line);
    return s ? s : "";
}

loc loc_span(loc a, loc b)
{
    if (!a.line)
        return b;
    if (!b.line)
        return a;
    loc r = a;
    if (b.line < r.line || (b.line == r.line && b.col < r.col)) {
        r.line = b.line;
        r.col = b.col;
    }
    if (b.last_line > r.last_line || (b.last_line == r.last_line && b.last_col > r.last_col)) {
        r.last_line = b.last_line;
        r.last_col = b.last_col;
    }
    return r;
}
