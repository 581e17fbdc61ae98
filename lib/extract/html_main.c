/*
 * html_main.c — which blocks of a page are its article. Our own mix of the
 * published ideas:
 *  - furniture by tag, ARIA role and class/id words is excluded (a class
 *    word does not exclude an element that holds most of the page's text
 *    or an article body: "content-with-sidebar" wrappers);
 *  - every paragraph-sized block scores its block element's parent and
 *    grandparent by length and sentence punctuation (readability's idea);
 *    the scores are weighed by link density and class names, and the best
 *    element is the article's container;
 *  - inside it, blocks are kept by their own shape (jusText's idea): link
 *    density, length, sentence punctuation, and the quality of their
 *    neighbours for short ones; headings, list items and quotes next to
 *    good text are kept; lines the page repeats (menus, teasers) are not.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract/html.h"

#define MIN_SCORED_BYTES   25  /* blocks shorter than this score nothing */
#define GOOD_BYTES         80  /* a block this long with few links is good text */
#define CHROME_BYTES       100 /* repeated lines up to this long are chrome */
#define MAX_SIBLINGS       16  /* siblings of the container taken along */
#define SIBLING_BYTES      80  /* text of a sibling taken along, at least */
#define TAIL_BYTES         50  /* short blocks after the last good one are dropped */
#define WEAK_BOILER_BYTES  200
#define LINKED_PROSE_BYTES 150
#define MAX_LEAD_BLOCKS                                                                  \
    3 /* prose blocks between headline and body kept */ /* prose this long may be up to half links */
#define LEAD_LEVELS 2 /* a standfirst sits this close to the body's box */
#define LEAD_LINES  4 /* lines above the body searched for one */
#define FALLBACK_BYTES                                                                   \
    250 /* less kept than this: judge the whole page */ /* a "widget" with less text than this is furniture */

#define CTA_LINES   3   /* last kept lines searched for calls to action */
#define CTA_BYTES   300 /* a call to action is shorter */
#define RETRY_BYTES 150 /* less kept than this: judge again without class words */

static float link_density(const hx_el *e) {
    return e->text ? (float)e->link / (float)e->text : 0.0f;
}

/* Class/id words do not exclude a wrapper of the article; comment boxes
 * are no furniture when comments_are_text (a forum thread); no class word
 * (nor <header>, <footer>, <aside>, <noscript>) makes furniture when
 * no_class_words (the retry of a page where next to nothing was found). */
static void resolve_flags(hx_page *pg, int32_t root, bool comments_are_text,
                          bool no_class_words) {
    uint32_t total = root >= 0 ? pg->els[root].text - pg->els[root].link : 0;
    if (root < 0)
        for (size_t i = 0; i < pg->n_els; i++)
            if (pg->els[i].parent < 0) total += pg->els[i].text - pg->els[i].link;
    for (size_t i = 0; i < pg->n_els; i++) pg->els[i].positive = 0;
    for (size_t i = pg->n_els; i-- > 0;) {
        hx_el *e = &pg->els[i];
        if (e->flags & (HX_POSITIVE | HX_ARTICLE)) e->positive++;
        if (e->parent >= 0) pg->els[e->parent].positive += e->positive;
    }
    for (size_t i = 0; i < pg->n_els; i++) {
        hx_el *e = &pg->els[i];
        uint16_t f = e->flags;
        /* (Readers' comments can outweigh the story: no majority for them.) */
        if ((f & HX_CLASS_BOILER) &&
            ((e->positive > 0 && !(f & HX_ASIDE)) ||
             (!(f & HX_COMMENTS) && (e->text - e->link) * 2 > total)))
            e->flags = f = (uint16_t)(f & ~(HX_BOILER | HX_CLASS_BOILER | HX_COMMENTS));
        if ((f & HX_CLASS_WEAK) && e->positive == 0 && (e->text - e->link) * 2 <= total &&
            (link_density(e) > 0.4f || e->text - e->link < WEAK_BOILER_BYTES))
            e->flags = f = (uint16_t)(f | HX_BOILER | HX_CLASS_BOILER);
        if (comments_are_text && (f & HX_COMMENTS))
            e->flags = f = (uint16_t)(f & ~(HX_BOILER | HX_CLASS_BOILER | HX_COMMENTS));
        if (no_class_words && (f & HX_CLASS_BOILER) && !(f & HX_COMMENTS))
            e->flags = f = (uint16_t)(f & ~(HX_BOILER | HX_CLASS_BOILER));
        e->iflags = (uint16_t)(f | (e->parent >= 0 ? pg->els[e->parent].iflags : 0));
    }
}

