/* Unit tests of the webhook's flags (webhook/options.c), for the lists
 * first: --registry-allow (repeatable, comma-separated in the flag and in
 * STRICT_GROUPS_WEBHOOK_REGISTRY_ALLOW, the flag replacing the variable,
 * every entry checked by imageref_allow_check), and the other lists'
 * behaviour kept (--insecure-registry: one entry per flag). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/options.h"

#define REQUIRED "--tls-cert=c", "--tls-key=k", "--image=i"

struct parse_case {
	const char *name;
	const char *argv[8];
	const char *envp[4];
	int rc;
	const char *want; /* rc 0: the allow-list joined with ' '; else a part of the error */
};

static const struct parse_case cases[] = {
	{"no list: every registry", {REQUIRED}, {NULL}, 0, ""},
	{"one name",
	 {REQUIRED, "--registry-allow=registry.example:5000"},
	 {NULL},
	 0,
	 "registry.example:5000"},
	{"value after a space",
	 {REQUIRED, "--registry-allow", "docker.io"},
	 {NULL},
	 0,
	 "docker.io"},
	{"comma-separated flag",
	 {REQUIRED, "--registry-allow=docker.io,registry.example:5000"},
	 {NULL},
	 0,
	 "docker.io registry.example:5000"},
	{"repeated flag",
	 {REQUIRED, "--registry-allow=docker.io", "--registry-allow=*.corp.example"},
	 {NULL},
	 0,
	 "docker.io *.corp.example"},
	{"the variable",
	 {REQUIRED},
	 {"STRICT_GROUPS_WEBHOOK_REGISTRY_ALLOW=docker.io,localhost:5000"},
	 0,
	 "docker.io localhost:5000"},
	{"the flag replaces the variable",
	 {REQUIRED, "--registry-allow=registry.example"},
	 {"STRICT_GROUPS_WEBHOOK_REGISTRY_ALLOW=docker.io,localhost:5000"},
	 0,
	 "registry.example"},
	{"case kept as written",
	 {REQUIRED, "--registry-allow=Registry.Example"},
	 {NULL},
	 0,
	 "Registry.Example"},
	{"empty flag", {REQUIRED, "--registry-allow="}, {NULL}, -1, "--registry-allow: empty"},
	{"trailing comma",
	 {REQUIRED, "--registry-allow=docker.io,"},
	 {NULL},
	 -1,
	 "--registry-allow: empty"},
	{"leading comma",
	 {REQUIRED, "--registry-allow=,docker.io"},
	 {NULL},
	 -1,
	 "--registry-allow: empty"},
	{"empty variable",
	 {REQUIRED},
	 {"STRICT_GROUPS_WEBHOOK_REGISTRY_ALLOW="},
	 -1,
	 "STRICT_GROUPS_WEBHOOK_REGISTRY_ALLOW: empty"},
	{"empty entry in the variable",
	 {REQUIRED},
	 {"STRICT_GROUPS_WEBHOOK_REGISTRY_ALLOW=docker.io,,registry.example"},
	 -1,
	 "STRICT_GROUPS_WEBHOOK_REGISTRY_ALLOW: empty"},
	{"a bad variable fails even when the flag is given",
	 {REQUIRED, "--registry-allow=docker.io"},
	 {"STRICT_GROUPS_WEBHOOK_REGISTRY_ALLOW=*"},
	 -1,
	 "STRICT_GROUPS_WEBHOOK_REGISTRY_ALLOW: \"*\""},
	{"star", {REQUIRED, "--registry-allow=*"}, {NULL}, -1, "'*' only as \"*.SUFFIX\""},
	{"star in a list", {REQUIRED, "--registry-allow=docker.io,*"}, {NULL}, -1, "'*' only as"},
	{"a path of docker.io",
	 {REQUIRED, "--registry-allow=nginx"},
	 {NULL},
	 -1,
	 "--registry-allow: \"nginx\": not a registry name"},
	{"a URL",
	 {REQUIRED, "--registry-allow=https://registry.example"},
	 {NULL},
	 -1,
	 "not a registry name"},
	{"a repository",
	 {REQUIRED, "--registry-allow=registry.example/team"},
	 {NULL},
	 -1,
	 "not a registry name"},
	{"no value", {REQUIRED, "--registry-allow"}, {NULL}, -1, "--registry-allow needs a value"},
	{"set twice in the environment",
	 {REQUIRED},
	 {"STRICT_GROUPS_WEBHOOK_REGISTRY_ALLOW=docker.io",
	  "STRICT_GROUPS_WEBHOOK_REGISTRY_ALLOW=x.example"},
	 -1,
	 "set twice"},
	{"a control character, shown as '?'",
	 {REQUIRED, "--registry-allow=a.example\n"},
	 {NULL},
	 -1,
	 "\"a.example?\""},
};

static void joined(const struct wh_options *o, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < o->n_allow; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "", o->allow[i]);
}

