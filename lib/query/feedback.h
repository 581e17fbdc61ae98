/*
 * feedback.h — queries made from documents: RM3 pseudo-relevance feedback
 * (NG_SEARCH_EXPAND) and ng_related's more-like-this query (feedback.c).
 */
#ifndef NG_QUERY_FEEDBACK_H
#define NG_QUERY_FEEDBACK_H

#include "newsgrep.h"

/* ng_search with NG_SEARCH_EXPAND set in o->flags. */
int ngi_search_expanded(ng_reader *reader, const ng_query *q, const ng_search_options *o,
                        ng_results **out);
/* results.c helpers for ng_related. */
/* Removes hit i (a document, not a match: the total drops by one). */
void ngi_results_drop_hit(ng_results *r, size_t i);
/* Keeps the first k hits. */
void ngi_results_truncate(ng_results *r, size_t k);
int ngi_results_failed(ng_results **out, int code, const char *msg);

#endif
