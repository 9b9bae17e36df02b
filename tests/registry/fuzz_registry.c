/* libFuzzer target over the image lookup's pure modules: every parser that
 * reads what a pod or a registry sends, and the resolution of an index.
 * The first byte picks the mode; the invariants below are asserted
 * (abort() on a violation: libFuzzer saves the input).
 *
 *  0 imageref_parse: an accepted reference has its parts in their
 *    grammars and bounds, its canonical form parses back to itself; a
 *    refused one leaves the struct all zero and a one-line reason. And
 *    --registry-allow: the input as an entry is refused with a one-line
 *    reason or is a registry name a reference gives back; every parsed
 *    reference's registry is a valid entry that allows it, and another
 *    port does not; a wildcard for its parent domain allows it.
 *  1 registry_auth_challenge_parse: Bearer has a realm; no value holds a line
 *    break or another control character but tab; bounds kept.
 *  2 registry_manifest_parse and imageconfig_parse on the raw input (Content-Type
 *    from a table): a result within its bounds with valid digests; a
 *    config's copy is the same as the original.
 *  3 registry_manifest_resolve on an index built here from the input's choices
 *    (per entry: ENTRYPOINT, CMD, USER, the config's and the descriptor's
 *    platforms, an attestation annotation, a garbage config), with correct
 *    digests, and one platform wanted: the result agrees with a model of
 *    the rules of registry_manifest.h (which entries count, disagreement,
 *    selection, the first error in order).
 *  4 registry_auth_config_parse: credentials with a host, a user without ':' and
 *    no control characters; registry_auth_config_find finds each host.
 *  5 registry_auth_token_parse: a b64token within bounds, 60 <= expires <= 86400.
 *  6 the argv rewrite: after kubelet's expansion (kubelet_expand.h) the
 *    wrapped container runs the prefix + exactly the unwrapped argv.
 *  7 imageconfig_user_parse and imageconfig_platform_parse. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kubelet_expand.h"
#include "kubernetes_argv.h"
#include "webhook/image/imageargv.h"
#include "webhook/image/imageconfig.h"
#include "webhook/image/imagedigest.h"
#include "webhook/image/imageref.h"
#include "webhook/image/registry_auth.h"
#include "webhook/image/registry_manifest.h"

#include "../fuzz/fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool one_line(const char *s, bool tab_ok)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && !(tab_ok && *s == '\t')) || *s == 0x7f)
			return false;
	return true;
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* ---- 0: references ------------------------------------------------------- */

static bool chars_in(const char *s, const char *set)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || strchr(set, *s)))
			return false;
	return true;
}

/* The input as an entry of --registry-allow. */
static void fuzz_allow_entry(const char *text)
{
	char err[512] = "", again[IMAGEREF_DOMAIN_MAX + 8];
	struct imageref r;
	const char *one[1] = {text};

	if (imageref_allow_check(text, err, sizeof(err)) != 0) {
		CHECK(err[0] && one_line(err, false));
		return;
	}
	CHECK(strlen(text) <= IMAGEREF_DOMAIN_MAX && strcmp(text, "*") != 0);
	if (text[0] == '*')
		return;
	CHECK(!strchr(text, '*') && !strchr(text, '/') && !strchr(text, ','));
	snprintf(again, sizeof(again), "%s/x", text);
	CHECK(imageref_parse(again, &r, NULL, 0) == 0 && strcmp(r.domain, text) == 0);
	CHECK(imageref_allowed(r.domain, one, 1));
}

/* An accepted reference's registry against the lists it implies. */
static void fuzz_allow_ref(const struct imageref *r)
{
	char other[IMAGEREF_DOMAIN_MAX + 16], wild[IMAGEREF_DOMAIN_MAX + 8];
	const char *one[1] = {r->domain}, *list[1] = {other};
	const char *dot = r->domain[0] == '[' ? NULL : strchr(r->domain, '.');

	CHECK(imageref_allow_check(r->domain, NULL, 0) == 0);
	CHECK(imageref_allowed(r->domain, one, 1));
	/* the same host with another port, or with one when it has none */
	if (r->domain[0] != '[' && !strchr(r->domain, ':')) {
		snprintf(other, sizeof(other), "%s:1", r->domain);
		CHECK(!imageref_allowed(r->domain, list, 1));
	}
	/* "*.parent[:port]" for a host under parent */
	if (dot) {
		snprintf(wild, sizeof(wild), "*%s", dot);
		list[0] = wild;
		if (imageref_allow_check(wild, NULL, 0) == 0)
			CHECK(imageref_allowed(r->domain, list, 1));
		/* never the parent itself */
		CHECK(!imageref_allowed(dot + 1, list, 1));
	}
}

