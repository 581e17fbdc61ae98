/* Unit tests of lib/extract/textdump.c and ng_extract_text: scraped text
 * dumps of several layouts, each written for one rule, and plain articles
 * that must keep the simple reading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "newsgrep.h"
#include "common/fault.h"
#include "unit/extract/extracttest.h"
#include "extract/textdump.h"

static ngi_td_result split(const char *text) {
    ngi_td_result r;
    assert_int_equal(ngi_textdump_split(text, strlen(text), 0, &r), 0);
    return r;
}

static int contains(const char *hay, const char *needle) {
    return strstr(hay, needle) != NULL;
}

/* ---- date lines ---- */

static void date_lines(void **state) {
    (void)state;
    char d[11];
    static const char *const yes[] = {"2025-06-18 17:33 Last Updated At:18:07",
                                      "Published: 18.06.2025, 17:33 Uhr",
                                      "2025/06/18",
                                      "Mis \xC3\xA0 jour le 18/06/2025 \xC3\xA0 10h32",
                                      "06/18/2025 10:32 AM ET",
                                      "2025\345\271\2646\346\234\21018\346\227\245 17:33",
                                      "June 18, 2025",
                                      "Mittwoch, 18. Juni 2025, 17:33 Uhr",
                                      "Publi\xC3\xA9 le 18 juin 2025 \xC3\xA0 10h32",
                                      "Updated: Wednesday, June 18, 2025 at 10:32 am ET"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        assert_int_equal(ngi_textdump_date_line(yes[i], strlen(yes[i]), d), 1);
        assert_string_equal(d, "2025-06-18");
    }
    static const char *const no[] = {"The summit on 2025-06-18 was attended by leaders "
                                     "of five nations.", /* a sentence */
                                     "The summit on June 18, 2025 was attended by "
                                     "leaders of five nations.",
                                     "2025-02-30",
                                     "Version 1.2.3",
                                     "Call 555-12-2025",
                                     "2025",
                                     "June 2025"};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_int_equal(ngi_textdump_date_line(no[i], strlen(no[i]), d), 0);
}

/* ---- plain articles keep the simple reading ---- */

static void plain_article_unchanged(void **state) {
    (void)state;
    const char *text =
        "\xEF\xBB\xBF\n  Astana notes\nThe Astana Declaration was signed.\n"
        "It names good-neighbourliness.\n\n";
    ngi_td_result r = split(text);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.dump, 0);
    assert_string_equal(r.articles[0].title, "Astana notes");
    assert_string_equal(
        r.articles[0].body,
        "The Astana Declaration was signed.\nIt names good-neighbourliness.");
    assert_string_equal(r.articles[0].date, "");
    ngi_textdump_free(&r);
}

static void markdown_heading_title(void **state) {
    (void)state;
    ngi_td_result r =
        split("# Markdown heading\n\nText about New York.\n\n## Part two\n\nMore.\n");
    assert_int_equal(r.count, 1);
    assert_int_equal(r.dump, 0);
    assert_string_equal(r.articles[0].title, "Markdown heading");
    assert_string_equal(r.articles[0].body,
                        "Text about New York.\n\n## Part two\n\nMore.");
    ngi_textdump_free(&r);
}

static void blank_text_has_no_article(void **state) {
    (void)state;
    ngi_td_result r = split(" \n\n\t\n");
    assert_int_equal(r.count, 0);
    ngi_textdump_free(&r);
}

/* ---- dumps ---- */

/* Headline repeated around section labels, a date line, the body, the
 * headline again at the end, a footer. */
static void headline_before_body(void **state) {
    (void)state;
    const char *text = "Skip to main content\n\nMenu\n\nWorld\n\n"
                       "Floods close the port of Rotterdam for two days\n\n"
                       "Europe\n\n"
                       "Floods close the port of Rotterdam for two days\n\n"
                       "Published: 03.02.2024, 09:15 Uhr\n\n"
                       "Heavy rain and a storm surge closed the port of Rotterdam on "
                       "Saturday, the port authority said.\n\n"
                       "Ships waiting to enter were sent to Antwerp and Hamburg while "
                       "the barriers stayed shut.\n\n"
                       "Share on Facebook\n\n"
                       "Floods close the port of Rotterdam for two days\n\n"
                       "\xC2\xA9 2024 Example News. All rights reserved.\n";
    ngi_td_result r = split(text);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.dump, 1);
    ngi_td_article *a = &r.articles[0];
    assert_string_equal(a->title, "Floods close the port of Rotterdam for two days");
    assert_string_equal(a->date, "2024-02-03");
    assert_string_equal(a->body, "Heavy rain and a storm surge closed the port of "
                                 "Rotterdam on Saturday, the port authority said.\n\n"
                                 "Ships waiting to enter were sent to Antwerp and "
                                 "Hamburg while the barriers stayed shut.");
    ngi_textdump_free(&r);
}

