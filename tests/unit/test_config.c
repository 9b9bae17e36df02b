/* Unit tests of the configuration parser (init/config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static char err[256];

/* Parses argv (NULL-terminated) with envp; returns config_parse's result. */
static int parse(struct sg_config *cfg, char **argv, char **envp)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	err[0] = '\0';
	return config_parse(cfg, argc, argv, envp, err, sizeof(err));
}

static void expect_usage_error(char **argv, char **envp, const char *needle)
{
	struct sg_config cfg;

	assert_int_equal(parse(&cfg, argv, envp), -1);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
	config_free(&cfg);
}

static void test_env_groups_and_defaults(void **state)
{
	char *argv[] = {"strict-init", "id", "-u", NULL};
	char *envp[] = {"PATH=/bin", "STRICT_GROUPS=60000,1000,60000", NULL};
	struct sg_config cfg;

	(void)state;
	assert_int_equal(parse(&cfg, argv, envp), 0);
	assert_int_equal(cfg.command, CMD_RUN);
	assert_true(cfg.groups_set);
	assert_int_equal(cfg.ngroups, 2); /* sorted, duplicates removed */
	assert_int_equal(cfg.groups[0], 1000);
	assert_int_equal(cfg.groups[1], 60000);
	assert_int_equal(cfg.mode, MODE_ENFORCE);
	assert_true(cfg.no_new_privs);
	assert_false(cfg.user_set);
	assert_false(cfg.gid_set);
	assert_false(cfg.lock);
	assert_null(cfg.preload);
	assert_string_equal(cfg.argv[0], "id");
	assert_string_equal(cfg.argv[1], "-u");
	assert_null(cfg.argv[2]);
	config_free(&cfg);
}

static void test_option_wins_over_env(void **state)
{
	char *argv[] = {"strict-init", "--groups=7", "--mode", "audit",
			"--no-new-privs=0", "--", "--weird-command", NULL};
	char *envp[] = {"STRICT_GROUPS=60000", "STRICT_GROUPS_MODE=refuse",
			"STRICT_GROUPS_NO_NEW_PRIVS=1", NULL};
	struct sg_config cfg;

	(void)state;
	assert_int_equal(parse(&cfg, argv, envp), 0);
	assert_int_equal(cfg.ngroups, 1);
	assert_int_equal(cfg.groups[0], 7);
	assert_int_equal(cfg.mode, MODE_AUDIT);
	assert_false(cfg.no_new_privs);
	assert_string_equal(cfg.argv[0], "--weird-command");
	config_free(&cfg);
}

static void test_empty_groups_is_valid(void **state)
{
	char *argv[] = {"strict-init", "true", NULL};
	char *envp[] = {"STRICT_GROUPS=", NULL};
	struct sg_config cfg;

	(void)state;
	assert_int_equal(parse(&cfg, argv, envp), 0);
	assert_true(cfg.groups_set);
	assert_int_equal(cfg.ngroups, 0);
	config_free(&cfg);
}

static void test_user_gid_lock_preload(void **state)
{
	char *argv[] = {"strict-init", "--user=1000:1001", "--gid", "1001",
			"--lock=1", "--preload=/strict/libstrict-preload.so",
			"sh", NULL};
	char *envp[] = {"STRICT_GROUPS=60000", NULL};
	struct sg_config cfg;

	(void)state;
	assert_int_equal(parse(&cfg, argv, envp), 0);
	assert_true(cfg.user_set);
	assert_int_equal(cfg.user_uid, 1000);
	assert_int_equal(cfg.user_gid, 1001);
	assert_true(cfg.gid_set);
	assert_int_equal(cfg.gid, 1001);
	assert_true(cfg.lock);
	assert_string_equal(cfg.preload, "/strict/libstrict-preload.so");
	config_free(&cfg);
}

