/*
 * output.c — prints search results: the human format (rank, score, date,
 * title, id, highlighted snippet; ANSI colour only on a terminal), JSON
 * lines (jansson), TREC run lines, ids, and grep -l style paths.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define C_TITLE "\033[1m"
#define C_ID    "\033[35m"
#define C_DIM   "\033[2m"
#define C_HIT   "\033[1;31m"
#define C_OFF   "\033[0m"

int ngc_color_choice(const char *val, bool *color) {
    if (!val || strcmp(val, "auto") == 0) {
        const char *nc = getenv("NO_COLOR");
        *color = !(nc && *nc) && isatty(STDOUT_FILENO) == 1;
    } else if (strcmp(val, "always") == 0) {
        *color = true;
    } else if (strcmp(val, "never") == 0) {
        *color = false;
    } else {
        return -1;
    }
    return 0;
}

void ngc_put_safe(FILE *f, const char *s, size_t n, int how) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool ws = c == '\t' || c == '\n' || c == '\r';
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9F) { /* C1 control, e.g. U+009B CSI */
            fprintf(f, "\\u%04x", (unsigned char)s[++i]);
        } else if (ws && how == NGC_SAFE_LINE) {
            putc(' ', f);
        } else if (ws && how == NGC_SAFE_TEXT && c != '\r') {
            putc(c, f);
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(f, "\\x%02x", c);
        } else {
            putc(c, f);
        }
    }
}

void ngc_puts_safe(const char *s, int how) {
    ngc_put_safe(stdout, s, strlen(s), how);
}

/* Snippet text with highlights: colour or [brackets]; newlines -> spaces.
 * Highlights separated by one space or hyphen are shown as one ("[Astana
 * Declaration]" rather than "[Astana] [Declaration]"). */
static void print_snippet(const ngc_out *o, const ng_hit *h) {
    const char *s = h->snippet;
    size_t len = strlen(s), k = 0;
    bool in = false;
    fputs("    ", stdout);
    for (size_t i = 0; i < len; i++) {
        while (k < h->n_highlights && h->highlights[k].end <= i)
            k++; /* spans are in order; skip the ones behind us */
        if (!in && k < h->n_highlights && h->highlights[k].start <= i) {
            fputs(o->color ? C_HIT : "[", stdout);
            in = true;
        }
        size_t cn = (unsigned char)s[i] == 0xC2 && i + 1 < len ? 2 : 1; /* C1 */
        ngc_put_safe(stdout, s + i, cn, NGC_SAFE_LINE);
        i += cn - 1;
        if (in && (k >= h->n_highlights || i + 1 >= h->highlights[k].end)) {
            bool joined = k + 1 < h->n_highlights &&
                          (s[i + 1] == ' ' || s[i + 1] == '-') &&
                          h->highlights[k + 1].start == i + 2;
            if (!joined) {
                fputs(o->color ? C_OFF : "]", stdout);
                in = false;
            }
        }
    }
    if (in) fputs(o->color ? C_OFF : "]", stdout);
    putchar('\n');
}

static void print_explain(const char *ex) {
    while (*ex) {
        const char *nl = strchr(ex, '\n');
        size_t n = nl ? (size_t)(nl - ex) : strlen(ex);
        printf("    | %.*s\n", (int)n, ex);
        ex += n + (nl != NULL);
    }
}

static void print_human(const ngc_out *o, const ng_hit *h, size_t rank) {
    if (rank > 1) putchar('\n');
    printf("%2zu  %.4f  ", rank, h->score);
    ngc_puts_safe(h->date && *h->date ? h->date : "----------", NGC_SAFE_ID);
    printf("  %s", o->color ? C_TITLE : "");
    ngc_puts_safe(h->title && *h->title ? h->title : "(untitled)", NGC_SAFE_LINE);
    printf("%s\n    %s", o->color ? C_OFF : "", o->color ? C_ID : "");
    ngc_puts_safe(h->id, NGC_SAFE_ID);
    fputs(o->color ? C_OFF : "", stdout);
    size_t sl = h->source ? strlen(h->source) : 0;
    /* ids path:LINE (grep mode) and path#N (HTML) show the path already */
    if (sl && strcmp(h->source, h->id) != 0 &&
        !(strncmp(h->id, h->source, sl) == 0 && (h->id[sl] == ':' || h->id[sl] == '#'))) {
        printf("  %s(", o->color ? C_DIM : "");
        ngc_puts_safe(h->source, NGC_SAFE_ID);
        printf(")%s", o->color ? C_OFF : "");
    }
    putchar('\n');
    if (h->snippet && *h->snippet) print_snippet(o, h);
    if (h->explain && o->explain) print_explain(h->explain);
}

/* A JSON string from bytes that may hold invalid UTF-8. */
static json_t *jstr(const char *s) {
    if (!s) return json_null();
    size_t n;
    char *v = ngc_utf8_sanitize(s, strlen(s), &n);
    json_t *j = v ? json_stringn(v, n) : json_null();
    free(v);
    return j;
}

