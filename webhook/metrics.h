/* Counters for /metrics (Prometheus text format 0.0.4), updated with atomics
 * from the worker threads. */
#ifndef STRICT_WEBHOOK_METRICS_H
#define STRICT_WEBHOOK_METRICS_H

#include <stddef.h>

#include "webhook/admission/review.h"
#include "webhook/image/imagecache.h"

/* outcome: enum wh_outcome or WH_ERROR. */
void metrics_admission(enum wh_op_label op, enum wh_mode mode, int outcome, double seconds);
/* An HTTP answer that was no admission (404, 405, 408, 413, 415, 503). */
void metrics_http_error(unsigned int status);
void metrics_cert_reload(int ok, long long not_after);
/* A pod admitted unchanged because an image lookup failed
 * (--on-lookup-failure=skip). */
void metrics_lookup_skipped(void);
/* A pod read for a kubectl exec review (kubeapi.h), by result. */
enum metrics_pod_read {
	POD_READ_OK,
	POD_READ_NOT_FOUND,
	POD_READ_UNAUTHORIZED,
	POD_READ_FORBIDDEN,
	POD_READ_TIMEOUT,
	POD_READ_UNREACHABLE,
	POD_READ_ERROR,
	POD_READ_RESULTS
};
void metrics_pod_read(enum metrics_pod_read result);
void metrics_connections(int delta);
void metrics_inflight(int delta);
long metrics_inflight_now(void);
void metrics_set_ready(int ready);
int metrics_ready(void);

/* Every metric in Prometheus' text format: the webhook's counters and the
 * image cache's (images). Malloc'ed, *len set; NULL when out of memory. */
char *metrics_render(const struct imagecache_counters *images, size_t *len);

#endif