/* Each headline after its body, twice; no date anywhere. */
static void headline_after_body_no_date(void **state) {
    (void)state;
    const char *text =
        "The city council voted on Monday to extend the tram line to the airport by "
        "2028.\n"
        "Work on the first section is to start next spring, the mayor said after the "
        "vote.\n\n"
        "Council backs tram line to the airport\n\n"
        "Council backs tram line to the airport\n\n"
        "The museum of modern art reopened on Sunday after three years of renovation "
        "work.\n"
        "Visitors queued around the block for the free opening day, organisers said.\n\n"
        "Modern art museum reopens after renovation\n\n"
        "Modern art museum reopens after renovation\n\n"
        "Related Articles\n\nCity budget passes after long debate\n\nNew bridge opens to "
        "cyclists\n";
    ngi_td_result r = split(text);
    assert_int_equal(r.count, 2);
    assert_string_equal(r.articles[0].title, "Council backs tram line to the airport");
    assert_string_equal(r.articles[0].date, "");
    assert_true(contains(r.articles[0].body, "tram line to the airport by 2028"));
    assert_true(contains(r.articles[0].body, "after the vote."));
    assert_false(contains(r.articles[0].body, "museum"));
    assert_string_equal(r.articles[1].title,
                        "Modern art museum reopens after renovation");
    assert_string_equal(
        r.articles[1].body,
        "The museum of modern art reopened on Sunday after three years of renovation "
        "work.\n"
        "Visitors queued around the block for the free opening day, organisers said.");
    ngi_textdump_free(&r);
}

/* Three articles, headline first, dates in three formats. */
static void three_articles(void **state) {
    (void)state;
    const char *text = "Home | News | Sport\n\n"
                       "Storm cuts power to thousands in the north\n\nStorm cuts power "
                       "to thousands in the north\n\n"
                       "2024-01-05 08:00\n\n"
                       "A winter storm cut power to about 40,000 homes overnight, the "
                       "grid operator said on Friday.\n\n"
                       "Local team wins the regional cup final\n\nLocal team wins the "
                       "regional cup final\n\n"
                       "06.01.2024\n\n"
                       "The home side won the regional cup final 2-1 in front of a "
                       "sold-out stadium on Saturday night.\n\n"
                       "Follow us on Twitter\n\n"
                       "Train fares to rise by five percent in March\n\nTrain fares to "
                       "rise by five percent in March\n\n"
                       "2024/01/07\n\n"
                       "Rail operators will raise fares by five percent from March, the "
                       "transport ministry announced.\n\n"
                       "Passenger groups called the increase unfair given the number of "
                       "cancelled trains last year.\n\n"
                       "We use cookies to improve your experience.\n";
    ngi_td_result r = split(text);
    assert_int_equal(r.count, 3);
    assert_string_equal(r.articles[0].title,
                        "Storm cuts power to thousands in the north");
    assert_string_equal(r.articles[0].date, "2024-01-05");
    assert_string_equal(r.articles[1].title, "Local team wins the regional cup final");
    assert_string_equal(r.articles[1].date, "2024-01-06");
    assert_string_equal(r.articles[2].title,
                        "Train fares to rise by five percent in March");
    assert_string_equal(r.articles[2].date, "2024-01-07");
    assert_false(contains(r.articles[1].body, "Twitter"));
    assert_true(contains(r.articles[2].body, "cancelled trains last year."));
    assert_false(contains(r.articles[2].body, "cookies"));
    for (size_t i = 0; i < 3; i++) {
        assert_false(contains(r.articles[i].body, "Home |"));
        assert_false(contains(r.articles[i].body, "\n\n\n"));
    }
    ngi_textdump_free(&r);
}

/* One article, headline not repeated: the line before the date line, with
 * French chrome around it. */
