/* Unit tests of lib/analyze: every token rule of tokenizer.c with exact
 * terms, positions and byte offsets; languages, flags, limits, invalid
 * UTF-8, the term cache and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "common/fault.h"
#include "newsgrep.h"

/* ---- helpers: tokens rendered as "term@pos[start,end)" ---- */

typedef struct collect {
    char out[16384];   /* rendered tokens, space separated */
    size_t len;        /* bytes used in out */
    size_t count;      /* tokens seen */
    size_t stop_after; /* return 7 after this many tokens (0 = never) */
} collect;

static int collect_cb(void *ctx, const ng_token *t) {
    collect *c = ctx;
    assert_true(t->term_len >= 1 && t->term_len <= NG_MAX_TOKEN_BYTES);
    assert_true(t->start < t->end);
    int n = snprintf(c->out + c->len, sizeof c->out - c->len, "%s%.*s@%u[%zu,%zu)",
                     c->len ? " " : "", (int)t->term_len, t->term, t->position, t->start,
                     t->end);
    assert_true(n > 0 && (size_t)n < sizeof c->out - c->len);
    c->len += (size_t)n;
    c->count++;
    return c->stop_after && c->count >= c->stop_after ? 7 : 0;
}

/* Tokenizes text with flags (English) and returns the rendering. */
static const char *toks_lang(const char *lang, unsigned flags, const char *text,
                             size_t len) {
    static collect c;
    memset(&c, 0, sizeof c);
    ng_analyzer *a = NULL;
    assert_int_equal(ng_analyzer_create(&a, lang, flags), 0);
    assert_int_equal(ng_analyzer_tokenize(a, text, len, 0, collect_cb, &c), 0);
    ng_analyzer_free(a);
    return c.out;
}

static const char *toks(unsigned flags, const char *text) {
    return toks_lang("english", flags, text, strlen(text));
}

#define RAW (NG_ANALYZE_NO_STEM | NG_ANALYZE_NO_STOP)

/* ---- normalisation ---- */

static void folds_case_and_diacritics(void **state) {
    (void)state;
    assert_string_equal(toks(RAW, "Café Straße naïve NAÏVE"),
                        "cafe@0[0,5) strasse@1[6,13) naive@2[14,20) naive@3[21,27)");
    /* Decomposed é (e + U+0301) and precomposed é give the same term. */
    assert_string_equal(toks(RAW, "cafe\xcc\x81 caf\xc3\xa9"),
                        "cafe@0[0,6) cafe@1[7,12)");
    /* NFKC: fullwidth letters, ligatures, circled digits. */
    assert_string_equal(toks(RAW, "\xef\xbc\xb5\xef\xbc\xb3 \xef\xac\x81ne"),
                        "us@0[0,6) fine@1[7,12)");
    /* Default flags: naïve and NAÏVE stem to the same term. */
    assert_string_equal(toks(0, "naïve NAÏVE"), "naiv@0[0,6) naiv@1[7,13)");
}

static void offsets_point_into_original_text(void **state) {
    (void)state;
    assert_string_equal(toks(0, "Le café, naïve"), "le@0[0,2) cafe@1[3,8) naiv@2[10,16)");
}

static void keeps_marks_of_indic_scripts(void **state) {
    (void)state;
    /* Devanagari vowel signs are marks, but letters of the word: kept. */
    assert_string_equal(toks_lang("hindi", RAW, "हिन्दी", strlen("हिन्दी")),
                        "हिन्दी@0[0,18)");
}

static void drops_ignorables_inside_words(void **state) {
    (void)state;
    /* Soft hyphen and zero-width joiner do not split a word. */
    assert_string_equal(toks(RAW, "news\xc2\xadpaper ab\xe2\x80\x8d"
                                  "cd"),
                        "newspaper@0[0,11) abcd@1[12,19)");
}

/* ---- words, joiners ---- */

static void us_acronym_equals_us_and_is_kept(void **state) {
    (void)state;
    assert_string_equal(toks(0, "U.S. US us u.s the U.S.-led"),
                        "us@0[0,4) us@1[5,7) us@2[8,10) us@3[11,14) "
                        "us@5[19,23) led@6[24,27)");
    /* As a query would contain it, quotes included. */
    assert_string_equal(toks(0, "\"U.S.\""), "us@0[1,5)");
    assert_string_equal(toks(0, "e.g. U.N. J.R.R."), "eg@0[0,4) un@1[5,9) jrr@2[10,16)");
    /* A dot after a longer word separates. */
    assert_string_equal(toks(RAW, "U.S.Army example.com"),
                        "us@0[0,4) army@1[4,8) example@2[9,16) com@3[17,20)");
}

static void possessive_s_dropped(void **state) {
    (void)state;
    assert_string_equal(toks(0, "China's China\xe2\x80\x99s China"),
                        "china@0[0,5) china@1[8,13) china@2[18,23)");
    assert_string_equal(toks(RAW, "workers' union"), "workers@0[0,7) union@1[9,14)");
}

