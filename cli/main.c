/*
 * main.c — the newsgrep command's main(): a shim over ngc_main() (cli.c),
 * so that tests and fuzz replays can link every other object of the command.
 */
#include "cli.h"

int main(int argc, char **argv) {
    return ngc_main(argc, argv);
}