/* Sentence punctuation and commas: prose has them, menus do not. */
static unsigned punctuation(const char *s, size_t n) {
    unsigned k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == ',' || s[i] == '.' || s[i] == '!' || s[i] == '?' || s[i] == ';' ||
             s[i] == ':';
    /* CJK full stop and comma, full-width ! , : ? and the danda */
    for (size_t i = 0; i + 2 < n; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)s[i + 1],
                      c = (unsigned char)s[i + 2];
        k += (a == 0xE3 && b == 0x80 && (c == 0x81 || c == 0x82)) ||
             (a == 0xEF && b == 0xBC &&
              (c == 0x81 || c == 0x8C || c == 0x9A || c == 0x9F)) ||
             (a == 0xE0 && b == 0xA5 && c == 0xA4);
    }
    return k;
}

static float class_weight(const hx_el *e) {
    float w = 0;
    if (e->flags & HX_POSITIVE) w += 30;
    if (e->flags & HX_ARTICLE) w += 15;
    if (e->iflags & HX_BOILER) w -= 40;
    return w;
}

/* The container of the article below root: the best-scoring element. */
static int32_t best_container(hx_page *pg, int32_t root) {
    for (size_t i = 0; i < pg->n_els; i++) pg->els[i].score = 0;
    for (size_t b = 0; b < pg->n_blocks; b++) {
        hx_block *bl = &pg->blocks[b];
        if (bl->owner < 0 || bl->len < MIN_SCORED_BYTES) continue;
        if (!ngi_html_within(pg, bl->owner, root)) continue;
        hx_el *o = &pg->els[bl->owner];
        if (o->iflags & HX_BOILER) continue;
        const char *s = (const char *)pg->text.data + bl->start;
        float ld = (float)bl->link / (float)bl->len;
        float sc = (1.0f + (float)punctuation(s, bl->len) +
                    fminf((float)bl->len / 100.0f, 3.0f)) *
                   (1.0f - ld);
        int32_t p = (o->flags & (HX_PARA | HX_LIST | HX_HEADING)) ? o->parent : bl->owner;
        for (float f = 1.0f; p >= 0 && f > 0.2f; f /= 2, p = pg->els[p].parent) {
            pg->els[p].score += sc * f;
            if (p == root) break;
        }
    }
    int32_t best = root;
    float best_score = 0;
    for (size_t i = 0; i < pg->n_els; i++) {
        hx_el *e = &pg->els[i];
        if (e->score <= 0 || !ngi_html_within(pg, (int32_t)i, root)) continue;
        float s = (e->score + class_weight(e)) * (1.0f - link_density(e));
        if (s > best_score) {
            best_score = s;
            best = (int32_t)i;
        }
    }
    /* A parent that holds clearly more good text is the better container
     * (a story split into several boxes): good bytes are those of
     * paragraph-sized blocks with few links outside furniture. */
    float *good = ngi_calloc(pg->n_els ? pg->n_els : 1, sizeof *good);
    if (!good) return best;
    for (size_t b = 0; b < pg->n_blocks; b++) {
        const hx_block *bl = &pg->blocks[b];
        if (bl->owner >= 0 && !(pg->els[bl->owner].iflags & HX_BOILER) &&
            bl->len >= GOOD_BYTES && bl->link * 5 <= bl->len)
            good[bl->owner] += (float)bl->len;
    }
    for (size_t i = pg->n_els; i-- > 0;)
        if (pg->els[i].parent >= 0) good[pg->els[i].parent] += good[i];
    /* The best-scored element holds too little of the page's good text
     * (scores are spread over many small boxes): take the smallest element
     * that holds most of it. */
    float total = 0;
    for (size_t i = 0; i < pg->n_els; i++)
        if (pg->els[i].parent < 0 || (int32_t)i == root) total += good[i];
    if (root >= 0) total = good[root];
    if (total > 0 && (best < 0 || good[best] < total * 0.8f)) {
        int32_t pick = -1;
        for (size_t i = 0; i < pg->n_els; i++)
            if (good[i] >= total * 0.9f && ngi_html_within(pg, (int32_t)i, root) &&
                !(pg->els[i].iflags & HX_BOILER) &&
                (pick < 0 || pg->els[i].depth > pg->els[pick].depth))
                pick = (int32_t)i;
        if (pick >= 0) best = pick;
    }
    while (best >= 0 && best != root) {
        int32_t p = pg->els[best].parent;
        if (p < 0 || (pg->els[p].iflags & HX_BOILER) || link_density(&pg->els[p]) > 0.5f)
            break;
        if (good[p] < good[best] * 1.15f + 40) break;
        best = p;
    }
    ngi_free(good);
    return best;
}

/* Short lines that are page furniture whatever their markup: the labels of
 * related-links boxes, comment sections, sharing, sources and contents
 * ("Mehr zum Thema", "Related Coverage", "Lire aussi"), in the languages
 * of ng_date_parse. A line is compared whole, case-folded, without a final
 * colon or ellipsis. (Such a label does not end the story: boxes of related
 * links sit inside articles as often as after them.) */
