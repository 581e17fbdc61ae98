/*
 * Unit tests of the query parser (lib/query/parse.c): the tree shape of
 * every construct (rendered by ngi_query_dump), analysis of words (stems,
 * stopwords, multi-token words as phrases with their gaps), and every
 * syntax error with its byte offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/fault.h"
#include "query/query.h"

static ng_analyzer *A, *FOLD;

static int setup(void **state) {
    (void)state;
    if (ng_analyzer_create(&A, "english", 0)) return -1;
    if (ng_analyzer_create(&FOLD, "english", NG_ANALYZE_NO_STEM | NG_ANALYZE_NO_STOP))
        return -1;
    return 0;
}

static int teardown(void **state) {
    (void)state;
    ng_analyzer_free(A);
    ng_analyzer_free(FOLD);
    return 0;
}

/* Parses q and checks the dump equals want. */
static void shape_flags(const char *q, unsigned flags, const char *want) {
    ng_query *qq = NULL;
    int rc = ngi_query_parse_with(&qq, A, FOLD, q, strlen(q), flags);
    if (rc) fail_msg("parse '%s': %s (%s)", q, ng_strerror(rc), ng_query_errmsg(qq));
    ngi_buf b = NGI_BUF_INIT;
    assert_int_equal(ngi_query_dump(qq, &b), 0);
    if (strcmp((const char *)b.data, want))
        fail_msg("query '%s'\n  got  %s\n  want %s", q, (const char *)b.data, want);
    ngi_buf_free(&b);
    ng_query_free(qq);
}

static void shape(const char *q, const char *want) {
    shape_flags(q, 0, want);
}

/* Parses q, expects code rc at byte offset off, with msg in the message. */
static void error_at_flags(const char *q, unsigned flags, int code, size_t off,
                           const char *msg) {
    ng_query *qq = NULL;
    int rc = ngi_query_parse_with(&qq, A, FOLD, q, strlen(q), flags);
    if (rc != code)
        fail_msg("query '%s': got %s want %s (%s)", q, ng_error_name(rc),
                 ng_error_name(code), qq ? ng_query_errmsg(qq) : "");
    assert_non_null(qq);
    if (ng_query_error_offset(qq) != off)
        fail_msg("query '%s': offset %zu want %zu (%s)", q, ng_query_error_offset(qq),
                 off, ng_query_errmsg(qq));
    char pos[64];
    snprintf(pos, sizeof pos, "at position %zu", off);
    assert_non_null(strstr(ng_query_errmsg(qq), pos));
    if (msg && !strstr(ng_query_errmsg(qq), msg))
        fail_msg("query '%s': message '%s' lacks '%s'", q, ng_query_errmsg(qq), msg);
    ng_query_free(qq);
}

static void error_at(const char *q, int code, size_t off, const char *msg) {
    error_at_flags(q, 0, code, off, msg);
}

static void bare_words_are_ranked_or(void **state) {
    (void)state;
    shape("elections Kazakhstan", "(elect kazakhstan)");
    shape_flags("elections Kazakhstan", NG_QUERY_ALL, "(+elect +kazakhstan)");
    shape("Summit", "(summit)");
}

static void operators(void **state) {
    (void)state;
    shape("china AND summit", "(+china +summit)");
    shape("china OR summit", "(china summit)");
    shape("china summit AND astana", "(china (+summit +astana))");
    shape("china AND summit OR astana", "((+china +summit) astana)");
    shape("china NOT summit", "(china -summit)");
    shape("china AND NOT summit", "(+china -summit)");
    shape("+china summit -astana", "(+china summit -astana)");
    shape("(china OR kazakhstan) AND summit", "(+(china kazakhstan) +summit)");
    shape("((china))", "(china)");
    shape_flags("china summit OR astana", NG_QUERY_ALL, "(+china +(summit astana))");
}

static void repeated_terms_weigh_more(void **state) {
    (void)state;
    shape("york york new", "(york^2 new)");
    shape("cats cat", "(cat^2)");
}

static void phrases(void **state) {
    (void)state;
    shape("\"Astana Declaration\"", "(\"astana declar\")");
    shape("\"Treaty of Good-Neighborliness\"", "(\"treati _ good neighborli\")");
    shape("\"New York, New York\"", "(\"new york new york\")");
    shape("\"astana summit\"~5", "(\"astana summit\"~5)");
    shape("\"the summit\"", "(summit)");
    shape("\"the of\" summit", "(summit)");
    shape("Good-Neighborliness", "(\"good neighborli\")");
}

static void stopwords_are_dropped(void **state) {
    (void)state;
    shape("the summit of leaders", "(summit leader)");
    shape_flags("the summit", NG_QUERY_ALL, "(+summit)");
    shape("the", "()");
    shape("the AND summit", "(summit)");
}

static void fields_and_dates(void **state) {
    (void)state;
    shape("title:summit", "(title:summit)");
    shape("body:\"astana declaration\"", "(body:\"astana declar\")");
    shape("title:(china summit)", "(title:china title:summit)");
    shape("date:2025-06-01..2025-06-30 summit", "(+date:2025-06-01..2025-06-30 summit)");
    shape("summit date:2025-06-17", "(summit +date:2025-06-17..2025-06-17)");
    shape("summit +date:2025-06-01..", "(summit +date:2025-06-01..)");
    shape("summit date:..2025-06-01", "(summit +date:..2025-06-01)");
    shape("summit OR date:..2025-06-01", "(summit date:..2025-06-01)");
    shape("summit -date:..2025-06-01", "(summit -date:..2025-06-01)");
    /* field names in any case; words with colons that are not field
     * syntax stay words */
    shape("Title:summit BODY:talks", "(title:summit body:talk)");
    shape("10:30 http://x.org note:", "(\"10 30\" \"http x org\" note)");
}

