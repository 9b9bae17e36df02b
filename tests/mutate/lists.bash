# The mutant lists' format, read by tests/mutate/run.sh (make mutate) and
# tests/mutate/check-lists.sh (make lint). Sourced; the caller defines
# die MESSAGE (exits).

# Blocks separated by blank lines; '#' starts a comment line. Keys:
#   mutant NAME / file PATH / from FRAGMENT / to REPLACEMENT (may be empty)
#   tests ITEM... (unit/test_x, integration/x.bats[:REGEX],
#   webhook/x.bats[:REGEX]) / survives REASON
# kinds[n]: strict-init or webhook, by the list's name.
names=() files=() froms=() tos=() firsts=() survives=() kinds=()
parse_list() {
	local list=$1 kind=strict-init line key value n=${#names[@]} lineno=0 first=${#names[@]}
	[[ ${list##*/} == *webhook* ]] && kind=webhook
	n=$((n - 1))
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
		key=${line%%[[:space:]]*}
		value=${line#"$key"}
		value=${value#"${value%%[![:space:]]*}"}
		value=${value%"${value##*[![:space:]]}"}
		case $key in
		mutant)
			n=$((n + 1))
			names[n]=$value files[n]='' froms[n]='' tos[n]='' firsts[n]='' survives[n]=''
			kinds[n]=$kind
			;;
		file) files[n]=$value ;;
		from) froms[n]=$value ;;
		to) tos[n]=$value ;;
		tests) firsts[n]=$value ;;
		survives) survives[n]=$value ;;
		*) die "$list:$lineno: unknown key '$key'" ;;
		esac
		[ "$n" -ge "$first" ] || die "$list:$lineno: '$key' before the first 'mutant'"
	done <"$list"
	for ((n = first; n < ${#names[@]}; n++)); do
		[ -n "${names[n]}" ] && [ -n "${files[n]}" ] && [ -n "${froms[n]}" ] ||
			die "$list: mutant '${names[n]}' needs file and from"
	done
}

# fragment_count FILE FRAGMENT: how many times FRAGMENT stands in FILE (a
# mutant applies when it is once).
fragment_count() {
	local content rest
	content=$(<"$1")
	rest=${content//"$2"/}
	echo $(((${#content} - ${#rest}) / ${#2}))
}
