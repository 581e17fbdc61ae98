/*
 * spill.c — the temporary files of a segment writer's spilled buffers
 * (spill.h). They have no name in the index directory, so nothing is
 * left behind by a crash and `recover` never sees them.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spill.h"

#define COPY_BYTES ((size_t)256 << 10) /* one read of the copy back */

void ngi_spill_init(ngi_spill *s) {
    s->fd = -1;
    s->len = 0;
}

static int io_error(ngi_error *err, const char *what, const char *dir) {
    int e = errno;
    return ngi_error_set(err, NG_EIO, "%s a temporary file in %s: %s", what, dir,
                         strerror(e));
}

/* An unnamed file in dir: O_TMPFILE, else a unique name unlinked at once
 * (file systems without O_TMPFILE). */
static int open_tmp(const char *dir) {
#ifdef O_TMPFILE
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
#endif
    char path[4096];
    if (ngi_path_join(path, sizeof path, dir, ".spill_XXXXXX")) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd2 = mkstemp(path);
    if (fd2 >= 0) unlink(path);
    return fd2;
}

int ngi_spill_put(ngi_spill *s, const char *dir, const void *data, size_t len,
                  ngi_error *err) {
    if (s->fd < 0 && (s->fd = open_tmp(dir)) < 0) return io_error(err, "creating", dir);
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(s->fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = ENOSPC;
            return io_error(err, "writing", dir);
        }
        p += n;
        len -= (size_t)n;
        s->len += (uint64_t)n;
    }
    return 0;
}

int ngi_spill_copy(const ngi_spill *s, ngi_file_writer *fw, ngi_error *err) {
    if (s->fd < 0 || !s->len) return 0;
    uint8_t *buf = ngi_malloc(COPY_BYTES);
    if (!buf) return ngi_error_set(err, NG_ENOMEM, "out of memory");
    int rc = 0;
    for (uint64_t off = 0; off < s->len && !rc;) {
        size_t want = (size_t)NGI_MIN((uint64_t)COPY_BYTES, s->len - off);
        ssize_t n = pread(s->fd, buf, want, (off_t)off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = EIO; /* the file is shorter than written */
            rc = ngi_error_set(err, NG_EIO, "reading back a temporary file: %s",
                               strerror(errno));
            break;
        }
        rc = ngi_file_writer_append(fw, buf, (size_t)n);
        off += (uint64_t)n;
    }
    ngi_free(buf);
    return rc;
}

void ngi_spill_close(ngi_spill *s) {
    if (s->fd >= 0) close(s->fd);
    ngi_spill_init(s);
}
