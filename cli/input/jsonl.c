/*
 * jsonl.c — one JSONL line -> one document, on the indexing critical path.
 * A dedicated single-pass parser (RFC 8259 grammar) instead of building a
 * jansson tree per line: string values without escapes are not copied at
 * all, escaped ones are decoded once into the document builder. Nested
 * values are validated and skipped. tests/fuzz/fuzz_jsonl.c checks it
 * against jansson.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "ingest.h"

#define MAX_NESTING 64 /* depth of skipped nested values */
#define N_ROLES     (NG_FIELD_SOURCE + 1)

/* The keys of common news exports, best first, for the roles the map
 * leaves automatic (README "JSONL keys"). */
static const char *const id_keys[] = {"id",    "_id", "guid", "uuid", "doc_id",
                                      "docid", "url", "link", NULL};
static const char *const title_keys[] = {"title", "headline", "subject", NULL};
static const char *const body_keys[] = {"body",    "text",     "content",
                                        "article", "story",    "description",
                                        "summary", "abstract", NULL};
static const char *const date_keys[] = {"date",          "published",  "published_at",
                                        "publishedAt",   "pubDate",    "publish_date",
                                        "datePublished", "created_at", "timestamp",
                                        "datetime",      "time",       NULL};

static const char *const *auto_keys(int role) {
    switch (role) {
    case NG_FIELD_ID: return id_keys;
    case NG_FIELD_TITLE: return title_keys;
    case NG_FIELD_BODY: return body_keys;
    case NG_FIELD_DATE: return date_keys;
    default: return NULL;
    }
}

void ngc_fieldmap_init(ngc_fieldmap *m) {
    memset(m, 0, sizeof *m);
}

const char *ngc_fieldmap_names(int role) {
    static char text[N_ROLES][160];
    const char *const *k = auto_keys(role);
    if (!k) return "";
    if (!text[role][0]) {
        size_t o = 0;
        for (int i = 0; k[i] && o < sizeof text[role]; i++)
            o += (size_t)snprintf(text[role] + o, sizeof text[role] - o, "%s%s",
                                  i ? ", " : "", k[i]);
    }
    return text[role];
}

typedef struct jp {
    const char *s;   /* the line */
    size_t len;      /* its length */
    size_t i;        /* current position */
    const char *why; /* static error reason */
    ngc_docb *d;     /* the document being built */
} jp;

static int fail(jp *p, const char *why) {
    if (!p->why) p->why = why;
    return -1;
}

static void skip_ws(jp *p) {
    while (p->i < p->len) {
        char c = p->s[p->i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') break;
        p->i++;
    }
}

static int hex4(const char *s, unsigned *out) {
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp) {
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes one \uXXXX (and its low surrogate) at s[*i] (just after "\u");
 * lone surrogates become U+FFFD. */
static int unicode_escape(jp *p, size_t *i, char *o, size_t *olen) {
    unsigned cp, lo;
    if (*i + 4 > p->len || hex4(p->s + *i, &cp) < 0) return fail(p, "bad \\u escape");
    *i += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF && *i + 6 <= p->len && p->s[*i] == '\\' &&
        p->s[*i + 1] == 'u' && hex4(p->s + *i + 2, &lo) == 0 && lo >= 0xDC00 &&
        lo <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        *i += 6;
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
        cp = 0xFFFD;
    }
    *olen += put_utf8(o + *olen, cp);
    return 0;
}

/* Copies s[0, n) to o up to the first backslash; returns the bytes
 * copied. Wikipedia's bodies have an escape every ~100 bytes ("\n", "\""):
 * a memchr and a memcpy call per run were 6% of grep mode's CPU there.
 * The 16-byte stores stay within o[0, n). */
static inline size_t copy_run(char *o, const char *s, size_t n) {
    size_t i = 0;
#ifdef __SSE2__
    const __m128i bslash = _mm_set1_epi8('\\');
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        _mm_storeu_si128((__m128i *)(void *)(o + i), v);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, bslash));
        if (m) return i + (size_t)__builtin_ctz(m);
    }
#endif
    for (; i < n && s[i] != '\\'; i++) o[i] = s[i];
    return i;
}

/* Decodes the escaped string body s[start, end) into the builder's bytes
 * (worst case the same length: every escape is at least as long as its
 * UTF-8). Returns the offset of the decoded bytes, or -1. */
