/*
 * fuzz_jsonl.c — libFuzzer target for the JSONL reader (cli/input/jsonl.c): every
 * line of the input goes through ngc_jsonl_parse, which must never crash,
 * and is checked against jansson: a line jansson accepts as an object must
 * give the same string members, names, values and order (the date
 * normalised), unless it lacks an id or nests deeper than our limit.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input/ingest.h"

static void check_doc(const ngc_docb *d) {
    if (ngc_docb_find(d, NG_FIELD_ID) < 0) abort();
    for (size_t i = 0; i < d->n; i++)
        if (!d->fields[i].name || strlen(d->fields[i].name) > 255 ||
            (!d->fields[i].value && d->fields[i].value_len))
            abort();
}

/* The field for member key with string value v (and n bytes) must match. */
static void same_member(const ng_field *f, const char *key, const char *v, size_t n) {
    if (strcmp(f->name, key) != 0) abort();
    if (f->role == NG_FIELD_DATE) {
        char iso[11];
        if (ngc_date_normalize(v, n, iso) != 0 || f->value_len != 10 ||
            memcmp(f->value, iso, 10) != 0)
            abort();
        return;
    }
    if (f->value_len != n || memcmp(f->value, v, n) != 0) abort();
}

static void compare_with_jansson(const char *line, size_t len, const ngc_docb *d, int rc,
                                 const char *why) {
    json_error_t err;
    if (memchr(line, '\0', len))
        return; /* jansson stops reading at a NUL byte outside strings */
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if (!root) return; /* we may accept more (bad UTF-8, lone surrogates) */
    if (json_is_object(root) && rc != 0) {
        /* the only reasons to refuse a valid object */
        if (strcmp(why, "missing id") && strcmp(why, "empty id") &&
            strcmp(why, "nested too deeply") && strcmp(why, "key too long") &&
            strcmp(why, "empty key") && strcmp(why, "NUL (\\u0000) in a key"))
            abort();
    } else if (json_is_object(root)) {
        size_t k = 0;
        const char *key;
        json_t *v;
        json_object_foreach(root, key, v) {
            if (json_is_string(v)) {
                if (k >= d->n) abort();
                same_member(&d->fields[k++], key, json_string_value(v),
                            json_string_length(v));
            } else if (json_is_number(v) && strcmp(key, "id") == 0) {
                k++; /* numeric ids are kept as their literal text */
            }
        }
        if (k != d->n) abort();
    } else if (rc == 0) {
        abort(); /* a non-object line must be refused */
    }
    json_decref(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ngc_fieldmap map;
    ngc_docb d = {0};
    ngc_fieldmap_init(&map);
    map.id = "id"; /* the keys the comparison knows (numbers only as "id") */
    map.title = "title";
    map.body = "body";
    map.date = "date";
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *why;
        size_t pos;
        /* a copy, so that ASan sees reads past the line's end */
        char *line = malloc(len ? len : 1);
        if (!line) abort();
        memcpy(line, p, len);
        int rc = ngc_jsonl_parse(line, len, &map, &d, &why, &pos);
        if (rc == 0) {
            ng_document doc;
            ngc_docb_finish(&d, &doc);
            check_doc(&d);
        } else if (rc < 0 && (!why || pos > len)) {
            abort();
        }
        if (rc <= 0) compare_with_jansson(line, len, &d, rc, rc < 0 ? why : "");
        free(line);
        p += len + 1;
    }
    ngc_docb_free(&d);
    return 0;
}
