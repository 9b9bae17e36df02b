/* The pod of a kubectl exec review, read from the API server
 * (GET /api/v1/namespaces/NS/pods/NAME, bearer token, RBAC `get pods`),
 * off the worker threads as the image lookups are (lookups.h): a thread
 * per read, bounded by the review's deadline, libcurl handles kept between
 * reads so that their connections are reused.
 *
 *   struct kubeapi_read *r = kubeapi_read_new(ns, name, deadline_ns);
 *   suspend; kubeapi_read_run(r, resume, connection);  resume is called
 *        once, from some thread, when the read has ended
 *   kubeapi_read_pod(r), or NULL and kubeapi_read_error(r)
 *   kubeapi_read_free(r);
 *
 * Where: --kube-api (https://HOST[:PORT]), else the in-cluster address
 * (KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT), with the token of
 * --kube-token-file (read at every request: kubelet rotates it) and the CA
 * of --kube-ca, by default the pod's ServiceAccount files. */
#ifndef STRICT_WEBHOOK_KUBEAPI_H
#define STRICT_WEBHOOK_KUBEAPI_H

#include <stdint.h>

#include <jansson.h>

#include "options.h"

/* Reads at once, beyond which a read fails at once ("too many"). */
#define KUBEAPI_MAX_THREADS 128
/* The largest pod accepted (the API server stores at most 1.5 MiB). */
#define KUBEAPI_MAX_BODY (8u << 20)

/* From the flags and the environment. 0, or -1 with a reason (a --kube-api
 * that is no https URL). Nothing is read yet: a webhook that never sees an
 * exec review needs neither token nor CA. */
int kubeapi_init(const struct wh_options *o, char *err, size_t errlen);
/* When no read runs any more. */
void kubeapi_free(void);
/* Reads running now. */
long kubeapi_running(void);

struct kubeapi_read;

/* NULL when out of memory. */
struct kubeapi_read *kubeapi_read_new(const char *ns, const char *name, uint64_t deadline_ns);
/* Starts the read; done(arg) is called exactly once when it has ended
 * (maybe before this returns). */
void kubeapi_read_run(struct kubeapi_read *r, void (*done)(void *), void *arg);
/* The pod (valid until free), or NULL; then why, one line. */
const json_t *kubeapi_read_pod(const struct kubeapi_read *r);
const char *kubeapi_read_error(const struct kubeapi_read *r);
void kubeapi_read_free(struct kubeapi_read *r);

#endif
