/* diag.h: user diagnostics.
 *
 * Every message has the form
 *     file:line:col: error: text
 *         <the source line>
 *         ^~~~~~   (caret under the located range, '~' to its end on that line)
 * Errors are collected (several per run); diag_finish() prints "tylesc: N error(s)".
 * Notes attach to the previous error. Suppression (diag_suppress) lets a pass probe code
 * (e.g. a loop body lowered twice to find a fixpoint) without reporting twice.
 */
#ifndef TYL_DIAG_H
#define TYL_DIAG_H

#include <stdarg.h>

/* A source range. Lines and columns are 1-based; last_col is inclusive.
 * A zero line means "no location" (the message then has no caret). */
typedef struct loc {
    int line, col;
    int last_line, last_col;
} loc;

/* Register the source being compiled: name as given on the command line, whole text. */
void diag_set_source(const char *filename, const char *text);
const char *diag_filename(void);

void diag_error(loc l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_note(loc l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_warning(loc l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_verror(loc l, const char *fmt, va_list ap);

int diag_count(void);            /* errors reported so far (suppressed ones not counted) */
/* Every error found, also the repeats not printed again (a loop body lowered twice) and the
 * suppressed ones (a statement lowered once per type of a name): for a check that an error
 * was found since some point. */
int diag_reported(void);
/* Suppress output while probing; returns the previous state to restore. */
int diag_suppress(int on);

/* Print "tylesc: N error(s)" if there were errors; return the count. */
int diag_finish(void);

/* Forget the source, the error count and suppression (for compiling several inputs in one
 * process, e.g. the fuzzer). */
void diag_reset(void);

/* "heat.tyl:12" for messages in generated code (run-time checks). */
const char *diag_where(loc l);
/* The source text of a range on one line (for messages like 'np.linalg.solve'). */
const char *diag_text(loc l);

/* Start of a source line (the rest of the text follows it); "" past the end. */
const char *diag_line(int line);

/* Smallest range covering both. */
loc loc_span(loc a, loc b);

#endif
