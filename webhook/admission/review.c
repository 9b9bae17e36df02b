#include "review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/base64.h>

#include "common/text.h"

#define REVIEW_VERSION "admission.k8s.io/v1"

const char *review_op_label_name(enum wh_op_label label)
{
	static const char *const names[WH_LABELS] = {[WH_LABEL_CREATE] = "CREATE",
						     [WH_LABEL_UPDATE] = "UPDATE",
						     [WH_LABEL_DELETE] = "DELETE",
						     [WH_LABEL_CONNECT] = "CONNECT",
						     [WH_LABEL_OTHER] = "other"};

	return label < WH_LABELS ? names[label] : "other";
}

int review_parse_duration(const char *text, double *seconds)
{
	static const struct {
		const char *unit;
		double scale;
	} units[] = {{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"h", 3600}, {"m", 60}, {"s", 1}};
	const char *p = text;
	double total = 0;

	if (!*p)
		return -1;
	if (strcmp(p, "0") == 0) {
		*seconds = 0;
		return 0;
	}
	while (*p) {
		double value = 0, frac = 0.1;
		bool digits = false;
		size_t u;

		for (; *p >= '0' && *p <= '9'; p++, digits = true)
			if ((value = value * 10 + (*p - '0')) > 1e9)
				return -1;
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++) {
				value += (*p - '0') * frac;
				frac /= 10;
				digits = true;
			}
		if (!digits)
			return -1;
		for (u = 0; u < sizeof(units) / sizeof(units[0]); u++)
			if (strncmp(p, units[u].unit, strlen(units[u].unit)) == 0)
				break;
		if (u == sizeof(units) / sizeof(units[0]))
			return -1;
		p += strlen(units[u].unit);
		total += value * units[u].scale;
		if (total > 86400)
			return -1;
	}
	*seconds = total;
	return 0;
}

static enum wh_op_label op_label(const char *op)
{
	for (int l = 0; op && l < WH_LABEL_OTHER; l++)
		if (strcmp(op, review_op_label_name((enum wh_op_label)l)) == 0)
			return (enum wh_op_label)l;
	return WH_LABEL_OTHER;
}

static int plain_error(struct wh_review *out, const char *why)
{
	int n = snprintf(NULL, 0, "strict-groups-webhook: %s\n", why);

	out->http_status = 400;
	out->content_type = "text/plain; charset=utf-8";
	out->outcome = WH_ERROR;
	out->body = malloc((size_t)n + 1);
	if (!out->body)
		return -1;
	snprintf(out->body, (size_t)n + 1, "strict-groups-webhook: %s\n", why);
	out->body_len = (size_t)n;
	snprintf(out->summary, sizeof(out->summary), "bad request: %s", why);
	text_one_line(out->summary);
	return 0;
}

static char *base64(const json_t *patch)
{
	char *text = json_dumps(patch, JSON_COMPACT), *b64;
	size_t len;

	if (!text)
		return NULL;
	len = strlen(text);
	b64 = malloc(BASE64_ENCODE_RAW_LENGTH(len) + 1);
	if (b64) {
		base64_encode_raw(b64, len, (const uint8_t *)text);
		b64[BASE64_ENCODE_RAW_LENGTH(len)] = '\0';
	}
	free(text);
	return b64;
}

static bool is(const json_t *v, const char *text)
{
	const char *s = json_string_value(v);

	return s && strcmp(s, text) == 0;
}

/* request.kind and request.resource name a v1 Pod. */
static bool about_pods(const json_t *request)
{
	const json_t *kind = json_object_get(request, "kind");
	const json_t *resource = json_object_get(request, "resource");

	return is(json_object_get(kind, "group"), "") &&
		is(json_object_get(kind, "version"), "v1") &&
		is(json_object_get(kind, "kind"), "Pod") &&
		is(json_object_get(resource, "group"), "") &&
		is(json_object_get(resource, "version"), "v1") &&
		is(json_object_get(resource, "resource"), "pods");
}

/* A kubectl exec as the API server sends it: CONNECT pods/exec, the object
 * a v1 PodExecOptions. */
