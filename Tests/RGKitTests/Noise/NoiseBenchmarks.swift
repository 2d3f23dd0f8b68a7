import Foundation
import Testing
@testable import RGKit

/// Throughput figures for the Noise layer. Disabled unless RG_BENCH is set; prints numbers and
/// asserts none (timing belongs in benchmarks, not tests). Run against a release build with
/// `scripts/bench/noise.sh`, which is:
///
///     RG_BENCH=1 swift test -c release --filter NoiseBenchmarks
///
/// Everything runs on the calling thread, so each figure is one core.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["RG_BENCH"] != nil))
struct NoiseBenchmarks {
    static let scale = ProcessInfo.processInfo.environment["RG_BENCH_SCALE"].flatMap(Double.init) ?? 1.0

    @discardableResult
    static func measure(_ label: String, operations: Int, unit: String = "ops", _ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let elapsed = try clock.measure(body)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let rate = Double(operations) / seconds
        let micros = seconds * 1e6 / Double(operations)
        let padded = label.count < 52 ? label + String(repeating: " ", count: 52 - label.count) : label
        print("BENCH \(padded)" + String(format: " %10.0f %@/s  %9.2f µs/op  (%d in %.3f s)",
                                          rate, unit as NSString, micros, operations, seconds))
        return seconds
    }

    static func count(_ n: Int) -> Int { max(1, Int(Double(n) * scale)) }

    /// The gateway's cost per miner connection: read act 1, make an ephemeral key and its
    /// EllSwift encoding, two ECDHs, sign a certificate, write act 2, split. OS randomness.
    @Test func responderHandshakesPerSecond() throws {
        var rng = SecureRandomNumberGenerator()
        let authority = AuthorityKeyPair.generate(using: &rng)
        let config = NoiseResponder.Configuration(authority: authority, certificateValiditySeconds: 3600, using: &rng)
        let n = Self.count(4_000)
        // Act 1 messages prepared outside the timed loop (that is the miners' work).
        var seeded = SeededGenerator(seed: 1)
        let acts = try (0..<n).map { _ in
            var initiator = NoiseInitiator(authorityKey: authority.publicKey, using: &seeded)
            return try initiator.writeAct1()
        }
        _ = try { var r = NoiseResponder(configuration: config); return try r.readAct1(acts[0], nowSeconds: 1_750_000_000, using: &rng) }()
        try Self.measure("responder handshake (act 1 in, act 2 out)", operations: n, unit: "hs") {
            for act in acts {
                var responder = NoiseResponder(configuration: config)
                _ = try responder.readAct1(act, nowSeconds: 1_750_000_000, using: &rng)
            }
        }
        // For reference: both sides of a full handshake on one core.
        let m = Self.count(1_000)
        try Self.measure("full handshake, initiator + responder", operations: m, unit: "hs") {
            for _ in 0..<m {
                var initiator = NoiseInitiator(authorityKey: authority.publicKey, using: &rng)
                var responder = NoiseResponder(configuration: config)
                let reply = try responder.readAct1(try initiator.writeAct1(), nowSeconds: 1_750_000_000, using: &rng)
                _ = try initiator.readAct2(reply.act2, nowSeconds: 1_750_000_000)
            }
        }
    }

    /// The pieces of a responder handshake, to see where the time goes.
    @Test func handshakeComponents() throws {
        var rng = SecureRandomNumberGenerator()
        let n = Self.count(5_000)
        let pairs = (0..<64).map { _ in EllSwiftKeyPair.generate(using: &rng) }
        let keys = pairs.map(\.keyPair)
        Self.measure("EllSwift decode (XSwiftEC)", operations: n) {
            for i in 0..<n { _ = pairs[i & 63].encoding.x }
        }
        Self.measure("EllSwift encode (XElligatorSwift)", operations: n) {
            for i in 0..<n { _ = EllSwiftPublicKey.encoding(x: keys[i & 63].xOnlyPublicKey, using: &rng) }
        }
        Self.measure("secp256k1 key generation (keypair_create)", operations: n) {
            for _ in 0..<n { _ = Secp256k1KeyPair.generate(using: &rng) }
        }
        try Self.measure("BIP-324 ECDH (decode + ecdh + tagged hash)", operations: n) {
            for i in 0..<n { _ = try pairs[i & 63].sharedSecret(with: pairs[(i + 1) & 63].encoding, role: .initiator) }
        }
        Self.measure("BIP-340 sign (certificate)", operations: n) {
            for i in 0..<n { _ = keys[i & 63].signSchnorr([UInt8](repeating: UInt8(i & 0xFF), count: 32), auxiliaryRandom: .zero) }
        }
        var a = FieldElement(bigEndian: rng.nextBytes32())
        let b = FieldElement(bigEndian: rng.nextBytes32())
        let muls = Self.count(2_000_000)
        Self.measure("field multiply", operations: muls) {
            for _ in 0..<muls { a = a * b }
        }
        let invs = Self.count(20_000)
        Self.measure("field inverse (a^(p-2))", operations: invs) {
            for _ in 0..<invs { a = a.inverse() + b }
        }
        #expect(!a.isZero || a.isZero)                          // keep `a` alive
    }

    /// Encrypt one frame and decrypt it on the other side (two AEAD calls each way: header, payload).
    @Test(arguments: [64, 1024])
    func encryptDecryptRoundTrip(_ size: Int) throws {
        let pair = try HandshakePair.make(seed: 41)
        var (client, server) = pair.transports(maxPayloadLength: 1 << 20)
        var rng = SeededGenerator(seed: 41)
        let frame = SV2Frame(extensionType: 0x8000, msgType: 0x1A, payload: rng.bytes(size))
        let n = Self.count(size <= 64 ? 1_000_000 : 400_000)
        var delivered = 0
        let seconds = try Self.measure("encrypt + decrypt round trip, \(size)-byte payload", operations: n, unit: "msg") {
            for _ in 0..<n {
                let wire = try client.encryptor.encrypt(frame)
                server.decryptor.append(wire)
                if try server.decryptor.nextFrame() != nil { delivered += 1 }
            }
        }
        #expect(delivered == n)
        print(String(format: "BENCH   (payload %.1f MB/s through encrypt and decrypt)", Double(n * size) / 1e6 / seconds))
    }
}
