#!/usr/bin/env bats
# The strict-groups image (`make image` -> build/strict-groups-image.tar):
# one tarball that is both an OCI image layout and a docker-archive, built
# reproducibly; its /strict-init is the installer (no seal, no file
# capability). The policy image (`make policy-image`) carries a sealed copy
# with its file capability as a PAX xattr record. setup_suite already
# imported both with `ctr images import` and `docker load`.

load lib/e2e

blob() { tar -xOf "$E2E_IMAGE_TAR" "blobs/sha256/${1#sha256:}"; }

@test "image: one tarball holding an OCI layout and a docker manifest.json that name the same blobs" {
    run tar -tf "$E2E_IMAGE_TAR"
    [ "$status" = 0 ]
    assert_contains "$output" "oci-layout"
    assert_contains "$output" "index.json"
    assert_contains "$output" "manifest.json"
    assert_eq "$(tar -xOf "$E2E_IMAGE_TAR" oci-layout | jq -r .imageLayoutVersion)" 1.0.0

    local manifest config layer
    manifest=$(tar -xOf "$E2E_IMAGE_TAR" index.json | jq -r '.manifests[0].digest')
    config=$(blob "$manifest" | jq -r .config.digest)
    layer=$(blob "$manifest" | jq -r '.layers[0].digest')
    assert_eq "$(blob "$manifest" | jq -r '.layers | length')" 1
    assert_eq "$(tar -xOf "$E2E_IMAGE_TAR" manifest.json | jq -r '.[0].Config')" "blobs/sha256/${config#sha256:}"
    assert_eq "$(tar -xOf "$E2E_IMAGE_TAR" manifest.json | jq -r '.[0].Layers | join(" ")')" "blobs/sha256/${layer#sha256:}"
    assert_eq "$(tar -xOf "$E2E_IMAGE_TAR" manifest.json | jq -r '.[0].RepoTags[0]')" "$STRICT_IMAGE_DOCKER"
    # Every blob is stored under its own digest; the config lists the layer.
    local d
    for d in "$manifest" "$config" "$layer"; do
        assert_eq "sha256:$(blob "$d" | sha256sum | cut -d' ' -f1)" "$d"
    done
    assert_eq "$(blob "$config" | jq -r '.rootfs.diff_ids[0]')" "$layer"
    assert_eq "$(blob "$config" | jq -c .config.Entrypoint)" '["/strict-init"]'
}

# layer_of TAR DIR: extracts the image's single layer (with xattrs) into DIR;
# its listing (tar -tv) on stdout.
layer_of() {
    local layer
    layer=$(tar -xOf "$1" manifest.json | jq -r '.[0].Layers[0]')
    tar -xOf "$1" "$layer" > "$2.tar"
    mkdir -p "$2"
    tar --xattrs --xattrs-include='*' -xf "$2.tar" -C "$2"
    tar -tvf "$2.tar"
}

@test "image: /strict-init is the installer: no seal and no file capability" {
    local dir=$BATS_TEST_TMPDIR/layer
    run layer_of "$E2E_IMAGE_TAR" "$dir"
    echo "$output"
    # Exactly the two files, owned by 0:0.
    assert_eq "$(awk '{print $2, $6}' <<< "$output")" $'0/0 libstrict-preload.so\n0/0 strict-init'
    run grep -ac 'SCHILY.xattr.security.capability=' "$dir.tar"
    assert_eq "$output" 0
    assert_eq "$(getcap "$dir/strict-init")" ""
    run "$dir/strict-init" check
    assert_eq "${lines[0]}" "sealed: no"
    assert_eq "$(head -c 4 "$dir/libstrict-preload.so" | tail -c 3)" ELF
}

@test "image: the policy image's /strict-init keeps its seal and cap_setgid=p as a PAX record" {
    local dir=$BATS_TEST_TMPDIR/policy
    run layer_of "$E2E_ROOT/images/policy.tar" "$dir"
    echo "$output"
    assert_eq "$(awk '{print $2, $6}' <<< "$output")" '0/0 strict-init'
    run grep -ac 'SCHILY.xattr.security.capability=' "$dir.tar"
    assert_eq "$output" 1
    assert_eq "$(getcap "$dir/strict-init" | awk '{print $NF}')" "cap_setgid=p"
    run "$dir/strict-init" check
    assert_eq "${lines[0]}" "sealed: STRICT_GROUPS=60000 STRICT_GROUPS_MODE=enforce STRICT_GROUPS_NO_NEW_PRIVS=1"
}

@test "image: reproducible: built again from the same sources, same bytes and digest" {
    local a=$BATS_TEST_TMPDIR/a.tar b=$BATS_TEST_TMPDIR/b.tar
    make -s -C "$REPO_ROOT" IMAGE_TAR="$a" IMAGE_ROOTFS="$BATS_TEST_TMPDIR/rootfs-a" "$a"
    make -s -C "$REPO_ROOT" IMAGE_TAR="$b" IMAGE_ROOTFS="$BATS_TEST_TMPDIR/rootfs-b" "$b"
    local want
    want=$(sha256sum < "$E2E_IMAGE_TAR" | cut -d' ' -f1)
    echo "build: $want"
    echo "again: $(sha256sum < "$a")"
    echo "again: $(sha256sum < "$b")"
    assert_eq "$(sha256sum < "$a" | cut -d' ' -f1)" "$want"
    assert_eq "$(sha256sum < "$b" | cut -d' ' -f1)" "$want"
}

@test "image: loaded by ctr images import and docker load under the same digests" {
    local manifest config
    manifest=$(tar -xOf "$E2E_IMAGE_TAR" index.json | jq -r '.manifests[0].digest')
    config=$(tar -xOf "$E2E_IMAGE_TAR" manifest.json | jq -r '.[0].Config | sub("blobs/sha256/"; "sha256:")')
    run ctrc images ls
    echo "$output"
    assert_contains "$(grep -F "$STRICT_IMAGE_CRI " <<< "$output")" "$manifest"
    assert_eq "$(dkr image inspect --format '{{.Id}}' "$STRICT_IMAGE_DOCKER")" "$config"
    assert_eq "$(dkr image inspect --format '{{json .Config.Entrypoint}}' "$STRICT_IMAGE_DOCKER")" '["/strict-init"]'
}

@test "image: docker's unpacked policy image still holds its seal and file capability (check as uid 1000)" {
    # The image has no /etc/group: give the process a forbidden group by hand.
    run dkr run --rm --network none --user 1000:1000 --group-add 50000 --group-add 60000 \
        --entrypoint /strict-init "$E2E_POLICY" check
    echo "$output"
    assert_eq "$status" 1
    assert_contains "$output" "sealed: STRICT_GROUPS=60000"
    assert_contains "$output" "forbidden: 50000"
    assert_contains "$output" "can drop: yes"
}

@test "image: containerd's unpacked policy image still holds its seal and file capability (check through CRI)" {
    # A pod running the policy image itself, as uid 1000.
    jq -n --arg img "$E2E_POLICY" '{kind: "Pod", metadata: {name: "sg-e2e-image-check"},
        spec: {securityContext: {runAsUser: 1000, runAsGroup: 1000, supplementalGroups: [50000, 60000]},
               containers: [{name: "check", image: $img, command: ["/strict-init", "check"]}]}}' | run_pod
    assert_eq "$(pod '.containers[0].exitCode')" 1
    assert_contains "$(pod '.containers[0].stdout')" "sealed: STRICT_GROUPS=60000"
    assert_contains "$(pod '.containers[0].stdout')" "forbidden: 50000"
    assert_contains "$(pod '.containers[0].stdout')" "can drop: yes"
}