static void unknown_fields_are_errors(void **state) {
    (void)state;
    error_at("foo:oil", NG_EQUERY, 0, "unknown field 'foo' (fields: title, body, date)");
    error_at("oil Titel:\"crude oil\"", NG_EQUERY, 4, "unknown field 'Titel'");
    error_at("(oil OR headline:(crude))", NG_EQUERY, 8, "unknown field 'headline'");
}

/* A prefix stays a prefix: the index expands it at search time. */
static void prefixes_stay_unexpanded(void **state) {
    (void)state;
    shape("summ* china", "(summ* china)");
    shape("+Summ* china", "(+summ* china)");
    shape("title:summ* summ* summ*", "(title:summ* summ*^2)");
    shape("-summ* china", "(-summ* china)");
}

static void plain_mode_ignores_syntax(void **state) {
    (void)state;
    shape_flags("what is (\"aero\" AND -flow)", NG_QUERY_PLAIN, "(what aero flow)");
    /* quotes still make phrases: the peers' evaluation convention */
    shape_flags("the \"Astana Declaration\" AND summit", NG_QUERY_PLAIN,
                "(\"astana declar\" summit)");
    shape_flags("\"astana summit", NG_QUERY_PLAIN, "(astana summit)");
    shape_flags("china summ* (talks)", NG_QUERY_PLAIN, "(china summ* talk)");
    shape_flags("china \"astana summit\"", NG_QUERY_PLAIN | NG_QUERY_ALL,
                "(+china +\"astana summit\")");
}

static void errors_point_at_the_position(void **state) {
    (void)state;
    error_at("", NG_EQUERY, 0, "empty query");
    error_at("   ", NG_EQUERY, 0, "empty query");
    error_at("summit \"astana decl", NG_EQUERY, 7, "unclosed quote");
    error_at("(china summit", NG_EQUERY, 0, "unclosed parenthesis");
    error_at("china (summit", NG_EQUERY, 6, "unclosed parenthesis");
    error_at("china summit)", NG_EQUERY, 12, "unmatched ')'");
    error_at("china AND", NG_EQUERY, 6, "dangling AND");
    error_at("AND china", NG_EQUERY, 0, "dangling AND");
    error_at("china OR OR summit", NG_EQUERY, 6, "dangling OR");
    error_at("china NOT", NG_EQUERY, 6, "dangling NOT");
    error_at("china - summit", NG_EQUERY, 6, "dangling '-'");
    error_at("china +", NG_EQUERY, 6, "dangling '+'");
    error_at("()", NG_EQUERY, 0, "empty parentheses");
    error_at("-china", NG_EQUERY, 0, "not excluded");
    error_at("NOT china", NG_EQUERY, 0, "not excluded");
    error_at("summit title:", NG_EQUERY, 7, "missing value");
    error_at("summit date:2025-13-01", NG_EQUERY, 7, "invalid date");
    error_at("summit date:..", NG_EQUERY, 7, "invalid date");
    error_at("\"a b\"~", NG_EQUERY, 5, "followed by a number");
    error_at("\"astana summit\"~65", NG_ELIMIT, 15, "NG_MAX_PHRASE_SLOP");
    error_at("summit *", NG_EQUERY, 7, "empty prefix");
}

static void limits(void **state) {
    (void)state;
    char q[4096];
    size_t n = 0;
    for (int i = 0; i < NG_MAX_QUERY_DEPTH; i++) q[n++] = '(';
    n += (size_t)sprintf(q + n, "summit");
    for (int i = 0; i < NG_MAX_QUERY_DEPTH; i++) q[n++] = ')';
    q[n] = 0;
    shape(q, "(summit)");
    memmove(q + 1, q, n + 1);
    q[0] = '(';
    q[n + 1] = ')';
    q[n + 2] = 0;
    error_at(q, NG_ELIMIT, NG_MAX_QUERY_DEPTH, "NG_MAX_QUERY_DEPTH");
    n = 0;
    for (int i = 0; i <= NG_MAX_QUERY_TERMS; i++) n += (size_t)sprintf(q + n, "w%d ", i);
    error_at(q, NG_ELIMIT, n - 5, "NG_MAX_QUERY_TERMS");
    /* Plain mode (batch runs) reports it too; it used to return 0 with a
     * failed handle, which ng_search then refused as NG_EINVAL. */
    error_at_flags(q, NG_QUERY_PLAIN, NG_ELIMIT, n - 5, "NG_MAX_QUERY_TERMS");
}

static void allocation_failures_are_clean(void **state) {
    (void)state;
    const char *q = "china \"astana declaration\" AND (summit OR title:leaders) -x";
    for (long k = 0; k < 200; k++) {
        ng_query *qq = NULL;
        ngi_fault_alloc_after(k);
        int rc = ngi_query_parse_with(&qq, A, FOLD, q, strlen(q), 0);
        ngi_fault_alloc_after(-1);
        if (rc == 0) {
            ng_query_free(qq);
            return;
        }
        assert_int_equal(rc, NG_ENOMEM);
        assert_null(qq);
    }
    fail_msg("parse never succeeded");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bare_words_are_ranked_or),
        cmocka_unit_test(operators),
        cmocka_unit_test(repeated_terms_weigh_more),
        cmocka_unit_test(phrases),
        cmocka_unit_test(stopwords_are_dropped),
        cmocka_unit_test(fields_and_dates),
        cmocka_unit_test(unknown_fields_are_errors),
        cmocka_unit_test(prefixes_stay_unexpanded),
        cmocka_unit_test(plain_mode_ignores_syntax),
        cmocka_unit_test(errors_point_at_the_position),
        cmocka_unit_test(limits),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
