/* Unit tests of the configuration parser (init/config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "init/config.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static char err[256];

/* Parses argv (NULL-terminated) with envp; returns config_parse's result. */
static int parse(struct sg_config *cfg, char **argv, char **envp)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	err[0] = '\0';
	return config_parse(cfg, argc, argv, envp, NULL, 0, err, sizeof(err));
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
	char *argv[] = {"strict-init",      "--groups=7", "--mode",          "audit",
			"--no-new-privs=0", "--",         "--weird-command", NULL};
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
	char *argv[] = {"strict-init", "--user=1000:1001",
			"--gid",       "1001",
			"--lock=1",    "--preload=/strict/libstrict-preload.so",
			"sh",          NULL};
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
	char *install[] = {"strict-init", "install", "--groups=60000", "/strict/strict-init", NULL};
	char *install_before[] = {
		"strict-init", "--mode=refuse", "install", "--groups=", "--", "/s", NULL};
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
	assert_int_equal(cfg.ngroups, 1);
	config_free(&cfg);
	/* options before and after the word install; "--" ends them */
	assert_int_equal(parse(&cfg, install_before, envp), 0);
	assert_int_equal(cfg.command, CMD_INSTALL);
	assert_int_equal(cfg.mode, MODE_REFUSE);
	assert_true(cfg.groups_set);
	assert_int_equal(cfg.ngroups, 0);
	assert_string_equal(cfg.install_dest, "/s");
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
		/* musl's loader also splits at \r, \v and \f (isspace) */
		{"STRICT_GROUPS_PRELOAD=/a\r/b.so", "colon or white space"},
		{"STRICT_GROUPS_PRELOAD=/a\v/b.so", "colon or white space"},
		{"STRICT_GROUPS_PRELOAD=/a\f/b.so", "colon or white space"},
		{"STRICT_GROUPS_PRELOAD=/a\t/b.so", "colon or white space"},
		{"STRICT_GROUPS_PRELOAD=/a\n/b.so", "colon or white space"},
		{"STRICT_GROUPS_PRELOAD=libstrict-preload.so", "absolute"},
		{"STRICT_GROUPS_PRELOAD=strict/libstrict-preload.so", "absolute"},
		{"STRICT_GROUPS_PRELOAD=/strict/$LIB/guard.so", "'$'"},
		{"STRICT_GROUPS_PRELOAD=/strict/${ORIGIN}.so", "'$'"},
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
	char *install_nogroups[] = {"strict-init", "install", "/s", NULL};
	char *install_twice[] = {"strict-init", "--groups=1", "install", "--groups=2", "/s", NULL};
	char *install_two_dests[] = {"strict-init", "install", "--groups=1", "/s", "/t", NULL};
	char *install_ok[] = {"strict-init", "install", "--groups=1", "/s", NULL};
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
	expect_usage_error(install_noarg, envp, "install --groups=LIST [OPTIONS] DEST");
	expect_usage_error(install_nogroups, no_env, "install: --groups is required");
	expect_usage_error(install_twice, no_env, "given twice");
	expect_usage_error(install_two_dests, no_env, "install --groups=LIST [OPTIONS] DEST");
	expect_usage_error(install_ok, dup_env, "set twice");
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

/* The seal install would write for argv (an install command line). */
static size_t seal_of(char **argv, char **envp, char *seal, size_t cap)
{
	struct sg_config cfg;
	size_t need, len;

	assert_int_equal(parse(&cfg, argv, envp), 0);
	assert_int_equal(cfg.command, CMD_INSTALL);
	len = config_seal_compose(&cfg, seal, cap, &need);
	config_free(&cfg);
	assert_int_equal(len, need);
	return len;
}

static int parse_sealed(struct sg_config *cfg, char **argv, char **envp, const char *seal,
			size_t len)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	err[0] = '\0';
	return config_parse(cfg, argc, argv, envp, seal, len, err, sizeof(err));
}

static void test_seal_compose_every_setting(void **state)
{
	char *install[] = {"strict-init",
			   "install",
			   "--groups=60000,1000,60000",
			   "--user=1000:1000",
			   "--gid=1000",
			   "--preload=/s/g.so",
			   "--lock=0",
			   "--no-new-privs=0",
			   "/s",
			   NULL};
	char *envp[] = {NULL};
	static const char want[] = "STRICT_GROUPS=1000,60000\0STRICT_GROUPS_MODE=enforce\0"
				   "STRICT_GROUPS_USER=1000:1000\0STRICT_GROUPS_NO_NEW_PRIVS=0\0"
				   "STRICT_GROUPS_GID=1000\0STRICT_GROUPS_PRELOAD=/s/g.so\0"
				   "STRICT_GROUPS_LOCK=0";
	char seal[512];
	size_t len;

	(void)state;
	len = seal_of(install, envp, seal, sizeof(seal));
	assert_int_equal(len, sizeof(want)); /* with the last entry's NUL */
	assert_memory_equal(seal, want, sizeof(want));
}

