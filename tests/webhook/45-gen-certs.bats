#!/usr/bin/env bats
# deploy/webhook/gen-certs.sh, run against a stand-in kubectl
# (fake-kubectl.mjs: answers as kubectl would from objects it keeps, records
# every call), the certificates it makes checked with openssl; then a
# renewal of the serving pair, as kubelet delivers it, under load.

bats_require_minimum_version 1.5.0

setup() {
    load lib
    GEN=$WH_REPO/deploy/webhook/gen-certs.sh
    export FAKE_KUBECTL_STATE=$BATS_TEST_TMPDIR/cluster
    FAKE_BIN=$BATS_TEST_TMPDIR/bin
    mkdir -p "$FAKE_BIN"
    printf '#!/bin/sh\nexec node %s/fake-kubectl.mjs "$@"\n' "$BATS_TEST_DIRNAME" > "$FAKE_BIN/kubectl"
    chmod +x "$FAKE_BIN/kubectl"
    CALLS=$FAKE_KUBECTL_STATE/calls.log
}

teardown() {
    wh_stop_all
}

gen() {
    PATH=$FAKE_BIN:$PATH "$GEN" "$@"
}

# with_configuration [N]: the cluster has the MutatingWebhookConfiguration as
# deploy/webhook/configuration renders it; with N, N entries (copies of the
# first, renamed)
with_configuration() {
    node --input-type=module -e '
        import { render } from "'"$BATS_TEST_DIRNAME"'/kustomize.mjs";
        const [mwc] = render(process.argv[1]);
        const n = Number(process.argv[2] || mwc.webhooks.length);
        mwc.webhooks = [...Array(n).keys()].map((i) => i < mwc.webhooks.length ? mwc.webhooks[i] :
            { ...structuredClone(mwc.webhooks[0]), name: `extra${i}.strict-groups.webhook` });
        console.log(JSON.stringify(mwc));' "$WH_REPO/deploy/webhook/configuration" "${1:-}" \
        > "$BATS_TEST_TMPDIR/mwc.json"
    node "$BATS_TEST_DIRNAME/fake-kubectl.mjs" --load "$BATS_TEST_TMPDIR/mwc.json"
    rm -f "$CALLS"
}

# object KIND NS NAME: the JSON the stand-in keeps
object() {
    cat "$FAKE_KUBECTL_STATE/$1.${2:-_}.$3.json"
}

# secret_file NAME KEY OUT: a key of a Secret in strict-groups, decoded
secret_file() {
    object secret strict-groups "$1" | jq -r --arg k "$2" '.data[$k]' | base64 -d > "$3"
}

@test "--help: usage on stdout, exit 0, nothing asked of kubectl" {
    run --separate-stderr gen --help
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [[ "${lines[0]}" == "Usage: gen-certs.sh [OPTIONS] [DAYS]" ]]
    echo "$output" | grep -q -- '--days=DAYS'
    echo "$output" | grep -q -- '--configuration=NAME'
    run gen -h
    [ "$status" -eq 0 ]
    [ ! -e "$CALLS" ]
}

