/*
 * error.c — the error table turned into names and messages, the per-handle
 * error detail, and the runtime version.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"

const char *ng_strerror(int code) {
    switch (code) {
#define NG_ERROR_MSG_(name, value, msg)                                                  \
    case value: return msg;
        NG_ERROR_TABLE(NG_ERROR_MSG_)
#undef NG_ERROR_MSG_
    }
    return "unknown error";
}

const char *ng_error_name(int code) {
    switch (code) {
#define NG_ERROR_NAME_(name, value, msg)                                                 \
    case value: return #name;
        NG_ERROR_TABLE(NG_ERROR_NAME_)
#undef NG_ERROR_NAME_
    }
    return "NG_EUNKNOWN";
}

unsigned ng_version_number(void) {
    return NG_VERSION_NUMBER;
}

const char *ng_version_string(void) {
    return NG_VERSION_STRING;
}

int ngi_error_set(ngi_error *err, int code, const char *fmt, ...) {
    if (!err) return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

void ngi_error_clear(ngi_error *err) {
    err->code = 0;
    err->msg[0] = '\0';
}

const char *ngi_error_message(const ngi_error *err) {
    if (!err) return ng_strerror(NG_ENOMEM);
    if (err->msg[0]) return err->msg;
    return ng_strerror(err->code);
}

int ngi_error_copy(ngi_error *dst, const ngi_error *src) {
    if (dst != src) memcpy(dst, src, sizeof *dst);
    return dst->code;
}
