#include "jsondiff.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Below this many levels a changed value is replaced whole instead of
 * compared further: the walk's recursion stays shallow whatever the input
 * (the webhook changes nothing deeper than spec.containers[i].command[j]). */
#define DIFF_MAX_DEPTH 32

/* A JSON Pointer being built: grows as the walk goes down, shrinks back. */
struct pointer {
	char *text;
	size_t len, cap;
	unsigned int depth; /* tokens in text */
};

/* Appends "/" and the escaped token (RFC 6901: "~" -> "~0", "/" -> "~1")
 * to the pointer in buf[0..*len). Returns 0, or -1 (buf unchanged) if it
 * does not fit. */
static int pointer_append(char *buf, size_t cap, size_t *len, const char *token)
{
	size_t n = *len;

	if (n + 1 >= cap)
		return -1;
	buf[n++] = '/';
	for (const char *t = token; *t; t++) {
		const char *esc = *t == '~' ? "~0" : *t == '/' ? "~1" : NULL;
		size_t need = esc ? 2 : 1;

		if (n + need >= cap) {
			buf[*len] = '\0';
			return -1;
		}
		if (esc) {
			buf[n++] = esc[0];
			buf[n++] = esc[1];
		} else {
			buf[n++] = *t;
		}
	}
	buf[n] = '\0';
	*len = n;
	return 0;
}

/* Appends a token, growing the buffer; returns the length to restore
 * afterwards, or (size_t)-1 when out of memory. */
static size_t pointer_push(struct pointer *p, const char *token)
{
	size_t before = p->len;
	/* worst case: every byte escaped, plus "/" and the terminator */
	size_t need = p->len + 2 * strlen(token) + 2;

	if (need > p->cap) {
		size_t cap = need * 2;
		char *grown = realloc(p->text, cap);

		if (!grown)
			return (size_t)-1;
		p->text = grown;
		p->cap = cap;
	}
	if (pointer_append(p->text, p->cap, &p->len, token) != 0)
		return (size_t)-1; /* cannot happen: the room was made above */
	p->depth++;
	return before;
}

static size_t pointer_push_index(struct pointer *p, size_t index)
{
	char token[24];

	snprintf(token, sizeof(token), "%zu", index);
	return pointer_push(p, token);
}

static void pointer_pop(struct pointer *p, size_t len)
{
	p->depth--;
	p->len = len;
	p->text[len] = '\0';
}

static int add_op(json_t *ops, const char *op, const struct pointer *p, const json_t *value)
{
	json_t *o = json_object();

	if (!o || json_array_append_new(ops, o) != 0)
		return -1;
	if (json_object_set_new(o, "op", json_string(op)) != 0 ||
	    json_object_set_new(o, "path", json_string(p->text)) != 0)
		return -1;
	/* The patch only reads the value: share it instead of copying. */
	if (value && json_object_set(o, "value", (json_t *)value) != 0)
		return -1;
	return 0;
}

/* diff() and the three below call each other, one level of the documents
 * at a time, DIFF_MAX_DEPTH levels at most (see diff()): clang-tidy's
 * misc-no-recursion warns of unbounded recursion, which this is not. */
// NOLINTBEGIN(misc-no-recursion)
static int diff(json_t *ops, struct pointer *p, const json_t *from, const json_t *to);

static bool all_scalars(const json_t *array)
{
	size_t i;
	const json_t *v;

	json_array_foreach(array, i, v)
		if (json_is_object(v) || json_is_array(v))
			return false;
	return true;
}

/* Element i of `to` diffed against element j of `from`, at index i. */
static int diff_element(json_t *ops, struct pointer *p, const json_t *from, size_t j,
			const json_t *to, size_t i)
{
	size_t mark = pointer_push_index(p, i);
	int rc;

	if (mark == (size_t)-1)
		return -1;
	rc = diff(ops, p, json_array_get(from, j), json_array_get(to, i));
	pointer_pop(p, mark);
	return rc;
}

