/*
 * serve_load.c — a small load generator for `newsgrep serve`: N keep-alive
 * connections to 127.0.0.1 driven by one epoll loop, each sending the next
 * query of a qid<TAB>query file as GET /api/search?q=...&PARAMS as soon as
 * its previous answer is complete, for a bounded time. Prints one line:
 * connections, requests, errors (status not 200), throughput, p50 / p99 /
 * mean latency in ms (from the request's write to its answer's last byte).
 *   serve_load PORT QUERIES.tsv CONNECTIONS SECONDS [PARAMS]
 * e.g. serve_load 8080 q.tsv 8 5 'k=10&fields=id,score'
 * QUERIES "healthz" sends GET /healthz instead: the HTTP path alone.
 * "overhead" is the median of each answer's latency minus the took_ms the
 * server measured around its parse + search + hits (the HTTP part: request
 * parsing, routing, JSON text, sockets, this client).
 * With $SERVE_LOAD_LAT set, every request's qid<TAB>ms goes to that file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS   1024
#define MAX_SECONDS 120

typedef struct conn {
    int fd;
    size_t req; /* the query being answered */
    char *buf;  /* the answer so far */
    size_t len, cap;
    double sent; /* when the request was written */
} conn;

static char **reqs;   /* ready request texts */
static char **qids;   /* their qids */
static FILE *lat_out; /* $SERVE_LOAD_LAT */
static size_t n_reqs, next_req;
static double *lat; /* latencies (s) */
static size_t n_lat, cap_lat;
static double *ovh; /* latency - took_ms (s), for answers that have it */
static size_t n_ovh;
static size_t errors;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what) {
    fprintf(stderr, "serve_load: %s: %s\n", what, strerror(errno));
    exit(2);
}

/* Percent-encodes s for a query string. */
static void urlenc(const char *s, char *out) {
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            *out++ = (char)c;
        } else {
            *out++ = '%';
            *out++ = hex[c >> 4];
            *out++ = hex[c & 15];
        }
    }
    *out = '\0';
}

static void load_queries(const char *path, const char *params) {
    if (strcmp(path, "healthz") == 0) {
        reqs = malloc(sizeof *reqs);
        qids = malloc(sizeof *qids);
        if (!reqs || !qids ||
            !(reqs[0] = strdup("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")))
            die("memory");
        qids[0] = "healthz";
        n_reqs = 1;
        return;
    }
    FILE *f = fopen(path, "r");
    if (!f) die(path);
    char line[8192], enc[3 * 8192];
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab || !tab[1]) continue;
        urlenc(tab + 1, enc);
        if (n_reqs == cap) {
            cap = cap ? cap * 2 : 256;
            reqs = realloc(reqs, cap * sizeof *reqs);
            qids = realloc(qids, cap * sizeof *qids);
            if (!reqs || !qids) die("memory");
        }
        size_t n = strlen(enc) + strlen(params) + 96;
        char *r = malloc(n);
        if (!r) die("memory");
        snprintf(r, n, "GET /api/search?q=%s%s%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                 enc, *params ? "&" : "", params);
        *tab = '\0';
        if (!(qids[n_reqs] = strdup(line))) die("memory");
        reqs[n_reqs++] = r;
    }
    fclose(f);
    if (!n_reqs) {
        fprintf(stderr, "serve_load: %s: no qid<TAB>query lines\n", path);
        exit(2);
    }
}

static void send_next(conn *c) {
    c->req = next_req++ % n_reqs;
    const char *r = reqs[c->req];
    size_t n = strlen(r), off = 0;
    c->len = 0;
    c->sent = now();
    while (off < n) { /* small requests: the socket buffer takes them */
        ssize_t w = write(c->fd, r + off, n - off);
        if (w < 0 && errno != EINTR) die("write");
        off += w > 0 ? (size_t)w : 0;
    }
}

