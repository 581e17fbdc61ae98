/*
 * textdump.c — scraped text dumps -> articles (see textdump.h).
 *
 * The text is read as non-blank lines, each classified on its own:
 *   para     a paragraph (a dozen words, or a sentence of six or more)
 *   titleish could be a headline (3..30 words, three with letters, no
 *            final full stop)
 *   label    a section label or button (at most three words, no sentence)
 *   chrome   site furniture: a phrase no headline says ("Skip to content",
 *            "All rights reserved"), button words making up half the line
 *            ("Share on Facebook"), a menu ("Home | News | Sport"), a
 *            copyright line, a line of symbols
 *   box      the head of a "Recommended Articles" box (what follows is links)
 *   date     a short line that is mostly a date
 * and counted: lines that repeat are chrome, except headlines.
 *
 * Headlines: a titleish line that occurs twice or more (crawlers keep the
 * page title, the breadcrumb, the <h1> and share texts, all the headline),
 * unless all its occurrences sit inside repeated blocks (a menu printed
 * twice). A page title near the top ("Headline | Site") counts as one more
 * occurrence of the line it contains, and then the page is that one
 * article's. Each occurrence is a boundary; the runs of lines between
 * them are segments. A segment framed by two occurrences of the same
 * headline is that article's body; otherwise each headline takes the free
 * segment with paragraphs next to it, before or after — after unless most
 * headlines of the page stand after their bodies. Without a repeated
 * headline, the headline is the line above the first date line, or above
 * the first paragraph. A body ends with its last paragraph.
 *
 * Only text that opens like a dump (site furniture, the repeated headline
 * or a page title on top, a body whose headline comes later) is read this
 * way; anything else is a plain article,
 * read the simple way (first line = title, the rest byte for byte), so
 * ordinary .txt and Markdown files come out as they always did.
 */
#include <string.h>

#include "common/buf.h"
#include "extract/html.h" /* ngi_date_in_text: dates written in text (dates.c) */
#include "extract/textdump.h"

/* Past this many non-blank lines the text is read as a plain article: the
 * analysis is linear, but its per-line state would dwarf the text. */
#define MAX_DUMP_LINES 200000
/* Lines longer than this are never chrome, labels or date lines. */
#define SHORT_LINE 160

typedef struct tline {
    size_t off, len;    /* the trimmed text */
    size_t group;       /* index of the first line with the same text */
    unsigned count;     /* how many lines have this text */
    unsigned words;     /* words (CJK characters count as half a word) */
    unsigned char blank_before, para, titleish, label, chrome, box, is_date, sentence;
    unsigned char headline; /* its text is a repeated headline */
    unsigned char titled;   /* a page title near the top contains its text */
    unsigned char title_line; /* that page title ("Headline | Site") */
    unsigned char free_standing; /* an occurrence stands outside repeated blocks */
    char date[11];
} tline;

typedef struct dump {
    const char *text;
    tline *lines;
    size_t n;
    size_t *slot;       /* the lines by text: open addressing, line indexes */
    size_t slots;       /* a power of two */
} dump;

/* ---- characters ------------------------------------------------------- */

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Bytes of a space at s[0..n): ASCII blanks and U+00A0; 0 when none. */
static size_t space_at(const char *s, size_t n)
{
    if (n && is_space((unsigned char)s[0]))
        return 1;
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    return 0;
}

static size_t space_before(const char *s, size_t n)
{
    if (n && is_space((unsigned char)s[n - 1]))
        return 1;
    if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 && (unsigned char)s[n - 1] == 0xA0)
        return 2;
    return 0;
}

/* ---- line shapes ------------------------------------------------------ */

/* Ends with a sentence mark, looking through closing quotes and brackets. */
static int ends_sentence(const char *s, size_t n)
{
    for (;;) {
        if (n && strchr("\"')]", s[n - 1]))
            n--;
        else if (n >= 3 && (memcmp(s + n - 3, "\xE2\x80\x9D", 3) == 0 ||  /* ” */
                            memcmp(s + n - 3, "\xE2\x80\x99", 3) == 0 ||  /* ’ */
                            memcmp(s + n - 3, "\xE3\x80\x8D", 3) == 0))   /* 」 */
            n -= 3;
        else if (n >= 2 && memcmp(s + n - 2, "\xC2\xBB", 2) == 0)          /* » */
            n -= 2;
        else
            break;
    }
    if (n && (s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?'))
        return 1;
    static const char *const marks[] = {"\xE2\x80\xA6", "\xE3\x80\x82", "\xEF\xBC\x81",
                                        "\xEF\xBC\x9F"}; /* … 。 ！ ？ */
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (n >= 3 && memcmp(s + n - 3, marks[i], 3) == 0)
            return 1;
    return 0;
}

/* Words: runs between spaces; a CJK character (3-byte UTF-8 from U+3000)
 * counts half, since those scripts do not separate words. */
static unsigned count_words(const char *s, size_t n)
{
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
        if (c >= 0xE3 && c <= 0xED)
            cjk++;
        if (!in_word)
            words++;
        in_word = 1;
        i++;
    }
    return words + cjk / 2;
}

/* Characters of the CJK scripts (3-byte UTF-8 from U+3000). */
static unsigned cjk_chars(const char *s, size_t n)
{
    unsigned cjk = 0;
    for (size_t i = 0; i < n; i++)
        cjk += (unsigned char)s[i] >= 0xE3 && (unsigned char)s[i] <= 0xED;
    return cjk;
}

/* No letter or digit at all: rules, bullets, separators ("| • —"). */
static int only_symbols(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_alnum(c))
            return 0;
        /* A non-ASCII character other than C2 xx (Latin-1 signs) and
         * E2 8x xx (general punctuation, arrows, bullets) may be a letter. */
        if (c >= 0xC3 && c != 0xE2)
            return 0;
        if (c == 0xE2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x90)
            return 0;
    }
    return 1;
}

