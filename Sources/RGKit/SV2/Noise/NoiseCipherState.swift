/// One Noise CipherState (rev. 34 §5.1): a ChaCha20-Poly1305 key and a 64-bit nonce counter.
/// After the handshake there is one per direction; each AEAD call uses the next nonce, encoded as
/// 4 zero bytes then the counter little-endian. The counter never wraps: the last value
/// (2^64 − 1) is refused, as Noise requires.
public struct NoiseCipherState: Sendable {
    let key: SecretKey
    public private(set) var nonce: UInt64

    public init(key: SecretKey, nonce: UInt64 = 0) {
        self.key = key
        self.nonce = nonce
    }

    @inline(__always)
    private mutating func takeNonce() throws(NoiseError) -> ChaCha20Poly1305.Nonce {
        guard nonce < UInt64.max else { throw NoiseError(.nonceExhausted, "2^64 - 1 messages on one key") }
        defer { nonce += 1 }
        return ChaCha20Poly1305.Nonce(counter: nonce)
    }

    /// Encrypts `plaintext` into `output` (`plaintext.count + 16` bytes, may alias the input).
    public mutating func encrypt(ad: UnsafeRawBufferPointer, plaintext: UnsafeRawBufferPointer,
                                 into output: UnsafeMutableRawBufferPointer) throws(NoiseError) {
        let n = try takeNonce()
        ChaCha20Poly1305.seal(key: key, nonce: n, ad: ad, plaintext: plaintext, into: output)
    }

    /// Decrypts `ciphertext` (ciphertext ‖ tag) into `output` (may alias the input). On a bad tag
    /// the nonce is not advanced (Noise §5.1) and the caller must drop the connection.
    public mutating func decrypt(ad: UnsafeRawBufferPointer, ciphertext: UnsafeRawBufferPointer,
                                 into output: UnsafeMutableRawBufferPointer) throws(NoiseError) {
        guard nonce < UInt64.max else { throw NoiseError(.nonceExhausted, "2^64 - 1 messages on one key") }
        do {
            try ChaCha20Poly1305.open(key: key, nonce: ChaCha20Poly1305.Nonce(counter: nonce), ad: ad,
                                      ciphertext: ciphertext, into: output)
        } catch {
            throw NoiseError(error, context: "nonce \(nonce)")
        }
        nonce += 1
    }

    public mutating func encrypt(ad: [UInt8] = [], _ plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: plaintext.count + ChaCha20Poly1305.tagSize)
        try out.withMutableBytes { (o: UnsafeMutableRawBufferPointer) throws(NoiseError) in
            try ad.withBytes { (a: UnsafeRawBufferPointer) throws(NoiseError) in
                try plaintext.withBytes { (p: UnsafeRawBufferPointer) throws(NoiseError) in
                    try encrypt(ad: a, plaintext: p, into: o)
                }
            }
        }
        return out
    }

    public mutating func decrypt(ad: [UInt8] = [], _ ciphertext: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard ciphertext.count >= ChaCha20Poly1305.tagSize else {
            throw NoiseError(.decryptionFailed, "ciphertext of \(ciphertext.count) bytes is shorter than the tag")
        }
        var out = [UInt8](repeating: 0, count: ciphertext.count - ChaCha20Poly1305.tagSize)
        try out.withMutableBytes { (o: UnsafeMutableRawBufferPointer) throws(NoiseError) in
            try ad.withBytes { (a: UnsafeRawBufferPointer) throws(NoiseError) in
                try ciphertext.withBytes { (c: UnsafeRawBufferPointer) throws(NoiseError) in
                    try decrypt(ad: a, ciphertext: c, into: o)
                }
            }
        }
        return out
    }
}
