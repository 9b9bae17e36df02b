/* Helpers for the webhook's unit tests and its fuzz target: JSON written with
 * single quotes, and an RFC 6902 patch applier (add, remove, replace) used
 * only to check the webhook's patches. */
#ifndef STRICT_TEST_WEBHOOK_UTIL_H
#define STRICT_TEST_WEBHOOK_UTIL_H

#include <jansson.h>

/* Parses JSON written with ' for " (test data stays readable); aborts on a
 * syntax error, which is a bug in the test. */
json_t *J(const char *single_quoted);

/* Applies the operations to *doc (which may be replaced). Returns 0, or -1
 * when an operation does not apply (a path that does not exist, an index
 * out of range, an unknown op). */
int patch_apply(json_t **doc, const json_t *patch);

/* The value at a JSON Pointer, or NULL. */
json_t *pointer_get(json_t *doc, const char *pointer);

#endif