static int decode_escaped(jp *p, size_t start, size_t end, size_t *off, size_t *n) {
    ngc_buf *b = &p->d->bytes;
    if (ngc_buf_reserve(b, end - start + 1) < 0) return fail(p, "out of memory");
    char *o = b->data + b->len;
    size_t olen = 0;
    for (size_t i = start; i < end;) {
        size_t run = copy_run(o + olen, p->s + i, end - i); /* up to a backslash */
        olen += run;
        i += run;
        if (i >= end) break;
        i++;
        char c = p->s[i++]; /* the scanner guaranteed a character follows */
        switch (c) {
        case '"': o[olen++] = '"'; break;
        case '\\': o[olen++] = '\\'; break;
        case '/': o[olen++] = '/'; break;
        case 'b': o[olen++] = '\b'; break;
        case 'f': o[olen++] = '\f'; break;
        case 'n': o[olen++] = '\n'; break;
        case 'r': o[olen++] = '\r'; break;
        case 't': o[olen++] = '\t'; break;
        case 'u':
            if (unicode_escape(p, &i, o, &olen) < 0) return -1;
            break;
        default: return fail(p, "bad escape in string");
        }
    }
    *off = b->len;
    *n = olen;
    o[olen] = '\0';
    b->len += olen + 1;
    return 0;
}

/* Non-zero when one of the 8 bytes in x may be '"', '\\' or a control
 * character (the classic "has zero byte" tricks; positions may be wrong
 * but a hit is never missed, which is all the scanner needs). */
static inline uint64_t special8(uint64_t x) {
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    return (((q - ones) & ~q) | ((b - ones) & ~b) | ((x - ones * 0x20) & ~x)) & high;
}

/* From s + k, the first '"', '\\' or control byte, looked for 16 bytes
 * at a time (SSE2); or where fewer than 16 bytes are left, from which the
 * caller's narrower loop goes on. String bodies are most of a JSONL
 * line's bytes, so this is the reader's hottest scan. */
static inline size_t skip_plain16(const char *s, size_t k, size_t len) {
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                  ctl = _mm_set1_epi8(0x1f);
    while (k + 16 <= len) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + k));
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
            _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits) return k + (size_t)__builtin_ctz(bits);
        k += 16;
    }
#else
    (void)s;
    (void)len;
#endif
    return k;
}
/* Scans a string at p->i (on the opening quote). Sets [*start, *end) to the
 * raw body and *esc when it holds escapes. Control characters are invalid
 * JSON; bytes >= 0x80 are passed through (the analyzer copes with bad
 * UTF-8). This is the hot loop: 8 bytes at a time until something
 * interesting shows up. */
static int scan_string(jp *p, size_t *start, size_t *end, bool *esc) {
    const char *s = p->s;
    size_t k = p->i + 1, len = p->len;
    *esc = false;
    *start = k;
    for (;;) {
        k = skip_plain16(s, k, len);
        while (k + 8 <= len) {
            uint64_t x;
            memcpy(&x, s + k, 8);
            if (special8(x)) break;
            k += 8;
        }
        if (k >= len) return fail(p, "unterminated string");
        unsigned char c = (unsigned char)s[k];
        if (c == '"') {
            *end = k;
            p->i = k + 1;
            return 0;
        }
        if (c == '\\') {
            *esc = true;
            k += 2; /* the escaped character, '"' included */
            continue;
        }
        if (c < 0x20) return fail(p, "control character in string");
        k++;
    }
}

/* The first '"', '\\' or control byte of the string at p->i (on its
 * opening quote), or p->len. */
static size_t plain_end(const jp *p) {
    const char *s = p->s;
    size_t k = skip_plain16(s, p->i + 1, p->len), len = p->len;
    for (; k < len; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c == '"' || c == '\\' || c < 0x20) break;
    }
    return k;
}

static int skip_value(jp *p, int depth);

static int skip_number(jp *p) {
    size_t i = p->i, n = p->len;
    const char *s = p->s;
    if (i < n && s[i] == '-') i++;
    if (i < n && s[i] == '0')
        i++;
    else if (i < n && s[i] >= '1' && s[i] <= '9')
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    else
        return fail(p, "invalid value");
    if (i < n && s[i] == '.') {
        if (++i >= n || s[i] < '0' || s[i] > '9') return fail(p, "invalid number");
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        if (i >= n || s[i] < '0' || s[i] > '9') return fail(p, "invalid number");
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    }
    p->i = i;
    return 0;
}