static void apostrophe_keeps_one_word(void **state) {
    (void)state;
    assert_string_equal(toks(RAW, "don't don\xe2\x80\x99t rock'n'roll 'quoted'"),
                        "don't@0[0,5) don't@1[6,13) rock'n'roll@2[14,25) "
                        "quoted@3[27,33)");
    assert_string_equal(toks(0, "don't"), "don't@0[0,5)");
}

static void hyphens_split_words(void **state) {
    (void)state;
    assert_string_equal(toks(0, "Good-Neighborliness"), "good@0[0,4) neighborli@1[5,19)");
    assert_string_equal(toks(RAW, "Good-Neighborliness"),
                        "good@0[0,4) neighborliness@1[5,19)");
    /* Unicode hyphen and en dash too. */
    assert_string_equal(toks(RAW, "China\xe2\x80\x93"
                                  "Central x\xe2\x80\x90y"),
                        "china@0[0,5) central@1[8,15) x@2[16,17) y@3[20,21)");
}

static void numbers_kept(void **state) {
    (void)state;
    assert_string_equal(toks(0, "3.5 2025 133 1,000 155,221 1,2 192.168.0.1 5.93."),
                        "3.5@0[0,3) 2025@1[4,8) 133@2[9,12) 1000@3[13,18) "
                        "155221@4[19,26) 1@5[27,28) 2@6[29,30) "
                        "192.168.0.1@7[31,42) 5.93@8[43,47)");
    assert_string_equal(toks(0, "1,000,000 1,000.5 .5"),
                        "1000000@0[0,9) 1000.5@1[10,17) 5@2[19,20)");
}

/* ---- stopwords ---- */

static void stopwords_keep_positions(void **state) {
    (void)state;
    assert_string_equal(toks(0, "Treaty of Friendship"),
                        "treati@0[0,6) friendship@2[10,20)");
    assert_string_equal(toks(NG_ANALYZE_NO_STOP, "Treaty of Friendship"),
                        "treati@0[0,6) of@1[7,9) friendship@2[10,20)");
}

static void english_stopword_list(void **state) {
    (void)state;
    const char *stop =
        "a an and are as at be but by for if in into is it no not of on or "
        "such that the their then there these they this to was will with";
    assert_string_equal(toks(0, stop), "");
    assert_string_equal(toks(NG_ANALYZE_NO_STEM, "The THE it's us"), "us@3[13,15)");
    assert_true(ngi_stopword_en((const uint8_t *)"with", 4));
    assert_false(ngi_stopword_en((const uint8_t *)"us", 2));
    assert_false(ngi_stopword_en((const uint8_t *)"thes", 4));
    /* Other languages have no stopword list. */
    assert_string_equal(toks_lang("french", NG_ANALYZE_NO_STEM, "the le", 6),
                        "the@0[0,3) le@1[4,6)");
}

/* ---- stemming and languages ---- */

static void snowball_english_stemming(void **state) {
    (void)state;
    assert_string_equal(toks(0, "summits summit signed signing"),
                        "summit@0[0,7) summit@1[8,14) sign@2[15,21) sign@3[22,29)");
    assert_string_equal(toks(NG_ANALYZE_NO_STEM, "summits signed signing"),
                        "summits@0[0,7) signed@1[8,14) signing@2[15,22)");
    /* Case variants share one cache entry under the lowercase form, in
     * any order of first appearance. */
    assert_string_equal(toks(0, "SUMMITS summits Summits sUmmits"),
                        "summit@0[0,7) summit@1[8,15) summit@2[16,23) summit@3[24,31)");
    assert_string_equal(toks(0, "Summits summits THE the The"),
                        "summit@0[0,7) summit@1[8,15)");
    assert_string_equal(toks_lang("porter", 0, "the summits", 11), "summit@1[4,11)");
}

static void every_libstemmer_language(void **state) {
    (void)state;
    const char **langs = ng_languages();
    size_t n = 0;
    for (; langs[n]; n++) {
        ng_analyzer *a = NULL;
        assert_int_equal(ng_analyzer_create(&a, langs[n], 0), 0);
        assert_string_equal(ng_analyzer_language(a), langs[n]);
        ng_analyzer_free(a);
    }
    assert_true(n >= 25);
    assert_string_equal(toks_lang("fr", 0, "continuellement Élégantes", 26),
                        "continuel@0[0,15) eleg@1[16,26)");
    assert_string_equal(toks_lang("ru", 0, "Москва столицы", 25),
                        "москв@0[0,12) столиц@1[13,25)");
}

