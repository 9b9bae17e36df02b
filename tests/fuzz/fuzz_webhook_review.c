/* libFuzzer target over the webhook's pure core: AdmissionReview bytes and
 * image lookups -> answer (webhook/review.c, mutate.c, jsondiff.c, and the
 * image module's argv rules and config parser).
 *
 * Input: byte 0 chooses the settings (bits 0-1 mode, 2 allow-image-gid,
 * 3 lock, 4 no-new-privs off, 5 --on-lookup-failure=skip, 6
 * --pin-digest=0, 7 --exec-unwrapped=allow); the rest is the request body.
 * A top-level member "x-images" of the body (which the review ignores)
 * holds what the lookups found, as tests/unit/webhook_util.h's
 * test_images_load reads it (each config through the module's own parser);
 * "x-pod", for a kubectl exec review, the pod the API server returned
 * (absent: the read failed). Invariants, abort() on a violation:
 *  - an answer always comes: 200 with an AdmissionReview that echoes the
 *    uid, or 400 with a plain-text reason; the log summary is one line;
 *  - a denial carries a status with a message of printable characters;
 *  - a patch applies to request.object (an RFC 6902 applier written for
 *    the tests, tests/unit/webhook_util.c), and the patched pod sent again
 *    comes back without a patch (idempotence), with the same lookups and,
 *    in enforce and refuse modes, with no lookup at all;
 *  - every container the patch wraps runs, after kubelet's expansion of
 *    command and args (a model: tests/registry/kubelet_expand.h), the copy,
 *    "--", then exactly the argv it ran before: its own command and args
 *    expanded, or (no command) its image's ENTRYPOINT and CMD as they are,
 *    the pod's args expanded in place of CMD (Kubernetes' rules);
 *  - an image is changed only to pin a container that sets no command to
 *    the digest its lookup read;
 *  - the copy it runs is its only mount of the webhook's volume, read-only
 *    and deeper than every other mount it has (containerd mounts it last),
 *    and each of its exec probes and hooks runs that copy, "--", then the
 *    command it had;
 *  - the patch never changes a container's securityContext, except the
 *    webhook's own installers (it never adds a capability), and in enforce
 *    and refuse modes every container of the patched pod starts through a
 *    sealed copy, after the installers (unless a failed lookup admitted
 *    it unchanged: --on-lookup-failure=skip);
 *  - an exec review's patch changes only the PodExecOptions' command (to
 *    a sealed copy, "--", then exactly the command sent) and, when none
 *    was named, its container; never stdin, stdout, stderr or tty. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/base64.h>

#include "../registry/kubelet_expand.h"
#include "../unit/webhook_util.h"
#include "webhook/admission/review.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "fuzz_check.h"

static const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};

static json_t *decode_patch(const char *b64)
{
	struct base64_decode_ctx ctx;
	size_t len = BASE64_DECODE_LENGTH(strlen(b64));
	uint8_t *buf = malloc(len + 1);
	json_t *patch = NULL;

	CHECK(buf);
	base64_decode_init(&ctx);
	if (base64_decode_update(&ctx, &len, buf, strlen(b64), b64) && base64_decode_final(&ctx))
		patch = json_loadb((const char *)buf, len, 0, NULL);
	free(buf);
	return patch;
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return false;
	return true;
}

static bool installer(const json_t *ctr)
{
	const char *name = json_string_value(json_object_get(ctr, "name"));

	return name && strncmp(name, WH_INSTALLER_PREFIX, strlen(WH_INSTALLER_PREFIX)) == 0;
}

/* Both objects lack the member, or have equal ones (json_equal says two
 * missing values differ). */
static bool same_member(const json_t *x, const json_t *y, const char *key)
{
	const json_t *a = json_object_get(x, key), *b = json_object_get(y, key);

	return (!a && !b) || json_equal(a, b);
}

static void same_argv(const json_t *b, const json_t *a, const struct test_images *images);

/* A copy's path as the webhook writes it into a container: the mount
 * path (WH_MOUNT_PATH, then "/d" per level) and strict-init-KEY, KEY
 * "any-gid" or "gid-" and a gid (decimal, no leading zero, below
 * 4294967295). */
