# The guard after the entrypoint (issue 3): the LD_PRELOAD guard and the
# seccomp lock, in runc containers started as root with additionalGids
# [0, 60000]; the image's /etc/group lists alice (1000) in 50000.
# setpriv is util-linux's (glibc, dynamic), copied with its libraries.
load lib

ROOT_USER=0:0:0,60000
PRELOAD=STRICT_GROUPS_PRELOAD=/strict/libstrict-preload.so

# Copies a dynamic program into the image with the libraries ldd names for
# it and for the guard (libdl.so.2, which every glibc image ships), at the
# same paths.
copy_with_libs() {
	local prog=$1 dest=$2 lib
	install -D -m 0755 "$prog" "$SG_IT_DIR/rootfs$dest"
	for lib in $({ ldd "$prog"; ldd "$SG_REPO/build/libstrict-preload.so"; } | grep -o "/[^ ]*"); do
		install -D -m 0755 "$(readlink -f "$lib")" "$SG_IT_DIR/rootfs$lib"
	done
}

setup_file() {
	local musl_loader
	sg_require_prereqs
	copy_with_libs /usr/bin/setpriv /guard/setpriv
	musl-gcc -O2 -o "$SG_IT_DIR/guard-initgroups" \
		"$SG_FIXTURES/guard-initgroups.c"
	musl_loader=$(readelf -l "$SG_IT_DIR/guard-initgroups" |
		sed -n 's/.*interpreter: \(.*\)]/\1/p')
	[ -n "$musl_loader" ] || sg_die "guard-initgroups is not dynamic"
	install -D -m 0755 "$(readlink -f "$musl_loader")" "$SG_IT_DIR/rootfs$musl_loader"
	install -m 0755 "$SG_IT_DIR/guard-initgroups" "$SG_IT_DIR/rootfs/guard/initgroups-musl"
	install -m 0644 "$SG_REPO/build/libstrict-preload.so" "$SG_IT_DIR/strict/"
}

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

# --- setpriv --init-groups: initgroups() from glibc ---

@test "guard: without it, setpriv --init-groups brings the image's 50000 back" {
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -- /strict/strict-init \
		/guard/setpriv --reuid 1000 --regid 1000 --init-groups id
	expect_status 0
	expect_stdout 'uid=1000(alice) gid=1000(alice) groups=1000(alice),50000(bypassed)'
}

@test "guard: with it, setpriv --init-groups gets STRICT_GROUPS plus its group" {
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -e "$PRELOAD" -- /strict/strict-init \
		/guard/setpriv --reuid 1000 --regid 1000 --init-groups id
	expect_status 0
	expect_stdout 'uid=1000(alice) gid=1000(alice) groups=1000(alice),60000'
	expect_stderr ''
}

# --- setpriv --groups: setgroups() from glibc ---

@test "guard: without it, setpriv --groups 50000,60000 sets 50000" {
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -- /strict/strict-init \
		/guard/setpriv --groups 50000,60000 id
	expect_status 0
	expect_stdout 'uid=0(root) gid=0(root) groups=50000(bypassed),60000'
}

@test "guard: with it, setpriv --groups 50000,60000 keeps only 60000" {
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -e "$PRELOAD" -- /strict/strict-init \
		/guard/setpriv --groups 50000,60000 id
	expect_status 0
	expect_stdout 'uid=0(root) gid=0(root) groups=60000'
}

@test "guard: existing LD_PRELOAD entries are kept after the guard" {
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -e "$PRELOAD" \
		-e LD_PRELOAD=/nonexistent-but-kept.so -- /strict/strict-init \
		sh -c 'echo "$LD_PRELOAD"'
	expect_status 0
	expect_stdout '/strict/libstrict-preload.so:/nonexistent-but-kept.so'
}

# --- a musl dynamic program calling initgroups() ---

@test "guard: without it, a musl program's initgroups() brings 50000 back" {
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -- /strict/strict-init \
		/guard/initgroups-musl alice 1000
	expect_status 0
	expect_stdout $'initgroups: ok\ngroups=1000,50000'
}

@test "guard: with it, a musl program's initgroups() gets 1000,60000" {
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -e "$PRELOAD" -- /strict/strict-init \
		/guard/initgroups-musl alice 1000
	expect_status 0
	expect_stdout $'initgroups: ok\ngroups=1000,60000'
}

# --- fail closed ---

@test "guard: loaded without STRICT_GROUPS, setgroups fails with EPERM and says why once" {
	ctr_run -u $ROOT_USER -e LD_PRELOAD=/strict/libstrict-preload.so -- \
		/guard/setpriv --groups 50000,60000 id
	expect_status 127
	[[ $output != *50000* ]] || sg_show_run "50000 was set"
	[ "$(grep -c 'strict-groups preload: STRICT_GROUPS is not set' <<<"$stderr")" = 1 ] ||
		sg_show_run "expected the preload's reason once on stderr"
	expect_stderr_match 'Operation not permitted'
}

@test "guard: a preload file that is missing makes strict-init refuse (77)" {
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 \
		-e STRICT_GROUPS_PRELOAD=/strict/missing.so -- /strict/strict-init touch /out/ran
	expect_status 77
	expect_one_strict_line
	expect_stderr_match '^strict-init: refusing.*/strict/missing.so'
	expect_no_file "$SG_OUT/ran"
}

# --- the seccomp lock: a static program's raw setgroups ---

@test "lock: without it, a static program's setgroups(50000,60000) succeeds" {
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -- /strict/strict-init \
		probe 50000 60000
	expect_status 0
	expect_stdout $'setgroups: ok\nuid=0 euid=0 gid=0 egid=0 groups=50000,60000'
}

@test "lock: with it, a static program's setgroups gets EPERM and Seccomp is 2" {
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -e STRICT_GROUPS_LOCK=1 -- \
		/strict/strict-init sh -c 'probe 50000 60000; grep "^Seccomp:" /proc/self/status'
	expect_status 0
	expect_stdout $'setgroups: Operation not permitted\nuid=0 euid=0 gid=0 egid=0 groups=0,60000\nSeccomp:\t2'
}

@test "lock: with STRICT_GROUPS_NO_NEW_PRIVS=0 and no CAP_SYS_ADMIN it is refused" {
	ctr_run -u $ROOT_USER -P "--groups=60000 --no-new-privs=0" -e STRICT_GROUPS_LOCK=1 -- \
		/strict/strict-init touch /out/ran
	expect_status 77
	expect_stderr_match '^strict-init: refusing.*no_new_privs'
	expect_no_file "$SG_OUT/ran"
}

@test "lock: a non-root drop with the lock: groups 1000,60000 and setgroups locked" {
	ctr_run -e STRICT_GROUPS=60000 -e STRICT_GROUPS_LOCK=1 -- \
		/strict/strict-init sh -c 'id; grep "^Seccomp:" /proc/self/status'
	expect_status 0
	expect_stdout $'uid=1000(alice) gid=1000(alice) groups=1000(alice),60000\nSeccomp:\t2'
}
