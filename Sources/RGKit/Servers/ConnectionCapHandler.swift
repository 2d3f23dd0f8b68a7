import NIOCore
import NIOTLS

/// Holds one `ConnectionLimiter` slot for the life of a connection: admitted when the channel
/// becomes active, released exactly once when it goes inactive. A refused peer is closed at
/// once; on a plaintext NDJSON connection it first gets one error line saying which cap it
/// hit (a silent TCP drop, as the reference does, leaves an operator guessing).
public final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = NIOAny

    private let limiter: ConnectionLimiter
    /// The line to send a refused peer, or nil to just close (TLS, HTTP).
    private let refusalLine: (@Sendable (ConnectionLimiter.Refusal) -> [UInt8])?
    private let onAdmit: @Sendable () -> Void
    private let onRelease: @Sendable () -> Void
    private let onRefuse: @Sendable (ConnectionLimiter.Refusal) -> Void
    private var admittedAddress: String?

    public init(limiter: ConnectionLimiter, refusalLine: (@Sendable (ConnectionLimiter.Refusal) -> [UInt8])? = nil,
                onAdmit: @escaping @Sendable () -> Void = {}, onRelease: @escaping @Sendable () -> Void = {},
                onRefuse: @escaping @Sendable (ConnectionLimiter.Refusal) -> Void = { _ in }) {
        self.limiter = limiter
        self.refusalLine = refusalLine
        self.onAdmit = onAdmit
        self.onRelease = onRelease
        self.onRefuse = onRefuse
    }

    /// The peer's IP address without its port: the per-IP cap's key.
    public static func peerIP(_ address: SocketAddress?) -> String {
        address?.ipAddress ?? "unknown"
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        admit(context: context)
        // Only an admitted connection is announced to the handlers behind this one.
        if admittedAddress != nil { context.fireChannelActive() }
    }

    private func admit(context: ChannelHandlerContext) {
        guard admittedAddress == nil else { return }
        let ip = Self.peerIP(context.channel.remoteAddress)
        if let refusal = limiter.admit(ip) {
            onRefuse(refusal)
            if let refusalLine {
                var buffer = context.channel.allocator.buffer(capacity: 160)
                buffer.writeBytes(refusalLine(refusal))
                buffer.writeInteger(UInt8(ascii: "\n"))
                // Written from here towards the socket: nothing behind this handler saw the connection.
                // Then FIN, reading (and dropping) until the peer closes: closing with its bytes
                // unread would send RST, which can destroy the line before the peer reads it.
                let channel = context.channel
                context.writeAndFlush(NIOAny(buffer), promise: nil)
                context.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
                context.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
            } else {
                context.channel.close(promise: nil)
            }
            return
        }
        admittedAddress = ip
        onAdmit()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    private func release() {
        guard let ip = admittedAddress else { return }
        admittedAddress = nil
        limiter.release(ip)
        onRelease()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // A refused connection's bytes go nowhere.
        guard admittedAddress != nil else { return }
        context.fireChannelRead(data)
    }
}

/// Closes a TLS connection whose handshake has not finished within `timeout`: the idle
/// timeout alone would let a peer that trickles handshake bytes hold a slot for ever.
final class TLSHandshakeDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let timeout: TimeAmount
    private let onTimeout: @Sendable () -> Void
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, onTimeout: @escaping @Sendable () -> Void) {
        self.timeout = timeout
        self.onTimeout = onTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        let onTimeout = self.onTimeout
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            onTimeout()
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            deadline?.cancel()
            deadline = nil
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }
}
