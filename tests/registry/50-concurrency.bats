#!/usr/bin/env bats
# The cache in front of a real registry, counted in the registry's own
# access log: concurrent lookups of one image share one round trip, the
# tag TTL and imagePullPolicy Always read the tag again with a HEAD only.

load lib/registry

@test "16 lookups of one tag at once: one registry round trip" {
    run driver --config "$REG_ROOT/config.json" "parallel:16:$BASIC/e2e/conc:1" metrics
    [ "$(jqo 1 '[.results[] | select(.result == "ok")] | length')" -eq 16 ] || { echo "$output"; false; }
    [ "$(jqo 1 '[.results[].digest_ref] | unique | length')" -eq 1 ]
    # the manifest read once (after the 401 that asks for credentials),
    # the config blob once
    [ "$(reg_count basic GET /v2/e2e/conc/manifests/1 200)" -eq 1 ]
    [ "$(reg_count basic GET '/v2/e2e/conc/blobs/sha256:[0-9a-f]+' 307)" -eq 1 ]
    [ "$(jqo 2 .registry_lookups)" -eq 1 ]
    # the others waited for that one (or came after it and hit the cache)
    [ "$(jqo 2 '.coalesced + .hits_tag')" -eq 15 ]
}

@test "a tag TTL of 0: the tag is read again with a HEAD, the image comes from the cache" {
    run driver --config "$REG_ROOT/config.json" --tag-ttl 0 \
        "lookup:$BASIC/e2e/ttl:1" "lookup:$BASIC/e2e/ttl:1" "lookup:$BASIC/e2e/ttl:1" metrics
    [ "$(jqo 3 .result)" = ok ]
    [ "$(reg_count basic GET /v2/e2e/ttl/manifests/1 200)" -eq 1 ]
    [ "$(reg_count basic HEAD /v2/e2e/ttl/manifests/1 200)" -eq 2 ]
    [ "$(jqo 4 .hits_revalidated)" -eq 2 ]
}

@test "imagePullPolicy Always reads the tag again within the TTL" {
    local gets heads
    gets=$(reg_count basic GET /v2/e2e/ttl/manifests/1 200)
    heads=$(reg_count basic HEAD /v2/e2e/ttl/manifests/1 200)
    run driver --config "$REG_ROOT/config.json" --tag-ttl 3600 \
        "lookup:$BASIC/e2e/ttl:1" "lookup:$BASIC/e2e/ttl:1" "always:$BASIC/e2e/ttl:1" metrics
    [ "$(jqo 3 .result)" = ok ]
    [ "$(reg_count basic GET /v2/e2e/ttl/manifests/1 200)" -eq $((gets + 1)) ]
    [ "$(reg_count basic HEAD /v2/e2e/ttl/manifests/1 200)" -eq $((heads + 1)) ]
    [ "$(jqo 4 .hits_tag)" -eq 1 ]
}
