/* Unit tests of the environment built for the preload guard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "envedit.h"

static size_t count(char **env)
{
	size_t n = 0;

	while (env[n])
		n++;
	return n;
}

static void test_adds_preload_and_groups(void **state)
{
	char *envp[] = {"PATH=/bin", "HOME=/", NULL};
	char **env = env_with_preload(envp, "/strict/g.so", "60000");

	(void)state;
	assert_non_null(env);
	assert_int_equal(count(env), 4);
	assert_string_equal(env[0], "PATH=/bin");
	assert_string_equal(env[1], "HOME=/");
	assert_string_equal(env[2], "STRICT_GROUPS=60000");
	assert_string_equal(env[3], "LD_PRELOAD=/strict/g.so");
	env_free(env);
}

static void test_keeps_earlier_preloads_once(void **state)
{
	char *envp[] = {"LD_PRELOAD=/a.so", "X=1", "LD_PRELOAD=", "LD_PRELOAD=/b.so:/c.so",
			"STRICT_GROUPS=1", "STRICT_GROUPS=50000", NULL};
	char **env = env_with_preload(envp, "/g.so", "60000,70000");

	(void)state;
	assert_non_null(env);
	/* X, then exactly one STRICT_GROUPS and one LD_PRELOAD */
	assert_int_equal(count(env), 3);
	assert_string_equal(env[0], "X=1");
	assert_string_equal(env[1], "STRICT_GROUPS=60000,70000");
	assert_string_equal(env[2], "LD_PRELOAD=/g.so:/a.so:/b.so:/c.so");
	env_free(env);
}

static void test_empty_environment(void **state)
{
	char *envp[] = {NULL};
	char **env = env_with_preload(envp, "/g.so", "");

	(void)state;
	assert_non_null(env);
	assert_int_equal(count(env), 2);
	assert_string_equal(env[0], "STRICT_GROUPS=");
	assert_string_equal(env[1], "LD_PRELOAD=/g.so");
	env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adds_preload_and_groups),
		cmocka_unit_test(test_keeps_earlier_preloads_once),
		cmocka_unit_test(test_empty_environment),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("envedit", tests, NULL, NULL);
}