static void test_seal_defaults_are_sealed(void **state)
{
	char *install[] = {"strict-init", "install", "--groups=", "/s", NULL};
	char *envp[] = {NULL};
	static const char want[] = "STRICT_GROUPS=\0STRICT_GROUPS_MODE=enforce\0"
				   "STRICT_GROUPS_NO_NEW_PRIVS=1";
	char seal[512], tiny[8];
	size_t need;
	struct sg_config cfg;

	(void)state;
	assert_int_equal(seal_of(install, envp, seal, sizeof(seal)), sizeof(want));
	assert_memory_equal(seal, want, sizeof(want));
	/* too small: 0, and how much it needs */
	assert_int_equal(parse(&cfg, install, envp), 0);
	assert_int_equal(config_seal_compose(&cfg, tiny, sizeof(tiny), &need), 0);
	assert_int_equal(need, sizeof(want));
	config_free(&cfg);
}

static void test_sealed_settings_apply(void **state)
{
	char *install[] = {"strict-init", "install", "--groups=60000", "--mode=refuse", "/s", NULL};
	char *run[] = {"strict-init", "id", NULL};
	char *no_env[] = {NULL};
	/* equal values are fine, also written differently */
	char *same[] = {"STRICT_GROUPS=60000,60000", "STRICT_GROUPS_MODE=refuse",
			"STRICT_GROUPS_NO_NEW_PRIVS=1", NULL};
	char seal[512];
	size_t len;
	struct sg_config cfg;

	(void)state;
	len = seal_of(install, no_env, seal, sizeof(seal));
	assert_int_equal(parse_sealed(&cfg, run, no_env, seal, len), 0);
	assert_true(cfg.sealed);
	assert_int_equal(cfg.command, CMD_RUN);
	assert_true(cfg.groups_set);
	assert_int_equal(cfg.ngroups, 1);
	assert_int_equal(cfg.groups[0], 60000);
	assert_string_equal(cfg.groups_text, "60000");
	assert_int_equal(cfg.mode, MODE_REFUSE);
	assert_true(cfg.no_new_privs);
	assert_false(cfg.user_set);
	config_free(&cfg);
	assert_int_equal(parse_sealed(&cfg, run, same, seal, len), 0);
	assert_int_equal(cfg.mode, MODE_REFUSE);
	config_free(&cfg);
}

static void expect_contradiction(const char *seal, size_t len, char **argv, char **envp,
				 const char *needle)
{
	struct sg_config cfg;

	assert_int_equal(parse_sealed(&cfg, argv, envp, seal, len), CONFIG_CONTRADICTS);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
	assert_false(cfg.sealed); /* all zero */
	assert_null(cfg.groups);
	config_free(&cfg);
}

static void test_sealed_contradictions_refused(void **state)
{
	char *install[] = {"strict-init", "install", "--groups=60000", "--gid=1000", "--lock=0",
			   "/s",          NULL};
	char *run[] = {"strict-init", "id", NULL};
	char *groups_opt[] = {"strict-init", "--groups=", "id", NULL};
	char *user_opt[] = {"strict-init", "--user=0:0", "id", NULL};
	char *check_audit[] = {"strict-init", "--mode=audit", "check", NULL};
	char *no_env[] = {NULL};
	char *audit[] = {"STRICT_GROUPS_MODE=audit", NULL};
	char *nnp0[] = {"STRICT_GROUPS_NO_NEW_PRIVS=0", NULL};
	char *more[] = {"STRICT_GROUPS=50000,60000", NULL};
	char *gid[] = {"STRICT_GROUPS_GID=50000", NULL};
	char *lock[] = {"STRICT_GROUPS_LOCK=1", NULL};
	char seal[512];
	size_t len;

	(void)state;
	len = seal_of(install, no_env, seal, sizeof(seal));
	expect_contradiction(
		seal, len, run, audit,
		"STRICT_GROUPS_MODE=audit contradicts the sealed policy (STRICT_GROUPS_MODE=enforce)");
	expect_contradiction(seal, len, run, nnp0, "STRICT_GROUPS_NO_NEW_PRIVS=0 contradicts");
	expect_contradiction(
		seal, len, run, more,
		"STRICT_GROUPS=50000,60000 contradicts the sealed policy (STRICT_GROUPS=60000)");
	expect_contradiction(seal, len, groups_opt, no_env,
			     "--groups= contradicts the sealed policy (STRICT_GROUPS=60000)");
	expect_contradiction(seal, len, user_opt, no_env, "which has no user switch");
	expect_contradiction(seal, len, run, gid, "STRICT_GROUPS_GID=1000");
	/* the seal said --lock=0: a 1 at start contradicts it */
	expect_contradiction(seal, len, run, lock, "STRICT_GROUPS_LOCK=0");
	expect_contradiction(seal, len, check_audit, no_env, "--mode=audit contradicts");
}

