/* Unit tests of lib/extract: one small page per rule of the HTML path,
 * the date finder, the limits and the result object. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "unit/extract/extracttest.h"
#include "extract/extract.h"
#include "extract/html.h"

#define PROSE1                                                                           \
    "<p>The council voted on Tuesday to build a new bridge over the river, officials "   \
    "said.</p>"
#define PROSE2                                                                           \
    "<p>Work will start next spring and take about two years, according to the city's "  \
    "plan.</p>"

static ng_extract *run(const char *html, const char *url, unsigned flags, int want_rc) {
    ng_extract_options o;
    ng_extract_options_init(&o);
    o.url = url;
    o.flags = flags;
    ng_extract *ex = NULL;
    assert_int_equal(ng_extract_html(html, strlen(html), &o, &ex), want_rc);
    assert_non_null(ex);
    return ex;
}

/* The first document extracted from html (no URL, no flags) has field
 * name equal to want. */
static void expect_field(const char *html, const char *name, const char *want) {
    ng_extract *ex = run(html, NULL, 0, 0);
    assert_string_equal(extract_field(ex, 0, name), want);
    ng_extract_free(ex);
}

static bool body_has(const ng_extract *ex, const char *s) {
    const char *b = extract_field(ex, 0, "body");
    return b && strstr(b, s);
}

static void furniture_by_class_is_dropped(void **state) {
    (void)state;
    ng_extract *ex = run("<html><body><div class='top-bar'>Skip to Content Facebook</div>"
                         "<div class='story'>" PROSE1
                         "<div class='share-buttons'>Share this</div>" PROSE2
                         "</div><div class='recommend'><p>Venezuela votes on Sunday in a "
                         "tight race, polls say.</p></div>"
                         "<div id='cookie-consent'>We use cookies.</div></body></html>",
                         NULL, 0, 0);
    assert_true(body_has(ex, "new bridge"));
    assert_true(body_has(ex, "next spring"));
    assert_false(body_has(ex, "Skip to Content"));
    assert_false(body_has(ex, "Share this"));
    assert_false(body_has(ex, "Venezuela"));
    assert_false(body_has(ex, "cookies"));
    ng_extract_free(ex);
}

static void furniture_by_tag_and_role_is_dropped(void **state) {
    (void)state;
    ng_extract *ex = run(
        "<html><body><nav>Home World Sport</nav><div role='navigation'>Menu here</div>"
        "<main>" PROSE1 PROSE2 "<aside>Related: other story</aside></main>"
        "<footer>Copyright 2025</footer><script>var x='script "
        "text';</script></body></html>",
        NULL, 0, 0);
    assert_true(body_has(ex, "new bridge"));
    assert_false(body_has(ex, "Home World"));
    assert_false(body_has(ex, "Menu here"));
    assert_false(body_has(ex, "Related"));
    assert_false(body_has(ex, "Copyright"));
    assert_false(body_has(ex, "script text"));
    ng_extract_free(ex);
}

static void link_lists_and_repeated_lines_are_dropped(void **state) {
    (void)state;
    ng_extract *ex =
        run("<html><body><div><p>Most read</p><ul><li><a href='/1'>A headline that links "
            "elsewhere</a></li>"
            "<li><a href='/2'>Another headline that links</a></li></ul></div>"
            "<div class='text'>" PROSE1 "<p>Most read</p>" PROSE2 "</div></body></html>",
            NULL, 0, 0);
    assert_true(body_has(ex, "new bridge"));
    assert_false(body_has(ex, "links elsewhere"));
    assert_false(body_has(ex, "Most read"));
    ng_extract_free(ex);
}

static void headings_lists_and_quotes_of_the_story_are_kept(void **state) {
    (void)state;
    ng_extract *ex =
        run("<html><body><article><h1>Bridge</h1>" PROSE1 "<h2>What changes</h2>"
            "<ul><li>Two lanes</li><li>A cycle path</li></ul>"
            "<blockquote>It is a great day for the city.</blockquote>" PROSE2
            "</article></body></html>",
            NULL, 0, 0);
    assert_true(body_has(ex, "What changes"));
    assert_true(body_has(ex, "A cycle path"));
    assert_true(body_has(ex, "great day"));
    ng_extract_free(ex);
}

static void keep_boilerplate_keeps_every_line(void **state) {
    (void)state;
    ng_extract *ex =
        run("<html><body><nav>Home World Sport</nav><p>Short.</p></body></html>", NULL,
            NG_EXTRACT_KEEP_BOILERPLATE, 0);
    assert_true(body_has(ex, "Home World"));
    ng_extract_free(ex);
}

static void structured_data_gives_metadata(void **state) {
    (void)state;
    ng_extract *ex = run(
        "<html lang='en-GB'><head><title>Ignored | Site</title>"
        "<script "
        "type='application/ld+json'>{\"@type\":\"NewsArticle\",\"headline\":\"Bridge "
        "\\u00e9 approved\","
        "\"datePublished\":\"2019-07-03T10:00:00+02:00\",\"dateModified\":\"2019-07-05\","
        "\"author\":{\"@type\":\"Person\",\"name\":\"Eva Muster\"}}</script>"
        "<meta property='og:site_name' content='Daily Planet'>"
        "<link rel='canonical' href='https://example.org/bridge'></head>"
        "<body>" PROSE1 "</body></html>",
        NULL, 0, 0);
    assert_string_equal(extract_field(ex, 0, "title"), "Bridge \xc3\xa9 approved");
    assert_string_equal(extract_field(ex, 0, "date"), "2019-07-03");
    assert_string_equal(extract_field(ex, 0, "updated"), "2019-07-05");
    assert_string_equal(extract_field(ex, 0, "author"), "Eva Muster");
    assert_string_equal(extract_field(ex, 0, "site"), "Daily Planet");
    assert_string_equal(extract_field(ex, 0, "url"), "https://example.org/bridge");
    assert_string_equal(extract_field(ex, 0, "lang"), "en-gb");
    ng_extract_free(ex);
}

