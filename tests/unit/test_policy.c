/* Unit tests of the policy (init/policy.c): configuration + process state
 * -> plan. One table row per rule of the README's policy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "init/config.h"
#include "init/policy.h"

static const gid_t alice_held[] = {1000, 50000, 60000}; /* as a CRI merges */

static struct sg_state alice(void)
{
	struct sg_state st = {
		.ruid = 1000,
		.euid = 1000,
		.suid = 1000,
		.rgid = 1000,
		.egid = 1000,
		.sgid = 1000,
		.held = alice_held,
		.nheld = 3,
	};
	return st;
}

static struct sg_state root_with(const gid_t *held, size_t n)
{
	struct sg_state st = {.held = held, .nheld = n};
	return st;
}

static void config_with(struct sg_config *cfg, const char *groups_env, char **extra_args)
{
	char *argv[16] = {"strict-init"};
	char *envp[] = {(char *)groups_env, NULL};
	char err[256];
	int argc = 1;

	for (; extra_args && *extra_args; extra_args++)
		argv[argc++] = *extra_args;
	argv[argc++] = "id";
	argv[argc] = NULL;
	if (config_parse(cfg, argc, argv, envp, NULL, 0, err, sizeof(err)))
		fail_msg("config: %s", err);
	/* a sealed copy (config.c's seal tests show how a seal becomes this) */
	cfg->sealed = true;
}

static void assert_gids(const gid_t *got, size_t n, const gid_t *want, size_t m)
{
	assert_int_equal(n, m);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(got[i], want[i]);
}

#define GIDS(...) ((const gid_t[]){__VA_ARGS__}), (sizeof((gid_t[]){__VA_ARGS__}) / sizeof(gid_t))

static void plan_for(struct sg_plan *plan, const char *env, char **args, const struct sg_state *st)
{
	struct sg_config cfg;

	config_with(&cfg, env, args);
	assert_int_equal(policy_plan(&cfg, st, plan), 0);
	config_free(&cfg);
}

static void test_enforce_drops_forbidden(void **state)
{
	struct sg_state st = alice();
	struct sg_plan plan;

	(void)state;
	plan_for(&plan, "STRICT_GROUPS=60000", NULL, &st);
	assert_int_equal(plan.verdict, VERDICT_DROP);
	assert_gids(plan.target, plan.ntarget, GIDS(1000, 60000));
	assert_gids(plan.forbidden, plan.nforbidden, GIDS(50000));
	assert_gids(plan.allowed, plan.nallowed, GIDS(1000, 60000));
	assert_true(plan.set_no_new_privs);
	assert_false(plan.root_start);
	plan_free(&plan);
}

static void test_nothing_forbidden_runs_unchanged(void **state)
{
	struct sg_state st = alice();
	struct sg_plan plan;

	(void)state;
	plan_for(&plan, "STRICT_GROUPS=50000,60000", NULL, &st);
	assert_int_equal(plan.verdict, VERDICT_RUN);
	assert_int_equal(plan.nforbidden, 0);
	assert_int_equal(plan.ntarget, 0);
	assert_false(plan.audit_report);
	plan_free(&plan);
}

static void test_never_adds_a_group(void **state)
{
	struct sg_state st = alice();
	struct sg_plan plan;

	(void)state;
	/* 70000 is allowed but not held: it must not appear in the target */
	plan_for(&plan, "STRICT_GROUPS=60000,70000", NULL, &st);
	assert_int_equal(plan.verdict, VERDICT_DROP);
	assert_gids(plan.target, plan.ntarget, GIDS(1000, 60000));
	plan_free(&plan);
}

static void test_empty_list_keeps_primary_only(void **state)
{
	struct sg_state st = alice();
	struct sg_plan plan;

	(void)state;
	plan_for(&plan, "STRICT_GROUPS=", NULL, &st);
	assert_int_equal(plan.verdict, VERDICT_DROP);
	assert_gids(plan.target, plan.ntarget, GIDS(1000));
	assert_gids(plan.forbidden, plan.nforbidden, GIDS(50000, 60000));
	plan_free(&plan);
}

