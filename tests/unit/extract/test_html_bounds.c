/* Unit test of lib/extract/html_main.c's is_update_line: a block of the
 * page text is not NUL-terminated (each is followed by '\n', and the last
 * one may end the buffer), so comparing it with a label must not read past
 * it. This file replaces strncasecmp (the executable's definition comes
 * first) with one that fails the test when it is asked to compare past a
 * block: a '\n' within the first n bytes of the text compared with one of
 * the update labels. Found by fuzz_html (libFuzzer's strncasecmp hook read
 * strlen(label) bytes after a short last block and hit an unmapped page). */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "newsgrep.h"

static int past_block; /* calls that compared past the end of a block */

static int is_update_label(const char *s) {
    static const char *const labels[] = {"aktualisiert",  "zuletzt aktualisiert",
                                         "updated",       "last updated",
                                         "last modified", NULL};
    for (int i = 0; labels[i]; i++)
        if (strcmp(s, labels[i]) == 0) return 1;
    return 0;
}

int strncasecmp(const char *a, const char *b, size_t n) {
    if (is_update_label(b)) /* a is a block of the page text */
        for (size_t i = 0; i < n && a[i]; i++)
            if (a[i] == '\n') {
                past_block++;
                break;
            }
    for (size_t i = 0; i < n; i++) {
        int ca = tolower((unsigned char)a[i]), cb = tolower((unsigned char)b[i]);
        if (ca != cb || ca == 0) return ca - cb;
    }
    return 0;
}

static const char page[] =
    "<html><body><article><h1>A title of the story</h1>"
    "<p>The council met on Monday and agreed, after a long debate, to keep the "
    "library open for another year. Residents had asked for it for months.</p>"
    "<p>Updated 3 July 2019</p>"
    "<p>Upd</p></article></body></html>";

static void short_blocks_are_compared_within_them(void **state) {
    (void)state;
    ng_extract *ex = NULL;
    past_block = 0;
    assert_int_equal(ng_extract_html(page, strlen(page), NULL, &ex), 0);
    assert_int_equal(past_block, 0);
    assert_true(ng_extract_count(ex) >= 1);
    ng_extract_free(ex);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_blocks_are_compared_within_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
