/* Unit tests of manifest parsing, platform selection, the comparison of an
 * index's platforms and the digest checks (webhook/registry_manifest.c,
 * webhook/imageconfig.c), over the fixtures of tests/registry/fixtures
 * (make-fixtures.sh) served by digest the way a registry serves them. */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/image/imageconfig.h"
#include "webhook/image/imagedigest.h"
#include "webhook/image/registry_manifest.h"

#ifndef FIXTURES
#define FIXTURES "tests/registry/fixtures"
#endif

struct fixture {
	char name[256];
	char *body;
	size_t len;
	char digest[IMAGE_DIGEST_MAX + 1];
};

static struct fixture fixtures[64];
static size_t n_fixtures;

/* The fake registry: fetch counts, one digest answered with a flipped
 * byte, one digest missing. */
struct source_state {
	unsigned fetches;
	unsigned fetched_attest;
	const char *tamper;
	const char *missing;
};

static const struct fixture *fixture(const char *name)
{
	for (size_t i = 0; i < n_fixtures; i++)
		if (strcmp(fixtures[i].name, name) == 0)
			return &fixtures[i];
	fail_msg("no fixture %s (run tests/registry/fixtures/make-fixtures.sh)", name);
	return NULL;
}

static int load_fixtures(void **state)
{
	glob_t g;

	(void)state;
	if (glob(FIXTURES "/*.json", 0, NULL, &g) != 0)
		return -1;
	for (size_t i = 0; i < g.gl_pathc && n_fixtures < 64; i++) {
		struct fixture *f = &fixtures[n_fixtures];
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;
		FILE *fp;
		long len;

		snprintf(f->name, sizeof(f->name), "%s", base);
		fp = fopen(g.gl_pathv[i], "rb");
		if (!fp || fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0) {
			if (fp)
				fclose(fp);
			globfree(&g);
			return -1;
		}
		rewind(fp);
		f->body = malloc((size_t)len + 1);
		f->len = fread(f->body, 1, (size_t)len, fp);
		f->body[f->len] = '\0';
		fclose(fp);
		imagedigest_of(DIGEST_SHA256, f->body, f->len, f->digest);
		n_fixtures++;
	}
	globfree(&g);
	return n_fixtures > 20 ? 0 : -1;
}

static int free_fixtures(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_fixtures; i++)
		free(fixtures[i].body);
	return 0;
}

static enum image_error fetch(void *ctx, const struct registry_manifest_descriptor *d,
			      bool is_manifest, char **body, size_t *len, char *ct, size_t ctlen,
			      char *err, size_t errlen)
{
	struct source_state *s = ctx;

	(void)is_manifest;
	s->fetches++;
	if (ct && ctlen)
		snprintf(ct, ctlen, "%s", d->media_type);
	if (s->missing && strcmp(d->digest, s->missing) == 0) {
		snprintf(err, errlen, "not found");
		return IMAGE_ERR_NOT_FOUND;
	}
	for (size_t i = 0; i < n_fixtures; i++) {
		if (strcmp(fixtures[i].digest, d->digest) != 0)
			continue;
		if (strcmp(fixtures[i].name, "manifest-attest.json") == 0 ||
		    strcmp(fixtures[i].name, "config-attest.json") == 0)
			s->fetched_attest++;
		*body = malloc(fixtures[i].len + 1);
		memcpy(*body, fixtures[i].body, fixtures[i].len);
		*len = fixtures[i].len;
		if (s->tamper && strcmp(d->digest, s->tamper) == 0)
			(*body)[*len / 2] ^= 0x20;
		return IMAGE_OK;
	}
	snprintf(err, errlen, "unknown digest");
	return IMAGE_ERR_NOT_FOUND;
}

static enum image_error resolve(const char *top, const char *platform, struct source_state *s,
				struct imageconfig *out, char *err, size_t errlen,
				const char *content_type, bool with_digest)
{
	const struct fixture *f = fixture(top);
	struct registry_manifest_source src = {s, fetch};
	struct imageconfig_platform want;

	assert_int_equal(imageconfig_platform_parse(platform, &want, err, errlen), 0);
	return registry_manifest_resolve("reg.test/team/app", f->body, f->len, content_type,
					 with_digest ? f->digest : NULL, &want, &src, out, err,
					 errlen);
}

