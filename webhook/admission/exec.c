/* kubectl exec and cp: the PodExecOptions of a CONNECT pods/exec review,
 * wrapped with the target container's sealed copy (exec.h). */
#include "exec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsondiff.h"
#include "mutate_int.h"
#include "webhook/image/imageref.h"

static const char *const lists[] = {"containers", "initContainers", "ephemeralContainers"};

/* Whether two image references name the same repository (registry and
 * path; tag and digest aside): the installer's and --image. A reference
 * that does not parse must equal the other as written. */
static bool same_repository(const char *a, const char *b)
{
	struct imageref *ra = calloc(2, sizeof(*ra));
	bool same;

	if (!ra)
		return false;
	if (imageref_parse(a, &ra[0], NULL, 0) != 0 || imageref_parse(b, &ra[1], NULL, 0) != 0)
		same = strcmp(a, b) == 0;
	else
		same = strcmp(ra[0].domain, ra[1].domain) == 0 &&
			strcmp(ra[0].path, ra[1].path) == 0;
	free(ra);
	return same;
}

/* The installer of copy c as the webhook writes it for this pod, in the
 * mode, no_new_privs and lock its command names: equal to the pod's, name
 * and command (both immutable). *mode: the mode it seals. */
static bool installer_is_ours(const struct wh_settings *settings, const json_t *pod,
			      const json_t *installer, const struct copy *c, enum wh_mode *mode)
{
	struct wh_settings s = *settings;
	struct wh_request req = {.op = WH_OP_CREATE, .pod = pod};
	struct run r = {.s = &s, .req = &req};
	const json_t *command = json_object_get(installer, "command"), *arg;
	const char *image = json_string_value(json_object_get(installer, "image"));
	json_t *expected = NULL;
	bool ours = false, mode_set = false;
	size_t i;

	if (!image || !settings->image || !same_repository(image, settings->image))
		return false;
	json_array_foreach(command, i, arg) {
		const char *a = json_string_value(arg);

		if (a && has_prefix(a, "--mode=") &&
		    mutate_mode_parse(a + strlen("--mode="), &r.mode) == 0)
			mode_set = true;
		if (a && has_prefix(a, "--no-new-privs="))
			s.no_new_privs = strcmp(a, "--no-new-privs=1") == 0;
		if (a && strcmp(a, "--lock=1") == 0)
			r.lock = true;
	}
	if (!mode_set)
		return false;
	s.mode = r.mode;
	if (podread_groups(&r, json_object_get(pod, "spec")) == 0 && !r.code && !r.oom &&
	    (expected = parts_installer(&r, c)) != NULL)
		ours = json_equal(json_object_get(expected, "name"),
				  json_object_get(installer, "name")) &&
			json_equal(json_object_get(expected, "command"), command);
	*mode = r.mode;
	json_decref(expected);
	if (r.groups != r.groups_buf)
		free(r.groups);
	free(r.groups_text);
	return ours;
}

/* The pod's WH_VOLUME is the webhook's: an emptyDir and nothing else. */
static bool volume_is_ours(const json_t *spec)
{
	size_t i;
	const json_t *v;

	json_array_foreach(json_object_get(spec, "volumes"), i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));

		if (name && strcmp(name, WH_VOLUME) == 0)
			return json_object_size(v) == 2 &&
				json_is_object(json_object_get(v, "emptyDir"));
	}
	return false;
}

static bool is_set(const json_t *v)
{
	return v && !json_is_null(v) && !(json_is_string(v) && !*json_string_value(v));
}

/* ctr mounts WH_VOLUME read-only at mount (the folder of the copy its
 * command runs), whole (no subPath), and nothing else at or below
 * WH_MOUNT_PATH; below WH_MOUNT_PATH, as the webhook mounts the copies, that
 * mount is deeper than every other of the container (then mounted last);
 * every other container but the installers mounts WH_VOLUME read-only if
 * at all. */
