#!/usr/bin/env bats
# A registry behind a Bearer token service (Distribution's `auth: token`,
# the scheme Docker Hub and most hosted registries use): the challenge's
# realm and service, a token for "repository:NAME:pull", anonymous or
# with the config.json's credentials, reused until it expires.

load lib/registry

setup() {
    : > "$REG_ROOT/token.log"
}

# token_requests USER SCOPE STATUS: lines of the token service's log.
token_requests() {
    jq -c --arg u "$1" --arg s "$2" --argjson st "$3" \
        'select(.user == $u and (.scopes | index($s)) != null and .status == $st)' \
        "$REG_ROOT/token.log" | wc -l
}

@test "anonymous pull of a public repository: an anonymous token" {
    run driver "lookup:$TOKEN/public/app:1"
    [ "$(jqo 1 .result)" = ok ] || { echo "$output"; cat "$REG_ROOT/token.log"; false; }
    [ "$(jqo 1 -c .entrypoint)" = '["/bin/sh","-c"]' ]
    [ "$(token_requests "" repository:public/app:pull 200)" -eq 1 ]
}

@test "a private repository with the config.json's credentials (username/password, https://HOST/v1/ key)" {
    run driver --config "$REG_ROOT/config.json" "lookup:$TOKEN/private/app:1"
    [ "$(jqo 1 .result)" = ok ] || { echo "$output"; cat "$REG_ROOT/token.log"; false; }
    [ "$(token_requests alice repository:private/app:pull 200)" -eq 1 ]
    [ "$(token_requests "" repository:private/app:pull 200)" -eq 0 ]
}

@test "a private repository without credentials: refused" {
    run driver "lookup:$TOKEN/private/app:1"
    [ "$(jqo 1 .result)" = auth ]
    [[ "$(jqo 1 .error)" == *"(HTTP 401)"* ]]
    # an anonymous token was asked for, and the registry refused it
    [ "$(token_requests "" repository:private/app:pull 200)" -eq 1 ]
}

@test "wrong credentials: the token service refuses them" {
    run driver --config "$REG_ROOT/config-wrong.json" "lookup:$TOKEN/private/app:1"
    [ "$(jqo 1 .result)" = auth ]
    [[ "$(jqo 1 .error)" == *"the token service refused"* ]]
    [ "$(token_requests "(refused)" repository:private/app:pull 401)" -eq 1 ]
}

@test "the token is reused for the next requests of the same repository" {
    run driver --config "$REG_ROOT/config.json" "lookup:$TOKEN/private/app:1" \
        "always:$TOKEN/private/app:1" "always:$TOKEN/private/app:1"
    [ "$(jqo 1 .result)" = ok ]
    [ "$(jqo 2 .result)" = ok ]
    [ "$(jqo 3 .result)" = ok ]
    # one token for the three lookups (a GET, two HEADs), none per request
    [ "$(wc -l < "$REG_ROOT/token.log")" -eq 1 ]
}