static void test_registry_allow(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct parse_case *c = &cases[i];
		char *argv[10] = {(char *)"strict-groups-webhook"}, *envp[5] = {NULL};
		char err[512] = "", got[512];
		struct wh_options o;
		int argc = 1, rc;

		for (size_t k = 0; c->argv[k]; k++)
			argv[argc++] = (char *)c->argv[k];
		for (size_t k = 0; c->envp[k]; k++)
			envp[k] = (char *)c->envp[k];
		rc = options_parse(&o, argc, argv, envp, err, sizeof(err));
		print_message("# %s: %d %s\n", c->name, rc, err);
		assert_int_equal(rc, c->rc);
		if (rc == 0) {
			joined(&o, got, sizeof(got));
			assert_string_equal(got, c->want);
		} else {
			if (!strstr(err, c->want))
				fail_msg("%s: \"%s\" lacks \"%s\"", c->name, err, c->want);
			assert_null(strchr(err, '\n'));
		}
		options_free(&o);
	}
}

/* The repeatable flag's cap, and the copies freed (valgrind and ASan run
 * this test too). */
static void test_registry_allow_many(void **state)
{
	char *argv[WH_LIST_MAX + 8] = {(char *)"w", (char *)"--tls-cert=c", (char *)"--tls-key=k",
				       (char *)"--image=i"};
	char *envp[] = {(char *)"STRICT_GROUPS_WEBHOOK_REGISTRY_ALLOW=a.example,b.example", NULL};
	char err[256];
	struct wh_options o;
	int argc = 4;

	(void)state;
	for (int i = 0; i < WH_LIST_MAX; i++)
		argv[argc++] = (char *)"--registry-allow=r.example,s.example";
	/* 64 flags of two names: 128 entries, more than WH_LIST_MAX */
	assert_int_equal(options_parse(&o, argc, argv, envp, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "at most 64 entries"));
	options_free(&o);
	argc = 4;
	for (int i = 0; i < WH_LIST_MAX / 2; i++)
		argv[argc++] = (char *)"--registry-allow=r.example,s.example";
	assert_int_equal(options_parse(&o, argc, argv, envp, err, sizeof(err)), 0);
	assert_int_equal(o.n_allow, WH_LIST_MAX);
	assert_string_equal(o.allow[WH_LIST_MAX - 1], "s.example");
	options_free(&o);
	/* the flags alone, one name each: the cap holds too */
	argc = 4;
	for (int i = 0; i < WH_LIST_MAX + 1; i++)
		argv[argc++] = (char *)"--registry-allow=r.example";
	assert_int_equal(options_parse(&o, argc, argv, envp, err, sizeof(err)), -1);
	options_free(&o);
}

/* The other lists as before: one entry per flag (no splitting). */
static void test_other_lists(void **state)
{
	char *argv[] = {(char *)"w",
			(char *)"--tls-cert=c",
			(char *)"--tls-key=k",
			(char *)"--image=i",
			(char *)"--insecure-registry=a:1",
			(char *)"--insecure-registry=b:2",
			(char *)"--registry-endpoint=docker.io=mirror.example"};
	char *envp[] = {(char *)"STRICT_GROUPS_WEBHOOK_INSECURE_REGISTRY=c:3,d:4",
			(char *)"STRICT_GROUPS_WEBHOOK_REGISTRY_ENDPOINT=x.example=y.example",
			NULL};
	char err[256];
	struct wh_options o;

	(void)state;
	assert_int_equal(options_parse(&o, 7, argv, envp, err, sizeof(err)), 0);
	assert_int_equal(o.n_insecure, 2);
	assert_string_equal(o.insecure[1], "b:2");
	assert_int_equal(o.n_endpoints, 1);
	assert_string_equal(o.endpoints[0], "docker.io=mirror.example");
	assert_int_equal(o.n_allow, 0);
	options_free(&o);
	assert_int_equal(options_parse(&o, 4, argv, envp, err, sizeof(err)), 0);
	assert_int_equal(o.n_insecure, 2);
	assert_string_equal(o.insecure[1], "d:4");
	assert_string_equal(o.endpoints[0], "x.example=y.example");
	options_free(&o);
}

static int parse(struct wh_options *o, const char *const *args, const char *const *env, char *err,
		 size_t errlen)
{
	char *argv[16] = {(char *)"w"}, *envp[8] = {NULL};
	int argc = 1;

	for (size_t k = 0; args[k]; k++)
		argv[argc++] = (char *)args[k];
	for (size_t k = 0; env && env[k]; k++)
		envp[k] = (char *)env[k];
	return options_parse(o, argc, argv, envp, err, errlen);
}

#define DIGEST "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* The settings that decide what the webhook seals, their defaults (safe
 * for a first apply) and their values; --image as a reference, pinned
 * when it names a digest. */
