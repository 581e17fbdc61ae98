/*
 * date.c — civil dates <-> days since the epoch, after Howard Hinnant's
 * public-domain algorithms (days_from_civil / civil_from_days), which are
 * exact for the whole proleptic Gregorian calendar; the stored form
 * "YYYY-MM-DD" (ngi_date_parse), and ng_date_parse, the one reader of the
 * date forms found in news feeds, pages, options and queries.
 */
#include "date.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

int32_t ngi_days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + (int)doe - 719468);
}

void ngi_civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d) {
    int64_t zz = (int64_t)z + 719468;
    const int64_t era = (zz >= 0 ? zz : zz - 146096) / 146097;
    const unsigned doe = (unsigned)(zz - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400) + (*m <= 2);
}

static int is_leap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int y, unsigned m) {
    static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static int parse_digits(const char *s, size_t n, unsigned *out) {
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

int ngi_date_parse(const char *s, size_t len, int32_t *days) {
    unsigned y, m, d;
    if (len != 10 || s[4] != '-' || s[7] != '-') return -1;
    if (parse_digits(s, 4, &y) || parse_digits(s + 5, 2, &m) ||
        parse_digits(s + 8, 2, &d))
        return -1;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month((int)y, m)) return -1;
    *days = ngi_days_from_civil((int)y, m, d);
    return 0;
}

void ngi_date_format(int32_t days, char out[11]) {
    int y;
    unsigned m, d;
    ngi_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) y = 0;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

/* ---- ng_date_parse ---------------------------------------------------------
 * One pass over the text: a numeric date at the start (ISO 8601, YYYY/MM/DD,
 * YYYYMMDD, DD.MM.YYYY), else words and numbers in any order ("17 June
 * 2025", "June 17, 2025", "Tue, 17 Jun 2025 10:00 +0000"). Every word must
 * be known (a month, a weekday, a filler such as "de" or a zone name), so
 * that "Section 5 of the 2024 report" is refused instead of read as a date,
 * and the error names the first word that is not understood. */

#define WORD_MAX 48 /* longest folded word looked up */

/* Month names after folding (lower case, no accents), one table for all
 * languages; a word matches the months of which it is a prefix (3+
 * letters: "Sept", "févr.", "janv"), provided they agree on the number. */
static const struct {
    const char *name;
    int month;
} month_names[] = {
    /* English */
    {"january", 1},
    {"february", 2},
    {"march", 3},
    {"april", 4},
    {"may", 5},
    {"june", 6},
    {"july", 7},
    {"august", 8},
    {"september", 9},
    {"october", 10},
    {"november", 11},
    {"december", 12},
    /* French */
    {"janvier", 1},
    {"fevrier", 2},
    {"mars", 3},
    {"avril", 4},
    {"mai", 5},
    {"juin", 6},
    {"juillet", 7},
    {"aout", 8},
    {"septembre", 9},
    {"octobre", 10},
    {"novembre", 11},
    {"decembre", 12},
    /* German (and Austrian "Jänner") */
    {"januar", 1},
    {"janner", 1},
    {"februar", 2},
    {"marz", 3},
    {"maerz", 3},
    {"juni", 6},
    {"juli", 7},
    {"oktober", 10},
    {"dezember", 12},
    /* Spanish */
    {"enero", 1},
    {"febrero", 2},
    {"marzo", 3},
    {"abril", 4},
    {"mayo", 5},
    {"junio", 6},
    {"julio", 7},
    {"agosto", 8},
    {"septiembre", 9},
    {"setiembre", 9},
    {"octubre", 10},
    {"noviembre", 11},
    {"diciembre", 12},
    /* Italian */
    {"gennaio", 1},
    {"febbraio", 2},
    {"aprile", 4},
    {"maggio", 5},
    {"giugno", 6},
    {"luglio", 7},
    {"settembre", 9},
    {"ottobre", 10},
    {"dicembre", 12},
    /* Portuguese */
    {"janeiro", 1},
    {"fevereiro", 2},
    {"marco", 3},
    {"maio", 5},
    {"junho", 6},
    {"julho", 7},
    {"setembro", 9},
    {"outubro", 10},
    {"novembro", 11},
    {"dezembro", 12},
    /* Dutch */
    {"januari", 1},
    {"februari", 2},
    {"maart", 3},
    {"mrt", 3},
    {"mei", 5},
    {"augustus", 8},
    /* Russian: nominative and genitive ("12 января 2022") */
    {"январь", 1},
    {"января", 1},
    {"февраль", 2},
    {"февраля", 2},
    {"март", 3},
    {"марта", 3},
    {"апрель", 4},
    {"апреля", 4},
    {"май", 5},
    {"мая", 5},
    {"июнь", 6},
    {"июня", 6},
    {"июль", 7},
    {"июля", 7},
    {"август", 8},
    {"августа", 8},
    {"сентябрь", 9},
    {"сентября", 9},
    {"октябрь", 10},
    {"октября", 10},
    {"ноябрь", 11},
    {"ноября", 11},
    {"декабрь", 12},
    {"декабря", 12},
    /* Polish: nominative and genitive (letters beyond Latin-1 unfolded) */
    {"stycznia", 1},
    {"styczeń", 1},
    {"lutego", 2},
    {"luty", 2},
    {"marca", 3},
    {"kwietnia", 4},
    {"maja", 5},
    {"czerwca", 6},
    {"lipca", 7},
    {"sierpnia", 8},
    {"września", 9},
    {"października", 10},
    {"listopada", 11},
    {"grudnia", 12},
};

/* Weekday names (a word of 2+ letters that begins one is a weekday). */
static const char *const weekday_names[] = {
    "monday",      "tuesday",   "wednesday", "thursday", "friday",   "saturday",
    "sunday",      "lundi",     "mardi",     "mercredi", "jeudi",    "vendredi",
    "samedi",      "dimanche",  "montag",    "dienstag", "mittwoch", "donnerstag",
    "freitag",     "samstag",   "sonnabend", "sonntag",  "lunes",    "martes",
    "miercoles",   "jueves",    "viernes",   "sabado",   "domingo",  "lunedi",
    "martedi",     "mercoledi", "giovedi",   "venerdi",  "sabato",   "domenica",
    "segunda",     "terca",     "quarta",    "quinta",   "sexta",    "maandag",
    "dinsdag",     "woensdag",  "donderdag", "vrijdag",  "zaterdag", "zondag",
    "понедельник", "вторник",   "среда",     "четверг",  "пятница",  "суббота",
    "воскресенье", "пн",        "вт",        "ср",       "чт",       "пт",
    "сб",          "вс",
};

/* Words that may surround a date and say nothing about it: articles and
 * prepositions ("5 de mayo de 2023", "le 3 mars"), AM/PM, "г."/"года"
 * after a Russian year, Portuguese "-feira", and time-zone names. */
static const char *const filler_words[] = {
    "of",  "the",  "on",   "at",   "am",    "pm",   "a",    "de",  "del", "do",  "da",
    "le",  "la",   "el",   "der",  "den",   "dem",  "des",  "im",  "um",  "uhr", "van",
    "op",  "d",    "l",    "h",    "feira", "г",    "года", "год", "гг",  "в",   "z",
    "utc", "gmt",  "ut",   "est",  "edt",   "cst",  "cdt",  "mst", "mdt", "pst", "pdt",
    "cet", "cest", "eet",  "eest", "wet",   "west", "bst",  "ist", "msk", "jst", "kst",
    "hkt", "sgt",  "aest", "aedt", "mez",   "mesz",
};

static const char *const month_en[12] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};