static void language_names_and_codes(void **state) {
    (void)state;
    const char *cases[][2] = {{"en", "english"},      {"eng", "english"},
                              {"English", "english"}, {"fr", "french"},
                              {"deu", "german"},      {"ES", "spanish"}};
    for (size_t i = 0; i < NGI_ARRAY_LEN(cases); i++) {
        ng_analyzer *a = NULL;
        assert_int_equal(ng_analyzer_create(&a, cases[i][0], 0), 0);
        assert_string_equal(ng_analyzer_language(a), cases[i][1]);
        ng_analyzer_free(a);
    }
    ng_analyzer *a = (ng_analyzer *)1;
    assert_int_equal(ng_analyzer_create(&a, "klingon", 0), NG_ELANG);
    assert_null(a);
    assert_int_equal(ng_analyzer_create(&a, "", 0), NG_ELANG);
    assert_int_equal(ng_analyzer_create(&a, "englishenglishenglishenglishenglish", 0),
                     NG_ELANG);
    assert_int_equal(ng_analyzer_create(&a, NULL, 0), 0);
    assert_string_equal(ng_analyzer_language(a), "english");
    ng_analyzer_free(a);
}

/* ---- CJK ---- */

static void cjk_bigrams(void **state) {
    (void)state;
    assert_string_equal(toks(0, "北京大学"), "北京@0[0,6) 京大@1[3,9) 大学@2[6,12)");
    assert_string_equal(toks(0, "京 news"), "京@0[0,3) news@1[4,8)");
    assert_string_equal(toks(0, "北京大学 news"),
                        "北京@0[0,6) 京大@1[3,9) 大学@2[6,12) news@3[13,17)");
    /* Latin and digits end a run; kana and Hangul are bigrammed too. */
    assert_string_equal(toks(RAW, "abc北京def 2025年"),
                        "abc@0[0,3) 北京@1[3,9) def@2[9,12) 2025@3[13,17) 年@4[17,20)");
    assert_string_equal(toks(0, "ひらがなカタカナ"),
                        "ひら@0[0,6) らが@1[3,9) がな@2[6,12) なカ@3[9,15) "
                        "カタ@4[12,18) タカ@5[15,21) カナ@6[18,24)");
    assert_string_equal(toks(0, "한국어"), "한국@0[0,6) 국어@1[3,9)");
}

static void cjk_marks_kept_and_folded(void **state) {
    (void)state;
    /* が (precomposed) and か + U+3099 are the same; か differs. */
    assert_string_equal(toks(0, "が \xe3\x81\x8b\xe3\x82\x99 か"),
                        "が@0[0,3) が@1[4,10) か@2[11,14)");
    /* Halfwidth ｶﾞ folds to ガ; a compatibility ideograph to its unified one. */
    assert_string_equal(toks(0, "\xef\xbd\xb6\xef\xbe\x9e \xef\xa4\x80"),
                        "ガ@0[0,6) 豈@1[7,10)");
}

/* ---- bad input and limits ---- */

static void invalid_utf8_separates_and_is_counted(void **state) {
    (void)state;
    static const char text[] = "ab\x80"
                               "cd" /* lone continuation: 1 */
                               " ef\xc0\xaf"
                               "gh" /* overlong 2-byte: 2 */
                               " ij\xe0\x80\xaf"
                               "kl" /* overlong 3-byte: 3 */
                               " mn\xed\xa0\x80"
                               "op" /* surrogate: 3 */
                               " qr\xf4\x90\x80\x80"
                               "st" /* above U+10FFFF: 4 */
                               " uv\xff"
                               "wx"           /* never valid: 1 */
                               " yz\xe2\x82"; /* truncated at the end: 2 */
    ng_analyzer *a = NULL;
    collect c;
    memset(&c, 0, sizeof c);
    assert_int_equal(ng_analyzer_create(&a, NULL, RAW), 0);
    assert_int_equal(ng_analyzer_tokenize(a, text, sizeof text - 1, 0, collect_cb, &c),
                     0);
    assert_string_equal(c.out, "ab@0[0,2) cd@1[3,5) ef@2[6,8) gh@3[10,12) ij@4[13,15) "
                               "kl@5[18,20) mn@6[21,23) op@7[26,28) qr@8[29,31) "
                               "st@9[35,37) uv@10[38,40) wx@11[41,43) yz@12[44,46)");
    assert_true(ng_analyzer_invalid_bytes(a) == 16);
    /* The count accumulates over calls. */
    assert_int_equal(ng_analyzer_tokenize(a, "\x80", 1, 0, collect_cb, &c), 0);
    assert_true(ng_analyzer_invalid_bytes(a) == 17);
    ng_analyzer_free(a);
}

static void nul_bytes_and_symbols_separate(void **state) {
    (void)state;
    static const char text[] = "ab\0cd\0\0ef";
    assert_string_equal(toks_lang(NULL, RAW, text, sizeof text - 1),
                        "ab@0[0,2) cd@1[3,5) ef@2[7,9)");
    assert_string_equal(toks(RAW, "x😀y x+y"), "x@0[0,1) y@1[5,6) x@2[7,8) y@3[9,10)");
}

