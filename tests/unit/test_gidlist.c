/* Unit tests of the one gid-list parser (init/gidlist.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/gidlist.h"

static void expect_error(const char *text, enum gid_parse_error want, size_t want_index)
{
	size_t count = 99, bad = 99;

	assert_int_equal(gidlist_validate(text, &count, &bad), want);
	assert_int_equal(bad, want_index);
	assert_int_equal(count, 0);
}

static void test_valid_lists(void **state)
{
	static const struct {
		const char *text;
		size_t count;
		gid_t first, last;
	} cases[] = {
		{"0", 1, 0, 0},
		{"60000", 1, 60000, 60000},
		{"1000,60000", 2, 1000, 60000},
		{"5,5,5", 3, 5, 5},
		{"4294967294", 1, 4294967294u, 4294967294u},
		{"1,2,3,4,5,6,7,8,9,10", 10, 1, 10},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t count, bad;
		gid_t out[16];

		assert_int_equal(gidlist_validate(cases[i].text, &count, &bad), GID_OK);
		assert_int_equal(count, cases[i].count);
		assert_int_equal(gidlist_fill(cases[i].text, out, 16), cases[i].count);
		assert_int_equal(out[0], cases[i].first);
		assert_int_equal(out[count - 1], cases[i].last);
	}
}

static void test_empty_string_is_empty_list(void **state)
{
	size_t count = 7, bad = 7;
	gid_t out[1];

	(void)state;
	assert_int_equal(gidlist_validate("", &count, &bad), GID_OK);
	assert_int_equal(count, 0);
	assert_int_equal(gidlist_fill("", out, 1), 0);
	assert_false(gidlist_contains("", 0));
}

static void test_every_malformed_class(void **state)
{
	(void)state;
	expect_error("1,,2", GID_EMPTY, 1);
	expect_error(",1", GID_EMPTY, 0);
	expect_error("1,", GID_EMPTY, 1);
	expect_error(",", GID_EMPTY, 0);
	expect_error("abc", GID_NOT_DECIMAL, 0);
	expect_error("1,2x", GID_NOT_DECIMAL, 1);
	expect_error("+1", GID_NOT_DECIMAL, 0);
	expect_error("-1", GID_NOT_DECIMAL, 0);
	expect_error("0x10", GID_NOT_DECIMAL, 0);
	expect_error(" 1", GID_NOT_DECIMAL, 0);
	expect_error("1 ", GID_NOT_DECIMAL, 0);
	expect_error("1, 2", GID_NOT_DECIMAL, 1);
	expect_error("1;2", GID_NOT_DECIMAL, 0);
	expect_error("1.0", GID_NOT_DECIMAL, 0);
	expect_error("01", GID_LEADING_ZERO, 0);
	expect_error("7,00", GID_LEADING_ZERO, 1);
	expect_error("4294967295", GID_TOO_LARGE, 0);
	expect_error("4294967296", GID_TOO_LARGE, 0);
	expect_error("9999999999", GID_TOO_LARGE, 0);
	expect_error("99999999999999999999", GID_TOO_LARGE, 0);
	expect_error("18446744073709551617", GID_TOO_LARGE, 0);
}

static void test_parse_id_bounds(void **state)
{
	unsigned int v = 0;

	(void)state;
	assert_int_equal(gidlist_parse_id("4294967294", 10, &v), GID_OK);
	assert_int_equal(v, 4294967294u);
	assert_int_equal(gidlist_parse_id("4294967295", 10, &v), GID_TOO_LARGE);
	assert_int_equal(gidlist_parse_id("", 0, &v), GID_EMPTY);
	/* only the given length counts */
	assert_int_equal(gidlist_parse_id("12x", 2, &v), GID_OK);
	assert_int_equal(v, 12);
}

static void test_contains(void **state)
{
	(void)state;
	assert_true(gidlist_contains("1000,60000", 60000));
	assert_true(gidlist_contains("1000,60000", 1000));
	assert_false(gidlist_contains("1000,60000", 6000));
	assert_false(gidlist_contains("1000,60000", 600000));
	assert_false(gidlist_contains("10000", 1000));
}

static void test_fill_respects_capacity(void **state)
{
	gid_t out[2] = {0, 0};

	(void)state;
	assert_int_equal(gidlist_fill("1,2,3", out, 2), 2);
	assert_int_equal(out[1], 2);
}

static void test_long_list(void **state)
{
	const size_t n = 60000;
	char *text = malloc(n * 11 + 1);
	gid_t *out = malloc(n * sizeof(gid_t));
	size_t len = 0, count, bad;

	(void)state;
	assert_non_null(text);
	assert_non_null(out);
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "%s%zu", i ? "," : "", 100000 + i);
	assert_int_equal(gidlist_validate(text, &count, &bad), GID_OK);
	assert_int_equal(count, n);
	assert_int_equal(gidlist_fill(text, out, n), n);
	assert_int_equal(out[n - 1], 100000 + n - 1);
	assert_true(gidlist_contains(text, 100000 + 4242));
	free(text);
	free(out);
}

static void test_format(void **state)
{
	gid_t ids[] = {1000, 60000, 4294967294u};
	char *text;

	(void)state;
	text = gidlist_format(ids, 3);
	assert_string_equal(text, "1000,60000,4294967294");
	free(text);
	text = gidlist_format(ids, 0);
	assert_string_equal(text, "none");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_lists),
		cmocka_unit_test(test_empty_string_is_empty_list),
		cmocka_unit_test(test_every_malformed_class),
		cmocka_unit_test(test_parse_id_bounds),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_fill_respects_capacity),
		cmocka_unit_test(test_long_list),
		cmocka_unit_test(test_format),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("gidlist", tests, NULL, NULL);
}