static void expect_exec(const struct imageconfig *c)
{
	assert_int_equal(c->n_entrypoint, 2);
	assert_string_equal(c->entrypoint[0], "/bin/sh");
	assert_string_equal(c->entrypoint[1], "-c");
	assert_int_equal(c->n_cmd, 1);
	assert_string_equal(c->cmd[0], "echo $HOME $(id -u)");
	assert_string_equal(c->user, "1000:1000");
	assert_true(c->has_entrypoint);
	assert_true(c->has_cmd);
}

static void expect_digest_ref(const struct imageconfig *c, const char *top)
{
	char want[256];

	snprintf(want, sizeof(want), "reg.test/team/app@%s", fixture(top)->digest);
	assert_string_equal(c->digest_ref, want);
}

static void test_single_manifests(void **state)
{
	static const char *const tops[] = {
		"manifest-oci-amd64.json",
		"manifest-docker-amd64.json",
		"manifest-oci-no-media-type.json",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(tops) / sizeof(tops[0]); i++) {
		struct source_state s = {0};
		struct imageconfig c;
		char err[512] = "";
		enum image_error rc =
			resolve(tops[i], "linux/amd64", &s, &c, err, sizeof(err), NULL, i % 2 == 0);

		if (rc != IMAGE_OK)
			fail_msg("%s: %s", tops[i], err);
		expect_exec(&c);
		expect_digest_ref(&c, tops[i]);
		assert_string_equal(c.manifest_digest, fixture(tops[i])->digest);
		assert_string_equal(c.platform, "linux/amd64");
		assert_int_equal(s.fetches, 1); /* the config only */
		imageconfig_free(&c);
	}
}

