/*
 * crashrec.c — an LD_PRELOAD shim that records every file-system change a
 * process makes under CRASHREC_DIR (creates, writes, truncations, fsyncs,
 * renames, unlinks, mkdirs) into a log, in the order the kernel saw them.
 * crashreplay.c rebuilds from that log the states a power cut could have
 * left: prefixes of the stream in which data and directory entries not yet
 * made durable by an fsync may be lost. See crash_replay.sh.
 *
 * Environment:
 *   CRASHREC_DIR  watched directory (must exist; calls outside it are not
 *                 recorded); paths in the log are relative to it
 *   CRASHREC_LOG  log file, appended to (O_APPEND: several processes run
 *                 one after the other add to one stream)
 *
 * Log records, one header line each ("%c" then space-separated fields, the
 * path last, so it may hold spaces but not newlines), write data right
 * after its header:
 *   C ino path        open(O_CREAT) made a new file (a new inode)
 *   W ino off len\n<len bytes>   write/pwrite/writev that wrote len bytes
 *   T ino len         ftruncate; also open(O_TRUNC) of an existing file
 *   S ino             fsync/fdatasync of a file
 *   D path            fsync of a directory ("." is CRASHREC_DIR itself)
 *   R from\tto        rename (both paths relative; tab-separated)
 *   U path            unlink
 *   M path            mkdir
 *   X path            rmdir
 *   E pid             the process ends (exit or return from main) after
 *                     having recorded something: its commits are promised
 * File identity is the inode number; a 'C' record binds a number to a new
 * file (a number the kernel reuses names a new file from then on).
 *
 * One mutex is held around each recorded call and its record, so the log
 * order is the order in which the calls took effect, also with threads.
 *
 * Build: cc -shared -fPIC -O2 -o crashrec.so crashrec.c -ldl -lpthread
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FDS 65536

static struct {
    int enabled;
    char dir[PATH_MAX]; /* canonical CRASHREC_DIR */
    size_t dir_len;
    int log_fd;
} cfg = {.log_fd = -1};

/* Per descriptor: 0 = not watched, 1 = watched file, 2 = watched dir. */
static unsigned char fd_kind[MAX_FDS];
static unsigned long fd_ino[MAX_FDS];
static char *fd_dirpath[MAX_FDS]; /* relative path of a watched dir fd */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int recorded; /* this process logged a record */

