/*
 * main.c — the newsgrep command's main(): a shim over ngc_main() (cli.c),
 * so that tests and fuzz replays can link every other object of the command.
 */
#include <stdlib.h> /* defines __GLIBC__ on glibc */
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli.h"

int main(int argc, char **argv) {
#ifdef __GLIBC__
    /* A fixed mmap threshold: glibc's default raises it to the size of the
     * largest block freed (up to 32 MiB), after which the writer's 1 MiB
     * pages and buffers come from the threads' heaps and stay resident
     * when freed — 10-30 MiB over --ram-mb at small budgets. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
    return ngc_main(argc, argv);
}
