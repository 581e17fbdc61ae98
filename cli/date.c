/*
 * date.c — normalises the date forms found in news feeds and pages to
 * YYYY-MM-DD: ISO 8601 (with time and zone), YYYY/MM/DD, "17 June 2025",
 * "June 17, 2025", RFC 2822 ("Tue, 17 Jun 2025 10:00:00 +0000"). The date
 * is kept as written: a zone offset is not applied, because a paper's date
 * is the day in its own time zone.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "ingest.h"

static const char *const month_names[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool valid_ymd(int y, int m, int d)
{
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return false;
    return !(m == 2 && d == 29 && !is_leap(y));
}

static int emit(int y, int m, int d, char out[11])
{
    if (!valid_ymd(y, m, d))
        return -1;
    /* Digit by digit: the ranges are checked, and snprintf's truncation
     * warning cannot see that. */
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = out[7] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
    return 0;
}

/* Reads exactly n digits at s; -1 if they are not all digits. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* YYYY-MM-DD..., YYYY/MM/DD..., YYYYMMDD (then nothing or 'T'). */
static int parse_numeric(const char *s, size_t len, char out[11])
{
    if (len >= 10 && (s[4] == '-' || s[4] == '/' || s[4] == '.') && s[7] == s[4]) {
        int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
        if (y < 0 || m < 0 || d < 0)
            return -1;
        if (len > 10 && isdigit((unsigned char)s[10]))
            return -1;
        return emit(y, m, d, out);
    }
    if (len == 8 || (len > 8 && s[8] == 'T')) {
        int y = digits(s, 4), m = digits(s + 4, 2), d = digits(s + 6, 2);
        if (y < 0 || m < 0 || d < 0)
            return -1;
        return emit(y, m, d, out);
    }
    return -1;
}

/* A month name or its 3+ letter abbreviation ("Sept" too); 1..12 or 0. */
static int month_of(const char *w, size_t n)
{
    if (n < 3)
        return 0;
    for (int i = 0; i < 12; i++) {
        size_t full = strlen(month_names[i]);
        if (n <= full && strncasecmp(w, month_names[i], n) == 0)
            return i + 1;
    }
    return 0;
}

/* Words: "17 June 2025", "June 17, 2025", "Tue, 17 Jun 2025 10:00 +0000".
 * Takes the first month name, the first 1-2 digit number before the time
 * and the first 4-digit number. */
static int parse_words(const char *s, size_t len, char out[11])
{
    int y = 0, m = 0, d = 0;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        if (isalpha((unsigned char)s[i])) {
            while (j < len && isalpha((unsigned char)s[j]))
                j++;
            int mm = month_of(s + i, j - i);
            if (mm && !m)
                m = mm; /* other words (weekdays, "of", zones) are ignored */
        } else if (isdigit((unsigned char)s[i])) {
            while (j < len && isdigit((unsigned char)s[j]))
                j++;
            bool is_time = j < len && s[j] == ':';
            int v = 0;
            for (size_t k = i; k < j && k < i + 5; k++)
                v = v * 10 + (s[k] - '0');
            if (j - i == 4 && !y && !is_time)
                y = v;
            else if (j - i <= 2 && !d && !is_time)
                d = v;
            /* "1st", "17th": skip the ordinal suffix */
            while (j < len && isalpha((unsigned char)s[j]) && j - i < 6)
                j++;
            if (is_time)
                while (j < len && (isdigit((unsigned char)s[j]) || s[j] == ':' || s[j] == '.'))
                    j++;
        } else {
            j++;
        }
        i = j;
    }
    if (!y || !m || !d)
        return -1;
    return emit(y, m, d, out);
}

int ngc_date_normalize(const char *s, size_t len, char out[11])
{
    while (len && isspace((unsigned char)*s))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (len < 8 || len > 100)
        return -1;
    if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[3]) &&
        parse_numeric(s, len, out) == 0)
        return 0;
    return parse_words(s, len, out);
}
