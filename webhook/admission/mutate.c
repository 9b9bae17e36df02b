/* The pod: its creation (every container wrapped, the installers and the
 * volume added), an ephemeral containers update (the new ones wrapped with
 * the copies the pod has) or an update (update.c), then the patch
 * (mutate.h). The parts: mutate_int.h. */
#include "mutate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/lock_limit.h"
#include "jsondiff.h"
#include "mutate_int.h"

static const char *const container_lists[] = {"initContainers", "containers",
					      "ephemeralContainers"};
static const char *const container_kinds[] = {"init container", "container", "ephemeral container"};

/* Takes the webhook's installers out of the init containers (they are
 * written anew); a container that is not an init container must not use
 * their names. */
static int remove_ours(struct run *r, json_t *spec, json_t **removed)
{
	json_t *inits = json_object_get(spec, "initContainers");

	*removed = json_array();
	if (!*removed)
		return -1;
	for (size_t l = 0; l < 3; l++) {
		json_t *list = json_object_get(spec, container_lists[l]);

		for (size_t i = 0; i < json_array_size(list); i++) {
			const char *name =
				json_string_value(json_object_get(json_array_get(list, i), "name"));
			char n[NAME_SHOWN + 4];

			if (!name || !parts_reserved_name(name))
				continue;
			if (list == inits) {
				if (json_array_append(*removed, json_array_get(list, i)) != 0 ||
				    json_array_remove(list, i) != 0)
					return -1;
				i--;
				continue;
			}
			message_shown(n, sizeof(n), name);
			problem(r, "%s name %s is reserved for strict-groups' installers (%s*)",
				container_kinds[l], n, WH_INSTALLER_PREFIX);
			if (r->s->mode == WH_MODE_AUDIT)
				r->abandon = true;
		}
	}
	return 0;
}

static int check_lists(struct run *r, const json_t *spec)
{
	for (size_t l = 0; l < 3; l++) {
		json_t *list;

		if (podread_array(spec, container_lists[l], &list) != 0) {
			malformed(r, "spec.%s is not a list", container_lists[l]);
			return -1;
		}
	}
	if (json_array_size(json_object_get(spec, "containers")) == 0) {
		malformed(r, "the pod has no containers");
		return -1;
	}
	return 0;
}

static int set_volume(struct run *r, json_t *spec)
{
	json_t *volumes, *ours = parts_volume(r->ncopies), *kept;
	size_t i;
	json_t *v;

	if (!ours)
		return -1;
	if (podread_array(spec, "volumes", &volumes) != 0) {
		malformed(r, "spec.volumes is not a list");
		json_decref(ours);
		return 0;
	}
	kept = json_array();
	if (!kept) {
		json_decref(ours);
		return -1;
	}
	json_array_foreach(volumes, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));

		if (name && strcmp(name, WH_VOLUME) == 0) {
			if (!json_equal(v, ours))
				warn(r,
				     "volume " WH_VOLUME
				     " is reserved: replaced by the webhook's emptyDir");
			continue;
		}
		if (json_array_append(kept, v) != 0)
			goto oom;
	}
	if (json_array_append(kept, ours) != 0 || json_object_set(spec, "volumes", kept) != 0)
		goto oom;
	json_decref(kept);
	json_decref(ours);
	return 0;
oom:
	json_decref(kept);
	json_decref(ours);
	return -1;
}

static int set_installers(struct run *r, json_t *spec, const json_t *removed)
{
	json_t *inits = json_object_get(spec, "initContainers"), *all = json_array();
	size_t i;
	const json_t *old;

	if (!all)
		return -1;
	parts_sort_copies(r);
	for (i = 0; i < r->ncopies; i++)
		if (json_array_append_new(all, parts_installer(r, &r->copies[i])) != 0)
			goto oom;
	json_array_foreach(removed, i, old) {
		bool found = false;

		for (size_t j = 0; j < r->ncopies && !found; j++)
			found = json_equal(old, json_array_get(all, j));
		if (!found) {
			char n[NAME_SHOWN + 4];

			message_shown(n, sizeof(n),
				      json_string_value(json_object_get(old, "name")));
			warn(r,
			     "init container %s is reserved: replaced by the webhook's installers",
			     n);
		}
	}
	if ((json_is_array(inits) && json_array_extend(all, inits) != 0) ||
	    json_object_set_new(spec, "initContainers", all) != 0)
		return -1;
	return 0;
oom:
	json_decref(all);
	return -1;
}

