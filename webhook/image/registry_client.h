/* The registry client's state (registry.h), private to the client:
 * registry_client.c sets it up and keeps the credentials and tokens,
 * registry.c runs one lookup's HTTP with it. */
#ifndef REGISTRY_CLIENT_H
#define REGISTRY_CLIENT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/stat.h>

#include <curl/curl.h>

#include "registry.h"
#include "registry_auth.h"

#define TOKEN_CACHE_SIZE 64
#define URL_MAX 4096
#define CONFIG_RECHECK_NS (10ull * 1000000000ull)
#define HANDLE_POOL_SIZE 16

struct endpoint {
	char *name; /* a registry name as references write it */
	char *host; /* host[:port] that serves it */
};

/* A credential scheme or token that worked, per registry (Basic) or per
 * registry and repository (Bearer tokens are scoped to one). */
struct auth_memo {
	char *key;
	enum registry_auth_scheme scheme;
	char *token;
	uint64_t expires_ns; /* Bearer */
	uint64_t used_ns;
};

struct registry_client {
	struct imageconfig_platform platform;
	char *ca_file;
	char **insecure;
	size_t n_insecure;
	struct endpoint *endpoints;
	size_t n_endpoints;
	char *user_agent;

	/* DNS answers and TLS sessions are shared by every transfer; an
	 * idle connection stays with the easy handle that made it, and idle
	 * handles wait in the pool for the next lookup (libcurl's shared
	 * connection cache is not safe across threads, its documentation
	 * says). */
	CURLSH *share;
	pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
	pthread_mutex_t pool_lock;
	CURL *pool[HANDLE_POOL_SIZE];
	size_t n_pool;

	/* config.json, read again when the file changes (a mounted secret) */
	pthread_mutex_t config_lock;
	char *config_file;
	struct registry_auth_config config;
	struct stat config_stat;
	uint64_t config_checked_ns;

	pthread_mutex_t memo_lock;
	struct auth_memo memo[TOKEN_CACHE_SIZE];

	atomic_uint_fast64_t requests;
};

/* Whether s is a "host[:port]" as the reference grammar writes a domain,
 * with a valid port. */
bool registry_valid_host_port(const char *s);

/* The credential for a registry name or endpoint host, copied (NULLs when
 * there is none). */
void registry_credential_find(struct registry_client *c, const char *name, const char *host,
			      char **user, char **password);

/* Remembers the scheme (and Bearer token, valid expires_in seconds) that
 * worked for key. */
void registry_memo_put(struct registry_client *c, const char *key, enum registry_auth_scheme scheme,
		       const char *token, long expires_in);

/* The scheme (and token) that worked for key, when still valid. */
enum registry_auth_scheme registry_memo_get(struct registry_client *c, const char *key,
					    char **token);

#endif
