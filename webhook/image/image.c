/* Helpers shared by the image-lookup modules (image.h). */
#include "image.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"

const char *image_error_name(enum image_error e)
{
	static const char *const names[IMAGE_ERR_COUNT] = {
		[IMAGE_OK] = "ok",
		[IMAGE_ERR_REFERENCE] = "reference",
		[IMAGE_ERR_NOT_ALLOWED] = "not_allowed",
		[IMAGE_ERR_NOT_FOUND] = "not_found",
		[IMAGE_ERR_NO_PLATFORM] = "no_platform",
		[IMAGE_ERR_AUTH] = "auth",
		[IMAGE_ERR_TIMEOUT] = "timeout",
		[IMAGE_ERR_UNREACHABLE] = "unreachable",
		[IMAGE_ERR_TLS] = "tls",
		[IMAGE_ERR_REGISTRY] = "registry",
		[IMAGE_ERR_DIGEST] = "digest_mismatch",
		[IMAGE_ERR_PLATFORMS_DISAGREE] = "platforms_disagree",
		[IMAGE_ERR_MALFORMED] = "malformed",
		[IMAGE_ERR_UNSUPPORTED] = "unsupported",
		[IMAGE_ERR_INTERNAL] = "internal",
	};

	return ((unsigned)e < IMAGE_ERR_COUNT) ? names[e] : "internal";
}

void image_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	text_one_line(err);
}

void image_strv_free(struct image_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int image_strv_push_owned(struct image_strv *dst, char *s)
{
	char **v;

	if (!s)
		return -1;
	v = realloc(dst->v, (dst->n + 1) * sizeof(*v));
	if (!v) {
		free(s);
		return -1;
	}
	v[dst->n++] = s;
	dst->v = v;
	return 0;
}

int image_strv_push(struct image_strv *dst, const char *s)
{
	char *copy = strdup(s);

	return copy ? image_strv_push_owned(dst, copy) : -1;
}

int image_strv_copy(struct image_strv *dst, const char *const *src, size_t n)
{
	dst->v = NULL;
	dst->n = 0;
	for (size_t i = 0; i < n; i++) {
		if (image_strv_push(dst, src[i]) != 0) {
			image_strv_free(dst);
			return -1;
		}
	}
	return 0;
}

bool image_strv_equal(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

size_t image_strv_bytes(const char *const *v, size_t n)
{
	size_t bytes = n * sizeof(char *);

	for (size_t i = 0; i < n; i++)
		bytes += strlen(v[i]) + 1;
	return bytes;
}
