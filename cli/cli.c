/*
 * cli.c — the command's entry point: checks that the library linked is the
 * one the header describes, then dispatches to a subcommand, to --help /
 * --version, or to grep-style search (newsgrep QUERY PATH...).
 */
#include <locale.h>
#include <signal.h>
#include <string.h>

#include "cli.h"

typedef struct command {
    const char *name;                  /* subcommand name */
    int (*run)(int argc, char **argv); /* argv[0] is the name */
} command;

static const command commands[] = {
    {"index", ngc_cmd_index},     {"search", ngc_cmd_search},
    {"count", ngc_cmd_count},     {"show", ngc_cmd_show},
    {"delete", ngc_cmd_delete},   {"merge", ngc_cmd_merge},
    {"stats", ngc_cmd_stats},     {"check", ngc_cmd_check},
    {"recover", ngc_cmd_recover}, {"timeline", ngc_cmd_timeline},
    {"tokens", ngc_cmd_tokens},   {"extract", ngc_cmd_extract},
    {"serve", ngc_cmd_serve},     {"related", ngc_cmd_related},
};

static int version(void) {
    printf("newsgrep %s (library %s)\n", NG_VERSION_STRING, ng_version_string());
    return 0;
}

int ngc_main(int argc, char **argv) {
    /* A closed pipe (newsgrep ... | head) ends us quietly, like grep. */
    signal(SIGPIPE, SIG_DFL);
    if (ng_version_number() != NG_VERSION_NUMBER) {
        ngc_err("library version %s does not match the command's %s; "
                "reinstall newsgrep",
                ng_version_string(), NG_VERSION_STRING);
        return NGC_EXIT_ERROR;
    }
    if (argc < 2) {
        ngc_help(stderr, NULL);
        return NGC_EXIT_ERROR;
    }
    const char *a = argv[1];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "help") == 0) {
        if (argc > 2 && strcmp(a, "help") == 0 && ngc_help(stdout, argv[2]) == 0)
            return 0;
        ngc_help(stdout, NULL);
        return 0;
    }
    if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) return version();
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(a, commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    return ngc_cmd_grep(argc, argv);
}
