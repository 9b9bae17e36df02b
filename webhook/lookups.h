/* The image lookups of admissions (containers without command), off the
 * worker threads: a worker answers what the cache knows at once and hands
 * the rest to threads of their own, one per image, so that a lookup that
 * waits for a registry never holds a worker (which serves many connections)
 * and never delays another admission. All the images of one admission are
 * looked up at the same time, with one deadline.
 *
 *   struct lookups_job *j = lookups_job_new(images, deadline_ns);
 *   if (lookups_job_cached(j) == 0) ... answer now with lookups_job_results
 *   else { suspend; lookups_job_run(j, resume, connection); }  resume is
 *        called once, from some thread, when every lookup has ended
 *   lookups_job_free(j);
 */
#ifndef STRICT_WEBHOOK_LOOKUPS_H
#define STRICT_WEBHOOK_LOOKUPS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "options.h"
#include "webhook/admission/mutate.h"
#include "webhook/image/imagecache.h"

/* Lookup threads at once, over all admissions; a lookup beyond it fails
 * ("too many lookups in progress"), as one would at its deadline. */
#define LOOKUPS_MAX_THREADS 256

/* The cache and the registry client, from the flags. 0, or -1 with a
 * reason (a flag's value that the registry client refuses, a file it
 * cannot read). */
int lookups_init(const struct wh_options *o, char *err, size_t errlen);
/* When no lookup runs any more (lookups_running() == 0). */
void lookups_free(void);
/* Lookup threads running now. */
long lookups_running(void);
/* The image cache's counters, for /metrics (metrics.c renders them). */
void lookups_counters(struct imagecache_counters *out);

struct lookups_job;

/* images: [{"image": "...", "always": bool}] (mutate_images_needed). NULL when
 * out of memory. */
struct lookups_job *lookups_job_new(const json_t *images, uint64_t deadline_ns);
/* Answers from the cache what it can; returns how many lookups are left. */
size_t lookups_job_cached(struct lookups_job *j);
/* Starts a thread for each lookup left; done(arg) is called exactly once,
 * when the last one ends (maybe before this returns). */
void lookups_job_run(struct lookups_job *j, void (*done)(void *), void *arg);
/* What every lookup found, for review_finish (valid until free). */
const struct wh_image_config *lookups_job_results(const struct lookups_job *j, size_t *n);
void lookups_job_free(struct lookups_job *j);

#endif
