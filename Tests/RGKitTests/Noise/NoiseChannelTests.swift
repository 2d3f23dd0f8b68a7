import NIOCore
import NIOPosix
import Testing
@testable import RGKit

/// What the test handlers report from inside the pipelines.
enum ChannelEvent: Sendable {
    case completed(NoiseHandshakeCompleted)
    case frame(SV2Frame)
    case error(String, NoiseError?)
    case inactive
    case bytes([UInt8])
}

/// Last handler of a pipeline: forwards frames, the completion event, errors and closure to the test.
final class EventRecorder: ChannelInboundHandler, Sendable {
    typealias InboundIn = SV2Frame
    let continuation: AsyncStream<ChannelEvent>.Continuation
    init(_ continuation: AsyncStream<ChannelEvent>.Continuation) { self.continuation = continuation }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { continuation.yield(.frame(unwrapInboundIn(data))) }
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let done = event as? NoiseHandshakeCompleted { continuation.yield(.completed(done)) }
        context.fireUserInboundEventTriggered(event)
    }
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.yield(.error("\(error)", error as? NoiseError))
        context.close(promise: nil)
    }
    func channelInactive(context: ChannelHandlerContext) { continuation.yield(.inactive) }
}

/// Server application stand-in: answers each frame with msg_type + 1 and the same payload.
final class EchoHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = SV2Frame
    typealias InboundOut = SV2Frame
    typealias OutboundOut = SV2Frame
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        context.writeAndFlush(wrapOutboundOut(SV2Frame(extensionType: frame.header.extensionType, msgType: frame.header.msgType &+ 1,
                                                       payload: frame.payload)), promise: nil)
        context.fireChannelRead(data)
    }
}

/// Flips one bit in the `target`-th outbound buffer (0 = act 1), to corrupt a transport frame.
final class TamperHandler: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let target: Int
    private var seen = 0
    init(target: Int) { self.target = target }
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var buffer = unwrapOutboundIn(data)
        if seen == target, let byte = buffer.getInteger(at: buffer.readerIndex + 30, as: UInt8.self) {
            buffer.setInteger(byte ^ 0x01, at: buffer.readerIndex + 30)
        }
        seen += 1
        context.write(wrapOutboundOut(buffer), promise: promise)
    }
}

/// Reports raw bytes and closure for a client that does not speak Noise at all.
final class RawRecorder: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let continuation: AsyncStream<ChannelEvent>.Continuation
    init(_ continuation: AsyncStream<ChannelEvent>.Continuation) { self.continuation = continuation }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        continuation.yield(.bytes(buffer.readBytes(length: buffer.readableBytes) ?? []))
    }
    func channelInactive(context: ChannelHandlerContext) { continuation.yield(.inactive) }
}

/// A gateway-like listener on 127.0.0.1:0 and helpers to connect miners to it.
struct LoopbackHarness {
    let group: MultiThreadedEventLoopGroup
    let server: Channel
    let serverEvents: AsyncStream<ChannelEvent>
    let authority: AuthorityKeyPair
    let now: Int64 = 1_750_000_000

    var port: Int { server.localAddress?.port ?? 0 }

    /// `noise: false` makes a server that accepts and then says nothing (a stalled responder).
    static func start(noise: Bool = true, handshakeTimeout: TimeAmount = .seconds(5), maxPayloadLength: Int = 2 << 20) async throws -> LoopbackHarness {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var rng = SecureRandomNumberGenerator()
        let authority = AuthorityKeyPair.generate(using: &rng)
        let configuration = NoiseResponder.Configuration(authority: authority, certificateValiditySeconds: 3600, using: &rng)
        let (events, continuation) = AsyncStream<ChannelEvent>.makeStream()
        let now: Int64 = 1_750_000_000
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard noise else { return }
                    try channel.pipeline.syncOperations.addHandlers([
                        NoiseHandshakeHandler(responder: configuration, handshakeTimeout: handshakeTimeout,
                                              maxPayloadLength: maxPayloadLength, nowSeconds: { now }),
                        EchoHandler(), EventRecorder(continuation)])
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return LoopbackHarness(group: group, server: server, serverEvents: events, authority: authority)
    }

    /// A miner: the initiator handler (checking `authorityKey`, by default the right one), an
    /// optional tamperer below it, and a recorder.
    func connectMiner(authorityKey: XOnlyPublicKey? = nil, tamperWrite: Int? = nil, handshakeTimeout: TimeAmount = .seconds(5),
                      maxPayloadLength: Int = 2 << 20) async throws -> (Channel, AsyncStream<ChannelEvent>) {
        let (events, continuation) = AsyncStream<ChannelEvent>.makeStream()
        let key = authorityKey ?? authority.publicKey
        let now = self.now
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tamperWrite { try channel.pipeline.syncOperations.addHandler(TamperHandler(target: tamperWrite)) }
                    try channel.pipeline.syncOperations.addHandlers([
                        NoiseHandshakeHandler(authorityKey: key, handshakeTimeout: handshakeTimeout,
                                              maxPayloadLength: maxPayloadLength, nowSeconds: { now }),
                        EventRecorder(continuation)])
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return (channel, events)
    }

