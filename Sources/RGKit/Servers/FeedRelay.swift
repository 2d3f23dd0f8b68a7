import Logging
import Metrics
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// `rg-feed serve`: broadcasts template records to authenticated WebSocket subscribers.
///
/// Built directly on SwiftNIO's WebSocket upgrader rather than Hummingbird's: Hummingbird
/// answers every declined upgrade with 400, and a subscriber with a missing, wrong or revoked
/// token must get 401 at the handshake. Each subscriber may have `queueDepth` frames in flight;
/// one that falls further behind is dropped with a close reason instead of stalling the others
/// (one slow reader must never delay the pool's other template consumers). Tokens are checked
/// at the handshake and again whenever the token file changes, so a revoked token also ends
/// the connections already open with it.
public final class FeedRelay: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var listen: ListenAddress
        public var path: String = "/feed"
        public var maxConnections: Int = 256
        public var maxConnectionsPerIP: Int = 16
        public var heartbeatInterval: TimeAmount = .seconds(15)
        /// Frames a subscriber may have unwritten before it is dropped as too slow.
        public var queueDepth: Int = 16
        /// Largest frame a subscriber may send us (subscribers only send control frames).
        public var maxInboundFrameBytes: Int = 64 << 10
        /// A connection that has not completed its handshake within this time is closed.
        public var handshakeTimeout: TimeAmount = .seconds(10)
        /// Time a dropped subscriber gets to take its close frame before the socket is closed.
        public var closeGrace: TimeAmount = .seconds(2)

        public init(listen: ListenAddress) { self.listen = listen }
    }

    public let configuration: Configuration
    let limiter: ConnectionLimiter
    let logger: Logger
    private let lock = Lock()
    private var tokens: FeedTokens
    private var subscribers: [ObjectIdentifier: FeedSubscriberHandler] = [:]
    private var latest: (buffer: ByteBuffer, templateID: String?, height: Int64?)?
    private var serverChannel: (any Channel)?

    let framesCounter = Counter(label: "rg_feed_frames_sent_total")
    let slowCounter = Counter(label: "rg_feed_subscribers_dropped_slow_total")
    let refusedAuthCounter = Counter(label: "rg_feed_connections_refused_total", dimensions: [("reason", "auth")])
    let refusedCapCounter = Counter(label: "rg_feed_connections_refused_total", dimensions: [("reason", "cap")])
    private let revokedCounter = Counter(label: "rg_feed_subscribers_revoked_total")
    private let subscriberGauge = Gauge(label: "rg_feed_subscribers")

    public init(configuration: Configuration, tokens: FeedTokens, logger: Logger) {
        self.configuration = configuration
        self.tokens = tokens
        self.logger = logger
        limiter = ConnectionLimiter(maxConnections: configuration.maxConnections, maxPerIP: configuration.maxConnectionsPerIP)
    }

    public var subscriberCount: Int { lock.withLock { subscribers.count } }

    // MARK: publishing

    /// Queues a record for every subscriber. Called from the stdin loop; never blocks.
    public func publish(record: [UInt8], templateID: String?, height: Int64?) {
        let buffer = ByteBuffer(bytes: record)
        let targets: [FeedSubscriberHandler] = lock.withLock {
            latest = (buffer, templateID, height)
            return Array(subscribers.values)
        }
        for subscriber in targets { subscriber.send(buffer) }
    }

    /// Replaces the token list; connections whose token is no longer active are closed.
    public func replaceTokens(_ newTokens: FeedTokens) {
        let revoked: [FeedSubscriberHandler] = lock.withLock {
            tokens = newTokens
            return subscribers.values.filter { !newTokens.isActive(id: $0.tokenID) }
        }
        for subscriber in revoked {
            revokedCounter.increment()
            logger.notice("closing a connection whose token was revoked", metadata: ["token.id": "\(subscriber.tokenID)", "peer": "\(subscriber.address)"])
            subscriber.drop(code: .policyViolation, reason: "token revoked")
        }
    }

    /// Closes every subscriber with "going away" (on shutdown).
    public func closeAll(reason: String) {
        for subscriber in lock.withLock({ Array(subscribers.values) }) { subscriber.drop(code: .goingAway, reason: reason) }
    }

    func heartbeatFrame(nowMs: Int64) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("type", "heartbeat")
        w.field("ts_ms", nowMs)
        w.endObject()
        return ByteBuffer(bytes: w.bytes)
    }

    func statusFrame(nowMs: Int64) -> ByteBuffer {
        let (height, templateID, count) = lock.withLock { (latest?.height, latest?.templateID, subscribers.count) }
        var w = JSONWriter()
        w.beginObject()
        w.field("type", "status")
        w.field("ts_ms", nowMs)
        w.field("height", height)
        w.field("template_id", templateID)
        w.field("subscribers", count)
        w.endObject()
        return ByteBuffer(bytes: w.bytes)
    }

    // MARK: subscribers

    func register(_ subscriber: FeedSubscriberHandler) -> ByteBuffer? {
        let current: ByteBuffer? = lock.withLock {
            subscribers[ObjectIdentifier(subscriber)] = subscriber
            return latest?.buffer
        }
        subscriberGauge.record(subscriberCount)
        logger.info("subscriber connected", metadata: ["peer": "\(subscriber.address)", "token.id": "\(subscriber.tokenID)"])
        return current
    }

    func unregister(_ subscriber: FeedSubscriberHandler) {
        let removed = lock.withLock { subscribers.removeValue(forKey: ObjectIdentifier(subscriber)) != nil }
        guard removed else { return }
        limiter.release(subscriber.address)
        subscriberGauge.record(subscriberCount)
        logger.info("subscriber disconnected", metadata: ["peer": "\(subscriber.address)", "token.id": "\(subscriber.tokenID)"])
    }

    /// The token entry a request's `Authorization: Bearer …` belongs to, or nil.
    func authenticate(_ head: HTTPRequestHead) -> FeedTokens.Entry? {
        guard let value = head.headers.first(name: "authorization") else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", parts[1].utf8.count <= 512 else { return nil }
        let token = String(parts[1]).trimmingSpaces
        return lock.withLock { tokens.authenticate(token) }
    }

    // MARK: running

    /// Binds and serves; returns the bound port. Stop with `shutdown()`.
    public func start(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> Int {
        let relay = self
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: configuration.maxInboundFrameBytes,
            shouldUpgrade: { channel, head in
                // Declining (nil) lets the plain HTTP handler answer 401/503/404.
                guard head.uri == relay.configuration.path, let entry = relay.authenticate(head) else {
                    return channel.eventLoop.makeSucceededFuture(nil)
                }
                let address = channel.remoteAddress?.ipAddress ?? "unknown"
                guard relay.limiter.admit(address) == nil else { return channel.eventLoop.makeSucceededFuture(nil) }
                // The slot is released when the subscriber handler goes away.
                FeedAdmission.record(channel: channel, tokenID: entry.id, address: address)
                return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
            },
            upgradePipelineHandler: { channel, _ in
                guard let admitted = FeedAdmission.take(channel: channel) else { return channel.close() }
                let handler = FeedSubscriberHandler(relay: relay, tokenID: admitted.tokenID, address: admitted.address)
                return channel.pipeline.addHandler(handler)
            })
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                // An admission whose upgrade never completed still holds a slot: free it.
                channel.closeFuture.whenComplete { _ in
                    if let admitted = FeedAdmission.take(channel: channel) { relay.limiter.release(admitted.address) }
                }
                let http = FeedHTTPHandler(relay: relay)
                let upgrade: NIOHTTPServerUpgradeSendableConfiguration = (
                    upgraders: [upgrader],
                    completionHandler: { context in
                        context.pipeline.removeHandler(http, promise: nil)
                        context.channel.pipeline.handler(type: IdleStateHandler.self).whenSuccess {
                            context.channel.pipeline.removeHandler($0, promise: nil)
                        }
                    })
                return channel.pipeline.configureHTTPServerPipeline(withServerUpgrade: upgrade).flatMap {
                    channel.pipeline.addHandlers([IdleStateHandler(readTimeout: relay.configuration.handshakeTimeout), http])
                }
            }
        let channel = try await bootstrap.bind(host: configuration.listen.host, port: configuration.listen.port).get()
        lock.withLock { serverChannel = channel }
        return channel.localAddress?.port ?? configuration.listen.port
    }

    /// Stops accepting and closes the listener.
    public func shutdown() async {
        let channel = lock.withLock { serverChannel }
        try? await channel?.close()
    }

    /// Sends heartbeats until cancelled.
    public func runHeartbeats() async {
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: UInt64(configuration.heartbeatInterval.nanoseconds))
            let frame = heartbeatFrame(nowMs: WallClock.milliseconds())
            for subscriber in lock.withLock({ Array(subscribers.values) }) { subscriber.send(frame) }
        }
    }
}