static const char *const related_labels[] = {"related",
                                             "related articles",
                                             "related coverage",
                                             "related posts",
                                             "related stories",
                                             "related content",
                                             "related news",
                                             "you may also like",
                                             "you might also like",
                                             "recommended",
                                             "recommended for you",
                                             "more stories",
                                             "more from",
                                             "read more",
                                             "read next",
                                             "further reading",
                                             "explore further",
                                             "more on this topic",
                                             "mehr zum thema",
                                             "weitere themen",
                                             "mehr themen",
                                             "mehr zu diesem thema",
                                             "weitere artikel",
                                             "weitere beitr\xc3\xa4ge",
                                             "\xc3\xa4hnliche beitr\xc3\xa4ge",
                                             "\xc3\xa4hnliche artikel",
                                             "verwandte artikel",
                                             "verwandte beitr\xc3\xa4ge",
                                             "das k\xc3\xb6nnte sie auch interessieren",
                                             "das k\xc3\xb6nnte dich auch interessieren",
                                             "auch interessant",
                                             "lesen sie auch",
                                             "lies auch",
                                             "zum weiterlesen",
                                             "mehr lesen",
                                             "weiterlesen",
                                             "empfehlungen",
                                             "beliebte artikel",
                                             "lire aussi",
                                             "\xc3\xa0 lire aussi",
                                             "sur le m\xc3\xaame sujet",
                                             "articles similaires",
                                             "noticias relacionadas",
                                             "te puede interesar",
                                             "lee tambi\xc3\xa9n",
                                             "leggi anche",
                                             "articoli correlati",
                                             "czytaj tak\xc5\xbc"
                                             "e",
                                             "zobacz tak\xc5\xbc"
                                             "e",
                                             NULL};
static const char *const chrome_labels[] = {"comments",
                                            "leave a comment",
                                            "leave a reply",
                                            "no comments",
                                            "share",
                                            "share this",
                                            "share this article",
                                            "table of contents",
                                            "contents",
                                            "advertisement",
                                            "sponsored",
                                            "newsletter",
                                            "sources",
                                            "source",
                                            "tags",
                                            "about the author",
                                            "\xc3\xbc"
                                            "ber den autor",
                                            "kommentare",
                                            "kommentieren",
                                            "keine kommentare",
                                            "teilen",
                                            "inhaltsverzeichnis",
                                            "inhalt",
                                            "quellen",
                                            "quellenangaben",
                                            "anzeige",
                                            "werbung",
                                            "schlagworte",
                                            "themen",
                                            "aktualisiert",
                                            "last modified",
                                            "updated",
                                            "commentaires",
                                            "partager",
                                            "sommaire",
                                            "comentarios",
                                            "compartir",
                                            "publicidad",
                                            "commenti",
                                            "condividi",
                                            "komentarze",
                                            "udost\xc4\x99pnij",
                                            NULL};

/* Is the block (of at most 48 bytes) one of labels? */
static bool is_label(const hx_page *pg, const hx_block *b, const char *const *labels) {
    if (b->len > 48) return false;
    const unsigned char *s = pg->text.data + b->start;
    char low[49];
    size_t n = 0;
    for (size_t i = 0; i < b->len; i++) {
        unsigned char c = s[i];
        /* Latin-1 capitals (C3 80..9E) to small letters */
        if (i > 0 && s[i - 1] == 0xC3 && c >= 0x80 && c <= 0x9E && c != 0x97) c += 0x20;
        low[n++] = (char)(c < 0x80 ? tolower(c) : c);
    }
    while (n && (low[n - 1] == ':' || low[n - 1] == ' ' || low[n - 1] == '.')) n--;
    if (n >= 3 && !memcmp(low + n - 3, "\xe2\x80\xa6", 3)) n -= 3; /* ... */
    while (n && low[n - 1] == ' ') n--;
    low[n] = '\0';
    for (int i = 0; labels[i]; i++)
        if (!strcmp(low, labels[i])) return true;
    return false;
}

/* Whether block b, shorter than max_bytes (at most CTA_BYTES), lowered to
 * ASCII small letters, starts with one of starts or holds one of marks
 * (NULL: none). Credit lines and calls to action are told apart from the
 * story this way: short, and made of a few telltale words. */
static bool short_line_has(const hx_page *pg, const hx_block *b, size_t max_bytes,
                           const char *const *starts, const char *const *marks) {
    if (max_bytes > CTA_BYTES || b->len >= max_bytes) return false;
    char low[CTA_BYTES];
    const char *s = (const char *)pg->text.data + b->start;
    for (size_t i = 0; i < b->len; i++) low[i] = (char)tolower((unsigned char)s[i]);
    low[b->len] = '\0';
    for (int i = 0; starts && starts[i]; i++)
        if (!strncmp(low, starts[i], strlen(starts[i]))) return true;
    for (int i = 0; marks && marks[i]; i++)
        if (strstr(low, marks[i])) return true;
    return false;
}

