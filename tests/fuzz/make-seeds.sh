#!/bin/bash
# Writes the seed corpus of fuzz_config_policy into DIR (default
# tests/fuzz/corpus). The layout of an input is described at the top of
# fuzz_config_policy.c: an 8-byte header (octal escapes below), 2 bytes per
# held group, then NUL-separated fields: GROUPS MODE USER NNP GID PRELOAD
# LOCK, then extra fields.
set -eu
dir=${1:-$(dirname "$0")/corpus}
mkdir -p "$dir"

# seed NAME HEADER+HELD FIELD...
seed() {
    local name=$1 head=$2
    shift 2
    { printf "$head"; for f in "$@"; do printf '%s\0' "$f"; done; } > "$dir/$name"
}

# held groups: 1000 = \003\350, table entries \200\00N: 0 1000 50000 60000 1 65534 4294967294 2^31
H_1000_50000='\003\350\200\002'
H_1000_50000_60000='\003\350\200\002\200\003'

# h0 present, h1 as option, h2 "--opt VALUE", h3 misc, h4 ids/caps/LD_PRELOAD, h5 uids, h6 gids, h7 nheld
seed common-drop        '\001\000\000\000\001\000\000\002'"$H_1000_50000"           '1000'
seed common-keep-60000  '\001\000\000\000\001\000\000\003'"$H_1000_50000_60000"     '60000'
seed empty-groups       '\001\000\000\000\001\000\000\002'"$H_1000_50000"           ''
seed noop               '\001\000\000\000\001\000\000\001\003\350'                   '1000'
seed root-switch        '\005\000\000\000\000\000\000\001\200\000'                   '1000,60000' '' '1000:1000'
seed root-switch-nonroot '\005\000\000\000\001\000\000\002'"$H_1000_50000"          '60000' '' '1000:1000'
seed options            '\003\003\002\000\001\000\000\002'"$H_1000_50000"           '60000' 'audit'
seed option-wins        '\001\001\000\200\001\000\000\002'"$H_1000_50000"           '1000' '' '' '' '' '' '' '01,x'
seed refuse             '\003\000\000\000\001\000\000\002'"$H_1000_50000"           '60000' 'refuse'
seed nnp-off            '\011\000\000\000\001\000\000\002'"$H_1000_50000"           '60000' '' '' '0'
seed gid-match          '\021\000\000\000\001\000\000\002'"$H_1000_50000"           '60000' '' '' '' '1000'
seed gid-mismatch       '\021\000\000\000\002\025\052\002'"$H_1000_50000"           '60000' '' '' '' '1000'
seed inconsistent-ids   '\001\000\000\000\002\004\000\002'"$H_1000_50000"           '60000'
seed lock               '\111\000\000\000\005\000\000\002'"$H_1000_50000"           '60000' '' '' '0' '' '' '1'
seed preload            '\041\000\000\000\021\000\000\002'"$H_1000_50000"           '60000' '' '' '' '' '/strict/libstrict-preload.so' '' '/a.so' '/b.so:/c.so'
seed preload-bad        '\041\000\000\000\001\000\000\002'"$H_1000_50000"           '60000' '' '' '' '' '/x:y.so'
seed check              '\001\000\000\004\001\000\000\002'"$H_1000_50000"           '60000'
# install seals its options only (issue 18): the settings as options (h1)
seed install            '\001\001\000\010\000\000\000\000'                           '60000' '' '' '' '' '' '' '/dest'
# install with the lock: 253 groups and the primary gid are the filter's
# limit; one more is refused by install (64)
seed install-lock-limit '\101\101\000\010\000\000\000\000'                           "$(seq -s, 2001 2253)" '' '' '' '' '' '1' '/dest'
seed install-lock-over  '\101\101\000\010\000\000\000\000'                           "$(seq -s, 2001 2254)" '' '' '' '' '' '1' '/dest'
seed install-no-groups  '\000\000\000\010\000\000\000\000'                           '' '' '' '' '' '' '' '/dest'
seed install-every      '\177\177\000\010\000\000\000\000'                           '1,60000' 'enforce' '0:5' '1' '5' '/s/g.so' '0' '/dest'
# a variable its option does not repeat is refused; one it repeats is fine
seed install-variable   '\001\000\000\010\000\000\000\000'                           '60000' '' '' '' '' '' '' '/dest'
seed install-repeated   '\001\001\000\210\000\000\000\000'                           '60000' '' '' '' '' '' '' '60000,60000' '/dest'
seed help               '\001\000\000\020\000\000\000\000'                           '5'
seed no-command         '\001\000\000\040\000\000\000\000'                           '5'
seed dashdash-check     '\001\000\000\006\001\000\000\000'                           '5'
seed duplicate-env      '\001\000\000\001\001\000\000\000'                           '5' '' '' '' '' '' '' '6'
seed junk-variable      '\001\000\000\100\001\000\000\000'                           '5'
seed leading-zero       '\001\000\000\000\001\000\000\000'                           '1000,01'
seed empty-element      '\001\000\000\000\001\000\000\000'                           '1000,,2'
seed trailing-comma     '\001\000\000\000\001\000\000\000'                           '1000,'
seed too-large          '\001\000\000\000\001\000\000\000'                           '4294967295'
seed largest            '\001\000\000\000\001\000\000\000'                           '4294967294'
seed overflow           '\001\000\000\000\001\000\000\000'                           '99999999999999999999'
seed sign               '\001\000\000\000\001\000\000\000'                           '+5,-1'
seed space-hex          '\001\000\000\000\001\000\000\000'                           ' 1,0x10'
seed bad-user           '\005\000\000\000\000\000\000\000'                           '1' '' '1000'
seed bad-user-colons    '\005\000\000\000\000\000\000\000'                           '1' '' '1:2:3'
seed bad-mode           '\003\000\000\000\001\000\000\000'                           '1' 'Enforce'
seed raw-argv           '\201\000\000\000\001\000\000\002'"$H_1000_50000"           '60000' '' '' '' '' '' '' '--groups' '1000' '--mode=refuse' '--' 'id' '-G'
seed raw-unknown-option '\200\000\000\000\001\000\000\000'                           '' '' '' '' '' '' '' '--frobnicate' 'x'
# an option that is not one, carrying a newline: the error must stay one line
seed unknown-option-newline '\200\000\000\000\001\000\000\000'                      '' '' '' '' '' '' '' "--x
strict-init: dropped groups 50000"
seed long-list          '\001\000\000\000\001\000\000\002'"$H_1000_50000"           "$(seq -s, 1 3000)"
# sealed copies (h4 bit 5): the first extra field is the seal, \001 for its NULs
SEAL='STRICT_GROUPS=60000\001STRICT_GROUPS_MODE=enforce\001STRICT_GROUPS_NO_NEW_PRIVS=1'
seed sealed-drop        '\000\000\000\000\041\000\000\002'"$H_1000_50000"           '' '' '' '' '' '' '' "$(printf "$SEAL")"
seed sealed-equal-env   '\003\000\000\000\041\000\000\002'"$H_1000_50000"           '60000,60000' 'enforce' '' '' '' '' '' "$(printf "$SEAL")"
seed sealed-contradict  '\002\000\000\000\041\000\000\002'"$H_1000_50000"           '' 'audit' '' '' '' '' '' "$(printf "$SEAL")"
seed sealed-add-checks  '\160\000\000\000\041\000\000\002'"$H_1000_50000"           '' '' '' '' '1000' '/s/g.so' '1' "$(printf "$SEAL")"
seed sealed-user        '\004\000\000\000\040\000\000\000'                           '' '' '0:0' '' '' '' '' "$(printf "$SEAL")"
seed sealed-switch      '\000\000\000\000\040\000\000\001\200\000'                   '' '' '' '' '' '' '' "$(printf 'STRICT_GROUPS=1000\001STRICT_GROUPS_MODE=enforce\001STRICT_GROUPS_USER=1000:1000\001STRICT_GROUPS_NO_NEW_PRIVS=1\001STRICT_GROUPS_LOCK=0')"
seed sealed-damaged     '\000\000\000\000\041\000\000\002'"$H_1000_50000"           '' '' '' '' '' '' '' "$(printf 'STRICT_GROUPS=60000\001STRICT_GROUPS=1')"
seed sealed-check       '\000\000\000\004\041\000\000\002'"$H_1000_50000"           '' '' '' '' '' '' '' "$(printf "$SEAL")"
# a sealed copy given no setting installs its own seal
seed install-sealed-own '\000\000\000\010\040\000\000\000'                           '' '' '' '' '' '' '' "$(printf "$SEAL")" '/dest'
echo "wrote $(ls "$dir" | wc -l) seeds to $dir"
