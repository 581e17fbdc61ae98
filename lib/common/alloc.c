/*
 * alloc.c — allocation wrappers. In builds with NGI_FAULT_INJECTION (tests
 * only) a thread-local countdown makes the k-th allocation fail, so tests
 * can prove that every failure path frees what it took. Release builds have
 * no state here at all.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "fault.h"

#ifdef NGI_FAULT_INJECTION
static _Thread_local long fail_countdown = -1;

void ngi_fault_alloc_after(long n) {
    fail_countdown = n;
}

static int should_fail(void) {
    if (fail_countdown < 0) return 0;
    if (fail_countdown == 0) return 1;
    fail_countdown--;
    return 0;
}
#else
static int should_fail(void) {
    return 0;
}
#endif

void *ngi_malloc(size_t size) {
    return should_fail() ? NULL : malloc(size);
}

void *ngi_calloc(size_t n, size_t size) {
    return should_fail() ? NULL : calloc(n, size);
}

void *ngi_realloc(void *ptr, size_t size) {
    return should_fail() ? NULL : realloc(ptr, size);
}

void ngi_free(void *ptr) {
    free(ptr);
}

char *ngi_strndup(const char *s, size_t n) {
    char *d = ngi_malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}
