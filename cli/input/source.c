/*
 * source.c — byte sources for the readers: a file or stdin, decompressed
 * on the fly when it starts with the gzip or zstd magic bytes (so `.gz`,
 * `.zst` and compressed stdin all work). A zstd frame's window is memory
 * the decoder must hold (2 GiB for `--long=31` without a known size): it
 * is accepted up to the limit the caller gives (ngc_src_open_window; by
 * default zstd's own 128 MiB), checked on the first frame's header
 * before anything is allocated, and by windowLogMax on later frames.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_getFrameHeader */
#include <zstd.h>
#include <zstd_errors.h>

#include "ingest.h"

#define RAW_CHUNK          (1u << 20)          /* compressed bytes read at a time */
#define DEFAULT_WINDOW_MAX ((uint64_t)1 << 27) /* zstd's ZSTD_WINDOWLOG_LIMIT_DEFAULT */
#define HEADER_BYTES       18                  /* ZSTD_FRAMEHEADERSIZE_MAX */

enum src_kind { SRC_PLAIN, SRC_GZIP, SRC_ZSTD };

struct ngc_src {
    int fd;                   /* the file, or 0 for stdin */
    int kind;                 /* an src_kind */
    char *raw;                /* compressed input buffer (RAW_CHUNK) */
    size_t raw_len, raw_at;   /* bytes in raw / bytes consumed */
    uint64_t raw_pos;         /* raw bytes read from fd so far */
    bool raw_eof;             /* fd reached its end */
    z_stream z;               /* gzip state */
    ZSTD_DStream *zs;         /* zstd state */
    bool done;                /* decompressor finished and no more input */
    char *peek;               /* decompressed bytes read ahead by peek */
    size_t peek_len, peek_at; /* bytes in peek / bytes served */
    char err[512];            /* last error */
    bool err_pending;         /* an error found after some output: next read */
    uint64_t window_max;      /* largest zstd window accepted (bytes) */
    const char *hint;         /* how to allow a bigger zstd window */
};

uint64_t ngc_zstd_window(const char *head, size_t n) {
    ZSTD_frameHeader h;
    if (n < 4 || ZSTD_getFrameHeader(&h, head, n) != 0 || h.frameType != ZSTD_frame)
        return 0;
    return h.windowSize;
}

static int window_log(uint64_t bytes) {
    int log = 10; /* ZSTD_WINDOWLOG_ABSOLUTEMIN */
    while (log < 31 && ((uint64_t)1 << log) < bytes) log++;
    return log;
}

static void window_error(ngc_src *s, uint64_t need) {
    snprintf(s->err, sizeof s->err,
             "zstd: the data needs a %llu MiB window, more than the "
             "%llu MiB allowed%s",
             (unsigned long long)((need + (1u << 20) - 1) >> 20),
             (unsigned long long)(s->window_max >> 20), s->hint ? s->hint : "");
}

static int fill_raw(ngc_src *s) {
    if (s->raw_at < s->raw_len || s->raw_eof) return 0;
    ssize_t n;
    do n = read(s->fd, s->raw, RAW_CHUNK);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        snprintf(s->err, sizeof s->err, "read: %s", strerror(errno));
        return -1;
    }
    s->raw_len = (size_t)n;
    s->raw_at = 0;
    s->raw_pos += (uint64_t)n;
    if (n == 0) s->raw_eof = true;
    return 0;
}

