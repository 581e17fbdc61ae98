/*
 * mhd_load.h — libmicrohttpd, opened with dlopen when `serve` starts. It
 * brings GnuTLS, nettle, gmp, p11-kit and more, whose loading and
 * constructors cost every other command ~1-2 ms of start-up when linked
 * (bench/README.md, "first query"). cmd_serve.c includes this after
 * <microhttpd.h>: the MHD_* calls it makes go through the table below.
 */
#ifndef NGS_MHD_LOAD_H
#define NGS_MHD_LOAD_H

#include <microhttpd.h>
#include <stddef.h>

#ifndef NGS_MHD_SONAME
#define NGS_MHD_SONAME "libmicrohttpd.so.12"
#endif

struct ngs_mhd_api {
    struct MHD_Daemon *(*start_daemon)(unsigned int, uint16_t, MHD_AcceptPolicyCallback,
                                       void *, MHD_AccessHandlerCallback, void *, ...);
    void (*stop_daemon)(struct MHD_Daemon *);
    const union MHD_DaemonInfo *(*get_daemon_info)(struct MHD_Daemon *,
                                                   enum MHD_DaemonInfoType, ...);
    struct MHD_Response *(*create_response_from_buffer)(size_t, void *,
                                                        enum MHD_ResponseMemoryMode);
    enum MHD_Result (*add_response_header)(struct MHD_Response *, const char *,
                                           const char *);
    void (*destroy_response)(struct MHD_Response *);
    enum MHD_Result (*queue_response)(struct MHD_Connection *, unsigned int,
                                      struct MHD_Response *);
    int (*get_connection_values_n)(struct MHD_Connection *, enum MHD_ValueKind,
                                   MHD_KeyValueIteratorN, void *);
    const char *(*lookup_connection_value)(struct MHD_Connection *, enum MHD_ValueKind,
                                           const char *);
};

/* Filled by ngs_mhd_load. */
extern struct ngs_mhd_api ngs_mhd;

/* Opens the library and finds every function: 0, or -1 with why[] saying
 * what failed. */
int ngs_mhd_load(char *why, size_t why_len);

#define MHD_start_daemon                ngs_mhd.start_daemon
#define MHD_stop_daemon                 ngs_mhd.stop_daemon
#define MHD_get_daemon_info             ngs_mhd.get_daemon_info
#define MHD_create_response_from_buffer ngs_mhd.create_response_from_buffer
#define MHD_add_response_header         ngs_mhd.add_response_header
#define MHD_destroy_response            ngs_mhd.destroy_response
#define MHD_queue_response              ngs_mhd.queue_response
#define MHD_get_connection_values_n     ngs_mhd.get_connection_values_n
#define MHD_lookup_connection_value     ngs_mhd.lookup_connection_value

#endif
