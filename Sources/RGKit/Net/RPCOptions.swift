import ArgumentParser

/// `--rpc`, `--rpc-cookie`, `--rpc-timeout`: how a tool reaches a node, declared once for every
/// tool that talks to one (STYLE.md §8). The password never has a flag: it would show in `ps`
/// and in shell history. Credentials are the cookie file (`--rpc-cookie`/`RG_RPC_COOKIE`), or
/// else `RG_RPC_USER` and `RG_RPC_PASS` (each also as `_FILE`, a file holding the value).
public struct RPCOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp("The node's JSON-RPC URL, http://host:port (env: RG_RPC_URL; default http://127.0.0.1:<the network's RPC port>).", valueName: "url"))
    public var rpc: String?

    @Option(name: .long, help: ArgumentHelp("Bitcoin Core's cookie file, re-read whenever the node answers 401 (env: RG_RPC_COOKIE). Without it, RG_RPC_USER and RG_RPC_PASS are used.", valueName: "path"))
    public var rpcCookie: String?

    @Option(name: .long, help: ArgumentHelp("Deadline of an ordinary RPC call: 500ms, 30s … (env: RG_RPC_TIMEOUT; default 30s).", valueName: "duration"))
    public var rpcTimeout: String?

    public init() {}

    /// The client configuration, or a usage error that says what is missing.
    public func clientConfiguration(network: Network?) throws(ToolError) -> BitcoinRPCClient.Configuration {
        let defaultPort = (network ?? .mainnet).rpcPort
        let url = Setting.string(rpc, env: "RG_RPC_URL", default: "http://127.0.0.1:\(defaultPort)")!
        let endpoint = try RPCEndpoint(parsing: url, defaultPort: defaultPort)
        var configuration = BitcoinRPCClient.Configuration(endpoint: endpoint, auth: try authSource())
        let timeoutText = Setting.string(rpcTimeout, env: "RG_RPC_TIMEOUT", default: "30s")!
        guard let ms = DurationText.milliseconds(timeoutText), ms > 0 else {
            throw ToolError(.usage, "--rpc-timeout: \"\(timeoutText)\" is not a positive duration (e.g. 500ms, 30s)")
        }
        configuration.timeout = .milliseconds(ms)
        return configuration
    }

    public func authSource() throws(ToolError) -> RPCAuthSource {
        if let path = Setting.string(rpcCookie, env: "RG_RPC_COOKIE") {
            guard !path.isEmpty else { throw ToolError(.usage, "--rpc-cookie: empty path") }
            return .cookieFile(path: path)
        }
        let user = try Setting.secret(env: "RG_RPC_USER")
        let password = try Setting.secret(env: "RG_RPC_PASS")
        switch (user, password) {
        case (let user?, let password?):
            return .userPassword(RPCCredentials(user: user, password: password))
        case (nil, nil):
            throw ToolError(.usage, "no RPC credentials: pass --rpc-cookie PATH (the node's .cookie file), or set RG_RPC_USER and RG_RPC_PASS (or RG_RPC_PASS_FILE)")
        case (nil, _):
            throw ToolError(.usage, "RG_RPC_PASS is set but RG_RPC_USER is not")
        case (_, nil):
            throw ToolError(.usage, "RG_RPC_USER is set but RG_RPC_PASS (or RG_RPC_PASS_FILE) is not")
        }
    }
}

extension ProcessSignals {
    /// Runs `work` until it finishes or SIGINT/SIGTERM arrives; on a signal the work is
    /// cancelled and awaited (it finishes what it has in hand). Errors from the work surface.
    public static func runUntilStopped(_ work: @escaping @Sendable () async throws(ToolError) -> Void) async throws(ToolError) {
        let outcome: Result<Void, ToolError> = await withTaskGroup(of: Result<Void, ToolError>?.self) { group in
            group.addTask {
                do throws(ToolError) { try await work(); return .success(()) } catch { return .failure(error) }
            }
            group.addTask {
                await waitForStop()
                return nil
            }
            var result: Result<Void, ToolError> = .success(())
            var first = true
            while let next = await group.next() {
                if first { group.cancelAll(); first = false }
                if let next { result = next }
            }
            return result
        }
        try outcome.get()
    }
}
