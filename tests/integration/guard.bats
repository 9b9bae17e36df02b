# The guard after the entrypoint (issues 3 and 8): the LD_PRELOAD guard and
# the seccomp lock, in runc containers started as root with additionalGids
# [0, 60000]; the image's /etc/group lists alice (1000) in 50000. The guard
# keeps groups and gids within the set it loaded: STRICT_GROUPS plus the
# primary gid at load (here 0).
# setpriv is util-linux's (glibc, dynamic), copied with its libraries;
# gidcall (fixtures/gidcall.c) is built dynamic for glibc and for musl.
load lib

ROOT_USER=0:0:0,60000
PRELOAD=STRICT_GROUPS_PRELOAD=/strict/libstrict-preload.so
READ=read:/data/only-50000
DENIED='Permission denied'
EPERM='Operation not permitted'

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
	sg_gidcall_fixtures
	copy_with_libs /usr/bin/setpriv /guard/setpriv
	gcc -O2 -o "$SG_IT_DIR/gidcall-glibc" "$SG_FIXTURES/gidcall.c"
	copy_with_libs "$SG_IT_DIR/gidcall-glibc" /guard/gidcall-glibc
	gcc -O2 -shared -fPIC -o "$SG_IT_DIR/rootfs/guard/deepbind-plugin.so" \
		"$SG_FIXTURES/deepbind-plugin.c"
	musl-gcc -O2 -o "$SG_IT_DIR/gidcall-musl" "$SG_FIXTURES/gidcall.c"
	musl_loader=$(readelf -l "$SG_IT_DIR/gidcall-musl" |
		sed -n 's/.*interpreter: \(.*\)]/\1/p')
	[ -n "$musl_loader" ] || sg_die "gidcall-musl is not dynamic"
	install -D -m 0755 "$(readlink -f "$musl_loader")" "$SG_IT_DIR/rootfs$musl_loader"
	install -m 0755 "$SG_IT_DIR/gidcall-musl" "$SG_IT_DIR/rootfs/guard/gidcall-musl"
	install -m 0644 "$SG_REPO/build/libstrict-preload.so" "$SG_IT_DIR/strict/"
}

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

# guarded|unguarded LIBC STEP...: /guard/gidcall-LIBC STEP... as root
# without CAP_DAC_OVERRIDE, strict-init sealed with --groups=$allowed
# (default 60000), with or without the guard
guarded() {
	local libc=$1
	shift
	ctr_run -u $ROOT_USER -c no-dac-override -P "--groups=${allowed:-60000}" \
		-e "$PRELOAD" -- /strict/strict-init /guard/gidcall-$libc "$@"
}

unguarded() {
	local libc=$1
	shift
	ctr_run -u $ROOT_USER -c no-dac-override -P "--groups=${allowed:-60000}" -- \
		/strict/strict-init /guard/gidcall-$libc "$@"
}

# expect_lines LINE...: stdout is exactly these lines
expect_lines() {
	local want
	printf -v want '%s\n' "$@"
	expect_status 0 || return
	expect_stdout "${want%$'\n'}"
}

# each_libc guarded|unguarded STEP... -- LINE...: the steps by the glibc
# program, then by the musl one; each prints exactly the lines
each_libc() {
	local how=$1 libc steps=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		steps+=("$1")
		shift
	done
	shift
	for libc in glibc musl; do
		$how $libc "${steps[@]}"
		expect_lines "$@" || return
	done
}

# --- setpriv --init-groups: initgroups() from glibc ---

@test "guard: without it, setpriv --init-groups brings the image's 50000 back" {
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -- /strict/strict-init \
		/guard/setpriv --reuid 1000 --regid 1000 --init-groups id
	expect_status 0
	expect_stdout 'uid=1000(alice) gid=1000(alice) groups=1000(alice),50000(bypassed)'
}

@test "guard: with it, setpriv --init-groups to an allowed gid gets STRICT_GROUPS plus that gid" {
	ctr_run -u $ROOT_USER -P "--groups=1000,60000" -e "$PRELOAD" -- /strict/strict-init \
		/guard/setpriv --reuid 1000 --regid 1000 --init-groups id
	expect_status 0
	expect_stdout 'uid=1000(alice) gid=1000(alice) groups=1000(alice),60000'
	expect_stderr ''
}

