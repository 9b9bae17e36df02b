# Quality targets (issue 5), included by the top-level Makefile after
# tests/tests.mk:
#
#   make bench      start-up cost against /bin/true and the alternatives (root)
#   make fuzz       libFuzzer over the parser and the policy, FUZZ_SECONDS (60)
#   make sanitize   unit tests under ASan+UBSan, then once under valgrind
#   make lint       cppcheck and clang-tidy (.clang-tidy), both must be clean
#
# Uses the Makefile's BUILD STRICT_INIT PRELOAD MUSL_CC KHDR CAPNG_A CAPNG_INC
# INIT_SRCS INIT_LIB_SRCS INIT_HDRS CSTD WARNINGS UNIT_SRCS and tests.mk's
# unit-test rule. Extension points (append or override):
#   FUZZ_LIB_SRCS  pure sources linked into the fuzz target
#   LINT_SRCS      the C files both linters check
#   LINT_CPPFLAGS  include paths and defines for both linters
# docs/benchmarks.md and docs/quality.md describe the method and results.

QUALITY := $(BUILD)/quality
QUALITY_PACKAGES := clang libclang-rt-14-dev cppcheck clang-tidy valgrind \
	libcmocka-dev musl-tools
BENCH_PACKAGES := gosu tini catatonit dumb-init util-linux coreutils musl-tools

.PHONY: bench bench-profile fuzz sanitize sanitize-asan sanitize-valgrind \
	lint lint-cppcheck lint-clang-tidy lint-format lint-mutants

$(QUALITY)/.deps: | $(BUILD)/.deps-build
	@mkdir -p $(QUALITY)
	tools/ensure-packages.sh $(QUALITY_PACKAGES)
	@touch $@

# ---- bench --------------------------------------------------------------

BENCH_DIR := $(BUILD)/bench
BENCH_ROUNDS ?= 1000
BENCH_WARMUP ?= 50

$(BENCH_DIR)/driver: bench/driver.c | $(BUILD)/.deps-build
	@mkdir -p $(@D)
	gcc $(CSTD) -O2 $(WARNINGS) -o $@ $<

# The floor: static musl, setgroups + execve only. floor-full: the same
# system calls as strict-init's common path (capset, setgroups, capset,
# no_new_privs, execve) without anything else. See bench/floor.c.
$(BENCH_DIR)/floor: bench/floor.c $(KHDR)/.stamp
	@mkdir -p $(@D)
	$(MUSL_CC) $(CSTD) -Os $(WARNINGS) -idirafter $(KHDR) -static -s -o $@ $<

$(BENCH_DIR)/floor-full: bench/floor.c $(KHDR)/.stamp
	@mkdir -p $(@D)
	$(MUSL_CC) $(CSTD) -DFLOOR_FULL -Os $(WARNINGS) -idirafter $(KHDR) -static -s -o $@ $<

BENCH_ARGS = --strict-init $(STRICT_INIT) --floor $(BENCH_DIR)/floor \
	--floor-full $(BENCH_DIR)/floor-full --preload "$(wildcard $(PRELOAD))"

bench: $(STRICT_INIT) $(PRELOAD) $(BENCH_DIR)/driver $(BENCH_DIR)/floor $(BENCH_DIR)/floor-full
	@tools/ensure-packages.sh $(BENCH_PACKAGES)
	@{ $(BENCH_DIR)/driver $(BENCH_ARGS) --rounds $(BENCH_ROUNDS) \
	    --warmup $(BENCH_WARMUP); echo $$? > $(BENCH_DIR)/rc; } | \
	  tee $(BENCH_DIR)/results.txt
	@exit $$(cat $(BENCH_DIR)/rc)

# Where strict-init's time goes: an unstripped copy (same flags, -g, no -s)
# under callgrind, instruction counts up to the execve of the payload, for
# the common path (uid 1000; CAP_SETGID from an ambient capability, as the
# file capability would give it) and the no-op path; then the system calls
# of the common path. Deterministic; for docs/benchmarks.md.
BENCH_PROFILE_BIN := $(BENCH_DIR)/strict-init.debug
$(BENCH_PROFILE_BIN): $(INIT_SRCS) $(INIT_HDRS) $(CAPNG_A)
	@mkdir -p $(@D)
	$(MUSL_CC) $(INIT_CFLAGS) -g $(filter-out -s,$(INIT_LDFLAGS)) -o $@ $(INIT_SRCS) $(CAPNG_A)

