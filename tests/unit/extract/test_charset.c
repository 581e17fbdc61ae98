/* Unit tests of lib/extract/charset.c (ng_text_to_utf8) and ng_extract_text
 * on text that is not UTF-8: Windows-1252 / Latin-1 text is converted to
 * UTF-8, UTF-8 text is left alone. */
#include <errno.h>
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "newsgrep.h"
#include "common/fault.h"
#include "unit/extract/extracttest.h"
#include "extract/charset.h"

static void cp1252_text_becomes_utf8(void **state) {
    (void)state;
    const char *text = "Caf\xE9 cr\xE8me\nLe gar\xE7on \x93"
                       "dit\x94 \x80 5.\n";
    ng_extract *ex = NULL;
    assert_int_equal(ng_extract_text(text, strlen(text), NULL, &ex), 0);
    assert_int_equal(ng_extract_count(ex), 1);
    assert_string_equal(extract_field(ex, 0, "title"), "Caf\xC3\xA9 cr\xC3\xA8me");
    assert_string_equal(extract_field(ex, 0, "body"), "Le gar\xC3\xA7on \xE2\x80\x9C"
                                                      "dit\xE2\x80\x9D \xE2\x82\xAC 5.");
    ng_extract_free(ex);
}

/* Found by fuzz_text: no ASCII letter, but "Ž”&" in Windows-1252; the CLI
 * gave one document and the library none. */
static void cp1252_letters_count_as_text(void **state) {
    (void)state;
    ng_extract *ex = NULL;
    assert_int_equal(ng_extract_text("\x8E\x94&", 3, NULL, &ex), 0);
    assert_int_equal(ng_extract_count(ex), 1);
    assert_string_equal(extract_field(ex, 0, "title"), "\xC5\xBD\xE2\x80\x9D&");
    ng_extract_free(ex);
}

static void utf8_text_is_left_alone(void **state) {
    (void)state;
    /* UTF-8 with one damaged byte among many accented letters stays UTF-8 */
    const char *text =
        "Caf\xC3\xA9 cr\xC3\xA8me \xC3\xA0 la gr\xC3\xA8ve \xC3\xA9t\xC3\xA9 "
        "\xC3\xA9l\xC3\xA8ve \xC3\xA9"
        "cole \xFF\nbody\n";
    assert_false(ngi_looks_cp1252(text, strlen(text)));
    ng_extract *ex = NULL;
    assert_int_equal(ng_extract_text(text, strlen(text), NULL, &ex), 0);
    assert_int_equal(ng_extract_count(ex), 1);
    assert_non_null(strstr(extract_field(ex, 0, "title"), "Caf\xC3\xA9 cr\xC3\xA8me"));
    ng_extract_free(ex);
    assert_false(ngi_looks_cp1252("plain ASCII", 11));
    assert_true(ngi_looks_cp1252("Caf\xE9", 4));
}

/* The table gives what glibc's iconv gives (the command converted with it
 * before 0.5), byte for byte, U+FFFD where iconv refuses a byte. */
static void conversion_matches_iconv(void **state) {
    (void)state;
    iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
    if (cd == (iconv_t)-1) skip();
    for (unsigned c = 0; c < 256; c++) {
        char in[1] = {(char)c}, want[8], *ip = in, *op = want;
        size_t il = 1, ol = sizeof want;
        if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
            assert_int_equal(errno, EILSEQ);
            memcpy(want, "\xEF\xBF\xBD", 3);
            op = want + 3;
        }
        ngi_buf got = NGI_BUF_INIT;
        assert_int_equal(ngi_cp1252_to_utf8(in, 1, &got), 0);
        assert_int_equal(got.len, (size_t)(op - want));
        assert_memory_equal(got.data, want, got.len);
        ngi_buf_free(&got);
    }
    iconv_close(cd);
}

/* ng_text_to_utf8: NULL for text that needs no change, else a new
 * NUL-terminated buffer; *encoding says how the bytes were read. */
