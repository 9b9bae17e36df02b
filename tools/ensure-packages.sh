#!/bin/sh
# Install the Debian packages named on the command line that are missing.
# Used by the Makefile so that `make` works on a fresh Debian 12 machine as root.
set -eu
missing=
for pkg in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case $status in
        *" installed") ;;
        *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "ensure-packages: missing Debian packages:$missing (run as root, or install them)" >&2
    exit 1
fi
echo "ensure-packages: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null; }
