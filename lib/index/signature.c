/*
 * signature.c — near-duplicate signatures (issue 16): building one from a
 * document's body tokens, comparing two, and the segment's SIGN section
 * (writing, opening, verifying). Grammar: lib/FORMAT.md "SIGN".
 *
 * One-permutation MinHash (Li, Owen & Zhang 2012): each shingle is hashed
 * once; its top bits pick one of NGI_SIG_BINS bins, the rest compete for
 * the bin's minimum. Bins no shingle reached borrow the next filled bin's
 * minimum, shifted by the distance (densification by rotation, Shrivastava
 * & Li 2014), so two documents agree on a bin with probability J, their
 * shingle sets' Jaccard similarity. Only the low NGI_SIG_BITS bits of each
 * (remixed) minimum are kept (b-bit MinHash, Li & König 2010): 24 bytes a
 * document instead of 768 bytes, for an estimate corrected for the 1/2^b
 * chance that unrelated values agree.
 */
#include <stdatomic.h>
#include <string.h>

#include "common/le.h"
#include "segment_impl.h"
#include "signature.h"

#define EMPTY    UINT64_MAX
#define GOLDEN   0x9E3779B97F4A7C15ull
#define BIN_MASK ((1u << NGI_SIG_BITS) - 1)
#define PER_BYTE (8 / NGI_SIG_BITS)

_Static_assert(NGI_SIG_BITS == 2 && NGI_SIG_BYTES % 8 == 0, "the packing");

