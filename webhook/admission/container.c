/* One container wrapped: its command through the sealed copy, its mounts
 * and env checked against the seal, its image's ENTRYPOINT and CMD when it
 * sets no command (mutate_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/gidlist.h"
#include "mutate_int.h"
#include "webhook/image/imageargv.h"
#include "webhook/image/imagedigest.h"
#include "webhook/image/imageref.h"

/* The exec probes and lifecycle hooks of a container (exec_handlers). */
#define HANDLERS 5

/* The sealed value of a STRICT_GROUPS* variable for this container, as
 * strict-init compares it; NULL when the seal leaves it open. *text is set
 * for messages. Returns whether the variable contradicts the seal. */
static bool env_contradicts(const struct run *r, const struct copy *c, const char *name,
			    const char *value, char *sealed, size_t cap)
{
	if (strcmp(name, "STRICT_GROUPS") == 0) {
		size_t count, bad;
		gid_t *ids;
		bool differs = false;

		snprintf(sealed, cap, "%s", r->groups_text);
		if (gidlist_validate(value, &count, &bad) != GID_OK)
			return true;
		ids = calloc(count + 1, sizeof(*ids));
		if (!ids)
			return false; /* strict-init compares it at start */
		gidlist_fill(value, ids, count);
		for (size_t i = 0; i < count && !differs; i++)
			differs = !gidlist_sorted_contains(r->groups, r->ngroups, ids[i]);
		for (size_t i = 0; i < r->ngroups && !differs; i++)
			differs = !gidlist_contains(value, r->groups[i]);
		free(ids);
		return differs;
	}
	if (strcmp(name, "STRICT_GROUPS_MODE") == 0) {
		snprintf(sealed, cap, "%s", mutate_mode_name(r->mode));
		return strcmp(value, sealed) != 0;
	}
	if (strcmp(name, "STRICT_GROUPS_NO_NEW_PRIVS") == 0) {
		snprintf(sealed, cap, "%d", r->s->no_new_privs ? 1 : 0);
		return strcmp(value, sealed) != 0;
	}
	if (strcmp(name, "STRICT_GROUPS_USER") == 0) {
		snprintf(sealed, cap, "unset");
		return true;
	}
	if (strcmp(name, "STRICT_GROUPS_GID") == 0) {
		unsigned int gid;

		if (gidlist_parse_id(value, strlen(value), &gid) != GID_OK) {
			snprintf(sealed, cap, "a gid");
			return true;
		}
		if (c->any_gid)
			return false; /* adds a check */
		snprintf(sealed, cap, "%u", c->gid);
		return gid != c->gid;
	}
	/* Audit mode changes nothing: strict-init refuses the lock and the
	 * preload there (64), sealed or given at start. */
	if (strcmp(name, "STRICT_GROUPS_LOCK") == 0) {
		if (r->mode == WH_MODE_AUDIT) {
			snprintf(sealed, cap, "audit mode: 0 or unset");
			return strcmp(value, "0") != 0;
		}
		snprintf(sealed, cap, "%s", r->lock ? "1" : "unset (0 or 1 at start)");
		return r->lock ? strcmp(value, "1") != 0 :
				 strcmp(value, "0") != 0 && strcmp(value, "1") != 0;
	}
	if (strcmp(name, "STRICT_GROUPS_PRELOAD") == 0 && r->mode == WH_MODE_AUDIT) {
		snprintf(sealed, cap, "audit mode: unset");
		return true;
	}
	return false; /* STRICT_GROUPS_PRELOAD: left open; other names: unknown to it */
}

/* The pod's env cannot switch the seal: a literal value that contradicts it
 * would make strict-init refuse to start (exit 77), so it is refused here,
 * where the author sees why. */
