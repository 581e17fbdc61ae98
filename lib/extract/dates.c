/*
 * dates.c — publication dates as pages write them: ISO 8601 in metadata,
 * "3. Juli 2019", "July 3rd, 2019", "03.07.2019", "2019年7月3日" in bylines,
 * /2019/07/03/ in addresses. Month names are those of ng_date_parse
 * (lib/common/date.c: English, French, German, Spanish, Italian,
 * Portuguese, Dutch, Russian, Polish), matched by their first letters. The result is the date as
 * written (a zone offset is not applied: a paper's date is its own day).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "common/date.h"
#include "extract/html.h"

#define MIN_YEAR 1900
#define MAX_YEAR 2099

static int emit(int y, int m, int d, char out[11]) {
    if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1 || d > 31) return -1;
    int32_t days = ngi_days_from_civil(y, (unsigned)m, (unsigned)d);
    int yy;
    unsigned mm, dd;
    ngi_civil_from_days(days, &yy, &mm, &dd);
    if (yy != y || (int)mm != m || (int)dd != d) return -1; /* 31 June */
    ngi_date_format(days, out);
    return 0;
}

/* A word of letters (ASCII or any UTF-8 multibyte) at s; its length. */
static size_t word_len(const char *s, size_t n) {
    size_t i = 0;
    while (i < n && (isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)) i++;
    return i;
}

static size_t digits(const char *s, size_t n, int *v) {
    size_t i = 0;
    *v = 0;
    while (i < n && i < 8 && isdigit((unsigned char)s[i])) *v = *v * 10 + (s[i++] - '0');
    if (i < n && isdigit((unsigned char)s[i])) return 0; /* too long a number */
    return i;
}

static size_t skip_space(const char *s, size_t n, size_t i) {
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
                     ((unsigned char)s[i] == 0xC2 && i + 1 < n &&
                      (unsigned char)s[i + 1] == 0xA0)))
        i += (unsigned char)s[i] == 0xC2 ? 2 : 1;
    return i;
}

static bool boundary(const char *s, size_t n, size_t i) {
    return i >= n || !isdigit((unsigned char)s[i]);
}

