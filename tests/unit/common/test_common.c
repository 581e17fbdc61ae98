/* Unit tests of lib/common: buffer, varints, dates, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/buf.h"
#include "common/date.h"
#include "common/fault.h"
#include "common/le.h"
#include "common/varint.h"

static void varint_round_trip(void **state) {
    (void)state;
    const uint64_t values[] = {
        0, 1, 127, 128, 16383, 16384, UINT32_MAX, (uint64_t)UINT32_MAX + 1, UINT64_MAX};
    ngi_buf b = NGI_BUF_INIT;
    for (size_t i = 0; i < NGI_ARRAY_LEN(values); i++)
        assert_int_equal(ngi_buf_append_vbyte(&b, values[i]), 0);
    const uint8_t *p = b.data, *end = b.data + b.len;
    for (size_t i = 0; i < NGI_ARRAY_LEN(values); i++) {
        uint64_t v;
        assert_int_equal(ngi_vbyte_get(&p, end, &v), 0);
        assert_true(v == values[i]);
    }
    assert_ptr_equal(p, end);
    ngi_buf_free(&b);
}

static void varint_rejects_truncated_and_overlong(void **state) {
    (void)state;
    const uint8_t truncated[] = {0x80, 0x80};
    const uint8_t *p = truncated;
    uint64_t v;
    assert_int_equal(ngi_vbyte_get(&p, truncated + 2, &v), -1);
    uint8_t overlong[11];
    memset(overlong, 0xff, sizeof overlong);
    p = overlong;
    assert_int_equal(ngi_vbyte_get(&p, overlong + 11, &v), -1);
    const uint8_t big[] = {0x80, 0x80, 0x80, 0x80, 0x10};
    p = big;
    uint32_t v32;
    assert_int_equal(ngi_vbyte_get32(&p, big + 5, &v32), -1);
}

static void le_round_trip(void **state) {
    (void)state;
    uint8_t b[8];
    ngi_store_le32(b, 0x01020304u);
    assert_int_equal(b[0], 4);
    assert_int_equal(ngi_load_le32(b), 0x01020304u);
    ngi_store_le64(b, 0x1122334455667788ull);
    assert_true(ngi_load_le64(b) == 0x1122334455667788ull);
}

static void dates_parse_and_format(void **state) {
    (void)state;
    int32_t d;
    assert_int_equal(ngi_date_parse("1970-01-01", 10, &d), 0);
    assert_int_equal(d, 0);
    assert_int_equal(ngi_date_parse("2025-06-17", 10, &d), 0);
    char out[11];
    ngi_date_format(d, out);
    assert_string_equal(out, "2025-06-17");
    assert_int_equal(ngi_date_parse("2024-02-29", 10, &d), 0);
    assert_int_equal(ngi_date_parse("2023-02-29", 10, &d), -1);
    assert_int_equal(ngi_date_parse("2023-13-01", 10, &d), -1);
    assert_int_equal(ngi_date_parse("2023-1-01", 9, &d), -1);
    assert_int_equal(ngi_date_parse("1899-12-31", 10, &d), 0);
    ngi_date_format(d, out);
    assert_string_equal(out, "1899-12-31");
}

static void errors_have_names_and_messages(void **state) {
    (void)state;
    assert_string_equal(ng_strerror(NG_ECORRUPT), "corrupt index");
    assert_string_equal(ng_error_name(NG_ELOCKED), "NG_ELOCKED");
    assert_string_equal(ng_strerror(12345), "unknown error");
    ngi_error e = {0, ""};
    assert_int_equal(ngi_error_set(&e, NG_EIO, "write %s", "x.seg"), NG_EIO);
    assert_string_equal(ngi_error_message(&e), "write x.seg");
    ngi_error_clear(&e);
    assert_string_equal(ngi_error_message(&e), "success");
    assert_int_equal(ng_version_number(), NG_VERSION_NUMBER);
}

static void buf_survives_allocation_failure(void **state) {
    (void)state;
    ngi_buf b = NGI_BUF_INIT;
    assert_int_equal(ngi_buf_append(&b, "abc", 3), 0);
    ngi_fault_alloc_after(0);
    char big[1000] = {0};
    assert_int_equal(ngi_buf_append(&b, big, sizeof big), NG_ENOMEM);
    ngi_fault_alloc_after(-1);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "abc", 3);
    assert_int_equal(ngi_buf_printf(&b, "%d-%s", 42, "x"), 0);
    assert_memory_equal(b.data, "abc42-x", 7);
    ngi_buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(varint_round_trip),
        cmocka_unit_test(varint_rejects_truncated_and_overlong),
        cmocka_unit_test(le_round_trip),
        cmocka_unit_test(dates_parse_and_format),
        cmocka_unit_test(errors_have_names_and_messages),
        cmocka_unit_test(buf_survives_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
