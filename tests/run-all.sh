#!/bin/sh
# Runs the test suites and prints the closing line `N passed, N failed`.
#   tests/run-all.sh unit|integration|e2e|all
# Every suite speaks TAP. A skipped test counts as failed (nothing here is
# allowed to skip), and so do tests a suite planned but never reported
# (a crash), and a suite that exits non-zero with no failure reported.
set -u
cd "$(dirname "$0")/.."
which=${1:-all}
passed=0
failed=0
log=build/test-logs
mkdir -p "$log"

# tally NAME: reads TAP on stdin (echoing it), updates the counters.
tally() {
    name=$1
    out=$log/$name.tap
    tee "$out"
    set -- $(awk '
        /^1\.\.[0-9]+/ { split($0, p, "\\.\\."); plan += p[2] + 0 }
        /^ok / { if ($0 ~ /# [Ss][Kk][Ii][Pp]/) skip++; else ok++ }
        /^not ok / { bad++ }
        END { printf "%d %d %d %d\n", plan, ok, bad, skip }' "$out")
    plan=$1 ok=$2 bad=$3 skip=$4
    missing=$((plan - ok - bad - skip))
    [ "$missing" -lt 0 ] && missing=0
    [ "$skip" -gt 0 ] && echo "# $name: $skip skipped test(s) counted as failed"
    [ "$missing" -gt 0 ] && echo "# $name: $missing planned test(s) never reported, counted as failed"
    passed=$((passed + ok))
    failed=$((failed + bad + skip + missing))
}

# run_tap NAME CMD...: runs CMD, tallies its TAP, checks its exit status.
run_tap() {
    name=$1
    shift
    before=$failed
    { "$@"; echo $? > "$log/$name.rc"; } 2>"$log/$name.stderr" > "$log/$name.raw"
    tally "$name" < "$log/$name.raw"
    rc=$(cat "$log/$name.rc")
    if [ "$rc" != 0 ] && [ "$failed" = "$before" ]; then
        echo "# $name exited $rc without reporting a failure: counted as one failed test"
        sed 's/^/#   /' "$log/$name.stderr" | tail -20
        failed=$((failed + 1))
    fi
}

need_root() {
    if [ "$(id -u)" != 0 ]; then
        echo "not ok - $1 needs root (run: sudo make test)"
        failed=$((failed + 1))
        return 1
    fi
    return 0
}

if [ "$which" = unit ] || [ "$which" = all ]; then
    for t in build/unit/test_*; do
        [ -x "$t" ] || continue
        run_tap "unit-$(basename "$t")" "$t"
    done
fi
for suite in integration e2e; do
    if [ "$which" = "$suite" ] || [ "$which" = all ]; then
        if [ -d "tests/$suite" ] && need_root "$suite"; then
            run_tap "$suite" bats --tap "tests/$suite"
        fi
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
