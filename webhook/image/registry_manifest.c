/* Manifests and the resolution of one image (registry_manifest.h). */
#include "registry_manifest.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define ATTESTATION_ANNOTATION "vnd.docker.reference.type"
#define ATTESTATION_VALUE "attestation-manifest"

static const struct {
	const char *media_type;
	enum registry_manifest_kind kind;
} kinds[] = {
	{MEDIA_OCI_INDEX, MANIFEST_OCI_INDEX},
	{MEDIA_DOCKER_LIST, MANIFEST_DOCKER_LIST},
	{MEDIA_OCI_MANIFEST, MANIFEST_OCI_IMAGE},
	{MEDIA_DOCKER_MANIFEST, MANIFEST_DOCKER_IMAGE},
};

/* The kind a media type names; -1 for any other. */
static int kind_of(const char *media_type)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(media_type, kinds[i].media_type) == 0)
			return (int)kinds[i].kind;
	return -1;
}

static bool kind_is_index(int kind)
{
	return kind == MANIFEST_OCI_INDEX || kind == MANIFEST_DOCKER_LIST;
}

bool registry_manifest_is_index(const struct registry_manifest *m)
{
	return kind_is_index((int)m->kind);
}

void registry_manifest_free(struct registry_manifest *m)
{
	free(m->entries);
	memset(m, 0, sizeof(*m));
}

/* The media type of a Content-Type header: up to ';', without blanks,
 * lowercase. */
static void content_type_media(const char *ct, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	if (!ct)
		return;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	for (; *ct && *ct != ';' && *ct != ' ' && *ct != '\t' && n + 1 < len; ct++)
		out[n++] = (char)tolower((unsigned char)*ct);
	out[n] = '\0';
}

static enum image_error malformed(char *err, size_t errlen, const char *what)
{
	image_errf(err, errlen, "malformed manifest: %s", what);
	return IMAGE_ERR_MALFORMED;
}

static enum image_error parse_descriptor(const json_t *j, struct registry_manifest_descriptor *d,
					 char *err, size_t errlen)
{
	const json_t *mt = json_object_get(j, "mediaType");
	const json_t *dg = json_object_get(j, "digest");
	const json_t *sz = json_object_get(j, "size");
	const json_t *pl = json_object_get(j, "platform");
	const json_t *an = json_object_get(j, "annotations");
	enum imagedigest_status st;

	memset(d, 0, sizeof(*d));
	if (!json_is_object(j))
		return malformed(err, errlen, "a descriptor is not an object");
	if (!json_is_string(mt) || json_string_length(mt) > MEDIA_TYPE_MAX)
		return malformed(err, errlen, "a descriptor has no mediaType");
	if (!json_is_string(dg))
		return malformed(err, errlen, "a descriptor has no digest");
	if (!json_is_integer(sz) || json_integer_value(sz) < 0)
		return malformed(err, errlen, "a descriptor has no valid size");
	st = imagedigest_check_syntax(json_string_value(dg), json_string_length(dg), NULL);
	if (st == DIGEST_UNSUPPORTED) {
		image_errf(err, errlen, "manifest: %s", imagedigest_status_text(st));
		return IMAGE_ERR_UNSUPPORTED;
	}
	if (st != DIGEST_VALID)
		return malformed(err, errlen, imagedigest_status_text(st));
	memcpy(d->media_type, json_string_value(mt), json_string_length(mt) + 1);
	memcpy(d->digest, json_string_value(dg), json_string_length(dg) + 1);
	d->size = (uint64_t)json_integer_value(sz);
	if (pl && !json_is_null(pl)) {
		const json_t *os = json_object_get(pl, "os");
		const json_t *arch = json_object_get(pl, "architecture");
		const json_t *variant = json_object_get(pl, "variant");

		if (!json_is_object(pl) || !json_is_string(os) || !json_is_string(arch) ||
		    (variant && !json_is_string(variant)))
			return malformed(err, errlen, "an index entry has an invalid platform");
		if (imageconfig_platform_set(&d->platform, json_string_value(os),
					     json_string_value(arch),
					     variant ? json_string_value(variant) : NULL) != 0)
			return malformed(err, errlen, "an index entry has an invalid platform");
		d->has_platform = true;
		if (strcmp(d->platform.os, "unknown") == 0 &&
		    strcmp(d->platform.arch, "unknown") == 0)
			d->attestation = true;
	}
	if (an && !json_is_null(an)) {
		const json_t *ref_type = json_object_get(an, ATTESTATION_ANNOTATION);

		if (!json_is_object(an))
			return malformed(err, errlen, "annotations is not an object");
		if (json_is_string(ref_type) &&
		    strcmp(json_string_value(ref_type), ATTESTATION_VALUE) == 0)
			d->attestation = true;
	}
	return IMAGE_OK;
}

