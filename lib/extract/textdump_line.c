/*
 * textdump_line.c — what one line of a text dump is on its own: its shape
 * (sentence, words), whether it is site chrome (the phrase lists, menus,
 * copyright lines) and whether it is a date line. See textdump.c.
 */
#include <string.h>

#include "common/buf.h"
#include "extract/html.h" /* ngi_date_in_text: dates written in text (dates.c) */
#include "extract/textdump_int.h"

/* ---- line shapes ------------------------------------------------------ */

/* Ends with a sentence mark, looking through closing quotes and brackets. */
int ngi_td_ends_sentence(const char *s, size_t n) {
    for (;;) {
        if (n && strchr("\"')]", s[n - 1]))
            n--;
        else if (n >= 3 && (memcmp(s + n - 3, "\xE2\x80\x9D", 3) == 0 || /* ” */
                            memcmp(s + n - 3, "\xE2\x80\x99", 3) == 0 || /* ’ */
                            memcmp(s + n - 3, "\xE3\x80\x8D", 3) == 0))  /* 」 */
            n -= 3;
        else if (n >= 2 && memcmp(s + n - 2, "\xC2\xBB", 2) == 0) /* » */
            n -= 2;
        else
            break;
    }
    if (n && (s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?')) return 1;
    static const char *const marks[] = {"\xE2\x80\xA6", "\xE3\x80\x82", "\xEF\xBC\x81",
                                        "\xEF\xBC\x9F"}; /* … 。 ！ ？ */
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (n >= 3 && memcmp(s + n - 3, marks[i], 3) == 0) return 1;
    return 0;
}

/* Words: runs between spaces; a CJK character (3-byte UTF-8 from U+3000)
 * counts half, since those scripts do not separate words. */
unsigned ngi_td_count_words(const char *s, size_t n) {
    unsigned words = 0, cjk = 0;
    int in_word = 0;
    for (size_t i = 0; i < n;) {
        size_t sp = space_at(s + i, n - i);
        if (sp) {
            in_word = 0;
            i += sp;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (c >= 0xE3 && c <= 0xED) cjk++;
        if (!in_word) words++;
        in_word = 1;
        i++;
    }
    return words + cjk / 2;
}

/* Characters of the CJK scripts (3-byte UTF-8 from U+3000). */
unsigned ngi_td_cjk_chars(const char *s, size_t n) {
    unsigned cjk = 0;
    for (size_t i = 0; i < n; i++)
        cjk += (unsigned char)s[i] >= 0xE3 && (unsigned char)s[i] <= 0xED;
    return cjk;
}

/* No letter or digit at all: rules, bullets, separators ("| • —"). */
static int only_symbols(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_alnum(c)) return 0;
        /* A non-ASCII character other than C2 xx (Latin-1 signs) and
         * E2 8x xx (general punctuation, arrows, bullets) may be a letter. */
        if (c >= 0xC3 && c != 0xE2) return 0;
        if (c == 0xE2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x90) return 0;
    }
    return 1;
}

/* ---- chrome vocabulary ------------------------------------------------ */

/* Phrases that make a short line site furniture wherever they occur in it
 * (matched case-insensitively on whole words): no headline says them. */
static const char *const strong_phrases[] = {
    /* English */
    "skip to content",
    "skip to main content",
    "skip navigation",
    "jump to navigation",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "follow us",
    "sign up for",
    "subscribe to our",
    "sponsored content",
    "we use cookies",
    "uses cookies",
    "use of cookies",
    "accept cookies",
    "accept all cookies",
    "cookie policy",
    "cookie settings",
    "privacy policy",
    "terms of use",
    "terms of service",
    "all rights reserved",
    "back to top",
    "feature image",
    "you may also like",
    "click here to",
    "download the app",
    "print this page",
    "email this page",
    /* French */
    "aller au contenu",
    "tous droits r\xC3\xA9serv\xC3\xA9s",
    "suivez-nous",
    "abonnez-vous",
    "politique de confidentialit\xC3\xA9",
    "nous utilisons des cookies",
    /* German */
    "zum inhalt springen",
    "alle rechte vorbehalten",
    "folgen sie uns",
    "wir verwenden cookies",
    /* Spanish, Portuguese, Italian */
    "ir al contenido",
    "todos los derechos reservados",
    "s\xC3\xADguenos",
    "suscr\303\255bete",
    "todos os direitos reservados",
    "tutti i diritti riservati",
    "utilizamos cookies",
};

/* Words of buttons and share bars: furniture when they make up half the
 * words of a short line or more ("Share on Facebook", "Artikel teilen",
 * "Impressum | Datenschutz"), not in "Facebook shares fall". */
static const char *const weak_phrases[] = {
    "facebook",
    "twitter",
    "whatsapp",
    "linkedin",
    "instagram",
    "pinterest",
    "telegram",
    "youtube",
    "tiktok",
    "reddit",
    "email",
    "e-mail",
    "print",
    "share",
    "share on",
    "share this",
    "share article",
    "share story",
    "follow",
    "follow on",
    "sign up",
    "sign in",
    "log in",
    "login",
    "subscribe",
    "newsletter",
    "advertisement",
    "cookie",
    "cookies",
    "copyright",
    "\xC2\xA9",
    "privacy",
    "contact",
    "contact us",
    "about us",
    "read more",
    "read also",
    "also read",
    "see also",
    "more",
    "comments",
    "comment",
    "recommended",
    "related",
    "load more",
    "lire aussi",
    "lire la suite",
    "publicit\xC3\xA9",
    "partager",
    "s'abonner",
    "se connecter",
    "mentions l\xC3\xA9gales",
    "werbung",
    "anzeige",
    "teilen",
    "artikel teilen",
    "weiterlesen",
    "datenschutz",
    "impressum",
    "abonnieren",
    "kontakt",
    "publicidad",
    "compartir",
    "leer m\xC3\xA1s",
    "contacto",
    "publicidade",
    "compartilhe",
    "leia mais",
    "pubblicit\xC3\xA0",
    "condividi",
    "iscriviti",
};

/* A whole line that is only one of these (a button or a menu entry). */
static const char *const chrome_lines[] = {
    "share",      "menu",        "search",    "home",     "close",      "print",
    "email",      "e-mail",      "comments",  "comment",  "tags",       "more",
    "top",        "next",        "previous",  "prev",     "back",       "login",
    "register",   "advertising", "sponsored", "related",  "accueil",    "recherche",
    "rechercher", "fermer",      "imprimer",  "suche",    "startseite", "drucken",
    "inicio",     "buscar",      "cerrar",    "imprimir", "cerca",      "chiudi",
    "stampa",     "partilhar",
};

/* Heads of boxes of links to other articles: the lines after them are links
 * until the text turns back into paragraphs. */
static const char *const box_heads[] = {
    "recommended",
    "recommended articles",
    "recommended for you",
    "related",
    "related articles",
    "related stories",
    "related news",
    "read more",
    "read also",
    "also read",
    "see also",
    "more stories",
    "more from",
    "most read",
    "most popular",
    "trending",
    "trending now",
    "you may also like",
    "lire aussi",
    "\xC3\xA0 lire aussi",
    "sur le m\xC3\xAAme sujet",
    "les plus lus",
    "mehr zum thema",
    "lesen sie auch",
    "meistgelesen",
    "das k\xC3\xB6nnte sie auch interessieren",
    "noticias relacionadas",
    "te puede interesar",
    "lee tambi\xC3\xA9n",
    "lo m\xC3\xA1s le\303\255do",
    "leia tamb\xC3\xA9m",
    "leggi anche",
    "articoli correlati",
};

/* Lowercases (ASCII) s[0..n) into out (n < SHORT_LINE + 1). */
static size_t fold(const char *s, size_t n, char *out) {
    for (size_t i = 0; i < n; i++) out[i] = (char)lower((unsigned char)s[i]);
    out[n] = '\0';
    return n;
}

static void phrase_index_build(ngi_td_phrase_index *x, const char *const *list,
                               size_t count) {
    unsigned char seen[256] = {0};
    NGI_ASSERT(count <= MAX_PHRASES);
    x->list = list;
    for (size_t k = 0; k < count; k++) {
        x->len[k] = (unsigned char)strlen(list[k]);
        seen[(unsigned char)list[k][0]]++;
    }
    x->from[0] = 0;
    for (int c = 0; c < 256; c++) x->from[c + 1] = (unsigned char)(x->from[c] + seen[c]);
    unsigned char next[256];
    memcpy(next, x->from, 256);
    for (size_t k = 0; k < count; k++)
        x->order[next[(unsigned char)list[k][0]]++] = (unsigned char)k;
}

/* Matches the phrases in the folded line s on whole words, at each word
 * start, longest match first. Returns how many words the matches cover. */
static unsigned phrase_words(const char *s, size_t n, const ngi_td_phrase_index *x) {
    unsigned covered = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (i && (is_alnum((unsigned char)s[i - 1]) || (unsigned char)s[i - 1] >= 0x80)) {
            i++; /* inside a word */
            continue;
        }
        size_t best = 0;
        for (size_t o = x->from[c]; o < x->from[c + 1]; o++) {
            const char *p = x->list[x->order[o]];
            size_t m = x->len[x->order[o]];
            if (m > best && m <= n - i && memcmp(s + i, p, m) == 0 &&
                (i + m == n || !is_alnum((unsigned char)s[i + m]) ||
                 !is_alnum((unsigned char)p[m - 1])))
                best = m;
        }
        if (!best) {
            i++;
            continue;
        }
        covered++;
        for (size_t j = i; j < i + best; j++) covered += s[j] == ' ';
        i += best;
    }
    return covered;
}