#define REAL(name)                                                                       \
    static __typeof__(name) *real_##name;                                                \
    if (!real_##name) real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

__attribute__((constructor)) static void crashrec_init(void) {
    const char *dir = getenv("CRASHREC_DIR"), *log = getenv("CRASHREC_LOG");
    if (!dir || !*dir || !log || !*log) return;
    if (!realpath(dir, cfg.dir)) return;
    cfg.dir_len = strlen(cfg.dir);
    REAL(open);
    cfg.log_fd = real_open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (cfg.log_fd < 0) {
        fprintf(stderr, "crashrec: cannot open %s: %s\n", log, strerror(errno));
        abort(); /* a silent non-recording run would prove nothing */
    }
    cfg.enabled = 1;
}

static void log_bytes(const void *p, size_t n) {
    REAL(write);
    const char *c = p;
    while (n > 0) {
        ssize_t k = real_write(cfg.log_fd, c, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            fprintf(stderr, "crashrec: log write failed: %s\n", strerror(errno));
            abort();
        }
        c += k;
        n -= (size_t)k;
    }
}

static void log_line(const char *fmt, ...) {
    char line[3 * PATH_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= (int)sizeof line - 1) abort();
    line[n] = '\n';
    log_bytes(line, (size_t)n + 1);
    recorded = 1;
}

__attribute__((destructor)) static void crashrec_exit(void) {
    if (cfg.enabled && recorded) log_line("E %ld", (long)getpid());
}

/* ---- paths ---------------------------------------------------------------- */

/* The path of abs relative to the watched directory ("." for itself), or
 * NULL when outside it. */
static const char *relative(const char *abs) {
    if (strncmp(abs, cfg.dir, cfg.dir_len) != 0) return NULL;
    if (abs[cfg.dir_len] == '\0') return ".";
    if (abs[cfg.dir_len] != '/') return NULL;
    return abs + cfg.dir_len + 1;
}

/* Canonical absolute form of a path that may not exist (yet, or any more):
 * realpath of its parent plus its last component. 0 on success. */
static int canonical(int dirfd, const char *path, char out[PATH_MAX]) {
    char full[PATH_MAX], parent[PATH_MAX];
    if (path[0] == '/') {
        snprintf(full, sizeof full, "%s", path);
    } else {
        if (dirfd == AT_FDCWD) {
            if (!getcwd(parent, sizeof parent)) return -1;
        } else {
            char link[64];
            snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
            ssize_t n = readlink(link, parent, sizeof parent - 1);
            if (n < 0) return -1;
            parent[n] = 0;
        }
        snprintf(full, sizeof full, "%.2000s/%.2000s", parent, path);
    }
    /* strip trailing slashes */
    size_t n = strlen(full);
    while (n > 1 && full[n - 1] == '/') full[--n] = 0;
    char *slash = strrchr(full, '/');
    const char *base = slash + 1;
    *slash = 0;
    char rp[PATH_MAX];
    if (!realpath(full[0] ? full : "/", rp)) return -1;
    if (!strcmp(base, ".") || !base[0]) {
        snprintf(out, PATH_MAX, "%s", rp);
    } else if (!strcmp(base, "..")) {
        return -1; /* not used by the programs under test */
    } else {
        snprintf(out, PATH_MAX, "%.3000s/%.1000s", strcmp(rp, "/") ? rp : "", base);
    }
    return 0;
}

/* Relative path of (dirfd, path) under the watched dir, copied to out;
 * NULL when not watched. */
static const char *watched(int dirfd, const char *path, char out[PATH_MAX]) {
    if (!cfg.enabled || !path) return NULL;
    char abs[PATH_MAX];
    if (canonical(dirfd, path, abs)) return NULL;
    const char *rel = relative(abs);
    if (!rel) return NULL;
    snprintf(out, PATH_MAX, "%s", rel);
    return out;
}

static void forget_fd(int fd) {
    if (fd < 0 || fd >= MAX_FDS) return;
    fd_kind[fd] = 0;
    free(fd_dirpath[fd]);
    fd_dirpath[fd] = NULL;
}

/* ---- opens ---------------------------------------------------------------- */

static mode_t mode_arg(int flags, va_list ap) {
    return (flags & (O_CREAT | __O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

/* Records the effect of a successful open of rel. existed: whether the path
 * named something before the call. */
static void opened(int fd, const char *rel, int flags, int existed) {
    if (fd < 0 || fd >= MAX_FDS) return;
    forget_fd(fd);
    struct stat st;
    if (fstat(fd, &st) < 0) return;
    if (S_ISDIR(st.st_mode)) {
        fd_kind[fd] = 2;
        fd_dirpath[fd] = strdup(rel);
        return;
    }
    if (!S_ISREG(st.st_mode)) return;
    fd_kind[fd] = 1;
    fd_ino[fd] = (unsigned long)st.st_ino;
    if (!existed)
        log_line("C %lu %s", fd_ino[fd], rel);
    else if ((flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY)
        log_line("T %lu 0", fd_ino[fd]);
}

static int do_open(int dirfd, const char *path, int flags, mode_t mode) {
    REAL(openat);
    char buf[PATH_MAX];
    const char *rel = watched(dirfd, path, buf);
    if (!rel) return real_openat(dirfd, path, flags, mode);
    pthread_mutex_lock(&mu);
    struct stat st;
    int existed = fstatat(dirfd, path, &st, 0) == 0;
    int fd = real_openat(dirfd, path, flags, mode);
    int e = errno;
    if (fd >= 0) opened(fd, rel, flags, existed);
    pthread_mutex_unlock(&mu);
    errno = e;
    return fd;
}

int open(const char *path, int flags, ...) {
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    return do_open(AT_FDCWD, path, flags, mode);
}
int open64(const char *path, int flags, ...) {
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    return do_open(AT_FDCWD, path, flags, mode);
}
int openat(int dirfd, const char *path, int flags, ...) {
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    return do_open(dirfd, path, flags, mode);
}
int openat64(int dirfd, const char *path, int flags, ...) {
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    return do_open(dirfd, path, flags, mode);
}
int creat(const char *path, mode_t mode) {
    return do_open(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int close(int fd) {
    REAL(close);
    if (fd >= 0 && fd < MAX_FDS && fd_kind[fd]) {
        pthread_mutex_lock(&mu);
        forget_fd(fd);
        int rc = real_close(fd);
        pthread_mutex_unlock(&mu);
        return rc;
    }
    return real_close(fd);
}

/* ---- writes --------------------------------------------------------------- */

static int is_file(int fd) {
    return fd >= 0 && fd < MAX_FDS && fd_kind[fd] == 1;
}

/* Records n bytes of data written at off (given as iovecs). */
static void wrote(int fd, off_t off, const struct iovec *iov, int cnt, size_t n) {
    log_line("W %lu %lld %zu", fd_ino[fd], (long long)off, n);
    for (int i = 0; i < cnt && n > 0; i++) {
        size_t k = iov[i].iov_len < n ? iov[i].iov_len : n;
        log_bytes(iov[i].iov_base, k);
        n -= k;
    }
}

ssize_t write(int fd, const void *buf, size_t n) {
    REAL(write);
    if (!is_file(fd)) return real_write(fd, buf, n);
    pthread_mutex_lock(&mu);
    ssize_t k = real_write(fd, buf, n);
    int e = errno;
    if (k > 0) {
        struct iovec v = {(void *)buf, (size_t)k};
        wrote(fd, lseek(fd, 0, SEEK_CUR) - k, &v, 1, (size_t)k);
    }
    pthread_mutex_unlock(&mu);
    errno = e;
    return k;
}

ssize_t writev(int fd, const struct iovec *iov, int cnt) {
    REAL(writev);
    if (!is_file(fd)) return real_writev(fd, iov, cnt);
    pthread_mutex_lock(&mu);
    ssize_t k = real_writev(fd, iov, cnt);
    int e = errno;
    if (k > 0) wrote(fd, lseek(fd, 0, SEEK_CUR) - k, iov, cnt, (size_t)k);
    pthread_mutex_unlock(&mu);
    errno = e;
    return k;
}

static ssize_t do_pwrite(int fd, const void *buf, size_t n, off_t off) {
    REAL(pwrite);
    if (!is_file(fd)) return real_pwrite(fd, buf, n, off);
    pthread_mutex_lock(&mu);
    ssize_t k = real_pwrite(fd, buf, n, off);
    int e = errno;
    if (k > 0) {
        struct iovec v = {(void *)buf, (size_t)k};
        wrote(fd, off, &v, 1, (size_t)k);
    }
    pthread_mutex_unlock(&mu);
    errno = e;
    return k;
}
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
    return do_pwrite(fd, buf, n, off);
}
ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) {
    return do_pwrite(fd, buf, n, off);
}

static int do_ftruncate(int fd, off_t len) {
    REAL(ftruncate);
    if (!is_file(fd)) return real_ftruncate(fd, len);
    pthread_mutex_lock(&mu);
    int rc = real_ftruncate(fd, len);
    int e = errno;
    if (rc == 0) log_line("T %lu %lld", fd_ino[fd], (long long)len);
    pthread_mutex_unlock(&mu);
    errno = e;
    return rc;
}
int ftruncate(int fd, off_t len) {
    return do_ftruncate(fd, len);
}
int ftruncate64(int fd, off_t len) {
    return do_ftruncate(fd, len);
}

/* ---- syncs ---------------------------------------------------------------- */

static int do_sync(int fd, int data_only) {
    REAL(fsync);
    REAL(fdatasync);
    int watched_fd = fd >= 0 && fd < MAX_FDS && fd_kind[fd];
    if (!watched_fd) return data_only ? real_fdatasync(fd) : real_fsync(fd);
    pthread_mutex_lock(&mu);
    int rc = data_only ? real_fdatasync(fd) : real_fsync(fd);
    int e = errno;
    if (rc == 0) {
        if (fd_kind[fd] == 1)
            log_line("S %lu", fd_ino[fd]);
        else
            log_line("D %s", fd_dirpath[fd]);
    }
    pthread_mutex_unlock(&mu);
    errno = e;
    return rc;
}
int fsync(int fd) {
    return do_sync(fd, 0);
}
int fdatasync(int fd) {
    return do_sync(fd, 1);
}

/* ---- directory operations --------------------------------------------------- */

static int do_rename(int fd1, const char *from, int fd2, const char *to, unsigned flags) {
    REAL(renameat2);
    char b1[PATH_MAX], b2[PATH_MAX];
    const char *r1 = watched(fd1, from, b1), *r2 = watched(fd2, to, b2);
    if (!r1 && !r2) return real_renameat2(fd1, from, fd2, to, flags);
    if (!r1 || !r2 || flags) {
        fprintf(stderr,
                "crashrec: rename across the watched boundary or with "
                "flags is not modelled: %s -> %s\n",
                from, to);
        abort();
    }
    pthread_mutex_lock(&mu);
    int rc = real_renameat2(fd1, from, fd2, to, flags);
    int e = errno;
    if (rc == 0) log_line("R %s\t%s", r1, r2);
    pthread_mutex_unlock(&mu);
    errno = e;
    return rc;
}
int rename(const char *from, const char *to) {
    return do_rename(AT_FDCWD, from, AT_FDCWD, to, 0);
}
int renameat(int fd1, const char *from, int fd2, const char *to) {
    return do_rename(fd1, from, fd2, to, 0);
}
int renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags) {
    return do_rename(fd1, from, fd2, to, flags);
}

static int do_unlink(int dirfd, const char *path, int flags) {
    REAL(unlinkat);
    char b[PATH_MAX];
    const char *rel = watched(dirfd, path, b);
    if (!rel) return real_unlinkat(dirfd, path, flags);
    pthread_mutex_lock(&mu);
    int rc = real_unlinkat(dirfd, path, flags);
    int e = errno;
    if (rc == 0) log_line("%c %s", (flags & AT_REMOVEDIR) ? 'X' : 'U', rel);
    pthread_mutex_unlock(&mu);
    errno = e;
    return rc;
}
int unlink(const char *path) {
    return do_unlink(AT_FDCWD, path, 0);
}
int unlinkat(int dirfd, const char *path, int flags) {
    return do_unlink(dirfd, path, flags);
}
int rmdir(const char *path) {
    return do_unlink(AT_FDCWD, path, AT_REMOVEDIR);
}

static int do_mkdir(int dirfd, const char *path, mode_t mode) {
    REAL(mkdirat);
    char b[PATH_MAX];
    const char *rel = watched(dirfd, path, b);
    if (!rel) return real_mkdirat(dirfd, path, mode);
    pthread_mutex_lock(&mu);
    int rc = real_mkdirat(dirfd, path, mode);
    int e = errno;
    if (rc == 0) log_line("M %s", rel);
    pthread_mutex_unlock(&mu);
    errno = e;
    return rc;
}
int mkdir(const char *path, mode_t mode) {
    return do_mkdir(AT_FDCWD, path, mode);
}
int mkdirat(int dirfd, const char *path, mode_t mode) {
    return do_mkdir(dirfd, path, mode);
}
