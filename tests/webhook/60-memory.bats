#!/usr/bin/env bats
# Memory that holds: the webhook run with the Deployment's own flags
# (deploy/webhook/server, as kubectl kustomize renders it), the worst bursts
# those flags allow, and its peak RSS (VmHWM) against the Deployment's memory
# limit. Each test prints the numbers; README, "Sizing", explains them.

setup() {
    load lib
    # make sanitize-webhook runs this suite against an ASan build, whose
    # shadow memory and quarantine say nothing of the release build's RSS
    if nm "$WH_BIN" 2>/dev/null | grep -q ' __asan_init$'; then
        skip "$WH_BIN is an ASan build: its memory is not the release build's"
    fi
    # The image cache is not filled here (that takes a registry and thousands
    # of images): its budget (16 MiB of entries, IMAGE_CACHE_DEFAULT_MAX_BYTES)
    # and half as much again for malloc's headers and the 4096 tag entries
    # are added to every peak measured.
    CACHE_ALLOWANCE_KIB=$((24 * 1024))
}

teardown() {
    wh_stop_all
}

# deployment: DEPLOY_ARGS (the container's args, but the ones a test must
# set: certificate, listen addresses, image) and LIMIT_KIB (its memory limit)
deployment() {
    local out
    out=$(node --input-type=module -e '
        import { render } from "'"$BATS_TEST_DIRNAME"'/kustomize.mjs";
        const d = render(process.argv[1]).find((o) => o.kind === "Deployment");
        const c = d.spec.template.spec.containers[0];
        const units = { Ki: 1, Mi: 1024, Gi: 1024 * 1024 };
        const m = /^(\d+)(Ki|Mi|Gi)$/.exec(c.resources.limits.memory);
        if (!m) throw new Error(`limit ${c.resources.limits.memory}: not in Ki, Mi or Gi`);
        console.log(Number(m[1]) * units[m[2]]);
        for (const a of c.args)
            if (!/^--(tls-cert|tls-key|listen|metrics-listen|image)=/.test(a)) console.log(a);' \
        "$WH_REPO/deploy/webhook/server")
    LIMIT_KIB=$(echo "$out" | head -1)
    mapfile -t DEPLOY_ARGS < <(echo "$out" | tail -n +2)
}

# effective FLAG: its value in the Deployment's args, else the default the
# binary's --help states
effective() {
    local a
    for a in "${DEPLOY_ARGS[@]}"; do
        [[ "$a" == "--$1="* ]] && { echo "${a#*=}"; return; }
    done
    "$WH_BIN" --help | grep -A1 -- "^  --$1=" | tail -1 | sed -E 's/.*\(([0-9]+)\)$/\1/'
}

hwm_kib() {
    awk '/^VmHWM:/ {print $2}' "/proc/$WH_PID/status"
}

# verdict WHAT BASE_KIB PEAK_KIB: prints the numbers, fails above 90%
verdict() {
    local what=$1 base=$2 peak=$3 total pct
    total=$((peak + CACHE_ALLOWANCE_KIB))
    pct=$((total * 100 / LIMIT_KIB))
    echo "$what: at rest $((base / 1024)) MiB, peak RSS $((peak / 1024)) MiB," \
        "+ image cache $((CACHE_ALLOWANCE_KIB / 1024)) MiB = $((total / 1024)) MiB" \
        "of the Deployment's limit $((LIMIT_KIB / 1024)) MiB ($pct%)" >&3
    echo "$what: $((total / 1024)) MiB of $((LIMIT_KIB / 1024)) MiB ($pct%)"
    [ $((total * 10)) -le $((LIMIT_KIB * 9)) ]
}

@test "the worst burst of unfinished requests (every connection held, bodies up to the caps) stays under 90% of the memory limit" {
    deployment
    conns=$(effective max-connections)
    body=$(effective max-body-bytes)
    buffered=$(effective max-buffered-bytes)
    echo "flags: ${DEPLOY_ARGS[*]}; --max-connections=$conns --max-body-bytes=$body --max-buffered-bytes=$buffered"
    wh_start burst "${DEPLOY_ARGS[@]}"
    base=$(hwm_kib)
    # as many whole bodies as the cap holds, one more (refused), the other
    # connections with headers that never end (8 KiB held by each)
    full=$((buffered / body + 1))
    wh_client burst "$conns" "$full" $((body - 1)) 8192 3 > "$BATS_TEST_TMPDIR/burst.json"
    peak=$(hwm_kib)
    cat "$BATS_TEST_TMPDIR/burst.json"
    [ "$(jq .connected "$BATS_TEST_TMPDIR/burst.json")" -eq "$conns" ]
    # the burst reached the cap: the bodies are in memory, the one more refused
    [ $(((peak - base) * 1024)) -ge "$buffered" ]
    wh_curl "$WEBHOOK_URL/metrics" | grep -q '^strict_groups_webhook_http_errors_total{code="503"} [1-9]'
    verdict "unfinished requests" "$base" "$peak"
}

# review_of SHAPE N FILE: an AdmissionReview whose pod has a field x holding
# N values of SHAPE (objects: {}, strings: "a", numbers: 1, keys: an object
# of N keys); prints its size and what the webhook charges for it
review_of() {
    node -e '
        const [shape, n, file] = process.argv.slice(1);
        const x = shape === "keys" ? Object.fromEntries([...Array(+n).keys()].map((i) => ["k" + i, 0]))
            : Array(+n).fill(shape === "objects" ? {} : shape === "strings" ? "a" : 1);
        const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "big", namespace: "x" },
            spec: { securityContext: { runAsGroup: 1000, supplementalGroups: [60000] },
                containers: [{ name: "app", image: "a:1", command: ["/app"], x }] } };
        const text = JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview",
            request: { uid: "u", kind: { group: "", version: "v1", kind: "Pod" },
                resource: { group: "", version: "v1", resource: "pods" }, namespace: "x",
                operation: "CREATE", object: pod } });
        require("fs").writeFileSync(file, text);
        const values = 1 + [...text].filter((c) => "[{,:".includes(c)).length;
        console.log(text.length, 2 * text.length + 256 * values);' "$@"
}

