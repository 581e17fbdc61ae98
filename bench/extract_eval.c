/*
 * extract_eval.c — runs ng_extract_html over pages and writes one JSON line
 * per page in the format of ../shared/tools/extraction/score.py:
 *   {"file": ..., "title": ..., "date": ... or null, "body": ...}
 * Input on stdin, one page a line: PATH<TAB>URL (URL may be empty).
 * On stderr: pages, bytes, the CPU seconds spent in ng_extract_html alone,
 * and those of libxml2's bare HTML parse of the same pages (the floor any
 * extractor on libxml2 pays), measured in the same run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/HTMLparser.h>

#include "newsgrep.h"

static void json_esc(FILE *out, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
}

static void json_str(FILE *out, const char *s, size_t n) {
    fputc('"', out);
    json_esc(out, s, n);
    fputc('"', out);
}

static const ng_field *field(const ng_document *d, const char *name) {
    for (size_t i = 0; d && i < d->n_fields; i++)
        if (!strcmp(d->fields[i].name, name)) return &d->fields[i];
    return NULL;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* the machine may be shared */
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    char line[8192];
    double spent = 0, parse_spent = 0;
    size_t pages = 0, bytes = 0;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        char *url = strchr(line, '\t');
        if (url) *url++ = '\0';
        FILE *f = fopen(line, "rb");
        if (!f) {
            perror(line);
            continue;
        }
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *data = malloc((size_t)len + 1);
        if (!data || fread(data, 1, (size_t)len, f) != (size_t)len) {
            fclose(f);
            free(data);
            continue;
        }
        fclose(f);
        ng_extract_options o;
        ng_extract_options_init(&o);
        o.url = url && *url ? url : NULL;
        o.source = line;
        if (argc > 1 && !strcmp(argv[1], "--all-text"))
            o.flags = NG_EXTRACT_KEEP_BOILERPLATE;
        ng_extract *ex = NULL;
        double t0 = now();
        int rc = ng_extract_html(data, (size_t)len, &o, &ex);
        spent += now() - t0;
        t0 = now();
        htmlDocPtr doc = htmlReadMemory(data, (int)len, NULL, "UTF-8",
                                        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                            HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                            HTML_PARSE_COMPACT);
        xmlFreeDoc(doc);
        parse_spent += now() - t0;
        pages++;
        bytes += (size_t)len;
        const char *base = strrchr(line, '/');
        printf("{\"file\": ");
        json_str(stdout, base ? base + 1 : line, strlen(base ? base + 1 : line));
        size_t n = ng_extract_count(ex);
        const ng_document *d0 = n ? ng_extract_document(ex, 0) : NULL;
        const ng_field *t = field(d0, "title"), *dt = field(d0, "date");
        printf(", \"title\": ");
        json_str(stdout, t ? t->value : "", t ? t->value_len : 0);
        printf(", \"date\": ");
        if (dt)
            json_str(stdout, dt->value, dt->value_len);
        else
            printf("null");
        printf(", \"body\": \"");
        for (size_t i = 0; i < n; i++) {
            const ng_field *b = field(ng_extract_document(ex, i), "body");
            if (b) {
                if (i) json_esc(stdout, "\n", 1);
                json_esc(stdout, b->value, b->value_len);
            }
        }
        printf("\"");
        if (rc) printf(", \"error\": \"%s\"", ng_error_name(rc));
        printf("}\n");
        ng_extract_free(ex);
        free(data);
    }
    fprintf(stderr, "pages %zu bytes %zu seconds %.3f parse_seconds %.3f\n", pages, bytes,
            spent, parse_spent);
    return 0;
}
