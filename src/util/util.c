/* util.c: arenas, vectors, string buffers, internal and system errors. */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
    arena_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

arena util_arena;

void arena_init(arena *a) { a->head = NULL; }

void *arena_alloc(arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->head->used + n > a->head->size) {
        size_t size = n > 65536 ? n : 65536;
        arena_block *b = malloc(sizeof *b + size);
        if (!b)
            util_syserr("out of memory");
        b->next = a->head;
        b->used = 0;
        b->size = size;
        a->head = b;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_free(arena *a)
{
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

uint64_t util_hash(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

void vec_push(vec *v, void *item)
{
    if (v->len == v->cap) {
        int cap = v->cap ? v->cap * 2 : 8;
        void **items = NEWN(void *, cap);
        if (v->len)
            memcpy(items, v->items, sizeof(void *) * (size_t)v->len);
        v->items = items;
        v->cap = cap;
    }
    v->items[v->len++] = item;
}

static void sb_grow(strbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s)
        util_syserr("out of memory");
    b->s = s;
    b->cap = cap;
}

void sb_putc(strbuf *b, char c)
{
    sb_grow(b, 1);
    b->s[b->len++] = c;
    b->s[b->len] = 0;
}

void sb_puts(strbuf *b, const char *s)
{
    size_t n = strlen(s);
    sb_grow(b, n);
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

void sb_vprintf(strbuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    sb_grow(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void sb_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(b, fmt, ap);
    va_end(ap);
}

void sb_free(strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void util_internal(const char *file, int line, const char *fmt, ...)
{
    fflush(stdout);
    fprintf(stderr, "tylesc: internal error at %s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(this is a bug in tylesc, not in your program)\n");
    /* For fuzzing: abort so the fuzzer records the internal error as a crash. */
    const char *ab = getenv("TYL_ABORT_ON_INTERNAL");
    if (ab && *ab && strcmp(ab, "0") != 0)
        abort();
    exit(3);
}

void util_syserr(const char *fmt, ...)
{
    fflush(stdout);
    fprintf(stderr, "tylesc: ");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    exit(2);
}

size_t util_universal_newlines(char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r') {
            s[o++] = '\n';
            if (i + 1 < n && s[i + 1] == '\n')
                i++;
        } else
            s[o++] = s[i];
    }
    s[o] = '\0';
    return o;
}

char *util_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    strbuf b = {0};
    char chunk[65536];
    size_t n;
    errno = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > UTIL_READ_MAX) {
            fclose(f);
            sb_free(&b);
            errno = EFBIG;
            return NULL;
        }
        sb_grow(&b, n);
        memcpy(b.s + b.len, chunk, n);
        b.len += n;
    }
    int err = ferror(f), why = errno; /* read(2)'s reason: "Is a directory" for a folder */
    fclose(f);
    if (err) {
        sb_free(&b);
        errno = why ? why : EIO;
        return NULL;
    }
    char *s = arena_strndup(&util_arena, b.s ? b.s : "", b.len);
    if (len)
        *len = b.len;
    sb_free(&b);
    return s;
}

void util_c_string(strbuf *b, const char *s)
{
    sb_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\' || *p == '?') /* "\?": no "??=" trigraph can form */
            sb_printf(b, "\\%c", *p);
        else if (*p == '\n')
            sb_puts(b, "\\n");
        else if (*p == '\t')
            sb_puts(b, "\\t");
        else if (*p < 32 || *p >= 127) /* three digits: a following digit is not absorbed */
            sb_printf(b, "\\%03o", *p);
        else
            sb_putc(b, (char)*p);
    }
    sb_putc(b, '"');
}

void util_c_comment(strbuf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((p[0] == '*' && p[1] == '/') || (p[0] == '/' && p[1] == '*') || (p[0] == '?' && p[1] == '?')) {
            sb_putc(b, (char)p[0]); /* "* /", "/ *", "? ?": no terminator, nested opener, trigraph */
            sb_putc(b, ' ');
        } else if (*p == '\\')
            sb_puts(b, "\\ "); /* never a line splice, whatever follows */
        else if (*p < 32 || *p == 127)
            sb_printf(b, "\\%03o", *p);
        else
            sb_putc(b, (char)*p);
    }
}
