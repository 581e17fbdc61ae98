/*
 * stopwords.c — the English stopword list: Lucene's EnglishAnalyzer
 * default set (33 words, the one Anserini baselines use), checked on the
 * folded, unstemmed word. Other languages have no stopwords (yet). The
 * list itself is ngi_stopword_packed in analyze.h, inline for the
 * tokenizer's gate.
 */
#include <string.h>

#include "analyze.h"

bool ngi_stopword_en(const uint8_t *term, size_t len) {
    if (len == 0 || len > NGI_STOPWORD_MAX) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) v |= (uint64_t)term[i] << (8 * i);
    return ngi_stopword_packed(v);
}