static int detect(ngc_src *s) {
    /* Read until a zstd frame header or the end, for the magic numbers. */
    while (s->raw_len < HEADER_BYTES && !s->raw_eof) {
        ssize_t n = read(s->fd, s->raw + s->raw_len, RAW_CHUNK - s->raw_len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            snprintf(s->err, sizeof s->err, "%s", strerror(errno));
            return -1;
        }
        if (n == 0) s->raw_eof = true;
        s->raw_len += (size_t)n;
        s->raw_pos += (uint64_t)n;
    }
    const unsigned char *m = (const unsigned char *)s->raw;
    if (s->raw_len >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
        s->kind = SRC_GZIP;
        /* 15 + 32: any window, gzip or zlib header detected. */
        if (inflateInit2(&s->z, 15 + 32) != Z_OK) return -1;
    } else if (s->raw_len >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f &&
               m[3] == 0xfd) {
        s->kind = SRC_ZSTD;
        uint64_t w = ngc_zstd_window(s->raw, s->raw_len);
        if (w > s->window_max) {
            window_error(s, w);
            return -1;
        }
        s->zs = ZSTD_createDStream();
        if (!s->zs || ZSTD_isError(ZSTD_DCtx_setParameter(s->zs, ZSTD_d_windowLogMax,
                                                          window_log(s->window_max))))
            return -1;
    }
    return 0;
}

ngc_src *ngc_src_open(const char *path, char *err, size_t err_len) {
    return ngc_src_open_window(path, DEFAULT_WINDOW_MAX, NULL, err, err_len);
}

ngc_src *ngc_src_open_window(const char *path, uint64_t window_max, const char *hint,
                             char *err, size_t err_len) {
    ngc_src *s = calloc(1, sizeof *s);
    if (s) {
        s->raw = malloc(RAW_CHUNK);
        s->window_max = window_max;
        s->hint = hint;
    }
    if (!s || !s->raw) {
        snprintf(err, err_len, "out of memory");
        ngc_src_close(s);
        return NULL;
    }
    s->fd = 0;
    if (strcmp(path, "-") != 0) {
        s->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (s->fd < 0) {
            snprintf(err, err_len, "%s", strerror(errno));
            free(s->raw);
            free(s);
            return NULL;
        }
    }
    if (detect(s) < 0) {
        snprintf(err, err_len, "%s", s->err[0] ? s->err : "cannot start decompression");
        ngc_src_close(s);
        return NULL;
    }
    return s;
}

static ssize_t read_plain(ngc_src *s, char *buf, size_t n) {
    if (s->raw_at < s->raw_len) { /* bytes read while detecting */
        size_t k = s->raw_len - s->raw_at < n ? s->raw_len - s->raw_at : n;
        memcpy(buf, s->raw + s->raw_at, k);
        s->raw_at += k;
        return (ssize_t)k;
    }
    if (s->raw_eof) return 0;
    ssize_t r;
    do r = read(s->fd, buf, n);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
        snprintf(s->err, sizeof s->err, "read: %s", strerror(errno));
        return -1;
    }
    s->raw_pos += (uint64_t)r;
    return r;
}

static ssize_t read_gzip(ngc_src *s, char *buf, size_t n) {
    size_t got = 0;
    while (got == 0 && !s->done) {
        if (fill_raw(s) < 0) return -1;
        s->z.next_in = (Bytef *)s->raw + s->raw_at;
        s->z.avail_in = (uInt)(s->raw_len - s->raw_at);
        s->z.next_out = (Bytef *)buf;
        s->z.avail_out = (uInt)(n > (1u << 30) ? 1u << 30 : n);
        uInt before = s->z.avail_out;
        int rc = inflate(&s->z, Z_NO_FLUSH);
        s->raw_at = s->raw_len - s->z.avail_in;
        got = before - s->z.avail_out;
        if (rc == Z_STREAM_END) {
            /* Concatenated gzip members continue; else the end. */
            if (fill_raw(s) < 0) return -1;
            if (s->raw_at < s->raw_len)
                inflateReset(&s->z);
            else
                s->done = true;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            snprintf(s->err, sizeof s->err, "gzip: %s",
                     s->z.msg ? s->z.msg : "corrupt data");
            if (got == 0) return -1;
            s->err_pending = true; /* the good bytes first (a bad CRC comes last) */
            s->done = true;
        } else if (rc == Z_BUF_ERROR && s->raw_eof && got == 0) {
            snprintf(s->err, sizeof s->err, "gzip: truncated input");
            return -1;
        }
    }
    return (ssize_t)got;
}

