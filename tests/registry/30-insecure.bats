#!/usr/bin/env bats
# Plain HTTP only for the hosts listed with --insecure-registry: the
# registry, and any host its redirects lead to.

load lib/registry

@test "a plain-HTTP registry not listed: https is tried and fails" {
    run driver "lookup:$PLAIN/e2e/single:1"
    [ "$(jqo 1 .result)" = tls ] || { echo "$output"; false; }
}

@test "the registry listed, its redirect to another plain-HTTP host is not followed" {
    : > "$REG_ROOT/blobs-http.log"
    run driver --insecure "$PLAIN" "lookup:$PLAIN/e2e/single:1"
    [ "$(jqo 1 .result)" = unsupported ] || { echo "$output"; false; }
    [[ "$(jqo 1 .error)" == *"refusing a redirect to http://$BLOBS_HTTP/"* ]]
    [ "$(wc -l < "$REG_ROOT/blobs-http.log")" -eq 0 ]
}

@test "both listed: the image, over plain HTTP" {
    run driver --insecure "$PLAIN" --insecure "$BLOBS_HTTP" "lookup:$PLAIN/e2e/single:1"
    [ "$(jqo 1 .result)" = ok ] || { echo "$output"; false; }
    [ "$(jqo 1 .digest_ref)" = "$PLAIN/e2e/single@$SINGLE_DIGEST" ]
    [ "$(grep -c '"method":"GET".*"status":200' "$REG_ROOT/blobs-http.log")" -ge 1 ]
}
