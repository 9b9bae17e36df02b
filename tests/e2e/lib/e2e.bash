# Helper library of the e2e suite: private daemons, test images, the CRI
# client, assertions. Loaded by setup_suite.bash and by every .bats file.
#
# Everything the suite starts lives under one directory, $E2E_ROOT
# (E2E_TMPDIR, default /var/tmp, must allow setuid/file capabilities:
# kubelet's emptyDir lives on such a disk too), and one cgroup name,
# $E2E_CGROUP. The daemons are stopped by the PIDs recorded there.

E2E_DIR=${E2E_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
REPO_ROOT=${REPO_ROOT:-$(cd "$E2E_DIR/../.." && pwd)}
DOCKER_BIN=/usr/bin/docker # Debian's client; another `docker` may come first in PATH
CTR_BIN=/usr/bin/ctr
# Image names inside the suite. The manifests in deploy/ name the app image
# your-app:1.0; the suite runs them with the test image instead.
E2E_BUSYBOX=sg-e2e-busybox:1
E2E_APP=sg-e2e-app:1
# The busybox image again, with an image ENV that tries to switch
# strict-init off: what a hostile image author would ship.
E2E_HOSTILE=sg-e2e-hostile:1
# The policy image (`make policy-image`): a sealed copy (--groups=60000
# --mode=enforce) with its file capability, for the image-volume wiring;
# under its docker name and the name CRI resolves.
E2E_POLICY=strict-groups-policy:60000
E2E_POLICY_CRI=localhost/strict-groups-policy:60000
MANIFEST_APP_IMAGE=your-app:1.0

e2e_log() { echo "# $*" >&3 2>/dev/null || echo "# $*" >&2; }

e2e_die() {
    echo "e2e: $*" >&2
    return 1
}

e2e_require() {
    local tool
    [ "$(id -u)" = 0 ] || e2e_die "the e2e suite must run as root (containerd, dockerd, file capabilities)" || return 1
    for tool in containerd "$CTR_BIN" runc dockerd "$DOCKER_BIN" node jq tar sha256sum getcap busybox mountpoint \
        docker-registry skopeo openssl; do
        command -v "$tool" >/dev/null ||
            e2e_die "$tool not found: run \`make e2e-deps\` (tests/e2e/e2e.mk)" || return 1
    done
}

# --- the CRI containerd ------------------------------------------------------

containerd_start() {
    local d=$E2E_ROOT/containerd
    mkdir -p "$d"
    cat > "$d/config.toml" <<EOF
# Private containerd for the strict-groups e2e suite: own root, state,
# socket, runc state; the CRI plugin with runc v2 and host-network pods.
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$E2E_CTD_SOCK"

[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"

[plugins."io.containerd.grpc.v1.cri"]
  # The pause container: the busybox test image (its command sleeps),
  # imported offline.
  sandbox_image = "$E2E_BUSYBOX"
  # CAP_SYS_RESOURCE is missing from every bounding set on this machine kind:
  # without this, raising oom_score_adj fails every container.
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$d/cni/bin"
    conf_dir = "$d/cni/conf"
  # The suite's registries (e2e_registry_start): the test CA per host in
  # certs.d/HOST:PORT/hosts.toml, alice's credentials here.
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$E2E_REG_HOSTS"
$(e2e_registry_auth_toml)
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        Root = "$d/runc"
        SystemdCgroup = false
EOF
    # 3>&-: bats waits for its fd 3 to close; a daemon must not hold it.
    containerd --config "$d/config.toml" > "$d/containerd.log" 2>&1 3>&- &
    echo $! > "$d/pid"
    e2e_wait_daemon containerd "$d" "$E2E_CTD_SOCK" 10 cri version
}

# e2e_wait_daemon NAME DIR SOCKET SECONDS CMD...: waits until SOCKET exists
# and CMD succeeds; fails with the log's tail when the daemon (DIR/pid)
# exits or the time runs out.
e2e_wait_daemon() {
    local name=$1 d=$2 sock=$3 secs=$4
    shift 4
    for _ in $(seq $((secs * 20))); do
        if ! kill -0 "$(cat "$d/pid")" 2>/dev/null; then
            tail -20 "$d/$name.log" >&2
            e2e_die "$name exited during start-up (log above)"
            return 1
        fi
        if [ -S "$sock" ] && "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.05
    done
    tail -20 "$d/$name.log" >&2
    e2e_die "$name did not answer within $secs s (log above)"
}

containerd_stop() {
    local d=$E2E_ROOT/containerd pid
    [ -f "$d/pid" ] || return 0
    pid=$(cat "$d/pid")
    if kill -0 "$pid" 2>/dev/null && [ -S "$E2E_CTD_SOCK" ]; then
        # Pods first: a stopped containerd leaves its shims and containers running.
        cri cleanup >/dev/null 2>&1 || echo "e2e: CRI cleanup failed; killing what is left" >&2
    fi
    e2e_kill_pid "$pid" containerd
    rm -f "$d/pid"
}

# --- the registries ------------------------------------------------------------

# Two Distribution registries on 127.0.0.1 (tests/registry/lib), TLS from a
# test CA: "basic" (htpasswd: Basic) and "token" (Bearer tokens from the
# token service, credentials needed under private/). They serve images built
# from the e2e root filesystem (they run), pushed with skopeo. containerd
# trusts the CA and has alice's credentials for both (containerd_start); the
# webhook gets the CA and a Docker config.json (E2E_REG_CONFIG).
e2e_registry_start() {
    # shellcheck source=../../registry/lib/registry.bash
    . "$REPO_ROOT/tests/registry/lib/registry.bash"
    export REG_ROOT=$E2E_ROOT/registry REG_DIR REG_TOOLS MKLAYOUT
    export E2E_REG_HOSTS=$E2E_ROOT/registry/certs.d E2E_REG_CONFIG=$E2E_ROOT/registry/config.json
    mkdir -p "$REG_ROOT"
    if [ ! -f "$REG_TOOLS/node_modules/.package-lock.json" ]; then
        (cd "$REG_TOOLS" && npm ci --no-audit --no-fund --loglevel=error >&2) || return 1
    fi
    reg_make_pki || return 1
    node "$REG_TOOLS/htpasswd.js" "$REG_USER:$REG_PASSWORD" > "$REG_ROOT/htpasswd" || return 1
    printf '{"%s":"%s"}\n' "$REG_USER" "$REG_PASSWORD" > "$REG_ROOT/users.json"
    local pki=$REG_ROOT/pki name
    reg_node token token-server.js --cert "$pki/server.crt" --key "$pki/server.key" \
        --sign-key "$pki/signer.key" --sign-cert "$pki/signer.crt" \
        --issuer strict-groups-e2e-token-service --service registry.e2e.test \
        --users "$REG_ROOT/users.json" --log "$REG_ROOT/token.log" || return 1
    reg_config basic "$(reg_free_port)" htpasswd 1 || return 1
    reg_config token "$(reg_free_port)" token 1 || return 1
    reg_start basic && reg_start token || return 1
    export E2E_BASIC E2E_TOKEN
    E2E_BASIC=$(reg_addr basic) E2E_TOKEN=$(reg_addr token)
    for name in "$E2E_BASIC" "$E2E_TOKEN"; do
        mkdir -p "$E2E_REG_HOSTS/$name"
        printf 'server = "https://%s"\n\n[host."https://%s"]\n  capabilities = ["pull", "resolve"]\n  ca = "%s"\n' \
            "$name" "$name" "$pki/ca.crt" > "$E2E_REG_HOSTS/$name/hosts.toml"
    done
    printf '{"auths":{"%s":{"auth":"%s"},"%s":{"auth":"%s"}}}\n' \
        "$E2E_BASIC" "$(printf '%s:%s' "$REG_USER" "$REG_PASSWORD" | base64 -w0)" \
        "$E2E_TOKEN" "$(printf '%s:%s' "$REG_USER" "$REG_PASSWORD" | base64 -w0)" > "$E2E_REG_CONFIG"
}

# containerd's credentials for the suite's registries (config.toml lines).
e2e_registry_auth_toml() {
    local name
    for name in "$E2E_BASIC" "$E2E_TOKEN"; do
        printf '    [plugins."io.containerd.grpc.v1.cri".registry.configs."%s".auth]\n' "$name"
        printf '      username = "%s"\n      password = "%s"\n' "$REG_USER" "$REG_PASSWORD"
    done
}

# What the images run: PID 1 stays the shell (the command after ";" keeps
# it), its argv holds "$(...)" and "$$", which kubelet would expand if they
# reached the pod's command or args unescaped (the pod sets GREETING).
E2E_REG_EXEC='{"Entrypoint":["/bin/sh","-c"],"Cmd":["sleep 3600; true # $(GREETING) $$ $HOME","$(GREETING)","$$x"],"User":"1000","WorkingDir":"/home/alice","Env":["PATH=/bin","FROM_IMAGE=yes"]}'

# The images, pushed to both registries (in the background of the
# daemons' start): every kind a registry serves, each running the e2e
# root filesystem on linux/amd64.
e2e_registry_push() {
    . "$REPO_ROOT/tests/registry/lib/registry.bash"
    local l=$REG_ROOT/layout rootfs=$E2E_ROOT/images/rootfs a b at d t
    "$MKLAYOUT" init "$l" || return 1
    (cd "$rootfs" && tar --create --file "$REG_ROOT/rootfs.tar" --format=pax --sort=name \
        --mtime=@0 --owner=0 --group=0 --numeric-owner -- $(ls -A | sort)) || return 1
    image() { MKLAYOUT_LAYER=$REG_ROOT/rootfs.tar "$MKLAYOUT" image "$l" "$@"; }
    a=$(image linux/amd64 "$E2E_REG_EXEC") || return 1
    "$MKLAYOUT" tag "$l" app "$a"
    # ENTRYPOINT only: an OCI index, two platforms and an attestation
    a=$(image linux/amd64 '{"Entrypoint":["/bin/sleep","3600"],"User":"1000"}') &&
        b=$("$MKLAYOUT" image "$l" linux/arm64/v8 '{"Entrypoint":["/bin/sleep","3600"],"User":"1000"}' arm) &&
        at=$("$MKLAYOUT" attestation "$l" "$(jq -r .digest <<<"$a")") &&
        d=$("$MKLAYOUT" index "$l" "$a" "$b" "$at") || return 1
    "$MKLAYOUT" tag "$l" multi "$d"
    # CMD only: pushed as a Docker manifest list
    a=$(image linux/amd64 '{"Cmd":["/bin/sh","-c","sleep 3600; true"],"User":"1000"}') &&
        b=$("$MKLAYOUT" image "$l" linux/arm64/v8 '{"Cmd":["/bin/sh","-c","sleep 3600; true"],"User":"1000"}' arm) &&
        d=$("$MKLAYOUT" index "$l" "$a" "$b") || return 1
    "$MKLAYOUT" tag "$l" list "$d"
    a=$(image linux/amd64 "$E2E_REG_EXEC") &&
        b=$("$MKLAYOUT" image "$l" linux/arm64/v8 '{"Cmd":["echo","arm64"]}' arm) &&
        d=$("$MKLAYOUT" index "$l" "$a" "$b") || return 1
    "$MKLAYOUT" tag "$l" disagree "$d"
    a=$(image linux/amd64 '{"Cmd":["/bin/sh","-c","sleep 3600; true"],"User":"1000:2000"}') || return 1
    "$MKLAYOUT" tag "$l" user "$a"
    a=$(image linux/amd64 '{"Env":["PATH=/bin"]}') || return 1
    "$MKLAYOUT" tag "$l" nothing "$a"
    a=$("$MKLAYOUT" image "$l" linux/amd64 "$E2E_REG_EXEC" tamper) || return 1
    "$MKLAYOUT" tag "$l" tamper "$a"
    local tamper
    tamper=$(jq -r '.config.digest' "$l/blobs/sha256/$(jq -r .digest <<<"$a" | cut -d: -f2)")
    local pids=() pid rc=0
    for t in app multi disagree user nothing tamper; do
        reg_push basic "$t" "e2e/$t:1" & pids+=($!)
    done
    reg_push basic app e2e/other:1 & pids+=($!)
    reg_push basic list e2e/list:1 --format v2s2 & pids+=($!)
    reg_push token app private/app:1 & pids+=($!)
    for pid in "${pids[@]}"; do
        wait "$pid" || rc=1
    done
    [ "$rc" = 0 ] || return 1
    reg_tamper "$(reg_blob_file basic "$tamper")"
}

e2e_registry_stop() {
    [ -d "${REG_ROOT:-}" ] || return 0
    . "$REPO_ROOT/tests/registry/lib/registry.bash"
    reg_stop_all
}

# --- dockerd -------------------------------------------------------------------

dockerd_start() {
    local d=$E2E_ROOT/docker
    mkdir -p "$d/client"
    # A daemon.json of our own keeps /etc/docker/daemon.json (and the trust
    # key under /etc/docker) out of it.
    printf '{"deprecated-key-path": "%s"}\n' "$d/key.json" > "$d/daemon.json"
    dockerd --config-file "$d/daemon.json" --data-root "$d/root" --exec-root "$d/exec" \
        -H "unix://$E2E_DOCKER_SOCK" --pidfile "$d/dockerd.pidfile" \
        --iptables=false --ip-forward=false --ip-masq=false --bridge=none \
        --userland-proxy=false --storage-driver=overlay2 \
        --cgroup-parent="/$E2E_CGROUP-docker" > "$d/dockerd.log" 2>&1 3>&- &
    echo $! > "$d/pid"
    e2e_wait_daemon dockerd "$d" "$E2E_DOCKER_SOCK" 15 dkr version
}

dockerd_stop() {
    local d=$E2E_ROOT/docker pid ids
    [ -f "$d/pid" ] || return 0
    pid=$(cat "$d/pid")
    if kill -0 "$pid" 2>/dev/null && [ -S "$E2E_DOCKER_SOCK" ]; then
        ids=$(dkr ps -aq 2>/dev/null) || true
        # shellcheck disable=SC2086
        [ -z "$ids" ] || dkr rm -f $ids >/dev/null 2>&1 || true
    fi
    e2e_kill_pid "$pid" dockerd
    rm -f "$d/pid"
}

# e2e_kill_pid PID NAME: SIGTERM, wait up to 10 s, then SIGKILL.
e2e_kill_pid() {
    local pid=$1 name=$2
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 200); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.05
    done
    echo "e2e: $name ($pid) ignored SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
}

# Whatever still runs from $E2E_ROOT after the daemons stopped (shims,
# dockerd's containerd, container processes of a crashed daemon): found by
# their command line or executable naming our directory, killed by PID.
e2e_kill_leftovers() {
    local p pids=
    for p in /proc/[0-9]*; do
        [ "${p#/proc/}" = "$$" ] && continue
        if tr '\0' ' ' < "$p/cmdline" 2>/dev/null | grep -qF "$E2E_ROOT/"; then
            pids="$pids ${p#/proc/}"
        fi
    done
    [ -z "$pids" ] && return 0
    echo "e2e: killing leftover processes:$pids" >&2
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.2
}

# Containers runc still knows about under our runc roots.
e2e_runc_leftovers() {
    local root id
    for root in "$E2E_ROOT/containerd/runc"/* "$E2E_ROOT/docker/exec/runtime-runc"/*; do
        [ -d "$root" ] || continue
        for id in $(runc --root "$root" list -q 2>/dev/null); do
            echo "e2e: deleting leftover runc container $id" >&2
            runc --root "$root" delete -f "$id" >/dev/null 2>&1 || true
        done
    done
}

e2e_unmount_all() {
    local m
    # Deepest first; lazily, as a last resort.
    for m in $(awk -v root="$E2E_ROOT/" 'index($5, root) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null ||
            echo "e2e: cannot unmount $m" >&2
    done
}

e2e_remove_cgroups() {
    local c
    for c in /sys/fs/cgroup/*/"$E2E_CGROUP" /sys/fs/cgroup/*/"$E2E_CGROUP"-docker \
        /sys/fs/cgroup/"$E2E_CGROUP" /sys/fs/cgroup/"$E2E_CGROUP"-docker; do
        [ -d "$c" ] || continue
        find "$c" -depth -type d -exec rmdir {} + 2>/dev/null ||
            echo "e2e: cannot remove cgroup $c" >&2
    done
}

# --- clients -------------------------------------------------------------------

cri() { node "$E2E_DIR/cri/cri.js" --socket "$E2E_CTD_SOCK" "$@"; }
ctrc() { "$CTR_BIN" -a "$E2E_CTD_SOCK" -n k8s.io "$@"; }
dkr() { DOCKER_CONFIG=$E2E_ROOT/docker/client "$DOCKER_BIN" -H "unix://$E2E_DOCKER_SOCK" "$@"; }

# --- images --------------------------------------------------------------------

# The busybox test images: a rootfs whose /etc/group lists alice (1000) in
# 50000. sg-e2e-busybox sleeps (it is also the pause image); sg-e2e-app is
# "an existing image" with its own entrypoint and user, for the Dockerfile case.
e2e_build_test_images() {
    local d=$E2E_ROOT/images
    mkdir -p "$d"
    "$E2E_DIR/lib/mkrootfs.sh" "$d/rootfs" || return 1
    # gidcall (tests/integration/fixtures): the gid calls of the attacks
    musl-gcc -static -Os -o "$d/rootfs/bin/gidcall" \
        "$REPO_ROOT/tests/integration/fixtures/gidcall.c" || return 1
    "$REPO_ROOT/tools/mkimage" --docker-only --cmd '["/bin/sleep","2147483647"]' \
        "$d/rootfs" "$E2E_BUSYBOX" "$d/busybox.tar" 2>/dev/null || return 1
    "$REPO_ROOT/tools/mkimage" --docker-only --entrypoint '["/bin/id"]' --user 1000 \
        "$d/rootfs" "$E2E_APP" "$d/app.tar" 2>/dev/null || return 1
    "$REPO_ROOT/tools/mkimage" --docker-only --cmd '["/bin/sleep","2147483647"]' \
        --env STRICT_GROUPS=50000,60000 --env STRICT_GROUPS_MODE=audit \
        --env STRICT_GROUPS_NO_NEW_PRIVS=0 \
        "$d/rootfs" "$E2E_HOSTILE" "$d/hostile.tar" 2>/dev/null || return 1
    make -s -C "$REPO_ROOT" policy-image SEAL="--groups=60000 --mode=enforce" \
        POLICY_IMAGE_TAR="$d/policy.tar" POLICY_IMAGE_REF="$E2E_POLICY" >/dev/null || return 1
}

# The tag the strict-groups image carries (index.json's ref.name).
strict_image_tag() {
    tar -xOf "$E2E_IMAGE_TAR" index.json | jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]'
}

e2e_import_images() {
    local d=$E2E_ROOT/images
    ctrc images import "$d/busybox.tar" >/dev/null || return 1
    ctrc images import "$d/hostile.tar" >/dev/null || return 1
    # An OCI layout names images by ref.name (the tag): --base-name makes
    # the name one that CRI's normalisation leaves as it is.
    ctrc images import --base-name localhost/strict-groups "$E2E_IMAGE_TAR" >/dev/null || return 1
    ctrc images import --base-name "${E2E_POLICY_CRI%:*}" "$d/policy.tar" >/dev/null || return 1
    dkr load -i "$d/busybox.tar" >/dev/null || return 1
    dkr load -i "$d/app.tar" >/dev/null || return 1
    dkr load -i "$E2E_IMAGE_TAR" >/dev/null || return 1
    dkr load -i "$d/policy.tar" >/dev/null || return 1
}

# --- pods ----------------------------------------------------------------------

# manifest FILE: the (first) pod of a manifest in deploy/, as JSON.
manifest() { cri manifest "$REPO_ROOT/$1"; }

# run_pod [--keep] < POD_JSON: runs the pod through CRI as kubelet would;
# the JSON report lands in $BATS_TEST_TMPDIR/pod.json (it works at the end
# of a pipeline, in a subshell). The manifests' image names are mapped to
# the images imported here (and EXTRA_IMAGES, a JSON object, adds to that
# map); IMAGE_VOLUMES, SECRETS and CONFIG_MAPS give the host directories of
# image, secret and configMap volumes (cri.js --image-volumes, --secrets,
# --config-maps).
run_pod() {
    local images POD=$BATS_TEST_TMPDIR/pod.json
    images=$(jq -nc --arg s "$STRICT_IMAGE_DOCKER" --arg sl "$STRICT_IMAGE_CRI" \
        --arg p "$E2E_POLICY" --arg pl "$E2E_POLICY_CRI" \
        --arg a "$MANIFEST_APP_IMAGE" --arg b "$E2E_BUSYBOX" --argjson x "${EXTRA_IMAGES:-{\}}" \
        '{($s): $sl, ($p): $pl, ($a): $b} + $x')
    cri run-pod --root "$E2E_ROOT/kubelet" --cgroup-parent "/$E2E_CGROUP" \
        --images "$images" ${IMAGE_VOLUMES:+--image-volumes "$IMAGE_VOLUMES"} \
        ${SECRETS:+--secrets "$SECRETS"} ${CONFIG_MAPS:+--config-maps "$CONFIG_MAPS"} "$@" - > "$POD"
    local rc=$?
    # Shown by bats when the test fails.
    echo "--- CRI report:"
    jq -c '.initContainers[], .containers[], (.ephemeralContainers // [])[] |
        {name, exitCode, state, stdout, stderr, ociUser}' "$POD" 2>/dev/null ||
        cat "$POD"
    return $rc
}

# pod Q: jq query on the last report.
pod() { jq -r "$@" "$BATS_TEST_TMPDIR/pod.json"; }

# groups_in "uid=... gid=... groups=1000(alice),60000": prints 1000,60000.
groups_in() {
    sed -n 's/.*groups=\([^ ]*\).*/\1/p' <<< "$1" | sed 's/([^)]*)//g'
}

# Fails with a message unless "$1" = "$2".
assert_eq() {
    if [ "$1" != "$2" ]; then
        echo "expected: $2" >&2
        echo "got:      $1" >&2
        return 1
    fi
}

assert_contains() {
    if [[ "$1" != *"$2"* ]]; then
        echo "expected to contain: $2" >&2
        echo "got: $1" >&2
        return 1
    fi
}

assert_not_contains() {
    if [[ "$1" == *"$2"* ]]; then
        echo "expected not to contain: $2" >&2
        echo "got: $1" >&2
        return 1
    fi
}