static void fuzz_ref(const char *text)
{
	struct imageref r, again;
	char err[512] = "", canon[IMAGEREF_TEXT_MAX + 1], canon2[IMAGEREF_TEXT_MAX + 1];

	fuzz_allow_entry(text);
	if (imageref_parse(text, &r, err, sizeof(err)) != 0) {
		CHECK(all_zero(&r, sizeof(r)));
		CHECK(err[0] && one_line(err, false));
		return;
	}
	fuzz_allow_ref(&r);
	CHECK(r.domain[0] && r.path[0] && strlen(r.path) <= IMAGEREF_PATH_MAX);
	CHECK(r.tag[0] || r.digest[0]);
	CHECK(chars_in(r.path, "._-/"));
	CHECK(!r.tag[0] ||
	      (strlen(r.tag) <= IMAGEREF_TAG_MAX && r.tag[0] != '.' && r.tag[0] != '-'));
	CHECK(!r.digest[0] || imagedigest_valid(r.digest, strlen(r.digest)));
	CHECK(r.path[0] != '/' && r.path[strlen(r.path) - 1] != '/' && !strstr(r.path, "//"));
	CHECK(strcmp(r.domain, "index.docker.io") != 0);
	CHECK(strcmp(r.domain, "docker.io") != 0 || strchr(r.path, '/'));
	CHECK(imageref_canonical(&r, canon, sizeof(canon)) > 0);
	CHECK(imageref_parse(canon, &again, err, sizeof(err)) == 0);
	CHECK(imageref_canonical(&again, canon2, sizeof(canon2)) > 0);
	CHECK(strcmp(canon, canon2) == 0);
	CHECK(strcmp(again.domain, r.domain) == 0 && strcmp(again.path, r.path) == 0);
}

/* ---- 1: WWW-Authenticate ----------------------------------------------------- */

static void fuzz_challenge(const char *text)
{
	struct registry_auth_challenge c;

	if (registry_auth_challenge_parse(text, &c) != 0) {
		CHECK(c.scheme == AUTH_NONE);
		return;
	}
	CHECK(c.scheme == AUTH_BASIC || c.scheme == AUTH_BEARER);
	CHECK(c.scheme != AUTH_BEARER || c.realm[0]);
	CHECK(strlen(c.realm) <= AUTH_REALM_MAX && strlen(c.service) <= AUTH_SERVICE_MAX &&
	      strlen(c.scope) <= AUTH_SCOPE_MAX);
	CHECK(one_line(c.realm, true) && one_line(c.service, true) && one_line(c.scope, true));
}

/* ---- 2: documents ------------------------------------------------------------ */

static void fuzz_documents(const uint8_t *data, size_t size, uint8_t pick)
{
	static const char *const content_types[] = {
		NULL,
		"",
		MEDIA_OCI_INDEX,
		MEDIA_DOCKER_LIST,
		MEDIA_OCI_MANIFEST,
		MEDIA_DOCKER_MANIFEST,
		"application/json",
		"application/vnd.oci.image.manifest.v1+json; charset=utf-8",
	};
	struct registry_manifest m;
	struct imageconfig c, copy;
	struct imageconfig_platform p;
	bool has_p;
	char err[512] = "";
	enum image_error rc = registry_manifest_parse(
		(const char *)data, size, content_types[pick % 8], &m, err, sizeof(err));

	if (rc == IMAGE_OK) {
		if (registry_manifest_is_index(&m)) {
			CHECK(m.n_entries <= MANIFEST_MAX_ENTRIES);
			for (size_t i = 0; i < m.n_entries; i++)
				CHECK(imagedigest_valid(m.entries[i].digest,
							strlen(m.entries[i].digest)));
		} else {
			CHECK(!strcmp(m.config.media_type, MEDIA_OCI_CONFIG) ||
			      !strcmp(m.config.media_type, MEDIA_DOCKER_CONFIG));
			CHECK(imagedigest_valid(m.config.digest, strlen(m.config.digest)));
		}
		registry_manifest_free(&m);
	} else {
		CHECK(rc == IMAGE_ERR_MALFORMED || rc == IMAGE_ERR_UNSUPPORTED ||
		      rc == IMAGE_ERR_INTERNAL);
		CHECK(m.entries == NULL && one_line(err, false));
	}
	if (imageconfig_parse((const char *)data, size, &c, &p, &has_p, err, sizeof(err)) != 0) {
		CHECK(c.user == NULL && c.entrypoint == NULL && !has_p);
		return;
	}
	CHECK(c.user != NULL && strlen(c.user) <= IMAGE_CONFIG_MAX_USER);
	CHECK(c.n_entrypoint <= IMAGE_CONFIG_MAX_ARGS && c.n_cmd <= IMAGE_CONFIG_MAX_ARGS);
	CHECK(c.has_entrypoint || c.n_entrypoint == 0);
	CHECK(imageconfig_copy(&copy, &c) == 0);
	CHECK(imageconfig_same_exec(&c, &copy, NULL, 0));
	CHECK(imageconfig_bytes(&copy) == imageconfig_bytes(&c));
	imageconfig_free(&copy);
	imageconfig_free(&c);
}

