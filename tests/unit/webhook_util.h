/* Helpers for the webhook's unit tests and its fuzz target: JSON written with
 * single quotes, and an RFC 6902 patch applier (add, remove, replace) used
 * only to check the webhook's patches. */
#ifndef STRICT_TEST_WEBHOOK_UTIL_H
#define STRICT_TEST_WEBHOOK_UTIL_H

#include <stddef.h>

#include <jansson.h>

#include "webhook/admission/mutate.h"
#include "webhook/admission/review.h"

/* Parses JSON written with ' for " (test data stays readable); aborts on a
 * syntax error, which is a bug in the test. */
json_t *J(const char *single_quoted);

/* Applies the operations to *doc (which may be replaced). Returns 0, or -1
 * when an operation does not apply (a path that does not exist, an index
 * out of range, an unknown op). */
int patch_apply(json_t **doc, const json_t *patch);

/* The value at a JSON Pointer, or NULL. */
json_t *pointer_get(json_t *doc, const char *pointer);

/* Image lookups as a test or a fuzz input writes them:
 *   {"IMAGE": {"config": {"Entrypoint": [...], "Cmd": [...], "User": "..."},
 *              "digest": "sha256:..."},
 *    "IMAGE2": {"error": "timeout", "message": "..."}, ...}
 * "config" is a config blob's "config" object, read by the module's own
 * parser (imageconfig_parse); "error" names an image_error
 * (image_error_name). An entry that is neither is skipped. */
struct test_images {
	struct wh_image_config *v;
	struct imageconfig *configs;
	size_t n;
};

/* 0, or -1 when out of memory. spec may be NULL (no images). */
int test_images_load(const json_t *spec, struct test_images *out);
void test_images_free(struct test_images *t);

/* The server's two steps in one: review_begin, then review_finish with the
 * lookups given. Returns 0 with *out filled (release with review_free), or
 * -1 when out of memory. */
int test_review(const struct wh_settings *settings, const char *body, size_t len,
		const struct wh_image_config *images, size_t n_images, struct wh_review *out);

/* The same for a review that may be a kubectl exec: the pod its read
 * found (NULL: not found, why says so) is handed over in between. */
int test_review_with_pod(const struct wh_settings *settings, const char *body, size_t len,
			 const json_t *pod, const char *why, struct wh_review *out);

#endif
