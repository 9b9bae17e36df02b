/* The image config blob, platforms and USER (imageconfig.h). */
#include "imageconfig.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/text.h"
#include "image.h"

static int set_field(char *dst, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n > IMAGE_PLATFORM_FIELD_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = (char)tolower((unsigned char)src[i]);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			return -1;
		dst[i] = c;
	}
	dst[n] = '\0';
	return 0;
}

int imageconfig_platform_set(struct imageconfig_platform *out, const char *os, const char *arch,
			     const char *variant)
{
	static const struct {
		const char *arch, *variant; /* as found; variant NULL: any */
		const char *norm_arch, *norm_variant;
	} aliases[] = {
		{"x86_64", NULL, "amd64", NULL}, {"x86-64", NULL, "amd64", NULL},
		{"i386", NULL, "386", NULL},     {"aarch64", NULL, "arm64", NULL},
		{"armhf", "", "arm", "v7"},      {"armel", "", "arm", "v6"},
	};
	static const struct {
		const char *arch, *variant, *norm_variant;
	} variants[] = {
		{"amd64", "v1", ""}, {"arm64", "v8", ""}, {"arm64", "8", ""}, {"arm", "", "v7"},
		{"arm", "5", "v5"},  {"arm", "6", "v6"},  {"arm", "7", "v7"}, {"arm", "8", "v8"},
	};

	memset(out, 0, sizeof(*out));
	if (!os || !*os || !arch || !*arch || set_field(out->os, os) != 0 ||
	    set_field(out->arch, arch) != 0 || set_field(out->variant, variant) != 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcmp(out->arch, aliases[i].arch) != 0 ||
		    (aliases[i].variant && strcmp(out->variant, aliases[i].variant) != 0))
			continue;
		snprintf(out->arch, sizeof(out->arch), "%s", aliases[i].norm_arch);
		if (aliases[i].norm_variant)
			snprintf(out->variant, sizeof(out->variant), "%s", aliases[i].norm_variant);
		break;
	}
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		if (strcmp(out->arch, variants[i].arch) == 0 &&
		    strcmp(out->variant, variants[i].variant) == 0) {
			snprintf(out->variant, sizeof(out->variant), "%s",
				 variants[i].norm_variant);
			break;
		}
	}
	return 0;
}

int imageconfig_platform_parse(const char *text, struct imageconfig_platform *out, char *err,
			       size_t errlen)
{
	char copy[3 * (IMAGE_PLATFORM_FIELD_MAX + 1)];
	char *parts[4] = {NULL, NULL, NULL, NULL};
	size_t n = 0;
	char *p;

	memset(out, 0, sizeof(*out));
	if (strlen(text) >= sizeof(copy))
		goto bad;
	memcpy(copy, text, strlen(text) + 1);
	for (p = copy, parts[n++] = p; (p = strchr(p, '/')) != NULL; parts[n++] = p) {
		*p++ = '\0';
		if (n == 3)
			goto bad;
	}
	if (n < 2 || !*parts[1] || (n == 3 && !*parts[2]) ||
	    imageconfig_platform_set(out, parts[0], parts[1], parts[2]) != 0)
		goto bad;
	return 0;
bad:
	image_errf(err, errlen, "invalid platform \"%.100s\": OS/ARCH[/VARIANT] expected", text);
	return -1;
}

bool imageconfig_platform_equal(const struct imageconfig_platform *a,
				const struct imageconfig_platform *b)
{
	return strcmp(a->os, b->os) == 0 && strcmp(a->arch, b->arch) == 0 &&
		strcmp(a->variant, b->variant) == 0;
}

void imageconfig_platform_format(const struct imageconfig_platform *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s%s%s", p->os, p->arch, p->variant[0] ? "/" : "", p->variant);
}

