/* Unit tests of webhook/jsondiff.c: for each pair of documents the patch,
 * applied by the tests' own RFC 6902 applier, turns the first into the
 * second, and has the shape the webhook's readers expect. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/admission/jsondiff.h"
#include "webhook_util.h"

/* from, to, the patch expected (NULL: only that it applies) */
struct dcase {
	const char *from, *to, *patch;
};

static const struct dcase cases[] = {
	{"{'a':1}", "{'a':1}", "[]"},
	{"{'a':1}", "{'a':2}", "[{'op':'replace','path':'/a','value':2}]"},
	{"{'a':1,'b':2}", "{'b':2}", "[{'op':'remove','path':'/a'}]"},
	{"{}", "{'a':{'b':[1]}}", "[{'op':'add','path':'/a','value':{'b':[1]}}]"},
	/* keys are escaped as RFC 6901 says */
	{"{'x/y':1,'m~n':1}", "{'x/y':2,'m~n':3}",
	 "[{'op':'replace','path':'/x~1y','value':2},{'op':'replace','path':'/m~0n','value':3}]"},
	/* an array of scalars (a command line) is replaced whole */
	{"{'c':['a','b']}", "{'c':['w','--','a','b']}",
	 "[{'op':'replace','path':'/c','value':['w','--','a','b']}]"},
	/* an insertion at the front of an array of objects */
	{"{'l':[{'n':1},{'n':2}]}", "{'l':[{'n':0},{'n':1},{'n':2}]}",
	 "[{'op':'add','path':'/l/0','value':{'n':0}}]"},
	/* in the middle, with a change after it */
	{"{'l':[{'n':1},{'n':2},{'n':3}]}", "{'l':[{'n':1},{'n':9},{'n':2,'x':1},{'n':3}]}",
	 "[{'op':'add','path':'/l/1','value':{'n':9}},{'op':'add','path':'/l/2/x','value':1}]"},
	/* removals */
	{"{'l':[{'n':1},{'n':2},{'n':3}]}", "{'l':[{'n':3}]}",
	 "[{'op':'remove','path':'/l/0'},{'op':'remove','path':'/l/0'}]"},
	{"{'l':[{'n':1},{'n':2},{'n':3}]}", "{'l':[{'n':1},{'n':3}]}",
	 "[{'op':'remove','path':'/l/1'}]"},
	/* equal at both ends, replaced in the middle */
	{"{'l':[{'n':1},{'n':2},{'n':3}]}", "{'l':[{'n':1},{'m':2},{'n':3}]}", NULL},
	/* a type change */
	{"{'a':[{'n':1}]}", "{'a':{'n':1}}", "[{'op':'replace','path':'/a','value':{'n':1}}]"},
	{"{'a':[]}", "{'a':[{'n':1}]}", "[{'op':'replace','path':'/a','value':[{'n':1}]}]"},
	/* the whole document */
	{"[1]", "{'a':1}", "[{'op':'replace','path':'','value':{'a':1}}]"},
};

static void check(const char *from_text, const char *to_text, const char *want_text)
{
	json_t *from = J(from_text), *to = J(to_text), *patch = jsondiff_patch(from, to);

	assert_non_null(patch);
	if (want_text) {
		json_t *want = J(want_text);

		if (!json_equal(patch, want)) {
			char *got = json_dumps(patch, JSON_COMPACT);

			fail_msg("%s -> %s: got %s", from_text, to_text, got);
		}
		json_decref(want);
	}
	assert_int_equal(patch_apply(&from, patch), 0);
	assert_true(json_equal(from, to));
	json_decref(patch);
	json_decref(from);
	json_decref(to);
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(cases[i].from, cases[i].to, cases[i].patch);
}

/* {"k":{"k":...{"k":LEAF}}} nested `depth` objects deep. */
static json_t *nested(size_t depth, int leaf)
{
	json_t *doc = json_integer(leaf);

	for (size_t i = 0; i < depth; i++)
		doc = json_pack("{s:o}", "k", doc);
	return doc;
}

/* A change deeper than DIFF_MAX_DEPTH (32) is a replacement at that depth:
 * the walk stops there, and the patch still turns one into the other. */
static void test_depth_bounded(void **state)
{
	json_t *from = nested(2000, 1), *to = nested(2000, 2), *patch = jsondiff_patch(from, to);
	const char *path;

	(void)state;
	assert_non_null(patch);
	assert_int_equal(json_array_size(patch), 1);
	path = json_string_value(json_object_get(json_array_get(patch, 0), "path"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(patch, 0), "op")),
			    "replace");
	assert_int_equal(strlen(path), 32 * strlen("/k"));
	assert_int_equal(patch_apply(&from, patch), 0);
	assert_true(json_equal(from, to));
	json_decref(patch);
	json_decref(from);
	json_decref(to);
	/* shallower changes are still found exactly */
	check("{'a':{'b':{'c':{'d':1,'e':1}}}}", "{'a':{'b':{'c':{'d':1,'e':2}}}}",
	      "[{'op':'replace','path':'/a/b/c/e','value':2}]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_depth_bounded),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("webhook_jsondiff", tests, NULL, NULL);
}