static void french_chrome_date_anchor(void **state) {
    (void)state;
    const char *text =
        "Aller au contenu principal\n\nActualit\xC3\xA9s\n\n"
        "La Loire atteint son niveau le plus bas depuis vingt ans\n\n"
        "Publi\xC3\xA9 le 24/08/2023 \xC3\xA0 07h45\n\n"
        "Partager\n\n"
        "Le d\xC3\xA9"
        "bit de la Loire est tomb\xC3\xA9 cette semaine \xC3\xA0 son plus bas niveau "
        "depuis vingt ans, selon les services de l'\xC3\x89tat.\n\n"
        "Lire aussi\n\nS\xC3\xA9"
        "cheresse : les restrictions d'eau \xC3\xA9tendues\n\n"
        "Les agriculteurs demandent des aides d'urgence pour compenser les pertes de "
        "r\xC3\xA9"
        "colte de l'\xC3\xA9t\xC3\xA9.\n\n"
        "Les pr\xC3\xA9"
        "fectures ont renforc\xC3\xA9 les restrictions dans quatre d\xC3\xA9partements "
        "du bassin.\n\n"
        "Tous droits r\xC3\xA9serv\xC3\xA9s\n";
    ngi_td_result r = split(text);
    assert_int_equal(r.count, 1);
    assert_string_equal(r.articles[0].title,
                        "La Loire atteint son niveau le plus bas depuis vingt ans");
    assert_string_equal(r.articles[0].date, "2023-08-24");
    const char *b = r.articles[0].body;
    assert_true(contains(b, "Le d\xC3\xA9"
                            "bit de la Loire"));
    assert_true(contains(b, "quatre d\xC3\xA9partements du bassin."));
    assert_false(contains(b, "Partager"));
    assert_false(contains(b, "Lire aussi"));
    assert_false(contains(b, "restrictions d'eau")); /* the box's link */
    assert_false(contains(b, "droits"));
    ngi_textdump_free(&r);
}

/* German chrome, no date, headline not repeated: the line before the
 * first paragraph. */
static void german_chrome_no_date(void **state) {
    (void)state;
    const char *text = "Zum Inhalt springen\nStartseite\nPolitik\n\n"
                       "Bundestag beschlie\xC3\x9Ft neues Heizungsgesetz\n\n"
                       "Der Bundestag hat am Freitag nach langer Debatte das umstrittene "
                       "Heizungsgesetz beschlossen.\n\n"
                       "Anzeige\n\n"
                       "Die Opposition k\xC3\xBCndigte an, gegen das Gesetz vor dem "
                       "Verfassungsgericht zu klagen.\n\n"
                       "Artikel teilen\n\nImpressum | Datenschutz\n";
    ngi_td_result r = split(text);
    assert_int_equal(r.count, 1);
    assert_string_equal(r.articles[0].title,
                        "Bundestag beschlie\xC3\x9Ft neues Heizungsgesetz");
    assert_string_equal(r.articles[0].date, "");
    assert_string_equal(r.articles[0].body,
                        "Der Bundestag hat am Freitag nach langer Debatte das "
                        "umstrittene Heizungsgesetz beschlossen.\n\n"
                        "Die Opposition k\xC3\xBCndigte an, gegen das Gesetz vor dem "
                        "Verfassungsgericht zu klagen.");
    ngi_textdump_free(&r);
}

/* The fixture's layout in small: headline framing the first body, then a
 * second body whose headline follows it, labels repeated. */
static void framed_then_headline_after(void **state) {
    (void)state;
    const char *text =
        "Skip to Content Facebook Feature Image\n\n"
        "Ministers agree on new fishing quotas for the Baltic\n\nBusiness\n\nBusiness\n\n"
        "Ministers agree on new fishing quotas for the Baltic\n\n"
        "2023-10-24 11:02 Last Updated At:11:40\n\n"
        "Fisheries ministers agreed on Tuesday to cut cod quotas in the western Baltic "
        "by a third.\n\n"
        "Environmental groups said the cut came too late to save the stock.\n\n"
        "Ministers agree on new fishing quotas for the Baltic\n\n"
        "Ministers agree on new fishing quotas for the Baltic\n\n"
        "Wind farms in the North Sea produced a record amount of power in October, "
        "operators said.\n\n"
        "Offshore wind sets a new monthly record\n\nOffshore wind sets a new monthly "
        "record\n\n"
        "Recommended Articles\n";
    ngi_td_result r = split(text);
    assert_int_equal(r.count, 2);
    assert_string_equal(r.articles[0].title,
                        "Ministers agree on new fishing quotas for the Baltic");
    assert_string_equal(r.articles[0].date, "2023-10-24");
    assert_string_equal(
        r.articles[0].body,
        "Fisheries ministers agreed on Tuesday to cut cod quotas in the western Baltic "
        "by a third.\n\n"
        "Environmental groups said the cut came too late to save the stock.");
    assert_string_equal(r.articles[1].title, "Offshore wind sets a new monthly record");
    assert_string_equal(r.articles[1].date, "");
    assert_string_equal(r.articles[1].body,
                        "Wind farms in the North Sea produced a record amount of power "
                        "in October, operators said.");
    ngi_textdump_free(&r);
}