/* A member object of parent, created when absent or null: 0 with *out set,
 * 1 when it is there but not an object, -1 out of memory. */
static int member_object_made(json_t *parent, const char *key, json_t **out)
{
	if (podread_object(parent, key, out) != 0)
		return 1;
	if (!*out) {
		*out = json_object();
		if (!*out || json_object_set_new(parent, key, *out) != 0)
			return -1;
	}
	return 0;
}

/* pod's metadata.annotations, made when absent: as member_object_made, and
 * *bad names what is not an object. */
static int annotations_made(json_t *pod, json_t **out, const char **bad)
{
	json_t *meta;
	int rc = member_object_made(pod, "metadata", &meta);

	*bad = "metadata";
	if (rc != 0)
		return rc;
	*bad = "metadata.annotations";
	return member_object_made(meta, "annotations", out);
}

static int set_annotation(struct run *r, json_t *pod)
{
	json_t *annotations, *value;
	const char *bad;
	int rc = annotations_made(pod, &annotations, &bad);

	if (rc < 0)
		return -1;
	if (rc > 0) {
		malformed(r, "%s is not an object", bad);
		return 0;
	}
	value = parts_annotation(r);
	if (!value || json_object_set_new(annotations, WH_ANNOTATION, value) != 0)
		return -1;
	/* an earlier skip (reinvocation after a failed lookup), or a pod's own */
	(void)json_object_del(annotations, WH_SKIP_ANNOTATION);
	return 0;
}

/* Audit mode: WH_AUDIT_ANNOTATION says why enforce would refuse the pod;
 * otherwise it is not there (whoever else wrote it). A pod creation only:
 * an ephemeral containers update cannot change the pod's metadata. */
static int set_audit_annotation(struct run *r, json_t *pod)
{
	json_t *annotations;
	const char *bad;
	int rc;

	if (!r->would_deny_len) {
		annotations = json_object_get(json_object_get(pod, "metadata"), "annotations");
		if (json_is_object(annotations))
			(void)json_object_del(annotations, WH_AUDIT_ANNOTATION);
		return 0;
	}
	rc = annotations_made(pod, &annotations, &bad);
	if (rc != 0)
		return rc < 0 ? -1 : 0; /* metadata not an object: left as it is */
	return json_object_set_new(annotations, WH_AUDIT_ANNOTATION,
				   json_sprintf("would deny: %s", r->would_deny_stable));
}

/* The pod with the webhook's reserved parts taken out (its installers, its
 * volume, the copies in commands, probes and hooks, its annotation): what a
 * pod the webhook admits without injecting it keeps, so that nothing in it
 * says strict-groups protects it. *changed: whether any was there. NULL
 * when out of memory. */
static json_t *stripped_pod(const json_t *pod, bool *changed)
{
	static const char *const reserved[] = {WH_ANNOTATION, WH_AUDIT_ANNOTATION};
	json_t *desired = json_deep_copy(pod), *spec = json_object_get(desired, "spec");
	json_t *inits = json_object_get(spec, "initContainers");
	json_t *volumes = json_object_get(spec, "volumes");
	json_t *annotations = json_object_get(json_object_get(desired, "metadata"), "annotations");

	*changed = false;
	if (!desired)
		return NULL;
	for (size_t i = 0; json_is_array(inits) && i < json_array_size(inits); i++) {
		const char *name =
			json_string_value(json_object_get(json_array_get(inits, i), "name"));

		if (name && parts_reserved_name(name)) {
			if (json_array_remove(inits, i--) != 0)
				goto oom;
			*changed = true;
		}
	}
	for (size_t i = 0; json_is_array(volumes) && i < json_array_size(volumes); i++) {
		const char *name =
			json_string_value(json_object_get(json_array_get(volumes, i), "name"));

		if (name && strcmp(name, WH_VOLUME) == 0) {
			if (json_array_remove(volumes, i--) != 0)
				goto oom;
			*changed = true;
		}
	}
	for (size_t l = 0; l < 3; l++) {
		json_t *list = json_object_get(spec, container_lists[l]);

		for (size_t i = 0; json_is_array(list) && i < json_array_size(list); i++) {
			int rc = container_strip(json_array_get(list, i));

			if (rc < 0)
				goto oom;
			*changed |= rc > 0;
		}
	}
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (json_is_object(annotations) && json_object_get(annotations, reserved[i])) {
			if (json_object_del(annotations, reserved[i]) != 0)
				goto oom;
			*changed = true;
		}
	return desired;
oom:
	json_decref(desired);
	return NULL;
}

