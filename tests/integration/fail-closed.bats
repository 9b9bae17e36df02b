# Failing closed where a mistake would only show as a command that runs
# unguarded: a preload file the command's identity cannot read, the guard
# loaded without a usable STRICT_GROUPS, and each gid argument the guard
# checks (one left out lets the call through). gidcall
# (fixtures/gidcall.c) is linked dynamically against musl here, so that the
# guard loads in it.
load lib

ROOT_USER=0:0:0,60000
EPERM='Operation not permitted'

setup_file() {
	local root=$SG_IT_DIR/rootfs loader
	sg_require_prereqs
	[ -x "$root/guard/gidcall-musl" ] && return
	musl-gcc -O2 -o "$SG_IT_DIR/gidcall-musl-dynamic" "$SG_FIXTURES/gidcall.c"
	loader=$(readelf -l "$SG_IT_DIR/gidcall-musl-dynamic" | sed -n 's/.*interpreter: \(.*\)]/\1/p')
	[ -n "$loader" ] || sg_die "gidcall is not dynamic"
	install -D -m 0755 "$(readlink -f "$loader")" "$root$loader"
	install -D -m 0755 "$SG_IT_DIR/gidcall-musl-dynamic" "$root/guard/gidcall-musl"
}

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

# --- a preload the command's identity cannot read ---

# preload_dir MODE: $dir holds the suite's sealed copy (its file capability
# kept) and the guard with MODE, owned by root
preload_dir() {
	dir=$SG_IT_DIR/preload-$1
	if [ ! -d "$dir" ]; then
		mkdir -p "$dir" &&
			cp -a "$SG_IT_DIR/strict/strict-init" "$dir/" &&
			install -m "$1" -o 0 -g 0 "$SG_REPO/build/libstrict-preload.so" "$dir/"
	fi
}

@test "preload: unreadable by a non-root start (0600, root's) is refused (77): musl would skip it silently" {
	local dir
	preload_dir 0600
	ctr_run -u 1000:1000:1000,60000 -s "$dir" -e STRICT_GROUPS_PRELOAD=/strict/libstrict-preload.so -- \
		/strict/strict-init touch /out/ran
	expect_status 77
	expect_one_strict_line
	expect_stderr 'strict-init: refusing to run the command: the preload /strict/libstrict-preload.so cannot be read: Permission denied'
	expect_no_file "$SG_OUT/ran"
}

@test "preload: unreadable after a drop (alice drops 50000, then cannot read it): 77, the command does not run" {
	local dir
	preload_dir 0600
	ctr_run -s "$dir" -e STRICT_GROUPS_PRELOAD=/strict/libstrict-preload.so -- /strict/strict-init touch /out/ran
	expect_status 77
	expect_strict_lines 2
	expect_stderr 'strict-init: dropped groups 50000
strict-init: refusing to run the command: the preload /strict/libstrict-preload.so cannot be read: Permission denied'
	expect_no_file "$SG_OUT/ran"
}

@test "preload control: the same file readable (0644) is used; the 0600 one as root too" {
	local dir
	preload_dir 0644
	ctr_run -u 1000:1000:1000,60000 -s "$dir" -e STRICT_GROUPS_PRELOAD=/strict/libstrict-preload.so -- \
		/strict/strict-init sh -c 'echo "$LD_PRELOAD"; touch /out/ran'
	expect_status 0
	expect_stdout /strict/libstrict-preload.so
	[ -e "$SG_OUT/ran" ] || sg_show_run "the command did not run"
	preload_dir 0600
	ctr_run -u $ROOT_USER -s "$dir" -e STRICT_GROUPS_PRELOAD=/strict/libstrict-preload.so -- \
		/strict/strict-init sh -c 'echo "$LD_PRELOAD"'
	expect_status 0
	expect_stdout /strict/libstrict-preload.so
}

# --- the guard without a usable STRICT_GROUPS: every call it interposes fails ---

# guarded_gidcall [-e STRICT_GROUPS=VALUE]: root (groups 0,60000) runs the
# guarded gidcall with the steps below, without strict-init
STEPS=(setgroups:60000 ids initgroups:alice:0 ids setgid:0 setresgid:-1:0:-1 setfsgid:60000 ids)
guarded_gidcall() {
	ctr_run -u $ROOT_USER -P "$SG_DEFAULT_SEAL" -e LD_PRELOAD=/strict/libstrict-preload.so "$@" -- \
		/guard/gidcall-musl "${STEPS[@]}"
}

CLOSED="setgroups:60000: $EPERM
ids: gids=0,0,0,0 groups=0,60000
initgroups:alice:0: $EPERM
ids: gids=0,0,0,0 groups=0,60000
setgid:0: $EPERM
setresgid:-1:0:-1: $EPERM
setfsgid:60000: returned 0
ids: gids=0,0,0,0 groups=0,60000"

@test "guard: loaded without STRICT_GROUPS, initgroups and every gid call fail (EPERM), said once" {
	guarded_gidcall
	expect_status 0
	expect_stdout "$CLOSED"
	expect_stderr 'strict-groups preload: STRICT_GROUPS is not set; group and gid changes fail with EPERM'
}

@test "guard: loaded with a malformed STRICT_GROUPS (60000,abc), initgroups and every gid call fail (EPERM), said once" {
	guarded_gidcall -e STRICT_GROUPS=60000,abc
	expect_status 0
	expect_stdout "$CLOSED"
	expect_stderr 'strict-groups preload: STRICT_GROUPS is malformed; group and gid changes fail with EPERM'
}

@test "guard control: with STRICT_GROUPS=60000 the same calls work; without the guard initgroups brings 50000 back" {
	guarded_gidcall -e STRICT_GROUPS=60000
	expect_status 0
	expect_stdout 'setgroups:60000: ok
ids: gids=0,0,0,0 groups=60000
initgroups:alice:0: ok
ids: gids=0,0,0,0 groups=0,60000
setgid:0: ok
setresgid:-1:0:-1: ok
setfsgid:60000: returned 0
ids: gids=0,0,0,60000 groups=0,60000'
	expect_stderr ''
	ctr_run -u $ROOT_USER -- /guard/gidcall-musl initgroups:alice:0 ids
	expect_status 0
	expect_stdout 'initgroups:alice:0: ok
ids: gids=0,0,0,0 groups=0,50000'
}

# --- every argument of the gid calls, each alone ---

@test "guard: 50000 in any one argument of setresgid or setregid is EPERM; the gids stay" {
	ctr_run -u $ROOT_USER -P "$SG_DEFAULT_SEAL" -e STRICT_GROUPS=60000 \
		-e LD_PRELOAD=/strict/libstrict-preload.so -- /guard/gidcall-musl \
		setresgid:50000:-1:-1 setresgid:-1:50000:-1 setresgid:-1:-1:50000 \
		setregid:50000:-1 setregid:-1:50000 ids
	expect_status 0
	expect_stdout "setresgid:50000:-1:-1: $EPERM
setresgid:-1:50000:-1: $EPERM
setresgid:-1:-1:50000: $EPERM
setregid:50000:-1: $EPERM
setregid:-1:50000: $EPERM
ids: gids=0,0,0,0 groups=0,60000"
}

@test "guard control: without it, setresgid(-1, -1, 50000) makes 50000 the saved gid" {
	ctr_run -u $ROOT_USER -- /guard/gidcall-musl setresgid:-1:-1:50000 ids
	expect_status 0
	expect_stdout 'setresgid:-1:-1:50000: ok
ids: gids=0,0,50000,0 groups=0,60000'
}
