import Testing
@testable import RGKit

struct BIP340Vector: CustomTestStringConvertible, Sendable {
    let index: String
    let secretKey: String
    let publicKey: String
    let auxRand: String
    let message: String
    let signature: String
    let valid: Bool
    let comment: String
    var testDescription: String { "BIP-340 vector \(index)\(comment.isEmpty ? "" : ": \(comment)")" }

    static func all() throws -> [BIP340Vector] {
        try CSVFixture.rows("bip-0340_test-vectors.csv").map { r in
            BIP340Vector(index: r["index"]!, secretKey: r["secret key"]!, publicKey: r["public key"]!, auxRand: r["aux_rand"]!,
                         message: r["message"]!, signature: r["signature"]!, valid: r["verification result"] == "TRUE",
                         comment: r["comment"]!)
        }
    }
}

@Suite struct SchnorrTests {
    @Test func vectorFileHas19Rows() throws { #expect(try BIP340Vector.all().count == 19) }

    /// Rows with a secret key: the key gives the public key and, with the given aux, the exact
    /// signature. Every row: verification gives the expected result (an off-curve key is "false").
    @Test(arguments: try BIP340Vector.all())
    func signsAndVerifiesBIP340Vector(_ v: BIP340Vector) throws {
        let message = TestBytes.hex(v.message)
        if !v.secretKey.isEmpty {
            let pair = try Secp256k1KeyPair(secretBytes: TestBytes.hex(v.secretKey))
            #expect(pair.xOnlyPublicKey.hex == v.publicKey.lowercased())
            let signature = pair.signSchnorr(message, auxiliaryRandom: TestBytes.bytes32(v.auxRand))
            #expect(Hex.encode(signature.bytes) == v.signature.lowercased())
        }
        let signature = try SchnorrSignature(bytes: TestBytes.hex(v.signature))
        let verified = (try? XOnlyPublicKey(bytes: TestBytes.hex(v.publicKey)))?.isValidSignature(signature, for: message) ?? false
        #expect(verified == v.valid)
    }

    @Test func invalidSecretsAreRefused() {
        #expect(throws: CryptoError(.invalidSecretKey)) { try Secp256k1KeyPair(secretBytes: [UInt8](repeating: 0, count: 32)) }
        let order = TestBytes.hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
        #expect(throws: CryptoError(.invalidSecretKey)) { try Secp256k1KeyPair(secretBytes: order) }
        #expect(throws: CryptoError(.invalidLength)) { try Secp256k1KeyPair(secretBytes: [UInt8](repeating: 1, count: 31)) }
    }

    @Test func ecdhIsSymmetricAndIgnoresTheSignOfY() throws {
        var rng = SeededGenerator(seed: 340)
        let a = Secp256k1KeyPair.generate(using: &rng), b = Secp256k1KeyPair.generate(using: &rng)
        let ab = try a.sharedX(withX: b.xOnlyPublicKey.bytes)
        let ba = try b.sharedX(withX: a.xOnlyPublicKey.bytes)
        #expect(ab.constantTimeEquals(ba))
        #expect(throws: CryptoError(.invalidPublicKey)) {
            try a.sharedX(withX: TestBytes.bytes32("0000000000000000000000000000000000000000000000000000000000000005"))
        }
    }
}
