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

/* Index of byte c in a->gk_bytes, added when new; -1 when full. */
static int gk_byte(ng_analyzer *a, uint8_t c) {
    for (int k = 0; k < a->gk_n_bytes; k++)
        if (a->gk_bytes[k] == c) return k;
    if (a->gk_n_bytes == NGI_GK_BYTES) return -1;
    a->gk_bytes[a->gk_n_bytes] = c;
    return a->gk_n_bytes++;
}

static bool gate_pair(const ng_analyzer *a, unsigned c0, unsigned c1) {
    unsigned pair = c0 << 8 | c1;
    return a->gate2[pair >> 3] >> (pair & 7) & 1;
}

static bool is_lower_alnum(unsigned c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* The keys of the block gate: the (first, second) byte pairs a plain
 * word can pass the gate with. Only lowercase letters and digits matter:
 * gate_word lowercases a plain word's first two bytes, which are letters
 * or digits. With every second byte allowed, or when the pairs are too
 * many, a first byte alone is a key (more words are looked at closely,
 * none is missed). False when even the first bytes are too many. */
static bool gate_keys(ng_analyzer *a, bool by_first_only) {
    a->gk_n_bytes = a->gk_n_pairs = a->gk_n_first = 0;
    for (unsigned c0 = 0; c0 < 128; c0++) {
        if (!a->gate[c0] || !is_lower_alnum(c0)) continue;
        int f = gk_byte(a, (uint8_t)c0);
        if (f < 0) return false;
        a->gk_first[a->gk_n_first++] = (uint8_t)f;
        unsigned n = 0, all = 0;
        for (unsigned c1 = 0; c1 < 128; c1++)
            if (is_lower_alnum(c1)) all++, n += gate_pair(a, c0, c1);
        for (unsigned c1 = 0; c1 < 128; c1++) {
            bool any = by_first_only || n == all;
            if (!any && !(is_lower_alnum(c1) && gate_pair(a, c0, c1))) continue;
            int sidx = any ? NGI_GK_ANY : gk_byte(a, (uint8_t)c1);
            if (sidx < 0 || a->gk_n_pairs == NGI_GK_PAIRS) return false;
            a->gk_pairs[a->gk_n_pairs][0] = (uint8_t)f;
            a->gk_pairs[a->gk_n_pairs++][1] = (uint8_t)sidx;
            if (any) break;
        }
    }
    return true;
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
        a->gate_simd = gate_keys(a, false) || gate_keys(a, true);
    } else {
        a->gate_simd = false;
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