static bool mounts_are_ours(const json_t *spec, const json_t *ctr, const char *mount,
			    unsigned int depth)
{
	const char *tpath = json_string_value(json_object_get(ctr, "terminationMessagePath"));
	bool mounted = false;
	size_t i;
	const json_t *m;

	if (depth > 1 && tpath && *tpath && parts_path_depth(tpath) >= depth)
		return false;
	json_array_foreach(json_object_get(ctr, "volumeMounts"), i, m) {
		const char *vol = json_string_value(json_object_get(m, "name"));
		const char *path = json_string_value(json_object_get(m, "mountPath"));

		if (!vol || !path)
			return false;
		if (strcmp(vol, WH_VOLUME) == 0 && strcmp(path, mount) == 0 &&
		    json_is_true(json_object_get(m, "readOnly")) &&
		    !is_set(json_object_get(m, "subPath")) &&
		    !is_set(json_object_get(m, "subPathExpr")))
			mounted = true;
		else if (parts_reaches_mount(path) ||
			 (depth > 1 && parts_path_depth(path) >= depth))
			return false;
	}
	json_array_foreach(json_object_get(ctr, "volumeDevices"), i, m) {
		const char *path = json_string_value(json_object_get(m, "devicePath"));

		if (!path || parts_reaches_mount(path))
			return false;
	}
	for (size_t l = 0; l < 3; l++) {
		const json_t *c;
		size_t j;

		json_array_foreach(json_object_get(spec, lists[l]), j, c) {
			const char *name = json_string_value(json_object_get(c, "name"));

			if (l == 1 && name && parts_reserved_name(name))
				continue;
			json_array_foreach(json_object_get(c, "volumeMounts"), i, m) {
				const char *vol = json_string_value(json_object_get(m, "name"));

				if (vol && strcmp(vol, WH_VOLUME) == 0 &&
				    !json_is_true(json_object_get(m, "readOnly")))
					return false;
			}
		}
	}
	return mounted;
}

const char *exec_wrapped_copy(const struct wh_settings *settings, const json_t *pod,
			      const json_t *ctr, char *buf, size_t cap, const char **why)
{
	const json_t *spec = json_object_get(pod, "spec"),
		     *command = json_object_get(ctr, "command");
	const char *first = json_string_value(json_array_get(command, 0));
	const char *second = json_string_value(json_array_get(command, 1));
	const json_t *installer = NULL, *init;
	char key[32], name[64], *mount;
	enum wh_mode mode = WH_MODE_ENFORCE;
	struct copy c;
	unsigned int depth;
	bool mounted;
	size_t i;

	if (!first || parts_parse_copy_path(first, &c, &depth) != 0 || !second ||
	    strcmp(second, "--") != 0) {
		*why = "its command does not start with a sealed strict-init";
		return NULL;
	}
	parts_copy_key(&c, key, sizeof(key));
	snprintf(name, sizeof(name), WH_INSTALLER_PREFIX "%s", key);
	json_array_foreach(json_object_get(spec, "initContainers"), i, init)
		if (json_is_string(json_object_get(init, "name")) &&
		    strcmp(json_string_value(json_object_get(init, "name")), name) == 0)
			installer = init;
	if (!installer) {
		*why = "the pod has no installer of the copy its command starts";
		return NULL;
	}
	if (!installer_is_ours(settings, pod, installer, &c, &mode)) {
		*why = "the installer of its copy is not the one strict-groups-webhook writes for this "
		       "pod";
		return NULL;
	}
	mount = parts_mount_path(depth);
	mounted = mount && mounts_are_ours(spec, ctr, mount, depth);
	free(mount);
	if (!volume_is_ours(spec) || !mounted) {
		*why = "the volume " WH_VOLUME " or its mounts are not the webhook's";
		return NULL;
	}
	if (mode == WH_MODE_AUDIT && settings->mode != WH_MODE_AUDIT) {
		*why = "its copy is sealed in audit mode, and the namespace is no longer in audit mode";
		return NULL;
	}
	snprintf(buf, cap, "%s", first);
	return buf;
}

/* text, cut to fit cap, every byte that is not printable ASCII as '?'. */
static void printable(char *dst, size_t cap, const char *text)
{
	size_t n = 0;

	for (; text[n] && n + 1 < cap; n++) {
		dst[n] = text[n];
		if (text[n] < 0x20 || text[n] >= 0x7f)
			dst[n] = '?';
	}
	dst[n] = '\0';
}

