/// The SV2 certificate, "SIGNATURE_NOISE_MESSAGE" (sv2-spec §4.5.2; stratum-v2.md §1.6): the
/// responder's proof that its static key is vouched for by the pool's authority key.
///
/// Wire form, 74 bytes, integers little-endian:
/// `version U16 | valid_from U32 | not_valid_after U32 | signature 64`.
/// The signature is BIP-340 by the authority key over
/// `m = SHA256(version ‖ valid_from ‖ not_valid_after ‖ server_static_xonly32)` — the x-only
/// static key decoded from its EllSwift encoding, not the 64-byte encoding itself.
public struct NoiseCertificate: Equatable, Sendable {
    public static let size = 74
    /// SRI's client accepts `valid_from − 10 ≤ now ≤ not_valid_after + 10`.
    public static let defaultLeewaySeconds: Int64 = 10

    public var version: UInt16
    public var validFromSeconds: UInt32
    public var notValidAfterSeconds: UInt32
    public var signature: SchnorrSignature

    public init(version: UInt16 = 0, validFromSeconds: UInt32, notValidAfterSeconds: UInt32, signature: SchnorrSignature) {
        self.version = version
        self.validFromSeconds = validFromSeconds
        self.notValidAfterSeconds = notValidAfterSeconds
        self.signature = signature
    }

    /// Signs a certificate for `staticKey` with the authority key (the responder does this per
    /// connection, valid from `nowSeconds` for `validitySeconds`, as SRI's pool does).
    public init(signing staticKey: XOnlyPublicKey, with authority: Secp256k1KeyPair, version: UInt16 = 0,
                validFromSeconds: UInt32, notValidAfterSeconds: UInt32, auxiliaryRandom: Bytes32) {
        let m = NoiseCertificate.signedMessage(version: version, validFromSeconds: validFromSeconds,
                                               notValidAfterSeconds: notValidAfterSeconds, staticKey: staticKey)
        self.init(version: version, validFromSeconds: validFromSeconds, notValidAfterSeconds: notValidAfterSeconds,
                  signature: authority.signSchnorr(m.bytes, auxiliaryRandom: auxiliaryRandom))
    }

    /// Parses exactly 74 bytes.
    public init<C: Collection>(decoding bytes: C) throws(NoiseError) where C.Element == UInt8 {
        guard bytes.count == NoiseCertificate.size else {
            throw NoiseError(.invalidCertificate, "certificate is 74 bytes, got \(bytes.count)")
        }
        var reader = ByteReader(Array(bytes))
        do {
            version = try reader.readLE(UInt16.self)
            validFromSeconds = try reader.readLE(UInt32.self)
            notValidAfterSeconds = try reader.readLE(UInt32.self)
            signature = try SchnorrSignature(bytes: reader.readBytes(SchnorrSignature.size))
        } catch {
            throw NoiseError(.invalidCertificate, "\(error)")   // unreachable: the size was checked
        }
    }

    /// The 10 bytes that precede the signature.
    var headerBytes: [UInt8] {
        var writer = ByteWriter(capacity: NoiseCertificate.size)
        writer.writeLE(version)
        writer.writeLE(validFromSeconds)
        writer.writeLE(notValidAfterSeconds)
        return writer.bytes
    }

    public var bytes: [UInt8] { headerBytes + signature.bytes }

    /// `SHA256(version ‖ valid_from ‖ not_valid_after ‖ static_xonly)`: the 32 bytes the
    /// authority signs (42-byte preimage).
    public static func signedMessage(version: UInt16, validFromSeconds: UInt32, notValidAfterSeconds: UInt32,
                                     staticKey: XOnlyPublicKey) -> Bytes32 {
        var writer = ByteWriter(capacity: 42)
        writer.writeLE(version)
        writer.writeLE(validFromSeconds)
        writer.writeLE(notValidAfterSeconds)
        writer.write(staticKey.bytes.bytes)
        return SHA256Hash.hash(writer.bytes)
    }

    /// Throws unless the signature verifies for `staticKey` under `authority` and `nowSeconds`
    /// lies in `[valid_from − leeway, not_valid_after + leeway]`. `version` is not checked (SRI
    /// does not check it either; sv2-tp only issues 0).
    public func verify(staticKey: XOnlyPublicKey, authority: XOnlyPublicKey, nowSeconds: Int64,
                       leewaySeconds: Int64 = NoiseCertificate.defaultLeewaySeconds) throws(NoiseError) {
        let m = NoiseCertificate.signedMessage(version: version, validFromSeconds: validFromSeconds,
                                               notValidAfterSeconds: notValidAfterSeconds, staticKey: staticKey)
        guard authority.isValidSignature(signature, for: m.bytes) else {
            throw NoiseError(.invalidCertificate, "signature does not verify against authority key \(authority.hex)")
        }
        guard Int64(validFromSeconds) - leewaySeconds <= nowSeconds else {
            throw NoiseError(.certificateNotValidNow, "valid from \(validFromSeconds), now \(nowSeconds)")
        }
        guard nowSeconds <= Int64(notValidAfterSeconds) + leewaySeconds else {
            throw NoiseError(.certificateNotValidNow, "expired at \(notValidAfterSeconds), now \(nowSeconds)")
        }
    }
}
