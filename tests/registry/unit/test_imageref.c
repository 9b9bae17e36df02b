/* Unit tests of the image reference parser (webhook/imageref.c) and the
 * digest helpers (webhook/imagedigest.c). The table's inputs and results
 * are the facts of Docker's reference rules (distribution/reference's own
 * test cases, normalised the way ParseNormalizedNamed does), plus our
 * bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/image/imagedigest.h"
#include "webhook/image/imageref.h"

#define F64 "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define HEX64 "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"

struct valid_case {
	const char *input;
	const char *domain, *path, *tag, *digest;
};

static const struct valid_case valid[] = {
	{"docker/docker", "docker.io", "docker/docker", "latest", ""},
	{"library/debian", "docker.io", "library/debian", "latest", ""},
	{"debian", "docker.io", "library/debian", "latest", ""},
	{"localhost/library/debian", "localhost", "library/debian", "latest", ""},
	{"localhost/debian", "localhost", "debian", "latest", ""},
	{"LOCALDOMAIN/library/debian", "LOCALDOMAIN", "library/debian", "latest", ""},
	{"LOCALDOMAIN/debian", "LOCALDOMAIN", "debian", "latest", ""},
	{"docker.io/docker/docker", "docker.io", "docker/docker", "latest", ""},
	{"docker.io/library/debian", "docker.io", "library/debian", "latest", ""},
	{"docker.io/debian", "docker.io", "library/debian", "latest", ""},
	{"index.docker.io/docker/docker", "docker.io", "docker/docker", "latest", ""},
	{"index.docker.io/debian", "docker.io", "library/debian", "latest", ""},
	{"127.0.0.1:5000/docker/docker", "127.0.0.1:5000", "docker/docker", "latest", ""},
	{"127.0.0.1:5000/library/debian", "127.0.0.1:5000", "library/debian", "latest", ""},
	/* library/ only on docker.io */
	{"127.0.0.1:5000/debian", "127.0.0.1:5000", "debian", "latest", ""},
	/* one component without '/' is always a docker.io name */
	{"192.168.0.1", "docker.io", "library/192.168.0.1", "latest", ""},
	{"192.168.0.1:80", "docker.io", "library/192.168.0.1", "80", ""},
	{"localhost", "docker.io", "library/localhost", "latest", ""},
	{"localhost:5000", "docker.io", "library/localhost", "5000", ""},
	{"192.168.0.1:8/debian", "192.168.0.1:8", "debian", "latest", ""},
	{"192.168.0.2:25000/debian", "192.168.0.2:25000", "debian", "latest", ""},
	{"thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", "docker.io",
	 "library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", "latest", ""},
	{"[fc00::1]:5000/docker", "[fc00::1]:5000", "docker", "latest", ""},
	{"[fc00::1]:5000/docker/docker", "[fc00::1]:5000", "docker/docker", "latest", ""},
	{"[fc00:1:2:3:4:5:6:7]:5000/library/debian", "[fc00:1:2:3:4:5:6:7]:5000", "library/debian",
	 "latest", ""},
	{"docker.io/" HEX64, "docker.io", "library/" HEX64, "latest", ""},
	/* an uppercase first component is a domain */
	{"Docker/docker", "Docker", "docker", "latest", ""},
	{"DOCKER/docker", "DOCKER", "docker", "latest", ""},
	{"Foo/bar", "Foo", "bar", "latest", ""},
	{"docker-rules/docker", "docker.io", "docker-rules/docker", "latest", ""},
	{"docker---rules/docker", "docker.io", "docker---rules/docker", "latest", ""},
	{"doc/docker", "docker.io", "doc/docker", "latest", ""},
	{"d/docker", "docker.io", "d/docker", "latest", ""},
	{"jess/t", "docker.io", "jess/t", "latest", ""},
	{"dock__er/docker", "docker.io", "dock__er/docker", "latest", ""},
	{"test_com", "docker.io", "library/test_com", "latest", ""},
	{"test.com:tag", "docker.io", "library/test.com", "tag", ""},
	{"test.com:5000", "docker.io", "library/test.com", "5000", ""},
	{"test.com/repo:tag", "test.com", "repo", "tag", ""},
	{"test:5000/repo", "test:5000", "repo", "latest", ""},
	{"test:5000/repo:tag", "test:5000", "repo", "tag", ""},
	{"test:5000/repo@sha256:" F64, "test:5000", "repo", "", "sha256:" F64},
	{"test:5000/repo:tag@sha256:" F64, "test:5000", "repo", "tag", "sha256:" F64},
	{"lowercase:Uppercase", "docker.io", "library/lowercase", "Uppercase", ""},
	{"sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com", "bar/baz/quux", "latest", ""},
	{"sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com", "bar/baz/quux",
	 "some-long-tag", ""},
	{"b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io", "test.example.com/my-app",
	 "test.example.com", ""},
	{"xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com", "myimage", "xn--n3h.com", ""},
	{"xn--7o8h.com/myimage:xn--7o8h.com@sha256:" F64, "xn--7o8h.com", "myimage", "xn--7o8h.com",
	 "sha256:" F64},
	{"foo_bar.com:8080", "docker.io", "library/foo_bar.com", "8080", ""},
	{"foo/foo_bar.com:8080", "docker.io", "foo/foo_bar.com", "8080", ""},
	{"192.168.1.1/repo", "192.168.1.1", "repo", "latest", ""},
	{"192.168.1.1:5000/repo:5050", "192.168.1.1:5000", "repo", "5050", ""},
	{"[2001:db8::1]/repo", "[2001:db8::1]", "repo", "latest", ""},
	{"[2001:db8:1:2:3:4:5:6]/repo:tag", "[2001:db8:1:2:3:4:5:6]", "repo", "tag", ""},
	{"[2001:db8::1]:5000/repo:tag@sha256:" F64, "[2001:db8::1]:5000", "repo", "tag",
	 "sha256:" F64},
	{"[2001:db8::]:5000/repo", "[2001:db8::]:5000", "repo", "latest", ""},
	{"[::1]:5000/repo", "[::1]:5000", "repo", "latest", ""},
	{"busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa",
	 "docker.io", "library/busybox", "latest",
	 "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa"},
	{"a.b/c@sha512:" F64 F64, "a.b", "c", "", "sha512:" F64 F64},
	{"a.b/c@sha384:" F64 "ffffffffffffffffffffffffffffffff", "a.b", "c", "",
	 "sha384:" F64 "ffffffffffffffffffffffffffffffff"},
	{"registry.example:443/team/app_1.2-x__y:v1.0_rc-1", "registry.example:443",
	 "team/app_1.2-x__y", "v1.0_rc-1", ""},
	{"ex.com/a:_", "ex.com", "a", "_", ""},
};

