/* util.h: arenas, growable buffers and the three kinds of failure.
 *
 * Compiler memory lives in one arena freed once at exit (QBE's habit): passes never free.
 * Failures are kept apart:
 *   - user diagnostics go through diag.h (file:line:col: error: ...), collected, never fatal;
 *   - internal errors (bugs) go through util_internal()/UTIL_ASSERT: "tylesc: internal error at F:L";
 *   - system errors (cannot open a file, cannot run cc) go through util_syserr().
 */
#ifndef TYL_UTIL_H
#define TYL_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* ---- arena ---- */
typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
} arena;

void  arena_init(arena *a);
void *arena_alloc(arena *a, size_t n);          /* zeroed, 16-byte aligned; never returns NULL */
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void  arena_free(arena *a);

/* The compiler's one arena: everything that lives until exit. */
extern arena util_arena;
#define NEW(T) ((T *)arena_alloc(&util_arena, sizeof(T)))
#define NEWN(T, n) ((T *)arena_alloc(&util_arena, sizeof(T) * (size_t)(n)))

/* ---- growable pointer vector (arena-backed) ---- */
typedef struct vec {
    void **items;
    int len, cap;
} vec;
void vec_push(vec *v, void *item);

/* 64-bit FNV-1a hash of n bytes, continuing from h (start with UTIL_HASH_INIT). */
#define UTIL_HASH_INIT 0xcbf29ce484222325ull
uint64_t util_hash(uint64_t h, const void *p, size_t n);
#define VEC_AT(v, i, T) ((T)(v).items[i])

/* ---- string buffer (heap-backed, freed by the owner) ---- */
typedef struct strbuf {
    char *s;
    size_t len, cap;
} strbuf;
void sb_putc(strbuf *b, char c);
void sb_puts(strbuf *b, const char *s);
void sb_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(strbuf *b, const char *fmt, va_list ap);
void sb_free(strbuf *b);

/* ---- failures that are not the user's ---- */
_Noreturn void util_internal(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
_Noreturn void util_syserr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define INTERNAL(...) util_internal(__FILE__, __LINE__, __VA_ARGS__)
#define UTIL_ASSERT(c) ((c) ? (void)0 : util_internal(__FILE__, __LINE__, "assertion '%s' failed", #c))
#define UNREACHABLE() util_internal(__FILE__, __LINE__, "unreachable")

/* ---- text from the input inside generated C/CUDA source ----
 * Paths, string literals and names come from the user and may hold any byte; they reach the
 * generated source only through these, so that no input can end a literal, a comment or a
 * directive early, form a trigraph (gcc honours them under -std=c11) or splice lines. */
void util_c_string(strbuf *b, const char *s);    /* a quoted C string literal of s's bytes */
void util_c_comment(strbuf *b, const char *s);   /* s as text safe inside a block comment, one line */

/* Read a whole file into an arena string (NUL-terminated); NULL and errno set on failure: EFBIG
 * past UTIL_READ_MAX bytes (tylesc /dev/zero read until memory ran out). */
#define UTIL_READ_MAX ((size_t)256 << 20)
char *util_read_file(const char *path, size_t *len);
/* Python reads source with universal newlines: \r\n and a lone \r become \n, in place
 * (NUL-terminated again); returns the new length. */
size_t util_universal_newlines(char *s, size_t n);

#endif
