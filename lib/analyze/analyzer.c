/*
 * analyzer.c — the analyzer handle: language resolution (libstemmer names
 * and ISO 639-1/-2 codes), creation and destruction, accessors. The token
 * rules themselves live in tokenizer.c.
 */
#include <ctype.h>
#include <libstemmer.h>
#include <stddef.h>
#include <string.h>

#include "analyze.h"

/* ISO 639-1 and 639-2 codes of the libstemmer algorithms (from its
 * modules.txt). Names themselves are checked against sb_stemmer_list(). */
static const struct {
    const char *code; /* ISO code */
    const char *name; /* libstemmer algorithm */
} lang_codes[] = {
    {"ar", "arabic"},      {"ara", "arabic"},    {"hy", "armenian"},
    {"hye", "armenian"},   {"arm", "armenian"},  {"eu", "basque"},
    {"eus", "basque"},     {"baq", "basque"},    {"ca", "catalan"},
    {"cat", "catalan"},    {"da", "danish"},     {"dan", "danish"},
    {"nl", "dutch"},       {"dut", "dutch"},     {"nld", "dutch"},
    {"en", "english"},     {"eng", "english"},   {"fi", "finnish"},
    {"fin", "finnish"},    {"fr", "french"},     {"fre", "french"},
    {"fra", "french"},     {"de", "german"},     {"ger", "german"},
    {"deu", "german"},     {"el", "greek"},      {"gre", "greek"},
    {"ell", "greek"},      {"hi", "hindi"},      {"hin", "hindi"},
    {"hu", "hungarian"},   {"hun", "hungarian"}, {"id", "indonesian"},
    {"ind", "indonesian"}, {"ga", "irish"},      {"gle", "irish"},
    {"it", "italian"},     {"ita", "italian"},   {"lt", "lithuanian"},
    {"lit", "lithuanian"}, {"ne", "nepali"},     {"nep", "nepali"},
    {"no", "norwegian"},   {"nor", "norwegian"}, {"pt", "portuguese"},
    {"por", "portuguese"}, {"ro", "romanian"},   {"rum", "romanian"},
    {"ron", "romanian"},   {"ru", "russian"},    {"rus", "russian"},
    {"sr", "serbian"},     {"srp", "serbian"},   {"es", "spanish"},
    {"spa", "spanish"},    {"sv", "swedish"},    {"swe", "swedish"},
    {"ta", "tamil"},       {"tam", "tamil"},     {"tr", "turkish"},
    {"tur", "turkish"},    {"yi", "yiddish"},    {"yid", "yiddish"},
};

const char **ng_languages(void) {
    return sb_stemmer_list();
}

/* The static entry of sb_stemmer_list() equal to name, or NULL. */
static const char *listed(const char *name) {
    for (const char **l = sb_stemmer_list(); *l; l++)
        if (strcmp(*l, name) == 0) return *l;
    return NULL;
}

const char *ngi_language_canonical(const char *name) {
    char low[32];
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof low) return NULL;
    for (size_t i = 0; i <= n; i++) low[i] = (char)tolower((unsigned char)name[i]);
    const char *hit = listed(low);
    if (hit) return hit;
    for (size_t i = 0; i < NGI_ARRAY_LEN(lang_codes); i++)
        if (strcmp(lang_codes[i].code, low) == 0) return listed(lang_codes[i].name);
    return NULL;
}

static int analyzer_init(ng_analyzer *a, const char *lang, unsigned flags) {
    a->language = lang;
    a->flags = flags;
    /* "porter" is the original English algorithm: same stopwords. */
    a->stop_en = !(flags & NG_ANALYZE_NO_STOP) &&
                 (strcmp(lang, "english") == 0 || strcmp(lang, "porter") == 0);
    ngi_buf_init(&a->raw);
    ngi_buf_init(&a->term);
    ngi_buf_init(&a->cjk_prev);
    ngi_buf_init(&a->cjk_cur);
    /* Words longer than NGI_MAX_RAW_WORD are skipped, so these two
     * scratch buffers never grow while tokenizing ASCII. */
    if (ngi_buf_reserve(&a->raw, NGI_MAX_RAW_WORD + 8) ||
        ngi_buf_reserve(&a->term, NGI_MAX_RAW_WORD + 8) || ngi_termcache_init(&a->cache))
        return NG_ENOMEM;
    if (!(flags & NG_ANALYZE_NO_STEM)) {
        /* libstemmer allocates with malloc; NULL means out of memory
         * since the name was validated. */
        a->stemmer = sb_stemmer_new(lang, "UTF_8");
        if (!a->stemmer) return NG_ENOMEM;
    }
    return 0;
}

int ng_analyzer_create(ng_analyzer **out, const char *language, unsigned flags) {
    if (!out) return NG_EINVAL;
    *out = NULL;
    if (flags & ~(unsigned)(NG_ANALYZE_NO_STEM | NG_ANALYZE_NO_STOP)) return NG_EINVAL;
    const char *lang = ngi_language_canonical(language ? language : "english");
    if (!lang) return NG_ELANG;
    /* Not calloc: the 8 KiB of gate tables are read only with gate_on,
     * after ngi_analyzer_set_gate fills them, and zeroing them was a
     * third of every query parse (one analyzer per parse). */
    ng_analyzer *a = ngi_malloc(sizeof *a);
    if (!a) return NG_ENOMEM;
    memset(a, 0, offsetof(ng_analyzer, gate));
    a->gated = a->gated_last = 0;
    int rc = analyzer_init(a, lang, flags);
    if (rc) {
        ng_analyzer_free(a);
        return rc;
    }
    *out = a;
    return 0;
}

bool ngi_analyzer_set_gate(ng_analyzer *a, const bool first[256],
                           const uint8_t pairs[NGI_GATE2_BYTES]) {
    /* Snowball's english and porter stemmers only rewrite word endings:
     * the first two letters stay, but for a second 'y' ("dying" -> "die",
     * "ay" -> "ai"), which the tokenizer's gate_word judges by the first. */
    bool keeps_first =
        !a->stemmer || !strcmp(a->language, "english") || !strcmp(a->language, "porter");
    a->gate_on = first && keeps_first;
    if (a->gate_on) {
        memcpy(a->gate, first, sizeof a->gate);
        memcpy(a->gate2, pairs, sizeof a->gate2);
    }
    return a->gate_on;
}

void ng_analyzer_free(ng_analyzer *a) {
    if (!a) return;
    if (a->stemmer) sb_stemmer_delete(a->stemmer);
    ngi_termcache_free(&a->cache);
    ngi_buf_free(&a->raw);
    ngi_buf_free(&a->term);
    ngi_buf_free(&a->cjk_prev);
    ngi_buf_free(&a->cjk_cur);
    ngi_free(a->ucs);
    ngi_free(a);
}

uint64_t ng_analyzer_invalid_bytes(const ng_analyzer *a) {
    return a ? a->invalid_bytes : 0;
}

const char *ng_analyzer_language(const ng_analyzer *a) {
    return a ? a->language : NULL;
}