/* Words with a letter (numbers, bars and bullets are not counted). */
unsigned ngi_td_letter_words(const char *s, size_t n) {
    unsigned words = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && space_at(s + i, n - i)) i += space_at(s + i, n - i);
        int letter = 0;
        while (i < n && !space_at(s + i, n - i)) {
            unsigned char c = (unsigned char)s[i++];
            letter |= (is_alnum(c) && !is_digit(c)) || c >= 0xC3;
        }
        words += letter;
    }
    return words;
}

/* The folded line without its trailing colons, bars and spaces equals one
 * of list[]. */
static int is_one_of(const char *s, size_t n, const char *const *list, size_t count) {
    while (n && (s[n - 1] == ':' || s[n - 1] == '|' || s[n - 1] == ' ')) n--;
    for (size_t i = 0; i < count; i++)
        if (n && list[i][0] == s[0] && strlen(list[i]) == n && memcmp(s, list[i], n) == 0)
            return 1;
    return 0;
}

/* A menu: three or more short items separated by bars or bullets
 * ("Home | News | Sport", "Impressum · Datenschutz · Kontakt"). */
static int is_menu(const char *s, size_t n) {
    unsigned items = 1, words = 0, longest = 0;
    int in_word = 0;
    for (size_t i = 0; i < n;) {
        size_t sep = s[i] == '|'                                           ? 1
                     : n - i >= 2 && memcmp(s + i, "\xC2\xB7", 2) == 0     ? 2 /* · */
                     : n - i >= 3 && memcmp(s + i, "\xE2\x80\xA2", 3) == 0 ? 3 /* • */
                                                                           : 0;
        if (sep) {
            items++;
            words = 0;
            in_word = 0;
            i += sep;
            continue;
        }
        size_t sp = space_at(s + i, n - i);
        if (sp) {
            in_word = 0;
            i += sp;
            continue;
        }
        if (!in_word && ++words > longest) longest = words;
        in_word = 1;
        i++;
    }
    return items >= 3 && longest <= 4;
}

