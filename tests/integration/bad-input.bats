# Every malformed value is refused with 64, one "strict-init: " line that
# names the setting, and the command (touch /out/ran) never runs. One row a
# test: bad_env WHAT NAME=VALUE / bad_args WHAT STRICT-INIT-ARGS...
load lib

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

expect_usage_error() {
	expect_status 64
	expect_one_strict_line
	[[ $stderr == *"$1"* ]] || sg_show_run "expected stderr to name '$1'" || return
	expect_stdout ''
	expect_no_file "$SG_OUT/ran"
}

# bad_env WHAT NAME=VALUE: STRICT_GROUPS=60000 plus NAME=VALUE (replacing
# STRICT_GROUPS when NAME is STRICT_GROUPS).
bad_env() {
	local what=$1 setting=$2 base=(-e STRICT_GROUPS=60000)
	[[ $setting == STRICT_GROUPS=* ]] && base=()
	ctr_run "${base[@]}" -e "$setting" -- /strict/strict-init touch /out/ran
	expect_usage_error "$what"
}

# bad_args WHAT ARG...: strict-init ARG... with STRICT_GROUPS=60000.
bad_args() {
	local what=$1
	shift
	ctr_run -e STRICT_GROUPS=60000 -- /strict/strict-init "$@"
	expect_usage_error "$what"
}

@test "bad input: non-digit 'abc' in STRICT_GROUPS -> 64"      { bad_env STRICT_GROUPS STRICT_GROUPS=abc; }
@test "bad input: trailing garbage '60000x' -> 64"             { bad_env STRICT_GROUPS STRICT_GROUPS=60000x; }
@test "bad input: a space '60000, 1' -> 64"                    { bad_env STRICT_GROUPS 'STRICT_GROUPS=60000, 1'; }
@test "bad input: sign '+1' -> 64"                             { bad_env STRICT_GROUPS STRICT_GROUPS=+1; }
@test "bad input: sign '-1' -> 64"                             { bad_env STRICT_GROUPS STRICT_GROUPS=-1; }
@test "bad input: hex '0x10' -> 64"                            { bad_env STRICT_GROUPS STRICT_GROUPS=0x10; }
@test "bad input: empty element '1,,2' -> 64"                  { bad_env STRICT_GROUPS STRICT_GROUPS=1,,2; }
@test "bad input: empty element ',1' -> 64"                    { bad_env STRICT_GROUPS STRICT_GROUPS=,1; }
@test "bad input: empty element '1,' -> 64"                    { bad_env STRICT_GROUPS STRICT_GROUPS=1,; }
@test "bad input: gid 4294967295 ((gid_t)-1) -> 64"            { bad_env STRICT_GROUPS STRICT_GROUPS=60000,4294967295; }
@test "bad input: gid 4294967296 -> 64"                        { bad_env STRICT_GROUPS STRICT_GROUPS=4294967296; }
@test "bad input: overflow 99999999999999999999 -> 64"         { bad_env STRICT_GROUPS STRICT_GROUPS=99999999999999999999; }
@test "bad input: leading zero '060000' -> 64"                 { bad_env STRICT_GROUPS STRICT_GROUPS=060000; }
@test "bad input: --groups=abc names the option -> 64"         { bad_args --groups --groups=abc touch /out/ran; }
@test "bad input: unknown mode 'strict' -> 64"                 { bad_env STRICT_GROUPS_MODE STRICT_GROUPS_MODE=strict; }
@test "bad input: mode is case-sensitive 'Enforce' -> 64"      { bad_env STRICT_GROUPS_MODE STRICT_GROUPS_MODE=Enforce; }
@test "bad input: empty mode -> 64"                            { bad_env STRICT_GROUPS_MODE STRICT_GROUPS_MODE=; }
@test "bad input: USER without colon '1000' -> 64"             { bad_env STRICT_GROUPS_USER STRICT_GROUPS_USER=1000; }
@test "bad input: USER non-numeric uid 'alice:1000' -> 64"     { bad_env STRICT_GROUPS_USER STRICT_GROUPS_USER=alice:1000; }
@test "bad input: USER non-numeric gid '1000:alice' -> 64"     { bad_env STRICT_GROUPS_USER STRICT_GROUPS_USER=1000:alice; }
@test "bad input: USER missing gid '1000:' -> 64"              { bad_env STRICT_GROUPS_USER STRICT_GROUPS_USER=1000:; }
@test "bad input: USER missing uid ':1000' -> 64"              { bad_env STRICT_GROUPS_USER STRICT_GROUPS_USER=:1000; }
@test "bad input: USER three parts '1000:1000:1000' -> 64"     { bad_env STRICT_GROUPS_USER STRICT_GROUPS_USER=1000:1000:1000; }
@test "bad input: USER sign '-1:1000' -> 64"                   { bad_env STRICT_GROUPS_USER STRICT_GROUPS_USER=-1:1000; }
@test "bad input: USER gid 4294967295 -> 64"                   { bad_env STRICT_GROUPS_USER STRICT_GROUPS_USER=1000:4294967295; }
@test "bad input: NO_NEW_PRIVS 'yes' -> 64"                    { bad_env STRICT_GROUPS_NO_NEW_PRIVS STRICT_GROUPS_NO_NEW_PRIVS=yes; }
@test "bad input: empty NO_NEW_PRIVS -> 64"                    { bad_env STRICT_GROUPS_NO_NEW_PRIVS STRICT_GROUPS_NO_NEW_PRIVS=; }
@test "bad input: GID non-numeric -> 64"                       { bad_env STRICT_GROUPS_GID STRICT_GROUPS_GID=alice; }
@test "bad input: GID leading zero '01000' -> 64"              { bad_env STRICT_GROUPS_GID STRICT_GROUPS_GID=01000; }
@test "bad input: unknown long option --bogus -> 64"           { bad_args --bogus --bogus touch /out/ran; }
@test "bad input: unknown short option -x -> 64"               { bad_args -x -x touch /out/ran; }
@test "bad input: option without its value (--groups last) -> 64" { bad_args --groups --groups; }
@test "bad input: the same option twice -> 64"                 { bad_args --groups --groups=60000 --groups=60000 touch /out/ran; }
@test "bad input: no COMMAND after options -> 64"              { bad_args COMMAND --groups=60000; }
@test "bad input: no COMMAND after '--' -> 64"                 { bad_args COMMAND --; }
@test "bad input: empty COMMAND -> 64"                         { bad_args COMMAND ''; }
@test "bad input: install with two operands -> 64"             { bad_args install install /out/a /out/ran; }
@test "bad input: preload path without a slash -> 64"          { bad_env absolute STRICT_GROUPS_PRELOAD=libstrict-preload.so; }
@test "bad input: relative preload path -> 64"                 { bad_env absolute STRICT_GROUPS_PRELOAD=strict/libstrict-preload.so; }
@test "bad input: preload path with \$LIB -> 64"                { bad_env "'\$'" 'STRICT_GROUPS_PRELOAD=/strict/$LIB/g.so'; }