/* ---- 3: the resolution of an index ------------------------------------------ */

#define ENTRIES_MAX 5

struct blob {
	char digest[IMAGE_DIGEST_MAX + 1];
	char *body;
	size_t len;
};

struct store {
	struct blob blobs[2 * ENTRIES_MAX + 1];
	size_t n;
};

static const char *add_blob(struct store *s, char *body)
{
	struct blob *b = &s->blobs[s->n++];

	b->body = body;
	b->len = strlen(body);
	imagedigest_of(DIGEST_SHA256, b->body, b->len, b->digest);
	return b->digest;
}

static enum image_error store_fetch(void *ctx, const struct registry_manifest_descriptor *d,
				    bool is_manifest, char **body, size_t *len, char *ct,
				    size_t ctlen, char *err, size_t errlen)
{
	struct store *s = ctx;

	(void)is_manifest;
	if (ct && ctlen)
		ct[0] = '\0';
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->blobs[i].digest, d->digest) != 0)
			continue;
		*body = malloc(s->blobs[i].len + 1);
		CHECK(*body);
		memcpy(*body, s->blobs[i].body, s->blobs[i].len + 1);
		*len = s->blobs[i].len;
		return IMAGE_OK;
	}
	snprintf(err, errlen, "no such blob");
	return IMAGE_ERR_NOT_FOUND;
}

static const char *const entrypoints[] = {"null", "[]", "[\"\"]", "[\"/bin/sh\",\"-c\"]"};
static const char *const cmds[] = {"null", "[]", "[\"a\"]", "[\"b $(X)\"]"};
static const char *const users[] = {"\"\"", "\"1000\"", "\"0:0\""};
/* config platforms: none, then os/arch/variant */
static const char *const cfg_platforms[][3] = {
	{NULL, NULL, NULL},
	{"linux", "amd64", NULL},
	{"linux", "arm64", "v8"},
	{"linux", "x86_64", NULL},
};
/* descriptor platforms: none, ... */
static const char *const desc_platforms[][3] = {
	{NULL, NULL, NULL},       {"linux", "amd64", NULL},     {"linux", "arm64", NULL},
	{"linux", "arm64", "v8"}, {"unknown", "unknown", NULL}, {"linux", "s390x", NULL},
};
static const char *const wanted[] = {"linux/amd64", "linux/arm64", "linux/s390x", "linux/arm/v7"};

struct entry_model {
	uint8_t ep, cmd, user, cfg_platform, desc_platform;
	bool attestation, garbage;
};

static bool platform_is(const char *const p[3], const struct imageconfig_platform *want)
{
	struct imageconfig_platform q;

	return p[0] && imageconfig_platform_set(&q, p[0], p[1], p[2]) == 0 &&
		imageconfig_platform_equal(&q, want);
}

/* What the rules say the resolution gives: the error kind, or IMAGE_OK
 * with the index of the selected entry. */