struct invalid_case {
	const char *input;
	const char *reason; /* a part of the message */
};

static const struct invalid_case invalid[] = {
	{"", "empty"},
	{"https://github.com/docker/docker", "invalid"},
	{"docker/Docker", "lowercase"},
	{"-docker", "invalid repository name"},
	{"-docker/docker", "invalid repository name"},
	{"-docker.io/docker/docker", "invalid registry name"},
	{"docker///docker", "invalid repository name"},
	{"docker.io/docker/Docker", "lowercase"},
	{"docker.io/docker///docker", "invalid repository name"},
	{"[fc00::1]", "invalid repository name"},
	{"[fc00::1]:5000", "invalid"},
	{"fc00::1:5000/debian", "invalid registry name"},
	{"[fe80::1%eth0]:5000/debian", "invalid registry name"},
	{"[2001:db8:3:4::192.0.2.33]:5000/debian", "invalid registry name"},
	{"[fe80::1%@invalidzone]:5000/repo", "invalid"},
	{"[2001:db8::1]", "invalid"},
	{"[2001:db8::1]:tag", "invalid"},
	{"[]/repo", "invalid repository name"},
	{"[]:5/repo", "invalid registry name"},
	{HEX64, "image ID"},
	{"docker-/docker", "invalid repository name"},
	{"-docker-/docker", "invalid repository name"},
	{"____/____", "invalid repository name"},
	{"_docker/_docker", "invalid repository name"},
	{"dock..er/docker", "invalid registry name"},
	{"dock..er/docker", "invalid registry name"},
	{"dock..er/docker", "invalid registry name"},
	{"dock___er/docker", "invalid repository name"},
	{"docker/", "invalid repository name"},
	{"ex.com/", "invalid repository name"},
	{":justtag", "invalid repository name"},
	{"@sha256:" F64, "invalid repository name"},
	{"repo@sha256:ffffffffffffffffffffffffffffffffff", "digest length"},
	{"validname@invaliddigest:" F64, "unsupported digest"},
	{"validname@md5:ffffffffffffffffffffffffffffffff", "unsupported digest"},
	{"validname@sha256:"
	 "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
	 "lowercase hex"},
	{"validname@sha256:fff", "invalid digest format"},
	{"validname@sha256", "invalid digest format"},
	{"validname@", "invalid digest format"},
	{"validname@1sha:" F64, "invalid digest format"},
	{"Uppercase:tag", "lowercase"},
	{"test:5000/Uppercase/lowercase:tag", "lowercase"},
	{"aa/asdf$$^/aa", "invalid repository name"},
	{"foo:", "invalid tag"},
	{"foo:-bar", "invalid tag"},
	{"foo:.bar", "invalid tag"},
	{"foo:bar:baz", "invalid tag"},
	{"foo:bar/baz", "invalid"},
	{"foo bar", "invalid repository name"},
	{"foo\n", "invalid repository name"},
	{"ex.com/foo@sha256:" F64 "@sha256:" F64, "invalid digest format"},
	{"ex.com:/foo", "invalid registry name"},
	{"ex.com:5x/foo", "invalid registry name"},
	{".ex.com/foo", "invalid registry name"},
	{"ex..com/foo", "invalid registry name"},
	{"ex-.com/foo", "invalid registry name"},
	{"ex_com.x/foo", "invalid registry name"},
};

