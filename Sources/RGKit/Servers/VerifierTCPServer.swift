import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// `rg-verify serve`'s TCP listener: the reference verifier's NDJSON protocol (both dialects,
/// answers in order), optionally over TLS with client certificates, behind global and per-IP
/// connection caps, an idle timeout and a line limit. Each connection is a pipeline of small
/// handlers:
///
/// ```
/// ConnectionCapHandler → [NIOSSLServerHandler → TLSHandshakeDeadlineHandler] → IdleStateHandler
///   → ByteToMessageHandler(NDJSONLineDecoder) → VerifierConnectionHandler ⇄ VerdictWorker
/// ```
///
/// A `Service`: graceful shutdown stops accepting, lets every connection answer what it has
/// already read, closes it, and returns.
public final class VerifierTCPServer: Service, @unchecked Sendable {
    public struct Configuration: Sendable {
        public var address: ListenAddress
        /// nil = plaintext. Set only when both a certificate and a key were given (never a
        /// silent fallback: the command refuses one without the other).
        public var tls: NIOSSLContext?
        public var maxConnections: Int
        public var maxConnectionsPerIP: Int
        /// A connection with no byte moving either way for this long is closed.
        public var idleTimeout: TimeAmount
        public var tlsHandshakeTimeout: TimeAmount
        public var maxLineBytes: Int
        public var maxPendingRequests: Int
        /// How long a graceful shutdown waits for connections to finish before closing them.
        public var shutdownGrace: TimeAmount

        public init(address: ListenAddress, tls: NIOSSLContext? = nil, maxConnections: Int = 512, maxConnectionsPerIP: Int = 128,
                    idleTimeout: TimeAmount = .seconds(60), tlsHandshakeTimeout: TimeAmount = .seconds(10),
                    maxLineBytes: Int = LineReader.defaultMaxLineBytes, maxPendingRequests: Int = 1024,
                    shutdownGrace: TimeAmount = .seconds(10)) {
            self.address = address
            self.tls = tls
            self.maxConnections = maxConnections
            self.maxConnectionsPerIP = maxConnectionsPerIP
            self.idleTimeout = idleTimeout
            self.tlsHandshakeTimeout = tlsHandshakeTimeout
            self.maxLineBytes = maxLineBytes
            self.maxPendingRequests = maxPendingRequests
            self.shutdownGrace = shutdownGrace
        }
    }

    public let configuration: Configuration
    public let limiter: ConnectionLimiter
    private let connectionContext: VerifierConnectionContext
    private let group: any EventLoopGroup
    private let logger: Logger
    private let onListening: @Sendable (SocketAddress) -> Void
    private let connections = OpenConnections()

    public init(configuration: Configuration, connection: VerifierConnectionContext, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                logger: Logger, onListening: @escaping @Sendable (SocketAddress) -> Void = { _ in }) {
        self.configuration = configuration
        var connection = connection
        connection.maxPendingRequests = configuration.maxPendingRequests
        connectionContext = connection
        limiter = ConnectionLimiter(maxConnections: configuration.maxConnections, maxPerIP: configuration.maxConnectionsPerIP)
        self.group = group
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: false)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try self.initialize(channel) }
            }
            .bind(host: configuration.address.host, port: configuration.address.port)
            .get()
        let bound = channel.localAddress
        logger.notice("listening", metadata: [
            "service": "tcp", "address": "\(bound.map(Self.describe) ?? configuration.address.description)",
            "tls": "\(configuration.tls == nil ? "off" : "on")",
        ])
        if let bound { onListening(bound) }
        try await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await channel.closeFuture.get()
            } onGracefulShutdown: {
                channel.close(promise: nil)
            }
        } onCancel: {
            channel.close(promise: nil)
        }
        // No new connections; let the open ones finish what they have read.
        await connections.quiesce(grace: configuration.shutdownGrace, on: group.next())
        logger.info("tcp listener stopped")
    }

    static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    private func initialize(_ channel: any Channel) throws {
        let metrics = connectionContext.metrics
        let tls = configuration.tls != nil
        let handlers = channel.pipeline.syncOperations
        // A refused plaintext peer is told why; a TLS peer could not read it before a handshake.
        var refusalLine: (@Sendable (ConnectionLimiter.Refusal) -> [UInt8])?
        if !tls {
            refusalLine = { (refusal: ConnectionLimiter.Refusal) -> [UInt8] in
                let detail = refusal == .globalCap ? "the server is at its connection limit (global_cap)"
                                                   : "too many connections from this address (per_ip_cap)"
                return VerifierWire.error(code: "connection_refused", detail: detail, id: nil, dialect: .bare)
            }
        }
        try handlers.addHandler(ConnectionCapHandler(
            limiter: limiter,
            refusalLine: refusalLine,
            onAdmit: { [connections] in
                metrics.connectionsAccepted.increment()
                metrics.connectionsActive.increment()
                connections.insert(channel)
            },
            onRelease: { [connections] in
                metrics.connectionsActive.decrement()
                connections.remove(channel)
            },
            onRefuse: { refusal in metrics.refusedConnection(refusal) }))
        if let context = configuration.tls {
            try handlers.addHandler(NIOSSLServerHandler(context: context))
            try handlers.addHandler(TLSHandshakeDeadlineHandler(timeout: configuration.tlsHandshakeTimeout) {
                metrics.closedConnection(.tlsHandshakeTimeout)
            })
        }
        try handlers.addHandler(IdleStateHandler(allTimeout: configuration.idleTimeout))
        try handlers.addHandler(ByteToMessageHandler(NDJSONLineDecoder(maxLineBytes: configuration.maxLineBytes)))
        try handlers.addHandler(VerifierConnectionHandler(connectionContext))
    }
}

/// The open connections, so a graceful shutdown can ask each to finish and close.
final class OpenConnections: @unchecked Sendable {
    private let lock = Lock()
    private var channels: [ObjectIdentifier: any Channel] = [:]

    func insert(_ channel: any Channel) { lock.withLock { channels[ObjectIdentifier(channel)] = channel } }
    func remove(_ channel: any Channel) { _ = lock.withLock { channels.removeValue(forKey: ObjectIdentifier(channel)) } }

    /// Asks every connection to answer what it has read and close, then waits up to `grace`
    /// before closing the stragglers.
    func quiesce(grace: TimeAmount, on loop: any EventLoop) async {
        let open = lock.withLock { Array(channels.values) }
        guard !open.isEmpty else { return }
        for channel in open { channel.pipeline.triggerUserOutboundEvent(ChannelShouldQuiesceEvent(), promise: nil) }
        let all = EventLoopFuture.andAllComplete(open.map(\.closeFuture), on: loop)
        let timer = loop.scheduleTask(in: grace) { for channel in open { channel.close(promise: nil) } }
        try? await all.get()
        timer.cancel()
    }
}