static int skip_word(jp *p, const char *w) {
    size_t n = strlen(w);
    if (p->len - p->i < n || memcmp(p->s + p->i, w, n) != 0)
        return fail(p, "invalid value");
    p->i += n;
    return 0;
}

/* Skips the members of an object or the items of an array. */
static int skip_container(jp *p, int depth, char close) {
    p->i++;
    skip_ws(p);
    if (p->i < p->len && p->s[p->i] == close) {
        p->i++;
        return 0;
    }
    for (;;) {
        skip_ws(p);
        if (close == '}') {
            size_t a, b;
            bool e;
            if (p->i >= p->len || p->s[p->i] != '"' || scan_string(p, &a, &b, &e) < 0)
                return fail(p, "expected a key");
            skip_ws(p);
            if (p->i >= p->len || p->s[p->i++] != ':') return fail(p, "expected ':'");
        }
        if (skip_value(p, depth + 1) < 0) return -1;
        skip_ws(p);
        if (p->i >= p->len) return fail(p, "unexpected end of line");
        char c = p->s[p->i++];
        if (c == close) return 0;
        if (c != ',') return fail(p, "expected ',' or the end of an object/array");
    }
}

static int skip_value(jp *p, int depth) {
    if (depth > MAX_NESTING) return fail(p, "nested too deeply");
    skip_ws(p);
    if (p->i >= p->len) return fail(p, "unexpected end of line");
    size_t a, b;
    bool e;
    switch (p->s[p->i]) {
    case '"': return scan_string(p, &a, &b, &e);
    case '{': return skip_container(p, depth, '}');
    case '[': return skip_container(p, depth, ']');
    case 't': return skip_word(p, "true");
    case 'f': return skip_word(p, "false");
    case 'n': return skip_word(p, "null");
    default: return skip_number(p);
    }
}

/* Runs for every key of every line against every candidate name (a
 * tenth of grep mode's time on reuters21578 went to strlen here): the
 * first byte decides most. k has n bytes, none NUL. */
static bool key_is(const char *k, size_t n, const char *name) {
    if (!name) return false;
    if (!n) return name[0] == '\0';
    return name[0] == k[0] && strncmp(k, name, n) == 0 && name[n] == '\0';
}

/* The key the map names for a role, or NULL when the role is automatic. */
static const char *mapped(const ngc_fieldmap *m, int role) {
    switch (role) {
    case NG_FIELD_ID: return m->id;
    case NG_FIELD_TITLE: return m->title;
    case NG_FIELD_BODY: return m->body;
    case NG_FIELD_DATE: return m->date;
    case NG_FIELD_SOURCE: return m->source;
    default: return NULL;
    }
}

/* Rank of key k for a role: 0 for the mapped key, 1 + its place in the
 * automatic list, or -1 when the key cannot carry the role. */
static int rank_for(const ngc_fieldmap *m, int role, const char *k, size_t n) {
    const char *name = mapped(m, role);
    if (name) return key_is(k, n, name) ? 0 : -1;
    const char *const *list = auto_keys(role);
    for (int i = 0; list && list[i]; i++)
        if (key_is(k, n, list[i])) return 1 + i;
    return -1;
}

/* Copies s[0, n) to o up to the first '"', '\\' or control byte; returns
 * the bytes copied. The 16-byte stores stay within o[0, n). */
static inline size_t copy_plain(char *o, const char *s, size_t n) {
    size_t i = 0;
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                  ctl = _mm_set1_epi8(0x1f);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        _mm_storeu_si128((__m128i *)(void *)(o + i), v);
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
            _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits) return i + (size_t)__builtin_ctz(bits);
    }
#endif
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\' || c < 0x20) break;
        o[i] = (char)c;
    }
    return i;
}

/* One escape at s[*i] (just after the backslash) decoded to o; false for
 * anything decode_escaped would reject. */
static bool fused_escape(jp *p, size_t *i, char *o, size_t *olen) {
    char c = p->s[(*i)++], d;
    switch (c) { /* a switch: a strchr per escape was 2.5% of grep mode's time */
    case '"': d = '"'; break;
    case '\\': d = '\\'; break;
    case '/': d = '/'; break;
    case 'b': d = '\b'; break;
    case 'f': d = '\f'; break;
    case 'n': d = '\n'; break;
    case 'r': d = '\r'; break;
    case 't': d = '\t'; break;
    case 'u': {
        unsigned cp;
        if (*i + 4 > p->len || hex4(p->s + *i, &cp) < 0) return false;
        return unicode_escape(p, i, o, olen) == 0;
    }
    default: return false;
    }
    o[(*olen)++] = d;
    return true;
}