@test "bad arguments: exit 64 with one line on stderr, before anything is asked of kubectl" {
    for args in --days=0 --days=-1 --days=abc --days=010 --days=36501 --days= 0 "30 40" --ca-days=0 \
        "--days=400 --ca-days=300" --namespace=Bad_NS --namespace=-x --namespace= "--namespace=a.b" \
        --service=x- --service=$(printf 'a%.0s' $(seq 60)) --configuration=a..b --configuration=.a \
        --configuration=A --bogus -x; do
        # shellcheck disable=SC2086
        run --separate-stderr gen $args
        echo "$args: $status: $stderr"
        [ "$status" -eq 64 ]
        [ -z "$output" ]
        [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
        [[ "$stderr" == "gen-certs.sh: "* ]]
    done
    [ ! -e "$CALLS" ]
}

@test "kubectl or openssl missing: exit 69, saying which" {
    mkdir -p "$BATS_TEST_TMPDIR/tools"
    for tool in mktemp base64 tr rm cat; do ln -s "$(command -v "$tool")" "$BATS_TEST_TMPDIR/tools/$tool"; done
    run --separate-stderr env PATH="$BATS_TEST_TMPDIR/tools" "$GEN"
    [ "$status" -eq 69 ]
    [ "$stderr" = "gen-certs.sh: openssl: not found on PATH" ]
    ln -s "$(command -v openssl)" "$BATS_TEST_TMPDIR/tools/openssl"
    run --separate-stderr env PATH="$BATS_TEST_TMPDIR/tools" "$GEN"
    [ "$status" -eq 69 ]
    [ "$stderr" = "gen-certs.sh: kubectl: not found on PATH" ]
}

@test "before the configuration exists: the namespace, the CA and the serving Secret, then a note; nothing else" {
    run gen
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "${lines[-1]}" == "gen-certs.sh: no MutatingWebhookConfiguration strict-groups-webhook (or no entry in it) yet: apply it, then run gen-certs.sh again to write its caBundle" ]]
    # the calls, in order: the Secrets before any look at the configuration,
    # and no change to it
    jq -r '.[0:3] | join(" ")' "$CALLS" > "$BATS_TEST_TMPDIR/calls"
    cat "$BATS_TEST_TMPDIR/calls"
    [ "$(sed -n 1p "$BATS_TEST_TMPDIR/calls")" = "get namespace strict-groups" ]
    [ "$(sed -n 2p "$BATS_TEST_TMPDIR/calls")" = "create namespace strict-groups" ]
    [ "$(grep -n 'mutatingwebhookconfiguration' "$BATS_TEST_TMPDIR/calls" | cut -d: -f1)" = "$(wc -l < "$BATS_TEST_TMPDIR/calls")" ]
    ! grep -q '^patch' "$BATS_TEST_TMPDIR/calls"
    # the CA: a CA, ten years
    secret_file strict-groups-webhook-ca tls.crt "$BATS_TEST_TMPDIR/ca.crt"
    openssl x509 -in "$BATS_TEST_TMPDIR/ca.crt" -noout -text | grep -A1 'Basic Constraints: critical' | grep -q 'CA:TRUE'
    openssl x509 -in "$BATS_TEST_TMPDIR/ca.crt" -noout -checkend $((3649 * 86400)) >/dev/null
    ! openssl x509 -in "$BATS_TEST_TMPDIR/ca.crt" -noout -checkend $((3651 * 86400)) >/dev/null
    # the serving pair: signed by the CA, for the Service's names, a year, its key
    secret_file strict-groups-webhook-tls tls.crt "$BATS_TEST_TMPDIR/tls.crt"
    secret_file strict-groups-webhook-tls tls.key "$BATS_TEST_TMPDIR/tls.key"
    openssl verify -CAfile "$BATS_TEST_TMPDIR/ca.crt" -purpose sslserver "$BATS_TEST_TMPDIR/tls.crt"
    openssl x509 -in "$BATS_TEST_TMPDIR/tls.crt" -noout -ext subjectAltName |
        grep -q 'DNS:strict-groups-webhook.strict-groups.svc, DNS:strict-groups-webhook.strict-groups.svc.cluster.local'
    openssl x509 -in "$BATS_TEST_TMPDIR/tls.crt" -noout -checkend $((364 * 86400)) >/dev/null
    ! openssl x509 -in "$BATS_TEST_TMPDIR/tls.crt" -noout -checkend $((366 * 86400)) >/dev/null
    [ "$(openssl x509 -in "$BATS_TEST_TMPDIR/tls.crt" -noout -pubkey)" = "$(openssl pkey -in "$BATS_TEST_TMPDIR/tls.key" -pubout)" ]
    [ "$(object secret strict-groups strict-groups-webhook-tls | jq -r .type)" = kubernetes.io/tls ]
}