static inline uint64_t mix64(uint64_t x) { /* murmur3's finaliser */
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

static inline uint64_t rotl(uint64_t x, unsigned r) {
    return r ? (x << r) | (x >> (64 - r)) : x;
}

void ngi_sig_begin(ngi_sigbuilder *b) {
    b->n = 0;
    for (size_t i = 0; i < NGI_SIG_BINS; i++) b->mins[i] = EMPTY;
}

/* The last `len` tokens as one hash: each rotated by its place in the
 * shingle, so the order of the words counts. */
static void add_shingle(ngi_sigbuilder *b, unsigned len) {
    uint64_t h = len;
    for (unsigned i = 0; i < len; i++)
        h ^= rotl(b->ring[(b->n - len + i) % NGI_SIG_SHINGLE], 13 * i);
    h = mix64(h);
    size_t bin = (size_t)(((h >> 32) * NGI_SIG_BINS) >> 32); /* high half: the bin */
    uint64_t v = (uint32_t)h;                                /* low half: the rank */
    if (v < b->mins[bin]) b->mins[bin] = v;
}

void ngi_sig_token(ngi_sigbuilder *b, uint64_t term_hash) {
    b->ring[b->n % NGI_SIG_SHINGLE] = term_hash;
    b->n++;
    if (b->n >= NGI_SIG_SHINGLE) add_shingle(b, NGI_SIG_SHINGLE);
}

bool ngi_sig_end(ngi_sigbuilder *b, uint8_t out[NGI_SIG_BYTES]) {
    memset(out, 0, NGI_SIG_BYTES);
    if (b->n == 0) return false;
    if (b->n < NGI_SIG_SHINGLE) add_shingle(b, (unsigned)b->n); /* one short shingle */
    /* next[i]: the first filled bin at or after i (circularly). */
    size_t last = NGI_SIG_BINS;
    for (size_t i = NGI_SIG_BINS; i-- > 0;)
        if (b->mins[i] != EMPTY) {
            last = i;
            break;
        }
    size_t next = last; /* wraps: bins after the last filled one borrow the first */
    for (size_t i = 0; i < NGI_SIG_BINS; i++)
        if (b->mins[i] != EMPTY) {
            next = i;
            break;
        }
    uint64_t val[NGI_SIG_BINS];
    for (size_t i = NGI_SIG_BINS; i-- > 0;) {
        if (b->mins[i] != EMPTY) next = i;
        size_t dist = (next + NGI_SIG_BINS - i) % NGI_SIG_BINS;
        val[i] = mix64(b->mins[next] + dist * GOLDEN);
    }
    for (size_t i = 0; i < NGI_SIG_BINS; i++)
        out[i / PER_BYTE] |=
            (uint8_t)((val[i] & BIN_MASK) << (NGI_SIG_BITS * (i % PER_BYTE)));
    return true;
}

unsigned ngi_sig_matches(const uint8_t *a, const uint8_t *b) {
    unsigned differ = 0;
    for (size_t i = 0; i < NGI_SIG_BYTES; i += 8) {
        uint64_t x = ngi_load_le64(a + i) ^ ngi_load_le64(b + i);
        x = (x | x >> 1) & 0x5555555555555555ull; /* one bit per unequal pair */
        differ += (unsigned)__builtin_popcountll(x);
    }
    return NGI_SIG_BINS - differ;
}

static const double chance = 1.0 / (1u << NGI_SIG_BITS);

double ngi_sig_jaccard(const uint8_t *a, const uint8_t *b) {
    double p = (double)ngi_sig_matches(a, b) / NGI_SIG_BINS;
    double j = (p - chance) / (1.0 - chance);
    return j < 0 ? 0 : j > 1 ? 1 : j;
}

unsigned ngi_sig_min_matches(double threshold) {
    for (unsigned m = 0; m <= NGI_SIG_BINS; m++) {
        double j = ((double)m / NGI_SIG_BINS - chance) / (1.0 - chance);
        if (j >= threshold - 1e-12) return m;
    }
    return NGI_SIG_BINS + 1;
}

/* ---- writing the SIGN section ------------------------------------------ */

struct ngi_sign_writer {
    ngi_buf bits;      /* presence bitmap */
    ngi_buf sigs;      /* NGI_SIG_BYTES per document */
    uint32_t n_docs;   /* documents given */
    uint32_t n_signed; /* of which with a signature */
};

int ngi_sign_writer_add(ngi_sign_writer **w, uint32_t doc, const uint8_t *sig) {
    if (!*w && !(*w = ngi_calloc(1, sizeof **w))) return NG_ENOMEM;
    ngi_sign_writer *s = *w;
    if (doc != s->n_docs) return NG_EINVAL; /* one call per document, in order */
    static const uint8_t none[NGI_SIG_BYTES];
    if (s->n_docs % 8 == 0 && ngi_buf_append(&s->bits, none, 1)) return NG_ENOMEM;
    if (ngi_buf_append(&s->sigs, sig ? sig : none, NGI_SIG_BYTES)) return NG_ENOMEM;
    if (sig) {
        s->bits.data[s->n_docs / 8] |= (uint8_t)(1u << (s->n_docs % 8));
        s->n_signed++;
    }
    s->n_docs++;
    return 0;
}

void ngi_sign_writer_free(ngi_sign_writer *w) {
    if (!w) return;
    ngi_buf_free(&w->bits);
    ngi_buf_free(&w->sigs);
    ngi_free(w);
}

int ngi_sign_writer_write(const ngi_sign_writer *w, ngi_file_writer *fw,
                          uint32_t n_docs) {
    if (w->n_docs != n_docs) return NG_EINVAL;
    uint8_t h[NGI_SIGN_HEAD] = {NGI_SIGN_VERSION, NGI_SIG_SHINGLE, NGI_SIG_BITS, 0};
    ngi_store_le32(h + 4, NGI_SIG_BINS);
    ngi_store_le32(h + 8, w->n_docs);
    ngi_store_le32(h + 12, w->n_signed);
    static const uint8_t zeros[8];
    size_t pad = ngi_sign_bitmap_bytes(n_docs) - w->bits.len;
    int rc = ngi_file_writer_begin(fw, NGI_SEC_SIGN);
    if (!rc) rc = ngi_file_writer_append(fw, h, sizeof h);
    if (!rc) rc = ngi_file_writer_append(fw, w->bits.data, w->bits.len);
    if (!rc) rc = ngi_file_writer_append(fw, zeros, pad);
    if (!rc) rc = ngi_file_writer_append(fw, w->sigs.data, w->sigs.len);
    return rc ? rc : ngi_file_writer_end(fw);
}

/* ---- reading it ---------------------------------------------------------- */

int ngi_sign_open(ngi_segment *s, ngi_error *err) {
    s->sign = NULL;
    if (!ngi_file_reader_has(s->fr, NGI_SEC_SIGN))
        return 0; /* written before signatures: none */
    const uint8_t *p;
    size_t len;
    int rc = ngi_file_reader_section(s->fr, NGI_SEC_SIGN, &p, &len, err);
    if (rc) return rc;
    if (len < NGI_SIGN_HEAD)
        return ngi_seg_corrupt(s, err, "signature section too short");
    if (p[0] != NGI_SIGN_VERSION || p[1] != NGI_SIG_SHINGLE || p[2] != NGI_SIG_BITS ||
        p[3] != 0 || ngi_load_le32(p + 4) != NGI_SIG_BINS)
        return ngi_seg_corrupt(s, err, "signature section of unknown parameters");
    if (ngi_load_le32(p + 8) != s->n_docs || ngi_load_le32(p + 12) > s->n_docs ||
        len != ngi_sign_section_bytes(s->n_docs))
        return ngi_seg_corrupt(s, err,
                               "signature section size does not match the counts");
    s->sign = p;
    return 0;
}

bool ngi_segment_has_signatures(const ngi_segment *s) {
    return s->sign != NULL;
}

/* The section's checksum, once per open segment (first use): a flipped
 * byte would silently join or split clusters. */
static int verify_once(const ngi_segment *s, ngi_error *err) {
    ngi_segment *m = (ngi_segment *)s; /* the flag is the only mutable state */
    return ngi_seg_verify_once(s, &m->sign_state, NGI_SEC_SIGN, "SIGN", err);
}

int ngi_segment_signature(const ngi_segment *s, uint32_t doc, const uint8_t **sig,
                          ngi_error *err) {
    NGI_ASSERT(doc < s->n_docs);
    *sig = NULL;
    if (!s->sign) return 0;
    int rc = verify_once(s, err);
    if (rc) return rc;
    const uint8_t *bits = s->sign + NGI_SIGN_HEAD;
    if (bits[doc / 8] >> (doc % 8) & 1)
        *sig = bits + ngi_sign_bitmap_bytes(s->n_docs) + (size_t)doc * NGI_SIG_BYTES;
    return 0;
}

/* `newsgrep check`: the bitmap agrees with the count, padding and the
 * records of documents without a signature are zero. */
int ngi_sign_check(const ngi_segment *s, ngi_error *err) {
    if (!s->sign) return 0;
    const uint8_t *bits = s->sign + NGI_SIGN_HEAD;
    const uint8_t *recs = bits + ngi_sign_bitmap_bytes(s->n_docs);
    uint32_t n = 0;
    for (uint32_t d = 0; d < s->n_docs; d++) {
        bool has = bits[d / 8] >> (d % 8) & 1;
        n += has;
        if (has) continue;
        for (size_t i = 0; i < NGI_SIG_BYTES; i++)
            if (recs[(size_t)d * NGI_SIG_BYTES + i])
                return ngi_seg_corrupt(s, err,
                                       "signature of a document marked as having none");
    }
    for (size_t i = s->n_docs; i < 8 * ngi_sign_bitmap_bytes(s->n_docs); i++)
        if (bits[i / 8] >> (i % 8) & 1)
            return ngi_seg_corrupt(s, err, "signature bitmap bits past the documents");
    if (n != ngi_load_le32(s->sign + 12))
        return ngi_seg_corrupt(s, err, "signature count disagrees with the bitmap");
    return 0;
}
