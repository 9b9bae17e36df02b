#!/usr/bin/env bats
# Lookups against a TLS registry with htpasswd (Basic) auth whose blobs are
# redirected to another server: every manifest kind, platform selection,
# the index's platforms compared, digests checked, credentials kept away
# from the blob store. The expected digests are computed here (sha256sum of
# what skopeo reads or what mklayout wrote), not by the module.

load lib/registry

setup() {
    CONFIG=$REG_ROOT/config.json
}

@test "single-platform OCI image: ENTRYPOINT, CMD, USER and the digest the tag names" {
    run driver --config "$CONFIG" "lookup:$BASIC/e2e/single:1"
    [ "$status" -eq 0 ]
    [ "$(jqo 1 .result)" = ok ] || { echo "$output"; false; }
    [ "$(jqo 1 .digest_ref)" = "$BASIC/e2e/single@$SINGLE_DIGEST" ]
    [ "$(jqo 1 .manifest_digest)" = "$SINGLE_DIGEST" ]
    [ "$(jqo 1 -c .entrypoint)" = '["/bin/sh","-c"]' ]
    [ "$(jqo 1 -c .cmd)" = '["echo $HOME $(id -u)"]' ]
    [ "$(jqo 1 .user)" = 1000:1000 ]
    [ "$(jqo 1 .platform)" = linux/amd64 ]
}

@test "OCI index with two platforms and an attestation: each platform's image, pinned to the index" {
    run driver --config "$CONFIG" "lookup:$BASIC/e2e/multi:1"
    [ "$(jqo 1 .result)" = ok ] || { echo "$output"; false; }
    [ "$(jqo 1 .digest_ref)" = "$BASIC/e2e/multi@$MULTI_DIGEST" ]
    [ "$(jqo 1 .manifest_digest)" = "$MULTI_AMD64" ]
    # the registry serves the index we built, byte for byte
    [ "$(reg_raw_digest basic e2e/multi:1)" = "$MULTI_DIGEST" ]
    run driver --config "$CONFIG" --platform linux/arm64 "lookup:$BASIC/e2e/multi:1"
    [ "$(jqo 1 .result)" = ok ]
    [ "$(jqo 1 .manifest_digest)" = "$MULTI_ARM64" ]
    [ "$(jqo 1 .digest_ref)" = "$BASIC/e2e/multi@$MULTI_DIGEST" ]
    [ "$(jqo 1 .platform)" = linux/arm64 ]
    # the attestation manifest was never read (its config has no CMD:
    # compared with the others it would have made them disagree)
    [ "$(reg_count basic GET "/v2/e2e/multi/manifests/$MULTI_ATTEST" 200)" -eq 0 ]
}

@test "a platform the index does not have, and one given as the attestation's" {
    run driver --config "$CONFIG" --platform linux/s390x "lookup:$BASIC/e2e/multi:1"
    [ "$(jqo 1 .result)" = no_platform ]
    [[ "$(jqo 1 .error)" == *"no image for platform linux/s390x in the index (it has: linux/amd64, linux/arm64)"* ]]
    run driver --config "$CONFIG" --platform unknown/unknown "lookup:$BASIC/e2e/multi:1"
    [ "$(jqo 1 .result)" = no_platform ]
}

@test "Docker manifest list (pushed with skopeo --format v2s2)" {
    [ "$(reg_raw basic e2e/list:1 | jq -r .mediaType)" = application/vnd.docker.distribution.manifest.list.v2+json ]
    run driver --config "$CONFIG" "lookup:$BASIC/e2e/list:1" always:"$BASIC/e2e/list@$LIST_DIGEST"
    [ "$(jqo 1 .result)" = ok ] || { echo "$output"; false; }
    [ "$(jqo 1 .digest_ref)" = "$BASIC/e2e/list@$LIST_DIGEST" ]
    [ "$(jqo 1 -c .cmd)" = '["echo $HOME $(id -u)"]' ]
    amd64=$(reg_raw basic e2e/list:1 | jq -r '.manifests[] | select(.platform.architecture == "amd64") | .digest')
    [ "$(jqo 1 .manifest_digest)" = "$amd64" ]
    # the same image by its digest
    [ "$(jqo 2 .result)" = ok ]
    [ "$(jqo 2 .digest_ref)" = "$BASIC/e2e/list@$LIST_DIGEST" ]
}

@test "platforms that disagree on CMD: an error naming them, for every platform asked" {
    for platform in linux/amd64 linux/arm64; do
        run driver --config "$CONFIG" --platform "$platform" "lookup:$BASIC/e2e/disagree:1"
        [ "$(jqo 1 .result)" = platforms_disagree ] || { echo "$output"; false; }
        [[ "$(jqo 1 .error)" == *"linux/amd64 and linux/arm64 have different CMD"* ]]
        [[ "$(jqo 1 .error)" == *"image \"$BASIC/e2e/disagree:1\""* ]]
    done
}