static void title_rules(void **state) {
    (void)state;
    /* the <h1> that og:title contains (og:title adds a kicker) */
    ng_extract *ex = run(
        "<html><head><meta property='og:title' content='Kicker: Bridge approved'></head>"
        "<body><h1>Bridge approved</h1>" PROSE1 "</body></html>",
        NULL, 0, 0);
    assert_string_equal(extract_field(ex, 0, "title"), "Bridge approved");
    ng_extract_free(ex);
    /* a heading made of a kicker line and the headline: the headline */
    expect_field(
        "<html><body><h1><span class='kicker'>Nach dem Sturm</span> <span>Bridge "
        "approved by the council</span></h1>" PROSE1 "</body></html>",
        "title", "Bridge approved by the council");
    /* a part in its own element, then loose text: one headline */
    expect_field("<html><body><h1><em>Bridge</em> approved by the council</h1>" PROSE1
                 "</body></html>",
                 "title", "Bridge approved by the council");
    /* og:title = JSON-LD headline + the site's name */
    expect_field(
        "<html><head><meta property='og:title' content='Bridge approved | Daily Planet'>"
        "<script type='application/ld+json'>{\"headline\":\"Bridge "
        "approved\"}</script></head>"
        "<body>" PROSE1 "</body></html>",
        "title", "Bridge approved");
    /* <title> without the site's name */
    expect_field(
        "<html><head><title>Bridge approved by council | The Daily Planet</title></head>"
        "<body>" PROSE1 "</body></html>",
        "title", "Bridge approved by council");
}

static void date_rules(void **state) {
    (void)state;
    /* in the address */
    ng_extract *ex = run("<html><body>" PROSE1 "</body></html>",
                         "https://example.org/news/2019/07/03/bridge", 0, 0);
    assert_string_equal(extract_field(ex, 0, "date"), "2019-07-03");
    ng_extract_free(ex);
    /* a date line under the headline; "updated" alone is not the date */
    expect_field(
        "<html><body><h1>Bridge</h1><p>Aktualisiert am 5. Juli 2019</p><p>3. Juli "
        "2019, 14:05 Uhr</p>" PROSE1 "</body></html>",
        "date", "2019-07-03");
    /* a page's state in a script */
    expect_field(
        "<html><head><script>window.s={\"body\":\"x\",\"published_at\":\"2019-03-"
        "02T06:20:00Z\"}</script></head>"
        "<body>" PROSE1 "</body></html>",
        "date", "2019-03-02");
    /* meta published beats <time> */
    expect_field("<html><head><meta property='article:published_time' "
                 "content='2020-01-28T08:00:00Z'></head>"
                 "<body><time datetime='2020-02-01'>1 Feb</time>" PROSE1 "</body></html>",
                 "date", "2020-01-28");
}

/* A kicker in its own element before the headline is not part of it; the
 * site's name after a heading or og:title goes; a date run into the
 * headline goes. */
static void title_kicker_site_date(void **state) {
    (void)state;
    ng_extract *ex =
        run("<html><head><meta property='og:title' content='Rene Benko-Firma in "
            "Sorge'></head><body><h1><span class='roofline'>Immobilienkrise "
            "</span>Rene Benko-Firma in Sorge</h1>" PROSE1 "</body></html>",
            NULL, 0, 0);
    assert_string_equal(extract_field(ex, 0, "title"), "Rene Benko-Firma in Sorge");
    ng_extract_free(ex);
    /* looked through a wrapper; the kicker ends with <br> */
    expect_field(
        "<html><head><title>Einheit der Woche | Lagen-Pyramide mit GA2 - SWIM.DE</title>"
        "</head><body><h1><span><small>Einheit der Woche</small><br>Lagen-Pyramide mit "
        "GA2</span></h1>" PROSE1 "</body></html>",
        "title", "Lagen-Pyramide mit GA2");
    /* a heading that repeats <title> with the site's name */
    ex = run(
        "<html><head><meta property='og:site_name' content='Umweltbundesamt'><title>"
        "EU-Taxonomie: Erdgas ist nicht nachhaltig | Umweltbundesamt</title></head><body>"
        "<h1>EU-Taxonomie: Erdgas ist nicht nachhaltig | Umweltbundesamt</h1>" PROSE1
        "</body></html>",
        NULL, 0, 0);
    assert_string_equal(extract_field(ex, 0, "title"),
                        "EU-Taxonomie: Erdgas ist nicht nachhaltig");
    ng_extract_free(ex);
    /* the site's name without its domain ending */
    expect_field(
        "<html><head><meta property='og:site_name' content='homify.de'>"
        "<meta property='og:title' content='Eine runde Tischdecke herstellen | homify'>"
        "</head><body>" PROSE1 "</body></html>",
        "title", "Eine runde Tischdecke herstellen");
    expect_field("<html><head><title>23.01.2022 - Wierer darf noch "
                 "jubeln</title></head><body>" PROSE1 "</body></html>",
                 "title", "Wierer darf noch jubeln");
    /* a number that is no date stays */
    expect_field("<html><head><title>1.5.2 - Release notes for the "
                 "bridge</title></head><body>" PROSE1 "</body></html>",
                 "title", "1.5.2 - Release notes for the bridge");
}

/* More title rules: screen-reader text in a heading; a heading that goes on
 * where the declared title stops; the line under a headline after <br>;
 * words in bold inside a heading; a marker before it; without any declared
 * title, the nearest heading above the text beats <title>. */