/* A date starting exactly at s (after a non-alphanumeric or the start). */
static int date_at(const char *s, size_t n, bool compact, bool month_first,
                   char out[11]) {
    int a, b, c;
    size_t la = digits(s, n, &a);
    if (la == 4) {
        /* 2019-07-03, 2019/7/3, 2019.07.03, 2019年7月3日 */
        char sep = la < n ? s[la] : 0;
        if (sep == '-' || sep == '/' || sep == '.') {
            size_t lb = digits(s + la + 1, n - la - 1, &b), at = la + 1 + lb;
            if (lb >= 1 && lb <= 2 && at < n && s[at] == sep) {
                size_t lc = digits(s + at + 1, n - at - 1, &c);
                if (lc >= 1 && lc <= 2 && boundary(s, n, at + 1 + lc))
                    return emit(a, b, c, out);
            }
            return -1;
        }
        if (n - la >= 3 && memcmp(s + la, "\xE5\xB9\xB4", 3) == 0) { /* 年 */
            size_t lb = digits(s + la + 3, n - la - 3, &b), at = la + 3 + lb;
            if (lb && n - at >= 3 && memcmp(s + at, "\xE6\x9C\x88", 3) == 0) { /* 月 */
                size_t lc = digits(s + at + 3, n - at - 3, &c);
                if (lc) return emit(a, b, c, out);
            }
        }
        return -1;
    }
    if (la == 8 && compact && (la == n || s[la] == 'T' || !isalnum((unsigned char)s[la])))
        return emit(a / 10000, a / 100 % 100, a % 100, out);
    if (la >= 1 && la <= 2) {
        /* 03.07.2019, 3/7/2019, 03-07-2019 */
        char sep = la < n ? s[la] : 0;
        if ((sep == '.' || sep == '/' || sep == '-') && la + 1 < n &&
            isdigit((unsigned char)s[la + 1])) {
            size_t lb = digits(s + la + 1, n - la - 1, &b), at = la + 1 + lb;
            if (lb >= 1 && lb <= 2 && at < n && s[at] == sep) {
                size_t lc = digits(s + at + 1, n - at - 1, &c);
                if (lc == 2 && sep == '.')
                    c += c < 70 ? 2000 : 1900;
                else if (lc != 4)
                    return -1;
                if (!boundary(s, n, at + 1 + lc)) return -1;
                if (sep == '/' && b > 12) return emit(c, a, b, out); /* US order */
                if (sep == '/' && month_first && a <= 12 && b <= 12)
                    return emit(c, a, b, out);
                return emit(c, b, a, out);
            }
            return -1;
        }
        /* 3. Juli 2019, 3 July 2019, 3rd of July, 2019 */
        size_t i = la;
        if (i < n && s[i] == '.') i++;
        size_t wl = word_len(s + i, n - i);
        if (wl == 2 && (!strncasecmp(s + i, "st", 2) || !strncasecmp(s + i, "nd", 2) ||
                        !strncasecmp(s + i, "rd", 2) || !strncasecmp(s + i, "th", 2)))
            i += 2;
        i = skip_space(s, n, i);
        wl = word_len(s + i, n - i);
        if (wl == 2 && !strncasecmp(s + i, "of", 2))
            i = skip_space(s, n, i + 2), wl = word_len(s + i, n - i);
        else if (wl == 2 && !strncasecmp(s + i, "de", 2))
            i = skip_space(s, n, i + 2), wl = word_len(s + i, n - i);
        int m = ngi_date_month_word(s + i, wl);
        if (!m) return -1;
        i += wl;
        if (i < n && s[i] == '.') i++;
        if (i < n && s[i] == ',') i++;
        i = skip_space(s, n, i);
        if (n - i >= 2 && !strncasecmp(s + i, "de", 2) &&
            !isalpha((unsigned char)s[i + 2]))
            i = skip_space(s, n, i + 2);
        if (digits(s + i, n - i, &c) == 4 && boundary(s, n, i + 4))
            return emit(c, m, a, out);
        return -1;
    }
    /* July 3, 2019; Jul. 3rd 2019 */
    size_t wl = word_len(s, n);
    int m = ngi_date_month_word(s, wl);
    if (!m) return -1;
    size_t i = wl;
    if (i < n && s[i] == '.') i++;
    i = skip_space(s, n, i);
    size_t lb = digits(s + i, n - i, &b);
    if (lb < 1 || lb > 2) {
        if (lb == 4 && boundary(s, n, i + 4)) return -1; /* "July 2019": no day */
        return -1;
    }
    i += lb;
    size_t sl = word_len(s + i, n - i);
    if (sl == 2) i += 2;
    if (i < n && s[i] == ',') i++;
    i = skip_space(s, n, i);
    if (digits(s + i, n - i, &c) == 4 && boundary(s, n, i + 4)) return emit(c, m, b, out);
    return -1;
}

static int in_text(const char *s, size_t len, bool month_first, char out[11]) {
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c)) continue;
        /* A date may follow a word without a space ("Erstellt am09.02.2022",
         * an author's name run into the date), not another digit or a
         * letter inside a word. */
        if (i > 0 && isalnum((unsigned char)s[i - 1]) &&
            !(isdigit(c) && isalpha((unsigned char)s[i - 1])))
            continue;
        if (date_at(s + i, len - i, false, month_first, out) == 0) return 0;
    }
    return -1;
}

int ngi_date_in_text(const char *s, size_t len, char out[11]) {
    return in_text(s, len, true, out);
}

bool ngi_date_month_first(const char *lang) {
    static const char *const day_first[] = {"gb", "au", "nz", "ie", "in", "za", NULL};
    if (!lang || strncasecmp(lang, "en", 2)) return false;
    if (lang[2] == '\0') return true;
    if (lang[2] != '-' && lang[2] != '_') return false;
    for (int i = 0; day_first[i]; i++)
        if (!strncasecmp(lang + 3, day_first[i], 2)) return false;
    return true;
}

int ngi_date_in_text_lang(const char *s, size_t len, const char *lang, char out[11]) {
    return in_text(s, len, ngi_date_month_first(lang), out);
}

int ngi_date_from_text(const char *s, size_t len, char out[11]) {
    while (len && isspace((unsigned char)*s)) s++, len--;
    /* A value that is a date and nothing else ("2022-5-5 22:17:36", "Wed,
     * 04 May 2022 00:25:56 GMT"): the library's own parser reads it. */
    ng_date d;
    if (len && ng_date_parse(s, len, &d) == 0 && d.precision == NG_DATE_DAY) {
        int y;
        unsigned m, dd;
        ngi_civil_from_days(d.first, &y, &m, &dd);
        if (emit(y, (int)m, (int)dd, out) == 0) return 0;
    }
    if (len > 120) len = 120;
    if (len && date_at(s, len, true, true, out) == 0) return 0;
    return ngi_date_in_text(s, len, out);
}