static void test_subcommands(void **state)
{
	char *install[] = {"strict-init", "install", "/strict/strict-init", NULL};
	char *check[] = {"strict-init", "--groups=1", "check", NULL};
	char *run_install[] = {"strict-init", "--groups=1", "--", "install", "x", NULL};
	char *help[] = {"strict-init", "--help", NULL};
	char *version[] = {"strict-init", "--version", NULL};
	char *envp[] = {NULL};
	struct sg_config cfg;

	(void)state;
	assert_int_equal(parse(&cfg, install, envp), 0);
	assert_int_equal(cfg.command, CMD_INSTALL);
	assert_string_equal(cfg.install_dest, "/strict/strict-init");
	config_free(&cfg);
	assert_int_equal(parse(&cfg, check, envp), 0);
	assert_int_equal(cfg.command, CMD_CHECK);
	config_free(&cfg);
	/* after "--", "install" is a command like any other */
	assert_int_equal(parse(&cfg, run_install, envp), 0);
	assert_int_equal(cfg.command, CMD_RUN);
	assert_string_equal(cfg.argv[0], "install");
	config_free(&cfg);
	assert_int_equal(parse(&cfg, help, envp), 0);
	assert_int_equal(cfg.command, CMD_HELP);
	config_free(&cfg);
	assert_int_equal(parse(&cfg, version, envp), 0);
	assert_int_equal(cfg.command, CMD_VERSION);
	config_free(&cfg);
}

