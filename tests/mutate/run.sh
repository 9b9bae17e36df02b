#!/bin/bash
# Mutation testing (make mutate): does each one-line change to strict-init,
# the guard, the lock or the webhook's security decisions make a test fail?
#
#   tests/mutate/run.sh [NAME...]     every mutant of the lists, or these
#
# The lists: tests/mutate/mutants (strict-init, the guard, the lock: run
# against the unit and integration suites) and tests/mutate/webhook-mutants
# (the webhook's pure core, its flags, the review: run against the webhook's
# unit tests and tests/webhook/10-review.bats and 40-manifests.bats, the
# reviews over HTTPS). A list whose file name has "webhook" in it is of the
# second kind.
#
# As root, after `make`. A copy of the tree is built once unchanged and must
# pass the unit and integration suites (the baseline). Then, per mutant:
# the copy with the one change, built; the test files the mutant names
# first, then every other unit test and integration file, stopping at the
# first failing test (killed) or after all passed (survived). One line per
# mutant; then `webhook mutants: K killed of N` when the webhook's list ran,
# and the last line is `mutants: K killed of N`, every list together.
#
# Exit status 0 when every mutant applied and built, every survivor is one
# the list expects (`survives REASON`) and every such one survived. The
# e2e suite is not run (minutes per mutant; everything it shows about
# strict-init's decisions the integration suite shows in runc, and about
# the webhook's the reviews over HTTPS show).
#
# Environment: MUTATE_BASELINE=0 skips the baseline (when iterating on the
# list); MUTATE_LIST names other lists (space-separated). MUTATE_ALL_TESTS=1 runs every test
# of every mutant (no stop at the first failure) and ends with the tests
# that passed under every mutant run: for tests/mutate/decisions, the tests
# that pass whatever strict-init decides (make mutate-controls).
set -u
shopt -u patsub_replacement 2>/dev/null # bash 5.2: '&' in ${x/a/b} is literal
export LC_ALL=C
cd "$(dirname "$0")/../.." || exit 1
repo=$PWD
lists=${MUTATE_LIST:-tests/mutate/mutants tests/mutate/webhook-mutants}
work=$repo/build/mutate
tree=$work/tree
logs=$work/logs
all_tests=${MUTATE_ALL_TESTS:-}
[ "$all_tests" != 0 ] || all_tests=''

die() {
	echo "mutate: $*" >&2
	exit 2
}

[ "$(id -u)" = 0 ] || die "run as root (the integration suite needs runc)"
[ -f build/libcap-ng/libcap-ng.a ] && [ -f build/kernel-headers/.stamp ] ||
	die "run make first (build/libcap-ng and build/kernel-headers are reused)"
git rev-parse --git-dir >/dev/null 2>&1 || die "not a git checkout"

# ---- the list ----

# shellcheck source=tests/mutate/lists.bash
. tests/mutate/lists.bash

# ---- the copy of the tree ----

MAKE_ARGS=(-s -o build/libcap-ng/libcap-ng.a -o build/kernel-headers/.stamp
	-o build/.deps-build -o build/.deps-test -o build/.deps-webhook -o build/.deps-registry)
UNIT_TESTS=()
INTEGRATION_FILES=()
# the webhook's: its unit tests and the reviews over HTTPS
WEBHOOK_UNIT_TESTS=()
WEBHOOK_FILES=(webhook/10-review.bats webhook/40-manifests.bats)

prepare_tree() {
	local t
	rm -rf "$work"
	mkdir -p "$tree/build" "$logs" "$work/baseline" "$work/pristine" || exit 2
	git ls-files -z -co --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		xargs -0 cp -a --parents -t "$tree" || die "cannot copy the tree"
	# libcap-ng (from Debian's source package) and the kernel headers are
	# reused, never rebuilt (make -o): a mutant does not touch them.
	cp -a build/libcap-ng build/kernel-headers "$tree/build/" || exit 2
	touch -d 2000-01-01 "$tree/build/.deps-build" "$tree/build/.deps-test" \
		"$tree/build/.deps-webhook" "$tree/build/.deps-registry"
	# the HTTPS suite's client (npm ci would fetch it again)
	if [ -d tests/webhook/node_modules ]; then
		cp -a tests/webhook/node_modules "$tree/tests/webhook/" || exit 2
	fi
	for t in "$tree"/tests/unit/test_*.c; do
		t=${t##*/}
		UNIT_TESTS+=("unit/${t%.c}")
		[[ $t == test_webhook_* ]] && WEBHOOK_UNIT_TESTS+=("unit/${t%.c}")
	done
	for t in "$tree"/tests/integration/*.bats; do
		INTEGRATION_FILES+=("integration/${t##*/}")
	done
}