/* A pod admitted without being injected: with --on-lookup-failure=skip,
 * or in audit mode with nothing to wrap. A pod creation loses the
 * webhook's reserved parts (stripped_pod), and a skip names its images in
 * WH_SKIP_ANNOTATION; an ephemeral containers update changes nothing. NULL
 * when out of memory. */
static json_t *not_injected(struct run *r, const json_t *pod)
{
	json_t *desired, *annotations, *value;
	const char *bad;
	bool changed;
	char *text;
	int rc;

	if (r->req->op != WH_OP_CREATE)
		return json_deep_copy(pod);
	desired = stripped_pod(pod, &changed);
	if (!desired)
		return NULL;
	if (changed)
		warn(r,
		     "the pod's own strict-groups parts (installers, volume " WH_VOLUME
		     ", copies, annotation: reserved) are taken out: it runs without "
		     "strict-init");
	if (!json_array_size(r->skipped_images))
		return desired;
	rc = annotations_made(desired, &annotations, &bad);
	if (rc < 0)
		goto oom;
	if (rc > 0)
		return desired; /* not what the API server sends: left as it is */
	value = json_pack("{s:s, s:O}", "reason", "image lookup failed", "images",
			  r->skipped_images);
	text = value ? json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(value);
	if (!text || json_object_set_new(annotations, WH_SKIP_ANNOTATION, json_string(text)) != 0) {
		free(text);
		goto oom;
	}
	free(text);
	return desired;
oom:
	json_decref(desired);
	return NULL;
}

/* Wraps every container of the listed kinds in desired's spec. */
static int wrap_lists(struct run *r, json_t *spec, size_t first, size_t last)
{
	for (size_t l = first; l <= last; l++) {
		json_t *list = json_object_get(spec, container_lists[l]);

		for (size_t i = 0; i < json_array_size(list); i++)
			if (container_wrap(r, json_array_get(list, i), container_kinds[l], i) != 0)
				return -1;
	}
	return 0;
}

/* Pod Security restricted (drop ALL, no SETGID added): then enforce cannot
 * drop anything, and refuse, which needs no capability, is what enforce
 * would do (docs/design.md, "Restricted pods"). The webhook's installers
 * are out of the lists by now. */
static bool pod_may_setgid(const json_t *spec)
{
	for (size_t l = 0; l < 3; l++) {
		size_t i;
		const json_t *ctr;

		json_array_foreach(json_object_get(spec, container_lists[l]), i, ctr)
			if (container_may_setgid(ctr))
				return true;
	}
	return false;
}

static int create(struct run *r, json_t *desired)
{
	json_t *spec = json_object_get(desired, "spec"), *removed = NULL;
	int rc = -1;

	if (check_lists(r, spec) != 0)
		return 0;
	r->from_image_before = parts_annotated_from_image(desired);
	if (podread_groups(r, spec) != 0)
		return -1;
	if (r->code == 400)
		return 0;
	/* install --lock=1 refuses a list the filter cannot encode (64): the
	 * pod would never start */
	if (r->lock && r->ngroups + 1 > LOCK_MAX_GIDS) {
		problem(r,
			"the pod has %zu groups (supplementalGroups and fsGroup): the seccomp lock "
			"(--lock=1) encodes at most %d with the primary gid",
			r->ngroups, LOCK_MAX_GIDS - 1);
		return 0;
	}
	if (remove_ours(r, spec, &removed) != 0)
		goto out;
	if (r->mode == WH_MODE_ENFORCE && !pod_may_setgid(spec)) {
		r->mode = WH_MODE_REFUSE;
		warn(r,
		     "no container of the pod can hold CAP_SETGID (each drops ALL or SETGID and "
		     "adds neither), which strict-init needs to drop a group: sealed in refuse "
		     "mode, so a container whose image adds a group does not start (77)");
	}
	if (r->abandon || wrap_lists(r, spec, 0, 2) != 0) {
		rc = r->abandon ? 0 : -1;
		goto out;
	}
	if (r->code || r->oom) {
		rc = r->oom ? -1 : 0;
		goto out;
	}
	if (json_array_size(r->skipped_images)) {
		rc = 0; /* admitted as it is (mutate_pod) */
		goto out;
	}
	if (r->ncopies == 0) {
		/* audit mode, and no container could be wrapped: nothing to add */
		r->abandon = true;
		rc = 0;
		goto out;
	}
	if (set_installers(r, spec, removed) != 0 || set_volume(r, spec) != 0 ||
	    set_annotation(r, desired) != 0)
		goto out;
	rc = 0;
out:
	json_decref(removed);
	return rc;
}

