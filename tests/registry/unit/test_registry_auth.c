/* Unit tests of the WWW-Authenticate parser, the token answer and Docker
 * config.json credentials (webhook/registry_auth.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/image/registry_auth.h"

static void test_challenges(void **state)
{
	static const struct {
		const char *header;
		enum registry_auth_scheme scheme;
		const char *realm, *service, *scope;
	} ok[] = {
		/* what Distribution sends behind a token service */
		{"Bearer realm=\"https://127.0.0.1:5001/token\",service=\"registry.test\",scope=\"repository:team/app:pull\"",
		 AUTH_BEARER, "https://127.0.0.1:5001/token", "registry.test",
		 "repository:team/app:pull"},
		{"bearer REALM=\"https://a/t\"", AUTH_BEARER, "https://a/t", "", ""},
		{"Bearer realm = \"https://a/t\" , service=svc", AUTH_BEARER, "https://a/t", "svc",
		 ""},
		{"Bearer realm=\"https://a/t\",service=\"s\",error=\"insufficient_scope\"",
		 AUTH_BEARER, "https://a/t", "s", ""},
		{"Basic realm=\"Registry Realm\"", AUTH_BASIC, "Registry Realm", "", ""},
		{"Basic realm=\"basic-realm\", charset=\"UTF-8\"", AUTH_BASIC, "basic-realm", "",
		 ""},
		/* Bearer is preferred to Basic, whatever the order */
		{"Basic realm=\"x\", Bearer realm=\"https://a/t\"", AUTH_BEARER, "https://a/t", "",
		 ""},
		{"Negotiate, Bearer realm=\"https://a/t\"", AUTH_BEARER, "https://a/t", "", ""},
		{"Bearer realm=tok", AUTH_BEARER, "tok", "", ""},
		{"Bearer realm=\"https://a/t?x=\\\"y\\\"\"", AUTH_BEARER, "https://a/t?x=\"y\"", "",
		 ""},
		{"Basic", AUTH_BASIC, "", "", ""},
		/* a Bearer without realm cannot be answered: the Basic one is */
		{"Bearer service=\"s\", Basic realm=\"r\"", AUTH_BASIC, "r", "", ""},
	};
	static const char *const bad[] = {
		"",
		"   ",
		"Negotiate",
		"Bearer service=\"x\"",
		"Bearer realm=\"unterminated",
		"Bearer realm=\"a\nb\"",
		"Bearer realm=\"a\", realm=\"b\"",
		"Bearer realm=\"a\" junk",
		"Bearer realm=",
		"Bearer ,realm=\"x\"",
		"Bearer realm=\"a\"\r\nX-Injected: 1",
		"Bearer realm=\"a\\",
		"\"Bearer\" realm=\"a\"",
	};
	char long_header[AUTH_HEADER_MAX + 64];
	struct registry_auth_challenge c;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		print_message("# ok[%zu]\n", i);
		assert_int_equal(registry_auth_challenge_parse(ok[i].header, &c), 0);
		assert_int_equal(c.scheme, ok[i].scheme);
		assert_string_equal(c.realm, ok[i].realm);
		assert_string_equal(c.service, ok[i].service);
		assert_string_equal(c.scope, ok[i].scope);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("# bad[%zu]\n", i);
		assert_int_equal(registry_auth_challenge_parse(bad[i], &c), -1);
		assert_int_equal(c.scheme, AUTH_NONE);
	}
	/* a realm over its bound, and a header over its bound */
	snprintf(long_header, sizeof(long_header), "Bearer realm=\"https://a/%0*d\"",
		 AUTH_REALM_MAX, 0);
	assert_int_equal(registry_auth_challenge_parse(long_header, &c), -1);
	memset(long_header, 'a', sizeof(long_header) - 1);
	long_header[sizeof(long_header) - 1] = '\0';
	assert_int_equal(registry_auth_challenge_parse(long_header, &c), -1);
	/* exactly at the realm's bound */
	snprintf(long_header, sizeof(long_header), "Bearer realm=\"https://a/%0*d\"",
		 AUTH_REALM_MAX - 10, 0);
	assert_int_equal(registry_auth_challenge_parse(long_header, &c), 0);
	assert_int_equal(strlen(c.realm), AUTH_REALM_MAX);
}