static void test_refuse_mode(void **state)
{
	struct sg_state st = alice();
	struct sg_plan plan;
	char *args[] = {"--mode=refuse", NULL};

	(void)state;
	plan_for(&plan, "STRICT_GROUPS=60000", args, &st);
	assert_int_equal(plan.verdict, VERDICT_REFUSE);
	assert_int_equal(plan.refusal, REFUSE_FORBIDDEN_HELD);
	assert_gids(plan.forbidden, plan.nforbidden, GIDS(50000));
	plan_free(&plan);
	/* nothing forbidden: refuse mode runs the command */
	plan_for(&plan, "STRICT_GROUPS=50000,60000", args, &st);
	assert_int_equal(plan.verdict, VERDICT_RUN);
	plan_free(&plan);
}

static void test_audit_mode_changes_nothing(void **state)
{
	struct sg_state st = alice();
	struct sg_plan plan;
	char *args[] = {"--mode=audit", NULL};

	(void)state;
	plan_for(&plan, "STRICT_GROUPS=60000", args, &st);
	assert_int_equal(plan.verdict, VERDICT_RUN);
	assert_true(plan.audit_report);
	assert_false(plan.set_no_new_privs);
	assert_gids(plan.forbidden, plan.nforbidden, GIDS(50000));
	plan_free(&plan);
}

static void test_no_new_privs_off(void **state)
{
	struct sg_state st = alice();
	struct sg_plan plan;
	char *args[] = {"--no-new-privs=0", NULL};

	(void)state;
	plan_for(&plan, "STRICT_GROUPS=60000", args, &st);
	assert_int_equal(plan.verdict, VERDICT_DROP);
	assert_false(plan.set_no_new_privs);
	plan_free(&plan);
}

static void test_user_switch_needs_root(void **state)
{
	struct sg_state st = alice();
	struct sg_plan plan;
	char *args[] = {"--user=0:0", NULL};

	(void)state;
	plan_for(&plan, "STRICT_GROUPS=50000", args, &st);
	assert_int_equal(plan.verdict, VERDICT_REFUSE);
	assert_int_equal(plan.refusal, REFUSE_USER_NOT_ROOT);
	assert_int_equal(plan.ntarget, 0);
	plan_free(&plan);
}

static void test_user_switch_from_root_sets_exact_groups(void **state)
{
	static const gid_t held[] = {0, 50000, 60000};
	struct sg_state st = root_with(held, 3);
	struct sg_plan plan;
	char *args[] = {"--user=1000:1000", NULL};

	(void)state;
	plan_for(&plan, "STRICT_GROUPS=60000,70000", args, &st);
	assert_int_equal(plan.verdict, VERDICT_SWITCH_USER);
	assert_true(plan.root_start);
	/* exactly STRICT_GROUPS + GID, whatever root held */
	assert_gids(plan.target, plan.ntarget, GIDS(1000, 60000, 70000));
	assert_gids(plan.forbidden, plan.nforbidden, GIDS(0, 50000));
	assert_int_equal(plan.primary_gid, 1000);
	plan_free(&plan);
}

static void test_root_without_user_only_drops(void **state)
{
	static const gid_t held[] = {0, 50000, 60000};
	struct sg_state st = root_with(held, 3);
	struct sg_plan plan;

	(void)state;
	plan_for(&plan, "STRICT_GROUPS=60000,70000", NULL, &st);
	assert_int_equal(plan.verdict, VERDICT_DROP);
	assert_gids(plan.target, plan.ntarget, GIDS(0, 60000));
	plan_free(&plan);
}

static void test_inconsistent_ids_refused(void **state)
{
	struct sg_state st = alice();
	struct sg_plan plan;

	(void)state;
	st.egid = 50000; /* e.g. after a setgid binary */
	plan_for(&plan, "STRICT_GROUPS=60000", NULL, &st);
	assert_int_equal(plan.verdict, VERDICT_REFUSE);
	assert_int_equal(plan.refusal, REFUSE_INCONSISTENT_IDS);
	plan_free(&plan);
	st = alice();
	st.euid = 0;
	plan_for(&plan, "STRICT_GROUPS=60000", NULL, &st);
	assert_int_equal(plan.refusal, REFUSE_INCONSISTENT_IDS);
	assert_false(plan.root_start);
	plan_free(&plan);
}

/* Every id the rule reads, differing alone from the other two of its kind,
 * is refused (with nothing forbidden held, the only reason not to run);
 * a root start needs all three uids 0. */
