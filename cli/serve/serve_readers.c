/*
 * serve_readers.c — the server's reader: one snapshot shared by every
 * request thread, replaced when a commit changes an index's MANIFEST (one
 * stat per index per request: a commit renames a new MANIFEST in place, so
 * its inode and time change). A new snapshot is opened beside the old one;
 * requests already running finish on the old one, which is freed by the
 * last of them. A writer (index, merge, delete) can work meanwhile: a
 * failed reopen (files of a merge deleted under us) keeps the old snapshot
 * and is retried a moment later.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "serve.h"

#define RETRY_SECONDS 0.5 /* after a failed reopen */

typedef struct manifest_sig {
    dev_t dev;
    ino_t ino;
    off_t size;
    long long mtime_ns;
} manifest_sig;

struct ngs_readers {
    char **dirs; /* the index directories */
    size_t n;
    pthread_mutex_t mu; /* guards everything below */
    ngs_snap *cur;      /* the current snapshot */
    manifest_sig *sig;  /* the manifests cur was opened from */
    bool reopening;     /* one thread reopens, the others go on */
    double retry_at;    /* no reopen before (after a failure) */
    unsigned reopens;   /* snapshots opened after the first */
    char err[512];      /* the last reopen error, "" after a success */
};

static void read_sig(const char *dir, manifest_sig *s) {
    char path[4096];
    struct stat st;
    memset(s, 0, sizeof *s);
    snprintf(path, sizeof path, "%s/MANIFEST", dir);
    if (stat(path, &st) == 0) {
        s->dev = st.st_dev;
        s->ino = st.st_ino;
        s->size = st.st_size;
        s->mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    }
}

/* Opens the indexes as one reader; on failure err says why. */
static ng_reader *open_all(char *const *dirs, size_t n, char *err, size_t cap) {
    ng_reader *r = NULL;
    int rc = ng_reader_open_many(&r, (const char *const *)dirs, n, 0);
    if (rc == 0) return r;
    if (rc == NG_ENOINDEX && n == 1)
        snprintf(err, cap,
                 "%s: no index here (create one with 'newsgrep index -i %s FILE...')",
                 dirs[0], dirs[0]);
    else if (n == 1)
        snprintf(err, cap, "%s: %s", dirs[0], r ? ng_reader_errmsg(r) : ng_strerror(rc));
    else /* the message names the directory */
        snprintf(err, cap, "%s", r ? ng_reader_errmsg(r) : ng_strerror(rc));
    ng_reader_free(r);
    return NULL;
}

static ngs_snap *snap_new(ng_reader *r) {
    ngs_snap *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->reader = r;
    s->refs = 1; /* the holder's reference */
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

static void snap_free(ngs_snap *s) {
    if (!s) return;
    ng_reader_free(s->reader);
    json_decref(s->stats);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

ngs_readers *ngs_readers_open(const char *const *dirs, size_t n) {
    ngs_readers *rs = calloc(1, sizeof *rs);
    if (!rs || !(rs->dirs = calloc(n, sizeof *rs->dirs)) ||
        !(rs->sig = calloc(n, sizeof *rs->sig))) {
        ngc_err("serve: out of memory");
        ngs_readers_free(rs);
        return NULL;
    }
    pthread_mutex_init(&rs->mu, NULL);
    for (size_t i = 0; i < n; i++) {
        rs->dirs[rs->n++] = strdup(dirs[i]);
        read_sig(dirs[i], &rs->sig[i]);
    }
    char err[512];
    ng_reader *r = open_all(rs->dirs, rs->n, err, sizeof err);
    if (!r || !(rs->cur = snap_new(r))) {
        ngc_err("%s", r ? "serve: out of memory" : err);
        ng_reader_free(r);
        ngs_readers_free(rs);
        return NULL;
    }
    return rs;
}

void ngs_readers_free(ngs_readers *rs) {
    if (!rs) return;
    snap_free(rs->cur);
    for (size_t i = 0; i < rs->n; i++) free(rs->dirs[i]);
    free(rs->dirs);
    free(rs->sig);
    pthread_mutex_destroy(&rs->mu);
    free(rs);
}

/* Opens the new commit and makes it current (called by one thread at a
 * time, without the lock held while opening). */
static void reopen(ngs_readers *rs, const manifest_sig *now) {
    char err[512] = "";
    ng_reader *r = open_all(rs->dirs, rs->n, err, sizeof err);
    ngs_snap *s = r ? snap_new(r) : NULL;
    if (r && !s) {
        ng_reader_free(r);
        snprintf(err, sizeof err, "out of memory");
    }
    ngs_snap *old = NULL;
    pthread_mutex_lock(&rs->mu);
    if (s) {
        old = rs->cur;
        rs->cur = s;
        memcpy(rs->sig, now, rs->n * sizeof *now);
        rs->reopens++;
        rs->err[0] = '\0';
        if (--old->refs > 0) old = NULL; /* its last request frees it */
    } else {
        if (strcmp(err, rs->err) != 0)
            ngc_err("serve: reopen failed, still serving the previous commit: %s", err);
        snprintf(rs->err, sizeof rs->err, "%s", err);
        rs->retry_at = ngc_now() + RETRY_SECONDS;
    }
    rs->reopening = false;
    pthread_mutex_unlock(&rs->mu);
    snap_free(old);
}

ngs_snap *ngs_acquire(ngs_readers *rs) {
    manifest_sig now[8], *sig = rs->n <= 8 ? now : malloc(rs->n * sizeof *sig);
    if (sig)
        for (size_t i = 0; i < rs->n; i++) read_sig(rs->dirs[i], &sig[i]);
    pthread_mutex_lock(&rs->mu);
    bool go = sig && !rs->reopening && memcmp(sig, rs->sig, rs->n * sizeof *sig) != 0 &&
              (rs->retry_at == 0 || ngc_now() >= rs->retry_at);
    if (go) rs->reopening = true;
    pthread_mutex_unlock(&rs->mu);
    if (go) reopen(rs, sig);
    if (sig != now) free(sig);
    pthread_mutex_lock(&rs->mu);
    ngs_snap *s = rs->cur;
    s->refs++;
    pthread_mutex_unlock(&rs->mu);
    return s;
}

void ngs_release(ngs_readers *rs, ngs_snap *s) {
    pthread_mutex_lock(&rs->mu);
    bool last = --s->refs == 0;
    pthread_mutex_unlock(&rs->mu);
    if (last) snap_free(s);
}

void ngs_readers_status(ngs_readers *rs, unsigned *reopens, char *err, size_t cap) {
    pthread_mutex_lock(&rs->mu);
    *reopens = rs->reopens;
    snprintf(err, cap, "%s", rs->err);
    pthread_mutex_unlock(&rs->mu);
}