/* Headlines after their bodies with the date right under each headline:
 * the date belongs to the headline above it, not to the next body. */
static void date_under_trailing_headline(void **state) {
    (void)state;
    const char *text =
        "Prices of fresh vegetables rose sharply in May because of the late frost in the "
        "south.\n\n"
        "Vegetable prices jump after late frost\n\nVegetable prices jump after late "
        "frost\n\n"
        "2022-06-02\n\n"
        "The central bank left its main interest rate unchanged at its June meeting, as "
        "expected.\n\n"
        "Central bank holds rates steady\n\nCentral bank holds rates steady\n\n"
        "2022-06-09\n";
    ngi_td_result r = split(text);
    assert_int_equal(r.count, 2);
    assert_string_equal(r.articles[0].title, "Vegetable prices jump after late frost");
    assert_string_equal(r.articles[0].date, "2022-06-02");
    assert_true(contains(r.articles[0].body, "late frost in the south."));
    assert_string_equal(r.articles[1].title, "Central bank holds rates steady");
    assert_string_equal(r.articles[1].date, "2022-06-09");
    assert_true(contains(r.articles[1].body, "central bank left"));
    ngi_textdump_free(&r);
}

/* Headlines first, and a paragraph before the first one (a teaser, a
 * notice): each body goes with the headline above it. */
static void headline_first_with_preamble(void **state) {
    (void)state;
    const char *text = "This page collects the evening's top stories from our newsroom "
                       "in one place for you.\n\n"
                       "Airport strike grounds hundreds of flights\n\nAirport strike "
                       "grounds hundreds of flights\n\n"
                       "Ground staff at the capital's main airport walked out on "
                       "Thursday, cancelling hundreds of flights.\n\n"
                       "Library opens late on weekends from July\n\nLibrary opens late "
                       "on weekends from July\n\n"
                       "The central library will stay open until midnight on Fridays and "
                       "Saturdays from July.\n";
    ngi_td_result r = split(text);
    assert_int_equal(r.count, 2);
    assert_string_equal(r.articles[0].title,
                        "Airport strike grounds hundreds of flights");
    assert_true(contains(r.articles[0].body, "Ground staff"));
    assert_false(contains(r.articles[0].body, "top stories"));
    assert_string_equal(r.articles[1].title, "Library opens late on weekends from July");
    assert_true(contains(r.articles[1].body, "central library"));
    ngi_textdump_free(&r);
}

/* Menus (short items between bars or bullets) are chrome; a sentence with
 * a bar in it is not a menu. */
static void menu_lines_dropped(void **state) {
    (void)state;
    const char *text = "Bridge reopens after two years of repairs\n\n"
                       "Bridge reopens after two years of repairs\n\n"
                       "Home | News | Local | Sport\n\n"
                       "The old river bridge reopened to traffic on Monday after two "
                       "years of repairs, the city said.\n\n"
                       "Cyclists get a separate lane | the footpath was widened to three "
                       "metres on both sides.\n\n"
                       "Impressum \xC2\xB7 Datenschutz \xC2\xB7 Kontakt\n";
    ngi_td_result r = split(text);
    assert_int_equal(r.count, 1);
    assert_string_equal(r.articles[0].body,
                        "The old river bridge reopened to traffic on Monday after two "
                        "years of repairs, the city said.\n\n"
                        "Cyclists get a separate lane | the footpath was widened to "
                        "three metres on both sides.");
    ngi_textdump_free(&r);
}

/* Button words inside a headline do not make it chrome: a repeated
 * headline about Facebook is still the headline; the share bar is not. */