static void title_heading_rules(void **state) {
    (void)state;
    ng_extract *ex =
        run("<html><head><title>Was wir nicht wollen | INTERSCENAR.IO</title>"
            "</head><body><h1>Was wir nicht wollen<span class='element-invisible'>"
            " | FASSETTE.NET</span></h1>" PROSE1 "</body></html>",
            NULL, 0, 0);
    assert_string_equal(extract_field(ex, 0, "title"), "Was wir nicht wollen");
    ng_extract_free(ex);
    ex = run(
        "<html><head><meta property='og:title' content='Ultium Cells erh\xc3\xb6ht "
        "Kapazit\xc3\xa4t - Battery-News.de'></head><body><h1>Ultium Cells erh\xc3\xb6ht "
        "Kapazit\xc3\xa4t in Tennessee</h1>" PROSE1 "</body></html>",
        NULL, 0, 0);
    assert_string_equal(extract_field(ex, 0, "title"),
                        "Ultium Cells erh\xc3\xb6ht Kapazit\xc3\xa4t in Tennessee");
    ng_extract_free(ex);
    ex = run("<html><head><meta property='og:title' content='Zuschauer kehren zur\xc3\xbc"
             "ck'></head><body><h1>Zuschauer kehren zur\xc3\xbc"
             "ck<br><small>02.02.2022 \xe2\x80\xa2 Presse</small></h1>" PROSE1
             "</body></html>",
             NULL, 0, 0);
    assert_string_equal(extract_field(ex, 0, "title"), "Zuschauer kehren zur\xc3\xbc"
                                                       "ck");
    ng_extract_free(ex);
    expect_field(
        "<html><head><title>Editor's Letter: bye Baby | OC</title></head><body><article>"
        "<h1><b>Editor's Letter:</b><i> bye <b>OC</b> Baby</i></h1>" PROSE1 PROSE2 PROSE1
            PROSE2 "</article><article><h2>Next</h2>" PROSE1 PROSE2 PROSE1 PROSE2
        "</article></body></html>",
        "title", "Editor's Letter: bye OC Baby");
    ex =
        run("<html><head><title>mediaarchitecture.de // &raquo; Jens Weber</title></head>"
            "<body><h2>[&gt; Jens Weber</h2>" PROSE1 "</body></html>",
            NULL, 0, 0);
    assert_string_equal(extract_field(ex, 0, "title"), "Jens Weber");
    ng_extract_free(ex);
    expect_field(
        "<html><head><title>Synchronschwimmen - Aktuelles - Synchronschwimmen</title>"
        "</head><body><div class='box'><h2>Levelp\xc3\xa4sse ab sofort bestellbar</h2>"
        "<div class='text'>" PROSE1 PROSE2 "</div></div></body></html>",
        "title", "Levelp\xc3\xa4sse ab sofort bestellbar");
}

/* One headline above several <article>s: sections of one story, one
 * document. */
static void sections_of_one_story(void **state) {
    (void)state;
    ng_extract *ex = run(
        "<html><body><h1>Wochenbericht</h1><article><h2>Hoch</h2>" PROSE1 PROSE2 PROSE1
            PROSE2 "</article><article><h2>Schnee</h2>" PROSE2 PROSE1 PROSE2 PROSE1
        "</article></body></html>",
        NULL, 0, 0);
    assert_int_equal(ng_extract_count(ex), 1);
    assert_string_equal(extract_field(ex, 0, "title"), "Wochenbericht");
    ng_extract_free(ex);
}

/* A standfirst in its own box between the headline and the body's box
 * belongs to the story. */
static void lead_above_body_is_kept(void **state) {
    (void)state;
    ng_extract *ex =
        run("<html><body><div class='nav'><a href='/'>Home</a></div>"
            "<div class='head'><h1>Bridge approved</h1><div class='intro'><p>The "
            "city's oldest crossing will be replaced, the council decided after "
            "a long debate.</p></div></div><div class='main'><div class='text'>"
            "<div class='body'>" PROSE1 PROSE2 PROSE1 PROSE2 PROSE1 "</div></div><div>"
            "<p>Werbung</p></div></div></body></html>",
            NULL, 0, 0);
    assert_true(body_has(ex, "oldest crossing"));
    assert_true(body_has(ex, "next spring"));
    ng_extract_free(ex);
}

/* The standfirst in the article's <header>, after its headline, belongs
 * to the story; the site's header and a share box in the article's do not. */
static void lead_in_article_header_is_kept(void **state) {
    (void)state;
    ng_extract *ex =
        run("<html><body><header><p>Daily news, weather and sport from the valley, every "
            "day since 1901.</p></header><article><header><h1>Bridge approved</h1><p>The "
            "city's oldest crossing will be replaced, the council decided after a long "
            "debate.</p><div class='share'><p>Share this story with your friends, family "
            "and neighbours today.</p></div></header><div class='body'>" PROSE1 PROSE2
                PROSE1 PROSE2 "</div></article></body></html>",
            NULL, 0, 0);
    assert_true(body_has(ex, "oldest crossing"));
    assert_true(body_has(ex, "next spring"));
    assert_false(body_has(ex, "every day since"));
    assert_false(body_has(ex, "Share this"));
    ng_extract_free(ex);
    /* the header's headline is an <h2>, the page's <h1> is in a breadcrumb */
    ex = run("<html><body><nav class='breadcrumb'><h1>News</h1></nav><div><header><p>"
             "Bridges</p><h2>Bridge approved</h2><p>The city's oldest crossing will be "
             "replaced, the council decided after a long debate.</p></header><div "
             "class='body'>" PROSE1 PROSE2 PROSE1 PROSE2 "</div></div></body></html>",
             NULL, 0, 0);
    assert_true(body_has(ex, "oldest crossing"));
    assert_true(body_has(ex, "next spring"));
    ng_extract_free(ex);
}

/* Short paragraphs after the story's last one, in its box, close it (a
 * sign-off); a label ending in a colon and short lines in another box
 * after it do not belong to it. */
