function __rg-auth_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rg-auth_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __rg-auth_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rg-auth_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __rg-auth_parse_tokens -S
    set -l unparsed_tokens (__rg-auth_tokens -pc)
    switch $unparsed_tokens[1]
    case 'rg-auth'
        __rg-auth_parse_subcommand 0 'h/help'
        switch $unparsed_tokens[1]
        case 'init'
            __rg-auth_parse_subcommand 0 'email=' 'name=' 'org=' 'db=' 'sendmail=' 'mail-from=' 'site-url=' 'session-hours=' 'rate-limit=+' 'trust-proxy' 'admin-notify=' 'log-level=' 'h/help'
        case 'user'
            __rg-auth_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'add'
                __rg-auth_parse_subcommand 0 'email=' 'name=' 'org=' 'role=' 'db=' 'sendmail=' 'mail-from=' 'site-url=' 'session-hours=' 'rate-limit=+' 'trust-proxy' 'admin-notify=' 'log-level=' 'h/help'
            case 'list'
                __rg-auth_parse_subcommand 0 'status=' 'db=' 'sendmail=' 'mail-from=' 'site-url=' 'session-hours=' 'rate-limit=+' 'trust-proxy' 'admin-notify=' 'log-level=' 'h/help'
            case 'approve'
                __rg-auth_parse_subcommand 1 'db=' 'sendmail=' 'mail-from=' 'site-url=' 'session-hours=' 'rate-limit=+' 'trust-proxy' 'admin-notify=' 'log-level=' 'h/help'
            case 'deny'
                __rg-auth_parse_subcommand 1 'db=' 'sendmail=' 'mail-from=' 'site-url=' 'session-hours=' 'rate-limit=+' 'trust-proxy' 'admin-notify=' 'log-level=' 'h/help'
            case 'disable'
                __rg-auth_parse_subcommand 1 'db=' 'sendmail=' 'mail-from=' 'site-url=' 'session-hours=' 'rate-limit=+' 'trust-proxy' 'admin-notify=' 'log-level=' 'h/help'
            case 'set-role'
                __rg-auth_parse_subcommand 2 'db=' 'sendmail=' 'mail-from=' 'site-url=' 'session-hours=' 'rate-limit=+' 'trust-proxy' 'admin-notify=' 'log-level=' 'h/help'
            case 'reset-password'
                __rg-auth_parse_subcommand 1 'db=' 'sendmail=' 'mail-from=' 'site-url=' 'session-hours=' 'rate-limit=+' 'trust-proxy' 'admin-notify=' 'log-level=' 'h/help'
            end
        case 'token'
            __rg-auth_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'check'
                __rg-auth_parse_subcommand 0 'db=' 'sendmail=' 'mail-from=' 'site-url=' 'session-hours=' 'rate-limit=+' 'trust-proxy' 'admin-notify=' 'log-level=' 'h/help'
            end
        case 'serve'
            __rg-auth_parse_subcommand 0 'listen=' 'allow-remote' 'max-connections=' 'max-connections-per-ip=' 'idle-timeout=' 'db=' 'sendmail=' 'mail-from=' 'site-url=' 'session-hours=' 'rate-limit=+' 'trust-proxy' 'admin-notify=' 'log-level=' 'h/help'
        case 'help'
            __rg-auth_parse_subcommand -r 1 
        end
    end
end

function __rg-auth_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __rg-auth_parse_subcommand -S -a positional_count
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

