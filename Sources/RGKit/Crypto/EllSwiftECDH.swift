import Crypto
import CSodium

/// BIP-324's x-only ECDH on ElligatorSwift keys, which SV2 uses for every Noise DH
/// (stratum-v2.md §1.2):
/// `SHA256(T ‖ T ‖ ell_initiator ‖ ell_responder ‖ x32)` with `T = SHA256("bip324_ellswift_xonly_ecdh")`.
///
/// The two encodings are ordered by role, not by "mine/theirs": the initiator's is always first.
/// Getting this backwards gives a different key on one side only, and the handshake fails at the
/// first MAC. This is byte-identical to libsecp256k1's `secp256k1_ellswift_xdh` with
/// `secp256k1_ellswift_xdh_hash_function_bip324`, and to BIP-324's `v2_ecdh`.
public enum EllSwiftECDH {
    static let tagHash: Bytes32 = SHA256Hash.hash(Array("bip324_ellswift_xonly_ecdh".utf8))

    public enum Role: Sendable { case initiator, responder }

    /// The shared secret between `ours` (a key pair whose EllSwift encoding is `ourEncoding`) and
    /// the peer's `theirEncoding`; `role` says which side we are.
    public static func sharedSecret(ours: Secp256k1KeyPair, ourEncoding: EllSwiftPublicKey,
                                    theirEncoding: EllSwiftPublicKey, role: Role) throws(CryptoError) -> SecretKey {
        try sharedSecret(ours: ours, ourEncoding: ourEncoding, theirEncoding: theirEncoding, theirX: theirEncoding.x, role: role)
    }

    /// As above with the peer's x already decoded (`theirEncoding.x`), so a handshake that uses one
    /// peer key in two DHs decodes it once.
    static func sharedSecret(ours: Secp256k1KeyPair, ourEncoding: EllSwiftPublicKey, theirEncoding: EllSwiftPublicKey,
                             theirX: Bytes32, role: Role) throws(CryptoError) -> SecretKey {
        let x = try ours.sharedX(withX: theirX)
        let (first, second) = role == .initiator ? (ourEncoding, theirEncoding) : (theirEncoding, ourEncoding)
        var hasher = Crypto.SHA256()
        withUnsafeBytes(of: tagHash) { hasher.update(bufferPointer: $0) }
        withUnsafeBytes(of: tagHash) { hasher.update(bufferPointer: $0) }
        for part in [first.u, first.t, second.u, second.t] {
            withUnsafeBytes(of: part) { hasher.update(bufferPointer: $0) }
        }
        x.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return SecretKey { out in hasher.finalize().withUnsafeBytes { out.copyMemory(from: $0) } }
    }
}
