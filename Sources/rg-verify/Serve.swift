import ArgumentParser
import Logging
import RGKit

/// `rg-verify serve`: the verifier as a service — TCP (the reference verifier protocol) and an
/// HTTP API — on the same verdict path as the pipe.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve verdicts over TCP (TemplatePropose → TemplateVerdict, NDJSON) with an HTTP API.",
        discussion: """
            TCP (--listen, default 127.0.0.1:9090) speaks the reference verifier's protocol: one \
            JSON object per line, answered in order. A bare TemplatePropose is answered with a bare \
            TemplateVerdict {version, id, accepted, reason_code, reason_detail, policy_context}; the \
            envelope {"msg_type","version","payload"} is answered in kind (template_propose → \
            template_verdict, heartbeat → heartbeat_ack). The dialect is detected per connection. \
            Full template records are accepted too and answered with verdict records. A request \
            that cannot be judged gets an error line ({"type":"error","code",…} or msg_type \
            "error"); a line longer than --max-line-bytes closes that connection only.

            Every verdict is also written to stdout and, with --db, committed to the database \
            first — the same path as the pipe mode. The policy is reloaded on SIGHUP and when its \
            file changes; POST /policy replaces it (validated, written atomically, applied to the \
            next verdict).

            HTTP (--http-listen, default 127.0.0.1:8081; "off" disables it): /health, /ready, \
            /metrics are open; /verdicts, /verdicts.csv, /stats, GET and POST /policy need \
            "Authorization: Bearer <key>" with the key from RG_API_SECRET or the file named by \
            RG_API_SECRET_FILE. Without a key those routes answer 403.

            TLS: --tls-cert and --tls-key (both or neither; never a silent plaintext fallback); \
            --tls-client-ca requires client certificates signed by that CA (mTLS). The same for \
            HTTP with --http-tls-*. SIGTERM/SIGINT: stop accepting, answer what was read, exit 0.
            """)

    @Option(name: .long, help: "Policy TOML file (env: RG_POLICY; default: config/policy.toml).")
    var policy: String?

    @Option(name: .long, help: "Network for the block subsidy: mainnet, testnet, testnet4, signet, regtest (env: RG_NETWORK; default: mainnet).")
    var network: String?

    @Flag(name: .long, help: "Leave the template out of each verdict record on stdout.")
    var strip = false

    @Flag(name: .long, help: "Add every check with its measured value and limit to each verdict.")
    var explain = false

    @OptionGroup(title: "Store")
    var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("TCP address for the verifier protocol (env: RG_LISTEN; default: 127.0.0.1:9090; port 0 picks a free one).", valueName: "host:port"))
    var listen: String?

    @Option(name: .long, help: ArgumentHelp("HTTP API address, or \"off\" (env: RG_HTTP_LISTEN; default: 127.0.0.1:8081).", valueName: "host:port"))
    var httpListen: String?

    @Flag(name: .long, help: "Allow binding a non-loopback address (also RG_ALLOW_NON_LOOPBACK=1).")
    var allowRemote = false

    @Option(name: .long, help: ArgumentHelp("TLS certificate chain (PEM) for the TCP listener (env: RG_TLS_CERT).", valueName: "file"))
    var tlsCert: String?

    @Option(name: .long, help: ArgumentHelp("TLS private key (PEM file) for the TCP listener (env: RG_TLS_KEY).", valueName: "file"))
    var tlsKey: String?

    @Option(name: .long, help: ArgumentHelp("CA (PEM) that must have signed every TCP client's certificate: mTLS (env: RG_TLS_CLIENT_CA).", valueName: "file"))
    var tlsClientCa: String?

    @Option(name: .long, help: ArgumentHelp("TLS certificate chain (PEM) for the HTTP API (env: RG_HTTP_TLS_CERT).", valueName: "file"))
    var httpTlsCert: String?

    @Option(name: .long, help: ArgumentHelp("TLS private key (PEM file) for the HTTP API (env: RG_HTTP_TLS_KEY).", valueName: "file"))
    var httpTlsKey: String?

    @Option(name: .long, help: ArgumentHelp("CA (PEM) that must have signed every HTTP client's certificate (env: RG_HTTP_TLS_CLIENT_CA).", valueName: "file"))
    var httpTlsClientCa: String?

    @Option(name: .long, help: "Most TCP connections at once.")
    var maxConnections: Int = 512

    @Option(name: .long, help: "Most TCP connections from one IP address (0: no per-address cap).")
    var maxConnectionsPerIp: Int = 128

    @Option(name: .long, help: "Close a TCP connection when no byte moved for this long (e.g. 60s, 5m).")
    var idleTimeout: String = "60s"

    @Option(name: .long, help: "Longest request line in bytes; a longer one closes that connection.")
    var maxLineBytes: Int = LineReader.defaultMaxLineBytes

    @Option(name: .long, help: "Requests read but not yet answered per connection; reading pauses there.")
    var maxPending: Int = 1024

    @Option(name: .long, help: "Most HTTP connections at once (per IP: half of it).")
    var httpMaxConnections: Int = 64

    @Option(name: .long, help: "Largest HTTP request body in bytes (POST /policy).")
    var httpMaxBodyBytes: Int = 64 << 10

    @Option(name: .long, help: "Longest an HTTP request may take (reading its body, a database query).")
    var httpRequestTimeout: String = "10s"

    @Option(name: .long, help: "Verdicts kept in memory for /verdicts when there is no --db.")
    var ringSize: Int = 1000

    @Option(name: .long, help: ArgumentHelp("Mempool source polled for compact proposes and /ready: a URL answering JSON with tx_count or size, e.g. bitcoind's http://127.0.0.1:8332/rest/mempool/info.json (env: RG_MEMPOOL_URL).", valueName: "url"))
    var mempoolUrl: String?

    @Option(name: .long, help: "How often to poll --mempool-url.")
    var mempoolInterval: String = "5s"

    @Option(name: .long, help: "A mempool reading older than this is not used, and /ready answers 503.")
    var mempoolMaxAge: String = "30s"

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error (env: RG_LOG_LEVEL).")
    var logLevel: String?

    func run() async throws {
        ToolLogging.bootstrap(tool: "rg-verify", level: logLevel)
        ToolMemory.keepLargeBuffersInHeap()
        try await VerifierServer.run(try resolve(), logger: Logger(label: "rg-verify"))
    }

    /// Every setting checked before anything starts: a bad one is a usage error (exit 2).
    func resolve() throws(ToolError) -> VerifierServer.Options {
        let policyPath = Setting.string(policy, env: "RG_POLICY", default: "config/policy.toml")!
        let network = try Setting.network(network, default: "mainnet")!
        let tcpAddress = try ListenAddress(parsing: Setting.string(listen, env: "RG_LISTEN", default: "127.0.0.1:9090")!, flag: "--listen")
        try tcpAddress.requireLoopback(unless: allowRemote, flag: "--listen")
        var httpAddress: ListenAddress?
        let httpText = Setting.string(httpListen, env: "RG_HTTP_LISTEN", default: "127.0.0.1:8081")!
        if httpText != "off" {
            let address = try ListenAddress(parsing: httpText, flag: "--http-listen")
            try address.requireLoopback(unless: allowRemote, flag: "--http-listen")
            httpAddress = address
        }
        func duration(_ text: String, _ flag: String, minimumMs: Int64 = 1) throws(ToolError) -> Int64 {
            guard let ms = DurationText.milliseconds(text), ms >= minimumMs else {
                throw ToolError(.usage, "\(flag): \"\(text)\" is not a duration of at least \(minimumMs) ms (e.g. 250ms, 30s, 5m)")
            }
            return ms
        }
        guard maxConnections >= 1 else { throw ToolError(.usage, "--max-connections must be ≥ 1") }
        guard maxConnectionsPerIp >= 0 else { throw ToolError(.usage, "--max-connections-per-ip must be ≥ 0 (0: no per-address cap)") }
        guard maxLineBytes >= 1024 else { throw ToolError(.usage, "--max-line-bytes must be ≥ 1024") }
        guard maxPending >= 1 else { throw ToolError(.usage, "--max-pending must be ≥ 1") }
        guard httpMaxConnections >= 1 else { throw ToolError(.usage, "--http-max-connections must be ≥ 1") }
        guard httpMaxBodyBytes >= 1 else { throw ToolError(.usage, "--http-max-body-bytes must be ≥ 1") }
        guard ringSize >= 1 else { throw ToolError(.usage, "--ring-size must be ≥ 1") }
        let tcpTLS = try ServerTLS.resolve(certificate: tlsCert, key: tlsKey, clientCA: tlsClientCa, applicationProtocols: ["rg-ndjson"])
        let httpTLS = try ServerTLS.resolve(certificate: httpTlsCert, key: httpTlsKey, clientCA: httpTlsClientCa,
                                            flagPrefix: "--http-tls", envPrefix: "RG_HTTP_TLS")
        if httpAddress == nil, httpTLS != nil { throw ToolError(.usage, "--http-tls-* given but --http-listen is off") }
        let mempoolURL = Setting.string(mempoolUrl, env: "RG_MEMPOOL_URL")
        if let url = mempoolURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ToolError(.usage, "--mempool-url: \"\(url)\" is not an http:// or https:// URL")
        }
        var options = VerifierServer.Options(policyPath: policyPath, verifier: .init(network: network, strip: strip, explain: explain),
                                             tcpAddress: tcpAddress)
        options.storePath = store.configuredPath
        options.tcpTLS = tcpTLS
        options.maxConnections = maxConnections
        options.maxConnectionsPerIP = maxConnectionsPerIp
        options.idleTimeoutMs = try duration(idleTimeout, "--idle-timeout")
        options.maxLineBytes = maxLineBytes
        options.maxPendingRequests = maxPending
        options.httpAddress = httpAddress
        options.httpTLS = httpTLS
        options.apiSecret = try Setting.secret(env: "RG_API_SECRET").flatMap { $0.isEmpty ? nil : $0 }
        options.httpMaxConnections = httpMaxConnections
        options.httpMaxBodyBytes = httpMaxBodyBytes
        options.httpRequestTimeoutMs = try duration(httpRequestTimeout, "--http-request-timeout")
        options.ringSize = ringSize
        options.mempoolURL = mempoolURL
        options.mempoolIntervalMs = try duration(mempoolInterval, "--mempool-interval", minimumMs: 100)
        options.mempoolMaxAgeMs = try duration(mempoolMaxAge, "--mempool-max-age")
        return options
    }
}