static void long_tokens_skipped_position_counted(void **state) {
    (void)state;
    char text[700], expect[700];
    memset(text, 'a', sizeof text);
    /* "x " + 255 a's + " y": kept. */
    memcpy(text, "x ", 2);
    memcpy(text + 257, " y", 3);
    snprintf(expect, sizeof expect, "x@0[0,1) %.255s@1[2,257) y@2[258,259)", text + 2);
    assert_string_equal(toks(RAW, text), expect);
    /* 256 a's: skipped, its position still taken. */
    memset(text, 'a', sizeof text);
    memcpy(text, "x ", 2);
    memcpy(text + 258, " y", 3);
    assert_string_equal(toks(RAW, text), "x@0[0,1) y@2[259,260)");
    /* The limit applies after normalisation: 128 é (256 bytes) fold to
     * 128 bytes and are kept; 100 ŉ (200 bytes) fold to 300 and are not. */
    char *p = text;
    for (int i = 0; i < 128; i++) memcpy(p, "\xc3\xa9", 2), p += 2;
    strcpy(p, " z");
    snprintf(expect, sizeof expect, "%.128s@0[0,256) z@1[257,258)",
             "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
             "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
    assert_string_equal(toks(NG_ANALYZE_NO_STEM, text), expect);
    p = text;
    for (int i = 0; i < 100; i++) memcpy(p, "\xc5\x89", 2), p += 2;
    strcpy(p, " z");
    assert_string_equal(toks(NG_ANALYZE_NO_STEM, text), "z@1[201,202)");
    /* Very long words (more than NGI_MAX_RAW_WORD bytes) too. */
    size_t big = 3 * NGI_MAX_RAW_WORD;
    char *huge = malloc(big + 3);
    assert_non_null(huge);
    memset(huge, 'b', big);
    memcpy(huge + big, " c", 3);
    char want[64];
    snprintf(want, sizeof want, "c@1[%zu,%zu)", big + 1, big + 2);
    assert_string_equal(toks(0, huge), want);
    free(huge);
}

/* ---- API contract ---- */

static void callback_stop_value_propagates(void **state) {
    (void)state;
    ng_analyzer *a = NULL;
    collect c;
    memset(&c, 0, sizeof c);
    c.stop_after = 2;
    assert_int_equal(ng_analyzer_create(&a, "en", 0), 0);
    assert_int_equal(
        ng_analyzer_tokenize(a, "one two three 北京大学", 24, 0, collect_cb, &c), 7);
    assert_int_equal(c.count, 2);
    memset(&c, 0, sizeof c);
    c.stop_after = 1;
    assert_int_equal(ng_analyzer_tokenize(a, "北京大学", 12, 0, collect_cb, &c), 7);
    assert_int_equal(c.count, 1);
    ng_analyzer_free(a);
}

static void first_position_and_empty_text(void **state) {
    (void)state;
    ng_analyzer *a = NULL;
    collect c;
    memset(&c, 0, sizeof c);
    assert_int_equal(ng_analyzer_create(&a, "en", 0), 0);
    assert_int_equal(ng_analyzer_tokenize(a, "the summit", 10, 100, collect_cb, &c), 0);
    assert_string_equal(c.out, "summit@101[4,10)");
    assert_int_equal(ng_analyzer_tokenize(a, NULL, 0, 0, collect_cb, &c), 0);
    memset(&c, 0, sizeof c);
    /* Positions saturate instead of wrapping. */
    assert_int_equal(ng_analyzer_tokenize(a, "x y", 3, UINT32_MAX, collect_cb, &c), 0);
    assert_string_equal(c.out, "x@4294967295[0,1) y@4294967295[2,3)");
    ng_analyzer_free(a);
}

static void invalid_arguments(void **state) {
    (void)state;
    ng_analyzer *a = NULL;
    collect c;
    assert_int_equal(ng_analyzer_create(NULL, "en", 0), NG_EINVAL);
    assert_int_equal(ng_analyzer_create(&a, "en", 1u << 7), NG_EINVAL);
    assert_null(a);
    assert_int_equal(ng_analyzer_create(&a, "en", 0), 0);
    assert_int_equal(ng_analyzer_tokenize(NULL, "x", 1, 0, collect_cb, &c), NG_EINVAL);
    assert_int_equal(ng_analyzer_tokenize(a, "x", 1, 0, NULL, &c), NG_EINVAL);
    assert_int_equal(ng_analyzer_tokenize(a, NULL, 1, 0, collect_cb, &c), NG_EINVAL);
    ng_analyzer_free(a);
    ng_analyzer_free(NULL);
    assert_null(ng_analyzer_language(NULL));
    assert_true(ng_analyzer_invalid_bytes(NULL) == 0);
}

/* ---- the term cache ---- */

/* Checks that token i is "w<i>ingse" at position i. */
static int check_nth_cb(void *ctx, const ng_token *t) {
    size_t *count = ctx;
    char want[32];
    int n = snprintf(want, sizeof want, "w%zuingse", *count);
    assert_int_equal(t->term_len, (size_t)n);
    assert_memory_equal(t->term, want, (size_t)n);
    assert_int_equal(t->position, *count);
    (*count)++;
    return 0;
}

/* Many distinct words (more than the cache holds: it clears and refills)
 * come out right, in a first pass (misses) and a second one (hits). */
static void cache_overflow_and_hits_agree(void **state) {
    (void)state;
    size_t n = 200000, cap = n * 16;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len, "w%zuings\xc3\xa9 ", i);
    ng_analyzer *a = NULL;
    assert_int_equal(ng_analyzer_create(&a, "en", NG_ANALYZE_NO_STEM), 0);
    for (int pass = 0; pass < 2; pass++) {
        size_t count = 0;
        assert_int_equal(ng_analyzer_tokenize(a, text, len, 0, check_nth_cb, &count), 0);
        assert_int_equal(count, n);
    }
    ng_analyzer_free(a);
    free(text);
}