/* /2017/7/12/: a path of year, month and day without leading zeros
 * (Squarespace's addresses), ending in a slash. */
static int url_ymd_short(const char *s, size_t m, char out[11]) {
    int y, mo, d;
    size_t a = digits(s, m, &y);
    if (a != 4 || a + 1 >= m || s[a] != '/') return -1;
    size_t b = digits(s + a + 1, m - a - 1, &mo);
    if (b < 1 || b > 2 || a + b + 2 >= m || s[a + 1 + b] != '/') return -1;
    size_t k = a + b + 2, c = digits(s + k, m - k, &d);
    if (c < 1 || c > 2 || (k + c < m && s[k + c] != '/')) return -1;
    return emit(y, mo, d, out);
}

/* /29-10-2021 or -23-01-2022-: day, month, year when the order is certain
 * (one of the first two numbers is over 12: a month first when it is the
 * second); 01-02-2021 could be either and gives nothing. */
static int url_dmy(const char *s, size_t m, char out[11]) {
    int a, b, y;
    if (m < 10 || digits(s, m, &a) != 2 || s[2] != '-' || digits(s + 3, m - 3, &b) != 2 ||
        s[5] != '-' || digits(s + 6, m - 6, &y) != 4 ||
        (m > 10 && isalnum((unsigned char)s[10])))
        return -1;
    if (a > 12 && b <= 12) return emit(y, b, a, out);
    if (b > 12 && a <= 12) return emit(y, a, b, out);
    return -1;
}

int ngi_date_from_url(const char *url, char out[11]) {
    if (!url) return -1;
    size_t n = strlen(url);
    const char *path = strstr(url, "://");
    size_t i = path ? (size_t)(path - url) + 3 : 0;
    while (i < n && url[i] != '/') i++; /* skip the host: digits there are no date */
    for (; i + 8 <= n; i++) {
        if (isdigit((unsigned char)url[i]) ||
            !(url[i] == '/' || url[i] == '-' || url[i] == '_'))
            continue;
        const char *s = url + i + 1;
        size_t m = n - i - 1;
        int y, mo, d;
        if (digits(s, m, &y) == 4 && m > 7 &&
            (s[4] == '/' || s[4] == '-' || s[4] == '_') &&
            digits(s + 5, m - 5, &mo) == 2 && s[7] == s[4] &&
            digits(s + 8, m - 8, &d) == 2 && emit(y, mo, d, out) == 0)
            return 0;
        if (digits(s, m, &y) == 8 && (m == 8 || !isalnum((unsigned char)s[8])) &&
            emit(y / 10000, y / 100 % 100, y % 100, out) == 0 && y / 10000 >= 1995)
            return 0;
        if (url[i] == '/' && url_ymd_short(s, m, out) == 0) return 0;
        if (url_dmy(s, m, out) == 0) return 0;
    }
    return -1;
}

/* ---- UTC instants ------------------------------------------------------- */

/* The hour of a time written as UTC ("2022-11-06T23:00:00.000Z",
 * "Wed, 04 May 2022 00:25:56 GMT"), else -1. */
static int utc_hour(const char *s) {
    for (const char *p = s; *p; p++) {
        if (!(isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
              p[2] == ':' && isdigit((unsigned char)p[3]) &&
              isdigit((unsigned char)p[4])))
            continue;
        if (p > s && isdigit((unsigned char)p[-1])) continue;
        int h = (p[0] - '0') * 10 + (p[1] - '0');
        const char *z = p + 5;
        while (isdigit((unsigned char)*z) || *z == ':' || *z == '.') z++;
        while (*z == ' ') z++;
        if (h > 23) return -1;
        /* Midnight sharp is a date without a time; "+00:00" is often a
         * local time that a publishing system labels UTC by default. */
        bool midnight = h == 0 && !strncmp(p + 3, "00", 2) &&
                        (p[5] != ':' || !strncmp(p + 6, "00", 2));
        if (!midnight &&
            (!strcmp(z, "Z") || !strncmp(z, "GMT", 3) || !strncmp(z, "UTC", 3)))
            return h;
        return -1;
    }
    return -1;
}