/* The kind of the document: its mediaType and the Content-Type must agree
 * when both name one; without either, its shape decides. */
static enum image_error document_kind(const json_t *root, const char *content_type, int *kind,
				      char *err, size_t errlen)
{
	const json_t *mt = json_object_get(root, "mediaType");
	char ct[MEDIA_TYPE_MAX + 1];
	int from_body = -1, from_header;
	bool has_manifests = json_object_get(root, "manifests") != NULL;
	bool has_image_fields =
		json_object_get(root, "config") != NULL || json_object_get(root, "layers") != NULL;

	content_type_media(content_type, ct, sizeof(ct));
	from_header = kind_of(ct);
	if (has_manifests && has_image_fields)
		return malformed(err, errlen,
				 "both \"manifests\" and \"config\"/\"layers\" (ambiguous)");
	if (mt) {
		if (!json_is_string(mt))
			return malformed(err, errlen, "mediaType is not a string");
		from_body = kind_of(json_string_value(mt));
		if (from_body < 0) {
			image_errf(err, errlen, "unsupported manifest media type \"%.100s\"",
				   json_string_value(mt));
			return IMAGE_ERR_UNSUPPORTED;
		}
	}
	if (from_body >= 0 && from_header >= 0 && from_body != from_header) {
		image_errf(err, errlen,
			   "manifest media type \"%s\" differs from Content-Type \"%.100s\"",
			   kinds[from_body].media_type, ct);
		return IMAGE_ERR_MALFORMED;
	}
	*kind = from_body >= 0 ? from_body : from_header;
	if (*kind < 0) /* an OCI document without mediaType, served as JSON */
		*kind = has_manifests ? MANIFEST_OCI_INDEX : MANIFEST_OCI_IMAGE;
	if (kind_is_index(*kind) ? has_image_fields : has_manifests)
		return malformed(err, errlen, "fields of another manifest kind");
	return IMAGE_OK;
}

enum image_error registry_manifest_parse(const char *body, size_t len, const char *content_type,
					 struct registry_manifest *out, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root;
	const json_t *sv, *list;
	enum image_error rc;
	int kind = -1;

	memset(out, 0, sizeof(*out));
	if (len > MANIFEST_MAX_BYTES)
		return malformed(err, errlen, "larger than 4 MiB");
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		return malformed(err, errlen, "not a JSON object");
	}
	sv = json_object_get(root, "schemaVersion");
	if (json_is_integer(sv) && json_integer_value(sv) == 1) {
		json_decref(root);
		goto schema1;
	}
	if (!json_is_integer(sv) || json_integer_value(sv) != 2) {
		json_decref(root);
		return malformed(err, errlen, "schemaVersion is not 2");
	}
	rc = document_kind(root, content_type, &kind, err, errlen);
	if (rc != IMAGE_OK)
		goto out;
	out->kind = (enum registry_manifest_kind)kind;
	if (!kind_is_index(kind)) {
		rc = parse_descriptor(json_object_get(root, "config"), &out->config, err, errlen);
		if (rc == IMAGE_OK && strcmp(out->config.media_type, MEDIA_OCI_CONFIG) != 0 &&
		    strcmp(out->config.media_type, MEDIA_DOCKER_CONFIG) != 0) {
			image_errf(err, errlen,
				   "not a container image (config media type \"%.100s\")",
				   out->config.media_type);
			rc = IMAGE_ERR_UNSUPPORTED;
		}
		if (rc == IMAGE_OK && !json_is_array(json_object_get(root, "layers")))
			rc = malformed(err, errlen, "an image manifest without layers");
		goto out;
	}
	list = json_object_get(root, "manifests");
	if (!json_is_array(list)) {
		rc = malformed(err, errlen, "an index without manifests");
		goto out;
	}
	if (json_array_size(list) > MANIFEST_MAX_ENTRIES) {
		rc = malformed(err, errlen, "an index with more than 64 entries");
		goto out;
	}
	out->entries = calloc(json_array_size(list) + 1, sizeof(*out->entries));
	if (!out->entries) {
		image_errf(err, errlen, "out of memory");
		rc = IMAGE_ERR_INTERNAL;
		goto out;
	}
	for (size_t i = 0; i < json_array_size(list); i++) {
		rc = parse_descriptor(json_array_get(list, i), &out->entries[i], err, errlen);
		if (rc != IMAGE_OK)
			goto out;
		out->n_entries++;
	}
