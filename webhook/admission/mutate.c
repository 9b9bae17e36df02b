#include "mutate.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/gidlist.h"
#include "webhook/image/imageargv.h"
#include "webhook/image/imagedigest.h"
#include "webhook/image/imageref.h"
#include "jsondiff.h"
#include "common/lock_limit.h"

/* Messages quote names from the pod, which nothing has validated yet
 * (mutating admission runs before validation): at most this many bytes of
 * a name, printable ASCII only. */
#define NAME_SHOWN 64
#define MESSAGE_MAX 1024
#define WARNINGS_MAX 16
#define WARNING_MAX 240
/* gid_t's largest value is "no change" for setgroups: refused, as by
 * strict-init (init/gidlist.c). */
#define ID_MAX 4294967294LL

static const char *const container_lists[] = {"initContainers", "containers",
					      "ephemeralContainers"};
static const char *const container_kinds[] = {"init container", "container",
					      "ephemeral container"};

/* One sealed copy: the key names it ("gid-1000", "any-gid"). */
struct copy {
	bool any_gid;
	unsigned int gid;
	json_t *containers; /* names of the containers that run it */
};

struct run {
	const struct wh_settings *s;
	const struct wh_request *req;
	enum wh_mode mode;        /* the sealed mode the env is checked against */
	bool lock;                /* --lock=1 sealed (never in audit mode) */
	char message[MESSAGE_MAX];
	size_t message_len;
	int code;                 /* 0, 403 or 400 */
	bool abandon;             /* audit: leave the whole pod as it is */
	json_t *warnings;
	unsigned int groups_buf[64];
	unsigned int *groups;     /* sorted, unique */
	size_t ngroups;
	char *groups_text;        /* "60000,70000" or "" */
	bool pod_gid_set;
	unsigned int pod_gid;
	struct copy *copies;
	size_t ncopies;
	bool copies_fixed;        /* ephemeral: only existing copies */
	json_t *skipped_images;   /* images whose lookup failed (--on-lookup-failure=skip) */
	bool oom;
};

/* ---- text --------------------------------------------------------------- */

static void shown(char *dst, size_t cap, const char *name)
{
	size_t n = 0, len = strlen(name);

	for (size_t i = 0; i < len && n + 1 < cap && i < NAME_SHOWN; i++) {
		unsigned char ch = (unsigned char)name[i];

		dst[n++] = (char)(ch >= 0x20 && ch < 0x7f ? ch : '?');
	}
	if (len > NAME_SHOWN && n + 3 < cap) {
		memcpy(dst + n, "...", 3);
		n += 3;
	}
	dst[n] = '\0';
}

static void vappend(char *buf, size_t cap, size_t *len, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static void vappend(char *buf, size_t cap, size_t *len, const char *fmt, va_list ap)
{
	int n;

	if (*len + 1 >= cap)
		return;
	n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= cap - *len) {
		*len = cap - 1;
		memcpy(buf + cap - 4, "...", 4);
	} else {
		*len += (size_t)n;
	}
}

static void append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(buf, cap, len, fmt, ap);
	va_end(ap);
}

enum report_kind {
	REPORT_WARNING,   /* said, nothing else */
	REPORT_MALFORMED, /* the pod is not what the API server sends: refused in every mode */
	REPORT_POLICY,    /* refused in enforce and refuse modes; in audit mode a
			   * warning, and the container concerned is left as it is */
};

