/*
 * normalize.c — Unicode normalisation of one word through utf8proc: NFKC,
 * full case folding and (optionally) diacritics stripped, without any
 * allocation per word (the code point scratch buffer lives on the
 * analyzer). Only words that are not plain ASCII come here.
 */
#include <string.h>
#include <utf8proc.h>

#include "analyze.h"

/* Keeps letters, marks and numbers, plus the two joiners the tokenizer
 * leaves inside terms ("don't", "3.5"). NFKC can bring in other things
 * ("⑴" -> "(1)"), which are dropped so that terms hold only word
 * characters. */
static bool keep_cp(int32_t cp) {
    if (cp == '\'' || cp == '.') return true;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return true;
    default: return false;
    }
}

/* Grows the code point scratch to at least need entries (+1 spare: the
 * in-place re-encoding writes a terminating NUL byte). */
static int ucs_reserve(ng_analyzer *a, size_t need) {
    if (need <= a->ucs_cap) return 0;
    size_t cap = a->ucs_cap ? a->ucs_cap : 256;
    while (cap < need) cap *= 2;
    int32_t *p = ngi_realloc(a->ucs, (cap + 1) * sizeof *p);
    if (!p) return NG_ENOMEM;
    a->ucs = p;
    a->ucs_cap = cap;
    return 0;
}

int ngi_normalize(ng_analyzer *a, const uint8_t *s, size_t n, bool strip_marks,
                  ngi_buf *out) {
    utf8proc_option_t opts =
        UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
    if (strip_marks) opts |= UTF8PROC_STRIPMARK;
    ngi_buf_reset(out);
    if (ucs_reserve(a, n + 16)) return NG_ENOMEM;
    utf8proc_ssize_t r;
    for (;;) {
        r = utf8proc_decompose_custom(s, (utf8proc_ssize_t)n, a->ucs,
                                      (utf8proc_ssize_t)a->ucs_cap, opts, NULL, NULL);
        if (r < 0) return 0; /* cannot happen on validated input: empty */
        if ((size_t)r <= a->ucs_cap) break;
        if (ucs_reserve(a, (size_t)r)) return NG_ENOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < (size_t)r; i++)
        if (keep_cp(a->ucs[i])) a->ucs[m++] = a->ucs[i];
    if (m == 0) return 0;
    /* Re-encodes in place (composition included): UTF-8 never needs more
     * than 4 bytes per code point, the size of an int32. */
    r = utf8proc_reencode(a->ucs, (utf8proc_ssize_t)m, opts);
    if (r <= 0) return 0;
    return ngi_buf_append(out, a->ucs, (size_t)r);
}