typedef struct date_scan {
    const char *s;                    /* the text */
    size_t len, pos;                  /* its length and the read position */
    int year, month, day;             /* found so far (0: not yet) */
    size_t year_at, month_at, day_at; /* where they were found */
    int month_weekday;                /* the month word could also be a weekday */
    bool have_time;                   /* a time was read (an offset may follow) */
    ng_date *out;                     /* result and error */
} date_scan;

static int scan_fail(date_scan *d, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int scan_fail(date_scan *d, size_t at, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->out->error, sizeof d->out->error, fmt, ap);
    va_end(ap);
    d->out->error_offset = at;
    return NG_EINVAL;
}

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
static bool is_alpha_ascii(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
/* Letters: ASCII letters and every non-ASCII byte (UTF-8 words). */
static bool is_word_byte(char c) {
    return is_alpha_ascii(c) || (unsigned char)c >= 0x80;
}

/* Length of a blank at s[i] (ASCII space, no-break space U+00A0 or
 * U+202F, common in French dates), or 0. */
static size_t blank_len(const char *s, size_t len, size_t i) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return 1;
    if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0) return 2;
    if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
        (unsigned char)s[i + 2] == 0xAF)
        return 3;
    return 0;
}

/* Reads a run of digits at d->pos: its value (capped) and length. */
static size_t digit_run(date_scan *d, int *value) {
    size_t n = 0;
    int v = 0;
    while (d->pos + n < d->len && is_digit(d->s[d->pos + n])) {
        if (v < 100000000) v = v * 10 + (d->s[d->pos + n] - '0');
        n++;
    }
    *value = v;
    return n;
}

