/* admission.k8s.io/v1 AdmissionReview in, AdmissionReview out (pure: bytes
 * in, bytes out, no system calls). The server shell passes the body it
 * received and sends back what this returns. */
#ifndef STRICT_WEBHOOK_REVIEW_H
#define STRICT_WEBHOOK_REVIEW_H

#include <stddef.h>

#include "mutate.h"

/* Metrics labels for request.operation. */
enum wh_op_label { WH_LABEL_CREATE, WH_LABEL_UPDATE, WH_LABEL_DELETE, WH_LABEL_CONNECT,
		   WH_LABEL_OTHER, WH_LABELS };

#define WH_ERROR WH_OUTCOMES /* outcome of a body that is no AdmissionReview */

struct wh_review {
	int http_status;          /* 200 (an AdmissionReview) or 400 */
	const char *content_type; /* of body */
	char *body;               /* malloc'ed; not NUL-terminated necessarily */
	size_t body_len;
	int outcome;              /* enum wh_outcome, or WH_ERROR */
	enum wh_op_label operation;
	char summary[512];        /* one printable line for the log */
};

/* Returns 0 with *out filled (release with wh_review_free), or -1 when out
 * of memory. */
int wh_review(const struct wh_settings *settings, const char *body, size_t len,
	      struct wh_review *out);
void wh_review_free(struct wh_review *out);

const char *wh_op_label_name(enum wh_op_label label);

#endif