static bool about_exec(const json_t *request)
{
	const json_t *kind = json_object_get(request, "kind");
	const json_t *resource = json_object_get(request, "resource");

	return is(json_object_get(request, "operation"), "CONNECT") &&
		is(json_object_get(request, "subResource"), "exec") &&
		is(json_object_get(kind, "group"), "") &&
		is(json_object_get(kind, "version"), "v1") &&
		is(json_object_get(kind, "kind"), "PodExecOptions") &&
		is(json_object_get(resource, "group"), "") &&
		is(json_object_get(resource, "version"), "v1") &&
		is(json_object_get(resource, "resource"), "pods");
}

static int answer(struct wh_review *out, const char *uid, const struct wh_result *res)
{
	json_t *response =
		json_pack("{s:s, s:b}", "uid", uid, "allowed", res->outcome != WH_DENIED);
	json_t *review;
	char *text;

	if (!response)
		return -1;
	if (json_array_size(res->patch)) {
		char *b64 = base64(res->patch);

		if (!b64 ||
		    json_object_set_new(response, "patchType", json_string("JSONPatch")) != 0 ||
		    json_object_set_new(response, "patch", json_string(b64)) != 0) {
			free(b64);
			json_decref(response);
			return -1;
		}
		free(b64);
	}
	if (json_array_size(res->warnings) &&
	    json_object_set(response, "warnings", res->warnings) != 0)
		goto oom;
	/* the API server's audit log gets it as
	 * "<webhook name>/would-deny" on the request's event */
	if (res->outcome == WH_WOULD_DENY &&
	    json_object_set_new(response, "auditAnnotations",
				json_pack("{s:s}", "would-deny", res->message)) != 0)
		goto oom;
	if (res->outcome == WH_DENIED &&
	    json_object_set_new(response, "status",
				json_pack("{s:i, s:s, s:s}", "code", res->code, "message",
					  res->message, "reason",
					  res->code == 400 ? "BadRequest" : "Forbidden")) != 0)
		goto oom;
	review = json_pack("{s:s, s:s, s:o}", "apiVersion", REVIEW_VERSION, "kind",
			   "AdmissionReview", "response", response);
	if (!review)
		return -1;
	text = json_dumps(review, JSON_COMPACT);
	json_decref(review);
	if (!text)
		return -1;
	out->http_status = 200;
	out->content_type = "application/json";
	out->body = text;
	out->body_len = strlen(text);
	return 0;
oom:
	json_decref(response);
	return -1;
}

/* Fills res for a review whose request is not one this webhook rewrites. */
static int leave(struct wh_result *res, enum wh_outcome outcome, int code, const char *message)
{
	res->outcome = outcome;
	res->code = code;
	res->message = strdup(message);
	res->patch = json_array();
	res->warnings = json_array();
	return res->message && res->patch && res->warnings ? 0 : -1;
}

static void summarise(struct wh_review *out, const json_t *request, const struct wh_result *res)
{
	const json_t *object = json_object_get(request, "object");
	const char *ns = json_string_value(json_object_get(request, "namespace"));
	const char *name = json_string_value(json_object_get(request, "name"));
	const char *generate = json_string_value(
		json_object_get(json_object_get(object, "metadata"), "generateName"));
	const char *sub = json_string_value(json_object_get(request, "subResource"));

	snprintf(out->summary, sizeof(out->summary), "%s pods%s%s %s/%s%s: %s%s%.300s",
		 review_op_label_name(out->operation), sub && *sub ? "/" : "", sub ? sub : "",
		 ns ? ns : "",
		 name && *name    ? name :
			 generate ? generate :
				    "",
		 name && *name ? "" : "*", mutate_outcome_name(res->outcome),
		 res->message ? ": " : "", res->message ? res->message : "");
	text_one_line(out->summary);
}

