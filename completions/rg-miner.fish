function __rg-miner_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rg-miner_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __rg-miner_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rg-miner_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __rg-miner_parse_tokens -S
    set -l unparsed_tokens (__rg-miner_tokens -pc)
    switch $unparsed_tokens[1]
    case 'rg-miner'
        __rg-miner_parse_subcommand 0 'h/help'
        switch $unparsed_tokens[1]
        case 'mine'
            __rg-miner_parse_subcommand 0 'connect=' 'authority-pubkey=' 'authority-pubkey-file=' 'handshake-timeout=' 'log-level=' 'extended' 'threads=' 'shares=' 'duration=' 'worker=' 'hashrate=' 'h/help'
        case 'swarm'
            __rg-miner_parse_subcommand 0 'connect=' 'authority-pubkey=' 'authority-pubkey-file=' 'handshake-timeout=' 'log-level=' 'connections=' 'share-rate=' 'duration=' 'threads=' 'extended' 'connect-concurrency=' 'max-in-flight=' 'json' 'share-records' 'h/help'
        case 'help'
            __rg-miner_parse_subcommand -r 1 
        end
    end
end

function __rg-miner_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __rg-miner_parse_subcommand -S -a positional_count
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

function __rg-miner_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __rg-miner_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__rg-miner_tokens -p)
    if test -z "$(__rg-miner_tokens -t)"
        set -l index (count (__rg-miner_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'rg-miner' -f
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_positional "rg-miner" -eq 1' -fa 'mine' -d 'Mine over SV2 with CPU threads and print a share record for every answered share.'
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_positional "rg-miner" -eq 1' -fa 'swarm' -d 'Open many SV2 channels on one or two threads and submit shares at a controlled total rate.'
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_positional "rg-miner" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner mine" connect' -l 'connect' -d 'The gateway\'s SV2 address, HOST:PORT (env: RG_CONNECT).' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner mine" authority-pubkey' -l 'authority-pubkey' -d 'The pool\'s authority public key: 64 hex digits or base58check, as `rg-gate pubkey` prints it (env: RG_AUTHORITY_PUBKEY).' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner mine" authority-pubkey-file' -l 'authority-pubkey-file' -d 'A file holding that key: `rg-gate pubkey` output (its authority_key record) or the key itself.' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner mine" handshake-timeout' -l 'handshake-timeout' -d 'Give up on a connection whose TCP connect or Noise handshake takes longer (e.g. 10s).' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner mine" log-level' -l 'log-level' -d 'Log level (env: RG_LOG_LEVEL).' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner mine" extended' -l 'extended' -d 'Open an extended channel (the miner builds the coinbase and merkle root itself).'
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner mine" threads' -l 'threads' -d 'Search threads.' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner mine" shares' -l 'shares' -d 'Stop after this many answered shares; exit 0 only if all were accepted.' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner mine" duration' -l 'duration' -d 'Stop after this long (e.g. 30s, 5m).' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner mine" worker' -l 'worker' -d 'The user identity the channel is opened for (worker name).' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner mine" hashrate' -l 'hashrate' -d 'Hashrate to declare in H/s (default: measured for 100 ms at startup, times --threads).' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner mine" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner swarm" connect' -l 'connect' -d 'The gateway\'s SV2 address, HOST:PORT (env: RG_CONNECT).' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner swarm" authority-pubkey' -l 'authority-pubkey' -d 'The pool\'s authority public key: 64 hex digits or base58check, as `rg-gate pubkey` prints it (env: RG_AUTHORITY_PUBKEY).' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner swarm" authority-pubkey-file' -l 'authority-pubkey-file' -d 'A file holding that key: `rg-gate pubkey` output (its authority_key record) or the key itself.' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner swarm" handshake-timeout' -l 'handshake-timeout' -d 'Give up on a connection whose TCP connect or Noise handshake takes longer (e.g. 10s).' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner swarm" log-level' -l 'log-level' -d 'Log level (env: RG_LOG_LEVEL).' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner swarm" connections' -l 'connections' -d 'Channels to open (one connection each).' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner swarm" share-rate' -l 'share-rate' -d 'Shares per second over all channels (0: only hold the connections).' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner swarm" duration' -l 'duration' -d 'How long to run, connecting included (e.g. 30s).' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner swarm" threads' -l 'threads' -d 'Event-loop threads (1 or 2 is the point of a swarm).' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner swarm" extended' -l 'extended' -d 'Open extended channels.'
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner swarm" connect-concurrency' -l 'connect-concurrency' -d 'Handshakes in flight at once while connecting.' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner swarm" max-in-flight' -l 'max-in-flight' -d 'Unanswered shares allowed per channel before it waits.' -rfka ''
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner swarm" json' -l 'json' -d 'Print the summary as one `swarm` record on stdout.'
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner swarm" share-records' -l 'share-records' -d 'Print a `share` record on stdout for every answered share.'
complete -c 'rg-miner' -n '__rg-miner_should_offer_completions_for_flags_or_options "rg-miner swarm" h help' -s 'h' -l 'help' -d 'Show help information.'