build_tree() {
	make -C "$tree" -j"$(nproc)" "${MAKE_ARGS[@]}" all webhook "${UNIT_TESTS[@]/#unit\//build/unit/}" \
		>"$1" 2>&1
}

# ---- running tests until one fails ----

# Removes what a killed integration run left: its containers and fixtures.
cleanup_suite() {
	local d id
	for d in "$tree"/build/sg-it-*; do
		[ -d "$d" ] || continue
		if [ -d "$d/runc" ]; then
			for id in $(runc --root "$d/runc" list -q 2>/dev/null); do
				runc --root "$d/runc" delete -f "$id" >/dev/null 2>&1
			done
		fi
		rm -rf "$d"
	done
}

# run_tap LOG CMD...: runs CMD (in a session of its own), copying its TAP to
# LOG; at the first failed test kills the whole session. Sets failed_test
# to that line (empty when none failed) and ran to the number of tests
# planned, and returns 1 on a failure, also when CMD exited non-zero or
# reported fewer tests than it planned.
run_tap() {
	local out=$1 fifo=$work/tap.fifo line pid rc planned=0 seen=0
	shift
	failed_test=''
	rm -f "$fifo"
	mkfifo "$fifo" || exit 2
	setsid "$@" >"$fifo" 2>>"$out.stderr" &
	pid=$!
	running=$pid
	while IFS= read -r line; do
		printf '%s\n' "$line" >>"$out"
		case $line in
		1..*) planned=$((planned + ${line#1..})) ;;
		"ok "* | "not ok "*)
			seen=$((seen + 1))
			if [[ $line == "not ok "* && ! $line =~ \#\ [Ss][Kk][Ii][Pp] ]]; then
				[ -n "$failed_test" ] || failed_test=$line
				[ -n "$all_tests" ] || break
			fi
			;;
		esac
	done <"$fifo"
	if [ -n "$failed_test" ] && [ -z "$all_tests" ]; then
		kill -TERM -- "-$pid" 2>/dev/null
		sleep 1
		kill -KILL -- "-$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		running=''
		ran=$planned
		rm -f "$fifo"
		cleanup_suite
		return 1
	fi
	wait "$pid"
	rc=$?
	running=''
	ran=$planned
	rm -f "$fifo"
	cleanup_suite
	if [ -z "$failed_test" ] && { [ "$rc" != 0 ] || [ "$seen" -lt "$planned" ]; }; then
		failed_test="(exited $rc after $seen of $planned tests)"
	fi
	[ -z "$failed_test" ]
}

# run_item LOG ITEM: one unit test program, or integration files with an
# optional -f filter (integration/a.bats:REGEX).
run_item() {
	local out=$1 item=$2 regex
	case $item in
	unit/*)
		run_tap "$out" "$tree/build/unit/${item#unit/}"
		;;
	integration/*:* | webhook/*:*)
		regex=${item#*:}
		item=${item%%:*}
		run_tap "$out" bats --tap -f "$regex" "$tree/tests/$item"
		;;
	integration/* | webhook/*)
		run_tap "$out" bats --tap "$tree/tests/$item"
		;;
	*) die "unknown test item '$item'" ;;
	esac
}

# failed ITEM: records the first failure; whether to stop here.
failed() {
	[ -n "$killed_by" ] || killed_by="$1: $failed_test"
	[ -z "$all_tests" ]
}

# run_suites KIND LOG FIRST...: the items first, one run each; then every
# other unit test, then every other integration file in one run (of that
# kind's suites). Sets killed_by (empty when every test passed); returns 2
# (bad_item set) when one of the items runs no test: the list is stale.
run_suites() {
	local kind=$1 out=$2 item rest=() done_items=" " rc units files
	shift 2
	killed_by=''
	if [ "$kind" = webhook ]; then
		units=("${WEBHOOK_UNIT_TESTS[@]}") files=("${WEBHOOK_FILES[@]}")
	else
		units=("${UNIT_TESTS[@]}") files=("${INTEGRATION_FILES[@]}")
	fi
	for item; do
		done_items+="$item "
		run_item "$out" "$item"
		rc=$?
		if [ "$ran" = 0 ]; then
			bad_item="$item plans no test${failed_test:+ $failed_test}"
			return 2
		fi
		[ "$rc" = 0 ] || ! failed "$item" || return 1
	done
	for item in "${units[@]}"; do
		[[ $done_items == *" $item "* ]] && continue
		run_item "$out" "$item" || ! failed "$item" || return 1
	done
	for item in "${files[@]}"; do
		[[ $done_items == *" $item "* ]] || rest+=("$tree/tests/$item")
	done
	if [ ${#rest[@]} -gt 0 ]; then
		run_tap "$out" bats --tap "${rest[@]}" || failed "${files[0]%%/*}"
	fi
	[ -z "$killed_by" ]
}

# The integration tests that passed in LOG (TAP), one name a line, sorted
# (cmocka writes "ok N - name", bats "ok N name").
passed_tests() {
	sed -n 's/^ok [0-9]* //p' "$1" | grep -v -e '^- ' -e '# [Ss][Kk][Ii][Pp]' | sort -u
}

# missing_item ITEM...: the first item that names no test file, if any.
missing_item() {
	local item path
	for item; do
		case $item in
		unit/*) path=$tree/tests/$item.c ;;
		integration/* | webhook/*) path=$tree/tests/${item%%:*} ;;
		*) path='' ;;
		esac
		[ -n "$path" ] && [ -f "$path" ] || {
			echo "$item"
			return
		}
	done
}

# ---- applying a mutant ----

# apply N: the file in the copy with the fragment replaced; 1 when the
# fragment is not there exactly once.
apply() {
	local n=$1 path=$tree/${files[$1]} content
	[ -f "$path" ] && [ "$(fragment_count "$path" "${froms[n]}")" = 1 ] || return 1
	content=$(<"$path")
	printf '%s\n' "${content/"${froms[n]}"/"${tos[n]}"}" >"$path"
}

# The file as the tree had it, before any mutant (kept at the first change).
restore() {
	cp "$work/pristine/$1" "$tree/$1" && touch "$tree/$1"
}

keep_pristine() {
	[ -e "$work/pristine/$1" ] || (cd "$tree" && cp -a --parents "$1" "$work/pristine/")
}

same_binaries() {
	if [ "$1" = webhook ]; then
		cmp -s "$tree/build/strict-groups-webhook" "$work/baseline/strict-groups-webhook"
		return
	fi
	cmp -s "$tree/build/strict-init" "$work/baseline/strict-init" &&
		cmp -s "$tree/build/libstrict-preload.so" "$work/baseline/libstrict-preload.so"
}

# ---- main ----

for list in $lists; do
	parse_list "$list"
done
selected=()
if [ $# -gt 0 ]; then
	for want; do
		found=''
		for ((n = 0; n < ${#names[@]}; n++)); do
			[ "${names[n]}" = "$want" ] && selected+=("$n") && found=1
		done
		[ -n "$found" ] || die "no mutant named '$want' in $lists"
	done
else
	for ((n = 0; n < ${#names[@]}; n++)); do selected+=("$n"); done
fi

running='' ran=0 bad_item='' previous=''
on_signal() {
	[ -z "$running" ] || kill -KILL -- "-$running" 2>/dev/null
	cleanup_suite
	[ -z "$previous" ] || restore "$previous"
	echo "mutate: interrupted" >&2
	exit 130
}
trap on_signal INT TERM HUP

prepare_tree
start=$SECONDS
build_tree "$logs/baseline.build" || die "the unchanged tree does not build: $logs/baseline.build"
cp "$tree/build/strict-init" "$tree/build/libstrict-preload.so" \
	"$tree/build/strict-groups-webhook" "$work/baseline/"
if [ "${MUTATE_BASELINE:-1}" != 0 ]; then
	for kind in strict-init webhook; do
		[[ " ${kinds[*]} " == *" $kind "* ]] || continue
		if ! run_suites "$kind" "$logs/baseline-$kind.tap"; then
			die "the unchanged tree fails its tests ($killed_by); see $logs/baseline-$kind.tap"
		fi
		echo "baseline: the $kind suites pass unchanged ($((SECONDS - start)) s)"
	done
fi

killed=0 total=0 errors=0 unexpected=0 wh_killed=0 wh_total=0
for n in "${selected[@]}"; do
	name=${names[n]} file=${files[n]} t0=$SECONDS
	out=$logs/$name
	[ -z "$previous" ] || restore "$previous"
	previous=$file
	keep_pristine "$file" 2>/dev/null
	if ! apply "$n"; then
		printf '%-9s %-28s %s: the fragment is not there exactly once: %s\n' \
			'ERROR' "$name" "$file" "${froms[n]}"
		errors=$((errors + 1))
		continue
	fi
	if ! build_tree "$out.build"; then
		printf '%-9s %-28s %s: does not build (%s)\n' 'ERROR' "$name" "$file" "$out.build"
		errors=$((errors + 1))
		continue
	fi
	note=''
	if same_binaries "${kinds[n]}"; then
		note=' [strict-init and the guard unchanged]'
		[ "${kinds[n]}" = webhook ] && note=' [the webhook unchanged]'
	fi
	read -r -a first <<<"${firsts[n]}"
	missing=$(missing_item "${first[@]}")
	if [ -n "$missing" ]; then
		printf '%-9s %-28s %s: names a test that does not exist: %s\n' 'ERROR' \
			"$name" "$file" "$missing"
		errors=$((errors + 1))
		continue
	fi
	run_suites "${kinds[n]}" "$out.tap" "${first[@]}"
	case $? in
	2)
		printf '%-9s %-28s %s: %s\n' 'ERROR' "$name" "$file" "$bad_item"
		errors=$((errors + 1))
		continue
		;;
	esac
	total=$((total + 1))
	[ "${kinds[n]}" = webhook ] && wh_total=$((wh_total + 1))
	passed_tests "$out.tap" 2>/dev/null >"$out.passed"
	if [ -z "$killed_by" ]; then
		if [ -n "${survives[n]}" ]; then
			printf '%-9s %-28s %s (%d s)%s: expected: %s\n' 'survived' "$name" "$file" \
				$((SECONDS - t0)) "$note" "${survives[n]}"
		else
			printf '%-9s %-28s %s (%d s)%s: no test failed\n' 'SURVIVED' "$name" "$file" \
				$((SECONDS - t0)) "$note"
			unexpected=$((unexpected + 1))
		fi
	else
		killed=$((killed + 1))
		[ "${kinds[n]}" = webhook ] && wh_killed=$((wh_killed + 1))
		if [ -n "${survives[n]}" ]; then
			printf '%-9s %-28s %s (%d s): listed as surviving, killed by %s\n' 'ERROR' \
				"$name" "$file" $((SECONDS - t0)) "$killed_by"
			errors=$((errors + 1))
		else
			printf '%-9s %-28s %s (%d s) by %s\n' 'killed' "$name" "$file" \
				$((SECONDS - t0)) "$killed_by"
		fi
	fi
done
[ -z "$previous" ] || restore "$previous"
if [ -n "$all_tests" ] && [ "$total" -gt 0 ]; then
	common=$work/passed-under-all
	cp "$logs/${names[${selected[0]}]}.passed" "$common"
	for n in "${selected[@]}"; do
		[ -f "$logs/${names[n]}.passed" ] || continue
		comm -12 "$common" "$logs/${names[n]}.passed" >"$common.new"
		mv "$common.new" "$common"
	done
	echo "integration tests passed under every mutant run ($(wc -l <"$common")):"
	sed 's/^/  /' "$common"
fi
echo "time: $((SECONDS - start)) s; logs in $logs"
[ "$errors" = 0 ] || echo "$errors mutant(s) did not apply or build, or are listed wrongly"
[ "$unexpected" = 0 ] || echo "$unexpected mutant(s) survived that the list does not expect to"
[ "$wh_total" = 0 ] || echo "webhook mutants: $wh_killed killed of $wh_total"
echo "mutants: $killed killed of $total"
[ "$errors" = 0 ] && [ "$unexpected" = 0 ]
