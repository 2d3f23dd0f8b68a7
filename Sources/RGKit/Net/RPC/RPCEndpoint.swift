/// The node's RPC URL: `http://host:port/path`. A scheme-less `host:port` means http. A URL
/// with `user:password@` is refused: a password in a flag shows in `ps` and shell history;
/// credentials come from `RG_RPC_USER`/`RG_RPC_PASS` or the cookie file.
public struct RPCEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int
    public var path: String

    public init(scheme: String = "http", host: String, port: Int, path: String = "/") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
    }

    /// Parses `--rpc`. A missing port is `defaultPort` (the network's RPC port).
    public init(parsing text: String, defaultPort: Int, flag: String = "--rpc") throws(ToolError) {
        var rest = Substring(text.trimmingWhitespace)
        var scheme = "http"
        if let range = rest.firstRange(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        }
        guard scheme == "http" || scheme == "https" else {
            throw ToolError(.usage, "\(flag) \(text): the scheme must be http or https")
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        let path = slash == rest.endIndex ? "/" : String(rest[slash...])
        if authority.contains("@") {
            throw ToolError(.usage, "\(flag): put no credentials in the URL (they would show in ps); use RG_RPC_USER/RG_RPC_PASS or --rpc-cookie")
        }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw ToolError(.usage, "\(flag) \(text): unterminated [IPv6] host") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw ToolError(.usage, "\(flag) \(text): expected :port after the [IPv6] host")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw ToolError(.usage, "\(flag) \(text): no host") }
        var port = defaultPort
        if let portText {
            guard let p = Int(portText), (1...65_535).contains(p) else {
                throw ToolError(.usage, "\(flag) \(text): port \"\(portText)\" is not a number in 1…65535")
            }
            port = p
        }
        self.init(scheme: scheme, host: String(host), port: port, path: path)
    }

    /// `host:port`, for messages.
    public var authority: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public var url: String { "\(scheme)://\(authority)\(path)" }

    public var description: String { url }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
