/*
 * cmd_serve.c — `newsgrep serve`: an HTTP server (libmicrohttpd) over an
 * index. The JSON API is in serve_api.c, the search page's files are
 * compiled in (cli/serve/), the shared reader is in serve_readers.c. Here:
 * the options, the daemon, and one function that routes a request and
 * adds the security headers to every answer. Read-only: only GET and HEAD.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "mhd_load.h"
#include "serve.h"

#define MAX_THREADS     256
#define MAX_CONNECTIONS 1000

/* The page needs its own scripts, styles and API, nothing else. */
static const char csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

enum { O_LISTEN = 256, O_THREADS, O_TIMEOUT };

static const struct option serve_opts[] = {{"index", required_argument, 0, 'i'},
                                           {"help", no_argument, 0, 'h'},
                                           {"listen", required_argument, 0, O_LISTEN},
                                           {"threads", required_argument, 0, O_THREADS},
                                           {"timeout", required_argument, 0, O_TIMEOUT},
                                           {0, 0, 0, 0}};

typedef struct server {
    const char **dirs; /* -i, in order */
    size_t n_dirs;
    ngs_readers *readers;
} server;

/* ---- answers ----------------------------------------------------------- */

static enum MHD_Result send_buffer(struct MHD_Connection *c, unsigned status,
                                   const char *type, void *data, size_t len,
                                   enum MHD_ResponseMemoryMode mode, bool cache) {
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, mode);
    if (!r) {
        if (mode == MHD_RESPMEM_MUST_FREE) free(data);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Content-Security-Policy", csp);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", cache ? "no-cache" : "no-store");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, "Allow", "GET, HEAD");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result send_reply(struct MHD_Connection *c, ngs_reply *rp) {
    if (!rp->body) /* a handler that answered nothing: out of memory */
        ngs_error(rp, 503, -1, "out of memory");
    char *s = rp->body ? json_dumps(rp->body, NGC_JSON_FLAGS) : NULL;
    json_decref(rp->body);
    if (!s) return MHD_NO;
    if (rp->status >= 500) ngc_err("serve: %u %s", rp->status, s);
    size_t n = strlen(s);
    s[n] = '\n'; /* one line, like the command's output: the NUL goes */
    return send_buffer(c, rp->status, "application/json; charset=utf-8", s, n + 1,
                       MHD_RESPMEM_MUST_FREE, false);
}

/* ---- requests ---------------------------------------------------------- */

typedef struct arg_walk {
    ngs_args *a;
    const char *bad; /* why the parameters are refused */
    char what[128];
} arg_walk;

static enum MHD_Result take_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                size_t key_size, const char *value, size_t value_size) {
    (void)kind;
    arg_walk *w = cls;
    size_t limit = key && strcmp(key, "q") == 0 ? NGS_MAX_QUERY_BYTES : NGS_MAX_ARG_BYTES;
    if (!key || !*key || strlen(key) != key_size)
        w->bad = "a parameter without a name";
    else if (value && strlen(value) != value_size)
        snprintf(w->what, sizeof w->what, "%.64s: contains a NUL byte", key);
    else if (value_size > limit)
        snprintf(w->what, sizeof w->what, "%.64s: %zu bytes, the limit is %zu", key,
                 value_size, limit);
    else if (ngs_arg(w->a, key))
        snprintf(w->what, sizeof w->what, "parameter '%.64s' given twice", key);
    else if (w->a->n == NGS_MAX_ARGS)
        w->bad = "too many parameters";
    else {
        w->a->name[w->a->n] = key;
        w->a->value[w->a->n++] = value ? value : "";
        return MHD_YES;
    }
    if (!w->bad) w->bad = w->what;
    return MHD_NO;
}

static const ngs_asset *find_asset(const char *url) {
    for (size_t i = 0; i < ngs_n_assets; i++)
        if (strcmp(ngs_assets[i].path, url) == 0) return &ngs_assets[i];
    return NULL;
}