static bool is_copy(const char *path)
{
	unsigned long long gid = 0;

	if (!path || strncmp(path, WH_MOUNT_PATH, strlen(WH_MOUNT_PATH)) != 0)
		return false;
	path += strlen(WH_MOUNT_PATH);
	while (strncmp(path, "/d/", 3) == 0)
		path += 2;
	if (strncmp(path, "/strict-init-", strlen("/strict-init-")) != 0)
		return false;
	path += strlen("/strict-init-");
	if (strcmp(path, "any-gid") == 0)
		return true;
	if (strncmp(path, "gid-", 4) != 0 || !path[4] || (path[4] == '0' && path[5]))
		return false;
	for (path += 4; *path; path++) {
		if (*path < '0' || *path > '9' ||
		    (gid = gid * 10 + (unsigned)(*path - '0')) > 4294967294ULL)
			return false;
	}
	return true;
}

/* The depth containerd sorts a mount by: the "/" of Go's
 * filepath.Clean("/" + path) (kubelet makes a relative path absolute),
 * written here from Go's rules rather than taken from the webhook. */
static unsigned depth_of(const char *path)
{
	unsigned depth = 0;
	const char *p = path;

	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.')
			depth -= depth > 0;
		else if (len > 0 && !(len == 1 && p[0] == '.'))
			depth++;
		p += len;
	}
	return depth ? depth : 1;
}

/* [copy, "--", ...]: what the webhook reads as wrapped before. */
static bool wrapped_before(const json_t *command)
{
	const char *second = json_string_value(json_array_get(command, 1));

	return is_copy(json_string_value(json_array_get(command, 0))) && second &&
		strcmp(second, "--") == 0;
}

static const char *const handlers[][2] = {{NULL, "livenessProbe"},
					  {NULL, "readinessProbe"},
					  {NULL, "startupProbe"},
					  {"lifecycle", "postStart"},
					  {"lifecycle", "preStop"}};

static const json_t *handler_command(const json_t *ctr, size_t i)
{
	const json_t *parent = handlers[i][0] ? json_object_get(ctr, handlers[i][0]) : ctr;

	return json_object_get(json_object_get(json_object_get(parent, handlers[i][1]), "exec"),
			       "command");
}

/* A wrapped container a (b as sent): the copy it runs is that of its only
 * mount of the webhook's volume, read-only, deeper than every other mount
 * it has (kubelet's terminationMessagePath included) and than the
 * runtime's own (2): containerd mounts it last. Every exec probe and hook
 * runs the same copy, "--", then what b's ran. */
static void copy_mounted_last(const json_t *b, const json_t *a, const char *copy)
{
	const json_t *mounts = json_object_get(a, "volumeMounts"), *m, *ours = NULL;
	const char *tpath = json_string_value(json_object_get(a, "terminationMessagePath"));
	unsigned deepest = 2, depth;
	size_t i, mlen;

	json_array_foreach(mounts, i, m) {
		const char *name = json_string_value(json_object_get(m, "name"));
		const char *path = json_string_value(json_object_get(m, "mountPath"));

		CHECK(name && path);
		if (strcmp(name, WH_VOLUME) == 0) {
			CHECK(!ours);
			ours = m;
		} else if (depth_of(path) > deepest) {
			deepest = depth_of(path);
		}
	}
	if (tpath && *tpath && depth_of(tpath) > deepest)
		deepest = depth_of(tpath);
	CHECK(ours && json_is_true(json_object_get(ours, "readOnly")));
	mlen = strlen(json_string_value(json_object_get(ours, "mountPath")));
	depth = depth_of(json_string_value(json_object_get(ours, "mountPath")));
	CHECK(depth > deepest);
	CHECK(strncmp(copy, json_string_value(json_object_get(ours, "mountPath")), mlen) == 0 &&
	      strncmp(copy + mlen, "/strict-init-", strlen("/strict-init-")) == 0);
	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		const json_t *acmd = handler_command(a, i), *bcmd = handler_command(b, i);
		size_t skip = wrapped_before(bcmd) ? 2 : 0;

		CHECK(!acmd == !bcmd);
		if (!acmd)
			continue;
		CHECK(json_array_size(acmd) >= 3 &&
		      strcmp(json_string_value(json_array_get(acmd, 0)), copy) == 0 &&
		      strcmp(json_string_value(json_array_get(acmd, 1)), "--") == 0);
		CHECK(json_array_size(acmd) - 2 == json_array_size(bcmd) - skip);
		for (size_t j = 2; j < json_array_size(acmd); j++)
			CHECK(json_equal(json_array_get(acmd, j),
					 json_array_get(bcmd, j - 2 + skip)));
	}
}