static void test_each_id_differing_alone(void **state)
{
	static const gid_t root_held[] = {0, 50000};
	static const char *const names[] = {"ruid", "euid", "suid", "rgid", "egid", "sgid"};
	struct sg_plan plan;

	(void)state;
	for (int which = 0; which < 6; which++) {
		struct sg_state st = alice();
		uid_t *uids[] = {&st.ruid, &st.euid, &st.suid};
		gid_t *gids[] = {&st.rgid, &st.egid, &st.sgid};

		print_message("# %s differing alone\n", names[which]);
		if (which < 3)
			*uids[which] = 2000;
		else
			*gids[which - 3] = 2000;
		plan_for(&plan, "STRICT_GROUPS=50000,60000", NULL, &st);
		assert_int_equal(plan.verdict, VERDICT_REFUSE);
		assert_int_equal(plan.refusal, REFUSE_INCONSISTENT_IDS);
		plan_free(&plan);

		st = root_with(root_held, 2);
		if (which < 3)
			*uids[which] = 1000;
		else
			*gids[which - 3] = 1000;
		plan_for(&plan, "STRICT_GROUPS=50000", NULL, &st);
		assert_int_equal(plan.verdict, VERDICT_REFUSE);
		assert_int_equal(plan.refusal, REFUSE_INCONSISTENT_IDS);
		assert_int_equal(plan.root_start, which >= 3);
		plan_free(&plan);
	}
}

static void test_expected_gid(void **state)
{
	struct sg_state st = alice();
	struct sg_plan plan;
	char *right[] = {"--gid=1000", NULL};
	char *wrong[] = {"--gid=2000", NULL};

	(void)state;
	plan_for(&plan, "STRICT_GROUPS=60000", right, &st);
	assert_int_equal(plan.verdict, VERDICT_DROP);
	plan_free(&plan);
	plan_for(&plan, "STRICT_GROUPS=60000", wrong, &st);
	assert_int_equal(plan.verdict, VERDICT_REFUSE);
	assert_int_equal(plan.refusal, REFUSE_GID_MISMATCH);
	plan_free(&plan);
}

/* The refusal names the ids it read and the one it expected. */
static void test_refusals_name_the_ids(void **state)
{
	struct sg_state st = alice();
	struct sg_plan plan;
	struct sg_config cfg;
	char *wrong[] = {"--gid=2000", NULL};
	char why[400];

	(void)state;
	config_with(&cfg, "STRICT_GROUPS=60000", wrong);
	assert_int_equal(policy_plan(&cfg, &st, &plan), 0);
	refusal_describe(&plan, &cfg, &st, why, sizeof(why));
	assert_string_equal(why, "the process's gid is 1000, not STRICT_GROUPS_GID 2000");
	plan_free(&plan);
	config_free(&cfg);

	st.egid = st.sgid = 50000;
	config_with(&cfg, "STRICT_GROUPS=60000", NULL);
	assert_int_equal(policy_plan(&cfg, &st, &plan), 0);
	refusal_describe(&plan, &cfg, &st, why, sizeof(why));
	assert_string_equal(why,
			    "real, effective and saved ids differ (uid 1000/1000/1000, "
			    "gid 1000/50000/50000), so the primary gid is unclear");
	plan_free(&plan);
	config_free(&cfg);
}

/* A copy without a seal never drops for a non-root start: the groups to
 * keep would come from whoever runs it (README, "Policy"). */
static void test_unsealed_drops_only_from_root(void **state)
{
	struct sg_state st = alice();
	struct sg_state root = root_with(alice_held, 3);
	struct sg_plan plan;
	struct sg_config cfg;

	(void)state;
	config_with(&cfg, "STRICT_GROUPS=60000", NULL);
	cfg.sealed = false;
	assert_int_equal(policy_plan(&cfg, &st, &plan), 0);
	assert_int_equal(plan.verdict, VERDICT_REFUSE);
	assert_int_equal(plan.refusal, REFUSE_NOT_SEALED);
	assert_null(plan.target);
	plan_free(&plan);
	/* the same from a root start drops as before */
	assert_int_equal(policy_plan(&cfg, &root, &plan), 0);
	assert_int_equal(plan.verdict, VERDICT_DROP);
	assert_gids(plan.target, plan.ntarget, GIDS(60000));
	plan_free(&plan);
	config_free(&cfg);

	/* nothing forbidden: it runs, no capability is needed */
	config_with(&cfg, "STRICT_GROUPS=50000,60000", NULL);
	cfg.sealed = false;
	assert_int_equal(policy_plan(&cfg, &st, &plan), 0);
	assert_int_equal(plan.verdict, VERDICT_RUN);
	plan_free(&plan);
	config_free(&cfg);
}

