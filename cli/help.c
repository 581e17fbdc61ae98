/*
 * help.c — the --help texts of the command and of every subcommand, kept
 * together so they read as one document (the man page cli/newsgrep.1 says
 * the same at more length).
 */
#include <string.h>

#include "cli.h"

typedef struct help_entry {
    const char *name; /* subcommand */
    const char *text; /* its help */
} help_entry;

static const char overview[] =
    "Usage: newsgrep COMMAND [OPTIONS] ...\n"
    "       newsgrep [OPTIONS] QUERY PATH...    rank files by BM25, no index needed\n"
    "\n"
    "Full-text search for news archives: index JSONL, HTML, text and Markdown,\n"
    "then search with a ranked (BM25) query language.\n"
    "\n"
    "Commands:\n"
    "  index     add documents (JSONL, HTML, text, folders, .gz/.zst, -) to an index\n"
    "  search    search the index (also batch mode for evaluation)\n"
    "  count     number of matching documents\n"
    "  show      print a stored document\n"
    "  delete    delete documents by id\n"
    "  merge     merge all segments into one\n"
    "  stats     documents, terms, sizes, segments\n"
    "  check     verify checksums and structure\n"
    "  recover   rebuild a lost or damaged MANIFEST from the segment files\n"
    "  timeline  matching documents per day/week/month/year as a bar chart\n"
    "  related   the articles most like a given one\n"
    "  tokens    show how the analyzer splits a text\n"
    "  extract   the article(s) of web pages: title, date, author, url, body\n"
    "  serve     a search page and a JSON API over HTTP\n"
    "\n"
    "Query language: words (ranked OR), AND, OR, NOT, +word, -word, (...),\n"
    "\"exact phrase\", \"phrase\"~N, title:word, body:\"a phrase\", prefix*,\n"
    "date:2025-06-01..2025-06-30 (either end may be a month or a year: "
    "date:1987-10..1988).\n"
    "\n"
    "Grep style: a QUERY whose first word is a command name needs --:\n"
    "  newsgrep -- merge PATH...    (searches for 'merge')\n"
    "\n"
    "Index location: -i DIR, else $NEWSGREP_INDEX, else ./.newsgrep\n"
    "Several indexes as one (search, count, timeline, show, stats): repeat -i,\n"
    "or a colon-separated $NEWSGREP_INDEX (ids must be unique across them).\n"
    "Exit status: 0 match (or success), 1 no match, 2 error.\n"
    "\n"
    "  -h, --help     this help ('newsgrep COMMAND --help' for a command)\n"
    "  -V, --version  command and library versions\n"
    "See newsgrep(1) for details.\n";

#define OUTPUT_OPTS                                                                      \
    "Output:\n"                                                                          \
    "  -k N                 number of results (default 10)\n"                            \
    "      --json           one JSON object per result (id, score, title,\n"             \
    "                       date, source, snippet, highlights)\n"                        \
    "      --trec TAG       TREC run lines: qid Q0 docid rank score TAG\n"               \
    "      --ids            ids only, one per line\n"                                    \
    "  -l, --files          source paths (or ids) only, like grep -l\n"                  \
    "      --color=WHEN     auto (default), always, never; NO_COLOR is honoured\n"       \
    "      --snippets, --no-snippets   show highlighted passages (default on)\n"