json_t *ngc_hit_json(const ng_hit *h, bool explain) {
    json_t *j = json_object();
    json_object_set_new(j, "id", jstr(h->id));
    /* Rounded so that the printed digits are stable across platforms. */
    json_object_set_new(j, "score", json_real(round(h->score * 1e6) / 1e6));
    json_object_set_new(j, "title", jstr(h->title));
    json_object_set_new(j, "date", jstr(h->date));
    json_object_set_new(j, "source", jstr(h->source));
    if (h->snippet) {
        json_t *hl = json_array();
        for (size_t k = 0; k < h->n_highlights; k++)
            json_array_append_new(hl,
                                  json_pack("[II]", (json_int_t)h->highlights[k].start,
                                            (json_int_t)h->highlights[k].end));
        json_object_set_new(j, "snippet", jstr(h->snippet));
        json_object_set_new(j, "highlights", hl);
    }
    if (h->explain && explain) json_object_set_new(j, "explain", jstr(h->explain));
    return j;
}

json_t *ngc_similar_json(const ng_results *res, size_t i) {
    const char *const *ids;
    size_t n = ng_results_similar(res, i, &ids);
    json_t *a = json_array();
    for (size_t k = 0; k < n; k++) json_array_append_new(a, jstr(ids[k]));
    return a;
}

/* --collapse: "and N similar" under a hit, with their ids on demand. */
static void print_similar(const ngc_out *o, const ng_results *res, size_t i) {
    const char *const *ids;
    size_t n = ng_results_similar(res, i, &ids);
    if (!n) return;
    printf("    %sand %zu similar%s", o->color ? C_DIM : "", n,
           o->show_similar ? ":" : "");
    for (size_t k = 0; o->show_similar && k < n; k++) {
        fputs(k ? ", " : " ", stdout);
        ngc_puts_safe(ids[k], NGC_SAFE_ID);
    }
    printf("%s\n", o->color ? C_OFF : "");
}

static void print_json(const ngc_out *o, const ng_results *res, size_t i) {
    const ng_hit *h = ng_results_hit(res, i);
    json_t *j = ngc_hit_json(h, o->explain);
    if (o->collapse) json_object_set_new(j, "similar", ngc_similar_json(res, i));
    char *s = json_dumps(j, NGC_JSON_FLAGS);
    if (s) puts(s);
    free(s);
    json_decref(j);
}

/* -l: each source (or id) once. */
static void print_file(ngc_out *o, const ng_hit *h) {
    const char *p = h->source && *h->source ? h->source : h->id;
    for (size_t i = 0; i < o->n_seen; i++)
        if (strcmp(o->seen[i], p) == 0) return;
    char **s = realloc(o->seen, (o->n_seen + 1) * sizeof *s);
    if (!s) return;
    o->seen = s;
    if ((s[o->n_seen] = strdup(p)) != NULL) o->n_seen++;
    ngc_puts_safe(p, NGC_SAFE_ID);
    putchar('\n');
}

void ngc_out_results(ngc_out *o, const ng_results *res, const char *qid) {
    size_t n = ng_results_count(res);
    for (size_t i = 0; i < n; i++) {
        const ng_hit *h = ng_results_hit(res, i);
        switch (o->mode) {
        case NGC_OUT_JSON: print_json(o, res, i); break;
        case NGC_OUT_TREC:
            printf("%s Q0 ", qid);
            ngc_puts_safe(h->id, NGC_SAFE_ID);
            printf(" %zu %.6f %s\n", i + 1, h->score, o->tag);
            break;
        case NGC_OUT_IDS:
            ngc_puts_safe(h->id, NGC_SAFE_ID);
            putchar('\n');
            break;
        case NGC_OUT_FILES: print_file(o, h); break;
        default:
            print_human(o, h, i + 1);
            if (o->collapse) print_similar(o, res, i);
            break;
        }
    }
}

void ngc_out_free(ngc_out *o) {
    for (size_t i = 0; i < o->n_seen; i++) free(o->seen[i]);
    free(o->seen);
    o->seen = NULL;
    o->n_seen = 0;
}

void ngc_json_set_field(json_t *o, const ng_field *f) {
    size_t n;
    char *v = ngc_utf8_sanitize(f->value, f->value_len, &n);
    if (v) json_object_set_new(o, f->name, json_stringn(v, n));
    free(v);
}

json_t *ngc_doc_json(const ng_doc *d) {
    json_t *o = json_object();
    for (size_t i = 0; i < ng_doc_field_count(d); i++)
        ngc_json_set_field(o, ng_doc_field(d, i));
    return o;
}

json_t *ngc_stats_json(const ng_stats *s) {
    return json_pack(
        "{sIsIsIsIsIsIsIsIsIsIsIsIsfsfsfss}", "documents", (json_int_t)s->documents,
        "deleted", (json_int_t)s->deleted, "terms", (json_int_t)s->terms, "tokens",
        (json_int_t)s->tokens, "segments", (json_int_t)s->segments, "generation",
        (json_int_t)s->generation, "postings_bytes", (json_int_t)s->postings_bytes,
        "positions_bytes", (json_int_t)s->positions_bytes, "lexicon_bytes",
        (json_int_t)s->lexicon_bytes, "docstore_bytes", (json_int_t)s->docstore_bytes,
        "other_bytes", (json_int_t)s->other_bytes, "total_bytes",
        (json_int_t)s->total_bytes, "avg_doc_length", s->avg_doc_length, "k1", s->k1, "b",
        s->b, "language", s->language ? s->language : "");
}

void ngc_json_print_line(json_t *o) {
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (s) puts(s);
    free(s);
    json_decref(o);
}
