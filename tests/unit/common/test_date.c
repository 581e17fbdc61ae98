/* Unit tests of ng_date_parse: every form it reads, the periods of partial
 * dates, and the refusals (impossible days, bad offsets, unknown words). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/date.h"
#include "newsgrep.h"

/* Parses s; asserts success and the ISO text of the period. */
static void expect(const char *s, const char *iso) {
    ng_date d;
    int rc = ng_date_parse(s, strlen(s), &d);
    if (rc != 0) print_error("'%s': %s at %zu\n", s, d.error, d.error_offset);
    assert_int_equal(rc, 0);
    assert_string_equal(d.iso, iso);
}

/* Parses s; asserts failure at offset `at` with a message containing why. */
static void refuse(const char *s, size_t at, const char *why) {
    ng_date d;
    assert_int_equal(ng_date_parse(s, strlen(s), &d), NG_EINVAL);
    if (!strstr(d.error, why)) print_error("'%s': %s\n", s, d.error);
    assert_non_null(strstr(d.error, why));
    assert_int_equal(d.error_offset, at);
}

static void numeric_forms(void **state) {
    (void)state;
    expect("2025-06-17", "2025-06-17");
    expect("  2025-06-17\n", "2025-06-17");
    expect("2025-06-17T23:30:00-05:00", "2025-06-17");
    expect("2025-06-17T10:00:00.123Z", "2025-06-17");
    expect("2025-06-17 08:00", "2025-06-17");
    expect("2025-06-17 08:00:00 UTC", "2025-06-17");
    expect("2025/06/17", "2025-06-17");
    expect("20250617", "2025-06-17");
    expect("17.06.2025", "2025-06-17");
    expect("2024-02-29", "2024-02-29");
    expect("0001-01-01", "0001-01-01");
}

static void written_forms(void **state) {
    (void)state;
    expect("17 June 2025", "2025-06-17");
    expect("June 17, 2025", "2025-06-17");
    expect("Tuesday, June 17, 2025", "2025-06-17");
    expect("Tue, 17 Jun 2025 10:00:00 +0000", "2025-06-17");
    expect("Sept 3rd, 2024", "2024-09-03");
    expect("18 juin 2025", "2025-06-18");
    expect("18\xC2\xA0juin 2025", "2025-06-18"); /* no-break space */
    expect("mar. 17 juin 2025", "2025-06-17");   /* mardi, not March */
    expect("1er février 2024", "2024-02-01");
    expect("3. März 2024", "2024-03-03");
    expect("3. MÄRZ 2024", "2024-03-03");
    expect("Montag, 4. Dezember 2023", "2023-12-04");
    expect("5 de mayo de 2023", "2023-05-05");
    expect("12 de diciembre de 2023", "2023-12-12");
    expect("14 luglio 2021", "2021-07-14");
    expect("7 de março de 2022", "2022-03-07");
    expect("3 mrt 2020", "2020-03-03");
    expect("1 mei 2020", "2020-05-01");
    expect("12 января 2022", "2022-01-12");
    expect("12 ЯНВАРЯ 2022 г.", "2022-01-12");
    expect("1 мая 2021", "2021-05-01");
}

static void partial_dates_are_periods(void **state) {
    (void)state;
    ng_date d;
    assert_int_equal(ng_date_parse("1987-10", 7, &d), 0);
    assert_int_equal(d.precision, NG_DATE_MONTH);
    assert_int_equal(d.first, ngi_days_from_civil(1987, 10, 1));
    assert_int_equal(d.last, ngi_days_from_civil(1987, 10, 31));
    assert_int_equal(ng_date_parse("1987", 4, &d), 0);
    assert_int_equal(d.precision, NG_DATE_YEAR);
    assert_string_equal(d.iso, "1987");
    assert_int_equal(d.first, ngi_days_from_civil(1987, 1, 1));
    assert_int_equal(d.last, ngi_days_from_civil(1987, 12, 31));
    assert_int_equal(ng_date_parse("February 2024", 13, &d), 0);
    assert_string_equal(d.iso, "2024-02");
    assert_int_equal(d.last, ngi_days_from_civil(2024, 2, 29));
    assert_int_equal(ng_date_parse("2025-06-17", 10, &d), 0);
    assert_int_equal(d.precision, NG_DATE_DAY);
    assert_int_equal(d.first, d.last);
}

static void refusals(void **state) {
    (void)state;
    refuse("2025-02-29", 8, "no February 29 in 2025");
    int32_t days;
    assert_int_equal(ngi_date_parse("0000-01-01", 10, &days), -1); /* stored form too */
    refuse("29 February 2025", 0, "no February 29");
    refuse("2025-04-31", 8, "April has no day 31");
    refuse("2025-13-01", 5, "month 13");
    refuse("0000-01-01", 0, "year 0000");
    refuse("2025-06-17T10:00:00+99:99", 19, "time zone offset '+99:99'");
    refuse("2025-06-17T25:00", 11, "hour");
    refuse("yesterday", 0, "unknown word 'yesterday'");
    refuse("17 June", 7, "no year");
    refuse("06/17/2025", 0, "ambiguous");
    refuse("Section 5 of the 2024 report", 0, "unknown word 'Section'");
    refuse("", 0, "no date");
    refuse("2025-06-17x", 10, "unexpected 'x'");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numeric_forms),
        cmocka_unit_test(written_forms),
        cmocka_unit_test(partial_dates_are_periods),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
