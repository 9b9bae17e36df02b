#include "webhook_util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *J(const char *single_quoted)
{
	char *text = strdup(single_quoted);
	json_error_t error;
	json_t *v;

	if (!text)
		abort();
	for (char *p = text; *p; p++)
		if (*p == '\'')
			*p = '"';
	v = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &error);
	if (!v) {
		fprintf(stderr, "test JSON: %s at %d: %s\n", error.text, error.position, text);
		abort();
	}
	free(text);
	return v;
}

/* Splits the next reference token of a pointer into buf, unescaped. */
static const char *next_token(const char *p, char *buf, size_t cap)
{
	size_t n = 0;

	if (*p != '/')
		return NULL;
	for (p++; *p && *p != '/'; p++) {
		char c = *p;

		if (c == '~') {
			if (p[1] == '0')
				c = '~';
			else if (p[1] == '1')
				c = '/';
			else
				return NULL;
			p++;
		}
		if (n + 1 >= cap)
			return NULL;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return p;
}

static bool parse_index(const char *token, size_t limit, size_t *index)
{
	char *end;
	unsigned long v;

	if (!*token || (token[0] == '0' && token[1]) || token[0] < '0' || token[0] > '9')
		return false;
	v = strtoul(token, &end, 10);
	if (*end || v > limit)
		return false;
	*index = v;
	return true;
}

json_t *pointer_get(json_t *doc, const char *pointer)
{
	char token[1024];
	const char *p = pointer;

	while (doc && *p) {
		size_t i;

		p = next_token(p, token, sizeof(token));
		if (!p)
			return NULL;
		if (json_is_object(doc))
			doc = json_object_get(doc, token);
		else if (json_is_array(doc) && parse_index(token, json_array_size(doc) - 1, &i))
			doc = json_array_get(doc, i);
		else
			return NULL;
	}
	return doc;
}

/* Finds the parent of the pointer's target and its last token. */
static json_t *parent_of(json_t *doc, const char *pointer, char *last, size_t cap)
{
	const char *slash = strrchr(pointer, '/');
	char parent_ptr[4096];
	size_t n;

	if (!slash)
		return NULL;
	n = (size_t)(slash - pointer);
	if (n >= sizeof(parent_ptr))
		return NULL;
	memcpy(parent_ptr, pointer, n);
	parent_ptr[n] = '\0';
	if (!next_token(slash, last, cap))
		return NULL;
	return pointer_get(doc, parent_ptr);
}

static int apply_one(json_t **doc, const json_t *op)
{
	const char *name = json_string_value(json_object_get(op, "op"));
	const char *path = json_string_value(json_object_get(op, "path"));
	json_t *value = json_object_get(op, "value"), *parent;
	char last[1024];
	size_t i;

	if (!name || !path)
		return -1;
	if (!*path) {
		if (strcmp(name, "remove") == 0 || !value)
			return -1;
		json_decref(*doc);
		*doc = json_deep_copy(value);
		return 0;
	}
	parent = parent_of(*doc, path, last, sizeof(last));
	if (!parent)
		return -1;
	if (strcmp(name, "add") == 0 && value) {
		if (json_is_object(parent))
			return json_object_set_new(parent, last, json_deep_copy(value));
		if (!json_is_array(parent))
			return -1;
		if (strcmp(last, "-") == 0)
			return json_array_append_new(parent, json_deep_copy(value));
		if (!parse_index(last, json_array_size(parent), &i))
			return -1;
		return json_array_insert_new(parent, i, json_deep_copy(value));
	}
	if (strcmp(name, "remove") == 0 || (strcmp(name, "replace") == 0 && value)) {
		bool replace = name[0] == 'r' && name[2] == 'p';

		if (json_is_object(parent)) {
			if (!json_object_get(parent, last))
				return -1;
			return replace ? json_object_set_new(parent, last, json_deep_copy(value)) :
					 json_object_del(parent, last);
		}
		if (!json_is_array(parent) || json_array_size(parent) == 0 ||
		    !parse_index(last, json_array_size(parent) - 1, &i))
			return -1;
		return replace ? json_array_set_new(parent, i, json_deep_copy(value)) :
				 json_array_remove(parent, i);
	}
	return -1;
}

int patch_apply(json_t **doc, const json_t *patch)
{
	size_t i;
	const json_t *op;

	if (!json_is_array(patch))
		return -1;
	json_array_foreach(patch, i, op)
		if (apply_one(doc, op) != 0)
			return -1;
	return 0;
}

static enum image_error error_kind(const char *name)
{
	for (int e = 0; e < IMAGE_ERR_COUNT; e++)
		if (strcmp(name, image_error_name((enum image_error)e)) == 0)
			return (enum image_error)e;
	return IMAGE_ERR_INTERNAL;
}

int test_images_load(const json_t *spec, struct test_images *out)
{
	const char *image;
	const json_t *entry;
	size_t n = json_object_size(spec);

	out->n = 0;
	out->v = calloc(n + 1, sizeof(*out->v));
	out->configs = calloc(n + 1, sizeof(*out->configs));
	if (!out->v || !out->configs) {
		test_images_free(out);
		return -1;
	}
	json_object_foreach((json_t *)spec, image, entry) {
		struct wh_image_config *w = &out->v[out->n];
		const char *error = json_string_value(json_object_get(entry, "error"));
		const json_t *config = json_object_get(entry, "config");

		w->image = image;
		if (error) {
			w->error = error_kind(error);
			w->message = json_string_value(json_object_get(entry, "message"));
			out->n++;
			continue;
		}
		if (config) {
			struct imageconfig *c = &out->configs[out->n];
			struct imageconfig_platform platform;
			bool has_platform;
			const char *digest = json_string_value(json_object_get(entry, "digest"));
			json_t *blob = json_pack("{s:O}", "config", config);
			char *text = blob ? json_dumps(blob, JSON_COMPACT) : NULL;
			char err[256];
			int rc = text ? imageconfig_parse(text, strlen(text), c, &platform,
							  &has_platform, err, sizeof(err)) :
					-1;

			json_decref(blob);
			free(text);
			if (rc != 0)
				continue; /* not a config: as if not looked up */
			if (digest) {
				c->digest_ref = malloc(strlen(digest) + 3);
				if (!c->digest_ref) {
					test_images_free(out);
					return -1;
				}
				sprintf(c->digest_ref, "x@%s", digest);
			}
			w->config = c;
			out->n++;
		}
	}
	return 0;
}

void test_images_free(struct test_images *t)
{
	for (size_t i = 0; t->configs && i < t->n; i++)
		imageconfig_free(&t->configs[i]);
	free(t->configs);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

int test_review(const struct wh_settings *settings, const char *body, size_t len,
		const struct wh_image_config *images, size_t n_images, struct wh_review *out)
{
	struct wh_pending p;
	int rc = review_begin(body, len, &p, out);

	if (rc != 0 || out->body)
		return rc;
	rc = review_finish(settings, &p, images, n_images, out);
	review_pending_free(&p);
	return rc;
}

int test_review_with_pod(const struct wh_settings *settings, const char *body, size_t len,
			 const json_t *pod, const char *why, struct wh_review *out)
{
	struct wh_pending p;
	const char *ns, *name;
	int rc = review_begin(body, len, &p, out);

	if (rc != 0 || out->body)
		return rc;
	if (review_exec_pod(&p, &ns, &name))
		review_exec_pod_read(&p, pod, why);
	rc = review_finish(settings, &p, NULL, 0, out);
	review_pending_free(&p);
	return rc;
}