/* Folds one UTF-8 letter at w[i] (n bytes left) to lower case without
 * accents into out; returns the bytes consumed. Latin-1 letters and
 * Cyrillic are folded; other bytes are copied. */
static size_t fold_char(const unsigned char *w, size_t n, char *out, size_t *o) {
    /* U+00C0..U+00FF to ASCII; '*' for the signs x and /, æ and ß below */
    static const char latin1[] = "aaaaaaaceeeeiiiidnooooo*ouuuuyps"
                                 "aaaaaaaceeeeiiiidnooooo*ouuuuypy";
    if (w[0] < 0x80) {
        out[(*o)++] = (char)(w[0] >= 'A' && w[0] <= 'Z' ? w[0] + 32 : w[0]);
        return 1;
    }
    if (w[0] == 0xC3 && n >= 2 && w[1] >= 0x80 && w[1] <= 0xBF) {
        unsigned k = w[1] - 0x80u;
        if (k == 0x1F) { /* ß */
            out[(*o)++] = 's';
            out[(*o)++] = 's';
        } else if (k == 0x06 || k == 0x26) { /* Æ æ */
            out[(*o)++] = 'a';
            out[(*o)++] = 'e';
        } else {
            out[(*o)++] = latin1[k];
        }
        return 2;
    }
    if (w[0] == 0xD0 && n >= 2) { /* Ѐ-Я, а-п */
        unsigned c = w[1];
        if (c == 0x81) c = 0xB5;               /* Ё -> е */
        if (c >= 0x90 && c <= 0x9F) c += 0x20; /* А-П -> а-п */
        if (c >= 0xA0 && c <= 0xAF) {          /* Р-Я -> р-я */
            out[(*o)++] = (char)0xD1;
            out[(*o)++] = (char)(c - 0x20);
            return 2;
        }
        out[(*o)++] = (char)0xD0;
        out[(*o)++] = (char)c;
        return 2;
    }
    if (w[0] == 0xD1 && n >= 2 && w[1] == 0x91) { /* ё -> е */
        out[(*o)++] = (char)0xD0;
        out[(*o)++] = (char)0xB5;
        return 2;
    }
    out[(*o)++] = (char)w[0];
    return 1;
}

/* The folded form of w (n bytes) in out; false when it is too long. */
static bool fold_word(const char *w, size_t n, char out[WORD_MAX + 1]) {
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (o + 3 > WORD_MAX) return false;
        i += fold_char((const unsigned char *)w + i, n - i, out, &o);
    }
    out[o] = '\0';
    return true;
}

/* Characters (not bytes) in a UTF-8 word. */
static size_t char_count(const char *w) {
    size_t n = 0;
    for (; *w; w++) n += ((unsigned char)*w & 0xC0) != 0x80;
    return n;
}

/* Whether w (n bytes) begins name; the first byte is tested first, as
 * most names differ there. */
static bool is_prefix(const char *w, size_t n, const char *name) {
    return name[0] == w[0] && strncmp(name, w, n) == 0;
}

/* 1..12, 0 when w is no month, -1 when it could be two months ("jui"). */
static int month_of(const char *w) {
    int m = 0;
    size_t n = strlen(w);
    if (char_count(w) < 3) return 0;
    for (size_t i = 0; i < sizeof month_names / sizeof month_names[0]; i++) {
        if (!is_prefix(w, n, month_names[i].name)) continue;
        if (m && m != month_names[i].month) return -1;
        m = month_names[i].month;
    }
    return m;
}

int ngi_date_month_word(const char *w, size_t n) {
    char folded[WORD_MAX + 1];
    if (!fold_word(w, n, folded)) return 0;
    int m = month_of(folded);
    return m > 0 ? m : 0;
}

