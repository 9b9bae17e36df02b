/* Unit tests of the AdmissionReview layer (webhook/review.c): what the API
 * server sends, what it gets back, and every kind of bad body. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <nettle/base64.h>

#include "webhook/admission/review.h"
#include "webhook_util.h"

static const struct wh_settings settings = {.image = "strict-groups:0.1.0",
					    .image_pull_policy = "IfNotPresent",
					    .mode = WH_MODE_ENFORCE,
					    .no_new_privs = true,
					    .version = "0.1.0"};

#define POD \
	"{'apiVersion':'v1','kind':'Pod','metadata':{'generateName':'web-','namespace':'ns'}," \
	"'spec':{'securityContext':{'runAsGroup':1000},'containers':[{'name':'a','image':'a','command':['a']}]}}"
#define REQUEST(op, sub, extra) \
	"{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview'," \
	"'request':{'uid':'705ab4f5-6393-11e8-b7cc-42010a800002','kind':{'group':'','version':'v1','kind':'Pod'}," \
	"'resource':{'group':'','version':'v1','resource':'pods'},'subResource':'" sub \
	"','namespace':'ns'," \
	"'operation':'" op "','object':" POD extra "}}"

/* Runs the review on single-quoted JSON (or raw bytes when raw). */
static void review(const char *body, bool raw, struct wh_review *out)
{
	char *text = strdup(body);

	assert_non_null(text);
	if (!raw)
		for (char *p = text; *p; p++)
			if (*p == '\'')
				*p = '"';
	assert_int_equal(test_review(&settings, text, strlen(text), NULL, 0, out), 0);
	free(text);
}

static json_t *response_of(const struct wh_review *out)
{
	json_t *r = json_loadb(out->body, out->body_len, 0, NULL);

	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "apiVersion")),
			    "admission.k8s.io/v1");
	assert_string_equal(json_string_value(json_object_get(r, "kind")), "AdmissionReview");
	return r;
}

static json_t *decoded_patch(const json_t *response)
{
	const char *b64 = json_string_value(json_object_get(response, "patch"));
	struct base64_decode_ctx ctx;
	size_t len = BASE64_DECODE_LENGTH(strlen(b64));
	uint8_t *buf = malloc(len + 1);
	json_t *patch;

	assert_non_null(buf);
	base64_decode_init(&ctx);
	assert_int_equal(base64_decode_update(&ctx, &len, buf, strlen(b64), b64), 1);
	assert_int_equal(base64_decode_final(&ctx), 1);
	patch = json_loadb((const char *)buf, len, 0, NULL);
	free(buf);
	assert_non_null(patch);
	return patch;
}

static void test_create_injected(void **state)
{
	struct wh_review out;
	json_t *r, *resp, *patch;

	(void)state;
	review(REQUEST("CREATE", "", ""), false, &out);
	assert_int_equal(out.http_status, 200);
	assert_string_equal(out.content_type, "application/json");
	assert_int_equal(out.outcome, WH_INJECTED);
	assert_int_equal(out.operation, WH_LABEL_CREATE);
	assert_non_null(strstr(out.summary, "CREATE pods ns/web-*: injected"));
	r = response_of(&out);
	resp = json_object_get(r, "response");
	assert_string_equal(json_string_value(json_object_get(resp, "uid")),
			    "705ab4f5-6393-11e8-b7cc-42010a800002");
	assert_true(json_is_true(json_object_get(resp, "allowed")));
	assert_string_equal(json_string_value(json_object_get(resp, "patchType")), "JSONPatch");
	assert_null(json_object_get(resp, "status"));
	patch = decoded_patch(resp);
	assert_true(json_array_size(patch) > 0);
	json_decref(patch);
	json_decref(r);
	review_free(&out);
}

/* dryRun changes nothing in the answer: there are no side effects to skip. */
static void test_dry_run_same_answer(void **state)
{
	struct wh_review a, b;

	(void)state;
	review(REQUEST("CREATE", "", ""), false, &a);
	review(REQUEST("CREATE", "", ",'dryRun':true"), false, &b);
	assert_int_equal(a.body_len, b.body_len);
	assert_memory_equal(a.body, b.body, a.body_len);
	review_free(&a);
	review_free(&b);
}

