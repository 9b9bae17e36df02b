/* What the webhook says about a pod: warnings, and the reasons it refuses
 * one (mutate_int.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/text.h"
#include "mutate_int.h"

static void vappend(char *buf, size_t cap, size_t *len, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

void message_shown(char *dst, size_t cap, const char *name)
{
	size_t n = 0, len = strlen(name);

	for (size_t i = 0; i < len && n + 1 < cap && i < NAME_SHOWN; i++) {
		unsigned char ch = (unsigned char)name[i];

		dst[n++] = (char)(ch >= 0x20 && ch < 0x7f ? ch : '?');
	}
	if (len > NAME_SHOWN && n + 3 < cap) {
		memcpy(dst + n, "...", 3);
		n += 3;
	}
	dst[n] = '\0';
}

static void vappend(char *buf, size_t cap, size_t *len, const char *fmt, va_list ap)
{
	int n;

	if (*len + 1 >= cap)
		return;
	n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= cap - *len) {
		*len = cap - 1;
		memcpy(buf + cap - 4, "...", 4);
	} else {
		*len += (size_t)n;
	}
}

void message_append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(buf, cap, len, fmt, ap);
	va_end(ap);
}

void message_report(struct run *r, enum report_kind kind, const char *detail, const char *fmt, ...)
{
	char text[MESSAGE_MAX];
	size_t len = 0;
	int code = kind == REPORT_MALFORMED ? 400 : 403;
	bool would_deny = kind == REPORT_POLICY && r->s->mode == WH_MODE_AUDIT;
	va_list ap;

	va_start(ap, fmt);
	vappend(text, sizeof(text), &len, fmt, ap);
	va_end(ap);
	/* Printable ASCII only: the names in it went through message_shown, but
	 * a detail is what a registry said (the image client makes that one
	 * line; the core does not count on it). */
	text_one_line(text);
	if (would_deny)
		message_append(r->would_deny_stable, sizeof(r->would_deny_stable),
			       &r->would_deny_stable_len, "%s%s",
			       r->would_deny_stable_len ? "; " : "", text);
	if (detail) {
		message_append(text, sizeof(text), &len, "%s", detail);
		text_one_line(text);
	}
	if (would_deny) {
		message_append(r->would_deny, sizeof(r->would_deny), &r->would_deny_len, "%s%s",
			       r->would_deny_len ? "; " : "", text);
		kind = REPORT_WARNING;
		message_append(text, sizeof(text), &len, " (audit mode: left as it is)");
	}
	if (kind == REPORT_WARNING) {
		if (len >= WARNING_MAX)
			memcpy(text + WARNING_MAX - 4, "...", 4);
		if (json_array_size(r->warnings) < WARNINGS_MAX &&
		    json_array_append_new(r->warnings, json_string(text)) != 0)
			r->oom = true;
		return;
	}
	if (r->code != 400)
		r->code = code;
	message_append(r->message, sizeof(r->message), &r->message_len, "%s%s",
		       r->message_len ? "; " : "", text);
}
