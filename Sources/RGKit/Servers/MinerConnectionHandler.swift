import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// What a miner connection reports, always on its channel's event loop.
public protocol MinerConnectionDelegate: AnyObject, Sendable {
    /// The Noise handshake completed (the pool's certificate verified against the authority key).
    func minerConnectionHandshakeCompleted(_ connection: MinerConnectionHandler)
    /// A session event other than `.send` (those the handler writes itself).
    func minerConnection(_ connection: MinerConnectionHandler, event: MinerSession.Event)
    /// The connection is gone; `reason` is nil for an orderly close.
    func minerConnectionClosed(_ connection: MinerConnectionHandler, reason: String?)
}

/// The thin NIO shell around `MinerSession`: sits after `NoiseHandshakeHandler`, reads and writes
/// `SV2Frame`s, starts the session once the handshake completes, writes what the session says to
/// send, and hands every other event to its delegate.
///
/// Event-loop confined: call `submit` and `close` only on `eventLoop` (`execute` from elsewhere).
public final class MinerConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    public typealias InboundIn = SV2Frame
    public typealias OutboundOut = SV2Frame

    public private(set) var session: MinerSession
    public let eventLoop: EventLoop
    private let delegate: any MinerConnectionDelegate
    private var context: ChannelHandlerContext?
    private var closedReason: String?
    private var reported = false
    /// A caller's tag (the swarm's connection index).
    public let tag: Int

    public init(configuration: MinerSession.Configuration, eventLoop: EventLoop, delegate: any MinerConnectionDelegate, tag: Int = 0) {
        self.session = MinerSession(configuration: configuration)
        self.eventLoop = eventLoop
        self.delegate = delegate
        self.tag = tag
    }

    public static func monotonicNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    public func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    public func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is NoiseHandshakeCompleted {
            delegate.minerConnectionHandshakeCompleted(self)
            perform(session.start(), context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        let message: SV2Message
        do { message = try SV2Message(frame: frame) } catch {
            fail(context: context, reason: "undecodable frame from the pool: \(error)")
            return
        }
        perform(session.receive(message, nowNs: Self.monotonicNs()), context: context)
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, reason: "\(error)")
    }

    public func channelInactive(context: ChannelHandlerContext) {
        report(reason: closedReason ?? (session.phase == .closed ? nil : "connection closed by the pool"))
        context.fireChannelInactive()
    }

    private func perform(_ events: [MinerSession.Event], context: ChannelHandlerContext) {
        for event in events {
            switch event {
            case .send(let message):
                context.write(wrapOutboundOut(message.frame), promise: nil)
            case .closed(let reason):
                closedReason = reason
                delegate.minerConnection(self, event: event)
                context.flush()
                context.close(promise: nil)
                return
            default:
                delegate.minerConnection(self, event: event)
            }
        }
        context.flush()
    }

    private func fail(context: ChannelHandlerContext, reason: String) {
        if closedReason == nil { closedReason = reason }
        context.close(promise: nil)
    }

    private func report(reason: String?) {
        guard !reported else { return }
        reported = true
        delegate.minerConnectionClosed(self, reason: reason)
    }

    /// Sends the share (event loop only). False when it was not sent: the job went stale or the
    /// connection is gone. `flush: false` lets a caller batch several submits into one write.
    @discardableResult
    public func submit(_ found: NonceSearch.Found, work: MinerWork, flush: Bool = true) -> Bool {
        guard let context, let message = session.submit(found, work: work, nowNs: Self.monotonicNs()) else { return false }
        if flush {
            context.writeAndFlush(wrapOutboundOut(message.frame), promise: nil)
        } else {
            context.write(wrapOutboundOut(message.frame), promise: nil)
        }
        return true
    }

    public func flush() { context?.flush() }

    /// Closes the connection (event loop only).
    public func close() { context?.close(promise: nil) }
}

/// Connecting a miner: TCP, then Noise NX checking the pool's certificate against the
/// authority key, then the SV2 session.
public enum MinerConnector {
    public static let maxPayloadLength = 1 << 20

    public static func connect(host: String, port: Int, on eventLoop: EventLoop, authorityKey: XOnlyPublicKey,
                               handshakeTimeout: TimeAmount = .seconds(10),
                               makeHandler: @escaping @Sendable (EventLoop) -> MinerConnectionHandler) -> EventLoopFuture<Channel> {
        ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(handshakeTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        NoiseHandshakeHandler(authorityKey: authorityKey, handshakeTimeout: handshakeTimeout,
                                              maxPayloadLength: maxPayloadLength),
                        makeHandler(channel.eventLoop),
                    ])
                }
            }
            .connect(host: host, port: port)
    }

    /// Splits `HOST:PORT` (IPv6 in brackets: `[::1]:3333`).
    public static func parseEndpoint(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }
}