/// Carries the admitted token and address from `shouldUpgrade` to the upgraded pipeline.
enum FeedAdmission {
    private static let lock = Lock()
    nonisolated(unsafe) private static var pending: [ObjectIdentifier: (tokenID: String, address: String)] = [:]

    static func record(channel: any Channel, tokenID: String, address: String) {
        lock.withLock { pending[ObjectIdentifier(channel)] = (tokenID, address) }
    }

    static func take(channel: any Channel) -> (tokenID: String, address: String)? {
        lock.withLock { pending.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}

/// Plain HTTP before (or instead of) the upgrade: why an upgrade was refused, /healthz, /metrics.
final class FeedHTTPHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let relay: FeedRelay
    private var head: HTTPRequestHead?

    init(relay: FeedRelay) { self.relay = relay }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            let (status, contentType, body) = response(for: head)
            var headers = HTTPHeaders([("content-type", contentType), ("content-length", "\(body.count)"), ("connection", "close")])
            headers.add(name: "server", value: "rg-feed")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent { context.close(promise: nil) } else { context.fireUserInboundEventTriggered(event) }
    }

    private func response(for head: HTTPRequestHead) -> (HTTPResponseStatus, String, [UInt8]) {
        switch head.uri {
        case relay.configuration.path:
            if relay.authenticate(head) == nil {
                relay.refusedAuthCounter.increment()
                return (.unauthorized, "application/json", Array(#"{"error":"unauthorized","detail":"missing, wrong or revoked bearer token"}"#.utf8))
            }
            if head.headers.first(name: "upgrade")?.lowercased() != "websocket" {
                return (.upgradeRequired, "application/json", Array(#"{"error":"upgrade_required","detail":"connect with a WebSocket client"}"#.utf8))
            }
            relay.refusedCapCounter.increment()
            return (.serviceUnavailable, "application/json", Array(#"{"error":"too_many_connections","detail":"connection limit reached for this relay or this address"}"#.utf8))
        case "/healthz":
            return (.ok, "application/json", Array(#"{"status":"ok"}"#.utf8))
        case "/metrics":
            return (.ok, "text/plain; version=0.0.4", MetricsRegistry.exposition())
        default:
            return (.notFound, "application/json", Array(#"{"error":"not_found"}"#.utf8))
        }
    }
}

/// One subscriber after the upgrade. Frames go straight to NIO's outbound buffer; the number
/// of unwritten frames is the subscriber's queue, so a reader that stopped is noticed as soon
/// as `queueDepth` frames pile up behind it.
final class FeedSubscriberHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let tokenID: String
    let address: String
    private unowned let relay: FeedRelay
    private var context: ChannelHandlerContext?
    // Touched only on the channel's event loop.
    private var inFlight = 0
    private var closing = false

    init(relay: FeedRelay, tokenID: String, address: String) {
        self.relay = relay
        self.tokenID = tokenID
        self.address = address
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let current = relay.register(self)
        write(relay.statusFrame(nowMs: WallClock.milliseconds()), context: context)
        if let current { write(current, context: context) }   // a new subscriber need not wait a block
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        relay.unregister(self)
    }

    func channelInactive(context: ChannelHandlerContext) {
        relay.unregister(self)
        context.fireChannelInactive()
    }

    /// Thread-safe: hops to the channel's event loop.
    func send(_ buffer: ByteBuffer) {
        guard let context else { return }
        context.eventLoop.execute { [self] in
            guard let context = self.context else { return }
            self.write(buffer, context: context)
        }
    }

    private func write(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        guard !closing else { return }
        guard inFlight < relay.configuration.queueDepth else {
            relay.slowCounter.increment()
            relay.logger.warning("dropping a subscriber that fell behind", metadata: ["peer": "\(address)", "queue_depth": "\(relay.configuration.queueDepth)"])
            close(code: .policyViolation, reason: "subscriber too slow", context: context)
            return
        }
        inFlight += 1
        let promise = context.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { [self] _ in
            inFlight -= 1
            relay.framesCounter.increment()
        }
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: buffer)), promise: promise)
    }

    /// Thread-safe: ends the subscription with a close frame and a reason.
    func drop(code: WebSocketErrorCode, reason: String) {
        guard let context else { return }
        context.eventLoop.execute { [self] in
            guard let context = self.context else { return }
            close(code: code, reason: reason, context: context)
        }
    }

    private func close(code: WebSocketErrorCode, reason: String, context: ChannelHandlerContext) {
        guard !closing else { return }
        closing = true
        var data = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        data.write(webSocketErrorCode: code)
        data.writeString(reason)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)), promise: nil)
        // A reader that stopped cannot take the close frame: close the socket regardless.
        let channel = context.channel
        channel.eventLoop.scheduleTask(in: relay.configuration.closeGrace) { channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .connectionClose:
            if !closing {
                closing = true
                context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: frame.unmaskedData)))
                    .whenComplete { _ in context.close(promise: nil) }
            } else {
                context.close(promise: nil)
            }
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        default:
            break   // subscribers have nothing to say; data frames are ignored
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
