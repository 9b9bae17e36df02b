# The image lookup of the webhook (issue 10): image references, the
# registry client (libcurl, jansson, nettle), the cache. Included by the
# top-level Makefile after tests/tests.mk and mk/quality.mk.
#
#   make registry-unit     the cmocka tests of tests/registry/unit (also in
#                          `make unit`, `make test` and `make sanitize`)
#   make registry-e2e      the bats suite tests/registry against a real
#                          Distribution registry (also in `make test`)
#   make fuzz-registry     libFuzzer over the parsers (`make fuzz` runs it)
#   make bench-registry    cold and warm lookup latency (docs/registry.md)
#   make registry-e2e-asan the e2e suite with the driver under ASan+UBSan
#
# The webhook links $(REGISTRY_SRCS) with $(REGISTRY_LIBS); docs/registry.md
# describes the design.

REGISTRY_PURE_SRCS := webhook/image/image.c webhook/image/imagedigest.c \
	webhook/image/imageref.c webhook/image/imageconfig.c webhook/image/imageargv.c \
	webhook/image/registry_manifest.c webhook/image/registry_auth.c webhook/image/imagestore.c
REGISTRY_NET_SRCS := webhook/image/registry_client.c webhook/image/registry.c webhook/image/imagecache.c
REGISTRY_SRCS := $(REGISTRY_PURE_SRCS) $(REGISTRY_NET_SRCS)
# what the module links from common/ (the one-line scrubber)
REGISTRY_COMMON_SRCS := common/text.c
REGISTRY_HDRS := $(REGISTRY_SRCS:.c=.h)
REGISTRY_BUILD_PACKAGES := libcurl4-gnutls-dev libjansson-dev nettle-dev \
	pkg-config libcmocka-dev
REGISTRY_LIBS = $(shell pkg-config --libs libcurl jansson nettle 2>/dev/null || \
	echo -lcurl-gnutls -ljansson -lnettle) -lpthread

REGISTRY_DIR := $(BUILD)/registry

.PHONY: registry-unit

$(BUILD)/.deps-registry: | $(BUILD)/.deps-build
	tools/ensure-packages.sh $(REGISTRY_BUILD_PACKAGES)
	@touch $@

# ---- unit tests -----------------------------------------------------------

# Built into $(BUILD)/unit with the other unit tests, so tests/run-all.sh
# runs them and `make sanitize` rebuilds them with the sanitizers (the
# recipe uses UNIT_CC and UNIT_CFLAGS like tests/tests.mk's).
REGISTRY_UNIT_SRCS := $(wildcard tests/registry/unit/test_*.c)
REGISTRY_UNIT_BINS = $(patsubst tests/registry/unit/%.c,$(BUILD)/unit/%,$(REGISTRY_UNIT_SRCS))

