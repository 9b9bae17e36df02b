/* Unit tests of the argv rules and kubelet escaping (webhook/imageargv.c)
 * and of USER parsing (webhook/imageconfig.c).
 *
 * The escaping is checked against a model of kubelet's expansion of
 * command and args (third_party/forked/golang/expansion: "$$" is "$",
 * "$(NAME)" is the variable's value or stays as written when undefined,
 * any other "$" stays): after the expansion, the wrapped container must
 * run exactly strict-init's prefix + the argv the unwrapped pod ran. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../kubelet_expand.h"
#include "../kubernetes_argv.h"
#include "webhook/image/imageargv.h"
#include "webhook/image/imageconfig.h"

static void expand_all(struct image_strv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		char *e = kubelet_expand(v->v[i]);

		assert_non_null(e);
		free(v->v[i]);
		v->v[i] = e;
	}
}

static void test_kubelet_model(void **state)
{
	static const char *const cases[][2] = {
		{"plain", "plain"},
		{"$(HOME)", "/home/alice"},
		{"$(NOPE)", "$(NOPE)"},
		{"x$(EMPTY)y", "xy"},
		{"$$", "$"},
		{"$$(HOME)", "$(HOME)"},
		{"$", "$"},
		{"a$", "a$"},
		{"$x", "$x"},
		{"$(HOME", "$(HOME"},
		{"$$$", "$$"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *e = kubelet_expand(cases[i][0]);

		assert_string_equal(e, cases[i][1]);
		free(e);
	}
}

static void test_escape(void **state)
{
	static const char *const cases[][2] = {
		{"", ""},
		{"no dollar", "no dollar"},
		{"$", "$$"},
		{"$$", "$$$$"},
		{"$(HOME)", "$$(HOME)"},
		{"echo $HOME $(id -u) ${X}", "echo $$HOME $$(id -u) $${X}"},
		{"a$b$", "a$$b$$"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *e = imageargv_escape_for_kubelet(cases[i][0]);
		char *back = kubelet_expand(e);

		assert_string_equal(e, cases[i][1]);
		/* escaping then kubelet's expansion is the identity */
		assert_string_equal(back, cases[i][0]);
		free(e);
		free(back);
	}
}

#define V(...) ((const char *const[]){__VA_ARGS__})
#define N(...) (sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

struct argv_case {
	const char *name;
	const char *const *command;
	size_t n_command;
	const char *const *args;
	size_t n_args;
	const char *const *entrypoint; /* NULL: none */
	size_t n_entrypoint;
	const char *const *cmd;
	size_t n_cmd;
	const char *const *want; /* NULL: error */
	size_t n_want;
};

#define NONE NULL, 0
#define L(...) V(__VA_ARGS__), N(__VA_ARGS__)

static const struct argv_case argv_cases[] = {
	{"image only", NONE, NONE, L("/bin/sh", "-c"), L("echo $HOME"),
	 L("/bin/sh", "-c", "echo $HOME")},
	{"args replace CMD", NONE, L("-x"), L("/bin/sh", "-c"), L("echo"),
	 L("/bin/sh", "-c", "-x")},
	{"command drops ENTRYPOINT and CMD", L("/app"), NONE, L("/bin/sh"), L("x"), L("/app")},
	{"command and args", L("/app"), L("a", "b"), L("/bin/sh"), L("x"), L("/app", "a", "b")},
	{"CMD only", NONE, NONE, NONE, L("/bin/server", "--port=80"),
	 L("/bin/server", "--port=80")},
	{"ENTRYPOINT only", NONE, NONE, L("/init"), NONE, L("/init")},
	{"args without ENTRYPOINT", NONE, L("/bin/true"), NONE, L("/bin/false"), L("/bin/true")},
	{"ENTRYPOINT [\"\"] is none", NONE, NONE, L(""), L("/bin/cmd"), L("/bin/cmd")},
	{"ENTRYPOINT [\"\"] with args", NONE, L("/x"), L(""), L("/bin/cmd"), L("/x")},
	{"ENTRYPOINT [\"\", \"x\"] is kept", NONE, NONE, L("", "x"), NONE, L("", "x")},
	{"nothing to run", NONE, NONE, NONE, NONE, NULL, 0},
	{"ENTRYPOINT [\"\"] and nothing else", NONE, NONE, L(""), NONE, NULL, 0},
	{"dollars in the image", NONE, NONE, L("/bin/sh", "-c", "echo $$ $(HOME)"),
	 L("$(NOPE)", "$"), L("/bin/sh", "-c", "echo $$ $(HOME)", "$(NOPE)", "$")},
	{"dollars in the pod's args", NONE, L("$(HOME)", "$$"), L("/bin/echo"), L("$(HOME)"),
	 L("/bin/echo", "$(HOME)", "$$")},
};

static void free_cfg_arrays(struct imageconfig *c)
{
	c->entrypoint = NULL;
	c->cmd = NULL;
}

