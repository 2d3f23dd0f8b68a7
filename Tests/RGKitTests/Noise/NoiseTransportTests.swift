import Testing
@testable import RGKit

@Suite struct NoiseTransportTests {
    @Test(arguments: [0, 1, 6, 1000, 65_518, 65_519, 65_520, 131_038, 131_039, 1 << 20])
    func framesOfEverySizeRoundTrip(_ size: Int) throws {
        var (client, server) = try HandshakePair.make(seed: 21).transports(maxPayloadLength: 1 << 21)
        var rng = SeededGenerator(seed: UInt64(size))
        let frame = SV2Frame(extensionType: 0x8000, msgType: 0x15, payload: rng.bytes(size))
        let wire = try client.encrypt(frame)
        #expect(wire.count == NoiseFraming.encryptedFrameSize(payloadLength: size))
        #expect(try server.decrypt(wire) == [frame])
        #expect(!server.decryptor.hasPartialFrame)
    }

    @Test func bytesArrivingOneAtATimeOrInRandomSplitsGiveTheSameFrames() throws {
        let pair = try HandshakePair.make(seed: 22)
        var (client, _) = pair.transports()
        var rng = SeededGenerator(seed: 22)
        let frames = (0..<20).map { i in SV2Frame(msgType: UInt8(i), payload: rng.bytes(Int(rng.next() % 300) * (i % 3))) }
        let stream = try frames.flatMap { try client.encrypt($0) }
        // One byte at a time.
        var oneByOne = pair.responderSession.transport(maxPayloadLength: 1 << 16)
        var got: [SV2Frame] = []
        for byte in stream { got += try oneByOne.decrypt([byte]) }
        #expect(got == frames)
        // Random splits.
        for round in 0..<20 {
            var server = pair.responderSession.transport(maxPayloadLength: 1 << 16)
            var received: [SV2Frame] = []
            var offset = 0
            while offset < stream.count {
                let n = min(stream.count - offset, 1 + Int(rng.next() % 700))
                received += try server.decrypt(stream[offset..<offset + n])
                offset += n
            }
            #expect(received == frames, "round \(round)")
        }
    }

    /// The header's length is checked against the limit as soon as its 22 bytes decrypt; nothing is
    /// reserved for the payload.
    @Test func oversizedFrameIsRefusedFromItsHeaderAlone() throws {
        let pair = try HandshakePair.make(seed: 23)
        var client = pair.initiatorSession.transport(maxPayloadLength: 1 << 24)
        let wire = try client.encrypt(SV2Frame(msgType: 0x1F, payload: [UInt8](repeating: 7, count: 1001)))
        var server = pair.responderSession.transport(maxPayloadLength: 1000)
        server.decryptor.append(wire[0..<22])
        #expect(throws: NoiseError(.frameTooLarge)) { try server.decryptor.nextFrame() }
        #expect(server.decryptor.bufferedByteCount == 0)
        // A 16 MiB announcement with a 1 KiB limit: refused with nothing allocated for it.
        var big = pair.initiatorSession.sender
        var header = SV2FrameHeader(msgType: 0, isChannelMessage: false, payloadLength: SV2FrameHeader.maxPayloadLength).bytes
        let headerCipher = try big.encrypt(header)
        header = []
        var fresh = NoiseFrameDecryptor(cipher: pair.responderSession.receiver, maxPayloadLength: 1024)
        fresh.append(headerCipher)
        #expect(throws: NoiseError(.frameTooLarge)) { try fresh.nextFrame() }
        #expect(fresh.bufferedByteCount == 0)
        #expect(fresh.maxPayloadLength == 1024)
        #expect(NoiseFrameDecryptor(cipher: pair.responderSession.receiver, maxPayloadLength: .max).maxPayloadLength == 0xFF_FFFF)
    }

    /// A bad tag fails closed: the error sticks, later bytes are dropped, nothing more is delivered.
    @Test func aTamperedByteFailsClosed() throws {
        let pair = try HandshakePair.make(seed: 24)
        var (client, _) = pair.transports()
        let first = try client.encrypt(SV2Frame(msgType: 1, payload: [1, 2, 3]))
        var second = try client.encrypt(SV2Frame(msgType: 2, payload: [4, 5, 6]))
        let third = try client.encrypt(SV2Frame(msgType: 3, payload: [7, 8, 9]))
        second[second.count - 1] ^= 0x80                                      // last tag byte
        var server = pair.responderSession.transport(maxPayloadLength: 1 << 16)
        server.decryptor.append(first + second)
        #expect(try server.decryptor.nextFrame()?.header.msgType == 1)
        #expect(throws: NoiseError(.decryptionFailed)) { try server.decryptor.nextFrame() }
        server.decryptor.append(third)
        #expect(server.decryptor.bufferedByteCount == 0)
        #expect(throws: NoiseError(.decryptionFailed)) { try server.decryptor.nextFrame() }
        #expect(server.decryptor.failure == NoiseError(.decryptionFailed))
    }

    @Test func theLastNonceIsNeverUsed() throws {
        var cipher = NoiseCipherState(key: SecretKey.random(), nonce: UInt64.max - 1)
        _ = try cipher.encrypt([1])
        #expect(cipher.nonce == UInt64.max)
        #expect(throws: NoiseError(.nonceExhausted)) { try cipher.encrypt([1]) }
        var receiver = NoiseCipherState(key: SecretKey.random(), nonce: UInt64.max)
        #expect(throws: NoiseError(.nonceExhausted)) { try receiver.decrypt([UInt8](repeating: 0, count: 17)) }
    }

    @Test func aPartialFrameIsReported() throws {
        var (client, server) = try HandshakePair.make(seed: 26).transports()
        let wire = try client.encrypt(SV2Frame(msgType: 1, payload: [UInt8](repeating: 1, count: 100)))
        #expect(try server.decrypt(wire.prefix(30)) == [])
        #expect(server.decryptor.hasPartialFrame)
        #expect(try server.decrypt(wire.dropFirst(30)).count == 1)
        #expect(!server.decryptor.hasPartialFrame)
    }

    /// After a large frame the input buffer gives its memory back (10,000 idle connections).
    @Test func bufferShrinksAfterALargeFrame() throws {
        var (client, server) = try HandshakePair.make(seed: 27).transports(maxPayloadLength: 1 << 20)
        let wire = try client.encrypt(SV2Frame(msgType: 1, payload: [UInt8](repeating: 1, count: 500_000)))
        #expect(try server.decrypt(wire).count == 1)
        #expect(try server.decrypt([UInt8]()) == [])
        #expect(server.decryptor.bufferedByteCount == 0)
    }

    /// A caller that takes one frame per append (without draining to nil) does not make the
    /// decryptor keep consumed bytes.
    @Test func consumedBytesAreDroppedEvenWithoutDrainingToNil() throws {
        var (client, server) = try HandshakePair.make(seed: 28).transports()
        for i in 0..<1000 {
            server.decryptor.append(try client.encrypt(SV2Frame(msgType: 1, payload: [UInt8](repeating: UInt8(i & 0xFF), count: 100))))
            #expect(try server.decryptor.nextFrame()?.payload.first == UInt8(i & 0xFF))
            #expect(server.decryptor.bufferedByteCount <= 2 * NoiseFraming.encryptedFrameSize(payloadLength: 100))
        }
    }
}
