# strict-groups. `make` builds build/strict-init (static, musl) and
# build/libstrict-preload.so; `make test` runs every test (as root).
# Everything produced goes under build/.

VERSION := 0.1.0
BUILD := build
ARCH_TRIPLET := $(shell gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)

# Debian packages the build and the tests need; installed when missing.
BUILD_PACKAGES := musl-tools dpkg-dev gcc make
TEST_PACKAGES := libcmocka-dev bats runc busybox-static libcap2-bin acl jq

MUSL_CC := musl-gcc
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wconversion -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -Wvla -Wundef
HARDENING := -fstack-protector-strong -fstack-clash-protection -fcf-protection
CSTD := -std=c11 -D_GNU_SOURCE
# -Os: the binary must stay under 104 KiB (4 of them the seal region,
# init/seal.h); fewer pages also start faster.
OPT := -Os -fno-asynchronous-unwind-tables -fno-unwind-tables

# musl-tools ships no kernel headers: point at the system's (docs/design.md,
# "musl's headers").
KHDR := $(BUILD)/kernel-headers
CAPNG_VERSION_DIR = $(wildcard $(BUILD)/libcap-ng/libcap-ng-*/)
CAPNG_A := $(BUILD)/libcap-ng/libcap-ng.a
CAPNG_INC := $(BUILD)/libcap-ng/include

INIT_LIB_SRCS := common/gidlist.c common/text.c init/config.c init/policy.c init/envedit.c
INIT_SYS_SRCS := init/alloc.c common/log.c init/privops.c init/seccomp.c init/seal.c init/install.c init/syslog.c init/main.c
INIT_SRCS := $(INIT_LIB_SRCS) $(INIT_SYS_SRCS)
INIT_HDRS := $(wildcard init/*.h common/*.h)

STRICT_INIT := $(BUILD)/strict-init
PRELOAD := $(BUILD)/libstrict-preload.so
MAX_INIT_SIZE := 106496

.PHONY: all clean test unit integration deps test-deps
all: $(STRICT_INIT) $(PRELOAD)

$(BUILD)/.deps-build:
	@mkdir -p $(BUILD)
	tools/ensure-packages.sh $(BUILD_PACKAGES)
	@touch $@

test-deps:
	tools/ensure-packages.sh $(TEST_PACKAGES)

$(KHDR)/.stamp: $(BUILD)/.deps-build
	@mkdir -p $(KHDR)
	ln -sfn /usr/include/linux $(KHDR)/linux
	ln -sfn /usr/include/asm-generic $(KHDR)/asm-generic
	ln -sfn /usr/include/$(ARCH_TRIPLET)/asm $(KHDR)/asm
	@touch $@

# libcap-ng from Debian's source package, built with musl-gcc (Debian ships
# it for glibc only). Its constructor is turned off: it would read
# /proc/sys/kernel/cap_last_cap and probe prctls at every start, also on
# the path where nothing changes; libcap-ng initialises itself lazily on
# first use instead (init() calls init_lib(), "so static libs get
# initialized").
$(CAPNG_A): tools/fetch-libcap-ng.sh $(KHDR)/.stamp
	rm -rf $(BUILD)/libcap-ng
	tools/fetch-libcap-ng.sh $(BUILD)/libcap-ng
	cd $(BUILD)/libcap-ng/libcap-ng-*/ && \
	  CC=$(MUSL_CC) CPPFLAGS="-idirafter $(abspath $(KHDR))" \
	  CFLAGS="$(OPT) -Dconstructor=unused -ffunction-sections -fdata-sections $(HARDENING)" \
	  ./configure -q --disable-shared --enable-static --without-python \
	    --without-python3 >/dev/null && \
	  $(MAKE) -s -C src libcap-ng.la >/dev/null
	mkdir -p $(CAPNG_INC)
	cp $(BUILD)/libcap-ng/libcap-ng-*/src/cap-ng.h $(CAPNG_INC)/
	cp $(BUILD)/libcap-ng/libcap-ng-*/src/.libs/libcap-ng.a $@

INIT_CFLAGS := $(CSTD) $(OPT) $(WARNINGS) $(HARDENING) \
	-I. -idirafter $(KHDR) -I$(CAPNG_INC) -DSTRICT_VERSION='"$(VERSION)"'
INIT_LDFLAGS := -static -no-pie -Wl,-z,relro,-z,now,-z,noexecstack \
	-Wl,--gc-sections -ffunction-sections -fdata-sections -s

$(STRICT_INIT): $(INIT_SRCS) $(INIT_HDRS) $(CAPNG_A) Makefile
	$(MUSL_CC) $(INIT_CFLAGS) $(INIT_LDFLAGS) -o $@ $(INIT_SRCS) $(CAPNG_A)
	@if readelf -l $@ | grep -q INTERP; then echo "$@ has PT_INTERP" >&2; exit 1; fi
	@size=$$(stat -c %s $@); if [ $$size -gt $(MAX_INIT_SIZE) ]; then \
	  echo "$@ is $$size bytes, over $(MAX_INIT_SIZE)" >&2; exit 1; fi

# The LD_PRELOAD guard: built with the system compiler against glibc,
# without _FORTIFY_SOURCE (no *_chk symbols), so that it also loads in musl
# programs (docs/design.md, "One guard for both libcs"). It shares common/
# with strict-init: the gid-list parser and the one-line logger.
PRELOAD_SRCS := preload/strict_preload.c common/gidlist.c common/log.c common/text.c
# exactly the interposed functions, sorted
PRELOAD_EXPORTS := initgroups setegid setfsgid setgid setgroups setregid setresgid
PRELOAD_CFLAGS := $(CSTD) -O2 $(WARNINGS) -fPIC -fvisibility=hidden \
	-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=0 -fstack-protector-strong -I. \
	-ffunction-sections -fdata-sections -DLOG_PREFIX='"strict-groups preload: "'
PRELOAD_LDFLAGS := -shared -Wl,-z,relro,-z,now,-z,noexecstack -Wl,--no-undefined -s -Wl,--gc-sections \
	-Wl,--no-as-needed -l:libdl.so.2

$(PRELOAD): $(PRELOAD_SRCS) common/gidlist.h common/log.h common/text.h Makefile | $(BUILD)/.deps-build
	gcc $(PRELOAD_CFLAGS) $(PRELOAD_LDFLAGS) -o $@ $(PRELOAD_SRCS)
	@if nm -D $@ | grep -q '_chk$$'; then echo "$@ uses fortified *_chk symbols" >&2; exit 1; fi
	@exported=$$(nm -D --defined-only $@ | awk '{print $$3}' | LC_ALL=C sort | tr '\n' ' '); \
	  if [ "$$exported" != "$(PRELOAD_EXPORTS) " ]; then \
	    echo "$@ exports other symbols than $(PRELOAD_EXPORTS): $$exported" >&2; exit 1; fi

include tests/tests.mk
include tests/e2e/e2e.mk
# mk/*.mk: quality targets and the parts each add (webhook, registry, ...)
include $(sort $(wildcard mk/*.mk))

# The demo runs containers with runc (tools/demo.sh uses the integration
# suite's helpers): it installs what they need, as `make test` does.
DEMO_PACKAGES := runc busybox-static libcap2-bin acl jq

$(BUILD)/.deps-demo: $(BUILD)/.deps-build
	tools/ensure-packages.sh $(DEMO_PACKAGES)
	@touch $@

.PHONY: demo
demo: all $(BUILD)/.deps-demo
	tools/demo.sh

clean:
	rm -rf $(BUILD)