/* ---- the ASCII fast path ---- */

/* Plain ASCII words take the fast path unless a joiner or a non-ASCII
 * byte follows them; both paths must give the same terms and offsets. */
static void ascii_fast_and_slow_paths_agree(void **state) {
    (void)state;
    /* Fast: ASCII separators. */
    assert_string_equal(toks(0, "Summits signed US, by 2025."),
                        "summit@0[0,7) sign@1[8,14) us@2[15,17) 2025@4[22,26)");
    /* Slow: em dashes (non-ASCII separators) after each word. */
    assert_string_equal(toks(0, "Summits\xe2\x80\x94signed\xe2\x80\x94US\xe2\x80\x94"
                                "by\xe2\x80\x94"
                                "2025\xe2\x80\x94"),
                        "summit@0[0,7) sign@1[10,16) us@2[19,21) 2025@4[29,33)");
}

/* Once the words are cached, tokenizing allocates nothing at all. */
static void no_allocation_per_token(void **state) {
    (void)state;
    const char *text = "The U.S. summit signed Café 北京大学 1,000 don't China's";
    ng_analyzer *a = NULL;
    collect c1, c2;
    memset(&c1, 0, sizeof c1);
    memset(&c2, 0, sizeof c2);
    assert_int_equal(ng_analyzer_create(&a, "en", 0), 0);
    assert_int_equal(ng_analyzer_tokenize(a, text, strlen(text), 0, collect_cb, &c1), 0);
    ngi_fault_alloc_after(0); /* every allocation fails from now on */
    for (int i = 0; i < 100; i++) {
        memset(&c2, 0, sizeof c2);
        assert_int_equal(ng_analyzer_tokenize(a, text, strlen(text), 0, collect_cb, &c2),
                         0);
    }
    ngi_fault_alloc_after(-1);
    assert_string_equal(c1.out, c2.out);
    ng_analyzer_free(a);
}

/* ---- the gate, 64 bytes at a time (block_words_gated) ---- */

/* Tokens, gated count and last gated position of one tokenize call. */
typedef struct gated_run {
    char *out; /* "term@pos[start,end)" for every emitted token */
    size_t len, cap;
    uint32_t gated, gated_last;
} gated_run;

static int gated_cb(void *ctx, const ng_token *t) {
    gated_run *r = ctx;
    char tmp[NG_MAX_TOKEN_BYTES + 64];
    int n = snprintf(tmp, sizeof tmp, "%.*s@%u[%zu,%zu) ", (int)t->term_len, t->term,
                     t->position, t->start, t->end);
    assert_true(n > 0 && (size_t)n < sizeof tmp);
    if (r->len + (size_t)n + 1 > r->cap) {
        r->cap = (r->cap + (size_t)n + 1) * 2;
        r->out = realloc(r->out, r->cap);
        assert_non_null(r->out);
    }
    memcpy(r->out + r->len, tmp, (size_t)n + 1);
    r->len += (size_t)n;
    return 0;
}

/* Gate tables for words and prefixes as lib/index/filter.c builds them:
 * first bytes, and first two (every second byte for a one-byte entry). */
static void gate_for(const char *const *terms, bool first[256], uint8_t pairs[]) {
    memset(first, 0, 256 * sizeof *first);
    memset(pairs, 0, NGI_GATE2_BYTES);
    for (size_t i = 0; terms[i]; i++) {
        unsigned c0 = (unsigned char)terms[i][0];
        first[c0] = true;
        if (!terms[i][1]) {
            memset(pairs + c0 * 32, 0xff, 32);
            continue;
        }
        unsigned pair = c0 << 8 | (unsigned char)terms[i][1];
        pairs[pair >> 3] |= (uint8_t)(1u << (pair & 7));
    }
}

static gated_run gated_tokens(ng_analyzer *a, const char *text, size_t len,
                              uint32_t first) {
    gated_run r = {0};
    assert_int_equal(ng_analyzer_tokenize(a, text, len, first, gated_cb, &r), 0);
    r.gated = a->gated;
    r.gated_last = a->gated_last;
    return r;
}

/* Text of random pieces: plain words in all cases, stopwords, words with
 * a second 'y', one-letter words, the gate's own words, joiners glued and
 * not, numbers, non-ASCII words and separators, words longer than a
 * block, separators of every kind; long enough to cross many blocks. */
