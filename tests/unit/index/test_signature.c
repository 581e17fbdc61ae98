/*
 * Unit tests of near-duplicate signatures (lib/index/signature.c): copies
 * with small edits collide, unrelated texts do not, the Jaccard estimate
 * is unbiased and close on sets of known similarity, and documents
 * without a body have none.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/hash.h"
#include "index/signature.h"

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void) { /* xorshift64 */
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* The signature of the words of text, split on spaces (as term hashes). */
static bool sign_text(const char *text, uint8_t *sig) {
    ngi_sigbuilder b;
    ngi_sig_begin(&b);
    for (const char *p = text; *p;) {
        while (*p == ' ') p++;
        const char *e = p;
        while (*e && *e != ' ') e++;
        if (e > p) ngi_sig_token(&b, ngi_hash64(p, (size_t)(e - p)));
        p = e;
    }
    return ngi_sig_end(&b, sig);
}

static bool sign_ids(const uint64_t *ids, size_t n, uint8_t *sig) {
    ngi_sigbuilder b;
    ngi_sig_begin(&b);
    for (size_t i = 0; i < n; i++) ngi_sig_token(&b, ngi_hash64(&ids[i], 8));
    return ngi_sig_end(&b, sig);
}

static const char *story =
    "central bank raised benchmark interest rate half percentage point tuesday largest "
    "increase more two decades policymakers moved cool inflation climbed highest level "
    "since early eighties governor told reporters further increases likely coming months "
    "bank act forcefully bring prices under control markets expected move government "
    "bond "
    "yields rose modestly announcement currency strengthened dollar economists warned "
    "higher borrowing costs weigh housing consumer spending several lenders said pass "
    "increase mortgage holders within days decision unanimous statement released meeting";

static void near_copies_collide_unrelated_do_not(void **state) {
    (void)state;
    uint8_t a[NGI_SIG_BYTES], b[NGI_SIG_BYTES], c[NGI_SIG_BYTES];
    char copy[2048];
    /* a byline in front, the last word changed (J = 70 / 74) */
    snprintf(copy, sizeof copy, "london wire %s", story);
    char *w = strstr(copy, "meeting");
    memcpy(w, "session", 7);
    assert_true(sign_text(story, a));
    assert_true(sign_text(copy, b));
    assert_true(ngi_sig_jaccard(a, b) >= NGI_SIG_THRESHOLD);
    assert_true(ngi_sig_matches(a, b) >= ngi_sig_min_matches(NGI_SIG_THRESHOLD));
    assert_true(sign_text("flooding along river forced thousands residents leave homes "
                          "weekend three days heavy rain swelled tributaries northern "
                          "valley emergency crews used boats reach families stranded",
                          c));
    assert_true(ngi_sig_jaccard(a, c) < 0.3);
    assert_true(ngi_sig_jaccard(a, a) == 1.0);
    /* the same words in reverse order are another text */
    char reversed[2048] = "";
    const char *end = story + strlen(story);
    while (end > story) {
        const char *start = end;
        while (start > story && start[-1] != ' ') start--;
        strncat(reversed, start, (size_t)(end - start));
        strcat(reversed, " ");
        end = start > story ? start - 1 : start;
    }
    assert_true(sign_text(reversed, c));
    assert_true(ngi_sig_jaccard(a, c) < 0.3);
}

static void empty_body_has_no_signature(void **state) {
    (void)state;
    uint8_t s[NGI_SIG_BYTES];
    memset(s, 0xff, sizeof s);
    assert_false(sign_text("", s));
    for (size_t i = 0; i < sizeof s; i++) assert_int_equal(s[i], 0);
    assert_true(sign_text("short text", s)); /* under 5 words: one shingle */
    uint8_t t[NGI_SIG_BYTES];
    assert_true(sign_text("short text", t));
    assert_int_equal(ngi_sig_matches(s, t), NGI_SIG_BINS);
}

/* Two documents of n distinct tokens sharing their first m: their 5-word
 * shingle sets have Jaccard (m - 4) / (2 (n - 4) - (m - 4)). Over many
 * pairs the estimate is unbiased (mean within 0.02) with the spread of
 * the b-bit MinHash theory (within 25% of sqrt(P (1 - P) / bins) / 0.75,
 * P = J + (1 - J) / 4 the chance that two 2-bit values agree). */
static void jaccard_estimate_is_accurate(void **state) {
    (void)state;
    enum { N = 300, PAIRS = 200 };
    static const size_t shared[] = {300, 290, 270, 250, 200, 150};
    uint64_t x[N], y[N];
    for (size_t k = 0; k < sizeof shared / sizeof *shared; k++) {
        size_t m = shared[k];
        double truth = (double)(m - 4) / (2.0 * (N - 4) - (double)(m - 4));
        double sum = 0, sq = 0;
        for (int p = 0; p < PAIRS; p++) {
            for (size_t i = 0; i < N; i++) {
                x[i] = next_rand();
                y[i] = i < m ? x[i] : next_rand();
            }
            uint8_t a[NGI_SIG_BYTES], b[NGI_SIG_BYTES];
            sign_ids(x, N, a);
            sign_ids(y, N, b);
            double e = ngi_sig_jaccard(a, b) - truth;
            sum += e;
            sq += e * e;
        }
        double mean = sum / PAIRS, sd = sqrt(sq / PAIRS - mean * mean);
        double agree = truth + (1 - truth) / 4;
        double theory = sqrt(agree * (1 - agree) / NGI_SIG_BINS) / 0.75;
        print_message("J %.3f: bias %+.4f sd %.4f (theory %.4f)\n", truth, mean, sd,
                      theory);
        assert_true(fabs(mean) < 0.02);
        assert_true(sd <= 1.25 * theory);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(near_copies_collide_unrelated_do_not),
        cmocka_unit_test(empty_body_has_no_signature),
        cmocka_unit_test(jaccard_estimate_is_accurate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
