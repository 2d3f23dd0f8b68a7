import Foundation
@testable import RGKit

/// `sv2-noise-handshake-fixed-keys.json` (self-generated with libsecp256k1's ellswift API and pyca;
/// see Tests/Fixtures/README.md): the fixed keys, the pinned encodings and every intermediate value.
struct FixedKeyVector {
    let json: [String: Any]

    static func load() throws -> FixedKeyVector {
        let object = try JSONSerialization.jsonObject(with: Fixtures.data("sv2/sv2-noise-handshake-fixed-keys.json"))
        guard let json = object as? [String: Any] else { throw CocoaError(.coderReadCorrupt) }
        return FixedKeyVector(json: json)
    }

    func string(_ key: String) -> String {
        guard let value = json[key] as? String else { fatalError("fixture has no string \(key)") }
        return value
    }
    func hex(_ key: String) -> [UInt8] { TestBytes.hex(string(key)) }
    func nested(_ key: String) -> [String: Any] {
        guard let value = json[key] as? [String: Any] else { fatalError("fixture has no object \(key)") }
        return value
    }
    func nestedHex(_ object: String, _ key: String) -> [UInt8] {
        guard let value = nested(object)[key] as? String else { fatalError("fixture has no \(object).\(key)") }
        return TestBytes.hex(value)
    }
    func nestedInt(_ object: String, _ key: String) -> Int {
        guard let value = nested(object)[key] as? Int else { fatalError("fixture has no int \(object).\(key)") }
        return value
    }

    func keyPair(_ secretKey: String, _ encodingKey: String) throws -> EllSwiftKeyPair {
        try EllSwiftKeyPair(keyPair: Secp256k1KeyPair(secretBytes: hex(secretKey)),
                            encoding: EllSwiftPublicKey(bytes: hex(encodingKey)))
    }

    var authority: AuthorityKeyPair {
        get throws { AuthorityKeyPair(keyPair: try Secp256k1KeyPair(secretBytes: hex("authority_priv"))) }
    }

    var certificate: NoiseCertificate {
        get throws {
            let pair = try keyPair("responder_static_priv", "responder_static_ellswift")
            return NoiseCertificate(signing: pair.keyPair.xOnlyPublicKey, with: try authority.keyPair,
                                    version: UInt16(nestedInt("cert", "version")),
                                    validFromSeconds: UInt32(nestedInt("cert", "valid_from")),
                                    notValidAfterSeconds: UInt32(nestedInt("cert", "not_valid_after")),
                                    auxiliaryRandom: try requireBytes32(nestedHex("cert", "bip340_aux_rand")))
        }
    }

    var responderConfiguration: NoiseResponder.Configuration {
        get throws {
            NoiseResponder.Configuration(staticKey: try keyPair("responder_static_priv", "responder_static_ellswift"),
                                         authority: try authority, certificateValiditySeconds: 3600)
        }
    }

    /// A time inside the certificate's window.
    var nowSeconds: Int64 { Int64(nestedInt("cert", "valid_from")) + 60 }
}

func secretHex(_ key: SecretKey) -> String { key.withUnsafeBytes { Hex.encode($0) } }

func requireBytes32(_ bytes: [UInt8]) throws -> Bytes32 {
    guard let value = Bytes32(bytes) else { throw CryptoError(.invalidLength) }
    return value
}

/// Runs a complete in-memory handshake with random keys (seeded).
struct HandshakePair {
    var initiatorSession: NoiseSession
    var responderSession: NoiseSession
    let authority: AuthorityKeyPair
    let configuration: NoiseResponder.Configuration

    static let now: Int64 = 1_750_000_000

    static func make(seed: UInt64) throws -> HandshakePair {
        var rng = SeededGenerator(seed: seed)
        let authority = AuthorityKeyPair.generate(using: &rng)
        let configuration = NoiseResponder.Configuration(authority: authority, certificateValiditySeconds: 3600, using: &rng)
        var initiator = NoiseInitiator(authorityKey: authority.publicKey, using: &rng)
        var responder = NoiseResponder(configuration: configuration)
        let act1 = try initiator.writeAct1()
        let reply = try responder.readAct1(act1, nowSeconds: now, using: &rng)
        let session = try initiator.readAct2(reply.act2, nowSeconds: now)
        return HandshakePair(initiatorSession: session, responderSession: reply.session, authority: authority,
                             configuration: configuration)
    }

    func transports(maxPayloadLength: Int = 1 << 20) -> (initiator: NoiseTransport, responder: NoiseTransport) {
        (initiatorSession.transport(maxPayloadLength: maxPayloadLength), responderSession.transport(maxPayloadLength: maxPayloadLength))
    }
}