static void test_security_flags(void **state)
{
	static const char *const none[] = {"--tls-cert=c", "--tls-key=k", "--image=i", NULL};
	static const char *const set[] = {"--tls-cert=c",
					  "--tls-key=k",
					  "--image=reg.example/strict-groups@" DIGEST,
					  "--mode=audit",
					  "--lock=1",
					  "--no-new-privs=0",
					  "--allow-image-gid=1",
					  "--on-lookup-failure=skip",
					  "--pin-digest=0",
					  NULL};
	static const char *const env[] = {"STRICT_GROUPS_WEBHOOK_MODE=refuse",
					  "STRICT_GROUPS_WEBHOOK_LOCK=1", NULL};
	static const char *const bad[][5] = {
		{"--tls-cert=c", "--tls-key=k", "--image=Strict-Groups", NULL},
		{"--tls-cert=c", "--tls-key=k", "--image=x@sha256:0123", NULL},
		{"--tls-cert=c", "--tls-key=k", "--image=i", "--lock=2", NULL},
		{"--tls-cert=c", "--tls-key=k", "--image=i", "--no-new-privs=yes", NULL},
		{"--tls-cert=c", "--tls-key=k", "--image=i", "--mode=Enforce", NULL},
		{"--tls-cert=c", "--tls-key=k", "--image=i", "--on-lookup-failure=Skip", NULL},
		{"--tls-cert=c", "--tls-key=k", NULL},
	};
	struct wh_options o;
	char err[512];

	(void)state;
	assert_int_equal(parse(&o, none, NULL, err, sizeof(err)), 0);
	assert_int_equal(o.settings.mode, WH_MODE_ENFORCE);
	assert_true(o.settings.no_new_privs);
	assert_false(o.settings.lock);
	assert_false(o.settings.allow_image_gid);
	assert_false(o.settings.skip_on_lookup_failure);
	assert_true(o.settings.pin_digest);
	assert_false(o.image_pinned);
	assert_string_equal(o.settings.image_pull_policy, "IfNotPresent");
	options_free(&o);
	assert_int_equal(parse(&o, set, NULL, err, sizeof(err)), 0);
	assert_int_equal(o.settings.mode, WH_MODE_AUDIT);
	assert_true(o.settings.lock);
	assert_false(o.settings.no_new_privs);
	assert_true(o.settings.allow_image_gid);
	assert_true(o.settings.skip_on_lookup_failure);
	assert_false(o.settings.pin_digest);
	assert_true(o.image_pinned);
	options_free(&o);
	/* the variables, and a flag that wins over one */
	assert_int_equal(parse(&o, none, env, err, sizeof(err)), 0);
	assert_int_equal(o.settings.mode, WH_MODE_REFUSE);
	assert_true(o.settings.lock);
	options_free(&o);
	assert_int_equal(parse(&o, set, env, err, sizeof(err)), 0);
	assert_int_equal(o.settings.mode, WH_MODE_AUDIT);
	options_free(&o);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&o, bad[i], NULL, err, sizeof(err)), -1);
		print_message("# %s\n", err);
		options_free(&o);
	}
	assert_int_equal(parse(&o, bad[0], NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--image=Strict-Groups: "));
	options_free(&o);
}

/* kubectl exec reviews (issue 16): --exec-unwrapped, the API server's
 * address and credentials (flags and variables); none by default. */
static void test_exec_flags(void **state)
{
	char *argv[] = {(char *)"w",
			(char *)"--tls-cert=c",
			(char *)"--tls-key=k",
			(char *)"--image=i",
			(char *)"--exec-unwrapped=allow",
			(char *)"--kube-api=https://10.0.0.1:6443",
			(char *)"--kube-ca=/ca.crt"};
	char *envp[] = {(char *)"STRICT_GROUPS_WEBHOOK_KUBE_TOKEN_FILE=/token", NULL};
	char *bad[] = {(char *)"w", (char *)"--tls-cert=c", (char *)"--tls-key=k",
		       (char *)"--image=i", (char *)"--exec-unwrapped=yes"};
	char err[256];
	struct wh_options o;

	(void)state;
	assert_int_equal(options_parse(&o, 4, argv, NULL, err, sizeof(err)), 0);
	assert_false(o.settings.exec_unwrapped_allow);
	assert_null(o.kube_api);
	assert_null(o.kube_token_file);
	assert_null(o.kube_ca);
	options_free(&o);
	assert_int_equal(options_parse(&o, 7, argv, envp, err, sizeof(err)), 0);
	assert_true(o.settings.exec_unwrapped_allow);
	assert_string_equal(o.kube_api, "https://10.0.0.1:6443");
	assert_string_equal(o.kube_ca, "/ca.crt");
	assert_string_equal(o.kube_token_file, "/token");
	options_free(&o);
	assert_int_equal(options_parse(&o, 5, bad, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--exec-unwrapped=yes: deny or allow"));
	options_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_security_flags),      cmocka_unit_test(test_registry_allow),
		cmocka_unit_test(test_registry_allow_many), cmocka_unit_test(test_other_lists),
		cmocka_unit_test(test_exec_flags),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
