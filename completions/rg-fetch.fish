function __rg-fetch_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rg-fetch_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __rg-fetch_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rg-fetch_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __rg-fetch_parse_tokens -S
    set -l unparsed_tokens (__rg-fetch_tokens -pc)
    switch $unparsed_tokens[1]
    case 'rg-fetch'
        __rg-fetch_parse_subcommand 0 'h/help'
        switch $unparsed_tokens[1]
        case 'fetch'
            __rg-fetch_parse_subcommand 0 'rpc=' 'rpc-cookie=' 'rpc-timeout=' 'network=' 'once' 'longpoll' 'no-longpoll' 'poll-interval=' 'longpoll-timeout=' 'max-backoff=' 'log-level=' 'h/help'
        case 'submit'
            __rg-fetch_parse_subcommand 0 'rpc=' 'rpc-cookie=' 'rpc-timeout=' 'network=' 'attempts=' 'max-line-bytes=' 'log-level=' 'h/help'
        case 'block'
            __rg-fetch_parse_subcommand -r 1 'height=' 'h/help'
        case 'help'
            __rg-fetch_parse_subcommand -r 1 
        end
    end
end

function __rg-fetch_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __rg-fetch_parse_subcommand -S -a positional_count
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

function __rg-fetch_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __rg-fetch_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__rg-fetch_tokens -p)
    if test -z "$(__rg-fetch_tokens -t)"
        set -l index (count (__rg-fetch_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'rg-fetch' -f
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_positional "rg-fetch" -eq 1' -fa 'fetch' -d 'Write a template record each time the node\'s getblocktemplate work changes (the default command).'
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_positional "rg-fetch" -eq 1' -fa 'submit' -d 'Read block records on stdin, submit each with submitblock, write a submit record with the node\'s answer.'
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_positional "rg-fetch" -eq 1' -fa 'block' -d 'Turn raw blocks (binary or hex files) into template records (source "file"), to check a verifier against real blocks.'
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_positional "rg-fetch" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch fetch" rpc' -l 'rpc' -d 'The node\'s JSON-RPC URL, http://host:port (env: RG_RPC_URL; default http://127.0.0.1:<the network\'s RPC port>).' -rfka ''
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch fetch" rpc-cookie' -l 'rpc-cookie' -d 'Bitcoin Core\'s cookie file, re-read whenever the node answers 401 (env: RG_RPC_COOKIE). Without it, RG_RPC_USER and RG_RPC_PASS are used.' -rfka ''
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch fetch" rpc-timeout' -l 'rpc-timeout' -d 'Deadline of an ordinary RPC call: 500ms, 30s … (env: RG_RPC_TIMEOUT; default 30s).' -rfka ''
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch fetch" network' -l 'network' -d 'Expected network: mainnet, testnet, testnet4, signet, regtest (env: RG_NETWORK; default: whatever the node says).' -rfka ''
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch fetch" once' -l 'once' -d 'Fetch one template, write it and exit.'
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch fetch" longpoll' -l 'longpoll' -d 'Wait on getblocktemplate\'s longpollid when the node offers one.'
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch fetch" no-longpoll' -l 'no-longpoll' -d 'Wait on getblocktemplate\'s longpollid when the node offers one.'
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch fetch" poll-interval' -l 'poll-interval' -d 'Pause between polls without longpoll (default 1s).' -rfka ''
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch fetch" longpoll-timeout' -l 'longpoll-timeout' -d 'Deadline of a longpoll call; after it rg-fetch asks afresh (default 150s).' -rfka ''
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch fetch" max-backoff' -l 'max-backoff' -d 'Longest wait between retries while the node is down (default 10s).' -rfka ''
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch fetch" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error (env: RG_LOG_LEVEL).' -rfka ''
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch fetch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch submit" rpc' -l 'rpc' -d 'The node\'s JSON-RPC URL, http://host:port (env: RG_RPC_URL; default http://127.0.0.1:<the network\'s RPC port>).' -rfka ''
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch submit" rpc-cookie' -l 'rpc-cookie' -d 'Bitcoin Core\'s cookie file, re-read whenever the node answers 401 (env: RG_RPC_COOKIE). Without it, RG_RPC_USER and RG_RPC_PASS are used.' -rfka ''
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch submit" rpc-timeout' -l 'rpc-timeout' -d 'Deadline of an ordinary RPC call: 500ms, 30s … (env: RG_RPC_TIMEOUT; default 30s).' -rfka ''
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch submit" network' -l 'network' -d 'Network for the default RPC port: mainnet, testnet, testnet4, signet, regtest (env: RG_NETWORK).' -rfka ''
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch submit" attempts' -l 'attempts' -d 'Attempts per block on transport failures, the first included.' -rfka ''
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch submit" max-line-bytes' -l 'max-line-bytes' -d 'Longest accepted input line in bytes; longer lines are skipped.' -rfka ''
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch submit" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error (env: RG_LOG_LEVEL).' -rfka ''
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch submit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch block" height' -l 'height' -d 'Height of the block (needed before BIP34; must match the coinbase when it has one).' -rfka ''
complete -c 'rg-fetch' -n '__rg-fetch_should_offer_completions_for_flags_or_options "rg-fetch block" h help' -s 'h' -l 'help' -d 'Show help information.'
