/// A secp256k1 key pair together with one ElligatorSwift encoding of its public key: what each
/// side of the SV2 Noise handshake holds for its ephemeral (and the responder for its static) key.
public struct EllSwiftKeyPair: Sendable {
    public let keyPair: Secp256k1KeyPair
    public let encoding: EllSwiftPublicKey

    /// Pairs a key with a given encoding (tests pin encodings made elsewhere). Fails unless the
    /// encoding decodes to the key's x coordinate.
    public init(keyPair: Secp256k1KeyPair, encoding: EllSwiftPublicKey) throws(CryptoError) {
        guard encoding.x == keyPair.xOnlyPublicKey.bytes else {
            throw CryptoError(.invalidPublicKey, "EllSwift encoding decodes to \(encoding.x.hex), not to the key's x \(keyPair.xOnlyPublicKey.hex)")
        }
        self.keyPair = keyPair
        self.encoding = encoding
    }

    /// Encodes the key's x with fresh randomness from `rng`.
    public init(keyPair: Secp256k1KeyPair, using rng: inout some RandomNumberGenerator) {
        self.keyPair = keyPair
        self.encoding = EllSwiftPublicKey.encoding(x: keyPair.xOnlyPublicKey, using: &rng)
    }

    /// A new random key and a random encoding of it (BIP-324 `ellswift_create`).
    public static func generate(using rng: inout some RandomNumberGenerator) -> EllSwiftKeyPair {
        EllSwiftKeyPair(keyPair: Secp256k1KeyPair.generate(using: &rng), using: &rng)
    }

    /// BIP-324 x-only ECDH with the peer's encoding; `role` is our side of the handshake.
    public func sharedSecret(with theirs: EllSwiftPublicKey, role: EllSwiftECDH.Role) throws(CryptoError) -> SecretKey {
        try EllSwiftECDH.sharedSecret(ours: keyPair, ourEncoding: encoding, theirEncoding: theirs, role: role)
    }

    /// As above with the peer's x already decoded.
    func sharedSecret(with theirs: EllSwiftPublicKey, theirX: Bytes32, role: EllSwiftECDH.Role) throws(CryptoError) -> SecretKey {
        try EllSwiftECDH.sharedSecret(ours: keyPair, ourEncoding: encoding, theirEncoding: theirs, theirX: theirX, role: role)
    }
}