/* ---- chrome vocabulary ------------------------------------------------ */

/* Phrases that make a short line site furniture wherever they occur in it
 * (matched case-insensitively on whole words): no headline says them. */
static const char *const strong_phrases[] = {
    /* English */
    "skip to content", "skip to main content", "skip navigation", "jump to navigation",
    "share this article", "share this story", "share on facebook", "share on twitter",
    "follow us", "sign up for", "subscribe to our", "sponsored content",
    "we use cookies", "uses cookies", "use of cookies", "accept cookies", "accept all cookies",
    "cookie policy", "cookie settings", "privacy policy", "terms of use", "terms of service",
    "all rights reserved", "back to top", "feature image", "you may also like",
    "click here to", "download the app", "print this page", "email this page",
    /* French */
    "aller au contenu", "tous droits r\xC3\xA9serv\xC3\xA9s", "suivez-nous",
    "abonnez-vous", "politique de confidentialit\xC3\xA9", "nous utilisons des cookies",
    /* German */
    "zum inhalt springen", "alle rechte vorbehalten", "folgen sie uns",
    "wir verwenden cookies",
    /* Spanish, Portuguese, Italian */
    "ir al contenido", "todos los derechos reservados", "s\xC3\xADguenos",
    "suscr\303\255bete", "todos os direitos reservados", "tutti i diritti riservati",
    "utilizamos cookies",
};

/* Words of buttons and share bars: furniture when they make up half the
 * words of a short line or more ("Share on Facebook", "Artikel teilen",
 * "Impressum | Datenschutz"), not in "Facebook shares fall". */
static const char *const weak_phrases[] = {
    "facebook", "twitter", "whatsapp", "linkedin", "instagram", "pinterest", "telegram",
    "youtube", "tiktok", "reddit", "email", "e-mail", "print", "share", "share on",
    "share this", "share article", "share story", "follow", "follow on", "sign up",
    "sign in", "log in", "login", "subscribe", "newsletter", "advertisement", "cookie",
    "cookies", "copyright", "\xC2\xA9", "privacy", "contact", "contact us", "about us",
    "read more", "read also", "also read", "see also", "more", "comments", "comment",
    "recommended", "related", "load more",
    "lire aussi", "lire la suite", "publicit\xC3\xA9", "partager", "s'abonner",
    "se connecter", "mentions l\xC3\xA9gales",
    "werbung", "anzeige", "teilen", "artikel teilen", "weiterlesen", "datenschutz",
    "impressum", "abonnieren", "kontakt",
    "publicidad", "compartir", "leer m\xC3\xA1s", "contacto",
    "publicidade", "compartilhe", "leia mais", "pubblicit\xC3\xA0", "condividi",
    "iscriviti",
};

/* A whole line that is only one of these (a button or a menu entry). */
static const char *const chrome_lines[] = {
    "share", "menu", "search", "home", "close", "print", "email", "e-mail", "comments",
    "comment", "tags", "more", "top", "next", "previous", "prev", "back", "login",
    "register", "advertising", "sponsored", "related", "accueil", "recherche",
    "rechercher", "fermer", "imprimer", "suche", "startseite", "drucken", "inicio",
    "buscar", "cerrar", "imprimir", "cerca", "chiudi", "stampa", "partilhar",
};

/* Heads of boxes of links to other articles: the lines after them are links
 * until the text turns back into paragraphs. */
static const char *const box_heads[] = {
    "recommended", "recommended articles", "recommended for you", "related",
    "related articles", "related stories", "related news", "read more", "read also",
    "also read", "see also", "more stories", "more from", "most read", "most popular",
    "trending", "trending now", "you may also like", "lire aussi", "\xC3\xA0 lire aussi",
    "sur le m\xC3\xAAme sujet", "les plus lus", "mehr zum thema", "lesen sie auch",
    "meistgelesen", "das k\xC3\xB6nnte sie auch interessieren", "noticias relacionadas",
    "te puede interesar", "lee tambi\xC3\xA9n", "lo m\xC3\xA1s le\303\255do",
    "leia tamb\xC3\xA9m", "leggi anche", "articoli correlati",
};

