/* The webhook's own parts of a pod: the sealed copies, the init containers
 * that install them, the volume that holds them and its mounts, the
 * annotation (mutate_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gidlist.h"
#include "mutate_int.h"

void parts_copy_key(const struct copy *c, char *buf, size_t cap)
{
	if (c->any_gid)
		snprintf(buf, cap, "any-gid");
	else
		snprintf(buf, cap, "gid-%u", c->gid);
}

int parts_parse_key(const char *text, struct copy *c)
{
	unsigned int gid;

	memset(c, 0, sizeof(*c));
	if (strcmp(text, "any-gid") == 0) {
		c->any_gid = true;
		return 0;
	}
	if (!has_prefix(text, "gid-") ||
	    gidlist_parse_id(text + 4, strlen(text + 4), &gid) != GID_OK)
		return -1;
	c->gid = gid;
	return 0;
}

struct copy *parts_find_copy(struct run *r, bool any_gid, unsigned int gid)
{
	for (size_t i = 0; i < r->ncopies; i++)
		if (r->copies[i].any_gid == any_gid && (any_gid || r->copies[i].gid == gid))
			return &r->copies[i];
	return NULL;
}

struct copy *parts_add_copy(struct run *r, bool any_gid, unsigned int gid)
{
	struct copy *grown = realloc(r->copies, (r->ncopies + 1) * sizeof(*grown));

	if (!grown) {
		r->oom = true;
		return NULL;
	}
	r->copies = grown;
	grown[r->ncopies] =
		(struct copy){.any_gid = any_gid, .gid = gid, .containers = json_array()};
	if (!grown[r->ncopies].containers) {
		r->oom = true;
		return NULL;
	}
	return &grown[r->ncopies++];
}

static int compare_copies(const void *a, const void *b)
{
	const struct copy *x = a, *y = b;

	if (x->any_gid != y->any_gid)
		return x->any_gid ? 1 : -1;
	return (x->gid > y->gid) - (x->gid < y->gid);
}

void parts_sort_copies(struct run *r)
{
	if (r->ncopies)
		qsort(r->copies, r->ncopies, sizeof(*r->copies), compare_copies);
}

/* The mount path of the copies at that depth: WH_MOUNT_PATH, then one
 * WH_MOUNT_PAD per level below it. NULL when out of memory. */
char *parts_mount_path(unsigned int depth)
{
	size_t base = strlen(WH_MOUNT_PATH), pad = strlen(WH_MOUNT_PAD);
	char *path = malloc(base + (depth > 1 ? depth - 1 : 0) * pad + 1), *p;

	if (!path)
		return NULL;
	memcpy(path, WH_MOUNT_PATH, base);
	p = path + base;
	for (unsigned int i = 1; i < depth; i++, p += pad)
		memcpy(p, WH_MOUNT_PAD, pad);
	*p = '\0';
	return path;
}

/* The installers' mount of the volume: WH_MOUNT_PATH, writable. */
json_t *parts_mount_rw(void)
{
	return json_pack("{s:s, s:s}", "name", WH_VOLUME, "mountPath", WH_MOUNT_PATH);
}

json_t *parts_copy_mount(unsigned int depth)
{
	char *path = parts_mount_path(depth);
	json_t *m = path ?
		json_pack("{s:s, s:s, s:b}", "name", WH_VOLUME, "mountPath", path, "readOnly", 1) :
		NULL;

	free(path);
	return m;
}

int parts_parse_copy_path(const char *path, struct copy *c, unsigned int *depth)
{
	size_t pad = strlen(WH_MOUNT_PAD);
	unsigned int d = 1;

	if (!has_prefix(path, WH_MOUNT_PATH))
		return -1;
	path += strlen(WH_MOUNT_PATH);
	for (; has_prefix(path, WH_MOUNT_PAD) && d < WH_MAX_DEPTH; d++)
		path += pad;
	if (!has_prefix(path, "/strict-init-") ||
	    parts_parse_key(path + strlen("/strict-init-"), c) != 0)
		return -1;
	*depth = d;
	return 0;
}