/* A picture's credit line run into the text ("Foto: Getty", "AFP / MARCO
 * BERTORELLO", "© dpa"): short, and naming a photo or an agency. */
static bool is_credit(const hx_page *pg, const hx_block *b) {
    static const char *const starts[] = {"foto:",
                                         "fotos:",
                                         "photo:",
                                         "photos:",
                                         "bild:",
                                         "bilder:",
                                         "image:",
                                         "credit:",
                                         "titelbild",
                                         "beitragsbild",
                                         "cr\xc3\xa9"
                                         "dit",
                                         NULL};
    static const char *const marks[] = {"\xc2\xa9",
                                        "getty images",
                                        "istock",
                                        "shutterstock",
                                        "afp /",
                                        "/ afp",
                                        "(foto:",
                                        "(photo:",
                                        "imago images",
                                        "picture alliance",
                                        "picture-alliance",
                                        NULL};
    return short_line_has(pg, b, 81, starts, marks);
}

/* "Aktualisiert: 11.04.2020, 10:27", "Updated 3 July 2019": when the page
 * was updated is metadata (a label of chrome_labels followed by a date),
 * not the story's text. */
static bool is_update_line(const hx_page *pg, const hx_block *b) {
    static const char *const starts[] = {"aktualisiert",  "zuletzt aktualisiert",
                                         "updated",       "last updated",
                                         "last modified", NULL};
    if (b->len > 48) return false;
    const char *s = (const char *)pg->text.data + b->start;
    char d[11];
    /* The block is not NUL-terminated: compare only within it (the text
     * buffer may end right after it; libFuzzer's strncasecmp hook read up
     * to strlen(label) bytes past a short last block and hit an unmapped
     * page). */
    for (int i = 0; starts[i]; i++) {
        size_t n = strlen(starts[i]);
        if (b->len >= n && !strncasecmp(s, starts[i], n))
            return ngi_date_in_text(s, b->len, d) == 0;
    }
    return false;
}

/* The reading time news sites show under the headline ("4 Min Read",
 * "5 minute read", "Lesezeit: 3 Minuten", "Temps de lecture : 2 min"). */
static bool is_reading_time(const hx_page *pg, const hx_block *b) {
    static const char *const marks[] = {"min read",     "minute read", "minutes read",
                                        "lesezeit",     "lesedauer",   "temps de lecture",
                                        "reading time", NULL};
    if (b->len > 32) return false;
    char low[33];
    const char *s = (const char *)pg->text.data + b->start;
    for (size_t i = 0; i < b->len; i++) low[i] = (char)tolower((unsigned char)s[i]);
    low[b->len] = '\0';
    for (int i = 0; marks[i]; i++)
        if (strstr(low, marks[i])) return true;
    return false;
}

static bool is_good(const hx_page *pg, const hx_block *b) {
    const char *s = (const char *)pg->text.data + b->start;
    return b->len >= GOOD_BYTES && b->link * 5 <= b->len && punctuation(s, b->len) > 0;
}

/* A sentence of some length: ends with a full stop, ! or ?. */
static bool sentence(const hx_page *pg, const hx_block *b) {
    const char *s = (const char *)pg->text.data + b->start;
    char end = b->len ? s[b->len - 1] : 0;
    return b->len >= TAIL_BYTES && b->link * 2 < b->len &&
           (end == '.' || end == '!' || end == '?' || end == '"' ||
            (unsigned char)end >= 0x80);
}

/* A paragraph in the box of the last good block that does not end in a
 * colon: a closing line of the story. */
static bool closing_line(const hx_page *pg, const hx_block *last, const hx_block *b) {
    if (b->owner < 0 || last->owner < 0 || !b->len) return false;
    const hx_el *o = &pg->els[b->owner];
    return (o->flags & HX_PARA) && o->parent == pg->els[last->owner].parent &&
           pg->text.data[b->start + b->len - 1] != ':';
}

/* Lines of up to CHROME_BYTES that occur twice or more on the page. */
typedef struct counts {
    uint64_t *h;
    uint32_t *n;
    size_t mask;
} counts;

static uint64_t hash(const uint8_t *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h ? h : 1;
}

static uint32_t *slot(counts *c, uint64_t h) {
    size_t i = h & c->mask;
    while (c->h[i] && c->h[i] != h) i = (i + 1) & c->mask;
    c->h[i] = h;
    return &c->n[i];
}

