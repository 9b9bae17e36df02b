#!/bin/bash
# make lint (lint-mutants): every mutant of the lists given applies, as
# tests/mutate/run.sh applies it: its `from` fragment stands exactly once in
# its file. A rename or a reformatting that moves a fragment shows here at
# once, not as an ERROR line half an hour into `make mutate`. The lists are
# read as run.sh reads them (tests/mutate/lists.bash).
#
#   tests/mutate/check-lists.sh LIST...
set -u
export LC_ALL=C
cd "$(dirname "$0")/../.." || exit 1

die() {
	echo "check-lists: $*" >&2
	exit 2
}

# shellcheck source=tests/mutate/lists.bash
. tests/mutate/lists.bash

for list; do
	parse_list "$list"
done
bad=0
for ((n = 0; n < ${#names[@]}; n++)); do
	if [ ! -f "${files[n]}" ]; then
		echo "mutant ${names[n]}: no file ${files[n]}" >&2
		bad=$((bad + 1))
		continue
	fi
	count=$(fragment_count "${files[n]}" "${froms[n]}")
	if [ "$count" != 1 ]; then
		echo "mutant ${names[n]}: the fragment stands $count times in ${files[n]}: ${froms[n]}" >&2
		bad=$((bad + 1))
	fi
done
if [ "$bad" != 0 ]; then
	echo "mutants: $bad of ${#names[@]} do not apply" >&2
	exit 1
fi
echo "mutants: all ${#names[@]} apply"
