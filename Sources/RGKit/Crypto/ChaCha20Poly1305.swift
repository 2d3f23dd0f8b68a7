import CSodium

/// IETF ChaCha20-Poly1305 (RFC 8439): 32-byte key, 12-byte nonce, 16-byte tag appended to the
/// ciphertext. libsodium's `crypto_aead_chacha20poly1305_ietf_*_detached`, which allow the
/// output to alias the input (in-place encryption and decryption).
public enum ChaCha20Poly1305 {
    public static let keySize = 32
    public static let nonceSize = 12
    public static let tagSize = 16

    /// Encrypts `plaintext` into `output`, which must hold `plaintext.count + 16` bytes; `output`
    /// may start at `plaintext` (in place). Writes ciphertext then tag.
    public static func seal(key: SecretKey, nonce: Nonce, ad: UnsafeRawBufferPointer,
                            plaintext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= plaintext.count + tagSize, "AEAD output buffer too small")  // caller sizes it
        Sodium.ensureReady()
        var nonceBytes = nonce.bytes
        key.withUnsafeBytes { k in
            withUnsafeBytes(of: &nonceBytes) { n in
                let out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
                _ = crypto_aead_chacha20poly1305_ietf_encrypt_detached(
                    out, out + plaintext.count, nil,
                    plaintext.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(plaintext.count),
                    ad.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(ad.count), nil,
                    n.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    k.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
    }

    /// Verifies the tag of `ciphertext` (ciphertext ‖ tag) and decrypts it into `output`, which
    /// must hold `ciphertext.count − 16` bytes and may start at `ciphertext` (in place). On failure
    /// nothing is released: libsodium checks the tag before decrypting and zeroes `output`.
    public static func open(key: SecretKey, nonce: Nonce, ad: UnsafeRawBufferPointer,
                            ciphertext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        guard ciphertext.count >= tagSize else {
            throw CryptoError(.invalidLength, "AEAD ciphertext is \(ciphertext.count) bytes, shorter than the tag")
        }
        let plainCount = ciphertext.count - tagSize
        precondition(output.count >= plainCount, "AEAD output buffer too small")  // caller sizes it
        Sodium.ensureReady()
        var nonceBytes = nonce.bytes
        let status = key.withUnsafeBytes { k in
            withUnsafeBytes(of: &nonceBytes) { n in
                let c = ciphertext.baseAddress!.assumingMemoryBound(to: UInt8.self)
                return crypto_aead_chacha20poly1305_ietf_decrypt_detached(
                    output.baseAddress?.assumingMemoryBound(to: UInt8.self), nil,
                    c, UInt64(plainCount), c + plainCount,
                    ad.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(ad.count),
                    n.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    k.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        guard status == 0 else { throw CryptoError(.authenticationFailed, "ChaCha20-Poly1305 tag mismatch") }
    }

    public static func seal(key: SecretKey, nonce: Nonce, ad: [UInt8] = [], plaintext: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: plaintext.count + tagSize) { out, initialized in
            ad.withUnsafeBytes { a in
                plaintext.withUnsafeBytes { p in seal(key: key, nonce: nonce, ad: a, plaintext: p, into: UnsafeMutableRawBufferPointer(out)) }
            }
            initialized = plaintext.count + tagSize
        }
    }

    public static func open(key: SecretKey, nonce: Nonce, ad: [UInt8] = [], ciphertext: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard ciphertext.count >= tagSize else {
            throw CryptoError(.invalidLength, "AEAD ciphertext is \(ciphertext.count) bytes, shorter than the tag")
        }
        var out = [UInt8](repeating: 0, count: ciphertext.count - tagSize)
        try out.withMutableBytes { (o: UnsafeMutableRawBufferPointer) throws(CryptoError) in
            try ad.withBytes { (a: UnsafeRawBufferPointer) throws(CryptoError) in
                try ciphertext.withBytes { (c: UnsafeRawBufferPointer) throws(CryptoError) in
                    try open(key: key, nonce: nonce, ad: a, ciphertext: c, into: o)
                }
            }
        }
        return out
    }

    /// The 96-bit IETF nonce. Noise (and so SV2) uses 4 zero bytes then a 64-bit counter,
    /// little-endian (Noise rev. 34 §12.3) — not the BIP-324 layout.
    public struct Nonce: Sendable, Equatable {
        public var prefix: UInt32
        public var counter: UInt64

        public init(prefix: UInt32 = 0, counter: UInt64) {
            self.prefix = prefix
            self.counter = counter
        }

        /// The 12 bytes: prefix LE then counter LE.
        public var bytes: (UInt32, UInt32, UInt32) {
            (prefix.littleEndian, UInt32(truncatingIfNeeded: counter).littleEndian,
             UInt32(truncatingIfNeeded: counter >> 32).littleEndian)
        }
    }
}
