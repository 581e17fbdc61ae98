/*
 * date.h — calendar dates as days since 1970-01-01 (proleptic Gregorian),
 * the form stored in the index and compared by date filters.
 */
#ifndef NG_DATE_H
#define NG_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "newsgrep.h"

/* Stored for documents without a date; sorts before every real date. */
#define NGI_NO_DATE INT32_MIN

/* Parses exactly "YYYY-MM-DD" (len bytes) into days; returns 0, or -1 when
 * the text is not a valid date (month 1..12, day within the month). */
int ngi_date_parse(const char *s, size_t len, int32_t *days);
/* Reads s[0..n) with ng_date_parse; *days = the first day of its period
 * (last false: a "since" bound) or its last day (last true: "until").
 * Returns 0, or NG_EINVAL with the details in *d. */
int ngi_date_bound(const char *s, size_t n, bool last, int32_t *days, ng_date *d);
/* The month (1..12) that the word w (n bytes) names in any of the
 * languages ng_date_parse reads, case and accents folded; a prefix of 3+
 * letters counts ("Sept", "févr"); 0 when it names none or is ambiguous. */
int ngi_date_month_word(const char *w, size_t n);
/* Writes "YYYY-MM-DD" and a NUL into out (11 bytes). */
void ngi_date_format(int32_t days, char out[11]);
/* Civil date <-> days. */
int32_t ngi_days_from_civil(int y, unsigned m, unsigned d);
void ngi_civil_from_days(int32_t days, int *y, unsigned *m, unsigned *d);

#endif /* NG_DATE_H */