static void closing_lines_are_kept(void **state) {
    (void)state;
    ng_extract *ex = run("<html><body><div class='story'>" PROSE1 PROSE2 PROSE1
                         "<p>Euer Hans</p><p>Weitere Links:</p></div><div><p>Alle Rechte "
                         "vorbehalten</p></div></body></html>",
                         NULL, 0, 0);
    assert_true(body_has(ex, "next spring"));
    assert_true(body_has(ex, "Euer Hans"));
    assert_false(body_has(ex, "Weitere Links"));
    assert_false(body_has(ex, "Alle Rechte"));
    ng_extract_free(ex);
}

/* A page that is nothing but posts in comment boxes (a forum thread) has
 * them as its text; beside a story, comments stay out. */
static void forum_posts_are_text(void **state) {
    (void)state;
    ng_extract *ex = run("<html><body><div class='nav'><a href='/'>Forum</a></div><div "
                         "class='comment-list'><div class='comment-text'><p>Since the "
                         "update my phone cannot reach the app store over mobile data, "
                         "any idea?</p></div><div class='comment-text'><p>Check the "
                         "settings for mobile data, each app has its own switch there, "
                         "off by default.</p></div></div></body></html>",
                         NULL, 0, 0);
    assert_true(body_has(ex, "reach the app store"));
    assert_true(body_has(ex, "its own switch"));
    ng_extract_free(ex);
    ex = run("<html><body><div class='story'>" PROSE1 PROSE2 PROSE1 PROSE2
             "</div><div class='comment-text'><p>Since the update my phone cannot reach "
             "the app store over mobile data, any idea?</p></div></body></html>",
             NULL, 0, 0);
    assert_true(body_has(ex, "next spring"));
    assert_false(body_has(ex, "app store"));
    ng_extract_free(ex);
}

/* When the page was updated and how long it takes to read are metadata,
 * not text; a date line of its own stays (the CLI goldens keep it). */
static void update_and_reading_time_lines_are_dropped(void **state) {
    (void)state;
    ng_extract *ex = run("<html><body><div class='story'><p>4 Min Read</p><p>3. Juli "
                         "2019</p>" PROSE1 "<p>Aktualisiert: 11.04.2020, 10:27</p>" PROSE2
                         "<p>Lesezeit: 3 Minuten</p>" PROSE1 "</div></body></html>",
                         NULL, 0, 0);
    assert_true(body_has(ex, "next spring"));
    assert_true(body_has(ex, "3. Juli 2019"));
    assert_false(body_has(ex, "Min Read"));
    assert_false(body_has(ex, "11.04.2020"));
    assert_false(body_has(ex, "Lesezeit"));
    ng_extract_free(ex);
}

/* Labels of related-links boxes, comments and sharing are furniture even
 * as plain paragraphs inside the story. */
static void chrome_labels_are_dropped(void **state) {
    (void)state;
    ng_extract *ex =
        run("<html><body><div class='story'>" PROSE1 "<p>Mehr zum Thema:</p>" PROSE2
            "<p>KOMMENTARE</p><p>Related Coverage</p>" PROSE1
            "<p>Was sagt der Rat?</p>" PROSE2 "</div></body></html>",
            NULL, 0, 0);
    assert_true(body_has(ex, "new bridge"));
    assert_true(body_has(ex, "next spring"));
    assert_true(body_has(ex, "Was sagt der Rat?"));
    assert_false(body_has(ex, "Mehr zum Thema"));
    assert_false(body_has(ex, "KOMMENTARE"));
    assert_false(body_has(ex, "Related Coverage"));
    ng_extract_free(ex);
    /* an author box's and a topics box's heading */
    ex = run("<html><body><div class='story'>" PROSE1 PROSE2 "<p>\xc3\x9c"
             "ber den Autor</p>" PROSE1 "<p>Weitere Themen</p>" PROSE2
             "</div></body></html>",
             NULL, 0, 0);
    assert_true(body_has(ex, "next spring"));
    assert_false(body_has(ex, "ber den Autor"));
    assert_false(body_has(ex, "Weitere Themen"));
    ng_extract_free(ex);
}

/* A picture's credit line is no text of the story. */
static void credit_lines_are_dropped(void **state) {
    (void)state;
    ng_extract *ex =
        run("<html><body><div class='story'>" PROSE1 "<p>Foto: Jesco Denzel</p>" PROSE2
            "<p>AFP / MARCO BERTORELLO</p>" PROSE1 "<p>\xc2\xa9 dpa</p>" PROSE2
            "<p>Der Fotograf lobt den Bau.</p>" PROSE1 "</div></body></html>",
            NULL, 0, 0);
    assert_true(body_has(ex, "next spring"));
    assert_true(body_has(ex, "Der Fotograf lobt den Bau."));
    assert_false(body_has(ex, "Jesco Denzel"));
    assert_false(body_has(ex, "BERTORELLO"));
    assert_false(body_has(ex, "dpa"));
    ng_extract_free(ex);
    /* French and Spanish ("Cr\xc3\xa9dits photos", "Cr\xc3\xa9dito"), after the
     * story's last paragraph too */
    ex = run("<html><body><div class='story'>" PROSE1 PROSE2 PROSE1 "<p>Cr\xc3\xa9"
             "dits photos : Bestimage</p></div></body></html>",
             NULL, 0, 0);
    assert_true(body_has(ex, "next spring"));
    assert_false(body_has(ex, "Bestimage"));
    ng_extract_free(ex);
}

/* Drupal's "field-label-hidden" hides a field's label, not the field: a
 * short intro in such a field is the story's. */
static void drupal_label_hidden_is_no_furniture(void **state) {
    (void)state;
    ng_extract *ex =
        run("<html><body><div class='story'><div class='field "
            "field-name-intro field-label-hidden'><p>The bridge will be "
            "replaced.</p></div>" PROSE1 PROSE2 PROSE1 "</div></body></html>",
            NULL, 0, 0);
    assert_true(body_has(ex, "will be replaced"));
    ng_extract_free(ex);
}