# A root daemon dropping to a gid needs that gid allowed, as under the lock.
@test "guard: with it, setpriv cannot drop to gid 1000 when STRICT_GROUPS does not allow it" {
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -e "$PRELOAD" -- /strict/strict-init \
		/guard/setpriv --reuid 1000 --regid 1000 --init-groups id
	expect_status 127
	expect_stdout ''
	expect_stderr $'strict-groups preload: setresgid refused (EPERM) for gid 1000: not in STRICT_GROUPS, not the primary gid at start\nsetpriv: setresgid failed: Operation not permitted'
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

# --- initgroups() ---

@test "guard: without it, initgroups(alice, 1000) brings the image's 50000 back (glibc, musl)" {
	each_libc unguarded initgroups:alice:1000 ids -- \
		'initgroups:alice:1000: ok' 'ids: gids=0,0,0,0 groups=1000,50000'
}

@test "guard: with it, initgroups(alice, 1000) is EPERM: 1000 is not allowed (glibc, musl)" {
	each_libc guarded initgroups:alice:1000 ids -- \
		"initgroups:alice:1000: $EPERM" 'ids: gids=0,0,0,0 groups=0,60000'
}

@test "guard: with it and STRICT_GROUPS=1000,60000, initgroups(alice, 1000) gets 1000,60000 (glibc, musl)" {
	local allowed=1000,60000
	each_libc guarded initgroups:alice:1000 ids -- \
		'initgroups:alice:1000: ok' 'ids: gids=0,0,0,0 groups=1000,60000'
}

# --- the set is the one loaded: a later setenv cannot widen it ---

@test "guard: STRICT_GROUPS rewritten with setenv before initgroups() gives no more than the loaded set (glibc, musl)" {
	each_libc guarded setenv:STRICT_GROUPS=50000,60000 initgroups:alice:0 ids \
		setgroups:50000:60000 ids -- \
		'setenv:STRICT_GROUPS=50000,60000: ok' 'initgroups:alice:0: ok' \
		'ids: gids=0,0,0,0 groups=0,60000' \
		'setgroups:50000:60000: ok' 'ids: gids=0,0,0,0 groups=60000'
}

@test "guard control: without it, the same program's initgroups(alice, 0) gets the image's 50000 (glibc, musl)" {
	each_libc unguarded setenv:STRICT_GROUPS=50000,60000 initgroups:alice:0 ids -- \
		'setenv:STRICT_GROUPS=50000,60000: ok' 'initgroups:alice:0: ok' \
		'ids: gids=0,0,0,0 groups=0,50000'
}

# --- the gid calls: the lock's rule ---

@test "guard: setegid(50000) then setgroups({50000}) keeps nothing of 50000 (glibc, musl)" {
	each_libc guarded setegid:50000 setgroups:50000 ids $READ -- \
		"setegid:50000: $EPERM" 'setgroups:50000: ok' \
		'ids: gids=0,0,0,0 groups=' "$READ: $DENIED"
}

@test "guard control: without it, setegid(50000) then setgroups({50000}) reads the file (glibc, musl)" {
	each_libc unguarded setegid:50000 setgroups:50000 ids $READ -- \
		'setegid:50000: ok' 'setgroups:50000: ok' \
		'ids: gids=0,50000,0,50000 groups=50000' "$READ: ok"
}

# The guard used to keep a gid equal to the egid in setgroups. A raw system
# call (which no preload sees) makes 50000 the egid; setgroups({50000})
# still keeps nothing.
@test "guard: with 50000 as egid (raw setresgid), setgroups({50000}) keeps nothing (glibc, musl)" {
	each_libc guarded raw-setresgid:-1:50000:-1 setgroups:50000 ids -- \
		'raw-setresgid:-1:50000:-1: ok' 'setgroups:50000: ok' \
		'ids: gids=0,50000,0,50000 groups='
}

@test "guard: setresgid(-1, 50000, -1) is EPERM and the file stays unreadable; to 60000 it works (glibc, musl)" {
	each_libc guarded setresgid:-1:50000:-1 $READ setresgid:-1:60000:-1 ids -- \
		"setresgid:-1:50000:-1: $EPERM" "$READ: $DENIED" \
		'setresgid:-1:60000:-1: ok' 'ids: gids=0,60000,0,60000 groups=0,60000'
}

@test "guard control: without it, setresgid(-1, 50000, -1) reads the file (glibc, musl)" {
	each_libc unguarded setresgid:-1:50000:-1 $READ -- \
		'setresgid:-1:50000:-1: ok' "$READ: ok"
}

@test "guard: setgid, setregid to 50000 are EPERM; to 60000 or -1 they work (glibc, musl)" {
	each_libc guarded setgid:50000 setregid:50000:-1 setregid:-1:50000 \
		setregid:-1:60000 setgid:0 ids -- \
		"setgid:50000: $EPERM" "setregid:50000:-1: $EPERM" \
		"setregid:-1:50000: $EPERM" 'setregid:-1:60000: ok' 'setgid:0: ok' \
		'ids: gids=0,0,0,0 groups=0,60000'
}

@test "guard: setfsgid(50000) changes nothing and returns the current fsgid; setfsgid(60000) works (glibc, musl)" {
	each_libc guarded setfsgid:50000 $READ ids setfsgid:60000 ids -- \
		'setfsgid:50000: returned 0' "$READ: $DENIED" \
		'ids: gids=0,0,0,0 groups=0,60000' \
		'setfsgid:60000: returned 0' 'ids: gids=0,0,0,60000 groups=0,60000'
}

@test "guard control: without it, setfsgid(50000) reads the file (glibc, musl)" {
	each_libc unguarded setfsgid:50000 $READ -- \
		'setfsgid:50000: returned 0' "$READ: ok"
}

# --- the guard's reach, and the lock beyond it ---

@test "guard limit: a child started with env -i has no guard and sets 50000; the lock refuses it" {
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -e "$PRELOAD" -- /strict/strict-init \
		sh -c '/guard/gidcall-glibc setgroups:50000 ids; env -i /guard/gidcall-glibc setgroups:50000 ids'
	expect_lines 'setgroups:50000: ok' 'ids: gids=0,0,0,0 groups=' \
		'setgroups:50000: ok' 'ids: gids=0,0,0,0 groups=50000'
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -e "$PRELOAD" -e STRICT_GROUPS_LOCK=1 -- \
		/strict/strict-init sh -c 'env -i /guard/gidcall-glibc setgroups:50000 ids'
	expect_lines "setgroups:50000: $EPERM" 'ids: gids=0,0,0,0 groups=0,60000'
}

@test "guard limit: a child started with another STRICT_GROUPS loads that one; the lock refuses it" {
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -e "$PRELOAD" -- /strict/strict-init \
		/guard/gidcall-glibc setenv:STRICT_GROUPS=50000,60000 setgroups:50000 ids \
		reexec setgroups:50000 ids
	expect_lines 'setenv:STRICT_GROUPS=50000,60000: ok' 'setgroups:50000: ok' \
		'ids: gids=0,0,0,0 groups=' 'setgroups:50000: ok' 'ids: gids=0,0,0,0 groups=50000'
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -e "$PRELOAD" -e STRICT_GROUPS_LOCK=1 -- \
		/strict/strict-init /guard/gidcall-glibc setenv:STRICT_GROUPS=50000,60000 \
		reexec setgroups:50000 ids
	expect_lines 'setenv:STRICT_GROUPS=50000,60000: ok' "setgroups:50000: $EPERM" \
		'ids: gids=0,0,0,0 groups=0,60000'
}

@test "guard limit: a plugin loaded with RTLD_DEEPBIND calls libc's setgroups and sets 50000; the lock refuses it" {
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -e "$PRELOAD" -- /strict/strict-init \
		/guard/gidcall-glibc setgroups:50000 ids deepbind:/guard/deepbind-plugin.so:50000 ids
	expect_lines 'setgroups:50000: ok' 'ids: gids=0,0,0,0 groups=' \
		'deepbind:/guard/deepbind-plugin.so:50000: ok' 'ids: gids=0,0,0,0 groups=50000'
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -e "$PRELOAD" -e STRICT_GROUPS_LOCK=1 -- \
		/strict/strict-init /guard/gidcall-glibc deepbind:/guard/deepbind-plugin.so:50000 ids
	expect_lines "deepbind:/guard/deepbind-plugin.so:50000: $EPERM" \
		'ids: gids=0,0,0,0 groups=0,60000'
}

@test "guard limit: a static program is not guarded and sets 50000; the lock refuses it" {
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -e "$PRELOAD" -- /strict/strict-init \
		gidcall setresgid:-1:50000:-1 setgroups:50000 ids
	expect_lines 'setresgid:-1:50000:-1: ok' 'setgroups:50000: ok' \
		'ids: gids=0,50000,0,50000 groups=50000'
	ctr_run -u $ROOT_USER -e STRICT_GROUPS=60000 -e "$PRELOAD" -e STRICT_GROUPS_LOCK=1 -- \
		/strict/strict-init gidcall setresgid:-1:50000:-1 setgroups:50000 ids
	expect_lines "setresgid:-1:50000:-1: $EPERM" "setgroups:50000: $EPERM" \
		'ids: gids=0,0,0,0 groups=0,60000'
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