/* How many elements the arrays have in common at their start. */
static size_t common_start(const json_t *from, const json_t *to)
{
	size_t n = 0, na = json_array_size(from), nb = json_array_size(to);

	while (n < na && n < nb && json_equal(json_array_get(from, n), json_array_get(to, n)))
		n++;
	return n;
}

/* How many they have in common at their end, among the elements after the
 * first `skip` of each. */
static size_t common_end(const json_t *from, const json_t *to, size_t skip)
{
	size_t n = 0, na = json_array_size(from), nb = json_array_size(to);

	while (skip + n < na && skip + n < nb &&
	       json_equal(json_array_get(from, na - 1 - n), json_array_get(to, nb - 1 - n)))
		n++;
	return n;
}

static int diff_arrays(json_t *ops, struct pointer *p, const json_t *from, const json_t *to)
{
	size_t na = json_array_size(from), nb = json_array_size(to), prefix, suffix, ma, mb;

	if (all_scalars(from) || all_scalars(to))
		return add_op(ops, "replace", p, to);
	prefix = common_start(from, to);
	suffix = common_end(from, to, prefix);
	/* the middle parts that differ */
	ma = na - prefix - suffix;
	mb = nb - prefix - suffix;
	if (mb >= ma) {
		/* New elements go in first, at the start of the middle part; the
		 * rest of the middle is compared element by element after them. */
		size_t added = mb - ma;

		for (size_t i = 0; i < added; i++) {
			size_t mark = pointer_push_index(p, prefix + i);

			if (mark == (size_t)-1 ||
			    add_op(ops, "add", p, json_array_get(to, prefix + i)) != 0)
				return -1;
			pointer_pop(p, mark);
		}
		for (size_t j = 0; j < ma; j++)
			if (diff_element(ops, p, from, prefix + j, to, prefix + added + j) != 0)
				return -1;
	} else {
		size_t removed = ma - mb;

		for (size_t i = 0; i < removed; i++) {
			size_t mark = pointer_push_index(p, prefix);

			if (mark == (size_t)-1 || add_op(ops, "remove", p, NULL) != 0)
				return -1;
			pointer_pop(p, mark);
		}
		for (size_t j = 0; j < mb; j++)
			if (diff_element(ops, p, from, prefix + removed + j, to, prefix + j) != 0)
				return -1;
	}
	return 0;
}

static int diff_objects(json_t *ops, struct pointer *p, const json_t *from, const json_t *to)
{
	const char *key;
	const json_t *value;

	json_object_foreach((json_t *)from, key, value) {
		if (json_object_get(to, key))
			continue;
		size_t mark = pointer_push(p, key);

		if (mark == (size_t)-1 || add_op(ops, "remove", p, NULL) != 0)
			return -1;
		pointer_pop(p, mark);
	}
	json_object_foreach((json_t *)to, key, value) {
		const json_t *old = json_object_get(from, key);
		size_t mark = pointer_push(p, key);
		int rc;

		if (mark == (size_t)-1)
			return -1;
		rc = old ? diff(ops, p, old, value) : add_op(ops, "add", p, value);
		pointer_pop(p, mark);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int diff(json_t *ops, struct pointer *p, const json_t *from, const json_t *to)
{
	if (json_equal(from, to))
		return 0;
	if (p->depth >= DIFF_MAX_DEPTH)
		return add_op(ops, "replace", p, to);
	if (json_is_object(from) && json_is_object(to))
		return diff_objects(ops, p, from, to);
	if (json_is_array(from) && json_is_array(to))
		return diff_arrays(ops, p, from, to);
	return add_op(ops, "replace", p, to);
}
// NOLINTEND(misc-no-recursion)

json_t *jsondiff_patch(const json_t *from, const json_t *to)
{
	struct pointer p = {.text = calloc(1, 64), .len = 0, .cap = 64};
	json_t *ops = json_array();

	if (!p.text || !ops || diff(ops, &p, from, to) != 0) {
		json_decref(ops);
		ops = NULL;
	}
	free(p.text);
	return ops;
}