static void test_token_answers(void **state)
{
	static const struct {
		const char *json;
		int rc;
		const char *token;
		long expires;
	} cases[] = {
		{"{\"token\":\"eyJh.eyJi.c2ln\",\"expires_in\":300}", 0, "eyJh.eyJi.c2ln", 300},
		{"{\"access_token\":\"abc\"}", 0, "abc", 60},
		{"{\"token\":\"\",\"access_token\":\"abc\"}", 0, "abc", 60},
		{"{\"token\":\"a==\",\"expires_in\":10}", 0, "a==", 60},
		{"{\"token\":\"a\",\"expires_in\":99999999}", 0, "a", 86400},
		{"{\"token\":\"a\",\"expires_in\":\"300\"}", 0, "a", 60},
		{"{\"token\":\"a b\"}", -1, NULL, 60},
		{"{\"token\":\"a\\r\\nX-Injected: 1\"}", -1, NULL, 60},
		{"{\"token\":\"=a\"}", -1, NULL, 60},
		{"{\"token\":\"a=b\"}", -1, NULL, 60},
		{"{\"token\":7}", -1, NULL, 60},
		{"{}", -1, NULL, 60},
		{"[\"token\"]", -1, NULL, 60},
		{"not json", -1, NULL, 60},
		{"{\"token\":\"a\",\"token\":\"b\"}", -1, NULL, 60},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *token = (char *)"unset";
		long expires = 0;
		char err[256] = "";

		print_message("# token[%zu]\n", i);
		assert_int_equal(registry_auth_token_parse(cases[i].json, strlen(cases[i].json),
							   &token, &expires, err, sizeof(err)),
				 cases[i].rc);
		if (cases[i].token) {
			assert_string_equal(token, cases[i].token);
			assert_int_equal(expires, cases[i].expires);
		} else {
			assert_null(token);
			assert_non_null(strstr(err, "token service"));
		}
		free(token);
	}
}

static void test_docker_config(void **state)
{
	static const char config[] =
		"{\"auths\":{"
		"\"reg.test:5000\":{\"auth\":\"YWxpY2U6czNjcmV0\"},"
		"\"https://index.docker.io/v1/\":{\"username\":\"hub\",\"password\":\"pw\"},"
		"\"http://Other.Test/path\":{\"auth\":\"dTpwOnE=\"},"
		"\"tokenonly.test\":{\"identitytoken\":\"xyz\"},"
		"\"[::1]:5000\":{\"auth\":\"YWxpY2U6czNjcmV0\"},"
		"\"plainhost\":{\"auth\":\"YWxpY2U6czNjcmV0\"}"
		"},\"credsStore\":\"desktop\",\"HttpHeaders\":{\"X\":\"y\"}}";
	struct registry_auth_config c;
	const struct registry_credential *cred;
	char err[256];

	(void)state;
	assert_int_equal(registry_auth_config_parse(config, strlen(config), &c, err, sizeof(err)),
			 0);
	assert_int_equal(c.n, 5);
	cred = registry_auth_config_find(&c, "reg.test:5000");
	assert_non_null(cred);
	assert_string_equal(cred->username, "alice");
	assert_string_equal(cred->password, "s3cret");
	/* not for the same host on another port */
	assert_null(registry_auth_config_find(&c, "reg.test"));
	assert_null(registry_auth_config_find(&c, "reg.test:5001"));
	/* Docker's legacy key for its default registry is docker.io's */
	cred = registry_auth_config_find(&c, "docker.io");
	assert_non_null(cred);
	assert_string_equal(cred->username, "hub");
	/* scheme and path dropped, host names case-insensitive, the
	 * password keeps its colons */
	cred = registry_auth_config_find(&c, "other.test");
	assert_non_null(cred);
	assert_string_equal(cred->username, "u");
	assert_string_equal(cred->password, "p:q");
	assert_null(registry_auth_config_find(&c, "tokenonly.test"));
	assert_non_null(registry_auth_config_find(&c, "[::1]:5000"));
	assert_non_null(registry_auth_config_find(&c, "plainhost"));
	registry_auth_config_free(&c);
}

static void test_docker_config_errors(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"auths\":[]}",
		"{\"auths\":{\"a.test\":\"x\"}}",
		/* not base64, no colon, empty user, a newline in the user */
		"{\"auths\":{\"a.test\":{\"auth\":\"!!!\"}}}",
		"{\"auths\":{\"a.test\":{\"auth\":\"bm9jb2xvbg==\"}}}",
		"{\"auths\":{\"a.test\":{\"auth\":\"OnB3\"}}}",
		"{\"auths\":{\"a.test\":{\"auth\":\"YmFkCm5hbWU6eA==\"}}}",
		"{\"auths\":{\"a.test\":{\"username\":\"a:b\",\"password\":\"p\"}}}",
		"{\"auths\":{\"a.test\":{\"username\":\"a\",\"password\":\"p\\u0000q\"}}}",
		"{\"auths\":{\"https:///\":{\"username\":\"a\",\"password\":\"p\"}}}",
		"{\"auths\":{\"a.test\":{\"auth\":\"YWxpY2U6czNjcmV0\"},\"a.test\":{\"auth\":\"YWxpY2U6czNjcmV0\"}}}",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct registry_auth_config c = {(struct registry_credential *)1, 99};
		char err[256] = "";

		assert_int_equal(
			registry_auth_config_parse(bad[i], strlen(bad[i]), &c, err, sizeof(err)),
			-1);
		print_message("# bad[%zu]: %s\n", i, err);
		assert_int_equal(c.n, 0);
		assert_null(c.creds);
		assert_non_null(strstr(err, "registry config"));
		/* never the secret in the message */
		assert_null(strstr(err, "s3cret"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_challenges),
		cmocka_unit_test(test_token_answers),
		cmocka_unit_test(test_docker_config),
		cmocka_unit_test(test_docker_config_errors),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
