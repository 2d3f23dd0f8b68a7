import Testing
@testable import RGKit

/// Seeded property/fuzz tests for everything that reads bytes from the network: the responder's
/// act 1, the initiator's act 2 and the transport decryptor. Random and mutated input must give a
/// value or a `NoiseError` — never a crash, a hang (the suite has a time limit and every loop is
/// bounded), or memory beyond the declared maximum (checked on every case through the decryptor's
/// buffer accounting).
///
/// Normal run: about 40,000 cases. Long run (documented; about 1.7 M cases):
///
///     RG_FUZZ_CASES=1000000 swift test -c release --filter NoiseFuzzTests
///
/// `RG_FUZZ_SEED=<n>` replays a different (or a failing) seed; failures print the case index.
@Suite(.timeLimit(.minutes(FuzzBudget.requested == nil ? 10 : 600)))
struct NoiseFuzzTests {
    /// Random bytes in random splits into a decryptor with a random limit: nothing is delivered
    /// (a forged tag would need 2^128 tries), the error is sticky, memory stays bounded.
    @Test func randomBytesIntoTheTransportDecryptor() throws {
        let pair = try HandshakePair.make(seed: 31)
        var rng = SeededGenerator(seed: FuzzBudget.seed)
        let cases = FuzzBudget.cases(20_000)
        for index in 0..<cases {
            let limit = Int(rng.next() % 70_000)
            var decryptor = NoiseFrameDecryptor(cipher: pair.responderSession.receiver, maxPayloadLength: limit)
            let input = rng.bytes(Int(rng.next() % 400))
            var offset = 0
            var appended = 0
            var failed = false
            while offset < input.count {
                let n = min(input.count - offset, 1 + Int(rng.next() % 64))
                decryptor.append(input[offset..<offset + n])
                offset += n
                appended += n
                do {
                    if try decryptor.nextFrame() != nil { Issue.record("case \(index): random bytes authenticated") }
                } catch {
                    failed = true
                }
                #expect(decryptor.bufferedByteCount <= (failed ? 0 : appended), "case \(index)")
                #expect(decryptor.reservedPayloadCapacity == 0, "case \(index)")
            }
            if input.count >= NoiseFraming.encryptedHeaderSize { #expect(failed, "case \(index)") }
        }
    }

    /// Valid streams with random damage (bit flips, truncation, insertion, deletion, duplication),
    /// fed in random splits: whatever is delivered is an authentic prefix of what was sent, in order.
    @Test func mutatedStreamsIntoTheTransportDecryptor() throws {
        let pair = try HandshakePair.make(seed: 32)
        var rng = SeededGenerator(seed: FuzzBudget.seed &+ 1)
        // A few base streams (encrypting is the expensive part), reused with fresh decryptors.
        var bases: [(frames: [SV2Frame], wire: [UInt8])] = []
        for _ in 0..<8 {
            var encryptor = NoiseFrameEncryptor(cipher: pair.initiatorSession.sender)
            let frames = (0..<(1 + Int(rng.next() % 6))).map { _ in
                let size = rng.next() % 20 == 0 ? 65_000 + Int(rng.next() % 2_000) : Int(rng.next() % 200)
                return SV2Frame(extensionType: UInt16(truncatingIfNeeded: rng.next()), msgType: UInt8(truncatingIfNeeded: rng.next()),
                                payload: rng.bytes(size))
            }
            bases.append((frames, try frames.flatMap { try encryptor.encrypt($0) }))
        }
        let cases = FuzzBudget.cases(10_000, longRunShare: 0.5)
        for index in 0..<cases {
            let base = bases[Int(rng.next() % UInt64(bases.count))]
            var wire = base.wire
            for _ in 0..<(1 + Int(rng.next() % 3)) { Self.mutate(&wire, using: &rng) }
            let limit = rng.next() % 4 == 0 ? Int(rng.next() % 70_000) : 1 << 17
            var decryptor = NoiseFrameDecryptor(cipher: pair.responderSession.receiver, maxPayloadLength: limit)
            var delivered: [SV2Frame] = []
            var offset = 0
            feeding: while offset < wire.count {
                let n = min(wire.count - offset, 1 + Int(rng.next() % 20_000))
                decryptor.append(wire[offset..<offset + n])
                offset += n
                do {
                    var guardCount = 0
                    while let frame = try decryptor.nextFrame() {
                        delivered.append(frame)
                        guardCount += 1
                        if guardCount > wire.count / NoiseFraming.encryptedHeaderSize + 1 { Issue.record("case \(index): no progress"); break feeding }
                    }
                } catch {
                    #expect(decryptor.bufferedByteCount == 0, "case \(index)")
                    break feeding
                }
                #expect(decryptor.reservedPayloadCapacity <= min(limit, SV2FrameHeader.maxPayloadLength) + Self.allocatorSlack,
                        "case \(index)")
            }
            #expect(delivered.count <= base.frames.count, "case \(index)")
            #expect(Array(base.frames.prefix(delivered.count)) == delivered, "case \(index): delivered a frame that was not sent")
            #expect(delivered.allSatisfy { $0.payload.count <= limit }, "case \(index)")
        }
    }