/* No container named and several: the API server's own words, naming
 * them. */
static void name_them(struct run *r, const json_t *spec, const char *pod_shown)
{
	static const char *const intro[] = {
		"", " or one of the init containers:", " or one of the ephemeral containers:"};
	char text[MESSAGE_MAX], n[NAME_SHOWN + 4];
	size_t len = 0, i;
	const json_t *c;

	message_append(text, sizeof(text), &len,
		       "a container name must be specified for pod %s, choose one of:", pod_shown);
	for (size_t l = 0; l < 3; l++) {
		if (l > 0 && json_array_size(json_object_get(spec, lists[l])) == 0)
			continue;
		message_append(text, sizeof(text), &len, "%s [", intro[l]);
		json_array_foreach(json_object_get(spec, lists[l]), i, c) {
			const char *name = json_string_value(json_object_get(c, "name"));

			message_shown(n, sizeof(n), name ? name : "");
			message_append(text, sizeof(text), &len, "%s%s", i ? " " : "", n);
		}
		message_append(text, sizeof(text), &len, "]");
	}
	malformed(r, "%s", text);
}

/* The container the session runs in: options.container, or the pod's only
 * container (*defaulted). NULL when there is none (said). */
static const json_t *target(struct run *r, const json_t *spec, const char *wanted,
			    const char *pod_shown, bool *defaulted)
{
	const json_t *containers = json_object_get(spec, "containers"), *c;
	char n[NAME_SHOWN + 4];
	size_t i;

	*defaulted = false;
	if (!wanted || !*wanted) {
		if (json_array_size(containers) == 1 &&
		    json_is_string(json_object_get(json_array_get(containers, 0), "name"))) {
			*defaulted = true;
			return json_array_get(containers, 0);
		}
		name_them(r, spec, pod_shown);
		return NULL;
	}
	for (size_t l = 0; l < 3; l++)
		json_array_foreach(json_object_get(spec, lists[l]), i, c) {
			const char *name = json_string_value(json_object_get(c, "name"));

			if (name && strcmp(name, wanted) == 0)
				return c;
		}
	message_shown(n, sizeof(n), wanted);
	malformed(r, "container %s is not valid for pod %s", n, pod_shown);
	return NULL;
}

/* options with command = [copy, "--", command...] (unless it starts so
 * already) and, when defaulted, the container named. NULL when out of
 * memory. */
static json_t *wrapped_options(const json_t *options, const json_t *command, const char *copy,
			       const json_t *ctr, bool defaulted)
{
	json_t *desired = json_deep_copy(options), *wrapped;
	const char *first = json_string_value(json_array_get(command, 0));
	const char *second = json_string_value(json_array_get(command, 1));

	if (!desired)
		return NULL;
	if (defaulted && json_object_set(desired, "container", json_object_get(ctr, "name")) != 0)
		goto oom;
	if (first && strcmp(first, copy) == 0 && second && strcmp(second, "--") == 0)
		return desired; /* a reinvocation, or a user who wrote it out */
	wrapped = json_pack("[s, s]", copy, "--");
	if (!wrapped || json_array_extend(wrapped, (json_t *)command) != 0 ||
	    json_object_set_new(desired, "command", wrapped) != 0)
		goto oom;
	return desired;
oom:
	json_decref(desired);
	return NULL;
}