/* The standard-time offset (hours east of UTC) of the zone where most
 * readers of a language (and region) live, or NO_ZONE. */
#define NO_ZONE 99
static int lang_zone(const char *lang, bool *dst) {
    static const struct {
        const char *tag; /* language, or language-region, lower case */
        int off;
        bool dst; /* northern summer time */
    } zones[] = {
        {"en-us", -5, true},  {"en-ca", -5, true},  {"en-gb", 0, true},
        {"en-ie", 0, true},   {"en-au", 10, false}, {"en-nz", 12, false},
        {"pt-br", -3, false}, {"pt-pt", 0, true},   {"pt", -3, false},
        {"es-es", 1, true},   {"es-mx", -6, false}, {"es-ar", -3, false},
        {"es-cl", -4, false}, {"es-co", -5, false}, {"es-pe", -5, false},
        {"es", -5, false},    {"de", 1, true},      {"fr", 1, true},
        {"it", 1, true},      {"nl", 1, true},      {"pl", 1, true},
        {"cs", 1, true},      {"sk", 1, true},      {"sl", 1, true},
        {"hr", 1, true},      {"hu", 1, true},      {"da", 1, true},
        {"sv", 1, true},      {"nb", 1, true},      {"no", 1, true},
        {"fi", 2, true},      {"el", 2, true},      {"ro", 2, true},
        {"bg", 2, true},      {"ru", 3, false},     {"ja", 9, false},
        {"ko", 9, false},     {"zh", 8, false},
    };
    if (!lang || !isalpha((unsigned char)lang[0]) || !isalpha((unsigned char)lang[1]))
        return NO_ZONE;
    char tag[6] = {(char)tolower((unsigned char)lang[0]),
                   (char)tolower((unsigned char)lang[1]),
                   0,
                   0,
                   0,
                   0};
    if ((lang[2] == '-' || lang[2] == '_') && isalpha((unsigned char)lang[3]) &&
        isalpha((unsigned char)lang[4]) && !isalpha((unsigned char)lang[5])) {
        tag[2] = '-';
        tag[3] = (char)tolower((unsigned char)lang[3]);
        tag[4] = (char)tolower((unsigned char)lang[4]);
    } else if (isalpha((unsigned char)lang[2])) {
        return NO_ZONE;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++)
            if (!strcmp(zones[i].tag, tag)) {
                *dst = zones[i].dst;
                return zones[i].off;
            }
        if (tag[2] == '\0' || !strcmp(tag, "en-us") || tag[0] == 'e') break;
        tag[2] = '\0'; /* de-at: as de */
    }
    return NO_ZONE;
}

/* The zone of a country's top-level domain (for pages that name no
 * language), or NO_ZONE. */
static int tld_zone(const char *url, bool *dst) {
    static const char *const cet[] = {"de", "at", "ch", "fr", "it", "nl", "be", "pl",
                                      "cz", "dk", "se", "no", "es", "lu", NULL};
    if (!url) return NO_ZONE;
    const char *h = strstr(url, "://");
    h = h ? h + 3 : url;
    size_t n = strcspn(h, "/:?#");
    const char *dot = NULL;
    for (const char *p = h; p < h + n; p++)
        if (*p == '.') dot = p;
    if (!dot || h + n - dot != 3) return NO_ZONE;
    for (int i = 0; cet[i]; i++)
        if (!strncasecmp(dot + 1, cet[i], 2)) {
            *dst = true;
            return 1;
        }
    return NO_ZONE;
}

int ngi_date_local(const char *value, const char *lang, const char *url, char date[11]) {
    int h = value ? utc_hour(value) : -1;
    if (h < 0) return 0;
    bool dst = false;
    int off = lang_zone(lang, &dst);
    if (off == NO_ZONE) off = tld_zone(url, &dst);
    if (off == NO_ZONE) return 0;
    int32_t days;
    if (ngi_date_parse(date, 10, &days) != 0) return 0;
    int y;
    unsigned m, d;
    ngi_civil_from_days(days, &y, &m, &d);
    if (dst && m >= 4 && m <= 10) off++;
    int local = h + off, shift = local >= 24 ? 1 : local < 0 ? -1 : 0;
    if (shift) ngi_date_format(days + shift, date);
    return shift;
}