void imageconfig_free(struct imageconfig *c)
{
	struct image_strv e = {c->entrypoint, c->n_entrypoint};
	struct image_strv m = {c->cmd, c->n_cmd};

	image_strv_free(&e);
	image_strv_free(&m);
	free(c->digest_ref);
	free(c->manifest_digest);
	free(c->platform);
	free(c->user);
	memset(c, 0, sizeof(*c));
}

/* A string array from JSON: NULL or null is "absent" (*present false), an
 * array of strings is copied; anything else is an error. */
static int strv_from_json(const json_t *j, const char *field, char ***v, size_t *n, bool *present,
			  char *err, size_t errlen)
{
	struct image_strv out = {NULL, 0};
	size_t i;
	const json_t *item;

	*v = NULL;
	*n = 0;
	*present = false;
	if (!j || json_is_null(j))
		return 0;
	if (!json_is_array(j)) {
		image_errf(err, errlen, "config.%s is not an array", field);
		return -1;
	}
	if (json_array_size(j) > IMAGE_CONFIG_MAX_ARGS) {
		image_errf(err, errlen, "config.%s has more than %d elements", field,
			   IMAGE_CONFIG_MAX_ARGS);
		return -1;
	}
	json_array_foreach(j, i, item) {
		if (!json_is_string(item)) {
			image_errf(err, errlen, "config.%s[%zu] is not a string", field, i);
			image_strv_free(&out);
			return -1;
		}
		if (image_strv_push(&out, json_string_value(item)) != 0) {
			image_errf(err, errlen, "out of memory");
			image_strv_free(&out);
			return -1;
		}
	}
	*v = out.v;
	*n = out.n;
	*present = true;
	return 0;
}

static const char *optional_string(const json_t *obj, const char *key, bool *bad)
{
	const json_t *j = json_object_get(obj, key);

	if (!j || json_is_null(j))
		return NULL;
	if (!json_is_string(j)) {
		*bad = true;
		return NULL;
	}
	return json_string_value(j);
}

int imageconfig_parse(const char *body, size_t len, struct imageconfig *out,
		      struct imageconfig_platform *platform, bool *has_platform, char *err,
		      size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	const json_t *config;
	const char *user, *os, *arch, *variant;
	bool bad = false;

	memset(out, 0, sizeof(*out));
	memset(platform, 0, sizeof(*platform));
	*has_platform = false;
	if (!root || !json_is_object(root)) {
		image_errf(err, errlen, "image config is not a JSON object%s%s", root ? "" : ": ",
			   root ? "" : jerr.text);
		json_decref(root);
		return -1;
	}
	os = optional_string(root, "os", &bad);
	arch = optional_string(root, "architecture", &bad);
	variant = optional_string(root, "variant", &bad);
	if (bad) {
		image_errf(err, errlen,
			   "image config: os, architecture or variant is not a string");
		goto fail;
	}
	if (os && arch && *os && *arch) {
		if (imageconfig_platform_set(platform, os, arch, variant) != 0) {
			image_errf(err, errlen, "image config: invalid platform");
			goto fail;
		}
		*has_platform = true;
	}
	config = json_object_get(root, "config");
	if (config && !json_is_null(config) && !json_is_object(config)) {
		image_errf(err, errlen, "image config: config is not an object");
		goto fail;
	}
	if (strv_from_json(json_object_get(config, "Entrypoint"), "Entrypoint", &out->entrypoint,
			   &out->n_entrypoint, &out->has_entrypoint, err, errlen) != 0 ||
	    strv_from_json(json_object_get(config, "Cmd"), "Cmd", &out->cmd, &out->n_cmd,
			   &out->has_cmd, err, errlen) != 0)
		goto fail;
	user = config ? optional_string(config, "User", &bad) : NULL;
	if (bad) {
		image_errf(err, errlen, "image config: config.User is not a string");
		goto fail;
	}
	if (user && strlen(user) > IMAGE_CONFIG_MAX_USER) {
		image_errf(err, errlen, "image config: config.User longer than %d characters",
			   IMAGE_CONFIG_MAX_USER);
		goto fail;
	}
	out->user = strdup(user ? user : "");
	if (!out->user) {
		image_errf(err, errlen, "out of memory");
		goto fail;
	}
	json_decref(root);
	return 0;
fail:
	json_decref(root);
	imageconfig_free(out);
	*has_platform = false;
	return -1;
}

