#!/bin/bash
# `make demo` (as root): Kubernetes issue #112879 reproduced in runc, the
# same image and pod identity without strict-init and with it. Needs
# build/strict-init; reuses the integration suite's helpers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/lib.bash"

sg_require_prereqs
SG_IT_DIR=$(mktemp -d "$SG_REPO/build/sg-it-demo-XXXXXX")
trap 'sg_containers_cleanup; rm -rf "$SG_IT_DIR"' EXIT
sg_fixtures_build "$SG_IT_DIR"

cat <<'TEXT'
Image:  busybox; its /etc/group says  bypassed:x:50000:alice  (alice is uid 1000)
Pod:    runAsUser 1000, runAsGroup 1000, supplementalGroups [60000]
CRI:    containerd 1.x writes process.user = {"uid":1000,"gid":1000,"additionalGids":[1000,50000,60000]}
TEXT

printf '\nWithout strict-init (command: id): the image added group 50000 to the pod.\n'
without=$(sg_ctr -- id)
sed "s/^/  /" <<<"$without"

printf '\nWith strict-init (command: /strict/strict-init id; the copy was installed with\n'
printf '`strict-init install --groups=60000 /strict/strict-init`): only 1000 and 60000.\n'
with=$(sg_ctr -- /strict/strict-init id 2>&1)
sed "s/^/  /" <<<"$with"

# A demo that shows the wrong thing must not look like a success.
if [[ $without != *'50000(bypassed)'* || $with != *'groups=1000(alice),60000' ]]; then
	printf '\ndemo: unexpected result (see the lines above)\n' >&2
	exit 1
fi