static int decide(struct run *r, const struct wh_exec_request *req, json_t **desired)
{
	const json_t *options = req->options, *spec, *ctr;
	json_t *command, *container;
	char pod_shown[2 * NAME_SHOWN + 8], ns[NAME_SHOWN + 4], name[NAME_SHOWN + 4], path[128],
		ctr_shown[NAME_SHOWN + 4];
	const char *copy, *why = NULL;
	bool defaulted;

	message_shown(ns, sizeof(ns), req->ns ? req->ns : "");
	message_shown(name, sizeof(name), req->name ? req->name : "");
	snprintf(pod_shown, sizeof(pod_shown), "%s/%s", ns, name);
	if (!json_is_object(options)) {
		malformed(r, "the review's object is not a PodExecOptions");
		return 0;
	}
	if (podread_array(options, "command", &command) != 0 || !podread_strings(command) ||
	    json_array_size(command) == 0) {
		malformed(r, "PodExecOptions.command is not a non-empty list of strings");
		return 0;
	}
	if (podread_member(options, "container", JSON_STRING, &container) != 0) {
		malformed(r, "PodExecOptions.container is not a string");
		return 0;
	}
	if (!req->pod) {
		char err[200];

		printable(err, sizeof(err), req->pod_error ? req->pod_error : "not read");
		problem(r,
			"pod %s could not be read from the API server (%s), so strict-groups-webhook "
			"cannot tell whether the session would start through strict-init",
			pod_shown, err);
		return 0;
	}
	spec = json_object_get(req->pod, "spec");
	if (!json_is_object(spec)) {
		malformed(r, "the API server's pod %s has no spec", pod_shown);
		return 0;
	}
	if (mutate_is_windows(req->pod))
		return 0; /* no supplementary groups to strip: as at its creation */
	ctr = target(r, spec, json_string_value(container), pod_shown, &defaulted);
	if (!ctr)
		return 0;
	message_shown(ctr_shown, sizeof(ctr_shown),
		      json_string_value(json_object_get(ctr, "name")));
	copy = exec_wrapped_copy(r->s, req->pod, ctr, path, sizeof(path), &why);
	if (!copy && mutate_is_mirror(req->pod))
		why = "a static pod's mirror: kubelet runs it from a file on the node, which the "
		      "webhook never sees";
	if (!copy) {
		if (r->s->exec_unwrapped_allow)
			warn(r,
			     "container %s of pod %s does not start through strict-init (%s): the "
			     "session holds every group the image gives (--exec-unwrapped=allow)",
			     ctr_shown, pod_shown, why);
		else
			problem(r,
				"container %s of pod %s does not start through strict-init (%s), so "
				"a session there would hold every group the image gives: recreate "
				"the pod (delete it, and its controller makes a new one through the "
				"webhook), or an admin sets --exec-unwrapped=allow",
				ctr_shown, pod_shown, why);
		return 0;
	}
	*desired = wrapped_options(options, command, copy, ctr, defaulted);
	return *desired ? 0 : -1;
}

int exec_review(const struct wh_settings *settings, const struct wh_exec_request *req,
		struct wh_result *res)
{
	struct run r = {.s = settings, .mode = settings->mode};
	json_t *desired = NULL;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	r.warnings = json_array();
	if (!r.warnings || decide(&r, req, &desired) != 0 || r.oom)
		goto out;
	res->warnings = r.warnings;
	r.warnings = NULL;
	if (r.code) {
		res->outcome = WH_DENIED;
		res->code = r.code;
		res->message = strdup(r.message);
		res->patch = json_array();
		rc = res->message && res->patch ? 0 : -1;
		goto out;
	}
	if (r.would_deny_len) {
		/* audit mode: allowed unchanged, and what enforce would say */
		res->outcome = WH_WOULD_DENY;
		res->message = strdup(r.would_deny);
		res->patch = json_array();
		rc = res->message && res->patch ? 0 : -1;
		goto out;
	}
	if (!desired) {
		/* allowed unchanged: a windows pod, or --exec-unwrapped=allow */
		res->outcome = WH_SKIPPED;
		res->message = strdup(json_string_value(json_array_get(res->warnings, 0)) ?
					      json_string_value(json_array_get(res->warnings, 0)) :
					      "a windows pod (spec.os.name)");
		res->patch = json_array();
		rc = res->message && res->patch ? 0 : -1;
		goto out;
	}
	res->patch = jsondiff_patch(req->options, desired);
	if (res->patch) {
		res->outcome = json_array_size(res->patch) ? WH_INJECTED : WH_UNCHANGED;
		rc = 0;
	}
out:
	if (rc != 0)
		mutate_result_free(res);
	json_decref(desired);
	json_decref(r.warnings);
	return rc;
}
