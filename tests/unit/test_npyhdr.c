/* The .npy header parser (tyl_npyhdr.c) on its own: dictionaries NumPy writes or accepts, and
 * the forged or malformed ones it must refuse, each with its exact reason. Prints "ok NAME" /
 * "FAIL NAME". The same parser in the compiler and in the programs is tested end to end by
 * tests/runtime_errors/npy_inputs.sh. */
#include "tyl_npyhdr.h"

#include <stdio.h>
#include <string.h>

static int failures;

static void check(int ok, const char *name, const char *detail)
{
    printf("%s npyhdr_%s%s%s\n", ok ? "ok" : "FAIL", name, ok ? "" : ": ", ok ? "" : detail);
    failures += !ok;
}

#define M "has a malformed .npy header: "

/* text (n bytes; 0: up to its NUL) must be refused with why == want */
static void bad_n(const char *name, const char *text, size_t n, const char *want)
{
    tyl_npyhdr h;
    char why[TYL_NPYHDR_WHY_LEN] = "";
    memset(&h, 0, sizeof h);
    int rc = tyl_npyhdr_parse_dict(text, n ? n : strlen(text), &h, why);
    char detail[600];
    snprintf(detail, sizeof detail, "rc %d, why '%s', want '%s'", rc, why, want);
    check(rc == -1 && !strcmp(why, want), name, detail);
}

static void bad(const char *name, const char *text, const char *want)
{
    bad_n(name, text, 0, want);
}

/* text must parse to kind/size/big_endian/fortran and the shape given (ndim extents) */
static void good(const char *name, const char *text, char kind, int size, int be, int fortran,
                 int ndim, long long s0, long long s1)
{
    tyl_npyhdr h;
    char why[TYL_NPYHDR_WHY_LEN] = "";
    memset(&h, 0, sizeof h);
    int rc = tyl_npyhdr_parse_dict(text, strlen(text), &h, why);
    int ok = rc == 0 && h.kind == kind && h.size == size && h.big_endian == be &&
             h.fortran_order == fortran && h.ndim == ndim && (ndim < 1 || h.shape[0] == s0) &&
             (ndim < 2 || h.shape[1] == s1);
    char detail[600];
    snprintf(detail, sizeof detail, "rc %d (%s), kind %c size %d be %d fortran %d ndim %d", rc, why,
             h.kind ? h.kind : '0', h.size, h.big_endian, h.fortran_order, h.ndim);
    check(ok, name, detail);
}

/* the whole file (bytes, n) through tyl_npyhdr_read */
static void file(const char *name, const char *bytes, size_t n, const char *want)
{
    FILE *f = tmpfile();
    if (!f) {
        check(0, name, "tmpfile failed");
        return;
    }
    fwrite(bytes, 1, n, f);
    rewind(f);
    tyl_npyhdr h;
    char why[TYL_NPYHDR_WHY_LEN] = "";
    int rc = tyl_npyhdr_read(f, &h, why);
    fclose(f);
    char detail[600];
    snprintf(detail, sizeof detail, "rc %d, why '%s', want '%s'", rc, why, want ? want : "(loads)");
    check(want ? rc == -1 && !strcmp(why, want) : rc == 0 && h.data_offset == 128, name, detail);
}

