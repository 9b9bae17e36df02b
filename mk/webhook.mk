# strict-groups-webhook (issue 9): the mutating admission webhook.
# Included by the top-level Makefile after mk/quality.mk.
#
#   make webhook          build/strict-groups-webhook
#   make webhook-test     its end-to-end suite over HTTPS (tests/webhook)
#   make bench-webhook    admissions/s, latency and RSS under wrk (docs/benchmarks.md)
#   make webhook-image    build/strict-groups-webhook-image.tar (reproducible)
#
# The pure core (webhook/admission/) is unit-tested by
# tests/unit/test_webhook_*.c through tests.mk's rule, fuzzed by
# tests/fuzz/fuzz_webhook_review.c (`make fuzz`), and linted with the rest.

WEBHOOK := $(BUILD)/strict-groups-webhook
WEBHOOK_IMAGE_TAR := $(BUILD)/strict-groups-webhook-image.tar
WEBHOOK_PACKAGES := libjansson-dev nettle-dev libmicrohttpd-dev libgnutls28-dev pkg-config
WEBHOOK_TEST_PACKAGES := openssl curl jq bats wrk procps
# The pure parts of the image lookup the core uses (the argv rules, references,
# configs, digests: mk/registry.mk's module); the server links the rest of it
# (the registry client and the cache, libcurl).
WEBHOOK_IMAGE_CORE_SRCS := webhook/image/image.c webhook/image/imagedigest.c \
	webhook/image/imageref.c webhook/image/imageconfig.c webhook/image/imageargv.c
WEBHOOK_ADMISSION_SRCS := webhook/admission/jsondiff.c webhook/admission/message.c \
	webhook/admission/podread.c webhook/admission/parts.c webhook/admission/container.c \
	webhook/admission/update.c webhook/admission/mutate.c webhook/admission/exec.c \
	webhook/admission/review.c
# the code strict-init, the preload and the webhook share (common/)
WEBHOOK_COMMON_SRCS := common/gidlist.c common/text.c
WEBHOOK_CORE_SRCS := $(WEBHOOK_ADMISSION_SRCS) $(WEBHOOK_IMAGE_CORE_SRCS) $(WEBHOOK_COMMON_SRCS)
WEBHOOK_SYS_SRCS := webhook/options.c webhook/metrics.c webhook/tlscreds.c webhook/lookups.c webhook/kubeapi.c \
	webhook/server.c webhook/main.c
