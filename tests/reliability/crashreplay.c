/*
 * crashreplay.c — rebuilds, from a log written by crashrec.so, the states
 * a power cut could leave on disk, and has each one verified.
 *
 * The model (deliberately pessimistic, like a file system that keeps only
 * what was made durable): a crash point is a prefix of the recorded stream,
 * taken before and after every fsync and rename. In it
 *   - file data written since the last fsync of that file may be lost: all
 *     of it, all of it but kept as zeros (size updated, blocks not), or a
 *     prefix of it (cut inside a write);
 *   - a directory operation (create, rename, unlink, mkdir, rmdir) not
 *     followed by an fsync of every directory it changed may be lost, each
 *     one independently of the others;
 *   - an fsync makes everything before it durable for that file or dir.
 * Variants per point: all (what a SIGKILL leaves), synced (only durable
 * data and names), names-kept (every name, only durable data), data-kept
 * (only durable names, all data), zeroed, renames-only (unsynced renames
 * kept, other unsynced names lost), and R random mixes. Identical
 * states are verified once.
 *
 * A commit is a rename onto a file named MANIFEST. It is promised once
 * its directory has been fsynced after the rename (the end of the commit
 * protocol) or the process that made it has ended (it reported success).
 * At a point, DURABLE is the number of commits promised in the prefix,
 * VISIBLE the number whose rename is in it: the state must show one of the
 * commits DURABLE..VISIBLE (0 = none yet), whatever the model lost.
 *
 * Usage:
 *   crashreplay LOG info                 ops, crash points, commits
 *   crashreplay LOG refs OUT             OUT/ref_K: all-kept state right
 *                                        after commit K; OUT/final: the end
 *   crashreplay LOG run WORK VERIFY [R [SEED]]
 *       for every state: materializes it as WORK/state, runs
 *       VERIFY WORK/state POINT VARIANT DURABLE VISIBLE (exit 0 = holds);
 *       keeps up to 3 failing states as WORK/failed_POINT_VARIANT.
 *       Last line: "crashreplay: ..."; exit 1 on any failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    char kind;           /* C W T S D R U M X */
    long obj;            /* file object (C W T S), -1 otherwise */
    long long off;       /* W: offset; T: length */
    size_t len;          /* W: bytes */
    const uint8_t *data; /* W: into the mapped log */
    char *path;          /* C D U M X; R: from */
    char *path2;         /* R: to */
    long durable_at;     /* dir ops: first op index after which it is durable */
    int commit;          /* R onto MANIFEST: commit number (1-based), else 0 */
    long promised_at;    /* commits: index of the op that promises it */
} op;

static op *ops;
static long n_ops, n_objs, n_commits;

static void die(const char *msg) {
    fprintf(stderr, "crashreplay: %s\n", msg);
    exit(2);
}

static void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p) die("out of memory");
    return p;
}