int main(void)
{
    good("numpy_f8", "{'descr': '<f8', 'fortran_order': False, 'shape': (12, 10), }          \n",
         'f', 8, 0, 0, 2, 12, 10);
    good("numpy_b1_1d", "{'descr': '|b1', 'fortran_order': False, 'shape': (7,), }", 'b', 1, 0, 0, 1, 7, 0);
    good("numpy_0d", "{'descr': '<i8', 'fortran_order': False, 'shape': (), }", 'i', 8, 0, 0, 0, 0, 0);
    good("big_endian", "{'descr': '>i4', 'fortran_order': False, 'shape': (2, 3)}", 'i', 4, 1, 0, 2, 2, 3);
    good("big_endian_bool", "{'descr': '>b1', 'fortran_order': False, 'shape': (2, 3)}", 'b', 1, 0, 0, 2, 2, 3);
    good("question_bool", "{'descr': '?', 'fortran_order': False, 'shape': (2, 3)}", 'b', 1, 0, 0, 2, 2, 3);
    good("fortran", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 'f', 4, 0, 1, 2, 2, 3);
    good("fortran_1d_is_c", "{'descr': '<f4', 'fortran_order': True, 'shape': (6,), }", 'f', 4, 0, 0, 1, 6, 0);
    good("fortran_empty_is_c", "{'descr': '<f4', 'fortran_order': True, 'shape': (0, 3), }", 'f', 4, 0, 0, 2, 0, 3);
    good("unknown_dtype", "{'descr': '<c16', 'fortran_order': False, 'shape': (2, 3), }", 0, 0, 0, 0, 2, 2, 3);
    good("double_quotes_reordered", "{\"shape\":(2,3),\"descr\":\"<f8\",\"fortran_order\":False}", 'f', 8, 0, 0, 2, 2, 3);
    good("underscores", "{'descr': '<f8', 'fortran_order': False, 'shape': (1_000, 0), }", 'f', 8, 0, 0, 2, 1000, 0);
    good("int64_max", "{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807,), }",
         'f', 8, 0, 0, 1, 9223372036854775807LL, 0);

    bad("forged_shape", "{'descr': '<f8', 'fortran_order': False, 'x': \"'shape': (3, 4)\", 'shape': (12, 10), }",
        M "unknown key 'x' (NumPy allows only 'descr', 'fortran_order' and 'shape')");
    bad("forged_key_prefix", "{'descr': '<f8', 'fortran_order': False, 'shapes': (3, 4), 'shape': (12, 10)}",
        M "unknown key 'shapes' (NumPy allows only 'descr', 'fortran_order' and 'shape')");
    bad("escaped_quote", "{'descr': '<f8', 'fortran_order': False, 'x\\'': 1, 'shape': (1,)}",
        M "unknown key 'x\\'' (NumPy allows only 'descr', 'fortran_order' and 'shape')");
    bad("duplicate", "{'descr': '>f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,)}",
        M "key 'descr' appears twice");
    bad("no_descr", "{'fortran_order': False, 'shape': (1,)}", M "it has no key 'descr'");
    bad("no_shape", "{'descr': '<f8', 'fortran_order': False}", M "it has no key 'shape'");
    bad("empty_dict", "{}", M "it has no key 'descr'");
    bad("shape_int", "{'descr': '<f8', 'fortran_order': False, 'shape': (12)}",
        M "'shape' is not a tuple of non-negative integers");
    bad("shape_bool", "{'descr': '<f8', 'fortran_order': False, 'shape': (True, 2)}",
        M "'shape' is not a tuple of non-negative integers");
    bad("shape_hex", "{'descr': '<f8', 'fortran_order': False, 'shape': (0x10, 2)}",
        M "'shape' is not a tuple of non-negative integers");
    bad("shape_leading_zero", "{'descr': '<f8', 'fortran_order': False, 'shape': (012, 2)}",
        M "'shape' is not a tuple of non-negative integers");
    bad("shape_double_comma", "{'descr': '<f8', 'fortran_order': False, 'shape': (1,, 2)}",
        M "'shape' is not a tuple of non-negative integers");
    bad("shape_too_big", "{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775808,)}",
        M "an extent in 'shape' does not fit in 64 bits");
    bad("fortran_string", "{'descr': '<f8', 'fortran_order': 'False', 'shape': (1,)}",
        M "'fortran_order' is not True or False");
    bad("fortran_prefix", "{'descr': '<f8', 'fortran_order': Falsey, 'shape': (1,)}",
        M "'fortran_order' is not True or False");
    bad("descr_list", "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,)}",
        M "'descr' is not a dtype string such as '<f8'");
    bad("no_colon", "{'descr' '<f8', 'fortran_order': False, 'shape': (1,)}",
        M "it is not a Python dict literal (at byte 9 of the header)");
    bad("trailing", "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)} 0",
        M "it is not a Python dict literal (at byte 56 of the header)");
    bad("unterminated_string", "{'descr': '<f8, 'fortran_order': False, 'shape': (1,)}",
        M "it is not a Python dict literal (at byte 17 of the header)");
    bad("string_over_newline", "{'descr': '<f8\n', 'fortran_order': False, 'shape': (1,)}",
        M "'descr' is not a dtype string such as '<f8'");
    bad_n("nul", "{'descr': '<f8'\0, 'fortran_order': False, 'shape': (1,)}", 55,
          M "byte 15 of the header is 0x00, not printable ASCII");
    bad("non_ascii", "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), '\xc3\xa9': 1}",
        M "byte 57 of the header is 0xc3, not printable ASCII");
    bad("control", "{'descr': '<f8',\x01 'fortran_order': False, 'shape': (1,)}",
        M "byte 16 of the header is 0x01, not printable ASCII");

    /* whole files: preamble, versions, lengths */
    char f1[128];
    const char *dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
    memcpy(f1, "\x93NUMPY\x01\x00\x76\x00", 10);
    memset(f1 + 10, ' ', 118);
    memcpy(f1 + 10, dict, strlen(dict));
    f1[127] = '\n';
    file("file_v1", f1, 128, NULL);
    file("file_truncated", f1, 100, "is truncated (in its header)");
    file("file_no_length", f1, 9, "is truncated (in its header)");
    file("file_short_magic", f1, 4, "is not a .npy file (no \\x93NUMPY magic)");
    char f2[140];
    memcpy(f2, "\x93NUMPY\x02\x00\x74\x00\x00\x00", 12);
    memcpy(f2 + 12, f1 + 10, 116);
    f2[127] = '\n';
    file("file_v2", f2, 128, NULL);
    f2[6] = 3;
    file("file_v3", f2, 128, NULL);
    f2[6] = 2;
    f2[7] = 1;
    file("file_v2_1", f2, 128, "has .npy format version 2.1, which is not supported (NumPy reads "
                                "1.0, 2.0 and 3.0)");
    f2[7] = 0;
    f2[8] = 0x11, f2[9] = 0x27; /* 10001 */
    file("file_header_too_long", f2, 128, "has a .npy header of 10001 bytes, more than NumPy reads (10000)");
    f2[8] = (char)0xff, f2[9] = (char)0xff, f2[10] = (char)0xff, f2[11] = (char)0xff;
    file("file_header_4g", f2, 128, "has a .npy header of 4294967295 bytes, more than NumPy reads (10000)");
    return failures != 0;
}