int review_begin(const char *body, size_t len, struct wh_pending *p, struct wh_review *out)
{
	json_error_t error;
	json_t *review, *request;
	const char *uid, *op, *sub;

	memset(out, 0, sizeof(*out));
	memset(p, 0, sizeof(*p));
	out->operation = WH_LABEL_OTHER;
	/* Duplicate keys are refused: the API server never sends them, and two
	 * readers could take different ones. NUL in strings is refused too
	 * (jansson's default). */
	review = json_loadb(body, len, JSON_REJECT_DUPLICATES, &error);
	if (!review) {
		char why[256];

		snprintf(why, sizeof(why), "the body is not JSON: %s (at byte %d)", error.text,
			 error.position);
		return plain_error(out, why);
	}
	request = json_object_get(review, "request");
	uid = json_string_value(json_object_get(request, "uid"));
	if (!json_is_object(review) || !is(json_object_get(review, "apiVersion"), REVIEW_VERSION) ||
	    !is(json_object_get(review, "kind"), "AdmissionReview")) {
		json_decref(review);
		return plain_error(out, "not an " REVIEW_VERSION " AdmissionReview");
	}
	if (!json_is_object(request) || !uid || !*uid) {
		json_decref(review);
		return plain_error(out, "the AdmissionReview has no request with a uid");
	}
	op = json_string_value(json_object_get(request, "operation"));
	sub = json_string_value(json_object_get(request, "subResource"));
	out->operation = op_label(op);
	p->review = review;
	p->uid = uid;
	p->what = WH_PENDING_OTHER;
	if (about_exec(request)) {
		p->what = WH_PENDING_EXEC;
		p->exec.options = json_object_get(request, "object");
		p->exec.ns = json_string_value(json_object_get(request, "namespace"));
		p->exec.name = json_string_value(json_object_get(request, "name"));
		if (!p->exec.ns)
			p->exec.ns = "";
		if (!p->exec.name)
			p->exec.name = "";
		snprintf(p->exec_error, sizeof(p->exec_error), "not read");
		p->exec.pod_error = p->exec_error;
	} else if (!about_pods(request)) {
		p->what = WH_PENDING_NOT_PODS;
	} else if (out->operation == WH_LABEL_CREATE && (!sub || !*sub)) {
		p->what = WH_PENDING_MUTATE;
		p->req.op = WH_OP_CREATE;
		p->req.pod = json_object_get(request, "object");
	} else if (out->operation == WH_LABEL_UPDATE &&
		   (is(json_object_get(request, "subResource"), "ephemeralcontainers") || !sub ||
		    !*sub)) {
		p->what = WH_PENDING_MUTATE;
		p->req.op = sub && *sub ? WH_OP_EPHEMERAL : WH_OP_UPDATE;
		p->req.pod = json_object_get(request, "object");
		p->req.old_pod = json_object_get(request, "oldObject");
	}
	return 0;
}

json_t *review_images(const struct wh_pending *p)
{
	return p->what == WH_PENDING_MUTATE ? mutate_images_needed(&p->req) : json_array();
}

bool review_exec_pod(const struct wh_pending *p, const char **ns, const char **name)
{
	*ns = p->exec.ns;
	*name = p->exec.name;
	return p->what == WH_PENDING_EXEC;
}

void review_exec_pod_read(struct wh_pending *p, const json_t *pod, const char *why)
{
	p->exec.pod = pod;
	snprintf(p->exec_error, sizeof(p->exec_error), "%s", pod ? "" : why ? why : "not read");
	text_one_line(p->exec_error);
}

int review_finish(const struct wh_settings *settings, struct wh_pending *p,
		  const struct wh_image_config *images, size_t n_images, struct wh_review *out)
{
	const json_t *request = json_object_get(p->review, "request");
	struct wh_result res = {0};
	int rc;

	switch (p->what) {
	case WH_PENDING_NOT_PODS:
		rc = leave(&res, WH_DENIED, 400,
			   "strict-groups-webhook handles v1 pods only: check "
			   "the MutatingWebhookConfiguration's rules");
		break;
	case WH_PENDING_MUTATE:
		p->req.images = images;
		p->req.n_images = n_images;
		rc = mutate_pod(settings, &p->req, &res);
		break;
	case WH_PENDING_EXEC:
		rc = exec_review(settings, &p->exec, &res);
		break;
	case WH_PENDING_OTHER:
	default:
		rc = leave(&res, WH_SKIPPED, 0,
			   "only pod creation, new ephemeral containers and exec are rewritten, "
			   "and pod updates checked");
		break;
	}
	/* (out may be another struct than review_begin's: a server answers
	 * a suspended connection from a later call) */
	out->operation = op_label(json_string_value(json_object_get(request, "operation")));
	if (rc == 0) {
		summarise(out, request, &res);
		out->outcome = (int)res.outcome;
		out->lookup_skipped = res.lookup_skipped;
		rc = answer(out, p->uid, &res);
	}
	mutate_result_free(&res);
	return rc;
}

void review_pending_free(struct wh_pending *p)
{
	json_decref(p->review);
	memset(p, 0, sizeof(*p));
}

void review_free(struct wh_review *out)
{
	free(out->body);
	memset(out, 0, sizeof(*out));
}
