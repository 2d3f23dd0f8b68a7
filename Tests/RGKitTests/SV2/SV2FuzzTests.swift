import NIOCore
import RGKit
import Testing

/// Random and mutated bytes into every SV2 decoder, and random valid messages through
/// encode → decode. Seeded, so a failure reproduces; the seed is in the failure message.
///
/// Normal run: about 110,000 cases in total, a few seconds. Long run:
///
///     RG_FUZZ_CASES=1000000 swift test --filter SV2FuzzTests          # debug: a few minutes
///     RG_FUZZ_CASES=10000000 swift test -c release --filter SV2FuzzTests
///
/// runs each fuzz test with that many cases (the per-message-type tests split them over the 23
/// types). What must hold for every input: no trap, no hang (suite time limit), the only error is
/// an `SV2Error` whose offset lies inside the input, and every accepted input is canonical: it
/// re-encodes to the very same bytes (except BOOL's ignored high bits).
@Suite("SV2 fuzz", .timeLimit(.minutes(30))) struct SV2FuzzTests {
    static let types = SV2MessageType.allCases

    static func perType(_ total: Int) -> Int { max(1, FuzzBudget.cases(default: total) / types.count) }

    /// What `message.payload` must be for an accepted `input`: the input itself, with the one BOOL
    /// of NewExtendedMiningJob reduced to its low bit.
    static func canonical(_ input: [UInt8], _ type: SV2MessageType) -> [UInt8] {
        guard type == .newExtendedMiningJob, input.count > 8 else { return input }
        var out = input
        let boolAt = input[8] == 1 ? 17 : 13
        if boolAt < out.count { out[boolAt] &= 1 }
        return out
    }

    /// Decodes `payload` as `type`; checks the invariants; returns whether it was accepted.
    @discardableResult
    static func check(_ type: SV2MessageType, _ payload: [UInt8], seed: UInt64, case n: Int) -> Bool {
        do throws(SV2Error) {
            let message = try SV2Message(type: type, payload: payload)
            #expect(message.messageType == type)
            let again = message.payload
            #expect(again == canonical(payload, type), "\(type.name) seed \(seed) case \(n): not canonical")
            #expect((try? SV2Message(type: type, payload: again).payload) == again, "\(type.name) seed \(seed) case \(n)")
            return true
        } catch {
            #expect((error.offset ?? 0) <= payload.count, "\(type.name) seed \(seed) case \(n): \(error)")
            return false
        }
    }

    // MARK: Mutations

    static let interesting: [UInt8] = [0, 1, 2, 0x1F, 0x20, 0x21, 0x7F, 0x80, 0xFE, 0xFF]

    static func mutate<G: RandomNumberGenerator>(_ input: [UInt8], _ g: inout G) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...3, using: &g) {
            let at = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &g)
            switch Int.random(in: 0..<9, using: &g) {
            case 0 where !bytes.isEmpty: bytes[at] ^= 1 << UInt8.random(in: 0...7, using: &g)
            case 1 where !bytes.isEmpty: bytes[at] = interesting.randomElement(using: &g)!
            case 2: bytes.insert(UInt8.random(in: 0...255, using: &g), at: at)
            case 3 where !bytes.isEmpty: bytes.remove(at: at)
            case 4: bytes = Array(bytes.prefix(at))
            case 5: bytes += g.bytes(Int.random(in: 1...8, using: &g))
            case 6 where bytes.count >= at + 2: bytes[at] = 0xFF; bytes[at + 1] = 0xFF   // a U16 length at its max
            case 7 where !bytes.isEmpty:                                                // duplicate a slice
                let end = min(bytes.count, at + Int.random(in: 1...16, using: &g))
                bytes.insert(contentsOf: bytes[at..<end], at: at)
            default: if !bytes.isEmpty { bytes[at] = UInt8.random(in: 0...255, using: &g) }
            }
        }
        return bytes
    }

    // MARK: Message decoders

    @Test(arguments: types)
    func randomPayloadsIntoEachMessageDecoder(_ type: SV2MessageType) {
        let seed = 0x5EED_0000 | UInt64(type.rawValue)
        var g = SplitMix64(seed: seed)
        let cap = min(type.maxPayloadLength, type.minPayloadLength + 600)
        for n in 0..<Self.perType(23_000) {
            let length = switch Int.random(in: 0..<4, using: &g) {
            case 0: Int.random(in: 0...type.minPayloadLength, using: &g)
            case 1: type.minPayloadLength
            default: Int.random(in: type.minPayloadLength...cap, using: &g)
            }
            Self.check(type, g.bytes(length), seed: seed, case: n)
        }
    }

    @Test(arguments: types)
    func mutatedValidPayloadsIntoEachMessageDecoder(_ type: SV2MessageType) {
        let seed = 0xB17F_0000 | UInt64(type.rawValue)
        var g = SplitMix64(seed: seed)
        var accepted = 0
        let count = Self.perType(34_500)
        for n in 0..<count {
            let valid = MessageGenerator.make(type, &g).payload
            if Self.check(type, Self.mutate(valid, &g), seed: seed, case: n) { accepted += 1 }
        }
        // Sanity: the mutations are neither all fatal nor all harmless (they reach deep fields).
        #expect(accepted < count)
        #expect(accepted > 0 || count < 100)
    }

    @Test(arguments: types)
    func randomValidMessagesRoundTrip(_ type: SV2MessageType) throws {
        let seed = 0x0123_0000 | UInt64(type.rawValue)
        var g = SplitMix64(seed: seed)
        for n in 0..<Self.perType(11_500) {
            let message = MessageGenerator.make(type, &g)
            let frame = message.frame
            #expect(frame.payload.count >= type.minPayloadLength && frame.payload.count <= type.maxPayloadLength)
            // Value → payload → value, and value → frame bytes → frame → value.
            #expect(try SV2Message(type: type, payload: message.payload) == message, "seed \(seed) case \(n)")
            let decodedFrame = try SV2Frame.decode(frame.bytes, maxPayload: type.maxPayloadLength)
            #expect(decodedFrame == frame)
            #expect(try SV2Message(frame: decodedFrame) == message, "seed \(seed) case \(n)")
        }
    }

    // MARK: Frames

    @Test func randomBytesIntoTheFrameAndMessageDecoders() {
        let seed: UInt64 = 0xF4A3_E5
        var g = SplitMix64(seed: seed)
        let known = SV2MessageType.allCases.map(\.rawValue)
        var framesAccepted = 0
        for n in 0..<FuzzBudget.cases(default: 20_000) {
            var bytes: [UInt8]
            if g.chance(3) {
                bytes = g.bytes(Int.random(in: 0...80, using: &g))               // pure noise
            } else {                                                             // a plausible header + noise
                let payload = g.bytes(Int.random(in: 0...120, using: &g))
                let ext: UInt16 = [0, 0x8000, 0x0001, 0x8001, g.u16()].randomElement(using: &g)!
                let type = g.chance(5) ? UInt8.random(in: 0...255, using: &g) : known.randomElement(using: &g)!
                let declared = g.chance(4) ? Int.random(in: 0...0xFF_FFFF, using: &g) : payload.count
                bytes = [UInt8(ext & 0xFF), UInt8(ext >> 8), type,
                         UInt8(declared & 0xFF), UInt8((declared >> 8) & 0xFF), UInt8(declared >> 16)] + payload
            }
            let maxPayload = [64, 1024, SV2FrameHeader.maxPayloadLength].randomElement(using: &g)!
            do throws(SV2Error) {
                let frame = try SV2Frame.decode(bytes, maxPayload: maxPayload)
                framesAccepted += 1
                #expect(frame.bytes == bytes, "seed \(seed) case \(n)")
                if let message = try? SV2Message(frame: frame) {
                    #expect(message.frame.bytes == Self.canonicalFrame(bytes, message.messageType), "seed \(seed) case \(n)")
                }
            } catch {
                #expect((error.offset ?? 0) <= bytes.count, "seed \(seed) case \(n): \(error)")
            }
        }
        #expect(framesAccepted > 0)
    }

    static func canonicalFrame(_ bytes: [UInt8], _ type: SV2MessageType) -> [UInt8] {
        Array(bytes.prefix(6)) + canonical(Array(bytes.dropFirst(6)), type)
    }

    /// Streams of valid frames, sometimes corrupted, cut into random chunks and fed to the NIO
    /// decoder. Uncorrupted streams must come out frame for frame; corrupted ones must end in a
    /// value or an `SV2Error`, never a trap.
    @Test func randomStreamsIntoTheStreamingDecoder() throws {
        let seed: UInt64 = 0x57EA_4D
        var g = SplitMix64(seed: seed)
        for n in 0..<max(1, FuzzBudget.cases(default: 6_000) / 6) {
            let messages = (0..<Int.random(in: 1...8, using: &g)).map { _ in
                MessageGenerator.make(SV2MessageType.allCases.randomElement(using: &g)!, &g)
            }
            let frames = messages.map(\.frame)
            var stream = frames.flatMap(\.bytes)
            let corrupt = g.chance(2)
            if corrupt { stream = Self.mutate(stream, &g) }
            let maxPayload = corrupt && g.bool() ? 512 : SV2MessageType.largestPayloadLength

            let processor = NIOSingleStepByteToMessageProcessor(SV2FrameDecoder(maxPayload: maxPayload))
            var out: [SV2Frame] = []
            var failure: (any Error)?
            var rest = stream[...]
            do {
                while !rest.isEmpty {
                    let take = min(rest.count, g.chance(4) ? 1 : Int.random(in: 1...300, using: &g))
                    try processor.process(buffer: ByteBuffer(bytes: rest.prefix(take))) { out.append($0) }
                    rest = rest.dropFirst(take)
                }
                try processor.finishProcessing(seenEOF: true) { out.append($0) }
            } catch {
                failure = error
            }
            if let failure { #expect(failure is SV2Error, "seed \(seed) case \(n): \(failure)") }
            if !corrupt {
                #expect(failure == nil, "seed \(seed) case \(n)")
                #expect(out == frames, "seed \(seed) case \(n)")
                #expect(try out.map { try SV2Message(frame: $0) } == messages, "seed \(seed) case \(n)")
            } else {
                #expect(out.reduce(0) { $0 + 6 + $1.payload.count } <= stream.count)
            }
        }
    }

    // MARK: Data types

    @Test func randomBytesIntoEveryDataType() {
        let seed: UInt64 = 0xDA7A
        var g = SplitMix64(seed: seed)
        func run<T: SV2Codable>(_: T.Type, _ bytes: [UInt8], canonical: Bool = true) {
            do throws(SV2Error) {
                let value = try T(sv2Bytes: bytes)
                if canonical { #expect(value.sv2Bytes == bytes, "\(T.self) seed \(seed)") }
            } catch {
                #expect((error.offset ?? 0) <= bytes.count, "\(T.self) seed \(seed): \(error)")
            }
        }
        for _ in 0..<FuzzBudget.cases(default: 20_000) / 10 {
            let short = g.bytes(Int.random(in: 0...40, using: &g))
            var long = g.bytes(Int.random(in: 0...300, using: &g))
            if !long.isEmpty && g.bool() { long[0] = UInt8(min(255, long.count - 1)) }   // a fitting U8 length
            run(Str0_255.self, long)
            run(B0_32.self, short)
            run(B0_255.self, long)
            run(B0_64K.self, long)
            run(B0_16M.self, long)
            run(UInt32?.self, short)
            run(Seq0_255<Bytes32>.self, long)
            run(Seq0_64K<UInt32>.self, short)
            run(Seq0_255<B0_32>.self, long)
            run(Seq0_255<Bool>.self, short, canonical: false)
        }
    }
}
