/// The Noise SymmetricState (rev. 34 §5.2) as SV2 uses it (stratum-v2.md §1.3): a chaining key
/// `ck`, a handshake hash `h`, and an optional cipher key `k` with its nonce.
///
/// - `MixHash(d)`: h = SHA256(h ‖ d).
/// - `MixKey(ikm)`: (ck, k) = HKDF(ck, ikm); the nonce restarts at 0 (both handshake encryptions
///   therefore use nonce 0, each under a different key).
/// - `EncryptAndHash` / `DecryptAndHash`: AEAD with AD = h when a key is set (identity otherwise),
///   then MixHash of the **ciphertext**.
/// - `Split()`: (k1, k2) = HKDF(ck, empty); k1 protects initiator → responder.
struct NoiseSymmetricState {
    /// SHA256("Noise_NX_Secp256k1+EllSwift_ChaChaPoly_SHA256"): the protocol name is longer than
    /// 32 bytes, so it is hashed; ck starts as that hash.
    static let initialChainingKey: Bytes32 = SHA256Hash.hash(Array(NoiseHandshake.protocolName.utf8))
    /// h = ck, then MixHash(prologue = empty): SHA256(ck).
    static let initialHandshakeHash: Bytes32 = withUnsafeBytes(of: initialChainingKey) { SHA256Hash.hash($0) }

    private(set) var chainingKey: SecretKey
    private(set) var handshakeHash: Bytes32
    private var cipher: NoiseCipherState?
    /// Test hook: when non-nil, every intermediate value is appended (secrets included), so the
    /// fixed-key vector can be compared step by step. Never enabled outside tests.
    var transcript: NoiseTranscript?

    init(recordingTranscript: Bool = false) {
        chainingKey = SecretKey(NoiseSymmetricState.initialChainingKey)
        handshakeHash = NoiseSymmetricState.initialHandshakeHash
        cipher = nil
        transcript = recordingTranscript ? NoiseTranscript() : nil
    }

    mutating func mixHash(_ data: UnsafeRawBufferPointer) {
        var h = handshakeHash
        handshakeHash = withUnsafeBytes(of: &h) { SHA256Hash.hashConcatenation($0, data) }
    }

    mutating func mixHash(_ data: [UInt8]) {
        data.withUnsafeBytes { mixHash($0) }
    }

    mutating func mixKey(_ inputKeyMaterial: SecretKey) {
        let (ck, k) = NoiseHKDF.derive(chainingKey: chainingKey, inputKeyMaterial: inputKeyMaterial)
        chainingKey = ck
        cipher = NoiseCipherState(key: k)
        record("ck", ck)
        record("k", k)
    }

    mutating func encryptAndHash(_ plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        let ciphertext: [UInt8]
        if var state = cipher {
            let ad = handshakeHash.bytes
            ciphertext = try state.encrypt(ad: ad, plaintext)
            cipher = state
        } else {
            ciphertext = plaintext
        }
        mixHash(ciphertext)
        return ciphertext
    }

    mutating func decryptAndHash(_ ciphertext: [UInt8]) throws(NoiseError) -> [UInt8] {
        let plaintext: [UInt8]
        if var state = cipher {
            let ad = handshakeHash.bytes
            plaintext = try state.decrypt(ad: ad, ciphertext)
            cipher = state
        } else {
            plaintext = ciphertext
        }
        mixHash(ciphertext)
        return plaintext
    }

    /// (initiator → responder, responder → initiator) cipher states, both at nonce 0.
    func split() -> (initiatorToResponder: NoiseCipherState, responderToInitiator: NoiseCipherState) {
        let (k1, k2) = NoiseHKDF.derive(chainingKey: chainingKey, inputKeyMaterial: UnsafeRawBufferPointer(start: nil, count: 0))
        return (NoiseCipherState(key: k1), NoiseCipherState(key: k2))
    }

    mutating func record(_ label: String, _ value: SecretKey) {
        guard transcript != nil else { return }
        transcript?.append(label, value.withUnsafeBytes { Array($0) })
    }

    mutating func record(_ label: String, _ value: Bytes32) {
        guard transcript != nil else { return }
        transcript?.append(label, value.bytes)
    }

    mutating func recordHash(_ label: String) { record(label, handshakeHash) }
}

/// Intermediate handshake values in the order they were produced (test hook; holds secrets).
struct NoiseTranscript: Sendable {
    private(set) var entries: [(label: String, value: [UInt8])] = []

    mutating func append(_ label: String, _ value: [UInt8]) { entries.append((label, value)) }

    /// The value recorded under `label` (the last one if recorded more than once).
    subscript(label: String) -> [UInt8]? { entries.last { $0.label == label }?.value }
}