static bool is_weekday(const char *w) {
    size_t n = strlen(w);
    if (char_count(w) < 2) return false;
    for (size_t i = 0; i < sizeof weekday_names / sizeof weekday_names[0]; i++)
        if (is_prefix(w, n, weekday_names[i])) return true;
    return false;
}

static bool is_filler(const char *w) {
    for (size_t i = 0; i < sizeof filler_words / sizeof filler_words[0]; i++)
        if (filler_words[i][0] == w[0] && strcmp(w, filler_words[i]) == 0) return true;
    return false;
}

/* A month word. A word that is also a weekday abbreviation (French "mar."
 * for mardi) yields to a second month word. */
static int take_month(date_scan *d, int m, bool weekday, size_t at) {
    if (d->month && weekday) return 0;
    if (d->month && !d->month_weekday) return scan_fail(d, at, "two months named");
    d->month = m;
    d->month_at = at;
    d->month_weekday = weekday;
    return 0;
}

static int scan_word(date_scan *d) {
    size_t at = d->pos, n = 0;
    while (d->pos + n < d->len && is_word_byte(d->s[d->pos + n]) &&
           !blank_len(d->s, d->len, d->pos + n))
        n++;
    d->pos += n;
    char w[WORD_MAX + 1];
    if (!fold_word(d->s + at, n, w))
        return scan_fail(d, at, "unknown word '%.*s'", (int)(n < 40 ? n : 40), d->s + at);
    int m = month_of(w);
    /* Only a short month word can also be a weekday ("mar", "sab"...). */
    bool weekday = (m <= 0 || char_count(w) <= 4) && is_weekday(w);
    if (m > 0) return take_month(d, m, weekday, at);
    if (weekday || is_filler(w)) return 0;
    if (m < 0) return scan_fail(d, at, "'%.*s' could be two months", (int)n, d->s + at);
    return scan_fail(d, at, "unknown word '%.*s'", (int)(n < 40 ? n : 40), d->s + at);
}

/* Two digits at d->pos, at most max; -1 otherwise. */
static int two_digits(date_scan *d, int max) {
    if (d->pos + 2 > d->len || !is_digit(d->s[d->pos]) || !is_digit(d->s[d->pos + 1]))
        return -1;
    int v = (d->s[d->pos] - '0') * 10 + (d->s[d->pos + 1] - '0');
    d->pos += 2;
    return v <= max ? v : -1;
}

/* HH:MM[:SS[.fff]] with the hour already read (h, starting at at). */
static int scan_time(date_scan *d, int h, size_t hn, size_t at) {
    if (hn > 2 || h > 23) return scan_fail(d, at, "hour out of range");
    d->pos++; /* ':' */
    if (two_digits(d, 59) < 0) return scan_fail(d, at, "minutes out of range");
    if (d->pos < d->len && d->s[d->pos] == ':') {
        d->pos++;
        if (two_digits(d, 60) < 0) return scan_fail(d, at, "seconds out of range");
        if (d->pos + 1 < d->len && (d->s[d->pos] == '.' || d->s[d->pos] == ',') &&
            is_digit(d->s[d->pos + 1])) {
            int frac;
            d->pos++;
            d->pos += digit_run(d, &frac);
        }
    }
    if (d->pos < d->len && is_digit(d->s[d->pos]))
        return scan_fail(d, at, "malformed time");
    d->have_time = true;
    return 0;
}

/* A zone offset after a time: +HH, +HHMM or +HH:MM. */
static int scan_offset(date_scan *d) {
    size_t at = d->pos, end = at + 1;
    while (end < d->len && (is_digit(d->s[end]) || d->s[end] == ':')) end++;
    d->pos++;
    int h = two_digits(d, 23), m = 0;
    if (h >= 0 && d->pos < d->len && d->s[d->pos] == ':') d->pos++;
    if (h >= 0 && d->pos < d->len && is_digit(d->s[d->pos])) m = two_digits(d, 59);
    if (h < 0 || m < 0 || d->pos != end)
        return scan_fail(d, at,
                         "invalid time zone offset '%.*s': want +HH:MM "
                         "with hours up to 23 and minutes up to 59",
                         (int)(end - at < 12 ? end - at : 12), d->s + at);
    return 0;
}