@test "every entry of the configuration gets the CA, in one patch, whatever their number; a second run keeps the CA" {
    gen
    secret_file strict-groups-webhook-ca tls.crt "$BATS_TEST_TMPDIR/ca-first.crt"
    secret_file strict-groups-webhook-tls tls.crt "$BATS_TEST_TMPDIR/tls-first.crt"
    for n in 3 5 1; do
        with_configuration "$n"
        run gen --days=30
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "${lines[-1]}" == *"the caBundle of the $n entries of strict-groups-webhook is the CA of strict-groups-webhook-ca" ]]
        [ "$(grep -c '^\["patch"' "$CALLS")" -eq 1 ]
        object mutatingwebhookconfiguration _ strict-groups-webhook |
            jq -r '.webhooks[].clientConfig.caBundle' > "$BATS_TEST_TMPDIR/bundles"
        [ "$(wc -l < "$BATS_TEST_TMPDIR/bundles")" -eq "$n" ]
        [ "$(sort -u "$BATS_TEST_TMPDIR/bundles" | wc -l)" -eq 1 ]
        # the same CA as the first run, and the renewed pair is signed by it
        [ "$(head -1 "$BATS_TEST_TMPDIR/bundles" | base64 -d)" = "$(cat "$BATS_TEST_TMPDIR/ca-first.crt")" ]
        secret_file strict-groups-webhook-tls tls.crt "$BATS_TEST_TMPDIR/tls.crt"
        ! cmp -s "$BATS_TEST_TMPDIR/tls.crt" "$BATS_TEST_TMPDIR/tls-first.crt"
        openssl verify -CAfile "$BATS_TEST_TMPDIR/ca-first.crt" "$BATS_TEST_TMPDIR/tls.crt"
        ! openssl x509 -in "$BATS_TEST_TMPDIR/tls.crt" -noout -checkend $((31 * 86400)) >/dev/null
        # nothing but the caBundles changed
        diff <(jq 'del(.webhooks[].clientConfig.caBundle)' "$BATS_TEST_TMPDIR/mwc.json") \
            <(object mutatingwebhookconfiguration _ strict-groups-webhook | jq 'del(.webhooks[].clientConfig.caBundle)')
    done
}

@test "other names: --namespace, --service, --configuration name the Secrets, the certificate and the configuration" {
    node --input-type=module -e '
        import { render } from "'"$BATS_TEST_DIRNAME"'/kustomize.mjs";
        const [mwc] = render(process.argv[1]);
        mwc.metadata.name = "sg-config";
        console.log(JSON.stringify(mwc));' "$WH_REPO/deploy/webhook/configuration" > "$BATS_TEST_TMPDIR/mwc.json"
    node "$BATS_TEST_DIRNAME/fake-kubectl.mjs" --load "$BATS_TEST_TMPDIR/mwc.json"
    run gen --namespace=sg --service=hook --configuration=sg-config 20
    echo "$output"
    [ "$status" -eq 0 ]
    object secret sg hook-ca >/dev/null
    object secret sg hook-tls | jq -r '.data["tls.crt"]' | base64 -d |
        openssl x509 -noout -ext subjectAltName | grep -q 'DNS:hook.sg.svc, DNS:hook.sg.svc.cluster.local'
    [ "$(object mutatingwebhookconfiguration _ sg-config | jq '[.webhooks[].clientConfig.caBundle | select(. != null)] | length')" -eq 3 ]
}

@test "a CA that ends before the new certificate would: exit 65, nothing replaced" {
    gen --ca-days=10 --days=5
    cp "$FAKE_KUBECTL_STATE/secret.strict-groups.strict-groups-webhook-tls.json" "$BATS_TEST_TMPDIR/before.json"
    run --separate-stderr gen --days=11
    [ "$status" -eq 65 ]
    [[ "$stderr" == "gen-certs.sh: the CA in Secret strict-groups/strict-groups-webhook-ca ends before 11 days"* ]]
    cmp "$BATS_TEST_TMPDIR/before.json" "$FAKE_KUBECTL_STATE/secret.strict-groups.strict-groups-webhook-tls.json"
}