out:
	json_decref(root);
	if (rc != IMAGE_OK)
		registry_manifest_free(out);
	return rc;
schema1:
	image_errf(
		err, errlen,
		"image manifest schema 1 is not supported (push the image again with a current client)");
	return IMAGE_ERR_UNSUPPORTED;
}

/* ---- resolution --------------------------------------------------------- */

struct resolver {
	const struct registry_manifest_source *src;
	const struct imageconfig_platform *want;
	char *err;
	size_t errlen;
};

/* Fetches what d names and checks it against d's size and digest. */
static enum image_error fetch_verified(const struct resolver *r,
				       const struct registry_manifest_descriptor *d,
				       bool is_manifest, uint64_t limit, char **body, size_t *len,
				       char *ct, size_t ctlen)
{
	enum image_error rc;

	*body = NULL;
	*len = 0;
	if (d->size > limit) {
		image_errf(r->err, r->errlen, "%s %s is %llu bytes, over the limit of %llu",
			   is_manifest ? "manifest" : "config", d->digest,
			   (unsigned long long)d->size, (unsigned long long)limit);
		return IMAGE_ERR_MALFORMED;
	}
	rc = r->src->fetch(r->src->ctx, d, is_manifest, body, len, ct, ctlen, r->err, r->errlen);
	if (rc != IMAGE_OK)
		return rc;
	if (*len != d->size || imagedigest_matches(d->digest, *body, *len) != 1) {
		image_errf(r->err, r->errlen, "%s %s: the content %s",
			   is_manifest ? "manifest" : "config blob", d->digest,
			   *len != d->size ? "has another size than its descriptor says" :
					     "does not match its digest");
		free(*body);
		*body = NULL;
		return IMAGE_ERR_DIGEST;
	}
	return IMAGE_OK;
}

/* An image manifest (already parsed) -> its config's exec fields and the
 * config's platform. */
static enum image_error read_config(const struct resolver *r, const struct registry_manifest *m,
				    struct imageconfig *cfg,
				    struct imageconfig_platform *cfg_platform,
				    bool *has_cfg_platform)
{
	char *body;
	size_t len;
	enum image_error rc =
		fetch_verified(r, &m->config, false, CONFIG_MAX_BYTES, &body, &len, NULL, 0);

	if (rc != IMAGE_OK)
		return rc;
	if (imageconfig_parse(body, len, cfg, cfg_platform, has_cfg_platform, r->err, r->errlen) !=
	    0)
		rc = IMAGE_ERR_MALFORMED;
	free(body);
	return rc;
}

/* One index entry: its manifest, then its config. *platform is the
 * entry's platform (the descriptor's, else the config's). */
