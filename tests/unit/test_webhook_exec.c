/* Unit tests of kubectl exec and cp in the webhook's pure core
 * (webhook/admission/exec.c): one table of PodExecOptions, each against a
 * pod the webhook injected (made here by mutate_pod, as the API server
 * stores it) or one changed the way an author could, with the expected
 * outcome, command and message. Then the CONNECT review as the API server
 * sends it, through review.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <nettle/base64.h>

#include "webhook/admission/exec.h"
#include "webhook/admission/review.h"
#include "webhook_util.h"

#define COPY1000 "'/strict-groups/d/d/strict-init-gid-1000'"
#define COPY2000 "'/strict-groups/d/d/strict-init-gid-2000'"
#define SC_1000 "{'runAsUser':1000,'runAsGroup':1000,'supplementalGroups':[60000]}"
/* app and b (gid 2000), an init container of the author's */
#define BASE_POD \
	"{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','namespace':'ns'}," \
	"'spec':{'securityContext':" SC_1000 "," \
	"'initContainers':[{'name':'migrate','image':'m','command':['m']}]," \
	"'containers':[{'name':'app','image':'app:1','command':['/app']}," \
	"{'name':'b','image':'b','command':['b'],'securityContext':{'runAsGroup':2000}}]}}"
#define ONE_POD \
	"{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','namespace':'ns'}," \
	"'spec':{'securityContext':" SC_1000 "," \
	"'containers':[{'name':'app','image':'app:1','command':['/app']}]}}"
#define RESTRICTED_POD \
	"{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','namespace':'ns'}," \
	"'spec':{'securityContext':{'runAsNonRoot':true,'runAsUser':1000,'runAsGroup':1000," \
	"'supplementalGroups':[60000],'seccompProfile':{'type':'RuntimeDefault'}}," \
	"'containers':[{'name':'app','image':'app:1','command':['/app'],'securityContext':" \
	"{'allowPrivilegeEscalation':false,'capabilities':{'drop':['ALL']}}}]}}"
#define OPTS(extra) \
	"{'kind':'PodExecOptions','apiVersion':'v1','stdin':true,'stdout':true,'stderr':true," \
	"'tty':false,'command':['tar','cf','-','/data']" extra "}"

enum pod_kind { P_INJECTED, P_ONE, P_PLAIN, P_NONE, P_RESTRICTED, P_AUDIT, P_LOCKED };

struct ecase {
	const char *name;
	enum pod_kind pod;
	void (*edit)(json_t *pod); /* what an author (or the API server) changed */
	const char *options;
	enum wh_mode mode;
	unsigned opts; /* OPT_* */
	enum wh_outcome outcome;
	const char *command;   /* the patched options' command; NULL: not checked */
	const char *container; /* the patched options' container; NULL: as sent */
	const char *message;   /* in the denial or the skip's reason */
	const char *warning;   /* in one of the warnings */
	int code;              /* a denial's code */
};

#define OPT_ALLOW 1u /* --exec-unwrapped=allow */
#define OPT_IMAGE 2u /* --image=strict-groups:0.2.0 (an upgrade) */
#define OPT_OTHER 4u /* --image=other.example/strict-groups:0.1.0 */

static json_t *spec_list(json_t *pod, const char *list)
{
	return json_object_get(json_object_get(pod, "spec"), list);
}

static json_t *container(json_t *pod, const char *list, size_t i)
{
	return json_array_get(spec_list(pod, list), i);
}

/* ---- what an author could write or change ---------------------------- */

static void edit_annotation(json_t *pod)
{
	json_object_set_new(json_object_get(pod, "metadata"), "annotations",
			    J("{'strict-groups/injected':'{\\'mode\\':\\'audit\\'}'}"));
}

static void edit_drop_annotation(json_t *pod)
{
	json_object_del(json_object_get(pod, "metadata"), "annotations");
}

/* A pod made before the webhook, written to look injected: the webhook's
 * names, an installer from the author's image that plants its own copy. */
static void edit_forged_image(json_t *pod)
{
	json_object_set_new(container(pod, "initContainers", 0), "image",
			    json_string("evil.example/planter:1"));
}