function __rg-auth_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __rg-auth_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__rg-auth_tokens -p)
    if test -z "$(__rg-auth_tokens -t)"
        set -l index (count (__rg-auth_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'rg-auth' -f
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_positional "rg-auth" -eq 1' -fa 'init' -d 'Create the first admin account (first run); does nothing when an admin exists.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_positional "rg-auth" -eq 1' -fa 'user' -d 'Add, list and manage operator accounts.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_positional "rg-auth" -eq 1' -fa 'token' -d 'Inspect tokens.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_positional "rg-auth" -eq 1' -fa 'serve' -d 'Serve the auth HTTP API (register, verify, approve/deny, login, logout, session, password reset).'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_positional "rg-auth" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth init" email' -l 'email' -d 'Admin e-mail address (also RG_AUTH_ADMIN_EMAIL).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth init" name' -l 'name' -d 'Admin display name (default Administrator).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth init" org' -l 'org' -d 'Organisation (default: the e-mail\'s domain).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth init" db' -l 'db' -d 'SQLite database file (also RG_DB; default var/rg.sqlite).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth init" sendmail' -l 'sendmail' -d 'Pipe each message (with headers) to this shell command instead of SMTP, e.g. "sendmail -t -i" (also RG_SENDMAIL).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth init" mail-from' -l 'mail-from' -d 'Sender address of account mail (also RG_MAIL_FROM; default reservegrid@localhost).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth init" site-url' -l 'site-url' -d 'Base URL of the dashboard, for links in mail (also RG_SITE_URL; default http://localhost:8084).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth init" session-hours' -l 'session-hours' -d 'Session lifetime in hours (also RG_SESSION_HOURS; default 168).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth init"' -l 'rate-limit' -d 'Per-endpoint, per-address limit such as login=10/60s; repeatable. Endpoints: approve, forgot_password, login, logout, register, reset_password, session, verify.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth init" trust-proxy' -l 'trust-proxy' -d 'Count requests against the first X-Forwarded-For address (only behind your own reverse proxy).'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth init" admin-notify' -l 'admin-notify' -d 'Also send approval requests to this address (also RG_ADMIN_NOTIFY); approved admins always get them.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth init" log-level' -l 'log-level' -d 'Log level on stderr: trace|debug|info|notice|warning|error|critical (also RG_LOG_LEVEL; default info).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_positional "rg-auth user" -eq 1' -fa 'add' -d 'Create an approved account; the password is read from standard input or asked.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_positional "rg-auth user" -eq 1' -fa 'list' -d 'Print every account as a user record (NDJSON), newest first.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_positional "rg-auth user" -eq 1' -fa 'approve' -d 'Approve an account (mails the user).'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_positional "rg-auth user" -eq 1' -fa 'deny' -d 'Deny an account (mails the user; ends its sessions).'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_positional "rg-auth user" -eq 1' -fa 'disable' -d 'Disable an account and end its sessions.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_positional "rg-auth user" -eq 1' -fa 'set-role' -d 'Change an account\'s role.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_positional "rg-auth user" -eq 1' -fa 'reset-password' -d 'Set a new password (standard input or asked) and end every session of the account.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user add" email' -l 'email' -d 'E-mail address.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user add" name' -l 'name' -d 'Display name.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user add" org' -l 'org' -d 'Organisation.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user add" role' -l 'role' -d 'admin, operator or viewer (default viewer).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user add" db' -l 'db' -d 'SQLite database file (also RG_DB; default var/rg.sqlite).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user add" sendmail' -l 'sendmail' -d 'Pipe each message (with headers) to this shell command instead of SMTP, e.g. "sendmail -t -i" (also RG_SENDMAIL).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user add" mail-from' -l 'mail-from' -d 'Sender address of account mail (also RG_MAIL_FROM; default reservegrid@localhost).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user add" site-url' -l 'site-url' -d 'Base URL of the dashboard, for links in mail (also RG_SITE_URL; default http://localhost:8084).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user add" session-hours' -l 'session-hours' -d 'Session lifetime in hours (also RG_SESSION_HOURS; default 168).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user add"' -l 'rate-limit' -d 'Per-endpoint, per-address limit such as login=10/60s; repeatable. Endpoints: approve, forgot_password, login, logout, register, reset_password, session, verify.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user add" trust-proxy' -l 'trust-proxy' -d 'Count requests against the first X-Forwarded-For address (only behind your own reverse proxy).'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user add" admin-notify' -l 'admin-notify' -d 'Also send approval requests to this address (also RG_ADMIN_NOTIFY); approved admins always get them.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user add" log-level' -l 'log-level' -d 'Log level on stderr: trace|debug|info|notice|warning|error|critical (also RG_LOG_LEVEL; default info).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user list" status' -l 'status' -d 'Only accounts in this status.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user list" db' -l 'db' -d 'SQLite database file (also RG_DB; default var/rg.sqlite).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user list" sendmail' -l 'sendmail' -d 'Pipe each message (with headers) to this shell command instead of SMTP, e.g. "sendmail -t -i" (also RG_SENDMAIL).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user list" mail-from' -l 'mail-from' -d 'Sender address of account mail (also RG_MAIL_FROM; default reservegrid@localhost).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user list" site-url' -l 'site-url' -d 'Base URL of the dashboard, for links in mail (also RG_SITE_URL; default http://localhost:8084).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user list" session-hours' -l 'session-hours' -d 'Session lifetime in hours (also RG_SESSION_HOURS; default 168).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user list"' -l 'rate-limit' -d 'Per-endpoint, per-address limit such as login=10/60s; repeatable. Endpoints: approve, forgot_password, login, logout, register, reset_password, session, verify.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user list" trust-proxy' -l 'trust-proxy' -d 'Count requests against the first X-Forwarded-For address (only behind your own reverse proxy).'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user list" admin-notify' -l 'admin-notify' -d 'Also send approval requests to this address (also RG_ADMIN_NOTIFY); approved admins always get them.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user list" log-level' -l 'log-level' -d 'Log level on stderr: trace|debug|info|notice|warning|error|critical (also RG_LOG_LEVEL; default info).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user approve" db' -l 'db' -d 'SQLite database file (also RG_DB; default var/rg.sqlite).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user approve" sendmail' -l 'sendmail' -d 'Pipe each message (with headers) to this shell command instead of SMTP, e.g. "sendmail -t -i" (also RG_SENDMAIL).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user approve" mail-from' -l 'mail-from' -d 'Sender address of account mail (also RG_MAIL_FROM; default reservegrid@localhost).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user approve" site-url' -l 'site-url' -d 'Base URL of the dashboard, for links in mail (also RG_SITE_URL; default http://localhost:8084).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user approve" session-hours' -l 'session-hours' -d 'Session lifetime in hours (also RG_SESSION_HOURS; default 168).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user approve"' -l 'rate-limit' -d 'Per-endpoint, per-address limit such as login=10/60s; repeatable. Endpoints: approve, forgot_password, login, logout, register, reset_password, session, verify.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user approve" trust-proxy' -l 'trust-proxy' -d 'Count requests against the first X-Forwarded-For address (only behind your own reverse proxy).'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user approve" admin-notify' -l 'admin-notify' -d 'Also send approval requests to this address (also RG_ADMIN_NOTIFY); approved admins always get them.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user approve" log-level' -l 'log-level' -d 'Log level on stderr: trace|debug|info|notice|warning|error|critical (also RG_LOG_LEVEL; default info).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user approve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user deny" db' -l 'db' -d 'SQLite database file (also RG_DB; default var/rg.sqlite).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user deny" sendmail' -l 'sendmail' -d 'Pipe each message (with headers) to this shell command instead of SMTP, e.g. "sendmail -t -i" (also RG_SENDMAIL).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user deny" mail-from' -l 'mail-from' -d 'Sender address of account mail (also RG_MAIL_FROM; default reservegrid@localhost).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user deny" site-url' -l 'site-url' -d 'Base URL of the dashboard, for links in mail (also RG_SITE_URL; default http://localhost:8084).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user deny" session-hours' -l 'session-hours' -d 'Session lifetime in hours (also RG_SESSION_HOURS; default 168).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user deny"' -l 'rate-limit' -d 'Per-endpoint, per-address limit such as login=10/60s; repeatable. Endpoints: approve, forgot_password, login, logout, register, reset_password, session, verify.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user deny" trust-proxy' -l 'trust-proxy' -d 'Count requests against the first X-Forwarded-For address (only behind your own reverse proxy).'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user deny" admin-notify' -l 'admin-notify' -d 'Also send approval requests to this address (also RG_ADMIN_NOTIFY); approved admins always get them.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user deny" log-level' -l 'log-level' -d 'Log level on stderr: trace|debug|info|notice|warning|error|critical (also RG_LOG_LEVEL; default info).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user deny" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user disable" db' -l 'db' -d 'SQLite database file (also RG_DB; default var/rg.sqlite).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user disable" sendmail' -l 'sendmail' -d 'Pipe each message (with headers) to this shell command instead of SMTP, e.g. "sendmail -t -i" (also RG_SENDMAIL).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user disable" mail-from' -l 'mail-from' -d 'Sender address of account mail (also RG_MAIL_FROM; default reservegrid@localhost).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user disable" site-url' -l 'site-url' -d 'Base URL of the dashboard, for links in mail (also RG_SITE_URL; default http://localhost:8084).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user disable" session-hours' -l 'session-hours' -d 'Session lifetime in hours (also RG_SESSION_HOURS; default 168).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user disable"' -l 'rate-limit' -d 'Per-endpoint, per-address limit such as login=10/60s; repeatable. Endpoints: approve, forgot_password, login, logout, register, reset_password, session, verify.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user disable" trust-proxy' -l 'trust-proxy' -d 'Count requests against the first X-Forwarded-For address (only behind your own reverse proxy).'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user disable" admin-notify' -l 'admin-notify' -d 'Also send approval requests to this address (also RG_ADMIN_NOTIFY); approved admins always get them.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user disable" log-level' -l 'log-level' -d 'Log level on stderr: trace|debug|info|notice|warning|error|critical (also RG_LOG_LEVEL; default info).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user disable" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user set-role" db' -l 'db' -d 'SQLite database file (also RG_DB; default var/rg.sqlite).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user set-role" sendmail' -l 'sendmail' -d 'Pipe each message (with headers) to this shell command instead of SMTP, e.g. "sendmail -t -i" (also RG_SENDMAIL).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user set-role" mail-from' -l 'mail-from' -d 'Sender address of account mail (also RG_MAIL_FROM; default reservegrid@localhost).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user set-role" site-url' -l 'site-url' -d 'Base URL of the dashboard, for links in mail (also RG_SITE_URL; default http://localhost:8084).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user set-role" session-hours' -l 'session-hours' -d 'Session lifetime in hours (also RG_SESSION_HOURS; default 168).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user set-role"' -l 'rate-limit' -d 'Per-endpoint, per-address limit such as login=10/60s; repeatable. Endpoints: approve, forgot_password, login, logout, register, reset_password, session, verify.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user set-role" trust-proxy' -l 'trust-proxy' -d 'Count requests against the first X-Forwarded-For address (only behind your own reverse proxy).'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user set-role" admin-notify' -l 'admin-notify' -d 'Also send approval requests to this address (also RG_ADMIN_NOTIFY); approved admins always get them.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user set-role" log-level' -l 'log-level' -d 'Log level on stderr: trace|debug|info|notice|warning|error|critical (also RG_LOG_LEVEL; default info).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user set-role" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user reset-password" db' -l 'db' -d 'SQLite database file (also RG_DB; default var/rg.sqlite).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user reset-password" sendmail' -l 'sendmail' -d 'Pipe each message (with headers) to this shell command instead of SMTP, e.g. "sendmail -t -i" (also RG_SENDMAIL).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user reset-password" mail-from' -l 'mail-from' -d 'Sender address of account mail (also RG_MAIL_FROM; default reservegrid@localhost).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user reset-password" site-url' -l 'site-url' -d 'Base URL of the dashboard, for links in mail (also RG_SITE_URL; default http://localhost:8084).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user reset-password" session-hours' -l 'session-hours' -d 'Session lifetime in hours (also RG_SESSION_HOURS; default 168).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user reset-password"' -l 'rate-limit' -d 'Per-endpoint, per-address limit such as login=10/60s; repeatable. Endpoints: approve, forgot_password, login, logout, register, reset_password, session, verify.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user reset-password" trust-proxy' -l 'trust-proxy' -d 'Count requests against the first X-Forwarded-For address (only behind your own reverse proxy).'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user reset-password" admin-notify' -l 'admin-notify' -d 'Also send approval requests to this address (also RG_ADMIN_NOTIFY); approved admins always get them.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user reset-password" log-level' -l 'log-level' -d 'Log level on stderr: trace|debug|info|notice|warning|error|critical (also RG_LOG_LEVEL; default info).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth user reset-password" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth token" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_positional "rg-auth token" -eq 1' -fa 'check' -d 'Read a token on standard input; print a token record; exit 3 when it is not valid.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth token check" db' -l 'db' -d 'SQLite database file (also RG_DB; default var/rg.sqlite).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth token check" sendmail' -l 'sendmail' -d 'Pipe each message (with headers) to this shell command instead of SMTP, e.g. "sendmail -t -i" (also RG_SENDMAIL).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth token check" mail-from' -l 'mail-from' -d 'Sender address of account mail (also RG_MAIL_FROM; default reservegrid@localhost).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth token check" site-url' -l 'site-url' -d 'Base URL of the dashboard, for links in mail (also RG_SITE_URL; default http://localhost:8084).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth token check" session-hours' -l 'session-hours' -d 'Session lifetime in hours (also RG_SESSION_HOURS; default 168).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth token check"' -l 'rate-limit' -d 'Per-endpoint, per-address limit such as login=10/60s; repeatable. Endpoints: approve, forgot_password, login, logout, register, reset_password, session, verify.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth token check" trust-proxy' -l 'trust-proxy' -d 'Count requests against the first X-Forwarded-For address (only behind your own reverse proxy).'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth token check" admin-notify' -l 'admin-notify' -d 'Also send approval requests to this address (also RG_ADMIN_NOTIFY); approved admins always get them.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth token check" log-level' -l 'log-level' -d 'Log level on stderr: trace|debug|info|notice|warning|error|critical (also RG_LOG_LEVEL; default info).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth token check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth serve" listen' -l 'listen' -d 'Address to listen on, host:port; port 0 picks a free port.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth serve" allow-remote' -l 'allow-remote' -d 'Allow binding a non-loopback address (also RG_ALLOW_NON_LOOPBACK=1).'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth serve" max-connections' -l 'max-connections' -d 'Most connections at once (default 512).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth serve" max-connections-per-ip' -l 'max-connections-per-ip' -d 'Most connections from one address (default 64).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth serve" idle-timeout' -l 'idle-timeout' -d 'Close connections idle this many seconds (default 30).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth serve" db' -l 'db' -d 'SQLite database file (also RG_DB; default var/rg.sqlite).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth serve" sendmail' -l 'sendmail' -d 'Pipe each message (with headers) to this shell command instead of SMTP, e.g. "sendmail -t -i" (also RG_SENDMAIL).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth serve" mail-from' -l 'mail-from' -d 'Sender address of account mail (also RG_MAIL_FROM; default reservegrid@localhost).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth serve" site-url' -l 'site-url' -d 'Base URL of the dashboard, for links in mail (also RG_SITE_URL; default http://localhost:8084).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth serve" session-hours' -l 'session-hours' -d 'Session lifetime in hours (also RG_SESSION_HOURS; default 168).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth serve"' -l 'rate-limit' -d 'Per-endpoint, per-address limit such as login=10/60s; repeatable. Endpoints: approve, forgot_password, login, logout, register, reset_password, session, verify.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth serve" trust-proxy' -l 'trust-proxy' -d 'Count requests against the first X-Forwarded-For address (only behind your own reverse proxy).'
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth serve" admin-notify' -l 'admin-notify' -d 'Also send approval requests to this address (also RG_ADMIN_NOTIFY); approved admins always get them.' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth serve" log-level' -l 'log-level' -d 'Log level on stderr: trace|debug|info|notice|warning|error|critical (also RG_LOG_LEVEL; default info).' -rfka ''
complete -c 'rg-auth' -n '__rg-auth_should_offer_completions_for_flags_or_options "rg-auth serve" h help' -s 'h' -l 'help' -d 'Show help information.'