    /// Authentic headers announcing any length: above the limit they are refused from the 22 header
    /// bytes alone with nothing reserved; at or below it, at most the announced length is reserved.
    @Test func authenticHeadersAnnouncingAnyLength() throws {
        let pair = try HandshakePair.make(seed: 33)
        var rng = SeededGenerator(seed: FuzzBudget.seed &+ 2)
        let cases = FuzzBudget.cases(5_000, longRunShare: 0.2)
        for index in 0..<cases {
            let declared = rng.next() % 3 == 0 ? Int(rng.next() % 100_000) : Int(rng.next() % UInt64(SV2FrameHeader.maxPayloadLength + 1))
            let limit = rng.next() % 2 == 0 ? Int(rng.next() % 100_000) : Int(rng.next() % UInt64(SV2FrameHeader.maxPayloadLength + 1))
            var sender = pair.initiatorSession.sender
            let header = try sender.encrypt(SV2FrameHeader(extensionType: 0, msgType: 1, payloadLength: declared).bytes)
            var decryptor = NoiseFrameDecryptor(cipher: pair.responderSession.receiver, maxPayloadLength: limit)
            decryptor.append(header + rng.bytes(Int(rng.next() % 64)))
            do {
                let frame = try decryptor.nextFrame()
                #expect(declared <= limit, "case \(index)")
                if declared == 0 { #expect(frame?.payload == [], "case \(index)") } else { #expect(frame == nil, "case \(index)") }
                // A header alone reserves at most one chunk (plus the allocator's page rounding).
                #expect(decryptor.reservedPayloadCapacity <= min(declared, NoiseFraming.maxChunkPlaintextSize) + Self.allocatorSlack,
                        "case \(index)")
            } catch {
                if declared > limit {
                    #expect(error.code == .frameTooLarge, "case \(index)")
                } else {
                    #expect(error.code == .decryptionFailed, "case \(index): \(error)")   // random bytes after the header
                }
                #expect(decryptor.bufferedByteCount == 0, "case \(index)")
            }
        }
    }

    /// Any 64 bytes are a valid act 1 (every string decodes to a curve x); every other length is
    /// refused. The reply is always 234 bytes.
    @Test func randomAct1IntoTheResponder() throws {
        let config = try FixedKeyVector.load().responderConfiguration
        var rng = SeededGenerator(seed: FuzzBudget.seed &+ 3)
        let cases = FuzzBudget.cases(1_000, longRunShare: 0.02)
        for index in 0..<cases {
            let length = rng.next() % 2 == 0 ? 64 : Int(rng.next() % 300)
            var message = rng.bytes(length)
            if length == 64, rng.next() % 4 == 0 {                          // extreme encodings: 0, p, 2^256 − 1
                let fill: UInt8 = [0x00, 0xFF][Int(rng.next() % 2)]
                for i in 0..<(rng.next() % 2 == 0 ? 32 : 64) { message[i] = fill }
            }
            var responder = NoiseResponder(configuration: config)
            do {
                let reply = try responder.readAct1(message, nowSeconds: 1_700_000_000, using: &rng)
                #expect(length == 64 && reply.act2.count == 234, "case \(index)")
            } catch {
                #expect(length != 64 && error.code == .invalidMessageLength, "case \(index): \(error)")
            }
        }
    }

    /// Damaged or random act 2 into the initiator: always refused, never a crash.
    @Test func randomAndMutatedAct2IntoTheInitiator() throws {
        let v = try FixedKeyVector.load()
        let act2 = v.hex("msg2_responder_to_initiator")
        let ephemeral = try v.keyPair("initiator_ephemeral_priv", "initiator_ephemeral_ellswift")
        let authority = try v.authority.publicKey
        var rng = SeededGenerator(seed: FuzzBudget.seed &+ 4)
        let cases = FuzzBudget.cases(2_000, longRunShare: 0.05)
        for index in 0..<cases {
            var message: [UInt8]
            switch rng.next() % 3 {
            case 0: message = rng.bytes(234)
            case 1: message = rng.bytes(Int(rng.next() % 400))
            default:
                message = act2
                for _ in 0..<(1 + Int(rng.next() % 4)) { Self.mutate(&message, using: &rng) }
            }
            var initiator = NoiseInitiator(authorityKey: authority, ephemeral: ephemeral)
            _ = try initiator.writeAct1()
            do {
                _ = try initiator.readAct2(message, nowSeconds: v.nowSeconds)
                #expect(message == act2, "case \(index): a damaged act 2 was accepted")
            } catch {
                #expect(message != act2, "case \(index): \(error)")
                #expect(initiator.state == .failed)
            }
        }
    }

    /// malloc rounds large blocks up to whole pages.
    static let allocatorSlack = 4096

    static func mutate(_ bytes: inout [UInt8], using rng: inout SeededGenerator) {
        guard !bytes.isEmpty else { bytes = rng.bytes(1 + Int(rng.next() % 8)); return }
        let at = Int(rng.next() % UInt64(bytes.count))
        switch rng.next() % 6 {
        case 0: bytes[at] ^= UInt8(1 << (rng.next() % 8))                                   // bit flip
        case 1: bytes[at] = UInt8(truncatingIfNeeded: rng.next())                          // byte change
        case 2: bytes.removeSubrange(at...)                                                // truncation
        case 3: bytes.insert(contentsOf: rng.bytes(1 + Int(rng.next() % 16)), at: at)      // insertion
        case 4: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(rng.next() % 16))) // deletion
        default:                                                                           // duplication
            let end = min(bytes.count, at + 1 + Int(rng.next() % 64))
            bytes.insert(contentsOf: Array(bytes[at..<end]), at: end)
        }
    }
}