/* An escaped string decoded in the same pass that finds its end: the
 * body from a (the escape at k is the first) into the builder. Wikipedia
 * bodies have an escape every ~100 bytes, and scanning them to the end
 * before decoding them read every byte twice (scan_string + copy_run,
 * 13% of grep mode's instructions). False for any error: the caller then
 * runs the two passes, which report it as they always did. */
static bool fused_string(jp *p, size_t a, size_t k, const char **v, size_t *vn) {
    ngc_buf *b = &p->d->bytes;
    size_t len = p->len;
    if (ngc_buf_reserve(b, len - a + 1) < 0) return false; /* never longer */
    char *o = b->data + b->len;
    size_t olen = k - a;
    memcpy(o, p->s + a, olen);
    for (size_t i = k;;) {
        if (i >= len) return false;
        unsigned char c = (unsigned char)p->s[i];
        if (c == '"') {
            *v = (const char *)(uintptr_t)b->len; /* an offset until finish */
            *vn = olen;
            o[olen] = '\0';
            b->len += olen + 1;
            p->i = i + 1;
            return true;
        }
        if (c != '\\' || i + 1 >= len) return false; /* a control byte, or cut */
        i++;
        if (!fused_escape(p, &i, o, &olen)) return false;
        size_t run = copy_plain(o + olen, p->s + i, len - i);
        olen += run;
        i += run;
    }
}

/* Decodes a key or string value (escaped -> copied into the builder). */
static int string_at(jp *p, const char **v, size_t *vn, bool *copied) {
    size_t a, b;
    bool esc;
    size_t first = plain_end(p);
    if (first < p->len && p->s[first] == '"') { /* no escape: the common case */
        *v = p->s + p->i + 1;
        *vn = first - (p->i + 1);
        *copied = false;
        p->i = first + 1;
        return 0;
    }
    if (first < p->len && p->s[first] == '\\' &&
        fused_string(p, p->i + 1, first, v, vn)) {
        *copied = true;
        return 0;
    }
    if (scan_string(p, &a, &b, &esc) < 0) return -1;
    *copied = esc;
    if (!esc) {
        *v = p->s + a;
        *vn = b - a;
        return 0;
    }
    size_t off, n;
    if (decode_escaped(p, a, b, &off, &n) < 0) return -1;
    *v = (const char *)(uintptr_t)off; /* an offset until finish */
    *vn = n;
    return 0;
}

/* Adds one member as a stored field; roles are given once the whole
 * object is read (assign_roles). Escaped bytes already sit in the
 * builder, at offsets. */
static int add_member(jp *p, const char *k, size_t kn, bool kcopied, const char *v,
                      size_t vn, bool vcopied) {
    ngc_docb *d = p->d;
    char kbuf[256];
    const char *key = kcopied ? d->bytes.data + (uintptr_t)k : k;
    if (kn == 0) return fail(p, "empty key");
    if (kn >= sizeof kbuf) return fail(p, "key too long");
    if (memchr(key, '\0', kn)) return fail(p, "NUL (\\u0000) in a key");
    memcpy(kbuf, key, kn);
    kbuf[kn] = '\0';
    if (ngc_docb_add(d, kbuf, kn, v, vn, NG_FIELD_STORED, NGC_COPY_NAME) < 0)
        return fail(p, "out of memory");
    if (vcopied) d->voff[d->n - 1] = (size_t)(uintptr_t)v;
    return 0;
}

/* Whether a number under key k is kept: only as an id. */
static bool numeric_kept(const ngc_fieldmap *m, const char *k, size_t n) {
    return rank_for(m, NG_FIELD_ID, k, n) >= 0;
}

/* The value of a member: strings become fields, numbers only for the id;
 * everything else is validated and skipped. */