/* A standfirst above the body's box with no headline to mark it: good
 * prose in the same article box, a credit line between. */
static void lead_above_without_headline_is_kept(void **state) {
    (void)state;
    ng_extract *ex = run(
        "<html><body><div class='nav'><a href='/'>Home</a></div><div class='page'><div "
        "class='top'><div class='intro'><p>The city's oldest crossing will be "
        "replaced, the council decided after a long debate.</p></div><div "
        "class='credit'>Foto: dpa</div></div><div class='main'><div class='text'>" PROSE1
            PROSE2 PROSE1 PROSE2 PROSE1 "</div></div></div></body></html>",
        NULL, 0, 0);
    assert_true(body_has(ex, "oldest crossing"));
    assert_true(body_has(ex, "next spring"));
    ng_extract_free(ex);
}

/* The sources of a date vote: the date line under the headline and one
 * metadata field that agree beat another field alone (JSON-LD, first in
 * line, used to win). */
static void date_sources_vote(void **state) {
    (void)state;
    ng_extract *ex = run("<html><head><meta name='date' content='2020-04-29'>"
                         "<script type='application/ld+json'>{\"datePublished\":"
                         "\"2020-04-30T10:00:00+02:00\"}</script></head>"
                         "<body><h1>Bridge</h1><p>29.04.2020</p>" PROSE1 "</body></html>",
                         NULL, 0, 0);
    assert_string_equal(extract_field(ex, 0, "date"), "2020-04-29");
    ng_extract_free(ex);
    /* a modified date equal to the published one confirms it against a
     * date written in the text */
    expect_field(
        "<html><head><meta property='article:published_time' content='2019-10-01'>"
        "<meta property='article:modified_time' content='2019-10-01'></head>"
        "<body><h1>Bridge</h1><p>Seit dem 18.01.2019 gilt das.</p>" PROSE1
        "</body></html>",
        "date", "2019-10-01");
    /* hAtom: the title of a class="published" element */
    expect_field("<html><body><abbr class='published' title='2013-04-04T18:52:11+00:00'>"
                 "</abbr>" PROSE1 "</body></html>",
                 "date", "2013-04-04");
    /* nothing but an hAtom class="updated" time: that is the date */
    expect_field("<html><body><span class='updated' title='2013-04-04T18:52:11+00:00'>"
                 "</span>" PROSE1 "</body></html>",
                 "date", "2013-04-04");
    /* nothing but an "updated" line: that is the date */
    expect_field("<html><body>" PROSE1
                 "<p class='info'>Aktualisiert: 30.12.2016</p></body></html>",
                 "date", "2016-12-30");
}

/* Date lines: a date run into the word before it; the date after
 * "Erschienen" when the line also says when it changed; without a
 * headline, the line above the text rather than a bar atop the page. */
static void date_line_rules(void **state) {
    (void)state;
    ng_extract *ex = run("<html><body><h1>Basteln</h1><div><span>Erstellt am</span><span>"
                         "09.02.2022</span></div>" PROSE1 "</body></html>",
                         NULL, 0, 0);
    assert_string_equal(extract_field(ex, 0, "date"), "2022-02-09");
    ng_extract_free(ex);
    expect_field(
        "<html><body><h1>Cotten</h1><p>Letzte \xc3\x84nderung: 31.10.2023 - 14:49 "
        "Erschienen am: 01.11.2023</p>" PROSE1 "</body></html>",
        "date", "2023-11-01");
    expect_field(
        "<html><body><ul><li><a href='/'>May 11, 2022</a></li><li><a href='/a'>Home</a>"
        "</li><li><a href='/b'>News</a></li></ul><div class='story'><p>Published On May "
        "10, 2022 01:52 PM</p><div class='text'>" PROSE1 PROSE2
        "</div></div></body></html>",
        "date", "2022-05-10");
}

/* 3/5/2022 is 3 May on a Spanish page, March 5 on an American one. */
static void slash_dates_follow_language(void **state) {
    (void)state;
    ng_extract *ex =
        run("<html lang='es'><body><h1>Puente</h1><p><span>3/5/2022 22:41</span>"
            "</p>" PROSE1 "</body></html>",
            NULL, 0, 0);
    assert_string_equal(extract_field(ex, 0, "date"), "2022-05-03");
    ng_extract_free(ex);
    expect_field("<html lang='en-US'><body><h1>Bridge</h1><p>3/5/2022</p>" PROSE1
                 "</body></html>",
                 "date", "2022-03-05");
    assert_true(ngi_date_month_first("en"));
    assert_true(ngi_date_month_first("en_US"));
    assert_false(ngi_date_month_first("en-GB"));
    assert_false(ngi_date_month_first("de"));
    assert_false(ngi_date_month_first(NULL));
}

