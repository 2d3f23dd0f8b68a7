#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// Fired down the pipeline (`userInboundEventTriggered`) when the handshake has completed and the
/// `NoiseFrameCodec` is in place: from then on, read and write `SV2Frame`s.
public struct NoiseHandshakeCompleted: Sendable {
    public let handshakeHash: Bytes32
    /// The server's static key (initiator side only).
    public let remoteStaticKey: XOnlyPublicKey?
    public let certificate: NoiseCertificate
}

/// The handshake half of the Noise handler pair, for the gateway (responder) and the miner
/// (initiator). It drives the pure `NoiseInitiator`/`NoiseResponder` with the raw 64/234-byte
/// handshake messages, enforces a handshake timeout, and on completion adds a `NoiseFrameCodec`
/// right after itself, fires `NoiseHandshakeCompleted`, passes on any bytes that arrived after the
/// handshake, and removes itself.
///
/// ```
/// // gateway
/// channel.pipeline.syncOperations.addHandlers([
///     NoiseHandshakeHandler(responder: config, handshakeTimeout: .seconds(10), maxPayloadLength: 1 << 16),
///     GatewayConnectionHandler()])                 // reads and writes SV2Frame
/// ```
/// Writing an `SV2Frame` before `NoiseHandshakeCompleted` fails that write with `.invalidState`.
/// Any handshake error (bad MAC, bad certificate, timeout) is fired as an error and the channel is
/// closed.
public final class NoiseHandshakeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = SV2Frame
    public typealias OutboundOut = ByteBuffer

    private enum Role {
        case initiator(NoiseInitiator)
        case responder(NoiseResponder, any RandomNumberGenerator)
    }

    private enum State { case idle, handshaking, completed, failed }

    private var role: Role
    private var state: State = .idle
    private var received: ByteBuffer?
    private let handshakeTimeout: TimeAmount
    private let maxPayloadLength: Int
    private let nowSeconds: @Sendable () -> Int64
    private var timeoutTask: Scheduled<Void>?

    /// Wall-clock seconds for certificate windows (the only clock the handshake needs).
    public static let systemNowSeconds: @Sendable () -> Int64 = { Int64(time(nil)) }

    /// Miner side with a fresh ephemeral key from the OS CSPRNG. Create one handler per
    /// connection (in the channel initializer), so no ephemeral key is ever reused.
    public convenience init(authorityKey: XOnlyPublicKey, handshakeTimeout: TimeAmount, maxPayloadLength: Int,
                            nowSeconds: @escaping @Sendable () -> Int64 = NoiseHandshakeHandler.systemNowSeconds) {
        var random = SecureRandomNumberGenerator()
        self.init(initiator: NoiseInitiator(authorityKey: authorityKey, using: &random), handshakeTimeout: handshakeTimeout,
                  maxPayloadLength: maxPayloadLength, nowSeconds: nowSeconds)
    }

    /// Miner side with a given initiator (tests pin its keys). `initiator` holds the authority key
    /// to check the pool's certificate against; it must not have been used for another connection.
    public init(initiator: NoiseInitiator, handshakeTimeout: TimeAmount, maxPayloadLength: Int,
                nowSeconds: @escaping @Sendable () -> Int64 = NoiseHandshakeHandler.systemNowSeconds) {
        role = .initiator(initiator)
        self.handshakeTimeout = handshakeTimeout
        self.maxPayloadLength = maxPayloadLength
        self.nowSeconds = nowSeconds
    }

    /// Gateway side. `random` supplies the ephemeral key, its EllSwift encoding and the BIP-340
    /// aux bytes of the certificate; keep the default outside tests.
    public init(responder configuration: NoiseResponder.Configuration, handshakeTimeout: TimeAmount, maxPayloadLength: Int,
                nowSeconds: @escaping @Sendable () -> Int64 = NoiseHandshakeHandler.systemNowSeconds,
                random: any RandomNumberGenerator = SecureRandomNumberGenerator()) {
        role = .responder(NoiseResponder(configuration: configuration), random)
        self.handshakeTimeout = handshakeTimeout
        self.maxPayloadLength = maxPayloadLength
        self.nowSeconds = nowSeconds
    }

    private var expectedMessageSize: Int {
        switch role {
        case .initiator: NoiseHandshake.act2Size
        case .responder: NoiseHandshake.act1Size
        }
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        timeoutTask?.cancel()
        timeoutTask = nil
    }

    public func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard state == .idle else { return }
        state = .handshaking
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timeoutTask = context.eventLoop.scheduleTask(in: handshakeTimeout) {
            let (handler, context) = bound.value
            handler.fail(context: context, error: NoiseError(.handshakeTimeout, "no handshake within \(handler.handshakeTimeout)"))
        }
        if case .initiator(var initiator) = role {
            do {
                let act1 = try initiator.writeAct1()
                role = .initiator(initiator)
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: act1)), promise: nil)
            } catch {
                fail(context: context, error: error)
            }
        }
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state == .handshaking else {
            // After completion the codec sits after us and we are being removed; pass bytes on.
            if state == .completed { context.fireChannelRead(data) }
            return
        }
        var incoming = unwrapInboundIn(data)
        if var existing = received {
            received = nil                             // keep `existing` uniquely referenced (no copy)
            existing.writeBuffer(&incoming)
            received = existing
        } else {
            received = incoming
        }
        guard var buffer = received, let message = buffer.readBytes(length: expectedMessageSize) else { return }
        received = nil
        do {
            let session: NoiseSession
            switch role {
            case .initiator(var initiator):
                session = try initiator.readAct2(message, nowSeconds: nowSeconds())
                role = .initiator(initiator)
            case .responder(var responder, var random):
                let reply = try responder.readAct1(message, nowSeconds: nowSeconds(), using: &random)
                role = .responder(responder, random)
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: reply.act2)), promise: nil)
                session = reply.session
            }
            complete(context: context, session: session, leftover: buffer)
        } catch {
            fail(context: context, error: error)
        }
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Once complete, writes come from the codec as ciphertext (an application may write while
        // handling NoiseHandshakeCompleted, before this handler has left the pipeline): pass them on.
        guard state == .completed else {
            promise?.fail(NoiseError(.invalidState, "cannot send a frame before the Noise handshake completes"))
            return
        }
        context.write(data, promise: promise)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        if state == .handshaking {
            state = .failed
            timeoutTask?.cancel()
            context.fireErrorCaught(NoiseError(.truncated, "connection closed during the Noise handshake"))
        }
        context.fireChannelInactive()
    }

    private func complete(context: ChannelHandlerContext, session: NoiseSession, leftover: ByteBuffer) {
        state = .completed
        timeoutTask?.cancel()
        timeoutTask = nil
        let codec = NoiseFrameCodec(session: session, maxPayloadLength: maxPayloadLength)
        do {
            try context.pipeline.syncOperations.addHandler(codec, position: .after(self))
        } catch {
            fail(context: context, error: NoiseError(.invalidState, "cannot install the transport codec: \(error)"))
            return
        }
        context.fireUserInboundEventTriggered(NoiseHandshakeCompleted(handshakeHash: session.handshakeHash,
                                                                      remoteStaticKey: session.remoteStaticKey,
                                                                      certificate: session.certificate))
        if leftover.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(leftover)) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func fail(context: ChannelHandlerContext, error: NoiseError) {
        guard state == .handshaking || state == .idle else { return }
        state = .failed
        timeoutTask?.cancel()
        timeoutTask = nil
        received = nil
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }
}
