#!/bin/bash
# make lint (lint-mutants): every mutant of the lists given applies, as
# tests/mutate/run.sh applies it: its `from` fragment stands exactly once in
# its file. A rename or a reformatting that moves a fragment shows here at
# once, not as an ERROR line half an hour into `make mutate`.
#
#   tests/mutate/check-lists.sh LIST...
set -u
export LC_ALL=C
cd "$(dirname "$0")/../.." || exit 1
bad=0 total=0
for list; do
	name='' file='' lineno=0
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
		key=${line%%[[:space:]]*}
		value=${line#"$key"}
		value=${value#"${value%%[![:space:]]*}"}
		value=${value%"${value##*[![:space:]]}"}
		case $key in
		mutant) name=$value file='' ;;
		file) file=$value ;;
		from)
			total=$((total + 1))
			if [ ! -f "$file" ]; then
				echo "$list:$lineno: mutant $name: no file $file" >&2
				bad=$((bad + 1))
				continue
			fi
			content=$(<"$file")
			rest=${content//"$value"/}
			count=$(((${#content} - ${#rest}) / ${#value}))
			if [ "$count" != 1 ]; then
				echo "$list:$lineno: mutant $name: the fragment stands $count times in $file: $value" >&2
				bad=$((bad + 1))
			fi
			;;
		esac
	done <"$list"
done
if [ "$bad" != 0 ]; then
	echo "mutants: $bad of $total do not apply" >&2
	exit 1
fi
echo "mutants: all $total apply"