/* Lowercases (ASCII) s[0..n) into out (n < SHORT_LINE + 1). */
static size_t fold(const char *s, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (char)lower((unsigned char)s[i]);
    out[n] = '\0';
    return n;
}

/* A list of phrases ordered by first byte, built once per call of
 * ngi_textdump_split (counting sort; the library keeps no global state). */
#define MAX_PHRASES 128
typedef struct phrase_index {
    const char *const *list;
    unsigned char len[MAX_PHRASES];   /* strlen of list[k] */
    unsigned char order[MAX_PHRASES]; /* list indexes by first byte */
    unsigned char from[257];          /* order[from[c] .. from[c + 1]) start with c */
} phrase_index;

static void phrase_index_build(phrase_index *x, const char *const *list, size_t count)
{
    unsigned char seen[256] = {0};
    NGI_ASSERT(count <= MAX_PHRASES);
    x->list = list;
    for (size_t k = 0; k < count; k++) {
        x->len[k] = (unsigned char)strlen(list[k]);
        seen[(unsigned char)list[k][0]]++;
    }
    x->from[0] = 0;
    for (int c = 0; c < 256; c++)
        x->from[c + 1] = (unsigned char)(x->from[c] + seen[c]);
    unsigned char next[256];
    memcpy(next, x->from, 256);
    for (size_t k = 0; k < count; k++)
        x->order[next[(unsigned char)list[k][0]]++] = (unsigned char)k;
}

/* Matches the phrases in the folded line s on whole words, at each word
 * start, longest match first. Returns how many words the matches cover. */
static unsigned phrase_words(const char *s, size_t n, const phrase_index *x)
{
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
        for (size_t j = i; j < i + best; j++)
            covered += s[j] == ' ';
        i += best;
    }
    return covered;
}

/* Words with a letter (numbers, bars and bullets are not counted). */
static unsigned letter_words(const char *s, size_t n)
{
    unsigned words = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && space_at(s + i, n - i))
            i += space_at(s + i, n - i);
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
static int is_one_of(const char *s, size_t n, const char *const *list, size_t count)
{
    while (n && (s[n - 1] == ':' || s[n - 1] == '|' || s[n - 1] == ' '))
        n--;
    for (size_t i = 0; i < count; i++)
        if (n && list[i][0] == s[0] && strlen(list[i]) == n && memcmp(s, list[i], n) == 0)
            return 1;
    return 0;
}

/* A menu: three or more short items separated by bars or bullets
 * ("Home | News | Sport", "Impressum · Datenschutz · Kontakt"). */
static int is_menu(const char *s, size_t n)
{
    unsigned items = 1, words = 0, longest = 0;
    int in_word = 0;
    for (size_t i = 0; i < n;) {
        size_t sep = s[i] == '|' ? 1
                     : n - i >= 2 && memcmp(s + i, "\xC2\xB7", 2) == 0 ? 2   /* · */
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
        if (!in_word && ++words > longest)
            longest = words;
        in_word = 1;
        i++;
    }
    return items >= 3 && longest <= 4;
}

/* "© 2024 ...", "Copyright 2024 ...", "Copyright © ...", "(c) 2024 ...". */
static int has_copyright_sign_or_year(const char *f, size_t n)
{
    size_t i = f[0] == '(' ? 3 : f[0] == 'c' ? 9 : 0;
    if (i == 0 && !(n >= 2 && (unsigned char)f[1] == 0xA9))
        return 0;
    if (i == 0)
        return 1;
    while (i < n && f[i] == ' ')
        i++;
    return i < n && (is_digit((unsigned char)f[i]) || (unsigned char)f[i] == 0xC2);
}

typedef struct vocab {
    phrase_index strong, weak;
} vocab;

static void vocab_build(vocab *v)
{
    phrase_index_build(&v->strong, strong_phrases, sizeof strong_phrases / sizeof strong_phrases[0]);
    phrase_index_build(&v->weak, weak_phrases, sizeof weak_phrases / sizeof weak_phrases[0]);
}

static void classify_chrome(tline *l, const char *s, const vocab *v)
{
    if (l->len > SHORT_LINE || l->words > 12)
        return;
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
    else if (f[0] == '\xC2' || strncmp(f, "copyright", 9) == 0 || strncmp(f, "(c) ", 4) == 0)
        l->chrome = has_copyright_sign_or_year(f, n); /* a footer line */
    else {
        unsigned weak = phrase_words(f, n, &v->weak);
        l->chrome = weak && weak * 2 >= letter_words(f, n);
    }
}

/* ---- date lines ------------------------------------------------------- */