static int dup_optional(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -1;
}

int imageconfig_copy(struct imageconfig *dst, const struct imageconfig *src)
{
	struct image_strv e, m;

	memset(dst, 0, sizeof(*dst));
	if (image_strv_copy(&e, (const char *const *)src->entrypoint, src->n_entrypoint) != 0)
		return -1;
	dst->entrypoint = e.v;
	dst->n_entrypoint = e.n;
	if (image_strv_copy(&m, (const char *const *)src->cmd, src->n_cmd) != 0)
		goto fail;
	dst->cmd = m.v;
	dst->n_cmd = m.n;
	dst->has_entrypoint = src->has_entrypoint;
	dst->has_cmd = src->has_cmd;
	if (dup_optional(&dst->digest_ref, src->digest_ref) != 0 ||
	    dup_optional(&dst->manifest_digest, src->manifest_digest) != 0 ||
	    dup_optional(&dst->platform, src->platform) != 0 ||
	    dup_optional(&dst->user, src->user) != 0)
		goto fail;
	return 0;
fail:
	imageconfig_free(dst);
	return -1;
}

static size_t optional_bytes(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

size_t imageconfig_bytes(const struct imageconfig *c)
{
	return sizeof(*c) + image_strv_bytes((const char *const *)c->entrypoint, c->n_entrypoint) +
		image_strv_bytes((const char *const *)c->cmd, c->n_cmd) +
		optional_bytes(c->digest_ref) + optional_bytes(c->manifest_digest) +
		optional_bytes(c->platform) + optional_bytes(c->user);
}

/* ENTRYPOINT [""] runs nothing (containerd's WithProcessArgs). */
static size_t effective_entrypoint(const struct imageconfig *c)
{
	if (c->n_entrypoint == 1 && c->entrypoint[0][0] == '\0')
		return 0;
	return c->n_entrypoint;
}

bool imageconfig_same_exec(const struct imageconfig *a, const struct imageconfig *b, char *what,
			   size_t whatlen)
{
	const char *diff = NULL;

	if (!image_strv_equal((const char *const *)a->entrypoint, effective_entrypoint(a),
			      (const char *const *)b->entrypoint, effective_entrypoint(b)))
		diff = "ENTRYPOINT";
	else if (!image_strv_equal((const char *const *)a->cmd, a->n_cmd,
				   (const char *const *)b->cmd, b->n_cmd))
		diff = "CMD";
	else if (strcmp(a->user ? a->user : "", b->user ? b->user : "") != 0)
		diff = "USER";
	if (diff && what && whatlen)
		snprintf(what, whatlen, "%s", diff);
	return diff == NULL;
}

/* A decimal id: digits only, no sign, at most 4294967294 (-1 is "none"). */
static bool parse_id(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > 4294967294u)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return len > 0;
}

int imageconfig_user_parse(const char *user, struct imageconfig_user *out)
{
	const char *colon = strchr(user, ':');
	size_t ulen = colon ? (size_t)(colon - user) : strlen(user);

	memset(out, 0, sizeof(*out));
	if (text_has_control(user))
		return -1;
	if (!*user) {
		out->uid_numeric = true;
		return 0;
	}
	if (ulen == 0)
		return -1;
	if (all_digits(user, ulen)) {
		if (!parse_id(user, ulen, &out->uid))
			goto bad;
		out->uid_numeric = true;
	}
	if (colon) {
		const char *g = colon + 1;
		size_t glen = strlen(g);

		if (glen == 0 || strchr(g, ':'))
			goto bad;
		out->has_group = true;
		if (all_digits(g, glen)) {
			if (!parse_id(g, glen, &out->gid))
				goto bad;
			out->gid_numeric = true;
		}
	}
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	return -1;
}