static void test_denied_has_status(void **state)
{
	struct wh_review out;
	json_t *r, *resp, *status;
	char body[2048];

	(void)state;
	snprintf(body, sizeof(body), "%s", REQUEST("CREATE", "", ""));
	/* no command */
	snprintf(strstr(body, ",'command':['a']"), 16, "}]}}}}");
	review(body, false, &out);
	assert_int_equal(out.http_status, 200);
	assert_int_equal(out.outcome, WH_DENIED);
	r = response_of(&out);
	resp = json_object_get(r, "response");
	assert_true(json_is_false(json_object_get(resp, "allowed")));
	assert_null(json_object_get(resp, "patch"));
	status = json_object_get(resp, "status");
	assert_int_equal(json_integer_value(json_object_get(status, "code")), 403);
	assert_non_null(strstr(json_string_value(json_object_get(status, "message")),
			       "container a sets no command"));
	json_decref(r);
	review_free(&out);
}

/* Audit mode, a pod enforce would refuse: allowed, the reason in the
 * warnings, in auditAnnotations (the API server's audit log), in the pod's
 * annotation (the patch) and in the log line (summary). */
static void test_would_deny_in_audit(void **state)
{
	struct wh_settings audit = settings;
	struct wh_review out;
	json_t *r, *resp, *patch, *ann;
	const char *why;
	char body[2048];

	(void)state;
	audit.mode = WH_MODE_AUDIT;
	snprintf(body, sizeof(body), "%s", REQUEST("CREATE", "", ""));
	snprintf(strstr(body, ",'command':['a']"), 16, "}]}}}}"); /* no command */
	for (char *p = body; *p; p++)
		if (*p == '\'')
			*p = '"';
	assert_int_equal(test_review(&audit, body, strlen(body), NULL, 0, &out), 0);
	assert_int_equal(out.outcome, WH_WOULD_DENY);
	assert_non_null(strstr(out.summary,
			       "CREATE pods ns/web-*: would_deny: container a sets no "
			       "command"));
	r = response_of(&out);
	resp = json_object_get(r, "response");
	assert_true(json_is_true(json_object_get(resp, "allowed")));
	assert_null(json_object_get(resp, "status"));
	why = json_string_value(
		json_object_get(json_object_get(resp, "auditAnnotations"), "would-deny"));
	assert_non_null(why);
	assert_non_null(strstr(why, "container a sets no command"));
	assert_int_equal(json_object_size(json_object_get(resp, "auditAnnotations")), 1);
	assert_non_null(
		strstr(json_string_value(json_array_get(json_object_get(resp, "warnings"), 0)),
		       "(audit mode: left as it is)"));
	patch = decoded_patch(resp);
	ann = json_array_get(patch, 0);
	assert_string_equal(json_string_value(json_object_get(ann, "path")),
			    "/metadata/annotations");
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(ann, "value"),
								 "strict-groups/audit")),
			       "would deny: container a sets no command"));
	json_decref(patch);
	json_decref(r);
	review_free(&out);

	/* a pod enforce admits: nothing for the audit log */
	snprintf(body, sizeof(body), "%s", REQUEST("CREATE", "", ""));
	review(body, false, &out);
	r = response_of(&out);
	assert_null(json_object_get(json_object_get(r, "response"), "auditAnnotations"));
	json_decref(r);
	review_free(&out);
}

static void test_other_operations_skipped(void **state)
{
	static const char *const bodies[] = {REQUEST("DELETE", "", ""),
					     REQUEST("CONNECT", "exec", ""),
					     REQUEST("UPDATE", "status", "")};

	(void)state;
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		struct wh_review out;
		json_t *r, *resp;

		review(bodies[i], false, &out);
		assert_int_equal(out.http_status, 200);
		assert_int_equal(out.outcome, WH_SKIPPED);
		r = response_of(&out);
		resp = json_object_get(r, "response");
		assert_true(json_is_true(json_object_get(resp, "allowed")));
		assert_null(json_object_get(resp, "patch"));
		json_decref(r);
		review_free(&out);
	}
}

static void test_ephemeral_routed(void **state)
{
	struct wh_review out;

	(void)state;
	char body[4096];
	const char *with =
		"'spec':{'ephemeralContainers':[{'name':'d','image':'d','command':['sh']}],";
	char *at;

	/* The old pod was never injected: enforce refuses the new container. */
	snprintf(body, sizeof(body), "%s",
		 REQUEST("UPDATE", "ephemeralcontainers", ",'oldObject':" POD));
	at = strstr(body, "'spec':{");
	memmove(at + strlen(with), at + strlen("'spec':{"), strlen(at + strlen("'spec':{")) + 1);
	memcpy(at, with, strlen(with));
	review(body, false, &out);
	assert_int_equal(out.outcome, WH_DENIED);
	assert_int_equal(out.operation, WH_LABEL_UPDATE);
	review_free(&out);
}

