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
static int date_at(const char *s, size_t n, bool compact, char out[11]) {
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
                if (sep == '/' && a <= 12 && b <= 12) return emit(c, a, b, out);
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

int ngi_date_in_text(const char *s, size_t len, char out[11]) {
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c)) continue;
        if (i > 0 && isalnum((unsigned char)s[i - 1])) continue;
        if (date_at(s + i, len - i, false, out) == 0) return 0;
    }
    return -1;
}

int ngi_date_from_text(const char *s, size_t len, char out[11]) {
    while (len && isspace((unsigned char)*s)) s++, len--;
    if (len > 120) len = 120;
    if (len && date_at(s, len, true, out) == 0) return 0;
    return ngi_date_in_text(s, len, out);
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
    }
    return -1;
}