/* The copies an injected pod has: its installers' names (init containers
 * cannot change after creation, and creation went through the webhook). */
static int existing_copies(struct run *r, const json_t *old_spec)
{
	json_t *inits = json_object_get(old_spec, "initContainers");
	size_t i;
	const json_t *ctr;

	json_array_foreach(inits, i, ctr) {
		const char *name = json_string_value(json_object_get(ctr, "name"));
		struct copy c;
		const json_t *arg;
		size_t j;

		if (!name || !parts_reserved_name(name) ||
		    parts_parse_key(name + strlen(WH_INSTALLER_PREFIX), &c) != 0)
			continue;
		if (!parts_add_copy(r, c.any_gid, c.gid))
			return -1;
		/* the mode and lock that copy was sealed with, for the env check */
		json_array_foreach(json_object_get(ctr, "command"), j, arg) {
			const char *a = json_string_value(arg);

			if (a && has_prefix(a, "--mode="))
				(void)mutate_mode_parse(a + strlen("--mode="), &r->mode);
			if (a && strcmp(a, "--lock=1") == 0)
				r->lock = true;
		}
	}
	return 0;
}

static int ephemeral(struct run *r, json_t *desired, const json_t *old_pod)
{
	json_t *spec = json_object_get(desired, "spec"), *list, *old_spec, *old_list, *old_names;
	size_t i;
	const json_t *ctr;
	int rc = -1;

	if (!json_is_object(old_pod) ||
	    !json_is_object(old_spec = json_object_get(old_pod, "spec"))) {
		malformed(r, "an ephemeral containers update without the old pod");
		return 0;
	}
	if (podread_array(spec, "ephemeralContainers", &list) != 0 ||
	    podread_array(old_spec, "ephemeralContainers", &old_list) != 0) {
		malformed(r, "spec.ephemeralContainers is not a list");
		return 0;
	}
	if (podread_groups(r, old_spec) != 0)
		return -1;
	if (r->code == 400)
		return 0;
	old_names = json_object();
	if (!old_names)
		return -1;
	json_array_foreach(old_list, i, ctr) {
		const char *name = json_string_value(json_object_get(ctr, "name"));

		if (name && json_object_set_new(old_names, name, json_true()) != 0)
			goto out;
	}
	r->lock = false; /* as the existing installers say */
	if (existing_copies(r, old_spec) != 0)
		goto out;
	r->copies_fixed = true;
	json_array_foreach(list, i, ctr) {
		const char *name = json_string_value(json_object_get(ctr, "name"));

		if (name && json_object_get(old_names, name))
			continue; /* the API server refuses changes to these */
		if (r->ncopies == 0) {
			problem(r,
				"the pod was not injected by strict-groups-webhook (created "
				"before it, or exempt): its ephemeral containers cannot be wrapped");
			break;
		}
		if (container_wrap(r, (json_t *)ctr, container_kinds[2], i) != 0)
			goto out;
	}
	rc = r->oom ? -1 : 0;
out:
	json_decref(old_names);
	return rc;
}

/* The pod as it is, for what it is (mirror, windows, injected): an
 * ephemeral containers update or an update sends the stored pod as
 * oldObject, and only part of the body counts (the new ephemeral
 * containers) or nothing is taken from it unchecked. */