WEBHOOK_NET_SRCS := $(filter-out $(WEBHOOK_IMAGE_CORE_SRCS),$(REGISTRY_SRCS))
# the one-line logger, with the webhook's prefix
WEBHOOK_SHARED_SRCS := common/log.c
WEBHOOK_HDRS := $(wildcard webhook/*.h webhook/*/*.h common/*.h)
WEBHOOK_CORE_LIBS := -ljansson -lnettle
WEBHOOK_LIBS = -lmicrohttpd -lgnutls $(REGISTRY_LIBS)
WEBHOOK_CFLAGS := $(CSTD) -O2 $(WARNINGS) $(HARDENING) -D_FORTIFY_SOURCE=2 -fPIE \
	-ffunction-sections -fdata-sections -I. -DSTRICT_VERSION='"$(VERSION)"' \
	-DLOG_PREFIX='"strict-groups-webhook: "'
WEBHOOK_LDFLAGS := -pie -Wl,-z,relro,-z,now,-z,noexecstack -Wl,--as-needed -Wl,--gc-sections

.PHONY: webhook webhook-deps webhook-test webhook-test-deps bench-webhook webhook-image

webhook: $(WEBHOOK)

$(BUILD)/.deps-webhook: | $(BUILD)/.deps-build
	tools/ensure-packages.sh $(WEBHOOK_PACKAGES)
	@touch $@

webhook-deps: $(BUILD)/.deps-webhook

WEBHOOK_ALL_SRCS := $(WEBHOOK_CORE_SRCS) $(WEBHOOK_NET_SRCS) $(WEBHOOK_SYS_SRCS) $(WEBHOOK_SHARED_SRCS)
$(WEBHOOK): $(WEBHOOK_ALL_SRCS) $(WEBHOOK_HDRS) mk/webhook.mk | $(BUILD)/.deps-webhook $(BUILD)/.deps-registry
	gcc $(WEBHOOK_CFLAGS) $(WEBHOOK_LDFLAGS) -o $@ $(WEBHOOK_ALL_SRCS) $(WEBHOOK_LIBS)

# The unit tests of the core: tests.mk's rule, with the core's sources and
# libraries (the same rule builds them under ASan for `make sanitize`).
WEBHOOK_UNIT_SUPPORT := tests/unit/webhook_util.c
$(BUILD)/unit/test_webhook_%: UNIT_LIB_SRCS = $(WEBHOOK_CORE_SRCS)
$(BUILD)/unit/test_webhook_%: UNIT_EXTRA_SRCS = $(WEBHOOK_UNIT_SUPPORT) $(WEBHOOK_CORE_LIBS)
# (explicit targets: a pattern rule's extra prerequisites are not merged
# with tests.mk's pattern rule, so a change of the core would not rebuild)
# the flags (webhook/options.c) too, with a version for its defaults
$(BUILD)/unit/test_webhook_options: UNIT_EXTRA_SRCS = $(WEBHOOK_UNIT_SUPPORT) webhook/options.c \
	-DSTRICT_VERSION='"test"' $(WEBHOOK_CORE_LIBS)
$(BUILD)/unit/test_webhook_options: webhook/options.c
# the one Prometheus writer, with the image cache's counters (and so the
# image client, which defines the histogram's bounds)
$(BUILD)/unit/test_webhook_metrics: UNIT_EXTRA_SRCS = $(WEBHOOK_UNIT_SUPPORT) webhook/metrics.c \
	$(WEBHOOK_NET_SRCS) -DSTRICT_VERSION='"test"' $(WEBHOOK_CORE_LIBS) $(REGISTRY_LIBS)
$(BUILD)/unit/test_webhook_metrics: webhook/metrics.c
WEBHOOK_UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_webhook_*.c))
$(WEBHOOK_UNIT_BINS): $(WEBHOOK_CORE_SRCS) $(WEBHOOK_HDRS) $(WEBHOOK_UNIT_SUPPORT) \
	tests/unit/webhook_util.h | $(BUILD)/.deps-webhook

# make lint: the webhook's C too (mk/quality.mk sets LINT_SRCS with ?=).
LINT_SRCS += $(filter-out $(WEBHOOK_COMMON_SRCS) $(REGISTRY_SRCS),$(WEBHOOK_CORE_SRCS)) $(WEBHOOK_SYS_SRCS) \
	$(WEBHOOK_UNIT_SUPPORT)
LINT_CPPFLAGS += -DSTRICT_VERSION='"$(VERSION)"'

# ---- tests ----------------------------------------------------------------

WEBHOOK_TEST_DIR := tests/webhook
WEBHOOK_NODE_PACKAGES := $(if $(shell command -v node && command -v npm),,nodejs npm)

$(BUILD)/.deps-webhook-test:
	@mkdir -p $(BUILD)
	tools/ensure-packages.sh $(WEBHOOK_TEST_PACKAGES) $(WEBHOOK_NODE_PACKAGES)
	@touch $@

$(WEBHOOK_TEST_DIR)/node_modules/.package-lock.json: $(WEBHOOK_TEST_DIR)/package.json \
		$(WEBHOOK_TEST_DIR)/package-lock.json | $(BUILD)/.deps-webhook-test
	cd $(WEBHOOK_TEST_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# tests/webhook/50-images.bats runs a real registry (mk/registry.mk)
webhook-test-deps: $(BUILD)/.deps-webhook-test $(WEBHOOK_TEST_DIR)/node_modules/.package-lock.json \
	registry-e2e-deps

webhook-test: $(WEBHOOK) $(STRICT_INIT) webhook-test-deps
	bats --tap $(WEBHOOK_TEST_DIR)

# `make test` runs the suite too (tests/run-all.sh); the e2e suite runs the
# webhook against containerd and its image as the Deployment would
# (tests/e2e/40-webhook.bats).
test: $(WEBHOOK) webhook-test-deps $(WEBHOOK_IMAGE_TAR)
e2e: $(WEBHOOK) webhook-test-deps $(WEBHOOK_IMAGE_TAR)

# ---- fuzz -----------------------------------------------------------------

# `make fuzz` runs this target too, FUZZ_SECONDS each (mk/quality.mk).
WEBHOOK_FUZZ_BIN := $(FUZZ_DIR)/fuzz_webhook_review
WEBHOOK_FUZZ_SRCS := tests/fuzz/fuzz_webhook_review.c $(WEBHOOK_UNIT_SUPPORT) $(WEBHOOK_CORE_SRCS)

$(WEBHOOK_FUZZ_BIN): $(WEBHOOK_FUZZ_SRCS) $(WEBHOOK_HDRS) tests/fuzz/fuzz_check.h | $(QUALITY)/.deps $(BUILD)/.deps-webhook
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $(WEBHOOK_FUZZ_SRCS) $(WEBHOOK_CORE_LIBS)

.PHONY: fuzz-webhook
fuzz-webhook: $(WEBHOOK_FUZZ_BIN)
	@mkdir -p $(FUZZ_DIR)/webhook-corpus
	$(WEBHOOK_FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	  -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	  -artifact_prefix=$(FUZZ_DIR)/webhook- $(FUZZ_DIR)/webhook-corpus tests/fuzz/webhook-corpus

fuzz: fuzz-webhook
LINT_OWN_SRCS += tests/fuzz/fuzz_webhook_review.c

# ---- sanitize -------------------------------------------------------------

# `make sanitize` builds the core's unit tests (test_webhook_*) under
# ASan+UBSan and valgrind with the others (UNIT_SRCS); the server's own
# code (options, metrics, certificates, connections) has no unit tests, so
# its HTTPS suite runs against a build with ASan+UBSan. Every report goes to
# a file (log_path: the server's stderr is the suite's), and any file there
# fails the target.
WEBHOOK_SAN := $(SAN_BUILD)/strict-groups-webhook
WEBHOOK_SAN_LOGS := $(SAN_BUILD)/webhook-reports

$(WEBHOOK_SAN): $(WEBHOOK_ALL_SRCS) $(WEBHOOK_HDRS) mk/webhook.mk | $(QUALITY)/.deps $(BUILD)/.deps-webhook $(BUILD)/.deps-registry
	@mkdir -p $(@D)
	clang $(CSTD) -O1 -g $(filter-out -Werror,$(WARNINGS)) $(SAN_FLAGS) -I. \
	  -DSTRICT_VERSION='"$(VERSION)"' -DLOG_PREFIX='"strict-groups-webhook: "' \
	  -o $@ $(WEBHOOK_ALL_SRCS) $(WEBHOOK_LIBS)

.PHONY: sanitize-webhook
sanitize-webhook: $(WEBHOOK_SAN) $(STRICT_INIT) webhook-test-deps
	rm -rf $(WEBHOOK_SAN_LOGS)
	mkdir -p $(WEBHOOK_SAN_LOGS)
	WH_BIN=$(abspath $(WEBHOOK_SAN)) \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:log_path=$(abspath $(WEBHOOK_SAN_LOGS))/asan \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(abspath $(WEBHOOK_SAN_LOGS))/ubsan \
	  bats --tap $(WEBHOOK_TEST_DIR) > $(WEBHOOK_SAN_LOGS)/suite.tap 2>&1; \
	  rc=$$?; grep -E '^(not )?ok' $(WEBHOOK_SAN_LOGS)/suite.tap | grep -c '^ok' | sed 's/^/ok: /'; \
	  if [ $$rc != 0 ]; then grep -A5 '^not ok' $(WEBHOOK_SAN_LOGS)/suite.tap; echo "FAIL asan+ubsan: tests/webhook (exit $$rc)"; exit 1; fi
	@if ls $(WEBHOOK_SAN_LOGS)/asan* $(WEBHOOK_SAN_LOGS)/ubsan* >/dev/null 2>&1; then \
	  head -40 $(WEBHOOK_SAN_LOGS)/asan* $(WEBHOOK_SAN_LOGS)/ubsan*; echo "FAIL asan+ubsan: strict-groups-webhook reported"; exit 1; fi
	@echo "PASS asan+ubsan: strict-groups-webhook under tests/webhook"

sanitize: sanitize-webhook

# ---- bench ----------------------------------------------------------------

bench-webhook: $(WEBHOOK) registry-e2e-deps $(WEBHOOK_TEST_DIR)/node_modules/.package-lock.json | $(BUILD)/.deps-webhook-test
	bench/webhook.sh $(abspath $(WEBHOOK)) $(abspath $(BUILD)/bench-webhook) $(WEBHOOK_BENCH_SECONDS)
WEBHOOK_BENCH_SECONDS ?= 10

# ---- image ----------------------------------------------------------------

# The server, the shared libraries it loads (as ldd resolves them here), the
# CA certificates, an /etc/passwd naming its user; non-root (65532), offline
# and reproducible (tools/mkimage).
WEBHOOK_IMAGE_ROOTFS := $(BUILD)/webhook-image-rootfs

webhook-image: $(WEBHOOK_IMAGE_TAR)

$(WEBHOOK_IMAGE_TAR): $(WEBHOOK) tools/mkimage mk/webhook.mk
	tools/ensure-packages.sh ca-certificates
	rm -rf $(WEBHOOK_IMAGE_ROOTFS)
	mkdir -p $(WEBHOOK_IMAGE_ROOTFS)/etc/ssl/certs $(WEBHOOK_IMAGE_ROOTFS)/tmp
	install -m 0755 $(WEBHOOK) $(WEBHOOK_IMAGE_ROOTFS)/strict-groups-webhook
	for lib in $$(ldd $(WEBHOOK) | awk '/=> \// {print $$3} /^\t\// {print $$1}'); do \
	  mkdir -p $(WEBHOOK_IMAGE_ROOTFS)$$(dirname $$lib); \
	  cp -L $$lib $(WEBHOOK_IMAGE_ROOTFS)$$lib; chmod 0755 $(WEBHOOK_IMAGE_ROOTFS)$$lib; \
	done
	cp -L /etc/ssl/certs/ca-certificates.crt $(WEBHOOK_IMAGE_ROOTFS)/etc/ssl/certs/
	chmod 0644 $(WEBHOOK_IMAGE_ROOTFS)/etc/ssl/certs/ca-certificates.crt
	printf 'root:x:0:0:root:/:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/:/sbin/nologin\n' \
	  > $(WEBHOOK_IMAGE_ROOTFS)/etc/passwd
	printf 'root:x:0:\nnonroot:x:65532:\n' > $(WEBHOOK_IMAGE_ROOTFS)/etc/group
	chmod 1777 $(WEBHOOK_IMAGE_ROOTFS)/tmp
	tools/mkimage --entrypoint '["/strict-groups-webhook"]' --cmd '["--help"]' --user 65532:65532 \
	  $(WEBHOOK_IMAGE_ROOTFS) strict-groups-webhook:$(VERSION) $@
