#!/usr/bin/env bats
# deploy/webhook/ as `kubectl kustomize` renders it (kustomize.mjs): valid
# against Kubernetes' schemas, the rules of issues 9 and 17 (manifests.mjs),
# and the README's install steps in an order that works. Each rule is also
# shown to fail on a copy of the manifests (or README) that breaks it.

setup() {
    load lib
    DEPLOY=$WH_REPO/deploy/webhook
}

manifests() {
    node "$BATS_TEST_DIRNAME/manifests.mjs" "$@"
}

# broken_copy: a copy of deploy/webhook and the README to break
broken_copy() {
    BROKEN=$BATS_TEST_TMPDIR/deploy
    rm -rf "$BROKEN"
    cp -r "$DEPLOY" "$BROKEN"
    cp "$WH_REPO/README.md" "$BATS_TEST_TMPDIR/README.md"
}

# fails_with MESSAGE: manifests.mjs refuses the broken copy, saying MESSAGE
fails_with() {
    run manifests "$BROKEN" "$BATS_TEST_TMPDIR/README.md"
    echo "$output" | tail -3
    [ "$status" -eq 1 ]
    [[ "${lines[-1]}" == *"$1"* ]]
}

@test "deploy/webhook renders to valid Kubernetes objects that follow every rule; the README's install steps work in their order" {
    run manifests
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[-1]}" = "manifests: ok" ]
    # what kubectl kustomize prints: every object once, the configuration last
    run node "$BATS_TEST_DIRNAME/kustomize.mjs" "$DEPLOY"
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | grep -c '^kind: ')" -eq 13 ]
    [ "$(echo "$output" | grep '^kind: ' | tail -1)" = "kind: MutatingWebhookConfiguration" ]
    [ "$(echo "$output" | grep '^kind: ' | head -1)" = "kind: Namespace" ]
}

@test "opt-in: a configuration that serves unlabelled namespaces (the old enforce default) fails" {
    broken_copy
    sed -i 's/{key: strict-groups\/mode, operator: In, values: \[enforce\]}/{key: strict-groups\/mode, operator: NotIn, values: [audit, refuse]}/' \
        "$BROKEN/configuration/webhook.yaml"
    fails_with "an unlabelled namespace is not served (opt-in): served by /mutate/enforce"
}

@test "exclusions: kube-system or the webhook's namespace served when labelled fails, and so does an ignored exempt label" {
    broken_copy
    sed -i '0,/values: \[kube-system, strict-groups\]/s//values: [strict-groups]/' "$BROKEN/configuration/webhook.yaml"
    fails_with "kube-system is never served, labelled or not: served by /mutate/enforce"
    broken_copy
    sed -i 's/values: \[kube-system, strict-groups\]/values: [kube-system]/' "$BROKEN/configuration/webhook.yaml"
    fails_with "strict-groups (the webhook's own) is never served"
    broken_copy
    sed -i '/strict-groups\/exempt, operator: NotIn/d' "$BROKEN/configuration/webhook.yaml"
    fails_with "strict-groups/exempt=true wins"
}

@test "paths: an entry whose path is not its label's mode fails" {
    broken_copy
    sed -i 's|path: /mutate/audit|path: /mutate/enforce|' "$BROKEN/configuration/webhook.yaml"
    fails_with "strict-groups/mode=audit: the audit entry only: served by /mutate/enforce"
}

@test "certificates: the CA injected from the serving certificate, or a CA that rotates its key, fails" {
    broken_copy
    sed -i 's|inject-ca-from: strict-groups/strict-groups-webhook-ca|inject-ca-from: strict-groups/strict-groups-webhook|' \
        "$BROKEN/configuration/webhook.yaml"
    fails_with "copies the CA certificate's CA, not the serving certificate's"
    broken_copy
    sed -i '0,/rotationPolicy: Never/s//rotationPolicy: Always/' "$BROKEN/cert-manager/certificate.yaml"
    fails_with "keeps its key on renewal"
}

@test "priority and spread: system-cluster-critical, or replicas free to share a node, fail" {
    broken_copy
    sed -i 's/priorityClassName: strict-groups-webhook/priorityClassName: system-cluster-critical/' \
        "$BROKEN/server/deployment.yaml"
    fails_with "expected one PriorityClass system-cluster-critical, found 0"
    broken_copy
    sed -i '0,/whenUnsatisfiable: DoNotSchedule/s//whenUnsatisfiable: ScheduleAnyway/' "$BROKEN/server/deployment.yaml"
    fails_with "replicas spread across nodes"
}

@test "--mode in the Deployment (a switch that changes nothing there), CONNECT pods/exec left out, or RBAC wider than get pods, fails" {
    broken_copy
    sed -i 's|^\(            \)- --shutdown-delay=5|\1- --mode=audit\n\1- --shutdown-delay=5|' "$BROKEN/server/deployment.yaml"
    grep -q -- '- --mode=audit' "$BROKEN/server/deployment.yaml"
    fails_with "the Deployment passes no --mode"
    broken_copy
    sed -i 's|resources: \["pods/exec"\]|resources: ["pods/attach"]|' "$BROKEN/configuration/webhook.yaml"
    fails_with "pods/exec CONNECT"
    broken_copy
    sed -i 's|verbs: \["get"\]|verbs: ["get", "list"]|' "$BROKEN/server/rbac.yaml"
    fails_with "get pods, nothing more"
}

@test "kustomizations: a manifest left out, or a field the renderer does not know, fails" {
    broken_copy
    sed -i '/- pdb.yaml/d' "$BROKEN/server/kustomization.yaml"
    fails_with "server/pdb.yaml is in no kustomization"
    broken_copy
    printf 'namePrefix: x-\n' >> "$BROKEN/server/kustomization.yaml"
    fails_with "namePrefix: not rendered by this test's kustomize"
}

@test "README: install steps out of order fail (configuration before the wait, label before configuration, no caBundle run)" {
    broken_copy
    # the configuration applied before the pods are ready
    sed -i '0,/^3\. `kubectl -n strict-groups rollout status/{s/^3\. `kubectl -n strict-groups rollout status deployment\/strict-groups-webhook`/3. `kubectl apply -k deploy\/webhook\/configuration`/}' \
        "$BATS_TEST_TMPDIR/README.md"
    sed -i '0,/^4\. `kubectl apply -k deploy\/webhook\/configuration`/{s/^4\. `kubectl apply -k deploy\/webhook\/configuration`/4. `kubectl -n strict-groups rollout status deployment\/strict-groups-webhook`/}' \
        "$BATS_TEST_TMPDIR/README.md"
    fails_with "the configuration before the pods are ready"
    broken_copy
    # without cert-manager, the configuration without the gen-certs.sh that writes its caBundle
    sed -i 's|^4\. `kubectl apply -k deploy/webhook/configuration \&\& deploy/webhook/gen-certs.sh`|4. `kubectl apply -k deploy/webhook/configuration`|' \
        "$BATS_TEST_TMPDIR/README.md"
    fails_with "no gen-certs.sh after the configuration"
}

@test "README, Day 2: an uninstall that deletes the server before the configuration fails" {
    broken_copy
    sed -i 's|^\*Uninstall\*, in this order: (1) `kubectl delete -k deploy/webhook/configuration`|*Uninstall*, in this order: (1) `kubectl delete -k deploy/webhook/server`|' \
        "$BATS_TEST_TMPDIR/README.md"
    fails_with "uninstall does not delete the configuration first"
}
