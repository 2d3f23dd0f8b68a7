function __rg-verify_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rg-verify_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __rg-verify_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rg-verify_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __rg-verify_parse_tokens -S
    set -l unparsed_tokens (__rg-verify_tokens -pc)
    switch $unparsed_tokens[1]
    case 'rg-verify'
        __rg-verify_parse_subcommand 0 'h/help'
        switch $unparsed_tokens[1]
        case 'filter'
            __rg-verify_parse_subcommand 0 'policy=' 'network=' 'strip' 'explain' 'db=' 'strict' 'max-line-bytes=' 'log-level=' 'h/help'
        case 'check'
            __rg-verify_parse_subcommand 1 'h/help'
        case 'help'
            __rg-verify_parse_subcommand -r 1 
        end
    end
end

function __rg-verify_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __rg-verify_parse_subcommand -S -a positional_count
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

function __rg-verify_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __rg-verify_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__rg-verify_tokens -p)
    if test -z "$(__rg-verify_tokens -t)"
        set -l index (count (__rg-verify_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'rg-verify' -f
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_positional "rg-verify" -eq 1' -fa 'filter' -d 'Read templates on stdin, write verdicts on stdout (the default command).'
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_positional "rg-verify" -eq 1' -fa 'check' -d 'Validate a policy file and exit 0 (usable) or 2 (not), naming the key at fault.'
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_positional "rg-verify" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify filter" policy' -l 'policy' -d 'Policy TOML file (env: RG_POLICY; default: config/policy.toml).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify filter" network' -l 'network' -d 'Network for the block subsidy: mainnet, testnet, testnet4, signet, regtest (env: RG_NETWORK; default: mainnet).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify filter" strip' -l 'strip' -d 'Leave the template out of each verdict record.'
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify filter" explain' -l 'explain' -d 'Add every check with its measured value and limit to each verdict.'
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify filter" db' -l 'db' -d 'SQLite database file (also RG_DB; default var/rg.sqlite).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify filter" strict' -l 'strict' -d 'Stop at the first bad input line (exit 3).'
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify filter" max-line-bytes' -l 'max-line-bytes' -d 'Longest accepted input line in bytes; longer lines are skipped.' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify filter" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error (env: RG_LOG_LEVEL).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify filter" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify check" h help' -s 'h' -l 'help' -d 'Show help information.'