int ngi_textdump_date_line(const char *s, size_t n, char out[11])
{
    if (n < 6 || n > 100)
        return 0;
    unsigned digits = 0; /* a date has its year: four digits at least */
    for (size_t i = 0; i < n; i++)
        digits += is_digit((unsigned char)s[i]);
    if (digits < 4 || ngi_date_in_text(s, n, out) != 0)
        return 0;
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

/* ---- reading the lines ------------------------------------------------ */

static int add_line(dump *d, size_t *cap, size_t off, size_t len, int blank_before)
{
    if (d->n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        tline *l = ngi_realloc(d->lines, c * sizeof *l);
        if (!l)
            return NG_ENOMEM;
        d->lines = l;
        *cap = c;
    }
    tline *l = &d->lines[d->n++];
    memset(l, 0, sizeof *l);
    l->off = off;
    l->len = len;
    l->blank_before = (unsigned char)blank_before;
    return 0;
}

/* Splits into trimmed non-blank lines. Returns 0, NG_ENOMEM, or 1 when
 * there are too many lines to analyse. */
static int split_lines(dump *d, const char *s, size_t n)
{
    size_t cap = 0, i = 0;
    int blank = 0;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n, b = i, sp;
        while (b < e && (sp = space_at(s + b, e - b)) != 0)
            b += sp;
        while (e > b && (sp = space_before(s + b, e - b)) != 0)
            e -= sp;
        if (e > b) {
            if (d->n >= MAX_DUMP_LINES)
                return 1;
            if (add_line(d, &cap, b, e - b, blank || d->n == 0))
                return NG_ENOMEM;
            blank = 0;
        } else {
            blank = 1;
        }
        i = nl ? (size_t)(nl - s) + 1 : n;
    }
    return 0;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* The slot of text s[0..n) in d->slot: the line holding it, or an empty
 * slot. */
static size_t table_slot(const dump *d, const char *s, size_t n)
{
    size_t k = (size_t)hash_bytes(s, n) & (d->slots - 1);
    while (d->slot[k] != SIZE_MAX) {
        const tline *o = &d->lines[d->slot[k]];
        if (o->len == n && memcmp(d->text + o->off, s, n) == 0)
            break;
        k = (k + 1) & (d->slots - 1);
    }
    return k;
}

/* How far below line g the first paragraph is (at most `limit`). */
static size_t para_distance(const dump *d, size_t g, size_t limit)
{
    for (size_t i = g + 1; i < d->n && i <= g + limit; i++)
        if (d->lines[i].para && !d->lines[i].chrome)
            return i - g;
    return limit;
}

/* Separators between a page's title and its site's name in a <title>. */
static const char *const title_seps[] = {
    " | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " \xC2\xAB ", " \xC2\xBB ",
    " \xE2\x80\xBA ", " \xE2\x80\xB9 ", " \xC2\xB7 ", " :: ", ": ", " ~ ", " / ",
};

/* Where title_seps occur in s[0..n): up to max (start, end) pairs. */
static size_t find_seps(const char *s, size_t n, size_t *at, size_t *end, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < max; i++)
        for (size_t j = 0; j < sizeof title_seps / sizeof title_seps[0]; j++) {
            size_t m = strlen(title_seps[j]);
            if (title_seps[j][0] == s[i] && m <= n - i && memcmp(s + i, title_seps[j], m) == 0) {
                at[k] = i;
                end[k++] = i + m;
                i += m - 1;
                break;
            }
        }
    return k;
}

/* A page title near the top ("Headline | Site", "Site - Headline"): when a
 * part of it between separators is another line's whole text, the title
 * line is one more occurrence of that line (the headline). */
static void join_title_line(dump *d, size_t i)
{
    tline *l = &d->lines[i];
    if (l->len > 300 || d->lines[l->group].count > 1)
        return;
    const char *s = d->text + l->off;
    size_t at[8], end[8];
    size_t k = find_seps(s, l->len, at, end, 8), best = SIZE_MAX, best_len = 0, best_dist = 0;
    for (size_t a = 0; a <= k; a++)          /* part from boundary a ... */
        for (size_t b = a; b <= k; b++) {    /* ... to boundary b */
            if (a == 0 && b == k)
                continue;                    /* the whole line */
            size_t from = a ? end[a - 1] : 0, to = b < k ? at[b] : l->len;
            if (to <= from)
                continue;
            size_t g = d->slot[table_slot(d, s + from, to - from)];
            if (g == SIZE_MAX || g <= i)
                continue;
            /* Of the parts that are lines below, the one standing nearest
             * over a paragraph: the headline, not the site's name in the
             * header or a section label. */
            size_t dist = para_distance(d, g, 64);
            if (best == SIZE_MAX || dist < best_dist || (dist == best_dist && to - from > best_len)) {
                best = g;
                best_len = to - from;
                best_dist = dist;
            }
        }
    if (best == SIZE_MAX)
        return;
    d->lines[l->group].count--;
    l->group = best;
    l->title_line = 1;
    d->lines[best].count++;
    d->lines[best].titled = 1;
}

/* Sets group and count (on the group's first line): lines with the same
 * text share the first one's index as group. */