static char *xstrndup(const char *s, size_t n) {
    char *p = xrealloc(NULL, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* ---- parsing ------------------------------------------------------------- */

typedef struct {
    unsigned long ino;
    long obj;
} ino_map;
static ino_map *inos;
static long n_inos;

static long obj_of(unsigned long ino, int create) {
    for (long i = 0; i < n_inos; i++)
        if (inos[i].ino == ino) {
            if (create) inos[i].obj = n_objs++;
            return inos[i].obj;
        }
    if (!create) return -1; /* a file that existed before recording */
    inos = xrealloc(inos, sizeof *inos * (size_t)(n_inos + 1));
    inos[n_inos].ino = ino;
    inos[n_inos].obj = n_objs++;
    return inos[n_inos++].obj;
}

static void parse(const char *log) {
    int fd = open(log, O_RDONLY);
    if (fd < 0) die("cannot open the log");
    struct stat st;
    if (fstat(fd, &st) < 0) die("cannot stat the log");
    size_t size = (size_t)st.st_size;
    const uint8_t *m = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    if (size && m == MAP_FAILED) die("cannot map the log");
    size_t pos = 0, cap = 0;
    while (pos < size) {
        const uint8_t *nl = memchr(m + pos, '\n', size - pos);
        if (!nl) die("log: truncated record");
        size_t ll = (size_t)(nl - (m + pos));
        char *line = xstrndup((const char *)m + pos, ll);
        pos += ll + 1;
        if (n_ops == (long)cap) {
            cap = cap ? 2 * cap : 1024;
            ops = xrealloc(ops, sizeof *ops * cap);
        }
        op *o = &ops[n_ops];
        memset(o, 0, sizeof *o);
        o->kind = line[0];
        o->obj = -1;
        o->durable_at = -1;
        unsigned long ino = 0;
        int used = 0;
        switch (o->kind) {
        case 'C':
            if (sscanf(line + 2, "%lu %n", &ino, &used) < 1) die("log: bad C");
            o->obj = obj_of(ino, 1);
            o->path = xstrndup(line + 2 + used, strlen(line + 2 + used));
            break;
        case 'W':
            if (sscanf(line + 2, "%lu %lld %zu", &ino, &o->off, &o->len) != 3)
                die("log: bad W");
            if (o->len > size - pos) die("log: truncated write data");
            o->data = m + pos;
            pos += o->len;
            o->obj = obj_of(ino, 0);
            break;
        case 'T':
            if (sscanf(line + 2, "%lu %lld", &ino, &o->off) != 2) die("log: bad T");
            o->obj = obj_of(ino, 0);
            break;
        case 'S':
            if (sscanf(line + 2, "%lu", &ino) != 1) die("log: bad S");
            o->obj = obj_of(ino, 0);
            break;
        case 'E': break;
        case 'D':
        case 'U':
        case 'M':
        case 'X': o->path = xstrndup(line + 2, strlen(line + 2)); break;
        case 'R': {
            char *tab = strchr(line + 2, '\t');
            if (!tab) die("log: bad R");
            o->path = xstrndup(line + 2, (size_t)(tab - (line + 2)));
            o->path2 = xstrndup(tab + 1, strlen(tab + 1));
            const char *base = strrchr(o->path2, '/');
            base = base ? base + 1 : o->path2;
            if (!strcmp(base, "MANIFEST")) o->commit = (int)++n_commits;
            break;
        }
        default: die("log: unknown record");
        }
        free(line);
        /* data ops on files that existed before recording are not modelled */
        if (strchr("WTS", o->kind) && o->obj < 0) die("log: op on an unknown file");
        n_ops++;
    }
}

/* ---- durability of directory operations ------------------------------------ */

static char *parent_of(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? xstrndup(path, (size_t)(s - path)) : xstrndup(".", 1);
}

static int is_dir_op(char k) {
    return k && strchr("CRUMX", k);
}

/* First D of dir after op i, or n_ops when none. */
static long next_dir_sync(const char *dir, long i) {
    for (long j = i + 1; j < n_ops; j++)
        if (ops[j].kind == 'D' && !strcmp(ops[j].path, dir)) return j;
    return n_ops;
}

static void compute_durability(void) {
    for (long i = 0; i < n_ops; i++) {
        if (ops[i].commit) {
            char *dir = parent_of(ops[i].path2);
            ops[i].promised_at = n_ops;
            for (long j = i + 1; j < n_ops; j++)
                if (ops[j].kind == 'E' ||
                    (ops[j].kind == 'D' && !strcmp(ops[j].path, dir))) {
                    ops[i].promised_at = j;
                    break;
                }
            free(dir);
        }
        if (!is_dir_op(ops[i].kind)) continue;
        char *p1 = parent_of(ops[i].path);
        long at = next_dir_sync(p1, i);
        free(p1);
        if (ops[i].kind == 'R') {
            char *p2 = parent_of(ops[i].path2);
            long at2 = next_dir_sync(p2, i);
            if (at2 > at) at = at2;
            free(p2);
        }
        /* a name in a directory whose own name is not durable is not
         * durable either: ancestors are done first (they came first) */
        char *anc = parent_of(ops[i].path);
        while (strcmp(anc, ".")) {
            for (long j = i - 1; j >= 0; j--)
                if (ops[j].kind == 'M' && !strcmp(ops[j].path, anc)) {
                    if (ops[j].durable_at > at) at = ops[j].durable_at;
                    break;
                }
            char *up = parent_of(anc);
            free(anc);
            anc = up;
        }
        free(anc);
        ops[i].durable_at = at;
    }
}

/* ---- states ---------------------------------------------------------------- */

typedef struct {
    char *path;
    long obj; /* -1: directory */
} entry;
typedef struct {
    entry *e;
    long n;
} names;

static long find(const names *ns, const char *path) {
    for (long i = 0; i < ns->n; i++)
        if (!strcmp(ns->e[i].path, path)) return i;
    return -1;
}

static int dir_exists(const names *ns, const char *path) {
    if (!strcmp(path, ".")) return 1;
    long i = find(ns, path);
    return i >= 0 && ns->e[i].obj < 0;
}

static void put(names *ns, const char *path, long obj) {
    long i = find(ns, path);
    if (i < 0) {
        ns->e = xrealloc(ns->e, sizeof *ns->e * (size_t)(ns->n + 1));
        i = ns->n++;
        ns->e[i].path = xstrndup(path, strlen(path));
    }
    ns->e[i].obj = obj;
}

static void drop(names *ns, long i) {
    free(ns->e[i].path);
    ns->e[i] = ns->e[--ns->n];
}

static void apply_dir_op(names *ns, const op *o) {
    char *par = parent_of(o->path);
    int par_ok = dir_exists(ns, par);
    free(par);
    long i = find(ns, o->path);
    switch (o->kind) {
    case 'C':
        if (par_ok) put(ns, o->path, o->obj);
        break;
    case 'M':
        if (par_ok && i < 0) put(ns, o->path, -1);
        break;
    case 'U':
    case 'X':
        if (i >= 0) drop(ns, i);
        break;
    case 'R': {
        if (i < 0) break;
        char *par2 = parent_of(o->path2);
        int ok2 = dir_exists(ns, par2);
        free(par2);
        if (!ok2) break;
        long obj = ns->e[i].obj;
        if (obj < 0) die("renaming a directory is not modelled");
        drop(ns, i);
        put(ns, o->path2, obj);
        break;
    }
    }
}

enum { V_ALL, V_SYNCED, V_NAMES_KEPT, V_DATA_KEPT, V_ZEROED, V_RENAMES, V_RANDOM };
static const char *const variant_names[] = {"all",       "synced", "names-kept",
                                            "data-kept", "zeroed", "renames-only"};

static uint64_t rng_state;
static uint64_t rng(void) { /* splitmix64: deterministic per seed */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void variant_name(int v, char *out, size_t cap) {
    if (v < V_RANDOM)
        snprintf(out, cap, "%s", variant_names[v]);
    else
        snprintf(out, cap, "random%d", v - V_RANDOM + 1);
}

/* renames-only keeps the unsynced renames and the creates of the files
 * they rename, and loses every other unsynced name (a new file not yet
 * named durably while the rename that refers to it is). */
static int renamed_later(long i, long p) {
    if (ops[i].kind == 'R') return 1;
    if (ops[i].kind != 'C') return 0;
    for (long j = i + 1; j < p; j++)
        if (ops[j].kind == 'R' && !strcmp(ops[j].path, ops[i].path)) return 1;
    return 0;
}

/* The names at point p (ops [0, p) happened) for variant v. */
static names names_at(long p, int v) {
    names ns = {NULL, 0};
    for (long i = 0; i < p; i++) {
        if (!is_dir_op(ops[i].kind)) continue;
        int durable = ops[i].durable_at < p;
        int keep = durable || v == V_ALL || v == V_NAMES_KEPT || v == V_ZEROED ||
                   (v == V_RENAMES && renamed_later(i, p)) ||
                   (v >= V_RANDOM && (rng() & 1));
        if (keep) apply_dir_op(&ns, &ops[i]);
    }
    return ns;
}

typedef struct {
    uint8_t *d;
    size_t n, cap;
} buf;

static void buf_resize(buf *b, size_t n) {
    if (n > b->cap) {
        b->cap = n * 2;
        b->d = xrealloc(b->d, b->cap);
    }
    if (n > b->n) memset(b->d + b->n, 0, n - b->n);
    b->n = n;
}

static void apply_data(buf *b, const op *o, size_t keep, int zero) {
    if (o->kind == 'T') {
        buf_resize(b, (size_t)o->off);
        return;
    }
    size_t end = (size_t)o->off + keep;
    if (end > b->n) buf_resize(b, end);
    if (zero)
        memset(b->d + o->off, 0, keep);
    else
        memcpy(b->d + o->off, o->data, keep);
}

/* The content of obj at point p for variant v. */
static void content_at(long obj, long p, int v, buf *b) {
    b->n = 0;
    long last_sync = -1;
    for (long i = 0; i < p; i++)
        if (ops[i].kind == 'S' && ops[i].obj == obj) last_sync = i;
    long unsynced = 0;
    for (long i = last_sync + 1; i < p; i++)
        if (ops[i].obj == obj && (ops[i].kind == 'W' || ops[i].kind == 'T')) unsynced++;
    long cut = unsynced; /* unsynced data ops kept */
    size_t partial = 0;  /* bytes kept of the op at the cut */
    if (v == V_SYNCED || v == V_NAMES_KEPT) cut = 0;
    if (v >= V_RANDOM && unsynced) {
        cut = (long)(rng() % (uint64_t)(unsynced + 1));
        partial = (size_t)rng();
    }
    long seen = 0;
    for (long i = 0; i < p; i++) {
        const op *o = &ops[i];
        if (o->obj != obj || (o->kind != 'W' && o->kind != 'T')) continue;
        if (i < last_sync) {
            apply_data(b, o, o->len, 0);
            continue;
        }
        if (v == V_ZEROED) {
            apply_data(b, o, o->len, 1);
            continue;
        }
        if (seen < cut)
            apply_data(b, o, o->len, 0);
        else if (seen == cut && o->kind == 'W' && partial % o->len)
            apply_data(b, o, partial % o->len, 0);
        else
            break;
        seen++;
    }
}

/* ---- materializing ---------------------------------------------------------- */

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f) {
    (void)st;
    (void)flag;
    (void)f;
    return remove(p);
}

static void rm_rf(const char *dir) {
    struct stat st;
    if (lstat(dir, &st) == 0) nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
    const uint8_t *c = p;
    for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 0x100000001b3ULL;
    return h;
}

static int by_path(const void *a, const void *b) {
    return strcmp(((const entry *)a)->path, ((const entry *)b)->path);
}

/* Builds state (p, v); writes it under out unless out is NULL; returns
 * its digest. */
static uint64_t materialize(long p, int v, const char *out) {
    names ns = names_at(p, v);
    if (ns.n) qsort(ns.e, (size_t)ns.n, sizeof *ns.e, by_path); /* parents first */
    uint64_t h = 0xcbf29ce484222325ULL;
    if (out) {
        rm_rf(out);
        if (mkdir(out, 0755) < 0) die("cannot create the state directory");
    }
    buf b = {NULL, 0, 0};
    char path[8192];
    for (long i = 0; i < ns.n; i++) {
        const entry *e = &ns.e[i];
        h = fnv(h, e->path, strlen(e->path) + 1);
        snprintf(path, sizeof path, "%s/%s", out ? out : "", e->path);
        if (e->obj < 0) {
            h = fnv(h, "/", 1);
            if (out && mkdir(path, 0755) < 0) die("mkdir in the state failed");
            continue;
        }
        content_at(e->obj, p, v, &b);
        h = fnv(h, &b.n, sizeof b.n);
        h = fnv(h, b.d, b.n);
        if (!out) continue;
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || (b.n && write(fd, b.d, b.n) != (ssize_t)b.n) || close(fd) < 0)
            die("writing the state failed");
    }
    free(b.d);
    for (long i = 0; i < ns.n; i++) free(ns.e[i].path);
    free(ns.e);
    return h;
}

/* ---- crash points ------------------------------------------------------------ */

static int is_boundary(char k) {
    return k == 'S' || k == 'D' || k == 'R';
}

/* Points p (prefix lengths) before and after every fsync and rename, and
 * the end; *n receives how many. */
static long *crash_points(long *n) {
    long *pts = xrealloc(NULL, sizeof *pts * (size_t)(2 * n_ops + 1));
    *n = 0;
    for (long p = 0; p <= n_ops; p++) {
        int before = p < n_ops && is_boundary(ops[p].kind);
        int after = p > 0 && is_boundary(ops[p - 1].kind);
        if (before || after || p == n_ops) pts[(*n)++] = p;
    }
    return pts;
}

static void commits_at(long p, int *durable, int *visible) {
    *durable = *visible = 0;
    for (long i = 0; i < p; i++) {
        if (!ops[i].commit) continue;
        *visible = ops[i].commit;
        if (ops[i].promised_at < p) *durable = ops[i].commit;
    }
}

/* ---- commands ------------------------------------------------------------------ */

static int cmd_info(void) {
    long n_pts;
    free(crash_points(&n_pts));
    long counts[128] = {0};
    for (long i = 0; i < n_ops; i++) counts[(unsigned char)ops[i].kind]++;
    printf("ops %ld (creates %ld, writes %ld, truncates %ld, file fsyncs %ld, "
           "dir fsyncs %ld, renames %ld, unlinks %ld, mkdirs %ld)\n",
           n_ops, counts['C'], counts['W'], counts['T'], counts['S'], counts['D'],
           counts['R'], counts['U'], counts['M']);
    printf("processes %ld\n", counts['E']);
    printf("files %ld\ncrash points %ld\ncommits %ld\n", n_objs, n_pts, n_commits);
    return 0;
}

static int cmd_refs(const char *out) {
    char path[4096];
    mkdir(out, 0755);
    for (long i = 0; i < n_ops; i++) {
        if (!ops[i].commit) continue;
        snprintf(path, sizeof path, "%s/ref_%d", out, ops[i].commit);
        materialize(i + 1, V_ALL, path);
    }
    snprintf(path, sizeof path, "%s/final", out);
    materialize(n_ops, V_ALL, path);
    printf("%ld\n", n_commits);
    return 0;
}

static int run_verify(const char *verify, const char *state, long p, int v, int durable,
                      int visible, const char *log_path) {
    char sp[32], sv[32], sd[32], svis[32];
    snprintf(sp, sizeof sp, "%ld", p);
    variant_name(v, sv, sizeof sv);
    snprintf(sd, sizeof sd, "%d", durable);
    snprintf(svis, sizeof svis, "%d", visible);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) die("fork failed");
    if (pid == 0) {
        int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execl(verify, verify, state, sp, sv, sd, svis, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) die("waitpid failed");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void print_file(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[1024];
    for (int i = 0; i < 12 && fgets(line, sizeof line, f); i++) printf("    | %s", line);
    fclose(f);
}

typedef struct {
    uint64_t *h;
    long n, cap;
} digest_set;

static int seen_before(digest_set *s, uint64_t h) {
    for (long i = 0; i < s->n; i++)
        if (s->h[i] == h) return 1;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->h = xrealloc(s->h, sizeof *s->h * (size_t)s->cap);
    }
    s->h[s->n++] = h;
    return 0;
}

static int cmd_run(const char *work, const char *verify, int n_random, uint64_t seed) {
    long n_pts;
    long *pts = crash_points(&n_pts);
    char state[4096], log_path[4096], keep[4096];
    snprintf(state, sizeof state, "%s/state", work);
    snprintf(log_path, sizeof log_path, "%s/verify.log", work);
    digest_set seen = {NULL, 0, 0};
    long states = 0, distinct = 0, failures = 0, per_variant[64] = {0};
    int n_variants = V_RANDOM + n_random;
    if (n_variants > 64) n_variants = 64;
    for (long k = 0; k < n_pts; k++) {
        long p = pts[k];
        int durable, visible;
        commits_at(p, &durable, &visible);
        for (int v = 0; v < n_variants; v++) {
            /* each (point, variant) draws the same numbers twice: once
             * for the digest, once to write it */
            uint64_t s0 = seed ^ ((uint64_t)p << 16) ^ (uint64_t)v;
            rng_state = s0;
            /* the same files under other expectations are another case */
            uint64_t h = materialize(p, v, NULL);
            uint64_t expect[3] = {(uint64_t)durable, (uint64_t)visible, v == V_SYNCED};
            h = fnv(h, expect, sizeof expect);
            states++;
            if (seen_before(&seen, h)) continue;
            distinct++;
            per_variant[v]++;
            rng_state = s0;
            materialize(p, v, state);
            int rc = run_verify(verify, state, p, v, durable, visible, log_path);
            if (rc == 0) continue;
            failures++;
            char vn[32];
            variant_name(v, vn, sizeof vn);
            if (failures <= 10) {
                printf("FAIL: point %ld/%ld (after op %ld '%c'), variant %s, "
                       "durable commit %d, visible %d: verify exit %d\n",
                       p, n_ops, p - 1, p > 0 ? ops[p - 1].kind : '-', vn, durable,
                       visible, rc);
                print_file(log_path);
            }
            if (failures <= 3) {
                snprintf(keep, sizeof keep, "%s/failed_%ld_%s", work, p, vn);
                rm_rf(keep);
                rename(state, keep);
            }
        }
    }
    rm_rf(state);
    printf("crashreplay: variants verified:");
    for (int v = 0; v < n_variants && v < V_RANDOM; v++)
        printf(" %s %ld", variant_names[v], per_variant[v]);
    long rnd = 0;
    for (int v = V_RANDOM; v < n_variants; v++) rnd += per_variant[v];
    printf(" random %ld\n", rnd);
    printf("crashreplay: %ld ops, %ld commits, %ld crash points, %ld states "
           "(%ld distinct) verified, %ld failures\n",
           n_ops, n_commits, n_pts, states, distinct, failures);
    free(pts);
    free(seen.h);
    return failures ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr,
                "usage: crashreplay LOG info | refs OUT | run WORK VERIFY [R [SEED]]\n");
        return 2;
    }
    parse(argv[1]);
    compute_durability();
    if (!strcmp(argv[2], "info")) return cmd_info();
    if (!strcmp(argv[2], "refs") && argc == 4) return cmd_refs(argv[3]);
    if (!strcmp(argv[2], "run") && argc >= 5)
        return cmd_run(argv[3], argv[4], argc > 5 ? atoi(argv[5]) : 2,
                       argc > 6 ? strtoull(argv[6], NULL, 10) : 1);
    fprintf(stderr, "crashreplay: bad arguments\n");
    return 2;
}