static void test_lock_needs_no_new_privs(void **state)
{
	struct sg_state st = alice();
	struct sg_plan plan;
	char *lock_nnp[] = {"--lock=1", NULL};
	char *lock_no_nnp[] = {"--lock=1", "--no-new-privs=0", NULL};

	(void)state;
	plan_for(&plan, "STRICT_GROUPS=60000", lock_nnp, &st);
	assert_int_equal(plan.verdict, VERDICT_DROP);
	assert_true(plan.install_lock);
	plan_free(&plan);
	plan_for(&plan, "STRICT_GROUPS=60000", lock_no_nnp, &st);
	assert_int_equal(plan.verdict, VERDICT_REFUSE);
	assert_int_equal(plan.refusal, REFUSE_LOCK_WITHOUT_NNP);
	assert_false(plan.install_lock);
	plan_free(&plan);
	st.cap_sys_admin = true;
	plan_for(&plan, "STRICT_GROUPS=60000", lock_no_nnp, &st);
	assert_int_equal(plan.verdict, VERDICT_DROP);
	assert_true(plan.install_lock);
	plan_free(&plan);
}

static void test_lock_without_nnp_and_user_switch_refused(void **state)
{
	static const gid_t held[] = {0};
	struct sg_state st = root_with(held, 1);
	struct sg_plan plan;
	char *args[] = {"--lock=1", "--no-new-privs=0", "--user=1000:1000", NULL};

	(void)state;
	/* CAP_SYS_ADMIN is gone after the switch, before the filter goes on */
	st.cap_sys_admin = true;
	plan_for(&plan, "STRICT_GROUPS=60000", args, &st);
	assert_int_equal(plan.verdict, VERDICT_REFUSE);
	assert_int_equal(plan.refusal, REFUSE_LOCK_WITHOUT_NNP);
	plan_free(&plan);
}

static void test_duplicates_in_held(void **state)
{
	static const gid_t held[] = {50000, 1000, 50000, 60000, 60000};
	struct sg_state st = alice();
	struct sg_plan plan;

	(void)state;
	st.held = held;
	st.nheld = 5;
	plan_for(&plan, "STRICT_GROUPS=60000", NULL, &st);
	assert_int_equal(plan.verdict, VERDICT_DROP);
	assert_gids(plan.target, plan.ntarget, GIDS(1000, 60000));
	assert_gids(plan.forbidden, plan.nforbidden, GIDS(50000));
	plan_free(&plan);
}

static void test_no_groups_held(void **state)
{
	struct sg_state st = alice();
	struct sg_plan plan;

	(void)state;
	st.nheld = 0;
	plan_for(&plan, "STRICT_GROUPS=", NULL, &st);
	assert_int_equal(plan.verdict, VERDICT_RUN);
	plan_free(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enforce_drops_forbidden),
		cmocka_unit_test(test_nothing_forbidden_runs_unchanged),
		cmocka_unit_test(test_never_adds_a_group),
		cmocka_unit_test(test_empty_list_keeps_primary_only),
		cmocka_unit_test(test_refuse_mode),
		cmocka_unit_test(test_audit_mode_changes_nothing),
		cmocka_unit_test(test_no_new_privs_off),
		cmocka_unit_test(test_user_switch_needs_root),
		cmocka_unit_test(test_user_switch_from_root_sets_exact_groups),
		cmocka_unit_test(test_root_without_user_only_drops),
		cmocka_unit_test(test_inconsistent_ids_refused),
		cmocka_unit_test(test_each_id_differing_alone),
		cmocka_unit_test(test_expected_gid),
		cmocka_unit_test(test_refusals_name_the_ids),
		cmocka_unit_test(test_unsealed_drops_only_from_root),
		cmocka_unit_test(test_lock_needs_no_new_privs),
		cmocka_unit_test(test_lock_without_nnp_and_user_switch_refused),
		cmocka_unit_test(test_duplicates_in_held),
		cmocka_unit_test(test_no_groups_held),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