static int count_repeats(dump *d)
{
    d->slots = 16;
    while (d->slots < d->n * 2)
        d->slots *= 2;
    d->slot = ngi_malloc(d->slots * sizeof *d->slot);
    if (!d->slot)
        return NG_ENOMEM;
    for (size_t k = 0; k < d->slots; k++)
        d->slot[k] = SIZE_MAX;
    for (size_t i = 0; i < d->n; i++) {
        tline *l = &d->lines[i];
        size_t k = table_slot(d, d->text + l->off, l->len);
        if (d->slot[k] == SIZE_MAX)
            d->slot[k] = i;
        l->group = d->slot[k];
        d->lines[l->group].count++;
    }
    return 0;
}

static void classify(dump *d)
{
    vocab v;
    vocab_build(&v);
    for (size_t i = 0; i < d->n; i++) {
        tline *l = &d->lines[i];
        const char *s = d->text + l->off;
        l->words = count_words(s, l->len);
        l->sentence = (unsigned char)ends_sentence(s, l->len);
        l->para = l->words >= 12 || (l->words >= 6 && l->sentence);
        classify_chrome(l, s, &v);
        l->is_date = !l->chrome && l->len <= SHORT_LINE &&
                     (unsigned char)ngi_textdump_date_line(s, l->len, l->date);
        l->label = l->words <= 3 && !l->sentence && l->len <= 40;
        /* Three words with letters (CJK: three words' worth of characters);
         * "( Abmelden /" or "4 Tsd." are not headlines. */
        l->titleish = l->words >= 3 && l->words <= 30 && l->len <= 300 && !l->chrome &&
                      !l->is_date && !(l->len && s[l->len - 1] == '.') &&
                      (letter_words(s, l->len) >= 3 || cjk_chars(s, l->len) >= 6);
    }
    /* A page title near the top joins its headline's group; then every
     * line knows how often its text occurs. */
    for (size_t i = 0; i < d->n && i < 3; i++)
        join_title_line(d, i);
    for (size_t i = 0; i < d->n; i++)
        d->lines[i].count = d->lines[d->lines[i].group].count;
    /* A line between two repeated lines of other texts is part of a
     * repeated block: a menu printed twice (desktop and mobile, header and
     * footer). A text all of whose occurrences are in such blocks is
     * navigation, not a headline. */
    for (size_t i = 0; i < d->n; i++) {
        tline *l = &d->lines[i];
        int prev = i > 0 && d->lines[i - 1].count >= 2 && d->lines[i - 1].group != l->group;
        int next = i + 1 < d->n && d->lines[i + 1].count >= 2 &&
                   d->lines[i + 1].group != l->group;
        if (!(prev && next))
            d->lines[l->group].free_standing = 1;
    }
    /* A headline repeats; one that the page title confirms may be short or
     * end with a full stop ("Nebelsuppe."). When the page title confirms
     * one, the page is that article's: other repeated lines are its
     * furniture (buttons, teasers, labels), not more articles. */
    int titled = 0;
    for (size_t i = 0; i < d->n; i++) {
        const tline *g = &d->lines[d->lines[i].group];
        titled |= g->titled && g->count >= 2 && g->free_standing && !g->chrome && !g->is_date &&
                  g->words <= 30;
    }
    for (size_t i = 0; i < d->n; i++) {
        tline *l = &d->lines[i];
        const tline *g = &d->lines[l->group];
        l->headline = g->count >= 2 && g->free_standing && !l->title_line &&
                      (titled ? g->titled && !g->chrome && !g->is_date && g->words <= 30
                              : g->titleish);
        /* The page title confirms the headline; its own line is furniture
         * (it names the site), not a boundary between articles. */
        l->chrome |= l->title_line;
    }
}

/* ---- bodies ------------------------------------------------------------ */

/* Marks in keep[] the lines of [from, to) that belong to an article body:
 * not a headline, date line, chrome or repeated label, not in a box of
 * links, not a label at either edge. Returns how many paragraphs it kept. */
static size_t filter_body(const dump *d, size_t from, size_t to, unsigned char *keep)
{
    int box = 0;
    for (size_t i = from; i < to; i++) {
        const tline *l = &d->lines[i];
        keep[i] = 0;
        if (l->headline || l->is_date) {
            box = 0;
            continue;
        }
        if (l->chrome) {
            box |= l->box;
            continue;
        }
        if (l->count >= 2 && (!l->para || l->group != i))
            continue; /* repeated furniture, or a paragraph seen before */
        if (box) {
            /* A box ends where two paragraphs follow each other. */
            if (!(l->para && i + 1 < to && d->lines[i + 1].para))
                continue;
            box = 0;
        }
        keep[i] = 1;
    }
    size_t first = from, last = to;
    while (first < last && (!keep[first] || d->lines[first].label)) /* edge labels */
        keep[first++] = 0;
    /* The body ends with its last paragraph: short lines after it are a
     * tail of links, captions and buttons. */
    while (last > first && (!keep[last - 1] || !d->lines[last - 1].para))
        keep[--last] = 0;
    size_t paras = 0;
    for (size_t i = first; i < last; i++)
        paras += keep[i] && d->lines[i].para;
    return paras;
}

