/// One SMTP reply: a three-digit code and its text lines (RFC 5321 §4.2).
public struct SMTPReply: Sendable, Equatable {
    public var code: Int
    public var lines: [String]
    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }
    public var isPositive: Bool { (200..<400).contains(code) }
}

/// Assembles replies from lines (`250-first`, `250-second`, `250 last`), with limits, so a
/// hostile or broken server cannot grow memory without bound.
public struct SMTPReplyParser: Sendable {
    public static let maxLines = 100
    private var code: Int?
    private var lines: [String] = []

    public init() {}

    public enum ParseError: Error, Equatable { case malformed(String), tooManyLines }

    /// Feeds one line (without CRLF); returns a reply when its last line arrived.
    public mutating func feed(_ line: String) throws(ParseError) -> SMTPReply? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, let value = Int(String(decoding: bytes[0..<3], as: UTF8.self)), (200...599).contains(value) else {
            throw .malformed(String(line.prefix(80)))
        }
        let separator: UInt8 = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else { throw .malformed(String(line.prefix(80))) }
        if let code, code != value { throw .malformed("reply code changed from \(code) to \(value) mid-reply") }
        code = value
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard lines.count <= Self.maxLines else { throw .tooManyLines }
        if separator == UInt8(ascii: "-") { return nil }
        defer { code = nil; lines = [] }
        return SMTPReply(code: value, lines: lines)
    }
}

/// How the client protects the connection.
public enum SMTPSecurity: String, Sendable, CaseIterable {
    /// Plain connection upgraded with STARTTLS; a server that does not offer it is an error.
    case starttls
    /// TLS from the first byte (port 465).
    case tls
    /// No TLS at all. Allowed only on request; AUTH is then refused (it would send the
    /// password in the clear).
    case plain
}

/// The SMTP client conversation for one message, as a state machine: fed replies, returns
/// what to send. No sockets; the NIO handler in `SMTPClient` performs the actions.
public struct SMTPSession: Sendable {
    public enum Action: Equatable, Sendable {
        /// Send this command line (CRLF is added by the caller).
        case send(String)
        /// Send the message body: already dot-stuffed, ending with CRLF.CRLF.
        case sendData(String)
        /// Start TLS on the connection now; then call `tlsEstablished()`.
        case startTLS
        /// The message was accepted; QUIT has been sent (the caller may close).
        case delivered(String)
        case failed(String)
        /// Wait for the next reply.
        case wait
    }

    enum State: Equatable {
        case greeting, ehlo, startTLS, tlsHandshake, ehloAfterTLS, auth, mailFrom, rcptTo, data, body, quit, done
    }

    public let security: SMTPSecurity
    public let heloName: String
    public let credentials: (user: String, password: String)?
    public let envelopeFrom: String
    public let recipient: String
    public let message: String
    private(set) var state: State = .greeting
    private var tlsActive: Bool
    /// Set once the server accepted the message (250 after the body), before QUIT.
    public private(set) var deliveredReply: String?

    public init(security: SMTPSecurity, heloName: String, credentials: (user: String, password: String)?,
                envelopeFrom: String, recipient: String, message: String) {
        self.security = security
        self.heloName = heloName
        self.credentials = credentials
        self.envelopeFrom = envelopeFrom
        self.recipient = recipient
        self.message = message
        tlsActive = security == .tls
    }

    /// Dot-stuffs and terminates a message for DATA (RFC 5321 §4.5.2).
    public static func dataBlock(_ message: String) -> String {
        var out = ""
        out.reserveCapacity(message.utf8.count + 16)
        for line in message.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast(message.hasSuffix("\r\n") ? 1 : 0) {
            if line.hasPrefix(".") { out += "." }
            out += line
            out += "\r\n"
        }
        return out + ".\r\n"
    }

    public mutating func received(_ reply: SMTPReply) -> Action {
        func fail(_ what: String) -> Action {
            state = .done
            return .failed("\(what): \(reply.code) \(reply.lines.joined(separator: " ").prefix(200))")
        }
        switch state {
        case .greeting:
            guard reply.code == 220 else { return fail("server greeting") }
            state = .ehlo
            return .send("EHLO \(heloName)")
        case .ehlo, .ehloAfterTLS:
            guard reply.code == 250 else { return fail("EHLO") }
            let extensions = Set(reply.lines.dropFirst().map { $0.split(separator: " ").first.map { $0.uppercased() } ?? "" })
            if !tlsActive && security == .starttls {
                guard extensions.contains("STARTTLS") else {
                    state = .done
                    return .failed("the server does not offer STARTTLS; refusing to send mail in the clear (RG_SMTP_SECURITY=plain allows it)")
                }
                state = .startTLS
                return .send("STARTTLS")
            }
            if let credentials {
                guard tlsActive else {
                    state = .done
                    return .failed("refusing to send SMTP credentials over a connection without TLS")
                }
                let plain = Array("\u{0}\(credentials.user)\u{0}\(credentials.password)".utf8)
                state = .auth
                return .send("AUTH PLAIN \(Base64.encode(plain))")
            }
            state = .mailFrom
            return .send("MAIL FROM:<\(envelopeFrom)>")
        case .startTLS:
            guard reply.code == 220 else { return fail("STARTTLS") }
            state = .tlsHandshake
            return .startTLS
        case .tlsHandshake:
            return fail("reply before the TLS handshake finished")
        case .auth:
            guard reply.code == 235 else { return fail("AUTH") }
            state = .mailFrom
            return .send("MAIL FROM:<\(envelopeFrom)>")
        case .mailFrom:
            guard reply.code == 250 else { return fail("MAIL FROM") }
            state = .rcptTo
            return .send("RCPT TO:<\(recipient)>")
        case .rcptTo:
            guard reply.code == 250 || reply.code == 251 else { return fail("RCPT TO") }
            state = .data
            return .send("DATA")
        case .data:
            guard reply.code == 354 else { return fail("DATA") }
            state = .body
            return .sendData(Self.dataBlock(message))
        case .body:
            guard reply.code == 250 else { return fail("message") }
            deliveredReply = reply.lines.joined(separator: " ")
            state = .quit
            return .send("QUIT")
        case .quit:
            state = .done
            return .delivered(deliveredReply ?? "")
        case .done:
            return .wait
        }
    }

    /// The TLS handshake completed: greet again over the encrypted channel (RFC 3207 §4.2).
    public mutating func tlsEstablished() -> Action {
        switch state {
        case .tlsHandshake:
            tlsActive = true
            state = .ehloAfterTLS
            return .send("EHLO \(heloName)")
        case .greeting where security == .tls:
            return .wait
        default:
            return .wait
        }
    }

    public var isFinished: Bool { state == .done || state == .quit }
}
