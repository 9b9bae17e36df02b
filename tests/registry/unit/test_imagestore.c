/* Unit tests of the image cache's tables (webhook/imagestore.c): LRU
 * within a byte budget for digests, a count bound and the TTL for tags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/image/imageconfig.h"
#include "webhook/image/imagestore.h"

static struct imageconfig make_config(const char *ref, size_t cmd_len)
{
	static char cmd_text[8192];
	static char *cmd[1] = {cmd_text};
	struct imageconfig c = {0};

	memset(cmd_text, 'x', cmd_len);
	cmd_text[cmd_len] = '\0';
	c.digest_ref = (char *)ref;
	c.cmd = cmd;
	c.n_cmd = 1;
	c.has_cmd = true;
	c.user = (char *)"1000";
	return c;
}

static void test_digest_lru(void **state)
{
	struct imagestore *s = imagestore_new((size_t)3 * 1500, 10);
	struct imagestore_stats st;
	char key[64];

	(void)state;
	/* each entry takes a little over 1000 bytes: three fit */
	for (int i = 0; i < 3; i++) {
		struct imageconfig c;

		snprintf(key, sizeof(key), "r/x@%d", i);
		c = make_config(key, 1000);
		assert_int_equal(imagestore_put_digest(s, key, &c), 0);
	}
	imagestore_stats(s, &st);
	assert_int_equal(st.digests, 3);
	assert_true(st.bytes <= (size_t)3 * 1500);
	/* using 0 makes 1 the least recently used */
	assert_non_null(imagestore_get_digest(s, "r/x@0"));
	{
		struct imageconfig c = make_config("r/x@3", 1000);

		assert_int_equal(imagestore_put_digest(s, "r/x@3", &c), 0);
	}
	assert_null(imagestore_get_digest(s, "r/x@1"));
	assert_non_null(imagestore_get_digest(s, "r/x@0"));
	assert_non_null(imagestore_get_digest(s, "r/x@2"));
	assert_non_null(imagestore_get_digest(s, "r/x@3"));
	imagestore_stats(s, &st);
	assert_int_equal(st.digests, 3);
	assert_int_equal(st.evictions, 1);
	/* a copy is stored: the caller's strings can go */
	assert_string_equal(imagestore_get_digest(s, "r/x@3")->user, "1000");
	/* replacing an entry keeps one entry and the byte count right */
	{
		struct imageconfig c = make_config("r/x@3", 10);
		size_t before;

		imagestore_stats(s, &st);
		before = st.bytes;
		assert_int_equal(imagestore_put_digest(s, "r/x@3", &c), 0);
		imagestore_stats(s, &st);
		assert_int_equal(st.digests, 3);
		assert_true(st.bytes < before);
		assert_int_equal(strlen(imagestore_get_digest(s, "r/x@3")->cmd[0]), 10);
	}
	/* larger than the whole budget: refused, nothing evicted for it */
	{
		struct imageconfig c = make_config("r/x@big", 5000);

		assert_int_equal(imagestore_put_digest(s, "r/x@big", &c), -1);
		assert_null(imagestore_get_digest(s, "r/x@big"));
		imagestore_stats(s, &st);
		assert_int_equal(st.digests, 3);
	}
	imagestore_free(s);
}

static void test_tags(void **state)
{
	struct imagestore *s = imagestore_new(1 << 20, 2);
	char dk[128];
	bool fresh;

	(void)state;
	assert_int_equal(imagestore_get_tag(s, "r/x:1", 0, 100, dk, sizeof(dk), &fresh), -1);
	assert_int_equal(imagestore_put_tag(s, "r/x:1", "r/x@sha256:a", 1000), 0);
	assert_int_equal(imagestore_get_tag(s, "r/x:1", 1050, 100, dk, sizeof(dk), &fresh), 0);
	assert_string_equal(dk, "r/x@sha256:a");
	assert_true(fresh);
	/* at the TTL and after it: known but stale */
	assert_int_equal(imagestore_get_tag(s, "r/x:1", 1100, 100, dk, sizeof(dk), &fresh), 0);
	assert_false(fresh);
	/* a TTL of 0: never fresh */
	assert_int_equal(imagestore_get_tag(s, "r/x:1", 1000, 0, dk, sizeof(dk), &fresh), 0);
	assert_false(fresh);
	/* a clock that went back is not fresh either */
	assert_int_equal(imagestore_get_tag(s, "r/x:1", 10, 100, dk, sizeof(dk), &fresh), 0);
	assert_false(fresh);
	/* read again: the new digest and time */
	assert_int_equal(imagestore_put_tag(s, "r/x:1", "r/x@sha256:b", 2000), 0);
	assert_int_equal(imagestore_get_tag(s, "r/x:1", 2001, 100, dk, sizeof(dk), &fresh), 0);
	assert_string_equal(dk, "r/x@sha256:b");
	assert_true(fresh);
	/* a buffer too small */
	assert_int_equal(imagestore_get_tag(s, "r/x:1", 2001, 100, dk, 5, &fresh), -1);
	/* two tags at most: the least recently used goes */
	assert_int_equal(imagestore_put_tag(s, "r/x:2", "r/x@sha256:c", 2000), 0);
	assert_int_equal(imagestore_get_tag(s, "r/x:1", 2001, 100, dk, sizeof(dk), &fresh), 0);
	assert_int_equal(imagestore_put_tag(s, "r/x:3", "r/x@sha256:d", 2000), 0);
	assert_int_equal(imagestore_get_tag(s, "r/x:2", 2001, 100, dk, sizeof(dk), &fresh), -1);
	assert_int_equal(imagestore_get_tag(s, "r/x:1", 2001, 100, dk, sizeof(dk), &fresh), 0);
	assert_int_equal(imagestore_get_tag(s, "r/x:3", 2001, 100, dk, sizeof(dk), &fresh), 0);
	imagestore_free(s);
}

static void test_many_entries(void **state)
{
	struct imagestore *s = imagestore_new((size_t)64 << 10, 100);
	struct imagestore_stats st;
	char key[64];

	(void)state;
	/* far more than fit, and more than the buckets: chains and eviction */
	for (int i = 0; i < 20000; i++) {
		struct imageconfig c;

		snprintf(key, sizeof(key), "r/x@%d", i);
		c = make_config(key, 10);
		assert_int_equal(imagestore_put_digest(s, key, &c), 0);
		snprintf(key, sizeof(key), "r/x:%d", i);
		assert_int_equal(imagestore_put_tag(s, key, "r/x@0", (uint64_t)i), 0);
	}
	imagestore_stats(s, &st);
	assert_true(st.bytes <= (size_t)64 << 10);
	assert_int_equal(st.tags, 100);
	assert_non_null(imagestore_get_digest(s, "r/x@19999"));
	assert_null(imagestore_get_digest(s, "r/x@0"));
	imagestore_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_lru),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_many_entries),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
