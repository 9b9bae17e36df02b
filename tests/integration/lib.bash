# Helpers for the integration suite: a busybox-static image, runc bundles
# written as a CRI would (containerd 1.x), and assertions.
#
# Loaded by every .bats file (`load lib`), by setup_suite.bash and by
# tools/demo.sh. The fixtures (image, installed strict-init, runc state)
# live in one directory, SG_IT_DIR, made by setup_suite and removed after.

SG_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# SG_INIT may name another build of strict-init to test.
SG_INIT=${SG_INIT:-$SG_REPO/build/strict-init}
SG_FIXTURES="$SG_REPO/tests/integration/fixtures"

# The pod identity of Kubernetes issue #112879 as containerd computes it:
# primary gid, + groups the image's /etc/group lists alice in (50000),
# + the pod's supplementalGroups (60000).
SG_ALICE_USER=1000:1000:1000,50000,60000

# containerd 1.x's default capability set (oci.WithDefaultSpec).
SG_DEFAULT_CAPS=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_FSETID CAP_FOWNER CAP_MKNOD
	CAP_NET_RAW CAP_SETGID CAP_SETUID CAP_SETFCAP CAP_SETPCAP
	CAP_NET_BIND_SERVICE CAP_SYS_CHROOT CAP_KILL CAP_AUDIT_WRITE)
