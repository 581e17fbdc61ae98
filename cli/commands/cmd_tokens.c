/*
 * cmd_tokens.c — `newsgrep tokens`: shows what the analyzer makes of a
 * text, one token per line: term<TAB>position<TAB>start<TAB>end (byte
 * offsets into the text as given).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum { O_LANG = 256, O_NOSTEM, O_NOSTOP };

static const struct option tok_opts[] = {{"help", no_argument, 0, 'h'},
                                         {"lang", required_argument, 0, O_LANG},
                                         {"no-stem", no_argument, 0, O_NOSTEM},
                                         {"no-stop", no_argument, 0, O_NOSTOP},
                                         {0, 0, 0, 0}};

static int print_token(void *ctx, const ng_token *t) {
    (void)ctx;
    printf("%.*s\t%u\t%zu\t%zu\n", (int)t->term_len, t->term, t->position, t->start,
           t->end);
    return 0;
}

/* TEXT: the arguments joined by spaces, or stdin for "-". */
static int read_text(int argc, char **argv, int from, ngc_buf *b) {
    if (argc - from == 1 && strcmp(argv[from], "-") == 0) {
        char tmp[65536];
        ssize_t n;
        while ((n = read(STDIN_FILENO, tmp, sizeof tmp)) > 0)
            if (ngc_buf_add(b, tmp, (size_t)n) < 0) return -1;
        return n < 0 ? -1 : 0;
    }
    for (int i = from; i < argc; i++)
        if ((i > from && ngc_buf_addc(b, ' ') < 0) ||
            ngc_buf_add(b, argv[i], strlen(argv[i])) < 0)
            return -1;
    return 0;
}

int ngc_cmd_tokens(int argc, char **argv) {
    const char *lang = NULL;
    unsigned flags = 0;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":h", tok_opts, NULL)) != -1) {
        if (c == 'h') return ngc_help(stdout, "tokens"), 0;
        if (c == O_LANG)
            lang = optarg;
        else if (c == O_NOSTEM)
            flags |= NG_ANALYZE_NO_STEM;
        else if (c == O_NOSTOP)
            flags |= NG_ANALYZE_NO_STOP;
        else
            return ngc_usage_error(
                "tokens", c == ':' ? "option '%s' needs a value" : "unknown option '%s'",
                argv[optind - 1]);
    }
    if (optind >= argc) return ngc_usage_error("tokens", "missing TEXT (or - for stdin)");
    ng_analyzer *an = NULL;
    int rc = ng_analyzer_create(&an, lang, flags);
    if (rc == NG_ELANG) {
        ngc_err("tokens: unsupported language '%s'", lang ? lang : "");
        return NGC_EXIT_ERROR;
    }
    ngc_buf b = {0};
    if (rc == 0 && read_text(argc, argv, optind, &b) < 0) rc = NG_EIO;
    if (rc == 0)
        rc = ng_analyzer_tokenize(an, b.data ? b.data : "", b.len, 0, print_token, NULL);
    if (rc < 0) ngc_err("tokens: %s", ng_strerror(rc));
    ngc_buf_free(&b);
    ng_analyzer_free(an);
    return rc < 0 ? NGC_EXIT_ERROR : 0;
}