/* Appends the kept lines of [from, to) to b; lines that stood apart (a
 * blank line or dropped lines between) are separated by a blank line. */
static int append_body(const dump *d, size_t from, size_t to, const unsigned char *keep,
                       ngi_buf *b)
{
    size_t prev = SIZE_MAX;
    for (size_t i = from; i < to; i++) {
        if (!keep[i])
            continue;
        const tline *l = &d->lines[i];
        if (b->len) {
            int apart = prev == SIZE_MAX || prev + 1 != i || l->blank_before;
            if (ngi_buf_append(b, apart ? "\n\n" : "\n", apart ? 2 : 1))
                return NG_ENOMEM;
        }
        if (ngi_buf_append(b, d->text + l->off, l->len))
            return NG_ENOMEM;
        prev = i;
    }
    return 0;
}

/* ---- results ----------------------------------------------------------- */

static int push_article(ngi_td_result *r, size_t *cap, const char *title, size_t tlen,
                        ngi_buf *body, const char *date)
{
    if (r->count == *cap) {
        size_t c = *cap ? *cap * 2 : 4;
        ngi_td_article *a = ngi_realloc(r->articles, c * sizeof *a);
        if (!a)
            return NG_ENOMEM;
        r->articles = a;
        *cap = c;
    }
    ngi_td_article *a = &r->articles[r->count];
    memset(a, 0, sizeof *a);
    a->title = ngi_strndup(title ? title : "", title ? tlen : 0);
    a->body = ngi_strndup(body->data ? (const char *)body->data : "", body->len);
    if (!a->title || !a->body) {
        ngi_free(a->title);
        ngi_free(a->body);
        return NG_ENOMEM;
    }
    a->title_len = title ? tlen : 0;
    a->body_len = body->len;
    if (date && date[0])
        memcpy(a->date, date, 11);
    r->count++;
    return 0;
}

/* Title without Markdown heading marks. */
static void title_span(const char *s, size_t n, const char **t, size_t *tn)
{
    while (n && *s == '#')
        s++, n--;
    while (n && is_space((unsigned char)*s))
        s++, n--;
    *t = s;
    *tn = n;
}

/* The plain reading: title = the first line (without "#"), body = the
 * rest, trimmed, byte for byte. */
static int split_plain(const char *s, size_t n, ngi_td_result *r)
{
    size_t i = 0, cap = 0;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && (is_space((unsigned char)s[i]) || s[i] == '\n'))
        i++;
    if (i == n)
        return 0;
    const char *eol = memchr(s + i, '\n', n - i);
    size_t te = eol ? (size_t)(eol - s) : n, bs = eol ? te + 1 : n, be = n;
    while (te > i && is_space((unsigned char)s[te - 1]))
        te--;
    while (bs < n && (is_space((unsigned char)s[bs]) || s[bs] == '\n'))
        bs++;
    while (be > bs && (is_space((unsigned char)s[be - 1]) || s[be - 1] == '\n'))
        be--;
    const char *t;
    size_t tn;
    title_span(s + i, te - i, &t, &tn);
    ngi_buf body = {(uint8_t *)(uintptr_t)(s + bs), be - bs, 0}; /* borrowed */
    return push_article(r, &cap, t, tn, &body, NULL);
}

/* ---- several articles around repeated headlines ------------------------ */

typedef struct cluster {
    size_t group;       /* the headline's line group */
    size_t first, last; /* its first and last occurrence in this run */
} cluster;

typedef struct art {
    size_t group;       /* headline */
    size_t seg;         /* the segment holding its body, or SIZE_MAX */
    char date[11];
} art;

typedef struct layout {
    cluster *cl;
    size_t ncl;
    size_t *seg_from, *seg_to; /* segment k: lines [from, to); ncl + 1 of them */
    size_t *paras;             /* paragraphs kept in segment k */
    size_t *owner;             /* article owning segment k, or SIZE_MAX */
    art *arts;
    size_t nart;
    size_t *art_of;            /* article of a headline, by its group's line */
    unsigned char *keep;
} layout;

static void layout_free(layout *L)
{
    ngi_free(L->cl);
    ngi_free(L->seg_from);
    ngi_free(L->seg_to);
    ngi_free(L->paras);
    ngi_free(L->owner);
    ngi_free(L->arts);
    ngi_free(L->art_of);
    ngi_free(L->keep);
}

static size_t art_of_group(const layout *L, size_t group)
{
    return L->art_of[group];
}

static void give_date(art *a, const char *date)
{
    if (a && !a->date[0])
        memcpy(a->date, date, 11);
}

/* Runs of the same headline with no paragraph between them form one
 * cluster; the lines between clusters are segments. */
