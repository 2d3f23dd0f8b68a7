function __rg-gate_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rg-gate_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __rg-gate_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rg-gate_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __rg-gate_parse_tokens -S
    set -l unparsed_tokens (__rg-gate_tokens -pc)
    switch $unparsed_tokens[1]
    case 'rg-gate'
        __rg-gate_parse_subcommand 0 'h/help'
        switch $unparsed_tokens[1]
        case 'serve'
            __rg-gate_parse_subcommand 0 'listen=' 'http-listen=' 'allow-remote' 'max-connections=' 'max-connections-per-ip=' 'max-channels-per-connection=' 'handshake-timeout=' 'channel-open-timeout=' 'threads=' 'authority-key=' 'certificate-validity=' 'mode=' 'stale-hold=' 'network=' 'payout=' 'coinbase-tag=' 'extranonce-size=' 'extranonce-prefix-size=' 'server-id=' 'default-difficulty=' 'min-difficulty=' 'max-difficulty=' 'vardiff-rate=' 'share-rate-limit=' 'db=' 'snapshot-interval=' 'max-line-bytes=' 'log-level=' 'h/help'
        case 'keygen'
            __rg-gate_parse_subcommand 0 'output=' 'h/help'
        case 'pubkey'
            __rg-gate_parse_subcommand 0 'key=' 'h/help'
        case 'help'
            __rg-gate_parse_subcommand -r 1 
        end
    end
end

function __rg-gate_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __rg-gate_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __rg-gate_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __rg-gate_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__rg-gate_tokens -p)
    if test -z "$(__rg-gate_tokens -t)"
        set -l index (count (__rg-gate_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'rg-gate' -f
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_positional "rg-gate" -eq 1' -fa 'serve' -d 'Serve Stratum V2 (Noise NX) to miners from verdict records on stdin.'
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_positional "rg-gate" -eq 1' -fa 'keygen' -d 'Create a Noise authority key pair and print its public key for miner configs.'
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_positional "rg-gate" -eq 1' -fa 'pubkey' -d 'Print the public key of an authority key file in both miner-config forms.'
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_positional "rg-gate" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" listen' -l 'listen' -d 'SV2 listen address (env RG_GATE_LISTEN; default 127.0.0.1:3336; port 0 picks one).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" http-listen' -l 'http-listen' -d 'HTTP status address (env RG_GATE_HTTP_LISTEN; default 127.0.0.1:8086; \'off\' disables).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" allow-remote' -l 'allow-remote' -d 'Allow non-loopback listen addresses (also RG_ALLOW_NON_LOOPBACK=1).'
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" max-connections' -l 'max-connections' -d 'Most miner connections at once.' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" max-connections-per-ip' -l 'max-connections-per-ip' -d 'Most miner connections from one address (0: no cap).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" max-channels-per-connection' -l 'max-channels-per-connection' -d 'Most channels one connection may open.' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" handshake-timeout' -l 'handshake-timeout' -d 'Noise handshake must finish within this (e.g. 10s).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" channel-open-timeout' -l 'channel-open-timeout' -d 'After the handshake a connection must open a channel within this.' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" threads' -l 'threads' -d 'Event-loop threads (default: one per core).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" authority-key' -l 'authority-key' -d 'Authority secret key file, mode 0600 (env RG_AUTHORITY_KEY; default var/authority.key).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" certificate-validity' -l 'certificate-validity' -d 'Validity of each Noise certificate from the handshake on.' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" mode' -l 'mode' -d 'inline (only accepted templates become jobs) or observe (all do; verdicts recorded).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" stale-hold' -l 'stale-hold' -d 'Inline: longest wait for an accepted template on a new tip.' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" network' -l 'network' -d 'Network the payout address must belong to: mainnet, testnet, testnet4, signet, regtest.' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" payout' -l 'payout' -d 'Payout address (bech32, bech32m or base58), or raw:<script hex> (env RG_PAYOUT).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" coinbase-tag' -l 'coinbase-tag' -d 'Operator tag in the coinbase scriptSig (at most 64 bytes).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" extranonce-size' -l 'extranonce-size' -d 'Extranonce bytes in the coinbase (prefix + what extended miners roll), 2…32.' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" extranonce-prefix-size' -l 'extranonce-prefix-size' -d 'Per-channel extranonce prefix bytes: the server id plus a counter, 2…8.' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" server-id' -l 'server-id' -d 'This gateway\'s byte at the front of every extranonce prefix, 0…255 (unique per host).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" default-difficulty' -l 'default-difficulty' -d 'Starting difficulty when a miner declares no hashrate.' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" min-difficulty' -l 'min-difficulty' -d 'Lowest difficulty vardiff may set (may be far below 1 on test networks).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" max-difficulty' -l 'max-difficulty' -d 'Highest difficulty vardiff may set (default: none).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" vardiff-rate' -l 'vardiff-rate' -d 'Vardiff target shares per minute per channel (0 disables vardiff).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" share-rate-limit' -l 'share-rate-limit' -d 'Shares per second one channel may submit (0: unlimited); bursts of twice that.' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" db' -l 'db' -d 'SQLite database file (also RG_DB; default var/rg.sqlite).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" snapshot-interval' -l 'snapshot-interval' -d 'Write a channel snapshot record for every channel this often (0: never).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" max-line-bytes' -l 'max-line-bytes' -d 'Longest accepted input line in bytes.' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" log-level' -l 'log-level' -d 'Log level (env RG_LOG_LEVEL).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate keygen" output' -l 'output' -d 'Where to write the secret key (env: RG_AUTHORITY_KEY; default: var/authority.key).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate keygen" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate pubkey" key' -l 'key' -d 'The secret key file (env: RG_AUTHORITY_KEY; default: var/authority.key).' -rfka ''
complete -c 'rg-gate' -n '__rg-gate_should_offer_completions_for_flags_or_options "rg-gate pubkey" h help' -s 'h' -l 'help' -d 'Show help information.'