static int count_lines(const hx_page *pg, counts *c) {
    size_t slots = 64;
    while (slots < pg->n_blocks * 2) slots *= 2;
    c->h = ngi_calloc(slots, sizeof *c->h);
    c->n = ngi_calloc(slots, sizeof *c->n);
    c->mask = slots - 1;
    if (!c->h || !c->n) return NG_ENOMEM;
    for (size_t b = 0; b < pg->n_blocks; b++)
        if (pg->blocks[b].len <= CHROME_BYTES)
            (*slot(c, hash(pg->text.data + pg->blocks[b].start, pg->blocks[b].len)))++;
    return 0;
}

/* The container and its siblings that read as text of the story (few
 * links, some text, no furniture): an ingredients table next to the
 * method, a lead next to the body. */
static size_t siblings(const hx_page *pg, int32_t top, int32_t root, int32_t *tops) {
    size_t n = 0;
    tops[n++] = top;
    int32_t child = top;
    /* The container's siblings, then its parent's and grandparent's (a lead
     * above the body's box), more strictly. */
    for (int level = 0; level < 3; level++) {
        if (child < 0 || child == root || pg->els[child].parent < 0) break;
        int32_t parent = pg->els[child].parent;
        if (pg->els[parent].iflags & HX_BOILER) break;
        for (size_t i = (size_t)parent + 1; i < pg->n_els && n <= MAX_SIBLINGS; i++) {
            const hx_el *e = &pg->els[i];
            if (e->depth <= pg->els[parent].depth) break; /* past the parent's subtree */
            if (e->parent != parent || (int32_t)i == child) continue;
            if ((e->iflags & (HX_BOILER | HX_COMMENTS)) || e->kind == HX_HIDDEN) continue;
            if (level == 0
                    ? e->text - e->link >= SIBLING_BYTES && link_density(e) < 0.2f
                    : e->text - e->link >= SIBLING_BYTES * 2 && link_density(e) < 0.1f)
                tops[n++] = (int32_t)i;
        }
        child = parent;
    }
    return n;
}

/* Does one of the containers (-1: the whole page) hold el? *in is it. */
static bool member_of(const hx_page *pg, int32_t el, const int32_t *tops, size_t n,
                      int32_t *in) {
    if (n && tops[0] < 0) {
        *in = -1;
        return true;
    }
    for (size_t k = 0; k < n; k++)
        if (ngi_html_within(pg, el, tops[k])) {
            *in = tops[k];
            return true;
        }
    return false;
}

/* Is there a furniture element between the block and the container? */
static bool boiler_below(const hx_page *pg, int32_t el, int32_t top, uint16_t mask) {
    for (; el >= 0 && el != top; el = pg->els[el].parent)
        if (pg->els[el].flags & mask) return true;
    return false;
}

/* Marks the blocks kept below the containers; returns their bytes.
 * cls and near (2 per block) are scratch arrays of pg->n_blocks. */
static size_t keep_blocks(hx_page *pg, const int32_t *tops, size_t n_tops, counts *c,
                          signed char *cls, signed char *near) {
    size_t nb = pg->n_blocks;
    /* First pass: each block by itself (1 good, 0 unsure, -1 bad, -2
     * outside the containers or in furniture). */
    bool any_good = false;
    for (size_t b = 0; b < nb; b++) {
        hx_block *bl = &pg->blocks[b];
        int v = 0;
        const hx_el *o = bl->owner >= 0 ? &pg->els[bl->owner] : NULL;
        int32_t in = -1;
        if (!o || !member_of(pg, bl->owner, tops, n_tops, &in))
            v = -2;
        else if (boiler_below(pg, bl->owner, in, HX_BOILER | HX_COMMENTS))
            v = -2;
        else if (bl->link * 3 > bl->len &&
                 (bl->len < LINKED_PROSE_BYTES || bl->link * 2 > bl->len))
            v = -1; /* (long prose may link a third of its words) */
        else if (is_label(pg, bl, chrome_labels) || is_label(pg, bl, related_labels) ||
                 is_credit(pg, bl) || is_update_line(pg, bl) || is_reading_time(pg, bl))
            v = -1;
        else if (is_good(pg, bl))
            v = 1; /* prose, even when a teaser repeats it */
        else if (bl->len <= CHROME_BYTES &&
                 *slot(c, hash(pg->text.data + bl->start, bl->len)) > 1)
            v = -1;
        cls[b] = (signed char)v;
        any_good |= v > 0;
    }
    /* The nearest judged block (good or bad, not furniture) before and
     * after each block, in two linear passes. */
    signed char last = 0;
    for (size_t b = 0; b < nb; b++) {
        near[2 * b] = last;
        if (cls[b] == 1 || cls[b] == -1) last = cls[b];
    }
    last = 0;
    for (size_t b = nb; b-- > 0;) {
        near[2 * b + 1] = last;
        if (cls[b] == 1 || cls[b] == -1) last = cls[b];
    }
    /* Unsure blocks next to good ones are kept (short paragraphs,
     * subheadings, list items of the story). With no good block at all,
     * every unsure one is kept. */
    for (size_t b = 0; b < nb; b++) {
        hx_block *bl = &pg->blocks[b];
        if (cls[b] != 0) {
            bl->keep = cls[b] > 0;
            continue;
        }
        int prev = near[2 * b], next = near[2 * b + 1];
        if (!any_good)
            bl->keep = true;
        else if (pg->els[bl->owner].flags & HX_HEADING)
            bl->keep = next > 0; /* a heading belongs to the text after it */
        else
            bl->keep = prev > 0 || next > 0 || bl->len >= MIN_SCORED_BYTES * 2;
    }
    /* After the story's last good block come its furniture: "Read more",
     * "Related coverage", share and author boxes. */
    size_t lastgood = nb;
    for (size_t b = nb; b-- > 0;)
        if (cls[b] > 0 || (cls[b] == 0 && sentence(pg, &pg->blocks[b]))) {
            lastgood = b;
            break;
        }
    /* Short paragraphs next to the last good one in its box, before any
     * bad block, close the story ("Euer Hans", "Be there or be square!"):
     * jusText's context (a short block next to good text, in the same
     * box); one that ends in a colon labels the links after it. */
    bool closing = true;
    for (size_t b = lastgood + 1; any_good && b < nb; b++) {
        if (cls[b] < 0) closing = false;
        if (cls[b] != 0 || pg->blocks[b].len >= TAIL_BYTES) continue;
        if (!closing || !closing_line(pg, &pg->blocks[lastgood], &pg->blocks[b]))
            pg->blocks[b].keep = false;
    }
    size_t kept = 0;
    for (size_t b = 0; b < nb; b++) kept += pg->blocks[b].keep ? pg->blocks[b].len : 0;
    return kept;
}