/* A UTC instant is dated on the page's own clock. */
static void utc_instants_local_day(void **state) {
    (void)state;
    char d[11] = "2022-11-06";
    /* German page, 23:00 UTC in November: 00:00 the next day in Berlin */
    assert_int_equal(ngi_date_local("2022-11-06T23:00:00.000Z", "de", NULL, d), 1);
    assert_string_equal(d, "2022-11-07");
    /* no language: the country domain; .de in summer is UTC+2 */
    memcpy(d, "2019-10-18", 11);
    assert_int_equal(ngi_date_local("2019-10-18T22:04:00Z", NULL, "https://x.de/a", d),
                     1);
    assert_string_equal(d, "2019-10-19");
    /* Brazil: 00:44 UTC is the evening before */
    memcpy(d, "2022-05-04", 11);
    assert_int_equal(ngi_date_local("2022-05-04T00:44:52.000Z", "pt-BR", NULL, d), -1);
    assert_string_equal(d, "2022-05-03");
    memcpy(d, "2022-05-04", 11);
    assert_int_equal(ngi_date_local("Wed, 04 May 2022 00:25:56 GMT", "es", NULL, d), -1);
    /* unchanged: an explicit offset, midnight sharp (a date without time),
     * "+00:00", a zone that cannot be guessed, a time far from midnight */
    memcpy(d, "2022-05-04", 11);
    assert_int_equal(ngi_date_local("2022-05-04T23:30:00+02:00", "de", NULL, d), 0);
    assert_int_equal(ngi_date_local("2022-05-04T00:00:00Z", "es", NULL, d), 0);
    assert_int_equal(ngi_date_local("2022-05-04T23:07:45+00:00", "de", NULL, d), 0);
    assert_int_equal(ngi_date_local("2022-05-04T23:30:00Z", "en", NULL, d), 0);
    assert_int_equal(ngi_date_local("2022-05-04T12:00:00Z", "de", NULL, d), 0);
    assert_string_equal(d, "2022-05-04");
    /* through the page: meta in UTC, German page */
    ng_extract *ex =
        run("<html lang='de'><head><meta property='article:published_time' "
            "content='2021-11-04T23:00Z'></head><body>" PROSE1 "</body></html>",
            NULL, 0, 0);
    assert_string_equal(extract_field(ex, 0, "date"), "2021-11-05");
    ng_extract_free(ex);
}

static void dates_in_text(void **state) {
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {{"2019-07-03T10:00:00+02:00", "2019-07-03"},
                 {"03.07.2019", "2019-07-03"},
                 {"3. Juli 2019", "2019-07-03"},
                 {"July 3rd, 2019", "2019-07-03"},
                 {"Published 3 July 2019 by X", "2019-07-03"},
                 {"le 3 juillet 2019", "2019-07-03"},
                 {"3 lipca 2019", "2019-07-03"},
                 {"2019\xe5\xb9\xb4"
                  "7\xe6\x9c\x88"
                  "3\xe6\x97\xa5",
                  "2019-07-03"},
                 {"20190703", "2019-07-03"},
                 {"Tue, 02 Jul 2019 18:30:00 -0400", "2019-07-02"},
                 {"2022-5-5 22:17:36", "2022-05-05"}};
    char out[11];
    for (size_t i = 0; i < NGI_ARRAY_LEN(cases); i++) {
        assert_int_equal(ngi_date_from_text(cases[i].in, strlen(cases[i].in), out), 0);
        assert_string_equal(out, cases[i].out);
    }
    assert_int_equal(ngi_date_from_text("31 June 2019", 12, out), -1);
    assert_int_equal(ngi_date_from_text("Version 2.3.4", 13, out), -1);
    assert_int_equal(ngi_date_from_url("https://x.org/2019/7/story", out), -1);
    assert_int_equal(ngi_date_from_url("https://x.org/a/20190703/story", out), 0);
    /* a year, month and day without leading zeros, as path segments */
    assert_int_equal(ngi_date_from_url("https://x.org/home/2017/7/12/story", out), 0);
    assert_string_equal(out, "2017-07-12");
    assert_int_equal(ngi_date_from_url("https://x.org/2019/10/5-ways-to-cook", out), -1);
    /* day-month-year when the order is certain, not 01-02-2021 */
    assert_int_equal(ngi_date_from_url("https://x.org/news/29-10-2021", out), 0);
    assert_string_equal(out, "2021-10-29");
    assert_int_equal(ngi_date_from_url("https://x.org/n/23-01-2022-story/17.html", out),
                     0);
    assert_string_equal(out, "2022-01-23");
    assert_int_equal(ngi_date_from_url("https://x.org/n/10-29-2021-story", out), 0);
    assert_string_equal(out, "2021-10-29");
    assert_int_equal(ngi_date_from_url("https://x.org/news/01-02-2021", out), -1);
}

static void charsets(void **state) {
    (void)state;
    /* undeclared, not UTF-8: Windows-1252 (0x93/0x94 are quotes) */
    ng_extract *ex = run("<html><body><p>Caf\xe9 \x93quoted\x94 text in a paragraph long "
                         "enough.</p></body></html>",
                         NULL, 0, 0);
    assert_true(body_has(ex, "Caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d"));
    ng_extract_free(ex);
    /* declared latin1, but the bytes are UTF-8 */
    ex = run("<html><head><meta charset='iso-8859-1'></head><body><p>Z\xc3\xbcrich "
             "caf\xc3\xa9s reopened on Saturday.</p></body></html>",
             NULL, 0, 0);
    assert_true(body_has(ex, "Z\xc3\xbcrich caf\xc3\xa9s"));
    ng_extract_free(ex);
    /* declared UTF-8 with one bad byte: the rest stays UTF-8 */
    ex = run("<html><head><meta charset='utf-8'></head><body><p>bad \xff byte, then "
             "Z\xc3\xbcrich caf\xc3\xa9s.</p></body></html>",
             NULL, 0, 0);
    assert_true(body_has(ex, "Z\xc3\xbcrich caf\xc3\xa9s"));
    ng_extract_free(ex);
}

static void nul_bytes_and_script_charsets(void **state) {
    (void)state;
    /* a NUL byte does not end the page (libxml2 would stop there) */
    static const char nul[] = "<html><body><p>First paragraph of the page.</p>\0<p>Text "
                              "after a NUL byte is read too.</p></body></html>";
    ng_extract *ex = NULL;
    assert_int_equal(ng_extract_html(nul, sizeof nul - 1, NULL, &ex), 0);
    assert_true(body_has(ex, "after a NUL byte"));
    ng_extract_free(ex);
    /* a <script charset> is not the page's; GB2312 is read as its superset */
    ex = run("<html><head><script src='a.js' charset='utf-8'></script>"
             "<meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head>"
             "<body><p>\xd6\xd0\xce\xc4 text long enough to be the body of this "
             "page.</p></body></html>",
             NULL, 0, 0);
    assert_true(body_has(ex, "\xe4\xb8\xad\xe6\x96\x87"));
    ng_extract_free(ex);
}