static void test_sealed_unset_checks_may_be_added(void **state)
{
	char *install[] = {"strict-init", "install", "--groups=60000", "/s", NULL};
	/* run + 2: "strict-init" "id" */
	char *run[] = {"strict-init", "--gid=1000", "strict-init", "id", NULL};
	char *no_env[] = {NULL};
	char *lock[] = {"STRICT_GROUPS_LOCK=1", "STRICT_GROUPS_PRELOAD=/s/g.so", NULL};
	char *bad[] = {"STRICT_GROUPS_GID=x", NULL};
	char seal[512];
	size_t len;
	struct sg_config cfg;

	(void)state;
	len = seal_of(install, no_env, seal, sizeof(seal));
	assert_int_equal(parse_sealed(&cfg, run, lock, seal, len), 0);
	assert_true(cfg.gid_set);
	assert_int_equal(cfg.gid, 1000);
	assert_string_equal(cfg.preload, "/s/g.so");
	assert_true(cfg.lock);
	config_free(&cfg);
	/* what is given must still be well formed */
	assert_int_equal(parse_sealed(&cfg, run + 2, bad, seal, len), CONFIG_USAGE);
	config_free(&cfg);
}

static void test_sealed_install_takes_its_own_settings(void **state)
{
	char *install1[] = {"strict-init", "install", "--groups=60000", "/s", NULL};
	char *install2[] = {"strict-init", "install", "--groups=7", "--mode=audit", "/t", NULL};
	char *no_env[] = {NULL};
	char seal[512];
	size_t len;
	struct sg_config cfg;

	(void)state;
	len = seal_of(install1, no_env, seal, sizeof(seal));
	assert_int_equal(parse_sealed(&cfg, install2, no_env, seal, len), 0);
	assert_false(cfg.sealed);
	assert_int_equal(cfg.groups[0], 7);
	assert_int_equal(cfg.mode, MODE_AUDIT);
	config_free(&cfg);
}

/* install seals its options, never a variable it inherited (a base
 * image's ENV in a Dockerfile's RUN step): a STRICT_GROUPS* variable that
 * no option repeats is refused, naming it. */
static void test_install_takes_options_only(void **state)
{
	char *install[] = {"strict-init", "install", "--groups=60000", "/s", NULL};
	char *install_mode[] = {"strict-init",    "install", "--groups=60000",
				"--mode=enforce", "/s",      NULL};
	char *install_none[] = {"strict-init", "install", "/s", NULL};
	char *groups[] = {"STRICT_GROUPS=50000,60000", NULL};
	char *mode[] = {"PATH=/bin", "STRICT_GROUPS_MODE=audit", NULL};
	char *nnp[] = {"STRICT_GROUPS_NO_NEW_PRIVS=0", NULL};
	char *unknown[] = {"STRICT_GROUPS_MODES=audit", NULL};
	char *no_value[] = {"STRICT_GROUPSX", NULL};
	char *malformed[] = {"STRICT_GROUPS=x", NULL};
	/* repeated: the same value, a list as a set */
	char *same[] = {"STRICT_GROUPS=60000,60000", "STRICT_GROUPS_MODE=enforce", "HOME=/", NULL};
	struct sg_config cfg;

	(void)state;
	expect_usage_error(install, groups,
			   "install seals its options only, and STRICT_GROUPS=50000,60000 in its "
			   "environment differs from --groups=60000: unset it");
	expect_usage_error(
		install, mode,
		"STRICT_GROUPS_MODE=audit is set in its environment: give --mode=audit, or unset it");
	expect_usage_error(
		install_mode, mode,
		"STRICT_GROUPS_MODE=audit in its environment differs from --mode=enforce");
	expect_usage_error(install, nnp, "STRICT_GROUPS_NO_NEW_PRIVS=0 is set in its environment");
	expect_usage_error(install, unknown,
			   "STRICT_GROUPS_MODES is set in its environment: unset it");
	expect_usage_error(install, no_value, "STRICT_GROUPSX is set in its environment");
	expect_usage_error(install, malformed,
			   "STRICT_GROUPS=x in its environment differs from --groups=60000");
	/* a variable alone never stands in for --groups */
	expect_usage_error(install_none, groups,
			   "STRICT_GROUPS=50000,60000 is set in its environment");
	assert_int_equal(parse(&cfg, install_mode, same), 0);
	assert_int_equal(cfg.command, CMD_INSTALL);
	assert_int_equal(cfg.ngroups, 1);
	assert_int_equal(cfg.mode, MODE_ENFORCE);
	config_free(&cfg);
	/* a run still reads them */
	assert_int_equal(parse(&cfg, (char *[]){"strict-init", "id", NULL}, groups), 0);
	assert_int_equal(cfg.ngroups, 2);
	config_free(&cfg);
}

