/* A pod update (UPDATE pods, no subresource): what the webhook put in the
 * pod stays as it put it, and a container whose command it read from its
 * image keeps that image (mutate_int.h). The API server lets an update
 * change metadata, the images of containers and init containers,
 * activeDeadlineSeconds, tolerations and scheduling gates; the commands,
 * mounts, volumes and probes the webhook writes are immutable already, and
 * are compared all the same. Nothing is patched: allowed or denied. */
#include <string.h>

#include "mutate_int.h"

static const char *const lists[] = {"initContainers", "containers"};

/* The member of two objects that differs first ("image"), or "". */
static const char *first_difference(const json_t *a, const json_t *b)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)a, key, v)
		if (!json_equal(v, json_object_get(b, key)))
			return key;
	json_object_foreach((json_t *)b, key, v)
		if (!json_object_get(a, key))
			return key;
	return "";
}

/* The container of list named name, and its index. */
static const json_t *named(const json_t *list, const char *name, size_t *index)
{
	size_t i;
	const json_t *ctr;

	json_array_foreach(list, i, ctr) {
		const char *n = json_string_value(json_object_get(ctr, "name"));

		if (n && strcmp(n, name) == 0) {
			*index = i;
			return ctr;
		}
	}
	return NULL;
}

static bool same(const json_t *a, const json_t *b)
{
	return (!a && !b) || json_equal(a, b);
}

static void check_annotations(struct run *r, const json_t *pod, const json_t *old)
{
	static const char *const ours[] = {WH_ANNOTATION, WH_SKIP_ANNOTATION, WH_AUDIT_ANNOTATION};
	const json_t *now = json_object_get(json_object_get(pod, "metadata"), "annotations");
	const json_t *was = json_object_get(json_object_get(old, "metadata"), "annotations");

	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
		const json_t *a = json_object_get(now, ours[i]), *b = json_object_get(was, ours[i]);

		if (!same(a, b))
			forbidden(r,
				  "metadata.annotations[%s] is written by strict-groups-webhook "
				  "alone: an update cannot %s it",
				  ours[i],
				  !b         ? "add" :
					  !a ? "remove" :
					       "change");
	}
}

/* The installers: their image runs as root with CAP_SETFCAP over the
 * volume the copies live in. */
static void check_installers(struct run *r, const json_t *spec, const json_t *old_spec)
{
	const json_t *inits = json_object_get(spec, "initContainers");
	const json_t *old_inits = json_object_get(old_spec, "initContainers");
	size_t i, j;
	const json_t *ctr;

	json_array_foreach(old_inits, i, ctr) {
		const char *name = json_string_value(json_object_get(ctr, "name"));
		const json_t *now;
		char n[NAME_SHOWN + 4];

		if (!name || !parts_reserved_name(name))
			continue;
		message_shown(n, sizeof(n), name);
		now = named(inits, name, &j);
		if (!now)
			forbidden(r, "spec.initContainers: the installer %s cannot be removed", n);
		else if (!json_equal(ctr, now))
			forbidden(r,
				  "spec.initContainers[%zu].%s: the installer %s cannot change (it "
				  "runs as root and writes the copies' file capability)",
				  j, first_difference(ctr, now), n);
	}
	json_array_foreach(inits, i, ctr) {
		const char *name = json_string_value(json_object_get(ctr, "name"));
		char n[NAME_SHOWN + 4];

		if (!name || !parts_reserved_name(name) || named(old_inits, name, &j))
			continue;
		message_shown(n, sizeof(n), name);
		forbidden(r, "spec.initContainers[%zu]: an update cannot add an installer (%s)", i,
			  n);
	}
}

static const json_t *volume(const json_t *spec)
{
	size_t i;
	const json_t *v;

	json_array_foreach(json_object_get(spec, "volumes"), i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));

		if (name && strcmp(name, WH_VOLUME) == 0)
			return v;
	}
	return NULL;
}

/* Whether the webhook wrapped ctr: its command runs a copy. */
static bool wrapped(const json_t *ctr)
{
	const char *first = json_string_value(json_array_get(json_object_get(ctr, "command"), 0));
	struct copy c;
	unsigned int depth;

	return first && parts_parse_copy_path(first, &c, &depth) == 0;
}

/* The containers the webhook wrapped: their command, mounts, probes and
 * hooks as it wrote them, and the image of one whose command came from it. */
static void check_containers(struct run *r, const json_t *spec, const json_t *old_spec,
			     const json_t *names)
{
	static const char *const written[] = {"command",        "volumeMounts", "livenessProbe",
					      "readinessProbe", "startupProbe", "lifecycle"};

	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		const json_t *list = json_object_get(spec, lists[l]);
		size_t i, j;
		const json_t *ctr;

		json_array_foreach(json_object_get(old_spec, lists[l]), i, ctr) {
			const char *name = json_string_value(json_object_get(ctr, "name"));
			const json_t *now;
			char n[NAME_SHOWN + 4];

			if (!name || !wrapped(ctr) || !(now = named(list, name, &j)))
				continue;
			message_shown(n, sizeof(n), name);
			for (size_t k = 0; k < sizeof(written) / sizeof(written[0]); k++)
				if (!same(json_object_get(ctr, written[k]),
					  json_object_get(now, written[k])))
					forbidden(
						r,
						"spec.%s[%zu].%s: what strict-groups-webhook wrote "
						"in container %s cannot change",
						lists[l], j, written[k], n);
			if (parts_listed(names, name) &&
			    !same(json_object_get(ctr, "image"), json_object_get(now, "image")))
				forbidden(
					r,
					"spec.%s[%zu].image: container %s runs the ENTRYPOINT and "
					"CMD the webhook read from its image when the pod was "
					"created; another image would start with those: recreate "
					"the pod",
					lists[l], j, n);
		}
	}
}

void update_check(struct run *r, const json_t *pod, const json_t *old)
{
	const json_t *spec = json_object_get(pod, "spec");
	const json_t *old_spec = json_object_get(old, "spec");
	json_t *names;

	if (!json_is_object(old) || !json_is_object(old_spec)) {
		malformed(r, "an update without the stored pod (oldObject)");
		return;
	}
	check_annotations(r, pod, old);
	check_installers(r, spec, old_spec);
	if (!same(volume(spec), volume(old_spec)))
		forbidden(r, "spec.volumes: the volume " WH_VOLUME " cannot change");
	names = parts_annotated_from_image(old);
	check_containers(r, spec, old_spec, names);
	json_decref(names);
}