@test "a config blob changed in the registry's storage: digest mismatch" {
    run driver --config "$CONFIG" "lookup:$BASIC/e2e/tamper-config:1"
    [ "$(jqo 1 .result)" = digest_mismatch ] || { echo "$output"; false; }
    [[ "$(jqo 1 .error)" == *"$TAMPER_CONFIG"* ]]
    # it was served (through the redirect) and refused, not missing
    grep -q "\"path\":\"/docker/registry/v2/blobs/sha256/${TAMPER_CONFIG:7:2}/${TAMPER_CONFIG#sha256:}/data\",\"authorization\":false,\"status\":200" \
        "$REG_ROOT/blobs-https.log"
}

@test "a platform's manifest changed in the registry's storage: digest mismatch" {
    run driver --config "$CONFIG" "lookup:$BASIC/e2e/tamper-child:1"
    [ "$(jqo 1 .result)" = digest_mismatch ] || { echo "$output"; false; }
    [[ "$(jqo 1 .error)" == *"manifest $TAMPER_CHILD"* ]]
    [ "$(reg_count basic GET "/v2/e2e/tamper-child/manifests/$TAMPER_CHILD" 200)" -ge 1 ]
}

@test "a digest reference is checked against the manifest it gets" {
    run driver --config "$CONFIG" "lookup:$BASIC/e2e/single@$SINGLE_DIGEST" \
        "lookup:$BASIC/e2e/single@sha256:0000000000000000000000000000000000000000000000000000000000000000" \
        "lookup:$BASIC/e2e/nope:1" "lookup:$BASIC/E2e/single:1"
    [ "$(jqo 1 .result)" = ok ]
    [ "$(jqo 1 .digest_ref)" = "$BASIC/e2e/single@$SINGLE_DIGEST" ]
    [ "$(jqo 2 .result)" = not_found ]
    [ "$(jqo 3 .result)" = not_found ]
    [[ "$(jqo 3 .error)" == *"MANIFEST_UNKNOWN"* ]]
    [ "$(jqo 4 .result)" = reference ]
}

@test "credentials: none, wrong ones, and the test CA not given" {
    run driver "lookup:$BASIC/e2e/single:1"
    [ "$(jqo 1 .result)" = auth ]
    [[ "$(jqo 1 .error)" == *"--registry-config has none for $BASIC"* ]]
    run driver --config "$REG_ROOT/config-wrong.json" "lookup:$BASIC/e2e/single:1"
    [ "$(jqo 1 .result)" = auth ]
    [[ "$(jqo 1 .error)" == *"(HTTP 401)"* ]]
    # without --registry-ca the system's CAs decide: they do not know ours
    run "$REG_DRIVER" --config "$CONFIG" "lookup:$BASIC/e2e/single:1"
    [ "$(jqo 1 .result)" = tls ]
}

@test "blobs redirected to another server get no credentials" {
    : > "$REG_ROOT/blobs-https.log"
    run driver --config "$CONFIG" "lookup:$BASIC/e2e/multi:1"
    [ "$(jqo 1 .result)" = ok ]
    # the two config blobs came from the blob store, without Authorization
    [ "$(grep -c '"method":"GET".*"status":200' "$REG_ROOT/blobs-https.log")" -eq 2 ]
    [ "$(grep -c '"authorization":true' "$REG_ROOT/blobs-https.log")" -eq 0 ]
    # while the registry itself got Basic credentials (401 without, 200 with)
    [ "$(reg_count basic GET /v2/e2e/multi/manifests/1 401)" -ge 1 ]
    [ "$(reg_count basic GET /v2/e2e/multi/blobs/sha256:[0-9a-f]+ 307)" -ge 2 ]
}

@test "the counters /metrics renders: lookups by result, tag hits, registry round trips" {
    run driver --config "$CONFIG" "lookup:$BASIC/e2e/single:1" "lookup:$BASIC/e2e/single:1" \
        "lookup:$BASIC/e2e/disagree:1" metrics
    [ "$(jqo 4 .lookups.ok)" -eq 2 ]
    [ "$(jqo 4 .lookups.platforms_disagree)" -eq 1 ]
    [ "$(jqo 4 .hits_tag)" -eq 1 ]
    [ "$(jqo 4 .registry_duration_count)" -eq 2 ]
    [ "$(jqo 4 .registry_requests)" -ge 1 ]
}