static size_t random_text(char *out, size_t cap, unsigned *seed) {
    static const char *const pieces[] = {
        "oil",       "Oil",       "OILS",    "prices",   "Price", "priced", "zeppelin",
        "Zeppelins", "ze",        "z",       "Z",        "a",     "I",      "the",
        "The",       "THE",       "of",      "and",      "there", "These",  "their",
        "it's",      "China's",   "don't",   "U.S.",     "e.g.",  "3.5",    "1,000",
        "155,221",   "end.Next",  "dying",   "Dyed",     "ay",    "Ayes",   "yes",
        "sky",       "skies",     "1987",    "x86",      "café",  "Straße", "ＯＩＬ",
        "北京大学",  "naïve",     "—",       "“quoted”", "oil’s", "ﬁne",    "Ω",
        "history",   "Histories", "roman",   "empire",   "war",   "toward", "award",
        "pre",       "prefix",    "Prelude", "q",        "qu",    "wells",  "Pyre",
        "Oyster",    "zygote",
    };
    static const char *const seps[] = {" ", " ", " ",  "  ", "\n", ", ", ". ", "; ", "-",
                                       "(", ")", "\"", "'",  ".",  ",",  "\t", "/"};
    size_t n = 0;
    while (n + 300 < cap) {
        *seed = *seed * 1103515245u + 12345u;
        unsigned r = *seed >> 8;
        const char *p = pieces[r % (sizeof pieces / sizeof *pieces)];
        if (r % 97 == 0) { /* a word longer than a block */
            for (int k = 0; k < 70 + (int)(r % 200); k++) out[n++] = (char)('a' + k % 26);
        } else {
            memcpy(out + n, p, strlen(p));
            n += strlen(p);
        }
        const char *sp = seps[(r >> 12) % (sizeof seps / sizeof *seps)];
        memcpy(out + n, sp, strlen(sp));
        n += strlen(sp);
        if ((r >> 20) % 61 == 0) break;
    }
    out[n] = '\0';
    return n;
}

/* The block gate gives the same tokens, positions, offsets, gated count
 * and last gated position as the gate word by word, for gates of one
 * pair, one-byte entries (every second byte), 'y' second letters, many
 * pairs (keys by first byte only) and too many first bytes (no block
 * gate), over random text. */
static void block_gate_equals_word_gate(void **state) {
    (void)state;
    static const char *const g1[] = {"zeppelin", NULL};
    static const char *const g2[] = {"oil", "price", NULL};
    static const char *const g3[] = {"a", "pre", NULL};
    static const char *const g4[] = {"dy", "ay", "sky", "1987", "x86", NULL};
    static const char *const g5[] = {"ab", "ac", "ad", "ae", "af", "ag", "ah", "ai",
                                     "aj", "ak", "al", "am", "an", "ao", "ap", "aq",
                                     "ar", "as", "at", "au", "av", "aw", "ax", "az",
                                     "oi", "pr", "hi", "ro", "em", "wa", NULL};
    static const char *const g6[] = {"a", "b", "c", "d", "e", "f", "g", "h",
                                     "i", "j", "k", "l", "m", "n", "o", "p",
                                     "q", "r", "s", "t", "u", "v", "w", NULL};
    static const char *const g7[] = {"café", "北京", NULL};
    const char *const *gates[] = {g1, g2, g3, g4, g5, g6, g7};
    const bool simd_expected[] = {true, true, true, true, true, false, true};
    static char text[20000];
    static bool first[256];
    static uint8_t pairs[NGI_GATE2_BYTES];
    unsigned seed = 20261207u;
    for (size_t g = 0; g < sizeof gates / sizeof *gates; g++) {
        gate_for(gates[g], first, pairs);
        ng_analyzer *a = NULL, *b = NULL;
        assert_int_equal(ng_analyzer_create(&a, "english", 0), 0);
        assert_int_equal(ng_analyzer_create(&b, "english", 0), 0);
        assert_true(ngi_analyzer_set_gate(a, first, pairs));
        assert_true(ngi_analyzer_set_gate(b, first, pairs));
        assert_int_equal(a->gate_simd, simd_expected[g]);
        b->gate_simd = false;             /* the reference: word by word */
        ng_analyzer *c = NULL, *d = NULL; /* the block path's SSE2 and popcnt builds */
        assert_int_equal(ng_analyzer_create(&c, "english", 0), 0);
        assert_int_equal(ng_analyzer_create(&d, "english", 0), 0);
        assert_true(ngi_analyzer_set_gate(c, first, pairs));
        assert_true(ngi_analyzer_set_gate(d, first, pairs));
        c->gate_no_popcnt = true;
        d->gate_no_avx2 = true;
        for (int round = 0; round < 200; round++) {
            size_t len = random_text(text, sizeof text, &seed);
            uint32_t first_pos = round % 7 == 0 ? UINT32_MAX - 40 : (uint32_t)round;
            gated_run x = gated_tokens(a, text, len, first_pos);
            gated_run y = gated_tokens(b, text, len, first_pos);
            gated_run z = gated_tokens(c, text, len, first_pos);
            gated_run w = gated_tokens(d, text, len, first_pos);
            assert_string_equal(x.out ? x.out : "", y.out ? y.out : "");
            assert_string_equal(z.out ? z.out : "", y.out ? y.out : "");
            assert_string_equal(w.out ? w.out : "", y.out ? y.out : "");
            assert_int_equal(x.gated, y.gated);
            assert_int_equal(z.gated, y.gated);
            assert_int_equal(w.gated, y.gated);
            assert_int_equal(x.gated_last, y.gated_last);
            assert_int_equal(z.gated_last, y.gated_last);
            assert_int_equal(w.gated_last, y.gated_last);
            free(x.out);
            free(y.out);
            free(z.out);
            free(w.out);
        }
        ng_analyzer_free(a);
        ng_analyzer_free(b);
        ng_analyzer_free(c);
        ng_analyzer_free(d);
    }
}

