/// A user and password for Bitcoin Core's RPC, sent as HTTP Basic (bitcoin.md §1.7). Never
/// printed: `description` hides the password, so a credential in a log line or an error message
/// cannot leak it.
public struct RPCCredentials: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var password: String

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    /// The `Authorization` header value: `Basic base64(user:password)`.
    public var basicAuthorization: String { "Basic " + Base64.encode(Array("\(user):\(password)".utf8)) }

    /// Reads an `Authorization: Basic …` header value. The password is everything after the
    /// first colon (it may contain colons, as Core allows). nil for any other scheme or a
    /// malformed value.
    public static func parseBasicAuthorization(_ header: String) -> RPCCredentials? {
        var rest = Substring(header)
        while rest.first == " " { rest = rest.dropFirst() }
        guard rest.count > 6, rest.prefix(6).lowercased() == "basic " else { return nil }
        rest = rest.dropFirst(6)
        while rest.first == " " { rest = rest.dropFirst() }
        while rest.last == " " { rest = rest.dropLast() }
        guard let decoded = Base64.decode(Array(rest.utf8)) else { return nil }
        guard let text = String(validating: decoded, as: UTF8.self), let colon = text.firstIndex(of: ":") else { return nil }
        return RPCCredentials(user: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
    }

    public var description: String { "\(user):<hidden>" }
}

/// Bitcoin Core's cookie file (`<datadir>/.cookie`, or `<datadir>/<network>/.cookie`): one line
/// `__cookie__:<64 hex>`, rewritten with a fresh password every time the node starts. A client
/// must re-read it after a 401 — the node it talks to may have restarted.
public enum RPCCookie {
    public static let user = "__cookie__"

    /// Parses the file's content: `user:password`, optionally followed by a line end. Anything
    /// else (empty, no colon, an empty user or password, a second line, invalid UTF-8) is an
    /// error that names the problem without quoting the secret.
    public static func parse(_ bytes: [UInt8]) throws(RPCCookieError) -> RPCCredentials {
        var content = bytes[...]
        while let last = content.last, last == 0x0A || last == 0x0D { content = content.dropLast() }
        guard !content.isEmpty else { throw RPCCookieError("the cookie file is empty") }
        guard !content.contains(0x0A), !content.contains(0x0D) else { throw RPCCookieError("the cookie file has more than one line") }
        guard let text = String(validating: content, as: UTF8.self) else { throw RPCCookieError("the cookie file is not UTF-8 text") }
        guard let colon = text.firstIndex(of: ":") else { throw RPCCookieError("the cookie file has no \"user:password\" colon") }
        let user = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        guard !user.isEmpty else { throw RPCCookieError("the cookie file's user is empty") }
        guard !password.isEmpty else { throw RPCCookieError("the cookie file's password is empty") }
        return RPCCredentials(user: user, password: password)
    }

    /// A fresh cookie as Core makes one: user `__cookie__`, 32 random bytes as 64 hex digits.
    public static func generate() -> RPCCredentials {
        RPCCredentials(user: user, password: SecureRandom.bytes(count: 32).hex)
    }

    /// The file content Core writes (no trailing newline).
    public static func fileContents(_ credentials: RPCCredentials) -> [UInt8] {
        Array("\(credentials.user):\(credentials.password)".utf8)
    }
}

public struct RPCCookieError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Where a client's credentials come from. Secrets only ever come from the environment
/// (`RG_RPC_USER`/`RG_RPC_PASS`, or their `_FILE` forms) or from the node's cookie file.
public enum RPCAuthSource: Sendable, Equatable, CustomStringConvertible {
    case userPassword(RPCCredentials)
    case cookieFile(path: String)

    public var description: String {
        switch self {
        case .userPassword: "RG_RPC_USER/RG_RPC_PASS"
        case .cookieFile(let path): "the cookie file \(path)"
        }
    }
}
