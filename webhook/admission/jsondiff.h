/* An RFC 6902 JSON Patch that turns one JSON document into another (pure:
 * jansson values in, a jansson array out; no system calls).
 *
 * The patch is built for a reader as much as for the API server: objects are
 * compared key by key, arrays of objects element by element (an insertion or
 * a removal in the middle is found from the common beginning and end), and
 * arrays of scalars (a command line) are replaced whole, and so is a value
 * that changed more than 32 levels down (the walk is bounded). */
#ifndef STRICT_WEBHOOK_JSONDIFF_H
#define STRICT_WEBHOOK_JSONDIFF_H

#include <jansson.h>

/* The operations that turn `from` into `to`, in order: an empty array when
 * they are equal. NULL when out of memory. The values in the operations are
 * references to (parts of) `to`: keep `to` alive while the patch is used,
 * or serialise it first. */
json_t *jsondiff_patch(const json_t *from, const json_t *to);

#endif