bench-profile: $(BENCH_PROFILE_BIN) $(STRICT_INIT) $(BENCH_DIR)/driver $(BENCH_DIR)/floor $(BENCH_DIR)/floor-full | $(QUALITY)/.deps
	@tools/ensure-packages.sh strace util-linux
	bench/profile.sh $(BENCH_PROFILE_BIN) $(BENCH_DIR) "$(BENCH_ARGS)"

# ---- fuzz ---------------------------------------------------------------

FUZZ_SECONDS ?= 60
FUZZ_LIB_SRCS ?= $(INIT_LIB_SRCS)
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_BIN := $(FUZZ_DIR)/fuzz_config_policy
# clang's warnings on the project's sources are informative here: gcc with
# -Werror is the compiler of record.
FUZZ_CFLAGS := $(CSTD) -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all $(filter-out -Werror,$(WARNINGS)) -I.

$(FUZZ_BIN): tests/fuzz/fuzz_config_policy.c tests/fuzz/fuzz_check.h $(FUZZ_LIB_SRCS) $(INIT_HDRS) | $(QUALITY)/.deps
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIB_SRCS)

# New inputs go to $(FUZZ_DIR)/corpus (kept between local runs), the seeds
# in tests/fuzz/corpus are only read; a crash is saved as $(FUZZ_DIR)/crash-*
# and fails the target.
fuzz: $(FUZZ_BIN)
	@mkdir -p $(FUZZ_DIR)/corpus
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	  -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
	  -artifact_prefix=$(FUZZ_DIR)/ $(FUZZ_DIR)/corpus tests/fuzz/corpus

# ---- sanitize -----------------------------------------------------------

# tests.mk's own rule builds the unit tests a second time, with clang and
# the sanitizers, under $(QUALITY)/asan (per-test sources such as
# UNIT_EXTRA_SRCS follow because the rule is the same).
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
SAN_BUILD := $(QUALITY)/asan
SAN_BINS = $(patsubst tests/unit/%.c,$(SAN_BUILD)/unit/%,$(UNIT_SRCS))
SAN_RUN := env ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect,possible --track-origins=yes

sanitize: sanitize-asan sanitize-valgrind

# run-each LABEL PREFIX-VARIABLE BINARIES: runs every program (prefixed by
# the command in the variable named), prints one PASS/FAIL line each, with
# the tail of its output on failure.
define run-each
	@fail=0; for t in $(3); do \
	  log=$$t.$(1).log; \
	  if $($(2)) $$t > $$log 2>&1; then \
	    echo "PASS $(1): $$(basename $$t) ($$(grep -c '^ok ' $$log) ok)"; \
	  else \
	    echo "FAIL $(1): $$(basename $$t) (exit $$?)"; tail -40 $$log | sed 's/^/    /'; fail=1; \
	  fi; \
	done; exit $$fail
endef

sanitize-asan: | $(QUALITY)/.deps
	@test -n "$(UNIT_SRCS)" || { echo "sanitize: no unit tests (tests/unit/test_*.c)" >&2; exit 1; }
	@$(MAKE) --no-print-directory BUILD=$(SAN_BUILD) UNIT_CC=clang \
	  UNIT_CFLAGS="$(CSTD) -O1 -g $(filter-out -Werror,$(WARNINGS)) -I. $(SAN_FLAGS)" \
	  $(SAN_BINS)
	$(call run-each,asan+ubsan,SAN_RUN,$(SAN_BINS))

# Not under valgrind: test_seccomp makes x32 and i386 (int 0x80) system
# calls on purpose, which valgrind does not pass to the kernel (it reports
# "unhandled amd64-linux syscall" and SIGILL); ASan+UBSan runs it above.
VALGRIND_EXCLUDE ?= test_seccomp
VALGRIND_BINS = $(filter-out $(addprefix %/,$(VALGRIND_EXCLUDE)),$(UNIT_BINS))