static void test_index_selection(void **state)
{
	static const struct {
		const char *top, *platform, *manifest;
	} cases[] = {
		{"index-oci.json", "linux/amd64", "manifest-oci-amd64.json"},
		{"index-oci.json", "linux/x86_64", "manifest-oci-amd64.json"},
		{"index-oci.json", "linux/arm64", "manifest-oci-arm64.json"},
		{"index-oci.json", "linux/arm64/v8", "manifest-oci-arm64.json"},
		{"index-oci.json", "linux/aarch64", "manifest-oci-arm64.json"},
		{"list-docker.json", "linux/amd64", "manifest-docker-amd64.json"},
		{"list-docker.json", "linux/arm64", "manifest-docker-arm64.json"},
		{"index-attest-annotation.json", "linux/amd64", "manifest-oci-amd64.json"},
		/* no platform in the descriptor: the config's decides */
		{"index-noplatform.json", "linux/amd64", "manifest-oci-amd64.json"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct source_state s = {0};
		struct imageconfig c;
		char err[512] = "";
		enum image_error rc = resolve(cases[i].top, cases[i].platform, &s, &c, err,
					      sizeof(err), NULL, true);

		if (rc != IMAGE_OK)
			fail_msg("%s %s: %s", cases[i].top, cases[i].platform, err);
		expect_exec(&c);
		/* pinned to the index, not to the platform's manifest */
		expect_digest_ref(&c, cases[i].top);
		if (cases[i].manifest)
			assert_string_equal(c.manifest_digest, fixture(cases[i].manifest)->digest);
		/* attestation entries are never read */
		assert_int_equal(s.fetched_attest, 0);
		imageconfig_free(&c);
	}
}

static void test_index_errors(void **state)
{
	static const struct {
		const char *top, *platform;
		const char *reason;
		enum image_error rc;
		unsigned max_fetches;
	} cases[] = {
		{"index-oci.json", "linux/s390x",
		 "no image for platform linux/s390x in the index (it has: linux/amd64, linux/arm64)",
		 IMAGE_ERR_NO_PLATFORM, 0},
		{"index-oci.json", "linux/arm/v7", "linux/arm/v7", IMAGE_ERR_NO_PLATFORM, 0},
		{"index-oci.json", "windows/amd64", "windows/amd64", IMAGE_ERR_NO_PLATFORM, 0},
		{"index-disagree.json", "linux/amd64",
		 "linux/amd64 and linux/arm64 have different CMD", IMAGE_ERR_PLATFORMS_DISAGREE, 4},
		/* disagreeing platforms: denied whichever one is asked for */
		{"index-disagree.json", "linux/arm64", "different CMD",
		 IMAGE_ERR_PLATFORMS_DISAGREE, 4},
		{"index-nested.json", "linux/amd64", "nested", IMAGE_ERR_UNSUPPORTED, 0},
		{"index-noplatform.json", "linux/arm64", "(no platform)", IMAGE_ERR_NO_PLATFORM, 2},
		/* neither the entry nor its config names a platform */
		{"index-unknown-platform.json", "linux/amd64", "(no platform)",
		 IMAGE_ERR_NO_PLATFORM, 2},
		{"index-wrong-media-type.json", "linux/amd64", "differs", IMAGE_ERR_MALFORMED, 1},
		{"index-oversize.json", "linux/amd64", "over the limit", IMAGE_ERR_MALFORMED, 0},
		{"manifest-oci-amd64.json", "linux/arm64",
		 "the image is for linux/amd64, not linux/arm64", IMAGE_ERR_NO_PLATFORM, 1},
		{"manifest-schema1.json", "linux/amd64", "schema 1", IMAGE_ERR_UNSUPPORTED, 0},
		{"manifest-artifact.json", "linux/amd64", "not a container image",
		 IMAGE_ERR_UNSUPPORTED, 0},
		{"manifest-ambiguous.json", "linux/amd64", "ambiguous", IMAGE_ERR_MALFORMED, 0},
		{"manifest-oci-bad-cmd.json", "linux/amd64", "config.Cmd[1] is not a string",
		 IMAGE_ERR_MALFORMED, 1},
		{"config-amd64.json", "linux/amd64", "schemaVersion", IMAGE_ERR_MALFORMED, 0},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct source_state s = {0};
		struct imageconfig c;
		char err[512] = "";
		enum image_error rc = resolve(cases[i].top, cases[i].platform, &s, &c, err,
					      sizeof(err), NULL, false);

		print_message("# %s %s: %s\n", cases[i].top, cases[i].platform, err);
		assert_int_equal(rc, cases[i].rc);
		if (!strstr(err, cases[i].reason))
			fail_msg("\"%s\" lacks \"%s\"", err, cases[i].reason);
		assert_true(s.fetches <= cases[i].max_fetches);
		/* nothing is left in out on an error */
		assert_null(c.digest_ref);
		assert_null(c.entrypoint);
		assert_null(c.user);
	}
}

static void test_digest_checks(void **state)
{
	static const struct {
		const char *top, *tamper;
	} cases[] = {
		/* the config blob of a single manifest */
		{"manifest-oci-amd64.json", "config-amd64.json"},
		/* a platform's manifest in an index, and its config */
		{"index-oci.json", "manifest-oci-arm64.json"},
		{"index-oci.json", "config-arm64.json"},
		{"list-docker.json", "manifest-docker-amd64.json"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct source_state s = {.tamper = fixture(cases[i].tamper)->digest};
		struct imageconfig c;
		char err[512] = "";

		assert_int_equal(
			resolve(cases[i].top, "linux/amd64", &s, &c, err, sizeof(err), NULL, true),
			IMAGE_ERR_DIGEST);
		assert_non_null(strstr(err, "does not match its digest"));
		assert_non_null(strstr(err, fixture(cases[i].tamper)->digest));
	}
}

static void test_top_digest(void **state)
{
	const struct fixture *f = fixture("manifest-oci-amd64.json");
	const struct fixture *other = fixture("manifest-docker-amd64.json");
	struct source_state s = {0};
	struct registry_manifest_source src = {&s, fetch};
	struct imageconfig_platform want;
	struct imageconfig c;
	char err[512];

	(void)state;
	imageconfig_platform_parse("linux/amd64", &want, err, sizeof(err));
	/* a document that is not what the digest (the reference's, or the
	 * registry's Docker-Content-Digest) names */
	assert_int_equal(registry_manifest_resolve("r/x", f->body, f->len, NULL, other->digest,
						   &want, &src, &c, err, sizeof(err)),
			 IMAGE_ERR_DIGEST);
	assert_int_equal(s.fetches, 0);
	assert_int_equal(registry_manifest_resolve("r/x", f->body, f->len, NULL, "sha256:abc",
						   &want, &src, &c, err, sizeof(err)),
			 IMAGE_ERR_MALFORMED);
	/* sha512 digests are checked with sha512 */
	{
		char d512[IMAGE_DIGEST_MAX + 1];

		imagedigest_of(DIGEST_SHA512, f->body, f->len, d512);
		assert_int_equal(registry_manifest_resolve("r/x", f->body, f->len, NULL, d512,
							   &want, &src, &c, err, sizeof(err)),
				 IMAGE_OK);
		assert_non_null(strstr(c.digest_ref, "r/x@sha512:"));
		imageconfig_free(&c);
	}
}

static void test_content_types(void **state)
{
	struct source_state s = {0};
	struct imageconfig c;
	char err[512];

	(void)state;
	/* the header agrees, with parameters and case */
	assert_int_equal(resolve("manifest-oci-amd64.json", "linux/amd64", &s, &c, err, sizeof(err),
				 " application/vnd.OCI.image.manifest.v1+json; charset=utf-8",
				 true),
			 IMAGE_OK);
	imageconfig_free(&c);
	/* the header names another kind than the document */
	assert_int_equal(resolve("manifest-oci-amd64.json", "linux/amd64", &s, &c, err, sizeof(err),
				 MEDIA_DOCKER_MANIFEST, true),
			 IMAGE_ERR_MALFORMED);
	assert_int_equal(resolve("index-oci.json", "linux/amd64", &s, &c, err, sizeof(err),
				 MEDIA_OCI_MANIFEST, true),
			 IMAGE_ERR_MALFORMED);
	/* a document without mediaType takes the header's */
	assert_int_equal(resolve("manifest-oci-no-media-type.json", "linux/amd64", &s, &c, err,
				 sizeof(err), MEDIA_OCI_MANIFEST, true),
			 IMAGE_OK);
	imageconfig_free(&c);
	/* ... and an index header on a manifest-shaped document is refused */
	assert_int_equal(resolve("manifest-oci-no-media-type.json", "linux/amd64", &s, &c, err,
				 sizeof(err), MEDIA_OCI_INDEX, true),
			 IMAGE_ERR_MALFORMED);
}

static void test_fetch_errors_propagate(void **state)
{
	struct source_state s = {.missing = fixture("manifest-oci-arm64.json")->digest};
	struct imageconfig c;
	char err[512];

	(void)state;
	assert_int_equal(
		resolve("index-oci.json", "linux/amd64", &s, &c, err, sizeof(err), NULL, true),
		IMAGE_ERR_NOT_FOUND);
	assert_null(c.digest_ref);
}

static void test_parse_shapes(void **state)
{
	struct registry_manifest m;
	char err[256];
	static const char *const bad[] = {
		"",
		"[]",
		"{}",
		"{\"schemaVersion\":2}",
		"{\"schemaVersion\":\"2\",\"manifests\":[]}",
		"{\"schemaVersion\":2,\"manifests\":{}}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":\"sha256:00\",\"size\":1}]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"size\":1}]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"size\":-1}]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"size\":1,\"platform\":{\"os\":\"linux\"}}]}",
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"a/b\"}}]}",
		/* duplicate keys: another parser could take the other one */
		"{\"schemaVersion\":2,\"schemaVersion\":2,\"manifests\":[]}",
		"{\"schemaVersion\":2,\"mediaType\":7,\"manifests\":[]}",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum image_error rc =
			registry_manifest_parse(bad[i], strlen(bad[i]), NULL, &m, err, sizeof(err));

		print_message("# bad[%zu]: %s\n", i, err);
		assert_true(rc == IMAGE_ERR_MALFORMED || rc == IMAGE_ERR_UNSUPPORTED);
		assert_null(m.entries);
	}
	assert_int_equal(registry_manifest_parse("{\"schemaVersion\":2,\"manifests\":[]}", 34, NULL,
						 &m, err, sizeof(err)),
			 IMAGE_OK);
	assert_int_equal(m.kind, MANIFEST_OCI_INDEX);
	assert_int_equal(m.n_entries, 0);
	registry_manifest_free(&m);
}

static void test_empty_index(void **state)
{
	static const char body[] =
		"{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_OCI_INDEX "\",\"manifests\":[]}";
	struct source_state s = {0};
	struct registry_manifest_source src = {&s, fetch};
	struct imageconfig_platform want;
	struct imageconfig c;
	char err[512];

	(void)state;
	imageconfig_platform_parse("linux/amd64", &want, err, sizeof(err));
	assert_int_equal(registry_manifest_resolve("r/x", body, strlen(body), NULL, NULL, &want,
						   &src, &c, err, sizeof(err)),
			 IMAGE_ERR_NO_PLATFORM);
	assert_non_null(strstr(err, "it has: none"));
}

static void test_config_parse(void **state)
{
	static const struct {
		const char *json;
		int rc;
	} cases[] = {
		{"{}", 0},
		{"{\"config\":null}", 0},
		{"{\"config\":{\"Entrypoint\":null,\"Cmd\":[]}}", 0},
		{"{\"config\":{\"User\":\"\"}}", 0},
		{"[]", -1},
		{"{\"config\":[]}", -1},
		{"{\"config\":{\"Entrypoint\":\"/bin/sh\"}}", -1},
		{"{\"config\":{\"Cmd\":[null]}}", -1},
		{"{\"config\":{\"User\":1000}}", -1},
		{"{\"os\":7}", -1},
		{"{\"os\":\"linux\",\"architecture\":\"amd 64\"}", -1},
		{"{\"config\":{\"Cmd\":[\"a\\u0000b\"]}}", -1},
		{"{\"config\":{},\"config\":{}}", -1},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct imageconfig c;
		struct imageconfig_platform p;
		bool has_p;
		char err[256] = "";

		assert_int_equal(imageconfig_parse(cases[i].json, strlen(cases[i].json), &c, &p,
						   &has_p, err, sizeof(err)),
				 cases[i].rc);
		print_message("# config[%zu] %s\n", i, err);
		if (cases[i].rc == 0) {
			assert_false(c.has_entrypoint);
			assert_string_equal(c.user, "");
			imageconfig_free(&c);
		} else {
			assert_null(c.user);
			assert_false(has_p);
		}
	}
}

static void test_empty_entrypoint_image(void **state)
{
	struct source_state s = {0};
	struct imageconfig c;
	char err[512];

	(void)state;
	assert_int_equal(resolve("manifest-oci-empty-entrypoint.json", "linux/amd64", &s, &c, err,
				 sizeof(err), NULL, true),
			 IMAGE_OK);
	assert_true(c.has_entrypoint);
	assert_int_equal(c.n_entrypoint, 1);
	assert_string_equal(c.entrypoint[0], "");
	assert_false(c.has_cmd);
	imageconfig_free(&c);
}

static void test_platforms(void **state)
{
	static const struct {
		const char *text, *normal;
	} ok[] = {
		{"linux/amd64", "linux/amd64"},    {"linux/x86_64", "linux/amd64"},
		{"linux/amd64/v1", "linux/amd64"}, {"linux/amd64/v3", "linux/amd64/v3"},
		{"linux/arm64/v8", "linux/arm64"}, {"linux/aarch64", "linux/arm64"},
		{"linux/arm", "linux/arm/v7"},     {"linux/armhf", "linux/arm/v7"},
		{"linux/arm/6", "linux/arm/v6"},   {"Linux/AMD64", "linux/amd64"},
		{"linux/i386", "linux/386"},
	};
	static const char *const bad[] = {
		"",
		"linux",
		"linux/",
		"/amd64",
		"linux/amd64/",
		"linux/amd64/v1/x",
		"linux/amd 64",
		"linux/amd64\n",
		"linux/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct imageconfig_platform p;
		char buf[96], err[256];

		assert_int_equal(imageconfig_platform_parse(ok[i].text, &p, err, sizeof(err)), 0);
		imageconfig_platform_format(&p, buf, sizeof(buf));
		assert_string_equal(buf, ok[i].normal);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct imageconfig_platform p;
		char err[256];

		assert_int_equal(imageconfig_platform_parse(bad[i], &p, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "OS/ARCH"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_manifests),
		cmocka_unit_test(test_index_selection),
		cmocka_unit_test(test_index_errors),
		cmocka_unit_test(test_digest_checks),
		cmocka_unit_test(test_top_digest),
		cmocka_unit_test(test_content_types),
		cmocka_unit_test(test_fetch_errors_propagate),
		cmocka_unit_test(test_parse_shapes),
		cmocka_unit_test(test_empty_index),
		cmocka_unit_test(test_config_parse),
		cmocka_unit_test(test_empty_entrypoint_image),
		cmocka_unit_test(test_platforms),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, load_fixtures, free_fixtures);
}
