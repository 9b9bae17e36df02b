# Test targets. Included by the top-level Makefile.
#
# Contract for test suites (each owned by its own directory):
#   tests/unit/test_*.c   cmocka programs, TAP output, linked with $(INIT_LIB_SRCS)
#   tests/integration/    bats suite: `bats --tap tests/integration`, runc bundles
#   tests/e2e/            bats suite: `bats --tap tests/e2e`, containerd CRI + dockerd
# tests/run-all.sh runs them and prints the closing line `N passed, N failed`.

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))
UNIT_CC := gcc
UNIT_CFLAGS := $(CSTD) -O1 -g $(WARNINGS) -I.

# UNIT_LIB_SRCS: the pure sources a test links, strict-init's unless a
# target says otherwise (mk/webhook.mk).
UNIT_LIB_SRCS = $(INIT_LIB_SRCS)
$(BUILD)/unit/%: tests/unit/%.c $(INIT_LIB_SRCS) $(INIT_HDRS) | $(BUILD)/.deps-test
	@mkdir -p $(BUILD)/unit
	$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $< $(UNIT_LIB_SRCS) $(UNIT_EXTRA_SRCS) -lcmocka

$(BUILD)/.deps-test: $(BUILD)/.deps-build
	tools/ensure-packages.sh $(TEST_PACKAGES)
	@touch $@

unit: $(UNIT_BINS)
	tests/run-all.sh unit

integration: all $(BUILD)/.deps-test
	tests/run-all.sh integration

# The e2e suite needs the image and the CRI client's node_modules
# (tests/e2e/e2e.mk).
test: all $(UNIT_BINS) $(BUILD)/.deps-test image e2e-deps
	tests/run-all.sh all

# unit tests that need a system-call module besides the pure ones
$(BUILD)/unit/test_seccomp: UNIT_EXTRA_SRCS := init/seccomp.c
$(BUILD)/unit/test_seccomp: init/seccomp.c