/* Each copy is about 90 KiB: 1Mi holds 8 of them. */
json_t *parts_volume(size_t ncopies)
{
	char size[32];

	snprintf(size, sizeof(size), "%zuMi", ncopies > 8 ? (ncopies + 7) / 8 : 1);
	return json_pack("{s:s, s:{s:s}}", "name", WH_VOLUME, "emptyDir", "sizeLimit", size);
}

/* The installer's securityContext. Only an enforce copy carries the file
 * capability (cap_setgid=p), which only root with CAP_SETFCAP can write; a
 * refuse or audit copy carries none (strict-init install), so its installer
 * holds no privilege at all: non-root (the pod's runAsUser, or
 * WH_INSTALLER_UID), every capability dropped, no privilege escalation,
 * RuntimeDefault seccomp, what Pod Security restricted asks of every
 * container (docs/design.md, "Restricted pods"). */
static json_t *installer_security(const struct run *r)
{
	const json_t *psc =
		json_object_get(json_object_get(r->req->pod, "spec"), "securityContext");
	unsigned int uid = WH_INSTALLER_UID, gid = WH_INSTALLER_UID, v;
	bool set;

	if (r->mode == WH_MODE_ENFORCE)
		return json_pack("{s:b, s:{s:[s], s:[s]}, s:b, s:i, s:b, s:i, s:{s:s}}",
				 "allowPrivilegeEscalation", 0, "capabilities", "add", "SETFCAP",
				 "drop", "ALL", "readOnlyRootFilesystem", 1, "runAsGroup", 0,
				 "runAsNonRoot", 0, "runAsUser", 0, "seccompProfile", "type",
				 "RuntimeDefault");
	if (podread_id(json_object_get(psc, "runAsUser"), &set, &v) == 0 && set && v != 0)
		uid = v;
	if (podread_id(json_object_get(psc, "runAsGroup"), &set, &v) == 0 && set)
		gid = v;
	return json_pack("{s:b, s:{s:[s]}, s:b, s:I, s:b, s:I, s:{s:s}}",
			 "allowPrivilegeEscalation", 0, "capabilities", "drop", "ALL",
			 "readOnlyRootFilesystem", 1, "runAsGroup", (json_int_t)gid, "runAsNonRoot",
			 1, "runAsUser", (json_int_t)uid, "seccompProfile", "type",
			 "RuntimeDefault");
}

/* Requests equal to limits: a Guaranteed pod stays Guaranteed. The API
 * server's defaults are all written out (imagePullPolicy, termination
 * message), so that the defaulted pod it sends back on reinvocation is
 * equal to this. */
json_t *parts_installer(const struct run *r, const struct copy *c)
{
	char key[32], name[64], dest[96], mode_opt[32], nnp_opt[32];
	json_t *command, *container;

	parts_copy_key(c, key, sizeof(key));
	snprintf(name, sizeof(name), WH_INSTALLER_PREFIX "%s", key);
	snprintf(dest, sizeof(dest), WH_COPY_PREFIX "%s", key);
	snprintf(mode_opt, sizeof(mode_opt), "--mode=%s", mutate_mode_name(r->mode));
	snprintf(nnp_opt, sizeof(nnp_opt), "--no-new-privs=%d", r->s->no_new_privs ? 1 : 0);
	command = json_pack("[s, s, o, s, s]", WH_INSTALLER_BINARY, "install",
			    json_sprintf("--groups=%s", r->groups_text), mode_opt, nnp_opt);
	if (!command)
		return NULL;
	if (r->lock && json_array_append_new(command, json_string("--lock=1")) != 0)
		goto fail;
	if (!c->any_gid) {
		char gid_opt[32];

		snprintf(gid_opt, sizeof(gid_opt), "--gid=%u", c->gid);
		if (json_array_append_new(command, json_string(gid_opt)) != 0)
			goto fail;
	}
	if (json_array_append_new(command, json_string(dest)) != 0)
		goto fail;
	container = json_pack("{s:s, s:s, s:s, s:o,"
			      " s:{s:{s:s, s:s}, s:{s:s, s:s}},"
			      " s:o, s:s, s:s, s:[o]}",
			      "name", name, "image", r->s->image, "imagePullPolicy",
			      r->s->image_pull_policy, "command", command, "resources", "limits",
			      "cpu", "100m", "memory", "32Mi", "requests", "cpu", "100m", "memory",
			      "32Mi", "securityContext", installer_security(r),
			      "terminationMessagePath", "/dev/termination-log",
			      "terminationMessagePolicy", "File", "volumeMounts", parts_mount_rw());
	return container;
fail:
	json_decref(command);
	return NULL;
}

