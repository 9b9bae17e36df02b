#!/bin/sh
# Runs the test suites and prints the closing line
# `N passed, N failed, N skipped`.
#   tests/run-all.sh unit|registry|integration|e2e|webhook|all
# Every suite speaks TAP. A test that skips (a check this machine's kernel
# cannot show, found out by trying) is counted as skipped, never as passed,
# and is listed with its reason before the closing line. Tests a suite
# planned but never reported (a crash), and a suite that exits non-zero
# with no failure reported, count as failed.
set -u
cd "$(dirname "$0")/.."
which=${1:-all}
passed=0
failed=0
skipped=0
log=build/test-logs
mkdir -p "$log"
: >"$log/skips"

# tally NAME: reads TAP on stdin (echoing it), updates the counters and
# appends each skip, with its reason, to $log/skips. A skip is an "ok" or
# "not ok" line with a "# SKIP" directive (cmocka 1.1 writes "not ok N #
# SKIP"); cmocka's reason is the "# skip reason:" comment the test printed
# just before it.
tally() {
    name=$1
    out=$log/$name.tap
    tee "$out"
    set -- $(awk -v name="$name" -v skips="$log/skips" '
        /^1\.\.[0-9]+/ { split($0, p, "\\.\\."); plan += p[2] + 0 }
        /^# skip reason:/ { reason = substr($0, 16); next }
        /^(not )?ok .*# [Ss][Kk][Ii][Pp]/ {
            skip++
            line = $0; sub(/^(not )?ok /, "", line)
            print "# skipped: " name ": " line (reason != "" ? " (" reason ")" : "") >> skips
            reason = ""; next }
        /^ok / { ok++; reason = "" }
        /^not ok / { bad++; reason = "" }
        END { printf "%d %d %d %d\n", plan, ok, bad, skip }' "$out")
    plan=$1 ok=$2 bad=$3 skip=$4
    missing=$((plan - ok - bad - skip))
    [ "$missing" -lt 0 ] && missing=0
    [ "$missing" -gt 0 ] && echo "# $name: $missing planned test(s) never reported, counted as failed"
    passed=$((passed + ok))
    skipped=$((skipped + skip))
    failed=$((failed + bad + missing))
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
# The image lookup against real registries (tests/registry): no root needed.
if [ "$which" = registry ] || [ "$which" = all ]; then
    run_tap registry bats --tap tests/registry
fi
for suite in integration e2e webhook; do
    if [ "$which" = "$suite" ] || [ "$which" = all ]; then
        if [ -d "tests/$suite" ] && need_root "$suite"; then
            run_tap "$suite" bats --tap "tests/$suite"
        fi
    fi
done

cat "$log/skips"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
