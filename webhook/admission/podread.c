/* Reading the pod's fields, typed and bounded (mutate_int.h). */
#include <stdlib.h>

#include "common/gidlist.h"
#include "mutate_int.h"

/* A gid or uid: an integer in 0..ID_MAX. Absent and null are "not set". */
int podread_id(const json_t *v, bool *set, unsigned int *out)
{
	json_int_t n;

	*set = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return -1;
	n = json_integer_value(v);
	if (n < 0 || n > ID_MAX)
		return -1;
	*set = true;
	*out = (unsigned int)n;
	return 0;
}

/* A member that must be of the given type, or absent or null (*out NULL). */
int podread_member(const json_t *parent, const char *key, json_type type, json_t **out)
{
	json_t *v = json_object_get(parent, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_typeof(v) != type)
		return -1;
	*out = v;
	return 0;
}

bool podread_strings(const json_t *array)
{
	size_t i;
	const json_t *v;

	json_array_foreach(array, i, v)
		if (!json_is_string(v))
			return false;
	return true;
}

/* groups = supplementalGroups + fsGroup, sorted, unique; the pod's
 * runAsGroup. Returns -1 when out of memory; a malformed value is reported
 * through malformed(). */
int podread_groups(struct run *r, const json_t *spec)
{
	json_t *psc, *supplemental;
	const json_t *v;
	bool set;
	unsigned int id;
	size_t i, n = 0, cap;

	if (podread_object(spec, "securityContext", &psc) != 0) {
		malformed(r, "spec.securityContext is not an object");
		return 0;
	}
	if (podread_array(psc, "supplementalGroups", &supplemental) != 0) {
		malformed(r, "spec.securityContext.supplementalGroups is not a list");
		return 0;
	}
	cap = json_array_size(supplemental) + 1;
	r->groups = cap <= sizeof(r->groups_buf) / sizeof(r->groups_buf[0]) ?
		r->groups_buf :
		calloc(cap, sizeof(*r->groups));
	if (!r->groups)
		return -1;
	json_array_foreach(supplemental, i, v) {
		if (podread_id(v, &set, &id) != 0 || !set) {
			malformed(
				r,
				"spec.securityContext.supplementalGroups[%zu] is not a gid (0-%lld)",
				i, ID_MAX);
			return 0;
		}
		r->groups[n++] = id;
	}
	if (podread_id(json_object_get(psc, "fsGroup"), &set, &id) != 0) {
		malformed(r, "spec.securityContext.fsGroup is not a gid (0-%lld)", ID_MAX);
		return 0;
	}
	if (set)
		r->groups[n++] = id;
	r->ngroups = gidlist_sort_unique(r->groups, n);
	/* gidlist_format says "none" for no group; --groups= says it with "" */
	r->groups_text = r->ngroups ? gidlist_format(r->groups, r->ngroups) : strdup("");
	if (!r->groups_text)
		return -1;
	if (podread_id(json_object_get(psc, "runAsGroup"), &r->pod_gid_set, &r->pod_gid) != 0)
		malformed(r, "spec.securityContext.runAsGroup is not a gid (0-%lld)", ID_MAX);
	return 0;
}
