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
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/fileio.h"
#include "store/store.h"

int ngi_io_open(const char *path, int flags, mode_t mode) {
    int fd;
    do { fd = open(path, flags | O_CLOEXEC, mode); } while (fd < 0 && errno == EINTR);
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
    do { rc = fsync(fd); } while (rc < 0 && errno == EINTR);
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

int ngi_io_unlink(const char *path) {
    return unlink(path);
}

int ngi_io_mkdir(const char *path, mode_t mode) {
    return mkdir(path, mode);
}

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

/* fsyncs the directory holding path (its last component's parent), so a
 * name just created there is durable. */
static int fsync_parent(const char *path, ngi_error *err) {
    char parent[4096];
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') n--; /* "a/b/" names b */
    while (n > 0 && path[n - 1] != '/') n--;
    while (n > 1 && path[n - 1] == '/') n--;
    if (n == 0) {
        parent[0] = '.';
        parent[1] = '\0';
    } else {
        memcpy(parent, path, n);
        parent[n] = '\0';
    }
    return ngi_fsync_dir(parent, err);
}

/* Creates one directory level; an existing directory is fine. A new one
 * is made durable by fsyncing its parent (else a power cut could lose the
 * directory and with it an index whose commits were all fsynced). */
static int mkdir_one(char *path, ngi_error *err) {
    if (ngi_io_mkdir(path, 0777) == 0) return fsync_parent(path, err);
    struct stat st;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
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

/* "pid P uid U user NAME" of this process, for a refused writer. */
static void holder_text(char *out, size_t cap) {
    char buf[1024];
    struct passwd pw, *res = NULL;
    uid_t uid = geteuid();
    int n = snprintf(out, cap, "pid %ld uid %ld", (long)getpid(), (long)uid);
    if (n > 0 && (size_t)n < cap && getpwuid_r(uid, &pw, buf, sizeof buf, &res) == 0 &&
        res)
        snprintf(out + n, cap - (size_t)n, " user %s", res->pw_name);
}

/* Records the holder in the lock file (the lock is ours already). */
static int write_holder(int fd, const char *path, ngi_error *err) {
    char text[200];
    holder_text(text, sizeof text - 1);
    strcat(text, "\n");
    if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
        ngi_io_write_all(fd, text, strlen(text)) < 0)
        return ngi_io_error(err, "write lock file", path);
    return 0;
}

/* The holder recorded in the lock file, printable bytes only. */
static void read_holder(int fd, char *out, size_t cap) {
    char buf[200];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    size_t k = 0;
    for (ssize_t i = 0; i < n && k + 1 < cap; i++) {
        if (buf[i] == '\n') break;
        out[k++] = buf[i] >= 32 && buf[i] < 127 ? buf[i] : '?';
    }
    out[k] = '\0';
}

/* LOCK must be a regular file; ours is made 0600 so that no other user
 * can open it (even read-only, which is all flock needs) and block every
 * writer. */
static int check_lock_file(int fd, const char *path, ngi_error *err) {
    struct stat st;
    if (fstat(fd, &st) < 0) return ngi_io_error(err, "stat", path);
    if (!S_ISREG(st.st_mode))
        return ngi_error_set(err, NG_EIO, "%s: not a regular file", path);
    if (st.st_uid == geteuid() && (st.st_mode & 077)) fchmod(fd, 0600);
    return 0;
}

int ngi_lock_acquire(const char *dir, int *fd_out, ngi_error *err) {
    char path[4096];
    *fd_out = -1;
    if (ngi_path_join(path, sizeof path, dir, NGI_LOCK_NAME))
        return ngi_error_set(err, NG_ELIMIT, "path too long: %.64s...", dir);
    /* O_NOFOLLOW: a symlink planted as LOCK must not make us create or
     * open its target. */
    int fd = ngi_io_open(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0600);
    if (fd < 0 && errno == ELOOP)
        return ngi_error_set(err, NG_EIO,
                             "%s is a symbolic link; refusing to use it as "
                             "the lock (remove it)",
                             path);
    if (fd < 0) return ngi_io_error(err, "open lock file", path);
    int crc = check_lock_file(fd, path, err);
    if (crc) {
        close(fd);
        return crc;
    }
    /* flock locks belong to the open file description: a second open of
     * LOCK, even in this process, conflicts; the kernel drops the lock when
     * the last descriptor closes, also when the process is killed. */
    int rc;
    do { rc = flock(fd, LOCK_EX | LOCK_NB); } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        int e = errno;
        if (e == EWOULDBLOCK) {
            char who[128];
            read_holder(fd, who, sizeof who);
            close(fd);
            return ngi_error_set(err, NG_ELOCKED,
                                 "index is locked by another writer (%s, "
                                 "held by %s)",
                                 path, who[0] ? who : "an unknown process");
        }
        close(fd);
        errno = e;
        return ngi_io_error(err, "flock", path);
    }
    if ((rc = write_holder(fd, path, err))) {
        close(fd);
        return rc;
    }
    *fd_out = fd;
    return 0;
}

int ngi_index_id_new(uint8_t id[NGI_INDEX_ID_BYTES], ngi_error *err) {
    size_t got = 0;
    while (got < NGI_INDEX_ID_BYTES) {
        ssize_t n = getrandom(id + got, NGI_INDEX_ID_BYTES - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return ngi_error_set(err, NG_EIO, "getrandom: %s", strerror(errno));
        got += (size_t)n;
    }
    return 0;
}

void ngi_lock_release(int fd) {
    if (fd >= 0) close(fd); /* closing releases the flock */
}