static void headline_with_button_words(void **state) {
    (void)state;
    const char *text = "Facebook shares fall after weak advertising forecast\n\n"
                       "Facebook shares fall after weak advertising forecast\n\n"
                       "Share on Facebook\n\nShare this article\n\nArtikel teilen\n\n"
                       "Shares in Facebook fell eight percent in late trading after the "
                       "company cut its forecast.\n\n"
                       "Copyright 2024 Example Media\n";
    ngi_td_result r = split(text);
    assert_int_equal(r.count, 1);
    assert_string_equal(r.articles[0].title,
                        "Facebook shares fall after weak advertising forecast");
    assert_string_equal(r.articles[0].body,
                        "Shares in Facebook fell eight percent in late trading after the "
                        "company cut its forecast.");
    ngi_textdump_free(&r);
}

/* A plain article stays plain when rows of a table repeat or its title
 * holds a button word. */
static void plain_article_with_table_rows(void **state) {
    (void)state;
    const char *text = "Newsletter publisher reports fourth quarter net\n"
                       "Shr 1.02 dlrs vs 90 cts\n"
                       "Net 12.1 mln vs 10.6 mln\n"
                       "Year\n"
                       "Shr 1.02 dlrs vs 90 cts\n"
                       "Net 12.1 mln vs 10.6 mln\n"
                       "Reuter\n";
    ngi_td_result r = split(text);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.dump, 0);
    assert_string_equal(r.articles[0].title,
                        "Newsletter publisher reports fourth quarter net");
    assert_string_equal(r.articles[0].body,
                        "Shr 1.02 dlrs vs 90 cts\nNet 12.1 mln vs 10.6 mln\nYear\n"
                        "Shr 1.02 dlrs vs 90 cts\nNet 12.1 mln vs 10.6 mln\nReuter");
    ngi_textdump_free(&r);
}

/* The page title on top ("Headline | Site", as crawlers save <title>)
 * confirms the headline below, even a short one ending with a full stop;
 * the title line and a menu printed twice are not part of the body. */
static void page_title_confirms_headline(void **state) {
    (void)state;
    const char *text =
        "Nebelsuppe. \xE2\x80\x93 Das Leben und ich\n\n"
        "Das Leben und ich\n\nStart\n\nReisen und Wandern\n\nRezepte der Woche\n\n"
        "Start\n\nReisen und Wandern\n\nRezepte der Woche\n\n"
        "Nebelsuppe.\n\n"
        "Heute Morgen lag der Nebel so dicht \xC3\xBC"
        "ber dem Tal, dass man die Kirche nicht mehr sah.\n\n"
        "Erst gegen Mittag kam die Sonne durch und der ganze Spuk war vorbei.\n";
    ngi_td_result r = split(text);
    assert_int_equal(r.count, 1);
    assert_string_equal(r.articles[0].title, "Nebelsuppe.");
    assert_string_equal(
        r.articles[0].body,
        "Heute Morgen lag der Nebel so dicht \xC3\xBC"
        "ber dem Tal, dass man die Kirche nicht mehr sah.\n\n"
        "Erst gegen Mittag kam die Sonne durch und der ganze Spuk war vorbei.");
    ngi_textdump_free(&r);
}

/* A paragraph repeated by the crawler is kept once; a subheading inside
 * the body stays. */
static void repeated_paragraph_kept_once(void **state) {
    (void)state;
    const char *text = "Volcano erupts on remote island chain\n\nVolcano erupts on "
                       "remote island chain\n\n"
                       "A volcano erupted on Tuesday on an uninhabited island, sending "
                       "ash ten kilometres high.\n\n"
                       "What happens next\n\n"
                       "Scientists said further eruptions were likely over the coming "
                       "weeks and months.\n\n"
                       "A volcano erupted on Tuesday on an uninhabited island, sending "
                       "ash ten kilometres high.\n";
    ngi_td_result r = split(text);
    assert_int_equal(r.count, 1);
    assert_string_equal(r.articles[0].body,
                        "A volcano erupted on Tuesday on an uninhabited island, sending "
                        "ash ten kilometres high.\n\n"
                        "What happens next\n\n"
                        "Scientists said further eruptions were likely over the coming "
                        "weeks and months.");
    ngi_textdump_free(&r);
}

/* A plain article whose body mentions chrome words in sentences stays
 * plain. */