static const json_t *stored_pod(const struct wh_request *req)
{
	return req->op == WH_OP_CREATE ? req->pod : req->old_pod;
}

bool mutate_is_mirror(const json_t *pod)
{
	const json_t *annotations =
		json_object_get(json_object_get(pod, "metadata"), "annotations");

	return json_object_get(annotations, "kubernetes.io/config.mirror") != NULL;
}

bool mutate_is_windows(const json_t *pod)
{
	const char *os = json_string_value(
		json_object_get(json_object_get(json_object_get(pod, "spec"), "os"), "name"));

	return os && strcmp(os, "windows") == 0;
}

static int finish(struct run *r, const json_t *pod, json_t *desired, struct wh_result *res)
{
	res->warnings = r->warnings;
	r->warnings = NULL;
	if (!r->code && json_array_size(r->skipped_images)) {
		char text[MESSAGE_MAX];
		size_t len = 0;

		message_append(text, sizeof(text), &len, "an image lookup failed (");
		for (size_t i = 0; i < json_array_size(r->skipped_images); i++)
			message_append(text, sizeof(text), &len, "%s%s", i ? ", " : "",
				       json_string_value(json_array_get(r->skipped_images, i)));
		message_append(text, sizeof(text), &len,
			       "): admitted without strict-init "
			       "(--on-lookup-failure=skip)");
		res->outcome = WH_SKIPPED;
		res->lookup_skipped = true;
		res->message = strdup(text);
		res->patch = jsondiff_patch(pod, desired);
		return res->message && res->patch ? 0 : -1;
	}
	if (r->code) {
		res->outcome = WH_DENIED;
		res->code = r->code;
		res->message = strdup(r->message);
		res->patch = json_array();
		return res->message && res->patch ? 0 : -1;
	}
	res->patch = jsondiff_patch(pod, desired);
	if (!res->patch)
		return -1;
	if (r->would_deny_len) {
		res->outcome = WH_WOULD_DENY;
		res->message = strdup(r->would_deny);
		return res->message ? 0 : -1;
	}
	res->outcome = json_array_size(res->patch) ? WH_INJECTED : WH_UNCHANGED;
	return 0;
}

int mutate_pod(const struct wh_settings *settings, const struct wh_request *req,
	       struct wh_result *res)
{
	struct run r = {.s = settings,
			.req = req,
			.mode = settings->mode,
			.lock = settings->lock && settings->mode != WH_MODE_AUDIT};
	const json_t *stored = stored_pod(req);
	json_t *desired = NULL;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	r.warnings = json_array();
	r.skipped_images = json_array();
	r.from_image = json_array();
	if (!r.warnings || !r.skipped_images || !r.from_image)
		goto out;
	if (!json_is_object(req->pod) || !json_is_object(json_object_get(req->pod, "spec"))) {
		malformed(&r, "the object is not a pod with a spec");
		rc = finish(&r, req->pod, NULL, res);
		goto out;
	}
	if (mutate_is_mirror(stored) || mutate_is_windows(stored)) {
		res->outcome = WH_SKIPPED;
		res->message = strdup(
			mutate_is_mirror(stored) ?
				"a mirror pod (kubelet runs the static pod it mirrors, not this object)" :
				"a windows pod (spec.os.name)");
		res->patch = json_array();
		res->warnings = r.warnings;
		r.warnings = NULL;
		rc = res->message && res->patch ? 0 : -1;
		goto out;
	}
	desired = json_deep_copy(req->pod);
	if (!desired)
		goto out;
	if (req->op == WH_OP_UPDATE)
		update_check(&r, req->pod, req->old_pod);
	else if ((req->op == WH_OP_CREATE ? create(&r, desired) :
					    ephemeral(&r, desired, req->old_pod)) != 0)
		goto out;
	if (r.oom)
		goto out;
	/* a skip, or audit with nothing wrapped: the pod as it came, but for
	 * the webhook's names and what the webhook says of it */
	if (!r.code && (json_array_size(r.skipped_images) || r.abandon)) {
		json_decref(desired);
		if (!(desired = not_injected(&r, req->pod)))
			goto out;
	}
	if (!r.code && !json_array_size(r.skipped_images) && req->op == WH_OP_CREATE &&
	    set_audit_annotation(&r, desired) != 0)
		goto out;
	rc = finish(&r, req->pod, desired, res);
out:
	if (rc != 0)
		mutate_result_free(res);
	json_decref(desired);
	json_decref(r.warnings);
	json_decref(r.skipped_images);
	json_decref(r.from_image);
	json_decref(r.from_image_before);
	for (size_t i = 0; i < r.ncopies; i++)
		json_decref(r.copies[i].containers);
	free(r.copies);
	if (r.groups != r.groups_buf)
		free(r.groups);
	free(r.groups_text);
	return rc;
}