SG_DEFAULT_CAPS_JSON="[\"${SG_DEFAULT_CAPS[*]}\"]"
SG_DEFAULT_CAPS_JSON=${SG_DEFAULT_CAPS_JSON// /\", \"}

sg_die() {
	printf 'sg-it: %s\n' "$*" >&2
	return 1
}

# Everything the suite needs. Never skips: a missing piece is a failure.
sg_require_prereqs() {
	local tool
	[ "$(id -u)" = 0 ] ||
		sg_die "the integration tests need root (runc); run them as root" || return
	for tool in runc busybox getcap setcap musl-gcc setfacl jq; do
		command -v "$tool" >/dev/null ||
			sg_die "'$tool' is missing (Debian packages: runc busybox-static libcap2-bin musl-tools acl jq)" ||
			return
	done
	[ -x "$SG_INIT" ] || sg_die "$SG_INIT is not built; run make first" || return
	if readelf -l "$(command -v busybox)" 2>/dev/null | grep -q INTERP; then
		sg_die "busybox is dynamically linked; install busybox-static"
		return
	fi
}

# The policy the suite's default copy is sealed with: the pod's
# supplementalGroups. A case that needs another one seals its own (sg_ctr -P).
SG_DEFAULT_SEAL=--groups=60000

# sg_fixtures_build DIR: the image DIR/rootfs, strict-init installed in
# DIR/strict (cap_setgid=p, sealed with SG_DEFAULT_SEAL), a plain copy
# without the capability in DIR/strict-plain, the build output (no seal)
# given the capability by setcap in DIR/strict-unsealed, and runc's state
# directory DIR/runc.
sg_fixtures_build() {
	local d=$1 root=$1/rootfs applet
	mkdir -p "$root"/{bin,etc,proc,dev,sys,tmp,strict,out,home/alice} \
		"$root/work/dir with space" "$d/strict" "$d/strict-plain" \
		"$d/strict-unsealed" "$d/sealed" \
		"$d/runc" "$d/bundles" "$d/out" || return
	cp /bin/busybox "$root/bin/busybox" || return
	for applet in $(/bin/busybox --list); do
		[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet" || return
	done
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
		'alice:x:1000:1000:alice:/home/alice:/bin/sh' >"$root/etc/passwd"
	printf '%s\n' 'root:x:0:' 'alice:x:1000:' 'bypassed:x:50000:alice' \
		>"$root/etc/group"
	chown 1000:1000 "$root/home/alice"

	# probe, plain, setuid-root and setgid-50000 (see fixtures/probe.c).
	musl-gcc -static -Os -o "$d/probe" "$SG_FIXTURES/probe.c" || return
	install -m 0755 "$d/probe" "$root/bin/probe"
	install -m 0755 "$d/probe" "$root/bin/probe-suid"
	chmod 4755 "$root/bin/probe-suid"
	install -m 0755 -g 50000 "$d/probe" "$root/bin/probe-sgid"
	chmod 2755 "$root/bin/probe-sgid"
	# Found but not executable: 126.
	printf '#!/bin/sh\necho should not run\n' >"$root/bin/not-executable"
	chmod 0644 "$root/bin/not-executable"
	# Executable but in no format the kernel knows (no shebang): 126 too.
	printf '\001\002not an executable\n' >"$root/bin/garbage"
	chmod 0755 "$root/bin/garbage"

	sg_install_quietly $SG_DEFAULT_SEAL "$d/strict/strict-init" || return
	# Plain cp drops the security.capability xattr (docs/design.md,
	# "Where the xattr survives").
	cp "$d/strict/strict-init" "$d/strict-plain/strict-init"
	cp "$SG_INIT" "$d/strict-unsealed/strict-init" &&
		setcap cap_setgid=p "$d/strict-unsealed/strict-init"
}

# sg_install_quietly OPTION... DEST: `strict-init install` for the fixtures,
# its line (what it sealed) shown only when it fails, so that it never mixes
# with what a test captures.
sg_install_quietly() {
	local out
	out=$("$SG_INIT" install "$@" 2>&1) || { printf '%s\n' "$out" >&2; return 1; }
}

# sg_sealed_dir VAR OPTIONS: a directory holding strict-init installed with
# the install OPTIONS and libstrict-preload.so (one word each, e.g. "--groups=60000 --mode=refuse"),
# made once per suite and option string; its path in VAR.
sg_sealed_dir() {
	local _sg_key _sg_dir
	_sg_key=$(printf '%s' "$2" | sha256sum) || return
	_sg_dir=$SG_IT_DIR/sealed/${_sg_key:0:16}
	if [ ! -x "$_sg_dir/strict-init" ]; then
		mkdir -p "$_sg_dir" && sg_install_quietly $2 "$_sg_dir/strict-init" ||
			sg_die "cannot seal a copy with: $2" || return
		# the guard next to it, as in the default /strict
		install -m 0644 "$SG_REPO/build/libstrict-preload.so" "$_sg_dir/" || return
	fi
	printf -v "$1" '%s' "$_sg_dir"
}

# sg_gidcall_fixtures: for the lock and guard tests, /bin/gidcall (static
# musl, see fixtures/gidcall.c) and /data/only-50000, which only group 50000
# may read (owner 2000, mode 0040, on the read-only rootfs: root without
# CAP_DAC_OVERRIDE reads it only with 50000 as its fsgid or in its groups).
sg_gidcall_fixtures() {
	local root=$SG_IT_DIR/rootfs
	if [ ! -x "$root/bin/gidcall" ]; then
		musl-gcc -static -Os -o "$SG_IT_DIR/gidcall" "$SG_FIXTURES/gidcall.c" || return
		install -m 0755 "$SG_IT_DIR/gidcall" "$root/bin/gidcall" || return
	fi
	install -d -m 0755 "$root/data" &&
		printf 'only for group 50000\n' >"$root/data/only-50000" &&
		chown 2000:50000 "$root/data/only-50000" &&
		chmod 0040 "$root/data/only-50000"
}

# JSON without subshells (bats traces every command; forks are slow):
# sg_json_str VAR STRING and sg_json_array VAR STRING... set VAR.
sg_json_str() {
	local s=$2
	if [[ $s != *[\\\"$'\n\t\r']* ]]; then
		printf -v "$1" '"%s"' "$s"
		return
	fi
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\t'/\\t}
	s=${s//$'\r'/\\r}
	printf -v "$1" '"%s"' "$s"
}

sg_json_array() {
	local var=$1 acc='' sep='' item x
	shift
	for x; do
		sg_json_str item "$x"
		acc+=$sep$item
		sep=', '
	done
	printf -v "$var" '[%s]' "$acc"
}

# sg_bundle_write BUNDLE: config.json from the caller's locals user, caps,
# nnp, env, cwd, strict_dir, strict_opts, out_dir, out_opts and args (see
# sg_ctr).
sg_bundle_write() {
	local uid=${user%%:*} gid=${user#*:} gids=${user##*:} opts
	local j_caps j_args j_env j_cwd j_root j_strict j_opts j_out j_out_opts
	gid=${gid%%:*}
	case $caps in
	default) j_caps=$SG_DEFAULT_CAPS_JSON ;;
	no-dac-override) j_caps=${SG_DEFAULT_CAPS_JSON/\"CAP_DAC_OVERRIDE\", /} ;;
	none) j_caps='[]' ;;
	CAP_*)
		IFS=, read -r -a opts <<<"$caps"
		sg_json_array j_caps "${opts[@]}"
		;;
	*) sg_die "caps: default, no-dac-override, none or CAP_X[,CAP_Y...], not '$caps'" || return ;;
	esac
	IFS=, read -r -a opts <<<"$strict_opts"
	sg_json_array j_opts "${opts[@]}"
	IFS=, read -r -a opts <<<"$out_opts"
	sg_json_array j_out_opts "${opts[@]}"
	sg_json_array j_args "${args[@]}"
	sg_json_array j_env "${env[@]}"
	sg_json_str j_cwd "$cwd"
	sg_json_str j_root "$SG_IT_DIR/rootfs"
	sg_json_str j_strict "$strict_dir"
	sg_json_str j_out "$out_dir"
	mkdir -p "$1" || return
	printf '%s\n' >"$1/config.json" \
		'{' \
		'  "ociVersion": "1.0.2",' \
		'  "process": {' \
		'    "terminal": false,' \
		"    \"user\": {\"uid\": $uid, \"gid\": $gid, \"additionalGids\": [$gids]}," \
		"    \"args\": $j_args," \
		"    \"env\": $j_env," \
		"    \"cwd\": $j_cwd," \
		'    "capabilities": {' \
		"      \"bounding\": $j_caps," \
		"      \"effective\": $j_caps," \
		"      \"permitted\": $j_caps," \
		'      "inheritable": []' \
		'    },' \
		'    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],' \
		"    \"noNewPrivileges\": $nnp" \
		'  },' \
		"  \"root\": {\"path\": $j_root, \"readonly\": true}," \
		'  "hostname": "sg-it",' \
		'  "mounts": [' \
		'    {"destination": "/proc", "type": "proc", "source": "proc"},' \
		'    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",' \
		'     "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},' \
		'    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",' \
		'     "options": ["nosuid", "nodev", "mode=1777", "size=16m"]},' \
		"    {\"destination\": \"/strict\", \"type\": \"bind\", \"source\": $j_strict," \
		"     \"options\": $j_opts}," \
		"    {\"destination\": \"/out\", \"type\": \"bind\", \"source\": $j_out," \
		"     \"options\": $j_out_opts}" \
		'  ],' \
		'  "linux": {' \
		'    "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}],' \
		'    "maskedPaths": ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug"],' \
		'    "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]' \
		'  }' \
		'}'
}

# sg_ctr [OPTIONS] -- ARG...: run ARG... as a container's process with
# `runc run` in the foreground (stdin from /dev/null, stdout and stderr
# passed through) and return its exit status. The container is deleted
# afterwards.
#   -u UID:GID:GIDS  process.user, GIDS comma-separated  (default 1000:1000:1000,50000,60000)
#   -c CAPS          capability sets: default (containerd's), no-dac-override
#                    (the same without CAP_DAC_OVERRIDE: root then reads a
#                    file by its group bits), none, or a comma-separated
#                    list (CAP_SETGID as in deploy/pod.yaml)
#   -n true|false    process.noNewPrivileges              (default false)
#   -e NAME=VALUE    one more environment entry (repeatable; default PATH=/bin HOME=/)
#   -w DIR           process.cwd                           (default /)
#   -s DIR           host directory bind-mounted at /strict (default the installed copy)
#   -P OPTIONS       /strict holds a copy sealed with these install options instead
#   -d               detached (`runc run -d`): the container keeps running, its
#                    id in SG_CTR_ID, for sg_exec; deleted by the test's teardown
#   -o OPTS          its mount options, comma-separated     (default rbind,ro)
#   -O OPTS          /out's mount options                   (default rbind,rw,nosuid,nodev)
# The host directory SG_OUT (default SG_IT_DIR/out) is mounted at /out.
sg_ctr() {
	local user=$SG_ALICE_USER caps=default nnp=false cwd=/
	local strict_dir=$SG_IT_DIR/strict strict_opts=rbind,ro
	local out_dir=${SG_OUT:-$SG_IT_DIR/out} out_opts=rbind,rw,nosuid,nodev
	local env=(PATH=/bin HOME=/) args id bundle opt OPTIND rc=0 detach=
	while getopts u:c:n:e:w:s:o:O:P:d opt; do
		case $opt in
		P) sg_sealed_dir strict_dir "$OPTARG" || return ;;
		d) detach=1 ;;
		u) user=$OPTARG ;;
		c) caps=$OPTARG ;;
		n) nnp=$OPTARG ;;
		e) env+=("$OPTARG") ;;
		w) cwd=$OPTARG ;;
		s) strict_dir=$OPTARG ;;
		o) strict_opts=$OPTARG ;;
		O) out_opts=$OPTARG ;;
		*) sg_die "sg_ctr: unknown option" || return ;;
		esac
	done
	shift $((OPTIND - 1))
	args=("$@")
	[ ${#args[@]} -gt 0 ] || sg_die "sg_ctr: no process args" || return
	id="${SG_IT_DIR##*/}-$BASHPID-$RANDOM"
	bundle=$SG_IT_DIR/bundles/$id
	sg_bundle_write "$bundle" || return
	printf '%s\n' "$id" >>"$SG_IT_DIR/containers"
	if [ -n "$detach" ]; then
		SG_CTR_ID=$id
		timeout -k 5 60 runc --root "$SG_IT_DIR/runc" run -d --bundle "$bundle" "$id" \
			</dev/null >/dev/null 2>&1
		return
	fi
	timeout -k 5 60 runc --root "$SG_IT_DIR/runc" run --bundle "$bundle" "$id" \
		</dev/null || rc=$?
	sg_ctr_delete "$id"
	return $rc
}

# sg_exec ID ARG...: ARG... in the running container ID the way containerd's
# CRI runs `kubectl exec` (docs/design.md, "Processes that never pass the entrypoint"): the container's own process
# spec (user and merged groups, capabilities, no_new_privs, env, cwd) with
# other args; `runc exec` in the foreground, its exit status returned.
sg_exec() {
	local id=$1 proc=$SG_IT_DIR/bundles/$1/exec-process.json j_args
	shift
	sg_json_array j_args "$@"
	jq --argjson args "$j_args" '.process | .args = $args' \
		"$SG_IT_DIR/bundles/$id/config.json" >"$proc" || return
	timeout -k 5 60 runc --root "$SG_IT_DIR/runc" exec --process "$proc" "$id" </dev/null
}



# sg_capture CMD...: runs CMD; sets status, output and stderr (trailing
# newlines removed), lines and stderr_lines (empty lines kept).
sg_capture() {
	local out_file=$SG_IT_DIR/stdout.$BASHPID err_file=$SG_IT_DIR/stderr.$BASHPID
	status=0
	"$@" >"$out_file" 2>"$err_file" || status=$?
	output=$(<"$out_file")
	stderr=$(<"$err_file")
	mapfile -t lines <"$out_file"
	mapfile -t stderr_lines <"$err_file"
}

# ctr_run: sg_ctr for a test; exec_run ID ARG...: sg_exec for a test (both
# through sg_capture).
ctr_run() { sg_capture sg_ctr "$@"; }
exec_run() { sg_capture sg_exec "$@"; }

# `runc run` in the foreground removes its container when the process
# exits; one is left only when runc itself was killed (timeout).
sg_ctr_delete() {
	[ ! -d "$SG_IT_DIR/runc/$1" ] ||
		runc --root "$SG_IT_DIR/runc" delete -f "$1" >/dev/null 2>&1 || true
}

# Deletes every container this suite may have left (interrupted runs).
sg_containers_cleanup() {
	local id
	[ -f "$SG_IT_DIR/containers" ] || return 0
	while read -r id; do
		sg_ctr_delete "$id"
	done <"$SG_IT_DIR/containers"
	: >"$SG_IT_DIR/containers"
}

# Per-test setup and teardown for the .bats files.
sg_test_setup() {
	sg_require_prereqs || return
	[ -n "${SG_IT_DIR:-}" ] && [ -d "$SG_IT_DIR/rootfs" ] ||
		sg_die "fixtures missing: setup_suite.bash did not run" || return
	SG_OUT=$SG_IT_DIR/out/test-$BATS_SUITE_TEST_NUMBER
	rm -rf "$SG_OUT"
	mkdir -p "$SG_OUT" && chmod 1777 "$SG_OUT"
}

sg_test_teardown() {
	sg_containers_cleanup
}

# ---- assertions: each prints what the container did when it fails ----

sg_show_run() {
	printf '%s\n' "$*" "-- exit status: $status" "-- stdout:" "$output" \
		"-- stderr:" "$stderr" "--" >&2
	return 1
}

expect_status() {
	[ "$status" -eq "$1" ] || sg_show_run "expected exit status $1"
}

expect_stdout() {
	[ "$output" = "$1" ] || sg_show_run "expected stdout:" "$1"
}

expect_stderr() {
	[ "$stderr" = "$1" ] || sg_show_run "expected stderr:" "$1"
}

# stderr matches an extended regular expression.
expect_stderr_match() {
	[[ $stderr =~ $1 ]] || sg_show_run "expected stderr to match: $1"
}

# stderr is N lines, each prefixed "strict-init: ".
expect_strict_lines() {
	local line
	[ ${#stderr_lines[@]} -eq "$1" ] ||
		sg_show_run "expected $1 stderr line(s)" || return
	for line in "${stderr_lines[@]}"; do
		[[ $line == "strict-init: "* ]] ||
			sg_show_run "stderr line without the 'strict-init: ' prefix: $line" ||
			return
	done
}

expect_one_strict_line() {
	expect_strict_lines 1
}

# A refusal: exit 77, one line naming the forbidden gids ($1, as printed:
# "50000" or "0,50000"), nothing on stdout.
expect_refusal() {
	expect_status 77 || return
	expect_one_strict_line || return
	expect_stderr_match "^strict-init: refusing.*[^0-9,]$1[^0-9,]" || return
	expect_stdout ''
}

expect_no_file() {
	[ ! -e "$1" ] || sg_show_run "the command ran: $1 exists"
}
