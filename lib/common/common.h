/*
 * common.h — what every module of libnewsgrep includes: the public header,
 * the error-detail type, assertions and small helpers. Internal (non-static)
 * symbols use the ngi_ prefix; they are hidden from the shared library.
 */
#ifndef NG_COMMON_H
#define NG_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "newsgrep.h"

#define NGI_LIKELY(x)    __builtin_expect(!!(x), 1)
#define NGI_UNLIKELY(x)  __builtin_expect(!!(x), 0)
#define NGI_MIN(a, b)    ((a) < (b) ? (a) : (b))
#define NGI_MAX(a, b)    ((a) > (b) ? (a) : (b))
#define NGI_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#ifdef NDEBUG
#define NGI_ASSERT(cond) ((void)0)
#else
#include <assert.h>
#define NGI_ASSERT(cond) assert(cond)
#endif

/* Longest detailed error message kept on a handle. */
#define NGI_ERRMSG_MAX 512

/* The detailed error of a handle: code plus a human sentence naming the
 * file, errno or query position. Embedded in every handle. */
typedef struct ngi_error {
    int code;                 /* 0 or the last NG_E* code */
    char msg[NGI_ERRMSG_MAX]; /* "" or the detailed message */
} ngi_error;

/* Records code and a printf-style message; returns code so that callers can
 * write `return ngi_error_set(&h->err, NG_EIO, "write %s: %s", ...)`. */
int ngi_error_set(ngi_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Clears the error. */
void ngi_error_clear(ngi_error *err);
/* The message to show: the detail if any, else ng_strerror(code). */
const char *ngi_error_message(const ngi_error *err);
/* Copies src into dst (used when a lower layer's detail is promoted). */
int ngi_error_copy(ngi_error *dst, const ngi_error *src);

/* Allocation wrappers return NULL on failure like malloc; they exist so that
 * tests can inject allocation failures in one place (see alloc.c). */
void *ngi_malloc(size_t size);
void *ngi_calloc(size_t n, size_t size);
void *ngi_realloc(void *ptr, size_t size);
void ngi_free(void *ptr);
char *ngi_strndup(const char *s, size_t n);

#endif /* NG_COMMON_H */