/* The containers that are not installers are the same ones, in the same
 * order, before and after, each with the same securityContext, running the
 * same argv (same_argv). Matched by position: names may repeat in a review
 * (mutating admission runs before validation), and the webhook neither
 * reorders nor drops a container. */
static void same_security(const json_t *before, const json_t *after,
			  const struct test_images *images)
{
	for (size_t l = 0; l < 3; l++) {
		const json_t *b = json_object_get(json_object_get(before, "spec"), lists[l]);
		const json_t *a = json_object_get(json_object_get(after, "spec"), lists[l]);
		size_t i = 0, j = 0;

		for (;;) {
			while (i < json_array_size(a) && installer(json_array_get(a, i)))
				i++;
			while (j < json_array_size(b) && installer(json_array_get(b, j)))
				j++;
			if (i == json_array_size(a) || j == json_array_size(b))
				break;
			CHECK(same_member(json_array_get(b, j), json_array_get(a, i), "name"));
			CHECK(same_member(json_array_get(b, j), json_array_get(a, i),
					  "securityContext"));
			same_argv(json_array_get(b, j), json_array_get(a, i), images);
			i++;
			j++;
		}
		CHECK(i == json_array_size(a) && j == json_array_size(b));
	}
}

/* kubelet's expansion of each string of a (pod) list, onto out. */
static void push_expanded(struct image_strv *out, const json_t *list, size_t from)
{
	for (size_t i = from; i < json_array_size(list); i++) {
		char *e = kubelet_expand(json_string_value(json_array_get(list, i)));

		CHECK(e && image_strv_push_owned(out, e) == 0);
	}
}

static void push_raw(struct image_strv *out, char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		CHECK(image_strv_push(out, v[i]) == 0);
}

static const struct imageconfig *config_of(const struct test_images *images, const char *image)
{
	for (size_t i = 0; image && i < images->n; i++)
		if (strcmp(images->v[i].image, image) == 0)
			return images->v[i].config;
	return NULL;
}

/* What the runtime runs for container a (as patched) against b (as
 * sent): the copy and "--", then b's argv by Kubernetes' rules. */
static void same_argv(const json_t *b, const json_t *a, const struct test_images *images)
{
	const json_t *acmd = json_object_get(a, "command"), *bcmd = json_object_get(b, "command");
	const json_t *bargs = json_object_get(b, "args");
	const char *first = json_string_value(json_array_get(acmd, 0));
	const char *aimage = json_string_value(json_object_get(a, "image"));
	const char *bimage = json_string_value(json_object_get(b, "image"));
	struct image_strv got = {NULL, 0}, want = {NULL, 0};

	if (!is_copy(first) || wrapped_before(bcmd) || same_member(b, a, "command")) {
		/* not wrapped now (a command of the pod's own that starts with
		 * a copy's path, admitted as it is, too), or wrapped before (a
		 * reinvocation's shape) */
		CHECK(same_member(b, a, "image"));
		return;
	}
	CHECK(json_array_size(acmd) >= 2 &&
	      strcmp(json_string_value(json_array_get(acmd, 1)), "--") == 0);
	copy_mounted_last(b, a, first);
	push_expanded(&got, acmd, 2);
	push_expanded(&got, json_object_get(a, "args"), 0);
	if (json_array_size(bcmd) > 0) {
		CHECK(same_member(b, a, "image"));
		CHECK(same_member(b, a, "args"));
		push_expanded(&want, bcmd, 0);
		push_expanded(&want, bargs, 0);
	} else {
		const struct imageconfig *cfg = config_of(images, bimage);
		size_t n_ep;

		CHECK(cfg && aimage && bimage);
		n_ep = cfg->n_entrypoint == 1 && cfg->entrypoint[0][0] == '\0' ? 0 :
										 cfg->n_entrypoint;
		push_raw(&want, cfg->entrypoint, n_ep);
		if (json_array_size(bargs) > 0)
			push_expanded(&want, bargs, 0);
		else
			push_raw(&want, cfg->cmd, cfg->n_cmd);
		/* pinned: the pod's name, the digest read; or as it was */
		if (strcmp(aimage, bimage) != 0) {
			const char *at = strrchr(aimage, '@');

			CHECK(at && !strchr(bimage, '@') && cfg->digest_ref &&
			      strcmp(at, strrchr(cfg->digest_ref, '@')) == 0);
			CHECK(strncmp(aimage, bimage, (size_t)(at - aimage)) == 0);
		}
	}
	CHECK(image_strv_equal((const char *const *)got.v, got.n, (const char *const *)want.v,
			       want.n));
	image_strv_free(&got);
	image_strv_free(&want);
}