static void test_bad_values(void **state)
{
	char *run[] = {"strict-init", "id", NULL};
	static const struct {
		const char *env;
		const char *needle;
	} cases[] = {
		{"STRICT_GROUPS=1,,2", "element 2: empty element"},
		{"STRICT_GROUPS=abc", "not a decimal"},
		{"STRICT_GROUPS=-1", "not a decimal"},
		{"STRICT_GROUPS=+1", "not a decimal"},
		{"STRICT_GROUPS=0x10", "not a decimal"},
		{"STRICT_GROUPS=4294967295", "4294967295 or more"},
		{"STRICT_GROUPS=99999999999999999999", "4294967295 or more"},
		{"STRICT_GROUPS=010", "leading zero"},
		{"STRICT_GROUPS_MODE=strict", "unknown mode"},
		{"STRICT_GROUPS_MODE=", "unknown mode"},
		{"STRICT_GROUPS_USER=1000", "UID:GID"},
		{"STRICT_GROUPS_USER=alice:1000", "UID"},
		{"STRICT_GROUPS_USER=1000:", "GID"},
		{"STRICT_GROUPS_USER=:1000", "UID"},
		{"STRICT_GROUPS_USER=1000:1000:1", "GID"},
		{"STRICT_GROUPS_NO_NEW_PRIVS=yes", "1 or 0"},
		{"STRICT_GROUPS_GID=-5", "STRICT_GROUPS_GID"},
		{"STRICT_GROUPS_LOCK=2", "1 or 0"},
		{"STRICT_GROUPS_PRELOAD=", "empty path"},
		{"STRICT_GROUPS_PRELOAD=/a.so:/b.so", "colon or white space"},
		{"STRICT_GROUPS_PRELOAD=/a b.so", "colon or white space"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *envp[] = {"STRICT_GROUPS=1", (char *)cases[i].env, NULL};

		/* a malformed STRICT_GROUPS alone; otherwise a valid one first */
		if (strncmp(cases[i].env, "STRICT_GROUPS=", 14) == 0) {
			envp[0] = (char *)cases[i].env;
			envp[1] = NULL;
		}
		expect_usage_error(run, envp, cases[i].needle);
	}
}

static void test_usage_errors(void **state)
{
	char *envp[] = {"STRICT_GROUPS=1", NULL};
	char *no_env[] = {NULL};
	char *unknown[] = {"strict-init", "--frobnicate", "id", NULL};
	char *short_opt[] = {"strict-init", "-x", "id", NULL};
	char *no_command[] = {"strict-init", NULL};
	char *only_dashdash[] = {"strict-init", "--", NULL};
	char *missing_value[] = {"strict-init", "id", NULL};
	char *dangling[] = {"strict-init", "--groups", NULL};
	char *twice[] = {"strict-init", "--groups=1", "--groups=2", "id", NULL};
	char *install_noarg[] = {"strict-init", "install", NULL};
	char *check_extra[] = {"strict-init", "check", "x", NULL};
	char *empty_cmd[] = {"strict-init", "", NULL};
	char *dup_env[] = {"STRICT_GROUPS=1", "STRICT_GROUPS=50000", NULL};

	(void)state;
	expect_usage_error(unknown, envp, "unknown option '--frobnicate'");
	expect_usage_error(short_opt, envp, "unknown option '-x'");
	expect_usage_error(no_command, envp, "no COMMAND");
	expect_usage_error(only_dashdash, envp, "no COMMAND");
	expect_usage_error(missing_value, no_env, "STRICT_GROUPS (or --groups) is required");
	expect_usage_error(dangling, envp, "needs a value");
	expect_usage_error(twice, envp, "given twice");
	expect_usage_error(install_noarg, envp, "install DEST");
	expect_usage_error(check_extra, envp, "usage: strict-init check");
	expect_usage_error(empty_cmd, envp, "empty COMMAND");
	expect_usage_error(missing_value, dup_env, "set twice");
}

static void test_error_is_one_line(void **state)
{
	char *forged[] = {"strict-init", "--x\nstrict-init: dropped groups 50000", "id", NULL};
	char *envp[] = {"STRICT_GROUPS=1", NULL};
	struct sg_config cfg;

	(void)state;
	assert_int_equal(parse(&cfg, forged, envp), -1);
	assert_null(strchr(err, '\n'));
	assert_string_equal(err, "unknown option '--x?strict-init: dropped groups 50000'");
	config_free(&cfg);
}

static void test_conflicting_options(void **state)
{
	char *user_refuse[] = {"strict-init", "--user=1:1", "--mode=refuse", "id", NULL};
	char *user_gid[] = {"strict-init", "--user=1:1", "--gid=2", "id", NULL};
	char *audit_lock[] = {"strict-init", "--mode=audit", "--lock=1", "id", NULL};
	char *audit_preload[] = {"strict-init", "--mode=audit", "--preload=/p.so", "id", NULL};
	char *envp[] = {"STRICT_GROUPS=1", NULL};

	(void)state;
	expect_usage_error(user_refuse, envp, "needs mode enforce");
	expect_usage_error(user_gid, envp, "differs");
	expect_usage_error(audit_lock, envp, "audit");
	expect_usage_error(audit_preload, envp, "audit");
}

static void test_error_leaves_no_groups(void **state)
{
	char *argv[] = {"strict-init", "--mode=bogus", "id", NULL};
	char *envp[] = {"STRICT_GROUPS=1,2,3", NULL};
	struct sg_config cfg;

	(void)state;
	assert_int_equal(parse(&cfg, argv, envp), -1);
	assert_null(cfg.groups);
	assert_int_equal(cfg.ngroups, 0);
	assert_false(cfg.groups_set);
	assert_null(cfg.argv);
	config_free(&cfg);
}

static void test_gids_to_text(void **state)
{
	gid_t ids[] = {1000, 60000, 4294967294u};
	char *text;

	(void)state;
	text = gids_to_text(ids, 3);
	assert_string_equal(text, "1000,60000,4294967294");
	free(text);
	text = gids_to_text(ids, 0);
	assert_string_equal(text, "none");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env_groups_and_defaults),
		cmocka_unit_test(test_option_wins_over_env),
		cmocka_unit_test(test_empty_groups_is_valid),
		cmocka_unit_test(test_user_gid_lock_preload),
		cmocka_unit_test(test_subcommands),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_error_is_one_line),
		cmocka_unit_test(test_conflicting_options),
		cmocka_unit_test(test_error_leaves_no_groups),
		cmocka_unit_test(test_gids_to_text),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
