/*
 * testdir.h — temporary index directories for unit tests: make one under
 * /tmp, remove it (and the flat files an index holds) afterwards.
 */
#ifndef NG_TESTDIR_H
#define NG_TESTDIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline void test_rm_rf(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

/* A new empty directory; free() the name after test_rm_rf. */
static inline char *test_make_tmp(const char *prefix) {
    char t[256];
    snprintf(t, sizeof t, "/tmp/%s-XXXXXX", prefix);
    char *dir = mkdtemp(t) ? strdup(t) : NULL;
    assert_non_null(dir);
    return dir;
}

#endif /* NG_TESTDIR_H */