@test "a kubectl call that fails stops the script there: no Secret without its CA, no caBundle without the Secret" {
    with_configuration
    FAKE_KUBECTL_FAIL='create secret tls strict-groups-webhook-ca ' run gen
    [ "$status" -ne 0 ]
    [ ! -e "$FAKE_KUBECTL_STATE/secret.strict-groups.strict-groups-webhook-tls.json" ]
    ! grep -q '^\["patch"' "$CALLS"
    FAKE_KUBECTL_FAIL='^apply ' run gen
    [ "$status" -ne 0 ]
    ! grep -q '^\["patch"' "$CALLS"
    [ "$(object mutatingwebhookconfiguration _ strict-groups-webhook | jq '[.webhooks[].clientConfig.caBundle | select(. != null)] | length')" -eq 0 ]
}

# kubelet's secret volume: the files are links into ..data, a link to a
# timestamped directory; an update writes a new directory and renames a new
# ..data link over the old one (one atomic step), then removes the old one.
kubelet_volume() {
    local dir=$1 version=$2
    mkdir -p "$dir/..$version"
    secret_file strict-groups-webhook-tls tls.crt "$dir/..$version/tls.crt"
    secret_file strict-groups-webhook-tls tls.key "$dir/..$version/tls.key"
    chmod 0644 "$dir/..$version/tls.crt" "$dir/..$version/tls.key"
    ln -sfn "..$version" "$dir/..data_tmp"
    mv -T "$dir/..data_tmp" "$dir/..data"
    [ -L "$dir/tls.crt" ] || ln -s ..data/tls.crt "$dir/tls.crt"
    [ -L "$dir/tls.key" ] || ln -s ..data/tls.key "$dir/tls.key"
    find "$dir" -maxdepth 1 -name '..20*' ! -name "..$version" -exec rm -rf {} +
}

@test "renewal under load: gen-certs.sh again, kubelet's link swap, a client trusting only the caBundle's CA: no request fails, the new certificate serves" {
    with_configuration
    gen
    vol=$BATS_TEST_TMPDIR/volume
    kubelet_volume "$vol" 2026_01_01_00_00_00.1
    # the client trusts what the API server would: the configuration's caBundle
    object mutatingwebhookconfiguration _ strict-groups-webhook | jq -r '.webhooks[0].clientConfig.caBundle' |
        base64 -d > "$BATS_TEST_TMPDIR/bundle.crt"
    export WEBHOOK_SERVERNAME=strict-groups-webhook.strict-groups.svc
    WH_TLS_CERT=$vol/tls.crt WH_TLS_KEY=$vol/tls.key WH_TLS_CA=$BATS_TEST_TMPDIR/bundle.crt wh_start renew
    before=$(wh_client fingerprint)
    [ "$before" = "$(openssl x509 -in "$vol/tls.crt" -noout -fingerprint -sha256 | sed 's/.*=//')" ]
    # renewed in the cluster; kubelet brings it to the volume a while later
    run gen
    [ "$status" -eq 0 ]
    # the caBundle did not change
    object mutatingwebhookconfiguration _ strict-groups-webhook | jq -r '.webhooks[0].clientConfig.caBundle' |
        base64 -d | cmp - "$BATS_TEST_TMPDIR/bundle.crt"
    wh_client load 6 8 > "$BATS_TEST_TMPDIR/load.json" &
    load=$!
    sleep 2
    kubelet_volume "$vol" 2026_03_01_00_00_00.2
    after=$(openssl x509 -in "$vol/tls.crt" -noout -fingerprint -sha256 | sed 's/.*=//')
    [ "$after" != "$before" ]
    wait "$load"
    cat "$BATS_TEST_TMPDIR/load.json"
    [ "$(jq .failed "$BATS_TEST_TMPDIR/load.json")" = 0 ]
    [ "$(jq .ok "$BATS_TEST_TMPDIR/load.json")" -gt 100 ]
    # both certificates served during the run, the new one after it
    jq -e --arg a "$before" --arg b "$after" '.fingerprints | has($a) and has($b)' "$BATS_TEST_TMPDIR/load.json"
    [ "$(wh_client fingerprint)" = "$after" ]
    grep -q 'serving certificate reloaded' "$WH_DIR/log"
}
