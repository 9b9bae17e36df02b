#!/usr/bin/env bats
# The registry stops answering, then goes away, in the middle of one
# process's lookups: what is cached is still served; everything else fails
# within the lookup's deadline (2 s here) with the kind that says why.
# This file stops the outage registry for good.

load lib/registry

@test "registry stopped, then gone: cached images served, the rest fails within the deadline" {
    local pid single=$OUTAGE/e2e/single
    pid=$(cat "$REG_ROOT/outage/pid")
    # Gone means every thread has exited: the registry is a Go program, and
    # its main thread shows state Z while other threads still hold the
    # listening socket (a connection then is accepted and reset, which
    # once made this test see "tls" instead of "unreachable"). At most 10 s.
    local WAIT_GONE="i=0; while [ \$i -lt 200 ] && grep -hs '^State:' /proc/$pid/task/*/status | grep -qv 'Z'; do i=\$((i + 1)); sleep 0.05; done"
    run driver --timeout 2 --tag-ttl 3600 \
        "lookup:$single:1" \
        "sh:kill -STOP $pid" \
        "lookup:$single:1" "lookup:$single@$SINGLE_DIGEST" \
        "always:$single:1" "lookup:$OUTAGE/e2e/other:1" \
        "sh:kill -KILL $pid; $WAIT_GONE" \
        "always:$single:1" "lookup:$OUTAGE/e2e/other:1" \
        "lookup:$single:1" "lookup:$single@$SINGLE_DIGEST" \
        metrics
    [ "$status" -eq 0 ]
    echo "$output"
    [ "$(jqo 1 .result)" = ok ]
    # stopped (SIGSTOP: connections accepted, nothing answered): the tag
    # within its TTL and the digest come from the cache...
    [ "$(jqo 3 .result)" = ok ]
    [ "$(jqo 3 .digest_ref)" = "$single@$SINGLE_DIGEST" ]
    [ "$(jqo 4 .result)" = ok ]
    # ... reading the tag again (imagePullPolicy: Always), or another
    # image, ends at the deadline
    for line in 5 6; do
        [ "$(jqo $line .result)" = timeout ]
        ms=$(jqo $line '.ms | floor')
        [ "$ms" -ge 1900 ] && [ "$ms" -le 3500 ]
    done
    [[ "$(jqo 5 .error)" == *"deadline"* ]]
    # gone (SIGKILL: connections refused): at once, unreachable
    for line in 8 9; do
        [ "$(jqo $line .result)" = unreachable ]
        [ "$(jqo $line '.ms | floor')" -lt 1900 ]
    done
    [ "$(jqo 10 .result)" = ok ]
    [ "$(jqo 11 .result)" = ok ]
    [ "$(jqo 12 .lookups.timeout)" -eq 2 ]
    [ "$(jqo 12 .lookups.unreachable)" -eq 2 ]
    [ "$(jqo 12 .lookups.ok)" -eq 5 ]
}