static void edit_forged_groups(json_t *pod)
{
	json_array_set_new(json_object_get(container(pod, "initContainers", 0), "command"), 2,
			   json_string("--groups=50000,60000"));
}

static void edit_forged_user(json_t *pod)
{
	json_array_insert_new(json_object_get(container(pod, "initContainers", 0), "command"), 2,
			      json_string("--user=0:0"));
}

static void edit_hostpath_volume(json_t *pod)
{
	json_array_set_new(spec_list(pod, "volumes"), 0,
			   J("{'name':'strict-groups','hostPath':{'path':'/tmp/x'}}"));
}

static void edit_mount_writable(json_t *pod)
{
	json_object_set_new(
		json_array_get(json_object_get(container(pod, "containers", 0), "volumeMounts"), 0),
		"readOnly", json_false());
}

static void edit_other_writable(json_t *pod)
{
	json_object_set_new(
		json_array_get(json_object_get(container(pod, "containers", 1), "volumeMounts"), 0),
		"readOnly", json_false());
}

static void edit_subpath(json_t *pod)
{
	json_object_set_new(
		json_array_get(json_object_get(container(pod, "containers", 0), "volumeMounts"), 0),
		"subPath", json_string("x"));
}

static void edit_mount_over_copy(json_t *pod)
{
	json_array_append_new(
		json_object_get(container(pod, "containers", 0), "volumeMounts"),
		J("{'name':'data','mountPath':'/strict-groups/strict-init-gid-1000'}"));
}

static void edit_no_installer(json_t *pod)
{
	json_array_remove(spec_list(pod, "initContainers"), 0);
}

static void edit_command_other_key(json_t *pod)
{
	json_array_set_new(json_object_get(container(pod, "containers", 0), "command"), 0,
			   json_string("/strict-groups/strict-init-gid-01000"));
}

/* kubectl debug: an ephemeral container the webhook wrapped (its
 * ephemeralcontainers update), and one it never saw. */
static void edit_debug_wrapped(json_t *pod)
{
	json_object_set_new(json_object_get(pod, "spec"), "ephemeralContainers",
			    J("[{'name':'debugger','image':'busybox','command':[" COPY1000
			      ",'--','sh'],'volumeMounts':[{'name':'strict-groups',"
			      "'mountPath':'/strict-groups/d/d','readOnly':true}]}]"));
}

/* A pod the webhook admitted before it mounted the copies below every other
 * mount: the copies at /strict-groups itself. */
static void edit_depth_one(json_t *pod)
{
	json_t *app = container(pod, "containers", 0);

	json_array_set_new(json_object_get(app, "command"), 0,
			   json_string("/strict-groups/strict-init-gid-1000"));
	json_object_set_new(json_array_get(json_object_get(app, "volumeMounts"), 0), "mountPath",
			    json_string("/strict-groups"));
}

/* The copies no deeper than another mount of the container (a pod the
 * webhook did not write so). */
static void edit_mount_as_deep(json_t *pod)
{
	json_array_insert_new(json_object_get(container(pod, "containers", 0), "volumeMounts"), 0,
			      J("{'name':'data','mountPath':'/x/y/z'}"));
}

static void edit_debug_plain(json_t *pod)
{
	json_object_set_new(json_object_get(pod, "spec"), "ephemeralContainers",
			    J("[{'name':'debugger','image':'busybox','command':['sh']}]"));
}

static void edit_windows(json_t *pod)
{
	json_object_set_new(json_object_get(pod, "spec"), "os", J("{'name':'windows'}"));
}

static void edit_mirror(json_t *pod)
{
	json_object_set_new(json_object_get(pod, "metadata"), "annotations",
			    J("{'kubernetes.io/config.mirror':'x'}"));
}