static enum image_error model(const struct entry_model *e, size_t n,
			      const struct imageconfig_platform *want, size_t *selected)
{
	bool may_match = false, have_first = false, found = false;
	size_t first = 0;

	for (size_t i = 0; i < n; i++) {
		bool runnable = !e[i].attestation && e[i].desc_platform != 4;

		if (runnable &&
		    (e[i].desc_platform == 0 ||
		     platform_is(desc_platforms[e[i].desc_platform], want)))
			may_match = true;
	}
	if (!may_match)
		return IMAGE_ERR_NO_PLATFORM;
	for (size_t i = 0; i < n; i++) {
		const struct entry_model *x = &e[i];

		if (x->attestation || x->desc_platform == 4)
			continue;
		if (x->garbage)
			return IMAGE_ERR_MALFORMED;
		if (have_first) {
			const struct entry_model *f = &e[first];
			bool ep_same = (f->ep < 3 ? 0 : 3) == (x->ep < 3 ? 0 : 3);

			if (!ep_same || (f->cmd < 2 ? 0 : f->cmd) != (x->cmd < 2 ? 0 : x->cmd) ||
			    f->user != x->user)
				return IMAGE_ERR_PLATFORMS_DISAGREE;
		} else {
			have_first = true;
			first = i;
		}
		if (!found &&
		    (x->desc_platform ? platform_is(desc_platforms[x->desc_platform], want) :
					platform_is(cfg_platforms[x->cfg_platform], want))) {
			found = true;
			*selected = i;
		}
	}
	return found ? IMAGE_OK : IMAGE_ERR_NO_PLATFORM;
}