static void check_env(struct run *r, const struct copy *c, const char *who, const json_t *ctr,
		      bool *ok)
{
	json_t *env;
	size_t i;
	const json_t *e;

	if (podread_array(ctr, "env", &env) != 0) {
		malformed(r, "%s: env is not a list", who);
		*ok = false;
		return;
	}
	json_array_foreach(env, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		const json_t *value = json_object_get(e, "value");
		char sealed[128], shown_value[NAME_SHOWN + 4];
		const char *text;

		if (!json_is_object(e) || !name) {
			malformed(r, "%s: env[%zu] has no name", who, i);
			*ok = false;
			return;
		}
		if (!has_prefix(name, "STRICT_GROUPS"))
			continue;
		if (json_object_get(e, "valueFrom") &&
		    !json_is_null(json_object_get(e, "valueFrom"))) {
			warn(r,
			     "%s: env %s comes from valueFrom: strict-init refuses to start if it "
			     "contradicts the sealed policy",
			     who, name);
			continue;
		}
		if (value && !json_is_null(value) && !json_is_string(value)) {
			malformed(r, "%s: env %s is not a string", who, name);
			*ok = false;
			return;
		}
		text = json_is_string(value) ? json_string_value(value) : "";
		message_shown(shown_value, sizeof(shown_value), text);
		if (env_contradicts(r, c, name, text, sealed, sizeof(sealed))) {
			problem(r, "%s: env %s=%s contradicts the sealed policy (%s)", who, name,
				shown_value, sealed);
			*ok = false;
		}
	}
}

static bool is_setgid_cap(const char *cap, bool all_counts)
{
	if (strncasecmp(cap, "CAP_", 4) == 0)
		cap += 4;
	return strcasecmp(cap, "SETGID") == 0 || (all_counts && strcasecmp(cap, "ALL") == 0);
}

static bool list_has_setgid(const json_t *caps, const char *key)
{
	json_t *list = json_object_get(caps, key);
	size_t i;
	const json_t *v;

	json_array_foreach(list, i, v)
		if (json_is_string(v) && is_setgid_cap(json_string_value(v), true))
			return true;
	return false;
}

bool container_may_setgid(const json_t *ctr)
{
	const json_t *sc = json_object_get(ctr, "securityContext");
	const json_t *caps = json_object_get(sc, "capabilities");

	return json_is_true(json_object_get(sc, "privileged")) || !list_has_setgid(caps, "drop") ||
		list_has_setgid(caps, "add");
}

/* strict-init drops groups with CAP_SETGID from its file capability, which
 * needs the capability in the bounding set; it never gets one it lacks. */
static void check_setgid(struct run *r, const char *who, const json_t *sc)
{
	json_t *caps = json_object_get(sc, "capabilities");

	if (r->mode != WH_MODE_ENFORCE || json_is_true(json_object_get(sc, "privileged")) ||
	    !json_is_object(caps))
		return;
	if (list_has_setgid(caps, "drop") && !list_has_setgid(caps, "add"))
		warn(r,
		     "%s drops CAP_SETGID: strict-init will refuse to start it if its image "
		     "adds a group (add SETGID, or use mode refuse)",
		     who);
}

/* A mount path of the pod's (or kubelet's terminationMessagePath) that
 * would land on the copies, said; its depth raises *deepest. */
static void check_path(struct run *r, const char *who, const char *what, const char *vol,
		       const char *path, unsigned int *deepest, bool *ok)
{
	char v[NAME_SHOWN + 4], p[NAME_SHOWN + 4];
	unsigned int depth = parts_path_depth(path);

	message_shown(v, sizeof(v), vol ? vol : "");
	message_shown(p, sizeof(p), path);
	if (parts_reaches_mount(path)) {
		if (vol)
			problem(r,
				"%s mounts volume %s at %s, over " WH_MOUNT_PATH
				" (reserved for strict-init)",
				who, v, p);
		else
			problem(r,
				"%s puts its %s at %s, over " WH_MOUNT_PATH
				" (reserved for strict-init)",
				who, what, p);
		*ok = false;
	} else if (depth + 1 > WH_MAX_DEPTH) {
		problem(r,
			"%s: %s %s%s%s is %u or more levels deep: strict-init's copies are mounted "
			"below every other mount, at most %u deep",
			who, what, vol ? v : "", vol ? " at " : "", p, depth, WH_MAX_DEPTH);
		*ok = false;
	}
	if (depth > *deepest)
		*deepest = depth;
}