static ssize_t read_zstd(ngc_src *s, char *buf, size_t n) {
    ZSTD_outBuffer out = {buf, n, 0};
    size_t last = 1;
    while (out.pos == 0) {
        if (fill_raw(s) < 0) return -1;
        if (s->raw_eof && s->raw_at == s->raw_len) {
            if (last != 0 && !s->done) {
                /* Input ended inside a frame: flush what the decoder holds. */
                ZSTD_inBuffer in0 = {s->raw, 0, 0};
                last = ZSTD_decompressStream(s->zs, &out, &in0);
                if (out.pos) break;
                snprintf(s->err, sizeof s->err, "zstd: truncated input");
                return -1;
            }
            return 0;
        }
        ZSTD_inBuffer in = {s->raw, s->raw_len, s->raw_at};
        last = ZSTD_decompressStream(s->zs, &out, &in);
        s->raw_at = in.pos;
        if (ZSTD_isError(last)) {
            if (ZSTD_getErrorCode(last) == ZSTD_error_frameParameter_windowTooLarge)
                window_error(s, s->window_max + 1); /* a later frame */
            else
                snprintf(s->err, sizeof s->err, "zstd: %s", ZSTD_getErrorName(last));
            if (out.pos) {
                s->err_pending = true; /* the bytes decoded so far first */
                break;
            }
            return -1;
        }
        s->done = last == 0;
    }
    return (ssize_t)out.pos;
}

static ssize_t src_read(ngc_src *s, void *buf, size_t n) {
    if (s->err_pending) return -1;
    switch (s->kind) {
    case SRC_GZIP: return read_gzip(s, buf, n);
    case SRC_ZSTD: return read_zstd(s, buf, n);
    default: return read_plain(s, buf, n);
    }
}

ssize_t ngc_src_read(ngc_src *s, void *buf, size_t n) {
    if (s->peek_at < s->peek_len) {
        size_t k = s->peek_len - s->peek_at < n ? s->peek_len - s->peek_at : n;
        memcpy(buf, s->peek + s->peek_at, k);
        s->peek_at += k;
        return (ssize_t)k;
    }
    return src_read(s, buf, n);
}

size_t ngc_src_peek(ngc_src *s, const char **p, size_t n) {
    if (!s->peek && !(s->peek = malloc(n))) n = 0;
    while (s->peek_len < n) {
        ssize_t got = src_read(s, s->peek + s->peek_len, n - s->peek_len);
        if (got <= 0) break; /* errors show up again at the next read */
        s->peek_len += (size_t)got;
    }
    *p = s->peek ? s->peek : "";
    return s->peek_len;
}

const char *ngc_src_error(const ngc_src *s) {
    return s->err;
}

bool ngc_src_compressed(const ngc_src *s) {
    return s->kind != SRC_PLAIN;
}

uint64_t ngc_src_raw_pos(const ngc_src *s) {
    return s->raw_pos;
}

int ngc_src_slurp(ngc_src *s, ngc_buf *b, size_t limit) {
    b->len = 0;
    for (;;) {
        if (ngc_buf_reserve(b, 1u << 16) < 0) {
            snprintf(s->err, sizeof s->err, "out of memory");
            return -1;
        }
        ssize_t n = ngc_src_read(s, b->data + b->len, b->cap - b->len - 1);
        if (n < 0) return -1;
        if (n == 0) return 0;
        b->len += (size_t)n;
        if (b->len > limit) return 1;
    }
}

void ngc_src_close(ngc_src *s) {
    if (!s) return;
    if (s->kind == SRC_GZIP) inflateEnd(&s->z);
    ZSTD_freeDStream(s->zs);
    if (s->fd > 0) close(s->fd);
    free(s->raw);
    free(s->peek);
    free(s);
}
