/*
 * testfile.h — what the corruption tests share: a whole file read into
 * memory and written back, and where a section lies in a container file
 * (lib/store/container.c's trailer and section table), so that a test can
 * damage one byte of one section.
 */
#ifndef NG_TESTFILE_H
#define NG_TESTFILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/le.h"

/* Offset and length of section tag in a container file's bytes. */
static inline void find_section(const uint8_t *f, size_t len, const char *tag,
                                size_t *off, size_t *slen) {
    const uint8_t *t = f + len - 40;
    uint64_t table = ngi_load_le64(t);
    uint32_t n = ngi_load_le32(t + 8);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = f + table + 32 * i;
        if (memcmp(e, tag, 4) == 0) {
            *off = (size_t)ngi_load_le64(e + 8);
            *slen = (size_t)ngi_load_le64(e + 16);
            return;
        }
    }
    fail_msg("no section %s", tag);
}

static inline uint8_t *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(*len);
    assert_int_equal(fread(p, 1, *len, f), *len);
    fclose(f);
    return p;
}

static inline void spill(const char *path, const uint8_t *p, size_t len) {
    FILE *f = fopen(path, "wb");
    assert_int_equal(fwrite(p, 1, len, f), len);
    fclose(f);
}

#endif /* NG_TESTFILE_H */