/* The container's mounts but the webhook's own (*kept), checked; *deepest:
 * the depth of the deepest (the runtime's own are WH_MIN_DEPTH - 1). */
static int check_mounts(struct run *r, const char *who, json_t *ctr, json_t **kept, bool *ok,
			unsigned int *deepest)
{
	json_t *mounts, *devices, *ours;
	const json_t *tpath = json_object_get(ctr, "terminationMessagePath");
	size_t i;
	json_t *m;

	*deepest = WH_MIN_DEPTH - 1;
	*kept = json_array();
	ours = json_array();
	if (!*kept || !ours) {
		json_decref(ours);
		return -1;
	}
	if (podread_array(ctr, "volumeMounts", &mounts) != 0 ||
	    podread_array(ctr, "volumeDevices", &devices) != 0) {
		malformed(r, "%s: volumeMounts or volumeDevices is not a list", who);
		*ok = false;
		goto out;
	}
	if (tpath && !json_is_null(tpath) && !json_is_string(tpath)) {
		malformed(r, "%s: terminationMessagePath is not a string", who);
		*ok = false;
		goto out;
	}
	json_array_foreach(mounts, i, m) {
		const char *vol = json_string_value(json_object_get(m, "name"));
		const char *path = json_string_value(json_object_get(m, "mountPath"));

		if (!json_is_object(m) || !vol || !path) {
			malformed(r, "%s: volumeMounts[%zu] needs a name and a mountPath", who, i);
			*ok = false;
			goto out;
		}
		if (strcmp(vol, WH_VOLUME) == 0) {
			if (json_array_append(ours, m) != 0)
				goto oom;
			continue;
		}
		check_path(r, who, "volume", vol, path, deepest, ok);
		if (json_array_append(*kept, m) != 0)
			goto oom;
	}
	json_array_foreach(devices, i, m) {
		const char *path = json_string_value(json_object_get(m, "devicePath"));

		if (!path) {
			malformed(r, "%s: volumeDevices[%zu] has no devicePath", who, i);
			*ok = false;
			goto out;
		}
		/* a device node is made after the mounts, never mounted over
		 * them: only its path is checked */
		if (parts_reaches_mount(path)) {
			char p[NAME_SHOWN + 4];

			message_shown(p, sizeof(p), path);
			problem(r,
				"%s puts a device at %s, over " WH_MOUNT_PATH
				" (reserved for strict-init)",
				who, p);
			*ok = false;
		}
	}
	/* kubelet mounts a file there */
	if (json_string_length(tpath) > 0)
		check_path(r, who, "terminationMessagePath", NULL, json_string_value(tpath),
			   deepest, ok);
	/* a pod's own mount of the reserved volume: replaced, said */
	json_array_foreach(ours, i, m) {
		json_t *want = parts_copy_mount(*deepest + 1);

		if (!want)
			goto oom;
		if (!json_equal(m, want))
			warn(r,
			     "%s: its mount of volume " WH_VOLUME " (reserved) is replaced by "
			     "the webhook's",
			     who);
		json_decref(want);
	}
out:
	json_decref(ours);
	return 0;
oom:
	json_decref(ours);
	return -1;
}

/* The command the container runs without the webhook: its own, or, when
 * the webhook wrapped it before (reinvocation), what follows the "--"
 * (maybe nothing: an image without ENTRYPOINT, whose argv is all in args).
 * *out is NULL when it sets none. Returns -1 only when out of memory. */
static int original_command(const json_t *command, json_t **out)
{
	const char *first = json_string_value(json_array_get(command, 0));
	const char *second = json_string_value(json_array_get(command, 1));
	struct copy c;
	unsigned int depth;

	*out = NULL;
	if (json_array_size(command) == 0)
		return 0;
	if (!first || parts_parse_copy_path(first, &c, &depth) != 0 || !second ||
	    strcmp(second, "--") != 0) {
		*out = json_incref((json_t *)command);
		return 0;
	}
	*out = json_array();
	for (size_t i = 2; *out && i < json_array_size(command); i++)
		if (json_array_append(*out, json_array_get(command, i)) != 0) {
			json_decref(*out);
			*out = NULL;
		}
	return *out ? 0 : -1;
}

