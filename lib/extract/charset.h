/*
 * charset.h — text that is not UTF-8. Old archives and pages without a
 * declared charset are often Latin-1 or Windows-1252 (its superset); read
 * as UTF-8 their accented letters are invalid bytes ("Café" indexed as
 * "caf"). ng_text_to_utf8 (charset.c) converts such text for every
 * caller: ng_extract_text and the command's readers read a file alike.
 */
#ifndef NG_EXTRACT_CHARSET_H
#define NG_EXTRACT_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

/* The length of the valid UTF-8 character at s[0..len) (no NUL, overlong
 * form or surrogate), or 0. */
size_t ngi_utf8_char(const char *s, size_t len);
/* True when s[0..len) has invalid UTF-8 and few valid multibyte characters:
 * Latin-1 / Windows-1252 rather than damaged UTF-8. */
bool ngi_looks_cp1252(const char *s, size_t len);
/* Appends s[0..len) read as Windows-1252 to out as UTF-8; its five undefined
 * bytes (0x81 0x8D 0x8F 0x90 0x9D) become U+FFFD. 0 or NG_ENOMEM. */
int ngi_cp1252_to_utf8(const char *s, size_t len, ngi_buf *out);

#endif /* NG_EXTRACT_CHARSET_H */
