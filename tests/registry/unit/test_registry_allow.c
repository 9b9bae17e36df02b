/* Unit tests of --registry-allow's entries and matching (webhook/imageref.c:
 * imageref_allow_check, imageref_allowed), table-driven: the registry a pod
 * names is that of its image reference normalised by Docker's rules
 * ("nginx" is docker.io's), compared without regard to ASCII case, the
 * port exactly as written; "*.SUFFIX[:PORT]" for the hosts under SUFFIX.
 * The cache's use of them (nothing sent for another registry) is in
 * test_imagecache.c, the webhook's in tests/webhook/50-images.bats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/image/imageref.h"

#define HEX64 "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"

static void test_entries(void **state)
{
	static const char *const valid[] = {
		"docker.io",
		"registry.example",
		"registry.example:5000",
		"Registry.Example:5000",
		"localhost",
		"localhost:5000",
		"127.0.0.1:5000",
		"[fc00::1]:5000",
		"[fc00::1]",
		"Docker", /* an uppercase first component is a registry name */
		"*.registry.example",
		"*.registry.example:8443",
		"*.example",
		"*.Example",
		"*.a-b.example",
	};
	static const struct {
		const char *entry, *reason;
	} invalid[] = {
		{"", "empty"},
		{"*", "'*' only as"},
		{"**.example", "'*' only as"},
		{"*example", "'*' only as"},
		{"a.*.example", "'*' only as"},
		{"*.a*", "'*' only as"},
		{"*.", "not a registry name"},
		{"*..example", "not a registry name"},
		{"*.0.5", "all digits"},
		{"*.10.0.0.5:443", "all digits"},
		{"*.[fc00::1]:5000", "not a registry name"},
		/* a name Docker's rules would read as a path of docker.io, or normalise */
		{"docker", "not a registry name"},
		{"index.docker.io", "not a registry name"},
		{"https://registry.example", "not a registry name"},
		{"registry.example/", "not a registry name"},
		{"registry.example/team", "not a registry name"},
		{"registry.example:", "not a registry name"},
		{"registry.example:http", "not a registry name"},
		{"registry.example:5000:1", "not a registry name"},
		{"registry example", "not a registry name"},
		{" registry.example", "not a registry name"},
		{"registry.example\n", "not a registry name"},
		{"-registry.example", "not a registry name"},
		{"registry.example,other.example", "not a registry name"},
		{"registry.example@sha256:" HEX64, "not a registry name"},
		{"[fc00::1", "not a registry name"},
	};
	char err[256], longname[300];

	(void)state;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		err[0] = '\0';
		if (imageref_allow_check(valid[i], err, sizeof(err)) != 0)
			fail_msg("%s: %s", valid[i], err);
	}
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		err[0] = '\0';
		if (imageref_allow_check(invalid[i].entry, err, sizeof(err)) == 0)
			fail_msg("accepted: \"%s\"", invalid[i].entry);
		if (!strstr(err, invalid[i].reason))
			fail_msg("\"%s\": %s (expected \"%s\")", invalid[i].entry, err,
				 invalid[i].reason);
		/* one line, whatever the entry */
		assert_null(strchr(err, '\n'));
	}
	/* longer than a registry name may be */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	longname[3] = '.';
	assert_int_equal(imageref_allow_check(longname, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than 255"));
	longname[255] = '\0';
	assert_int_equal(imageref_allow_check(longname, err, sizeof(err)), 0);
}

static const char *const allow[] = {
	"docker.io",      "registry.example:5000", "Mirror.Example",      "localhost:5000",
	"[fc00::1]:5000", "*.corp.example",        "*.corp.example:8443",
};

static void test_matching(void **state)
{
	static const struct {
		const char *image;
		bool allowed;
	} cases[] = {
		/* Docker's default registry, however the pod writes it */
		{"nginx", true},
		{"nginx:1.25", true},
		{"nginx@sha256:" HEX64, true},
		{"library/nginx:1.25", true},
		{"team/app", true},
		{"docker.io/library/nginx", true},
		{"index.docker.io/library/nginx", true},
		{"DOCKER.IO/library/nginx", true},
		{"docker.io:443/library/nginx", false},
		{"docker.io.evil.example/library/nginx", false},
		/* exact name, port included and as written */
		{"registry.example:5000/team/app:1", true},
		{"registry.example:5000/team/app@sha256:" HEX64, true},
		{"registry.example:5000/team/app:1@sha256:" HEX64, true},
		{"REGISTRY.example:5000/team/app", true},
		{"registry.example/team/app", false},
		{"registry.example:443/team/app", false},
		{"registry.example:50000/team/app", false},
		{"registry.example:500/team/app", false},
		{"registry.example:05000/team/app", false},
		{"a.registry.example:5000/team/app", false},
		{"mirror.example/app", true},
		{"mirror.example:443/app", false},
		{"localhost:5000/app", true},
		{"localhost/app", false},
		{"localhost:5001/app", false},
		{"[fc00::1]:5000/app", true},
		{"[FC00::1]:5000/app", true},
		{"[fc00::1]/app", false},
		{"[fc00::0:1]:5000/app", false}, /* the same address, written otherwise: refused */
		/* the wildcard: one label or more before the suffix, its port or none */
		{"a.corp.example/app", true},
		{"a.b.corp.example/app", true},
		{"A.CORP.EXAMPLE/app", true},
		{"a.corp.example:8443/app", true},
		{"a.corp.example:9443/app", false},
		{"corp.example/app", false},
		{"acorp.example/app", false},
		{"a.corp.example.evil.example/app", false},
		{"corp.example.evil.example/app", false},
		/* what a pod author would aim at */
		{"10.0.0.5:443/x:y", false},
		{"kubernetes.default.svc/x", false},
		{"kubernetes.default.svc:443/x", false},
		{"169.254.169.254:80/latest", false},
		{"localhost/x", false},
		{"[::1]:5000/x", false},
	};
	struct imageref ref;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (imageref_parse(cases[i].image, &ref, err, sizeof(err)) != 0)
			fail_msg("%s: %s", cases[i].image, err);
		if (imageref_allowed(ref.domain, allow, sizeof(allow) / sizeof(allow[0])) !=
		    cases[i].allowed)
			fail_msg("%s (registry %s): %s, expected %s", cases[i].image, ref.domain,
				 cases[i].allowed ? "refused" : "allowed",
				 cases[i].allowed ? "allowed" : "refused");
	}
	/* every entry of the table passes the check the flag makes */
	for (size_t i = 0; i < sizeof(allow) / sizeof(allow[0]); i++)
		assert_int_equal(imageref_allow_check(allow[i], err, sizeof(err)), 0);
	/* an empty list allows nothing here (the cache reads "no list" as every registry) */
	assert_false(imageref_allowed("docker.io", allow, 0));
	assert_false(imageref_allowed("", allow, sizeof(allow) / sizeof(allow[0])));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_matching),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
