/* Small helpers shared by the image-lookup modules (imageref, imageargv,
 * registry_*, imagestore, imagecache): one-line error messages and owned
 * string arrays. Pure: nothing but malloc. */
#ifndef IMAGE_UTIL_H
#define IMAGE_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* What became of an image lookup: the result kinds of imagecache_lookup (and
 * of every step inside it). The names are the metrics' labels. */
enum image_error {
	IMAGE_OK = 0,
	IMAGE_ERR_REFERENCE,          /* the image string is not a valid reference */
	IMAGE_ERR_NOT_ALLOWED,        /* its registry is not in --registry-allow (nothing sent) */
	IMAGE_ERR_NOT_FOUND,          /* the registry has no such repository, tag or digest */
	IMAGE_ERR_NO_PLATFORM,        /* the image has no manifest for the platform */
	IMAGE_ERR_AUTH,               /* refused (401/403), also with the credentials we have */
	IMAGE_ERR_TIMEOUT,            /* the lookup's deadline passed */
	IMAGE_ERR_UNREACHABLE,        /* name resolution, connection refused or reset */
	IMAGE_ERR_TLS,                /* certificate not trusted, handshake failed */
	IMAGE_ERR_REGISTRY,           /* another HTTP status (429, 5xx, ...), or no endpoint */
	IMAGE_ERR_DIGEST,             /* content does not match its digest or size */
	IMAGE_ERR_PLATFORMS_DISAGREE, /* platforms of an index differ in ENTRYPOINT, CMD or USER */
	IMAGE_ERR_MALFORMED,          /* an answer that is no valid manifest/config, or too large */
	IMAGE_ERR_UNSUPPORTED,        /* schema 1, nested index, not a container image, ... */
	IMAGE_ERR_INTERNAL,           /* out of memory, libcurl could not start */
	IMAGE_ERR_COUNT
};

/* "ok", "not_found", ... (snake case, for metrics and logs). */
const char *image_error_name(enum image_error e);

/* Writes a message into err (when err and errlen are non-zero), truncated
 * to fit, with every control character shown as '?': a reason taken from
 * a registry's answer or a pod's image string stays on one line. */
void image_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An owned array of n strings (each malloc'ed), NULL when n == 0. */
struct image_strv {
	char **v;
	size_t n;
};

/* Copies n strings into dst (which is overwritten). 0, or -1 when out of
 * memory (dst then empty). */
int image_strv_copy(struct image_strv *dst, const char *const *src, size_t n);
/* Appends a copy of s; 0 or -1 (out of memory: dst unchanged). */
int image_strv_push(struct image_strv *dst, const char *s);
/* Appends s itself (taking ownership); 0 or -1 (out of memory: s freed). */
int image_strv_push_owned(struct image_strv *dst, char *s);
void image_strv_free(struct image_strv *s);
bool image_strv_equal(const char *const *a, size_t na, const char *const *b, size_t nb);
/* Bytes a copy takes: the pointer array and every string with its NUL. */
size_t image_strv_bytes(const char *const *v, size_t n);

#endif
