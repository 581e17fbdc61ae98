/*
 * faultfs.c — an LD_PRELOAD shim that makes the k-th matching file-system
 * call fail (ENOSPC, EIO, ...), so tests can prove that a writer hit by a
 * full disk or a dying device reports a clear error and leaves the last
 * commit intact. Only calls on paths under FAULTFS_DIR count.
 *
 * Environment:
 *   FAULTFS_DIR    directory whose files are affected (required; absolute
 *                  or relative to the current directory at start-up)
 *   FAULTFS_OP     comma list of: write (write, pwrite, writev), fsync
 *                  (fsync, fdatasync), rename (rename, renameat,
 *                  renameat2), create (open/openat with O_CREAT), or all
 *   FAULTFS_NTH    fail the NTH matching call (1-based); 0 = never fail
 *   FAULTFS_ERRNO  ENOSPC (default), EIO, EDQUOT, EROFS or a number
 *   FAULTFS_STICKY 1: every matching call after the NTH fails too
 *   FAULTFS_COUNT  file to which each process that made matching calls
 *                  appends its counts at exit, one "OP N" line per op
 *                  (write, fsync, rename, create, failed): sum them
 *
 * Build: cc -shared -fPIC -O2 -o faultfs.so faultfs.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum { OP_WRITE, OP_FSYNC, OP_RENAME, OP_CREATE, N_OPS };
static const char *const op_names[N_OPS] = {"write", "fsync", "rename", "create"};

/* Configuration, read once at load time (before any thread exists). */
static struct {
    int enabled;               /* FAULTFS_DIR set and resolvable */
    char dir[PATH_MAX];        /* canonical FAULTFS_DIR */
    size_t dir_len;            /* strlen(dir) */
    unsigned ops;              /* bit per OP_* that counts */
    long nth;                  /* 1-based call to fail; 0 never */
    int err;                   /* errno to fail with */
    int sticky;                /* keep failing after nth */
    char count_file[PATH_MAX]; /* "" or where to write the counts */
} cfg;

static long counts[N_OPS]; /* matching calls per op (atomic adds) */
static long matched;       /* matching calls of the selected ops */
static long failed;        /* calls made to fail */

static int parse_errno(const char *s) {
    if (!s || !*s || !strcmp(s, "ENOSPC")) return ENOSPC;
    if (!strcmp(s, "EIO")) return EIO;
    if (!strcmp(s, "EDQUOT")) return EDQUOT;
    if (!strcmp(s, "EROFS")) return EROFS;
    int v = atoi(s);
    return v > 0 ? v : ENOSPC;
}

static unsigned parse_ops(const char *s) {
    if (!s || !*s || strstr(s, "all")) return (1u << N_OPS) - 1;
    unsigned ops = 0;
    for (int i = 0; i < N_OPS; i++)
        if (strstr(s, op_names[i])) ops |= 1u << i;
    return ops;
}

__attribute__((constructor)) static void faultfs_init(void) {
    const char *dir = getenv("FAULTFS_DIR");
    if (!dir || !*dir) return;
    /* The directory may not exist yet (a new index): resolve its parent. */
    if (!realpath(dir, cfg.dir)) {
        char tmp[PATH_MAX];
        snprintf(tmp, sizeof tmp, "%s", dir);
        char *slash = strrchr(tmp, '/');
        const char *base = slash ? slash + 1 : tmp;
        char parent[PATH_MAX];
        if (slash == tmp)
            snprintf(parent, sizeof parent, "/");
        else if (slash) {
            *slash = 0;
            snprintf(parent, sizeof parent, "%s", tmp);
        } else
            snprintf(parent, sizeof parent, ".");
        char rp[PATH_MAX];
        if (!realpath(parent, rp)) return;
        snprintf(cfg.dir, sizeof cfg.dir, "%.2000s/%.2000s", strcmp(rp, "/") ? rp : "",
                 base);
    }
    cfg.dir_len = strlen(cfg.dir);
    cfg.ops = parse_ops(getenv("FAULTFS_OP"));
    const char *nth = getenv("FAULTFS_NTH");
    cfg.nth = nth ? atol(nth) : 0;
    cfg.err = parse_errno(getenv("FAULTFS_ERRNO"));
    const char *sticky = getenv("FAULTFS_STICKY");
    cfg.sticky = sticky && *sticky == '1';
    const char *cf = getenv("FAULTFS_COUNT");
    if (cf) snprintf(cfg.count_file, sizeof cfg.count_file, "%s", cf);
    cfg.enabled = 1;
}

__attribute__((destructor)) static void faultfs_report(void) {
    if (!cfg.enabled || !cfg.count_file[0]) return;
    long any = 0;
    for (int i = 0; i < N_OPS; i++) any += __atomic_load_n(&counts[i], __ATOMIC_SEQ_CST);
    if (!any) return; /* e.g. timeout(1) around the real process */
    FILE *f = fopen(cfg.count_file, "a");
    if (!f) return;
    for (int i = 0; i < N_OPS; i++)
        fprintf(f, "%s %ld\n", op_names[i],
                __atomic_load_n(&counts[i], __ATOMIC_SEQ_CST));
    fprintf(f, "failed %ld\n", __atomic_load_n(&failed, __ATOMIC_SEQ_CST));
    fclose(f);
}

/* ---- which calls count -------------------------------------------------- */

