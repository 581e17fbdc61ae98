/*
 * fuzz_inputs.h — the byte layout of the inputs of the two index fuzz
 * targets (tests/fuzz/fuzz_postings.c, tests/fuzz/fuzz_segment.c), shared
 * with the seed generator (tests/reliability/gen_seeds.c) so that seeds and
 * targets agree. All integers little-endian.
 *
 * fuzz_postings input:
 *   u32 max_doc   doc id bound given to the cursor (0 means 1 << 24)
 *   u32 df        documents claimed by the term
 *   u32 docs_len  bytes of the docs stream that follow (clamped)
 *   u32 max_tf    ngi_term_postings.max_tf
 *   u32 min_dl    ngi_term_postings.min_dl
 *   u32 ops       seed of the operation sequence; bit 0: no positions
 *   u64 cf        ngi_term_postings.cf
 *   docs_len bytes of docs stream, then the positions stream (the rest)
 *
 * fuzz_segment input:
 *   u32 n_docs    the manifest entry's document count
 *   u32 n_deleted the manifest entry's deleted count
 *   u32 seg_len   bytes of segment file that follow (clamped)
 *   seg_len bytes: the segment file (.ngs); the rest, when non-empty, is
 *   the segment's deletion file (.ngd)
 */
#ifndef NG_TESTS_FUZZ_INPUTS_H
#define NG_TESTS_FUZZ_INPUTS_H

#define FUZZ_POSTINGS_HEADER 32
#define FUZZ_SEGMENT_HEADER  12

#endif /* NG_TESTS_FUZZ_INPUTS_H */