/* "© 2024 ...", "Copyright 2024 ...", "Copyright © ...", "(c) 2024 ...". */
static int has_copyright_sign_or_year(const char *f, size_t n) {
    size_t i = f[0] == '(' ? 3 : f[0] == 'c' ? 9 : 0;
    if (i == 0 && !(n >= 2 && (unsigned char)f[1] == 0xA9)) return 0;
    if (i == 0) return 1;
    while (i < n && f[i] == ' ') i++;
    return i < n && (is_digit((unsigned char)f[i]) || (unsigned char)f[i] == 0xC2);
}

void ngi_td_vocab_build(ngi_td_vocab *v) {
    phrase_index_build(&v->strong, strong_phrases,
                       sizeof strong_phrases / sizeof strong_phrases[0]);
    phrase_index_build(&v->weak, weak_phrases,
                       sizeof weak_phrases / sizeof weak_phrases[0]);
}

void ngi_td_classify_chrome(tline *l, const char *s, const ngi_td_vocab *v) {
    if (l->len > SHORT_LINE || l->words > 12) return;
    if (only_symbols(s, l->len) || is_menu(s, l->len)) {
        l->chrome = 1;
        return;
    }
    char f[SHORT_LINE + 1];
    size_t n = fold(s, l->len, f);
    if (is_one_of(f, n, box_heads, sizeof box_heads / sizeof box_heads[0]))
        l->chrome = l->box = 1;
    else if (is_one_of(f, n, chrome_lines, sizeof chrome_lines / sizeof chrome_lines[0]))
        l->chrome = 1;
    else if (phrase_words(f, n, &v->strong))
        l->chrome = 1;
    else if (f[0] == '\xC2' || strncmp(f, "copyright", 9) == 0 ||
             strncmp(f, "(c) ", 4) == 0)
        l->chrome = has_copyright_sign_or_year(f, n); /* a footer line */
    else {
        unsigned weak = phrase_words(f, n, &v->weak);
        l->chrome = weak && weak * 2 >= ngi_td_letter_words(f, n);
    }
}

/* ---- date lines ------------------------------------------------------- */

int ngi_textdump_date_line(const char *s, size_t n, char out[11]) {
    if (n < 6 || n > 100) return 0;
    unsigned digits = 0; /* a date has its year: four digits at least */
    for (size_t i = 0; i < n; i++) digits += is_digit((unsigned char)s[i]);
    if (digits < 4 || ngi_date_in_text(s, n, out) != 0) return 0;
    /* Besides the date, a time and a few words ("Last Updated At:18:07",
     * "Published: Monday,", "Uhr", "Mis à jour le ... à 10h32"), not a
     * sentence. Words with letters are counted, month names included. */
    unsigned words = 0;
    for (size_t i = 0; i < n;) {
        size_t sp = space_at(s + i, n - i);
        if (sp) {
            i += sp;
            continue;
        }
        int letters = 0;
        while (i < n && !space_at(s + i, n - i)) {
            unsigned char c = (unsigned char)s[i++];
            letters |= c >= 0x80 || (is_alnum(c) && !is_digit(c));
        }
        words += letters;
    }
    return words <= 8 && !(words > 4 && s[n - 1] == '.');
}