static int find_clusters(const dump *d, layout *L)
{
    size_t n = d->n;
    L->cl = ngi_malloc((n + 1) * sizeof *L->cl);
    L->seg_from = ngi_malloc((n + 2) * sizeof(size_t));
    L->seg_to = ngi_malloc((n + 2) * sizeof(size_t));
    L->paras = ngi_malloc((n + 2) * sizeof(size_t));
    L->owner = ngi_malloc((n + 2) * sizeof(size_t));
    L->arts = ngi_malloc((n + 1) * sizeof *L->arts);
    L->art_of = ngi_malloc((n + 1) * sizeof(size_t));
    L->keep = ngi_calloc(n + 1, 1);
    if (!L->cl || !L->seg_from || !L->seg_to || !L->paras || !L->owner || !L->arts ||
        !L->art_of || !L->keep)
        return NG_ENOMEM;
    for (size_t i = 0; i < n; i++)
        L->art_of[i] = SIZE_MAX;
    size_t seg_start = 0;
    for (size_t i = 0; i < n; i++) {
        const tline *l = &d->lines[i];
        if (!l->headline)
            continue;
        cluster *prev = L->ncl ? &L->cl[L->ncl - 1] : NULL;
        if (prev && prev->group == l->group &&
            filter_body(d, prev->last + 1, i, L->keep) == 0) {
            prev->last = i; /* the same headline again, nothing between */
        } else {
            L->seg_from[L->ncl] = seg_start;
            L->seg_to[L->ncl] = i;
            L->cl[L->ncl++] = (cluster){l->group, i, i};
            if (L->art_of[l->group] == SIZE_MAX) {
                L->art_of[l->group] = L->nart;
                L->arts[L->nart++] = (art){l->group, SIZE_MAX, ""};
            }
        }
        seg_start = i + 1;
    }
    L->seg_from[L->ncl] = seg_start;
    L->seg_to[L->ncl] = n;
    for (size_t k = 0; k <= L->ncl; k++) {
        L->paras[k] = filter_body(d, L->seg_from[k], L->seg_to[k], L->keep);
        L->owner[k] = SIZE_MAX;
    }
    return 0;
}

static int seg_free(const layout *L, size_t k)
{
    return k <= L->ncl && L->paras[k] && L->owner[k] == SIZE_MAX;
}

static void claim(layout *L, size_t a, size_t k)
{
    L->arts[a].seg = k;
    L->owner[k] = a;
}

/* Gives each headline its body segment (see the top of the file). */
static void assign_segments(layout *L)
{
    /* Framed: the same headline before and after. */
    for (size_t c = 1; c < L->ncl; c++) {
        size_t a = art_of_group(L, L->cl[c].group);
        if (L->cl[c - 1].group == L->cl[c].group && L->arts[a].seg == SIZE_MAX &&
            seg_free(L, c))
            claim(L, a, c);
    }
    /* Which side do the others' bodies stand on? Segment c is before
     * cluster c, segment c + 1 after it. */
    size_t before = 0, after = 0;
    for (size_t c = 0; c < L->ncl; c++) {
        if (L->arts[art_of_group(L, L->cl[c].group)].seg != SIZE_MAX)
            continue;
        int b = seg_free(L, c), f = seg_free(L, c + 1);
        before += b && !f;
        after += f && !b;
    }
    for (size_t c = 0; c < L->ncl; c++) {
        size_t a = art_of_group(L, L->cl[c].group);
        if (L->arts[a].seg != SIZE_MAX)
            continue;
        int b = seg_free(L, c), f = seg_free(L, c + 1);
        if (f && (!b || after >= before))
            claim(L, a, c + 1);
        else if (b)
            claim(L, a, c);
    }
}

/* Dates: a date line inside a cluster, or at the head of a segment, is the
 * date of the headline just above it; elsewhere, of the segment's article. */
static void assign_dates(const dump *d, layout *L)
{
    for (size_t c = 0; c < L->ncl; c++)
        for (size_t i = L->cl[c].first; i <= L->cl[c].last; i++)
            if (d->lines[i].is_date)
                give_date(&L->arts[art_of_group(L, L->cl[c].group)], d->lines[i].date);
    for (size_t k = 0; k <= L->ncl; k++) {
        int head = 1;
        for (size_t i = L->seg_from[k]; i < L->seg_to[k]; i++) {
            const tline *l = &d->lines[i];
            if (l->is_date) {
                size_t a = head && k > 0 ? art_of_group(L, L->cl[k - 1].group) : L->owner[k];
                if (a != SIZE_MAX)
                    give_date(&L->arts[a], l->date);
            } else if (l->para) {
                head = 0;
            }
        }
    }
}

