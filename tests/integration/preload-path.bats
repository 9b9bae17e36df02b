# The preload path is checked as the loader will use it (docs/design.md,
# "The loaders and LD_PRELOAD"): absolute, no '$', a regular file that is an ELF shared object for
# this machine, on a mount without noexec. Anything else is refused (77, or
# 64 for a path the loaders would resolve elsewhere: bad-input.bats) with
# the reason; otherwise the command would run unguarded.
load lib

ROOT_USER=0:0:0,60000

setup_file() {
	sg_require_prereqs
	# setpriv (glibc, dynamic) with its libraries, as guard.bats does
	local lib
	install -D -m 0755 /usr/bin/setpriv "$SG_IT_DIR/rootfs/guard/setpriv"
	for lib in $({ ldd /usr/bin/setpriv; ldd "$SG_REPO/build/libstrict-preload.so"; } | grep -o "/[^ ]*"); do
		install -D -m 0755 "$(readlink -f "$lib")" "$SG_IT_DIR/rootfs$lib"
	done
	install -m 0644 "$SG_REPO/build/libstrict-preload.so" "$SG_IT_DIR/strict/"
}

setup() {
	sg_test_setup
	cp "$SG_REPO/build/libstrict-preload.so" "$SG_OUT/guard.so"
	printf 'not a library\n' >"$SG_OUT/text.so"
}
teardown() { sg_test_teardown; }

# guarded_setpriv PRELOAD [sg_ctr OPTIONS]: setpriv --groups 50000,60000 as
# root through strict-init with STRICT_GROUPS_PRELOAD=PRELOAD
guarded_setpriv() {
	local preload=$1
	shift
	ctr_run -u $ROOT_USER "$@" -e "STRICT_GROUPS_PRELOAD=$preload" -- \
		/strict/strict-init /guard/setpriv --groups 50000,60000 id -G
}

@test "preload path: control: the guard on /out (exec allowed) loads and keeps 50000 out" {
	guarded_setpriv /out/guard.so
	expect_status 0
	expect_stdout '0 60000'
}

@test "preload path: control: on a noexec mount glibc's loader skips the guard and the program runs unguarded" {
	ctr_run -u $ROOT_USER -O rbind,rw,nosuid,nodev,noexec -e LD_PRELOAD=/out/guard.so -e STRICT_GROUPS=60000 -- \
		/guard/setpriv --groups 50000,60000 id -G
	expect_status 0
	expect_stdout '0 50000 60000'
	expect_stderr_match 'cannot be preloaded'
}

@test "preload path: a guard on a noexec mount is refused (77) with the reason" {
	guarded_setpriv /out/guard.so -O rbind,rw,nosuid,nodev,noexec
	expect_status 77
	expect_one_strict_line
	expect_stderr_match '^strict-init: refusing.*/out/guard.so cannot be used: on a noexec mount'
	expect_stdout ''
}

@test "preload path: a file that is not ELF is refused (77)" {
	guarded_setpriv /out/text.so
	expect_status 77
	expect_stderr_match '^strict-init: refusing.*/out/text.so cannot be used: not an ELF file'
	expect_stdout ''
}

@test "preload path: an ELF executable that is not a shared object (static busybox) is refused (77)" {
	guarded_setpriv /bin/busybox
	expect_status 77
	expect_stderr_match '^strict-init: refusing.*/bin/busybox cannot be used: not an ELF shared object'
	expect_stdout ''
}

@test "preload path: a directory is refused (77)" {
	guarded_setpriv /out
	expect_status 77
	expect_stderr_match '^strict-init: refusing.*/out cannot be used: not a regular file'
}

@test "preload path: a bare name, a relative path and \$LIB are refused (64) before anything runs" {
	local p
	for p in libstrict-preload.so strict/libstrict-preload.so '/strict/$LIB/libstrict-preload.so' '/strict/$ORIGIN.so'; do
		guarded_setpriv "$p"
		expect_status 64 || return
		expect_one_strict_line || return
		expect_stdout '' || return
	done
}

@test "preload path: a sealed preload path is checked the same way at every start" {
	ctr_run -u $ROOT_USER -P "--groups=60000 --preload=/out/text.so" -- /strict/strict-init id
	expect_status 77
	expect_stderr_match 'not an ELF file'
	ctr_run -u $ROOT_USER -P "--groups=60000 --preload=/out/guard.so" -- \
		/strict/strict-init /guard/setpriv --groups 50000,60000 id -G
	expect_status 0
	expect_stdout '0 60000'
}
