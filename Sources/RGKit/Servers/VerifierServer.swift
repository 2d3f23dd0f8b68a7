import Logging
import NIOCore
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// `rg-verify serve` assembled: the policy (reloaded on SIGHUP and file change), the verdict
/// worker on the pipe's path (judge → store → stdout), the TCP listener, the HTTP API and the
/// optional mempool poller, run as one `ServiceGroup`. SIGTERM/SIGINT stop accepting, let each
/// connection answer what it has read, drain the worker and return (exit 0); a closed stdout
/// stops the same way but fails (exit 1).
public enum VerifierServer {
    public struct Options: Sendable {
        public var policyPath: String
        public var verifier: TemplateVerifier.Options
        /// The `--db` file; nil keeps no database (the HTTP API then serves the ring).
        public var storePath: String?
        public var tcpAddress: ListenAddress
        public var tcpTLS: ServerTLS?
        public var maxConnections = 512
        public var maxConnectionsPerIP = 128
        public var idleTimeoutMs: Int64 = 60_000
        public var tlsHandshakeTimeoutMs: Int64 = 10_000
        public var maxLineBytes = LineReader.defaultMaxLineBytes
        public var maxPendingRequests = 1024
        /// nil: no HTTP API.
        public var httpAddress: ListenAddress?
        public var httpTLS: ServerTLS?
        public var apiSecret: String?
        public var httpMaxConnections = 64
        public var httpMaxBodyBytes = 64 << 10
        public var httpRequestTimeoutMs: Int64 = 10_000
        public var ringSize = 1000
        public var mempoolURL: String?
        public var mempoolIntervalMs: Int64 = 5_000
        public var mempoolMaxAgeMs: Int64 = 30_000

        public init(policyPath: String, verifier: TemplateVerifier.Options, tcpAddress: ListenAddress) {
            self.policyPath = policyPath
            self.verifier = verifier
            self.tcpAddress = tcpAddress
        }
    }

    public static func run(_ options: Options, logger: Logger) async throws(ToolError) {
        MetricsRegistry.bootstrap()                  // before any metric is created
        signal(SIGPIPE, SIG_IGN)                     // a closed stdout becomes an error we report
        let live = try LivePolicy(path: options.policyPath, options: options.verifier, logger: logger)
        let store: VerdictStore?
        do { store = try options.storePath.map { VerdictStore(try RGDatabase(path: $0, mode: .create)) } } catch let error as StoreError {
            throw ToolError(error)
        } catch {
            throw ToolError(.failure, "\(error)")
        }
        let tcpTLS = try options.tcpTLS?.makeContext()
        let httpTLS = try options.httpTLS?.configuration
        let metrics = VerifierMetrics()
        let recent = RecentVerdicts(capacity: options.ringSize)
        var mempool: MempoolMonitor?
        var mempoolTxCount: (@Sendable () -> Int64?)?
        if let url = options.mempoolURL {
            let interval = Duration.milliseconds(options.mempoolIntervalMs)
            let timeout = TimeAmount.milliseconds(min(options.mempoolIntervalMs, 5_000))
            let monitor = MempoolMonitor(url: url, interval: interval, timeout: timeout, maxAgeMs: options.mempoolMaxAgeMs, logger: logger)
            mempool = monitor
            mempoolTxCount = { monitor.freshTxCount() }
        }
        let emitter = VerdictEmitter(verifier: live.verifier, output: RecordOutput(), store: store, observers: [metrics, recent],
                                     mempoolTxCount: mempoolTxCount)
        let shutdown = ShutdownTrigger()
        let worker = VerdictWorker(emitter: emitter, live: live, logger: logger) { error in shutdown.fail(error) }

        let tcp = VerifierTCPServer(
            configuration: .init(address: options.tcpAddress, tls: tcpTLS, maxConnections: options.maxConnections,
                                 maxConnectionsPerIP: options.maxConnectionsPerIP, idleTimeout: .milliseconds(options.idleTimeoutMs),
                                 tlsHandshakeTimeout: .milliseconds(options.tlsHandshakeTimeoutMs), maxLineBytes: options.maxLineBytes,
                                 maxPendingRequests: options.maxPendingRequests),
            connection: VerifierConnectionContext(verifier: live.verifier, worker: worker, metrics: metrics, logger: logger),
            logger: logger)
        var services: [any Service] = [PolicyReloadService(live: live)]
        if let mempool { services.append(mempool) }
        services.append(tcp)
        if let httpAddress = options.httpAddress {
            let api = VerifierHTTPAPI(
                configuration: .init(address: httpAddress, tls: httpTLS, apiSecret: options.apiSecret, maxBodyBytes: options.httpMaxBodyBytes,
                                     requestTimeout: .milliseconds(options.httpRequestTimeoutMs),
                                     maxConnections: options.httpMaxConnections, maxConnectionsPerIP: max(1, options.httpMaxConnections / 2)),
                live: live, store: store, recent: recent, mempool: mempool)
            services.append(try api.application(logger: logger))
            if options.apiSecret == nil {
                logger.warning("no API key configured: /verdicts, /stats and /policy answer 403 (set RG_API_SECRET or RG_API_SECRET_FILE)")
            }
        }
        logger.info("verifying", metadata: [
            "policy.file": "\(options.policyPath)", "policy.hash": "\(live.policy.hash)", "network": "\(options.verifier.network.name)",
            "db": "\(options.storePath ?? "none")",
        ])
        worker.start()
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        shutdown.attach(group)
        do {
            try await group.run()
        } catch {
            worker.stop()
            throw ToolError(.failure, describe(error))
        }
        worker.stop()
        if let error = shutdown.error { throw error }
        logger.info("stopped")
    }

    /// A start-up failure as an operator reads it (a port in use, a bad address).
    static func describe(_ error: any Error) -> String {
        if let error = error as? IOError { return "cannot listen: \(error)" }
        return "\(error)"
    }
}

/// Ends the service group when the verdict worker can no longer deliver (stdout closed), and
/// remembers why, so the tool exits 1 instead of 0.
final class ShutdownTrigger: @unchecked Sendable {
    private let lock = Lock()
    private var group: ServiceGroup?
    private var stored: ToolError?

    func attach(_ group: ServiceGroup) { lock.withLock { self.group = group } }

    var error: ToolError? { lock.withLock { stored } }

    func fail(_ error: ToolError) {
        let group: ServiceGroup? = lock.withLock {
            if stored == nil { stored = error }
            return self.group
        }
        Task { await group?.triggerGracefulShutdown() }
    }
}