static void all_wrapped(const json_t *pod)
{
	const json_t *spec = json_object_get(pod, "spec");
	bool past_installers = false;

	for (size_t l = 0; l < 3; l++) {
		size_t i;
		const json_t *c;

		json_array_foreach(json_object_get(spec, lists[l]), i, c) {
			const char *first =
				json_string_value(json_array_get(json_object_get(c, "command"), 0));

			if (l == 0 && installer(c)) {
				CHECK(!past_installers);
				continue;
			}
			past_installers = true;
			CHECK(is_copy(first));
		}
	}
}

/* A kubectl exec review's patch, applied to its PodExecOptions. */
static void check_exec_patch(const json_t *options, const json_t *patch)
{
	json_t *patched = json_deep_copy(options), *before = json_deep_copy(options);
	const json_t *cmd, *sent = json_object_get(options, "command");
	const char *first;
	const char *named = json_string_value(json_object_get(options, "container"));

	CHECK(patched && before && patch_apply(&patched, patch) == 0);
	cmd = json_object_get(patched, "command");
	first = json_string_value(json_array_get(cmd, 0));
	CHECK(first && strncmp(first, WH_COPY_PREFIX, strlen(WH_COPY_PREFIX)) == 0);
	CHECK(json_is_string(json_array_get(cmd, 1)) &&
	      strcmp(json_string_value(json_array_get(cmd, 1)), "--") == 0);
	for (size_t i = 0; i < json_array_size(sent); i++)
		CHECK(json_equal(json_array_get(cmd, i + 2), json_array_get(sent, i)) ||
		      json_equal(cmd, sent));
	CHECK(json_array_size(cmd) == json_array_size(sent) + 2 || json_equal(cmd, sent));
	if (named && *named)
		CHECK(json_equal(json_object_get(patched, "container"),
				 json_object_get(options, "container")));
	json_object_del(patched, "command");
	json_object_del(patched, "container");
	json_object_del(before, "command");
	json_object_del(before, "container");
	CHECK(json_equal(patched, before));
	json_decref(patched);
	json_decref(before);
}

static bool is_exec(const json_t *request)
{
	const char *op = json_string_value(json_object_get(request, "operation"));
	const char *sub = json_string_value(json_object_get(request, "subResource"));

	return op && sub && strcmp(op, "CONNECT") == 0 && strcmp(sub, "exec") == 0;
}

