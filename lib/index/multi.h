/*
 * multi.h — several index directories read as one (ng_reader_open_many):
 * each part is an ordinary ng_reader; the multi-reader's snapshot is the
 * concatenation of the parts' segments in the order given, so the query
 * engine, stored documents and statistics see one index whose documents
 * are those of the parts, in part order (what one index built from the
 * parts in that order holds).
 */
#ifndef NG_INDEX_MULTI_H
#define NG_INDEX_MULTI_H

#include "index.h"

typedef struct ngi_multi ngi_multi;

/* Opens every directory and builds the combined snapshot *snap. Fails
 * with NG_ELANG when the parts' languages or analyzer flags differ and
 * NG_EDOC when a live id is in two parts (both named in err). On failure
 * *out may still be set (free it with ngi_multi_free). */
int ngi_multi_open(ngi_multi **out, const char *const *dirs, size_t n,
                   ngi_snapshot **snap, ngi_error *err);
/* Reopens every part; when one changed since *snap was built, replaces
 * *snap by a new combined snapshot (the old one is freed) and sets
 * *changed. On failure *snap is left as it was. */
int ngi_multi_reopen(ngi_multi *m, ngi_snapshot **snap, int *changed, ngi_error *err);
void ngi_multi_free(ngi_multi *m);
/* Bytes of the parts' manifests (ng_reader_stats). */
uint64_t ngi_multi_manifest_bytes(const ngi_multi *m);
/* Verifies every part's manifest checksum (the segments are checked
 * through the combined snapshot). */
int ngi_multi_check_manifests(const ngi_multi *m, ngi_error *err);

#endif /* NG_INDEX_MULTI_H */