static void test_valid_references(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		struct imageref r;
		char err[512] = "";

		if (imageref_parse(valid[i].input, &r, err, sizeof(err)) != 0)
			fail_msg("%s: %s", valid[i].input, err);
		assert_string_equal(r.domain, valid[i].domain);
		assert_string_equal(r.path, valid[i].path);
		assert_string_equal(r.tag, valid[i].tag);
		assert_string_equal(r.digest, valid[i].digest);
		assert_int_equal(r.tag_defaulted,
				 strcmp(valid[i].tag, "latest") == 0 &&
					 !strstr(valid[i].input, ":latest"));
	}
}

static void test_invalid_references(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		struct imageref r;
		char err[512] = "";

		memset(&r, 0x55, sizeof(r));
		if (imageref_parse(invalid[i].input, &r, err, sizeof(err)) == 0)
			fail_msg("accepted \"%s\" as %s/%s", invalid[i].input, r.domain, r.path);
		if (!strstr(err, invalid[i].reason))
			fail_msg("\"%s\": \"%s\" lacks \"%s\"", invalid[i].input, err,
				 invalid[i].reason);
		assert_null(strchr(err, '\n'));
		/* never a partial result */
		assert_string_equal(r.domain, "");
		assert_string_equal(r.path, "");
	}
}

