function __rg-feed_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rg-feed_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __rg-feed_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rg-feed_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __rg-feed_parse_tokens -S
    set -l unparsed_tokens (__rg-feed_tokens -pc)
    switch $unparsed_tokens[1]
    case 'rg-feed'
        __rg-feed_parse_subcommand 0 'h/help'
        switch $unparsed_tokens[1]
        case 'demo'
            __rg-feed_parse_subcommand 0 'scenario=' 'seed=' 'count=' 'interval=' 'txs=' 'height=' 'network=' 'start-time=' 'log-level=' 'h/help'
        case 'help'
            __rg-feed_parse_subcommand -r 1 
        end
    end
end

function __rg-feed_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __rg-feed_parse_subcommand -S -a positional_count
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

function __rg-feed_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __rg-feed_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__rg-feed_tokens -p)
    if test -z "$(__rg-feed_tokens -t)"
        set -l index (count (__rg-feed_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'rg-feed' -f
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_positional "rg-feed" -eq 1' -fa 'demo' -d 'Emit synthetic template records (real, decodable transactions) for a scenario.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_positional "rg-feed" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" scenario' -l 'scenario' -d 'normal, low_fees, high_sigops, empty, zero_coinbase, heavy_weight, fee_sweep, reorg, stale, tampered or cycle.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" seed' -l 'seed' -d 'Random seed (default: a fresh one each run).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" count' -l 'count' -d 'Templates to emit, then exit (default: until interrupted).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" interval' -l 'interval' -d 'Pause between templates: 0, 250ms, 1s, 5m …' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" txs' -l 'txs' -d 'Transactions in a normal template (a mainnet block holds 2,500–4,500).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" height' -l 'height' -d 'Height of the first template.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" network' -l 'network' -d 'mainnet, testnet, testnet4, signet or regtest (subsidy and bits follow it; env: RG_NETWORK).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" start-time' -l 'start-time' -d 'Unix milliseconds of the first template; later ones advance by --interval (makes output reproducible).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" log-level' -l 'log-level' -d 'Log level (env: RG_LOG_LEVEL).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" h help' -s 'h' -l 'help' -d 'Show help information.'