static json_t *strv_json(const struct image_strv *v)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < v->n; i++)
		if (json_array_append_new(a, json_string(v->v[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static const struct wh_image_config *find_image(const struct run *r, const char *image)
{
	for (size_t i = 0; i < r->req->n_images; i++)
		if (r->req->images[i].image && strcmp(r->req->images[i].image, image) == 0)
			return &r->req->images[i];
	return NULL;
}

/* A lookup that failed: denied, or with --on-lookup-failure=skip the pod
 * is admitted unchanged (mutate_pod), saying why. */
static void lookup_failed(struct run *r, const char *who, const char *image, const char *why)
{
	char img[NAME_SHOWN + 4];

	message_shown(img, sizeof(img), image);
	if (!r->s->skip_on_lookup_failure) {
		char detail[MESSAGE_MAX];

		snprintf(detail, sizeof(detail), ": %s", why);
		problem_because(r, detail,
				"%s sets no command, and what its image runs could not be read",
				who);
		return;
	}
	warn(r, "%s: %s: the pod is admitted without strict-init (--on-lookup-failure=skip)", who,
	     why);
	if (json_array_append_new(r->skipped_images, json_string(img)) != 0)
		r->oom = true;
}

/* A valid reference without a digest, its tag replaced by digest
 * ("name:tag" -> "name@sha256:..."), the registry and repository spelled as
 * the pod spells them. NULL when out of memory. */
static char *pinned_image(const char *image, const char *digest)
{
	const char *slash = strrchr(image, '/'), *tag;
	size_t keep;
	char *out;

	tag = strchr(slash ? slash : image, ':');
	keep = tag ? (size_t)(tag - image) : strlen(image);
	out = malloc(keep + 1 + strlen(digest) + 1);
	if (out)
		sprintf(out, "%.*s@%s", (int)keep, image, digest);
	return out;
}

/* For a container that sets no command: what its image runs, from the
 * lookup the caller made. *entrypoint: the escaped ENTRYPOINT (maybe
 * empty), to follow "--"; *cmd: the escaped CMD for args, or NULL to keep
 * the pod's args; *pinned: the image pinned to its digest, or NULL to keep
 * it. All NULL when the container cannot be wrapped (said). Returns -1
 * only when out of memory. */
static int from_image(struct run *r, const char *who, const json_t *ctr, size_t n_args,
		      json_t **entrypoint, json_t **cmd, char **pinned)
{
	const char *image = json_string_value(json_object_get(ctr, "image"));
	const struct wh_image_config *found = image ? find_image(r, image) : NULL;
	const struct imageconfig *cfg = found ? found->config : NULL;
	struct imageargv_pod pod = {.n_args = n_args};
	struct image_strv ep = {NULL, 0}, args = {NULL, 0};
	const char *digest;
	bool set_args;
	char err[256];

	*entrypoint = *cmd = NULL;
	*pinned = NULL;
	if (!image) {
		problem(r, "%s sets no command and no image", who);
		return 0;
	}
	if (!found) {
		lookup_failed(r, who, image, "its image was not looked up");
		return 0;
	}
	if (!cfg) {
		const char *why =
			found->message && *found->message ? found->message : "lookup failed";

		if (found->error == IMAGE_ERR_PLATFORMS_DISAGREE)
			problem(r,
				"%s sets no command, and its image's platforms do not run the same "
				"thing: %s",
				who, why);
		else
			lookup_failed(r, who, image, why);
		return 0;
	}
	if (!imageargv_runs_something(&pod, cfg)) {
		problem(r,
			"%s sets no command or args and its image has no ENTRYPOINT or CMD: "
			"nothing to run",
			who);
		return 0;
	}
	digest = cfg->digest_ref ? strrchr(cfg->digest_ref, '@') : NULL;
	if (r->s->pin_digest) {
		struct imageref ref;

		if (imageref_parse(image, &ref, NULL, 0) != 0) {
			lookup_failed(r, who, image, "not an image reference it can pin");
			return 0;
		}
		if (!ref.digest[0]) {
			if (!digest || !imagedigest_valid(digest + 1, strlen(digest + 1))) {
				lookup_failed(r, who, image,
					      "the lookup named no digest to pin it to");
				return 0;
			}
			if (!(*pinned = pinned_image(image, digest + 1)))
				return -1;
		}
	}
	if (imageargv_wrap(NULL, 0, &pod, cfg, &ep, &args, &set_args, err, sizeof(err)) != 0)
		goto oom;
	*entrypoint = strv_json(&ep);
	if (!*entrypoint || (set_args && !(*cmd = strv_json(&args))))
		goto oom;
	image_strv_free(&ep);
	image_strv_free(&args);
	return 0;
oom:
	image_strv_free(&ep);
	image_strv_free(&args);
	json_decref(*entrypoint);
	json_decref(*cmd);
	free(*pinned);
	*entrypoint = *cmd = NULL;
	*pinned = NULL;
	return -1;
}

/* For a container that sets no command and no runAsGroup, whose image's
 * USER names a group ("1000:2000"): that group is not the primary gid on
 * Kubernetes. kubelet reads the image's user from the runtime's
 * ImageStatus, which keeps only the part before ":" (containerd's and
 * CRI-O's getUserFromImage), and sends it as runAsUser; the runtime then
 * takes the gid from the image's /etc/passwd (or 0). */
static const char *user_hint(const struct run *r, const json_t *ctr, const json_t *command)
{
	const char *image = json_string_value(json_object_get(ctr, "image"));
	const struct wh_image_config *found = image ? find_image(r, image) : NULL;
	struct imageconfig_user u;

	if (json_array_size(command) > 0 || !found || !found->config || !found->config->user ||
	    imageconfig_user_parse(found->config->user, &u) != 0 || !u.has_group)
		return NULL;
	return " (the group in its image's USER does not count: kubelet gives the runtime only "
	       "the user, whose gid then comes from the image's /etc/passwd)";
}

/* What kubelet runs in the container through the runtime's exec (CRI
 * ExecSync, which gives the process the container's user and groups, the
 * image's included): the exec probes and lifecycle hooks. They never pass
 * the entrypoint, so each runs through the container's copy too. */
static const struct {
	const char *parent; /* NULL: a member of the container */
	const char *member;
	const char *shown;
} exec_handlers[HANDLERS] = {
	{NULL, "livenessProbe", "livenessProbe"},
	{NULL, "readinessProbe", "readinessProbe"},
	{NULL, "startupProbe", "startupProbe"},
	{"lifecycle", "postStart", "lifecycle.postStart"},
	{"lifecycle", "preStop", "lifecycle.preStop"},
};

/* Reads the exec handlers of ctr: exec[i] the exec object of handler i (or
 * NULL), original[i] its command as written, or what follows the copy and
 * "--" when the webhook wrapped it before. Returns 0, 1 when ctr is
 * malformed (said), -1 when out of memory. */
static int read_handlers(struct run *r, const char *who, const json_t *ctr, json_t *exec[HANDLERS],
			 json_t *original[HANDLERS])
{
	for (size_t i = 0; i < HANDLERS; i++) {
		json_t *parent = (json_t *)ctr, *handler, *command;

		exec[i] = original[i] = NULL;
		if (exec_handlers[i].parent &&
		    podread_object(ctr, exec_handlers[i].parent, &parent) != 0) {
			malformed(r, "%s: %s is not an object", who, exec_handlers[i].parent);
			return 1;
		}
		if (podread_object(parent, exec_handlers[i].member, &handler) != 0 ||
		    podread_object(handler, "exec", &exec[i]) != 0) {
			malformed(r, "%s: %s is not an object", who, exec_handlers[i].shown);
			return 1;
		}
		if (!exec[i])
			continue;
		if (podread_array(exec[i], "command", &command) != 0 || !podread_strings(command)) {
			malformed(r, "%s: %s.exec.command is not a list of strings", who,
				  exec_handlers[i].shown);
			return 1;
		}
		if (original_command(command, &original[i]) != 0)
			return -1;
		if (json_array_size(original[i]) == 0) {
			malformed(r, "%s: %s.exec.command is empty", who, exec_handlers[i].shown);
			return 1;
		}
	}
	return 0;
}

static void free_handlers(json_t *original[HANDLERS])
{
	for (size_t i = 0; i < HANDLERS; i++)
		json_decref(original[i]);
}

/* [path, "--", original...]; NULL when out of memory. */
static json_t *wrapped(const char *path, const json_t *original)
{
	json_t *command = json_pack("[s, s]", path, "--");

	if (command && json_array_extend(command, (json_t *)original) != 0) {
		json_decref(command);
		return NULL;
	}
	return command;
}

/* Wraps one container (ctr is the desired pod's copy, changed in place).
 * Returns -1 only when out of memory. */
int container_wrap(struct run *r, json_t *ctr, const char *kind, size_t index)
{
	char name[NAME_SHOWN + 4], who[2 * NAME_SHOWN];
	const char *raw_name = json_string_value(json_object_get(ctr, "name"));
	json_t *sc, *command_in, *args_in, *original = NULL, *kept = NULL, *image_args = NULL;
	bool looked_up = false;
	json_t *exec[HANDLERS], *handler_original[HANDLERS] = {NULL};
	char *pinned = NULL, *mount = NULL, *path = NULL;
	bool ok = true, gid_set;
	unsigned int gid = 0, deepest;
	struct copy *c;
	char key[32];
	int rc = -1;

	if (!json_is_object(ctr) || !raw_name) {
		malformed(r, "%s %zu has no name", kind, index);
		return 0;
	}
	message_shown(name, sizeof(name), raw_name);
	snprintf(who, sizeof(who), "%s %s", kind, name);
	if (podread_object(ctr, "securityContext", &sc) != 0 ||
	    podread_id(json_object_get(sc, "runAsGroup"), &gid_set, &gid) != 0) {
		malformed(r, "%s: securityContext.runAsGroup is not a gid (0-%lld)", who, ID_MAX);
		return 0;
	}
	if (podread_array(ctr, "command", &command_in) != 0 || !podread_strings(command_in)) {
		malformed(r, "%s: command is not a list of strings", who);
		return 0;
	}
	if (podread_array(ctr, "args", &args_in) != 0 || !podread_strings(args_in)) {
		malformed(r, "%s: args is not a list of strings", who);
		return 0;
	}
	switch (read_handlers(r, who, ctr, exec, handler_original)) {
	case 0:
		break;
	case 1:
		free_handlers(handler_original);
		return 0;
	default:
		free_handlers(handler_original);
		return -1;
	}
	if (check_mounts(r, who, ctr, &kept, &ok, &deepest) != 0)
		goto out;
	if (!gid_set && r->pod_gid_set) {
		gid_set = true;
		gid = r->pod_gid;
	}
	if (!gid_set && !r->s->allow_image_gid) {
		problem_because(
			r, user_hint(r, ctr, command_in),
			"%s has no runAsGroup (nor has the pod): its image would choose the "
			"primary gid",
			who);
		if (r->s->mode != WH_MODE_AUDIT)
			ok = false;
	}
	c = parts_find_copy(r, !gid_set, gid);
	if (!c && r->copies_fixed) {
		problem(r,
			"%s needs a strict-init sealed with %s%u, which the pod's installers "
			"did not write",
			who, gid_set ? "gid " : "no gid", gid_set ? gid : 0);
		ok = false;
	}
	if (original_command(command_in, &original) != 0)
		goto out;
	if (!original) {
		if (from_image(r, who, ctr, json_array_size(args_in), &original, &image_args,
			       &pinned) != 0)
			goto out;
		if (!original)
			ok = false;
		looked_up = true;
	} else if (json_array_size(original) == 0 && json_array_size(args_in) == 0) {
		problem(r,
			"%s runs strict-init with nothing after \"--\" and no args: nothing to run",
			who);
		ok = false;
	}
	check_env(r, c ? c : &(struct copy){.any_gid = !gid_set, .gid = gid}, who, ctr, &ok);
	check_setgid(r, who, sc);
	if (!ok || r->code) {
		rc = 0;
		goto out;
	}
	if (!c && !(c = parts_add_copy(r, !gid_set, gid)))
		goto out;
	/* where its command came from, for an update of its image: the lookup,
	 * or (sent again) what the annotation said of a command wrapped */
	if ((looked_up ||
	     (json_array_size(original) < json_array_size(command_in) &&
	      parts_listed(r->from_image_before, raw_name))) &&
	    !parts_listed(r->from_image, raw_name) &&
	    json_array_append_new(r->from_image, json_string(raw_name)) != 0)
		goto out;
	/* below every other mount of the container: mounted last */
	parts_copy_key(c, key, sizeof(key));
	mount = parts_mount_path(deepest + 1);
	path = mount ? malloc(strlen(mount) + strlen("/strict-init-") + strlen(key) + 1) : NULL;
	if (!path)
		goto out;
	sprintf(path, "%s/strict-init-%s", mount, key);
	for (size_t i = 0; i < HANDLERS; i++)
		if (exec[i] &&
		    json_object_set_new(exec[i], "command", wrapped(path, handler_original[i])) !=
			    0)
			goto out;
	if (json_object_set_new(ctr, "command", wrapped(path, original)) != 0 ||
	    (image_args && json_object_set(ctr, "args", image_args) != 0) ||
	    (pinned && json_object_set_new(ctr, "image", json_string(pinned)) != 0) ||
	    json_array_append_new(kept, parts_copy_mount(deepest + 1)) != 0 ||
	    json_object_set(ctr, "volumeMounts", kept) != 0 ||
	    json_array_append_new(c->containers, json_string(raw_name)) != 0)
		goto out;
	rc = 0;
out:
	free_handlers(handler_original);
	json_decref(original);
	json_decref(image_args);
	json_decref(kept);
	free(pinned);
	free(mount);
	free(path);
	return rc;
}

/* The copy and "--" taken off the front of a command list (a list that is
 * nothing but those is removed: the container ran its image's ENTRYPOINT,
 * which was empty). 1 when changed, -1 when out of memory. */
static int unwrap(json_t *parent, const char *key)
{
	json_t *command = json_object_get(parent, key), *original;

	if (!json_is_array(command) || !podread_strings(command))
		return 0;
	if (original_command(command, &original) != 0)
		return -1;
	if (json_array_size(original) == json_array_size(command)) {
		json_decref(original);
		return 0;
	}
	if (json_array_size(original) == 0) {
		json_decref(original);
		return json_object_del(parent, key) == 0 ? 1 : -1;
	}
	return json_object_set_new(parent, key, original) == 0 ? 1 : -1;
}

int container_strip(json_t *ctr)
{
	json_t *mounts = json_object_get(ctr, "volumeMounts");
	int changed = 0, rc;

	if (!json_is_object(ctr))
		return 0;
	for (size_t i = 0; json_is_array(mounts) && i < json_array_size(mounts); i++) {
		const char *vol =
			json_string_value(json_object_get(json_array_get(mounts, i), "name"));

		if (vol && strcmp(vol, WH_VOLUME) == 0) {
			if (json_array_remove(mounts, i--) != 0)
				return -1;
			changed = 1;
		}
	}
	if ((rc = unwrap(ctr, "command")) < 0)
		return -1;
	changed |= rc;
	for (size_t i = 0; i < HANDLERS; i++) {
		json_t *parent = exec_handlers[i].parent ?
			json_object_get(ctr, exec_handlers[i].parent) :
			ctr;
		json_t *exec =
			json_object_get(json_object_get(parent, exec_handlers[i].member), "exec");

		/* a handler needs a command: one that is nothing but the copy
		 * and "--" stays, for the API server to refuse */
		if (json_array_size(json_object_get(exec, "command")) <= 2)
			continue;
		if ((rc = unwrap(exec, "command")) < 0)
			return -1;
		changed |= rc;
	}
	return changed;
}
