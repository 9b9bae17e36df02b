/* The HTTPS server (libmicrohttpd with GnuTLS): routes, request bodies,
 * limits. The admission itself is webhook/review.c. */
#ifndef STRICT_WEBHOOK_SERVER_H
#define STRICT_WEBHOOK_SERVER_H

#include <stddef.h>

#include "options.h"

/* Starts the HTTPS daemon (and the plain metrics one when asked). Returns
 * 0, or -1 with a reason in err. */
int server_start(const struct wh_options *o, char *err, size_t errlen);

/* Closes connections that sent no request within --idle-timeout (call it
 * every second). */
void server_sweep(void);

/* From now on every answer closes its connection. */
void server_set_draining(void);

/* Stops accepting connections; those open go on. */
void server_quiesce(void);

/* Closes everything. */
void server_stop(void);

#endif