static void text_to_utf8_ownership(void **state) {
    (void)state;
    char *out = (char *)1;
    size_t n = 99;
    int enc = -1;
    const char *utf8 = "Caf\xC3\xA9 \xFF ok";
    assert_int_equal(ng_text_to_utf8(utf8, strlen(utf8), 0, &out, &n, &enc), 0);
    assert_null(out); /* UTF-8, its damaged byte kept */
    assert_int_equal(n, strlen(utf8));
    assert_int_equal(enc, NG_TEXT_UTF8);
    assert_int_equal(ng_text_to_utf8("", 0, 0, &out, &n, &enc), 0);
    assert_null(out);
    assert_int_equal(n, 0);
    assert_int_equal(ng_text_to_utf8(NULL, 0, 0, &out, &n, NULL), 0);
    assert_null(out);
    const char *cp = "\x93"
                     "Caf\xE9\x94 \x80 \x81";
    assert_int_equal(ng_text_to_utf8(cp, strlen(cp), 0, &out, &n, &enc), 0);
    assert_int_equal(enc, NG_TEXT_CP1252);
    const char *want = "\xE2\x80\x9C"
                       "Caf\xC3\xA9\xE2\x80\x9D \xE2\x82\xAC \xEF\xBF\xBD";
    assert_int_equal(n, strlen(want));
    assert_string_equal(out, want); /* NUL-terminated */
    ng_text_free(out);
    ng_text_free(NULL);
}

/* NG_TEXT_REPLACE: invalid bytes and NUL become U+FFFD; NG_TEXT_UTF8_ONLY:
 * never Windows-1252. */
static void text_to_utf8_flags(void **state) {
    (void)state;
    char *out = NULL;
    size_t n = 0;
    int enc = -1;
    const char bad[] = "a\xFF\0b\xC3\xA9";
    assert_int_equal(
        ng_text_to_utf8(bad, sizeof bad - 1, NG_TEXT_REPLACE, &out, &n, &enc), 0);
    assert_int_equal(enc, NG_TEXT_UTF8);
    assert_int_equal(n, 10);
    assert_memory_equal(out,
                        "a\xEF\xBF\xBD\xEF\xBF\xBD"
                        "b\xC3\xA9",
                        11); /* and its NUL */
    ng_text_free(out);
    const char *cp = "Caf\xE9";
    assert_int_equal(ng_text_to_utf8(cp, 4, NG_TEXT_UTF8_ONLY, &out, &n, &enc), 0);
    assert_null(out); /* kept as it is */
    assert_int_equal(enc, NG_TEXT_UTF8);
    unsigned both = NG_TEXT_UTF8_ONLY | NG_TEXT_REPLACE;
    assert_int_equal(ng_text_to_utf8(cp, 4, both, &out, &n, &enc), 0);
    assert_string_equal(out, "Caf\xEF\xBF\xBD");
    ng_text_free(out);
    const char cpnul[] = "Caf\xE9\0";
    assert_int_equal(ng_text_to_utf8(cpnul, 5, NG_TEXT_REPLACE, &out, &n, &enc), 0);
    assert_int_equal(enc, NG_TEXT_CP1252);
    assert_string_equal(out, "Caf\xC3\xA9\xEF\xBF\xBD");
    ng_text_free(out);
    assert_int_equal(ng_text_to_utf8("ok", 2, NG_TEXT_REPLACE, &out, &n, NULL), 0);
    assert_null(out); /* valid: nothing to change */
}

static void text_to_utf8_errors(void **state) {
    (void)state;
    char *out = (char *)1;
    size_t n = 5;
    assert_int_equal(ng_text_to_utf8("x", 1, 1u << 7, &out, &n, NULL), NG_EINVAL);
    assert_null(out);
    assert_int_equal(n, 0);
    assert_int_equal(ng_text_to_utf8(NULL, 1, 0, &out, &n, NULL), NG_EINVAL);
    assert_int_equal(ng_text_to_utf8("x", 1, 0, NULL, &n, NULL), NG_EINVAL);
    assert_int_equal(ng_text_to_utf8("x", 1, 0, &out, NULL, NULL), NG_EINVAL);
    const char *cp = "Caf\xE9\xFF";
    for (int k = 0; k < 10; k++) {
        for (unsigned flags = 0; flags < 2; flags++) {
            ngi_fault_alloc_after(k);
            int rc = ng_text_to_utf8(cp, 5, flags * NG_TEXT_REPLACE, &out, &n, NULL);
            ngi_fault_alloc_after(-1);
            assert_true(rc == 0 || rc == NG_ENOMEM);
            if (rc) assert_null(out);
            ng_text_free(out);
        }
    }
}

/* Every allocation failure is reported as NG_ENOMEM and leaks nothing. */
static void out_of_memory(void **state) {
    (void)state;
    const char *text = "Caf\xE9 cr\xE8me\nLe gar\xE7on dit.\n";
    extract_text_alloc_failures(text, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cp1252_text_becomes_utf8),
        cmocka_unit_test(cp1252_letters_count_as_text),
        cmocka_unit_test(utf8_text_is_left_alone),
        cmocka_unit_test(conversion_matches_iconv),
        cmocka_unit_test(text_to_utf8_ownership),
        cmocka_unit_test(text_to_utf8_flags),
        cmocka_unit_test(text_to_utf8_errors),
        cmocka_unit_test(out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
