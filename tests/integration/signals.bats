# Signals: strict-init execs in place, so a signal sent to the container
# (runc kill, as kubelet's StopContainer does) reaches the command itself,
# which is PID 1 with its own handlers.
load lib

setup() { sg_test_setup; }
teardown() { sg_test_teardown; }

# Starts the container in the background (sg_ctr), waits until the command
# wrote /out/ready, sends SIGNAL with runc kill, and collects the result.
#   run_and_signal SIGNAL -- ARG...
run_and_signal() {
	local sig=$1 id i
	shift 2
	sg_ctr -e STRICT_GROUPS=60000 -- "$@" >"$SG_OUT/stdout" 2>"$SG_OUT/stderr" &
	local pid=$!
	for i in $(seq 100); do
		[ -e "$SG_OUT/ready" ] && break
		sleep 0.1
	done
	[ -e "$SG_OUT/ready" ] || { kill "$pid"; sg_die "the command never got ready"; return; }
	id=$(tail -n 1 "$SG_IT_DIR/containers")
	runc --root "$SG_IT_DIR/runc" kill "$id" "$sig"
	status=0
	wait "$pid" || status=$?
	output=$(cat "$SG_OUT/stdout")
	stderr=$(cat "$SG_OUT/stderr")
}

HANDLER='trap "echo got TERM as \$\$; exit 3" TERM; id -G; touch /out/ready; while :; do sleep 0.1; done'

@test "signals: SIGTERM reaches the command's own handler, as PID 1, after the drop, as without strict-init" {
	# without strict-init: the reference
	run_and_signal TERM -- sh -c "$HANDLER"
	expect_status 3
	expect_stdout $'1000 50000 60000\ngot TERM as 1'
	rm -f "$SG_OUT/ready"
	# with it: the same handler, the same status, only 50000 gone
	run_and_signal TERM -- /strict/strict-init sh -c "$HANDLER"
	expect_status 3
	expect_stdout $'1000 60000\ngot TERM as 1'
	expect_stderr 'strict-init: dropped groups 50000'
}