static void test_argv_rules(void **state)
{
	static const char *const prefix[] = {"/strict/strict-init", "--"};

	(void)state;
	for (size_t i = 0; i < sizeof(argv_cases) / sizeof(argv_cases[0]); i++) {
		const struct argv_case *c = &argv_cases[i];
		struct imageargv_pod pod = {c->command, c->n_command, c->args, c->n_args};
		struct imageconfig img = {
			.entrypoint = (char **)c->entrypoint,
			.n_entrypoint = c->n_entrypoint,
			.has_entrypoint = c->entrypoint != NULL,
			.cmd = (char **)c->cmd,
			.n_cmd = c->n_cmd,
			.has_cmd = c->cmd != NULL,
		};
		struct image_strv eff, cmd, args, ran = {NULL, 0};
		bool set_args = true;
		char err[256] = "";
		int rc = kubernetes_argv(&pod, &img, &eff);
		int wrc = imageargv_wrap(prefix, 2, &pod, &img, &cmd, &args, &set_args, err,
					 sizeof(err));

		print_message("# %s\n", c->name);
		assert_int_equal(imageargv_runs_something(&pod, &img), c->want != NULL);
		if (!c->want) {
			assert_int_equal(rc, -1);
			assert_int_equal(wrc, -1);
			assert_non_null(strstr(err, "no command specified"));
			assert_int_equal(cmd.n + args.n + eff.n, 0);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(wrc, 0);
		assert_true(
			image_strv_equal((const char *const *)eff.v, eff.n, c->want, c->n_want));
		/* What the runtime gets from the rewritten pod: kubelet expands
		 * command and args (the pod's args when set_args is false),
		 * then the CRI joins them (the image's are ignored: the
		 * rewritten pod always sets a command). */
		assert_true(cmd.n >= 2);
		assert_string_equal(cmd.v[0], prefix[0]);
		if (!set_args)
			assert_int_equal(args.n, 0);
		for (size_t k = 0; k < cmd.n; k++)
			image_strv_push(&ran, cmd.v[k]);
		if (set_args)
			for (size_t k = 0; k < args.n; k++)
				image_strv_push(&ran, args.v[k]);
		else
			for (size_t k = 0; k < c->n_args; k++)
				image_strv_push(&ran, c->args[k]);
		expand_all(&ran);
		/* ... and the unwrapped pod: the pod's values expanded, the
		 * image's not. */
		{
			struct image_strv want = {NULL, 0};

			image_strv_push(&want, prefix[0]);
			image_strv_push(&want, prefix[1]);
			if (c->n_command > 0) {
				for (size_t k = 0; k < eff.n; k++)
					image_strv_push_owned(&want, kubelet_expand(eff.v[k]));
			} else {
				size_t n_ep = (c->n_entrypoint == 1 && !c->entrypoint[0][0]) ?
					0 :
					c->n_entrypoint;

				for (size_t k = 0; k < n_ep; k++)
					image_strv_push(&want, c->entrypoint[k]);
				if (c->n_args > 0)
					for (size_t k = 0; k < c->n_args; k++)
						image_strv_push_owned(&want,
								      kubelet_expand(c->args[k]));
				else
					for (size_t k = 0; k < c->n_cmd; k++)
						image_strv_push(&want, c->cmd[k]);
			}
			if (!image_strv_equal((const char *const *)ran.v, ran.n,
					      (const char *const *)want.v, want.n)) {
				for (size_t k = 0; k < ran.n; k++)
					print_message("#   ran[%zu] = '%s'\n", k, ran.v[k]);
				for (size_t k = 0; k < want.n; k++)
					print_message("#   want[%zu] = '%s'\n", k, want.v[k]);
				fail_msg("%s: the wrapped pod runs another argv", c->name);
			}
			image_strv_free(&want);
		}
		image_strv_free(&ran);
		image_strv_free(&eff);
		image_strv_free(&cmd);
		image_strv_free(&args);
		free_cfg_arrays(&img);
	}
}

static void test_wrap_shapes(void **state)
{
	static const char *const prefix[] = {"/s/strict-init", "--"};
	struct image_strv cmd, args;
	bool set_args;
	char err[256];
	struct imageargv_pod pod = {NULL, 0, V("$(HOME)"), 1};
	struct imageconfig img = {
		.entrypoint = (char **)V("/bin/sh", "-c"),
		.n_entrypoint = 2,
		.cmd = (char **)V("echo $x"),
		.n_cmd = 1,
	};

	(void)state;
	/* args set: the pod's args stay, unescaped (kubelet expands them as before) */
	assert_int_equal(
		imageargv_wrap(prefix, 2, &pod, &img, &cmd, &args, &set_args, err, sizeof(err)), 0);
	assert_false(set_args);
	assert_true(image_strv_equal((const char *const *)cmd.v, cmd.n,
				     V("/s/strict-init", "--", "/bin/sh", "-c"), 4));
	image_strv_free(&cmd);
	image_strv_free(&args);
	/* no args: CMD escaped into args */
	pod.args = NULL;
	pod.n_args = 0;
	assert_int_equal(
		imageargv_wrap(prefix, 2, &pod, &img, &cmd, &args, &set_args, err, sizeof(err)), 0);
	assert_true(set_args);
	assert_true(image_strv_equal((const char *const *)args.v, args.n, V("echo $$x"), 1));
	image_strv_free(&cmd);
	image_strv_free(&args);
	/* a command set needs no image */
	pod.command = V("/app", "$(HOME)");
	pod.n_command = 2;
	assert_int_equal(
		imageargv_wrap(prefix, 2, &pod, NULL, &cmd, &args, &set_args, err, sizeof(err)), 0);
	assert_false(set_args);
	assert_true(image_strv_equal((const char *const *)cmd.v, cmd.n,
				     V("/s/strict-init", "--", "/app", "$(HOME)"), 4));
	image_strv_free(&cmd);
	image_strv_free(&args);
	/* no command and no image: an error, nothing allocated */
	pod.command = NULL;
	pod.n_command = 0;
	assert_int_equal(
		imageargv_wrap(prefix, 2, &pod, NULL, &cmd, &args, &set_args, err, sizeof(err)),
		-1);
	assert_int_equal(cmd.n + args.n, 0);
	assert_non_null(strstr(err, "image is unknown"));
}

static void test_user(void **state)
{
	static const struct {
		const char *text;
		int rc;
		uint32_t uid, gid;
		bool uid_numeric, has_group, gid_numeric;
	} cases[] = {
		{"", 0, 0, 0, true, false, false},
		{"0", 0, 0, 0, true, false, false},
		{"1000", 0, 1000, 0, true, false, false},
		{"1000:1000", 0, 1000, 1000, true, true, true},
		{"1000:60000", 0, 1000, 60000, true, true, true},
		{"alice", 0, 0, 0, false, false, false},
		{"alice:staff", 0, 0, 0, false, true, false},
		{"alice:50", 0, 0, 50, false, true, true},
		{"1000:staff", 0, 1000, 0, true, true, false},
		{"4294967294:4294967294", 0, 4294967294u, 4294967294u, true, true, true},
		{"4294967295", -1, 0, 0, false, false, false},
		{"1000:4294967295", -1, 0, 0, false, false, false},
		{"99999999999", -1, 0, 0, false, false, false},
		{":1000", -1, 0, 0, false, false, false},
		{"1000:", -1, 0, 0, false, false, false},
		{"1:2:3", -1, 0, 0, false, false, false},
		{"al\nice", -1, 0, 0, false, false, false},
		/* a sign is not a number: a name, as the runtime would look it up */
		{"+1000", 0, 0, 0, false, false, false},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct imageconfig_user u;

		print_message("# USER case %zu\n", i);
		assert_int_equal(imageconfig_user_parse(cases[i].text, &u), cases[i].rc);
		assert_int_equal(u.uid_numeric, cases[i].uid_numeric);
		assert_int_equal(u.uid, cases[i].uid);
		assert_int_equal(u.has_group, cases[i].has_group);
		assert_int_equal(u.gid_numeric, cases[i].gid_numeric);
		assert_int_equal(u.gid, cases[i].gid);
	}
}

static void test_same_exec(void **state)
{
	struct imageconfig a = {.entrypoint = (char **)V("/e"),
				.n_entrypoint = 1,
				.cmd = (char **)V("c"),
				.n_cmd = 1,
				.user = (char *)"1000"};
	struct imageconfig b = a;
	struct imageconfig none = {.user = NULL};
	struct imageconfig blank = {.entrypoint = (char **)V(""),
				    .n_entrypoint = 1,
				    .has_entrypoint = true,
				    .cmd = NULL,
				    .n_cmd = 0,
				    .has_cmd = true,
				    .user = (char *)""};
	char what[64];

	(void)state;
	assert_true(imageconfig_same_exec(&a, &b, what, sizeof(what)));
	b.cmd = (char **)V("d");
	assert_false(imageconfig_same_exec(&a, &b, what, sizeof(what)));
	assert_string_equal(what, "CMD");
	b = a;
	b.entrypoint = (char **)V("/e", "x");
	b.n_entrypoint = 2;
	assert_false(imageconfig_same_exec(&a, &b, what, sizeof(what)));
	assert_string_equal(what, "ENTRYPOINT");
	b = a;
	b.user = (char *)"0";
	assert_false(imageconfig_same_exec(&a, &b, what, sizeof(what)));
	assert_string_equal(what, "USER");
	/* null and [], [""] and none, NULL and "" USER: the same process */
	assert_true(imageconfig_same_exec(&none, &blank, what, sizeof(what)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kubelet_model), cmocka_unit_test(test_escape),
		cmocka_unit_test(test_argv_rules),    cmocka_unit_test(test_wrap_shapes),
		cmocka_unit_test(test_user),          cmocka_unit_test(test_same_exec),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
