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
            __rg-feed_parse_subcommand 0 'scenario=' 'seed=' 'count=' 'interval=' 'txs=' 'height=' 'network=' 'start-time=' 'follow-blocks=' 'log-level=' 'h/help'
        case 'serve'
            __rg-feed_parse_subcommand 0 'listen=' 'allow-remote' 'tokens=' 'max-connections=' 'max-connections-per-ip=' 'queue-depth=' 'heartbeat=' 'max-line-bytes=' 'log-level=' 'h/help'
        case 'connect'
            __rg-feed_parse_subcommand 1 'max-backoff=' 'log-level=' 'h/help'
        case 'token'
            __rg-feed_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'add'
                __rg-feed_parse_subcommand 0 'tokens=' 'label=' 'h/help'
            case 'list'
                __rg-feed_parse_subcommand 0 'tokens=' 'h/help'
            case 'revoke'
                __rg-feed_parse_subcommand 1 'tokens=' 'h/help'
            end
        case 'replay'
            __rg-feed_parse_subcommand 1 'rate=' 'realtime' 'max-line-bytes=' 'h/help'
        case 'rpc'
            __rg-feed_parse_subcommand 0 'listen=' 'allow-remote' 'network=' 'rpc-cookie=' 'max-connections=' 'max-connections-per-ip=' 'max-body-bytes=' 'idle-timeout=' 'request-timeout=' 'longpoll-timeout=' 'max-line-bytes=' 'wait-for-client' 'no-wait-for-client' 'log-level=' 'h/help'
        case 'load'
            __rg-feed_parse_subcommand 0 'target=' 'connections=' 'rate=' 'duration=' 'scenario=' 'envelope' 'json' 'aligned' 'reject-ratio=' 'stale-offset=' 'height=' 'drain-timeout=' 'threads=' 'seed=' 'log-level=' 'h/help'
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
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_positional "rg-feed" -eq 1' -fa 'serve' -d 'Relay template records from stdin to authenticated WebSocket subscribers.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_positional "rg-feed" -eq 1' -fa 'connect' -d 'Subscribe to a feed relay and write its template records to stdout.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_positional "rg-feed" -eq 1' -fa 'token' -d 'Manage the feed relay\'s bearer tokens (stored as SHA-256 hashes).'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_positional "rg-feed" -eq 1' -fa 'replay' -d 'Re-emit recorded records from a file, as fast as possible, at a rate, or in real time.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_positional "rg-feed" -eq 1' -fa 'rpc' -d 'Serve the latest template record over bitcoind\'s JSON-RPC: getblocktemplate (with longpoll), submitblock and friends.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_positional "rg-feed" -eq 1' -fa 'load' -d 'Drive rg-verify serve with paced TemplatePropose messages and report latency and drops.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_positional "rg-feed" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" scenario' -l 'scenario' -d 'normal, low_fees, high_sigops, empty, zero_coinbase, heavy_weight, fee_sweep, reorg, stale, tampered or cycle.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" seed' -l 'seed' -d 'Random seed (default: a fresh one each run).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" count' -l 'count' -d 'Templates to emit, then exit (default: until interrupted).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" interval' -l 'interval' -d 'Pause between templates: 0, 250ms, 1s, 5m …' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" txs' -l 'txs' -d 'Transactions in a normal template (a mainnet block holds 2,500–4,500).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" height' -l 'height' -d 'Height of the first template.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" network' -l 'network' -d 'mainnet, testnet, testnet4, signet or regtest (subsidy and bits follow it; env: RG_NETWORK).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" start-time' -l 'start-time' -d 'Unix milliseconds of the first template; later ones advance by --interval (makes output reproducible).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" follow-blocks' -l 'follow-blocks' -d 'Block records to follow as the file grows (rg-feed rpc\'s output): a block on the current tip becomes the tip and the next template goes out at once.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" log-level' -l 'log-level' -d 'Log level (env: RG_LOG_LEVEL).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed demo" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed serve" listen' -l 'listen' -d 'Address to listen on (env: RG_FEED_LISTEN).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed serve" allow-remote' -l 'allow-remote' -d 'Allow a non-loopback --listen address.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed serve" tokens' -l 'tokens' -d 'Token file (env: RG_FEED_TOKENS; default: var/feed-tokens).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed serve" max-connections' -l 'max-connections' -d 'Most subscribers at once.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed serve" max-connections-per-ip' -l 'max-connections-per-ip' -d 'Most subscribers from one address (0: no per-address cap).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed serve" queue-depth' -l 'queue-depth' -d 'Records a subscriber may fall behind before it is dropped.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed serve" heartbeat' -l 'heartbeat' -d 'Heartbeat period (e.g. 15s).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed serve" max-line-bytes' -l 'max-line-bytes' -d 'Longest accepted input line in bytes.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed serve" log-level' -l 'log-level' -d 'Log level (env: RG_LOG_LEVEL).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed connect" max-backoff' -l 'max-backoff' -d 'Longest reconnect delay (e.g. 10s).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed connect" log-level' -l 'log-level' -d 'Log level (env: RG_LOG_LEVEL).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed connect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed token" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_positional "rg-feed token" -eq 1' -fa 'add' -d 'Create a token and print it once (a `token` record); only its hash is kept.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_positional "rg-feed token" -eq 1' -fa 'list' -d 'List tokens (ids, labels, state; never the tokens).'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_positional "rg-feed token" -eq 1' -fa 'revoke' -d 'Revoke a token; a running relay closes the connections that use it.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed token add" tokens' -l 'tokens' -d 'Token file (env: RG_FEED_TOKENS; default: var/feed-tokens).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed token add" label' -l 'label' -d 'A label to recognise the token by (who or what uses it).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed token add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed token list" tokens' -l 'tokens' -d 'Token file (env: RG_FEED_TOKENS; default: var/feed-tokens).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed token list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed token revoke" tokens' -l 'tokens' -d 'Token file (env: RG_FEED_TOKENS; default: var/feed-tokens).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed token revoke" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed replay" rate' -l 'rate' -d 'Records per second.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed replay" realtime' -l 'realtime' -d 'Keep the recorded spacing between records.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed replay" max-line-bytes' -l 'max-line-bytes' -d 'Longest accepted line in bytes.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed replay" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed rpc" listen' -l 'listen' -d 'Address to listen on, host:port; port 0 picks a free one (env: RG_LISTEN; default 127.0.0.1:18444).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed rpc" allow-remote' -l 'allow-remote' -d 'Allow a non-loopback --listen address (also RG_ALLOW_NON_LOOPBACK=1).'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed rpc" network' -l 'network' -d 'Chain reported by getblockchaininfo: mainnet, testnet, testnet4, signet, regtest (env: RG_NETWORK; default mainnet).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed rpc" rpc-cookie' -l 'rpc-cookie' -d 'Write a fresh cookie (__cookie__:<64 hex>) to this file, mode 0600, accepted besides RG_RPC_USER/RG_RPC_PASS; removed at exit.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed rpc" max-connections' -l 'max-connections' -d 'Most connections at once.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed rpc" max-connections-per-ip' -l 'max-connections-per-ip' -d 'Most connections from one address at once.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed rpc" max-body-bytes' -l 'max-body-bytes' -d 'Largest request body in bytes (a 4 MB block is 8 MB of hex).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed rpc" idle-timeout' -l 'idle-timeout' -d 'Close a connection idle this long (default 30s).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed rpc" request-timeout' -l 'request-timeout' -d 'A request must arrive whole within this (default 30s).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed rpc" longpoll-timeout' -l 'longpoll-timeout' -d 'Answer a longpoll with the unchanged template after this (default 60s).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed rpc" max-line-bytes' -l 'max-line-bytes' -d 'Longest accepted input line in bytes; longer lines are skipped.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed rpc" wait-for-client' -l 'wait-for-client' -d 'Start reading stdin when the first authenticated client calls, so a source started first (rg-feed demo) loses no template to a client that connects later; until then the source waits on the pipe.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed rpc" no-wait-for-client' -l 'no-wait-for-client' -d 'Start reading stdin when the first authenticated client calls, so a source started first (rg-feed demo) loses no template to a client that connects later; until then the source waits on the pipe.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed rpc" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error (env: RG_LOG_LEVEL).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed rpc" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed load" target' -l 'target' -d 'The rg-verify serve TCP address (env: RG_LOAD_TARGET; default 127.0.0.1:9090).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed load" connections' -l 'connections' -d 'Persistent connections (workers).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed load" rate' -l 'rate' -d 'Templates per second over all connections.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed load" duration' -l 'duration' -d 'How long to send: 15s, 2m …' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed load" scenario' -l 'scenario' -d 'valid, mixed, reject-prevhash, reject-fees, reject-empty, reject-coinbase or stale.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed load" envelope' -l 'envelope' -d 'Use the {msg_type, version, payload} envelope instead of bare proposes.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed load" json' -l 'json' -d 'Print the load_report record on stdout even when it is a terminal.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed load" aligned' -l 'aligned' -d 'Send from every connection at the same instants (bursts) instead of evenly spread phases.'
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed load" reject-ratio' -l 'reject-ratio' -d 'Share of rejections in the mixed scenario (0…1).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed load" stale-offset' -l 'stale-offset' -d 'Age of the stale scenario\'s templates.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed load" height' -l 'height' -d 'Block height every template builds on.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed load" drain-timeout' -l 'drain-timeout' -d 'How long to wait for outstanding verdicts after the last send.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed load" threads' -l 'threads' -d 'Event loop threads for the connections.' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed load" seed' -l 'seed' -d 'Random seed (default: a fresh one each run).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed load" log-level' -l 'log-level' -d 'Log level (env: RG_LOG_LEVEL).' -rfka ''
complete -c 'rg-feed' -n '__rg-feed_should_offer_completions_for_flags_or_options "rg-feed load" h help' -s 'h' -l 'help' -d 'Show help information.'