/* The <header> that makes el furniture when it is the only furniture
 * around el (an article's header: headline, standfirst, byline), else -1. */
static int32_t article_header(const hx_page *pg, int32_t el) {
    int32_t a = el;
    while (a >= 0 && !(pg->els[a].flags & HX_BOILER)) a = pg->els[a].parent;
    if (a < 0 || strcmp((const char *)pg->els[a].node->name, "header") != 0) return -1;
    int32_t p = pg->els[a].parent;
    return p >= 0 && (pg->els[p].iflags & HX_BOILER) ? -1 : a;
}

/* Prose of the article's header hdr after its headline h1 (the standfirst). */
static void keep_header_prose(hx_page *pg, int32_t h1, int32_t hdr) {
    int kept = 0;
    for (size_t b = 0; b < pg->n_blocks && kept < MAX_LEAD_BLOCKS; b++) {
        hx_block *bl = &pg->blocks[b];
        if (bl->owner <= h1 || bl->owner >= (int32_t)pg->els[hdr].end) continue;
        if (boiler_below(pg, bl->owner, hdr, HX_BOILER | HX_COMMENTS) || !is_good(pg, bl))
            continue;
        bl->keep = true;
        kept++;
    }
}

/* The lead: prose between the headline and a container that starts after
 * it (a standfirst in its own box above the body's). The headline is the
 * last <h1> before the container, outside furniture. An <h1> in the
 * article's <header> (before the container or inside it) brings the
 * header's prose after it: the standfirst is the story's (a site's header
 * holds no <h1> headline followed by prose). The header's headline may be
 * an <h2> (the page's <h1> is its logo or breadcrumb). */
static void keep_lead(hx_page *pg, int32_t top, int32_t root) {
    for (int32_t i = top + 1; i < (int32_t)pg->els[top].end; i++) {
        int32_t hdr = pg->els[i].heading == 1 ? article_header(pg, i) : -1;
        if (hdr >= 0 && ngi_html_within(pg, hdr, top)) {
            keep_header_prose(pg, i, hdr);
            break;
        }
    }
    int32_t h1 = -1, hdr = -1;
    for (int32_t i = top - 1; i >= 0 && i > root; i--)
        if ((pg->els[i].heading == 1 ||
             (pg->els[i].heading == 2 && (pg->els[i].iflags & HX_BOILER))) &&
            ngi_html_within(pg, i, root) &&
            (!(pg->els[i].iflags & HX_BOILER) || (hdr = article_header(pg, i)) >= 0)) {
            h1 = i;
            break;
        }
    /* an <h2> headline of a header, unless the header has an <h1> too */
    for (int32_t j = hdr; h1 >= 0 && hdr >= 0 && j < h1; j++)
        if (pg->els[j].heading == 1) h1 = j;
    if (h1 < 0 || ngi_html_within(pg, top, h1)) return;
    if (hdr >= 0 && ngi_html_within(pg, top, hdr)) return;
    int kept = 0;
    for (size_t b = 0; b < pg->n_blocks && kept < MAX_LEAD_BLOCKS; b++) {
        hx_block *bl = &pg->blocks[b];
        if (bl->owner <= h1 || bl->owner >= top) continue;
        if (ngi_html_within(pg, bl->owner, h1)) continue;
        bool in_header = hdr >= 0 && ngi_html_within(pg, bl->owner, hdr) &&
                         !boiler_below(pg, bl->owner, hdr, HX_BOILER | HX_COMMENTS);
        if (((pg->els[bl->owner].iflags & (HX_BOILER | HX_COMMENTS)) && !in_header) ||
            !is_good(pg, bl))
            continue;
        bl->keep = true;
        kept++;
    }
}

