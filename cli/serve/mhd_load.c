/*
 * mhd_load.c — opens libmicrohttpd on demand (see mhd_load.h).
 */
#include "mhd_load.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

struct ngs_mhd_api ngs_mhd;

/* dlsym returns void *; C11 has no conversion to function pointers, so the
 * address is copied into the slot (POSIX guarantees they are alike). */
static int find(void *lib, const char *name, void *slot, char *why, size_t why_len) {
    void *p = dlsym(lib, name);
    if (!p) {
        snprintf(why, why_len, "%s: no symbol %s", NGS_MHD_SONAME, name);
        return -1;
    }
    memcpy(slot, &p, sizeof p);
    return 0;
}

int ngs_mhd_load(char *why, size_t why_len) {
    if (ngs_mhd.start_daemon) return 0;
    void *lib = dlopen(NGS_MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        snprintf(why, why_len, "%s", e ? e : NGS_MHD_SONAME ": cannot open");
        return -1;
    }
    struct ngs_mhd_api a;
    if (find(lib, "MHD_start_daemon", &a.start_daemon, why, why_len) ||
        find(lib, "MHD_stop_daemon", &a.stop_daemon, why, why_len) ||
        find(lib, "MHD_get_daemon_info", &a.get_daemon_info, why, why_len) ||
        find(lib, "MHD_create_response_from_buffer", &a.create_response_from_buffer, why,
             why_len) ||
        find(lib, "MHD_add_response_header", &a.add_response_header, why, why_len) ||
        find(lib, "MHD_destroy_response", &a.destroy_response, why, why_len) ||
        find(lib, "MHD_queue_response", &a.queue_response, why, why_len) ||
        find(lib, "MHD_get_connection_values_n", &a.get_connection_values_n, why,
             why_len) ||
        find(lib, "MHD_lookup_connection_value", &a.lookup_connection_value, why,
             why_len)) {
        dlclose(lib);
        return -1;
    }
    ngs_mhd = a; /* before any server thread exists; never closed */
    return 0;
}