static void report(struct run *r, enum report_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void report(struct run *r, enum report_kind kind, const char *fmt, ...)
{
	char text[MESSAGE_MAX];
	size_t len = 0;
	int code = kind == REPORT_MALFORMED ? 400 : 403;
	va_list ap;

	va_start(ap, fmt);
	vappend(text, sizeof(text), &len, fmt, ap);
	va_end(ap);
	if (kind == REPORT_POLICY && r->s->mode == WH_MODE_AUDIT) {
		kind = REPORT_WARNING;
		append(text, sizeof(text), &len, " (audit mode: left as it is)");
	}
	if (kind == REPORT_WARNING) {
		if (len >= WARNING_MAX)
			memcpy(text + WARNING_MAX - 4, "...", 4);
		if (json_array_size(r->warnings) < WARNINGS_MAX &&
		    json_array_append_new(r->warnings, json_string(text)) != 0)
			r->oom = true;
		return;
	}
	if (r->code != 400)
		r->code = code;
	append(r->message, sizeof(r->message), &r->message_len, "%s%s",
	       r->message_len ? "; " : "", text);
}

#define warn(r, ...) report(r, REPORT_WARNING, __VA_ARGS__)
#define malformed(r, ...) report(r, REPORT_MALFORMED, __VA_ARGS__)
#define problem(r, ...) report(r, REPORT_POLICY, __VA_ARGS__)

/* ---- reading the pod ---------------------------------------------------- */

/* A gid or uid: an integer in 0..ID_MAX. Absent and null are "not set". */
static int read_id(const json_t *v, bool *set, unsigned int *out)
{
	json_int_t n;

	*set = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return -1;
	n = json_integer_value(v);
	if (n < 0 || n > ID_MAX)
		return -1;
	*set = true;
	*out = (unsigned int)n;
	return 0;
}

/* A member that must be of the given type, or absent or null (*out NULL). */
static int member(const json_t *parent, const char *key, json_type type, json_t **out)
{
	json_t *v = json_object_get(parent, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_typeof(v) != type)
		return -1;
	*out = v;
	return 0;
}

#define member_object(parent, key, out) member(parent, key, JSON_OBJECT, out)
#define member_array(parent, key, out) member(parent, key, JSON_ARRAY, out)

static bool all_strings(const json_t *array)
{
	size_t i;
	const json_t *v;

	json_array_foreach(array, i, v)
		if (!json_is_string(v))
			return false;
	return true;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int compare_ids(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return (x > y) - (x < y);
}

/* groups = supplementalGroups + fsGroup, sorted, unique; the pod's
 * runAsGroup. Returns -1 when out of memory; a malformed value is reported
 * through malformed(). */
static int read_pod_ids(struct run *r, const json_t *spec)
{
	json_t *psc, *supplemental;
	const json_t *v;
	bool set;
	unsigned int id;
	size_t i, n = 0, cap;

	if (member_object(spec, "securityContext", &psc) != 0) {
		malformed(r, "spec.securityContext is not an object");
		return 0;
	}
	if (member_array(psc, "supplementalGroups", &supplemental) != 0) {
		malformed(r, "spec.securityContext.supplementalGroups is not a list");
		return 0;
	}
	cap = json_array_size(supplemental) + 1;
	r->groups = cap <= sizeof(r->groups_buf) / sizeof(r->groups_buf[0]) ?
		r->groups_buf : calloc(cap, sizeof(*r->groups));
	if (!r->groups)
		return -1;
	json_array_foreach(supplemental, i, v) {
		if (read_id(v, &set, &id) != 0 || !set) {
			malformed(r, "spec.securityContext.supplementalGroups[%zu] is not a gid (0-%lld)",
				  i, ID_MAX);
			return 0;
		}
		r->groups[n++] = id;
	}
	if (read_id(json_object_get(psc, "fsGroup"), &set, &id) != 0) {
		malformed(r, "spec.securityContext.fsGroup is not a gid (0-%lld)", ID_MAX);
		return 0;
	}
	if (set)
		r->groups[n++] = id;
	if (n)
		qsort(r->groups, n, sizeof(*r->groups), compare_ids);
	r->ngroups = 0;
	for (i = 0; i < n; i++)
		if (r->ngroups == 0 || r->groups[r->ngroups - 1] != r->groups[i])
			r->groups[r->ngroups++] = r->groups[i];
	r->groups_text = malloc(r->ngroups * 11 + 1);
	if (!r->groups_text)
		return -1;
	r->groups_text[0] = '\0';
	for (i = 0, n = 0; i < r->ngroups; i++)
		n += (size_t)sprintf(r->groups_text + n, "%s%u", i ? "," : "", r->groups[i]);
	if (read_id(json_object_get(psc, "runAsGroup"), &r->pod_gid_set, &r->pod_gid) != 0)
		malformed(r, "spec.securityContext.runAsGroup is not a gid (0-%lld)", ID_MAX);
	return 0;
}

/* ---- the webhook's own parts -------------------------------------------- */

static void copy_key(const struct copy *c, char *buf, size_t cap)
{
	if (c->any_gid)
		snprintf(buf, cap, "any-gid");
	else
		snprintf(buf, cap, "gid-%u", c->gid);
}

/* Parses a key ("gid-1000", "any-gid") written exactly as copy_key does. */
static int parse_key(const char *text, struct copy *c)
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

static struct copy *find_copy(struct run *r, bool any_gid, unsigned int gid)
{
	for (size_t i = 0; i < r->ncopies; i++)
		if (r->copies[i].any_gid == any_gid && (any_gid || r->copies[i].gid == gid))
			return &r->copies[i];
	return NULL;
}

static struct copy *add_copy(struct run *r, bool any_gid, unsigned int gid)
{
	struct copy *grown = realloc(r->copies, (r->ncopies + 1) * sizeof(*grown));

	if (!grown) {
		r->oom = true;
		return NULL;
	}
	r->copies = grown;
	grown[r->ncopies] = (struct copy){.any_gid = any_gid, .gid = gid,
					  .containers = json_array()};
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

static json_t *our_mount(bool read_only)
{
	return read_only ?
		json_pack("{s:s, s:s, s:b}", "name", WH_VOLUME, "mountPath", WH_MOUNT_PATH,
			  "readOnly", 1) :
		json_pack("{s:s, s:s}", "name", WH_VOLUME, "mountPath", WH_MOUNT_PATH);
}

/* Each copy is about 90 KiB: 1Mi holds 8 of them. */
static json_t *our_volume(size_t ncopies)
{
	char size[32];

	snprintf(size, sizeof(size), "%zuMi", ncopies > 8 ? (ncopies + 7) / 8 : 1);
	return json_pack("{s:s, s:{s:s}}", "name", WH_VOLUME, "emptyDir", "sizeLimit", size);
}

/* Requests equal to limits: a Guaranteed pod stays Guaranteed. The API
 * server's defaults are all written out (imagePullPolicy, termination
 * message), so that the defaulted pod it sends back on reinvocation is
 * equal to this. */
static json_t *installer(const struct run *r, const struct copy *c)
{
	char key[32], name[64], dest[96], mode_opt[32], nnp_opt[32];
	json_t *command, *container;

	copy_key(c, key, sizeof(key));
	snprintf(name, sizeof(name), WH_INSTALLER_PREFIX "%s", key);
	snprintf(dest, sizeof(dest), WH_COPY_PREFIX "%s", key);
	snprintf(mode_opt, sizeof(mode_opt), "--mode=%s", mutate_mode_name(r->s->mode));
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
	container = json_pack(
		"{s:s, s:s, s:s, s:o,"
		" s:{s:{s:s, s:s}, s:{s:s, s:s}},"
		" s:{s:b, s:{s:[s], s:[s]}, s:b, s:i, s:b, s:i, s:{s:s}},"
		" s:s, s:s, s:[o]}",
		"name", name, "image", r->s->image, "imagePullPolicy", r->s->image_pull_policy,
		"command", command,
		"resources", "limits", "cpu", "100m", "memory", "32Mi",
		"requests", "cpu", "100m", "memory", "32Mi",
		"securityContext", "allowPrivilegeEscalation", 0,
		"capabilities", "add", "SETFCAP", "drop", "ALL",
		"readOnlyRootFilesystem", 1, "runAsGroup", 0, "runAsNonRoot", 0, "runAsUser", 0,
		"seccompProfile", "type", "RuntimeDefault",
		"terminationMessagePath", "/dev/termination-log",
		"terminationMessagePolicy", "File",
		"volumeMounts", our_mount(false));
	return container;
fail:
	json_decref(command);
	return NULL;
}

/* The path a mount lands on, with "." ".." and repeated "/" resolved the
 * way the runtime resolves them (relative paths taken from "/"): whether it
 * is "/" or at or below WH_MOUNT_PATH. */
static bool path_reaches_ours(const char *path)
{
	char clean[4096];
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
			if (n + len + 2 >= sizeof(clean))
				return true; /* absurdly long: not ours to guess */
			clean[n++] = '/';
			memcpy(clean + n, p, len);
			n += len;
			clean[n] = '\0';
		}
		p = end;
	}
	if (n == 0)
		return true; /* "/" hides everything under it */
	return strcmp(clean, WH_MOUNT_PATH) == 0 ||
	       (has_prefix(clean, WH_MOUNT_PATH) && clean[strlen(WH_MOUNT_PATH)] == '/');
}

/* ---- one container ------------------------------------------------------ */

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
		for (size_t i = 0; i < count && !differs; i++) {
			unsigned int id = (unsigned int)ids[i];

			differs = !bsearch(&id, r->groups, r->ngroups, sizeof(id), compare_ids);
		}
		for (size_t i = 0; i < r->ngroups && !differs; i++)
			differs = !gidlist_contains(value, (gid_t)r->groups[i]);
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

	if (member_array(ctr, "env", &env) != 0) {
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
		if (json_object_get(e, "valueFrom") && !json_is_null(json_object_get(e, "valueFrom"))) {
			warn(r, "%s: env %s comes from valueFrom: strict-init refuses to start if it "
			     "contradicts the sealed policy", who, name);
			continue;
		}
		if (value && !json_is_null(value) && !json_is_string(value)) {
			malformed(r, "%s: env %s is not a string", who, name);
			*ok = false;
			return;
		}
		text = json_is_string(value) ? json_string_value(value) : "";
		shown(shown_value, sizeof(shown_value), text);
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

/* strict-init drops groups with CAP_SETGID from its file capability, which
 * needs the capability in the bounding set; it never gets one it lacks. */
static void check_setgid(struct run *r, const char *who, const json_t *sc)
{
	json_t *caps = json_object_get(sc, "capabilities");

	if (r->mode != WH_MODE_ENFORCE || json_is_true(json_object_get(sc, "privileged")) ||
	    !json_is_object(caps))
		return;
	if (list_has_setgid(caps, "drop") && !list_has_setgid(caps, "add"))
		warn(r, "%s drops CAP_SETGID: strict-init will refuse to start it if its image "
		     "adds a group (add SETGID, or use mode refuse)", who);
}

static int check_mounts(struct run *r, const char *who, json_t *ctr, json_t **kept, bool *ok)
{
	json_t *mounts, *devices;
	size_t i;
	json_t *m;

	*kept = json_array();
	if (!*kept)
		return -1;
	if (member_array(ctr, "volumeMounts", &mounts) != 0 ||
	    member_array(ctr, "volumeDevices", &devices) != 0) {
		malformed(r, "%s: volumeMounts or volumeDevices is not a list", who);
		*ok = false;
		return 0;
	}
	json_array_foreach(mounts, i, m) {
		const char *vol = json_string_value(json_object_get(m, "name"));
		const char *path = json_string_value(json_object_get(m, "mountPath"));

		if (!json_is_object(m) || !vol || !path) {
			malformed(r, "%s: volumeMounts[%zu] needs a name and a mountPath", who, i);
			*ok = false;
			return 0;
		}
		if (strcmp(vol, WH_VOLUME) == 0) {
			json_t *ours = our_mount(true);

			if (!ours)
				return -1;
			if (!json_equal(m, ours))
				warn(r, "%s: its mount of volume " WH_VOLUME " (reserved) is replaced by "
				     "the webhook's", who);
			json_decref(ours);
			continue;
		}
		if (path_reaches_ours(path)) {
			char v[NAME_SHOWN + 4], p[NAME_SHOWN + 4];

			shown(v, sizeof(v), vol);
			shown(p, sizeof(p), path);
			problem(r, "%s mounts volume %s at %s, over " WH_MOUNT_PATH
				" (reserved for strict-init)", who, v, p);
			*ok = false;
		}
		if (json_array_append(*kept, m) != 0)
			return -1;
	}
	json_array_foreach(devices, i, m) {
		const char *path = json_string_value(json_object_get(m, "devicePath"));

		if (!path) {
			malformed(r, "%s: volumeDevices[%zu] has no devicePath", who, i);
			*ok = false;
			return 0;
		}
		if (path_reaches_ours(path)) {
			char p[NAME_SHOWN + 4];

			shown(p, sizeof(p), path);
			problem(r, "%s puts a device at %s, over " WH_MOUNT_PATH
				" (reserved for strict-init)", who, p);
			*ok = false;
		}
	}
	return 0;
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

	*out = NULL;
	if (json_array_size(command) == 0)
		return 0;
	if (!first || !has_prefix(first, WH_COPY_PREFIX) ||
	    parse_key(first + strlen(WH_COPY_PREFIX), &c) != 0 || !second ||
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

	shown(img, sizeof(img), image);
	if (!r->s->skip_on_lookup_failure) {
		problem(r, "%s sets no command, and what its image runs could not be read: %s", who,
			why);
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
		const char *why = found->message && *found->message ? found->message : "lookup failed";

		if (found->error == IMAGE_ERR_PLATFORMS_DISAGREE)
			problem(r, "%s sets no command, and its image's platforms do not run the same "
				"thing: %s", who, why);
		else
			lookup_failed(r, who, image, why);
		return 0;
	}
	if (!imageargv_runs_something(&pod, cfg)) {
		problem(r, "%s sets no command or args and its image has no ENTRYPOINT or CMD: "
			"nothing to run", who);
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
				lookup_failed(r, who, image, "the lookup named no digest to pin it to");
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
		return "";
	return " (the group in its image's USER does not count: kubelet gives the runtime only "
	       "the user, whose gid then comes from the image's /etc/passwd)";
}

/* Wraps one container (ctr is the desired pod's copy, changed in place).
 * Returns -1 only when out of memory. */
static int wrap(struct run *r, json_t *ctr, const char *kind, size_t index)
{
	char name[NAME_SHOWN + 4], who[2 * NAME_SHOWN];
	const char *raw_name = json_string_value(json_object_get(ctr, "name"));
	json_t *sc, *command_in, *args_in, *command, *original, *kept = NULL, *image_args = NULL;
	char *pinned = NULL;
	bool ok = true, gid_set;
	unsigned int gid = 0;
	struct copy *c;
	char path[96], key[32];

	if (!json_is_object(ctr) || !raw_name) {
		malformed(r, "%s %zu has no name", kind, index);
		return 0;
	}
	shown(name, sizeof(name), raw_name);
	snprintf(who, sizeof(who), "%s %s", kind, name);
	if (member_object(ctr, "securityContext", &sc) != 0 ||
	    read_id(json_object_get(sc, "runAsGroup"), &gid_set, &gid) != 0) {
		malformed(r, "%s: securityContext.runAsGroup is not a gid (0-%lld)", who, ID_MAX);
		return 0;
	}
	if (member_array(ctr, "command", &command_in) != 0 || !all_strings(command_in)) {
		malformed(r, "%s: command is not a list of strings", who);
		return 0;
	}
	if (member_array(ctr, "args", &args_in) != 0 || !all_strings(args_in)) {
		malformed(r, "%s: args is not a list of strings", who);
		return 0;
	}
	if (check_mounts(r, who, ctr, &kept, &ok) != 0)
		return -1;
	if (!gid_set && r->pod_gid_set) {
		gid_set = true;
		gid = r->pod_gid;
	}
	if (!gid_set && !r->s->allow_image_gid) {
		problem(r, "%s has no runAsGroup (nor has the pod): its image would choose the "
			"primary gid%s", who, user_hint(r, ctr, command_in));
		if (r->s->mode != WH_MODE_AUDIT)
			ok = false;
	}
	c = find_copy(r, !gid_set, gid);
	if (!c && r->copies_fixed) {
		problem(r, "%s needs a strict-init sealed with %s%u, which the pod's installers "
			"did not write", who, gid_set ? "gid " : "no gid", gid_set ? gid : 0);
		ok = false;
	}
	if (original_command(command_in, &original) != 0) {
		json_decref(kept);
		return -1;
	}
	if (!original) {
		if (from_image(r, who, ctr, json_array_size(args_in), &original, &image_args,
			       &pinned) != 0) {
			json_decref(kept);
			return -1;
		}
		if (!original)
			ok = false;
	} else if (json_array_size(original) == 0 && json_array_size(args_in) == 0) {
		problem(r, "%s runs strict-init with nothing after \"--\" and no args: nothing to run",
			who);
		ok = false;
	}
	check_env(r, c ? c : &(struct copy){.any_gid = !gid_set, .gid = gid}, who, ctr, &ok);
	check_setgid(r, who, sc);
	if (!ok || r->code || (!c && !(c = add_copy(r, !gid_set, gid)))) {
		json_decref(original);
		json_decref(image_args);
		json_decref(kept);
		free(pinned);
		return ok && !r->code ? -1 : 0;
	}
	copy_key(c, key, sizeof(key));
	snprintf(path, sizeof(path), WH_COPY_PREFIX "%s", key);
	command = json_pack("[s, s]", path, "--");
	if (!command || json_array_extend(command, original) != 0 ||
	    json_object_set_new(ctr, "command", command) != 0 ||
	    (image_args && json_object_set(ctr, "args", image_args) != 0) ||
	    (pinned && json_object_set_new(ctr, "image", json_string(pinned)) != 0) ||
	    json_array_append_new(kept, our_mount(true)) != 0 ||
	    json_object_set_new(ctr, "volumeMounts", kept) != 0 ||
	    json_array_append_new(c->containers, json_string(raw_name)) != 0) {
		json_decref(original);
		json_decref(image_args);
		free(pinned);
		return -1;
	}
	json_decref(original);
	json_decref(image_args);
	free(pinned);
	return 0;
}

/* ---- the pod ------------------------------------------------------------ */

static bool reserved_container_name(const char *name)
{
	return has_prefix(name, WH_INSTALLER_PREFIX);
}

static json_t *annotation_value(const struct run *r)
{
	json_t *copies = json_object(), *record;
	char key[32], *text;

	if (!copies)
		return NULL;
	for (size_t i = 0; i < r->ncopies; i++) {
		copy_key(&r->copies[i], key, sizeof(key));
		if (json_object_set(copies, key, r->copies[i].containers) != 0) {
			json_decref(copies);
			return NULL;
		}
	}
	record = json_pack("{s:s, s:s, s:s, s:o}", "version", r->s->version, "mode",
			   mutate_mode_name(r->s->mode), "groups", r->groups_text, "copies", copies);
	if (!record)
		return NULL;

	text = json_dumps(record, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(record);
	if (!text)
		return NULL;
	record = json_string(text);
	free(text);
	return record;
}

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
			const char *name = json_string_value(json_object_get(json_array_get(list, i), "name"));
			char n[NAME_SHOWN + 4];

			if (!name || !reserved_container_name(name))
				continue;
			if (list == inits) {
				if (json_array_append(*removed, json_array_get(list, i)) != 0 ||
				    json_array_remove(list, i) != 0)
					return -1;
				i--;
				continue;
			}
			shown(n, sizeof(n), name);
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

		if (member_array(spec, container_lists[l], &list) != 0) {
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
	json_t *volumes, *ours = our_volume(r->ncopies), *kept;
	size_t i;
	json_t *v;

	if (!ours)
		return -1;
	if (member_array(spec, "volumes", &volumes) != 0) {
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
				warn(r, "volume " WH_VOLUME " is reserved: replaced by the webhook's emptyDir");
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
	if (r->ncopies)
		qsort(r->copies, r->ncopies, sizeof(*r->copies), compare_copies);
	for (i = 0; i < r->ncopies; i++)
		if (json_array_append_new(all, installer(r, &r->copies[i])) != 0)
			goto oom;
	json_array_foreach(removed, i, old) {
		bool found = false;

		for (size_t j = 0; j < r->ncopies && !found; j++)
			found = json_equal(old, json_array_get(all, j));
		if (!found) {
			char n[NAME_SHOWN + 4];

			shown(n, sizeof(n), json_string_value(json_object_get(old, "name")));
			warn(r, "init container %s is reserved: replaced by the webhook's installers", n);
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
	if (member_object(parent, key, out) != 0)
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
	value = annotation_value(r);
	if (!value || json_object_set_new(annotations, WH_ANNOTATION, value) != 0)
		return -1;
	/* an earlier skip (reinvocation after a failed lookup), or a pod's own */
	(void)json_object_del(annotations, WH_SKIP_ANNOTATION);
	return 0;
}

/* --on-lookup-failure=skip: the pod as it came, with the images named in
 * WH_SKIP_ANNOTATION (a pod creation only: an ephemeral containers update
 * changes nothing but those). NULL when out of memory. */
static json_t *skipped_pod(const struct run *r, const json_t *pod)
{
	json_t *desired = json_deep_copy(pod), *annotations, *value;
	const char *bad;
	char *text;
	int rc;

	if (!desired || r->req->op != WH_OP_CREATE)
		return desired;
	rc = annotations_made(desired, &annotations, &bad);
	if (rc < 0)
		goto oom;
	if (rc > 0)
		return desired; /* not what the API server sends: left as it is */
	value = json_pack("{s:s, s:O}", "reason", "image lookup failed", "images", r->skipped_images);
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
			if (wrap(r, json_array_get(list, i), container_kinds[l], i) != 0)
				return -1;
	}
	return 0;
}

static int create(struct run *r, json_t *desired)
{
	json_t *spec = json_object_get(desired, "spec"), *removed = NULL;
	int rc = -1;

	if (check_lists(r, spec) != 0)
		return 0;
	if (read_pod_ids(r, spec) != 0)
		return -1;
	if (r->code == 400)
		return 0;
	/* install --lock=1 refuses a list the filter cannot encode (64): the
	 * pod would never start */
	if (r->lock && r->ngroups + 1 > LOCK_MAX_GIDS) {
		problem(r, "the pod has %zu groups (supplementalGroups and fsGroup): the seccomp lock "
			"(--lock=1) encodes at most %d with the primary gid", r->ngroups,
			LOCK_MAX_GIDS - 1);
		return 0;
	}
	if (remove_ours(r, spec, &removed) != 0)
		goto out;
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

		if (!name || !reserved_container_name(name) ||
		    parse_key(name + strlen(WH_INSTALLER_PREFIX), &c) != 0)
			continue;
		if (!add_copy(r, c.any_gid, c.gid))
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

	if (!json_is_object(old_pod) || !json_is_object(old_spec = json_object_get(old_pod, "spec"))) {
		malformed(r, "an ephemeral containers update without the old pod");
		return 0;
	}
	if (member_array(spec, "ephemeralContainers", &list) != 0 ||
	    member_array(old_spec, "ephemeralContainers", &old_list) != 0) {
		malformed(r, "spec.ephemeralContainers is not a list");
		return 0;
	}
	if (read_pod_ids(r, old_spec) != 0)
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
			problem(r, "the pod was not injected by strict-groups-webhook (created "
				"before it, or exempt): its ephemeral containers cannot be wrapped");
			break;
		}
		if (wrap(r, (json_t *)ctr, container_kinds[2], i) != 0)
			goto out;
	}
	rc = r->oom ? -1 : 0;
out:
	json_decref(old_names);
	return rc;
}

static bool is_mirror(const json_t *pod)
{
	const json_t *annotations = json_object_get(json_object_get(pod, "metadata"), "annotations");

	return json_object_get(annotations, "kubernetes.io/config.mirror") != NULL;
}

static bool is_windows(const json_t *pod)
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

		append(text, sizeof(text), &len, "an image lookup failed (");
		for (size_t i = 0; i < json_array_size(r->skipped_images); i++)
			append(text, sizeof(text), &len, "%s%s", i ? ", " : "",
			       json_string_value(json_array_get(r->skipped_images, i)));
		append(text, sizeof(text), &len, "): admitted without strict-init "
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
	res->patch = r->abandon ? json_array() : jsondiff_patch(pod, desired);
	if (!res->patch)
		return -1;
	res->outcome = json_array_size(res->patch) ? WH_INJECTED : WH_UNCHANGED;
	return 0;
}

int mutate_pod(const struct wh_settings *settings, const struct wh_request *req,
	      struct wh_result *res)
{
	struct run r = {.s = settings, .req = req, .mode = settings->mode,
			.lock = settings->lock && settings->mode != WH_MODE_AUDIT};
	json_t *desired = NULL;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	r.warnings = json_array();
	r.skipped_images = json_array();
	if (!r.warnings || !r.skipped_images)
		goto out;
	if (!json_is_object(req->pod) || !json_is_object(json_object_get(req->pod, "spec"))) {
		malformed(&r, "the object is not a pod with a spec");
		rc = finish(&r, req->pod, NULL, res);
		goto out;
	}
	if (is_mirror(req->pod) || is_windows(req->pod)) {
		res->outcome = WH_SKIPPED;
		res->message = strdup(is_mirror(req->pod) ?
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
	if ((req->op == WH_OP_CREATE ? create(&r, desired) : ephemeral(&r, desired, req->old_pod)) != 0 ||
	    r.oom)
		goto out;
	if (!r.code && json_array_size(r.skipped_images)) {
		json_decref(desired);
		if (!(desired = skipped_pod(&r, req->pod)))
			goto out;
	}
	rc = finish(&r, req->pod, desired, res);
out:
	if (rc != 0)
		mutate_result_free(res);
	json_decref(desired);
	json_decref(r.warnings);
	json_decref(r.skipped_images);
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

	if (!json_is_string(image) || (command && !json_is_null(command) && !json_is_array(command)) ||
	    json_array_size(command) > 0 || (name && reserved_container_name(name)))
		return 0;
	json_array_foreach(images, j, have)
		if (json_equal(json_object_get(have, "image"), image)) {
			if (always)
				return json_object_set_new(have, "always", json_true());
			return 0;
		}
	return json_array_append_new(images, json_pack("{s:O, s:b}", "image", image,
						       "always", always));
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
	const json_t *old = json_object_get(json_object_get(req->old_pod, "spec"),
					    "ephemeralContainers");

	if (!images)
		return NULL;
	if (!json_is_object(req->pod) || is_mirror(req->pod) || is_windows(req->pod))
		return images;
	for (size_t l = 0; l < 3; l++) {
		size_t i;
		const json_t *ctr;

		/* an ephemeral containers update wraps the new ones only */
		if (req->op == WH_OP_EPHEMERAL && l != 2)
			continue;
		json_array_foreach(json_object_get(spec, container_lists[l]), i, ctr) {
			if (!(req->op == WH_OP_EPHEMERAL && named_in(old, json_object_get(ctr, "name"))) &&
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
	static const char *const names[WH_OUTCOMES] = {
		[WH_INJECTED] = "injected", [WH_UNCHANGED] = "unchanged",
		[WH_SKIPPED] = "skipped", [WH_DENIED] = "denied"};

	return outcome < WH_OUTCOMES ? names[outcome] : "error";
}
