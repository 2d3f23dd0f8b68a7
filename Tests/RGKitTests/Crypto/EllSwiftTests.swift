import Testing
@testable import RGKit

struct EllSwiftDecodeVector: CustomTestStringConvertible, Sendable {
    let index: Int
    let encoding: [UInt8]
    let x: String
    let comment: String
    var testDescription: String { "decode row \(index): \(comment)" }

    static func all() throws -> [EllSwiftDecodeVector] {
        try CSVFixture.rows("bip-0324_ellswift_decode_test_vectors.csv").enumerated().map { i, row in
            EllSwiftDecodeVector(index: i + 1, encoding: TestBytes.hex(row["ellswift"]!), x: row["x"]!, comment: row["comment"]!)
        }
    }
}

struct EllSwiftInverseCase: CustomTestStringConvertible, Sendable {
    let row: Int
    let caseIndex: Int
    let u: String
    let x: String
    let t: String?               // nil: the case must fail
    var testDescription: String { "xswiftec_inv row \(row) case \(caseIndex) \(t == nil ? "fails" : "succeeds")" }

    static func all() throws -> [EllSwiftInverseCase] {
        try CSVFixture.rows("bip-0324_xswiftec_inv_test_vectors.csv").enumerated().flatMap { i, row in
            (0..<8).map { c in
                let t = row["case\(c)_t"]!
                return EllSwiftInverseCase(row: i + 1, caseIndex: c, u: row["u"]!, x: row["x"]!, t: t.isEmpty ? nil : t)
            }
        }
    }
}

struct BIP324PacketVector: CustomTestStringConvertible, Sendable {
    let index: String
    let row: [String: String]
    var testDescription: String { "BIP-324 packet vector in_idx \(index)" }

    static func all() throws -> [BIP324PacketVector] {
        try CSVFixture.rows("bip-0324_packet_encoding_test_vectors.csv").map { BIP324PacketVector(index: $0["in_idx"]!, row: $0) }
    }
}

@Suite struct EllSwiftTests {
    @Test func decodeVectorFileHas76Rows() throws { #expect(try EllSwiftDecodeVector.all().count == 76) }
    @Test func inverseVectorFileHas256Cases() throws { #expect(try EllSwiftInverseCase.all().count == 256) }
    @Test func packetVectorFileHas7Rows() throws { #expect(try BIP324PacketVector.all().count == 7) }

    @Test(arguments: try EllSwiftDecodeVector.all())
    func decodesBIP324Vector(_ v: EllSwiftDecodeVector) throws {
        let key = try EllSwiftPublicKey(bytes: v.encoding)
        #expect(key.x.hex == v.x)
        #expect(key.bytes == v.encoding)
    }

    @Test(arguments: try EllSwiftInverseCase.all())
    func invertsBIP324Case(_ v: EllSwiftInverseCase) throws {
        let u = FieldElement(bigEndian: TestBytes.bytes32(v.u))
        let x = try #require(FieldElement(canonicalBigEndian: TestBytes.bytes32(v.x)))
        let t = EllSwift.inverse(x: x, u: u, case: v.caseIndex)
        #expect(t?.bigEndianBytes.hex == v.t)
        if let t { #expect(EllSwift.decode(u: u, t: t) == x) }   // and it round-trips
    }

    @Test func encodingsOfRandomKeysDecodeToTheKey() {
        var rng = SeededGenerator(seed: 324)
        for _ in 0..<100 {
            let pair = EllSwiftKeyPair.generate(using: &rng)
            #expect(pair.encoding.x == pair.keyPair.xOnlyPublicKey.bytes)
        }
    }

    @Test func twoEncodingsOfOneKeyDifferButAgreeOnX() {
        var rng = SeededGenerator(seed: 7)
        let key = Secp256k1KeyPair.generate(using: &rng)
        let a = EllSwiftKeyPair(keyPair: key, using: &rng), b = EllSwiftKeyPair(keyPair: key, using: &rng)
        #expect(a.encoding != b.encoding)
        #expect(a.encoding.x == b.encoding.x)
    }

    @Test func aPinnedEncodingMustMatchItsKey() throws {
        var rng = SeededGenerator(seed: 8)
        let one = EllSwiftKeyPair.generate(using: &rng), other = EllSwiftKeyPair.generate(using: &rng)
        #expect(throws: CryptoError(.invalidPublicKey)) { try EllSwiftKeyPair(keyPair: one.keyPair, encoding: other.encoding) }
        #expect(throws: CryptoError(.invalidLength)) { try EllSwiftPublicKey(bytes: [UInt8](repeating: 0, count: 63)) }
    }

    /// `mid_x_shared` = x(priv · decode(theirs)); `mid_shared_secret` = the tagged hash with the
    /// initiator's encoding first — exactly SV2's ECDH.
    @Test(arguments: try BIP324PacketVector.all())
    func ecdhMatchesBIP324(_ v: BIP324PacketVector) throws {
        let pair = try Secp256k1KeyPair(secretBytes: TestBytes.hex(v.row["in_priv_ours"]!))
        let ours = try EllSwiftPublicKey(bytes: TestBytes.hex(v.row["in_ellswift_ours"]!))
        let theirs = try EllSwiftPublicKey(bytes: TestBytes.hex(v.row["in_ellswift_theirs"]!))
        #expect(theirs.x.hex == v.row["mid_x_theirs"])
        let x = try pair.sharedX(withX: theirs.x)
        #expect(x.withUnsafeBytes { Hex.encode($0) } == v.row["mid_x_shared"])
        let role: EllSwiftECDH.Role = v.row["in_initiating"] == "1" ? .initiator : .responder
        let secret = try EllSwiftECDH.sharedSecret(ours: pair, ourEncoding: ours, theirEncoding: theirs, role: role)
        #expect(secret.withUnsafeBytes { Hex.encode($0) } == v.row["mid_shared_secret"])
        // The role decides the hash order: the other role gives a different secret.
        let swapped = try EllSwiftECDH.sharedSecret(ours: pair, ourEncoding: ours, theirEncoding: theirs,
                                                    role: role == .initiator ? .responder : .initiator)
        #expect(!swapped.constantTimeEquals(secret))
    }

    @Test func bothSidesDeriveTheSameSecret() throws {
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<20 {
            let a = EllSwiftKeyPair.generate(using: &rng), b = EllSwiftKeyPair.generate(using: &rng)
            let sa = try a.sharedSecret(with: b.encoding, role: .initiator)
            let sb = try b.sharedSecret(with: a.encoding, role: .responder)
            #expect(sa.constantTimeEquals(sb))
        }
    }
}
