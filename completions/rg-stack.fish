function __rg-stack_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rg-stack_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __rg-stack_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rg-stack_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __rg-stack_parse_tokens -S
    set -l unparsed_tokens (__rg-stack_tokens -pc)
    switch $unparsed_tokens[1]
    case 'rg-stack'
        __rg-stack_parse_subcommand 0 'h/help'
        switch $unparsed_tokens[1]
        case 'run'
            __rg-stack_parse_subcommand 1 'preset=' 'var-dir=' 'policy=' 'rpc=' 'rpc-cookie=' 'gate-listen=' 'payout-address=' 'network=' 'dashboard-listen=' 'demo-interval=' 'duration=' 'status-interval=' 'log-level=' 'h/help'
        case 'preset'
            __rg-stack_parse_subcommand 1 'var-dir=' 'policy=' 'rpc=' 'rpc-cookie=' 'gate-listen=' 'payout-address=' 'network=' 'dashboard-listen=' 'demo-interval=' 'h/help'
        case 'help'
            __rg-stack_parse_subcommand -r 1 
        end
    end
end

function __rg-stack_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __rg-stack_parse_subcommand -S -a positional_count
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

function __rg-stack_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __rg-stack_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__rg-stack_tokens -p)
    if test -z "$(__rg-stack_tokens -t)"
        set -l index (count (__rg-stack_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'rg-stack' -f
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_positional "rg-stack" -eq 1' -fa 'run' -d 'Start a stack and keep it running: restart what exits, stop everything on Ctrl-C or SIGTERM.'
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_positional "rg-stack" -eq 1' -fa 'preset' -d 'Print a preset stack (demo, shadow, observe, inline) as TOML.'
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_positional "rg-stack" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack run" preset' -l 'preset' -d 'Run a preset instead of a file: demo, shadow, observe or inline.' -rfka 'demo shadow observe inline'
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack run" var-dir' -l 'var-dir' -d 'Directory for keys, the database and logs (default var).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack run" policy' -l 'policy' -d 'Policy file (default config/policy.toml).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack run" rpc' -l 'rpc' -d 'The node\'s JSON-RPC URL (shadow, observe, inline). User and password come from RG_RPC_USER/RG_RPC_PASS.' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack run" rpc-cookie' -l 'rpc-cookie' -d 'The node\'s cookie file (e.g. ~/.bitcoin/.cookie).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack run" gate-listen' -l 'gate-listen' -d 'Where miners connect, host:port (default 127.0.0.1:3336).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack run" payout-address' -l 'payout-address' -d 'The pool\'s payout address (observe, inline).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack run" network' -l 'network' -d 'Chain of the payout address (observe, inline): mainnet, testnet, testnet4, signet, regtest (default mainnet).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack run" dashboard-listen' -l 'dashboard-listen' -d 'Dashboard address, host:port, or "off" (default 127.0.0.1:8084).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack run" demo-interval' -l 'demo-interval' -d 'Demo: seconds between synthetic templates (default 5).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack run" duration' -l 'duration' -d 'Stop after this long (e.g. 60s, 10m); default: until Ctrl-C or SIGTERM.' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack run" status-interval' -l 'status-interval' -d 'Seconds between status lines on stderr; 0 for none (default 10).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack run" log-level' -l 'log-level' -d 'Log level (env: RG_LOG_LEVEL).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_positional "rg-stack preset" -eq 1' -fka 'demo shadow observe inline'
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack preset" var-dir' -l 'var-dir' -d 'Directory for keys, the database and logs (default var).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack preset" policy' -l 'policy' -d 'Policy file (default config/policy.toml).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack preset" rpc' -l 'rpc' -d 'The node\'s JSON-RPC URL (shadow, observe, inline). User and password come from RG_RPC_USER/RG_RPC_PASS.' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack preset" rpc-cookie' -l 'rpc-cookie' -d 'The node\'s cookie file (e.g. ~/.bitcoin/.cookie).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack preset" gate-listen' -l 'gate-listen' -d 'Where miners connect, host:port (default 127.0.0.1:3336).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack preset" payout-address' -l 'payout-address' -d 'The pool\'s payout address (observe, inline).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack preset" network' -l 'network' -d 'Chain of the payout address (observe, inline): mainnet, testnet, testnet4, signet, regtest (default mainnet).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack preset" dashboard-listen' -l 'dashboard-listen' -d 'Dashboard address, host:port, or "off" (default 127.0.0.1:8084).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack preset" demo-interval' -l 'demo-interval' -d 'Demo: seconds between synthetic templates (default 5).' -rfka ''
complete -c 'rg-stack' -n '__rg-stack_should_offer_completions_for_flags_or_options "rg-stack preset" h help' -s 'h' -l 'help' -d 'Show help information.'