/* "st", "nd", "rd", "th", "er", "e", "º", "ª", "°" after a day number. */
static void skip_ordinal(date_scan *d) {
    static const char *const sfx[] = {"st", "nd",       "rd",       "th",      "er",
                                      "e",  "\xC2\xBA", "\xC2\xAA", "\xC2\xB0"};
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        size_t n = strlen(sfx[i]), e = d->pos + n, k = 0;
        while (k < n && e <= d->len && (d->s[d->pos + k] | 0x20) == (sfx[i][k] | 0x20))
            k++;
        if (k < n) continue;
        if (e < d->len && is_alpha_ascii(d->s[e])) continue;
        d->pos = e;
        return;
    }
}

static int scan_number(date_scan *d) {
    size_t at = d->pos;
    int v;
    size_t n = digit_run(d, &v);
    d->pos += n;
    if (d->pos < d->len && d->s[d->pos] == ':') return scan_time(d, v, n, at);
    if (n == 4) {
        if (d->year) return scan_fail(d, at, "two years");
        if (v == 0) return scan_fail(d, at, "year 0000 is out of range, 0001 to 9999");
        d->year = v;
        d->year_at = at;
        return 0;
    }
    if (n > 2)
        return scan_fail(d, at, "unexpected number '%.*s'", (int)(n < 12 ? n : 12),
                         d->s + at);
    if (d->day) return scan_fail(d, at, "two days");
    d->day = v;
    d->day_at = at;
    skip_ordinal(d);
    return 0;
}

/* Words, numbers, times and offsets up to the end. */
static int scan_rest(date_scan *d) {
    while (d->pos < d->len) {
        const char *s = d->s;
        size_t b = blank_len(s, d->len, d->pos);
        char c = s[d->pos];
        bool digit_next = d->pos + 1 < d->len && is_digit(s[d->pos + 1]);
        int rc = 0;
        if (b)
            d->pos += b;
        else if (is_digit(c))
            rc = scan_number(d);
        else if ((c == '+' || c == '-') && d->have_time && digit_next)
            rc = scan_offset(d);
        else if (c == ',' || c == '.' || c == '-' || c == '/' || c == '\'' || c == '(' ||
                 c == ')' || c == ';')
            d->pos++;
        else if (is_word_byte(c))
            rc = scan_word(d);
        else
            rc = scan_fail(d, d->pos, "unexpected character '%c'", c);
        if (rc) return rc;
    }
    return 0;
}

/* A numeric date at the start: YYYY, YYYY-MM, YYYY-MM-DD (also with / or
 * . between), YYYYMMDD, DD.MM.YYYY. Returns 1 when the text does not start
 * with one (words follow), 0 when read, or an error. */
static int scan_numeric(date_scan *d) {
    int v;
    size_t n = digit_run(d, &v);
    char sep = n < d->len ? d->s[n] : '\0';
    if (n == 8 && (sep == '\0' || sep == 'T' || sep == ' ')) {
        d->year = v / 10000, d->month = v / 100 % 100, d->day = v % 100;
        d->month_at = 4, d->day_at = 6;
    } else if (n == 4 && (sep == '\0' || sep == '-' || sep == '/' || sep == '.' ||
                          sep == 'T' || sep == ' ')) {
        d->year = v;
        d->pos = n;
        int part[2] = {0, 0};
        size_t part_at[2] = {0, 0};
        bool dashed = sep == '-' || sep == '/' || sep == '.';
        for (int k = 0; k < 2 && dashed && d->pos < d->len && d->s[d->pos] == sep; k++) {
            part_at[k] = ++d->pos;
            size_t pn = digit_run(d, &part[k]);
            if (pn < 1 || pn > 2)
                return scan_fail(d, d->pos, "expected a %s of 1 or 2 digits",
                                 k ? "day" : "month");
            d->pos += pn;
        }
        d->month = part[0], d->day = part[1];
        d->month_at = part_at[0], d->day_at = part_at[1];
        if (!d->month) d->month = -1; /* the year alone */
        n = d->pos;
    } else if ((n == 1 || n == 2) && (sep == '.' || sep == '/') && n + 1 < d->len &&
               is_digit(d->s[n + 1])) {
        if (sep == '/')
            return scan_fail(d, 0,
                             "day/month order is ambiguous in "
                             "'%.*s': write YYYY-MM-DD",
                             (int)(d->len < 24 ? d->len : 24), d->s);
        int m, y;
        d->day = v;
        d->pos = d->month_at = n + 1;
        size_t mn = digit_run(d, &m);
        d->pos += mn;
        if (mn > 2 || d->pos >= d->len || d->s[d->pos] != '.') return 1;
        d->pos++;
        if (digit_run(d, &y) != 4) return scan_fail(d, d->pos, "expected a 4-digit year");
        d->pos += 4;
        d->month = m, d->year = y;
        n = d->pos;
    } else {
        return 1;
    }
    d->pos = n;
    if (d->year == 0) return scan_fail(d, 0, "year 0000 is out of range, 0001 to 9999");
    if (d->month == 0 || d->month > 12)
        return scan_fail(d, d->month_at, "month %d is out of range, 1 to 12", d->month);
    if (d->month < 0) d->month = 0;
    /* 'T' between date and time (ISO 8601) */
    if (d->pos + 1 < d->len && d->s[d->pos] == 'T' && is_digit(d->s[d->pos + 1]))
        d->pos++;
    else if (d->pos < d->len && !blank_len(d->s, d->len, d->pos))
        return scan_fail(d, d->pos, "unexpected '%c' after the date", d->s[d->pos]);
    return 0;
}