    /// A client that connects and never sends a byte.
    func connectSilent() async throws -> (Channel, AsyncStream<ChannelEvent>) {
        let (events, continuation) = AsyncStream<ChannelEvent>.makeStream()
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RawRecorder(continuation)) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return (channel, events)
    }

    func shutdown() async throws {
        try await server.close()
        try await group.shutdownGracefully()
    }
}

extension AsyncStream<ChannelEvent> {
    /// The next event that is not a frame-less noise of the pipeline (skips nothing; helper for clarity).
    func first(where predicate: (ChannelEvent) -> Bool) async -> ChannelEvent? {
        for await event in self where predicate(event) { return event }
        return nil
    }
}

extension ChannelEvent {
    var isCompleted: Bool { if case .completed = self { true } else { false } }
    var isInactive: Bool { if case .inactive = self { true } else { false } }
    var isFrame: Bool { if case .frame = self { true } else { false } }
    var noiseError: NoiseError? { if case .error(_, let e) = self { e } else { nil } }
    var isError: Bool { if case .error = self { true } else { false } }
    var frame: SV2Frame? { if case .frame(let f) = self { f } else { nil } }
}

/// The handler pair over real loopback TCP (NIOPosix, 127.0.0.1, port 0).
@Suite(.timeLimit(.minutes(10)), .serialized) struct NoiseChannelTests {
    @Test func minerAndGatewayExchangeFramesIncludingOneMiB() async throws {
        let harness = try await LoopbackHarness.start()
        let (miner, minerEvents) = try await harness.connectMiner()
        var minerIterator = minerEvents.makeAsyncIterator()
        let first = await minerIterator.next()
        guard case .completed(let done)? = first else { Issue.record("expected completion, got \(String(describing: first))"); return }
        #expect(done.remoteStaticKey != nil)
        #expect(done.certificate.validFromSeconds == UInt32(harness.now))

        var rng = SeededGenerator(seed: 1024)
        let big = rng.bytes(1 << 20)                                            // spans 17 chunks
        let frames = [SV2Frame(msgType: 0x00, payload: rng.bytes(82)),
                      SV2Frame(extensionType: 0x8000, msgType: 0x1A, payload: rng.bytes(24)),
                      SV2Frame(msgType: 0x10, payload: []),
                      SV2Frame(msgType: 0x20, payload: big),
                      SV2Frame(msgType: 0x30, payload: rng.bytes(65_519))]
        // Written back to back and flushed once: several frames per TCP read on the server.
        for frame in frames { miner.write(frame, promise: nil) }
        miner.flush()
        var echoed: [SV2Frame] = []
        while echoed.count < frames.count, let event = await minerIterator.next() {
            if let frame = event.frame { echoed.append(frame) } else { Issue.record("unexpected \(event)"); break }
        }
        #expect(echoed.map(\.header.msgType) == frames.map { $0.header.msgType + 1 })
        #expect(echoed.map(\.payload) == frames.map(\.payload))
        #expect(echoed[1].header.isChannelMessage)
        try await miner.close()
        try await harness.shutdown()
    }

    @Test func aTamperedTransportByteFailsClosed() async throws {
        let harness = try await LoopbackHarness.start()
        // Write 0 is act 1; write 1 is the first encrypted frame.
        let (miner, minerEvents) = try await harness.connectMiner(tamperWrite: 1)
        var minerIterator = minerEvents.makeAsyncIterator()
        #expect(await minerIterator.next()?.isCompleted == true)
        try await miner.writeAndFlush(SV2Frame(msgType: 0x00, payload: [UInt8](repeating: 1, count: 100)))
        var serverIterator = harness.serverEvents.makeAsyncIterator()
        var serverError: NoiseError?
        while let event = await serverIterator.next() {
            if event.isFrame { Issue.record("the server delivered a tampered frame") }
            if let error = event.noiseError { serverError = error; break }
        }
        #expect(serverError == NoiseError(.decryptionFailed))
        // The gateway closed the connection; the miner sees it close without an echo.
        while let event = await minerIterator.next() {
            #expect(!event.isFrame)
            if event.isInactive { break }
        }
        try await harness.shutdown()
    }

    @Test func aSilentMinerHitsTheGatewayHandshakeTimeout() async throws {
        let harness = try await LoopbackHarness.start(handshakeTimeout: .milliseconds(300))
        let (_, clientEvents) = try await harness.connectSilent()
        let serverEvent = await harness.serverEvents.first { $0.isError }
        #expect(serverEvent?.noiseError == NoiseError(.handshakeTimeout))
        #expect(await clientEvents.first { $0.isInactive } != nil)
        try await harness.shutdown()
    }

    @Test func aWriteBeforeTheHandshakeCompletesFailsWithInvalidState() async throws {
        // The timeout is far beyond the test's life so the write cannot race the channel closing.
        let harness = try await LoopbackHarness.start(noise: false)
        let (miner, _) = try await harness.connectMiner(handshakeTimeout: .seconds(600))
        await #expect(throws: NoiseError(.invalidState)) { try await miner.writeAndFlush(SV2Frame(msgType: 0, payload: [1])) }
        try await miner.close()
        try await harness.shutdown()
    }

    @Test func aSilentGatewayHitsTheMinerHandshakeTimeout() async throws {
        let harness = try await LoopbackHarness.start(noise: false)
        let (_, minerEvents) = try await harness.connectMiner(handshakeTimeout: .milliseconds(300))
        var iterator = minerEvents.makeAsyncIterator()
        var sawTimeout = false
        while let event = await iterator.next() {
            if event.noiseError == NoiseError(.handshakeTimeout) { sawTimeout = true }
            if event.isInactive { break }
        }
        #expect(sawTimeout)
        try await harness.shutdown()
    }

    @Test func aMinerConfiguredWithAnotherAuthorityRefusesTheGateway() async throws {
        let harness = try await LoopbackHarness.start()
        var rng = SecureRandomNumberGenerator()
        let (_, minerEvents) = try await harness.connectMiner(authorityKey: AuthorityKeyPair.generate(using: &rng).publicKey)
        var iterator = minerEvents.makeAsyncIterator()
        let event = await iterator.next()
        #expect(event?.noiseError == NoiseError(.invalidCertificate))
        #expect(await minerEvents.first { $0.isInactive } != nil)
        try await harness.shutdown()
    }

    /// The gateway refuses a frame above its limit from the header alone and closes.
    @Test func anOversizedFrameIsRefusedByTheGateway() async throws {
        let harness = try await LoopbackHarness.start(maxPayloadLength: 1000)
        let (miner, minerEvents) = try await harness.connectMiner()
        var iterator = minerEvents.makeAsyncIterator()
        #expect(await iterator.next()?.isCompleted == true)
        miner.writeAndFlush(SV2Frame(msgType: 0x1F, payload: [UInt8](repeating: 0, count: 1001)), promise: nil)
        let serverEvent = await harness.serverEvents.first { $0.isError }
        #expect(serverEvent?.noiseError == NoiseError(.frameTooLarge))
        #expect(await minerEvents.first { $0.isInactive } != nil)
        try await harness.shutdown()
    }

    /// A raw TCP client runs the pure initiator by hand, dribbling act 1 one byte per write: the
    /// gateway's handler assembles it across reads, answers with 234 bytes, and echoes a frame the
    /// client encrypted itself.
    @Test func act1ArrivingByteByByteIsAssembledAndTheSessionWorks() async throws {
        // A deadline far beyond the dribble: this test is about assembly, not the timeout, and a
        // loaded machine can stretch 64 one-millisecond sleeps past the default 5 s.
        let harness = try await LoopbackHarness.start(handshakeTimeout: .seconds(300))
        let (client, clientEvents) = try await harness.connectSilent()
        var rng = SecureRandomNumberGenerator()
        var initiator = NoiseInitiator(authorityKey: harness.authority.publicKey, using: &rng)
        for byte in try initiator.writeAct1() {
            try await client.writeAndFlush(client.allocator.buffer(bytes: [byte]))
            try await Task.sleep(for: .milliseconds(1))
        }
        var iterator = clientEvents.makeAsyncIterator()
        var received: [UInt8] = []
        while received.count < 234, case .bytes(let chunk)? = await iterator.next() { received += chunk }
        #expect(received.count == 234)
        var transport = try initiator.readAct2(received, nowSeconds: harness.now).transport(maxPayloadLength: 1 << 16)
        try await client.writeAndFlush(client.allocator.buffer(bytes: try transport.encrypt(SV2Frame(msgType: 0x41, payload: [9, 9]))))
        var frames: [SV2Frame] = []
        while frames.isEmpty, case .bytes(let chunk)? = await iterator.next() { frames += try transport.decrypt(chunk) }
        #expect(frames == [SV2Frame(msgType: 0x42, payload: [9, 9])])
        try await client.close()
        try await harness.shutdown()
    }
}
