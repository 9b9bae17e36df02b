#!/usr/bin/env bats
# deploy/webhook/: valid against Kubernetes' schemas, and as issue 9 asks.

@test "deploy/webhook/*.yaml are valid Kubernetes objects with the settings the issue asks for" {
    run node "$BATS_TEST_DIRNAME/manifests.mjs"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[-1]}" = "manifests: ok" ]
}

@test "the kustomization lists every manifest" {
    for f in "$BATS_TEST_DIRNAME"/../../deploy/webhook/*.yaml; do
        name=$(basename "$f")
        [ "$name" = kustomization.yaml ] && continue
        grep -qx "  - $name" "$BATS_TEST_DIRNAME/../../deploy/webhook/kustomization.yaml"
    done
}
