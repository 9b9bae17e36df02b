#!/bin/sh
# mkrootfs.sh DIR: a busybox-static root filesystem for the e2e images.
#
# Its /etc/group lists alice (uid 1000) in group 50000 ("bypassed"): the
# image author's way to give their process a group the pod never asked for.
# This is what containerd's CRI (and docker with --user 1000) merge into the
# container's supplementary groups (Kubernetes issue #112879).
set -eu
dir=$1
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || { echo "mkrootfs: $busybox missing (Debian package busybox-static)" >&2; exit 69; }
if ! "$busybox" --list >/dev/null 2>&1; then
    echo "mkrootfs: $busybox is not a busybox binary" >&2; exit 69
fi
# It runs inside images that have no libc: it must be the static build.
if readelf -l "$busybox" 2>/dev/null | grep -q INTERP; then
    echo "mkrootfs: $busybox is dynamically linked (install busybox-static)" >&2; exit 69
fi
rm -rf "$dir"
mkdir -p "$dir/bin" "$dir/etc" "$dir/root" "$dir/home/alice" "$dir/tmp" \
    "$dir/proc" "$dir/sys" "$dir/dev"
chmod 0755 "$dir" "$dir/bin" "$dir/etc" "$dir/home" "$dir/home/alice" \
    "$dir/proc" "$dir/sys" "$dir/dev"
chmod 0700 "$dir/root"
chmod 1777 "$dir/tmp"
cp "$busybox" "$dir/bin/busybox"
chmod 0755 "$dir/bin/busybox"
for applet in $("$busybox" --list | LC_ALL=C sort); do
    [ "$applet" = busybox ] || ln -s busybox "$dir/bin/$applet"
done
cat > "$dir/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
alice:x:1000:1000:alice:/home/alice:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > "$dir/etc/group" <<'GROUP'
root:x:0:
alice:x:1000:
bypassed:x:50000:alice
nogroup:x:65534:
GROUP
chmod 0644 "$dir/etc/passwd" "$dir/etc/group"