static void several_stories_give_several_articles(void **state) {
    (void)state;
    ng_extract *ex =
        run("<html><body><article><h2>One</h2>" PROSE1 PROSE2 PROSE1 PROSE2 PROSE1
            "</article>"
            "<article><h2>Two</h2>" PROSE2 PROSE1 PROSE2 PROSE1 PROSE2 PROSE1
            "</article></body></html>",
            NULL, 0, 0);
    assert_int_equal(ng_extract_count(ex), 2);
    assert_string_equal(extract_field(ex, 0, "title"), "One");
    assert_string_equal(extract_field(ex, 1, "title"), "Two");
    ng_extract_free(ex);
    /* a teaser <article> inside a story is not a story of its own */
    ex = run("<html><body><main>" PROSE1 PROSE2
             "<article><h3>Teaser</h3><p>Short.</p></article></main></body></html>",
             NULL, 0, 0);
    assert_int_equal(ng_extract_count(ex), 1);
    ng_extract_free(ex);
}

static void limits_skip_with_a_message(void **state) {
    (void)state;
    size_t n = 0;
    char *page = malloc(700 * 8 + 64);
    n += (size_t)sprintf(page, "<p");
    for (int i = 0; i < 700; i++) n += (size_t)sprintf(page + n, " a%d=1", i);
    n += (size_t)sprintf(page + n, ">x</p>");
    ng_extract *ex = run(page, NULL, 0, NG_ELIMIT);
    assert_non_null(strstr(ng_extract_errmsg(ex), "attributes"));
    assert_int_equal(ng_extract_count(ex), 0);
    ng_extract_free(ex);
    free(page);
    /* attributes in script text are not counted */
    ex = run("<script>if (a < b && c) { x = \" y z w v u t s r q p o n m l k j i h g f e "
             "d c b a \"; }</script>" PROSE1,
             NULL, 0, 0);
    ng_extract_free(ex);
    ng_extract_options o;
    ng_extract_options_init(&o);
    o.max_bytes = 10;
    o.source = "big.html";
    assert_int_equal(ng_extract_html(PROSE1, strlen(PROSE1), &o, &ex), NG_ELIMIT);
    assert_non_null(strstr(ng_extract_errmsg(ex), "big.html: "));
    ng_extract_free(ex);
}

static void empty_and_invalid_input(void **state) {
    (void)state;
    ng_extract *ex = run("", NULL, 0, 0);
    assert_int_equal(ng_extract_count(ex), 0);
    assert_true(strlen(ng_extract_errmsg(ex)) > 0);
    ng_extract_free(ex);
    ex = run("<html><body><script>only()</script></body></html>", NULL, 0, 0);
    assert_int_equal(ng_extract_count(ex), 0);
    ng_extract_free(ex);
    assert_int_equal(ng_extract_html("x", 1, NULL, NULL), NG_EINVAL);
    assert_int_equal(ng_extract_html(NULL, 5, NULL, &ex), NG_EINVAL);
    assert_null(ex);
    ng_extract_free(NULL);
    assert_non_null(ng_extract_errmsg(NULL));
    assert_int_equal(ng_extract_count(NULL), 0);
}

static void result_fields_replace(void **state) {
    (void)state;
    ng_extract *ex = ngi_extract_new();
    assert_non_null(ex);
    assert_int_equal(ngi_extract_add_article(ex), 0);
    assert_int_equal(ngi_extract_set_field(ex, 0, "title", NG_FIELD_TITLE, "a", 1), 0);
    assert_int_equal(ngi_extract_set_field(ex, 0, "title", NG_FIELD_TITLE, "bc", 2), 0);
    assert_int_equal(ngi_extract_set_field(ex, 1, "title", NG_FIELD_TITLE, "x", 1),
                     NG_EINVAL);
    const ng_document *d = ng_extract_document(ex, 0);
    assert_int_equal(d->n_fields, 1);
    assert_int_equal(d->fields[0].value_len, 2);
    assert_null(ng_extract_document(ex, 1));
    assert_string_equal(ng_extract_errmsg(ex), "");
    ng_extract_free(ex);
}

/* A <noscript> is furniture unless it holds the story: a Blogger post
 * served in one, or the rest of a page that libxml2 put inside one (a
 * <div> opened in it is not closed at </noscript>). */
static void noscript_holding_the_story_is_read(void **state) {
    (void)state;
    ng_extract *ex = run("<html><body><div class='post'><script type='text/template'>"
                         "<p>x</p></script><noscript>" PROSE1 PROSE2
                         "</noscript></div><noscript>Please enable JavaScript to view "
                         "the comments.</noscript></body></html>",
                         NULL, 0, 0);
    assert_true(body_has(ex, "new bridge"));
    assert_true(body_has(ex, "next spring"));
    assert_false(body_has(ex, "enable JavaScript"));
    ng_extract_free(ex);
    ex = run("<html><body><noscript><div id='nojs'></noscript><div id='page'>"
             "<h1>Bridge</h1><div id='text'>" PROSE1 PROSE2 "</div></div></body></html>",
             NULL, 0, 0);
    assert_true(body_has(ex, "new bridge"));
    ng_extract_free(ex);
}

/* An <aside> is furniture unless it holds most of the page's text (a site
 * that wraps its article in one); an <article> teaser in one stays out. */
