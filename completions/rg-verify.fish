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
        case 'serve'
            __rg-verify_parse_subcommand 0 'policy=' 'network=' 'strip' 'explain' 'db=' 'listen=' 'http-listen=' 'allow-remote' 'tls-cert=' 'tls-key=' 'tls-client-ca=' 'http-tls-cert=' 'http-tls-key=' 'http-tls-client-ca=' 'max-connections=' 'max-connections-per-ip=' 'idle-timeout=' 'max-line-bytes=' 'max-pending=' 'http-max-connections=' 'http-max-body-bytes=' 'http-request-timeout=' 'ring-size=' 'mempool-url=' 'mempool-interval=' 'mempool-max-age=' 'log-level=' 'h/help'
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
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_positional "rg-verify" -eq 1' -fa 'serve' -d 'Serve verdicts over TCP (TemplatePropose → TemplateVerdict, NDJSON) with an HTTP API.'
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
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" policy' -l 'policy' -d 'Policy TOML file (env: RG_POLICY; default: config/policy.toml).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" network' -l 'network' -d 'Network for the block subsidy: mainnet, testnet, testnet4, signet, regtest (env: RG_NETWORK; default: mainnet).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" strip' -l 'strip' -d 'Leave the template out of each verdict record on stdout.'
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" explain' -l 'explain' -d 'Add every check with its measured value and limit to each verdict.'
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" db' -l 'db' -d 'SQLite database file (also RG_DB; default var/rg.sqlite).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" listen' -l 'listen' -d 'TCP address for the verifier protocol (env: RG_LISTEN; default: 127.0.0.1:9090; port 0 picks a free one).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" http-listen' -l 'http-listen' -d 'HTTP API address, or "off" (env: RG_HTTP_LISTEN; default: 127.0.0.1:8081).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" allow-remote' -l 'allow-remote' -d 'Allow binding a non-loopback address (also RG_ALLOW_NON_LOOPBACK=1).'
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" tls-cert' -l 'tls-cert' -d 'TLS certificate chain (PEM) for the TCP listener (env: RG_TLS_CERT).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" tls-key' -l 'tls-key' -d 'TLS private key (PEM file) for the TCP listener (env: RG_TLS_KEY).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" tls-client-ca' -l 'tls-client-ca' -d 'CA (PEM) that must have signed every TCP client\'s certificate: mTLS (env: RG_TLS_CLIENT_CA).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" http-tls-cert' -l 'http-tls-cert' -d 'TLS certificate chain (PEM) for the HTTP API (env: RG_HTTP_TLS_CERT).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" http-tls-key' -l 'http-tls-key' -d 'TLS private key (PEM file) for the HTTP API (env: RG_HTTP_TLS_KEY).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" http-tls-client-ca' -l 'http-tls-client-ca' -d 'CA (PEM) that must have signed every HTTP client\'s certificate (env: RG_HTTP_TLS_CLIENT_CA).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" max-connections' -l 'max-connections' -d 'Most TCP connections at once.' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" max-connections-per-ip' -l 'max-connections-per-ip' -d 'Most TCP connections from one IP address (0: no per-address cap).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" idle-timeout' -l 'idle-timeout' -d 'Close a TCP connection when no byte moved for this long (e.g. 60s, 5m).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" max-line-bytes' -l 'max-line-bytes' -d 'Longest request line in bytes; a longer one closes that connection.' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" max-pending' -l 'max-pending' -d 'Requests read but not yet answered per connection; reading pauses there.' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" http-max-connections' -l 'http-max-connections' -d 'Most HTTP connections at once (per IP: half of it).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" http-max-body-bytes' -l 'http-max-body-bytes' -d 'Largest HTTP request body in bytes (POST /policy).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" http-request-timeout' -l 'http-request-timeout' -d 'Longest an HTTP request may take (reading its body, a database query).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" ring-size' -l 'ring-size' -d 'Verdicts kept in memory for /verdicts when there is no --db.' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" mempool-url' -l 'mempool-url' -d 'Mempool source polled for compact proposes and /ready: a URL answering JSON with tx_count or size, e.g. bitcoind\'s http://127.0.0.1:8332/rest/mempool/info.json (env: RG_MEMPOOL_URL).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" mempool-interval' -l 'mempool-interval' -d 'How often to poll --mempool-url.' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" mempool-max-age' -l 'mempool-max-age' -d 'A mempool reading older than this is not used, and /ready answers 503.' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error (env: RG_LOG_LEVEL).' -rfka ''
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-verify' -n '__rg-verify_should_offer_completions_for_flags_or_options "rg-verify check" h help' -s 'h' -l 'help' -d 'Show help information.'