/* Whether c->buf holds a whole answer (headers + Content-Length bytes). */
static int complete(conn *c, int *status) {
    c->buf[c->len] = '\0';
    char *end = strstr(c->buf, "\r\n\r\n");
    if (!end) return 0;
    char *cl = strcasestr(c->buf, "\r\nContent-Length:");
    size_t body = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
    if (c->len < (size_t)(end + 4 - c->buf) + body) return 0;
    *status = atoi(c->buf + 9);
    return 1;
}

static void record(double s, const char *body) {
    if (n_lat == cap_lat) {
        cap_lat = cap_lat ? cap_lat * 2 : 4096;
        lat = realloc(lat, cap_lat * sizeof *lat);
        ovh = realloc(ovh, cap_lat * sizeof *ovh);
        if (!lat || !ovh) die("memory");
    }
    lat[n_lat++] = s;
    const char *t = strstr(body, "\"took_ms\":");
    if (t) ovh[n_ovh++] = s - atof(t + 10) * 1e-3;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr,
                "usage: serve_load PORT QUERIES.tsv CONNECTIONS SECONDS [PARAMS]\n");
        return 2;
    }
    int port = atoi(argv[1]), nc = atoi(argv[3]);
    double seconds = atof(argv[4]);
    if (port <= 0 || port > 65535 || nc < 1 || nc > MAX_CONNS || seconds <= 0 ||
        seconds > MAX_SECONDS) {
        fprintf(stderr, "serve_load: PORT 1-65535, CONNECTIONS 1-%d, SECONDS up to %d\n",
                MAX_CONNS, MAX_SECONDS);
        return 2;
    }
    load_queries(argv[2], argc > 5 ? argv[5] : "");
    const char *lp = getenv("SERVE_LOAD_LAT");
    if (lp && *lp && !(lat_out = fopen(lp, "w"))) die(lp);
    int ep = epoll_create1(0);
    conn *cs = calloc((size_t)nc, sizeof *cs);
    if (ep < 0 || !cs) die("epoll");
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < nc; i++) {
        conn *c = &cs[i];
        c->fd = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0)
            die("connect");
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c->cap = 1 << 16;
        c->buf = malloc(c->cap + 1);
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (!c->buf || epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) die("epoll_ctl");
    }
    double t0 = now(), stop = t0 + seconds;
    for (int i = 0; i < nc; i++) send_next(&cs[i]);
    struct epoll_event evs[64];
    while (now() < stop) {
        int n = epoll_wait(ep, evs, 64, 100);
        for (int i = 0; i < n; i++) {
            conn *c = evs[i].data.ptr;
            if (c->len + 4096 > c->cap) {
                c->cap *= 2;
                if (!(c->buf = realloc(c->buf, c->cap + 1))) die("memory");
            }
            ssize_t r = read(c->fd, c->buf + c->len, c->cap - c->len);
            if (r <= 0) {
                fprintf(stderr, "serve_load: the server closed a connection\n");
                return 1;
            }
            c->len += (size_t)r;
            int status;
            if (!complete(c, &status)) continue;
            double t = now();
            record(t - c->sent, c->buf);
            if (lat_out)
                fprintf(lat_out, "%s\t%.4f\n", qids[c->req], (t - c->sent) * 1e3);
            if (status != 200) errors++;
            if (t < stop) send_next(c);
        }
    }
    double wall = now() - t0;
    qsort(lat, n_lat, sizeof *lat, cmp_d);
    qsort(ovh, n_ovh, sizeof *ovh, cmp_d);
    double sum = 0;
    for (size_t i = 0; i < n_lat; i++) sum += lat[i];
    printf("connections %d requests %zu errors %zu throughput %.0f/s p50 %.3f ms p99 "
           "%.3f ms "
           "mean %.3f ms overhead %.3f ms\n",
           nc, n_lat, errors, (double)n_lat / wall, n_lat ? lat[n_lat / 2] * 1e3 : 0,
           n_lat ? lat[(size_t)((double)n_lat * 0.99)] * 1e3 : 0,
           n_lat ? sum / (double)n_lat * 1e3 : 0, n_ovh ? ovh[n_ovh / 2] * 1e3 : 0);
    if (lat_out && fclose(lat_out) != 0) die("SERVE_LOAD_LAT");
    return errors ? 1 : 0;
}
