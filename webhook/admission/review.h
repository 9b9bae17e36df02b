/* admission.k8s.io/v1 AdmissionReview in, AdmissionReview out (pure: bytes
 * in, bytes out, no system calls). The server shell passes the body it
 * received and sends back what this returns; in between, it looks up the
 * images that containers without a command run:
 *
 *   review_begin(body, len, &p, &out)   out.body set: answered already
 *   images = review_images(&p)          [{"image", "always"}], maybe []
 *   ... look them up ...
 *   review_finish(&settings, &p, configs, n, &out); review_pending_free(&p)
 *
 * A kubectl exec review (CONNECT pods/exec) needs the pod instead, read
 * from the API server (exec.h):
 *
 *   if (review_exec_pod(&p, &ns, &name)) ... read it ...
 *   review_exec_pod_read(&p, pod_or_NULL, why); review_finish(..., NULL, 0, &out)
 *
 * (tests/unit/webhook_util.c's test_review does all three with the configs
 * given, for the tests and the fuzz target; test_review_with_pod with a
 * pod.) */
#ifndef STRICT_WEBHOOK_REVIEW_H
#define STRICT_WEBHOOK_REVIEW_H

#include <stddef.h>

#include "exec.h"
#include "mutate.h"

/* Metrics labels for request.operation. */
enum wh_op_label {
	WH_LABEL_CREATE,
	WH_LABEL_UPDATE,
	WH_LABEL_DELETE,
	WH_LABEL_CONNECT,
	WH_LABEL_OTHER,
	WH_LABELS
};

#define WH_ERROR WH_OUTCOMES /* outcome of a body that is no AdmissionReview */

struct wh_review {
	int http_status;          /* 200 (an AdmissionReview) or 400 */
	const char *content_type; /* of body */
	char *body;               /* malloc'ed; not NUL-terminated necessarily */
	size_t body_len;
	int outcome; /* enum wh_outcome, or WH_ERROR */
	enum wh_op_label operation;
	bool lookup_skipped; /* admitted unchanged: a lookup failed (--on-lookup-failure=skip) */
	char summary[512];   /* one printable line for the log */
};

/* A review read and not answered yet. */
struct wh_pending {
	json_t *review; /* the parsed body (owned) */
	const char *uid;
	char exec_error[256]; /* why the exec's pod was not read */
	enum { WH_PENDING_MUTATE, WH_PENDING_EXEC, WH_PENDING_NOT_PODS, WH_PENDING_OTHER } what;
	struct wh_request req;       /* what mutate_pod gets (images filled by finish) */
	struct wh_exec_request exec; /* what exec_review gets (the pod filled by the caller) */
};

/* Reads a review. Returns 0, either with out->body set (not a review: a
 * 400 answer; p is then empty) or with *p filled; -1 when out of memory. */
int review_begin(const char *body, size_t len, struct wh_pending *p, struct wh_review *out);
/* The images to look up first (mutate_images_needed); NULL when out of memory. */
json_t *review_images(const struct wh_pending *p);
/* Whether the review is a kubectl exec (CONNECT pods/exec), whose pod,
 * named by request.namespace and request.name (*ns and *name, maybe ""), the caller
 * reads before review_finish. */
bool review_exec_pod(const struct wh_pending *p, const char **ns, const char **name);
/* What that read found: the pod (borrowed: it must live until
 * review_finish returns), or NULL and why not (copied). */
void review_exec_pod_read(struct wh_pending *p, const json_t *pod, const char *why);
/* The answer, given the lookups of those images. 0, or -1 when out of memory. */
int review_finish(const struct wh_settings *settings, struct wh_pending *p,
		  const struct wh_image_config *images, size_t n_images, struct wh_review *out);
void review_pending_free(struct wh_pending *p);

void review_free(struct wh_review *out);

const char *review_op_label_name(enum wh_op_label label);

/* A Go duration as the API server writes its ?timeout= ("10s", "1m30s",
 * "500ms", "1.5s"; units h, m, s, ms, us, ns), at most a day. 0 with
 * *seconds set, or -1 when it is none (the caller then ignores it). */
int review_parse_duration(const char *text, double *seconds);

#endif
