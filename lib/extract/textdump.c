/*
 * textdump.c — scraped text dumps -> articles (see textdump.h): reading
 * the lines and telling what each is in its page. What one line is on its
 * own (shape, chrome, date) is in textdump_line.c, cutting the articles
 * out of the classified lines in textdump_articles.c.
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
#include "extract/textdump.h"
#include "extract/textdump_int.h"

/* Past this many non-blank lines the text is read as a plain article: the
 * analysis is linear, but its per-line state would dwarf the text. */
#define MAX_DUMP_LINES 200000

/* ---- reading the lines ------------------------------------------------ */

static int add_line(dump *d, size_t *cap, size_t off, size_t len, int blank_before) {
    if (d->n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        tline *l = ngi_realloc(d->lines, c * sizeof *l);
        if (!l) return NG_ENOMEM;
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
static int split_lines(dump *d, const char *s, size_t n) {
    size_t cap = 0, i = 0;
    int blank = 0;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n, b = i, sp;
        while (b < e && (sp = space_at(s + b, e - b)) != 0) b += sp;
        while (e > b && (sp = space_before(s + b, e - b)) != 0) e -= sp;
        if (e > b) {
            if (d->n >= MAX_DUMP_LINES) return 1;
            if (add_line(d, &cap, b, e - b, blank || d->n == 0)) return NG_ENOMEM;
            blank = 0;
        } else {
            blank = 1;
        }
        i = nl ? (size_t)(nl - s) + 1 : n;
    }
    return 0;
}

static uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* The slot of text s[0..n) in d->slot: the line holding it, or an empty
 * slot. */
static size_t table_slot(const dump *d, const char *s, size_t n) {
    size_t k = (size_t)hash_bytes(s, n) & (d->slots - 1);
    while (d->slot[k] != SIZE_MAX) {
        const tline *o = &d->lines[d->slot[k]];
        if (o->len == n && memcmp(d->text + o->off, s, n) == 0) break;
        k = (k + 1) & (d->slots - 1);
    }
    return k;
}

/* How far below line g the first paragraph is (at most `limit`). */
static size_t para_distance(const dump *d, size_t g, size_t limit) {
    for (size_t i = g + 1; i < d->n && i <= g + limit; i++)
        if (d->lines[i].para && !d->lines[i].chrome) return i - g;
    return limit;
}

/* Separators between a page's title and its site's name in a <title>. */
static const char *const title_seps[] = {
    " | ",
    " - ",
    " \xE2\x80\x93 ",
    " \xE2\x80\x94 ",
    " \xC2\xAB ",
    " \xC2\xBB ",
    " \xE2\x80\xBA ",
    " \xE2\x80\xB9 ",
    " \xC2\xB7 ",
    " :: ",
    ": ",
    " ~ ",
    " / ",
};

/* Where title_seps occur in s[0..n): up to max (start, end) pairs. */
static size_t find_seps(const char *s, size_t n, size_t *at, size_t *end, size_t max) {
    size_t k = 0;
    for (size_t i = 0; i < n && k < max; i++)
        for (size_t j = 0; j < sizeof title_seps / sizeof title_seps[0]; j++) {
            size_t m = strlen(title_seps[j]);
            if (title_seps[j][0] == s[i] && m <= n - i &&
                memcmp(s + i, title_seps[j], m) == 0) {
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
static void join_title_line(dump *d, size_t i) {
    tline *l = &d->lines[i];
    if (l->len > 300 || d->lines[l->group].count > 1) return;
    const char *s = d->text + l->off;
    size_t at[8], end[8];
    size_t k = find_seps(s, l->len, at, end, 8), best = SIZE_MAX, best_len = 0,
           best_dist = 0;
    for (size_t a = 0; a <= k; a++)         /* part from boundary a ... */
        for (size_t b = a; b <= k; b++) {   /* ... to boundary b */
            if (a == 0 && b == k) continue; /* the whole line */
            size_t from = a ? end[a - 1] : 0, to = b < k ? at[b] : l->len;
            if (to <= from) continue;
            size_t g = d->slot[table_slot(d, s + from, to - from)];
            if (g == SIZE_MAX || g <= i) continue;
            /* Of the parts that are lines below, the one standing nearest
             * over a paragraph: the headline, not the site's name in the
             * header or a section label. */
            size_t dist = para_distance(d, g, 64);
            if (best == SIZE_MAX || dist < best_dist ||
                (dist == best_dist && to - from > best_len)) {
                best = g;
                best_len = to - from;
                best_dist = dist;
            }
        }
    if (best == SIZE_MAX) return;
    d->lines[l->group].count--;
    l->group = best;
    l->title_line = 1;
    d->lines[best].count++;
    d->lines[best].titled = 1;
}

/* Sets group and count (on the group's first line): lines with the same
 * text share the first one's index as group. */
static int count_repeats(dump *d) {
    d->slots = 16;
    while (d->slots < d->n * 2) d->slots *= 2;
    d->slot = ngi_malloc(d->slots * sizeof *d->slot);
    if (!d->slot) return NG_ENOMEM;
    for (size_t k = 0; k < d->slots; k++) d->slot[k] = SIZE_MAX;
    for (size_t i = 0; i < d->n; i++) {
        tline *l = &d->lines[i];
        size_t k = table_slot(d, d->text + l->off, l->len);
        if (d->slot[k] == SIZE_MAX) d->slot[k] = i;
        l->group = d->slot[k];
        d->lines[l->group].count++;
    }
    return 0;
}

static void classify(dump *d) {
    ngi_td_vocab v;
    ngi_td_vocab_build(&v);
    for (size_t i = 0; i < d->n; i++) {
        tline *l = &d->lines[i];
        const char *s = d->text + l->off;
        l->words = ngi_td_count_words(s, l->len);
        l->sentence = (unsigned char)ngi_td_ends_sentence(s, l->len);
        l->para = l->words >= 12 || (l->words >= 6 && l->sentence);
        ngi_td_classify_chrome(l, s, &v);
        l->is_date = !l->chrome && l->len <= SHORT_LINE &&
                     (unsigned char)ngi_textdump_date_line(s, l->len, l->date);
        l->label = l->words <= 3 && !l->sentence && l->len <= 40;
        /* Three words with letters (CJK: three words' worth of characters);
         * "( Abmelden /" or "4 Tsd." are not headlines. */
        l->titleish =
            l->words >= 3 && l->words <= 30 && l->len <= 300 && !l->chrome &&
            !l->is_date && !(l->len && s[l->len - 1] == '.') &&
            (ngi_td_letter_words(s, l->len) >= 3 || ngi_td_cjk_chars(s, l->len) >= 6);
    }
    /* A page title near the top joins its headline's group; then every
     * line knows how often its text occurs. */
    for (size_t i = 0; i < d->n && i < 3; i++) join_title_line(d, i);
    for (size_t i = 0; i < d->n; i++)
        d->lines[i].count = d->lines[d->lines[i].group].count;
    /* A line between two repeated lines of other texts is part of a
     * repeated block: a menu printed twice (desktop and mobile, header and
     * footer). A text all of whose occurrences are in such blocks is
     * navigation, not a headline. */
    for (size_t i = 0; i < d->n; i++) {
        tline *l = &d->lines[i];
        int prev =
            i > 0 && d->lines[i - 1].count >= 2 && d->lines[i - 1].group != l->group;
        int next = i + 1 < d->n && d->lines[i + 1].count >= 2 &&
                   d->lines[i + 1].group != l->group;
        if (!(prev && next)) d->lines[l->group].free_standing = 1;
    }
    /* A headline repeats; one that the page title confirms may be short or
     * end with a full stop ("Nebelsuppe."). When the page title confirms
     * one, the page is that article's: other repeated lines are its
     * furniture (buttons, teasers, labels), not more articles. */
    int titled = 0;
    for (size_t i = 0; i < d->n; i++) {
        const tline *g = &d->lines[d->lines[i].group];
        titled |= g->titled && g->count >= 2 && g->free_standing && !g->chrome &&
                  !g->is_date && g->words <= 30;
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

/* ---- entry points ------------------------------------------------------- */

/* A dump rather than a plain article: the text opens with site furniture,
 * with its headline repeated or under a page title, or with a body whose
 * headline comes later. A text whose first line is a title and that has
 * none of these is read the plain way, even when lines repeat further down
 * (tables) or a line looks like chrome or a date. */
static int looks_like_dump(const dump *d, int headlines) {
    if (d->n == 0) return 0;
    const tline *first = &d->lines[0];
    /* A date line under a first-line title is not enough: "Title / Period
     * ended December 31, 1986 / ..." is a plain article. */
    return first->chrome || first->headline || first->title_line ||
           (headlines && !first->titleish);
}

void ngi_textdump_free(ngi_td_result *r) {
    if (!r) return;
    for (size_t i = 0; i < r->count; i++) {
        ngi_free(r->articles[i].title);
        ngi_free(r->articles[i].body);
    }
    ngi_free(r->articles);
    memset(r, 0, sizeof *r);
}

int ngi_textdump_split(const char *data, size_t len, unsigned flags, ngi_td_result *out) {
    memset(out, 0, sizeof *out);
    dump d = {data, NULL, 0, NULL, 0};
    int rc = flags & NGI_TD_PLAIN ? 1 : split_lines(&d, data, len);
    if (rc == 0) rc = count_repeats(&d);
    if (rc == 0) {
        classify(&d);
        int headlines = 0;
        for (size_t i = 0; i < d.n; i++) headlines |= d.lines[i].headline;
        if (looks_like_dump(&d, headlines)) {
            if (headlines) rc = ngi_td_split_headlines(&d, out);
            if (rc == 0 && out->count == 0) rc = ngi_td_split_single(&d, out);
        }
        out->dump = out->count > 0;
        if (rc == 0 && out->count == 0) rc = 1;
    }
    if (rc == 1) /* a plain article */
        rc = ngi_td_split_plain(data, len, out);
    ngi_free(d.lines);
    ngi_free(d.slot);
    if (rc) ngi_textdump_free(out);
    return rc;
}
