/* tyl_format.h: Python's format(x, spec) of an int or a float, character for character (the
 * format-spec mini-language: fill, align, sign, z, #, 0, width, grouping ',' '_', precision and
 * the types b c d o x X n e E f F g G %), and the growable string the compiled program builds
 * f-strings, %-formatting and str.format() in. No MPI and no run-time state: the compiler links
 * it too, to check a spec when compiling with the parser the program runs. */
#ifndef TYLES_FORMAT_H
#define TYLES_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* A string being built; {0} is empty. On out-of-memory it stays as it was and oom is set. */
typedef struct tyl_sbuf {
    char *s;
    size_t len, cap;
    int oom;
} tyl_sbuf;

void tyl_sbuf_add(tyl_sbuf *b, const char *s, size_t n);
void tyl_sbuf_free(tyl_sbuf *b);

/* A parsed format spec. fill is one UTF-8 character (NUL-terminated). */
typedef struct tyl_fspec {
    char fill[5];
    char align;   /* '<' '>' '=' '^', 0: the default */
    char sign;    /* '+' '-' ' ', 0: the default */
    int z, alt;   /* 'z' (no negative zero), '#' */
    long width;   /* -1: none */
    char group;   /* ',' '_' or 0 */
    long prec;    /* -1: none */
    char type;    /* 0: none */
} tyl_fspec;

/* Parses spec for a value of kind 'i' (int), 'f' (float), 'b' (bool: an int, but the empty
 * spec writes True/False) or 's' (str: align defaults to '<'). Returns NULL when Python accepts it, else the message of the
 * ValueError Python raises (in err, errlen bytes). */
const char *tyl_fspec_parse(const char *spec, int kind, tyl_fspec *f, char *err, size_t errlen);

/* Appends format(x, spec) to b. Returns 0, or -1 when spec is not one Python accepts for the
 * value (tyl_fspec_parse says why), or -2 for type 'c' of an int out of range(0x110000)
 * (Python's OverflowError). */
int tyl_format_double(tyl_sbuf *b, const char *spec, double x);
/* Two specs no Python spec can be, for a part of a complex number's str() (Python's and
 * NumPy's: (1+2j), 2.5j, (nan-infj)): TYL_SPEC_CPART repr(x) without a trailing ".0",
 * TYL_SPEC_CPART_SIGNED the same with a '+' unless negative (a NaN is always +nan). */
#define TYL_SPEC_CPART "\001n"
#define TYL_SPEC_CPART_SIGNED "\001s"
int tyl_format_int(tyl_sbuf *b, const char *spec, int64_t x);
/* bool: the empty spec gives True/False, any other spec formats it as the int 0/1. */
int tyl_format_bool(tyl_sbuf *b, const char *spec, int x);
/* Python's repr(float): the shortest digits that read back as x. */
void tyl_format_repr(tyl_sbuf *b, double x);

#endif