void mutate_result_free(struct wh_result *res)
{
	json_decref(res->patch);
	json_decref(res->warnings);
	free(res->message);
	memset(res, 0, sizeof(*res));
}

/* Adds ctr's image to images when ctr sets no command (or raises its
 * "always"). -1 when out of memory. */
static int need_image(json_t *images, const json_t *ctr)
{
	const json_t *command = json_object_get(ctr, "command");
	const json_t *image = json_object_get(ctr, "image");
	const char *name = json_string_value(json_object_get(ctr, "name"));
	const char *policy = json_string_value(json_object_get(ctr, "imagePullPolicy"));
	bool always = policy && strcmp(policy, "Always") == 0;
	size_t j;
	json_t *have;

	if (!json_is_string(image) ||
	    (command && !json_is_null(command) && !json_is_array(command)) ||
	    json_array_size(command) > 0 || (name && parts_reserved_name(name)))
		return 0;
	json_array_foreach(images, j, have)
		if (json_equal(json_object_get(have, "image"), image)) {
			if (always)
				return json_object_set_new(have, "always", json_true());
			return 0;
		}
	return json_array_append_new(images,
				     json_pack("{s:O, s:b}", "image", image, "always", always));
}

/* Whether a container of list has that name. */
static bool named_in(const json_t *list, const json_t *name)
{
	size_t i;
	const json_t *ctr;

	json_array_foreach(list, i, ctr)
		if (json_equal(json_object_get(ctr, "name"), name))
			return true;
	return false;
}

json_t *mutate_images_needed(const struct wh_request *req)
{
	json_t *images = json_array(), *spec = json_object_get(req->pod, "spec");
	const json_t *old =
		json_object_get(json_object_get(req->old_pod, "spec"), "ephemeralContainers");
	const json_t *stored = stored_pod(req);

	if (!images)
		return NULL;
	if (!json_is_object(req->pod) || req->op == WH_OP_UPDATE || mutate_is_mirror(stored) ||
	    mutate_is_windows(stored))
		return images;
	for (size_t l = 0; l < 3; l++) {
		size_t i;
		const json_t *ctr;

		/* an ephemeral containers update wraps the new ones only */
		if (req->op == WH_OP_EPHEMERAL && l != 2)
			continue;
		json_array_foreach(json_object_get(spec, container_lists[l]), i, ctr) {
			if (!(req->op == WH_OP_EPHEMERAL &&
			      named_in(old, json_object_get(ctr, "name"))) &&
			    need_image(images, ctr) != 0) {
				json_decref(images);
				return NULL;
			}
		}
	}
	return images;
}

const char *mutate_mode_name(enum wh_mode mode)
{
	switch (mode) {
	case WH_MODE_REFUSE:
		return "refuse";
	case WH_MODE_AUDIT:
		return "audit";
	case WH_MODE_ENFORCE:
	default:
		return "enforce";
	}
}

int mutate_mode_parse(const char *text, enum wh_mode *mode)
{
	static const enum wh_mode all[] = {WH_MODE_ENFORCE, WH_MODE_REFUSE, WH_MODE_AUDIT};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(text, mutate_mode_name(all[i])) == 0) {
			*mode = all[i];
			return 0;
		}
	return -1;
}

const char *mutate_outcome_name(enum wh_outcome outcome)
{
	static const char *const names[WH_OUTCOMES] = {[WH_INJECTED] = "injected",
						       [WH_UNCHANGED] = "unchanged",
						       [WH_SKIPPED] = "skipped",
						       [WH_DENIED] = "denied",
						       [WH_WOULD_DENY] = "would_deny"};

	return outcome < WH_OUTCOMES ? names[outcome] : "error";
}
