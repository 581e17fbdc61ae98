/*
 * xml_load.c — libxml2, opened with dlopen at the first HTML page (see
 * html.h). Linked, it loads ICU (~30 MB of data and code), liblzma and
 * libstdc++ into every process of the library, searches included, for
 * ~1-2 ms of start-up (bench/README.md, "first query").
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "extract/html.h"

ngi_xml_api ngi_xml;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[256]; /* written once, before `loaded` is set */
static int loaded;

/* dlsym returns void *; C11 has no conversion to function pointers, so the
 * address is copied into the slot (POSIX guarantees they are alike). */
static int find(void *lib, const char *name, void *slot) {
    void *p = dlsym(lib, name);
    if (!p) {
        snprintf(load_error, sizeof load_error, "%s: no symbol %s", NGI_XML_SONAME, name);
        return -1;
    }
    memcpy(slot, &p, sizeof p);
    return 0;
}

static void load(void) {
    void *lib = dlopen(NGI_XML_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        snprintf(load_error, sizeof load_error, "%s", e ? e : NGI_XML_SONAME);
        return;
    }
    ngi_xml_api a;
    void *free_var = NULL;
    if (find(lib, "htmlReadMemory", &a.read_memory) ||
        find(lib, "xmlDocGetRootElement", &a.root_element) ||
        find(lib, "xmlFreeDoc", &a.free_doc) || find(lib, "xmlGetProp", &a.get_prop) ||
        find(lib, "xmlSetGenericErrorFunc", &a.set_error_func) ||
        find(lib, "xmlFree", &free_var)) {
        dlclose(lib);
        return;
    }
    a.free_fn = *(xmlFreeFunc *)free_var; /* xmlFree is a variable */
    ngi_xml = a;
    loaded = 1; /* the library stays loaded for the process's life */
}

const char *ngi_xml_load(void) {
    pthread_once(&once, load);
    return loaded ? NULL : load_error;
}
