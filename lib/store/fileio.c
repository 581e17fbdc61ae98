/*
 * fileio.c — every write-side system call of the store goes through the
 * few functions here, plus the small directory helpers, the writer lock.
 *
 * Injecting failures (issue 7): these functions call the plain libc
 * symbols open/write/fsync/close/rename/unlink/mkdir through the PLT, so an
 * LD_PRELOAD shim that defines e.g. `ssize_t write(int, const void *,
 * size_t)` (forwarding to dlsym(RTLD_NEXT, "write") and returning -1 with
 * errno = ENOSPC or EIO on the k-th call, or for paths matching a pattern)
 * exercises every error path of the store. A test linking the library
 * statically can do the same with `-Wl,--wrap=write` etc. Nothing in
 * lib/store calls these syscalls elsewhere (mmap/fstat/read side excepted).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/fileio.h"
#include "store/store.h"

int ngi_io_open(const char *path, int flags, mode_t mode) {
    int fd;
    do {
        fd = open(path, flags | O_CLOEXEC, mode);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

int ngi_io_write_all(int fd, const void *data, size_t len) {
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (n == 0) { /* no progress and no errno: treat as a full disk */
            errno = ENOSPC;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int ngi_io_fsync(int fd) {
    int rc;
    do {
        rc = fsync(fd);
    } while (rc < 0 && errno == EINTR);
    return rc;
}

int ngi_io_close(int fd) {
    /* Linux frees the descriptor even when close fails with EINTR, so it
     * is never retried; EINTR itself loses nothing after an fsync. */
    if (close(fd) < 0 && errno != EINTR) return -1;
    return 0;
}

int ngi_io_rename(const char *from, const char *to) {
    return rename(from, to);
}

int ngi_io_unlink(const char *path) { return unlink(path); }

int ngi_io_mkdir(const char *path, mode_t mode) { return mkdir(path, mode); }

int ngi_io_error(ngi_error *err, const char *what, const char *path) {
    int e = errno;
    return ngi_error_set(err, NG_EIO, "%s %s: %s", what, path, strerror(e));
}

/* ---- small file helpers ---------------------------------------------- */

int ngi_path_join(char *out, size_t cap, const char *dir, const char *name) {
    int n = snprintf(out, cap, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= cap) return NG_ELIMIT;
    return 0;
}

/* Creates one directory level; an existing directory is fine. */
static int mkdir_one(char *path, ngi_error *err) {
    if (ngi_io_mkdir(path, 0777) == 0) return 0;
    struct stat st;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    return ngi_io_error(err, "mkdir", path);
}

int ngi_mkdir_p(const char *dir, ngi_error *err) {
    char path[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof path)
        return ngi_error_set(err, NG_ELIMIT, "path too long: %.64s...", dir);
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i < n; i++) {
        if (path[i] != '/' || path[i - 1] == '/') continue;
        path[i] = '\0';
        int rc = mkdir_one(path, err);
        path[i] = '/';
        if (rc) return rc;
    }
    return mkdir_one(path, err);
}

int ngi_fsync_dir(const char *dir, ngi_error *err) {
    int fd = ngi_io_open(dir, O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0) return ngi_io_error(err, "open directory", dir);
    if (ngi_io_fsync(fd) < 0) {
        int rc = ngi_io_error(err, "fsync directory", dir);
        close(fd);
        return rc;
    }
    close(fd);
    return 0;
}

/* ---- writer lock ------------------------------------------------------ */

int ngi_lock_acquire(const char *dir, int *fd_out, ngi_error *err) {
    char path[4096];
    *fd_out = -1;
    if (ngi_path_join(path, sizeof path, dir, NGI_LOCK_NAME))
        return ngi_error_set(err, NG_ELIMIT, "path too long: %.64s...", dir);
    int fd = ngi_io_open(path, O_RDWR | O_CREAT, 0666);
    if (fd < 0) return ngi_io_error(err, "open lock file", path);
    /* flock locks belong to the open file description: a second open of
     * LOCK, even in this process, conflicts; the kernel drops the lock when
     * the last descriptor closes, also when the process is killed. */
    int rc;
    do {
        rc = flock(fd, LOCK_EX | LOCK_NB);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        int e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            return ngi_error_set(err, NG_ELOCKED,
                                 "index is locked by another writer (%s)",
                                 path);
        errno = e;
        return ngi_io_error(err, "flock", path);
    }
    *fd_out = fd;
    return 0;
}

void ngi_lock_release(int fd) {
    if (fd >= 0) close(fd); /* closing releases the flock */
}