/* UPDATE pods (no subresource): checked against the stored pod, never
 * patched; without oldObject it is not what the API server sends. */
static void test_update_routed(void **state)
{
	struct wh_review out;
	json_t *r, *resp;

	(void)state;
	review(REQUEST("UPDATE", "", ",'oldObject':" POD), false, &out);
	assert_int_equal(out.operation, WH_LABEL_UPDATE);
	assert_int_equal(out.outcome, WH_UNCHANGED);
	r = response_of(&out);
	resp = json_object_get(r, "response");
	assert_true(json_is_true(json_object_get(resp, "allowed")));
	assert_null(json_object_get(resp, "patch"));
	json_decref(r);
	review_free(&out);
	review(REQUEST("UPDATE", "", ""), false, &out);
	assert_int_equal(out.outcome, WH_DENIED);
	assert_non_null(strstr(out.summary, "an update without the stored pod (oldObject)"));
	review_free(&out);
}

static void test_wrong_kind_denied(void **state)
{
	struct wh_review out;
	char body[2048];
	json_t *r;

	(void)state;
	snprintf(body, sizeof(body), "%s", REQUEST("CREATE", "", ""));
	memcpy(strstr(body, "'kind':'Pod'}"), "'kind':'Job'}", 13);
	review(body, false, &out);
	assert_int_equal(out.http_status, 200);
	assert_int_equal(out.outcome, WH_DENIED);
	r = response_of(&out);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(json_object_get(r, "response"), "status"), "code")),
		400);
	json_decref(r);
	review_free(&out);
}

/* Each is answered 400 with a plain-text reason. */
static void test_bad_bodies(void **state)
{
	static const struct {
		const char *body;
		bool raw;
		const char *reason;
	} bad[] = {
		{"", true, "not JSON"},
		{"{", true, "not JSON"},
		{"[]", true, "not an admission.k8s.io/v1 AdmissionReview"},
		{"\"x\"", true, "not JSON"},
		{"{}", true, "not an admission.k8s.io/v1 AdmissionReview"},
		{"{'apiVersion':'admission.k8s.io/v1beta1','kind':'AdmissionReview','request':{'uid':'u'}}",
		 false, "not an admission.k8s.io/v1 AdmissionReview"},
		{"{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionRequest','request':{'uid':'u'}}",
		 false, "not an admission.k8s.io/v1 AdmissionReview"},
		{"{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview'}", false,
		 "no request"},
		{"{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{}}",
		 false, "uid"},
		{"{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':''}}",
		 false, "uid"},
		{"{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':7}}",
		 false, "uid"},
		{"{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','kind':'AdmissionReview','request':{'uid':'u'}}",
		 false, "duplicate"},
		{"{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"a\\u0000b\"}}",
		 true, "not JSON"},
		{"{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"} trailing",
		 true, "not JSON"},
		{"{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"Admission\xff\"}", true,
		 "not JSON"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct wh_review out;

		review(bad[i].body, bad[i].raw, &out);
		if (out.http_status != 400 || out.outcome != WH_ERROR)
			fail_msg("body %zu: status %d", i, out.http_status);
		assert_string_equal(out.content_type, "text/plain; charset=utf-8");
		if (!strstr(out.body, bad[i].reason))
			fail_msg("body %zu: '%.*s' lacks '%s'", i, (int)out.body_len, out.body,
				 bad[i].reason);
		assert_null(memchr(out.summary, '\n', strlen(out.summary)));
		review_free(&out);
	}
}

/* The server's way: begin, the images to look up, finish with what the
 * lookups found. A pod with no command: its image's ENTRYPOINT; with
 * --on-lookup-failure=skip and a failed lookup, allowed with a patch that
 * only annotates, and a warning. */
