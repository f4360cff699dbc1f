/* diag.c: collected user diagnostics with source line and caret. */
#include "diag.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static const char *src_name = "<input>";
static const char *src_text = "";
static int n_errors;
static int n_reported; /* n_errors, the repeats not printed again and the suppressed ones */
static int suppressed;

/* Errors already reported, so one found again (in a function inlined at every call, a loop
 * body lowered twice) is reported once; the notes of a repeat are dropped with it. */
typedef struct seen_error {
    loc l;
    const char *msg;
    int repeats;
} seen_error;
static vec seen;
static int last_repeated;

/* 1 if this error was reported before (and counts the repeat). */
static int repeated(loc l, const char *fmt, va_list ap)
{
    char buf[1024];
    va_list aq;
    va_copy(aq, ap);
    vsnprintf(buf, sizeof buf, fmt, aq);
    va_end(aq);
    const char *msg = arena_strdup(&util_arena, buf);
    for (int i = 0; i < seen.len; i++) {
        seen_error *e = seen.items[i];
        if (e->l.line == l.line && e->l.col == l.col && e->l.last_col == l.last_col &&
            strcmp(e->msg, msg) == 0) {
            e->repeats++;
            return 1;
        }
    }
    seen_error *e = arena_alloc(&util_arena, sizeof *e);
    *e = (seen_error){l, msg, 0};
    vec_push(&seen, e);
    return 0;
}

/* The starts of src_text's lines, found once (the generated code quotes every statement's
 * line: a scan from the top for each made emitting quadratic in the program's length). */
static const char **lines;
static int nlines; /* 0: not found yet */

void diag_set_source(const char *filename, const char *text)
{
    src_name = filename;
    src_text = text;
    lines = NULL;
    nlines = 0;
}

const char *diag_filename(void) { return src_name; }

/* Start of line `line` (1-based) in the source, or NULL. */
static const char *line_start(int line)
{
    if (!nlines) {
        int n = 1;
        for (const char *p = strchr(src_text, '\n'); p; p = strchr(p + 1, '\n'))
            n++;
        lines = NEWN(const char *, n);
        lines[0] = src_text;
        n = 1;
        for (const char *p = strchr(src_text, '\n'); p; p = strchr(p + 1, '\n'))
            lines[n++] = p + 1;
        nlines = n;
    }
    if (line < 1)
        return src_text;
    return line <= nlines ? lines[line - 1] : NULL;
}

/* The length of the valid UTF-8 sequence at s[0..n), or 0 when s[0] does not start one. */
static int utf8_len(const unsigned char *s, int n)
{
    int need = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3
             : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (need == 0 || need > n)
        return 0;
    unsigned v = need == 1 ? s[0] : need == 2 ? s[0] & 0x1fu : need == 3 ? s[0] & 0x0fu : s[0] & 0x07u;
    for (int k = 1; k < need; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[k] & 0x3fu);
    }
    if (need > 1 && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) ||
                     v < (need == 2 ? 0x80u : need == 3 ? 0x800u : 0x10000u)))
        return 0;
    return need;
}

/* The source line, then the caret under columns l.col..l.last_col (which count bytes). A
 * character of several bytes takes one place in both lines, so the caret stays under it on a
 * terminal, and a byte that is not UTF-8 is shown as '?' rather than written out raw. */
static void print_caret(loc l)
{
    const char *s = line_start(l.line);
    if (!s)
        return;
    const char *e = strchr(s, '\n');
    int len = e ? (int)(e - s) : (int)strlen(s);
    if (len > 0 && s[len - 1] == '\r')
        len--;
    const unsigned char *u = (const unsigned char *)s;
    fputs("    ", stderr);
    for (int i = 0; i < len;) {
        int k = utf8_len(u + i, len - i);
        if (k == 0)
            fputc('?', stderr);
        else
            fwrite(u + i, 1, (size_t)k, stderr);
        i += k ? k : 1;
    }
    fputs("\n    ", stderr);
    int last = (l.last_line == l.line) ? l.last_col : len;
    if (last > len)
        last = len;
    int i = 0;
    /* Tabs in the line are kept under the caret so columns line up. */
    for (; i < l.col - 1 && i < len; i += utf8_len(u + i, len - i) ? utf8_len(u + i, len - i) : 1)
        fputc(s[i] == '\t' ? '\t' : ' ', stderr);
    fputc('^', stderr);
    if (i < len)
        i += utf8_len(u + i, len - i) ? utf8_len(u + i, len - i) : 1;
    for (; i < last; i += utf8_len(u + i, len - i) ? utf8_len(u + i, len - i) : 1)
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
    last_repeated = !suppressed && repeated(l, fmt, ap);
    n_reported++;
    if (last_repeated)
        return;
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
    if (last_repeated)
        return;
    va_list ap;
    va_start(ap, fmt);
    emit("note", l, fmt, ap);
    va_end(ap);
}

void diag_warning(loc l, const char *fmt, ...)
{
    last_repeated = 0;
    va_list ap;
    va_start(ap, fmt);
    emit("warning", l, fmt, ap);
    va_end(ap);
}

int diag_count(void) { return n_errors; }
int diag_reported(void) { return n_reported; }

int diag_suppress(int on)
{
    int old = suppressed;
    suppressed = on;
    return old;
}

int diag_finish(void)
{
    last_repeated = 0;
    for (int i = 0; i < seen.len; i++) {
        seen_error *e = seen.items[i];
        if (e->repeats)
            diag_note(e->l, "the error at line %d was found %d more time%s (its function is inlined "
                            "at each call, or its loop body lowered again) and is reported once",
                      e->l.line, e->repeats, e->repeats == 1 ? "" : "s");
    }
    if (n_errors)
        fprintf(stderr, "tylesc: %d error%s\n", n_errors, n_errors == 1 ? "" : "s");
    return n_errors;
}

void diag_reset(void)
{
    src_name = "<input>";
    src_text = "";
    lines = NULL;
    nlines = 0;
    n_errors = 0;
    n_reported = 0;
    suppressed = 0;
    seen = (vec){0};
    last_repeated = 0;
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