post_review() {
    wh_curl -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
        --data-binary @"$1" "$WEBHOOK_URL/mutate"
}

@test "a parsed review costs less than what the webhook charges for it (the estimate is from above), for every shape of values" {
    for shape in objects strings numbers keys; do
        read -r size charge < <(review_of "$shape" 200000 "$BATS_TEST_TMPDIR/$shape.json")
        wh_start "shape-$shape" --threads=1 --max-buffered-bytes=1073741824
        base=$(hwm_kib)
        [ "$(post_review "$BATS_TEST_TMPDIR/$shape.json")" = 200 ]
        cost=$(($(hwm_kib) - base))
        echo "$shape: $size bytes, $((cost * 1024 / 200000)) bytes a value, $((cost / 1024)) MiB; charged $((charge / 1048576)) MiB"
        echo "$shape: $size bytes, parsed and answered $((cost / 1024)) MiB, charged $((charge / 1048576)) MiB" >&3
        [ $((cost * 1024)) -le "$charge" ]
        wh_stop_all
    done
}

@test "a burst of parsed reviews (more at once than the charge lets in) stays under 90% of the memory limit" {
    deployment
    buffered=$(effective max-buffered-bytes)
    threads=$(effective threads)
    # empty objects, the dearest values: each review charged a little under
    # half the cap, so two are answered at once and the others wait or get 503
    per=$(((buffered / 2 - 65536) / 518))
    read -r size charge < <(review_of objects "$per" "$BATS_TEST_TMPDIR/objects.json")
    echo "each review: $size bytes, charged $charge of $buffered"
    [ "$charge" -le $((buffered / 2)) ]
    wh_start parsed "${DEPLOY_ARGS[@]}"
    base=$(hwm_kib)
    clients=()
    for i in $(seq $((threads + 4))); do
        post_review "$BATS_TEST_TMPDIR/objects.json" > "$BATS_TEST_TMPDIR/code-$i" &
        clients+=($!)
    done
    wait "${clients[@]}"
    peak=$(hwm_kib)
    sort "$BATS_TEST_TMPDIR"/code-* | uniq -c
    grep -qx 200 "$BATS_TEST_TMPDIR"/code-*
    # a review that could never fit: 413 at once, nothing parsed
    read -r _ charge < <(review_of objects $((buffered / 500)) "$BATS_TEST_TMPDIR/huge.json")
    [ "$charge" -gt "$buffered" ]
    [ "$(post_review "$BATS_TEST_TMPDIR/huge.json")" = 413 ]
    verdict "parsed reviews" "$base" "$peak"
}