static enum image_error read_entry(const struct resolver *r,
				   const struct registry_manifest_descriptor *d,
				   struct imageconfig *cfg, struct imageconfig_platform *platform,
				   bool *known)
{
	char *body, ct[MEDIA_TYPE_MAX + 1] = "";
	size_t len;
	struct registry_manifest child;
	struct imageconfig_platform cfg_platform;
	bool has_cfg_platform;
	enum image_error rc =
		fetch_verified(r, d, true, MANIFEST_MAX_BYTES, &body, &len, ct, sizeof(ct));

	if (rc != IMAGE_OK)
		return rc;
	/* The descriptor's media type is what the document is. */
	rc = registry_manifest_parse(body, len, d->media_type, &child, r->err, r->errlen);
	free(body);
	if (rc != IMAGE_OK)
		return rc;
	if (registry_manifest_is_index(&child)) {
		registry_manifest_free(&child);
		image_errf(r->err, r->errlen,
			   "index entry %s is an index itself (nested indexes are not supported)",
			   d->digest);
		return IMAGE_ERR_UNSUPPORTED;
	}
	rc = read_config(r, &child, cfg, &cfg_platform, &has_cfg_platform);
	registry_manifest_free(&child);
	if (rc != IMAGE_OK)
		return rc;
	*known = d->has_platform || has_cfg_platform;
	*platform = d->has_platform ? d->platform : cfg_platform;
	return IMAGE_OK;
}

static void format_platforms(const struct registry_manifest *idx, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < idx->n_entries && n + 1 < len; i++) {
		char p[3 * (IMAGE_PLATFORM_FIELD_MAX + 1)];

		if (idx->entries[i].attestation)
			continue;
		if (idx->entries[i].has_platform)
			imageconfig_platform_format(&idx->entries[i].platform, p, sizeof(p));
		else
			snprintf(p, sizeof(p), "(no platform)");
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", p);
	}
	if (n == 0)
		snprintf(buf, len, "none");
}

static bool entry_runnable(const struct registry_manifest_descriptor *d)
{
	int kind = kind_of(d->media_type);

	return !d->attestation && kind >= 0;
}

static enum image_error resolve_index(const struct resolver *r, const struct registry_manifest *idx,
				      struct imageconfig *out)
{
	struct imageconfig first = {0}, chosen = {0};
	struct imageconfig_platform first_platform = {0};
	bool have_first = false, selected = false, chosen_is_first = false, may_match = false;
	char want_text[96], avail[512];
	enum image_error rc = IMAGE_OK;

	imageconfig_platform_format(r->want, want_text, sizeof(want_text));
	/* Before any request: entries to read, and whether one can match. */
	for (size_t i = 0; i < idx->n_entries; i++) {
		const struct registry_manifest_descriptor *d = &idx->entries[i];

		if (!entry_runnable(d))
			continue;
		if (kind_is_index(kind_of(d->media_type))) {
			image_errf(
				r->err, r->errlen,
				"index entry %s is an index itself (nested indexes are not supported)",
				d->digest);
			return IMAGE_ERR_UNSUPPORTED;
		}
		if (!d->has_platform || imageconfig_platform_equal(&d->platform, r->want))
			may_match = true;
	}
	if (!may_match) {
		format_platforms(idx, avail, sizeof(avail));
		image_errf(r->err, r->errlen, "no image for platform %s in the index (it has: %s)",
			   want_text, avail);
		return IMAGE_ERR_NO_PLATFORM;
	}
	for (size_t i = 0; i < idx->n_entries; i++) {
		const struct registry_manifest_descriptor *d = &idx->entries[i];
		struct imageconfig cfg;
		struct imageconfig_platform platform;
		bool known = false, is_selected;
		char what[64];

		if (!entry_runnable(d))
			continue;
		rc = read_entry(r, d, &cfg, &platform, &known);
		if (rc != IMAGE_OK)
			break;
		is_selected = !selected && known && imageconfig_platform_equal(&platform, r->want);
		if (have_first && !imageconfig_same_exec(&first, &cfg, what, sizeof(what))) {
			char a[96], b[96];

			imageconfig_platform_format(&first_platform, a, sizeof(a));
			imageconfig_platform_format(&platform, b, sizeof(b));
			image_errf(
				r->err, r->errlen,
				"the image's platforms disagree: %s and %s have different %s (every platform of an index must run the same command)",
				a, known ? b : "an entry without platform", what);
			imageconfig_free(&cfg);
			rc = IMAGE_ERR_PLATFORMS_DISAGREE;
			break;
		}
		/* the platform's own fields (null and [] are "the same" to
		 * the comparison, not to has_entrypoint/has_cmd) */
		if (!have_first) {
			first = cfg;
			first_platform = platform;
			have_first = true;
			chosen_is_first = is_selected;
		} else if (is_selected) {
			chosen = cfg;
		} else {
			imageconfig_free(&cfg);
		}
		if (is_selected) {
			selected = true;
			free(out->manifest_digest);
			out->manifest_digest = strdup(d->digest);
			if (!out->manifest_digest) {
				rc = IMAGE_ERR_INTERNAL;
				break;
			}
		}
	}
	if (rc == IMAGE_OK && !selected) {
		format_platforms(idx, avail, sizeof(avail));
		image_errf(r->err, r->errlen, "no image for platform %s in the index (it has: %s)",
			   want_text, avail);
		rc = IMAGE_ERR_NO_PLATFORM;
	}
	if (rc == IMAGE_OK) {
		char *md = out->manifest_digest;

		if (chosen_is_first) {
			*out = first;
		} else {
			*out = chosen;
			imageconfig_free(&first);
		}
		out->manifest_digest = md;
		return IMAGE_OK;
	}
	if (have_first)
		imageconfig_free(&first);
	if (selected && !chosen_is_first)
		imageconfig_free(&chosen);
	return rc;
}

