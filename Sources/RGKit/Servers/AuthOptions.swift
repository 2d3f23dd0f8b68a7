import ArgumentParser
import Foundation
import Logging

/// Mail delivery, shared by `rg-auth` and `rg-stat serve`. SMTP is configured by environment
/// only (the password must never be a flag): `RG_SMTP_HOST`, `RG_SMTP_PORT` (587),
/// `RG_SMTP_SECURITY` (starttls|tls|plain), `RG_SMTP_USER`, `RG_SMTP_PASSWORD` or
/// `RG_SMTP_PASSWORD_FILE`, `RG_SMTP_CA_FILE`, `RG_SMTP_HELO`. Without SMTP and without
/// `--sendmail`, mail goes to stderr prefixed `[email-stub]`.
public struct MailOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp("Pipe each message (with headers) to this shell command instead of SMTP, e.g. \"sendmail -t -i\" (also RG_SENDMAIL).", valueName: "command"))
    public var sendmail: String?

    @Option(name: .long, help: ArgumentHelp("Sender address of account mail (also RG_MAIL_FROM; default reservegrid@localhost).", valueName: "address"))
    public var mailFrom: String?

    public init() {}

    public var from: String { Setting.string(mailFrom, env: "RG_MAIL_FROM", default: "reservegrid@localhost") ?? "reservegrid@localhost" }

    /// The transport the environment and flags describe.
    public func transport() throws(ToolError) -> MailTransport {
        if let host = Setting.string(nil, env: "RG_SMTP_HOST"), !host.isEmpty {
            if sendmail != nil { throw ToolError(.usage, "--sendmail and RG_SMTP_HOST both set; choose one way to send mail") }
            let portText = Setting.string(nil, env: "RG_SMTP_PORT", default: nil)
            let securityText = Setting.string(nil, env: "RG_SMTP_SECURITY", default: "starttls") ?? "starttls"
            guard let security = SMTPSecurity(rawValue: securityText.lowercased()) else {
                throw ToolError(.usage, "RG_SMTP_SECURITY=\(securityText): expected starttls, tls or plain")
            }
            let defaultPort = security == .tls ? 465 : 587
            guard let port = portText.map({ Int($0) }) ?? defaultPort, (1...65_535).contains(port) else {
                throw ToolError(.usage, "RG_SMTP_PORT=\(portText ?? ""): not a port number")
            }
            let user = Setting.string(nil, env: "RG_SMTP_USER")
            let password = try Setting.secret(env: "RG_SMTP_PASSWORD")
            if user != nil && security == .plain {
                throw ToolError(.usage, "RG_SMTP_USER with RG_SMTP_SECURITY=plain would send the password in the clear")
            }
            let ca = Setting.string(nil, env: "RG_SMTP_CA_FILE")
            if let ca, FileManagerLite.read(ca) == nil { throw ToolError(.usage, "RG_SMTP_CA_FILE: cannot read \(ca)") }
            return .smtp(SMTPConfiguration(host: host, port: port, security: security, user: user, password: password, caFile: ca,
                                           heloName: Setting.string(nil, env: "RG_SMTP_HELO", default: "localhost") ?? "localhost"))
        }
        if let command = Setting.string(sendmail, env: "RG_SENDMAIL"), !command.isEmpty { return .sendmail(command: command) }
        return .stub
    }

    public func outbox(logger: Logger) throws(ToolError) -> MailOutbox {
        let from = self.from
        guard EmailAddress(from) != nil || from.hasSuffix("@localhost") else { throw ToolError(.usage, "--mail-from \(from): not an e-mail address") }
        return MailOutbox(transport: try transport(), from: from, logger: logger)
    }
}

