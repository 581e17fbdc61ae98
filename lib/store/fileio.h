/*
 * fileio.h — the store's only door to write-side system calls (open,
 * write, fsync, rename, unlink, mkdir). Private to lib/store. Keeping them
 * in one file lets reliability tests inject ENOSPC / EIO there: see the
 * comment at the top of fileio.c.
 */
#ifndef NG_STORE_FILEIO_H
#define NG_STORE_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

#include "common/common.h"

/* open(path, flags | O_CLOEXEC, mode), retried on EINTR; -1 + errno. */
int ngi_io_open(const char *path, int flags, mode_t mode);
/* Writes all len bytes (EINTR and short writes handled); 0 or -1 + errno. */
int ngi_io_write_all(int fd, const void *data, size_t len);
/* fsync(fd) retried on EINTR; 0 or -1 + errno. */
int ngi_io_fsync(int fd);
/* close(fd); a failed close of a written file is a lost write: -1 + errno. */
int ngi_io_close(int fd);
int ngi_io_rename(const char *from, const char *to);
int ngi_io_unlink(const char *path);
int ngi_io_mkdir(const char *path, mode_t mode);

/* NG_EIO with "<what> <path>: <strerror(errno)>" in err; returns NG_EIO. */
int ngi_io_error(ngi_error *err, const char *what, const char *path);

#endif /* NG_STORE_FILEIO_H */