/* Fills out from the parts found: the period, its days and its text. */
static int finish(date_scan *d) {
    ng_date *o = d->out;
    if (!d->year) return scan_fail(d, d->len, d->month ? "no year" : "no date here");
    if (d->day && !d->month) return scan_fail(d, d->day_at, "no month");
    if (d->month < 0 || d->month > 12)
        return scan_fail(d, d->month_at, "month out of range");
    unsigned m = (unsigned)d->month;
    if (d->day && (d->day < 1 || (unsigned)d->day > days_in_month(d->year, m))) {
        if (m == 2 && d->day == 29)
            return scan_fail(d, d->day_at, "no February 29 in %d, not a leap year",
                             d->year);
        return scan_fail(d, d->day_at, "%s has no day %d", month_en[m - 1], d->day);
    }
    o->precision = d->day ? NG_DATE_DAY : m ? NG_DATE_MONTH : NG_DATE_YEAR;
    unsigned m0 = m ? m : 1, m1 = m ? m : 12;
    o->first = ngi_days_from_civil(d->year, m0, d->day ? (unsigned)d->day : 1);
    o->last = ngi_days_from_civil(d->year, m1,
                                  d->day ? (unsigned)d->day : days_in_month(d->year, m1));
    /* Digit by digit: the ranges are checked, and snprintf's truncation
     * warning cannot see that. */
    char *t = o->iso;
    int y = d->year;
    t[0] = (char)('0' + y / 1000), t[1] = (char)('0' + y / 100 % 10);
    t[2] = (char)('0' + y / 10 % 10), t[3] = (char)('0' + y % 10);
    t[4] = '-', t[5] = (char)('0' + m0 / 10), t[6] = (char)('0' + m0 % 10);
    t[7] = '-', t[8] = (char)('0' + d->day / 10), t[9] = (char)('0' + d->day % 10);
    t[o->precision == NG_DATE_DAY ? 10 : o->precision == NG_DATE_MONTH ? 7 : 4] = '\0';
    return 0;
}

int ng_date_parse(const char *text, size_t len, ng_date *out) {
    if (!out) return NG_EINVAL;
    memset(out, 0, sizeof *out);
    if (!text && len) return NG_EINVAL;
    size_t lead = 0, b;
    while (lead < len && (b = blank_len(text, len, lead)) != 0) lead += b;
    date_scan d = {.s = text + lead, .len = len - lead, .out = out};
    while (d.len && (d.s[d.len - 1] == ' ' || d.s[d.len - 1] == '\t' ||
                     d.s[d.len - 1] == '\n' || d.s[d.len - 1] == '\r'))
        d.len--;
    int rc = d.len > 200 ? scan_fail(&d, 0, "too long for a date") : 0;
    if (!rc && d.len && is_digit(d.s[0])) rc = scan_numeric(&d);
    if (rc == 1) { /* not a numeric date: read it as words from the start */
        d.pos = 0;
        d.year = d.month = d.day = 0;
        rc = 0;
    }
    if (!rc) rc = scan_rest(&d);
    if (!rc) rc = finish(&d);
    if (rc) {
        out->error_offset += lead;
        return NG_EINVAL;
    }
    return 0;
}

int ngi_date_bound(const char *s, size_t n, bool last, int32_t *days, ng_date *d) {
    int rc = ng_date_parse(s, n, d);
    if (!rc) *days = last ? d->last : d->first;
    return rc;
}