/// Account settings shared by `rg-auth` and `rg-stat serve`.
public struct AccountOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp("Base URL of the dashboard, for links in mail (also RG_SITE_URL; default http://localhost:8084).", valueName: "url"))
    public var siteURL: String?

    @Option(name: .long, help: ArgumentHelp("Session lifetime in hours (also RG_SESSION_HOURS; default 168).", valueName: "hours"))
    public var sessionHours: Int?

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Per-endpoint, per-address limit such as login=10/60s; repeatable. Endpoints: \(AuthRateLimits.defaults.keys.sorted().joined(separator: ", ")).", valueName: "endpoint=n/window"))
    public var rateLimit: [String] = []

    @Flag(name: .long, help: "Count requests against the first X-Forwarded-For address (only behind your own reverse proxy).")
    public var trustProxy = false

    @Option(name: .long, help: ArgumentHelp("Also send approval requests to this address (also RG_ADMIN_NOTIFY); approved admins always get them.", valueName: "address"))
    public var adminNotify: String?

    public init() {}

    public func configuration(mailFrom: String, defaultSite: String = "http://localhost:8084") throws(ToolError) -> AuthConfiguration {
        var c = AuthConfiguration(siteURL: Setting.string(siteURL, env: "RG_SITE_URL", default: defaultSite) ?? defaultSite, mailFrom: mailFrom)
        guard c.siteURL.hasPrefix("http://") || c.siteURL.hasPrefix("https://") else {
            throw ToolError(.usage, "--site-url \(c.siteURL): must start with http:// or https://")
        }
        let hoursText = Setting.string(sessionHours.map(String.init), env: "RG_SESSION_HOURS")
        if let hoursText {
            guard let hours = Int64(hoursText), (1...24 * 365).contains(hours) else {
                throw ToolError(.usage, "--session-hours \(hoursText): must be 1…8760")
            }
            c.sessionLifetimeMs = hours * 3_600_000
        }
        if let notify = Setting.string(adminNotify, env: "RG_ADMIN_NOTIFY") {
            guard let address = EmailAddress(notify) else { throw ToolError(.usage, "--admin-notify \(notify): not an e-mail address") }
            c.adminNotify = [address.address]
        }
        return c
    }

    public func rateLimiter() throws(ToolError) -> RateLimiter {
        RateLimiter(rules: try AuthRateLimits.rules(overrides: rateLimit))
    }
}

/// `--listen`, `--allow-remote` and the connection caps of a server command.
public struct ListenOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp("Address to listen on, host:port; port 0 picks a free port.", valueName: "host:port"))
    public var listen: String?

    @Flag(name: .long, help: "Allow binding a non-loopback address (also RG_ALLOW_NON_LOOPBACK=1).")
    public var allowRemote = false

    @Option(name: .long, help: ArgumentHelp("Most connections at once (default 512).", valueName: "n"))
    public var maxConnections: Int = 512

    @Option(name: .long, help: ArgumentHelp("Most connections from one address (default 64).", valueName: "n"))
    public var maxConnectionsPerIp: Int = 64

    @Option(name: .long, help: ArgumentHelp("Close connections idle this many seconds (default 30).", valueName: "seconds"))
    public var idleTimeout: Int = 30

    public init() {}

    public func address(env: String, default value: String) throws(ToolError) -> ListenAddress {
        let text = Setting.string(listen, env: env, default: value) ?? value
        let address = try ListenAddress(parsing: text, flag: "--listen")
        try address.requireLoopback(unless: allowRemote, flag: "--listen")
        return address
    }

    public func limits() throws(ToolError) -> HTTPServerLimits {
        guard maxConnections > 0, maxConnectionsPerIp > 0, idleTimeout > 0 else {
            throw ToolError(.usage, "--max-connections, --max-connections-per-ip and --idle-timeout must be > 0")
        }
        return HTTPServerLimits(maxConnections: maxConnections, maxConnectionsPerIP: maxConnectionsPerIp, idleTimeoutSeconds: idleTimeout)
    }
}

/// Reads a password without it ever being a flag: from a terminal with echo off (asked
/// twice), or the first line of standard input.
public enum PasswordInput {
    public static func read(prompt: String, confirm: Bool = true) throws(ToolError) -> String {
        if isatty(0) == 1 {
            let first = try readHidden(prompt)
            if confirm {
                let second = try readHidden("Again: ")
                guard first == second else { throw ToolError(.usage, "the two passwords differ") }
            }
            return first
        }
        guard let line = Swift.readLine(strippingNewline: true) else {
            throw ToolError(.usage, "no password on standard input (pipe it in, or run on a terminal to be asked)")
        }
        return line.hasSuffix("\r") ? String(line.dropLast()) : line
    }

    static func readHidden(_ prompt: String) throws(ToolError) -> String {
        FileHandleStderr.write(prompt)
        var old = termios()
        tcgetattr(0, &old)
        var quiet = old
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(0, TCSAFLUSH, &old)
            FileHandleStderr.write("\n")
        }
        guard let line = Swift.readLine(strippingNewline: true) else { throw ToolError(.usage, "no password entered") }
        return line
    }
}

/// The `user` record of rg-auth (ARCHITECTURE.md §2): never a password hash.
public enum UserRecord {
    public static func encode(_ u: StoredUser) -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.field("type", "user")
        w.field("id", u.id)
        w.field("email", u.email)
        w.field("name", u.name)
        w.field("org", u.org)
        w.field("status", u.status.rawValue)
        w.field("role", u.role.rawValue)
        w.field("created_ms", u.createdMs)
        w.field("verified_ms", u.verifiedMs)
        w.field("approved_ms", u.approvedMs)
        w.endObject()
        return w.bytes
    }
}