static int member_value(jp *p, const ngc_fieldmap *m, const char *k, size_t kn,
                        bool kcopied) {
    skip_ws(p);
    if (p->i >= p->len) return fail(p, "unexpected end of line");
    char c = p->s[p->i];
    if (c == '"') {
        const char *v;
        size_t vn;
        bool vc;
        if (string_at(p, &v, &vn, &vc) < 0) return -1;
        return add_member(p, k, kn, kcopied, v, vn, vc);
    }
    size_t at = p->i;
    if (skip_value(p, 1) < 0) return -1;
    const char *key = kcopied ? p->d->bytes.data + (uintptr_t)k : k;
    if ((c == '-' || (c >= '0' && c <= '9')) && numeric_kept(m, key, kn))
        return add_member(p, k, kn, kcopied, p->s + at, p->i - at, false);
    return 0;
}

static int parse_object(jp *p, const ngc_fieldmap *m) {
    if (p->s[p->i] != '{') return fail(p, "not a JSON object");
    p->i++;
    skip_ws(p);
    if (p->i < p->len && p->s[p->i] == '}') {
        p->i++;
        return 0;
    }
    for (;;) {
        skip_ws(p);
        if (p->i >= p->len || p->s[p->i] != '"') return fail(p, "expected a key");
        const char *k;
        size_t kn;
        bool kc;
        if (string_at(p, &k, &kn, &kc) < 0) return -1;
        skip_ws(p);
        if (p->i >= p->len || p->s[p->i++] != ':') return fail(p, "expected ':'");
        if (member_value(p, m, k, kn, kc) < 0) return -1;
        skip_ws(p);
        if (p->i >= p->len) return fail(p, "unexpected end of line");
        char c = p->s[p->i++];
        if (c == '}') return 0;
        if (c != ',') return fail(p, "expected ',' or '}'");
    }
}

static const char *field_name(const ngc_docb *d, size_t i) {
    return d->bytes.data + d->noff[i];
}

static const char *field_value(const ngc_docb *d, size_t i) {
    return d->voff[i] != SIZE_MAX ? d->bytes.data + d->voff[i] : d->fields[i].value;
}

