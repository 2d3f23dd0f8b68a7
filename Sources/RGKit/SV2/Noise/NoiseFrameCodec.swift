import NIOCore

/// The transport half of the Noise handler pair: ciphertext `ByteBuffer`s in, `SV2Frame`s out, and
/// `SV2Frame`s in, ciphertext out. Installed by `NoiseHandshakeHandler` when the handshake
/// completes; the pure `NoiseTransport` does the work.
///
/// Fails closed: a MAC failure, an oversized frame or any other decryption error is fired as an
/// error and the channel is closed; nothing after the bad byte is delivered.
public final class NoiseFrameCodec: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = SV2Frame
    public typealias OutboundIn = SV2Frame
    public typealias OutboundOut = ByteBuffer

    private var transport: NoiseTransport
    private var failed = false

    /// `maxPayloadLength` is enforced on received frames before their payload is buffered.
    public init(transport: NoiseTransport) {
        self.transport = transport
    }

    public convenience init(session: NoiseSession, maxPayloadLength: Int) {
        self.init(transport: session.transport(maxPayloadLength: maxPayloadLength))
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { transport.decryptor.append($0) }
        do {
            while let frame = try transport.decryptor.nextFrame() {
                context.fireChannelRead(wrapInboundOut(frame))
                if failed { return }                   // a handler downstream closed us meanwhile
            }
        } catch {
            fail(context: context, error: error)
        }
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        guard !failed else {
            promise?.fail(NoiseError(.invalidState, "transport failed; not sending"))
            return
        }
        let size = NoiseFraming.encryptedFrameSize(payloadLength: frame.payload.count)
        var out = context.channel.allocator.buffer(capacity: size)
        do {
            try out.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { (raw: UnsafeMutableRawBufferPointer) throws(NoiseError) -> Int in
                try frame.payload.withBytes { (p: UnsafeRawBufferPointer) throws(NoiseError) in
                    try transport.encryptor.encrypt(header: frame.header, payload: p,
                                                    into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<size]))
                }
                return size
            }
        } catch {
            promise?.fail(error)
            if error.code == .nonceExhausted { fail(context: context, error: error) }
            return
        }
        context.write(wrapOutboundOut(out), promise: promise)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        if !failed, transport.decryptor.hasPartialFrame {
            context.fireErrorCaught(NoiseError(.truncated, "connection closed inside a frame"))
        }
        context.fireChannelInactive()
    }

    private func fail(context: ChannelHandlerContext, error: NoiseError) {
        guard !failed else { return }
        failed = true
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }
}