/* The block gate's stopword test reads each short word from a lowered
 * copy of the block (block_stopwords): short words and stopwords at
 * every offset of the block and of the text's end, in all cases and
 * followed by every kind of byte, give the word-by-word gate's tokens,
 * counts and last positions. */
static void gate_stopwords_at_block_edges(void **state) {
    (void)state;
    static const char *const words[] = {
        "the", "The", "THE", "a", "of", "Of",    "is", "their", "THESE", "thes",
        "tha", "oil", "ox",  "x", "zz", "there", "an", "1",     "12"};
    static const char *const tails[] = {"", " ", ".", ",", "'", "\xc3\xa9", "9", "!"};
    static const char *const gate[] = {"zeppelin", "oil", NULL};
    static bool first[256];
    static uint8_t pairs[NGI_GATE2_BYTES];
    gate_for(gate, first, pairs);
    ng_analyzer *a = NULL, *b = NULL;
    assert_int_equal(ng_analyzer_create(&a, "english", 0), 0);
    assert_int_equal(ng_analyzer_create(&b, "english", 0), 0);
    assert_true(ngi_analyzer_set_gate(a, first, pairs));
    assert_true(ngi_analyzer_set_gate(b, first, pairs));
    assert_true(a->gate_simd);
    b->gate_simd = false;
    char text[512];
    for (size_t w = 0; w < sizeof words / sizeof *words; w++)
        for (size_t t = 0; t < sizeof tails / sizeof *tails; t++)
            for (size_t lead = 0; lead < 140; lead++) {
                size_t n = 0; /* filler, the word and its tail, filler: the word
                               * falls on every offset of a block */
                for (size_t k = 0; k < lead; k++)
                    text[n++] = k % 3 == 2 ? ' ' : "ab"[k % 3];
                if (n && text[n - 1] != ' ') text[n++] = ' ';
                memcpy(text + n, words[w], strlen(words[w]));
                n += strlen(words[w]);
                memcpy(text + n, tails[t], strlen(tails[t]));
                n += strlen(tails[t]);
                for (size_t k = 0; k < 150; k++)
                    text[n++] = k % 4 == 3 ? ' ' : "the"[k % 4];
                for (size_t cut = n - 80; cut <= n; cut += 80) { /* and at the end */
                    gated_run x = gated_tokens(a, text, cut, 0);
                    gated_run y = gated_tokens(b, text, cut, 0);
                    assert_string_equal(x.out ? x.out : "", y.out ? y.out : "");
                    assert_int_equal(x.gated, y.gated);
                    assert_int_equal(x.gated_last, y.gated_last);
                    free(x.out);
                    free(y.out);
                }
            }
    ng_analyzer_free(a);
    ng_analyzer_free(b);
}

/* Words that joiners or dropped characters make ("U.S." -> "us",
 * "don't", "1,000" -> "1000", "3.5") pass through the gate like plain
 * words: counted when no key matches, emitted when one does. */
static void gate_counts_joined_words(void **state) {
    (void)state;
    static const char *const g[] = {"zeppelin", NULL};
    static bool first[256];
    static uint8_t pairs[NGI_GATE2_BYTES];
    gate_for(g, first, pairs);
    ng_analyzer *a = NULL;
    assert_int_equal(ng_analyzer_create(&a, "english", 0), 0);
    assert_true(ngi_analyzer_set_gate(a, first, pairs));
    const char *text = "U.S. officials don't count 1,000 zeppelins, Z.E.P. or ze'ev 3.5.";
    gated_run r = gated_tokens(a, text, strlen(text), 0);
    /* us, officials, don't, count, 1000 and 3.5 are counted; "or" is a
     * stopword: neither emitted nor counted */
    assert_string_equal(r.out, "zeppelin@5[33,42) zep@6[44,50) ze'ev@8[54,59) ");
    assert_int_equal(r.gated, 6);
    assert_int_equal(r.gated_last, 9);
    free(r.out);
    ng_analyzer_free(a);
}

/* The gate hides no token whose term begins with a key (its first byte,
 * or first two for a key of two bytes or more), and the tokens it hides
 * are counted: emitted + gated = the tokens without the gate, over random
 * text with joiners, numbers, acronyms and non-ASCII words. */
