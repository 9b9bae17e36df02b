# Suite set-up for `bats --tap tests/e2e` (run as root, from the repository
# root, after `make` and `make image`): builds the test images, starts one
# private containerd (CRI) and one private dockerd for every case, imports
# the images; teardown_suite stops and removes all of it, also after a
# failure. Nothing is skipped: a missing tool or a daemon that cannot start
# fails the suite.

setup_suite() {
    # bats runs this file from the tests' directory.
    load lib/e2e
    e2e_require || return 1

    export E2E_DIR REPO_ROOT
    export E2E_IMAGE_TAR=${E2E_IMAGE_TAR:-$REPO_ROOT/build/strict-groups-image.tar}
    [ -f "$E2E_IMAGE_TAR" ] || e2e_die "$E2E_IMAGE_TAR missing: run \`make image\` first" || return 1
    if [ ! -f "$E2E_DIR/node_modules/.package-lock.json" ] ||
        [ "$E2E_DIR/package-lock.json" -nt "$E2E_DIR/node_modules/.package-lock.json" ]; then
        (cd "$E2E_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2) ||
            e2e_die "npm ci failed in $E2E_DIR" || return 1
    fi

    local base=${E2E_TMPDIR:-/var/tmp}
    mkdir -p "$base"
    # The emptyDir volumes live here: a nosuid mount would void strict-init's
    # file capability and make every case fail for the wrong reason.
    if findmnt -no OPTIONS -T "$base" | tr ',' '\n' | grep -qx nosuid; then
        e2e_die "$base is mounted nosuid; set E2E_TMPDIR to a directory on a mount without it"
        return 1
    fi
    export E2E_ROOT
    E2E_ROOT=$(mktemp -d "$base/sg-e2e.XXXXXX") || return 1
    echo "$E2E_ROOT" > "$BATS_RUN_TMPDIR/e2e-root"
    export E2E_CGROUP=${E2E_ROOT##*/}
    export E2E_CTD_SOCK=$E2E_ROOT/containerd/containerd.sock
    export E2E_DOCKER_SOCK=$E2E_ROOT/docker/docker.sock
    local tag
    tag=$(strict_image_tag) && [ -n "$tag" ] && [ "$tag" != null ] ||
        e2e_die "$E2E_IMAGE_TAR has no tag in index.json" || return 1
    # The same image under its docker name and the name CRI resolves.
    export STRICT_IMAGE_DOCKER=strict-groups:$tag
    export STRICT_IMAGE_CRI=localhost/strict-groups:$tag

    e2e_build_test_images || e2e_die "building the test images failed" || return 1
    # The registries first: containerd's configuration names them.
    e2e_registry_start || e2e_die "starting the registries failed" || return 1
    # Both daemons start at once, and the images are pushed meanwhile; each
    # daemon gets its own log under $E2E_ROOT.
    containerd_start & local ctd=$!
    dockerd_start & local dkd=$!
    e2e_registry_push > "$REG_ROOT/push.log" 2>&1 & local push=$!
    local rc=0
    wait "$ctd" || rc=1
    wait "$dkd" || rc=1
    wait "$push" || { tail -20 "$REG_ROOT/push.log" >&2; e2e_die "pushing the registry images failed"; rc=1; }
    [ "$rc" = 0 ] || return 1
    e2e_import_images || e2e_die "importing the images failed" || return 1
}

teardown_suite() {
    load lib/e2e
    [ -n "${E2E_ROOT:-}" ] || E2E_ROOT=$(cat "$BATS_RUN_TMPDIR/e2e-root" 2>/dev/null) || true
    [ -n "${E2E_ROOT:-}" ] && [ -d "$E2E_ROOT" ] || return 0
    E2E_CGROUP=${E2E_ROOT##*/}
    E2E_CTD_SOCK=$E2E_ROOT/containerd/containerd.sock
    E2E_DOCKER_SOCK=$E2E_ROOT/docker/docker.sock
    containerd_stop
    dockerd_stop
    REG_ROOT=$E2E_ROOT/registry e2e_registry_stop
    e2e_runc_leftovers
    e2e_kill_leftovers
    e2e_unmount_all
    e2e_remove_cgroups
    if [ -n "${E2E_KEEP:-}" ]; then
        echo "e2e: E2E_KEEP set, leaving $E2E_ROOT" >&2
    else
        rm -rf "$E2E_ROOT"
    fi
}
