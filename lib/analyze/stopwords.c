/*
 * stopwords.c — the English stopword list: Lucene's EnglishAnalyzer
 * default set (33 words, the one Anserini baselines use), checked on the
 * folded, unstemmed word. Other languages have no stopwords (yet).
 */
#include <string.h>

#include "analyze.h"

/* Sorted (strcmp order) for bsearch. Note: "us" is NOT a stopword (nor is
 * it in Lucene's list): news text is full of the U.S., and "U.S." and "US"
 * both fold to "us". Keep it out if this list is ever extended (Snowball's
 * and SMART's longer lists differ here). */
static const char *const stop_en[] = {
    "a",    "an",   "and",  "are",  "as",    "at",   "be",    "but",  "by",
    "for",  "if",   "in",   "into", "is",    "it",   "no",    "not",  "of",
    "on",   "or",   "such", "that", "the",   "their", "then", "there",
    "these", "they", "this", "to",  "was",   "will", "with",
};

static int cmp_term(const uint8_t *term, size_t len, const char *word) {
    size_t wl = strlen(word);
    int c = memcmp(term, word, len < wl ? len : wl);
    if (c) return c;
    return len < wl ? -1 : len > wl;
}

bool ngi_stopword_en(const uint8_t *term, size_t len) {
    if (len > 5) return false; /* longest entry: "their", "there", "these" */
    size_t lo = 0, hi = NGI_ARRAY_LEN(stop_en);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = cmp_term(term, len, stop_en[mid]);
        if (c == 0) return true;
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return false;
}