static char *printf_alloc(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *printf_alloc(const char *fmt, ...)
{
	va_list ap;
	char *out = NULL;

	va_start(ap, fmt);
	CHECK(vasprintf(&out, fmt, ap) >= 0);
	va_end(ap);
	return out;
}

static void fuzz_resolve(const uint8_t *d, size_t size)
{
	struct store s = {.n = 0};
	struct entry_model e[ENTRIES_MAX];
	char index[8192];
	size_t used = (size_t)snprintf(index, sizeof(index),
				       "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"manifests\":[",
				       MEDIA_OCI_INDEX);
	size_t n = size > 0 ? d[0] % (ENTRIES_MAX + 1) : 0, pos = 1, selected = 0;
	struct imageconfig_platform want;
	struct registry_manifest_source src = {&s, store_fetch};
	struct imageconfig out;
	char err[512] = "", manifest_digests[ENTRIES_MAX][IMAGE_DIGEST_MAX + 1];
	enum image_error rc, expected;

	CHECK(imageconfig_platform_parse(wanted[size > 1 ? d[1] % 4 : 0], &want, err,
					 sizeof(err)) == 0);
	pos = 2;
	for (size_t i = 0; i < n; i++, pos += 4) {
		uint8_t b0 = pos < size ? d[pos] : 0, b1 = pos + 1 < size ? d[pos + 1] : 0;
		uint8_t b2 = pos + 2 < size ? d[pos + 2] : 0, b3 = pos + 3 < size ? d[pos + 3] : 0;
		const char *const *cp;
		char *config, *manifest, *platform = NULL, *entry;
		const char *config_digest;

		e[i] = (struct entry_model){
			.ep = b0 % 4,
			.cmd = (b0 >> 2) % 4,
			.user = (b0 >> 4) % 3,
			.cfg_platform = b1 % 4,
			.desc_platform = (b1 >> 2) % 6,
			.attestation = b2 & 1,
			.garbage = (b2 & 0x0e) == 0x0e,
		};
		(void)b3;
		cp = cfg_platforms[e[i].cfg_platform];
		if (e[i].garbage)
			config = printf_alloc("{\"config\":{\"Cmd\":[%u]}}", b3);
		else
			config = printf_alloc(
				"{%s%s%s%s%s%s%s\"config\":{\"Entrypoint\":%s,\"Cmd\":%s,\"User\":%s}}",
				cp[0] ? "\"os\":\"" : "", cp[0] ? cp[0] : "",
				cp[0] ? "\",\"architecture\":\"" : "", cp[0] ? cp[1] : "",
				cp[0] ? "\"," : "", cp[2] ? "\"variant\":\"v8\"," : "", "",
				entrypoints[e[i].ep], cmds[e[i].cmd], users[e[i].user]);
		config_digest = add_blob(&s, config);
		manifest = printf_alloc(
			"{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu},\"layers\":[]}",
			MEDIA_OCI_MANIFEST, MEDIA_OCI_CONFIG, config_digest, strlen(config));
		snprintf(manifest_digests[i], sizeof(manifest_digests[i]), "%s",
			 add_blob(&s, manifest));
		if (e[i].desc_platform) {
			const char *const *dp = desc_platforms[e[i].desc_platform];

			platform = printf_alloc(
				",\"platform\":{\"os\":\"%s\",\"architecture\":\"%s\"%s%s%s}",
				dp[0], dp[1], dp[2] ? ",\"variant\":\"" : "", dp[2] ? dp[2] : "",
				dp[2] ? "\"" : "");
		}
		entry = printf_alloc(
			"%s{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu%s%s}", i ? "," : "",
			MEDIA_OCI_MANIFEST, manifest_digests[i], strlen(manifest),
			platform ? platform : "",
			e[i].attestation ?
				",\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\"}" :
				"");
		CHECK(used + strlen(entry) + 8 < sizeof(index));
		memcpy(index + used, entry, strlen(entry) + 1);
		used += strlen(entry);
		free(platform);
		free(entry);
	}
	memcpy(index + used, "]}", 3);
	rc = registry_manifest_resolve("r.test/x", index, strlen(index), NULL, NULL, &want, &src,
				       &out, err, sizeof(err));
	expected = model(e, n, &want, &selected);
	if (rc != expected) {
		fprintf(stderr, "index %s\nwant %s: got %s (%s), model %s\n", index,
			wanted[size > 1 ? d[1] % 4 : 0], image_error_name(rc), err,
			image_error_name(expected));
		abort();
	}
	if (rc == IMAGE_OK) {
		CHECK(strcmp(out.manifest_digest, manifest_digests[selected]) == 0);
		CHECK(out.n_entrypoint ==
		      (e[selected].ep == 3         ? 2u :
			       e[selected].ep == 2 ? 1u :
						     0u));
		CHECK(out.has_cmd == (e[selected].cmd != 0));
		CHECK(strncmp(out.digest_ref, "r.test/x@sha256:", 16) == 0);
		imageconfig_free(&out);
	} else {
		CHECK(out.digest_ref == NULL && one_line(err, false));
	}
	for (size_t i = 0; i < s.n; i++)
		free(s.blobs[i].body);
}

/* ---- 4, 5: credentials and tokens --------------------------------------------- */

static void fuzz_docker_config(const uint8_t *data, size_t size)
{
	struct registry_auth_config c;
	char err[512] = "";

	if (registry_auth_config_parse((const char *)data, size, &c, err, sizeof(err)) != 0) {
		CHECK(c.n == 0 && c.creds == NULL && one_line(err, false));
		return;
	}
	for (size_t i = 0; i < c.n; i++) {
		const struct registry_credential *found =
			registry_auth_config_find(&c, c.creds[i].host);

		CHECK(c.creds[i].host[0] && c.creds[i].username[0]);
		CHECK(!strchr(c.creds[i].username, ':'));
		CHECK(one_line(c.creds[i].username, false) && one_line(c.creds[i].password, false));
		CHECK(found != NULL && strcasecmp(found->host, c.creds[i].host) == 0);
	}
	registry_auth_config_free(&c);
}

static void fuzz_token(const uint8_t *data, size_t size)
{
	char *token = NULL, err[512] = "";
	long expires = 0;

	if (registry_auth_token_parse((const char *)data, size, &token, &expires, err,
				      sizeof(err)) != 0) {
		CHECK(token == NULL && one_line(err, false));
		return;
	}
	CHECK(token[0] && strlen(token) <= AUTH_TOKEN_MAX);
	CHECK(strspn(token,
		     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/=") ==
	      strlen(token));
	CHECK(expires >= 60 && expires <= 86400);
	free(token);
}

/* ---- 6: argv ------------------------------------------------------------------ */

static void push_expanded(struct image_strv *v, const char *s)
{
	CHECK(image_strv_push_owned(v, kubelet_expand(s)) == 0);
}

static void fuzz_argv(const char *text, size_t len, uint8_t shape)
{
	/* NUL-separated strings; shape: how many go to command, args,
	 * ENTRYPOINT, CMD (0-3 each) */
	const char *strs[12];
	size_t n = 0, counts[4] = {shape & 3, (shape >> 2) & 3, (shape >> 4) & 3, (shape >> 6) & 3};
	const char *const prefix[] = {"/s/strict-init", "--"};
	const char *const *parts[4];
	size_t k = 0;
	struct image_strv eff, cmd, args, ran = {NULL, 0}, want = {NULL, 0};
	bool set_args;

	for (size_t off = 0; off <= len && n < 12; off += strlen(text + off) + 1)
		strs[n++] = text + off;
	for (int p = 0; p < 4; p++) {
		if (k + counts[p] > n)
			counts[p] = n - k;
		parts[p] = strs + k;
		k += counts[p];
	}
	for (size_t i = 0; i < n; i++) {
		char *esc = imageargv_escape_for_kubelet(strs[i]), *back;

		CHECK(esc);
		back = kubelet_expand(esc);
		CHECK(back && strcmp(back, strs[i]) == 0);
		free(esc);
		free(back);
	}
	{
		struct imageargv_pod pod = {parts[0], counts[0], parts[1], counts[1]};
		struct imageconfig img = {
			.entrypoint = (char **)parts[2],
			.n_entrypoint = counts[2],
			.cmd = (char **)parts[3],
			.n_cmd = counts[3],
		};
		char err[256];
		int rc = kubernetes_argv(&pod, &img, &eff);
		int wrc = imageargv_wrap(prefix, 2, &pod, &img, &cmd, &args, &set_args, err,
					 sizeof(err));

		CHECK(rc == wrc);
		if (rc != 0)
			return;
		for (size_t i = 0; i < cmd.n; i++)
			push_expanded(&ran, cmd.v[i]);
		for (size_t i = 0; i < (set_args ? args.n : counts[1]); i++)
			push_expanded(&ran, set_args ? args.v[i] : parts[1][i]);
		/* the unwrapped pod: its own values expanded, the image's not */
		CHECK(image_strv_push(&want, prefix[0]) == 0 &&
		      image_strv_push(&want, prefix[1]) == 0);
		if (counts[0] > 0) {
			for (size_t i = 0; i < eff.n; i++)
				push_expanded(&want, eff.v[i]);
		} else {
			size_t n_ep = counts[2] == 1 && parts[2][0][0] == '\0' ? 0 : counts[2];

			for (size_t i = 0; i < n_ep; i++)
				CHECK(image_strv_push(&want, parts[2][i]) == 0);
			for (size_t i = 0; i < (counts[1] ? counts[1] : counts[3]); i++) {
				if (counts[1])
					push_expanded(&want, parts[1][i]);
				else
					CHECK(image_strv_push(&want, parts[3][i]) == 0);
			}
		}
		CHECK(image_strv_equal((const char *const *)ran.v, ran.n,
				       (const char *const *)want.v, want.n));
		image_strv_free(&eff);
		image_strv_free(&cmd);
		image_strv_free(&args);
		image_strv_free(&ran);
		image_strv_free(&want);
	}
}

/* ---- 7: USER and platforms ------------------------------------------------------ */

static void fuzz_user_platform(const char *text)
{
	struct imageconfig_user u;
	struct imageconfig_platform p, q;
	char err[256];

	if (imageconfig_user_parse(text, &u) == 0) {
		CHECK(u.uid <= 4294967294u && u.gid <= 4294967294u);
		CHECK(u.has_group == (strchr(text, ':') != NULL));
		CHECK(!u.gid_numeric || u.has_group);
		CHECK(one_line(text, false));
	} else {
		CHECK(all_zero(&u, sizeof(u)));
	}
	if (imageconfig_platform_parse(text, &p, err, sizeof(err)) == 0) {
		char buf[96];

		imageconfig_platform_format(&p, buf, sizeof(buf));
		CHECK(imageconfig_platform_parse(buf, &q, err, sizeof(err)) == 0);
		CHECK(imageconfig_platform_equal(&p, &q));
	} else {
		CHECK(all_zero(&p, sizeof(p)) && one_line(err, false));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	uint8_t mode;

	if (size < 2)
		return 0;
	mode = data[0] % 8;
	/* the rest, NUL-terminated (it may hold NULs of its own) */
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 2, size - 2);
	text[size - 2] = '\0';
	switch (mode) {
	case 0:
		fuzz_ref(text);
		break;
	case 1:
		fuzz_challenge(text);
		break;
	case 2:
		fuzz_documents(data + 2, size - 2, data[1]);
		break;
	case 3:
		fuzz_resolve(data + 1, size - 1);
		break;
	case 4:
		fuzz_docker_config(data + 2, size - 2);
		break;
	case 5:
		fuzz_token(data + 2, size - 2);
		break;
	case 6:
		fuzz_argv(text, size - 2, data[1]);
		break;
	default:
		fuzz_user_platform(text);
		break;
	}
	free(text);
	return 0;
}