/* A standfirst just above the container, in the same article box (up to
 * LEAD_LEVELS above it) when no headline marks it: good prose with only
 * furniture and short lines (a credit, the byline, the date) between it
 * and the body. A heading or other text ends the search. */
static void keep_lead_above(hx_page *pg, int32_t top, int32_t root) {
    int32_t box = top;
    for (int k = 0; k < LEAD_LEVELS && box != root && pg->els[box].parent >= 0; k++)
        box = pg->els[box].parent;
    size_t first = 0;
    while (first < pg->n_blocks && pg->blocks[first].owner < top) first++;
    int kept = 0, seen = 0;
    for (size_t b = first; b-- > 0 && kept < MAX_LEAD_BLOCKS && seen < LEAD_LINES;) {
        hx_block *bl = &pg->blocks[b];
        if (bl->owner < 0 || !ngi_html_within(pg, bl->owner, box)) break;
        const hx_el *o = &pg->els[bl->owner];
        if (o->iflags & (HX_BOILER | HX_COMMENTS)) continue;
        if (o->flags & HX_HEADING) break;
        seen++;
        if (is_good(pg, bl)) {
            bl->keep = true;
            kept++;
        } else if (bl->len >= GOOD_BYTES) {
            break;
        }
    }
}

/* Bytes of the blocks kept below root. */
static size_t kept_bytes(const hx_page *pg, int32_t root) {
    size_t n = 0;
    for (size_t b = 0; b < pg->n_blocks; b++)
        if (pg->blocks[b].keep && ngi_html_within(pg, pg->blocks[b].owner, root))
            n += pg->blocks[b].len;
    return n;
}

/* Does root hold a comment box? */
static bool has_comments(const hx_page *pg, int32_t root) {
    for (size_t i = 0; i < pg->n_els; i++)
        if ((pg->els[i].flags & HX_COMMENTS) && ngi_html_within(pg, (int32_t)i, root))
            return true;
    return false;
}

/* Calls to action that close a page's text: subscribe, sign up, follow
 * us, get the app or the newsletter. Such a line among the last CTA_LINES
 * kept (shorter than CTA_BYTES) speaks to the reader, not of the story. */
static bool call_to_action(const hx_page *pg, const hx_block *b) {
    static const char *const marks[] = {"subscribe",
                                        "sign up",
                                        "signing up",
                                        "newsletter",
                                        "follow us",
                                        "abonnier",
                                        "abonnez",
                                        "suscrib",
                                        "suscr\xc3\xad"
                                        "b",
                                        "download the",
                                        "download our",
                                        NULL};
    return short_line_has(pg, b, CTA_BYTES, NULL, marks);
}

static void drop_calls_to_action(hx_page *pg, int32_t root) {
    int seen = 0;
    for (size_t b = pg->n_blocks; b-- > 0 && seen < CTA_LINES;) {
        hx_block *bl = &pg->blocks[b];
        if (!bl->keep || !ngi_html_within(pg, bl->owner, root)) continue;
        seen++;
        if (call_to_action(pg, bl)) bl->keep = false;
    }
}

/* Readability's retry: when next to nothing was kept, the class words may
 * be what hid the story (a body section named "Section--Ads"): the page is
 * judged again with no class-word furniture, and that reading is kept when
 * it keeps clearly more text (twice as much and FALLBACK_BYTES more);
 * else the first one is restored. */
static int retry_without_class_words(hx_page *pg, int32_t root, counts *c,
                                     signed char *cls, signed char *near,
                                     int32_t *container) {
    size_t nb = pg->n_blocks, ne = pg->n_els, before = kept_bytes(pg, root);
    bool *keep = ngi_calloc(nb ? nb : 1, sizeof *keep);
    uint16_t *fl = ngi_calloc(ne ? ne : 1, 2 * sizeof *fl);
    if (!keep || !fl) {
        ngi_free(keep);
        ngi_free(fl);
        return NG_ENOMEM;
    }
    for (size_t b = 0; b < nb; b++) keep[b] = pg->blocks[b].keep;
    for (size_t i = 0; i < ne; i++) {
        fl[2 * i] = pg->els[i].flags;
        fl[2 * i + 1] = pg->els[i].iflags;
    }
    resolve_flags(pg, root, false, true);
    int32_t top = best_container(pg, root), tops[MAX_SIBLINGS + 1];
    size_t n_tops = siblings(pg, top, root, tops);
    keep_blocks(pg, tops, n_tops, c, cls, near);
    if (top >= 0) keep_lead(pg, top, root);
    if (top >= 0) keep_lead_above(pg, top, root);
    if (kept_bytes(pg, root) > 2 * before + FALLBACK_BYTES) {
        *container = top;
    } else {
        for (size_t b = 0; b < nb; b++) pg->blocks[b].keep = keep[b];
        for (size_t i = 0; i < ne; i++) {
            pg->els[i].flags = fl[2 * i];
            pg->els[i].iflags = fl[2 * i + 1];
        }
    }
    ngi_free(keep);
    ngi_free(fl);
    return 0;
}