static void gate_keeps_wanted_and_counts_rest(void **state) {
    (void)state;
    static const char *const g1[] = {"zeppelin", NULL};
    static const char *const g2[] = {"oil", "price", "3.", "us", NULL};
    static const char *const g3[] = {"a", "do", "e.", NULL};
    static const char *const g4[] = {"ch", "1,", "10", "15", "it", NULL};
    const char *const *gates[] = {g1, g2, g3, g4};
    static char text[20000];
    static bool first[256];
    static uint8_t pairs[NGI_GATE2_BYTES];
    unsigned seed = 20261208u;
    for (size_t k = 0; k < sizeof gates / sizeof *gates; k++) {
        gate_for(gates[k], first, pairs);
        ng_analyzer *a = NULL, *b = NULL;
        assert_int_equal(ng_analyzer_create(&a, "english", 0), 0);
        assert_int_equal(ng_analyzer_create(&b, "english", 0), 0);
        assert_true(ngi_analyzer_set_gate(b, first, pairs));
        for (int round = 0; round < 100; round++) {
            size_t len = random_text(text, sizeof text, &seed);
            gated_run all = gated_tokens(a, text, len, 0);
            gated_run some = gated_tokens(b, text, len, 0);
            /* every token of `all` whose term a key begins must be in `some` */
            size_t n_all = 0, n_some = 0;
            for (char *p = all.out ? all.out : ""; *p;) {
                char *sp = strchr(p, ' ');
                assert_non_null(sp);
                size_t n = (size_t)(sp - p) + 1;
                const unsigned char *term = (const unsigned char *)p;
                unsigned pair = (unsigned)term[0] << 8 | term[1];
                bool wanted = first[term[0]] &&
                              (term[1] == '@' || (pairs[pair >> 3] >> (pair & 7) & 1));
                char tokbuf[NG_MAX_TOKEN_BYTES + 64];
                assert_true(n < sizeof tokbuf);
                memcpy(tokbuf, p, n);
                tokbuf[n] = '\0';
                if (wanted) assert_non_null(strstr(some.out ? some.out : "", tokbuf));
                n_all++;
                p = sp + 1;
            }
            for (char *p = some.out ? some.out : ""; (p = strchr(p, ' ')); p++) n_some++;
            assert_int_equal(n_some + some.gated, n_all);
            free(all.out);
            free(some.out);
        }
        ng_analyzer_free(a);
        ng_analyzer_free(b);
    }
}

/* ---- allocation failures ---- */

static void allocation_failures_are_clean(void **state) {
    (void)state;
    const char *text = "Café naïve Straße 北京大学 ｶﾞ the U.S. summits";
    for (long k = 0; k < 64; k++) {
        ng_analyzer *a = NULL;
        ngi_fault_alloc_after(k);
        int rc = ng_analyzer_create(&a, "en", 0);
        if (rc == 0) {
            collect c;
            memset(&c, 0, sizeof c);
            rc = ng_analyzer_tokenize(a, text, strlen(text), 0, collect_cb, &c);
            assert_true(rc == 0 || rc == NG_ENOMEM);
        } else {
            assert_int_equal(rc, NG_ENOMEM);
            assert_null(a);
        }
        ngi_fault_alloc_after(-1);
        ng_analyzer_free(a);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(folds_case_and_diacritics),
        cmocka_unit_test(offsets_point_into_original_text),
        cmocka_unit_test(keeps_marks_of_indic_scripts),
        cmocka_unit_test(drops_ignorables_inside_words),
        cmocka_unit_test(us_acronym_equals_us_and_is_kept),
        cmocka_unit_test(possessive_s_dropped),
        cmocka_unit_test(apostrophe_keeps_one_word),
        cmocka_unit_test(hyphens_split_words),
        cmocka_unit_test(numbers_kept),
        cmocka_unit_test(stopwords_keep_positions),
        cmocka_unit_test(english_stopword_list),
        cmocka_unit_test(snowball_english_stemming),
        cmocka_unit_test(every_libstemmer_language),
        cmocka_unit_test(language_names_and_codes),
        cmocka_unit_test(cjk_bigrams),
        cmocka_unit_test(cjk_marks_kept_and_folded),
        cmocka_unit_test(invalid_utf8_separates_and_is_counted),
        cmocka_unit_test(nul_bytes_and_symbols_separate),
        cmocka_unit_test(long_tokens_skipped_position_counted),
        cmocka_unit_test(callback_stop_value_propagates),
        cmocka_unit_test(first_position_and_empty_text),
        cmocka_unit_test(invalid_arguments),
        cmocka_unit_test(cache_overflow_and_hits_agree),
        cmocka_unit_test(ascii_fast_and_slow_paths_agree),
        cmocka_unit_test(block_gate_equals_word_gate),
        cmocka_unit_test(gate_counts_joined_words),
        cmocka_unit_test(gate_keeps_wanted_and_counts_rest),
        cmocka_unit_test(gate_stopwords_at_block_edges),
        cmocka_unit_test(no_allocation_per_token),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