/* path as kubelet hands it to the runtime (a relative path taken from
 * "/") with "." ".." and repeated "/" resolved lexically, as the runtime
 * cleans it, into clean (cap bytes): its length, 0 for "/", or cap when it
 * does not fit. */
static size_t clean_path(const char *path, char *clean, size_t cap)
{
	size_t n = 0;
	const char *p = path;

	clean[0] = '\0';
	while (*p) {
		const char *end;
		size_t len;

		while (*p == '/')
			p++;
		end = p;
		while (*end && *end != '/')
			end++;
		len = (size_t)(end - p);
		if (len == 0)
			break;
		if (len == 1 && p[0] == '.') {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && clean[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			clean[n] = '\0';
		} else {
			if (n + len + 2 >= cap)
				return cap;
			clean[n++] = '/';
			memcpy(clean + n, p, len);
			n += len;
			clean[n] = '\0';
		}
		p = end;
	}
	return n;
}

bool parts_reaches_mount(const char *path)
{
	char clean[4096];
	size_t n = clean_path(path, clean, sizeof(clean));

	if (n == sizeof(clean))
		return true; /* absurdly long: not ours to guess */
	if (n == 0)
		return true; /* "/" hides everything under it */
	return strcmp(clean, WH_MOUNT_PATH) == 0 ||
		(has_prefix(clean, WH_MOUNT_PATH) && clean[strlen(WH_MOUNT_PATH)] == '/');
}

/* containerd and CRI-O count the "/" of the cleaned path (filepath.Clean):
 * "/" and "/a" are 1, "/a/b" 2. */
unsigned int parts_path_depth(const char *path)
{
	char clean[4096];
	size_t n = clean_path(path, clean, sizeof(clean));
	unsigned int depth = 0;

	if (n == sizeof(clean))
		return WH_MAX_DEPTH; /* too long to clean here: refused as too deep */
	for (size_t i = 0; i < n; i++)
		depth += clean[i] == '/';
	if (depth == 0)
		depth = 1;
	return depth < WH_MAX_DEPTH ? depth : WH_MAX_DEPTH;
}

bool parts_reserved_name(const char *name)
{
	return has_prefix(name, WH_INSTALLER_PREFIX);
}

json_t *parts_annotation(const struct run *r)
{
	json_t *copies = json_object(), *record;
	char key[32], *text;

	if (!copies)
		return NULL;
	for (size_t i = 0; i < r->ncopies; i++) {
		parts_copy_key(&r->copies[i], key, sizeof(key));
		if (json_object_set(copies, key, r->copies[i].containers) != 0) {
			json_decref(copies);
			return NULL;
		}
	}
	record = json_pack("{s:s, s:s, s:s, s:o}", "version", r->s->version, "mode",
			   mutate_mode_name(r->mode), "groups", r->groups_text, "copies", copies);
	if (!record)
		return NULL;
	if (json_array_size(r->from_image) &&
	    json_object_set(record, "fromImage", r->from_image) != 0) {
		json_decref(record);
		return NULL;
	}

	text = json_dumps(record, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(record);
	if (!text)
		return NULL;
	record = json_string(text);
	free(text);
	return record;
}

json_t *parts_annotated_from_image(const json_t *pod)
{
	const char *text = json_string_value(json_object_get(
		json_object_get(json_object_get(pod, "metadata"), "annotations"), WH_ANNOTATION));
	json_t *record = text ? json_loads(text, 0, NULL) : NULL;
	json_t *names = json_incref(json_object_get(record, "fromImage"));

	json_decref(record);
	return names;
}

bool parts_listed(const json_t *names, const char *name)
{
	size_t i;
	const json_t *v;

	json_array_foreach(names, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), name) == 0)
			return true;
	return false;
}