/* A sealed copy given no setting installs its own seal (a COPY that lost
 * the capability, installed again); given any, the options are the
 * settings; a variable is refused either way. */
static void test_sealed_install_without_options_keeps_its_seal(void **state)
{
	char *install1[] = {"strict-init",
			    "install",
			    "--groups=60000,70000",
			    "--mode=refuse",
			    "--gid=1000",
			    "--lock=1",
			    "/s",
			    NULL};
	char *again[] = {"strict-init", "install", "/t", NULL};
	char *mode_only[] = {"strict-init", "install", "--mode=audit", "/t", NULL};
	char *no_env[] = {NULL};
	char *groups[] = {"STRICT_GROUPS=60000,70000", NULL};
	char seal[512], seal2[512];
	size_t len, len2, need;
	struct sg_config cfg;

	(void)state;
	len = seal_of(install1, no_env, seal, sizeof(seal));
	assert_int_equal(parse_sealed(&cfg, again, no_env, seal, len), 0);
	assert_int_equal(cfg.command, CMD_INSTALL);
	assert_false(cfg.sealed);
	assert_int_equal(cfg.mode, MODE_REFUSE);
	assert_true(cfg.gid_set && cfg.lock && cfg.lock_set);
	len2 = config_seal_compose(&cfg, seal2, sizeof(seal2), &need);
	config_free(&cfg);
	assert_int_equal(len2, len);
	assert_memory_equal(seal2, seal, len);
	/* even a variable that says the same is refused: install names no option */
	assert_int_equal(parse_sealed(&cfg, again, groups, seal, len), CONFIG_USAGE);
	if (!strstr(err, "STRICT_GROUPS=60000,70000 is set in its environment"))
		fail_msg("error '%s'", err);
	config_free(&cfg);
	/* an option: the options are the settings, --groups required */
	assert_int_equal(parse_sealed(&cfg, mode_only, no_env, seal, len), CONFIG_USAGE);
	if (!strstr(err, "install: --groups is required"))
		fail_msg("error '%s'", err);
	config_free(&cfg);
}

static void test_damaged_seal_refused(void **state)
{
	static const struct {
		const char *seal;
		size_t len;
	} cases[] = {
		{"STRICT_GROUPS=1", 15},   /* no terminating NUL */
		{"STRICT_GROUPS=1\0", 16}, /* mode and nnp missing */
		{"STRICT_GROUPS=1\0STRICT_GROUPS_MODE=enforce\0STRICT_GROUPS_NO_NEW_PRIVS=1\0X=1\0",
		 62},
		{"STRICT_GROUPS=1\0STRICT_GROUPS=2\0STRICT_GROUPS_MODE=enforce\0STRICT_GROUPS_NO_NEW_PRIVS=1\0",
		 76},
		{"STRICT_GROUPS=1\0\0STRICT_GROUPS_MODE=enforce\0STRICT_GROUPS_NO_NEW_PRIVS=1\0",
		 59},
		{"STRICT_GROUPS=x\0STRICT_GROUPS_MODE=enforce\0STRICT_GROUPS_NO_NEW_PRIVS=1\0", 58},
		{"STRICT_GROUPS=1\0STRICT_GROUPS_MODE=lax\0STRICT_GROUPS_NO_NEW_PRIVS=1\0", 54},
	};
	char *run[] = {"strict-init", "id", NULL};
	char *no_env[] = {NULL};
	struct sg_config cfg;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse_sealed(&cfg, run, no_env, cases[i].seal, cases[i].len),
				 CONFIG_USAGE);
		if (!strstr(err, "sealed"))
			fail_msg("case %zu: error '%s' does not mention the seal", i, err);
		config_free(&cfg);
	}
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
		cmocka_unit_test(test_seal_compose_every_setting),
		cmocka_unit_test(test_seal_defaults_are_sealed),
		cmocka_unit_test(test_sealed_settings_apply),
		cmocka_unit_test(test_sealed_contradictions_refused),
		cmocka_unit_test(test_sealed_unset_checks_may_be_added),
		cmocka_unit_test(test_sealed_install_takes_its_own_settings),
		cmocka_unit_test(test_install_takes_options_only),
		cmocka_unit_test(test_sealed_install_without_options_keeps_its_seal),
		cmocka_unit_test(test_damaged_seal_refused),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
