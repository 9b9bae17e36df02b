#!/usr/bin/env bats
# Docker (Debian's docker.io 20.10), the suite's private dockerd: plain
# `docker run` with strict-init on a volume, and deploy/docker/Dockerfile
# wrapping an existing image's entrypoint. Docker merges the image's
# /etc/group into the groups too when --user names no group.

load lib/e2e

drun() { dkr run --rm --network none "$@"; }

# deploy/README.md, Docker: the bug with plain docker run.
@test "docker: --user 1000 --group-add 60000 adds the image's group 50000 (the bug, reproduced)" {
    run drun --user 1000 --group-add 60000 "$E2E_BUSYBOX" id
    echo "$output"
    assert_eq "$status" 0
    assert_eq "$(groups_in "$output")" "1000,50000,60000"
}

# deploy/README.md, Docker: the `docker volume` wiring.
@test "docker: strict-init on a volume as --entrypoint: groups 1000 and 60000 only" {
    local vol=sg-e2e-strict-$BATS_SUITE_TEST_NUMBER
    dkr volume create "$vol" >/dev/null
    # The strict-groups image installs a sealed copy into the volume (as root).
    run drun -v "$vol:/strict" "$STRICT_IMAGE_DOCKER" install --groups=60000 /strict/strict-init
    echo "install: $output"
    assert_eq "$status" 0
    run drun --user 1000 --group-add 60000 -v "$vol:/strict:ro" \
        --entrypoint /strict/strict-init "$E2E_BUSYBOX" -- id
    dkr volume rm "$vol" >/dev/null
    echo "$output"
    assert_eq "$status" 0
    assert_eq "$(groups_in "$output")" "1000,60000"
    assert_contains "$output" "strict-init: dropped groups 50000"
}

# build_wrapped BUILDER TAG [DOCKERFILE [BASE]]: deploy/docker/Dockerfile (or
# a variant) wrapping the test's "existing image" (entrypoint /bin/id, user
# 1000), or BASE; the seal stage's shell from the suite's busybox image.
build_wrapped() {
    local builder=$1 tag=$2 file=${3:-$REPO_ROOT/deploy/docker/Dockerfile} base=${4:-$E2E_APP}
    DOCKER_BUILDKIT=$builder dkr build --network none -q -f "$file" \
        --build-arg "STRICT_IMAGE=$STRICT_IMAGE_DOCKER" --build-arg "SHELL_IMAGE=$E2E_BUSYBOX" \
        --build-arg "BASE=$base" --build-arg STRICT_GROUPS=60000 \
        -t "$tag" "$REPO_ROOT/deploy/docker"
}

# The image deploy/docker/Dockerfile wraps (entrypoint /bin/id, USER 1000), unwrapped.
@test "docker: the existing image alone, run with --group-add 60000, holds 50000 too" {
    run drun --group-add 60000 "$E2E_APP"
    echo "$output"
    assert_eq "$status" 0
    assert_eq "$(groups_in "$output")" "1000,50000,60000"
}

# run_wrapped BUILDER TAG: builds deploy/docker/Dockerfile and runs it with
# the pod's groups; the wrapped entrypoint (/bin/id) must see 1000 and 60000.
run_wrapped() {
    build_wrapped "$1" "$2"
    run drun --group-add 60000 "$2"
    echo "$output"
    assert_eq "$status" 0
    assert_eq "$(groups_in "$output")" "1000,60000"
    assert_contains "$output" "uid=1000"
    assert_contains "$output" "strict-init: dropped groups 50000"
}

# deploy/docker/Dockerfile, DOCKER_BUILDKIT=0.
@test "docker: deploy/docker/Dockerfile, classic builder: the wrapped entrypoint runs with 1000 and 60000" {
    run_wrapped 0 sg-e2e-wrapped-classic:1
}

# deploy/docker/Dockerfile, DOCKER_BUILDKIT=1.
@test "docker: deploy/docker/Dockerfile, BuildKit: the wrapped entrypoint runs with 1000 and 60000" {
    run_wrapped 1 sg-e2e-wrapped-buildkit:1
}