$(REGISTRY_UNIT_BINS): $(BUILD)/unit/%: tests/registry/unit/%.c $(REGISTRY_SRCS) $(REGISTRY_HDRS) $(wildcard tests/registry/*.h) | $(BUILD)/.deps-registry
	@mkdir -p $(@D)
	$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $< $(REGISTRY_SRCS) $(REGISTRY_COMMON_SRCS) -lcmocka $(REGISTRY_LIBS)

registry-unit: $(REGISTRY_UNIT_BINS)
	@fail=0; for t in $(REGISTRY_UNIT_BINS); do $$t || fail=1; done; exit $$fail

unit: $(REGISTRY_UNIT_BINS)
test: $(REGISTRY_UNIT_BINS)

# make sanitize: the same tests under ASan+UBSan and valgrind. The recipes
# of mk/quality.mk expand these lists when they run.
SAN_BINS += $(patsubst tests/registry/unit/%.c,$(SAN_BUILD)/unit/%,$(REGISTRY_UNIT_SRCS))
VALGRIND_BINS += $(REGISTRY_UNIT_BINS)
sanitize-valgrind: $(REGISTRY_UNIT_BINS)

# make lint: both linters over the module and its tests.
LINT_SRCS += $(REGISTRY_SRCS)
LINT_OWN_SRCS += $(REGISTRY_UNIT_SRCS)
LINT_CPPFLAGS += -I. -Itests/registry

# ---- the e2e suite ---------------------------------------------------------

# Debian packages the suite needs (Distribution 2.8, skopeo, openssl, and
# Node.js for the token service unless the machine has its own node/npm).
REGISTRY_E2E_PACKAGES := docker-registry skopeo openssl bats jq tar coreutils
REGISTRY_NODE_PACKAGES := $(if $(shell command -v node && command -v npm),,nodejs npm)
REGISTRY_TOOLS := tests/registry/tools
REGISTRY_DRIVER := $(REGISTRY_DIR)/registry-driver

.PHONY: registry-e2e registry-e2e-deps

$(BUILD)/.deps-registry-e2e: | $(BUILD)/.deps-build
	tools/ensure-packages.sh $(REGISTRY_E2E_PACKAGES) $(REGISTRY_NODE_PACKAGES)
	@touch $@

# The lookup driver: the module under test, as the suite drives it.
$(REGISTRY_DRIVER): tests/registry/driver.c $(REGISTRY_SRCS) $(REGISTRY_HDRS) | $(BUILD)/.deps-registry
	@mkdir -p $(@D)
	gcc $(CSTD) -O2 -g $(WARNINGS) $(HARDENING) -I. -o $@ $< $(REGISTRY_SRCS) $(REGISTRY_COMMON_SRCS) $(REGISTRY_LIBS)

$(REGISTRY_TOOLS)/node_modules/.package-lock.json: $(REGISTRY_TOOLS)/package.json $(REGISTRY_TOOLS)/package-lock.json | $(BUILD)/.deps-registry-e2e
	cd $(REGISTRY_TOOLS) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

registry-e2e-deps: $(BUILD)/.deps-registry-e2e $(REGISTRY_DRIVER) $(REGISTRY_TOOLS)/node_modules/.package-lock.json

registry-e2e: registry-e2e-deps
	bats --tap tests/registry

test: registry-e2e-deps
LINT_OWN_SRCS += tests/registry/driver.c

# ---- fuzz -----------------------------------------------------------------

# libFuzzer over the pure modules (tests/registry/fuzz_registry.c says what
# it asserts); `make fuzz` runs it for FUZZ_SECONDS before its own target.
# Seeds: tests/registry/fuzz/corpus (make-seeds.sh); new inputs go to
# $(FUZZ_DIR)/corpus-registry, a crash to $(FUZZ_DIR)/registry-crash-*.
FUZZ_REGISTRY_BIN := $(FUZZ_DIR)/fuzz_registry

.PHONY: fuzz-registry

$(FUZZ_REGISTRY_BIN): tests/registry/fuzz_registry.c tests/fuzz/fuzz_check.h tests/registry/kubelet_expand.h tests/registry/kubernetes_argv.h $(REGISTRY_PURE_SRCS) $(REGISTRY_HDRS) | $(QUALITY)/.deps $(BUILD)/.deps-registry
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -I. -Itests/registry -o $@ $< $(REGISTRY_PURE_SRCS) $(REGISTRY_COMMON_SRCS) -ljansson -lnettle

fuzz-registry: $(FUZZ_REGISTRY_BIN)
	@mkdir -p $(FUZZ_DIR)/corpus-registry
	$(FUZZ_REGISTRY_BIN) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	  -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
	  -artifact_prefix=$(FUZZ_DIR)/registry- $(FUZZ_DIR)/corpus-registry tests/registry/fuzz/corpus

fuzz: fuzz-registry
LINT_OWN_SRCS += tests/registry/fuzz_registry.c

# ---- bench ----------------------------------------------------------------

# Cold and warm lookup latency against a real registry (tests/registry/bench.sh;
# docs/registry.md). BENCH_REGISTRY_ROUNDS cold lookups per image (50).
.PHONY: bench-registry
bench-registry: registry-e2e-deps
	tests/registry/bench.sh

# The e2e suite once more with the driver built with ASan+UBSan (leaks
# included): the network code under the sanitizers, against real
# registries. Not part of `make sanitize` (it takes the suite's minute).
REGISTRY_DRIVER_ASAN := $(REGISTRY_DIR)/registry-driver-asan
.PHONY: registry-e2e-asan
$(REGISTRY_DRIVER_ASAN): tests/registry/driver.c $(REGISTRY_SRCS) $(REGISTRY_HDRS) | $(QUALITY)/.deps $(BUILD)/.deps-registry
	@mkdir -p $(@D)
	clang $(CSTD) -O1 -g $(filter-out -Werror,$(WARNINGS)) $(SAN_FLAGS) -I. -o $@ $< $(REGISTRY_SRCS) $(REGISTRY_COMMON_SRCS) $(REGISTRY_LIBS)

# Reports go to files (the tests read the driver's stdout line by line);
# any report fails the target.
REGISTRY_SAN_REPORTS := $(abspath $(REGISTRY_DIR))/sanitizer-report
registry-e2e-asan: registry-e2e-deps $(REGISTRY_DRIVER_ASAN)
	rm -f $(REGISTRY_SAN_REPORTS).*
	REG_DRIVER=$(abspath $(REGISTRY_DRIVER_ASAN)) \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:log_path=$(REGISTRY_SAN_REPORTS) \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(REGISTRY_SAN_REPORTS) \
	  bats --tap tests/registry
	@if ls $(REGISTRY_SAN_REPORTS).* >/dev/null 2>&1; then \
	  head -50 $(REGISTRY_SAN_REPORTS).*; echo "registry-e2e-asan: sanitizer reports above" >&2; exit 1; fi