static void route_api(server *sv, struct MHD_Connection *c, const char *url,
                      ngs_reply *rp) {
    ngs_args args = {0};
    arg_walk w = {&args, NULL, ""};
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, take_arg, &w);
    if (w.bad) return ngs_error(rp, 400, -1, "%s", w.bad);
    bool any = args.n > 0;
    if (strcmp(url, "/api/search") == 0)
        ngs_api_search(sv->readers, &args, rp);
    else if (strcmp(url, "/api/timeline") == 0)
        ngs_api_timeline(sv->readers, &args, rp);
    else if (strncmp(url, "/api/doc/", 9) == 0 && !any)
        ngs_api_doc(sv->readers, url + 9, strlen(url + 9), rp);
    else if (strcmp(url, "/api/stats") == 0 && !any)
        ngs_api_stats(sv->readers, sv->dirs, sv->n_dirs, rp);
    else if (strcmp(url, "/healthz") == 0 && !any)
        ngs_api_health(sv->readers, rp);
    else if (any && (strncmp(url, "/api/doc/", 9) == 0 ||
                     strcmp(url, "/api/stats") == 0 || strcmp(url, "/healthz") == 0))
        ngs_error(rp, 400, -1, "unknown parameter '%.64s'", args.name[0]);
    else
        ngs_error(rp, 404, -1, "no such endpoint: %.200s", url);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **state) {
    (void)version, (void)upload;
    static int seen;
    server *sv = cls;
    /* The first call only sees the headers; answering then makes the
     * library close the connection (no keep-alive). A body is refused
     * there, before it is read. */
    const char *clen = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    bool body = (clen && strcmp(clen, "0") != 0) ||
                MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding");
    if (!*state && !body && *upload_size == 0) {
        *state = &seen;
        return MHD_YES;
    }
    ngs_reply rp = {0, NULL};
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        ngs_error(&rp, 405, -1,
                  "method %.16s not allowed: the server is read-only (GET, HEAD)",
                  method);
    else if (body)
        ngs_error(&rp, 413, -1, "a request body is not accepted");
    else if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/healthz") == 0)
        route_api(sv, c, url, &rp);
    else {
        const ngs_asset *as = find_asset(url);
        if (as)
            return send_buffer(c, 200, as->type, (void *)as->data, as->len,
                               MHD_RESPMEM_PERSISTENT, true);
        ngs_error(&rp, 404, -1, "not found: %.200s", url);
    }
    return send_reply(c, &rp);
}

/* ---- options and the daemon -------------------------------------------- */

/* "HOST:PORT" (IPv4) or "[HOST]:PORT" (IPv6) into a socket address. */
static int parse_listen(const char *s, struct sockaddr_storage *sa, bool *v6,
                        bool *loopback) {
    char host[64];
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || !colon[1] || (size_t)(colon - s) >= sizeof host)
        return -1;
    const char *h = s;
    size_t hl = (size_t)(colon - s);
    if (s[0] == '[') {
        if (colon[-1] != ']') return -1;
        h++, hl -= 2;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    char *end;
    errno = 0;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (errno || *end || port > 65535 || colon[1] == '-' || colon[1] == '+') return -1;
    memset(sa, 0, sizeof *sa);
    *v6 = s[0] == '[';
    if (*v6) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)sa;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1) return -1;
        *loopback = IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)sa;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) return -1;
        *loopback = (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
    }
    return 0;
}

typedef struct serve_args {
    const char **dirs;
    size_t n_dirs;
    const char *listen;
    size_t threads;
    size_t timeout;
} serve_args;

static int add_dir(serve_args *a, const char *dir) {
    const char **d = realloc(a->dirs, (a->n_dirs + 1) * sizeof *d);
    if (!d) {
        ngc_err("serve: out of memory");
        return NGC_EXIT_ERROR;
    }
    a->dirs = d;
    a->dirs[a->n_dirs++] = dir;
    return 0;
}

/* No -i: the default index, or the directories of $NEWSGREP_INDEX
 * separated by colons (*copy holds them). */
static int env_dirs(serve_args *a, char **copy) {
    const char *env = getenv("NEWSGREP_INDEX"); /* the list itself, not a label */
    if (!(*copy = strdup(env && *env ? env : "./.newsgrep"))) return NGC_EXIT_ERROR;
    for (char *p = *copy, *next; p; p = next) {
        next = strchr(p, ':');
        if (next) *next++ = '\0';
        if (*p && add_dir(a, p) != 0) return NGC_EXIT_ERROR;
    }
    return a->n_dirs ? 0 : add_dir(a, "./.newsgrep");
}