static int split_headlines(const dump *d, ngi_td_result *r)
{
    layout L = {0};
    size_t cap = 0;
    ngi_buf body = NGI_BUF_INIT;
    int rc = find_clusters(d, &L);
    if (rc == 0) {
        assign_segments(&L);
        assign_dates(d, &L);
    }
    for (size_t a = 0; rc == 0 && a < L.nart; a++) {
        size_t k = L.arts[a].seg;
        if (k == SIZE_MAX)
            continue; /* a headline without a body: a link to another page */
        ngi_buf_reset(&body);
        filter_body(d, L.seg_from[k], L.seg_to[k], L.keep);
        rc = append_body(d, L.seg_from[k], L.seg_to[k], L.keep, &body);
        const tline *h = &d->lines[L.arts[a].group];
        const char *t;
        size_t tn;
        title_span(d->text + h->off, h->len, &t, &tn);
        if (rc == 0)
            rc = push_article(r, &cap, t, tn, &body, L.arts[a].date);
    }
    ngi_buf_free(&body);
    layout_free(&L);
    return rc;
}

/* ---- one article without a repeated headline --------------------------- */

static size_t first_where(const dump *d, size_t from, size_t to, int para, int date)
{
    for (size_t i = from; i < to; i++) {
        const tline *l = &d->lines[i];
        if (!l->chrome && ((para && l->para) || (date && l->is_date)))
            return i;
    }
    return SIZE_MAX;
}

/* The headline just above line `at`: the nearest titleish line among the
 * few lines before it (labels, chrome and date lines are stepped over). */
static size_t headline_above(const dump *d, size_t at)
{
    for (size_t i = at, seen = 0; i-- > 0 && seen < 4;) {
        const tline *l = &d->lines[i];
        if (l->chrome || l->is_date || (l->label && !l->titleish))
            continue;
        if (l->titleish && !l->sentence)
            return i;
        if (l->para)
            break;
        seen++;
    }
    return SIZE_MAX;
}

static int split_single(const dump *d, ngi_td_result *r)
{
    size_t first_para = first_where(d, 0, d->n, 1, 0);
    size_t first_date = first_where(d, 0, first_para == SIZE_MAX ? d->n : first_para, 0, 1);
    size_t h = first_date != SIZE_MAX ? headline_above(d, first_date) : SIZE_MAX;
    if (h == SIZE_MAX && first_para != SIZE_MAX)
        h = headline_above(d, first_para);
    size_t any_date = first_where(d, 0, d->n, 0, 1);
    const char *date = any_date != SIZE_MAX ? d->lines[any_date].date : NULL;
    unsigned char *keep = ngi_calloc(d->n + 1, 1);
    ngi_buf body = NGI_BUF_INIT;
    size_t cap = 0, from = h == SIZE_MAX ? 0 : h + 1;
    int rc = keep ? 0 : NG_ENOMEM;
    if (rc == 0) {
        filter_body(d, from, d->n, keep);
        rc = append_body(d, from, d->n, keep, &body);
    }
    const char *t = "";
    size_t tn = 0;
    if (h != SIZE_MAX)
        title_span(d->text + d->lines[h].off, d->lines[h].len, &t, &tn);
    if (rc == 0)
        rc = push_article(r, &cap, t, tn, &body, date);
    ngi_buf_free(&body);
    ngi_free(keep);
    return rc;
}

/* ---- entry points ------------------------------------------------------- */

/* A dump rather than a plain article: the text opens with site furniture,
 * with its headline repeated or under a page title, or with a body whose
 * headline comes later. A text whose first line is a title and that has
 * none of these is read the plain way, even when lines repeat further down
 * (tables) or a line looks like chrome or a date. */
static int looks_like_dump(const dump *d, int headlines)
{
    if (d->n == 0)
        return 0;
    const tline *first = &d->lines[0];
    /* A date line under a first-line title is not enough: "Title / Period
     * ended December 31, 1986 / ..." is a plain article. */
    return first->chrome || first->headline || first->title_line ||
           (headlines && !first->titleish);
}

void ngi_textdump_free(ngi_td_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++) {
        ngi_free(r->articles[i].title);
        ngi_free(r->articles[i].body);
    }
    ngi_free(r->articles);
    memset(r, 0, sizeof *r);
}

int ngi_textdump_split(const char *data, size_t len, unsigned flags, ngi_td_result *out)
{
    memset(out, 0, sizeof *out);
    dump d = {data, NULL, 0, NULL, 0};
    int rc = flags & NGI_TD_PLAIN ? 1 : split_lines(&d, data, len);
    if (rc == 0)
        rc = count_repeats(&d);
    if (rc == 0) {
        classify(&d);
        int headlines = 0;
        for (size_t i = 0; i < d.n; i++)
            headlines |= d.lines[i].headline;
        if (looks_like_dump(&d, headlines)) {
            if (headlines)
                rc = split_headlines(&d, out);
            if (rc == 0 && out->count == 0)
                rc = split_single(&d, out);
        }
        out->dump = out->count > 0;
        if (rc == 0 && out->count == 0)
            rc = 1;
    }
    if (rc == 1) /* a plain article */
        rc = split_plain(data, len, out);
    ngi_free(d.lines);
    ngi_free(d.slot);
    if (rc)
        ngi_textdump_free(out);
    return rc;
}