# A copy without a seal checks combinations and requirements itself.
bad_unsealed() {
	local what=$1
	shift
	ctr_run -s "$SG_IT_DIR/strict-unsealed" "$@" touch /out/ran
	expect_usage_error "$what"
}

@test "bad input: STRICT_GROUPS_USER with mode audit -> 64"    { bad_unsealed STRICT_GROUPS_USER -e STRICT_GROUPS=60000 -- /strict/strict-init --mode=audit --user=1000:1000; }
@test "bad input: no seal and STRICT_GROUPS missing -> 64, the command does not run" { bad_unsealed STRICT_GROUPS -- /strict/strict-init; }

@test "bad input: install without --groups -> 64, nothing written" {
	# the installer (no seal): a sealed copy given no option installs its own seal
	ctr_run -u 0:0:0 -s "$SG_IT_DIR/strict-unsealed" -- /strict/strict-init install /out/strict-init
	expect_usage_error 'install: --groups is required'
	expect_no_file "$SG_OUT/strict-init"
}

@test "bad input: install with more settings than a seal holds -> 64, naming the limit" {
	local list
	list=$( { seq 1000000000 1000000400; } | paste -sd,)
	ctr_run -u 0:0:0 -- /strict/strict-init install "--groups=$list" /out/strict-init
	expect_usage_error 'a sealed copy holds at most 4056'
	expect_no_file "$SG_OUT/strict-init"
}

@test "valid input: gid 0 and 4294967294 are accepted" {
	ctr_run -P "--groups=0,4294967294,60000" -- /strict/strict-init id -G
	expect_status 0
	expect_stdout '1000 60000'
}

@test "valid input: empty STRICT_GROUPS means the primary gid only" {
	ctr_run -P "--groups=" -- /strict/strict-init id -G
	expect_status 0
	expect_stdout '1000'
	expect_stderr 'strict-init: dropped groups 50000,60000'
}

@test "valid input: a seal holds 360 gids of ten digits" {
	local list
	list=$( { seq 1000000000 1000000358; echo 60000; } | paste -sd,)
	ctr_run -P "--groups=$list" -- /strict/strict-init id -G
	expect_status 0
	expect_stdout '1000 60000'
	expect_stderr 'strict-init: dropped groups 50000'
}

@test "valid input: a list of 20000 gids (about 120 KB in one variable) is accepted at a root start" {
	local list
	list=$( { seq 10000 29999; echo 60000; } | paste -sd,)
	[ ${#list} -gt 120000 ]
	ctr_run -u 0:0:0,50000,60000 -s "$SG_IT_DIR/strict-unsealed" -e "STRICT_GROUPS=$list" -- \
		/strict/strict-init id -G
	expect_status 0
	expect_stdout '0 60000'
	expect_stderr 'strict-init: dropped groups 50000'
}