static int parse_args(int argc, char **argv, serve_args *a) {
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":i:h", serve_opts, NULL)) != -1) {
        switch (c) {
        case 'h': ngc_help(stdout, "serve"); return -1;
        case 'i':
            if (add_dir(a, optarg) != 0) return NGC_EXIT_ERROR;
            break;
        case O_LISTEN: a->listen = optarg; break;
        case O_THREADS:
            if (ngc_parse_size("--threads", optarg, &a->threads) < 0)
                return NGC_EXIT_ERROR;
            if (a->threads < 1 || a->threads > MAX_THREADS)
                return ngc_usage_error("serve", "--threads: 1 to %d, not %s", MAX_THREADS,
                                       optarg);
            break;
        case O_TIMEOUT:
            if (ngc_parse_size("--timeout", optarg, &a->timeout) < 0)
                return NGC_EXIT_ERROR;
            if (a->timeout < 1 || a->timeout > 3600)
                return ngc_usage_error("serve", "--timeout: 1 to 3600 seconds, not %s",
                                       optarg);
            break;
        default:
            return ngc_usage_error(
                "serve", c == ':' ? "option '%s' needs a value" : "unknown option '%s'",
                argv[optind - 1]);
        }
    }
    if (optind < argc)
        return ngc_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    return 0;
}

static struct MHD_Daemon *start(server *sv, const serve_args *a,
                                struct sockaddr_storage *sa, bool v6) {
    unsigned flags =
        MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | (v6 ? MHD_USE_IPv6 : 0);
    unsigned pool = a->threads > 1 ? (unsigned)a->threads : 0;
    return MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, sv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)sa,
        MHD_OPTION_THREAD_POOL_SIZE, pool, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)a->timeout, MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)NGS_REQUEST_MEMORY,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 256u, MHD_OPTION_END);
}

/* Waits for SIGINT or SIGTERM (blocked before the daemon's threads start,
 * so that they do not take them). */
static void wait_for_stop(const sigset_t *set) {
    int sig;
    while (sigwait(set, &sig) != 0)
        ;
}

int ngc_cmd_serve(int argc, char **argv) {
    serve_args a = {NULL, 0, "127.0.0.1:8080", 0, 10};
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    a.threads = cpus > 0 ? (size_t)(cpus < MAX_THREADS ? cpus : MAX_THREADS) : 2;
    int rc = parse_args(argc, argv, &a);
    if (rc) {
        free(a.dirs);
        return rc < 0 ? 0 : rc;
    }
    struct sockaddr_storage sa;
    bool v6 = false, loopback = false;
    if (parse_listen(a.listen, &sa, &v6, &loopback) < 0) {
        free(a.dirs);
        return ngc_usage_error("serve",
                               "--listen: ADDRESS:PORT (127.0.0.1:8080, [::1]:8080), "
                               "not '%s'",
                               a.listen);
    }
    char *env = NULL; /* without -i: $NEWSGREP_INDEX, a colon-separated list */
    if (!a.n_dirs && (rc = env_dirs(&a, &env)) != 0) {
        free(a.dirs);
        free(env);
        return rc;
    }
    char why[512];
    if (ngs_mhd_load(why, sizeof why)) {
        ngc_err("serve: the web server library is missing: %s (install libmicrohttpd)",
                why);
        free(a.dirs);
        free(env);
        return NGC_EXIT_ERROR;
    }
    server sv = {a.dirs, a.n_dirs, NULL};
    sv.readers = ngs_readers_open(sv.dirs, sv.n_dirs);
    if (!sv.readers) {
        free(a.dirs);
        free(env);
        return NGC_EXIT_ERROR;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN); /* a client that goes away is not our end */
    errno = 0;
    struct MHD_Daemon *d = start(&sv, &a, &sa, v6);
    if (!d) {
        ngc_err("serve: cannot listen on %s: %s", a.listen,
                errno ? strerror(errno) : "failed");
        ngs_readers_free(sv.readers);
        free(a.dirs);
        free(env);
        return NGC_EXIT_ERROR;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[64];
    snprintf(host, sizeof host, "%.*s", (int)(strrchr(a.listen, ':') - a.listen),
             a.listen);
    if (!loopback)
        ngc_err("serve: note: %s is reachable from other machines; the server has no "
                "authentication",
                host);
    ngc_err("serving http://%s:%u/ (%zu thread%s, %zu index%s; Ctrl-C stops)", host,
            info ? info->port : 0, a.threads, a.threads == 1 ? "" : "s", sv.n_dirs,
            sv.n_dirs == 1 ? "" : "es");
    wait_for_stop(&set);
    MHD_stop_daemon(d);
    ngs_readers_free(sv.readers);
    free(a.dirs);
    free(env);
    ngc_err("serve: stopped");
    return 0;
}