static int under_dir(const char *abs) {
    return !strncmp(abs, cfg.dir, cfg.dir_len) &&
           (abs[cfg.dir_len] == '\0' || abs[cfg.dir_len] == '/');
}

/* Canonical form of a path that may not exist yet: realpath of its parent
 * plus its last component. Relative paths resolve against dirfd/cwd. */
static int path_matches(int dirfd, const char *path) {
    if (!cfg.enabled || !path) return 0;
    char full[PATH_MAX], parent[PATH_MAX], rp[PATH_MAX];
    if (path[0] == '/' || dirfd == AT_FDCWD) {
        snprintf(full, sizeof full, "%s", path);
    } else {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
        ssize_t n = readlink(link, parent, sizeof parent - 1);
        if (n < 0) return 0;
        parent[n] = 0;
        snprintf(full, sizeof full, "%.2000s/%.2000s", parent, path);
    }
    char *slash = strrchr(full, '/');
    if (!slash) {
        if (!getcwd(rp, sizeof rp)) return 0;
        snprintf(parent, sizeof parent, "%.3000s/%.1000s", rp, full);
        return under_dir(parent);
    }
    *slash = 0;
    if (!realpath(full[0] ? full : "/", rp)) return 0;
    snprintf(parent, sizeof parent, "%.3000s/%.1000s", rp, slash + 1);
    return under_dir(parent) || under_dir(rp);
}

static int fd_matches(int fd) {
    if (!cfg.enabled || fd < 0) return 0;
    char link[64], target[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 0) return 0;
    target[n] = 0;
    return under_dir(target);
}

/* Counts a matching call; returns 1 when it must fail (errno set). */
static int should_fail(int op) {
    __atomic_add_fetch(&counts[op], 1, __ATOMIC_SEQ_CST);
    if (!(cfg.ops & (1u << op))) return 0;
    long k = __atomic_add_fetch(&matched, 1, __ATOMIC_SEQ_CST);
    if (cfg.nth <= 0) return 0;
    if (k == cfg.nth || (cfg.sticky && k > cfg.nth)) {
        __atomic_add_fetch(&failed, 1, __ATOMIC_SEQ_CST);
        errno = cfg.err;
        return 1;
    }
    return 0;
}

/* The next definition of name (libc's), looked up once. */
#define REAL(name)                                                                       \
    static __typeof__(name) *real_##name;                                                \
    if (!real_##name) real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

/* ---- writes --------------------------------------------------------------- */

ssize_t write(int fd, const void *buf, size_t n) {
    REAL(write);
    if (fd_matches(fd) && should_fail(OP_WRITE)) return -1;
    return real_write(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
    REAL(pwrite);
    if (fd_matches(fd) && should_fail(OP_WRITE)) return -1;
    return real_pwrite(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) {
    REAL(pwrite64);
    if (fd_matches(fd) && should_fail(OP_WRITE)) return -1;
    return real_pwrite64(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt) {
    REAL(writev);
    if (fd_matches(fd) && should_fail(OP_WRITE)) return -1;
    return real_writev(fd, iov, cnt);
}

/* ---- syncs ---------------------------------------------------------------- */

int fsync(int fd) {
    REAL(fsync);
    if (fd_matches(fd) && should_fail(OP_FSYNC)) return -1;
    return real_fsync(fd);
}

int fdatasync(int fd) {
    REAL(fdatasync);
    if (fd_matches(fd) && should_fail(OP_FSYNC)) return -1;
    return real_fdatasync(fd);
}

/* ---- renames -------------------------------------------------------------- */

int rename(const char *from, const char *to) {
    REAL(rename);
    if ((path_matches(AT_FDCWD, from) || path_matches(AT_FDCWD, to)) &&
        should_fail(OP_RENAME))
        return -1;
    return real_rename(from, to);
}

int renameat(int fd1, const char *from, int fd2, const char *to) {
    REAL(renameat);
    if ((path_matches(fd1, from) || path_matches(fd2, to)) && should_fail(OP_RENAME))
        return -1;
    return real_renameat(fd1, from, fd2, to);
}

int renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags) {
    REAL(renameat2);
    if ((path_matches(fd1, from) || path_matches(fd2, to)) && should_fail(OP_RENAME))
        return -1;
    return real_renameat2(fd1, from, fd2, to, flags);
}

/* ---- creating opens ------------------------------------------------------- */

static mode_t mode_arg(int flags, va_list ap) {
    return (flags & (O_CREAT | __O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

/* Whether this open creates a file in the watched directory and is the one
 * to fail. */
static int creating_open_fails(int dirfd, const char *path, int flags) {
    return (flags & O_CREAT) && path_matches(dirfd, path) && should_fail(OP_CREATE);
}

int open(const char *path, int flags, ...) {
    REAL(open);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    if (creating_open_fails(AT_FDCWD, path, flags)) return -1;
    return real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...) {
    REAL(open64);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    if (creating_open_fails(AT_FDCWD, path, flags)) return -1;
    return real_open64(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...) {
    REAL(openat);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    if (creating_open_fails(dirfd, path, flags)) return -1;
    return real_openat(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...) {
    REAL(openat64);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    if (creating_open_fails(dirfd, path, flags)) return -1;
    return real_openat64(dirfd, path, flags, mode);
}

int creat(const char *path, mode_t mode) {
    REAL(creat);
    if (path_matches(AT_FDCWD, path) && should_fail(OP_CREATE)) return -1;
    return real_creat(path, mode);
}