sanitize-valgrind: $(VALGRIND_BINS) | $(QUALITY)/.deps
	@test -n "$(VALGRIND_BINS)" || { echo "sanitize: no unit tests (tests/unit/test_*.c)" >&2; exit 1; }
	@for t in $(VALGRIND_EXCLUDE); do echo "not under valgrind: $$t (see mk/quality.mk)"; done
	$(call run-each,valgrind,VALGRIND,$(VALGRIND_BINS))

# ---- lint ---------------------------------------------------------------

LINT_SRCS ?= $(INIT_SRCS) $(wildcard preload/*.c)
# and the quality tooling's own C
LINT_OWN_SRCS := bench/driver.c bench/floor.c tests/fuzz/fuzz_config_policy.c
LINT_CPPFLAGS ?= -D_GNU_SOURCE -I. -I$(CAPNG_INC)
# cppcheck knows no compiler: tell it the architecture (init/seccomp.c
# has a branch per architecture and #error for the others).
LINT_ARCH_DEFINE := -D__$(shell uname -m)__
CPPCHECK := cppcheck --enable=warning,style,performance,portability \
	--error-exitcode=1 --inline-suppr --std=c11 --platform=unix64 \
	--library=posix --library=gnu --quiet \
	--suppress=missingIncludeSystem --suppressions-list=mk/cppcheck.supp

lint: lint-cppcheck lint-clang-tidy lint-format lint-mutants

# Every mutant of make mutate still applies to the code (tests/mutate/).
lint-mutants:
	tests/mutate/check-lists.sh $(wildcard tests/mutate/*mutants) tests/mutate/decisions

# Every C file of the tree in the style of .clang-format (clang-format 14,
# Debian's clang-format package); `clang-format -i FILE` mends one.
FORMAT_SRCS = $(filter-out %/node_modules/% $(FORMAT_NOT_YET),$(wildcard \
	common/*.[ch] init/*.[ch] preload/*.[ch] webhook/*.[ch] webhook/*/*.[ch] \
	bench/*.c tests/*/*.[ch] tests/*/*/*.[ch]))
# formatted when the branches that change them now have landed
FORMAT_NOT_YET := init/% preload/% bench/% tests/integration/% \
	tests/fuzz/fuzz_config_policy.c tests/unit/test_config.c tests/unit/test_envedit.c \
	tests/unit/test_gidlist.c tests/unit/test_policy.c tests/unit/test_seccomp.c

lint-format: | $(QUALITY)/.deps
	@bad=; for f in $(FORMAT_SRCS); do \
	  clang-format --dry-run --Werror $$f >/dev/null 2>&1 || bad="$$bad $$f"; \
	done; \
	if [ -n "$$bad" ]; then echo "clang-format: not in the style of .clang-format:$$bad" >&2; \
	  echo "  (clang-format -i FILE mends one)" >&2; exit 1; fi; \
	echo "clang-format: clean ($(words $(FORMAT_SRCS)) files)"

lint-cppcheck: | $(QUALITY)/.deps
	$(CPPCHECK) $(LINT_CPPFLAGS) $(LINT_ARCH_DEFINE) $(LINT_SRCS) $(LINT_OWN_SRCS)
	@echo "cppcheck: clean ($(words $(LINT_SRCS) $(LINT_OWN_SRCS)) files)"

# One clang-tidy process per file: clang-tidy 14 given several files at once
# carries analyzer state across them and reports a false
# clang-analyzer-valist.Uninitialized in init/syslog.c. cap-ng.h comes
# from the libcap-ng the build compiles ($(CAPNG_A)).
lint-clang-tidy: $(CAPNG_A) | $(QUALITY)/.deps
	@fail=0; for f in $(LINT_SRCS) $(LINT_OWN_SRCS); do \
	  clang-tidy --quiet $$f -- $(CSTD) $(LINT_CPPFLAGS) 2>/dev/null || fail=1; \
	done; \
	if [ $$fail = 0 ]; then echo "clang-tidy: clean ($(words $(LINT_SRCS) $(LINT_OWN_SRCS)) files)"; fi; \
	exit $$fail