/* FNV-1a: keys are short; any decent spread will do. */
static uint64_t key_hash(const char *s) {
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Two members with the same key would make show --json ambiguous. A hash
 * set of field indices, so a line of 10^5 members costs 10^5 lookups. */
static int check_duplicates(jp *p) {
    ngc_docb *d = p->d;
    if (d->n < 2) return 0;
    size_t cap = 16;
    while (cap < 2 * d->n) cap *= 2;
    uint32_t small[64], *slot = cap <= 64 ? small : malloc(cap * sizeof *slot);
    if (!slot) return fail(p, "out of memory");
    memset(slot, 0, cap * sizeof *slot);
    int rc = 0;
    for (size_t i = 0; i < d->n && !rc; i++) {
        const char *k = field_name(d, i);
        size_t j = (size_t)key_hash(k) & (cap - 1);
        for (; slot[j]; j = (j + 1) & (cap - 1))
            if (strcmp(field_name(d, slot[j] - 1), k) == 0) {
                rc = fail(p, "duplicate key");
                break;
            }
        slot[j] = (uint32_t)i + 1;
    }
    if (slot != small) free(slot);
    return rc;
}

/* The roles a key can take, in the order they are given. */
static const int keyed_roles[] = {NG_FIELD_ID, NG_FIELD_TITLE, NG_FIELD_BODY,
                                  NG_FIELD_DATE, NG_FIELD_SOURCE};
enum { N_KEYED = sizeof keyed_roles / sizeof *keyed_roles };

/* The ranks of recent keys for every role (rank_for), by the map they were
 * ranked under: the lines of one file repeat the same keys, and ranking
 * each against the ~30 automatic names was a tenth of grep mode's time on
 * reuters21578 (19 keys a line). One per thread: no locking. */
#define MEMO_SLOTS 64
#define MEMO_KEY   24 /* longer keys are ranked each time */
typedef struct memo_slot {
    char key[MEMO_KEY]; /* NUL-terminated; "" = empty slot */
    signed char rank[N_KEYED];
} memo_slot;
typedef struct key_memo {
    const char *names[N_KEYED]; /* the map's names the ranks are for */
    memo_slot slot[MEMO_SLOTS];
} key_memo;
static _Thread_local key_memo memo;

/* Forgets the memo when it was filled under another map (once a line). */
static void memo_for(const ngc_fieldmap *m) {
    bool same = true;
    for (size_t r = 0; r < N_KEYED; r++)
        same &= memo.names[r] == mapped(m, keyed_roles[r]);
    if (!same) {
        memset(&memo, 0, sizeof memo);
        for (size_t r = 0; r < N_KEYED; r++) memo.names[r] = mapped(m, keyed_roles[r]);
    }
}

static void key_ranks(const ngc_fieldmap *m, const char *k, int rank[N_KEYED]) {
    uint32_t h = 2166136261u;
    size_t kn = 0; /* the length and the hash in one pass */
    for (; k[kn] && kn < MEMO_KEY; kn++) h = (h ^ (unsigned char)k[kn]) * 16777619u;
    if (kn >= MEMO_KEY) {
        kn += strlen(k + kn);
        for (size_t r = 0; r < N_KEYED; r++) rank[r] = rank_for(m, keyed_roles[r], k, kn);
        return;
    }
    memo_slot *e = &memo.slot[h % MEMO_SLOTS];
    if (strcmp(e->key, k) != 0) {
        memcpy(e->key, k, kn + 1);
        for (size_t r = 0; r < N_KEYED; r++)
            e->rank[r] = (signed char)rank_for(m, keyed_roles[r], k, kn);
    }
    for (size_t r = 0; r < N_KEYED; r++) rank[r] = e->rank[r];
}

/* Gives each role to its best-ranked key (the mapped one, else the first
 * of the automatic list present). A date that cannot be read stays a
 * stored field; one written another way is replaced by YYYY-MM-DD. */
static int assign_roles(jp *p, const ngc_fieldmap *m) {
    ngc_docb *d = p->d;
    const int *roles = keyed_roles;
    /* Every key's rank for every role first, then the roles are given in
     * turn (a key given one role is not given another). */
    int small[32 * N_KEYED], *rank = small;
    if (d->n > 32 && !(rank = malloc(d->n * N_KEYED * sizeof *rank)))
        return fail(p, "out of memory");
    memo_for(m);
    for (size_t i = 0; i < d->n; i++) key_ranks(m, field_name(d, i), rank + i * N_KEYED);
    int rc = 0;
    for (size_t r = 0; r < N_KEYED && !rc; r++) {
        int role = roles[r], best = -1, best_rank = 1 << 30;
        for (size_t i = 0; i < d->n; i++) {
            if (d->fields[i].role != NG_FIELD_STORED) continue;
            int rk = rank[i * N_KEYED + r];
            if (rk >= 0 && rk < best_rank) {
                best = (int)i;
                best_rank = rk;
            }
        }
        if (best < 0) continue;
        if (role == NG_FIELD_DATE) {
            char iso[11];
            const char *raw = field_value(d, (size_t)best);
            size_t n = d->fields[best].value_len;
            if (ngc_date_normalize(raw, n, iso) < 0)
                continue; /* keep the text; not a filterable date */
            if (n != 10 || memcmp(raw, iso, 10) != 0) {
                size_t off = d->bytes.len;
                if (ngc_buf_add(&d->bytes, iso, 11) < 0) {
                    rc = fail(p, "out of memory");
                    break;
                }
                d->voff[best] = off;
                d->fields[best].value_len = 10;
            }
        }
        d->fields[best].role = role;
    }
    if (rank != small) free(rank);
    return rc;
}

int ngc_jsonl_parse(const char *line, size_t len, const ngc_fieldmap *map, ngc_docb *d,
                    const char **why, size_t *why_pos) {
    jp p = {line, len, 0, NULL, d};
    ngc_docb_reset(d);
    *why = NULL;
    *why_pos = 0;
    skip_ws(&p);
    if (p.i == p.len) return 1;
    if (parse_object(&p, map) == 0) {
        skip_ws(&p);
        if (p.i != p.len) fail(&p, "text after the JSON object");
    }
    if (!p.why && check_duplicates(&p) == 0 && assign_roles(&p, map) == 0 &&
        ngc_docb_find(d, NG_FIELD_ID) < 0 && !map->id_optional)
        fail(&p, "missing id");
    int id = p.why ? -1 : ngc_docb_find(d, NG_FIELD_ID);
    if (id >= 0) {
        /* Offsets of escaped values are resolved first, then checked. */
        ng_document doc;
        ngc_docb_finish(d, &doc);
        if (d->fields[id].value_len == 0 && !map->id_optional) fail(&p, "empty id");
    }
    if (p.why) {
        *why = p.why;
        *why_pos = p.i;
        return -1;
    }
    return 0;
}
