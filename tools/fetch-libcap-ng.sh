#!/bin/sh
# Fetch Debian's libcap-ng source package into $1 (a directory under build/).
# Debian ships libcap-ng for glibc only; strict-init needs it built with musl-gcc.
# The apt sources are derived from this machine's own: same archives, Types: deb-src.
# No mirror is written anywhere in the repository.
set -eu
mkdir -p "$1"
dest=$(cd "$1" && pwd)
work=$dest/apt
rm -rf "$work"
mkdir -p "$work/sources.list.d" "$work/lists/partial" "$work/cache/archives/partial"

# deb822 files: turn "Types: deb" into "Types: deb-src".
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    sed -e 's/^Types:.*/Types: deb-src/' "$f" > "$work/sources.list.d/$(basename "$f")"
done
# one-line files: every "deb ..." line gains a "deb-src ..." twin.
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -n -e 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" >> "$work/sources.list"
done
touch "$work/sources.list"

APT_OPTS="-o Dir::Etc::SourceList=$work/sources.list -o Dir::Etc::SourceParts=$work/sources.list.d
 -o Dir::State::Lists=$work/lists -o Dir::Cache=$work/cache -o Debug::NoLocking=1"
# shellcheck disable=SC2086
apt-get -qq $APT_OPTS update
cd "$dest"
# shellcheck disable=SC2086
apt-get -qq $APT_OPTS source libcap-ng