static void aside_holding_the_story_is_read(void **state) {
    (void)state;
    ng_extract *ex =
        run("<html><body><nav>Home World Sport</nav><aside class='page'>"
            "<h1>Bridge</h1><article><div itemprop='articleBody'>" PROSE1 PROSE2
            "</div></article></aside></body></html>",
            NULL, 0, 0);
    assert_true(body_has(ex, "new bridge"));
    assert_true(body_has(ex, "next spring"));
    ng_extract_free(ex);
    ex = run(
        "<html><body><div class='story'>" PROSE1 PROSE2 PROSE1
        "</div><aside><article><p>Venezuela votes on Sunday in a tight race, "
        "polls say, and the count starts at night.</p></article></aside></body></html>",
        NULL, 0, 0);
    assert_true(body_has(ex, "new bridge"));
    assert_false(body_has(ex, "Venezuela"));
    ng_extract_free(ex);
}

/* Next to nothing kept: the page is judged again without class words
 * (readability's retry), here a story whose sections are named "--Ads". */
static void retry_without_class_words(void **state) {
    (void)state;
    ng_extract *ex =
        run("<html><body><nav>Home World Sport</nav><h1>Bridge</h1>"
            "<div class='report'><section class='report__section--ads'>" PROSE1 PROSE2
            "</section><section class='report__section--ads'>" PROSE1
            "<p>The mayor called it the largest project in decades, with "
            "work on both banks.</p></section></div></body></html>",
            NULL, 0, 0);
    assert_true(body_has(ex, "new bridge"));
    assert_true(body_has(ex, "largest project"));
    assert_false(body_has(ex, "Home World"));
    ng_extract_free(ex);
}

/* A call to action among the story's last lines (subscribe, sign up,
 * follow us, the app) is dropped; the same words earlier in it are not. */
static void calls_to_action_at_the_end_are_dropped(void **state) {
    (void)state;
    ng_extract *ex =
        run("<html><body><div class='story'><p>The paper's newsletter first reported the "
            "plan for a bridge, officials said.</p>" PROSE1 PROSE2 PROSE1
            "<p>Subscribe now to our print edition for the full story and more local "
            "news.</p><p>For the latest news, download the City News app for iOS and "
            "Android.</p></div></body></html>",
            NULL, 0, 0);
    assert_true(body_has(ex, "newsletter first reported"));
    assert_true(body_has(ex, "next spring"));
    assert_false(body_has(ex, "Subscribe now"));
    assert_false(body_has(ex, "City News app"));
    ng_extract_free(ex);
}

/* A page of `before`, then 300 nested <div>s around "deep text"; malloc'ed. */
static char *nested_page(const char *before) {
    char *page = malloc(strlen(before) + 300 * 11 + 64);
    size_t n = (size_t)sprintf(page, "<html><body>%s", before);
    for (int i = 0; i < 300; i++) n += (size_t)sprintf(page + n, "<div>");
    n += (size_t)sprintf(page + n, "deep text");
    for (int i = 0; i < 300; i++) n += (size_t)sprintf(page + n, "</div>");
    sprintf(page + n, "</body></html>");
    return page;
}

/* Elements nested deeper than libxml2 reads: the message says the text
 * below was not read (a warning when something was found before). */
static void deep_nesting_is_said(void **state) {
    (void)state;
    char *page = nested_page(PROSE1);
    ng_extract *ex = run(page, NULL, 0, 0);
    assert_int_equal(ng_extract_count(ex), 1);
    assert_true(body_has(ex, "new bridge"));
    assert_non_null(strstr(ng_extract_errmsg(ex), "nested 256 deep"));
    ng_extract_free(ex);
    free(page);
    page = nested_page("");
    ex = run(page, NULL, 0, 0);
    assert_int_equal(ng_extract_count(ex), 0);
    assert_non_null(
        strstr(ng_extract_errmsg(ex), "no text found in the page (elements nested"));
    ng_extract_free(ex);
    free(page);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(furniture_by_class_is_dropped),
        cmocka_unit_test(furniture_by_tag_and_role_is_dropped),
        cmocka_unit_test(link_lists_and_repeated_lines_are_dropped),
        cmocka_unit_test(headings_lists_and_quotes_of_the_story_are_kept),
        cmocka_unit_test(keep_boilerplate_keeps_every_line),
        cmocka_unit_test(structured_data_gives_metadata),
        cmocka_unit_test(title_rules),
        cmocka_unit_test(date_rules),
        cmocka_unit_test(dates_in_text),
        cmocka_unit_test(date_sources_vote),
        cmocka_unit_test(lead_above_body_is_kept),
        cmocka_unit_test(lead_in_article_header_is_kept),
        cmocka_unit_test(closing_lines_are_kept),
        cmocka_unit_test(forum_posts_are_text),
        cmocka_unit_test(drupal_label_hidden_is_no_furniture),
        cmocka_unit_test(lead_above_without_headline_is_kept),
        cmocka_unit_test(update_and_reading_time_lines_are_dropped),
        cmocka_unit_test(title_heading_rules),
        cmocka_unit_test(sections_of_one_story),
        cmocka_unit_test(chrome_labels_are_dropped),
        cmocka_unit_test(credit_lines_are_dropped),
        cmocka_unit_test(title_kicker_site_date),
        cmocka_unit_test(slash_dates_follow_language),
        cmocka_unit_test(date_line_rules),
        cmocka_unit_test(utc_instants_local_day),
        cmocka_unit_test(charsets),
        cmocka_unit_test(nul_bytes_and_script_charsets),
        cmocka_unit_test(several_stories_give_several_articles),
        cmocka_unit_test(limits_skip_with_a_message),
        cmocka_unit_test(empty_and_invalid_input),
        cmocka_unit_test(result_fields_replace),
        cmocka_unit_test(noscript_holding_the_story_is_read),
        cmocka_unit_test(aside_holding_the_story_is_read),
        cmocka_unit_test(retry_without_class_words),
        cmocka_unit_test(calls_to_action_at_the_end_are_dropped),
        cmocka_unit_test(deep_nesting_is_said),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