static void test_begin_images_finish(void **state)
{
	char body[2048];
	struct wh_pending p;
	struct wh_review out;
	struct wh_settings s = settings;
	struct imageconfig cfg = {0};
	char *ep[] = {(char *)"/bin/sleep"};
	struct wh_image_config found = {.image = "a", .config = &cfg};
	json_t *images, *r, *resp, *patch;

	(void)state;
	snprintf(body, sizeof(body), "%s", REQUEST("CREATE", "", ""));
	snprintf(strstr(body, ",'command':['a']"), 16, "}]}}}}");
	for (char *c = body; *c; c++)
		if (*c == '\'')
			*c = '"';
	assert_int_equal(review_begin(body, strlen(body), &p, &out), 0);
	assert_null(out.body);
	images = review_images(&p);
	assert_string_equal(json_string_value(json_object_get(json_array_get(images, 0), "image")),
			    "a");
	assert_int_equal(json_array_size(images), 1);
	json_decref(images);
	cfg.entrypoint = ep;
	cfg.n_entrypoint = 1;
	cfg.digest_ref = (char *)"docker.io/library/a@sha256:"
				 "0123456789012345678901234567890123456789012345678901234567890123";
	assert_int_equal(review_finish(&s, &p, &found, 1, &out), 0);
	assert_int_equal(out.outcome, WH_INJECTED);
	assert_false(out.lookup_skipped);
	review_free(&out);
	/* the same review, the lookup failed, skip */
	found.config = NULL;
	found.error = IMAGE_ERR_TIMEOUT;
	found.message = "image \"a\": the lookup's deadline passed";
	s.skip_on_lookup_failure = true;
	assert_int_equal(review_finish(&s, &p, &found, 1, &out), 0);
	review_pending_free(&p);
	assert_int_equal(out.outcome, WH_SKIPPED);
	assert_true(out.lookup_skipped);
	assert_non_null(strstr(
		out.summary, "skipped: an image lookup failed (a): admitted without strict-init"));
	r = response_of(&out);
	resp = json_object_get(r, "response");
	assert_true(json_is_true(json_object_get(resp, "allowed")));
	assert_non_null(
		strstr(json_string_value(json_array_get(json_object_get(resp, "warnings"), 0)),
		       "deadline passed: the pod is admitted without strict-init"));
	patch = decoded_patch(resp);
	assert_int_equal(json_array_size(patch), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(patch, 0), "path")),
			    "/metadata/annotations");
	json_decref(patch);
	json_decref(r);
	review_free(&out);
	/* a body that is no review is answered by begin */
	assert_int_equal(review_begin("{", 1, &p, &out), 0);
	assert_int_equal(out.http_status, 400);
	review_free(&out);
	review_pending_free(&p);
}

/* The API server's ?timeout=: a Go duration (time.Duration's String). */
static void test_duration(void **state)
{
	static const struct {
		const char *text;
		double seconds; /* < 0: refused */
	} cases[] = {
		{"10s", 10},   {"30s", 30},    {"1s", 1},     {"0", 0},     {"1m0s", 60},
		{"1m30s", 90}, {"500ms", 0.5}, {"1.5s", 1.5}, {"2h", 7200}, {"100us", 1e-4},
		{"7ns", 7e-9}, {"", -1},       {"10", -1},    {"s", -1},    {"-1s", -1},
		{"1x", -1},    {"10s ", -1},   {" 10s", -1},  {"25h", -1},  {"99999999999s", -1},
		{".s", -1},    {"1..5s", -1},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double got = -1;
		int rc = review_parse_duration(cases[i].text, &got);

		if (cases[i].seconds < 0) {
			if (rc != -1)
				fail_msg("'%s' accepted as %g", cases[i].text, got);
		} else if (rc != 0 || got < cases[i].seconds * 0.999999 ||
			   got > cases[i].seconds * 1.000001) {
			fail_msg("'%s': %d, %g", cases[i].text, rc, got);
		}
	}
}

/* A pod that is not an object, a request without object. */
static void test_no_pod(void **state)
{
	struct wh_review out;

	(void)state;
	review("{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':{'uid':'u',"
	       "'kind':{'group':'','version':'v1','kind':'Pod'},'resource':{'group':'','version':'v1',"
	       "'resource':'pods'},'operation':'CREATE','object':[1]}}",
	       false, &out);
	assert_int_equal(out.http_status, 200);
	assert_int_equal(out.outcome, WH_DENIED);
	assert_non_null(strstr(out.body, "\"code\":400"));
	review_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_injected),
		cmocka_unit_test(test_dry_run_same_answer),
		cmocka_unit_test(test_denied_has_status),
		cmocka_unit_test(test_would_deny_in_audit),
		cmocka_unit_test(test_other_operations_skipped),
		cmocka_unit_test(test_ephemeral_routed),
		cmocka_unit_test(test_update_routed),
		cmocka_unit_test(test_wrong_kind_denied),
		cmocka_unit_test(test_bad_bodies),
		cmocka_unit_test(test_no_pod),
		cmocka_unit_test(test_begin_images_finish),
		cmocka_unit_test(test_duration),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("webhook_review", tests, NULL, NULL);
}