static void check_answer(const struct wh_settings *s, const uint8_t *body, size_t len,
			 const struct wh_review *out, const struct test_images *images)
{
	json_t *sent = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, NULL);
	json_t *answer = json_loadb(out->body, out->body_len, 0, NULL);
	json_t *resp = json_object_get(answer, "response");
	json_t *request = json_object_get(sent, "request"),
	       *pod = json_object_get(request, "object");
	const char *b64 = json_string_value(json_object_get(resp, "patch"));

	CHECK(sent && answer);
	CHECK(json_equal(json_object_get(resp, "uid"), json_object_get(request, "uid")));
	CHECK(json_is_boolean(json_object_get(resp, "allowed")));
	/* would deny: audit mode only, allowed, and said in auditAnnotations */
	CHECK((out->outcome == WH_WOULD_DENY) ==
	      (json_object_get(resp, "auditAnnotations") != NULL));
	if (out->outcome == WH_WOULD_DENY) {
		const char *why = json_string_value(
			json_object_get(json_object_get(resp, "auditAnnotations"), "would-deny"));

		CHECK(s->mode == WH_MODE_AUDIT && json_is_true(json_object_get(resp, "allowed")));
		CHECK(why && *why && printable(why));
	}
	if (json_is_false(json_object_get(resp, "allowed"))) {
		const char *msg = json_string_value(
			json_object_get(json_object_get(resp, "status"), "message"));

		CHECK(msg && *msg && printable(msg) && !b64);
	}
	if (b64 && is_exec(request)) {
		json_t *patch = decode_patch(b64);

		CHECK(patch && json_is_array(patch) && json_array_size(patch) > 0);
		check_exec_patch(pod, patch);
		json_decref(patch);
	} else if (b64) {
		json_t *patch = decode_patch(b64), *patched = json_deep_copy(pod), *again_body;
		struct wh_review again;
		char *text;

		CHECK(patch && json_is_array(patch) && json_array_size(patch) > 0);
		CHECK(patch_apply(&patched, patch) == 0);
		same_security(pod, patched, images);
		if (s->mode != WH_MODE_AUDIT && !out->lookup_skipped &&
		    strcmp(json_string_value(json_object_get(request, "operation")), "CREATE") == 0)
			all_wrapped(patched);
		/* the API server sends the patched pod again: nothing more to do */
		again_body = json_deep_copy(sent);
		json_object_set_new(json_object_get(again_body, "request"), "object", patched);
		text = json_dumps(again_body, JSON_COMPACT);
		CHECK(text);
		/* with the same lookups (what is still unwrapped is looked up
		 * again: a skip, audit mode), and in enforce and refuse modes
		 * with none at all: every container of an injected pod sets a
		 * command */
		CHECK(test_review(s, text, strlen(text), images->v, images->n, &again) == 0);
		CHECK(again.http_status == 200);
		if (out->lookup_skipped) {
			CHECK(again.outcome == WH_SKIPPED && !strstr(again.body, "\"patch\""));
		} else if (out->outcome == WH_WOULD_DENY) {
			/* the same reasons, the pod's annotation already says them */
			CHECK(again.outcome == WH_WOULD_DENY && !strstr(again.body, "\"patch\""));
		} else {
			CHECK(again.outcome == WH_UNCHANGED);
			if (s->mode != WH_MODE_AUDIT) {
				review_free(&again);
				CHECK(test_review(s, text, strlen(text), NULL, 0, &again) == 0);
				CHECK(again.outcome == WH_UNCHANGED);
			}
		}
		review_free(&again);
		free(text);
		json_decref(again_body);
		json_decref(patch);
	}
	json_decref(sent);
	json_decref(answer);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wh_settings s = {.image = "strict-groups:0.1.0",
				.image_pull_policy = "IfNotPresent",
				.version = "0.1.0",
				.no_new_privs = true};
	struct wh_review out;
	struct test_images images;
	uint8_t flags = size ? data[0] : 0;
	json_t *body;

	if (size)
		data++, size--;
	s.mode = (enum wh_mode)((flags & 3) % 3);
	s.allow_image_gid = flags & 4;
	s.lock = flags & 8;
	s.no_new_privs = !(flags & 16);
	s.skip_on_lookup_failure = flags & 32;
	s.pin_digest = !(flags & 64);
	s.exec_unwrapped_allow = flags & 128;
	body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	CHECK(test_images_load(json_object_get(body, "x-images"), &images) == 0);
	if (is_exec(json_object_get(body, "request")))
		CHECK(test_review_with_pod(&s, (const char *)data, size,
					   json_object_get(body, "x-pod"), "HTTP 404: not found",
					   &out) == 0);
	else
		CHECK(test_review(&s, (const char *)data, size, images.v, images.n, &out) == 0);
	CHECK(out.body && out.body_len > 0);
	CHECK(out.http_status == 200 || out.http_status == 400);
	CHECK(!strchr(out.summary, '\n') && printable(out.summary));
	if (out.http_status == 200)
		check_answer(&s, data, size, &out, &images);
	else
		CHECK(out.outcome == WH_ERROR);
	review_free(&out);
	test_images_free(&images);
	json_decref(body);
	return 0;
}