static void plain_article_with_chrome_words_in_sentences(void **state) {
    (void)state;
    const char *text = "Social media and the news\n\n"
                       "Many readers now find their news on Facebook and Twitter rather "
                       "than on the papers' own sites, a study says.\n";
    ngi_td_result r = split(text);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.dump, 0);
    assert_string_equal(r.articles[0].title, "Social media and the news");
    ngi_textdump_free(&r);
}

static void plain_flag_keeps_everything(void **state) {
    (void)state;
    const char *text = "Skip to content\nHeadline here now\n2024-01-01\nBody.\n";
    ngi_td_result r;
    assert_int_equal(ngi_textdump_split(text, strlen(text), NGI_TD_PLAIN, &r), 0);
    assert_int_equal(r.count, 1);
    assert_string_equal(r.articles[0].title, "Skip to content");
    assert_string_equal(r.articles[0].body, "Headline here now\n2024-01-01\nBody.");
    ngi_textdump_free(&r);
}

/* ---- the public call ---- */

static void public_call(void **state) {
    (void)state;
    const char *text = "Ministers agree on new fishing quotas for the Baltic\n\n"
                       "Ministers agree on new fishing quotas for the Baltic\n\n"
                       "2023-10-24\n\n"
                       "Fisheries ministers agreed on Tuesday to cut cod quotas in the "
                       "western Baltic by a third.\n";
    ng_extract_options o;
    ng_extract_options_init(&o);
    o.url = "https://example.org/baltic";
    ng_extract *ex = NULL;
    assert_int_equal(ng_extract_text(text, strlen(text), &o, &ex), 0);
    assert_int_equal(ng_extract_count(ex), 1);
    assert_string_equal(extract_field(ex, 0, "title"),
                        "Ministers agree on new fishing quotas for the Baltic");
    assert_string_equal(extract_field(ex, 0, "date"), "2023-10-24");
    assert_string_equal(extract_field(ex, 0, "url"), "https://example.org/baltic");
    assert_true(contains(extract_field(ex, 0, "body"), "cod quotas"));
    assert_null(ng_extract_document(ex, 1));
    ng_extract_free(ex);

    assert_int_equal(ng_extract_text("\n \n", 3, NULL, &ex), 0);
    assert_int_equal(ng_extract_count(ex), 0);
    assert_true(contains(ng_extract_errmsg(ex), "no text"));
    ng_extract_free(ex);

    o.max_bytes = 10;
    o.source = "big.txt";
    assert_int_equal(ng_extract_text(text, strlen(text), &o, &ex), NG_ELIMIT);
    assert_true(contains(ng_extract_errmsg(ex), "big.txt"));
    ng_extract_free(ex);
    assert_int_equal(ng_extract_text(text, 1, NULL, NULL), NG_EINVAL);
}

/* Every allocation failure is reported as NG_ENOMEM and leaks nothing. */
static void out_of_memory(void **state) {
    (void)state;
    const char *text = "Storm cuts power to thousands in the north\n\nStorm cuts power "
                       "to thousands in the north\n\n"
                       "2024-01-05 08:00\n\n"
                       "A winter storm cut power to about 40,000 homes overnight, the "
                       "grid operator said on Friday.\n";
    extract_text_alloc_failures(text, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(date_lines),
        cmocka_unit_test(plain_article_unchanged),
        cmocka_unit_test(markdown_heading_title),
        cmocka_unit_test(blank_text_has_no_article),
        cmocka_unit_test(headline_before_body),
        cmocka_unit_test(headline_after_body_no_date),
        cmocka_unit_test(three_articles),
        cmocka_unit_test(french_chrome_date_anchor),
        cmocka_unit_test(german_chrome_no_date),
        cmocka_unit_test(framed_then_headline_after),
        cmocka_unit_test(date_under_trailing_headline),
        cmocka_unit_test(headline_first_with_preamble),
        cmocka_unit_test(menu_lines_dropped),
        cmocka_unit_test(headline_with_button_words),
        cmocka_unit_test(plain_article_with_table_rows),
        cmocka_unit_test(page_title_confirms_headline),
        cmocka_unit_test(repeated_paragraph_kept_once),
        cmocka_unit_test(plain_article_with_chrome_words_in_sentences),
        cmocka_unit_test(plain_flag_keeps_everything),
        cmocka_unit_test(public_call),
        cmocka_unit_test(out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