static const help_entry entries[] = {
    {"index",
     "Usage: newsgrep index [-i DIR] [OPTIONS] PATH... | -\n"
     "\n"
     "Adds documents to the index (created when missing). PATH may be a JSONL\n"
     "file (one JSON object per line), an HTML page, a text or Markdown file,\n"
     "or a folder (recursively; hidden files skipped); .gz and .zst files are\n"
     "decompressed on the fly; - reads stdin. A document whose id exists\n"
     "replaces the old one. Bad inputs are reported as FILE:LINE: reason, the\n"
     "rest is indexed and committed, and the exit status is then 2. When the\n"
     "merge after a commit fails, the message says the documents are committed\n"
     "and why the merge failed (exit 2; 'newsgrep merge' retries it).\n"
     "\n"
     "  -i, --index DIR        index directory\n"
     "      --format F         auto (default), jsonl, html or text\n"
     "      --id-field F       JSON key of the id (default: the first present of\n"
     "                         id, _id, guid, uuid, doc_id, docid, url, link)\n"
     "      --title-field F    JSON key of the title (title, headline, subject)\n"
     "      --body-field F     JSON key of the body (body, text, content, article,\n"
     "                         story, description, summary, abstract)\n"
     "      --date-field F     JSON key of the date (date, published, published_at,\n"
     "                         publishedAt, pubDate, publish_date, datePublished,\n"
     "                         created_at, timestamp, datetime, time)\n"
     "      --source-field F   JSON key of the source (default: none)\n"
     "      --include GLOB     in folders, only files matching GLOB (repeatable)\n"
     "      --exclude GLOB     skip files and folders matching GLOB (repeatable)\n"
     "      --threads N        indexing threads (default: the number of cores)\n"
     "      --ram-mb N         memory budget in MiB, input side included (256)\n"
     "      --zstd-long        accept zstd windows up to 2 GiB (--long=31) even\n"
     "                         when --ram-mb cannot hold them\n"
     "      --commit-every N   commit after every N documents\n"
     "      --lang L           language of a new index (default english; an\n"
     "                         existing index keeps its own)\n"
     "      --no-stem, --no-stop   a new index without stemming / stopwords\n"
     "      --max-doc-mb N     skip larger documents (default 64)\n"
     "      --dry-run          print the extracted documents as JSONL, no index\n"
     "  -q, --quiet            no summary\n"
     "  -v, --verbose          name every file as it is read\n"
     "\n"
     "Ctrl-C commits what is indexed so far (run the command again to go on);\n"
     "a second Ctrl-C stops at once, keeping the last commit. Text that is not\n"
     "UTF-8 is read as Windows-1252 (Latin-1).\n"},
    {"search",
     "Usage: newsgrep search [-i DIR] [OPTIONS] QUERY\n"
     "       newsgrep search [-i DIR] --queries FILE.tsv --trec TAG [-k N] [--all]\n"
     "                       [--warmup N] [--latency FILE]\n"
     "\n"
     "Ranks the documents matching QUERY by BM25 and the words' proximity, best\n"
     "first.\n"
     "\n"
     "  -i, --index DIR      index directory; repeat to search several as one\n"
     "      --all            every bare word is required (AND)\n"
     "      --since DATE     only documents dated DATE or later: 2025-06-17,\n"
     "                       \"17 June 2025\", \"18 juin 2025\"...; a month or year\n"
     "                       starts on its first day (--since 1987-10)\n"
     "      --until DATE     only documents dated DATE or earlier; a month or year\n"
     "                       ends on its last day (--until 1987 = to 1987-12-31)\n"
     "      --sort S         score (default) or date (newest first)\n"
     "      --explain        per-term score breakdown of every result\n"
     "      --k1 X, --b X    BM25 parameters (default: the index's; a new index\n"
     "                       gets k1 " NG_STRINGIFY(NG_DEFAULT_K1) ", b " NG_STRINGIFY(
         NG_DEFAULT_B) ")\n"
                       "      --rank R         proximity (default: BM25 + a bonus for "
                       "neighbouring\n"
                       "                       query words found close together, in "
                       "order) or bm25\n"
                       "      --prox-weight X  weight of that bonus (0.5)\n"
                       "      --prox-window N  how many positions after the first word "
                       "(2)\n"
                       "      --count          also print the exact number of matches\n"
                       "      --exhaustive     no dynamic pruning (same results, slower; "
                       "for tests)\n"
                       "      --expand         query expansion from feedback (RM3): the "
                       "best\n"
                       "                       --fb-docs documents' --fb-terms likeliest "
                       "terms are\n"
                       "                       added to the query, which keeps weight "
                       "--fb-weight\n"
                       "      --fb-docs N      feedback documents (10)\n"
                       "      --fb-terms N     expansion terms (10)\n"
                       "      --fb-weight X    weight of the original query, 0 to 1 "
                       "(0.5)\n"
                       "      --collapse       syndicated copies collapsed: one result "
                       "per "
                       "story\n"
                       "                       (near-duplicate bodies), \"and N "
                       "similar\"; "
                       "--json: \"similar\"\n"
                       "      --show-similar   --collapse, and name the similar "
                       "ids\n" OUTPUT_OPTS "Batch mode (evaluation):\n"
                       "      --queries FILE   qid<TAB>query lines, read as natural "
                       "language: words and\n"
                       "                       \"quoted phrases\", no operators; needs "
                       "--trec\n"
                       "      --warmup N       run the whole set N times untimed first\n"
                       "      --latency FILE   write qid<TAB>ms<TAB>returned<TAB>total "
                       "per query\n"},
    {"related",
     "Usage: newsgrep related [-i DIR] [-k N] [--json|--ids|--trec TAG] ID\n"
     "\nThe articles most like the one with this id (a query of the 25 terms of\n"
     "its title and body with the highest tf-idf), without itself and its\n"
     "syndicated copies (see search --collapse). Takes the output and date\n"
     "options of search.\n"},
    {"count", "Usage: newsgrep count [-i DIR] [--all] [--since D] [--until D] QUERY\n"
              "\nPrints the exact number of matching documents.\n"},
    {"show", "Usage: newsgrep show [-i DIR] [--json] ID\n"
             "\nPrints the stored document with this id; --json gives the stored fields\n"
             "as one JSON object (for JSONL input: the same keys and values).\n"},
    {"delete", "Usage: newsgrep delete [-i DIR] ID...\n"
               "\nDeletes documents by id and commits. Exit 1 when none existed.\n"},
    {"merge", "Usage: newsgrep merge [-i DIR]\n"
              "\nMerges every segment into one, dropping deleted documents.\n"},
    {"stats", "Usage: newsgrep stats [-i DIR] [--json]\n"
              "\nDocuments, terms, tokens, segments and sizes of the index.\n"},
    {"check", "Usage: newsgrep check [-i DIR]\n"
              "\nVerifies every checksum and structural invariant. Exit 0 intact,\n"
              "2 damaged (the damaged file is named).\n"},
    {"recover",
     "Usage: newsgrep recover [-i DIR]\n"
     "\nRebuilds the index's MANIFEST from the segment and deletes files in DIR,\n"
     "when it is missing or names files that are gone or damaged. Every segment\n"
     "is verified; a damaged file is renamed NAME.damaged and left out, files of\n"
     "another index are left alone; the newest version of each id wins. An\n"
     "index that opens is left as it is. Exit 0 recovered, 2 error.\n"},
    {"timeline",
     "Usage: newsgrep timeline [-i DIR] [--by day|week|month|year] [--json]\n"
     "                         [--all] [--since D] [--until D] [--collapse] QUERY\n"
     "\nCounts the matching documents per period (default: month) and draws\n"
     "them as a bar chart; --json prints {\"period\":...,\"count\":...} lines.\n"
     "--collapse counts stories: near-duplicate copies once, at the first.\n"},
    {"serve",
     "Usage: newsgrep serve [-i DIR]... [--listen ADDR:PORT] [--threads N]\n"
     "                      [--timeout S]\n"
     "\nServes a search page at / and a read-only JSON API:\n"
     "  GET /api/search?q=&k=&offset=&since=&until=&sort=score|date&fields=&all=1\n"
     "  GET /api/doc/ID   GET /api/timeline?q=&by=&since=&until=   GET /api/stats\n"
     "  GET /healthz\n"
     "Errors are JSON {\"error\":...,\"position\":...} with an HTTP status.\n"
     "New commits are picked up without a restart.\n"
     "\n"
     "  -i DIR            the index (default $NEWSGREP_INDEX, else ./.newsgrep)\n"
     "      --listen A:P  address and port (default 127.0.0.1:8080; port 0: any\n"
     "                    free port, printed at start)\n"
     "      --threads N   request threads (default: the number of CPUs)\n"
     "      --timeout S   close idle or slow connections after S seconds (10)\n"},
    {"tokens",
     "Usage: newsgrep tokens [--lang L] [--no-stem] [--no-stop] TEXT...\n"
     "\nPrints the analyzer's tokens of TEXT (or stdin when TEXT is -), one per\n"
     "line: term<TAB>position<TAB>start_byte<TAB>end_byte.\n"},
    {"extract",
     "Usage: newsgrep extract [--json] [--url URL] [--charset CS] [--all-text] FILE...\n"
     "\nPrints what 'index' makes of HTML pages, without an index: each\n"
     "article's title, date, author, url, site, lang and body (the main\n"
     "content, without menus, teasers, comments and other page furniture).\n"
     "Text files (.txt, .md ...) are read as text: a scraped text dump gives\n"
     "its articles, headlines as titles, dated, without the site's chrome.\n"
     "--json prints one object per article and line; --url gives the page's\n"
     "address (a date in it counts), --charset the charset the server\n"
     "declared, --all-text keeps every visible line. FILE may be - (stdin)\n"
     "or compressed (.gz, .zst). Exit 0 when an article was found, 1 when\n"
     "none, 2 on an error (a page over the limits is skipped with a message).\n"},
    {"grep", "Usage: newsgrep [OPTIONS] QUERY PATH...\n"
             "\nRanks the files under PATH (and the documents of JSONL files) by BM25\n"
             "without a saved index: only the documents containing a query word are\n"
             "kept, in a temporary index (under $TMPDIR, removed at exit); the scores\n"
             "are those 'index' + 'search' would give. Takes the options of 'search'\n"
             "and the input options of 'index' (--format, --include, --exclude,\n"
             "--*-field, --zstd-long). JSONL documents are named PATH:LINE and need no\n"
             "id. A QUERY whose first word is a command name (index, search, count,\n"
             "merge ...) needs -- before it: newsgrep -- merge PATH...\n"},
};

int ngc_help(FILE *out, const char *name) {
    if (!name) {
        fputs(overview, out);
        return 0;
    }
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
        if (strcmp(entries[i].name, name) == 0) {
            fputs(entries[i].text, out);
            return 0;
        }
    return -1;
}