int ngi_html_choose(hx_page *pg, int32_t root, unsigned flags, int32_t *container) {
    *container = root;
    resolve_flags(pg, root, false, false);
    for (size_t b = 0; b < pg->n_blocks; b++) pg->blocks[b].keep = false;
    if (flags & NG_EXTRACT_KEEP_BOILERPLATE) {
        for (size_t b = 0; b < pg->n_blocks; b++)
            pg->blocks[b].keep = ngi_html_within(pg, pg->blocks[b].owner, root);
        return 0;
    }
    int32_t top = *container = best_container(pg, root);
    int32_t tops[MAX_SIBLINGS + 1];
    size_t n_tops = siblings(pg, top, root, tops);
    counts c = {0};
    size_t nb = pg->n_blocks;
    signed char *cls = ngi_calloc(nb ? nb : 1, 1);
    signed char *near = ngi_calloc(nb ? nb : 1, 2);
    int rc = count_lines(pg, &c) != 0 || !cls || !near ? NG_ENOMEM : 0;
    if (rc == 0) {
        size_t kept = keep_blocks(pg, tops, n_tops, &c, cls, near);
        /* Too little found in the container: judge every block of the
         * page (or article) by its own shape and neighbours instead. */
        if (kept < FALLBACK_BYTES && top != root) {
            int32_t all = root;
            if (keep_blocks(pg, &all, 1, &c, cls, near) < kept)
                keep_blocks(pg, tops, n_tops, &c, cls, near);
        }
        if (top >= 0) keep_lead(pg, top, root);
        if (top >= 0) keep_lead_above(pg, top, root);
        /* Next to nothing outside comment boxes: a forum thread or a live
         * ticker, whose posts are the page's text (kept with what was
         * found before). */
        bool *before = NULL;
        if (kept_bytes(pg, root) < FALLBACK_BYTES && has_comments(pg, root) &&
            (before = ngi_calloc(nb ? nb : 1, sizeof *before)) == NULL)
            rc = NG_ENOMEM;
        if (before) {
            resolve_flags(pg, root, true, false);
            top = *container = best_container(pg, root);
            n_tops = siblings(pg, top, root, tops);
            for (size_t b = 0; b < nb; b++) before[b] = pg->blocks[b].keep;
            keep_blocks(pg, tops, n_tops, &c, cls, near);
            if (top >= 0) keep_lead(pg, top, root);
            for (size_t b = 0; b < nb; b++) pg->blocks[b].keep |= before[b];
            ngi_free(before);
        }
        if (rc == 0 && kept_bytes(pg, root) < RETRY_BYTES)
            rc = retry_without_class_words(pg, root, &c, cls, near, container);
        drop_calls_to_action(pg, root);
    }
    ngi_free(cls);
    ngi_free(near);
    ngi_free(c.h);
    ngi_free(c.n);
    return rc;
}

int ngi_html_body(const hx_page *pg, int32_t root, const char *title, ngi_buf *out) {
    size_t tl = title ? strlen(title) : 0;
    counts seen = {0};
    size_t slots = 64;
    while (slots < pg->n_blocks * 2) slots *= 2;
    seen.h = ngi_calloc(slots, sizeof *seen.h);
    seen.n = ngi_calloc(slots, sizeof *seen.n);
    seen.mask = slots - 1;
    int rc = seen.h && seen.n ? 0 : NG_ENOMEM;
    for (size_t b = 0; b < pg->n_blocks && rc == 0; b++) {
        const hx_block *bl = &pg->blocks[b];
        if (!bl->keep || !ngi_html_within(pg, bl->owner, root)) continue;
        const uint8_t *s = pg->text.data + bl->start;
        if ((*slot(&seen, hash(s, bl->len)))++) continue;
        if (tl && bl->len == tl && !memcmp(s, title, tl))
            continue; /* the headline is the title field */
        if (out->len) rc = ngi_buf_append_u8(out, '\n');
        if (rc == 0) rc = ngi_buf_append(out, s, bl->len);
    }
    ngi_free(seen.h);
    ngi_free(seen.n);
    return rc;
}
