import NIOCore
import NIOPosix
import RGKit
import Testing

/// Feeds `chunks` to an `SV2FrameDecoder` through NIO's own driver (the same loop
/// `ByteToMessageHandler` runs), then signals EOF. Returns the frames seen and the error, if any.
private func feed(_ chunks: [[UInt8]], maxPayload: Int = SV2MessageType.largestPayloadLength,
                  eof: Bool = true) -> (frames: [SV2Frame], error: SV2Error?, framesAfterChunk: [Int]) {
    let processor = NIOSingleStepByteToMessageProcessor(SV2FrameDecoder(maxPayload: maxPayload))
    var frames: [SV2Frame] = []
    var after: [Int] = []
    do {
        for chunk in chunks {
            try processor.process(buffer: ByteBuffer(bytes: chunk)) { frames.append($0) }
            after.append(frames.count)
        }
        if eof { try processor.finishProcessing(seenEOF: true) { frames.append($0) } }
        return (frames, nil, after)
    } catch let error as SV2Error {
        return (frames, error, after)
    } catch {
        Issue.record("unexpected error type: \(error)")
        return (frames, nil, after)
    }
}

@Suite("SV2 frame decoder (NIO)") struct SV2FrameDecoderTests {
    static func fixtureFrames() throws -> [[UInt8]] {
        try SV2Fixtures.miningMessages().map { hexBytes($0.frame) }
    }

    @Test func byteByByteYieldsEachFrameExactlyOnItsLastByte() throws {
        let frames = try Self.fixtureFrames()
        let stream = frames.flatMap { $0 }
        let result = feed(stream.map { [$0] })
        #expect(result.error == nil)
        #expect(result.frames.map(\.bytes) == frames)
        // After byte i, exactly the frames that end at or before i are out: never early, never late.
        var ends: [Int] = []
        var total = 0
        for f in frames { total += f.count; ends.append(total) }
        for (i, count) in result.framesAfterChunk.enumerated() {
            #expect(count == ends.filter { $0 <= i + 1 }.count, "after byte \(i)")
        }
    }

    @Test func everySplitPointOfTwoFrames() throws {
        let a = SetupConnectionSuccess(flags: 0).frame.bytes
        let b = NewExtendedMiningJob(channelID: 7, jobID: 3, minNtime: nil, version: 1, versionRollingAllowed: true,
                                     merklePath: [.zero], coinbaseTxPrefix: [1], coinbaseTxSuffix: [2]).frame.bytes
        let stream = a + b
        for i in 0...stream.count {
            for j in i...stream.count {
                let result = feed([Array(stream[..<i]), Array(stream[i..<j]), Array(stream[j...])])
                #expect(result.error == nil, "split \(i)/\(j)")
                #expect(result.frames.map(\.bytes) == [a, b], "split \(i)/\(j)")
            }
        }
    }

    @Test func manyFramesInOneBuffer() throws {
        let frames = try Self.fixtureFrames()
        let result = feed([frames.flatMap { $0 }])
        #expect(result.error == nil)
        #expect(result.frames.count == 19)
        #expect(result.frames.map(\.bytes) == frames)
        for frame in result.frames { _ = try SV2Message(frame: frame) }     // and each decodes as a message
    }

    @Test func emptyPayloadFrames() {
        let header: [UInt8] = [0x00, 0x00, 0x71, 0x00, 0x00, 0x00]        // sv2-tp NewTemplate, length 0
        let result = feed([header, header])
        #expect(result.error == nil)
        #expect(result.frames.count == 2 && result.frames.allSatisfy { $0.payload.isEmpty && $0.msgType == 0x71 })
    }

    /// A header announcing 16 MiB − 1 against a 1 KiB limit: refused when the 6th header byte
    /// arrives, with not one payload byte sent. Nothing is buffered or allocated for the payload.
    @Test func oversizedHeaderIsRefusedBeforeAnyPayload() throws {
        let header: [UInt8] = [0x00, 0x80, 0x1A, 0xFF, 0xFF, 0xFF]
        let processor = NIOSingleStepByteToMessageProcessor(SV2FrameDecoder(maxPayload: 1024))
        for byte in header.dropLast() {
            try processor.process(buffer: ByteBuffer(bytes: [byte])) { _ in Issue.record("no frame expected") }
        }
        let e = #expect(throws: SV2Error(.frameTooLarge)) {
            try processor.process(buffer: ByteBuffer(bytes: [header[5]])) { _ in Issue.record("no frame expected") }
        }
        #expect(e?.detail.contains("16777215") == true)

        // The decoder itself, on a buffer holding only the header: it throws without moving the
        // reader index or growing the buffer.
        var decoder = SV2FrameDecoder(maxPayload: 1024)
        var buffer = ByteBuffer(bytes: header)
        let capacity = buffer.capacity
        #expect(throws: SV2Error(.frameTooLarge)) { try decoder.decode(buffer: &buffer) }
        #expect(buffer.readerIndex == 0 && buffer.capacity == capacity && buffer.capacity < 1024)

        // Also refused by default: 16 MiB is above the largest message this codec knows.
        var byDefault = SV2FrameDecoder()
        var again = ByteBuffer(bytes: header)
        #expect(throws: SV2Error(.frameTooLarge)) { try byDefault.decode(buffer: &again) }
        // And exactly at the limit is fine (waits for the payload).
        var atLimit = SV2FrameDecoder(maxPayload: 0x10)
        var ok = ByteBuffer(bytes: [0x00, 0x00, 0x01, 0x10, 0x00, 0x00])
        #expect(try atLimit.decode(buffer: &ok) == nil)
        #expect(ok.readerIndex == 0)
    }

    @Test func aGatewayLimitRefusesServerSizedFrames() {
        let limit = SV2MessageType.largestPayloadLength(sentBy: .client)
        let group = SetGroupChannel(groupChannelID: 1, channelIDs: try! Seq0_64K((0..<400).map { UInt32($0) }))
        let result = feed([group.frame.bytes], maxPayload: limit)
        #expect(result.error == SV2Error(.frameTooLarge))
        #expect(result.frames.isEmpty)
    }

    @Test func leftoversAtEOFAreATruncatedFrame() throws {
        let frame = SubmitSharesStandard(channelID: 1, sequenceNumber: 2, jobID: 3, nonce: 4, ntime: 5, version: 6).frame.bytes
        for cut in 1..<frame.count {
            let result = feed([frame, Array(frame[..<cut])])
            #expect(result.frames.count == 1, "cut \(cut)")
            #expect(result.error == SV2Error(.truncatedFrame), "cut \(cut)")
        }
        // A clean end is no error; without EOF a partial frame just waits.
        #expect(feed([frame]).error == nil)
        let waiting = feed([Array(frame.prefix(10))], eof: false)
        #expect(waiting.error == nil && waiting.frames.isEmpty)
    }

    @Test func encoderWritesHeaderAndPayload() throws {
        let message = SV2Message.setTarget(SetTarget(channelID: 7, maximumTarget: SV2MessageVectorTests.diff1))
        var out = ByteBuffer()
        SV2MessageEncoder().encode(data: message, out: &out)
        var out2 = ByteBuffer()
        SV2FrameEncoder().encode(data: message.frame, out: &out2)
        #expect(out == out2)
        #expect(out.readableBytesView.elementsEqual(hexBytes(
            "008021240000070000000000000000000000000000000000000000000000000000000000ffff00000000")))
        #expect(out.peekSV2FrameHeader() == message.frame.header)
    }
}

