/// A `host:port` a server binds. Binding anything but loopback needs an explicit opt-in
/// (`--allow-remote` or `RG_ALLOW_NON_LOOPBACK=1`): a pool's verifier or gateway must not end
/// up on the internet because of a typo.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `[v6]:port` or `:port` (meaning 127.0.0.1). `flag` names the option
    /// in error messages.
    public init(parsing text: String, flag: String) throws(ToolError) {
        var hostPart: Substring
        var portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw ToolError(.usage, "\(flag): \"\(text)\" is not [ipv6]:port")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw ToolError(.usage, "\(flag): \"\(text)\" is not host:port") }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        if hostPart.isEmpty { hostPart = "127.0.0.1" }
        guard let port = Int(portPart), (0...65_535).contains(port) else {
            throw ToolError(.usage, "\(flag): port \"\(portPart)\" is not a number in 0…65535")
        }
        self.init(host: String(hostPart), port: port)
    }

    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Refuses a non-loopback address unless the operator opted in.
    public func requireLoopback(unless allowRemote: Bool, flag: String) throws(ToolError) {
        guard isLoopback || allowRemote || Setting.bool(false, env: "RG_ALLOW_NON_LOOPBACK") else {
            throw ToolError(.usage, "\(flag) \(self) is not a loopback address; pass --allow-remote (or RG_ALLOW_NON_LOOPBACK=1) to serve beyond this machine")
        }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
