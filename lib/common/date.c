/*
 * date.c — civil dates <-> days since the epoch, after Howard Hinnant's
 * public-domain algorithms (days_from_civil / civil_from_days), which are
 * exact for the whole proleptic Gregorian calendar.
 */
#include "date.h"

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

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned days_in_month(int y, unsigned m) {
    static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30,
                                          31, 31, 30, 31, 30, 31};
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
    if (m < 1 || m > 12 || d < 1 || d > days_in_month((int)y, m)) return -1;
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
