/*
 * spawn_time.c — wall time of a whole command, process start to exit, as a
 * one-shot user sees it: posix_spawn, wait, repeated. Output goes to
 * /dev/null (the command still writes every byte). Prints one line per
 * command:
 *   p50_ms mean_ms min_ms p90_ms cpu_p50_ms runs CMD...
 * cpu = user + system time of the child (wait4): on a shared, loaded
 * machine it moves much less than the wall time.
 * Several commands can be interleaved (round robin) so that they see the
 * same machine load: separate them with a lone "--".
 *
 *   spawn_time N [--warmup W] CMD ARGS... [-- CMD ARGS...]...
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double run_once(char **argv, posix_spawn_file_actions_t *fa, double *cpu) {
    pid_t pid;
    double t0 = now_ms();
    if (posix_spawnp(&pid, argv[0], fa, NULL, argv, environ)) {
        perror(argv[0]);
        exit(2);
    }
    int st;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) > 1) {
        fprintf(stderr, "spawn_time: %s failed (status %d)\n", argv[0], st);
        exit(2);
    }
    double wall = now_ms() - t0;
    *cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    return wall;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr,
                "usage: spawn_time N [--warmup W] CMD ARGS... [-- CMD ARGS...]\n");
        return 2;
    }
    int n = atoi(argv[1]), warm = 3, a = 2;
    if (a + 1 < argc && !strcmp(argv[a], "--warmup")) {
        warm = atoi(argv[a + 1]);
        a += 2;
    }
    if (n < 1) return 2;
    char **cmds[64];
    int nc = 0;
    cmds[nc++] = argv + a;
    for (int i = a; i < argc; i++)
        if (!strcmp(argv[i], "--")) {
            argv[i] = NULL;
            if (nc < 64 && i + 1 < argc) cmds[nc++] = argv + i + 1;
        }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    double *t = calloc((size_t)n * nc, sizeof *t), *u = calloc((size_t)n * nc, sizeof *u);
    if (!t || !u) return 2;
    double ignored;
    for (int w = 0; w < warm; w++)
        for (int c = 0; c < nc; c++) run_once(cmds[c], &fa, &ignored);
    for (int i = 0; i < n; i++)
        for (int c = 0; c < nc; c++)
            t[(size_t)c * n + i] = run_once(cmds[c], &fa, &u[(size_t)c * n + i]);
    for (int c = 0; c < nc; c++) {
        double *x = t + (size_t)c * n, *y = u + (size_t)c * n, sum = 0;
        qsort(x, (size_t)n, sizeof *x, cmp_double);
        qsort(y, (size_t)n, sizeof *y, cmp_double);
        for (int i = 0; i < n; i++) sum += x[i];
        printf("%.2f %.2f %.2f %.2f %.2f %d", x[n / 2], sum / n, x[0], x[n * 9 / 10],
               y[n / 2], n);
        for (char **p = cmds[c]; *p; p++) printf(" %s", *p);
        printf("\n");
    }
    return 0;
}
