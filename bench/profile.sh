#!/bin/sh
# Where strict-init's start-up time goes (`make bench-profile`, as root).
#   bench/profile.sh DEBUG_BINARY BENCH_DIR "DRIVER ARGUMENTS"
# 1. User-space instructions from exec to the payload's execve, counted by
#    callgrind (deterministic), for the common path (uid 1000, groups
#    1000,50000; CAP_SETGID as an ambient capability stands in for the file
#    capability, which valgrind cannot carry) and the no-op path, sealed
#    with --groups=1000 as `make bench` seals its copy.
# 2. The system calls each measured command makes between its own execve
#    and the payload's (strace -f of the benchmark driver's --once mode,
#    identities and staging exactly as in `make bench`).
set -eu
bin=$1
dir=$2
args=$3
driver=$dir/driver
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Only a sealed copy drops groups for a non-root start: seal the debug build.
# valgrind refuses to run a file with a capability, so the copy loses it
# (the seal is in the file's contents and stays); CAP_SETGID comes as an
# ambient capability instead. Before the folder is opened to uid 1000 (for
# callgrind's output): install closes a folder others can write.
"$bin" install --groups=1000 "$work/strict-init.debug"
setcap -r "$work/strict-init.debug"
bin=$work/strict-init.debug
chmod 0777 "$work"

echo "== user-space instructions up to the payload's execve (callgrind)"
for path in common no-op; do
    case $path in
        common) held=1000,50000 ;;
        no-op) held=1000 ;;
    esac
    out=$work/callgrind.$path
    setpriv --reuid 1000 --regid 1000 --groups "$held" \
        --inh-caps +setgid --ambient-caps +setgid \
        env -i STRICT_GROUPS=1000 valgrind -q --tool=callgrind \
        --dump-before=execve --callgrind-out-file="$out" "$bin" /bin/true 2>/dev/null
    total=$(awk '/^totals:/ { print $2 }' "$out.1")
    echo "$path path: $total instructions; inclusive, the largest:"
    callgrind_annotate --inclusive=yes "$out.1" 2>/dev/null |
        awk '/file:function/ { on = 1; next } on && /\[/ { sub(/ \[.*\]$/, ""); print }' |
        grep -v -e '_start' -e 'below main' -e 'libc_start_main' -e '0x0000' |
        sed -n 1,12p | sed 's/^/    /'
done

echo
echo "== system calls between the command's execve and the payload's (strace -f)"
for name in "strict-init common" "strict-init no-op" "strict-init root-switch" \
    "floor" "floor+caps+nnp"; do
    # shellcheck disable=SC2086
    strace -f -o "$work/strace" "$driver" $args --once "$name" >/dev/null 2>&1
    awk '
        # the child that execs the staged command; then its calls until it
        # execs the payload
        !pid && /execve\("\/tmp\/strict-bench[^"]*\/(strict-init|strict-init-switch|floor|floor-full)"/ { pid = $1; next }
        pid && $1 == pid && /execve\(/ { exit }
        pid && $1 == pid {
            call = $2
            if (call ~ /^<\.\.\./) next
            sub(/\(.*/, "", call)
            if (call == "prctl") { op = $2; sub(/^prctl\(/, "", op); sub(/[,)].*/, "", op); call = call "(" op ")" }
            n[call]++; total++
        }
        END { for (c in n) print n[c], c; print total, "TOTAL" }' "$work/strace" |
        sort -rn | awk -v name="$name" '
            $2 == "TOTAL" { total = $1; next }
            { line = line sprintf("%s %d, ", $2, $1) }
            END { printf "%s: %d system calls: %s\n", name, total, substr(line, 1, length(line) - 2) }' |
        fold -s -w 100 | sed '2,$s/^/    /'
done
