import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
@testable import RGKit

@Suite struct NDJSONLineDecoderTests {
    @Test func splitsLinesFedInEveryPossibleChunking() throws {
        // The verifier feeds the bytes one at a time, in batches and everything between.
        try ByteToMessageDecoderVerifier.verifyDecoder(
            stringInputOutputPairs: [
                ("{\"a\":1}\n", [ByteBuffer(string: "{\"a\":1}")]),
                ("x\r\ny\n", [ByteBuffer(string: "x"), ByteBuffer(string: "y")]),
                ("\n", [ByteBuffer()]),
            ],
            decoderFactory: { NDJSONLineDecoder(maxLineBytes: 64) })
    }

    @Test func aLineOverTheLimitIsRefusedBeforeItsNewlineArrives() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(NDJSONLineDecoder(maxLineBytes: 16)))
        try channel.writeInbound(ByteBuffer(string: "0123456789abcdef\n"))        // exactly the limit: fine
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "0123456789abcdef"))
        #expect(throws: NDJSONLineTooLong.self) {
            try channel.writeInbound(ByteBuffer(string: "0123456789abcdef0"))      // 17 bytes, no newline yet
        }
        _ = try? channel.finish()
    }

    @Test func anUnterminatedLastLineIsDeliveredAtEndOfStream() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(NDJSONLineDecoder(maxLineBytes: 64)))
        try channel.writeInbound(ByteBuffer(string: "a\n{\"trunc"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "a"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        channel.pipeline.fireChannelInactive()
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "{\"trunc"))
        _ = try? channel.finish()
    }
}