// MARK: - A real pipeline over loopback TCP

/// Collects what the server side of the pipeline sees, then reports it when the channel closes.
private final class FrameCollector: ChannelInboundHandler, @unchecked Sendable {   // confined to its event loop
    typealias InboundIn = SV2Frame
    private var frames: [SV2Frame] = []
    private var error: (any Error)?
    private let done: EventLoopPromise<([SV2Frame], (any Error)?)>

    init(done: EventLoopPromise<([SV2Frame], (any Error)?)>) { self.done = done }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { frames.append(unwrapInboundIn(data)) }
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if self.error == nil { self.error = error }
        context.close(promise: nil)
    }
    func channelInactive(context: ChannelHandlerContext) { done.succeed((frames, error)) }
}

@Suite("SV2 frame decoder in a NIO pipeline", .timeLimit(.minutes(10))) struct SV2FramePipelineTests {
    /// Starts a loopback server whose pipeline is `ByteToMessageHandler(SV2FrameDecoder) → collector`,
    /// connects a client whose pipeline is `MessageToByteHandler(SV2MessageEncoder)`, lets `client`
    /// write, closes, and returns what the server collected.
    private func runPipeline(maxPayload: Int, _ client: @escaping @Sendable (Channel) -> EventLoopFuture<Void>)
        async throws -> ([SV2Frame], (any Error)?)
    {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let done = loop.makePromise(of: ([SV2Frame], (any Error)?).self)
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(SV2FrameDecoder(maxPayload: maxPayload)), FrameCollector(done: done),
                    ])
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(SV2MessageEncoder()))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        // The server may close first (that is what an oversized header must cause), so a failed
        // write or an "already closed" here is not a test failure: the assertions are on what the
        // server side received.
        try? await client(channel).get()
        try? await channel.close().get()
        let result = try await done.futureResult.get()
        try await server.close().get()
        try await group.shutdownGracefully()
        return result
    }

    @Test func messagesWrittenByTheEncoderArriveAsFrames() async throws {
        let messages: [SV2Message] = [
            .setupConnection(SetupConnection(flags: 0b101, endpointHost: "pool.example", endpointPort: 34254, vendor: "acme",
                                             hardwareVersion: "S1", firmware: "1.0", deviceID: "dev-1")),
            .openStandardMiningChannel(OpenStandardMiningChannel(requestID: 1, userIdentity: "user.worker1",
                                                                 nominalHashRate: 1e12, maxTarget: SV2MessageVectorTests.maxTarget)),
            .submitSharesStandard(SubmitSharesStandard(channelID: 7, sequenceNumber: 0, jobID: 1, nonce: 2, ntime: 3, version: 4)),
        ]
        let (frames, error) = try await runPipeline(maxPayload: SV2MessageType.largestPayloadLength(sentBy: .client)) { channel in
            let writes = messages.map { channel.write($0) }
            channel.flush()
            return EventLoopFuture.andAllSucceed(writes, on: channel.eventLoop)
        }
        #expect(error == nil)
        #expect(try frames.map { try SV2Message(frame: $0) } == messages)
    }

    @Test func rawBytesDribbledInThenCutOffGiveTruncatedFrameAtEOF() async throws {
        let whole = SetupConnectionSuccess(flags: 0).frame.bytes + SetTarget(channelID: 1, maximumTarget: .zero).frame.bytes
        let partial = Array(SubmitSharesStandard(channelID: 1, sequenceNumber: 0, jobID: 0, nonce: 0, ntime: 0, version: 0)
            .frame.bytes.prefix(9))
        let (frames, error) = try await runPipeline(maxPayload: 1024) { channel in
            // Raw bytes below the encoder, one write per byte, each flushed.
            var last = channel.eventLoop.makeSucceededVoidFuture()
            for byte in whole + partial {
                let buffer = ByteBuffer(bytes: [byte])
                last = channel.pipeline.context(handlerType: MessageToByteHandler<SV2MessageEncoder>.self).flatMap { ctx in
                    ctx.writeAndFlush(NIOAny(buffer))
                }
            }
            return last
        }
        #expect(frames.count == 2)
        #expect((error as? SV2Error) == SV2Error(.truncatedFrame))
    }

    @Test func oversizedHeaderClosesTheConnection() async throws {
        let (frames, error) = try await runPipeline(maxPayload: 1024) { channel in
            channel.pipeline.context(handlerType: MessageToByteHandler<SV2MessageEncoder>.self).flatMap { ctx in
                ctx.writeAndFlush(NIOAny(ByteBuffer(bytes: [0x00, 0x80, 0x1A, 0xFF, 0xFF, 0xFF])))
            }
        }
        #expect(frames.isEmpty)
        #expect((error as? SV2Error) == SV2Error(.frameTooLarge))
    }
}
