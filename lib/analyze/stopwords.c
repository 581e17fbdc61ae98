/*
 * stopwords.c — the English stopword list: Lucene's EnglishAnalyzer
 * default set (33 words, the one Anserini baselines use), checked on the
 * folded, unstemmed word. Other languages have no stopwords (yet).
 */
#include <string.h>

#include "analyze.h"

/* Lucene's EnglishAnalyzer list (33 words), each in its hash slot. Note:
 * "us" is NOT a stopword (nor is it in Lucene's list): news text is full
 * of the U.S., and "U.S." and "US" both fold to "us". Keep it out if this
 * list is ever extended (Snowball's and SMART's longer lists differ here;
 * a new word may need a new multiplier in NGI_STOP_SLOT). */
#define STOP(v) [NGI_STOP_SLOT(v)] = (v)
const uint64_t ngi_stop_table[64] = {
    STOP('a'),
    STOP(NGI_W2('a', 'n')),
    STOP(NGI_W2('a', 's')),
    STOP(NGI_W2('a', 't')),
    STOP(NGI_W2('b', 'e')),
    STOP(NGI_W2('b', 'y')),
    STOP(NGI_W2('i', 'f')),
    STOP(NGI_W2('i', 'n')),
    STOP(NGI_W2('i', 's')),
    STOP(NGI_W2('i', 't')),
    STOP(NGI_W2('n', 'o')),
    STOP(NGI_W2('o', 'f')),
    STOP(NGI_W2('o', 'n')),
    STOP(NGI_W2('o', 'r')),
    STOP(NGI_W2('t', 'o')),
    STOP(NGI_W3('a', 'n', 'd')),
    STOP(NGI_W3('a', 'r', 'e')),
    STOP(NGI_W3('b', 'u', 't')),
    STOP(NGI_W3('f', 'o', 'r')),
    STOP(NGI_W3('n', 'o', 't')),
    STOP(NGI_W3('t', 'h', 'e')),
    STOP(NGI_W3('w', 'a', 's')),
    STOP(NGI_W4('i', 'n', 't', 'o')),
    STOP(NGI_W4('s', 'u', 'c', 'h')),
    STOP(NGI_W4('t', 'h', 'a', 't')),
    STOP(NGI_W4('t', 'h', 'e', 'n')),
    STOP(NGI_W4('t', 'h', 'e', 'y')),
    STOP(NGI_W4('t', 'h', 'i', 's')),
    STOP(NGI_W4('w', 'i', 'l', 'l')),
    STOP(NGI_W4('w', 'i', 't', 'h')),
    STOP(NGI_W5('t', 'h', 'e', 'i', 'r')),
    STOP(NGI_W5('t', 'h', 'e', 'r', 'e')),
    STOP(NGI_W5('t', 'h', 'e', 's', 'e')),
};

bool ngi_stopword_en(const uint8_t *term, size_t len) {
    if (len == 0 || len > NGI_STOPWORD_MAX) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) v |= (uint64_t)term[i] << (8 * i);
    return ngi_stopword_packed(v);
}