#define OPTS_IN(ctr) OPTS(",'container':'" ctr "'")

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct ecase cases[] = {
	{"the container's copy wraps the command; stdin, stdout, tty as sent", P_INJECTED, NULL,
	 OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_INJECTED,
	 "[" COPY1000 ",'--','tar','cf','-','/data']"},
	{"another gid, another copy", P_INJECTED, NULL, OPTS_IN("b"), WH_MODE_ENFORCE, 0,
	 WH_INJECTED, "[" COPY2000 ",'--','tar','cf','-','/data']"},
	{"the author's init container is wrapped too", P_INJECTED, NULL, OPTS_IN("migrate"),
	 WH_MODE_ENFORCE, 0, WH_INJECTED, "[" COPY1000 ",'--','tar','cf','-','/data']"},
	{"no container named, one container: that one, named in the patch", P_ONE, NULL, OPTS(""),
	 WH_MODE_ENFORCE, 0, WH_INJECTED, "[" COPY1000 ",'--','tar','cf','-','/data']", "app"},
	{"no container named, two: denied, naming them and the init containers", P_INJECTED, NULL,
	 OPTS(",'container':''"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "a container name must be specified for pod ns/p, choose one of: [app b] or one of the "
	 "init containers: [strict-groups-install-gid-1000 strict-groups-install-gid-2000 "
	 "migrate]",
	 NULL, 400},
	{"a container that is not in the pod: denied", P_INJECTED, NULL, OPTS_IN("nope"),
	 WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL, "container nope is not valid for pod ns/p",
	 NULL, 400},
	{"the command runs the copy already (a reinvocation): unchanged", P_INJECTED, NULL,
	 "{'container':'app','stdout':true,'command':[" COPY1000 ",'--','id']}", WH_MODE_ENFORCE, 0,
	 WH_UNCHANGED},
	{"another copy first is wrapped all the same (that copy refuses its gid)", P_INJECTED, NULL,
	 "{'container':'app','stdout':true,'command':[" COPY2000 ",'--','id']}", WH_MODE_ENFORCE, 0,
	 WH_INJECTED, "[" COPY1000 ",'--'," COPY2000 ",'--','id']"},
	{"the pod could not be read: denied, saying why", P_NONE, NULL, OPTS_IN("app"),
	 WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "pod ns/p could not be read from the API server (HTTP 404: pods \"p\" not found)", NULL,
	 403},
	{"the pod could not be read, audit mode: allowed unchanged as enforce would deny it",
	 P_NONE, NULL, OPTS_IN("app"), WH_MODE_AUDIT, 0, WH_WOULD_DENY, NULL, NULL,
	 "pod ns/p could not be read from the API server (HTTP 404: pods \"p\" not found)",
	 "(audit mode: left as it is)"},
	{"a pod the webhook did not wrap: denied, telling how to fix it", P_PLAIN, NULL,
	 OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "container app of pod ns/p does not start through strict-init (its command does not "
	 "start with a sealed strict-init), so a session there would hold every group the image "
	 "gives: recreate the pod",
	 NULL, 403},
	{"a pod the webhook did not wrap, --exec-unwrapped=allow: allowed unchanged, said", P_PLAIN,
	 NULL, OPTS_IN("app"), WH_MODE_ENFORCE, OPT_ALLOW, WH_SKIPPED, NULL, NULL,
	 "does not start through strict-init", "(--exec-unwrapped=allow)"},
	{"a pod the webhook did not wrap, audit mode: allowed unchanged as enforce would deny it",
	 P_PLAIN, NULL, OPTS_IN("app"), WH_MODE_AUDIT, 0, WH_WOULD_DENY, NULL, NULL,
	 "does not start through strict-init (its command does not start with a sealed "
	 "strict-init), so a session there would hold every group the image gives: recreate the "
	 "pod",
	 "container app of pod ns/p does not start through strict-init"},
	{"attack: an unwrapped pod whose annotation says injected: denied", P_PLAIN,
	 edit_annotation, OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "does not start through strict-init", NULL, 403},
	{"an injected pod whose annotation was edited or removed: wrapped (never read)", P_INJECTED,
	 edit_annotation, OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_INJECTED,
	 "[" COPY1000 ",'--','tar','cf','-','/data']"},
	{"annotation removed", P_INJECTED, edit_drop_annotation, OPTS_IN("app"), WH_MODE_ENFORCE, 0,
	 WH_INJECTED, "[" COPY1000 ",'--','tar','cf','-','/data']"},
	{"attack: a forged installer from the author's image: denied", P_INJECTED,
	 edit_forged_image, OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "the installer of its copy is not the one strict-groups-webhook writes", NULL, 403},
	{"attack: a forged installer sealing other groups: denied", P_INJECTED, edit_forged_groups,
	 OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "the installer of its copy is not the one", NULL, 403},
	{"attack: a forged installer with an option the webhook never writes: denied", P_INJECTED,
	 edit_forged_user, OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "the installer of its copy is not the one", NULL, 403},
	{"attack: the volume is a hostPath: denied", P_INJECTED, edit_hostpath_volume,
	 OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "the volume strict-groups or its mounts are not the webhook's", NULL, 403},
	{"attack: the container mounts the copies writable: denied", P_INJECTED,
	 edit_mount_writable, OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "or its mounts are not the webhook's", NULL, 403},
	{"attack: another container mounts the copies writable: denied", P_INJECTED,
	 edit_other_writable, OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "or its mounts are not the webhook's", NULL, 403},
	{"attack: a subPath of the volume at /strict-groups: denied", P_INJECTED, edit_subpath,
	 OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "or its mounts are not the webhook's", NULL, 403},
	{"attack: another volume mounted over the copy: denied", P_INJECTED, edit_mount_over_copy,
	 OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "or its mounts are not the webhook's", NULL, 403},
	{"no installer for the copy: denied", P_INJECTED, edit_no_installer, OPTS_IN("app"),
	 WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL, "the pod has no installer of the copy", NULL,
	 403},
	{"a copy name the webhook never writes (gid-01000): denied", P_INJECTED,
	 edit_command_other_key, OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "its command does not start with a sealed strict-init", NULL, 403},
	{"exec into an installer: denied", P_INJECTED, NULL,
	 OPTS_IN("strict-groups-install-gid-1000"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "container strict-groups-install-gid-1000 of pod ns/p does not start through "
	 "strict-init",
	 NULL, 403},
	{"exec into an ephemeral container the webhook wrapped: its copy", P_INJECTED,
	 edit_debug_wrapped, OPTS_IN("debugger"), WH_MODE_ENFORCE, 0, WH_INJECTED,
	 "[" COPY1000 ",'--','tar','cf','-','/data']"},
	{"a pod of the earlier layout (the copies at /strict-groups): its copy", P_INJECTED,
	 edit_depth_one, OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_INJECTED,
	 "['/strict-groups/strict-init-gid-1000','--','tar','cf','-','/data']"},
	{"the copies no deeper than another mount of the container: denied", P_INJECTED,
	 edit_mount_as_deep, OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "the volume strict-groups or its mounts are not the webhook's", NULL, 403},
	{"exec into an ephemeral container the webhook never saw: denied", P_INJECTED,
	 edit_debug_plain, OPTS_IN("debugger"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "container debugger of pod ns/p does not start through strict-init", NULL, 403},
	{"a restricted pod (its copy sealed refuse) in an enforce namespace: wrapped", P_RESTRICTED,
	 NULL, OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_INJECTED,
	 "[" COPY1000 ",'--','tar','cf','-','/data']"},
	{"a pod sealed in audit mode, the namespace now in enforce mode: denied", P_AUDIT, NULL,
	 OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "its copy is sealed in audit mode", NULL, 403},
	{"a pod sealed in audit mode, in refuse mode: denied", P_AUDIT, NULL, OPTS_IN("app"),
	 WH_MODE_REFUSE, 0, WH_DENIED, NULL, NULL, "its copy is sealed in audit mode", NULL, 403},
	{"a pod sealed in audit mode, still in audit mode: wrapped", P_AUDIT, NULL, OPTS_IN("app"),
	 WH_MODE_AUDIT, 0, WH_INJECTED, "[" COPY1000 ",'--','tar','cf','-','/data']"},
	{"a pod sealed with the lock: wrapped", P_LOCKED, NULL, OPTS_IN("app"), WH_MODE_ENFORCE, 0,
	 WH_INJECTED, "[" COPY1000 ",'--','tar','cf','-','/data']"},
	{"the webhook upgraded (--image of another tag): wrapped", P_INJECTED, NULL, OPTS_IN("app"),
	 WH_MODE_ENFORCE, OPT_IMAGE, WH_INJECTED, "[" COPY1000 ",'--','tar','cf','-','/data']"},
	{"--image of another repository: the installer is not its own", P_INJECTED, NULL,
	 OPTS_IN("app"), WH_MODE_ENFORCE, OPT_OTHER, WH_DENIED, NULL, NULL,
	 "the installer of its copy is not the one", NULL, 403},
	{"a windows pod (never wrapped, no supplementary groups): allowed unchanged", P_PLAIN,
	 edit_windows, OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_SKIPPED, NULL, NULL, "a windows pod"},
	{"a static pod's mirror (never wrapped): denied, saying why", P_PLAIN, edit_mirror,
	 OPTS_IN("app"), WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "(a static pod's mirror: kubelet runs it from a file on the node", NULL, 403},
	{"attack: the copy with options of the user's before \"--\": wrapped again (the inner copy "
	 "refuses them, 77)",
	 P_INJECTED, NULL,
	 "{'container':'app','command':[" COPY1000 ",'--groups=','--','cat','/deny']}",
	 WH_MODE_ENFORCE, 0, WH_INJECTED,
	 "[" COPY1000 ",'--'," COPY1000 ",'--groups=','--','cat','/deny']"},
	{"malformed: no command", P_INJECTED, NULL, "{'container':'app','command':[]}",
	 WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "PodExecOptions.command is not a non-empty list of strings", NULL, 400},
	{"malformed: a command that is not strings", P_INJECTED, NULL,
	 "{'container':'app','command':['a',1]}", WH_MODE_ENFORCE, 0, WH_DENIED, NULL, NULL,
	 "PodExecOptions.command is not a non-empty list of strings", NULL, 400},
	{"malformed: container not a string, in audit mode too", P_INJECTED, NULL,
	 "{'container':7,'command':['a']}", WH_MODE_AUDIT, 0, WH_DENIED, NULL, NULL,
	 "PodExecOptions.container is not a string", NULL, 400},
	{"malformed: the object is no PodExecOptions", P_INJECTED, NULL, "['x']", WH_MODE_ENFORCE,
	 0, WH_DENIED, NULL, NULL, "the review's object is not a PodExecOptions", NULL, 400},
};
#pragma GCC diagnostic pop

static struct wh_settings settings_for(enum wh_mode mode, unsigned opts)
{
	return (struct wh_settings){.image = opts & OPT_IMAGE ? "strict-groups:0.2.0" :
					    opts & OPT_OTHER ? "other.example/strict-groups:0.1.0" :
							       "strict-groups:0.1.0",
				    .image_pull_policy = "IfNotPresent",
				    .mode = mode,
				    .no_new_privs = true,
				    .exec_unwrapped_allow = opts & OPT_ALLOW,
				    .version = "0.1.0"};
}

/* The pod as mutate_pod leaves it in mode, with lock. */
static json_t *injected(const char *text, enum wh_mode mode, bool lock)
{
	struct wh_settings s = settings_for(mode, 0);
	json_t *pod = J(text);
	struct wh_request req = {.op = WH_OP_CREATE, .pod = pod};
	struct wh_result res;

	s.lock = lock;
	assert_int_equal(mutate_pod(&s, &req, &res), 0);
	assert_int_equal(res.outcome, WH_INJECTED);
	assert_int_equal(patch_apply(&pod, res.patch), 0);
	mutate_result_free(&res);
	return pod;
}

static json_t *pod_of(enum pod_kind kind)
{
	switch (kind) {
	case P_INJECTED:
		return injected(BASE_POD, WH_MODE_ENFORCE, false);
	case P_ONE:
		return injected(ONE_POD, WH_MODE_ENFORCE, false);
	case P_RESTRICTED:
		return injected(RESTRICTED_POD, WH_MODE_ENFORCE, false);
	case P_AUDIT:
		return injected(ONE_POD, WH_MODE_AUDIT, false);
	case P_LOCKED:
		return injected(ONE_POD, WH_MODE_ENFORCE, true);
	case P_PLAIN:
		return J(BASE_POD);
	case P_NONE:
	default:
		return NULL;
	}
}

static bool warnings_contain(const json_t *warnings, const char *needle)
{
	size_t i;
	const json_t *w;

	json_array_foreach(warnings, i, w)
		if (strstr(json_string_value(w), needle))
			return true;
	return false;
}

static void run_case(const struct ecase *c)
{
	struct wh_settings s = settings_for(c->mode, c->opts);
	json_t *pod = pod_of(c->pod), *options = J(c->options), *patched;
	struct wh_exec_request req = {.options = options,
				      .ns = "ns",
				      .name = "p",
				      .pod = pod,
				      .pod_error = "HTTP 404: pods \"p\" not found"};
	struct wh_result res;

	if (pod && c->edit)
		c->edit(pod);
	assert_int_equal(exec_review(&s, &req, &res), 0);
	if (res.outcome != c->outcome)
		fail_msg("outcome %s (%s), expected %s", mutate_outcome_name(res.outcome),
			 res.message ? res.message : "", mutate_outcome_name(c->outcome));
	if (c->message && (!res.message || !strstr(res.message, c->message)))
		fail_msg("message '%s' lacks '%s'", res.message ? res.message : "", c->message);
	if (c->warning && !warnings_contain(res.warnings, c->warning))
		fail_msg("no warning with '%s'", c->warning);
	if (c->outcome == WH_DENIED)
		assert_int_equal(res.code, c->code);
	assert_int_equal(json_array_size(res.patch) > 0, c->outcome == WH_INJECTED);
	patched = json_deep_copy(options);
	assert_int_equal(patch_apply(&patched, res.patch), 0);
	if (c->command) {
		json_t *want = J(c->command);

		if (!json_equal(json_object_get(patched, "command"), want)) {
			char *have = json_dumps(json_object_get(patched, "command"), JSON_COMPACT);

			fail_msg("command %s, expected %s", have, c->command);
		}
		json_decref(want);
	}
	/* nothing but command and container ever changes: stdin, stdout,
	 * stderr, tty pass as the user asked */
	json_object_del(patched, "command");
	json_object_del(patched, "container");
	json_object_del(options, "command");
	if (c->container)
		assert_string_equal(
			json_string_value(json_object_get(patched, "container")) ?
				json_string_value(json_object_get(patched, "container")) :
				c->container,
			c->container);
	json_object_del(options, "container");
	assert_true(json_equal(patched, options) || !json_is_object(options));
	mutate_result_free(&res);
	json_decref(patched);
	json_decref(options);
	json_decref(pod);
}

static void test_case(void **state)
{
	run_case(*state);
}

/* The defaulted container is named in the patch (checked before the
 * comparison above drops it). */
static void test_defaulted_container_named(void **state)
{
	struct wh_settings s = settings_for(WH_MODE_ENFORCE, 0);
	json_t *pod = pod_of(P_ONE), *options = J(OPTS("")), *patched = json_deep_copy(options);
	struct wh_exec_request req = {.options = options, .ns = "ns", .name = "p", .pod = pod};
	struct wh_result res;

	(void)state;
	assert_int_equal(exec_review(&s, &req, &res), 0);
	assert_int_equal(patch_apply(&patched, res.patch), 0);
	assert_string_equal(json_string_value(json_object_get(patched, "container")), "app");
	mutate_result_free(&res);
	json_decref(patched);
	json_decref(options);
	json_decref(pod);
}

/* The review exactly as the API server sends it for `kubectl exec -i p
 * -c app -- tar cf - /data` (kind PodExecOptions, resource pods,
 * subResource exec, operation CONNECT, oldObject and options null), and
 * the answer's patch applied to its object. */
#define CONNECT_REVIEW \
	"{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{" \
	"'uid':'0c1f7d9e-3b51-4a55-9d3c-1f0ab2c1d001'," \
	"'kind':{'group':'','version':'v1','kind':'PodExecOptions'}," \
	"'resource':{'group':'','version':'v1','resource':'pods'},'subResource':'exec'," \
	"'requestKind':{'group':'','version':'v1','kind':'PodExecOptions'}," \
	"'requestResource':{'group':'','version':'v1','resource':'pods'}," \
	"'requestSubResource':'exec','name':'p','namespace':'ns','operation':'CONNECT'," \
	"'userInfo':{'username':'alice','groups':['system:authenticated']}," \
	"'object':{'kind':'PodExecOptions','apiVersion':'v1','stdin':true,'stdout':true," \
	"'container':'app','command':['tar','cf','-','/data']}," \
	"'oldObject':null,'dryRun':false,'options':null}}"

static json_t *decoded_patch(const char *b64)
{
	struct base64_decode_ctx ctx;
	size_t len = BASE64_DECODE_LENGTH(strlen(b64));
	uint8_t *buf = malloc(len + 1);
	json_t *patch = NULL;

	assert_non_null(buf);
	base64_decode_init(&ctx);
	if (base64_decode_update(&ctx, &len, buf, strlen(b64), b64) && base64_decode_final(&ctx))
		patch = json_loadb((const char *)buf, len, 0, NULL);
	free(buf);
	return patch;
}

static void test_connect_review(void **state)
{
	struct wh_settings s = settings_for(WH_MODE_ENFORCE, 0);
	json_t *body = J(CONNECT_REVIEW), *pod = pod_of(P_INJECTED), *answer, *response, *patch,
	       *object, *want;
	char *text = json_dumps(body, JSON_COMPACT);
	struct wh_pending p;
	struct wh_review out;
	const char *ns, *name;

	(void)state;
	assert_int_equal(review_begin(text, strlen(text), &p, &out), 0);
	assert_null(out.body);
	assert_true(review_exec_pod(&p, &ns, &name));
	assert_string_equal(ns, "ns");
	assert_string_equal(name, "p");
	review_exec_pod_read(&p, pod, NULL);
	assert_int_equal(review_finish(&s, &p, NULL, 0, &out), 0);
	review_pending_free(&p);
	assert_int_equal(out.http_status, 200);
	assert_int_equal(out.outcome, WH_INJECTED);
	assert_int_equal(out.operation, WH_LABEL_CONNECT);
	assert_non_null(strstr(out.summary, "CONNECT pods/exec ns/p: injected"));
	answer = json_loadb(out.body, out.body_len, 0, NULL);
	response = json_object_get(answer, "response");
	assert_string_equal(json_string_value(json_object_get(response, "uid")),
			    "0c1f7d9e-3b51-4a55-9d3c-1f0ab2c1d001");
	assert_true(json_is_true(json_object_get(response, "allowed")));
	assert_string_equal(json_string_value(json_object_get(response, "patchType")), "JSONPatch");
	patch = decoded_patch(json_string_value(json_object_get(response, "patch")));
	assert_non_null(patch);
	object = json_deep_copy(json_object_get(json_object_get(body, "request"), "object"));
	assert_int_equal(patch_apply(&object, patch), 0);
	want = J("[" COPY1000 ",'--','tar','cf','-','/data']");
	assert_true(json_equal(json_object_get(object, "command"), want));
	json_decref(want);
	json_decref(object);
	json_decref(patch);
	json_decref(answer);
	review_free(&out);

	/* the pod could not be read: a denial that says why */
	assert_int_equal(test_review_with_pod(&s, text, strlen(text), NULL,
					      "timed out after 4 s\nsecond line", &out),
			 0);
	assert_int_equal(out.outcome, WH_DENIED);
	assert_non_null(strstr(out.body, "(timed out after 4 s?second line)"));
	review_free(&out);
	free(text);
	json_decref(pod);
	json_decref(body);
}

int main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 2];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tests[n++] = (struct CMUnitTest){.name = cases[i].name,
						 .test_func = test_case,
						 .initial_state = (void *)&cases[i]};
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_defaulted_container_named);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_connect_review);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return _cmocka_run_group_tests("webhook_exec", tests, n, NULL, NULL);
}