static enum image_error resolve_image(const struct resolver *r, const struct registry_manifest *m,
				      const char *digest, struct imageconfig *out)
{
	struct imageconfig_platform cfg_platform;
	bool has_cfg_platform;
	enum image_error rc = read_config(r, m, out, &cfg_platform, &has_cfg_platform);

	if (rc != IMAGE_OK)
		return rc;
	/* A single image for another platform: the node could not run it
	 * either (containerd checks the config's platform too). A config
	 * without os/architecture is taken as it is. */
	if (has_cfg_platform && !imageconfig_platform_equal(&cfg_platform, r->want)) {
		char have[96], want_text[96];

		imageconfig_platform_format(&cfg_platform, have, sizeof(have));
		imageconfig_platform_format(r->want, want_text, sizeof(want_text));
		image_errf(r->err, r->errlen, "the image is for %s, not %s", have, want_text);
		imageconfig_free(out);
		return IMAGE_ERR_NO_PLATFORM;
	}
	out->manifest_digest = strdup(digest);
	return out->manifest_digest ? IMAGE_OK : IMAGE_ERR_INTERNAL;
}

enum image_error registry_manifest_resolve(const char *name, const char *body, size_t len,
					   const char *content_type, const char *expected_digest,
					   const struct imageconfig_platform *want,
					   const struct registry_manifest_source *src,
					   struct imageconfig *out, char *err, size_t errlen)
{
	struct resolver r = {src, want, err, errlen};
	struct registry_manifest m;
	char digest[IMAGE_DIGEST_MAX + 1];
	char platform[96];
	enum image_error rc;
	size_t ref_len;

	memset(out, 0, sizeof(*out));
	if (expected_digest) {
		int match = imagedigest_matches(expected_digest, body, len);

		if (match < 0) {
			image_errf(err, errlen,
				   "the registry named the manifest by an invalid digest");
			return IMAGE_ERR_MALFORMED;
		}
		if (match == 0) {
			image_errf(err, errlen, "the manifest does not match its digest %s",
				   expected_digest);
			return IMAGE_ERR_DIGEST;
		}
		snprintf(digest, sizeof(digest), "%s", expected_digest);
	} else {
		imagedigest_of(DIGEST_SHA256, body, len, digest);
	}
	rc = registry_manifest_parse(body, len, content_type, &m, err, errlen);
	if (rc != IMAGE_OK)
		return rc;
	rc = registry_manifest_is_index(&m) ? resolve_index(&r, &m, out) :
					      resolve_image(&r, &m, digest, out);
	registry_manifest_free(&m);
	if (rc != IMAGE_OK) {
		imageconfig_free(out);
		return rc;
	}
	imageconfig_platform_format(want, platform, sizeof(platform));
	ref_len = strlen(name) + 1 + strlen(digest) + 1;
	out->digest_ref = malloc(ref_len);
	out->platform = strdup(platform);
	if (!out->digest_ref || !out->platform) {
		imageconfig_free(out);
		image_errf(err, errlen, "out of memory");
		return IMAGE_ERR_INTERNAL;
	}
	snprintf(out->digest_ref, ref_len, "%s@%s", name, digest);
	return IMAGE_OK;
}