# deploy/docker/Dockerfile without the install step of its last stage.
@test "docker: without the last stage's install, the classic builder's COPY loses the capability: strict-init refuses (77)" {
    # Why the Dockerfile runs `strict-init install` again after COPY: the
    # classic builder drops security.capability (BuildKit keeps it).
    grep -v '^RUN \["/usr/local/bin/strict-init", "install"' "$REPO_ROOT/deploy/docker/Dockerfile" \
        > "$BATS_TEST_TMPDIR/Dockerfile.copy-only"
    run grep -c 'strict-init", "install"' "$BATS_TEST_TMPDIR/Dockerfile.copy-only"
    assert_eq "$output" 0
    build_wrapped 0 sg-e2e-wrapped-copy-only:1 "$BATS_TEST_TMPDIR/Dockerfile.copy-only"
    run drun --group-add 60000 sg-e2e-wrapped-copy-only:1
    echo "$output"
    assert_eq "$status" 77
    assert_not_contains "$output" "uid="
    assert_contains "$output" "strict-init: refusing to run the command: CAP_SETGID cannot be raised"
}

# deploy/docker/Dockerfile built without --build-arg STRICT_GROUPS.
@test "docker: deploy/docker/Dockerfile without STRICT_GROUPS fails to build instead of sealing a guess" {
    local b
    for b in 0 1; do
        run env DOCKER_BUILDKIT=$b DOCKER_CONFIG="$E2E_ROOT/docker/client" "$DOCKER_BIN" \
            -H "unix://$E2E_DOCKER_SOCK" build --network none -q \
            --build-arg "STRICT_IMAGE=$STRICT_IMAGE_DOCKER" --build-arg "SHELL_IMAGE=$E2E_BUSYBOX" \
            --build-arg "BASE=$E2E_APP" -t sg-e2e-wrapped-nogroups:1 "$REPO_ROOT/deploy/docker"
        echo "builder $b: $output"
        [ "$status" != 0 ]
        assert_contains "$output" "install: --groups is required"
    done
}

# The image author's base (issue 18): its ENV names the settings the seal
# should have, and with the classic builder a RUN step of its stage saw
# them over the build arguments: the wrapped image ran with 50000.
HOSTILE_APP=sg-e2e-hostile-app:1
hostile_app() {
    printf '%s\n' "FROM $E2E_APP" 'ENV STRICT_GROUPS=50000,60000 STRICT_GROUPS_MODE=audit STRICT_GROUPS_NO_NEW_PRIVS=0' |
        DOCKER_BUILDKIT=0 dkr build --network none -q -t "$HOSTILE_APP" - >/dev/null
}

@test "docker: control: the hostile base alone, run with --group-add 60000, holds 50000" {
    hostile_app
    run drun --group-add 60000 "$HOSTILE_APP"
    echo "$output"
    assert_eq "$status" 0
    assert_eq "$(groups_in "$output")" "1000,50000,60000"
}

# Either builder: the build fails, naming the variable, so no image of it
# can run with 50000.
hostile_build() {
    hostile_app
    run build_wrapped "$1" "sg-e2e-wrapped-hostile-$1:1" "$REPO_ROOT/deploy/docker/Dockerfile" "$HOSTILE_APP"
    echo "$output"
    [ "$status" != 0 ]
    assert_contains "$output" "strict-init: install seals its options only, and STRICT_GROUPS"
    run dkr image inspect "sg-e2e-wrapped-hostile-$1:1"
    [ "$status" != 0 ]
}

@test "docker: deploy/docker/Dockerfile from a base whose ENV sets STRICT_GROUPS, MODE=audit, NO_NEW_PRIVS=0: the classic build fails, naming it" {
    hostile_build 0
}

@test "docker: deploy/docker/Dockerfile from a base whose ENV sets STRICT_GROUPS, MODE=audit, NO_NEW_PRIVS=0: the BuildKit build fails, naming it" {
    hostile_build 1
}