static void test_lengths(void **state)
{
	char buf[2048], err[512];
	struct imageref r;

	(void)state;
	/* the path may be 255 characters, not 256 */
	snprintf(buf, sizeof(buf), "example.com/%0255d:tag", 0);
	memset(buf + 12, 'a', 255);
	assert_int_equal(imageref_parse(buf, &r, err, sizeof(err)), 0);
	assert_int_equal(strlen(r.path), 255);
	snprintf(buf, sizeof(buf), "example.com/%0256d:tag", 0);
	memset(buf + 12, 'a', 256);
	assert_int_equal(imageref_parse(buf, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than 255"));
	/* "domain" is not a domain: the path is domain/aaa... (263 > 255) */
	snprintf(buf, sizeof(buf), "domain/%0256d:tag", 0);
	memset(buf + 7, 'a', 256);
	assert_int_equal(imageref_parse(buf, &r, err, sizeof(err)), -1);
	/* 127 "a/" and "a": 255 characters on docker.io, no library/ */
	for (int i = 0; i < 127; i++)
		memcpy(buf + 2 * (size_t)i, "a/", 2);
	snprintf(buf + 254, sizeof(buf) - 254, "a:tag-puts-this-over-max");
	assert_int_equal(imageref_parse(buf, &r, err, sizeof(err)), 0);
	assert_string_equal(r.domain, "docker.io");
	assert_int_equal(strlen(r.path), 255);
	/* library/ counts: 248 characters + library/ = 256 */
	memset(buf, 'b', 248);
	buf[248] = '\0';
	assert_int_equal(imageref_parse(buf, &r, err, sizeof(err)), -1);
	buf[247] = '\0';
	assert_int_equal(imageref_parse(buf, &r, err, sizeof(err)), 0);
	/* a tag of 128 characters, not 129 */
	memcpy(buf, "ex.com/a:", 9);
	memset(buf + 9, 't', 128);
	buf[9 + 128] = '\0';
	assert_int_equal(imageref_parse(buf, &r, err, sizeof(err)), 0);
	buf[9 + 128] = 't';
	buf[9 + 129] = '\0';
	assert_int_equal(imageref_parse(buf, &r, err, sizeof(err)), -1);
	/* input over 1024 characters is refused whole */
	memset(buf, 'c', 1500);
	buf[1500] = '\0';
	assert_int_equal(imageref_parse(buf, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than 1024"));
	/* a registry name over 255 characters */
	memset(buf, 'd', 300);
	memcpy(buf + 300, ".x/y", 5);
	assert_int_equal(imageref_parse(buf, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "registry name longer"));
}

static void test_canonical_forms(void **state)
{
	static const struct {
		const char *input, *name, *canonical;
	} cases[] = {
		{"busybox", "docker.io/library/busybox", "docker.io/library/busybox:latest"},
		{"busybox:1.36", "docker.io/library/busybox", "docker.io/library/busybox:1.36"},
		{"busybox:1.36@sha256:" F64, "docker.io/library/busybox",
		 "docker.io/library/busybox@sha256:" F64},
		{"index.docker.io/x/y@sha256:" F64, "docker.io/x/y", "docker.io/x/y@sha256:" F64},
		{"localhost:5000/a/b:c", "localhost:5000/a/b", "localhost:5000/a/b:c"},
		{"[::1]:5000/repo", "[::1]:5000/repo", "[::1]:5000/repo:latest"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct imageref r;
		char buf[IMAGEREF_TEXT_MAX + 1], err[256];

		assert_int_equal(imageref_parse(cases[i].input, &r, err, sizeof(err)), 0);
		assert_true(imageref_name(&r, buf, sizeof(buf)) > 0);
		assert_string_equal(buf, cases[i].name);
		assert_true(imageref_canonical(&r, buf, sizeof(buf)) > 0);
		assert_string_equal(buf, cases[i].canonical);
		/* the canonical form parses back to itself */
		assert_int_equal(imageref_parse(cases[i].canonical, &r, err, sizeof(err)), 0);
		assert_true(imageref_canonical(&r, buf, sizeof(buf)) > 0);
		assert_string_equal(buf, cases[i].canonical);
		/* a buffer too small is an error, not a truncated name */
		assert_int_equal(imageref_canonical(&r, buf, 10), -1);
	}
}

static void test_host_port(void **state)
{
	static const struct {
		const char *input, *host;
		unsigned port;
		int rc;
	} cases[] = {
		{"busybox", "docker.io", 0, 0},
		{"localhost:5000/a", "localhost", 5000, 0},
		{"[::1]:5000/a", "[::1]", 5000, 0},
		{"[::1]/a", "[::1]", 0, 0},
		{"ex.com:65535/a", "ex.com", 65535, 0},
		{"ex.com:65536/a", NULL, 0, -1},
		{"ex.com:0/a", NULL, 0, -1},
		{"ex.com:99999999999999999999/a", NULL, 0, -1},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct imageref r;
		char host[IMAGEREF_DOMAIN_MAX + 1], err[256];
		unsigned port = 7;

		assert_int_equal(imageref_parse(cases[i].input, &r, err, sizeof(err)), 0);
		assert_int_equal(imageref_host_port(&r, host, sizeof(host), &port), cases[i].rc);
		if (cases[i].rc == 0) {
			assert_string_equal(host, cases[i].host);
			assert_int_equal(port, cases[i].port);
		}
	}
}

static void test_digests(void **state)
{
	char out[IMAGE_DIGEST_MAX + 1];

	(void)state;
	/* known answers: sha256("") and sha256("abc") */
	imagedigest_of(DIGEST_SHA256, "", 0, out);
	assert_string_equal(
		out, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	imagedigest_of(DIGEST_SHA256, "abc", 3, out);
	assert_string_equal(
		out, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	imagedigest_of(DIGEST_SHA512, "abc", 3, out);
	assert_string_equal(
		out,
		"sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		"2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
	imagedigest_of(DIGEST_SHA384, "abc", 3, out);
	assert_string_equal(
		out,
		"sha384:cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
		"8086072ba1e7cc2358baeca134c825a7");
	assert_int_equal(
		imagedigest_matches(
			"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
			"abc", 3),
		1);
	/* one byte changed, one byte missing, one byte more */
	assert_int_equal(
		imagedigest_matches(
			"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
			"abd", 3),
		0);
	assert_int_equal(
		imagedigest_matches(
			"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
			"ab", 2),
		0);
	assert_int_equal(
		imagedigest_matches(
			"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
			"abcd", 4),
		0);
	/* an uppercase copy of the right digest is not a digest */
	assert_int_equal(
		imagedigest_matches(
			"sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
			"abc", 3),
		-1);
	assert_int_equal(imagedigest_matches("md5:900150983cd24fb0d6963f7d28e17f72", "abc", 3), -1);
	assert_int_equal(imagedigest_check_syntax("sha256:", 7, NULL), DIGEST_BAD_FORMAT);
	assert_int_equal(imagedigest_check_syntax(":" F64, 65, NULL), DIGEST_BAD_FORMAT);
	assert_int_equal(imagedigest_check_syntax("sha256+b64:abc", 14, NULL), DIGEST_UNSUPPORTED);
	assert_int_equal(imagedigest_check_syntax("SHA256:" F64, 71, NULL), DIGEST_BAD_FORMAT);
	assert_int_equal(imagedigest_check_syntax("sha256:" F64 "f", 72, NULL), DIGEST_BAD_LENGTH);
	assert_int_equal(imagedigest_check_syntax("sha256:" F64, 71, NULL), DIGEST_VALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_references), cmocka_unit_test(test_invalid_references),
		cmocka_unit_test(test_lengths),          cmocka_unit_test(test_canonical_forms),
		cmocka_unit_test(test_host_port),        cmocka_unit_test(test_digests),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
