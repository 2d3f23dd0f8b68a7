function __rg-stat_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rg-stat_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __rg-stat_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rg-stat_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __rg-stat_parse_tokens -S
    set -l unparsed_tokens (__rg-stat_tokens -pc)
    switch $unparsed_tokens[1]
    case 'rg-stat'
        __rg-stat_parse_subcommand 0 'h/help'
        switch $unparsed_tokens[1]
        case 'summary'
            __rg-stat_parse_subcommand 0 'json' 'table' 'strict' 'max-line-bytes=' 'db=' 'since=' 'until=' 'log-level=' 'h/help'
        case 'export'
            __rg-stat_parse_subcommand 1 'db=' 'format=' 'since=' 'until=' 'output=' 'reason-code=' 'fee-tier=' 'only=' 'log-level=' 'h/help'
        case 'serve'
            __rg-stat_parse_subcommand 0 'listen=' 'allow-remote' 'max-connections=' 'max-connections-per-ip=' 'idle-timeout=' 'db=' 'policy=' 'insecure-cookies' 'sendmail=' 'mail-from=' 'site-url=' 'session-hours=' 'rate-limit=+' 'trust-proxy' 'admin-notify=' 'log-level=' 'h/help'
        case 'top'
            __rg-stat_parse_subcommand 0 'db=' 'interval=' 'once' 'log-level=' 'h/help'
        case 'help'
            __rg-stat_parse_subcommand -r 1 
        end
    end
end

function __rg-stat_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __rg-stat_parse_subcommand -S -a positional_count
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

function __rg-stat_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __rg-stat_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__rg-stat_tokens -p)
    if test -z "$(__rg-stat_tokens -t)"
        set -l index (count (__rg-stat_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'rg-stat' -f
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_positional "rg-stat" -eq 1' -fa 'summary' -d 'Summarise the verdict records read on stdin (or stored in --db).'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_positional "rg-stat" -eq 1' -fa 'export' -d 'Export stored verdicts as CSV or NDJSON.'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_positional "rg-stat" -eq 1' -fa 'serve' -d 'Serve the operator dashboard (HTML), its JSON API under /api/, and /metrics.'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_positional "rg-stat" -eq 1' -fa 'top' -d 'Show the overview (verifier, gateway, recent rejections) in the terminal, refreshed.'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_positional "rg-stat" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat summary" json' -l 'json' -d 'Print the summary record (JSON) even when stdout is a terminal.'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat summary" table' -l 'table' -d 'Print a table for people even when stdout is not a terminal.'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat summary" strict' -l 'strict' -d 'Stop at the first bad line (exit 3, no summary).'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat summary" max-line-bytes' -l 'max-line-bytes' -d 'Longest line read, in bytes; longer lines are skipped and reported.' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat summary" db' -l 'db' -d 'Summarise this database instead of stdin.' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat summary" since' -l 'since' -d 'With --db: from this time (24h, 1764000000000, 2025-11-24T16:00:00Z).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat summary" until' -l 'until' -d 'With --db: before this time (default: no upper bound).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat summary" log-level' -l 'log-level' -d 'Log level on stderr: trace|debug|info|notice|warning|error|critical (also RG_LOG_LEVEL; default info).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat summary" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat export" db' -l 'db' -d 'SQLite database file (also RG_DB; default var/rg.sqlite).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_positional "rg-stat export" -eq 1' -fka 'verdicts'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat export" format' -l 'format' -d 'csv or ndjson.' -rfka 'csv ndjson'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat export" since' -l 'since' -d 'Export verdicts from this time on (24h, 1764000000000, 2025-11-24T16:00:00Z).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat export" until' -l 'until' -d 'Export verdicts before this time (default: now).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat export" output' -l 'output' -d 'Write to this file, replaced atomically, instead of stdout.' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat export" reason-code' -l 'reason-code' -d 'Only rejections with this reason code.' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat export" fee-tier' -l 'fee-tier' -d 'Only verdicts in this fee tier (low, mid, high).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat export" only' -l 'only' -d 'Only accepted or only rejected verdicts.' -rfka 'accepted rejected'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat export" log-level' -l 'log-level' -d 'Log level on stderr: trace|debug|info|notice|warning|error|critical (also RG_LOG_LEVEL; default info).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve" listen' -l 'listen' -d 'Address to listen on, host:port; port 0 picks a free port.' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve" allow-remote' -l 'allow-remote' -d 'Allow binding a non-loopback address (also RG_ALLOW_NON_LOOPBACK=1).'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve" max-connections' -l 'max-connections' -d 'Most connections at once (default 512).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve" max-connections-per-ip' -l 'max-connections-per-ip' -d 'Most connections from one address (default 64).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve" idle-timeout' -l 'idle-timeout' -d 'Close connections idle this many seconds (default 30).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve" db' -l 'db' -d 'SQLite database file (also RG_DB; default var/rg.sqlite).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve" policy' -l 'policy' -d 'The policy file to show and edit (also RG_POLICY; default config/policy.toml).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve" insecure-cookies' -l 'insecure-cookies' -d 'Leave the Secure attribute off the cookies (only when reached over plain HTTP by a name other than localhost).'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve" sendmail' -l 'sendmail' -d 'Pipe each message (with headers) to this shell command instead of SMTP, e.g. "sendmail -t -i" (also RG_SENDMAIL).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve" mail-from' -l 'mail-from' -d 'Sender address of account mail (also RG_MAIL_FROM; default reservegrid@localhost).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve" site-url' -l 'site-url' -d 'Base URL of the dashboard, for links in mail (also RG_SITE_URL; default http://localhost:8084).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve" session-hours' -l 'session-hours' -d 'Session lifetime in hours (also RG_SESSION_HOURS; default 168).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve"' -l 'rate-limit' -d 'Per-endpoint, per-address limit such as login=10/60s; repeatable. Endpoints: approve, forgot_password, login, logout, register, reset_password, session, verify.' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve" trust-proxy' -l 'trust-proxy' -d 'Count requests against the first X-Forwarded-For address (only behind your own reverse proxy).'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve" admin-notify' -l 'admin-notify' -d 'Also send approval requests to this address (also RG_ADMIN_NOTIFY); approved admins always get them.' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve" log-level' -l 'log-level' -d 'Log level on stderr: trace|debug|info|notice|warning|error|critical (also RG_LOG_LEVEL; default info).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat top" db' -l 'db' -d 'SQLite database file (also RG_DB; default var/rg.sqlite).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat top" interval' -l 'interval' -d 'Seconds between refreshes (default 2).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat top" once' -l 'once' -d 'Print one frame and exit.'
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat top" log-level' -l 'log-level' -d 'Log level on stderr: trace|debug|info|notice|warning|error|critical (also RG_LOG_LEVEL; default info).' -rfka ''
complete -c 'rg-stat' -n '__rg-stat_should_offer_completions_for_flags_or_options "rg-stat top" h help' -s 'h' -l 'help' -d 'Show help information.'
